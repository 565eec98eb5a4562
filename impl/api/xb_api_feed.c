/*
 * xb_api_feed.c — writes of the feed family (spec/resources.md §5..§8): feed create and
 * update, datastreams create, datastream update, datapoints create, datapoint update.
 * Each runs inside the request's savepoint (XB-STORE-8): a failure anywhere leaves the
 * store as it was, and the response reports the changes for subscribers (XB-SUB-8..11).
 */
#include <stdio.h>
#include <string.h>

#include "api/xb_api_int.h"
#include "api/xb_valid.h"

/* The datastreams one request touches (at most XB_API_MAX_DS by XB-RES-49). */
typedef struct {
  xb_ds_row before, after;
  bool existed;
  bool history;
} xb_dsw;

typedef struct {
  xb_dsw *ds; /* grown in the request arena: most requests touch one datastream */
  size_t n, cap;
  int64_t count; /* datastreams of the feed before the request */
  bool counted;
} xb_dsset;

static int xb_parse_fail(xb_rq *q, const xb_parse_err *e) {
  if (e->status == 400) { /* XB-JSON-28 */
    q->err_title = e->title;
    return xb_rq_fail(q, 400, "bad-payload", "%s", e->detail);
  }
  return xb_rq_fail(q, 422, e->reason != NULL ? e->reason : "invalid", "%s", e->detail);
}

/* The set entry of datastream id, loading or creating it (XB-RES-47, XB-RES-49). */
static int xb_dsset_get(xb_rq *q, xb_dsset *set, uint32_t feed, xb_str id, xb_dsw **out) {
  for (size_t i = 0; i < set->n; i++) {
    if (xb_str_equal(set->ds[i].after.id, id)) {
      *out = &set->ds[i];
      return 0;
    }
  }
  xb_store *st = q->api->st;
  xb_dsw w;
  memset(&w, 0, sizeof w);
  xb_store_status r = xb_store_ds_get(st, feed, id.p, id.n, &q->api->arena, &w.before);
  if (r != XB_STORE_OK && r != XB_STORE_NOT_FOUND) return xb_rq_store_fail(q, r);
  w.existed = r == XB_STORE_OK;
  if (!w.existed) {
    if (!set->counted) {
      r = xb_store_ds_count(st, feed, &set->count);
      if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
      set->counted = true;
    }
    size_t created = 0;
    for (size_t i = 0; i < set->n; i++) created += set->ds[i].existed ? 0u : 1u;
    if (set->count + (int64_t)created + 1 > XB_API_MAX_DS) /* XB-RES-49 */
      return xb_rq_fail(q, 422, "invalid", "a feed holds at most %d datastreams", XB_API_MAX_DS);
    w.before.feed_id = feed;
    w.before.id = id;
    /* Inserted now, never written, so that its datapoints (foreign key) can follow;
     * the savepoint removes it again if the request fails. */
    r = xb_store_ds_insert(st, &w.before);
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  }
  if (set->n >= XB_API_MAX_DS)
    return xb_rq_fail(q, 422, "invalid", "a feed holds at most %d datastreams", XB_API_MAX_DS);
  if (set->n == set->cap) {
    size_t nc = set->cap == 0 ? 4 : set->cap * 2;
    xb_dsw *nd = xb_arena_alloc(&q->api->arena, nc * sizeof *nd);
    if (nd == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
    if (set->n > 0) memcpy(nd, set->ds, set->n * sizeof *nd);
    set->ds = nd;
    set->cap = nc;
  }
  w.after = w.before;
  set->ds[set->n] = w;
  *out = &set->ds[set->n++];
  return 0;
}

/* Write the touched datastreams back and report them (XB-SUB-8..XB-SUB-11). */
static int xb_dsset_flush(xb_rq *q, xb_dsset *set) {
  xb_api_changes *ch = &q->resp->changes;
  for (size_t i = 0; i < set->n; i++) {
    xb_dsw *w = &set->ds[i];
    unsigned char flags = 0;
    xb_store_status r = XB_STORE_OK;
    if (xb_ds_state_differs(&w->before, &w->after)) {
      r = xb_store_ds_update(q->api->st, &w->after);
      flags = XB_CH_CURRENT;
    }
    if (!w->existed) flags |= XB_CH_CREATED | XB_CH_CURRENT;
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
    if (w->history) flags |= XB_CH_HISTORY;
    if (flags == 0 || ch->nds >= XB_API_MAX_DS) continue;
    xb_api_ds_change *c = &ch->ds[ch->nds++];
    memcpy(c->id, w->after.id.p, w->after.id.n);
    c->id[w->after.id.n] = '\0';
    c->len = (unsigned char)w->after.id.n;
    c->flags = flags;
  }
  return 0;
}

/* XB-RES-63 / XB-LIM-8: count every value of the request before applying any. */
static int xb_check_value_count(xb_rq *q, size_t n) {
  if (n > q->api->cfg.max_datapoints)
    return xb_rq_fail(q, 422, "too-many-datapoints", "%zu values exceed the limit of %zu", n,
                      q->api->cfg.max_datapoints);
  return 0;
}

/* Apply the datastream elements of a feed-shaped payload (XB-JSON-33), in order. */
static int xb_apply_ds_list(xb_rq *q, uint32_t feed, const xb_feed_in *in, xb_dsset *set) {
  size_t values = 0;
  for (size_t i = 0; i < in->nds; i++) values += xb_ds_value_count(&in->ds[i]);
  int r = xb_check_value_count(q, values);
  for (size_t i = 0; r == 0 && i < in->nds; i++) {
    xb_str id;
    xb_dsw *w = NULL;
    r = xb_dsid_attr(q, "datastreams.id", in->ds[i].id, &id); /* XB-RES-50 */
    if (r == 0) r = xb_dsset_get(q, set, feed, id, &w);
    if (r == 0) r = xb_ds_apply(q, &w->after, &in->ds[i], &w->history);
  }
  return r;
}

/* ------------------------------------------------------------------ feed attributes */

static const char *const xb_enum_disp[] = {"fixed", "mobile", NULL};
static const char *const xb_enum_domain[] = {"physical", "virtual", NULL};
static const char *const xb_enum_exposure[] = {"indoor", "outdoor", NULL};

static int xb_enum_attr(xb_rq *q, const char *name, xb_val v, const char *const *words,
                        xb_str cur, xb_str *out) {
  int r = xb_opt_text(q, name, v, 16, false, cur, out);
  if (r != 0 || v.type != XB_V_STR || out->p == NULL) return r;
  for (size_t i = 0; words[i] != NULL; i++)
    if (xb_str_eq(*out, words[i])) return 0;
  return xb_rq_fail(q, 422, "invalid", "%s: not an allowed word", name); /* XB-RES-43 */
}

/* XB-RES-44: lat, lon, ele: JSON number or string holding a JSON-number text. */
static int xb_coord_attr(xb_rq *q, const char *name, xb_val v, double lim, xb_str cur,
                         xb_str *out) {
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
  if (s.n > 32 || !xb_json_number_text(s) || !xb_numeric(s, &d)) /* XB-RES-10 */
    return xb_rq_fail(q, 422, "invalid", "%s: not a JSON number of at most 32 bytes", name);
  if (lim > 0 && (d < -lim || d > lim))
    return xb_rq_fail(q, 422, "invalid", "%s: out of range", name);
  *out = s;
  return 0;
}

/* Merge the feed attributes of in into f (XB-RES-16, XB-RES-39..XB-RES-46). */
static int xb_feed_merge(xb_rq *q, xb_feed_row *f, const xb_feed_in *in) {
  int r = 0;
  if (in->title.type != XB_V_ABSENT) { /* XB-RES-39: required, never unset */
    r = xb_opt_text(q, "title", in->title, 255, false, f->title, &f->title);
    if (r == 0 && (in->title.type == XB_V_NULL || f->title.p == NULL))
      r = xb_rq_fail(q, 422, "invalid", "title: required (1..255 bytes)");
  }
  if (r == 0 && in->is_private.type != XB_V_ABSENT)
    r = xb_bool_attr(q, "private", in->is_private, &f->is_private);
  if (r == 0)
    r = xb_opt_text(q, "description", in->description, 2048, true, f->description,
                    &f->description);
  if (r == 0) r = xb_opt_url(q, "website", in->website, 255, f->website, &f->website);
  if (r == 0) r = xb_opt_url(q, "icon", in->icon, 255, f->icon, &f->icon);
  if (r == 0) r = xb_opt_email(q, "email", in->email, f->email, &f->email);
  if (r == 0 && in->tags.present) {
    const char *why = xb_tags_normalize(&in->tags, &q->api->arena, &f->tags);
    if (why != NULL) r = xb_rq_fail(q, 422, "invalid", "tags: %s", why); /* XB-RES-40 */
  }
  if (r != 0) return r;
  if (in->location == 1) { /* null: every location attribute, waypoints kept */
    f->loc_disposition = f->loc_domain = f->loc_exposure = f->loc_name = XB_STR_NONE;
    f->loc_lat = f->loc_lon = f->loc_ele = XB_STR_NONE;
  } else if (in->location == 2) {
    r = xb_enum_attr(q, "location.disposition", in->disposition, xb_enum_disp,
                     f->loc_disposition, &f->loc_disposition);
    if (r == 0)
      r = xb_enum_attr(q, "location.domain", in->domain, xb_enum_domain, f->loc_domain,
                       &f->loc_domain);
    if (r == 0)
      r = xb_enum_attr(q, "location.exposure", in->exposure, xb_enum_exposure, f->loc_exposure,
                       &f->loc_exposure);
    if (r == 0) r = xb_opt_text(q, "location.name", in->name, 255, false, f->loc_name, &f->loc_name);
    if (r == 0) r = xb_coord_attr(q, "location.lat", in->lat, 90.0, f->loc_lat, &f->loc_lat);
    if (r == 0) r = xb_coord_attr(q, "location.lon", in->lon, 180.0, f->loc_lon, &f->loc_lon);
    if (r == 0) r = xb_coord_attr(q, "location.ele", in->ele, 0.0, f->loc_ele, &f->loc_ele);
  }
  return r;
}

/* XB-RES-45: a mobile feed moving keeps its previous position as a waypoint. */
static int xb_feed_waypoint(xb_rq *q, const xb_feed_row *before, xb_feed_row *after) {
  bool moved = !xb_str_equal(before->loc_lat, after->loc_lat) ||
               !xb_str_equal(before->loc_lon, after->loc_lon) ||
               !xb_str_equal(before->loc_ele, after->loc_ele);
  if (!moved) return 0;
  if (xb_str_eq(after->loc_disposition, "mobile") && before->loc_lat.p != NULL &&
      before->loc_lon.p != NULL) {
    xb_waypoint_row w = {before->loc_at, before->loc_lat, before->loc_lon, before->loc_ele};
    xb_store_status r = xb_store_waypoint_add(q->api->st, after->id, &w, 32);
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  }
  after->loc_at = q->now;
  return 0;
}

static void xb_report_feed(xb_rq *q, uint32_t id, unsigned char flags) {
  q->resp->changes.feed_id = id;
  q->resp->changes.feed_flags |= flags;
}

/* ------------------------------------------------------------------ handlers */

/* POST /v2/feeds (XB-RES-32, XB-RES-33, XB-RES-41, XB-AUTHZ-21) */
int xb_write_feed_create(xb_rq *q) {
  xb_feed_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  xb_store *st = q->api->st;
  if (q->input->feed(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail(q, &e);
  if (in.title.type == XB_V_ABSENT)
    return xb_rq_fail(q, 422, "invalid", "title: required when creating a feed");
  int64_t owned = 0;
  xb_store_status r = xb_store_feed_count_by_user(st, q->user_id, &owned);
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  if (owned >= 1000) return xb_rq_fail(q, 422, "invalid", "a user owns at most 1000 feeds");
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.user_id = q->user_id;
  f.created = f.updated = q->now; /* XB-RES-34, XB-RES-35 */
  int rc = xb_feed_merge(q, &f, &in);
  if (rc != 0) return rc;
  if (f.loc_lat.p != NULL || f.loc_lon.p != NULL || f.loc_ele.p != NULL) f.loc_at = q->now;
  if (q->system && q->req->admin_feed_id != 0) {
    int64_t o;
    bool p;
    if (xb_store_feed_auth(st, q->req->admin_feed_id, &o, &p) == XB_STORE_OK)
      return xb_rq_fail(q, 422, "conflict", "feed %u exists", q->req->admin_feed_id);
    f.id = q->req->admin_feed_id;
  }
  uint32_t id = 0;
  r = xb_store_feed_insert(st, &f, &id);
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  xb_dsset *set = xb_arena_alloc(&q->api->arena, sizeof *set);
  if (set == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  memset(set, 0, sizeof *set);
  set->counted = true; /* a new feed has no datastream */
  rc = xb_apply_ds_list(q, id, &in, set);
  if (rc == 0) rc = xb_dsset_flush(q, set);
  if (rc != 0) return rc;
  xb_report_feed(q, id, XB_CH_CREATED | XB_CH_FIELDS);
  snprintf(q->resp->created, sizeof q->resp->created, "%u", id); /* XB-RES-23 */
  q->resp->status = 201;
  return 0;
}

/* Final step of every feed-family write: feed row (XB-RES-35 updated) and changes. */
static int xb_finish(xb_rq *q, const xb_feed_row *before, xb_feed_row *after, xb_dsset *set) {
  int rc = xb_dsset_flush(q, set);
  if (rc != 0) return rc;
  xb_store_status r;
  unsigned char flags = 0;
  if (before != NULL && xb_feed_fields_differ(before, after)) {
    rc = xb_feed_waypoint(q, before, after);
    if (rc != 0) return rc;
    after->updated = q->now;
    r = xb_store_feed_update(q->api->st, after);
    flags = XB_CH_FIELDS;
  } else {
    r = xb_store_feed_touch(q->api->st, q->t->feed_id, q->now);
  }
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  xb_report_feed(q, q->t->feed_id, flags);
  if (q->resp->status == 0) q->resp->status = 200;
  return 0;
}

static xb_dsset *xb_dsset_new(xb_rq *q) {
  xb_dsset *set = xb_arena_alloc(&q->api->arena, sizeof *set);
  if (set != NULL) memset(set, 0, sizeof *set);
  return set;
}

/* PUT /v2/feeds/F (XB-RES-16, XB-JSON-32) */
int xb_write_feed(xb_rq *q) {
  xb_feed_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->feed(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail(q, &e);
  xb_feed_row before, after;
  xb_store_status r = xb_store_feed_get(q->api->st, q->t->feed_id, &q->api->arena, &before);
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  after = before;
  int rc = xb_feed_merge(q, &after, &in);
  xb_dsset *set = xb_dsset_new(q);
  if (set == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  if (rc == 0) rc = xb_apply_ds_list(q, q->t->feed_id, &in, set);
  if (rc == 0) rc = xb_finish(q, &before, &after, set);
  return rc;
}

/* POST /v2/feeds/F/datastreams (XB-RES-48, XB-JSON-36) */
int xb_write_datastreams(xb_rq *q) {
  xb_feed_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->datastreams(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail(q, &e);
  if (in.nds == 0) return xb_rq_fail(q, 422, "invalid", "datastreams: at least one required");
  for (size_t i = 0; i < in.nds; i++) {
    xb_str id;
    xb_ds_row d;
    int rc = xb_dsid_attr(q, "datastreams.id", in.ds[i].id, &id);
    if (rc != 0) return rc;
    xb_store_status r = xb_store_ds_get(q->api->st, q->t->feed_id, id.p, id.n, &q->api->arena, &d);
    if (r == XB_STORE_OK)
      return xb_rq_fail(q, 422, "conflict", "datastream %.*s already exists", (int)id.n, id.p);
    if (r != XB_STORE_NOT_FOUND) return xb_rq_store_fail(q, r);
  }
  xb_dsset *set = xb_dsset_new(q);
  if (set == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  int rc = xb_apply_ds_list(q, q->t->feed_id, &in, set);
  q->resp->status = 201;
  if (rc == 0) rc = xb_finish(q, NULL, NULL, set);
  return rc;
}

/* PUT /v2/feeds/F/datastreams/D (XB-RES-47, XB-RES-50, XB-JSON-35) */
int xb_write_datastream(xb_rq *q) {
  xb_ds_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->datastream(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail(q, &e);
  int rc = xb_check_value_count(q, xb_ds_value_count(&in));
  xb_dsset *set = xb_dsset_new(q);
  if (set == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  xb_dsw *w = NULL;
  if (rc == 0) rc = xb_dsset_get(q, set, q->t->feed_id, q->ds, &w);
  if (rc == 0) rc = xb_ds_apply(q, &w->after, &in, &w->history);
  if (rc == 0) rc = xb_finish(q, NULL, NULL, set);
  return rc;
}

/* POST .../datapoints (XB-RES-64, XB-JSON-37) */
int xb_write_datapoints(xb_rq *q) {
  xb_ds_in in;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->datapoints(q->req->payload, q->req->payload_len, &q->api->arena, &in, &e) != 0)
    return xb_parse_fail(q, &e);
  if (in.npoints == 0) return xb_rq_fail(q, 422, "invalid", "datapoints: at least one required");
  int rc = xb_check_value_count(q, in.npoints);
  xb_dsset *set = xb_dsset_new(q);
  if (set == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  xb_dsw *w = NULL;
  if (rc == 0) rc = xb_dsset_get(q, set, q->t->feed_id, q->ds, &w);
  if (rc == 0) rc = xb_ds_apply(q, &w->after, &in, &w->history);
  if (rc == 0) rc = xb_finish(q, NULL, NULL, set);
  return rc;
}

/* PUT .../datapoints/T (XB-RES-65, XB-JSON-38): the datapoint exists (checked). */
int xb_write_datapoint(xb_rq *q) {
  xb_val v;
  xb_parse_err e;
  xb_parse_err_init(&e, q->api->cfg.max_datapoints);
  if (q->input->datapoint(q->req->payload, q->req->payload_len, &q->api->arena, &v, &e) != 0)
    return xb_parse_fail(q, &e);
  int64_t at = q->t->ts_us;
  xb_ds_in in;
  memset(&in, 0, sizeof in);
  xb_point_in p;
  char attext[XB_TIME_TEXT_LEN + 1];
  xb_time_format(at, attext);
  p.at.type = XB_V_STR;
  p.at.s = (xb_str){attext, XB_TIME_TEXT_LEN};
  p.value = v;
  in.points = &p;
  in.npoints = 1;
  xb_dsset *set = xb_dsset_new(q);
  if (set == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  xb_dsw *w = NULL;
  int rc = xb_dsset_get(q, set, q->t->feed_id, q->ds, &w);
  if (rc != 0) return rc;
  /* The current `at` is the latest `at` ever written (XB-RES-53), so an existing
   * datapoint is never later: it becomes current exactly when its `at` is the current
   * one, which is XB-RES-65. */
  rc = xb_ds_apply(q, &w->after, &in, &w->history);
  if (rc == 0) rc = xb_finish(q, NULL, NULL, set);
  return rc;
}
