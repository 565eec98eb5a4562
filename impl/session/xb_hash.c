/*
 * xb_hash.c — a keyed hash (SipHash-2-4) and a chained, intrusive hash table.
 *
 * Client ids and topic filters are chosen by clients; an unkeyed hash would let one
 * client put every entry of the client id table or of the group table into one chain.
 * The key is drawn once per process from getrandom-quality entropy (/dev/urandom),
 * falling back to time and address bits when that is unavailable.
 */
#include "session/xb_sess_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t g_k0, g_k1;
static bool g_keyed;

static void xb_hash_key(void) {
  if (g_keyed) return;
  uint64_t k[2] = {0, 0};
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  bool ok = false;
  if (fd >= 0) {
    ok = read(fd, k, sizeof k) == (ssize_t)sizeof k;
    close(fd);
  }
  if (!ok) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    k[0] = (uint64_t)ts.tv_nsec * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)(uintptr_t)&k;
    k[1] = (uint64_t)ts.tv_sec * UINT64_C(0xC2B2AE3D27D4EB4F) ^ (uint64_t)(uint32_t)getpid();
  }
  g_k0 = k[0];
  g_k1 = k[1];
  g_keyed = true;
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                         \
  do {                                                                                   \
    v0 += v1;                                                                            \
    v1 = ROTL(v1, 13);                                                                   \
    v1 ^= v0;                                                                            \
    v0 = ROTL(v0, 32);                                                                   \
    v2 += v3;                                                                            \
    v3 = ROTL(v3, 16);                                                                   \
    v3 ^= v2;                                                                            \
    v0 += v3;                                                                            \
    v3 = ROTL(v3, 21);                                                                   \
    v3 ^= v0;                                                                            \
    v2 += v1;                                                                            \
    v1 = ROTL(v1, 17);                                                                   \
    v1 ^= v2;                                                                            \
    v2 = ROTL(v2, 32);                                                                   \
  } while (0)

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

uint64_t xb_hash_bytes(const void *data, size_t n) {
  xb_hash_key();
  const uint8_t *p = data;
  uint64_t v0 = UINT64_C(0x736f6d6570736575) ^ g_k0;
  uint64_t v1 = UINT64_C(0x646f72616e646f6d) ^ g_k1;
  uint64_t v2 = UINT64_C(0x6c7967656e657261) ^ g_k0;
  uint64_t v3 = UINT64_C(0x7465646279746573) ^ g_k1;
  size_t full = n - n % 8;
  for (size_t i = 0; i < full; i += 8) {
    uint64_t m = le64(p + i);
    v3 ^= m;
    SIPROUND;
    SIPROUND;
    v0 ^= m;
  }
  uint64_t b = (uint64_t)n << 56;
  for (size_t i = 0; i < n % 8; i++) b |= (uint64_t)p[full + i] << (8 * i);
  v3 ^= b;
  SIPROUND;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t xb_hash_u64(uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
  return xb_hash_bytes(b, sizeof b);
}

static bool xb_htab_grow(xb_htab *t) {
  size_t nb = t->nb ? t->nb * 2 : 16;
  xb_hnode **b = calloc(nb, sizeof *b);
  if (b == NULL) return false;
  for (size_t i = 0; i < t->nb; i++) {
    xb_hnode *e = t->b[i];
    while (e != NULL) {
      xb_hnode *next = e->next;
      size_t j = (size_t)(e->hash & (nb - 1));
      e->next = b[j];
      b[j] = e;
      e = next;
    }
  }
  free(t->b);
  t->b = b;
  t->nb = nb;
  return true;
}

bool xb_htab_insert(xb_htab *t, xb_hnode *node, uint64_t hash) {
  /* Load factor 1: chains stay short without a resize on every few inserts. */
  if (t->n >= t->nb && !xb_htab_grow(t) && t->nb == 0) return false;
  node->hash = hash;
  size_t j = (size_t)(hash & (t->nb - 1));
  node->next = t->b[j];
  t->b[j] = node;
  t->n++;
  return true;
}

void xb_htab_remove(xb_htab *t, xb_hnode *node) {
  if (t->nb == 0) return;
  xb_hnode **pp = &t->b[node->hash & (t->nb - 1)];
  while (*pp != NULL) {
    if (*pp == node) {
      *pp = node->next;
      node->next = NULL;
      t->n--;
      return;
    }
    pp = &(*pp)->next;
  }
}

xb_hnode *xb_htab_bucket(const xb_htab *t, uint64_t hash) {
  if (t->nb == 0) return NULL;
  return t->b[hash & (t->nb - 1)];
}

void xb_htab_free(xb_htab *t) {
  free(t->b);
  t->b = NULL;
  t->nb = 0;
  t->n = 0;
}
