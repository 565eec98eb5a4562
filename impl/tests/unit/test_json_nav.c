/*
 * Reading a parsed JSON document: the token layout xb_json_parse produces, the
 * navigation helpers (skip, object_get, array_get), string comparison and decoding, on
 * every JSON shape of the facts file and of spec/json.md, and on token arrays that were
 * not produced by the parser (the helpers must stay in bounds).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_json.h"

#define CAP 1024
static xb_json_token g_t[CAP];
static size_t g_n;
static const char *g_s;
static size_t g_len;

static void load(const char *s) {
  xb_json_result r;
  g_s = s;
  g_len = strlen(s);
  xb_json_status st = xb_json_parse((const uint8_t *)s, g_len, g_t, CAP, NULL, &r);
  ck_assert_msg(st == XB_JSON_OK, "refused (%s at %zu): %.60s", xb_json_status_str(st),
                r.err_off, s);
  g_n = r.ntokens;
}

static const uint8_t *in(void) { return (const uint8_t *)g_s; }

/* Value of member `path` (a chain of member names and [index] steps, e.g.
 * "datastreams[1].id") from the root. */
static size_t at(const char *path) {
  size_t i = 0;
  const char *p = path;
  while (*p != 0 && i != XB_JSON_NONE) {
    if (*p == '[') {
      char *end;
      unsigned long k = strtoul(p + 1, &end, 10);
      ck_assert_int_eq(*end, ']');
      i = xb_json_array_get(g_t, g_n, i, k);
      p = end + 1;
    } else {
      if (*p == '.') p++;
      size_t m = strcspn(p, ".[");
      i = xb_json_object_get(in(), g_len, g_t, g_n, i, p, m);
      p += m;
    }
  }
  return i;
}

/* Source text of a token (strings: between the quotes, escapes as written). */
static int text_is(size_t i, const char *want) {
  return i < g_n && g_t[i].len == strlen(want) && memcmp(g_s + g_t[i].off, want, g_t[i].len) == 0;
}

static int str_is(size_t i, const char *want) {
  return i < g_n && g_t[i].type == XB_JSON_STRING &&
         xb_json_string_eq(in(), g_len, &g_t[i], want, strlen(want));
}

#define STR(path, want) ck_assert_msg(str_is(at(path), want), "%s != \"%s\"", path, want)
#define NUM(path, want) do { size_t i_ = at(path); \
    ck_assert_msg(i_ < g_n && g_t[i_].type == XB_JSON_NUMBER && text_is(i_, want), \
                  "%s is not the number %s", path, want); } while (0)
#define TYPE(path, ty) do { size_t i_ = at(path); \
    ck_assert_msg(i_ < g_n && g_t[i_].type == (ty), "%s: wrong type", path); } while (0)
#define COUNT(path, k) do { size_t i_ = at(path); \
    ck_assert_msg(i_ < g_n && g_t[i_].children == (k), "%s: %zu children, want %d", path, \
                  i_ < g_n ? g_t[i_].children : 0, (int)(k)); } while (0)
#define ABSENT(path) ck_assert_msg(at(path) == XB_JSON_NONE, "%s present", path)

/* ------------------------------------------------------------ token layout */

START_TEST(token_layout_XB_JSON_19)
{
  load("{\"a\":[1,{\"b\":null}],\"c\":\"x\\n\"}");
  static const struct { uint16_t type, flags; size_t off, len, parent, next, children;
                        uint16_t depth; } want[] = {
    {XB_JSON_OBJECT, 0, 0, 30, XB_JSON_NONE, 9, 2, 0},
    {XB_JSON_STRING, XB_JSON_F_KEY, 2, 1, 0, 2, 0, 1},
    {XB_JSON_ARRAY, 0, 5, 14, 0, 7, 2, 1},
    {XB_JSON_NUMBER, 0, 6, 1, 2, 4, 0, 2},
    {XB_JSON_OBJECT, 0, 8, 10, 2, 7, 1, 2},
    {XB_JSON_STRING, XB_JSON_F_KEY, 10, 1, 4, 6, 0, 3},
    {XB_JSON_NULL, 0, 13, 4, 4, 7, 0, 3},
    {XB_JSON_STRING, XB_JSON_F_KEY, 21, 1, 0, 8, 0, 1},
    {XB_JSON_STRING, XB_JSON_F_ESCAPED, 25, 3, 0, 9, 0, 1},
  };
  ck_assert_uint_eq(g_n, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < g_n; i++) {
    ck_assert_uint_eq(g_t[i].type, want[i].type);
    ck_assert_uint_eq(g_t[i].flags, want[i].flags);
    ck_assert_uint_eq(g_t[i].off, want[i].off);
    ck_assert_uint_eq(g_t[i].len, want[i].len);
    ck_assert_uint_eq(g_t[i].parent, want[i].parent);
    ck_assert_uint_eq(g_t[i].next, want[i].next);
    ck_assert_uint_eq(g_t[i].children, want[i].children);
    ck_assert_uint_eq(g_t[i].depth, want[i].depth);
  }
  load("[]");
  ck_assert_uint_eq(g_n, 1);
  ck_assert_uint_eq(g_t[0].len, 2);
  ck_assert_uint_eq(g_t[0].children, 0);
  load(" { } ");
  ck_assert_uint_eq(g_t[0].off, 1);
  ck_assert_uint_eq(g_t[0].len, 3);
  ck_assert_uint_eq(g_t[0].children, 0);
}
END_TEST

START_TEST(numbers_kept_as_source_text_XB_JSON_26)
{
  load("[25.0,1E3,-0,123456789012345678901234567890,51.50]");
  static const char *want[] = {"25.0", "1E3", "-0", "123456789012345678901234567890",
                               "51.50"};
  COUNT("", 5);
  for (size_t k = 0; k < 5; k++) {
    size_t i = xb_json_array_get(g_t, g_n, 0, k);
    ck_assert(text_is(i, want[k]));
  }
}
END_TEST

/* ------------------------------------------------------------ navigation */

START_TEST(skip_walks_siblings_XB_JSON_27)
{
  load("[[1,[2,3]],{\"k\":[4]},5]");
  size_t i = 1;
  ck_assert_uint_eq(g_t[i].type, XB_JSON_ARRAY);
  i = xb_json_skip(g_t, g_n, i);
  ck_assert_uint_eq(g_t[i].type, XB_JSON_OBJECT);
  i = xb_json_skip(g_t, g_n, i);
  ck_assert(text_is(i, "5"));
  ck_assert_uint_eq(xb_json_skip(g_t, g_n, i), g_n);
  ck_assert_uint_eq(xb_json_skip(g_t, g_n, 0), g_n);
  ck_assert_uint_eq(xb_json_skip(g_t, g_n, g_n), g_n);
  ck_assert_uint_eq(xb_json_skip(g_t, g_n, XB_JSON_NONE), g_n);
  ck_assert_uint_eq(xb_json_skip(NULL, 5, 0), 5);
}
END_TEST

START_TEST(object_get_by_unescaped_name_XB_JSON_24)
{
  load("{\"id\":1,\"\\u0074itle\":\"T\",\"a\\/b\":2,\"nul\\u0000l\":3,\"obj\":{\"id\":9},"
       "\"\xC3\xA9t\xC3\xA9\":4,\"\\ud83d\\ude00\":5}");
  NUM("id", "1");
  STR("title", "T");
  NUM("a/b", "2");
  ck_assert(text_is(xb_json_object_get(in(), g_len, g_t, g_n, 0, "nul\0l", 5), "3"));
  ck_assert_uint_eq(xb_json_object_get(in(), g_len, g_t, g_n, 0, "nul", 3), XB_JSON_NONE);
  NUM("obj.id", "9");
  NUM("\xC3\xA9t\xC3\xA9", "4");
  NUM("\xF0\x9F\x98\x80", "5");
  ABSENT("ID");
  ABSENT("i");
  ABSENT("idx");
  ABSENT("obj.title");
  ck_assert_uint_eq(xb_json_object_get(in(), g_len, g_t, g_n, 0, "", 0), XB_JSON_NONE);
  /* not an object: the key token, a number, out of range */
  ck_assert_uint_eq(xb_json_object_get(in(), g_len, g_t, g_n, 1, "id", 2), XB_JSON_NONE);
  ck_assert_uint_eq(xb_json_object_get(in(), g_len, g_t, g_n, 2, "id", 2), XB_JSON_NONE);
  ck_assert_uint_eq(xb_json_object_get(in(), g_len, g_t, g_n, g_n, "id", 2), XB_JSON_NONE);
  ck_assert_uint_eq(xb_json_object_get(NULL, g_len, g_t, g_n, 0, "id", 2), XB_JSON_NONE);
  ck_assert_uint_eq(xb_json_object_get(in(), g_len, NULL, g_n, 0, "id", 2), XB_JSON_NONE);
  load("{\"\":1}");
  ck_assert(text_is(xb_json_object_get(in(), g_len, g_t, g_n, 0, "", 0), "1"));
  ck_assert(text_is(xb_json_object_get(in(), g_len, g_t, g_n, 0, NULL, 0), "1"));
  load("{}");
  ABSENT("a");
}
END_TEST

START_TEST(array_get_by_index_XB_JSON_19)
{
  load("[\"a\",[1,2],{\"x\":[3]},null]");
  STR("[0]", "a");
  NUM("[1][1]", "2");
  NUM("[2].x[0]", "3");
  TYPE("[3]", XB_JSON_NULL);
  ABSENT("[4]");
  ABSENT("[1][2]");
  ck_assert_uint_eq(xb_json_array_get(g_t, g_n, 1, 0), XB_JSON_NONE); /* a string */
  ck_assert_uint_eq(xb_json_array_get(g_t, g_n, g_n, 0), XB_JSON_NONE);
  ck_assert_uint_eq(xb_json_array_get(NULL, g_n, 0, 0), XB_JSON_NONE);
  ck_assert_uint_eq(xb_json_array_get(g_t, g_n, 0, XB_JSON_NONE), XB_JSON_NONE);
  load("[]");
  ABSENT("[0]");
}
END_TEST

/* ------------------------------------------------------------ strings */

START_TEST(string_decode_and_capacity_XB_JSON_22)
{
  load("[\"caf\\u00e9\\n\",\"plain\",\"\",\"\\u0000\",7]");
  size_t i = at("[0]");
  ck_assert_uint_eq(xb_json_string_decoded_size(in(), g_len, &g_t[i]), 6);
  ck_assert_uint_le(xb_json_string_decoded_size(in(), g_len, &g_t[i]), g_t[i].len);
  uint8_t buf[16];
  size_t w = 77;
  memset(buf, 0xAA, sizeof buf);
  ck_assert(!xb_json_string_decode(in(), g_len, &g_t[i], buf, 5, &w)); /* one short */
  ck_assert_uint_eq(w, 0);
  for (size_t k = 0; k < sizeof buf; k++) ck_assert_uint_eq(buf[k], 0xAA);
  ck_assert(!xb_json_string_decode(in(), g_len, &g_t[i], buf, 0, &w));
  ck_assert(!xb_json_string_decode(in(), g_len, &g_t[i], NULL, 0, &w));
  ck_assert(xb_json_string_decode(in(), g_len, &g_t[i], buf, 6, &w)); /* exact */
  ck_assert_uint_eq(w, 6);
  ck_assert_mem_eq(buf, "caf\xC3\xA9\n", 6);
  ck_assert_uint_eq(buf[6], 0xAA);
  ck_assert(!xb_json_string_decode(in(), g_len, &g_t[i], buf, sizeof buf, NULL));
  i = at("[1]");
  ck_assert(xb_json_string_decode(in(), g_len, &g_t[i], buf, sizeof buf, &w));
  ck_assert_uint_eq(w, 5);
  ck_assert_mem_eq(buf, "plain", 5);
  i = at("[2]");
  ck_assert_uint_eq(xb_json_string_decoded_size(in(), g_len, &g_t[i]), 0);
  ck_assert(xb_json_string_decode(in(), g_len, &g_t[i], NULL, 0, &w));
  ck_assert_uint_eq(w, 0);
  i = at("[3]");
  ck_assert(xb_json_string_decode(in(), g_len, &g_t[i], buf, 1, &w));
  ck_assert_uint_eq(w, 1);
  ck_assert_uint_eq(buf[0], 0);
  i = at("[4]"); /* not a string */
  ck_assert_uint_eq(xb_json_string_decoded_size(in(), g_len, &g_t[i]), 0);
  ck_assert(!xb_json_string_decode(in(), g_len, &g_t[i], buf, sizeof buf, &w));
  ck_assert(!xb_json_string_eq(in(), g_len, &g_t[i], "7", 1));
  ck_assert_uint_eq(xb_json_string_decoded_size(NULL, g_len, &g_t[0]), 0);
  ck_assert_uint_eq(xb_json_string_decoded_size(in(), g_len, NULL), 0);
}
END_TEST

START_TEST(string_equality_XB_JSON_22)
{
  load("[\"a\\\"b\",\"\\u00e9\",\"\xC3\xA9\",\"\\uD834\\uDD1E\",\"\"]");
  ck_assert(str_is(at("[0]"), "a\"b"));
  ck_assert(!str_is(at("[0]"), "a\""));
  ck_assert(!str_is(at("[0]"), "a\"bc"));
  ck_assert(!str_is(at("[0]"), "a\\\"b"));
  ck_assert(str_is(at("[1]"), "\xC3\xA9"));
  ck_assert(str_is(at("[2]"), "\xC3\xA9"));
  ck_assert(!str_is(at("[1]"), "e"));
  ck_assert(str_is(at("[3]"), "\xF0\x9D\x84\x9E"));
  ck_assert(str_is(at("[4]"), ""));
  ck_assert(!str_is(at("[4]"), "x"));
  ck_assert(!xb_json_string_eq(in(), g_len, &g_t[at("[0]")], NULL, 3));
}
END_TEST

/* Helpers handed tokens the parser did not produce stay inside the input. */
START_TEST(helpers_survive_corrupted_tokens_XB_JSON_27)
{
  load("{\"a\":\"bc\",\"d\":[1]}");
  xb_json_token bad[CAP];
  memcpy(bad, g_t, sizeof g_t[0] * g_n);
  bad[2].len = 1000;                 /* span past the input */
  bad[1].next = 0;                   /* a key that goes backwards */
  bad[4].next = 999;                 /* an array that ends past the tokens */
  uint8_t buf[8];
  size_t w = 0;
  ck_assert(!xb_json_string_decode(in(), g_len, &bad[2], buf, sizeof buf, &w));
  ck_assert_uint_eq(xb_json_string_decoded_size(in(), g_len, &bad[2]), 0);
  ck_assert(!xb_json_string_eq(in(), g_len, &bad[2], "bc", 2));
  (void)xb_json_object_get(in(), g_len, bad, g_n, 0, "d", 1);
  ck_assert_uint_eq(xb_json_skip(bad, g_n, 4), g_n);
  (void)xb_json_array_get(bad, g_n, 4, 0);
  bad[0].next = 0;
  (void)xb_json_object_get(in(), g_len, bad, g_n, 0, "zz", 2);
  bad[3].off = XB_JSON_NONE - 1;
  bad[3].len = 5;
  ck_assert(!xb_json_string_eq(in(), g_len, &bad[3], "d", 1));
  /* a lone backslash at the end of a span is taken literally, not read past */
  xb_json_token t = {0, 1, XB_JSON_NONE, 1, 0, XB_JSON_STRING, XB_JSON_F_ESCAPED, 0};
  ck_assert_uint_eq(xb_json_string_decoded_size((const uint8_t *)"\\u12", 4, &t), 1);
  t.len = 4;
  ck_assert_uint_eq(xb_json_string_decoded_size((const uint8_t *)"\\u12", 4, &t), 4);
  t.len = 3; /* a cut-off multi-byte character */
  ck_assert_uint_eq(xb_json_string_decoded_size((const uint8_t *)"a\xE2\x82", 3, &t), 3);
}
END_TEST

/* ------------------------------------------------------------ facts-file shapes */

START_TEST(feed_read_shape_XB_JSON_8)
{
  load("{\"id\":504,\"title\":\"Office\",\"private\":\"false\",\"feed\":\"https://api.xively.com/"
       "v2/feeds/504.json\",\"status\":\"live\",\"updated\":\"2013-04-23T12:34:56.123456Z\","
       "\"created\":\"2012-01-01T00:00:00.000000Z\",\"creator\":\"https://xively.com/users/"
       "someone\",\"version\":\"1.0.0\",\"description\":\"Sensors in the office\",\"tags\":"
       "[\"office\"],\"location\":{\"disposition\":\"fixed\",\"domain\":\"physical\","
       "\"exposure\":\"indoor\",\"name\":\"desk\",\"lat\":51.5,\"lon\":-0.08,\"ele\":\"23.0\"},"
       "\"datastreams\":[{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":\"2013-04-23T12:34:56."
       "100000Z\",\"max_value\":\"30.0\",\"min_value\":\"12.0\",\"tags\":[\"temperature\"],"
       "\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"}},"
       "{\"id\":\"temp\"}]}");
  NUM("id", "504");
  STR("private", "false");
  STR("version", "1.0.0");
  COUNT("", 13);
  COUNT("tags", 1);
  STR("tags[0]", "office");
  NUM("location.lat", "51.5");
  NUM("location.lon", "-0.08");
  STR("location.ele", "23.0");
  COUNT("datastreams", 2);
  STR("datastreams[0].current_value", "21.5");
  STR("datastreams[0].unit.type", "derivedSI");
  STR("datastreams[1].id", "temp");
  COUNT("datastreams[1]", 1);
  ABSENT("datastreams[1].current_value");
  ABSENT("datastreams[2]");
}
END_TEST

START_TEST(feed_read_pretty_printed_XB_JSON_19)
{
  /* the facts file's layout: whitespace, line breaks, spaces after ':' and ',' */
  load("{\n  \"id\": 504, \"title\": \"Office\", \"private\": \"false\",\n"
       "  \"tags\": [\"office\"],\n"
       "  \"location\": {\"disposition\": \"fixed\", \"domain\": \"physical\", \"exposure\": \"indoor\",\n"
       "               \"name\": \"desk\", \"lat\": 51.5, \"lon\": -0.08, \"ele\": \"23.0\"},\n"
       "  \"datastreams\": [\n"
       "    {\"id\": \"0\", \"current_value\": \"21.5\", \"at\": \"2013-04-23T12:34:56.100000Z\",\n"
       "     \"max_value\": \"30.0\", \"min_value\": \"12.0\", \"tags\": [\"temperature\"],\n"
       "     \"unit\": {\"label\": \"Celsius\", \"symbol\": \"C\", \"type\": \"derivedSI\"}},\n"
       "    {\"id\": \"temp\"}\n"
       "  ]\n"
       "}\n");
  NUM("id", "504");
  STR("location.domain", "physical");
  STR("datastreams[0].unit.symbol", "C");
  STR("datastreams[1].id", "temp");
}
END_TEST

START_TEST(datastream_and_datapoints_shapes_XB_JSON_12)
{
  load("{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\","
       "\"max_value\":\"30.0\",\"min_value\":\"12.0\",\"version\":\"1.0.0\",\"datapoints\":"
       "[{\"value\":\"21.4\",\"at\":\"2013-04-23T12:30:00.000000Z\"},{\"value\":\"21.5\","
       "\"at\":\"2013-04-23T12:34:56.100000Z\"}]}");
  COUNT("datapoints", 2);
  STR("datapoints[1].value", "21.5");
  STR("datapoints[0].at", "2013-04-23T12:30:00.000000Z");
  load("{\"value\":\"297\",\"at\":\"2010-07-28T07:48:22.014326Z\"}");
  STR("value", "297");
  load("{\"datapoints\":[]}");
  COUNT("datapoints", 0);
  load("{\"datapoints\":[{\"at\":\"2013-04-23T12:00:00Z\",\"value\":\"21\"},"
       "{\"at\":\"2013-04-23T12:05:00+01:00\",\"value\":41}]}");
  NUM("datapoints[1].value", "41");
  load("{\"value\":\"22\"}");
  STR("value", "22");
}
END_TEST

START_TEST(write_payload_shapes_XB_JSON_32)
{
  load("{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"0\",\"current_value\":22},"
       "{\"id\":\"humidity\",\"datapoints\":[{\"at\":\"2013-04-23T12:00:00Z\",\"value\":\"40\"},"
       "{\"at\":\"2013-04-23T12:05:00+01:00\",\"value\":41}]}]}");
  NUM("datastreams[0].current_value", "22");
  COUNT("datastreams[1].datapoints", 2);
  load("{\"title\":\"Office\",\"private\":true,\"tags\":[\"office\",\"\\\"first\\\" floor\"],"
       "\"location\":{\"lat\":\"51.5\",\"lon\":-0.08,\"exposure\":\"indoor\"}}");
  TYPE("private", XB_JSON_TRUE);
  STR("tags[1]", "\"first\" floor");
  STR("location.lat", "51.5");
  load("{\"current_value\":\"294\",\"max_value\":\"697.0\",\"min_value\":\"0.0\",\"id\":\"1\"}");
  STR("current_value", "294");
  load("{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"processing\",\"current_value\":17}]}");
  NUM("datastreams[0].current_value", "17");
  load("{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"energy\",\"current_value\":\"42\"}]}");
  STR("datastreams[0].id", "energy");
  load("{\"location\":null}");
  TYPE("location", XB_JSON_NULL);
}
END_TEST

START_TEST(keys_shapes_XB_JSON_15)
{
  load("{\"key\":{\"label\":\"device 504 writer\",\"private_access\":true,\"permissions\":["
       "{\"access_methods\":[\"put\",\"post\"],\"source_ip\":\"192.0.2.10\",\"resources\":"
       "[{\"feed_id\":504,\"datastream_id\":\"0\"}]},{\"access_methods\":[\"get\"],"
       "\"referer\":\"example.org\"}]}}");
  TYPE("key.private_access", XB_JSON_TRUE);
  COUNT("key.permissions", 2);
  STR("key.permissions[0].access_methods[1]", "post");
  NUM("key.permissions[0].resources[0].feed_id", "504");
  STR("key.permissions[1].referer", "example.org");
  load("{\"keys\":[{\"api_key\":\"3f7c0e5a9b1d2c4e6f8a0b1c2d3e4f5a6b7c8d9e\",\"label\":"
       "\"device 504 writer\",\"private_access\":false,\"permissions\":[{\"access_methods\":"
       "[\"get\",\"put\"],\"resources\":[{\"feed_id\":504}]}]},{\"api_key\":"
       "\"9d2e61b0c4a7f3e85d1c0b9a8f7e6d5c4b3a2910\",\"label\":\"master\",\"private_access\":"
       "true,\"permissions\":[{\"access_methods\":[\"get\",\"put\",\"post\",\"delete\"]}]}]}");
  COUNT("keys", 2);
  TYPE("keys[0].private_access", XB_JSON_FALSE);
  COUNT("keys[1].permissions[0].access_methods", 4);
  load("{\"key\":{\"label\":\"device 504 writer\",\"private_access\":\"true\",\"permissions\":"
       "[{\"access_methods\":[\"PUT\",\"post\"],\"source_ip\":\"192.0.2.10\",\"resources\":"
       "[{\"feed_id\":\"504\",\"datastream_id\":0}]}]}}");
  NUM("key.permissions[0].resources[0].datastream_id", "0");
}
END_TEST

START_TEST(triggers_users_search_errors_shapes_XB_JSON_16)
{
  load("[{\"id\":7,\"url\":\"https://example.org/hook\",\"trigger_type\":\"gt\","
       "\"threshold_value\":\"30\",\"environment_id\":504,\"stream_id\":\"0\",\"user\":"
       "\"someone\"},{\"id\":9,\"url\":\"http://example.org/frozen\",\"trigger_type\":"
       "\"frozen\",\"environment_id\":504,\"stream_id\":\"temp\",\"user\":\"someone\"}]");
  COUNT("", 2);
  STR("[1].trigger_type", "frozen");
  ABSENT("[1].threshold_value");
  load("[]");
  load("{\"url\":\"https://example.org/hook\",\"trigger_type\":\"gt\",\"threshold_value\":30,"
       "\"environment_id\":504,\"stream_id\":\"0\"}");
  NUM("threshold_value", "30");
  load("{\"user\":{\"login\":\"someone\",\"full_name\":\"Some One\",\"email\":"
       "\"someone@example.org\",\"timezone\":\"Europe/London\",\"api_key\":"
       "\"9d2e61b0c4a7f3e85d1c0b9a8f7e6d5c4b3a2910\"}}");
  STR("user.timezone", "Europe/London");
  load("{\"users\":[{\"login\":\"admin\",\"roles\":[\"admin\"]},{\"login\":\"someone\"}]}");
  STR("users[0].roles[0]", "admin");
  load("{\"totalResults\":1,\"startIndex\":0,\"itemsPerPage\":50,\"results\":[{\"id\":504,"
       "\"title\":\"Office\",\"datastreams\":[{\"id\":\"0\",\"current_value\":\"21.5\"}]}]}");
  NUM("itemsPerPage", "50");
  STR("results[0].datastreams[0].current_value", "21.5");
  load("{\"title\":\"JSON Parser Error\",\"errors\":\"line 1, column 14: expected ',' or '}' "
       "after object member\"}");
  STR("title", "JSON Parser Error");
  load("{\"title\":\"Not found\",\"errors\":\"No route matches [POST] \\\"/api/v2/feeds/"
       "121601.csv\\\"\"}");
  STR("errors", "No route matches [POST] \"/api/v2/feeds/121601.csv\"");
}
END_TEST

Suite *xb_suite_json_nav(void)
{
  Suite *s = suite_create("json_nav");
  TCase *c = tcase_create("tokens");
  tcase_add_test(c, token_layout_XB_JSON_19);
  tcase_add_test(c, numbers_kept_as_source_text_XB_JSON_26);
  tcase_add_test(c, skip_walks_siblings_XB_JSON_27);
  tcase_add_test(c, object_get_by_unescaped_name_XB_JSON_24);
  tcase_add_test(c, array_get_by_index_XB_JSON_19);
  tcase_add_test(c, string_decode_and_capacity_XB_JSON_22);
  tcase_add_test(c, string_equality_XB_JSON_22);
  tcase_add_test(c, helpers_survive_corrupted_tokens_XB_JSON_27);
  suite_add_tcase(s, c);
  c = tcase_create("shapes");
  tcase_add_test(c, feed_read_shape_XB_JSON_8);
  tcase_add_test(c, feed_read_pretty_printed_XB_JSON_19);
  tcase_add_test(c, datastream_and_datapoints_shapes_XB_JSON_12);
  tcase_add_test(c, write_payload_shapes_XB_JSON_32);
  tcase_add_test(c, keys_shapes_XB_JSON_15);
  tcase_add_test(c, triggers_users_search_errors_shapes_XB_JSON_16);
  suite_add_tcase(s, c);
  return s;
}
