/*
 * xb_csv_shape.h — internal to the CSV parser: the write shapes of spec/csv.md §4 between
 * xb_csv_shape.c (one record's fields become entries; the cross-record rules) and
 * xb_csv_parse.c (the payload's records, xb_csv_parse). Not for callers: xb_csv.h is
 * the interface. The ACSL definitions here are what the proof unit csvshape
 * (proofs/units/csvshape.mk) proves the functions of both files against.
 */
#ifndef XB_CSV_SHAPE_H
#define XB_CSV_SHAPE_H

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

  predicate xb_csv_has_id(integer shape) = shape == XB_CSV_FEED || shape == XB_CSV_DATASTREAMS;

  // What every entry of a successful parse satisfies, on the members of an xb_csv_entry
  // (line, id_off, id_len, val_off, val_len, val_size, at, has_at, val_escaped).
  predicate xb_csv_entry_m{L}(uint8_t *in, integer len, integer shape, integer line,
                              integer id_off, integer id_len, integer val_off,
                              integer val_len, integer val_size, integer at, integer has_at,
                              integer val_escaped) =
    val_off + val_len <= len && val_size <= val_len && val_size <= XB_CSV_MAX_VALUE_BYTES
    && xb_csv_no_ctl(in, val_off, val_len)
    && (val_escaped == 0 ==> val_size == val_len)
    && (has_at != 0 ==> 0 <= at <= XB_ISO8601_MAX_US)
    && line >= 1
    && (xb_csv_has_id(shape) ==> id_off + id_len <= len && xb_csv_dsid(in, id_off, id_len))
    && (!xb_csv_has_id(shape) ==> id_len == 0)
    && (shape == XB_CSV_DATAPOINTS ==> has_at != 0);

  predicate xb_csv_entry_ok{L}(uint8_t *in, integer len, integer shape, xb_csv_entry *e) =
    xb_csv_entry_m(in, len, shape, e->line, e->id_off, e->id_len, e->val_off, e->val_len,
                   e->val_size, e->at, e->has_at, e->val_escaped);

  // Two datastream ids a_off .. a_off+a_len-1 and b_off .. b_off+b_len-1 are the same.
  // (Quantified over the absolute position p, so that in[p] is a trigger the provers can
  // match; with in[a_off + p] they cannot.)
  predicate xb_csv_same_id_m{L}(uint8_t *in, integer a_off, integer a_len, integer b_off,
                                integer b_len) =
    a_len == b_len
    && \forall integer p; a_off <= p < a_off + a_len ==> in[p] == in[b_off + (p - a_off)];

  predicate xb_csv_same_id{L}(uint8_t *in, xb_csv_entry *a, xb_csv_entry *b) =
    xb_csv_same_id_m(in, a->id_off, a->id_len, b->id_off, b->id_len);
*/

/* xb_csv_entry_ok for the element k of the array e, spelt member by member. */
#define XB_CSV_ENTRY_OK_AT(e, k)                                                            \
  xb_csv_entry_m(in, len, shape, (e)[k].line, (e)[k].id_off, (e)[k].id_len, (e)[k].val_off, \
                 (e)[k].val_len, (e)[k].val_size, (e)[k].at, (e)[k].has_at,                  \
                 (e)[k].val_escaped)


/* What xb_csv_take_record did: entries[0 .. count-1] hold the values taken so far. */
typedef struct {
  xb_csv_status status; /* OK, INVALID or TOO_MANY_VALUES */
  size_t count;
  xb_csv_error err; /* why, when status is not OK */
} xb_csv_taken;

/* One record's values into entries[count ..] (XB-CSV-21..31, XB-RES-63). */
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
  requires XB_CSV_FEED <= shape <= XB_CSV_V1_DATASTREAM;
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
  ensures \result.status == XB_CSV_OK ==>
            \result.count == count + (shape == XB_CSV_V1_FEED ? rec.nfields : 1);
  ensures \result.status == XB_CSV_OK && shape == XB_CSV_V1_FEED ==>
            \forall integer k; count <= k < \result.count ==> entries[k].index == k - count;
*/
xb_csv_taken xb_csv_take_record(const uint8_t *in, size_t len, xb_csv_shape shape,
                                const xb_csv_field *f, xb_csv_record rec, size_t recno,
                                xb_csv_entry *entries, size_t cap, size_t count);

/* The rules across records (XB-CSV-25, XB-CSV-26); entries[0 .. n-1] are not changed. */
/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid_read(entries + (0 .. n - 1));
  requires xb_csv_has_id(shape) ==>
             \forall integer k; 0 <= k < n ==> entries[k].id_off + entries[k].id_len <= len;
  assigns \nothing;
  ensures \result.status == XB_CSV_OK || \result.status == XB_CSV_INVALID;
  ensures \result.count == n;
  ensures \result.status == XB_CSV_OK && xb_csv_has_id(shape) ==>
            \forall integer j, k; 0 <= j < k < n ==>
              xb_csv_same_id_m(in, entries[j].id_off, entries[j].id_len, entries[k].id_off,
                               entries[k].id_len) ==>
                entries[j].has_at != 0 && entries[k].has_at != 0;
  ensures \result.status == XB_CSV_OK && shape == XB_CSV_DATASTREAM && n > 1 ==>
            \forall integer k; 0 <= k < n ==> entries[k].has_at != 0;
*/
xb_csv_taken xb_csv_cross_check(const uint8_t *in, size_t len, xb_csv_shape shape,
                                const xb_csv_entry *entries, size_t n);

#endif
