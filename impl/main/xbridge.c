/*
 * xbridge — the Xively MQTT bridge (spec/scope.md XB-SCOPE-7).
 *
 * Reads the settings (session/xb_config.h), opens the store through the API engine,
 * binds the listeners, and runs the event loop until SIGTERM or SIGINT. Exit status
 * (XB-SCOPE-11): 0 after a requested shutdown, 1 when it cannot start, 2 for a usage or
 * configuration error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "api/xb_api.h"
#include "net/xb_log.h"
#include "net/xb_loop.h"
#include "net/xb_net.h"
#include "net/xb_signal.h"
#include "session/xb_config.h"
#include "session/xb_session.h"
#include "tls/xb_tls.h"

static void xb_on_stop(int signo, void *arg) {
  xb_loop *loop = arg;
  xb_log_info("shutdown conn=- ip=- client=- key=- detail=%s",
              signo == SIGINT ? "SIGINT" : "SIGTERM");
  xb_loop_stop(loop);
}

/* max-connections sockets, the refusal slots (XB-LIM-5), listeners and the store. */
static int xb_fd_budget(const xb_config *cfg) {
  uint64_t want = (uint64_t)cfg->s.max_connections + 64 + cfg->nlisten + cfg->nlisten_tls + 256;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
    rlim_t cur = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = cur;
    if (rl.rlim_cur < want)
      xb_log_warn("server-full conn=- ip=- client=- key=- detail=\"open files limited to %llu, "
                  "fewer than max-connections can be served\"",
                  (unsigned long long)rl.rlim_cur);
  }
  return want > 0x7fffffff ? 0x7fffffff : (int)want;
}

static bool xb_is_default_v6(const char *addr, bool default_list) {
  return default_list && addr[0] == '[';
}

/* The session layer's view of TLS (xb_server_secure): impl/tls stays behind it. */
static int xb_tls_attach_hook(void *arg, xb_conn *c, xb_secure_done_fn done) {
  return xb_tls_attach(arg, c, done);
}

static const char *xb_tls_error_hook(void *arg, const xb_conn *c) {
  (void)arg;
  return xb_tls_conn_error(c);
}

/* Binds every listener of list; false (message on stderr) when the server cannot
 * start. XB-TRANS-5: a host without IPv6 only loses a default IPv6 listener. */
static bool xb_bind_all(xb_server *srv, char **list, size_t n, bool default_list,
                        const xb_server_secure *sec, size_t *bound) {
  for (size_t i = 0; i < n; i++) {
    xb_listener *l = sec != NULL ? xb_server_listen_secure(srv, list[i], sec)
                                 : xb_server_listen(srv, list[i]);
    if (l != NULL) {
      (*bound)++;
      continue;
    }
    int e = errno;
    const char *why = xb_net_last_error(xb_server_net(srv));
    if (xb_is_default_v6(list[i], default_list) && (e == EAFNOSUPPORT || e == EADDRNOTAVAIL)) {
      xb_log_info("listen-skipped conn=- ip=- client=- key=- detail=\"%s\"", why);
      continue;
    }
    fprintf(stderr, "xbridge: %s\n", why != NULL && why[0] ? why : strerror(e));
    return false;
  }
  return true;
}

int main(int argc, char **argv) {
  xb_config cfg;
  char err[1024];
  xb_config_result cr = xb_config_load(&cfg, argc, argv, err, sizeof err);
  if (cr == XB_CONFIG_HELP) {
    xb_config_usage(stdout);
    xb_config_free(&cfg);
    return 0;
  }
  if (cr != XB_CONFIG_OK) {
    fprintf(stderr, "xbridge: %s\n", err);
    xb_config_free(&cfg);
    return 2;
  }
  xb_log_set_level((xb_log_level)cfg.log_level);
  xb_config_log(&cfg);
  /* XB-TRANS-17: the chain and the key are read before anything else starts; an
   * unreadable file or a key that does not match is exit status 1, a bad version or
   * cipher list a configuration error (2). */
  xb_tls *tls = NULL;
  if (cfg.nlisten_tls > 0) {
    xb_tls_config tc = {cfg.tls_cert, cfg.tls_key, cfg.tls_ca_chain, cfg.tls_min_version,
                        cfg.tls_ciphers, cfg.tls_ciphersuites};
    xb_tls_status ts;
    tls = xb_tls_create(&tc, &ts, err, sizeof err);
    if (tls == NULL) {
      fprintf(stderr, "xbridge: %s\n", err);
      xb_config_free(&cfg);
      return ts == XB_TLS_ECONFIG ? 2 : 1;
    }
  }

  xb_api_config ac;
  xb_api_config_default(&ac);
  ac.max_payload = cfg.s.max_payload;
  ac.max_datapoints = cfg.max_datapoints;
  if (cfg.api_base_url != NULL) ac.api_base_url = cfg.api_base_url;
  if (cfg.site_base_url != NULL) ac.site_base_url = cfg.site_base_url;
  bool locked = false;
  xb_api *api = xb_api_open(cfg.db, &ac, err, sizeof err, &locked);
  if (api == NULL) {
    fprintf(stderr, "xbridge: %s%s\n", err, locked ? " (another process uses this store)" : "");
    xb_tls_destroy(tls);
    xb_config_free(&cfg);
    return 1;
  }

  int status = 1;
  xb_loop *loop = xb_loop_create(XB_LOOP_DEFAULT, xb_fd_budget(&cfg));
  xb_server *srv = loop != NULL ? xb_server_create(loop, api, &cfg.s) : NULL;
  xb_signal_hooks sh = {xb_on_stop, NULL, loop};
  if (srv == NULL || xb_signals_install(loop, &sh) < 0) {
    fprintf(stderr, "xbridge: cannot start the event loop: %s\n", strerror(errno));
    goto out;
  }
  size_t bound = 0;
  /* XB-TRANS-3: TLS listeners, default 0.0.0.0:8883 and [::]:8883 (xb_config). */
  xb_server_secure sec = {cfg.tls_handshake_timeout * 1000u, xb_tls_attach_hook,
                          xb_tls_error_hook, tls};
  if (!xb_bind_all(srv, cfg.listen, cfg.nlisten, cfg.listen_default, NULL, &bound) ||
      !xb_bind_all(srv, cfg.listen_tls, cfg.nlisten_tls, cfg.listen_tls_default,
                   tls != NULL ? &sec : NULL, &bound))
    goto out;
  if (bound == 0)
    xb_log_warn("listen-skipped conn=- ip=- client=- key=- detail=\"no listener: "
                "nothing will connect\"");
  status = xb_loop_run(loop) == 0 ? 0 : 1;
  if (status != 0) xb_log_error("store-error conn=- ip=- client=- key=- detail=\"event loop failed\"");
out:
  xb_signals_uninstall();
  /* XB-SCOPE-12, XB-STORE-16: pending batch committed, connections closed without
   * wills, then the store is checkpointed and closed. */
  xb_server_destroy(srv); /* every TLS connection is gone after this */
  xb_tls_destroy(tls);
  xb_api_close(api);
  if (loop != NULL) xb_loop_destroy(loop);
  xb_blob_pool_trim();
  xb_config_free(&cfg);
  return status;
}
