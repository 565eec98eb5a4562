/*
 * xb_store_feed.c — users, feeds, waypoints and the id high-water marks (XB-RES-33).
 */
#include "store/xb_store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ high-water marks */

static xb_store_status xb_hwm_get(xb_store *st, const char *name, int64_t *v) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_HWM_GET);
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  *v = 0;
  if (rc == SQLITE_ROW) *v = sqlite3_column_int64(s, 0);
  sqlite3_reset(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return xb_st_fail(st, rc);
  return XB_STORE_OK;
}

static xb_store_status xb_hwm_set(xb_store *st, const char *name, int64_t v) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_HWM_SET);
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, v);
  return xb_st_exec(st, s);
}

/*
 * The next id of a counter, or the chosen one (raising the mark when larger).
 * XB-RES-33: one more than the highest id ever allocated or chosen; ids are never reused.
 */
xb_store_status xb_st_alloc_id(xb_store *st, const char *name, uint32_t chosen, uint32_t *id) {
  int64_t hwm = 0;
  xb_store_status r = xb_hwm_get(st, name, &hwm);
  if (r != XB_STORE_OK) return r;
  int64_t v = chosen;
  if (chosen == 0) {
    if (hwm >= 2147483647) {
      snprintf(st->errmsg, sizeof st->errmsg, "%s id space exhausted", name);
      return XB_STORE_ERROR;
    }
    v = hwm + 1;
  }
  if (v > hwm) {
    r = xb_hwm_set(st, name, v);
    if (r != XB_STORE_OK) return r;
  }
  *id = (uint32_t)v;
  return XB_STORE_OK;
}

/* ------------------------------------------------------------------ users */

static xb_store_status xb_user_read(sqlite3_stmt *s, xb_arena *a, xb_user_row *u) {
  memset(u, 0, sizeof *u);
  u->id = sqlite3_column_int64(s, 0);
  u->admin = sqlite3_column_int(s, 8) != 0;
  u->created = sqlite3_column_int64(s, 9);
  bool ok = xb_st_col_str(s, 1, a, &u->login) && xb_st_col_str(s, 2, a, &u->full_name) &&
            xb_st_col_str(s, 3, a, &u->email) && xb_st_col_str(s, 4, a, &u->website) &&
            xb_st_col_str(s, 5, a, &u->about) && xb_st_col_str(s, 6, a, &u->organisation) &&
            xb_st_col_str(s, 7, a, &u->timezone) && xb_st_col_str(s, 10, a, &u->api_key);
  return ok ? XB_STORE_OK : XB_STORE_NOMEM;
}

static xb_store_status xb_user_one(xb_store *st, sqlite3_stmt *s, xb_arena *a,
                                   xb_user_row *out) {
  int rc = sqlite3_step(s);
  xb_store_status r;
  if (rc == SQLITE_ROW) r = xb_user_read(s, a, out);
  else if (rc == SQLITE_DONE) r = XB_STORE_NOT_FOUND;
  else r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_user_by_login(xb_store *st, const char *login, size_t len,
                                       xb_arena *a, xb_user_row *out) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_USER_BY_LOGIN);
  xb_st_bind_str(s, 1, (xb_str){login, len});
  return xb_user_one(st, s, a, out);
}

xb_store_status xb_store_user_by_id(xb_store *st, int64_t id, xb_arena *a, xb_user_row *out) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_USER_BY_ID);
  sqlite3_bind_int64(s, 1, id);
  return xb_user_one(st, s, a, out);
}

static void xb_user_bind(sqlite3_stmt *s, const xb_user_row *u, int base) {
  xb_st_bind_str(s, base + 1, u->full_name);
  xb_st_bind_str(s, base + 2, u->email);
  xb_st_bind_str(s, base + 3, u->website);
  xb_st_bind_str(s, base + 4, u->about);
  xb_st_bind_str(s, base + 5, u->organisation);
  xb_st_bind_str(s, base + 6, u->timezone);
  sqlite3_bind_int(s, base + 7, u->admin ? 1 : 0);
}

xb_store_status xb_store_user_insert(xb_store *st, const xb_user_row *row, int64_t *id) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_USER_INSERT);
  xb_st_bind_str(s, 1, row->login);
  xb_user_bind(s, row, 1);
  sqlite3_bind_int64(s, 9, row->created);
  xb_stc_feedrow_drop_all(st); /* owner_login of the cached feed rows */
  xb_store_status r = xb_st_exec(st, s);
  st->key_gen++;
  if (r == XB_STORE_OK && id != NULL) *id = sqlite3_last_insert_rowid(st->db);
  return r;
}

xb_store_status xb_store_user_update(xb_store *st, const xb_user_row *row) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_USER_UPDATE);
  sqlite3_bind_int64(s, 1, row->id);
  xb_user_bind(s, row, 1);
  xb_stc_feedrow_drop_all(st); /* owner_login of the cached feed rows */
  xb_store_status r = xb_st_exec(st, s);
  st->key_gen++;
  if (r == XB_STORE_OK && sqlite3_changes(st->db) == 0) r = XB_STORE_NOT_FOUND;
  return r;
}

xb_store_status xb_store_user_list(xb_store *st, int64_t only_id, xb_arena *a,
                                   xb_user_row **rows, size_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_USER_LIST);
  sqlite3_bind_int64(s, 1, only_id);
  size_t cap = 0;
  *rows = NULL;
  *n = 0;
  xb_store_status r = XB_STORE_OK;
  int rc;
  while (r == XB_STORE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_user_row *nr = xb_st_grow(a, *rows, *n, &cap, sizeof **rows);
    if (nr == NULL) {
      r = XB_STORE_NOMEM;
      break;
    }
    *rows = nr;
    r = xb_user_read(s, a, &nr[*n]);
    if (r == XB_STORE_OK) (*n)++;
  }
  if (r == XB_STORE_OK && rc != SQLITE_DONE) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

/* ------------------------------------------------------------------ feeds */

static bool xb_touch_log(xb_store *st, uint32_t id, int64_t updated);

static xb_store_status xb_feed_read(sqlite3_stmt *s, xb_arena *a, xb_feed_row *f) {
  memset(f, 0, sizeof *f);
  f->id = (uint32_t)sqlite3_column_int64(s, 0);
  f->user_id = sqlite3_column_int64(s, 1);
  f->is_private = sqlite3_column_int(s, 4) != 0;
  f->loc_at = sqlite3_column_int64(s, 17);
  f->created = sqlite3_column_int64(s, 18);
  f->updated = sqlite3_column_int64(s, 19);
  bool ok = xb_st_col_str(s, 2, a, &f->owner_login) && xb_st_col_str(s, 3, a, &f->title) &&
            xb_st_col_str(s, 5, a, &f->description) && xb_st_col_str(s, 6, a, &f->website) &&
            xb_st_col_str(s, 7, a, &f->icon) && xb_st_col_str(s, 8, a, &f->email) &&
            xb_st_col_str(s, 9, a, &f->tags) &&
            xb_st_col_str(s, 10, a, &f->loc_disposition) &&
            xb_st_col_str(s, 11, a, &f->loc_domain) &&
            xb_st_col_str(s, 12, a, &f->loc_exposure) &&
            xb_st_col_str(s, 13, a, &f->loc_name) && xb_st_col_str(s, 14, a, &f->loc_lat) &&
            xb_st_col_str(s, 15, a, &f->loc_lon) && xb_st_col_str(s, 16, a, &f->loc_ele);
  return ok ? XB_STORE_OK : XB_STORE_NOMEM;
}

/*
 * The stored row comes from the feed row cache (xb_store_cache.c) when it holds it, else
 * from SQLite, and is then cached; the batch's deferred `updated` is laid over it in both
 * cases, so the caller sees the committed state plus the batch's earlier requests
 * (XB-STORE-13).
 */
xb_store_status xb_store_feed_get(xb_store *st, uint32_t id, xb_arena *a, xb_feed_row *out) {
  int hit = xb_stc_feedrow_get(st, id, a, out);
  if (hit < 0) return XB_STORE_NOMEM;
  xb_store_status r = XB_STORE_OK;
  if (hit == 0) {
    sqlite3_stmt *s = xb_st_q(st, XB_Q_FEED_GET);
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) r = xb_feed_read(s, a, out);
    else if (rc == SQLITE_DONE) r = XB_STORE_NOT_FOUND;
    else r = xb_st_fail(st, rc);
    sqlite3_reset(s);
    if (r == XB_STORE_OK) xb_stc_feedrow_put(st, out);
  }
  if (r == XB_STORE_OK) xb_st_touch_lookup(st, id, &out->updated);
  return r;
}

xb_store_status xb_store_feed_auth(xb_store *st, uint32_t id, int64_t *user_id,
                                   bool *is_private) {
  if (xb_stc_feed_get(st, id, user_id, is_private)) return XB_STORE_OK;
  sqlite3_stmt *s = xb_st_q(st, XB_Q_FEED_AUTH);
  sqlite3_bind_int64(s, 1, id);
  int rc = sqlite3_step(s);
  xb_store_status r = XB_STORE_OK;
  if (rc == SQLITE_ROW) {
    *user_id = sqlite3_column_int64(s, 0);
    *is_private = sqlite3_column_int(s, 1) != 0;
    xb_stc_feed_put(st, id, *user_id, *is_private);
  } else if (rc == SQLITE_DONE) {
    r = XB_STORE_NOT_FOUND;
  } else {
    r = xb_st_fail(st, rc);
  }
  sqlite3_reset(s);
  return r;
}

static void xb_feed_bind(sqlite3_stmt *s, const xb_feed_row *f) {
  sqlite3_bind_int64(s, 1, f->id);
  sqlite3_bind_int64(s, 2, f->user_id);
  xb_st_bind_str(s, 3, f->title);
  sqlite3_bind_int(s, 4, f->is_private ? 1 : 0);
  xb_st_bind_str(s, 5, f->description);
  xb_st_bind_str(s, 6, f->website);
  xb_st_bind_str(s, 7, f->icon);
  xb_st_bind_str(s, 8, f->email);
  xb_st_bind_str(s, 9, f->tags);
  xb_st_bind_str(s, 10, f->loc_disposition);
  xb_st_bind_str(s, 11, f->loc_domain);
  xb_st_bind_str(s, 12, f->loc_exposure);
  xb_st_bind_str(s, 13, f->loc_name);
  xb_st_bind_str(s, 14, f->loc_lat);
  xb_st_bind_str(s, 15, f->loc_lon);
  xb_st_bind_str(s, 16, f->loc_ele);
  sqlite3_bind_int64(s, 17, f->loc_at);
  sqlite3_bind_int64(s, 18, f->created);
  sqlite3_bind_int64(s, 19, f->updated);
}

xb_store_status xb_store_feed_insert(xb_store *st, const xb_feed_row *row, uint32_t *id) {
  uint32_t fid = 0;
  xb_store_status r = xb_st_alloc_id(st, "feed", row->id, &fid);
  if (r != XB_STORE_OK) return r;
  xb_stc_feedrow_drop(st, fid);
  sqlite3_stmt *s = xb_st_q(st, XB_Q_FEED_INSERT);
  xb_feed_bind(s, row);
  sqlite3_bind_int64(s, 1, fid);
  r = xb_st_exec(st, s);
  if (r == XB_STORE_OK) xb_stc_feed_put(st, fid, row->user_id, row->is_private);
  if (r == XB_STORE_OK && id != NULL) *id = fid;
  return r;
}

xb_store_status xb_store_feed_update(xb_store *st, const xb_feed_row *row) {
  xb_stc_feedrow_drop(st, row->id);
  sqlite3_stmt *s = xb_st_q(st, XB_Q_FEED_UPDATE);
  xb_feed_bind(s, row);
  xb_store_status r = xb_st_exec(st, s);
  if (r == XB_STORE_OK && sqlite3_changes(st->db) == 0) r = XB_STORE_NOT_FOUND;
  if (r == XB_STORE_OK) xb_stc_feed_put(st, row->id, row->user_id, row->is_private);
  /* A touch logged earlier in the batch must not overwrite this time at commit. */
  if (r == XB_STORE_OK && st->in_tx && !xb_touch_log(st, row->id, row->updated))
    r = XB_STORE_NOMEM;
  return r;
}

/*
 * Every write sets its feed's `updated` (XB-RES-35). Inside a batch the new time is
 * logged and written once per feed when the batch commits, instead of one UPDATE per
 * request; reads of the feed (xb_store_feed_get) see the logged time, so every request
 * of the batch observes the earlier ones (XB-STORE-13), and a rolled-back request's
 * entry is dropped with its savepoint (XB-STORE-8).
 */
static bool xb_touch_log(xb_store *st, uint32_t id, int64_t updated) {
  if (st->ntouch == st->touch_cap) {
    size_t nc = st->touch_cap == 0 ? 256 : st->touch_cap * 2;
    xb_touch *nt = realloc(st->touch, nc * sizeof *nt);
    if (nt == NULL) return false;
    st->touch = nt;
    st->touch_cap = nc;
  }
  st->touch[st->ntouch].feed = id;
  st->touch[st->ntouch].seq = st->ntouch;
  st->touch[st->ntouch].updated = updated;
  st->ntouch++;
  return true;
}

bool xb_st_touch_lookup(xb_store *st, uint32_t feed, int64_t *updated) {
  for (size_t i = st->ntouch; i > 0; i--) {
    if (st->touch[i - 1].feed == feed) {
      *updated = st->touch[i - 1].updated;
      return true;
    }
  }
  return false;
}

static int xb_touch_cmp(const void *a, const void *b) {
  const xb_touch *x = a, *y = b;
  if (x->feed != y->feed) return x->feed < y->feed ? -1 : 1;
  return x->seq > y->seq ? -1 : (x->seq < y->seq ? 1 : 0); /* latest first */
}

xb_store_status xb_st_touch_flush(xb_store *st) {
  xb_store_status r = XB_STORE_OK;
  if (st->ntouch > 0) {
    qsort(st->touch, st->ntouch, sizeof *st->touch, xb_touch_cmp);
    for (size_t i = 0; i < st->ntouch && r == XB_STORE_OK; i++) {
      if (i > 0 && st->touch[i - 1].feed == st->touch[i].feed) continue;
      sqlite3_stmt *s = xb_st_q(st, XB_Q_FEED_TOUCH);
      sqlite3_bind_int64(s, 1, st->touch[i].feed);
      sqlite3_bind_int64(s, 2, st->touch[i].updated);
      r = xb_st_exec(st, s);
      if (r == XB_STORE_OK) xb_stc_feedrow_set_updated(st, st->touch[i].feed, st->touch[i].updated);
    }
  }
  st->ntouch = 0;
  st->touch_mark = 0;
  return r;
}

xb_store_status xb_store_feed_touch(xb_store *st, uint32_t id, int64_t updated) {
  if (st->in_tx) {
    int64_t owner;
    bool priv;
    xb_store_status r = xb_store_feed_auth(st, id, &owner, &priv);
    if (r != XB_STORE_OK) return r;
    return xb_touch_log(st, id, updated) ? XB_STORE_OK : XB_STORE_NOMEM;
  }
  xb_stc_feedrow_drop(st, id);
  sqlite3_stmt *s = xb_st_q(st, XB_Q_FEED_TOUCH);
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, updated);
  xb_store_status r = xb_st_exec(st, s);
  if (r == XB_STORE_OK && sqlite3_changes(st->db) == 0) r = XB_STORE_NOT_FOUND;
  return r;
}

xb_store_status xb_st_count(xb_store *st, xb_stmt_id q, int64_t key, int64_t *n) {
  sqlite3_stmt *s = xb_st_q(st, q);
  sqlite3_bind_int64(s, 1, key);
  int rc = sqlite3_step(s);
  xb_store_status r = XB_STORE_OK;
  if (rc == SQLITE_ROW) *n = sqlite3_column_int64(s, 0);
  else r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_feed_count_by_user(xb_store *st, int64_t user_id, int64_t *n) {
  return xb_st_count(st, XB_Q_FEED_COUNT_USER, user_id, n);
}

xb_store_status xb_store_feed_ids(xb_store *st, int64_t user_id, xb_arena *a, uint32_t **ids,
                                  size_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_FEED_IDS);
  sqlite3_bind_int64(s, 1, user_id);
  size_t cap = 0;
  *ids = NULL;
  *n = 0;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    uint32_t *ni = xb_st_grow(a, *ids, *n, &cap, sizeof **ids);
    if (ni == NULL) {
      sqlite3_reset(s);
      return XB_STORE_NOMEM;
    }
    *ids = ni;
    ni[(*n)++] = (uint32_t)sqlite3_column_int64(s, 0);
  }
  xb_store_status r = rc == SQLITE_DONE ? XB_STORE_OK : xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

/* ------------------------------------------------------------------ waypoints */

xb_store_status xb_store_waypoints(xb_store *st, uint32_t feed_id, xb_arena *a,
                                   xb_waypoint_row **rows, size_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_WP_LIST);
  sqlite3_bind_int64(s, 1, feed_id);
  size_t cap = 0;
  *rows = NULL;
  *n = 0;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_waypoint_row *nr = xb_st_grow(a, *rows, *n, &cap, sizeof **rows);
    if (nr == NULL) {
      sqlite3_reset(s);
      return XB_STORE_NOMEM;
    }
    *rows = nr;
    xb_waypoint_row *w = &nr[*n];
    w->at = sqlite3_column_int64(s, 0);
    if (!xb_st_col_str(s, 1, a, &w->lat) || !xb_st_col_str(s, 2, a, &w->lon) ||
        !xb_st_col_str(s, 3, a, &w->ele)) {
      sqlite3_reset(s);
      return XB_STORE_NOMEM;
    }
    (*n)++;
  }
  xb_store_status r = rc == SQLITE_DONE ? XB_STORE_OK : xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_waypoint_add(xb_store *st, uint32_t feed_id, const xb_waypoint_row *w,
                                      size_t keep) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_WP_INSERT);
  sqlite3_bind_int64(s, 1, feed_id);
  sqlite3_bind_int64(s, 2, w->at);
  xb_st_bind_str(s, 3, w->lat);
  xb_st_bind_str(s, 4, w->lon);
  xb_st_bind_str(s, 5, w->ele);
  xb_store_status r = xb_st_exec(st, s);
  if (r != XB_STORE_OK) return r;
  s = xb_st_q(st, XB_Q_WP_TRIM);
  sqlite3_bind_int64(s, 1, feed_id);
  sqlite3_bind_int64(s, 2, (int64_t)keep);
  return xb_st_exec(st, s);
}
