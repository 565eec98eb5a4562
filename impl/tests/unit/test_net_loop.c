/*
 * test_net_loop.c — the event loop: timer ordering and earliest timeout (fake clock, so
 * nothing sleeps), fd dispatch and unwatch inside callbacks on both backends, fd table
 * growth, before-sleep hooks, stop, and signals through the self-pipe.
 */
#include "net/xb_log.h"
#include "net/xb_loop.h"
#include "net/xb_signal.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Suite *xb_suite_net_loop(void);

static const xb_loop_backend_kind k_backends[] = {XB_LOOP_EPOLL, XB_LOOP_POLL};

static uint64_t g_now;
static uint64_t fake_clock(void *arg) {
  (void)arg;
  return g_now;
}

static xb_loop *fake_loop(void) {
  xb_loop *l = xb_loop_create(XB_LOOP_DEFAULT, 1024);
  ck_assert_ptr_nonnull(l);
  g_now = 1000;
  xb_loop_set_clock(l, fake_clock, NULL);
  return l;
}

/* ------------------------------------------------------------------ timers */

static char g_order[64];
static size_t g_norder;

static int64_t tag_timer(xb_loop *l, uint64_t id, void *arg) {
  (void)l;
  (void)id;
  g_order[g_norder++] = *(const char *)arg;
  g_order[g_norder] = '\0';
  return XB_TIMER_STOP;
}

START_TEST(test_timers_fire_in_deadline_order) {
  xb_loop *l = fake_loop();
  g_norder = 0;
  g_order[0] = '\0';
  static char a = 'a', b = 'b', c = 'c', d = 'd';
  ck_assert_uint_ne(xb_loop_timer_add(l, 30, tag_timer, &a), 0);
  ck_assert_uint_ne(xb_loop_timer_add(l, 10, tag_timer, &b), 0);
  ck_assert_uint_ne(xb_loop_timer_add(l, 20, tag_timer, &c), 0);
  ck_assert_uint_ne(xb_loop_timer_add(l, 10, tag_timer, &d), 0);
  ck_assert_int_eq(xb_loop_next_timeout(l), 10);
  ck_assert_int_eq(xb_loop_run_once(l, 0), 0); /* nothing due yet */
  ck_assert_str_eq(g_order, "");
  g_now += 10;
  ck_assert_int_eq(xb_loop_run_once(l, 0), 2);
  ck_assert_str_eq(g_order, "bd"); /* equal deadlines: in the order armed */
  ck_assert_int_eq(xb_loop_next_timeout(l), 10);
  g_now += 25;
  ck_assert_int_eq(xb_loop_run_once(l, 0), 2);
  ck_assert_str_eq(g_order, "bdca");
  ck_assert_int_eq(xb_loop_next_timeout(l), -1);
  xb_loop_destroy(l);
}
END_TEST

START_TEST(test_earliest_timeout_tracks_add_and_cancel) {
  xb_loop *l = fake_loop();
  static char x = 'x';
  ck_assert_int_eq(xb_loop_next_timeout(l), -1);
  uint64_t t50 = xb_loop_timer_add(l, 50, tag_timer, &x);
  ck_assert_int_eq(xb_loop_next_timeout(l), 50);
  uint64_t t5 = xb_loop_timer_add(l, 5, tag_timer, &x);
  ck_assert_int_eq(xb_loop_next_timeout(l), 5);
  ck_assert(xb_loop_timer_cancel(l, t5));
  ck_assert(!xb_loop_timer_cancel(l, t5)); /* a stale id is a no-op */
  ck_assert_int_eq(xb_loop_next_timeout(l), 50);
  g_now += 20;
  xb_loop_update_time(l);
  ck_assert_int_eq(xb_loop_next_timeout(l), 30);
  g_now += 100;
  xb_loop_update_time(l);
  ck_assert_int_eq(xb_loop_next_timeout(l), 0); /* overdue */
  ck_assert(xb_loop_timer_cancel(l, t50));
  ck_assert_int_eq(xb_loop_next_timeout(l), -1);
  ck_assert_uint_eq(xb_loop_timer_count(l), 0);
  xb_loop_destroy(l);
}
END_TEST

static int g_fired;
static uint64_t g_spawned;

static int64_t rearm_three_times(xb_loop *l, uint64_t id, void *arg) {
  (void)l;
  (void)id;
  (void)arg;
  return ++g_fired < 3 ? 7 : XB_TIMER_STOP;
}

static int64_t cancel_self(xb_loop *l, uint64_t id, void *arg) {
  (void)arg;
  g_fired++;
  ck_assert(xb_loop_timer_cancel(l, id));
  return 1; /* ignored: cancelled inside its callback */
}

static int64_t spawn_zero_delay(xb_loop *l, uint64_t id, void *arg) {
  (void)id;
  g_fired++;
  g_spawned = xb_loop_timer_add(l, 0, rearm_three_times, arg);
  return XB_TIMER_STOP;
}

START_TEST(test_timer_rearm_cancel_and_no_same_turn_refire) {
  xb_loop *l = fake_loop();
  g_fired = 0;
  xb_loop_timer_add(l, 7, rearm_three_times, NULL);
  for (int i = 0; i < 3; i++) {
    g_now += 7;
    ck_assert_int_eq(xb_loop_run_once(l, 0), 1);
  }
  ck_assert_int_eq(g_fired, 3);
  ck_assert_uint_eq(xb_loop_timer_count(l), 0);

  g_fired = 0;
  uint64_t id = xb_loop_timer_add(l, 1, cancel_self, NULL);
  g_now += 1;
  xb_loop_run_once(l, 0);
  ck_assert_int_eq(g_fired, 1);
  ck_assert_uint_eq(xb_loop_timer_count(l), 0);
  ck_assert(!xb_loop_timer_cancel(l, id));

  /* A delay-0 timer armed by a firing timer waits for the next turn. */
  g_fired = 0;
  xb_loop_timer_add(l, 0, spawn_zero_delay, NULL);
  ck_assert_int_eq(xb_loop_run_once(l, 0), 1);
  ck_assert_int_eq(g_fired, 1);
  ck_assert_uint_eq(xb_loop_timer_count(l), 1);
  ck_assert_int_eq(xb_loop_run_once(l, 0), 1);
  ck_assert_int_eq(g_fired, 2);
  xb_loop_destroy(l);
}
END_TEST

#define MANY 2000
static int g_fire_count[MANY];
static uint64_t g_last_fire;
static bool g_order_ok;

static int g_index[MANY];
static uint64_t g_due[MANY];

static int64_t record_index(xb_loop *l, uint64_t id, void *arg) {
  (void)id;
  int i = *(const int *)arg;
  uint64_t now = xb_loop_now(l);
  if (now < g_due[i] || g_due[i] < g_last_fire) g_order_ok = false;
  g_last_fire = g_due[i];
  g_fire_count[i]++;
  return XB_TIMER_STOP;
}

START_TEST(test_timer_heap_many_random) {
  xb_loop *l = fake_loop();
  uint64_t ids[MANY];
  uint32_t seed = 12345;
  uint64_t start = g_now;
  for (int i = 0; i < MANY; i++) {
    seed = seed * 1103515245u + 12345u;
    uint64_t delay = (seed >> 8) % 5000;
    g_index[i] = i;
    g_due[i] = start + delay;
    g_fire_count[i] = 0;
    ids[i] = xb_loop_timer_add(l, delay, record_index, &g_index[i]);
    ck_assert_uint_ne(ids[i], 0);
  }
  for (int i = 0; i < MANY; i += 3) ck_assert(xb_loop_timer_cancel(l, ids[i]));
  g_order_ok = true;
  g_last_fire = 0;
  /* Advance in coarse steps: within a turn, due timers must still come out sorted. */
  for (int step = 0; step < 60 && xb_loop_timer_count(l) > 0; step++) {
    g_now += 97;
    xb_loop_run_once(l, 0);
  }
  ck_assert(g_order_ok);
  for (int i = 0; i < MANY; i++) ck_assert_int_eq(g_fire_count[i], i % 3 == 0 ? 0 : 1);
  ck_assert_uint_eq(xb_loop_timer_count(l), 0);
  xb_loop_destroy(l);
}
END_TEST

/* ------------------------------------------------------------------ fds */

static int g_events;
static int g_calls;

static void count_handler(xb_loop *l, int fd, int events, void *arg) {
  (void)l;
  (void)arg;
  char buf[16];
  g_calls++;
  g_events |= events;
  if (events & XB_EV_READ) ck_assert_int_gt(read(fd, buf, sizeof buf), 0);
}

static void make_pipe(int p[2]) {
  ck_assert_int_eq(pipe(p), 0);
  ck_assert_int_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
}

START_TEST(test_fd_dispatch_read_write) {
  xb_loop *l = xb_loop_create(k_backends[_i], 1024);
  ck_assert_ptr_nonnull(l);
  int p[2];
  make_pipe(p);
  g_calls = g_events = 0;
  ck_assert_int_eq(xb_loop_watch(l, p[0], XB_EV_READ, count_handler, NULL), 0);
  ck_assert_int_eq(xb_loop_run_once(l, 0), 0);
  ck_assert_int_eq(g_calls, 0);
  ck_assert_int_eq(write(p[1], "x", 1), 1);
  ck_assert_int_eq(xb_loop_run_once(l, 1000), 1);
  ck_assert_int_eq(g_events, XB_EV_READ);
  /* The write end of a pipe with room is writable at once. */
  g_calls = g_events = 0;
  ck_assert_int_eq(xb_loop_watch(l, p[1], XB_EV_WRITE, count_handler, NULL), 0);
  ck_assert_int_eq(xb_loop_run_once(l, 1000), 1);
  ck_assert_int_eq(g_events, XB_EV_WRITE);
  ck_assert_int_eq(xb_loop_set_mask(l, p[1], 0), 0);
  g_calls = 0;
  ck_assert_int_eq(xb_loop_run_once(l, 0), 0);
  ck_assert_int_eq(g_calls, 0);
  ck_assert_int_eq(xb_loop_mask(l, p[1]), 0);
  ck_assert_int_eq(xb_loop_set_mask(l, 999, XB_EV_READ), -1);
  xb_loop_destroy(l);
  close(p[0]);
  close(p[1]);
}
END_TEST

/* Interest narrowed (reading stopped, as the session does at the batch limit,
 * XB-STORE-12) is never dispatched, yet is dropped before the loop blocks: a readable fd
 * nobody reads cannot make the wait return at once; widened again it is dispatched. */
START_TEST(test_narrowed_interest_never_dispatched_nor_spins_XB_STORE_12) {
  xb_loop *l = xb_loop_create(k_backends[_i], 1024);
  ck_assert_ptr_nonnull(l);
  int p[2];
  make_pipe(p);
  g_calls = g_events = 0;
  ck_assert_int_eq(xb_loop_watch(l, p[0], XB_EV_READ, count_handler, NULL), 0);
  ck_assert_int_eq(write(p[1], "xy", 2), 2);
  /* Stopped and resumed between two waits: still dispatched as if nothing happened. */
  ck_assert_int_eq(xb_loop_set_mask(l, p[0], 0), 0);
  ck_assert_int_eq(xb_loop_set_mask(l, p[0], XB_EV_READ), 0);
  ck_assert_int_eq(xb_loop_run_once(l, 0), 1);
  ck_assert_int_eq(g_calls, 1);
  ck_assert_int_eq(write(p[1], "z", 1), 1);
  ck_assert_int_eq(xb_loop_set_mask(l, p[0], 0), 0);
  ck_assert_int_eq(xb_loop_mask(l, p[0]), 0);
  for (int i = 0; i < 3; i++) ck_assert_int_eq(xb_loop_run_once(l, 0), 0); /* not waiting */
  uint64_t t0 = xb_monotonic_ms();
  ck_assert_int_eq(xb_loop_run_once(l, 60), 0); /* waits: the fd is not watched any more */
  ck_assert_uint_ge(xb_monotonic_ms() - t0, 40);
  ck_assert_int_eq(g_calls, 1);
  ck_assert_int_eq(xb_loop_set_mask(l, p[0], XB_EV_READ), 0);
  ck_assert_int_eq(xb_loop_run_once(l, 1000), 1);
  ck_assert_int_eq(g_calls, 2);
  /* Unwatched while narrowed, the number reused at once: only the new owner is called. */
  ck_assert_int_eq(write(p[1], "w", 1), 1);
  ck_assert_int_eq(xb_loop_set_mask(l, p[0], 0), 0);
  xb_loop_unwatch(l, p[0]);
  ck_assert_int_eq(xb_loop_watch(l, p[0], XB_EV_READ, count_handler, NULL), 0);
  ck_assert_int_eq(xb_loop_run_once(l, 1000), 1);
  ck_assert_int_eq(g_calls, 3);
  xb_loop_destroy(l);
  close(p[0]);
  close(p[1]);
}
END_TEST

static void unwatch_other(xb_loop *l, int fd, int events, void *arg) {
  (void)events;
  (void)fd;
  g_calls++;
  xb_loop_unwatch(l, *(const int *)arg);
}

START_TEST(test_unwatch_inside_callback_skips_later_fd) {
  xb_loop *l = xb_loop_create(k_backends[_i], 1024);
  int a[2], b[2];
  make_pipe(a);
  make_pipe(b);
  /* Whichever handler runs first unwatches the other fd: only one may run. */
  static int fa, fb;
  fa = a[0];
  fb = b[0];
  ck_assert_int_eq(xb_loop_watch(l, a[0], XB_EV_READ, unwatch_other, &fb), 0);
  ck_assert_int_eq(xb_loop_watch(l, b[0], XB_EV_READ, unwatch_other, &fa), 0);
  ck_assert_int_eq(write(a[1], "x", 1), 1);
  ck_assert_int_eq(write(b[1], "x", 1), 1);
  g_calls = 0;
  ck_assert_int_eq(xb_loop_run_once(l, 1000), 1);
  ck_assert_int_eq(g_calls, 1);
  xb_loop_destroy(l);
  close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}
END_TEST

START_TEST(test_fd_table_grows_and_is_bounded) {
  xb_loop *l = xb_loop_create(k_backends[_i], 512);
  int p[2];
  make_pipe(p);
  /* Well above the initial table (64): the table doubles until it fits. */
  int hi = fcntl(p[0], F_DUPFD, 300);
  ck_assert_int_ge(hi, 300);
  g_calls = 0;
  ck_assert_int_eq(xb_loop_watch(l, hi, XB_EV_READ, count_handler, NULL), 0);
  ck_assert_int_eq(write(p[1], "x", 1), 1);
  ck_assert_int_eq(xb_loop_run_once(l, 1000), 1);
  ck_assert_int_eq(g_calls, 1);
  int over = fcntl(p[0], F_DUPFD, 600);
  ck_assert_int_ge(over, 600);
  errno = 0;
  ck_assert_int_eq(xb_loop_watch(l, over, XB_EV_READ, count_handler, NULL), -1);
  ck_assert_int_eq(errno, ERANGE);
  xb_loop_destroy(l);
  close(hi), close(over), close(p[0]), close(p[1]);
}
END_TEST

/* ------------------------------------------------------------------ hooks, stop */

static void hook_a(xb_loop *l, void *arg) {
  (void)l;
  g_order[g_norder++] = *(const char *)arg;
  g_order[g_norder] = '\0';
}

static int64_t stop_timer(xb_loop *l, uint64_t id, void *arg) {
  (void)id;
  (void)arg;
  xb_loop_stop(l);
  return XB_TIMER_STOP;
}

START_TEST(test_before_sleep_hooks_and_stop) {
  xb_loop *l = fake_loop();
  static char h1 = '1', h2 = '2';
  g_norder = 0;
  ck_assert_int_eq(xb_loop_add_before_sleep(l, hook_a, &h1), 0);
  ck_assert_int_eq(xb_loop_add_before_sleep(l, hook_a, &h2), 0);
  xb_loop_run_once(l, 0);
  ck_assert_str_eq(g_order, "12");
  xb_loop_remove_before_sleep(l, hook_a, &h1);
  xb_loop_run_once(l, 0);
  ck_assert_str_eq(g_order, "122");
  /* xb_loop_run returns once a callback stops it: an overdue timer fires at turn 1. */
  xb_loop_timer_add(l, 0, stop_timer, NULL);
  ck_assert_int_eq(xb_loop_run(l), 0);
  ck_assert(xb_loop_stopping(l));
  xb_loop_destroy(l);
}
END_TEST

/* ------------------------------------------------------------------ signals */

static int g_stop_signo;
static int g_hups;
static void on_stop(int signo, void *arg) {
  g_stop_signo = signo;
  xb_loop_stop(arg);
}
static void on_hup(void *arg) {
  (void)arg;
  g_hups++;
}

START_TEST(test_signals_stop_and_hup) {
  xb_log_set_level(XB_LOG_ERROR);
  xb_loop *l = xb_loop_create(k_backends[_i], 1024);
  xb_signal_hooks h = {on_stop, on_hup, l};
  g_stop_signo = 0;
  g_hups = 0;
  ck_assert_int_eq(xb_signals_install(l, &h), 0);
  ck_assert_int_eq(xb_signals_install(l, &h), -1); /* one per process */
  ck_assert_int_eq(raise(SIGHUP), 0);
  for (int i = 0; i < 50 && g_hups == 0; i++) xb_loop_run_once(l, 100);
  ck_assert_int_eq(g_hups, 1);
  ck_assert(!xb_loop_stopping(l));
  ck_assert_int_eq(raise(SIGPIPE), 0); /* ignored: must not kill the process */
  ck_assert_int_eq(raise(SIGTERM), 0);
  for (int i = 0; i < 50 && !xb_loop_stopping(l); i++) xb_loop_run_once(l, 100);
  ck_assert(xb_loop_stopping(l));
  ck_assert_int_eq(g_stop_signo, SIGTERM);
  xb_signals_uninstall();
  xb_loop_destroy(l);
}
END_TEST

START_TEST(test_sigint_default_stops_loop) {
  xb_log_set_level(XB_LOG_ERROR);
  xb_loop *l = xb_loop_create(XB_LOOP_DEFAULT, 1024);
  struct sigaction before, sa;
  sigaction(SIGINT, NULL, &before);
  ck_assert_int_eq(xb_signals_install(l, NULL), 0);
  ck_assert_int_eq(raise(SIGINT), 0);
  /* xb_loop_run itself must return: no other stop source exists here. */
  ck_assert_int_eq(xb_loop_run(l), 0);
  xb_signals_uninstall();
  sigaction(SIGINT, NULL, &sa); /* the disposition from before install is back */
  ck_assert(sa.sa_handler == before.sa_handler);
  xb_loop_destroy(l);
}
END_TEST

Suite *xb_suite_net_loop(void) {
  Suite *s = suite_create("net_loop");
  TCase *t = tcase_create("timers");
  tcase_add_test(t, test_timers_fire_in_deadline_order);
  tcase_add_test(t, test_earliest_timeout_tracks_add_and_cancel);
  tcase_add_test(t, test_timer_rearm_cancel_and_no_same_turn_refire);
  tcase_add_test(t, test_timer_heap_many_random);
  suite_add_tcase(s, t);
  t = tcase_create("fds");
  tcase_add_loop_test(t, test_fd_dispatch_read_write, 0, 2);
  tcase_add_loop_test(t, test_narrowed_interest_never_dispatched_nor_spins_XB_STORE_12, 0, 2);
  tcase_add_loop_test(t, test_unwatch_inside_callback_skips_later_fd, 0, 2);
  tcase_add_loop_test(t, test_fd_table_grows_and_is_bounded, 0, 2);
  suite_add_tcase(s, t);
  t = tcase_create("run");
  tcase_add_test(t, test_before_sleep_hooks_and_stop);
  tcase_add_loop_test(t, test_signals_stop_and_hup, 0, 2);
  tcase_add_test(t, test_sigint_default_stops_loop);
  suite_add_tcase(s, t);
  return s;
}
