/*
 * xb_session.h — the MQTT server of xbridge: sessions, subscriptions, fan-out, last will.
 *
 * An xb_server sits between the net layer (net/xb_net.h: sockets, output queues,
 * deadlines) and the API engine (api/xb_api.h: requests against the store). It owns one
 * xb_net and serves every connection of it:
 *   - CONNECT at levels 3 and 4 (spec/mqtt.md §3, spec/auth.md §2), CONNECT timeout,
 *     keep alive x1.5, PINGREQ, DISCONNECT, client id takeover;
 *   - PUBLISH -> PUT / POST through the engine (spec/mapping.md), QoS 1 / 2 acknowledged
 *     after the batch commit (XB-MAP-17), QoS 2 packet ids awaiting PUBREL (XB-LIM-6);
 *   - SUBSCRIBE -> SUBACK, then the current state (RETAIN=1), then change notifications
 *     rendered once per (target, version, format, query) (spec/subscribe.md);
 *   - last will executed as a PUBLISH when a connection ends without DISCONNECT
 *     (spec/will.md).
 *
 * Batching (spec/persistence.md XB-STORE-9, XB-STORE-10): the requests of one loop turn
 * run in one engine batch opened at the first request of the turn. Everything the turn
 * produces for clients (CONNACK, SUBACK, PUBACK, initial states, notifications ...) is
 * held in a pending list in production order and handed to the connections by a
 * before-sleep hook right after the commit, which runs before the net layer's flush
 * hook. A failed commit discards the notifications and closes the connections whose
 * QoS 1/2 writes it lost (XB-STORE-11, XB-ERR-45).
 *
 * Single-threaded, like the loop it runs on.
 */
#ifndef XB_SESSION_H
#define XB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/xb_api.h"
#include "net/xb_loop.h"
#include "net/xb_net.h"

/* The limits of spec/limits.md §1 that the session layer enforces. */
typedef struct {
  size_t max_packet;          /* max-packet-size, fixed header included (XB-LIM-1) */
  size_t max_payload;         /* max-payload-size (XB-LIM-2; the engine checks it too) */
  size_t max_topic;           /* max-topic-length (XB-TOPIC-1) */
  size_t max_client_id;       /* max-client-id-length, level 4 (XB-MQTT-31) */
  uint32_t max_connections;   /* max-connections (XB-LIM-4) */
  uint32_t max_subscriptions; /* max-subscriptions (XB-SUB-24) */
  uint32_t max_inflight_qos2; /* max-inflight-qos2 (XB-LIM-6) */
  uint32_t keepalive_min;     /* keepalive-min (XB-LIM-7) */
  uint32_t keepalive_max;     /* keepalive-max (XB-LIM-7) */
  uint32_t connect_timeout;   /* connect-timeout, seconds (XB-MQTT-17) */
  size_t output_queue;        /* output-queue-size (XB-SUB-27) */
  uint32_t slow_grace;        /* slow-subscriber-grace, seconds (XB-SUB-29) */
  uint32_t batch_max;         /* requests per batch (XB-STORE-12), 1000 */
} xb_session_config;

/* The defaults of spec/limits.md. */
void xb_session_config_default(xb_session_config *cfg);

typedef struct xb_server xb_server;

/* Counters, for logs and tests (render-once is checked through `renders`). */
typedef struct {
  uint64_t connections;   /* sessions created */
  uint64_t requests;      /* API requests executed (reads, writes, wills) */
  uint64_t batches;       /* batches committed */
  uint64_t batch_failures;
  uint64_t renders;       /* change notifications rendered (once per group and change) */
  uint64_t deliveries;    /* PUBLISH packets queued to clients */
  uint64_t dropped;       /* deliveries dropped for a full output queue */
  uint64_t authz_checks;  /* per-subscriber permission checks that reached the engine */
  uint64_t wills;         /* wills executed */
  uint32_t sessions;      /* sessions alive */
  uint32_t groups;        /* subscription groups in the fan-out index */
  size_t pending;         /* items waiting for the end of the turn */
} xb_server_stats;

/*
 * Create the server on loop, using api (not owned) and a net of its own built from cfg.
 * Must be called before anything else adds a before-sleep hook that flushes sockets:
 * the server's commit hook has to run before the net layer's flush (XB-STORE-10), so
 * xb_server_create registers its hook, then creates the net. NULL on failure.
 */
xb_server *xb_server_create(xb_loop *loop, xb_api *api, const xb_session_config *cfg);

/* Listen on addr ("127.0.0.1:1883", "[::1]:0"); NULL with xb_net_last_error set. */
xb_listener *xb_server_listen(xb_server *srv, const char *addr);

/*
 * A secure transport for some listeners (TLS: impl/tls/xb_tls.h provides one; the
 * program wires it). The session layer sees only these hooks, never the TLS library.
 *   attach(arg, c, done)   make c, just accepted, a secure connection; the transport
 *       calls done(c, NULL) when its handshake completes, done(c, why) when it fails.
 *       0, or -1 (c is then closed).
 *   conn_error(arg, c)     why the transport of c failed (for the close's log line),
 *       or NULL; may be NULL.
 * Until done, the connection's deadline is handshake_timeout_ms (XB-TRANS-14); at
 * done(c, NULL) the CONNECT timeout starts (XB-TRANS-20). A failed handshake is closed
 * and logged `tls-handshake`, an expired one `tls-handshake-timeout` (XB-ERR-24).
 * After the handshake the connection is served exactly as a plain one (XB-TRANS-7).
 */
typedef void (*xb_secure_done_fn)(xb_conn *c, const char *fail_detail);
typedef struct {
  uint32_t handshake_timeout_ms;
  int (*attach)(void *arg, xb_conn *c, xb_secure_done_fn done);
  const char *(*conn_error)(void *arg, const xb_conn *c);
  void *arg;
} xb_server_secure;

/* Listen on addr with the secure transport sec (copied; the secure listeners of a
 * server share the last one given). Its `listening` line ends with transport=tls. */
xb_listener *xb_server_listen_secure(xb_server *srv, const char *addr,
                                     const xb_server_secure *sec);

/* Serve an already connected socket (tests, fuzzing: one end of a socketpair). */
xb_conn *xb_server_adopt(xb_server *srv, int fd);
/* The same through the secure transport sec (tests). */
xb_conn *xb_server_adopt_secure(xb_server *srv, int fd, const xb_server_secure *sec);

xb_net *xb_server_net(xb_server *srv);
const xb_session_config *xb_server_config(const xb_server *srv);
void xb_server_get_stats(const xb_server *srv, xb_server_stats *out);

/*
 * The clock of requests (XB-SCOPE-16): microseconds since 1970 UTC. NULL restores the
 * real-time clock. Tests use it to move time (key expiry, feed status).
 */
void xb_server_set_clock(xb_server *srv, int64_t (*fn)(void *), void *arg);

/*
 * Orderly stop (XB-SCOPE-12): commit the pending batch, discard pending output, close
 * every connection without will (XB-WILL-6), destroy the net. The store stays open
 * (the caller closes the engine: XB-STORE-16). Idempotent.
 */
void xb_server_shutdown(xb_server *srv);

/* Shutdown if needed, then free everything. NULL is ignored. */
void xb_server_destroy(xb_server *srv);

#endif
