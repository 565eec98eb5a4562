/*
 * xb_blob.h — shared, reference-counted byte blocks for fan-out.
 *
 * A notification is rendered once into a blob; every subscriber's output queue takes a
 * reference (xb_conn_send_blob) instead of a copy, and the block goes back to the pool
 * when the last connection has written it. Typical use by the session layer:
 *
 *   xb_blob *b = xb_blob_new(payload_len);       // refs = 1 (the renderer's)
 *   memcpy(xb_blob_data(b), payload, payload_len);
 *   xb_blob_set_len(b, payload_len);
 *   for each subscriber: xb_conn_send_blob(c, hdr, hdr_len, b, 0, payload_len, 0);
 *   xb_blob_unref(b);                             // drop the renderer's reference
 *
 * Blocks come from power-of-two size classes (256 B .. 256 KiB of capacity), each with
 * a free list holding at most ~1 MiB, so steady-state fan-out does not call malloc;
 * larger blocks are malloc'd and freed directly. The pool is process-wide and not
 * thread-safe (xbridge is single-threaded). Content is immutable once shared: write it
 * before the first xb_conn_send_blob.
 */
#ifndef XB_BLOB_H
#define XB_BLOB_H

#include <stddef.h>
#include <stdint.h>

typedef struct xb_blob xb_blob;

/* A blob with at least cap bytes of capacity, length 0, one reference. NULL: ENOMEM. */
xb_blob *xb_blob_new(size_t cap);
/* A blob holding a copy of data[0..len). */
xb_blob *xb_blob_copy(const void *data, size_t len);

uint8_t *xb_blob_data(xb_blob *b);
const uint8_t *xb_blob_cdata(const xb_blob *b);
size_t xb_blob_len(const xb_blob *b);
size_t xb_blob_cap(const xb_blob *b);
/* len <= cap (clamped otherwise). */
void xb_blob_set_len(xb_blob *b, size_t len);

xb_blob *xb_blob_ref(xb_blob *b);
/* Drops one reference; the last one returns the block to the pool. NULL is ignored. */
void xb_blob_unref(xb_blob *b);
uint32_t xb_blob_refs(const xb_blob *b);

typedef struct {
  size_t live;         /* blobs with at least one reference */
  size_t pooled;       /* blocks waiting in the free lists */
  size_t pooled_bytes; /* their capacity */
  uint64_t allocs;     /* malloc calls made for blocks since start */
} xb_blob_stats;

void xb_blob_get_stats(xb_blob_stats *out);
/* Frees every pooled block (shutdown, or to give memory back after a burst). */
void xb_blob_pool_trim(void);

#endif
