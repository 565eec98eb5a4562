/*
 * xb_csv.c — the CSV record tokenizer (spec/csv.md §3; API and logic in xb_csv.h).
 *
 * One left-to-right pass per line through the six-state machine that xb_csv_step (ACSL)
 * defines, so the contracts can say "the fields are exactly the pieces between unquoted
 * commas" in terms of the input bytes alone. Errors are detected at the byte that makes
 * the line malformed; the ghost loops after an error only carry the proof that the
 * verdict holds for the whole line (the error state is absorbing).
 */
#include "formats/xb_csv.h"

enum { XB_ST_START = 0, XB_ST_BARE = 1, XB_ST_QUOTED = 2, XB_ST_QSEEN = 3, XB_ST_AFTER = 4,
       XB_ST_ERR = 5 };

/*@
  requires \true;
  assigns \nothing;
  ensures \result != \null;
*/
const char *xb_csv_reason_text(xb_csv_reason r)
{
  const char *t = "error";
  switch (r) {
  case XB_CSV_R_NONE: t = "no error"; break;
  case XB_CSV_R_EMPTY: t = "empty payload"; break;
  case XB_CSV_R_BOM: t = "byte order mark"; break;
  case XB_CSV_R_UTF8: t = "invalid UTF-8"; break;
  case XB_CSV_R_CR: t = "carriage return not followed by line feed"; break;
  case XB_CSV_R_LF: t = "line feed inside a record"; break;
  case XB_CSV_R_QUOTE_IN_FIELD: t = "quote inside an unquoted field"; break;
  case XB_CSV_R_AFTER_QUOTE: t = "text after a closing quote"; break;
  case XB_CSV_R_UNTERMINATED: t = "unterminated quoted field"; break;
  case XB_CSV_R_TOO_MANY_FIELDS: t = "too many fields"; break;
  case XB_CSV_R_FIELD_TOO_LONG: t = "field longer than 4096 bytes"; break;
  case XB_CSV_R_FIELD_COUNT: t = "wrong number of fields"; break;
  case XB_CSV_R_RECORD_COUNT: t = "only one record allowed"; break;
  case XB_CSV_R_BAD_ID: t = "invalid datastream id"; break;
  case XB_CSV_R_BAD_TIMESTAMP: t = "invalid timestamp"; break;
  case XB_CSV_R_VALUE_TOO_LONG: t = "value longer than 255 bytes"; break;
  case XB_CSV_R_CONTROL_CHAR: t = "control character in value"; break;
  case XB_CSV_R_NEED_TIMESTAMP: t = "several values for one datastream need timestamps"; break;
  case XB_CSV_R_TOO_MANY_VALUES: t = "too many datapoints"; break;
  case XB_CSV_R_ARGUMENT: t = "bad argument"; break;
  default: break;
  }
  return t;
}

/*@
  requires \true;
  assigns \nothing;
  ensures \result == 200 || \result == 400 || \result == 422 || \result == 500;
  ensures st == XB_CSV_SYNTAX <==> \result == 400;
  ensures st == XB_CSV_INVALID || st == XB_CSV_TOO_MANY_VALUES <==> \result == 422;
*/
int xb_csv_http_status(xb_csv_status st)
{
  int code = 500;
  if (st == XB_CSV_OK || st == XB_CSV_END) {
    code = 200;
  } else if (st == XB_CSV_SYNTAX) {
    code = 400; /* XB-CSV-21, XB-RES-87: CSV Parser Error */
  } else if (st == XB_CSV_INVALID || st == XB_CSV_TOO_MANY_VALUES) {
    code = 422;
  }
  return code;
}

/*@
  requires err == \null || \valid(err);
  assigns *err;
  ensures err != \null ==> err->reason == r && err->off == off && err->line == line
                          && err->col == col;
*/
static void xb_csv_fail(xb_csv_error *err, xb_csv_reason r, size_t off, size_t line,
                        size_t col)
{
  if (err != NULL) {
    err->reason = r;
    err->off = off;
    err->line = line;
    err->col = col;
  }
}

/* ------------------------------------------------------------------ UTF-8 (XB-CSV-14) */

/*@
  // Length of the well-formed sequence starting at i (RFC 3629 table 3-7), 0 if none.
  logic integer xb_u8len{L}(uint8_t *in, integer i, integer len) =
    in[i] <= 0x7F ? 1
    : (0xC2 <= in[i] && in[i] <= 0xDF) ?
        ((i + 1 < len && 0x80 <= in[i + 1] && in[i + 1] <= 0xBF) ? 2 : 0)
    : (0xE0 <= in[i] && in[i] <= 0xEF) ?
        ((i + 2 < len
          && (in[i] == 0xE0 ? 0xA0 : 0x80) <= in[i + 1]
          && in[i + 1] <= (in[i] == 0xED ? 0x9F : 0xBF)
          && 0x80 <= in[i + 2] && in[i + 2] <= 0xBF) ? 3 : 0)
    : (0xF0 <= in[i] && in[i] <= 0xF4) ?
        ((i + 3 < len
          && (in[i] == 0xF0 ? 0x90 : 0x80) <= in[i + 1]
          && in[i + 1] <= (in[i] == 0xF4 ? 0x8F : 0xBF)
          && 0x80 <= in[i + 2] && in[i + 2] <= 0xBF
          && 0x80 <= in[i + 3] && in[i + 3] <= 0xBF) ? 4 : 0)
    : 0;

  // in[i .. len-1] is a sequence of well-formed UTF-8 sequences.
  predicate xb_u8ok{L}(uint8_t *in, integer i, integer len) =
    i >= len || (xb_u8len(in, i, len) != 0 && xb_u8ok(in, i + xb_u8len(in, i, len), len));
*/

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires i < len;
  assigns \nothing;
  ensures \result == xb_u8len(in, i, len);
  ensures 0 <= \result <= 4 && i + \result <= len;
*/
static size_t xb_csv_u8len(const uint8_t *in, size_t i, size_t len)
{
  size_t k = 0;
  uint8_t b = in[i];
  if (b <= 0x7Fu) {
    k = 1;
  } else if (b >= 0xC2u && b <= 0xDFu) {
    if (len - i > 1u && in[i + 1u] >= 0x80u && in[i + 1u] <= 0xBFu) {
      k = 2;
    }
  } else if (b >= 0xE0u && b <= 0xEFu) {
    /* E0: no overlong form; ED: no surrogate */
    uint8_t lo1 = b == 0xE0u ? 0xA0u : 0x80u;
    uint8_t hi1 = b == 0xEDu ? 0x9Fu : 0xBFu;
    if (len - i > 2u && in[i + 1u] >= lo1 && in[i + 1u] <= hi1 && in[i + 2u] >= 0x80u
        && in[i + 2u] <= 0xBFu) {
      k = 3;
    }
  } else if (b >= 0xF0u && b <= 0xF4u) {
    /* F0: no overlong form; F4: nothing above U+10FFFF */
    uint8_t lo1 = b == 0xF0u ? 0x90u : 0x80u;
    uint8_t hi1 = b == 0xF4u ? 0x8Fu : 0xBFu;
    if (len - i > 3u && in[i + 1u] >= lo1 && in[i + 1u] <= hi1 && in[i + 2u] >= 0x80u
        && in[i + 2u] <= 0xBFu && in[i + 3u] >= 0x80u && in[i + 3u] <= 0xBFu) {
      k = 4;
    }
  }
  return k;
}

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  assigns \nothing;
  ensures \result <= len;
  ensures in == \null ==> \result == 0;
  ensures in != \null ==> (\result == len <==> xb_u8ok(in, 0, len));
  ensures in != \null && \result < len ==> xb_u8len(in, \result, len) == 0;
*/
size_t xb_csv_utf8_prefix(const uint8_t *in, size_t len)
{
  size_t i = 0;
  if (in != NULL) {
    bool bad = false;
    /*@
      loop invariant 0 <= i <= len;
      loop invariant xb_u8ok(in, 0, len) <==> (!bad && xb_u8ok(in, i, len));
      loop invariant bad ==> i < len && xb_u8len(in, i, len) == 0;
      loop assigns i, bad;
      loop variant len - i + (bad ? 0 : 1);
    */
    while (!bad && i < len) {
      size_t k = xb_csv_u8len(in, i, len);
      if (k == 0u) {
        bad = true;
      } else {
        i += k;
      }
    }
  }
  return i;
}

/*@
  requires \valid_read(in + (0 .. off - 1));
  requires off < SIZE_MAX;
  requires err == \null || \valid(err);
  assigns *err;
  ensures err != \null ==> err->reason == r && err->off == off && 1 <= err->line <= off + 1
                          && 1 <= err->col <= off + 1;
*/
static void xb_csv_fail_at(const uint8_t *in, size_t off, xb_csv_reason r, xb_csv_error *err)
{
  size_t line = 1;
  size_t start = 0;
  /*@
    loop invariant 0 <= i <= off;
    loop invariant 1 <= line <= i + 1;
    loop invariant 0 <= start <= i;
    loop assigns i, line, start;
    loop variant off - i;
  */
  for (size_t i = 0; i < off; i++) {
    if (in[i] == '\n') {
      line++;
      start = i + 1u;
    }
  }
  xb_csv_fail(err, r, off, line, off - start + 1u);
}

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  requires err == \null || \valid(err);
  requires in == \null || err == \null || \separated(err, in + (0 .. len - 1));
  assigns *err;
  ensures \result == XB_CSV_OK || \result == XB_CSV_SYNTAX || \result == XB_CSV_BAD_ARGUMENT;
  ensures \result == XB_CSV_BAD_ARGUMENT <==> in == \null && len > 0;
  ensures \result == XB_CSV_OK ==>
            len == 0 || (xb_u8ok{Pre}(in, 0, len)
                         && !(len >= 3 && \at(in[0], Pre) == 0xEF && \at(in[1], Pre) == 0xBB
                              && \at(in[2], Pre) == 0xBF));
  ensures \result == XB_CSV_SYNTAX ==>
            !xb_u8ok{Pre}(in, 0, len)
            || (len >= 3 && \at(in[0], Pre) == 0xEF && \at(in[1], Pre) == 0xBB
                && \at(in[2], Pre) == 0xBF);
*/
xb_csv_status xb_csv_check_payload(const uint8_t *in, size_t len, xb_csv_error *err)
{
  xb_csv_status st = XB_CSV_OK;
  if (in == NULL) {
    if (len > 0u) {
      st = XB_CSV_BAD_ARGUMENT;
      xb_csv_fail(err, XB_CSV_R_ARGUMENT, 0, 1, 1);
    }
  } else if (len >= 3u && in[0] == 0xEFu && in[1] == 0xBBu && in[2] == 0xBFu) {
    st = XB_CSV_SYNTAX; /* XB-CSV-14 */
    xb_csv_fail(err, XB_CSV_R_BOM, 0, 1, 1);
  } else {
    size_t p = xb_csv_utf8_prefix(in, len);
    if (p < len) {
      st = XB_CSV_SYNTAX; /* XB-CSV-14 */
      xb_csv_fail_at(in, p, XB_CSV_R_UTF8, err);
    }
  }
  return st;
}

/* ------------------------------------------------------------------ one line */

/*@
  requires s <= 5;
  assigns \nothing;
  ensures \result == xb_csv_step(s, c);
  ensures 0 <= \result <= 5;
*/
static uint8_t xb_csv_next_state(uint8_t s, uint8_t c)
{
  uint8_t n = XB_ST_ERR;
  bool blank = c == ' ' || c == '\t';
  if (c == '\r' || c == '\n') {
    n = XB_ST_ERR; /* XB-CSV-15: a line never holds a CR or LF */
  } else if (s == XB_ST_START) {
    n = (blank || c == ',') ? XB_ST_START : (c == '"' ? XB_ST_QUOTED : XB_ST_BARE);
  } else if (s == XB_ST_BARE) {
    n = c == ',' ? XB_ST_START : (c == '"' ? XB_ST_ERR : XB_ST_BARE);
  } else if (s == XB_ST_QUOTED) {
    n = c == '"' ? XB_ST_QSEEN : XB_ST_QUOTED;
  } else if (s == XB_ST_QSEEN) {
    n = c == '"' ? XB_ST_QUOTED : (c == ',' ? XB_ST_START : (blank ? XB_ST_AFTER : XB_ST_ERR));
  } else if (s == XB_ST_AFTER) {
    n = c == ',' ? XB_ST_START : (blank ? XB_ST_AFTER : XB_ST_ERR);
  }
  return n;
}

/* What the scanner knows about the field it is reading. */
typedef struct {
  size_t end;    /* where it stopped: a separator, the end of the line, or a bad byte */
  size_t wstart; /* first non-blank byte of the field (st != START) */
  size_t wend;   /* one past its last non-blank byte (st != START) */
  uint32_t st;   /* state before in[end] (not a byte: the input's bytes are a separate
                  * memory for WP, so writing this keeps every fact about the input) */
  bool esc;      /* a doubled quote was read inside the quotes */
  bool bad;      /* in[end] makes the line malformed */
} xb_csv_scan;

/*@
  // The field read so far is in[f .. i-1] and the machine is in state s: how its written
  // text (w .. we-1) and quotes sit in it.
  predicate xb_csv_cur{L}(uint8_t *in, integer f, integer i, integer s, integer w,
                          integer we, integer esc) =
    (s == 0 ==> xb_csv_all_blank(in, f, i))
    && (s != 0 ==> f <= w < we <= i && xb_csv_all_blank(in, f, w) && xb_csv_all_blank(in, we, i)
                   && !xb_csv_blank(in[w]) && !xb_csv_blank(in[we - 1]))
    && (s <= 1 ==> \forall integer p; f <= p < i ==> in[p] != 34)
    && (s >= 2 ==> in[w] == 34)
    && (s >= 3 ==> in[we - 1] == 34 && w + 2 <= we)
    && (s == 3 ==> we == i)
    && (s == 2 && esc == 0 ==> \forall integer p; w < p < i ==> in[p] != 34)
    && (s >= 3 && esc == 0 ==> \forall integer p; w < p < we - 1 ==> in[p] != 34);
*/

/*@
  requires \valid_read(in + (p .. hi - 1));
  requires \valid(o);
  requires \separated(o, in + (p .. hi - 1));
  requires lo <= p <= hi;
  requires xb_csv_st(in, lo, p) == 0;
  assigns *o;
  ensures p <= o->end <= hi;
  ensures o->st <= 4 && o->st == xb_csv_st(in, lo, o->end);
  ensures xb_csv_nsep(in, lo, o->end) == xb_csv_nsep(in, lo, p);
  ensures \forall integer q; p <= q < o->end ==> !xb_csv_sep(in, lo, q);
  ensures xb_csv_no_lf(in, p, o->end);
  ensures xb_csv_cur(in, p, o->end, o->st, o->wstart, o->wend, o->esc);
  ensures o->bad ==> o->end < hi && xb_csv_step(o->st, in[o->end]) == 5;
  ensures !o->bad && o->end < hi ==> in[o->end] == 44 && o->st != 2;
*/
static void xb_csv_scan_field(const uint8_t *in, size_t lo, size_t p, size_t hi,
                              xb_csv_scan *o)
{
  size_t i = p;
  size_t wstart = p;
  size_t wend = p;
  bool esc = false;
  bool stop = false;
  bool bad = false;
  uint8_t st = XB_ST_START;
  /*@
    loop invariant p <= i <= hi;
    loop invariant st <= 4 && st == xb_csv_st(in, lo, i);
    loop invariant xb_csv_nsep(in, lo, i) == xb_csv_nsep(in, lo, p);
    loop invariant \forall integer q; p <= q < i ==> !xb_csv_sep(in, lo, q);
    loop invariant xb_csv_no_lf(in, p, i);
    loop invariant xb_csv_cur(in, p, i, st, wstart, wend, esc);
    loop invariant stop ==> i < hi;
    loop invariant bad ==> stop;
    loop invariant stop && bad ==> xb_csv_step(st, in[i]) == 5;
    loop invariant stop && !bad ==> in[i] == 44 && st != 2;
    loop assigns i, st, wstart, wend, esc, stop, bad;
    loop variant hi - i + (stop ? 0 : 1);
  */
  while (!stop && i < hi) {
    uint8_t c = in[i];
    uint8_t ns = xb_csv_next_state(st, c);
    if (ns == XB_ST_ERR) {
      stop = true; /* XB-CSV-15, XB-CSV-18 */
      bad = true;
    } else if (c == ',' && st != XB_ST_QUOTED) {
      stop = true; /* XB-CSV-17: a separator */
    } else {
      if (c != ' ' && c != '\t') {
        if (st == XB_ST_START) {
          wstart = i;
        }
        wend = i + 1u;
      }
      if (st == XB_ST_QSEEN && c == '"') {
        esc = true; /* XB-CSV-17: "" stands for one " */
      }
      st = ns;
      i++;
    }
  }
  (void)lo; /* only the contract reads it */
  o->end = i;
  o->wstart = wstart;
  o->wend = wend;
  o->st = st;
  o->esc = esc;
  o->bad = bad;
}

/*@
  requires \valid_read(in + (fstart .. rend - 1));
  requires \valid(f);
  requires \separated(f, in + (fstart .. rend - 1));
  requires fstart <= rend;
  requires st <= 4 && st != 2;
  requires xb_csv_cur(in, fstart, rend, st, wstart, wend, esc);
  requires st != 0 ==> wend - wstart <= XB_CSV_MAX_FIELD_BYTES;
  assigns *f;
  ensures f->raw_off == fstart && f->raw_len == rend - fstart;
  ensures xb_csv_field_ok(in, f);
*/
static void xb_csv_close_field(const uint8_t *in, size_t fstart, size_t rend, uint32_t st,
                               size_t wstart, size_t wend, bool esc, xb_csv_field *f)
{
  f->raw_off = fstart;
  f->raw_len = rend - fstart;
  f->quoted = false;
  f->escaped = false;
  if (st == XB_ST_START) {
    f->wr_off = fstart; /* only blanks: the empty string */
    f->wr_len = 0;
    f->off = fstart;
    f->len = 0;
  } else if (st == XB_ST_BARE) {
    f->wr_off = wstart;
    f->wr_len = wend - wstart;
    f->off = wstart;
    f->len = wend - wstart;
  } else {
    /* XB-CSV-19: XB-RES-2 trims inside the quotes too */
    size_t a = wstart + 1u;
    size_t b = wend - 1u;
    /*@
      loop invariant wstart + 1 <= a <= b;
      loop invariant xb_csv_all_blank(in, wstart + 1, a);
      loop assigns a;
      loop variant b - a;
    */
    while (a < b && (in[a] == ' ' || in[a] == '\t')) {
      a++;
    }
    /*@
      loop invariant a <= b <= wend - 1;
      loop invariant xb_csv_all_blank(in, b, wend - 1);
      loop assigns b;
      loop variant b - a;
    */
    while (b > a && (in[b - 1u] == ' ' || in[b - 1u] == '\t')) {
      b--;
    }
    f->wr_off = wstart;
    f->wr_len = wend - wstart;
    f->off = a;
    f->len = b - a;
    f->quoted = true;
    f->escaped = esc;
  }
}

/*@
  // fields[0 .. n-1] closed so far, the last one ending before p (or at the line end).
  predicate xb_csv_closed{L}(uint8_t *in, integer lo, integer hi, xb_csv_field *fields,
                             integer n) =
    (n > 0 ==> fields[0].raw_off == lo)
    && (\forall integer k; 0 <= k < n - 1 ==>
          xb_csv_sep(in, lo, fields[k].raw_off + fields[k].raw_len)
          && fields[k + 1].raw_off == fields[k].raw_off + fields[k].raw_len + 1)
    && (\forall integer k; 0 <= k < n ==>
          lo <= fields[k].raw_off && fields[k].raw_off + fields[k].raw_len <= hi
          && (\forall integer p; fields[k].raw_off <= p < fields[k].raw_off + fields[k].raw_len
                ==> !xb_csv_sep(in, lo, p))
          && xb_csv_field_ok(in, fields + k));
*/

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  requires fields == \null || \valid(fields + (0 .. cap - 1));
  requires nfields == \null || \valid(nfields);
  requires err == \null || \valid(err);
  requires in == \null || fields == \null || nfields == \null || err == \null
           || \separated(fields + (0 .. cap - 1), nfields, err, in + (0 .. len - 1));
  assigns fields[0 .. cap - 1], *nfields, *err;
  ensures \result == XB_CSV_OK || \result == XB_CSV_SYNTAX || \result == XB_CSV_BAD_ARGUMENT;
  ensures \result == XB_CSV_BAD_ARGUMENT <==>
            in == \null || fields == \null || nfields == \null || err == \null
            || lo > hi || hi > len;
  ensures \result == XB_CSV_OK ==> 1 <= *nfields <= cap && *nfields <= XB_CSV_MAX_FIELDS;
  ensures \result == XB_CSV_OK ==> xb_csv_line_ok(in, lo, hi) && xb_csv_no_lf(in, lo, hi);
  ensures \result == XB_CSV_OK ==> xb_csv_pieces(in, lo, hi, fields, *nfields);
  ensures \result == XB_CSV_SYNTAX ==> lo <= err->off <= hi;
  ensures \result == XB_CSV_SYNTAX ==> err->line == line && err->col == err->off - lo + 1;
  ensures \result == XB_CSV_SYNTAX ==>
            err->reason == XB_CSV_R_CR || err->reason == XB_CSV_R_LF
            || err->reason == XB_CSV_R_QUOTE_IN_FIELD || err->reason == XB_CSV_R_AFTER_QUOTE
            || err->reason == XB_CSV_R_UNTERMINATED || err->reason == XB_CSV_R_TOO_MANY_FIELDS
            || err->reason == XB_CSV_R_FIELD_TOO_LONG;
  ensures \result == XB_CSV_SYNTAX && err->reason != XB_CSV_R_TOO_MANY_FIELDS
          && err->reason != XB_CSV_R_FIELD_TOO_LONG ==> !xb_csv_line_ok(in, lo, hi);
  ensures \result == XB_CSV_SYNTAX && err->reason == XB_CSV_R_TOO_MANY_FIELDS ==>
            xb_csv_nsep(in, lo, hi) + 1 > cap || xb_csv_nsep(in, lo, hi) + 1 > XB_CSV_MAX_FIELDS;
  ensures \result == XB_CSV_SYNTAX && err->reason == XB_CSV_R_FIELD_TOO_LONG ==>
            \exists integer a, b; lo <= a < b <= hi && b - a > XB_CSV_MAX_FIELD_BYTES
              && !xb_csv_blank(in[a]) && !xb_csv_blank(in[b - 1])
              && \forall integer p; a <= p < b ==> !xb_csv_sep(in, lo, p);
*/
xb_csv_status xb_csv_split_line(const uint8_t *in, size_t len, size_t lo, size_t hi,
                                size_t line, xb_csv_field *fields, size_t cap,
                                size_t *nfields, xb_csv_error *err)
{
  xb_csv_status status = XB_CSV_OK;
  if (in == NULL || fields == NULL || nfields == NULL || err == NULL || lo > hi || hi > len) {
    status = XB_CSV_BAD_ARGUMENT;
    xb_csv_fail(err, XB_CSV_R_ARGUMENT, lo, line, 1);
  } else {
    /* XB-CSV-20: at most 128 fields, and no more than the caller can hold */
    size_t maxf = cap < XB_CSV_MAX_FIELDS ? cap : XB_CSV_MAX_FIELDS;
    size_t p = lo;    /* start of the current field */
    size_t n = 0;     /* fields closed */
    /*@ ghost size_t epos = lo; */ /* where the line went wrong */
    /*@ ghost size_t ea = lo; */   /* the overlong field's written text, ea .. eb-1 */
    /*@ ghost size_t eb = lo; */
    bool done = false;
    xb_csv_scan sc;
    sc.end = lo;
    sc.wstart = lo;
    sc.wend = lo;
    sc.st = XB_ST_START;
    sc.esc = false;
    sc.bad = false;
    if (maxf == 0u) {
      status = XB_CSV_SYNTAX;
      xb_csv_fail(err, XB_CSV_R_TOO_MANY_FIELDS, lo, line, 1);
    }
    /*@
      loop invariant lo <= p <= hi;
      loop invariant status == XB_CSV_OK || status == XB_CSV_SYNTAX;
      loop invariant 0 <= n <= maxf;
      loop invariant xb_csv_no_lf(in, lo, p);
      loop invariant status == XB_CSV_OK && !done ==>
                       xb_csv_st(in, lo, p) == 0 && n == xb_csv_nsep(in, lo, p) && n < maxf
                       && (n == 0 ==> p == lo)
                       && (n > 0 ==> p == fields[n - 1].raw_off + fields[n - 1].raw_len + 1
                                     && xb_csv_sep(in, lo, p - 1));
      loop invariant done ==> status == XB_CSV_OK && n >= 1
                       && n == xb_csv_nsep(in, lo, hi) + 1
                       && fields[n - 1].raw_off + fields[n - 1].raw_len == hi
                       && xb_csv_line_ok(in, lo, hi) && xb_csv_no_lf(in, lo, hi);
      loop invariant xb_csv_closed(in, lo, hi, fields, n);
      loop invariant status == XB_CSV_SYNTAX ==>
                       lo <= err->off <= hi && err->line == line && err->col == err->off - lo + 1
                       && lo <= epos <= hi;
      loop invariant status == XB_CSV_SYNTAX ==>
        (err->reason == XB_CSV_R_TOO_MANY_FIELDS
           && (maxf == 0 || (epos < hi && xb_csv_nsep(in, lo, epos + 1) >= maxf)))
        || (err->reason == XB_CSV_R_FIELD_TOO_LONG
            && lo <= ea < eb <= hi && eb - ea > XB_CSV_MAX_FIELD_BYTES
            && !xb_csv_blank(in[ea]) && !xb_csv_blank(in[eb - 1])
            && \forall integer q; ea <= q < eb ==> !xb_csv_sep(in, lo, q))
        || (err->reason == XB_CSV_R_UNTERMINATED && xb_csv_st(in, lo, hi) == 2)
        || ((err->reason == XB_CSV_R_CR || err->reason == XB_CSV_R_LF
             || err->reason == XB_CSV_R_QUOTE_IN_FIELD || err->reason == XB_CSV_R_AFTER_QUOTE)
            && epos < hi && xb_csv_st(in, lo, epos + 1) == 5);
      loop assigns p, n, epos, ea, eb, done, status, sc, fields[0 .. cap - 1], *err;
      loop variant 2 * (hi - p) + (status == XB_CSV_OK && !done ? 1 : 0);
    */
    while (status == XB_CSV_OK && !done) {
      xb_csv_scan_field(in, lo, p, hi, &sc);
      if (sc.bad) {
        /* XB-CSV-15, XB-CSV-18 */
        uint8_t c = in[sc.end];
        xb_csv_reason r = XB_CSV_R_AFTER_QUOTE;
        if (c == '\r') {
          r = XB_CSV_R_CR;
        } else if (c == '\n') {
          r = XB_CSV_R_LF;
        } else if (sc.st == XB_ST_BARE) {
          r = XB_CSV_R_QUOTE_IN_FIELD;
        }
        status = XB_CSV_SYNTAX;
        /*@ ghost epos = sc.end; */
        xb_csv_fail(err, r, sc.end, line, sc.end - lo + 1u);
      } else if (sc.st == XB_ST_QUOTED) {
        status = XB_CSV_SYNTAX; /* XB-CSV-18: quotes never span lines */
        /*@ ghost epos = sc.wstart; */
        xb_csv_fail(err, XB_CSV_R_UNTERMINATED, sc.wstart, line, sc.wstart - lo + 1u);
      } else if (sc.st != XB_ST_START && sc.wend - sc.wstart > XB_CSV_MAX_FIELD_BYTES) {
        status = XB_CSV_SYNTAX; /* XB-CSV-20 */
        /*@ ghost epos = sc.wstart; */
        /*@ ghost ea = sc.wstart; */
        /*@ ghost eb = sc.wend; */
        xb_csv_fail(err, XB_CSV_R_FIELD_TOO_LONG, sc.wstart, line, sc.wstart - lo + 1u);
      } else if (sc.end < hi && n + 1u >= maxf) {
        status = XB_CSV_SYNTAX; /* XB-CSV-20: one field too many */
        /*@ ghost epos = sc.end; */
        xb_csv_fail(err, XB_CSV_R_TOO_MANY_FIELDS, sc.end, line, sc.end - lo + 1u);
      } else {
        xb_csv_close_field(in, p, sc.end, sc.st, sc.wstart, sc.wend, sc.esc, fields + n);
        n++;
        if (sc.end == hi) {
          done = true;
        } else {
          p = sc.end + 1u;
        }
      }
    }
    if (status == XB_CSV_SYNTAX) {
      /* The verdict holds for the whole line: the error state absorbs (xb_csv_step) and
       * separators only add up. Ghost code, for the proof only. */
      /*@ ghost
        size_t q = lo;
        /@ loop invariant lo <= q <= hi;
           loop invariant xb_csv_nsep(in, lo, q) >= 0;
           loop invariant q > epos && (err->reason == XB_CSV_R_CR || err->reason == XB_CSV_R_LF
                           || err->reason == XB_CSV_R_QUOTE_IN_FIELD
                           || err->reason == XB_CSV_R_AFTER_QUOTE) ==>
                             xb_csv_st(in, lo, q) == 5;
           loop invariant q > epos && err->reason == XB_CSV_R_TOO_MANY_FIELDS && maxf != 0 ==>
                             xb_csv_nsep(in, lo, q) >= maxf;
           loop assigns q;
           loop variant hi - q; @/
        while (q < hi) {
          q++;
        }
      */
    } else {
      *nfields = n;
    }
  }
  return status;
}

/* ------------------------------------------------------------------ records */

/*@
  // A byte of a skipped stretch: blanks and line terminators (XB-CSV-15, XB-CSV-16).
  predicate xb_csv_skippable{L}(uint8_t *in, integer p, integer len) =
    xb_csv_blank(in[p]) || in[p] == 10 || (in[p] == 13 && p + 1 < len && in[p + 1] == 10);
*/

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  requires cur == \null || \valid(cur);
  requires fields == \null || \valid(fields + (0 .. cap - 1));
  requires rec == \null || \valid(rec);
  requires err == \null || \valid(err);
  requires in == \null || cur == \null || fields == \null || rec == \null || err == \null
           || \separated(cur, rec, err, fields + (0 .. cap - 1), in + (0 .. len - 1));
  assigns *cur, fields[0 .. cap - 1], *rec, *err;
  ensures \result == XB_CSV_OK || \result == XB_CSV_END || \result == XB_CSV_SYNTAX
          || \result == XB_CSV_BAD_ARGUMENT;
  ensures \result == XB_CSV_BAD_ARGUMENT <==>
            in == \null || cur == \null || fields == \null || rec == \null || err == \null
            || \old(cur->pos) > len || \old(cur->line) < 1
            || \old(cur->line) > \old(cur->pos) + 1;
  ensures \result != XB_CSV_BAD_ARGUMENT ==>
            \old(cur->pos) < cur->pos <= len || (\result == XB_CSV_END && cur->pos == len);
  ensures \result != XB_CSV_BAD_ARGUMENT ==> 1 <= cur->line <= cur->pos + 1;
  ensures \result == XB_CSV_END ==>
            cur->pos == len
            && \forall integer p; \old(cur->pos) <= p < len ==> xb_csv_skippable(in, p, len);
  ensures \result == XB_CSV_OK ==>
            \old(cur->pos) <= rec->off && 1 <= rec->len && rec->off + rec->len <= cur->pos
            && rec->off + rec->len <= len && rec->line >= 1
            && (\forall integer p; \old(cur->pos) <= p < rec->off ==>
                  xb_csv_skippable(in, p, len))
            && (rec->off == \old(cur->pos) || in[rec->off - 1] == 10)
            && (rec->off + rec->len == len || in[rec->off + rec->len] == 10
                || (in[rec->off + rec->len] == 13 && rec->off + rec->len + 1 < len
                    && in[rec->off + rec->len + 1] == 10))
            && !xb_csv_all_blank(in, rec->off, rec->off + rec->len)
            && 1 <= rec->nfields <= cap && rec->nfields <= XB_CSV_MAX_FIELDS
            && xb_csv_line_ok(in, rec->off, rec->off + rec->len)
            && xb_csv_no_lf(in, rec->off, rec->off + rec->len)
            && xb_csv_pieces(in, rec->off, rec->off + rec->len, fields, rec->nfields);
  ensures \result == XB_CSV_SYNTAX ==> err->off <= len && err->line >= 1 && err->col >= 1;
*/
xb_csv_status xb_csv_next_record(const uint8_t *in, size_t len, xb_csv_cursor *cur,
                                 xb_csv_field *fields, size_t cap, xb_csv_record *rec,
                                 xb_csv_error *err)
{
  xb_csv_status status = XB_CSV_END;
  if (in == NULL || cur == NULL || fields == NULL || rec == NULL || err == NULL
      || cur->pos > len || cur->line < 1u || cur->line - 1u > cur->pos) {
    status = XB_CSV_BAD_ARGUMENT;
    xb_csv_fail(err, XB_CSV_R_ARGUMENT, 0, 1, 1);
  } else {
    size_t pos0 = cur->pos;
    size_t pos = pos0;
    size_t line = cur->line;
    bool found = false;
    size_t lo = pos0;
    size_t hi = pos0;
    size_t rline = line;
    /*@
      loop invariant pos0 <= pos <= len;
      loop invariant 1 <= line <= pos + 1;
      loop invariant found ==> pos0 < pos;
      loop invariant pos < len ==> pos == pos0 || in[pos - 1] == 10;
      loop invariant !found ==> \forall integer p; pos0 <= p < pos ==> xb_csv_skippable(in, p, len);
      loop invariant found ==>
        pos0 <= lo < hi <= len && hi < pos + (pos == len ? 1 : 0) && rline >= 1
        && (\forall integer p; pos0 <= p < lo ==> xb_csv_skippable(in, p, len))
        && (lo == pos0 || in[lo - 1] == 10)
        && (hi == len || in[hi] == 10 || (in[hi] == 13 && hi + 1 < len && in[hi + 1] == 10))
        && !xb_csv_all_blank(in, lo, hi) && xb_csv_no_lf(in, lo, hi) && hi <= pos;
      loop assigns pos, line, found, lo, hi, rline;
      loop variant len - pos;
    */
    while (!found && pos < len) {
      size_t e = pos;
      /*@
        loop invariant pos <= e <= len;
        loop invariant xb_csv_no_lf(in, pos, e);
        loop assigns e;
        loop variant len - e;
      */
      while (e < len && in[e] != '\n') {
        e++;
      }
      /* XB-CSV-15: CR LF ends a line like LF; any other CR stays and is refused */
      size_t h = e;
      if (e < len && h > pos && in[h - 1u] == '\r') {
        h--;
      }
      size_t b = pos;
      /*@
        loop invariant pos <= b <= h;
        loop invariant xb_csv_all_blank(in, pos, b);
        loop assigns b;
        loop variant h - b;
      */
      while (b < h && (in[b] == ' ' || in[b] == '\t')) {
        b++;
      }
      if (b < h) {
        found = true; /* XB-CSV-16: not blank, so a record */
        lo = pos;
        hi = h;
        rline = line;
      }
      pos = e < len ? e + 1u : len;
      if (line < SIZE_MAX) {
        line++;
      }
    }
    if (found) {
      size_t nf = 0;
      status = xb_csv_split_line(in, len, lo, hi, rline, fields, cap, &nf, err);
      if (status == XB_CSV_OK) {
        rec->off = lo;
        rec->len = hi - lo;
        rec->line = rline;
        rec->nfields = nf;
      }
    }
    cur->pos = pos;
    cur->line = line;
  }
  return status;
}

/* ------------------------------------------------------------------ decoding */

/*@
  // Bytes of the field string of the content in[a .. b-1]: "" counts once (XB-CSV-17).
  logic integer xb_csv_dlen{L}(uint8_t *in, integer a, integer b) =
    a >= b ? 0
    : (in[a] == 34 && a + 1 < b && in[a + 1] == 34) ? 1 + xb_csv_dlen(in, a + 2, b)
    : 1 + xb_csv_dlen(in, a + 1, b);
*/

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  assigns \nothing;
  ensures \result <= n;
  ensures in != \null && off <= len && n <= len - off ==>
            \result == xb_csv_dlen(in, off, off + n);
  ensures in == \null || off > len || n > len - off ==> \result == 0;
  ensures in != \null && off <= len && n <= len - off
          && (\forall integer p; off <= p < off + n ==> in[p] != 34) ==> \result == n;
*/
size_t xb_csv_decoded_size(const uint8_t *in, size_t len, size_t off, size_t n)
{
  size_t size = 0;
  if (in != NULL && off <= len && n <= len - off) {
    size_t end = off + n;
    size_t i = off;
    /*@
      loop invariant off <= i <= end;
      loop invariant size <= i - off;
      loop invariant size + xb_csv_dlen(in, i, end) == xb_csv_dlen(in, off, end);
      loop invariant (\forall integer p; off <= p < end ==> in[p] != 34) ==> size == i - off;
      loop assigns i, size;
      loop variant end - i;
    */
    while (i < end) {
      if (in[i] == '"' && i + 1u < end && in[i + 1u] == '"') {
        i += 2u;
      } else {
        i++;
      }
      size++;
    }
  }
  return size;
}

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  requires out == \null || \valid(out + (0 .. cap - 1));
  requires in == \null || out == \null || \separated(out + (0 .. cap - 1), in + (0 .. len - 1));
  assigns out[0 .. cap - 1];
  ensures \result <= n;
  ensures in != \null && off <= len && n <= len - off ==>
            \result == xb_csv_dlen{Pre}(in, off, off + n);
  ensures in == \null || off > len || n > len - off ==> \result == 0;
  ensures in != \null && off <= len && n <= len - off
          && (\forall integer p; off <= p < off + n ==> \at(in[p], Pre) != 34) ==>
            \result == n
            && (out != \null && n <= cap ==>
                  \forall integer k; 0 <= k < n ==> out[k] == \at(in[off + k], Pre));
*/
size_t xb_csv_decode(const uint8_t *in, size_t len, size_t off, size_t n, uint8_t *out,
                     size_t cap)
{
  size_t size = xb_csv_decoded_size(in, len, off, n);
  if (in != NULL && off <= len && n <= len - off && out != NULL && size <= cap) {
    size_t end = off + n;
    size_t w = 0;
    size_t i = off;
    /*@
      loop invariant off <= i <= end;
      loop invariant w <= i - off;
      loop invariant (\forall integer p; off <= p < end ==> in[p] != 34) ==>
                       w == i - off && n <= cap
                       && \forall integer k; 0 <= k < w ==> out[k] == in[off + k];
      loop assigns i, w, out[0 .. cap - 1];
      loop variant end - i;
    */
    while (i < end) {
      if (w < cap) {
        out[w] = in[i]; /* of a pair, the first quote stands for both */
      }
      if (in[i] == '"' && i + 1u < end && in[i + 1u] == '"') {
        i += 2u;
      } else {
        i++;
      }
      w++;
    }
  }
  return size;
}
