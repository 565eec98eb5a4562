/*
 * xb_config.h — xbridge's settings: options and configuration file (spec/limits.md §2).
 *
 * Every setting is an option `--NAME VALUE` or `--NAME=VALUE`; `--config FILE` reads
 * lines `NAME = VALUE` with the same names. Command-line values override the file's
 * whatever their position; `listen` / `listen-tls` accumulate, and a command-line list
 * replaces the file's (XB-LIM-13). Aliases (issue #7's names): `tls-listen` for
 * `listen-tls`, `cert` for `tls-cert`, `key` for `tls-key`, `ca-chain` for
 * `tls-ca-chain`; an alias and its option are the same setting. Errors name the option (and FILE:LINE) and make the
 * program exit with status 2 before any listener is bound (XB-LIM-14, XB-SCOPE-11).
 */
#ifndef XB_CONFIG_H
#define XB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "session/xb_session.h"

typedef struct {
  xb_session_config s;            /* the session layer's limits */
  uint32_t max_datapoints;        /* XB-LIM-8 */
  uint32_t tls_handshake_timeout; /* XB-TRANS-14 */
  char **listen;                  /* plain listeners (XB-TRANS-1, XB-TRANS-2) */
  size_t nlisten;
  bool listen_default;            /* the list is the default one (IPv6 may be skipped) */
  char **listen_tls;              /* TLS listeners (XB-TRANS-3) */
  size_t nlisten_tls;
  bool listen_tls_default;        /* the TLS list is the default one */
  char *tls_cert, *tls_key;       /* XB-TRANS-17 */
  char *tls_ca_chain;             /* extra PEM intermediates sent after tls-cert's */
  char *tls_min_version;          /* "1.2" or "1.3" (XB-TRANS-11); NULL: 1.2 */
  char *tls_ciphers;              /* TLS 1.2 cipher list (XB-TRANS-18); NULL: default */
  char *tls_ciphersuites;         /* TLS 1.3 suites; NULL: the library's */
  char *db;                       /* XB-STORE-1: default var/xbridge.db */
  char *api_base_url, *site_base_url; /* XB-RES-15, NULL: the engine's defaults */
  int log_level;                  /* xb_log_level; XB-ERR-3 default info */
  char *config;                   /* --config FILE, if any */
} xb_config;

typedef enum { XB_CONFIG_OK = 0, XB_CONFIG_HELP = 1, XB_CONFIG_ERROR = 2 } xb_config_result;

/* Parse argv (and the --config file). On XB_CONFIG_ERROR err holds the message. The
 * config must be freed with xb_config_free whatever the result. */
xb_config_result xb_config_load(xb_config *cfg, int argc, char **argv, char *err, size_t errlen);
void xb_config_free(xb_config *cfg);

/* `--help`: every option with its default and range. */
void xb_config_usage(FILE *f);

/* XB-LIM-16: one `config` log line with the effective value of every limit. */
void xb_config_log(const xb_config *cfg);

#endif
