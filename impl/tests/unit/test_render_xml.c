/*
 * test_render_xml.c — the XML renderer reproduces every output example of spec/xml.md
 * §2 and §3 byte for byte (XB-XML-1..XB-XML-18). The examples are read from the spec
 * itself (its ```xml blocks, in order), so the test and the spec cannot drift apart.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xb_render.h"
#include "formats/xb_render_xml.h"
#include "test_render_util.h"

static const xb_render_ctx ctx = {"https://api.xively.com", "https://xively.com"};

/* The output examples, in the order of spec/xml.md. */
enum {
  EX_FEED, EX_FEED_HISTORY, EX_FEED_MOBILE, EX_DS, EX_DS_NEVER, EX_DS_HISTORY, EX_DATAPOINT,
  EX_DATAPOINTS, EX_FEED_LIST, EX_KEY, EX_KEYS, EX_TRIGGER, EX_TRIGGERS, EX_USER, EX_USERS,
  EX_ERROR, EX_COUNT
};

/* The n-th ```xml block of spec/xml.md, lines joined by LF, no final LF (static). */
static const char *spec_xml(int n) {
  static char out[8192];
  FILE *f = fopen("spec/xml.md", "r");
  ck_assert_msg(f != NULL, "spec/xml.md not found (run from the repository root)");
  char line[1024];
  int k = -1;
  bool inside = false;
  size_t len = 0;
  out[0] = '\0';
  while (fgets(line, sizeof line, f) != NULL) {
    size_t l = strlen(line);
    if (l > 0 && line[l - 1] == '\n') line[--l] = '\0';
    if (!inside && strcmp(line, "```xml") == 0) {
      inside = true;
      k++;
      continue;
    }
    if (inside && strcmp(line, "```") == 0) {
      inside = false;
      if (k == n) break;
      continue;
    }
    if (inside && k == n) {
      ck_assert(len + l + 2 < sizeof out);
      if (len > 0) out[len++] = '\n';
      memcpy(out + len, line, l);
      len += l;
      out[len] = '\0';
    }
  }
  fclose(f);
  ck_assert_msg(k >= n, "spec/xml.md has no xml block %d", n);
  return out;
}

static void expect(xb_buf *b, const char *want) {
  ck_assert(xb_buf_ok(b));
  ck_assert_msg(b->len == strlen(want) && memcmp(b->data, want, b->len) == 0,
                "got\n%.*s\nwant\n%s", (int)b->len, (const char *)b->data, want);
  xb_buf_free(b);
}

static xb_point_row pts[2];

/* XB-XML-1..XB-XML-3, XB-XML-5..XB-XML-10, XB-XML-45: the feed example of §2.1. */
START_TEST(test_xml_feed_XB_XML_8) {
  xb_feed_row f = tr_feed504();
  xb_ds_row d0 = tr_ds0(), dt = tr_ds_temp();
  xb_ds_view dv[2] = {{&d0, NULL, 0}, {&dt, NULL, 0}};
  xb_feed_view v = {&f, true, false, NULL, 0, dv, 2, false};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_xml.feed(&b, &ctx, &v);
  expect(&b, spec_xml(EX_FEED));
}
END_TEST

/* XB-XML-11: history datapoints at the end of each data with selected points. */
START_TEST(test_xml_feed_history_XB_XML_11) {
  xb_feed_row f = tr_feed504();
  xb_ds_row d0 = tr_ds0(), dt = tr_ds_temp();
  tr_points(pts);
  xb_ds_view dv[2] = {{&d0, pts, 2}, {&dt, NULL, 0}};
  xb_feed_view v = {&f, true, false, NULL, 0, dv, 2, true};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_xml.feed(&b, &ctx, &v);
  expect(&b, spec_xml(EX_FEED_HISTORY));
}
END_TEST

/* XB-XML-4 (&amp;), XB-XML-5 (location attributes always, "" when unset), XB-XML-9
 * (location with waypoints), the user element with show_user (XB-TOPIC-29). */
START_TEST(test_xml_feed_mobile_XB_XML_5_XB_XML_9) {
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.id = 505;
  f.owner_login = S("someone");
  f.title = S("Van & trailer");
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
  xb_render_xml.feed(&b, &ctx, &v);
  expect(&b, spec_xml(EX_FEED_MOBILE));
}
END_TEST

/* XB-XML-12, XB-XML-10 (never written: `<data id="temp"/>`), XB-XML-11. */
START_TEST(test_xml_datastream_XB_XML_12) {
  xb_feed_row f = tr_feed504();
  xb_ds_row d0 = tr_ds0(), dt = tr_ds_temp();
  xb_feed_view fv = {&f, true, false, NULL, 0, NULL, 0, false};
  xb_ds_view v0 = {&d0, NULL, 0}, vt = {&dt, NULL, 0};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_xml.datastream(&b, &ctx, &fv, &v0);
  expect(&b, spec_xml(EX_DS));
  xb_buf_init(&b, 0);
  xb_render_xml.datastream(&b, &ctx, &fv, &vt);
  expect(&b, spec_xml(EX_DS_NEVER));
  tr_points(pts);
  xb_ds_view vh = {&d0, pts, 2};
  fv.history = true;
  xb_buf_init(&b, 0);
  xb_render_xml.datastream(&b, &ctx, &fv, &vh);
  expect(&b, spec_xml(EX_DS_HISTORY));
}
END_TEST

/* XB-XML-13: a datapoint, a collection, and `<data id="D"/>` for an empty one. */
START_TEST(test_xml_datapoints_XB_XML_13) {
  xb_feed_row f = tr_feed504();
  xb_ds_row d0 = tr_ds0();
  xb_feed_view fv = {&f, true, false, NULL, 0, NULL, 0, false};
  tr_points(pts);
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_xml.datapoint(&b, &ctx, &fv, &d0, &pts[1]);
  expect(&b, spec_xml(EX_DATAPOINT));
  xb_buf_init(&b, 0);
  xb_render_xml.datapoints(&b, &ctx, &fv, &d0, pts, 2);
  expect(&b, spec_xml(EX_DATAPOINTS));
  xb_buf_init(&b, 0);
  xb_render_xml.datapoints(&b, &ctx, &fv, &d0, NULL, 0);
  ck_assert(strstr((const char *)b.data, "\n    <data id=\"0\"/>\n  </environment>") != NULL);
  xb_buf_free(&b);
}
END_TEST

/* XB-XML-14: the OpenSearch envelope with the feed's own environment. */
START_TEST(test_xml_feed_list_XB_XML_14) {
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.id = 504;
  f.owner_login = S("someone");
  f.title = S("Office");
  f.created = tr_time("2012-01-01T00:00:00Z");
  f.updated = tr_time("2013-04-23T12:34:56.123456Z");
  xb_ds_row d;
  memset(&d, 0, sizeof d);
  d.id = S("0");
  d.written = true;
  d.current_value = d.max_value = d.min_value = S("21.5");
  d.at = tr_time("2013-04-23T12:34:56.100000Z");
  xb_ds_view dv = {&d, NULL, 0};
  xb_feed_view v = {&f, true, false, NULL, 0, &dv, 1, false};
  xb_feed_list_view l = {1, 0, 50, &v, 1};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_xml.feed_list(&b, &ctx, &l);
  expect(&b, spec_xml(EX_FEED_LIST));
}
END_TEST

/* XB-XML-15: key and key list, typed elements, method order (XB-RES-74). */
START_TEST(test_xml_keys_XB_XML_15) {
  xb_res_row r1 = {504, S("0")};
  xb_perm_row p[2];
  memset(p, 0, sizeof p);
  p[0].methods = XB_M_PUT | XB_M_POST;
  p[0].source_ip = S("192.0.2.10");
  p[0].res = &r1;
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
  xb_render_xml.key(&b, &ctx, &k);
  expect(&b, spec_xml(EX_KEY));

  xb_res_row r2 = {504, XB_STR_NONE};
  xb_perm_row q[2];
  memset(q, 0, sizeof q);
  q[0].methods = XB_M_GET | XB_M_PUT;
  q[0].res = &r2;
  q[0].nres = 1;
  q[1].methods = XB_M_ALL;
  xb_key_row ks[2];
  memset(ks, 0, sizeof ks);
  ks[0].api_key = S("3f7c0e5a9b1d2c4e6f8a0b1c2d3e4f5a6b7c8d9e");
  ks[0].label = S("device 504 writer");
  ks[0].perms = &q[0];
  ks[0].nperms = 1;
  ks[1].api_key = S("9d2e61b0c4a7f3e85d1c0b9a8f7e6d5c4b3a2910");
  ks[1].label = S("master");
  ks[1].private_access = true;
  ks[1].perms = &q[1];
  ks[1].nperms = 1;
  xb_buf_init(&b, 0);
  xb_render_xml.keys(&b, &ctx, ks, 2);
  expect(&b, spec_xml(EX_KEYS));
  xb_buf_init(&b, 0);
  xb_render_xml.keys(&b, &ctx, NULL, 0);
  expect(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<keys type=\"array\"/>");
}
END_TEST

/* XB-XML-16: trigger and trigger list (URL escaping XB-XML-4). */
START_TEST(test_xml_triggers_XB_XML_16) {
  xb_trigger_row t[2];
  memset(t, 0, sizeof t);
  t[0].id = 7;
  t[0].url = S("https://example.org/hook?a=1&b=2");
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
  xb_render_xml.trigger(&b, &ctx, &t[0]);
  expect(&b, spec_xml(EX_TRIGGER));
  xb_buf_init(&b, 0);
  xb_render_xml.triggers(&b, &ctx, t, 2);
  expect(&b, spec_xml(EX_TRIGGERS));
  xb_buf_init(&b, 0);
  xb_render_xml.triggers(&b, &ctx, NULL, 0);
  expect(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<datastream-triggers type=\"array\"/>");
}
END_TEST

/* XB-XML-17: user and user list, roles only for administrators. */
START_TEST(test_xml_users_XB_XML_17) {
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
  xb_render_xml.user(&b, &ctx, &u[1]);
  expect(&b, spec_xml(EX_USER));
  xb_buf_init(&b, 0);
  xb_render_xml.users(&b, &ctx, u, 2);
  expect(&b, spec_xml(EX_USERS));
  xb_buf_init(&b, 0);
  xb_render_xml.users(&b, &ctx, NULL, 0);
  expect(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<users type=\"array\"/>");
}
END_TEST

/* XB-XML-18: the error document. */
START_TEST(test_xml_error_XB_XML_18) {
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_xml.error(&b, "XML Parser Error",
                      "line 3, column 7: end tag </data> does not match start tag <environment>");
  expect(&b, spec_xml(EX_ERROR));
}
END_TEST

/* XB-XML-4: the five markup characters as entities, TAB/LF/CR as character references,
 * everything else raw (UTF-8 bytes untouched). */
START_TEST(test_xml_escapes_XB_XML_4) {
  static const char in[] = "a&b<c>d\"e'f\tg\nh\ri \xc3\xa9";
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_xml_put_escaped(&b, in, sizeof in - 1);
  expect(&b, "a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i \xc3\xa9");
}
END_TEST

/* XB-XML-10: a written datastream with the empty value has `<current_value at="…"/>`;
 * XB-XML-2: an element with attributes and no text is self-closed (unit). */
START_TEST(test_xml_empty_value_XB_XML_10) {
  xb_feed_row f = tr_feed504();
  xb_ds_row d = tr_ds_temp();
  d.written = true;
  d.current_value = S("");
  d.at = tr_time("2013-04-23T12:00:00Z");
  d.unit_type = S("basicSI");
  xb_feed_view fv = {&f, true, false, NULL, 0, NULL, 0, false};
  xb_ds_view v = {&d, NULL, 0};
  xb_buf b;
  xb_buf_init(&b, 0);
  xb_render_xml.datastream(&b, &ctx, &fv, &v);
  ck_assert(xb_buf_ok(&b));
  xb_buf_putc(&b, '\0');
  ck_assert_msg(strstr((const char *)b.data,
                       "\n    <data id=\"temp\">\n"
                       "      <current_value at=\"2013-04-23T12:00:00.000000Z\"/>\n"
                       "      <unit type=\"basicSI\"/>\n    </data>\n") != NULL,
                "%s", (const char *)b.data);
  xb_buf_free(&b);
}
END_TEST

/* XB-XML-1: the buffer limit makes the rendering fail as a whole (sticky failure). */
START_TEST(test_xml_buffer_limit) {
  xb_feed_row f = tr_feed504();
  xb_feed_view v = {&f, true, false, NULL, 0, NULL, 0, false};
  xb_buf b;
  xb_buf_init(&b, 64);
  xb_render_xml.feed(&b, &ctx, &v);
  ck_assert(!xb_buf_ok(&b));
  xb_buf_free(&b);
}
END_TEST

Suite *xb_suite_render_xml(void);
Suite *xb_suite_render_xml(void) {
  Suite *s = suite_create("render_xml");
  TCase *tc = tcase_create("examples");
  tcase_add_test(tc, test_xml_feed_XB_XML_8);
  tcase_add_test(tc, test_xml_feed_history_XB_XML_11);
  tcase_add_test(tc, test_xml_feed_mobile_XB_XML_5_XB_XML_9);
  tcase_add_test(tc, test_xml_datastream_XB_XML_12);
  tcase_add_test(tc, test_xml_datapoints_XB_XML_13);
  tcase_add_test(tc, test_xml_feed_list_XB_XML_14);
  tcase_add_test(tc, test_xml_keys_XB_XML_15);
  tcase_add_test(tc, test_xml_triggers_XB_XML_16);
  tcase_add_test(tc, test_xml_users_XB_XML_17);
  tcase_add_test(tc, test_xml_error_XB_XML_18);
  tcase_add_test(tc, test_xml_escapes_XB_XML_4);
  tcase_add_test(tc, test_xml_empty_value_XB_XML_10);
  tcase_add_test(tc, test_xml_buffer_limit);
  suite_add_tcase(s, tc);
  return s;
}
