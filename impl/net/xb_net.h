/*
 * xb_net.h — listeners and connections on top of xb_loop: the surface the session
 * layer (MQTT) is written against. Nothing here knows MQTT.
 *
 * ---------------------------------------------------------------- lifecycle
 *   xb_net *net = xb_net_create(loop, &cfg);           // cfg from xb_net_config_defaults
 *   xb_net_listen(net, "127.0.0.1:1883", &handlers, arg);
 *   xb_net_listen(net, "[::1]:1883", &handlers, arg);
 *   xb_loop_run(loop);                                   // until SIGTERM (xb_signal.h)
 *   xb_net_destroy(net);                                 // on_close(SHUTDOWN) for each
 *
 * ---------------------------------------------------------------- callbacks
 * on_accept and on_data are required; on_timeout and on_close may be NULL.
 * on_accept(c, over_limit, arg)   a connection exists (peer address known). Return 0 to
 *     keep it (typically after xb_conn_set_user and xb_conn_set_deadline for the CONNECT
 *     timeout), -1 to have it closed at the end of the turn (on_close is then still
 *     called, with XB_CLOSE_LOCAL). over_limit is true when the connection limit
 *     (cfg.max_conns) is already reached: the session may read the CONNECT, answer
 *     CONNACK 0x03 and xb_conn_close(c, XB_CLOSE_FLUSH), or simply return -1. At most
 *     cfg.refuse_slots such connections exist at once; beyond that, and whenever
 *     refuse_slots is 0, the socket is closed at accept without any callback.
 * on_data(c, user)   new bytes are in the input buffer: xb_conn_in(c, &len) gives all
 *     unconsumed bytes; consume complete packets with xb_conn_in_consume. Unconsumed
 *     bytes stay for the next call. The pointer is valid only during the call. When
 *     xb_conn_in_full(c) is true and no complete packet is there, nothing more will be
 *     read (cfg.in_cap reached): the session must close (its packet size limit).
 *     on_data is not called any more once the connection is closing.
 * on_timeout(c, kind, user)   XB_TIMEOUT_DEADLINE: the deadline set with
 *     xb_conn_set_deadline passed (CONNECT timeout, keepalive x1.5); XB_TIMEOUT_SLOW: the
 *     output queue has been full for cfg.slow_grace_ms (spec: disconnect the slow
 *     subscriber). NULL handler: the connection is closed (XB_CLOSE_TIMEOUT).
 * on_close(c, reason, err, user)   exactly once per accepted connection, after the
 *     callbacks of the turn in which the close was decided (never inside them). err is
 *     the errno of XB_CLOSE_ERROR, else 0. The session must drop every pointer to c here
 *     (c is freed right after); it may still read peer address and id, and may send to
 *     OTHER connections (a last will fan-out is fine: those are flushed next turn).
 *
 * ---------------------------------------------------------------- contract
 * - Single-threaded: every call from the loop's thread. xb_net_destroy and
 *   xb_listener_close are not to be called from inside a callback of that net.
 * - Typical session use: on_accept sets the CONNECT timeout (xb_conn_set_deadline(c,
 *   10000)); each complete packet refreshes the keepalive deadline (K * 1500 ms, or 0
 *   for K = 0); on_timeout(DEADLINE) fires the will and closes; CONNACK, SUBACK,
 *   PUBACK, PINGRESP go with XB_SEND_CONTROL; deliveries are rendered once into an
 *   xb_blob and sent with xb_conn_send_blob (the per-subscriber fixed header + topic as
 *   hdr); XB_NET_EFULL => drop and log; on_timeout(SLOW) => log and close.
 * - xb_conn_close never frees: c stays valid until its on_close returns. Closing any
 *   connection from any callback (its own, another's, a timer) is safe. Sends to a
 *   closing connection return XB_NET_ECLOSED and queue nothing.
 * - Sends are queued and written once per turn (before the loop sleeps) with writev
 *   (sendmsg) of up to IOV_MAX pieces; a writable watch exists only while the socket
 *   would block. Each send is atomic against the output bound: all of it is queued or
 *   none (XB_NET_EFULL), so a packet is never half-queued.
 * - Output bound: data sends are refused when queued + n > cfg.out_max (XB-SUB-27);
 *   XB_SEND_CONTROL sends (CONNACK, SUBACK, PUBACK, PINGRESP...) are never refused
 *   (XB-SUB-28), so a subscriber flooded with deliveries still gets its PINGRESP. What
 *   bounds them is backpressure: while more than out_max + ctrl_reserve bytes are
 *   queued the connection is not read, so a client that sends without reading cannot
 *   make the queue grow further (XB-LIM-10). A refused data send marks the queue
 *   congested (xb_conn_full_since); it is unmarked once the queue drains to out_max / 2.
 *   Congested for cfg.slow_grace_ms => on_timeout(XB_TIMEOUT_SLOW) (XB-SUB-29).
 * - Deadlines: one per connection, set/refreshed in O(1) (refresh it on every complete
 *   packet for keepalive). Precision: fires within XB_NET_TICK_MS after it is due.
 *   Implemented as a hashed timer wheel with lazy re-insertion: moving a deadline later
 *   only stores a number; the wheel re-files the connection when its old slot comes up.
 *   Per tick the cost is O(connections filed in that slot); close is O(1).
 * - Memory per idle connection: the ~310-byte struct. Input bytes are read into one
 *   shared buffer and only an incomplete packet is copied into the connection; copied
 *   output goes into pooled 4 KiB chunks shared by consecutive sends and released when
 *   the queue empties.
 * - Accept errors EMFILE/ENFILE/ENOBUFS/ENOMEM pause that listener for 100 ms (logged)
 *   instead of spinning on a listener that stays readable.
 *
 * ---------------------------------------------------------------- transports
 * A transport replaces the plain socket I/O of one connection (TLS, or a test double).
 * Set it from on_accept (before the first read) with xb_conn_set_transport. read and
 * writev return bytes (> 0) or one of XB_IO_*: WANT_READ / WANT_WRITE say which
 * readiness lets the operation progress (TLS may need to write to read, and the other
 * way round); the net layer arms the corresponding watch and retries the operation
 * when it fires. pending() reports bytes already decrypted inside the transport (no fd
 * readiness will announce them). shutdown() is called once, best effort, before a
 * XB_CLOSE_FLUSH close (TLS close_notify). destroy() frees the context; the net layer
 * then closes the fd itself.
 */
#ifndef XB_NET_H
#define XB_NET_H

#include "net/xb_blob.h"
#include "net/xb_loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef struct xb_net xb_net;
typedef struct xb_conn xb_conn;
typedef struct xb_listener xb_listener;

/* Deadline wheel resolution. */
#define XB_NET_TICK_MS 100u

typedef struct {
  uint32_t max_conns;     /* accepted connections served (spec default 10000) */
  uint32_t refuse_slots;  /* extra connections kept only to be refused politely */
  size_t in_cap;          /* input bytes held per connection (>= max packet + 5) */
  size_t out_max;         /* queued output bytes per connection (spec: 1 MiB) */
  size_t ctrl_reserve;    /* queued beyond out_max before reading stops */
  uint64_t slow_grace_ms; /* full queue for this long => XB_TIMEOUT_SLOW (0: never) */
  uint64_t linger_ms;     /* XB_CLOSE_FLUSH waits at most this long for the output */
} xb_net_config;

/* Spec defaults (spec/limits.md): 10000 conns, 64 refuse slots (XB-LIM-5), in_cap
 * 256 KiB (max-packet-size), out_max 1 MiB, ctrl_reserve 64 KiB, slow grace 30 s,
 * linger 5 s. */
void xb_net_config_defaults(xb_net_config *cfg);

typedef enum {
  XB_CLOSE_LOCAL = 0, /* xb_conn_close by the session (or on_accept returned -1) */
  XB_CLOSE_PEER,      /* orderly EOF from the peer */
  XB_CLOSE_ERROR,     /* socket or transport error; err holds errno (or EPROTO) */
  XB_CLOSE_TIMEOUT,   /* a timeout without an on_timeout handler */
  XB_CLOSE_LINGER,    /* XB_CLOSE_FLUSH could not write everything within linger_ms */
  XB_CLOSE_SHUTDOWN   /* xb_net_destroy / xb_listener_close of the whole server */
} xb_close_reason;

typedef enum { XB_TIMEOUT_DEADLINE = 0, XB_TIMEOUT_SLOW } xb_timeout_kind;

typedef struct {
  int (*on_accept)(xb_conn *c, bool over_limit, void *arg);
  void (*on_data)(xb_conn *c, void *user);
  void (*on_timeout)(xb_conn *c, xb_timeout_kind kind, void *user);
  void (*on_close)(xb_conn *c, xb_close_reason reason, int err, void *user);
} xb_conn_handlers;

/* Results of xb_conn_send* (and of other calls returning int). */
enum {
  XB_NET_OK = 0,
  XB_NET_EFULL = -1,   /* output bound reached: nothing queued; apply the slow rule */
  XB_NET_ECLOSED = -2, /* the connection is closing: nothing queued */
  XB_NET_ENOMEM = -3,
  XB_NET_EINVAL = -4   /* blob range outside the blob */
};

/* Flags for sends and closes. */
#define XB_SEND_CONTROL 1u /* a response: never refused for the bound */
#define XB_CLOSE_NOW 0u    /* discard pending output */
#define XB_CLOSE_FLUSH 1u  /* stop reading, write what is queued, then close */

/* Transport results (negative, so a byte count can share the return value). */
#define XB_IO_WANT_READ (-1)
#define XB_IO_WANT_WRITE (-2)
#define XB_IO_EOF (-3)   /* read only: the peer closed cleanly */
#define XB_IO_ERROR (-4) /* errno set */

typedef struct {
  const char *name;
  ssize_t (*read)(void *ctx, int fd, void *buf, size_t len);
  ssize_t (*writev)(void *ctx, int fd, const struct iovec *iov, int iovcnt);
  bool (*pending)(void *ctx);            /* may be NULL */
  int (*shutdown)(void *ctx, int fd);    /* may be NULL; result ignored */
  void (*destroy)(void *ctx);            /* may be NULL */
} xb_transport_ops;

/* ---------------------------------------------------------------- net */
xb_net *xb_net_create(xb_loop *loop, const xb_net_config *cfg); /* NULL cfg: defaults */
/* Closes every listener and connection (best-effort flush, on_close SHUTDOWN). */
void xb_net_destroy(xb_net *net);
xb_loop *xb_net_loop(const xb_net *net);
const xb_net_config *xb_net_get_config(const xb_net *net);

typedef struct {
  uint32_t conns;           /* open (incl. closing and over-limit) connections */
  uint64_t accepted;        /* sockets accepted since start */
  uint64_t refused;         /* closed at accept: over the limit, no refuse slot */
  uint64_t bytes_in, bytes_out;
  uint64_t send_refused;    /* XB_NET_EFULL results */
} xb_net_stats;
void xb_net_get_stats(const xb_net *net, xb_net_stats *out);

/* ---------------------------------------------------------------- listeners */
/*
 * addr: "IPv4:port", "[IPv6]:port" or "host:port" (resolved once, first address used);
 * port 0 picks a free port (see xb_listener_port). IPv6 sockets are IPV6_V6ONLY, so
 * "0.0.0.0:1883" and "[::]:1883" can both be listened on (XB-TRANS-4). SO_REUSEADDR,
 * non-blocking, close-on-exec, backlog SOMAXCONN; accepted sockets get TCP_NODELAY.
 * Returns NULL with errno set (EAFNOSUPPORT/EADDRNOTAVAIL for a host without IPv6) and
 * the reason in xb_net_last_error.
 */
xb_listener *xb_net_listen(xb_net *net, const char *addr, const xb_conn_handlers *h,
                           void *arg);
/* The same, with `transport=TAG` appended to its `listening` line (e.g. "tls", so that
 * scripts tell a TLS listener from a plain one). */
xb_listener *xb_net_listen_tagged(xb_net *net, const char *addr, const xb_conn_handlers *h,
                                  void *arg, const char *tag);
/* Why the last xb_net_listen failed ("listen ADDR: bind: Address already in use"). The
 * net layer logs `listening` for each bound listener (XB-TRANS-6); failures are the
 * caller's to report (exit status, `listen-skipped`). */
const char *xb_net_last_error(const xb_net *net);
uint16_t xb_listener_port(const xb_listener *l);
const char *xb_listener_name(const xb_listener *l); /* "127.0.0.1:1883" */
/* Stops accepting; existing connections stay. */
void xb_listener_close(xb_listener *l);

/* Parse addr as described for xb_net_listen into ss (numeric forms without DNS).
 * Returns 0, or -1 (EINVAL for bad syntax). */
int xb_net_parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sslen);

/* Serve an already connected, stream-type socket (tests, socketpairs). The fd is owned
 * from now on (non-blocking is set). on_accept is called as for a listener (never
 * over_limit). Returns the connection, or NULL if on_accept refused it or on failure
 * (the fd is then closed). */
xb_conn *xb_net_adopt(xb_net *net, int fd, const xb_conn_handlers *h, void *arg);

/* ---------------------------------------------------------------- connections */
uint64_t xb_conn_id(const xb_conn *c);           /* unique per process, from 1 */
int xb_conn_fd(const xb_conn *c);
xb_net *xb_conn_net(const xb_conn *c);
const char *xb_conn_peer(const xb_conn *c);      /* IP text, "local" for AF_UNIX */
uint16_t xb_conn_peer_port(const xb_conn *c);
uint16_t xb_conn_local_port(const xb_conn *c);
void xb_conn_set_user(xb_conn *c, void *user);   /* passed to on_data/timeout/close */
void *xb_conn_user(const xb_conn *c);
void xb_conn_set_transport(xb_conn *c, const xb_transport_ops *ops, void *ctx);
/* The transport of c (NULL: plain socket I/O) and, in *ctx, its context. */
const xb_transport_ops *xb_conn_transport(const xb_conn *c, void **ctx);

/* Input. */
const uint8_t *xb_conn_in(const xb_conn *c, size_t *len);
void xb_conn_in_consume(xb_conn *c, size_t n);   /* n <= len (clamped) */
bool xb_conn_in_full(const xb_conn *c);
/* Stop or resume reading (e.g. while the session waits on something). On resume,
 * bytes already buffered are handed to on_data again (from the hook, same turn). */
void xb_conn_pause_read(xb_conn *c, bool paused);

/* Output. data/hdr are copied; the blob gets its own reference (caller keeps theirs). */
int xb_conn_send(xb_conn *c, const void *data, size_t len, unsigned flags);
int xb_conn_send_blob(xb_conn *c, const void *hdr, size_t hdr_len, xb_blob *b,
                      size_t off, size_t len, unsigned flags);
size_t xb_conn_out_pending(const xb_conn *c);    /* queued bytes */
uint64_t xb_conn_full_since(const xb_conn *c);   /* loop time of first refusal, 0 */
bool xb_conn_write_watched(const xb_conn *c);    /* a writable watch is armed */

/* Deadline in ms from now (0 clears). O(1); see the contract above. */
void xb_conn_set_deadline(xb_conn *c, uint64_t ms);
uint64_t xb_conn_deadline(const xb_conn *c);     /* absolute loop time, 0 = none */

/* Request the close (see the contract). Repeated calls keep the first reason; a NOW
 * after a FLUSH discards the remaining output. */
void xb_conn_close(xb_conn *c, unsigned how);
bool xb_conn_closing(const xb_conn *c);

#endif
