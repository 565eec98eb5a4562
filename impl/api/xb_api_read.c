/*
 * xb_api_read.c — reads: every readable target, history selection (spec/topics.md
 * XB-TOPIC-18..XB-TOPIC-32, spec/resources.md XB-RES-36, XB-RES-59, XB-RES-67, XB-RES-68),
 * the feed list and the key, trigger and user lists (spec/authz.md XB-AUTHZ-22,
 * XB-AUTHZ-23). Authorization of the target itself happened before (xb_api_authz.c).
 */
#include <string.h>

#include "api/xb_api_int.h"
#include "api/xb_valid.h"

#define XB_US INT64_C(1000000)

/* ------------------------------------------------------------------ history window */

/* XB-TOPIC-21 allowed intervals and XB-TOPIC-22 maximum windows (seconds). */
static const int64_t xb_intervals[] = {0, 30, 60, 300, 900, 1800, 3600, 10800, 21600, 43200,
                                       86400};
static const int64_t xb_windows[] = {6 * 3600,   12 * 3600,   24 * 3600,   5 * 86400,
                                     14 * 86400, 31 * 86400,  31 * 86400,  90 * 86400,
                                     180 * 86400, 365 * 86400, 365 * 86400};

int xb_hist_prepare(xb_rq *q) {
  const xb_topic_param_slot *p = q->t->params.slot;
  xb_hist *h = &q->hist;
  memset(h, 0, sizeof *h);
  bool hs = p[XB_TOPIC_P_START].present, he = p[XB_TOPIC_P_END].present,
       hd = p[XB_TOPIC_P_DURATION].present;
  bool others = p[XB_TOPIC_P_INTERVAL].present || p[XB_TOPIC_P_INTERVAL_TYPE].present ||
                p[XB_TOPIC_P_FIND_PREVIOUS].present || p[XB_TOPIC_P_LIMIT].present;
  if (!hs && !he && !hd) {
    if (others) /* XB-TOPIC-18 */
      return xb_rq_fail(q, 400, "bad-query", "interval, interval_type, find_previous and "
                                             "limit need start, end or duration");
    return 0;
  }
  if (hs && he && hd) /* XB-TOPIC-20 */
    return xb_rq_fail(q, 400, "bad-query", "start, end and duration together");
  /* The topic parser decoded and range-checked the values (XB-TOPIC-9, 19, 21). */
  int64_t s = hs ? q->t->params.start_us : 0, e = he ? q->t->params.end_us : 0, d = 0;
  if (hs && he && s > e) return xb_rq_fail(q, 400, "bad-query", "start is later than end");
  if (hd) {
    /* count <= 999999 years fits, but clamp to 1000 years so arithmetic stays far from
     * overflow; every window is shortened to at most a year anyway (XB-TOPIC-22). */
    uint64_t secs = q->t->params.duration_s;
    if (secs > UINT64_C(31536000000)) secs = UINT64_C(31536000000);
    d = (int64_t)secs * XB_US;
  }
  int64_t iv = 0;
  size_t wi = 0;
  if (p[XB_TOPIC_P_INTERVAL].present) {
    int64_t raw = (int64_t)q->t->params.interval_s;
    if (raw > 86400) return xb_rq_fail(q, 400, "bad-query", "interval above 86400");
    while (xb_intervals[wi] < raw) wi++; /* XB-TOPIC-21: rounded up */
    iv = xb_intervals[wi];
  }
  if (p[XB_TOPIC_P_INTERVAL_TYPE].present && iv == 0) /* XB-TOPIC-25 */
    return xb_rq_fail(q, 400, "bad-query", "interval_type=discrete needs an interval");
  int64_t w = xb_windows[wi] * XB_US;
  /* XB-TOPIC-20 */
  if (hs && he) {
  } else if (hs && hd) {
    e = s + d;
  } else if (he && hd) {
    s = e - d;
  } else if (hd) {
    e = q->now;
    s = e - d;
  } else if (hs) {
    e = q->now;
  } else {
    s = e - w;
  }
  /* XB-TOPIC-22: too long a window keeps its start when start was given. */
  if (e - s > w) {
    if (hs) e = s + w;
    else s = e - w;
  }
  h->on = true;
  h->s = s;
  h->e = e;
  h->interval = iv;
  h->discrete = p[XB_TOPIC_P_INTERVAL_TYPE].present;
  h->find_previous = p[XB_TOPIC_P_FIND_PREVIOUS].present && p[XB_TOPIC_P_FIND_PREVIOUS].num;
  h->limit = p[XB_TOPIC_P_LIMIT].present ? p[XB_TOPIC_P_LIMIT].num : 100; /* XB-TOPIC-26 */
  return 0;
}

static bool xb_push_point(xb_arena *a, xb_point_row **pts, size_t *n, size_t *cap,
                          const xb_point_row *p) {
  if (*n == *cap) {
    size_t nc = *cap == 0 ? 16 : *cap * 2;
    xb_point_row *np = xb_arena_alloc(a, nc * sizeof *np);
    if (np == NULL) return false;
    if (*n > 0) memcpy(np, *pts, *n * sizeof *np);
    *pts = np;
    *cap = nc;
  }
  (*pts)[(*n)++] = *p;
  return true;
}

static int64_t xb_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The datapoints of one datastream selected by h (XB-RES-67, XB-TOPIC-23..27). */
static xb_store_status xb_hist_select(xb_rq *q, const xb_hist *h, uint32_t feed, xb_str ds,
                                      xb_point_row **pts, size_t *n) {
  xb_store *st = q->api->st;
  xb_arena *a = &q->api->arena;
  size_t cap = 0;
  *pts = NULL;
  *n = 0;
  xb_point_row p;
  xb_store_status r;
  if (h->find_previous) { /* XB-TOPIC-27: not counted in limit */
    r = xb_store_point_last_before(st, feed, ds, h->s, true, a, &p);
    if (r == XB_STORE_OK && !xb_push_point(a, pts, n, &cap, &p)) return XB_STORE_NOMEM;
    if (r != XB_STORE_OK && r != XB_STORE_NOT_FOUND) return r;
  }
  size_t base = *n;
  if (h->interval == 0) { /* XB-TOPIC-23 */
    return xb_store_points_range(st, feed, ds, h->s, h->e, h->limit, a, pts, n);
  }
  int64_t iu = h->interval * XB_US;
  if (!h->discrete) { /* XB-TOPIC-24: the earliest datapoint of each slot */
    int64_t from = h->s;
    while (*n - base < h->limit && from <= h->e) {
      r = xb_store_point_first_from(st, feed, ds, from, h->e, a, &p);
      if (r == XB_STORE_NOT_FOUND) break;
      if (r != XB_STORE_OK) return r;
      if (!xb_push_point(a, pts, n, &cap, &p)) return XB_STORE_NOMEM;
      from = (xb_floor_div(p.at, iu) + 1) * iu;
    }
    return XB_STORE_OK;
  }
  /* XB-TOPIC-25: at each boundary k*i in [s, e], the latest value at or before it. */
  int64_t k = xb_floor_div(h->s, iu);
  if (k * iu < h->s) k++;
  for (int64_t t = k * iu; t <= h->e && *n - base < h->limit; t += iu) {
    r = xb_store_point_last_before(st, feed, ds, t, false, a, &p);
    if (r == XB_STORE_NOT_FOUND) continue;
    if (r != XB_STORE_OK) return r;
    p.at = t;
    if (!xb_push_point(a, pts, n, &cap, &p)) return XB_STORE_NOMEM;
  }
  return XB_STORE_OK;
}

/* ------------------------------------------------------------------ views */

static bool xb_id_listed(xb_str list, xb_str id) {
  size_t pos = 0;
  xb_str item;
  while (xb_tags_next(list, &pos, &item))
    if (item.n == id.n && memcmp(item.p, id.p, id.n) == 0) return true;
  return false;
}

/* Load the feed view: datastreams (filtered by datastreams=), waypoints, history. */
static xb_store_status xb_feed_view_load(xb_rq *q, const xb_feed_row *f, const xb_hist *h,
                                         bool use_filter, xb_feed_view *v) {
  xb_store *st = q->api->st;
  xb_arena *a = &q->api->arena;
  memset(v, 0, sizeof *v);
  v->feed = f;
  v->live = q->now - f->updated <= 900 * XB_US; /* XB-RES-36 */
  const xb_topic_param_slot *su = &q->t->params.slot[XB_TOPIC_P_SHOW_USER];
  v->show_user = su->present && su->num != 0; /* XB-TOPIC-29 */
  v->history = h != NULL && h->on;
  xb_waypoint_row *wps = NULL;
  xb_store_status r = xb_store_waypoints(st, f->id, a, &wps, &v->nwps);
  if (r != XB_STORE_OK) return r;
  v->wps = wps;
  xb_ds_row *rows = NULL;
  size_t n = 0;
  r = xb_store_ds_list(st, f->id, a, &rows, &n);
  if (r != XB_STORE_OK) return r;
  xb_ds_view *dv = xb_arena_alloc(a, (n == 0 ? 1 : n) * sizeof *dv);
  if (dv == NULL) return XB_STORE_NOMEM;
  const xb_topic_param_slot *fl = &q->t->params.slot[XB_TOPIC_P_DATASTREAMS];
  xb_str list = xb_rq_span(q, fl->value);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (use_filter && fl->present && !xb_id_listed(list, rows[i].id)) continue; /* XB-TOPIC-28 */
    memset(&dv[k], 0, sizeof dv[k]);
    dv[k].ds = &rows[i];
    if (h != NULL && h->on) {
      xb_point_row *pts = NULL;
      r = xb_hist_select(q, h, f->id, rows[i].id, &pts, &dv[k].npoints);
      if (r != XB_STORE_OK) return r;
      dv[k].points = pts;
    }
    k++;
  }
  v->ds = dv;
  v->nds = k;
  return XB_STORE_OK;
}

static int xb_fail_load(xb_rq *q, xb_store_status r, const char *what) {
  if (r == XB_STORE_NOT_FOUND) return xb_rq_fail(q, 404, "not-found", "%s not found", what);
  return xb_rq_store_fail(q, r);
}

/* ------------------------------------------------------------------ feed list */

static bool xb_ci_contains(xb_str hay, xb_str needle) {
  if (needle.n == 0) return true;
  if (hay.p == NULL || hay.n < needle.n) return false;
  for (size_t i = 0; i + needle.n <= hay.n; i++) {
    size_t j = 0;
    for (; j < needle.n; j++) {
      char a = hay.p[i + j], b = needle.p[j];
      if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
      if (a != b) break;
    }
    if (j == needle.n) return true;
  }
  return false;
}

/* XB-TOPIC-31 filters (visibility is checked by the caller). */
static bool xb_feed_passes(xb_rq *q, const xb_feed_row *f) {
  const xb_topic_param_slot *p = q->t->params.slot;
  if (p[XB_TOPIC_P_USER].present &&
      !(f->owner_login.n == p[XB_TOPIC_P_USER].value.len &&
        memcmp(f->owner_login.p, q->tb + p[XB_TOPIC_P_USER].value.off, f->owner_login.n) == 0))
    return false;
  if (p[XB_TOPIC_P_TAG].present &&
      !xb_id_listed(f->tags, xb_rq_span(q, p[XB_TOPIC_P_TAG].value)))
    return false;
  if (p[XB_TOPIC_P_Q].present) {
    xb_str s = xb_rq_span(q, p[XB_TOPIC_P_Q].value);
    bool hit = xb_ci_contains(f->title, s) || xb_ci_contains(f->description, s);
    size_t pos = 0;
    xb_str tag;
    while (!hit && xb_tags_next(f->tags, &pos, &tag)) hit = xb_ci_contains(tag, s);
    if (!hit) return false;
  }
  if (p[XB_TOPIC_P_STATUS].present && p[XB_TOPIC_P_STATUS].num != XB_TOPIC_STATUS_ALL) {
    bool live = q->now - f->updated <= 900 * XB_US;
    if (live != (p[XB_TOPIC_P_STATUS].num == XB_TOPIC_STATUS_LIVE)) return false;
  }
  return true;
}

/* XB-AUTHZ-22, XB-TOPIC-31, XB-TOPIC-32, XB-JSON-14 */
static int xb_read_feed_list(xb_rq *q, xb_buf *out) {
  xb_store *st = q->api->st;
  xb_arena *a = &q->api->arena;
  const xb_topic_param_slot *p = q->t->params.slot;
  uint64_t per_page = p[XB_TOPIC_P_PER_PAGE].present ? p[XB_TOPIC_P_PER_PAGE].num : 50;
  uint64_t page = p[XB_TOPIC_P_PAGE].present ? p[XB_TOPIC_P_PAGE].num : 1;
  if (per_page == 0 || per_page > 1000 || page == 0)
    return xb_rq_fail(q, 400, "bad-query", "page or per_page out of range");
  uint64_t first = (page - 1) * per_page;
  uint32_t *ids = NULL;
  size_t nids = 0;
  xb_store_status r = xb_store_feed_ids(st, 0, a, &ids, &nids);
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  /* Filter pass in a scratch arena, so feeds off the page cost no memory. */
  xb_arena tmp;
  xb_arena_init(&tmp, 16 * 1024, 0);
  uint32_t *page_ids = xb_arena_alloc(a, (size_t)(per_page < nids ? per_page : nids) * 4 + 4);
  size_t npage = 0;
  uint64_t total = 0;
  for (size_t i = 0; i < nids && page_ids != NULL; i++) {
    xb_feed_row f;
    xb_arena_reset(&tmp);
    r = xb_store_feed_get(st, ids[i], &tmp, &f);
    if (r != XB_STORE_OK) break;
#ifdef XB_MUT_FEED_LIST_ALL /* seeded fault, make conform-mutants only */
    if (!xb_feed_passes(q, &f)) continue;
#else
    if (!xb_authz_can_read_feed(q, f.id, f.user_id, f.is_private) || !xb_feed_passes(q, &f))
      continue;
#endif
    if (total >= first && total < first + per_page) page_ids[npage++] = f.id;
    total++;
  }
  xb_arena_free(&tmp);
  if (page_ids == NULL) r = XB_STORE_NOMEM;
  if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  xb_feed_view *views = xb_arena_alloc(a, (npage == 0 ? 1 : npage) * sizeof *views);
  xb_feed_row *rows = xb_arena_alloc(a, (npage == 0 ? 1 : npage) * sizeof *rows);
  if (views == NULL || rows == NULL) return xb_rq_store_fail(q, XB_STORE_NOMEM);
  for (size_t i = 0; i < npage; i++) {
    r = xb_store_feed_get(st, page_ids[i], a, &rows[i]);
    if (r == XB_STORE_OK) r = xb_feed_view_load(q, &rows[i], NULL, false, &views[i]);
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  }
  xb_feed_list_view l = {total, first, per_page, views, npage};
  q->render->feed_list(out, &q->api->rctx, &l);
  return 0;
}

/* ------------------------------------------------------------------ accounts */

static int xb_read_users(xb_rq *q, xb_buf *out) {
  xb_store *st = q->api->st;
  xb_user_row *rows = NULL;
  size_t n = 0;
  bool admin = q->admin;
  if (!q->system && q->key != NULL) {
    xb_user_row me;
    xb_store_status r = xb_store_user_by_id(st, q->user_id, &q->api->arena, &me);
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
    admin = me.admin;
  }
  /* XB-AUTHZ-15, XB-AUTHZ-23: users are readable one by one with master rights only. */
  bool master = q->system || (q->key != NULL && xb_authz_master(q->key, &q->ip) == XB_AUTHZ_ALLOW);
  if (master) {
    xb_store_status r = xb_store_user_list(st, admin ? 0 : q->user_id, &q->api->arena, &rows, &n);
    if (r != XB_STORE_OK) return xb_rq_store_fail(q, r);
  }
  q->render->users(out, &q->api->rctx, rows, n);
  return 0;
}

/* ------------------------------------------------------------------ dispatch */

int xb_read_target(xb_rq *q, xb_buf *out) {
  xb_store *st = q->api->st;
  xb_arena *a = &q->api->arena;
  const xb_topic *t = q->t;
  const xb_renderer *ren = q->render;
  const xb_render_ctx *c = &q->api->rctx;
  xb_buf scratch;
  if (out == NULL) { /* a caller that wants no body still gets the checks */
    xb_buf_init(&scratch, 0);
    out = &scratch;
  }
  int rc = 0;
  xb_store_status r = XB_STORE_OK;
  switch (t->resource) {
    case XB_TOPIC_FEEDS: rc = xb_read_feed_list(q, out); break;
    case XB_TOPIC_FEED:
    case XB_TOPIC_DATASTREAM:
    case XB_TOPIC_DATAPOINTS:
    case XB_TOPIC_DATAPOINT: {
      xb_feed_row f;
      r = xb_store_feed_get(st, t->feed_id, a, &f);
      if (r != XB_STORE_OK) {
        rc = xb_fail_load(q, r, "feed");
        break;
      }
      if (t->resource == XB_TOPIC_FEED) {
        xb_feed_view v;
        r = xb_feed_view_load(q, &f, &q->hist, true, &v);
        if (r == XB_STORE_OK) ren->feed(out, c, &v);
        break;
      }
      xb_feed_view fv;
      memset(&fv, 0, sizeof fv);
      fv.feed = &f;
      fv.live = q->now - f.updated <= 900 * XB_US;
      fv.history = t->resource == XB_TOPIC_DATASTREAM && q->hist.on;
      xb_ds_row d;
      r = xb_store_ds_get(st, t->feed_id, q->ds.p, q->ds.n, a, &d);
      if (r != XB_STORE_OK) {
        rc = xb_fail_load(q, r, "datastream");
        break;
      }
      if (t->resource == XB_TOPIC_DATASTREAM) {
        xb_ds_view dv = {&d, NULL, 0};
        if (q->hist.on) {
          xb_point_row *pts = NULL;
          r = xb_hist_select(q, &q->hist, f.id, d.id, &pts, &dv.npoints);
          dv.points = pts;
        }
        if (r == XB_STORE_OK) ren->datastream(out, c, &fv, &dv);
      } else if (t->resource == XB_TOPIC_DATAPOINTS) {
        /* XB-RES-68: as ?duration=6hours: [now - 6 h, now], interval 0, earliest 100. */
        xb_hist h = {true, q->now - 6 * 3600 * XB_US, q->now, 0, false, false, 100};
        xb_point_row *pts = NULL;
        size_t n = 0;
        r = xb_hist_select(q, &h, f.id, d.id, &pts, &n);
        if (r == XB_STORE_OK) ren->datapoints(out, c, &fv, &d, pts, n);
      } else {
        xb_point_row p;
        r = xb_store_point_get(st, f.id, d.id, t->ts_us, a, &p);
        if (r == XB_STORE_OK) ren->datapoint(out, c, &fv, &d, &p);
        else if (r == XB_STORE_NOT_FOUND) rc = xb_fail_load(q, r, "datapoint");
      }
      break;
    }
    case XB_TOPIC_KEYS: {
      xb_key_row *rows = NULL;
      size_t n = 0;
      const xb_topic_param_slot *fi = &t->params.slot[XB_TOPIC_P_FEED_ID];
      r = xb_store_key_list(st, q->user_id, fi->present ? fi->num : 0, a, &rows, &n);
      if (r == XB_STORE_OK) ren->keys(out, c, rows, n); /* XB-RES-80 */
      break;
    }
    case XB_TOPIC_KEY: {
      xb_key_row k;
      xb_str id = xb_rq_span(q, t->key_id);
      r = xb_store_key_get(st, id.p, id.n, a, &k);
      if (r == XB_STORE_OK) ren->key(out, c, &k);
      else if (r == XB_STORE_NOT_FOUND) rc = xb_fail_load(q, r, "key");
      break;
    }
    case XB_TOPIC_TRIGGERS: {
      xb_trigger_row *rows = NULL;
      size_t n = 0;
      const xb_topic_param_slot *fi = &t->params.slot[XB_TOPIC_P_FEED_ID];
      r = xb_store_trigger_list(st, q->user_id, fi->present ? fi->num : 0, a, &rows, &n);
      if (r == XB_STORE_OK) ren->triggers(out, c, rows, n); /* XB-RES-84 */
      break;
    }
    case XB_TOPIC_TRIGGER: {
      xb_trigger_row tr;
      r = xb_store_trigger_get(st, t->trigger_id, a, &tr);
      if (r == XB_STORE_OK) ren->trigger(out, c, &tr);
      else if (r == XB_STORE_NOT_FOUND) rc = xb_fail_load(q, r, "trigger");
      break;
    }
    case XB_TOPIC_USERS: rc = xb_read_users(q, out); break;
    case XB_TOPIC_USER: {
      xb_user_row u;
      xb_str login = xb_rq_span(q, t->login);
      r = xb_store_user_by_login(st, login.p, login.n, a, &u);
      if (r == XB_STORE_OK) ren->user(out, c, &u);
      else if (r == XB_STORE_NOT_FOUND) rc = xb_fail_load(q, r, "user");
      break;
    }
    default: rc = xb_rq_fail(q, 404, "method-not-allowed", "not readable");
  }
  if (rc == 0 && r != XB_STORE_OK && r != XB_STORE_NOT_FOUND) rc = xb_rq_store_fail(q, r);
  if (out == &scratch) xb_buf_free(&scratch);
  if (rc == 0) q->resp->status = 200;
  return rc;
}
