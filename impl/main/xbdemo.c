/*
 * xbdemo — provisioning through the engine's admin API, for `make run` and the
 * integration tests (xbadmin, spec/scope.md XB-SCOPE-8, is the operator's tool; this one
 * also creates scoped keys and datastreams, which tests need and MQTT cannot bootstrap).
 *
 *   xbdemo --db PATH demo
 *       user "demo", a public feed with datastream "temperature", and a device key
 *       (get, put, post on that feed, private access); prints shell assignments
 *       XB_DEMO_LOGIN, XB_DEMO_MASTER_KEY, XB_DEMO_KEY, XB_DEMO_FEED.
 *   xbdemo --db PATH user LOGIN [--admin] [--key KEY]            prints the master key
 *   xbdemo --db PATH feed LOGIN TITLE [--id N] [--private]       prints the feed id
 *   xbdemo --db PATH datastream LOGIN FEED DS
 *   xbdemo --db PATH key LOGIN [--key KEY] [--label L] [--private-access]
 *          [--perm METHODS[:FEED[:DS]][@IP]]...                  prints the key
 *   xbdemo --db PATH show LOGIN TOPIC                            prints the representation
 *
 * The store is locked while the bridge runs (XB-STORE-3): provision before starting it.
 * Exit status: 0 done, 1 refused (message on stderr), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xb_api.h"
#include "store/xb_store.h"
#include "util/xb_buf.h"

#define XB_MAX_PERMS 16

static int64_t xb_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int usage(void) {
  fprintf(stderr,
          "usage: xbdemo --db PATH demo\n"
          "       xbdemo --db PATH user LOGIN [--admin] [--key KEY]\n"
          "       xbdemo --db PATH feed LOGIN TITLE [--id N] [--private]\n"
          "       xbdemo --db PATH datastream LOGIN FEED DS\n"
          "       xbdemo --db PATH key LOGIN [--key KEY] [--label L] [--private-access]\n"
          "              [--perm METHODS[:FEED[:DS]][@IP]]...\n"
          "       xbdemo --db PATH show LOGIN TOPIC\n");
  return 2;
}

static bool parse_u32(const char *s, uint32_t *out) {
  char *end = NULL;
  unsigned long v = strtoul(s, &end, 10);
  if (s[0] < '0' || s[0] > '9' || *end != '\0' || v > 0xffffffffUL) return false;
  *out = (uint32_t)v;
  return true;
}

/* "get,put,post,delete[:FEED[:DS]][@IP]" -> one permission; strings point into spec. */
static bool parse_perm(char *spec, xb_api_admin_perm *p) {
  memset(p, 0, sizeof *p);
  char *at = strchr(spec, '@');
  if (at != NULL) {
    *at = '\0';
    p->source_ip = at + 1;
  }
  char *colon = strchr(spec, ':');
  if (colon != NULL) {
    *colon = '\0';
    char *ds = strchr(colon + 1, ':');
    if (ds != NULL) {
      *ds = '\0';
      p->ds_id = ds + 1;
    }
    if (!parse_u32(colon + 1, &p->feed_id) || p->feed_id == 0) return false;
  }
  for (char *m = strtok(spec, ","); m != NULL; m = strtok(NULL, ",")) {
    if (strcmp(m, "get") == 0) p->methods |= XB_M_GET;
    else if (strcmp(m, "put") == 0) p->methods |= XB_M_PUT;
    else if (strcmp(m, "post") == 0) p->methods |= XB_M_POST;
    else if (strcmp(m, "delete") == 0) p->methods |= XB_M_DELETE;
    else return false;
  }
  return p->methods != 0;
}

static int cmd_demo(xb_api *api, int64_t now) {
  char err[256] = "", master[XB_API_KEY_TEXT], key[XB_API_KEY_TEXT];
  uint32_t feed = 0;
  if (xb_api_admin_add_user(api, "demo", false, NULL, now, master, err, sizeof err) != 201 ||
      xb_api_admin_add_feed(api, "demo", 0, "xbridge demo", false, now, &feed, err, sizeof err) / 100 != 2 ||
      xb_api_admin_add_datastream(api, "demo", feed, "temperature", now, err, sizeof err) / 100 != 2) {
    fprintf(stderr, "xbdemo: %s\n", err);
    return 1;
  }
  /* A device key: what a device would be given, scoped to its feed (XB-AUTHZ-6). */
  xb_api_admin_perm perm = {XB_M_GET | XB_M_PUT | XB_M_POST, NULL, feed, NULL};
  if (xb_api_admin_add_key(api, "demo", NULL, "demo device", true, &perm, 1, now, key, err,
                           sizeof err) / 100 != 2) {
    fprintf(stderr, "xbdemo: %s\n", err);
    return 1;
  }
  printf("XB_DEMO_LOGIN=demo\nXB_DEMO_MASTER_KEY=%s\nXB_DEMO_KEY=%s\nXB_DEMO_FEED=%u\n", master,
         key, feed);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4 || strcmp(argv[1], "--db") != 0) return usage();
  const char *db = argv[2];
  const char *cmd = argv[3];
  int n = argc - 4;
  char **a = argv + 4;
  xb_api_config cfg;
  xb_api_config_default(&cfg);
  char err[512] = "";
  bool locked = false;
  xb_api *api = xb_api_open(db, &cfg, err, sizeof err, &locked);
  if (api == NULL) {
    fprintf(stderr, "xbdemo: %s%s\n", err, locked ? " (the bridge holds this store)" : "");
    return 1;
  }
  int64_t now = xb_now_us();
  int rc = 2;
  char key[XB_API_KEY_TEXT];
  if (strcmp(cmd, "demo") == 0 && n == 0) {
    rc = cmd_demo(api, now);
  } else if (strcmp(cmd, "user") == 0 && n >= 1) {
    bool admin = false;
    const char *k = NULL;
    rc = 0;
    for (int i = 1; i < n && rc == 0; i++) {
      if (strcmp(a[i], "--admin") == 0) admin = true;
      else if (strcmp(a[i], "--key") == 0 && i + 1 < n) k = a[++i];
      else rc = 2;
    }
    if (rc == 0) {
      rc = xb_api_admin_add_user(api, a[0], admin, k, now, key, err, sizeof err) == 201 ? 0 : 1;
      if (rc == 0) printf("%s\n", key);
    }
  } else if (strcmp(cmd, "feed") == 0 && n >= 2) {
    uint32_t id = 0, out = 0;
    bool priv = false;
    rc = 0;
    for (int i = 2; i < n && rc == 0; i++) {
      if (strcmp(a[i], "--private") == 0) priv = true;
      else if (strcmp(a[i], "--id") == 0 && i + 1 < n && parse_u32(a[i + 1], &id)) i++;
      else rc = 2;
    }
    if (rc == 0) {
      rc = xb_api_admin_add_feed(api, a[0], id, a[1], priv, now, &out, err, sizeof err) / 100 == 2 ? 0 : 1;
      if (rc == 0) printf("%u\n", out);
    }
  } else if (strcmp(cmd, "datastream") == 0 && n == 3) {
    uint32_t feed = 0;
    if (!parse_u32(a[1], &feed)) rc = 2;
    else rc = xb_api_admin_add_datastream(api, a[0], feed, a[2], now, err, sizeof err) / 100 == 2 ? 0 : 1;
  } else if (strcmp(cmd, "key") == 0 && n >= 1) {
    xb_api_admin_perm perms[XB_MAX_PERMS];
    size_t np = 0;
    const char *k = NULL, *label = "xbdemo";
    bool priv = false;
    rc = 0;
    for (int i = 1; i < n && rc == 0; i++) {
      if (strcmp(a[i], "--private-access") == 0) priv = true;
      else if (strcmp(a[i], "--key") == 0 && i + 1 < n) k = a[++i];
      else if (strcmp(a[i], "--label") == 0 && i + 1 < n) label = a[++i];
      else if (strcmp(a[i], "--perm") == 0 && i + 1 < n && np < XB_MAX_PERMS &&
               parse_perm(a[i + 1], &perms[np])) {
        np++;
        i++;
      } else rc = 2;
    }
    if (rc == 0 && np == 0) rc = 2;
    if (rc == 0) {
      rc = xb_api_admin_add_key(api, a[0], k, label, priv, perms, np, now, key, err, sizeof err) / 100 == 2 ? 0 : 1;
      if (rc == 0) printf("%s\n", key);
    }
  } else if (strcmp(cmd, "show") == 0 && n == 2) {
    xb_buf out;
    xb_buf_init(&out, 0);
    rc = xb_api_admin_show(api, a[0], a[1], now, &out, err, sizeof err) == 200 ? 0 : 1;
    if (rc == 0) {
      fwrite(out.data, 1, out.len, stdout);
      putchar('\n');
    }
    xb_buf_free(&out);
  }
  xb_api_close(api);
  if (rc == 1) fprintf(stderr, "xbdemo: %s: %s\n", cmd, err[0] ? err : "refused");
  if (rc == 2) return usage();
  return rc;
}
