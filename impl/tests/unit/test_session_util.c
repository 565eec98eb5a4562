/* test_session_util.c — see test_session_util.h (no suite here). */
#include "test_session_util.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/xb_log.h"
#include "topic/xb_topic.h"
#include "xb_test_util.h"

ts_ctx TS;

/* Bytes received per test fd, until they form whole packets. */
typedef struct {
  uint8_t *p;
  size_t len, cap;
  bool eof;
} ts_in;

#define TS_MAX_FD 1024
static ts_in g_in[TS_MAX_FD];

static uint64_t ts_clock(void *arg) { return *(uint64_t *)arg; }
static int64_t ts_req_clock(void *arg) { return *(int64_t *)arg; }

void ts_setup_cfg(const xb_session_config *cfg) {
  memset(&TS, 0, sizeof TS);
  memset(g_in, 0, sizeof g_in);
  snprintf(TS.dir, sizeof TS.dir, "/tmp/xbsess-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(TS.dir));
  snprintf(TS.path, sizeof TS.path, "%s/s.db", TS.dir);
  xb_api_config ac;
  xb_api_config_default(&ac);
  ac.synchronous = 1; /* tests need no fsync */
  ac.quick_check = false;
  char err[256] = "";
  TS.api = xb_api_open(TS.path, &ac, err, sizeof err, NULL);
  ck_assert_msg(TS.api != NULL, "open: %s", err);
  TS.now_us = 1366718400000000LL; /* 2013-04-23T12:00:00Z */
  ck_assert_int_eq(xb_api_admin_add_user(TS.api, "alice", false, NULL, TS.now_us, TS.alice, err,
                                         sizeof err), 201);
  ck_assert_int_eq(xb_api_admin_add_user(TS.api, "bob", false, NULL, TS.now_us, TS.bob, err,
                                         sizeof err), 201);
  ck_assert_int_eq(xb_api_admin_add_feed(TS.api, "alice", 0, "pub", false, TS.now_us, &TS.pub,
                                         err, sizeof err) / 100, 2);
  ck_assert_int_eq(xb_api_admin_add_feed(TS.api, "alice", 0, "priv", true, TS.now_us, &TS.priv,
                                         err, sizeof err) / 100, 2);
  ck_assert_int_eq(xb_api_admin_add_datastream(TS.api, "alice", TS.pub, "temp", TS.now_us, err,
                                               sizeof err) / 100, 2);
  ck_assert_int_eq(xb_api_admin_add_datastream(TS.api, "alice", TS.priv, "temp", TS.now_us, err,
                                               sizeof err) / 100, 2);
  xb_api_admin_perm perm = {XB_M_GET | XB_M_PUT | XB_M_POST, NULL, TS.pub, NULL};
  ck_assert_int_eq(xb_api_admin_add_key(TS.api, "alice", NULL, "device", true, &perm, 1,
                                        TS.now_us, TS.dev, err, sizeof err) / 100, 2);
  /* Every line is formatted (debug level) but nobody reads them. */
  xb_log_open("/dev/null");
  xb_log_set_level(XB_LOG_DEBUG);
  TS.loop = xb_loop_create(XB_LOOP_DEFAULT, 1024);
  ck_assert_ptr_nonnull(TS.loop);
  TS.clock_ms = 1000000;
  xb_loop_set_clock(TS.loop, ts_clock, &TS.clock_ms);
  TS.srv = xb_server_create(TS.loop, TS.api, cfg);
  ck_assert_ptr_nonnull(TS.srv);
  xb_server_set_clock(TS.srv, ts_req_clock, &TS.now_us);
}

void ts_setup(void) { ts_setup_cfg(NULL); }

void ts_teardown(void) {
  xb_server_destroy(TS.srv);
  xb_api_close(TS.api);
  xb_loop_destroy(TS.loop);
  for (int i = 0; i < TS_MAX_FD; i++) {
    if (g_in[i].p != NULL || g_in[i].eof) {
      free(g_in[i].p);
      close(i);
    }
  }
  memset(g_in, 0, sizeof g_in);
  const char *n[] = {"s.db", "s.db-wal", "s.db-shm", "s.db.lock"};
  for (size_t i = 0; i < 4; i++) {
    char p[200];
    snprintf(p, sizeof p, "%s/%s", TS.dir, n[i]);
    unlink(p);
  }
  rmdir(TS.dir);
  xb_blob_pool_trim();
  xb_log_close();
  xb_log_set_level(XB_LOG_INFO);
}

void ts_turns(int n) {
  for (int i = 0; i < n; i++) ck_assert_int_ge(xb_loop_run_once(TS.loop, 0), 0);
}

void ts_advance(uint64_t ms) {
  /* In ticks, so the deadline wheel sees every slot go by. */
  while (ms > 0) {
    uint64_t step = ms < 100 ? ms : 100;
    TS.clock_ms += step;
    ms -= step;
    ts_turns(1);
  }
  ts_turns(3);
}

int ts_adopt(void) {
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_lt(sv[1], TS_MAX_FD);
  ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
  if (TS.sndbuf > 0) setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &TS.sndbuf, sizeof TS.sndbuf);
  TS.last_conn = xb_server_adopt(TS.srv, sv[0]);
  ck_assert_ptr_nonnull(TS.last_conn);
  g_in[sv[1]].eof = false;
  if (g_in[sv[1]].p == NULL) {
    g_in[sv[1]].p = malloc(1 << 17);
    g_in[sv[1]].cap = 1 << 17;
  }
  g_in[sv[1]].len = 0;
  return sv[1];
}

void ts_send(int fd, const void *p, size_t n) {
  const uint8_t *b = p;
  while (n > 0) {
    ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ts_turns(1);
      continue;
    }
    if (w < 0) return; /* the server closed: the test checks that separately */
    b += w;
    n -= (size_t)w;
  }
}

void ts_close(int fd) {
  free(g_in[fd].p);
  memset(&g_in[fd], 0, sizeof g_in[fd]);
  close(fd);
}

/* Pull whatever the socket holds into the buffer. */
static void ts_pull(int fd) {
  ts_in *in = &g_in[fd];
  for (;;) {
    if (in->len == in->cap) {
      in->cap *= 2;
      in->p = realloc(in->p, in->cap);
      ck_assert_ptr_nonnull(in->p);
    }
    ssize_t r = recv(fd, in->p + in->len, in->cap - in->len, MSG_DONTWAIT);
    if (r > 0) {
      in->len += (size_t)r;
      continue;
    }
    if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) in->eof = true;
    return;
  }
}

/* A whole packet at the start of the buffer: its size, else 0. */
static size_t ts_frame(const ts_in *in, size_t *hdr, size_t *body) {
  if (in->len < 2) return 0;
  size_t v = 0, mul = 1, i = 1;
  for (;;) {
    if (i >= in->len || i > 4) return 0;
    v += (size_t)(in->p[i] & 0x7f) * mul;
    mul *= 128;
    if ((in->p[i++] & 0x80) == 0) break;
  }
  if (in->len < i + v) return 0;
  *hdr = i;
  *body = v;
  return i + v;
}

int ts_recv(int fd, ts_pkt *p, int max_turns) {
  ts_in *in = &g_in[fd];
  for (int t = 0; t <= max_turns; t++) {
    ts_pull(fd);
    size_t hdr = 0, body = 0, total = ts_frame(in, &hdr, &body);
    if (total > 0) {
      ck_assert_uint_le(body, sizeof p->body);
      p->type = in->p[0] >> 4;
      p->flags = in->p[0] & 0x0f;
      memcpy(p->body, in->p + hdr, body);
      p->len = body;
      memmove(in->p, in->p + total, in->len - total);
      in->len -= total;
      return 1;
    }
    if (in->eof) return -1;
    if (t < max_turns) ts_turns(1);
  }
  return 0;
}

bool ts_closed(int fd, int max_turns) {
  ts_pkt *p = malloc(sizeof *p);
  int r = ts_recv(fd, p, max_turns);
  free(p);
  return r == -1;
}

bool ts_silent(int fd, int max_turns) {
  ts_pkt *p = malloc(sizeof *p);
  int r = ts_recv(fd, p, max_turns);
  free(p);
  return r == 0;
}

void ts_send_connect(int fd, const ts_conn_opts *o) {
  xb_connect_spec c = xb_connect_default(o->level ? o->level : 4);
  const char *id = o->id != NULL ? o->id : "c1";
  c.client_id = XB_U8(id);
  c.client_id_len = strlen(id);
  c.keepalive = o->keepalive;
  c.flags = o->clean ? XB_CF_CLEAN : 0;
  if (o->user != NULL) {
    c.flags |= XB_CF_USERNAME;
    c.has_user = true;
    c.user = XB_U8(o->user);
    c.user_len = strlen(o->user);
  }
  if (o->will_topic != NULL) {
    c.flags |= XB_CF_WILL;
    c.has_will = true;
    c.will_topic = XB_U8(o->will_topic);
    c.will_topic_len = strlen(o->will_topic);
    c.will_msg = XB_U8(o->will_msg != NULL ? o->will_msg : "");
    c.will_msg_len = o->will_msg != NULL ? strlen(o->will_msg) : 0;
  }
  xb_tb body, pkt;
  xb_tb_init(&body);
  xb_tb_init(&pkt);
  xb_connect_body(&body, &c);
  xb_tb_packet(&pkt, 0x10, body.p, body.len);
  ts_send(fd, pkt.p, pkt.len);
  xb_tb_free(&body);
  xb_tb_free(&pkt);
}

int ts_connect_opts(const ts_conn_opts *o) {
  int fd = ts_adopt();
  ts_send_connect(fd, o);
  ts_pkt *p = malloc(sizeof *p);
  ck_assert_int_eq(ts_recv(fd, p, 20), 1);
  ck_assert_uint_eq(p->type, 2);
  ck_assert_uint_eq(p->len, 2);
  ck_assert_uint_eq(p->body[0], 0);
  ck_assert_uint_eq(p->body[1], 0);
  free(p);
  return fd;
}

int ts_connect(const char *id, const char *user) {
  ts_conn_opts o = {4, id, user, 0, true, NULL, NULL};
  return ts_connect_opts(&o);
}

void ts_publish(int fd, unsigned qos, unsigned id, const char *topic, const char *payload) {
  xb_tb body, pkt;
  xb_tb_init(&body);
  xb_tb_init(&pkt);
  xb_tb_cstr(&body, topic);
  if (qos > 0) xb_tb_u16(&body, id);
  xb_tb_bytes(&body, payload, strlen(payload));
  xb_tb_packet(&pkt, 0x30 | (qos << 1), body.p, body.len);
  ts_send(fd, pkt.p, pkt.len);
  xb_tb_free(&body);
  xb_tb_free(&pkt);
}

void ts_subscribe(int fd, unsigned id, const char *filter, ...) {
  xb_tb body, pkt;
  xb_tb_init(&body);
  xb_tb_init(&pkt);
  xb_tb_u16(&body, id);
  va_list ap;
  va_start(ap, filter);
  for (const char *f = filter; f != NULL; f = va_arg(ap, const char *)) {
    xb_tb_cstr(&body, f);
    xb_tb_u8(&body, 1); /* a QoS is asked; 0 is granted (XB-MAP-21) */
  }
  va_end(ap);
  xb_tb_packet(&pkt, 0x82, body.p, body.len);
  ts_send(fd, pkt.p, pkt.len);
  xb_tb_free(&body);
  xb_tb_free(&pkt);
}

void ts_unsubscribe(int fd, unsigned id, const char *filter) {
  xb_tb body, pkt;
  xb_tb_init(&body);
  xb_tb_init(&pkt);
  xb_tb_u16(&body, id);
  xb_tb_cstr(&body, filter);
  xb_tb_packet(&pkt, 0xA2, body.p, body.len);
  ts_send(fd, pkt.p, pkt.len);
  xb_tb_free(&body);
  xb_tb_free(&pkt);
}

void ts_packet0(int fd, unsigned first) {
  uint8_t b[2] = {(uint8_t)first, 0};
  ts_send(fd, b, 2);
}

void ts_ack(int fd, unsigned first, unsigned id) {
  uint8_t b[4] = {(uint8_t)first, 2, (uint8_t)(id >> 8), (uint8_t)id};
  ts_send(fd, b, 4);
}

void ts_expect_suback(int fd, unsigned id, size_t n) {
  ts_pkt *p = malloc(sizeof *p);
  ck_assert_int_eq(ts_recv(fd, p, 20), 1);
  ck_assert_uint_eq(p->type, 9);
  ck_assert_uint_eq(p->flags, 0);
  ck_assert_uint_eq(p->len, 2 + n);
  ck_assert_uint_eq((unsigned)(p->body[0] << 8 | p->body[1]), id);
  for (size_t i = 0; i < n; i++) ck_assert_uint_eq(p->body[2 + i], 0);
  free(p);
}

void ts_expect_ack(int fd, unsigned type, unsigned id) {
  ts_pkt *p = malloc(sizeof *p);
  ck_assert_int_eq(ts_recv(fd, p, 20), 1);
  ck_assert_uint_eq(p->type, type);
  ck_assert_uint_eq(p->flags, 0);
  ck_assert_uint_eq(p->len, 2);
  ck_assert_uint_eq((unsigned)(p->body[0] << 8 | p->body[1]), id);
  free(p);
}

void ts_expect_pingresp(int fd) {
  ts_pkt *p = malloc(sizeof *p);
  ck_assert_int_eq(ts_recv(fd, p, 20), 1);
  ck_assert_uint_eq(p->type, 13);
  ck_assert_uint_eq(p->flags, 0);
  ck_assert_uint_eq(p->len, 0);
  free(p);
}

const char *ts_expect_publish(int fd, const char *topic, bool retain) {
  static char payload[1 << 16];
  ts_pkt *p = malloc(sizeof *p);
  ck_assert_int_eq(ts_recv(fd, p, 20), 1);
  ck_assert_uint_eq(p->type, 3);
  /* XB-MQTT-44: QoS 0, DUP 0, RETAIN as stated. */
  ck_assert_uint_eq(p->flags, retain ? 1u : 0u);
  size_t tl = (size_t)p->body[0] << 8 | p->body[1];
  ck_assert_uint_le(2 + tl, p->len);
  ck_assert_msg(tl == strlen(topic) && memcmp(p->body + 2, topic, tl) == 0,
                "topic %.*s, expected %s", (int)tl, (const char *)p->body + 2, topic);
  size_t n = p->len - 2 - tl;
  memcpy(payload, p->body + 2 + tl, n);
  payload[n] = '\0';
  free(p);
  return payload;
}

const char *ts_get(const char *topic, const char *key) {
  static char text[1 << 16];
  xb_topic t;
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)topic, strlen(topic), 65535, &t), XB_TOPIC_OK);
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = XB_API_GET;
  req.topic = &t;
  req.topic_bytes = (const uint8_t *)topic;
  req.key = key;
  req.key_len = key != NULL ? strlen(key) : 0;
  req.now = TS.now_us;
  xb_buf body;
  xb_buf_init(&body, 0);
  xb_api_response resp;
  memset(&resp, 0, sizeof resp);
  resp.body = &body;
  int st = xb_api_execute(TS.api, &req, &resp);
  size_t n = body.len < sizeof text - 1 ? body.len : sizeof text - 1;
  if (n > 0) memcpy(text, body.data, n);
  text[n] = '\0';
  xb_buf_free(&body);
  return st == 200 ? text : NULL;
}

xb_server_stats ts_stats(void) {
  xb_server_stats st;
  xb_server_get_stats(TS.srv, &st);
  return st;
}
