/*
 * xb_keycache.c — API keys kept in memory between requests.
 *
 * Direct-mapped by a hash of the key text; each slot owns an arena holding one key row
 * with its permissions. The whole cache is dropped when the store's key generation
 * changes (any key or user write, any rollback: XB-STORE-11 "in-memory state derived
 * from the store is restored"), so a lookup always answers what the store would.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/xb_auth.h"

typedef struct {
  bool valid;
  xb_arena arena;
  xb_key_row row;
} xb_kc_slot;

struct xb_keycache {
  size_t nslots;
  uint64_t gen;
  xb_kc_slot *slots;
};

xb_keycache *xb_keycache_new(size_t slots) {
  if (slots == 0) slots = 1;
  xb_keycache *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->slots = calloc(slots, sizeof *c->slots);
  if (c->slots == NULL) {
    free(c);
    return NULL;
  }
  c->nslots = slots;
  for (size_t i = 0; i < slots; i++) xb_arena_init(&c->slots[i].arena, 1024, 1u << 20);
  return c;
}

void xb_keycache_free(xb_keycache *c) {
  if (c == NULL) return;
  for (size_t i = 0; i < c->nslots; i++) xb_arena_free(&c->slots[i].arena);
  free(c->slots);
  free(c);
}

static size_t xb_kc_hash(const char *k, size_t n) {
  uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)k[i];
    h *= UINT64_C(1099511628211);
  }
  return (size_t)h;
}

/* XB-AUTH-17: compare without an early exit, so timing says nothing about a prefix. */
static bool xb_kc_eq(const char *a, const char *b, size_t n) {
  unsigned char d = 0;
  for (size_t i = 0; i < n; i++) d |= (unsigned char)(a[i] ^ b[i]);
  return d == 0;
}

xb_store_status xb_keycache_get(xb_keycache *c, xb_store *st, const char *key, size_t len,
                                const xb_key_row **out) {
  uint64_t gen = xb_store_key_generation(st);
  if (gen != c->gen) {
    for (size_t i = 0; i < c->nslots; i++) c->slots[i].valid = false;
    c->gen = gen;
  }
  xb_kc_slot *s = &c->slots[xb_kc_hash(key, len) % c->nslots];
  /* The index lookup compares whole keys; a hash slot never answers for another key. */
  if (s->valid && s->row.api_key.n == len && xb_kc_eq(s->row.api_key.p, key, len)) {
    *out = &s->row;
    return XB_STORE_OK;
  }
  s->valid = false;
  xb_arena_reset(&s->arena);
  xb_store_status r = xb_store_key_get(st, key, len, &s->arena, &s->row);
  if (r != XB_STORE_OK) return r;
  s->valid = true;
  *out = &s->row;
  return XB_STORE_OK;
}
