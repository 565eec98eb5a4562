/*
 * Area "qos": QoS 1 and 2 PUBLISH from clients are executed and acknowledged whatever
 * their outcome; deliveries are QoS 0 and SUBACK grants 0 (spec/mqtt.md §4, spec/mapping.md
 * §4); the RETAIN flag of an incoming PUBLISH is ignored.
 */
#include <string.h>

#include "cf_check.h"

#define FX cf_fx

static const char *ds_t(void) {
  return cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_public);
}

static void send_pub(cf_conn *c, const char *topic, const char *payload, unsigned qos, bool retain,
                     bool dup, unsigned id) {
  cf_buf b = {0};
  cf_build_publish(&b, topic, strlen(topic), payload, strlen(payload), qos, retain, dup, id);
  if (!cf_send_buf(c, &b)) cf_fail("%s: connection closed while sending PUBLISH", cf_conn_label(c));
  cf_buf_free(&b);
}

static void expect_ack(cf_conn *c, unsigned type, unsigned id, const char *after) {
  cf_pkt p;
  cf_expect_packet(c, type, &p, after);
  if (p.body[0] != (id >> 8) || p.body[1] != (id & 255u))
    cf_fail("%s: %s %s must carry packet id %04x\n  got: %02x%02x", cf_conn_label(c),
            cf_type_name(type), after, id, p.body[0], p.body[1]);
  cf_pkt_free(&p);
}

static int count_notifications(cf_conn *o, const char *topic) {
  cf_pkt got[8];
  size_t n = cf_sync(o, got, 8);
  for (size_t i = 0; i < n; i++) {
    if (got[i].type != CF_PUBLISH || strcmp(got[i].topic, topic) != 0 || got[i].retain != 0) {
      char d[1400];
      cf_describe(&got[i], d, sizeof d);
      cf_fail("%s: expected only change notifications on %s\n  got: %s", cf_conn_label(o), topic, d);
    }
    cf_pkt_free(&got[i]);
  }
  return (int)n;
}

START_TEST(qos1_acknowledged_after_execution) {
  cf_conn *w = cf_client("writer", FX.key_master);
  char *v = cf_uvalue("q1");
  cf_publish(w, ds_t(), cf_fmt("{\"current_value\":\"%s\"}", v), 1); /* checks PUBACK 40 02 id */
  char *s = cf_read(NULL, ds_t());
  if (s == NULL || strstr(s, v) == NULL)
    cf_fail("after PUBACK every later request must see the write (XB-MAP-17)\n  expected current_value %s\n  got: %s",
            v, s ? s : "(nothing)");
  cf_disconnect(w);
}
END_TEST

START_TEST(qos2_executed_once) {
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, ds_t());
  cf_conn *w = cf_client("writer", FX.key_master);
  const char *payload = cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("q2"));
  send_pub(w, ds_t(), payload, 2, false, false, 0x2222);
  expect_ack(w, CF_PUBREC, 0x2222, "after a QoS 2 PUBLISH");
  send_pub(w, ds_t(), payload, 2, false, true, 0x2222);
  expect_ack(w, CF_PUBREC, 0x2222, "after the same QoS 2 PUBLISH again (DUP) before PUBREL");
  static const uint8_t rel[] = {0x62, 0x02, 0x22, 0x22};
  cf_send(w, rel, sizeof rel);
  expect_ack(w, CF_PUBCOMP, 0x2222, "after PUBREL");
  int n = count_notifications(o, ds_t());
  if (n != 1)
    cf_fail("a QoS 2 PUBLISH sent twice before PUBREL must be executed once\n  expected 1 notification\n  got: %d", n);
  /* After PUBCOMP the id is free again: a new PUBLISH with it is a new request. */
  send_pub(w, ds_t(), payload, 2, false, false, 0x2222);
  expect_ack(w, CF_PUBREC, 0x2222, "after a new QoS 2 PUBLISH reusing a completed id");
  cf_send(w, rel, sizeof rel);
  expect_ack(w, CF_PUBCOMP, 0x2222, "after PUBREL");
  n = count_notifications(o, ds_t());
  if (n != 1) cf_fail("a QoS 2 PUBLISH reusing a completed packet id is a new request\n  expected 1 notification\n  got: %d", n);
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

START_TEST(qos1_resent_executed_again) {
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, ds_t());
  cf_conn *w = cf_client("writer", FX.key_master);
  const char *payload = cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("dup"));
  send_pub(w, ds_t(), payload, 1, false, false, 0x1111);
  expect_ack(w, CF_PUBACK, 0x1111, "after a QoS 1 PUBLISH");
  send_pub(w, ds_t(), payload, 1, false, true, 0x1111);
  expect_ack(w, CF_PUBACK, 0x1111, "after the same QoS 1 PUBLISH again with DUP");
  int n = count_notifications(o, ds_t());
  if (n != 2)
    cf_fail("a QoS 1 PUBLISH sent again (DUP 1) is executed again (its value gets a new at)\n"
            "  expected 2 notifications\n  got: %d", n);
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

START_TEST(writer_ack_precedes_delivery) {
  cf_conn *w = cf_client("writer", FX.key_master);
  (void)cf_sub_state(w, ds_t());
  send_pub(w, ds_t(), cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("ack")), 2, false, false, 0x3333);
  expect_ack(w, CF_PUBREC, 0x3333, "first, before the delivery its write causes (XB-MAP-18)");
  cf_pkt p;
  cf_expect_delivery(w, ds_t(), 0, &p, "after PUBREC");
  cf_pkt_free(&p);
  static const uint8_t rel[] = {0x62, 0x02, 0x33, 0x33};
  cf_send(w, rel, sizeof rel);
  expect_ack(w, CF_PUBCOMP, 0x3333, "after PUBREL");
  cf_disconnect(w);
}
END_TEST

START_TEST(suback_grants_qos0_deliveries_qos0) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *t[] = {ds_t(), cf_fmt("/v2/feeds/%s.json", FX.feed_public)};
  const unsigned q[] = {1, 2};
  cf_subscribe_n(c, t, 2, q); /* checks 00 00 */
  cf_pkt p;
  for (int i = 0; i < 2; i++) {
    cf_expect_delivery(c, t[i], 1, &p, "(initial state, QoS 0 whatever was requested)");
    cf_pkt_free(&p);
  }
  cf_publish(c, ds_t(), cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("g")), 1);
  for (int i = 0; i < 2; i++) {
    cf_expect_delivery(c, t[i], 0, &p, "(change notification, QoS 0 whatever was requested)");
    cf_pkt_free(&p);
  }
  cf_disconnect(c);
}
END_TEST

START_TEST(acknowledged_whatever_the_outcome) {
  cf_conn *ro = cf_client("readonly", FX.key_readonly);
  cf_conn *anon = cf_client("anon", NULL);
  const struct {
    cf_conn *c;
    const char *topic, *payload, *why;
  } cases[] = {
      {ro, ds_t(), "{\"current_value\":\"denied\"}", "a denied write"},
      {anon, ds_t(), "{\"current_value\":\"denied\"}", "an anonymous write"},
      {ro, cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_missing, FX.ds_public), "{\"current_value\":\"x\"}", "a write to a missing feed"},
      {anon, cf_fmt("%s%s", FX.key_master, ds_t()), "{\"current_value\":", "a malformed payload"},
      {anon, cf_fmt("%s%s", FX.key_master, ds_t()), "{\"current_value\":true}", "an invalid payload"},
      {anon, "cf/not/api", "hello", "a non-API topic"},
      {anon, cf_fmt("%s%s", FX.key_invalid, ds_t()), "{\"current_value\":\"x\"}", "an unknown prefix key"},
      {anon, cf_fmt("%s?duration=1hour", ds_t()), "{\"current_value\":\"x\"}", "a topic with a query"},
      {anon, "/v2/keys.csv", "x", "a format the resource lacks"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_transcript_note("case: %s", cases[i].why);
    cf_publish(cases[i].c, cases[i].topic, cases[i].payload, 1);
    cf_publish(cases[i].c, cases[i].topic, cases[i].payload, 2);
  }
  cf_expect_nothing(ro, "after rejected QoS 1 and 2 PUBLISHes (connection stays open)");
  cf_expect_nothing(anon, "after rejected QoS 1 and 2 PUBLISHes (connection stays open)");
  cf_disconnect(ro);
  cf_disconnect(anon);
}
END_TEST

START_TEST(retain_flag_ignored) {
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, ds_t());
  cf_conn *w = cf_client("writer", FX.key_master);
  char *v = cf_uvalue("ret");
  send_pub(w, ds_t(), cf_fmt("{\"current_value\":\"%s\"}", v), 1, true, false, 0x4444);
  expect_ack(w, CF_PUBACK, 0x4444, "after a retained QoS 1 PUBLISH");
  cf_pkt p;
  cf_expect_delivery(o, ds_t(), 0, &p, "after a PUBLISH with RETAIN=1 (executed as any write)");
  if (strstr(p.payload, v) == NULL) cf_fail("the retained write was not executed as a write\n  got: %s", p.payload);
  cf_pkt_free(&p);
  /* A zero-length retained PUBLISH is an invalid write, not the removal of anything. */
  send_pub(w, ds_t(), "", 1, true, false, 0x4445);
  expect_ack(w, CF_PUBACK, 0x4445, "after a zero-length retained PUBLISH");
  cf_expect_nothing(o, "after a zero-length retained PUBLISH");
  char *s = cf_read(NULL, ds_t());
  if (s == NULL || strncmp(s, cf_fmt("{\"id\":\"%s\",\"current_value\":\"%s\"", FX.ds_public, v), strlen(FX.ds_public) + strlen(v) + 26) != 0)
    cf_fail("a new subscriber must get the datastream's state with the value %s (nothing retained or removed)\n  got: %s",
            v, s ? s : "(nothing)");
  /* Nothing is retained for other topics either. */
  send_pub(w, "cf/retained", "kept?", 1, true, false, 0x4446);
  expect_ack(w, CF_PUBACK, 0x4446, "after a retained PUBLISH on a non-API topic");
  cf_conn *late = cf_client("late", FX.key_master);
  cf_subscribe(late, "cf/retained");
  cf_expect_nothing(late, "for a subscriber of a topic published with RETAIN=1 (no retained store)");
  cf_disconnect(late);
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

/* XB-EXC-22: no rate limit: 60 writes with one key in quick succession (Pachube allowed
 * one per 5 s and 50 per 3 minutes) are all executed and all notified, in order. */
START_TEST(no_rate_limit) {
  enum { N = 60 };
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, ds_t());
  cf_conn *w = cf_client("writer", FX.key_feed);
  char *v[N];
  for (int i = 0; i < N; i++) {
    v[i] = cf_uvalue("rate");
    cf_publish(w, ds_t(), cf_fmt("{\"current_value\":\"%s\"}", v[i]), i % 2 ? 1 : 0);
  }
  for (int i = 0; i < N; i++) {
    cf_pkt p;
    cf_expect_delivery(o, ds_t(), 0, &p, cf_fmt("(write %d of %d in quick succession with one key)", i + 1, N));
    if (strstr(p.payload, cf_fmt("\"current_value\":\"%s\"", v[i])) == NULL)
      cf_fail("notification %d must carry value %s (every write executed, in order)\n  got: %s", i + 1, v[i], p.payload);
    cf_pkt_free(&p);
  }
  cf_expect_nothing(o, "after the notifications of the 60 writes");
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

void cf_area_qos(cf_reg *r) {
  CF_ADD(r, qos1_acknowledged_after_execution, "XB-MQTT-40 XB-MAP-17",
         "QoS 1: PUBACK with the packet id, and the write is visible to every later request");
  CF_ADD(r, qos2_executed_once, "XB-MQTT-41 XB-MAP-13",
         "QoS 2: PUBREC, a repeat before PUBREL not executed, PUBCOMP; the id reusable afterwards");
  CF_ADD(r, qos1_resent_executed_again, "XB-MAP-13 XB-MAP-20",
         "QoS 1 sent again with DUP is executed again");
  CF_ADD(r, writer_ack_precedes_delivery, "XB-MAP-18 XB-MQTT-41",
         "the writer's PUBREC precedes the notification its write causes");
  CF_ADD(r, suback_grants_qos0_deliveries_qos0, "XB-MQTT-49 XB-MAP-21 XB-SUB-16 XB-MQTT-44 XB-EXC-5",
         "QoS 1 and 2 requested: SUBACK grants 00, every delivery QoS 0 without packet id");
  CF_ADD(r, acknowledged_whatever_the_outcome, "XB-MAP-16 XB-AUTHZ-25 XB-TOPIC-34 XB-AUTH-12 XB-MAP-14 XB-ERR-4 XB-EXC-2",
         "denied, anonymous, missing, malformed, invalid, non-API, query, bad-format PUBLISH at QoS 1 and 2 acknowledged");
  CF_ADD(r, no_rate_limit, "XB-EXC-22 XB-SUB-9 XB-MAP-12",
         "60 writes with one key in quick succession are all executed and notified in order (no rate limit)");
  CF_ADD(r, retain_flag_ignored, "XB-MAP-19",
         "RETAIN=1 on PUBLISH: executed as any write, nothing stored, zero length removes nothing");
}
