/* xb_arena.c — see xb_arena.h. */
#include "store/xb_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct xb_arena_block {
  xb_arena_block *next;
  size_t size; /* bytes of data[] */
  size_t used;
  max_align_t data[]; /* aligned storage */
};

void xb_arena_init(xb_arena *a, size_t block_size, size_t limit) {
  a->head = NULL;
  a->block_size = block_size < 1024 ? 1024 : block_size;
  a->used_total = 0;
  a->limit = limit;
}

void xb_arena_free(xb_arena *a) {
  xb_arena_block *b = a->head;
  while (b != NULL) {
    xb_arena_block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
  a->used_total = 0;
}

void xb_arena_reset(xb_arena *a) {
  /* Keep the oldest ordinary-sized block; oversized ones are returned to the system. */
  xb_arena_block *keep = NULL;
  xb_arena_block *b = a->head;
  while (b != NULL) {
    xb_arena_block *n = b->next;
    if (n == NULL && b->size == a->block_size) {
      keep = b; /* the oldest block, of the ordinary size */
    } else {
      free(b);
    }
    b = n;
  }
  if (keep != NULL) {
    keep->next = NULL;
    keep->used = 0;
  }
  a->head = keep;
  a->used_total = 0;
}

void *xb_arena_alloc(xb_arena *a, size_t n) {
  size_t need = (n + 7u) & ~(size_t)7u;
  if (need < n) return NULL;
  if (a->limit != 0 && (need > a->limit || a->used_total > a->limit - need)) return NULL;
  xb_arena_block *b = a->head;
  if (b == NULL || b->size - b->used < need) {
    size_t size = need > a->block_size ? need : a->block_size;
    if (size > SIZE_MAX - sizeof(xb_arena_block)) return NULL;
    xb_arena_block *nb = malloc(sizeof(xb_arena_block) + size);
    if (nb == NULL) return NULL;
    nb->size = size;
    nb->used = 0;
    nb->next = b;
    a->head = nb;
    b = nb;
  }
  void *p = (unsigned char *)b->data + b->used;
  b->used += need;
  a->used_total += need;
  return p;
}

char *xb_arena_strndup(xb_arena *a, const void *p, size_t n) {
  if (n == SIZE_MAX) return NULL;
  char *d = xb_arena_alloc(a, n + 1);
  if (d == NULL) return NULL;
  if (n != 0) memcpy(d, p, n);
  d[n] = '\0';
  return d;
}
