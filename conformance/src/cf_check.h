/*
 * cf_check — what every conformance test uses: the registry of tests (one Check suite
 * per area, one test case per test), failure reporting that says what was expected and
 * what came back, and MQTT steps that fail the test when the bridge answers otherwise.
 *
 * Tests run in a forked child (CK_FORK): a failing step writes its explanation to the
 * detail file and ends the child through ck_abort_msg.
 */
#ifndef CF_CHECK_H
#define CF_CHECK_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "cf_fixture.h"
#include "cf_mqtt.h"

/* ------------------------------------------------------------------ registry */

enum { CF_NEED_TLS = 1u };

typedef struct cf_test {
  const char *area;
  const char *name;
  const TTest *fn;
  const char *ids;  /* the spec statements the test checks, space separated */
  const char *what; /* one line: what is checked */
  unsigned needs;
} cf_test;

typedef struct cf_reg {
  cf_test *tests;
  size_t n, cap;
  const char *area; /* set by the runner before calling an area's registration */
} cf_reg;

void cf_add(cf_reg *r, const TTest *fn, const char *ids, const char *what, unsigned needs);
#define CF_ADD(r, t, ids, what) cf_add((r), (t), (ids), (what), 0)

/* Area registrations (one per cf_t_<area>.c). */
void cf_area_connect(cf_reg *r);
void cf_area_topics(cf_reg *r);
void cf_area_subscribe(cf_reg *r);
void cf_area_json(cf_reg *r);
void cf_area_csv(cf_reg *r);
void cf_area_xml(cf_reg *r);
void cf_area_will(cf_reg *r);
void cf_area_authz(cf_reg *r);
void cf_area_protocol(cf_reg *r);
void cf_area_qos(cf_reg *r);
void cf_area_limits(cf_reg *r);
void cf_area_tls(cf_reg *r);

/* ------------------------------------------------------------------ settings */

extern int cf_timeout_ms; /* wait for an expected packet (--timeout) */
extern int cf_detail_fd;  /* where a failing test explains itself */
extern bool cf_tls_given; /* --tls-port given */
extern const char *cf_tls_port;

/* ------------------------------------------------------------------ failures */

/* End the test: the first line is the summary, the rest goes to the detail file. */
__attribute__((noreturn, format(printf, 1, 2))) void cf_fail(const char *fmt, ...);
/* Fail with "expected: ... / got: ..." (both escaped, with the first difference). */
__attribute__((noreturn)) void cf_fail_diff(const char *what, const char *expected, size_t elen,
                                            const char *got, size_t glen);
/* Compare bytes; on difference fail as cf_fail_diff. */
void cf_expect_eq(const char *what, const char *expected, const char *got, size_t glen);
#define CF_EXPECT_STR(what, exp, got) cf_expect_eq((what), (exp), (got), strlen(got))

/* A formatted string that lives until the test ends (the child exits). */
__attribute__((format(printf, 1, 2))) char *cf_fmt(const char *fmt, ...);
/* A value unique to this run and call: letters, digits and '_' only. */
char *cf_uvalue(const char *tag);

/* ------------------------------------------------------------------ MQTT steps */

cf_conn *cf_open(const char *label);
/* Connect with a fresh client id (level 4, clean, keep alive 60); user NULL is
 * anonymous; CONNACK 00 required. */
cf_conn *cf_client(const char *label, const char *user);
cf_conn *cf_client_opts(const char *label, const cf_connect_opts *o);
/* Send CONNECT o on c and return the CONNACK code (the CONNACK must be `20 02 00 rc`). */
unsigned cf_connect_rc(cf_conn *c, const cf_connect_opts *o);
/* CONNECT refused with rc: CONNACK rc then the bridge closes, nothing more sent. */
void cf_expect_refused(cf_conn *c, const cf_connect_opts *o, unsigned rc);
/* The bridge closes c without sending anything (within the timeout). */
void cf_expect_closed(cf_conn *c, const char *after);
/* A PINGREQ is answered by PINGRESP and nothing arrives before it. */
void cf_expect_nothing(cf_conn *c, const char *after);
/* A PINGREQ round trip; packets arriving before the PINGRESP are returned in order
 * (at most max; more is a failure). */
size_t cf_sync(cf_conn *c, cf_pkt *got, size_t max);
/* Receive the next packet; fail when none or not of that type. */
void cf_expect_packet(cf_conn *c, unsigned type, cf_pkt *out, const char *after);

/* SUBSCRIBE filters (QoS 0 each unless qos), SUBACK with the same id and all 00. */
void cf_subscribe_n(cf_conn *c, const char *const *filters, size_t n, const unsigned *qos);
void cf_subscribe(cf_conn *c, const char *filter);
void cf_unsubscribe(cf_conn *c, const char *filter);
/* Next packet is a delivery on topic with that RETAIN, QoS 0, DUP 0; returns it. */
void cf_expect_delivery(cf_conn *c, const char *topic, unsigned retain, cf_pkt *out,
                        const char *after);
/* SUBSCRIBE topic and return the payload of its initial state (RETAIN=1). */
char *cf_sub_state(cf_conn *c, const char *topic);
/* SUBSCRIBE topic: SUBACK 00 and nothing delivered (checked by a ping round trip). */
void cf_sub_nothing(cf_conn *c, const char *topic, const char *why);
/* PUBLISH at QoS 0, 1 (waits for PUBACK) or 2 (PUBREC, PUBREL, PUBCOMP). */
void cf_publish(cf_conn *c, const char *topic, const char *payload, unsigned qos);
void cf_publish_n(cf_conn *c, const char *topic, const void *payload, size_t n, unsigned qos);
/* DISCONNECT, then the bridge must close; frees c. */
void cf_disconnect(cf_conn *c);

/* Read a representation: a fresh anonymous-or-keyed connection subscribes to topic and
 * returns its initial state, or NULL when nothing is delivered (checked by ping). */
char *cf_read(const char *user, const char *topic);

/* ------------------------------------------------------------------ documents */

/* The string member `name` of a compact JSON document (first occurrence), unescaped
 * for the simple escapes; NULL when absent. */
char *cf_json_str(const char *doc, const char *name);
/* True when s has the form YYYY-MM-DDTHH:MM:SS.ffffffZ (XB-RES-7). */
bool cf_is_timestamp(const char *s);
/* Timestamp of now in the XB-RES-7 form, offset by delta seconds. */
char *cf_now_ts(long delta);

#endif
