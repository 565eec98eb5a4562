/* Connection I/O: non-blocking sockets, optional TLS, one epoll set. */
#ifndef XBB_IO_H
#define XBB_IO_H

#include "xbb.h"

#include <sys/socket.h>
#include <sys/types.h>

typedef struct {
    int ep;
    SSL_CTX *ctx;                 /* NULL without --tls */
    const char *host;             /* TLS server name */
    struct sockaddr_storage addr;
    socklen_t addr_len;
} xbb_io;

int xbb_io_init(xbb_io *io, const char *host, const char *port, bool tls,
                const char *cafile, char *err, size_t err_len);
/* Starts a non-blocking connect and registers c (epoll data = c->index). */
int xbb_conn_open(xbb_io *io, xbb_conn *c);
/* After the first writability: 0 when the TCP connect succeeded (errno set if not). */
int xbb_conn_connected(xbb_conn *c);
/* One TLS handshake step: 1 done, 0 in progress, -1 failed. */
int xbb_conn_tls_step(xbb_io *io, xbb_conn *c);
void xbb_conn_events(xbb_io *io, xbb_conn *c, uint32_t events);
/* Room for n more bytes at the end of the output buffer (commit with out_len += n). */
unsigned char *xbb_conn_reserve(xbb_conn *c, size_t n);
int xbb_conn_queue(xbb_conn *c, const unsigned char *p, size_t n);
/* Writes what it can: 0 all written, 1 blocked (EPOLLOUT armed), -1 broken. */
int xbb_conn_flush(xbb_io *io, xbb_conn *c);
/* Reads what is available: bytes read, 0 when nothing now, -1 closed or broken. */
ssize_t xbb_conn_read(xbb_conn *c, unsigned char *buf, size_t cap);
void xbb_conn_close(xbb_io *io, xbb_conn *c);

#endif
