/* xb_auth.c — permission matching and IP addresses (spec/authz.md, XB-RES-76). */
#include "auth/xb_auth.h"

#include <arpa/inet.h>
#include <string.h>

/* IPv4 dotted quad, four parts 0..255, no leading zeros (XB-RES-76). */
static bool xb_ip4_strict(const char *s, size_t n, uint8_t out[4]) {
  size_t i = 0;
  for (int part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= n || s[i] != '.') return false;
      i++;
    }
    size_t start = i;
    unsigned v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      v = v * 10u + (unsigned)(s[i] - '0');
      i++;
    }
    size_t len = i - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    out[part] = (uint8_t)v;
  }
  return i == n;
}

xb_ip xb_ip_parse(const char *s, size_t n) {
  xb_ip ip;
  memset(&ip, 0, sizeof ip);
  char tmp[64];
  if (s == NULL || n == 0 || n >= sizeof tmp) return ip;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  uint8_t v4[4];
  if (memchr(tmp, ':', n) == NULL) {
    /* The peer address text of a socket is always a dotted quad. */
    if (inet_pton(AF_INET, tmp, v4) != 1) return ip;
    ip.a[10] = 0xff;
    ip.a[11] = 0xff;
    memcpy(ip.a + 12, v4, 4);
    ip.ok = true;
    return ip;
  }
  if (inet_pton(AF_INET6, tmp, ip.a) == 1) ip.ok = true;
  return ip;
}

size_t xb_ip_canonical(const char *s, size_t n, char out[46]) {
  char tmp[64];
  if (s == NULL || n == 0 || n >= sizeof tmp) return 0;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  uint8_t a[16];
  if (memchr(tmp, ':', n) == NULL) {
    if (!xb_ip4_strict(tmp, n, a)) return 0;
    if (inet_ntop(AF_INET, a, out, 46) == NULL) return 0;
    return strlen(out);
  }
  /* inet_pton refuses zone ids, brackets and prefix lengths; inet_ntop writes lower
   * case with the longest zero run compressed (RFC 5952). */
  if (inet_pton(AF_INET6, tmp, a) != 1) return 0;
  if (inet_ntop(AF_INET6, a, out, 46) == NULL) return 0;
  return strlen(out);
}

/* XB-AUTHZ-8: absent source_ip, or the same address as the client's. */
static bool xb_src_ok(const xb_perm_row *p, const xb_ip *ip) {
#ifdef XB_MUT_SOURCE_IP_IGNORED /* seeded fault, make conform-mutants only */
  return true;
#endif
  if (p->source_ip.p == NULL) return true;
  if (ip == NULL || !ip->ok) return false;
  xb_ip want = xb_ip_parse(p->source_ip.p, p->source_ip.n);
  return want.ok && memcmp(want.a, ip->a, 16) == 0;
}

/* XB-AUTHZ-6, XB-AUTHZ-7 */
static bool xb_res_cover(const xb_perm_row *p, const xb_authz_target *t) {
  if (p->nres == 0) return true;
  if (t->require_unscoped || t->feed_id == 0) return false;
  for (size_t i = 0; i < p->nres; i++) {
    const xb_res_row *r = &p->res[i];
    if (r->feed_id != t->feed_id) continue;
    if (r->ds_id.p == NULL) return true; /* {F}: the whole feed family */
    /* {F, D}: datastream D and below only, byte-exact. */
    if (t->ds != NULL && r->ds_id.n == t->ds_len && memcmp(r->ds_id.p, t->ds, t->ds_len) == 0)
      return true;
  }
  return false;
}

xb_authz_verdict xb_authz_match(const xb_key_row *k, unsigned method, const xb_authz_target *t,
                                const xb_ip *ip) {
  bool src_only = false;
  for (size_t i = 0; i < k->nperms; i++) {
    const xb_perm_row *p = &k->perms[i];
    if ((p->methods & method) == 0) continue;           /* XB-AUTHZ-5 */
    if (p->referer.p != NULL && p->referer.n > 0) continue; /* XB-AUTHZ-9 */
    if (!xb_res_cover(p, t)) continue;                  /* XB-AUTHZ-6 */
    if (!xb_src_ok(p, ip)) {                            /* XB-AUTHZ-8 */
      src_only = true;
      continue;
    }
    return XB_AUTHZ_ALLOW;
  }
  return src_only ? XB_AUTHZ_DENY_SOURCE_IP : XB_AUTHZ_DENY;
}

xb_authz_verdict xb_authz_master(const xb_key_row *k, const xb_ip *ip) {
  if (!k->private_access) return XB_AUTHZ_DENY;
  bool src_only = false;
  for (size_t i = 0; i < k->nperms; i++) {
    const xb_perm_row *p = &k->perms[i];
    if ((p->methods & XB_M_ALL) != XB_M_ALL || p->nres != 0) continue;
    if (p->referer.p != NULL && p->referer.n > 0) continue;
    if (!xb_src_ok(p, ip)) {
      src_only = true;
      continue;
    }
    return XB_AUTHZ_ALLOW;
  }
  return src_only ? XB_AUTHZ_DENY_SOURCE_IP : XB_AUTHZ_DENY;
}
