/*
 * xb_input_xml.c — XML write documents onto the write model (spec/xml.md §4, §5).
 *
 * The restricted parser (formats/xb_xml.h) decides well-formedness: anything it refuses
 * is 400 `XML Parser Error` (XB-XML-19..XB-XML-29, XB-XML-32). This file then reads the
 * shapes of XB-XML-33..XB-XML-43 into the same structures as JSON and CSV, so one set of
 * resource rules applies to every format (XB-RES-90). Shape errors are 422 (XB-XML-32):
 * a wrong root, a known leaf holding an element (XB-XML-34), a known non-repeatable
 * element given twice (XB-XML-34), a missing `id` or `at` (XB-XML-39), a wrong `xmlns`
 * or `version` (XB-XML-35). Unknown and read-only elements and attributes are never
 * looked at, which is how they are ignored (XB-XML-33, XB-RES-17, XB-RES-18).
 *
 * Every value is a string (XB_V_STR): the element text, or the attribute value, decoded
 * (references, line ends: XB-XML-23, XB-XML-25); trimming (XB-RES-2) is the engine's.
 * An empty element is the empty string, which unsets an optional attribute (XB-RES-4,
 * XB-XML-36) and is a value like any other for a datastream (XB-RES-5).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/xb_input_common.h"
#include "api/xb_write.h"
#include "formats/xb_xml.h"

typedef struct {
  const uint8_t *in;
  size_t len;
  xb_xml_node *t;
  size_t n;
  xb_arena *a;
  xb_parse_err *e;
} xb_xc;

#define XB_XC_NONE XB_XML_NONE

static int xb_xc_fail(xb_xc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int xb_xc_fail(xb_xc *c, const char *fmt, ...) {
  c->e->status = 422; /* XB-XML-32: a well-formed document of the wrong shape */
  c->e->title = NULL;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->e->detail, sizeof c->e->detail, fmt, ap);
  va_end(ap);
  return 422;
}

static int xb_xc_nomem(xb_xc *c) {
  c->e->status = 400;
  c->e->title = "XML Parser Error";
  snprintf(c->e->detail, sizeof c->e->detail, "payload too large to parse");
  return 400;
}

/*
 * Nodes needed for this payload: each element starts with '<', each attribute has its
 * '=', and each text run ends at a '<' or at the end: at most 2 * '<' + '=' + 1. Counting
 * is one pass; it keeps a small document's node array small (the parser's general bound,
 * XB_XML_MAX_NODES, is one node per two bytes).
 */
static size_t xb_xc_node_cap(const uint8_t *p, size_t n) {
  size_t lt = 0, eq = 0;
  for (size_t i = 0; i < n; i++) {
    lt += p[i] == '<';
    eq += p[i] == '=';
  }
  size_t cap = 2 * lt + eq + 1;
  size_t max = XB_XML_MAX_NODES(n);
  return cap < max ? cap : max;
}

/* XB-RES-88: a parse error names line and column; a mismatch names both tags. */
static int xb_xc_syntax(xb_xc *c, const xb_xml_result *res) {
  size_t line = 1, col = 1;
  xb_xml_line_col(c->in, c->len, res->err_off, &line, &col);
  c->e->status = 400;
  c->e->title = "XML Parser Error";
  const char *why = xb_xml_status_str(res->status);
  if (res->status == XB_XML_MISMATCH && res->err_node < res->nnodes &&
      res->err_off + 2 < c->len && c->in[res->err_off + 1] == '/') {
    const xb_xml_node *open = &c->t[res->err_node];
    size_t s = res->err_off + 2, e = s;
    while (e < c->len && e - s < 64 && c->in[e] != '>' && c->in[e] != ' ' &&
           c->in[e] != '\t' && c->in[e] != '\n' && c->in[e] != '\r')
      e++;
    snprintf(c->e->detail, sizeof c->e->detail,
             "line %zu, column %zu: end tag </%.*s> does not match start tag <%.*s>", line,
             col, (int)(e - s), (const char *)c->in + s, (int)(open->len > 64 ? 64 : open->len),
             (const char *)c->in + open->off);
  } else {
    snprintf(c->e->detail, sizeof c->e->detail, "line %zu, column %zu: %s", line, col, why);
  }
  return 400;
}

static int xb_xc_parse(xb_xc *c, const uint8_t *p, size_t n, xb_arena *a, xb_parse_err *e) {
  memset(c, 0, sizeof *c);
  c->in = p;
  c->len = n;
  c->a = a;
  c->e = e;
  size_t cap = xb_xc_node_cap(p, n);
  c->t = xb_arena_alloc(a, cap * sizeof *c->t);
  if (c->t == NULL) return xb_xc_nomem(c);
  xb_xml_result res;
  xb_xml_status st = xb_xml_parse(p, n, c->t, cap, &res);
  if (st == XB_XML_EMPTY) { /* XB-RES-22: empty, blanks or comments only */
    e->status = 400;
    e->title = "XML Parser Error";
    snprintf(e->detail, sizeof e->detail, "empty payload: no root element");
    return 400;
  }
  if (st != XB_XML_OK) return xb_xc_syntax(c, &res);
  c->n = res.nnodes;
  return 0;
}

/* ------------------------------------------------------------------ navigation */

static bool xb_xc_is(xb_xc *c, size_t i, const char *name) {
  return xb_xml_name_is(c->in, c->len, &c->t[i], name, strlen(name));
}

/*
 * The child element `name` of parent: XB_XC_NONE when absent, its index when present
 * once; 422 (XB-XML-34) when present twice. *out gets the index.
 */
static int xb_xc_one(xb_xc *c, size_t parent, const char *name, size_t *out) {
  size_t nl = strlen(name);
  *out = xb_xml_child(c->in, c->len, c->t, c->n, parent, parent, name, nl);
  if (*out != XB_XC_NONE &&
      xb_xml_child(c->in, c->len, c->t, c->n, parent, *out, name, nl) != XB_XC_NONE)
    return xb_xc_fail(c, "%s: given twice", name);
  return 0;
}

/* The decoded text of element i (XB-XML-23, XB-XML-25) as a string value. */
static int xb_xc_text(xb_xc *c, size_t i, const char *name, xb_val *out) {
  /* XB-XML-34 / XB-RES-19: a known leaf holding an element has the wrong type. */
  if (xb_xml_child(c->in, c->len, c->t, c->n, i, i, NULL, 0) != XB_XC_NONE)
    return xb_xc_fail(c, "%s: must hold text, not elements", name);
  size_t sz = xb_xml_text_size(c->in, c->len, c->t, c->n, i);
  char *d = xb_arena_alloc(c->a, sz + 1);
  size_t w = 0;
  if (d == NULL || !xb_xml_text_decode(c->in, c->len, c->t, c->n, i, (uint8_t *)d, sz, &w))
    return xb_xc_nomem(c);
  d[w] = '\0';
  out->type = XB_V_STR;
  out->b = false;
  out->s = (xb_str){d, w};
  return 0;
}

/* A known leaf child: absent stays XB_V_ABSENT; present once gives its text. */
static int xb_xc_leaf(xb_xc *c, size_t parent, const char *name, xb_val *out) {
  memset(out, 0, sizeof *out);
  size_t i;
  int r = xb_xc_one(c, parent, name, &i);
  if (r != 0 || i == XB_XC_NONE) return r;
  return xb_xc_text(c, i, name, out);
}

/* The leaf children of table fs (xb_input_common.h), into the structure at out. */
static int xb_xc_leaves(xb_xc *c, size_t parent, const xb_in_field *fs, void *out) {
  int r = 0;
  for (const xb_in_field *f = fs; r == 0 && f->xml != NULL; f++)
    r = xb_xc_leaf(c, parent, f->xml, xb_in_val(out, f));
  return r;
}

/* An attribute of element elem: absent stays XB_V_ABSENT. */
static int xb_xc_attr(xb_xc *c, size_t elem, const char *name, xb_val *out) {
  memset(out, 0, sizeof *out);
  size_t i = xb_xml_attr(c->in, c->len, c->t, c->n, elem, name, strlen(name));
  if (i == XB_XC_NONE) return 0;
  size_t sz = xb_xml_value_size(c->in, c->len, &c->t[i]);
  char *d = xb_arena_alloc(c->a, sz + 1);
  size_t w = 0;
  if (d == NULL || !xb_xml_value_decode(c->in, c->len, &c->t[i], (uint8_t *)d, sz, &w))
    return xb_xc_nomem(c);
  d[w] = '\0';
  out->type = XB_V_STR;
  out->s = (xb_str){d, w};
  return 0;
}

/* Every child `name` (repeatable, XB-XML-34) as a list of texts; present when any. */
static int xb_xc_list(xb_xc *c, size_t parent, const char *name, xb_list_in *out) {
  memset(out, 0, sizeof *out);
  size_t nl = strlen(name);
  size_t k = xb_xml_count_children(c->in, c->len, c->t, c->n, parent, name, nl);
  if (k == 0) return 0;
  out->present = true;
  out->items = xb_arena_alloc(c->a, k * sizeof *out->items);
  if (out->items == NULL) return xb_xc_nomem(c);
  size_t i = parent;
  for (size_t j = 0; j < k; j++) {
    i = xb_xml_child(c->in, c->len, c->t, c->n, parent, i, name, nl);
    int r = xb_xc_text(c, i, name, &out->items[j]);
    if (r != 0) return r;
  }
  out->n = k;
  return 0;
}

static bool xb_xc_str_is(const xb_val *v, const char *want) {
  /* XB-RES-2 trimming applies to attribute values too (XB-XML-25). */
  const char *p = v->s.p;
  size_t n = v->s.n;
  while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++, n--;
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
    n--;
  return n == strlen(want) && memcmp(p, want, n) == 0;
}

/* XB-XML-35: root `eeml`; xmlns and version optional but exact when present. */
static int xb_xc_eeml(xb_xc *c) {
  if (!xb_xc_is(c, 0, "eeml")) return xb_xc_fail(c, "the root element must be <eeml>");
  xb_val v;
  int r = xb_xc_attr(c, 0, "xmlns", &v);
  if (r != 0) return r;
  if (v.type != XB_V_ABSENT && !xb_xc_str_is(&v, "http://www.eeml.org/xsd/0.5.1"))
    return xb_xc_fail(c, "eeml: xmlns must be http://www.eeml.org/xsd/0.5.1");
  r = xb_xc_attr(c, 0, "version", &v);
  if (r != 0) return r;
  if (v.type != XB_V_ABSENT && !xb_xc_str_is(&v, "0.5.1"))
    return xb_xc_fail(c, "eeml: version must be 0.5.1");
  return 0;
}

/* eeml -> environment (at most one, XB-XML-36); XB_XC_NONE when there is none. */
static int xb_xc_environment(xb_xc *c, size_t *env) {
  int r = xb_xc_eeml(c);
  if (r == 0) r = xb_xc_one(c, 0, "environment", env);
  return r;
}

/* ------------------------------------------------------------------ datastreams */

/* `datapoints` -> `value`* each with `at` (XB-XML-39, XB-XML-41). */
static int xb_xc_points(xb_xc *c, size_t data, xb_ds_in *d, bool need_at) {
  size_t dps;
  int r = xb_xc_one(c, data, "datapoints", &dps);
  if (r != 0 || dps == XB_XC_NONE) return r;
  size_t k = xb_xml_count_children(c->in, c->len, c->t, c->n, dps, "value", 5);
  d->has_points = true;
  d->points = xb_arena_alloc(c->a, (k == 0 ? 1 : k) * sizeof *d->points);
  if (d->points == NULL) return xb_xc_nomem(c);
  size_t i = dps;
  for (size_t j = 0; j < k; j++) {
    i = xb_xml_child(c->in, c->len, c->t, c->n, dps, i, "value", 5);
    xb_point_in *p = &d->points[j];
    r = xb_xc_attr(c, i, "at", &p->at);
    if (r == 0 && need_at && p->at.type == XB_V_ABSENT)
      r = xb_xc_fail(c, "datapoints: each <value> needs an at attribute");
    if (r == 0) r = xb_xc_text(c, i, "value", &p->value);
    if (r != 0) return r;
  }
  d->npoints = k;
  return 0;
}

/* One `data` element (XB-XML-39): id, tag*, current_value, max/min, unit, datapoints. */
static int xb_xc_data(xb_xc *c, size_t data, xb_ds_in *d) {
  memset(d, 0, sizeof *d);
  int r = xb_xc_attr(c, data, "id", &d->id);
  if (r == 0) r = xb_xc_list(c, data, "tag", &d->tags); /* XB-XML-37 */
  if (r == 0) r = xb_xc_leaf(c, data, "max_value", &d->max_value);
  if (r == 0) r = xb_xc_leaf(c, data, "min_value", &d->min_value);
  if (r != 0) return r;
  size_t cv;
  r = xb_xc_one(c, data, "current_value", &cv);
  if (r == 0 && cv != XB_XC_NONE) {
    r = xb_xc_text(c, cv, "current_value", &d->current_value);
    if (r == 0) r = xb_xc_attr(c, cv, "at", &d->at); /* XB-RES-54 */
  }
  if (r != 0) return r;
  size_t u;
  r = xb_xc_one(c, data, "unit", &u);
  if (r == 0 && u != XB_XC_NONE) {
    d->unit = 2; /* XB-RES-58: the parts present; the text is the label */
    r = xb_xc_text(c, u, "unit", &d->unit_label);
    if (r == 0) r = xb_xc_attr(c, u, "type", &d->unit_type);
    if (r == 0) r = xb_xc_attr(c, u, "symbol", &d->unit_symbol);
  }
  if (r == 0) r = xb_xc_points(c, data, d, true);
  return r;
}

/* Every `data` of environment env, each with an id (XB-XML-39, XB-XML-40). */
static int xb_xc_data_list(xb_xc *c, size_t env, xb_feed_in *f) {
  size_t k = xb_xml_count_children(c->in, c->len, c->t, c->n, env, "data", 4);
  if (k == 0) return 0;
  f->has_ds = true;
  f->ds = xb_arena_alloc(c->a, k * sizeof *f->ds);
  if (f->ds == NULL) return xb_xc_nomem(c);
  size_t i = env;
  for (size_t j = 0; j < k; j++) {
    i = xb_xml_child(c->in, c->len, c->t, c->n, env, i, "data", 4);
    int r = xb_xc_data(c, i, &f->ds[j]);
    if (r != 0) return r;
    if (f->ds[j].id.type == XB_V_ABSENT)
      return xb_xc_fail(c, "data: each <data> needs an id attribute");
  }
  f->nds = k;
  return 0;
}

/* ------------------------------------------------------------------ entry points */

/* XB-XML-36..XB-XML-39: feed update and create. */
static int xb_in_feed(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *f, xb_parse_err *e) {
  xb_xc c;
  memset(f, 0, sizeof *f);
  size_t env;
  int r = xb_xc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_xc_environment(&c, &env);
  if (r != 0 || env == XB_XC_NONE) return r; /* no environment: a write of nothing */
  r = xb_xc_leaf(&c, env, "title", &f->title);
  if (r == 0) r = xb_xc_leaf(&c, env, "description", &f->description);
  if (r == 0) r = xb_xc_leaf(&c, env, "website", &f->website);
  if (r == 0) r = xb_xc_leaf(&c, env, "icon", &f->icon);
  if (r == 0) r = xb_xc_leaf(&c, env, "email", &f->email);
  if (r == 0) r = xb_xc_leaf(&c, env, "private", &f->is_private);
  if (r == 0) r = xb_xc_list(&c, env, "tag", &f->tags); /* XB-XML-37 */
  if (r != 0) return r;
  size_t loc;
  r = xb_xc_one(&c, env, "location", &loc);
  if (r == 0 && loc != XB_XC_NONE) { /* XB-XML-38: only the parts present */
    f->location = 2;
    r = xb_xc_attr(&c, loc, "domain", &f->domain);
    if (r == 0) r = xb_xc_attr(&c, loc, "exposure", &f->exposure);
    if (r == 0) r = xb_xc_attr(&c, loc, "disposition", &f->disposition);
    if (r == 0) r = xb_xc_leaves(&c, loc, xb_in_location_fields, f);
  }
  if (r == 0) r = xb_xc_data_list(&c, env, f);
  return r;
}

/* XB-XML-40: datastreams create: one or more `data`, all with an id (none: the
 * engine's 422). */
static int xb_in_datastreams(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *f,
                             xb_parse_err *e) {
  xb_xc c;
  memset(f, 0, sizeof *f);
  size_t env;
  int r = xb_xc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_xc_environment(&c, &env);
  if (r == 0 && env != XB_XC_NONE) r = xb_xc_data_list(&c, env, f);
  return r;
}

/* The one `data` of eeml -> environment (XB-XML-40, XB-XML-41); NONE when absent. */
static int xb_xc_single_data(xb_xc *c, size_t *data) {
  size_t env;
  *data = XB_XC_NONE;
  int r = xb_xc_environment(c, &env);
  if (r != 0 || env == XB_XC_NONE) return r;
  return xb_xc_one(c, env, "data", data);
}

/* XB-XML-40: datastream update; the `id`, if any, is ignored (XB-RES-50). */
static int xb_in_datastream(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *d,
                            xb_parse_err *e) {
  xb_xc c;
  memset(d, 0, sizeof *d);
  size_t data;
  int r = xb_xc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_xc_single_data(&c, &data);
  if (r == 0 && data != XB_XC_NONE) {
    r = xb_xc_data(&c, data, d);
    memset(&d->id, 0, sizeof d->id);
  }
  return r;
}

/* XB-XML-41: datapoints create: data -> datapoints -> value+ (none: engine's 422). */
static int xb_in_datapoints(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *d,
                            xb_parse_err *e) {
  xb_xc c;
  memset(d, 0, sizeof *d);
  size_t data;
  int r = xb_xc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_xc_single_data(&c, &data);
  if (r == 0 && data == XB_XC_NONE) r = xb_xc_fail(&c, "a <data> element is required");
  if (r == 0) r = xb_xc_points(&c, data, d, true);
  return r;
}

/* XB-XML-41: datapoint update: exactly one `value`; its `at` is ignored (XB-RES-65). */
static int xb_in_datapoint(const uint8_t *p, size_t n, xb_arena *a, xb_val *v,
                           xb_parse_err *e) {
  xb_xc c;
  memset(v, 0, sizeof *v);
  size_t data, dps = XB_XC_NONE;
  int r = xb_xc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_xc_single_data(&c, &data);
  if (r == 0 && data != XB_XC_NONE) r = xb_xc_one(&c, data, "datapoints", &dps);
  if (r != 0) return r;
  size_t k = dps == XB_XC_NONE
                 ? 0
                 : xb_xml_count_children(c.in, c.len, c.t, c.n, dps, "value", 5);
  if (k != 1) return xb_xc_fail(&c, "exactly one <value> is required, not %zu", k);
  size_t i = xb_xml_child(c.in, c.len, c.t, c.n, dps, dps, "value", 5);
  return xb_xc_text(&c, i, "value", v);
}

/* The root element must be `name` (XB-XML-42, XB-XML-43). */
static int xb_xc_root(xb_xc *c, const char *name) {
  if (!xb_xc_is(c, 0, name)) return xb_xc_fail(c, "the root element must be <%s>", name);
  return 0;
}

/* One `permission` (XB-XML-42). */
static int xb_xc_perm(xb_xc *c, size_t pe, xb_perm_in *pm) {
  memset(pm, 0, sizeof *pm);
  int r = xb_xc_leaf(c, pe, "label", &pm->label);
  if (r == 0) r = xb_xc_leaf(c, pe, "source-ip", &pm->source_ip);
  if (r == 0) r = xb_xc_leaf(c, pe, "referer", &pm->referer);
  if (r == 0) r = xb_xc_leaf(c, pe, "minimum-interval", &pm->minimum_interval);
  if (r != 0) return r;
  size_t am;
  r = xb_xc_one(c, pe, "access-methods", &am);
  if (r == 0 && am != XB_XC_NONE) {
    r = xb_xc_list(c, am, "access-method", &pm->methods);
    pm->methods.present = true; /* an empty list is the engine's 422 (XB-RES-74) */
  }
  if (r != 0) return r;
  size_t rs;
  r = xb_xc_one(c, pe, "resources", &rs);
  if (r != 0 || rs == XB_XC_NONE) return r;
  size_t k = xb_xml_count_children(c->in, c->len, c->t, c->n, rs, "resource", 8);
  pm->has_res = true;
  pm->res = xb_arena_alloc(c->a, (k == 0 ? 1 : k) * sizeof *pm->res);
  if (pm->res == NULL) return xb_xc_nomem(c);
  size_t i = rs;
  for (size_t j = 0; j < k && r == 0; j++) {
    i = xb_xml_child(c->in, c->len, c->t, c->n, rs, i, "resource", 8);
    r = xb_xc_leaf(c, i, "feed-id", &pm->res[j].feed_id);
    if (r == 0) r = xb_xc_leaf(c, i, "datastream-id", &pm->res[j].datastream_id);
  }
  pm->nres = k;
  return r;
}

/* XB-XML-42: key create and update. */
static int xb_in_key(const uint8_t *p, size_t n, xb_arena *a, xb_key_in *k, xb_parse_err *e) {
  xb_xc c;
  memset(k, 0, sizeof *k);
  int r = xb_xc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_xc_root(&c, "key");
  if (r == 0) r = xb_xc_leaves(&c, 0, xb_in_key_fields, k);
  if (r != 0) return r;
  size_t ps;
  r = xb_xc_one(&c, 0, "permissions", &ps);
  if (r != 0 || ps == XB_XC_NONE) return r;
  size_t np = xb_xml_count_children(c.in, c.len, c.t, c.n, ps, "permission", 10);
  if (np == 0) return xb_xc_fail(&c, "permissions: at least one <permission> is required");
  k->has_perms = true;
  k->perms = xb_arena_alloc(a, np * sizeof *k->perms);
  if (k->perms == NULL) return xb_xc_nomem(&c);
  size_t i = ps;
  for (size_t j = 0; j < np && r == 0; j++) {
    i = xb_xml_child(c.in, c.len, c.t, c.n, ps, i, "permission", 10);
    r = xb_xc_perm(&c, i, &k->perms[j]);
  }
  k->nperms = np;
  return r;
}

/* A document of root `root` (else 422) whose fields are the leaf children of fs. */
static int xb_xc_leaf_doc(const uint8_t *p, size_t n, xb_arena *a, xb_parse_err *e,
                          const char *root, const xb_in_field *fs, void *out) {
  xb_xc c;
  int r = xb_xc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_xc_root(&c, root);
  if (r == 0) r = xb_xc_leaves(&c, 0, fs, out);
  return r;
}

/* XB-XML-43: trigger create and update. */
static int xb_in_trigger(const uint8_t *p, size_t n, xb_arena *a, xb_trigger_in *t,
                         xb_parse_err *e) {
  memset(t, 0, sizeof *t);
  return xb_xc_leaf_doc(p, n, a, e, "datastream-trigger", xb_in_trigger_fields, t);
}

/* XB-XML-43: user create and update. */
static int xb_in_user(const uint8_t *p, size_t n, xb_arena *a, xb_user_in *u,
                      xb_parse_err *e) {
  memset(u, 0, sizeof *u);
  return xb_xc_leaf_doc(p, n, a, e, "user", xb_in_user_fields, u);
}

const xb_input_ops xb_input_xml = {
    .name = "xml",
    .feed = xb_in_feed,
    .datastreams = xb_in_datastreams,
    .datastream = xb_in_datastream,
    .datapoints = xb_in_datapoints,
    .datapoint = xb_in_datapoint,
    .key = xb_in_key,
    .trigger = xb_in_trigger,
    .user = xb_in_user,
};
