/*
 * xb_topic.c — topic classification and the path part of the grammar of
 * spec/topics.md: key prefix, version, resource path, format suffix (XB-TOPIC-1..14).
 * The query is parsed by xb_topic_query.c, the lexical pieces by xb_topic_lex.c.
 */
#include "topic/xb_topic_int.h"


/*
 * How the proof is organised: the parsers below return their findings as values
 * (head_r, path_r, tail_r) and never write to the result; xb_topic_parse_api writes
 * every field of *out once, in straight-line code, after all decisions are taken. WP
 * then resolves each read of *out in the postcondition against those writes.
 */

/* Key and version (XB-TOPIC-6, 7). */
typedef struct {
  xb_topic_status st;
  size_t key_len; /* 0: no prefix key */
  uint8_t version;
  size_t voff;    /* where "v1/" or "v2/" starts */
} head_r;

/* The resource path (XB-TOPIC-8..11). */
typedef struct {
  xb_topic_status st;
  xb_topic_resource res;
  size_t end;           /* first byte after the path */
  xb_topic_span feed;   /* FEED .. DATAPOINT */
  uint32_t feed_id;
  xb_topic_span ds;     /* DATASTREAM .. DATAPOINT */
  xb_topic_span ts;     /* DATAPOINT */
  int64_t ts_us;
  xb_topic_span id;     /* KEY: api-key, USER: login, TRIGGER: digits */
  uint32_t trigger_id;  /* TRIGGER */
} path_r;

/* Format suffix and query start (XB-TOPIC-12, 14, 15). */
typedef struct {
  xb_topic_status st;
  xb_topic_format format;
  bool given;
  bool has_query;
  size_t qoff, qlen;    /* the bytes after '?'; {0, 0} without */
} tail_r;

/* The path predicates of xb_topic_int.h over a path_r r of a path starting at po. */
#define R_SHAPE(r, ver)                                                                \
  (0 <= (r).res < XB_TOPIC_RESOURCE_COUNT &&                                           \
   ((ver) == 1 ==> ((r).res == XB_TOPIC_FEED || (r).res == XB_TOPIC_DATASTREAM)))
#define R_FEED(t, r, po)                                                               \
  xb_feed_v(t, (r).res, po, (r).end, (r).feed.off, (r).feed.len, (r).feed_id)
#define R_DS(t, r) xb_ds_v(t, (r).res, (r).feed.off + (r).feed.len, (r).end, (r).ds.off, (r).ds.len)
#define R_TS(t, r)                                                                     \
  xb_ts_v(t, (r).res, (r).ds.off + (r).ds.len, (r).end, (r).ts.off, (r).ts.len, (r).ts_us)
#define R_NAMED(t, r, po)                                                              \
  xb_named_v(t, (r).res, po, (r).end, (r).id.off, (r).id.len, (r).id.off, (r).id.len,  \
             (r).trigger_id, (r).id.off, (r).id.len)
/*@ requires \valid_read(t + (0 .. len - 1));
    requires p <= len;
    assigns \nothing;
    ensures \result <==> xb_seg_end(t, len, p);
*/
static bool seg_end(const uint8_t *t, size_t len, size_t p)
{
  return p == len || t[p] == '.' || t[p] == '?';
}

/*@ assigns \nothing;
    ensures \result <==> xb_is_collection(r);
*/
static bool is_collection(xb_topic_resource r)
{
  return r == XB_TOPIC_FEEDS || r == XB_TOPIC_DATASTREAMS || r == XB_TOPIC_DATAPOINTS ||
         r == XB_TOPIC_KEYS || r == XB_TOPIC_TRIGGERS || r == XB_TOPIC_USERS;
}

/* A path_r with status st, ending at p, and nothing found. */
/*@ assigns \nothing;
    ensures \result.st == st && \result.end == p && \result.res == XB_TOPIC_FEEDS;
*/
static path_r no_path(xb_topic_status st, size_t p)
{
  path_r r;
  xb_topic_span none = {0, 0};
  r.st = st;
  r.res = XB_TOPIC_FEEDS;
  r.end = p;
  r.feed = none;
  r.feed_id = 0;
  r.ds = none;
  r.ts = none;
  r.ts_us = 0;
  r.id = none;
  r.trigger_id = 0;
  return r;
}

/* key-topic / plain-topic up to the version (XB-TOPIC-6, 7). */
/*@ requires \valid_read(t + (0 .. len - 1));
    assigns \nothing;
    ensures \result.st == XB_TOPIC_OK || \result.st == XB_TOPIC_EMPTY
         || \result.st == XB_TOPIC_BAD_KEY || \result.st == XB_TOPIC_BAD_VERSION;
    ensures \result.st == XB_TOPIC_OK ==>
              xb_head_v(t, len, \result.version, 0, \result.key_len, \result.voff);
*/
static head_r head(const uint8_t *t, size_t len)
{
  head_r h = {XB_TOPIC_OK, 0, 0, 0};
  if (len == 0) {
    h.st = XB_TOPIC_EMPTY;
  } else if (t[0] == '/') {
    h.voff = 1;
  } else {
    size_t e = xb_topic_scan_word(t, len, 0);
    if (e >= XB_TOPIC_KEY_MIN && e <= XB_TOPIC_KEY_MAX && e < len && t[e] == '/') {
      h.key_len = e;
      h.voff = e + 1;
    } else if (!xb_topic_lit(t, len, 0, "v1/", 3) && !xb_topic_lit(t, len, 0, "v2/", 3)) {
      h.st = XB_TOPIC_BAD_KEY; /* neither "/", a version nor api-key "/" */
    }
  }
  if (h.st == XB_TOPIC_OK) {
    if (xb_topic_lit(t, len, h.voff, "v1/", 3))
      h.version = 1;
    else if (xb_topic_lit(t, len, h.voff, "v2/", 3))
      h.version = 2;
    else
      h.st = XB_TOPIC_BAD_VERSION; /* "/v3/...", "//v2/...", "KEY//v2/..." */
  }
  return h;
}

/*
 * After "/datastreams/": ds-id [ "/datapoints" [ "/" timestamp ] ] (datapoints: v2
 * only). p is the first byte of the ds-id; the feed id was t[fo .. fo+fl-1].
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires po < p <= len;
    requires ver == 1 || ver == 2;
    requires po <= fo && fo + fl < p;
    requires xb_id(t, fo, fl, fid);
    assigns \nothing;
    ensures \result.st == XB_TOPIC_OK || \result.st == XB_TOPIC_BAD_ID
         || \result.st == XB_TOPIC_UNKNOWN_RESOURCE || \result.st == XB_TOPIC_BAD_TIMESTAMP;
    ensures 0 <= \result.res < XB_TOPIC_RESOURCE_COUNT;
    ensures \result.st == XB_TOPIC_OK ==> p <= \result.end <= len && xb_seg_end(t, len, \result.end);
    ensures \result.st == XB_TOPIC_OK ==> R_SHAPE(\result, ver);
    ensures \result.st == XB_TOPIC_OK ==> R_FEED(t, \result, po);
    ensures \result.st == XB_TOPIC_OK ==> R_DS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_TS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_NAMED(t, \result, po);
*/
static path_r path_ds(const uint8_t *t, size_t len, size_t po, size_t p, uint8_t ver,
                      size_t fo, size_t fl, uint32_t fid)
{
  path_r r = no_path(XB_TOPIC_OK, p);
  size_t e = xb_topic_scan_word(t, len, p);
  (void)po; /* the lower bound of the spans in the contract */
  r.feed.off = fo;
  r.feed.len = fl;
  r.feed_id = fid;
  r.ds.off = p;
  r.ds.len = e - p;
  if (e == p || e - p > XB_TOPIC_DSID_MAX) {
    r.st = XB_TOPIC_BAD_ID; /* empty ("datastreams/"), too long, or a byte outside id-char */
  } else if (seg_end(t, len, e)) {
    r.res = XB_TOPIC_DATASTREAM;
    r.end = e;
  } else if (t[e] != '/') {
    r.st = XB_TOPIC_BAD_ID;
  } else if (ver == 1 || !xb_topic_lit(t, len, e + 1, "datapoints", 10)) {
    r.st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else if (seg_end(t, len, e + 11)) {
    r.res = XB_TOPIC_DATAPOINTS;
    r.end = e + 11;
  } else if (t[e + 11] != '/') {
    r.st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else {
    size_t te = e + 12;
    int64_t us = 0;
    if (xb_topic_timestamp(t, len, e + 12, &te, &us) && seg_end(t, len, te)) {
      r.res = XB_TOPIC_DATAPOINT;
      r.ts.off = e + 12;
      r.ts.len = te - (e + 12);
      r.ts_us = us;
      r.end = te;
    } else {
      r.st = XB_TOPIC_BAD_TIMESTAMP;
    }
  }
  return r;
}

/*
 * After "feeds": [ "/" feed-id [ "/datastreams" [ "/" ds-id ... ] ] ] for v2,
 * "/" feed-id [ "/datastreams/" ds-id ] for v1 (XB-TOPIC-8, 11).
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires po < p <= len;
    requires ver == 1 || ver == 2;
    assigns \nothing;
    ensures \result.st == XB_TOPIC_OK || \result.st == XB_TOPIC_BAD_ID
         || \result.st == XB_TOPIC_UNKNOWN_RESOURCE || \result.st == XB_TOPIC_BAD_TIMESTAMP;
    ensures 0 <= \result.res < XB_TOPIC_RESOURCE_COUNT;
    ensures \result.st == XB_TOPIC_OK ==> p <= \result.end <= len && xb_seg_end(t, len, \result.end);
    ensures \result.st == XB_TOPIC_OK ==> R_SHAPE(\result, ver);
    ensures \result.st == XB_TOPIC_OK ==> R_FEED(t, \result, po);
    ensures \result.st == XB_TOPIC_OK ==> R_DS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_TS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_NAMED(t, \result, po);
*/
static path_r path_feeds(const uint8_t *t, size_t len, size_t po, size_t p, uint8_t ver)
{
  /* The decisions are taken on scalars; the result is built once at the end (one
     record per outcome keeps the merged postcondition goals small for the provers). */
  path_r r;
  xb_topic_status st = XB_TOPIC_OK;
  xb_topic_resource res = XB_TOPIC_FEEDS;
  size_t e = p, end = p;
  uint32_t id = 0;
  bool ds = false;
  if (seg_end(t, len, p)) {
    if (ver != 2)
      st = XB_TOPIC_UNKNOWN_RESOURCE; /* v1 has no feed list */
  } else if (t[p] != '/') {
    st = XB_TOPIC_UNKNOWN_RESOURCE; /* "feedsX" */
  } else if (!xb_topic_num(t, len, p + 1, XB_TOPIC_ID_MAX, &e, &id)) {
    st = XB_TOPIC_BAD_ID; /* empty, leading zero, not a digit */
  } else if (seg_end(t, len, e)) {
    res = XB_TOPIC_FEED;
    end = e;
  } else if (t[e] != '/') {
    st = XB_TOPIC_BAD_ID; /* "504x", or beyond 2147483647 */
  } else if (!xb_topic_lit(t, len, e + 1, "datastreams", 11)) {
    st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else if (seg_end(t, len, e + 12)) {
    if (ver == 2) {
      res = XB_TOPIC_DATASTREAMS;
      end = e + 12;
    } else {
      st = XB_TOPIC_UNKNOWN_RESOURCE;
    }
  } else if (t[e + 12] != '/') {
    st = XB_TOPIC_UNKNOWN_RESOURCE;
  } else {
    ds = true;
  }
  /*@ assert feeds_ds: ds ==> st == XB_TOPIC_OK && p + 1 < e && e + 13 <= len
                              && xb_id(t, p + 1, e - (p + 1), id); */
  /*@ assert feeds_st: st == XB_TOPIC_OK || st == XB_TOPIC_BAD_ID
                       || st == XB_TOPIC_UNKNOWN_RESOURCE; */
  /*@ assert feeds_res: res == XB_TOPIC_FEEDS || res == XB_TOPIC_FEED
                        || res == XB_TOPIC_DATASTREAMS; */
  /*@ assert feeds_ok: !ds && st == XB_TOPIC_OK ==>
        p <= end <= len && xb_seg_end(t, len, end)
        && (res == XB_TOPIC_FEEDS ==> ver == 2)
        && (res == XB_TOPIC_DATASTREAMS ==> ver == 2); */
  /*@ assert feeds_id: res != XB_TOPIC_FEEDS ==>
        !ds && st == XB_TOPIC_OK && p + 1 < e <= end
        && xb_id(t, p + 1, e - (p + 1), id); */
  if (ds) {
    r = path_ds(t, len, po, e + 13, ver, p + 1, e - (p + 1), id);
  } else {
    r = no_path(st, end);
    r.res = res;
    if (res != XB_TOPIC_FEEDS) {
      r.feed.off = p + 1;
      r.feed.len = e - (p + 1);
      r.feed_id = id;
    }
  }
  return r;
}

/*
 * After "keys", "users" or "triggers": the collection, or "/" and its one id
 * (api-key, login, trigger-id).
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires po < p <= len;
    requires coll == XB_TOPIC_KEYS || coll == XB_TOPIC_TRIGGERS || coll == XB_TOPIC_USERS;
    assigns \nothing;
    ensures \result.st == XB_TOPIC_OK || \result.st == XB_TOPIC_BAD_ID
         || \result.st == XB_TOPIC_UNKNOWN_RESOURCE;
    ensures 0 <= \result.res < XB_TOPIC_RESOURCE_COUNT;
    ensures \result.st == XB_TOPIC_OK ==> p <= \result.end <= len && xb_seg_end(t, len, \result.end);
    ensures \result.st == XB_TOPIC_OK ==> R_SHAPE(\result, 2);
    ensures \result.st == XB_TOPIC_OK ==> R_FEED(t, \result, po);
    ensures \result.st == XB_TOPIC_OK ==> R_DS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_TS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_NAMED(t, \result, po);
*/
static path_r path_named(const uint8_t *t, size_t len, size_t po, size_t p,
                         xb_topic_resource coll)
{
  /* Decisions on scalars, the result built once (see path_feeds). */
  path_r r;
  xb_topic_status st = XB_TOPIC_OK;
  xb_topic_resource res = XB_TOPIC_FEEDS;
  size_t end = p, io = 0, il = 0;
  uint32_t tid = 0;
  (void)po; /* the lower bound of the spans in the contract */
  if (seg_end(t, len, p)) {
    res = coll;
    /*@ assert xb_seg_end(t, len, end); */
  } else if (t[p] != '/') {
    st = XB_TOPIC_UNKNOWN_RESOURCE; /* "keysX" */
  } else if (coll == XB_TOPIC_TRIGGERS) {
    size_t e = p + 1;
    uint32_t id = 0;
    if (xb_topic_num(t, len, p + 1, XB_TOPIC_ID_MAX, &e, &id) && seg_end(t, len, e)) {
      res = XB_TOPIC_TRIGGER;
      io = p + 1;
      il = e - (p + 1);
      tid = id;
      end = e;
      /*@ assert xb_seg_end(t, len, end) && xb_id(t, io, il, tid) && io + il == end; */
    } else {
      st = XB_TOPIC_BAD_ID;
    }
  } else {
    size_t e = xb_topic_scan_word(t, len, p + 1), n = e - (p + 1);
    io = p + 1;
    il = n;
    if (!seg_end(t, len, e)) {
      st = XB_TOPIC_BAD_ID; /* a byte outside id-char, or a further segment */
    } else if (coll == XB_TOPIC_KEYS && n >= XB_TOPIC_KEY_MIN && n <= XB_TOPIC_KEY_MAX) {
      res = XB_TOPIC_KEY;
      end = e;
      /*@ assert xb_seg_end(t, len, end) && xb_api_key(t, io, il) && io + il == end; */
    } else if (coll == XB_TOPIC_USERS && n >= 1 && n <= XB_TOPIC_LOGIN_MAX) {
      res = XB_TOPIC_USER;
      end = e;
      /*@ assert xb_seg_end(t, len, end) && xb_login(t, io, il) && io + il == end; */
    } else {
      st = XB_TOPIC_BAD_ID; /* length outside api-key / login */
    }
  }
  /*@ assert named_st: st == XB_TOPIC_OK || st == XB_TOPIC_BAD_ID
                       || st == XB_TOPIC_UNKNOWN_RESOURCE; */
  /*@ assert named_res: res == XB_TOPIC_FEEDS || res == coll || res == XB_TOPIC_KEY
                        || res == XB_TOPIC_TRIGGER || res == XB_TOPIC_USER; */
  /*@ assert named_end: st == XB_TOPIC_OK ==> p <= end <= len; */
  /*@ assert named_seg: st == XB_TOPIC_OK ==> xb_seg_end(t, len, end); */
  /*@ assert named_kind: st == XB_TOPIC_OK ==>
        res == coll || (res == XB_TOPIC_KEY && coll == XB_TOPIC_KEYS)
        || (res == XB_TOPIC_TRIGGER && coll == XB_TOPIC_TRIGGERS)
        || (res == XB_TOPIC_USER && coll == XB_TOPIC_USERS); */
  /*@ assert named_key: res == XB_TOPIC_KEY ==> p < io && io + il == end && xb_api_key(t, io, il); */
  /*@ assert named_trigger: res == XB_TOPIC_TRIGGER ==>
        p < io && io + il == end && xb_id(t, io, il, tid); */
  /*@ assert named_user: res == XB_TOPIC_USER ==> p < io && io + il == end && xb_login(t, io, il); */
  r = no_path(st, end);
  r.res = res;
  r.id.off = io;
  r.id.len = il;
  r.trigger_id = tid;
  return r;
}

/* v2-path / v1-path, starting at p (just after the "vN/" that starts at po). */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires po < p <= len;
    requires ver == 1 || ver == 2;
    assigns \nothing;
    ensures \result.st == XB_TOPIC_OK || \result.st == XB_TOPIC_BAD_ID
         || \result.st == XB_TOPIC_UNKNOWN_RESOURCE || \result.st == XB_TOPIC_BAD_TIMESTAMP;
    ensures 0 <= \result.res < XB_TOPIC_RESOURCE_COUNT;
    ensures \result.st == XB_TOPIC_OK ==> p <= \result.end <= len && xb_seg_end(t, len, \result.end);
    ensures \result.st == XB_TOPIC_OK ==> R_SHAPE(\result, ver);
    ensures \result.st == XB_TOPIC_OK ==> R_FEED(t, \result, po);
    ensures \result.st == XB_TOPIC_OK ==> R_DS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_TS(t, \result);
    ensures \result.st == XB_TOPIC_OK ==> R_NAMED(t, \result, po);
*/
static path_r path(const uint8_t *t, size_t len, size_t po, size_t p, uint8_t ver)
{
  path_r r = no_path(XB_TOPIC_UNKNOWN_RESOURCE, p);
  if (xb_topic_lit(t, len, p, "feeds", 5))
    r = path_feeds(t, len, po, p + 5, ver);
  else if (ver == 2 && xb_topic_lit(t, len, p, "keys", 4))
    r = path_named(t, len, po, p + 4, XB_TOPIC_KEYS);
  else if (ver == 2 && xb_topic_lit(t, len, p, "triggers", 8))
    r = path_named(t, len, po, p + 8, XB_TOPIC_TRIGGERS);
  else if (ver == 2 && xb_topic_lit(t, len, p, "users", 5))
    r = path_named(t, len, po, p + 5, XB_TOPIC_USERS);
  return r;
}

/*
 * [ format ] [ "?" ... ] at p, where the path of res ended (XB-TOPIC-12); then the
 * format defined for the resource (XB-TOPIC-14) and no query on v1 (XB-TOPIC-15).
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires p <= len && xb_seg_end(t, len, p);
    requires ver == 1 || ver == 2;
    requires 0 <= res < XB_TOPIC_RESOURCE_COUNT;
    assigns \nothing;
    ensures \result.st == XB_TOPIC_OK || \result.st == XB_TOPIC_BAD_SUFFIX
         || \result.st == XB_TOPIC_BAD_FORMAT || \result.st == XB_TOPIC_BAD_QUERY;
    ensures \result.qoff <= len;
    ensures \result.st == XB_TOPIC_OK || \result.st == XB_TOPIC_BAD_QUERY ==>
              xb_tail_v(len, res, ver, \result.format, \result.given, p, \result.has_query,
                        \result.qoff, \result.qlen);
    ensures \result.st == XB_TOPIC_OK && \result.has_query ==> ver == 2;
*/
static tail_r tail(const uint8_t *t, size_t len, size_t p, xb_topic_resource res,
                   uint8_t ver)
{
  tail_r r = {XB_TOPIC_OK, XB_TOPIC_JSON, false, false, 0, 0};
  size_t q = p;
  if (p < len && t[p] == '.') {
    r.given = true;
    if (xb_topic_lit(t, len, p + 1, "json", 4)) {
      q = p + 5;
    } else if (xb_topic_lit(t, len, p + 1, "xml", 3)) {
      r.format = XB_TOPIC_XML;
      q = p + 4;
    } else if (xb_topic_lit(t, len, p + 1, "csv", 3)) {
      r.format = XB_TOPIC_CSV;
      q = p + 4;
    } else {
      r.st = XB_TOPIC_BAD_SUFFIX; /* ".png", ".JSON", "." */
    }
    if (r.st == XB_TOPIC_OK && q < len && t[q] != '?')
      r.st = XB_TOPIC_BAD_SUFFIX; /* ".jsonp", ".json.json", ".json/..." */
  }
  if (r.st == XB_TOPIC_OK && ver == 1 && r.format != XB_TOPIC_CSV)
    r.st = XB_TOPIC_BAD_SUFFIX; /* v1-url ends in ".csv" */
  if (r.st == XB_TOPIC_OK && !xb_topic_format_allowed(res, r.format))
    r.st = XB_TOPIC_BAD_FORMAT; /* XB-TOPIC-14: e.g. /v2/keys.csv */
  if (r.st == XB_TOPIC_OK && q < len) {
    r.has_query = true;
    r.qoff = q + 1;
    r.qlen = len - (q + 1);
    if (ver == 1)
      r.st = XB_TOPIC_BAD_QUERY; /* XB-TOPIC-15: v1-url has no query */
  }
  return r;
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
    ensures 0 <= \result < XB_TOPIC_STATUS_COUNT;
    ensures \result != XB_TOPIC_TOO_LONG && \result != XB_TOPIC_WILDCARD;
    behavior null:
      assumes t == \null || out == \null;
      ensures \result == XB_TOPIC_BAD_ARG;
    behavior parse:
      assumes t != \null && out != \null;
      ensures \result == XB_TOPIC_OK ==>
                XB_PATH_OK(t, len, out) && xb_query_ok(t, &out->params, out->query.off, len);
      ensures \result == XB_TOPIC_OK && !out->has_query ==> xb_no_params(&out->params);
      ensures XB_TOPIC_BAD_QUERY <= \result <= XB_TOPIC_PARAM_CONFLICT ==>
                XB_PATH_OK(t, len, out);
    complete behaviors;
    disjoint behaviors;
*/
xb_topic_status xb_topic_parse_api(const uint8_t *t, size_t len, xb_topic *out)
{
  xb_topic_status st = XB_TOPIC_BAD_ARG, qst = XB_TOPIC_OK;
  if (t != NULL && out != NULL) {
    head_r h = head(t, len);
    path_r r = no_path(h.st, h.voff);
    tail_r q = {XB_TOPIC_OK, XB_TOPIC_JSON, false, false, 0, 0};
    /* version is the one field of *out of the same type as the topic bytes (uint8_t):
       it is written before path() and tail() read t, so that what they establish about
       t already holds in the final memory; only head's finding is carried over it. */
    out->version = h.version;
    /*@ assert pa_head_t: h.st == XB_TOPIC_OK ==>
          xb_head_v(t, len, h.version, 0, h.key_len, h.voff); */
    if (h.st == XB_TOPIC_OK)
      r = path(t, len, h.voff, h.voff + 3, h.version);
    if (r.st == XB_TOPIC_OK)
      q = tail(t, len, r.end, r.res, h.version);
    else
      q.st = r.st;
    st = q.st;
    /*@ assert pa_path: st == XB_TOPIC_OK || XB_TOPIC_BAD_QUERY <= st <= XB_TOPIC_PARAM_CONFLICT
          ==> h.st == XB_TOPIC_OK && r.st == XB_TOPIC_OK
              && (q.st == XB_TOPIC_OK || q.st == XB_TOPIC_BAD_QUERY); */
    /* Every field written once, whatever the outcome (XB-TOPIC-3: on a not-api-topic
       status the fields are meaningless, but defined); spans field by field. */
    out->key.off = 0;
    out->key.len = h.key_len;
    out->path.off = h.voff;
    out->path.len = r.end >= h.voff ? r.end - h.voff : 0;
    out->resource = r.res;
    out->collection = is_collection(r.res);
    out->feed.off = r.feed.off;
    out->feed.len = r.feed.len;
    out->feed_id = r.feed_id;
    out->ds.off = r.ds.off;
    out->ds.len = r.ds.len;
    out->ts.off = r.ts.off;
    out->ts.len = r.ts.len;
    out->ts_us = r.ts_us;
    out->key_id.off = r.res == XB_TOPIC_KEY ? r.id.off : 0;
    out->key_id.len = r.res == XB_TOPIC_KEY ? r.id.len : 0;
    out->login.off = r.res == XB_TOPIC_USER ? r.id.off : 0;
    out->login.len = r.res == XB_TOPIC_USER ? r.id.len : 0;
    out->trigger.off = r.res == XB_TOPIC_TRIGGER ? r.id.off : 0;
    out->trigger.len = r.res == XB_TOPIC_TRIGGER ? r.id.len : 0;
    out->trigger_id = r.trigger_id;
    out->format = q.format;
    out->format_explicit = q.given;
    out->has_query = q.has_query;
    out->query.off = q.qoff;
    out->query.len = q.qlen;
    /* The path part of the contract, piece by piece (small goals for the provers). */
    /*@ assert pa_head: h.st == XB_TOPIC_OK ==> XB_HEAD(t, len, out); */
    /*@ assert pa_pend: r.st == XB_TOPIC_OK && h.st == XB_TOPIC_OK ==>
          XB_PEND(out) == r.end && XB_PEND(out) <= len; */
    /*@ assert pa_shape: r.st == XB_TOPIC_OK && h.st == XB_TOPIC_OK ==> XB_SHAPE(out); */
    /*@ assert pa_feed: r.st == XB_TOPIC_OK && h.st == XB_TOPIC_OK ==> XB_FEED(t, out); */
    /*@ assert pa_ds: r.st == XB_TOPIC_OK && h.st == XB_TOPIC_OK ==> XB_DS(t, out); */
    /*@ assert pa_ts: r.st == XB_TOPIC_OK && h.st == XB_TOPIC_OK ==> XB_TS(t, out); */
    /*@ assert pa_named: r.st == XB_TOPIC_OK && h.st == XB_TOPIC_OK ==> XB_NAMED(t, out); */
    /*@ assert pa_tail: (q.st == XB_TOPIC_OK || q.st == XB_TOPIC_BAD_QUERY)
          && r.st == XB_TOPIC_OK && h.st == XB_TOPIC_OK ==> XB_TAIL(len, out); */
    /* Always called, so the slots are defined: without a query (or on an earlier
       failure) it only clears them. */
    qst = xb_topic_parse_query(t, len, st == XB_TOPIC_OK && q.has_query, q.qoff, r.res,
                               &out->params);
    if (st == XB_TOPIC_OK)
      st = qst;
  }
  return st;
}

/*@ requires t == \null || \valid_read(t + (0 .. len - 1));
    requires out == \null || \valid(out);
    requires t == \null || out == \null || \separated(out, t + (0 .. len - 1));
    assigns *out;
    ensures 0 <= \result < XB_TOPIC_STATUS_COUNT;
    behavior null:
      assumes t == \null || out == \null;
      ensures \result == XB_TOPIC_BAD_ARG;
    behavior too_long:
      assumes t != \null && out != \null && len > max_len;
      ensures \result == XB_TOPIC_TOO_LONG;
    behavior wildcard:
      assumes t != \null && out != \null && len <= max_len;
      assumes \exists integer i; 0 <= i < len && (t[i] == '+' || t[i] == '#');
      ensures \result == XB_TOPIC_WILDCARD;
    behavior api:
      assumes t != \null && out != \null && len <= max_len;
      assumes \forall integer i; 0 <= i < len ==> t[i] != '+' && t[i] != '#';
      ensures \result == XB_TOPIC_OK ==>
                XB_PATH_OK(t, len, out) && xb_query_ok(t, &out->params, out->query.off, len);
      ensures XB_TOPIC_BAD_QUERY <= \result <= XB_TOPIC_PARAM_CONFLICT ==>
                XB_PATH_OK(t, len, out);
    complete behaviors;
    disjoint behaviors;
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
