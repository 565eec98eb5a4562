/*
 * xb_input_csv.c — CSV write payloads onto the write model (spec/csv.md §3, §4).
 *
 * The proven parser (formats/xb_csv.h) decides everything CSV: record syntax (400,
 * XB-CSV-14..XB-CSV-21), field counts per target (400), and the content of each field
 * (422: ids, timestamps, value length and control characters, repeated ids without
 * timestamps XB-CSV-25/26, more values than max-datapoints XB-RES-63). This file only
 * turns its entries into the same xb_feed_in / xb_ds_in a JSON or XML payload gives, so
 * the engine applies one set of resource rules to every format (XB-RES-90, XB-CSV-33):
 *   - a record with a timestamp is a datapoint {at, value};
 *   - a record without one (or with an empty one, XB-CSV-22) is the current value, which
 *     takes the request time (XB-RES-8);
 *   - records are applied in payload order (XB-CSV-24, XB-RES-53, XB-RES-62).
 * Values are CSV text, so they are strings (XB-V-STR): never converted (XB-CSV-19).
 */
#include <stdio.h>
#include <string.h>

#include "api/xb_api.h"    /* XB_API_MAX_DS */
#include "api/xb_render.h" /* xb_time_format */
#include "api/xb_write.h"
#include "formats/xb_csv.h"

static int xb_csv_fail(xb_parse_err *e, xb_csv_status st, const xb_csv_error *err) {
  e->status = xb_csv_http_status(st) == 400 ? 400 : 422;
  /* XB-RES-88: a syntax error is titled `CSV Parser Error` (XB-CSV-13). */
  e->title = e->status == 400 ? "CSV Parser Error" : NULL;
  if (st == XB_CSV_TOO_MANY_VALUES) e->reason = "too-many-datapoints"; /* XB-RES-63 */
  snprintf(e->detail, sizeof e->detail, "line %zu, column %zu: %s", err->line, err->col,
           xb_csv_reason_text(err->reason));
  return e->status;
}

/*
 * The parser keeps one entry per value, and there are at most max_values of them
 * (XB-RES-63) and at most one per line (or per field of the one v1 feed record): the
 * entry array is the smaller bound, so a small payload costs a few bytes of the arena.
 */
static size_t xb_csv_entry_cap(const uint8_t *p, size_t n, xb_csv_shape shape, size_t max) {
  size_t bound = 1;
  if (shape == XB_CSV_V1_FEED) {
    bound = XB_CSV_MAX_FIELDS;
  } else {
    for (const uint8_t *q = p, *end = p + n; q != NULL && q < end; bound++) {
      q = memchr(q, '\n', (size_t)(end - q));
      if (q != NULL) q++;
    }
  }
  /* max 0: a caller without a limit (a tool); the payload bound alone then applies. */
  return max == 0 || bound < max ? bound : max;
}

/* Parse p for shape; entries come from the arena. 0 or the status with e filled. */
static int xb_csv_entries(const uint8_t *p, size_t n, xb_csv_shape shape, xb_arena *a,
                          xb_parse_err *e, xb_csv_entry **out, size_t *count) {
  size_t cap = xb_csv_entry_cap(p, n, shape, e->max_values);
  xb_csv_entry *ent = xb_arena_alloc(a, cap * sizeof *ent);
  if (ent == NULL) {
    e->status = 400;
    e->title = "CSV Parser Error";
    snprintf(e->detail, sizeof e->detail, "payload too large to parse");
    return 400;
  }
  xb_csv_error err;
  memset(&err, 0, sizeof err);
  xb_csv_status st = xb_csv_parse(p, n, shape, ent, cap, count, &err);
  if (st != XB_CSV_OK) return xb_csv_fail(e, st, &err);
  *out = ent;
  return 0;
}

/* The value of an entry as a string: a span of the payload, or decoded `""` escapes. */
static bool xb_csv_value(const uint8_t *p, size_t n, const xb_csv_entry *en, xb_arena *a,
                         xb_val *v) {
  v->type = XB_V_STR;
  v->b = false;
  if (!en->val_escaped) {
    v->s = (xb_str){(const char *)p + en->val_off, en->val_len};
    return true;
  }
  char *d = xb_arena_alloc(a, en->val_size + 1);
  if (d == NULL) return false;
  size_t w = xb_csv_decode(p, n, en->val_off, en->val_len, (uint8_t *)d, en->val_size);
  d[w] = '\0';
  v->s = (xb_str){d, w};
  return true;
}

/* The timestamp of an entry in the text form the engine validates (XB-RES-6 / XB-RES-7):
 * the parser already converted it, so the canonical rendering is exact. */
static bool xb_csv_at(const xb_csv_entry *en, xb_arena *a, xb_val *v) {
  char *t = xb_arena_alloc(a, XB_TIME_TEXT_LEN + 1);
  if (t == NULL) return false;
  v->type = XB_V_STR;
  v->b = false;
  v->s = (xb_str){t, xb_time_format(en->at, t)};
  return true;
}

static int xb_csv_nomem(xb_parse_err *e) {
  e->status = 400;
  e->title = "CSV Parser Error";
  snprintf(e->detail, sizeof e->detail, "payload too large to decode");
  return 400;
}

/* Apply one entry to a datastream object: a point, or the current value. */
static int xb_csv_put(const uint8_t *p, size_t n, const xb_csv_entry *en, xb_arena *a,
                      xb_ds_in *d, xb_parse_err *e) {
  if (en->has_at) {
    xb_point_in *pt = &d->points[d->npoints];
    if (!xb_csv_at(en, a, &pt->at) || !xb_csv_value(p, n, en, a, &pt->value))
      return xb_csv_nomem(e);
    d->npoints++;
    return 0;
  }
  /* Without a timestamp: at most one per datastream (XB-CSV-25, XB-CSV-26 checked). */
  if (!xb_csv_value(p, n, en, a, &d->current_value)) return xb_csv_nomem(e);
  return 0;
}

static bool xb_csv_same_id(const uint8_t *p, const xb_csv_entry *x, const xb_csv_entry *y) {
  return x->id_len == y->id_len && memcmp(p + x->id_off, p + y->id_off, x->id_len) == 0;
}

/*
 * XB-CSV-24 / XB-CSV-29: records `id,[timestamp,]value` grouped into one datastream
 * object per id, in the order ids first appear; each object gets its records in
 * payload order. At most XB_API_MAX_DS distinct ids, so grouping costs at most 100
 * comparisons per record.
 */
static int xb_csv_feed_like(const uint8_t *p, size_t n, xb_csv_shape shape, xb_arena *a,
                            xb_feed_in *f, xb_parse_err *e) {
  memset(f, 0, sizeof *f);
  xb_csv_entry *ent = NULL;
  size_t cnt = 0;
  int r = xb_csv_entries(p, n, shape, a, e, &ent, &cnt);
  if (r != 0) return r;
  size_t *group = xb_arena_alloc(a, cnt * sizeof *group); /* entry -> datastream object */
  size_t *first = xb_arena_alloc(a, cnt * sizeof *first); /* object -> its first entry */
  size_t *npts = xb_arena_alloc(a, cnt * sizeof *npts);
  f->ds = xb_arena_alloc(a, cnt * sizeof *f->ds);
  if (group == NULL || first == NULL || npts == NULL || f->ds == NULL) return xb_csv_nomem(e);
  size_t nds = 0;
  for (size_t i = 0; i < cnt; i++) {
    size_t g = 0;
    while (g < nds && !xb_csv_same_id(p, &ent[first[g]], &ent[i])) g++;
    if (g == nds) {
      /* XB-RES-49: more distinct ids than a feed may hold is the engine's 422 anyway;
       * saying so here keeps this grouping linear in the number of records. */
      if (nds == XB_API_MAX_DS) {
        e->status = 422;
        snprintf(e->detail, sizeof e->detail, "line %zu: a feed holds at most %d datastreams",
                 ent[i].line, XB_API_MAX_DS);
        return 422;
      }
      first[nds] = i;
      npts[nds++] = 0;
    }
    group[i] = g;
    if (ent[i].has_at) npts[g]++;
  }
  for (size_t g = 0; g < nds; g++) {
    xb_ds_in *d = &f->ds[g];
    memset(d, 0, sizeof *d);
    const xb_csv_entry *en = &ent[first[g]];
    d->id.type = XB_V_STR;
    d->id.s = (xb_str){(const char *)p + en->id_off, en->id_len};
    if (npts[g] > 0) {
      d->has_points = true;
      d->points = xb_arena_alloc(a, npts[g] * sizeof *d->points);
      if (d->points == NULL) return xb_csv_nomem(e);
    }
  }
  for (size_t i = 0; i < cnt; i++) {
    r = xb_csv_put(p, n, &ent[i], a, &f->ds[group[i]], e);
    if (r != 0) return r;
  }
  f->has_ds = true;
  f->nds = nds;
  return 0;
}

/* XB-CSV-24, XB-CSV-25 */
static int xb_in_csv_feed(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *f,
                          xb_parse_err *e) {
  return xb_csv_feed_like(p, n, XB_CSV_FEED, a, f, e);
}

/* XB-CSV-29 */
static int xb_in_csv_datastreams(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *f,
                                 xb_parse_err *e) {
  return xb_csv_feed_like(p, n, XB_CSV_DATASTREAMS, a, f, e);
}

/* One datastream's records (XB-CSV-26, XB-CSV-28, XB-CSV-30): value or timestamp,value. */
static int xb_csv_ds_like(const uint8_t *p, size_t n, xb_csv_shape shape, xb_arena *a,
                          xb_ds_in *d, xb_parse_err *e) {
  memset(d, 0, sizeof *d);
  xb_csv_entry *ent = NULL;
  size_t cnt = 0;
  int r = xb_csv_entries(p, n, shape, a, e, &ent, &cnt);
  if (r != 0) return r;
  size_t np = 0;
  for (size_t i = 0; i < cnt; i++) np += ent[i].has_at ? 1u : 0u;
  if (np > 0) {
    d->has_points = true;
    d->points = xb_arena_alloc(a, np * sizeof *d->points);
    if (d->points == NULL) return xb_csv_nomem(e);
  }
  for (size_t i = 0; i < cnt && r == 0; i++) r = xb_csv_put(p, n, &ent[i], a, d, e);
  return r;
}

/* XB-CSV-26 */
static int xb_in_csv_datastream(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *d,
                                xb_parse_err *e) {
  return xb_csv_ds_like(p, n, XB_CSV_DATASTREAM, a, d, e);
}

/* XB-CSV-30: every record `timestamp,value` with a timestamp (the parser's 422). */
static int xb_in_csv_datapoints(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *d,
                                xb_parse_err *e) {
  return xb_csv_ds_like(p, n, XB_CSV_DATAPOINTS, a, d, e);
}

/* XB-CSV-31: one record of one field, the new value. */
static int xb_in_csv_datapoint(const uint8_t *p, size_t n, xb_arena *a, xb_val *v,
                               xb_parse_err *e) {
  memset(v, 0, sizeof *v);
  xb_csv_entry *ent = NULL;
  size_t cnt = 0;
  int r = xb_csv_entries(p, n, XB_CSV_DATAPOINT, a, e, &ent, &cnt);
  if (r == 0 && !xb_csv_value(p, n, &ent[0], a, v)) r = xb_csv_nomem(e);
  return r;
}

/* XB-CSV-28: one record of one field, the datastream's new current value. */
static int xb_in_csv1_datastream(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *d,
                                 xb_parse_err *e) {
  return xb_csv_ds_like(p, n, XB_CSV_V1_DATASTREAM, a, d, e);
}

/*
 * XB-CSV-27: one record; field k is the current value of datastream "k" (decimal),
 * created on first write; an empty field is the empty string. The ids are written into
 * the arena (at most 128 of at most 3 digits).
 */
static int xb_in_csv1_feed(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *f,
                           xb_parse_err *e) {
  memset(f, 0, sizeof *f);
  xb_csv_entry *ent = NULL;
  size_t cnt = 0;
  int r = xb_csv_entries(p, n, XB_CSV_V1_FEED, a, e, &ent, &cnt);
  if (r != 0) return r;
  f->ds = xb_arena_alloc(a, cnt * sizeof *f->ds);
  char *ids = xb_arena_alloc(a, cnt * 4);
  if (f->ds == NULL || ids == NULL) return xb_csv_nomem(e);
  for (size_t i = 0; i < cnt; i++) {
    xb_ds_in *d = &f->ds[i];
    memset(d, 0, sizeof *d);
    int w = snprintf(ids + 4 * i, 4, "%zu", ent[i].index);
    d->id.type = XB_V_STR;
    d->id.s = (xb_str){ids + 4 * i, (size_t)w};
    if (!xb_csv_value(p, n, &ent[i], a, &d->current_value)) return xb_csv_nomem(e);
  }
  f->has_ds = true;
  f->nds = cnt;
  return 0;
}

/* XB-CSV-32: keys, triggers, users and feed creation have no CSV form (NULL entries);
 * the routes refuse them before the payload is read. */
const xb_input_ops xb_input_csv = {
    .name = "csv",
    .feed = xb_in_csv_feed,
    .datastreams = xb_in_csv_datastreams,
    .datastream = xb_in_csv_datastream,
    .datapoints = xb_in_csv_datapoints,
    .datapoint = xb_in_csv_datapoint,
};

const xb_input_ops xb_input_csv_v1 = {
    .name = "csv-v1",
    .feed = xb_in_csv1_feed,
    .datastream = xb_in_csv1_datastream,
};
