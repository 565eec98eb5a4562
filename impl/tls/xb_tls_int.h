/*
 * xb_tls_int.h — internals shared by xb_tls.c (the server context) and xb_tls_conn.c
 * (one TLS connection). Not part of the interface: only impl/tls includes OpenSSL.
 */
#ifndef XB_TLS_INT_H
#define XB_TLS_INT_H

#include "tls/xb_tls.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

struct xb_tls {
  SSL_CTX *ctx;
  BIO_METHOD *bio; /* socket BIO writing with MSG_NOSIGNAL (xb_tls_conn.c) */
  xb_tls_stats st;
};

/* xb_tls_conn.c: the BIO method of the connections' sockets. */
BIO_METHOD *xb_tls_bio_method_new(void);

#endif
