/*
 * xb_api.h — the API engine: Xively requests against the store, with no network in it.
 *
 * The MQTT server (and any other front end: an HTTP port, a test harness, xbadmin)
 * translates what it receives into an xb_api_request: method, the parsed topic (resource
 * path, version, format, query), payload, effective API key, client address and the
 * current time. The engine authorizes it (spec/authz.md), executes it against the store
 * (spec/resources.md, spec/persistence.md) and answers an HTTP-like status, a short log
 * reason (spec/errors.md XB-ERR-2), a body (reads, and error bodies), and the resources
 * the request changed, so that the caller can notify subscribers (spec/subscribe.md).
 *
 * Batching (XB-STORE-9): the server brackets the requests of one event-loop turn with
 * xb_api_batch_begin / xb_api_batch_commit; each write runs in its own savepoint, so a
 * failed request rolls back alone (XB-STORE-8). Changes reported by a response become
 * real only when the batch commit succeeds: nothing may be delivered before it
 * (XB-STORE-10); when it fails every change of the batch is void (XB-STORE-11).
 * Outside a batch every write is committed on its own.
 *
 * Fan-out (XB-SUB-14, XB-SUB-21): xb_api_check_read authorizes one subscriber without
 * rendering; xb_api_render_state renders a target once, with no permission check, for
 * every subscriber that passed; xb_api_change_notifies says whether a change concerns a
 * subscription.
 *
 * Single-threaded: one xb_api is used by one thread at a time.
 */
#ifndef XB_API_H
#define XB_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/xb_store.h" /* XB_M_* method bits */
#include "topic/xb_topic.h"
#include "util/xb_buf.h"

typedef struct xb_api xb_api;

typedef struct {
  const char *api_base_url;  /* XB-RES-15, default "https://api.xively.com" */
  const char *site_base_url; /* XB-RES-15, default "https://xively.com" */
  size_t max_payload;        /* XB-LIM-2 max-payload-size, default 65536 */
  size_t max_datapoints;     /* XB-LIM-8 max-datapoints, default 500 */
  int synchronous;           /* XB-STORE-4: 2 = FULL (default) */
  bool exclusive;            /* XB-STORE-3: hold PATH.lock (default true) */
  bool quick_check;          /* XB-STORE-6: PRAGMA quick_check at open (default true) */
} xb_api_config;

void xb_api_config_default(xb_api_config *cfg);

/*
 * Open the store at path (created and migrated as needed, spec/persistence.md). Returns
 * NULL with a message in err on failure; *locked (if given) tells that another process
 * holds the store (XB-STORE-3).
 */
xb_api *xb_api_open(const char *path, const xb_api_config *cfg, char *err, size_t errlen,
                    bool *locked);

/* Commits nothing pending (a batch left open is rolled back), checkpoints, closes. */
void xb_api_close(xb_api *api);

/* ------------------------------------------------------------------ requests */

typedef enum { XB_API_GET = 1, XB_API_PUT = 2, XB_API_POST = 4 } xb_api_method;

typedef struct {
  xb_api_method method;
  const xb_topic *topic;      /* the parsed topic ... */
  const uint8_t *topic_bytes; /* ... and the bytes its spans point into */
  const uint8_t *payload;     /* writes */
  size_t payload_len;
  const char *key;    /* effective key: prefix key, else connection key (XB-AUTH-10) */
  size_t key_len;     /* 0 = anonymous */
  const char *client_ip; /* NUL-terminated text (XB-TRANS-22); NULL = unknown */
  int64_t now;        /* request time, microseconds since 1970 UTC (XB-SCOPE-16) */
  /* Provisioning only (xbadmin, tests): act as this user with master and administrator
   * rights, ignoring key. The MQTT server never sets these. */
  const char *as_user;
  uint32_t admin_feed_id;    /* feed create: the chosen id (XB-RES-33) */
  const char *admin_api_key; /* key create: the explicit api_key (XB-RES-70) */
} xb_api_request;

/* Change flags (spec/subscribe.md XB-SUB-8..XB-SUB-11). */
enum {
  XB_CH_FIELDS = 1,  /* the feed's own fields changed (not `updated`) */
  XB_CH_CURRENT = 2, /* a datastream's current state changed */
  XB_CH_HISTORY = 4, /* datapoints were written */
  XB_CH_CREATED = 8  /* the feed or datastream was created */
};

#define XB_API_MAX_DS 100 /* XB-RES-49: datastreams per feed, so per request */

typedef struct {
  char id[65];
  unsigned char len;
  unsigned char flags; /* XB_CH_CURRENT / HISTORY / CREATED */
} xb_api_ds_change;

typedef struct {
  uint32_t feed_id;          /* 0: the request changed no feed */
  unsigned char feed_flags;  /* XB_CH_FIELDS / CREATED */
  size_t nds;
  xb_api_ds_change ds[XB_API_MAX_DS];
} xb_api_changes;

typedef struct {
  int status;         /* 200, 201, 400, 401, 403, 404, 422, 500 */
  const char *reason; /* XB-ERR-2 keyword on failure, NULL on success */
  char detail[256];   /* one line for the log and the error body */
  xb_buf *body;       /* caller's buffer: the read representation, or the error body */
  char created[72];   /* XB-RES-23: feed id, api_key, login or trigger id ("" otherwise) */
  xb_api_changes changes;
} xb_api_response;

/* Execute one request. resp->body (if not NULL) is reset and filled. Returns status. */
int xb_api_execute(xb_api *api, const xb_api_request *req, xb_api_response *resp);

/* ------------------------------------------------------------------ batches */

/* Open the batch transaction: 0, or 500 on a store failure. */
int xb_api_batch_begin(xb_api *api);
/* Commit it: 0, or 500 when the commit failed and the whole batch was rolled back. */
int xb_api_batch_commit(xb_api *api);
/* Roll the whole batch back (e.g. on shutdown without commit). */
void xb_api_batch_abort(xb_api *api);
bool xb_api_in_batch(const xb_api *api);

/* ------------------------------------------------------------------ fan-out */

/*
 * Authorize a `get` of req's target for one subscriber without rendering (XB-SUB-14):
 * 200, or the status and reason a read would get (401, 403, 404, 400).
 */
int xb_api_check_read(xb_api *api, const xb_api_request *req, const char **reason);

/*
 * Render the current state of the topic's target (format and query of the topic) into
 * out, with no permission check (XB-SUB-17, XB-SUB-21). 200, or 404 when it does not
 * exist, 400 for a bad query, 500 on a store failure. now is the rendering time.
 */
int xb_api_render_state(xb_api *api, const xb_topic *t, const uint8_t *bytes, int64_t now,
                        xb_buf *out);

/* Whether a committed change concerns a subscription to topic t (XB-SUB-8..XB-SUB-11). */
bool xb_api_change_notifies(const xb_api_changes *ch, const xb_topic *t, const uint8_t *bytes);

/* ------------------------------------------------------------------ keys at CONNECT */

typedef enum {
  XB_API_KEY_VALID = 0,
  XB_API_KEY_UNKNOWN, /* XB-AUTH-1, XB-AUTH-3 */
  XB_API_KEY_EXPIRED, /* XB-AUTH-2 */
  XB_API_KEY_ERROR    /* store failure */
} xb_api_key_state;

xb_api_key_state xb_api_key_check(xb_api *api, const char *key, size_t len, int64_t now);

/* ------------------------------------------------------------------ provisioning */

#define XB_API_KEY_TEXT 65 /* longest api_key + NUL */

/*
 * XB-SCOPE-8 / XB-RES-30: create user login (administrator when admin) with its master
 * key, explicit (api_key != NULL, spec/topics.md api-key) or generated (XB-RES-70).
 * Returns 201 and the key in key_out, or the failing status with a message in err.
 */
int xb_api_admin_add_user(xb_api *api, const char *login, bool admin, const char *api_key,
                          int64_t now, char key_out[XB_API_KEY_TEXT], char *err, size_t errlen);

/* Create a feed owned by login (id 0 = allocate); *id_out the new id. */
int xb_api_admin_add_feed(xb_api *api, const char *login, uint32_t id, const char *title,
                          bool is_private, int64_t now, uint32_t *id_out, char *err,
                          size_t errlen);

/* Create datastream ds_id in feed_id (owned by login), never written. */
int xb_api_admin_add_datastream(xb_api *api, const char *login, uint32_t feed_id,
                                const char *ds_id, int64_t now, char *err, size_t errlen);

/* One permission of xb_api_admin_add_key. */
typedef struct {
  unsigned methods;      /* XB_M_GET | XB_M_PUT | XB_M_POST | XB_M_DELETE */
  const char *source_ip; /* NULL: any */
  uint32_t feed_id;      /* 0: unscoped */
  const char *ds_id;     /* with feed_id: datastream scope */
} xb_api_admin_perm;

/* Create a key owned by login (api_key NULL = generated); key_out receives it. */
int xb_api_admin_add_key(xb_api *api, const char *login, const char *api_key, const char *label,
                         bool private_access, const xb_api_admin_perm *perms, size_t nperms,
                         int64_t now, char key_out[XB_API_KEY_TEXT], char *err, size_t errlen);

/*
 * Render any readable resource as user login would see it with its master key, e.g.
 * "/v2/feeds.json?user=someone", "/v2/keys.json", "/v2/users/someone.json". 200 or the
 * failing status (message in err).
 */
int xb_api_admin_show(xb_api *api, const char *login, const char *topic, int64_t now,
                      xb_buf *out, char *err, size_t errlen);

#endif
