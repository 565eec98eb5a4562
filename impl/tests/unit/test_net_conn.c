/*
 * test_net_conn.c — connections over socketpairs (xb_net_adopt): shared blobs in output
 * queues, partial writes and the writable watch, the output bound, the input cap,
 * partial packets kept across reads, deferred close from inside callbacks, flush-close,
 * and the transport interface's want-read / want-write / pending paths.
 * Nothing sleeps: every wait is a bounded number of loop turns on readiness.
 */
#include "net/xb_log.h"
#include "net/xb_net.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

Suite *xb_suite_net_conn(void);

static const xb_loop_backend_kind k_backends[] = {XB_LOOP_EPOLL, XB_LOOP_POLL};

/* ------------------------------------------------------------------ a fake session */

typedef struct {
  xb_conn *c;
  int accepts, datas, closes;
  xb_close_reason reason;
  bool consume;         /* consume everything on_data sees */
  size_t unit;          /* else consume whole multiples of unit (0: nothing) */
  uint8_t got[1 << 19]; /* consumed bytes, in order */
  size_t got_len;
  size_t last_seen;     /* bytes visible at the last on_data */
  bool close_self;      /* xb_conn_close(NOW) inside on_data */
  xb_conn *close_other; /* ... and/or close this one */
  bool checked_inside;
} sess;

static int s_accept(xb_conn *c, bool over, void *arg) {
  (void)over;
  sess *s = arg;
  s->c = c;
  s->accepts++;
  return 0;
}

static void s_data(xb_conn *c, void *user) {
  sess *s = user;
  size_t len;
  const uint8_t *p = xb_conn_in(c, &len);
  s->datas++;
  s->last_seen = len;
  size_t take = s->consume ? len : (s->unit ? len / s->unit * s->unit : 0);
  ck_assert_uint_le(s->got_len + take, sizeof s->got);
  memcpy(s->got + s->got_len, p, take);
  s->got_len += take;
  xb_conn_in_consume(c, take);
  if (s->close_other) xb_conn_close(s->close_other, XB_CLOSE_NOW);
  if (s->close_self) {
    xb_conn_close(c, XB_CLOSE_NOW);
    /* Still valid and usable inside the callback; nothing freed, nothing reported. */
    ck_assert(xb_conn_closing(c));
    ck_assert_int_eq(xb_conn_send(c, "x", 1, 0), XB_NET_ECLOSED);
    ck_assert_uint_ne(xb_conn_id(c), 0);
    ck_assert_int_eq(s->closes, 0);
    s->checked_inside = true;
  }
}

static void s_close(xb_conn *c, xb_close_reason why, int err, void *user) {
  (void)c;
  (void)err;
  sess *s = user;
  s->closes++;
  s->reason = why;
}

static const xb_conn_handlers k_handlers = {s_accept, s_data, NULL, s_close};

static sess *sess_new(void) {
  sess *s = calloc(1, sizeof *s);
  ck_assert_ptr_nonnull(s);
  return s;
}

/* A connection on one end of a socketpair; *peer gets the other end (non-blocking). */
static xb_conn *pair(xb_net *net, sess *s, int *peer, int sndbuf) {
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  if (sndbuf > 0) {
    ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
    ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof sndbuf), 0);
  }
  ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
  xb_conn *c = xb_net_adopt(net, sv[0], &k_handlers, s);
  ck_assert_ptr_nonnull(c);
  ck_assert_ptr_eq(s->c, c);
  ck_assert_str_eq(xb_conn_peer(c), "local");
  *peer = sv[1];
  return c;
}

/* Reads what is available from fd into buf (appending at *len). Returns false on EOF. */
static bool drain(int fd, uint8_t *buf, size_t cap, size_t *len) {
  for (;;) {
    if (*len == cap) return true;
    ssize_t r = read(fd, buf + *len, cap - *len);
    if (r > 0) {
      *len += (size_t)r;
      continue;
    }
    if (r == 0) return false;
    ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
    return true;
  }
}

/* Fills fd's socket buffers so that the next write would block; returns bytes written. */
static size_t fill_socket(int fd) {
  static uint8_t junk[4096];
  size_t total = 0;
  int fl = fcntl(fd, F_GETFL);
  ck_assert_int_eq(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
  for (;;) {
    ssize_t r = write(fd, junk, sizeof junk);
    if (r <= 0) break;
    total += (size_t)r;
  }
  ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
  return total;
}

static void write_all(int fd, const void *p, size_t n) {
  ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
}

typedef struct {
  xb_loop *loop;
  xb_net *net;
} rig;

static rig rig_new(xb_loop_backend_kind kind, const xb_net_config *cfg) {
  xb_log_set_level(XB_LOG_ERROR);
  rig r;
  r.loop = xb_loop_create(kind, 4096);
  ck_assert_ptr_nonnull(r.loop);
  r.net = xb_net_create(r.loop, cfg);
  ck_assert_ptr_nonnull(r.net);
  return r;
}

static void rig_free(rig *r) {
  xb_net_destroy(r->net);
  xb_loop_destroy(r->loop);
  xb_blob_pool_trim();
}

static uint8_t pattern(size_t i) { return (uint8_t)((i * 7u + i / 251u) & 0xffu); }

/* ------------------------------------------------------------------ blobs */

START_TEST(test_blob_refcount_and_pool_reuse) {
  xb_blob_stats s0, s1;
  xb_blob_get_stats(&s0);
  xb_blob *b = xb_blob_copy("hello", 5);
  ck_assert_uint_eq(xb_blob_refs(b), 1);
  ck_assert_uint_eq(xb_blob_len(b), 5);
  ck_assert_mem_eq(xb_blob_data(b), "hello", 5);
  ck_assert_ptr_eq(xb_blob_ref(b), b);
  ck_assert_uint_eq(xb_blob_refs(b), 2);
  xb_blob_unref(b);
  xb_blob_get_stats(&s1);
  ck_assert_uint_eq(s1.live, s0.live + 1);
  xb_blob_unref(b);
  xb_blob_get_stats(&s1);
  ck_assert_uint_eq(s1.live, s0.live);
  ck_assert_uint_eq(s1.pooled, s0.pooled + 1);
  /* Same size class again: served from the pool, no malloc. */
  uint64_t allocs = s1.allocs;
  xb_blob *c = xb_blob_new(200);
  ck_assert_uint_ge(xb_blob_cap(c), 200);
  xb_blob_set_len(c, 1u << 20);
  ck_assert_uint_eq(xb_blob_len(c), xb_blob_cap(c)); /* clamped */
  xb_blob_get_stats(&s1);
  ck_assert_uint_eq(s1.allocs, allocs);
  xb_blob_unref(c);
  /* Beyond the largest class: malloc'd and freed, never pooled. */
  xb_blob *big = xb_blob_new(1u << 20);
  ck_assert_uint_ge(xb_blob_cap(big), 1u << 20);
  size_t pooled = s1.pooled;
  xb_blob_unref(big);
  xb_blob_get_stats(&s1);
  ck_assert_uint_eq(s1.pooled, pooled + 1); /* c came back; big did not */
  xb_blob_unref(NULL);
  xb_blob_pool_trim();
  xb_blob_get_stats(&s1);
  ck_assert_uint_eq(s1.pooled, 0);
  ck_assert_uint_eq(s1.pooled_bytes, 0);
}
END_TEST

START_TEST(test_fanout_shares_one_blob) {
  rig r = rig_new(k_backends[_i], NULL);
  xb_blob_stats st0, st;
  xb_blob_get_stats(&st0);
  enum { N = 3 };
  sess *s[N];
  xb_conn *c[N];
  int peer[N];
  for (int i = 0; i < N; i++) {
    s[i] = sess_new();
    c[i] = pair(r.net, s[i], &peer[i], 0);
  }
  static const char payload[] = "{\"id\":504,\"current_value\":\"21.5\"}";
  xb_blob *b = xb_blob_copy(payload, sizeof payload - 1);
  static const char *hdr[N] = {"H1:", "H22:", "H333:"};
  for (int i = 0; i < N; i++) {
    ck_assert_int_eq(xb_conn_send(c[i], "<", 1, 0), XB_NET_OK);
    ck_assert_int_eq(xb_conn_send_blob(c[i], hdr[i], strlen(hdr[i]), b, 0, xb_blob_len(b), 0),
                     XB_NET_OK);
    ck_assert_int_eq(xb_conn_send(c[i], ">", 1, 0), XB_NET_OK);
  }
  /* One rendering, one reference per queue: no copies. */
  ck_assert_uint_eq(xb_blob_refs(b), 1 + N);
  ck_assert_int_eq(xb_conn_send_blob(c[0], NULL, 0, b, 5, xb_blob_len(b), 0), XB_NET_EINVAL);
  xb_loop_run_once(r.loop, 0); /* the before-sleep hook writes every queue */
  ck_assert_uint_eq(xb_blob_refs(b), 1);
  for (int i = 0; i < N; i++) {
    ck_assert_uint_eq(xb_conn_out_pending(c[i]), 0);
    ck_assert(!xb_conn_write_watched(c[i]));
    uint8_t buf[256];
    size_t len = 0;
    ck_assert(drain(peer[i], buf, sizeof buf, &len));
    char want[256];
    int n = snprintf(want, sizeof want, "<%s%s>", hdr[i], payload);
    ck_assert_uint_eq(len, (size_t)n);
    ck_assert_mem_eq(buf, want, len);
    close(peer[i]);
  }
  xb_blob_unref(b);
  xb_blob_get_stats(&st);
  ck_assert_uint_eq(st.live, st0.live); /* every reference was dropped */
  rig_free(&r);
  for (int i = 0; i < N; i++) free(s[i]);
}
END_TEST

START_TEST(test_small_headers_share_chunks_and_idle_queue_holds_nothing) {
  rig r = rig_new(XB_LOOP_DEFAULT, NULL);
  sess *s = sess_new();
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  xb_blob *b = xb_blob_copy("0,21.5\n", 7);
  xb_blob_stats st0, st;
  xb_blob_get_stats(&st0);
  /* 200 deliveries: a 10-byte header copied, the payload referenced, alternately. */
  for (int i = 0; i < 200; i++)
    ck_assert_int_eq(xb_conn_send_blob(c, "HHHHHHHHHH", 10, b, 0, 7, 0), XB_NET_OK);
  xb_blob_get_stats(&st);
  ck_assert_uint_eq(st.live, st0.live + 1); /* every header in one 4 KiB chunk */
  ck_assert_uint_eq(xb_blob_refs(b), 201);
  ck_assert_uint_eq(xb_conn_out_pending(c), 200 * 17);
  xb_loop_run_once(r.loop, 0);
  ck_assert_uint_eq(xb_conn_out_pending(c), 0);
  xb_blob_get_stats(&st);
  ck_assert_uint_eq(st.live, st0.live); /* the chunk went back to the pool */
  ck_assert_uint_eq(xb_blob_refs(b), 1);
  static uint8_t got[200 * 17];
  size_t len = 0;
  ck_assert(drain(peer, got, sizeof got, &len));
  ck_assert_uint_eq(len, sizeof got);
  for (int i = 0; i < 200; i++) ck_assert_mem_eq(got + i * 17, "HHHHHHHHHH0,21.5\n", 17);
  xb_blob_unref(b);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

/* An idle connection's acks (CONNACK, PINGRESP, PUBACK: 2..4 bytes) are held in the
 * ring segment itself: no chunk, so 10,000 connections answered in one turn take no
 * 4 KiB each (issue #9, memory per idle connection). */
START_TEST(test_tiny_control_sends_allocate_no_chunk) {
  rig r = rig_new(XB_LOOP_DEFAULT, NULL);
  sess *s = sess_new();
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  xb_blob_stats st0, st;
  xb_blob_get_stats(&st0);
  ck_assert_int_eq(xb_conn_send(c, "\x20\x02\x00\x00", 4, XB_SEND_CONTROL), XB_NET_OK);
  ck_assert_int_eq(xb_conn_send(c, "\xd0\x00", 2, XB_SEND_CONTROL), XB_NET_OK);
  ck_assert_int_eq(xb_conn_send(c, "12345678", 8, 0), XB_NET_OK);
  xb_blob_get_stats(&st);
  ck_assert_uint_eq(st.live, st0.live);
  ck_assert_uint_eq(xb_conn_out_pending(c), 14);
  /* A longer send after them takes a chunk; order is kept. */
  ck_assert_int_eq(xb_conn_send(c, "ninebytes", 9, 0), XB_NET_OK);
  xb_blob_get_stats(&st);
  ck_assert_uint_eq(st.live, st0.live + 1);
  xb_loop_run_once(r.loop, 0);
  ck_assert_uint_eq(xb_conn_out_pending(c), 0);
  uint8_t got[64];
  size_t len = 0;
  ck_assert(drain(peer, got, 23, &len));
  ck_assert_uint_eq(len, 23);
  ck_assert_mem_eq(got, "\x20\x02\x00\x00\xd0\x00" "12345678" "ninebytes", 23);
  xb_blob_get_stats(&st);
  ck_assert_uint_eq(st.live, st0.live);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

/* ------------------------------------------------------------------ writes */

START_TEST(test_partial_write_arms_then_clears_watch) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 4096);
  enum { CHUNK = 4096, CHUNKS = 64 };
  static uint8_t data[CHUNK * CHUNKS];
  for (size_t i = 0; i < sizeof data; i++) data[i] = pattern(i);
  for (int k = 0; k < CHUNKS; k++) {
    const uint8_t *p = data + (size_t)k * CHUNK;
    if (k % 2) {
      xb_blob *b = xb_blob_copy(p, CHUNK);
      ck_assert_int_eq(xb_conn_send_blob(c, NULL, 0, b, 0, CHUNK, 0), XB_NET_OK);
      xb_blob_unref(b);
    } else {
      ck_assert_int_eq(xb_conn_send(c, p, CHUNK, 0), XB_NET_OK);
    }
  }
  ck_assert(!xb_conn_write_watched(c)); /* no watch before a write would block */
  xb_loop_run_once(r.loop, 0);
  ck_assert_uint_gt(xb_conn_out_pending(c), 0);
  ck_assert_uint_lt(xb_conn_out_pending(c), sizeof data);
  ck_assert(xb_conn_write_watched(c));
  static uint8_t got[sizeof data];
  size_t len = 0;
  for (int i = 0; i < 20000 && len < sizeof got; i++) {
    ck_assert(drain(peer, got, sizeof got, &len));
    xb_loop_run_once(r.loop, 50);
  }
  ck_assert_uint_eq(len, sizeof data);
  ck_assert_mem_eq(got, data, sizeof data);
  ck_assert_uint_eq(xb_conn_out_pending(c), 0);
  ck_assert(!xb_conn_write_watched(c));
  xb_net_stats st;
  xb_net_get_stats(r.net, &st);
  ck_assert_uint_eq(st.bytes_out, sizeof data);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

/* XB-SUB-27: a delivery that would exceed the output queue is dropped whole;
 * XB-SUB-28: responses are queued even beyond it. */
START_TEST(test_output_bound_refuses_whole_sends_XB_SUB_27_XB_SUB_28) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.out_max = 8192;
  cfg.ctrl_reserve = 1024;
  rig r = rig_new(XB_LOOP_DEFAULT, &cfg);
  sess *s = sess_new();
  s->consume = true;
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  size_t junk = fill_socket(sv[0]); /* the client is not reading */
  ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
  int peer = sv[1];
  xb_conn *c = xb_net_adopt(r.net, sv[0], &k_handlers, s);
  static uint8_t buf[8192];
  memset(buf, 'd', sizeof buf);
  ck_assert_int_eq(xb_conn_send(c, buf, 8000, 0), XB_NET_OK);
  ck_assert_uint_eq(xb_conn_full_since(c), 0);
  ck_assert_int_eq(xb_conn_send(c, buf, 500, 0), XB_NET_EFULL);
  ck_assert_uint_eq(xb_conn_out_pending(c), 8000); /* nothing half-queued */
  ck_assert_uint_ne(xb_conn_full_since(c), 0);
  ck_assert_int_eq(xb_conn_send(c, buf, 192, 0), XB_NET_OK); /* exactly at the bound */
  xb_blob *b = xb_blob_copy("p", 1);
  ck_assert_int_eq(xb_conn_send_blob(c, "hh", 2, b, 0, 1, 0), XB_NET_EFULL);
  ck_assert_uint_eq(xb_blob_refs(b), 1); /* the refused send took no reference */
  ck_assert_uint_eq(xb_conn_out_pending(c), 8192);
  /* Responses (PINGRESP...) are never refused (XB-SUB-28), even past the reserve. */
  ck_assert_int_eq(xb_conn_send(c, buf, 1024, XB_SEND_CONTROL), XB_NET_OK);
  ck_assert_int_eq(xb_conn_send(c, buf, 1, XB_SEND_CONTROL), XB_NET_OK);
  ck_assert_uint_eq(xb_conn_out_pending(c), 9217);
  xb_net_stats st;
  xb_net_get_stats(r.net, &st);
  ck_assert_uint_eq(st.send_refused, 2);
  /* ...but past out_max + ctrl_reserve the client is not read any more: its requests
   * (and the responses they would cause) wait until it reads. */
  write_all(peer, "PINGREQ", 7);
  for (int i = 0; i < 5; i++) xb_loop_run_once(r.loop, 10);
  ck_assert_int_eq(s->datas, 0);
  /* Once the peer reads, the queue drains, reading resumes, the congestion mark goes. */
  static uint8_t got[1 << 20];
  size_t len = 0;
  for (int i = 0; i < 1000 && (len < junk + 9217 || s->datas == 0); i++) {
    xb_loop_run_once(r.loop, 20);
    ck_assert(drain(peer, got, sizeof got, &len));
  }
  ck_assert_uint_eq(len, junk + 9217);
  ck_assert(got[junk] == 'd' && got[junk + 9216] == 'd');
  ck_assert_int_eq(s->datas, 1);
  ck_assert_uint_eq(xb_conn_full_since(c), 0);
  ck_assert_int_eq(xb_conn_send_blob(c, "hh", 2, b, 0, 1, 0), XB_NET_OK);
  xb_blob_unref(b);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

/* ------------------------------------------------------------------ reads */

START_TEST(test_input_cap_stops_reading_until_consumed) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.in_cap = 1000;
  rig r = rig_new(k_backends[_i], &cfg);
  sess *s = sess_new();
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  static uint8_t data[3000];
  for (size_t i = 0; i < sizeof data; i++) data[i] = pattern(i);
  write_all(peer, data, sizeof data);
  for (int i = 0; i < 100 && !xb_conn_in_full(c); i++) xb_loop_run_once(r.loop, 50);
  size_t len;
  const uint8_t *p = xb_conn_in(c, &len);
  ck_assert_uint_eq(len, 1000); /* held up to the cap, not one byte more */
  ck_assert_mem_eq(p, data, 1000);
  ck_assert(xb_conn_in_full(c));
  int datas = s->datas;
  for (int i = 0; i < 5; i++) xb_loop_run_once(r.loop, 10);
  ck_assert_int_eq(s->datas, datas); /* not read while full */
  ck_assert_uint_eq(s->last_seen, 1000);
  /* The session consumes: reading resumes and the rest arrives in order. */
  xb_conn_in_consume(c, 1000);
  memcpy(s->got, data, 1000);
  s->got_len = 1000;
  s->consume = true;
  for (int i = 0; i < 100 && s->got_len < sizeof data; i++) xb_loop_run_once(r.loop, 50);
  ck_assert_uint_eq(s->got_len, sizeof data);
  ck_assert_mem_eq(s->got, data, sizeof data);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

START_TEST(test_partial_packet_kept_across_reads) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  s->unit = 10; /* "packets" of 10 bytes */
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  write_all(peer, "0123456789abcdefghijklmno", 25);
  for (int i = 0; i < 100 && s->got_len < 20; i++) xb_loop_run_once(r.loop, 50);
  ck_assert_uint_eq(s->got_len, 20);
  size_t len;
  const uint8_t *p = xb_conn_in(c, &len);
  ck_assert_uint_eq(len, 5);
  ck_assert_mem_eq(p, "klmno", 5);
  write_all(peer, "pqrst", 5);
  for (int i = 0; i < 100 && s->got_len < 30; i++) xb_loop_run_once(r.loop, 50);
  ck_assert_uint_eq(s->got_len, 30);
  ck_assert_uint_eq(s->last_seen, 10); /* the kept 5 bytes + the new 5, contiguous */
  ck_assert_mem_eq(s->got, "0123456789abcdefghijklmnopqrst", 30);
  xb_conn_in(c, &len);
  ck_assert_uint_eq(len, 0);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

START_TEST(test_resume_redelivers_buffered_bytes) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  write_all(peer, "0123456789", 10);
  for (int i = 0; i < 100 && s->datas == 0; i++) xb_loop_run_once(r.loop, 50);
  ck_assert_int_eq(s->datas, 1);
  ck_assert_uint_eq(s->got_len, 0); /* the session was not ready: nothing consumed */
  xb_conn_pause_read(c, true);
  xb_loop_run_once(r.loop, 10);
  ck_assert_int_eq(s->datas, 1);
  s->unit = 10;
  xb_conn_pause_read(c, false); /* no new byte will arrive: the hook re-delivers */
  xb_loop_run_once(r.loop, 0);
  ck_assert_int_eq(s->datas, 2);
  ck_assert_uint_eq(s->got_len, 10);
  ck_assert_mem_eq(s->got, "0123456789", 10);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

/* ------------------------------------------------------------------ closing */

START_TEST(test_close_inside_callback_is_deferred) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  s->close_self = true;
  s->consume = true;
  int peer;
  pair(r.net, s, &peer, 0);
  write_all(peer, "CONNECT", 7);
  for (int i = 0; i < 100 && s->closes == 0; i++) xb_loop_run_once(r.loop, 50);
  ck_assert(s->checked_inside);
  ck_assert_int_eq(s->datas, 1);
  ck_assert_int_eq(s->closes, 1);
  ck_assert_int_eq(s->reason, XB_CLOSE_LOCAL);
  uint8_t buf[8];
  size_t len = 0;
  ck_assert(!drain(peer, buf, sizeof buf, &len)); /* EOF at the peer */
  xb_net_stats st;
  xb_net_get_stats(r.net, &st);
  ck_assert_uint_eq(st.conns, 0);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

START_TEST(test_close_each_other_in_same_turn) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *a = sess_new(), *b = sess_new();
  int pa, pb;
  xb_conn *ca = pair(r.net, a, &pa, 0);
  xb_conn *cb = pair(r.net, b, &pb, 0);
  a->close_other = cb;
  b->close_other = ca;
  a->consume = b->consume = true;
  /* Both readable in the same turn: whichever runs first closes the other. */
  write_all(pa, "a", 1);
  write_all(pb, "b", 1);
  for (int i = 0; i < 100 && a->closes + b->closes == 0; i++) xb_loop_run_once(r.loop, 50);
  a->close_other = b->close_other = NULL; /* the closed one is gone now */
  ck_assert_int_eq(a->datas + b->datas, 1); /* a closing connection is not read */
  sess *ran = a->datas ? a : b, *victim = a->datas ? b : a;
  ck_assert_int_eq(victim->closes, 1);
  ck_assert_int_eq(victim->reason, XB_CLOSE_LOCAL);
  ck_assert_int_eq(ran->closes, 0);
  xb_net_stats st;
  xb_net_get_stats(r.net, &st);
  ck_assert_uint_eq(st.conns, 1);
  close(pa);
  close(pb);
  rig_free(&r);
  free(a);
  free(b);
}
END_TEST

START_TEST(test_close_flush_writes_then_eof) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  static const uint8_t connack[] = {0x20, 0x02, 0x00, 0x03};
  ck_assert_int_eq(xb_conn_send(c, connack, sizeof connack, XB_SEND_CONTROL), XB_NET_OK);
  xb_conn_close(c, XB_CLOSE_FLUSH);
  xb_conn_close(c, XB_CLOSE_FLUSH); /* repeated: harmless */
  uint8_t buf[16];
  size_t len = 0;
  bool open = true;
  for (int i = 0; i < 100 && open; i++) {
    xb_loop_run_once(r.loop, 50);
    open = drain(peer, buf, sizeof buf, &len);
  }
  ck_assert(!open);
  ck_assert_uint_eq(len, sizeof connack);
  ck_assert_mem_eq(buf, connack, sizeof connack);
  ck_assert_int_eq(s->closes, 1);
  ck_assert_int_eq(s->reason, XB_CLOSE_LOCAL);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

START_TEST(test_peer_eof_and_shutdown_reasons) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *a = sess_new(), *b = sess_new();
  int pa, pb;
  pair(r.net, a, &pa, 0);
  xb_conn *cb = pair(r.net, b, &pb, 0);
  close(pa);
  for (int i = 0; i < 100 && a->closes == 0; i++) xb_loop_run_once(r.loop, 50);
  ck_assert_int_eq(a->closes, 1);
  ck_assert_int_eq(a->reason, XB_CLOSE_PEER);
  /* Server shutdown: queued output still goes out, then on_close(SHUTDOWN). */
  ck_assert_int_eq(xb_conn_send(cb, "bye", 3, 0), XB_NET_OK);
  xb_net_destroy(r.net);
  ck_assert_int_eq(b->closes, 1);
  ck_assert_int_eq(b->reason, XB_CLOSE_SHUTDOWN);
  uint8_t buf[8];
  size_t len = 0;
  ck_assert(!drain(pb, buf, sizeof buf, &len));
  ck_assert_uint_eq(len, 3);
  ck_assert_mem_eq(buf, "bye", 3);
  close(pb);
  xb_loop_destroy(r.loop);
  xb_blob_pool_trim();
  free(a);
  free(b);
}
END_TEST

static int refuse_accept(xb_conn *c, bool over, void *arg) {
  (void)c;
  (void)over;
  ((sess *)arg)->accepts++;
  return -1;
}

START_TEST(test_refused_adopt_still_reports_close) {
  rig r = rig_new(XB_LOOP_DEFAULT, NULL);
  sess *s = sess_new();
  xb_conn_handlers h = k_handlers;
  h.on_accept = refuse_accept;
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_ptr_null(xb_net_adopt(r.net, sv[0], &h, s));
  ck_assert_int_eq(s->accepts, 1);
  ck_assert_int_eq(s->closes, 0); /* deferred, like every close */
  xb_loop_run_once(r.loop, 0);
  ck_assert_int_eq(s->closes, 1);
  ck_assert_int_eq(s->reason, XB_CLOSE_LOCAL);
  close(sv[1]);
  rig_free(&r);
  free(s);
}
END_TEST

/* ------------------------------------------------------------------ transports */

/* A transport double: plain socket I/O, plus scripted WANT_* answers, plus an internal
 * buffer handed out one byte per read (like decrypted TLS data no fd event announces). */
typedef struct {
  int read_want_write, write_want_read; /* how many times to answer so */
  int reads, writes;
  bool trickle;
  uint8_t held[64];
  size_t held_off, held_len;
  bool *destroyed;
} fake_tr;

static ssize_t ft_read(void *ctx, int fd, void *buf, size_t len) {
  fake_tr *t = ctx;
  t->reads++;
  if (t->read_want_write > 0) {
    t->read_want_write--;
    return XB_IO_WANT_WRITE;
  }
  if (t->trickle) {
    if (t->held_len == 0) {
      ssize_t r = read(fd, t->held, sizeof t->held);
      if (r == 0) return XB_IO_EOF;
      if (r < 0) return errno == EAGAIN ? XB_IO_WANT_READ : XB_IO_ERROR;
      t->held_off = 0;
      t->held_len = (size_t)r;
    }
    *(uint8_t *)buf = t->held[t->held_off++];
    t->held_len--;
    return 1;
  }
  ssize_t r = read(fd, buf, len);
  if (r == 0) return XB_IO_EOF;
  if (r < 0) return errno == EAGAIN ? XB_IO_WANT_READ : XB_IO_ERROR;
  return r;
}

static ssize_t ft_writev(void *ctx, int fd, const struct iovec *iov, int n) {
  fake_tr *t = ctx;
  t->writes++;
  if (t->write_want_read > 0) {
    t->write_want_read--;
    return XB_IO_WANT_READ;
  }
  ssize_t r = writev(fd, iov, n);
  if (r < 0) return errno == EAGAIN ? XB_IO_WANT_WRITE : XB_IO_ERROR;
  return r;
}

static bool ft_pending(void *ctx) { return ((fake_tr *)ctx)->held_len > 0; }
static void ft_destroy(void *ctx) { *((fake_tr *)ctx)->destroyed = true; }

static const xb_transport_ops k_fake_ops = {"fake", ft_read, ft_writev, ft_pending, NULL,
                                            ft_destroy};

START_TEST(test_transport_read_wants_write) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  s->consume = true;
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  bool destroyed = false;
  fake_tr t = {.read_want_write = 1, .destroyed = &destroyed};
  xb_conn_set_transport(c, &k_fake_ops, &t);
  write_all(peer, "abc", 3);
  for (int i = 0; i < 100 && s->got_len < 3; i++) xb_loop_run_once(r.loop, 50);
  ck_assert_uint_eq(s->got_len, 3);
  ck_assert_mem_eq(s->got, "abc", 3);
  ck_assert_int_ge(t.reads, 2); /* retried once the socket was writable */
  ck_assert(!xb_conn_write_watched(c));
  close(peer);
  rig_free(&r);
  ck_assert(destroyed);
  free(s);
}
END_TEST

START_TEST(test_transport_write_wants_read) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  s->consume = true;
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  bool destroyed = false;
  fake_tr t = {.write_want_read = 1, .destroyed = &destroyed};
  xb_conn_set_transport(c, &k_fake_ops, &t);
  ck_assert_int_eq(xb_conn_send(c, "xyz", 3, 0), XB_NET_OK);
  uint8_t buf[8];
  size_t len = 0;
  for (int i = 0; i < 3; i++) xb_loop_run_once(r.loop, 10);
  ck_assert(drain(peer, buf, sizeof buf, &len));
  ck_assert_uint_eq(len, 0); /* waits for readability, not retried blindly */
  ck_assert_int_eq(t.writes, 1);
  write_all(peer, "!", 1);
  for (int i = 0; i < 100 && len < 3; i++) {
    xb_loop_run_once(r.loop, 50);
    ck_assert(drain(peer, buf, sizeof buf, &len));
  }
  ck_assert_uint_eq(len, 3);
  ck_assert_mem_eq(buf, "xyz", 3);
  ck_assert_uint_eq(xb_conn_out_pending(c), 0);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

START_TEST(test_transport_pending_bytes_are_read_without_fd_event) {
  rig r = rig_new(k_backends[_i], NULL);
  sess *s = sess_new();
  s->consume = true;
  int peer;
  xb_conn *c = pair(r.net, s, &peer, 0);
  bool destroyed = false;
  fake_tr t = {.trickle = true, .destroyed = &destroyed};
  xb_conn_set_transport(c, &k_fake_ops, &t);
  write_all(peer, "0123456789", 10);
  /* All ten bytes sit in the transport after the first read; only pending() tells. */
  for (int i = 0; i < 40 && s->got_len < 10; i++) xb_loop_run_once(r.loop, 1000);
  ck_assert_uint_eq(s->got_len, 10);
  ck_assert_mem_eq(s->got, "0123456789", 10);
  close(peer);
  rig_free(&r);
  free(s);
}
END_TEST

Suite *xb_suite_net_conn(void) {
  Suite *s = suite_create("net_conn");
  TCase *t = tcase_create("output");
  tcase_add_test(t, test_blob_refcount_and_pool_reuse);
  tcase_add_loop_test(t, test_fanout_shares_one_blob, 0, 2);
  tcase_add_loop_test(t, test_partial_write_arms_then_clears_watch, 0, 2);
  tcase_add_test(t, test_output_bound_refuses_whole_sends_XB_SUB_27_XB_SUB_28);
  tcase_add_test(t, test_small_headers_share_chunks_and_idle_queue_holds_nothing);
  tcase_add_test(t, test_tiny_control_sends_allocate_no_chunk);
  suite_add_tcase(s, t);
  t = tcase_create("input");
  tcase_add_loop_test(t, test_input_cap_stops_reading_until_consumed, 0, 2);
  tcase_add_loop_test(t, test_partial_packet_kept_across_reads, 0, 2);
  tcase_add_loop_test(t, test_resume_redelivers_buffered_bytes, 0, 2);
  suite_add_tcase(s, t);
  t = tcase_create("close");
  tcase_add_loop_test(t, test_close_inside_callback_is_deferred, 0, 2);
  tcase_add_loop_test(t, test_close_each_other_in_same_turn, 0, 2);
  tcase_add_loop_test(t, test_close_flush_writes_then_eof, 0, 2);
  tcase_add_loop_test(t, test_peer_eof_and_shutdown_reasons, 0, 2);
  tcase_add_test(t, test_refused_adopt_still_reports_close);
  suite_add_tcase(s, t);
  t = tcase_create("transport");
  tcase_add_loop_test(t, test_transport_read_wants_write, 0, 2);
  tcase_add_loop_test(t, test_transport_write_wants_read, 0, 2);
  tcase_add_loop_test(t, test_transport_pending_bytes_are_read_without_fd_event, 0, 2);
  suite_add_tcase(s, t);
  return s;
}
