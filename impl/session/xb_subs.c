/*
 * xb_subs.c — subscriptions (spec/subscribe.md), the fan-out index and notifications.
 *
 * Index: feed id -> feed entry -> groups. A group gathers the subscriptions of every
 * connection to one (target, version, format, query) of a streaming resource (a feed or
 * a datastream), whatever their key prefix or leading slash (XB-SUB-21): a change is
 * rendered once per group into one shared blob, and each member gets only its own
 * PUBLISH header (its exact filter as topic, XB-SUB-16) in front of it.
 *
 * Permissions are checked per delivery (XB-SUB-14) but the decision is cached on the
 * subscription together with the server's authz epoch. The epoch moves whenever a
 * committed change could alter a read decision: a write to keys or users, a feed whose
 * own fields changed (private flag) or that was created, a datastream created, a failed
 * commit. Key validity and expiry, which change with time alone, are still checked at
 * every delivery through the engine's in-memory key cache (XB-AUTH-11), so the hot path
 * does not touch SQLite per subscriber; members that share a key check it once per
 * change (xb_key_memo), not once per delivery.
 */
#include "session/xb_sess_int.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ subscriptions */

void xb_sub_unref(xb_sub *sub) {
  if (sub != NULL && --sub->refs == 0) free(sub);
}

static xb_sub *xb_sub_find(xb_sess *s, const uint8_t *f, size_t n) {
  for (xb_sub *u = s->subs; u != NULL; u = u->next)
    if (u->len == n && memcmp(u->filter, f, n) == 0) return u;
  return NULL;
}

static void xb_group_leave(xb_server *srv, xb_sub *sub) {
  xb_group *g = sub->g;
  if (g == NULL) return;
  if (sub->gprev != NULL) sub->gprev->gnext = sub->gnext;
  else g->head = sub->gnext;
  if (sub->gnext != NULL) sub->gnext->gprev = sub->gprev;
  else g->tail = sub->gprev;
  sub->g = NULL;
  sub->gnext = sub->gprev = NULL;
  if (--g->n > 0) return;
  xb_feedent *fe = g->fe;
  if (g->fprev != NULL) g->fprev->fnext = g->fnext;
  else fe->head = g->fnext;
  if (g->fnext != NULL) g->fnext->fprev = g->fprev;
  xb_htab_remove(&srv->groups, &g->hn);
  free(g);
  if (fe->head == NULL) {
    xb_htab_remove(&srv->feeds, &fe->hn);
    free(fe);
  }
}

static void xb_sub_remove(xb_sess *s, xb_sub *sub) {
  if (sub->prev != NULL) sub->prev->next = sub->next;
  else s->subs = sub->next;
  if (sub->next != NULL) sub->next->prev = sub->prev;
  else s->subs_tail = sub->prev;
  sub->next = sub->prev = NULL;
  s->nsubs--;
  sub->live = false;
  xb_group_leave(s->srv, sub);
  xb_sub_unref(sub); /* pending deliveries keep it until they are written */
}

void xb_subs_drop_all(xb_sess *s) {
  while (s->subs != NULL) xb_sub_remove(s, s->subs);
}

static xb_feedent *xb_feed_find(xb_server *srv, uint32_t id) {
  uint64_t h = xb_hash_u64(id);
  for (xb_hnode *e = xb_htab_bucket(&srv->feeds, h); e != NULL; e = e->next) {
    xb_feedent *fe = XB_OWNER(e, xb_feedent, hn);
    if (e->hash == h && fe->feed_id == id) return fe;
  }
  return NULL;
}

/*
 * Put sub into the group of its target (t parsed from its filter). The group's own
 * topic is the canonical form "vN/path.fmt[?query]": no key prefix, no leading slash,
 * explicit format, so every spelling of one request shares one rendering.
 */
static void xb_group_join(xb_server *srv, xb_sub *sub, const xb_topic *t) {
  static const char *const ext[] = {".json", ".xml", ".csv"};
  const char *e = ext[t->format <= XB_TOPIC_CSV ? t->format : 0];
  size_t elen = strlen(e);
  size_t n = t->path.len + elen + (t->has_query ? 1 + t->query.len : 0);
  xb_group *g = malloc(sizeof *g + n);
  if (g == NULL) return; /* never delivers; logged by the caller's absence of output */
  memcpy(g->bytes, sub->filter + t->path.off, t->path.len);
  memcpy(g->bytes + t->path.len, e, elen);
  if (t->has_query) {
    g->bytes[t->path.len + elen] = '?';
    memcpy(g->bytes + t->path.len + elen + 1, sub->filter + t->query.off, t->query.len);
  }
  g->len = n;
  uint64_t h = xb_hash_bytes(g->bytes, n);
  for (xb_hnode *x = xb_htab_bucket(&srv->groups, h); x != NULL; x = x->next) {
    xb_group *o = XB_OWNER(x, xb_group, hn);
    if (x->hash == h && o->len == n && memcmp(o->bytes, g->bytes, n) == 0) {
      free(g);
      g = o;
      goto join;
    }
  }
  if (xb_topic_parse(g->bytes, n, 65535, &g->t) != XB_TOPIC_OK) {
    free(g);
    return;
  }
  xb_feedent *fe = xb_feed_find(srv, t->feed_id);
  bool new_fe = fe == NULL;
  if (new_fe) {
    fe = calloc(1, sizeof *fe);
    if (fe == NULL || !xb_htab_insert(&srv->feeds, &fe->hn, xb_hash_u64(t->feed_id))) {
      free(fe);
      free(g);
      return;
    }
    fe->feed_id = t->feed_id;
  }
  if (!xb_htab_insert(&srv->groups, &g->hn, h)) {
    if (new_fe) {
      xb_htab_remove(&srv->feeds, &fe->hn);
      free(fe);
    }
    free(g);
    return;
  }
  g->fe = fe;
  g->head = g->tail = NULL;
  g->n = 0;
  g->fprev = NULL;
  g->fnext = fe->head;
  if (fe->head != NULL) fe->head->fprev = g;
  fe->head = g;
join:
  sub->g = g;
  sub->gprev = g->tail;
  sub->gnext = NULL;
  if (g->tail != NULL) g->tail->gnext = sub;
  else g->head = sub;
  g->tail = sub;
  g->n++;
}

static bool xb_is_rejection(const char *reason) {
  /* XB-TOPIC-33: the filter can never deliver, whatever happens to the store. */
  return strcmp(reason, "method-not-allowed") == 0 || strcmp(reason, "bad-format") == 0 ||
         strcmp(reason, "bad-query") == 0;
}

/* One filter of a SUBSCRIBE, in the order of spec/mapping.md XB-MAP-10. */
static void xb_subscribe_one(xb_sess *s, const uint8_t *f, size_t n) {
  xb_server *srv = s->srv;
  xb_sub *old = xb_sub_find(s, f, n);
  if (old != NULL) {
    xb_sub_remove(s, old); /* XB-SUB-22: replaced, counts as created now (XB-SUB-19) */
  } else if (s->nsubs >= srv->cfg.max_subscriptions) {
    xb_slog(XB_LOG_WARN, "too-many-subscriptions", s, s->key, s->key_len, "subscribe", f, n,
            false, NULL); /* XB-SUB-24 */
    return;
  }
  xb_topic t;
  xb_topic_status ts = xb_topic_parse(f, n, srv->cfg.max_topic, &t);
  if (ts == XB_TOPIC_TOO_LONG) {
    xb_slog(XB_LOG_WARN, "topic-too-long", s, s->key, s->key_len, "subscribe", f, n, false,
            NULL); /* XB-TOPIC-1: not recorded */
    return;
  }
  xb_sub *sub = calloc(1, sizeof *sub + n);
  if (sub == NULL) {
    xb_slog(XB_LOG_WARN, "socket-error", s, s->key, s->key_len, "subscribe", f, n, false,
            "out of memory");
    return;
  }
  memcpy(sub->filter, f, n);
  sub->len = n;
  sub->s = s;
  sub->refs = 1;
  sub->live = true;
  sub->seq = ++srv->seq;
  /* XB-AUTH-13: the key is fixed now, from the prefix or the connection. */
  bool query_status = ts != XB_TOPIC_OK && xb_topic_status_is_query(ts);
  if ((ts == XB_TOPIC_OK || query_status) && t.key.len > 0) {
    sub->key = (const char *)sub->filter + t.key.off;
    sub->key_len = t.key.len;
  } else if (s->key_len > 0) {
    sub->key = s->key;
    sub->key_len = s->key_len;
  }
  sub->prev = s->subs_tail;
  if (s->subs_tail != NULL) s->subs_tail->next = sub;
  else s->subs = sub;
  s->subs_tail = sub;
  s->nsubs++;
  if (ts != XB_TOPIC_OK) {
    /* Recorded, never delivers (XB-TOPIC-2, XB-TOPIC-33); the read of a datastreams
     * collection is reported before its query (XB-TOPIC-36). */
    const char *reason = xb_topic_reason(ts);
    if (query_status && t.resource == XB_TOPIC_DATASTREAMS) reason = "method-not-allowed";
    xb_slog(XB_LOG_WARN, reason, s, sub->key, sub->key_len, "subscribe", f, n, false,
            xb_topic_status_str(ts));
    return;
  }
  xb_srv_request(srv);
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = XB_API_GET; /* XB-MAP-2 */
  req.topic = &t;
  req.topic_bytes = sub->filter;
  req.key = sub->key;
  req.key_len = sub->key_len;
  req.client_ip = s->ip;
  req.now = xb_srv_now(srv);
  xb_api_response resp;
  memset(&resp, 0, sizeof resp);
  resp.body = &srv->body;
  xb_api_execute(srv->api, &req, &resp);
  if (resp.reason != NULL) {
    /* XB-SUB-4: recorded, nothing sent; XB-AUTHZ-26 logged. */
    xb_slog(xb_reason_level(resp.reason), resp.reason, s, sub->key, sub->key_len,
            "subscribe", f, n, false, resp.detail);
    if (xb_is_rejection(resp.reason)) return;
    if (strcmp(resp.reason, "store-error") != 0) {
      sub->az = XB_AZ_DENY;
      sub->az_reason = resp.reason;
      sub->az_epoch = srv->authz_epoch;
    }
  } else {
    sub->az = XB_AZ_ALLOW;
    sub->az_epoch = srv->authz_epoch;
    xb_blob *b = xb_blob_copy(srv->body.data != NULL ? srv->body.data : (const uint8_t *)"",
                              srv->body.len);
    if (b != NULL) {
#if defined(XB_MUT_INITIAL_RETAIN0) /* seeded fault, make conform-mutants only */
      xb_srv_deliver(srv, sub, b, false);
#elif !defined(XB_MUT_NO_INITIAL_STATE) /* seeded fault, make conform-mutants only */
      xb_srv_deliver(srv, sub, b, true); /* XB-SUB-2: RETAIN=1 */
#endif
      xb_blob_unref(b);
    }
    if (xb_log_enabled(XB_LOG_DEBUG))
      xb_slog(XB_LOG_DEBUG, "request-ok", s, sub->key, sub->key_len, "subscribe", f, n, false,
              NULL);
  }
  /* XB-SUB-6 / XB-SUB-7: only feeds and datastreams stream changes. */
  if (t.resource == XB_TOPIC_FEED || t.resource == XB_TOPIC_DATASTREAM) xb_group_join(srv, sub, &t);
}

void xb_subs_subscribe(xb_sess *s, const uint8_t *body, size_t len,
                       const xb_mqtt_subscribe *sub) {
  xb_server *srv = s->srv;
  /* XB-SUB-1 / XB-MQTT-49: the SUBACK (00 for every entry) goes before any state. */
  size_t sz = xb_mqtt_suback_size(sub->count);
  xb_buf_reset(&srv->render);
  if (sz == 0 || !xb_buf_reserve(&srv->render, sub->count + sz)) {
    xb_sess_abort(s, "socket-error", "out of memory for SUBACK");
    return;
  }
  uint8_t *codes = srv->render.data;
#ifdef XB_MUT_SUBACK_QOS1 /* seeded fault, make conform-mutants only */
  memset(codes, 1, sub->count);
#else
  memset(codes, 0, sub->count);
#endif
  size_t w = 0;
  if (xb_mqtt_encode_suback(codes + sub->count, sz, sub->packet_id, codes, sub->count, &w) !=
      XB_MQTT_OK) {
    xb_sess_abort(s, "malformed-packet", "SUBSCRIBE");
    return;
  }
  xb_srv_ctrl(srv, s, XB_IT_CTRL, codes + sub->count, w);
  size_t pos = sub->first;
  for (size_t i = 0; i < sub->count && s->state == XB_SS_CONNECTED; i++) {
    xb_span f;
    uint8_t qos = 0;
    if (xb_mqtt_next_filter(body, len, true, &pos, &f, &qos) != XB_MQTT_OK) break;
    xb_subscribe_one(s, body + f.off, f.len); /* XB-MAP-21: requested QoS ignored */
  }
}

void xb_subs_unsubscribe(xb_sess *s, const uint8_t *body, size_t len,
                         const xb_mqtt_subscribe *uns) {
  size_t pos = uns->first;
  for (size_t i = 0; i < uns->count; i++) {
    xb_span f;
    uint8_t unused = 0;
    if (xb_mqtt_next_filter(body, len, false, &pos, &f, &unused) != XB_MQTT_OK) break;
    xb_sub *sub = xb_sub_find(s, body + f.off, f.len); /* XB-MAP-22: byte-for-byte */
    if (sub != NULL) xb_sub_remove(s, sub);
  }
  uint8_t b[4];
  size_t w = 0;
  if (xb_mqtt_encode_ack(b, sizeof b, XB_MQTT_UNSUBACK, uns->packet_id, &w) == XB_MQTT_OK)
    xb_srv_ctrl(s->srv, s, XB_IT_CTRL, b, w); /* XB-MQTT-52 */
}

/* ------------------------------------------------------------------ notifications */

/* The key state found by the last key check of one notification. Within one
 * xb_subs_notify nothing changes the keys (no request runs) and "now" is fixed, so
 * members sharing a key (every subscriber of a fan-out with the same API key) check it
 * once per change instead of once per delivery; a later change checks again
 * (XB-AUTH-11, XB-AUTH-13). */
typedef struct {
  const char *key;
  size_t len;
  xb_api_key_state ks;
} xb_key_memo;

/* XB-AUTH-17: equal or not, without an early exit. */
static bool xb_key_same(const char *a, const char *b, size_t n) {
  unsigned char d = 0;
  for (size_t i = 0; i < n; i++) d |= (unsigned char)(a[i] ^ b[i]);
  return d == 0;
}

static xb_api_key_state xb_key_state(xb_server *srv, xb_key_memo *memo, const char *key,
                                     size_t len, int64_t now) {
  if (memo->key != NULL && memo->len == len &&
      (memo->key == key || xb_key_same(memo->key, key, len)))
    return memo->ks;
  xb_api_key_state ks = xb_api_key_check(srv->api, key, len, now);
  if (ks != XB_API_KEY_ERROR) { /* a store error is retried by the next member */
    memo->key = key;
    memo->len = len;
    memo->ks = ks;
  }
  return ks;
}

/* XB-SUB-14: may this member read its target now? Logged when not. */
static bool xb_sub_allowed(xb_server *srv, xb_sub *m, xb_group *g, int64_t now,
                           xb_key_memo *memo) {
  xb_sess *s = m->s;
  if (m->az != XB_AZ_UNKNOWN && m->az_epoch == srv->authz_epoch) {
    if (m->az == XB_AZ_DENY) {
      xb_slog(XB_LOG_WARN, m->az_reason, s, m->key, m->key_len, "delivery", m->filter, m->len,
              false, "cached");
      return false;
    }
    if (m->key_len == 0) return true;
    xb_api_key_state ks = xb_key_state(srv, memo, m->key, m->key_len, now);
    if (ks == XB_API_KEY_VALID) return true;
    const char *reason = ks == XB_API_KEY_EXPIRED   ? "expired-key"
                         : ks == XB_API_KEY_UNKNOWN ? "unknown-key"
                                                    : "store-error";
    xb_slog(xb_reason_level(reason), reason, s, m->key, m->key_len, "delivery", m->filter,
            m->len, false, NULL);
    if (ks != XB_API_KEY_ERROR) {
      m->az = XB_AZ_DENY;
      m->az_reason = reason;
    }
    return false;
  }
  srv->st.authz_checks++;
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = XB_API_GET;
  req.topic = &g->t;
  req.topic_bytes = g->bytes;
  req.key = m->key;
  req.key_len = m->key_len;
  req.client_ip = s->ip;
  req.now = now;
  const char *reason = NULL;
  int st = xb_api_check_read(srv->api, &req, &reason);
  if (st == 200) {
    m->az = XB_AZ_ALLOW;
    m->az_epoch = srv->authz_epoch;
    return true;
  }
  if (reason == NULL) reason = "forbidden";
  xb_slog(xb_reason_level(reason), reason, s, m->key, m->key_len, "delivery", m->filter, m->len,
          false, NULL);
  if (strcmp(reason, "store-error") != 0) {
    m->az = XB_AZ_DENY;
    m->az_reason = reason;
    m->az_epoch = srv->authz_epoch;
  }
  return false;
}

void xb_subs_notify(xb_server *srv, const xb_api_changes *ch) {
  if (ch->feed_id == 0) return;
  bool bump = (ch->feed_flags & (XB_CH_FIELDS | XB_CH_CREATED)) != 0;
  for (size_t i = 0; i < ch->nds && !bump; i++) bump = (ch->ds[i].flags & XB_CH_CREATED) != 0;
  if (bump) srv->authz_epoch++; /* privacy or existence may have changed */
  xb_feedent *fe = xb_feed_find(srv, ch->feed_id);
  if (fe == NULL) return;
  uint64_t stamp = ++srv->fan_stamp;
  size_t from = srv->nitems;
  bool need_sort = false;
  int64_t now = xb_srv_now(srv); /* XB-SUB-17: "now" of the rendering */
  xb_key_memo memo = {NULL, 0, XB_API_KEY_ERROR};
  for (xb_group *g = fe->head; g != NULL; g = g->fnext) {
    if (!xb_api_change_notifies(ch, &g->t, g->bytes)) continue; /* XB-SUB-8..11 */
    xb_blob *blob = NULL;
    for (xb_sub *m = g->head; m != NULL; m = m->gnext) {
      xb_sess *s = m->s;
      if (s->state != XB_SS_CONNECTED || s->dead) continue;
      if (!xb_sub_allowed(srv, m, g, now, &memo)) continue;
      if (blob == NULL) {
        /* XB-SUB-21: one rendering for every member of the group. */
        srv->st.renders++;
        int r = xb_api_render_state(srv->api, &g->t, g->bytes, now, &srv->render);
        if (r == 200) blob = xb_blob_copy(srv->render.data != NULL ? srv->render.data
                                                                   : (const uint8_t *)"",
                                          srv->render.len);
        if (blob == NULL) {
          xb_slog(XB_LOG_ERROR, "store-error", NULL, NULL, 0, "delivery", g->bytes, g->len,
                  false, r == 200 ? "out of memory" : "rendering failed");
          break;
        }
      }
#ifdef XB_MUT_CHANGE_RETAIN1 /* seeded fault, make conform-mutants only */
      xb_srv_deliver(srv, m, blob, true);
#else
      xb_srv_deliver(srv, m, blob, false); /* XB-SUB-16: RETAIN=0 */
#endif
      if (s->fan_stamp == stamp) need_sort = true;
      s->fan_stamp = stamp;
    }
    xb_blob_unref(blob);
  }
  if (need_sort) xb_srv_sort_from(srv, from); /* XB-SUB-19 */
}

void xb_subs_free_index(xb_server *srv) {
  /* Every subscription left with its session; only the tables themselves remain. */
  xb_htab_free(&srv->groups);
  xb_htab_free(&srv->feeds);
}
