/* xbbench — an MQTT load generator for xbridge and any other MQTT server.
 *
 * Written independently of impl/ on purpose: it must measure any server (mosquitto
 * included) and must not share a codec bug with the bridge it measures. */
#ifndef XBB_H
#define XBB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

/* ------------------------------------------------------------------ payload formats */
typedef enum { XBB_FMT_CSV, XBB_FMT_JSON, XBB_FMT_XML } xbb_fmt;

/* Shape of the publish topic, which decides what a write payload looks like. */
typedef enum { XBB_SHAPE_DATASTREAM, XBB_SHAPE_FEED_V2, XBB_SHAPE_FEED_V1 } xbb_shape;

int xbb_fmt_from_name(const char *name, xbb_fmt *out);
const char *xbb_fmt_name(xbb_fmt f);
xbb_shape xbb_shape_of_topic(const char *topic);
/* Writes the payload carrying `value` (decimal) into buf; returns its length, or 0
 * when cap is too small. */
size_t xbb_payload(unsigned char *buf, size_t cap, xbb_fmt f, xbb_shape s, uint64_t value);
/* Finds the current value in a delivered representation (CSV, JSON or XML, sniffed
 * from the payload) and parses it as an unsigned decimal; false when there is none. */
bool xbb_value_of(const unsigned char *p, size_t n, uint64_t *value);

/* ------------------------------------------------------------------ MQTT 3.1.1 packets */
enum {
    XBB_CONNECT = 1, XBB_CONNACK = 2, XBB_PUBLISH = 3, XBB_PUBACK = 4,
    XBB_SUBSCRIBE = 8, XBB_SUBACK = 9, XBB_PINGREQ = 12, XBB_PINGRESP = 13,
    XBB_DISCONNECT = 14
};

/* Each encoder returns the packet length, or 0 when it does not fit in cap. */
size_t xbb_enc_connect(unsigned char *buf, size_t cap, const char *client_id,
                       const char *username, uint16_t keepalive);
size_t xbb_enc_subscribe(unsigned char *buf, size_t cap, uint16_t packet_id,
                         const char *filter);
size_t xbb_enc_publish(unsigned char *buf, size_t cap, const char *topic, size_t topic_len,
                       bool retain, const unsigned char *payload, size_t payload_len);
size_t xbb_enc_simple(unsigned char *buf, size_t cap, int type);

/* Splits the first whole packet of buf: returns its total length (0 when more bytes
 * are needed, SIZE_MAX when malformed or over max_len) and sets header/body. */
size_t xbb_packet(const unsigned char *buf, size_t len, size_t max_len,
                  unsigned char *header, const unsigned char **body, size_t *body_len);

/* ------------------------------------------------------------------ latency histogram */
#define XBB_HIST_BUCKETS (128 + 64 * 40)
typedef struct {
    uint64_t count[XBB_HIST_BUCKETS];
    uint64_t n;
    uint64_t max;
} xbb_hist;

void xbb_hist_add(xbb_hist *h, uint64_t us);
/* Value at or below which a fraction q of the samples fall (relative error < 1/64). */
uint64_t xbb_hist_quantile(const xbb_hist *h, double q);

/* ------------------------------------------------------------------ connections */
/* PROBE: one extra connection that sends PINGREQ every 100 ms during a run, so the
 * report says whether the server keeps answering under load. */
typedef enum { XBB_ROLE_SUB, XBB_ROLE_PUB, XBB_ROLE_IDLE, XBB_ROLE_PROBE } xbb_role;
typedef enum {
    XBB_ST_TCP,        /* non-blocking connect in progress */
    XBB_ST_TLS,        /* TLS handshake in progress */
    XBB_ST_CONNACK,    /* CONNECT sent, waiting for CONNACK */
    XBB_ST_SUBACK,     /* SUBSCRIBE sent, waiting for SUBACK */
    XBB_ST_READY,
    XBB_ST_DEAD
} xbb_state;

typedef struct {
    int fd;
    xbb_role role;
    xbb_state state;
    unsigned feed;            /* index into the feed table */
    uint32_t index;           /* connection number, for the client id */
    SSL *ssl;
    uint32_t ev;              /* epoll events currently registered */
    bool out_blocked;         /* waiting for EPOLLOUT */
    bool tls_want_write;      /* the TLS layer asked for writability */
    bool in_ready;            /* in the full-speed publisher ready list */
    unsigned char *out;       /* bytes not yet written */
    size_t out_off, out_len, out_cap;
    unsigned char *in;        /* an incomplete packet kept between reads */
    size_t in_len, in_cap;
    uint64_t last_tx_us;      /* for PINGREQ */
    uint64_t last_value;      /* publisher: last embedded timestamp (strictly rising);
                                 subscriber: the value of the last change delivered */
    uint64_t *ring;           /* publisher with --inflight: values not yet delivered */
    uint32_t ring_head, ring_len;
    uint64_t stall_since;     /* publisher: window full since (0: not full) */
    uint64_t sent;            /* publisher: messages encoded */
    uint64_t slots;           /* publisher at a rate: send slots used (sent or skipped) */
    uint64_t received;        /* subscriber: change deliveries */
    uint64_t ping_sent_us;    /* probe: PINGREQ outstanding since (0: none) */
} xbb_conn;

uint64_t xbb_now_us(void);
/* Checks of the parsers, encoders and percentiles (xbb_selftest.c); 0 when all pass. */
int xbb_selftest(void);

#endif
