/*
 * Unit tests of impl/tls (xb_tls.h): the TLS transport on a socketpair, driven by the
 * net layer's loop, against an OpenSSL client in the same thread (non-blocking, pumped
 * between loop turns). The server echoes what it reads. Certificates are made in
 * memory (EC P-256, self-signed) and written to a temporary directory.
 * spec/transport.md §2: XB-TRANS-10..21, spec/errors.md XB-ERR-24.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/xb_loop.h"
#include "net/xb_net.h"
#include "tls/xb_tls.h"

static char g_dir[64], g_cert[128], g_key[128], g_other[128];

static void write_key(const char *path, EVP_PKEY *k) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
  fclose(f);
}

static void make_certs(void) {
  snprintf(g_dir, sizeof g_dir, "/tmp/xbtlsunit-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(g_dir));
  snprintf(g_cert, sizeof g_cert, "%s/cert.pem", g_dir);
  snprintf(g_key, sizeof g_key, "%s/key.pem", g_dir);
  snprintf(g_other, sizeof g_other, "%s/other.pem", g_dir);
  EVP_PKEY *k = EVP_EC_gen("P-256");
  EVP_PKEY *o = EVP_EC_gen("P-256");
  ck_assert_ptr_nonnull(k);
  X509 *x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, k);
  X509_NAME *n = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
  X509_set_issuer_name(x, n);
  ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
  FILE *f = fopen(g_cert, "w");
  ck_assert_ptr_nonnull(f);
  PEM_write_X509(f, x);
  fclose(f);
  write_key(g_key, k);
  write_key(g_other, o);
  X509_free(x);
  EVP_PKEY_free(k);
  EVP_PKEY_free(o);
}

static void rm_certs(void) {
  unlink(g_cert);
  unlink(g_key);
  unlink(g_other);
  rmdir(g_dir);
}

/* ------------------------------------------------------------------ the rig */

typedef struct {
  xb_loop *loop;
  xb_net *net;
  xb_tls *tls;
  xb_conn *c;
  int done_calls;
  char done_detail[160]; /* "" for success */
  int closes;
  xb_close_reason reason;
  char close_error[160];
  bool echo;
  int data_calls;    /* on_data calls */
  size_t data_bytes; /* bytes seen by on_data */
} rig;

static rig R;

static void on_done(xb_conn *c, const char *detail) {
  (void)c;
  R.done_calls++;
  snprintf(R.done_detail, sizeof R.done_detail, "%s", detail ? detail : "");
  if (detail != NULL) xb_conn_close(c, XB_CLOSE_NOW); /* as the session does */
}

static int on_accept(xb_conn *c, bool over, void *arg) {
  (void)over;
  (void)arg;
  R.c = c;
  return xb_tls_attach(R.tls, c, on_done);
}

static void on_data(xb_conn *c, void *user) {
  (void)user;
  size_t len = 0;
  const uint8_t *p = xb_conn_in(c, &len);
  R.data_calls++;
  R.data_bytes += len;
  if (R.echo && xb_conn_send(c, p, len, XB_SEND_CONTROL) != XB_NET_OK) return;
  xb_conn_in_consume(c, len);
}

static void on_close(xb_conn *c, xb_close_reason reason, int err, void *user) {
  (void)err;
  (void)user;
  R.closes++;
  R.reason = reason;
  const char *e = xb_tls_conn_error(c);
  snprintf(R.close_error, sizeof R.close_error, "%s", e ? e : "");
  R.c = NULL;
}

static const xb_conn_handlers k_h = {on_accept, on_data, NULL, on_close};

/* The client end of a new socketpair whose other end the net serves with TLS. */
static int rig_start(const xb_tls_config *cfg) {
  memset(&R, 0, sizeof R);
  R.echo = true;
  R.loop = xb_loop_create(XB_LOOP_DEFAULT, 256);
  R.net = xb_net_create(R.loop, NULL);
  xb_tls_config def = {g_cert, g_key, NULL, NULL, NULL, NULL};
  xb_tls_status st;
  char err[256];
  R.tls = xb_tls_create(cfg ? cfg : &def, &st, err, sizeof err);
  ck_assert_msg(R.tls != NULL, "%s", err);
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_ptr_nonnull(xb_net_adopt(R.net, sv[0], &k_h, NULL));
  ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
  return sv[1];
}

static void rig_stop(void) {
  xb_net_destroy(R.net);
  xb_tls_stats s;
  xb_tls_get_stats(R.tls, &s);
  ck_assert_uint_eq(s.live, 0); /* every connection's TLS state freed */
  xb_tls_destroy(R.tls);
  xb_loop_destroy(R.loop);
}

static void turn(void) { ck_assert_int_ge(xb_loop_run_once(R.loop, 0), 0); }

static SSL *client(int fd, int minv, int maxv, SSL_CTX **ctxp) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (maxv != 0 && maxv < TLS1_2_VERSION) SSL_CTX_set_security_level(ctx, 0);
  if (minv) SSL_CTX_set_min_proto_version(ctx, minv);
  if (maxv) SSL_CTX_set_max_proto_version(ctx, maxv);
  ck_assert_int_eq(SSL_CTX_load_verify_locations(ctx, g_cert, NULL), 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  SSL *s = SSL_new(ctx);
  SSL_set_fd(s, fd);
  SSL_set_connect_state(s);
  *ctxp = ctx;
  return s;
}

/* Pumps the handshake; 1 done, 0 failed. */
static int handshake(SSL *s) {
  for (int i = 0; i < 400; i++) {
    int r = SSL_do_handshake(s);
    if (r == 1) return 1;
    int e = SSL_get_error(s, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      ERR_clear_error();
      turn();
      return 0;
    }
    turn();
  }
  return 0;
}

/* Sends n bytes of a pattern and reads the echo back, pumping the loop. */
static void echo(SSL *s, size_t n) {
  uint8_t *out = malloc(n), *in = malloc(n);
  for (size_t i = 0; i < n; i++) out[i] = (uint8_t)(i * 7u + 3u);
  size_t w = 0, r = 0;
  for (int i = 0; i < 100000 && r < n; i++) {
    if (w < n) {
      size_t k = 0;
      if (SSL_write_ex(s, out + w, n - w > 20000 ? 20000 : n - w, &k) == 1) w += k;
      else ERR_clear_error();
    }
    size_t k = 0;
    if (SSL_read_ex(s, in + r, n - r, &k) == 1) r += k;
    else ERR_clear_error();
    turn();
  }
  ck_assert_uint_eq(r, n);
  ck_assert_int_eq(memcmp(in, out, n), 0);
  free(out);
  free(in);
}

static void client_free(SSL *s, SSL_CTX *ctx) {
  SSL_free(s);
  SSL_CTX_free(ctx);
  ERR_clear_error();
}

/* ------------------------------------------------------------------ tests */

/* XB-TRANS-11: TLS 1.2 and 1.3 complete; the end of the handshake is reported once. */
START_TEST(test_handshake_and_echo_XB_TRANS_11) {
  int vers[2] = {TLS1_2_VERSION, TLS1_3_VERSION};
  const char *names[2] = {"TLSv1.2", "TLSv1.3"};
  for (int v = 0; v < 2; v++) {
    int fd = rig_start(NULL);
    SSL_CTX *ctx;
    SSL *s = client(fd, vers[v], vers[v], &ctx);
    ck_assert_int_eq(handshake(s), 1);
    echo(s, 10);
    ck_assert_int_eq(R.done_calls, 1);
    ck_assert_str_eq(R.done_detail, "");
    ck_assert_str_eq(xb_tls_conn_version(R.c), names[v]);
    ck_assert_int_eq(SSL_get_current_compression(s) == NULL, 1); /* XB-TRANS-12 */
    client_free(s, ctx);
    close(fd);
    rig_stop();
  }
}
END_TEST

/* Large transfers: records of 16 kB, partial writes on a small socket buffer
 * (want-write, retried with the queue's bytes at a moved address), read-ahead with
 * several records buffered (pending bytes read from the hook). */
START_TEST(test_large_echo_small_buffers) {
  int fd = rig_start(NULL);
  int small = 4096;
  setsockopt(xb_conn_fd(R.c), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  SSL_CTX *ctx;
  SSL *s = client(fd, 0, 0, &ctx);
  ck_assert_int_eq(handshake(s), 1);
  echo(s, 200000);
  echo(s, 1);
  client_free(s, ctx);
  close(fd);
  rig_stop();
}
END_TEST

/* XB-TRANS-10, XB-ERR-24: clear text instead of a ClientHello fails the handshake. */
START_TEST(test_clear_text_fails_handshake_XB_TRANS_10) {
  int fd = rig_start(NULL);
  ck_assert_int_eq(write(fd, "\x10\x0c\x00\x04MQTT\x04\x02\x00\x00\x00\x00", 14), 14);
  for (int i = 0; i < 20 && R.closes == 0; i++) turn();
  ck_assert_int_eq(R.done_calls, 1);
  ck_assert_str_ne(R.done_detail, "");
  ck_assert_int_eq(R.closes, 1);
  xb_tls_stats st;
  xb_tls_get_stats(R.tls, &st);
  ck_assert_uint_eq(st.failures, 1);
  ck_assert_uint_eq(st.handshakes, 0);
  close(fd);
  rig_stop();
}
END_TEST

/* XB-TRANS-11: a client offering only TLS 1.1 fails (protocol_version). */
START_TEST(test_tls11_refused_XB_TRANS_11) {
  int fd = rig_start(NULL);
  SSL_CTX *ctx;
  SSL *s = client(fd, TLS1_1_VERSION, TLS1_1_VERSION, &ctx);
  ck_assert_int_eq(handshake(s), 0);
  for (int i = 0; i < 20 && R.closes == 0; i++) turn();
  ck_assert_str_eq(R.done_detail, "unsupported protocol");
  client_free(s, ctx);
  close(fd);
  rig_stop();
}
END_TEST

/* XB-ERR-24: a handshake that stops half way and then the peer closes. */
START_TEST(test_half_handshake_then_eof_XB_ERR_24) {
  int fd = rig_start(NULL);
  ck_assert_int_eq(write(fd, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), 11);
  turn();
  turn();
  ck_assert_int_eq(R.done_calls, 0); /* still waiting: nothing blocks */
  shutdown(fd, SHUT_WR);
  for (int i = 0; i < 20 && R.closes == 0; i++) turn();
  ck_assert_int_eq(R.done_calls, 1);
  ck_assert_str_eq(R.done_detail, "connection closed during the handshake");
  close(fd);
  rig_stop();
}
END_TEST

/* XB-TRANS-24: a record that does not decrypt ends the connection as an error, with
 * the TLS reason available to its close's log line. */
START_TEST(test_garbage_record_after_handshake_XB_TRANS_24) {
  int fd = rig_start(NULL);
  SSL_CTX *ctx;
  SSL *s = client(fd, 0, 0, &ctx);
  ck_assert_int_eq(handshake(s), 1);
  echo(s, 5);
  uint8_t junk[53] = {0x17, 0x03, 0x03, 0x00, 0x30};
  for (size_t i = 5; i < sizeof junk; i++) junk[i] = (uint8_t)i;
  ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
  for (int i = 0; i < 20 && R.closes == 0; i++) turn();
  ck_assert_int_eq(R.closes, 1);
  ck_assert_int_eq(R.reason, XB_CLOSE_ERROR);
  ck_assert_str_eq(R.close_error, "decryption failed or bad record mac");
  client_free(s, ctx);
  close(fd);
  rig_stop();
}
END_TEST

/* XB-STORE-9: the packets completely received when the server wakes up form one
 * batch. A client that wrote many small records (one per PUBLISH) before the server's
 * turn has them all handed to the session in one read, not one record per turn. */
START_TEST(test_burst_of_records_in_one_read_XB_STORE_9) {
  int fd = rig_start(NULL);
  R.echo = false;
  SSL_CTX *ctx;
  SSL *s = client(fd, 0, 0, &ctx);
  ck_assert_int_eq(handshake(s), 1);
  turn();
  R.data_calls = 0;
  R.data_bytes = 0;
  uint8_t rec[25];
  memset(rec, 'p', sizeof rec);
  for (int i = 0; i < 40; i++) {
    size_t k = 0;
    ck_assert_int_eq(SSL_write_ex(s, rec, sizeof rec, &k), 1); /* one record each */
  }
  turn();
  ck_assert_uint_eq(R.data_bytes, 40 * sizeof rec);
  ck_assert_int_eq(R.data_calls, 1);
  client_free(s, ctx);
  close(fd);
  rig_stop();
}
END_TEST

/* What ends a burst of records (the client's close_notify, a record that does not
 * decrypt, XB-TRANS-24) comes after the bytes before it, and is still reported at once
 * without another byte from the client. */
START_TEST(test_burst_then_end_or_garbage_XB_TRANS_24) {
  for (int garbage = 0; garbage < 2; garbage++) {
    int fd = rig_start(NULL);
    R.echo = false;
    SSL_CTX *ctx;
    SSL *s = client(fd, 0, 0, &ctx);
    ck_assert_int_eq(handshake(s), 1);
    turn();
    R.data_bytes = 0;
    for (int i = 0; i < 3; i++) {
      size_t k = 0;
      ck_assert_int_eq(SSL_write_ex(s, "abcd", 4, &k), 1);
    }
    if (garbage) {
      uint8_t junk[53] = {0x17, 0x03, 0x03, 0x00, 0x30};
      for (size_t i = 5; i < sizeof junk; i++) junk[i] = (uint8_t)i;
      ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    } else {
      ck_assert_int_eq(SSL_shutdown(s), 0);
    }
    for (int i = 0; i < 5 && R.closes == 0; i++) turn();
    ck_assert_uint_eq(R.data_bytes, 12);
    ck_assert_int_eq(R.closes, 1);
    ck_assert_int_eq(R.reason, garbage ? XB_CLOSE_ERROR : XB_CLOSE_PEER);
    if (garbage) ck_assert_str_eq(R.close_error, "decryption failed or bad record mac");
    client_free(s, ctx);
    close(fd);
    rig_stop();
  }
}
END_TEST

/* XB-TRANS-21: close_notify when the server closes, with or without flush; the
 * client's close_notify is an orderly end (peer-closed). */
START_TEST(test_close_notify_XB_TRANS_21) {
  for (int how = 0; how < 3; how++) {
    int fd = rig_start(NULL);
    SSL_CTX *ctx;
    SSL *s = client(fd, 0, 0, &ctx);
    ck_assert_int_eq(handshake(s), 1);
    echo(s, 3);
    if (how < 2) {
      xb_conn_close(R.c, how == 0 ? XB_CLOSE_FLUSH : XB_CLOSE_NOW);
      for (int i = 0; i < 5; i++) turn();
      uint8_t b[16];
      size_t k = 0;
      int r = SSL_read_ex(s, b, sizeof b, &k);
      ck_assert_int_eq(r, 0);
      ck_assert_int_eq(SSL_get_error(s, r), SSL_ERROR_ZERO_RETURN);
    } else {
      ck_assert_int_eq(SSL_shutdown(s), 0);
      for (int i = 0; i < 20 && R.closes == 0; i++) turn();
      ck_assert_int_eq(R.reason, XB_CLOSE_PEER);
    }
    client_free(s, ctx);
    close(fd);
    rig_stop();
  }
}
END_TEST

/* XB-TRANS-13: a TLS 1.2 renegotiation never completes a new handshake. */
START_TEST(test_no_renegotiation_XB_TRANS_13) {
  int fd = rig_start(NULL);
  SSL_CTX *ctx;
  SSL *s = client(fd, TLS1_2_VERSION, TLS1_2_VERSION, &ctx);
  ck_assert_int_eq(handshake(s), 1);
  ck_assert_int_eq(SSL_renegotiate(s), 1);
  bool again = false;
  for (int i = 0; i < 50; i++) {
    int r = SSL_do_handshake(s);
    if (r == 1 && SSL_renegotiate_pending(s) == 0) again = true;
    uint8_t b[8];
    size_t k;
    if (SSL_read_ex(s, b, sizeof b, &k) != 1) ERR_clear_error();
    turn();
  }
  ck_assert(!again);
  ck_assert_int_eq(R.done_calls, 1);
  client_free(s, ctx);
  close(fd);
  rig_stop();
}
END_TEST

/* XB-TRANS-17, XB-TRANS-11, XB-TRANS-18: what the context refuses, and why. */
START_TEST(test_create_errors_XB_TRANS_17) {
  char err[256];
  xb_tls_status st;
  xb_tls_config c = {g_cert, g_key, NULL, NULL, NULL, NULL};
  xb_tls *t = xb_tls_create(&c, &st, err, sizeof err);
  ck_assert_ptr_nonnull(t);
  xb_tls_destroy(t);
  xb_tls_config bad[] = {
      {"/nonexistent/cert.pem", g_key, NULL, NULL, NULL, NULL},
      {g_cert, "/nonexistent/key.pem", NULL, NULL, NULL, NULL},
      {g_cert, g_other, NULL, NULL, NULL, NULL},
      {g_cert, g_key, g_key, NULL, NULL, NULL},
      {g_key, g_key, NULL, NULL, NULL, NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_ptr_null(xb_tls_create(&bad[i], &st, err, sizeof err));
    ck_assert_int_eq(st, XB_TLS_EFILE);
    ck_assert(err[0] != '\0');
  }
  ck_assert_ptr_nonnull(strstr(err, "tls-cert"));
  xb_tls_config cfgerr[] = {
      {g_cert, g_key, NULL, "1.1", NULL, NULL},
      {g_cert, g_key, NULL, NULL, "NOT-A-CIPHER", NULL},
      {g_cert, g_key, NULL, NULL, NULL, "TLS_NOT_A_SUITE"},
  };
  for (size_t i = 0; i < sizeof cfgerr / sizeof cfgerr[0]; i++) {
    ck_assert_ptr_null(xb_tls_create(&cfgerr[i], &st, err, sizeof err));
    ck_assert_int_eq(st, XB_TLS_ECONFIG);
  }
}
END_TEST

/* tls-min-version 1.3 refuses a TLS 1.2 client (XB-TRANS-11). */
START_TEST(test_min_version_13) {
  xb_tls_config c = {g_cert, g_key, NULL, "1.3", NULL, NULL};
  int fd = rig_start(&c);
  SSL_CTX *ctx;
  SSL *s = client(fd, TLS1_2_VERSION, TLS1_2_VERSION, &ctx);
  ck_assert_int_eq(handshake(s), 0);
  client_free(s, ctx);
  close(fd);
  rig_stop();
}
END_TEST

/* Plain connections of the same net never see the TLS layer. */
START_TEST(test_conn_error_of_plain_connection) {
  int fd = rig_start(NULL);
  ck_assert_ptr_null(xb_tls_conn_error(R.c));
  ck_assert_ptr_null(xb_tls_conn_version(R.c)); /* handshake not done */
  close(fd);
  rig_stop();
}
END_TEST

Suite *xb_suite_tls(void) {
  Suite *s = suite_create("tls");
  TCase *t = tcase_create("transport");
  tcase_add_unchecked_fixture(t, make_certs, rm_certs);
  tcase_set_timeout(t, 30);
  tcase_add_test(t, test_handshake_and_echo_XB_TRANS_11);
  tcase_add_test(t, test_large_echo_small_buffers);
  tcase_add_test(t, test_clear_text_fails_handshake_XB_TRANS_10);
  tcase_add_test(t, test_tls11_refused_XB_TRANS_11);
  tcase_add_test(t, test_half_handshake_then_eof_XB_ERR_24);
  tcase_add_test(t, test_garbage_record_after_handshake_XB_TRANS_24);
  tcase_add_test(t, test_close_notify_XB_TRANS_21);
  tcase_add_test(t, test_burst_of_records_in_one_read_XB_STORE_9);
  tcase_add_test(t, test_burst_then_end_or_garbage_XB_TRANS_24);
  tcase_add_test(t, test_no_renegotiation_XB_TRANS_13);
  tcase_add_test(t, test_create_errors_XB_TRANS_17);
  tcase_add_test(t, test_min_version_13);
  tcase_add_test(t, test_conn_error_of_plain_connection);
  suite_add_tcase(s, t);
  return s;
}
