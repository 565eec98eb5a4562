/*
 * test_api_csv.c — CSV through the engine (spec/csv.md §3, §4, §5): every example of
 * the write table with its result code and log reason, the v1 positional writes, the
 * error body (XB-CSV-13), the value limit (XB-RES-63), CSV routes that do not exist
 * (XB-CSV-32), and that a value written in CSV is the state JSON gives (XB-RES-90).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_api_util.h"
#include "topic/xb_topic.h"

#define FEED "/v2/feeds/1.csv"
#define DS0 "/v2/feeds/1/datastreams/0.csv"

static char snapshot[8192];

static void setup_feed(void) {
  ck_assert_int_eq(ta_feed(T.alice, false), 1);
  ck_assert_int_eq(ta_put(FEED, "0,1", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1.json", NULL), 200);
  snprintf(snapshot, sizeof snapshot, "%s", ta_body());
}

static void unchanged(void) {
  ck_assert_int_eq(ta_get("/v2/feeds/1.json", NULL), 200);
  ck_assert_str_eq(ta_body(), snapshot);
}

static void expect_read(const char *topic, const char *want) {
  ck_assert_int_eq(ta_get(topic, NULL), 200);
  ck_assert_str_eq(ta_body(), want);
}

/* The table of spec/csv.md §4: accepted payloads and their effect. */
START_TEST(test_csv_accepted_XB_CSV_24_XB_CSV_26_XB_CSV_27) {
  setup_feed();
  ck_assert_int_eq(ta_put(FEED, "0,29", T.alice), 200); /* XB-CSV-24 */
  expect_read("/v1/feeds/1/datastreams/0.csv", "29");
  ck_assert_int_eq(ta_put(DS0, "30", T.alice), 200); /* XB-CSV-26 */
  expect_read("/v1/feeds/1/datastreams/0.csv", "30");
  ck_assert_int_eq(ta_put(DS0, "2013-04-23T12:00:00Z,31", T.alice), 200);
  expect_read(DS0, "2013-04-23T12:00:00.000000Z,31"); /* same instant as now: current */
  ck_assert_int_eq(ta_put(DS0, "\"1,5\"", T.alice), 200); /* quoted comma */
  expect_read("/v1/feeds/1/datastreams/0.csv", "\"1,5\"");
  ck_assert_int_eq(ta_put("/v1/feeds/1.csv", "1,Paul", T.alice), 200); /* XB-CSV-27 */
  expect_read("/v1/feeds/1.csv", "1,Paul");
  expect_read("/v2/feeds/1.csv", "0,2013-04-23T12:00:00.000000Z,1\n"
                                 "1,2013-04-23T12:00:00.000000Z,Paul");
}
END_TEST

/* The example payload of spec/csv.md §4: blanks around fields, two datapoints of one
 * id with timestamps (XB-CSV-25), offsets converted to UTC, the latest becomes current. */
START_TEST(test_csv_feed_example_XB_CSV_25) {
  setup_feed();
  ck_assert_int_eq(ta_put(FEED,
                          "0,21.5\r\n"
                          "humidity, 2013-04-23T12:34:56.123456Z, 40\n"
                          "\n  \t\n"
                          "humidity,2013-04-23T13:35:56+01:00,41\n",
                          T.alice),
                   200);
  expect_read("/v2/feeds/1/datastreams/0.csv", "2013-04-23T12:00:00.000000Z,21.5");
  expect_read("/v2/feeds/1/datastreams/humidity.csv", "2013-04-23T12:35:56.000000Z,41");
  expect_read("/v2/feeds/1/datastreams/humidity/datapoints/2013-04-23T12:34:56.123456Z.csv",
              "2013-04-23T12:34:56.123456Z,40");
  /* XB-RES-55: min/max tracked over both values, as for any format. */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/humidity.json", NULL), 200);
  ck_assert(ta_has("\"max_value\":\"41\",\"min_value\":\"40\""));
}
END_TEST

/* 400 (CSV Parser Error, bad-payload) and 422 (invalid) examples of §4; nothing
 * applied; the error body is `title,detail` (XB-CSV-13, XB-RES-88). */
START_TEST(test_csv_rejected_XB_CSV_21) {
  setup_feed();
  static const struct {
    const char *topic, *payload;
    int status;
  } cases[] = {
      {FEED, "0,1,2,3", 400},                          /* 4 fields */
      {FEED, "0", 400},                                /* 1 field */
      {FEED, "0,\"abc", 400},                          /* XB-CSV-18 unterminated */
      {FEED, "0,ab\"c", 400},                          /* quote in unquoted field */
      {FEED, "0,\"a\"b", 400},                         /* text after closing quote */
      {FEED, "0,a\rb", 400},                           /* XB-CSV-15 lone CR */
      {FEED, "", 400},                                 /* XB-RES-22 */
      {FEED, "\n \t\r\n\n", 400},                      /* XB-CSV-16 blank lines only */
      {FEED, "\xef\xbb\xbf" "0,1", 400},               /* XB-CSV-14 BOM */
      {FEED, "0,\xff", 400},                           /* XB-CSV-14 bad UTF-8 */
      {FEED, "0,1\n0,2", 422},                         /* XB-CSV-25 */
      {FEED, "temp!,1", 422},                          /* XB-RES-50 invalid id */
      {FEED, "0,2013-02-30T00:00:00Z,1", 422},         /* XB-RES-6 no such day */
      {FEED, "0,2013-04-23t12:00:00Z,1", 422},         /* lower-case t */
      {FEED, "0,bad\x01value", 422},                   /* XB-RES-3 control character */
      {DS0, "1\n2", 422},                              /* XB-CSV-26 */
      {DS0, "1,5", 422},                               /* `1` is not a timestamp */
      {DS0, "a,b,c", 400},
      {"/v1/feeds/1.csv", "1,2\n3,4", 400},            /* XB-CSV-27 one row */
      {"/v1/feeds/1/datastreams/0.csv", "a,b", 400},   /* XB-CSV-28 */
      {"/v1/feeds/1/datastreams/0.csv", "a\nb", 400},
      {"/v2/feeds/1/datastreams/0/datapoints.csv", "1", 400},                    /* XB-CSV-30 */
      {"/v2/feeds/1/datastreams/0/datapoints.csv", ",1", 422},                   /* no timestamp */
      {"/v2/feeds/1/datastreams/0/datapoints.csv", "2013-04-23T12:00:00Z,1,2", 400},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int st = ta_put(cases[i].topic, cases[i].payload, T.alice);
    if (strstr(cases[i].topic, "datapoints.csv") != NULL)
      st = ta_post(cases[i].topic, cases[i].payload, T.alice);
    ck_assert_msg(st == cases[i].status, "case %zu (%s): %d, want %d (%s)", i, cases[i].payload,
                  st, cases[i].status, T.resp.detail);
    if (st == 400) {
      ck_assert_str_eq(T.resp.reason, "bad-payload");
      ck_assert_msg(strncmp(ta_body(), "CSV Parser Error,", 17) == 0, "body %s", ta_body());
      ck_assert_msg(strstr(T.resp.detail, "line ") == T.resp.detail, "%s", T.resp.detail);
    } else {
      ck_assert_str_eq(T.resp.reason, "invalid");
      ck_assert_msg(strncmp(ta_body(), "Unprocessable Entity,", 21) == 0, "body %s", ta_body());
    }
    unchanged();
  }
  /* XB-RES-88: line and column from 1, in bytes. */
  ck_assert_int_eq(ta_put(FEED, "0,1\n0,\"abc", T.alice), 400);
  ck_assert_msg(strncmp(T.resp.detail, "line 2, column ", 15) == 0, "%s", T.resp.detail);
}
END_TEST

/* XB-RES-63 / XB-LIM-8: more than max-datapoints values is 422 too-many-datapoints;
 * exactly max-datapoints is accepted. A syntax error later in the payload still wins
 * (XB-RES-86: syntax before content). */
START_TEST(test_csv_value_limit_XB_RES_63) {
  setup_feed();
  static char p[501 * 40];
  size_t n = 0;
  for (int i = 0; i < 501; i++)
    n += (size_t)snprintf(p + n, sizeof p - n, "0,2013-04-23T11:%02d:%02dZ,%d\n", i / 60, i % 60, i);
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 422);
  ck_assert_str_eq(T.resp.reason, "too-many-datapoints");
  unchanged();
  p[n - 1] = '\0';
  char *last = strrchr(p, '\n');
  *last = '\0'; /* 500 records */
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 200);
  *last = '\n';
  snprintf(p + n - 1, sizeof p - n + 1, "\n\"x");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 400);
  /* XB-RES-49: 101 distinct ids in one payload is 422, nothing created. */
  n = 0;
  for (int i = 0; i <= 100; i++) n += (size_t)snprintf(p + n, sizeof p - n, "d%d,1\n", i);
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 422);
  ck_assert_str_eq(T.resp.reason, "invalid");
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/d0.csv", NULL), 404);
}
END_TEST

/* XB-CSV-32, XB-RES-25: no CSV for keys, triggers, users, feed creation, the feed list:
 * refused before the payload is read (an empty payload is not a 400): by the topic
 * grammar (XB-TOPIC-14) or by the engine's routes, 404 bad-format. */
static void refused(xb_api_method m, const char *topic) {
  xb_topic t;
  if (xb_topic_parse((const uint8_t *)topic, strlen(topic), 65535, &t) != XB_TOPIC_OK) return;
  ck_assert_int_eq(ta_req(m, topic, "", T.alice, NULL), 404);
  ck_assert_str_eq(T.resp.reason, "bad-format");
}

START_TEST(test_csv_no_account_forms_XB_CSV_32) {
  static const char *const posts[] = {"/v2/keys.csv", "/v2/triggers.csv", "/v2/users.csv",
                                      "/v2/feeds.csv"};
  for (size_t i = 0; i < 4; i++) {
    refused(XB_API_POST, posts[i]);
    refused(XB_API_GET, posts[i]);
  }
  refused(XB_API_PUT, "/v2/users/alice.csv");
  refused(XB_API_GET, "/v2/users/alice.csv");
  /* XB-TOPIC-12: v1 is CSV only. */
  refused(XB_API_GET, "/v1/feeds/1.json");
  refused(XB_API_PUT, "/v1/feeds/1.xml");
}
END_TEST

/* XB-CSV-22: a read record published back: `id,,""` and `,""` are no-timestamp writes
 * of the empty value. XB-CSV-29: datastreams create; XB-CSV-30/31: datapoints. */
START_TEST(test_csv_publish_back_XB_CSV_22) {
  setup_feed();
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.csv", "temp,7\nx,2013-04-23T11:00:00Z,8",
                           T.alice), 201);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.csv", "temp,9", T.alice), 422);
  ck_assert_str_eq(T.resp.reason, "conflict"); /* XB-RES-48 */
  ck_assert_int_eq(ta_put(FEED, "temp,,\"\"", T.alice), 200);
  expect_read("/v2/feeds/1/datastreams/temp.csv", "2013-04-23T12:00:00.000000Z,\"\"");
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/x.csv", ",\"\"", T.alice), 200);
  expect_read("/v1/feeds/1/datastreams/x.csv", "\"\"");
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/x/datapoints.csv",
                           "2013-04-23T10:00:00Z,a\n2013-04-23T10:01:00Z,\"b \"\"q\"\"\"", T.alice),
                   200);
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/x/datapoints/2013-04-23T10:00:00Z.csv",
                          "\" c, d \"", T.alice), 200);
  expect_read("/v2/feeds/1/datastreams/x/datapoints/2013-04-23T10:00:00Z.csv",
              "2013-04-23T10:00:00.000000Z,\"c, d\"");
  expect_read("/v2/feeds/1/datastreams/x.csv?start=2013-04-23T10:00:00Z&end=2013-04-23T10:30:00Z",
              "2013-04-23T10:00:00.000000Z,\"c, d\"\n2013-04-23T10:01:00.000000Z,\"b \"\"q\"\"\"");
}
END_TEST

/* XB-RES-90, XB-CSV-33: `0,25.0` in CSV and 25.0 in JSON give the same state, read back
 * as the same text in every format. */
START_TEST(test_csv_same_state_as_json_XB_RES_90) {
  ck_assert_int_eq(ta_feed(T.alice, false), 1);
  ck_assert_int_eq(ta_feed(T.alice, false), 2);
  ck_assert_int_eq(ta_put("/v2/feeds/1.csv", "0,25.0\nt,\" a b \"", T.alice), 200);
  ck_assert_int_eq(ta_put("/v2/feeds/2.json",
                          "{\"datastreams\":[{\"id\":\"0\",\"current_value\":25.0},"
                          "{\"id\":\"t\",\"current_value\":\" a b \"}]}",
                          T.alice),
                   200);
  static const char *const fmts[] = {"json", "xml", "csv"};
  for (size_t i = 0; i < 3; i++) {
    char a[128], b[128], body[8192];
    snprintf(a, sizeof a, "/v2/feeds/1/datastreams/0.%s", fmts[i]);
    snprintf(b, sizeof b, "/v2/feeds/2/datastreams/0.%s", fmts[i]);
    ck_assert_int_eq(ta_get(a, NULL), 200);
    snprintf(body, sizeof body, "%s", ta_body());
    ck_assert_int_eq(ta_get(b, NULL), 200);
    if (i == 2) ck_assert_str_eq(body, ta_body()); /* CSV carries no feed id */
    ck_assert_msg(strstr(body, "25.0") != NULL, "%s", body);
  }
  expect_read("/v2/feeds/1/datastreams/t.csv", "2013-04-23T12:00:00.000000Z,a b");
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json", NULL), 200);
  ck_assert(ta_has("\"current_value\":\"25.0\""));
}
END_TEST

/* XB-SCOPE-3: the v1 resources read and write; XB-CSV-27 creates positional streams and
 * deletes none; an empty field is the empty string. */
START_TEST(test_csv_v1_XB_SCOPE_3) {
  ck_assert_int_eq(ta_feed(T.alice, false), 1);
  ck_assert_int_eq(ta_put("/v1/feeds/1.csv", "a,,c", T.alice), 200);
  expect_read("/v1/feeds/1.csv", "a,\"\",c");
  ck_assert_int_eq(ta_put("/v1/feeds/1.csv", "z", T.alice), 200);
  expect_read("/v1/feeds/1.csv", "z,\"\",c");
  ck_assert_int_eq(ta_put("/v1/feeds/1/datastreams/2.csv", "\"q\"\"\"", T.alice), 200);
  expect_read("/v1/feeds/1/datastreams/2.csv", "\"q\"\"\"");
  /* a v1 write needs write permission like any other (XB-AUTHZ-6) */
  ck_assert_int_eq(ta_put("/v1/feeds/1.csv", "x", T.bob), 403);
  ck_assert_msg(strncmp(ta_body(), "Forbidden,", 10) == 0, "%s", ta_body()); /* XB-CSV-13 */
}
END_TEST

Suite *xb_suite_api_csv(void);
Suite *xb_suite_api_csv(void) {
  Suite *s = suite_create("api_csv");
  TCase *tc = tcase_create("csv");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_add_test(tc, test_csv_accepted_XB_CSV_24_XB_CSV_26_XB_CSV_27);
  tcase_add_test(tc, test_csv_feed_example_XB_CSV_25);
  tcase_add_test(tc, test_csv_rejected_XB_CSV_21);
  tcase_add_test(tc, test_csv_value_limit_XB_RES_63);
  tcase_add_test(tc, test_csv_no_account_forms_XB_CSV_32);
  tcase_add_test(tc, test_csv_publish_back_XB_CSV_22);
  tcase_add_test(tc, test_csv_same_state_as_json_XB_RES_90);
  tcase_add_test(tc, test_csv_v1_XB_SCOPE_3);
  suite_add_tcase(s, tc);
  return s;
}
