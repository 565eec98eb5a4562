/*
 * xb_write.h — the format-independent content of a write payload.
 *
 * Each input format (JSON, XML, CSV v2 and v1) maps its syntax onto these
 * structures; the engine then applies the resource rules of spec/resources.md to them,
 * so that the same content gives the same stored state in every format (XB-RES-90).
 *
 * A value keeps the type it had in the payload (string, number, boolean, null), because
 * some attributes accept only some types (XB-JSON-29, XB-RES-13, XB-RES-14); strings are
 * unescaped, number texts are the exact source bytes (XB-JSON-26). Trimming (XB-RES-2)
 * and every content rule are applied by the engine, not by the format mappers.
 * A format that has no types (XML, CSV) produces strings only.
 */
#ifndef XB_WRITE_H
#define XB_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/xb_arena.h"
#include "util/xb_buf.h"

typedef enum {
  XB_V_ABSENT = 0, /* member not in the payload */
  XB_V_NULL,       /* JSON null */
  XB_V_STR,        /* string (s = unescaped bytes) */
  XB_V_NUM,        /* number (s = source text) */
  XB_V_BOOL        /* true / false (b) */
} xb_vtype;

typedef struct {
  unsigned char type; /* xb_vtype */
  bool b;
  xb_str s;
} xb_val;

typedef struct {
  bool present;
  xb_val *items; /* each a scalar value (type checks are the engine's) */
  size_t n;
} xb_list_in;

typedef struct {
  xb_val at, value;
} xb_point_in;

typedef struct {
  xb_val id;
  xb_val current_value, at, max_value, min_value;
  unsigned char unit; /* 0 absent, 1 null, 2 object */
  xb_val unit_label, unit_symbol, unit_type;
  xb_list_in tags;
  bool has_points;
  xb_point_in *points;
  size_t npoints;
} xb_ds_in;

typedef struct {
  xb_val title, is_private, description, website, icon, email;
  xb_list_in tags;
  unsigned char location; /* 0 absent, 1 null, 2 object */
  xb_val disposition, domain, exposure, name, lat, lon, ele;
  bool has_ds;
  xb_ds_in *ds;
  size_t nds;
} xb_feed_in;

typedef struct {
  xb_val feed_id, datastream_id;
} xb_res_in;

typedef struct {
  xb_val label;
  xb_list_in methods;
  xb_val source_ip, referer, minimum_interval;
  bool has_res;
  xb_res_in *res;
  size_t nres;
} xb_perm_in;

typedef struct {
  xb_val label, expires_at, private_access;
  bool has_perms;
  xb_perm_in *perms;
  size_t nperms;
} xb_key_in;

typedef struct {
  xb_val url, trigger_type, threshold_value, environment_id, stream_id;
} xb_trigger_in;

typedef struct {
  xb_val login, full_name, email, website, about, organisation, timezone;
} xb_user_in;

/*
 * Result of mapping a payload: status 0 (ok), 400 (syntax) or 422 (shape). One field is
 * an input: max_values, set by the engine before the call (xb_parse_err_init) to the
 * request's max-datapoints (XB-RES-63), lets a format that collects values as it parses
 * (CSV) bound its memory by the limit rather than by the payload.
 */
typedef struct {
  int status;
  char detail[256]; /* one line (XB-RES-88) */
  const char *title; /* "JSON Parser Error" etc. for 400 syntax errors, else NULL */
  const char *reason; /* log reason of a 422 when not "invalid" (too-many-datapoints) */
  size_t max_values;  /* in: XB-RES-63 limit of values per request */
} xb_parse_err;

static inline void xb_parse_err_init(xb_parse_err *e, size_t max_values) {
  e->status = 0;
  e->detail[0] = '\0';
  e->title = NULL;
  e->reason = NULL;
  e->max_values = max_values;
}

/*
 * What a write payload can be; one entry per writable resource shape. Each returns 0,
 * 400 or 422 with err filled. Memory comes from the arena. A format that cannot express
 * a shape leaves the entry NULL (the route then does not exist for that format).
 */
typedef struct xb_input_ops {
  const char *name;
  int (*feed)(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *out, xb_parse_err *e);
  /* POST .../datastreams: a feed-shaped wrapper whose datastreams are listed. */
  int (*datastreams)(const uint8_t *p, size_t n, xb_arena *a, xb_feed_in *out,
                     xb_parse_err *e);
  int (*datastream)(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *out, xb_parse_err *e);
  /* POST .../datapoints: out->points. */
  int (*datapoints)(const uint8_t *p, size_t n, xb_arena *a, xb_ds_in *out, xb_parse_err *e);
  /* PUT .../datapoints/T: the value. */
  int (*datapoint)(const uint8_t *p, size_t n, xb_arena *a, xb_val *value, xb_parse_err *e);
  int (*key)(const uint8_t *p, size_t n, xb_arena *a, xb_key_in *out, xb_parse_err *e);
  int (*trigger)(const uint8_t *p, size_t n, xb_arena *a, xb_trigger_in *out,
                 xb_parse_err *e);
  int (*user)(const uint8_t *p, size_t n, xb_arena *a, xb_user_in *out, xb_parse_err *e);
} xb_input_ops;

/* The input mapper of (version, format 0 json / 1 xml / 2 csv); NULL if none. */
const xb_input_ops *xb_input_for(unsigned version, unsigned format);

extern const xb_input_ops xb_input_json;   /* spec/json.md §3-§4 */
extern const xb_input_ops xb_input_xml;    /* spec/xml.md §4-§5 */
extern const xb_input_ops xb_input_csv;    /* spec/csv.md §3-§4, v2 */
extern const xb_input_ops xb_input_csv_v1; /* spec/csv.md XB-CSV-27, XB-CSV-28 */

#endif
