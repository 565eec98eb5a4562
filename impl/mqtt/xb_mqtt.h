/*
 * xb_mqtt.h — the MQTT 3.1 / 3.1.1 packet codec of xbridge (spec/mqtt.md).
 *
 * Pure functions: no I/O, no malloc, no global state. Decoders take the bytes of one
 * packet and return views into them (offset + length, relative to the start of the
 * buffer they were given), so nothing is copied and nothing outlives the input.
 * Encoders follow the "size first, then serialize into the caller's buffer" pattern
 * and never write past the capacity they are given.
 *
 * The status enum separates "need more bytes" from "malformed": the event loop keeps
 * reading on XB_MQTT_NEED_MORE and closes the connection on XB_MQTT_MALFORMED.
 * Every decoder is proven by Frama-C/WP (proofs/units/mqtt.mk) and fuzzed (fuzz/codec).
 */
#ifndef XB_MQTT_H
#define XB_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mqtt/xb_mqtt_acsl.h" /* ACSL logic only; empty for the compiler */

/* Packet types (fixed header, high nibble of byte 0). */
enum {
  XB_MQTT_CONNECT = 1,
  XB_MQTT_CONNACK = 2,
  XB_MQTT_PUBLISH = 3,
  XB_MQTT_PUBACK = 4,
  XB_MQTT_PUBREC = 5,
  XB_MQTT_PUBREL = 6,
  XB_MQTT_PUBCOMP = 7,
  XB_MQTT_SUBSCRIBE = 8,
  XB_MQTT_SUBACK = 9,
  XB_MQTT_UNSUBSCRIBE = 10,
  XB_MQTT_UNSUBACK = 11,
  XB_MQTT_PINGREQ = 12,
  XB_MQTT_PINGRESP = 13,
  XB_MQTT_DISCONNECT = 14
};

/* Protocol levels served (XB-MQTT: 3 = MQTT 3.1 "MQIsdp", 4 = MQTT 3.1.1 "MQTT"). */
enum { XB_MQTT_LEVEL_31 = 3, XB_MQTT_LEVEL_311 = 4 };

/* CONNACK return codes [MQTT-3.2.2]. */
enum {
  XB_CONNACK_ACCEPTED = 0,
  XB_CONNACK_BAD_PROTOCOL = 1,
  XB_CONNACK_ID_REJECTED = 2,
  XB_CONNACK_UNAVAILABLE = 3,
  XB_CONNACK_BAD_CREDENTIALS = 4,
  XB_CONNACK_NOT_AUTHORIZED = 5
};

/* Largest remaining length the 4-byte variable integer can carry [MQTT-2.2.3]. */
#define XB_MQTT_MAX_REMAINING 268435455u
/* Longest fixed header: 1 type byte + 4 remaining-length bytes. */
#define XB_MQTT_MAX_FIXED_HEADER 5u

typedef enum {
  XB_MQTT_OK = 0,          /* complete and valid */
  XB_MQTT_NEED_MORE,       /* framing: a valid prefix; read more bytes */
  XB_MQTT_MALFORMED,       /* protocol violation: close the connection, no reply */
  XB_MQTT_TOO_LARGE,       /* framing: packet exceeds the caller's limit: close */
  XB_MQTT_BAD_PROTOCOL,    /* CONNECT: known name but level not served: CONNACK 0x01 */
  XB_MQTT_BAD_CLIENT_ID,   /* CONNECT: client id refused by protocol rule: CONNACK 0x02 */
  XB_MQTT_NO_SPACE         /* encoder: output capacity too small, nothing written */
} xb_mqtt_status;

/* A view into the buffer handed to the decoder: bytes [off, off + len). */
typedef struct {
  size_t off;
  size_t len;
} xb_span;

/* Result of framing: the fixed header of one packet. */
typedef struct {
  uint8_t type;         /* XB_MQTT_CONNECT .. XB_MQTT_DISCONNECT */
  uint8_t flags;        /* low nibble of byte 0 */
  size_t header_len;    /* 2 .. 5: type byte + remaining-length bytes */
  size_t remaining_len; /* decoded remaining length */
  size_t total_len;     /* header_len + remaining_len */
} xb_mqtt_frame;

/*
 * Frame one packet from the bytes received so far (buf[0 .. len-1]).
 * XB_MQTT_OK: a complete packet of out->total_len bytes starts at buf (len may hold more).
 * XB_MQTT_NEED_MORE: everything so far is a valid prefix.
 * XB_MQTT_MALFORMED: reserved/server-never-receives type, bad fixed-header flags for the
 *   type, remaining length over 4 bytes or not minimally encoded, or a remaining length
 *   invalid for the type (e.g. PINGREQ with a body) — detected as soon as the header is in.
 * XB_MQTT_TOO_LARGE: total_len would exceed max_packet; reported as soon as the
 *   remaining-length bytes are in, before any of the body arrives.
 * out is written only on XB_MQTT_OK (and on TOO_LARGE, for logging).
 */
xb_mqtt_status xb_mqtt_frame_parse(const uint8_t *buf, size_t len, size_t max_packet,
                                   xb_mqtt_frame *out);

/* Decoded CONNECT; spans are relative to the body given to the decoder. */
typedef struct {
  uint8_t level;        /* 3 or 4 */
  bool clean_session;
  bool will_flag;
  uint8_t will_qos;     /* 0..2 */
  bool will_retain;
  bool username_flag;
  bool password_flag;
  uint16_t keepalive;   /* seconds; 0 = disabled */
  xb_span client_id;    /* UTF-8 validated */
  xb_span will_topic;   /* UTF-8 validated, no wildcard; len 0 when !will_flag */
  xb_span will_payload; /* binary */
  xb_span username;     /* UTF-8 validated */
  xb_span password;     /* binary, ignored by the bridge */
} xb_mqtt_connect;

/*
 * Decode the body (variable header + payload) of a CONNECT, body[0 .. len-1] being
 * exactly remaining_len bytes; flags is the fixed-header low nibble (must be 0).
 * XB_MQTT_BAD_PROTOCOL: the name is "MQTT" or "MQIsdp" but the level is not the one
 *   served for it (out->level is set so the caller can log it).
 * XB_MQTT_BAD_CLIENT_ID: level 3 with an id of 0 or more than 23 bytes; level 4 with
 *   an empty id and clean_session = 0 [MQTT-3.1.3-8].
 * XB_MQTT_MALFORMED: anything else that breaks a rule (unknown name, reserved flag,
 *   will flags, password without username, bad UTF-8, truncated or trailing bytes).
 */
xb_mqtt_status xb_mqtt_decode_connect(const uint8_t *body, size_t len, uint8_t flags,
                                      xb_mqtt_connect *out);

typedef struct {
  uint8_t qos;          /* 0..2 */
  bool dup;
  bool retain;
  uint16_t packet_id;   /* 0 when qos == 0, else non-zero */
  xb_span topic;        /* UTF-8 validated, non-empty, no wildcard */
  xb_span payload;      /* the rest of the body */
} xb_mqtt_publish;

/* Decode a PUBLISH body; flags = fixed-header low nibble (DUP, QoS, RETAIN). */
xb_mqtt_status xb_mqtt_decode_publish(const uint8_t *body, size_t len, uint8_t flags,
                                      xb_mqtt_publish *out);

/*
 * Decode PUBACK / PUBREC / PUBREL / PUBCOMP: type selects the flag rule (PUBREL must
 * carry 0010, the others 0000); the body is exactly a non-zero packet identifier.
 */
xb_mqtt_status xb_mqtt_decode_ack(uint8_t type, const uint8_t *body, size_t len,
                                  uint8_t flags, uint16_t *packet_id);

/*
 * SUBSCRIBE / UNSUBSCRIBE: the decoder validates the whole packet (flags 0010, non-zero
 * packet id, at least one entry, each filter non-empty valid UTF-8, requested QoS byte
 * 0..2 with reserved bits 0 for SUBSCRIBE) and reports how many entries it holds.
 * Entries are then read with xb_mqtt_next_filter(), which cannot fail on a body that
 * xb_mqtt_decode_subscribe/unsubscribe accepted.
 */
typedef struct {
  uint16_t packet_id;
  size_t count;         /* >= 1 */
  size_t first;         /* offset of the first entry in the body */
} xb_mqtt_subscribe;

xb_mqtt_status xb_mqtt_decode_subscribe(const uint8_t *body, size_t len, uint8_t flags,
                                        xb_mqtt_subscribe *out);
xb_mqtt_status xb_mqtt_decode_unsubscribe(const uint8_t *body, size_t len, uint8_t flags,
                                          xb_mqtt_subscribe *out);

/*
 * Read the entry at body[*pos]: its filter span and (SUBSCRIBE only, with_qos) its
 * requested QoS; advances *pos past the entry. XB_MQTT_MALFORMED if the entry does not
 * fit (only possible on a body the decoders did not accept).
 */
xb_mqtt_status xb_mqtt_next_filter(const uint8_t *body, size_t len, bool with_qos,
                                   size_t *pos, xb_span *filter, uint8_t *qos);

/* PINGREQ and DISCONNECT have no body and flags 0; framing already checks both. */

/* ---------------------------------------------------------------- validation */

/*
 * MQTT UTF-8 string rule [MQTT-1.5.3-1..3]: well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF) and no U+0000.
 */
bool xb_utf8_valid_mqtt(const uint8_t *s, size_t len);

/* True when the topic contains '+' or '#' [MQTT-3.3.2-2, MQTT-4.7.1]. */
bool xb_mqtt_has_wildcard(const uint8_t *s, size_t len);

/* ---------------------------------------------------------------- encoders */

/* Number of bytes of the variable-length encoding of n (1..4); 0 if n is too large. */
size_t xb_mqtt_varint_size(size_t remaining_len);

/* CONNACK: always 4 bytes. session_present must be false unless code == 0. */
xb_mqtt_status xb_mqtt_encode_connack(uint8_t *buf, size_t cap, bool session_present,
                                      uint8_t code, size_t *written);

/*
 * PUBLISH at QoS 0, in two parts so one rendered payload can be shared by every
 * subscriber (written with writev): the header part holds the fixed header, the topic
 * length and the topic; the payload follows it on the wire.
 * xb_mqtt_publish_header_size() sets *size to the header part's length and returns
 * XB_MQTT_OK, or XB_MQTT_TOO_LARGE if the whole packet would not fit the MQTT limit
 * (topic_len > 65535 or remaining length > XB_MQTT_MAX_REMAINING).
 */
xb_mqtt_status xb_mqtt_publish_header_size(size_t topic_len, size_t payload_len,
                                           size_t *size);
xb_mqtt_status xb_mqtt_encode_publish_header(uint8_t *buf, size_t cap,
                                             const uint8_t *topic, size_t topic_len,
                                             size_t payload_len, bool retain,
                                             size_t *written);

/* PUBACK, PUBREC, PUBCOMP, UNSUBACK: 4 bytes, type selects the packet (PUBREL is never
 * sent by the server, the bridge delivers at QoS 0 only). */
xb_mqtt_status xb_mqtt_encode_ack(uint8_t *buf, size_t cap, uint8_t type,
                                  uint16_t packet_id, size_t *written);

/* SUBACK with one return code per filter (0x00..0x02 or 0x80). */
size_t xb_mqtt_suback_size(size_t count); /* 0 if count is 0 or too large */
xb_mqtt_status xb_mqtt_encode_suback(uint8_t *buf, size_t cap, uint16_t packet_id,
                                     const uint8_t *codes, size_t count,
                                     size_t *written);

/* PINGRESP: 2 bytes. */
xb_mqtt_status xb_mqtt_encode_pingresp(uint8_t *buf, size_t cap, size_t *written);

#endif
