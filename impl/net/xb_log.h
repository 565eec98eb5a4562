/*
 * xb_log.h — xbridge's logger: one line per event, to stderr or to a file.
 *
 * Line format (spec/errors.md §1: UTC, microseconds, level, then the caller's text,
 * which starts with the event or reason keyword and continues with key=value fields):
 *   2024-11-24T15:39:00.123456Z warn queue-full conn=7 ip=127.0.0.1 client=c1 key=-
 * Each line is written with a single write(2), so lines are never interleaved with
 * another writer of the same file (O_APPEND). Bytes of the message below 0x20 and 0x7f
 * are written as \xNN: messages quote client-supplied text (client ids, topics), and a
 * newline in them must not forge a second log line.
 *
 * Not thread-safe: xbridge is single-threaded by design.
 */
#ifndef XB_LOG_H
#define XB_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  XB_LOG_ERROR = 0,
  XB_LOG_WARN = 1,
  XB_LOG_INFO = 2,
  XB_LOG_DEBUG = 3
} xb_log_level;

/* Lines above this level are discarded before formatting. Default: XB_LOG_INFO. */
void xb_log_set_level(xb_log_level level);
xb_log_level xb_log_get_level(void);
bool xb_log_enabled(xb_log_level level);

/* "error", "warn", "info", "debug" -> level; returns -1 for anything else. */
int xb_log_parse_level(const char *name, xb_log_level *out);
const char *xb_log_level_name(xb_log_level level);

/*
 * Log to a file (appended, created 0640) instead of stderr; NULL means stderr.
 * Returns 0, or -1 with errno set and the previous destination kept.
 */
int xb_log_open(const char *path);

/*
 * Reopen the configured file (after logrotate moved it away): called on SIGHUP.
 * Without a configured file this is a no-op on stderr. Returns 0 or -1 (errno set;
 * the old descriptor stays in use so no line is lost).
 */
int xb_log_reopen(void);

/* Back to stderr, closing the file if one was open. */
void xb_log_close(void);

/*
 * A field value as spec/errors.md writes it: bare when it is non-empty and only bytes
 * %x21-7E other than '"' and '='; otherwise in double quotes with \" \\ and \xHH
 * escapes (so "" for an empty value). Writes into dst (cap bytes, NUL-terminated; a
 * value too long is cut at an escape boundary, still quoted) and returns dst, so it can
 * be used as a printf argument: xb_log_warn("queue-full client=%s", xb_log_val(b, sizeof
 * b, id, id_len)).
 */
const char *xb_log_val(char *dst, size_t cap, const void *val, size_t len);

void xb_log(xb_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xb_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xb_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xb_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xb_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
