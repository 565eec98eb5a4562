/* xb_buf.c — see xb_buf.h. */
#include "util/xb_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xb_buf_init(xb_buf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
  b->failed = false;
}

void xb_buf_free(xb_buf *b) {
  free(b->data);
  xb_buf_init(b, b->max);
}

void xb_buf_reset(xb_buf *b) {
  b->len = 0;
  b->failed = false;
}

bool xb_buf_reserve(xb_buf *b, size_t extra) {
  if (b->failed) return false;
  if (extra > SIZE_MAX - b->len || (b->max != 0 && b->len + extra > b->max)) {
    b->failed = true;
    return false;
  }
  size_t need = b->len + extra;
  if (need <= b->cap) return true;
  /* Doubling keeps appends amortised O(1); the limit caps the last step. */
  size_t ncap = b->cap < 256 ? 256 : b->cap;
  while (ncap < need) ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
  if (b->max != 0 && ncap > b->max) ncap = b->max;
  uint8_t *nd = realloc(b->data, ncap);
  if (nd == NULL) {
    b->failed = true;
    return false;
  }
  b->data = nd;
  b->cap = ncap;
  return true;
}

bool xb_buf_append(xb_buf *b, const void *p, size_t n) {
  if (n == 0) return !b->failed;
  if (!xb_buf_reserve(b, n)) return false;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return true;
}

bool xb_buf_putc(xb_buf *b, char c) {
  if (b->len < b->cap && !b->failed && (b->max == 0 || b->len < b->max)) {
    b->data[b->len++] = (uint8_t)c;
    return true;
  }
  return xb_buf_append(b, &c, 1);
}

bool xb_buf_puts(xb_buf *b, const char *s) { return xb_buf_append(b, s, strlen(s)); }

bool xb_buf_put_u64(xb_buf *b, uint64_t v) {
  char tmp[20];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0);
  return xb_buf_append(b, tmp + i, sizeof tmp - i);
}

bool xb_buf_put_i64(xb_buf *b, int64_t v) {
  if (v >= 0) return xb_buf_put_u64(b, (uint64_t)v);
  xb_buf_putc(b, '-');
  /* -(v + 1) + 1 avoids overflow on INT64_MIN. */
  return xb_buf_put_u64(b, (uint64_t)(-(v + 1)) + 1u);
}

bool xb_buf_printf(xb_buf *b, const char *fmt, ...) {
  if (b->failed) return false;
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = true;
    return false;
  }
  size_t un = (size_t)n;
  if (un < sizeof small) return xb_buf_append(b, small, un);
  /* Rare long output: format into a temporary so the limit check sees exactly un. */
  char *tmp = malloc(un + 1);
  if (tmp == NULL) {
    b->failed = true;
    return false;
  }
  va_start(ap, fmt);
  vsnprintf(tmp, un + 1, fmt, ap);
  va_end(ap);
  bool ok = xb_buf_append(b, tmp, un);
  free(tmp);
  return ok;
}

void xb_buf_truncate(xb_buf *b, size_t n) {
  if (n < b->len) b->len = n;
}
