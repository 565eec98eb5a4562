/*
 * xb_tls_conn.c — one TLS server connection as a transport of the net layer
 * (xb_transport_ops, net/xb_net.h). See xb_tls.h for the policy.
 *
 * States: HANDSHAKE -> OPEN, or HANDSHAKE -> FAILED. Every read and write call of the
 * net layer first advances the handshake (SSL_do_handshake), non-blocking: it returns
 * XB_IO_WANT_READ or XB_IO_WANT_WRITE for the direction it waits on, and the net layer
 * retries the call when that readiness comes (a read may need the socket writable,
 * and a write readable: XB_CONNF_READ_WANTS_WRITE / WRITE_WANTS_READ). The end of the
 * handshake is reported once through the done callback (XB-ERR-24: the session logs
 * `tls-handshake` on failure and starts the CONNECT timeout on success, XB-TRANS-20).
 *
 * Reads: read-ahead is on, so one read(2) may bring several records into OpenSSL's
 * buffer, and a read call decrypts records until its buffer is full or the socket has
 * nothing more (one SSL_read per record, one call per burst); pending() reports decrypted bytes, or buffered bytes that may hold a whole
 * record, so that the net layer reads them from its hook (no fd event announces them).
 * After a read that wanted more bytes, buffered bytes are a partial record that only
 * the fd can complete: pending() is then false, so the hook never spins on them.
 *
 * Writes: the net layer hands its queue as an iovec. A first segment of a record or
 * more is written in place; smaller segments are gathered into one record (a shared
 * buffer: single-threaded). A write that would block is retried by the net layer with
 * the same leading bytes, at most more (the queue only grows at its tail), which is
 * what SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER and partial writes need.
 *
 * The socket BIO sends with MSG_NOSIGNAL: a peer gone away is an EPIPE, never a
 * SIGPIPE, even in a program that did not ignore it.
 */
#include "tls/xb_tls_int.h"

#include <errno.h>
#include <openssl/err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Largest TLS record payload: gathering more than this gains nothing. */
#define XB_TLS_RECORD 16384u

enum { XB_TLS_HANDSHAKE = 0, XB_TLS_OPEN, XB_TLS_FAILED };

typedef struct {
  SSL *ssl;
  xb_tls *t;
  xb_conn *c;
  xb_tls_done_fn done;
  uint8_t state;
  bool starved;       /* the last SSL_read wanted more bytes from the socket */
  bool write_pending; /* an SSL_write waits to be retried (a record half written) */
  bool shut;          /* close_notify sent (or given up) */
  bool fatal;         /* a fatal TLS or socket error: no close_notify any more */
  bool drained;       /* the socket BIO's last recv returned less than it asked for */
  int fd;
  ssize_t deferred;   /* XB_IO_EOF / XB_IO_ERROR that ended a burst of records read
                         after some bytes: returned by the next read, 0 if none */
  int err_errno;      /* socket errno of the failure, 0 if none */
  unsigned long err_code; /* OpenSSL error code of the failure, 0 if none */
  const char *err_text;   /* fixed text of the failure, NULL if none */
} xb_tls_conn;

static const xb_transport_ops xb_tls_ops;

/* ------------------------------------------------------------------ socket BIO */

static int xb_bio_write(BIO *b, const char *p, int n) {
  int fd = ((xb_tls_conn *)BIO_get_data(b))->fd;
  BIO_clear_retry_flags(b);
  for (;;) {
    ssize_t r = send(fd, p, (size_t)n, MSG_NOSIGNAL);
    if (r < 0 && errno == ENOTSOCK) r = write(fd, p, (size_t)n); /* tests: pipes */
    if (r >= 0) return (int)r;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(b);
    return -1;
  }
}

static int xb_bio_read(BIO *b, char *p, int n) {
  xb_tls_conn *tc = BIO_get_data(b);
  int fd = tc->fd;
  BIO_clear_retry_flags(b);
  for (;;) {
    ssize_t r = recv(fd, p, (size_t)n, 0);
    if (r < 0 && errno == ENOTSOCK) r = read(fd, p, (size_t)n);
    if (r >= 0) {
      tc->drained = r < n; /* 0: end of stream */
      return (int)r;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_read(b);
    return -1;
  }
}

static long xb_bio_ctrl(BIO *b, int cmd, long num, void *ptr) {
  (void)b;
  (void)num;
  (void)ptr;
  return cmd == BIO_CTRL_FLUSH ? 1 : 0; /* writes go straight to the socket */
}

static int xb_bio_create(BIO *b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD *xb_tls_bio_method_new(void) {
  BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "xbridge socket");
  if (m == NULL) return NULL;
  if (BIO_meth_set_write(m, xb_bio_write) != 1 || BIO_meth_set_read(m, xb_bio_read) != 1 ||
      BIO_meth_set_ctrl(m, xb_bio_ctrl) != 1 || BIO_meth_set_create(m, xb_bio_create) != 1) {
    BIO_meth_free(m);
    return NULL;
  }
  return m;
}

/* ------------------------------------------------------------------ errors */

/* Records why the connection failed (kept for xb_tls_conn_error), clears OpenSSL's
 * error queue, and returns XB_IO_ERROR with errno set. */
static ssize_t xb_tls_failed(xb_tls_conn *tc, int sslerr) {
  int e = errno;
  tc->fatal = true;
  tc->err_code = ERR_peek_last_error();
  tc->err_errno = 0;
  tc->err_text = NULL;
  if (tc->err_code == 0) {
    if (sslerr == SSL_ERROR_SYSCALL && e != 0) {
      tc->err_errno = e;
    } else {
      tc->err_text = tc->state == XB_TLS_HANDSHAKE ? "connection closed during the handshake"
                                                    : "connection closed without close_notify";
    }
  }
  ERR_clear_error();
  errno = tc->err_errno != 0 ? tc->err_errno : EPROTO;
  return XB_IO_ERROR;
}

static const char *xb_tls_describe(const xb_tls_conn *tc) {
  static char buf[160];
  if (tc->err_code != 0) {
    const char *r = ERR_reason_error_string(tc->err_code);
    if (r != NULL) return r;
    snprintf(buf, sizeof buf, "TLS error %lx", tc->err_code);
    return buf;
  }
  if (tc->err_errno != 0) {
    snprintf(buf, sizeof buf, "socket: %s", strerror(tc->err_errno));
    return buf;
  }
  return tc->err_text;
}

/* ------------------------------------------------------------------ handshake */

/* Advances the handshake: 0 when it is complete (now or before), else XB_IO_*. */
static ssize_t xb_tls_handshake(xb_tls_conn *tc) {
  if (tc->state == XB_TLS_OPEN) return 0;
  if (tc->state == XB_TLS_FAILED) {
    errno = EPROTO;
    return XB_IO_ERROR;
  }
  ERR_clear_error();
  errno = 0;
  int r = SSL_do_handshake(tc->ssl);
  if (r == 1) {
    tc->state = XB_TLS_OPEN;
    tc->t->st.handshakes++;
    tc->done(tc->c, NULL); /* XB-TRANS-20: the CONNECT timeout starts now */
    return 0;
  }
  int e = SSL_get_error(tc->ssl, r);
  if (e == SSL_ERROR_WANT_READ) return XB_IO_WANT_READ;
  if (e == SSL_ERROR_WANT_WRITE) return XB_IO_WANT_WRITE;
  /* XB-TRANS-10 (not a ClientHello), XB-TRANS-11 (protocol_version alert sent by the
   * library), a peer gone half way: the handshake failed (XB-ERR-24). */
  ssize_t out = xb_tls_failed(tc, e);
  int saved = errno;
  tc->state = XB_TLS_FAILED;
  tc->t->st.failures++;
  tc->done(tc->c, xb_tls_describe(tc));
  errno = saved;
  return out;
}

/* ------------------------------------------------------------------ transport */

static ssize_t xb_tls_read(void *ctx, int fd, void *buf, size_t len) {
  (void)fd;
  xb_tls_conn *tc = ctx;
  if (tc->deferred != 0) {
    ssize_t d = tc->deferred;
    if (d == XB_IO_ERROR) errno = tc->err_errno != 0 ? tc->err_errno : EPROTO;
    return d;
  }
  ssize_t h = xb_tls_handshake(tc);
  if (h < 0) return h;
  /* The handshake may have just completed: early application data (a CONNECT sent
   * with the client's Finished) is read at once. */
  /* One SSL_read yields at most one record. Records already in the socket or in the
   * read-ahead buffer are read now, until the buffer is full or a read wants more
   * bytes: a burst of small records (one per PUBLISH from many clients) then reaches
   * the session in one call, so its packets join the turn's batch (XB-STORE-9) rather
   * than each record costing a turn, a commit and an fdatasync. An error or the end of
   * the stream after some bytes is reported by the next call (OpenSSL repeats it). */
  size_t total = 0;
  int r, e;
  for (;;) {
    ERR_clear_error();
    errno = 0;
    size_t got = 0;
    r = SSL_read_ex(tc->ssl, (uint8_t *)buf + total, len - total, &got);
    if (r != 1) break;
    tc->starved = false;
    total += got;
    if (total == len) return (ssize_t)total;
    /* Nothing buffered and the socket gave less than asked: it is empty, and another
     * SSL_read would only cost a recv(2) that says EAGAIN (readiness brings the rest). */
    if (tc->drained && !SSL_has_pending(tc->ssl)) return (ssize_t)total;
  }
  e = SSL_get_error(tc->ssl, r);
  if (total > 0) {
    /* The bytes first; what ended the burst is reported by the next call (pending()
     * is true until then, so the net layer makes it at once). */
    switch (e) {
      case SSL_ERROR_WANT_READ:
        tc->starved = true;
        break;
      case SSL_ERROR_WANT_WRITE: /* asked again by the next SSL_read */
        ERR_clear_error();
        break;
      case SSL_ERROR_ZERO_RETURN:
        tc->deferred = XB_IO_EOF;
        break;
      case SSL_ERROR_SYSCALL:
        if (errno == 0 && ERR_peek_last_error() == 0) {
          ERR_clear_error();
          tc->deferred = XB_IO_EOF;
          break;
        }
        /* fall through */
      default:
        tc->deferred = xb_tls_failed(tc, e);
        break;
    }
    return (ssize_t)total;
  }
  switch (e) {
    case SSL_ERROR_WANT_READ:
      tc->starved = true;
      return XB_IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE: /* a renegotiation refusal or a key update to send */
      return XB_IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: /* close_notify, or end of stream (IGNORE_UNEXPECTED_EOF) */
      return XB_IO_EOF;
    case SSL_ERROR_SYSCALL:
      if (errno == 0 && ERR_peek_last_error() == 0) {
        ERR_clear_error();
        return XB_IO_EOF;
      }
      return xb_tls_failed(tc, e);
    default: /* bad record MAC, garbage records, an alert from the peer ... */
      return xb_tls_failed(tc, e);
  }
}

static ssize_t xb_tls_writev(void *ctx, int fd, const struct iovec *iov, int n) {
  (void)fd;
  static uint8_t gather[XB_TLS_RECORD];
  xb_tls_conn *tc = ctx;
  ssize_t h = xb_tls_handshake(tc);
  if (h < 0) return h;
  if (n <= 0) return 0;
  const void *p = iov[0].iov_base;
  size_t len = iov[0].iov_len;
  if (n > 1 && len < XB_TLS_RECORD) {
    len = 0;
    for (int i = 0; i < n && len < XB_TLS_RECORD; i++) {
      size_t k = iov[i].iov_len < XB_TLS_RECORD - len ? iov[i].iov_len : XB_TLS_RECORD - len;
      memcpy(gather + len, iov[i].iov_base, k);
      len += k;
    }
    p = gather;
  }
  if (len == 0) return 0;
  ERR_clear_error();
  errno = 0;
  size_t w = 0;
  int r = SSL_write_ex(tc->ssl, p, len, &w);
  if (r == 1) {
    tc->write_pending = false;
    return (ssize_t)w;
  }
  int e = SSL_get_error(tc->ssl, r);
  if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
    tc->write_pending = true;
    return e == SSL_ERROR_WANT_WRITE ? XB_IO_WANT_WRITE : XB_IO_WANT_READ;
  }
  return xb_tls_failed(tc, e);
}

static bool xb_tls_pending(void *ctx) {
  xb_tls_conn *tc = ctx;
  if (tc->state != XB_TLS_OPEN) return false;
  if (tc->deferred != 0) return true;
  return SSL_pending(tc->ssl) > 0 || (!tc->starved && SSL_has_pending(tc->ssl));
}

/* XB-TRANS-21: close_notify, once, without waiting for the client's. */
static void xb_tls_close_notify(xb_tls_conn *tc) {
  if (tc->shut || tc->fatal || tc->state != XB_TLS_OPEN || tc->write_pending) return;
  tc->shut = true;
  ERR_clear_error();
  (void)SSL_shutdown(tc->ssl); /* non-blocking: queued in the socket or given up */
  ERR_clear_error();
}

static int xb_tls_shutdown(void *ctx, int fd) {
  (void)fd;
  xb_tls_close_notify(ctx);
  return 0;
}

static void xb_tls_destroy_conn(void *ctx) {
  xb_tls_conn *tc = ctx;
  /* A close without flush (timeouts, protocol violations) still says goodbye. */
  xb_tls_close_notify(tc);
  SSL_free(tc->ssl);
  ERR_clear_error();
  tc->t->st.live--;
  free(tc);
}

static const xb_transport_ops xb_tls_ops = {
    "tls", xb_tls_read, xb_tls_writev, xb_tls_pending, xb_tls_shutdown, xb_tls_destroy_conn,
};

/* ------------------------------------------------------------------ interface */

int xb_tls_attach(xb_tls *t, xb_conn *c, xb_tls_done_fn done) {
  xb_tls_conn *tc = calloc(1, sizeof *tc);
  if (tc == NULL) return -1;
  ERR_clear_error();
  tc->ssl = SSL_new(t->ctx);
  BIO *bio = BIO_new(t->bio);
  if (tc->ssl == NULL || bio == NULL) {
    BIO_free(bio);
    SSL_free(tc->ssl);
    ERR_clear_error();
    free(tc);
    return -1;
  }
  tc->fd = xb_conn_fd(c);
  BIO_set_data(bio, tc);
  SSL_set_bio(tc->ssl, bio, bio); /* the SSL owns the BIO from now on */
  SSL_set_accept_state(tc->ssl);
  tc->t = t;
  tc->c = c;
  tc->done = done;
  t->st.attached++;
  t->st.live++;
  xb_conn_set_transport(c, &xb_tls_ops, tc);
  return 0;
}

static const xb_tls_conn *xb_tls_of(const xb_conn *c) {
  void *ctx = NULL;
  return xb_conn_transport(c, &ctx) == &xb_tls_ops ? ctx : NULL;
}

const char *xb_tls_conn_error(const xb_conn *c) {
  const xb_tls_conn *tc = xb_tls_of(c);
  return tc != NULL && tc->fatal ? xb_tls_describe(tc) : NULL;
}

const char *xb_tls_conn_version(const xb_conn *c) {
  const xb_tls_conn *tc = xb_tls_of(c);
  return tc != NULL && tc->state == XB_TLS_OPEN ? SSL_get_version(tc->ssl) : NULL;
}
