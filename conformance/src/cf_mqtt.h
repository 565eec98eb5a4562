/*
 * cf_mqtt — the conformance suite's own MQTT 3.1 / 3.1.1 client.
 *
 * Written from the MQTT 3.1.1 standard, independently of impl/ (the bridge's codec must
 * never vouch for itself). It builds well-formed packets and deliberately malformed
 * ones, reads what a bridge sends back and checks the server's framing strictly, and
 * records every byte exchanged so that a failing test can show it (-v).
 */
#ifndef CF_MQTT_H
#define CF_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Packet types (MQTT 3.1.1 §2.2.1). */
enum {
  CF_CONNECT = 1, CF_CONNACK = 2, CF_PUBLISH = 3, CF_PUBACK = 4, CF_PUBREC = 5,
  CF_PUBREL = 6, CF_PUBCOMP = 7, CF_SUBSCRIBE = 8, CF_SUBACK = 9, CF_UNSUBSCRIBE = 10,
  CF_UNSUBACK = 11, CF_PINGREQ = 12, CF_PINGRESP = 13, CF_DISCONNECT = 14
};

/* A growable byte string. */
typedef struct cf_buf {
  uint8_t *p;
  size_t len, cap;
} cf_buf;

void cf_buf_put(cf_buf *b, const void *data, size_t n);
void cf_buf_u8(cf_buf *b, unsigned v);
void cf_buf_u16(cf_buf *b, unsigned v);
/* An MQTT string: 2-byte length then the bytes (n may exceed what the length says only
 * when the caller builds a malformed packet on purpose with cf_buf_put). */
void cf_buf_str(cf_buf *b, const char *s, size_t n);
void cf_buf_cstr(cf_buf *b, const char *s);
void cf_buf_free(cf_buf *b);
/* Fixed header byte, minimal remaining length, then body: a complete packet. */
void cf_frame(cf_buf *out, unsigned first_byte, const cf_buf *body);

/* A packet received from the bridge. For PUBLISH the fields below the line are decoded. */
typedef struct cf_pkt {
  unsigned type, flags;
  uint8_t *raw; /* the whole packet as received */
  size_t rawlen;
  const uint8_t *body;
  size_t bodylen;
  /* PUBLISH */
  char *topic; /* NUL-terminated copy */
  size_t topiclen;
  unsigned qos, dup, retain, id;
  char *payload; /* NUL-terminated copy (payload may itself contain NUL bytes) */
  size_t paylen;
} cf_pkt;

void cf_pkt_free(cf_pkt *p);

typedef enum cf_rr {
  CF_RX_OK = 0,      /* a packet */
  CF_RX_TIMEOUT = 1, /* nothing complete within the time */
  CF_RX_CLOSED = 2,  /* end of stream or reset, no partial packet pending */
  CF_RX_BAD = 3      /* the bridge sent bytes that are not a valid server packet */
} cf_rr;

typedef struct cf_conn cf_conn;

/* A connected TCP socket (TCP_NODELAY) or -1 with why set. */
int cf_tcp_connect(const char *host, const char *port, char *why, size_t whylen);

/* Connection establishment. NULL when the TCP (or TLS) connection fails; why is set. */
cf_conn *cf_conn_open(const char *label, char *why, size_t whylen);
/* Wrap an established socket (and TLS session, or NULL) in a connection. */
struct cf_tls;
cf_conn *cf_conn_wrap(int fd, struct cf_tls *tls, const char *label);
void cf_conn_close(cf_conn *c);  /* close the socket without DISCONNECT; frees */
const char *cf_conn_label(const cf_conn *c);
int cf_conn_fd(const cf_conn *c);

/* Raw output. false when the bridge closed the socket before all bytes were written. */
bool cf_send(cf_conn *c, const void *data, size_t n);
bool cf_send_buf(cf_conn *c, const cf_buf *b);
/* One byte at a time with a flush between, to exercise the bridge's reassembly. */
bool cf_send_trickle(cf_conn *c, const void *data, size_t n);

/* Read the next packet within timeout_ms. On CF_RX_BAD, why describes the fault. */
cf_rr cf_recv(cf_conn *c, int timeout_ms, cf_pkt *out, char *why, size_t whylen);
/* True when the peer has closed (end of stream or reset) within timeout_ms and sent no
 * further byte; *extra gets the number of bytes that arrived before the close. */
bool cf_wait_closed(cf_conn *c, int timeout_ms, size_t *extra);

/* CONNECT options. Zero-initialise, then set what differs from a clean level-4 CONNECT. */
typedef struct cf_connect_opts {
  int level;              /* 0 means 4 (level_zero sends a literal 0) */
  bool level_zero;
  const char *proto;      /* NULL: "MQTT" for level 4, "MQIsdp" for level 3 */
  const char *client_id;  /* NULL: a unique one; "" for the empty id */
  size_t client_id_len;   /* 0: strlen(client_id) */
  bool persistent;        /* clean session 0 */
  unsigned keepalive;     /* 0 means 60 unless keepalive_zero */
  bool keepalive_zero;
  const char *user;       /* NULL: no user name flag */
  const char *pass;       /* NULL: no password flag */
  size_t pass_len;        /* 0: strlen(pass) */
  const char *will_topic; /* NULL: no will */
  const char *will_msg;
  size_t will_len; /* 0: strlen(will_msg) */
  unsigned will_qos;
  bool will_retain;
  bool raw_flags; /* send `flags` as the connect flags byte, whatever the fields say */
  unsigned flags;
} cf_connect_opts;

void cf_build_connect(cf_buf *out, const cf_connect_opts *o);
/* A client id unique to this process and call, at most 23 bytes. */
void cf_unique_id(char *out, size_t n);

/* PUBLISH with any flags (the caller picks malformed combinations on purpose). */
void cf_build_publish(cf_buf *out, const char *topic, size_t topiclen, const void *payload,
                      size_t paylen, unsigned qos, bool retain, bool dup, unsigned id);
/* SUBSCRIBE of n filters, requested QoS qos[i] (NULL: all 0). */
void cf_build_subscribe(cf_buf *out, unsigned id, const char *const *filters, size_t n,
                        const unsigned *qos);
void cf_build_unsubscribe(cf_buf *out, unsigned id, const char *const *filters, size_t n);

/* A readable rendering of a packet or of raw bytes for failure messages. */
void cf_describe(const cf_pkt *p, char *out, size_t n);
void cf_escape(const void *data, size_t len, char *out, size_t n);
const char *cf_type_name(unsigned type);

/* Where the transcript of the bytes exchanged goes (-v); -1 disables it. */
void cf_transcript_fd(int fd);
void cf_transcript_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Network target, set once by main before the tests run. */
typedef struct cf_target {
  const char *host;
  const char *port;
  bool tls;
  const char *cafile;
} cf_target;
extern cf_target cf_net;

#endif
