/*
 * xb_csv_shape.c — the CSV write payloads of spec/csv.md §4 on top of the tokenizer.
 *
 * The payload is always read to its end: a syntax error (400) anywhere wins over a
 * content error (422) found earlier (XB-RES-86 checks syntax before content), so the
 * first 422 is only remembered while the remaining records are tokenized.
 */
#include "formats/xb_csv.h"
#include "formats/xb_time.h"

/*@
  // Field spans of a record line lo .. hi-1, as xb_csv_field_ok and xb_csv_pieces give.
  predicate xb_csv_fspans{L}(xb_csv_field *f, integer n, integer lo, integer hi) =
    \forall integer k; 0 <= k < n ==>
      lo <= f[k].wr_off && f[k].wr_off <= f[k].off
      && f[k].off + f[k].len <= f[k].wr_off + f[k].wr_len && f[k].wr_off + f[k].wr_len <= hi;

  // XB-RES-3: a control character (C0 or DEL; in UTF-8 these are single bytes).
  predicate xb_csv_no_ctl{L}(uint8_t *in, integer off, integer n) =
    \forall integer p; off <= p < off + n ==> in[p] >= 32 && in[p] != 127;

  predicate xb_csv_same_id{L}(uint8_t *in, xb_csv_entry *a, xb_csv_entry *b) =
    a->id_len == b->id_len
    && \forall integer p; 0 <= p < a->id_len ==> in[a->id_off + p] == in[b->id_off + p];

  predicate xb_csv_has_id(integer shape) = shape == XB_CSV_FEED || shape == XB_CSV_DATASTREAMS;

  // What every entry of a successful parse satisfies.
  predicate xb_csv_entry_ok{L}(uint8_t *in, integer len, integer shape, xb_csv_entry *e) =
    e->val_off + e->val_len <= len && e->val_size <= e->val_len
    && e->val_size <= XB_CSV_MAX_VALUE_BYTES
    && xb_csv_no_ctl(in, e->val_off, e->val_len)
    && (e->val_escaped == 0 ==> e->val_size == e->val_len)
    && (e->has_at != 0 ==> 0 <= e->at <= XB_ISO8601_MAX_US)
    && e->line >= 1
    && (xb_csv_has_id(shape) ==> e->id_off + e->id_len <= len && xb_csv_dsid(in, e->id_off, e->id_len))
    && (!xb_csv_has_id(shape) ==> e->id_len == 0)
    && (shape == XB_CSV_DATAPOINTS ==> e->has_at != 0);
*/

/*@
  requires \valid_read(in + (off .. off + n - 1));
  assigns \nothing;
  ensures \result <==> xb_csv_dsid(in, off, n);
*/
static bool xb_csv_is_dsid(const uint8_t *in, size_t off, size_t n)
{
  bool ok = n >= 1u && n <= XB_CSV_MAX_ID_BYTES;
  size_t i = 0;
  /*@
    loop invariant 0 <= i <= n;
    loop invariant ok ==> 1 <= n <= 64;
    loop invariant ok <==> (1 <= n <= 64
                            && \forall integer p; off <= p < off + i ==> xb_csv_idchar(in[p]));
    loop assigns i, ok;
    loop variant n - i;
  */
  while (ok && i < n) {
    uint8_t c = in[off + i];
    ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
         || c == '_';
    i++;
  }
  return ok;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid_read(f);
  requires \valid(e);
  requires \separated(e, f, in + (0 .. len - 1));
  requires f->off + f->len <= len;
  assigns e->val_off, e->val_len, e->val_size, e->val_escaped;
  ensures \result == XB_CSV_R_NONE || \result == XB_CSV_R_VALUE_TOO_LONG
          || \result == XB_CSV_R_CONTROL_CHAR;
  ensures \result == XB_CSV_R_NONE ==>
            e->val_off == f->off && e->val_len == f->len && e->val_size <= e->val_len
            && e->val_size <= XB_CSV_MAX_VALUE_BYTES && xb_csv_no_ctl(in, e->val_off, e->val_len)
            && (e->val_escaped == 0 ==> e->val_size == e->val_len);
*/
static xb_csv_reason xb_csv_take_value(const uint8_t *in, size_t len, const xb_csv_field *f,
                                       xb_csv_entry *e)
{
  xb_csv_reason r = XB_CSV_R_NONE;
  bool esc = f->escaped;
  size_t size = f->len;
  if (esc) {
    size = xb_csv_decoded_size(in, len, f->off, f->len);
  }
  if (size > XB_CSV_MAX_VALUE_BYTES) {
    r = XB_CSV_R_VALUE_TOO_LONG; /* spec/resources.md: values 0..255 bytes */
  } else {
    size_t i = 0;
    /*@
      loop invariant 0 <= i <= f->len;
      loop invariant r == XB_CSV_R_NONE || r == XB_CSV_R_CONTROL_CHAR;
      loop invariant r == XB_CSV_R_NONE ==> xb_csv_no_ctl(in, f->off, i);
      loop assigns i, r;
      loop variant f->len - i + (r == XB_CSV_R_NONE ? 1 : 0);
    */
    while (r == XB_CSV_R_NONE && i < f->len) {
      uint8_t c = in[f->off + i];
      if (c < 0x20u || c == 0x7Fu) {
        r = XB_CSV_R_CONTROL_CHAR; /* XB-RES-3 */
      } else {
        i++;
      }
    }
  }
  e->val_off = f->off;
  e->val_len = f->len;
  e->val_size = size;
  e->val_escaped = esc;
  return r;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid_read(f);
  requires \valid(e);
  requires \separated(e, f, in + (0 .. len - 1));
  requires f->off + f->len <= len;
  assigns e->at, e->has_at;
  ensures \result == XB_CSV_R_NONE || \result == XB_CSV_R_BAD_TIMESTAMP;
  ensures \result == XB_CSV_R_NONE ==>
            (e->has_at != 0 ==> 0 <= e->at <= XB_ISO8601_MAX_US)
            && (e->has_at == 0 <==> f->len == 0);
*/
static xb_csv_reason xb_csv_take_at(const uint8_t *in, size_t len, const xb_csv_field *f,
                                    xb_csv_entry *e)
{
  xb_csv_reason r = XB_CSV_R_NONE;
  int64_t at = 0;
  e->has_at = false;
  e->at = 0;
  if (f->len > 0u) {
    /* XB-RES-6; a doubled quote can never be part of a timestamp */
    if (!f->escaped && xb_iso8601_parse(in + f->off, f->len, &at)) {
      e->has_at = true;
      e->at = at;
    } else {
      r = XB_CSV_R_BAD_TIMESTAMP;
    }
  }
  (void)len;
  return r; /* empty: no timestamp, the request time applies (XB-CSV-22) */
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid_read(f);
  requires \valid(e);
  requires \separated(e, f, in + (0 .. len - 1));
  requires f->off + f->len <= len;
  assigns e->id_off, e->id_len;
  ensures \result == XB_CSV_R_NONE || \result == XB_CSV_R_BAD_ID;
  ensures \result == XB_CSV_R_NONE ==>
            e->id_off + e->id_len <= len && xb_csv_dsid(in, e->id_off, e->id_len);
*/
static xb_csv_reason xb_csv_take_id(const uint8_t *in, size_t len, const xb_csv_field *f,
                                    xb_csv_entry *e)
{
  xb_csv_reason r = XB_CSV_R_BAD_ID;
  e->id_off = f->off;
  e->id_len = f->len;
  /* XB-RES-50: ds-id of spec/topics.md (a quote is no id-char, so escapes fail too) */
  if (xb_csv_is_dsid(in, f->off, f->len)) {
    r = XB_CSV_R_NONE;
  }
  (void)len;
  return r;
}

/*@
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

/*@
  requires \valid_read(rec);
  requires \valid_read(f);
  requires err == \null || \valid(err);
  requires \separated(err, rec, f);
  requires rec->off <= f->wr_off;
  assigns *err;
  ensures err != \null ==> err->reason == r && err->line == rec->line && err->off == f->wr_off;
*/
static void xb_csv_fail_field(xb_csv_error *err, xb_csv_reason r, const xb_csv_record *rec,
                              const xb_csv_field *f)
{
  if (err != NULL) {
    err->reason = r;
    err->off = f->wr_off;
    err->line = rec->line;
    err->col = f->wr_off - rec->off + 1u;
  }
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid_read(rec);
  requires 1 <= rec->nfields <= XB_CSV_MAX_FIELDS;
  requires \valid_read(f + (0 .. rec->nfields - 1));
  requires rec->off + rec->len <= len && rec->line >= 1;
  requires xb_csv_fspans(f, rec->nfields, rec->off, rec->off + rec->len);
  requires xb_csv_has_id(shape) ==> rec->nfields == 2 || rec->nfields == 3;
  requires shape == XB_CSV_DATASTREAM ==> rec->nfields == 1 || rec->nfields == 2;
  requires shape == XB_CSV_DATAPOINTS ==> rec->nfields == 2;
  requires shape == XB_CSV_DATAPOINT || shape == XB_CSV_V1_DATASTREAM ==> rec->nfields == 1;
  requires XB_CSV_FEED <= shape <= XB_CSV_V1_DATASTREAM;
  requires \valid(count) && *count <= cap;
  requires *count > 0 ==> \valid(entries + (0 .. cap - 1));
  requires entries == \null || \valid(entries + (0 .. cap - 1));
  requires \valid(perr);
  requires \separated(count, perr, rec, f + (0 .. rec->nfields - 1), in + (0 .. len - 1));
  requires entries == \null || \separated(entries + (0 .. cap - 1), count, perr, rec,
                                         f + (0 .. rec->nfields - 1), in + (0 .. len - 1));
  requires \forall integer k; 0 <= k < *count ==> xb_csv_entry_ok(in, len, shape, entries + k);
  assigns entries[0 .. cap - 1], *count, *perr;
  ensures \result == XB_CSV_OK || \result == XB_CSV_INVALID || \result == XB_CSV_TOO_MANY_VALUES;
  ensures \old(*count) <= *count <= cap;
  ensures \forall integer k; 0 <= k < *count ==> xb_csv_entry_ok(in, len, shape, entries + k);
  ensures \result == XB_CSV_OK ==>
            *count == \old(*count) + (shape == XB_CSV_V1_FEED ? rec->nfields : 1);
  ensures \result == XB_CSV_OK && shape == XB_CSV_V1_FEED ==>
            \forall integer k; \old(*count) <= k < *count ==> entries[k].index == k - \old(*count);
  ensures \result != XB_CSV_OK ==> perr->line == rec->line;
*/
static xb_csv_status xb_csv_take_record(const uint8_t *in, size_t len, xb_csv_shape shape,
                                        const xb_csv_field *f, const xb_csv_record *rec,
                                        size_t recno, xb_csv_entry *entries, size_t cap,
                                        size_t *count, xb_csv_error *perr)
{
  xb_csv_status st = XB_CSV_OK;
  xb_csv_entry e;
  e.line = rec->line;
  e.index = recno;
  e.id_off = 0;
  e.id_len = 0;
  e.val_off = 0;
  e.val_len = 0;
  e.val_size = 0;
  e.at = 0;
  e.has_at = false;
  e.val_escaped = false;
  if (shape == XB_CSV_V1_FEED) {
    /* XB-CSV-27: field k is the value of datastream "k" */
    size_t k = 0;
    /*@
      loop invariant 0 <= k <= rec->nfields;
      loop invariant \at(*count, LoopEntry) + k == *count <= cap;
      loop invariant st == XB_CSV_OK || st == XB_CSV_INVALID || st == XB_CSV_TOO_MANY_VALUES;
      loop invariant st != XB_CSV_OK ==> perr->line == rec->line;
      loop invariant e.line == rec->line && e.id_len == 0;
      loop invariant \forall integer j; 0 <= j < *count ==>
                       xb_csv_entry_ok(in, len, shape, entries + j);
      loop invariant \forall integer j; \at(*count, LoopEntry) <= j < *count ==>
                       entries[j].index == j - \at(*count, LoopEntry);
      loop assigns k, e, st, entries[0 .. cap - 1], *count, *perr;
      loop variant rec->nfields - k + (st == XB_CSV_OK ? 1 : 0);
    */
    while (st == XB_CSV_OK && k < rec->nfields) {
      e.index = k;
      xb_csv_reason r = xb_csv_take_value(in, len, f + k, &e);
      if (r != XB_CSV_R_NONE) {
        st = XB_CSV_INVALID;
        xb_csv_fail_field(perr, r, rec, f + k);
      } else if (*count >= cap) {
        st = XB_CSV_TOO_MANY_VALUES; /* XB-RES-63 */
        xb_csv_fail_field(perr, XB_CSV_R_TOO_MANY_VALUES, rec, f + k);
      } else {
        entries[*count] = e;
        (*count)++;
        k++;
      }
    }
  } else {
    size_t nf = rec->nfields;
    size_t vf = nf - 1u; /* the value is always the last field */
    xb_csv_reason r = XB_CSV_R_NONE;
    size_t bad = vf;
    if (shape == XB_CSV_FEED || shape == XB_CSV_DATASTREAMS) {
      r = xb_csv_take_id(in, len, f, &e); /* XB-CSV-24, XB-CSV-29 */
      bad = 0;
    }
    if (r == XB_CSV_R_NONE && nf >= 2u && shape != XB_CSV_DATAPOINT
        && shape != XB_CSV_V1_DATASTREAM && !(nf == 2u && (shape == XB_CSV_FEED
                                                         || shape == XB_CSV_DATASTREAMS))) {
      r = xb_csv_take_at(in, len, f + (nf - 2u), &e); /* XB-CSV-22, XB-RES-6 */
      bad = nf - 2u;
      if (r == XB_CSV_R_NONE && shape == XB_CSV_DATAPOINTS && !e.has_at) {
        r = XB_CSV_R_NEED_TIMESTAMP; /* XB-CSV-30 */
      }
    }
    if (r == XB_CSV_R_NONE) {
      r = xb_csv_take_value(in, len, f + vf, &e);
      bad = vf;
    }
    if (r != XB_CSV_R_NONE) {
      st = XB_CSV_INVALID; /* XB-CSV-21 */
      xb_csv_fail_field(perr, r, rec, f + bad);
    } else if (*count >= cap) {
      st = XB_CSV_TOO_MANY_VALUES; /* XB-RES-63 */
      xb_csv_fail_field(perr, XB_CSV_R_TOO_MANY_VALUES, rec, f + vf);
    } else {
      entries[*count] = e;
      (*count)++;
    }
  }
  return st;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid_read(a) && \valid_read(b);
  requires a->id_off + a->id_len <= len && b->id_off + b->id_len <= len;
  assigns \nothing;
  ensures \result <==> xb_csv_same_id(in, a, b);
*/
static bool xb_csv_same_id(const uint8_t *in, size_t len, const xb_csv_entry *a,
                           const xb_csv_entry *b)
{
  bool same = a->id_len == b->id_len;
  size_t i = 0;
  /*@
    loop invariant 0 <= i <= a->id_len;
    loop invariant same <==> (a->id_len == b->id_len
                              && \forall integer p; 0 <= p < i ==>
                                   in[a->id_off + p] == in[b->id_off + p]);
    loop assigns i, same;
    loop variant a->id_len - i;
  */
  while (same && i < a->id_len) {
    same = in[a->id_off + i] == in[b->id_off + i];
    i++;
  }
  (void)len;
  return same;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid_read(entries + (0 .. n - 1));
  requires \valid(err);
  requires \separated(err, entries + (0 .. n - 1), in + (0 .. len - 1));
  requires \forall integer k; 0 <= k < n ==> xb_csv_entry_ok(in, len, shape, entries + k);
  assigns *err;
  ensures \result == XB_CSV_OK || \result == XB_CSV_INVALID;
  ensures \result == XB_CSV_OK && xb_csv_has_id(shape) ==>
            \forall integer j, k; 0 <= j < k < n ==>
              xb_csv_same_id(in, entries + j, entries + k) ==>
                entries[j].has_at != 0 && entries[k].has_at != 0;
  ensures \result == XB_CSV_OK && shape == XB_CSV_DATASTREAM && n > 1 ==>
            \forall integer k; 0 <= k < n ==> entries[k].has_at != 0;
*/
static xb_csv_status xb_csv_cross_check(const uint8_t *in, size_t len, xb_csv_shape shape,
                                        const xb_csv_entry *entries, size_t n,
                                        xb_csv_error *err)
{
  xb_csv_status st = XB_CSV_OK;
  size_t bad = 0;
  if (shape == XB_CSV_FEED || shape == XB_CSV_DATASTREAMS) {
    /* XB-CSV-25: an id in several records needs a timestamp on each of them */
    size_t k = 1;
    /*@
      loop invariant 1 <= k <= n || (n == 0 && k == 1);
      loop invariant st == XB_CSV_OK || st == XB_CSV_INVALID;
      loop invariant st == XB_CSV_INVALID ==> bad < n;
      loop invariant st == XB_CSV_OK ==>
        \forall integer a, b; 0 <= a < b < k && b < n ==>
          xb_csv_same_id(in, entries + a, entries + b) ==>
            entries[a].has_at != 0 && entries[b].has_at != 0;
      loop assigns k, st, bad;
      loop variant n - k + (st == XB_CSV_OK ? 1 : 0);
    */
    while (st == XB_CSV_OK && k < n) {
      size_t j = 0;
      /*@
        loop invariant 0 <= j <= k;
        loop invariant st == XB_CSV_OK || st == XB_CSV_INVALID;
        loop invariant st == XB_CSV_INVALID ==> bad < n;
        loop invariant st == XB_CSV_OK ==>
          \forall integer a; 0 <= a < j ==>
            xb_csv_same_id(in, entries + a, entries + k) ==>
              entries[a].has_at != 0 && entries[k].has_at != 0;
        loop assigns j, st, bad;
        loop variant k - j + (st == XB_CSV_OK ? 1 : 0);
      */
      while (st == XB_CSV_OK && j < k) {
        if ((!entries[j].has_at || !entries[k].has_at)
            && xb_csv_same_id(in, len, entries + j, entries + k)) {
          st = XB_CSV_INVALID;
          bad = entries[j].has_at ? k : j;
        } else {
          j++;
        }
      }
      if (st == XB_CSV_OK) {
        k++;
      }
    }
  } else if (shape == XB_CSV_DATASTREAM && n > 1u) {
    /* XB-CSV-26: several records all need timestamps */
    size_t k = 0;
    /*@
      loop invariant 0 <= k <= n;
      loop invariant st == XB_CSV_OK || st == XB_CSV_INVALID;
      loop invariant st == XB_CSV_INVALID ==> bad < n;
      loop invariant st == XB_CSV_OK ==> \forall integer a; 0 <= a < k ==> entries[a].has_at != 0;
      loop assigns k, st, bad;
      loop variant n - k + (st == XB_CSV_OK ? 1 : 0);
    */
    while (st == XB_CSV_OK && k < n) {
      if (!entries[k].has_at) {
        st = XB_CSV_INVALID;
        bad = k;
      } else {
        k++;
      }
    }
  }
  if (st != XB_CSV_OK) {
    err->reason = XB_CSV_R_NEED_TIMESTAMP;
    err->off = entries[bad].val_off;
    err->line = entries[bad].line;
    err->col = 1;
  }
  return st;
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
    *n = 0;
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
      xb_csv_field f[XB_CSV_MAX_FIELDS];
      xb_csv_cursor cur;
      xb_csv_error perr;
      xb_csv_status pend = XB_CSV_OK; /* the first 422, reported if no 400 follows */
      size_t count = 0;
      size_t nrec = 0;
      bool more = true;
      cur.pos = 0;
      cur.line = 1;
      perr.reason = XB_CSV_R_NONE;
      perr.off = 0;
      perr.line = 1;
      perr.col = 1;
      /*@
        loop invariant 0 <= cur.pos <= len && 1 <= cur.line <= cur.pos + 1;
        loop invariant st == XB_CSV_OK || st == XB_CSV_SYNTAX;
        loop invariant pend == XB_CSV_OK || pend == XB_CSV_INVALID
                       || pend == XB_CSV_TOO_MANY_VALUES;
        loop invariant count <= cap;
        loop invariant count <= nrec * XB_CSV_MAX_FIELDS;
        loop invariant nrec <= cur.pos;
        loop invariant pend == XB_CSV_OK && shape == XB_CSV_DATASTREAM ==> count == nrec;
        loop invariant pend == XB_CSV_OK && xb_csv_has_id(shape) ==> count == nrec;
        loop invariant pend == XB_CSV_OK && (shape == XB_CSV_DATAPOINT
                                             || shape == XB_CSV_V1_DATASTREAM) ==> count == nrec;
        loop invariant (shape == XB_CSV_V1_FEED || shape == XB_CSV_DATAPOINT
                        || shape == XB_CSV_V1_DATASTREAM) && st == XB_CSV_OK ==> nrec <= 1;
        loop invariant pend == XB_CSV_OK && shape == XB_CSV_V1_FEED ==>
                         \forall integer k; 0 <= k < count ==> entries[k].index == k;
        loop invariant \forall integer k; 0 <= k < count ==>
                         xb_csv_entry_ok(in, len, shape, entries + k);
        loop invariant *n == 0;
        loop assigns cur, f[0 .. XB_CSV_MAX_FIELDS - 1], perr, pend, count, nrec, more, st,
                     entries[0 .. cap - 1], *err;
        loop variant 2 * (len - cur.pos) + (more ? 1 : 0);
      */
      while (more) {
        xb_csv_record rec;
        xb_csv_status r = xb_csv_next_record(in, len, &cur, f, XB_CSV_MAX_FIELDS, &rec, err);
        if (r != XB_CSV_OK) {
          if (r != XB_CSV_END) {
            st = XB_CSV_SYNTAX; /* XB-CSV-15..20 */
          }
          more = false;
        } else {
          xb_csv_reason cr = XB_CSV_R_NONE;
          nrec++;
          cr = xb_csv_shape_counts(shape, rec.nfields, nrec);
          if (cr != XB_CSV_R_NONE) {
            st = XB_CSV_SYNTAX; /* XB-CSV-21: a field count the target does not allow */
            err->reason = cr;
            err->off = rec.off;
            err->line = rec.line;
            err->col = 1;
            more = false;
          } else if (pend == XB_CSV_OK) {
            /*@ assert xb_csv_fspans(&f[0], rec.nfields, rec.off, rec.off + rec.len); */
            pend = xb_csv_take_record(in, len, shape, f, &rec, nrec - 1u, entries, cap,
                                      &count, &perr);
          }
        }
      }
      if (st == XB_CSV_OK) {
        if (nrec == 0u) {
          st = XB_CSV_SYNTAX; /* XB-CSV-16, XB-RES-22: only blank lines */
          err->reason = XB_CSV_R_EMPTY;
          err->off = 0;
          err->line = 1;
          err->col = 1;
        } else if (pend != XB_CSV_OK) {
          st = pend;
          *err = perr;
        } else {
          st = xb_csv_cross_check(in, len, shape, entries, count, err);
          if (st == XB_CSV_OK) {
            *n = count;
          }
        }
      }
    }
  }
  return st;
}
