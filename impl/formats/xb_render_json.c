/*
 * xb_render_json.c — canonical JSON output of every readable resource (spec/json.md §2).
 * Member order and presence follow the tables of XB-JSON-8..XB-JSON-18 exactly.
 */
#include "formats/xb_render_json.h"

#include <string.h>

/* XB-JSON-4: only '"', '\\' and U+0000..U+001F are escaped; everything else raw. */
void xb_json_put_string(xb_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  xb_buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    xb_buf_append(b, s + run, i - run);
    run = i + 1;
    char e[6] = {'\\', 0, 0, 0, 0, 0};
    size_t el = 2;
    switch (c) {
      case '"': e[1] = '"'; break;
      case '\\': e[1] = '\\'; break;
      case '\b': e[1] = 'b'; break;
      case '\f': e[1] = 'f'; break;
      case '\n': e[1] = 'n'; break;
      case '\r': e[1] = 'r'; break;
      case '\t': e[1] = 't'; break;
      default:
        e[1] = 'u';
        e[2] = '0';
        e[3] = '0';
        e[4] = hex[c >> 4];
        e[5] = hex[c & 15u];
        el = 6;
    }
    xb_buf_append(b, e, el);
  }
  xb_buf_append(b, s + run, n - run);
  xb_buf_putc(b, '"');
}

/* ------------------------------------------------------------------ member helpers */

/* Members are written "sep name:value"; *first tracks whether a comma is needed. */
static void xb_jname(xb_buf *b, bool *first, const char *name) {
  if (!*first) xb_buf_putc(b, ',');
  *first = false;
  xb_buf_putc(b, '"');
  xb_buf_puts(b, name);
  xb_buf_puts(b, "\":");
}

static void xb_jstr(xb_buf *b, bool *first, const char *name, xb_str v) {
  if (v.p == NULL) return; /* XB-JSON-3: unset attributes are omitted */
  xb_jname(b, first, name);
  xb_json_put_string(b, v.p, v.n);
}

static void xb_jraw(xb_buf *b, bool *first, const char *name, xb_str v) {
  if (v.p == NULL) return;
  xb_jname(b, first, name);
  xb_buf_append(b, v.p, v.n); /* XB-JSON-6: lat/lon as their stored number text */
}

static void xb_jint(xb_buf *b, bool *first, const char *name, uint64_t v) {
  xb_jname(b, first, name);
  xb_buf_put_u64(b, v);
}

static void xb_jtime(xb_buf *b, bool *first, const char *name, int64_t us) {
  xb_jname(b, first, name);
  xb_buf_putc(b, '"');
  xb_buf_put_time(b, us);
  xb_buf_putc(b, '"');
}

static void xb_jtags(xb_buf *b, bool *first, xb_str tags) {
  if (tags.p == NULL || tags.n == 0) return; /* empty array omitted */
  xb_jname(b, first, "tags");
  xb_buf_putc(b, '[');
  size_t pos = 0;
  xb_str t;
  bool f = true;
  while (xb_tags_next(tags, &pos, &t)) {
    if (!f) xb_buf_putc(b, ',');
    f = false;
    xb_json_put_string(b, t.p, t.n);
  }
  xb_buf_putc(b, ']');
}

/* ------------------------------------------------------------------ datapoints */

static void xb_jpoint(xb_buf *b, const xb_point_row *p) {
  xb_buf_puts(b, "{\"value\":");
  xb_json_put_string(b, p->value.p != NULL ? p->value.p : "", p->value.n);
  xb_buf_puts(b, ",\"at\":\"");
  xb_buf_put_time(b, p->at);
  xb_buf_puts(b, "\"}");
}

static void xb_jpoints(xb_buf *b, const xb_point_row *p, size_t n) {
  xb_buf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i != 0) xb_buf_putc(b, ',');
    xb_jpoint(b, &p[i]);
  }
  xb_buf_putc(b, ']');
}

/* ------------------------------------------------------------------ datastreams */

/* XB-JSON-8/9/11/12: id, current_value, at, max_value, min_value, tags, unit,
 * [version], datapoints. */
static void xb_jds(xb_buf *b, const xb_ds_view *v, bool with_version) {
  const xb_ds_row *d = v->ds;
  bool first = true;
  xb_buf_putc(b, '{');
  xb_jstr(b, &first, "id", d->id);
  if (d->written) {
    xb_jstr(b, &first, "current_value", d->current_value.p != NULL ? d->current_value
                                                                   : XB_STR_LIT(""));
    xb_jtime(b, &first, "at", d->at);
  }
  xb_jstr(b, &first, "max_value", d->max_value);
  xb_jstr(b, &first, "min_value", d->min_value);
  xb_jtags(b, &first, d->tags);
  if (d->unit_label.p != NULL || d->unit_symbol.p != NULL || d->unit_type.p != NULL) {
    xb_jname(b, &first, "unit");
    bool uf = true;
    xb_buf_putc(b, '{');
    xb_jstr(b, &uf, "label", d->unit_label);
    xb_jstr(b, &uf, "symbol", d->unit_symbol);
    xb_jstr(b, &uf, "type", d->unit_type);
    xb_buf_putc(b, '}');
  }
  if (with_version) xb_jstr(b, &first, "version", XB_STR_LIT("1.0.0"));
  if (v->npoints > 0) {
    xb_jname(b, &first, "datapoints");
    xb_jpoints(b, v->points, v->npoints);
  }
  xb_buf_putc(b, '}');
}

/* ------------------------------------------------------------------ feeds */

static void xb_jurl(xb_buf *b, bool *first, const char *name, const char *base,
                    const char *mid, xb_str tail, const char *suffix) {
  xb_jname(b, first, name);
  xb_buf_putc(b, '"');
  /* Base URLs and ids are validated ASCII without characters needing escapes; the
   * login is an id-char string (spec/topics.md), so no escaping is needed here. */
  xb_buf_puts(b, base);
  xb_buf_puts(b, mid);
  xb_buf_append(b, tail.p, tail.n);
  xb_buf_puts(b, suffix);
  xb_buf_putc(b, '"');
}

static void xb_jlocation(xb_buf *b, bool *first, const xb_feed_view *v) {
  const xb_feed_row *f = v->feed;
  bool any = f->loc_disposition.p != NULL || f->loc_domain.p != NULL ||
             f->loc_exposure.p != NULL || f->loc_name.p != NULL || f->loc_lat.p != NULL ||
             f->loc_lon.p != NULL || f->loc_ele.p != NULL || v->nwps > 0;
  if (!any) return;
  xb_jname(b, first, "location");
  bool lf = true;
  xb_buf_putc(b, '{');
  xb_jstr(b, &lf, "disposition", f->loc_disposition);
  xb_jstr(b, &lf, "domain", f->loc_domain);
  xb_jstr(b, &lf, "exposure", f->loc_exposure);
  xb_jstr(b, &lf, "name", f->loc_name);
  xb_jraw(b, &lf, "lat", f->loc_lat);
  xb_jraw(b, &lf, "lon", f->loc_lon);
  xb_jstr(b, &lf, "ele", f->loc_ele);
  if (v->nwps > 0) {
    xb_jname(b, &lf, "waypoints");
    xb_buf_putc(b, '[');
    for (size_t i = 0; i < v->nwps; i++) {
      const xb_waypoint_row *w = &v->wps[i];
      bool wf = true;
      if (i != 0) xb_buf_putc(b, ',');
      xb_buf_putc(b, '{');
      xb_jtime(b, &wf, "at", w->at);
      xb_jraw(b, &wf, "lat", w->lat);
      xb_jraw(b, &wf, "lon", w->lon);
      xb_jstr(b, &wf, "ele", w->ele);
      xb_buf_putc(b, '}');
    }
    xb_buf_putc(b, ']');
  }
  xb_buf_putc(b, '}');
}

static void xb_jfeed(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *v) {
  const xb_feed_row *f = v->feed;
  char idtxt[12];
  size_t idn = 0;
  uint32_t id = f->id;
  char tmp[12];
  size_t tn = 0;
  do {
    tmp[tn++] = (char)('0' + id % 10u);
    id /= 10u;
  } while (id != 0);
  while (tn > 0) idtxt[idn++] = tmp[--tn];
  bool first = true;
  xb_buf_putc(b, '{');
  xb_jint(b, &first, "id", f->id);
  xb_jstr(b, &first, "title", f->title.p != NULL ? f->title : XB_STR_LIT(""));
  xb_jstr(b, &first, "private", f->is_private ? XB_STR_LIT("true") : XB_STR_LIT("false"));
  xb_jurl(b, &first, "feed", c->api_base, "/v2/feeds/", (xb_str){idtxt, idn}, ".json");
  xb_jstr(b, &first, "status", v->live ? XB_STR_LIT("live") : XB_STR_LIT("frozen"));
  xb_jtime(b, &first, "updated", f->updated);
  xb_jtime(b, &first, "created", f->created);
  xb_jurl(b, &first, "creator", c->site_base, "/users/", f->owner_login, "");
  xb_jstr(b, &first, "version", XB_STR_LIT("1.0.0"));
  xb_jstr(b, &first, "description", f->description);
  xb_jstr(b, &first, "website", f->website);
  xb_jstr(b, &first, "icon", f->icon);
  xb_jstr(b, &first, "email", f->email);
  xb_jtags(b, &first, f->tags);
  if (v->show_user) {
    xb_jname(b, &first, "user");
    xb_buf_puts(b, "{\"login\":");
    xb_json_put_string(b, f->owner_login.p, f->owner_login.n);
    xb_buf_putc(b, '}');
  }
  xb_jlocation(b, &first, v);
  if (v->nds > 0) {
    xb_jname(b, &first, "datastreams");
    xb_buf_putc(b, '[');
    for (size_t i = 0; i < v->nds; i++) {
      if (i != 0) xb_buf_putc(b, ',');
      xb_jds(b, &v->ds[i], false);
    }
    xb_buf_putc(b, ']');
  }
  xb_buf_putc(b, '}');
}

/* XB-JSON-14 */
static void xb_jfeed_list(xb_buf *b, const xb_render_ctx *c, const xb_feed_list_view *l) {
  xb_buf_puts(b, "{\"totalResults\":");
  xb_buf_put_u64(b, l->total);
  xb_buf_puts(b, ",\"startIndex\":");
  xb_buf_put_u64(b, l->start);
  xb_buf_puts(b, ",\"itemsPerPage\":");
  xb_buf_put_u64(b, l->per_page);
  xb_buf_puts(b, ",\"results\":[");
  for (size_t i = 0; i < l->n; i++) {
    if (i != 0) xb_buf_putc(b, ',');
    xb_jfeed(b, c, &l->feeds[i]);
  }
  xb_buf_puts(b, "]}");
}

/* XB-JSON-12 */
static void xb_jdatastream(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                           const xb_ds_view *d) {
  (void)c;
  (void)f;
  xb_jds(b, d, true);
}

/* XB-JSON-13 */
static void xb_jdatapoint(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                          const xb_ds_row *d, const xb_point_row *p) {
  (void)c;
  (void)f;
  (void)d;
  xb_jpoint(b, p);
}

static void xb_jdatapoints(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                           const xb_ds_row *d, const xb_point_row *p, size_t n) {
  (void)c;
  (void)f;
  (void)d;
  xb_buf_puts(b, "{\"datapoints\":");
  xb_jpoints(b, p, n); /* rendered even when empty (XB-JSON-3) */
  xb_buf_putc(b, '}');
}

/* ------------------------------------------------------------------ keys */

static void xb_jmethods(xb_buf *b, unsigned m) {
  static const char *const names[] = {"get", "put", "post", "delete"};
  xb_buf_putc(b, '[');
  bool f = true;
  for (unsigned i = 0; i < 4; i++) {
    if ((m & (1u << i)) == 0) continue; /* XB-RES-74 order: get, put, post, delete */
    if (!f) xb_buf_putc(b, ',');
    f = false;
    xb_buf_putc(b, '"');
    xb_buf_puts(b, names[i]);
    xb_buf_putc(b, '"');
  }
  xb_buf_putc(b, ']');
}

static void xb_jkey_obj(xb_buf *b, const xb_key_row *k) {
  bool first = true;
  xb_buf_putc(b, '{');
  xb_jstr(b, &first, "api_key", k->api_key);
  xb_jstr(b, &first, "label", k->label);
  if (k->has_expiry) xb_jtime(b, &first, "expires_at", k->expires_at);
  xb_jname(b, &first, "private_access");
  xb_buf_puts(b, k->private_access ? "true" : "false");
  xb_jname(b, &first, "permissions");
  xb_buf_putc(b, '[');
  for (size_t i = 0; i < k->nperms; i++) {
    const xb_perm_row *p = &k->perms[i];
    bool pf = true;
    if (i != 0) xb_buf_putc(b, ',');
    xb_buf_putc(b, '{');
    xb_jstr(b, &pf, "label", p->label);
    xb_jname(b, &pf, "access_methods");
    xb_jmethods(b, p->methods);
    xb_jstr(b, &pf, "source_ip", p->source_ip);
    xb_jstr(b, &pf, "referer", p->referer);
    if (p->has_min_interval) xb_jint(b, &pf, "minimum_interval", (uint64_t)p->minimum_interval);
    if (p->nres > 0) {
      xb_jname(b, &pf, "resources");
      xb_buf_putc(b, '[');
      for (size_t j = 0; j < p->nres; j++) {
        bool rf = true;
        if (j != 0) xb_buf_putc(b, ',');
        xb_buf_putc(b, '{');
        xb_jint(b, &rf, "feed_id", p->res[j].feed_id);
        xb_jstr(b, &rf, "datastream_id", p->res[j].ds_id);
        xb_buf_putc(b, '}');
      }
      xb_buf_putc(b, ']');
    }
    xb_buf_putc(b, '}');
  }
  xb_buf_putc(b, ']');
  xb_buf_putc(b, '}');
}

/* XB-JSON-15 */
static void xb_jkey(xb_buf *b, const xb_render_ctx *c, const xb_key_row *k) {
  (void)c;
  xb_buf_puts(b, "{\"key\":");
  xb_jkey_obj(b, k);
  xb_buf_putc(b, '}');
}

static void xb_jkeys(xb_buf *b, const xb_render_ctx *c, const xb_key_row *k, size_t n) {
  (void)c;
  xb_buf_puts(b, "{\"keys\":[");
  for (size_t i = 0; i < n; i++) {
    if (i != 0) xb_buf_putc(b, ',');
    xb_jkey_obj(b, &k[i]);
  }
  xb_buf_puts(b, "]}");
}

/* ------------------------------------------------------------------ triggers */

/* XB-JSON-16 */
static void xb_jtrigger(xb_buf *b, const xb_render_ctx *c, const xb_trigger_row *t) {
  (void)c;
  bool first = true;
  xb_buf_putc(b, '{');
  xb_jint(b, &first, "id", t->id);
  xb_jstr(b, &first, "url", t->url);
  xb_jstr(b, &first, "trigger_type", t->trigger_type);
  xb_jstr(b, &first, "threshold_value", t->threshold_value);
  xb_jint(b, &first, "environment_id", t->feed_id);
  xb_jstr(b, &first, "stream_id", t->stream_id);
  xb_jstr(b, &first, "user", t->user_login);
  if (t->has_notified) xb_jtime(b, &first, "notified_at", t->notified_at);
  xb_buf_putc(b, '}');
}

static void xb_jtriggers(xb_buf *b, const xb_render_ctx *c, const xb_trigger_row *t,
                         size_t n) {
  xb_buf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i != 0) xb_buf_putc(b, ',');
    xb_jtrigger(b, c, &t[i]);
  }
  xb_buf_putc(b, ']');
}

/* ------------------------------------------------------------------ users */

static void xb_juser_obj(xb_buf *b, const xb_user_row *u) {
  bool first = true;
  xb_buf_putc(b, '{');
  xb_jstr(b, &first, "login", u->login);
  xb_jstr(b, &first, "full_name", u->full_name);
  xb_jstr(b, &first, "email", u->email);
  xb_jstr(b, &first, "website", u->website);
  xb_jstr(b, &first, "about", u->about);
  xb_jstr(b, &first, "organisation", u->organisation);
  xb_jstr(b, &first, "timezone", u->timezone);
  if (u->admin) {
    xb_jname(b, &first, "roles");
    xb_buf_puts(b, "[\"admin\"]");
  }
  xb_jstr(b, &first, "api_key", u->api_key);
  xb_buf_putc(b, '}');
}

/* XB-JSON-17 */
static void xb_juser(xb_buf *b, const xb_render_ctx *c, const xb_user_row *u) {
  (void)c;
  xb_buf_puts(b, "{\"user\":");
  xb_juser_obj(b, u);
  xb_buf_putc(b, '}');
}

static void xb_jusers(xb_buf *b, const xb_render_ctx *c, const xb_user_row *u, size_t n) {
  (void)c;
  xb_buf_puts(b, "{\"users\":[");
  for (size_t i = 0; i < n; i++) {
    if (i != 0) xb_buf_putc(b, ',');
    xb_juser_obj(b, &u[i]);
  }
  xb_buf_puts(b, "]}");
}

/* XB-JSON-18 */
static void xb_jerror(xb_buf *b, const char *title, const char *detail) {
  xb_buf_puts(b, "{\"title\":");
  xb_json_put_string(b, title, strlen(title));
  xb_buf_puts(b, ",\"errors\":");
  xb_json_put_string(b, detail, strlen(detail));
  xb_buf_putc(b, '}');
}

const xb_renderer xb_render_json = {
    .name = "json",
    .feed = xb_jfeed,
    .feed_list = xb_jfeed_list,
    .datastream = xb_jdatastream,
    .datapoint = xb_jdatapoint,
    .datapoints = xb_jdatapoints,
    .key = xb_jkey,
    .keys = xb_jkeys,
    .trigger = xb_jtrigger,
    .triggers = xb_jtriggers,
    .user = xb_juser,
    .users = xb_jusers,
    .error = xb_jerror,
};
