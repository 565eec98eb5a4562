/*
 * xb_input_json.c — JSON write payloads onto the write model (spec/json.md §3-§4).
 *
 * The strict parser (formats/xb_json.h) decides syntax: anything it refuses is 400
 * (XB-JSON-19..XB-JSON-25, XB-JSON-28). This file then walks the token tree for the
 * shapes of XB-JSON-30..XB-JSON-41: the wrong container type for a known member is 422
 * (XB-RES-19), unknown members are ignored (XB-RES-17), `version` must be "1.0.0"
 * (XB-JSON-31). Value types are kept for the engine, which applies XB-JSON-29.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/xb_input_common.h"
#include "api/xb_write.h"
#include "formats/xb_json.h"

typedef struct {
  const uint8_t *in;
  size_t len;
  xb_json_token *t;
  size_t n;
  xb_arena *a;
  xb_parse_err *e;
} xb_jc;

static int xb_jc_fail(xb_jc *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int xb_jc_fail(xb_jc *c, int status, const char *fmt, ...) {
  c->e->status = status;
  c->e->title = NULL;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->e->detail, sizeof c->e->detail, fmt, ap);
  va_end(ap);
  return status;
}

/* XB-RES-88: a parse error names the line and column (from 1, in bytes). */
static int xb_jc_syntax(xb_jc *c, const char *what, size_t off) {
  size_t line = 1, col = 1;
  if (off > c->len) off = c->len;
  for (size_t i = 0; i < off; i++) {
    if (c->in[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  c->e->status = 400;
  c->e->title = "JSON Parser Error";
  snprintf(c->e->detail, sizeof c->e->detail, "line %zu, column %zu: %s", line, col, what);
  return 400;
}

/* Tokenize the payload (XB-RES-22 empty payload, XB-JSON-19..25 via the parser). */
static int xb_jc_parse(xb_jc *c, const uint8_t *p, size_t n, xb_arena *a, xb_parse_err *e) {
  memset(c, 0, sizeof *c);
  c->in = p;
  c->len = n;
  c->a = a;
  c->e = e;
  e->status = 0;
  e->title = NULL;
  e->detail[0] = '\0';
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++;
  if (i == n) {
    e->status = 400;
    e->title = "JSON Parser Error";
    snprintf(e->detail, sizeof e->detail, "empty payload");
    return 400;
  }
  /* A JSON text of n bytes has at most n / 2 + 1 tokens ("[1,1,...]"). */
  size_t cap = n / 2 + 2;
  c->t = xb_arena_alloc(a, cap * sizeof *c->t);
  if (c->t == NULL) return xb_jc_fail(c, 400, "%s", "payload too large to parse");
  xb_json_result res;
  xb_json_limits lim = {n, XB_JSON_DEFAULT_MAX_DEPTH};
  xb_json_status st = xb_json_parse(p, n, c->t, cap, &lim, &res);
  if (st != XB_JSON_OK) return xb_jc_syntax(c, xb_json_status_str(st), res.err_off);
  c->n = res.ntokens;
  return 0;
}

static size_t xb_jget(xb_jc *c, size_t obj, const char *name) {
  return xb_json_object_get(c->in, c->len, c->t, c->n, obj, name, strlen(name));
}

static bool xb_jis(xb_jc *c, size_t i, int type) {
  return i != XB_JSON_NONE && i < c->n && c->t[i].type == type;
}

/* A scalar token into a value; containers are the caller's 422. */
static int xb_jval(xb_jc *c, size_t i, const char *name, xb_val *out) {
  memset(out, 0, sizeof *out);
  if (i == XB_JSON_NONE) return 0;
  const xb_json_token *t = &c->t[i];
  switch (t->type) {
    case XB_JSON_NULL: out->type = XB_V_NULL; return 0;
    case XB_JSON_TRUE:
    case XB_JSON_FALSE:
      out->type = XB_V_BOOL;
      out->b = t->type == XB_JSON_TRUE;
      return 0;
    case XB_JSON_NUMBER:
      out->type = XB_V_NUM;
      out->s.p = (const char *)c->in + t->off;
      out->s.n = t->len;
      return 0;
    case XB_JSON_STRING: {
      out->type = XB_V_STR;
      if ((t->flags & XB_JSON_F_ESCAPED) == 0) {
        out->s.p = (const char *)c->in + t->off;
        out->s.n = t->len;
        return 0;
      }
      char *d = xb_arena_alloc(c->a, t->len + 1);
      size_t w = 0;
      if (d == NULL || !xb_json_string_decode(c->in, c->len, t, (uint8_t *)d, t->len, &w))
        return xb_jc_fail(c, 400, "%s: payload too large to decode", name);
      d[w] = '\0';
      out->s.p = d;
      out->s.n = w;
      return 0;
    }
    default: return xb_jc_fail(c, 422, "%s: wrong type (object or array)", name);
  }
}

static int xb_jmember(xb_jc *c, size_t obj, const char *name, xb_val *out) {
  return xb_jval(c, xb_jget(c, obj, name), name, out);
}

/* The members of table fs (xb_input_common.h) in obj, into the structure at out. */
static int xb_jmembers(xb_jc *c, size_t obj, const xb_in_field *fs, void *out) {
  int r = 0;
  for (const xb_in_field *f = fs; r == 0 && f->json != NULL; f++)
    r = xb_jmember(c, obj, f->json, xb_in_val(out, f));
  return r;
}

/* An array of scalars (tags, access_methods); null = an empty list (XB-RES-4). */
static int xb_jlist(xb_jc *c, size_t obj, const char *name, xb_list_in *out) {
  memset(out, 0, sizeof *out);
  size_t i = xb_jget(c, obj, name);
  if (i == XB_JSON_NONE) return 0;
  out->present = true;
  if (c->t[i].type == XB_JSON_NULL) return 0;
  if (c->t[i].type != XB_JSON_ARRAY) return xb_jc_fail(c, 422, "%s: must be an array", name);
  size_t k = c->t[i].children;
  out->items = xb_arena_alloc(c->a, (k == 0 ? 1 : k) * sizeof *out->items);
  if (out->items == NULL) return xb_jc_fail(c, 400, "%s: payload too large", name);
  for (size_t j = 0; j < k; j++) {
    int r = xb_jval(c, xb_json_array_get(c->t, c->n, i, j), name, &out->items[j]);
    if (r != 0) return r;
  }
  out->n = k;
  return 0;
}

/* XB-JSON-31: where allowed, version must be the string "1.0.0". */
static int xb_jversion(xb_jc *c, size_t obj) {
  size_t i = xb_jget(c, obj, "version");
  if (i == XB_JSON_NONE) return 0;
  if (c->t[i].type == XB_JSON_STRING && xb_json_string_eq(c->in, c->len, &c->t[i], "1.0.0", 5))
    return 0;
  return xb_jc_fail(c, 422, "%s: must be \"1.0.0\"", "version");
}

static int xb_jtop_object(xb_jc *c) {
  if (c->n == 0 || c->t[0].type != XB_JSON_OBJECT)
    return xb_jc_fail(c, 422, "%s", "the payload must be a JSON object");
  return 0;
}

/* ------------------------------------------------------------------ datastreams */

/* XB-JSON-34: each datapoint is an object with both at and value. */
static int xb_jpoints(xb_jc *c, size_t arr, xb_ds_in *d) {
  if (c->t[arr].type != XB_JSON_ARRAY)
    return xb_jc_fail(c, 422, "%s: must be an array", "datapoints");
  size_t k = c->t[arr].children;
  d->has_points = true;
  d->points = xb_arena_alloc(c->a, (k == 0 ? 1 : k) * sizeof *d->points);
  if (d->points == NULL) return xb_jc_fail(c, 400, "%s: payload too large", "datapoints");
  for (size_t j = 0; j < k; j++) {
    size_t e = xb_json_array_get(c->t, c->n, arr, j);
    if (!xb_jis(c, e, XB_JSON_OBJECT))
      return xb_jc_fail(c, 422, "%s: each element must be an object", "datapoints");
    size_t at = xb_jget(c, e, "at"), val = xb_jget(c, e, "value");
    if (at == XB_JSON_NONE || val == XB_JSON_NONE)
      return xb_jc_fail(c, 422, "%s: each datapoint needs \"at\" and \"value\"", "datapoints");
    int r = xb_jval(c, at, "at", &d->points[j].at);
    if (r == 0) r = xb_jval(c, val, "value", &d->points[j].value);
    if (r != 0) return r;
  }
  d->npoints = k;
  return 0;
}

/* XB-JSON-33 / XB-JSON-35: the members of a datastream object. */
static int xb_jds(xb_jc *c, size_t obj, xb_ds_in *d) {
  memset(d, 0, sizeof *d);
  int r = xb_jmember(c, obj, "id", &d->id);
  if (r == 0) r = xb_jmember(c, obj, "current_value", &d->current_value);
  if (r == 0) r = xb_jmember(c, obj, "at", &d->at);
  if (r == 0) r = xb_jmember(c, obj, "max_value", &d->max_value);
  if (r == 0) r = xb_jmember(c, obj, "min_value", &d->min_value);
  if (r == 0) r = xb_jlist(c, obj, "tags", &d->tags);
  if (r != 0) return r;
  size_t u = xb_jget(c, obj, "unit");
  if (u != XB_JSON_NONE) {
    if (c->t[u].type == XB_JSON_NULL) {
      d->unit = 1;
    } else if (c->t[u].type == XB_JSON_OBJECT) {
      d->unit = 2;
      r = xb_jmember(c, u, "label", &d->unit_label);
      if (r == 0) r = xb_jmember(c, u, "symbol", &d->unit_symbol);
      if (r == 0) r = xb_jmember(c, u, "type", &d->unit_type);
      if (r != 0) return r;
    } else {
      return xb_jc_fail(c, 422, "%s: must be an object", "unit");
    }
  }
  size_t p = xb_jget(c, obj, "datapoints");
  if (p != XB_JSON_NONE) return xb_jpoints(c, p, d);
  return 0;
}

static int xb_jds_array(xb_jc *c, size_t obj, xb_feed_in *f) {
  size_t arr = xb_jget(c, obj, "datastreams");
  if (arr == XB_JSON_NONE) return 0;
  if (c->t[arr].type != XB_JSON_ARRAY)
    return xb_jc_fail(c, 422, "%s: must be an array", "datastreams");
  size_t k = c->t[arr].children;
  f->has_ds = true;
  f->ds = xb_arena_alloc(c->a, (k == 0 ? 1 : k) * sizeof *f->ds);
  if (f->ds == NULL) return xb_jc_fail(c, 400, "%s: payload too large", "datastreams");
  for (size_t j = 0; j < k; j++) {
    size_t e = xb_json_array_get(c->t, c->n, arr, j);
    if (!xb_jis(c, e, XB_JSON_OBJECT))
      return xb_jc_fail(c, 422, "%s: each element must be an object", "datastreams");
    int r = xb_jds(c, e, &f->ds[j]);
    if (r != 0) return r;
    /* XB-JSON-33: an element without id is 422. */
    if (f->ds[j].id.type == XB_V_ABSENT)
      return xb_jc_fail(c, 422, "%s: each datastream needs an \"id\"", "datastreams");
  }
  f->nds = k;
  return 0;
}

/* ------------------------------------------------------------------ entry points */

/* XB-JSON-32 */
static int xb_in_feed(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *f, xb_parse_err *e) {
  xb_jc c;
  memset(f, 0, sizeof *f);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r == 0) r = xb_jversion(&c, 0);
  if (r == 0) r = xb_jmember(&c, 0, "title", &f->title);
  if (r == 0) r = xb_jmember(&c, 0, "private", &f->is_private);
  if (r == 0) r = xb_jmember(&c, 0, "description", &f->description);
  if (r == 0) r = xb_jmember(&c, 0, "website", &f->website);
  if (r == 0) r = xb_jmember(&c, 0, "icon", &f->icon);
  if (r == 0) r = xb_jmember(&c, 0, "email", &f->email);
  if (r == 0) r = xb_jlist(&c, 0, "tags", &f->tags);
  if (r != 0) return r;
  size_t l = xb_jget(&c, 0, "location");
  if (l != XB_JSON_NONE) {
    if (c.t[l].type == XB_JSON_NULL) {
      f->location = 1;
    } else if (c.t[l].type == XB_JSON_OBJECT) {
      f->location = 2;
      r = xb_jmember(&c, l, "disposition", &f->disposition);
      if (r == 0) r = xb_jmember(&c, l, "domain", &f->domain);
      if (r == 0) r = xb_jmember(&c, l, "exposure", &f->exposure);
      if (r == 0) r = xb_jmembers(&c, l, xb_in_location_fields, f);
      if (r != 0) return r;
    } else {
      return xb_jc_fail(&c, 422, "%s: must be an object or null", "location");
    }
  }
  return xb_jds_array(&c, 0, f);
}

/* XB-JSON-36 */
static int xb_in_datastreams(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *f,
                             xb_parse_err *e) {
  xb_jc c;
  memset(f, 0, sizeof *f);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r == 0) r = xb_jversion(&c, 0);
  if (r == 0) r = xb_jds_array(&c, 0, f);
  return r;
}

/* XB-JSON-35 */
static int xb_in_datastream(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *d,
                            xb_parse_err *e) {
  xb_jc c;
  memset(d, 0, sizeof *d);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r == 0) r = xb_jversion(&c, 0);
  if (r == 0) r = xb_jds(&c, 0, d);
  return r;
}

/* XB-JSON-37 */
static int xb_in_datapoints(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *d,
                            xb_parse_err *e) {
  xb_jc c;
  memset(d, 0, sizeof *d);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r != 0) return r;
  size_t arr = xb_jget(&c, 0, "datapoints");
  if (arr == XB_JSON_NONE) return xb_jc_fail(&c, 422, "%s: required", "datapoints");
  return xb_jpoints(&c, arr, d);
}

/* XB-JSON-38 */
static int xb_in_datapoint(const uint8_t *p, size_t n, xb_arena *a, xb_val *v,
                           xb_parse_err *e) {
  xb_jc c;
  memset(v, 0, sizeof *v);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r == 0) r = xb_jmember(&c, 0, "value", v);
  if (r == 0 && v->type == XB_V_ABSENT) r = xb_jc_fail(&c, 422, "%s: required", "value");
  return r;
}

/* XB-JSON-39 */
static int xb_in_key(const uint8_t *p, size_t n, xb_arena *a, xb_key_in *k, xb_parse_err *e) {
  xb_jc c;
  memset(k, 0, sizeof *k);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r != 0) return r;
  size_t o = xb_jget(&c, 0, "key");
  if (!xb_jis(&c, o, XB_JSON_OBJECT))
    return xb_jc_fail(&c, 422, "%s: an object member \"key\" is required", "key");
  r = xb_jmembers(&c, o, xb_in_key_fields, k);
  if (r != 0) return r;
  size_t arr = xb_jget(&c, o, "permissions");
  if (arr == XB_JSON_NONE) return 0;
  k->has_perms = true;
  if (c.t[arr].type != XB_JSON_ARRAY)
    return xb_jc_fail(&c, 422, "%s: must be an array", "permissions");
  size_t np = c.t[arr].children;
  k->perms = xb_arena_alloc(a, (np == 0 ? 1 : np) * sizeof *k->perms);
  if (k->perms == NULL) return xb_jc_fail(&c, 400, "%s: payload too large", "permissions");
  for (size_t j = 0; j < np; j++) {
    xb_perm_in *pm = &k->perms[j];
    memset(pm, 0, sizeof *pm);
    size_t po = xb_json_array_get(c.t, c.n, arr, j);
    if (!xb_jis(&c, po, XB_JSON_OBJECT))
      return xb_jc_fail(&c, 422, "%s: each element must be an object", "permissions");
    r = xb_jmember(&c, po, "label", &pm->label);
    if (r == 0) r = xb_jlist(&c, po, "access_methods", &pm->methods);
    if (r == 0) r = xb_jmember(&c, po, "source_ip", &pm->source_ip);
    if (r == 0) r = xb_jmember(&c, po, "referer", &pm->referer);
    if (r == 0) r = xb_jmember(&c, po, "minimum_interval", &pm->minimum_interval);
    if (r != 0) return r;
    size_t ra = xb_jget(&c, po, "resources");
    if (ra == XB_JSON_NONE) continue;
    if (c.t[ra].type != XB_JSON_ARRAY) /* XB-JSON-29: null is 422 here too */
      return xb_jc_fail(&c, 422, "%s: must be an array", "resources");
    size_t nr = c.t[ra].children;
    pm->has_res = true;
    pm->res = xb_arena_alloc(a, (nr == 0 ? 1 : nr) * sizeof *pm->res);
    if (pm->res == NULL) return xb_jc_fail(&c, 400, "%s: payload too large", "resources");
    for (size_t q = 0; q < nr; q++) {
      size_t ro = xb_json_array_get(c.t, c.n, ra, q);
      if (!xb_jis(&c, ro, XB_JSON_OBJECT))
        return xb_jc_fail(&c, 422, "%s: each element must be an object", "resources");
      r = xb_jmember(&c, ro, "feed_id", &pm->res[q].feed_id);
      if (r == 0) r = xb_jmember(&c, ro, "datastream_id", &pm->res[q].datastream_id);
      if (r != 0) return r;
    }
    pm->nres = nr;
  }
  k->nperms = np;
  return 0;
}

/* XB-JSON-40 */
static int xb_in_trigger(const uint8_t *p, size_t n, xb_arena *a, xb_trigger_in *t,
                         xb_parse_err *e) {
  xb_jc c;
  memset(t, 0, sizeof *t);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r == 0) r = xb_jmembers(&c, 0, xb_in_trigger_fields, t);
  return r;
}

/* XB-JSON-41 */
static int xb_in_user(const uint8_t *p, size_t n, xb_arena *a, xb_user_in *u,
                      xb_parse_err *e) {
  xb_jc c;
  memset(u, 0, sizeof *u);
  int r = xb_jc_parse(&c, p, n, a, e);
  if (r == 0) r = xb_jtop_object(&c);
  if (r != 0) return r;
  size_t o = xb_jget(&c, 0, "user");
  if (!xb_jis(&c, o, XB_JSON_OBJECT))
    return xb_jc_fail(&c, 422, "%s: an object member \"user\" is required", "user");
  return xb_jmembers(&c, o, xb_in_user_fields, u);
}

const xb_input_ops xb_input_json = {
    .name = "json",
    .feed = xb_in_feed,
    .datastreams = xb_in_datastreams,
    .datastream = xb_in_datastream,
    .datapoints = xb_in_datapoints,
    .datapoint = xb_in_datapoint,
    .key = xb_in_key,
    .trigger = xb_in_trigger,
    .user = xb_in_user,
};
