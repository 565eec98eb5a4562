/*
 * Encoders (what the server sends) against MQTT 3.1.1 §3.2, §3.3, §3.4-3.7, §3.9, §3.11,
 * §3.13 and spec/mqtt.md §7: exact bytes, size-first, nothing written past the capacity
 * and nothing at all when it is too small. Each output buffer sits between guard bytes.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "mqtt/xb_mqtt.h"
#include "xb_test_util.h"

/* A guarded output area: [XB_GUARD_LEN guard][cap bytes][XB_GUARD_LEN guard]. */
typedef struct {
  uint8_t *mem;
  uint8_t *buf;
  size_t cap;
} guarded;

static guarded guarded_new(size_t cap) {
  guarded g;
  g.mem = malloc(cap + 2 * XB_GUARD_LEN);
  ck_assert_ptr_nonnull(g.mem);
  memset(g.mem, XB_GUARD, cap + 2 * XB_GUARD_LEN);
  g.buf = g.mem + XB_GUARD_LEN;
  g.cap = cap;
  return g;
}

static void guarded_free(guarded *g) { free(g->mem); }

/* Nothing outside [buf, buf + used) changed. */
static bool untouched_outside(const guarded *g, size_t used) {
  return xb_all_bytes(g->mem, XB_GUARD_LEN, XB_GUARD) &&
         xb_all_bytes(g->buf + used, g->cap - used + XB_GUARD_LEN, XB_GUARD);
}

/* The encoders under test, behind one signature, so the capacity sweep is shared. */
typedef xb_mqtt_status (*encoder)(uint8_t *buf, size_t cap, const void *arg, size_t *written);

/* For every cap below want: NO_SPACE and not one byte written; at want and above: OK,
 * exactly want bytes, equal to expect, nothing past them. */
static void sweep(encoder enc, const void *arg, const uint8_t *expect, size_t want) {
  for (size_t cap = 0; cap <= want + 3; cap++) {
    guarded g = guarded_new(cap);
    size_t written = 12345;
    xb_mqtt_status st = enc(g.buf, cap, arg, &written);
    if (cap < want) {
      ck_assert_msg(st == XB_MQTT_NO_SPACE, "cap %zu < %zu: status %d", cap, want, (int)st);
      ck_assert_msg(untouched_outside(&g, 0), "cap %zu: bytes written on NO_SPACE", cap);
    } else {
      ck_assert_msg(st == XB_MQTT_OK, "cap %zu: status %d", cap, (int)st);
      ck_assert_uint_eq(written, want);
      ck_assert(memcmp(g.buf, expect, want) == 0);
      ck_assert_msg(untouched_outside(&g, want), "cap %zu: written past the packet", cap);
    }
    guarded_free(&g);
  }
}

/* ------------------------------------------------------------------ varint */

START_TEST(varint_size_boundaries_XB_MQTT_57)
/* XB-MQTT-57 XB-MQTT-2 [§2.2.3] */
{
  static const struct {
    size_t n, size;
  } t[] = {{0, 1},       {1, 1},       {127, 1},       {128, 2},       {16383, 2},
           {16384, 3},   {2097151, 3}, {2097152, 4},   {268435455, 4}, {268435456, 0},
           {(size_t)-1, 0}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    ck_assert_msg(xb_mqtt_varint_size(t[i].n) == t[i].size, "%zu", t[i].n);
}
END_TEST

/* ------------------------------------------------------------------ CONNACK */

typedef struct {
  bool sp;
  uint8_t code;
} connack_arg;

static xb_mqtt_status enc_connack(uint8_t *buf, size_t cap, const void *arg, size_t *w) {
  const connack_arg *a = arg;
  return xb_mqtt_encode_connack(buf, cap, a->sp, a->code, w);
}

START_TEST(connack_bytes_XB_MQTT_34)
/* XB-MQTT-34 XB-MQTT-35 XB-MQTT-56 [MQTT-3.2.2-1] [MQTT-3.2.2-4] [MQTT-3.2.2-5]: 20 02 sp rc. */
{
  for (unsigned code = 0; code <= 5; code++) {
    connack_arg a = {false, (uint8_t)code};
    uint8_t want[] = {0x20, 0x02, 0x00, (uint8_t)code};
    sweep(enc_connack, &a, want, 4);
  }
  connack_arg sp = {true, 0};
  static const uint8_t want_sp[] = {0x20, 0x02, 0x01, 0x00};
  sweep(enc_connack, &sp, want_sp, 4);
}
END_TEST

START_TEST(connack_never_has_session_present_with_a_refusal_XB_MQTT_34)
/* XB-MQTT-34 [MQTT-3.2.2-4]: with a non-zero return code session present is 0; the
 * encoder refuses the combination or writes 0. */
{
  for (unsigned code = 1; code <= 5; code++) {
    guarded g = guarded_new(4);
    size_t w = 0;
    xb_mqtt_status st = xb_mqtt_encode_connack(g.buf, 4, true, (uint8_t)code, &w);
    if (st == XB_MQTT_OK) {
      ck_assert_uint_eq(w, 4);
      ck_assert_uint_eq(g.buf[2], 0);
      ck_assert_uint_eq(g.buf[3], code);
    } else {
      ck_assert(untouched_outside(&g, 0));
    }
    guarded_free(&g);
  }
}
END_TEST

START_TEST(connack_reserved_return_codes_are_not_encoded_XB_MQTT_35)
/* XB-MQTT-35 [§3.2.2.3]: 6..255 are reserved; a server never sends them. */
{
  for (unsigned code = 6; code < 256; code++) {
    guarded g = guarded_new(4);
    size_t w = 0;
    ck_assert_msg(xb_mqtt_encode_connack(g.buf, 4, false, (uint8_t)code, &w) != XB_MQTT_OK,
                  "CONNACK code %u encoded", code);
    ck_assert(untouched_outside(&g, 0));
    guarded_free(&g);
  }
}
END_TEST

/* ------------------------------------------------------------------ PUBLISH */

typedef struct {
  const uint8_t *topic;
  size_t topic_len;
  size_t payload_len;
  bool retain;
} pub_arg;

static xb_mqtt_status enc_pub(uint8_t *buf, size_t cap, const void *arg, size_t *w) {
  const pub_arg *a = arg;
  return xb_mqtt_encode_publish_header(buf, cap, a->topic, a->topic_len, a->payload_len, a->retain, w);
}

START_TEST(publish_header_bytes_XB_MQTT_44)
/* XB-MQTT-44 XB-MQTT-55 XB-MQTT-56 [MQTT-3.3.1-2] [MQTT-2.3.1-6]: QoS 0, DUP 0, no packet
 * id; RETAIN as asked. */
{
  static const uint8_t want[] = {0x30, 0x0A, 0x00, 0x03, 'a', '/', 'b'};
  static const uint8_t want_r[] = {0x31, 0x0A, 0x00, 0x03, 'a', '/', 'b'};
  pub_arg a = {XB_U8("a/b"), 3, 5, false};
  size_t size = 0;
  ck_assert_int_eq(xb_mqtt_publish_header_size(3, 5, &size), XB_MQTT_OK);
  ck_assert_uint_eq(size, sizeof want);
  sweep(enc_pub, &a, want, sizeof want);
  a.retain = true;
  sweep(enc_pub, &a, want_r, sizeof want_r);
  /* Empty payload. */
  static const uint8_t want0[] = {0x30, 0x05, 0x00, 0x03, 'x', 'y', 'z'};
  pub_arg z = {XB_U8("xyz"), 3, 0, false};
  sweep(enc_pub, &z, want0, sizeof want0);
}
END_TEST

START_TEST(publish_header_remaining_length_boundaries_XB_MQTT_57)
/* XB-MQTT-57 XB-MQTT-2 XB-MQTT-3 [§2.2.3]: remaining length = 2 + topic + payload,
 * minimally encoded at every boundary. */
{
  static const struct {
    size_t rl;
    uint8_t v[4];
    size_t vn;
  } t[] = {{127, {0x7F}, 1},
           {128, {0x80, 0x01}, 2},
           {16383, {0xFF, 0x7F}, 2},
           {16384, {0x80, 0x80, 0x01}, 3},
           {2097151, {0xFF, 0xFF, 0x7F}, 3},
           {2097152, {0x80, 0x80, 0x80, 0x01}, 4},
           {268435455, {0xFF, 0xFF, 0xFF, 0x7F}, 4}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint8_t want[9] = {0x30};
    memcpy(want + 1, t[i].v, t[i].vn);
    want[1 + t[i].vn] = 0x00;
    want[2 + t[i].vn] = 0x01;
    want[3 + t[i].vn] = 'T';
    size_t hs = 1 + t[i].vn + 3;
    size_t size = 0;
    ck_assert_int_eq(xb_mqtt_publish_header_size(1, t[i].rl - 3, &size), XB_MQTT_OK);
    ck_assert_uint_eq(size, hs);
    pub_arg a = {XB_U8("T"), 1, t[i].rl - 3, false};
    sweep(enc_pub, &a, want, hs);
  }
  /* The same boundaries carried by the topic instead of the payload. */
  uint8_t *topic = malloc(65535);
  ck_assert_ptr_nonnull(topic);
  memset(topic, 'q', 65535);
  size_t size = 0;
  ck_assert_int_eq(xb_mqtt_publish_header_size(125, 0, &size), XB_MQTT_OK);
  ck_assert_uint_eq(size, 1 + 1 + 2 + 125);
  ck_assert_int_eq(xb_mqtt_publish_header_size(126, 0, &size), XB_MQTT_OK);
  ck_assert_uint_eq(size, 1 + 2 + 2 + 126);
  ck_assert_int_eq(xb_mqtt_publish_header_size(65535, 0, &size), XB_MQTT_OK);
  ck_assert_uint_eq(size, 1 + 3 + 2 + 65535);
  guarded g = guarded_new(size);
  size_t w = 0;
  ck_assert_int_eq(xb_mqtt_encode_publish_header(g.buf, size, topic, 65535, 0, false, &w), XB_MQTT_OK);
  ck_assert_uint_eq(w, size);
  static const uint8_t head[] = {0x30, 0x81, 0x80, 0x04, 0xFF, 0xFF};
  ck_assert(memcmp(g.buf, head, sizeof head) == 0);
  ck_assert(memcmp(g.buf + sizeof head, topic, 65535) == 0);
  ck_assert(untouched_outside(&g, size));
  guarded_free(&g);
  free(topic);
}
END_TEST

START_TEST(publish_too_large_is_refused_XB_MQTT_57)
/* XB-MQTT-57 [§2.2.3] [MQTT-4.7.3-3]: remaining length over 268435455 or a topic over
 * 65535 bytes. */
{
  size_t size = 777;
  ck_assert_int_eq(xb_mqtt_publish_header_size(1, 268435455u - 3, &size), XB_MQTT_OK);
  ck_assert_int_eq(xb_mqtt_publish_header_size(1, 268435455u - 2, &size), XB_MQTT_TOO_LARGE);
  ck_assert_int_eq(xb_mqtt_publish_header_size(65536, 0, &size), XB_MQTT_TOO_LARGE);
  ck_assert_int_eq(xb_mqtt_publish_header_size(65535, 268435455u - 2 - 65535, &size), XB_MQTT_OK);
  ck_assert_int_eq(xb_mqtt_publish_header_size(65535, 268435455u - 1 - 65535, &size), XB_MQTT_TOO_LARGE);
  ck_assert_int_eq(xb_mqtt_publish_header_size(1, (size_t)-1, &size), XB_MQTT_TOO_LARGE);
  ck_assert_int_eq(xb_mqtt_publish_header_size((size_t)-1, 0, &size), XB_MQTT_TOO_LARGE);
  ck_assert_int_eq(xb_mqtt_publish_header_size((size_t)-1, (size_t)-1, &size), XB_MQTT_TOO_LARGE);
  /* The encoder refuses too, and writes nothing, however big the buffer. */
  uint8_t *topic = malloc(65536);
  ck_assert_ptr_nonnull(topic);
  memset(topic, 'q', 65536);
  guarded g = guarded_new(70000);
  size_t w = 0;
  ck_assert_int_ne(xb_mqtt_encode_publish_header(g.buf, g.cap, topic, 65536, 0, false, &w), XB_MQTT_OK);
  ck_assert(untouched_outside(&g, 0));
  ck_assert_int_ne(xb_mqtt_encode_publish_header(g.buf, g.cap, topic, 1, 268435455u - 2, false, &w),
                   XB_MQTT_OK);
  ck_assert(untouched_outside(&g, 0));
  guarded_free(&g);
  free(topic);
}
END_TEST

START_TEST(publish_header_plus_payload_decodes_back_XB_MQTT_44)
/* XB-MQTT-44 XB-MQTT-56: what the server sends is a packet the codec itself frames and
 * decodes to the same topic, payload and retain flag. */
{
  static const size_t plens[] = {0, 1, 124, 125, 126, 16380, 16381, 70000};
  static const char *topics[] = {"/v2/feeds/504.json", "k", "/v1/feeds/1/datastreams/x.csv"};
  for (size_t t = 0; t < 3; t++) {
    for (size_t i = 0; i < sizeof plens / sizeof plens[0]; i++) {
      for (unsigned retain = 0; retain <= 1; retain++) {
        size_t tl = strlen(topics[t]), hs = 0;
        ck_assert_int_eq(xb_mqtt_publish_header_size(tl, plens[i], &hs), XB_MQTT_OK);
        xb_tb pk;
        xb_tb_init(&pk);
        xb_tb_reserve(&pk, hs + plens[i]);
        size_t w = 0;
        ck_assert_int_eq(xb_mqtt_encode_publish_header(pk.p, hs, XB_U8(topics[t]), tl, plens[i],
                                                       retain != 0, &w),
                         XB_MQTT_OK);
        ck_assert_uint_eq(w, hs);
        pk.len = hs;
        for (size_t k = 0; k < plens[i]; k++) xb_tb_u8(&pk, (unsigned)(k * 31u));
        xb_mqtt_frame f;
        ck_assert_int_eq(xb_mqtt_frame_parse(pk.p, pk.len, (size_t)-1, &f), XB_MQTT_OK);
        ck_assert_uint_eq(f.total_len, pk.len);
        ck_assert_uint_eq(f.type, XB_MQTT_PUBLISH);
        xb_mqtt_publish p;
        const uint8_t *body = pk.p + f.header_len;
        ck_assert_int_eq(xb_mqtt_decode_publish(body, f.remaining_len, f.flags, &p), XB_MQTT_OK);
        ck_assert_uint_eq(p.qos, 0);
        ck_assert(!p.dup);
        ck_assert(p.retain == (retain != 0));
        ck_assert_uint_eq(p.topic.len, tl);
        ck_assert(memcmp(body + p.topic.off, topics[t], tl) == 0);
        ck_assert_uint_eq(p.payload.len, plens[i]);
        ck_assert_uint_eq(p.payload.off + p.payload.len, f.remaining_len);
        ck_assert(plens[i] == 0 || memcmp(body + p.payload.off, pk.p + hs, plens[i]) == 0);
        xb_tb_free(&pk);
      }
    }
  }
}
END_TEST

/* ------------------------------------------------------------------ acks */

typedef struct {
  uint8_t type;
  uint16_t id;
} ack_arg;

static xb_mqtt_status enc_ack(uint8_t *buf, size_t cap, const void *arg, size_t *w) {
  const ack_arg *a = arg;
  return xb_mqtt_encode_ack(buf, cap, a->type, a->id, w);
}

START_TEST(ack_bytes_XB_MQTT_40)
/* XB-MQTT-40 XB-MQTT-41 XB-MQTT-52 XB-MQTT-55 XB-MQTT-56 [MQTT-4.3.2-2] [MQTT-4.3.3-2]
 * [MQTT-3.10.4-4]: 40/50/70/B0, 02, packet id big-endian. */
{
  static const struct {
    uint8_t type, first;
  } t[] = {{XB_MQTT_PUBACK, 0x40}, {XB_MQTT_PUBREC, 0x50}, {XB_MQTT_PUBCOMP, 0x70},
           {XB_MQTT_UNSUBACK, 0xB0}};
  static const uint16_t ids[] = {1, 0x1234, 0xFF00, 65535};
  for (size_t i = 0; i < 4; i++) {
    for (size_t j = 0; j < 4; j++) {
      ack_arg a = {t[i].type, ids[j]};
      uint8_t want[] = {t[i].first, 0x02, (uint8_t)(ids[j] >> 8), (uint8_t)(ids[j] & 0xFF)};
      sweep(enc_ack, &a, want, 4);
    }
  }
}
END_TEST

START_TEST(ack_encoder_refuses_packets_the_server_never_sends_XB_MQTT_55)
/* XB-MQTT-55 [MQTT-2.2.2-1]: PUBREL (and anything not an ack) is never encoded. */
{
  for (unsigned type = 0; type < 16; type++) {
    if (type == XB_MQTT_PUBACK || type == XB_MQTT_PUBREC || type == XB_MQTT_PUBCOMP ||
        type == XB_MQTT_UNSUBACK)
      continue;
    guarded g = guarded_new(16);
    size_t w = 0;
    ck_assert_msg(xb_mqtt_encode_ack(g.buf, 16, (uint8_t)type, 7, &w) != XB_MQTT_OK, "type %u", type);
    ck_assert_msg(untouched_outside(&g, 0), "type %u: bytes written", type);
    guarded_free(&g);
  }
}
END_TEST

START_TEST(encoded_acks_decode_back_XB_MQTT_42)
/* XB-MQTT-42 XB-MQTT-40 XB-MQTT-41: PUBACK, PUBREC and PUBCOMP as the server writes them
 * are well-formed for the codec's own decoder. */
{
  static const uint8_t types[] = {XB_MQTT_PUBACK, XB_MQTT_PUBREC, XB_MQTT_PUBCOMP};
  for (size_t i = 0; i < 3; i++) {
    for (unsigned id = 1; id <= 65535; id += 257) {
      uint8_t buf[4];
      size_t w = 0;
      ck_assert_int_eq(xb_mqtt_encode_ack(buf, 4, types[i], (uint16_t)id, &w), XB_MQTT_OK);
      xb_mqtt_frame f;
      ck_assert_int_eq(xb_mqtt_frame_parse(buf, 4, 4, &f), XB_MQTT_OK);
      uint16_t got = 0;
      ck_assert_int_eq(xb_mqtt_decode_ack(f.type, buf + 2, 2, f.flags, &got), XB_MQTT_OK);
      ck_assert_uint_eq(got, id);
    }
  }
}
END_TEST

/* ------------------------------------------------------------------ SUBACK */

typedef struct {
  uint16_t id;
  const uint8_t *codes;
  size_t n;
} suback_arg;

static xb_mqtt_status enc_suback(uint8_t *buf, size_t cap, const void *arg, size_t *w) {
  const suback_arg *a = arg;
  return xb_mqtt_encode_suback(buf, cap, a->id, a->codes, a->n, w);
}

START_TEST(suback_size_XB_MQTT_49)
/* XB-MQTT-49 XB-MQTT-57 [§3.9]: 1 + varint(2 + n) + 2 + n; 0 for no entries or too many. */
{
  ck_assert_uint_eq(xb_mqtt_suback_size(0), 0);
  ck_assert_uint_eq(xb_mqtt_suback_size(1), 5);
  ck_assert_uint_eq(xb_mqtt_suback_size(4), 8);
  ck_assert_uint_eq(xb_mqtt_suback_size(125), 1 + 1 + 127);
  ck_assert_uint_eq(xb_mqtt_suback_size(126), 1 + 2 + 128);
  ck_assert_uint_eq(xb_mqtt_suback_size(16381), 1 + 2 + 16383);
  ck_assert_uint_eq(xb_mqtt_suback_size(16382), 1 + 3 + 16384);
  ck_assert_uint_eq(xb_mqtt_suback_size(268435453u), 1 + 4 + 268435455u);
  ck_assert_uint_eq(xb_mqtt_suback_size(268435454u), 0);
  ck_assert_uint_eq(xb_mqtt_suback_size((size_t)-1), 0);
  ck_assert_uint_eq(xb_mqtt_suback_size((size_t)-3), 0);
}
END_TEST

START_TEST(suback_bytes_XB_MQTT_49)
/* XB-MQTT-49 XB-MQTT-50 XB-MQTT-56 [MQTT-3.8.4-5] [MQTT-3.9.3-1] [MQTT-3.9.3-2]: 90 rl id rc... */
{
  static const uint8_t codes[] = {0x00, 0x01, 0x02, 0x80};
  static const uint8_t want[] = {0x90, 0x06, 0x01, 0x02, 0x00, 0x01, 0x02, 0x80};
  suback_arg a = {0x0102, codes, 4};
  ck_assert_uint_eq(xb_mqtt_suback_size(4), sizeof want);
  sweep(enc_suback, &a, want, sizeof want);
  static const uint8_t one[] = {0x00};
  static const uint8_t want1[] = {0x90, 0x03, 0xFF, 0xFF, 0x00};
  suback_arg b = {0xFFFF, one, 1};
  sweep(enc_suback, &b, want1, sizeof want1);
}
END_TEST

START_TEST(suback_with_two_byte_remaining_length_XB_MQTT_57)
/* XB-MQTT-57 XB-MQTT-49: 126 codes make a remaining length of 128 (80 01). */
{
  uint8_t codes[126];
  for (size_t i = 0; i < sizeof codes; i++) codes[i] = (uint8_t)(i % 3);
  uint8_t want[3 + 128];
  want[0] = 0x90;
  want[1] = 0x80;
  want[2] = 0x01;
  want[3] = 0x00;
  want[4] = 0x2A;
  memcpy(want + 5, codes, sizeof codes);
  suback_arg a = {42, codes, sizeof codes};
  ck_assert_uint_eq(xb_mqtt_suback_size(126), sizeof want);
  sweep(enc_suback, &a, want, sizeof want);
}
END_TEST

START_TEST(suback_refuses_other_return_codes_XB_MQTT_50)
/* XB-MQTT-50 [MQTT-3.9.3-2]: only 00, 01, 02 and 80; and at least one code. */
{
  for (unsigned c = 0; c < 256; c++) {
    uint8_t codes[3] = {0x00, (uint8_t)c, 0x01};
    guarded g = guarded_new(16);
    size_t w = 0;
    xb_mqtt_status st = xb_mqtt_encode_suback(g.buf, 16, 5, codes, 3, &w);
    if (c <= 2 || c == 0x80) {
      ck_assert_msg(st == XB_MQTT_OK, "code %02x", c);
      ck_assert_uint_eq(w, 7);
    } else {
      ck_assert_msg(st != XB_MQTT_OK, "code %02x accepted", c);
      ck_assert_msg(untouched_outside(&g, 0), "code %02x: bytes written", c);
    }
    guarded_free(&g);
  }
  guarded g = guarded_new(16);
  size_t w = 0;
  static const uint8_t none[] = {0};
  ck_assert_int_ne(xb_mqtt_encode_suback(g.buf, 16, 5, none, 0, &w), XB_MQTT_OK);
  ck_assert(untouched_outside(&g, 0));
  guarded_free(&g);
}
END_TEST

/* ------------------------------------------------------------------ PINGRESP */

static xb_mqtt_status enc_pingresp(uint8_t *buf, size_t cap, const void *arg, size_t *w) {
  (void)arg;
  return xb_mqtt_encode_pingresp(buf, cap, w);
}

START_TEST(pingresp_bytes_XB_MQTT_53)
/* XB-MQTT-53 XB-MQTT-56 [MQTT-3.12.4-1]: D0 00. */
{
  static const uint8_t want[] = {0xD0, 0x00};
  sweep(enc_pingresp, NULL, want, 2);
}
END_TEST

Suite *xb_suite_mqtt_encode(void);
Suite *xb_suite_mqtt_encode(void)
{
  Suite *s = suite_create("mqtt_encode");
  TCase *tc = tcase_create("encode");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, varint_size_boundaries_XB_MQTT_57);
  tcase_add_test(tc, connack_bytes_XB_MQTT_34);
  tcase_add_test(tc, connack_never_has_session_present_with_a_refusal_XB_MQTT_34);
  tcase_add_test(tc, connack_reserved_return_codes_are_not_encoded_XB_MQTT_35);
  tcase_add_test(tc, publish_header_bytes_XB_MQTT_44);
  tcase_add_test(tc, publish_header_remaining_length_boundaries_XB_MQTT_57);
  tcase_add_test(tc, publish_too_large_is_refused_XB_MQTT_57);
  tcase_add_test(tc, publish_header_plus_payload_decodes_back_XB_MQTT_44);
  tcase_add_test(tc, ack_bytes_XB_MQTT_40);
  tcase_add_test(tc, ack_encoder_refuses_packets_the_server_never_sends_XB_MQTT_55);
  tcase_add_test(tc, encoded_acks_decode_back_XB_MQTT_42);
  tcase_add_test(tc, suback_size_XB_MQTT_49);
  tcase_add_test(tc, suback_bytes_XB_MQTT_49);
  tcase_add_test(tc, suback_with_two_byte_remaining_length_XB_MQTT_57);
  tcase_add_test(tc, suback_refuses_other_return_codes_XB_MQTT_50);
  tcase_add_test(tc, pingresp_bytes_XB_MQTT_53);
  suite_add_tcase(s, tc);
  return s;
}
