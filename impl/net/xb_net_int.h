/*
 * xb_net_int.h — structures shared by xb_net.c, xb_conn.c and xb_listen.c. Not part of
 * the API: the session layer includes xb_net.h only.
 */
#ifndef XB_NET_INT_H
#define XB_NET_INT_H

#include "net/xb_net.h"

#include <netinet/in.h>

/* Intrusive doubly-linked list with a sentinel: O(1) unlink from any list a connection
 * is on, which is what makes close O(1) everywhere. */
typedef struct xb_dnode {
  struct xb_dnode *prev, *next;
} xb_dnode;

static inline void xb_dl_init(xb_dnode *h) { h->prev = h->next = h; }
static inline bool xb_dl_empty(const xb_dnode *h) { return h->next == h; }
static inline bool xb_dl_linked(const xb_dnode *n) { return n->next != NULL; }
static inline void xb_dl_push(xb_dnode *h, xb_dnode *n) {
  n->prev = h->prev;
  n->next = h;
  h->prev->next = n;
  h->prev = n;
}
static inline void xb_dl_unlink(xb_dnode *n) {
  if (n->next == NULL) return;
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->prev = n->next = NULL;
}
/* Moves every node of src to the empty list dst. */
static inline void xb_dl_splice(xb_dnode *dst, xb_dnode *src) {
  xb_dl_init(dst);
  if (xb_dl_empty(src)) return;
  dst->next = src->next;
  dst->prev = src->prev;
  dst->next->prev = dst;
  dst->prev->next = dst;
  xb_dl_init(src);
}

#define XB_CONTAINER(ptr, type, member) \
  ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Connection flags. */
enum {
  XB_CONNF_CLOSING = 1u << 0,
  XB_CONNF_CLOSE_FLUSH = 1u << 1,
  XB_CONNF_OVER_LIMIT = 1u << 2,
  XB_CONNF_DIRTY = 1u << 3,          /* on net->dirty */
  XB_CONNF_WRITE_BLOCKED = 1u << 4,  /* the socket would block: wait for writable */
  XB_CONNF_READ_WANTS_WRITE = 1u << 5,
  XB_CONNF_WRITE_WANTS_READ = 1u << 6,
  XB_CONNF_PAUSED = 1u << 7,         /* xb_conn_pause_read */
  XB_CONNF_IN_SCRATCH = 1u << 8,     /* on_data is looking at net->scratch */
  XB_CONNF_READ_PENDING = 1u << 9,   /* the transport holds bytes: read in the hook */
  XB_CONNF_DESTROYING = 1u << 10,    /* inside on_close: nothing may requeue it */
  XB_CONNF_ACCEPTED = 1u << 11,      /* on_accept kept it: on_close is owed */
  XB_CONNF_REDELIVER = 1u << 12      /* resumed with buffered bytes: call on_data */
};

/* A queued piece: bytes [off, off + len) of a blob. Copied bytes live in chunk blobs
 * (xb_conn.wchunk), shared blobs are referenced as they are. */
/* One piece of pending output: bytes of a blob, or (b == NULL) up to XB_SEG_INLINE bytes
 * held in the segment itself, so that the acks of an idle connection (CONNACK, PINGRESP,
 * PUBACK: 2..4 bytes) allocate nothing. */
#define XB_SEG_INLINE 8u
typedef struct {
  xb_blob *b;
  uint32_t off, len; /* into b's data, or into inl */
  uint8_t inl[XB_SEG_INLINE];
} xb_seg;

struct xb_conn {
  /* Fields ordered so that nothing pads: 10,000 idle connections pay for every byte. */
  xb_net *net;
  int fd;
  uint32_t flags;
  uint64_t id;
  void *user;
  const xb_transport_ops *tops;
  void *tctx;

  /* Input: own buffer [in_off, in_off + in_len) of in_alloc; or, while on_data runs
   * on freshly read bytes, a view into net->scratch. */
  uint8_t *in;
  size_t in_off, in_len, in_alloc;
  const uint8_t *sptr;
  size_t slen;

  /* Output: ring of segments. */
  xb_seg *q;
  uint32_t qhead, qlen, qcap;
  int mask; /* interest registered with the loop */
  size_t out_bytes;
  xb_blob *wchunk; /* chunk receiving copied bytes (one reference of ours) */

  uint64_t full_since;
  uint64_t deadline;
  uint64_t linger_until;
  xb_dnode wheel;
  xb_dnode dirty;
  xb_dnode all;

  xb_close_reason reason;
  int err;
  uint16_t peer_port, local_port;
  uint8_t hs; /* handlers: net->hsets[hs] */
  char peer[INET6_ADDRSTRLEN];
};

/* The handlers of a connection. */
#define XB_CONN_H(c) (&(c)->net->hsets[(c)->hs])

struct xb_listener {
  xb_net *net;
  int fd;
  uint16_t port;
  xb_conn_handlers h;
  void *arg;
  uint64_t resume_timer;
  xb_dnode link;
  char name[INET6_ADDRSTRLEN + 8];
};

#define XB_WHEEL_SLOTS 512u

#define XB_NET_HSETS 8u

struct xb_net {
  xb_loop *loop;
  xb_net_config cfg;
  xb_dnode conns;
  xb_dnode dirty;
  xb_dnode listeners;
  uint32_t nconns, nover;
  uint64_t next_id;
  uint8_t *scratch;
  size_t scratch_cap;
  struct iovec *iov;
  int iov_max;
  xb_dnode wheel[XB_WHEEL_SLOTS];
  uint64_t wheel_cur; /* last tick processed */
  uint32_t wheel_count;
  uint64_t wheel_timer;
  xb_net_stats stats;
  char last_error[256];
  /* The distinct handler sets of the listeners; a connection keeps an index into it
   * rather than its own copy (32 bytes for each of 10,000 idle connections). */
  xb_conn_handlers hsets[XB_NET_HSETS];
  uint8_t nhsets;
};

/* xb_conn.c */
xb_conn *xb_conn_new_(xb_net *net, int fd, const xb_conn_handlers *h, void *arg,
                      bool over_limit);
void xb_conn_destroy_(xb_conn *c);
void xb_conn_service_(xb_conn *c);
void xb_conn_shutdown_(xb_conn *c);
void xb_conn_mark_dirty_(xb_conn *c);
void xb_conn_fail_(xb_conn *c, xb_close_reason reason, int err);

/* xb_net.c: the deadline wheel. */
uint64_t xb_conn_next_due_(const xb_conn *c);
void xb_wheel_file_(xb_conn *c);
void xb_wheel_unfile_(xb_conn *c);

#endif
