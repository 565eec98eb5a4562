/*
 * xb_buf.h — a growable byte buffer that keeps its capacity.
 *
 * Renderers write into an xb_buf owned by the caller; resetting it keeps the memory, so
 * once a connection or the engine has rendered its largest message, later renders do not
 * allocate. A buffer may carry a hard limit (max): growing past it fails instead of
 * allocating, which bounds the memory a single message can take.
 *
 * Failure is sticky: after an allocation failure or a limit hit, every append is a no-op
 * and xb_buf_ok() is false until xb_buf_reset(). Renderers therefore append freely and
 * check once at the end.
 */
#ifndef XB_BUF_H
#define XB_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A string view (not NUL-terminated in general); p == NULL means "absent / unset". */
typedef struct {
  const char *p;
  size_t n;
} xb_str;

#define XB_STR_NONE ((xb_str){NULL, 0})
#define XB_STR_LIT(s) ((xb_str){(s), sizeof(s) - 1})

static inline bool xb_str_set(xb_str s) { return s.p != NULL; }

typedef struct {
  uint8_t *data; /* NULL until the first growth */
  size_t len;    /* bytes in use */
  size_t cap;    /* bytes allocated */
  size_t max;    /* 0 = no limit; else len never exceeds max */
  bool failed;   /* sticky: an append did not fit (memory or max) */
} xb_buf;

/* An empty buffer with limit max (0 = none). Allocates nothing. */
void xb_buf_init(xb_buf *b, size_t max);

/* Release the memory; the buffer is empty and usable again (same limit). */
void xb_buf_free(xb_buf *b);

/* Forget the content and the failure, keep the capacity. */
void xb_buf_reset(xb_buf *b);

/* Make room for extra more bytes; false (and failed set) if impossible. */
bool xb_buf_reserve(xb_buf *b, size_t extra);

bool xb_buf_append(xb_buf *b, const void *p, size_t n);
bool xb_buf_putc(xb_buf *b, char c);
bool xb_buf_puts(xb_buf *b, const char *s);

/* Decimal forms, without the locale. */
bool xb_buf_put_u64(xb_buf *b, uint64_t v);
bool xb_buf_put_i64(xb_buf *b, int64_t v);

/* printf-style append (used off the hot path only). */
bool xb_buf_printf(xb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Truncate to n bytes (n <= len); capacity and failure state unchanged. */
void xb_buf_truncate(xb_buf *b, size_t n);

static inline bool xb_buf_ok(const xb_buf *b) { return !b->failed; }

#endif
