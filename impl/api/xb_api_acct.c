/*
 * xb_api_acct.c — keys, triggers and users (spec/resources.md §4, §9, §10;
 * spec/authz.md XB-AUTHZ-13..XB-AUTHZ-16).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "api/xb_api_int.h"
#include "api/xb_valid.h"

static int xb_parse_fail2(xb_rq *q, const xb_parse_err *e) {
  if (e->status == 400) {
    q->err_title = e->title;
    return xb_rq_fail(q, 400, "bad-payload", "%s", e->detail);
  }
  return xb_rq_fail(q, 422, e->reason != NULL ? e->reason : "invalid", "%s", e->detail);
}

bool xb_acct_random_key(char out[41]) {
  static const char hex[] = "0123456789abcdef";
  uint8_t raw[20];
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n <= 0) return false;
    got += (size_t)n;
  }
  for (size_t i = 0; i < sizeof raw; i++) {
    out[2 * i] = hex[raw[i] >> 4];
    out[2 * i + 1] = hex[raw[i] & 15u];
  }
  out[40] = '\0';
  return true;
}

/* A required text attribute: present and non-empty after trimming. */
static int xb_req_text(xb_rq *q, const char *name, xb_val v, size_t max, xb_str cur, bool create,
                       xb_str *out) {
  if (v.type == XB_V_ABSENT && !create) {
    *out = cur;
    return 0;
  }
  int r = xb_opt_text(q, name, v, max, false, cur, out);
  if (r == 0 && (v.type == XB_V_ABSENT || out->p == NULL))
    return xb_rq_fail(q, 422, "invalid", "%s: required (1..%zu bytes)", name, max);
  return r;
}

/* ------------------------------------------------------------------ keys */

/* XB-RES-74 */
static int xb_methods_attr(xb_rq *q, const xb_list_in *l, unsigned *out) {
  static const char *const names[] = {"get", "put", "post", "delete"};
  unsigned m = 0;
  if (!l->present || l->n == 0)
    return xb_rq_fail(q, 422, "invalid", "access_methods: required, non-empty");
  for (size_t i = 0; i < l->n; i++) {
    if (l->items[i].type != XB_V_STR)
      return xb_rq_fail(q, 422, "invalid", "access_methods: strings only");
    xb_str s = xb_trim(l->items[i].s);
    unsigned bit = 0;
    for (unsigned k = 0; k < 4; k++) {
      size_t n = strlen(names[k]);
      if (s.n != n) continue;
      bool eq = true;
      for (size_t j = 0; j < n; j++) {
        char c = s.p[j];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != names[k][j]) eq = false;
      }
      if (eq) bit = 1u << k;
    }
    if (bit == 0) return xb_rq_fail(q, 422, "invalid", "access_methods: unknown method");
    m |= bit;
  }
  *out = m;
  return 0;
}

/* One permission (XB-RES-74..XB-RES-79, XB-AUTHZ-14). */
static int xb_perm_build(xb_rq *q, const xb_perm_in *in, xb_perm_row *p) {
  memset(p, 0, sizeof *p);
  int r = xb_opt_text(q, "label", in->label, 255, false, XB_STR_NONE, &p->label);
  if (r == 0) r = xb_methods_attr(q, &in->methods, &p->methods);
  if (r == 0) r = xb_opt_text(q, "source_ip", in->source_ip, 64, false, XB_STR_NONE, &p->source_ip);
  if (r == 0 && p->source_ip.p != NULL) {
    char canon[46];
    size_t n = xb_ip_canonical(p->source_ip.p, p->source_ip.n, canon); /* XB-RES-76 */
    if (n == 0) return xb_rq_fail(q, 422, "invalid", "source_ip: not an IP address");
    p->source_ip.p = xb_arena_strndup(&q->api->arena, canon, n);
    p->source_ip.n = n;
    if (p->source_ip.p == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  }
  if (r == 0) r = xb_opt_text(q, "referer", in->referer, 255, false, XB_STR_NONE, &p->referer);
  if (r == 0 && p->referer.p != NULL) {
    for (size_t i = 0; i < p->referer.n; i++)
      if ((unsigned char)p->referer.p[i] <= 0x20)
        return xb_rq_fail(q, 422, "invalid", "referer: no whitespace allowed");
  }
  if (r == 0 && in->minimum_interval.type != XB_V_ABSENT &&
      in->minimum_interval.type != XB_V_NULL) {
    r = xb_int_attr(q, "minimum_interval", in->minimum_interval, 0, 2147483647,
                    &p->minimum_interval);
    p->has_min_interval = r == 0;
  }
  if (r != 0) return r;
  if (in->nres > 16) return xb_rq_fail(q, 422, "invalid", "resources: at most 16");
  p->res = xb_arena_alloc(&q->api->arena, (in->nres == 0 ? 1 : in->nres) * sizeof *p->res);
  if (p->res == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  for (size_t i = 0; i < in->nres; i++) {
    const xb_res_in *ri = &in->res[i];
    xb_res_row *rr = &p->res[i];
    memset(rr, 0, sizeof *rr);
    if (ri->feed_id.type == XB_V_ABSENT || ri->feed_id.type == XB_V_NULL)
      return xb_rq_fail(q, 422, "invalid", "resources.feed_id: required");
    int64_t fid = 0;
    r = xb_int_attr(q, "resources.feed_id", ri->feed_id, 1, 2147483647, &fid);
    if (r != 0) return r;
    rr->feed_id = (uint32_t)fid;
    if (ri->datastream_id.type != XB_V_ABSENT && ri->datastream_id.type != XB_V_NULL) {
      r = xb_dsid_attr(q, "resources.datastream_id", ri->datastream_id, &rr->ds_id);
      if (r != 0) return r;
    }
    int64_t owner = 0;
    bool priv = false;
    xb_store_status s = xb_store_feed_auth(q->api->st, rr->feed_id, &owner, &priv);
    if (s == XB_STORE_NOT_FOUND) /* XB-RES-79 */
      return xb_rq_fail(q, 422, "invalid", "resources.feed_id: feed %u does not exist",
                        rr->feed_id);
    if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
    if (owner != q->user_id) /* XB-AUTHZ-14 */
      return xb_rq_fail(q, 403, "forbidden", "resources.feed_id: feed %u is not yours",
                        rr->feed_id);
  }
  p->nres = in->nres;
  return 0;
}

/* Merge a key payload into k (create: every required attribute must be there). */
static int xb_key_merge(xb_rq *q, const xb_key_in *in, xb_key_row *k, bool create) {
  int r = xb_req_text(q, "label", in->label, 255, k->label, create, &k->label);
  if (r == 0 && in->private_access.type != XB_V_ABSENT)
    r = xb_bool_attr(q, "private_access", in->private_access, &k->private_access);
  if (r != 0) return r;
  if (in->expires_at.type == XB_V_NULL ||
      (in->expires_at.type == XB_V_STR && xb_trim(in->expires_at.s).n == 0)) {
    k->has_expiry = false;
  } else if (in->expires_at.type == XB_V_STR) {
    xb_str s = xb_trim(in->expires_at.s);
    if (!xb_time_parse(s.p, s.n, &k->expires_at))
      return xb_rq_fail(q, 422, "invalid", "expires_at: not a valid timestamp");
    if (k->expires_at <= q->now) /* XB-RES-73 */
      return xb_rq_fail(q, 422, "invalid", "expires_at: must be later than now");
    k->has_expiry = true;
  } else if (in->expires_at.type != XB_V_ABSENT) {
    return xb_rq_fail(q, 422, "invalid", "expires_at: a timestamp must be a string");
  }
  if (!in->has_perms) {
    if (create) return xb_rq_fail(q, 422, "invalid", "permissions: required (1..16)");
    return 0;
  }
  /* XB-RES-72: a permissions member replaces the whole list. */
  if (in->nperms < 1 || in->nperms > 16)
    return xb_rq_fail(q, 422, "invalid", "permissions: 1..16 required");
  k->perms = xb_arena_alloc(&q->api->arena, in->nperms * sizeof *k->perms);
  if (k->perms == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  for (size_t i = 0; i < in->nperms; i++) {
    r = xb_perm_build(q, &in->perms[i], &k->perms[i]);
    if (r != 0) return r;
  }
  k->nperms = in->nperms;
  return 0;
}

/* POST /v2/keys (XB-RES-71, XB-RES-75, XB-RES-70) */
int xb_write_key_create(xb_rq *q) {
  xb_key_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  xb_store *st = q->api->st;
  if (q->input->key(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail2(q, &e);
  xb_key_row k;
  memset(&k, 0, sizeof k);
  k.user_id = q->user_id;
  int r = xb_key_merge(q, &in, &k, true);
  if (r != 0) return r;
  int64_t owned = 0;
  xb_store_status s = xb_store_key_count_by_user(st, q->user_id, &owned);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  if (owned >= 100) return xb_rq_fail(q, 422, "invalid", "a user owns at most 100 keys");
  char gen[41];
  xb_key_row other;
  if (q->system && q->req->admin_api_key != NULL) {
    xb_str want = {q->req->admin_api_key, strlen(q->req->admin_api_key)};
    if (!xb_is_word(want, XB_TOPIC_KEY_MIN, XB_TOPIC_KEY_MAX))
      return xb_rq_fail(q, 422, "invalid", "api_key: 16..64 of A-Z a-z 0-9 - _");
    k.api_key = want;
  } else {
    do { /* XB-RES-70: regenerated until it differs from every existing key */
      if (!xb_acct_random_key(gen)) return xb_rq_fail(q, 500, "store-error", "no randomness");
      s = xb_store_key_get(st, gen, 40, &q->api->arena, &other);
      if (s != XB_STORE_OK && s != XB_STORE_NOT_FOUND) return xb_rq_store_fail(q, s);
    } while (s == XB_STORE_OK);
    k.api_key = (xb_str){gen, 40};
  }
  s = xb_store_key_insert(st, &k);
  if (s == XB_STORE_EXISTS) return xb_rq_fail(q, 422, "conflict", "api_key already exists");
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  snprintf(q->resp->created, sizeof q->resp->created, "%.*s", (int)k.api_key.n, k.api_key.p);
  q->resp->status = 201;
  return 0;
}

/* PUT /v2/keys/K (XB-RES-72): the key exists and is the actor's (checked). */
int xb_write_key(xb_rq *q) {
  xb_key_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->key(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail2(q, &e);
  xb_key_row k;
  xb_str id = xb_rq_span(q, q->t->key_id);
  xb_store_status s = xb_store_key_get(q->api->st, id.p, id.n, &q->api->arena, &k);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  int r = xb_key_merge(q, &in, &k, false);
  if (r != 0) return r;
  s = xb_store_key_update(q->api->st, &k);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  q->resp->status = 200;
  return 0;
}

/* ------------------------------------------------------------------ triggers */

static const char *const xb_trigger_types[] = {"gt", "gte", "lt", "lte", "eq",
                                               "change", "frozen", "live"};

/* XB-RES-81..XB-RES-83, XB-AUTHZ-16 */
static int xb_trigger_merge(xb_rq *q, const xb_trigger_in *in, xb_trigger_row *t, bool create) {
  int r = xb_req_text(q, "url", in->url, 512, t->url, create, &t->url);
  if (r == 0 && in->url.type != XB_V_ABSENT && !xb_url_ok(t->url))
    return xb_rq_fail(q, 422, "invalid", "url: not an http(s) URL");
  if (r == 0) r = xb_req_text(q, "trigger_type", in->trigger_type, 16, t->trigger_type, create,
                              &t->trigger_type);
  if (r != 0) return r;
  size_t ti = 0;
  while (ti < 8 && !xb_str_eq(t->trigger_type, xb_trigger_types[ti])) ti++;
  if (ti == 8) return xb_rq_fail(q, 422, "invalid", "trigger_type: unknown type");
  if (in->environment_id.type != XB_V_ABSENT || create) {
    int64_t fid = 0;
    if (in->environment_id.type == XB_V_ABSENT || in->environment_id.type == XB_V_NULL)
      return xb_rq_fail(q, 422, "invalid", "environment_id: required");
    r = xb_int_attr(q, "environment_id", in->environment_id, 1, 2147483647, &fid);
    if (r != 0) return r;
    t->feed_id = (uint32_t)fid;
  }
  if (in->stream_id.type != XB_V_ABSENT || create) {
    if (in->stream_id.type == XB_V_ABSENT || in->stream_id.type == XB_V_NULL)
      return xb_rq_fail(q, 422, "invalid", "stream_id: required");
    r = xb_dsid_attr(q, "stream_id", in->stream_id, &t->stream_id);
    if (r != 0) return r;
  }
  /* XB-RES-82: checked on create and on every update. */
  int64_t owner = 0;
  bool priv = false;
  xb_store_status s = xb_store_feed_auth(q->api->st, t->feed_id, &owner, &priv);
  if (s == XB_STORE_NOT_FOUND)
    return xb_rq_fail(q, 422, "invalid", "environment_id: feed %u does not exist", t->feed_id);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  if (owner != q->user_id)
    return xb_rq_fail(q, 403, "forbidden", "environment_id: feed %u is not yours", t->feed_id);
  xb_ds_row d;
  s = xb_store_ds_get(q->api->st, t->feed_id, t->stream_id.p, t->stream_id.n, &q->api->arena, &d);
  if (s == XB_STORE_NOT_FOUND)
    return xb_rq_fail(q, 422, "invalid", "stream_id: no such datastream in feed %u", t->feed_id);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  if (ti >= 5) { /* XB-RES-83: change, frozen, live carry no threshold */
    t->threshold_value = XB_STR_NONE;
    return 0;
  }
  if (in->threshold_value.type != XB_V_ABSENT) {
    xb_val v = in->threshold_value;
    if (v.type == XB_V_NULL) {
      t->threshold_value = XB_STR_NONE;
    } else if (v.type == XB_V_STR || v.type == XB_V_NUM) {
      xb_str s2 = xb_trim(v.s);
      t->threshold_value = s2.n > 0 ? s2 : XB_STR_NONE;
    } else {
      return xb_rq_fail(q, 422, "invalid", "threshold_value: must be a number");
    }
  }
  double dv;
  if (t->threshold_value.p == NULL || t->threshold_value.n > 255 ||
      !xb_numeric(t->threshold_value, &dv))
    return xb_rq_fail(q, 422, "invalid", "threshold_value: a numeric value is required");
  return 0;
}

/* POST /v2/triggers (XB-RES-81, XB-RES-84) */
int xb_write_trigger_create(xb_rq *q) {
  xb_trigger_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->trigger(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail2(q, &e);
  xb_trigger_row t;
  memset(&t, 0, sizeof t);
  t.user_id = q->user_id;
  int r = xb_trigger_merge(q, &in, &t, true);
  if (r != 0) return r;
  int64_t owned = 0;
  xb_store_status s = xb_store_trigger_count_by_user(q->api->st, q->user_id, &owned);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  if (owned >= 100) return xb_rq_fail(q, 422, "invalid", "a user owns at most 100 triggers");
  uint32_t id = 0;
  s = xb_store_trigger_insert(q->api->st, &t, &id);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  snprintf(q->resp->created, sizeof q->resp->created, "%u", id);
  q->resp->status = 201;
  return 0;
}

/* PUT /v2/triggers/N */
int xb_write_trigger(xb_rq *q) {
  xb_trigger_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->trigger(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail2(q, &e);
  xb_trigger_row t;
  xb_store_status s = xb_store_trigger_get(q->api->st, q->t->trigger_id, &q->api->arena, &t);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  int r = xb_trigger_merge(q, &in, &t, false);
  if (r != 0) return r;
  s = xb_store_trigger_update(q->api->st, &t);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  q->resp->status = 200;
  return 0;
}

/* ------------------------------------------------------------------ users */

static int xb_user_merge(xb_rq *q, const xb_user_in *in, xb_user_row *u) {
  int r = xb_opt_text(q, "full_name", in->full_name, 255, false, u->full_name, &u->full_name);
  if (r == 0) r = xb_opt_email(q, "email", in->email, u->email, &u->email);
  if (r == 0) r = xb_opt_url(q, "website", in->website, 255, u->website, &u->website);
  if (r == 0) r = xb_opt_text(q, "about", in->about, 2048, true, u->about, &u->about);
  if (r == 0)
    r = xb_opt_text(q, "organisation", in->organisation, 255, false, u->organisation,
                    &u->organisation);
  if (r == 0) r = xb_opt_text(q, "timezone", in->timezone, 64, false, u->timezone, &u->timezone);
  if (r == 0 && u->timezone.p != NULL) {
    for (size_t i = 0; i < u->timezone.n; i++) {
      unsigned char c = (unsigned char)u->timezone.p[i];
      if (c < 0x20 || c > 0x7e)
        return xb_rq_fail(q, 422, "invalid", "timezone: printable ASCII only");
    }
  }
  return r;
}

int xb_acct_create_user(xb_rq *q, xb_str login, const xb_user_row *attrs, bool admin,
                        const char *api_key, char key_out[XB_API_KEY_TEXT]) {
  xb_store *st = q->api->st;
  if (!xb_is_word(login, 1, XB_TOPIC_LOGIN_MAX))
    return xb_rq_fail(q, 422, "invalid", "login: 1..40 of A-Z a-z 0-9 - _");
  xb_user_row u;
  if (attrs != NULL) u = *attrs;
  else memset(&u, 0, sizeof u);
  u.login = login;
  u.admin = admin;
  u.created = q->now;
  int64_t uid = 0;
  xb_store_status s = xb_store_user_insert(st, &u, &uid);
  if (s == XB_STORE_EXISTS) return xb_rq_fail(q, 422, "conflict", "login already taken");
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  /* XB-RES-30: the master key. */
  char gen[41];
  xb_key_row k;
  memset(&k, 0, sizeof k);
  if (api_key != NULL) {
    k.api_key = (xb_str){api_key, strlen(api_key)};
    if (!xb_is_word(k.api_key, XB_TOPIC_KEY_MIN, XB_TOPIC_KEY_MAX))
      return xb_rq_fail(q, 422, "invalid", "api_key: 16..64 of A-Z a-z 0-9 - _");
  } else {
    xb_key_row other;
    do {
      if (!xb_acct_random_key(gen)) return xb_rq_fail(q, 500, "store-error", "no randomness");
      s = xb_store_key_get(st, gen, 40, &q->api->arena, &other);
      if (s != XB_STORE_OK && s != XB_STORE_NOT_FOUND) return xb_rq_store_fail(q, s);
    } while (s == XB_STORE_OK);
    k.api_key = (xb_str){gen, 40};
  }
  xb_perm_row p;
  memset(&p, 0, sizeof p);
  p.methods = XB_M_ALL;
  k.user_id = uid;
  k.label = XB_STR_LIT("master");
  k.private_access = true;
  k.master = true;
  k.perms = &p;
  k.nperms = 1;
  s = xb_store_key_insert(st, &k);
  if (s == XB_STORE_EXISTS) return xb_rq_fail(q, 422, "conflict", "api_key already exists");
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  if (key_out != NULL) snprintf(key_out, XB_API_KEY_TEXT, "%.*s", (int)k.api_key.n, k.api_key.p);
  return 0;
}

/* POST /v2/users (XB-RES-27, XB-RES-29, XB-RES-30) */
int xb_write_user_create(xb_rq *q) {
  xb_user_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->user(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail2(q, &e);
  if (in.login.type != XB_V_STR) return xb_rq_fail(q, 422, "invalid", "login: required string");
  xb_str login = xb_trim(in.login.s);
  xb_user_row u;
  memset(&u, 0, sizeof u);
  int r = xb_user_merge(q, &in, &u);
  if (r == 0) r = xb_acct_create_user(q, login, &u, false, NULL, NULL);
  if (r != 0) return r;
  snprintf(q->resp->created, sizeof q->resp->created, "%.*s", (int)login.n, login.p);
  q->resp->status = 201;
  return 0;
}

/* PUT /v2/users/L (XB-RES-28: login in the payload is ignored) */
int xb_write_user(xb_rq *q) {
  xb_user_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->user(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail2(q, &e);
  xb_user_row u;
  xb_str login = xb_rq_span(q, q->t->login);
  xb_store_status s = xb_store_user_by_login(q->api->st, login.p, login.n, &q->api->arena, &u);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  int r = xb_user_merge(q, &in, &u);
  if (r != 0) return r;
  s = xb_store_user_update(q->api->st, &u);
  if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
  q->resp->status = 200;
  return 0;
}
