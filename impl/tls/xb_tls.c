/*
 * xb_tls.c — the TLS server context: certificate chain, key, protocol versions,
 * ciphers and the fixed policy of spec/transport.md §2 (see xb_tls.h).
 */
#include "tls/xb_tls_int.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void xb_tls_fail(xb_tls_status *st, xb_tls_status code, char *err, size_t errlen,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* err = the message, then the reason OpenSSL queued ("...: no such file"). */
static void xb_tls_fail(xb_tls_status *st, xb_tls_status code, char *err, size_t errlen,
                        const char *fmt, ...) {
  *st = code;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  unsigned long e = ERR_peek_last_error();
  if (e != 0 && n >= 0 && (size_t)n < errlen) {
    const char *r = ERR_reason_error_string(e);
    snprintf(err + n, errlen - (size_t)n, ": %s", r != NULL ? r : "TLS library error");
  }
  ERR_clear_error();
}

/* An encrypted key must fail, never prompt on the terminal (XB-TRANS-17: the key file
 * is an unencrypted PEM). */
static int xb_tls_no_password(char *buf, int size, int rwflag, void *u) {
  (void)buf;
  (void)size;
  (void)rwflag;
  (void)u;
  return -1;
}

/* The intermediates of --tls-ca-chain, appended to the chain sent to clients. */
static int xb_tls_add_chain(SSL_CTX *ctx, const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  int n = 0;
  X509 *x;
  while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
    if (SSL_CTX_add0_chain_cert(ctx, x) != 1) {
      X509_free(x);
      fclose(f);
      return -1;
    }
    n++;
  }
  fclose(f);
  /* The loop ends on "no start line" at the end of the file: not an error. */
  unsigned long e = ERR_peek_last_error();
  if (n > 0 && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) ERR_clear_error();
  if (n == 0) errno = EINVAL;
  return n > 0 ? 0 : -1;
}

xb_tls *xb_tls_create(const xb_tls_config *cfg, xb_tls_status *st, char *err, size_t errlen) {
  *st = XB_TLS_OK;
  err[0] = '\0';
  ERR_clear_error();
  int min = TLS1_2_VERSION; /* XB-TRANS-11 */
  if (cfg->min_version != NULL && strcmp(cfg->min_version, "1.2") != 0) {
    if (strcmp(cfg->min_version, "1.3") != 0) {
      xb_tls_fail(st, XB_TLS_ECONFIG, err, errlen, "tls-min-version: \"%s\" is not 1.2 or 1.3",
                  cfg->min_version);
      return NULL;
    }
    min = TLS1_3_VERSION;
  }
  if (cfg->cert_file == NULL || cfg->key_file == NULL) {
    xb_tls_fail(st, XB_TLS_ECONFIG, err, errlen, "TLS needs both tls-cert and tls-key");
    return NULL;
  }
  xb_tls *t = calloc(1, sizeof *t);
  if (t == NULL) {
    xb_tls_fail(st, XB_TLS_EFILE, err, errlen, "out of memory");
    return NULL;
  }
  t->ctx = SSL_CTX_new(TLS_server_method());
  t->bio = xb_tls_bio_method_new();
  if (t->ctx == NULL || t->bio == NULL) {
    xb_tls_fail(st, XB_TLS_EFILE, err, errlen, "cannot create the TLS context");
    goto fail;
  }
  SSL_CTX *ctx = t->ctx;
  /* XB-TRANS-11: 1.2 and 1.3 only; an older ClientHello gets protocol_version. */
  if (SSL_CTX_set_min_proto_version(ctx, min) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    xb_tls_fail(st, XB_TLS_ECONFIG, err, errlen, "cannot set the TLS versions");
    goto fail;
  }
  /* XB-TRANS-12 no compression; XB-TRANS-13 no renegotiation (no_renegotiation alert);
   * a TCP end without close_notify is an end of stream, not an error (MQTT packets are
   * self-delimiting, so truncation cannot go unnoticed). */
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_CIPHER_SERVER_PREFERENCE);
  /* Non-blocking writes that may be retried with the queue's bytes at a new address;
   * idle connections give their record buffers back. */
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_read_ahead(ctx, 1); /* one read(2) per burst of records, not two per record */
  /* No server-side session cache: memory stays flat over any number of handshakes. */
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 1);
  /* XB-TRANS-15: no CertificateRequest. No ALPN callback (XB-TRANS-19) and no
   * servername callback (XB-TRANS-16): one chain for every ClientHello. */
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  /* XB-TRANS-18 */
  const char *ciphers = cfg->ciphers != NULL ? cfg->ciphers : XB_TLS_DEFAULT_CIPHERS;
  if (SSL_CTX_set_cipher_list(ctx, ciphers) != 1) {
    xb_tls_fail(st, XB_TLS_ECONFIG, err, errlen, "tls-ciphers: no usable cipher in \"%s\"", ciphers);
    goto fail;
  }
  if (cfg->ciphersuites != NULL && SSL_CTX_set_ciphersuites(ctx, cfg->ciphersuites) != 1) {
    xb_tls_fail(st, XB_TLS_ECONFIG, err, errlen, "tls-ciphersuites: no usable suite in \"%s\"",
                cfg->ciphersuites);
    goto fail;
  }
  /* XB-TRANS-17: chain and key read at startup; any failure is exit status 1. */
  SSL_CTX_set_default_passwd_cb(ctx, xb_tls_no_password);
  if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
    xb_tls_fail(st, XB_TLS_EFILE, err, errlen, "tls-cert %s: cannot read the certificate chain",
                cfg->cert_file);
    goto fail;
  }
  if (cfg->ca_chain_file != NULL && xb_tls_add_chain(ctx, cfg->ca_chain_file) < 0) {
    xb_tls_fail(st, XB_TLS_EFILE, err, errlen, "tls-ca-chain %s: cannot read PEM certificates",
                cfg->ca_chain_file);
    goto fail;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      xb_tls_fail(st, XB_TLS_EFILE, err, errlen, "tls-key %s does not match the certificate of %s",
                  cfg->key_file, cfg->cert_file);
      goto fail;
    }
    xb_tls_fail(st, XB_TLS_EFILE, err, errlen,
                "tls-key %s: cannot read an unencrypted PEM private key", cfg->key_file);
    goto fail;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    xb_tls_fail(st, XB_TLS_EFILE, err, errlen, "tls-key %s does not match the certificate of %s",
                cfg->key_file, cfg->cert_file);
    goto fail;
  }
  ERR_clear_error();
  return t;
fail:
  xb_tls_destroy(t);
  return NULL;
}

void xb_tls_destroy(xb_tls *t) {
  if (t == NULL) return;
  SSL_CTX_free(t->ctx);
  BIO_meth_free(t->bio);
  free(t);
}

void xb_tls_get_stats(const xb_tls *t, xb_tls_stats *out) { *out = t->st; }
