/*
 * xb_arena.h — a bump allocator for the strings of one request.
 *
 * Rows read from the store hold strings whose SQLite memory is gone once the statement
 * steps again; the store copies them into an arena owned by the caller. Pointers stay
 * valid until xb_arena_reset(), which keeps the first block so that a steady stream of
 * requests of the usual size allocates nothing. Alignment is 8 bytes.
 */
#ifndef XB_ARENA_H
#define XB_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xb_arena_block xb_arena_block;

typedef struct {
  xb_arena_block *head; /* current block (newest); older blocks follow */
  size_t block_size;    /* size of an ordinary block */
  size_t used_total;    /* bytes handed out since the last reset */
  size_t limit;         /* 0 = none; else xb_arena_alloc fails past this many bytes */
} xb_arena;

void xb_arena_init(xb_arena *a, size_t block_size, size_t limit);
void xb_arena_free(xb_arena *a);

/* Forget every allocation; keeps one block of the ordinary size. */
void xb_arena_reset(xb_arena *a);

/* n bytes, 8-aligned; NULL when memory or the limit is exhausted. */
void *xb_arena_alloc(xb_arena *a, size_t n);

/* A NUL-terminated copy of p[0 .. n-1]; NULL on exhaustion. p may be NULL when n is 0. */
char *xb_arena_strndup(xb_arena *a, const void *p, size_t n);

#endif
