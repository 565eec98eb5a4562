/*
 * xb_api_int.h — internals shared by the engine's source files (not a public header).
 */
#ifndef XB_API_INT_H
#define XB_API_INT_H

#include "api/xb_api.h"
#include "api/xb_render.h"
#include "api/xb_write.h"
#include "auth/xb_auth.h"
#include "store/xb_store.h"

struct xb_api {
  xb_store *st;
  xb_keycache *kc;
  xb_api_config cfg;
  char api_base[256];
  char site_base[256];
  xb_render_ctx rctx;
  xb_arena arena; /* per request; reset at the start of each */
  bool in_batch;
  xb_api_response scratch; /* response of internal checks and renders */
};

/* History selection of a feed or datastream read (XB-TOPIC-18..XB-TOPIC-27). */
typedef struct {
  bool on;       /* a history request */
  int64_t s, e;  /* window, inclusive */
  int64_t interval; /* seconds, from the allowed set */
  bool discrete;
  bool find_previous;
  size_t limit;
} xb_hist;

/* One request being executed. */
typedef struct {
  xb_api *api;
  const xb_api_request *req;
  xb_api_response *resp;
  const xb_topic *t;
  const uint8_t *tb;
  unsigned method;          /* XB_M_* */
  int64_t now;
  xb_ip ip;
  const xb_key_row *key;    /* NULL: anonymous or system */
  bool system;              /* as_user: master and administrator rights */
  int64_t user_id;          /* acting user, 0 when anonymous */
  bool admin;               /* acting user is an administrator */
  xb_str ds;                /* datastream id of the topic */
  /* Feed of the target (feed family), filled by the authorization step. */
  bool feed_exists;
  int64_t feed_owner;
  bool feed_private;
  const xb_renderer *render;
  const xb_input_ops *input;
  xb_hist hist;
  const char *err_title; /* XB-RES-88 title of a parse error ("JSON Parser Error") */
} xb_rq;

/* Span text of the topic. */
static inline xb_str xb_rq_span(const xb_rq *q, xb_topic_span s) {
  return (xb_str){(const char *)q->tb + s.off, s.len};
}

/* Set the failure of the response (status, reason keyword, detail) and return status. */
int xb_rq_fail(xb_rq *q, int status, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A store failure: 500 store-error (XB-ERR-45), or 422 when the store ran out of arena. */
int xb_rq_store_fail(xb_rq *q, xb_store_status r);

/* ---- xb_api_authz.c: steps 1..3 of XB-AUTHZ-2 for the request's target. */
int xb_authz_request(xb_rq *q);
/* Whether the request's key may read feed f one by one (XB-AUTHZ-17, XB-AUTHZ-18). */
bool xb_authz_can_read_feed(xb_rq *q, uint32_t feed_id, int64_t owner, bool is_private);

/* ---- xb_api_read.c: GET of every readable target; the history parameters. */
int xb_read_target(xb_rq *q, xb_buf *out);
int xb_hist_prepare(xb_rq *q);

/* ---- xb_api_feed.c: writes of the feed family. */
int xb_write_feed_create(xb_rq *q);
int xb_write_feed(xb_rq *q);
int xb_write_datastreams(xb_rq *q);
int xb_write_datastream(xb_rq *q);
int xb_write_datapoints(xb_rq *q);
int xb_write_datapoint(xb_rq *q);

/* ---- xb_api_acct.c: keys, triggers, users. */
int xb_write_key_create(xb_rq *q);
int xb_write_key(xb_rq *q);
int xb_write_trigger_create(xb_rq *q);
int xb_write_trigger(xb_rq *q);
int xb_write_user_create(xb_rq *q);
int xb_write_user(xb_rq *q);
/* XB-RES-30: create a user and its master key (explicit or generated api_key). */
int xb_acct_create_user(xb_rq *q, xb_str login, const xb_user_row *attrs, bool admin,
                        const char *api_key, char key_out[XB_API_KEY_TEXT]);
/* XB-RES-70: 40 lower-case hex characters from the OS random source. */
bool xb_acct_random_key(char out[41]);

/* ---- shared value helpers (xb_api_feed.c) */
/* Validate an optional string attribute (XB-RES-2..4); *out unset when null/empty. */
int xb_opt_text(xb_rq *q, const char *name, xb_val v, size_t max, bool multiline, xb_str cur,
                xb_str *out);
int xb_opt_url(xb_rq *q, const char *name, xb_val v, size_t max, xb_str cur, xb_str *out);
int xb_opt_email(xb_rq *q, const char *name, xb_val v, xb_str cur, xb_str *out);
/* XB-RES-13: JSON integer or decimal string within [min, max]. */
int xb_int_attr(xb_rq *q, const char *name, xb_val v, int64_t min, int64_t max, int64_t *out);
/* XB-RES-14 */
int xb_bool_attr(xb_rq *q, const char *name, xb_val v, bool *out);
/* XB-JSON-29: datastream id from a string or a number whose text is a ds-id. */
int xb_dsid_attr(xb_rq *q, const char *name, xb_val v, xb_str *out);

/* ---- datastream content (xb_api_values.c) */
/* Values a datastream object writes (XB-RES-63 counting). */
size_t xb_ds_value_count(const xb_ds_in *in);
/* Apply min/max, unit, tags, datapoints and current value of in to d (XB-RES-52..58);
 * datapoints are stored as they go (the request's savepoint undoes them on failure).
 * *history is set when a value was written. */
int xb_ds_apply(xb_rq *q, xb_ds_row *d, const xb_ds_in *in, bool *history);
/* Whether the current state (XB-SUB-9) of two datastream rows differs. */
bool xb_ds_state_differs(const xb_ds_row *a, const xb_ds_row *b);
/* Whether the feed's own fields (all but updated) differ (XB-SUB-8). */
bool xb_feed_fields_differ(const xb_feed_row *a, const xb_feed_row *b);
/* Equality of two optional strings (both unset, or same bytes). */
bool xb_str_equal(xb_str a, xb_str b);

#endif
