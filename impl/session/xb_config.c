/*
 * xb_config.c — options and configuration file of xbridge (spec/limits.md §2).
 *
 * Both sources are first read into (option, value) pairs, each source checked on its
 * own for unknown names and repeated names; the file's pairs are then applied, then the
 * command line's, so the command line wins whatever the position of --config
 * (XB-LIM-13). Values are validated when applied, with the message naming the option
 * and, for the file, FILE:LINE (XB-LIM-14).
 */
#include "session/xb_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "net/xb_log.h"

enum { K_U32, K_SIZE, K_STR, K_LIST, K_LEVEL };
enum { T_SESS, T_CFG };

typedef struct {
  const char *name;
  int kind;
  int target;   /* field of cfg->s or of cfg */
  size_t off;
  uint64_t min, max;
  const char *help;
} xb_opt;

#define S_U32(f) K_U32, T_SESS, offsetof(xb_session_config, f)
#define S_SIZE(f) K_SIZE, T_SESS, offsetof(xb_session_config, f)
#define C_OF(k, f) k, T_CFG, offsetof(xb_config, f)

static const xb_opt xb_opts[] = {
    {"max-packet-size", S_SIZE(max_packet), 1024, 268435455,
     "largest packet, fixed header included (262144)"},
    {"max-payload-size", S_SIZE(max_payload), 1, 268435455,
     "largest PUBLISH payload or will message written to the API (65536)"},
    {"max-topic-length", S_SIZE(max_topic), 16, 65535, "longest topic or filter (1024)"},
    {"max-client-id-length", S_SIZE(max_client_id), 23, 65535,
     "longest client id at level 4 (128)"},
    {"max-connections", S_U32(max_connections), 1, 1000000, "connections served (10000)"},
    {"max-subscriptions", S_U32(max_subscriptions), 1, 65535,
     "subscriptions per connection (64)"},
    {"max-inflight-qos2", S_U32(max_inflight_qos2), 1, 65535,
     "QoS 2 packet ids awaiting PUBREL per connection (64)"},
    {"keepalive-min", S_U32(keepalive_min), 0, 65535, "lowest keep alive enforced (0)"},
    {"keepalive-max", S_U32(keepalive_max), 1, 65535,
     "highest keep alive enforced; below 65535 it bounds keep alive 0 too (65535)"},
    {"connect-timeout", S_U32(connect_timeout), 1, 3600,
     "seconds to receive CONNECT (10)"},
    {"tls-handshake-timeout", C_OF(K_U32, tls_handshake_timeout), 1, 3600,
     "seconds to complete a TLS handshake (10)"},
    {"output-queue-size", S_SIZE(output_queue), 65536, 1073741824,
     "bytes queued per connection before deliveries are dropped (1048576)"},
    {"slow-subscriber-grace", S_U32(slow_grace), 1, 3600,
     "seconds a congested connection is kept (30)"},
    {"max-datapoints", C_OF(K_U32, max_datapoints), 1, 100000,
     "datapoints per write request (500)"},
    {"listen", C_OF(K_LIST, listen), 0, 0,
     "ADDR:PORT of a plain listener, repeatable; `none` for no plain listener "
     "(0.0.0.0:1883 and [::]:1883)"},
    {"listen-tls", C_OF(K_LIST, listen_tls), 0, 0,
     "ADDR:PORT of a TLS listener, repeatable (0.0.0.0:8883 and [::]:8883 with a "
     "certificate; alias --tls-listen)"},
    {"tls-cert", C_OF(K_STR, tls_cert), 0, 0,
     "PEM certificate chain for TLS, leaf first (alias --cert)"},
    {"tls-key", C_OF(K_STR, tls_key), 0, 0, "unencrypted PEM private key for TLS (alias --key)"},
    {"tls-ca-chain", C_OF(K_STR, tls_ca_chain), 0, 0,
     "PEM intermediates sent after those of tls-cert (alias --ca-chain)"},
    {"tls-min-version", C_OF(K_STR, tls_min_version), 0, 0, "1.2 or 1.3 (1.2)"},
    {"tls-ciphers", C_OF(K_STR, tls_ciphers), 0, 0,
     "TLS 1.2 cipher list, OpenSSL syntax (ECDHE with AES-GCM and ChaCha20-Poly1305)"},
    {"tls-ciphersuites", C_OF(K_STR, tls_ciphersuites), 0, 0,
     "TLS 1.3 suites, OpenSSL syntax (the library's default)"},
    {"db", C_OF(K_STR, db), 0, 0, "SQLite store (var/xbridge.db)"},
    {"api-base-url", C_OF(K_STR, api_base_url), 0, 0,
     "base of API URLs in representations (https://api.xively.com)"},
    {"site-base-url", C_OF(K_STR, site_base_url), 0, 0,
     "base of site URLs in representations (https://xively.com)"},
    {"log-level", C_OF(K_LEVEL, log_level), 0, 0, "error, warn, info or debug (info)"},
    {"config", C_OF(K_STR, config), 0, 0, "read settings from FILE (NAME = VALUE lines)"},
};
#define XB_NOPTS (sizeof xb_opts / sizeof xb_opts[0])

typedef struct {
  size_t opt;
  char *value; /* owned */
  unsigned line; /* 0: command line */
} xb_pair;

typedef struct {
  xb_pair *p;
  size_t n, cap;
} xb_pairs;

static bool xb_pairs_add(xb_pairs *ps, size_t opt, const char *v, size_t vlen, unsigned line) {
  if (ps->n == ps->cap) {
    size_t cap = ps->cap ? ps->cap * 2 : 16;
    xb_pair *np = realloc(ps->p, cap * sizeof *np);
    if (np == NULL) return false;
    ps->p = np;
    ps->cap = cap;
  }
  char *copy = malloc(vlen + 1);
  if (copy == NULL) return false;
  memcpy(copy, v, vlen);
  copy[vlen] = '\0';
  ps->p[ps->n++] = (xb_pair){opt, copy, line};
  return true;
}

static void xb_pairs_free(xb_pairs *ps) {
  for (size_t i = 0; i < ps->n; i++) free(ps->p[i].value);
  free(ps->p);
  ps->p = NULL;
  ps->n = ps->cap = 0;
}

static xb_config_result xb_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static xb_config_result xb_fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return XB_CONFIG_ERROR;
}

/* The names issue #7 used, kept as aliases of the spec's (XB-TRANS-3, XB-TRANS-17). */
static const char *const xb_aliases[][2] = {
    {"tls-listen", "listen-tls"}, {"cert", "tls-cert"}, {"key", "tls-key"},
    {"ca-chain", "tls-ca-chain"}};

static long xb_opt_find(const char *name, size_t n) {
  for (size_t a = 0; a < sizeof xb_aliases / sizeof xb_aliases[0]; a++)
    if (strlen(xb_aliases[a][0]) == n && memcmp(xb_aliases[a][0], name, n) == 0) {
      name = xb_aliases[a][1];
      n = strlen(name);
      break;
    }
  for (size_t i = 0; i < XB_NOPTS; i++)
    if (strlen(xb_opts[i].name) == n && memcmp(xb_opts[i].name, name, n) == 0) return (long)i;
  return -1;
}

/* XB-LIM-13: any name but the lists may appear once per source. */
static bool xb_dup(const xb_pairs *ps, size_t opt) {
  if (xb_opts[opt].kind == K_LIST) return false;
  for (size_t i = 0; i < ps->n; i++)
    if (ps->p[i].opt == opt) return true;
  return false;
}

/* "where: " prefix of a message: "--name" or "FILE:LINE: name". */
static void xb_where(char *out, size_t cap, const xb_config *cfg, const xb_pair *p) {
  if (p->line == 0) snprintf(out, cap, "--%s", xb_opts[p->opt].name);
  else snprintf(out, cap, "%s:%u: %s", cfg->config, p->line, xb_opts[p->opt].name);
}

static bool xb_parse_uint(const char *s, uint64_t *out) {
  if (*s == '\0') return false;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false; /* no sign, no suffix (XB-LIM-14) */
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

static bool xb_list_add(char ***list, size_t *n, const char *v) {
  char **nl = realloc(*list, (*n + 1) * sizeof *nl);
  if (nl == NULL) return false;
  *list = nl;
  nl[*n] = strdup(v);
  if (nl[*n] == NULL) return false;
  (*n)++;
  return true;
}

static void xb_list_free(char ***list, size_t *n) {
  for (size_t i = 0; i < *n; i++) free((*list)[i]);
  free(*list);
  *list = NULL;
  *n = 0;
}

static xb_config_result xb_apply(xb_config *cfg, const xb_pair *p, char *err, size_t errlen) {
  const xb_opt *o = &xb_opts[p->opt];
  char where[600];
  xb_where(where, sizeof where, cfg, p);
  void *base = o->target == T_SESS ? (void *)&cfg->s : (void *)cfg;
  char *field = (char *)base + o->off;
  switch (o->kind) {
    case K_U32:
    case K_SIZE: {
      uint64_t v = 0;
      if (!xb_parse_uint(p->value, &v))
        return xb_fail(err, errlen, "%s: \"%s\" is not a decimal number", where, p->value);
      if (v < o->min || v > o->max)
        return xb_fail(err, errlen, "%s: %s is outside %llu..%llu", where, p->value,
                       (unsigned long long)o->min, (unsigned long long)o->max);
      if (o->kind == K_U32) {
        uint32_t x = (uint32_t)v;
        memcpy(field, &x, sizeof x);
      } else {
        size_t x = (size_t)v;
        memcpy(field, &x, sizeof x);
      }
      return XB_CONFIG_OK;
    }
    case K_LEVEL: {
      xb_log_level l;
      if (xb_log_parse_level(p->value, &l) < 0)
        return xb_fail(err, errlen, "%s: \"%s\" is not one of error, warn, info, debug", where,
                       p->value);
      cfg->log_level = (int)l;
      return XB_CONFIG_OK;
    }
    case K_STR: {
      char **dst = (char **)(void *)field;
      if (p->value[0] == '\0') return xb_fail(err, errlen, "%s: empty value", where);
      free(*dst);
      *dst = strdup(p->value);
      return *dst != NULL ? XB_CONFIG_OK : xb_fail(err, errlen, "out of memory");
    }
    default: {
      bool tls = o->off == offsetof(xb_config, listen_tls);
      char ***list = tls ? &cfg->listen_tls : &cfg->listen;
      size_t *n = tls ? &cfg->nlisten_tls : &cfg->nlisten;
      if (p->value[0] == '\0') return xb_fail(err, errlen, "%s: empty address", where);
      if (!xb_list_add(list, n, p->value)) return xb_fail(err, errlen, "out of memory");
      return XB_CONFIG_OK;
    }
  }
}

static xb_config_result xb_read_argv(xb_pairs *ps, int argc, char **argv, char *err,
                                     size_t errlen) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return XB_CONFIG_HELP;
    if (strncmp(a, "--", 2) != 0)
      return xb_fail(err, errlen, "unexpected argument \"%s\" (options are --NAME VALUE)", a);
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);
    long o = xb_opt_find(name, nlen);
    if (o < 0) return xb_fail(err, errlen, "unknown option --%.*s (see --help)", (int)nlen, name);
    const char *v;
    if (eq != NULL) {
      v = eq + 1;
    } else {
      if (i + 1 >= argc) return xb_fail(err, errlen, "--%s needs a value", xb_opts[o].name);
      v = argv[++i];
    }
    if (xb_dup(ps, (size_t)o))
      return xb_fail(err, errlen, "--%s given twice", xb_opts[o].name);
    if (!xb_pairs_add(ps, (size_t)o, v, strlen(v), 0)) return xb_fail(err, errlen, "out of memory");
  }
  return XB_CONFIG_OK;
}

static bool xb_blank(char c) { return c == ' ' || c == '\t'; }

static xb_config_result xb_read_file(xb_pairs *ps, const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return xb_fail(err, errlen, "%s: %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  unsigned no = 0;
  xb_config_result r = XB_CONFIG_OK;
  while (r == XB_CONFIG_OK && (got = getline(&line, &cap, f)) >= 0) {
    no++;
    size_t n = (size_t)got;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    size_t b = 0;
    while (b < n && xb_blank(line[b])) b++;
    if (b == n || line[b] == '#') continue; /* XB-LIM-12 */
    char *eq = memchr(line + b, '=', n - b);
    if (eq == NULL) {
      r = xb_fail(err, errlen, "%s:%u: expected NAME = VALUE", path, no);
      break;
    }
    size_t ne = (size_t)(eq - line);
    while (ne > b && xb_blank(line[ne - 1])) ne--;
    size_t vb = (size_t)(eq - line) + 1, ve = n;
    while (vb < ve && xb_blank(line[vb])) vb++;
    while (ve > vb && xb_blank(line[ve - 1])) ve--;
    long o = xb_opt_find(line + b, ne - b);
    if (o < 0 || strcmp(xb_opts[o].name, "config") == 0) {
      r = xb_fail(err, errlen, "%s:%u: unknown setting \"%.*s\"", path, no, (int)(ne - b), line + b);
    } else if (xb_dup(ps, (size_t)o)) {
      r = xb_fail(err, errlen, "%s:%u: %s given twice", path, no, xb_opts[o].name);
    } else if (!xb_pairs_add(ps, (size_t)o, line + vb, ve - vb, no)) {
      r = xb_fail(err, errlen, "out of memory");
    }
  }
  if (r == XB_CONFIG_OK && ferror(f)) r = xb_fail(err, errlen, "%s: read error", path);
  free(line);
  fclose(f);
  return r;
}

static bool xb_has_opt(const xb_pairs *ps, const char *name) {
  for (size_t i = 0; i < ps->n; i++)
    if (strcmp(xb_opts[ps->p[i].opt].name, name) == 0) return true;
  return false;
}

xb_config_result xb_config_load(xb_config *cfg, int argc, char **argv, char *err, size_t errlen) {
  memset(cfg, 0, sizeof *cfg);
  xb_session_config_default(&cfg->s);
  cfg->max_datapoints = 500;
  cfg->tls_handshake_timeout = 10;
  cfg->log_level = XB_LOG_INFO;
  err[0] = '\0';
  xb_pairs cl = {0}, fl = {0};
  xb_config_result r = xb_read_argv(&cl, argc, argv, err, errlen);
  for (size_t i = 0; r == XB_CONFIG_OK && i < cl.n; i++)
    if (strcmp(xb_opts[cl.p[i].opt].name, "config") == 0) r = xb_apply(cfg, &cl.p[i], err, errlen);
  if (r == XB_CONFIG_OK && cfg->config != NULL) r = xb_read_file(&fl, cfg->config, err, errlen);
  bool cl_listen = xb_has_opt(&cl, "listen"), cl_tls = xb_has_opt(&cl, "listen-tls");
  for (size_t i = 0; r == XB_CONFIG_OK && i < fl.n; i++) {
    const char *name = xb_opts[fl.p[i].opt].name;
    /* XB-LIM-13: a command-line list replaces the file's. */
    if ((cl_listen && strcmp(name, "listen") == 0) || (cl_tls && strcmp(name, "listen-tls") == 0))
      continue;
    r = xb_apply(cfg, &fl.p[i], err, errlen);
  }
  for (size_t i = 0; r == XB_CONFIG_OK && i < cl.n; i++)
    if (strcmp(xb_opts[cl.p[i].opt].name, "config") != 0) r = xb_apply(cfg, &cl.p[i], err, errlen);
  xb_pairs_free(&cl);
  xb_pairs_free(&fl);
  if (r != XB_CONFIG_OK) return r;
  /* XB-LIM-15 */
  if (cfg->s.max_payload > cfg->s.max_packet)
    return xb_fail(err, errlen, "max-payload-size (%zu) is greater than max-packet-size (%zu)",
                   cfg->s.max_payload, cfg->s.max_packet);
  if (cfg->s.keepalive_min > cfg->s.keepalive_max)
    return xb_fail(err, errlen, "keepalive-min (%u) is greater than keepalive-max (%u)",
                   cfg->s.keepalive_min, cfg->s.keepalive_max);
  /* XB-TRANS-3 */
  if (cfg->nlisten_tls > 0 && (cfg->tls_cert == NULL || cfg->tls_key == NULL))
    return xb_fail(err, errlen, "listen-tls needs both tls-cert and tls-key");
  if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
    return xb_fail(err, errlen, "tls-cert and tls-key go together");
  if (cfg->tls_cert == NULL && (cfg->tls_ca_chain != NULL || cfg->tls_min_version != NULL ||
                                cfg->tls_ciphers != NULL || cfg->tls_ciphersuites != NULL))
    return xb_fail(err, errlen, "tls-ca-chain, tls-min-version, tls-ciphers and "
                                "tls-ciphersuites need tls-cert and tls-key");
  /* XB-TRANS-11: never below TLS 1.2. */
  if (cfg->tls_min_version != NULL && strcmp(cfg->tls_min_version, "1.2") != 0 &&
      strcmp(cfg->tls_min_version, "1.3") != 0)
    return xb_fail(err, errlen, "tls-min-version: \"%s\" is not 1.2 or 1.3", cfg->tls_min_version);
  /* XB-TRANS-1, XB-TRANS-2: defaults, and `none`. */
  if (cfg->nlisten == 0) {
    if (!xb_list_add(&cfg->listen, &cfg->nlisten, "0.0.0.0:1883") ||
        !xb_list_add(&cfg->listen, &cfg->nlisten, "[::]:1883"))
      return xb_fail(err, errlen, "out of memory");
    cfg->listen_default = true;
  } else {
    bool none = false;
    for (size_t i = 0; i < cfg->nlisten; i++) none = none || strcmp(cfg->listen[i], "none") == 0;
    if (none) {
      if (cfg->nlisten > 1) return xb_fail(err, errlen, "listen none excludes other addresses");
      xb_list_free(&cfg->listen, &cfg->nlisten);
    }
  }
  if (cfg->tls_cert != NULL && cfg->nlisten_tls == 0) {
    if (!xb_list_add(&cfg->listen_tls, &cfg->nlisten_tls, "0.0.0.0:8883") ||
        !xb_list_add(&cfg->listen_tls, &cfg->nlisten_tls, "[::]:8883"))
      return xb_fail(err, errlen, "out of memory");
    cfg->listen_tls_default = true;
  }
  if (cfg->db == NULL && (cfg->db = strdup("var/xbridge.db")) == NULL)
    return xb_fail(err, errlen, "out of memory");
  return XB_CONFIG_OK;
}

void xb_config_free(xb_config *cfg) {
  xb_list_free(&cfg->listen, &cfg->nlisten);
  xb_list_free(&cfg->listen_tls, &cfg->nlisten_tls);
  free(cfg->tls_cert);
  free(cfg->tls_key);
  free(cfg->tls_ca_chain);
  free(cfg->tls_min_version);
  free(cfg->tls_ciphers);
  free(cfg->tls_ciphersuites);
  free(cfg->db);
  free(cfg->api_base_url);
  free(cfg->site_base_url);
  free(cfg->config);
  memset(cfg, 0, sizeof *cfg);
}

void xb_config_usage(FILE *f) {
  fprintf(f,
          "usage: xbridge [--config FILE] [--NAME VALUE | --NAME=VALUE]...\n"
          "The Xively MQTT bridge: an MQTT 3.1 / 3.1.1 server whose topics are Xively API\n"
          "URLs, on its own SQLite store. Options (default in parentheses):\n");
  for (size_t i = 0; i < XB_NOPTS; i++) {
    const xb_opt *o = &xb_opts[i];
    if (o->kind == K_U32 || o->kind == K_SIZE)
      fprintf(f, "  --%-22s %s; %llu..%llu\n", o->name, o->help, (unsigned long long)o->min,
              (unsigned long long)o->max);
    else
      fprintf(f, "  --%-22s %s\n", o->name, o->help);
  }
  fprintf(f, "  --%-22s this text\n"
             "A configuration file holds NAME = VALUE lines with the names above (without\n"
             "--); blank lines and lines starting with # are ignored. Command-line options\n"
             "override the file; sizes are bytes and times seconds, without unit.\n"
             "Signals: SIGTERM / SIGINT stop cleanly, SIGHUP reopens the log.\n",
          "help");
}

void xb_config_log(const xb_config *cfg) {
  const xb_session_config *s = &cfg->s;
  char listen[512] = "none", tls[512] = "none";
  size_t off = 0;
  for (size_t i = 0; i < cfg->nlisten && off < sizeof listen; i++)
    off += (size_t)snprintf(listen + off, sizeof listen - off, "%s%s", i ? "," : "", cfg->listen[i]);
  off = 0;
  for (size_t i = 0; i < cfg->nlisten_tls && off < sizeof tls; i++)
    off += (size_t)snprintf(tls + off, sizeof tls - off, "%s%s", i ? "," : "", cfg->listen_tls[i]);
  char dbv[300], lv[600], tv[600];
  /* XB-LIM-16: every limit; never a key or a private key (only whether TLS is set). */
  xb_log_info("config max-packet-size=%zu max-payload-size=%zu max-topic-length=%zu "
              "max-client-id-length=%zu max-connections=%u max-subscriptions=%u "
              "max-inflight-qos2=%u keepalive-min=%u keepalive-max=%u connect-timeout=%u "
              "tls-handshake-timeout=%u output-queue-size=%zu slow-subscriber-grace=%u "
              "max-datapoints=%u listen=%s listen-tls=%s tls=%s tls-min-version=%s db=%s "
              "log-level=%s",
              s->max_packet, s->max_payload, s->max_topic, s->max_client_id, s->max_connections,
              s->max_subscriptions, s->max_inflight_qos2, s->keepalive_min, s->keepalive_max,
              s->connect_timeout, cfg->tls_handshake_timeout, s->output_queue, s->slow_grace,
              cfg->max_datapoints, xb_log_val(lv, sizeof lv, listen, strlen(listen)),
              xb_log_val(tv, sizeof tv, tls, strlen(tls)), cfg->tls_cert != NULL ? "yes" : "no",
              cfg->tls_min_version != NULL ? cfg->tls_min_version : "1.2",
              xb_log_val(dbv, sizeof dbv, cfg->db, strlen(cfg->db)),
              xb_log_level_name((xb_log_level)cfg->log_level));
}
