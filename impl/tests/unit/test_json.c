/*
 * The strict JSON parser (xb_json_parse) against spec/json.md §3 and RFC 8259: what it
 * must accept, what it must refuse, with which status and at which offset. Expected
 * verdicts come from the RFC and the spec; the UTF-8 verdicts are checked against an
 * oracle written here from the RFC 3629 table, never from the implementation.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_json.h"

#define CAP 4096
static xb_json_token g_t[CAP];
static xb_json_result g_res;

/* Parse with the defaults and check the invariants every result must satisfy. */
static xb_json_status parse_lim(const void *s, size_t len, size_t cap,
                                const xb_json_limits *lim) {
  memset(&g_res, 0xEE, sizeof g_res);
  xb_json_status st = xb_json_parse((const uint8_t *)s, len, g_t, cap, lim, &g_res);
  ck_assert_int_eq(st, g_res.status);
  ck_assert_uint_le(g_res.ntokens, cap);
  if (st != XB_JSON_OK) ck_assert_uint_le(g_res.err_off, len);
  for (size_t i = 0; i < g_res.ntokens; i++) {
    ck_assert_uint_le(g_t[i].off + g_t[i].len, len);
    ck_assert(i == 0 ? g_t[i].parent == XB_JSON_NONE : g_t[i].parent < i);
    ck_assert_uint_gt(g_t[i].next, i);
    ck_assert_uint_le(g_t[i].next, g_res.ntokens);
  }
  return st;
}

static xb_json_status parse_n(const void *s, size_t len) {
  return parse_lim(s, len, CAP, NULL);
}

static xb_json_status parse(const char *s) { return parse_n(s, strlen(s)); }

#define ACCEPT(s) ck_assert_msg(parse(s) == XB_JSON_OK, "refused (%s at %zu): %s", \
                                xb_json_status_str(g_res.status), g_res.err_off, s)
#define REFUSE_AT(s, want, at) do { \
    xb_json_status got_ = parse(s); \
    ck_assert_msg(got_ == (want), "%s: got %s, want %s", s, xb_json_status_str(got_), \
                  xb_json_status_str(want)); \
    ck_assert_msg(g_res.err_off == (size_t)(at), "%s: error at %zu, want %zu", s, \
                  g_res.err_off, (size_t)(at)); \
  } while (0)
#define REFUSE(s, want) do { \
    xb_json_status got_ = parse(s); \
    ck_assert_msg(got_ == (want), "%s: got %s, want %s", s, xb_json_status_str(got_), \
                  xb_json_status_str(want)); \
  } while (0)

/* A document of d nested containers: "[[[...]]]" or {"a":{"a":...{}}}. */
static char *nested(unsigned d, int objects) {
  char *s = malloc((size_t)d * 6u + 8u);
  ck_assert_ptr_nonnull(s);
  size_t k = 0;
  for (unsigned i = 0; i < d; i++) {
    if (objects && i + 1 < d) { memcpy(s + k, "{\"a\":", 5); k += 5; }
    else s[k++] = objects ? '{' : '[';
  }
  for (unsigned i = 0; i < d; i++) s[k++] = objects ? '}' : ']';
  s[k] = 0;
  return s;
}

/* ------------------------------------------------------------ XB-JSON-19: one value */

START_TEST(one_value_with_whitespace_XB_JSON_19)
{
  ACCEPT("0");
  ACCEPT("\"x\"");
  ACCEPT(" \t\r\n{} \t\r\n");
  ACCEPT("[ 1 , 2 ]");
  ACCEPT("{ \"a\" : 1 , \"b\" : [ ] }");
  ck_assert_uint_eq(g_res.ntokens, 5);
  ACCEPT("null");
  ACCEPT("\n\n[\n]\n");
}
END_TEST

START_TEST(empty_and_blank_refused_XB_JSON_19)
{
  REFUSE_AT("", XB_JSON_SYNTAX, 0);
  REFUSE_AT("   ", XB_JSON_SYNTAX, 3);
  REFUSE_AT("\r\n\t ", XB_JSON_SYNTAX, 4);
  ck_assert_int_eq(xb_json_parse(NULL, 0, g_t, CAP, NULL, &g_res), XB_JSON_SYNTAX);
  ck_assert_uint_eq(g_res.err_off, 0);
}
END_TEST

START_TEST(trailing_data_refused_XB_JSON_19)
{
  REFUSE_AT("{} x", XB_JSON_SYNTAX, 3);
  REFUSE_AT("1 2", XB_JSON_SYNTAX, 2);
  REFUSE_AT("{}}", XB_JSON_SYNTAX, 2);
  REFUSE_AT("[]]", XB_JSON_SYNTAX, 2);
  REFUSE_AT("{}{}", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"a\"\"b\"", XB_JSON_SYNTAX, 3);
  REFUSE_AT("null,", XB_JSON_SYNTAX, 4);
  ck_assert_int_eq(parse_n("[1]\x00", 4), XB_JSON_SYNTAX);
  ck_assert_uint_eq(g_res.err_off, 3);
}
END_TEST

START_TEST(other_whitespace_refused_XB_JSON_19)
{
  REFUSE_AT("\f1", XB_JSON_SYNTAX, 0);
  REFUSE_AT("\v1", XB_JSON_SYNTAX, 0);
  REFUSE_AT("[1,\xC2\xA0" "2]", XB_JSON_SYNTAX, 3); /* U+00A0 */
  REFUSE_AT("\xE2\x80\xA8[]", XB_JSON_SYNTAX, 0);  /* U+2028 */
}
END_TEST

/* ------------------------------------------------------------ XB-JSON-20: strictness */

START_TEST(numbers_accepted_XB_JSON_20)
{
  static const char *ok[] = {"0", "-0", "1", "-1", "1e5", "1E5", "1E+5", "1e-5", "0.5",
                             "-0.5", "10.25e+10", "0e0", "0.0", "25.0", "1E3",
                             "123456789012345678901234567890", "-9.87654321E-300"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    ACCEPT(ok[i]);
    ck_assert_uint_eq(g_res.ntokens, 1);
    ck_assert_uint_eq(g_t[0].type, XB_JSON_NUMBER);
    ck_assert_uint_eq(g_t[0].off, 0);
    ck_assert_uint_eq(g_t[0].len, strlen(ok[i]));
  }
}
END_TEST

START_TEST(numbers_refused_XB_JSON_20)
{
  REFUSE_AT("01", XB_JSON_SYNTAX, 1);
  REFUSE_AT("-01", XB_JSON_SYNTAX, 2);
  REFUSE_AT("00", XB_JSON_SYNTAX, 1);
  REFUSE_AT("1.", XB_JSON_SYNTAX, 2);
  REFUSE_AT("[1.]", XB_JSON_SYNTAX, 3);
  REFUSE_AT(".5", XB_JSON_SYNTAX, 0);
  REFUSE_AT("+1", XB_JSON_SYNTAX, 0);
  REFUSE_AT("-", XB_JSON_SYNTAX, 1);
  REFUSE_AT("- 1", XB_JSON_SYNTAX, 1);
  REFUSE_AT("-a", XB_JSON_SYNTAX, 1);
  REFUSE_AT("1e", XB_JSON_SYNTAX, 2);
  REFUSE_AT("1e+", XB_JSON_SYNTAX, 3);
  REFUSE_AT("1E-x", XB_JSON_SYNTAX, 3);
  REFUSE_AT("1.e5", XB_JSON_SYNTAX, 2);
  REFUSE_AT("0x10", XB_JSON_SYNTAX, 1);
  REFUSE_AT("NaN", XB_JSON_SYNTAX, 0);
  REFUSE_AT("Infinity", XB_JSON_SYNTAX, 0);
  REFUSE_AT("-Infinity", XB_JSON_SYNTAX, 1);
  REFUSE_AT("{\"current_value\":NaN}", XB_JSON_SYNTAX, 17);
  REFUSE_AT("1,5", XB_JSON_SYNTAX, 1);
  REFUSE_AT("1 000", XB_JSON_SYNTAX, 2);
}
END_TEST

START_TEST(literals_XB_JSON_20)
{
  ACCEPT("true");
  ck_assert_uint_eq(g_t[0].type, XB_JSON_TRUE);
  ACCEPT("false");
  ck_assert_uint_eq(g_t[0].type, XB_JSON_FALSE);
  ACCEPT("null");
  ck_assert_uint_eq(g_t[0].type, XB_JSON_NULL);
  ck_assert_uint_eq(g_t[0].len, 4);
  REFUSE_AT("True", XB_JSON_SYNTAX, 0);
  REFUSE_AT("NULL", XB_JSON_SYNTAX, 0);
  REFUSE_AT("nul", XB_JSON_SYNTAX, 3);
  REFUSE_AT("tru", XB_JSON_SYNTAX, 3);
  REFUSE_AT("fals", XB_JSON_SYNTAX, 4);
  REFUSE_AT("trUe", XB_JSON_SYNTAX, 2);
  REFUSE_AT("truex", XB_JSON_SYNTAX, 4);
  REFUSE_AT("[nulll]", XB_JSON_SYNTAX, 5);
  REFUSE_AT("undefined", XB_JSON_SYNTAX, 0);
}
END_TEST

START_TEST(punctuation_refused_XB_JSON_20)
{
  REFUSE_AT("[1,]", XB_JSON_SYNTAX, 3);
  REFUSE_AT("{\"current_value\":\"1\",}", XB_JSON_SYNTAX, 21);
  REFUSE_AT("[,1]", XB_JSON_SYNTAX, 1);
  REFUSE_AT("[1,,2]", XB_JSON_SYNTAX, 3);
  REFUSE_AT("{,}", XB_JSON_SYNTAX, 1);
  REFUSE_AT("{'id':'0'}", XB_JSON_SYNTAX, 1);
  REFUSE_AT("['a']", XB_JSON_SYNTAX, 1);
  REFUSE_AT("{id:1}", XB_JSON_SYNTAX, 1);
  REFUSE_AT("{1:2}", XB_JSON_SYNTAX, 1);
  REFUSE_AT("{null:1}", XB_JSON_SYNTAX, 1);
  REFUSE_AT("{\"a\" 1}", XB_JSON_SYNTAX, 5);
  REFUSE_AT("{\"a\"=1}", XB_JSON_SYNTAX, 4);
  REFUSE_AT("{\"a\":}", XB_JSON_SYNTAX, 5);
  REFUSE_AT("{\"a\"}", XB_JSON_SYNTAX, 4);
  REFUSE_AT("[1 2]", XB_JSON_SYNTAX, 3);
  REFUSE_AT("{\"a\":1 \"b\":2}", XB_JSON_SYNTAX, 7);
  REFUSE_AT("[}", XB_JSON_SYNTAX, 1);
  REFUSE_AT("{]", XB_JSON_SYNTAX, 1);
  REFUSE_AT("[1}", XB_JSON_SYNTAX, 2);
  REFUSE_AT("{\"a\":1]", XB_JSON_SYNTAX, 6);
  REFUSE_AT("]", XB_JSON_SYNTAX, 0);
  REFUSE_AT(":", XB_JSON_SYNTAX, 0);
  REFUSE_AT("[:]", XB_JSON_SYNTAX, 1);
}
END_TEST

START_TEST(comments_refused_XB_JSON_20)
{
  REFUSE_AT("// c\n1", XB_JSON_SYNTAX, 0);
  REFUSE_AT("/* c */ 1", XB_JSON_SYNTAX, 0);
  REFUSE_AT("[1 /* c */]", XB_JSON_SYNTAX, 3);
  REFUSE_AT("{\"a\":1 // c\n}", XB_JSON_SYNTAX, 7);
  REFUSE_AT("# c\n{}", XB_JSON_SYNTAX, 0);
}
END_TEST

START_TEST(bom_refused_XB_JSON_20)
{
  REFUSE_AT("\xEF\xBB\xBF{}", XB_JSON_SYNTAX, 0);
  REFUSE_AT("{}\xEF\xBB\xBF", XB_JSON_SYNTAX, 2);
}
END_TEST

/* ------------------------------------------------------------ XB-JSON-22: strings */

START_TEST(every_escape_accepted_XB_JSON_22)
{
  const char *s = "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"";
  ACCEPT(s);
  ck_assert_uint_eq(g_t[0].type, XB_JSON_STRING);
  ck_assert_uint_eq(g_t[0].flags & XB_JSON_F_ESCAPED, XB_JSON_F_ESCAPED);
  ck_assert_uint_eq(g_t[0].off, 1);
  ck_assert_uint_eq(g_t[0].len, strlen(s) - 2);
  uint8_t out[64];
  size_t w = 99;
  ck_assert(xb_json_string_decode((const uint8_t *)s, strlen(s), &g_t[0], out, sizeof out, &w));
  static const uint8_t want[] = {'"', '\\', '/', 8, 12, 10, 13, 9, 'A', 0xC3, 0xA9,
                                 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80};
  ck_assert_uint_eq(w, sizeof want);
  ck_assert_mem_eq(out, want, sizeof want);
  ACCEPT("\"\\u0000\""); /* valid syntax, decodes to U+0000 */
  ACCEPT("\"\\uFFFF\\uffff\\uDBFF\\uDFFF\\uD800\\uDC00\"");
  ACCEPT("\"plain\"");
  ck_assert_uint_eq(g_t[0].flags & XB_JSON_F_ESCAPED, 0);
  ACCEPT("\"\"");
  ck_assert_uint_eq(g_t[0].len, 0);
  ck_assert_uint_eq(g_t[0].off, 1);
}
END_TEST

START_TEST(bad_escapes_refused_XB_JSON_22)
{
  REFUSE_AT("\"\\x41\"", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"\\'\"", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"\\a\"", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"\\0\"", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"\\U0041\"", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"\\u12\"", XB_JSON_SYNTAX, 5);
  REFUSE_AT("\"\\u12G4\"", XB_JSON_SYNTAX, 5);
  REFUSE_AT("\"\\u-123\"", XB_JSON_SYNTAX, 3);
  REFUSE_AT("\"\\ u0041\"", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"abc\\", XB_JSON_SYNTAX, 5);
  REFUSE_AT("\"\\u00", XB_JSON_SYNTAX, 5);
}
END_TEST

START_TEST(lone_surrogates_refused_XB_JSON_22)
{
  /* reported at the backslash of the surrogate escape that has no partner */
  REFUSE_AT("\"\\ud800\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"ab\\uD83D\"", XB_JSON_SYNTAX, 3);
  REFUSE_AT("\"\\ud800x\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"\\ud800\\n\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"\\ud800\\u0041\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"\\ud800\\ud800\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"\\udc00\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"x\\uDFFF\\uD800\"", XB_JSON_SYNTAX, 2);
  REFUSE_AT("\"\\ude00\\ud83d\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"\\ud800\\udbff\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"\\ud800\\uzzzz\"", XB_JSON_SYNTAX, 9);
  REFUSE_AT("\"\\ud800\\", XB_JSON_SYNTAX, 8);
  ACCEPT("\"\\ud7ff\\ue000\"");
}
END_TEST

START_TEST(control_characters_refused_XB_JSON_22)
{
  char s[8];
  for (unsigned c = 0; c < 0x20; c++) {
    s[0] = '"'; s[1] = 'a'; s[2] = (char)c; s[3] = '"';
    ck_assert_int_eq(parse_n(s, 4), XB_JSON_SYNTAX);
    ck_assert_uint_eq(g_res.err_off, 2);
  }
  ACCEPT("\"\x7F\"");
  ACCEPT("\"\\u001f\\u0001\"");
  REFUSE_AT("{\"a\tb\":1}", XB_JSON_SYNTAX, 3);
  REFUSE_AT("\"line\nbreak\"", XB_JSON_SYNTAX, 5);
}
END_TEST

START_TEST(unterminated_strings_XB_JSON_22)
{
  REFUSE_AT("\"", XB_JSON_SYNTAX, 1);
  REFUSE_AT("\"abc", XB_JSON_SYNTAX, 4);
  REFUSE_AT("{\"a", XB_JSON_SYNTAX, 3);
  REFUSE_AT("[\"a\\\"]", XB_JSON_SYNTAX, 6);
}
END_TEST

/* ------------------------------------------------------------ XB-JSON-21: UTF-8 */

/* RFC 3629 section 4, written out independently: length of the well-formed character
 * at s[0 .. n-1], or 0. */
static size_t oracle_utf8(const uint8_t *s, size_t n) {
  if (n == 0) return 0;
  uint8_t a = s[0];
  if (a < 0x80) return 1;
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (a >= 0xC2 && a <= 0xDF) need = 2;
  else if (a == 0xE0) { need = 3; lo = 0xA0; }
  else if (a >= 0xE1 && a <= 0xEC) need = 3;
  else if (a == 0xED) { need = 3; hi = 0x9F; }
  else if (a == 0xEE || a == 0xEF) need = 3;
  else if (a == 0xF0) { need = 4; lo = 0x90; }
  else if (a >= 0xF1 && a <= 0xF3) need = 4;
  else if (a == 0xF4) { need = 4; hi = 0x8F; }
  else return 0;
  if (n < need || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < need; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return need;
}

/* The verdict on "<bytes>" must be OK exactly when the bytes are a sequence of
 * well-formed characters without control characters. */
static void check_string_bytes(const uint8_t *b, size_t n) {
  uint8_t s[16];
  s[0] = '"';
  memcpy(s + 1, b, n);
  s[n + 1] = '"';
  int valid = 1;
  size_t first_bad = 0;
  for (size_t i = 0; i < n && valid;) {
    if (b[i] == '"' || b[i] == '\\' || b[i] < 0x20) return; /* not a UTF-8 question */
    size_t k = oracle_utf8(b + i, n - i);
    if (k == 0) { valid = 0; first_bad = i; } else i += k;
  }
  xb_json_status st = parse_n(s, n + 2);
  if (valid) {
    ck_assert_msg(st == XB_JSON_OK, "refused valid %02x %02x %02x %02x (n=%zu)", b[0],
                  n > 1 ? b[1] : 0, n > 2 ? b[2] : 0, n > 3 ? b[3] : 0, n);
  } else {
    ck_assert_msg(st == XB_JSON_BAD_UTF8 || st == XB_JSON_SYNTAX,
                  "accepted invalid %02x %02x %02x %02x (n=%zu)", b[0], n > 1 ? b[1] : 0,
                  n > 2 ? b[2] : 0, n > 3 ? b[3] : 0, n);
    ck_assert_uint_ge(g_res.err_off, first_bad + 1);
    ck_assert_uint_le(g_res.err_off, n + 1);
  }
}

START_TEST(utf8_exhaustive_two_bytes_XB_JSON_21)
{
  uint8_t b[2];
  for (unsigned x = 0x20; x < 0x100; x++) {
    b[0] = (uint8_t)x;
    check_string_bytes(b, 1);
    for (unsigned y = 0x20; y < 0x100; y++) {
      b[1] = (uint8_t)y;
      check_string_bytes(b, 2);
    }
  }
}
END_TEST

START_TEST(utf8_exhaustive_three_byte_leads_XB_JSON_21)
{
  uint8_t b[3];
  for (unsigned x = 0xE0; x <= 0xEF; x++)
    for (unsigned y = 0x70; y < 0xD0; y++)
      for (unsigned z = 0x70; z < 0xD0; z++) {
        b[0] = (uint8_t)x; b[1] = (uint8_t)y; b[2] = (uint8_t)z;
        check_string_bytes(b, 3);
      }
}
END_TEST

START_TEST(utf8_four_byte_leads_XB_JSON_21)
{
  static const uint8_t probes[] = {0x00 + 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                   0xC0, 0xF5};
  uint8_t b[4];
  for (unsigned x = 0xF0; x <= 0xFF; x++)
    for (unsigned y = 0x20; y < 0x100; y++)
      for (size_t i = 0; i < sizeof probes; i++)
        for (size_t j = 0; j < sizeof probes; j++) {
          b[0] = (uint8_t)x; b[1] = (uint8_t)y; b[2] = probes[i]; b[3] = probes[j];
          check_string_bytes(b, 4);
        }
}
END_TEST

START_TEST(utf8_error_offsets_XB_JSON_21)
{
  /* the first byte that breaks the character */
  REFUSE_AT("\"\x80\"", XB_JSON_BAD_UTF8, 1);             /* lone continuation */
  REFUSE_AT("\"ab\xBF\"", XB_JSON_BAD_UTF8, 3);
  REFUSE_AT("\"\xC0\xAF\"", XB_JSON_BAD_UTF8, 1);         /* overlong '/' */
  REFUSE_AT("\"\xC1\xBF\"", XB_JSON_BAD_UTF8, 1);
  REFUSE_AT("\"\xE0\x80\xAF\"", XB_JSON_BAD_UTF8, 2);     /* overlong, 3 bytes */
  REFUSE_AT("\"\xF0\x80\x80\xAF\"", XB_JSON_BAD_UTF8, 2); /* overlong, 4 bytes */
  REFUSE_AT("\"\xED\xA0\x80\"", XB_JSON_BAD_UTF8, 2);     /* U+D800 encoded */
  REFUSE_AT("\"\xED\xBF\xBF\"", XB_JSON_BAD_UTF8, 2);     /* U+DFFF encoded */
  REFUSE_AT("\"\xF4\x90\x80\x80\"", XB_JSON_BAD_UTF8, 2); /* U+110000 */
  REFUSE_AT("\"\xF5\x80\x80\x80\"", XB_JSON_BAD_UTF8, 1);
  REFUSE_AT("\"\xFF\"", XB_JSON_BAD_UTF8, 1);
  REFUSE_AT("\"\xFE\xFF\"", XB_JSON_BAD_UTF8, 1);
  REFUSE_AT("\"\xE2\x82\"", XB_JSON_BAD_UTF8, 3);         /* truncated before the quote */
  REFUSE_AT("\"\xF0\x9F\x98\"", XB_JSON_BAD_UTF8, 4);
  REFUSE_AT("\"\xC3", XB_JSON_BAD_UTF8, 2);               /* truncated by the end */
  REFUSE_AT("\"\xE2\x82\xAC\xE2\x82x\"", XB_JSON_BAD_UTF8, 6);
  REFUSE_AT("{\"k\xC3\":1}", XB_JSON_BAD_UTF8, 4);        /* in a key */
  REFUSE_AT("{\"ignored\":[\"\xC0\x80\"]}", XB_JSON_BAD_UTF8, 13);
  ACCEPT("\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\"");
  ACCEPT("\"\xF0\x90\x80\x80\xF3\xBF\xBF\xBF\xF4\x8F\xBF\xBF\"");
  ACCEPT("\"Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}
END_TEST

START_TEST(non_ascii_outside_strings_refused_XB_JSON_21)
{
  REFUSE_AT("\xC3\xA9", XB_JSON_SYNTAX, 0);
  REFUSE_AT("[1,\xFF]", XB_JSON_SYNTAX, 3);
  REFUSE_AT("{\"a\":1\x80}", XB_JSON_SYNTAX, 6);
}
END_TEST

/* ------------------------------------------------------------ XB-JSON-23: depth */

START_TEST(depth_32_accepted_33_refused_XB_JSON_23)
{
  char *s = nested(32, 0);
  ACCEPT(s);
  ck_assert_uint_eq(g_res.ntokens, 32);
  ck_assert_uint_eq(g_t[31].depth, 31);
  free(s);
  s = nested(33, 0);
  REFUSE_AT(s, XB_JSON_TOO_DEEP, 32); /* the 33rd '[' */
  free(s);
  s = nested(32, 1);
  ACCEPT(s);
  free(s);
  s = nested(33, 1);
  REFUSE_AT(s, XB_JSON_TOO_DEEP, 32 * 5);
  free(s);
  s = nested(200, 0);
  REFUSE_AT(s, XB_JSON_TOO_DEEP, 32);
  free(s);
  /* a scalar inside 32 containers is not a 33rd level */
  char buf[128];
  memset(buf, '[', 32);
  buf[32] = '1';
  memset(buf + 33, ']', 32);
  ck_assert_int_eq(parse_n(buf, 65), XB_JSON_OK);
  ck_assert_uint_eq(g_t[32].depth, 32);
}
END_TEST

START_TEST(depth_limit_parameter_XB_JSON_23)
{
  xb_json_limits lim = {XB_JSON_DEFAULT_MAX_BYTES, 0};
  ck_assert_int_eq(parse_lim("1", 1, CAP, &lim), XB_JSON_OK);
  ck_assert_int_eq(parse_lim("[]", 2, CAP, &lim), XB_JSON_TOO_DEEP);
  ck_assert_uint_eq(g_res.err_off, 0);
  lim.max_depth = 2;
  ck_assert_int_eq(parse_lim("[{}]", 4, CAP, &lim), XB_JSON_OK);
  ck_assert_int_eq(parse_lim("[{\"a\":[]}]", 10, CAP, &lim), XB_JSON_TOO_DEEP);
  ck_assert_uint_eq(g_res.err_off, 6);
  lim.max_depth = 100000; /* clamped to XB_JSON_DEPTH_MAX */
  char *s = nested(XB_JSON_DEPTH_MAX, 0);
  ck_assert_int_eq(parse_lim(s, strlen(s), CAP, &lim), XB_JSON_OK);
  free(s);
  s = nested(XB_JSON_DEPTH_MAX + 1, 0);
  ck_assert_int_eq(parse_lim(s, strlen(s), CAP, &lim), XB_JSON_TOO_DEEP);
  ck_assert_uint_eq(g_res.err_off, XB_JSON_DEPTH_MAX);
  free(s);
}
END_TEST

/* ------------------------------------------------------------ XB-JSON-24: duplicates */

START_TEST(duplicate_keys_refused_XB_JSON_24)
{
  REFUSE_AT("{\"a\":1,\"a\":2}", XB_JSON_DUPLICATE_KEY, 7);
  REFUSE_AT("{\"a\":1,\"\\u0061\":2}", XB_JSON_DUPLICATE_KEY, 7);
  REFUSE_AT("{\"\\u0061\":1,\"a\":2}", XB_JSON_DUPLICATE_KEY, 12);
  REFUSE_AT("{\"a/b\":1,\"a\\/b\":2}", XB_JSON_DUPLICATE_KEY, 9);
  REFUSE_AT("{\"\xC3\xA9\":1,\"\\u00e9\":2}", XB_JSON_DUPLICATE_KEY, 8);
  REFUSE_AT("{\"\xF0\x9F\x98\x80\":1,\"\\ud83d\\ude00\":2}", XB_JSON_DUPLICATE_KEY, 10);
  REFUSE_AT("{\"\":1,\"\":2}", XB_JSON_DUPLICATE_KEY, 6);
  REFUSE_AT("{\"a\":1,\"b\":2,\"c\":3,\"b\":4}", XB_JSON_DUPLICATE_KEY, 19);
  /* the earlier member's value is a whole subtree to hop over */
  REFUSE_AT("{\"a\":{\"x\":[1,[2,{\"y\":3}]]},\"b\":[],\"a\":0}", XB_JSON_DUPLICATE_KEY, 34);
  /* at every level, inside members the engine would ignore */
  REFUSE_AT("{\"ignored\":{\"k\":1,\"k\":1}}", XB_JSON_DUPLICATE_KEY, 18);
  REFUSE_AT("[{},{\"x\":null,\"x\":null}]", XB_JSON_DUPLICATE_KEY, 14);
}
END_TEST

START_TEST(distinct_keys_accepted_XB_JSON_24)
{
  ACCEPT("{\"a\":1,\"b\":2,\"ab\":3,\"A\":4,\"a \":5,\"\":6}");
  ck_assert_uint_eq(g_t[0].children, 6);
  ACCEPT("{\"a\":{\"a\":{\"a\":1}}}");   /* same name at different levels */
  ACCEPT("[{\"a\":1},{\"a\":2}]");       /* same name in sibling objects */
  ACCEPT("{\"a\":[{\"a\":1}],\"b\":{\"a\":2}}");
  ACCEPT("{\"\\u0061\":1,\"\\u0062\":2}");
  ACCEPT("{\"\\n\":1,\"n\":2,\"\\\\n\":3}");
  ACCEPT("{\"\\ud83d\\ude00\":1,\"\\ud83d\\ude01\":2}");
  ACCEPT("{\"\xC3\xA9\":1,\"e\":2,\"\\u00e8\":3}");
}
END_TEST

START_TEST(many_members_XB_JSON_24)
{
  /* 1000 distinct keys, then the first one again: refused at its quote */
  static char s[16384];
  size_t k = 0;
  s[k++] = '{';
  for (int i = 0; i < 1000; i++) k += (size_t)sprintf(s + k, "\"k%d\":%d,", i, i);
  size_t dup = k;
  k += (size_t)sprintf(s + k, "\"k0\":0}");
  ck_assert_int_eq(parse_n(s, k), XB_JSON_DUPLICATE_KEY);
  ck_assert_uint_eq(g_res.err_off, dup);
  s[dup + 2] = 'X';
  ck_assert_int_eq(parse_n(s, k), XB_JSON_OK);
  ck_assert_uint_eq(g_t[0].children, 1001);
}
END_TEST

/* ------------------------------------------------------------ XB-JSON-25: size */

START_TEST(size_limit_XB_JSON_25)
{
  size_t n = XB_JSON_DEFAULT_MAX_BYTES + 1;
  char *s = malloc(n + 1);
  ck_assert_ptr_nonnull(s);
  memset(s, 'a', n);
  s[0] = '"';
  s[n - 2] = '"';
  s[n - 1] = ' ';
  ck_assert_int_eq(parse_n(s, n - 1), XB_JSON_OK); /* exactly 65536 bytes */
  ck_assert_int_eq(parse_n(s, n), XB_JSON_TOO_LARGE);
  ck_assert_uint_eq(g_res.err_off, XB_JSON_DEFAULT_MAX_BYTES);
  ck_assert_uint_eq(g_res.ntokens, 0);
  /* refused before parsing: even garbage gets TOO_LARGE */
  memset(s, 0xFF, n);
  ck_assert_int_eq(parse_n(s, n), XB_JSON_TOO_LARGE);
  xb_json_limits lim = {4, 32};
  ck_assert_int_eq(parse_lim("1234", 4, CAP, &lim), XB_JSON_OK);
  ck_assert_int_eq(parse_lim("12345", 5, CAP, &lim), XB_JSON_TOO_LARGE);
  ck_assert_uint_eq(g_res.err_off, 4);
  lim.max_bytes = 0;
  ck_assert_int_eq(parse_lim("1", 1, CAP, &lim), XB_JSON_TOO_LARGE);
  ck_assert_int_eq(parse_lim("", 0, CAP, &lim), XB_JSON_SYNTAX);
  free(s);
}
END_TEST

/* ------------------------------------------------------------ tokens and arguments */

START_TEST(token_capacity_XB_JSON_27)
{
  const char *s = "{\"a\":[1,2],\"b\":\"x\"}"; /* 7 tokens */
  size_t len = strlen(s);
  ck_assert_int_eq(parse_lim(s, len, 7, NULL), XB_JSON_OK);
  ck_assert_uint_eq(g_res.ntokens, 7);
  ck_assert_int_eq(parse_lim(s, len, 6, NULL), XB_JSON_TOO_MANY_TOKENS);
  ck_assert_uint_eq(g_res.err_off, 15); /* the value that does not fit */
  ck_assert_uint_eq(g_res.ntokens, 6);
  ck_assert_int_eq(parse_lim(s, len, 0, NULL), XB_JSON_TOO_MANY_TOKENS);
  ck_assert_uint_eq(g_res.err_off, 0);
  ck_assert_int_eq(xb_json_parse((const uint8_t *)s, len, NULL, 100, NULL, &g_res),
                   XB_JSON_TOO_MANY_TOKENS);
  ck_assert_uint_eq(g_res.ntokens, 0);
  /* too deep is reported before the capacity */
  ck_assert_int_eq(parse_lim("[[]]", 4, 1, &(xb_json_limits){100, 1}), XB_JSON_TOO_DEEP);
}
END_TEST

START_TEST(half_length_capacity_always_enough_XB_JSON_27)
{
  /* the densest documents: a value per two bytes */
  static char s[4096];
  const char *unit[] = {"1,", "[],", "{},", "\"\",", "0,"};
  for (size_t u = 0; u < sizeof unit / sizeof unit[0]; u++) {
    size_t k = 0;
    s[k++] = '[';
    while (k + 4 < sizeof s) { memcpy(s + k, unit[u], strlen(unit[u])); k += strlen(unit[u]); }
    s[k - 1] = ']';
    ck_assert_int_eq(parse_lim(s, k, k / 2 + 1, NULL), XB_JSON_OK);
    ck_assert_uint_le(g_res.ntokens, k / 2 + 1);
  }
  ck_assert_int_eq(parse_lim("0", 1, 1, NULL), XB_JSON_OK);
  ck_assert_int_eq(parse_lim("[0]", 3, 2, NULL), XB_JSON_OK);
  ck_assert_int_eq(parse_lim("{\"\":0}", 6, 4, NULL), XB_JSON_OK);
}
END_TEST

START_TEST(null_arguments_XB_JSON_27)
{
  ck_assert_int_eq(xb_json_parse(NULL, 3, g_t, CAP, NULL, &g_res), XB_JSON_BAD_ARGUMENT);
  ck_assert_uint_eq(g_res.err_off, 0);
  ck_assert_int_eq(xb_json_parse((const uint8_t *)"[1]", 3, g_t, CAP, NULL, NULL),
                   XB_JSON_OK);
  ck_assert_int_eq(xb_json_parse((const uint8_t *)"[1,]", 4, g_t, CAP, NULL, NULL),
                   XB_JSON_SYNTAX);
  ck_assert_int_eq(xb_json_parse((const uint8_t *)"[1]", 3, NULL, 0, NULL, NULL),
                   XB_JSON_TOO_MANY_TOKENS);
}
END_TEST

/* Every proper prefix of a complete document is refused at its end (truncation). */
START_TEST(every_prefix_truncated_XB_JSON_19)
{
  static const char *docs[] = {
    "{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"0\",\"current_value\":22.5e-1},"
    "{\"id\":\"t\",\"datapoints\":[{\"at\":\"2013-04-23T12:00:00Z\",\"value\":true}]}]}",
    "[null,false,-0.5E+3,\"\\ud83d\\ude00\\n\xC3\xA9\xF0\x9F\x98\x80\",{},[]]",
    "{\"key\":{\"label\":\"l\",\"private_access\":true,\"permissions\":[{\"access_methods\":"
    "[\"get\"],\"resources\":[{\"feed_id\":504}]}]}}",
  };
  for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
    size_t n = strlen(docs[d]);
    ck_assert_int_eq(parse_n(docs[d], n), XB_JSON_OK);
    for (size_t k = 0; k < n; k++) {
      xb_json_status st = parse_n(docs[d], k);
      ck_assert_msg(st == XB_JSON_SYNTAX || st == XB_JSON_BAD_UTF8,
                    "doc %zu prefix %zu: %s", d, k, xb_json_status_str(st));
      ck_assert_msg(g_res.err_off == k, "doc %zu prefix %zu: error at %zu", d, k,
                    g_res.err_off);
    }
  }
}
END_TEST

/* ------------------------------------------------------------ positions, messages */

START_TEST(positions_XB_JSON_18)
{
  const char *s = "{\n  \"a\": 1,\r\n  \"\xC3\xA9\xE2\x82\xAC\": x\n}";
  size_t line = 0, col = 0;
  ck_assert_int_eq(parse(s), XB_JSON_SYNTAX);
  xb_json_position((const uint8_t *)s, strlen(s), g_res.err_off, &line, &col);
  ck_assert_uint_eq(line, 3);
  ck_assert_uint_eq(col, 9); /* after 2 spaces, quote, 2 characters, quote, colon, space */
  xb_json_position((const uint8_t *)s, strlen(s), 0, &line, &col);
  ck_assert_uint_eq(line, 1);
  ck_assert_uint_eq(col, 1);
  xb_json_position((const uint8_t *)s, strlen(s), 2, &line, &col);
  ck_assert_uint_eq(line, 2);
  ck_assert_uint_eq(col, 1);
  xb_json_position((const uint8_t *)s, strlen(s), 11, &line, &col); /* the '\r' */
  ck_assert_uint_eq(line, 2);
  ck_assert_uint_eq(col, 10);
  xb_json_position((const uint8_t *)s, strlen(s), 1000, &line, &col); /* clamped */
  ck_assert_uint_eq(line, 4);
  ck_assert_uint_eq(col, 2);
  xb_json_position((const uint8_t *)"ab", 2, 1, NULL, &col);
  ck_assert_uint_eq(col, 2);
  xb_json_position(NULL, 0, 5, &line, NULL);
  ck_assert_uint_eq(line, 1);
  /* the example of XB-JSON-18: line 1, column 14 */
  ck_assert_int_eq(parse("{\"title\":\"x\" \"y\"}"), XB_JSON_SYNTAX);
  xb_json_position((const uint8_t *)"{\"title\":\"x\" \"y\"}", 17, g_res.err_off, &line, &col);
  ck_assert_uint_eq(line, 1);
  ck_assert_uint_eq(col, 14);
}
END_TEST

START_TEST(status_names_XB_JSON_28)
{
  const char *seen[XB_JSON_BAD_ARGUMENT + 1];
  for (int s = XB_JSON_OK; s <= XB_JSON_BAD_ARGUMENT; s++) {
    seen[s] = xb_json_status_str((xb_json_status)s);
    ck_assert_ptr_nonnull(seen[s]);
    ck_assert_uint_gt(strlen(seen[s]), 1);
    for (int t = 0; t < s; t++) ck_assert_str_ne(seen[s], seen[t]);
  }
  ck_assert_ptr_nonnull(xb_json_status_str((xb_json_status)99));
}
END_TEST

Suite *xb_suite_json(void)
{
  Suite *s = suite_create("json");
  TCase *c = tcase_create("grammar");
  tcase_add_test(c, one_value_with_whitespace_XB_JSON_19);
  tcase_add_test(c, empty_and_blank_refused_XB_JSON_19);
  tcase_add_test(c, trailing_data_refused_XB_JSON_19);
  tcase_add_test(c, other_whitespace_refused_XB_JSON_19);
  tcase_add_test(c, numbers_accepted_XB_JSON_20);
  tcase_add_test(c, numbers_refused_XB_JSON_20);
  tcase_add_test(c, literals_XB_JSON_20);
  tcase_add_test(c, punctuation_refused_XB_JSON_20);
  tcase_add_test(c, comments_refused_XB_JSON_20);
  tcase_add_test(c, bom_refused_XB_JSON_20);
  tcase_add_test(c, every_prefix_truncated_XB_JSON_19);
  suite_add_tcase(s, c);
  c = tcase_create("strings");
  tcase_add_test(c, every_escape_accepted_XB_JSON_22);
  tcase_add_test(c, bad_escapes_refused_XB_JSON_22);
  tcase_add_test(c, lone_surrogates_refused_XB_JSON_22);
  tcase_add_test(c, control_characters_refused_XB_JSON_22);
  tcase_add_test(c, unterminated_strings_XB_JSON_22);
  tcase_add_test(c, utf8_error_offsets_XB_JSON_21);
  tcase_add_test(c, non_ascii_outside_strings_refused_XB_JSON_21);
  suite_add_tcase(s, c);
  c = tcase_create("utf8-exhaustive");
  tcase_set_timeout(c, 120);
  tcase_add_test(c, utf8_exhaustive_two_bytes_XB_JSON_21);
  tcase_add_test(c, utf8_exhaustive_three_byte_leads_XB_JSON_21);
  tcase_add_test(c, utf8_four_byte_leads_XB_JSON_21);
  suite_add_tcase(s, c);
  c = tcase_create("limits");
  tcase_add_test(c, depth_32_accepted_33_refused_XB_JSON_23);
  tcase_add_test(c, depth_limit_parameter_XB_JSON_23);
  tcase_add_test(c, duplicate_keys_refused_XB_JSON_24);
  tcase_add_test(c, distinct_keys_accepted_XB_JSON_24);
  tcase_add_test(c, many_members_XB_JSON_24);
  tcase_add_test(c, size_limit_XB_JSON_25);
  tcase_add_test(c, token_capacity_XB_JSON_27);
  tcase_add_test(c, half_length_capacity_always_enough_XB_JSON_27);
  tcase_add_test(c, null_arguments_XB_JSON_27);
  tcase_add_test(c, positions_XB_JSON_18);
  tcase_add_test(c, status_names_XB_JSON_28);
  suite_add_tcase(s, c);
  return s;
}
