/*
 * xb_json_internal.h — helpers shared by the xb_json*.c files; not part of the API.
 * Their ACSL contracts sit above their definitions.
 */
#ifndef XB_JSON_INTERNAL_H
#define XB_JSON_INTERNAL_H

#include "formats/xb_json.h"

/* Length (2..4) of the well-formed multi-byte UTF-8 character at in[pos], or 0 with
 * *bad = offset of the first byte that breaks it. */
size_t xb_json__utf8_len(const uint8_t *in, size_t len, size_t pos, size_t *bad);

/* Value 0..15 of a hexadecimal digit, 16 for any other byte. */
unsigned xb_json__hexval(uint8_t c);

/* What a lexer found. Returned by value: the proof then needs no memory frame. */
typedef struct {
  xb_json_status status; /* XB_JSON_OK, XB_JSON_SYNTAX or XB_JSON_BAD_UTF8 */
  size_t end;            /* OK: strings: the closing quote; others: one past the lexeme */
  size_t err;            /* not OK: offset of the first offending byte */
  bool escaped;          /* strings: a backslash escape was seen */
  uint16_t type;         /* literals: XB_JSON_TRUE, XB_JSON_FALSE or XB_JSON_NULL */
} xb_json_lex;

/* Lexers: each starts at in[pos] and stops at the first byte that cannot continue.
 * scan_string starts after the opening quote. */
xb_json_lex xb_json__scan_string(const uint8_t *in, size_t len, size_t start);
xb_json_lex xb_json__scan_number(const uint8_t *in, size_t len, size_t pos);
xb_json_lex xb_json__scan_literal(const uint8_t *in, size_t len, size_t pos);

/* One unit of a string span: a raw character or an escape, unescaped into out[0..3]. */
size_t xb_json__unit(const uint8_t *in, size_t pos, size_t end, uint8_t *out,
                     size_t *nout);

/* Equality of the unescaped values of two string spans. */
bool xb_json__span_eq(const uint8_t *in, size_t len, size_t aoff, size_t alen,
                      bool aesc, size_t boff, size_t blen, bool besc);

#endif
