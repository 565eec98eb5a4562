/*
 * xb_render_csv.h — the canonical CSV renderers (spec/csv.md §1, §2): v2 records
 * `id,at,value` and `at,value`, and the v1 bare values.
 *
 * CSV exists only for the feed family (spec/resources.md XB-RES-25), so the key, trigger,
 * user and feed-list entries of both tables are NULL; the engine's routes never reach
 * them. The v1 table renders the feed and the datastream only (XB-TOPIC-12).
 */
#ifndef XB_RENDER_CSV_H
#define XB_RENDER_CSV_H

#include "api/xb_render.h"
#include "util/xb_buf.h"

extern const xb_renderer xb_render_csv;    /* /v2/....csv */
extern const xb_renderer xb_render_csv_v1; /* /v1/....csv */

/* Append s as one CSV field, quoted only where XB-CSV-2 requires it. */
void xb_csv_put_field(xb_buf *b, const char *s, size_t n);

#endif
