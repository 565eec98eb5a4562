/*
 * xb_tls.h — MQTT over TLS for the bridge's TLS listeners (spec/transport.md §2), on
 * OpenSSL. This header is the whole interface: no OpenSSL type crosses it, so the
 * session layer (impl/session) and its fuzz harness never see OpenSSL. The bridge
 * program wires it to the session layer through xb_server_secure (xb_session.h).
 *
 *   xb_tls *t = xb_tls_create(&cfg, &st, err, sizeof err);   // at startup
 *   ... on each accepted connection of a TLS listener:
 *   xb_tls_attach(t, c, done);          // c becomes a TLS server connection
 *   ... done(c, NULL) when its handshake completes, done(c, why) when it fails ...
 *   xb_tls_destroy(t);                  // after every connection is gone
 *
 * What a TLS connection is (xb_tls_conn.c): an xb_transport_ops (net/xb_net.h) of the
 * connection, so the net layer's single-threaded event loop drives it. Nothing blocks:
 * the handshake advances inside the transport's read (and write) calls, each of which
 * may want the other direction first (XB_IO_WANT_READ / XB_IO_WANT_WRITE), and the
 * net layer arms the matching watch. The handshake timeout is the session's deadline
 * (XB-TRANS-14), the CONNECT timeout starts at done(c, NULL) (XB-TRANS-20).
 *
 * Policy, fixed here whatever the options say:
 *   - TLS 1.2 and 1.3 only (XB-TRANS-11); `min_version` "1.3" drops 1.2;
 *   - no compression (XB-TRANS-12), no renegotiation (XB-TRANS-13: a ClientHello after
 *     the handshake gets a no_renegotiation alert), no CertificateRequest
 *     (XB-TRANS-15), the same chain whatever the SNI (XB-TRANS-16), no ALPN selected
 *     (XB-TRANS-19);
 *   - TLS 1.2 offers only ECDHE with AEAD (XB-TRANS-18) unless `ciphers` says
 *     otherwise; TLS 1.3 uses the library's suites unless `ciphersuites` says otherwise;
 *   - close_notify before the server closes an established connection (XB-TRANS-21);
 *   - no server-side session cache (so memory does not grow with handshakes); TLS 1.3
 *     resumption still works through stateless tickets.
 */
#ifndef XB_TLS_H
#define XB_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "net/xb_net.h"

typedef struct xb_tls xb_tls;

typedef struct {
  const char *cert_file;     /* PEM chain, leaf first (XB-TRANS-17); required */
  const char *key_file;      /* PEM unencrypted private key (XB-TRANS-17); required */
  const char *ca_chain_file; /* optional PEM intermediates, sent after the cert file's */
  const char *min_version;   /* "1.2" (NULL: 1.2) or "1.3" */
  const char *ciphers;       /* TLS 1.2 cipher list (NULL: XB_TLS_DEFAULT_CIPHERS) */
  const char *ciphersuites;  /* TLS 1.3 suites (NULL: the library's default) */
} xb_tls_config;

/* XB-TRANS-18: ECDHE key exchange with AEAD ciphers only (Mozilla "intermediate"
 * without the DHE suites). */
#define XB_TLS_DEFAULT_CIPHERS                                                        \
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                       \
  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"                       \
  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

typedef enum {
  XB_TLS_OK = 0,
  XB_TLS_EFILE = 1,  /* unreadable certificate / key / chain, or a key that does not
                        match the certificate: exit status 1 (XB-TRANS-17) */
  XB_TLS_ECONFIG = 2 /* a bad option value (version, cipher list): exit status 2 */
} xb_tls_status;

/* The server context; NULL with *st and err set on failure. */
xb_tls *xb_tls_create(const xb_tls_config *cfg, xb_tls_status *st, char *err, size_t errlen);
/* Frees the context. Every connection attached to it must be gone (its destroy ran). */
void xb_tls_destroy(xb_tls *t);

/* Called once per attached connection when its handshake ends, from inside a read or
 * write of the net layer: detail NULL on success, else a short reason ("wrong version
 * number", "connection closed during the handshake") for the `tls-handshake` log line
 * (XB-ERR-24). It may close c (xb_conn_close) but must not free anything of it. */
typedef void (*xb_tls_done_fn)(xb_conn *c, const char *detail);

/* Makes c, just accepted and not read yet, a TLS server connection. 0, or -1 when out
 * of memory (nothing attached). */
int xb_tls_attach(xb_tls *t, xb_conn *c, xb_tls_done_fn done);

/* Why the TLS layer of c failed ("decryption failed or bad record mac"), for the log
 * line of its close; NULL when c is not a TLS connection or nothing failed. The text
 * is valid until the next call. */
const char *xb_tls_conn_error(const xb_conn *c);

/* The negotiated protocol ("TLSv1.3") of an established connection, else NULL. */
const char *xb_tls_conn_version(const xb_conn *c);

typedef struct {
  uint64_t attached;   /* connections attached */
  uint64_t handshakes; /* handshakes completed */
  uint64_t failures;   /* handshakes failed */
  uint32_t live;       /* attached and not destroyed yet */
} xb_tls_stats;
void xb_tls_get_stats(const xb_tls *t, xb_tls_stats *out);

#endif
