/*
 * xbadmin — the operator's tool on a store (spec/scope.md XB-SCOPE-8, -9, -19).
 *
 * MQTT cannot return what a request created, so the first user and its master key, and
 * keys a device is to be given, are provisioned out of band here; everything else is done
 * over MQTT. The store is locked while the bridge runs (XB-STORE-3): xbadmin then refuses
 * with status 1 and changes nothing.
 *
 * Exit status: 0 done, 1 refused (message on standard error), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#include "api/xb_api.h"
#include "session/xb_config.h"
#include "store/xb_store.h"
#include "util/xb_buf.h"

#define XB_ADMIN_MAX_PERMS 16

typedef struct {
  const char *name;
  const char *usage;
  const char *help;
  int min_args; /* positional arguments */
  int max_args;
} xb_admin_cmd;

static const xb_admin_cmd xb_admin_cmds[] = {
    {"add-user", "add-user LOGIN [--admin] [--key KEY]",
     "Create user LOGIN with its master key (KEY, or a generated one); print the key.\n"
     "  --admin      the user may manage every user (spec/authz.md XB-AUTHZ-15)\n"
     "  --key KEY    use KEY (16..64 of A-Z a-z 0-9 - _) instead of a generated key\n",
     1, 1},
    {"add-feed", "add-feed LOGIN TITLE [--id N] [--private]",
     "Create a feed owned by LOGIN; print its id.\n"
     "  --id N       use id N (unused, 1..2147483647) instead of the next one\n"
     "  --private    a private feed (reads need private access)\n",
     2, 2},
    {"add-datastream", "add-datastream LOGIN FEED_ID DS_ID",
     "Create datastream DS_ID, never written, in feed FEED_ID owned by LOGIN.\n", 3, 3},
    {"add-key", "add-key LOGIN --perm SPEC [--perm SPEC]... [--label L] [--key KEY] [--private-access]",
     "Create an API key owned by LOGIN; print it.\n"
     "  --perm SPEC      one permission: METHODS[:FEED_ID[:DS_ID]][@SOURCE_IP], METHODS a\n"
     "                   comma list of get,put,post,delete; e.g. get,put:504:0@192.0.2.7\n"
     "  --label L        the key's label (default \"xbadmin\")\n"
     "  --key KEY        use KEY instead of a generated key\n"
     "  --private-access the key may read private feeds\n",
     1, 1},
    {"fixture", "fixture FILE [--config BRIDGE_CONF]",
     "Provision, in a fresh store, everything xbconform needs (users, public, private and\n"
     "foreign feeds, datastreams, master, read-only, feed- and datastream-scoped keys, a\n"
     "key without private access, one bound to another address) and write the fixture\n"
     "file FILE describing it (format: conformance/README.md, \"Fixture file\").\n"
     "  --config F   the bridge's configuration file: its limits go into the fixture\n"
     "               (default: the limits of spec/limits.md)\n",
     1, 1},
    {"list-users", "list-users LOGIN", "Print the users LOGIN may see, as JSON.\n", 1, 1},
    {"list-feeds", "list-feeds LOGIN", "Print the feeds of LOGIN, as JSON.\n", 1, 1},
    {"list-keys", "list-keys LOGIN", "Print the keys of LOGIN with their permissions, as JSON.\n",
     1, 1},
    {"show", "show LOGIN TOPIC",
     "Print any resource as LOGIN's master key reads it, in the topic's format,\n"
     "e.g. show demo /v2/feeds/1.json or show demo /v2/feeds/1/datastreams/0.csv\n",
     2, 2},
};

#define XB_ADMIN_NCMDS (sizeof xb_admin_cmds / sizeof xb_admin_cmds[0])

static int64_t xb_admin_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void xb_admin_usage(FILE *out) {
  fprintf(out, "usage: xbadmin --db PATH COMMAND [ARGS]\n       xbadmin COMMAND --help\n\ncommands:\n");
  for (size_t i = 0; i < XB_ADMIN_NCMDS; i++) fprintf(out, "  %s\n", xb_admin_cmds[i].usage);
}

static const xb_admin_cmd *xb_admin_find(const char *name) {
  for (size_t i = 0; i < XB_ADMIN_NCMDS; i++)
    if (strcmp(xb_admin_cmds[i].name, name) == 0) return &xb_admin_cmds[i];
  return NULL;
}

static int xb_admin_bad(const xb_admin_cmd *c, const char *what) {
  fprintf(stderr, "xbadmin %s: %s\nusage: xbadmin --db PATH %s\n", c->name, what, c->usage);
  return 2;
}

static bool xb_admin_u32(const char *s, uint32_t *out) {
  char *end = NULL;
  if (s[0] < '0' || s[0] > '9') return false;
  unsigned long v = strtoul(s, &end, 10);
  if (*end != '\0' || v == 0 || v > 2147483647UL) return false;
  *out = (uint32_t)v;
  return true;
}

/* METHODS[:FEED[:DS]][@IP]; the strings of p point into spec, which is modified. */
static bool xb_admin_perm_parse(char *spec, xb_api_admin_perm *p) {
  memset(p, 0, sizeof *p);
  char *at = strchr(spec, '@');
  if (at != NULL) {
    *at = '\0';
    p->source_ip = at + 1;
    if (p->source_ip[0] == '\0') return false;
  }
  char *colon = strchr(spec, ':');
  if (colon != NULL) {
    *colon = '\0';
    char *ds = strchr(colon + 1, ':');
    if (ds != NULL) {
      *ds = '\0';
      p->ds_id = ds + 1;
      if (p->ds_id[0] == '\0') return false;
    }
    if (!xb_admin_u32(colon + 1, &p->feed_id)) return false;
  }
  char *save = NULL;
  for (char *m = strtok_r(spec, ",", &save); m != NULL; m = strtok_r(NULL, ",", &save)) {
    if (strcmp(m, "get") == 0) p->methods |= XB_M_GET;
    else if (strcmp(m, "put") == 0) p->methods |= XB_M_PUT;
    else if (strcmp(m, "post") == 0) p->methods |= XB_M_POST;
    else if (strcmp(m, "delete") == 0) p->methods |= XB_M_DELETE;
    else return false;
  }
  return p->methods != 0;
}

/* Options of one command, parsed before the store is opened so usage errors touch nothing. */
typedef struct {
  const char *pos[3];
  int npos;
  bool admin, is_private, private_access;
  const char *key, *label, *config;
  uint32_t id;
  xb_api_admin_perm perms[XB_ADMIN_MAX_PERMS];
  size_t nperms;
} xb_admin_args;

static int xb_admin_parse(const xb_admin_cmd *c, int argc, char **argv, xb_admin_args *a) {
  memset(a, 0, sizeof *a);
  a->label = "xbadmin";
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    bool has_val = i + 1 < argc;
    if (strcmp(o, "--admin") == 0 && strcmp(c->name, "add-user") == 0) {
      a->admin = true;
    } else if (strcmp(o, "--key") == 0 && has_val &&
               (strcmp(c->name, "add-user") == 0 || strcmp(c->name, "add-key") == 0)) {
      a->key = argv[++i];
    } else if (strcmp(o, "--private") == 0 && strcmp(c->name, "add-feed") == 0) {
      a->is_private = true;
    } else if (strcmp(o, "--id") == 0 && has_val && strcmp(c->name, "add-feed") == 0) {
      if (!xb_admin_u32(argv[++i], &a->id)) return xb_admin_bad(c, "--id needs 1..2147483647");
    } else if (strcmp(o, "--private-access") == 0 && strcmp(c->name, "add-key") == 0) {
      a->private_access = true;
    } else if (strcmp(o, "--label") == 0 && has_val && strcmp(c->name, "add-key") == 0) {
      a->label = argv[++i];
    } else if (strcmp(o, "--config") == 0 && has_val && strcmp(c->name, "fixture") == 0) {
      a->config = argv[++i];
    } else if (strcmp(o, "--perm") == 0 && has_val && strcmp(c->name, "add-key") == 0) {
      if (a->nperms == XB_ADMIN_MAX_PERMS) return xb_admin_bad(c, "too many --perm");
      if (!xb_admin_perm_parse(argv[++i], &a->perms[a->nperms]))
        return xb_admin_bad(c, "bad --perm (METHODS[:FEED_ID[:DS_ID]][@SOURCE_IP])");
      a->nperms++;
    } else if (o[0] == '-' && o[1] == '-') {
      fprintf(stderr, "xbadmin %s: unknown option or missing value: %s\n", c->name, o);
      return xb_admin_bad(c, "see --help");
    } else if (a->npos < 3) {
      a->pos[a->npos++] = o;
    } else {
      return xb_admin_bad(c, "too many arguments");
    }
  }
  if (a->npos < c->min_args || a->npos > c->max_args) return xb_admin_bad(c, "wrong number of arguments");
  if (strcmp(c->name, "add-key") == 0 && a->nperms == 0) return xb_admin_bad(c, "at least one --perm");
  return 0;
}

static int xb_admin_show(xb_api *api, const char *login, const char *topic, int64_t now,
                         char *err, size_t errlen) {
  xb_buf out;
  xb_buf_init(&out, 0);
  int rc = xb_api_admin_show(api, login, topic, now, &out, err, errlen) == 200 ? 0 : 1;
  if (rc == 0) {
    if (out.len > 0) fwrite(out.data, 1, out.len, stdout);
    putchar('\n');
  }
  xb_buf_free(&out);
  return rc;
}

/* ------------------------------------------------------------------ fixture */
/* What `fixture` provisions (conformance/README.md, "Fixture file"): names are fixed so a
 * failing test's output reads the same on every run; ids and keys come from the store. */
typedef struct {
  xb_api *api;
  int64_t now;
  char *err;
  size_t errlen;
  bool ok;
} xb_fx;

static void xb_fx_user(xb_fx *f, const char *login, char key[XB_API_KEY_TEXT]) {
  if (f->ok && xb_api_admin_add_user(f->api, login, false, NULL, f->now, key, f->err,
                                     f->errlen) != 201)
    f->ok = false;
}

static uint32_t xb_fx_feed(xb_fx *f, const char *login, const char *title, bool is_private) {
  uint32_t id = 0;
  if (f->ok && xb_api_admin_add_feed(f->api, login, 0, title, is_private, f->now, &id, f->err,
                                     f->errlen) / 100 != 2)
    f->ok = false;
  return id;
}

static void xb_fx_ds(xb_fx *f, const char *login, uint32_t feed, const char *ds) {
  if (f->ok && xb_api_admin_add_datastream(f->api, login, feed, ds, f->now, f->err,
                                           f->errlen) / 100 != 2)
    f->ok = false;
}

/* One key with one permission: methods, optional feed / datastream scope and address. */
static void xb_fx_key(xb_fx *f, const char *login, const char *label, bool private_access,
                      unsigned methods, uint32_t feed, const char *ds, const char *ip,
                      char key[XB_API_KEY_TEXT]) {
  xb_api_admin_perm p;
  memset(&p, 0, sizeof p);
  p.methods = methods;
  p.feed_id = feed;
  p.ds_id = ds;
  p.source_ip = ip;
  if (f->ok && xb_api_admin_add_key(f->api, login, NULL, label, private_access, &p, 1, f->now,
                                    key, f->err, f->errlen) / 100 != 2)
    f->ok = false;
}

/* A key no store holds: a prefix no generated key has, then 32 random hex digits. */
static bool xb_fx_invalid_key(char out[XB_API_KEY_TEXT]) {
  unsigned char r[16];
  FILE *u = fopen("/dev/urandom", "rb");
  bool ok = u != NULL && fread(r, 1, sizeof r, u) == sizeof r;
  if (u != NULL) fclose(u);
  int n = snprintf(out, XB_API_KEY_TEXT, "cfnokey");
  for (size_t i = 0; ok && i < sizeof r; i++)
    n += snprintf(out + n, XB_API_KEY_TEXT - (size_t)n, "%02x", r[i]);
  return ok;
}

static int xb_admin_fixture(xb_api *api, const xb_admin_args *a, const xb_config *bridge,
                            const char *db, char *err, size_t errlen) {
  xb_fx f = {api, xb_admin_now(), err, errlen, true};
  const char *owner = "cfowner", *other = "cfother";
  char k_master[XB_API_KEY_TEXT] = "", k_other[XB_API_KEY_TEXT] = "";
  char k_ro[XB_API_KEY_TEXT] = "", k_feed[XB_API_KEY_TEXT] = "", k_ds[XB_API_KEY_TEXT] = "";
  char k_nopriv[XB_API_KEY_TEXT] = "", k_ip[XB_API_KEY_TEXT] = "", k_bad[XB_API_KEY_TEXT] = "";
  const unsigned gpp = XB_M_GET | XB_M_PUT | XB_M_POST;

  xb_fx_user(&f, owner, k_master);
  if (!f.ok) {
    char why[256];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, errlen, "user %s: %s (the fixture needs a fresh store)", owner, why);
    return 1;
  }
  xb_fx_user(&f, other, k_other);
  uint32_t f_pub = xb_fx_feed(&f, owner, "cf public", false);
  uint32_t f_priv = xb_fx_feed(&f, owner, "cf private", true);
  uint32_t f_canon = xb_fx_feed(&f, owner, "Office", false);
  uint32_t f_other = xb_fx_feed(&f, other, "cf other private", true);
  uint32_t f_other_pub = xb_fx_feed(&f, other, "cf other public", false);
  static const char *const pub_ds[] = {"cf_pub", "cf_never", "cf_will"};
  for (size_t i = 0; i < 3; i++) xb_fx_ds(&f, owner, f_pub, pub_ds[i]);
  xb_fx_ds(&f, owner, f_priv, "cf_priv");
  xb_fx_ds(&f, owner, f_priv, "cf_priv2");
  xb_fx_ds(&f, owner, f_canon, "0");
  xb_fx_ds(&f, owner, f_canon, "temp");
  xb_fx_ds(&f, other, f_other, "cf_other");
  xb_fx_ds(&f, other, f_other_pub, "cf_other_pub");
  xb_fx_key(&f, owner, "cf readonly", true, XB_M_GET, 0, NULL, NULL, k_ro);
  xb_fx_key(&f, owner, "cf feed", true, gpp, f_pub, NULL, NULL, k_feed);
  xb_fx_key(&f, owner, "cf datastream", true, XB_M_GET | XB_M_PUT, f_priv, "cf_priv", NULL, k_ds);
  xb_fx_key(&f, owner, "cf no private access", false, gpp, 0, NULL, NULL, k_nopriv);
  xb_fx_key(&f, owner, "cf other address", true, gpp | XB_M_DELETE, 0, NULL, "192.0.2.1", k_ip);
  if (f.ok && !xb_fx_invalid_key(k_bad)) {
    snprintf(err, errlen, "cannot read /dev/urandom");
    f.ok = false;
  }
  if (!f.ok) return 1;

  FILE *o = fopen(a->pos[0], "w");
  if (o == NULL) {
    snprintf(err, errlen, "%s: cannot create", a->pos[0]);
    return 1;
  }
  const xb_session_config *s = &bridge->s;
  fprintf(o,
          "# xbconform fixture for the reference bridge, written by xbadmin fixture\n"
          "# store: %s\n"
          "owner_login = %s\nother_login = %s\n"
          "key_master = %s\nkey_readonly = %s\nkey_feed = %s\nkey_ds = %s\n"
          "key_nopriv = %s\nkey_ip = %s\nkey_other = %s\nkey_invalid = %s\n"
          "feed_public = %u\nfeed_private = %u\nfeed_canon = %u\nfeed_other = %u\n"
          "feed_other_public = %u\nfeed_missing = 2147483600\n"
          "ds_public = cf_pub\nds_never = cf_never\nds_will = cf_will\n"
          "ds_private = cf_priv\nds_private2 = cf_priv2\n"
          "ds_other = cf_other\nds_other_public = cf_other_pub\n"
          "# the bridge's limits (spec/limits.md)%s\n"
          "api_base_url = %s\nsite_base_url = %s\n"
          "max_client_id = %zu\nmax_packet_size = %zu\nmax_payload_size = %zu\n"
          "max_topic_length = %zu\nmax_subscriptions = %u\nmax_inflight_qos2 = %u\n"
          "connect_timeout = %u\ntls_handshake_timeout = %u\nmax_datapoints = %u\n",
          db, owner, other, k_master, k_ro, k_feed, k_ds, k_nopriv, k_ip, k_other, k_bad, f_pub,
          f_priv, f_canon, f_other, f_other_pub, a->config != NULL ? ", from --config" : "",
          bridge->api_base_url != NULL ? bridge->api_base_url : "https://api.xively.com",
          bridge->site_base_url != NULL ? bridge->site_base_url : "https://xively.com",
          s->max_client_id, s->max_packet, s->max_payload, s->max_topic, s->max_subscriptions,
          s->max_inflight_qos2, s->connect_timeout, bridge->tls_handshake_timeout,
          bridge->max_datapoints);
  if (fclose(o) != 0) {
    snprintf(err, errlen, "%s: write error", a->pos[0]);
    return 1;
  }
  printf("%s\n", a->pos[0]);
  return 0;
}

static int xb_admin_run(xb_api *api, const xb_admin_cmd *c, const xb_admin_args *a, char *err,
                        size_t errlen) {
  int64_t now = xb_admin_now();
  char key[XB_API_KEY_TEXT];
  const char *n = c->name;
  int rc = 1;
  if (strcmp(n, "add-user") == 0) {
    /* XB-SCOPE-8 */
    if (xb_api_admin_add_user(api, a->pos[0], a->admin, a->key, now, key, err, errlen) == 201) {
      printf("%s\n", key);
      rc = 0;
    }
  } else if (strcmp(n, "add-feed") == 0) {
    /* XB-SCOPE-19 */
    uint32_t id = 0;
    if (xb_api_admin_add_feed(api, a->pos[0], a->id, a->pos[1], a->is_private, now, &id, err,
                              errlen) / 100 == 2) {
      printf("%u\n", id);
      rc = 0;
    }
  } else if (strcmp(n, "add-datastream") == 0) {
    uint32_t feed = 0;
    if (!xb_admin_u32(a->pos[1], &feed)) {
      snprintf(err, errlen, "bad feed id %s", a->pos[1]);
    } else if (xb_api_admin_add_datastream(api, a->pos[0], feed, a->pos[2], now, err, errlen) /
                   100 == 2) {
      rc = 0;
    }
  } else if (strcmp(n, "add-key") == 0) {
    if (xb_api_admin_add_key(api, a->pos[0], a->key, a->label, a->private_access, a->perms,
                             a->nperms, now, key, err, errlen) / 100 == 2) {
      printf("%s\n", key);
      rc = 0;
    }
  } else if (strcmp(n, "list-users") == 0) {
    rc = xb_admin_show(api, a->pos[0], "/v2/users.json", now, err, errlen);
  } else if (strcmp(n, "list-feeds") == 0) {
    char topic[128];
    snprintf(topic, sizeof topic, "/v2/feeds.json?user=%s", a->pos[0]);
    rc = xb_admin_show(api, a->pos[0], topic, now, err, errlen);
  } else if (strcmp(n, "list-keys") == 0) {
    rc = xb_admin_show(api, a->pos[0], "/v2/keys.json", now, err, errlen);
  } else if (strcmp(n, "show") == 0) {
    rc = xb_admin_show(api, a->pos[0], a->pos[1], now, err, errlen);
  }
  return rc;
}

int main(int argc, char **argv) {
  const char *db = NULL;
  int i = 1;
  if (i < argc && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
    xb_admin_usage(stdout);
    return 0;
  }
  if (i + 1 < argc && strcmp(argv[i], "--db") == 0) {
    db = argv[i + 1];
    i += 2;
  }
  if (i >= argc) {
    xb_admin_usage(stderr);
    return 2;
  }
  const xb_admin_cmd *c = xb_admin_find(argv[i]);
  if (c == NULL) {
    fprintf(stderr, "xbadmin: unknown command %s\n", argv[i]);
    xb_admin_usage(stderr);
    return 2;
  }
  for (int j = i + 1; j < argc; j++) {
    if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0) {
      printf("usage: xbadmin --db PATH %s\n\n%s", c->usage, c->help);
      return 0;
    }
  }
  if (db == NULL) {
    fprintf(stderr, "xbadmin %s: --db PATH is required\n", c->name);
    return 2;
  }
  xb_admin_args a;
  int rc = xb_admin_parse(c, argc - i - 1, argv + i + 1, &a);
  if (rc != 0) return rc;

  /* fixture: the bridge's limits, read before the store is touched (a bad file is usage). */
  xb_config bridge;
  char cerr[512] = "";
  char *cargv[] = {argv[0], "--config", (char *)(uintptr_t)a.config, NULL};
  int cargc = a.config != NULL ? 3 : 1;
  if (xb_config_load(&bridge, cargc, cargv, cerr, sizeof cerr) != XB_CONFIG_OK) {
    fprintf(stderr, "xbadmin %s: %s\n", c->name, cerr[0] ? cerr : "bad --config");
    xb_config_free(&bridge);
    return 2;
  }

  xb_api_config cfg;
  xb_api_config_default(&cfg);
  char err[512] = "";
  bool locked = false;
  xb_api *api = xb_api_open(db, &cfg, err, sizeof err, &locked);
  if (api == NULL) {
    /* XB-SCOPE-9: a running bridge holds the store; nothing is touched. */
    fprintf(stderr, "xbadmin: %s: %s\n", db, locked ? "in use by another process (is xbridge running?)" : err);
    return 1;
  }
  err[0] = '\0';
  if (strcmp(c->name, "fixture") == 0)
    rc = xb_admin_fixture(api, &a, &bridge, db, err, sizeof err);
  else
    rc = xb_admin_run(api, c, &a, err, sizeof err);
  xb_api_close(api);
  xb_config_free(&bridge);
  if (rc != 0) fprintf(stderr, "xbadmin %s: %s\n", c->name, err[0] ? err : "refused");
  return rc;
}
