/*
 * xbparse — check a write payload before sending it (spec/tools.md XB-TOOL-1..XB-TOOL-9).
 *
 * The payload goes through the bridge's own parsers (formats/xb_json.h, xb_csv.h,
 * xb_xml.h) and, with --resource, through the same mapping onto the write model that
 * the engine uses (api/xb_write.h). A valid payload is listed one value per line; an
 * invalid one is reported with its line and column. --to renders the parsed resource
 * with the bridge's renderer of another format (api/xb_render.h).
 *
 * Exit status: 0 valid, 1 invalid, 2 usage (or an unreadable file, or a conversion that
 * is not available).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/xb_render.h"
#include "api/xb_valid.h"
#include "api/xb_write.h"
#include "formats/xb_csv.h"
#include "formats/xb_json.h"
#include "formats/xb_json_canon.h"
#include "formats/xb_render_json.h"
#include "formats/xb_xml.h"

#define XB_PARSE_MAX_PAYLOAD 65536u /* spec/limits.md max-payload-size, XB-LIM-2 */
#define XB_PARSE_MAX_POINTS 500u    /* spec/limits.md max-datapoints, XB-LIM-8 */

static const char *const formats[] = {"json", "xml", "csv"}; /* xb_render_for numbering */
static const char *const resources[] = {"feed", "datastreams", "datastream", "datapoints",
                                        "datapoint", "key", "trigger", "user"};
enum { R_NONE = -1, R_FEED, R_DSS, R_DS, R_DPS, R_DP, R_KEY, R_TRIGGER, R_USER };

typedef struct {
  int format, to, res, api;
  const char *file;
  const char *name; /* FILE as shown in messages */
  unsigned long feed_id;
  const char *ds_id;
} xb_opts;

typedef struct {
  xb_feed_in feed;
  xb_ds_in ds;
  xb_val value;
  xb_key_in key;
  xb_trigger_in trigger;
  xb_user_in user;
} xb_parsed;

static void usage(FILE *f) {
  fprintf(f,
    "usage: xbparse --format json|csv|xml [--resource RESOURCE] [--api v1|v2]\n"
    "               [--to json|csv|xml] [--feed ID] [--datastream ID] FILE\n"
    "Check a write payload with the bridge's own parsers (FILE, or - for standard input).\n"
    "  --format F       the payload's format\n"
    "  --resource R     also map it onto the write shape of R: feed, datastreams (create),\n"
    "                   datastream, datapoints (create), datapoint, key, trigger, user\n"
    "  --api v1|v2      API version of the write (default v2; v1: CSV feed and datastream)\n"
    "  --to F           print the parsed resource as the bridge renders it in format F\n"
    "  --feed ID        feed id of that rendering (default 1)\n"
    "  --datastream ID  datastream id of a datastream or datapoint rendering (default 0)\n"
    "Valid: the parsed values are listed on standard output, exit status 0.\n"
    "Invalid: one line on standard error with line and column (bytes, from 1), status 1.\n"
    "Usage errors, unreadable files and unavailable conversions: status 2.\n");
}

/* "xbparse: what arg" and the usage, status 2. */
static int usage_error(const char *what, const char *arg) {
  fprintf(stderr, "xbparse: %s%s%s\n", what, arg != NULL ? " " : "", arg != NULL ? arg : "");
  usage(stderr);
  return 2;
}

static int pick(const char *s, const char *const *v, int n) {
  for (int i = 0; i < n; i++)
    if (strcmp(s, v[i]) == 0) return i;
  return -1;
}

/* Line and column of off, from 1, the column in bytes (spec/resources.md XB-RES-88). */
static void line_col(const uint8_t *in, size_t len, size_t off, size_t *line, size_t *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < len; i++) {
    if (in[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static int invalid_at(const xb_opts *o, const uint8_t *in, size_t len, size_t off,
                      const char *what, int code) {
  size_t line, col;
  line_col(in, len, off, &line, &col);
  fprintf(stderr, "xbparse: %s: line %zu, column %zu: %s [%d]\n", o->name, line, col, what,
          code);
  return 1;
}

/* ------------------------------------------------------------------ listing */

static xb_buf g_out;

static void flush_line(void) {
  xb_buf_putc(&g_out, '\n');
  fwrite(g_out.data, 1, g_out.len, stdout);
  xb_buf_reset(&g_out);
}

static void put_val(const char *path, xb_val v) {
  if (v.type == XB_V_ABSENT) return;
  xb_buf_printf(&g_out, "%s = ", path);
  if (v.type == XB_V_NULL) xb_buf_puts(&g_out, "null");
  else if (v.type == XB_V_BOOL) xb_buf_puts(&g_out, v.b ? "true" : "false");
  else if (v.type == XB_V_NUM) xb_buf_append(&g_out, v.s.p, v.s.n);
  else xb_json_put_string(&g_out, v.s.p, v.s.n);
  flush_line();
}

#define PUTN(prefix, st, m, name) do { \
    snprintf(path, sizeof path, "%s.%s", prefix, name); put_val(path, (st)->m); } while (0)
#define PUT(prefix, st, m) PUTN(prefix, st, m, #m)

static void put_list(const char *prefix, const char *name, const xb_list_in *l) {
  char path[256];
  if (!l->present) return;
  if (l->n == 0) printf("%s.%s = []\n", prefix, name);
  for (size_t i = 0; i < l->n; i++) {
    snprintf(path, sizeof path, "%s.%s[%zu]", prefix, name, i);
    put_val(path, l->items[i]);
  }
}

static void list_ds(const char *p, const xb_ds_in *d) {
  char path[256];
  PUT(p, d, id); PUT(p, d, current_value); PUT(p, d, at); PUT(p, d, max_value);
  PUT(p, d, min_value);
  put_list(p, "tags", &d->tags);
  if (d->unit == 1) printf("%s.unit = null\n", p);
  PUTN(p, d, unit_label, "unit.label"); PUTN(p, d, unit_symbol, "unit.symbol");
  PUTN(p, d, unit_type, "unit.type");
  if (d->has_points && d->npoints == 0) printf("%s.datapoints = []\n", p);
  for (size_t i = 0; i < d->npoints; i++) {
    char pp[200];
    snprintf(pp, sizeof pp, "%s.datapoints[%zu]", p, i);
    PUT(pp, &d->points[i], at); PUT(pp, &d->points[i], value);
  }
}

static void list_feed(const char *p, const xb_feed_in *f) {
  char path[256];
  PUT(p, f, title); PUTN(p, f, is_private, "private"); PUT(p, f, description); PUT(p, f, website);
  PUT(p, f, icon); PUT(p, f, email);
  put_list(p, "tags", &f->tags);
  if (f->location == 1) printf("%s.location = null\n", p);
  char lp[200];
  snprintf(lp, sizeof lp, "%s.location", p);
  PUT(lp, f, disposition); PUT(lp, f, domain); PUT(lp, f, exposure); PUT(lp, f, name);
  PUT(lp, f, lat); PUT(lp, f, lon); PUT(lp, f, ele);
  if (f->has_ds && f->nds == 0) printf("%s.datastreams = []\n", p);
  for (size_t i = 0; i < f->nds; i++) {
    char dp[200];
    snprintf(dp, sizeof dp, "%s.datastreams[%zu]", p, i);
    list_ds(dp, &f->ds[i]);
  }
}

static void list_parsed(int res, const xb_parsed *r) {
  char path[256];
  const char *p = resources[res];
  if (res == R_FEED || res == R_DSS) list_feed(p, &r->feed);
  else if (res == R_DS || res == R_DPS) list_ds(p, &r->ds);
  else if (res == R_DP) { snprintf(path, sizeof path, "%s.value", p); put_val(path, r->value); }
  else if (res == R_KEY) {
    const xb_key_in *k = &r->key;
    PUT(p, k, label); PUT(p, k, expires_at); PUT(p, k, private_access);
    for (size_t i = 0; i < k->nperms; i++) {
      char pp[200];
      snprintf(pp, sizeof pp, "%s.permissions[%zu]", p, i);
      const xb_perm_in *m = &k->perms[i];
      PUT(pp, m, label);
      put_list(pp, "access_methods", &m->methods);
      PUT(pp, m, source_ip); PUT(pp, m, referer); PUT(pp, m, minimum_interval);
      for (size_t j = 0; j < m->nres; j++) {
        char rp[240];
        snprintf(rp, sizeof rp, "%s.resources[%zu]", pp, j);
        PUT(rp, &m->res[j], feed_id); PUT(rp, &m->res[j], datastream_id);
      }
    }
  } else if (res == R_TRIGGER) {
    const xb_trigger_in *t = &r->trigger;
    PUT(p, t, url); PUT(p, t, trigger_type); PUT(p, t, threshold_value);
    PUT(p, t, environment_id); PUT(p, t, stream_id);
  } else {
    const xb_user_in *u = &r->user;
    PUT(p, u, login); PUT(p, u, full_name); PUT(p, u, email); PUT(p, u, website);
    PUT(p, u, about); PUT(p, u, organisation); PUT(p, u, timezone);
  }
}

/* ------------------------------------------------------------------ JSON */

/* `$`-rooted path of token i: .name for plain member names, ["..."] otherwise. */
static void json_path(const uint8_t *in, size_t len, const xb_json_token *t, size_t n,
                      size_t i, xb_buf *b) {
  size_t chain[XB_JSON_DEPTH_MAX + 2];
  size_t k = 0;
  for (size_t a = i; a != 0 && a < n && k < XB_JSON_DEPTH_MAX + 1; a = t[a].parent) chain[k++] = a;
  xb_buf_putc(b, '$');
  while (k > 0) {
    size_t a = chain[--k], p = t[a].parent;
    if (t[p].type == XB_JSON_ARRAY) {
      size_t idx = 0;
      for (size_t c = p + 1; c < a; c = t[c].next) idx++;
      xb_buf_printf(b, "[%zu]", idx);
      continue;
    }
    size_t sz = xb_json_string_decoded_size(in, len, &t[a - 1]), w = 0;
    char *name = malloc(sz + 1);
    if (name == NULL || !xb_json_string_decode(in, len, &t[a - 1], (uint8_t *)name, sz, &w)) {
      free(name);
      return;
    }
    bool plain = w > 0 && !(name[0] >= '0' && name[0] <= '9');
    for (size_t j = 0; j < w; j++) {
      char c = name[j];
      plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-');
    }
    if (plain) {
      xb_buf_putc(b, '.');
      xb_buf_append(b, name, w);
    } else {
      xb_buf_putc(b, '[');
      xb_json_put_string(b, name, w);
      xb_buf_putc(b, ']');
    }
    free(name);
  }
}

static void list_json(const uint8_t *in, size_t len, const xb_json_token *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    bool container = t[i].type == XB_JSON_OBJECT || t[i].type == XB_JSON_ARRAY;
    if ((t[i].flags & XB_JSON_F_KEY) != 0 || (container && t[i].children > 0)) continue;
    json_path(in, len, t, n, i, &g_out);
    xb_buf_puts(&g_out, " = ");
    if (!xb_json_canon(in, len, t, n, i, &g_out)) xb_buf_puts(&g_out, "?");
    flush_line();
  }
}

static int check_json(const xb_opts *o, const uint8_t *in, size_t len) {
  size_t cap = len / 2 + 2;
  xb_json_token *t = malloc(cap * sizeof *t);
  if (t == NULL) return fprintf(stderr, "xbparse: out of memory\n"), 2;
  xb_json_result r;
  xb_json_limits lim = {XB_PARSE_MAX_PAYLOAD, XB_JSON_DEFAULT_MAX_DEPTH};
  xb_json_status st = xb_json_parse(in, len, t, cap, &lim, &r);
  int rc = 0;
  if (st != XB_JSON_OK) rc = invalid_at(o, in, len, r.err_off, xb_json_status_str(st), 400);
  else if (o->res == R_NONE && o->to < 0) list_json(in, len, t, r.ntokens);
  else if (o->res == R_NONE) {
    xb_buf b;
    xb_buf_init(&b, 0);
    xb_json_canon(in, len, t, r.ntokens, 0, &b);
    fwrite(b.data, 1, b.len, stdout);
    putchar('\n');
    xb_buf_free(&b);
  }
  free(t);
  return rc;
}

/* The engine's own mapper of (API version, format) onto the write model of R. */
static int map_input(const xb_opts *o, const uint8_t *in, size_t len, xb_arena *a,
                     xb_parsed *r) {
  const xb_input_ops *ops = xb_input_for(o->api == 1 ? 1 : 2, (unsigned)o->format);
  xb_parse_err e;
  xb_parse_err_init(&e, XB_PARSE_MAX_POINTS);
  int st = -1;
  switch (o->res) {
  case R_FEED: if (ops && ops->feed) st = ops->feed(in, len, a, &r->feed, &e); break;
  case R_DSS: if (ops && ops->datastreams) st = ops->datastreams(in, len, a, &r->feed, &e); break;
  case R_DS: if (ops && ops->datastream) st = ops->datastream(in, len, a, &r->ds, &e); break;
  case R_DPS: if (ops && ops->datapoints) st = ops->datapoints(in, len, a, &r->ds, &e); break;
  case R_DP: if (ops && ops->datapoint) st = ops->datapoint(in, len, a, &r->value, &e); break;
  case R_KEY: if (ops && ops->key) st = ops->key(in, len, a, &r->key, &e); break;
  case R_TRIGGER: if (ops && ops->trigger) st = ops->trigger(in, len, a, &r->trigger, &e); break;
  default: if (ops && ops->user) st = ops->user(in, len, a, &r->user, &e); break;
  }
  if (st == 0) return 0;
  if (st < 0) {
    fprintf(stderr, "xbparse: not yet: no %s write mapping for a %s in this build\n",
            formats[o->format], resources[o->res]);
    return 2;
  }
  /* 400 details already read "line L, column C: ..." (XB-RES-88) */
  fprintf(stderr, "xbparse: %s: %s [%d]\n", o->name, e.detail, st);
  return 1;
}

/* ------------------------------------------------------------------ CSV */

static int list_csv(const xb_opts *o, const uint8_t *in, size_t len) {
  xb_csv_error err;
  memset(&err, 0, sizeof err);
  xb_csv_status st = xb_csv_check_payload(in, len, &err);
  xb_csv_cursor cur = {0, 1};
  static xb_csv_field f[XB_CSV_MAX_FIELDS];
  xb_csv_record rec;
  size_t nrec = 0;
  while (st == XB_CSV_OK) {
    st = xb_csv_next_record(in, len, &cur, f, XB_CSV_MAX_FIELDS, &rec, &err);
    if (st != XB_CSV_OK) break;
    nrec++;
    xb_buf_printf(&g_out, "line %zu:", rec.line);
    for (size_t i = 0; i < rec.nfields; i++) {
      size_t sz = xb_csv_decoded_size(in, len, f[i].off, f[i].len);
      char *s = malloc(sz + 1);
      if (s == NULL) return 2;
      xb_csv_decode(in, len, f[i].off, f[i].len, (uint8_t *)s, sz);
      xb_buf_puts(&g_out, i == 0 ? " " : ", ");
      xb_json_put_string(&g_out, s, sz);
      free(s);
    }
    flush_line();
  }
  if (st == XB_CSV_END && nrec == 0) { st = XB_CSV_SYNTAX; err.reason = XB_CSV_R_EMPTY; }
  if (st == XB_CSV_END) return 0;
  fprintf(stderr, "xbparse: %s: line %zu, column %zu: %s [%d]\n", o->name,
          err.line ? err.line : 1, err.col ? err.col : 1, xb_csv_reason_text(err.reason),
          xb_csv_http_status(st));
  return 1;
}

/* ------------------------------------------------------------------ XML */

static void xml_path(const uint8_t *in, size_t len, const xb_xml_node *t, size_t n,
                     size_t i, xb_buf *b) {
  size_t chain[XB_XML_MAX_DEPTH + 2], k = 0;
  for (size_t a = i; a < n && k < XB_XML_MAX_DEPTH + 1; a = t[a].parent) chain[k++] = a;
  while (k > 0) {
    size_t a = chain[--k], p = t[a].parent;
    if (p != XB_XML_NONE) xb_buf_putc(b, '/');
    xb_buf_append(b, in + t[a].off, t[a].len);
    if (p == XB_XML_NONE) continue;
    const char *nm = (const char *)in + t[a].off;
    if (xb_xml_count_children(in, len, t, n, p, nm, t[a].len) > 1) {
      size_t idx = 0;
      for (size_t c = xb_xml_child(in, len, t, n, p, p, nm, t[a].len); c != a && c < n;
           c = xb_xml_child(in, len, t, n, p, c, nm, t[a].len))
        idx++;
      xb_buf_printf(b, "[%zu]", idx);
    }
  }
}

static void xml_value(const uint8_t *in, size_t len, const xb_xml_node *t, size_t n,
                      size_t i, bool text) {
  size_t sz = text ? xb_xml_text_size(in, len, t, n, i) : xb_xml_value_size(in, len, &t[i]);
  char *s = malloc(sz + 1);
  size_t w = 0;
  if (s != NULL && (text ? xb_xml_text_decode(in, len, t, n, i, (uint8_t *)s, sz, &w)
                         : xb_xml_value_decode(in, len, &t[i], (uint8_t *)s, sz, &w)))
    xb_json_put_string(&g_out, s, w);
  free(s);
}

static int check_xml(const xb_opts *o, const uint8_t *in, size_t len) {
  size_t cap = XB_XML_MAX_NODES(len);
  xb_xml_node *t = malloc(cap * sizeof *t);
  if (t == NULL) return fprintf(stderr, "xbparse: out of memory\n"), 2;
  xb_xml_result r;
  xb_xml_status st = xb_xml_parse(in, len, t, cap, &r);
  int rc = 0;
  if (st != XB_XML_OK) {
    rc = invalid_at(o, in, len, r.err_off, xb_xml_status_str(st), 400);
  }
  for (size_t i = 0; rc == 0 && o->res == R_NONE && i < r.nnodes; i++) {
    bool attr = t[i].type == XB_XML_ATTR;
    if (t[i].type == XB_XML_TEXT ||
        (!attr && xb_xml_count_children(in, len, t, r.nnodes, i, NULL, 0) > 0))
      continue; /* elements are listed by their leaves and attributes */
    xml_path(in, len, t, r.nnodes, attr ? t[i].parent : i, &g_out);
    if (attr) {
      xb_buf_puts(&g_out, " @");
      xb_buf_append(&g_out, in + t[i].off, t[i].len);
    }
    xb_buf_puts(&g_out, " = ");
    xml_value(in, len, t, r.nnodes, i, !attr);
    flush_line();
  }
  free(t);
  return rc;
}

/* ------------------------------------------------------------------ --to */

static xb_str sv(xb_val v) {
  if (v.type == XB_V_STR || v.type == XB_V_NUM) return v.s;
  if (v.type == XB_V_BOOL) return v.b ? XB_STR_LIT("true") : XB_STR_LIT("false");
  return XB_STR_NONE;
}

static bool tv(xb_val v) { xb_str s = sv(v); return s.p != NULL && xb_str_eq(s, "true"); }

static int64_t at_or(xb_val v, int64_t now) {
  int64_t us = now;
  xb_str s = sv(v);
  if (s.p != NULL && !xb_time_parse(s.p, s.n, &us)) us = now;
  return us;
}

static xb_str join_tags(xb_arena *a, const xb_list_in *l) {
  if (l->n == 0) return XB_STR_NONE;
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) n += sv(l->items[i]).n + 1;
  char *s = xb_arena_alloc(a, n + 1);
  size_t k = 0;
  if (s == NULL) return XB_STR_NONE;
  for (size_t i = 0; i < l->n; i++) {
    xb_str t = sv(l->items[i]);
    if (k > 0) s[k++] = ',';
    if (t.n > 0) memcpy(s + k, t.p, t.n);
    k += t.n;
  }
  return (xb_str){s, k};
}

/* in_feed: an element of a feed's datastreams (its own id); otherwise the topic would
 * name the datastream, so --datastream does and a payload id is ignored (XB-RES-50). */
static void ds_row(xb_arena *a, const xb_opts *o, const xb_ds_in *d, bool in_feed,
                   int64_t now, xb_ds_row *row, xb_ds_view *view) {
  memset(row, 0, sizeof *row);
  row->feed_id = (uint32_t)o->feed_id;
  row->id = in_feed && sv(d->id).p != NULL ? sv(d->id) : (xb_str){o->ds_id, strlen(o->ds_id)};
  row->current_value = sv(d->current_value);
  row->written = row->current_value.p != NULL;
  row->at = at_or(d->at, now);
  row->min_value = sv(d->min_value);
  row->max_value = sv(d->max_value);
  row->unit_label = sv(d->unit_label);
  row->unit_symbol = sv(d->unit_symbol);
  row->unit_type = sv(d->unit_type);
  row->tags = join_tags(a, &d->tags);
  xb_point_row *p = d->npoints ? xb_arena_alloc(a, d->npoints * sizeof *p) : NULL;
  for (size_t i = 0; p != NULL && i < d->npoints; i++) { /* ascending at, stable */
    xb_point_row x = {at_or(d->points[i].at, now), sv(d->points[i].value)};
    size_t k = i;
    for (; k > 0 && p[k - 1].at > x.at; k--) p[k] = p[k - 1];
    p[k] = x;
  }
  if (p != NULL && !row->written && d->npoints > 0) { /* the last one is current */
    row->written = true;
    row->current_value = p[d->npoints - 1].value;
    row->at = p[d->npoints - 1].at;
  }
  view->ds = row;
  view->points = p;
  view->npoints = p != NULL ? d->npoints : 0;
}

static unsigned methods(const xb_list_in *l) {
  static const char *const m[] = {"get", "put", "post", "delete"};
  unsigned bits = 0;
  for (size_t i = 0; i < l->n; i++)
    for (unsigned k = 0; k < 4; k++) {
      xb_str s = sv(l->items[i]);
      if (s.p != NULL && s.n == strlen(m[k]) && strncasecmp(s.p, m[k], s.n) == 0) bits |= 1u << k;
    }
  return bits;
}

static int render_to(const xb_opts *o, xb_arena *a, const xb_parsed *r) {
  const xb_renderer *rd = xb_render_for(o->api == 1 ? 1 : 2, (unsigned)o->to);
  const xb_render_ctx ctx = {"https://api.xively.com", "https://xively.com"};
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
  xb_feed_row feed;
  memset(&feed, 0, sizeof feed);
  feed.id = (uint32_t)o->feed_id;
  feed.owner_login = XB_STR_LIT("xbparse");
  feed.created = feed.updated = now;
  xb_feed_view fv;
  memset(&fv, 0, sizeof fv);
  fv.feed = &feed;
  fv.live = true;
  xb_ds_in dsin = r->ds;
  xb_point_in one = {.at = {XB_V_ABSENT, false, {NULL, 0}}, .value = r->value};
  xb_ds_row dr;
  xb_ds_view dv;
  xb_buf b;
  xb_buf_init(&b, 0);
  bool done = false;
  if (rd != NULL && (o->res == R_FEED || o->res == R_DSS) && rd->feed != NULL) {
    const xb_feed_in *f = &r->feed;
    feed.title = sv(f->title);
    feed.is_private = tv(f->is_private);
    feed.description = sv(f->description); feed.website = sv(f->website);
    feed.icon = sv(f->icon); feed.email = sv(f->email);
    feed.tags = join_tags(a, &f->tags);
    feed.loc_disposition = sv(f->disposition); feed.loc_domain = sv(f->domain);
    feed.loc_exposure = sv(f->exposure); feed.loc_name = sv(f->name);
    feed.loc_lat = sv(f->lat); feed.loc_lon = sv(f->lon); feed.loc_ele = sv(f->ele);
    xb_ds_row *rows = xb_arena_alloc(a, (f->nds + 1) * sizeof *rows);
    xb_ds_view *views = xb_arena_alloc(a, (f->nds + 1) * sizeof *views);
    if (rows == NULL || views == NULL) return 2;
    for (size_t i = 0; i < f->nds; i++) ds_row(a, o, &f->ds[i], true, now, &rows[i], &views[i]);
    fv.ds = views;
    fv.nds = f->nds;
    rd->feed(&b, &ctx, &fv);
    done = true;
  } else if (rd != NULL && (o->res == R_DS || o->res == R_DPS || o->res == R_DP)) {
    if (o->res == R_DP) {
      dsin.points = &one;
      dsin.npoints = 1;
    }
    ds_row(a, o, &dsin, false, now, &dr, &dv);
    if (o->res == R_DS && rd->datastream != NULL) rd->datastream(&b, &ctx, &fv, &dv);
    else if (o->res == R_DPS && rd->datapoints != NULL)
      rd->datapoints(&b, &ctx, &fv, &dr, dv.points, dv.npoints);
    else if (o->res == R_DP && rd->datapoint != NULL && dv.npoints == 1)
      rd->datapoint(&b, &ctx, &fv, &dr, &dv.points[0]);
    done = o->res == R_DS ? rd->datastream != NULL
           : o->res == R_DPS ? rd->datapoints != NULL : rd->datapoint != NULL;
  } else if (rd != NULL && o->res == R_KEY && rd->key != NULL) {
    xb_key_row k;
    memset(&k, 0, sizeof k);
    k.api_key = XB_STR_LIT("0000000000000000000000000000000000000000");
    k.label = sv(r->key.label);
    k.private_access = tv(r->key.private_access);
    k.has_expiry = sv(r->key.expires_at).p != NULL;
    k.expires_at = at_or(r->key.expires_at, now);
    k.nperms = r->key.nperms;
    k.perms = xb_arena_alloc(a, (k.nperms + 1) * sizeof *k.perms);
    if (k.perms == NULL) return 2;
    for (size_t i = 0; i < k.nperms; i++) {
      const xb_perm_in *p = &r->key.perms[i];
      xb_perm_row *q = &k.perms[i];
      memset(q, 0, sizeof *q);
      q->methods = methods(&p->methods);
      q->label = sv(p->label); q->source_ip = sv(p->source_ip); q->referer = sv(p->referer);
      xb_str mi = sv(p->minimum_interval);
      q->has_min_interval = mi.p != NULL;
      q->minimum_interval = mi.p != NULL ? strtoll(mi.p, NULL, 10) : 0;
      q->nres = p->nres;
      q->res = xb_arena_alloc(a, (p->nres + 1) * sizeof *q->res);
      if (q->res == NULL) return 2;
      for (size_t j = 0; j < p->nres; j++) {
        xb_str fid = sv(p->res[j].feed_id);
        q->res[j].feed_id = fid.p != NULL ? (uint32_t)strtoul(fid.p, NULL, 10) : 0;
        q->res[j].ds_id = sv(p->res[j].datastream_id);
      }
    }
    rd->key(&b, &ctx, &k);
    done = true;
  } else if (rd != NULL && o->res == R_TRIGGER && rd->trigger != NULL) {
    xb_trigger_row t;
    memset(&t, 0, sizeof t);
    t.id = 1;
    t.user_login = XB_STR_LIT("xbparse");
    t.url = sv(r->trigger.url); t.trigger_type = sv(r->trigger.trigger_type);
    t.threshold_value = sv(r->trigger.threshold_value); t.stream_id = sv(r->trigger.stream_id);
    xb_str env = sv(r->trigger.environment_id);
    t.feed_id = env.p != NULL ? (uint32_t)strtoul(env.p, NULL, 10) : (uint32_t)o->feed_id;
    rd->trigger(&b, &ctx, &t);
    done = true;
  } else if (rd != NULL && o->res == R_USER && rd->user != NULL) {
    xb_user_row u;
    memset(&u, 0, sizeof u);
    const xb_user_in *x = &r->user;
    u.login = sv(x->login); u.full_name = sv(x->full_name); u.email = sv(x->email);
    u.website = sv(x->website); u.about = sv(x->about); u.organisation = sv(x->organisation);
    u.timezone = sv(x->timezone);
    rd->user(&b, &ctx, &u);
    done = true;
  }
  if (!done) { /* XB-RES-25: e.g. CSV has no key, trigger or user representation */
    fprintf(stderr, "xbparse: --to %s: %s\n", formats[o->to],
            rd == NULL ? "no renderer of this format and API version in this build"
                       : "this format has no representation of that resource (XB-RES-25)");
    xb_buf_free(&b);
    return 2;
  }
  fwrite(b.data, 1, b.len, stdout);
  if (b.len == 0 || b.data[b.len - 1] != '\n') putchar('\n');
  xb_buf_free(&b);
  return 0;
}

/* ------------------------------------------------------------------ main */

static int read_all(const xb_opts *o, uint8_t **out, size_t *len) {
  FILE *f = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "rb");
  if (f == NULL) {
    fprintf(stderr, "xbparse: %s: %s\n", o->file, strerror(errno));
    return 2;
  }
  size_t cap = XB_PARSE_MAX_PAYLOAD + 1, n = 0; /* one byte more tells "too long" */
  uint8_t *p = malloc(cap);
  if (p != NULL) n = fread(p, 1, cap, f);
  bool err = p == NULL || ferror(f);
  if (f != stdin) fclose(f);
  if (err) {
    fprintf(stderr, "xbparse: %s: cannot read\n", o->file);
    free(p);
    return 2;
  }
  *out = p;
  *len = n;
  return 0;
}

int main(int argc, char **argv) {
  xb_opts o = {-1, -1, R_NONE, 2, NULL, NULL, 1, "0"};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { usage(stdout); return 0; }
    if (strcmp(a, "-") == 0 || strncmp(a, "-", 1) != 0) {
      if (o.file != NULL) return usage_error("more than one FILE:", a);
      o.file = a;
      continue;
    }
    if (v == NULL) return usage_error("a value is missing after", a);
    i++;
    if (strcmp(a, "--format") == 0) {
      if ((o.format = pick(v, formats, 3)) < 0) return usage_error("unknown format", v);
    } else if (strcmp(a, "--to") == 0) {
      if ((o.to = pick(v, formats, 3)) < 0) return usage_error("unknown format", v);
    } else if (strcmp(a, "--resource") == 0) {
      if ((o.res = pick(v, resources, 8)) < 0) return usage_error("unknown resource", v);
    } else if (strcmp(a, "--api") == 0) {
      if (strcmp(v, "v1") != 0 && strcmp(v, "v2") != 0) return usage_error("unknown API", v);
      o.api = v[1] - '0';
    } else if (strcmp(a, "--feed") == 0) {
      char *end;
      o.feed_id = strtoul(v, &end, 10);
      if (*end != 0 || o.feed_id < 1 || o.feed_id > 2147483647ul)
        return usage_error("bad feed id", v);
    } else if (strcmp(a, "--datastream") == 0) {
      if (!xb_is_word((xb_str){v, strlen(v)}, 1, 64)) return usage_error("bad datastream id", v);
      o.ds_id = v;
    } else {
      return usage_error("unknown option", a);
    }
  }
  if (o.format < 0) return usage_error("--format is required", NULL);
  if (o.file == NULL) return usage_error("FILE is required (- for standard input)", NULL);
  if (o.format == 2 && o.res >= R_KEY) /* XB-RES-25: CSV has no key, trigger, user */
    return usage_error("csv has no write shape for", resources[o.res]);
  if (o.api == 1 && !(o.format == 2 && (o.res == R_FEED || o.res == R_DS)))
    return usage_error("--api v1 is only the CSV feed and datastream writes", NULL);
  if (o.to >= 0 && o.res == R_NONE && !(o.format == 0 && o.to == 0))
    return usage_error("--to needs --resource (except --format json --to json)", NULL);
  o.name = strcmp(o.file, "-") == 0 ? "<stdin>" : o.file;
  uint8_t *in = NULL;
  size_t len = 0;
  int rc = read_all(&o, &in, &len);
  if (rc != 0) return rc;
  xb_buf_init(&g_out, 0);
  if (len > XB_PARSE_MAX_PAYLOAD) { /* XB-LIM-2, XB-JSON-25: refused before parsing */
    fprintf(stderr, "xbparse: %s: payload longer than %u bytes [400]\n", o.name,
            XB_PARSE_MAX_PAYLOAD);
    rc = 1;
  } else if (o.format == 0) {
    rc = check_json(&o, in, len);
  } else if (o.format == 1) {
    rc = check_xml(&o, in, len);
  } else if (o.res == R_NONE) {
    rc = list_csv(&o, in, len);
  } /* CSV with --resource: the mapper judges syntax and shape together */
  if (rc == 0 && o.res != R_NONE) {
    xb_arena ar;
    xb_parsed r;
    memset(&r, 0, sizeof r);
    xb_arena_init(&ar, 65536, 0);
    rc = map_input(&o, in, len, &ar, &r);
    if (rc == 0 && o.to < 0) list_parsed(o.res, &r);
    if (rc == 0 && o.to >= 0) rc = render_to(&o, &ar, &r);
    xb_arena_free(&ar);
  }
  fflush(stdout);
  xb_buf_free(&g_out);
  free(in);
  return rc;
}
