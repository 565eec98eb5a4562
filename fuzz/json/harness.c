/*
 * Fuzz harness for the strict JSON parser (impl/formats/xb_json*.c, spec/json.md §3).
 *
 * Every input (a payload; over 64 KiB it must be TOO_LARGE) is checked four ways:
 *  1. Differential against a naive reference: a recursive-descent reader written here
 *     from RFC 8259, RFC 3629 (UTF-8 judged by code point arithmetic, not by the
 *     parser's lead-byte table) and XB-JSON-19..25. Both must give the same verdict,
 *     the same status and the same error offset (the first offending byte, as
 *     xb_json.h promises), and on OK the same number of values.
 *  2. The promises of xb_json.h on the token array: spans inside the input, parents
 *     before children one level up, depth <= 32, next/children consistent, keys exactly
 *     at the member positions of objects, no raw control byte in a string span.
 *  3. A round trip: the tree is written back compactly (xb_json_canon: decoded strings
 *     escaped again as XB-JSON-4 says, numbers as source text), parsed again, and the
 *     two trees must agree token by token (types, structure, decoded strings, number
 *     texts); writing the second tree gives the same bytes (a fixed point).
 *  4. The limits and helpers: a tiny token array gives the same verdict or
 *     TOO_MANY_TOKENS at a value start; the document's own depth passes and one less is
 *     TOO_DEEP; every member is found by xb_json_object_get under its decoded name,
 *     every element by xb_json_array_get; decoded sizes never exceed the span.
 * Any broken promise calls abort(), which every driver reports as a crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_json.h"
#include "formats/xb_json_canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "json harness: %s:%d: promise broken: %s\n", __FILE__, __LINE__, \
              #cond);                                                                  \
      abort();                                                                         \
    }                                                                                  \
  } while (0)

#define MAX_INPUT XB_JSON_DEFAULT_MAX_BYTES
#define BIG_CAP (MAX_INPUT / 2u + 2u)
#define SMALL_CAP 5u

static xb_json_token big[BIG_CAP];
static xb_json_token big2[BIG_CAP];
static xb_json_token small[SMALL_CAP];

/* ------------------------------------------------------------------ naive reference */

typedef struct {
  const uint8_t *s;
  size_t n;
  size_t p;
  xb_json_status st;
  size_t err;
  size_t values; /* values and keys read (the parser's token count on OK) */
  uint8_t *arena; /* decoded keys; a decoded string is never longer than its source */
  size_t used;
} nv;

static bool nv_fail(nv *v, xb_json_status st, size_t at) {
  v->st = st;
  v->err = at;
  return false;
}

static void nv_ws(nv *v) {
  while (v->p < v->n && (v->s[v->p] == ' ' || v->s[v->p] == '\t' || v->s[v->p] == '\n' ||
                         v->s[v->p] == '\r'))
    v->p++;
}

static int hexv(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void put_cp(nv *v, unsigned long cp) {
  uint8_t *o = v->arena + v->used;
  if (cp < 0x80) { o[0] = (uint8_t)cp; v->used += 1; }
  else if (cp < 0x800) { o[0] = (uint8_t)(0xC0 | (cp >> 6)); o[1] = (uint8_t)(0x80 | (cp & 63)); v->used += 2; }
  else if (cp < 0x10000) {
    o[0] = (uint8_t)(0xE0 | (cp >> 12)); o[1] = (uint8_t)(0x80 | ((cp >> 6) & 63));
    o[2] = (uint8_t)(0x80 | (cp & 63)); v->used += 3;
  } else {
    o[0] = (uint8_t)(0xF0 | (cp >> 18)); o[1] = (uint8_t)(0x80 | ((cp >> 12) & 63));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 63)); o[3] = (uint8_t)(0x80 | (cp & 63)); v->used += 4;
  }
}

/* Four hex digits at s[at..at+3]: value, or -1 with the error recorded. */
static long nv_hex4(nv *v, size_t at) {
  long cp = 0;
  for (size_t k = 0; k < 4; k++) {
    if (at + k >= v->n) {
      nv_fail(v, XB_JSON_SYNTAX, v->n);
      return -1;
    }
    int h = hexv(v->s[at + k]);
    if (h < 0) {
      nv_fail(v, XB_JSON_SYNTAX, at + k);
      return -1;
    }
    cp = cp * 16 + h;
  }
  return cp;
}

/* One raw UTF-8 character at s[p] (>= 0x80): RFC 3629 by code point ranges. The blame
 * goes to the lead when no continuation could make it valid, else to the first byte
 * that makes it impossible. */
static bool nv_utf8(nv *v) {
  const uint8_t *s = v->s;
  size_t p = v->p;
  uint8_t b0 = s[p];
  size_t k = (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
  if (k == 0) return nv_fail(v, XB_JSON_BAD_UTF8, p);            /* continuation, F8+ */
  if (k == 2 && (b0 & 0x1F) < 2) return nv_fail(v, XB_JSON_BAD_UTF8, p); /* < U+0080 */
  if (k == 4 && (b0 & 0x07) > 4) return nv_fail(v, XB_JSON_BAD_UTF8, p); /* > U+13FFFF */
  if (p + 1 >= v->n || (s[p + 1] & 0xC0) != 0x80) return nv_fail(v, XB_JSON_BAD_UTF8, p + 1);
  unsigned long top = ((unsigned long)(b0 & (k == 3 ? 0x0Fu : 0x07u)) << 6) |
                      (unsigned long)(s[p + 1] & 0x3Fu);
  if (k == 3 && (top < 0x20 || (top >= 0x360 && top <= 0x37F))) /* overlong, surrogate */
    return nv_fail(v, XB_JSON_BAD_UTF8, p + 1);
  if (k == 4 && (top < 0x10 || top > 0x10F)) /* overlong, above U+10FFFF */
    return nv_fail(v, XB_JSON_BAD_UTF8, p + 1);
  for (size_t j = 2; j < k; j++)
    if (p + j >= v->n || (s[p + j] & 0xC0) != 0x80) return nv_fail(v, XB_JSON_BAD_UTF8, p + j);
  memcpy(v->arena + v->used, s + p, k);
  v->used += k;
  v->p = p + k;
  return true;
}

/* A string whose '"' is at s[p]; decoded into the arena from v->used. */
static bool nv_string(nv *v) {
  v->p++;
  for (;;) {
    size_t p = v->p;
    if (p >= v->n) return nv_fail(v, XB_JSON_SYNTAX, v->n);
    uint8_t c = v->s[p];
    if (c == '"') { v->p = p + 1; return true; }
    if (c < 0x20) return nv_fail(v, XB_JSON_SYNTAX, p);
    if (c >= 0x80) { if (!nv_utf8(v)) return false; continue; }
    if (c != '\\') { v->arena[v->used++] = c; v->p = p + 1; continue; }
    if (p + 1 >= v->n) return nv_fail(v, XB_JSON_SYNTAX, v->n);
    uint8_t e = v->s[p + 1];
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *hit = e != 0 ? strchr(from, e) : NULL;
    if (hit != NULL) { v->arena[v->used++] = (uint8_t)to[hit - from]; v->p = p + 2; continue; }
    if (e != 'u') return nv_fail(v, XB_JSON_SYNTAX, p + 1);
    long cp = nv_hex4(v, p + 2);
    if (cp < 0) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return nv_fail(v, XB_JSON_SYNTAX, p); /* lone low */
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (p + 6 >= v->n) return nv_fail(v, XB_JSON_SYNTAX, v->n);
      if (v->s[p + 6] != '\\') return nv_fail(v, XB_JSON_SYNTAX, p);
      if (p + 7 >= v->n) return nv_fail(v, XB_JSON_SYNTAX, v->n);
      if (v->s[p + 7] != 'u') return nv_fail(v, XB_JSON_SYNTAX, p);
      long lo = nv_hex4(v, p + 8);
      if (lo < 0) return false;
      if (lo < 0xDC00 || lo > 0xDFFF) return nv_fail(v, XB_JSON_SYNTAX, p);
      put_cp(v, 0x10000ul + ((unsigned long)(cp - 0xD800) << 10) + (unsigned long)(lo - 0xDC00));
      v->p = p + 12;
    } else {
      put_cp(v, (unsigned long)cp);
      v->p = p + 6;
    }
  }
}

static bool nv_digits(nv *v) {
  if (v->p >= v->n || v->s[v->p] < '0' || v->s[v->p] > '9') return nv_fail(v, XB_JSON_SYNTAX, v->p);
  while (v->p < v->n && v->s[v->p] >= '0' && v->s[v->p] <= '9') v->p++;
  return true;
}

static bool nv_number(nv *v) {
  if (v->s[v->p] == '-') v->p++;
  if (v->p < v->n && v->s[v->p] == '0') v->p++;
  else if (v->p >= v->n || v->s[v->p] < '1' || v->s[v->p] > '9') return nv_fail(v, XB_JSON_SYNTAX, v->p);
  else (void)nv_digits(v);
  if (v->p < v->n && v->s[v->p] == '.') { v->p++; if (!nv_digits(v)) return false; }
  if (v->p < v->n && (v->s[v->p] == 'e' || v->s[v->p] == 'E')) {
    v->p++;
    if (v->p < v->n && (v->s[v->p] == '+' || v->s[v->p] == '-')) v->p++;
    if (!nv_digits(v)) return false;
  }
  return true;
}

static bool nv_value(nv *v, unsigned depth);

static bool nv_object(nv *v, unsigned depth) {
  size_t nkeys = 0, *koff = NULL, *klen = NULL;
  bool ok = false;
  v->p++;
  nv_ws(v);
  if (v->p < v->n && v->s[v->p] == '}') { v->p++; return true; }
  for (;;) {
    nv_ws(v);
    if (v->p >= v->n) { nv_fail(v, XB_JSON_SYNTAX, v->n); break; }
    if (v->s[v->p] != '"') { nv_fail(v, XB_JSON_SYNTAX, v->p); break; }
    size_t q = v->p, k0 = v->used;
    if (!nv_string(v)) break;
    size_t kl = v->used - k0;
    bool dup = false;
    for (size_t i = 0; i < nkeys && !dup; i++)
      dup = klen[i] == kl && memcmp(v->arena + koff[i], v->arena + k0, kl) == 0;
    if (dup) { nv_fail(v, XB_JSON_DUPLICATE_KEY, q); break; }
    koff = realloc(koff, (nkeys + 1) * sizeof *koff);
    klen = realloc(klen, (nkeys + 1) * sizeof *klen);
    CHECK(koff != NULL && klen != NULL);
    koff[nkeys] = k0;
    klen[nkeys++] = kl;
    v->values++;
    nv_ws(v);
    if (v->p >= v->n) { nv_fail(v, XB_JSON_SYNTAX, v->n); break; }
    if (v->s[v->p] != ':') { nv_fail(v, XB_JSON_SYNTAX, v->p); break; }
    v->p++;
    nv_ws(v);
    if (!nv_value(v, depth + 1)) break;
    nv_ws(v);
    if (v->p >= v->n) { nv_fail(v, XB_JSON_SYNTAX, v->n); break; }
    if (v->s[v->p] == ',') { v->p++; continue; }
    if (v->s[v->p] == '}') { v->p++; ok = true; break; }
    nv_fail(v, XB_JSON_SYNTAX, v->p);
    break;
  }
  free(koff);
  free(klen);
  return ok;
}

static bool nv_array(nv *v, unsigned depth) {
  v->p++;
  nv_ws(v);
  if (v->p < v->n && v->s[v->p] == ']') { v->p++; return true; }
  for (;;) {
    nv_ws(v);
    if (!nv_value(v, depth + 1)) return false;
    nv_ws(v);
    if (v->p >= v->n) return nv_fail(v, XB_JSON_SYNTAX, v->n);
    if (v->s[v->p] == ',') { v->p++; continue; }
    if (v->s[v->p] == ']') { v->p++; return true; }
    return nv_fail(v, XB_JSON_SYNTAX, v->p);
  }
}

/* depth = containers already open around this value. */
static bool nv_value(nv *v, unsigned depth) {
  if (v->p >= v->n) return nv_fail(v, XB_JSON_SYNTAX, v->n);
  uint8_t c = v->s[v->p];
  if (c == '{' || c == '[') {
    if (depth >= XB_JSON_DEFAULT_MAX_DEPTH) return nv_fail(v, XB_JSON_TOO_DEEP, v->p);
    v->values++;
    return c == '{' ? nv_object(v, depth) : nv_array(v, depth);
  }
  v->values++;
  if (c == '"') {
    size_t mark = v->used;
    bool ok = nv_string(v);
    v->used = mark; /* only keys are kept */
    return ok;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return nv_number(v);
  const char *lit = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
  if (lit == NULL) return nv_fail(v, XB_JSON_SYNTAX, v->p);
  for (size_t i = 0; lit[i] != 0; i++, v->p++) {
    if (v->p >= v->n) return nv_fail(v, XB_JSON_SYNTAX, v->n);
    if (v->s[v->p] != (uint8_t)lit[i]) return nv_fail(v, XB_JSON_SYNTAX, v->p);
  }
  return true;
}

static void naive(const uint8_t *s, size_t n, nv *v) {
  memset(v, 0, sizeof *v);
  v->s = s;
  v->n = n;
  v->st = XB_JSON_OK;
  if (n > MAX_INPUT) { nv_fail(v, XB_JSON_TOO_LARGE, MAX_INPUT); return; }
  v->arena = malloc(4 * n + 16);
  CHECK(v->arena != NULL);
  nv_ws(v);
  if (nv_value(v, 0)) {
    nv_ws(v);
    if (v->p < n) nv_fail(v, XB_JSON_SYNTAX, v->p);
  }
  free(v->arena);
  v->arena = NULL;
}

/* ------------------------------------------------------------------ promises */

static uint8_t *decode(const uint8_t *in, size_t len, const xb_json_token *t, size_t *n) {
  size_t size = xb_json_string_decoded_size(in, len, t);
  CHECK(size <= t->len);
  uint8_t *o = malloc(size + 1);
  CHECK(o != NULL);
  CHECK(xb_json_string_decode(in, len, t, o, size, n) && *n == size);
  if (size > 0) { size_t w = 7; CHECK(!xb_json_string_decode(in, len, t, o, size - 1, &w) && w == 0); }
  return o;
}

static void check_tree(const uint8_t *in, size_t len, const xb_json_token *t, size_t n) {
  CHECK(n >= 1 && t[0].next == n && t[0].parent == XB_JSON_NONE && t[0].depth == 0);
  for (size_t i = 0; i < n; i++) {
    const xb_json_token *k = &t[i];
    CHECK(k->type >= XB_JSON_OBJECT && k->type <= XB_JSON_NULL);
    CHECK(k->off < len && k->off + k->len <= len);
    CHECK(k->next > i && k->next <= n && k->depth <= XB_JSON_DEFAULT_MAX_DEPTH);
    if (i > 0) {
      size_t p = k->parent;
      CHECK(p < i && t[p].depth + 1 == k->depth && i < t[p].next);
      CHECK(t[p].type == XB_JSON_OBJECT || t[p].type == XB_JSON_ARRAY);
    }
    if (k->type == XB_JSON_STRING) {
      CHECK(k->off >= 1 && in[k->off - 1] == '"' && k->off + k->len < len && in[k->off + k->len] == '"');
      for (size_t j = k->off; j < k->off + k->len; j++) CHECK(in[j] >= 0x20);
      bool esc = memchr(in + k->off, '\\', k->len) != NULL;
      CHECK(esc == ((k->flags & XB_JSON_F_ESCAPED) != 0));
    } else {
      CHECK((k->flags & (XB_JSON_F_ESCAPED | XB_JSON_F_KEY)) == 0);
      if (k->type > XB_JSON_STRING) CHECK(k->next == i + 1 && k->children == 0);
    }
    if (k->type == XB_JSON_OBJECT || k->type == XB_JSON_ARRAY) {
      CHECK(in[k->off] == (k->type == XB_JSON_OBJECT ? '{' : '['));
      CHECK(in[k->off + k->len - 1] == (k->type == XB_JSON_OBJECT ? '}' : ']'));
      /* children: walk them with next, keys at the member positions of objects */
      size_t c = i + 1, count = 0;
      while (c < k->next) {
        CHECK(t[c].parent == i);
        if (k->type == XB_JSON_OBJECT) {
          CHECK(t[c].type == XB_JSON_STRING && (t[c].flags & XB_JSON_F_KEY) != 0);
          CHECK(t[c].next == c + 1 && c + 1 < k->next && t[c + 1].parent == i);
          CHECK((t[c + 1].flags & XB_JSON_F_KEY) == 0);
          size_t dn = 0;
          uint8_t *name = decode(in, len, &t[c], &dn);
          CHECK(xb_json_object_get(in, len, t, n, i, (const char *)name, dn) == c + 1);
          CHECK(xb_json_string_eq(in, len, &t[c], (const char *)name, dn));
          free(name);
          c = t[c + 1].next;
        } else {
          CHECK((t[c].flags & XB_JSON_F_KEY) == 0);
          CHECK(xb_json_array_get(t, n, i, count) == c);
          CHECK(xb_json_skip(t, n, c) == t[c].next);
          c = t[c].next;
        }
        count++;
      }
      CHECK(c == k->next && count == k->children);
      if (k->type == XB_JSON_ARRAY) CHECK(xb_json_array_get(t, n, i, count) == XB_JSON_NONE);
    }
  }
}

/* Two parses of (maybe different) texts describe the same document. */
static void same_tree(const uint8_t *a, size_t alen, const xb_json_token *ta,
                      const uint8_t *b, size_t blen, const xb_json_token *tb, size_t n) {
  for (size_t i = 0; i < n; i++) {
    CHECK(ta[i].type == tb[i].type && ta[i].parent == tb[i].parent);
    CHECK(ta[i].next == tb[i].next && ta[i].children == tb[i].children);
    CHECK(ta[i].depth == tb[i].depth);
    CHECK((ta[i].flags & XB_JSON_F_KEY) == (tb[i].flags & XB_JSON_F_KEY));
    if (ta[i].type == XB_JSON_STRING) {
      size_t na = 0, nb = 0;
      uint8_t *da = decode(a, alen, &ta[i], &na), *db = decode(b, blen, &tb[i], &nb);
      CHECK(na == nb && memcmp(da, db, na) == 0);
      free(da);
      free(db);
    } else if (ta[i].type != XB_JSON_OBJECT && ta[i].type != XB_JSON_ARRAY) {
      CHECK(ta[i].len == tb[i].len && memcmp(a + ta[i].off, b + tb[i].off, ta[i].len) == 0);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  xb_json_result r;
  xb_json_status st = xb_json_parse(data, size, big, BIG_CAP, NULL, &r);
  CHECK(st == r.status && r.ntokens <= BIG_CAP);
  CHECK(st != XB_JSON_TOO_MANY_TOKENS); /* n/2 + 2 tokens are always enough */

  nv v;
  naive(data, size, &v);
  if (v.st != st || (st != XB_JSON_OK && v.err != r.err_off)) {
    fprintf(stderr, "json harness: parser %s at %zu, reference %s at %zu\n",
            xb_json_status_str(st), r.err_off, xb_json_status_str(v.st), v.err);
    abort();
  }
  size_t line = 0, col = 0;
  xb_json_position(data, size, r.err_off, &line, &col);
  CHECK(line >= 1 && col >= 1 && line + col <= size + 2);

  /* a tiny token array: the same verdict, or full at the start of a value */
  xb_json_result rs;
  xb_json_status ss = xb_json_parse(data, size, small, SMALL_CAP, NULL, &rs);
  if (ss == XB_JSON_TOO_MANY_TOKENS) {
    /* full exactly where the big array received its next token */
    CHECK(rs.ntokens == SMALL_CAP && r.ntokens > SMALL_CAP);
    CHECK(rs.err_off == big[SMALL_CAP].off - (big[SMALL_CAP].type == XB_JSON_STRING ? 1u : 0u));
  } else {
    CHECK(ss == st && rs.err_off == r.err_off && rs.ntokens == r.ntokens);
  }
  for (size_t i = 0; i < rs.ntokens && i < r.ntokens; i++)
    CHECK(small[i].off == big[i].off && small[i].type == big[i].type);
  if (st != XB_JSON_OK) return 0;

  CHECK(v.values == r.ntokens);
  size_t n = r.ntokens;
  check_tree(data, size, big, n);

  /* the document's own depth passes, one less does not */
  size_t maxd = 0;
  for (size_t i = 0; i < n; i++)
    if ((big[i].type == XB_JSON_OBJECT || big[i].type == XB_JSON_ARRAY) && big[i].depth + 1u > maxd)
      maxd = big[i].depth + 1u;
  xb_json_limits lim = {MAX_INPUT, maxd};
  CHECK(xb_json_parse(data, size, big2, BIG_CAP, &lim, NULL) == XB_JSON_OK);
  if (maxd > 0) {
    lim.max_depth = maxd - 1;
    CHECK(xb_json_parse(data, size, big2, BIG_CAP, &lim, NULL) == XB_JSON_TOO_DEEP);
  }

  /* round trip through the canonical form */
  xb_buf b1, b2;
  xb_buf_init(&b1, 0);
  xb_buf_init(&b2, 0);
  CHECK(xb_json_canon(data, size, big, n, 0, &b1));
  /* never longer: each escape or character is written back in at most its bytes */
  CHECK(b1.len <= size);
  xb_json_result r2;
  xb_json_token *t2 = big2;
  CHECK(xb_json_parse(b1.data, b1.len, t2, BIG_CAP, NULL, &r2) == XB_JSON_OK);
  CHECK(r2.ntokens == n);
  same_tree(data, size, big, b1.data, b1.len, t2, n);
  CHECK(xb_json_canon(b1.data, b1.len, t2, n, 0, &b2));
  CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
  for (size_t i = 0; i < b1.len; i++) /* compact: no whitespace outside strings */
    CHECK(b1.data[i] != '\n' && b1.data[i] != '\r' && b1.data[i] != '\t');
  xb_buf_free(&b1);
  xb_buf_free(&b2);
  return 0;
}
