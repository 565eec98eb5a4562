/*
 * xb_valid.h — the value rules of spec/resources.md §1 shared by every resource:
 * trimming, control characters, timestamps, numeric strings, URLs, e-mail addresses,
 * integers, booleans, identifiers and tags.
 */
#ifndef XB_VALID_H
#define XB_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/xb_write.h"
#include "store/xb_arena.h"
#include "util/xb_buf.h"

/* XB-RES-2: strip leading and trailing SP, HT, LF, CR. */
xb_str xb_trim(xb_str s);

/* XB-RES-3: true when s holds U+0000..U+001F or U+007F (TAB/LF/CR allowed if multiline). */
bool xb_has_ctl(xb_str s, bool multiline);

/*
 * XB-RES-6 / XB-TOPIC-9: parse `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|±HH:MM)` into UTC
 * microseconds; false for any other text or an instant outside 1970..9999.
 */
bool xb_time_parse(const char *s, size_t n, int64_t *us);

/* XB-RES-9: numeric string; *v its binary64 value (finite). */
bool xb_numeric(xb_str s, double *v);

/* XB-RES-10: RFC 8259 number text. */
bool xb_json_number_text(xb_str s);

/* XB-RES-11 URL, XB-RES-12 e-mail. */
bool xb_url_ok(xb_str s);
bool xb_email_ok(xb_str s);

/* id-char strings of spec/topics.md: ds-id 1..64, login 1..40, api-key 16..64. */
bool xb_is_word(xb_str s, size_t min, size_t max);

/* Case-sensitive equality of a view and a C string. */
bool xb_str_eq(xb_str s, const char *c);

/*
 * Normalise a tag list (XB-RES-40): strip '"', '\'' and ',', trim, drop empties and
 * duplicates, keep order; at most 32 tags of at most 64 bytes. Elements must be strings.
 * On success *out is the ','-joined store form (unset when empty). Returns NULL on
 * success or a short reason for the 422 detail.
 */
const char *xb_tags_normalize(const xb_list_in *in, xb_arena *a, xb_str *out);

#endif
