/*
 * xb_topic_int.h — internal to impl/topic/: the rules of spec/topics.md §2 as ACSL
 * predicates (what the proofs establish about a parsed topic) and the helpers shared by
 * xb_topic.c (key, version, path, format), xb_topic_query.c (query) and
 * xb_topic_lex.c (character runs, numbers, timestamps). Not for use outside topic/.
 */
#ifndef XB_TOPIC_INT_H
#define XB_TOPIC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topic/xb_topic.h"

/*@
  // id-char = ALPHA / DIGIT / "-" / "_"
  predicate xb_word(integer c) =
    ('A' <= c <= 'Z') || ('a' <= c <= 'z') || ('0' <= c <= '9') || c == '-' || c == '_';
  predicate xb_digit(integer c) = '0' <= c <= '9';
  // pvalue characters
  predicate xb_valch(integer c) = xb_word(c) || c == '.' || c == ':' || c == ',' || c == '+';
  // characters of a timestamp
  predicate xb_tsch(integer c) =
    xb_digit(c) || c == '-' || c == ':' || c == 'T' || c == '.' || c == 'Z' || c == '+';

  predicate xb_all_word{L}(uint8_t *t, integer off, integer n) =
    \forall integer i; off <= i < off + n ==> xb_word(t[i]);
  predicate xb_all_digit{L}(uint8_t *t, integer off, integer n) =
    \forall integer i; off <= i < off + n ==> xb_digit(t[i]);
  predicate xb_all_valch{L}(uint8_t *t, integer off, integer n) =
    \forall integer i; off <= i < off + n ==> xb_valch(t[i]);
  predicate xb_all_tsch{L}(uint8_t *t, integer off, integer n) =
    \forall integer i; off <= i < off + n ==> xb_tsch(t[i]);
  predicate xb_all_list{L}(uint8_t *t, integer off, integer n) =
    \forall integer i; off <= i < off + n ==> (xb_word(t[i]) || t[i] == ',');

  // api-key = 16*64id-char ; ds-id = 1*64id-char ; login = 1*40id-char
  predicate xb_api_key{L}(uint8_t *t, integer off, integer n) =
    XB_TOPIC_KEY_MIN <= n <= XB_TOPIC_KEY_MAX && xb_all_word(t, off, n);
  predicate xb_ds_id{L}(uint8_t *t, integer off, integer n) =
    1 <= n <= XB_TOPIC_DSID_MAX && xb_all_word(t, off, n);
  predicate xb_login{L}(uint8_t *t, integer off, integer n) =
    1 <= n <= XB_TOPIC_LOGIN_MAX && xb_all_word(t, off, n);

  // The decimal value of the digits t[off .. off+n-1] (XB-TOPIC-8).
  logic integer xb_dec{L}(uint8_t *t, integer off, integer n) =
    n <= 0 ? 0 : 10 * xb_dec(t, off, n - 1) + (t[off + n - 1] - '0');

  // feed-id = trigger-id = %x31-39 *9DIGIT, 1 .. 2147483647; v is its value
  predicate xb_id{L}(uint8_t *t, integer off, integer n, integer v) =
    1 <= n <= 10 && '1' <= t[off] <= '9' && xb_all_digit(t, off, n)
    && v == xb_dec(t, off, n) && 1 <= v <= XB_TOPIC_ID_MAX;

  logic integer xb_p10(integer k) =
    k <= 0 ? 1 : k == 1 ? 10 : k == 2 ? 100 : k == 3 ? 1000 : k == 4 ? 10000 :
    k == 5 ? 100000 : 1000000;

  // date "T" time = 4DIGIT "-" 2DIGIT "-" 2DIGIT "T" 2DIGIT ":" 2DIGIT ":" 2DIGIT
  predicate xb_ts_head{L}(uint8_t *t, integer off) =
    xb_all_digit(t, off, 4) && t[off + 4] == '-' && xb_all_digit(t, off + 5, 2)
    && t[off + 7] == '-' && xb_all_digit(t, off + 8, 2) && t[off + 10] == 'T'
    && xb_all_digit(t, off + 11, 2) && t[off + 13] == ':' && xb_all_digit(t, off + 14, 2)
    && t[off + 16] == ':' && xb_all_digit(t, off + 17, 2);

  // timestamp = date "T" time [ "." 1*6DIGIT ] zone
  predicate xb_ts{L}(uint8_t *t, integer off, integer n) =
    20 <= n <= 32 && xb_ts_head(t, off) && xb_all_tsch(t, off + 19, n - 19);

  // A path ends at the end of the topic, at the format suffix or at the query.
  predicate xb_seg_end{L}(uint8_t *t, integer len, integer p) =
    p == len || (p < len && (t[p] == '.' || t[p] == '?'));

  predicate xb_has_feed(integer r) =
    r == XB_TOPIC_FEED || r == XB_TOPIC_DATASTREAMS || r == XB_TOPIC_DATASTREAM
    || r == XB_TOPIC_DATAPOINTS || r == XB_TOPIC_DATAPOINT;
  predicate xb_has_ds(integer r) =
    r == XB_TOPIC_DATASTREAM || r == XB_TOPIC_DATAPOINTS || r == XB_TOPIC_DATAPOINT;
  predicate xb_is_collection(integer r) =
    r == XB_TOPIC_FEEDS || r == XB_TOPIC_DATASTREAMS || r == XB_TOPIC_DATAPOINTS
    || r == XB_TOPIC_KEYS || r == XB_TOPIC_TRIGGERS || r == XB_TOPIC_USERS;
  // XB-RES-25: CSV only for feeds, datastreams and datapoints
  predicate xb_format_ok(integer r, integer f) =
    0 <= f <= XB_TOPIC_CSV && (f == XB_TOPIC_CSV ==> xb_has_feed(r));

  predicate xb_span_in(xb_topic_span s, integer lo, integer hi) =
    lo <= s.off && s.off + s.len <= hi;

  // The resource, its ids and the path, in topic order (XB-TOPIC-6..11). The predicates
  // take field values (the XB_* macros below pass them from an xb_topic), so that the
  // reads happen in the proof goal itself, where WP resolves them through earlier writes.
  // pe is the end of the path (path.off + path.len).
  predicate xb_shape_v(integer res, integer coll, integer ver) =
    0 <= res < XB_TOPIC_RESOURCE_COUNT
    && (coll != 0 <==> xb_is_collection(res))
    && (ver == 1 ==> (res == XB_TOPIC_FEED || res == XB_TOPIC_DATASTREAM));

  predicate xb_feed_v{L}(uint8_t *t, integer res, integer po, integer pe, integer fo,
                         integer fl, integer fid) =
    xb_has_feed(res) ==> po <= fo && fo + fl <= pe && xb_id(t, fo, fl, fid);

  // fe: end of the feed id
  predicate xb_ds_v{L}(uint8_t *t, integer res, integer fe, integer pe, integer o,
                       integer n) =
    xb_has_ds(res) ==> fe + 1 <= o && o + n <= pe && xb_ds_id(t, o, n);

  // de: end of the ds-id
  predicate xb_ts_v{L}(uint8_t *t, integer res, integer de, integer pe, integer o,
                       integer n, integer us) =
    res == XB_TOPIC_DATAPOINT ==>
      de + 1 <= o && o + n <= pe && xb_ts(t, o, n) && 0 <= us <= XB_TOPIC_US_MAX;

  predicate xb_named_v{L}(uint8_t *t, integer res, integer po, integer pe, integer ko,
                          integer kl, integer to, integer tl, integer tid, integer lo,
                          integer ll) =
    (res == XB_TOPIC_KEY ==> po <= ko && ko + kl <= pe && xb_api_key(t, ko, kl))
    && (res == XB_TOPIC_TRIGGER ==> po <= to && to + tl <= pe && xb_id(t, to, tl, tid))
    && (res == XB_TOPIC_USER ==> po <= lo && lo + ll <= pe && xb_login(t, lo, ll));

  // Key and version: api-key "/" or an optional "/", then "v1/" or "v2/" (XB-TOPIC-6, 7);
  // po: where the version starts.
  predicate xb_head_v{L}(uint8_t *t, integer len, integer ver, integer ko, integer kl,
                         integer po) =
    (ver == 1 || ver == 2) && ko == 0
    && (kl > 0 ==> xb_api_key(t, 0, kl) && kl < po)
    && po + 3 <= len;

  // The format suffix and the '?' (XB-TOPIC-12, 14, 15).
  predicate xb_tail_v(integer len, integer res, integer ver, integer fmt, integer given,
                      integer pe, integer hq, integer qo, integer ql) =
    xb_format_ok(res, fmt)
    && (ver == 1 ==> fmt == XB_TOPIC_CSV && given != 0)
    && (hq != 0 ==> pe < qo && qo + ql == len)
    && (hq == 0 ==> qo == 0 && ql == 0);

  // A parameter value t[off .. off+n-1] of name k satisfies its rule (§2 values):
  // num is its decoded number, wide its instant / seconds (see xb_topic.h).
  predicate xb_val{L}(uint8_t *t, integer off, integer n, integer k, integer num,
                      integer wide) =
    ((k == XB_TOPIC_P_START || k == XB_TOPIC_P_END) ==>
       xb_ts(t, off, n) && 0 <= wide <= XB_TOPIC_US_MAX)
    && (k == XB_TOPIC_P_DURATION ==> 1 <= num <= 999999 && 1 <= wide <= 31535968464000)
    && (k == XB_TOPIC_P_INTERVAL ==> 0 <= num <= 86400 && num <= wide <= 86400)
    && ((k == XB_TOPIC_P_LIMIT || k == XB_TOPIC_P_PER_PAGE) ==> 1 <= num <= 1000)
    && (k == XB_TOPIC_P_PAGE ==> 1 <= num <= 100000)
    && ((k == XB_TOPIC_P_FIND_PREVIOUS || k == XB_TOPIC_P_SHOW_USER) ==> 0 <= num <= 1)
    && (k == XB_TOPIC_P_FEED_ID ==> xb_id(t, off, n, num))
    && (k == XB_TOPIC_P_USER ==> xb_login(t, off, n))
    && (k == XB_TOPIC_P_DATASTREAMS ==> xb_all_list(t, off, n))
    && ((k == XB_TOPIC_P_Q || k == XB_TOPIC_P_TAG) ==> n <= XB_TOPIC_TEXT_MAX);

  logic integer xb_wide{L}(xb_topic_params *q, integer k) =
    k == XB_TOPIC_P_START ? q->start_us : k == XB_TOPIC_P_END ? q->end_us :
    k == XB_TOPIC_P_DURATION ? q->duration_s : k == XB_TOPIC_P_INTERVAL ? q->interval_s : 0;

  // One query slot, given by value: inside [lo, hi), pvalue characters, its own rule.
  predicate xb_slot_ok{L}(uint8_t *t, integer k, integer present, integer off, integer n,
                          integer num, integer wide, integer lo, integer hi) =
    present != 0 ==>
      (lo <= off && off + n <= hi && n >= 1 && xb_all_valch(t, off, n)
       && xb_val(t, off, n, k, num, wide));

  predicate xb_param_ok{L}(uint8_t *t, xb_topic_params *q, integer k, integer lo,
                           integer hi) =
    xb_slot_ok(t, k, q->slot[k].present, q->slot[k].value.off, q->slot[k].value.len,
               q->slot[k].num, xb_wide(q, k), lo, hi);

  // Every slot of the query t[lo .. hi-1].
  predicate xb_query_ok{L}(uint8_t *t, xb_topic_params *q, integer lo, integer hi) =
    \forall integer k; 0 <= k < XB_TOPIC_P_COUNT ==> xb_param_ok(t, q, k, lo, hi);

  predicate xb_no_params{L}(xb_topic_params *q) =
    \forall integer k; 0 <= k < XB_TOPIC_P_COUNT ==> !q->slot[k].present;
*/

/* The predicates above applied to the fields of an xb_topic *r (for contracts). */
#define XB_PEND(r) ((r)->path.off + (r)->path.len)
#define XB_SHAPE(r) xb_shape_v((r)->resource, (r)->collection, (r)->version)
#define XB_FEED(t, r)                                                                  \
  xb_feed_v(t, (r)->resource, (r)->path.off, XB_PEND(r), (r)->feed.off, (r)->feed.len, \
            (r)->feed_id)
#define XB_DS(t, r)                                                                     \
  xb_ds_v(t, (r)->resource, (r)->feed.off + (r)->feed.len, XB_PEND(r), (r)->ds.off,     \
          (r)->ds.len)
#define XB_TS(t, r)                                                                   \
  xb_ts_v(t, (r)->resource, (r)->ds.off + (r)->ds.len, XB_PEND(r), (r)->ts.off,       \
          (r)->ts.len, (r)->ts_us)
#define XB_NAMED(t, r)                                                                 \
  xb_named_v(t, (r)->resource, (r)->path.off, XB_PEND(r), (r)->key_id.off,             \
             (r)->key_id.len, (r)->trigger.off, (r)->trigger.len, (r)->trigger_id,     \
             (r)->login.off, (r)->login.len)
#define XB_RES(t, r) (XB_SHAPE(r) && XB_FEED(t, r) && XB_DS(t, r) && XB_TS(t, r) && XB_NAMED(t, r))
#define XB_HEAD(t, len, r) xb_head_v(t, len, (r)->version, (r)->key.off, (r)->key.len, (r)->path.off)
#define XB_TAIL(len, r)                                                                 \
  xb_tail_v(len, (r)->resource, (r)->version, (r)->format, (r)->format_explicit,        \
            XB_PEND(r), (r)->has_query, (r)->query.off, (r)->query.len)
/* Everything before the query (XB-TOPIC-6..14). */
#define XB_PATH_OK(t, len, r) \
  (XB_HEAD(t, len, r) && XB_PEND(r) <= (len) && XB_RES(t, r) && XB_TAIL(len, r))

size_t xb_topic_scan_word(const uint8_t *t, size_t len, size_t pos);
size_t xb_topic_scan_digits(const uint8_t *t, size_t len, size_t pos);
size_t xb_topic_scan_value(const uint8_t *t, size_t len, size_t pos);
bool xb_topic_lit(const uint8_t *t, size_t len, size_t pos, const char *lit, size_t n);
bool xb_topic_num(const uint8_t *t, size_t len, size_t pos, uint32_t maxv, size_t *end,
                  uint32_t *val);
bool xb_topic_timestamp(const uint8_t *t, size_t len, size_t pos, size_t *end, int64_t *us);
xb_topic_status xb_topic_parse_query(const uint8_t *t, size_t len, bool has_query,
                                     size_t qoff, xb_topic_resource res,
                                     xb_topic_params *q);

#endif
