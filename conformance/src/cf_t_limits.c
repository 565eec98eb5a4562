/*
 * Area "limits": packet, payload, topic, subscription, in-flight and CONNECT-time limits
 * (spec/limits.md) with the values the fixture declares (the reference's defaults).
 * A limit is exact: at the limit accepted, one byte beyond refused whole.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cf_check.h"

#define FX cf_fx

static const char *ds_t(void) {
  return cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_public);
}

/* A feed filter of exactly len bytes: datastreams=ds_public,aaa...,aaa (ids up to 64). */
static char *filter_of_length(size_t len) {
  cf_buf b = {0};
  const char *head = cf_fmt("/v2/feeds/%s.json?datastreams=%s", FX.feed_public, FX.ds_public);
  cf_buf_put(&b, head, strlen(head));
  while (b.len < len) {
    size_t left = len - b.len; /* >= 2 by construction */
    size_t id = left - 1 > 64 ? 64 : left - 1;
    if (left - 1 - id == 1) id--; /* never leave a single byte */
    cf_buf_put(&b, ",", 1);
    for (size_t i = 0; i < id; i++) cf_buf_put(&b, "a", 1);
  }
  return (char *)b.p;
}

START_TEST(topic_length_limit) {
  size_t max = (size_t)FX.max_topic_length;
  cf_conn *c = cf_client("A", FX.key_master);
  char *at = filter_of_length(max);
  char *s = cf_sub_state(c, at);
  if (strstr(s, cf_fmt("{\"id\":\"%s\"", FX.ds_public)) == NULL || strstr(s, cf_fmt("{\"id\":\"%s\"", FX.ds_never)) != NULL)
    cf_fail("a filter of %zu bytes (the limit) with datastreams=%s,... must be served, restricted to that datastream (XB-TOPIC-28)\n  got: %s",
            max, FX.ds_public, s);
  char *beyond = filter_of_length(max + 1);
  cf_sub_nothing(c, beyond, cf_fmt("a filter of %zu bytes is longer than max-topic-length", max + 1));
  cf_disconnect(c);
}
END_TEST

/* A valid JSON write of exactly n bytes setting current_value to v. */
static char *payload_of_length(size_t n, const char *v) {
  const char *head = cf_fmt("{\"current_value\":\"%s\",\"cf_padding\":\"", v);
  size_t fixed = strlen(head) + 2;
  char *p = cf_fmt("%s%*s\"}", head, (int)(n - fixed), "");
  return p;
}

START_TEST(payload_size_limit) {
  size_t max = (size_t)FX.max_payload_size;
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, ds_t());
  cf_conn *w = cf_client("writer", FX.key_master);
  char *v = cf_uvalue("big");
  cf_publish(w, ds_t(), payload_of_length(max, v), 1);
  cf_pkt p;
  cf_expect_delivery(o, ds_t(), 0, &p, cf_fmt("after a write whose payload is %zu bytes (the limit)", max));
  if (strstr(p.payload, v) == NULL) cf_fail("the write at the payload limit was not executed\n  got: %s", p.payload);
  cf_pkt_free(&p);
  cf_publish(w, ds_t(), payload_of_length(max + 1, cf_uvalue("toobig")), 1);
  cf_publish(w, ds_t(), payload_of_length(max + 1, cf_uvalue("toobig")), 2);
  cf_expect_nothing(o, cf_fmt("after writes whose payload is %zu bytes (beyond max-payload-size)", max + 1));
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

static void header_with_length(cf_buf *b, unsigned first, size_t rl) {
  cf_buf_u8(b, first);
  do {
    unsigned d = (unsigned)(rl % 128);
    rl /= 128;
    cf_buf_u8(b, rl > 0 ? d | 128u : d);
  } while (rl > 0);
}

static size_t varint_len(size_t rl) { return rl < 128 ? 1 : rl < 16384 ? 2 : rl < 2097152 ? 3 : 4; }

START_TEST(packet_size_limit) {
  size_t max = (size_t)FX.max_packet_size;
  /* Exactly the limit: a QoS 1 PUBLISH to a non-API topic, acknowledged. */
  size_t rl = max - 1;
  while (1 + varint_len(rl) + rl > max) rl--;
  cf_conn *c = cf_client("A", FX.key_master);
  cf_buf b = {0};
  header_with_length(&b, 0x32, rl);
  cf_buf_str(&b, "cf/big", 6);
  cf_buf_u16(&b, 0x5151);
  while (b.len < 1 + varint_len(rl) + rl) cf_buf_u8(&b, 'x');
  if (!cf_send_buf(c, &b)) cf_fail("the bridge closed the connection during a packet of %zu bytes (the limit)", max);
  cf_buf_free(&b);
  cf_pkt p;
  cf_expect_packet(c, CF_PUBACK, &p, cf_fmt("after a PUBLISH of %zu bytes (the packet size limit)", max));
  cf_pkt_free(&p);
  /* One byte beyond: closed as soon as the remaining length is read, body never sent. */
  rl = max;
  while (1 + varint_len(rl) + rl <= max) rl++;
  header_with_length(&b, 0x30, rl);
  cf_send_buf(c, &b);
  cf_expect_closed(c, cf_fmt("after the fixed header of a %zu-byte PUBLISH (no body sent)", 1 + varint_len(rl) + rl));
  cf_conn_close(c);
  cf_buf_free(&b);
  /* Before CONNECT: no CONNACK either. */
  c = cf_open("B");
  header_with_length(&b, 0x10, rl);
  cf_send_buf(c, &b);
  cf_expect_closed(c, "after the fixed header of an oversized CONNECT");
  cf_conn_close(c);
  cf_buf_free(&b);
}
END_TEST

START_TEST(subscription_limit) {
  size_t max = (size_t)FX.max_subscriptions;
  if (max < 2) cf_fail("max_subscriptions must be at least 2 for this test");
  cf_conn *c = cf_client("A", FX.key_master);
  /* max - 1 non-API filters (they count), then the datastream as the last allowed. */
  const char **junk = calloc(max, sizeof *junk);
  for (size_t i = 0; i + 1 < max; i++) junk[i] = cf_fmt("cf/junk/%zu", i);
  for (size_t i = 0; i + 1 < max; i += 16) cf_subscribe_n(c, junk + i, (max - 1 - i) < 16 ? max - 1 - i : 16, NULL);
  (void)cf_sub_state(c, ds_t());
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  cf_sub_nothing(c, ft, cf_fmt("subscription %zu is beyond max-subscriptions", max + 1));
  /* A replacement is not a new subscription. */
  (void)cf_sub_state(c, ds_t());
  cf_publish(c, ds_t(), cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("lim")), 1);
  cf_pkt p;
  cf_expect_delivery(c, ds_t(), 0, &p, "for the recorded datastream subscription");
  cf_pkt_free(&p);
  cf_expect_nothing(c, "for the feed subscription refused by the limit (not recorded)");
  /* Unsubscribing frees a place. */
  cf_unsubscribe(c, junk[0]);
  (void)cf_sub_state(c, ft);
  cf_disconnect(c);
}
END_TEST

START_TEST(inflight_qos2_limit) {
  size_t max = (size_t)FX.max_inflight_qos2;
  cf_conn *c = cf_client("A", FX.key_master);
  for (size_t i = 1; i <= max; i++) {
    cf_buf b = {0};
    cf_build_publish(&b, "cf/inflight", 11, "x", 1, 2, false, false, (unsigned)i);
    cf_send_buf(c, &b);
    cf_buf_free(&b);
    cf_pkt p;
    cf_expect_packet(c, CF_PUBREC, &p, cf_fmt("after QoS 2 PUBLISH %zu of %zu awaiting PUBREL", i, max));
    cf_pkt_free(&p);
  }
  cf_buf b = {0};
  cf_build_publish(&b, "cf/inflight", 11, "x", 1, 2, false, false, (unsigned)max + 1);
  cf_send_buf(c, &b);
  cf_buf_free(&b);
  cf_expect_closed(c, cf_fmt("after QoS 2 PUBLISH %zu while %zu await PUBREL", max + 1, max));
  cf_conn_close(c);
}
END_TEST

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(connect_timeout) {
  double limit = (double)FX.connect_timeout;
  double t0 = mono_s();
  cf_conn *c = cf_open("silent");
  static const uint8_t part[] = {0x10, 0x10, 0x00, 0x04, 'M', 'Q'}; /* an incomplete CONNECT */
  cf_conn *d = cf_open("partial");
  cf_send(d, part, sizeof part);
  size_t extra = 0;
  bool closed = cf_wait_closed(c, (int)(limit * 1000) + cf_timeout_ms, &extra);
  double dt = mono_s() - t0;
  if (!closed) cf_fail("a connection without CONNECT must be closed after connect-timeout (%.0f s)\n  got: open after %.1f s", limit, dt);
  if (extra != 0) cf_fail("a connection closed for connect-timeout must get nothing (no CONNACK)\n  got: %zu bytes", extra);
  if (dt < limit - 0.5) cf_fail("connect-timeout is %.0f s\n  got: closed after %.1f s", limit, dt);
  closed = cf_wait_closed(d, cf_timeout_ms, &extra);
  if (!closed || extra != 0)
    cf_fail("a connection with an incomplete CONNECT must be closed after connect-timeout without CONNACK\n  got: %s, %zu bytes",
            closed ? "closed" : "open", extra);
  cf_conn_close(c);
  cf_conn_close(d);
}
END_TEST

/* n datapoints, one second apart from 2013-04-22T00:00:00Z, all with value v. */
static char *points(size_t n, const char *v) {
  cf_buf b = {0};
  cf_buf_put(&b, "{\"datapoints\":[", 15);
  for (size_t i = 0; i < n; i++) {
    char *e = cf_fmt("%s{\"at\":\"2013-04-22T%02zu:%02zu:%02zuZ\",\"value\":\"%s\"}", i ? "," : "", i / 3600,
                     i / 60 % 60, i % 60, v);
    cf_buf_put(&b, e, strlen(e));
  }
  cf_buf_put(&b, "]}", 2);
  return (char *)b.p;
}

START_TEST(datapoints_per_request_limit) {
  size_t max = (size_t)FX.max_datapoints;
  const char *dp = cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints", FX.feed_private, FX.ds_private2);
  const char *first = cf_fmt("%s/2013-04-22T00:00:00Z.json", dp);
  cf_conn *c = cf_client("A", FX.key_master);
  char *v = cf_uvalue("over");
  char *body = points(max + 1, v);
  if (strlen(body) > (size_t)FX.max_payload_size) cf_fail("max_datapoints + 1 points do not fit max_payload_size; test needs a smaller limit");
  cf_publish(c, cf_fmt("%s.json", dp), body, 1);
  char *s = cf_read(FX.key_master, first);
  if (s != NULL && strstr(s, v) != NULL)
    cf_fail("a write of %zu datapoints (beyond max-datapoints) must store nothing\n  got for its first point: %s", max + 1, s);
  v = cf_uvalue("at");
  cf_publish(c, cf_fmt("%s.json", dp), points(max, v), 1);
  s = cf_read(FX.key_master, first);
  if (s == NULL || strstr(s, v) == NULL)
    cf_fail("a write of %zu datapoints (the limit) must be stored\n  got for its first point: %s", max, s ? s : "(nothing)");
  cf_disconnect(c);
}
END_TEST

void cf_area_limits(cf_reg *r) {
  CF_ADD(r, topic_length_limit, "XB-TOPIC-1 XB-ERR-32 XB-LIM-9 XB-TOPIC-28",
         "a filter of max-topic-length bytes is served, one byte longer gets nothing");
  CF_ADD(r, payload_size_limit, "XB-LIM-2 XB-ERR-38 XB-LIM-9 XB-JSON-25",
         "a payload of max-payload-size bytes is executed, one byte more dropped (still acknowledged)");
  CF_ADD(r, packet_size_limit, "XB-MQTT-5 XB-LIM-1 XB-ERR-8",
         "a packet of max-packet-size bytes is served; a larger one closes at its header, before or after CONNACK");
  CF_ADD(r, subscription_limit, "XB-SUB-24 XB-ERR-46 XB-TOPIC-33 XB-MAP-25",
         "beyond max-subscriptions: SUBACK 00, not recorded; replacements allowed; UNSUBSCRIBE frees a place");
  CF_ADD(r, inflight_qos2_limit, "XB-LIM-6 XB-ERR-28",
         "one more QoS 2 PUBLISH than max-inflight-qos2 awaiting PUBREL closes the connection");
  CF_ADD(r, datapoints_per_request_limit, "XB-LIM-8 XB-RES-63 XB-ERR-44 XB-RES-64",
         "max-datapoints values in one write are stored, one more and nothing is");
  CF_ADD(r, connect_timeout, "XB-MQTT-17 XB-ERR-23",
         "no complete CONNECT within connect-timeout: closed without CONNACK, not earlier");
}
