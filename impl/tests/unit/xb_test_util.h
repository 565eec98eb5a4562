/*
 * Small helpers shared by the unit tests: a growable byte builder and MQTT packet
 * builders. They are written from MQTT 3.1.1 / 3.1 (not from impl/mqtt/), so the tests
 * stay an independent oracle of the codec. Everything is static inline: each test file
 * takes what it uses.
 */
#ifndef XB_TEST_UTIL_H
#define XB_TEST_UTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte string; tests abort on allocation failure. */
typedef struct {
  uint8_t *p;
  size_t len;
  size_t cap;
} xb_tb;

static inline void xb_tb_init(xb_tb *b) {
  b->p = NULL;
  b->len = 0;
  b->cap = 0;
}

static inline void xb_tb_free(xb_tb *b) {
  free(b->p);
  xb_tb_init(b);
}

static inline void xb_tb_reserve(xb_tb *b, size_t extra) {
  if (b->len + extra <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra) cap *= 2;
  uint8_t *p = realloc(b->p, cap);
  ck_assert_ptr_nonnull(p);
  b->p = p;
  b->cap = cap;
}

static inline void xb_tb_u8(xb_tb *b, unsigned v) {
  xb_tb_reserve(b, 1);
  b->p[b->len++] = (uint8_t)(v & 0xffu);
}

static inline void xb_tb_u16(xb_tb *b, unsigned v) {
  xb_tb_u8(b, (v >> 8) & 0xffu);
  xb_tb_u8(b, v & 0xffu);
}

static inline void xb_tb_bytes(xb_tb *b, const void *src, size_t n) {
  if (n == 0) return;
  xb_tb_reserve(b, n);
  memcpy(b->p + b->len, src, n);
  b->len += n;
}

static inline void xb_tb_fill(xb_tb *b, uint8_t byte, size_t n) {
  if (n == 0) return;
  xb_tb_reserve(b, n);
  memset(b->p + b->len, byte, n);
  b->len += n;
}

/* An MQTT string / binary field: 2-byte big-endian length then the bytes [§1.5.3]. */
static inline void xb_tb_str(xb_tb *b, const void *s, size_t n) {
  xb_tb_u16(b, (unsigned)n);
  xb_tb_bytes(b, s, n);
}

static inline void xb_tb_cstr(xb_tb *b, const char *s) { xb_tb_str(b, s, strlen(s)); }

/* Remaining length, minimally encoded, as MQTT 3.1.1 §2.2.3 gives the algorithm. */
static inline void xb_tb_varint(xb_tb *b, size_t x) {
  do {
    unsigned digit = (unsigned)(x % 128u);
    x /= 128u;
    if (x > 0) digit |= 0x80u;
    xb_tb_u8(b, digit);
  } while (x > 0);
}

/* A whole packet: first byte, remaining length of body, body. */
static inline void xb_tb_packet(xb_tb *out, unsigned first, const uint8_t *body, size_t n) {
  xb_tb_u8(out, first);
  xb_tb_varint(out, n);
  xb_tb_bytes(out, body, n);
}

/* ------------------------------------------------------------------ CONNECT */

/* A CONNECT body described field by field; the flags byte is given explicitly so a test
 * can make it disagree with the fields present. */
typedef struct {
  const char *name;      /* protocol name: "MQTT", "MQIsdp", ... */
  size_t name_len;       /* used when name_raw is set (names with odd bytes) */
  bool name_raw;
  unsigned level;
  unsigned flags;
  unsigned keepalive;
  const uint8_t *client_id;
  size_t client_id_len;
  bool has_will;
  const uint8_t *will_topic;
  size_t will_topic_len;
  const uint8_t *will_msg;
  size_t will_msg_len;
  bool has_user;
  const uint8_t *user;
  size_t user_len;
  bool has_pass;
  const uint8_t *pass;
  size_t pass_len;
} xb_connect_spec;

/* Connect flag bits [§3.1.2.3]. */
#define XB_CF_RESERVED 0x01u
#define XB_CF_CLEAN 0x02u
#define XB_CF_WILL 0x04u
#define XB_CF_WILL_QOS1 0x08u
#define XB_CF_WILL_QOS2 0x10u
#define XB_CF_WILL_QOS3 0x18u
#define XB_CF_WILL_RETAIN 0x20u
#define XB_CF_PASSWORD 0x40u
#define XB_CF_USERNAME 0x80u

#define XB_U8(s) ((const uint8_t *)(s))

/* A minimal valid CONNECT at level 4 ("MQTT") or 3 ("MQIsdp"), clean session, id "c1". */
static inline xb_connect_spec xb_connect_default(unsigned level) {
  xb_connect_spec c;
  memset(&c, 0, sizeof c);
  c.name = level == 3 ? "MQIsdp" : "MQTT";
  c.level = level;
  c.flags = XB_CF_CLEAN;
  c.keepalive = 60;
  c.client_id = XB_U8("c1");
  c.client_id_len = 2;
  return c;
}

static inline void xb_connect_body(xb_tb *b, const xb_connect_spec *c) {
  if (c->name_raw)
    xb_tb_str(b, c->name, c->name_len);
  else
    xb_tb_cstr(b, c->name);
  xb_tb_u8(b, c->level);
  xb_tb_u8(b, c->flags);
  xb_tb_u16(b, c->keepalive);
  xb_tb_str(b, c->client_id, c->client_id_len);
  if (c->has_will) {
    xb_tb_str(b, c->will_topic, c->will_topic_len);
    xb_tb_str(b, c->will_msg, c->will_msg_len);
  }
  if (c->has_user) xb_tb_str(b, c->user, c->user_len);
  if (c->has_pass) xb_tb_str(b, c->pass, c->pass_len);
}

/* Offset of the client id length field in a CONNECT body: name field + level + flags +
 * keep alive. */
static inline size_t xb_connect_payload_off(const xb_connect_spec *c) {
  size_t n = c->name_raw ? c->name_len : strlen(c->name);
  return 2 + n + 1 + 1 + 2;
}

/* ------------------------------------------------------------------ guards */

/* Encoder buffers are surrounded by guard bytes to catch writes outside [0, cap). */
#define XB_GUARD 0xA5u
#define XB_GUARD_LEN 16u

static inline bool xb_all_bytes(const uint8_t *p, size_t n, uint8_t v) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != v) return false;
  return true;
}

/* ------------------------------------------------------------------ samples */

/* A valid packet of each type a server receives (level selects CONNECT's dialect):
 * CONNECT with will (QoS 1, retain), user name and password; PUBLISH QoS 1 with
 * packet id 7; the acks with id 0x1234; SUBSCRIBE with two entries; UNSUBSCRIBE with
 * two filters; PINGREQ; DISCONNECT. Returns false for a type a server never receives. */
static inline bool xb_sample_packet(xb_tb *out, unsigned type, unsigned level) {
  xb_tb body;
  xb_tb_init(&body);
  unsigned flags = 0;
  switch (type) {
  case 1: {
    xb_connect_spec c = xb_connect_default(level);
    c.flags = XB_CF_CLEAN | XB_CF_WILL | XB_CF_WILL_QOS1 | XB_CF_WILL_RETAIN |
              XB_CF_USERNAME | XB_CF_PASSWORD;
    c.has_will = true;
    c.will_topic = XB_U8("/v2/feeds/504.json");
    c.will_topic_len = 18;
    c.will_msg = XB_U8("{\"x\":1}");
    c.will_msg_len = 7;
    c.has_user = true;
    c.user = XB_U8("KEY123");
    c.user_len = 6;
    c.has_pass = true;
    c.pass = XB_U8("pw");
    c.pass_len = 2;
    xb_connect_body(&body, &c);
    break;
  }
  case 3:
    flags = 0x2; /* QoS 1 */
    xb_tb_cstr(&body, "/v2/feeds/504.csv");
    xb_tb_u16(&body, 7);
    xb_tb_bytes(&body, "0,12\n", 5);
    break;
  case 4: case 5: case 7:
    xb_tb_u16(&body, 0x1234);
    break;
  case 6:
    flags = 0x2;
    xb_tb_u16(&body, 0x1234);
    break;
  case 8:
    flags = 0x2;
    xb_tb_u16(&body, 9);
    xb_tb_cstr(&body, "/v2/feeds/504.json");
    xb_tb_u8(&body, 0);
    xb_tb_cstr(&body, "a/+/#");
    xb_tb_u8(&body, 2);
    break;
  case 10:
    flags = 0x2;
    xb_tb_u16(&body, 11);
    xb_tb_cstr(&body, "/v2/feeds/504.json");
    xb_tb_cstr(&body, "x");
    break;
  case 12: case 14:
    break;
  default:
    xb_tb_free(&body);
    return false;
  }
  xb_tb_packet(out, (type << 4) | flags, body.p, body.len);
  xb_tb_free(&body);
  return true;
}

/* The fixed-header flags MQTT 3.1.1 §2.2.2 fixes for each type a server receives
 * (PUBLISH excluded: its flags carry DUP/QoS/RETAIN). */
static inline unsigned xb_required_flags(unsigned type) {
  return (type == 6 || type == 8 || type == 10) ? 0x2u : 0x0u;
}

#endif
