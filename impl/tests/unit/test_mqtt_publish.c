/*
 * PUBLISH (xb_mqtt_decode_publish) and PUBACK/PUBREC/PUBREL/PUBCOMP (xb_mqtt_decode_ack)
 * against MQTT 3.1.1 §3.3-§3.7 and spec/mqtt.md §4.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "mqtt/xb_mqtt.h"
#include "xb_test_util.h"

/* A PUBLISH body: topic, packet id when qos > 0, payload. */
static void publish_body(xb_tb *b, const void *topic, size_t tlen, unsigned qos, unsigned pid,
                         const void *payload, size_t plen) {
  xb_tb_str(b, topic, tlen);
  if (qos > 0) xb_tb_u16(b, pid);
  xb_tb_bytes(b, payload, plen);
}

/* Decode from an exact-size heap copy, so ASan sees any read past len. */
static xb_mqtt_status decode(const xb_tb *b, unsigned flags, xb_mqtt_publish *out) {
  uint8_t *cp = malloc(b->len ? b->len : 1);
  ck_assert_ptr_nonnull(cp);
  if (b->len) memcpy(cp, b->p, b->len);
  memset(out, 0, sizeof *out);
  xb_mqtt_status st = xb_mqtt_decode_publish(cp, b->len, (uint8_t)flags, out);
  free(cp);
  return st;
}

static xb_mqtt_status decode_simple(const char *topic, unsigned qos, unsigned pid,
                                    unsigned extra_flags) {
  xb_tb b;
  xb_tb_init(&b);
  publish_body(&b, topic, strlen(topic), qos, pid, "x", 1);
  xb_mqtt_publish out;
  xb_mqtt_status st = decode(&b, (qos << 1) | extra_flags, &out);
  xb_tb_free(&b);
  return st;
}

START_TEST(publish_qos0_has_no_packet_id_XB_MQTT_38)
/* XB-MQTT-38 [MQTT-3.3.2-1] [MQTT-2.3.1-6]: topic then payload, no packet identifier. */
{
  xb_tb b;
  xb_tb_init(&b);
  publish_body(&b, "a/b", 3, 0, 0, "hello", 5);
  xb_mqtt_publish out;
  ck_assert_int_eq(decode(&b, 0, &out), XB_MQTT_OK);
  ck_assert_uint_eq(out.qos, 0);
  ck_assert(!out.dup);
  ck_assert(!out.retain);
  ck_assert_uint_eq(out.packet_id, 0);
  ck_assert_uint_eq(out.topic.off, 2);
  ck_assert_uint_eq(out.topic.len, 3);
  ck_assert(memcmp(b.p + out.topic.off, "a/b", 3) == 0);
  ck_assert_uint_eq(out.payload.off, 5);
  ck_assert_uint_eq(out.payload.len, 5);
  ck_assert(memcmp(b.p + out.payload.off, "hello", 5) == 0);
  xb_tb_free(&b);
}
END_TEST

START_TEST(publish_qos1_and_qos2_carry_a_packet_id_XB_MQTT_38)
/* XB-MQTT-38 [MQTT-3.3.2-1] [MQTT-2.3.1-1] */
{
  static const unsigned pids[] = {1, 0x1234, 0xFF00, 65535};
  for (unsigned qos = 1; qos <= 2; qos++) {
    for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
      xb_tb b;
      xb_tb_init(&b);
      publish_body(&b, "/v2/feeds/504.csv", 17, qos, pids[i], "0,1", 3);
      xb_mqtt_publish out;
      ck_assert_int_eq(decode(&b, qos << 1, &out), XB_MQTT_OK);
      ck_assert_uint_eq(out.qos, qos);
      ck_assert_uint_eq(out.packet_id, pids[i]);
      ck_assert_uint_eq(out.topic.off, 2);
      ck_assert_uint_eq(out.topic.len, 17);
      ck_assert_uint_eq(out.payload.off, 2 + 17 + 2);
      ck_assert_uint_eq(out.payload.len, 3);
      ck_assert(memcmp(b.p + out.payload.off, "0,1", 3) == 0);
      xb_tb_free(&b);
    }
  }
}
END_TEST

START_TEST(publish_dup_and_retain_flags_are_decoded_XB_MQTT_8)
/* XB-MQTT-8 [§3.3.1.1] [§3.3.1.3]: DUP bit 3, QoS bits 2..1, RETAIN bit 0. */
{
  for (unsigned fl = 0; fl < 16; fl++) {
    unsigned qos = (fl >> 1) & 3u;
    bool dup = (fl & 8u) != 0, retain = (fl & 1u) != 0;
    if (qos == 3 || (dup && qos == 0)) continue;
    xb_tb b;
    xb_tb_init(&b);
    publish_body(&b, "t", 1, qos, 9, "", 0);
    xb_mqtt_publish out;
    ck_assert_int_eq(decode(&b, fl, &out), XB_MQTT_OK);
    ck_assert_uint_eq(out.qos, qos);
    ck_assert(out.dup == dup);
    ck_assert(out.retain == retain);
    ck_assert_uint_eq(out.packet_id, qos ? 9u : 0u);
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(publish_qos3_is_malformed_XB_MQTT_8)
/* XB-MQTT-8 [MQTT-3.3.1-4] */
{
  static const unsigned flags[] = {0x6, 0x7, 0xE, 0xF};
  for (size_t i = 0; i < 4; i++) {
    xb_tb b;
    xb_tb_init(&b);
    publish_body(&b, "t", 1, 1, 5, "p", 1);
    xb_mqtt_publish out;
    ck_assert_msg(decode(&b, flags[i], &out) == XB_MQTT_MALFORMED, "flags %x", flags[i]);
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(publish_dup_with_qos0_is_malformed_XB_MQTT_9)
/* XB-MQTT-9 [MQTT-3.3.1-2] */
{
  ck_assert_int_eq(decode_simple("t", 0, 0, 0x8), XB_MQTT_MALFORMED);
  ck_assert_int_eq(decode_simple("t", 0, 0, 0x9), XB_MQTT_MALFORMED);
  ck_assert_int_eq(decode_simple("t", 1, 1, 0x8), XB_MQTT_OK);
  ck_assert_int_eq(decode_simple("t", 2, 1, 0x9), XB_MQTT_OK);
}
END_TEST

START_TEST(publish_packet_id_zero_is_malformed_XB_MQTT_38)
/* XB-MQTT-38 [MQTT-2.3.1-1]: QoS 1 and 2 need a non-zero packet identifier. */
{
  ck_assert_int_eq(decode_simple("t", 1, 0, 0), XB_MQTT_MALFORMED);
  ck_assert_int_eq(decode_simple("t", 2, 0, 0), XB_MQTT_MALFORMED);
  ck_assert_int_eq(decode_simple("t", 2, 0, 0x8), XB_MQTT_MALFORMED);
}
END_TEST

START_TEST(publish_truncated_packet_id_is_malformed_XB_MQTT_38)
/* XB-MQTT-38 [MQTT-3.3.2-1]: the identifier must fit in the body. */
{
  for (unsigned qos = 1; qos <= 2; qos++) {
    static const uint8_t one[] = {0x00, 0x01, 't', 0x12};
    static const uint8_t none[] = {0x00, 0x01, 't'};
    xb_tb b;
    xb_mqtt_publish out;
    xb_tb_init(&b);
    xb_tb_bytes(&b, one, sizeof one);
    ck_assert_int_eq(decode(&b, qos << 1, &out), XB_MQTT_MALFORMED);
    xb_tb_free(&b);
    xb_tb_bytes(&b, none, sizeof none);
    ck_assert_int_eq(decode(&b, qos << 1, &out), XB_MQTT_MALFORMED);
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(publish_empty_topic_is_malformed_XB_MQTT_39)
/* XB-MQTT-39 [MQTT-4.7.3-1] */
{
  for (unsigned qos = 0; qos <= 2; qos++) ck_assert_int_eq(decode_simple("", qos, 1, 0), XB_MQTT_MALFORMED);
}
END_TEST

START_TEST(publish_topic_with_wildcard_is_malformed_XB_MQTT_39)
/* XB-MQTT-39 [MQTT-3.3.2-2]: no '+' or '#' anywhere in a topic name. */
{
  static const char *bad[] = {"+", "#", "a/+", "a/#", "+/b", "a/+/b", "a+b", "a#", "/v2/feeds/+.json"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    for (unsigned qos = 0; qos <= 2; qos++)
      ck_assert_msg(decode_simple(bad[i], qos, 3, 0) == XB_MQTT_MALFORMED, "'%s' qos %u", bad[i], qos);
}
END_TEST

START_TEST(publish_topic_must_be_valid_utf8_XB_MQTT_39)
/* XB-MQTT-39 XB-MQTT-12 XB-MQTT-13 [MQTT-3.3.2-1] [MQTT-1.5.3-1] [MQTT-1.5.3-2] */
{
  static const struct {
    const char *s;
    size_t n;
  } bad[] = {{"\xC0\x80", 2},         {"a\0", 2},          {"\xED\xA0\x80", 3},
             {"\xF4\x90\x80\x80", 4}, {"a/\xE2\x82", 4},   {"\xFE", 1},
             {"\xE0\x80\x80", 3},     {"\xF0\x80\x80\x80", 4}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    xb_tb b;
    xb_tb_init(&b);
    publish_body(&b, bad[i].s, bad[i].n, 0, 0, "p", 1);
    xb_mqtt_publish out;
    ck_assert_msg(decode(&b, 0, &out) == XB_MQTT_MALFORMED, "bad topic #%zu", i);
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(publish_topic_length_past_the_body_is_malformed_XB_MQTT_11)
/* XB-MQTT-11 [§1.5.3]: a string running past the end of its packet. */
{
  static const uint8_t cases[][6] = {
      {0x00, 0x05, 'a', 'b', 'c'}, {0xFF, 0xFF, 'a'}, {0x00, 0x02, 'a'}, {0x00}, {0x00, 0x01}};
  static const size_t lens[] = {5, 3, 3, 1, 2};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    xb_tb b;
    xb_tb_init(&b);
    xb_tb_bytes(&b, cases[i], lens[i]);
    xb_mqtt_publish out;
    ck_assert_msg(decode(&b, 0, &out) == XB_MQTT_MALFORMED, "case %zu", i);
    ck_assert_msg(decode(&b, 2, &out) == XB_MQTT_MALFORMED, "case %zu qos 1", i);
    xb_tb_free(&b);
  }
  xb_tb b;
  xb_tb_init(&b);
  xb_mqtt_publish out;
  ck_assert_int_eq(decode(&b, 0, &out), XB_MQTT_MALFORMED); /* empty body */
}
END_TEST

START_TEST(publish_empty_and_binary_payloads_are_accepted_XB_MQTT_38)
/* XB-MQTT-38 [§3.3.3]: the payload is the rest of the packet, may be empty, and is not
 * validated. */
{
  static const uint8_t bin[] = {0x00, 0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x80, '#', '+'};
  for (unsigned qos = 0; qos <= 2; qos++) {
    xb_tb b;
    xb_tb_init(&b);
    publish_body(&b, "t/u", 3, qos, 77, NULL, 0);
    xb_mqtt_publish out;
    ck_assert_int_eq(decode(&b, qos << 1, &out), XB_MQTT_OK);
    ck_assert_uint_eq(out.payload.len, 0);
    ck_assert_uint_eq(out.payload.off, b.len);
    xb_tb_free(&b);
    publish_body(&b, "t/u", 3, qos, 77, bin, sizeof bin);
    ck_assert_int_eq(decode(&b, qos << 1, &out), XB_MQTT_OK);
    ck_assert_uint_eq(out.payload.len, sizeof bin);
    ck_assert(memcmp(b.p + out.payload.off, bin, sizeof bin) == 0);
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(publish_maximal_topic_and_large_payload_XB_MQTT_11)
/* XB-MQTT-11 [§1.5.3]: a 65535-byte topic; the codec itself sets no payload limit. */
{
  size_t tl = 65535, pl = 300000;
  uint8_t *topic = malloc(tl);
  ck_assert_ptr_nonnull(topic);
  memset(topic, 'T', tl);
  xb_tb b;
  xb_tb_init(&b);
  xb_tb_str(&b, topic, tl);
  xb_tb_u16(&b, 0xBEEF);
  xb_tb_fill(&b, 0x00, pl);
  xb_mqtt_publish out;
  ck_assert_int_eq(decode(&b, 4, &out), XB_MQTT_OK);
  ck_assert_uint_eq(out.topic.len, tl);
  ck_assert_uint_eq(out.packet_id, 0xBEEF);
  ck_assert_uint_eq(out.payload.off, 2 + tl + 2);
  ck_assert_uint_eq(out.payload.len, pl);
  free(topic);
  xb_tb_free(&b);
}
END_TEST

START_TEST(publish_topic_control_characters_are_accepted_XB_MQTT_14)
/* XB-MQTT-14 [MQTT-1.5.3-3] */
{
  static const uint8_t t[] = {'a', 0x01, 0x7F, 0xC2, 0x85, 0xEF, 0xBF, 0xBF, 0xEF, 0xBB, 0xBF};
  xb_tb b;
  xb_tb_init(&b);
  publish_body(&b, t, sizeof t, 0, 0, "p", 1);
  xb_mqtt_publish out;
  ck_assert_int_eq(decode(&b, 0, &out), XB_MQTT_OK);
  ck_assert_uint_eq(out.topic.len, sizeof t);
  xb_tb_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ acks */

static const uint8_t ack_types[] = {XB_MQTT_PUBACK, XB_MQTT_PUBREC, XB_MQTT_PUBREL,
                                    XB_MQTT_PUBCOMP};

static xb_mqtt_status ack(uint8_t type, const uint8_t *body, size_t len, unsigned flags,
                          uint16_t *pid) {
  uint8_t *cp = malloc(len ? len : 1);
  ck_assert_ptr_nonnull(cp);
  if (len) memcpy(cp, body, len);
  xb_mqtt_status st = xb_mqtt_decode_ack(type, cp, len, (uint8_t)flags, pid);
  free(cp);
  return st;
}

START_TEST(acks_carry_exactly_a_packet_id_XB_MQTT_42)
/* XB-MQTT-42 [MQTT-2.3.1-1] [§3.4.2] [§3.5.2] [§3.6.2] [§3.7.2] */
{
  static const uint8_t ids[][2] = {{0x12, 0x34}, {0x00, 0x01}, {0xFF, 0xFF}, {0x80, 0x00}};
  static const unsigned want[] = {0x1234, 1, 65535, 0x8000};
  for (size_t t = 0; t < sizeof ack_types; t++) {
    for (size_t i = 0; i < 4; i++) {
      uint16_t pid = 0;
      ck_assert_int_eq(ack(ack_types[t], ids[i], 2, xb_required_flags(ack_types[t]), &pid), XB_MQTT_OK);
      ck_assert_uint_eq(pid, want[i]);
    }
  }
}
END_TEST

START_TEST(ack_flags_pubrel_0010_others_0000_XB_MQTT_7)
/* XB-MQTT-7 [MQTT-2.2.2-1] [MQTT-2.2.2-2] [MQTT-3.6.1-1] */
{
  static const uint8_t id[] = {0x00, 0x07};
  for (size_t t = 0; t < sizeof ack_types; t++) {
    for (unsigned fl = 0; fl < 16; fl++) {
      uint16_t pid;
      xb_mqtt_status want = fl == xb_required_flags(ack_types[t]) ? XB_MQTT_OK : XB_MQTT_MALFORMED;
      ck_assert_msg(ack(ack_types[t], id, 2, fl, &pid) == want, "type %u flags %x", ack_types[t], fl);
    }
  }
}
END_TEST

START_TEST(ack_body_other_than_two_bytes_is_malformed_XB_MQTT_10)
/* XB-MQTT-10 XB-MQTT-42 [§3.4.1]: remaining length exactly 2. */
{
  static const uint8_t body[] = {0x00, 0x07, 0x00, 0x01};
  static const size_t lens[] = {0, 1, 3, 4};
  for (size_t t = 0; t < sizeof ack_types; t++) {
    for (size_t i = 0; i < 4; i++) {
      uint16_t pid;
      ck_assert_msg(ack(ack_types[t], body, lens[i], xb_required_flags(ack_types[t]), &pid) ==
                        XB_MQTT_MALFORMED,
                    "type %u len %zu", ack_types[t], lens[i]);
    }
  }
}
END_TEST

START_TEST(ack_packet_id_zero_is_malformed_XB_MQTT_42)
/* XB-MQTT-42 [MQTT-2.3.1-1] */
{
  static const uint8_t zero[] = {0x00, 0x00};
  for (size_t t = 0; t < sizeof ack_types; t++) {
    uint16_t pid;
    ck_assert_int_eq(ack(ack_types[t], zero, 2, xb_required_flags(ack_types[t]), &pid), XB_MQTT_MALFORMED);
  }
}
END_TEST

START_TEST(ack_decoder_refuses_types_that_are_not_acks_XB_MQTT_42)
/* XB-MQTT-42: only PUBACK, PUBREC, PUBREL and PUBCOMP are acks; no other type may be
 * decoded as one, whatever its flags. */
{
  static const uint8_t id[] = {0x00, 0x07};
  for (unsigned type = 0; type < 16; type++) {
    if (type >= XB_MQTT_PUBACK && type <= XB_MQTT_PUBCOMP) continue;
    for (unsigned fl = 0; fl < 16; fl++) {
      uint16_t pid;
      ck_assert_msg(ack((uint8_t)type, id, 2, fl, &pid) != XB_MQTT_OK, "type %u flags %x", type, fl);
    }
  }
}
END_TEST

Suite *xb_suite_mqtt_publish(void);
Suite *xb_suite_mqtt_publish(void)
{
  Suite *s = suite_create("mqtt_publish");
  TCase *tc = tcase_create("publish");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, publish_qos0_has_no_packet_id_XB_MQTT_38);
  tcase_add_test(tc, publish_qos1_and_qos2_carry_a_packet_id_XB_MQTT_38);
  tcase_add_test(tc, publish_dup_and_retain_flags_are_decoded_XB_MQTT_8);
  tcase_add_test(tc, publish_qos3_is_malformed_XB_MQTT_8);
  tcase_add_test(tc, publish_dup_with_qos0_is_malformed_XB_MQTT_9);
  tcase_add_test(tc, publish_packet_id_zero_is_malformed_XB_MQTT_38);
  tcase_add_test(tc, publish_truncated_packet_id_is_malformed_XB_MQTT_38);
  tcase_add_test(tc, publish_empty_topic_is_malformed_XB_MQTT_39);
  tcase_add_test(tc, publish_topic_with_wildcard_is_malformed_XB_MQTT_39);
  tcase_add_test(tc, publish_topic_must_be_valid_utf8_XB_MQTT_39);
  tcase_add_test(tc, publish_topic_length_past_the_body_is_malformed_XB_MQTT_11);
  tcase_add_test(tc, publish_empty_and_binary_payloads_are_accepted_XB_MQTT_38);
  tcase_add_test(tc, publish_maximal_topic_and_large_payload_XB_MQTT_11);
  tcase_add_test(tc, publish_topic_control_characters_are_accepted_XB_MQTT_14);
  suite_add_tcase(s, tc);
  TCase *ta = tcase_create("acks");
  tcase_set_timeout(ta, 30);
  tcase_add_test(ta, acks_carry_exactly_a_packet_id_XB_MQTT_42);
  tcase_add_test(ta, ack_flags_pubrel_0010_others_0000_XB_MQTT_7);
  tcase_add_test(ta, ack_body_other_than_two_bytes_is_malformed_XB_MQTT_10);
  tcase_add_test(ta, ack_packet_id_zero_is_malformed_XB_MQTT_42);
  tcase_add_test(ta, ack_decoder_refuses_types_that_are_not_acks_XB_MQTT_42);
  suite_add_tcase(s, ta);
  return s;
}
