/*
 * The session layer's secure listeners (xb_server_secure, xb_server.c) with a fake
 * transport, no TLS library: the handshake "completes" when the client sends 'H' and
 * "fails" on 'X'. Checks the handshake timeout (XB-TRANS-14), the CONNECT timeout
 * counted from the end of the handshake (XB-TRANS-20), the log lines of spec/errors.md
 * (XB-ERR-24: one line per failed or expired handshake), and that a connection past its
 * handshake is served as a plain one (XB-TRANS-7). Fake clock: test_session_util.h.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/xb_log.h"
#include "test_session_util.h"

typedef struct {
  xb_conn *c;
  xb_secure_done_fn done;
  int state; /* 0 handshake, 1 open, 2 failed */
} fake;

static ssize_t fk_read(void *ctx, int fd, void *buf, size_t len) {
  fake *f = ctx;
  if (f->state == 0) {
    char b;
    ssize_t r = recv(fd, &b, 1, 0);
    if (r == 0) return XB_IO_EOF;
    if (r < 0) return errno == EAGAIN ? XB_IO_WANT_READ : XB_IO_ERROR;
    if (b != 'H') {
      f->state = 2;
      f->done(f->c, "fake failure");
      errno = EPROTO;
      return XB_IO_ERROR;
    }
    f->state = 1;
    f->done(f->c, NULL);
  }
  ssize_t r = recv(fd, buf, len, 0);
  if (r == 0) return XB_IO_EOF;
  if (r < 0) return errno == EAGAIN ? XB_IO_WANT_READ : XB_IO_ERROR;
  return r;
}

static ssize_t fk_writev(void *ctx, int fd, const struct iovec *iov, int n) {
  (void)ctx;
  ssize_t r = writev(fd, iov, n);
  if (r < 0) return errno == EAGAIN ? XB_IO_WANT_WRITE : XB_IO_ERROR;
  return r;
}

static void fk_destroy(void *ctx) { free(ctx); }

static const xb_transport_ops k_fake = {"fake", fk_read, fk_writev, NULL, NULL, fk_destroy};

static int fk_attach(void *arg, xb_conn *c, xb_secure_done_fn done) {
  (void)arg;
  fake *f = calloc(1, sizeof *f);
  ck_assert_ptr_nonnull(f);
  f->c = c;
  f->done = done;
  xb_conn_set_transport(c, &k_fake, f);
  return 0;
}

static char g_log[128];

static void setup(void) {
  ts_setup();
  snprintf(g_log, sizeof g_log, "%s/log", TS.dir);
  ck_assert_int_eq(xb_log_open(g_log), 0);
}

static void teardown(void) {
  xb_log_open(NULL);
  unlink(g_log);
  ts_teardown();
}

/* The client end of a connection served through the fake secure transport. */
static int adopt_secure(uint32_t hs_ms) {
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
  xb_server_secure sec = {hs_ms, fk_attach, NULL, NULL};
  ck_assert_ptr_nonnull(xb_server_adopt_secure(TS.srv, sv[0], &sec));
  ts_turns(2);
  return sv[1];
}

/* 1: closed by the server (EOF), 0: still open. */
static int closed(int fd) {
  ts_turns(2);
  char b[64];
  ssize_t r = recv(fd, b, sizeof b, 0);
  return r == 0 || (r < 0 && errno == ECONNRESET);
}

/* Log lines containing needle. */
static int log_count(const char *needle) {
  FILE *f = fopen(g_log, "r");
  ck_assert_ptr_nonnull(f);
  char line[2048];
  int n = 0;
  while (fgets(line, sizeof line, f) != NULL)
    if (strstr(line, needle) != NULL) n++;
  fclose(f);
  return n;
}

START_TEST(test_handshake_timeout_XB_TRANS_14) {
  int fd = adopt_secure(3000);
  ts_advance(2800);
  ck_assert_int_eq(closed(fd), 0);
  ts_advance(400);
  ck_assert_int_eq(closed(fd), 1);
  ck_assert_int_eq(log_count("warn tls-handshake-timeout conn="), 1);
  ck_assert_int_eq(log_count("conn=1 "), 1); /* XB-ERR-24: one line, nothing else */
  close(fd);
}
END_TEST

START_TEST(test_connect_timeout_from_handshake_XB_TRANS_20) {
  int fd = adopt_secure(3000);
  ts_advance(2000);
  ts_send(fd, "H", 1);
  ts_turns(2);
  /* connect-timeout (10 s) counts from the handshake at 2 s, not from accept. */
  ts_advance(9800);
  ck_assert_int_eq(closed(fd), 0);
  ck_assert_int_eq(log_count("tls-handshake"), 0);
  ts_advance(400);
  ck_assert_int_eq(closed(fd), 1);
  ck_assert_int_eq(log_count("warn connect-timeout conn="), 1);
  close(fd);
}
END_TEST

START_TEST(test_handshake_failure_logged_once_XB_ERR_24) {
  int fd = adopt_secure(3000);
  ts_send(fd, "X", 1);
  ck_assert_int_eq(closed(fd), 1);
  ck_assert_int_eq(log_count("warn tls-handshake conn=1 ip=local client=- key=- detail=\"fake failure\""), 1);
  ck_assert_int_eq(log_count("conn=1 "), 1);
  close(fd);
  /* A peer gone during the handshake: the same reason, its own detail. */
  fd = adopt_secure(3000);
  shutdown(fd, SHUT_WR);
  ck_assert_int_eq(closed(fd), 1);
  ck_assert_int_eq(log_count("warn tls-handshake conn=2 ip=local client=- key=- detail=\"connection closed during the handshake\""), 1);
  ck_assert_int_eq(log_count("conn=2 "), 1);
  close(fd);
  ts_stats(); /* the server is still fine */
}
END_TEST

START_TEST(test_served_as_plain_after_handshake_XB_TRANS_7) {
  int fd = adopt_secure(3000);
  ts_send(fd, "H", 1);
  ts_conn_opts o = {4, "sec1", NULL, 0, true, NULL, NULL};
  ts_send_connect(fd, &o);
  uint8_t b[8];
  ssize_t got = 0;
  for (int i = 0; i < 20 && got < 4; i++) {
    ts_turns(1);
    ssize_t r = recv(fd, b + got, sizeof b - (size_t)got, 0);
    if (r > 0) got += r;
  }
  ck_assert_int_eq(got, 4);
  ck_assert_int_eq(memcmp(b, "\x20\x02\x00\x00", 4), 0);
  ck_assert_int_eq(log_count("info connect conn=1 ip=local client=sec1"), 1);
  /* Keep alive 0, no deadline left: the handshake timeout no longer applies. */
  ts_advance(5000);
  ck_assert_int_eq(closed(fd), 0);
  close(fd);
}
END_TEST

Suite *xb_suite_tls_session(void) {
  Suite *s = suite_create("tls_session");
  TCase *t = tcase_create("secure");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, test_handshake_timeout_XB_TRANS_14);
  tcase_add_test(t, test_connect_timeout_from_handshake_XB_TRANS_20);
  tcase_add_test(t, test_handshake_failure_logged_once_XB_ERR_24);
  tcase_add_test(t, test_served_as_plain_after_handshake_XB_TRANS_7);
  suite_add_tcase(s, t);
  return s;
}
