/*
 * test_render_json.c — the canonical JSON renderer reproduces every example of
 * spec/json.md §2 byte for byte (XB-JSON-1..XB-JSON-18) and the escaping of XB-JSON-4.
 */
#include <check.h>
#include <string.h>

#include "api/xb_render.h"
#include "formats/xb_render_json.h"
#include "test_render_util.h"

static const xb_render_ctx ctx = {"https://api.xively.com", "https://xively.com"};

static void expect(xb_buf *b, const char *want) {
  ck_assert(xb_buf_ok(b));
  ck_assert_msg(b->len == strlen(want) && memcmp(b->data, want, b->len) == 0,
                "got  %.*s\nwant %s", (int)b->len, (const char *)b->data, want);
}

/* XB-JSON-1, XB-JSON-2, XB-JSON-5..XB-JSON-10: the feed example of §2.1 (integers
 * XB-JSON-6 with lat/lon as stored number text, timestamps XB-JSON-7). */
START_TEST(test_render_feed_example_XB_JSON_8) {
  xb_feed_row f = tr_feed504();
  xb_ds_row d0 = tr_ds0(), dt = tr_ds_temp();
  xb_ds_view dv[2] = {{&d0, NULL, 0}, {&dt, NULL, 0}};
  xb_feed_view v = {&f, true, false, NULL, 0, dv, 2, false};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.feed(&b, &ctx, &v);
  expect(&b,
         "{\"id\":504,\"title\":\"Office\",\"private\":\"false\",\"feed\":\"https://api.xively.com/"
         "v2/feeds/504.json\",\"status\":\"live\",\"updated\":\"2013-04-23T12:34:56.123456Z\","
         "\"created\":\"2012-01-01T00:00:00.000000Z\",\"creator\":\"https://xively.com/users/"
         "someone\",\"version\":\"1.0.0\",\"description\":\"Sensors in the office\",\"tags\":["
         "\"office\"],\"location\":{\"disposition\":\"fixed\",\"domain\":\"physical\","
         "\"exposure\":\"indoor\",\"name\":\"desk\",\"lat\":51.5,\"lon\":-0.08,\"ele\":\"23.0\"},"
         "\"datastreams\":[{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":\"2013-04-23T12:34:"
         "56.100000Z\",\"max_value\":\"30.0\",\"min_value\":\"12.0\",\"tags\":[\"temperature\"],"
         "\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"}},{\"id\":"
         "\"temp\"}]}");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-3 (omitted members), XB-TOPIC-29 (user), waypoints. */
START_TEST(test_render_feed_mobile_show_user_XB_JSON_3) {
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.id = 505;
  f.owner_login = S("someone");
  f.title = S("Van");
  f.is_private = true;
  f.loc_disposition = S("mobile");
  f.loc_domain = S("physical");
  f.loc_lat = S("51.52");
  f.loc_lon = S("-0.1");
  f.created = tr_time("2013-01-05T10:00:00Z");
  f.updated = tr_time("2013-04-23T09:00:00Z");
  xb_waypoint_row w = {tr_time("2013-04-23T08:00:00Z"), S("51.5"), S("-0.12"), XB_STR_NONE};
  xb_feed_view v = {&f, false, true, &w, 1, NULL, 0, false};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.feed(&b, &ctx, &v);
  expect(&b,
         "{\"id\":505,\"title\":\"Van\",\"private\":\"true\",\"feed\":\"https://api.xively.com/v2/"
         "feeds/505.json\",\"status\":\"frozen\",\"updated\":\"2013-04-23T09:00:00.000000Z\","
         "\"created\":\"2013-01-05T10:00:00.000000Z\",\"creator\":\"https://xively.com/users/"
         "someone\",\"version\":\"1.0.0\",\"user\":{\"login\":\"someone\"},\"location\":{"
         "\"disposition\":\"mobile\",\"domain\":\"physical\",\"lat\":51.52,\"lon\":-0.1,"
         "\"waypoints\":[{\"at\":\"2013-04-23T08:00:00.000000Z\",\"lat\":51.5,\"lon\":-0.12}]}}");
  xb_buf_free(&b);
}
END_TEST

static xb_point_row pts[2];

/* XB-JSON-11: datapoints as the last member of each datastream with history. */
START_TEST(test_render_feed_history_XB_JSON_11) {
  tr_points(pts);
  xb_feed_row f = tr_feed504();
  xb_ds_row d0 = tr_ds0(), dt = tr_ds_temp();
  xb_ds_view dv[2] = {{&d0, pts, 2}, {&dt, NULL, 0}};
  xb_feed_view v = {&f, true, false, NULL, 0, dv, 2, false};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.feed(&b, &ctx, &v);
  const char *tail =
      "\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"},\"datapoints\":["
      "{\"value\":\"21.4\",\"at\":\"2013-04-23T12:30:00.000000Z\"},{\"value\":\"21.5\",\"at\":"
      "\"2013-04-23T12:34:56.100000Z\"}]},{\"id\":\"temp\"}]}";
  ck_assert(b.len > strlen(tail));
  ck_assert(memcmp(b.data + b.len - strlen(tail), tail, strlen(tail)) == 0);
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-12: version after unit, before datapoints; never-written form. */
START_TEST(test_render_datastream_XB_JSON_12) {
  tr_points(pts);
  xb_feed_row f = tr_feed504();
  xb_feed_view fv = {&f, true, false, NULL, 0, NULL, 0, false};
  xb_ds_row d0 = tr_ds0(), dt = tr_ds_temp();
  xb_ds_view v = {&d0, NULL, 0};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.datastream(&b, &ctx, &fv, &v);
  expect(&b,
         "{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\","
         "\"max_value\":\"30.0\",\"min_value\":\"12.0\",\"tags\":[\"temperature\"],\"unit\":{"
         "\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"},\"version\":\"1.0.0\"}");
  xb_buf_reset(&b);
  v.points = pts;
  v.npoints = 2;
  xb_render_json.datastream(&b, &ctx, &fv, &v);
  expect(&b,
         "{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\","
         "\"max_value\":\"30.0\",\"min_value\":\"12.0\",\"tags\":[\"temperature\"],\"unit\":{"
         "\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"},\"version\":\"1.0.0\","
         "\"datapoints\":[{\"value\":\"21.4\",\"at\":\"2013-04-23T12:30:00.000000Z\"},{\"value\":"
         "\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\"}]}");
  xb_buf_reset(&b);
  xb_ds_view tv = {&dt, NULL, 0};
  xb_render_json.datastream(&b, &ctx, &fv, &tv); /* XB-JSON-9 */
  expect(&b, "{\"id\":\"temp\",\"version\":\"1.0.0\"}");
  /* A written empty value is a value (XB-RES-5), not the never-written form. */
  xb_buf_reset(&b);
  dt.written = true;
  dt.current_value = S("");
  dt.at = 0;
  xb_render_json.datastream(&b, &ctx, &fv, &tv);
  expect(&b, "{\"id\":\"temp\",\"current_value\":\"\",\"at\":\"1970-01-01T00:00:00.000000Z\","
             "\"version\":\"1.0.0\"}");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-13 */
START_TEST(test_render_datapoints_XB_JSON_13) {
  tr_points(pts);
  xb_feed_row f = tr_feed504();
  xb_feed_view fv = {&f, true, false, NULL, 0, NULL, 0, false};
  xb_ds_row d0 = tr_ds0();
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.datapoint(&b, &ctx, &fv, &d0, &pts[1]);
  expect(&b, "{\"value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\"}");
  xb_buf_reset(&b);
  xb_render_json.datapoints(&b, &ctx, &fv, &d0, pts, 2);
  expect(&b, "{\"datapoints\":[{\"value\":\"21.4\",\"at\":\"2013-04-23T12:30:00.000000Z\"},"
             "{\"value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\"}]}");
  xb_buf_reset(&b);
  xb_render_json.datapoints(&b, &ctx, &fv, &d0, NULL, 0);
  expect(&b, "{\"datapoints\":[]}");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-14 */
START_TEST(test_render_feed_list_XB_JSON_14) {
  xb_feed_row f = tr_feed504();
  f.description = XB_STR_NONE;
  f.tags = XB_STR_NONE;
  f.loc_disposition = f.loc_domain = f.loc_exposure = f.loc_name = XB_STR_NONE;
  f.loc_lat = f.loc_lon = f.loc_ele = XB_STR_NONE;
  xb_ds_row d0;
  memset(&d0, 0, sizeof d0);
  d0.id = S("0");
  d0.written = true;
  d0.current_value = S("21.5");
  d0.at = tr_time("2013-04-23T12:34:56.100000Z");
  xb_ds_view dv = {&d0, NULL, 0};
  xb_feed_view v = {&f, true, false, NULL, 0, &dv, 1, false};
  xb_feed_list_view l = {1, 0, 50, &v, 1};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.feed_list(&b, &ctx, &l);
  expect(&b,
         "{\"totalResults\":1,\"startIndex\":0,\"itemsPerPage\":50,\"results\":[{\"id\":504,"
         "\"title\":\"Office\",\"private\":\"false\",\"feed\":\"https://api.xively.com/v2/feeds/"
         "504.json\",\"status\":\"live\",\"updated\":\"2013-04-23T12:34:56.123456Z\",\"created\":"
         "\"2012-01-01T00:00:00.000000Z\",\"creator\":\"https://xively.com/users/someone\","
         "\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":"
         "\"2013-04-23T12:34:56.100000Z\"}]}]}");
  xb_buf_reset(&b);
  xb_feed_list_view e = {7, 100, 50, NULL, 0};
  xb_render_json.feed_list(&b, &ctx, &e);
  expect(&b, "{\"totalResults\":7,\"startIndex\":100,\"itemsPerPage\":50,\"results\":[]}");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-15 */
START_TEST(test_render_keys_XB_JSON_15) {
  xb_res_row r0 = {504, S("0")};
  xb_perm_row p[2];
  memset(p, 0, sizeof p);
  p[0].methods = XB_M_PUT | XB_M_POST;
  p[0].source_ip = S("192.0.2.10");
  p[0].res = &r0;
  p[0].nres = 1;
  p[1].label = S("browser");
  p[1].methods = XB_M_GET;
  p[1].referer = S("example.org");
  p[1].has_min_interval = true;
  p[1].minimum_interval = 60;
  xb_key_row k;
  memset(&k, 0, sizeof k);
  k.api_key = S("3f7c0e5a9b1d2c4e6f8a0b1c2d3e4f5a6b7c8d9e");
  k.label = S("device 504 writer");
  k.has_expiry = true;
  k.expires_at = tr_time("2014-01-01T00:00:00Z");
  k.private_access = true;
  k.perms = p;
  k.nperms = 2;
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.key(&b, &ctx, &k);
  expect(&b,
         "{\"key\":{\"api_key\":\"3f7c0e5a9b1d2c4e6f8a0b1c2d3e4f5a6b7c8d9e\",\"label\":\"device "
         "504 writer\",\"expires_at\":\"2014-01-01T00:00:00.000000Z\",\"private_access\":true,"
         "\"permissions\":[{\"access_methods\":[\"put\",\"post\"],\"source_ip\":\"192.0.2.10\","
         "\"resources\":[{\"feed_id\":504,\"datastream_id\":\"0\"}]},{\"label\":\"browser\","
         "\"access_methods\":[\"get\"],\"referer\":\"example.org\",\"minimum_interval\":60}]}}");
  xb_res_row r1 = {504, XB_STR_NONE};
  xb_perm_row q1;
  memset(&q1, 0, sizeof q1);
  q1.methods = XB_M_GET | XB_M_PUT;
  q1.res = &r1;
  q1.nres = 1;
  xb_perm_row q2;
  memset(&q2, 0, sizeof q2);
  q2.methods = XB_M_ALL;
  xb_key_row ks[2];
  memset(ks, 0, sizeof ks);
  ks[0].api_key = S("3f7c0e5a9b1d2c4e6f8a0b1c2d3e4f5a6b7c8d9e");
  ks[0].label = S("device 504 writer");
  ks[0].perms = &q1;
  ks[0].nperms = 1;
  ks[1].api_key = S("9d2e61b0c4a7f3e85d1c0b9a8f7e6d5c4b3a2910");
  ks[1].label = S("master");
  ks[1].private_access = true;
  ks[1].perms = &q2;
  ks[1].nperms = 1;
  xb_buf_reset(&b);
  xb_render_json.keys(&b, &ctx, ks, 2);
  expect(&b,
         "{\"keys\":[{\"api_key\":\"3f7c0e5a9b1d2c4e6f8a0b1c2d3e4f5a6b7c8d9e\",\"label\":"
         "\"device 504 writer\",\"private_access\":false,\"permissions\":[{\"access_methods\":["
         "\"get\",\"put\"],\"resources\":[{\"feed_id\":504}]}]},{\"api_key\":\"9d2e61b0c4a7f3e85d"
         "1c0b9a8f7e6d5c4b3a2910\",\"label\":\"master\",\"private_access\":true,\"permissions\":"
         "[{\"access_methods\":[\"get\",\"put\",\"post\",\"delete\"]}]}]}");
  xb_buf_reset(&b);
  xb_render_json.keys(&b, &ctx, NULL, 0);
  expect(&b, "{\"keys\":[]}");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-16 */
START_TEST(test_render_triggers_XB_JSON_16) {
  xb_trigger_row t[2];
  memset(t, 0, sizeof t);
  t[0].id = 7;
  t[0].url = S("https://example.org/hook");
  t[0].trigger_type = S("gt");
  t[0].threshold_value = S("30");
  t[0].feed_id = 504;
  t[0].stream_id = S("0");
  t[0].user_login = S("someone");
  t[1].id = 9;
  t[1].url = S("http://example.org/frozen");
  t[1].trigger_type = S("frozen");
  t[1].feed_id = 504;
  t[1].stream_id = S("temp");
  t[1].user_login = S("someone");
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.trigger(&b, &ctx, &t[0]);
  expect(&b, "{\"id\":7,\"url\":\"https://example.org/hook\",\"trigger_type\":\"gt\","
             "\"threshold_value\":\"30\",\"environment_id\":504,\"stream_id\":\"0\",\"user\":"
             "\"someone\"}");
  xb_buf_reset(&b);
  xb_render_json.triggers(&b, &ctx, t, 2);
  expect(&b, "[{\"id\":7,\"url\":\"https://example.org/hook\",\"trigger_type\":\"gt\","
             "\"threshold_value\":\"30\",\"environment_id\":504,\"stream_id\":\"0\",\"user\":"
             "\"someone\"},{\"id\":9,\"url\":\"http://example.org/frozen\",\"trigger_type\":"
             "\"frozen\",\"environment_id\":504,\"stream_id\":\"temp\",\"user\":\"someone\"}]");
  xb_buf_reset(&b);
  xb_render_json.triggers(&b, &ctx, NULL, 0);
  expect(&b, "[]");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-17 */
START_TEST(test_render_users_XB_JSON_17) {
  xb_user_row u[2];
  memset(u, 0, sizeof u);
  u[0].login = S("admin");
  u[0].admin = true;
  u[0].api_key = S("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
  u[1].login = S("someone");
  u[1].full_name = S("Some One");
  u[1].email = S("someone@example.org");
  u[1].timezone = S("Europe/London");
  u[1].api_key = S("9d2e61b0c4a7f3e85d1c0b9a8f7e6d5c4b3a2910");
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.user(&b, &ctx, &u[1]);
  expect(&b, "{\"user\":{\"login\":\"someone\",\"full_name\":\"Some One\",\"email\":"
             "\"someone@example.org\",\"timezone\":\"Europe/London\",\"api_key\":"
             "\"9d2e61b0c4a7f3e85d1c0b9a8f7e6d5c4b3a2910\"}}");
  xb_buf_reset(&b);
  xb_render_json.users(&b, &ctx, u, 2);
  expect(&b, "{\"users\":[{\"login\":\"admin\",\"roles\":[\"admin\"],\"api_key\":"
             "\"0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\"},{\"login\":\"someone\",\"full_name\":"
             "\"Some One\",\"email\":\"someone@example.org\",\"timezone\":\"Europe/London\","
             "\"api_key\":\"9d2e61b0c4a7f3e85d1c0b9a8f7e6d5c4b3a2910\"}]}");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-18 */
START_TEST(test_render_error_XB_JSON_18) {
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_json.error(&b, "JSON Parser Error",
                       "line 1, column 14: expected ',' or '}' after object member");
  expect(&b, "{\"title\":\"JSON Parser Error\",\"errors\":\"line 1, column 14: expected ',' or "
             "'}' after object member\"}");
  xb_buf_free(&b);
}
END_TEST

/* XB-JSON-4: exact escapes; '/', U+007F and non-ASCII raw. */
START_TEST(test_render_escapes_XB_JSON_4) {
  xb_buf b;
  xb_buf_init(&b, 0);
  const char in[] = "a\"b\\c\bd\fe\nf\rg\th\x01i\x1f/\x7f\xc3\xa9\xe2\x80\xa8";
  xb_json_put_string(&b, in, sizeof in - 1);
  expect(&b, "\"a\\\"b\\\\c\\bd\\fe\\nf\\rg\\th\\u0001i\\u001f/\x7f\xc3\xa9\xe2\x80\xa8\"");
  xb_buf_reset(&b);
  const char nul[] = {'x', 0, 'y'};
  xb_json_put_string(&b, nul, 3);
  expect(&b, "\"x\\u0000y\"");
  xb_buf_free(&b);
}
END_TEST

/* XB-RES-7: exactly 6 fraction digits, UTC. */
START_TEST(test_render_time_format_XB_RES_7) {
  char t[XB_TIME_TEXT_LEN + 1];
  ck_assert_uint_eq(xb_time_format(0, t), 27);
  ck_assert_str_eq(t, "1970-01-01T00:00:00.000000Z");
  xb_time_format(tr_time("2013-04-23T14:00:00.5+02:00"), t);
  ck_assert_str_eq(t, "2013-04-23T12:00:00.500000Z");
  xb_time_format(tr_time("2000-02-29T23:59:59.999999Z"), t);
  ck_assert_str_eq(t, "2000-02-29T23:59:59.999999Z");
  xb_time_format(tr_time("9999-12-31T23:59:59.999999Z"), t);
  ck_assert_str_eq(t, "9999-12-31T23:59:59.999999Z");
}
END_TEST

/* A limited buffer fails whole (XB-LIM-9 style: never a truncated rendering). */
START_TEST(test_render_buffer_limit) {
  xb_feed_row f = tr_feed504();
  xb_feed_view v = {&f, true, false, NULL, 0, NULL, 0, false};
  xb_buf b;
  xb_buf_init(&b, 64);
  xb_render_json.feed(&b, &ctx, &v);
  ck_assert(!xb_buf_ok(&b));
  ck_assert_uint_le(b.len, 64);
  xb_buf_reset(&b);
  ck_assert(xb_buf_ok(&b));
  ck_assert(xb_buf_puts(&b, "ok"));
  xb_buf_free(&b);
}
END_TEST

Suite *xb_suite_render_json(void);
Suite *xb_suite_render_json(void) {
  Suite *s = suite_create("render_json");
  TCase *tc = tcase_create("examples");
  tcase_add_test(tc, test_render_feed_example_XB_JSON_8);
  tcase_add_test(tc, test_render_feed_mobile_show_user_XB_JSON_3);
  tcase_add_test(tc, test_render_feed_history_XB_JSON_11);
  tcase_add_test(tc, test_render_datastream_XB_JSON_12);
  tcase_add_test(tc, test_render_datapoints_XB_JSON_13);
  tcase_add_test(tc, test_render_feed_list_XB_JSON_14);
  tcase_add_test(tc, test_render_keys_XB_JSON_15);
  tcase_add_test(tc, test_render_triggers_XB_JSON_16);
  tcase_add_test(tc, test_render_users_XB_JSON_17);
  tcase_add_test(tc, test_render_error_XB_JSON_18);
  tcase_add_test(tc, test_render_escapes_XB_JSON_4);
  tcase_add_test(tc, test_render_time_format_XB_RES_7);
  tcase_add_test(tc, test_render_buffer_limit);
  suite_add_tcase(s, tc);
  return s;
}
