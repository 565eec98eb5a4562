/* Non-blocking TCP (and TLS) connections driven by one epoll set. */
#include "xbb_io.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

uint64_t xbb_now_us(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int xbb_io_init(xbb_io *io, const char *host, const char *port, bool tls,
                const char *cafile, char *err, size_t err_len)
{
    memset(io, 0, sizeof *io);
    io->ep = epoll_create1(EPOLL_CLOEXEC);
    if (io->ep < 0) {
        (void)snprintf(err, err_len, "epoll_create1: %s", strerror(errno));
        return -1;
    }
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *ai = NULL;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0 || ai == NULL) {
        (void)snprintf(err, err_len, "%s:%s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    memcpy(&io->addr, ai->ai_addr, ai->ai_addrlen);
    io->addr_len = ai->ai_addrlen;
    freeaddrinfo(ai);
    io->host = host;
    if (tls) {
        io->ctx = SSL_CTX_new(TLS_client_method());
        if (io->ctx == NULL) {
            (void)snprintf(err, err_len, "SSL_CTX_new failed");
            return -1;
        }
        if (cafile != NULL) {
            if (SSL_CTX_load_verify_locations(io->ctx, cafile, NULL) != 1) {
                (void)snprintf(err, err_len, "cannot load CA file %s", cafile);
                return -1;
            }
            SSL_CTX_set_verify(io->ctx, SSL_VERIFY_PEER, NULL);
        } else {
            /* a benchmark, not a security check: without --cafile anything goes */
            SSL_CTX_set_verify(io->ctx, SSL_VERIFY_NONE, NULL);
        }
        SSL_CTX_set_mode(io->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
    return 0;
}

void xbb_conn_events(xbb_io *io, xbb_conn *c, uint32_t events)
{
    if (c->fd >= 0 && c->ev != events) {
        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = events;
        ev.data.u32 = c->index;
        (void)epoll_ctl(io->ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->ev = events;
    }
}

int xbb_conn_open(xbb_io *io, xbb_conn *c)
{
    int fd = socket(io->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (const struct sockaddr *)&io->addr, io->addr_len) != 0 &&
        errno != EINPROGRESS) {
        int e = errno;
        (void)close(fd);
        errno = e;
        return -1;
    }
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = c->index;
    if (epoll_ctl(io->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        int e = errno;
        (void)close(fd);
        errno = e;
        return -1;
    }
    c->fd = fd;
    c->ev = ev.events;
    c->state = XBB_ST_TCP;
    return 0;
}

int xbb_conn_connected(xbb_conn *c)
{
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
        return -1;
    }
    if (soerr != 0) {
        errno = soerr;
        return -1;
    }
    return 0;
}

int xbb_conn_tls_step(xbb_io *io, xbb_conn *c)
{
    if (c->ssl == NULL) {
        c->ssl = SSL_new(io->ctx);
        if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
            return -1;
        }
        (void)SSL_set_tlsext_host_name(c->ssl, io->host);
        SSL_set_connect_state(c->ssl);
    }
    int rc = SSL_do_handshake(c->ssl);
    if (rc == 1) {
        return 1;
    }
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ) {
        xbb_conn_events(io, c, EPOLLIN);
        return 0;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        xbb_conn_events(io, c, EPOLLIN | EPOLLOUT);
        return 0;
    }
    ERR_clear_error();
    return -1;
}

unsigned char *xbb_conn_reserve(xbb_conn *c, size_t n)
{
    if (c->out_off > 0 && c->out_off == c->out_len) {
        c->out_off = 0;
        c->out_len = 0;
    }
    if (c->out_cap - c->out_len < n) {
        if (c->out_off > 0) {                 /* slide the unsent bytes down first */
            memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
            c->out_len -= c->out_off;
            c->out_off = 0;
        }
        if (c->out_cap - c->out_len < n) {
            size_t cap = c->out_cap > 0 ? c->out_cap : 256;
            while (cap - c->out_len < n) {
                cap *= 2;
            }
            unsigned char *p = realloc(c->out, cap);
            if (p == NULL) {
                return NULL;
            }
            c->out = p;
            c->out_cap = cap;
        }
    }
    return c->out + c->out_len;
}

int xbb_conn_queue(xbb_conn *c, const unsigned char *p, size_t n)
{
    unsigned char *dst = xbb_conn_reserve(c, n);
    if (dst == NULL) {
        return -1;
    }
    memcpy(dst, p, n);
    c->out_len += n;
    return 0;
}

int xbb_conn_flush(xbb_io *io, xbb_conn *c)
{
    while (c->out_off < c->out_len) {
        size_t left = c->out_len - c->out_off;
        if (c->ssl != NULL) {
            int chunk = left > 1048576u ? 1048576 : (int)left;
            int n = SSL_write(c->ssl, c->out + c->out_off, chunk);
            if (n > 0) {
                c->out_off += (size_t)n;
                continue;
            }
            int e = SSL_get_error(c->ssl, n);
            if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                c->out_blocked = true;
                xbb_conn_events(io, c, EPOLLIN | EPOLLOUT);
                return 1;
            }
            ERR_clear_error();
            return -1;
        }
        ssize_t n = send(c->fd, c->out + c->out_off, left, MSG_NOSIGNAL);
        if (n > 0) {
            c->out_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->out_blocked = true;
            xbb_conn_events(io, c, EPOLLIN | EPOLLOUT);
            return 1;
        }
        return -1;
    }
    c->out_off = 0;
    c->out_len = 0;
    if (c->out_blocked) {
        c->out_blocked = false;
        xbb_conn_events(io, c, EPOLLIN);
    }
    return 0;
}

ssize_t xbb_conn_read(xbb_conn *c, unsigned char *buf, size_t cap)
{
    if (c->ssl != NULL) {
        size_t got = 0;
        while (got < cap) {
            size_t want = cap - got > 1048576u ? 1048576u : cap - got;
            int n = SSL_read(c->ssl, buf + got, (int)want);
            if (n > 0) {
                got += (size_t)n;
                continue;
            }
            int e = SSL_get_error(c->ssl, n);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                break;
            }
            ERR_clear_error();
            return got > 0 ? (ssize_t)got : -1;
        }
        return (ssize_t)got;
    }
    for (;;) {
        ssize_t n = recv(c->fd, buf, cap, 0);
        if (n > 0) {
            return n;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        }
        return -1;                               /* 0: the server closed */
    }
}

void xbb_conn_close(xbb_io *io, xbb_conn *c)
{
    if (c->ssl != NULL) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        (void)epoll_ctl(io->ep, EPOLL_CTL_DEL, c->fd, NULL);
        (void)close(c->fd);
        c->fd = -1;
    }
    free(c->out);
    free(c->in);
    free(c->ring);
    c->out = NULL;
    c->in = NULL;
    c->ring = NULL;
    c->ring_len = 0;
    c->out_off = c->out_len = c->out_cap = 0;
    c->in_len = c->in_cap = 0;
    c->state = XBB_ST_DEAD;
}
