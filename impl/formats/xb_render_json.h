/*
 * xb_render_json.h — the canonical JSON renderer ("version":"1.0.0", spec/json.md §1-§2).
 *
 * Compact output, members in the order of the spec tables, unset attributes and empty
 * arrays omitted (XB-JSON-1..XB-JSON-7). The functions are reached through the
 * xb_renderer table (api/xb_render.h); xb_json_put_string is exported for other JSON
 * producers (error bodies, tools).
 */
#ifndef XB_RENDER_JSON_H
#define XB_RENDER_JSON_H

#include "api/xb_render.h"
#include "util/xb_buf.h"

extern const xb_renderer xb_render_json;

/* Append s as a JSON string with the escapes of XB-JSON-4 (quotes included). */
void xb_json_put_string(xb_buf *b, const char *s, size_t n);

#endif
