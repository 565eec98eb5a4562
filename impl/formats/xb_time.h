/*
 * xb_time.h — the ISO 8601 timestamps of the API (spec/topics.md `timestamp`, XB-TOPIC-9,
 * spec/resources.md XB-RES-6 / XB-RES-7), as microseconds since 1970-01-01T00:00:00Z.
 *
 * Accepted text (nothing else: no lower-case t/z, no space for T, no 7th fraction digit):
 *   YYYY-MM-DDTHH:MM:SS [ "." 1*6DIGIT ] ( "Z" / ("+" / "-") HH:MM )
 * with a real calendar date (Gregorian leap years), hour 00..23, minute and second
 * 00..59, zone hour 00..23 and minute 00..59, and the instant, once converted to UTC,
 * within [1970-01-01T00:00:00Z, 9999-12-31T23:59:59.999999Z].
 *
 * Pure functions (no I/O, no globals, no allocation), proven by Frama-C/WP in the csv
 * proof unit (proofs/units/csv.mk). Names avoid xb_time_parse/xb_time_format, which
 * impl/api uses for its own helpers.
 */
#ifndef XB_TIME_H
#define XB_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The last representable instant: 9999-12-31T23:59:59.999999Z. */
#define XB_ISO8601_MAX_US INT64_C(253402300799999999)
/* Length of the canonical rendering `YYYY-MM-DDTHH:MM:SS.ffffffZ` (XB-RES-7). */
#define XB_ISO8601_CANON_LEN 27u

/*@
  predicate xb_iso_digit(integer c) = '0' <= c <= '9';
  logic integer xb_iso_dv(integer c) = c - '0';
*/

/*
 * Parse s[0 .. n-1] (no NUL needed, nothing outside read). true and *us set when the
 * text is a valid timestamp; false (and *us untouched) otherwise, and for s or us NULL.
 */
bool xb_iso8601_parse(const uint8_t *s, size_t n, int64_t *us);

/*
 * Render us (0 .. XB_ISO8601_MAX_US) as `YYYY-MM-DDTHH:MM:SS.ffffffZ` into out (27 bytes,
 * no NUL). Returns 27, or 0 (nothing written) when us is out of range, out is NULL or
 * cap < 27.
 */
size_t xb_iso8601_format(int64_t us, uint8_t *out, size_t cap);

#endif
