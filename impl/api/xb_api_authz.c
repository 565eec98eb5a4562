/*
 * xb_api_authz.c — steps 1..3 of spec/authz.md XB-AUTHZ-2 for every target: the request
 * key (XB-AUTH-10, XB-AUTH-11), the existence of the target (404), and the rules of
 * XB-AUTHZ-11..XB-AUTHZ-24. Everything not explicitly allowed is denied (XB-AUTHZ-3).
 *
 * Status codes (XB-RES-87): unknown or expired key 401; anonymous request not allowed
 * 401 `forbidden` (XB-AUTHZ-20); a valid key not allowed 403 `forbidden` or `source-ip`.
 */
#include <string.h>

#include "api/xb_api_int.h"
#include "api/xb_valid.h"

/* Step 1: the request key must exist and not be expired. */
static int xb_authz_key(xb_rq *q) {
  const xb_api_request *req = q->req;
  xb_api *api = q->api;
  if (req->as_user != NULL) {
    xb_user_row u;
    xb_store_status r = xb_store_user_by_login(api->st, req->as_user, strlen(req->as_user),
                                               &api->arena, &u);
    if (r == XB_STORE_NOT_FOUND) return xb_rq_fail(q, 401, "unknown-key", "no such user");
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
    q->system = true;
    q->user_id = u.id;
    q->admin = true;
    return 0;
  }
  if (req->key == NULL || req->key_len == 0) return 0; /* anonymous (XB-AUTH-10) */
  xb_str k = {req->key, req->key_len};
  if (!xb_is_word(k, XB_TOPIC_KEY_MIN, XB_TOPIC_KEY_MAX))
    return xb_rq_fail(q, 401, "unknown-key", "not an API key");
  const xb_key_row *row = NULL;
  xb_store_status r = xb_keycache_get(api->kc, api->st, k.p, k.n, &row);
  if (r == XB_STORE_NOT_FOUND) return xb_rq_fail(q, 401, "unknown-key", "unknown API key");
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  if (row->has_expiry && row->expires_at <= q->now)
    return xb_rq_fail(q, 401, "expired-key", "API key expired"); /* XB-AUTH-11 */
  q->key = row;
  q->user_id = row->user_id;
  return 0;
}

static int xb_deny(xb_rq *q, xb_authz_verdict v, const char *what) {
  if (q->key == NULL && !q->system)
    return xb_rq_fail(q, 401, "forbidden", "anonymous %s not allowed", what); /* XB-AUTHZ-20 */
  if (v == XB_AUTHZ_DENY_SOURCE_IP)
    return xb_rq_fail(q, 403, "source-ip", "%s: source_ip does not match", what);
  return xb_rq_fail(q, 403, "forbidden", "%s not allowed for this key", what);
}

/* XB-AUTHZ-11: master rights of the request key (system requests have them). */
static xb_authz_verdict xb_master(xb_rq *q) {
  if (q->system) return XB_AUTHZ_ALLOW;
  if (q->key == NULL) return XB_AUTHZ_DENY;
  return xb_authz_master(q->key, &q->ip);
}

static bool xb_acting_admin(xb_rq *q, bool *admin) {
  *admin = q->admin;
  if (q->system || q->user_id == 0) return true;
  xb_user_row u;
  xb_store_status r = xb_store_user_by_id(q->api->st, q->user_id, &q->api->arena, &u);
  if (r != XB_STORE_OK) return false;
  *admin = q->admin = u.admin;
  return true;
}

bool xb_authz_can_read_feed(xb_rq *q, uint32_t feed_id, int64_t owner, bool is_private) {
  if (!is_private) return true;          /* XB-AUTHZ-17 */
  if (q->system) return owner == q->user_id;
  if (q->key == NULL) return false;      /* XB-AUTHZ-20 */
  if (owner != q->user_id || !q->key->private_access) return false; /* XB-AUTHZ-18 */
  xb_authz_target t = {feed_id, NULL, 0, false};
  return xb_authz_match(q->key, XB_M_GET, &t, &q->ip) == XB_AUTHZ_ALLOW;
}

/* Feed family (XB-AUTHZ-17..XB-AUTHZ-19): existence first, then the rules. */
static int xb_authz_feed_family(xb_rq *q) {
  const xb_topic *t = q->t;
  xb_store *st = q->api->st;
  xb_store_status r = xb_store_feed_auth(st, t->feed_id, &q->feed_owner, &q->feed_private);
  if (r == XB_STORE_NOT_FOUND) return xb_rq_fail(q, 404, "not-found", "feed %u not found",
                                                 t->feed_id);
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  q->feed_exists = true;
  /* Step 2 for targets below the feed: a read needs the datastream (and datapoint);
   * a datapoint update needs both (XB-RES-65); other writes create the datastream. */
  bool need_ds = t->resource != XB_TOPIC_FEED && t->resource != XB_TOPIC_DATASTREAMS &&
                 (q->method == XB_M_GET || t->resource == XB_TOPIC_DATAPOINT);
  if (need_ds) {
    xb_ds_row d;
    r = xb_store_ds_get(st, t->feed_id, q->ds.p, q->ds.n, &q->api->arena, &d);
    if (r == XB_STORE_NOT_FOUND)
      return xb_rq_fail(q, 404, "not-found", "datastream %.*s not found", (int)q->ds.n, q->ds.p);
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  }
  if (t->resource == XB_TOPIC_DATAPOINT) {
    xb_point_row p;
    r = xb_store_point_get(st, t->feed_id, q->ds, t->ts_us, &q->api->arena, &p);
    if (r == XB_STORE_NOT_FOUND) return xb_rq_fail(q, 404, "not-found", "datapoint not found");
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  }
  /* Step 3 */
  xb_authz_target tg = {t->feed_id, NULL, 0, false};
  if (t->resource != XB_TOPIC_FEED && t->resource != XB_TOPIC_DATASTREAMS) {
    tg.ds = q->ds.p;
    tg.ds_len = q->ds.n;
  }
  if (q->method == XB_M_GET) {
#ifdef XB_MUT_PRIVATE_READABLE /* seeded fault, make conform-mutants only */
    return 0;
#endif
    if (!q->feed_private) return 0; /* XB-AUTHZ-17: public read, key valid or absent */
    if (q->system) /* provisioning acts as the user's master key (XB-AUTHZ-12) */
      return q->feed_owner == q->user_id ? 0 : xb_deny(q, XB_AUTHZ_DENY, "another user's feed");
    if (q->key == NULL) return xb_deny(q, XB_AUTHZ_DENY, "read of a private feed");
    /* XB-AUTHZ-18 */
    if (q->feed_owner != q->user_id || !q->key->private_access)
      return xb_deny(q, XB_AUTHZ_DENY, "read of a private feed");
    xb_authz_verdict v = xb_authz_match(q->key, XB_M_GET, &tg, &q->ip);
    return v == XB_AUTHZ_ALLOW ? 0 : xb_deny(q, v, "read");
  }
  /* XB-AUTHZ-19: writes need ownership and a matching permission for the method. */
  if (q->key == NULL && !q->system) return xb_deny(q, XB_AUTHZ_DENY, "write");
  if (q->feed_owner != q->user_id) return xb_deny(q, XB_AUTHZ_DENY, "write to another user's feed");
  if (q->system) return 0;
#ifdef XB_MUT_NO_WRITE_PERMISSION /* seeded fault, make conform-mutants only */
  return 0;
#endif
  xb_authz_verdict v = xb_authz_match(q->key, q->method, &tg, &q->ip);
  return v == XB_AUTHZ_ALLOW ? 0 : xb_deny(q, v, "write");
}

/* Keys and triggers (XB-AUTHZ-13, XB-AUTHZ-16): master rights, own resources only. */
static int xb_authz_owned(xb_rq *q, bool exists, int64_t owner, const char *what) {
  if (!exists) return xb_rq_fail(q, 404, "not-found", "%s not found", what);
  if (q->key == NULL && !q->system) return xb_deny(q, XB_AUTHZ_DENY, what);
  if (owner != q->user_id) return xb_deny(q, XB_AUTHZ_DENY, what); /* XB-AUTHZ-12 */
  xb_authz_verdict v = xb_master(q);
  return v == XB_AUTHZ_ALLOW ? 0 : xb_deny(q, v, what);
}

int xb_authz_request(xb_rq *q) {
  int r = xb_authz_key(q);
  if (r != 0) return r;
  xb_api *api = q->api;
  const xb_topic *t = q->t;
  xb_store_status s;
  switch (t->resource) {
    case XB_TOPIC_FEEDS: {
      if (q->method == XB_M_GET) return 0; /* XB-AUTHZ-22: filtered by the reader */
      /* XB-AUTHZ-21: an unscoped permission with post. */
      if (q->system) return 0;
      if (q->key == NULL) return xb_deny(q, XB_AUTHZ_DENY, "feed creation");
      xb_authz_target tg = {0, NULL, 0, true};
      xb_authz_verdict v = xb_authz_match(q->key, XB_M_POST, &tg, &q->ip);
      return v == XB_AUTHZ_ALLOW ? 0 : xb_deny(q, v, "feed creation");
    }
    case XB_TOPIC_FEED:
    case XB_TOPIC_DATASTREAMS:
    case XB_TOPIC_DATASTREAM:
    case XB_TOPIC_DATAPOINTS:
    case XB_TOPIC_DATAPOINT: return xb_authz_feed_family(q);
    case XB_TOPIC_KEYS:
    case XB_TOPIC_TRIGGERS: return xb_authz_owned(q, true, q->user_id, "key or trigger list");
    case XB_TOPIC_KEY: {
      xb_key_row k;
      xb_str id = xb_rq_span(q, t->key_id);
      s = xb_store_key_get(api->st, id.p, id.n, &api->arena, &k);
      if (s != XB_STORE_OK && s != XB_STORE_NOT_FOUND) return xb_rq_store_fail(q, s);
      return xb_authz_owned(q, s == XB_STORE_OK, k.user_id, "key");
    }
    case XB_TOPIC_TRIGGER: {
      xb_trigger_row tr;
      s = xb_store_trigger_get(api->st, t->trigger_id, &api->arena, &tr);
      if (s != XB_STORE_OK && s != XB_STORE_NOT_FOUND) return xb_rq_store_fail(q, s);
      return xb_authz_owned(q, s == XB_STORE_OK, tr.user_id, "trigger");
    }
    case XB_TOPIC_USERS: {
      if (q->key == NULL && !q->system) return xb_deny(q, XB_AUTHZ_DENY, "user list");
      if (q->method == XB_M_GET) return 0; /* XB-AUTHZ-15, XB-AUTHZ-23: filtered */
      bool admin = false;
      if (!xb_acting_admin(q, &admin)) return xb_rq_store_fail(q, XB_STORE_ERROR);
      xb_authz_verdict v = xb_master(q);
      if (v != XB_AUTHZ_ALLOW) return xb_deny(q, v, "user creation");
      return admin ? 0 : xb_deny(q, XB_AUTHZ_DENY, "user creation (administrators only)");
    }
    case XB_TOPIC_USER: {
      xb_user_row u;
      xb_str login = xb_rq_span(q, t->login);
      s = xb_store_user_by_login(api->st, login.p, login.n, &api->arena, &u);
      if (s == XB_STORE_NOT_FOUND) return xb_rq_fail(q, 404, "not-found", "user not found");
      if (s != XB_STORE_OK) return xb_rq_store_fail(q, s);
      if (q->key == NULL && !q->system) return xb_deny(q, XB_AUTHZ_DENY, "user");
      bool admin = false;
      if (!xb_acting_admin(q, &admin)) return xb_rq_store_fail(q, XB_STORE_ERROR);
      xb_authz_verdict v = xb_master(q);
      if (v != XB_AUTHZ_ALLOW) return xb_deny(q, v, "user");
      return (u.id == q->user_id || admin) ? 0 : xb_deny(q, XB_AUTHZ_DENY, "another user");
    }
    default: return xb_rq_fail(q, 404, "not-found", "no such resource");
  }
}
