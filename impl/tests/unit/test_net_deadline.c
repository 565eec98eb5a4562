/*
 * test_net_deadline.c — per-connection deadlines on the timer wheel (CONNECT timeout,
 * keepalive x1.5), the slow-subscriber grace, and the linger bound of a flush-close.
 * The loop runs on a fake clock, so deadlines of seconds are tested without waiting.
 */
#include "net/xb_log.h"
#include "net/xb_net.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

Suite *xb_suite_net_deadline(void);

static uint64_t g_now;
static uint64_t fake_clock(void *arg) {
  (void)arg;
  return g_now;
}

typedef struct {
  xb_conn *c;
  int timeouts, closes;
  xb_timeout_kind kind;
  uint64_t fired_at;
  xb_close_reason reason;
  bool close_on_timeout;
} sess;

static int s_accept(xb_conn *c, bool over, void *arg) {
  (void)over;
  ((sess *)arg)->c = c;
  return 0;
}

static void s_data(xb_conn *c, void *user) {
  (void)user;
  size_t len;
  xb_conn_in(c, &len);
  xb_conn_in_consume(c, len);
}

static void s_timeout(xb_conn *c, xb_timeout_kind kind, void *user) {
  sess *s = user;
  s->timeouts++;
  s->kind = kind;
  s->fired_at = xb_loop_now(xb_net_loop(xb_conn_net(c)));
  if (s->close_on_timeout) xb_conn_close(c, XB_CLOSE_NOW);
}

static void s_close(xb_conn *c, xb_close_reason why, int err, void *user) {
  (void)c;
  (void)err;
  sess *s = user;
  s->closes++;
  s->reason = why;
}

static const xb_conn_handlers k_handlers = {s_accept, s_data, s_timeout, s_close};

typedef struct {
  xb_loop *loop;
  xb_net *net;
} rig;

static rig rig_new(const xb_net_config *cfg) {
  xb_log_set_level(XB_LOG_ERROR);
  rig r;
  r.loop = xb_loop_create(XB_LOOP_DEFAULT, 4096);
  ck_assert_ptr_nonnull(r.loop);
  g_now = 1000000;
  xb_loop_set_clock(r.loop, fake_clock, NULL);
  r.net = xb_net_create(r.loop, cfg);
  ck_assert_ptr_nonnull(r.net);
  return r;
}

static void rig_free(rig *r) {
  xb_net_destroy(r->net);
  xb_loop_destroy(r->loop);
  xb_blob_pool_trim();
}

static xb_conn *pair(rig *r, sess *s, const xb_conn_handlers *h, int *peer) {
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
  xb_conn *c = xb_net_adopt(r->net, sv[0], h, s);
  ck_assert_ptr_nonnull(c);
  *peer = sv[1];
  return c;
}

/* Advance the fake clock by ms in steps of `step`, one loop turn per step. */
static void advance(rig *r, uint64_t ms, uint64_t step) {
  for (uint64_t t = 0; t < ms; t += step) {
    g_now += step;
    xb_loop_run_once(r->loop, 0);
  }
}

/* Fill the socket's buffers so that every later write would block. */
static void fill_socket(int fd) {
  static uint8_t junk[65536];
  int fl = fcntl(fd, F_GETFL);
  ck_assert_int_eq(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
  while (write(fd, junk, sizeof junk) > 0) {
  }
  ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
}

START_TEST(test_deadline_fires_once_not_early) {
  rig r = rig_new(NULL);
  sess s = {0};
  int peer;
  xb_conn *c = pair(&r, &s, &k_handlers, &peer);
  uint64_t t0 = g_now;
  xb_conn_set_deadline(c, 10000); /* CONNECT timeout */
  ck_assert_uint_eq(xb_conn_deadline(c), t0 + 10000);
  advance(&r, 9990, 10);
  ck_assert_int_eq(s.timeouts, 0);
  advance(&r, 10 + XB_NET_TICK_MS, 10);
  ck_assert_int_eq(s.timeouts, 1);
  ck_assert_int_eq(s.kind, XB_TIMEOUT_DEADLINE);
  ck_assert_uint_ge(s.fired_at, t0 + 10000);
  ck_assert_uint_le(s.fired_at, t0 + 10000 + XB_NET_TICK_MS);
  ck_assert_uint_eq(xb_conn_deadline(c), 0);
  advance(&r, 20000, 100);
  ck_assert_int_eq(s.timeouts, 1); /* a deadline fires once */
  ck_assert_int_eq(s.closes, 0);   /* the session decides, here: keep it */
  close(peer);
  rig_free(&r);
}
END_TEST

START_TEST(test_keepalive_refresh_moves_deadline_later) {
  rig r = rig_new(NULL);
  sess s = {0};
  int peer;
  xb_conn *c = pair(&r, &s, &k_handlers, &peer);
  /* Keepalive 2 s => 3 s deadline, refreshed by "packets" every second for 20 s. */
  xb_conn_set_deadline(c, 3000);
  for (int i = 0; i < 20; i++) {
    advance(&r, 1000, 50);
    xb_conn_set_deadline(c, 3000);
  }
  ck_assert_int_eq(s.timeouts, 0);
  uint64_t due = xb_conn_deadline(c);
  advance(&r, 2950, 50);
  ck_assert_int_eq(s.timeouts, 0);
  advance(&r, 50 + XB_NET_TICK_MS, 50);
  ck_assert_int_eq(s.timeouts, 1);
  ck_assert_uint_ge(s.fired_at, due);
  close(peer);
  rig_free(&r);
}
END_TEST

START_TEST(test_deadline_moved_earlier_and_cleared) {
  rig r = rig_new(NULL);
  sess a = {0}, b = {0};
  int pa, pb;
  xb_conn *ca = pair(&r, &a, &k_handlers, &pa);
  xb_conn *cb = pair(&r, &b, &k_handlers, &pb);
  uint64_t t0 = g_now;
  /* CONNECT timeout 10 s, then CONNECT arrives with keepalive 1 => 1.5 s. */
  xb_conn_set_deadline(ca, 10000);
  xb_conn_set_deadline(ca, 1500);
  xb_conn_set_deadline(cb, 500);
  xb_conn_set_deadline(cb, 0); /* keepalive 0: no deadline */
  advance(&r, 1600, 100);
  ck_assert_int_eq(a.timeouts, 1);
  ck_assert_uint_ge(a.fired_at, t0 + 1500);
  ck_assert_uint_lt(a.fired_at, t0 + 1500 + XB_NET_TICK_MS + 100);
  advance(&r, 60000, 1000);
  ck_assert_int_eq(a.timeouts, 1);
  ck_assert_int_eq(b.timeouts, 0);
  close(pa);
  close(pb);
  rig_free(&r);
}
END_TEST

START_TEST(test_many_deadlines_each_on_time) {
  rig r = rig_new(NULL);
  enum { N = 200 };
  static sess s[N];
  int peer[N];
  uint64_t t0 = g_now;
  memset(s, 0, sizeof s);
  /* Spread over two wheel revolutions (the wheel spans 51.2 s): far deadlines are
   * re-filed when their capped slot comes up. */
  for (int i = 0; i < N; i++) {
    xb_conn *c = pair(&r, &s[i], &k_handlers, &peer[i]);
    xb_conn_set_deadline(c, (uint64_t)(i + 1) * 537);
  }
  advance(&r, 110000, 50);
  for (int i = 0; i < N; i++) {
    uint64_t due = t0 + (uint64_t)(i + 1) * 537;
    ck_assert_int_eq(s[i].timeouts, 1);
    ck_assert_uint_ge(s[i].fired_at, due);
    ck_assert_uint_le(s[i].fired_at, due + XB_NET_TICK_MS + 50);
    close(peer[i]);
  }
  rig_free(&r);
}
END_TEST

START_TEST(test_timeout_without_handler_closes) {
  rig r = rig_new(NULL);
  sess s = {0};
  xb_conn_handlers h = k_handlers;
  h.on_timeout = NULL;
  int peer;
  xb_conn *c = pair(&r, &s, &h, &peer);
  xb_conn_set_deadline(c, 100);
  advance(&r, 400, 50);
  ck_assert_int_eq(s.closes, 1);
  ck_assert_int_eq(s.reason, XB_CLOSE_TIMEOUT);
  close(peer);
  rig_free(&r);
}
END_TEST

START_TEST(test_slow_subscriber_grace) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.out_max = 1024;
  cfg.slow_grace_ms = 30000;
  rig r = rig_new(&cfg);
  sess s = {0};
  s.close_on_timeout = true;
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  fill_socket(sv[0]); /* the subscriber reads nothing */
  xb_conn *c = xb_net_adopt(r.net, sv[0], &k_handlers, &s);
  ck_assert_ptr_nonnull(c);
  static uint8_t buf[1024];
  ck_assert_int_eq(xb_conn_send(c, buf, sizeof buf, 0), XB_NET_OK);
  xb_loop_run_once(r.loop, 0);
  ck_assert(xb_conn_write_watched(c));
  uint64_t t_full = g_now;
  ck_assert_int_eq(xb_conn_send(c, buf, 1, 0), XB_NET_EFULL); /* delivery dropped */
  ck_assert_uint_eq(xb_conn_full_since(c), t_full);
  advance(&r, 29900, 100);
  ck_assert_int_eq(s.timeouts, 0);
  ck_assert_int_eq(xb_conn_send(c, buf, 1, 0), XB_NET_EFULL);
  ck_assert_uint_eq(xb_conn_full_since(c), t_full); /* the first refusal counts */
  advance(&r, 100 + XB_NET_TICK_MS, 50);
  ck_assert_int_eq(s.timeouts, 1);
  ck_assert_int_eq(s.kind, XB_TIMEOUT_SLOW);
  ck_assert_uint_ge(s.fired_at, t_full + 30000);
  advance(&r, 100, 50);
  ck_assert_int_eq(s.closes, 1);
  close(sv[1]);
  rig_free(&r);
}
END_TEST

START_TEST(test_queue_drained_is_not_slow) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.out_max = 1024;
  cfg.slow_grace_ms = 1000;
  rig r = rig_new(&cfg);
  sess s = {0};
  int peer;
  xb_conn *c = pair(&r, &s, &k_handlers, &peer);
  static uint8_t buf[1024];
  ck_assert_int_eq(xb_conn_send(c, buf, sizeof buf, 0), XB_NET_OK);
  ck_assert_int_eq(xb_conn_send(c, buf, 1, 0), XB_NET_EFULL);
  ck_assert_uint_ne(xb_conn_full_since(c), 0);
  xb_loop_run_once(r.loop, 0); /* the socket takes it all */
  ck_assert_uint_eq(xb_conn_full_since(c), 0);
  advance(&r, 3000, 100);
  ck_assert_int_eq(s.timeouts, 0);
  close(peer);
  rig_free(&r);
}
END_TEST

START_TEST(test_flush_close_gives_up_after_linger) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.linger_ms = 2000;
  rig r = rig_new(&cfg);
  sess s = {0};
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  fill_socket(sv[0]);
  xb_conn *c = xb_net_adopt(r.net, sv[0], &k_handlers, &s);
  ck_assert_int_eq(xb_conn_send(c, "CONNACK", 7, XB_SEND_CONTROL), XB_NET_OK);
  xb_conn_close(c, XB_CLOSE_FLUSH);
  advance(&r, 1900, 100);
  ck_assert_int_eq(s.closes, 0); /* still trying to write */
  advance(&r, 100 + 2 * XB_NET_TICK_MS, 50);
  ck_assert_int_eq(s.closes, 1);
  ck_assert_int_eq(s.reason, XB_CLOSE_LINGER);
  close(sv[1]);
  rig_free(&r);
}
END_TEST

START_TEST(test_close_now_after_flush_discards) {
  rig r = rig_new(NULL);
  sess s = {0};
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  fill_socket(sv[0]);
  xb_conn *c = xb_net_adopt(r.net, sv[0], &k_handlers, &s);
  ck_assert_int_eq(xb_conn_send(c, "x", 1, 0), XB_NET_OK);
  xb_conn_close(c, XB_CLOSE_FLUSH);
  xb_loop_run_once(r.loop, 0);
  ck_assert_int_eq(s.closes, 0);
  xb_conn_close(c, XB_CLOSE_NOW);
  xb_loop_run_once(r.loop, 0);
  ck_assert_int_eq(s.closes, 1);
  close(sv[1]);
  rig_free(&r);
}
END_TEST

Suite *xb_suite_net_deadline(void) {
  Suite *s = suite_create("net_deadline");
  TCase *t = tcase_create("deadline");
  tcase_add_test(t, test_deadline_fires_once_not_early);
  tcase_add_test(t, test_keepalive_refresh_moves_deadline_later);
  tcase_add_test(t, test_deadline_moved_earlier_and_cleared);
  tcase_add_test(t, test_many_deadlines_each_on_time);
  tcase_add_test(t, test_timeout_without_handler_closes);
  suite_add_tcase(s, t);
  t = tcase_create("slow");
  tcase_add_test(t, test_slow_subscriber_grace);
  tcase_add_test(t, test_queue_drained_is_not_slow);
  tcase_add_test(t, test_flush_close_gives_up_after_linger);
  tcase_add_test(t, test_close_now_after_flush_discards);
  suite_add_tcase(s, t);
  return s;
}
