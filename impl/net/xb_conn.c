/*
 * xb_conn.c — one connection: input buffer, output queue, transport, deferred close.
 * See xb_net.h for the contract. Memory per idle connection is the struct itself: the
 * input buffer exists only while a partial packet is held, output chunks come from
 * the blob pool and go back when written.
 */
#include "net/xb_net_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Copied bytes are appended to chunks of this capacity (blob pool class). */
#define XB_CHUNK 4096u
/* Reads per readiness event before yielding to other connections (fairness). */
#define XB_READS_PER_EVENT 4
/* Own input buffers larger than this are freed once emptied, so a burst of large
 * packets does not pin memory on a connection that goes idle afterwards. */
#define XB_IN_KEEP 4096u
/* Unread input discarded at a flush-close (see graceful_end). */
#define XB_DISCARD_MAX (256u * 1024u)
/* Segment rings larger than this are freed when the queue empties. */
#define XB_RING_KEEP 64u
/* Smallest free space worth a read(2) into the own buffer before growing it. */
#define XB_IN_MIN_READ 2048u

/* ------------------------------------------------------------------ plain transport */

static ssize_t plain_read(int fd, void *buf, size_t len) {
  for (;;) {
    ssize_t r = read(fd, buf, len);
    if (r > 0) return r;
    if (r == 0) return XB_IO_EOF;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return XB_IO_WANT_READ;
    return XB_IO_ERROR;
  }
}

static ssize_t plain_writev(int fd, const struct iovec *iov, int n) {
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = (struct iovec *)(uintptr_t)iov; /* sendmsg does not write through it */
  m.msg_iovlen = (size_t)n;
  for (;;) {
    /* sendmsg rather than writev: MSG_NOSIGNAL makes a closed peer an EPIPE even if
     * the program did not ignore SIGPIPE. */
    ssize_t r = sendmsg(fd, &m, MSG_NOSIGNAL);
    if (r < 0 && errno == ENOTSOCK) r = writev(fd, iov, n);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return XB_IO_WANT_WRITE;
    return XB_IO_ERROR;
  }
}

static ssize_t t_read(xb_conn *c, void *buf, size_t len) {
  if (c->tops) return c->tops->read(c->tctx, c->fd, buf, len);
  return plain_read(c->fd, buf, len);
}

static ssize_t t_writev(xb_conn *c, const struct iovec *iov, int n) {
  if (c->tops) return c->tops->writev(c->tctx, c->fd, iov, n);
  return plain_writev(c->fd, iov, n);
}

/* ------------------------------------------------------------------ state helpers */

void xb_conn_mark_dirty_(xb_conn *c) {
  if (c->flags & (XB_CONNF_DIRTY | XB_CONNF_DESTROYING)) return;
  c->flags |= XB_CONNF_DIRTY;
  xb_dl_push(&c->net->dirty, &c->dirty);
}

static bool in_full(const xb_conn *c) { return c->in_len >= c->net->cfg.in_cap; }

static bool read_blocked(const xb_conn *c) {
  const xb_net_config *cfg = &c->net->cfg;
  return c->out_bytes > cfg->out_max && c->out_bytes - cfg->out_max > cfg->ctrl_reserve;
}

static void update_mask(xb_conn *c) {
  if (c->flags & XB_CONNF_DESTROYING) return;
  int want = 0;
  bool closing = (c->flags & XB_CONNF_CLOSING) != 0;
  /* A read that wants the socket writable first gains nothing from readability. */
  if (!closing && !(c->flags & (XB_CONNF_PAUSED | XB_CONNF_READ_WANTS_WRITE)) &&
      !in_full(c) && !read_blocked(c))
    want |= XB_EV_READ;
  if ((c->flags & XB_CONNF_WRITE_WANTS_READ) && c->qlen > 0) want |= XB_EV_READ;
  if ((c->flags & XB_CONNF_WRITE_BLOCKED) && c->qlen > 0) want |= XB_EV_WRITE;
  if ((c->flags & XB_CONNF_READ_WANTS_WRITE) && !closing) want |= XB_EV_WRITE;
  if (closing && !(c->flags & XB_CONNF_CLOSE_FLUSH)) want = 0;
  if (want == c->mask) return;
  if (xb_loop_set_mask(c->net->loop, c->fd, want) < 0) {
    xb_conn_fail_(c, XB_CLOSE_ERROR, errno);
    return;
  }
  c->mask = want;
}

void xb_conn_fail_(xb_conn *c, xb_close_reason reason, int err) {
  if (c->flags & XB_CONNF_DESTROYING) return;
  if (!(c->flags & XB_CONNF_CLOSING)) {
    c->reason = reason;
    c->err = err;
  }
  c->flags |= XB_CONNF_CLOSING;
  c->flags &= ~(uint32_t)XB_CONNF_CLOSE_FLUSH; /* a broken socket cannot be flushed */
  xb_wheel_unfile_(c);
  xb_conn_mark_dirty_(c);
}

void xb_conn_close(xb_conn *c, unsigned how) {
  if (c->flags & XB_CONNF_DESTROYING) return;
  if (c->flags & XB_CONNF_CLOSING) {
    if (how == XB_CLOSE_NOW && (c->flags & XB_CONNF_CLOSE_FLUSH)) {
      c->flags &= ~(uint32_t)XB_CONNF_CLOSE_FLUSH;
      xb_wheel_unfile_(c);
      xb_conn_mark_dirty_(c);
    }
    return;
  }
  c->reason = XB_CLOSE_LOCAL;
  c->err = 0;
  c->flags |= XB_CONNF_CLOSING;
  /* FLUSH even with nothing queued: the transport still gets its shutdown. */
  if (how == XB_CLOSE_FLUSH) c->flags |= XB_CONNF_CLOSE_FLUSH;
  xb_wheel_unfile_(c);
  if (how == XB_CLOSE_FLUSH && c->qlen > 0) {
    c->linger_until = xb_loop_now(c->net->loop) + c->net->cfg.linger_ms;
    xb_wheel_file_(c); /* the linger bound is a deadline too */
  }
  xb_conn_mark_dirty_(c);
}

bool xb_conn_closing(const xb_conn *c) { return (c->flags & XB_CONNF_CLOSING) != 0; }

/* ------------------------------------------------------------------ output */

static int q_room(xb_conn *c, uint32_t need) {
  if (c->qlen + need <= c->qcap) return 0;
  uint32_t cap = c->qcap ? c->qcap : 1; /* an idle connection needs one: its CONNACK */
  while (cap < c->qlen + need) cap *= 2;
  xb_seg *q = malloc((size_t)cap * sizeof *q);
  if (q == NULL) return -1;
  for (uint32_t i = 0; i < c->qlen; i++) q[i] = c->q[(c->qhead + i) % c->qcap];
  free(c->q);
  c->q = q;
  c->qhead = 0;
  c->qcap = cap;
  return 0;
}

static xb_seg *q_at(xb_conn *c, uint32_t i) { return &c->q[(c->qhead + i) % c->qcap]; }

/* Appends copied bytes; the caller reserved one ring slot. Copies go into the
 * connection's current chunk, shared by as many segments as fit in it, so small
 * headers interleaved with blob references cost bytes, not a chunk each. */
static int append_bytes(xb_conn *c, const void *data, size_t len) {
  if (len == 0) return 0;
  xb_blob *w = c->wchunk;
  if (w == NULL && len <= XB_SEG_INLINE) { /* no chunk in use: keep it that way */
    xb_seg *sg = &c->q[(c->qhead + c->qlen) % c->qcap];
    sg->b = NULL;
    memcpy(sg->inl, data, len);
    sg->off = 0;
    sg->len = (uint32_t)len;
    c->qlen++;
    return 0;
  }
  if (w == NULL || xb_blob_cap(w) - xb_blob_len(w) < len) {
    w = xb_blob_new(len > XB_CHUNK ? len : XB_CHUNK);
    if (w == NULL) return -1;
    xb_blob_unref(c->wchunk);
    c->wchunk = w;
  }
  size_t used = xb_blob_len(w);
  memcpy(xb_blob_data(w) + used, data, len);
  xb_blob_set_len(w, used + len);
  if (c->qlen > 0) {
    xb_seg *t = q_at(c, c->qlen - 1);
    if (t->b == w && t->off + t->len == used) { /* contiguous with the tail: extend */
      t->len += (uint32_t)len;
      return 0;
    }
  }
  xb_seg *sg = &c->q[(c->qhead + c->qlen) % c->qcap];
  sg->b = xb_blob_ref(w);
  sg->off = (uint32_t)used;
  sg->len = (uint32_t)len;
  c->qlen++;
  return 0;
}

/* Data sends are bounded by out_max (XB-SUB-27). Control sends are never refused
 * (XB-SUB-28); what bounds them is read_blocked(): past out_max + ctrl_reserve the
 * connection is not read, so the client cannot make more responses (XB-LIM-10). */
static int check_bound(xb_conn *c, size_t total, unsigned flags) {
  if (c->flags & (XB_CONNF_CLOSING | XB_CONNF_DESTROYING)) return XB_NET_ECLOSED;
  if (flags & XB_SEND_CONTROL) return XB_NET_OK;
  size_t limit = c->net->cfg.out_max;
  if (total > limit || c->out_bytes > limit - total) {
    c->net->stats.send_refused++;
    if (c->full_since == 0) {
      c->full_since = xb_loop_now(c->net->loop);
      if (c->full_since == 0) c->full_since = 1; /* 0 means "not full" */
      xb_wheel_file_(c);
    }
    return XB_NET_EFULL;
  }
  return XB_NET_OK;
}

static void queued(xb_conn *c, size_t n) {
  c->out_bytes += n;
  if (!(c->flags & (XB_CONNF_WRITE_BLOCKED | XB_CONNF_WRITE_WANTS_READ))) xb_conn_mark_dirty_(c);
}

int xb_conn_send(xb_conn *c, const void *data, size_t len, unsigned flags) {
  if (len > UINT32_MAX) return XB_NET_EINVAL; /* xb_seg fields */
  int r = check_bound(c, len, flags);
  if (r != XB_NET_OK || len == 0) return r;
  if (q_room(c, 1) < 0 || append_bytes(c, data, len) < 0) return XB_NET_ENOMEM;
  queued(c, len);
  return XB_NET_OK;
}

int xb_conn_send_blob(xb_conn *c, const void *hdr, size_t hdr_len, xb_blob *b, size_t off,
                      size_t len, unsigned flags) {
  if (b == NULL || off > xb_blob_len(b) || len > xb_blob_len(b) - off) return XB_NET_EINVAL;
  if (off + len > UINT32_MAX || hdr_len > UINT32_MAX) return XB_NET_EINVAL; /* xb_seg fields */
  if (hdr_len > SIZE_MAX - len) return XB_NET_EINVAL;
  int r = check_bound(c, hdr_len + len, flags);
  if (r != XB_NET_OK) return r;
  /* Room for both pieces first, so a failure leaves the queue as it was. */
  if (q_room(c, 2) < 0 || append_bytes(c, hdr, hdr_len) < 0) return XB_NET_ENOMEM;
  if (len > 0) {
    xb_seg *s = &c->q[(c->qhead + c->qlen) % c->qcap];
    s->b = xb_blob_ref(b);
    s->off = (uint32_t)off;
    s->len = (uint32_t)len;
    c->qlen++;
  }
  queued(c, hdr_len + len);
  return XB_NET_OK;
}

static void q_advance(xb_conn *c, size_t n) {
  while (n > 0 && c->qlen > 0) {
    xb_seg *s = q_at(c, 0);
    if (n < s->len) {
      s->off += (uint32_t)n;
      s->len -= (uint32_t)n;
      c->out_bytes -= n;
      return;
    }
    n -= s->len;
    c->out_bytes -= s->len;
    xb_blob_unref(s->b);
    s->b = NULL;
    c->qhead = (c->qhead + 1) % c->qcap;
    c->qlen--;
  }
}

/* An empty queue gives its chunk back to the pool and drops an outsized ring, so an
 * idle connection holds no output memory. */
static void q_release_idle(xb_conn *c) {
  if (c->qlen > 0) return;
  xb_blob_unref(c->wchunk);
  c->wchunk = NULL;
  if (c->qcap > XB_RING_KEEP) {
    free(c->q);
    c->q = NULL;
    c->qcap = 0;
    c->qhead = 0;
  }
}

static void q_clear(xb_conn *c) {
  while (c->qlen > 0) q_advance(c, q_at(c, 0)->len);
  c->out_bytes = 0;
  q_release_idle(c);
}

/* Writes as much as the socket takes. */
static void flush(xb_conn *c) {
  xb_net *net = c->net;
  c->flags &= ~(uint32_t)(XB_CONNF_WRITE_BLOCKED | XB_CONNF_WRITE_WANTS_READ);
  while (c->qlen > 0) {
    int n = 0;
    size_t total = 0;
    for (uint32_t i = 0; i < c->qlen && n < net->iov_max; i++) {
      xb_seg *s = q_at(c, i);
      net->iov[n].iov_base = (s->b != NULL ? xb_blob_data(s->b) : s->inl) + s->off;
      net->iov[n].iov_len = s->len;
      total += s->len;
      n++;
    }
    ssize_t w = t_writev(c, net->iov, n);
    if (w > 0) {
      net->stats.bytes_out += (uint64_t)w;
      q_advance(c, (size_t)w);
      /* A short plain write means the socket buffer is full: the next call would only
       * say EAGAIN. Other transports may write less by design (one TLS record). */
      if ((size_t)w < total && c->tops == NULL) {
        c->flags |= XB_CONNF_WRITE_BLOCKED;
        break;
      }
      continue;
    }
    if (w == XB_IO_WANT_WRITE || w == 0) { /* 0: nothing taken, same as would-block */
      c->flags |= XB_CONNF_WRITE_BLOCKED;
    } else if (w == XB_IO_WANT_READ) {
      c->flags |= XB_CONNF_WRITE_WANTS_READ;
    } else {
      xb_conn_fail_(c, XB_CLOSE_ERROR, w == XB_IO_ERROR && errno ? errno : EPROTO);
      q_clear(c);
    }
    break;
  }
  q_release_idle(c);
  if (c->full_since != 0 && c->out_bytes <= net->cfg.out_max / 2) {
    c->full_since = 0; /* XB-SUB-29: congestion ends at half the bound */
  }
  if (c->qlen == 0 && (c->flags & XB_CONNF_CLOSING)) xb_conn_mark_dirty_(c);
}

size_t xb_conn_out_pending(const xb_conn *c) { return c->out_bytes; }
uint64_t xb_conn_full_since(const xb_conn *c) { return c->full_since; }
bool xb_conn_write_watched(const xb_conn *c) { return (c->mask & XB_EV_WRITE) != 0; }

/* ------------------------------------------------------------------ input */

const uint8_t *xb_conn_in(const xb_conn *c, size_t *len) {
  if (c->flags & XB_CONNF_IN_SCRATCH) {
    *len = c->slen;
    return c->sptr;
  }
  *len = c->in_len;
  return c->in ? c->in + c->in_off : NULL;
}

bool xb_conn_in_full(const xb_conn *c) {
  return (c->flags & XB_CONNF_IN_SCRATCH) ? c->slen >= c->net->cfg.in_cap : in_full(c);
}

void xb_conn_in_consume(xb_conn *c, size_t n) {
  if (c->flags & XB_CONNF_IN_SCRATCH) {
    if (n > c->slen) n = c->slen;
    c->sptr += n;
    c->slen -= n;
    return;
  }
  bool was_full = in_full(c);
  if (n > c->in_len) n = c->in_len;
  c->in_off += n;
  c->in_len -= n;
  if (c->in_len == 0) {
    c->in_off = 0;
    if (c->in_alloc > XB_IN_KEEP) {
      free(c->in);
      c->in = NULL;
      c->in_alloc = 0;
    }
  }
  if (was_full && !in_full(c)) {
    /* Reading stopped at the cap; bytes may wait in the transport, not only the fd. */
    if (c->tops && c->tops->pending && c->tops->pending(c->tctx)) {
      c->flags |= XB_CONNF_READ_PENDING;
      xb_conn_mark_dirty_(c);
    }
    update_mask(c);
  }
}

void xb_conn_pause_read(xb_conn *c, bool paused) {
  bool was = (c->flags & XB_CONNF_PAUSED) != 0;
  if (paused) c->flags |= XB_CONNF_PAUSED;
  else c->flags &= ~(uint32_t)XB_CONNF_PAUSED;
  if (was && !paused) {
    /* Bytes already buffered (here or in the transport) announce themselves through
     * no fd event: hand them to on_data from the hook. */
    if (c->in_len > 0) c->flags |= XB_CONNF_REDELIVER;
    if (c->tops && c->tops->pending && c->tops->pending(c->tctx)) c->flags |= XB_CONNF_READ_PENDING;
    if (c->flags & (XB_CONNF_REDELIVER | XB_CONNF_READ_PENDING)) {
      /* Serviced in the order resumed: a connection already dirty (output queued) goes
       * to the end, so the owner's resume order is the order its input is handed back
       * (the session's round robin at the batch limit, XB-STORE-12). */
      if ((c->flags & XB_CONNF_DIRTY) && !(c->flags & XB_CONNF_DESTROYING)) {
        xb_dl_unlink(&c->dirty);
        xb_dl_push(&c->net->dirty, &c->dirty);
      }
      xb_conn_mark_dirty_(c);
    }
  }
  update_mask(c);
}

/* Makes the own buffer hold `need` bytes past in_off + in_len (compacting first). */
static int in_reserve(xb_conn *c, size_t need) {
  size_t cap = c->net->cfg.in_cap;
  if (c->in_off > 0 && c->in_len > 0) memmove(c->in, c->in + c->in_off, c->in_len);
  c->in_off = 0;
  if (c->in_alloc - c->in_len >= need) return 0;
  size_t want = c->in_alloc ? c->in_alloc : 1024;
  while (want < c->in_len + need) want *= 2;
  if (want > cap) want = cap;
  uint8_t *p = realloc(c->in, want);
  if (p == NULL) return -1;
  c->in = p;
  c->in_alloc = want;
  return 0;
}

/* Keeps what on_data left unconsumed in the scratch buffer. */
static int keep_scratch_rest(xb_conn *c) {
  if (c->slen == 0) return 0;
  if (in_reserve(c, c->slen) < 0) return -1;
  memcpy(c->in, c->sptr, c->slen);
  c->in_len = c->slen;
  return 0;
}

static void do_read(xb_conn *c) {
  xb_net *net = c->net;
  size_t cap = net->cfg.in_cap;
  c->flags &= ~(uint32_t)(XB_CONNF_READ_WANTS_WRITE | XB_CONNF_READ_PENDING);
  for (int iter = 0; iter < XB_READS_PER_EVENT; iter++) {
    if ((c->flags & (XB_CONNF_CLOSING | XB_CONNF_PAUSED)) || read_blocked(c)) break;
    uint8_t *buf;
    size_t space;
    bool scratch = c->in_len == 0;
    if (scratch) {
      /* Fresh bytes land in the shared buffer: an idle or packet-aligned connection
       * owns no input memory. */
      buf = net->scratch;
      space = net->scratch_cap < cap ? net->scratch_cap : cap;
    } else {
      if (in_full(c)) break;
      size_t want = cap - c->in_len < XB_IN_MIN_READ ? cap - c->in_len : XB_IN_MIN_READ;
      if (in_reserve(c, want) < 0) {
        xb_conn_fail_(c, XB_CLOSE_ERROR, ENOMEM);
        break;
      }
      buf = c->in + c->in_len;
      space = (c->in_alloc < cap ? c->in_alloc : cap) - c->in_len;
    }
    ssize_t r = t_read(c, buf, space);
    if (r > 0) {
      net->stats.bytes_in += (uint64_t)r;
      if (scratch) {
        c->sptr = buf;
        c->slen = (size_t)r;
        c->flags |= XB_CONNF_IN_SCRATCH;
      } else {
        c->in_len += (size_t)r;
      }
      XB_CONN_H(c)->on_data(c, c->user);
      if (scratch) {
        c->flags &= ~(uint32_t)XB_CONNF_IN_SCRATCH;
        if (!(c->flags & XB_CONNF_CLOSING) && keep_scratch_rest(c) < 0)
          xb_conn_fail_(c, XB_CLOSE_ERROR, ENOMEM);
        c->slen = 0;
        c->sptr = NULL;
      }
      if ((size_t)r < space) break; /* drained what was there */
      continue;
    }
    if (r == XB_IO_WANT_WRITE) c->flags |= XB_CONNF_READ_WANTS_WRITE;
    else if (r == XB_IO_EOF) xb_conn_fail_(c, XB_CLOSE_PEER, 0);
    else if (r != XB_IO_WANT_READ && r != 0) /* 0 from a transport: nothing yet */
      xb_conn_fail_(c, XB_CLOSE_ERROR, errno ? errno : EPROTO);
    break;
  }
  if (!(c->flags & (XB_CONNF_CLOSING | XB_CONNF_PAUSED)) && !in_full(c) && c->tops &&
      c->tops->pending && c->tops->pending(c->tctx)) {
    c->flags |= XB_CONNF_READ_PENDING;
    xb_conn_mark_dirty_(c);
  }
}

/* ------------------------------------------------------------------ events, service */

static void on_fd_event(xb_loop *loop, int fd, int events, void *arg) {
  (void)loop;
  (void)fd;
  xb_conn *c = arg;
  if (events & XB_EV_READ) {
    if (c->flags & XB_CONNF_WRITE_WANTS_READ) flush(c);
    do_read(c);
  }
  if (events & XB_EV_WRITE) {
    if (c->flags & XB_CONNF_READ_WANTS_WRITE) do_read(c);
    if (c->qlen > 0 && !(c->flags & XB_CONNF_WRITE_WANTS_READ) &&
        (!(c->flags & XB_CONNF_CLOSING) || (c->flags & XB_CONNF_CLOSE_FLUSH)))
      flush(c);
  }
  if (c->flags & XB_CONNF_CLOSING) xb_conn_mark_dirty_(c);
  update_mask(c);
}

/* End of a flush-close, output written: the transport's goodbye, then FIN, then the
 * unread input is discarded, since close() with unread input makes the kernel answer
 * with RST, and a reset can make the peer lose the last packet (a CONNACK 0x03/0x04)
 * before reading it. Bounded, non-blocking; bytes still arriving later may reset. */
static void graceful_end(xb_conn *c) {
  if (c->tops && c->tops->shutdown) (void)c->tops->shutdown(c->tctx, c->fd);
  if (shutdown(c->fd, SHUT_WR) < 0) return; /* not a socket, or already gone */
  size_t left = XB_DISCARD_MAX;
  while (left > 0) {
    size_t n = left < c->net->scratch_cap ? left : c->net->scratch_cap;
    ssize_t r = recv(c->fd, c->net->scratch, n, MSG_DONTWAIT);
    if (r <= 0) break;
    left -= (size_t)r;
  }
}

/* Called from the before-sleep hook: after every callback of the turn. */
void xb_conn_service_(xb_conn *c) {
  if ((c->flags & XB_CONNF_REDELIVER) && !(c->flags & (XB_CONNF_CLOSING | XB_CONNF_PAUSED))) {
    c->flags &= ~(uint32_t)XB_CONNF_REDELIVER;
    if (c->in_len > 0) XB_CONN_H(c)->on_data(c, c->user);
  }
  if ((c->flags & XB_CONNF_READ_PENDING) && !(c->flags & XB_CONNF_CLOSING)) do_read(c);
  bool closing = (c->flags & XB_CONNF_CLOSING) != 0;
  bool flushing = !closing || (c->flags & XB_CONNF_CLOSE_FLUSH);
  if (c->qlen > 0 && flushing &&
      !(c->flags & (XB_CONNF_WRITE_BLOCKED | XB_CONNF_WRITE_WANTS_READ)))
    flush(c);
  if (c->flags & XB_CONNF_CLOSING) {
    if (!(c->flags & XB_CONNF_CLOSE_FLUSH) || c->qlen == 0) {
      if (c->flags & XB_CONNF_CLOSE_FLUSH) graceful_end(c);
      xb_conn_destroy_(c);
      return;
    }
  }
  update_mask(c);
}

/* Server shutdown: one non-blocking flush attempt, then destroy. */
void xb_conn_shutdown_(xb_conn *c) {
  if (!(c->flags & XB_CONNF_CLOSING)) {
    c->reason = XB_CLOSE_SHUTDOWN;
    c->err = 0;
    c->flags |= XB_CONNF_CLOSING | XB_CONNF_CLOSE_FLUSH;
  }
  if (c->flags & XB_CONNF_CLOSE_FLUSH) {
    if (c->qlen > 0) flush(c);
    if ((c->flags & XB_CONNF_CLOSE_FLUSH) && c->qlen == 0) graceful_end(c);
  }
  xb_conn_destroy_(c);
}

/* ------------------------------------------------------------------ create, destroy */

xb_conn *xb_conn_new_(xb_net *net, int fd, const xb_conn_handlers *h, void *arg,
                      bool over_limit) {
  xb_conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->net = net;
  c->fd = fd;
  c->id = ++net->next_id;
  uint8_t hs = 0;
  while (hs < net->nhsets && memcmp(&net->hsets[hs], h, sizeof *h) != 0) hs++;
  if (hs == net->nhsets) {
    if (hs == XB_NET_HSETS) { /* more distinct handler sets than listeners could need */
      free(c);
      return NULL;
    }
    net->hsets[net->nhsets++] = *h;
  }
  c->hs = hs;
  c->user = arg;
  if (over_limit) c->flags |= XB_CONNF_OVER_LIMIT;
  if (xb_loop_watch(net->loop, fd, XB_EV_READ, on_fd_event, c) < 0) {
    free(c);
    return NULL;
  }
  c->mask = XB_EV_READ;
  xb_dl_push(&net->conns, &c->all);
  net->nconns++;
  if (over_limit) net->nover++;
  net->stats.conns = net->nconns;
  return c;
}

void xb_conn_destroy_(xb_conn *c) {
  xb_net *net = c->net;
  c->flags |= XB_CONNF_DESTROYING;
  xb_dl_unlink(&c->all);
  xb_dl_unlink(&c->dirty);
  xb_wheel_unfile_(c);
  c->flags &= ~(uint32_t)XB_CONNF_DIRTY;
  net->nconns--;
  if (c->flags & XB_CONNF_OVER_LIMIT) net->nover--;
  net->stats.conns = net->nconns;
  xb_loop_unwatch(net->loop, c->fd);
  if ((c->flags & XB_CONNF_ACCEPTED) && XB_CONN_H(c)->on_close)
    XB_CONN_H(c)->on_close(c, c->reason, c->err, c->user);
  if (c->tops && c->tops->destroy) c->tops->destroy(c->tctx);
  close(c->fd);
  q_clear(c);
  xb_blob_unref(c->wchunk);
  free(c->q);
  free(c->in);
  free(c);
}

/* ------------------------------------------------------------------ accessors */

uint64_t xb_conn_id(const xb_conn *c) { return c->id; }
int xb_conn_fd(const xb_conn *c) { return c->fd; }
xb_net *xb_conn_net(const xb_conn *c) { return c->net; }
const char *xb_conn_peer(const xb_conn *c) { return c->peer; }
uint16_t xb_conn_peer_port(const xb_conn *c) { return c->peer_port; }
uint16_t xb_conn_local_port(const xb_conn *c) { return c->local_port; }
void xb_conn_set_user(xb_conn *c, void *user) { c->user = user; }
void *xb_conn_user(const xb_conn *c) { return c->user; }

void xb_conn_set_transport(xb_conn *c, const xb_transport_ops *ops, void *ctx) {
  c->tops = ops;
  c->tctx = ctx;
}

const xb_transport_ops *xb_conn_transport(const xb_conn *c, void **ctx) {
  if (ctx != NULL) *ctx = c->tctx;
  return c->tops;
}
