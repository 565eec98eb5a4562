/*
 * xb_render_csv.c — canonical CSV output of the feed family (spec/csv.md §1, §2).
 *
 * Records are joined by a single LF with nothing after the last one (XB-CSV-1): every
 * record but the first is written as LF + record, so no renderer has to trim. Ids and
 * timestamps never need quotes (XB-CSV-4); values are their stored text (XB-CSV-5),
 * quoted only where XB-CSV-2 says.
 */
#include "formats/xb_render_csv.h"

#include <string.h>

/* XB-CSV-2: quote when empty, when holding , " CR LF, when starting or ending with
 * SP or HT (a reader trims those, XB-CSV-17), or when starting with U+FEFF (bare, as
 * the first field of a payload, a reader takes it for a byte order mark, XB-CSV-14);
 * inside the quotes each " is doubled. */
static bool xb_csv_starts_with_bom(const char *s, size_t n) {
  return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
         (unsigned char)s[2] == 0xBF;
}

void xb_csv_put_field(xb_buf *b, const char *s, size_t n) {
  bool quote = n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
               xb_csv_starts_with_bom(s, n);
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
  if (!quote) {
    xb_buf_append(b, s, n);
    return;
  }
  xb_buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '"') continue;
    xb_buf_append(b, s + run, i + 1 - run); /* up to and including the quote ... */
    run = i;                                /* ... which is written again: doubled */
  }
  xb_buf_append(b, s + run, n - run);
  xb_buf_putc(b, '"');
}

static void xb_csv_value(xb_buf *b, xb_str v) {
  xb_csv_put_field(b, v.p != NULL ? v.p : "", v.p != NULL ? v.n : 0);
}

/* The record separator of XB-CSV-1: LF before every record but the first. */
static void xb_csv_sep(xb_buf *b, bool *first) {
  if (!*first) xb_buf_putc(b, '\n');
  *first = false;
}

/* XB-CSV-4: every CSV timestamp, YYYY-MM-DDTHH:MM:SS.ffffffZ (libxively reads exactly six
 * fractional digits). */
static void xb_csv_time(xb_buf *b, int64_t us) {
#ifdef XB_MUT_CSV_3_DIGITS /* seeded fault, make conform-mutants only: .fffZ */
  char t[XB_TIME_TEXT_LEN + 1];
  size_t n = xb_time_format(us, t);
  t[n - 4] = 'Z';
  xb_buf_append(b, t, n - 3);
#else
  xb_buf_put_time(b, us);
#endif
}

/* `at,value` (XB-CSV-8, XB-CSV-9, XB-CSV-10). */
static void xb_csv_point(xb_buf *b, bool *first, const xb_point_row *p) {
  xb_csv_sep(b, first);
  xb_csv_time(b, p->at); /* XB-CSV-4 */
  xb_buf_putc(b, ',');
  xb_csv_value(b, p->value);
}

/* `id,at,value` of a history record (XB-CSV-7). */
static void xb_csv_id_point(xb_buf *b, bool *first, xb_str id, const xb_point_row *p) {
  xb_csv_sep(b, first);
  xb_buf_append(b, id.p, id.n);
  xb_buf_putc(b, ',');
  xb_csv_time(b, p->at);
  xb_buf_putc(b, ',');
  xb_csv_value(b, p->value);
}

static int xb_csv_idcmp(xb_str a, xb_str b) {
  size_t n = a.n < b.n ? a.n : b.n;
  int c = memcmp(a.p, b.p, n);
  if (c != 0) return c;
  return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
}

/*
 * XB-CSV-7: the selected datapoints of every datastream merged by ascending `at`, then by
 * ascending byte order of id. The datastreams come sorted by id (XB-RES-59) and each
 * one's points sorted by `at` (XB-RES-67), so a k-way merge keeping one cursor per
 * datastream suffices: at most XB_API_MAX_DS (100) cursors, on the stack, no allocation.
 */
#define XB_CSV_MERGE_MAX 128
static void xb_csv_feed_history(xb_buf *b, const xb_feed_view *v) {
  size_t pos[XB_CSV_MERGE_MAX];
  size_t nds = v->nds < XB_CSV_MERGE_MAX ? v->nds : XB_CSV_MERGE_MAX;
  memset(pos, 0, sizeof pos);
  bool first = true;
  for (;;) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < nds; i++) {
      const xb_ds_view *d = &v->ds[i];
      if (pos[i] >= d->npoints) continue;
      if (best == SIZE_MAX) {
        best = i;
        continue;
      }
      int64_t a = d->points[pos[i]].at, bat = v->ds[best].points[pos[best]].at;
      /* Strictly earlier wins; equal `at` keeps the smaller id, and ids are sorted. */
      if (a < bat || (a == bat && xb_csv_idcmp(d->ds->id, v->ds[best].ds->id) < 0)) best = i;
    }
    if (best == SIZE_MAX) return;
    const xb_ds_view *d = &v->ds[best];
    xb_csv_id_point(b, &first, d->ds->id, &d->points[pos[best]++]);
  }
}

/* XB-CSV-6 (current values) or XB-CSV-7 (history). */
static void xb_csv_feed(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *v) {
  (void)c;
  if (v->history) {
    xb_csv_feed_history(b, v);
    return;
  }
  bool first = true;
  for (size_t i = 0; i < v->nds; i++) {
    const xb_ds_row *d = v->ds[i].ds;
    xb_csv_sep(b, &first);
    xb_buf_append(b, d->id.p, d->id.n);
    xb_buf_putc(b, ',');
    if (d->written) {
      xb_csv_time(b, d->at);
      xb_buf_putc(b, ',');
      xb_csv_value(b, d->current_value);
    } else {
      xb_buf_puts(b, ",\"\""); /* XB-CSV-3, XB-CSV-6: `id,,""` */
    }
  }
}

/* XB-CSV-8 (current value) or XB-CSV-9 (history). */
static void xb_csv_datastream(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                              const xb_ds_view *d) {
  (void)c;
  bool first = true;
  if (f->history) { /* even without datapoints: then the empty payload */
    for (size_t i = 0; i < d->npoints; i++) xb_csv_point(b, &first, &d->points[i]);
    return;
  }
  if (!d->ds->written) {
    xb_buf_puts(b, ",\"\""); /* XB-CSV-8: exactly `,""` */
    return;
  }
  xb_csv_time(b, d->ds->at);
  xb_buf_putc(b, ',');
  xb_csv_value(b, d->ds->current_value);
}

/* XB-CSV-10 */
static void xb_csv_datapoint(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                             const xb_ds_row *d, const xb_point_row *p) {
  (void)c;
  (void)f;
  (void)d;
  bool first = true;
  xb_csv_point(b, &first, p);
}

static void xb_csv_datapoints(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                              const xb_ds_row *d, const xb_point_row *p, size_t n) {
  (void)c;
  (void)f;
  (void)d;
  bool first = true;
  for (size_t i = 0; i < n; i++) xb_csv_point(b, &first, &p[i]);
}

/* XB-CSV-13: `title,detail`, each field quoted by XB-CSV-2. */
static void xb_csv_error(xb_buf *b, const char *title, const char *detail) {
  xb_csv_put_field(b, title, strlen(title));
  xb_buf_putc(b, ',');
  xb_csv_put_field(b, detail, strlen(detail));
}

/* ------------------------------------------------------------------ v1 */

/* XB-CSV-12: one record of the current values in id order; never written is `""`. */
static void xb_csv1_feed(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *v) {
  (void)c;
  for (size_t i = 0; i < v->nds; i++) {
    if (i != 0) xb_buf_putc(b, ',');
    const xb_ds_row *d = v->ds[i].ds;
    xb_csv_value(b, d->written ? d->current_value : XB_STR_LIT(""));
  }
}

/* XB-CSV-11: the value alone; never written is `""`. */
static void xb_csv1_datastream(xb_buf *b, const xb_render_ctx *c, const xb_feed_view *f,
                               const xb_ds_view *d) {
  (void)c;
  (void)f;
  xb_csv_value(b, d->ds->written ? d->ds->current_value : XB_STR_LIT(""));
}

const xb_renderer xb_render_csv = {
    .name = "csv",
    .feed = xb_csv_feed,
    .datastream = xb_csv_datastream,
    .datapoint = xb_csv_datapoint,
    .datapoints = xb_csv_datapoints,
    .error = xb_csv_error,
};

const xb_renderer xb_render_csv_v1 = {
    .name = "csv-v1",
    .feed = xb_csv1_feed,
    .datastream = xb_csv1_datastream,
    .error = xb_csv_error,
};
