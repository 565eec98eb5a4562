/*
 * xb_store_cache.c — write-through caches of the rows every datastream update reads:
 * the feed's owner and privacy (authorization) and the datastream row (read-modify-write),
 * and of the whole feed row joined with its owner's login, which every rendering of a
 * datastream notification reads (xb_store_feed_get).
 *
 * The store is the only writer of its database (XB-STORE-3), and every write of these
 * rows goes through xb_store_feed_insert/update and xb_store_ds_insert/update, which
 * refresh the cache after SQLite accepted the write. Any rollback (of a request's
 * savepoint, of a batch, or a failed commit) empties the caches, so they never hold a
 * state the database does not (XB-STORE-11). Rows handed out are copied into the
 * caller's arena: a later write cannot change what a caller holds.
 *
 * The feed row cache holds the row as stored, never a batch's deferred `updated`
 * (xb_store_feed_get lays the touch log over it). It is filled only by reads of the
 * database, and every write that can change a stored feed row or its owner's login
 * drops it first: xb_store_feed_insert/update drop the feed, a direct (out of batch)
 * xb_store_feed_touch drops the feed, the commit's touch flush writes the new `updated`
 * into a cached row after SQLite accepted it, and every user write drops all feed rows.
 * So a read after any write of the batch sees that write (XB-STORE-13), and a rollback
 * empties the cache like the others (XB-STORE-11).
 */
#include <stdlib.h>
#include <string.h>

#include "store/xb_store_int.h"

#define XB_FC_SLOTS 1024u
#define XB_DC_SLOTS 1024u
#define XB_FR_SLOTS 1024u

typedef struct {
  bool valid;
  uint32_t id;
  int64_t owner;
  bool is_private;
} xb_fc_slot;

typedef struct {
  bool valid;
  xb_arena a;
  xb_ds_row row;
} xb_dc_slot;

typedef struct {
  bool valid;
  xb_arena a;
  xb_feed_row row;
} xb_fr_slot;

struct xb_st_cache {
  xb_fc_slot fc[XB_FC_SLOTS];
  xb_dc_slot dc[XB_DC_SLOTS];
  xb_fr_slot fr[XB_FR_SLOTS];
};

bool xb_stc_init(xb_store *st) {
  st->cache = calloc(1, sizeof *st->cache);
  if (st->cache == NULL) return false;
  for (size_t i = 0; i < XB_DC_SLOTS; i++) xb_arena_init(&st->cache->dc[i].a, 1024, 1u << 16);
  for (size_t i = 0; i < XB_FR_SLOTS; i++) xb_arena_init(&st->cache->fr[i].a, 1024, 1u << 16);
  return true;
}

void xb_stc_free(xb_store *st) {
  if (st->cache == NULL) return;
  for (size_t i = 0; i < XB_DC_SLOTS; i++) xb_arena_free(&st->cache->dc[i].a);
  for (size_t i = 0; i < XB_FR_SLOTS; i++) xb_arena_free(&st->cache->fr[i].a);
  free(st->cache);
  st->cache = NULL;
}

void xb_stc_clear(xb_store *st) {
  if (st->cache == NULL) return;
  for (size_t i = 0; i < XB_FC_SLOTS; i++) st->cache->fc[i].valid = false;
  for (size_t i = 0; i < XB_DC_SLOTS; i++) st->cache->dc[i].valid = false;
  for (size_t i = 0; i < XB_FR_SLOTS; i++) st->cache->fr[i].valid = false;
}

bool xb_stc_feed_get(xb_store *st, uint32_t id, int64_t *owner, bool *is_private) {
  if (st->cache == NULL) return false;
  xb_fc_slot *s = &st->cache->fc[id % XB_FC_SLOTS];
  if (!s->valid || s->id != id) return false;
  *owner = s->owner;
  *is_private = s->is_private;
  return true;
}

void xb_stc_feed_put(xb_store *st, uint32_t id, int64_t owner, bool is_private) {
  if (st->cache == NULL) return;
  xb_fc_slot *s = &st->cache->fc[id % XB_FC_SLOTS];
  s->valid = true;
  s->id = id;
  s->owner = owner;
  s->is_private = is_private;
}

static size_t xb_dc_hash(uint32_t feed, const char *id, size_t len) {
  uint64_t h = UINT64_C(1469598103934665603) ^ feed;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)id[i];
    h *= UINT64_C(1099511628211);
  }
  return (size_t)(h % XB_DC_SLOTS);
}

static bool xb_copy_str(xb_arena *a, xb_str in, xb_str *out) {
  if (in.p == NULL) {
    *out = XB_STR_NONE;
    return true;
  }
  char *c = xb_arena_strndup(a, in.p, in.n);
  if (c == NULL) return false;
  out->p = c;
  out->n = in.n;
  return true;
}

static bool xb_copy_ds(xb_arena *a, const xb_ds_row *in, xb_ds_row *out) {
  *out = *in;
  return xb_copy_str(a, in->id, &out->id) && xb_copy_str(a, in->current_value, &out->current_value) &&
         xb_copy_str(a, in->min_value, &out->min_value) &&
         xb_copy_str(a, in->max_value, &out->max_value) &&
         xb_copy_str(a, in->unit_label, &out->unit_label) &&
         xb_copy_str(a, in->unit_symbol, &out->unit_symbol) &&
         xb_copy_str(a, in->unit_type, &out->unit_type) && xb_copy_str(a, in->tags, &out->tags);
}

int xb_stc_ds_get(xb_store *st, uint32_t feed, const char *id, size_t len, xb_arena *a,
                  xb_ds_row *out) {
  if (st->cache == NULL) return 0;
  xb_dc_slot *s = &st->cache->dc[xb_dc_hash(feed, id, len)];
  if (!s->valid || s->row.feed_id != feed || s->row.id.n != len ||
      memcmp(s->row.id.p, id, len) != 0)
    return 0;
  return xb_copy_ds(a, &s->row, out) ? 1 : -1;
}

void xb_stc_ds_put(xb_store *st, const xb_ds_row *row) {
  if (st->cache == NULL) return;
  xb_dc_slot *s = &st->cache->dc[xb_dc_hash(row->feed_id, row->id.p, row->id.n)];
  s->valid = false;
  xb_arena_reset(&s->a);
  s->valid = xb_copy_ds(&s->a, row, &s->row);
}

/* ------------------------------------------------------------------ feed rows */

static bool xb_copy_feed(xb_arena *a, const xb_feed_row *in, xb_feed_row *out) {
  *out = *in;
  return xb_copy_str(a, in->owner_login, &out->owner_login) &&
         xb_copy_str(a, in->title, &out->title) &&
         xb_copy_str(a, in->description, &out->description) &&
         xb_copy_str(a, in->website, &out->website) && xb_copy_str(a, in->icon, &out->icon) &&
         xb_copy_str(a, in->email, &out->email) && xb_copy_str(a, in->tags, &out->tags) &&
         xb_copy_str(a, in->loc_disposition, &out->loc_disposition) &&
         xb_copy_str(a, in->loc_domain, &out->loc_domain) &&
         xb_copy_str(a, in->loc_exposure, &out->loc_exposure) &&
         xb_copy_str(a, in->loc_name, &out->loc_name) &&
         xb_copy_str(a, in->loc_lat, &out->loc_lat) && xb_copy_str(a, in->loc_lon, &out->loc_lon) &&
         xb_copy_str(a, in->loc_ele, &out->loc_ele);
}

int xb_stc_feedrow_get(xb_store *st, uint32_t id, xb_arena *a, xb_feed_row *out) {
  if (st->cache == NULL) return 0;
  xb_fr_slot *s = &st->cache->fr[id % XB_FR_SLOTS];
  if (!s->valid || s->row.id != id) return 0;
  return xb_copy_feed(a, &s->row, out) ? 1 : -1;
}

void xb_stc_feedrow_put(xb_store *st, const xb_feed_row *row) {
  if (st->cache == NULL) return;
  xb_fr_slot *s = &st->cache->fr[row->id % XB_FR_SLOTS];
  s->valid = false;
  xb_arena_reset(&s->a);
  s->valid = xb_copy_feed(&s->a, row, &s->row);
}

void xb_stc_feedrow_drop(xb_store *st, uint32_t id) {
  if (st->cache == NULL) return;
  xb_fr_slot *s = &st->cache->fr[id % XB_FR_SLOTS];
  if (s->row.id == id) s->valid = false;
}

void xb_stc_feedrow_set_updated(xb_store *st, uint32_t id, int64_t updated) {
  if (st->cache == NULL) return;
  xb_fr_slot *s = &st->cache->fr[id % XB_FR_SLOTS];
  if (s->valid && s->row.id == id) s->row.updated = updated;
}

void xb_stc_feedrow_drop_all(xb_store *st) {
  if (st->cache == NULL) return;
  for (size_t i = 0; i < XB_FR_SLOTS; i++) st->cache->fr[i].valid = false;
}
