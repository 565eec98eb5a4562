/*
 * xb_auth.h — API key permissions (spec/authz.md §2, §3) and client addresses.
 *
 * Pure functions over a key as stored (store/xb_store.h xb_key_row): whether one of its
 * permissions matches a request (XB-AUTHZ-4..XB-AUTHZ-9), whether it has master rights
 * (XB-AUTHZ-11), and the IP address rules of XB-AUTHZ-8 / XB-RES-76. Which rule applies
 * to which target (ownership, public feeds, private_access) is the engine's
 * (api/xb_api_authz.c); this file only answers the questions the rules ask.
 *
 * A key cache (xb_keycache) keeps looked-up keys in memory between requests; it is
 * invalidated by the store's key generation, which every key or user write and every
 * rollback bumps, so a cached key is never staler than the store (XB-AUTHZ-1).
 */
#ifndef XB_AUTH_H
#define XB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/xb_store.h"

/* A parsed IP address: IPv4 is held as IPv4-mapped IPv6 (XB-TRANS-22). */
typedef struct {
  bool ok;
  uint8_t a[16];
} xb_ip;

/* Parse an IPv4 dotted quad or an IPv6 literal (inet_pton rules; no zone, brackets). */
xb_ip xb_ip_parse(const char *s, size_t n);

/*
 * XB-RES-76: validate a source_ip and write its canonical text (dotted quad, or RFC 5952
 * IPv6) into out (at least 46 bytes). IPv4 must have four decimal parts 0..255 without
 * leading zeros. Returns the length, or 0 when s is not a valid literal.
 */
size_t xb_ip_canonical(const char *s, size_t n, char out[46]);

/* The target of a feed-family request as matched against permission resources. */
typedef struct {
  uint32_t feed_id;     /* 0: the request has no feed (keys, users, ...) */
  const char *ds;       /* datastream id, NULL for feed-level targets */
  size_t ds_len;
  bool require_unscoped; /* XB-AUTHZ-21: only an unscoped permission may match */
} xb_authz_target;

typedef enum {
  XB_AUTHZ_ALLOW = 0,
  XB_AUTHZ_DENY,          /* logged `forbidden` */
  XB_AUTHZ_DENY_SOURCE_IP /* some permission failed only on source_ip: `source-ip` */
} xb_authz_verdict;

/*
 * XB-AUTHZ-4..9: does a permission of k allow method (XB_M_*) on target t from ip?
 * Resources: none = unscoped; {F} covers F's whole family; {F, D} covers datastream D,
 * its datapoints collection and datapoints only (XB-AUTHZ-6, XB-AUTHZ-7). A permission
 * with a non-empty referer never matches (XB-AUTHZ-9).
 */
xb_authz_verdict xb_authz_match(const xb_key_row *k, unsigned method, const xb_authz_target *t,
                                const xb_ip *ip);

/* XB-AUTHZ-11: private_access and an unscoped, referer-free get/put/post/delete
 * permission whose source_ip is absent or matches ip. DENY_SOURCE_IP when only the
 * source_ip prevents it. */
xb_authz_verdict xb_authz_master(const xb_key_row *k, const xb_ip *ip);

/* ------------------------------------------------------------------ key cache */

typedef struct xb_keycache xb_keycache;

xb_keycache *xb_keycache_new(size_t slots);
void xb_keycache_free(xb_keycache *c);

/*
 * Look key[0..len-1] up through the cache: *out points to a row owned by the cache,
 * valid until the next call. NOT_FOUND for an unknown key; store errors pass through.
 */
xb_store_status xb_keycache_get(xb_keycache *c, xb_store *st, const char *key, size_t len,
                                const xb_key_row **out);

#endif
