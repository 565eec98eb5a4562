/*
 * xb_store_int.h — internals shared by the store's source files (not a public header).
 *
 * Every SQL statement the store runs is listed once in XB_STORE_STMTS and prepared at
 * open (XB-STORE-4 pragmas and migrations run before). Statement text is constant: the
 * only per-request input is bound parameters.
 */
#ifndef XB_STORE_INT_H
#define XB_STORE_INT_H

#include <sqlite3.h>

#include "store/xb_store.h"

/* Column lists shared by statements and the row readers (order matters). */
#define XB_FEED_COLS                                                                    \
  "f.id, f.user_id, u.login, f.title, f.private, f.description, f.website, f.icon, "   \
  "f.email, f.tags, f.loc_disposition, f.loc_domain, f.loc_exposure, f.loc_name, "     \
  "f.loc_lat, f.loc_lon, f.loc_ele, f.loc_at, f.created, f.updated"
#define XB_DS_COLS                                                                      \
  "feed_id, id, current_value, at, min_value, max_value, unit_label, unit_symbol, "     \
  "unit_type, tags"
#define XB_USER_COLS                                                                    \
  "u.id, u.login, u.full_name, u.email, u.website, u.about, u.organisation, "          \
  "u.timezone, u.admin, u.created, "                                                    \
  "(SELECT k.api_key FROM keys k WHERE k.user_id = u.id AND k.master = 1 "              \
  "ORDER BY k.id LIMIT 1)"
#define XB_KEY_COLS "id, api_key, user_id, label, private_access, expires_at, master"
#define XB_TRIGGER_COLS                                                                 \
  "t.id, t.user_id, u.login, t.url, t.trigger_type, t.threshold_value, t.feed_id, "    \
  "t.stream_id, t.notified_at"

/* X(name, sql) */
#define XB_STORE_STMTS(X)                                                               \
  X(BEGIN, "BEGIN IMMEDIATE")                                                           \
  X(COMMIT, "COMMIT")                                                                   \
  X(ROLLBACK, "ROLLBACK")                                                               \
  X(SAVEPOINT, "SAVEPOINT xb_req")                                                      \
  X(RELEASE, "RELEASE xb_req")                                                          \
  X(ROLLBACK_TO, "ROLLBACK TO xb_req")                                                  \
  X(HWM_GET, "SELECT value FROM hwm WHERE name = ?1")                                   \
  X(HWM_SET, "INSERT INTO hwm(name, value) VALUES (?1, ?2) "                            \
             "ON CONFLICT(name) DO UPDATE SET value = excluded.value")                  \
  X(USER_BY_LOGIN, "SELECT " XB_USER_COLS " FROM users u WHERE u.login = ?1")           \
  X(USER_BY_ID, "SELECT " XB_USER_COLS " FROM users u WHERE u.id = ?1")                 \
  X(USER_LIST, "SELECT " XB_USER_COLS " FROM users u WHERE ?1 = 0 OR u.id = ?1 "        \
               "ORDER BY u.login")                                                      \
  X(USER_INSERT, "INSERT INTO users(login, full_name, email, website, about, "          \
                 "organisation, timezone, admin, created) "                             \
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                         \
  X(USER_UPDATE, "UPDATE users SET full_name = ?2, email = ?3, website = ?4, "          \
                 "about = ?5, organisation = ?6, timezone = ?7, admin = ?8 "            \
                 "WHERE id = ?1")                                                       \
  X(FEED_GET, "SELECT " XB_FEED_COLS " FROM feeds f JOIN users u ON u.id = f.user_id "  \
              "WHERE f.id = ?1")                                                        \
  X(FEED_AUTH, "SELECT user_id, private FROM feeds WHERE id = ?1")                      \
  X(FEED_INSERT, "INSERT INTO feeds(id, user_id, title, private, description, "         \
                 "website, icon, email, tags, loc_disposition, loc_domain, "            \
                 "loc_exposure, loc_name, loc_lat, loc_lon, loc_ele, loc_at, created, "  \
                 "updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, " \
                 "?13, ?14, ?15, ?16, ?17, ?18, ?19)")                                  \
  X(FEED_UPDATE, "UPDATE feeds SET title = ?3, private = ?4, description = ?5, "        \
                 "website = ?6, icon = ?7, email = ?8, tags = ?9, loc_disposition = ?10, " \
                 "loc_domain = ?11, loc_exposure = ?12, loc_name = ?13, loc_lat = ?14, " \
                 "loc_lon = ?15, loc_ele = ?16, loc_at = ?17, updated = ?19 "           \
                 "WHERE id = ?1 AND user_id = ?2")                                      \
  X(FEED_TOUCH, "UPDATE feeds SET updated = ?2 WHERE id = ?1")                          \
  X(FEED_COUNT_USER, "SELECT count(*) FROM feeds WHERE user_id = ?1")                   \
  X(FEED_IDS, "SELECT id FROM feeds WHERE ?1 = 0 OR user_id = ?1 ORDER BY id")          \
  X(WP_LIST, "SELECT at, lat, lon, ele FROM waypoints WHERE feed_id = ?1 "              \
             "ORDER BY at, seq")                                                        \
  X(WP_INSERT, "INSERT INTO waypoints(feed_id, at, lat, lon, ele) "                     \
               "VALUES (?1, ?2, ?3, ?4, ?5)")                                           \
  X(WP_TRIM, "DELETE FROM waypoints WHERE feed_id = ?1 AND seq NOT IN "                 \
             "(SELECT seq FROM waypoints WHERE feed_id = ?1 "                           \
             "ORDER BY at DESC, seq DESC LIMIT ?2)")                                    \
  X(DS_GET, "SELECT " XB_DS_COLS " FROM datastreams WHERE feed_id = ?1 AND id = ?2")    \
  X(DS_LIST, "SELECT " XB_DS_COLS " FROM datastreams WHERE feed_id = ?1 ORDER BY id")   \
  X(DS_COUNT, "SELECT count(*) FROM datastreams WHERE feed_id = ?1")                    \
  X(DS_INSERT, "INSERT INTO datastreams(" XB_DS_COLS ") "                               \
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")                      \
  X(DS_UPDATE, "UPDATE datastreams SET current_value = ?3, at = ?4, min_value = ?5, "   \
               "max_value = ?6, unit_label = ?7, unit_symbol = ?8, unit_type = ?9, "    \
               "tags = ?10 WHERE feed_id = ?1 AND id = ?2")                             \
  X(DP_PUT, "INSERT INTO datapoints(feed_id, ds_id, at, value) VALUES (?1, ?2, ?3, ?4) " \
            "ON CONFLICT(feed_id, ds_id, at) DO UPDATE SET value = excluded.value")     \
  X(DP_GET, "SELECT at, value FROM datapoints WHERE feed_id = ?1 AND ds_id = ?2 "       \
            "AND at = ?3")                                                              \
  X(DP_RANGE, "SELECT at, value FROM datapoints WHERE feed_id = ?1 AND ds_id = ?2 "     \
              "AND at >= ?3 AND at <= ?4 ORDER BY at LIMIT ?5")                         \
  X(DP_LAST_LE, "SELECT at, value FROM datapoints WHERE feed_id = ?1 AND ds_id = ?2 "   \
                "AND at <= ?3 ORDER BY at DESC LIMIT 1")                                \
  X(DP_COUNT, "SELECT count(*) FROM datapoints WHERE feed_id = ?1 AND ds_id = ?2")      \
  X(KEY_GET, "SELECT " XB_KEY_COLS " FROM keys WHERE api_key = ?1")                     \
  X(KEY_LIST, "SELECT " XB_KEY_COLS " FROM keys k WHERE user_id = ?1 AND (?2 = 0 OR "   \
              "EXISTS (SELECT 1 FROM permissions p JOIN perm_resources r "              \
              "ON r.perm_id = p.id WHERE p.key_id = k.id AND r.feed_id = ?2)) "         \
              "ORDER BY api_key")                                                       \
  X(KEY_COUNT_USER, "SELECT count(*) FROM keys WHERE user_id = ?1")                     \
  X(KEY_INSERT, "INSERT INTO keys(api_key, user_id, label, private_access, expires_at, " \
                "master) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                              \
  X(KEY_UPDATE, "UPDATE keys SET label = ?2, private_access = ?3, expires_at = ?4 "     \
                "WHERE id = ?1")                                                        \
  X(PERM_LIST, "SELECT id, methods, label, source_ip, referer, minimum_interval "       \
               "FROM permissions WHERE key_id = ?1 ORDER BY pos")                       \
  X(PERM_INSERT, "INSERT INTO permissions(key_id, pos, methods, label, source_ip, "     \
                 "referer, minimum_interval) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")      \
  X(PERM_DELETE, "DELETE FROM permissions WHERE key_id = ?1")                           \
  X(RES_LIST, "SELECT feed_id, datastream_id FROM perm_resources WHERE perm_id = ?1 "   \
              "ORDER BY pos")                                                           \
  X(RES_INSERT, "INSERT INTO perm_resources(perm_id, pos, feed_id, datastream_id) "     \
                "VALUES (?1, ?2, ?3, ?4)")                                              \
  X(TRIG_GET, "SELECT " XB_TRIGGER_COLS " FROM triggers t JOIN users u "                \
              "ON u.id = t.user_id WHERE t.id = ?1")                                    \
  X(TRIG_LIST, "SELECT " XB_TRIGGER_COLS " FROM triggers t JOIN users u "               \
               "ON u.id = t.user_id WHERE t.user_id = ?1 AND (?2 = 0 OR t.feed_id = ?2) " \
               "ORDER BY t.id")                                                         \
  X(TRIG_COUNT_USER, "SELECT count(*) FROM triggers WHERE user_id = ?1")                \
  X(TRIG_INSERT, "INSERT INTO triggers(id, user_id, url, trigger_type, threshold_value, " \
                 "feed_id, stream_id, notified_at) "                                    \
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                             \
  X(TRIG_UPDATE, "UPDATE triggers SET url = ?3, trigger_type = ?4, threshold_value = ?5, " \
                 "feed_id = ?6, stream_id = ?7 WHERE id = ?1 AND user_id = ?2")

typedef enum {
#define XB_STMT_ENUM(name, sql) XB_Q_##name,
  XB_STORE_STMTS(XB_STMT_ENUM)
#undef XB_STMT_ENUM
      XB_Q_COUNT
} xb_stmt_id;

typedef struct xb_st_cache xb_st_cache;

/* A feed `updated` set by a request of the open batch, written at commit. */
typedef struct {
  uint32_t feed;
  size_t seq; /* position in the log: the latest entry of a feed wins */
  int64_t updated;
} xb_touch;

struct xb_store {
  sqlite3 *db;
  xb_st_cache *cache; /* xb_store_cache.c */
  xb_touch *touch;    /* log of the open batch, in request order */
  size_t ntouch, touch_cap;
  size_t touch_mark;  /* log length when the request savepoint opened */
  sqlite3_stmt *q[XB_Q_COUNT];
  int lock_fd; /* PATH.lock, -1 when not exclusive */
  bool in_tx;
  int sp_depth;
  uint64_t key_gen;
  int schema_version;
  char errmsg[256];
};

/* Reset and clear bindings of q, and return it. */
sqlite3_stmt *xb_st_q(xb_store *st, xb_stmt_id id);

/* Map an SQLite result code to a status, remembering the message. */
xb_store_status xb_st_fail(xb_store *st, int rc);

/* Step a statement expected to finish (DONE): OK, EXISTS on a unique constraint. */
xb_store_status xb_st_exec(xb_store *st, sqlite3_stmt *s);

/* Binding helpers: an unset xb_str binds NULL. */
int xb_st_bind_str(sqlite3_stmt *s, int i, xb_str v);
int xb_st_bind_opt_i64(sqlite3_stmt *s, int i, bool set, int64_t v);

/* Copy column i into the arena (NULL column: unset). false when the arena is full. */
bool xb_st_col_str(sqlite3_stmt *s, int i, xb_arena *a, xb_str *out);

/* Growable arrays in the arena: make room for one more element of size sz. */
void *xb_st_grow(xb_arena *a, void *arr, size_t n, size_t *cap, size_t sz);

/* Next id of counter name, or the chosen one raising the mark (XB-RES-33). */
xb_store_status xb_st_alloc_id(xb_store *st, const char *name, uint32_t chosen, uint32_t *id);

/* Write-through row caches (xb_store_cache.c); emptied by every rollback. */
bool xb_stc_init(xb_store *st);
void xb_stc_free(xb_store *st);
void xb_stc_clear(xb_store *st);
bool xb_stc_feed_get(xb_store *st, uint32_t id, int64_t *owner, bool *is_private);
void xb_stc_feed_put(xb_store *st, uint32_t id, int64_t owner, bool is_private);
/* 1 hit (copied into a), 0 miss, -1 arena exhausted. */
int xb_stc_ds_get(xb_store *st, uint32_t feed, const char *id, size_t len, xb_arena *a,
                  xb_ds_row *out);
void xb_stc_ds_put(xb_store *st, const xb_ds_row *row);
/* The stored feed row joined with its owner (no touch log): 1 hit (copied into a), 0 miss,
 * -1 arena exhausted. put stores a row just read from SQLite; drop forgets one feed,
 * drop_all every feed (a user write); set_updated follows the commit's touch flush. */
int xb_stc_feedrow_get(xb_store *st, uint32_t id, xb_arena *a, xb_feed_row *out);
void xb_stc_feedrow_put(xb_store *st, const xb_feed_row *row);
void xb_stc_feedrow_drop(xb_store *st, uint32_t id);
void xb_stc_feedrow_drop_all(xb_store *st);
void xb_stc_feedrow_set_updated(xb_store *st, uint32_t id, int64_t updated);

/* Deferred feed `updated` (xb_store_feed.c): the latest logged time of a feed in the
 * open batch (false if none), and the flush run just before COMMIT. */
bool xb_st_touch_lookup(xb_store *st, uint32_t feed, int64_t *updated);
xb_store_status xb_st_touch_flush(xb_store *st);

/* Run a one-parameter count(*) statement. */
xb_store_status xb_st_count(xb_store *st, xb_stmt_id q, int64_t key, int64_t *n);

#endif
