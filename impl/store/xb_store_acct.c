/*
 * xb_store_acct.c — API keys with their permissions and resources, and triggers
 * (spec/resources.md §9, §10).
 */
#include "store/xb_store_int.h"

#include <string.h>

/* ------------------------------------------------------------------ keys */

static xb_store_status xb_key_read_row(sqlite3_stmt *s, xb_arena *a, xb_key_row *k) {
  memset(k, 0, sizeof *k);
  k->id = sqlite3_column_int64(s, 0);
  k->user_id = sqlite3_column_int64(s, 2);
  k->private_access = sqlite3_column_int(s, 4) != 0;
  k->has_expiry = sqlite3_column_type(s, 5) != SQLITE_NULL;
  k->expires_at = sqlite3_column_int64(s, 5);
  k->master = sqlite3_column_int(s, 6) != 0;
  bool ok = xb_st_col_str(s, 1, a, &k->api_key) && xb_st_col_str(s, 3, a, &k->label);
  return ok ? XB_STORE_OK : XB_STORE_NOMEM;
}

static xb_store_status xb_res_load(xb_store *st, int64_t perm_id, xb_arena *a, xb_perm_row *p) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_RES_LIST);
  sqlite3_bind_int64(s, 1, perm_id);
  size_t cap = 0;
  int rc;
  xb_store_status r = XB_STORE_OK;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_res_row *nr = xb_st_grow(a, p->res, p->nres, &cap, sizeof *nr);
    if (nr == NULL) {
      r = XB_STORE_NOMEM;
      break;
    }
    p->res = nr;
    nr[p->nres].feed_id = (uint32_t)sqlite3_column_int64(s, 0);
    if (!xb_st_col_str(s, 1, a, &nr[p->nres].ds_id)) {
      r = XB_STORE_NOMEM;
      break;
    }
    p->nres++;
  }
  if (r == XB_STORE_OK && rc != SQLITE_DONE) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

/* Permissions are loaded into the arena first (ids kept aside), then their resources:
 * the two statements are never stepped at the same time. */
static xb_store_status xb_perms_load(xb_store *st, xb_key_row *k, xb_arena *a) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_PERM_LIST);
  sqlite3_bind_int64(s, 1, k->id);
  size_t cap = 0, icap = 0;
  int64_t *ids = NULL;
  int rc;
  xb_store_status r = XB_STORE_OK;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_perm_row *np = xb_st_grow(a, k->perms, k->nperms, &cap, sizeof *np);
    int64_t *ni = xb_st_grow(a, ids, k->nperms, &icap, sizeof *ni);
    if (np == NULL || ni == NULL) {
      r = XB_STORE_NOMEM;
      break;
    }
    k->perms = np;
    ids = ni;
    xb_perm_row *p = &np[k->nperms];
    memset(p, 0, sizeof *p);
    ids[k->nperms] = sqlite3_column_int64(s, 0);
    p->methods = (unsigned)sqlite3_column_int(s, 1);
    p->has_min_interval = sqlite3_column_type(s, 5) != SQLITE_NULL;
    p->minimum_interval = sqlite3_column_int64(s, 5);
    if (!xb_st_col_str(s, 2, a, &p->label) || !xb_st_col_str(s, 3, a, &p->source_ip) ||
        !xb_st_col_str(s, 4, a, &p->referer)) {
      r = XB_STORE_NOMEM;
      break;
    }
    k->nperms++;
  }
  if (r == XB_STORE_OK && rc != SQLITE_DONE) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  for (size_t i = 0; r == XB_STORE_OK && i < k->nperms; i++)
    r = xb_res_load(st, ids[i], a, &k->perms[i]);
  return r;
}

xb_store_status xb_store_key_get(xb_store *st, const char *api_key, size_t len, xb_arena *a,
                                 xb_key_row *out) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_KEY_GET);
  xb_st_bind_str(s, 1, (xb_str){api_key, len});
  int rc = sqlite3_step(s);
  xb_store_status r;
  if (rc == SQLITE_ROW) r = xb_key_read_row(s, a, out);
  else if (rc == SQLITE_DONE) r = XB_STORE_NOT_FOUND;
  else r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  if (r == XB_STORE_OK) r = xb_perms_load(st, out, a);
  return r;
}

xb_store_status xb_store_key_list(xb_store *st, int64_t user_id, uint32_t feed_id, xb_arena *a,
                                  xb_key_row **rows, size_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_KEY_LIST);
  sqlite3_bind_int64(s, 1, user_id);
  sqlite3_bind_int64(s, 2, feed_id);
  size_t cap = 0;
  *rows = NULL;
  *n = 0;
  int rc;
  xb_store_status r = XB_STORE_OK;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_key_row *nr = xb_st_grow(a, *rows, *n, &cap, sizeof *nr);
    if (nr == NULL) {
      r = XB_STORE_NOMEM;
      break;
    }
    *rows = nr;
    r = xb_key_read_row(s, a, &nr[*n]);
    if (r != XB_STORE_OK) break;
    (*n)++;
  }
  if (r == XB_STORE_OK && rc != SQLITE_DONE) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  for (size_t i = 0; r == XB_STORE_OK && i < *n; i++) r = xb_perms_load(st, &(*rows)[i], a);
  return r;
}

xb_store_status xb_store_key_count_by_user(xb_store *st, int64_t user_id, int64_t *n) {
  return xb_st_count(st, XB_Q_KEY_COUNT_USER, user_id, n);
}

static xb_store_status xb_perms_insert(xb_store *st, const xb_key_row *k) {
  for (size_t i = 0; i < k->nperms; i++) {
    const xb_perm_row *p = &k->perms[i];
    sqlite3_stmt *s = xb_st_q(st, XB_Q_PERM_INSERT);
    sqlite3_bind_int64(s, 1, k->id);
    sqlite3_bind_int64(s, 2, (int64_t)i);
    sqlite3_bind_int(s, 3, (int)p->methods);
    xb_st_bind_str(s, 4, p->label);
    xb_st_bind_str(s, 5, p->source_ip);
    xb_st_bind_str(s, 6, p->referer);
    xb_st_bind_opt_i64(s, 7, p->has_min_interval, p->minimum_interval);
    xb_store_status r = xb_st_exec(st, s);
    if (r != XB_STORE_OK) return r;
    int64_t pid = sqlite3_last_insert_rowid(st->db);
    for (size_t j = 0; j < p->nres; j++) {
      s = xb_st_q(st, XB_Q_RES_INSERT);
      sqlite3_bind_int64(s, 1, pid);
      sqlite3_bind_int64(s, 2, (int64_t)j);
      sqlite3_bind_int64(s, 3, p->res[j].feed_id);
      xb_st_bind_str(s, 4, p->res[j].ds_id);
      r = xb_st_exec(st, s);
      if (r != XB_STORE_OK) return r;
    }
  }
  return XB_STORE_OK;
}

xb_store_status xb_store_key_insert(xb_store *st, const xb_key_row *row) {
  st->key_gen++;
  sqlite3_stmt *s = xb_st_q(st, XB_Q_KEY_INSERT);
  xb_st_bind_str(s, 1, row->api_key);
  sqlite3_bind_int64(s, 2, row->user_id);
  xb_st_bind_str(s, 3, row->label);
  sqlite3_bind_int(s, 4, row->private_access ? 1 : 0);
  xb_st_bind_opt_i64(s, 5, row->has_expiry, row->expires_at);
  sqlite3_bind_int(s, 6, row->master ? 1 : 0);
  xb_store_status r = xb_st_exec(st, s);
  if (r != XB_STORE_OK) return r;
  xb_key_row k = *row;
  k.id = sqlite3_last_insert_rowid(st->db);
  return xb_perms_insert(st, &k);
}

xb_store_status xb_store_key_update(xb_store *st, const xb_key_row *row) {
  st->key_gen++;
  sqlite3_stmt *s = xb_st_q(st, XB_Q_KEY_UPDATE);
  sqlite3_bind_int64(s, 1, row->id);
  xb_st_bind_str(s, 2, row->label);
  sqlite3_bind_int(s, 3, row->private_access ? 1 : 0);
  xb_st_bind_opt_i64(s, 4, row->has_expiry, row->expires_at);
  xb_store_status r = xb_st_exec(st, s);
  if (r != XB_STORE_OK) return r;
  if (sqlite3_changes(st->db) == 0) return XB_STORE_NOT_FOUND;
  s = xb_st_q(st, XB_Q_PERM_DELETE);
  sqlite3_bind_int64(s, 1, row->id);
  r = xb_st_exec(st, s);
  if (r != XB_STORE_OK) return r;
  return xb_perms_insert(st, row);
}

/* ------------------------------------------------------------------ triggers */

static xb_store_status xb_trig_read(sqlite3_stmt *s, xb_arena *a, xb_trigger_row *t) {
  memset(t, 0, sizeof *t);
  t->id = (uint32_t)sqlite3_column_int64(s, 0);
  t->user_id = sqlite3_column_int64(s, 1);
  t->feed_id = (uint32_t)sqlite3_column_int64(s, 6);
  t->has_notified = sqlite3_column_type(s, 8) != SQLITE_NULL;
  t->notified_at = sqlite3_column_int64(s, 8);
  bool ok = xb_st_col_str(s, 2, a, &t->user_login) && xb_st_col_str(s, 3, a, &t->url) &&
            xb_st_col_str(s, 4, a, &t->trigger_type) &&
            xb_st_col_str(s, 5, a, &t->threshold_value) && xb_st_col_str(s, 7, a, &t->stream_id);
  return ok ? XB_STORE_OK : XB_STORE_NOMEM;
}

xb_store_status xb_store_trigger_get(xb_store *st, uint32_t id, xb_arena *a,
                                     xb_trigger_row *out) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_TRIG_GET);
  sqlite3_bind_int64(s, 1, id);
  int rc = sqlite3_step(s);
  xb_store_status r;
  if (rc == SQLITE_ROW) r = xb_trig_read(s, a, out);
  else if (rc == SQLITE_DONE) r = XB_STORE_NOT_FOUND;
  else r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_trigger_list(xb_store *st, int64_t user_id, uint32_t feed_id,
                                      xb_arena *a, xb_trigger_row **rows, size_t *n) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_TRIG_LIST);
  sqlite3_bind_int64(s, 1, user_id);
  sqlite3_bind_int64(s, 2, feed_id);
  size_t cap = 0;
  *rows = NULL;
  *n = 0;
  int rc;
  xb_store_status r = XB_STORE_OK;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    xb_trigger_row *nr = xb_st_grow(a, *rows, *n, &cap, sizeof *nr);
    if (nr == NULL) {
      r = XB_STORE_NOMEM;
      break;
    }
    *rows = nr;
    r = xb_trig_read(s, a, &nr[*n]);
    if (r != XB_STORE_OK) break;
    (*n)++;
  }
  if (r == XB_STORE_OK && rc != SQLITE_DONE) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

xb_store_status xb_store_trigger_count_by_user(xb_store *st, int64_t user_id, int64_t *n) {
  return xb_st_count(st, XB_Q_TRIG_COUNT_USER, user_id, n);
}

static void xb_trig_bind(sqlite3_stmt *s, const xb_trigger_row *t) {
  sqlite3_bind_int64(s, 1, t->id);
  sqlite3_bind_int64(s, 2, t->user_id);
  xb_st_bind_str(s, 3, t->url);
  xb_st_bind_str(s, 4, t->trigger_type);
  xb_st_bind_str(s, 5, t->threshold_value);
  sqlite3_bind_int64(s, 6, t->feed_id);
  xb_st_bind_str(s, 7, t->stream_id);
}

xb_store_status xb_store_trigger_insert(xb_store *st, const xb_trigger_row *row, uint32_t *id) {
  uint32_t tid = 0;
  xb_store_status r = xb_st_alloc_id(st, "trigger", 0, &tid);
  if (r != XB_STORE_OK) return r;
  sqlite3_stmt *s = xb_st_q(st, XB_Q_TRIG_INSERT);
  xb_trig_bind(s, row);
  sqlite3_bind_int64(s, 1, tid);
  xb_st_bind_opt_i64(s, 8, row->has_notified, row->notified_at);
  r = xb_st_exec(st, s);
  if (r == XB_STORE_OK && id != NULL) *id = tid;
  return r;
}

xb_store_status xb_store_trigger_update(xb_store *st, const xb_trigger_row *row) {
  sqlite3_stmt *s = xb_st_q(st, XB_Q_TRIG_UPDATE);
  xb_trig_bind(s, row);
  xb_store_status r = xb_st_exec(st, s);
  if (r == XB_STORE_OK && sqlite3_changes(st->db) == 0) r = XB_STORE_NOT_FOUND;
  return r;
}
