/*
 * Area "protocol": malformed packets and protocol violations close the connection at
 * once without any answer (spec/mqtt.md, spec/errors.md §2.1, §2.3), while other clients
 * keep being served; valid but unusual input (fragments, several packets at once,
 * acknowledgements from the client, control characters in topics) does not.
 */
#include <string.h>

#include "cf_check.h"

#define FX cf_fx

typedef struct bad {
  const char *what;
  const uint8_t *bytes;
  size_t n;
} bad;

#define B(what, ...) {what, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})}

/* Each packet after CONNACK 00 closes its connection without an answer; a connection
 * opened before keeps working, and a new one can still connect. */
static void violations(const bad *cases, size_t n) {
  cf_conn *by = cf_client("bystander", FX.key_master);
  for (size_t i = 0; i < n; i++) {
    cf_conn *c = cf_client("violator", FX.key_master);
    char esc[200];
    cf_escape(cases[i].bytes, cases[i].n, esc, sizeof esc);
    cf_transcript_note("case: %s", cases[i].what);
    if (cf_send(c, cases[i].bytes, cases[i].n))
      cf_expect_closed(c, cf_fmt("after %s (bytes \"%s\")", cases[i].what, esc));
    cf_conn_close(c);
    cf_expect_nothing(by, cf_fmt("on another connection after %s closed its connection", cases[i].what));
  }
  cf_disconnect(by);
  cf_conn *after = cf_client("after", FX.key_master);
  cf_disconnect(after);
}

START_TEST(reserved_and_server_types) {
  const bad cases[] = {
      B("reserved type 0", 0x00, 0x00),
      B("reserved type 15", 0xf0, 0x00),
      B("CONNACK from a client", 0x20, 0x02, 0x00, 0x00),
      B("SUBACK from a client", 0x90, 0x03, 0x00, 0x01, 0x00),
      B("UNSUBACK from a client", 0xb0, 0x02, 0x00, 0x01),
      B("PINGRESP from a client", 0xd0, 0x00),
  };
  violations(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(wrong_fixed_header_flags) {
  const bad cases[] = {
      B("PUBREL with flags 0000", 0x60, 0x02, 0x00, 0x01),
      B("SUBSCRIBE with flags 0000", 0x80, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f', 0x00),
      B("UNSUBSCRIBE with flags 0000", 0xa0, 0x07, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f'),
      B("PINGREQ with flags 0001", 0xc1, 0x00),
      B("PUBACK with flags 0010", 0x42, 0x02, 0x00, 0x01),
      B("PUBCOMP with flags 1000", 0x78, 0x02, 0x00, 0x01),
      B("SUBSCRIBE with flags 0011", 0x83, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f', 0x00),
      B("PUBLISH with QoS 3", 0x36, 0x07, 0x00, 0x03, 'c', '/', 'f', 0x00, 0x01),
      B("PUBLISH with DUP and QoS 0", 0x38, 0x06, 0x00, 0x03, 'c', '/', 'f', 'x'),
  };
  violations(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(bad_remaining_length) {
  const bad cases[] = {
      B("a remaining length of 5 bytes", 0x30, 0xff, 0xff, 0xff, 0xff, 0x01),
      B("a remaining length 80 00 (not minimal)", 0xc0, 0x80, 0x00),
      B("a remaining length 85 80 00 (not minimal)", 0x30, 0x85, 0x80, 0x00),
      B("PUBACK with remaining length 3", 0x40, 0x03, 0x00, 0x01, 0x00),
      B("PUBACK with remaining length 1", 0x40, 0x01, 0x01),
      B("PINGREQ with remaining length 1", 0xc0, 0x01, 0x00),
      B("PUBREL with remaining length 4", 0x62, 0x04, 0x00, 0x01, 0x00, 0x00),
  };
  violations(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(framing_errors_detected_early) {
  /* Only the bytes up to the one that reveals the error are sent: the bridge must not
   * wait for more before closing. */
  const bad cases[] = {
      B("a lone first byte of reserved type 0", 0x00),
      B("a lone first byte of reserved type 15", 0xf0),
      B("a lone first byte of type CONNACK", 0x20),
      B("a lone first byte PINGREQ with flags 0001", 0xc1),
      B("a lone first byte PUBLISH with QoS 3", 0x36),
      B("a lone first byte PUBLISH with DUP and QoS 0", 0x38),
      B("a fourth remaining-length byte with its continuation bit", 0x30, 0xff, 0xff, 0xff, 0xff),
      B("PUBACK header with remaining length 3, body not sent", 0x40, 0x03),
      B("PINGREQ header with remaining length 1, body not sent", 0xc0, 0x01),
      B("a non-minimal remaining length 80 00, nothing after", 0x30, 0x80, 0x00),
  };
  violations(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(bad_publish_body) {
  const bad cases[] = {
      B("a PUBLISH topic length running past the packet", 0x30, 0x03, 0x00, 0x05, 'c'),
      B("an empty PUBLISH topic", 0x30, 0x03, 0x00, 0x00, 'x'),
      B("a PUBLISH topic with an overlong UTF-8 sequence", 0x30, 0x06, 0x00, 0x04, 'c', 0xc0, 0x80, 'f'),
      B("a PUBLISH topic with an encoded surrogate", 0x30, 0x06, 0x00, 0x04, 'c', 0xed, 0xa0, 0x80),
      B("a PUBLISH topic holding U+0000", 0x30, 0x05, 0x00, 0x03, 'c', 0x00, 'f'),
      B("a PUBLISH topic holding #", 0x30, 0x05, 0x00, 0x03, 'c', '/', '#'),
      B("a PUBLISH topic holding +", 0x30, 0x06, 0x00, 0x04, '+', '/', 'c', 'x'),
      B("a QoS 1 PUBLISH with packet id 0", 0x32, 0x06, 0x00, 0x02, 'c', 'f', 0x00, 0x00),
      B("a QoS 2 PUBLISH with packet id 0", 0x34, 0x06, 0x00, 0x02, 'c', 'f', 0x00, 0x00),
      B("a QoS 1 PUBLISH without packet id", 0x32, 0x04, 0x00, 0x02, 'c', 'f'),
  };
  violations(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(bad_subscribe_body) {
  const bad cases[] = {
      B("a SUBSCRIBE without filter", 0x82, 0x02, 0x00, 0x01),
      B("a SUBSCRIBE requesting QoS 3", 0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f', 0x03),
      B("a SUBSCRIBE with reserved QoS bits", 0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f', 0x04),
      B("a SUBSCRIBE with packet id 0", 0x82, 0x08, 0x00, 0x00, 0x00, 0x03, 'c', '/', 'f', 0x00),
      B("a SUBSCRIBE with an empty filter", 0x82, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00),
      B("a SUBSCRIBE filter with invalid UTF-8", 0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', 0xff, 'f', 0x00),
      B("a SUBSCRIBE filter holding U+0000", 0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', 0x00, 'f', 0x00),
      B("a SUBSCRIBE entry without its QoS byte", 0x82, 0x07, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f'),
      B("a SUBSCRIBE filter running past the packet", 0x82, 0x06, 0x00, 0x01, 0x00, 0x09, 'c', 'f'),
      B("an UNSUBSCRIBE without filter", 0xa2, 0x02, 0x00, 0x01),
      B("an UNSUBSCRIBE with packet id 0", 0xa2, 0x07, 0x00, 0x00, 0x00, 0x03, 'c', '/', 'f'),
      B("an UNSUBSCRIBE with an empty filter", 0xa2, 0x04, 0x00, 0x01, 0x00, 0x00),
      B("an UNSUBSCRIBE with a trailing byte", 0xa2, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f', 0x00),
  };
  violations(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(zero_packet_ids) {
  const bad cases[] = {
      B("PUBACK with packet id 0", 0x40, 0x02, 0x00, 0x00),
      B("PUBREC with packet id 0", 0x50, 0x02, 0x00, 0x00),
      B("PUBREL with packet id 0", 0x62, 0x02, 0x00, 0x00),
      B("PUBCOMP with packet id 0", 0x70, 0x02, 0x00, 0x00),
  };
  violations(cases, sizeof cases / sizeof cases[0]);
}
END_TEST

START_TEST(tls_hello_on_plain_port) {
  static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};
  cf_conn *c = cf_open("tls-hello");
  if (cf_send(c, hello, sizeof hello)) cf_expect_closed(c, "after a TLS ClientHello on the plain port");
  cf_conn_close(c);
  cf_conn *after = cf_client("after", NULL);
  cf_disconnect(after);
}
END_TEST

START_TEST(fragmented_and_coalesced_packets) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_public);
  cf_conn *c = cf_client("A", FX.key_master);
  (void)cf_sub_state(c, t);
  /* One QoS 1 PUBLISH byte by byte: PUBACK, then the notification. */
  char *v = cf_uvalue("frag");
  cf_buf b = {0};
  const char *payload = cf_fmt("{\"current_value\":\"%s\"}", v);
  cf_build_publish(&b, t, strlen(t), payload, strlen(payload), 1, false, false, 0x0707);
  if (!cf_send_trickle(c, b.p, b.len)) cf_fail("the bridge closed the connection during a fragmented PUBLISH");
  cf_buf_free(&b);
  cf_pkt p;
  cf_expect_packet(c, CF_PUBACK, &p, "after a PUBLISH sent one byte at a time");
  cf_pkt_free(&p);
  cf_expect_delivery(c, t, 0, &p, "after the fragmented write");
  if (strstr(p.payload, v) == NULL) cf_fail("the fragmented write was not executed as sent\n  got: %s", p.payload);
  cf_pkt_free(&p);
  /* PINGREQ, SUBSCRIBE, PUBLISH QoS 1 and PINGREQ in one write: answered in order. */
  v = cf_uvalue("coal");
  payload = cf_fmt("{\"current_value\":\"%s\"}", v);
  const char *f2 = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  static const uint8_t ping[2] = {0xc0, 0x00};
  cf_buf_put(&b, ping, 2);
  cf_build_subscribe(&b, 0x0808, &f2, 1, NULL);
  cf_build_publish(&b, t, strlen(t), payload, strlen(payload), 1, false, false, 0x0909);
  cf_buf_put(&b, ping, 2);
  cf_send_buf(c, &b);
  cf_buf_free(&b);
  static const unsigned order[] = {CF_PINGRESP, CF_SUBACK, CF_PUBLISH, CF_PUBACK};
  static const char *const what[] = {"PINGRESP to the first PINGREQ", "SUBACK", "the feed's initial state", "PUBACK"};
  for (int i = 0; i < 4; i++) {
    cf_expect_packet(c, order[i], &p, cf_fmt("(answer %d to four packets sent at once: %s)", i + 1, what[i]));
    cf_pkt_free(&p);
  }
  /* Then the notifications of the write (datastream subscription first), then PINGRESP. */
  cf_expect_delivery(c, t, 0, &p, "after the coalesced write");
  cf_pkt_free(&p);
  cf_expect_delivery(c, f2, 0, &p, "after the coalesced write");
  cf_pkt_free(&p);
  cf_expect_packet(c, CF_PINGRESP, &p, "to the last PINGREQ");
  cf_pkt_free(&p);
  cf_disconnect(c);
}
END_TEST

START_TEST(client_acks_ignored) {
  cf_conn *c = cf_client("A", FX.key_master);
  static const uint8_t acks[] = {0x40, 0x02, 0x12, 0x34, 0x50, 0x02, 0x12, 0x35, 0x70, 0x02, 0x12, 0x36};
  if (!cf_send(c, acks, sizeof acks)) cf_fail("connection closed while sending PUBACK, PUBREC, PUBCOMP");
  cf_expect_nothing(c, "after a PUBACK, a PUBREC and a PUBCOMP from the client (ignored)");
  static const uint8_t rel[] = {0x62, 0x02, 0x43, 0x21};
  cf_send(c, rel, sizeof rel);
  cf_pkt p;
  cf_expect_packet(c, CF_PUBCOMP, &p, "after a PUBREL for an unknown packet id (XB-MQTT-41)");
  if (p.body[0] != 0x43 || p.body[1] != 0x21) cf_fail("PUBCOMP must carry packet id 4321");
  cf_pkt_free(&p);
  cf_disconnect(c);
}
END_TEST

START_TEST(control_characters_in_topics) {
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, "cf\x01x\x7f", "x", 1);
  cf_publish(c, "cf\xc2\x80\xef\xbf\xbf", "x", 2);
  cf_subscribe(c, "\xef\xbb\xbf/v2/feeds/1.json");
  cf_subscribe(c, "cf\x1f");
  cf_expect_nothing(c, "after topics with control characters, U+FFFF and a BOM (accepted, not API)");
  cf_disconnect(c);
}
END_TEST

START_TEST(payload_bytes_taken_as_is) {
  /* An empty PUBLISH payload is an ordinary (invalid) write: nothing is deleted. */
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_public);
  cf_conn *c = cf_client("A", FX.key_master);
  char *before = cf_sub_state(c, t);
  cf_publish_n(c, t, "", 0, 1);
  cf_publish_n(c, t, "", 0, 0);
  cf_expect_nothing(c, "after empty PUBLISH payloads");
  char *after = cf_read(FX.key_master, t);
  CF_EXPECT_STR("the datastream after empty payloads", before, after ? after : "(nothing)");
  /* XB-EXC-1: nor on a datapoint or a feed: there is no DELETE over MQTT. */
  const char *dp = cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints/2013-05-01T00:00:00Z.json",
                          FX.feed_public, FX.ds_public);
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.json", FX.feed_public, FX.ds_public),
             cf_fmt("{\"datapoints\":[{\"at\":\"2013-05-01T00:00:00Z\",\"value\":\"%s\"}]}", cf_uvalue("dp")), 1);
  char *dp_before = cf_read(FX.key_master, dp);
  if (dp_before == NULL) cf_fail("the datapoint %s written just before is not readable", dp);
  cf_publish_n(c, dp, "", 0, 1);
  char *dp_after = cf_read(FX.key_master, dp);
  CF_EXPECT_STR("the datapoint after an empty payload (no DELETE)", dp_before, dp_after ? dp_after : "(nothing)");
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  char *f_before = cf_read(FX.key_master, ft);
  cf_publish_n(c, ft, "", 0, 2);
  char *f_after = cf_read(FX.key_master, ft);
  CF_EXPECT_STR("the feed after an empty payload (no DELETE)", f_before ? f_before : "(nothing)",
                f_after ? f_after : "(nothing)");
  cf_disconnect(c);
}
END_TEST

/* XB-EXC-27: the PROXY protocol is not understood: a v1 or v2 PROXY header before the
 * CONNECT is not a CONNECT packet, so the connection is closed without CONNACK; the
 * address it claims (key_ip's source_ip) gains nothing. */
START_TEST(proxy_protocol_not_understood) {
  static const uint8_t v2sig[] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
                                  0x21, 0x11, 0x00, 0x0c, 192, 0, 2, 1, 127, 0, 0, 1, 0x13, 0x88, 0x07, 0x5b};
  const char *v1 = "PROXY TCP4 192.0.2.1 127.0.0.1 5000 1883\r\n";
  cf_connect_opts o = {0};
  o.user = FX.key_ip;
  for (int i = 0; i < 2; i++) {
    cf_conn *c = cf_open("proxied");
    cf_buf b = {0};
    cf_build_connect(&b, &o);
    bool sent = i == 0 ? cf_send(c, v1, strlen(v1)) : cf_send(c, v2sig, sizeof v2sig);
    if (sent && cf_send_buf(c, &b))
      cf_expect_closed(c, i == 0 ? "after a PROXY protocol v1 header and a CONNECT"
                                 : "after a PROXY protocol v2 header and a CONNECT");
    cf_buf_free(&b);
    cf_conn_close(c);
  }
  /* Control: the same CONNECT without the header is accepted. */
  cf_conn *c = cf_client_opts("plain", &o);
  cf_disconnect(c);
}
END_TEST

/* XB-SCOPE-18: MQTT 3.1.1 statements cited by spec/mqtt.md apply at level 3 ("MQIsdp")
 * exactly as at level 4: the same exchange, run at both levels. */
START_TEST(mqtt_rules_at_both_levels) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_public);
  for (int level = 3; level <= 4; level++) {
    cf_connect_opts o = {0};
    o.level = level;
    o.user = FX.key_master;
    cf_conn *c = cf_client_opts(cf_fmt("L%d", level), &o);
    cf_conn *w = cf_client_opts(cf_fmt("L%d writer", level), &o);
    const unsigned q2 = 2;
    cf_subscribe_n(c, &t, 1, &q2); /* [MQTT-3.8.4-1] SUBACK, same id, granted 00 */
    cf_pkt p;
    cf_expect_delivery(c, t, 1, &p, cf_fmt("(state at level %d)", level));
    cf_pkt_free(&p);
    for (unsigned qos = 1; qos <= 2; qos++) {
      char *v = cf_uvalue("lvl");
      cf_publish(w, t, cf_fmt("{\"current_value\":\"%s\"}", v), qos); /* [MQTT-4.3.2-2] [MQTT-4.3.3-2] */
      cf_expect_delivery(c, t, 0, &p, cf_fmt("(change at level %d after a QoS %u write)", level, qos));
      if (strstr(p.payload, v) == NULL) cf_fail("level %d: the QoS %u write was not executed\n  got: %s", level, qos, p.payload);
      cf_pkt_free(&p);
    }
    cf_disconnect(w);
    cf_unsubscribe(c, t);              /* [MQTT-3.10.4-4] UNSUBACK */
    cf_expect_nothing(c, cf_fmt("after UNSUBSCRIBE at level %d", level)); /* [MQTT-3.12.4-1] */
    cf_disconnect(c);
    static const uint8_t bad_sub[] = {0x80, 0x08, 0x00, 0x01, 0x00, 0x03, 'c', '/', 'f', 0x00};
    c = cf_client_opts(cf_fmt("L%d flags", level), &o);
    if (cf_send(c, bad_sub, sizeof bad_sub))
      cf_expect_closed(c, cf_fmt("after a SUBSCRIBE with flags 0000 at level %d [MQTT-3.8.1-1]", level));
    cf_conn_close(c);
    c = cf_client_opts(cf_fmt("L%d twice", level), &o);
    cf_buf b = {0};
    cf_build_connect(&b, &o);
    if (cf_send_buf(c, &b)) cf_expect_closed(c, cf_fmt("after a second CONNECT at level %d [MQTT-3.1.0-2]", level));
    cf_buf_free(&b);
    cf_conn_close(c);
    c = cf_client_opts(cf_fmt("L%d wildcard", level), &o);
    cf_build_publish(&b, "cf/+/x", 6, "x", 1, 0, false, false, 0);
    if (cf_send_buf(c, &b)) cf_expect_closed(c, cf_fmt("after a PUBLISH on \"cf/+/x\" at level %d [MQTT-3.3.2-2]", level));
    cf_buf_free(&b);
    cf_conn_close(c);
  }
}
END_TEST

void cf_area_protocol(cf_reg *r) {
  CF_ADD(r, reserved_and_server_types, "XB-MQTT-6 XB-ERR-6",
         "reserved types 0 and 15 and server-only types from a client close the connection");
  CF_ADD(r, wrong_fixed_header_flags, "XB-MQTT-7 XB-MQTT-8 XB-MQTT-9 XB-ERR-9 XB-ERR-10",
         "wrong fixed-header flags, PUBLISH QoS 3, DUP with QoS 0 close the connection");
  CF_ADD(r, bad_remaining_length, "XB-MQTT-1 XB-MQTT-2 XB-MQTT-3 XB-MQTT-10 XB-ERR-7 XB-ERR-11",
         "5-byte or non-minimal remaining lengths, wrong fixed lengths close the connection");
  CF_ADD(r, framing_errors_detected_early, "XB-MQTT-4 XB-MQTT-2 XB-MQTT-3 XB-MQTT-6 XB-MQTT-7 XB-MQTT-8 XB-MQTT-9 XB-MQTT-10",
         "a framing error closes the connection at the byte that reveals it, without waiting for more");
  CF_ADD(r, bad_publish_body, "XB-MQTT-11 XB-MQTT-12 XB-MQTT-13 XB-MQTT-38 XB-MQTT-39 XB-ERR-12 XB-ERR-13 XB-ERR-26",
         "PUBLISH with a truncated, empty, ill-formed or wildcard topic or packet id 0 closes the connection");
  CF_ADD(r, bad_subscribe_body, "XB-MQTT-45 XB-MQTT-46 XB-MQTT-47 XB-MQTT-51 XB-ERR-27 XB-ERR-13",
         "SUBSCRIBE/UNSUBSCRIBE without filter, bad QoS byte, id 0, bad filter, trailing bytes close");
  CF_ADD(r, zero_packet_ids, "XB-MQTT-42 XB-ERR-13",
         "PUBACK, PUBREC, PUBREL, PUBCOMP with packet id 0 close the connection");
  CF_ADD(r, tls_hello_on_plain_port, "XB-MQTT-7 XB-MQTT-15",
         "a TLS ClientHello on the plain port is closed without an answer");
  CF_ADD(r, fragmented_and_coalesced_packets, "XB-MQTT-4 XB-MAP-12 XB-SUB-1 XB-SUB-19",
         "a packet sent byte by byte, and four packets in one write, are handled in order");
  CF_ADD(r, client_acks_ignored, "XB-ERR-29 XB-MQTT-41",
         "PUBACK, PUBREC, PUBCOMP from a client are ignored; PUBREL of an unknown id gets PUBCOMP");
  CF_ADD(r, control_characters_in_topics, "XB-MQTT-14 XB-TOPIC-4",
         "control characters, U+FFFF and a BOM in topics are not malformed");
  CF_ADD(r, proxy_protocol_not_understood, "XB-EXC-27 XB-MQTT-15 XB-MQTT-6",
         "a PROXY protocol v1 or v2 header before CONNECT closes the connection without CONNACK");
  CF_ADD(r, mqtt_rules_at_both_levels, "XB-SCOPE-18 XB-MQTT-7 XB-MQTT-16 XB-MQTT-39 XB-MQTT-40 XB-MQTT-41 XB-MQTT-49 XB-MQTT-52 XB-MQTT-53",
         "cited MQTT 3.1.1 rules hold at level 3 as at level 4: SUBACK, PUBACK, QoS 2 flow, UNSUBACK, PINGRESP, closes");
  CF_ADD(r, payload_bytes_taken_as_is, "XB-MAP-4 XB-MAP-6 XB-RES-22 XB-EXC-1",
         "an empty PUBLISH payload is an invalid write, not a deletion (datastream, datapoint, feed)");
}
