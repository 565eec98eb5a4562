/*
 * xb_render_xml.c — canonical XML output of every readable resource (spec/xml.md §1-§3).
 *
 * Layout (XB-XML-1, XB-XML-2): the declaration line, then every element on a line of its
 * own indented two spaces per level; each element is written as LF + indent + tag, so
 * the document ends with the root's end tag and no line terminator. Attribute order and
 * child order follow the lists of spec/xml.md exactly (XB-XML-3, XB-XML-8..XB-XML-18).
 * Everything is appended to the caller's xb_buf: no allocation of its own.
 */
#include "formats/xb_render_xml.h"

#include <string.h>

#define XB_XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define XB_EEML_NS                                                              \
  " xmlns=\"http://www.eeml.org/xsd/0.5.1\""                                    \
  " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
#define XB_EEML_TAIL                                                            \
  " version=\"0.5.1\" xsi:schemaLocation=\"http://www.eeml.org/xsd/0.5.1 "      \
  "http://www.eeml.org/xsd/0.5.1/0.5.1.xsd\">"
/* XB-XML-7 and XB-XML-14 (the feed list adds the OpenSearch namespace after xsi). */
static const char xb_eeml_root[] = "<eeml" XB_EEML_NS XB_EEML_TAIL;
static const char xb_eeml_list_root[] =
    "<eeml" XB_EEML_NS " xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\"" XB_EEML_TAIL;

/* XB-XML-4: the five markup characters as entities, TAB/LF/CR as character references
 * (so attribute-value and line-end normalization cannot change them), the rest raw. */
void xb_xml_put_escaped(xb_buf *b, const char *s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const char *e;
    switch (s[i]) {
      case '&': e = "&amp;"; break;
      case '<': e = "&lt;"; break;
      case '>': e = "&gt;"; break;
      case '"': e = "&quot;"; break;
      case '\'': e = "&apos;"; break;
      case '\t': e = "&#9;"; break;
      case '\n': e = "&#10;"; break;
      case '\r': e = "&#13;"; break;
      default: continue;
    }
    xb_buf_append(b, s + run, i - run);
    xb_buf_puts(b, e);
    run = i + 1;
  }
  xb_buf_append(b, s + run, n - run);
}

/* ------------------------------------------------------------------ tag helpers */

/* LF, two spaces per level, `<name` (XB-XML-2). */
static void xb_x_start(xb_buf *b, unsigned lvl, const char *name) {
  static const char spaces[] = "                                                                ";
  xb_buf_putc(b, '\n');
  size_t n = 2u * lvl;
  xb_buf_append(b, spaces, n < sizeof spaces - 1 ? n : sizeof spaces - 1);
  xb_buf_putc(b, '<');
  xb_buf_puts(b, name);
}

/* ` name="value"` (XB-XML-3). */
static void xb_x_attr(xb_buf *b, const char *name, xb_str v) {
  xb_buf_putc(b, ' ');
  xb_buf_puts(b, name);
  xb_buf_puts(b, "=\"");
  if (v.p != NULL) xb_xml_put_escaped(b, v.p, v.n);
  xb_buf_putc(b, '"');
}

static void xb_x_attr_time(xb_buf *b, const char *name, int64_t us) {
  xb_buf_putc(b, ' ');
  xb_buf_puts(b, name);
  xb_buf_puts(b, "=\"");
  xb_buf_put_time(b, us); /* XB-XML-6 */
  xb_buf_putc(b, '"');
}

/* After the attributes: `>text</name>`, or `/>` without text (XB-XML-2). */
static void xb_x_text_end(xb_buf *b, const char *name, xb_str text) {
  if (text.p == NULL || text.n == 0) {
    xb_buf_puts(b, "/>");
    return;
  }
  xb_buf_putc(b, '>');
  xb_xml_put_escaped(b, text.p, text.n);
  xb_buf_puts(b, "</");
  xb_buf_puts(b, name);
  xb_buf_putc(b, '>');
}

/* The end tag of an element with children, on its own line. */
static void xb_x_close(xb_buf *b, unsigned lvl, const char *name) {
  xb_x_start(b, lvl, "/");
  xb_buf_puts(b, name);
  xb_buf_putc(b, '>');
}

/* A leaf with an optional `type` attribute; unset (p == NULL) writes nothing (XB-XML-5). */
static void xb_x_leaf(xb_buf *b, unsigned lvl, const char *name, const char *type, xb_str v) {
  if (v.p == NULL) return;
  xb_x_start(b, lvl, name);
  if (type != NULL) xb_x_attr(b, "type", (xb_str){type, strlen(type)});
  xb_x_text_end(b, name, v);
}

static void xb_x_leaf_u64(xb_buf *b, unsigned lvl, const char *name, const char *type,
                          uint64_t v) {
  char t[24];
  size_t n = 0;
  char tmp[24];
  size_t k = 0;
  do {
    tmp[k++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  while (k > 0) t[n++] = tmp[--k];
  xb_x_leaf(b, lvl, name, type, (xb_str){t, n});
}

static void xb_x_leaf_time(xb_buf *b, unsigned lvl, const char *name, const char *type,
                           int64_t us) {
  char t[XB_TIME_TEXT_LEN + 1];
  xb_x_leaf(b, lvl, name, type, (xb_str){t, xb_time_format(us, t)});
}

static void xb_x_tags(xb_buf *b, unsigned lvl, xb_str tags) {
  size_t pos = 0;
  xb_str t;
  while (xb_tags_next(tags, &pos, &t)) xb_x_leaf(b, lvl, "tag", NULL, t);
}

/* ------------------------------------------------------------------ EEML */

/* `<value at="…">v</value>` (XB-XML-11), self-closed for the empty value. */
static void xb_x_points(xb_buf *b, unsigned lvl, const xb_point_row *p, size_t n) {
  xb_x_start(b, lvl, "datapoints");
  xb_buf_putc(b, '>');
  for (size_t i = 0; i < n; i++) {
    xb_x_start(b, lvl + 1, "value");
    xb_x_attr_time(b, "at", p[i].at);
    xb_x_text_end(b, "value", p[i].value);
  }
  xb_x_close(b, lvl, "datapoints");
}

/* `data` of §2.1: tag*, current_value, max_value, min_value, unit, datapoints. */
static void xb_x_data(xb_buf *b, unsigned lvl, const xb_ds_view *v) {
  const xb_ds_row *d = v->ds;
  bool unit = d->unit_label.p != NULL || d->unit_symbol.p != NULL || d->unit_type.p != NULL;
  bool kids = (d->tags.p != NULL && d->tags.n > 0) || d->written || d->max_value.p != NULL ||
              d->min_value.p != NULL || unit || v->npoints > 0;
  xb_x_start(b, lvl, "data");
  xb_x_attr(b, "id", d->id);
  if (!kids) { /* XB-XML-10: a never-written datastream alone is `<data id="temp"/>` */
    xb_buf_puts(b, "/>");
    return;
  }
  xb_buf_putc(b, '>');
  xb_x_tags(b, lvl + 1, d->tags);
  if (d->written) { /* XB-XML-10: the empty value is self-closed with its `at` */
    xb_x_start(b, lvl + 1, "current_value");
    xb_x_attr_time(b, "at", d->at);
    xb_x_text_end(b, "current_value", d->current_value);
  }
  xb_x_leaf(b, lvl + 1, "max_value", NULL, d->max_value);
  xb_x_leaf(b, lvl + 1, "min_value", NULL, d->min_value);
  if (unit) { /* XB-XML-9; type and symbol omitted when unset */
    xb_x_start(b, lvl + 1, "unit");
    if (d->unit_type.p != NULL) xb_x_attr(b, "type", d->unit_type);
    if (d->unit_symbol.p != NULL) xb_x_attr(b, "symbol", d->unit_symbol);
    xb_x_text_end(b, "unit", d->unit_label);
  }
  if (v->npoints > 0) xb_x_points(b, lvl + 1, v->points, v->npoints); /* XB-XML-11 */
  xb_x_close(b, lvl, "data");
}

static size_t xb_x_u32(char out[12], uint32_t v) {
  char tmp[12];
  size_t k = 0, n = 0;
  do {
    tmp[k++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  while (k > 0) out[n++] = tmp[--k];
  return n;
}

/* ` creator="<site>/users/<login>"` (XB-RES-38); the login is id-chars, no escaping. */
static void xb_x_creator(xb_buf *b, const xb_render_ctx *c, const xb_feed_row *f) {
  xb_buf_puts(b, " creator=\"");
  xb_xml_put_escaped(b, c->site_base, strlen(c->site_base));
  xb_buf_puts(b, "/users/");
  xb_xml_put_escaped(b, f->owner_login.p, f->owner_login.n);
  xb_buf_putc(b, '"');
}

/* XB-XML-9: location with its three attributes always present (XB-XML-5). */
static void xb_x_location(xb_buf *b, unsigned lvl, const xb_feed_view *v) {
  const xb_feed_row *f = v->feed;
  bool any = f->loc_disposition.p != NULL || f->loc_domain.p != NULL ||
             f->loc_exposure.p != NULL || f->loc_name.p != NULL || f->loc_lat.p != NULL ||
             f->loc_lon.p != NULL || f->loc_ele.p != NULL || v->nwps > 0;
  if (!any) return;
  bool kids = f->loc_name.p != NULL || f->loc_lat.p != NULL || f->loc_lon.p != NULL ||
              f->loc_ele.p != NULL || v->nwps > 0;
  xb_x_start(b, lvl, "location");
  xb_x_attr(b, "domain", f->loc_domain);
  xb_x_attr(b, "exposure", f->loc_exposure);
  xb_x_attr(b, "disposition", f->loc_disposition);
  if (!kids) {
    xb_buf_puts(b, "/>");
    return;
  }
  xb_buf_putc(b, '>');
  xb_x_leaf(b, lvl + 1, "name", NULL, f->loc_name);
  xb_x_leaf(b, lvl + 1, "lat", NULL, f->loc_lat);
  xb_x_leaf(b, lvl + 1, "lon", NULL, f->loc_lon);
  xb_x_leaf(b, lvl + 1, "ele", NULL, f->loc_ele);
  if (v->nwps > 0) {
    xb_x_start(b, lvl + 1, "waypoints");
    xb_buf_putc(b, '>');
    for (size_t i = 0; i < v->nwps; i++) {
      const xb_waypoint_row *w = &v->wps[i];
      xb_x_start(b, lvl + 2, "waypoint");
      xb_x_attr_time(b, "at", w->at);
      xb_x_attr(b, "lat", w->lat);
      xb_x_attr(b, "lon", w->lon);
      if (w->ele.p != NULL) xb_x_attr(b, "ele", w->ele);
      xb_buf_puts(b, "/>");
    }
    xb_x_close(b, lvl + 1, "waypoints");
  }
  xb_x_close(b, lvl, "location");
}

/* The `environment` of a feed read (XB-XML-8), also used by the feed list (XB-XML-14). */
static void xb_x_environment(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *v) {
  const xb_feed_row *f = v->feed;
  char id[12];
  size_t idn = xb_x_u32(id, f->id);
  xb_x_start(b, 1, "environment");
  xb_x_attr_time(b, "updated", f->updated);
  xb_x_attr_time(b, "created", f->created);
  xb_x_attr(b, "id", (xb_str){id, idn});
  xb_x_creator(b, c, f);
  xb_buf_putc(b, '>');
  xb_x_leaf(b, 2, "title", NULL, f->title.p != NULL ? f->title : XB_STR_LIT(""));
  /* XB-RES-37: the feed URL ends in .xml */
  xb_x_start(b, 2, "feed");
  xb_buf_putc(b, '>');
  xb_xml_put_escaped(b, c->api_base, strlen(c->api_base));
  xb_buf_puts(b, "/v2/feeds/");
  xb_buf_append(b, id, idn);
  xb_buf_puts(b, ".xml</feed>");
  xb_x_leaf(b, 2, "status", NULL, v->live ? XB_STR_LIT("live") : XB_STR_LIT("frozen"));
  xb_x_leaf(b, 2, "description", NULL, f->description);
  xb_x_leaf(b, 2, "icon", NULL, f->icon);
  xb_x_leaf(b, 2, "website", NULL, f->website);
  xb_x_leaf(b, 2, "email", NULL, f->email);
  xb_x_leaf(b, 2, "private", NULL, f->is_private ? XB_STR_LIT("true") : XB_STR_LIT("false"));
  xb_x_tags(b, 2, f->tags);
  xb_x_location(b, 2, v);
  if (v->show_user) {
    xb_x_start(b, 2, "user");
    xb_buf_putc(b, '>');
    xb_x_leaf(b, 3, "login", NULL, f->owner_login);
    xb_x_close(b, 2, "user");
  }
  for (size_t i = 0; i < v->nds; i++) xb_x_data(b, 2, &v->ds[i]);
  xb_x_close(b, 1, "environment");
}

static void xb_x_feed(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *v) {
  xb_buf_puts(b, XB_XML_DECL "\n");
  xb_buf_puts(b, xb_eeml_root);
  xb_x_environment(b, c, v);
  xb_x_close(b, 0, "eeml");
}

/* XB-XML-14 */
static void xb_x_feed_list(xb_buf *b, const xb_render_ctx *c, const xb_feed_list_view *l) {
  xb_buf_puts(b, XB_XML_DECL "\n");
  xb_buf_puts(b, xb_eeml_list_root);
  xb_x_leaf_u64(b, 1, "opensearch:totalResults", NULL, l->total);
  xb_x_leaf_u64(b, 1, "opensearch:startIndex", NULL, l->start);
  xb_x_leaf_u64(b, 1, "opensearch:itemsPerPage", NULL, l->per_page);
  for (size_t i = 0; i < l->n; i++) xb_x_environment(b, c, &l->feeds[i]);
  xb_x_close(b, 0, "eeml");
}

/* XB-XML-12, XB-XML-13: environment with updated, id, creator (no created). */
static void xb_x_ds_envelope(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f) {
  char id[12];
  size_t idn = xb_x_u32(id, f->feed->id);
  xb_buf_puts(b, XB_XML_DECL "\n");
  xb_buf_puts(b, xb_eeml_root);
  xb_x_start(b, 1, "environment");
  xb_x_attr_time(b, "updated", f->feed->updated);
  xb_x_attr(b, "id", (xb_str){id, idn});
  xb_x_creator(b, c, f->feed);
  xb_buf_putc(b, '>');
}

static void xb_x_ds_envelope_end(xb_buf *b) {
  xb_x_close(b, 1, "environment");
  xb_x_close(b, 0, "eeml");
}

static void xb_x_datastream(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                            const xb_ds_view *d) {
  xb_x_ds_envelope(b, c, f);
  xb_x_data(b, 2, d);
  xb_x_ds_envelope_end(b);
}

/* XB-XML-13: `data` holding only `datapoints`; `<data id="D"/>` without any. */
static void xb_x_datapoints(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                            const xb_ds_row *d, const xb_point_row *p, size_t n) {
  xb_x_ds_envelope(b, c, f);
  xb_x_start(b, 2, "data");
  xb_x_attr(b, "id", d->id);
  if (n == 0) {
    xb_buf_puts(b, "/>");
  } else {
    xb_buf_putc(b, '>');
    xb_x_points(b, 3, p, n);
    xb_x_close(b, 2, "data");
  }
  xb_x_ds_envelope_end(b);
}

static void xb_x_datapoint(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                           const xb_ds_row *d, const xb_point_row *p) {
  xb_x_datapoints(b, c, f, d, p, 1);
}

/* ------------------------------------------------------------------ keys (XB-XML-15) */

static void xb_x_key(xb_buf *b, unsigned lvl, const xb_key_row *k) {
  static const char *const methods[] = {"get", "put", "post", "delete"};
  xb_x_start(b, lvl, "key");
  xb_buf_putc(b, '>');
  xb_x_leaf(b, lvl + 1, "api-key", NULL, k->api_key);
  xb_x_leaf(b, lvl + 1, "label", NULL, k->label);
  if (k->has_expiry) xb_x_leaf_time(b, lvl + 1, "expires-at", "datetime", k->expires_at);
  xb_x_leaf(b, lvl + 1, "private-access", "boolean",
            k->private_access ? XB_STR_LIT("true") : XB_STR_LIT("false"));
  xb_x_start(b, lvl + 1, "permissions");
  xb_buf_puts(b, " type=\"array\"");
  if (k->nperms == 0) {
    xb_buf_puts(b, "/>");
  } else {
    xb_buf_putc(b, '>');
    for (size_t i = 0; i < k->nperms; i++) {
      const xb_perm_row *p = &k->perms[i];
      unsigned l = lvl + 2;
      xb_x_start(b, l, "permission");
      xb_buf_putc(b, '>');
      xb_x_leaf(b, l + 1, "label", NULL, p->label);
      xb_x_start(b, l + 1, "access-methods");
      xb_buf_puts(b, " type=\"array\">");
      for (unsigned m = 0; m < 4; m++) /* XB-RES-74 order */
        if (p->methods & (1u << m))
          xb_x_leaf(b, l + 2, "access-method", NULL,
                    (xb_str){methods[m], strlen(methods[m])});
      xb_x_close(b, l + 1, "access-methods");
      xb_x_leaf(b, l + 1, "source-ip", NULL, p->source_ip);
      xb_x_leaf(b, l + 1, "referer", NULL, p->referer);
      if (p->has_min_interval)
        xb_x_leaf_u64(b, l + 1, "minimum-interval", "integer", (uint64_t)p->minimum_interval);
      if (p->nres > 0) { /* XB-XML-5: an empty list has no element */
        xb_x_start(b, l + 1, "resources");
        xb_buf_puts(b, " type=\"array\">");
        for (size_t j = 0; j < p->nres; j++) {
          xb_x_start(b, l + 2, "resource");
          xb_buf_putc(b, '>');
          xb_x_leaf_u64(b, l + 3, "feed-id", "integer", p->res[j].feed_id);
          xb_x_leaf(b, l + 3, "datastream-id", NULL, p->res[j].ds_id);
          xb_x_close(b, l + 2, "resource");
        }
        xb_x_close(b, l + 1, "resources");
      }
      xb_x_close(b, l, "permission");
    }
    xb_x_close(b, lvl + 1, "permissions");
  }
  xb_x_close(b, lvl, "key");
}

/* A list root `<name type="array">`, self-closed when empty. */
static bool xb_x_list_open(xb_buf *b, const char *name, size_t n) {
  xb_buf_puts(b, XB_XML_DECL "\n<");
  xb_buf_puts(b, name);
  xb_buf_puts(b, n == 0 ? " type=\"array\"/>" : " type=\"array\">");
  return n > 0;
}

static void xb_x_key_doc(xb_buf *b, const xb_render_ctx *c, const xb_key_row *k) {
  (void)c;
  xb_buf_puts(b, XB_XML_DECL);
  /* The root at level 0 starts on the line after the declaration. */
  xb_x_key(b, 0, k);
}

static void xb_x_keys(xb_buf *b, const xb_render_ctx *c, const xb_key_row *k, size_t n) {
  (void)c;
  if (!xb_x_list_open(b, "keys", n)) return;
  for (size_t i = 0; i < n; i++) xb_x_key(b, 1, &k[i]);
  xb_x_close(b, 0, "keys");
}

/* ------------------------------------------------------------------ triggers (XB-XML-16) */

static void xb_x_trigger(xb_buf *b, unsigned lvl, const xb_trigger_row *t) {
  xb_x_start(b, lvl, "datastream-trigger");
  xb_buf_putc(b, '>');
  xb_x_leaf_u64(b, lvl + 1, "id", "integer", t->id);
  xb_x_leaf(b, lvl + 1, "url", NULL, t->url);
  xb_x_leaf(b, lvl + 1, "trigger-type", NULL, t->trigger_type);
  xb_x_leaf(b, lvl + 1, "threshold-value", "float", t->threshold_value);
  xb_x_leaf_u64(b, lvl + 1, "environment-id", "integer", t->feed_id);
  xb_x_leaf(b, lvl + 1, "stream-id", NULL, t->stream_id);
  xb_x_leaf(b, lvl + 1, "user", NULL, t->user_login);
  if (t->has_notified) xb_x_leaf_time(b, lvl + 1, "notified-at", "datetime", t->notified_at);
  xb_x_close(b, lvl, "datastream-trigger");
}

static void xb_x_trigger_doc(xb_buf *b, const xb_render_ctx *c, const xb_trigger_row *t) {
  (void)c;
  xb_buf_puts(b, XB_XML_DECL);
  xb_x_trigger(b, 0, t);
}

static void xb_x_triggers(xb_buf *b, const xb_render_ctx *c, const xb_trigger_row *t,
                          size_t n) {
  (void)c;
  if (!xb_x_list_open(b, "datastream-triggers", n)) return;
  for (size_t i = 0; i < n; i++) xb_x_trigger(b, 1, &t[i]);
  xb_x_close(b, 0, "datastream-triggers");
}

/* ------------------------------------------------------------------ users (XB-XML-17) */

static void xb_x_user(xb_buf *b, unsigned lvl, const xb_user_row *u) {
  xb_x_start(b, lvl, "user");
  xb_buf_putc(b, '>');
  xb_x_leaf(b, lvl + 1, "login", NULL, u->login);
  xb_x_leaf(b, lvl + 1, "full-name", NULL, u->full_name);
  xb_x_leaf(b, lvl + 1, "email", NULL, u->email);
  xb_x_leaf(b, lvl + 1, "website", NULL, u->website);
  xb_x_leaf(b, lvl + 1, "about", NULL, u->about);
  xb_x_leaf(b, lvl + 1, "organisation", NULL, u->organisation);
  xb_x_leaf(b, lvl + 1, "timezone", NULL, u->timezone);
  if (u->admin) {
    xb_x_start(b, lvl + 1, "roles");
    xb_buf_puts(b, " type=\"array\">");
    xb_x_leaf(b, lvl + 2, "role", NULL, XB_STR_LIT("admin"));
    xb_x_close(b, lvl + 1, "roles");
  }
  xb_x_leaf(b, lvl + 1, "api-key", NULL, u->api_key);
  xb_x_close(b, lvl, "user");
}

static void xb_x_user_doc(xb_buf *b, const xb_render_ctx *c, const xb_user_row *u) {
  (void)c;
  xb_buf_puts(b, XB_XML_DECL);
  xb_x_user(b, 0, u);
}

static void xb_x_users(xb_buf *b, const xb_render_ctx *c, const xb_user_row *u, size_t n) {
  (void)c;
  if (!xb_x_list_open(b, "users", n)) return;
  for (size_t i = 0; i < n; i++) xb_x_user(b, 1, &u[i]);
  xb_x_close(b, 0, "users");
}

/* XB-XML-18 */
static void xb_x_error(xb_buf *b, const char *title, const char *detail) {
  xb_buf_puts(b, XB_XML_DECL "\n<errors>");
  xb_x_leaf(b, 1, "title", NULL, (xb_str){title, strlen(title)});
  xb_x_leaf(b, 1, "error", NULL, (xb_str){detail, strlen(detail)});
  xb_x_close(b, 0, "errors");
}

const xb_renderer xb_render_xml = {
    .name = "xml",
    .feed = xb_x_feed,
    .feed_list = xb_x_feed_list,
    .datastream = xb_x_datastream,
    .datapoint = xb_x_datapoint,
    .datapoints = xb_x_datapoints,
    .key = xb_x_key_doc,
    .keys = xb_x_keys,
    .trigger = xb_x_trigger_doc,
    .triggers = xb_x_triggers,
    .user = xb_x_user_doc,
    .users = xb_x_users,
    .error = xb_x_error,
};
