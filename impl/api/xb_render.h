/*
 * xb_render.h — what a format renderer receives, and the renderer interface.
 *
 * The engine loads the state to render into views (store rows plus what a rendering
 * needs beyond them: computed status, base URLs, history datapoints, waypoints) and
 * hands them to the renderer of the request's format. A renderer is a table of
 * functions, one per readable resource shape; a format that has no rendering for a
 * resource leaves the entry NULL (spec/resources.md XB-RES-25 decides which exist).
 * Adding a format is one file defining one xb_renderer (xb_render_json.c is the model)
 * plus one line in xb_render_for().
 *
 * Renderers append to an xb_buf and never fail on their own: the buffer's sticky
 * failure flag tells the caller whether the output is complete.
 */
#ifndef XB_RENDER_H
#define XB_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/xb_store.h"
#include "util/xb_buf.h"

typedef struct {
  const char *api_base;  /* XB-RES-15 api-base-url, no trailing '/' */
  const char *site_base; /* XB-RES-15 site-base-url */
} xb_render_ctx;

typedef struct {
  const xb_ds_row *ds;
  const xb_point_row *points; /* history datapoints (ascending at), only in history reads */
  size_t npoints;
} xb_ds_view;

typedef struct {
  const xb_feed_row *feed;
  bool live;      /* status (XB-RES-36), computed at the rendering request's time */
  bool show_user; /* XB-TOPIC-29 */
  const xb_waypoint_row *wps;
  size_t nwps;
  const xb_ds_view *ds; /* in ascending byte order of id (XB-RES-59), filtered */
  size_t nds;
  /* A history request (XB-TOPIC-18): CSV then renders only the selected datapoints,
   * possibly none (XB-CSV-7, XB-CSV-9); JSON and XML add them to the usual attributes. */
  bool history;
} xb_feed_view;

typedef struct {
  uint64_t total;    /* totalResults */
  uint64_t start;    /* startIndex */
  uint64_t per_page; /* itemsPerPage */
  const xb_feed_view *feeds;
  size_t n;
} xb_feed_list_view;

typedef struct xb_renderer {
  const char *name;
  void (*feed)(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f);
  void (*feed_list)(xb_buf *b, const xb_render_ctx *c, const xb_feed_list_view *l);
  /* A datastream read; f carries the feed (envelope of XML, ids of CSV). */
  void (*datastream)(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                     const xb_ds_view *d);
  void (*datapoint)(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                    const xb_ds_row *d, const xb_point_row *p);
  void (*datapoints)(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                     const xb_ds_row *d, const xb_point_row *p, size_t n);
  void (*key)(xb_buf *b, const xb_render_ctx *c, const xb_key_row *k);
  void (*keys)(xb_buf *b, const xb_render_ctx *c, const xb_key_row *k, size_t n);
  void (*trigger)(xb_buf *b, const xb_render_ctx *c, const xb_trigger_row *t);
  void (*triggers)(xb_buf *b, const xb_render_ctx *c, const xb_trigger_row *t, size_t n);
  void (*user)(xb_buf *b, const xb_render_ctx *c, const xb_user_row *u);
  void (*users)(xb_buf *b, const xb_render_ctx *c, const xb_user_row *u, size_t n);
  /* Error body (XB-RES-88): title and one-line detail. */
  void (*error)(xb_buf *b, const char *title, const char *detail);
} xb_renderer;

/* The renderer of (API version 1/2, format 0 json, 1 xml, 2 csv); NULL if none yet. */
const xb_renderer *xb_render_for(unsigned version, unsigned format);

/* XB-RES-7: YYYY-MM-DDTHH:MM:SS.ffffffZ (27 bytes + NUL) for us >= 0. */
#define XB_TIME_TEXT_LEN 27
size_t xb_time_format(int64_t us, char out[XB_TIME_TEXT_LEN + 1]);

/* Append the XB-RES-7 form of us. */
void xb_buf_put_time(xb_buf *b, int64_t us);

/* Iterate a ','-joined tag list (store form): next tag from *pos; false at the end. */
bool xb_tags_next(xb_str tags, size_t *pos, xb_str *tag);

#endif
