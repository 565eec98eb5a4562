/*
 * Area "will": the last will is an API write executed when a connection ends without
 * DISCONNECT, authorized with the connection's (or the will topic's prefix) key when it
 * fires (spec/will.md).
 *
 * "Nothing happened" is proved without sleeping: the client id of the ended connection
 * is connected again; by the time its CONNACK arrives the old connection's will, if any,
 * has been executed (before a takeover's CONNACK, XB-WILL-7, or earlier when the bridge
 * had already seen the close), and a PINGREQ round trip of the observer then shows
 * whether a notification was queued.
 */
#include <stdio.h>
#include <string.h>

#include "cf_check.h"

#define FX cf_fx

static const char *will_t(void) {
  return cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_will);
}

typedef struct will_conn {
  cf_conn *c;
  char id[32];
  char *value;
} will_conn;

/* Connect with a will on topic (NULL: the will datastream) carrying a fresh value. */
static will_conn with_will(const char *user, const char *topic, unsigned keepalive) {
  will_conn w;
  cf_unique_id(w.id, sizeof w.id);
  w.value = cf_uvalue("will");
  cf_connect_opts o = {0};
  o.client_id = w.id;
  o.user = user;
  o.keepalive = keepalive;
  o.will_topic = topic ? topic : will_t();
  o.will_msg = cf_fmt("{\"current_value\":\"%s\"}", w.value);
  w.c = cf_client_opts("willing", &o);
  return w;
}

static cf_conn *observer(void) {
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, will_t());
  return o;
}

static void expect_will(cf_conn *o, const will_conn *w, int extra_ms, const char *when) {
  cf_pkt p;
  int saved = cf_timeout_ms;
  cf_timeout_ms += extra_ms;
  cf_expect_delivery(o, will_t(), 0, &p, cf_fmt("(the will's write) %s", when));
  cf_timeout_ms = saved;
  if (strstr(p.payload, cf_fmt("\"current_value\":\"%s\"", w->value)) == NULL)
    cf_fail("the notification after %s should carry the will's value %s\n  got: %s", when, w->value, p.payload);
  cf_pkt_free(&p);
}

/* Reconnect with the ended connection's client id, then the observer's ping. */
static void expect_no_will(cf_conn *o, const will_conn *w, const char *when) {
  cf_connect_opts r = {0};
  r.client_id = w->id;
  cf_conn *again = cf_client_opts("same-id", &r);
  cf_disconnect(again);
  cf_expect_nothing(o, cf_fmt("(no will may fire) %s", when));
}

START_TEST(fires_on_socket_close) {
  cf_conn *o = observer();
  will_conn w = with_will(FX.key_master, NULL, 0);
  cf_conn_close(w.c);
  expect_will(o, &w, 0, "the socket was closed without DISCONNECT");
  cf_expect_nothing(o, "after the will's single notification");
  cf_disconnect(o);
}
END_TEST

START_TEST(fires_on_keepalive_expiry) {
  cf_conn *o = observer();
  will_conn w = with_will(FX.key_master, NULL, 1);
  expect_will(o, &w, 1500, "keep alive 1 s expired (1.5 s without a packet)");
  cf_expect_closed(w.c, "after its keep alive expired");
  cf_conn_close(w.c);
  cf_disconnect(o);
}
END_TEST

START_TEST(not_after_disconnect) {
  cf_conn *o = observer();
  will_conn w = with_will(FX.key_master, NULL, 0);
  cf_disconnect(w.c);
  expect_no_will(o, &w, "after DISCONNECT");
  cf_disconnect(o);
}
END_TEST

START_TEST(fires_on_malformed_disconnect) {
  static const uint8_t bad[2][3] = {{0xe1, 0x00, 0}, {0xe0, 0x01, 0x00}};
  static const size_t len[2] = {2, 3};
  cf_conn *o = observer();
  for (int i = 0; i < 2; i++) {
    will_conn w = with_will(FX.key_master, NULL, 0);
    if (cf_send(w.c, bad[i], len[i])) cf_expect_closed(w.c, "after a malformed DISCONNECT");
    expect_will(o, &w, 0, cf_fmt("a malformed DISCONNECT (%s)", i == 0 ? "flags 0001" : "remaining length 1"));
    cf_conn_close(w.c);
  }
  cf_disconnect(o);
}
END_TEST

START_TEST(fires_on_protocol_violation) {
  cf_conn *o = observer();
  will_conn w = with_will(FX.key_master, NULL, 0);
  cf_buf b = {0};
  cf_build_publish(&b, "cf/+/x", 6, "x", 1, 0, false, false, 0);
  if (cf_send_buf(w.c, &b)) cf_expect_closed(w.c, "after a PUBLISH whose topic holds +");
  cf_buf_free(&b);
  expect_will(o, &w, 0, "the connection was closed for a PUBLISH topic with +");
  cf_conn_close(w.c);
  w = with_will(FX.key_master, NULL, 0);
  cf_connect_opts again = {0};
  cf_build_connect(&b, &again);
  if (cf_send_buf(w.c, &b)) cf_expect_closed(w.c, "after a second CONNECT");
  cf_buf_free(&b);
  expect_will(o, &w, 0, "a second CONNECT closed the connection");
  cf_conn_close(w.c);
  cf_disconnect(o);
}
END_TEST

START_TEST(fires_before_takeover_connack) {
  will_conn w = with_will(FX.key_master, NULL, 0);
  cf_connect_opts o = {0};
  o.client_id = w.id;
  o.user = FX.key_readonly;
  cf_conn *b = cf_client_opts("taker", &o);
  char *s = cf_sub_state(b, will_t());
  if (strstr(s, cf_fmt("\"current_value\":\"%s\"", w.value)) == NULL)
    cf_fail("the new connection must observe the old connection's will once its CONNACK arrived (XB-WILL-7)\n"
            "  expected current_value %s\n  got: %s", w.value, s);
  cf_expect_closed(w.c, "after the takeover");
  cf_conn_close(w.c);
  cf_disconnect(b);
}
END_TEST

START_TEST(dropped_when_key_may_not_write) {
  cf_conn *o = observer();
  char *before = cf_read(FX.key_master, will_t());
  will_conn w = with_will(FX.key_readonly, NULL, 0);
  cf_conn_close(w.c);
  expect_no_will(o, &w, "after the close of a connection whose key may only read");
  w = with_will(FX.key_other, NULL, 0);
  cf_conn_close(w.c);
  expect_no_will(o, &w, "after the close of a connection of another user");
  w = with_will(NULL, NULL, 0);
  cf_conn_close(w.c);
  expect_no_will(o, &w, "after the close of an anonymous connection");
  char *after = cf_read(FX.key_master, will_t());
  CF_EXPECT_STR("the datastream after denied wills", before, after ? after : "(nothing)");
  cf_disconnect(o);
}
END_TEST

START_TEST(prefix_key_of_will_topic) {
  cf_conn *o = observer();
  will_conn w = with_will(NULL, cf_fmt("%s%s", FX.key_master, will_t()), 0);
  cf_conn_close(w.c);
  expect_will(o, &w, 0, "an anonymous connection with a master-key prefix in its will topic closed");
  w = with_will(FX.key_master, cf_fmt("%s%s", FX.key_readonly, will_t()), 0);
  cf_conn_close(w.c);
  expect_no_will(o, &w, "after the close of a master-key connection whose will topic has a get-only prefix key");
  cf_disconnect(o);
}
END_TEST

START_TEST(qos_and_retain_of_will_ignored) {
  cf_conn *o = observer();
  will_conn w;
  cf_unique_id(w.id, sizeof w.id);
  w.value = cf_uvalue("willq");
  cf_connect_opts opt = {0};
  opt.client_id = w.id;
  opt.user = FX.key_master;
  opt.will_topic = will_t();
  opt.will_msg = cf_fmt("{\"current_value\":\"%s\"}", w.value);
  opt.will_qos = 2;
  opt.will_retain = true;
  w.c = cf_client_opts("willing", &opt);
  cf_conn_close(w.c);
  expect_will(o, &w, 0, "a will with QoS 2 and RETAIN was fired (delivered as RETAIN=0, QoS 0)");
  /* A new subscriber gets the datastream's state, not the will message as retained. */
  char *s = cf_read(NULL, will_t());
  if (s == NULL || strncmp(s, cf_fmt("{\"id\":\"%s\",", FX.ds_will), strlen(FX.ds_will) + 8) != 0)
    cf_fail("a new subscriber must get the datastream's representation (no retained will message)\n  got: %s",
            s ? s : "(nothing)");
  cf_disconnect(o);
}
END_TEST

START_TEST(unusable_will_accepted_then_dropped) {
  cf_conn *o = observer();
  cf_conn *n = cf_client("nonapi", FX.key_master);
  cf_subscribe(n, "cf/not/api");
  char *before = cf_read(FX.key_master, will_t());
  will_conn w = with_will(FX.key_master, "cf/not/api", 0); /* CONNACK 00 */
  cf_conn_close(w.c);
  expect_no_will(o, &w, "after a will on a non-API topic");
  cf_expect_nothing(n, "for a subscriber of the non-API will topic (never routed)");
  /* A will whose message is not valid JSON, or whose topic has a query. */
  cf_connect_opts opt = {0};
  char id[32];
  cf_unique_id(id, sizeof id);
  opt.client_id = id;
  opt.user = FX.key_master;
  opt.will_topic = will_t();
  opt.will_msg = "{\"current_value\":";
  cf_conn *c = cf_client_opts("badwill", &opt);
  cf_conn_close(c);
  will_conn wid = w;
  snprintf(wid.id, sizeof wid.id, "%s", id);
  expect_no_will(o, &wid, "after a will whose message is malformed JSON");
  char *after = cf_read(FX.key_master, will_t());
  CF_EXPECT_STR("the datastream after unusable wills", before, after ? after : "(nothing)");
  cf_disconnect(n);
  cf_disconnect(o);
}
END_TEST

START_TEST(refused_connect_registers_nothing) {
  cf_conn *o = observer();
  static const int level[3] = {4, 5, 4};
  for (int i = 0; i < 3; i++) {
    will_conn w;
    cf_unique_id(w.id, sizeof w.id);
    w.value = cf_uvalue("refused");
    cf_connect_opts opt = {0};
    opt.client_id = w.id;
    opt.level = level[i];
    opt.user = i == 0 ? FX.key_invalid : FX.key_master;
    opt.will_topic = will_t();
    opt.will_msg = cf_fmt("{\"current_value\":\"%s\"}", w.value);
    if (i == 2) {
      opt.persistent = true;
      opt.client_id = "";
    }
    cf_conn *c = cf_open("refused");
    cf_expect_refused(c, &opt, i == 0 ? 4u : i == 1 ? 1u : 2u);
    cf_conn_close(c);
    expect_no_will(o, &w, "after a refused CONNECT that carried a will");
  }
  cf_disconnect(o);
}
END_TEST

void cf_area_will(cf_reg *r) {
  CF_ADD(r, fires_on_socket_close, "XB-WILL-4 XB-WILL-8 XB-WILL-11 XB-AUTH-14 XB-ERR-30 XB-SUB-12",
         "closing the socket without DISCONNECT fires the will with the connection's key, once");
  CF_ADD(r, fires_on_keepalive_expiry, "XB-WILL-4 XB-MQTT-37 XB-ERR-25",
         "keep alive expiry closes the connection and fires the will");
  CF_ADD(r, not_after_disconnect, "XB-WILL-5 XB-MQTT-54", "after DISCONNECT the will never fires");
  CF_ADD(r, fires_on_malformed_disconnect, "XB-WILL-5 XB-MQTT-7 XB-MQTT-10",
         "a DISCONNECT with flags or a body is malformed: closed and the will fires");
  CF_ADD(r, fires_on_protocol_violation, "XB-WILL-4 XB-MQTT-39 XB-ERR-26 XB-ERR-16",
         "closed for a PUBLISH topic with + or a second CONNECT: the will fires");
  CF_ADD(r, fires_before_takeover_connack, "XB-WILL-4 XB-WILL-7 XB-MQTT-36",
         "takeover: the old connection's will is visible once the new CONNACK arrived");
  CF_ADD(r, dropped_when_key_may_not_write, "XB-WILL-8 XB-WILL-10 XB-AUTHZ-19 XB-AUTHZ-20",
         "a will of a read-only, foreign or anonymous connection is dropped silently");
  CF_ADD(r, prefix_key_of_will_topic, "XB-AUTH-14 XB-WILL-8",
         "the will topic's prefix key is the will's key, over the user name key");
  CF_ADD(r, qos_and_retain_of_will_ignored, "XB-WILL-9 XB-MQTT-22 XB-MAP-19 XB-EXC-9",
         "will QoS 2 and retain accepted; executed once, delivered RETAIN=0, nothing retained");
  CF_ADD(r, unusable_will_accepted_then_dropped, "XB-WILL-2 XB-WILL-10 XB-TOPIC-35 XB-SCOPE-5",
         "a non-API will topic and a malformed will message are accepted, then dropped");
  CF_ADD(r, refused_connect_registers_nothing, "XB-WILL-1",
         "a CONNECT refused with 04, 01 or 02 registers no will");
}
