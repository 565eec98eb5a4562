/*
 * xb_store.h — the SQLite store of xbridge (spec/persistence.md, XB-STORE-n).
 *
 * One SQLite database in WAL mode holds users, feeds, datastreams, datapoints, API keys
 * with their permissions, and triggers. The schema is created and migrated on open
 * (table schema_version, ordered migrations). Every statement is prepared once at open
 * and reused: no SQL text is built per request.
 *
 * The store knows nothing about formats or permissions: it reads and writes whole rows.
 * Rows read are copied into a caller arena (strings stay valid until the arena is
 * reset). Writes take whole rows: the engine reads, merges the payload, validates the
 * merged state (XB-RES-20) and writes the row back.
 *
 * Transactions: xb_store_begin/commit frame a batch (XB-STORE-9); xb_store_savepoint /
 * release / rollback_to frame one request inside it, so a failed request rolls back
 * alone (XB-RES-21).
 *
 * Times are int64 microseconds since 1970-01-01T00:00:00Z (UTC).
 */
#ifndef XB_STORE_H
#define XB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/xb_arena.h"
#include "util/xb_buf.h"

typedef struct xb_store xb_store;

typedef enum {
  XB_STORE_OK = 0,
  XB_STORE_NOT_FOUND, /* no such row */
  XB_STORE_EXISTS,    /* a unique key is taken */
  XB_STORE_LOCKED,    /* another process holds the store (XB-STORE-3) */
  XB_STORE_NOMEM,     /* the arena or malloc is exhausted */
  XB_STORE_ERROR      /* any other SQLite failure (logged text in xb_store_errmsg) */
} xb_store_status;

/* Permission method bits (spec/resources.md §9: access_methods). */
enum { XB_M_GET = 1, XB_M_PUT = 2, XB_M_POST = 4, XB_M_DELETE = 8, XB_M_ALL = 15 };

typedef struct {
  /* SQLite synchronous level for commits: 2 = FULL (default), 1 = NORMAL, 0 = OFF. */
  int synchronous;
  /* Take the store's exclusive lock (xbridge, xbadmin): a second opener gets LOCKED. */
  bool exclusive;
  /* Open read-only: no schema creation; used by tools that only inspect. */
  bool read_only;
} xb_store_config;

/* ------------------------------------------------------------------ rows */

typedef struct {
  int64_t id;
  xb_str login, full_name, email, website, about, organisation, timezone;
  bool admin;    /* roles = ["admin"] */
  xb_str api_key; /* the user's master key (XB-RES-30), unset when it no longer exists */
  int64_t created;
} xb_user_row;

typedef struct {
  uint32_t id;
  int64_t user_id;
  xb_str owner_login;
  xb_str title;
  bool is_private;
  xb_str description, website, icon, email;
  xb_str tags; /* tags joined by ',' (commas are stripped from tags, XB-RES-40) */
  xb_str loc_disposition, loc_domain, loc_exposure, loc_name, loc_lat, loc_lon, loc_ele;
  int64_t loc_at; /* request time of the write that last set lat/lon/ele (XB-RES-45) */
  int64_t created, updated;
} xb_feed_row;

typedef struct {
  int64_t at;
  xb_str lat, lon, ele;
} xb_waypoint_row;

typedef struct {
  uint32_t feed_id;
  xb_str id;
  bool written; /* has a current value (XB-RES-51) */
  xb_str current_value;
  int64_t at;
  xb_str min_value, max_value, unit_label, unit_symbol, unit_type;
  xb_str tags; /* joined by ',' */
} xb_ds_row;

typedef struct {
  int64_t at;
  xb_str value;
} xb_point_row;

typedef struct {
  uint32_t feed_id;
  xb_str ds_id; /* unset: the whole feed */
} xb_res_row;

typedef struct {
  unsigned methods; /* XB_M_* */
  xb_str label, source_ip, referer;
  bool has_min_interval;
  int64_t minimum_interval;
  xb_res_row *res;
  size_t nres;
} xb_perm_row;

typedef struct {
  int64_t id;
  xb_str api_key;
  int64_t user_id;
  xb_str label;
  bool private_access;
  bool has_expiry;
  int64_t expires_at;
  bool master; /* the user's master key (XB-RES-30) */
  xb_perm_row *perms;
  size_t nperms;
} xb_key_row;

typedef struct {
  uint32_t id;
  int64_t user_id;
  xb_str user_login;
  xb_str url, trigger_type, threshold_value;
  uint32_t feed_id;
  xb_str stream_id;
  bool has_notified;
  int64_t notified_at;
} xb_trigger_row;

/* ------------------------------------------------------------------ lifecycle */

void xb_store_config_default(xb_store_config *cfg);

/*
 * Open (creating if needed) the store at path, migrate the schema, prepare every
 * statement. On failure *out is NULL and err (if given) holds a message.
 */
xb_store_status xb_store_open(const char *path, const xb_store_config *cfg, xb_store **out,
                              char *err, size_t errlen);
void xb_store_close(xb_store *st);

/* Schema version of an open store (XB_STORE_SCHEMA_VERSION after open). */
int xb_store_schema_version(xb_store *st);
#define XB_STORE_SCHEMA_VERSION 1

/* PRAGMA quick_check (XB-STORE-6): OK when the database reports "ok". */
xb_store_status xb_store_quick_check(xb_store *st);

/* Last SQLite error message of this store (for logs). */
const char *xb_store_errmsg(xb_store *st);

/* ------------------------------------------------------------------ transactions */

xb_store_status xb_store_begin(xb_store *st);
xb_store_status xb_store_commit(xb_store *st);
xb_store_status xb_store_rollback(xb_store *st);
bool xb_store_in_tx(xb_store *st);

xb_store_status xb_store_savepoint(xb_store *st);
xb_store_status xb_store_release(xb_store *st);
xb_store_status xb_store_rollback_to(xb_store *st); /* undo and release the savepoint */

/* ------------------------------------------------------------------ users */

xb_store_status xb_store_user_by_login(xb_store *st, const char *login, size_t len,
                                       xb_arena *a, xb_user_row *out);
xb_store_status xb_store_user_by_id(xb_store *st, int64_t id, xb_arena *a, xb_user_row *out);
/* Inserts row (row->id ignored); sets *id. EXISTS when the login is taken. */
xb_store_status xb_store_user_insert(xb_store *st, const xb_user_row *row, int64_t *id);
xb_store_status xb_store_user_update(xb_store *st, const xb_user_row *row);
/* Every user (ascending login), or only the one with id only_id when only_id > 0. */
xb_store_status xb_store_user_list(xb_store *st, int64_t only_id, xb_arena *a,
                                   xb_user_row **rows, size_t *n);

/* ------------------------------------------------------------------ feeds */

xb_store_status xb_store_feed_get(xb_store *st, uint32_t id, xb_arena *a, xb_feed_row *out);
/* Owner and privacy only (the authorization hot path). */
xb_store_status xb_store_feed_auth(xb_store *st, uint32_t id, int64_t *user_id,
                                   bool *is_private);
/* Insert with row->id (0 = allocate: high-water mark + 1, XB-RES-33); sets *id. */
xb_store_status xb_store_feed_insert(xb_store *st, const xb_feed_row *row, uint32_t *id);
xb_store_status xb_store_feed_update(xb_store *st, const xb_feed_row *row);
xb_store_status xb_store_feed_touch(xb_store *st, uint32_t id, int64_t updated);
xb_store_status xb_store_feed_count_by_user(xb_store *st, int64_t user_id, int64_t *n);
/* Feed ids in ascending order: all, or those of one user (user_id > 0). */
xb_store_status xb_store_feed_ids(xb_store *st, int64_t user_id, xb_arena *a, uint32_t **ids,
                                  size_t *n);

xb_store_status xb_store_waypoints(xb_store *st, uint32_t feed_id, xb_arena *a,
                                   xb_waypoint_row **rows, size_t *n);
/* Append a waypoint and keep only the newest keep (XB-RES-45). */
xb_store_status xb_store_waypoint_add(xb_store *st, uint32_t feed_id, const xb_waypoint_row *w,
                                      size_t keep);

/* ------------------------------------------------------------------ datastreams */

xb_store_status xb_store_ds_get(xb_store *st, uint32_t feed_id, const char *id, size_t len,
                                xb_arena *a, xb_ds_row *out);
/* Every datastream of the feed in ascending byte order of id (XB-RES-59). */
xb_store_status xb_store_ds_list(xb_store *st, uint32_t feed_id, xb_arena *a, xb_ds_row **rows,
                                 size_t *n);
xb_store_status xb_store_ds_count(xb_store *st, uint32_t feed_id, int64_t *n);
xb_store_status xb_store_ds_insert(xb_store *st, const xb_ds_row *row);
xb_store_status xb_store_ds_update(xb_store *st, const xb_ds_row *row);

/* ------------------------------------------------------------------ datapoints */

/* Insert, or replace the value at the same instant (XB-RES-61). */
xb_store_status xb_store_point_put(xb_store *st, uint32_t feed_id, xb_str ds, int64_t at,
                                   xb_str value);
xb_store_status xb_store_point_get(xb_store *st, uint32_t feed_id, xb_str ds, int64_t at,
                                   xb_arena *a, xb_point_row *out);
/* Up to limit points with from <= at <= to, ascending, appended to *rows. */
xb_store_status xb_store_points_range(xb_store *st, uint32_t feed_id, xb_str ds, int64_t from,
                                      int64_t to, size_t limit, xb_arena *a,
                                      xb_point_row **rows, size_t *n);
/* The first point with at >= from and at <= to (NOT_FOUND if none). */
xb_store_status xb_store_point_first_from(xb_store *st, uint32_t feed_id, xb_str ds,
                                          int64_t from, int64_t to, xb_arena *a,
                                          xb_point_row *out);
/* The last point with at <= to (strict: at < to when strict). */
xb_store_status xb_store_point_last_before(xb_store *st, uint32_t feed_id, xb_str ds,
                                           int64_t to, bool strict, xb_arena *a,
                                           xb_point_row *out);
xb_store_status xb_store_point_count(xb_store *st, uint32_t feed_id, xb_str ds, int64_t *n);

/* ------------------------------------------------------------------ keys */

xb_store_status xb_store_key_get(xb_store *st, const char *api_key, size_t len, xb_arena *a,
                                 xb_key_row *out);
/* Keys of a user in ascending api_key order; feed_id > 0 keeps keys naming that feed. */
xb_store_status xb_store_key_list(xb_store *st, int64_t user_id, uint32_t feed_id, xb_arena *a,
                                  xb_key_row **rows, size_t *n);
xb_store_status xb_store_key_count_by_user(xb_store *st, int64_t user_id, int64_t *n);
/* Insert the key with its permissions; EXISTS when api_key is taken. */
xb_store_status xb_store_key_insert(xb_store *st, const xb_key_row *row);
/* Rewrite label, private_access, expiry and the whole permission list of row->id. */
xb_store_status xb_store_key_update(xb_store *st, const xb_key_row *row);
/* Bumped by every key or user write: lets the engine cache keys safely. */
uint64_t xb_store_key_generation(xb_store *st);

/* ------------------------------------------------------------------ triggers */

xb_store_status xb_store_trigger_get(xb_store *st, uint32_t id, xb_arena *a, xb_trigger_row *out);
/* Triggers of a user in ascending id order; feed_id > 0 keeps those watching that feed. */
xb_store_status xb_store_trigger_list(xb_store *st, int64_t user_id, uint32_t feed_id,
                                      xb_arena *a, xb_trigger_row **rows, size_t *n);
xb_store_status xb_store_trigger_count_by_user(xb_store *st, int64_t user_id, int64_t *n);
/* Insert with the next trigger id (own high-water mark); sets *id. */
xb_store_status xb_store_trigger_insert(xb_store *st, const xb_trigger_row *row, uint32_t *id);
xb_store_status xb_store_trigger_update(xb_store *st, const xb_trigger_row *row);

#endif
