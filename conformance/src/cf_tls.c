/*
 * cf_tls — OpenSSL client for the TLS checks (see cf_tls.h).
 */
#include "cf_tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_mqtt.h"

struct cf_tls {
  SSL_CTX *ctx;
  SSL *ssl;
};

static void ssl_err(char *why, size_t whylen, const char *what) {
  unsigned long e = ERR_get_error();
  char buf[256];
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  else snprintf(buf, sizeof buf, "%s", errno ? strerror(errno) : "no detail");
  snprintf(why, whylen, "%s: %s", what, buf);
  ERR_clear_error();
}

cf_tls *cf_tls_client(int fd, const cf_tls_opts *o, char *why, size_t whylen) {
  static const cf_tls_opts defaults = {0, 0, NULL, false, false};
  if (o == NULL) o = &defaults;
  cf_tls *t = calloc(1, sizeof *t);
  if (t == NULL) abort();
  t->ctx = SSL_CTX_new(TLS_client_method());
  if (t->ctx == NULL) {
    ssl_err(why, whylen, "SSL_CTX_new");
    free(t);
    return NULL;
  }
  /* Old protocol versions are refused by the library's default security level; the
   * checks that offer them on purpose need level 0. */
  if (o->max_version != 0 && o->max_version < TLS1_2_VERSION)
    SSL_CTX_set_security_level(t->ctx, 0);
  if (o->min_version) SSL_CTX_set_min_proto_version(t->ctx, o->min_version);
  if (o->max_version) SSL_CTX_set_max_proto_version(t->ctx, o->max_version);
  if (!o->no_verify) {
    if (cf_net.cafile == NULL ||
        SSL_CTX_load_verify_locations(t->ctx, cf_net.cafile, NULL) != 1) {
      ssl_err(why, whylen, "cannot load --cafile");
      cf_tls_free(t);
      return NULL;
    }
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
  }
  t->ssl = SSL_new(t->ctx);
  if (t->ssl == NULL || SSL_set_fd(t->ssl, fd) != 1) {
    ssl_err(why, whylen, "SSL_new");
    cf_tls_free(t);
    return NULL;
  }
  if (o->sni != NULL) SSL_set_tlsext_host_name(t->ssl, o->sni);
  if (o->alpn) {
    static const unsigned char proto[] = {4, 'm', 'q', 't', 't'};
    SSL_set_alpn_protos(t->ssl, proto, sizeof proto);
  }
  if (SSL_connect(t->ssl) != 1) {
    ssl_err(why, whylen, "TLS handshake failed");
    cf_tls_free(t);
    return NULL;
  }
  return t;
}

ssize_t cf_tls_write(cf_tls *t, const void *p, size_t n) {
  int k = SSL_write(t->ssl, p, n > 0x40000000u ? 0x40000000 : (int)n);
  if (k <= 0) {
    errno = EPIPE;
    return -1;
  }
  return k;
}

ssize_t cf_tls_read(cf_tls *t, void *p, size_t n) {
  int k = SSL_read(t->ssl, p, n > 0x40000000u ? 0x40000000 : (int)n);
  if (k > 0) return k;
  int e = SSL_get_error(t->ssl, k);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -2;
  if (e == SSL_ERROR_ZERO_RETURN) return 0;
  ERR_clear_error();
  errno = ECONNRESET;
  return e == SSL_ERROR_SYSCALL && k == 0 ? 0 : -1;
}

bool cf_tls_pending(cf_tls *t) { return SSL_pending(t->ssl) > 0; }

void cf_tls_free(cf_tls *t) {
  if (t == NULL) return;
  if (t->ssl != NULL) SSL_free(t->ssl);
  if (t->ctx != NULL) SSL_CTX_free(t->ctx);
  free(t);
}

const char *cf_tls_version(const cf_tls *t) { return SSL_get_version(t->ssl); }

bool cf_tls_compressed(const cf_tls *t) {
  return SSL_get_current_compression(t->ssl) != NULL;
}

bool cf_tls_alpn_selected(const cf_tls *t) {
  const unsigned char *p = NULL;
  unsigned int n = 0;
  SSL_get0_alpn_selected(t->ssl, &p, &n);
  return n > 0;
}

bool cf_tls_renegotiate(cf_tls *t) {
  if (SSL_renegotiate(t->ssl) != 1) {
    ERR_clear_error();
    return false;
  }
  int r = SSL_do_handshake(t->ssl);
  ERR_clear_error();
  return r == 1 && SSL_renegotiate_pending(t->ssl) == 0;
}
