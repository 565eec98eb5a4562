/*
 * Fuzz harness for the MQTT codec (impl/mqtt/, spec/mqtt.md).
 *
 * Input: byte 0 selects the packet-size limit (so TOO_LARGE paths are explored), the
 * rest is a client's byte stream. The stream is framed packet after packet as a
 * connection would, each framed packet goes to its decoder, and whatever the decoders
 * accept is checked against the promises of xb_mqtt.h and, where the server has an
 * encoder, re-encoded and decoded again: both must agree. Bytes left when framing stops
 * are still handed to a decoder (chosen by their first byte) so the decoders also see
 * bodies the framing would have refused. The UTF-8 validator is compared with an
 * independent RFC 3629 oracle on every string the decoders accept and on raw windows of
 * the input. Any broken promise calls abort(), which every driver reports as a crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt/xb_mqtt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "codec harness: %s:%d: promise broken: %s\n", __FILE__, __LINE__, \
              #cond);                                                                \
      abort();                                                                       \
    }                                                                                \
  } while (0)

/* Re-encoding scratch: a packet header (<= 5 + 2 + 65535) plus a payload from the
 * input (the drivers cap inputs at 1 MiB), with guard bytes after it. */
#define SCRATCH_CAP ((size_t)(1u << 20) + 65536u + 64u)
#define GUARD_LEN 16u
static uint8_t scratch[SCRATCH_CAP + GUARD_LEN];

/* ------------------------------------------------------------------ oracles */

static bool in(uint8_t b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; }

/* RFC 3629 §4 UTF8-char at p[0..n-1]: its length, or 0. Written from the RFC's ABNF,
 * independently of impl/mqtt/xb_utf8.c. */
static size_t utf8_char(const uint8_t *p, size_t n) {
  if (n >= 1 && p[0] <= 0x7F) return 1;
  if (n >= 2 && in(p[0], 0xC2, 0xDF) && in(p[1], 0x80, 0xBF)) return 2;
  if (n >= 3 && in(p[2], 0x80, 0xBF)) {
    if (p[0] == 0xE0 && in(p[1], 0xA0, 0xBF)) return 3;
    if ((in(p[0], 0xE1, 0xEC) || in(p[0], 0xEE, 0xEF)) && in(p[1], 0x80, 0xBF)) return 3;
    if (p[0] == 0xED && in(p[1], 0x80, 0x9F)) return 3;
  }
  if (n >= 4 && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF)) {
    if (p[0] == 0xF0 && in(p[1], 0x90, 0xBF)) return 4;
    if (in(p[0], 0xF1, 0xF3) && in(p[1], 0x80, 0xBF)) return 4;
    if (p[0] == 0xF4 && in(p[1], 0x80, 0x8F)) return 4;
  }
  return 0;
}

/* XB-MQTT-12/13: well-formed UTF-8 without U+0000. */
static bool mqtt_string_ok(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (p[i] == 0) return false;
    size_t k = utf8_char(p + i, n - i);
    if (k == 0) return false;
    i += k;
  }
  return true;
}

static bool has_wildcard(const uint8_t *p, size_t n) {
  return memchr(p, '+', n) != NULL || memchr(p, '#', n) != NULL;
}

static size_t varint_len(size_t n) {
  return n < 128u ? 1 : n < 16384u ? 2 : n < 2097152u ? 3 : n <= XB_MQTT_MAX_REMAINING ? 4 : 0;
}

/* Decode the remaining length written by an encoder; returns the header length. */
static size_t read_varint(const uint8_t *p, size_t n, size_t *value) {
  size_t v = 0, mult = 1, i = 0;
  for (;;) {
    CHECK(i < 4 && 1 + i < n);
    uint8_t b = p[1 + i];
    v += (size_t)(b & 0x7Fu) * mult;
    mult *= 128u;
    i++;
    if ((b & 0x80u) == 0) break;
  }
  CHECK(i == 1 || p[i] != 0); /* minimal: XB-MQTT-3 */
  *value = v;
  return 1 + i;
}

static void check_span(xb_span s, size_t len) {
  CHECK(s.off <= len);
  CHECK(s.len <= len - s.off);
}

/* Validator and wildcard test against the oracles on one string. */
static void check_string(const uint8_t *p, size_t n) {
  CHECK(xb_utf8_valid_mqtt(p, n) == mqtt_string_ok(p, n));
  CHECK(xb_mqtt_has_wildcard(p, n) == has_wildcard(p, n));
}

/* A string the decoder accepted: it must be a valid MQTT string. */
static void check_accepted_string(const uint8_t *body, size_t len, xb_span s) {
  check_span(s, len);
  CHECK(s.off >= 2);
  CHECK((size_t)body[s.off - 2] * 256u + body[s.off - 1] == s.len); /* its length prefix */
  CHECK(mqtt_string_ok(body + s.off, s.len));
  CHECK(xb_utf8_valid_mqtt(body + s.off, s.len));
}

/* ------------------------------------------------------------------ encoders */

static void guard_set(size_t at) { memset(scratch + at, 0xA5, GUARD_LEN); }

static void guard_check(size_t at) {
  for (size_t i = 0; i < GUARD_LEN; i++) CHECK(scratch[at + i] == 0xA5);
}

/* How much of the buffer a NO_SPACE check watches (the start of the packet is where an
 * encoder that forgot its size check would write first). */
static size_t watched(size_t cap) { return (cap < 512 ? cap : 512) + GUARD_LEN; }

static void no_space_prepare(size_t cap) { memset(scratch, 0xA5, watched(cap)); }

/* Encoder capacity contract (XB-MQTT-56): one byte short gives NO_SPACE and writes
 * nothing. */
static void no_space_expect(xb_mqtt_status st, size_t cap) {
  CHECK(st == XB_MQTT_NO_SPACE);
  for (size_t i = 0; i < watched(cap); i++) CHECK(scratch[i] == 0xA5);
}

static void roundtrip_publish(const uint8_t *body, size_t len, const xb_mqtt_publish *p) {
  CHECK(p->payload.off + p->payload.len == len);
  size_t hs = 0;
  xb_mqtt_status st = xb_mqtt_publish_header_size(p->topic.len, p->payload.len, &hs);
  CHECK(st == XB_MQTT_OK); /* it came in a packet, so it fits one */
  CHECK(hs == 1 + varint_len(2 + p->topic.len + p->payload.len) + 2 + p->topic.len);
  if (hs + p->payload.len > SCRATCH_CAP) return;
  const uint8_t *topic = body + p->topic.off;
  size_t w = 0;
  no_space_prepare(hs - 1);
  no_space_expect(xb_mqtt_encode_publish_header(scratch, hs - 1, topic, p->topic.len,
                                                p->payload.len, p->retain, &w),
                  hs - 1);
  guard_set(hs);
  st = xb_mqtt_encode_publish_header(scratch, hs, topic, p->topic.len, p->payload.len, p->retain, &w);
  CHECK(st == XB_MQTT_OK);
  CHECK(w == hs);
  guard_check(hs);
  memcpy(scratch + hs, body + p->payload.off, p->payload.len);
  size_t total = hs + p->payload.len;
  xb_mqtt_frame f;
  CHECK(xb_mqtt_frame_parse(scratch, total, total, &f) == XB_MQTT_OK);
  CHECK(f.total_len == total && f.type == XB_MQTT_PUBLISH && f.header_len + 2 + p->topic.len == hs);
  xb_mqtt_publish q;
  CHECK(xb_mqtt_decode_publish(scratch + f.header_len, f.remaining_len, f.flags, &q) == XB_MQTT_OK);
  CHECK(q.qos == 0 && !q.dup && q.packet_id == 0);
  CHECK(q.retain == p->retain);
  CHECK(q.topic.len == p->topic.len);
  CHECK(memcmp(scratch + f.header_len + q.topic.off, topic, q.topic.len) == 0);
  CHECK(q.payload.len == p->payload.len);
  CHECK(p->payload.len == 0 ||
        memcmp(scratch + f.header_len + q.payload.off, body + p->payload.off, p->payload.len) == 0);
}

/* Encode an ack the server sends (PUBACK/PUBREC/PUBCOMP/UNSUBACK) and check its bytes. */
static void check_ack_encoding(uint8_t type, uint16_t id) {
  size_t w = 0;
  no_space_prepare(3);
  no_space_expect(xb_mqtt_encode_ack(scratch, 3, type, id, &w), 3);
  guard_set(4);
  CHECK(xb_mqtt_encode_ack(scratch, 4, type, id, &w) == XB_MQTT_OK);
  CHECK(w == 4);
  guard_check(4);
  CHECK(scratch[0] == (uint8_t)(type << 4) && scratch[1] == 2);
  CHECK(scratch[2] == (uint8_t)(id >> 8) && scratch[3] == (uint8_t)(id & 0xFFu));
  if (type != XB_MQTT_UNSUBACK) {
    uint16_t back = 0;
    CHECK(xb_mqtt_decode_ack(type, scratch + 2, 2, 0, &back) == XB_MQTT_OK && back == id);
  }
}

static void check_suback(uint16_t id, const uint8_t *codes, size_t n) {
  size_t sz = xb_mqtt_suback_size(n);
  CHECK(sz == 1 + varint_len(2 + n) + 2 + n);
  if (sz + GUARD_LEN > sizeof scratch) return;
  size_t w = 0;
  no_space_prepare(sz - 1);
  no_space_expect(xb_mqtt_encode_suback(scratch, sz - 1, id, codes, n, &w), sz - 1);
  guard_set(sz);
  CHECK(xb_mqtt_encode_suback(scratch, sz, id, codes, n, &w) == XB_MQTT_OK);
  CHECK(w == sz);
  guard_check(sz);
  size_t rl = 0, hl = read_varint(scratch, sz, &rl);
  CHECK(scratch[0] == 0x90 && rl == 2 + n && hl + rl == sz);
  CHECK(scratch[hl] == (uint8_t)(id >> 8) && scratch[hl + 1] == (uint8_t)(id & 0xFFu));
  CHECK(memcmp(scratch + hl + 2, codes, n) == 0);
}

/* ------------------------------------------------------------------ decoders */

static const uint8_t NAME_MQTT[] = {0, 4, 'M', 'Q', 'T', 'T'};
static const uint8_t NAME_MQISDP[] = {0, 6, 'M', 'Q', 'I', 's', 'd', 'p'};

static void check_connect_ok(const uint8_t *body, size_t len, const xb_mqtt_connect *c) {
  CHECK(c->level == 3 || c->level == 4);
  size_t name = c->level == 4 ? sizeof NAME_MQTT : sizeof NAME_MQISDP;
  CHECK(len >= name + 4);
  CHECK(memcmp(body, c->level == 4 ? NAME_MQTT : NAME_MQISDP, name) == 0);
  uint8_t fl = body[name + 1];
  CHECK((fl & 1u) == 0);                                         /* XB-MQTT-20 */
  CHECK(c->clean_session == ((fl & 0x02u) != 0));
  CHECK(c->will_flag == ((fl & 0x04u) != 0));
  CHECK(c->will_qos == ((fl >> 3) & 3u) && c->will_qos <= 2);    /* XB-MQTT-22 */
  CHECK(c->will_retain == ((fl & 0x20u) != 0));
  CHECK(c->password_flag == ((fl & 0x40u) != 0));
  CHECK(c->username_flag == ((fl & 0x80u) != 0));
  CHECK(c->will_flag || (c->will_qos == 0 && !c->will_retain)); /* XB-MQTT-21 */
  CHECK(!c->password_flag || c->username_flag);                  /* XB-MQTT-23 */
  CHECK(c->keepalive == (uint16_t)(body[name + 2] * 256u + body[name + 3]));
  CHECK(c->client_id.off == name + 6);
  check_accepted_string(body, len, c->client_id);
  if (c->level == 3) CHECK(c->client_id.len >= 1 && c->client_id.len <= 23); /* XB-MQTT-28 */
  if (c->client_id.len == 0) CHECK(c->clean_session);                      /* XB-MQTT-29 */
  size_t end = c->client_id.off + c->client_id.len;
  if (c->will_flag) {
    CHECK(c->will_topic.off == end + 2);
    check_accepted_string(body, len, c->will_topic);
    CHECK(c->will_topic.len > 0 && !has_wildcard(body + c->will_topic.off, c->will_topic.len));
    CHECK(c->will_payload.off == c->will_topic.off + c->will_topic.len + 2);
    check_span(c->will_payload, len);
    end = c->will_payload.off + c->will_payload.len;
  } else {
    CHECK(c->will_topic.len == 0);
  }
  if (c->username_flag) {
    CHECK(c->username.off == end + 2);
    check_accepted_string(body, len, c->username);
    end = c->username.off + c->username.len;
  }
  if (c->password_flag) {
    CHECK(c->password.off == end + 2);
    check_span(c->password, len);
    end = c->password.off + c->password.len;
  }
  CHECK(end == len); /* XB-MQTT-25: nothing after the last field */
}

/* The rules are the same at both levels but for the client id (XB-MQTT-20..32): decode
 * the same CONNECT under the other protocol name/level and compare the verdicts. */
static void check_other_level(const uint8_t *body, size_t len, uint8_t flags,
                              xb_mqtt_status st, const xb_mqtt_connect *c) {
  bool is4 = len >= sizeof NAME_MQTT + 1 && memcmp(body, NAME_MQTT, sizeof NAME_MQTT) == 0 &&
             body[sizeof NAME_MQTT] == 4;
  bool is3 = len >= sizeof NAME_MQISDP + 1 &&
             memcmp(body, NAME_MQISDP, sizeof NAME_MQISDP) == 0 && body[sizeof NAME_MQISDP] == 3;
  if (!is4 && !is3) return;
  size_t from = is4 ? sizeof NAME_MQTT + 1 : sizeof NAME_MQISDP + 1;
  const uint8_t *name = is4 ? NAME_MQISDP : NAME_MQTT;
  size_t to = is4 ? sizeof NAME_MQISDP + 1 : sizeof NAME_MQTT + 1;
  size_t alen = len - from + to;
  if (alen > SCRATCH_CAP) return;
  memcpy(scratch, name, to - 1);
  scratch[to - 1] = is4 ? 3 : 4;
  memcpy(scratch + to, body + from, len - from);
  xb_mqtt_connect d;
  xb_mqtt_status st2 = xb_mqtt_decode_connect(scratch, alen, flags, &d);
  xb_mqtt_status st3 = is4 ? st2 : st, st4 = is4 ? st : st2; /* verdicts at level 3 and 4 */
  const xb_mqtt_connect *c4 = is4 ? c : &d;
  CHECK(st3 == XB_MQTT_OK || st3 == XB_MQTT_MALFORMED || st3 == XB_MQTT_BAD_CLIENT_ID);
  CHECK(st4 == XB_MQTT_OK || st4 == XB_MQTT_MALFORMED || st4 == XB_MQTT_BAD_CLIENT_ID);
  CHECK((st3 == XB_MQTT_MALFORMED) == (st4 == XB_MQTT_MALFORMED)); /* XB-MQTT-32 */
  if (st4 == XB_MQTT_BAD_CLIENT_ID) CHECK(st3 == XB_MQTT_BAD_CLIENT_ID);
  if (st4 == XB_MQTT_OK) {
    bool id_ok3 = c4->client_id.len >= 1 && c4->client_id.len <= 23;
    CHECK(st3 == (id_ok3 ? XB_MQTT_OK : XB_MQTT_BAD_CLIENT_ID));
  }
  if (st3 == XB_MQTT_OK) CHECK(st4 == XB_MQTT_OK);
  if (st == XB_MQTT_OK && st2 == XB_MQTT_OK) {
    CHECK(c->keepalive == d.keepalive && c->clean_session == d.clean_session);
    CHECK(c->client_id.len == d.client_id.len && c->username.len == d.username.len);
    CHECK(c->password.len == d.password.len && c->will_payload.len == d.will_payload.len);
  }
}

static void decode_connect(const uint8_t *body, size_t len, uint8_t flags) {
  xb_mqtt_connect c;
  memset(&c, 0, sizeof c);
  xb_mqtt_status st = xb_mqtt_decode_connect(body, len, flags, &c);
  CHECK(st == XB_MQTT_OK || st == XB_MQTT_MALFORMED || st == XB_MQTT_BAD_PROTOCOL ||
        st == XB_MQTT_BAD_CLIENT_ID);
  if (flags != 0) CHECK(st != XB_MQTT_OK && st != XB_MQTT_BAD_CLIENT_ID); /* XB-MQTT-7 */
  if (st == XB_MQTT_OK) check_connect_ok(body, len, &c);
  if (st == XB_MQTT_BAD_PROTOCOL) { /* XB-MQTT-19: a known name with the wrong level */
    bool mqtt = len > sizeof NAME_MQTT && memcmp(body, NAME_MQTT, sizeof NAME_MQTT) == 0;
    bool mqisdp = len > sizeof NAME_MQISDP && memcmp(body, NAME_MQISDP, sizeof NAME_MQISDP) == 0;
    CHECK(mqtt || mqisdp);
    uint8_t lvl = mqtt ? body[sizeof NAME_MQTT] : body[sizeof NAME_MQISDP];
    CHECK(c.level == lvl && lvl != (mqtt ? 4 : 3));
  }
  if (flags == 0) check_other_level(body, len, flags, st, &c);
}

static void decode_publish(const uint8_t *body, size_t len, uint8_t flags) {
  xb_mqtt_publish p;
  memset(&p, 0, sizeof p);
  xb_mqtt_status st = xb_mqtt_decode_publish(body, len, flags, &p);
  CHECK(st == XB_MQTT_OK || st == XB_MQTT_MALFORMED);
  if (st != XB_MQTT_OK) return;
  unsigned qos = (flags >> 1) & 3u;
  CHECK(qos != 3 && p.qos == qos);                      /* XB-MQTT-8 */
  CHECK(p.dup == ((flags & 8u) != 0) && !(p.dup && qos == 0)); /* XB-MQTT-9 */
  CHECK(p.retain == ((flags & 1u) != 0));
  CHECK(p.topic.off == 2);
  check_accepted_string(body, len, p.topic);
  CHECK(p.topic.len > 0 && !has_wildcard(body + 2, p.topic.len)); /* XB-MQTT-39 */
  size_t after = 2 + p.topic.len;
  if (qos == 0) {
    CHECK(p.packet_id == 0);
  } else {
    CHECK(len >= after + 2);
    CHECK(p.packet_id != 0 && p.packet_id == body[after] * 256u + body[after + 1]);
    after += 2;
  }
  CHECK(p.payload.off == after && p.payload.off + p.payload.len == len);
  roundtrip_publish(body, len, &p);
  if (qos == 1) check_ack_encoding(XB_MQTT_PUBACK, p.packet_id);
  if (qos == 2) check_ack_encoding(XB_MQTT_PUBREC, p.packet_id);
}

static void decode_ack(uint8_t type, const uint8_t *body, size_t len, uint8_t flags) {
  uint16_t id = 0;
  xb_mqtt_status st = xb_mqtt_decode_ack(type, body, len, flags, &id);
  CHECK(st == XB_MQTT_OK || st == XB_MQTT_MALFORMED);
  if (type < XB_MQTT_PUBACK || type > XB_MQTT_PUBCOMP) CHECK(st != XB_MQTT_OK);
  if (st != XB_MQTT_OK) return;
  CHECK(len == 2 && id != 0 && id == body[0] * 256u + body[1]);  /* XB-MQTT-42 */
  CHECK(flags == (type == XB_MQTT_PUBREL ? 2u : 0u));            /* XB-MQTT-7 */
  check_ack_encoding(type == XB_MQTT_PUBREL ? XB_MQTT_PUBCOMP : type, id);
}

static void decode_sub(bool is_sub, const uint8_t *body, size_t len, uint8_t flags) {
  xb_mqtt_subscribe s;
  memset(&s, 0, sizeof s);
  xb_mqtt_status st = is_sub ? xb_mqtt_decode_subscribe(body, len, flags, &s)
                             : xb_mqtt_decode_unsubscribe(body, len, flags, &s);
  CHECK(st == XB_MQTT_OK || st == XB_MQTT_MALFORMED);
  if (st != XB_MQTT_OK) return;
  CHECK(flags == 2);                                            /* XB-MQTT-7 */
  CHECK(s.count >= 1 && s.first == 2 && len >= 2);              /* XB-MQTT-45/51 */
  CHECK(s.packet_id != 0 && s.packet_id == body[0] * 256u + body[1]);
  /* SUBACK codes: the requested QoS, so the encoder sees every legal value. */
  uint8_t *codes = scratch + SCRATCH_CAP / 2;
  size_t ncodes = 0, pos = s.first;
  for (size_t i = 0; i < s.count; i++) {
    xb_span f = {0, 0};
    uint8_t q = 0xFF;
    size_t before = pos;
    CHECK(xb_mqtt_next_filter(body, len, is_sub, &pos, &f, &q) == XB_MQTT_OK);
    CHECK(f.off == before + 2 && f.len > 0);                    /* XB-MQTT-46 */
    check_accepted_string(body, len, f);
    CHECK(pos == f.off + f.len + (is_sub ? 1u : 0u) && pos <= len);
    if (is_sub) {
      CHECK(q <= 2 && q == body[pos - 1]);                      /* XB-MQTT-47 */
      if (ncodes < SCRATCH_CAP / 2 - 64) codes[ncodes++] = (i % 7 == 6) ? (uint8_t)0x80 : q;
    }
  }
  CHECK(pos == len);
  xb_span f;
  uint8_t q;
  CHECK(xb_mqtt_next_filter(body, len, is_sub, &pos, &f, &q) == XB_MQTT_MALFORMED);
  if (is_sub && ncodes == s.count) {
    /* The encoder writes into the first half of scratch; codes live in the second. */
    if (xb_mqtt_suback_size(ncodes) + GUARD_LEN <= SCRATCH_CAP / 2) check_suback(s.packet_id, codes, ncodes);
  }
  if (!is_sub) check_ack_encoding(XB_MQTT_UNSUBACK, s.packet_id);
}

static void decode_body(uint8_t type, uint8_t flags, const uint8_t *body, size_t len) {
  switch (type) {
  case XB_MQTT_CONNECT:
    decode_connect(body, len, flags);
    break;
  case XB_MQTT_PUBLISH:
    decode_publish(body, len, flags);
    break;
  case XB_MQTT_SUBSCRIBE:
    decode_sub(true, body, len, flags);
    break;
  case XB_MQTT_UNSUBSCRIBE:
    decode_sub(false, body, len, flags);
    break;
  default:
    decode_ack(type, body, len, flags);
    break;
  }
}

/* ------------------------------------------------------------------ framing */

static size_t limit_from(uint8_t sel) {
  static const size_t limits[] = {(size_t)-1, 2, 4, 5, 16, 64, 127, 130, 1024, 16388, 262144};
  if (sel < 0x80) return (size_t)-1;
  if ((sel & 0x40u) == 0) return limits[(sel & 0x3Fu) % (sizeof limits / sizeof limits[0])];
  return (size_t)(sel & 0x3Fu) * 3u;
}

static bool receivable(uint8_t type) {
  return type == 1 || (type >= 3 && type <= 8) || type == 10 || type == 12 || type == 14;
}

static void frame_ok_invariants(const uint8_t *p, size_t n, size_t max, const xb_mqtt_frame *f) {
  CHECK(f->total_len <= n && f->total_len <= max);
  CHECK(f->header_len >= 2 && f->header_len <= XB_MQTT_MAX_FIXED_HEADER);
  CHECK(f->total_len == f->header_len + f->remaining_len);
  CHECK(f->remaining_len <= XB_MQTT_MAX_REMAINING);
  CHECK(f->header_len == 1 + varint_len(f->remaining_len));    /* XB-MQTT-3 */
  CHECK(f->type == p[0] >> 4 && f->flags == (p[0] & 0x0Fu));
  CHECK(receivable(f->type));                                  /* XB-MQTT-6 */
  if (f->type == XB_MQTT_PUBLISH) {
    unsigned q = (f->flags >> 1) & 3u;
    CHECK(q != 3 && !((f->flags & 8u) && q == 0));             /* XB-MQTT-8/9 */
  } else {
    CHECK(f->flags == ((f->type == 6 || f->type == 8 || f->type == 10) ? 2u : 0u)); /* XB-MQTT-7 */
  }
  if (f->type >= 4 && f->type <= 7) CHECK(f->remaining_len == 2);                 /* XB-MQTT-10 */
  if (f->type == 12 || f->type == 14) CHECK(f->remaining_len == 0);
  size_t rl = 0;
  CHECK(read_varint(p, f->header_len, &rl) == f->header_len && rl == f->remaining_len);
  /* Incremental: shorter inputs are valid prefixes; the limit is on total_len. */
  xb_mqtt_frame g;
  CHECK(xb_mqtt_frame_parse(p, f->total_len - 1, max, &g) == XB_MQTT_NEED_MORE);
  CHECK(xb_mqtt_frame_parse(p, f->header_len - 1, max, &g) == XB_MQTT_NEED_MORE);
  CHECK(xb_mqtt_frame_parse(p, f->total_len, f->total_len, &g) == XB_MQTT_OK);
  CHECK(g.total_len == f->total_len);
  CHECK(xb_mqtt_frame_parse(p, f->header_len, f->total_len - 1, &g) == XB_MQTT_TOO_LARGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t max = limit_from(data[0]);
  const uint8_t *s = data + 1;
  size_t n = size - 1;

  /* The validator against the oracle on a few windows of the raw input. */
  check_string(s, n);
  if (n > 2) check_string(s + 1, n / 2);
  if (n > 3) check_string(s + n / 3, n - n / 3);

  size_t pos = 0;
  while (pos < n) {
    xb_mqtt_frame f;
    memset(&f, 0, sizeof f);
    xb_mqtt_status st = xb_mqtt_frame_parse(s + pos, n - pos, max, &f);
    CHECK(st == XB_MQTT_OK || st == XB_MQTT_NEED_MORE || st == XB_MQTT_MALFORMED ||
          st == XB_MQTT_TOO_LARGE);
    if (st == XB_MQTT_TOO_LARGE) {
      CHECK(f.total_len > max && f.total_len == f.header_len + f.remaining_len);
      CHECK(f.header_len <= n - pos);
      xb_mqtt_frame g; /* decided from the header alone (XB-MQTT-5) */
      CHECK(xb_mqtt_frame_parse(s + pos, f.header_len, max, &g) == XB_MQTT_TOO_LARGE);
    }
    if (st != XB_MQTT_OK) {
      /* Leftover bytes: body for the decoder the first byte names. */
      const uint8_t *rest = s + pos;
      size_t rn = n - pos;
      decode_body((uint8_t)(rest[0] >> 4), (uint8_t)(rest[0] & 0x0Fu), rest + 1, rn - 1);
      break;
    }
    frame_ok_invariants(s + pos, n - pos, max, &f);
    const uint8_t *body = s + pos + f.header_len;
    if (f.type == XB_MQTT_PINGREQ || f.type == XB_MQTT_DISCONNECT) {
      size_t w = 0;
      no_space_prepare(1);
      no_space_expect(xb_mqtt_encode_pingresp(scratch, 1, &w), 1);
      guard_set(2);
      CHECK(xb_mqtt_encode_pingresp(scratch, 2, &w) == XB_MQTT_OK && w == 2);
      CHECK(scratch[0] == 0xD0 && scratch[1] == 0x00);
      guard_check(2);
    } else {
      decode_body(f.type, f.flags, body, f.remaining_len);
    }
    pos += f.total_len;
  }

  /* Size functions against their definitions, on lengths taken from the input. */
  if (n >= 8) {
    size_t t = (size_t)s[0] << 16 | (size_t)s[1] << 8 | s[2];
    size_t p = (size_t)s[3] << 24 | (size_t)s[4] << 16 | (size_t)s[5] << 8 | s[6];
    size_t hs = 0;
    xb_mqtt_status st = xb_mqtt_publish_header_size(t, p, &hs);
    bool fits = t <= 65535 && 2 + t + p <= XB_MQTT_MAX_REMAINING;
    CHECK(st == (fits ? XB_MQTT_OK : XB_MQTT_TOO_LARGE));
    if (fits) CHECK(hs == 1 + varint_len(2 + t + p) + 2 + t);
    CHECK(xb_mqtt_varint_size(p) == varint_len(p));
    size_t c = p >> (s[7] & 7u);
    size_t ss = xb_mqtt_suback_size(c);
    CHECK(ss == ((c == 0 || 2 + c > XB_MQTT_MAX_REMAINING) ? 0 : 1 + varint_len(2 + c) + 2 + c));
  }
  return 0;
}
