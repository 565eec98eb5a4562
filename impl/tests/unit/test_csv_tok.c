/*
 * The CSV record tokenizer (impl/formats/xb_csv.h) against spec/csv.md §3
 * (XB-CSV-14..20, XB-CSV-23). Expected fields are written by hand from the spec text;
 * a naive reference splitter written here (not the parser's state machine) checks
 * random lines.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_csv.h"

/* An exact-size heap copy, so that ASan sees any read past the payload. */
static uint8_t *dup_exact(const char *s, size_t n) {
  uint8_t *b = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(b);
  memcpy(b, s, n);
  return b;
}

/*
 * Tokenize a payload and describe it as text: each record `L<line>[f1|f2|...]`, fields
 * decoded, records separated by spaces; on error `ERR<reason>@<line>:<col>`.
 */
static void describe(const char *s, size_t n, char *out, size_t cap) {
  uint8_t *in = dup_exact(s, n);
  xb_csv_error err;
  size_t w = 0;
  out[0] = '\0';
  xb_csv_status st = xb_csv_check_payload(in, n, &err);
  if (st == XB_CSV_OK) {
    xb_csv_cursor cur = {0, 1};
    static xb_csv_field f[XB_CSV_MAX_FIELDS];
    xb_csv_record rec;
    while ((st = xb_csv_next_record(in, n, &cur, f, XB_CSV_MAX_FIELDS, &rec, &err)) == XB_CSV_OK) {
      w += (size_t)snprintf(out + w, cap - w, "%sL%zu[", w ? " " : "", rec.line);
      for (size_t k = 0; k < rec.nfields; k++) {
        uint8_t buf[8192];
        size_t sz = xb_csv_decode(in, n, f[k].off, f[k].len, buf, sizeof buf);
        ck_assert_uint_le(sz, sizeof buf);
        w += (size_t)snprintf(out + w, cap - w, "%s%.*s", k ? "|" : "", (int)sz, (const char *)buf);
      }
      w += (size_t)snprintf(out + w, cap - w, "]");
    }
  }
  if (st != XB_CSV_END) {
    ck_assert_int_eq(st, XB_CSV_SYNTAX);
    snprintf(out + w, cap - w, "%sERR%d@%zu:%zu", w ? " " : "", (int)err.reason, err.line,
             err.col);
  }
  free(in);
}

static void expect(const char *payload, const char *want) {
  char got[4096];
  describe(payload, strlen(payload), got, sizeof got);
  ck_assert_msg(strcmp(got, want) == 0, "payload [%s]: got %s, want %s", payload, got, want);
}

static char errs(xb_csv_reason r, size_t line, size_t col, char *buf, size_t cap) {
  snprintf(buf, cap, "ERR%d@%zu:%zu", (int)r, line, col);
  return 0;
}

static void expect_err(const char *payload, xb_csv_reason r, size_t line, size_t col) {
  char want[64];
  errs(r, line, col, want, sizeof want);
  char got[4096];
  describe(payload, strlen(payload), got, sizeof got);
  const char *e = strstr(got, "ERR");
  ck_assert_msg(e != NULL && strcmp(e, want) == 0, "payload [%s]: got %s, want %s", payload,
                got, want);
}

START_TEST(split_at_commas_XB_CSV_17)
/* XB-CSV-17: fields are the pieces between commas. */
{
  expect("0,21.5", "L1[0|21.5]");
  expect("a,b,c", "L1[a|b|c]");
  expect("x", "L1[x]");
  expect(",", "L1[|]");
  expect(",,", "L1[||]");
  expect("a,", "L1[a|]");
  expect(",a", "L1[|a]");
  expect("0,1\n2,3", "L1[0|1] L2[2|3]");
}
END_TEST

START_TEST(line_endings_XB_CSV_15)
/* XB-CSV-15: LF and CRLF end a line; the last line needs no terminator. */
{
  expect("0,1", "L1[0|1]");
  expect("0,1\n", "L1[0|1]");
  expect("0,1\r\n", "L1[0|1]");
  expect("0,1\r\n2,3\n4,5", "L1[0|1] L2[2|3] L3[4|5]");
  expect("0,1\n2,3\r\n", "L1[0|1] L2[2|3]");
}
END_TEST

START_TEST(lone_cr_is_refused_XB_CSV_15)
/* XB-CSV-15: a CR not followed by LF, alone or inside quotes, is 400. */
{
  expect_err("0,1\r", XB_CSV_R_CR, 1, 4);
  expect_err("0,1\r2,3", XB_CSV_R_CR, 1, 4);
  expect_err("0\r,1\n", XB_CSV_R_CR, 1, 2);
  expect_err("0,\"a\rb\"", XB_CSV_R_CR, 1, 5);
  expect_err("0,1\r\r\n", XB_CSV_R_CR, 1, 4);
  expect_err("0,1\n\r", XB_CSV_R_CR, 2, 1);
  expect_err("\r", XB_CSV_R_CR, 1, 1);
}
END_TEST

START_TEST(blank_lines_are_ignored_XB_CSV_16)
/* XB-CSV-16: empty lines and lines of spaces/tabs are skipped wherever they are. */
{
  expect("\n \t\n0,1\n\n\r\n2,3\n\n", "L3[0|1] L6[2|3]");
  expect("   \r\n0,1", "L2[0|1]");
  expect("0,1\n \n\t\n", "L1[0|1]");
  expect("", "");
  expect("\n\n \r\n\t", "");
}
END_TEST

START_TEST(blanks_around_fields_are_removed_XB_CSV_17)
/* XB-CSV-17: spaces and tabs around each field are removed; inside an unquoted field
 * they stay. */
{
  expect(" a , b\t", "L1[a|b]");
  expect("humidity, 2013-04-23T12:34:56.123456Z, 40",
         "L1[humidity|2013-04-23T12:34:56.123456Z|40]");
  expect("\t on  high \t, x", "L1[on  high|x]");
  expect("example, 333", "L1[example|333]");
  expect("  ,  ", "L1[|]");
}
END_TEST

START_TEST(quoted_fields_XB_CSV_17)
/* XB-CSV-17: a quoted field extends to the closing quote; "" stands for ", commas inside
 * are data. Examples of XB-CSV-2 read back. */
{
  expect("\"on, high\",\"say \"\"hi\"\"\"", "L1[on, high|say \"hi\"]");
  expect("\"\"", "L1[]");
  expect("\"\",\"\"", "L1[|]");
  expect("\"\"\"\"", "L1[\"]");
  expect("\"1,5\"", "L1[1,5]");
  expect("  \"a\"  ,b", "L1[a|b]");
  expect("\"a\"\t,\"b\" ", "L1[a|b]");
  expect("\"a,\"\"b\"\",c\"", "L1[a,\"b\",c]");
  expect("door,2013-04-23T12:30:00.000000Z,\"open, locked\"",
         "L1[door|2013-04-23T12:30:00.000000Z|open, locked]");
}
END_TEST

START_TEST(spaces_inside_quotes_are_trimmed_XB_CSV_19)
/* XB-CSV-19: XB-RES-2 trims the field string, so even inside quotes; values are never
 * converted. */
{
  expect("\" red car \"", "L1[red car]");
  expect("\"\t x \t\"", "L1[x]");
  expect("\"   \"", "L1[]");
  expect("00035", "L1[00035]");
  expect("\"00035\"", "L1[00035]");
  expect("\" \"\"a \"", "L1[\"a]");
}
END_TEST

START_TEST(quote_rules_XB_CSV_18)
/* XB-CSV-18: only blanks after a closing quote; no quote inside an unquoted field; a
 * quote must close on its own line. */
{
  expect_err("0,ab\"c", XB_CSV_R_QUOTE_IN_FIELD, 1, 5);
  expect_err("a\"", XB_CSV_R_QUOTE_IN_FIELD, 1, 2);
  expect_err("0,\"abc", XB_CSV_R_UNTERMINATED, 1, 3);
  expect_err("\"a\"x", XB_CSV_R_AFTER_QUOTE, 1, 4);
  expect_err("\"a\" x", XB_CSV_R_AFTER_QUOTE, 1, 5);
  expect_err("\"a\" \"b\"", XB_CSV_R_AFTER_QUOTE, 1, 5);
  expect_err("0,\"a\nb\"", XB_CSV_R_UNTERMINATED, 1, 3);
  expect_err("0,1\n2,\"x\"\"", XB_CSV_R_UNTERMINATED, 2, 3);
  expect_err("\"", XB_CSV_R_UNTERMINATED, 1, 1);
  expect_err("  \"", XB_CSV_R_UNTERMINATED, 1, 3);
}
END_TEST

START_TEST(error_position_XB_CSV_13)
/* XB-CSV-13 / XB-RES-88: the detail names line and column, from 1, in bytes; blank
 * lines count as lines. */
{
  expect_err("0,1\n\n  x,\"ab", XB_CSV_R_UNTERMINATED, 3, 5);
  expect_err("0,1\r\n0,1\r\n9,\xc3\xa9\"", XB_CSV_R_QUOTE_IN_FIELD, 3, 5);
}
END_TEST

static void repeat(char *dst, const char *unit, size_t times) {
  dst[0] = '\0';
  for (size_t i = 0; i < times; i++) strcat(dst, unit);
}

START_TEST(field_bounds_XB_CSV_20)
/* XB-CSV-20: at most 128 fields and 4096 bytes per field as written (quotes included;
 * the blanks around it are not part of the field). */
{
  static char p[20000];
  char got[20000];
  repeat(p, "x,", 127);
  strcat(p, "x");
  describe(p, strlen(p), got, sizeof got);
  ck_assert(strncmp(got, "L1[x|x|", 7) == 0 && strstr(got, "ERR") == NULL);
  strcat(p, ",x");
  expect_err(p, XB_CSV_R_TOO_MANY_FIELDS, 1, 256);
  repeat(p, ",", 128);
  expect_err(p, XB_CSV_R_TOO_MANY_FIELDS, 1, 128);

  memset(p, 'a', 4096);
  p[4096] = '\0';
  describe(p, strlen(p), got, sizeof got);
  ck_assert(strstr(got, "ERR") == NULL);
  strcpy(p, "  ");
  memset(p + 2, 'a', 4096);
  strcpy(p + 4098, "  ,1");
  describe(p, strlen(p), got, sizeof got);
  ck_assert(strstr(got, "ERR") == NULL);
  memset(p, 'a', 4097);
  p[4097] = '\0';
  expect_err(p, XB_CSV_R_FIELD_TOO_LONG, 1, 1);
  strcpy(p, "0, ");
  memset(p + 3, 'a', 4097);
  strcpy(p + 4100, ",1");
  expect_err(p, XB_CSV_R_FIELD_TOO_LONG, 1, 4);
  p[0] = '"';
  memset(p + 1, 'b', 4094);
  p[4095] = '"';
  p[4096] = '\0';
  describe(p, strlen(p), got, sizeof got);
  ck_assert(strstr(got, "ERR") == NULL);
  p[4095] = 'b';
  p[4096] = '"';
  p[4097] = '\0';
  expect_err(p, XB_CSV_R_FIELD_TOO_LONG, 1, 1);
}
END_TEST

START_TEST(utf8_and_bom_XB_CSV_14)
/* XB-CSV-14: well-formed UTF-8 (as XB-JSON-21), no byte order mark. */
{
  expect("caf\xc3\xa9,\xe2\x82\xac,\xf0\x9f\x98\x80", "L1[caf\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80]");
  expect("\xef\xbb\xbf", "ERR2@1:1");
  expect("\xef\xbb\xbf" "0,1", "ERR2@1:1");
  expect("0,\xef\xbb\xbf", "L1[0|\xef\xbb\xbf]"); /* U+FEFF elsewhere is a character */
  static const char *bad[] = {"\xc0\x80", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80",
                              "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xe2\x82",
                              "\x80", "\xff", "\xf0\x9f\x98", "\xc3"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char p[64];
    snprintf(p, sizeof p, "0,1\nab%s,c", bad[i]);
    expect_err(p, XB_CSV_R_UTF8, 2, 3);
  }
}
END_TEST

/* Independent UTF-8 oracle: decode a code point, then check the range rules. */
static size_t oracle_utf8_prefix(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = s[i];
    size_t k;
    uint32_t cp, min;
    if (b < 0x80) { k = 1; cp = b; min = 0; }
    else if ((b & 0xE0) == 0xC0) { k = 2; cp = b & 0x1Fu; min = 0x80; }
    else if ((b & 0xF0) == 0xE0) { k = 3; cp = b & 0x0Fu; min = 0x800; }
    else if ((b & 0xF8) == 0xF0) { k = 4; cp = b & 0x07u; min = 0x10000; }
    else return i;
    if (i + k > n) return i;
    for (size_t j = 1; j < k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + j] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += k;
  }
  return n;
}

START_TEST(utf8_matches_an_independent_decoder_XB_CSV_14)
/* XB-CSV-14: random byte strings biased towards multi-byte forms. */
{
  uint64_t x = 0x9E3779B97F4A7C15u;
  static const uint8_t pool[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0,
                                 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  for (int t = 0; t < 200000; t++) {
    uint8_t b[8];
    size_t n = (size_t)(t % 8) + 1;
    for (size_t i = 0; i < n; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      b[i] = pool[x % sizeof pool];
    }
    ck_assert_uint_eq(xb_csv_utf8_prefix(b, n), oracle_utf8_prefix(b, n));
  }
  /* every 1..3-byte string over the pool */
  for (size_t a = 0; a < sizeof pool; a++)
    for (size_t c = 0; c < sizeof pool; c++)
      for (size_t d = 0; d < sizeof pool; d++) {
        uint8_t b[3] = {pool[a], pool[c], pool[d]};
        for (size_t n = 1; n <= 3; n++)
          ck_assert_uint_eq(xb_csv_utf8_prefix(b, n), oracle_utf8_prefix(b, n));
      }
}
END_TEST

START_TEST(nul_bytes_are_data_XB_CSV_17)
/* XB-CSV-17: a NUL is an ordinary byte for the tokenizer (the value rules refuse it,
 * see the shape suite); the parser needs no terminator. */
{
  const uint8_t in[] = {'a', 0, 'b', ',', 0};
  xb_csv_field f[4];
  size_t nf = 0;
  xb_csv_error err;
  ck_assert_int_eq(xb_csv_check_payload(in, sizeof in, &err), XB_CSV_OK);
  ck_assert_int_eq(xb_csv_split_line(in, sizeof in, 0, sizeof in, 1, f, 4, &nf, &err), XB_CSV_OK);
  ck_assert_uint_eq(nf, 2);
  ck_assert_uint_eq(f[0].off, 0);
  ck_assert_uint_eq(f[0].len, 3);
  ck_assert_uint_eq(f[1].off, 4);
  ck_assert_uint_eq(f[1].len, 1);
}
END_TEST

/* A naive reference: split one line by scanning quotes with a toggle, then check the
 * pieces. Returns the number of fields, or 0 when the line is malformed. Independent
 * of the parser: it counts quotes instead of running a state machine. */
static size_t naive_split(const char *s, size_t n, size_t *starts, size_t *ends, size_t cap) {
  size_t nf = 0, a = 0;
  int inq = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && (s[i] == '\r' || s[i] == '\n')) return 0;
    if (i < n && s[i] == '"') inq = !inq;
    if (i == n || (s[i] == ',' && !inq)) {
      if (nf == cap) return 0;
      starts[nf] = a;
      ends[nf] = i;
      nf++;
      a = i + 1;
    }
  }
  if (inq) return 0;
  for (size_t k = 0; k < nf; k++) {
    size_t p = starts[k], q = ends[k];
    while (p < q && (s[p] == ' ' || s[p] == '\t')) p++;
    while (q > p && (s[q - 1] == ' ' || s[q - 1] == '\t')) q--;
    if (p < q && s[p] == '"') {
      if (q - p < 2 || s[q - 1] != '"') return 0;
      /* inside: quotes only in pairs */
      for (size_t i = p + 1; i < q - 1; i++) {
        if (s[i] == '"') {
          if (i + 1 < q - 1 && s[i + 1] == '"') i++;
          else return 0;
        }
      }
    } else {
      for (size_t i = p; i < q; i++) if (s[i] == '"') return 0;
    }
  }
  return nf;
}

START_TEST(random_lines_match_a_naive_splitter_XB_CSV_17_XB_CSV_18_XB_CSV_23)
/* XB-CSV-17/18/23: on random lines over , " space tab a, the parser accepts exactly the
 * lines the naive splitter accepts, with the same raw pieces. */
{
  static const char alpha[] = {',', '"', ' ', '\t', 'a', 'b', '"', ','};
  uint64_t x = 0xDEADBEEFCAFEF00Du;
  for (int t = 0; t < 300000; t++) {
    char s[24];
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    size_t n = (size_t)(x % 16);
    for (size_t i = 0; i < n; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      s[i] = alpha[x % sizeof alpha];
    }
    uint8_t *in = dup_exact(s, n);
    xb_csv_field f[XB_CSV_MAX_FIELDS];
    size_t nf = 0;
    xb_csv_error err;
    xb_csv_status st = xb_csv_split_line(in, n, 0, n, 1, f, XB_CSV_MAX_FIELDS, &nf, &err);
    size_t starts[32], ends[32];
    size_t want = naive_split(s, n, starts, ends, 32);
    ck_assert_msg((st == XB_CSV_OK) == (want > 0), "line [%.*s]", (int)n, s);
    if (st == XB_CSV_OK) {
      ck_assert_uint_eq(nf, want);
      for (size_t k = 0; k < nf; k++) {
        ck_assert_uint_eq(f[k].raw_off, starts[k]);
        ck_assert_uint_eq(f[k].raw_off + f[k].raw_len, ends[k]);
        ck_assert_uint_le(f[k].raw_off, f[k].off);
        ck_assert_uint_le(f[k].off + f[k].len, ends[k]);
      }
    } else {
      ck_assert_uint_le(err.off, n);
      ck_assert_uint_eq(err.col, err.off + 1);
    }
    free(in);
  }
}
END_TEST

START_TEST(capacity_and_arguments_XB_CSV_23)
/* XB-CSV-23: bounded output (the caller's field capacity), no read outside the span. */
{
  const uint8_t *in = (const uint8_t *)"a,b,c";
  xb_csv_field f[3];
  size_t nf = 99;
  xb_csv_error err;
  ck_assert_int_eq(xb_csv_split_line(in, 5, 0, 5, 1, f, 3, &nf, &err), XB_CSV_OK);
  ck_assert_uint_eq(nf, 3);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 0, 5, 1, f, 2, &nf, &err), XB_CSV_SYNTAX);
  ck_assert_int_eq(err.reason, XB_CSV_R_TOO_MANY_FIELDS);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 0, 5, 1, f, 0, &nf, &err), XB_CSV_SYNTAX);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 2, 3, 1, f, 3, &nf, &err), XB_CSV_OK);
  ck_assert_uint_eq(nf, 1);
  ck_assert_uint_eq(f[0].off, 2);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 3, 2, 1, f, 3, &nf, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 0, 6, 1, f, 3, &nf, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_split_line(NULL, 5, 0, 5, 1, f, 3, &nf, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 0, 5, 1, NULL, 3, &nf, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 0, 5, 1, f, 3, NULL, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_split_line(in, 5, 0, 5, 1, f, 3, &nf, NULL), XB_CSV_BAD_ARGUMENT);
  xb_csv_cursor cur = {0, 1};
  xb_csv_record rec;
  ck_assert_int_eq(xb_csv_next_record(in, 5, NULL, f, 3, &rec, &err), XB_CSV_BAD_ARGUMENT);
  cur.pos = 6;
  ck_assert_int_eq(xb_csv_next_record(in, 5, &cur, f, 3, &rec, &err), XB_CSV_BAD_ARGUMENT);
  cur.pos = 0;
  cur.line = 0;
  ck_assert_int_eq(xb_csv_next_record(in, 5, &cur, f, 3, &rec, &err), XB_CSV_BAD_ARGUMENT);
  cur.line = 1;
  ck_assert_int_eq(xb_csv_next_record(in, 5, &cur, f, 3, &rec, &err), XB_CSV_OK);
  ck_assert_uint_eq(cur.pos, 5);
  ck_assert_int_eq(xb_csv_next_record(in, 5, &cur, f, 3, &rec, &err), XB_CSV_END);
  ck_assert_int_eq(xb_csv_check_payload(NULL, 0, &err), XB_CSV_OK);
  ck_assert_int_eq(xb_csv_check_payload(NULL, 1, &err), XB_CSV_BAD_ARGUMENT);
}
END_TEST

START_TEST(decode_is_size_first_XB_CSV_17)
/* XB-CSV-17: "" stands for one "; the size comes first, the buffer is only written when
 * it is large enough. */
{
  const uint8_t *in = (const uint8_t *)"x\"say \"\"hi\"\"\"y";
  /* content of the quoted field: say ""hi"" at offset 2, 10 bytes */
  uint8_t out[16];
  memset(out, '#', sizeof out);
  ck_assert_uint_eq(xb_csv_decode(in, 15, 2, 10, NULL, 0), 8);
  ck_assert_uint_eq(xb_csv_decoded_size(in, 15, 2, 10), 8);
  ck_assert_uint_eq(xb_csv_decode(in, 15, 2, 10, out, 7), 8);
  ck_assert_int_eq(out[0], '#');
  ck_assert_uint_eq(xb_csv_decode(in, 15, 2, 10, out, 8), 8);
  ck_assert(memcmp(out, "say \"hi\"", 8) == 0);
  ck_assert_int_eq(out[8], '#');
  ck_assert_uint_eq(xb_csv_decode(in, 15, 14, 2, out, 8), 0); /* span past the end */
  ck_assert_uint_eq(xb_csv_decode(NULL, 15, 0, 1, out, 8), 0);
  ck_assert_uint_eq(xb_csv_decode(in, 15, 15, 0, out, 8), 0);
}
END_TEST

START_TEST(reason_texts_and_codes_XB_RES_87)
/* XB-RES-87: 400 for syntax, 422 for content and too many values. */
{
  ck_assert_int_eq(xb_csv_http_status(XB_CSV_OK), 200);
  ck_assert_int_eq(xb_csv_http_status(XB_CSV_SYNTAX), 400);
  ck_assert_int_eq(xb_csv_http_status(XB_CSV_INVALID), 422);
  ck_assert_int_eq(xb_csv_http_status(XB_CSV_TOO_MANY_VALUES), 422);
  ck_assert_int_eq(xb_csv_http_status(XB_CSV_BAD_ARGUMENT), 500);
  ck_assert_str_eq(xb_csv_reason_text(XB_CSV_R_UNTERMINATED), "unterminated quoted field");
  for (int r = XB_CSV_R_NONE; r <= XB_CSV_R_ARGUMENT; r++) {
    const char *t = xb_csv_reason_text((xb_csv_reason)r);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_le(strlen(t), 255); /* XB-RES-88: detail at most 255 bytes */
  }
}
END_TEST

Suite *xb_suite_csv_tok(void);
Suite *xb_suite_csv_tok(void)
{
  Suite *s = suite_create("csv_tok");
  TCase *tc = tcase_create("tokenizer");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, split_at_commas_XB_CSV_17);
  tcase_add_test(tc, line_endings_XB_CSV_15);
  tcase_add_test(tc, lone_cr_is_refused_XB_CSV_15);
  tcase_add_test(tc, blank_lines_are_ignored_XB_CSV_16);
  tcase_add_test(tc, blanks_around_fields_are_removed_XB_CSV_17);
  tcase_add_test(tc, quoted_fields_XB_CSV_17);
  tcase_add_test(tc, spaces_inside_quotes_are_trimmed_XB_CSV_19);
  tcase_add_test(tc, quote_rules_XB_CSV_18);
  tcase_add_test(tc, error_position_XB_CSV_13);
  tcase_add_test(tc, field_bounds_XB_CSV_20);
  tcase_add_test(tc, utf8_and_bom_XB_CSV_14);
  tcase_add_test(tc, utf8_matches_an_independent_decoder_XB_CSV_14);
  tcase_add_test(tc, nul_bytes_are_data_XB_CSV_17);
  tcase_add_test(tc, random_lines_match_a_naive_splitter_XB_CSV_17_XB_CSV_18_XB_CSV_23);
  tcase_add_test(tc, capacity_and_arguments_XB_CSV_23);
  tcase_add_test(tc, decode_is_size_first_XB_CSV_17);
  tcase_add_test(tc, reason_texts_and_codes_XB_RES_87);
  suite_add_tcase(s, tc);
  return s;
}
