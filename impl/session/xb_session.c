/*
 * xb_session.c — one MQTT connection: the packet state machine (spec/mqtt.md), CONNECT
 * checks in the order of spec/errors.md XB-ERR-5, PUBLISH as an API write
 * (spec/mapping.md), QoS 1 / 2 acknowledgements, keep alive, takeover and the last will
 * (spec/will.md).
 *
 * Closing: the session decides, logs and fires the will at the moment it decides
 * (xb_sess_abort), so the will runs in the same batch as the requests that preceded it
 * (XB-WILL-7); closes the net layer detects (end of stream, socket errors) arrive in
 * on_close, where the will fires too. A session whose state is CLOSING processes no
 * more input.
 */
#include "session/xb_sess_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ helpers */

static void xb_sess_ctrl_ack(xb_sess *s, uint8_t kind, uint8_t type, uint16_t id) {
  uint8_t b[4];
  size_t w = 0;
  if (xb_mqtt_encode_ack(b, sizeof b, type, id, &w) == XB_MQTT_OK)
    xb_srv_ctrl(s->srv, s, kind, b, w);
}

static void xb_sess_connack(xb_sess *s, uint8_t code) {
  uint8_t b[4];
  size_t w = 0;
  if (xb_mqtt_encode_connack(b, sizeof b, false, code, &w) != XB_MQTT_OK) return;
  /* XB-MQTT-35: after a refusal nothing more is processed; the CONNACK goes out after
   * the turn's commit like every response, then the connection closes. */
  xb_srv_ctrl(s->srv, s, code == 0 ? XB_IT_CTRL : XB_IT_CTRL_CLOSE, b, w);
  if (code != 0) {
    s->state = XB_SS_CLOSING;
    if (s->conn != NULL) xb_conn_pause_read(s->conn, true);
  }
}

void xb_sess_abort(xb_sess *s, const char *reason, const char *detail) {
  if (s->state == XB_SS_CLOSING || s->dead) return;
  bool connected = s->state == XB_SS_CONNECTED;
  s->state = XB_SS_CLOSING;
  if (reason != NULL)
    xb_slog(xb_reason_level(reason), reason, s, s->key, s->key_len, NULL, NULL, 0, false,
            detail);
  /* A closing connection is no longer the live holder of its client id (XB-MQTT-36). */
  xb_srv_client_del(s->srv, s);
  if (connected) xb_sess_fire_will(s); /* XB-WILL-4 */
  if (s->conn != NULL) xb_conn_close(s->conn, XB_CLOSE_NOW);
}

void xb_sess_fire_will(xb_sess *s) {
  if (!s->will_armed) return;
  s->will_armed = false; /* XB-WILL-12: at most once */
  xb_server *srv = s->srv;
  if (srv->stopped) return; /* XB-WILL-6 */
  srv->st.wills++;
  bool store_error = false;
  /* XB-WILL-8: a PUBLISH of the connection, authorized now; XB-WILL-9: QoS ignored. */
  xb_sess_write(s, s->will_topic, s->will_topic_len, s->will_topic + s->will_topic_len,
                s->will_msg_len, true, 0, 0, &store_error);
}

static bool xb_sess_qos2_has(const xb_sess *s, uint16_t id) {
  return s->qos2 != NULL && (s->qos2[id / 8] & (1u << (id % 8))) != 0;
}

static bool xb_sess_qos2_set(xb_sess *s, uint16_t id, bool on) {
  if (s->qos2 == NULL) {
    if (!on) return true;
    s->qos2 = calloc(65536 / 8, 1); /* only connections that use QoS 2 pay for it */
    if (s->qos2 == NULL) return false;
  }
  uint8_t bit = (uint8_t)(1u << (id % 8));
  bool was = (s->qos2[id / 8] & bit) != 0;
  if (on && !was) {
    s->qos2[id / 8] |= bit;
    s->nqos2++;
  } else if (!on && was) {
    s->qos2[id / 8] &= (uint8_t)~bit;
    s->nqos2--;
  }
  return true;
}

/* ------------------------------------------------------------------ writes */

/* The request key of a write (XB-AUTH-10, XB-AUTH-14). */
static void xb_req_key(const xb_sess *s, const xb_topic *t, const uint8_t *topic,
                       const char **key, size_t *len) {
#ifdef XB_MUT_PREFIX_IGNORED /* seeded fault, make conform-mutants only */
  if (false && t->key.len > 0) {
#else
  if (t->key.len > 0) {
#endif
    *key = (const char *)topic + t->key.off;
    *len = t->key.len;
  } else {
    *key = s->key_len > 0 ? s->key : NULL;
    *len = s->key_len;
  }
}

/* A successful write to keys or users may change what any key may read. */
static bool xb_write_touches_keys(const xb_topic *t) {
  return t->resource == XB_TOPIC_KEYS || t->resource == XB_TOPIC_KEY ||
         t->resource == XB_TOPIC_USERS || t->resource == XB_TOPIC_USER;
}

/*
 * XB-MAP-9 for a PUBLISH or will: the topic (step 1) here, the rest in the engine. The
 * acknowledgement (ack = PUBACK or PUBREC type, 0 for none) is appended before the
 * notifications of the write, so the writer sees it first (XB-MAP-18), and only when
 * the request did not fail on the store (XB-ERR-45).
 */
int xb_sess_write(xb_sess *s, const uint8_t *topic, size_t tlen, const uint8_t *payload,
                  size_t plen, bool will, uint8_t ack, uint16_t pid, bool *store_error) {
  xb_server *srv = s->srv;
  const char *op = will ? "will" : "publish";
  *store_error = false;
  xb_srv_request(srv);
  xb_topic t;
  xb_topic_status ts = xb_topic_parse(topic, tlen, srv->cfg.max_topic, &t);
  if (ts != XB_TOPIC_OK) {
    const char *reason = xb_topic_reason(ts);
    if (ts == XB_TOPIC_WILDCARD) reason = "not-api-topic"; /* unreachable: the codec closes */
    const char *key = NULL;
    size_t klen = 0;
    if (xb_topic_status_is_query(ts)) xb_req_key(s, &t, topic, &key, &klen);
    else if (s->key_len > 0) key = s->key, klen = s->key_len;
    xb_slog(XB_LOG_WARN, reason, s, key, klen, op, topic, tlen, will, xb_topic_status_str(ts));
    if (ack != 0) xb_sess_ctrl_ack(s, XB_IT_ACK_WRITE, ack, pid); /* XB-TOPIC-34 */
    return 404;
  }
  if (!srv->batch_open) {
    /* The batch could not be opened (store locked or failing): writing outside it would
     * wait on the store again for every request, stalling every connection. */
    xb_slog(XB_LOG_ERROR, "store-error", s, s->key, s->key_len, op, topic, tlen, will,
            "no batch transaction: not executed");
    *store_error = true; /* XB-ERR-45 */
    return 500;
  }
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = t.collection ? XB_API_POST : XB_API_PUT; /* XB-MAP-3 */
  req.topic = &t;
  req.topic_bytes = topic;
  req.payload = payload;
  req.payload_len = plen;
  xb_req_key(s, &t, topic, &req.key, &req.key_len);
  req.client_ip = s->ip;
  req.now = xb_srv_now(srv);
  xb_api_response resp;
  memset(&resp, 0, sizeof resp);
  int status = xb_api_execute(srv->api, &req, &resp);
  if (resp.reason != NULL) {
    bool se = strcmp(resp.reason, "store-error") == 0;
    xb_slog(xb_reason_level(resp.reason), resp.reason, s, req.key, req.key_len, op, topic,
            tlen, will, resp.detail);
    if (se) {
      *store_error = true;
      return status;
    }
    if (ack != 0) xb_sess_ctrl_ack(s, XB_IT_ACK_WRITE, ack, pid); /* XB-MAP-16 */
    return status;
  }
  if (xb_log_enabled(XB_LOG_DEBUG)) {
    char d[128];
    snprintf(d, sizeof d, "status=%d%s%s", status, resp.created[0] ? " created=" : "",
             resp.created);
    xb_slog(XB_LOG_DEBUG, "request-ok", s, req.key, req.key_len, op, topic, tlen, will, d);
  }
  if (ack != 0) xb_sess_ctrl_ack(s, XB_IT_ACK_WRITE, ack, pid);
  if (xb_write_touches_keys(&t)) srv->authz_epoch++;
  xb_subs_notify(srv, &resp.changes); /* XB-SUB-12, XB-WILL-11 */
  return status;
}

/* ------------------------------------------------------------------ CONNECT */

static bool xb_proto_name_known(const uint8_t *body, size_t len) {
  if (len < 2) return false;
  size_t n = (size_t)body[0] << 8 | body[1];
  if (len < 2 + n) return false;
  return (n == 4 && memcmp(body + 2, "MQTT", 4) == 0) ||
         (n == 6 && memcmp(body + 2, "MQIsdp", 6) == 0);
}

/* XB-LIM-7: the keep alive enforced. */
static uint32_t xb_keepalive(const xb_session_config *cfg, uint32_t k) {
  if (k == 0) return cfg->keepalive_max >= 65535 ? 0 : cfg->keepalive_max;
  if (k < cfg->keepalive_min) k = cfg->keepalive_min;
  if (k > cfg->keepalive_max) k = cfg->keepalive_max;
  return k;
}

/* XB-WILL-3: tell at CONNECT why a will would be dropped when fired. */
static void xb_will_report(xb_sess *s) {
  xb_topic t;
  xb_topic_status ts = xb_topic_parse(s->will_topic, s->will_topic_len, s->srv->cfg.max_topic, &t);
  const char *why = NULL;
  if (ts != XB_TOPIC_OK) why = xb_topic_reason(ts);
  else if (t.has_query) why = "bad-query";
  else if (s->will_msg_len > s->srv->cfg.max_payload) why = "payload-too-large";
  if (why != NULL)
    xb_slog(XB_LOG_WARN, "will-unusable", s, s->key, s->key_len, "connect", s->will_topic,
            s->will_topic_len, true, why);
}

static bool xb_assign_id(xb_sess *s) {
  char buf[64];
  xb_server *srv = s->srv;
  int n;
  do { /* XB-MQTT-30: unique among the live client ids */
    n = snprintf(buf, sizeof buf, "xbridge-%llu-%llu", (unsigned long long)s->id,
                 (unsigned long long)++srv->assign_seq);
  } while (xb_srv_client_find(srv, buf, (size_t)n) != NULL);
  s->client_id = malloc((size_t)n + 1);
  if (s->client_id == NULL) return false;
  memcpy(s->client_id, buf, (size_t)n + 1);
  s->client_id_len = (uint32_t)n;
  return true;
}

static void xb_refuse(xb_sess *s, uint8_t code, const char *reason, const char *key,
                      size_t klen, const char *detail) {
  xb_slog(xb_reason_level(reason), reason, s, key, klen, "connect", NULL, 0, false, detail);
  xb_sess_connack(s, code);
}

static void xb_handle_connect(xb_sess *s, const uint8_t *body, size_t len, uint8_t flags) {
  xb_server *srv = s->srv;
  xb_mqtt_connect cn;
  memset(&cn, 0, sizeof cn);
  xb_mqtt_status st = xb_mqtt_decode_connect(body, len, flags, &cn);
  char d[96];
  /* XB-ERR-5: name (close), level (01), rest (close), client id (02), limit (03), key (04). */
  if (st == XB_MQTT_MALFORMED || (st != XB_MQTT_OK && st != XB_MQTT_BAD_PROTOCOL &&
                                  st != XB_MQTT_BAD_CLIENT_ID)) {
    xb_sess_abort(s, xb_proto_name_known(body, len) ? "malformed-packet" : "bad-protocol-name",
                  "CONNECT");
    return;
  }
  if (st == XB_MQTT_BAD_PROTOCOL) {
    snprintf(d, sizeof d, "level=%u", cn.level);
    xb_refuse(s, XB_CONNACK_BAD_PROTOCOL, "bad-protocol-level", NULL, 0, d); /* XB-MQTT-19 */
    return;
  }
  size_t idlen = cn.client_id.len;
  /* Known from here on, so refusals name the client (spec/errors.md §1 client=). */
  if (idlen > 0) {
    s->client_id = malloc(idlen + 1);
    if (s->client_id == NULL) {
      xb_sess_abort(s, "socket-error", "out of memory");
      return;
    }
    memcpy(s->client_id, body + cn.client_id.off, idlen);
    s->client_id[idlen] = '\0';
    s->client_id_len = (uint32_t)idlen;
  }
  if (st == XB_MQTT_BAD_CLIENT_ID || (cn.level == XB_MQTT_LEVEL_311 && idlen > srv->cfg.max_client_id)) {
    snprintf(d, sizeof d, "level=%u length=%zu clean=%d", cn.level, idlen, cn.clean_session);
    xb_refuse(s, XB_CONNACK_ID_REJECTED, "bad-client-id", NULL, 0, d); /* XB-MQTT-28..31 */
    return;
  }
  const char *user = (const char *)body + cn.username.off;
  size_t ulen = cn.username_flag ? cn.username.len : 0;
  if (s->over_limit) {
    xb_refuse(s, XB_CONNACK_UNAVAILABLE, "server-full", NULL, 0, NULL); /* XB-LIM-4 */
    return;
  }
  if (cn.username_flag) {
    /* XB-AUTH-1..3: existence and expiry only (XB-AUTH-6); the password is ignored. */
    xb_api_key_state ks = xb_api_key_check(srv->api, user, ulen, xb_srv_now(srv));
    if (ks == XB_API_KEY_UNKNOWN || ulen == 0) {
#ifdef XB_MUT_CONNACK_05 /* seeded fault, make conform-mutants only */
      xb_refuse(s, XB_CONNACK_NOT_AUTHORIZED, "unknown-key", user, ulen, NULL);
#else
      xb_refuse(s, XB_CONNACK_BAD_CREDENTIALS, "unknown-key", user, ulen, NULL);
#endif
      return;
    }
    if (ks == XB_API_KEY_EXPIRED) {
      xb_refuse(s, XB_CONNACK_BAD_CREDENTIALS, "expired-key", user, ulen, NULL);
      return;
    }
    if (ks != XB_API_KEY_VALID) {
      xb_refuse(s, XB_CONNACK_UNAVAILABLE, "store-error", user, ulen, "key lookup failed");
      return;
    }
    memcpy(s->key, user, ulen);
    s->key[ulen] = '\0';
    s->key_len = (uint32_t)ulen;
  }
  /* Accepted. */
  if (idlen == 0 && !xb_assign_id(s)) {
    xb_sess_abort(s, "socket-error", "out of memory");
    return;
  }
  if (cn.will_flag) {
    s->will_topic = malloc(cn.will_topic.len + cn.will_payload.len + 1);
    if (s->will_topic == NULL) {
      xb_sess_abort(s, "socket-error", "out of memory");
      return;
    }
    memcpy(s->will_topic, body + cn.will_topic.off, cn.will_topic.len);
    memcpy(s->will_topic + cn.will_topic.len, body + cn.will_payload.off, cn.will_payload.len);
    s->will_topic_len = cn.will_topic.len;
    s->will_msg_len = cn.will_payload.len;
  }
  /* XB-MQTT-36, XB-WILL-7: the older connection's will runs in this batch, before the
   * CONNACK below, which is sent only after the commit. */
  xb_sess *old = xb_srv_client_find(srv, s->client_id, s->client_id_len);
  if (old != NULL) {
    snprintf(d, sizeof d, "replaced by conn %llu", (unsigned long long)s->id);
    xb_sess_abort(old, "takeover", d); /* XB-ERR-31, XB-AUTH-8 */
  }
  if (!xb_srv_client_add(srv, s)) {
    xb_sess_abort(s, "socket-error", "out of memory");
    return;
  }
  s->level = cn.level;
  s->state = XB_SS_CONNECTED;
  s->will_armed = cn.will_flag; /* XB-WILL-1 */
  uint32_t k = xb_keepalive(&srv->cfg, cn.keepalive);
  s->keepalive_ms = (uint64_t)k * 1500u; /* XB-MQTT-37 */
#ifdef XB_MUT_NO_KEEPALIVE /* seeded fault, make conform-mutants only */
  s->keepalive_ms = 0;
#endif
  xb_conn_set_deadline(s->conn, s->keepalive_ms);
  xb_sess_connack(s, XB_CONNACK_ACCEPTED); /* XB-MQTT-34 */
  snprintf(d, sizeof d, "level=%u keepalive=%u clean=%d will=%d", cn.level, k,
           cn.clean_session ? 1 : 0, cn.will_flag ? 1 : 0);
  xb_slog(XB_LOG_INFO, "connect", s, s->key, s->key_len, "connect", NULL, 0, false, d);
  if (cn.will_flag) xb_will_report(s);
}

/* ------------------------------------------------------------------ other packets */

static void xb_handle_publish(xb_sess *s, const uint8_t *body, size_t len, uint8_t flags) {
  xb_mqtt_publish p;
  if (xb_mqtt_decode_publish(body, len, flags, &p) != XB_MQTT_OK) {
    xb_sess_abort(s, "malformed-packet", "PUBLISH"); /* XB-ERR-10..13, XB-ERR-26 */
    return;
  }
  uint8_t ack = 0;
  if (p.qos == 1) ack = XB_MQTT_PUBACK;
  if (p.qos == 2) {
#ifdef XB_MUT_QOS2_TWICE /* seeded fault, make conform-mutants only */
    if (false && xb_sess_qos2_has(s, p.packet_id)) {
#else
    if (xb_sess_qos2_has(s, p.packet_id)) {
#endif
      /* XB-MQTT-41: not executed again, answered again. */
      xb_sess_ctrl_ack(s, XB_IT_CTRL, XB_MQTT_PUBREC, p.packet_id);
      return;
    }
    if (s->nqos2 >= s->srv->cfg.max_inflight_qos2) {
      char d[64];
      snprintf(d, sizeof d, "%u awaiting PUBREL", s->nqos2);
      xb_sess_abort(s, "too-many-inflight", d); /* XB-LIM-6 */
      return;
    }
    if (!xb_sess_qos2_set(s, p.packet_id, true)) {
      xb_sess_abort(s, "socket-error", "out of memory");
      return;
    }
    ack = XB_MQTT_PUBREC;
  }
  bool store_error = false;
  /* XB-MAP-19, XB-MAP-20: RETAIN and DUP change nothing. */
  xb_sess_write(s, body + p.topic.off, p.topic.len, body + p.payload.off, p.payload.len,
                    false, ack, p.packet_id, &store_error);
  if (store_error && p.qos > 0) {
    /* XB-ERR-45: not acknowledged, closed so that the client sends it again. */
    if (p.qos == 2) xb_sess_qos2_set(s, p.packet_id, false);
    xb_sess_abort(s, NULL, NULL);
  }
}

static void xb_handle_packet(xb_sess *s, const xb_mqtt_frame *fr, const uint8_t *body) {
  size_t len = fr->remaining_len;
  uint16_t id = 0;
  if (s->state == XB_SS_WAIT_CONNECT) {
    if (fr->type == XB_MQTT_CONNECT) xb_handle_connect(s, body, len, fr->flags);
    else xb_sess_abort(s, "protocol-violation", "first packet is not CONNECT"); /* XB-MQTT-15 */
    return;
  }
  switch (fr->type) {
    case XB_MQTT_CONNECT:
      xb_sess_abort(s, "protocol-violation", "second CONNECT"); /* XB-MQTT-16, XB-ERR-16 */
      return;
    case XB_MQTT_PUBLISH:
      xb_handle_publish(s, body, len, fr->flags);
      return;
    case XB_MQTT_PUBREL:
      if (xb_mqtt_decode_ack(fr->type, body, len, fr->flags, &id) != XB_MQTT_OK) break;
      xb_sess_qos2_set(s, id, false);
      xb_sess_ctrl_ack(s, XB_IT_CTRL, XB_MQTT_PUBCOMP, id); /* XB-MQTT-41 */
      return;
    case XB_MQTT_PUBACK:
    case XB_MQTT_PUBREC:
    case XB_MQTT_PUBCOMP:
      if (xb_mqtt_decode_ack(fr->type, body, len, fr->flags, &id) != XB_MQTT_OK) break;
      xb_slog(XB_LOG_WARN, "unexpected-packet", s, s->key, s->key_len, NULL, NULL, 0, false,
              fr->type == XB_MQTT_PUBACK ? "PUBACK" : fr->type == XB_MQTT_PUBREC ? "PUBREC"
                                                                             : "PUBCOMP");
      return; /* XB-MQTT-43, XB-ERR-29 */
    case XB_MQTT_SUBSCRIBE: {
      xb_mqtt_subscribe sub;
      if (xb_mqtt_decode_subscribe(body, len, fr->flags, &sub) != XB_MQTT_OK) break;
      xb_subs_subscribe(s, body, len, &sub);
      return;
    }
    case XB_MQTT_UNSUBSCRIBE: {
      xb_mqtt_subscribe uns;
      if (xb_mqtt_decode_unsubscribe(body, len, fr->flags, &uns) != XB_MQTT_OK) break;
      xb_subs_unsubscribe(s, body, len, &uns);
      return;
    }
    case XB_MQTT_PINGREQ: {
      uint8_t b[2];
      size_t w = 0;
      if (xb_mqtt_encode_pingresp(b, sizeof b, &w) == XB_MQTT_OK)
        xb_srv_ctrl(s->srv, s, XB_IT_CTRL, b, w); /* XB-MQTT-53 */
      return;
    }
    case XB_MQTT_DISCONNECT:
      /* XB-MQTT-54, XB-WILL-5: the will is discarded; what is pending still goes out. */
#ifdef XB_MUT_WILL_ON_DISCONNECT /* seeded fault, make conform-mutants only */
      xb_sess_fire_will(s);
#endif
      s->will_armed = false;
      s->state = XB_SS_CLOSING;
      xb_srv_client_del(s->srv, s);
      xb_slog(XB_LOG_INFO, "disconnect", s, s->key, s->key_len, NULL, NULL, 0, false, NULL);
      xb_srv_ctrl(s->srv, s, XB_IT_CTRL_CLOSE, (const uint8_t *)"", 0);
      if (s->conn != NULL) xb_conn_pause_read(s->conn, true);
      return;
    default:
      break;
  }
  xb_sess_abort(s, "malformed-packet", NULL);
}

/* ------------------------------------------------------------------ callbacks */

static int xb_on_accept(xb_conn *c, bool over_limit, void *arg) {
  xb_server *srv = arg;
  if (srv->stopped) return -1;
  xb_sess *s = calloc(1, sizeof *s);
  if (s == NULL) return -1;
  s->srv = srv;
  s->conn = c;
  s->id = xb_conn_id(c);
  s->over_limit = over_limit;
  const char *peer = xb_conn_peer(c);
  snprintf(s->ip, sizeof s->ip, "%s", peer != NULL ? peer : "");
  xb_conn_set_user(c, s);
  xb_conn_set_deadline(c, (uint64_t)srv->cfg.connect_timeout * 1000u); /* XB-MQTT-17 */
  srv->st.sessions++;
  srv->st.connections++;
  return 0;
}

/* XB-STORE-12: s has a complete request that does not fit in the batch. Held back
 * sessions resume in round robin: first those that got nothing in this batch, in the
 * order they were held back, then those that got some (served). Resumed last-in
 * first-out as before, the connections read in the turn itself came first every time:
 * in the 100-feed benchmark 80 of 100 publishers waited seconds while 20 were served. */
static void xb_sess_pause(xb_sess *s, bool served) {
  if (s->paused) return;
  s->paused = true;
  xb_conn_pause_read(s->conn, true);
  xb_server *srv = s->srv;
  int k = served ? 1 : 0;
  if (srv->paused[k] == NULL) srv->paused_tail[k] = &srv->paused[k];
  s->next_paused = NULL;
  *srv->paused_tail[k] = s;
  srv->paused_tail[k] = &s->next_paused;
}

static void xb_on_data(xb_conn *c, void *user) {
  xb_sess *s = user;
  xb_server *srv = s->srv;
  if (srv->stopped) return;
  bool served = false; /* a packet of s was handled in this call (xb_sess_pause) */
  while (s->state != XB_SS_CLOSING) {
    size_t len = 0;
    const uint8_t *in = xb_conn_in(c, &len);
    if (len == 0) break;
    xb_mqtt_frame fr;
    xb_mqtt_status st = xb_mqtt_frame_parse(in, len, srv->cfg.max_packet, &fr);
    if (st == XB_MQTT_NEED_MORE) {
      if (xb_conn_in_full(c)) xb_sess_abort(s, "packet-too-large", NULL);
      break;
    }
    if (st == XB_MQTT_TOO_LARGE) {
      char d[80];
      snprintf(d, sizeof d, "size=%zu max=%zu", fr.total_len, srv->cfg.max_packet);
      xb_sess_abort(s, "packet-too-large", d); /* XB-LIM-1, XB-MQTT-5 */
      break;
    }
    if (st != XB_MQTT_OK) {
      xb_sess_abort(s, "malformed-packet", "framing"); /* XB-MQTT-4, XB-ERR-6..9 */
      break;
    }
    /* XB-STORE-12: a full batch leaves further requests for the next turn. */
    if (s->state == XB_SS_CONNECTED && srv->batch_requests >= srv->cfg.batch_max &&
        (fr.type == XB_MQTT_PUBLISH || fr.type == XB_MQTT_SUBSCRIBE)) {
      xb_sess_pause(s, served);
      break;
    }
    served = true;
    xb_handle_packet(s, &fr, in + fr.header_len);
    xb_conn_in_consume(c, fr.total_len);
    /* XB-MQTT-37: every complete packet restarts the keep-alive clock. */
    if (s->state == XB_SS_CONNECTED && s->keepalive_ms > 0) xb_conn_set_deadline(c, s->keepalive_ms);
  }
}

static void xb_on_timeout(xb_conn *c, xb_timeout_kind kind, void *user) {
  xb_sess *s = user;
  if (kind == XB_TIMEOUT_SLOW) {
    char d[64];
    snprintf(d, sizeof d, "queued=%zu", xb_conn_out_pending(c));
    xb_sess_abort(s, "slow-subscriber", d); /* XB-SUB-29 */
    return;
  }
  if (s->state == XB_SS_WAIT_CONNECT) {
    xb_sess_abort(s, "connect-timeout", NULL); /* XB-MQTT-17, XB-ERR-23 */
  } else if (s->state == XB_SS_CONNECTED) {
    xb_sess_abort(s, "keepalive-timeout", NULL); /* XB-MQTT-37, XB-ERR-25 */
  }
}

static void xb_on_close(xb_conn *c, xb_close_reason reason, int err, void *user) {
  (void)c;
  xb_sess *s = user;
  xb_server *srv = s->srv;
  if (s->state != XB_SS_CLOSING && reason != XB_CLOSE_SHUTDOWN) {
    /* Ended by the peer or the socket (XB-TRANS-24, XB-ERR-30). */
    const char *why = reason == XB_CLOSE_PEER ? "peer-closed" : "socket-error";
    const char *detail = NULL;
    if (reason == XB_CLOSE_ERROR) detail = strerror(err);
    else if (reason == XB_CLOSE_TIMEOUT) detail = "timeout";
    else if (reason == XB_CLOSE_LINGER) detail = "output not written in time";
    xb_sess_abort(s, why, detail);
  }
  s->state = XB_SS_CLOSING;
  s->will_armed = false;
  xb_subs_drop_all(s); /* XB-SUB-26 */
  if (s->paused) {
    for (int k = 0; k < 2; k++) {
      for (xb_sess **pp = &srv->paused[k]; *pp != NULL; pp = &(*pp)->next_paused) {
        if (*pp == s) {
          *pp = s->next_paused;
          if (s->next_paused == NULL) srv->paused_tail[k] = pp;
          k = 2;
          break;
        }
      }
    }
    s->paused = false;
  }
  xb_srv_sess_release(srv, s);
}

void xb_sess_handlers(xb_conn_handlers *h) {
  h->on_accept = xb_on_accept;
  h->on_data = xb_on_data;
  h->on_timeout = xb_on_timeout;
  h->on_close = xb_on_close;
}
