/*
 * test_net_listen.c — listeners: address parsing, an ephemeral port on 127.0.0.1
 * accepting real TCP clients (peer address text, echo through the loop), the
 * connection limit with and without refuse slots, IPv6 loopback (skipped when the
 * host has none), address in use, listener close.
 */
#include "net/xb_log.h"
#include "net/xb_net.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

Suite *xb_suite_net_listen(void);

static const xb_loop_backend_kind k_backends[] = {XB_LOOP_EPOLL, XB_LOOP_POLL};

typedef struct {
  int accepts, over_accepts, closes, datas;
  char peer[64];
  uint16_t peer_port;
  int nodelay;
  xb_close_reason reason;
} server;

/* Echo server; over the limit it answers CONNACK 0x03 and closes (flush), as the
 * session layer is expected to. */
static int sv_accept(xb_conn *c, bool over, void *arg) {
  server *s = arg;
  if (over) {
    static const uint8_t connack[] = {0x20, 0x02, 0x00, 0x03};
    s->over_accepts++;
    ck_assert_int_eq(xb_conn_send(c, connack, sizeof connack, XB_SEND_CONTROL), XB_NET_OK);
    xb_conn_close(c, XB_CLOSE_FLUSH);
    return 0;
  }
  s->accepts++;
  snprintf(s->peer, sizeof s->peer, "%s", xb_conn_peer(c));
  s->peer_port = xb_conn_peer_port(c);
  socklen_t len = sizeof s->nodelay;
  if (getsockopt(xb_conn_fd(c), IPPROTO_TCP, TCP_NODELAY, &s->nodelay, &len) < 0) s->nodelay = -1;
  return 0;
}

static void sv_data(xb_conn *c, void *user) {
  server *s = user;
  size_t len;
  const uint8_t *p = xb_conn_in(c, &len);
  s->datas++;
  ck_assert_int_eq(xb_conn_send(c, p, len, 0), XB_NET_OK);
  xb_conn_in_consume(c, len);
}

static void sv_close(xb_conn *c, xb_close_reason why, int err, void *user) {
  (void)c;
  (void)err;
  server *s = user;
  s->closes++;
  s->reason = why;
}

static const xb_conn_handlers k_handlers = {sv_accept, sv_data, NULL, sv_close};

static int connect_to(int family, const char *ip, uint16_t port) {
  int fd = socket(family, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)(void *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    ck_assert_int_eq(inet_pton(AF_INET, ip, &a->sin_addr), 1);
    len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    ck_assert_int_eq(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
    len = sizeof *a;
  }
  /* Loopback connects complete in the kernel's backlog, before any accept. */
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&ss, len), 0);
  ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
  return fd;
}

static uint16_t local_port_of(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
  if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
  return ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
}

/* Runs the loop until fd has n bytes or EOF; returns bytes read, -1 if EOF came first. */
static ssize_t read_n(xb_loop *loop, int fd, uint8_t *buf, size_t n) {
  size_t got = 0;
  for (int i = 0; i < 200 && got < n; i++) {
    xb_loop_run_once(loop, 20);
    ssize_t r = read(fd, buf + got, n - got);
    if (r > 0) got += (size_t)r;
    else if (r == 0) return -1;
    else if (errno == ECONNRESET) return -1;
    else ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
  }
  return (ssize_t)got;
}

/* Runs the loop until the client sees EOF (or a reset). */
static bool wait_eof(xb_loop *loop, int fd) {
  uint8_t b[64];
  for (int i = 0; i < 200; i++) {
    xb_loop_run_once(loop, 20);
    ssize_t r = read(fd, b, sizeof b);
    if (r == 0 || (r < 0 && errno == ECONNRESET)) return true;
  }
  return false;
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

START_TEST(test_parse_addr_forms) {
  struct sockaddr_storage ss;
  socklen_t len;
  ck_assert_int_eq(xb_net_parse_addr("127.0.0.1:1883", &ss, &len), 0);
  ck_assert_int_eq(ss.ss_family, AF_INET);
  ck_assert_uint_eq(ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port), 1883);
  ck_assert_int_eq(xb_net_parse_addr("[::1]:8883", &ss, &len), 0);
  ck_assert_int_eq(ss.ss_family, AF_INET6);
  ck_assert_uint_eq(ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port), 8883);
  ck_assert_int_eq(xb_net_parse_addr("0.0.0.0:0", &ss, &len), 0);
  ck_assert_int_eq(xb_net_parse_addr("[::]:65535", &ss, &len), 0);
  static const char *bad[] = {"::1:1883",       "127.0.0.1",      "127.0.0.1:",
                              "127.0.0.1:65536", "127.0.0.1:12a", ":1883",
                              "[::1]1883",       "[::1:1883",      "[127.0.0.1]:1",
                              "1.2.3.4:-1",      "",               "[]:1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    errno = 0;
    ck_assert_msg(xb_net_parse_addr(bad[i], &ss, &len) == -1, "accepted %s", bad[i]);
    ck_assert_int_eq(errno, EINVAL);
  }
}
END_TEST

START_TEST(test_listen_ephemeral_accepts_and_echoes) {
  rig r = rig_new(k_backends[_i], NULL);
  server s = {0};
  xb_listener *l = xb_net_listen(r.net, "127.0.0.1:0", &k_handlers, &s);
  ck_assert_ptr_nonnull(l);
  uint16_t port = xb_listener_port(l);
  ck_assert_uint_ne(port, 0);
  char want[32];
  snprintf(want, sizeof want, "127.0.0.1:%u", port);
  ck_assert_str_eq(xb_listener_name(l), want);
  int fd = connect_to(AF_INET, "127.0.0.1", port);
  for (int i = 0; i < 100 && s.accepts == 0; i++) xb_loop_run_once(r.loop, 20);
  ck_assert_int_eq(s.accepts, 1);
  ck_assert_str_eq(s.peer, "127.0.0.1"); /* XB-TRANS-22: the socket's peer address */
  ck_assert_uint_eq(s.peer_port, local_port_of(fd));
  ck_assert_int_eq(s.nodelay, 1); /* XB-TRANS-8 */
  ck_assert_int_eq(write(fd, "\xc0\x00", 2), 2); /* PINGREQ, say */
  uint8_t buf[2];
  ck_assert_int_eq(read_n(r.loop, fd, buf, 2), 2);
  ck_assert_mem_eq(buf, "\xc0\x00", 2);
  close(fd);
  for (int i = 0; i < 100 && s.closes == 0; i++) xb_loop_run_once(r.loop, 20);
  ck_assert_int_eq(s.closes, 1);
  ck_assert_int_eq(s.reason, XB_CLOSE_PEER);
  xb_net_stats st;
  xb_net_get_stats(r.net, &st);
  ck_assert_uint_eq(st.accepted, 1);
  ck_assert_uint_eq(st.conns, 0);
  rig_free(&r);
}
END_TEST

START_TEST(test_many_clients_echo_and_close) {
  rig r = rig_new(k_backends[_i], NULL);
  server s = {0};
  xb_listener *l = xb_net_listen(r.net, "127.0.0.1:0", &k_handlers, &s);
  ck_assert_ptr_nonnull(l);
  enum { N = 200 };
  int fd[N];
  size_t got[N];
  for (int i = 0; i < N; i++) {
    fd[i] = connect_to(AF_INET, "127.0.0.1", xb_listener_port(l));
    char msg[16];
    snprintf(msg, sizeof msg, "m%05d", i);
    ck_assert_int_eq(write(fd[i], msg, 6), 6);
    got[i] = 0;
  }
  /* Every client gets its own message back, none another's. */
  size_t done = 0;
  char buf[N][8];
  for (int turn = 0; turn < 500 && done < N; turn++) {
    xb_loop_run_once(r.loop, 20);
    for (int i = 0; i < N; i++) {
      if (got[i] == 6) continue;
      ssize_t n = read(fd[i], buf[i] + got[i], 6 - got[i]);
      if (n > 0 && (got[i] += (size_t)n) == 6) done++;
    }
  }
  ck_assert_uint_eq(done, N);
  for (int i = 0; i < N; i++) {
    char want[16];
    snprintf(want, sizeof want, "m%05d", i);
    ck_assert_mem_eq(buf[i], want, 6);
    close(fd[i]);
  }
  for (int turn = 0; turn < 500 && s.closes < N; turn++) xb_loop_run_once(r.loop, 20);
  ck_assert_int_eq(s.accepts, N);
  ck_assert_int_eq(s.closes, N);
  xb_net_stats st;
  xb_net_get_stats(r.net, &st);
  ck_assert_uint_eq(st.conns, 0);
  ck_assert_uint_eq(st.bytes_in, 6 * N);
  ck_assert_uint_eq(st.bytes_out, 6 * N);
  rig_free(&r);
}
END_TEST

START_TEST(test_connection_limit_refuse_slot_then_direct_close) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.max_conns = 2;
  cfg.refuse_slots = 1;
  rig r = rig_new(k_backends[_i], &cfg);
  server s = {0};
  xb_listener *l = xb_net_listen(r.net, "127.0.0.1:0", &k_handlers, &s);
  ck_assert_ptr_nonnull(l);
  uint16_t port = xb_listener_port(l);
  int c1 = connect_to(AF_INET, "127.0.0.1", port);
  int c2 = connect_to(AF_INET, "127.0.0.1", port);
  int c3 = connect_to(AF_INET, "127.0.0.1", port);
  int c4 = connect_to(AF_INET, "127.0.0.1", port);
  xb_net_stats st = {0};
  for (int i = 0; i < 100 && st.accepted < 4; i++) {
    xb_loop_run_once(r.loop, 20);
    xb_net_get_stats(r.net, &st);
  }
  ck_assert_int_eq(s.accepts, 2);
  ck_assert_int_eq(s.over_accepts, 1);
  ck_assert_uint_eq(st.refused, 1);
  /* The third got the session's refusal (CONNACK 0x03) then EOF; the fourth had no
   * slot left and was closed at accept. */
  uint8_t buf[4];
  ck_assert_int_eq(read_n(r.loop, c3, buf, 4), 4);
  ck_assert_mem_eq(buf, "\x20\x02\x00\x03", 4);
  ck_assert(wait_eof(r.loop, c3));
  ck_assert(wait_eof(r.loop, c4));
  /* The served ones still work, and a slot freed by a close is reused. */
  ck_assert_int_eq(write(c1, "hi", 2), 2);
  ck_assert_int_eq(read_n(r.loop, c1, buf, 2), 2);
  close(c2);
  for (int i = 0; i < 100 && s.closes < 2; i++) xb_loop_run_once(r.loop, 20);
  ck_assert_int_eq(s.closes, 2); /* the refused one and c2 */
  int c5 = connect_to(AF_INET, "127.0.0.1", port);
  for (int i = 0; i < 100 && s.accepts < 3; i++) xb_loop_run_once(r.loop, 20);
  ck_assert_int_eq(s.accepts, 3);
  ck_assert_int_eq(s.over_accepts, 1);
  close(c1), close(c3), close(c4), close(c5);
  rig_free(&r);
}
END_TEST

/* XB-LIM-5: beyond the refusal slots a connection is closed at once, without reading
 * or sending, logged server-full; XB-TRANS-6: the `listening` line has the real port. */
START_TEST(test_connection_limit_without_refuse_slots_XB_LIM_5) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.max_conns = 1;
  cfg.refuse_slots = 0;
  rig r = rig_new(XB_LOOP_DEFAULT, &cfg);
  char dir[] = "/tmp/xb_net_log_XXXXXX", path[64];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/log", dir);
  xb_log_set_level(XB_LOG_INFO);
  ck_assert_int_eq(xb_log_open(path), 0);
  server s = {0};
  xb_listener *l = xb_net_listen(r.net, "127.0.0.1:0", &k_handlers, &s);
  uint16_t port = xb_listener_port(l);
  int c1 = connect_to(AF_INET, "127.0.0.1", port);
  int c2 = connect_to(AF_INET, "127.0.0.1", port);
  ck_assert(wait_eof(r.loop, c2));
  /* XB-TRANS-6 `listening` with the actual port; XB-LIM-5 `server-full` (spec/errors.md
   * line format: time, level, keyword, fields). */
  xb_log_close();
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  char text[2048];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  unlink(path);
  rmdir(dir);
  char want[64];
  snprintf(want, sizeof want, "Z info listening addr=127.0.0.1 port=%u\n", port);
  ck_assert_msg(strstr(text, want) != NULL, "log: %s", text);
  ck_assert_msg(strstr(text, "Z warn server-full conn=") != NULL, "log: %s", text);
  ck_assert_msg(strstr(text, " ip=127.0.0.1 client=- key=-\n") != NULL, "log: %s", text);
  ck_assert_int_eq(s.accepts, 1);
  ck_assert_int_eq(s.over_accepts, 0); /* closed without asking the session */
  xb_net_stats st;
  xb_net_get_stats(r.net, &st);
  ck_assert_uint_eq(st.refused, 1);
  close(c1), close(c2);
  rig_free(&r);
}
END_TEST

/* Refuses at the first bytes without reading the rest: the socket still holds input. */
static int rf_accept(xb_conn *c, bool over, void *arg) {
  (void)c;
  (void)over;
  (void)arg;
  return 0;
}
static void rf_data(xb_conn *c, void *user) {
  (void)user;
  ck_assert_int_eq(xb_conn_send(c, "\x20\x02\x00\x04", 4, XB_SEND_CONTROL), XB_NET_OK);
  xb_conn_close(c, XB_CLOSE_FLUSH);
}

/* XB-TRANS-25: the last required packet (a refusing CONNACK), then the close. */
START_TEST(test_flush_close_with_unread_input_is_not_a_reset_XB_TRANS_25) {
  xb_net_config cfg;
  xb_net_config_defaults(&cfg);
  cfg.in_cap = 16; /* the first read leaves most of the client's bytes in the kernel */
  rig r = rig_new(XB_LOOP_DEFAULT, &cfg);
  xb_conn_handlers h = {rf_accept, rf_data, NULL, NULL};
  xb_listener *l = xb_net_listen(r.net, "127.0.0.1:0", &h, NULL);
  int fd = connect_to(AF_INET, "127.0.0.1", xb_listener_port(l));
  static uint8_t junk[20000];
  ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
  /* Unread input at close() would make the kernel send RST, and the client could lose
   * the CONNACK: the CONNACK must arrive, followed by a clean EOF. */
  uint8_t buf[4];
  ck_assert_int_eq(read_n(r.loop, fd, buf, 4), 4);
  ck_assert_mem_eq(buf, "\x20\x02\x00\x04", 4);
  ssize_t n = -1;
  for (int i = 0; i < 200; i++) {
    xb_loop_run_once(r.loop, 20);
    n = read(fd, buf, sizeof buf);
    if (n >= 0 || errno != EAGAIN) break;
  }
  ck_assert_msg(n == 0, "expected EOF, got %zd (%s)", n, n < 0 ? strerror(errno) : "data");
  close(fd);
  rig_free(&r);
}
END_TEST

/* XB-TRANS-22: a peer seen through a dual-stack socket as ::ffff:127.0.0.1 is taken
 * as the IPv4 address 127.0.0.1 (source_ip checks compare IPv4 text). */
START_TEST(test_v4_mapped_peer_is_ipv4_XB_TRANS_22) {
  int lfd = socket(AF_INET6, SOCK_STREAM, 0);
  if (lfd < 0) return; /* no IPv6: no v4-mapped addresses either */
  int off = 0;
  ck_assert_int_eq(setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off), 0);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_any;
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(lfd);
    return;
  }
  ck_assert_int_eq(listen(lfd, 4), 0);
  rig r = rig_new(XB_LOOP_DEFAULT, NULL);
  server s = {0};
  int cfd = connect_to(AF_INET, "127.0.0.1", local_port_of(lfd));
  int afd = accept(lfd, NULL, NULL);
  ck_assert_int_ge(afd, 0);
  ck_assert_ptr_nonnull(xb_net_adopt(r.net, afd, &k_handlers, &s));
  ck_assert_str_eq(s.peer, "127.0.0.1");
  ck_assert_uint_eq(s.peer_port, local_port_of(cfd));
  close(cfd);
  close(lfd);
  rig_free(&r);
}
END_TEST

/* XB-TRANS-4: IPv6 listeners are V6ONLY, so IPv4 and IPv6 listeners share a port. */
START_TEST(test_ipv6_loopback_XB_TRANS_4) {
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  if (probe < 0) return; /* no IPv6 on this host: nothing to test */
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  int usable = bind(probe, (struct sockaddr *)&a, sizeof a) == 0;
  close(probe);
  if (!usable) return; /* ::1 not configured (containers with IPv6 disabled) */
  rig r = rig_new(k_backends[_i], NULL);
  server s = {0};
  xb_listener *l = xb_net_listen(r.net, "[::1]:0", &k_handlers, &s);
  ck_assert_ptr_nonnull(l);
  uint16_t port = xb_listener_port(l);
  char want[32];
  snprintf(want, sizeof want, "[::1]:%u", port);
  ck_assert_str_eq(xb_listener_name(l), want);
  /* V6ONLY: the same port number is still free on IPv4. */
  char v4[32];
  snprintf(v4, sizeof v4, "127.0.0.1:%u", port);
  xb_listener *l4 = xb_net_listen(r.net, v4, &k_handlers, &s);
  ck_assert_ptr_nonnull(l4);
  int fd = connect_to(AF_INET6, "::1", port);
  for (int i = 0; i < 100 && s.accepts == 0; i++) xb_loop_run_once(r.loop, 20);
  ck_assert_int_eq(s.accepts, 1);
  ck_assert_str_eq(s.peer, "::1");
  ck_assert_int_eq(write(fd, "v6", 2), 2);
  uint8_t buf[2];
  ck_assert_int_eq(read_n(r.loop, fd, buf, 2), 2);
  ck_assert_mem_eq(buf, "v6", 2);
  close(fd);
  rig_free(&r);
}
END_TEST

START_TEST(test_listen_errors_and_close) {
  rig r = rig_new(XB_LOOP_DEFAULT, NULL);
  server s = {0};
  errno = 0;
  ck_assert_ptr_null(xb_net_listen(r.net, "[not-an-address]:1", &k_handlers, &s));
  ck_assert_int_eq(errno, EINVAL);
  ck_assert_ptr_nonnull(strstr(xb_net_last_error(r.net), "[not-an-address]:1"));
  ck_assert_ptr_null(xb_net_listen(r.net, "127.0.0.1", &k_handlers, &s));
  xb_listener *l = xb_net_listen(r.net, "127.0.0.1:0", &k_handlers, &s);
  ck_assert_ptr_nonnull(l);
  char addr[32];
  snprintf(addr, sizeof addr, "127.0.0.1:%u", xb_listener_port(l));
  errno = 0;
  ck_assert_ptr_null(xb_net_listen(r.net, addr, &k_handlers, &s));
  ck_assert_int_eq(errno, EADDRINUSE);
  ck_assert_ptr_nonnull(strstr(xb_net_last_error(r.net), "bind: Address already in use"));
  /* Closing the listener keeps established connections. */
  int fd = connect_to(AF_INET, "127.0.0.1", xb_listener_port(l));
  for (int i = 0; i < 100 && s.accepts == 0; i++) xb_loop_run_once(r.loop, 20);
  xb_listener_close(l);
  ck_assert_int_eq(write(fd, "ok", 2), 2);
  uint8_t buf[2];
  ck_assert_int_eq(read_n(r.loop, fd, buf, 2), 2);
  ck_assert_int_eq(s.closes, 0);
  close(fd);
  rig_free(&r);
  ck_assert_int_eq(s.closes, 1);
}
END_TEST

Suite *xb_suite_net_listen(void) {
  Suite *s = suite_create("net_listen");
  TCase *t = tcase_create("listen");
  tcase_add_test(t, test_parse_addr_forms);
  tcase_add_loop_test(t, test_listen_ephemeral_accepts_and_echoes, 0, 2);
  tcase_add_loop_test(t, test_many_clients_echo_and_close, 0, 2);
  tcase_add_loop_test(t, test_connection_limit_refuse_slot_then_direct_close, 0, 2);
  tcase_add_test(t, test_connection_limit_without_refuse_slots_XB_LIM_5);
  tcase_add_test(t, test_v4_mapped_peer_is_ipv4_XB_TRANS_22);
  tcase_add_test(t, test_flush_close_with_unread_input_is_not_a_reset_XB_TRANS_25);
  tcase_add_loop_test(t, test_ipv6_loopback_XB_TRANS_4, 0, 2);
  tcase_add_test(t, test_listen_errors_and_close);
  suite_add_tcase(s, t);
  return s;
}
