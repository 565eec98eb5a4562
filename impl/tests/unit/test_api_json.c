/*
 * test_api_json.c — JSON payloads through the engine (spec/json.md §3, §4): every
 * malformed payload is 400 `bad-payload` with a JSON Parser Error body naming line and
 * column (XB-RES-88), every well-formed payload of the wrong shape is 422, the accepted
 * examples of the spec are accepted, and a refused payload leaves the store untouched.
 */
#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "test_api_util.h"
#include "topic/xb_topic.h"

#define FEED "/v2/feeds/1.json"
#define DS0 "/v2/feeds/1/datastreams/0.json"

static char snapshot[8192];

static void setup_feed(void) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"datastreams\":[{\"id\":\"0\",\"current_value\":\"1\"}]}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  snprintf(snapshot, sizeof snapshot, "%s", ta_body());
}

static void unchanged(void) {
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert_str_eq(ta_body(), snapshot);
}

static int put_raw(const char *topic, const char *p, size_t n) {
  xb_topic t;
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)topic, strlen(topic), 1024, &t), 0);
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = XB_API_PUT;
  req.topic = &t;
  req.topic_bytes = (const uint8_t *)topic;
  req.payload = (const uint8_t *)p;
  req.payload_len = n;
  req.key = T.alice;
  req.key_len = strlen(T.alice);
  req.client_ip = "192.0.2.1";
  req.now = T.now;
  T.resp.body = &T.body;
  return xb_api_execute(T.api, &req, &T.resp);
}

/* XB-JSON-19..XB-JSON-25, XB-JSON-28, XB-RES-22, XB-ERR-42: strictness XB-JSON-20,
 * UTF-8 XB-JSON-21, escapes XB-JSON-22, duplicate members XB-JSON-24, BOM XB-JSON-19. */
START_TEST(test_json_malformed_400_XB_JSON_28) {
  setup_feed();
  const char *bad[] = {
      "",                                  /* XB-RES-22 empty */
      " \r\n\t ",                          /* whitespace only */
      "{\"current_value\":\"1\",}",        /* trailing comma */
      "{\"a\":1,\"a\":2}",                 /* duplicate member */
      "{\"a\":1,\"\\u0061\":2}",           /* duplicate after unescaping */
      "{'id':'0'}",                        /* single quotes */
      "{\"current_value\":NaN}",           /* NaN */
      "{\"v\":Infinity}",                  /* Infinity */
      "{\"v\":+1}",                        /* leading + */
      "{\"v\":01}",                        /* leading zero */
      "{\"v\":.5}",                        /* .5 */
      "{\"v\":5.}",                        /* 5. */
      "{\"v\":0x10}",                      /* hex */
      "{\"v\":True}",                      /* literal case */
      "{\"v\":1} x",                       /* trailing bytes */
      "{\"v\":1}{}",                       /* two documents */
      "{\"title\":\"abc",                  /* truncated string */
      "{\"title\":",                       /* truncated */
      "{\"title\":\"a\\qb\"}",             /* bad escape */
      "{\"title\":\"a\\u12\"}",            /* short \u */
      "{\"title\":\"\\ud800\"}",           /* lone high surrogate */
      "{\"title\":\"\\udc00\"}",           /* lone low surrogate */
      "{\"title\":\"a\tb\"}",              /* raw control character */
      "{/*c*/\"a\":1}",                    /* comment */
      "{\"title\":\"\xc3\x28\"}",          /* bad UTF-8 continuation */
      "{\"title\":\"\xc0\xaf\"}",          /* overlong */
      "{\"title\":\"\xed\xa0\x80\"}",      /* encoded surrogate */
      "{\"title\":\"\xf4\x90\x80\x80\"}",  /* above U+10FFFF */
      "{\"x\":\"\xe2\x82\"}",              /* truncated sequence in an ignored member */
      "\xef\xbb\xbf{}",                    /* BOM */
      "{\"a\" 1}", "[1,]", "{,}", "nul", "tru",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int st = ta_put(FEED, bad[i], T.alice);
    ck_assert_msg(st == 400, "payload %zu (%s): %d", i, bad[i], st);
    ck_assert_str_eq(T.resp.reason, "bad-payload");
    ck_assert_uint_eq(T.resp.changes.feed_id, 0);
  }
  /* Same rules on every write route. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":1,}", T.alice), 400);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json", "{\"datapoints\":[}",
                           T.alice), 400);
  ck_assert_int_eq(ta_post("/v2/keys.json", "{\"key\":", T.alice), 400);
  ck_assert_int_eq(ta_post("/v2/users.json", "{\"user\":{}", T.admin), 400);
  ck_assert_int_eq(ta_post("/v2/triggers.json", "[", T.alice), 400);
  /* An embedded NUL byte outside strings. */
  ck_assert_int_eq(put_raw(FEED, "{\"a\":1}\0", 8), 400);
  unchanged();
}
END_TEST

/* XB-RES-88, XB-JSON-18: the error body names line and column in bytes. */
START_TEST(test_json_error_body_XB_RES_88) {
  setup_feed();
  ck_assert_int_eq(ta_put(FEED, "{\"a\":1,\n \"b\" 2}", T.alice), 400);
  ck_assert_str_eq(T.resp.detail, "line 2, column 6: syntax error");
  ck_assert(ta_has("{\"title\":\"JSON Parser Error\",\"errors\":\"line 2, column 6:"));
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"\"}", T.alice), 422);
  ck_assert(ta_has("{\"title\":\"Unprocessable Entity\",\"errors\":\"title:"));
  ck_assert_int_eq(ta_get("/v2/feeds/9.json", NULL), 404);
  ck_assert(ta_has("{\"title\":\"Not found\",\"errors\":"));
  ck_assert_int_eq(ta_get("/v2/feeds/1.json", "0123456789abcdef0123"), 401);
  ck_assert(ta_has("{\"title\":\"Unauthorized\","));
  ck_assert_int_eq(ta_put(FEED, "{}", T.bob), 403);
  ck_assert(ta_has("{\"title\":\"Forbidden\","));
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams.json", NULL), 404);
  ck_assert(ta_has("{\"title\":\"Not found\","));
}
END_TEST

/* XB-JSON-23: depth 32 accepted, 33 refused; XB-JSON-25 size; unknown deep members. */
START_TEST(test_json_depth_and_size_XB_JSON_23_XB_JSON_25) {
  setup_feed();
  char p[256] = "{\"x\":";
  for (int i = 0; i < 31; i++) strcat(p, "[");
  for (int i = 0; i < 31; i++) strcat(p, "]");
  strcat(p, "}");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 200); /* object + 31 arrays = depth 32 */
  strcpy(p, "{\"x\":");
  for (int i = 0; i < 32; i++) strcat(p, "[");
  for (int i = 0; i < 32; i++) strcat(p, "]");
  strcat(p, "}");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 400);
  static char big[65537];
  memset(big, ' ', sizeof big - 1);
  big[0] = '{';
  big[65534] = '}';
  big[65535] = '\0'; /* exactly 65535 bytes */
  ck_assert_int_eq(ta_put(FEED, big, T.alice), 200);
  big[65535] = ' ';
  big[65536] = '\0'; /* 65536: still within the limit */
  ck_assert_int_eq(ta_put(FEED, big, T.alice), 200);
  ck_assert_int_eq(put_raw(FEED, big, 65537), 400); /* one byte over */
  ck_assert_str_eq(T.resp.reason, "payload-too-large");
}
END_TEST

/* XB-JSON-28 422 shapes (the examples of spec/json.md §4 and more). */
START_TEST(test_json_shapes_422_XB_JSON_30_XB_JSON_31) {
  setup_feed();
  const char *feed_bad[] = {
      "[]", "1", "\"s\"", "null",                         /* XB-JSON-30 */
      "{\"version\":\"0.6-alpha\"}", "{\"version\":1}",   /* XB-JSON-31 */
      "{\"datastreams\":[{\"current_value\":\"1\"}]}",    /* XB-JSON-33: no id */
      "{\"datastreams\":{}}", "{\"datastreams\":[1]}",
      "{\"datastreams\":[{\"id\":\"0\",\"datapoints\":{}}]}",
      "{\"datastreams\":[{\"id\":\"0\",\"datapoints\":[{\"value\":\"1\"}]}]}",
      "{\"title\":\"\"}", "{\"title\":[\"a\"]}", "{\"title\":{}}", "{\"title\":true}",
      "{\"description\":5}", "{\"tags\":{}}", "{\"location\":\"x\"}", "{\"location\":true}",
  };
  for (size_t i = 0; i < sizeof feed_bad / sizeof feed_bad[0]; i++) {
    int st = ta_put(FEED, feed_bad[i], T.alice);
    ck_assert_msg(st == 422, "%s: %d", feed_bad[i], st);
  }
  const char *ds_bad[] = {"{\"current_value\":true}", "{\"current_value\":[]}",
                          "{\"at\":\"2013-04-23T12:00:00Z\",\"current_value\":{}}",
                          "{\"version\":\"2\"}", "[{\"current_value\":1}]"};
  for (size_t i = 0; i < sizeof ds_bad / sizeof ds_bad[0]; i++)
    ck_assert_msg(ta_put(DS0, ds_bad[i], T.alice) == 422, "%s", ds_bad[i]);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json",
                           "{\"datapoints\":[{\"value\":\"1\"}]}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/keys.json", "{\"label\":\"x\"}", T.alice), 422); /* XB-JSON-39 */
  ck_assert_int_eq(ta_post("/v2/keys.json", "{\"key\":[]}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/keys.json", "{\"key\":null}", T.alice), 422);
  /* XB-JSON-29: null only where XB-RES-4 allows it. */
  ck_assert_int_eq(ta_post("/v2/keys.json", "{\"key\":{\"label\":\"k\",\"permissions\":["
                                            "{\"access_methods\":[\"get\"],\"resources\":null}]}}",
                           T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/keys.json", "{\"key\":{\"label\":\"k\",\"permissions\":null}}",
                           T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"datastreams\":null}", T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"datastreams\":[{\"id\":null}]}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json", "{\"datapoints\":null}",
                           T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/users.json", "{\"user\":null}", T.admin), 422);
  ck_assert_int_eq(ta_post("/v2/users.json", "{\"login\":\"x\"}", T.admin), 422); /* XB-JSON-41 */
  ck_assert_int_eq(ta_post("/v2/triggers.json", "[]", T.alice), 422);
  /* XB-JSON-40: a {"trigger":{...}} wrapper is an unknown member: required ones missing. */
  ck_assert_int_eq(ta_post("/v2/triggers.json",
                           "{\"trigger\":{\"url\":\"http://a.org\",\"trigger_type\":\"change\","
                           "\"environment_id\":1,\"stream_id\":\"0\"}}", T.alice), 422);
  unchanged();
}
END_TEST

/* The accepted examples of spec/json.md §4 (XB-JSON-29, XB-JSON-32..XB-JSON-40). */
START_TEST(test_json_accepted_examples_XB_JSON_29) {
  setup_feed();
  ck_assert_int_eq(ta_put(FEED, "{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"0\","
                                "\"current_value\":22},{\"id\":\"humidity\",\"datapoints\":[{"
                                "\"at\":\"2013-04-23T12:00:00Z\",\"value\":\"40\"},{\"at\":"
                                "\"2013-04-23T12:05:00+01:00\",\"value\":41}]}]}", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/humidity.json", NULL), 200);
  /* 12:05+01:00 is 11:05Z, older than 12:00Z: "40" is current. */
  ck_assert(ta_has("\"current_value\":\"40\",\"at\":\"2013-04-23T12:00:00.000000Z\","
                   "\"max_value\":\"41\",\"min_value\":\"40\""));
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"Office\",\"private\":true,\"tags\":[\"office\","
                                "\"\\\"first\\\" floor\"],\"location\":{\"lat\":\"51.5\",\"lon\":"
                                "-0.08,\"exposure\":\"indoor\"}}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, T.alice), 200);
  ck_assert(ta_has("\"tags\":[\"office\",\"first floor\"],\"location\":{\"exposure\":\"indoor\","
                   "\"lat\":51.5,\"lon\":-0.08}"));
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/1.json",
                          "{\"current_value\":\"294\",\"max_value\":\"697.0\",\"min_value\":\"0.0\","
                          "\"id\":\"1\"}", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/1.json", T.alice), 200);
  ck_assert(ta_has("\"current_value\":\"294\",\"at\":\"2013-04-23T12:00:00.000000Z\","
                   "\"max_value\":\"697.0\",\"min_value\":\"0.0\""));
  ck_assert_int_eq(ta_post("/v2/keys.json",
                           "{\"key\":{\"label\":\"device 1 writer\",\"private_access\":\"true\","
                           "\"permissions\":[{\"access_methods\":[\"PUT\",\"post\"],\"source_ip\":"
                           "\"192.0.2.10\",\"resources\":[{\"feed_id\":\"1\",\"datastream_id\":0}]}]}}",
                           T.alice), 201);
  char topic[128];
  snprintf(topic, sizeof topic, "/v2/keys/%s.json", T.resp.created);
  ck_assert_int_eq(ta_get(topic, T.alice), 200);
  ck_assert(ta_has("\"private_access\":true,\"permissions\":[{\"access_methods\":[\"put\",\"post\"],"
                   "\"source_ip\":\"192.0.2.10\",\"resources\":[{\"feed_id\":1,\"datastream_id\":"
                   "\"0\"}]}]}}"));
  ck_assert_int_eq(ta_post("/v2/triggers.json",
                           "{\"url\":\"https://example.org/hook\",\"trigger_type\":\"gt\","
                           "\"threshold_value\":30,\"environment_id\":1,\"stream_id\":\"0\"}",
                           T.alice), 201);
  ck_assert_int_eq(ta_get("/v2/triggers/1.json", T.alice), 200);
  ck_assert_str_eq(ta_body(), "{\"id\":1,\"url\":\"https://example.org/hook\",\"trigger_type\":"
                              "\"gt\",\"threshold_value\":\"30\",\"environment_id\":1,"
                              "\"stream_id\":\"0\",\"user\":\"alice\"}");
}
END_TEST

/* XB-JSON-26, XB-RES-60: numbers are stored as their exact source text; XB-JSON-22:
 * \u0000 decodes, then XB-RES-3 refuses it. */
START_TEST(test_json_number_text_XB_JSON_26) {
  setup_feed();
  const char *nums[] = {"25.0", "1E3", "-0", "123456789012345678901234567890", "1e-7", "0.000"};
  for (size_t i = 0; i < 6; i++) {
    char p[128], want[128];
    snprintf(p, sizeof p, "{\"current_value\":%s}", nums[i]);
    T.now += 1000;
    ck_assert_int_eq(ta_put(DS0, p, T.alice), 200);
    ck_assert_int_eq(ta_get(DS0, NULL), 200);
    snprintf(want, sizeof want, "\"current_value\":\"%s\"", nums[i]);
    ck_assert_msg(ta_has(want), "%s not kept: %s", nums[i], ta_body());
  }
  /* Escaped strings are stored unescaped; \u0000 is a control character (XB-RES-3). */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"\\u00e9\\/\\\"\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"\xc3\xa9/\\\"\""));
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"a\\u0000\"}", T.alice), 422);
}
END_TEST

/* Mutated payloads on every write route: never a crash, never a store error, only the
 * documented codes (XB-RES-87), and the store stays readable (XB-RES-21). */
START_TEST(test_json_mutations_never_500_XB_RES_87) {
  setup_feed();
  ck_assert_int_eq(ta_post("/v2/triggers.json", "{\"url\":\"http://a.org\",\"trigger_type\":"
                                                "\"change\",\"environment_id\":1,\"stream_id\":\"0\"}",
                           T.alice), 201);
  static const struct {
    xb_api_method m;
    const char *topic, *payload;
  } seeds[] = {
      {XB_API_PUT, FEED,
       "{\"version\":\"1.0.0\",\"title\":\"T\",\"tags\":[\"a\",\"b\"],\"location\":{\"lat\":1.5,"
       "\"lon\":\"2\",\"disposition\":\"mobile\"},\"datastreams\":[{\"id\":\"0\",\"current_value\":"
       "22,\"unit\":{\"label\":\"C\"},\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\",\"value\":1}]}]}"},
      {XB_API_PUT, DS0, "{\"current_value\":\"1\",\"at\":\"2013-04-23T11:59:00Z\",\"max_value\":9}"},
      {XB_API_POST, "/v2/feeds/1/datastreams/0/datapoints.json",
       "{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\",\"value\":\"4\"}]}"},
      {XB_API_POST, "/v2/keys.json",
       "{\"key\":{\"label\":\"k\",\"private_access\":true,\"permissions\":[{\"access_methods\":"
       "[\"get\"],\"source_ip\":\"10.0.0.1\",\"resources\":[{\"feed_id\":1}]}]}}"},
      {XB_API_PUT, "/v2/triggers/1.json", "{\"url\":\"http://b.org\",\"trigger_type\":\"gt\","
                                          "\"threshold_value\":3}"},
      {XB_API_PUT, "/v2/users/alice.json", "{\"user\":{\"full_name\":\"A\",\"timezone\":\"UTC\"}}"},
  };
  uint64_t rng = 0x9e3779b97f4a7c15u;
  char buf[1024];
  for (int it = 0; it < 3000; it++) {
    size_t k = (size_t)(it % 6);
    size_t n = strlen(seeds[k].payload);
    memcpy(buf, seeds[k].payload, n);
    int edits = 1 + (int)((rng >> 60) & 3);
    for (int e = 0; e < edits; e++) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      size_t at = (size_t)(rng % (n + 1));
      switch ((rng >> 32) % 4) {
        case 0: if (at < n) buf[at] = (char)(rng >> 40); break;            /* byte */
        case 1: n = at; break;                                              /* truncate */
        case 2: if (n < sizeof buf - 1 && at < n) {                         /* duplicate */
            memmove(buf + at + 1, buf + at, n - at);
            n++;
          }
          break;
        default: if (at < n) {                                              /* delete */
            memmove(buf + at, buf + at + 1, n - at - 1);
            n--;
          }
      }
    }
    buf[n] = '\0';
    xb_topic t;
    ck_assert_int_eq(xb_topic_parse((const uint8_t *)seeds[k].topic, strlen(seeds[k].topic), 1024,
                                    &t), 0);
    xb_api_request req;
    memset(&req, 0, sizeof req);
    req.method = seeds[k].m;
    req.topic = &t;
    req.topic_bytes = (const uint8_t *)seeds[k].topic;
    req.payload = (const uint8_t *)buf;
    req.payload_len = n; /* may include NUL bytes: the length is what counts */
    req.key = T.alice;
    req.key_len = strlen(T.alice);
    req.client_ip = "192.0.2.1";
    req.now = T.now;
    T.resp.body = &T.body;
    int st = xb_api_execute(T.api, &req, &T.resp);
    ck_assert_msg(st == 200 || st == 201 || st == 400 || st == 403 || st == 404 || st == 422,
                  "status %d (%s: %s) for %s", st, T.resp.reason, T.resp.detail, buf);
  }
  ck_assert_int_eq(ta_get(FEED, T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/keys.json", T.alice), 200);
}
END_TEST

Suite *xb_suite_api_json(void);
Suite *xb_suite_api_json(void) {
  Suite *s = suite_create("api_json");
  TCase *tc = tcase_create("json");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_json_malformed_400_XB_JSON_28);
  tcase_add_test(tc, test_json_error_body_XB_RES_88);
  tcase_add_test(tc, test_json_depth_and_size_XB_JSON_23_XB_JSON_25);
  tcase_add_test(tc, test_json_shapes_422_XB_JSON_30_XB_JSON_31);
  tcase_add_test(tc, test_json_accepted_examples_XB_JSON_29);
  tcase_add_test(tc, test_json_number_text_XB_JSON_26);
  tcase_add_test(tc, test_json_mutations_never_500_XB_RES_87);
  suite_add_tcase(s, tc);
  return s;
}
