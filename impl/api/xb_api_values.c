/*
 * xb_api_values.c — typed attribute rules shared by every write (spec/resources.md §1,
 * spec/json.md XB-JSON-29), and the application of datastream content: values,
 * datapoints, min/max tracking, unit and tags (spec/resources.md §7, §8).
 */
#include <string.h>

#include "api/xb_api_int.h"
#include "api/xb_valid.h"

static const char *xb_vtype_name(unsigned t) {
  switch (t) {
    case XB_V_NUM: return "a number";
    case XB_V_BOOL: return "a boolean";
    case XB_V_NULL: return "null";
    default: return "a string";
  }
}

int xb_opt_text(xb_rq *q, const char *name, xb_val v, size_t max, bool multiline, xb_str cur,
                xb_str *out) {
  *out = cur;
  if (v.type == XB_V_ABSENT) return 0;
  if (v.type == XB_V_NULL) { /* XB-RES-4 */
    *out = XB_STR_NONE;
    return 0;
  }
  if (v.type != XB_V_STR) /* XB-JSON-29: text attributes are strings */
    return xb_rq_fail(q, 422, "invalid", "%s: must be a string, not %s", name,
                      xb_vtype_name(v.type));
  xb_str s = xb_trim(v.s); /* XB-RES-2 */
  if (s.n == 0) {
    *out = XB_STR_NONE;
    return 0;
  }
  if (xb_has_ctl(s, multiline)) /* XB-RES-3 */
    return xb_rq_fail(q, 422, "invalid", "%s: control character", name);
  if (s.n > max) return xb_rq_fail(q, 422, "invalid", "%s: longer than %zu bytes", name, max);
  *out = s;
  return 0;
}

int xb_opt_url(xb_rq *q, const char *name, xb_val v, size_t max, xb_str cur, xb_str *out) {
  int r = xb_opt_text(q, name, v, max, false, cur, out);
  if (r == 0 && v.type == XB_V_STR && out->p != NULL && !xb_url_ok(*out)) /* XB-RES-11 */
    return xb_rq_fail(q, 422, "invalid", "%s: not an http(s) URL", name);
  return r;
}

int xb_opt_email(xb_rq *q, const char *name, xb_val v, xb_str cur, xb_str *out) {
  int r = xb_opt_text(q, name, v, 254, false, cur, out);
  if (r == 0 && v.type == XB_V_STR && out->p != NULL && !xb_email_ok(*out)) /* XB-RES-12 */
    return xb_rq_fail(q, 422, "invalid", "%s: not an e-mail address", name);
  return r;
}

int xb_int_attr(xb_rq *q, const char *name, xb_val v, int64_t min, int64_t max, int64_t *out) {
  xb_str s = v.type == XB_V_STR ? xb_trim(v.s) : v.s;
  if (v.type != XB_V_STR && v.type != XB_V_NUM)
    return xb_rq_fail(q, 422, "invalid", "%s: must be an integer", name);
  /* XB-RES-13: digits only (a JSON integer has no fraction or exponent; no sign). */
  bool ok = s.n > 0 && s.n <= 10 && !(s.n > 1 && s.p[0] == '0');
  int64_t val = 0;
  for (size_t i = 0; ok && i < s.n; i++) {
    if (s.p[i] < '0' || s.p[i] > '9') ok = false;
    else val = val * 10 + (s.p[i] - '0');
  }
  if (!ok || val < min || val > max)
    return xb_rq_fail(q, 422, "invalid", "%s: must be an integer from %lld to %lld", name,
                      (long long)min, (long long)max);
  *out = val;
  return 0;
}

int xb_bool_attr(xb_rq *q, const char *name, xb_val v, bool *out) {
  if (v.type == XB_V_BOOL) { /* XB-RES-14 */
    *out = v.b;
    return 0;
  }
  if (v.type == XB_V_STR) {
    xb_str s = xb_trim(v.s);
    if (xb_str_eq(s, "true") || xb_str_eq(s, "false")) {
      *out = s.n == 4;
      return 0;
    }
  }
  return xb_rq_fail(q, 422, "invalid", "%s: must be true or false", name);
}

int xb_dsid_attr(xb_rq *q, const char *name, xb_val v, xb_str *out) {
  if (v.type != XB_V_STR && v.type != XB_V_NUM)
    return xb_rq_fail(q, 422, "invalid", "%s: must be a string", name);
  xb_str s = v.type == XB_V_STR ? xb_trim(v.s) : v.s;
  /* XB-JSON-29: a number names the datastream of its text ("0"); the spec's examples
   * refuse -1 although '-' is an id character, so a number must be digits only. */
  if (v.type == XB_V_NUM)
    for (size_t i = 0; i < s.n; i++)
      if (s.p[i] < '0' || s.p[i] > '9')
        return xb_rq_fail(q, 422, "invalid", "%s: a numeric id must be digits only", name);
  if (!xb_is_word(s, 1, XB_TOPIC_DSID_MAX))
    return xb_rq_fail(q, 422, "invalid", "%s: not a datastream id (1..64 of A-Z a-z 0-9 - _)",
                      name);
  *out = s;
  return 0;
}

/* ------------------------------------------------------------------ datastream content */

/* XB-RES-5, XB-RES-60, XB-JSON-29: a value is a string or a number's source text. */
static int xb_value_text(xb_rq *q, const char *name, xb_val v, xb_str *out) {
  if (v.type == XB_V_NULL) return xb_rq_fail(q, 422, "invalid", "%s: must not be null", name);
  if (v.type != XB_V_STR && v.type != XB_V_NUM)
    return xb_rq_fail(q, 422, "invalid", "%s: must be a string or a number, not %s", name,
                      xb_vtype_name(v.type));
  xb_str s = xb_trim(v.s);
  if (s.p == NULL) s = XB_STR_LIT("");
  if (xb_has_ctl(s, false)) return xb_rq_fail(q, 422, "invalid", "%s: control character", name);
  if (s.n > 255) return xb_rq_fail(q, 422, "invalid", "%s: longer than 255 bytes", name);
  *out = s;
  return 0;
}

/* XB-RES-6: a timestamp is a string in the topic timestamp form. */
static int xb_time_attr(xb_rq *q, const char *name, xb_val v, int64_t *out) {
  if (v.type != XB_V_STR)
    return xb_rq_fail(q, 422, "invalid", "%s: a timestamp must be a string", name);
  xb_str s = xb_trim(v.s);
  if (!xb_time_parse(s.p, s.n, out))
    return xb_rq_fail(q, 422, "invalid", "%s: not a valid timestamp", name);
  return 0;
}

/* XB-RES-57: explicit min/max: numeric, empty or null unsets. */
static int xb_minmax_attr(xb_rq *q, const char *name, xb_val v, xb_str cur, xb_str *out) {
  *out = cur;
  if (v.type == XB_V_ABSENT) return 0;
  if (v.type == XB_V_NULL) {
    *out = XB_STR_NONE;
    return 0;
  }
  if (v.type != XB_V_STR && v.type != XB_V_NUM)
    return xb_rq_fail(q, 422, "invalid", "%s: must be a number", name);
  xb_str s = xb_trim(v.s);
  if (s.n == 0) {
    *out = XB_STR_NONE;
    return 0;
  }
  double d;
  if (s.n > 255 || !xb_numeric(s, &d))
    return xb_rq_fail(q, 422, "invalid", "%s: not a numeric value", name);
  *out = s;
  return 0;
}

/* XB-RES-55, XB-RES-56: track min/max over numeric values, strict comparisons. */
static void xb_track(xb_ds_row *d, xb_str value) {
  double v, m;
  if (!xb_numeric(value, &v)) return;
  if (d->max_value.p == NULL || (xb_numeric(d->max_value, &m) && v > m)) d->max_value = value;
  if (d->min_value.p == NULL || (xb_numeric(d->min_value, &m) && v < m)) d->min_value = value;
}

/* One value written to the datastream: stored as a datapoint (XB-RES-52, XB-RES-61),
 * tracked (XB-RES-55), current when not older than the current one (XB-RES-53). */
static int xb_put_value(xb_rq *q, xb_ds_row *d, int64_t at, xb_str value) {
  xb_store_status r = xb_store_point_put(q->api->st, d->feed_id, d->id, at, value);
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  xb_track(d, value);
  if (!d->written || at >= d->at) {
    d->written = true;
    d->at = at;
    d->current_value = value;
  }
  return 0;
}

static const char *const xb_unit_types[] = {"basicSI", "derivedSI", "conversionBasedUnits",
                                            "derivedUnits", "contextDependentUnits"};

size_t xb_ds_value_count(const xb_ds_in *in) {
  return in->npoints + (in->current_value.type != XB_V_ABSENT ? 1u : 0u);
}

int xb_ds_apply(xb_rq *q, xb_ds_row *d, const xb_ds_in *in, bool *history) {
  int r = xb_minmax_attr(q, "max_value", in->max_value, d->max_value, &d->max_value);
  if (r == 0) r = xb_minmax_attr(q, "min_value", in->min_value, d->min_value, &d->min_value);
  if (r != 0) return r;
  if (in->unit == 1) { /* null unsets every part (XB-RES-4) */
    d->unit_label = d->unit_symbol = d->unit_type = XB_STR_NONE;
  } else if (in->unit == 2) { /* XB-RES-58: only the parts present */
    r = xb_opt_text(q, "unit.label", in->unit_label, 64, false, d->unit_label, &d->unit_label);
    if (r == 0)
      r = xb_opt_text(q, "unit.symbol", in->unit_symbol, 16, false, d->unit_symbol,
                      &d->unit_symbol);
    if (r == 0) r = xb_opt_text(q, "unit.type", in->unit_type, 64, false, d->unit_type,
                                &d->unit_type);
    if (r != 0) return r;
    if (in->unit_type.type == XB_V_STR && d->unit_type.p != NULL) {
      bool ok = false;
      for (size_t i = 0; i < sizeof xb_unit_types / sizeof xb_unit_types[0]; i++)
        if (xb_str_eq(d->unit_type, xb_unit_types[i])) ok = true;
      if (!ok) return xb_rq_fail(q, 422, "invalid", "unit.type: not a known unit type");
    }
  }
  if (in->tags.present) {
    const char *why = xb_tags_normalize(&in->tags, &q->api->arena, &d->tags);
    if (why != NULL) return xb_rq_fail(q, 422, "invalid", "tags: %s", why); /* XB-RES-40 */
  }
  /* XB-RES-53: datapoints in order, then current_value. */
  for (size_t i = 0; i < in->npoints; i++) {
    int64_t at;
    xb_str v;
    r = xb_time_attr(q, "datapoints.at", in->points[i].at, &at);
    if (r == 0) r = xb_value_text(q, "datapoints.value", in->points[i].value, &v);
    if (r == 0) r = xb_put_value(q, d, at, v);
    if (r != 0) return r;
    *history = true;
  }
  if (in->current_value.type != XB_V_ABSENT) {
    int64_t at = q->now; /* XB-RES-8 */
    xb_str v;
    r = xb_value_text(q, "current_value", in->current_value, &v);
    if (r == 0 && in->at.type != XB_V_ABSENT) r = xb_time_attr(q, "at", in->at, &at); /* XB-RES-54 */
    if (r == 0) r = xb_put_value(q, d, at, v);
    if (r != 0) return r;
    *history = true;
  }
  return 0;
}

static bool xb_str_same(xb_str a, xb_str b) {
  if ((a.p == NULL) != (b.p == NULL)) return false;
  return a.p == NULL || (a.n == b.n && memcmp(a.p, b.p, a.n) == 0);
}

bool xb_ds_state_differs(const xb_ds_row *a, const xb_ds_row *b) {
  if (a->written != b->written || (a->written && a->at != b->at)) return true;
  return !xb_str_same(a->current_value, b->current_value) ||
         !xb_str_same(a->min_value, b->min_value) || !xb_str_same(a->max_value, b->max_value) ||
         !xb_str_same(a->unit_label, b->unit_label) ||
         !xb_str_same(a->unit_symbol, b->unit_symbol) ||
         !xb_str_same(a->unit_type, b->unit_type) || !xb_str_same(a->tags, b->tags);
}

bool xb_feed_fields_differ(const xb_feed_row *a, const xb_feed_row *b) {
  return !xb_str_same(a->title, b->title) || a->is_private != b->is_private ||
         !xb_str_same(a->description, b->description) || !xb_str_same(a->website, b->website) ||
         !xb_str_same(a->icon, b->icon) || !xb_str_same(a->email, b->email) ||
         !xb_str_same(a->tags, b->tags) || !xb_str_same(a->loc_disposition, b->loc_disposition) ||
         !xb_str_same(a->loc_domain, b->loc_domain) ||
         !xb_str_same(a->loc_exposure, b->loc_exposure) ||
         !xb_str_same(a->loc_name, b->loc_name) || !xb_str_same(a->loc_lat, b->loc_lat) ||
         !xb_str_same(a->loc_lon, b->loc_lon) || !xb_str_same(a->loc_ele, b->loc_ele);
}

bool xb_str_equal(xb_str a, xb_str b) { return xb_str_same(a, b); }
