/*
 * xb_csv_line.c — the CSV record tokenizer: one line into fields, and the walk over the
 * lines of a payload (spec/csv.md §3, XB-CSV-15..20, XB-CSV-23; API and logic in
 * xb_csv.h).
 *
 * One left-to-right pass per line through the six-state machine that xb_csv_step (ACSL)
 * defines, so the contracts can say "the fields are exactly the pieces between unquoted
 * commas" in terms of the input bytes alone. Errors are detected at the byte that makes
 * the line malformed; the ghost loops after an error only carry the proof that the
 * verdict holds for the whole line (the error state is absorbing).
 *
 * For WP, the scanner and the field builder return their results by value, and every
 * write into caller memory that must keep a fact about the fields (the field itself, the
 * field count, the record) goes through a small function whose contract carries that
 * fact across the write: the frame reasoning stays in a small context.
 */
#include "formats/xb_csv.h"
#include "formats/xb_csv_fail.h"

enum { XB_ST_START = 0, XB_ST_BARE = 1, XB_ST_QUOTED = 2, XB_ST_QSEEN = 3, XB_ST_AFTER = 4,
       XB_ST_ERR = 5 };

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
  requires lo <= p <= hi;
  requires xb_csv_st(in, lo, p) == 0;
  assigns \nothing;
  ensures p <= \result.end <= hi;
  ensures \result.st <= 4 && \result.st == xb_csv_st(in, lo, \result.end);
  ensures xb_csv_nsep(in, lo, \result.end) == xb_csv_nsep(in, lo, p);
  ensures \forall integer q; p <= q < \result.end ==> !xb_csv_sep(in, lo, q);
  ensures xb_csv_no_lf(in, p, \result.end);
  ensures xb_csv_cur(in, p, \result.end, \result.st, \result.wstart, \result.wend,
                     \result.esc);
  ensures \result.bad != 0 ==>
            \result.end < hi && xb_csv_step(\result.st, in[\result.end]) == 5;
  ensures \result.bad == 0 && \result.end < hi ==>
            in[\result.end] == 44 && \result.st != 2;
*/
static xb_csv_scan xb_csv_scan_field(const uint8_t *in, size_t lo, size_t p, size_t hi)
{
  xb_csv_scan o;
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
  o.end = i;
  o.wstart = wstart;
  o.wend = wend;
  o.st = st;
  o.esc = esc;
  o.bad = bad;
  return o;
}

/*@
  requires \valid_read(in + (fstart .. rend - 1));
  requires fstart <= rend;
  requires st <= 4 && st != 2;
  requires xb_csv_cur(in, fstart, rend, st, wstart, wend, esc);
  requires st != 0 ==> wend - wstart <= XB_CSV_MAX_FIELD_BYTES;
  assigns \nothing;
  ensures \result.raw_off == fstart && \result.raw_len == rend - fstart;
  ensures xb_csv_field_ok(in, \result);
*/
static xb_csv_field xb_csv_make_field(const uint8_t *in, size_t fstart, size_t rend,
                                      uint32_t st, size_t wstart, size_t wend, bool esc)
{
  xb_csv_field f;
  f.raw_off = fstart;
  f.raw_len = rend - fstart;
  f.quoted = false;
  f.escaped = false;
  if (st == XB_ST_START) {
    f.wr_off = fstart; /* only blanks: the empty string */
    f.wr_len = 0;
    f.off = fstart;
    f.len = 0;
    /*@ assert xb_csv_field_ok(in, f); */
  } else if (st == XB_ST_BARE) {
    f.wr_off = wstart;
    f.wr_len = wend - wstart;
    f.off = wstart;
    f.len = wend - wstart;
    /*@ assert xb_csv_field_ok(in, f); */
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
    f.wr_off = wstart;
    f.wr_len = wend - wstart;
    f.off = a;
    f.len = b - a;
    f.quoted = true;
    f.escaped = esc;
    /*@ assert st >= 3 && in[wstart] == 34 && in[wend - 1] == 34 && wstart + 2 <= wend; */
    /*@ assert esc == 0 ==> \forall integer q; a <= q < b ==> in[q] != 34; */
    /*@ assert xb_csv_field_ok(in, f); */
  }
  return f;
}

/*@
  // fields[0 .. n-1] closed so far: the first starts at lo, each is a piece of the line
  // lo .. hi-1, consecutive ones one separator apart (xb_csv_pieces without the count
  // and the end of the last one).
  predicate xb_csv_closed{L}(uint8_t *in, integer lo, integer hi, xb_csv_field *fields,
                             integer n) =
    (n > 0 ==> fields[0].raw_off == lo)
    && (\forall integer k; 0 <= k < n - 1 ==>
          xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off))
    && (\forall integer k; 0 <= k < n ==>
          xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len)
          && xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                            fields[k].wr_len, fields[k].off, fields[k].len,
                            fields[k].quoted, fields[k].escaped));
*/

/*@
  requires \valid(fields + n);
  requires xb_csv_closed(in, lo, hi, fields, n);
  requires xb_csv_piece(in, lo, hi, f);
  requires n == 0 ==> f.raw_off == lo;
  requires n > 0 ==> xb_csv_sep(in, lo, fields[n - 1].raw_off + fields[n - 1].raw_len)
                     && f.raw_off == fields[n - 1].raw_off + fields[n - 1].raw_len + 1;
  assigns fields[n];
  ensures fields[n].raw_off == f.raw_off && fields[n].raw_len == f.raw_len;
  // xb_csv_closed(in, lo, hi, fields, n + 1), spelt out (the caller folds it)
  ensures fields[0].raw_off == lo;
  ensures \forall integer k; 0 <= k < n ==>
            xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off);
  ensures \forall integer k; 0 <= k < n + 1 ==>
            xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len)
            && xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                              fields[k].wr_len, fields[k].off, fields[k].len,
                              fields[k].quoted, fields[k].escaped);
*/
static void xb_csv_put_field(const uint8_t *in, size_t lo, size_t hi, xb_csv_field *fields,
                             size_t n, xb_csv_field f)
{
  /* member by member: for WP each is one memory cell, the others stay as they were */
  fields[n].raw_off = f.raw_off;
  fields[n].raw_len = f.raw_len;
  fields[n].wr_off = f.wr_off;
  fields[n].wr_len = f.wr_len;
  fields[n].off = f.off;
  fields[n].len = f.len;
  fields[n].quoted = f.quoted;
  fields[n].escaped = f.escaped;
  /*@ assert \forall integer k; 0 <= k < n ==>
        fields[k].raw_off == \at(fields[k].raw_off, Pre)
        && fields[k].raw_len == \at(fields[k].raw_len, Pre)
        && fields[k].wr_off == \at(fields[k].wr_off, Pre)
        && fields[k].wr_len == \at(fields[k].wr_len, Pre)
        && fields[k].off == \at(fields[k].off, Pre) && fields[k].len == \at(fields[k].len, Pre)
        && fields[k].quoted == \at(fields[k].quoted, Pre)
        && fields[k].escaped == \at(fields[k].escaped, Pre); */
  /*@ assert \forall integer k; 0 <= k < n ==>
        xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len); */
  /*@ assert \forall integer k; 0 <= k < n ==>
        xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                       fields[k].wr_len, fields[k].off, fields[k].len,
                       fields[k].quoted, fields[k].escaped); */
  /*@ assert xb_csv_in_piece(in, lo, hi, fields[n].raw_off, fields[n].raw_len)
             && xb_csv_field_m(in, fields[n].raw_off, fields[n].raw_len, fields[n].wr_off,
                               fields[n].wr_len, fields[n].off, fields[n].len,
                               fields[n].quoted, fields[n].escaped); */
  /*@ assert \forall integer k; 0 <= k < n - 1 ==>
        xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off); */
  /*@ assert n > 0 ==>
        xb_csv_adj(in, lo, fields[n - 1].raw_off, fields[n - 1].raw_len, fields[n].raw_off); */
  /*@ assert \forall integer k; k == n ==>
        xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len)
        && xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                          fields[k].wr_len, fields[k].off, fields[k].len,
                          fields[k].quoted, fields[k].escaped); */
  /*@ assert \forall integer k; k == n - 1 && n > 0 ==>
        xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off); */
  (void)in; /* only the contract reads in, lo and hi */
  (void)lo;
  (void)hi;
}

/*@
  requires \valid(nfields);
  requires \separated(nfields, fields + (0 .. n - 1));
  requires xb_csv_pieces(in, lo, hi, fields, n);
  assigns *nfields;
  ensures *nfields == n;
  ensures xb_csv_pieces(in, lo, hi, fields, n);
*/
static void xb_csv_put_count(const uint8_t *in, size_t lo, size_t hi,
                             const xb_csv_field *fields, size_t n, size_t *nfields)
{
  *nfields = n;
  /*@ assert \forall integer k; 0 <= k < n ==>
        fields[k].raw_off == \at(fields[k].raw_off, Pre)
        && fields[k].raw_len == \at(fields[k].raw_len, Pre)
        && fields[k].wr_off == \at(fields[k].wr_off, Pre)
        && fields[k].wr_len == \at(fields[k].wr_len, Pre)
        && fields[k].off == \at(fields[k].off, Pre) && fields[k].len == \at(fields[k].len, Pre); */
  /*@ assert fields[0].raw_off == lo && fields[n - 1].raw_off + fields[n - 1].raw_len == hi; */
  /*@ assert \forall integer k; 0 <= k < n - 1 ==>
        xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off); */
  /*@ assert \forall integer k; 0 <= k < n ==>
        xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len); */
  /*@ assert \forall integer k; 0 <= k < n ==>
        xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                       fields[k].wr_len, fields[k].off, fields[k].len,
                       fields[k].quoted, fields[k].escaped); */
  (void)in; /* only the contract reads in, lo, hi and fields */
  (void)lo;
  (void)hi;
  (void)fields;
}


/* Why a scanned field ends its line in error, and where (XB-CSV-15, XB-CSV-18, XB-CSV-20). */
typedef struct {
  xb_csv_reason r; /* XB_CSV_R_NONE: the field is good, close it */
  size_t at;       /* the offset to report */
} xb_csv_verdict;

/*@
  requires \valid_read(in + (lo .. hi - 1));
  requires lo <= p <= sc.end <= hi;
  requires sc.st <= 4 && sc.st == xb_csv_st(in, lo, sc.end);
  requires n == xb_csv_nsep(in, lo, sc.end) && n < maxf;
  requires \forall integer q; p <= q < sc.end ==> !xb_csv_sep(in, lo, q);
  requires xb_csv_cur(in, p, sc.end, sc.st, sc.wstart, sc.wend, sc.esc);
  requires sc.bad != 0 ==> sc.end < hi && xb_csv_step(sc.st, in[sc.end]) == 5;
  requires sc.bad == 0 && sc.end < hi ==> in[sc.end] == 44 && sc.st != 2;
  assigns \nothing;
  ensures \result.r == XB_CSV_R_NONE ==>
            sc.bad == 0 && sc.st != 2
            && (sc.st != 0 ==> sc.wend - sc.wstart <= XB_CSV_MAX_FIELD_BYTES)
            && (sc.end < hi ==> n + 1 < maxf);
  ensures \result.r != XB_CSV_R_NONE ==> lo <= \result.at < hi;
  ensures \result.r == XB_CSV_R_NONE || \result.r == XB_CSV_R_TOO_MANY_FIELDS
          || \result.r == XB_CSV_R_FIELD_TOO_LONG || \result.r == XB_CSV_R_UNTERMINATED
          || \result.r == XB_CSV_R_CR || \result.r == XB_CSV_R_LF
          || \result.r == XB_CSV_R_QUOTE_IN_FIELD || \result.r == XB_CSV_R_AFTER_QUOTE;
  ensures \result.r == XB_CSV_R_TOO_MANY_FIELDS ==>
            \result.at < hi && xb_csv_nsep(in, lo, \result.at + 1) >= maxf;
  ensures \result.r == XB_CSV_R_FIELD_TOO_LONG ==> xb_csv_overlong(in, lo, hi);
  ensures \result.r == XB_CSV_R_UNTERMINATED ==> xb_csv_st(in, lo, hi) == 2;
  ensures \result.r == XB_CSV_R_CR || \result.r == XB_CSV_R_LF
          || \result.r == XB_CSV_R_QUOTE_IN_FIELD || \result.r == XB_CSV_R_AFTER_QUOTE ==>
            \result.at < hi && xb_csv_st(in, lo, \result.at + 1) == 5;
*/
static xb_csv_verdict xb_csv_judge(const uint8_t *in, size_t lo, size_t p, size_t hi,
                                   xb_csv_scan sc, size_t n, size_t maxf)
{
  xb_csv_verdict v;
  v.r = XB_CSV_R_NONE;
  v.at = sc.end;
  if (sc.bad) {
    /* XB-CSV-15, XB-CSV-18 */
    uint8_t c = in[sc.end];
    v.r = XB_CSV_R_AFTER_QUOTE;
    if (c == '\r') {
      v.r = XB_CSV_R_CR;
    } else if (c == '\n') {
      v.r = XB_CSV_R_LF;
    } else if (sc.st == XB_ST_BARE) {
      v.r = XB_CSV_R_QUOTE_IN_FIELD;
    }
    /*@ assert xb_csv_st(in, lo, sc.end + 1) == xb_csv_step(sc.st, in[sc.end]); */
  } else if (sc.st == XB_ST_QUOTED) {
    v.r = XB_CSV_R_UNTERMINATED; /* XB-CSV-18: quotes never span lines */
    v.at = sc.wstart;
    /*@ assert sc.end == hi && xb_csv_st(in, lo, hi) == 2; */
  } else if (sc.st != XB_ST_START && sc.wend - sc.wstart > XB_CSV_MAX_FIELD_BYTES) {
    v.r = XB_CSV_R_FIELD_TOO_LONG; /* XB-CSV-20 */
    v.at = sc.wstart;
    /*@ assert lo <= sc.wstart < sc.wend <= hi && sc.wend - sc.wstart > XB_CSV_MAX_FIELD_BYTES
               && !xb_csv_blank(in[sc.wstart]) && !xb_csv_blank(in[sc.wend - 1])
               && \forall integer q; sc.wstart <= q < sc.wend ==> !xb_csv_sep(in, lo, q); */
    /*@ assert xb_csv_overlong(in, lo, hi); */
  } else if (sc.end < hi && n + 1u >= maxf) {
    v.r = XB_CSV_R_TOO_MANY_FIELDS; /* XB-CSV-20: one field too many */
    /*@ assert xb_csv_nsep(in, lo, sc.end + 1) == n + 1; */
  }
  (void)lo; /* only the contract reads lo and p */
  (void)p;
  return v;
}

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
            xb_csv_overlong(in, lo, hi);
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
    bool done = false;
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
                                     && xb_csv_sep(in, lo, fields[n - 1].raw_off
                                                           + fields[n - 1].raw_len));
      loop invariant done ==> status == XB_CSV_OK && n >= 1
                       && n == xb_csv_nsep(in, lo, hi) + 1
                       && fields[n - 1].raw_off + fields[n - 1].raw_len == hi
                       && xb_csv_line_ok(in, lo, hi) && xb_csv_no_lf(in, lo, hi);
      loop invariant status == XB_CSV_OK ==> xb_csv_closed(in, lo, hi, fields, n);
      loop invariant status == XB_CSV_SYNTAX ==>
                       lo <= err->off <= hi && err->line == line && err->col == err->off - lo + 1
                       && lo <= epos <= hi;
      loop invariant status == XB_CSV_SYNTAX ==>
        (err->reason == XB_CSV_R_TOO_MANY_FIELDS
           && (maxf == 0 || (epos < hi && xb_csv_nsep(in, lo, epos + 1) >= maxf)))
        || (err->reason == XB_CSV_R_FIELD_TOO_LONG && xb_csv_overlong(in, lo, hi))
        || (err->reason == XB_CSV_R_UNTERMINATED && xb_csv_st(in, lo, hi) == 2)
        || ((err->reason == XB_CSV_R_CR || err->reason == XB_CSV_R_LF
             || err->reason == XB_CSV_R_QUOTE_IN_FIELD || err->reason == XB_CSV_R_AFTER_QUOTE)
            && epos < hi && xb_csv_st(in, lo, epos + 1) == 5);
      loop assigns p, n, epos, done, status, fields[0 .. cap - 1], *err;
      loop variant 2 * (hi - p) + (status == XB_CSV_OK && !done ? 1 : 0);
    */
    while (status == XB_CSV_OK && !done) {
      xb_csv_scan sc = xb_csv_scan_field(in, lo, p, hi);
      xb_csv_verdict v = xb_csv_judge(in, lo, p, hi, sc, n, maxf);
      if (v.r != XB_CSV_R_NONE) {
        status = XB_CSV_SYNTAX;
        /*@ ghost epos = v.at; */
        xb_csv_fail(err, v.r, v.at, line, v.at - lo + 1u);
      } else {
        /*@ assert sc.end < hi ==>
              xb_csv_sep(in, lo, sc.end) && xb_csv_st(in, lo, sc.end + 1) == 0
              && xb_csv_nsep(in, lo, sc.end + 1) == n + 1; */
        xb_csv_field fv = xb_csv_make_field(in, p, sc.end, sc.st, sc.wstart, sc.wend, sc.esc);
        xb_csv_put_field(in, lo, hi, fields, n, fv);
        /*@ assert fields[n].raw_off + fields[n].raw_len == sc.end; */
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
      xb_csv_put_count(in, lo, hi, fields, n, nfields);
    }
  }
  return status;
}

/* ------------------------------------------------------------------ records */

/*@
  requires \valid(rec);
  requires \separated(rec, fields + (0 .. nf - 1));
  requires xb_csv_pieces(in, lo, hi, fields, nf);
  requires lo <= hi;
  assigns *rec;
  ensures rec->off == lo && rec->len == hi - lo && rec->line == line && rec->nfields == nf;
  ensures rec->off + rec->len == hi;
  ensures xb_csv_pieces(in, lo, hi, fields, nf);
  ensures xb_csv_pieces(in, rec->off, rec->off + rec->len, fields, rec->nfields);
*/
static void xb_csv_put_record(const uint8_t *in, size_t lo, size_t hi, size_t line,
                              const xb_csv_field *fields, size_t nf, xb_csv_record *rec)
{
  rec->off = lo;
  rec->len = hi - lo;
  rec->line = line;
  rec->nfields = nf;
  /*@ assert rec->off == lo && rec->off + rec->len == hi && rec->nfields == nf; */
  /*@ assert \forall integer k; 0 <= k < nf ==>
        fields[k].raw_off == \at(fields[k].raw_off, Pre)
        && fields[k].raw_len == \at(fields[k].raw_len, Pre)
        && fields[k].wr_off == \at(fields[k].wr_off, Pre)
        && fields[k].wr_len == \at(fields[k].wr_len, Pre)
        && fields[k].off == \at(fields[k].off, Pre) && fields[k].len == \at(fields[k].len, Pre); */
  /*@ assert fields[0].raw_off == lo && fields[nf - 1].raw_off + fields[nf - 1].raw_len == hi; */
  /*@ assert \forall integer k; 0 <= k < nf - 1 ==>
        xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off); */
  /*@ assert \forall integer k; 0 <= k < nf ==>
        xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len); */
  /*@ assert \forall integer k; 0 <= k < nf ==>
        xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                       fields[k].wr_len, fields[k].off, fields[k].len,
                       fields[k].quoted, fields[k].escaped); */
  /*@ assert xb_csv_pieces(in, lo, hi, fields, nf); */
  /*@ assert xb_csv_pieces(in, rec->off, hi, fields, nf); */
  /*@ assert xb_csv_pieces(in, rec->off, rec->off + rec->len, fields, nf); */
  (void)in; /* only the contract reads in and fields */
  (void)fields;
}

/*@
  // A byte of a skipped stretch: blanks and line terminators (XB-CSV-15, XB-CSV-16).
  predicate xb_csv_skippable{L}(uint8_t *in, integer p, integer len) =
    xb_csv_blank(in[p]) || in[p] == 10 || (in[p] == 13 && p + 1 < len && in[p + 1] == 10);
*/

/* A non-blank line found by xb_csv_find_line, and where the walk stopped. */
typedef struct {
  size_t lo;     /* the line lo .. hi-1, without its LF or CRLF (found) */
  size_t hi;
  size_t rline;  /* its number (found) */
  size_t pos;    /* first byte after it, or len */
  size_t line;   /* number of the line at pos */
  bool found;
} xb_csv_span;

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires pos0 <= len && 1 <= line0 <= pos0 + 1;
  assigns \nothing;
  ensures pos0 <= \result.pos <= len && 1 <= \result.line <= \result.pos + 1;
  ensures \result.found != 0 ==> pos0 < \result.pos;
  ensures \result.found == 0 ==>
            \result.pos == len
            && \forall integer p; pos0 <= p < len ==> xb_csv_skippable(in, p, len);
  ensures \result.found != 0 ==>
        pos0 <= \result.lo < \result.hi <= len && \result.hi <= \result.pos
        && \result.rline >= 1
        && (\forall integer p; pos0 <= p < \result.lo ==> xb_csv_skippable(in, p, len))
        && (\result.lo == pos0 || in[\result.lo - 1] == 10);
  ensures \result.found != 0 ==>
        (\result.hi == len || in[\result.hi] == 10
         || (in[\result.hi] == 13 && \result.hi + 1 < len && in[\result.hi + 1] == 10))
        && !xb_csv_all_blank(in, \result.lo, \result.hi)
        && xb_csv_no_lf(in, \result.lo, \result.hi);
*/
static xb_csv_span xb_csv_find_line(const uint8_t *in, size_t len, size_t pos0, size_t line0)
{
  xb_csv_span sp;
  size_t pos = pos0;
  size_t line = line0;
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
  sp.lo = lo;
  sp.hi = hi;
  sp.rline = rline;
  sp.pos = pos;
  sp.line = line;
  sp.found = found;
  return sp;
}

/*@
  requires \valid(cur) && \valid_read(rec);
  requires \separated(cur, rec) && \separated(cur, fields + (0 .. nf - 1));
  requires rec->off == lo && rec->off + rec->len == hi && rec->nfields == nf;
  requires xb_csv_pieces(in, lo, hi, fields, nf);
  assigns *cur;
  ensures cur->pos == pos && cur->line == line;
  ensures rec->off == \old(rec->off) && rec->len == \old(rec->len)
          && rec->line == \old(rec->line) && rec->nfields == \old(rec->nfields);
  ensures rec->off == lo && rec->off + rec->len == hi && rec->nfields == nf;
  ensures xb_csv_pieces(in, rec->off, rec->off + rec->len, fields, rec->nfields);
*/
static void xb_csv_put_cursor(const uint8_t *in, size_t lo, size_t hi,
                              const xb_csv_field *fields, size_t nf,
                              const xb_csv_record *rec, size_t pos, size_t line,
                              xb_csv_cursor *cur)
{
  cur->pos = pos;
  cur->line = line;
  /*@ assert rec->off == \at(rec->off, Pre) && rec->len == \at(rec->len, Pre)
             && rec->line == \at(rec->line, Pre) && rec->nfields == \at(rec->nfields, Pre); */
  /*@ assert rec->off == lo && rec->off + rec->len == hi && rec->nfields == nf; */
  /*@ assert \forall integer k; 0 <= k < nf ==>
        fields[k].raw_off == \at(fields[k].raw_off, Pre)
        && fields[k].raw_len == \at(fields[k].raw_len, Pre)
        && fields[k].wr_off == \at(fields[k].wr_off, Pre)
        && fields[k].wr_len == \at(fields[k].wr_len, Pre)
        && fields[k].off == \at(fields[k].off, Pre) && fields[k].len == \at(fields[k].len, Pre); */
  /*@ assert fields[0].raw_off == lo && fields[nf - 1].raw_off + fields[nf - 1].raw_len == hi; */
  /*@ assert \forall integer k; 0 <= k < nf - 1 ==>
        xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off); */
  /*@ assert \forall integer k; 0 <= k < nf ==>
        xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len); */
  /*@ assert \forall integer k; 0 <= k < nf ==>
        xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                       fields[k].wr_len, fields[k].off, fields[k].len,
                       fields[k].quoted, fields[k].escaped); */
  /*@ assert xb_csv_pieces(in, lo, hi, fields, nf); */
  /*@ assert xb_csv_pieces(in, rec->off, hi, fields, nf); */
  /*@ assert xb_csv_pieces(in, rec->off, rec->off + rec->len, fields, rec->nfields); */
  (void)in; /* only the contract reads in, lo, hi, fields and nf */
  (void)lo;
  (void)hi;
  (void)fields;
  (void)nf;
  (void)rec;
}

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
            && rec->off + rec->len <= len && rec->line >= 1;
  ensures \result == XB_CSV_OK ==>
            (\forall integer p; \old(cur->pos) <= p < rec->off ==>
                  xb_csv_skippable(in, p, len))
            && (rec->off == \old(cur->pos) || in[rec->off - 1] == 10);
  ensures \result == XB_CSV_OK ==>
            (rec->off + rec->len == len || in[rec->off + rec->len] == 10
                || (in[rec->off + rec->len] == 13 && rec->off + rec->len + 1 < len
                    && in[rec->off + rec->len + 1] == 10))
            && !xb_csv_all_blank(in, rec->off, rec->off + rec->len);
  ensures \result == XB_CSV_OK ==>
            1 <= rec->nfields <= cap && rec->nfields <= XB_CSV_MAX_FIELDS
            && xb_csv_line_ok(in, rec->off, rec->off + rec->len)
            && xb_csv_no_lf(in, rec->off, rec->off + rec->len);
  ensures \result == XB_CSV_OK ==>
            xb_csv_pieces(in, rec->off, rec->off + rec->len, fields, rec->nfields);
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
    /*@ assert \separated(cur, rec, err, fields + (0 .. cap - 1), in + (0 .. len - 1)); */
    xb_csv_span sp = xb_csv_find_line(in, len, cur->pos, cur->line);
    if (sp.found) {
      /* the field count goes straight into rec (no local whose address is taken) */
      status = xb_csv_split_line(in, len, sp.lo, sp.hi, sp.rline, fields, cap,
                                 &rec->nfields, err);
      if (status == XB_CSV_OK) {
        xb_csv_put_record(in, sp.lo, sp.hi, sp.rline, fields, rec->nfields, rec);
        xb_csv_put_cursor(in, sp.lo, sp.hi, fields, rec->nfields, rec, sp.pos, sp.line, cur);
        /*@ assert rec->off == sp.lo && rec->off + rec->len == sp.hi; */
        /*@ assert (sp.hi == len || in[sp.hi] == 10
                    || (in[sp.hi] == 13 && sp.hi + 1 < len && in[sp.hi + 1] == 10))
                   && !xb_csv_all_blank(in, sp.lo, sp.hi); */
        /*@ assert (rec->off + rec->len == len || in[rec->off + rec->len] == 10
                    || (in[rec->off + rec->len] == 13 && rec->off + rec->len + 1 < len
                        && in[rec->off + rec->len + 1] == 10))
                   && !xb_csv_all_blank(in, rec->off, sp.hi); */
      } else {
        cur->pos = sp.pos;
        cur->line = sp.line;
      }
    } else {
      cur->pos = sp.pos;
      cur->line = sp.line;
    }
  }
  return status;
}

