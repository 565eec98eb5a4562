/*
 * xb_store.c — opening, locking, migrating the store; transactions; shared helpers.
 * spec/persistence.md: XB-STORE-1..7 (file, lock, pragmas, migrations), XB-STORE-8..13
 * (batch transaction with one savepoint per request), XB-STORE-16 (checkpoint at close).
 */
/* F_OFD_SETLK: an open-file-description lock conflicts even within one process and is
 * not dropped when another descriptor of the same file is closed. */
#define _GNU_SOURCE 1

#include "store/xb_store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ migrations */

/*
 * Ordered migrations: entry i brings the schema from version i to version i + 1
 * (XB-STORE-5). Append only; never edit a published entry.
 *
 * Notes on the schema:
 * - timestamps are INTEGER microseconds (XB-STORE-7); values are TEXT, never REAL;
 * - datastream and datapoint tables are WITHOUT ROWID, clustered on their natural key,
 *   so a history range is one index walk and datastreams come out in byte order of id
 *   (BINARY collation = memcmp, XB-RES-59);
 * - datapoints carry no foreign key to datastreams: the engine inserts a datastream
 *   before its first datapoint and nothing deletes datastreams, while the parent lookup
 *   of a foreign key would cost every datapoint insert (the hot path) another B-tree
 *   search;
 * - perm_resources.feed_id is deliberately not a foreign key with ON DELETE CASCADE:
 *   deleting a feed must never turn a feed-scoped permission into an unscoped one.
 */
static const char *const xb_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE hwm(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE users("
    "  id INTEGER PRIMARY KEY,"
    "  login TEXT NOT NULL UNIQUE,"
    "  full_name TEXT, email TEXT, website TEXT, about TEXT, organisation TEXT,"
    "  timezone TEXT,"
    "  admin INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE feeds("
    "  id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 2147483647),"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  title TEXT NOT NULL,"
    "  private INTEGER NOT NULL DEFAULT 0,"
    "  description TEXT, website TEXT, icon TEXT, email TEXT, tags TEXT,"
    "  loc_disposition TEXT, loc_domain TEXT, loc_exposure TEXT, loc_name TEXT,"
    "  loc_lat TEXT, loc_lon TEXT, loc_ele TEXT, loc_at INTEGER,"
    "  created INTEGER NOT NULL, updated INTEGER NOT NULL);"
    "CREATE INDEX feeds_user ON feeds(user_id, id);"
    "CREATE TABLE waypoints("
    "  seq INTEGER PRIMARY KEY,"
    "  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
    "  at INTEGER NOT NULL, lat TEXT NOT NULL, lon TEXT NOT NULL, ele TEXT);"
    "CREATE INDEX waypoints_feed ON waypoints(feed_id, at);"
    "CREATE TABLE datastreams("
    "  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
    "  id TEXT NOT NULL,"
    "  current_value TEXT, at INTEGER,"
    "  min_value TEXT, max_value TEXT,"
    "  unit_label TEXT, unit_symbol TEXT, unit_type TEXT, tags TEXT,"
    "  PRIMARY KEY(feed_id, id)) WITHOUT ROWID;"
    "CREATE TABLE datapoints("
    "  feed_id INTEGER NOT NULL,"
    "  ds_id TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY(feed_id, ds_id, at)"
    ") WITHOUT ROWID;"
    "CREATE TABLE keys("
    "  id INTEGER PRIMARY KEY,"
    "  api_key TEXT NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  label TEXT NOT NULL,"
    "  private_access INTEGER NOT NULL,"
    "  expires_at INTEGER,"
    "  master INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX keys_user ON keys(user_id, api_key);"
    "CREATE TABLE permissions("
    "  id INTEGER PRIMARY KEY,"
    "  key_id INTEGER NOT NULL REFERENCES keys(id) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL,"
    "  methods INTEGER NOT NULL,"
    "  label TEXT, source_ip TEXT, referer TEXT, minimum_interval INTEGER,"
    "  UNIQUE(key_id, pos));"
    "CREATE TABLE perm_resources("
    "  perm_id INTEGER NOT NULL REFERENCES permissions(id) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL,"
    "  feed_id INTEGER NOT NULL,"
    "  datastream_id TEXT,"
    "  PRIMARY KEY(perm_id, pos)) WITHOUT ROWID;"
    "CREATE INDEX perm_resources_feed ON perm_resources(feed_id);"
    "CREATE TABLE triggers("
    "  id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 2147483647),"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  url TEXT NOT NULL, trigger_type TEXT NOT NULL, threshold_value TEXT,"
    "  feed_id INTEGER NOT NULL, stream_id TEXT NOT NULL, notified_at INTEGER);"
    "CREATE INDEX triggers_user ON triggers(user_id, id);",
};

#define XB_NMIGRATIONS (sizeof xb_migrations / sizeof xb_migrations[0])
_Static_assert(XB_NMIGRATIONS == XB_STORE_SCHEMA_VERSION, "one migration per version");

static const char *const xb_stmt_sql[XB_Q_COUNT] = {
#define XB_STMT_SQL(name, sql) sql,
    XB_STORE_STMTS(XB_STMT_SQL)
#undef XB_STMT_SQL
};

/* ------------------------------------------------------------------ helpers */

static void xb_st_seterr(xb_store *st, const char *msg) {
  snprintf(st->errmsg, sizeof st->errmsg, "%s", msg);
}

xb_store_status xb_st_fail(xb_store *st, int rc) {
  xb_st_seterr(st, st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
  int prim = rc & 0xff;
  if (prim == SQLITE_CONSTRAINT) return XB_STORE_EXISTS;
  if (prim == SQLITE_NOMEM) return XB_STORE_NOMEM;
  if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) return XB_STORE_LOCKED;
  return XB_STORE_ERROR;
}

sqlite3_stmt *xb_st_q(xb_store *st, xb_stmt_id id) {
  sqlite3_stmt *s = st->q[id];
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return s;
}

xb_store_status xb_st_exec(xb_store *st, sqlite3_stmt *s) {
  int rc = sqlite3_step(s);
  xb_store_status r = XB_STORE_OK;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) r = xb_st_fail(st, rc);
  sqlite3_reset(s);
  return r;
}

int xb_st_bind_str(sqlite3_stmt *s, int i, xb_str v) {
  if (v.p == NULL) return sqlite3_bind_null(s, i);
  if (v.n > (size_t)0x7fffffff) return SQLITE_TOOBIG;
  return sqlite3_bind_text(s, i, v.p, (int)v.n, SQLITE_STATIC);
}

int xb_st_bind_opt_i64(sqlite3_stmt *s, int i, bool set, int64_t v) {
  return set ? sqlite3_bind_int64(s, i, v) : sqlite3_bind_null(s, i);
}

bool xb_st_col_str(sqlite3_stmt *s, int i, xb_arena *a, xb_str *out) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) {
    *out = XB_STR_NONE;
    return true;
  }
  const unsigned char *t = sqlite3_column_text(s, i);
  int n = sqlite3_column_bytes(s, i);
  char *c = xb_arena_strndup(a, t, n > 0 ? (size_t)n : 0);
  if (c == NULL) return false;
  out->p = c;
  out->n = n > 0 ? (size_t)n : 0;
  return true;
}

void *xb_st_grow(xb_arena *a, void *arr, size_t n, size_t *cap, size_t sz) {
  if (n < *cap) return arr;
  size_t ncap = *cap == 0 ? 8 : *cap * 2;
  if (ncap > SIZE_MAX / sz) return NULL;
  void *na = xb_arena_alloc(a, ncap * sz);
  if (na == NULL) return NULL;
  if (n != 0) memcpy(na, arr, n * sz);
  *cap = ncap;
  return na;
}

/* ------------------------------------------------------------------ open / close */

void xb_store_config_default(xb_store_config *cfg) {
  cfg->synchronous = 2;
  cfg->exclusive = true;
  cfg->read_only = false;
}

/* XB-STORE-2: create the parent directory (one level) with mode 0700. */
static bool xb_st_mkparent(const char *path, char *err, size_t errlen) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL || slash == path) return true;
  size_t n = (size_t)(slash - path);
  char *dir = malloc(n + 1);
  if (dir == NULL) return false;
  memcpy(dir, path, n);
  dir[n] = '\0';
  bool ok = true;
  struct stat sb;
  if (stat(dir, &sb) != 0) {
    if (mkdir(dir, 0700) != 0) {
      if (err != NULL) snprintf(err, errlen, "%s: cannot create directory: %s", dir,
                                strerror(errno));
      ok = false;
    }
  }
  free(dir);
  return ok;
}

/* XB-STORE-3: fcntl write lock on PATH.lock for as long as the store is open. */
static xb_store_status xb_st_lock(xb_store *st, const char *path, char *err, size_t errlen) {
  size_t n = strlen(path);
  char *lp = malloc(n + 6);
  if (lp == NULL) return XB_STORE_NOMEM;
  memcpy(lp, path, n);
  memcpy(lp + n, ".lock", 6);
  int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (err != NULL) snprintf(err, errlen, "%s: %s", lp, strerror(errno));
    free(lp);
    return XB_STORE_ERROR;
  }
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
#ifdef F_OFD_SETLK
  int lk = fcntl(fd, F_OFD_SETLK, &fl);
#else
  int lk = fcntl(fd, F_SETLK, &fl);
#endif
  if (lk != 0) {
    if (err != NULL)
      snprintf(err, errlen, "%s: store is in use by another process (lock %s held)", path,
               lp);
    close(fd);
    free(lp);
    return XB_STORE_LOCKED;
  }
  free(lp);
  st->lock_fd = fd;
  return XB_STORE_OK;
}

static xb_store_status xb_st_execsql(xb_store *st, const char *sql) {
  char *msg = NULL;
  int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    xb_st_seterr(st, msg != NULL ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return XB_STORE_ERROR;
  }
  return XB_STORE_OK;
}

static int xb_st_pragma_int(xb_store *st, const char *sql, int *out) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      *out = sqlite3_column_int(s, 0);
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(s);
  return rc;
}

/* XB-STORE-5: apply every migration from user_version on, each in its own transaction. */
static xb_store_status xb_st_migrate(xb_store *st, char *err, size_t errlen) {
  int v = 0;
  if (xb_st_pragma_int(st, "PRAGMA user_version", &v) != SQLITE_OK) {
    if (err != NULL) snprintf(err, errlen, "cannot read schema version: %s",
                              sqlite3_errmsg(st->db));
    return XB_STORE_ERROR;
  }
  if (v < 0 || v > XB_STORE_SCHEMA_VERSION) {
    if (err != NULL)
      snprintf(err, errlen, "store schema version %d is newer than this program's (%d)", v,
               XB_STORE_SCHEMA_VERSION);
    return XB_STORE_ERROR;
  }
  for (int i = v; i < XB_STORE_SCHEMA_VERSION; i++) {
    char setv[64];
    snprintf(setv, sizeof setv, "PRAGMA user_version = %d", i + 1);
    if (xb_st_execsql(st, "BEGIN IMMEDIATE") != XB_STORE_OK ||
        xb_st_execsql(st, xb_migrations[i]) != XB_STORE_OK ||
        xb_st_execsql(st, setv) != XB_STORE_OK || xb_st_execsql(st, "COMMIT") != XB_STORE_OK) {
      if (err != NULL)
        snprintf(err, errlen, "migration of schema version %d to %d failed: %s", i, i + 1,
                 st->errmsg);
      sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
      return XB_STORE_ERROR;
    }
  }
  st->schema_version = XB_STORE_SCHEMA_VERSION;
  return XB_STORE_OK;
}

xb_store_status xb_store_open(const char *path, const xb_store_config *cfg, xb_store **out,
                              char *err, size_t errlen) {
  xb_store_config dflt;
  if (cfg == NULL) {
    xb_store_config_default(&dflt);
    cfg = &dflt;
  }
  *out = NULL;
  if (err != NULL && errlen > 0) err[0] = '\0';
  xb_store *st = calloc(1, sizeof *st);
  if (st == NULL) return XB_STORE_NOMEM;
  st->lock_fd = -1;
  xb_store_status r = XB_STORE_ERROR;
  bool memdb = strcmp(path, ":memory:") == 0;
  if (!memdb && !cfg->read_only && !xb_st_mkparent(path, err, errlen)) goto fail;
  if (!memdb && cfg->exclusive) {
    r = xb_st_lock(st, path, err, errlen);
    if (r != XB_STORE_OK) goto fail;
    r = XB_STORE_ERROR;
  }
  /* XB-STORE-2: a new database file is created with mode 0600. */
  mode_t old_mask = umask(077);
  int flags = cfg->read_only ? SQLITE_OPEN_READONLY
                             : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  umask(old_mask);
  if (rc != SQLITE_OK) {
    if (err != NULL) snprintf(err, errlen, "%s: %s", path,
                              st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
    goto fail;
  }
  sqlite3_extended_result_codes(st->db, 1);
  sqlite3_busy_timeout(st->db, 2000);
  if (!cfg->read_only) {
    /* XB-STORE-4: WAL is mandatory. */
    sqlite3_stmt *s = NULL;
    bool wal = false;
    if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char *m = sqlite3_column_text(s, 0);
      wal = memdb || (m != NULL && strcmp((const char *)m, "wal") == 0);
    }
    sqlite3_finalize(s);
    if (!wal) {
      if (err != NULL) snprintf(err, errlen, "%s: SQLite refused WAL mode", path);
      goto fail;
    }
  }
  char pragmas[160];
  int sync = cfg->synchronous < 0 ? 0 : (cfg->synchronous > 3 ? 3 : cfg->synchronous);
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA foreign_keys=ON; PRAGMA synchronous=%d; PRAGMA wal_autocheckpoint=10000; "
           "PRAGMA cache_size=-32768;",
           sync);
  if (xb_st_execsql(st, pragmas) != XB_STORE_OK) {
    if (err != NULL) snprintf(err, errlen, "%s: %s", path, st->errmsg);
    goto fail;
  }
  if (!cfg->read_only) {
    if (xb_st_migrate(st, err, errlen) != XB_STORE_OK) goto fail;
  } else {
    int v = 0;
    xb_st_pragma_int(st, "PRAGMA user_version", &v);
    if (v != XB_STORE_SCHEMA_VERSION) {
      if (err != NULL) snprintf(err, errlen, "%s: schema version %d, expected %d", path, v,
                                XB_STORE_SCHEMA_VERSION);
      goto fail;
    }
    st->schema_version = v;
  }
  for (int i = 0; i < XB_Q_COUNT; i++) {
    rc = sqlite3_prepare_v3(st->db, xb_stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i],
                            NULL);
    if (rc != SQLITE_OK) {
      if (err != NULL) snprintf(err, errlen, "prepare %d: %s", i, sqlite3_errmsg(st->db));
      goto fail;
    }
  }
  if (!xb_stc_init(st)) {
    if (err != NULL) snprintf(err, errlen, "out of memory");
    r = XB_STORE_NOMEM;
    goto fail;
  }
  st->key_gen = 1;
  *out = st;
  return XB_STORE_OK;
fail:
  xb_store_close(st);
  return r == XB_STORE_OK ? XB_STORE_ERROR : r;
}

void xb_store_close(xb_store *st) {
  if (st == NULL) return;
  if (st->db != NULL) {
    if (st->in_tx) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < XB_Q_COUNT; i++) sqlite3_finalize(st->q[i]);
    /* XB-STORE-16: leave no WAL behind after a clean shutdown. */
    sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_close_v2(st->db);
  }
  if (st->lock_fd >= 0) close(st->lock_fd);
  xb_stc_free(st);
  free(st->touch);
  free(st);
}

int xb_store_schema_version(xb_store *st) { return st->schema_version; }

const char *xb_store_errmsg(xb_store *st) { return st->errmsg; }

xb_store_status xb_store_quick_check(xb_store *st) {
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK)
    return xb_st_fail(st, sqlite3_errcode(st->db));
  xb_store_status r = XB_STORE_ERROR;
  if (sqlite3_step(s) == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(s, 0);
    if (t != NULL && strcmp((const char *)t, "ok") == 0) r = XB_STORE_OK;
    else xb_st_seterr(st, t != NULL ? (const char *)t : "quick_check failed");
  }
  sqlite3_finalize(s);
  return r;
}

/* ------------------------------------------------------------------ transactions */

static xb_store_status xb_st_run(xb_store *st, xb_stmt_id id) {
  return xb_st_exec(st, xb_st_q(st, id));
}

xb_store_status xb_store_begin(xb_store *st) {
  if (st->in_tx) return XB_STORE_ERROR;
  xb_store_status r = xb_st_run(st, XB_Q_BEGIN);
  if (r == XB_STORE_OK) st->in_tx = true;
  return r;
}

xb_store_status xb_store_commit(xb_store *st) {
  if (!st->in_tx) return XB_STORE_ERROR;
  xb_store_status r = xb_st_touch_flush(st); /* the batch's feed `updated` times */
  if (r == XB_STORE_OK) r = xb_st_run(st, XB_Q_COMMIT);
  if (r != XB_STORE_OK) {
    /* XB-STORE-11: a failed commit leaves nothing; roll back what may remain. */
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->key_gen++;
    st->ntouch = 0;
    xb_stc_clear(st);
  }
  st->in_tx = false;
  st->sp_depth = 0;
  return r;
}

xb_store_status xb_store_rollback(xb_store *st) {
  if (!st->in_tx) return XB_STORE_ERROR;
  xb_store_status r = xb_st_run(st, XB_Q_ROLLBACK);
  st->in_tx = false;
  st->sp_depth = 0;
  st->ntouch = 0;
  st->key_gen++; /* cached keys may reflect rolled-back writes */
  xb_stc_clear(st);
  return r;
}

bool xb_store_in_tx(xb_store *st) { return st->in_tx; }

xb_store_status xb_store_savepoint(xb_store *st) {
  st->touch_mark = st->ntouch;
  xb_store_status r = xb_st_run(st, XB_Q_SAVEPOINT);
  if (r == XB_STORE_OK) st->sp_depth++;
  return r;
}

xb_store_status xb_store_release(xb_store *st) {
  xb_store_status r = xb_st_run(st, XB_Q_RELEASE);
  if (r == XB_STORE_OK && st->sp_depth > 0) st->sp_depth--;
  return r;
}

xb_store_status xb_store_rollback_to(xb_store *st) {
  xb_store_status r = xb_st_run(st, XB_Q_ROLLBACK_TO);
  st->key_gen++;
  if (st->ntouch > st->touch_mark) st->ntouch = st->touch_mark;
  xb_stc_clear(st);
  if (r == XB_STORE_OK) r = xb_store_release(st);
  return r;
}

uint64_t xb_store_key_generation(xb_store *st) { return st->key_gen; }
