/*
 * xb_csv_parse.c — xb_csv_parse (xb_csv.h): a whole CSV write payload for a target shape.
 *
 * The payload is always read to its end: a syntax error (400) anywhere wins over a
 * content error (422) found earlier (XB-RES-86 checks syntax before content), so the
 * first 422 is only remembered while the remaining records are tokenized.
 *
 * Proved with xb_csv_shape.c in the unit csvshape: the error of a record and of the
 * cross-record check come back by value, so the only memory the loop writes is the
 * entries array (through xb_csv_take_record) and the tokenizer's own outputs; after
 * each tokenizer call the entries' members are shown unchanged, then their facts.
 */
#include "formats/xb_csv_shape.h"

/*@
  requires nrec >= 1;
  assigns \nothing;
  ensures \result == XB_CSV_R_NONE || \result == XB_CSV_R_FIELD_COUNT
          || \result == XB_CSV_R_RECORD_COUNT;
  ensures \result == XB_CSV_R_NONE ==>
            (xb_csv_has_id(shape) ==> nf == 2 || nf == 3)
            && (shape == XB_CSV_DATASTREAM ==> nf == 1 || nf == 2)
            && (shape == XB_CSV_DATAPOINTS ==> nf == 2)
            && (shape == XB_CSV_DATAPOINT || shape == XB_CSV_V1_DATASTREAM ==>
                  nf == 1 && nrec == 1)
            && (shape == XB_CSV_V1_FEED ==> nrec == 1);
*/
static xb_csv_reason xb_csv_shape_counts(xb_csv_shape shape, size_t nf, size_t nrec)
{
  xb_csv_reason r = XB_CSV_R_NONE;
  bool one_record = shape == XB_CSV_DATAPOINT || shape == XB_CSV_V1_DATASTREAM
                    || shape == XB_CSV_V1_FEED;
  if (one_record && nrec > 1u) {
    r = XB_CSV_R_RECORD_COUNT; /* XB-CSV-27, XB-CSV-28, XB-CSV-31 */
  } else if (shape == XB_CSV_FEED || shape == XB_CSV_DATASTREAMS) {
    if (nf != 2u && nf != 3u) {
      r = XB_CSV_R_FIELD_COUNT; /* XB-CSV-24, XB-CSV-29 */
    }
  } else if (shape == XB_CSV_DATASTREAM) {
    if (nf != 1u && nf != 2u) {
      r = XB_CSV_R_FIELD_COUNT; /* XB-CSV-26 */
    }
  } else if (shape == XB_CSV_DATAPOINTS) {
    if (nf != 2u) {
      r = XB_CSV_R_FIELD_COUNT; /* XB-CSV-30 */
    }
  } else if (shape == XB_CSV_DATAPOINT || shape == XB_CSV_V1_DATASTREAM) {
    if (nf != 1u) {
      r = XB_CSV_R_FIELD_COUNT; /* XB-CSV-28, XB-CSV-31 */
    }
  }
  return r;
}

/* What xb_csv_read_records found: on OK, entries[0 .. count-1]. */
typedef struct {
  xb_csv_status status; /* OK, SYNTAX, INVALID or TOO_MANY_VALUES */
  size_t count;
} xb_csv_parsed;

/*@
  requires in != \null && \valid_read(in + (0 .. len - 1));
  requires \valid(cur) && \valid(rec) && \valid(err);
  requires \valid(f + (0 .. XB_CSV_MAX_FIELDS - 1));
  requires \separated(cur, rec, err, f + (0 .. XB_CSV_MAX_FIELDS - 1), in + (0 .. len - 1));
  requires cur->pos <= len && 1 <= cur->line <= cur->pos + 1;
  assigns *cur, f[0 .. XB_CSV_MAX_FIELDS - 1], *rec, *err;
  ensures \result == XB_CSV_OK || \result == XB_CSV_END || \result == XB_CSV_SYNTAX;
  ensures \old(cur->pos) < cur->pos <= len || (\result == XB_CSV_END && cur->pos == len);
  ensures 1 <= cur->line <= cur->pos + 1;
  ensures \result == XB_CSV_OK ==>
            1 <= rec->nfields <= XB_CSV_MAX_FIELDS
            && rec->off + rec->len <= len && rec->line >= 1
            && xb_csv_fspans(f, rec->nfields, rec->off, rec->off + rec->len);
*/
static xb_csv_status xb_csv_next_spans(const uint8_t *in, size_t len, xb_csv_cursor *cur,
                                       xb_csv_field *f, xb_csv_record *rec, xb_csv_error *err)
{
  /* The tokenizer's whole contract (the fields are the pieces of the line) reduced to the
   * spans the shapes read, so that the loop of xb_csv_read_records reasons on less. */
  xb_csv_status r = xb_csv_next_record(in, len, cur, f, XB_CSV_MAX_FIELDS, rec, err);
  /*@ assert r == XB_CSV_OK ==>
        \forall integer k; 0 <= k < rec->nfields ==>
          rec->off <= f[k].raw_off && f[k].raw_off + f[k].raw_len <= rec->off + rec->len; */
  /*@ assert r == XB_CSV_OK ==>
        \forall integer k; 0 <= k < rec->nfields ==>
          f[k].raw_off <= f[k].wr_off && f[k].wr_off + f[k].wr_len <= f[k].raw_off + f[k].raw_len
          && f[k].wr_off <= f[k].off && f[k].off + f[k].len <= f[k].wr_off + f[k].wr_len; */
  return r;
}

/*@
  requires in != \null && \valid_read(in + (0 .. len - 1));
  requires \valid(entries + (0 .. cap - 1));
  requires \valid(err);
  requires \separated(entries + (0 .. cap - 1), err, in + (0 .. len - 1));
  requires XB_CSV_FEED <= shape <= XB_CSV_V1_DATASTREAM;
  assigns entries[0 .. cap - 1], *err;
  ensures \result.status == XB_CSV_OK || \result.status == XB_CSV_SYNTAX
          || \result.status == XB_CSV_INVALID || \result.status == XB_CSV_TOO_MANY_VALUES;
  ensures \result.status == XB_CSV_OK ==>
            1 <= \result.count <= cap
            && \forall integer k; 0 <= k < \result.count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  ensures \result.status == XB_CSV_OK && xb_csv_has_id(shape) ==>
            \forall integer j, k; 0 <= j < k < \result.count ==>
              xb_csv_same_id_m(in, entries[j].id_off, entries[j].id_len, entries[k].id_off,
                               entries[k].id_len) ==>
                entries[j].has_at != 0 && entries[k].has_at != 0;
  ensures \result.status == XB_CSV_OK && shape == XB_CSV_DATASTREAM && \result.count > 1 ==>
            \forall integer k; 0 <= k < \result.count ==> entries[k].has_at != 0;
  ensures \result.status == XB_CSV_OK
          && (shape == XB_CSV_DATAPOINT || shape == XB_CSV_V1_DATASTREAM) ==>
            \result.count == 1;
  ensures \result.status == XB_CSV_OK && shape == XB_CSV_V1_FEED ==>
            \forall integer k; 0 <= k < \result.count ==> entries[k].index == k;
*/
static xb_csv_parsed xb_csv_read_records(const uint8_t *in, size_t len, xb_csv_shape shape,
                                         xb_csv_entry *entries, size_t cap, xb_csv_error *err)
{
  xb_csv_parsed p;
  xb_csv_field f[XB_CSV_MAX_FIELDS];
  xb_csv_cursor cur;
  xb_csv_record rec;
  xb_csv_taken t;
  xb_csv_status pend = XB_CSV_OK; /* the first 422, reported if no 400 follows */
  size_t nrec = 0;
  bool more = true;
  p.status = XB_CSV_OK;
  p.count = 0;
  cur.pos = 0;
  cur.line = 1;
  t.status = XB_CSV_OK;
  t.count = 0;
  t.err.reason = XB_CSV_R_NONE;
  t.err.off = 0;
  t.err.line = 1;
  t.err.col = 1;
  /*@
    loop invariant 0 <= cur.pos <= len && 1 <= cur.line <= cur.pos + 1;
    loop invariant p.status == XB_CSV_OK || p.status == XB_CSV_SYNTAX;
    loop invariant more ==> p.status == XB_CSV_OK;
    loop invariant pend == XB_CSV_OK || pend == XB_CSV_INVALID
                   || pend == XB_CSV_TOO_MANY_VALUES;
    loop invariant p.count <= cap;
    loop invariant nrec <= cur.pos;
    loop invariant nrec == 0 ==> p.count == 0;
    loop invariant p.status == XB_CSV_OK && pend == XB_CSV_OK && shape != XB_CSV_V1_FEED ==>
                     p.count == nrec;
    loop invariant p.status == XB_CSV_OK && pend == XB_CSV_OK ==> p.count >= nrec;
    loop invariant (shape == XB_CSV_V1_FEED || shape == XB_CSV_DATAPOINT
                    || shape == XB_CSV_V1_DATASTREAM) && p.status == XB_CSV_OK ==> nrec <= 1;
    loop invariant p.status == XB_CSV_OK && pend == XB_CSV_OK && shape == XB_CSV_V1_FEED ==>
                     \forall integer k; 0 <= k < p.count ==> entries[k].index == k;
    loop invariant p.status == XB_CSV_OK ==>
                     \forall integer k; 0 <= k < p.count ==> XB_CSV_ENTRY_OK_AT(entries, k);
    loop assigns cur, f[0 .. XB_CSV_MAX_FIELDS - 1], rec, t, pend, p, nrec, more,
                 entries[0 .. cap - 1], *err;
    loop variant 2 * (len - cur.pos) + (more ? 1 : 0);
  */
  while (more) {
    xb_csv_status r = xb_csv_next_spans(in, len, &cur, f, &rec, err);
    /* the call wrote f, cur, rec and *err; entries is another object (the frame, member
     * by member, then the facts re-folded on it) */
    /*@ assert \forall integer k; 0 <= k < p.count ==>
          entries[k].line == \at(entries[k].line, LoopCurrent)
          && entries[k].index == \at(entries[k].index, LoopCurrent)
          && entries[k].id_off == \at(entries[k].id_off, LoopCurrent)
          && entries[k].id_len == \at(entries[k].id_len, LoopCurrent)
          && entries[k].val_off == \at(entries[k].val_off, LoopCurrent)
          && entries[k].val_len == \at(entries[k].val_len, LoopCurrent)
          && entries[k].val_size == \at(entries[k].val_size, LoopCurrent)
          && entries[k].at == \at(entries[k].at, LoopCurrent)
          && entries[k].has_at == \at(entries[k].has_at, LoopCurrent)
          && entries[k].val_escaped == \at(entries[k].val_escaped, LoopCurrent); */
    /*@ assert p.status == XB_CSV_OK ==>
          \forall integer k; 0 <= k < p.count ==> XB_CSV_ENTRY_OK_AT(entries, k); */
    if (r != XB_CSV_OK) {
      if (r != XB_CSV_END) {
        p.status = XB_CSV_SYNTAX; /* XB-CSV-15..20 */
      }
      more = false;
    } else {
      xb_csv_reason cr = XB_CSV_R_NONE;
      nrec++;
      cr = xb_csv_shape_counts(shape, rec.nfields, nrec);
      if (cr != XB_CSV_R_NONE) {
        p.status = XB_CSV_SYNTAX; /* XB-CSV-21: a field count the target does not allow */
        err->reason = cr;
        err->off = rec.off;
        err->line = rec.line;
        err->col = 1;
        more = false;
      } else if (pend == XB_CSV_OK) {
        t = xb_csv_take_record(in, len, shape, f, rec, nrec - 1u, entries, cap, p.count);
        pend = t.status;
        p.count = t.count;
      }
    }
  }
  if (p.status == XB_CSV_OK) {
    if (nrec == 0u) {
      p.status = XB_CSV_SYNTAX; /* XB-CSV-16, XB-RES-22: only blank lines */
      err->reason = XB_CSV_R_EMPTY;
      err->off = 0;
      err->line = 1;
      err->col = 1;
    } else if (pend != XB_CSV_OK) {
      p.status = pend;
      *err = t.err;
    } else {
      t = xb_csv_cross_check(in, len, shape, entries, p.count);
      p.status = t.status;
      if (p.status != XB_CSV_OK) {
        *err = t.err;
      }
    }
  }
  return p;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid(n);
  requires \valid_read(entries + (0 .. count - 1));
  requires \separated(n, entries + (0 .. count - 1), in + (0 .. len - 1));
  requires \forall integer k; 0 <= k < count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  assigns *n;
  ensures *n == count;
  ensures \forall integer k; 0 <= k < *n ==> xb_csv_entry_ok(in, len, shape, entries + k);
  ensures \forall integer k; 0 <= k < *n ==>
            entries[k].index == \old(entries[k].index)
            && entries[k].id_off == \old(entries[k].id_off)
            && entries[k].id_len == \old(entries[k].id_len)
            && entries[k].has_at == \old(entries[k].has_at);
*/
static void xb_csv_put_n(const uint8_t *in, size_t len, xb_csv_shape shape,
                         const xb_csv_entry *entries, size_t count, size_t *n)
{
  *n = count;
  /* one member at a time: each is a small goal */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].line == \at(entries[k].line, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].index == \at(entries[k].index, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].id_off == \at(entries[k].id_off, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].id_len == \at(entries[k].id_len, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].val_off == \at(entries[k].val_off, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].val_len == \at(entries[k].val_len, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].val_size == \at(entries[k].val_size, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].at == \at(entries[k].at, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].has_at == \at(entries[k].has_at, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].val_escaped == \at(entries[k].val_escaped, Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==> XB_CSV_ENTRY_OK_AT(entries, k); */
  (void)in; /* only the contract reads in, len, shape and entries */
  (void)len;
  (void)shape;
  (void)entries;
}

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  requires entries == \null || \valid(entries + (0 .. cap - 1));
  requires n == \null || \valid(n);
  requires err == \null || \valid(err);
  requires n == \null || err == \null || \separated(n, err);
  requires in == \null || n == \null || err == \null
           || \separated(n, err, in + (0 .. len - 1));
  requires entries == \null || n == \null || err == \null || in == \null
           || \separated(entries + (0 .. cap - 1), n, err, in + (0 .. len - 1));
  assigns entries[0 .. cap - 1], *n, *err;
  ensures \result == XB_CSV_OK || \result == XB_CSV_SYNTAX || \result == XB_CSV_INVALID
          || \result == XB_CSV_TOO_MANY_VALUES || \result == XB_CSV_BAD_ARGUMENT;
  ensures \result == XB_CSV_BAD_ARGUMENT <==>
            n == \null || err == \null || (in == \null && len > 0)
            || (entries == \null && cap > 0) || shape < XB_CSV_FEED
            || shape > XB_CSV_V1_DATASTREAM;
  ensures \result != XB_CSV_BAD_ARGUMENT && \result != XB_CSV_OK ==> *n == 0;
  ensures \result == XB_CSV_OK ==>
            1 <= *n <= cap
            && (\forall integer k; 0 <= k < *n ==> xb_csv_entry_ok(in, len, shape, entries + k));
  ensures \result == XB_CSV_OK && xb_csv_has_id(shape) ==>
            \forall integer j, k; 0 <= j < k < *n ==>
              xb_csv_same_id(in, entries + j, entries + k) ==>
                entries[j].has_at != 0 && entries[k].has_at != 0;
  ensures \result == XB_CSV_OK && shape == XB_CSV_DATASTREAM && *n > 1 ==>
            \forall integer k; 0 <= k < *n ==> entries[k].has_at != 0;
  ensures \result == XB_CSV_OK && (shape == XB_CSV_DATAPOINT || shape == XB_CSV_V1_DATASTREAM)
          ==> *n == 1;
  ensures \result == XB_CSV_OK && shape == XB_CSV_V1_FEED ==>
            \forall integer k; 0 <= k < *n ==> entries[k].index == k;
*/
xb_csv_status xb_csv_parse(const uint8_t *in, size_t len, xb_csv_shape shape,
                           xb_csv_entry *entries, size_t cap, size_t *n,
                           xb_csv_error *err)
{
  xb_csv_status st = XB_CSV_OK;
  if (n == NULL || err == NULL || (in == NULL && len > 0u) || (entries == NULL && cap > 0u)
      || shape < XB_CSV_FEED || shape > XB_CSV_V1_DATASTREAM) {
    st = XB_CSV_BAD_ARGUMENT;
    if (err != NULL) {
      err->reason = XB_CSV_R_ARGUMENT;
      err->off = 0;
      err->line = 1;
      err->col = 1;
    }
  } else {
    size_t count = 0; /* *n is written once, at the end (xb_csv_put_n) */
    if (in == NULL || len == 0u) {
      st = XB_CSV_SYNTAX; /* XB-RES-22 */
      err->reason = XB_CSV_R_EMPTY;
      err->off = 0;
      err->line = 1;
      err->col = 1;
    } else {
      st = xb_csv_check_payload(in, len, err); /* XB-CSV-14 */
    }
    if (st == XB_CSV_OK) {
      /* entries is NULL only with cap 0: the empty range is valid */
      xb_csv_parsed p = xb_csv_read_records(in, len, shape, entries, cap, err);
      st = p.status;
      if (st == XB_CSV_OK) {
        count = p.count;
      }
    }
    xb_csv_put_n(in, len, shape, entries, count, n);
  }
  return st;
}
