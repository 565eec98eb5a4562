/*
 * Unit tests of the topic parser, query part (spec/topics.md §2 query and value rules,
 * §4 XB-TOPIC-15..32): every parameter on its targets, every value rule and range,
 * the syntax errors and the combination rules. Each test names the statement it checks.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "topic/xb_topic.h"

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
    ck_assert_str_eq(xb_topic_reason(st), "bad-query");
  }
}

/* Accept t; parameter k must be present with raw value want. */
static void check_param(const char *t, xb_topic_param k, const char *want, xb_topic *r)
{
  xb_topic_status st = parse(t, r);
  ck_assert_msg(st == XB_TOPIC_OK, "%s: %s", t, xb_topic_status_str(st));
  ck_assert_msg(r->params.slot[k].present, "%s: %s absent", t, xb_topic_param_str(k));
  ck_assert_msg(span_is(t, r->params.slot[k].value, want), "%s: value", t);
}

/* A query is v2 only; has_query tells the session to refuse it on PUBLISH. */
START_TEST(test_query_v2_only_XB_TOPIC_15)
{
  xb_topic r;
  ck_assert_int_eq(parse("/v1/feeds/504.csv?duration=6hours", &r), XB_TOPIC_BAD_QUERY);
  ck_assert_int_eq(r.version, 1);
  ck_assert_int_eq(parse("/v1/feeds/504/datastreams/0.csv?", &r), XB_TOPIC_BAD_QUERY);
  ck_assert_int_eq(parse("/v2/feeds/504.json?duration=6hours", &r), XB_TOPIC_OK);
  ck_assert(r.has_query);
  ck_assert_int_eq(parse("/v2/feeds/504.json", &r), XB_TOPIC_OK);
  ck_assert(!r.has_query);
  ck_assert_uint_eq(r.query.len, 0);
  for (int k = 0; k < XB_TOPIC_P_COUNT; k++)
    ck_assert(!r.params.slot[k].present);
}
END_TEST

START_TEST(test_query_syntax_XB_TOPIC_16)
{
  static const struct reject cases[] = {
      {"/v2/feeds/504.json?", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration=1day&&limit=2", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration=1day&", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?&duration=1day", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration=", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration=&limit=1", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?=1day", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration==1day", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration=1day?limit=1", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration=1day;limit=1", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?duration=1%20day", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504?du.ration=1day", XB_TOPIC_BAD_QUERY},
      {"/v2/feeds/504.json?callback=f", XB_TOPIC_UNKNOWN_PARAM},
      {"/v2/feeds/504.json?key=abcdefghijklmnop", XB_TOPIC_UNKNOWN_PARAM}, /* XB-MAP-8 */
      {"/v2/feeds/504.json?Limit=5&duration=1day", XB_TOPIC_UNKNOWN_PARAM},
      {"/v2/feeds/504.json?time=2013-01-01T00:00:00Z", XB_TOPIC_UNKNOWN_PARAM},
      {"/v2/feeds/504.json?timezone=UTC", XB_TOPIC_UNKNOWN_PARAM},
      {"/v2/feeds?order=created_at", XB_TOPIC_UNKNOWN_PARAM}, /* XB-EXC-16 */
      {"/v2/feeds/504.json?limit=5&limit=6", XB_TOPIC_DUPLICATE_PARAM},
      {"/v2/feeds/504.json?limit=5&duration=1day&limit=5", XB_TOPIC_DUPLICATE_PARAM},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
  /* any order, same meaning */
  xb_topic a, b;
  ck_assert_int_eq(parse("/v2/feeds/1?duration=2hours&limit=7&interval=60", &a), XB_TOPIC_OK);
  ck_assert_int_eq(parse("/v2/feeds/1?interval=60&limit=7&duration=2hours", &b), XB_TOPIC_OK);
  ck_assert_uint_eq(a.params.duration_s, b.params.duration_s);
  ck_assert_uint_eq(a.params.slot[XB_TOPIC_P_LIMIT].num, b.params.slot[XB_TOPIC_P_LIMIT].num);
  ck_assert_uint_eq(a.params.interval_s, b.params.interval_s);
}
END_TEST

START_TEST(test_param_targets_XB_TOPIC_17)
{
  xb_topic r;
  /* feed: history + datastreams + show_user */
  ck_assert_int_eq(parse("/v2/feeds/1?start=2013-01-01T00:00:00Z&end=2013-01-02T00:00:00Z"
                         "&interval=60&interval_type=discrete&find_previous=true&limit=10"
                         "&datastreams=a,b&show_user=true",
                         &r),
                   XB_TOPIC_OK);
  /* datastream: history */
  ck_assert_int_eq(parse("/v2/feeds/1/datastreams/a.csv?duration=1day&interval=0"
                         "&find_previous=false&limit=1000",
                         &r),
                   XB_TOPIC_OK);
  /* feed list */
  ck_assert_int_eq(parse("/v2/feeds.xml?page=2&per_page=10&q=office&tag=t&user=bob"
                         "&status=live&show_user=false",
                         &r),
                   XB_TOPIC_OK);
  /* key and trigger lists */
  ck_assert_int_eq(parse("/v2/keys?feed_id=504", &r), XB_TOPIC_OK);
  ck_assert_int_eq(parse("/v2/triggers.xml?feed_id=504", &r), XB_TOPIC_OK);
  static const struct reject cases[] = {
      {"/v2/feeds/1?page=1", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds/1?q=x", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds/1?feed_id=1", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds/1/datastreams/0?datastreams=a", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds/1/datastreams/0?show_user=true", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds?duration=1day", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds?feed_id=1", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/keys?page=1", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/keys/abcdefghijklmnop?feed_id=1", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/triggers/1?feed_id=1", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/users?q=x", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/users/bob?show_user=true", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds/1/datastreams?limit=1", XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds/1/datastreams/0/datapoints?start=2013-01-01T00:00:00Z",
       XB_TOPIC_PARAM_NOT_ALLOWED},
      {"/v2/feeds/1/datastreams/0/datapoints/2013-01-01T00:00:00Z?limit=1",
       XB_TOPIC_PARAM_NOT_ALLOWED},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_history_needs_window_XB_TOPIC_18)
{
  xb_topic r;
  static const struct reject cases[] = {
      {"/v2/feeds/1?interval=60", XB_TOPIC_PARAM_CONFLICT},
      {"/v2/feeds/1?interval_type=discrete&interval=60", XB_TOPIC_PARAM_CONFLICT},
      {"/v2/feeds/1?find_previous=true", XB_TOPIC_PARAM_CONFLICT},
      {"/v2/feeds/1/datastreams/0?limit=5", XB_TOPIC_PARAM_CONFLICT},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
  ck_assert_int_eq(parse("/v2/feeds/1?start=2013-01-01T00:00:00Z&limit=5", &r), XB_TOPIC_OK);
  ck_assert_int_eq(parse("/v2/feeds/1?end=2013-01-01T00:00:00Z&interval=30", &r), XB_TOPIC_OK);
  ck_assert_int_eq(parse("/v2/feeds/1?duration=6hours&find_previous=true", &r), XB_TOPIC_OK);
  /* datastreams and show_user are not history parameters */
  ck_assert_int_eq(parse("/v2/feeds/1?datastreams=x&show_user=true", &r), XB_TOPIC_OK);
}
END_TEST

START_TEST(test_duration_XB_TOPIC_19)
{
  static const struct {
    const char *v;
    unsigned long long s;
  } ok[] = {
      {"1second", 1},          {"2seconds", 2},          {"1minute", 60},
      {"5minutes", 300},       {"1hour", 3600},          {"6hours", 21600},
      {"1hours", 3600},        {"1day", 86400},          {"2days", 172800},
      {"1week", 604800},       {"3weeks", 1814400},      {"1month", 2592000},
      {"2months", 5184000},    {"1year", 31536000},      {"1years", 31536000},
      {"999999years", 999999ULL * 31536000ULL},
  };
  char t[96];
  xb_topic r;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    snprintf(t, sizeof t, "/v2/feeds/1?duration=%s", ok[i].v);
    check_param(t, XB_TOPIC_P_DURATION, ok[i].v, &r);
    ck_assert_msg(r.params.duration_s == ok[i].s, "%s: %llu", ok[i].v,
                  (unsigned long long)r.params.duration_s);
  }
  static const char *const bad[] = {"0hours", "06hours", "1000000hours", "hours", "1",
                                    "1hourss", "1Hour", "1 hour", "1sec", "1h", "-1hours",
                                    "1.5hours", "1fortnight", "1s"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(t, sizeof t, "/v2/feeds/1?duration=%s", bad[i]);
    xb_topic_status st = parse(t, &r);
    ck_assert_msg(xb_topic_status_is_query(st) && st != XB_TOPIC_OK, "%s: %s", bad[i],
                  xb_topic_status_str(st));
  }
}
END_TEST

START_TEST(test_start_end_XB_TOPIC_20)
{
  xb_topic r;
  const char *t = "/v2/feeds/1?start=2013-01-01T00:00:00Z&end=2013-01-01T00:00:00.5Z";
  check_param(t, XB_TOPIC_P_START, "2013-01-01T00:00:00Z", &r);
  ck_assert(r.params.start_us == 1356998400000000LL);
  ck_assert(r.params.end_us == 1356998400500000LL);
  /* start == end is a valid (inclusive) window */
  ck_assert_int_eq(
      parse("/v2/feeds/1?start=2013-01-01T00:00:00Z&end=2012-12-31T23:00:00-01:00", &r),
      XB_TOPIC_OK);
  ck_assert_int_eq(parse("/v2/feeds/1?start=2013-01-01T00:00:00Z&duration=1day", &r),
                   XB_TOPIC_OK);
  ck_assert_int_eq(parse("/v2/feeds/1?end=2013-01-01T00:00:00Z&duration=1day", &r),
                   XB_TOPIC_OK);
  static const struct reject cases[] = {
      {"/v2/feeds/1?start=2013-01-01T00:00:00Z&end=2013-01-02T00:00:00Z&duration=1day",
       XB_TOPIC_PARAM_CONFLICT},
      {"/v2/feeds/1?start=2013-01-02T00:00:00Z&end=2013-01-01T00:00:00Z",
       XB_TOPIC_PARAM_CONFLICT},
      {"/v2/feeds/1?start=2013-01-01T00:00:00.000001Z&end=2013-01-01T00:00:00Z",
       XB_TOPIC_PARAM_CONFLICT},
      /* XB-TOPIC-9 in values: bad-query */
      {"/v2/feeds/504.json?start=2013-02-30T00:00:00Z", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?start=1969-12-31T23:59:59Z", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?end=2013-01-01", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?end=2013-01-01T00:00:00Zx", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?start=now", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?start=1356998400", XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_interval_XB_TOPIC_21)
{
  static const struct {
    const char *v;
    unsigned raw, rounded;
  } ok[] = {{"0", 0, 0},           {"1", 1, 30},          {"30", 30, 30},
            {"45", 45, 60},        {"60", 60, 60},        {"61", 61, 300},
            {"300", 300, 300},     {"900", 900, 900},     {"1000", 1000, 1800},
            {"1800", 1800, 1800},  {"3600", 3600, 3600},  {"3601", 3601, 10800},
            {"10800", 10800, 10800}, {"21600", 21600, 21600}, {"30000", 30000, 43200},
            {"43200", 43200, 43200}, {"43201", 43201, 86400}, {"86400", 86400, 86400}};
  char t[96];
  xb_topic r;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    snprintf(t, sizeof t, "/v2/feeds/1?duration=1day&interval=%s", ok[i].v);
    check_param(t, XB_TOPIC_P_INTERVAL, ok[i].v, &r);
    ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_INTERVAL].num, ok[i].raw);
    ck_assert_uint_eq(r.params.interval_s, ok[i].rounded);
  }
  static const struct reject cases[] = {
      {"/v2/feeds/1?duration=1day&interval=86401", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&interval=100000", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&interval=00", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&interval=060", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&interval=-1", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&interval=1m", XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_discrete_needs_interval_XB_TOPIC_25)
{
  xb_topic r;
  check_param("/v2/feeds/1?duration=1day&interval=60&interval_type=discrete",
              XB_TOPIC_P_INTERVAL_TYPE, "discrete", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_INTERVAL_TYPE].num, 1);
  static const struct reject cases[] = {
      {"/v2/feeds/1?duration=1day&interval_type=discrete", XB_TOPIC_PARAM_CONFLICT},
      {"/v2/feeds/1?duration=1day&interval=0&interval_type=discrete",
       XB_TOPIC_PARAM_CONFLICT},
      {"/v2/feeds/1?duration=1day&interval=60&interval_type=fixed",
       XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&interval=60&interval_type=Discrete",
       XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_limit_XB_TOPIC_26)
{
  xb_topic r;
  check_param("/v2/feeds/1?duration=1day&limit=1", XB_TOPIC_P_LIMIT, "1", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_LIMIT].num, 1);
  check_param("/v2/feeds/1?duration=1day&limit=1000", XB_TOPIC_P_LIMIT, "1000", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_LIMIT].num, 1000);
  static const struct reject cases[] = {
      {"/v2/feeds/1?duration=1day&limit=0", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&limit=1001", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&limit=01", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&limit=99999999999", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&limit=ten", XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_booleans_XB_TOPIC_27_XB_TOPIC_29)
{
  xb_topic r;
  check_param("/v2/feeds/1?duration=1day&find_previous=true", XB_TOPIC_P_FIND_PREVIOUS,
              "true", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_FIND_PREVIOUS].num, 1);
  check_param("/v2/feeds/1?duration=1day&find_previous=false", XB_TOPIC_P_FIND_PREVIOUS,
              "false", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_FIND_PREVIOUS].num, 0);
  check_param("/v2/feeds/1?show_user=true", XB_TOPIC_P_SHOW_USER, "true", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_SHOW_USER].num, 1);
  check_param("/v2/feeds?show_user=false", XB_TOPIC_P_SHOW_USER, "false", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_SHOW_USER].num, 0);
  static const struct reject cases[] = {
      {"/v2/feeds/1?duration=1day&find_previous=1", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?duration=1day&find_previous=TRUE", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?show_user=yes", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?show_user=truee", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?show_user=t", XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_datastreams_filter_XB_TOPIC_28)
{
  xb_topic r;
  check_param("/v2/feeds/1?datastreams=a", XB_TOPIC_P_DATASTREAMS, "a", &r);
  check_param("/v2/feeds/1.csv?datastreams=temp,hum_1,x-y,temp", XB_TOPIC_P_DATASTREAMS,
              "temp,hum_1,x-y,temp", &r);
  static const struct reject cases[] = {
      {"/v2/feeds/1?datastreams=a,", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?datastreams=,a", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?datastreams=a,,b", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?datastreams=a.b", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?datastreams=a:b", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds/1?datastreams="
       "01234567890123456789012345678901234567890123456789012345678901234",
       XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_feed_id_filter_XB_TOPIC_30)
{
  xb_topic r;
  check_param("/v2/keys.json?feed_id=504", XB_TOPIC_P_FEED_ID, "504", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_FEED_ID].num, 504);
  check_param("/v2/triggers?feed_id=2147483647", XB_TOPIC_P_FEED_ID, "2147483647", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_FEED_ID].num, 2147483647u);
  static const struct reject cases[] = {
      {"/v2/keys?feed_id=0", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/keys?feed_id=2147483648", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/keys?feed_id=0504", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/keys?feed_id=504,505", XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_feed_list_filters_XB_TOPIC_31)
{
  xb_topic r;
  check_param("/v2/feeds?user=bob_1", XB_TOPIC_P_USER, "bob_1", &r);
  check_param("/v2/feeds?tag=a.b:c,d-e_f", XB_TOPIC_P_TAG, "a.b:c,d-e_f", &r);
  check_param("/v2/feeds?q=Office", XB_TOPIC_P_Q, "Office", &r);
  check_param("/v2/feeds?q=0123456789012345678901234567890123456789012345678901234567890123",
              XB_TOPIC_P_Q, "0123456789012345678901234567890123456789012345678901234567890123",
              &r);
  check_param("/v2/feeds?status=live", XB_TOPIC_P_STATUS, "live", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_STATUS].num, XB_TOPIC_STATUS_LIVE);
  check_param("/v2/feeds?status=frozen", XB_TOPIC_P_STATUS, "frozen", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_STATUS].num, XB_TOPIC_STATUS_FROZEN);
  check_param("/v2/feeds?status=all", XB_TOPIC_P_STATUS, "all", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_STATUS].num, XB_TOPIC_STATUS_ALL);
  static const struct reject cases[] = {
      {"/v2/feeds?status=dead", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?status=Live", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?user=bob.smith", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?user=01234567890123456789012345678901234567890", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?q=01234567890123456789012345678901234567890123456789012345678901234",
       XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?tag=01234567890123456789012345678901234567890123456789012345678901234",
       XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(test_paging_XB_TOPIC_32)
{
  xb_topic r;
  check_param("/v2/feeds?page=1&per_page=1", XB_TOPIC_P_PAGE, "1", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_PER_PAGE].num, 1);
  check_param("/v2/feeds?page=100000&per_page=1000", XB_TOPIC_P_PAGE, "100000", &r);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_PAGE].num, 100000);
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_PER_PAGE].num, 1000);
  static const struct reject cases[] = {
      {"/v2/feeds?page=0", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?page=100001", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?per_page=0", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?per_page=1001", XB_TOPIC_BAD_PARAM_VALUE},
      {"/v2/feeds?per_page=50.0", XB_TOPIC_BAD_PARAM_VALUE},
  };
  check_rejects(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

/* Every slot, its raw span inside the query, nothing decoded. */
START_TEST(test_param_spans_XB_TOPIC_16)
{
  xb_topic r;
  const char *t = "/v2/feeds/9.json?start=2013-01-01T00:00:00Z&duration=90minutes&limit=5";
  ck_assert_int_eq(parse(t, &r), XB_TOPIC_OK);
  ck_assert(span_is(t, r.query, "start=2013-01-01T00:00:00Z&duration=90minutes&limit=5"));
  ck_assert(span_is(t, r.params.slot[XB_TOPIC_P_START].value, "2013-01-01T00:00:00Z"));
  ck_assert(span_is(t, r.params.slot[XB_TOPIC_P_DURATION].value, "90minutes"));
  ck_assert_uint_eq(r.params.slot[XB_TOPIC_P_DURATION].num, 90);
  ck_assert_uint_eq(r.params.duration_s, 5400);
  ck_assert(span_is(t, r.params.slot[XB_TOPIC_P_LIMIT].value, "5"));
  for (int k = 0; k < XB_TOPIC_P_COUNT; k++) {
    if (k == XB_TOPIC_P_START || k == XB_TOPIC_P_DURATION || k == XB_TOPIC_P_LIMIT)
      continue;
    ck_assert_msg(!r.params.slot[k].present, "%s present", xb_topic_param_str((xb_topic_param)k));
  }
}
END_TEST

Suite *xb_suite_topic_query(void);
Suite *xb_suite_topic_query(void)
{
  Suite *s = suite_create("topic_query");
  TCase *c = tcase_create("query");
  tcase_add_test(c, test_query_v2_only_XB_TOPIC_15);
  tcase_add_test(c, test_query_syntax_XB_TOPIC_16);
  tcase_add_test(c, test_param_spans_XB_TOPIC_16);
  tcase_add_test(c, test_param_targets_XB_TOPIC_17);
  tcase_add_test(c, test_history_needs_window_XB_TOPIC_18);
  tcase_add_test(c, test_duration_XB_TOPIC_19);
  tcase_add_test(c, test_start_end_XB_TOPIC_20);
  tcase_add_test(c, test_interval_XB_TOPIC_21);
  tcase_add_test(c, test_discrete_needs_interval_XB_TOPIC_25);
  tcase_add_test(c, test_limit_XB_TOPIC_26);
  tcase_add_test(c, test_booleans_XB_TOPIC_27_XB_TOPIC_29);
  tcase_add_test(c, test_datastreams_filter_XB_TOPIC_28);
  tcase_add_test(c, test_feed_id_filter_XB_TOPIC_30);
  tcase_add_test(c, test_feed_list_filters_XB_TOPIC_31);
  tcase_add_test(c, test_paging_XB_TOPIC_32);
  suite_add_tcase(s, c);
  return s;
}
