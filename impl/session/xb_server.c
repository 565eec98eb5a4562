/*
 * xb_server.c — the server around the sessions: lifecycle, the turn (batch + pending
 * output), the client id table and the log line format.
 *
 * The turn (spec/persistence.md XB-STORE-9, XB-STORE-10): the first request of a loop
 * turn opens an engine batch; every packet the turn produces for a client is appended
 * to one pending list, in production order, instead of being queued on its connection.
 * The commit hook, registered before the net layer's flush hook, commits the batch and
 * only then moves the pending list into the connections' output queues, so nothing a
 * batch caused can reach a socket before its commit, and a failed commit can still take
 * back the acknowledgements and notifications it would have sent (XB-STORE-11).
 * Work created after the commit hook (wills fired from on_close, re-delivered input) is
 * left pending; the last hook then makes the loop turn again at once.
 */
#include "session/xb_sess_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void xb_session_config_default(xb_session_config *cfg) {
  cfg->max_packet = 262144;
  cfg->max_payload = 65536;
  cfg->max_topic = 1024;
  cfg->max_client_id = 128;
  cfg->max_connections = 10000;
  cfg->max_subscriptions = 64;
  cfg->max_inflight_qos2 = 64;
  cfg->keepalive_min = 0;
  cfg->keepalive_max = 65535;
  cfg->connect_timeout = 10;
  cfg->output_queue = 1048576;
  cfg->slow_grace = 30;
  cfg->batch_max = 1000;
}

/* ------------------------------------------------------------------ clock */

static int64_t xb_realtime_us(void *arg) {
  (void)arg;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t xb_srv_now(xb_server *srv) { return srv->clock(srv->clock_arg); }

void xb_server_set_clock(xb_server *srv, int64_t (*fn)(void *), void *arg) {
  srv->clock = fn != NULL ? fn : xb_realtime_us;
  srv->clock_arg = fn != NULL ? arg : NULL;
}

/* ------------------------------------------------------------------ logging */

xb_log_level xb_reason_level(const char *reason) {
  /* XB-ERR-3 */
  if (strcmp(reason, "store-error") == 0) return XB_LOG_ERROR;
  if (strcmp(reason, "request-ok") == 0) return XB_LOG_DEBUG;
  static const char *const info[] = {"listening", "listen-skipped", "config", "connect",
                                     "disconnect", "shutdown"};
  for (size_t i = 0; i < sizeof info / sizeof info[0]; i++)
    if (strcmp(reason, info[i]) == 0) return XB_LOG_INFO;
  return XB_LOG_WARN;
}

void xb_slog(xb_log_level lvl, const char *reason, const xb_sess *s, const char *key,
             size_t key_len, const char *op, const uint8_t *topic, size_t topic_len,
             bool will, const char *detail) {
  if (!xb_log_enabled(lvl)) return;
  char cid[300], kv[32], tv[1200], dv[600], ip[80];
  const char *client = "-";
  if (s != NULL && s->client_id != NULL)
    client = xb_log_val(cid, sizeof cid, s->client_id, s->client_id_len);
  const char *k = "-";
  if (key != NULL && key_len > 0) {
    /* XB-AUTH-16: at most the first 4 characters of a key, then '*'. */
    char m[8];
    size_t n = key_len < 4 ? key_len : 4;
    memcpy(m, key, n);
    m[n] = '*';
    k = xb_log_val(kv, sizeof kv, m, n + 1);
  }
  const char *ipv = s != NULL && s->ip[0] ? xb_log_val(ip, sizeof ip, s->ip, strlen(s->ip)) : "-";
  char extra[1900];
  size_t off = 0;
  extra[0] = '\0';
  if (op != NULL)
    off += (size_t)snprintf(extra + off, sizeof extra - off, " op=%s", op);
  if (topic != NULL && off < sizeof extra)
    off += (size_t)snprintf(extra + off, sizeof extra - off, " topic=%s",
                            xb_log_val(tv, sizeof tv, topic, topic_len));
  if (will && off < sizeof extra) off += (size_t)snprintf(extra + off, sizeof extra - off, " will=1");
  if (detail != NULL && off < sizeof extra)
    snprintf(extra + off, sizeof extra - off, " detail=%s",
             xb_log_val(dv, sizeof dv, detail, strlen(detail)));
  xb_log(lvl, "%s conn=%llu ip=%s client=%s key=%s%s", reason,
         (unsigned long long)(s != NULL ? s->id : 0), ipv, client, k, extra);
}

/* ------------------------------------------------------------------ client ids */

xb_sess *xb_srv_client_find(xb_server *srv, const char *id, size_t len) {
  uint64_t h = xb_hash_bytes(id, len);
  for (xb_hnode *e = xb_htab_bucket(&srv->clients, h); e != NULL; e = e->next) {
    if (e->hash != h) continue;
    xb_sess *s = XB_OWNER(e, xb_sess, hn);
    if (s->client_id_len == len && memcmp(s->client_id, id, len) == 0) return s;
  }
  return NULL;
}

bool xb_srv_client_add(xb_server *srv, xb_sess *s) {
  if (!xb_htab_insert(&srv->clients, &s->hn, xb_hash_bytes(s->client_id, s->client_id_len)))
    return false;
  s->in_table = true;
  return true;
}

void xb_srv_client_del(xb_server *srv, xb_sess *s) {
  if (!s->in_table) return;
  xb_htab_remove(&srv->clients, &s->hn);
  s->in_table = false;
}

/* ------------------------------------------------------------------ pending items */

static xb_item *xb_srv_push(xb_server *srv) {
  if (srv->nitems == srv->items_cap) {
    size_t cap = srv->items_cap ? srv->items_cap * 2 : 256;
    xb_item *p = realloc(srv->items, cap * sizeof *p);
    if (p == NULL) return NULL;
    srv->items = p;
    srv->items_cap = cap;
  }
  xb_item *it = &srv->items[srv->nitems++];
  memset(it, 0, sizeof *it);
  return it;
}

void xb_srv_ctrl(xb_server *srv, xb_sess *s, uint8_t kind, const uint8_t *p, size_t n) {
  size_t off = srv->ctrl.len;
  xb_item *it = NULL;
  if (off <= UINT32_MAX - n && xb_buf_append(&srv->ctrl, p, n)) it = xb_srv_push(srv);
  if (it == NULL) {
    /* A response that cannot be kept cannot be sent in order: give up the connection. */
    xb_buf_truncate(&srv->ctrl, off);
    xb_slog(XB_LOG_WARN, "socket-error", s, s->key, s->key_len, NULL, NULL, 0, false,
            "out of memory for a response");
    if (s->conn != NULL) xb_conn_close(s->conn, XB_CLOSE_NOW);
    s->state = XB_SS_CLOSING;
    return;
  }
  it->s = s;
  it->kind = kind;
  it->off = (uint32_t)off;
  it->len = (uint32_t)n;
  s->pending_items++;
}

void xb_srv_deliver(xb_server *srv, xb_sub *sub, xb_blob *blob, bool retain) {
  xb_sess *s = sub->s;
  if (s->dead || s->conn == NULL || s->state != XB_SS_CONNECTED) return;
  size_t blen = xb_blob_len(blob);
  size_t hs = 0;
  if (xb_mqtt_publish_header_size(sub->len, blen, &hs) != XB_MQTT_OK) {
    srv->st.dropped++;
    xb_slog(XB_LOG_WARN, "queue-full", s, sub->key, sub->key_len, "delivery", sub->filter,
            sub->len, false, "representation exceeds the MQTT packet size");
    return;
  }
  size_t total = hs + blen;
  /* XB-SUB-27 is decided when the items reach the connection, in delivery order, so the
   * net layer sees the refusal and starts the slow-subscriber clock (XB-SUB-29). Pending
   * items are only bounded here, at twice the queue size, so that one turn cannot pile
   * up more for a connection than it could ever take (XB-LIM-10). */
  size_t cap = 2 * srv->cfg.output_queue;
  if (total > cap || s->pending_bytes > cap - total) {
    srv->st.dropped++;
    xb_slog(XB_LOG_WARN, "queue-full", s, sub->key, sub->key_len, "delivery", sub->filter,
            sub->len, false, NULL);
    return;
  }
  xb_item *it = xb_srv_push(srv);
  if (it == NULL) {
    srv->st.dropped++;
    xb_slog(XB_LOG_WARN, "queue-full", s, sub->key, sub->key_len, "delivery", sub->filter,
            sub->len, false, "out of memory");
    return;
  }
  it->s = s;
  it->kind = XB_IT_DELIVERY;
  it->retain = retain;
  it->blob = xb_blob_ref(blob);
  it->sub = sub;
  it->seq = sub->seq;
  it->len = (uint32_t)(total > UINT32_MAX ? UINT32_MAX : total);
  sub->refs++;
  s->pending_items++;
  s->pending_bytes += total;
}

static int xb_item_cmp(const void *a, const void *b) {
  const xb_item *x = a, *y = b;
  if (x->s != y->s) return (uintptr_t)x->s < (uintptr_t)y->s ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void xb_srv_sort_from(xb_server *srv, size_t from) {
  if (srv->nitems - from > 1) qsort(srv->items + from, srv->nitems - from, sizeof *srv->items, xb_item_cmp);
}

/* Hand one item to its connection (or drop it), then release what it held. */
static void xb_srv_send_item(xb_server *srv, xb_item *it, bool failed) {
  xb_sess *s = it->s;
  xb_conn *c = s->dead ? NULL : s->conn;
  switch (it->kind) {
    case XB_IT_CTRL:
    case XB_IT_CTRL_CLOSE:
      if (c != NULL) {
        xb_conn_send(c, srv->ctrl.data + it->off, it->len, XB_SEND_CONTROL);
        if (it->kind == XB_IT_CTRL_CLOSE) xb_conn_close(c, XB_CLOSE_FLUSH);
      }
      break;
    case XB_IT_ACK_WRITE:
      /* XB-ERR-45 / XB-STORE-11: a write of a failed batch is not acknowledged. */
      if (!failed && c != NULL && !s->fail_close)
        xb_conn_send(c, srv->ctrl.data + it->off, it->len, XB_SEND_CONTROL);
      break;
    default: {
      xb_sub *sub = it->sub;
      size_t blen = xb_blob_len(it->blob);
      s->pending_bytes -= it->len;
      if (c != NULL && !failed && !s->fail_close) {
        /* The header depends on the topic (the member's filter), the payload length and
         * RETAIN only: members of a fan-out that subscribed with the same filter get
         * the header encoded for the previous delivery (its topic is the tail of it). */
        size_t w = srv->hdr_len;
        if (w == 0 || srv->hdr_blen != blen || srv->hdr_retain != it->retain ||
            srv->hdr_tlen != sub->len ||
            memcmp(srv->hdr + w - sub->len, sub->filter, sub->len) != 0) {
          w = 0;
          if (xb_mqtt_encode_publish_header(srv->hdr, srv->hdr_cap, sub->filter, sub->len,
                                            blen, it->retain, &w) != XB_MQTT_OK)
            w = 0;
          srv->hdr_len = w;
          srv->hdr_blen = blen;
          srv->hdr_retain = it->retain;
          srv->hdr_tlen = sub->len;
        }
        if (w > 0) {
          int r = xb_conn_send_blob(c, srv->hdr, w, it->blob, 0, blen, 0);
          if (r == XB_NET_OK) {
            srv->st.deliveries++;
          } else if (r == XB_NET_EFULL || r == XB_NET_ENOMEM) {
            srv->st.dropped++;
            xb_slog(XB_LOG_WARN, "queue-full", s, sub->key, sub->key_len, "delivery",
                    sub->filter, sub->len, false, NULL); /* XB-SUB-27 */
          }
        }
      }
      xb_blob_unref(it->blob);
      xb_sub_unref(sub);
      break;
    }
  }
  s->pending_items--;
}

/* The header scratch must hold the largest PUBLISH header: 5 + 2 + topic. */
static bool xb_srv_hdr_room(xb_server *srv) {
  size_t need = 5 + 2 + (srv->cfg.max_topic > 65535 ? 65535 : srv->cfg.max_topic);
  if (srv->hdr_cap >= need) return true;
  uint8_t *p = realloc(srv->hdr, need);
  if (p == NULL) return false;
  srv->hdr = p;
  srv->hdr_cap = need;
  return true;
}

static void xb_srv_free_dead(xb_server *srv) {
  xb_sess **pp = &srv->dead;
  while (*pp != NULL) {
    xb_sess *s = *pp;
    if (s->pending_items == 0) {
      *pp = s->next_dead;
      free(s->client_id);
      free(s->will_topic);
      free(s->qos2);
      free(s);
    } else {
      pp = &s->next_dead;
    }
  }
}

static void xb_srv_flush(xb_server *srv, bool failed) {
  size_t n = srv->nitems;
  for (size_t i = 0; i < n; i++) {
    xb_srv_send_item(srv, &srv->items[i], failed);
  }
  srv->nitems = 0;
  xb_buf_reset(&srv->ctrl);
}

/* Sessions marked by a failed commit (XB-ERR-45): closed after the flush, since
 * closing fires the will, which appends items again. */
static void xb_srv_fail_closes(xb_server *srv, xb_sess **list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    xb_sess *s = list[i];
    s->fail_close = false;
    if (!s->dead && s->state != XB_SS_CLOSING)
      xb_sess_abort(s, "store-error", "write not committed; not acknowledged");
  }
  (void)srv;
}

/* ------------------------------------------------------------------ the turn */

void xb_srv_request(xb_server *srv) {
  if (!srv->batch_tried) {
    srv->batch_tried = true;
    if (xb_api_batch_begin(srv->api) == 0) {
      srv->batch_open = true;
    } else {
      /* The writes of this turn then fail as store-error (xb_sess_write) and reads run
       * outside a batch; the server keeps running (XB-ERR-45). */
      xb_slog(XB_LOG_ERROR, "store-error", NULL, NULL, 0, NULL, NULL, 0, false,
              "cannot open the batch transaction");
    }
  }
  srv->batch_requests++;
  srv->st.requests++;
}

/* Before the net layer's flush: commit, then release the turn's output. */
static void xb_srv_hook_commit(xb_loop *loop, void *arg) {
  (void)loop;
  xb_server *srv = arg;
  if (srv->stopped) return;
  bool failed = false;
  if (srv->batch_open) {
    srv->batch_open = false;
    if (xb_api_batch_commit(srv->api) != 0) {
      failed = true;
      srv->st.batch_failures++;
      srv->authz_epoch++; /* XB-STORE-11: cached decisions may rest on lost writes */
      xb_slog(XB_LOG_ERROR, "store-error", NULL, NULL, 0, NULL, NULL, 0, false,
              "batch commit failed; its requests have no effect");
    } else {
      srv->st.batches++;
    }
  }
  srv->batch_tried = false;
  srv->batch_requests = 0;
  /* Gather the sessions a failed commit must close before the items go away. */
  xb_sess *fail_small[16];
  xb_sess **fail = fail_small;
  size_t nfail = 0, capfail = 16;
  if (failed) {
    for (size_t i = 0; i < srv->nitems; i++) {
      xb_item *it = &srv->items[i];
      if (it->kind != XB_IT_ACK_WRITE || it->s->dead || it->s->fail_close) continue;
      it->s->fail_close = true;
      if (nfail == capfail) {
        xb_sess **bigger = malloc(2 * capfail * sizeof *bigger);
        if (bigger == NULL) continue;
        memcpy(bigger, fail, nfail * sizeof *bigger);
        if (fail != fail_small) free(fail);
        fail = bigger;
        capfail *= 2;
      }
      fail[nfail++] = it->s;
    }
  }
  xb_srv_flush(srv, failed);
  xb_srv_fail_closes(srv, fail, nfail);
  if (fail != fail_small) free(fail);
  /* XB-STORE-12: connections held back by the batch limit read again (their buffered
   * input is handed back from the net layer's hook, in a new batch). */
  /* Round robin (xb_sess_pause): those that got nothing first, then the served. */
  xb_sess *resume = srv->paused[0];
  if (resume == NULL) resume = srv->paused[1];
  else *srv->paused_tail[0] = srv->paused[1];
  for (int k = 0; k < 2; k++) {
    srv->paused[k] = NULL;
    srv->paused_tail[k] = &srv->paused[k];
  }
  while (resume != NULL) {
    xb_sess *s = resume;
    resume = s->next_paused;
    s->next_paused = NULL;
    s->paused = false;
    if (s->conn != NULL && !s->dead && s->state != XB_SS_CLOSING) xb_conn_pause_read(s->conn, false);
  }
  xb_srv_free_dead(srv);
}

/* After the net layer's hook: work it created (wills from on_close) needs a turn. */
static void xb_srv_hook_after(xb_loop *loop, void *arg) {
  xb_server *srv = arg;
  if (srv->stopped) return;
  if (srv->batch_open || srv->nitems > 0 || srv->paused[0] != NULL || srv->paused[1] != NULL)
    xb_loop_skip_wait(loop);
}

/* ------------------------------------------------------------------ secure listeners */

/* A secure (TLS) connection is a session like any other (XB-TRANS-7, XB-TRANS-9: it
 * counts from accept), with three differences while its handshake runs: its deadline
 * is the handshake timeout, its end is logged tls-handshake / tls-handshake-timeout
 * (XB-ERR-24), and no will can exist yet. These wrappers add them around the session's
 * own handlers; nothing else of the session layer knows about the transport. */

/* The transport reports the end of the handshake (from inside a read or write). */
static void xb_srv_secure_done(xb_conn *c, const char *detail) {
  xb_sess *s = xb_conn_user(c);
  if (s == NULL || s->dead || !s->handshaking) return;
  s->handshaking = false;
  if (detail != NULL) {
    /* XB-TRANS-10 (clear text), XB-TRANS-11 (old protocol), garbage, a peer gone half
     * way: one line, then close; the connection had no CONNECT, so no will. */
    xb_sess_abort(s, "tls-handshake", detail);
    return;
  }
  /* XB-TRANS-20: the CONNECT timeout starts when the handshake completes. */
  if (s->state == XB_SS_WAIT_CONNECT)
    xb_conn_set_deadline(c, (uint64_t)s->srv->cfg.connect_timeout * 1000u);
}

static int xb_srv_secure_accept(xb_conn *c, bool over_limit, void *arg) {
  xb_server *srv = arg;
  if (srv->handlers.on_accept(c, over_limit, srv) < 0) return -1;
  xb_sess *s = xb_conn_user(c);
  s->secure = true;
  if (srv->secure.attach(srv->secure.arg, c, xb_srv_secure_done) < 0) {
    xb_sess_abort(s, "socket-error", "no memory for the TLS state");
    return 0;
  }
  s->handshaking = true;
  /* XB-TRANS-14: the handshake must complete within tls-handshake-timeout. */
  uint32_t ms = srv->secure.handshake_timeout_ms != 0 ? srv->secure.handshake_timeout_ms : 10000u;
  xb_conn_set_deadline(c, ms);
  return 0;
}

static void xb_srv_secure_timeout(xb_conn *c, xb_timeout_kind kind, void *user) {
  xb_sess *s = user;
  if (kind == XB_TIMEOUT_DEADLINE && s->handshaking) {
    s->handshaking = false;
    xb_sess_abort(s, "tls-handshake-timeout", NULL); /* XB-TRANS-14, XB-ERR-24 */
    return;
  }
  s->srv->handlers.on_timeout(c, kind, user);
}

static void xb_srv_secure_close(xb_conn *c, xb_close_reason reason, int err, void *user) {
  xb_sess *s = user;
  xb_server *srv = s->srv;
  if (s->state != XB_SS_CLOSING && !s->dead && reason != XB_CLOSE_SHUTDOWN && !srv->stopped) {
    const char *why = srv->secure.conn_error != NULL ? srv->secure.conn_error(srv->secure.arg, c) : NULL;
    if (s->handshaking) {
      /* Ended before the transport reported the end of its handshake: still a failed
       * handshake (XB-ERR-24), not a peer-closed session. */
      s->handshaking = false;
      if (why == NULL)
        why = reason == XB_CLOSE_PEER ? "connection closed during the handshake"
              : reason == XB_CLOSE_ERROR ? strerror(err) : "closed during the handshake";
      xb_sess_abort(s, "tls-handshake", why);
    } else if (reason == XB_CLOSE_ERROR && why != NULL) {
      /* XB-TRANS-24: a TLS error after the handshake (bad record, garbage, an alert) is
       * a socket error of this connection only; the will fires as for any. */
      xb_sess_abort(s, "socket-error", why);
    }
  }
  srv->handlers.on_close(c, reason, err, user);
}

xb_listener *xb_server_listen_secure(xb_server *srv, const char *addr,
                                     const xb_server_secure *sec) {
  if (srv->stopped || sec == NULL || sec->attach == NULL) {
    errno = EINVAL;
    return NULL;
  }
  srv->secure = *sec;
  return xb_net_listen_tagged(srv->net, addr, &srv->secure_handlers, srv, "tls");
}

xb_conn *xb_server_adopt_secure(xb_server *srv, int fd, const xb_server_secure *sec) {
  if (srv->stopped || sec == NULL || sec->attach == NULL) {
    errno = EINVAL;
    return NULL;
  }
  srv->secure = *sec;
  return xb_net_adopt(srv->net, fd, &srv->secure_handlers, srv);
}

/* ------------------------------------------------------------------ lifecycle */

xb_server *xb_server_create(xb_loop *loop, xb_api *api, const xb_session_config *cfg) {
  xb_server *srv = calloc(1, sizeof *srv);
  if (srv == NULL) return NULL;
  srv->loop = loop;
  srv->api = api;
  if (cfg != NULL) srv->cfg = *cfg;
  else xb_session_config_default(&srv->cfg);
  if (srv->cfg.batch_max == 0) srv->cfg.batch_max = 1000;
  xb_server_set_clock(srv, NULL, NULL);
  xb_buf_init(&srv->ctrl, 0);
  xb_buf_init(&srv->body, 0);
  xb_buf_init(&srv->render, 0);
  xb_sess_handlers(&srv->handlers);
  srv->secure_handlers.on_accept = xb_srv_secure_accept;
  srv->secure_handlers.on_data = srv->handlers.on_data;
  srv->secure_handlers.on_timeout = xb_srv_secure_timeout;
  srv->secure_handlers.on_close = xb_srv_secure_close;
  if (!xb_srv_hdr_room(srv) || xb_loop_add_before_sleep(loop, xb_srv_hook_commit, srv) < 0) {
    free(srv->hdr);
    free(srv);
    return NULL;
  }
  xb_net_config nc;
  xb_net_config_defaults(&nc);
  nc.max_conns = srv->cfg.max_connections;
  nc.in_cap = srv->cfg.max_packet + XB_MQTT_MAX_FIXED_HEADER;
  nc.out_max = srv->cfg.output_queue;
  nc.slow_grace_ms = (uint64_t)srv->cfg.slow_grace * 1000u;
  srv->net = xb_net_create(loop, &nc);
  if (srv->net == NULL || xb_loop_add_before_sleep(loop, xb_srv_hook_after, srv) < 0) {
    if (srv->net != NULL) xb_net_destroy(srv->net);
    xb_loop_remove_before_sleep(loop, xb_srv_hook_commit, srv);
    free(srv->hdr);
    free(srv);
    return NULL;
  }
  srv->hooks_added = true;
  return srv;
}

xb_listener *xb_server_listen(xb_server *srv, const char *addr) {
  if (srv->stopped) return NULL;
  return xb_net_listen(srv->net, addr, &srv->handlers, srv);
}

xb_conn *xb_server_adopt(xb_server *srv, int fd) {
  if (srv->stopped) return NULL;
  return xb_net_adopt(srv->net, fd, &srv->handlers, srv);
}

xb_net *xb_server_net(xb_server *srv) { return srv->net; }
const xb_session_config *xb_server_config(const xb_server *srv) { return &srv->cfg; }

void xb_server_get_stats(const xb_server *srv, xb_server_stats *out) {
  *out = srv->st;
  out->groups = (uint32_t)srv->groups.n;
  out->pending = srv->nitems;
}

void xb_srv_sess_release(xb_server *srv, xb_sess *s) {
  s->conn = NULL;
  s->dead = true;
  xb_srv_client_del(srv, s);
  srv->st.sessions--;
  s->next_dead = srv->dead;
  srv->dead = s;
  /* Freed at once when nothing pending refers to it, else after the next flush. */
  if (s->pending_items == 0) xb_srv_free_dead(srv);
}

void xb_server_shutdown(xb_server *srv) {
  if (srv == NULL || srv->stopped) return;
  /* XB-STORE-16: the pending batch is committed before the store is closed. */
  if (srv->batch_open) {
    srv->batch_open = false;
    if (xb_api_batch_commit(srv->api) != 0)
      xb_slog(XB_LOG_ERROR, "store-error", NULL, NULL, 0, NULL, NULL, 0, false,
              "commit at shutdown failed");
  }
  /* XB-SCOPE-12: connections are closed without sending anything more. */
  for (size_t i = 0; i < srv->nitems; i++) {
    xb_item *it = &srv->items[i];
    if (it->kind == XB_IT_DELIVERY) {
      xb_blob_unref(it->blob);
      xb_sub_unref(it->sub);
    }
    it->s->pending_items--;
  }
  srv->nitems = 0;
  srv->stopped = true; /* on_close of SHUTDOWN fires no will (XB-WILL-6) */
  for (int k = 0; k < 2; k++) {
    while (srv->paused[k] != NULL) {
      xb_sess *s = srv->paused[k];
      srv->paused[k] = s->next_paused;
      s->next_paused = NULL;
    }
  }
  xb_net_destroy(srv->net);
  srv->net = NULL;
  xb_srv_free_dead(srv);
}

void xb_server_destroy(xb_server *srv) {
  if (srv == NULL) return;
  xb_server_shutdown(srv);
  if (srv->hooks_added) {
    xb_loop_remove_before_sleep(srv->loop, xb_srv_hook_commit, srv);
    xb_loop_remove_before_sleep(srv->loop, xb_srv_hook_after, srv);
  }
  xb_subs_free_index(srv);
  xb_htab_free(&srv->clients);
  free(srv->items);
  free(srv->hdr);
  xb_buf_free(&srv->ctrl);
  xb_buf_free(&srv->body);
  xb_buf_free(&srv->render);
  free(srv);
}
