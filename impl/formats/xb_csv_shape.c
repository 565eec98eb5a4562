/*
 * xb_csv_shape.c — the CSV write payloads of spec/csv.md §4, one record at a time: the
 * checks of a field (ds-id, timestamp, value), a record's fields into entries, and the
 * rules across records. xb_csv_parse.c walks the payload's records.
 *
 * Written for WP (proofs/units/csvshape.mk) the way the tokenizer is: the checks of one
 * field are pure functions of its span that return their verdict by value; the entries
 * array is the only memory written, one element at a time by xb_csv_put_entry; and the
 * facts about an entry are stated member by member (XB_CSV_ENTRY_OK_AT), never as one
 * predicate over a record in memory, which the provers cannot carry across a write.
 */
#include "formats/xb_csv_shape.h"

/* The checks of a value field (the verdict and the decoded size). */
typedef struct {
  xb_csv_reason reason; /* NONE, VALUE_TOO_LONG or CONTROL_CHAR */
  size_t size;          /* bytes of the decoded value */
} xb_csv_value;

/* The checks of a timestamp field. */
typedef struct {
  xb_csv_reason reason; /* NONE or BAD_TIMESTAMP */
  int64_t at;           /* microseconds since the epoch, when has_at */
  bool has_at;          /* false: the field is empty, the request time applies */
} xb_csv_stamp;


/*@
  requires \valid_read(in + (0 .. len - 1));
  requires off + n <= len;
  assigns \nothing;
  ensures \result <==> xb_csv_dsid(in, off, n);
*/
static bool xb_csv_is_dsid(const uint8_t *in, size_t len, size_t off, size_t n)
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
  (void)len;
  return ok;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires off + n <= len;
  assigns \nothing;
  ensures \result.reason == XB_CSV_R_NONE || \result.reason == XB_CSV_R_VALUE_TOO_LONG
          || \result.reason == XB_CSV_R_CONTROL_CHAR;
  ensures \result.reason == XB_CSV_R_NONE ==>
            \result.size <= n && \result.size <= XB_CSV_MAX_VALUE_BYTES
            && xb_csv_no_ctl(in, off, n) && (escaped == 0 ==> \result.size == n);
*/
static xb_csv_value xb_csv_take_value(const uint8_t *in, size_t len, size_t off, size_t n,
                                      bool escaped)
{
  xb_csv_value v;
  v.reason = XB_CSV_R_NONE;
  v.size = n;
  if (escaped) {
    v.size = xb_csv_decoded_size(in, len, off, n);
  }
  if (v.size > XB_CSV_MAX_VALUE_BYTES) {
    v.reason = XB_CSV_R_VALUE_TOO_LONG; /* spec/resources.md: values 0..255 bytes */
  } else {
    size_t i = 0;
    /*@
      loop invariant 0 <= i <= n;
      loop invariant v.reason == XB_CSV_R_NONE || v.reason == XB_CSV_R_CONTROL_CHAR;
      loop invariant v.reason == XB_CSV_R_NONE ==> xb_csv_no_ctl(in, off, i);
      loop invariant v.size == \at(v.size, LoopEntry);
      loop assigns i, v.reason;
      loop variant n - i + (v.reason == XB_CSV_R_NONE ? 1 : 0);
    */
    while (v.reason == XB_CSV_R_NONE && i < n) {
      uint8_t c = in[off + i];
      if (c < 0x20u || c == 0x7Fu) {
        v.reason = XB_CSV_R_CONTROL_CHAR; /* XB-RES-3 */
      } else {
        i++;
      }
    }
  }
  return v;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires off + n <= len;
  assigns \nothing;
  ensures \result.reason == XB_CSV_R_NONE || \result.reason == XB_CSV_R_BAD_TIMESTAMP;
  ensures \result.reason == XB_CSV_R_NONE ==>
            (\result.has_at != 0 ==> 0 <= \result.at <= XB_ISO8601_MAX_US)
            && (\result.has_at == 0 <==> n == 0);
*/
static xb_csv_stamp xb_csv_take_at(const uint8_t *in, size_t len, size_t off, size_t n,
                                   bool escaped)
{
  xb_csv_stamp s;
  int64_t at = 0;
  s.reason = XB_CSV_R_NONE;
  s.at = 0;
  s.has_at = false;
  if (n > 0u) {
    /* XB-RES-6; a doubled quote can never be part of a timestamp */
    if (!escaped && xb_iso8601_parse(in + off, n, &at)) {
      s.has_at = true;
      s.at = at;
    } else {
      s.reason = XB_CSV_R_BAD_TIMESTAMP;
    }
  }
  (void)len;
  return s; /* empty: no timestamp, the request time applies (XB-CSV-22) */
}

/*@
  requires rec_off <= wr_off;
  assigns \nothing;
  ensures \result.reason == r && \result.off == wr_off && \result.line == line;
  ensures \result.col >= 1;
  ensures wr_off - rec_off < SIZE_MAX ==> \result.col == wr_off - rec_off + 1;
*/
static xb_csv_error xb_csv_field_error(xb_csv_reason r, size_t line, size_t rec_off,
                                       size_t wr_off)
{
  xb_csv_error e;
  e.reason = r;
  e.off = wr_off;
  e.line = line;
  /* XB-RES-88: the column of the field as written, counted from 1 (it cannot reach
   * SIZE_MAX in memory; the bound keeps the sum in range for any arguments) */
  e.col = wr_off - rec_off < SIZE_MAX ? wr_off - rec_off + 1u : SIZE_MAX;
  return e;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires count < cap;
  requires \valid(entries + (0 .. cap - 1));
  requires \separated(entries + (0 .. cap - 1), in + (0 .. len - 1));
  requires \forall integer k; 0 <= k < count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  requires xb_csv_entry_m(in, len, shape, e.line, e.id_off, e.id_len, e.val_off, e.val_len,
                          e.val_size, e.at, e.has_at, e.val_escaped);
  assigns entries[count];
  ensures \forall integer k; 0 <= k <= count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  ensures entries[count].index == e.index;
  ensures \forall integer k; 0 <= k < count ==> entries[k].index == \old(entries[k].index);
*/
static void xb_csv_put_entry(const uint8_t *in, size_t len, xb_csv_shape shape,
                             xb_csv_entry *entries, size_t cap, size_t count, xb_csv_entry e)
{
  /* member by member: for WP each is one memory cell, the others stay as they were */
  entries[count].line = e.line;
  entries[count].index = e.index;
  entries[count].id_off = e.id_off;
  entries[count].id_len = e.id_len;
  entries[count].val_off = e.val_off;
  entries[count].val_len = e.val_len;
  entries[count].val_size = e.val_size;
  entries[count].at = e.at;
  entries[count].has_at = e.has_at;
  entries[count].val_escaped = e.val_escaped;
  /*@ assert \forall integer k; 0 <= k < count ==>
        entries[k].line == \at(entries[k].line, Pre)
        && entries[k].index == \at(entries[k].index, Pre)
        && entries[k].id_off == \at(entries[k].id_off, Pre)
        && entries[k].id_len == \at(entries[k].id_len, Pre)
        && entries[k].val_off == \at(entries[k].val_off, Pre)
        && entries[k].val_len == \at(entries[k].val_len, Pre)
        && entries[k].val_size == \at(entries[k].val_size, Pre)
        && entries[k].at == \at(entries[k].at, Pre)
        && entries[k].has_at == \at(entries[k].has_at, Pre)
        && entries[k].val_escaped == \at(entries[k].val_escaped, Pre); */
  /*@ assert \forall integer p; 0 <= p < len ==> in[p] == \at(in[p], Pre); */
  /*@ assert \forall integer k; 0 <= k < count ==> XB_CSV_ENTRY_OK_AT(entries, k); */
  /*@ assert XB_CSV_ENTRY_OK_AT(entries, count); */
  (void)in; /* only the contract reads in, len, shape and cap */
  (void)len;
  (void)shape;
  (void)cap;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires 1 <= rec.nfields <= XB_CSV_MAX_FIELDS;
  requires \valid_read(f + (0 .. rec.nfields - 1));
  requires rec.off + rec.len <= len && rec.line >= 1;
  requires xb_csv_fspans(f, rec.nfields, rec.off, rec.off + rec.len);
  requires shape == XB_CSV_V1_FEED;
  requires count <= cap;
  requires \valid(entries + (0 .. cap - 1));
  requires \separated(entries + (0 .. cap - 1), f + (0 .. rec.nfields - 1),
                      in + (0 .. len - 1));
  requires \forall integer k; 0 <= k < count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  assigns entries[0 .. cap - 1];
  ensures \result.status == XB_CSV_OK || \result.status == XB_CSV_INVALID
          || \result.status == XB_CSV_TOO_MANY_VALUES;
  ensures count <= \result.count <= cap;
  ensures \forall integer k; 0 <= k < \result.count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  ensures \forall integer k; 0 <= k < count ==> entries[k].index == \old(entries[k].index);
  ensures \result.status != XB_CSV_OK ==> \result.err.line == rec.line;
  ensures \result.status == XB_CSV_OK ==> \result.count == count + rec.nfields;
  ensures \result.status == XB_CSV_OK ==>
            \forall integer k; count <= k < \result.count ==> entries[k].index == k - count;
*/
static xb_csv_taken xb_csv_take_positions(const uint8_t *in, size_t len, xb_csv_shape shape,
                                          const xb_csv_field *f, xb_csv_record rec,
                                          xb_csv_entry *entries, size_t cap, size_t count)
{
  /* XB-CSV-27: field k is the value of datastream "k" */
  xb_csv_taken t;
  xb_csv_entry e;
  size_t k = 0;
  t.status = XB_CSV_OK;
  t.count = count;
  t.err = xb_csv_field_error(XB_CSV_R_NONE, rec.line, rec.off, rec.off);
  e.line = rec.line;
  e.index = 0;
  e.id_off = 0;
  e.id_len = 0;
  e.val_off = 0;
  e.val_len = 0;
  e.val_size = 0;
  e.at = 0;
  e.has_at = false;
  e.val_escaped = false;
  /*@
    loop invariant 0 <= k <= rec.nfields;
    loop invariant t.count == count + k && t.count <= cap;
    loop invariant t.status == XB_CSV_OK || t.status == XB_CSV_INVALID
                   || t.status == XB_CSV_TOO_MANY_VALUES;
    loop invariant t.status != XB_CSV_OK ==> t.err.line == rec.line;
    loop invariant e.line == rec.line && e.id_len == 0 && e.has_at == 0;
    loop invariant \forall integer j; 0 <= j < t.count ==> XB_CSV_ENTRY_OK_AT(entries, j);
    loop invariant \forall integer j; count <= j < t.count ==> entries[j].index == j - count;
    loop invariant \forall integer j; 0 <= j < count ==>
                     entries[j].index == \at(entries[j].index, Pre);
    loop assigns k, e, t, entries[0 .. cap - 1];
    loop variant rec.nfields - k + (t.status == XB_CSV_OK ? 1 : 0);
  */
  while (t.status == XB_CSV_OK && k < rec.nfields) {
    xb_csv_value v = xb_csv_take_value(in, len, f[k].off, f[k].len, f[k].escaped);
    if (v.reason != XB_CSV_R_NONE) {
      t.status = XB_CSV_INVALID;
      t.err = xb_csv_field_error(v.reason, rec.line, rec.off, f[k].wr_off);
    } else if (t.count >= cap) {
      t.status = XB_CSV_TOO_MANY_VALUES; /* XB-RES-63 */
      t.err = xb_csv_field_error(XB_CSV_R_TOO_MANY_VALUES, rec.line, rec.off, f[k].wr_off);
    } else {
      e.index = k;
      e.val_off = f[k].off;
      e.val_len = f[k].len;
      e.val_size = v.size;
      e.val_escaped = f[k].escaped;
      xb_csv_put_entry(in, len, shape, entries, cap, t.count, e);
      t.count++;
      k++;
    }
  }
  return t;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires 1 <= rec.nfields <= XB_CSV_MAX_FIELDS;
  requires \valid_read(f + (0 .. rec.nfields - 1));
  requires rec.off + rec.len <= len && rec.line >= 1;
  requires xb_csv_fspans(f, rec.nfields, rec.off, rec.off + rec.len);
  requires xb_csv_has_id(shape) ==> rec.nfields == 2 || rec.nfields == 3;
  requires shape == XB_CSV_DATASTREAM ==> rec.nfields == 1 || rec.nfields == 2;
  requires shape == XB_CSV_DATAPOINTS ==> rec.nfields == 2;
  requires shape == XB_CSV_DATAPOINT || shape == XB_CSV_V1_DATASTREAM ==> rec.nfields == 1;
  requires XB_CSV_FEED <= shape <= XB_CSV_V1_DATASTREAM && shape != XB_CSV_V1_FEED;
  requires count <= cap;
  requires \valid(entries + (0 .. cap - 1));
  requires \separated(entries + (0 .. cap - 1), f + (0 .. rec.nfields - 1),
                      in + (0 .. len - 1));
  requires \forall integer k; 0 <= k < count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  assigns entries[0 .. cap - 1];
  ensures \result.status == XB_CSV_OK || \result.status == XB_CSV_INVALID
          || \result.status == XB_CSV_TOO_MANY_VALUES;
  ensures count <= \result.count <= cap;
  ensures \forall integer k; 0 <= k < \result.count ==> XB_CSV_ENTRY_OK_AT(entries, k);
  ensures \forall integer k; 0 <= k < count ==> entries[k].index == \old(entries[k].index);
  ensures \result.status != XB_CSV_OK ==> \result.err.line == rec.line;
  ensures \result.status == XB_CSV_OK ==> \result.count == count + 1;
*/
static xb_csv_taken xb_csv_take_fields(const uint8_t *in, size_t len, xb_csv_shape shape,
                                       const xb_csv_field *f, xb_csv_record rec, size_t recno,
                                       xb_csv_entry *entries, size_t cap, size_t count)
{
  xb_csv_taken t;
  xb_csv_entry e;
  size_t nf = rec.nfields;
  size_t vf = nf - 1u; /* the value is always the last field */
  xb_csv_reason r = XB_CSV_R_NONE;
  size_t bad = vf;
  t.status = XB_CSV_OK;
  t.count = count;
  t.err = xb_csv_field_error(XB_CSV_R_NONE, rec.line, rec.off, rec.off);
  e.line = rec.line;
  e.index = recno;
  e.id_off = 0;
  e.id_len = 0;
  e.val_off = 0;
  e.val_len = 0;
  e.val_size = 0;
  e.at = 0;
  e.has_at = false;
  e.val_escaped = false;
  if (shape == XB_CSV_FEED || shape == XB_CSV_DATASTREAMS) {
    /* XB-CSV-24, XB-CSV-29; XB-RES-50: ds-id of spec/topics.md (a quote is no
     * id-char, so escapes fail too) */
    if (!xb_csv_is_dsid(in, len, f[0].off, f[0].len)) {
      r = XB_CSV_R_BAD_ID;
    }
    e.id_off = f[0].off;
    e.id_len = f[0].len;
    bad = 0;
  }
  if (r == XB_CSV_R_NONE && nf >= 2u && shape != XB_CSV_DATAPOINT
      && shape != XB_CSV_V1_DATASTREAM
      && !(nf == 2u && (shape == XB_CSV_FEED || shape == XB_CSV_DATASTREAMS))) {
    xb_csv_stamp st = xb_csv_take_at(in, len, f[nf - 2u].off, f[nf - 2u].len,
                                     f[nf - 2u].escaped); /* XB-CSV-22, XB-RES-6 */
    r = st.reason;
    e.at = st.at;
    e.has_at = st.has_at;
    bad = nf - 2u;
    if (r == XB_CSV_R_NONE && shape == XB_CSV_DATAPOINTS && !st.has_at) {
      r = XB_CSV_R_NEED_TIMESTAMP; /* XB-CSV-30 */
    }
  }
  if (r == XB_CSV_R_NONE) {
    xb_csv_value v = xb_csv_take_value(in, len, f[vf].off, f[vf].len, f[vf].escaped);
    r = v.reason;
    e.val_off = f[vf].off;
    e.val_len = f[vf].len;
    e.val_size = v.size;
    e.val_escaped = f[vf].escaped;
    bad = vf;
  }
  if (r != XB_CSV_R_NONE) {
    t.status = XB_CSV_INVALID; /* XB-CSV-21 */
    t.err = xb_csv_field_error(r, rec.line, rec.off, f[bad].wr_off);
  } else if (count >= cap) {
    t.status = XB_CSV_TOO_MANY_VALUES; /* XB-RES-63 */
    t.err = xb_csv_field_error(XB_CSV_R_TOO_MANY_VALUES, rec.line, rec.off, f[vf].wr_off);
  } else {
    xb_csv_put_entry(in, len, shape, entries, cap, count, e);
    t.count = count + 1u;
  }
  return t;
}

/* Contract: xb_csv_shape.h */
xb_csv_taken xb_csv_take_record(const uint8_t *in, size_t len, xb_csv_shape shape,
                                const xb_csv_field *f, xb_csv_record rec, size_t recno,
                                xb_csv_entry *entries, size_t cap, size_t count)
{
  xb_csv_taken t;
  if (shape == XB_CSV_V1_FEED) {
    t = xb_csv_take_positions(in, len, shape, f, rec, entries, cap, count);
  } else {
    t = xb_csv_take_fields(in, len, shape, f, rec, recno, entries, cap, count);
  }
  return t;
}

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires a_off + a_len <= len && b_off + b_len <= len;
  assigns \nothing;
  ensures \result <==> xb_csv_same_id_m(in, a_off, a_len, b_off, b_len);
*/
static bool xb_csv_same_id(const uint8_t *in, size_t len, size_t a_off, size_t a_len,
                           size_t b_off, size_t b_len)
{
  bool same = false;
  if (a_len == b_len) {
    size_t i = 0;
    /*@
      loop invariant 0 <= i <= a_len;
      loop invariant \forall integer p; a_off <= p < a_off + i ==> in[p] == in[b_off + (p - a_off)];
      loop assigns i;
      loop variant a_len - i;
    */
    while (i < a_len && in[a_off + i] == in[b_off + i]) {
      i++;
    }
    same = i == a_len;
  }
  (void)len;
  return same;
}

/* Contract: xb_csv_shape.h */
xb_csv_taken xb_csv_cross_check(const uint8_t *in, size_t len, xb_csv_shape shape,
                                const xb_csv_entry *entries, size_t n)
{
  xb_csv_taken t;
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
          xb_csv_same_id_m(in, entries[a].id_off, entries[a].id_len, entries[b].id_off,
                           entries[b].id_len) ==>
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
            xb_csv_same_id_m(in, entries[a].id_off, entries[a].id_len, entries[k].id_off,
                             entries[k].id_len) ==>
              entries[a].has_at != 0 && entries[k].has_at != 0;
        loop assigns j, st, bad;
        loop variant k - j + (st == XB_CSV_OK ? 1 : 0);
      */
      while (st == XB_CSV_OK && j < k) {
        if ((!entries[j].has_at || !entries[k].has_at)
            && xb_csv_same_id(in, len, entries[j].id_off, entries[j].id_len, entries[k].id_off,
                              entries[k].id_len)) {
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
  t.status = st;
  t.count = n;
  t.err.reason = XB_CSV_R_NONE;
  t.err.off = 0;
  t.err.line = 1;
  t.err.col = 1;
  if (st != XB_CSV_OK) {
    t.err.reason = XB_CSV_R_NEED_TIMESTAMP;
    t.err.off = entries[bad].val_off;
    t.err.line = entries[bad].line;
  }
  return t;
}
