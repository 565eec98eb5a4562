/*
 * Fuzz target: the topic parser (impl/topic/, spec/topics.md). The input is one topic.
 *
 * Checks, aborting with "promise broken: ..." on a violation:
 * - classification: xb_topic_parse agrees with xb_topic_parse_api on topics within the
 *   length limit and without '+'/'#', says TOO_LONG for any shorter limit and WILDCARD
 *   for a '+' or '#' (XB-TOPIC-1, 2);
 * - on OK (and on a query status, for the path part): every span inside the topic, in
 *   topic order, of its rule's characters and length; ids equal to their digits; v1
 *   only CSV; the format defined for the resource; each present slot inside the query,
 *   of pvalue characters, of its rule; the datapoint instant equal to timegm()'s;
 * - round trip: the request re-rendered canonically (leading '/', ids in decimal,
 *   parameters in enum order) parses to the same request, and renders identically.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topic/xb_topic.h"

#define CHECK(c, what)                                                               \
  do {                                                                               \
    if (!(c)) {                                                                      \
      fprintf(stderr, "promise broken: %s (%s:%d)\n", what, __FILE__, __LINE__);    \
      abort();                                                                       \
    }                                                                                \
  } while (0)

static bool is_id_char(uint8_t c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

static bool is_value_char(uint8_t c)
{
  return is_id_char(c) || c == '.' || c == ':' || c == ',' || c == '+';
}

static bool inside(xb_topic_span s, size_t lo, size_t hi)
{
  return s.off >= lo && s.off <= hi && s.len <= hi - s.off;
}

static bool all_id(const uint8_t *t, xb_topic_span s)
{
  for (size_t i = 0; i < s.len; i++)
    if (!is_id_char(t[s.off + i]))
      return false;
  return true;
}

/* The decimal value of a span of digits without a leading zero, or -1. */
static long long decimal(const uint8_t *t, xb_topic_span s)
{
  long long v = 0;
  if (s.len == 0 || s.len > 10 || t[s.off] == '0')
    return -1;
  for (size_t i = 0; i < s.len; i++) {
    uint8_t c = t[s.off + i];
    if (c < '0' || c > '9')
      return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

static bool has_feed(xb_topic_resource r)
{
  return r == XB_TOPIC_FEED || r == XB_TOPIC_DATASTREAMS || r == XB_TOPIC_DATASTREAM ||
         r == XB_TOPIC_DATAPOINTS || r == XB_TOPIC_DATAPOINT;
}

static bool has_ds(xb_topic_resource r)
{
  return r == XB_TOPIC_DATASTREAM || r == XB_TOPIC_DATAPOINTS || r == XB_TOPIC_DATAPOINT;
}

static bool is_collection(xb_topic_resource r)
{
  return r == XB_TOPIC_FEEDS || r == XB_TOPIC_DATASTREAMS || r == XB_TOPIC_DATAPOINTS ||
         r == XB_TOPIC_KEYS || r == XB_TOPIC_TRIGGERS || r == XB_TOPIC_USERS;
}

/* An independent oracle for the datapoint instant: libc's timegm. */
static long long oracle_us(const uint8_t *t, xb_topic_span s)
{
  char buf[40];
  int y, mo, d, h, mi, sec, n = 0;
  long long frac = 0, scale = 100000;
  if (s.len >= sizeof buf)
    return -1;
  memcpy(buf, t + s.off, s.len);
  buf[s.len] = 0;
  if (sscanf(buf, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
    return -1;
  const char *p = buf + 19;
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
      frac += (*p - '0') * scale;
  }
  long long zone = 0;
  if (*p == '+' || *p == '-')
    zone = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600LL + ((p[4] - '0') * 10 + (p[5] - '0')) * 60LL;
  if (*p == '-')
    zone = -zone;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  long long secs = (long long)timegm(&tm);
  return (secs - zone) * 1000000LL + frac;
}

/* The promises about everything before the query. */
static void check_path(const uint8_t *t, size_t len, const xb_topic *r)
{
  CHECK(r->version == 1 || r->version == 2, "version");
  CHECK(r->key.off == 0, "key at 0");
  if (r->key.len > 0) {
    CHECK(r->key.len >= 16 && r->key.len <= 64 && all_id(t, r->key), "api-key rule");
    CHECK(r->key.len < r->path.off && t[r->key.len] == '/', "key then /");
  }
  CHECK(r->path.off <= 1 || r->key.len > 0, "path start");
  CHECK(inside(r->path, 0, len), "path inside");
  size_t hi = r->path.off + r->path.len;
  CHECK(r->path.len >= 3 && t[r->path.off] == 'v', "path starts with version");
  CHECK(r->resource >= 0 && r->resource < XB_TOPIC_RESOURCE_COUNT, "resource");
  CHECK(r->collection == is_collection(r->resource), "collection");
  if (has_feed(r->resource)) {
    CHECK(inside(r->feed, r->path.off, hi), "feed inside");
    CHECK(decimal(t, r->feed) == (long long)r->feed_id, "feed id value");
    CHECK(r->feed_id >= 1 && r->feed_id <= 2147483647u, "feed id range");
  }
  if (has_ds(r->resource)) {
    CHECK(inside(r->ds, r->feed.off + r->feed.len + 1, hi), "ds after feed");
    CHECK(r->ds.len >= 1 && r->ds.len <= 64 && all_id(t, r->ds), "ds-id rule");
  }
  if (r->resource == XB_TOPIC_DATAPOINT) {
    CHECK(inside(r->ts, r->ds.off + r->ds.len + 1, hi), "ts after ds");
    CHECK(r->ts_us >= 0 && r->ts_us <= XB_TOPIC_US_MAX, "ts range");
    CHECK(oracle_us(t, r->ts) == r->ts_us, "ts instant = timegm");
  }
  if (r->resource == XB_TOPIC_KEY)
    CHECK(inside(r->key_id, r->path.off, hi) && r->key_id.len >= 16 && r->key_id.len <= 64 &&
              all_id(t, r->key_id),
          "key id rule");
  if (r->resource == XB_TOPIC_TRIGGER)
    CHECK(inside(r->trigger, r->path.off, hi) && decimal(t, r->trigger) == (long long)r->trigger_id,
          "trigger id");
  if (r->resource == XB_TOPIC_USER)
    CHECK(inside(r->login, r->path.off, hi) && r->login.len >= 1 && r->login.len <= 40 &&
              all_id(t, r->login),
          "login rule");
  if (r->version == 1)
    CHECK((r->resource == XB_TOPIC_FEED || r->resource == XB_TOPIC_DATASTREAM) &&
              r->format == XB_TOPIC_CSV && r->format_explicit,
          "v1 shape");
  CHECK(xb_topic_format_allowed(r->resource, r->format), "format for resource");
  if (r->has_query)
    CHECK(r->query.off == hi + (r->format_explicit ? (r->format == XB_TOPIC_JSON ? 5u : 4u) : 0u) + 1 &&
              r->query.off + r->query.len == len && t[r->query.off - 1] == '?',
          "query after path");
  else
    CHECK(hi + (r->format_explicit ? (r->format == XB_TOPIC_JSON ? 5u : 4u) : 0u) == len,
          "path + suffix is the whole topic");
}

static void check_query(const uint8_t *t, const xb_topic *r)
{
  for (int k = 0; k < XB_TOPIC_P_COUNT; k++) {
    const xb_topic_param_slot *s = &r->params.slot[k];
    if (!s->present)
      continue;
    CHECK(r->has_query && inside(s->value, r->query.off, r->query.off + r->query.len) &&
              s->value.len >= 1,
          "slot inside query");
    for (size_t i = 0; i < s->value.len; i++)
      CHECK(is_value_char(t[s->value.off + i]), "pvalue characters");
    CHECK(t[s->value.off - 1] == '=', "value after '='");
    if (k == XB_TOPIC_P_LIMIT || k == XB_TOPIC_P_PER_PAGE)
      CHECK(s->num >= 1 && s->num <= 1000 && decimal(t, s->value) == s->num, "limit range");
    if (k == XB_TOPIC_P_PAGE)
      CHECK(s->num >= 1 && s->num <= 100000 && decimal(t, s->value) == s->num, "page range");
    if (k == XB_TOPIC_P_FEED_ID)
      CHECK(decimal(t, s->value) == s->num, "feed_id value");
    if (k == XB_TOPIC_P_INTERVAL)
      CHECK(s->num <= 86400 && r->params.interval_s >= s->num && r->params.interval_s <= 86400, "interval");
    if (k == XB_TOPIC_P_START)
      CHECK(oracle_us(t, s->value) == r->params.start_us, "start instant");
    if (k == XB_TOPIC_P_END)
      CHECK(oracle_us(t, s->value) == r->params.end_us, "end instant");
  }
}

struct out {
  char b[2048];
  size_t n;
};

static void put(struct out *o, const void *p, size_t n)
{
  if (o->n + n <= sizeof o->b) {
    memcpy(o->b + o->n, p, n);
    o->n += n;
  }
}

static void puts_(struct out *o, const char *s)
{
  put(o, s, strlen(s));
}

static void put_span(struct out *o, const uint8_t *t, xb_topic_span s)
{
  put(o, t + s.off, s.len);
}

static void put_num(struct out *o, unsigned long v)
{
  char buf[24];
  snprintf(buf, sizeof buf, "%lu", v);
  puts_(o, buf);
}

/* The canonical topic of a parsed request. */
static void render(const uint8_t *t, const xb_topic *r, struct out *o)
{
  static const char *const fmt[] = {".json", ".xml", ".csv"};
  o->n = 0;
  put_span(o, t, r->key);
  puts_(o, r->version == 1 ? "/v1/" : "/v2/");
  switch (r->resource) {
  case XB_TOPIC_KEYS: case XB_TOPIC_KEY:
    puts_(o, "keys");
    if (r->resource == XB_TOPIC_KEY) { puts_(o, "/"); put_span(o, t, r->key_id); }
    break;
  case XB_TOPIC_TRIGGERS: case XB_TOPIC_TRIGGER:
    puts_(o, "triggers");
    if (r->resource == XB_TOPIC_TRIGGER) { puts_(o, "/"); put_num(o, r->trigger_id); }
    break;
  case XB_TOPIC_USERS: case XB_TOPIC_USER:
    puts_(o, "users");
    if (r->resource == XB_TOPIC_USER) { puts_(o, "/"); put_span(o, t, r->login); }
    break;
  default:
    puts_(o, "feeds");
    if (has_feed(r->resource)) { puts_(o, "/"); put_num(o, r->feed_id); }
    if (r->resource >= XB_TOPIC_DATASTREAMS) puts_(o, "/datastreams");
    if (has_ds(r->resource)) { puts_(o, "/"); put_span(o, t, r->ds); }
    if (r->resource >= XB_TOPIC_DATAPOINTS) puts_(o, "/datapoints");
    if (r->resource == XB_TOPIC_DATAPOINT) { puts_(o, "/"); put_span(o, t, r->ts); }
    break;
  }
  if (r->format_explicit)
    puts_(o, fmt[r->format]);
  if (r->has_query) {
    const char *sep = "?";
    for (int k = 0; k < XB_TOPIC_P_COUNT; k++) {
      if (!r->params.slot[k].present)
        continue;
      puts_(o, sep);
      puts_(o, xb_topic_param_str((xb_topic_param)k));
      puts_(o, "=");
      put_span(o, t, r->params.slot[k].value);
      sep = "&";
    }
  }
}

static bool span_eq(const uint8_t *a, xb_topic_span x, const uint8_t *b, xb_topic_span y)
{
  return x.len == y.len && memcmp(a + x.off, b + y.off, x.len) == 0;
}

static void same_request(const uint8_t *a, const xb_topic *x, const uint8_t *b, const xb_topic *y)
{
  CHECK(x->version == y->version && x->resource == y->resource &&
            x->collection == y->collection && x->format == y->format &&
            x->format_explicit == y->format_explicit && x->has_query == y->has_query,
        "round trip: request shape");
  CHECK(span_eq(a, x->key, b, y->key), "round trip: key");
  if (has_feed(x->resource))
    CHECK(x->feed_id == y->feed_id, "round trip: feed");
  if (has_ds(x->resource))
    CHECK(span_eq(a, x->ds, b, y->ds), "round trip: ds");
  if (x->resource == XB_TOPIC_DATAPOINT)
    CHECK(span_eq(a, x->ts, b, y->ts) && x->ts_us == y->ts_us, "round trip: ts");
  if (x->resource == XB_TOPIC_KEY)
    CHECK(span_eq(a, x->key_id, b, y->key_id), "round trip: key id");
  if (x->resource == XB_TOPIC_TRIGGER)
    CHECK(x->trigger_id == y->trigger_id, "round trip: trigger");
  if (x->resource == XB_TOPIC_USER)
    CHECK(span_eq(a, x->login, b, y->login), "round trip: login");
  for (int k = 0; k < XB_TOPIC_P_COUNT; k++) {
    const xb_topic_param_slot *p = &x->params.slot[k], *q = &y->params.slot[k];
    CHECK(p->present == q->present, "round trip: slot presence");
    if (p->present)
      CHECK(span_eq(a, p->value, b, q->value) && p->num == q->num, "round trip: slot value");
  }
  if (x->params.slot[XB_TOPIC_P_START].present)
    CHECK(x->params.start_us == y->params.start_us, "round trip: start");
  if (x->params.slot[XB_TOPIC_P_END].present)
    CHECK(x->params.end_us == y->params.end_us, "round trip: end");
  if (x->params.slot[XB_TOPIC_P_DURATION].present)
    CHECK(x->params.duration_s == y->params.duration_s, "round trip: duration");
  if (x->params.slot[XB_TOPIC_P_INTERVAL].present)
    CHECK(x->params.interval_s == y->params.interval_s, "round trip: interval");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  xb_topic r, r2;
  bool wild = memchr(data, '+', size) != NULL || memchr(data, '#', size) != NULL;
  xb_topic_status api = xb_topic_parse_api(data, size, &r);
  xb_topic_status st = xb_topic_parse(data, size, XB_TOPIC_MAX_LEN_DEFAULT, &r2);

  CHECK(api >= 0 && api < XB_TOPIC_STATUS_COUNT, "status range");
  CHECK(api != XB_TOPIC_TOO_LONG && api != XB_TOPIC_WILDCARD, "grammar never classifies");
  if (size > XB_TOPIC_MAX_LEN_DEFAULT)
    CHECK(st == XB_TOPIC_TOO_LONG, "too long first");
  else if (wild)
    CHECK(st == XB_TOPIC_WILDCARD, "wildcard second");
  else
    CHECK(st == api, "parse = parse_api on classified topics");
  if (size > 0)
    CHECK(xb_topic_parse(data, size, size - 1, &r2) == XB_TOPIC_TOO_LONG, "limit exact");
  CHECK(strcmp(xb_topic_reason(api), "") != 0, "reason");

  if (api == XB_TOPIC_OK || xb_topic_status_is_query(api))
    check_path(data, size, &r);
  if (api != XB_TOPIC_OK)
    return 0;
  check_query(data, &r);
  CHECK(!(r.params.slot[XB_TOPIC_P_START].present && r.params.slot[XB_TOPIC_P_END].present) ||
            r.params.start_us <= r.params.end_us,
        "start <= end");

  struct out o1, o2;
  render(data, &r, &o1);
  CHECK(o1.n < sizeof o1.b, "render fits");
  xb_topic_status st1 = xb_topic_parse_api((const uint8_t *)o1.b, o1.n, &r2);
  CHECK(st1 == XB_TOPIC_OK, "canonical form parses");
  same_request(data, &r, (const uint8_t *)o1.b, &r2);
  render((const uint8_t *)o1.b, &r2, &o2);
  CHECK(o1.n == o2.n && memcmp(o1.b, o2.b, o1.n) == 0, "render is idempotent");
  return 0;
}
