/*
 * Fuzz harness for the restricted XML parser (impl/formats/xb_xml*.c, spec/xml.md §4).
 *
 * The input (at most the 64 KiB payload limit of XB-LIM-2) is parsed twice: with room
 * for every node, and with a tiny node array. The tiny parse must either agree exactly
 * (same status, offset and nodes) or stop with TOO_MANY_NODES; never another verdict.
 * An accepted document is checked against the promises of xb_xml.h (spans, parents,
 * depth, next, attribute count, distinct attribute names, names per XB-XML-26 by an
 * independent check, the node bound) and every value is decoded size-first. Then a
 * differential round trip: the node tree is re-serialized canonically (every value
 * decoded, then escaped as XB-XML-4 says), parsed again, and the two trees must have the
 * same elements, attributes and decoded values, and serialize to the same bytes.
 * Any broken promise calls abort(), which every driver reports as a crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "xml harness: %s:%d: promise broken: %s\n", __FILE__, __LINE__, \
              #cond);                                                                 \
      abort();                                                                        \
    }                                                                                 \
  } while (0)

#define MAX_INPUT 65536u
#define BIG_CAP (MAX_INPUT / 2u + 1u)
#define SMALL_CAP 7u

static xb_xml_node big[BIG_CAP];
static xb_xml_node big2[BIG_CAP];
static xb_xml_node small[SMALL_CAP];

/* ------------------------------------------------------------------ output buffer */

typedef struct {
  uint8_t *p;
  size_t len;
  size_t cap;
} obuf;

static void ob_put(obuf *b, const void *src, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    CHECK(p != NULL);
    b->p = p;
    b->cap = cap;
  }
  if (n > 0) memcpy(b->p + b->len, src, n);
  b->len += n;
}

static void ob_str(obuf *b, const char *s) { ob_put(b, s, strlen(s)); }

/* ------------------------------------------------------------------ oracles */

/* XB-XML-26, written from the spec text rather than from the lexer. */
static bool name_ok(const uint8_t *s, size_t n) {
  if (n < 1 || n > 64) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
    return false;
  size_t colons = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == ':';
    if (!ok) return false;
    if (c == ':') colons++;
  }
  return colons <= 1 && s[n - 1] != ':';
}

/* First offset where in[] stops being UTF-8 of XML 1.0 Chars (XB-XML-19, XB-XML-24),
 * by decoding each sequence to its code point; len when all of it is. */
static size_t oracle_chars(const uint8_t *in, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint8_t b = in[i];
    size_t k = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3
             : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (k == 0 || len - i < k) return i;
    unsigned long cp = k == 1 ? b : k == 2 ? (b & 0x1Fu) : k == 3 ? (b & 0x0Fu) : (b & 0x07u);
    for (size_t j = 1; j < k; j++) {
      if ((in[i + j] & 0xC0) != 0x80) return i;
      cp = cp * 64 + (in[i + j] & 0x3Fu);
    }
    static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[k]) return i; /* overlong */
    bool chr = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
               (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!chr) return i;
    i += k;
  }
  return len;
}

static bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* An independent reading of XB-XML-23 and XB-XML-25 for a raw value that the parser
 * accepted (so every '&' starts a valid reference): returns the decoded length. */
static size_t oracle_decode(const uint8_t *s, size_t n, bool attr, uint8_t *out) {
  static const struct { const char *name; uint8_t ch; } ents[] = {
    {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
  size_t w = 0;
  for (size_t i = 0; i < n;) {
    if (s[i] == '&') {
      size_t j = i + 1;
      unsigned long cp = 0;
      bool named = false;
      for (size_t e = 0; e < 5; e++) {
        size_t l = strlen(ents[e].name);
        if (n - j >= l && memcmp(s + j, ents[e].name, l) == 0) {
          out[w++] = ents[e].ch;
          i = j + l;
          named = true;
          break;
        }
      }
      if (named) continue;
      CHECK(j < n && s[j] == '#');
      j++;
      int base = 10;
      if (j < n && s[j] == 'x') { base = 16; j++; }
      while (j < n && s[j] != ';') {
        int v = s[j] >= '0' && s[j] <= '9' ? s[j] - '0'
              : s[j] >= 'a' && s[j] <= 'f' ? s[j] - 'a' + 10
              : s[j] >= 'A' && s[j] <= 'F' ? s[j] - 'A' + 10 : 99;
        CHECK(v < base);
        if (cp < 0x1000000ul) cp = cp * (unsigned long)base + (unsigned long)v;
        j++;
      }
      CHECK(j < n);
      CHECK(cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
            (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF));
      if (cp < 0x80) {
        out[w++] = (uint8_t)cp;
      } else if (cp < 0x800) {
        out[w++] = (uint8_t)(0xC0 | (cp >> 6));
        out[w++] = (uint8_t)(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out[w++] = (uint8_t)(0xE0 | (cp >> 12));
        out[w++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[w++] = (uint8_t)(0x80 | (cp & 0x3F));
      } else {
        out[w++] = (uint8_t)(0xF0 | (cp >> 18));
        out[w++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        out[w++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[w++] = (uint8_t)(0x80 | (cp & 0x3F));
      }
      i = j + 1;
    } else if (s[i] == '\r') {
      out[w++] = attr ? ' ' : '\n';
      i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
    } else if (attr && (s[i] == '\t' || s[i] == '\n')) {
      out[w++] = ' ';
      i++;
    } else {
      out[w++] = s[i++];
    }
  }
  return w;
}

/* Decode a TEXT or ATTR node size-first, checking the size promises and the result
 * against the oracle; caller frees. */
static uint8_t *decode(const uint8_t *in, size_t len, const xb_xml_node *x, size_t *outn) {
  size_t n = xb_xml_value_size(in, len, x);
  CHECK(n <= x->vlen); /* XB-XML-23: never longer than the source */
  uint8_t *out = malloc(n + 1);
  CHECK(out != NULL);
  size_t w = SIZE_MAX;
  CHECK(xb_xml_value_decode(in, len, x, out, n, &w));
  CHECK(w == n);
  uint8_t *want = malloc(x->vlen + 1);
  CHECK(want != NULL);
  size_t wn = oracle_decode(in + x->voff, x->vlen, x->type == XB_XML_ATTR, want);
  CHECK(wn == n && (n == 0 || memcmp(want, out, n) == 0));
  free(want);
  if (n > 0) {
    size_t w2 = SIZE_MAX;
    CHECK(!xb_xml_value_decode(in, len, x, out, n - 1, &w2)); /* one byte short fails */
    CHECK(w2 == 0);
    CHECK(xb_xml_value_decode(in, len, x, out, n, &w)); /* out was clobbered: redo */
  }
  *outn = n;
  return out;
}

/* The promises of xb_xml.h on an accepted document. */
static void check_tree(const uint8_t *in, size_t len, const xb_xml_node *t, size_t n) {
  CHECK(n >= 1 && n <= XB_XML_MAX_NODES(len));
  CHECK(t[0].type == XB_XML_ELEMENT && t[0].parent == XB_XML_NONE && t[0].depth == 1);
  CHECK(t[0].next == n);
  for (size_t i = 0; i < n; i++) {
    const xb_xml_node *x = &t[i];
    CHECK(x->type >= XB_XML_ELEMENT && x->type <= XB_XML_TEXT);
    CHECK(x->off < len && x->len <= len - x->off);
    CHECK(x->voff <= len && x->vlen <= len - x->voff);
    CHECK(x->next > i && x->next <= n);
    if (i > 0) {
      CHECK(x->parent < i && t[x->parent].type == XB_XML_ELEMENT);
      CHECK(x->depth == t[x->parent].depth + 1);
      CHECK(i < t[x->parent].next); /* inside the parent's subtree */
    }
    /* every node of the subtree descends from i */
    for (size_t j = i + 1; j < x->next; j++) CHECK(t[j].parent >= i && t[j].parent < j);
    if (x->type == XB_XML_ELEMENT) {
      CHECK(x->depth <= XB_XML_MAX_DEPTH);
      CHECK(name_ok(in + x->off, x->len));
      /* the element span: '<' name ... and ends with "/>" or "</" name S? ">" */
      CHECK(in[x->voff] == '<' && x->voff + 1 == x->off);
      CHECK(x->vlen >= x->len + 3 && in[x->voff + x->vlen - 1] == '>');
      const uint8_t *end = in + x->voff + x->vlen;
      if (end[-2] != '/') {
        size_t k = x->vlen - 1;
        while (k > 0 && is_ws(in[x->voff + k - 1])) k--;
        CHECK(k >= x->len + 2);
        CHECK(memcmp(in + x->voff + k - x->len, in + x->off, x->len) == 0);
        CHECK(in[x->voff + k - x->len - 1] == '/' && in[x->voff + k - x->len - 2] == '<');
      }
      /* attributes: right after the element, at most 16, distinct names */
      size_t na = 0;
      for (size_t j = i + 1; j < n && t[j].type == XB_XML_ATTR && t[j].parent == i; j++) {
        na++;
        for (size_t k = i + 1; k < j; k++)
          CHECK(!(t[k].len == t[j].len && memcmp(in + t[k].off, in + t[j].off, t[j].len) == 0));
      }
      CHECK(na <= XB_XML_MAX_ATTRS);
      /* the children found by xb_xml_child are exactly the direct child elements */
      size_t c = i;
      for (size_t j = i + 1; j < x->next; j = t[j].next) {
        if (t[j].type != XB_XML_ELEMENT) continue;
        CHECK(t[j].parent == i);
        c = xb_xml_child(in, len, t, n, i, c, NULL, 0);
        CHECK(c == j);
        size_t ls = t[j].off;
        for (size_t k = t[j].off; k < t[j].off + t[j].len; k++)
          if (in[k] == ':') ls = k + 1;
        size_t first = xb_xml_child(in, len, t, n, i, i, (const char *)in + ls,
                                    t[j].off + t[j].len - ls);
        CHECK(first <= j && xb_xml_name_is(in, len, &t[first], (const char *)in + ls,
                                           t[j].off + t[j].len - ls));
      }
      CHECK(xb_xml_child(in, len, t, n, i, c, NULL, 0) == XB_XML_NONE);
      size_t ts = xb_xml_text_size(in, len, t, n, i);
      CHECK(ts != SIZE_MAX && ts <= x->vlen);
    } else {
      CHECK(x->next == i + 1);
      if (x->type == XB_XML_ATTR) {
        CHECK(name_ok(in + x->off, x->len));
        CHECK(t[x->parent].next > i);
        CHECK(i == x->parent + 1 || t[i - 1].type == XB_XML_ATTR);
        CHECK(x->voff >= 1 && x->voff + x->vlen < len);
        CHECK(in[x->voff - 1] == in[x->voff + x->vlen]);
        CHECK(in[x->voff - 1] == '"' || in[x->voff - 1] == '\'');
        CHECK(memchr(in + x->voff, '<', x->vlen) == NULL); /* XB-XML-24 */
        CHECK(memchr(in + x->voff, in[x->voff - 1], x->vlen) == NULL);
      } else {
        CHECK(x->off == x->voff && x->len == x->vlen && x->len > 0);
        CHECK(memchr(in + x->off, '<', x->len) == NULL);
      }
      size_t dn = 0;
      uint8_t *d = decode(in, len, x, &dn);
      if (x->type == XB_XML_ATTR) {
        /* XB-XML-25: raw blanks became spaces, so any TAB/LF/CR left in the value
         * came from a reference */
        size_t refs = 0;
        for (size_t k = 0; k < x->vlen; k++)
          if (in[x->voff + k] == '&') refs++;
        size_t dec_blanks = 0;
        for (size_t k = 0; k < dn; k++)
          if (d[k] == '\t' || d[k] == '\n' || d[k] == '\r') dec_blanks++;
        CHECK(dec_blanks <= refs);
      }
      free(d);
    }
  }
}

static bool node_eq(const xb_xml_node *a, const xb_xml_node *b) {
  return a->off == b->off && a->len == b->len && a->voff == b->voff && a->vlen == b->vlen &&
         a->parent == b->parent && a->next == b->next && a->type == b->type &&
         a->depth == b->depth;
}

/* ------------------------------------------------------------------ round trip */

static void esc(obuf *b, const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    switch (s[i]) {
    case '&': ob_str(b, "&amp;"); break;
    case '<': ob_str(b, "&lt;"); break;
    case '>': ob_str(b, "&gt;"); break;
    case '"': ob_str(b, "&quot;"); break;
    case '\'': ob_str(b, "&apos;"); break;
    case '\t': ob_str(b, "&#9;"); break;
    case '\n': ob_str(b, "&#10;"); break;
    case '\r': ob_str(b, "&#13;"); break;
    default: ob_put(b, s + i, 1); break;
    }
  }
}

/* Canonical form: no declaration, no comment, `<name a="v">...</name>` always, values
 * decoded and re-escaped; adjacent text runs come out as one. */
static void serialize(obuf *b, const uint8_t *in, size_t len, const xb_xml_node *t, size_t n) {
  size_t stack[XB_XML_MAX_DEPTH + 1];
  size_t sp = 0;
  for (size_t i = 0; i <= n; i++) {
    while (sp > 0 && (i == n || t[stack[sp - 1]].next <= i)) {
      const xb_xml_node *e = &t[stack[--sp]];
      ob_str(b, "</");
      ob_put(b, in + e->off, e->len);
      ob_str(b, ">");
    }
    if (i == n) break;
    const xb_xml_node *x = &t[i];
    if (x->type == XB_XML_ELEMENT) {
      ob_str(b, "<");
      ob_put(b, in + x->off, x->len);
      size_t j = i + 1;
      for (; j < n && t[j].type == XB_XML_ATTR && t[j].parent == i; j++) {
        size_t dn = 0;
        uint8_t *d = decode(in, len, &t[j], &dn);
        ob_str(b, " ");
        ob_put(b, in + t[j].off, t[j].len);
        ob_str(b, "=\"");
        esc(b, d, dn);
        ob_str(b, "\"");
        free(d);
      }
      ob_str(b, ">");
      CHECK(sp <= XB_XML_MAX_DEPTH);
      stack[sp++] = i;
      i = j - 1;
    } else if (x->type == XB_XML_TEXT) {
      size_t dn = 0;
      uint8_t *d = decode(in, len, x, &dn);
      esc(b, d, dn);
      free(d);
    }
  }
  CHECK(sp == 0);
}

/* Elements and attributes of two trees correspond one to one, in order, with equal
 * names, equal decoded attribute values and equal decoded element text. */
static void same_tree(const uint8_t *a, size_t alen, const xb_xml_node *ta, size_t na,
                      const uint8_t *b, size_t blen, const xb_xml_node *tb, size_t nb) {
  size_t i = 0, j = 0;
  for (;;) {
    while (i < na && ta[i].type == XB_XML_TEXT) i++;
    while (j < nb && tb[j].type == XB_XML_TEXT) j++;
    if (i == na || j == nb) break;
    CHECK(ta[i].type == tb[j].type);
    CHECK(ta[i].len == tb[j].len && memcmp(a + ta[i].off, b + tb[j].off, ta[i].len) == 0);
    CHECK(ta[i].depth == tb[j].depth);
    if (ta[i].type == XB_XML_ATTR) {
      size_t an = 0, bn = 0;
      uint8_t *da = decode(a, alen, &ta[i], &an);
      uint8_t *db = decode(b, blen, &tb[j], &bn);
      CHECK(an == bn && (an == 0 || memcmp(da, db, an) == 0));
      free(da);
      free(db);
    } else {
      size_t an = xb_xml_text_size(a, alen, ta, na, i);
      size_t bn = xb_xml_text_size(b, blen, tb, nb, j);
      CHECK(an == bn && an != SIZE_MAX);
      uint8_t *da = malloc(an + 1), *db = malloc(bn + 1);
      CHECK(da != NULL && db != NULL);
      size_t wa = 0, wb = 0;
      CHECK(xb_xml_text_decode(a, alen, ta, na, i, da, an, &wa) && wa == an);
      CHECK(xb_xml_text_decode(b, blen, tb, nb, j, db, bn, &wb) && wb == bn);
      CHECK(an == 0 || memcmp(da, db, an) == 0);
      free(da);
      free(db);
    }
    i++;
    j++;
  }
  CHECK(i == na && j == nb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MAX_INPUT) size = MAX_INPUT; /* XB-LIM-2: longer payloads are never parsed */
  xb_xml_result r, rs;
  xb_xml_status st = xb_xml_parse(data, size, big, BIG_CAP, &r);
  CHECK(st == r.status && r.nnodes <= BIG_CAP && r.err_off <= size);
  CHECK(st != XB_XML_TOO_MANY_NODES && st != XB_XML_BAD_ARGUMENT);
  CHECK((st == XB_XML_MISMATCH || st == XB_XML_UNCLOSED) == (r.err_node != XB_XML_NONE));
  if (r.err_node != XB_XML_NONE) {
    CHECK(r.err_node < r.nnodes && big[r.err_node].type == XB_XML_ELEMENT);
  }
  size_t bad = oracle_chars(data, size);
  if (st == XB_XML_BAD_UTF8 || st == XB_XML_BAD_CHAR) {
    CHECK(bad == r.err_off);
  } else {
    CHECK(bad == size);
  }
  size_t line = 0, col = 0;
  xb_xml_line_col(data, size, r.err_off, &line, &col);
  CHECK(line >= 1 && col >= 1 && line <= r.err_off + 1 && col <= r.err_off + 1);

  /* a tiny node array: the same verdict, or "full" */
  xb_xml_status ss = xb_xml_parse(data, size, small, SMALL_CAP, &rs);
  if (r.nnodes <= SMALL_CAP && st != XB_XML_TOO_MANY_NODES) {
    CHECK(ss == st && rs.err_off == r.err_off && rs.nnodes == r.nnodes);
    for (size_t i = 0; i < rs.nnodes; i++) CHECK(node_eq(&small[i], &big[i]));
  } else {
    CHECK(ss == XB_XML_TOO_MANY_NODES && rs.nnodes == SMALL_CAP);
    /* nodes already written are final except an open element's next and vlen */
    for (size_t i = 0; i < SMALL_CAP; i++)
      CHECK(small[i].off == big[i].off && small[i].type == big[i].type &&
            small[i].parent == big[i].parent && small[i].depth == big[i].depth);
  }

  if (st != XB_XML_OK) return 0;
  check_tree(data, size, big, r.nnodes);

  obuf s1 = {NULL, 0, 0}, s2 = {NULL, 0, 0};
  serialize(&s1, data, size, big, r.nnodes);
  xb_xml_result r2;
  /* the canonical form may exceed the payload limit; parse it all the same */
  size_t cap2 = XB_XML_MAX_NODES(s1.len) < BIG_CAP ? XB_XML_MAX_NODES(s1.len) : BIG_CAP;
  xb_xml_status st2 = xb_xml_parse(s1.p, s1.len, big2, cap2, &r2);
  if (st2 != XB_XML_OK) {
    fprintf(stderr, "xml harness: canonical form refused: %s at %zu\n",
            xb_xml_status_str(st2), r2.err_off);
  }
  CHECK(st2 == XB_XML_OK);
  check_tree(s1.p, s1.len, big2, r2.nnodes);
  same_tree(data, size, big, r.nnodes, s1.p, s1.len, big2, r2.nnodes);
  serialize(&s2, s1.p, s1.len, big2, r2.nnodes);
  CHECK(s1.len == s2.len && memcmp(s1.p, s2.p, s1.len) == 0);
  free(s1.p);
  free(s2.p);
  return 0;
}
