/*
 * xb_api_admin.c — provisioning for xbadmin and tests (spec/scope.md XB-SCOPE-8).
 *
 * Users are created directly (with their master key, XB-RES-30); everything else goes
 * through xb_api_execute as the named user (xb_api_request.as_user), so provisioning
 * obeys exactly the validation rules of MQTT writes.
 */
#include <stdio.h>
#include <string.h>

#include "api/xb_api_int.h"
#include "formats/xb_render_json.h"

static void xb_err(char *err, size_t errlen, const char *msg) {
  if (err != NULL && errlen > 0) snprintf(err, errlen, "%s", msg);
}

int xb_api_admin_add_user(xb_api *api, const char *login, bool admin, const char *api_key,
                          int64_t now, char key_out[XB_API_KEY_TEXT], char *err, size_t errlen) {
  xb_api_response resp;
  memset(&resp, 0, sizeof resp);
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.now = now;
  xb_topic t;
  memset(&t, 0, sizeof t);
  xb_rq q;
  memset(&q, 0, sizeof q);
  q.api = api;
  q.req = &req;
  q.resp = &resp;
  q.t = &t;
  q.now = now;
  q.system = true;
  q.admin = true;
  xb_arena_reset(&api->arena);
  bool own = !api->in_batch;
  if (own && xb_store_begin(api->st) != XB_STORE_OK) {
    xb_err(err, errlen, xb_store_errmsg(api->st));
    return 500;
  }
  if (!own && xb_store_savepoint(api->st) != XB_STORE_OK) {
    xb_err(err, errlen, xb_store_errmsg(api->st));
    return 500;
  }
  int r = xb_acct_create_user(&q, (xb_str){login, strlen(login)}, NULL, admin, api_key, key_out);
  if (r == 0) {
    xb_store_status s = own ? xb_store_commit(api->st) : xb_store_release(api->st);
    if (s != XB_STORE_OK) {
      xb_err(err, errlen, xb_store_errmsg(api->st));
      return 500;
    }
    return 201;
  }
  if (own) xb_store_rollback(api->st);
  else xb_store_rollback_to(api->st);
  xb_err(err, errlen, resp.detail);
  return resp.status;
}

/* Execute one provisioning request as login. */
static int xb_admin_exec(xb_api *api, const char *login, xb_api_method m, const char *topic,
                         const xb_buf *payload, int64_t now, uint32_t feed_id,
                         const char *api_key, xb_buf *out, char *created, size_t clen,
                         char *err, size_t errlen) {
  xb_topic t;
  size_t tlen = strlen(topic);
  xb_topic_status ts = xb_topic_parse((const uint8_t *)topic, tlen, 65535, &t);
  if (ts != XB_TOPIC_OK) {
    if (err != NULL) snprintf(err, errlen, "%s: %s", topic, xb_topic_status_str(ts));
    return 400;
  }
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = m;
  req.topic = &t;
  req.topic_bytes = (const uint8_t *)topic;
  req.payload = payload != NULL ? payload->data : NULL;
  req.payload_len = payload != NULL ? payload->len : 0;
  req.now = now;
  req.as_user = login;
  req.admin_feed_id = feed_id;
  req.admin_api_key = api_key;
  xb_api_response resp;
  memset(&resp, 0, sizeof resp);
  resp.body = out;
  int st = xb_api_execute(api, &req, &resp);
  if (resp.reason != NULL) {
    if (err != NULL) snprintf(err, errlen, "%s (%s)", resp.detail, resp.reason);
  } else if (created != NULL) {
    snprintf(created, clen, "%s", resp.created);
  }
  return st;
}

static void xb_jfield(xb_buf *b, bool *first, const char *name, const char *v) {
  if (v == NULL) return;
  xb_buf_puts(b, *first ? "\"" : ",\"");
  *first = false;
  xb_buf_puts(b, name);
  xb_buf_puts(b, "\":");
  xb_json_put_string(b, v, strlen(v));
}

int xb_api_admin_add_feed(xb_api *api, const char *login, uint32_t id, const char *title,
                          bool is_private, int64_t now, uint32_t *id_out, char *err,
                          size_t errlen) {
  xb_buf p;
  xb_buf_init(&p, 0);
  bool first = true;
  xb_buf_putc(&p, '{');
  xb_jfield(&p, &first, "title", title != NULL ? title : "");
  xb_buf_puts(&p, is_private ? ",\"private\":true}" : ",\"private\":false}");
  char created[72] = "";
  int st = xb_buf_ok(&p) ? xb_admin_exec(api, login, XB_API_POST, "/v2/feeds.json", &p, now, id,
                                          NULL, NULL, created, sizeof created, err, errlen)
                         : 500;
  xb_buf_free(&p);
  if (st == 201 && id_out != NULL) {
    unsigned long v = 0;
    sscanf(created, "%lu", &v);
    *id_out = (uint32_t)v;
  }
  return st;
}

int xb_api_admin_add_datastream(xb_api *api, const char *login, uint32_t feed_id,
                                const char *ds_id, int64_t now, char *err, size_t errlen) {
  char topic[64];
  snprintf(topic, sizeof topic, "/v2/feeds/%u/datastreams.json", feed_id);
  xb_buf p;
  xb_buf_init(&p, 0);
  bool first = true;
  xb_buf_puts(&p, "{\"datastreams\":[{");
  xb_jfield(&p, &first, "id", ds_id != NULL ? ds_id : "");
  xb_buf_puts(&p, "}]}");
  int st = xb_buf_ok(&p) ? xb_admin_exec(api, login, XB_API_POST, topic, &p, now, 0, NULL, NULL,
                                          NULL, 0, err, errlen)
                         : 500;
  xb_buf_free(&p);
  return st;
}

int xb_api_admin_add_key(xb_api *api, const char *login, const char *api_key, const char *label,
                         bool private_access, const xb_api_admin_perm *perms, size_t nperms,
                         int64_t now, char key_out[XB_API_KEY_TEXT], char *err, size_t errlen) {
  static const char *const names[] = {"get", "put", "post", "delete"};
  xb_buf p;
  xb_buf_init(&p, 0);
  bool first = true;
  xb_buf_puts(&p, "{\"key\":{");
  xb_jfield(&p, &first, "label", label != NULL ? label : "");
  xb_buf_puts(&p, private_access ? ",\"private_access\":true" : ",\"private_access\":false");
  xb_buf_puts(&p, ",\"permissions\":[");
  for (size_t i = 0; i < nperms; i++) {
    const xb_api_admin_perm *pm = &perms[i];
    if (i != 0) xb_buf_putc(&p, ',');
    xb_buf_puts(&p, "{\"access_methods\":[");
    bool mf = true;
    for (unsigned k = 0; k < 4; k++) {
      if ((pm->methods & (1u << k)) == 0) continue;
      if (!mf) xb_buf_putc(&p, ',');
      mf = false;
      xb_json_put_string(&p, names[k], strlen(names[k]));
    }
    xb_buf_putc(&p, ']');
    bool pf = false;
    xb_jfield(&p, &pf, "source_ip", pm->source_ip);
    if (pm->feed_id != 0) {
      xb_buf_printf(&p, ",\"resources\":[{\"feed_id\":%u", pm->feed_id);
      bool rf = false;
      xb_jfield(&p, &rf, "datastream_id", pm->ds_id);
      xb_buf_puts(&p, "}]");
    }
    xb_buf_putc(&p, '}');
  }
  xb_buf_puts(&p, "]}}");
  char created[72] = "";
  int st = xb_buf_ok(&p) ? xb_admin_exec(api, login, XB_API_POST, "/v2/keys.json", &p, now, 0,
                                          api_key, NULL, created, sizeof created, err, errlen)
                         : 500;
  xb_buf_free(&p);
  if (st == 201 && key_out != NULL) snprintf(key_out, XB_API_KEY_TEXT, "%.64s", created);
  return st;
}

int xb_api_admin_show(xb_api *api, const char *login, const char *topic, int64_t now,
                      xb_buf *out, char *err, size_t errlen) {
  return xb_admin_exec(api, login, XB_API_GET, topic, NULL, now, 0, NULL, out, NULL, 0, err,
                       errlen);
}
