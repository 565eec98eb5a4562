/*
 * cf_tls — TLS client side of the conformance suite (OpenSSL), used for --tls-port.
 */
#ifndef CF_TLS_H
#define CF_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct cf_tls cf_tls;

typedef struct cf_tls_opts {
  int min_version; /* OpenSSL TLS1_x_VERSION, 0: library default */
  int max_version;
  const char *sni;  /* NULL: none */
  bool alpn;        /* offer ALPN "mqtt" */
  bool no_verify;   /* do not verify the certificate chain */
} cf_tls_opts;

/* Handshake on connected socket fd; NULL on failure with why set. */
cf_tls *cf_tls_client(int fd, const cf_tls_opts *o, char *why, size_t whylen);
ssize_t cf_tls_write(cf_tls *t, const void *p, size_t n);
/* > 0 bytes, 0 end of stream (close_notify or EOF), -1 error, -2 would block. */
ssize_t cf_tls_read(cf_tls *t, void *p, size_t n);
bool cf_tls_pending(cf_tls *t);
void cf_tls_free(cf_tls *t);
/* Negotiated protocol name ("TLSv1.3"), compression in use, ALPN selected. */
const char *cf_tls_version(const cf_tls *t);
bool cf_tls_compressed(const cf_tls *t);
bool cf_tls_alpn_selected(const cf_tls *t);
/* Try a TLS 1.2 renegotiation; true only when a new handshake completed. */
bool cf_tls_renegotiate(cf_tls *t);

#endif
