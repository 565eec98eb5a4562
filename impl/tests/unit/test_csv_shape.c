/*
 * The CSV write shapes (xb_csv_parse) against spec/csv.md §4 (XB-CSV-21..31), the table
 * of examples at the end of §4, and the value rules of spec/resources.md that CSV shares
 * with the other formats. Expected instants were computed outside the project.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_csv.h"
#include "formats/xb_time.h"

#define CAP 600

typedef struct {
  uint8_t *in;
  size_t len;
  xb_csv_entry e[CAP];
  size_t n;
  xb_csv_error err;
  xb_csv_status st;
} run;

static run *parse_n(xb_csv_shape shape, const char *s, size_t len, size_t cap) {
  run *r = calloc(1, sizeof *r);
  ck_assert_ptr_nonnull(r);
  r->in = malloc(len ? len : 1);
  ck_assert_ptr_nonnull(r->in);
  memcpy(r->in, s, len);
  r->len = len;
  r->n = 12345;
  r->st = xb_csv_parse(r->in, len, shape, r->e, cap, &r->n, &r->err);
  return r;
}

static run *parse(xb_csv_shape shape, const char *s) {
  return parse_n(shape, s, strlen(s), CAP);
}

static void done(run *r) {
  free(r->in);
  free(r);
}

/* The k-th entry's id and decoded value as C strings. */
static void id_of(run *r, size_t k, char *buf, size_t cap) {
  ck_assert_uint_lt(r->e[k].id_len, cap);
  memcpy(buf, r->in + r->e[k].id_off, r->e[k].id_len);
  buf[r->e[k].id_len] = '\0';
}

static void val_of(run *r, size_t k, char *buf, size_t cap) {
  size_t sz = xb_csv_decode(r->in, r->len, r->e[k].val_off, r->e[k].val_len, (uint8_t *)buf, cap - 1);
  ck_assert_uint_lt(sz, cap);
  ck_assert_uint_eq(sz, r->e[k].val_size);
  buf[sz] = '\0';
}

static void expect_entry(run *r, size_t k, const char *id, const char *ts_or_null, int64_t at,
                         const char *value) {
  char b[1024];
  ck_assert_uint_lt(k, r->n);
  if (id != NULL) {
    id_of(r, k, b, sizeof b);
    ck_assert_str_eq(b, id);
  } else {
    ck_assert_uint_eq(r->e[k].id_len, 0);
  }
  ck_assert_int_eq(r->e[k].has_at, ts_or_null != NULL);
  if (ts_or_null != NULL) ck_assert_int_eq(r->e[k].at, at);
  val_of(r, k, b, sizeof b);
  ck_assert_str_eq(b, value);
}

static void expect_status(xb_csv_shape shape, const char *s, xb_csv_status st, xb_csv_reason why) {
  run *r = parse(shape, s);
  ck_assert_msg(r->st == st && (st == XB_CSV_OK || r->err.reason == why),
                "payload [%s] shape %d: status %d reason %d, want %d/%d", s, (int)shape,
                (int)r->st, (int)r->err.reason, (int)st, (int)why);
  if (st != XB_CSV_OK) ck_assert_uint_eq(r->n, 0);
  done(r);
}

#define T_123456 INT64_C(1366720496123456) /* 2013-04-23T12:34:56.123456Z */
#define T_1235 INT64_C(1366720556000000)   /* 2013-04-23T12:35:56Z */
#define T_1200 INT64_C(1366718400000000)   /* 2013-04-23T12:00:00Z */

START_TEST(feed_example_of_section_4_XB_CSV_24)
/* XB-CSV-24: the example block of spec/csv.md §4 on /v2/feeds/504.csv. */
{
  run *r = parse(XB_CSV_FEED, "0,21.5\nhumidity, 2013-04-23T12:34:56.123456Z, 40\n"
                              "humidity,2013-04-23T13:35:56+01:00,41");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 3);
  expect_entry(r, 0, "0", NULL, 0, "21.5");
  expect_entry(r, 1, "humidity", "", T_123456, "40");
  expect_entry(r, 2, "humidity", "", T_1235, "41");
  ck_assert_uint_eq(r->e[0].line, 1);
  ck_assert_uint_eq(r->e[2].line, 3);
  done(r);
}
END_TEST

START_TEST(feed_table_of_section_4_XB_CSV_24_XB_CSV_25)
/* The result table of spec/csv.md §4, rows for /v2/feeds/504.csv. */
{
  run *r = parse(XB_CSV_FEED, "0,29");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, "0", NULL, 0, "29");
  done(r);
  expect_status(XB_CSV_FEED, "0,1,2,3", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_FEED, "0", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_FEED, "0,\"abc", XB_CSV_SYNTAX, XB_CSV_R_UNTERMINATED);
  expect_status(XB_CSV_FEED, "0,ab\"c", XB_CSV_SYNTAX, XB_CSV_R_QUOTE_IN_FIELD);
  expect_status(XB_CSV_FEED, "0,1\n0,2", XB_CSV_INVALID, XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_FEED, "temp!,1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  expect_status(XB_CSV_FEED, "0,2013-02-30T00:00:00Z,1", XB_CSV_INVALID, XB_CSV_R_BAD_TIMESTAMP);
  expect_status(XB_CSV_FEED, "", XB_CSV_SYNTAX, XB_CSV_R_EMPTY);
  expect_status(XB_CSV_FEED, "\n \n\t\r\n", XB_CSV_SYNTAX, XB_CSV_R_EMPTY);
}
END_TEST

START_TEST(repeated_id_needs_timestamps_XB_CSV_25)
/* XB-CSV-25: every record of a repeated id carries a non-empty timestamp. */
{
  run *r = parse(XB_CSV_FEED, "a,2013-04-23T12:00:00Z,1\nb,5\na,2013-04-23T12:35:56Z,2");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 3);
  expect_entry(r, 0, "a", "", T_1200, "1");
  expect_entry(r, 1, "b", NULL, 0, "5");
  expect_entry(r, 2, "a", "", T_1235, "2");
  done(r);
  expect_status(XB_CSV_FEED, "a,2013-04-23T12:00:00Z,1\na,2", XB_CSV_INVALID,
                XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_FEED, "a,1\na,2013-04-23T12:00:00Z,2", XB_CSV_INVALID,
                XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_FEED, "a,,1\na,2013-04-23T12:00:00Z,2", XB_CSV_INVALID,
                XB_CSV_R_NEED_TIMESTAMP);
  /* ids are case-sensitive and compared byte for byte */
  expect_status(XB_CSV_FEED, "a,1\nA,2\nab,3\n\"a \",4", XB_CSV_INVALID, XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_FEED, "a,1\nA,2\nab,3", XB_CSV_OK, XB_CSV_R_NONE);
  expect_status(XB_CSV_DATASTREAMS, "x,1\ny,1\nx,1", XB_CSV_INVALID, XB_CSV_R_NEED_TIMESTAMP);
  run *q = parse(XB_CSV_FEED, "x,2013-04-23T12:00:00Z,1\nx,2013-04-23T12:00:00Z,2");
  ck_assert_int_eq(q->st, XB_CSV_OK); /* same instant twice: the engine keeps the last */
  done(q);
}
END_TEST

START_TEST(empty_timestamp_means_request_time_XB_CSV_22)
/* XB-CSV-22: an empty timestamp (nothing or "") is no timestamp, so read records such
 * as `temp,,""` and `,""` can be published back. */
{
  run *r = parse(XB_CSV_FEED, "temp,,\"\"\nhum,\"\",5\nx, \"  \" ,7");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, "temp", NULL, 0, "");
  expect_entry(r, 1, "hum", NULL, 0, "5");
  expect_entry(r, 2, "x", NULL, 0, "7");
  done(r);
  r = parse(XB_CSV_DATASTREAM, ",\"\"");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, NULL, NULL, 0, "");
  done(r);
}
END_TEST

START_TEST(read_renderings_publish_back_XB_CSV_6_XB_CSV_8_XB_CSV_12)
/* The outputs of XB-CSV-6, XB-CSV-8 and XB-CSV-12 are accepted as writes with the same
 * content (XB-CSV-33 cross-format round trip starts here). */
{
  run *r = parse(XB_CSV_FEED, "0,2013-04-23T12:34:56.100000Z,21.5\n"
                              "door,2013-04-23T12:30:00.000000Z,\"open, locked\"\n"
                              "note,2013-04-23T12:31:00.000000Z,\"\"\ntemp,,\"\"");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 4);
  expect_entry(r, 0, "0", "", INT64_C(1366720496100000), "21.5");
  expect_entry(r, 1, "door", "", INT64_C(1366720200000000), "open, locked");
  expect_entry(r, 2, "note", "", INT64_C(1366720260000000), "");
  expect_entry(r, 3, "temp", NULL, 0, "");
  done(r);
  r = parse(XB_CSV_DATASTREAM, "2013-04-23T12:34:56.100000Z,21.5");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, NULL, "", INT64_C(1366720496100000), "21.5");
  done(r);
  r = parse(XB_CSV_V1_FEED, "21.5,\"open, locked\",\"\",\"\"");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 4);
  expect_entry(r, 0, NULL, NULL, 0, "21.5");
  expect_entry(r, 1, NULL, NULL, 0, "open, locked");
  expect_entry(r, 3, NULL, NULL, 0, "");
  done(r);
}
END_TEST

START_TEST(ids_are_ds_ids_XB_CSV_21)
/* XB-CSV-21 with spec/topics.md ds-id: 1..64 of A-Z a-z 0-9 - _ (422 otherwise). */
{
  char p[200];
  memset(p, 'a', 64);
  strcpy(p + 64, ",1");
  expect_status(XB_CSV_FEED, p, XB_CSV_OK, XB_CSV_R_NONE);
  memset(p, 'a', 65);
  strcpy(p + 65, ",1");
  expect_status(XB_CSV_FEED, p, XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  expect_status(XB_CSV_FEED, "Az09-_,1", XB_CSV_OK, XB_CSV_R_NONE);
  expect_status(XB_CSV_FEED, ",1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  expect_status(XB_CSV_FEED, "\"\",1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  expect_status(XB_CSV_FEED, "a b,1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  expect_status(XB_CSV_FEED, "a.b,1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  expect_status(XB_CSV_FEED, "caf\xc3\xa9,1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  expect_status(XB_CSV_FEED, "\"a\"\"b\",1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
  run *r = parse(XB_CSV_FEED, " \" temp \" ,1"); /* XB-RES-2 trims ids too */
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, "temp", NULL, 0, "1");
  done(r);
}
END_TEST

START_TEST(values_are_strings_XB_CSV_19_XB_CSV_21)
/* XB-CSV-19 / XB-RES-60: values are kept as written, never converted or checked as
 * numbers; at most 255 bytes after decoding, no control character (422). */
{
  static const char *kept[] = {"00035", "25.0", "1E3", "abc", "0x10", "NaN", "1e999", "-",
                               "caf\xc3\xa9", "\xe2\x82\xac 5"};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    char p[64];
    snprintf(p, sizeof p, "v,%s", kept[i]);
    run *r = parse(XB_CSV_FEED, p);
    ck_assert_int_eq(r->st, XB_CSV_OK);
    expect_entry(r, 0, "v", NULL, 0, kept[i]);
    done(r);
  }
  char p[700];
  strcpy(p, "v,");
  memset(p + 2, 'x', 255);
  p[257] = '\0';
  expect_status(XB_CSV_FEED, p, XB_CSV_OK, XB_CSV_R_NONE);
  strcpy(p + 257, "x");
  expect_status(XB_CSV_FEED, p, XB_CSV_INVALID, XB_CSV_R_VALUE_TOO_LONG);
  /* 255 decoded bytes written as 510 (every quote doubled) plus the quotes: fine */
  strcpy(p, "v,\"");
  for (int i = 0; i < 255; i++) strcat(p, "\"\"");
  strcat(p, "\"");
  run *r = parse(XB_CSV_FEED, p);
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->e[0].val_size, 255);
  ck_assert(r->e[0].val_escaped);
  done(r);
  /* control characters: TAB inside, DEL, NUL; TAB around is trimmed */
  expect_status(XB_CSV_FEED, "v,a\tb", XB_CSV_INVALID, XB_CSV_R_CONTROL_CHAR);
  expect_status(XB_CSV_FEED, "v,a\x7f", XB_CSV_INVALID, XB_CSV_R_CONTROL_CHAR);
  expect_status(XB_CSV_FEED, "v,\"a\x01\"", XB_CSV_INVALID, XB_CSV_R_CONTROL_CHAR);
  r = parse_n(XB_CSV_FEED, "v,a\0b", 5, CAP);
  ck_assert_int_eq(r->st, XB_CSV_INVALID);
  ck_assert_int_eq(r->err.reason, XB_CSV_R_CONTROL_CHAR);
  done(r);
  r = parse(XB_CSV_FEED, "v,\ta b\t");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, "v", NULL, 0, "a b");
  done(r);
}
END_TEST

START_TEST(syntax_wins_over_content_XB_CSV_21)
/* XB-CSV-21 with the check order of XB-RES-86: a 400 anywhere beats an earlier 422. */
{
  expect_status(XB_CSV_FEED, "temp!,1\n0,\"abc", XB_CSV_SYNTAX, XB_CSV_R_UNTERMINATED);
  expect_status(XB_CSV_FEED, "temp!,1\n0,1,2,3", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_FEED, "a,1\na,2\n\xff", XB_CSV_SYNTAX, XB_CSV_R_UTF8);
  expect_status(XB_CSV_FEED, "0,2013-02-30T00:00:00Z,1\n0,1\r2", XB_CSV_SYNTAX, XB_CSV_R_CR);
  /* between two 422s the first in payload order is reported */
  run *r = parse(XB_CSV_FEED, "ok,1\nbad!,1\nx,2013-13-01T00:00:00Z,1");
  ck_assert_int_eq(r->st, XB_CSV_INVALID);
  ck_assert_int_eq(r->err.reason, XB_CSV_R_BAD_ID);
  ck_assert_uint_eq(r->err.line, 2);
  ck_assert_uint_eq(r->err.col, 1);
  done(r);
  r = parse(XB_CSV_FEED, "ok,1\nx, 2013-13-01T00:00:00Z,1");
  ck_assert_int_eq(r->err.reason, XB_CSV_R_BAD_TIMESTAMP);
  ck_assert_uint_eq(r->err.line, 2);
  ck_assert_uint_eq(r->err.col, 4);
  done(r);
}
END_TEST

START_TEST(too_many_values_XB_RES_63)
/* XB-RES-63 / XB-LIM-8: more values than max-datapoints (the caller's cap) is 422
 * too-many-datapoints; exactly cap is fine; a later syntax error still wins. */
{
  run *r = parse_n(XB_CSV_FEED, "a,1\nb,2\nc,3", 11, 3);
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 3);
  done(r);
  r = parse_n(XB_CSV_FEED, "a,1\nb,2\nc,3", 11, 2);
  ck_assert_int_eq(r->st, XB_CSV_TOO_MANY_VALUES);
  ck_assert_int_eq(r->err.reason, XB_CSV_R_TOO_MANY_VALUES);
  ck_assert_uint_eq(r->err.line, 3);
  ck_assert_uint_eq(r->n, 0);
  done(r);
  r = parse_n(XB_CSV_FEED, "a,1\nb,2\nc,3\n\"", 13, 2);
  ck_assert_int_eq(r->st, XB_CSV_SYNTAX);
  done(r);
  r = parse_n(XB_CSV_V1_FEED, "1,2,3", 5, 2);
  ck_assert_int_eq(r->st, XB_CSV_TOO_MANY_VALUES);
  done(r);
  /* 500 records with the default cap: fine; 501: too many */
  static char p[600 * 40];
  p[0] = '\0';
  for (int i = 0; i < 501; i++) {
    char line[48];
    snprintf(line, sizeof line, "s%d,%d\n", i, i);
    strcat(p, line);
  }
  r = parse_n(XB_CSV_FEED, p, strlen(p), 500);
  ck_assert_int_eq(r->st, XB_CSV_TOO_MANY_VALUES);
  done(r);
  r = parse_n(XB_CSV_FEED, p, strlen(p), 501);
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 501);
  done(r);
  r = parse_n(XB_CSV_FEED, "a,1", 3, 0); /* max-datapoints 0: any value is one too many */
  ck_assert_int_eq(r->st, XB_CSV_TOO_MANY_VALUES);
  done(r);
}
END_TEST

START_TEST(datastreams_create_XB_CSV_29)
/* XB-CSV-29: as a feed update, with XB-CSV-25. */
{
  run *r = parse(XB_CSV_DATASTREAMS, "temp,21\nhum, 2013-04-23T12:00:00Z ,40");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, "temp", NULL, 0, "21");
  expect_entry(r, 1, "hum", "", T_1200, "40");
  done(r);
  expect_status(XB_CSV_DATASTREAMS, "temp", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_DATASTREAMS, "a,b,c,d", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_DATASTREAMS, "t!,1", XB_CSV_INVALID, XB_CSV_R_BAD_ID);
}
END_TEST

START_TEST(datastream_update_XB_CSV_26)
/* XB-CSV-26 and the rows of the §4 table for /v2/feeds/504/datastreams/0.csv. */
{
  run *r = parse(XB_CSV_DATASTREAM, "29");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 1);
  expect_entry(r, 0, NULL, NULL, 0, "29");
  done(r);
  r = parse(XB_CSV_DATASTREAM, "2013-04-23T12:00:00Z,29");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, NULL, "", T_1200, "29");
  done(r);
  r = parse(XB_CSV_DATASTREAM, "\"1,5\"");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, NULL, NULL, 0, "1,5");
  done(r);
  expect_status(XB_CSV_DATASTREAM, "1,5", XB_CSV_INVALID, XB_CSV_R_BAD_TIMESTAMP);
  expect_status(XB_CSV_DATASTREAM, "1\n2", XB_CSV_INVALID, XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_DATASTREAM, "2013-04-23T12:00:00Z,1\n2", XB_CSV_INVALID,
                XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_DATASTREAM, "a,b,c", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  r = parse(XB_CSV_DATASTREAM, "2013-04-23T12:00:00Z,1\r\n2013-04-23T12:35:56Z,2\r\n");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 2);
  expect_entry(r, 1, NULL, "", T_1235, "2");
  done(r);
}
END_TEST

START_TEST(datapoints_create_XB_CSV_30)
/* XB-CSV-30: every record `timestamp,value` with a non-empty timestamp. */
{
  run *r = parse(XB_CSV_DATAPOINTS, "2013-04-23T12:00:00Z,1\n2013-04-23T12:35:56Z,2");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 2);
  expect_entry(r, 0, NULL, "", T_1200, "1");
  done(r);
  expect_status(XB_CSV_DATAPOINTS, ",1", XB_CSV_INVALID, XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_DATAPOINTS, "\"\",1", XB_CSV_INVALID, XB_CSV_R_NEED_TIMESTAMP);
  expect_status(XB_CSV_DATAPOINTS, "1", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_DATAPOINTS, "2013-04-23T12:00:00Z,1,2", XB_CSV_SYNTAX,
                XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_DATAPOINTS, "noon,1", XB_CSV_INVALID, XB_CSV_R_BAD_TIMESTAMP);
}
END_TEST

START_TEST(datapoint_update_XB_CSV_31)
/* XB-CSV-31: exactly one record of exactly one field. */
{
  run *r = parse(XB_CSV_DATAPOINT, "\n 42 \n\n");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 1);
  expect_entry(r, 0, NULL, NULL, 0, "42");
  done(r);
  expect_status(XB_CSV_DATAPOINT, "2013-04-23T12:00:00Z,1", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_DATAPOINT, "1\n2", XB_CSV_SYNTAX, XB_CSV_R_RECORD_COUNT);
}
END_TEST

START_TEST(v1_feed_positional_XB_CSV_27)
/* XB-CSV-27: one record; field k is datastream "k"; an empty field is the empty
 * string; more records are 400. */
{
  run *r = parse(XB_CSV_V1_FEED, "1,Paul");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 2);
  expect_entry(r, 0, NULL, NULL, 0, "1");
  expect_entry(r, 1, NULL, NULL, 0, "Paul");
  ck_assert_uint_eq(r->e[0].index, 0);
  ck_assert_uint_eq(r->e[1].index, 1);
  done(r);
  r = parse(XB_CSV_V1_FEED, "15,912,,0, ,\"\",-30361\n");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 7);
  for (size_t k = 0; k < 7; k++) ck_assert_uint_eq(r->e[k].index, k);
  expect_entry(r, 2, NULL, NULL, 0, "");
  expect_entry(r, 4, NULL, NULL, 0, "");
  expect_entry(r, 6, NULL, NULL, 0, "-30361");
  done(r);
  expect_status(XB_CSV_V1_FEED, "1,2\n3,4", XB_CSV_SYNTAX, XB_CSV_R_RECORD_COUNT);
  expect_status(XB_CSV_V1_FEED, "1,a\tb", XB_CSV_INVALID, XB_CSV_R_CONTROL_CHAR);
  /* 2013-... is just a value in v1: no timestamp position */
  r = parse(XB_CSV_V1_FEED, "2013-04-23T12:00:00Z");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert(!r->e[0].has_at);
  done(r);
  /* 128 positions (the field bound) */
  char p[400];
  p[0] = '\0';
  for (int i = 0; i < 128; i++) strcat(p, i ? ",x" : "x");
  r = parse(XB_CSV_V1_FEED, p);
  ck_assert_int_eq(r->st, XB_CSV_OK);
  ck_assert_uint_eq(r->n, 128);
  ck_assert_uint_eq(r->e[127].index, 127);
  done(r);
  strcat(p, ",x");
  expect_status(XB_CSV_V1_FEED, p, XB_CSV_SYNTAX, XB_CSV_R_TOO_MANY_FIELDS);
}
END_TEST

START_TEST(v1_datastream_XB_CSV_28)
/* XB-CSV-28: exactly one record of exactly one field. */
{
  run *r = parse(XB_CSV_V1_DATASTREAM, "22");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, NULL, NULL, 0, "22");
  done(r);
  r = parse(XB_CSV_V1_DATASTREAM, "\"\"");
  ck_assert_int_eq(r->st, XB_CSV_OK);
  expect_entry(r, 0, NULL, NULL, 0, "");
  done(r);
  expect_status(XB_CSV_V1_DATASTREAM, "1,2", XB_CSV_SYNTAX, XB_CSV_R_FIELD_COUNT);
  expect_status(XB_CSV_V1_DATASTREAM, "1\n2", XB_CSV_SYNTAX, XB_CSV_R_RECORD_COUNT);
  expect_status(XB_CSV_V1_DATASTREAM, "", XB_CSV_SYNTAX, XB_CSV_R_EMPTY);
}
END_TEST

START_TEST(every_shape_refuses_malformed_payloads_XB_CSV_14_XB_CSV_15_XB_CSV_16)
/* XB-CSV-14..16 apply to every write target. */
{
  for (int sh = XB_CSV_FEED; sh <= XB_CSV_V1_DATASTREAM; sh++) {
    expect_status((xb_csv_shape)sh, "", XB_CSV_SYNTAX, XB_CSV_R_EMPTY);
    expect_status((xb_csv_shape)sh, " \r\n\n\t", XB_CSV_SYNTAX, XB_CSV_R_EMPTY);
    expect_status((xb_csv_shape)sh, "\xef\xbb\xbf" "1", XB_CSV_SYNTAX, XB_CSV_R_BOM);
    expect_status((xb_csv_shape)sh, "\xc3\x28", XB_CSV_SYNTAX, XB_CSV_R_UTF8);
    expect_status((xb_csv_shape)sh, "1\r", XB_CSV_SYNTAX, XB_CSV_R_CR);
    expect_status((xb_csv_shape)sh, "\"1", XB_CSV_SYNTAX, XB_CSV_R_UNTERMINATED);
  }
}
END_TEST

START_TEST(bad_arguments_XB_CSV_23)
/* XB-CSV-23: defensive checks, never a crash. */
{
  xb_csv_entry e[2];
  size_t n = 7;
  xb_csv_error err;
  const uint8_t *in = (const uint8_t *)"a,1";
  ck_assert_int_eq(xb_csv_parse(in, 3, XB_CSV_FEED, e, 2, NULL, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_parse(in, 3, XB_CSV_FEED, e, 2, &n, NULL), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_parse(NULL, 3, XB_CSV_FEED, e, 2, &n, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_parse(in, 3, XB_CSV_FEED, NULL, 2, &n, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_parse(in, 3, (xb_csv_shape)0, e, 2, &n, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_parse(in, 3, (xb_csv_shape)99, e, 2, &n, &err), XB_CSV_BAD_ARGUMENT);
  ck_assert_int_eq(xb_csv_parse(NULL, 0, XB_CSV_FEED, e, 2, &n, &err), XB_CSV_SYNTAX);
  ck_assert_int_eq(err.reason, XB_CSV_R_EMPTY);
  ck_assert_int_eq(xb_csv_parse(in, 3, XB_CSV_FEED, NULL, 0, &n, &err), XB_CSV_TOO_MANY_VALUES);
}
END_TEST

Suite *xb_suite_csv_shape(void);
Suite *xb_suite_csv_shape(void)
{
  Suite *s = suite_create("csv_shape");
  TCase *tc = tcase_create("shapes");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, feed_example_of_section_4_XB_CSV_24);
  tcase_add_test(tc, feed_table_of_section_4_XB_CSV_24_XB_CSV_25);
  tcase_add_test(tc, repeated_id_needs_timestamps_XB_CSV_25);
  tcase_add_test(tc, empty_timestamp_means_request_time_XB_CSV_22);
  tcase_add_test(tc, read_renderings_publish_back_XB_CSV_6_XB_CSV_8_XB_CSV_12);
  tcase_add_test(tc, ids_are_ds_ids_XB_CSV_21);
  tcase_add_test(tc, values_are_strings_XB_CSV_19_XB_CSV_21);
  tcase_add_test(tc, syntax_wins_over_content_XB_CSV_21);
  tcase_add_test(tc, too_many_values_XB_RES_63);
  tcase_add_test(tc, datastreams_create_XB_CSV_29);
  tcase_add_test(tc, datastream_update_XB_CSV_26);
  tcase_add_test(tc, datapoints_create_XB_CSV_30);
  tcase_add_test(tc, datapoint_update_XB_CSV_31);
  tcase_add_test(tc, v1_feed_positional_XB_CSV_27);
  tcase_add_test(tc, v1_datastream_XB_CSV_28);
  tcase_add_test(tc, every_shape_refuses_malformed_payloads_XB_CSV_14_XB_CSV_15_XB_CSV_16);
  tcase_add_test(tc, bad_arguments_XB_CSV_23);
  suite_add_tcase(s, tc);
  return s;
}
