/*
 * xb_topic_query.c — the query part of a topic (spec/topics.md §2 `query`, §4):
 * syntax, names, one slot per name, each value's own rule, the target table of
 * XB-TOPIC-17 and the combination rules that need neither clock nor store.
 */
#include "topic/xb_topic_int.h"

#define BIT(p) (1u << (p))

/* The name t[off .. off+n-1] is exactly lit. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid_read(lit + (0 .. ln - 1));
    requires off <= len && n <= len - off;
    assigns \nothing;
*/
static bool is(const uint8_t *t, size_t len, size_t off, size_t n, const char *lit,
               size_t ln)
{
  return n == ln && xb_topic_lit(t, len, off, lit, ln);
}

/* pname lookup (XB-TOPIC-16); XB_TOPIC_P_COUNT for an unknown name. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires off <= len && n <= len - off;
    assigns \nothing;
    ensures 0 <= \result <= XB_TOPIC_P_COUNT;
*/
static xb_topic_param lookup(const uint8_t *t, size_t len, size_t off, size_t n)
{
  xb_topic_param k = XB_TOPIC_P_COUNT;
  if (is(t, len, off, n, "start", 5))
    k = XB_TOPIC_P_START;
  else if (is(t, len, off, n, "end", 3))
    k = XB_TOPIC_P_END;
  else if (is(t, len, off, n, "duration", 8))
    k = XB_TOPIC_P_DURATION;
  else if (is(t, len, off, n, "interval", 8))
    k = XB_TOPIC_P_INTERVAL;
  else if (is(t, len, off, n, "interval_type", 13))
    k = XB_TOPIC_P_INTERVAL_TYPE;
  else if (is(t, len, off, n, "find_previous", 13))
    k = XB_TOPIC_P_FIND_PREVIOUS;
  else if (is(t, len, off, n, "limit", 5))
    k = XB_TOPIC_P_LIMIT;
  else if (is(t, len, off, n, "datastreams", 11))
    k = XB_TOPIC_P_DATASTREAMS;
  else if (is(t, len, off, n, "show_user", 9))
    k = XB_TOPIC_P_SHOW_USER;
  else if (is(t, len, off, n, "feed_id", 7))
    k = XB_TOPIC_P_FEED_ID;
  else if (is(t, len, off, n, "page", 4))
    k = XB_TOPIC_P_PAGE;
  else if (is(t, len, off, n, "per_page", 8))
    k = XB_TOPIC_P_PER_PAGE;
  else if (is(t, len, off, n, "q", 1))
    k = XB_TOPIC_P_Q;
  else if (is(t, len, off, n, "tag", 3))
    k = XB_TOPIC_P_TAG;
  else if (is(t, len, off, n, "user", 4))
    k = XB_TOPIC_P_USER;
  else if (is(t, len, off, n, "status", 6))
    k = XB_TOPIC_P_STATUS;
  return k;
}

/* The parameters a target accepts, one bit per xb_topic_param (XB-TOPIC-17). */
/*@ assigns \nothing; */
static uint32_t allowed_params(xb_topic_resource r)
{
  uint32_t history = BIT(XB_TOPIC_P_START) | BIT(XB_TOPIC_P_END) |
                     BIT(XB_TOPIC_P_DURATION) | BIT(XB_TOPIC_P_INTERVAL) |
                     BIT(XB_TOPIC_P_INTERVAL_TYPE) | BIT(XB_TOPIC_P_FIND_PREVIOUS) |
                     BIT(XB_TOPIC_P_LIMIT);
  uint32_t m = 0;
  if (r == XB_TOPIC_FEED)
    m = history | BIT(XB_TOPIC_P_DATASTREAMS) | BIT(XB_TOPIC_P_SHOW_USER);
  else if (r == XB_TOPIC_DATASTREAM)
    m = history;
  else if (r == XB_TOPIC_FEEDS)
    m = BIT(XB_TOPIC_P_PAGE) | BIT(XB_TOPIC_P_PER_PAGE) | BIT(XB_TOPIC_P_Q) |
        BIT(XB_TOPIC_P_TAG) | BIT(XB_TOPIC_P_USER) | BIT(XB_TOPIC_P_STATUS) |
        BIT(XB_TOPIC_P_SHOW_USER);
  else if (r == XB_TOPIC_KEYS || r == XB_TOPIC_TRIGGERS)
    m = BIT(XB_TOPIC_P_FEED_ID);
  return m;
}

/* A whole value t[off .. end-1] that is %x31-39 *DIGIT with a value of at most maxv. */
/*@ requires \valid_read(t + (0 .. end - 1));
    requires \valid(num) && \separated(num, t + (0 .. end - 1));
    requires off < end;
    requires 1 <= maxv <= XB_TOPIC_ID_MAX;
    assigns *num;
    ensures \result ==> xb_id(t, off, end - off, *num) && *num <= maxv;
*/
static bool whole_num(const uint8_t *t, size_t off, size_t end, uint32_t maxv,
                      uint32_t *num)
{
  size_t e = off;
  bool ok = xb_topic_num(t, end, off, maxv, &e, num);
  return ok && e == end;
}

/* unit = ( "second" / ... / "year" ) [ "s" ] filling t[p .. end-1]; its seconds
 * (XB-TOPIC-19: month 30 days, year 365 days), or 0. */
/*@ requires \valid_read(t + (0 .. end - 1));
    requires p <= end;
    assigns \nothing;
    ensures \result == 0 || \result == 1 || \result == 60 || \result == 3600
         || \result == 86400 || \result == 604800 || \result == 2592000
         || \result == 31536000;
*/
static uint32_t unit_seconds(const uint8_t *t, size_t end, size_t p)
{
  size_t n = end - p;
  uint32_t u = 0;
  /* The unit name is the value without its optional plural 's'. */
  if (n >= 1 && t[end - 1] == 's')
    n--;
  if (is(t, end, p, n, "second", 6))
    u = 1;
  else if (is(t, end, p, n, "minute", 6))
    u = 60;
  else if (is(t, end, p, n, "hour", 4))
    u = 3600;
  else if (is(t, end, p, n, "day", 3))
    u = 86400;
  else if (is(t, end, p, n, "week", 4))
    u = 604800;
  else if (is(t, end, p, n, "month", 5))
    u = 2592000;
  else if (is(t, end, p, n, "year", 4))
    u = 31536000;
  return u;
}

/* count * unit seconds, with constant multipliers only. */
/*@ requires 1 <= c <= 999999;
    requires u == 1 || u == 60 || u == 3600 || u == 86400 || u == 604800
          || u == 2592000 || u == 31536000;
    assigns \nothing;
    ensures 1 <= \result <= 31535968464000;
*/
static int64_t duration_seconds(uint32_t c, uint32_t u)
{
  int64_t n = (int64_t)c, d = n;
  if (u == 60)
    d = n * 60;
  else if (u == 3600)
    d = n * 3600;
  else if (u == 86400)
    d = n * 86400;
  else if (u == 604800)
    d = n * 604800;
  else if (u == 2592000)
    d = n * 2592000;
  else if (u == 31536000)
    d = n * 31536000;
  return d;
}

/* XB-TOPIC-21: the allowed interval at or above v. */
/*@ requires v <= 86400;
    assigns \nothing;
    ensures v <= \result <= 86400;
*/
static uint32_t round_interval(uint32_t v)
{
  uint32_t r = 86400;
  if (v == 0)
    r = 0;
  else if (v <= 30)
    r = 30;
  else if (v <= 60)
    r = 60;
  else if (v <= 300)
    r = 300;
  else if (v <= 900)
    r = 900;
  else if (v <= 1800)
    r = 1800;
  else if (v <= 3600)
    r = 3600;
  else if (v <= 10800)
    r = 10800;
  else if (v <= 21600)
    r = 21600;
  else if (v <= 43200)
    r = 43200;
  return r;
}

/* datastreams-value = ds-id *( "," ds-id ) filling t[off .. end-1]. */
/*@ requires \valid_read(t + (0 .. end - 1));
    requires off < end;
    assigns \nothing;
    ensures \result ==> xb_all_list(t, off, end - off);
*/
static bool ds_list(const uint8_t *t, size_t off, size_t end)
{
  bool ok = true, more = true;
  size_t p = off;
  /*@ loop invariant off <= p <= end;
      loop invariant xb_all_list(t, off, p - off);
      loop invariant more ==> ok;
      loop invariant ok && !more ==> p == end;
      loop assigns p, ok, more;
      loop variant end - p + (more ? 1 : 0);
  */
  while (more) {
    size_t e = xb_topic_scan_word(t, end, p);
    if (e == p || e - p > XB_TOPIC_DSID_MAX) {
      ok = false;
      more = false;
    } else if (e == end) {
      p = e;
      more = false;
    } else if (t[e] == ',' && e + 1 < end) {
      p = e + 1;
    } else {
      ok = false;
      more = false;
    }
  }
  return ok;
}

/*
 * The value t[off .. off+n-1] of parameter k against its rule of §2 and its range
 * (XB-TOPIC-9, 19, 21, 26, 32): *num and *wide receive what xb_topic.h documents.
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires off <= len && 1 <= n <= len - off;
    requires 0 <= k < XB_TOPIC_P_COUNT;
    requires \valid(num) && \valid(wide);
    requires \separated(num, wide, t + (0 .. len - 1));
    assigns *num, *wide;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_PARAM_VALUE;
    behavior time:
      assumes k == XB_TOPIC_P_START || k == XB_TOPIC_P_END;
      ensures \result == XB_TOPIC_OK ==> xb_val(t, off, n, k, *num, *wide);
    behavior duration:
      assumes k == XB_TOPIC_P_DURATION;
      ensures \result == XB_TOPIC_OK ==> xb_val(t, off, n, k, *num, *wide);
    behavior interval:
      assumes k == XB_TOPIC_P_INTERVAL;
      ensures \result == XB_TOPIC_OK ==> xb_val(t, off, n, k, *num, *wide);
    behavior number:
      assumes k == XB_TOPIC_P_LIMIT || k == XB_TOPIC_P_PER_PAGE || k == XB_TOPIC_P_PAGE
              || k == XB_TOPIC_P_FEED_ID;
      ensures \result == XB_TOPIC_OK ==> xb_val(t, off, n, k, *num, *wide);
    behavior words:
      assumes k == XB_TOPIC_P_INTERVAL_TYPE || k == XB_TOPIC_P_FIND_PREVIOUS
              || k == XB_TOPIC_P_SHOW_USER || k == XB_TOPIC_P_STATUS;
      ensures \result == XB_TOPIC_OK ==> xb_val(t, off, n, k, *num, *wide);
    behavior text:
      assumes k == XB_TOPIC_P_DATASTREAMS || k == XB_TOPIC_P_Q || k == XB_TOPIC_P_TAG
              || k == XB_TOPIC_P_USER;
      ensures \result == XB_TOPIC_OK ==> xb_val(t, off, n, k, *num, *wide);
    complete behaviors;
    disjoint behaviors;
*/
static xb_topic_status check_value(const uint8_t *t, size_t len, size_t off, size_t n,
                                   xb_topic_param k, uint32_t *num, int64_t *wide)
{
  size_t end = off + n, e = off;
  bool ok = false;
  uint32_t v = 0;
  int64_t w = 0;
  if (k == XB_TOPIC_P_START || k == XB_TOPIC_P_END) {
    ok = xb_topic_timestamp(t, end, off, &e, &w) && e == end;
  } else if (k == XB_TOPIC_P_DURATION) {
    /* count = %x31-39 *5DIGIT, then the unit */
    ok = xb_topic_num(t, end, off, 999999u, &e, &v);
    if (ok) {
      uint32_t u = unit_seconds(t, end, e);
      ok = u != 0;
      if (ok)
        w = duration_seconds(v, u);
    }
  } else if (k == XB_TOPIC_P_INTERVAL) {
    /* interval-value = "0" / %x31-39 *4DIGIT */
    if (n == 1 && t[off] == '0') {
      ok = true;
    } else {
      ok = whole_num(t, off, end, 86400u, &v);
      if (!ok)
        v = 0;
    }
    w = (int64_t)round_interval(v);
  } else if (k == XB_TOPIC_P_INTERVAL_TYPE) {
    ok = is(t, len, off, n, "discrete", 8);
    v = 1;
  } else if (k == XB_TOPIC_P_FIND_PREVIOUS || k == XB_TOPIC_P_SHOW_USER) {
    v = is(t, len, off, n, "true", 4) ? 1u : 0u;
    ok = v == 1 || is(t, len, off, n, "false", 5);
  } else if (k == XB_TOPIC_P_LIMIT || k == XB_TOPIC_P_PER_PAGE) {
    ok = whole_num(t, off, end, 1000u, &v);
  } else if (k == XB_TOPIC_P_PAGE) {
    ok = whole_num(t, off, end, 100000u, &v);
  } else if (k == XB_TOPIC_P_FEED_ID) {
    ok = whole_num(t, off, end, XB_TOPIC_ID_MAX, &v);
  } else if (k == XB_TOPIC_P_DATASTREAMS) {
    ok = ds_list(t, off, end);
  } else if (k == XB_TOPIC_P_Q || k == XB_TOPIC_P_TAG) {
    ok = n <= XB_TOPIC_TEXT_MAX;
  } else if (k == XB_TOPIC_P_USER) {
    ok = n <= XB_TOPIC_LOGIN_MAX && xb_topic_scan_word(t, end, off) == end;
  } else {
    /* XB_TOPIC_P_STATUS */
    if (is(t, len, off, n, "live", 4)) {
      v = XB_TOPIC_STATUS_LIVE;
      ok = true;
    } else if (is(t, len, off, n, "frozen", 6)) {
      v = XB_TOPIC_STATUS_FROZEN;
      ok = true;
    } else if (is(t, len, off, n, "all", 3)) {
      v = XB_TOPIC_STATUS_ALL;
      ok = true;
    }
  }
  *num = v;
  *wide = w;
  return ok ? XB_TOPIC_OK : XB_TOPIC_BAD_PARAM_VALUE;
}

/* XB-TOPIC-18, the start/end parts of XB-TOPIC-20, and XB-TOPIC-25. */
/*@ requires \valid_read(q);
    assigns \nothing;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_PARAM_CONFLICT;
*/
static xb_topic_status check_combination(const xb_topic_params *q)
{
  const xb_topic_param_slot *p = q->slot;
  bool start = p[XB_TOPIC_P_START].present, end = p[XB_TOPIC_P_END].present;
  bool history = start || end || p[XB_TOPIC_P_DURATION].present;
  xb_topic_status st = XB_TOPIC_OK;
  if (!history && (p[XB_TOPIC_P_INTERVAL].present || p[XB_TOPIC_P_INTERVAL_TYPE].present ||
                   p[XB_TOPIC_P_FIND_PREVIOUS].present || p[XB_TOPIC_P_LIMIT].present))
    st = XB_TOPIC_PARAM_CONFLICT; /* XB-TOPIC-18 */
  else if (start && end && p[XB_TOPIC_P_DURATION].present)
    st = XB_TOPIC_PARAM_CONFLICT; /* XB-TOPIC-20 */
  else if (start && end && q->start_us > q->end_us)
    st = XB_TOPIC_PARAM_CONFLICT; /* XB-TOPIC-20 */
  else if (p[XB_TOPIC_P_INTERVAL_TYPE].present && q->interval_s == 0)
    st = XB_TOPIC_PARAM_CONFLICT; /* XB-TOPIC-25: absent interval is 0 */
  return st;
}

/* Every slot absent, every number zero. */
/*@ requires \valid(q);
    assigns *q;
    ensures xb_no_params(q);
*/
static void clear_params(xb_topic_params *q)
{
  xb_topic_span none = {0, 0};
  size_t k = 0;
  q->start_us = 0;
  q->end_us = 0;
  q->duration_s = 0;
  q->interval_s = 0;
  /*@ loop invariant 0 <= k <= XB_TOPIC_P_COUNT;
      loop invariant \forall integer j; 0 <= j < k ==> !q->slot[j].present;
      loop assigns k, q->slot[0 .. XB_TOPIC_P_COUNT - 1];
      loop variant XB_TOPIC_P_COUNT - k;
  */
  while (k < XB_TOPIC_P_COUNT) {
    q->slot[k].present = false;
    q->slot[k].value = none;
    q->slot[k].num = 0;
    k++;
  }
}

/* Record parameter k, absent so far, whose value t[off .. off+n-1] passed check_value. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(q) && \separated(q, t + (0 .. len - 1));
    requires 0 <= k < XB_TOPIC_P_COUNT;
    requires xb_query_ok(t, q, lo, len);
    requires !q->slot[k].present;
    requires lo <= off && 1 <= n && off + n <= len;
    requires xb_all_valch(t, off, n);
    requires xb_val(t, off, n, k, num, wide);
    assigns q->slot[k], q->start_us, q->end_us, q->duration_s, q->interval_s;
    ensures xb_query_ok(t, q, lo, len);
    ensures q->slot[k].present;
*/
static void store(const uint8_t *t, size_t len, size_t lo, xb_topic_params *q,
                  xb_topic_param k, size_t off, size_t n, uint32_t num, int64_t wide)
{
  (void)t;
  (void)len;
  (void)lo; /* the contract states the slot's rule over t[lo .. len-1] */
  q->slot[k].present = true;
  q->slot[k].value.off = off;
  q->slot[k].value.len = n;
  q->slot[k].num = num;
  if (k == XB_TOPIC_P_START)
    q->start_us = wide;
  else if (k == XB_TOPIC_P_END)
    q->end_us = wide;
  else if (k == XB_TOPIC_P_DURATION)
    q->duration_s = (uint64_t)wide;
  else if (k == XB_TOPIC_P_INTERVAL)
    q->interval_s = (uint32_t)wide;
  /*@ assert xb_param_ok(t, q, k, lo, len); */
  /*@ assert frame: \forall integer j; 0 <= j < XB_TOPIC_P_COUNT && j != k ==>
        q->slot[j].present == \at(q->slot[j].present, Pre)
        && q->slot[j].value.off == \at(q->slot[j].value.off, Pre)
        && q->slot[j].value.len == \at(q->slot[j].value.len, Pre)
        && q->slot[j].num == \at(q->slot[j].num, Pre)
        && xb_wide(q, j) == \at(xb_wide(q, j), Pre); */
  /*@ assert others: \forall integer j; 0 <= j < XB_TOPIC_P_COUNT && j != k ==>
        xb_param_ok(t, q, j, lo, len); */
}

/*
 * The query of a request on res: with has_query, query = param *( "&" param ),
 * param = pname "=" pvalue over t[qoff .. len-1] (the bytes after '?'); without, no
 * parameter. Names are checked before values so a repeated or unknown name is reported
 * as such (XB-TOPIC-16).
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(q) && \separated(q, t + (0 .. len - 1));
    requires qoff <= len;
    requires 0 <= res < XB_TOPIC_RESOURCE_COUNT;
    assigns *q;
    ensures \result == XB_TOPIC_OK || \result == XB_TOPIC_BAD_QUERY
         || \result == XB_TOPIC_UNKNOWN_PARAM || \result == XB_TOPIC_DUPLICATE_PARAM
         || \result == XB_TOPIC_BAD_PARAM_VALUE || \result == XB_TOPIC_PARAM_NOT_ALLOWED
         || \result == XB_TOPIC_PARAM_CONFLICT;
    ensures \result == XB_TOPIC_OK ==> xb_query_ok(t, q, qoff, len);
    ensures !has_query ==> \result == XB_TOPIC_OK && xb_no_params(q);
*/
xb_topic_status xb_topic_parse_query(const uint8_t *t, size_t len, bool has_query,
                                     size_t qoff, xb_topic_resource res,
                                     xb_topic_params *q)
{
  size_t p = qoff;
  uint32_t allowed = allowed_params(res);
  xb_topic_status st = XB_TOPIC_OK;
  clear_params(q);
  if (has_query && p == len)
    st = XB_TOPIC_BAD_QUERY; /* "...json?" */
  /*@ loop invariant qoff <= p <= len;
      loop invariant xb_query_ok(t, q, qoff, len);
      loop invariant st == XB_TOPIC_OK || st == XB_TOPIC_BAD_QUERY
                  || st == XB_TOPIC_UNKNOWN_PARAM || st == XB_TOPIC_DUPLICATE_PARAM
                  || st == XB_TOPIC_BAD_PARAM_VALUE || st == XB_TOPIC_PARAM_NOT_ALLOWED;
      loop invariant !has_query ==> xb_no_params(q) && st == XB_TOPIC_OK;
      loop assigns p, st, q->slot[0 .. XB_TOPIC_P_COUNT - 1], q->start_us, q->end_us,
                   q->duration_s, q->interval_s;
      loop variant len - p + (st == XB_TOPIC_OK ? 1 : 0);
  */
  while (has_query && st == XB_TOPIC_OK && p < len) {
    size_t ne = xb_topic_scan_word(t, len, p);
    if (ne == p || ne == len || t[ne] != '=') {
      st = XB_TOPIC_BAD_QUERY;
    } else {
      xb_topic_param k = lookup(t, len, p, ne - p);
      size_t vs = ne + 1, ve = xb_topic_scan_value(t, len, vs);
      if (k == XB_TOPIC_P_COUNT) {
        st = XB_TOPIC_UNKNOWN_PARAM;
      } else if (q->slot[k].present) {
        st = XB_TOPIC_DUPLICATE_PARAM;
      } else if (ve == vs || (ve < len && t[ve] != '&')) {
        st = XB_TOPIC_BAD_QUERY; /* empty value or a byte outside pvalue */
      } else if (((allowed >> k) & 1u) == 0) {
        st = XB_TOPIC_PARAM_NOT_ALLOWED;
      } else {
        uint32_t num = 0;
        int64_t wide = 0;
        st = check_value(t, len, vs, ve - vs, k, &num, &wide);
        if (st == XB_TOPIC_OK) {
          store(t, len, qoff, q, k, vs, ve - vs, num, wide);
          p = ve;
          if (p < len) {
            p++; /* the '&' */
            if (p == len)
              st = XB_TOPIC_BAD_QUERY; /* trailing '&' */
          }
        }
      }
    }
  }
  if (has_query && st == XB_TOPIC_OK)
    st = check_combination(q);
  return st;
}
