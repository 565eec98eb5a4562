/*
 * Area "tls": the TLS listener (spec/transport.md §2), checked when --tls-port and
 * --cafile are given; skipped otherwise. The certificate chain is verified against
 * --cafile; the host name is not (XB-TRANS-16: the certificate does not depend on SNI).
 *
 * Each test runs in its own child process, so switching the connection helpers to TLS
 * (cf_net) affects that test only.
 */
#include <openssl/ssl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cf_check.h"
#include "cf_tls.h"

#define FX cf_fx

static const char *plain_port;

static void use_tls(void) {
  plain_port = cf_net.port;
  cf_net.port = cf_tls_port;
  cf_net.tls = true;
}

static void use_plain(void) {
  cf_net.port = plain_port;
  cf_net.tls = false;
}

/* A TLS connection with the given options; NULL and why when the handshake fails. */
static cf_conn *tls_open(const char *label, const cf_tls_opts *o, char *why, size_t whylen) {
  int fd = cf_tcp_connect(cf_net.host, cf_tls_port, why, whylen);
  if (fd < 0) cf_fail("%s: %s", label, why);
  struct timeval tv = {(time_t)(cf_timeout_ms / 1000), (suseconds_t)((cf_timeout_ms % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  cf_tls *t = cf_tls_client(fd, o, why, whylen);
  if (t == NULL) {
    close(fd);
    return NULL;
  }
  return cf_conn_wrap(fd, t, label);
}

START_TEST(mqtt_over_tls_same_as_plain) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  const char *dt = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_public);
  cf_conn *plain = cf_client("plain", FX.key_master);
  (void)cf_sub_state(plain, dt);
  char *p1 = cf_read(NULL, ft);
  use_tls();
  char *t1 = cf_read(NULL, ft);
  if (p1 == NULL || t1 == NULL || strcmp(p1, t1) != 0)
    cf_fail("the same feed read over TLS and plain differs\n  plain: %s\n  TLS:   %s", p1 ? p1 : "(nothing)", t1 ? t1 : "(nothing)");
  cf_conn *c = cf_client("tls", FX.key_master);
  char *v = cf_uvalue("tls");
  cf_publish(c, dt, cf_fmt("{\"current_value\":\"%s\"}", v), 1);
  cf_pkt p;
  cf_expect_delivery(plain, dt, 0, &p, "on a plain connection after a write over TLS");
  if (strstr(p.payload, v) == NULL) cf_fail("the TLS write was not executed\n  got: %s", p.payload);
  cf_pkt_free(&p);
  cf_disconnect(c);
  cf_connect_opts o = {0};
  o.user = FX.key_invalid;
  c = cf_open("tls-badkey");
  cf_expect_refused(c, &o, 4);
  cf_conn_close(c);
  c = cf_open("tls-level");
  o.user = NULL;
  o.level = 5;
  cf_expect_refused(c, &o, 1);
  cf_conn_close(c);
  use_plain();
  cf_disconnect(plain);
}
END_TEST

START_TEST(protocol_versions) {
  char why[400];
  static const struct {
    int min, max;
    bool ok;
    const char *name;
  } cases[] = {{TLS1_VERSION, TLS1_VERSION, false, "TLS 1.0 only"},
               {TLS1_1_VERSION, TLS1_1_VERSION, false, "TLS 1.1 only"},
               {TLS1_2_VERSION, TLS1_2_VERSION, true, "TLS 1.2 only"},
               {TLS1_3_VERSION, TLS1_3_VERSION, true, "TLS 1.3 only"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_tls_opts o = {cases[i].min, cases[i].max, NULL, false, false};
    cf_conn *c = tls_open(cases[i].name, &o, why, sizeof why);
    if (cases[i].ok && c == NULL) cf_fail("a client offering %s must complete the handshake\n  got: %s", cases[i].name, why);
    if (!cases[i].ok && c != NULL) cf_fail("a client offering %s must fail the handshake (XB-TRANS-11)\n  got: handshake completed", cases[i].name);
    if (c != NULL) {
      cf_connect_opts co = {0};
      if (cf_connect_rc(c, &co) != 0) cf_fail("CONNECT over %s refused", cases[i].name);
      cf_disconnect(c);
    }
  }
}
END_TEST

START_TEST(any_sni_no_alpn_no_compression) {
  char why[400];
  const char *names[] = {NULL, "cf.example.invalid", "localhost"};
  for (int i = 0; i < 3; i++) {
    cf_tls_opts o = {0, 0, names[i], i == 1, false};
    cf_conn *c = tls_open("sni", &o, why, sizeof why);
    if (c == NULL) cf_fail("the handshake with SNI %s must succeed with the configured certificate\n  got: %s", names[i] ? names[i] : "(none)", why);
    cf_conn_close(c);
  }
  cf_tls_opts o = {0, 0, NULL, true, false};
  int fd = cf_tcp_connect(cf_net.host, cf_tls_port, why, sizeof why);
  if (fd < 0) cf_fail("%s", why);
  cf_tls *t = cf_tls_client(fd, &o, why, sizeof why);
  if (t == NULL) cf_fail("a handshake offering ALPN \"mqtt\" must succeed\n  got: %s", why);
  if (cf_tls_alpn_selected(t)) cf_fail("the bridge must select no ALPN protocol (XB-TRANS-19)");
  if (cf_tls_compressed(t)) cf_fail("TLS compression must not be negotiated (XB-TRANS-12)");
  cf_tls_free(t);
  close(fd);
}
END_TEST

START_TEST(plain_mqtt_on_tls_port) {
  char why[300];
  int fd = cf_tcp_connect(cf_net.host, cf_tls_port, why, sizeof why);
  if (fd < 0) cf_fail("%s", why);
  cf_conn *c = cf_conn_wrap(fd, NULL, "plain-on-tls");
  cf_buf b = {0};
  cf_connect_opts o = {0};
  cf_build_connect(&b, &o);
  cf_send_buf(c, &b);
  cf_buf_free(&b);
  size_t extra = 0;
  if (!cf_wait_closed(c, cf_timeout_ms, &extra))
    cf_fail("an MQTT CONNECT sent in clear to the TLS port must fail the handshake and close the connection (XB-TRANS-10)\n  got: still open after %d ms", cf_timeout_ms);
  cf_conn_close(c);
  /* Whatever came back (a TLS alert at most) was no CONNACK: cf_wait_closed consumed it;
   * check the next plain connection still works. */
  cf_conn *ok = cf_client("plain", NULL);
  cf_disconnect(ok);
}
END_TEST

START_TEST(no_renegotiation) {
  char why[400];
  cf_tls_opts o = {TLS1_2_VERSION, TLS1_2_VERSION, NULL, false, false};
  int fd = cf_tcp_connect(cf_net.host, cf_tls_port, why, sizeof why);
  if (fd < 0) cf_fail("%s", why);
  struct timeval tv = {(time_t)(cf_timeout_ms / 1000), (suseconds_t)((cf_timeout_ms % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  cf_tls *t = cf_tls_client(fd, &o, why, sizeof why);
  if (t == NULL) cf_fail("TLS 1.2 handshake failed: %s", why);
  cf_conn *c = cf_conn_wrap(fd, t, "reneg");
  cf_connect_opts co = {0};
  if (cf_connect_rc(c, &co) != 0) cf_fail("CONNECT over TLS 1.2 refused");
  if (cf_tls_renegotiate(t)) cf_fail("the bridge accepted a TLS renegotiation (XB-TRANS-13)");
  cf_conn_close(c);
}
END_TEST

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A silent TCP connection is closed after the handshake timeout; a connection whose
 * handshake came late gets the full CONNECT timeout from the end of its handshake. */
START_TEST(tls_timeouts) {
  double hs = (double)FX.tls_handshake_timeout, ct = (double)FX.connect_timeout;
  double delay = hs > 4 ? 3.0 : hs / 2;
  char why[400];
  double t0 = mono_s();
  int fa = cf_tcp_connect(cf_net.host, cf_tls_port, why, sizeof why);
  int fb = cf_tcp_connect(cf_net.host, cf_tls_port, why, sizeof why);
  if (fa < 0 || fb < 0) cf_fail("%s", why);
  cf_conn *a = cf_conn_wrap(fa, NULL, "silent");
  struct timespec ts = {(time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9)};
  nanosleep(&ts, NULL); /* the point of the test: a late ClientHello */
  cf_tls *t = cf_tls_client(fb, NULL, why, sizeof why);
  if (t == NULL) cf_fail("a handshake started %.1f s after connecting (within the handshake timeout) failed: %s", delay, why);
  double t1 = mono_s();
  cf_conn *b = cf_conn_wrap(fb, t, "late");
  size_t extra = 0;
  bool closed = cf_wait_closed(a, (int)((hs - delay) * 1000) + cf_timeout_ms, &extra);
  double da = mono_s() - t0;
  if (!closed) cf_fail("a TCP connection without ClientHello must be closed after tls-handshake-timeout (%.0f s)\n  got: open after %.1f s", hs, da);
  if (da < hs - 0.5) cf_fail("tls-handshake-timeout is %.0f s\n  got: closed after %.1f s", hs, da);
  closed = cf_wait_closed(b, (int)(ct * 1000) + cf_timeout_ms, &extra);
  double db = mono_s() - t1;
  if (!closed) cf_fail("a TLS connection without CONNECT must be closed connect-timeout (%.0f s) after its handshake\n  got: open after %.1f s", ct, db);
  if (extra != 0) cf_fail("a connection closed for connect-timeout must get no MQTT packet\n  got: %zu bytes", extra);
  if (db < ct - 0.5) cf_fail("over TLS connect-timeout (%.0f s) starts when the handshake completes\n  got: closed %.1f s after the handshake", ct, db);
  cf_conn_close(a);
  cf_conn_close(b);
}
END_TEST

void cf_area_tls(cf_reg *r) {
  cf_add(r, mqtt_over_tls_same_as_plain, "XB-TRANS-7 XB-TRANS-15 XB-LIM-3",
         "over TLS: same reads, writes seen by plain clients, same CONNACK refusals", CF_NEED_TLS);
  cf_add(r, protocol_versions, "XB-TRANS-11", "TLS 1.0 and 1.1 refused, TLS 1.2 and 1.3 accepted", CF_NEED_TLS);
  cf_add(r, any_sni_no_alpn_no_compression, "XB-TRANS-12 XB-TRANS-16 XB-TRANS-19",
         "any or no SNI accepted; ALPN offered but not selected; no compression", CF_NEED_TLS);
  cf_add(r, plain_mqtt_on_tls_port, "XB-TRANS-10", "MQTT in clear on the TLS port is closed", CF_NEED_TLS);
  cf_add(r, no_renegotiation, "XB-TRANS-13", "a TLS 1.2 renegotiation is refused", CF_NEED_TLS);
  cf_add(r, tls_timeouts, "XB-TRANS-14 XB-TRANS-20 XB-ERR-24",
         "no ClientHello: closed after tls-handshake-timeout; CONNECT timeout counted from the handshake", CF_NEED_TLS);
}
