/*
 * Unit tests of the topic parser, path part (impl/topic/, spec/topics.md §1..§3, §6):
 * classification, key prefix, version, every resource of v1 and v2, ids, timestamps,
 * format suffixes and the order of log reasons. The query part is in test_topic_query.c.
 * Each test names the XB-TOPIC statement it checks.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topic/xb_topic.h"

#define KEY20 "AbCdEfGhIjKlMnOp1234"

static xb_topic_status parse(const char *s, xb_topic *r)
{
  return xb_topic_parse((const uint8_t *)s, strlen(s), XB_TOPIC_MAX_LEN_DEFAULT, r);
}

static int span_is(const char *s, xb_topic_span sp, const char *want)
{
  return sp.len == strlen(want) && memcmp(s + sp.off, want, sp.len) == 0;
}

struct reject {
  const char *topic;
  xb_topic_status want;
};

static void check_rejects(const struct reject *cases, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    xb_topic r;
    xb_topic_status st = parse(cases[i].topic, &r);
    ck_assert_msg(st == cases[i].want, "%s: got %s, want %s", cases[i].topic,
                  xb_topic_status_str(st), xb_topic_status_str(cases[i].want));
  }
}

/* ------------------------------------------------------------ §1 classification */

START_TEST(test_too_long_XB_TOPIC_1)
{
  char buf[1100];
  xb_topic r;
  /* "/v2/feeds/1?q=" then q = 'a'... : too long whatever the grammar says */
  memset(buf, 'a', sizeof buf);
  memcpy(buf, "/v2/feeds/1", 11);
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)buf, 1025, 1024, &r), XB_TOPIC_TOO_LONG);
  ck_assert_str_eq(xb_topic_reason(XB_TOPIC_TOO_LONG), "topic-too-long");
  /* the limit is configurable and inclusive */
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)"/v2/feeds/504", 13, 13, &r), XB_TOPIC_OK);
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)"/v2/feeds/504", 13, 12, &r),
                   XB_TOPIC_TOO_LONG);
  /* length is checked before the wildcard rule */
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)"/v2/feeds/+", 11, 10, &r),
                   XB_TOPIC_TOO_LONG);
}
END_TEST

START_TEST(test_wildcard_XB_TOPIC_2)
{
  static const struct reject cases[] = {
      {"/v2/feeds/+.json", XB_TOPIC_WILDCARD},
      {"#", XB_TOPIC_WILDCARD},
      {"+", XB_TOPIC_WILDCARD},
      {"/v2/feeds/#", XB_TOPIC_WILDCARD},
      {"/v2/+/504", XB_TOPIC_WILDCARD},
      {"a+b/v2/feeds/504", XB_TOPIC_WILDCARD},
      {"/v2/feeds/1/datastreams/0/datapoints/2013-04-23T14:00:00+02:00", XB_TOPIC_WILDCARD},
      {"/v2/feeds?q=a+b", XB_TOPIC_WILDCARD},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
  ck_assert_str_eq(xb_topic_reason(XB_TOPIC_WILDCARD), "wildcard-filter");
}
END_TEST

/* The grammar itself accepts '+' where §2 allows it (the note on '+'). */
START_TEST(test_grammar_accepts_plus_XB_TOPIC_2_XB_TOPIC_10)
{
  const char *a = "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T14:00:00+02:00";
  const char *b = "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T12:00:00Z";
  xb_topic ra, rb;
  ck_assert_int_eq(xb_topic_parse_api((const uint8_t *)a, strlen(a), &ra), XB_TOPIC_OK);
  ck_assert_int_eq(xb_topic_parse_api((const uint8_t *)b, strlen(b), &rb), XB_TOPIC_OK);
  ck_assert_int_eq(ra.resource, XB_TOPIC_DATAPOINT);
  ck_assert(ra.ts_us == rb.ts_us);
  ck_assert(span_is(a, ra.ts, "2013-04-23T14:00:00+02:00"));
  const char *q = "/v2/feeds?q=a+b";
  ck_assert_int_eq(xb_topic_parse_api((const uint8_t *)q, strlen(q), &ra), XB_TOPIC_OK);
  ck_assert(span_is(q, ra.params.slot[XB_TOPIC_P_Q].value, "a+b"));
  /* '#' is in no rule */
  ck_assert_int_eq(xb_topic_parse_api((const uint8_t *)"/v2/feeds/#", 11, &ra),
                   XB_TOPIC_BAD_ID);
}
END_TEST

START_TEST(test_non_api_topics_XB_TOPIC_3)
{
  static const struct reject cases[] = {
      {"a/b", XB_TOPIC_BAD_KEY},
      {"hello", XB_TOPIC_BAD_KEY},
      {"$SYS/broker/uptime", XB_TOPIC_BAD_KEY},
      {"/v3/feeds/1", XB_TOPIC_BAD_VERSION},
      {"/v2", XB_TOPIC_BAD_VERSION},
      {"v2", XB_TOPIC_BAD_KEY},
      {"/", XB_TOPIC_BAD_VERSION},
      {"/V2/feeds/1", XB_TOPIC_BAD_VERSION},
      {"/v2/", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/products", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/devices/abc/activate", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feedsX", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/keysX", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v1/keys", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v1/feeds.csv", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v1/feeds/1/datastreams.csv", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v1/feeds/1/datastreams/0/datapoints.csv", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/api/504.csv", XB_TOPIC_BAD_VERSION},
  };
  xb_topic r;
  check_rejects(cases, sizeof cases / sizeof cases[0]);
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)"", 0, 1024, &r), XB_TOPIC_EMPTY);
  ck_assert_int_eq(xb_topic_parse(NULL, 3, 1024, &r), XB_TOPIC_BAD_ARG);
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)"/v2/feeds", 9, 1024, NULL),
                   XB_TOPIC_BAD_ARG);
  for (int s = XB_TOPIC_BAD_ARG; s <= XB_TOPIC_BAD_SUFFIX; s++)
    ck_assert_str_eq(xb_topic_reason((xb_topic_status)s), "not-api-topic");
}
END_TEST

/* Bytes outside %x21-7E: not-api-topic before '?', bad-query after it. */
START_TEST(test_non_printable_bytes_XB_TOPIC_4)
{
#define B(x) {x, sizeof(x) - 1}
  static const struct {
    const char *s;
    size_t n;
  } before[] = {B("/v2/feeds/504\0.json"), B("/v2/feeds/5 04"),
                B("/v2/feeds/504/datastreams/te\x7fmp"), B("/v2/feeds/504/datastreams/t\xc3\xa9"),
                B("\0/v2/feeds/504"), B("/v2/feeds/504 "), B(" /v2/feeds/504"),
                B("/v2/feeds/504\t"), B("/v2/feeds/504\n"), B("/v2/feeds/504\x80")},
    after[] = {B("/v2/feeds/504?q=a\0b"), B("/v2/feeds?q=a b"), B("/v2/feeds?q=caf\xc3\xa9"),
               B("/v2/feeds?q=\x7f"), B("/v2/feeds?q=x&\0=1"), B("/v2/feeds?\xffq=1")};
#undef B
  xb_topic r;
  for (size_t i = 0; i < sizeof before / sizeof before[0]; i++) {
    xb_topic_status st = xb_topic_parse((const uint8_t *)before[i].s, before[i].n, 1024, &r);
    ck_assert_msg(st != XB_TOPIC_OK && strcmp(xb_topic_reason(st), "not-api-topic") == 0,
                  "before %zu: %s", i, xb_topic_status_str(st));
  }
  for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
    xb_topic_status st = xb_topic_parse((const uint8_t *)after[i].s, after[i].n, 1024, &r);
    ck_assert_msg(xb_topic_status_is_query(st), "after %zu: %s", i, xb_topic_status_str(st));
    ck_assert_str_eq(xb_topic_reason(st), "bad-query");
  }
  /* no case folding, no percent-decoding */
  ck_assert_int_eq(parse("/v2/FEEDS/504", &r), XB_TOPIC_UNKNOWN_RESOURCE);
  ck_assert_int_eq(parse("/v2/feeds/%35%30%34", &r), XB_TOPIC_BAD_ID);
  ck_assert_int_eq(parse("/v2/feeds?q=a%20b", &r), XB_TOPIC_BAD_QUERY);
}
END_TEST

/* Total: any byte string up to 65535 bytes is accepted or rejected, nothing read past. */
START_TEST(test_total_function_XB_TOPIC_5)
{
  static uint8_t big[65535];
  xb_topic r;
  memset(big, 'a', sizeof big);
  memcpy(big, "/v2/feeds/1/datastreams/", 24);
  ck_assert_int_eq(xb_topic_parse_api(big, sizeof big, &r), XB_TOPIC_BAD_ID);
  memset(big, 'a', sizeof big);
  memcpy(big, "/v2/feeds?q=", 12);
  ck_assert_int_eq(xb_topic_parse_api(big, sizeof big, &r), XB_TOPIC_BAD_PARAM_VALUE);
  /* every prefix of a valid topic is classified without reading beyond it */
  const char *full = KEY20 "/v2/feeds/504/datastreams/0/datapoints/"
                           "2013-04-23T12:34:56.123456Z.json?limit=5";
  for (size_t n = 0; n <= strlen(full); n++) {
    uint8_t *copy = (uint8_t *)malloc(n ? n : 1);
    memcpy(copy, full, n);
    (void)xb_topic_parse_api(copy, n, &r);
    free(copy);
  }
  ck_assert_int_eq(xb_topic_parse_api(NULL, 0, &r), XB_TOPIC_BAD_ARG);
}
END_TEST

/* ------------------------------------------------------------ §2 key, slash, ids */

START_TEST(test_key_prefix_XB_TOPIC_6)
{
  xb_topic r;
  const char *t = KEY20 "/v2/feeds/504.json";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert(span_is(t, r.key, KEY20));
  ck_assert_uint_eq(r.key.off, 0);
  ck_assert(span_is(t, r.path, "v2/feeds/504"));
  ck_assert_uint_eq(r.feed_id, 504);

  const char *k16 = "abcdefgh-_ABCDEF/v2/feeds";
  ck_assert_int_eq(parse(k16, &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.key.len, 16);
  const char *k64 = "0123456789012345678901234567890123456789012345678901234567890123/v1/"
                    "feeds/1.csv";
  ck_assert_int_eq(parse(k64, &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.key.len, 64);
  ck_assert_int_eq(r.version, 1);
  /* a key that starts like a version is still a key */
  const char *kv = "v2abcdefghijklmnop/v2/feeds";
  ck_assert_int_eq(parse(kv, &r), XB_TOPIC_OK);
  ck_assert(span_is(kv, r.key, "v2abcdefghijklmnop"));
  /* no key: span {0, 0} */
  ck_assert_int_eq(parse("/v2/feeds", &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.key.len, 0);
  ck_assert_uint_eq(r.key.off, 0);

  static const struct reject cases[] = {
      {"/" KEY20 "/v2/feeds/504.json", XB_TOPIC_BAD_VERSION},
      {KEY20 "//v2/feeds/504.json", XB_TOPIC_BAD_VERSION},
      {"short/v2/feeds/504.json", XB_TOPIC_BAD_KEY},
      {"abcdefghijklmno/v2/feeds", XB_TOPIC_BAD_KEY},   /* 15 */
      {"0123456789012345678901234567890123456789012345678901234567890123x/v2/feeds",
       XB_TOPIC_BAD_KEY},                                 /* 65 */
      {"abcdefgh.ABCDEFGH/v2/feeds", XB_TOPIC_BAD_KEY},
      {"abcdefgh!ABCDEFGH/v2/feeds", XB_TOPIC_BAD_KEY},
      {KEY20, XB_TOPIC_BAD_KEY},
      {KEY20 "/v3/feeds", XB_TOPIC_BAD_VERSION},
      {KEY20 "/feeds/1", XB_TOPIC_BAD_VERSION},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_leading_slash_optional_XB_TOPIC_7)
{
  xb_topic a, b;
  ck_assert_int_eq(parse("/v2/feeds/504.json", &a), XB_TOPIC_OK);
  ck_assert_int_eq(parse("v2/feeds/504.json", &b), XB_TOPIC_OK);
  ck_assert_int_eq(a.resource, b.resource);
  ck_assert_uint_eq(a.feed_id, b.feed_id);
  ck_assert_int_eq(a.format, b.format);
  ck_assert_uint_eq(a.path.off, 1);
  ck_assert_uint_eq(b.path.off, 0);
  ck_assert_uint_eq(a.path.len, b.path.len);
  ck_assert_int_eq(parse("v1/feeds/504.csv", &b), XB_TOPIC_OK);
  ck_assert_int_eq(b.version, 1);
}
END_TEST

START_TEST(test_feed_and_trigger_ids_XB_TOPIC_8)
{
  xb_topic r;
  ck_assert_int_eq(parse("/v2/feeds/2147483647", &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.feed_id, 2147483647u);
  ck_assert_int_eq(parse("/v2/feeds/1", &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.feed_id, 1);
  ck_assert_int_eq(parse("/v2/feeds/1000000000/datastreams", &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.feed_id, 1000000000u);
  ck_assert_int_eq(parse("/v2/triggers/2147483647.xml", &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.trigger_id, 2147483647u);
  static const struct reject cases[] = {
      {"/v2/feeds/2147483648", XB_TOPIC_BAD_ID},
      {"/v2/feeds/9999999999", XB_TOPIC_BAD_ID},
      {"/v2/feeds/21474836470", XB_TOPIC_BAD_ID},
      {"/v2/feeds/10000000000", XB_TOPIC_BAD_ID},
      {"/v2/feeds/0", XB_TOPIC_BAD_ID},
      {"/v2/feeds/0504", XB_TOPIC_BAD_ID},
      {"/v2/feeds/-1", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504x", XB_TOPIC_BAD_ID},
      {"/v2/feeds/x504", XB_TOPIC_BAD_ID},
      {"/v1/feeds/2147483648.csv", XB_TOPIC_BAD_ID},
      {"/v2/triggers/2147483648", XB_TOPIC_BAD_ID},
      {"/v2/triggers/0", XB_TOPIC_BAD_ID},
      {"/v2/triggers/01", XB_TOPIC_BAD_ID},
      {"/v2/triggers/1/x", XB_TOPIC_BAD_ID},
      {"/v2/triggers/", XB_TOPIC_BAD_ID},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

struct instant {
  const char *ts;
  long long us; /* -1: rejected */
};

START_TEST(test_timestamps_XB_TOPIC_9)
{
  static const struct instant cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T00:00:00.000001Z", 1},
      {"2013-04-23T12:34:56.123456Z", 1366720496123456LL},
      {"2013-04-23T12:34:56.5Z", 1366720496500000LL},  /* padded fraction */
      {"2013-04-23T12:34:56.05Z", 1366720496050000LL},
      {"2000-02-29T00:00:00Z", 951782400000000LL},     /* divisible by 400: leap */
      {"2012-02-29T23:59:59Z", 1330559999000000LL},
      {"2013-12-31T23:59:59-01:00", 1388537999000000LL},
      {"1969-12-31T23:30:00-00:30", 0},
      {"9999-12-31T23:59:59.999999Z", 253402300799999999LL},
      {"2013-04-23T12:34:56.1234567Z", -1}, /* 7 fraction digits */
      {"2013-04-23T12:34:56.Z", -1},
      {"2013-04-23T12:34:56", -1},          /* zone required */
      {"2013-04-23 12:34:56Z", -1},
      {"2013-04-23t12:34:56z", -1},
      {"2013-13-01T00:00:00Z", -1},
      {"2013-00-01T00:00:00Z", -1},
      {"2013-04-31T00:00:00Z", -1},
      {"2013-04-00T00:00:00Z", -1},
      {"2013-02-29T00:00:00Z", -1},
      {"1900-02-29T00:00:00Z", -1},         /* divisible by 100: not leap */
      {"2013-04-23T24:00:00Z", -1},
      {"2013-04-23T12:60:00Z", -1},
      {"2013-04-23T12:00:60Z", -1},         /* no leap second (XB-EXC-25) */
      {"2013-04-23T12:00:00-24:00", -1},
      {"2013-04-23T12:00:00-01:60", -1},
      {"2013-04-23T12:00:00-0100", -1},
      {"1969-12-31T23:59:59Z", -1},         /* before 1970 */
      {"1969-12-31T23:59:59.999999Z", -1},
      {"0000-01-01T00:00:00Z", -1},
      {"9999-12-31T23:00:00-01:00", -1},    /* after 9999 in UTC */
      {"13-04-23T12:00:00Z", -1},
      {"2013-4-23T12:00:00Z", -1},
  };
  char topic[128];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    xb_topic r;
    snprintf(topic, sizeof topic, "/v2/feeds/1/datastreams/0/datapoints/%s.json", cases[i].ts);
    xb_topic_status st = parse(topic, &r);
    if (cases[i].us < 0) {
      ck_assert_msg(st == XB_TOPIC_BAD_TIMESTAMP, "%s: %s", cases[i].ts, xb_topic_status_str(st));
    } else {
      ck_assert_msg(st == XB_TOPIC_OK, "%s: %s", cases[i].ts, xb_topic_status_str(st));
      ck_assert_msg(r.ts_us == cases[i].us, "%s: %lld", cases[i].ts, (long long)r.ts_us);
      ck_assert(span_is(topic, r.ts, cases[i].ts));
      ck_assert_int_eq(r.format, XB_TOPIC_JSON);
      ck_assert(r.format_explicit);
    }
  }
}
END_TEST

START_TEST(test_same_instant_XB_TOPIC_10)
{
  static const char *const forms[] = {
      "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T12:00:00Z",
      "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T12:00:00.000000Z",
      "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T12:00:00.0Z.csv",
      "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T11:00:00-01:00.xml",
      "/v2/feeds/1/datastreams/0/datapoints/2013-04-22T23:00:00-13:00",
  };
  xb_topic r;
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    ck_assert_int_eq(parse(forms[i], &r), XB_TOPIC_OK);
    ck_assert_msg(r.ts_us == 1366718400000000LL, "%s", forms[i]);
  }
}
END_TEST

START_TEST(test_no_other_path_XB_TOPIC_11)
{
  static const struct reject cases[] = {
      {"/v2/feeds/504/", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2//feeds", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feeds//504", XB_TOPIC_BAD_ID},
      {"/v2/feeds/0504", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504/datastreams/", XB_TOPIC_BAD_ID},
      {"/v2/Feeds/504", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feeds/", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504/datastreams//datapoints", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504/datastreams/0/", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feeds/504/datastreams/0/datapoints/", XB_TOPIC_BAD_TIMESTAMP},
      {"/v2/feeds/504/datastreams/0/datapoints/x", XB_TOPIC_BAD_TIMESTAMP},
      {"/v2/feeds/504/datastreams/0/datapoints/2013-04-23T12:00:00Z/", XB_TOPIC_BAD_TIMESTAMP},
      {"/v2/feeds/504/datastreamsX", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feeds/504/datastreams/0/datapointsX", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feeds/504/datastreams/0/other", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feeds/504/other", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/./feeds/504", XB_TOPIC_UNKNOWN_RESOURCE},
      {"/v2/feeds/../feeds/504", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504/datastreams/.", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504/datastreams/..", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504/datastreams/te!mp", XB_TOPIC_BAD_ID},
      {"/v2/feeds/504/datastreams/"
       "01234567890123456789012345678901234567890123456789012345678901234",
       XB_TOPIC_BAD_ID}, /* 65 */
      {"/v2/keys/", XB_TOPIC_BAD_ID},
      {"/v2/keys/abcdefghijklmno", XB_TOPIC_BAD_ID}, /* 15 */
      {"/v2/keys/" KEY20 "/x", XB_TOPIC_BAD_ID},
      {"/v2/users/", XB_TOPIC_BAD_ID},
      {"/v2/users/01234567890123456789012345678901234567890", XB_TOPIC_BAD_ID}, /* 41 */
      {"/v2/users/bo b", XB_TOPIC_BAD_ID},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

/* Every resource of v2 and v1, with its ids, spans and PUBLISH method (XB-MAP-3). */
START_TEST(test_every_resource_XB_TOPIC_3_XB_MAP_3)
{
  xb_topic r;
  const char *t;

  t = "/v2/feeds";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_FEEDS);
  ck_assert(r.collection);
  ck_assert_int_eq(r.version, 2);

  t = "/v2/feeds/504";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_FEED);
  ck_assert(!r.collection);
  ck_assert(span_is(t, r.feed, "504"));

  t = "/v2/feeds/504/datastreams";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_DATASTREAMS);
  ck_assert(r.collection);
  ck_assert_uint_eq(r.feed_id, 504);

  t = "/v2/feeds/504/datastreams/temp_1-A";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_DATASTREAM);
  ck_assert(!r.collection);
  ck_assert(span_is(t, r.ds, "temp_1-A"));

  t = "/v2/feeds/504/datastreams/"
      "0123456789012345678901234567890123456789012345678901234567890123.csv";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.ds.len, 64);

  t = "/v2/feeds/504/datastreams/0/datapoints";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_DATAPOINTS);
  ck_assert(r.collection);
  ck_assert(span_is(t, r.ds, "0"));

  t = "/v2/feeds/504/datastreams/0/datapoints/2013-04-23T12:34:56Z";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_DATAPOINT);
  ck_assert(!r.collection);
  ck_assert(span_is(t, r.ts, "2013-04-23T12:34:56Z"));

  t = "/v2/keys";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_KEYS);
  ck_assert(r.collection);

  t = "/v2/keys/" KEY20 ".xml";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_KEY);
  ck_assert(!r.collection);
  ck_assert(span_is(t, r.key_id, KEY20));
  ck_assert_uint_eq(r.key.len, 0);

  t = "/v2/triggers";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_TRIGGERS);
  ck_assert(r.collection);

  t = "/v2/triggers/77";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_TRIGGER);
  ck_assert(!r.collection);
  ck_assert_uint_eq(r.trigger_id, 77);
  ck_assert(span_is(t, r.trigger, "77"));

  t = "/v2/users.json";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_USERS);
  ck_assert(r.collection);

  t = "/v2/users/a";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.resource, XB_TOPIC_USER);
  ck_assert(!r.collection);
  ck_assert(span_is(t, r.login, "a"));

  t = "/v2/users/0123456789012345678901234567890123456789";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_uint_eq(r.login.len, 40);

  t = "/v1/feeds/504.csv";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.version, 1);
  ck_assert_int_eq(r.resource, XB_TOPIC_FEED);
  ck_assert(!r.collection);

  t = "/v1/feeds/504/datastreams/0.csv";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.version, 1);
  ck_assert_int_eq(r.resource, XB_TOPIC_DATASTREAM);
  ck_assert(span_is(t, r.ds, "0"));
  ck_assert(span_is(t, r.path, "v1/feeds/504/datastreams/0"));
  ck_assert(!r.has_query);
}
END_TEST

/* ------------------------------------------------------------ §3 format */

START_TEST(test_format_suffix_XB_TOPIC_12)
{
  xb_topic r;
  ck_assert_int_eq(parse("/v2/feeds/504.json", &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.format, XB_TOPIC_JSON);
  ck_assert(r.format_explicit);
  ck_assert_int_eq(parse("/v2/feeds/504.xml", &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.format, XB_TOPIC_XML);
  ck_assert_int_eq(parse("/v2/feeds/504.csv", &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.format, XB_TOPIC_CSV);
  ck_assert_int_eq(parse("/v2/feeds/504", &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.format, XB_TOPIC_JSON);
  ck_assert(!r.format_explicit);
  ck_assert_int_eq(parse("/v2/feeds.xml", &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.format, XB_TOPIC_XML);
  ck_assert_int_eq(parse("/v1/feeds/504.csv", &r), XB_TOPIC_OK);
  ck_assert_int_eq(r.format, XB_TOPIC_CSV);
  ck_assert(r.format_explicit);
  static const struct reject cases[] = {
      {"/v1/feeds/504.json", XB_TOPIC_BAD_SUFFIX},
      {"/v1/feeds/504.xml", XB_TOPIC_BAD_SUFFIX},
      {"/v1/feeds/504", XB_TOPIC_BAD_SUFFIX},
      {"/v1/feeds/504/datastreams/0", XB_TOPIC_BAD_SUFFIX},
      {"/v1/feeds/504/datastreams/0.json", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.png", XB_TOPIC_BAD_SUFFIX},  /* XB-EXC-14 */
      {"/v2/feeds/504/datastreams/0.png?w=100", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.txt", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.JSON", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.jsonp", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.json.json", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.json/datastreams", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds.json/504", XB_TOPIC_BAD_SUFFIX},
      {"/v2/feeds/504.js", XB_TOPIC_BAD_SUFFIX},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_format_per_resource_XB_TOPIC_14)
{
  static const struct reject cases[] = {
      {"/v2/keys.csv", XB_TOPIC_BAD_FORMAT},
      {"/v2/keys/" KEY20 ".csv", XB_TOPIC_BAD_FORMAT},
      {"/v2/triggers.csv", XB_TOPIC_BAD_FORMAT},
      {"/v2/triggers/1.csv", XB_TOPIC_BAD_FORMAT},
      {"/v2/users.csv", XB_TOPIC_BAD_FORMAT},
      {"/v2/users/bob.csv", XB_TOPIC_BAD_FORMAT},
      {"/v2/feeds.csv", XB_TOPIC_BAD_FORMAT},
      {"/v2/feeds.csv?q=x", XB_TOPIC_BAD_FORMAT}, /* bad-format before the query */
      {"/v2/keys.csv?limit=x", XB_TOPIC_BAD_FORMAT},
  };
  xb_topic r;
  check_rejects(cases, sizeof cases / sizeof cases[0]);
  ck_assert_str_eq(xb_topic_reason(XB_TOPIC_BAD_FORMAT), "bad-format");
  static const char *const csv_ok[] = {
      "/v2/feeds/1.csv", "/v2/feeds/1/datastreams.csv", "/v2/feeds/1/datastreams/0.csv",
      "/v2/feeds/1/datastreams/0/datapoints.csv",
      "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T12:34:56Z.csv"};
  for (size_t i = 0; i < sizeof csv_ok / sizeof csv_ok[0]; i++)
    ck_assert_msg(parse(csv_ok[i], &r) == XB_TOPIC_OK, "%s", csv_ok[i]);
  for (int res = 0; res < XB_TOPIC_RESOURCE_COUNT; res++) {
    ck_assert(xb_topic_format_allowed((xb_topic_resource)res, XB_TOPIC_JSON));
    ck_assert(xb_topic_format_allowed((xb_topic_resource)res, XB_TOPIC_XML));
  }
  ck_assert(!xb_topic_format_allowed(XB_TOPIC_USER, XB_TOPIC_CSV));
  ck_assert(xb_topic_format_allowed(XB_TOPIC_DATAPOINT, XB_TOPIC_CSV));
}
END_TEST

/* not-api-topic before bad-format before bad-query; the path part survives a query error. */
START_TEST(test_reason_order_XB_TOPIC_36)
{
  xb_topic r;
  ck_assert_str_eq(xb_topic_reason(parse("/v2/feeds/05.json?bogus=1", &r)), "not-api-topic");
  ck_assert_str_eq(xb_topic_reason(parse("/v2/feeds/5.png?bogus=1", &r)), "not-api-topic");
  ck_assert_str_eq(xb_topic_reason(parse("/v2/users/bob.csv?bogus=1", &r)), "bad-format");
  ck_assert_str_eq(xb_topic_reason(parse("/v2/feeds/5.json?bogus=1", &r)), "bad-query");
  ck_assert_str_eq(xb_topic_reason(XB_TOPIC_OK), "ok");
  /* a read of the datastreams collection is method-not-allowed (XB-MAP-5), which comes
     before bad-query: the caller needs the path part of a query-status result */
  const char *t = KEY20 "/v2/feeds/7/datastreams.xml?limit=5";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_PARAM_NOT_ALLOWED);
  ck_assert_int_eq(r.resource, XB_TOPIC_DATASTREAMS);
  ck_assert_uint_eq(r.feed_id, 7);
  ck_assert_int_eq(r.format, XB_TOPIC_XML);
  ck_assert(span_is(t, r.key, KEY20));
  ck_assert(r.has_query);
  ck_assert(span_is(t, r.query, "limit=5"));
}
END_TEST

START_TEST(test_status_names)
{
  for (int s = 0; s < XB_TOPIC_STATUS_COUNT; s++)
    ck_assert_str_ne(xb_topic_status_str((xb_topic_status)s), "unknown status");
  for (int s = 0; s < XB_TOPIC_RESOURCE_COUNT; s++)
    ck_assert_str_ne(xb_topic_resource_str((xb_topic_resource)s), "unknown resource");
  for (int s = 0; s < XB_TOPIC_P_COUNT; s++)
    ck_assert_str_ne(xb_topic_param_str((xb_topic_param)s), "unknown parameter");
  ck_assert_str_eq(xb_topic_param_str(XB_TOPIC_P_INTERVAL_TYPE), "interval_type");
  ck_assert_str_eq(xb_topic_resource_str(XB_TOPIC_DATAPOINT), "datapoint");
}
END_TEST

Suite *xb_suite_topic(void);
Suite *xb_suite_topic(void)
{
  Suite *s = suite_create("topic");
  TCase *c = tcase_create("path");
  tcase_add_test(c, test_too_long_XB_TOPIC_1);
  tcase_add_test(c, test_wildcard_XB_TOPIC_2);
  tcase_add_test(c, test_grammar_accepts_plus_XB_TOPIC_2_XB_TOPIC_10);
  tcase_add_test(c, test_non_api_topics_XB_TOPIC_3);
  tcase_add_test(c, test_non_printable_bytes_XB_TOPIC_4);
  tcase_add_test(c, test_total_function_XB_TOPIC_5);
  tcase_add_test(c, test_key_prefix_XB_TOPIC_6);
  tcase_add_test(c, test_leading_slash_optional_XB_TOPIC_7);
  tcase_add_test(c, test_feed_and_trigger_ids_XB_TOPIC_8);
  tcase_add_test(c, test_timestamps_XB_TOPIC_9);
  tcase_add_test(c, test_same_instant_XB_TOPIC_10);
  tcase_add_test(c, test_no_other_path_XB_TOPIC_11);
  tcase_add_test(c, test_every_resource_XB_TOPIC_3_XB_MAP_3);
  tcase_add_test(c, test_format_suffix_XB_TOPIC_12);
  tcase_add_test(c, test_format_per_resource_XB_TOPIC_14);
  tcase_add_test(c, test_reason_order_XB_TOPIC_36);
  tcase_add_test(c, test_status_names);
  suite_add_tcase(s, c);
  return s;
}
