/*
 * xb_json_canon.h — the compact canonical form of a parsed JSON document.
 *
 * Writes a token subtree produced by xb_json_parse back as one JSON text with the
 * output rules of spec/json.md §1 that do not depend on the resource: no whitespace
 * outside strings (XB-JSON-1), strings unescaped and escaped again exactly as XB-JSON-4
 * says (xb_json_put_string, the renderer's own escaper), numbers and literals as their
 * source text (XB-JSON-26), members and elements in document order.
 *
 * Used by xbparse (--to json of an arbitrary document) and by the fuzz target's round
 * trip (parse, render, parse again: the same tree). Not part of the proof unit: it
 * allocates (xb_buf), which the parser never does.
 */
#ifndef XB_JSON_CANON_H
#define XB_JSON_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/xb_json.h"
#include "util/xb_buf.h"

/*
 * Append the canonical form of the subtree of token root (tokens[0 .. n-1] over
 * in[0 .. len-1]) to out. Returns false, with out possibly partly written, when the
 * tokens are not a consistent parse of in (bad index, span or nesting) or when out
 * failed (memory or its limit); true otherwise.
 */
bool xb_json_canon(const uint8_t *in, size_t len, const xb_json_token *tokens, size_t n,
                   size_t root, xb_buf *out);

#endif
