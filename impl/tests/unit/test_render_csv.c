/*
 * test_render_csv.c — the CSV renderers reproduce the examples of spec/csv.md §1, §2
 * byte for byte: v2 feed, history, datastream, datapoints, v1 value and row, quoting,
 * error body (XB-CSV-1..XB-CSV-13).
 */
#include <check.h>
#include <string.h>

#include "api/xb_render.h"
#include "formats/xb_render_csv.h"
#include "test_render_util.h"

static const xb_render_ctx ctx = {"https://api.xively.com", "https://xively.com"};

static void expect(xb_buf *b, const char *want) {
  ck_assert(xb_buf_ok(b));
  ck_assert_msg(b->len == strlen(want) && memcmp(b->data, want, b->len) == 0,
                "got  [%.*s]\nwant [%s]", (int)b->len, (const char *)b->data, want);
  xb_buf_reset(b);
}

static xb_feed_row feed;
static xb_ds_row ds[4];
static xb_ds_view dv[4];

/* The feed of §2.1: 0, door, note (written, empty value), temp (never written). */
static void fixture(void) {
  memset(&feed, 0, sizeof feed);
  feed.id = 504;
  feed.title = S("Office");
  memset(ds, 0, sizeof ds);
  memset(dv, 0, sizeof dv);
  const char *ids[4] = {"0", "door", "note", "temp"};
  for (int i = 0; i < 4; i++) {
    ds[i].feed_id = 504;
    ds[i].id = (xb_str){ids[i], strlen(ids[i])};
    dv[i].ds = &ds[i];
  }
  ds[0].written = true;
  ds[0].current_value = S("21.5");
  ds[0].at = tr_time("2013-04-23T12:34:56.100000Z");
  ds[1].written = true;
  ds[1].current_value = S("open, locked");
  ds[1].at = tr_time("2013-04-23T12:30:00Z");
  ds[2].written = true;
  ds[2].current_value = S("");
  ds[2].at = tr_time("2013-04-23T12:31:00Z");
}

/* XB-CSV-1, XB-CSV-3, XB-CSV-4, XB-CSV-6: one `id,at,value` record per datastream, LF
 * between records and none after the last, `id,,""` for the never-written stream. */
START_TEST(test_csv_feed_XB_CSV_6) {
  fixture();
  xb_feed_view v = {&feed, true, false, NULL, 0, dv, 4, false};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_csv.feed(&b, &ctx, &v);
  expect(&b, "0,2013-04-23T12:34:56.100000Z,21.5\n"
             "door,2013-04-23T12:30:00.000000Z,\"open, locked\"\n"
             "note,2013-04-23T12:31:00.000000Z,\"\"\n"
             "temp,,\"\"");
  v.nds = 0; /* a feed without datastreams: the empty payload */
  xb_render_csv.feed(&b, &ctx, &v);
  expect(&b, "");
  xb_buf_free(&b);
}
END_TEST

/* XB-CSV-7: history records merged by `at`, equal `at` by id; no current values; no
 * datapoint at all is the empty payload. */
START_TEST(test_csv_feed_history_XB_CSV_7) {
  fixture();
  xb_point_row p0[2];
  tr_points(p0);
  xb_point_row ph[1] = {{tr_time("2013-04-23T12:30:00Z"), S("40")}};
  xb_ds_row hum = ds[3];
  hum.id = S("humidity");
  xb_ds_view hv[3] = {{&ds[0], p0, 2}, {&hum, ph, 1}, {&ds[3], NULL, 0}};
  xb_feed_view v = {&feed, true, false, NULL, 0, hv, 3, true};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_csv.feed(&b, &ctx, &v);
  expect(&b, "0,2013-04-23T12:30:00.000000Z,21.4\n"
             "humidity,2013-04-23T12:30:00.000000Z,40\n"
             "0,2013-04-23T12:34:56.100000Z,21.5");
  hv[0].npoints = hv[1].npoints = 0;
  xb_render_csv.feed(&b, &ctx, &v);
  expect(&b, "");
  xb_buf_free(&b);
}
END_TEST

/* XB-CSV-8, XB-CSV-9: `at,value`; never written is exactly `,""` (3 bytes); a history
 * request gives its datapoints only, or the empty payload. */
START_TEST(test_csv_datastream_XB_CSV_8_XB_CSV_9) {
  fixture();
  xb_feed_view fv = {&feed, true, false, NULL, 0, NULL, 0, false};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_csv.datastream(&b, &ctx, &fv, &dv[0]);
  expect(&b, "2013-04-23T12:34:56.100000Z,21.5");
  xb_render_csv.datastream(&b, &ctx, &fv, &dv[3]);
  expect(&b, ",\"\"");
  xb_point_row p0[2];
  tr_points(p0);
  xb_ds_view h = {&ds[0], p0, 2};
  fv.history = true;
  xb_render_csv.datastream(&b, &ctx, &fv, &h);
  expect(&b, "2013-04-23T12:30:00.000000Z,21.4\n2013-04-23T12:34:56.100000Z,21.5");
  h.npoints = 0;
  xb_render_csv.datastream(&b, &ctx, &fv, &h);
  expect(&b, "");
  xb_buf_free(&b);
}
END_TEST

/* XB-CSV-10: a datapoint `at,value`; the collection one record each, empty when none. */
START_TEST(test_csv_datapoints_XB_CSV_10) {
  fixture();
  xb_feed_view fv = {&feed, true, false, NULL, 0, NULL, 0, false};
  xb_point_row p[2] = {{tr_time("2013-04-23T12:30:00Z"), S("21.4")},
                       {tr_time("2013-04-23T12:34:56.1Z"), S("")}};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_csv.datapoint(&b, &ctx, &fv, &ds[0], &p[0]);
  expect(&b, "2013-04-23T12:30:00.000000Z,21.4");
  xb_render_csv.datapoints(&b, &ctx, &fv, &ds[0], p, 2);
  expect(&b, "2013-04-23T12:30:00.000000Z,21.4\n2013-04-23T12:34:56.100000Z,\"\"");
  xb_render_csv.datapoints(&b, &ctx, &fv, &ds[0], NULL, 0);
  expect(&b, "");
  xb_buf_free(&b);
}
END_TEST

/* XB-CSV-11, XB-CSV-12: v1 value alone (`""` never written); v1 feed row by id. */
START_TEST(test_csv_v1_XB_CSV_11_XB_CSV_12) {
  fixture();
  xb_feed_view v = {&feed, true, false, NULL, 0, dv, 4, false};
  xb_buf b;
  xb_buf_init(&b, 0);
  ds[0].current_value = S("22");
  xb_render_csv_v1.datastream(&b, &ctx, &v, &dv[0]);
  expect(&b, "22");
  xb_render_csv_v1.datastream(&b, &ctx, &v, &dv[3]);
  expect(&b, "\"\"");
  ds[0].current_value = S("21.5");
  xb_render_csv_v1.feed(&b, &ctx, &v);
  expect(&b, "21.5,\"open, locked\",\"\",\"\"");
  v.nds = 0;
  xb_render_csv_v1.feed(&b, &ctx, &v);
  expect(&b, "");
  ck_assert_ptr_null(xb_render_csv_v1.datapoints); /* XB-TOPIC-12: v1 feed and datastream */
  xb_buf_free(&b);
}
END_TEST

/* XB-CSV-2: bare unless empty, holding , " CR LF, starting/ending with SP or HT, or
 * starting with U+FEFF;
 * quotes doubled inside. XB-CSV-5: a value is its stored text. */
START_TEST(test_csv_quoting_XB_CSV_2) {
  static const struct {
    const char *in, *out;
  } cases[] = {{"21.5", "21.5"},          {"", "\"\""},
               {"on, high", "\"on, high\""}, {"say \"hi\"", "\"say \"\"hi\"\"\""},
               {"a\rb", "\"a\rb\""},      {"a\nb", "\"a\nb\""},
               {" x", "\" x\""},          {"x\t", "\"x\t\""},
               {"in side", "in side"},    {"25.0", "25.0"},
               {"\"", "\"\"\"\""},        {"caf\xc3\xa9", "caf\xc3\xa9"},
               /* U+FEFF first: quoted, or a reader would strip it as a BOM */
               {"\xef\xbb\xbfx", "\"\xef\xbb\xbfx\""}, {"x\xef\xbb\xbf", "x\xef\xbb\xbf"}};
  xb_buf b;
  xb_buf_init(&b, 0);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    xb_csv_put_field(&b, cases[i].in, strlen(cases[i].in));
    expect(&b, cases[i].out);
  }
  xb_buf_free(&b);
}
END_TEST

/* XB-CSV-13: the error body `title,detail`, quoted by XB-CSV-2. */
START_TEST(test_csv_error_XB_CSV_13) {
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_csv.error(&b, "Not found", "No such feed 121601");
  expect(&b, "Not found,No such feed 121601");
  xb_render_csv.error(&b, "CSV Parser Error", "line 2, column 9: unterminated quoted field");
  expect(&b, "CSV Parser Error,\"line 2, column 9: unterminated quoted field\"");
  xb_render_csv_v1.error(&b, "Forbidden", "write");
  expect(&b, "Forbidden,write");
  xb_buf_free(&b);
}
END_TEST

/* XB-RES-25: CSV has no rendering of keys, triggers, users or the feed list. */
START_TEST(test_csv_no_account_renderings_XB_RES_25) {
  ck_assert_ptr_null(xb_render_csv.feed_list);
  ck_assert_ptr_null(xb_render_csv.key);
  ck_assert_ptr_null(xb_render_csv.keys);
  ck_assert_ptr_null(xb_render_csv.trigger);
  ck_assert_ptr_null(xb_render_csv.users);
  ck_assert_ptr_eq(xb_render_for(2, 2), &xb_render_csv);
  ck_assert_ptr_eq(xb_render_for(1, 2), &xb_render_csv_v1);
  ck_assert_ptr_null(xb_render_for(1, 0));
  ck_assert_ptr_null(xb_render_for(1, 1));
}
END_TEST

Suite *xb_suite_render_csv(void);
Suite *xb_suite_render_csv(void) {
  Suite *s = suite_create("render_csv");
  TCase *tc = tcase_create("examples");
  tcase_add_test(tc, test_csv_feed_XB_CSV_6);
  tcase_add_test(tc, test_csv_feed_history_XB_CSV_7);
  tcase_add_test(tc, test_csv_datastream_XB_CSV_8_XB_CSV_9);
  tcase_add_test(tc, test_csv_datapoints_XB_CSV_10);
  tcase_add_test(tc, test_csv_v1_XB_CSV_11_XB_CSV_12);
  tcase_add_test(tc, test_csv_quoting_XB_CSV_2);
  tcase_add_test(tc, test_csv_error_XB_CSV_13);
  tcase_add_test(tc, test_csv_no_account_renderings_XB_RES_25);
  suite_add_tcase(s, tc);
  return s;
}
