/*
 * xb_topic.c — topic classification and the path part of the grammar of
 * spec/topics.md: key prefix, version, resource path, format suffix (XB-TOPIC-1..14).
 * The query is parsed by xb_topic_query.c, the lexical pieces by xb_topic_lex.c.
 */
#include "topic/xb_topic_int.h"


/*@ requires \valid_read(t + (0 .. len - 1));
    requires p <= len;
    assigns \nothing;
    ensures \result <==> xb_seg_end(t, len, p);
*/
static bool seg_end(const uint8_t *t, size_t len, size_t p)
{
  return p == len || t[p] == '.' || t[p] == '?';
}

/* Every field zero, so fields a resource does not use read as absent. */
/*@ requires \valid(out);
    assigns *out;
*/
static void clear(xb_topic *out)
{
  xb_topic_span none = {0, 0};
  out->key = none;
  out->version = 0;
  out->path = none;
  out->resource = XB_TOPIC_FEEDS;
  out->collection = false;
  out->feed_id = 0;
  out->feed = none;
  out->ds = none;
  out->ts = none;
  out->ts_us = 0;
  out->key_id = none;
  out->trigger_id = 0;
  out->trigger = none;
  out->login = none;
  out->format = XB_TOPIC_JSON;
  out->format_explicit = false;
  out->has_query = false;
  out->query = none;
}

/* The resource and whether PUBLISH on it creates (XB-MAP-3). */
/*@ requires \valid(out);
    requires 0 <= r < XB_TOPIC_RESOURCE_COUNT;
    assigns out->resource, out->collection;
    ensures out->resource == r;
    ensures out->collection <==> xb_is_collection(r);
*/
static void set_resource(xb_topic *out, xb_topic_resource r)
{
  out->resource = r;
  out->collection = r == XB_TOPIC_FEEDS || r == XB_TOPIC_DATASTREAMS ||
                    r == XB_TOPIC_DATAPOINTS || r == XB_TOPIC_KEYS ||
                    r == XB_TOPIC_TRIGGERS || r == XB_TOPIC_USERS;
}

/*
 * key-topic / plain-topic up to the version (XB-TOPIC-6, 7): sets key, version and
 * path.off (the 'v' of "v1/" or "v2/").
 */
/*@ requires \valid_read(t + (0 .. len - 1)) && len >= 1;
    requires \valid(out) && \separated(out, t + (0 .. len - 1));
    assigns out->key, out->version, out->path;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_KEY
         || \result == XB_TOPIC_BAD_VERSION;
    ensures \result == XB_TOPIC_OK ==> xb_head_ok(t, len, out) && out->path.len == 0;
*/
static xb_topic_status prefix(const uint8_t *t, size_t len, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_OK;
  size_t v = 0, klen = 0;
  uint8_t ver = 0;
  if (t[0] == '/') {
    v = 1;
  } else {
    size_t e = xb_topic_scan_word(t, len, 0);
    if (e >= XB_TOPIC_KEY_MIN && e <= XB_TOPIC_KEY_MAX && e < len && t[e] == '/') {
      klen = e;
      v = e + 1;
    } else if (!xb_topic_lit(t, len, 0, "v1/", 3) && !xb_topic_lit(t, len, 0, "v2/", 3)) {
      st = XB_TOPIC_BAD_KEY; /* neither "/", a version nor api-key "/" */
    }
  }
  if (st == XB_TOPIC_OK) {
    if (xb_topic_lit(t, len, v, "v1/", 3))
      ver = 1;
    else if (xb_topic_lit(t, len, v, "v2/", 3))
      ver = 2;
    else
      st = XB_TOPIC_BAD_VERSION; /* "/v3/...", "//v2/...", "KEY//v2/..." */
  }
  out->key.off = 0;
  out->key.len = klen;
  out->version = ver;
  out->path.off = v;
  out->path.len = 0;
  return st;
}

/*
 * After "/datastreams/": ds-id [ "/datapoints" [ "/" timestamp ] ] (datapoints: v2
 * only). p is the first byte of the ds-id; the feed is already set. Sets path.len.
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(out) && \separated(out, t + (0 .. len - 1));
    requires p <= len;
    requires out->version == 1 || out->version == 2;
    requires out->path.off < p;
    requires xb_span_in(out->feed, out->path.off, p - 1);
    requires xb_id(t, out->feed.off, out->feed.len, out->feed_id);
    assigns out->resource, out->collection, out->ds, out->ts, out->ts_us, out->path.len;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_ID
         || \result == XB_TOPIC_UNKNOWN_RESOURCE || \result == XB_TOPIC_BAD_TIMESTAMP;
    ensures \result == XB_TOPIC_OK ==>
              p <= out->path.off + out->path.len <= len
              && xb_seg_end(t, len, out->path.off + out->path.len);
    ensures \result == XB_TOPIC_OK ==> xb_res_shape(out);
    ensures \result == XB_TOPIC_OK ==> xb_res_feed(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ds(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ts(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_named(t, out);
*/
static xb_topic_status path_ds(const uint8_t *t, size_t len, size_t p, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_OK;
  size_t e = xb_topic_scan_word(t, len, p);
  if (e == p || e - p > XB_TOPIC_DSID_MAX) {
    st = XB_TOPIC_BAD_ID; /* empty ("datastreams/"), too long, or a byte outside id-char */
  } else if (seg_end(t, len, e)) {
    out->ds.off = p;
    out->ds.len = e - p;
    out->path.len = e - out->path.off;
    set_resource(out, XB_TOPIC_DATASTREAM);
  } else if (t[e] != '/') {
    st = XB_TOPIC_BAD_ID;
  } else if (out->version == 1 || !xb_topic_lit(t, len, e + 1, "datapoints", 10)) {
    st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else if (seg_end(t, len, e + 11)) {
    out->ds.off = p;
    out->ds.len = e - p;
    out->path.len = e + 11 - out->path.off;
    set_resource(out, XB_TOPIC_DATAPOINTS);
  } else if (t[e + 11] != '/') {
    st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else {
    size_t te = e + 12;
    int64_t us = 0;
    if (xb_topic_timestamp(t, len, e + 12, &te, &us) && seg_end(t, len, te)) {
      out->ds.off = p;
      out->ds.len = e - p;
      out->ts.off = e + 12;
      out->ts.len = te - (e + 12);
      out->ts_us = us;
      out->path.len = te - out->path.off;
      set_resource(out, XB_TOPIC_DATAPOINT);
    } else {
      st = XB_TOPIC_BAD_TIMESTAMP;
    }
  }
  return st;
}

/*
 * After "feeds": [ "/" feed-id [ "/datastreams" [ "/" ds-id ... ] ] ] for v2,
 * "/" feed-id [ "/datastreams/" ds-id ] for v1 (XB-TOPIC-8, 11). Sets path.len.
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(out) && \separated(out, t + (0 .. len - 1));
    requires out->path.off < p <= len;
    requires out->version == 1 || out->version == 2;
    assigns out->resource, out->collection, out->feed, out->feed_id, out->ds, out->ts,
            out->ts_us, out->path.len;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_ID
         || \result == XB_TOPIC_UNKNOWN_RESOURCE || \result == XB_TOPIC_BAD_TIMESTAMP;
    ensures \result == XB_TOPIC_OK ==>
              p <= out->path.off + out->path.len <= len
              && xb_seg_end(t, len, out->path.off + out->path.len);
    ensures \result == XB_TOPIC_OK ==> xb_res_shape(out);
    ensures \result == XB_TOPIC_OK ==> xb_res_feed(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ds(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ts(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_named(t, out);
*/
static xb_topic_status path_feeds(const uint8_t *t, size_t len, size_t p, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_OK;
  size_t e = p;
  uint32_t id = 0;
  if (seg_end(t, len, p)) {
    if (out->version == 2) {
      out->path.len = p - out->path.off;
      set_resource(out, XB_TOPIC_FEEDS);
    } else {
      st = XB_TOPIC_UNKNOWN_RESOURCE; /* v1 has no feed list */
    }
  } else if (t[p] != '/') {
    st = XB_TOPIC_UNKNOWN_RESOURCE; /* "feedsX" */
  } else if (!xb_topic_num(t, len, p + 1, XB_TOPIC_ID_MAX, &e, &id)) {
    st = XB_TOPIC_BAD_ID; /* empty, leading zero, not a digit */
  } else if (seg_end(t, len, e)) {
    out->feed.off = p + 1;
    out->feed.len = e - (p + 1);
    out->feed_id = id;
    out->path.len = e - out->path.off;
    set_resource(out, XB_TOPIC_FEED);
  } else if (t[e] != '/') {
    st = XB_TOPIC_BAD_ID; /* "504x", or beyond 2147483647 */
  } else if (!xb_topic_lit(t, len, e + 1, "datastreams", 11)) {
    st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else if (seg_end(t, len, e + 12)) {
    if (out->version == 2) {
      out->feed.off = p + 1;
      out->feed.len = e - (p + 1);
      out->feed_id = id;
      out->path.len = e + 12 - out->path.off;
      set_resource(out, XB_TOPIC_DATASTREAMS);
    } else {
      st = XB_TOPIC_UNKNOWN_RESOURCE;
    }
  } else if (t[e + 12] != '/') {
    st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else {
    out->feed.off = p + 1;
    out->feed.len = e - (p + 1);
    out->feed_id = id;
    st = path_ds(t, len, e + 13, out);
  }
  return st;
}

/*
 * After "keys", "users" or "triggers": the collection, or "/" and its one id
 * (api-key, login, trigger-id). Sets path.len.
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(out) && \separated(out, t + (0 .. len - 1));
    requires out->path.off < p <= len;
    requires out->version == 2;
    requires coll == XB_TOPIC_KEYS || coll == XB_TOPIC_TRIGGERS || coll == XB_TOPIC_USERS;
    assigns out->resource, out->collection, out->key_id, out->login, out->trigger,
            out->trigger_id, out->path.len;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_ID
         || \result == XB_TOPIC_UNKNOWN_RESOURCE;
    ensures \result == XB_TOPIC_OK ==>
              p <= out->path.off + out->path.len <= len
              && xb_seg_end(t, len, out->path.off + out->path.len);
    ensures \result == XB_TOPIC_OK ==> xb_res_shape(out);
    ensures \result == XB_TOPIC_OK ==> xb_res_feed(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ds(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ts(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_named(t, out);
*/
static xb_topic_status path_named(const uint8_t *t, size_t len, size_t p,
                                  xb_topic_resource coll, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_OK;
  if (seg_end(t, len, p)) {
    out->path.len = p - out->path.off;
    set_resource(out, coll);
  } else if (t[p] != '/') {
    st = XB_TOPIC_UNKNOWN_RESOURCE; /* "keysX" */
  } else if (coll == XB_TOPIC_TRIGGERS) {
    size_t e = p + 1;
    uint32_t id = 0;
    if (xb_topic_num(t, len, p + 1, XB_TOPIC_ID_MAX, &e, &id) && seg_end(t, len, e)) {
      out->trigger.off = p + 1;
      out->trigger.len = e - (p + 1);
      out->trigger_id = id;
      out->path.len = e - out->path.off;
      set_resource(out, XB_TOPIC_TRIGGER);
    } else {
      st = XB_TOPIC_BAD_ID;
    }
  } else {
    size_t e = xb_topic_scan_word(t, len, p + 1), n = e - (p + 1);
    if (!seg_end(t, len, e)) {
      st = XB_TOPIC_BAD_ID; /* a byte outside id-char, or a further segment */
    } else if (coll == XB_TOPIC_KEYS && n >= XB_TOPIC_KEY_MIN && n <= XB_TOPIC_KEY_MAX) {
      out->key_id.off = p + 1;
      out->key_id.len = n;
      out->path.len = e - out->path.off;
      set_resource(out, XB_TOPIC_KEY);
    } else if (coll == XB_TOPIC_USERS && n >= 1 && n <= XB_TOPIC_LOGIN_MAX) {
      out->login.off = p + 1;
      out->login.len = n;
      out->path.len = e - out->path.off;
      set_resource(out, XB_TOPIC_USER);
    } else {
      st = XB_TOPIC_BAD_ID; /* length outside api-key / login */
    }
  }
  return st;
}

/* v2-path / v1-path after "vN/". Sets path.len. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(out) && \separated(out, t + (0 .. len - 1));
    requires out->path.off + 3 <= len;
    requires out->version == 1 || out->version == 2;
    assigns out->resource, out->collection, out->feed, out->feed_id, out->ds, out->ts,
            out->ts_us, out->key_id, out->login, out->trigger, out->trigger_id,
            out->path.len;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_ID
         || \result == XB_TOPIC_UNKNOWN_RESOURCE || \result == XB_TOPIC_BAD_TIMESTAMP;
    ensures \result == XB_TOPIC_OK ==>
              out->path.off + out->path.len <= len
              && xb_seg_end(t, len, out->path.off + out->path.len);
    ensures \result == XB_TOPIC_OK ==> xb_res_shape(out);
    ensures \result == XB_TOPIC_OK ==> xb_res_feed(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ds(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_ts(t, out);
    ensures \result == XB_TOPIC_OK ==> xb_res_named(t, out);
*/
static xb_topic_status path(const uint8_t *t, size_t len, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_UNKNOWN_RESOURCE;
  size_t p = out->path.off + 3;
  if (xb_topic_lit(t, len, p, "feeds", 5))
    st = path_feeds(t, len, p + 5, out);
  else if (out->version == 2 && xb_topic_lit(t, len, p, "keys", 4))
    st = path_named(t, len, p + 4, XB_TOPIC_KEYS, out);
  else if (out->version == 2 && xb_topic_lit(t, len, p, "triggers", 8))
    st = path_named(t, len, p + 8, XB_TOPIC_TRIGGERS, out);
  else if (out->version == 2 && xb_topic_lit(t, len, p, "users", 5))
    st = path_named(t, len, p + 5, XB_TOPIC_USERS, out);
  return st;
}

/*
 * [ format ] [ "?" ] after the path (XB-TOPIC-12), then the format defined for the
 * resource (XB-TOPIC-14) and no query on v1 (XB-TOPIC-15).
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(out) && \separated(out, t + (0 .. len - 1));
    requires out->path.off + out->path.len <= len;
    requires xb_seg_end(t, len, out->path.off + out->path.len);
    requires out->version == 1 || out->version == 2;
    assigns out->format, out->format_explicit, out->has_query, out->query;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_SUFFIX
         || \result == XB_TOPIC_BAD_FORMAT || \result == XB_TOPIC_BAD_QUERY;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_QUERY ==> xb_tail_ok(len, out);
    ensures \result == XB_TOPIC_OK && out->has_query ==> out->version == 2;
*/
static xb_topic_status suffix(const uint8_t *t, size_t len, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_OK;
  size_t p = out->path.off + out->path.len, q = p;
  xb_topic_format f = XB_TOPIC_JSON;
  bool given = false;
  if (p < len && t[p] == '.') {
    given = true;
    if (xb_topic_lit(t, len, p + 1, "json", 4)) {
      q = p + 5;
    } else if (xb_topic_lit(t, len, p + 1, "xml", 3)) {
      f = XB_TOPIC_XML;
      q = p + 4;
    } else if (xb_topic_lit(t, len, p + 1, "csv", 3)) {
      f = XB_TOPIC_CSV;
      q = p + 4;
    } else {
      st = XB_TOPIC_BAD_SUFFIX; /* ".png", ".JSON", "." */
    }
    if (st == XB_TOPIC_OK && q < len && t[q] != '?')
      st = XB_TOPIC_BAD_SUFFIX; /* ".jsonp", ".json.json", ".json/..." */
  }
  if (st == XB_TOPIC_OK && out->version == 1 && f != XB_TOPIC_CSV)
    st = XB_TOPIC_BAD_SUFFIX; /* v1-url ends in ".csv" */
  if (st == XB_TOPIC_OK && !xb_topic_format_allowed(out->resource, f))
    st = XB_TOPIC_BAD_FORMAT; /* XB-TOPIC-14: e.g. /v2/keys.csv */
  if (st == XB_TOPIC_OK && q < len && out->version == 1)
    st = XB_TOPIC_BAD_QUERY; /* XB-TOPIC-15: v1-url has no query */
  out->format = f;
  out->format_explicit = given;
  out->has_query = q < len;
  out->query.off = q < len ? q + 1 : 0;
  out->query.len = q < len ? len - (q + 1) : 0;
  return st;
}

/*@ assigns \nothing;
    ensures \result <==> xb_format_ok(r, f);
*/
bool xb_topic_format_allowed(xb_topic_resource r, xb_topic_format f)
{
  bool feedish = r == XB_TOPIC_FEED || r == XB_TOPIC_DATASTREAMS ||
                 r == XB_TOPIC_DATASTREAM || r == XB_TOPIC_DATAPOINTS ||
                 r == XB_TOPIC_DATAPOINT;
  return (f == XB_TOPIC_JSON || f == XB_TOPIC_XML) || (f == XB_TOPIC_CSV && feedish);
}

/*@ requires \valid_read(t + (0 .. len - 1));
    assigns \nothing;
    ensures \result <==> (\exists integer i; 0 <= i < len && (t[i] == '+' || t[i] == '#'));
*/
static bool has_wildcard(const uint8_t *t, size_t len)
{
  size_t i = 0;
  /*@ loop invariant 0 <= i <= len;
      loop invariant \forall integer j; 0 <= j < i ==> t[j] != '+' && t[j] != '#';
      loop assigns i;
      loop variant len - i;
  */
  while (i < len && t[i] != '+' && t[i] != '#')
    i++;
  return i < len;
}

/*@ requires t == \null || \valid_read(t + (0 .. len - 1));
    requires out == \null || \valid(out);
    requires t == \null || out == \null || \separated(out, t + (0 .. len - 1));
    assigns *out;
    ensures \result == XB_TOPIC_OK ==> t != \null && out != \null;
    ensures \result == XB_TOPIC_OK ==>
              xb_path_ok(t, len, out) && xb_query_ok(t, &out->params, out->query.off, len);
    ensures \result == XB_TOPIC_OK && !out->has_query ==> xb_no_params(&out->params);
    ensures XB_TOPIC_BAD_QUERY <= \result <= XB_TOPIC_PARAM_CONFLICT ==>
              t != \null && out != \null && xb_path_ok(t, len, out);
    ensures 0 <= \result < XB_TOPIC_STATUS_COUNT;
    ensures \result != XB_TOPIC_TOO_LONG && \result != XB_TOPIC_WILDCARD;
*/
xb_topic_status xb_topic_parse_api(const uint8_t *t, size_t len, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_OK;
  if (t == NULL || out == NULL) {
    st = XB_TOPIC_BAD_ARG;
  } else if (len == 0) {
    st = XB_TOPIC_EMPTY;
  } else {
    clear(out);
    st = prefix(t, len, out);
    if (st == XB_TOPIC_OK) {
      st = path(t, len, out);
      /*@ assert st == XB_TOPIC_OK ==> xb_head_ok(t, len, out); */
    }
    if (st == XB_TOPIC_OK) {
      st = suffix(t, len, out);
      /*@ assert st == XB_TOPIC_OK || st == XB_TOPIC_BAD_QUERY ==>
                   xb_head_ok(t, len, out) && xb_res_ok(t, out); */
    }
    if (st == XB_TOPIC_OK) {
      size_t qoff = out->query.off;
      st = xb_topic_parse_query(t, len, out->has_query, qoff, out->resource, &out->params);
      /*@ assert xb_path_ok(t, len, out) && out->query.off == qoff; */
    }
  }
  return st;
}

/*@ requires t == \null || \valid_read(t + (0 .. len - 1));
    requires out == \null || \valid(out);
    requires t == \null || out == \null || \separated(out, t + (0 .. len - 1));
    assigns *out;
    ensures \result == XB_TOPIC_TOO_LONG <==> t != \null && out != \null && len > max_len;
    ensures \result == XB_TOPIC_OK ==>
              t != \null && out != \null && len <= max_len
              && (\forall integer i; 0 <= i < len ==> t[i] != '+' && t[i] != '#')
              && xb_path_ok(t, len, out) && xb_query_ok(t, &out->params, out->query.off, len);
    ensures XB_TOPIC_BAD_QUERY <= \result <= XB_TOPIC_PARAM_CONFLICT ==>
              t != \null && out != \null && xb_path_ok(t, len, out);
    ensures 0 <= \result < XB_TOPIC_STATUS_COUNT;
*/
xb_topic_status xb_topic_parse(const uint8_t *t, size_t len, size_t max_len, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_BAD_ARG;
  if (t != NULL && out != NULL) {
    if (len > max_len)
      st = XB_TOPIC_TOO_LONG; /* XB-TOPIC-1, checked first */
    else if (has_wildcard(t, len))
      st = XB_TOPIC_WILDCARD; /* XB-TOPIC-2 */
    else
      st = xb_topic_parse_api(t, len, out);
  }
  return st;
}

/*@ assigns \nothing;
    ensures \result <==> XB_TOPIC_BAD_QUERY <= s <= XB_TOPIC_PARAM_CONFLICT;
*/
bool xb_topic_status_is_query(xb_topic_status s)
{
  return s >= XB_TOPIC_BAD_QUERY && s <= XB_TOPIC_PARAM_CONFLICT;
}

/*@ assigns \nothing;
    ensures \result != \null;
*/
const char *xb_topic_reason(xb_topic_status s)
{
  const char *r = "not-api-topic";
  if (s == XB_TOPIC_OK)
    r = "ok";
  else if (s == XB_TOPIC_TOO_LONG)
    r = "topic-too-long";
  else if (s == XB_TOPIC_WILDCARD)
    r = "wildcard-filter";
  else if (s == XB_TOPIC_BAD_FORMAT)
    r = "bad-format";
  else if (s >= XB_TOPIC_BAD_QUERY && s <= XB_TOPIC_PARAM_CONFLICT)
    r = "bad-query";
  return r;
}

/*@ assigns \nothing;
    ensures \result != \null;
*/
const char *xb_topic_status_str(xb_topic_status s)
{
  const char *r = "unknown status";
  switch (s) {
  case XB_TOPIC_OK: r = "ok"; break;
  case XB_TOPIC_TOO_LONG: r = "too long"; break;
  case XB_TOPIC_WILDCARD: r = "wildcard"; break;
  case XB_TOPIC_BAD_ARG: r = "bad argument"; break;
  case XB_TOPIC_EMPTY: r = "empty"; break;
  case XB_TOPIC_BAD_KEY: r = "bad key"; break;
  case XB_TOPIC_BAD_VERSION: r = "bad version"; break;
  case XB_TOPIC_UNKNOWN_RESOURCE: r = "unknown resource"; break;
  case XB_TOPIC_BAD_ID: r = "bad id"; break;
  case XB_TOPIC_BAD_TIMESTAMP: r = "bad timestamp"; break;
  case XB_TOPIC_BAD_SUFFIX: r = "bad suffix"; break;
  case XB_TOPIC_BAD_FORMAT: r = "format not defined for the resource"; break;
  case XB_TOPIC_BAD_QUERY: r = "bad query syntax"; break;
  case XB_TOPIC_UNKNOWN_PARAM: r = "unknown parameter"; break;
  case XB_TOPIC_DUPLICATE_PARAM: r = "duplicate parameter"; break;
  case XB_TOPIC_BAD_PARAM_VALUE: r = "bad parameter value"; break;
  case XB_TOPIC_PARAM_NOT_ALLOWED: r = "parameter not allowed on this resource"; break;
  case XB_TOPIC_PARAM_CONFLICT: r = "conflicting parameters"; break;
  default: break;
  }
  return r;
}

/*@ assigns \nothing;
    ensures \result != \null;
*/
const char *xb_topic_resource_str(xb_topic_resource r)
{
  const char *s = "unknown resource";
  switch (r) {
  case XB_TOPIC_FEEDS: s = "feeds"; break;
  case XB_TOPIC_FEED: s = "feed"; break;
  case XB_TOPIC_DATASTREAMS: s = "datastreams"; break;
  case XB_TOPIC_DATASTREAM: s = "datastream"; break;
  case XB_TOPIC_DATAPOINTS: s = "datapoints"; break;
  case XB_TOPIC_DATAPOINT: s = "datapoint"; break;
  case XB_TOPIC_KEYS: s = "keys"; break;
  case XB_TOPIC_KEY: s = "key"; break;
  case XB_TOPIC_TRIGGERS: s = "triggers"; break;
  case XB_TOPIC_TRIGGER: s = "trigger"; break;
  case XB_TOPIC_USERS: s = "users"; break;
  case XB_TOPIC_USER: s = "user"; break;
  default: break;
  }
  return s;
}

/*@ assigns \nothing;
    ensures \result != \null;
*/
const char *xb_topic_param_str(xb_topic_param p)
{
  const char *s = "unknown parameter";
  switch (p) {
  case XB_TOPIC_P_START: s = "start"; break;
  case XB_TOPIC_P_END: s = "end"; break;
  case XB_TOPIC_P_DURATION: s = "duration"; break;
  case XB_TOPIC_P_INTERVAL: s = "interval"; break;
  case XB_TOPIC_P_INTERVAL_TYPE: s = "interval_type"; break;
  case XB_TOPIC_P_FIND_PREVIOUS: s = "find_previous"; break;
  case XB_TOPIC_P_LIMIT: s = "limit"; break;
  case XB_TOPIC_P_DATASTREAMS: s = "datastreams"; break;
  case XB_TOPIC_P_SHOW_USER: s = "show_user"; break;
  case XB_TOPIC_P_FEED_ID: s = "feed_id"; break;
  case XB_TOPIC_P_PAGE: s = "page"; break;
  case XB_TOPIC_P_PER_PAGE: s = "per_page"; break;
  case XB_TOPIC_P_Q: s = "q"; break;
  case XB_TOPIC_P_TAG: s = "tag"; break;
  case XB_TOPIC_P_USER: s = "user"; break;
  case XB_TOPIC_P_STATUS: s = "status"; break;
  default: break;
  }
  return s;
}
