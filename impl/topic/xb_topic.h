/*
 * xb_topic.h — the topic parser of xbridge (spec/topics.md, XB-TOPIC-n).
 *
 * An MQTT topic names an API request: an optional API key prefix, the API version, the
 * resource path, an optional format suffix and an optional query. The parser turns the
 * topic bytes into an xb_topic whose strings are views (xb_topic_span: offset + length)
 * into the topic it was given, so nothing is copied and nothing outlives the input.
 *
 * Pure: no malloc, no globals, no I/O. Proven by Frama-C/WP (proofs/units/topic.mk):
 * no run-time error on any input (XB-TOPIC-5), every span lies inside the topic, spans
 * come in topic order (key, version, feed, datastream, timestamp, query), each span
 * satisfies its grammar rule's characters and length, and numeric ids equal the decimal
 * value of their digits. Fuzzed by fuzz/topic with a render-and-reparse round trip.
 *
 * Division of work (spec/mapping.md XB-MAP-9 / XB-MAP-10 order of checks):
 * - The parser decides steps that depend on the topic alone: length (XB-TOPIC-1),
 *   wildcard (XB-TOPIC-2), the grammar with every XB-TOPIC-4..12 rule (not-api-topic),
 *   the format defined for the resource (XB-TOPIC-14, XB-RES-25: bad-format) and all of
 *   the query rules that need no clock and no store (XB-TOPIC-15 for v1, 16, 17, 18,
 *   the start+end+duration and start-after-end parts of 20, 21, 25, value syntax and
 *   ranges: bad-query).
 * - The caller decides what needs the method or the request: method-not-allowed
 *   (XB-MAP-5: a read of a datastreams collection; no format check is ever masked by
 *   it, since that collection allows every format), a query on a PUBLISH or will
 *   (XB-TOPIC-15: look at has_query), defaults (limit 100, per_page 50, page 1,
 *   interval 0), the history window from "now" and its maximum W (XB-TOPIC-20, 22),
 *   and everything of the store (existence, permission).
 * Because method-not-allowed comes before bad-query, a query status (see
 * xb_topic_status_is_query) still delivers a complete, valid path part (key, version,
 * resource, ids, format): the caller checks the method first, then reports the query.
 */
#ifndef XB_TOPIC_H
#define XB_TOPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XB_TOPIC_MAX_LEN_DEFAULT 1024u /* spec/limits.md max-topic-length */
#define XB_TOPIC_KEY_MIN 16u
#define XB_TOPIC_KEY_MAX 64u
#define XB_TOPIC_DSID_MAX 64u
#define XB_TOPIC_LOGIN_MAX 40u
#define XB_TOPIC_ID_MAX 2147483647u   /* feed-id, trigger-id (XB-TOPIC-8) */
#define XB_TOPIC_TEXT_MAX 64u         /* q and tag values */
/* Last instant a timestamp may denote: 9999-12-31T23:59:59.999999Z (XB-TOPIC-9). */
#define XB_TOPIC_US_MAX 253402300799999999LL

/* A view into the topic: bytes [off, off + len). */
typedef struct {
  size_t off;
  size_t len;
} xb_topic_span;

/*
 * Why a topic was refused. The groups follow the log reasons of XB-TOPIC-36
 * (xb_topic_reason() gives the reason string); the finer status is for debug logs.
 */
typedef enum {
  XB_TOPIC_OK = 0,
  /* topic-too-long */
  XB_TOPIC_TOO_LONG,         /* longer than max-topic-length (XB-TOPIC-1) */
  /* wildcard-filter */
  XB_TOPIC_WILDCARD,         /* contains '+' or '#' (XB-TOPIC-2) */
  /* not-api-topic (XB-TOPIC-3, 4, 6..12) */
  XB_TOPIC_BAD_ARG,          /* NULL topic or result (a caller bug) */
  XB_TOPIC_EMPTY,            /* zero-length topic */
  XB_TOPIC_BAD_KEY,          /* first segment neither "/", "v1", "v2" nor api-key + "/" */
  XB_TOPIC_BAD_VERSION,      /* not "v1/" or "v2/" where the version must be */
  XB_TOPIC_UNKNOWN_RESOURCE, /* no such path in that version, trailing or empty segment */
  XB_TOPIC_BAD_ID,           /* feed-id, trigger-id, ds-id, api-key or login malformed */
  XB_TOPIC_BAD_TIMESTAMP,    /* datapoint timestamp malformed or no real instant */
  XB_TOPIC_BAD_SUFFIX,       /* not .json/.xml/.csv, or v1 without .csv (XB-TOPIC-12) */
  /* bad-format */
  XB_TOPIC_BAD_FORMAT,       /* format not defined for the resource (XB-TOPIC-14) */
  /* bad-query (XB-TOPIC-15..27) */
  XB_TOPIC_BAD_QUERY,        /* syntax: empty query or parameter, no '=', empty value,
                                a byte outside pvalue, a query on v1 */
  XB_TOPIC_UNKNOWN_PARAM,    /* a name outside pname (XB-TOPIC-16) */
  XB_TOPIC_DUPLICATE_PARAM,  /* a name given twice (XB-TOPIC-16) */
  XB_TOPIC_BAD_PARAM_VALUE,  /* value outside its rule or range */
  XB_TOPIC_PARAM_NOT_ALLOWED, /* valid name, not on this target (XB-TOPIC-17) */
  XB_TOPIC_PARAM_CONFLICT,   /* XB-TOPIC-18, 20 (start+end+duration, start > end), 25 */
  XB_TOPIC_STATUS_COUNT
} xb_topic_status;

typedef enum {
  XB_TOPIC_FEEDS = 0,   /* /v2/feeds */
  XB_TOPIC_FEED,        /* /v2/feeds/F, /v1/feeds/F.csv */
  XB_TOPIC_DATASTREAMS, /* /v2/feeds/F/datastreams */
  XB_TOPIC_DATASTREAM,  /* /v2/feeds/F/datastreams/D, /v1/feeds/F/datastreams/D.csv */
  XB_TOPIC_DATAPOINTS,  /* /v2/feeds/F/datastreams/D/datapoints */
  XB_TOPIC_DATAPOINT,   /* /v2/feeds/F/datastreams/D/datapoints/T */
  XB_TOPIC_KEYS,        /* /v2/keys */
  XB_TOPIC_KEY,         /* /v2/keys/K */
  XB_TOPIC_TRIGGERS,    /* /v2/triggers */
  XB_TOPIC_TRIGGER,     /* /v2/triggers/N */
  XB_TOPIC_USERS,       /* /v2/users */
  XB_TOPIC_USER,        /* /v2/users/L */
  XB_TOPIC_RESOURCE_COUNT
} xb_topic_resource;

typedef enum { XB_TOPIC_JSON = 0, XB_TOPIC_XML, XB_TOPIC_CSV } xb_topic_format;

/* The names of `pname`; one slot each in xb_topic.params.slot. */
typedef enum {
  XB_TOPIC_P_START = 0,     /* timestamp: start_us */
  XB_TOPIC_P_END,           /* timestamp: end_us */
  XB_TOPIC_P_DURATION,      /* count unit: num = count, duration_s */
  XB_TOPIC_P_INTERVAL,      /* 0..86400: num as written, interval_s rounded up */
  XB_TOPIC_P_INTERVAL_TYPE, /* "discrete": num = 1 */
  XB_TOPIC_P_FIND_PREVIOUS, /* true / false: num = 1 / 0 */
  XB_TOPIC_P_LIMIT,         /* 1..1000: num */
  XB_TOPIC_P_DATASTREAMS,   /* ds-id *( "," ds-id ): the raw list */
  XB_TOPIC_P_SHOW_USER,     /* true / false: num = 1 / 0 */
  XB_TOPIC_P_FEED_ID,       /* feed-id: num */
  XB_TOPIC_P_PAGE,          /* 1..100000: num */
  XB_TOPIC_P_PER_PAGE,      /* 1..1000: num */
  XB_TOPIC_P_Q,             /* pvalue, at most 64 bytes */
  XB_TOPIC_P_TAG,           /* pvalue, at most 64 bytes */
  XB_TOPIC_P_USER,          /* login */
  XB_TOPIC_P_STATUS,        /* live / frozen / all: num = xb_topic_feed_status */
  XB_TOPIC_P_COUNT
} xb_topic_param;

typedef enum {
  XB_TOPIC_STATUS_LIVE = 0,
  XB_TOPIC_STATUS_FROZEN,
  XB_TOPIC_STATUS_ALL
} xb_topic_feed_status;

typedef struct {
  bool present;
  xb_topic_span value; /* the raw value, never percent-decoded; {0, 0} when absent */
  uint32_t num;        /* decoded number / boolean / enum (see xb_topic_param); else 0 */
} xb_topic_param_slot;

/* The query: one slot per name, so lookups are O(1) and nothing grows. */
typedef struct {
  xb_topic_param_slot slot[XB_TOPIC_P_COUNT];
  int64_t start_us;    /* slot[START] as an instant, microseconds since 1970 UTC */
  int64_t end_us;      /* slot[END] */
  uint64_t duration_s; /* slot[DURATION] in seconds (XB-TOPIC-19) */
  uint32_t interval_s; /* slot[INTERVAL] rounded up to the allowed set (XB-TOPIC-21) */
} xb_topic_params;

typedef struct {
  xb_topic_span key;      /* prefix api-key; {0, 0} when absent (XB-TOPIC-6) */
  uint8_t version;        /* 1 or 2 */
  xb_topic_span path;     /* "v2/feeds/504": version up to the suffix or '?' */
  xb_topic_resource resource;
  bool collection;        /* PUBLISH = post (create), else put (XB-MAP-3) */
  uint32_t feed_id;       /* FEED .. DATAPOINT */
  xb_topic_span feed;     /* its digits */
  xb_topic_span ds;       /* DATASTREAM, DATAPOINTS, DATAPOINT: ds-id */
  xb_topic_span ts;       /* DATAPOINT: the timestamp as written */
  int64_t ts_us;          /* DATAPOINT: that instant, microseconds since 1970 UTC */
  xb_topic_span key_id;   /* KEY: the api-key named by the path */
  uint32_t trigger_id;    /* TRIGGER */
  xb_topic_span trigger;  /* its digits */
  xb_topic_span login;    /* USER */
  xb_topic_format format; /* the suffix, else JSON (XB-TOPIC-12) */
  bool format_explicit;   /* a suffix was written */
  bool has_query;         /* a '?' follows the path (PUBLISH: bad-query, XB-TOPIC-15) */
  xb_topic_span query;    /* the bytes after '?' */
  xb_topic_params params; /* every slot absent without a query */
} xb_topic;

/*
 * Classify and parse topic t[0 .. len-1] as the bridge does (XB-TOPIC-1, 2, 3, 36):
 * XB_TOPIC_TOO_LONG when len > max_len (spec/limits.md max-topic-length, default
 * XB_TOPIC_MAX_LEN_DEFAULT), then XB_TOPIC_WILDCARD when any byte is '+' or '#', then
 * xb_topic_parse_api(). t needs no terminating NUL; an embedded NUL is a byte no rule
 * allows (XB-TOPIC-4).
 */
xb_topic_status xb_topic_parse(const uint8_t *t, size_t len, size_t max_len, xb_topic *out);

/*
 * The grammar of spec/topics.md §2..§4 alone, with no length limit and no wildcard
 * rule: '+' is accepted where the grammar allows it (a zone "+02:00", a pvalue), as
 * the spec's note on '+' asks of the parser itself (ports, fuzzers).
 * XB_TOPIC_OK: *out describes the request. A query status: the path part of *out
 * (key .. format_explicit, has_query) is complete and valid, the query part is not.
 * Any other status: *out is unspecified.
 */
xb_topic_status xb_topic_parse_api(const uint8_t *t, size_t len, xb_topic *out);

/* True for the statuses logged `bad-query`. */
bool xb_topic_status_is_query(xb_topic_status s);

/* The log reason of XB-TOPIC-36 ("topic-too-long", "wildcard-filter",
 * "not-api-topic", "bad-format", "bad-query"); "ok" for XB_TOPIC_OK. Never NULL. */
const char *xb_topic_reason(xb_topic_status s);

/* Short names for debug logs ("bad key", "feed", "duration"); never NULL. */
const char *xb_topic_status_str(xb_topic_status s);
const char *xb_topic_resource_str(xb_topic_resource r);
const char *xb_topic_param_str(xb_topic_param p);

/* The format is defined for the resource (XB-RES-25; v1 is CSV by grammar). */
bool xb_topic_format_allowed(xb_topic_resource r, xb_topic_format f);

#endif
