/*
 * xb_blob.c — see xb_blob.h.
 */
#include "net/xb_blob.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define XB_BLOB_MIN_SHIFT 8u  /* 256 B */
#define XB_BLOB_MAX_SHIFT 18u /* 256 KiB: one maximal MQTT packet of the default limits */
#define XB_BLOB_CLASSES (XB_BLOB_MAX_SHIFT - XB_BLOB_MIN_SHIFT + 1u)
#define XB_BLOB_POOL_BYTES (1u << 20) /* per class: bounds what an idle server keeps */
#define XB_BLOB_UNPOOLED 0xffu

struct xb_blob {
  union {
    struct xb_blob *next_free; /* while pooled */
    uint32_t refs;             /* while live */
  } u;
  size_t len;
  size_t cap;
  uint8_t cls; /* size class index, or XB_BLOB_UNPOOLED */
  /* Aligned so callers may render structured data into it. */
  _Alignas(16) uint8_t data[];
};

static struct {
  xb_blob *head;
  size_t count;
} g_free[XB_BLOB_CLASSES];
static size_t g_live;
static size_t g_pooled;
static size_t g_pooled_bytes;
static uint64_t g_allocs;

static unsigned class_of(size_t cap) {
  unsigned c = 0;
  while (c < XB_BLOB_CLASSES && ((size_t)1 << (c + XB_BLOB_MIN_SHIFT)) < cap) c++;
  return c; /* == XB_BLOB_CLASSES: too large for the pool */
}

xb_blob *xb_blob_new(size_t cap) {
  unsigned c = class_of(cap);
  xb_blob *b = NULL;
  if (c < XB_BLOB_CLASSES && g_free[c].head != NULL) {
    b = g_free[c].head;
    g_free[c].head = b->u.next_free;
    g_free[c].count--;
    g_pooled--;
    g_pooled_bytes -= b->cap;
  } else {
    size_t real = c < XB_BLOB_CLASSES ? (size_t)1 << (c + XB_BLOB_MIN_SHIFT) : cap;
    if (real > SIZE_MAX - sizeof *b) return NULL;
    b = malloc(sizeof *b + real);
    if (b == NULL) return NULL;
    g_allocs++;
    b->cap = real;
    b->cls = c < XB_BLOB_CLASSES ? (uint8_t)c : XB_BLOB_UNPOOLED;
  }
  b->u.refs = 1;
  b->len = 0;
  g_live++;
  return b;
}

xb_blob *xb_blob_copy(const void *data, size_t len) {
  xb_blob *b = xb_blob_new(len);
  if (b == NULL) return NULL;
  if (len > 0) memcpy(b->data, data, len);
  b->len = len;
  return b;
}

uint8_t *xb_blob_data(xb_blob *b) { return b->data; }
const uint8_t *xb_blob_cdata(const xb_blob *b) { return b->data; }
size_t xb_blob_len(const xb_blob *b) { return b->len; }
size_t xb_blob_cap(const xb_blob *b) { return b->cap; }

void xb_blob_set_len(xb_blob *b, size_t len) { b->len = len <= b->cap ? len : b->cap; }

xb_blob *xb_blob_ref(xb_blob *b) {
  assert(b->u.refs > 0 && b->u.refs < UINT32_MAX);
  b->u.refs++;
  return b;
}

uint32_t xb_blob_refs(const xb_blob *b) { return b->u.refs; }

void xb_blob_unref(xb_blob *b) {
  if (b == NULL) return;
  assert(b->u.refs > 0);
  if (--b->u.refs > 0) return;
  g_live--;
  unsigned c = b->cls;
  if (c < XB_BLOB_CLASSES && (g_free[c].count + 1u) * b->cap <= XB_BLOB_POOL_BYTES) {
    b->u.next_free = g_free[c].head;
    g_free[c].head = b;
    g_free[c].count++;
    g_pooled++;
    g_pooled_bytes += b->cap;
    return;
  }
  free(b);
}

void xb_blob_get_stats(xb_blob_stats *out) {
  out->live = g_live;
  out->pooled = g_pooled;
  out->pooled_bytes = g_pooled_bytes;
  out->allocs = g_allocs;
}

void xb_blob_pool_trim(void) {
  for (unsigned c = 0; c < XB_BLOB_CLASSES; c++) {
    while (g_free[c].head) {
      xb_blob *b = g_free[c].head;
      g_free[c].head = b->u.next_free;
      free(b);
    }
    g_free[c].count = 0;
  }
  g_pooled = 0;
  g_pooled_bytes = 0;
}
