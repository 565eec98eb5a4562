/*
 * test_session.c — the session state machine over socketpairs: CONNECT (spec/mqtt.md §3,
 * spec/auth.md §2, spec/errors.md XB-ERR-5), PUBLISH and its acknowledgements (§4,
 * spec/mapping.md), PINGREQ / DISCONNECT, keep alive and CONNECT timeouts, malformed
 * input, takeover and the last will (spec/will.md).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_session_util.h"
#include "xb_test_util.h"

static char g_topic[128];

/* "/v2/feeds/<pub>/datastreams/temp.json" and friends. */
static const char *ds_topic(uint32_t feed) {
  snprintf(g_topic, sizeof g_topic, "/v2/feeds/%u/datastreams/temp.json", feed);
  return g_topic;
}

static bool ds_value_is(uint32_t feed, const char *v) {
  char want[64];
  snprintf(want, sizeof want, "\"current_value\":\"%s\"", v);
  const char *b = ts_get(ds_topic(feed), TS.alice);
  return b != NULL && strstr(b, want) != NULL;
}

static int connack_code(int fd) {
  ts_pkt *p = malloc(sizeof *p);
  int r = ts_recv(fd, p, 20);
  int code = -1;
  if (r == 1 && p->type == 2 && p->len == 2 && p->body[0] == 0) code = p->body[1];
  free(p);
  return code;
}

/* ------------------------------------------------------------------ CONNECT */

START_TEST(test_connect_accepted_XB_MQTT_34) {
  /* Checks XB-MQTT-34. */
  int fd = ts_adopt();
  ts_conn_opts o = {4, "dev-1", NULL, 30, true, NULL, NULL};
  ts_send_connect(fd, &o);
  /* XB-MQTT-34: 20 02 00 00, session present 0 even with clean session 0 (XB-MQTT-33). */
  ck_assert_int_eq(connack_code(fd), 0);
  int fd2 = ts_adopt();
  ts_conn_opts o2 = {3, "dev-2", TS.dev, 30, false, NULL, NULL};
  ts_send_connect(fd2, &o2);
  ck_assert_int_eq(connack_code(fd2), 0); /* XB-SCOPE-1: level 3 too */
}
END_TEST

START_TEST(test_connect_unknown_key_XB_AUTH_1) {
  /* Checks XB-AUTH-1. */
  int fd = ts_adopt();
  ts_conn_opts o = {4, "c", "NoSuchKeyNoSuchKeyNoSuchKey", 0, true, NULL, NULL};
  ts_send_connect(fd, &o);
  ck_assert_int_eq(connack_code(fd), 4);
  ck_assert(ts_closed(fd, 20)); /* XB-MQTT-35: closed after a refusal */
}
END_TEST

START_TEST(test_connect_malformed_key_XB_AUTH_3) {
  /* Checks XB-AUTH-3. */
  const char *bad[] = {"", "short", "has space in it 1234567"};
  for (size_t i = 0; i < 3; i++) {
    int fd = ts_adopt();
    ts_conn_opts o = {4, "c", bad[i], 0, true, NULL, NULL};
    ts_send_connect(fd, &o);
    ck_assert_int_eq(connack_code(fd), 4);
    ck_assert(ts_closed(fd, 20));
  }
}
END_TEST

START_TEST(test_connect_key_permissions_not_checked_XB_AUTH_6) {
  /* Checks XB-AUTH-6. */
  /* bob's master key owns nothing here, and is accepted at CONNECT all the same. */
  int fd = ts_adopt();
  ts_conn_opts o = {4, "b", TS.bob, 0, true, NULL, NULL};
  ts_send_connect(fd, &o);
  ck_assert_int_eq(connack_code(fd), 0);
}
END_TEST

START_TEST(test_connect_bad_level_XB_MQTT_19) {
  /* Checks XB-MQTT-19. */
  unsigned levels[] = {5, 3};
  const char *names[] = {"MQTT", "MQTT"};
  for (size_t i = 0; i < 2; i++) {
    int fd = ts_adopt();
    xb_connect_spec c = xb_connect_default(4);
    c.name = names[i];
    c.level = levels[i];
    xb_tb body, pkt;
    xb_tb_init(&body);
    xb_tb_init(&pkt);
    xb_connect_body(&body, &c);
    xb_tb_packet(&pkt, 0x10, body.p, body.len);
    ts_send(fd, pkt.p, pkt.len);
    xb_tb_free(&body);
    xb_tb_free(&pkt);
    ck_assert_int_eq(connack_code(fd), 1); /* XB-ERR-18 */
    ck_assert(ts_closed(fd, 20));
  }
}
END_TEST

START_TEST(test_connect_bad_name_closed_XB_MQTT_18) {
  /* Checks XB-MQTT-18. */
  int fd = ts_adopt();
  xb_connect_spec c = xb_connect_default(4);
  c.name = "MQTX";
  xb_tb body, pkt;
  xb_tb_init(&body);
  xb_tb_init(&pkt);
  xb_connect_body(&body, &c);
  xb_tb_packet(&pkt, 0x10, body.p, body.len);
  ts_send(fd, pkt.p, pkt.len);
  xb_tb_free(&body);
  xb_tb_free(&pkt);
  ck_assert(ts_closed(fd, 20)); /* no CONNACK (XB-ERR-17) */
}
END_TEST

START_TEST(test_first_packet_not_connect_XB_MQTT_15) {
  /* Checks XB-MQTT-15. */
  int fd = ts_adopt();
  ts_packet0(fd, 0xC0);
  ck_assert(ts_closed(fd, 20));
}
END_TEST

START_TEST(test_client_id_rules_XB_MQTT_28_XB_MQTT_31) {
  /* Checks XB-MQTT-28, XB-MQTT-31. */
  /* Level 3: 24 bytes refused with 02. */
  int fd = ts_adopt();
  ts_conn_opts o = {3, "abcdefghijklmnopqrstuvwx", NULL, 0, true, NULL, NULL};
  ts_send_connect(fd, &o);
  ck_assert_int_eq(connack_code(fd), 2);
  ck_assert(ts_closed(fd, 20));
  /* Level 4: 100 bytes accepted (limit 128), 129 refused with 02. */
  char id[200];
  memset(id, 'x', sizeof id);
  id[100] = '\0';
  ts_conn_opts o4 = {4, id, NULL, 0, true, NULL, NULL};
  ts_connect_opts(&o4);
  memset(id, 'y', sizeof id);
  id[129] = '\0';
  fd = ts_adopt();
  ts_send_connect(fd, &o4);
  ck_assert_int_eq(connack_code(fd), 2);
  ck_assert(ts_closed(fd, 20));
}
END_TEST

START_TEST(test_empty_client_id_XB_MQTT_29_XB_MQTT_30) {
  /* Checks XB-MQTT-29, XB-MQTT-30. */
  int fd = ts_adopt();
  ts_conn_opts o = {4, "", NULL, 0, false, NULL, NULL};
  ts_send_connect(fd, &o);
  ck_assert_int_eq(connack_code(fd), 2); /* XB-MQTT-29 */
  /* Two empty ids with clean session get distinct ids: neither takes the other over. */
  ts_conn_opts c = {4, "", NULL, 0, true, NULL, NULL};
  int a = ts_connect_opts(&c);
  int b = ts_connect_opts(&c);
  ts_packet0(a, 0xC0);
  ts_expect_pingresp(a);
  ts_packet0(b, 0xC0);
  ts_expect_pingresp(b);
}
END_TEST

START_TEST(test_second_connect_fires_will_XB_MQTT_16) {
  /* Checks XB-MQTT-16. */
  ts_conn_opts o = {4, "w", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"lost\"}"};
  int fd = ts_connect_opts(&o);
  ts_send_connect(fd, &o);
  ck_assert(ts_closed(fd, 20));
  ts_turns(3);
  ck_assert(ds_value_is(TS.pub, "lost")); /* XB-ERR-16: the will fires */
}
END_TEST

/* ------------------------------------------------------------------ PING, DISCONNECT */

START_TEST(test_pingreq_XB_MQTT_53) {
  /* Checks XB-MQTT-53. */
  int fd = ts_connect("p", NULL);
  ts_packet0(fd, 0xC0);
  ts_pkt *p = malloc(sizeof *p);
  ck_assert_int_eq(ts_recv(fd, p, 20), 1);
  ck_assert_uint_eq(p->type, 13);
  ck_assert_uint_eq(p->len, 0);
  free(p);
}
END_TEST

START_TEST(test_disconnect_discards_will_XB_WILL_5) {
  /* Checks XB-WILL-5. */
  ts_conn_opts o = {4, "d", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"gone\"}"};
  int fd = ts_connect_opts(&o);
  ts_packet0(fd, 0xE0);
  ck_assert(ts_closed(fd, 20)); /* XB-MQTT-54 */
  ts_turns(3);
  ck_assert(!ds_value_is(TS.pub, "gone"));
  ck_assert_uint_eq(ts_stats().wills, 0);
}
END_TEST

START_TEST(test_malformed_disconnect_fires_will_XB_WILL_5) {
  /* Checks XB-WILL-5. */
  ts_conn_opts o = {4, "d", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"gone\"}"};
  int fd = ts_connect_opts(&o);
  uint8_t bad[3] = {0xE0, 1, 0}; /* DISCONNECT with a body: malformed (XB-MQTT-10) */
  ts_send(fd, bad, 3);
  ck_assert(ts_closed(fd, 20));
  ts_turns(3);
  ck_assert(ds_value_is(TS.pub, "gone"));
}
END_TEST

/* ------------------------------------------------------------------ PUBLISH */

START_TEST(test_qos1_acked_after_write_XB_MQTT_40) {
  /* Checks XB-MQTT-40. */
  int fd = ts_connect("q1", TS.dev);
  ts_publish(fd, 1, 7, ds_topic(TS.pub), "{\"current_value\":\"11\"}");
  ts_expect_ack(fd, 4, 7);
  /* XB-MAP-17: when the PUBACK is out, the write is committed and visible. */
  ck_assert(ds_value_is(TS.pub, "11"));
  /* XB-MAP-16: a denied write is acknowledged all the same, and changes nothing. */
  ts_publish(fd, 1, 8, ds_topic(TS.priv), "{\"current_value\":\"12\"}");
  ts_expect_ack(fd, 4, 8);
  ck_assert(!ds_value_is(TS.priv, "12"));
  /* XB-TOPIC-34: a non-API topic too. */
  ts_publish(fd, 1, 9, "hello/world", "x");
  ts_expect_ack(fd, 4, 9);
}
END_TEST

START_TEST(test_qos0_no_answer_XB_MAP_14) {
  /* Checks XB-MAP-14. */
  int fd = ts_connect("q0", TS.dev);
  ts_publish(fd, 0, 0, ds_topic(TS.pub), "{\"current_value\":\"3\"}");
  ts_publish(fd, 0, 0, ds_topic(TS.pub), "not json");
  ck_assert(ts_silent(fd, 10));
  ck_assert(ds_value_is(TS.pub, "3"));
}
END_TEST

START_TEST(test_qos2_once_per_id_XB_MQTT_41) {
  /* Checks XB-MQTT-41. */
  int fd = ts_connect("q2", TS.dev);
  char payload[64];
  snprintf(payload, sizeof payload, "{\"current_value\":\"21\"}");
  ts_publish(fd, 2, 5, ds_topic(TS.pub), payload);
  ts_expect_ack(fd, 5, 5); /* PUBREC */
  ck_assert(ds_value_is(TS.pub, "21"));
  uint64_t req = ts_stats().requests;
  /* Same id before PUBREL: PUBREC again, not executed (XB-MAP-13). */
  ts_publish(fd, 2, 5, ds_topic(TS.pub), "{\"current_value\":\"22\"}");
  ts_expect_ack(fd, 5, 5);
  ck_assert_uint_eq(ts_stats().requests, req);
  ck_assert(ds_value_is(TS.pub, "21"));
  ts_ack(fd, 0x62, 5);
  ts_expect_ack(fd, 7, 5); /* PUBCOMP */
  ts_ack(fd, 0x62, 99);
  ts_expect_ack(fd, 7, 99); /* even for an unknown id */
  /* After PUBREL the id is new again. */
  ts_publish(fd, 2, 5, ds_topic(TS.pub), "{\"current_value\":\"23\"}");
  ts_expect_ack(fd, 5, 5);
  ck_assert(ds_value_is(TS.pub, "23"));
}
END_TEST

START_TEST(test_too_many_inflight_XB_LIM_6) {
  /* Checks XB-LIM-6. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.max_inflight_qos2 = 2;
  ts_setup_cfg(&cfg);
  ts_conn_opts o = {4, "i", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"w\"}"};
  int fd = ts_connect_opts(&o);
  ts_publish(fd, 2, 1, ds_topic(TS.pub), "{\"current_value\":\"1\"}");
  ts_publish(fd, 2, 2, ds_topic(TS.pub), "{\"current_value\":\"2\"}");
  ts_expect_ack(fd, 5, 1);
  ts_expect_ack(fd, 5, 2);
  ts_publish(fd, 2, 3, ds_topic(TS.pub), "{\"current_value\":\"3\"}");
  ck_assert(ts_closed(fd, 20));
  ts_turns(3);
  ck_assert(ds_value_is(TS.pub, "w")); /* the will fired (XB-ERR-28) */
}
END_TEST

START_TEST(test_batch_limit_defers_packets_XB_STORE_12) {
  /* Checks XB-STORE-12. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.batch_max = 2;
  ts_setup_cfg(&cfg);
  int fd = ts_connect("b", TS.dev);
  /* Seven writes arrive in one read: at most two run per batch, none is lost, and the
   * acknowledgements keep their order. */
  for (unsigned i = 1; i <= 7; i++) {
    char payload[64];
    snprintf(payload, sizeof payload, "{\"current_value\":\"b%u\"}", i);
    ts_publish(fd, 1, i, ds_topic(TS.pub), payload);
  }
  uint64_t batches = ts_stats().batches;
  for (unsigned i = 1; i <= 7; i++) ts_expect_ack(fd, 4, i);
  ck_assert(ds_value_is(TS.pub, "b7"));
  ck_assert_uint_ge(ts_stats().batches - batches, 4);
}
END_TEST

START_TEST(test_batch_limit_round_robin_XB_STORE_12) {
  /* Checks XB-STORE-12, XB-STORE-9: connections held back by the batch limit are served
   * in turn, so none waits behind another's backlog or behind fresher readers; at any
   * moment the acknowledged writes of two busy connections differ by at most one. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.batch_max = 1;
  ts_setup_cfg(&cfg);
  enum { N = 3, K = 4 };
  int fd[N];
  char id[16];
  for (int i = 0; i < N; i++) {
    snprintf(id, sizeof id, "r%d", i);
    fd[i] = ts_connect(id, TS.dev);
  }
  for (int i = 0; i < N; i++) {
    for (unsigned j = 1; j <= K; j++) {
      char payload[64];
      snprintf(payload, sizeof payload, "{\"current_value\":\"r%d-%u\"}", i, j);
      ts_publish(fd[i], 1, j, ds_topic(TS.pub), payload);
    }
  }
  unsigned acked[N] = {0};
  ts_pkt *p = malloc(sizeof *p);
  for (int turn = 0; turn < 4 * N * K; turn++) {
    ts_turns(1);
    for (int i = 0; i < N; i++) {
      while (ts_recv(fd[i], p, 0) == 1) {
        ck_assert_uint_eq(p->type, 4);
        acked[i]++;
        ck_assert_uint_eq((unsigned)p->body[0] * 256u + p->body[1], acked[i]); /* in order */
      }
    }
    unsigned lo = K, hi = 0;
    for (int i = 0; i < N; i++) {
      if (acked[i] < lo) lo = acked[i];
      if (acked[i] > hi) hi = acked[i];
    }
    ck_assert_msg(hi - lo <= 1 || lo == K, "turn %d: acknowledged %u/%u/%u", turn, acked[0],
                  acked[1], acked[2]);
  }
  free(p);
  for (int i = 0; i < N; i++) ck_assert_uint_eq(acked[i], K);
}
END_TEST

START_TEST(test_store_failure_XB_ERR_45) {
  /* Checks XB-ERR-45. */
  int q1 = ts_connect("q1", TS.dev);
  int q0 = ts_connect("q0", TS.dev);
  /* Another process holds the store's write lock: the batch cannot begin. */
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(TS.path, &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  ts_publish(q0, 0, 0, ds_topic(TS.pub), "{\"current_value\":\"lost0\"}");
  ts_publish(q1, 1, 1, ds_topic(TS.pub), "{\"current_value\":\"lost1\"}");
  /* QoS 1: not acknowledged, closed so that the client sends it again. */
  ck_assert(ts_closed(q1, 20));
  ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  /* QoS 0: dropped, the connection stays; the server keeps running. */
  ts_publish(q0, 1, 2, ds_topic(TS.pub), "{\"current_value\":\"later\"}");
  ts_expect_ack(q0, 4, 2);
  ck_assert(ds_value_is(TS.pub, "later"));
}
END_TEST

START_TEST(test_client_acks_ignored_XB_MQTT_43) {
  /* Checks XB-MQTT-43. */
  int fd = ts_connect("a", NULL);
  ts_ack(fd, 0x40, 3);
  ts_ack(fd, 0x50, 3);
  ts_ack(fd, 0x70, 3);
  ts_packet0(fd, 0xC0);
  ts_expect_pingresp(fd);
}
END_TEST

START_TEST(test_publish_wildcard_topic_closes_XB_ERR_26) {
  /* Checks XB-ERR-26. */
  ts_conn_opts o = {4, "x", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"wc\"}"};
  int fd = ts_connect_opts(&o);
  ts_publish(fd, 0, 0, "/v2/feeds/+.json", "{}");
  ck_assert(ts_closed(fd, 20));
  ts_turns(3);
  ck_assert(ds_value_is(TS.pub, "wc"));
}
END_TEST

START_TEST(test_prefix_key_overrides_username_XB_AUTH_9) {
  /* Checks XB-AUTH-9. */
  /* Anonymous connection, the prefix key authorizes. */
  int fd = ts_connect("pk", NULL);
  char topic[200];
  snprintf(topic, sizeof topic, "%s/v2/feeds/%u/datastreams/temp.json", TS.dev, TS.pub);
  ts_publish(fd, 1, 1, topic, "{\"current_value\":\"31\"}");
  ts_expect_ack(fd, 4, 1);
  ck_assert(ds_value_is(TS.pub, "31"));
  /* Username key valid for the feed, prefix key of bob: bob's key alone decides. */
  int fd2 = ts_connect("pk2", TS.dev);
  snprintf(topic, sizeof topic, "%s/v2/feeds/%u/datastreams/temp.json", TS.bob, TS.pub);
  ts_publish(fd2, 1, 2, topic, "{\"current_value\":\"32\"}");
  ts_expect_ack(fd2, 4, 2);
  ck_assert(ds_value_is(TS.pub, "31"));
}
END_TEST

/* ------------------------------------------------------------------ malformed input */

START_TEST(test_malformed_closes_only_that_connection_XB_MQTT_4) {
  /* Checks XB-MQTT-4. */
  int good = ts_connect("good", NULL);
  int bad = ts_connect("bad", NULL);
  uint8_t reserved[2] = {0xF0, 0}; /* type 15 (XB-MQTT-6) */
  ts_send(bad, reserved, 2);
  ck_assert(ts_closed(bad, 20));
  ts_packet0(good, 0xC0);
  ts_expect_pingresp(good);
  int bad2 = ts_connect("bad2", NULL);
  uint8_t longlen[6] = {0xC0, 0x80, 0x80, 0x80, 0x80, 0x01}; /* 5-byte length */
  ts_send(bad2, longlen, 6);
  ck_assert(ts_closed(bad2, 20));
  ts_packet0(good, 0xC0);
  ts_expect_pingresp(good);
}
END_TEST

START_TEST(test_packet_too_large_XB_LIM_1) {
  /* Checks XB-LIM-1. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.max_packet = 1024;
  ts_setup_cfg(&cfg);
  int fd = ts_connect("big", NULL);
  /* The header announces 2000 bytes: closed before any of the body is sent. */
  uint8_t hdr[3] = {0x30, 0xD0, 0x0F};
  ts_send(fd, hdr, 3);
  ck_assert(ts_closed(fd, 20));
}
END_TEST

/* ------------------------------------------------------------------ timeouts */

START_TEST(test_connect_timeout_XB_MQTT_17) {
  /* Checks XB-MQTT-17. */
  int fd = ts_adopt();
  ts_advance(9000);
  ck_assert(ts_silent(fd, 2));
  ts_advance(1200);
  ck_assert(ts_closed(fd, 5)); /* no CONNACK (XB-ERR-23) */
}
END_TEST

START_TEST(test_keepalive_expiry_fires_will_XB_MQTT_37) {
  /* Checks XB-MQTT-37. */
  ts_conn_opts o = {4, "k", TS.dev, 2, true, ds_topic(TS.pub), "{\"current_value\":\"ka\"}"};
  int fd = ts_connect_opts(&o);
  /* Traffic keeps it alive: every complete packet restarts the 3 s clock. */
  for (int i = 0; i < 4; i++) {
    ts_advance(2000);
    ts_packet0(fd, 0xC0);
    ts_expect_pingresp(fd);
  }
  ts_advance(2800);
  ck_assert(ts_silent(fd, 2));
  ts_advance(500);
  ck_assert(ts_closed(fd, 5)); /* 1.5 x 2 s, XB-ERR-25 */
  ck_assert(ds_value_is(TS.pub, "ka"));
}
END_TEST

START_TEST(test_keepalive_clamped_XB_LIM_7) {
  /* Checks XB-LIM-7. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.keepalive_max = 4;
  ts_setup_cfg(&cfg);
  /* K = 0 becomes keepalive-max when it is below 65535: closed after 6 s. */
  int fd = ts_connect("z", NULL);
  ts_advance(5500);
  ck_assert(ts_silent(fd, 2));
  ts_advance(700);
  ck_assert(ts_closed(fd, 5));
  /* K = 100 is lowered to 4. */
  ts_conn_opts o = {4, "h", NULL, 100, true, NULL, NULL};
  fd = ts_connect_opts(&o);
  ts_advance(6200);
  ck_assert(ts_closed(fd, 5));
}
END_TEST

/* ------------------------------------------------------------------ will, takeover */

START_TEST(test_will_on_peer_close_XB_WILL_4) {
  /* Checks XB-WILL-4. */
  ts_conn_opts o = {4, "eof", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"eof\"}"};
  int fd = ts_connect_opts(&o);
  ts_publish(fd, 0, 0, ds_topic(TS.pub), "{\"current_value\":\"before\"}");
  ts_close(fd);
  ts_turns(6);
  /* XB-WILL-7: the request received before the end ran first, then the will. */
  ck_assert(ds_value_is(TS.pub, "eof"));
  ck_assert_uint_eq(ts_stats().wills, 1);
}
END_TEST

START_TEST(test_will_permission_checked_when_fired_XB_WILL_8) {
  /* Checks XB-WILL-8. */
  /* An anonymous connection may register any will; firing it is denied (XB-AUTHZ-20). */
  ts_conn_opts o = {4, "anon", NULL, 0, true, ds_topic(TS.pub), "{\"current_value\":\"nope\"}"};
  int fd = ts_connect_opts(&o);
  ts_close(fd);
  ts_turns(6);
  ck_assert(!ds_value_is(TS.pub, "nope"));
  ck_assert_uint_eq(ts_stats().wills, 1); /* it did fire, and was dropped (XB-WILL-10) */
  /* A non-API will topic is accepted at CONNECT (XB-WILL-2, XB-TOPIC-35). */
  ts_conn_opts o2 = {4, "na", TS.dev, 0, true, "status/device", "off"};
  fd = ts_connect_opts(&o2);
  ts_close(fd);
  ts_turns(6);
  ck_assert_uint_eq(ts_stats().wills, 2);
}
END_TEST

START_TEST(test_takeover_will_before_connack_XB_MQTT_36) {
  /* Checks XB-MQTT-36. */
  ts_conn_opts o = {4, "same", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"old\"}"};
  int old = ts_connect_opts(&o);
  /* A subscriber on the new connection's side sees the effect right after its CONNACK. */
  ts_conn_opts n = {4, "same", TS.dev, 0, true, NULL, NULL};
  int fresh = ts_adopt();
  ts_send_connect(fresh, &n);
  ck_assert_int_eq(connack_code(fresh), 0);
  /* XB-WILL-7: committed before that CONNACK was sent. */
  ck_assert(ds_value_is(TS.pub, "old"));
  ck_assert(ts_closed(old, 20)); /* XB-ERR-31 */
  ck_assert_uint_eq(ts_stats().wills, 1);
  /* The new connection keeps working, and its will is its own (none). */
  ts_packet0(fresh, 0xC0);
  ts_expect_pingresp(fresh);
  ts_close(fresh);
  ts_turns(5);
  ck_assert_uint_eq(ts_stats().wills, 1);
}
END_TEST

START_TEST(test_will_fires_once_XB_WILL_12) {
  /* Checks XB-WILL-12. */
  ts_conn_opts o = {4, "once", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"1x\"}"};
  int fd = ts_connect_opts(&o);
  /* A protocol violation and the end of stream coincide. */
  ts_send_connect(fd, &o);
  ts_close(fd);
  ts_turns(8);
  ck_assert_uint_eq(ts_stats().wills, 1);
}
END_TEST

START_TEST(test_no_will_at_shutdown_XB_WILL_6) {
  /* Checks XB-WILL-6. */
  ts_conn_opts o = {4, "sd", TS.dev, 0, true, ds_topic(TS.pub), "{\"current_value\":\"sd\"}"};
  ts_connect_opts(&o);
  xb_server_shutdown(TS.srv);
  ck_assert_uint_eq(ts_stats().wills, 0);
  ck_assert(!ds_value_is(TS.pub, "sd"));
}
END_TEST

Suite *xb_suite_session(void);

Suite *xb_suite_session(void) {
  Suite *s = suite_create("session");
  TCase *c = tcase_create("connect");
  tcase_add_checked_fixture(c, ts_setup, ts_teardown);
  tcase_set_timeout(c, 30);
  tcase_add_test(c, test_connect_accepted_XB_MQTT_34);
  tcase_add_test(c, test_connect_unknown_key_XB_AUTH_1);
  tcase_add_test(c, test_connect_malformed_key_XB_AUTH_3);
  tcase_add_test(c, test_connect_key_permissions_not_checked_XB_AUTH_6);
  tcase_add_test(c, test_connect_bad_level_XB_MQTT_19);
  tcase_add_test(c, test_connect_bad_name_closed_XB_MQTT_18);
  tcase_add_test(c, test_first_packet_not_connect_XB_MQTT_15);
  tcase_add_test(c, test_client_id_rules_XB_MQTT_28_XB_MQTT_31);
  tcase_add_test(c, test_empty_client_id_XB_MQTT_29_XB_MQTT_30);
  tcase_add_test(c, test_second_connect_fires_will_XB_MQTT_16);
  suite_add_tcase(s, c);
  c = tcase_create("packets");
  tcase_add_checked_fixture(c, ts_setup, ts_teardown);
  tcase_set_timeout(c, 30);
  tcase_add_test(c, test_pingreq_XB_MQTT_53);
  tcase_add_test(c, test_disconnect_discards_will_XB_WILL_5);
  tcase_add_test(c, test_malformed_disconnect_fires_will_XB_WILL_5);
  tcase_add_test(c, test_qos1_acked_after_write_XB_MQTT_40);
  tcase_add_test(c, test_qos0_no_answer_XB_MAP_14);
  tcase_add_test(c, test_qos2_once_per_id_XB_MQTT_41);
  tcase_add_test(c, test_too_many_inflight_XB_LIM_6);
  tcase_add_test(c, test_batch_limit_defers_packets_XB_STORE_12);
  tcase_add_test(c, test_batch_limit_round_robin_XB_STORE_12);
  tcase_add_test(c, test_store_failure_XB_ERR_45);
  tcase_add_test(c, test_client_acks_ignored_XB_MQTT_43);
  tcase_add_test(c, test_publish_wildcard_topic_closes_XB_ERR_26);
  tcase_add_test(c, test_prefix_key_overrides_username_XB_AUTH_9);
  tcase_add_test(c, test_malformed_closes_only_that_connection_XB_MQTT_4);
  tcase_add_test(c, test_packet_too_large_XB_LIM_1);
  suite_add_tcase(s, c);
  c = tcase_create("time");
  tcase_add_checked_fixture(c, ts_setup, ts_teardown);
  tcase_set_timeout(c, 30);
  tcase_add_test(c, test_connect_timeout_XB_MQTT_17);
  tcase_add_test(c, test_keepalive_expiry_fires_will_XB_MQTT_37);
  tcase_add_test(c, test_keepalive_clamped_XB_LIM_7);
  suite_add_tcase(s, c);
  c = tcase_create("will");
  tcase_add_checked_fixture(c, ts_setup, ts_teardown);
  tcase_set_timeout(c, 30);
  tcase_add_test(c, test_will_on_peer_close_XB_WILL_4);
  tcase_add_test(c, test_will_permission_checked_when_fired_XB_WILL_8);
  tcase_add_test(c, test_takeover_will_before_connack_XB_MQTT_36);
  tcase_add_test(c, test_will_fires_once_XB_WILL_12);
  tcase_add_test(c, test_no_will_at_shutdown_XB_WILL_6);
  suite_add_tcase(s, c);
  return s;
}
