/*
 * xb_store_ds.c — datastreams and datapoints (spec/resources.md §7, §8).
 */
#include "store/xb_store_int.h"

#include <string.h>

/* ------------------------------------------------------------------ datastreams */

static xb_store_status xb_ds_read(sqlite3_stmt *s, xb_arena *a, xb_ds_row *d) {
  memset(d, 0, sizeof *d);
  d->feed_id = (uint32_t)sqlite3_column_int64(s, 0);
  d->written = sqlite3_column_type(s, 3) != SQLITE_NULL;
  d->at = sqlite3_column_int64(s, 3);
  bool ok = xb_st_col_str(s, 1, a, &d->id) && xb_st_col_str(s, 2, a, &d->current_value) &&
            xb_st_col_str(s, 4, a, &d->min_value) && xb_st_col_str(s, 5, a, &d->max_value) &&
            xb_st_col_str(s, 6, a, &d->unit_label) &&
            xb_st_col_str(s, 7, a, &d->unit_symbol) && xb_st_col_str(s, 8, a, &d->unit_type) &&
            xb_st_col_str(s, 9, a, &d->tags);
  /* A never-written datastream has no value; a written one always has text ("" allowed). */
  if (ok && d->written && d->current_value.p == NULL) d->current_value = XB_STR_LIT("");
  return ok ? XB_STORE_OK : XB_STORE_NOMEM;
}

xb_store_status xb_store_ds_get(xb_store *st, uint32_t feed_id, const char *id, size_t len,
                                xb_arena *a, xb_ds_row *out) {
  int hit = xb_stc_ds_get(st, feed_id, id, len, a, out);
  if (hit != 0) return hit > 0 ? XB_STORE_OK : XB_STORE_NOMEM;
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DS_GET);
  sqlite3_bind_int64(s, 1, feed_id);
  xb_st_bind_str(s, 2, (xb_str){id, len});
  int rc = sqlite3_step(s);
  xb_store_status r;
  if (rc == SQLITE_ROW) r = xb_ds_read(s, a, out);
  else if (rc == SQLITE_DONE) r = XB_STORE_NOT_FOUND;
  else r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  if (r == XB_STORE_OK) xb_stc_ds_put(st, out);
  return r;
}

xb_store_status xb_store_ds_list(xb_store *st, uint32_t feed_id, xb_arena *a, xb_ds_row **rows,
                                 size_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DS_LIST);
  sqlite3_bind_int64(s, 1, feed_id);
  size_t cap = 0;
  *rows = NULL;
  *n = 0;
  xb_store_status r = XB_STORE_OK;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_ds_row *nr = xb_st_grow(a, *rows, *n, &cap, sizeof **rows);
    if (nr == NULL) {
      r = XB_STORE_NOMEM;
      break;
    }
    *rows = nr;
    r = xb_ds_read(s, a, &nr[*n]);
    if (r != XB_STORE_OK) break;
    (*n)++;
  }
  if (r == XB_STORE_OK && rc != SQLITE_DONE) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_ds_count(xb_store *st, uint32_t feed_id, int64_t *n) {
  return xb_st_count(st, XB_Q_DS_COUNT, feed_id, n);
}

static void xb_ds_bind(sqlite3_stmt *s, const xb_ds_row *d) {
  sqlite3_bind_int64(s, 1, d->feed_id);
  xb_st_bind_str(s, 2, d->id);
  if (d->written) {
    xb_st_bind_str(s, 3, d->current_value.p != NULL ? d->current_value : XB_STR_LIT(""));
    sqlite3_bind_int64(s, 4, d->at);
  } else {
    sqlite3_bind_null(s, 3);
    sqlite3_bind_null(s, 4);
  }
  xb_st_bind_str(s, 5, d->min_value);
  xb_st_bind_str(s, 6, d->max_value);
  xb_st_bind_str(s, 7, d->unit_label);
  xb_st_bind_str(s, 8, d->unit_symbol);
  xb_st_bind_str(s, 9, d->unit_type);
  xb_st_bind_str(s, 10, d->tags);
}

xb_store_status xb_store_ds_insert(xb_store *st, const xb_ds_row *row) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DS_INSERT);
  xb_ds_bind(s, row);
  xb_store_status r = xb_st_exec(st, s);
  if (r == XB_STORE_OK) xb_stc_ds_put(st, row);
  return r;
}

xb_store_status xb_store_ds_update(xb_store *st, const xb_ds_row *row) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DS_UPDATE);
  xb_ds_bind(s, row);
  xb_store_status r = xb_st_exec(st, s);
  if (r == XB_STORE_OK && sqlite3_changes(st->db) == 0) r = XB_STORE_NOT_FOUND;
  if (r == XB_STORE_OK) xb_stc_ds_put(st, row);
  return r;
}

/* ------------------------------------------------------------------ datapoints */

xb_store_status xb_store_point_put(xb_store *st, uint32_t feed_id, xb_str ds, int64_t at,
                                   xb_str value) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DP_PUT);
  sqlite3_bind_int64(s, 1, feed_id);
  xb_st_bind_str(s, 2, ds);
  sqlite3_bind_int64(s, 3, at);
  xb_st_bind_str(s, 4, value.p != NULL ? value : XB_STR_LIT(""));
  return xb_st_exec(st, s);
}

static xb_store_status xb_point_one(xb_store *st, sqlite3_stmt *s, xb_arena *a,
                                    xb_point_row *out) {
  int rc = sqlite3_step(s);
  xb_store_status r = XB_STORE_OK;
  if (rc == SQLITE_ROW) {
    out->at = sqlite3_column_int64(s, 0);
    if (!xb_st_col_str(s, 1, a, &out->value)) r = XB_STORE_NOMEM;
  } else if (rc == SQLITE_DONE) {
    r = XB_STORE_NOT_FOUND;
  } else {
    r = xb_st_fail(st, rc);
  }
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_point_get(xb_store *st, uint32_t feed_id, xb_str ds, int64_t at,
                                   xb_arena *a, xb_point_row *out) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DP_GET);
  sqlite3_bind_int64(s, 1, feed_id);
  xb_st_bind_str(s, 2, ds);
  sqlite3_bind_int64(s, 3, at);
  return xb_point_one(st, s, a, out);
}

xb_store_status xb_store_points_range(xb_store *st, uint32_t feed_id, xb_str ds, int64_t from,
                                      int64_t to, size_t limit, xb_arena *a,
                                      xb_point_row **rows, size_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DP_RANGE);
  sqlite3_bind_int64(s, 1, feed_id);
  xb_st_bind_str(s, 2, ds);
  sqlite3_bind_int64(s, 3, from);
  sqlite3_bind_int64(s, 4, to);
  sqlite3_bind_int64(s, 5, limit > (size_t)INT64_MAX ? INT64_MAX : (int64_t)limit);
  /* Appends: the caller may have put a find_previous point first. */
  size_t cap = *n;
  xb_store_status r = XB_STORE_OK;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_point_row *nr = xb_st_grow(a, *rows, *n, &cap, sizeof **rows);
    if (nr == NULL) {
      r = XB_STORE_NOMEM;
      break;
    }
    *rows = nr;
    nr[*n].at = sqlite3_column_int64(s, 0);
    if (!xb_st_col_str(s, 1, a, &nr[*n].value)) {
      r = XB_STORE_NOMEM;
      break;
    }
    (*n)++;
  }
  if (r == XB_STORE_OK && rc != SQLITE_DONE) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_point_first_from(xb_store *st, uint32_t feed_id, xb_str ds,
                                          int64_t from, int64_t to, xb_arena *a,
                                          xb_point_row *out) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DP_RANGE);
  sqlite3_bind_int64(s, 1, feed_id);
  xb_st_bind_str(s, 2, ds);
  sqlite3_bind_int64(s, 3, from);
  sqlite3_bind_int64(s, 4, to);
  sqlite3_bind_int64(s, 5, 1);
  return xb_point_one(st, s, a, out);
}

xb_store_status xb_store_point_last_before(xb_store *st, uint32_t feed_id, xb_str ds,
                                           int64_t to, bool strict, xb_arena *a,
                                           xb_point_row *out) {
  if (strict) {
    if (to == INT64_MIN) return XB_STORE_NOT_FOUND;
    to--;
  }
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DP_LAST_LE);
  sqlite3_bind_int64(s, 1, feed_id);
  xb_st_bind_str(s, 2, ds);
  sqlite3_bind_int64(s, 3, to);
  return xb_point_one(st, s, a, out);
}

xb_store_status xb_store_point_count(xb_store *st, uint32_t feed_id, xb_str ds, int64_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_DP_COUNT);
  sqlite3_bind_int64(s, 1, feed_id);
  xb_st_bind_str(s, 2, ds);
  int rc = sqlite3_step(s);
  xb_store_status r = XB_STORE_OK;
  if (rc == SQLITE_ROW) *n = sqlite3_column_int64(s, 0);
  else r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}
