/*
 * test_session_util.h — fixtures for the session tests (test_session*.c): a fresh store
 * with users and feeds, an event loop on a fake clock, an xb_server, and clients on
 * socketpairs (xb_server_adopt) driven by MQTT packets written from MQTT 3.1.1 itself
 * (xb_test_util.h), never through the codec under test.
 */
#ifndef TEST_SESSION_UTIL_H
#define TEST_SESSION_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/xb_api.h"
#include "net/xb_loop.h"
#include "session/xb_session.h"

typedef struct {
  char dir[64];
  char path[128];
  xb_api *api;
  xb_loop *loop;
  xb_server *srv;
  uint64_t clock_ms;        /* the loop's clock (deadlines, keep alive, grace) */
  int64_t now_us;           /* the requests' clock (key expiry, `at`) */
  char alice[XB_API_KEY_TEXT]; /* master key of alice */
  char bob[XB_API_KEY_TEXT];   /* master key of bob */
  char dev[XB_API_KEY_TEXT];   /* alice's device key: get/put/post on feed `pub` only */
  uint32_t pub;             /* public feed of alice, datastream "temp" */
  uint32_t priv;            /* private feed of alice, datastream "temp" */
  int sndbuf;               /* > 0: SO_SNDBUF of the server's end of new socketpairs */
  xb_conn *last_conn;       /* the server's end of the last ts_adopt */
} ts_ctx;

extern ts_ctx TS;

/* Fixture with the given limits (NULL: spec defaults). */
void ts_setup_cfg(const xb_session_config *cfg);
void ts_setup(void);
void ts_teardown(void);

/* Loop turns without waiting; ts_advance moves the loop clock first. */
void ts_turns(int n);
void ts_advance(uint64_t ms);

/* A new client: returns the test's end of the socketpair (non-blocking). */
int ts_adopt(void);
void ts_send(int fd, const void *p, size_t n);
void ts_close(int fd);

typedef struct {
  unsigned type;   /* high nibble */
  unsigned flags;  /* low nibble */
  uint8_t body[1 << 16];
  size_t len;
} ts_pkt;

/* Next packet from the server within max_turns turns: 1, 0 (nothing), -1 (EOF / reset). */
int ts_recv(int fd, ts_pkt *p, int max_turns);
/* The connection ended (EOF) within max_turns turns, with no packet before it. */
bool ts_closed(int fd, int max_turns);
/* Nothing arrives within max_turns turns (and the connection stays open). */
bool ts_silent(int fd, int max_turns);

/* CONNECT helpers. */
typedef struct {
  unsigned level;         /* 3 or 4 (default 4) */
  const char *id;         /* default "c1" */
  const char *user;       /* NULL: none */
  unsigned keepalive;
  bool clean;
  const char *will_topic; /* NULL: no will */
  const char *will_msg;
} ts_conn_opts;

void ts_send_connect(int fd, const ts_conn_opts *o);
/* Adopt, CONNECT, expect CONNACK 00; returns the fd. */
int ts_connect(const char *id, const char *user);
int ts_connect_opts(const ts_conn_opts *o);

void ts_publish(int fd, unsigned qos, unsigned id, const char *topic, const char *payload);
/* SUBSCRIBE with filters NULL-terminated; requested QoS 0 each. */
void ts_subscribe(int fd, unsigned id, const char *filter, ...);
void ts_unsubscribe(int fd, unsigned id, const char *filter);
void ts_packet0(int fd, unsigned first); /* PINGREQ (0xC0), DISCONNECT (0xE0) */
void ts_ack(int fd, unsigned first, unsigned id); /* PUBREL (0x62), PUBACK ... */

/* Expect a packet: SUBACK for id with n codes 00; a PUBLISH on topic (payload, retain). */
void ts_expect_suback(int fd, unsigned id, size_t n);
void ts_expect_ack(int fd, unsigned type, unsigned id);
void ts_expect_pingresp(int fd);
/* Expect a PUBLISH; returns its payload as a NUL-terminated string (static storage). */
const char *ts_expect_publish(int fd, const char *topic, bool retain);

/* The representation of topic as key sees it now (engine GET); NULL when not 200. */
const char *ts_get(const char *topic, const char *key);

/* Stats shortcut. */
xb_server_stats ts_stats(void);

#endif
