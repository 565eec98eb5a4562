/*
 * xb_api.c — the engine's entry points: open/close, batches, request execution in the
 * order of spec/mapping.md XB-MAP-9 and spec/resources.md XB-RES-86, fan-out helpers.
 */
#include "api/xb_api_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xb_valid.h"

/* ------------------------------------------------------------------ lifecycle */

void xb_api_config_default(xb_api_config *cfg) {
  cfg->api_base_url = "https://api.xively.com";
  cfg->site_base_url = "https://xively.com";
  cfg->max_payload = 65536;
  cfg->max_datapoints = 500;
  cfg->synchronous = 2;
  cfg->exclusive = true;
  cfg->quick_check = true;
}

static bool xb_copy_base(char *dst, size_t cap, const char *src) {
  size_t n = src != NULL ? strlen(src) : 0;
  while (n > 0 && src[n - 1] == '/') n--; /* XB-RES-15: no trailing '/' */
  if (n == 0 || n >= cap || !xb_url_ok((xb_str){src, n})) return false;
  memcpy(dst, src, n);
  dst[n] = '\0';
  return true;
}

xb_api *xb_api_open(const char *path, const xb_api_config *cfg, char *err, size_t errlen,
                    bool *locked) {
  xb_api_config dflt;
  if (cfg == NULL) {
    xb_api_config_default(&dflt);
    cfg = &dflt;
  }
  if (locked != NULL) *locked = false;
  xb_api *api = calloc(1, sizeof *api);
  if (api == NULL) {
    if (err != NULL) snprintf(err, errlen, "out of memory");
    return NULL;
  }
  api->cfg = *cfg;
  if (!xb_copy_base(api->api_base, sizeof api->api_base, cfg->api_base_url) ||
      !xb_copy_base(api->site_base, sizeof api->site_base, cfg->site_base_url)) {
    if (err != NULL) snprintf(err, errlen, "api-base-url / site-base-url must be http(s) URLs");
    free(api);
    return NULL;
  }
  api->rctx.api_base = api->api_base;
  api->rctx.site_base = api->site_base;
  xb_store_config sc;
  xb_store_config_default(&sc);
  sc.synchronous = cfg->synchronous;
  sc.exclusive = cfg->exclusive;
  xb_store_status r = xb_store_open(path, &sc, &api->st, err, errlen);
  if (r != XB_STORE_OK) {
    if (locked != NULL) *locked = r == XB_STORE_LOCKED;
    free(api);
    return NULL;
  }
  if (cfg->quick_check && xb_store_quick_check(api->st) != XB_STORE_OK) {
    if (err != NULL) snprintf(err, errlen, "%s: quick_check: %s", path, xb_store_errmsg(api->st));
    xb_store_close(api->st);
    free(api);
    return NULL;
  }
  api->kc = xb_keycache_new(256);
  if (api->kc == NULL) {
    if (err != NULL) snprintf(err, errlen, "out of memory");
    xb_store_close(api->st);
    free(api);
    return NULL;
  }
  /* Per-request memory; 64 MiB bounds the largest read (1000 feeds of 100 streams). */
  xb_arena_init(&api->arena, 64 * 1024, 64u << 20);
  return api;
}

void xb_api_close(xb_api *api) {
  if (api == NULL) return;
  if (api->in_batch) xb_store_rollback(api->st);
  xb_store_close(api->st);
  xb_keycache_free(api->kc);
  xb_arena_free(&api->arena);
  free(api);
}

/* ------------------------------------------------------------------ batches */

int xb_api_batch_begin(xb_api *api) {
  if (api->in_batch) return 500;
  if (xb_store_begin(api->st) != XB_STORE_OK) return 500;
  api->in_batch = true;
  return 0;
}

int xb_api_batch_commit(xb_api *api) {
  if (!api->in_batch) return 500;
  api->in_batch = false;
  return xb_store_commit(api->st) == XB_STORE_OK ? 0 : 500;
}

void xb_api_batch_abort(xb_api *api) {
  if (!api->in_batch) return;
  api->in_batch = false;
  xb_store_rollback(api->st);
}

bool xb_api_in_batch(const xb_api *api) { return api->in_batch; }

/* ------------------------------------------------------------------ response helpers */

int xb_rq_fail(xb_rq *q, int status, const char *reason, const char *fmt, ...) {
  q->resp->status = status;
  q->resp->reason = reason;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(q->resp->detail, sizeof q->resp->detail, fmt, ap);
  va_end(ap);
  return status;
}

int xb_rq_store_fail(xb_rq *q, xb_store_status r) {
  if (r == XB_STORE_NOMEM)
    return xb_rq_fail(q, 500, "store-error", "out of memory for this request");
  return xb_rq_fail(q, 500, "store-error", "store: %s", xb_store_errmsg(q->api->st));
}

/* XB-RES-88 titles. */
static const char *xb_title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not found";
    case 422: return "Unprocessable Entity";
    default: return "Internal Server Error";
  }
}

/* ------------------------------------------------------------------ routing */

enum { XB_FJ = 1, XB_FX = 2, XB_FC = 4 };

typedef struct {
  unsigned methods;   /* XB_M_* allowed (XB-MAP-3, XB-RES-25) */
  unsigned get_fmts;  /* formats of a read */
  unsigned put_fmts;  /* formats of a write */
  unsigned long params; /* query parameters allowed on a read (XB-TOPIC-17) */
} xb_route;

#define XB_P(x) (1ul << XB_TOPIC_P_##x)
#define XB_P_HIST                                                                      \
  (XB_P(START) | XB_P(END) | XB_P(DURATION) | XB_P(INTERVAL) | XB_P(INTERVAL_TYPE) |    \
   XB_P(FIND_PREVIOUS) | XB_P(LIMIT))

static const xb_route xb_routes[XB_TOPIC_RESOURCE_COUNT] = {
    [XB_TOPIC_FEEDS] = {XB_M_GET | XB_M_POST, XB_FJ | XB_FX, XB_FJ | XB_FX,
                        XB_P(PAGE) | XB_P(PER_PAGE) | XB_P(Q) | XB_P(TAG) | XB_P(USER) |
                            XB_P(STATUS) | XB_P(SHOW_USER)},
    [XB_TOPIC_FEED] = {XB_M_GET | XB_M_PUT, XB_FJ | XB_FX | XB_FC, XB_FJ | XB_FX | XB_FC,
                       XB_P_HIST | XB_P(DATASTREAMS) | XB_P(SHOW_USER)},
    [XB_TOPIC_DATASTREAMS] = {XB_M_POST, 0, XB_FJ | XB_FX | XB_FC, 0},
    [XB_TOPIC_DATASTREAM] = {XB_M_GET | XB_M_PUT, XB_FJ | XB_FX | XB_FC, XB_FJ | XB_FX | XB_FC,
                             XB_P_HIST},
    [XB_TOPIC_DATAPOINTS] = {XB_M_GET | XB_M_POST, XB_FJ | XB_FX | XB_FC,
                             XB_FJ | XB_FX | XB_FC, 0},
    [XB_TOPIC_DATAPOINT] = {XB_M_GET | XB_M_PUT, XB_FJ | XB_FX | XB_FC, XB_FJ | XB_FX | XB_FC,
                            0},
    [XB_TOPIC_KEYS] = {XB_M_GET | XB_M_POST, XB_FJ | XB_FX, XB_FJ | XB_FX, XB_P(FEED_ID)},
    [XB_TOPIC_KEY] = {XB_M_GET | XB_M_PUT, XB_FJ | XB_FX, XB_FJ | XB_FX, 0},
    [XB_TOPIC_TRIGGERS] = {XB_M_GET | XB_M_POST, XB_FJ | XB_FX, XB_FJ | XB_FX, XB_P(FEED_ID)},
    [XB_TOPIC_TRIGGER] = {XB_M_GET | XB_M_PUT, XB_FJ | XB_FX, XB_FJ | XB_FX, 0},
    [XB_TOPIC_USERS] = {XB_M_GET | XB_M_POST, XB_FJ | XB_FX, XB_FJ | XB_FX, 0},
    [XB_TOPIC_USER] = {XB_M_GET | XB_M_PUT, XB_FJ | XB_FX, XB_FJ | XB_FX, 0},
};

/* Step 1 of XB-RES-86: route, method and format (404), query (400). */
static int xb_route_check(xb_rq *q) {
  const xb_topic *t = q->t;
  if ((unsigned)t->resource >= XB_TOPIC_RESOURCE_COUNT)
    return xb_rq_fail(q, 404, "not-found", "no such resource");
  const xb_route *r = &xb_routes[t->resource];
  /* XB-MAP-5 */
  if ((r->methods & q->method) == 0)
    return xb_rq_fail(q, 404, "method-not-allowed", "method not defined for %s",
                      xb_topic_resource_str(t->resource));
  unsigned fbit = 1u << (unsigned)t->format;
  unsigned fmts = q->method == XB_M_GET ? r->get_fmts : r->put_fmts;
  if (t->version == 1) {
    /* v1: feed and datastream, CSV only (XB-TOPIC-12). */
    bool ok = (t->resource == XB_TOPIC_FEED || t->resource == XB_TOPIC_DATASTREAM) &&
              t->format == XB_TOPIC_CSV;
    if (!ok) return xb_rq_fail(q, 404, "bad-format", "v1 has only CSV feeds and datastreams");
  } else if ((fmts & fbit) == 0) {
    return xb_rq_fail(q, 404, "bad-format", "format not defined for %s",
                      xb_topic_resource_str(t->resource));
  }
  bool any = false;
  for (unsigned i = 0; i < XB_TOPIC_P_COUNT; i++) {
    if (!t->params.slot[i].present) continue;
    any = true;
    /* XB-TOPIC-15 / XB-RES-24: no query on a write or on v1; XB-TOPIC-17 per target. */
    if (q->method != XB_M_GET || t->version == 1 || (r->params & (1ul << i)) == 0)
      return xb_rq_fail(q, 400, "bad-query", "parameter %s not allowed here",
                        xb_topic_param_str((xb_topic_param)i));
  }
  if (!any && t->query.len > 0 && q->method != XB_M_GET)
    return xb_rq_fail(q, 400, "bad-query", "no query allowed on a write");
  return 0;
}

static void xb_rq_init(xb_rq *q, xb_api *api, const xb_api_request *req, xb_api_response *resp) {
  memset(q, 0, sizeof *q);
  q->api = api;
  q->req = req;
  q->resp = resp;
  q->t = req->topic;
  q->tb = req->topic_bytes;
  q->method = (unsigned)req->method;
  q->now = req->now;
  q->ip = req->client_ip != NULL ? xb_ip_parse(req->client_ip, strlen(req->client_ip))
                                 : (xb_ip){false, {0}};
  if (q->t->resource >= XB_TOPIC_DATASTREAM && q->t->resource <= XB_TOPIC_DATAPOINT)
    q->ds = xb_rq_span(q, q->t->ds);
  q->render = xb_render_for(q->t->version, (unsigned)q->t->format);
  q->input = xb_input_for(q->t->version, (unsigned)q->t->format);
}

static void xb_resp_init(xb_api_response *resp) {
  xb_buf *body = resp->body;
  resp->status = 0;
  resp->reason = NULL;
  resp->detail[0] = '\0';
  resp->created[0] = '\0';
  resp->changes.feed_id = 0;
  resp->changes.feed_flags = 0;
  resp->changes.nds = 0;
  if (body != NULL) xb_buf_reset(body);
}

/* The input mappers per (version, format); v1 is CSV only (XB-TOPIC-12, XB-CSV-27). */
const xb_input_ops *xb_input_for(unsigned version, unsigned format) {
  if (version == 2 && format == XB_TOPIC_JSON) return &xb_input_json;
  if (version == 2 && format == XB_TOPIC_XML) return &xb_input_xml;
  if (format == XB_TOPIC_CSV) return version == 1 ? &xb_input_csv_v1 : &xb_input_csv;
  return NULL;
}

/* The handler of a write (authorized, inside its savepoint). */
static int xb_dispatch_write(xb_rq *q) {
  bool post = q->method == XB_M_POST;
  switch (q->t->resource) {
    case XB_TOPIC_FEEDS: return xb_write_feed_create(q);
    case XB_TOPIC_FEED: return xb_write_feed(q);
    case XB_TOPIC_DATASTREAMS: return xb_write_datastreams(q);
    case XB_TOPIC_DATASTREAM: return xb_write_datastream(q);
    case XB_TOPIC_DATAPOINTS: return xb_write_datapoints(q);
    case XB_TOPIC_DATAPOINT: return xb_write_datapoint(q);
    case XB_TOPIC_KEYS:
      return post ? xb_write_key_create(q) : xb_rq_fail(q, 404, "method-not-allowed", "no");
    case XB_TOPIC_KEY: return xb_write_key(q);
    case XB_TOPIC_TRIGGERS:
      return post ? xb_write_trigger_create(q) : xb_rq_fail(q, 404, "method-not-allowed", "no");
    case XB_TOPIC_TRIGGER: return xb_write_trigger(q);
    case XB_TOPIC_USERS:
      return post ? xb_write_user_create(q) : xb_rq_fail(q, 404, "method-not-allowed", "no");
    case XB_TOPIC_USER: return xb_write_user(q);
    default: return xb_rq_fail(q, 404, "method-not-allowed", "no such write");
  }
}

/* Everything of XB-MAP-9 from routing to execution; render: GET bodies wanted. */
static int xb_run(xb_rq *q, bool render) {
  int r = xb_route_check(q);
  if (r != 0) return r;
  const xb_api_request *req = q->req;
  if (q->method != XB_M_GET && req->payload_len > q->api->cfg.max_payload)
    return xb_rq_fail(q, 400, "payload-too-large", "payload of %zu bytes exceeds %zu",
                      req->payload_len, q->api->cfg.max_payload); /* XB-LIM-2 */
  if (q->method == XB_M_GET) {
    r = xb_hist_prepare(q);
    if (r != 0) return r;
  }
  bool write = q->method != XB_M_GET;
  bool own_tx = write && !q->api->in_batch;
  xb_store *st = q->api->st;
  if (own_tx && xb_store_begin(st) != XB_STORE_OK) return xb_rq_store_fail(q, XB_STORE_ERROR);
  if (write && xb_store_savepoint(st) != XB_STORE_OK) {
    r = xb_rq_store_fail(q, XB_STORE_ERROR);
    if (own_tx) xb_store_rollback(st);
    return r;
  }
  r = xb_authz_request(q);
  if (r == 0 && render) {
    /* The routes admit only formats that have a mapper and a renderer; this guards the
     * two tables against drifting apart (XB-RES-25: no such format is 404 bad-format). */
    bool have = write ? q->input != NULL : q->render != NULL;
    if (!have) r = xb_rq_fail(q, 404, "bad-format", "format not defined for this resource");
  }
  if (r == 0 && render) r = write ? xb_dispatch_write(q) : xb_read_target(q, q->resp->body);
  if (write) {
    if (q->resp->reason == NULL) {
      if (xb_store_release(st) != XB_STORE_OK) r = xb_rq_store_fail(q, XB_STORE_ERROR);
    } else {
      xb_store_rollback_to(st); /* XB-STORE-8: a failed request rolls back alone */
    }
    if (own_tx) {
      if (q->resp->reason == NULL) {
        if (xb_store_commit(st) != XB_STORE_OK)
          r = xb_rq_fail(q, 500, "store-error", "commit failed: %s", xb_store_errmsg(st));
      } else {
        xb_store_rollback(st);
      }
    }
  }
  return r;
}

int xb_api_execute(xb_api *api, const xb_api_request *req, xb_api_response *resp) {
  xb_resp_init(resp);
  xb_arena_reset(&api->arena);
  xb_rq q;
  xb_rq_init(&q, api, req, resp);
  if (req->topic == NULL || req->topic_bytes == NULL ||
      (req->method != XB_API_GET && req->method != XB_API_PUT && req->method != XB_API_POST)) {
    xb_rq_fail(&q, 404, "method-not-allowed", "bad request");
  } else {
    xb_run(&q, true);
  }
  if (resp->reason != NULL) {
    /* A failed request changes nothing and notifies nothing (XB-SUB-12). */
    resp->changes.feed_id = 0;
    resp->changes.nds = 0;
    resp->changes.feed_flags = 0;
    resp->created[0] = '\0';
    if (resp->body != NULL) {
      xb_buf_reset(resp->body);
      /* XB-RES-88: the error body in the request's format (when it is built). */
      const xb_renderer *ren = q.render;
      if (ren != NULL && ren->error != NULL) {
        const char *title = q.err_title != NULL ? q.err_title : xb_title(resp->status);
        ren->error(resp->body, title, resp->detail);
      }
    }
  } else if (resp->status == 0) {
    resp->status = 200;
  }
  if (resp->body != NULL && !xb_buf_ok(resp->body) && resp->reason == NULL) {
    xb_buf_reset(resp->body);
    resp->status = 500;
    resp->reason = "store-error";
    snprintf(resp->detail, sizeof resp->detail, "representation too large");
  }
  return resp->status;
}

/* ------------------------------------------------------------------ fan-out */

int xb_api_check_read(xb_api *api, const xb_api_request *req, const char **reason) {
  /* Called per subscriber and change: the engine's own response, not a fresh 7 KiB one. */
  xb_api_response *resp = &api->scratch;
  resp->body = NULL;
  xb_resp_init(resp);
  xb_arena_reset(&api->arena);
  xb_rq q;
  xb_api_request r2 = *req;
  r2.method = XB_API_GET;
  xb_rq_init(&q, api, &r2, resp);
  int r = xb_run(&q, false);
  if (reason != NULL) *reason = resp->reason;
  return r == 0 ? 200 : r;
}

int xb_api_render_state(xb_api *api, const xb_topic *t, const uint8_t *bytes, int64_t now,
                        xb_buf *out) {
  xb_api_response *resp = &api->scratch;
  resp->body = out;
  xb_resp_init(resp);
  xb_buf_reset(out);
  xb_arena_reset(&api->arena);
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = XB_API_GET;
  req.topic = t;
  req.topic_bytes = bytes;
  req.now = now;
  xb_rq q;
  xb_rq_init(&q, api, &req, resp);
  q.system = true; /* XB-SUB-21: rendered once, permissions checked per subscriber */
  int r = xb_route_check(&q);
  if (r == 0) r = xb_hist_prepare(&q);
  if (r == 0 && q.render == NULL) r = xb_rq_fail(&q, 404, "bad-format", "no renderer");
  if (r == 0) r = xb_read_target(&q, out);
  if (r == 0 && !xb_buf_ok(out)) r = 500;
  if (r != 0) xb_buf_reset(out);
  return r == 0 ? 200 : r;
}

static bool xb_in_list(xb_str list, const char *id, size_t n) {
  size_t pos = 0;
  xb_str item;
  while (xb_tags_next(list, &pos, &item))
    if (item.n == n && memcmp(item.p, id, n) == 0) return true;
  return false;
}

bool xb_api_change_notifies(const xb_api_changes *ch, const xb_topic *t, const uint8_t *bytes) {
  if (ch->feed_id == 0 || t->feed_id != ch->feed_id) return false;
  bool hist = t->params.slot[XB_TOPIC_P_START].present || t->params.slot[XB_TOPIC_P_END].present ||
              t->params.slot[XB_TOPIC_P_DURATION].present;
  if (t->resource == XB_TOPIC_FEED) {
    /* XB-SUB-8: feed fields, a datastream's current state, a datastream created. */
    if (ch->feed_flags & (XB_CH_FIELDS | XB_CH_CREATED)) return true;
    const xb_topic_param_slot *f = &t->params.slot[XB_TOPIC_P_DATASTREAMS];
    xb_str list = {(const char *)bytes + f->value.off, f->value.len};
    for (size_t i = 0; i < ch->nds; i++) {
      const xb_api_ds_change *d = &ch->ds[i];
      if (f->present && !xb_in_list(list, d->id, d->len)) continue;
      if (d->flags & (XB_CH_CURRENT | XB_CH_CREATED)) return true;
      if (hist && (d->flags & XB_CH_HISTORY)) return true; /* XB-SUB-10 */
    }
    return false;
  }
  if (t->resource == XB_TOPIC_DATASTREAM) {
    /* XB-SUB-9, XB-SUB-10, XB-SUB-11 */
    for (size_t i = 0; i < ch->nds; i++) {
      const xb_api_ds_change *d = &ch->ds[i];
      if (d->len != t->ds.len || memcmp(d->id, bytes + t->ds.off, d->len) != 0) continue;
      if (d->flags & (XB_CH_CURRENT | XB_CH_CREATED)) return true;
      return hist && (d->flags & XB_CH_HISTORY) != 0;
    }
  }
  return false; /* XB-SUB-7: every other target is one-shot */
}

/* ------------------------------------------------------------------ CONNECT */

xb_api_key_state xb_api_key_check(xb_api *api, const char *key, size_t len, int64_t now) {
  /* XB-AUTH-3: a user name that is not an api-key is an unknown key. */
  if (!xb_is_word((xb_str){key, len}, XB_TOPIC_KEY_MIN, XB_TOPIC_KEY_MAX))
    return XB_API_KEY_UNKNOWN;
  const xb_key_row *k = NULL;
  xb_store_status r = xb_keycache_get(api->kc, api->st, key, len, &k);
  if (r == XB_STORE_NOT_FOUND) return XB_API_KEY_UNKNOWN; /* XB-AUTH-1 */
  if (r != XB_STORE_OK) return XB_API_KEY_ERROR;
  if (k->has_expiry && k->expires_at <= now) return XB_API_KEY_EXPIRED; /* XB-AUTH-2 */
  return XB_API_KEY_VALID;
}
