/*
 * cf_check — shared steps of the conformance tests (see cf_check.h).
 */
#include "cf_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int cf_timeout_ms = 3000;
int cf_detail_fd = -1;
bool cf_tls_given = false;
const char *cf_tls_port = NULL;

/* ------------------------------------------------------------------ registry */

void cf_add(cf_reg *r, const TTest *fn, const char *ids, const char *what, unsigned needs) {
  if (r->n == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 64;
    r->tests = realloc(r->tests, r->cap * sizeof *r->tests);
    if (r->tests == NULL) abort();
  }
  cf_test *t = &r->tests[r->n++];
  t->area = r->area;
  t->name = fn->name;
  t->fn = fn;
  t->ids = ids;
  t->what = what;
  t->needs = needs;
}

/* ------------------------------------------------------------------ failures */

static void detail(const char *s) {
  if (cf_detail_fd < 0) {
    fputs(s, stderr);
    return;
  }
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(cf_detail_fd, s, n);
    if (w <= 0) return;
    s += (size_t)w;
    n -= (size_t)w;
  }
}

void cf_fail(const char *fmt, ...) {
  char msg[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  detail(msg);
  detail("\n");
  cf_transcript_note("FAILED here");
  char *nl = strchr(msg, '\n');
  if (nl != NULL) *nl = '\0';
  ck_abort_msg("%s", msg);
}

void cf_fail_diff(const char *what, const char *expected, size_t elen, const char *got,
                  size_t glen) {
  size_t i = 0;
  while (i < elen && i < glen && expected[i] == got[i]) i++;
  static char e[3000], g[3000], ctx[400];
  cf_escape(expected, elen, e, sizeof e);
  cf_escape(got, glen, g, sizeof g);
  size_t from = i > 40 ? i - 40 : 0;
  cf_escape(got + from, (glen - from) < 80 ? glen - from : 80, ctx, sizeof ctx);
  cf_fail("%s differs from the spec at byte %zu\n  expected: \"%s\"\n  got:      \"%s\"\n"
          "  (got around byte %zu: \"%s\")",
          what, i, e, g, from, ctx);
}

void cf_expect_eq(const char *what, const char *expected, const char *got, size_t glen) {
  size_t elen = strlen(expected);
  if (elen != glen || memcmp(expected, got, elen) != 0)
    cf_fail_diff(what, expected, elen, got, glen);
}

char *cf_fmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) abort();
  char *s = malloc((size_t)n + 1);
  if (s == NULL) abort();
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

char *cf_uvalue(const char *tag) {
  static unsigned counter;
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return cf_fmt("%s_%ld_%ld%06ld_%u", tag, (long)getpid(), (long)tv.tv_sec % 100000,
                (long)tv.tv_usec, ++counter);
}

/* ------------------------------------------------------------------ MQTT steps */

static void describe_rr(cf_rr r, const cf_pkt *p, const char *why, char *out, size_t n) {
  switch (r) {
  case CF_RX_OK:
    cf_describe(p, out, n);
    break;
  case CF_RX_TIMEOUT:
    snprintf(out, n, "nothing within %d ms", cf_timeout_ms);
    break;
  case CF_RX_CLOSED:
    snprintf(out, n, "the bridge closed the connection");
    break;
  case CF_RX_BAD:
    snprintf(out, n, "%s", why);
    break;
  }
}

cf_conn *cf_open(const char *label) {
  char why[300];
  cf_conn *c = cf_conn_open(label, why, sizeof why);
  if (c == NULL) cf_fail("%s: %s", label, why);
  return c;
}

unsigned cf_connect_rc(cf_conn *c, const cf_connect_opts *o) {
  cf_buf b = {0};
  cf_build_connect(&b, o);
  if (!cf_send_buf(c, &b)) cf_fail("%s: the bridge closed the socket while CONNECT was sent", cf_conn_label(c));
  cf_buf_free(&b);
  cf_pkt p;
  char why[600], got[1400];
  cf_rr r = cf_recv(c, cf_timeout_ms, &p, why, sizeof why);
  if (r != CF_RX_OK || p.type != CF_CONNACK) {
    describe_rr(r, &p, why, got, sizeof got);
    cf_fail("%s: expected a CONNACK after CONNECT\n  got: %s", cf_conn_label(c), got);
  }
  if (p.body[0] != 0)
    cf_fail("%s: CONNACK byte 2 (session present) must be 00 (XB-MQTT-34)\n  got: %02x",
            cf_conn_label(c), p.body[0]);
  unsigned rc = p.body[1];
  cf_pkt_free(&p);
  return rc;
}

cf_conn *cf_client_opts(const char *label, const cf_connect_opts *o) {
  cf_conn *c = cf_open(label);
  unsigned rc = cf_connect_rc(c, o);
  if (rc != 0)
    cf_fail("%s: expected CONNACK 00 for CONNECT (user %s)\n  got: CONNACK %02x", label,
            o->user ? o->user : "none", rc);
  return c;
}

cf_conn *cf_client(const char *label, const char *user) {
  cf_connect_opts o = {0};
  o.user = user;
  return cf_client_opts(label, &o);
}

void cf_expect_closed(cf_conn *c, const char *after) {
  cf_pkt p;
  char why[600], got[1400];
  cf_rr r = cf_recv(c, cf_timeout_ms, &p, why, sizeof why);
  if (r == CF_RX_CLOSED) return;
  describe_rr(r, &p, why, got, sizeof got);
  cf_fail("%s: expected the bridge to close the connection without sending anything %s\n"
          "  got: %s",
          cf_conn_label(c), after, got);
}

void cf_expect_refused(cf_conn *c, const cf_connect_opts *o, unsigned rc) {
  unsigned got = cf_connect_rc(c, o);
  if (got != rc)
    cf_fail("%s: expected CONNACK %02x\n  got: CONNACK %02x", cf_conn_label(c), rc, got);
  cf_expect_closed(c, cf_fmt("after CONNACK %02x", rc));
}

size_t cf_sync(cf_conn *c, cf_pkt *got, size_t max) {
  static const uint8_t ping[2] = {0xc0, 0x00};
  if (!cf_send(c, ping, 2))
    cf_fail("%s: the connection was closed by the bridge (PINGREQ could not be sent)",
            cf_conn_label(c));
  size_t n = 0;
  for (;;) {
    cf_pkt p;
    char why[600], desc[1400];
    cf_rr r = cf_recv(c, cf_timeout_ms, &p, why, sizeof why);
    if (r != CF_RX_OK) {
      describe_rr(r, &p, why, desc, sizeof desc);
      cf_fail("%s: expected PINGRESP to PINGREQ (XB-MQTT-53)\n  got: %s", cf_conn_label(c), desc);
    }
    if (p.type == CF_PINGRESP) {
      cf_pkt_free(&p);
      return n;
    }
    if (n >= max) {
      cf_describe(&p, desc, sizeof desc);
      cf_fail("%s: expected nothing more before PINGRESP\n  got: %s", cf_conn_label(c), desc);
    }
    got[n++] = p;
  }
}

void cf_expect_nothing(cf_conn *c, const char *after) {
  cf_pkt p;
  char desc[1400];
  static const uint8_t ping[2] = {0xc0, 0x00};
  if (!cf_send(c, ping, 2))
    cf_fail("%s: the connection was closed by the bridge %s", cf_conn_label(c), after);
  char why[600];
  cf_rr r = cf_recv(c, cf_timeout_ms, &p, why, sizeof why);
  if (r == CF_RX_OK && p.type == CF_PINGRESP) {
    cf_pkt_free(&p);
    return;
  }
  describe_rr(r, &p, why, desc, sizeof desc);
  cf_fail("%s: expected nothing %s (a PINGREQ sent then must be answered by PINGRESP first)\n"
          "  got: %s",
          cf_conn_label(c), after, desc);
}

void cf_expect_packet(cf_conn *c, unsigned type, cf_pkt *out, const char *after) {
  char why[600], desc[1400];
  cf_rr r = cf_recv(c, cf_timeout_ms, out, why, sizeof why);
  if (r == CF_RX_OK && out->type == type) return;
  describe_rr(r, out, why, desc, sizeof desc);
  cf_fail("%s: expected %s %s\n  got: %s", cf_conn_label(c), cf_type_name(type), after, desc);
}

static unsigned next_id(void) {
  static unsigned id = 0x1200;
  id = id % 60000 + 1;
  return id;
}

void cf_subscribe_n(cf_conn *c, const char *const *filters, size_t n, const unsigned *qos) {
  cf_buf b = {0};
  unsigned id = next_id();
  cf_build_subscribe(&b, id, filters, n, qos);
  if (!cf_send_buf(c, &b)) cf_fail("%s: connection closed while sending SUBSCRIBE", cf_conn_label(c));
  cf_buf_free(&b);
  cf_pkt p;
  cf_expect_packet(c, CF_SUBACK, &p, cf_fmt("after SUBSCRIBE of \"%s\"%s (XB-SUB-1)", filters[0], n > 1 ? " ..." : ""));
  char exp[600];
  size_t k = (size_t)snprintf(exp, sizeof exp, "90 %02zx %02x %02x", n + 2, id >> 8, id & 255u);
  for (size_t i = 0; i < n && k + 4 < sizeof exp; i++) k += (size_t)snprintf(exp + k, sizeof exp - k, " 00");
  bool ok = p.bodylen == n + 2 && p.body[0] == (id >> 8) && p.body[1] == (id & 255u);
  for (size_t i = 0; ok && i < n; i++) ok = p.body[2 + i] == 0;
  if (!ok) {
    char got[200];
    cf_describe(&p, got, sizeof got);
    cf_fail("%s: SUBACK must carry the SUBSCRIBE's packet id and grant 00 to each filter "
            "(XB-MQTT-49)\n  expected: %s\n  got: %s", cf_conn_label(c), exp, got);
  }
  cf_pkt_free(&p);
}

void cf_subscribe(cf_conn *c, const char *filter) { cf_subscribe_n(c, &filter, 1, NULL); }

void cf_unsubscribe(cf_conn *c, const char *filter) {
  cf_buf b = {0};
  unsigned id = next_id();
  cf_build_unsubscribe(&b, id, &filter, 1);
  if (!cf_send_buf(c, &b)) cf_fail("%s: connection closed while sending UNSUBSCRIBE", cf_conn_label(c));
  cf_buf_free(&b);
  cf_pkt p;
  cf_expect_packet(c, CF_UNSUBACK, &p, cf_fmt("after UNSUBSCRIBE of \"%s\" (XB-MQTT-52)", filter));
  if (p.body[0] != (id >> 8) || p.body[1] != (id & 255u))
    cf_fail("%s: UNSUBACK must carry the UNSUBSCRIBE's packet id %04x\n  got: %02x%02x",
            cf_conn_label(c), id, p.body[0], p.body[1]);
  cf_pkt_free(&p);
}

void cf_expect_delivery(cf_conn *c, const char *topic, unsigned retain, cf_pkt *out,
                        const char *after) {
  cf_expect_packet(c, CF_PUBLISH, out, after);
  if (strcmp(out->topic, topic) != 0 || out->topiclen != strlen(topic))
    cf_fail("%s: delivery %s must use exactly the subscribed topic (XB-SUB-16)\n"
            "  expected topic: \"%s\"\n  got topic:      \"%s\"",
            cf_conn_label(c), after, topic, out->topic);
  if (out->qos != 0 || out->dup != 0)
    cf_fail("%s: delivery on \"%s\" must be QoS 0 with DUP 0 (XB-SUB-16, XB-MQTT-44)\n"
            "  got: QoS %u DUP %u", cf_conn_label(c), topic, out->qos, out->dup);
  if (out->retain != retain)
    cf_fail("%s: delivery on \"%s\" %s must have RETAIN=%u (%s)\n  got: RETAIN=%u",
            cf_conn_label(c), topic, after, retain,
            retain ? "initial state, XB-SUB-2" : "change notification, XB-SUB-6", out->retain);
}

char *cf_sub_state(cf_conn *c, const char *topic) {
  cf_subscribe(c, topic);
  cf_pkt p;
  cf_expect_delivery(c, topic, 1, &p, cf_fmt("(the current state of \"%s\" after SUBACK)", topic));
  char *s = p.payload;
  p.payload = NULL;
  cf_pkt_free(&p);
  return s;
}

void cf_sub_nothing(cf_conn *c, const char *topic, const char *why) {
  cf_subscribe(c, topic);
  cf_expect_nothing(c, cf_fmt("after SUBSCRIBE of \"%s\" (%s)", topic, why));
}

void cf_publish_n(cf_conn *c, const char *topic, const void *payload, size_t n, unsigned qos) {
  cf_buf b = {0};
  unsigned id = qos ? next_id() : 0;
  cf_build_publish(&b, topic, strlen(topic), payload, n, qos, false, false, id);
  if (!cf_send_buf(c, &b))
    cf_fail("%s: the bridge closed the connection while PUBLISH was sent to \"%s\"",
            cf_conn_label(c), topic);
  cf_buf_free(&b);
  if (qos == 0) return;
  cf_pkt p;
  const char *ctx = cf_fmt("after a QoS %u PUBLISH to \"%s\" (%s)", qos, topic,
                           qos == 1 ? "XB-MQTT-40" : "XB-MQTT-41");
  cf_expect_packet(c, qos == 1 ? CF_PUBACK : CF_PUBREC, &p, ctx);
  if (p.body[0] != (id >> 8) || p.body[1] != (id & 255u))
    cf_fail("%s: %s must carry packet id %04x\n  got: %02x%02x", cf_conn_label(c),
            cf_type_name(p.type), id, p.body[0], p.body[1]);
  cf_pkt_free(&p);
  if (qos == 1) return;
  uint8_t rel[4] = {0x62, 0x02, (uint8_t)(id >> 8), (uint8_t)(id & 255u)};
  if (!cf_send(c, rel, 4)) cf_fail("%s: connection closed before PUBREL", cf_conn_label(c));
  cf_expect_packet(c, CF_PUBCOMP, &p, "after PUBREL (XB-MQTT-41)");
  if (p.body[0] != (id >> 8) || p.body[1] != (id & 255u))
    cf_fail("%s: PUBCOMP must carry packet id %04x\n  got: %02x%02x", cf_conn_label(c), id,
            p.body[0], p.body[1]);
  cf_pkt_free(&p);
}

void cf_publish(cf_conn *c, const char *topic, const char *payload, unsigned qos) {
  cf_publish_n(c, topic, payload, strlen(payload), qos);
}

void cf_disconnect(cf_conn *c) {
  static const uint8_t disc[2] = {0xe0, 0x00};
  if (!cf_send(c, disc, 2)) cf_fail("%s: connection closed before DISCONNECT", cf_conn_label(c));
  cf_expect_closed(c, "after DISCONNECT (XB-MQTT-54)");
  cf_conn_close(c);
}

char *cf_read(const char *user, const char *topic) {
  cf_conn *c = cf_client("reader", user);
  cf_subscribe(c, topic);
  cf_pkt got[1];
  size_t n = cf_sync(c, got, 1);
  char *s = NULL;
  if (n == 1) {
    if (got[0].type != CF_PUBLISH || strcmp(got[0].topic, topic) != 0 || got[0].retain != 1) {
      char d[1400];
      cf_describe(&got[0], d, sizeof d);
      cf_fail("reader: expected the state of \"%s\" (RETAIN=1) or nothing\n  got: %s", topic, d);
    }
    s = got[0].payload;
    got[0].payload = NULL;
    cf_pkt_free(&got[0]);
  }
  cf_disconnect(c);
  return s;
}

/* ------------------------------------------------------------------ documents */

char *cf_json_str(const char *doc, const char *name) {
  char *key = cf_fmt("\"%s\":\"", name);
  const char *p = strstr(doc, key);
  if (p == NULL) return NULL;
  p += strlen(key);
  size_t cap = strlen(p) + 1, k = 0;
  char *out = malloc(cap);
  if (out == NULL) abort();
  while (*p != '\0' && *p != '"') {
    if (*p == '\\' && p[1] != '\0') {
      p++;
      char e = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
      out[k++] = e;
      p++;
      continue;
    }
    out[k++] = *p++;
  }
  out[k] = '\0';
  return out;
}

bool cf_is_timestamp(const char *s) {
  static const char pat[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (s == NULL || strlen(s) != sizeof pat - 1) return false;
  for (size_t i = 0; i < sizeof pat - 1; i++) {
    if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i]) return false;
  }
  return true;
}

char *cf_now_ts(long delta) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  time_t t = tv.tv_sec + delta;
  struct tm tm;
  gmtime_r(&t, &tm);
  char b[40];
  strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
  return cf_fmt("%s.%06ldZ", b, (long)tv.tv_usec);
}
