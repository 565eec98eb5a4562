/*
 * Every JSON shape of spec/json.md and of the facts file (../shared/reference/
 * xively-api-facts.md §2, §7) through the strict parser, and the compact canonical
 * form of a parsed document (formats/xb_json_canon.h).
 *
 * The spec's examples are read from spec/json.md itself (every ```json block), so a new
 * example there is tested without an edit here; the facts file's shapes are copied
 * below as the facts file writes them (pretty-printed, spaces after ':' and ',').
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_json.h"
#include "formats/xb_json_canon.h"

#define CAP 4096
static xb_json_token g_t[CAP];
static xb_json_result g_res;

static xb_json_status parse_n(const char *s, size_t n) {
  return xb_json_parse((const uint8_t *)s, n, g_t, CAP, NULL, &g_res);
}

/* Canonical form of s (which must parse) into a fresh malloc'd string. */
static char *canon(const char *s, size_t n) {
  ck_assert_msg(parse_n(s, n) == XB_JSON_OK, "refused (%s at %zu): %.80s",
                xb_json_status_str(g_res.status), g_res.err_off, s);
  xb_buf b;
  xb_buf_init(&b, 0);
  ck_assert(xb_json_canon((const uint8_t *)s, n, g_t, g_res.ntokens, 0, &b));
  char *r = malloc(b.len + 1);
  ck_assert_ptr_nonnull(r);
  if (b.len > 0) memcpy(r, b.data, b.len);
  r[b.len] = 0;
  xb_buf_free(&b);
  return r;
}

/* ------------------------------------------------------------ spec/json.md examples */

/* The ```json blocks of spec/json.md, each one line (the spec writes them compact). */
static size_t spec_blocks(char ***out) {
  FILE *f = fopen("spec/json.md", "r");
  ck_assert_msg(f != NULL, "spec/json.md not found (run from the repository root)");
  char line[8192];
  char **v = NULL;
  size_t n = 0;
  int inside = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    size_t l = strlen(line);
    ck_assert_msg(l > 0 && line[l - 1] == '\n', "spec/json.md: line too long");
    line[--l] = 0;
    if (!inside && strcmp(line, "```json") == 0) {
      inside = 1;
    } else if (inside && strcmp(line, "```") == 0) {
      inside = 0;
    } else if (inside) {
      v = realloc(v, (n + 1) * sizeof *v);
      ck_assert_ptr_nonnull(v);
      v[n] = strdup(line);
      ck_assert_ptr_nonnull(v[n]);
      n++;
    }
  }
  fclose(f);
  *out = v;
  return n;
}

START_TEST(spec_examples_parse_and_are_canonical_XB_JSON_1_XB_JSON_4_XB_JSON_26)
{
  /* Every output example (§2) and accepted payload (§4) is one compact JSON text: it
   * parses, and writing the tree back compactly gives the same bytes (XB-JSON-1 no
   * whitespace, XB-JSON-4 escapes, XB-JSON-26 number text kept, XB-JSON-6 51.50). */
  char **v;
  size_t n = spec_blocks(&v);
  ck_assert_uint_ge(n, 20);
  for (size_t i = 0; i < n; i++) {
    char *c = canon(v[i], strlen(v[i]));
    ck_assert_msg(strcmp(c, v[i]) == 0, "block %zu:\n got  %s\n want %s", i, c, v[i]);
    free(c);
    free(v[i]);
  }
  free(v);
}
END_TEST

START_TEST(spec_422_examples_are_well_formed_XB_JSON_28)
{
  /* Wrong shape, right syntax: the parser accepts them, the engine answers 422. */
  static const char *ok[] = {
    "[]", "{\"datastreams\":[{\"current_value\":\"1\"}]}", "{\"title\":\"\"}",
    "{\"current_value\":true}", "{\"datapoints\":[{\"value\":\"1\"}]}",
    "{\"version\":\"0.6-alpha\"}", "{\"trigger\":{\"url\":\"x\"}}", "{\"location\":null}",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    ck_assert_msg(parse_n(ok[i], strlen(ok[i])) == XB_JSON_OK, "%s", ok[i]);
  /* and the 400 examples of the same paragraph are not */
  static const char *bad[] = {"{\"current_value\":\"1\",}", "{\"a\":1,\"a\":2}",
                              "{'id':'0'}", "{\"current_value\":NaN}", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(parse_n(bad[i], strlen(bad[i])) != XB_JSON_OK, "%s", bad[i]);
}
END_TEST

/* ------------------------------------------------------------ facts-file shapes */

static const char *const facts[] = {
  /* §2.1 feed read (reconstructed), pretty-printed as in the facts file */
  "{\n  \"id\": 504, \"title\": \"Office\", \"private\": \"false\",\n"
  "  \"feed\": \"https://api.xively.com/v2/feeds/504.json\",\n  \"status\": \"live\",\n"
  "  \"updated\": \"2013-04-23T12:34:56.123456Z\",\n"
  "  \"created\": \"2012-01-01T00:00:00.000000Z\",\n"
  "  \"creator\": \"https://xively.com/users/someone\",\n  \"version\": \"1.0.0\",\n"
  "  \"tags\": [\"office\"],\n"
  "  \"location\": {\"disposition\": \"fixed\", \"domain\": \"physical\", \"exposure\": "
  "\"indoor\",\n               \"name\": \"desk\", \"lat\": 51.5, \"lon\": -0.08, \"ele\": "
  "\"23.0\"},\n  \"datastreams\": [\n    {\"id\": \"0\", \"current_value\": \"21.5\", "
  "\"at\": \"2013-04-23T12:34:56.100000Z\",\n     \"max_value\": \"30.0\", \"min_value\": "
  "\"12.0\", \"tags\": [\"temperature\"],\n     \"unit\": {\"label\": \"Celsius\", "
  "\"symbol\": \"C\", \"type\": \"derivedSI\"}},\n    {\"id\": \"temp\"}\n  ]\n}\n",
  /* §2.2 datastream read with history */
  "{\"id\": \"0\", \"current_value\": \"21.5\", \"at\": \"2013-04-23T12:34:56.100000Z\",\n"
  " \"max_value\": \"30.0\", \"min_value\": \"12.0\", \"version\": \"1.0.0\",\n"
  " \"datapoints\": [{\"value\": \"21.4\", \"at\": \"2013-04-23T12:30:00.000000Z\"},\n"
  "                {\"value\": \"21.5\", \"at\": \"2013-04-23T12:34:56.100000Z\"}]}",
  /* §2.3 datapoint read, create, update */
  "{\"value\":\"297\",\"at\":\"2010-07-28T07:48:22.014326Z\"}",
  "{\"datapoints\":[{\"at\":\"2013-04-23T12:00:00Z\",\"value\":\"21\"},"
  "{\"at\":\"2013-04-23T12:05:00Z\",\"value\":\"22\"}]}",
  "{\"value\":\"22\"}",
  /* §2.4 write payloads */
  "{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"0\",\"current_value\":\"22\"},"
  "{\"id\":\"1\",\"current_value\":25.0}]}",
  "{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"energy\",\"current_value\":\"42\"}]}",
  "{\"current_value\":\"294\",\"max_value\":\"697.0\",\"min_value\":\"0.0\",\"id\":\"1\"}",
  "{\"version\": \"1.0.0\",\n \"datastreams\": [\n   {\"id\": \"0\", \"current_value\": "
  "\"22\",\n    \"datapoints\": [{\"at\": \"2013-04-23T12:00:00Z\", \"value\": \"21\"},\n"
  "                   {\"at\": \"2013-04-23T12:05:00Z\", \"value\": \"22\"}]}]}",
  /* §2.5 feed list */
  "{\"totalResults\":2,\"startIndex\":0,\"itemsPerPage\":50,\"results\":[{\"id\":504},"
  "{\"id\":505}]}",
  /* §2.6 key create (reconstructed) and list */
  "{\"key\": {\"label\": \"device 504 writer\", \"private_access\": true,\n"
  "         \"permissions\": [\n"
  "           {\"access_methods\": [\"put\", \"post\"], \"source_ip\": \"192.0.2.10\",\n"
  "            \"resources\": [{\"feed_id\": 504, \"datastream_id\": \"0\"}]},\n"
  "           {\"access_methods\": [\"get\"], \"referer\": \"example.org\"}]}}",
  "{\"keys\":[{\"api_key\":\"abc\",\"label\":\"l\",\"permissions\":[{\"access_methods\":"
  "[\"get\"],\"minimum_interval\":60,\"label\":\"p\",\"resources\":[{\"feed_id\":504,"
  "\"datastream_trigger_id\":3}]}]}]}",
  /* §2.7 trigger list (bare array) and the notification body consumers observed */
  "[{\"id\":7,\"url\":\"https://example.org/hook\",\"trigger_type\":\"lte\","
  "\"threshold_value\":\"15.0\",\"environment_id\":504,\"stream_id\":\"0\",\"user\":"
  "\"someone\",\"notified_at\":\"2013-04-23T12:00:00.000000Z\"}]",
  "{\"id\":7,\"url\":\"https://example.org/hook\",\"type\":\"gt\",\"threshold_value\":\"30\","
  "\"timestamp\":\"2013-04-23T12:34:56Z\",\"environment\":{\"id\":504,\"title\":\"Office\","
  "\"description\":\"\",\"feed\":\"https://api.xively.com/v2/feeds/504\",\"location\":"
  "{\"lat\":51.5,\"lng\":-0.08,\"name\":\"desk\"}},\"triggering_datastream\":{\"id\":\"0\","
  "\"url\":\"https://api.xively.com/v2/feeds/504/datastreams/0\",\"at\":"
  "\"2013-04-23T12:34:56.100000Z\",\"value\":{\"value\":\"31\",\"max_value\":\"31.0\","
  "\"min_value\":\"12.0\"}},\"debug\":false}",
  /* §2.8 user */
  "{\"user\":{\"login\":\"someone\",\"full_name\":\"Some One\",\"roles\":[\"admin\"],"
  "\"deliver_email\":true,\"datastreams_count\":3,\"timezone\":\"Europe/London\"}}",
  /* §2.9 v1 JSON (0.6-alpha): well-formed, so a v2 write of it is 422, not 400 */
  "{\"version\":\"0.6-alpha\",\"id\":504,\"title\":\"Office\",\"status\":\"live\","
  "\"datastreams\":[{\"id\":\"0\",\"values\":[{\"value\":\"21.5\",\"min_value\":\"12.0\","
  "\"max_value\":\"30.0\",\"recorded_at\":\"2013-04-23T12:34:56Z\"}]}]}",
  /* §7 error bodies */
  "{\"title\":\"Not found\",\"errors\":\"No route matches [POST] \\\"/api/v2/feeds/"
  "121601.csv\\\"\"}",
  "{\"title\": \"JSON Parser Error\", \"errors\": \"parse error: premature EOF\"}",
  "{\"title\":\"Forbidden\",\"errors\":\"You do not have the necessary permissions to "
  "access this resource\"}",
  /* mobile feed (S22 MOBILE_FEED_JSON shape) */
  "{\"id\":505,\"location\":{\"disposition\":\"mobile\",\"domain\":\"physical\","
  "\"lat\":51.52,\"lon\":-0.1,\"waypoints\":[{\"at\":\"2013-04-23T08:00:00.000000Z\","
  "\"lat\":51.5,\"lon\":-0.12,\"ele\":\"10\"}]}}",
};

START_TEST(facts_shapes_parse_XB_JSON_19_XB_JSON_29)
{
  for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
    size_t n = strlen(facts[i]);
    ck_assert_msg(parse_n(facts[i], n) == XB_JSON_OK, "facts shape %zu refused (%s at %zu)",
                  i, xb_json_status_str(g_res.status), g_res.err_off);
    ck_assert_uint_eq(g_t[0].next, g_res.ntokens);
    /* canonical form: no byte of whitespace left outside strings, same tree again */
    char *c = canon(facts[i], n);
    size_t nt = g_res.ntokens;
    ck_assert_int_eq(parse_n(c, strlen(c)), XB_JSON_OK);
    ck_assert_uint_eq(g_res.ntokens, nt);
    char *c2 = canon(c, strlen(c));
    ck_assert_str_eq(c, c2);
    free(c);
    free(c2);
  }
}
END_TEST

START_TEST(facts_feed_read_compacts_to_spec_form_XB_JSON_1)
{
  /* The facts file's pretty feed read and the spec's compact one are the same text
   * apart from whitespace (and the spec example's description member). */
  char *c = canon(facts[0], strlen(facts[0]));
  ck_assert_str_eq(c,
    "{\"id\":504,\"title\":\"Office\",\"private\":\"false\",\"feed\":\"https://api.xively.com/"
    "v2/feeds/504.json\",\"status\":\"live\",\"updated\":\"2013-04-23T12:34:56.123456Z\","
    "\"created\":\"2012-01-01T00:00:00.000000Z\",\"creator\":\"https://xively.com/users/"
    "someone\",\"version\":\"1.0.0\",\"tags\":[\"office\"],\"location\":{\"disposition\":"
    "\"fixed\",\"domain\":\"physical\",\"exposure\":\"indoor\",\"name\":\"desk\",\"lat\":51.5,"
    "\"lon\":-0.08,\"ele\":\"23.0\"},\"datastreams\":[{\"id\":\"0\",\"current_value\":"
    "\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\",\"max_value\":\"30.0\",\"min_value\":"
    "\"12.0\",\"tags\":[\"temperature\"],\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\","
    "\"type\":\"derivedSI\"}},{\"id\":\"temp\"}]}");
  free(c);
}
END_TEST

START_TEST(canonical_escapes_XB_JSON_4)
{
  /* escapes are normalised: \/ and \u0041 become raw, controls get their short form or
   * \u00xx in lower case, non-ASCII and U+2028 stay raw UTF-8 */
  static const char esc[] =
    "[\"\\/\\u0041\\u00E9\\u001F\\u0008\\\"\\\\\\ud83d\\ude00\\u2028\x7f\"]";
  char *c = canon(esc, strlen(esc));
  ck_assert_str_eq(c, "[\"/A\xC3\xA9\\u001f\\b\\\"\\\\\xF0\x9F\x98\x80\xE2\x80\xA8\x7f\"]");
  free(c);
  static const char spaced[] =
    " { \"a\" : [ 1 , { } , [ ] , null , true , false , -0.0e+1 ] } ";
  c = canon(spaced, strlen(spaced));
  ck_assert_str_eq(c, "{\"a\":[1,{},[],null,true,false,-0.0e+1]}");
  free(c);
  c = canon("{\"\\u0000\":\"\\u0000\"}", strlen("{\"\\u0000\":\"\\u0000\"}"));
  ck_assert_str_eq(c, "{\"\\u0000\":\"\\u0000\"}");
  free(c);
}
END_TEST

START_TEST(canonical_subtree_and_bad_tokens_XB_JSON_27)
{
  const char *s = "{\"a\":[1,{\"b\":\"c\"}],\"d\":2}";
  size_t n = strlen(s);
  ck_assert_int_eq(parse_n(s, n), XB_JSON_OK);
  size_t nt = g_res.ntokens;
  xb_buf b;
  xb_buf_init(&b, 0);
  ck_assert(xb_json_canon((const uint8_t *)s, n, g_t, nt, 2, &b)); /* the array */
  ck_assert_uint_eq(b.len, 13);
  ck_assert_mem_eq(b.data, "[1,{\"b\":\"c\"}]", 13);
  xb_buf_reset(&b);
  ck_assert(!xb_json_canon((const uint8_t *)s, n, g_t, nt, nt, &b));
  ck_assert(!xb_json_canon(NULL, n, g_t, nt, 0, &b));
  g_t[3].parent = 7; /* a parent after its child */
  xb_buf_reset(&b);
  ck_assert(!xb_json_canon((const uint8_t *)s, n, g_t, nt, 0, &b));
  ck_assert_int_eq(parse_n(s, n), XB_JSON_OK);
  g_t[0].next = 0;
  ck_assert(!xb_json_canon((const uint8_t *)s, n, g_t, nt, 0, &b));
  /* a buffer limit is reported */
  ck_assert_int_eq(parse_n(s, n), XB_JSON_OK);
  xb_buf small;
  xb_buf_init(&small, 4);
  ck_assert(!xb_json_canon((const uint8_t *)s, n, g_t, nt, 0, &small));
  xb_buf_free(&small);
  xb_buf_free(&b);
}
END_TEST

Suite *xb_suite_json_shapes(void)
{
  Suite *s = suite_create("json_shapes");
  TCase *c = tcase_create("shapes");
  tcase_add_test(c, spec_examples_parse_and_are_canonical_XB_JSON_1_XB_JSON_4_XB_JSON_26);
  tcase_add_test(c, spec_422_examples_are_well_formed_XB_JSON_28);
  tcase_add_test(c, facts_shapes_parse_XB_JSON_19_XB_JSON_29);
  tcase_add_test(c, facts_feed_read_compacts_to_spec_form_XB_JSON_1);
  tcase_add_test(c, canonical_escapes_XB_JSON_4);
  tcase_add_test(c, canonical_subtree_and_bad_tokens_XB_JSON_27);
  suite_add_tcase(s, c);
  return s;
}
