/*
 * Framing (xb_mqtt_frame_parse) against MQTT 3.1.1 §2.2 and spec/mqtt.md §1.
 * Expected results come from the standard and the spec, never from the implementation.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "mqtt/xb_mqtt.h"
#include "xb_test_util.h"

#define NO_LIMIT ((size_t)-1)

static const unsigned receivable[] = {1, 3, 4, 5, 6, 7, 8, 10, 12, 14};
#define N_RECEIVABLE (sizeof receivable / sizeof receivable[0])

static xb_mqtt_status frame(const uint8_t *p, size_t len, size_t max, xb_mqtt_frame *f) {
  memset(f, 0, sizeof *f);
  return xb_mqtt_frame_parse(p, len, max, f);
}

/* A sentinel frame, to see whether the parser wrote it. */
static void poison(xb_mqtt_frame *f) {
  memset(f, 0xEE, sizeof *f);
}

static bool is_poisoned(const xb_mqtt_frame *f) {
  return xb_all_bytes((const uint8_t *)f, sizeof *f, 0xEE);
}

START_TEST(every_prefix_of_a_valid_packet_needs_more_XB_MQTT_4)
/* XB-MQTT-4 [MQTT-4.8.0-1]: while the bytes so far are a valid prefix, keep reading. */
{
  for (unsigned level = 3; level <= 4; level++) {
    for (size_t t = 0; t < N_RECEIVABLE; t++) {
      xb_tb pk;
      xb_tb_init(&pk);
      ck_assert(xb_sample_packet(&pk, receivable[t], level));
      xb_mqtt_frame f;
      for (size_t n = 0; n < pk.len; n++) {
        poison(&f);
        ck_assert_msg(xb_mqtt_frame_parse(pk.p, n, NO_LIMIT, &f) == XB_MQTT_NEED_MORE,
                      "type %u level %u prefix %zu of %zu", receivable[t], level, n, pk.len);
        ck_assert_msg(is_poisoned(&f), "frame written on NEED_MORE (type %u)", receivable[t]);
      }
      ck_assert_int_eq(frame(pk.p, pk.len, NO_LIMIT, &f), XB_MQTT_OK);
      ck_assert_uint_eq(f.type, receivable[t]);
      ck_assert_uint_eq(f.flags, pk.p[0] & 0x0fu);
      ck_assert_uint_eq(f.total_len, pk.len);
      ck_assert_uint_eq(f.header_len, 2); /* every sample is under 128 bytes of body */
      ck_assert_uint_eq(f.remaining_len, pk.len - 2);
      ck_assert_uint_eq(f.remaining_len, pk.p[1]);
      xb_tb_free(&pk);
    }
  }
}
END_TEST

START_TEST(valid_packet_followed_by_more_bytes_frames_the_first_XB_MQTT_1)
/* XB-MQTT-1 [§2.2.3]: the remaining length alone delimits a packet in the stream. */
{
  for (size_t t = 0; t < N_RECEIVABLE; t++) {
    xb_tb s;
    xb_tb_init(&s);
    ck_assert(xb_sample_packet(&s, receivable[t], 4));
    size_t first = s.len;
    /* Another packet, then garbage that is malformed on its own. */
    ck_assert(xb_sample_packet(&s, 3, 4));
    xb_tb_u8(&s, 0xF0);
    xb_tb_u8(&s, 0xFF);
    xb_mqtt_frame f;
    for (size_t n = first; n <= s.len; n++) {
      ck_assert_int_eq(frame(s.p, n, NO_LIMIT, &f), XB_MQTT_OK);
      ck_assert_uint_eq(f.total_len, first);
      ck_assert_uint_eq(f.type, receivable[t]);
    }
    xb_tb_free(&s);
  }
}
END_TEST

START_TEST(a_stream_of_packets_frames_packet_after_packet_XB_MQTT_1)
/* XB-MQTT-1: framing a connection's byte stream one packet at a time. */
{
  xb_tb s;
  xb_tb_init(&s);
  for (unsigned level = 3; level <= 4; level++)
    for (size_t t = 0; t < N_RECEIVABLE; t++) ck_assert(xb_sample_packet(&s, receivable[t], level));
  size_t pos = 0, count = 0;
  while (pos < s.len) {
    xb_mqtt_frame f;
    ck_assert_int_eq(frame(s.p + pos, s.len - pos, NO_LIMIT, &f), XB_MQTT_OK);
    ck_assert_uint_eq(f.type, receivable[count % N_RECEIVABLE]);
    ck_assert_uint_ge(f.total_len, 2);
    ck_assert_uint_eq(f.total_len, f.header_len + f.remaining_len);
    pos += f.total_len;
    count++;
  }
  ck_assert_uint_eq(pos, s.len);
  ck_assert_uint_eq(count, 2 * N_RECEIVABLE);
  xb_tb_free(&s);
}
END_TEST

/* Exact remaining-length decoding, [§2.2.3] table 2.4. TOO_LARGE writes the frame "for
 * logging" (xb_mqtt.h), so a limit of 1 reads the decoded length without a body. */
static const struct {
  uint8_t bytes[5];
  size_t n;
  size_t value;
} varints[] = {
    {{0x03}, 1, 3},
    {{0x7F}, 1, 127},
    {{0x80, 0x01}, 2, 128},
    {{0x81, 0x01}, 2, 129},
    {{0xFF, 0x7F}, 2, 16383},
    {{0x80, 0x80, 0x01}, 3, 16384},
    {{0xFF, 0xFF, 0x7F}, 3, 2097151},
    {{0x80, 0x80, 0x80, 0x01}, 4, 2097152},
    {{0xC1, 0x80, 0x80, 0x01}, 4, 2097217},
    {{0xFF, 0xFF, 0xFF, 0x7F}, 4, 268435455},
};

START_TEST(remaining_length_decodes_as_defined_XB_MQTT_2)
/* XB-MQTT-1 XB-MQTT-2 [§2.2.3]: sum of (b[i] mod 128) * 128^i. */
{
  for (size_t i = 0; i < sizeof varints / sizeof varints[0]; i++) {
    uint8_t hdr[6] = {0x30};
    memcpy(hdr + 1, varints[i].bytes, varints[i].n);
    size_t hl = 1 + varints[i].n;
    xb_mqtt_frame f;
    /* With the header only: a valid prefix (every length here fits a PUBLISH). */
    xb_mqtt_status st = frame(hdr, hl, NO_LIMIT, &f);
    ck_assert_msg(st == XB_MQTT_NEED_MORE, "varint %zu: %d", varints[i].value, (int)st);
    /* Every proper prefix of the length bytes is a valid prefix too. */
    for (size_t n = 1; n < hl; n++) ck_assert_int_eq(frame(hdr, n, NO_LIMIT, &f), XB_MQTT_NEED_MORE);
    ck_assert_int_eq(frame(hdr, hl, 1, &f), XB_MQTT_TOO_LARGE);
    ck_assert_uint_eq(f.remaining_len, varints[i].value);
    ck_assert_uint_eq(f.header_len, hl);
    ck_assert_uint_eq(f.total_len, hl + varints[i].value);
    ck_assert_uint_eq(f.type, 3);
  }
}
END_TEST

/* A full PUBLISH (QoS 0, topic "t") whose remaining length is exactly rl. */
static void publish_with_rl(xb_tb *out, size_t rl) {
  xb_tb_u8(out, 0x30);
  xb_tb_varint(out, rl);
  xb_tb_cstr(out, "t");
  xb_tb_fill(out, 'p', rl - 3);
}

START_TEST(remaining_length_boundaries_frame_whole_packets_XB_MQTT_2)
/* XB-MQTT-1 XB-MQTT-2 [§2.2.3]: 127/128, 16383/16384, 2097151/2097152 with the body in. */
{
  static const size_t rls[] = {3, 127, 128, 16383, 16384, 2097151, 2097152};
  static const size_t hls[] = {2, 2, 3, 3, 4, 4, 5};
  for (size_t i = 0; i < sizeof rls / sizeof rls[0]; i++) {
    xb_tb pk;
    xb_tb_init(&pk);
    publish_with_rl(&pk, rls[i]);
    ck_assert_uint_eq(pk.len, hls[i] + rls[i]);
    xb_mqtt_frame f;
    ck_assert_int_eq(frame(pk.p, pk.len, NO_LIMIT, &f), XB_MQTT_OK);
    ck_assert_uint_eq(f.header_len, hls[i]);
    ck_assert_uint_eq(f.remaining_len, rls[i]);
    ck_assert_uint_eq(f.total_len, pk.len);
    ck_assert_int_eq(frame(pk.p, pk.len - 1, NO_LIMIT, &f), XB_MQTT_NEED_MORE);
    ck_assert_int_eq(frame(pk.p, hls[i], NO_LIMIT, &f), XB_MQTT_NEED_MORE);
    /* The limit is on the whole packet: equal is allowed, one less is not. */
    ck_assert_int_eq(frame(pk.p, pk.len, pk.len, &f), XB_MQTT_OK);
    ck_assert_int_eq(frame(pk.p, pk.len, pk.len - 1, &f), XB_MQTT_TOO_LARGE);
    xb_tb_free(&pk);
  }
}
END_TEST

START_TEST(zero_remaining_length_frames_a_two_byte_packet_XB_MQTT_10)
/* XB-MQTT-10 [§3.12.1] [§3.14.1]: PINGREQ and DISCONNECT are exactly C0 00 and E0 00. */
{
  static const uint8_t ping[] = {0xC0, 0x00, 0xC0, 0x00};
  static const uint8_t disc[] = {0xE0, 0x00};
  xb_mqtt_frame f;
  ck_assert_int_eq(frame(ping, 2, NO_LIMIT, &f), XB_MQTT_OK);
  ck_assert_uint_eq(f.type, XB_MQTT_PINGREQ);
  ck_assert_uint_eq(f.total_len, 2);
  ck_assert_uint_eq(f.remaining_len, 0);
  ck_assert_int_eq(frame(ping, 4, NO_LIMIT, &f), XB_MQTT_OK);
  ck_assert_uint_eq(f.total_len, 2);
  ck_assert_int_eq(frame(disc, 2, NO_LIMIT, &f), XB_MQTT_OK);
  ck_assert_uint_eq(f.type, XB_MQTT_DISCONNECT);
  ck_assert_uint_eq(f.flags, 0);
  ck_assert_uint_eq(f.header_len, 2);
  ck_assert_int_eq(frame(disc, 2, 2, &f), XB_MQTT_OK);
  ck_assert_int_eq(frame(disc, 2, 1, &f), XB_MQTT_TOO_LARGE);
}
END_TEST

START_TEST(maximum_remaining_length_is_a_valid_prefix_XB_MQTT_2)
/* XB-MQTT-2 [§2.2.3]: 268435455 (FF FF FF 7F) is the largest length. */
{
  static const uint8_t hdr[] = {0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01, 't'};
  xb_mqtt_frame f;
  ck_assert_int_eq(frame(hdr, sizeof hdr, NO_LIMIT, &f), XB_MQTT_NEED_MORE);
  ck_assert_int_eq(frame(hdr, 5, 268435460u, &f), XB_MQTT_NEED_MORE);
  ck_assert_int_eq(frame(hdr, 5, 268435459u, &f), XB_MQTT_TOO_LARGE);
  ck_assert_uint_eq(f.remaining_len, 268435455u);
  ck_assert_uint_eq(f.total_len, 268435460u);
  ck_assert_uint_eq(f.header_len, 5);
}
END_TEST

START_TEST(five_byte_remaining_length_is_malformed_XB_MQTT_2)
/* XB-MQTT-2 XB-MQTT-4 [§2.2.3]: a fourth length byte with its continuation bit set. */
{
  static const uint8_t a[] = {0x30, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x01, 't'};
  static const uint8_t b[] = {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  static const uint8_t c[] = {0xC0, 0x80, 0x80, 0x80, 0x80};
  xb_mqtt_frame f;
  for (size_t n = 5; n <= sizeof a; n++) {
    poison(&f);
    ck_assert_int_eq(xb_mqtt_frame_parse(a, n, NO_LIMIT, &f), XB_MQTT_MALFORMED);
    ck_assert(is_poisoned(&f));
  }
  ck_assert_int_eq(frame(b, 4, NO_LIMIT, &f), XB_MQTT_NEED_MORE);
  ck_assert_int_eq(frame(b, 5, NO_LIMIT, &f), XB_MQTT_MALFORMED);
  ck_assert_int_eq(frame(b, 6, NO_LIMIT, &f), XB_MQTT_MALFORMED);
  ck_assert_int_eq(frame(c, 5, NO_LIMIT, &f), XB_MQTT_MALFORMED);
  /* Malformed wins over any limit: it is detected at the fifth byte whatever the limit. */
  ck_assert_int_eq(frame(b, 5, 1000, &f), XB_MQTT_MALFORMED);
}
END_TEST

START_TEST(non_minimal_remaining_length_is_malformed_XB_MQTT_3)
/* XB-MQTT-3 XB-MQTT-4 [§2.2.3]: a last length byte 00 after a continuation. */
{
  static const uint8_t cases[][8] = {
      {0x30, 0x80, 0x00, 0x00, 0x01, 't'},
      {0x30, 0xFF, 0x00, 0x00, 0x01, 't'},
      {0x30, 0x80, 0x80, 0x00, 0x00, 0x01, 't'},
      {0x30, 0x81, 0x80, 0x00, 0x00, 0x01, 't'},
      {0x30, 0x80, 0x80, 0x80, 0x00, 0x00, 0x01, 't'},
      {0xC0, 0x80, 0x00},
      {0xE0, 0x80, 0x00},
      {0x40, 0x82, 0x00, 0x12, 0x34},
  };
  static const size_t hl[] = {3, 3, 4, 4, 5, 3, 3, 3};
  for (size_t i = 0; i < sizeof hl / sizeof hl[0]; i++) {
    xb_mqtt_frame f;
    ck_assert_msg(frame(cases[i], hl[i], NO_LIMIT, &f) == XB_MQTT_MALFORMED, "case %zu", i);
    ck_assert_msg(frame(cases[i], sizeof cases[i], NO_LIMIT, &f) == XB_MQTT_MALFORMED, "case %zu", i);
    ck_assert_int_eq(frame(cases[i], hl[i] - 1, NO_LIMIT, &f), XB_MQTT_NEED_MORE);
  }
}
END_TEST

START_TEST(too_large_is_reported_from_the_header_alone_XB_MQTT_5)
/* XB-MQTT-5 [§2.2.3]: the limit is checked before any body byte arrives. */
{
  static const uint8_t p128[] = {0x30, 0x80, 0x01};            /* total 131 */
  static const uint8_t p10[] = {0x30, 0x0A};                   /* total 12 */
  static const uint8_t pmax[] = {0x30, 0xFF, 0xFF, 0xFF, 0x7F}; /* total 268435460 */
  static const uint8_t conn[] = {0x10, 0xFF, 0xFF, 0x03};      /* CONNECT, total 65539 */
  xb_mqtt_frame f;
  ck_assert_int_eq(frame(p128, 3, 130, &f), XB_MQTT_TOO_LARGE);
  ck_assert_uint_eq(f.total_len, 131);
  ck_assert_uint_eq(f.remaining_len, 128);
  ck_assert_int_eq(frame(p128, 3, 131, &f), XB_MQTT_NEED_MORE);
  ck_assert_int_eq(frame(p128, 2, 130, &f), XB_MQTT_NEED_MORE); /* length not known yet */
  ck_assert_int_eq(frame(p10, 2, 11, &f), XB_MQTT_TOO_LARGE);
  ck_assert_uint_eq(f.total_len, 12);
  ck_assert_int_eq(frame(p10, 2, 12, &f), XB_MQTT_NEED_MORE);
  ck_assert_int_eq(frame(pmax, 5, 262144 + 5, &f), XB_MQTT_TOO_LARGE);
  ck_assert_int_eq(frame(conn, 4, 65538, &f), XB_MQTT_TOO_LARGE);
  ck_assert_uint_eq(f.type, XB_MQTT_CONNECT);
  ck_assert_uint_eq(f.remaining_len, 65535);
  ck_assert_int_eq(frame(conn, 4, 65539, &f), XB_MQTT_NEED_MORE);
  ck_assert_int_eq(frame(p128, 3, 0, &f), XB_MQTT_TOO_LARGE);
}
END_TEST

START_TEST(limit_applies_to_the_packet_not_to_the_bytes_buffered_XB_MQTT_5)
/* XB-MQTT-5: bytes of the next packet already received do not count against the limit
 * of this one. */
{
  for (size_t t = 0; t < N_RECEIVABLE; t++) {
    xb_tb s;
    xb_tb_init(&s);
    ck_assert(xb_sample_packet(&s, receivable[t], 3));
    size_t first = s.len;
    ck_assert(xb_sample_packet(&s, 3, 4));
    ck_assert(xb_sample_packet(&s, 1, 4));
    xb_mqtt_frame f;
    ck_assert_int_eq(frame(s.p, s.len, first, &f), XB_MQTT_OK);
    ck_assert_uint_eq(f.total_len, first);
    ck_assert_int_eq(frame(s.p, s.len, first - 1, &f), XB_MQTT_TOO_LARGE);
    xb_tb_free(&s);
  }
}
END_TEST

START_TEST(types_a_server_never_receives_are_malformed_XB_MQTT_6)
/* XB-MQTT-6 XB-MQTT-4 [MQTT-4.8.0-1]: 0, 15, CONNACK, SUBACK, UNSUBACK, PINGRESP, detected
 * on the first byte, whatever the flags and the rest. */
{
  static const unsigned bad[] = {0, 2, 9, 11, 13, 15};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    for (unsigned fl = 0; fl < 16; fl++) {
      uint8_t pk[4] = {(uint8_t)((bad[i] << 4) | fl), 0x02, 0x00, 0x01};
      xb_mqtt_frame f;
      for (size_t n = 1; n <= sizeof pk; n++) {
        poison(&f);
        ck_assert_msg(xb_mqtt_frame_parse(pk, n, NO_LIMIT, &f) == XB_MQTT_MALFORMED,
                      "first byte %02x, %zu bytes", pk[0], n);
        ck_assert(is_poisoned(&f));
      }
    }
  }
  /* The packets exactly as a server would send them are refused too. */
  static const uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
  static const uint8_t pingresp[] = {0xD0, 0x00};
  xb_mqtt_frame f;
  ck_assert_int_eq(frame(connack, 4, NO_LIMIT, &f), XB_MQTT_MALFORMED);
  ck_assert_int_eq(frame(pingresp, 2, NO_LIMIT, &f), XB_MQTT_MALFORMED);
}
END_TEST

START_TEST(fixed_header_flags_per_type_XB_MQTT_7)
/* XB-MQTT-7 XB-MQTT-4 [MQTT-2.2.2-1] [MQTT-2.2.2-2] [MQTT-3.6.1-1] [MQTT-3.8.1-1]
 * [MQTT-3.10.1-1]: 0010 for PUBREL/SUBSCRIBE/UNSUBSCRIBE, 0000 for the others. */
{
  static const unsigned types[] = {1, 4, 5, 6, 7, 8, 10, 12, 14};
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    for (unsigned fl = 0; fl < 16; fl++) {
      xb_tb pk;
      xb_tb_init(&pk);
      ck_assert(xb_sample_packet(&pk, types[t], 4));
      pk.p[0] = (uint8_t)((types[t] << 4) | fl);
      xb_mqtt_frame f;
      xb_mqtt_status want = fl == xb_required_flags(types[t]) ? XB_MQTT_OK : XB_MQTT_MALFORMED;
      ck_assert_msg(frame(pk.p, pk.len, NO_LIMIT, &f) == want, "type %u flags %x", types[t], fl);
      if (want == XB_MQTT_MALFORMED)
        ck_assert_msg(frame(pk.p, 1, NO_LIMIT, &f) == XB_MQTT_MALFORMED,
                      "type %u flags %x not refused on the first byte", types[t], fl);
      else
        ck_assert_uint_eq(f.flags, fl);
      xb_tb_free(&pk);
    }
  }
}
END_TEST

START_TEST(publish_flags_qos3_and_dup_qos0_are_malformed_XB_MQTT_8)
/* XB-MQTT-8 XB-MQTT-9 XB-MQTT-4 [MQTT-3.3.1-4] [MQTT-3.3.1-2]: QoS 3 and DUP with QoS 0 are
 * flag errors, refused as soon as the first byte is in. */
{
  for (unsigned fl = 0; fl < 16; fl++) {
    unsigned qos = (fl >> 1) & 3u;
    bool dup = (fl & 8u) != 0;
    bool bad = qos == 3 || (dup && qos == 0);
    xb_tb pk;
    xb_tb_init(&pk);
    xb_tb_u8(&pk, 0x30 | fl);
    xb_tb_u8(&pk, 7);
    xb_tb_cstr(&pk, "a/b");
    xb_tb_u16(&pk, 1);
    xb_mqtt_frame f;
    ck_assert_msg(frame(pk.p, pk.len, NO_LIMIT, &f) == (bad ? XB_MQTT_MALFORMED : XB_MQTT_OK),
                  "PUBLISH flags %x", fl);
    if (!bad) {
      ck_assert_uint_eq(f.type, XB_MQTT_PUBLISH);
      ck_assert_uint_eq(f.flags, fl);
    }
    ck_assert_msg(frame(pk.p, 1, NO_LIMIT, &f) == (bad ? XB_MQTT_MALFORMED : XB_MQTT_NEED_MORE),
                  "PUBLISH flags %x, first byte only", fl);
    xb_tb_free(&pk);
  }
}
END_TEST

START_TEST(fixed_length_types_refuse_other_lengths_at_framing_XB_MQTT_10)
/* XB-MQTT-10 XB-MQTT-4 [§3.4.1] [§3.12.1] [§3.14.1]: acks are exactly 2, PINGREQ and
 * DISCONNECT exactly 0, refused as soon as the length is in. */
{
  static const uint8_t acks[] = {0x40, 0x50, 0x62, 0x70};
  static const size_t bad_rl[] = {0, 1, 3, 4, 127, 128, 16384};
  for (size_t a = 0; a < sizeof acks; a++) {
    for (size_t i = 0; i < sizeof bad_rl / sizeof bad_rl[0]; i++) {
      xb_tb pk;
      xb_tb_init(&pk);
      xb_tb_u8(&pk, acks[a]);
      xb_tb_varint(&pk, bad_rl[i]);
      size_t hl = pk.len;
      xb_tb_fill(&pk, 0x01, bad_rl[i]);
      xb_mqtt_frame f;
      ck_assert_msg(frame(pk.p, hl, NO_LIMIT, &f) == XB_MQTT_MALFORMED, "%02x rl %zu header",
                    acks[a], bad_rl[i]);
      ck_assert_msg(frame(pk.p, pk.len, NO_LIMIT, &f) == XB_MQTT_MALFORMED, "%02x rl %zu",
                    acks[a], bad_rl[i]);
      xb_tb_free(&pk);
    }
    uint8_t ok[4] = {acks[a], 0x02, 0x00, 0x05};
    xb_mqtt_frame f;
    ck_assert_int_eq(frame(ok, 4, NO_LIMIT, &f), XB_MQTT_OK);
    ck_assert_uint_eq(f.total_len, 4);
  }
  static const uint8_t empties[] = {0xC0, 0xE0};
  static const size_t bad_empty[] = {1, 2, 127, 128};
  for (size_t e = 0; e < sizeof empties; e++) {
    for (size_t i = 0; i < sizeof bad_empty / sizeof bad_empty[0]; i++) {
      xb_tb pk;
      xb_tb_init(&pk);
      xb_tb_u8(&pk, empties[e]);
      xb_tb_varint(&pk, bad_empty[i]);
      size_t hl = pk.len;
      xb_tb_fill(&pk, 0x00, bad_empty[i]);
      xb_mqtt_frame f;
      ck_assert_msg(frame(pk.p, hl, NO_LIMIT, &f) == XB_MQTT_MALFORMED, "%02x rl %zu header",
                    empties[e], bad_empty[i]);
      ck_assert_msg(frame(pk.p, pk.len, NO_LIMIT, &f) == XB_MQTT_MALFORMED, "%02x rl %zu",
                    empties[e], bad_empty[i]);
      xb_tb_free(&pk);
    }
  }
}
END_TEST

START_TEST(frame_is_not_written_unless_ok_or_too_large_XB_MQTT_4)
/* XB-MQTT-4: NEED_MORE and MALFORMED leave the caller's frame as it was (xb_mqtt.h). */
{
  static const uint8_t partial[] = {0x30, 0x05, 0x00};
  static const uint8_t bad[] = {0x30, 0x80, 0x00};
  xb_mqtt_frame f;
  poison(&f);
  ck_assert_int_eq(xb_mqtt_frame_parse(partial, sizeof partial, NO_LIMIT, &f), XB_MQTT_NEED_MORE);
  ck_assert(is_poisoned(&f));
  ck_assert_int_eq(xb_mqtt_frame_parse(bad, sizeof bad, NO_LIMIT, &f), XB_MQTT_MALFORMED);
  ck_assert(is_poisoned(&f));
  ck_assert_int_eq(xb_mqtt_frame_parse(partial, 0, NO_LIMIT, &f), XB_MQTT_NEED_MORE);
  ck_assert(is_poisoned(&f));
}
END_TEST

Suite *xb_suite_mqtt_frame(void);
Suite *xb_suite_mqtt_frame(void)
{
  Suite *s = suite_create("mqtt_frame");
  TCase *tc = tcase_create("framing");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, every_prefix_of_a_valid_packet_needs_more_XB_MQTT_4);
  tcase_add_test(tc, valid_packet_followed_by_more_bytes_frames_the_first_XB_MQTT_1);
  tcase_add_test(tc, a_stream_of_packets_frames_packet_after_packet_XB_MQTT_1);
  tcase_add_test(tc, remaining_length_decodes_as_defined_XB_MQTT_2);
  tcase_add_test(tc, remaining_length_boundaries_frame_whole_packets_XB_MQTT_2);
  tcase_add_test(tc, zero_remaining_length_frames_a_two_byte_packet_XB_MQTT_10);
  tcase_add_test(tc, maximum_remaining_length_is_a_valid_prefix_XB_MQTT_2);
  tcase_add_test(tc, five_byte_remaining_length_is_malformed_XB_MQTT_2);
  tcase_add_test(tc, non_minimal_remaining_length_is_malformed_XB_MQTT_3);
  tcase_add_test(tc, too_large_is_reported_from_the_header_alone_XB_MQTT_5);
  tcase_add_test(tc, limit_applies_to_the_packet_not_to_the_bytes_buffered_XB_MQTT_5);
  tcase_add_test(tc, types_a_server_never_receives_are_malformed_XB_MQTT_6);
  tcase_add_test(tc, fixed_header_flags_per_type_XB_MQTT_7);
  tcase_add_test(tc, publish_flags_qos3_and_dup_qos0_are_malformed_XB_MQTT_8);
  tcase_add_test(tc, fixed_length_types_refuse_other_lengths_at_framing_XB_MQTT_10);
  tcase_add_test(tc, frame_is_not_written_unless_ok_or_too_large_XB_MQTT_4);
  suite_add_tcase(s, tc);
  return s;
}
