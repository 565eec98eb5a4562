/*
 * xb_xml_lex.c — the lexical layer of the restricted XML parser: the encoding pass,
 * names, references, text, attribute values, comments, the declaration, and the
 * reference/line-end decoder shared by the value accessors (spec/xml.md §4).
 * Everything here reads in[] only; nothing is written but the caller's buffers.
 */
#include "formats/xb_xml_internal.h"

/*@ assigns \nothing;
    ensures \result <==> xb_xml_ws(b);
*/
static bool xb_xml_is_ws(uint8_t b)
{
  return b == 0x20u || b == 0x09u || b == 0x0Au || b == 0x0Du;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires start <= len;
    requires \valid(st);
    assigns *st;
    ensures start <= \result <= len;
    ensures *st == XB_XML_OK || *st == XB_XML_BAD_UTF8 || *st == XB_XML_BAD_CHAR;
    ensures *st == XB_XML_OK <==> \result == len;
*/
size_t xb_xml__check_chars(const uint8_t *in, size_t len, size_t start, xb_xml_status *st)
{
  size_t p = start;
  xb_xml_status s = XB_XML_OK;
  /*@ loop invariant start <= p <= len;
      loop invariant s == XB_XML_OK || s == XB_XML_BAD_UTF8 || s == XB_XML_BAD_CHAR;
      loop invariant s != XB_XML_OK ==> p < len;
      loop assigns p, s;
      loop variant 2 * (len - p) + (s == XB_XML_OK ? 1 : 0);
  */
  while (s == XB_XML_OK && p < len) {
    uint8_t b = in[p];
    size_t need = 0;
    uint8_t lo = 0x80u;
    uint8_t hi = 0xBFu;
    if (b < 0x80u) {
      /* XB-XML-24: C0 controls other than TAB, LF, CR are not Chars. */
      if (b >= 0x20u || b == 0x09u || b == 0x0Au || b == 0x0Du) {
        p++;
      } else {
        s = XB_XML_BAD_CHAR;
      }
    } else {
      /* XB-XML-19 (as XB-JSON-21): the RFC 3629 table; the range of the second byte
       * excludes overlong forms, surrogates and code points above U+10FFFF. */
      if (b >= 0xC2u && b <= 0xDFu) {
        need = 2;
      } else if (b == 0xE0u) {
        need = 3;
        lo = 0xA0u;
      } else if ((b >= 0xE1u && b <= 0xECu) || b == 0xEEu || b == 0xEFu) {
        need = 3;
      } else if (b == 0xEDu) {
        need = 3;
        hi = 0x9Fu;
      } else if (b == 0xF0u) {
        need = 4;
        lo = 0x90u;
      } else if (b >= 0xF1u && b <= 0xF3u) {
        need = 4;
      } else if (b == 0xF4u) {
        need = 4;
        hi = 0x8Fu;
      }
      if (need == 0 || need > len - p || in[p + 1] < lo || in[p + 1] > hi) {
        s = XB_XML_BAD_UTF8;
      } else if (need >= 3 && (in[p + 2] < 0x80u || in[p + 2] > 0xBFu)) {
        s = XB_XML_BAD_UTF8;
      } else if (need == 4 && (in[p + 3] < 0x80u || in[p + 3] > 0xBFu)) {
        s = XB_XML_BAD_UTF8;
      } else if (b == 0xEFu && in[p + 1] == 0xBFu && in[p + 2] >= 0xBEu) {
        s = XB_XML_BAD_CHAR; /* XB-XML-24: U+FFFE and U+FFFF */
      } else {
        p += need;
      }
    }
  }
  *st = s;
  return p;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p <= len;
    assigns \nothing;
    ensures p <= \result <= len;
    ensures \forall integer j; p <= j < \result ==> xb_xml_ws(in[j]);
    ensures \result < len ==> !xb_xml_ws(in[\result]);
*/
size_t xb_xml__skip_ws(const uint8_t *in, size_t len, size_t p)
{
  size_t q = p;
  /*@ loop invariant p <= q <= len;
      loop invariant \forall integer j; p <= j < q ==> xb_xml_ws(in[j]);
      loop assigns q;
      loop variant len - q;
  */
  while (q < len && xb_xml_is_ws(in[q])) {
    q++;
  }
  return q;
}

/*@ assigns \nothing;
    ensures \result <==> xb_xml_namech(b);
*/
static bool xb_xml_is_namech(uint8_t b)
{
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
         b == '_' || b == '-' || b == '.' || b == ':';
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p <= len;
    assigns \nothing;
    ensures p <= \result <= len;
    ensures \forall integer j; p <= j < \result ==> xb_xml_namech(in[j]);
    ensures \result < len ==> !xb_xml_namech(in[\result]);
*/
size_t xb_xml__name_end(const uint8_t *in, size_t len, size_t p)
{
  size_t q = p;
  /*@ loop invariant p <= q <= len;
      loop invariant \forall integer j; p <= j < q ==> xb_xml_namech(in[j]);
      loop assigns q;
      loop variant len - q;
  */
  while (q < len && xb_xml_is_namech(in[q])) {
    q++;
  }
  return q;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p <= q <= len;
    assigns \nothing;
    ensures \result == XB_XML_OK || \result == XB_XML_BAD_NAME
         || \result == XB_XML_NAME_TOO_LONG;
    ensures \result == XB_XML_OK ==> 1 <= q - p <= XB_XML_MAX_NAME;
    ensures \result == XB_XML_OK ==>
              ('a' <= in[p] <= 'z' || 'A' <= in[p] <= 'Z' || in[p] == '_')
              && in[q - 1] != ':';
*/
xb_xml_status xb_xml__name_check(const uint8_t *in, size_t len, size_t p, size_t q)
{
  xb_xml_status s = XB_XML_OK;
  (void)len;
  if (q == p) {
    s = XB_XML_BAD_NAME;
  } else if (q - p > XB_XML_MAX_NAME) {
    s = XB_XML_NAME_TOO_LONG;
  } else {
    uint8_t b = in[p];
    size_t colons = 0;
    if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_')) {
      s = XB_XML_BAD_NAME;
    }
    /*@ loop invariant p <= i <= q;
        loop invariant colons <= i - p;
        loop assigns i, colons;
        loop variant q - i;
    */
    for (size_t i = p; i < q; i++) {
      if (in[i] == ':') {
        colons++;
      }
    }
    /* XB-XML-26: at most one ':', not first (excluded above), not last. */
    if (colons > 1u || in[q - 1u] == ':') {
      s = XB_XML_BAD_NAME;
    }
  }
  return s;
}

/*@ assigns \nothing;
    ensures 0 <= \result <= 255;
    ensures ch >= 0 ==> \result == ch;
*/
static uint8_t xb_xml_byte(char ch)
{
  /* The byte a char stands for, without an implementation-defined conversion. */
  int v = ch;
  if (v < 0) {
    v += 256;
  }
  return (uint8_t)v;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid_read(lit + (0 .. n - 1));
    requires p <= len;
    assigns \nothing;
    ensures \result ==> p + n <= len;
*/
bool xb_xml__has(const uint8_t *in, size_t len, size_t p, const char *lit, size_t n)
{
  bool eq = n <= len - p;
  if (eq) {
    /*@ loop invariant 0 <= i <= n;
        loop invariant eq ==> p + n <= len;
        loop assigns i, eq;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
      if (in[p + i] != xb_xml_byte(lit[i])) {
        eq = false;
      }
    }
  }
  return eq;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires a + n <= len && b + n <= len;
    assigns \nothing;
*/
bool xb_xml__bytes_eq(const uint8_t *in, size_t len, size_t a, size_t b, size_t n)
{
  bool eq = true;
  (void)len;
  /*@ loop invariant 0 <= i <= n;
      loop assigns i, eq;
      loop variant n - i;
  */
  for (size_t i = 0; i < n; i++) {
    if (in[a + i] != in[b + i]) {
      eq = false;
    }
  }
  return eq;
}

/*@ assigns \nothing;
    ensures \result <= 16;
*/
static unsigned xb_xml_digit(uint8_t c, bool hex)
{
  unsigned v = 16;
  if (c >= '0' && c <= '9') {
    v = (unsigned)c - '0';
  } else if (hex && c >= 'a' && c <= 'f') {
    v = (unsigned)c - 'a' + 10u;
  } else if (hex && c >= 'A' && c <= 'F') {
    v = (unsigned)c - 'A' + 10u;
  }
  return v;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p < len;
    requires \valid(cp);
    assigns *cp;
    ensures \result == 0 || (4 <= \result && p + \result <= len);
    ensures \result > 0 ==> xb_xml_char(*cp);
*/
size_t xb_xml__ref(const uint8_t *in, size_t len, size_t p, uint32_t *cp)
{
  size_t k = 0;
  uint32_t v = 0;
  /* XB-XML-23: the five predefined entities, nothing else by name. */
  if (xb_xml__has(in, len, p, "&amp;", 5)) {
    k = 5;
    v = '&';
  } else if (xb_xml__has(in, len, p, "&lt;", 4)) {
    k = 4;
    v = '<';
  } else if (xb_xml__has(in, len, p, "&gt;", 4)) {
    k = 4;
    v = '>';
  } else if (xb_xml__has(in, len, p, "&quot;", 6)) {
    k = 6;
    v = '"';
  } else if (xb_xml__has(in, len, p, "&apos;", 6)) {
    k = 6;
    v = '\'';
  } else if (xb_xml__has(in, len, p, "&#", 2)) {
    size_t q = p + 2;
    bool hex = false;
    uint32_t val = 0;
    if (q < len && in[q] == 'x') {
      hex = true;
      q++;
    }
    size_t d0 = q;
    bool more = true;
    /* Digits are unbounded in number (leading zeros); the value saturates just above
     * U+10FFFF so it never overflows and still compares as out of range. */
    /*@ loop invariant d0 <= q <= len;
        loop invariant val <= 0x10FFFF * 16 + 15;
        loop assigns q, val, more;
        loop variant 2 * (len - q) + (more ? 1 : 0);
    */
    while (more && q < len) {
      unsigned d = xb_xml_digit(in[q], hex);
      if (d >= 16u) {
        more = false;
      } else {
        if (val <= 0x10FFFFu) {
          val = val * (hex ? 16u : 10u) + d;
        } else {
          val = 0x110000u;
        }
        q++;
      }
    }
    if (q > d0 && q < len && in[q] == ';' &&
        (val == 0x9u || val == 0xAu || val == 0xDu || (val >= 0x20u && val <= 0xD7FFu) ||
         (val >= 0xE000u && val <= 0xFFFDu) || (val >= 0x10000u && val <= 0x10FFFFu))) {
      k = q + 1u - p;
      v = val;
    }
  }
  *cp = v;
  return k;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p < len && in[p] != '<';
    requires \valid(st);
    assigns *st;
    ensures *st == XB_XML_OK || *st == XB_XML_BAD_REF || *st == XB_XML_CDATA_END;
    ensures *st == XB_XML_OK ==> p < \result <= len && (\result == len || in[\result] == '<');
    ensures *st != XB_XML_OK ==> p <= \result < len;
*/
size_t xb_xml__text_end(const uint8_t *in, size_t len, size_t p, xb_xml_status *st)
{
  size_t q = p;
  xb_xml_status s = XB_XML_OK;
  /*@ loop invariant p <= q <= len;
      loop invariant s == XB_XML_OK || s == XB_XML_BAD_REF || s == XB_XML_CDATA_END;
      loop invariant s != XB_XML_OK ==> q < len;
      loop invariant q == p ==> p < len && in[p] != '<';
      loop assigns q, s;
      loop variant 2 * (len - q) + (s == XB_XML_OK ? 1 : 0);
  */
  while (s == XB_XML_OK && q < len && in[q] != '<') {
    if (in[q] == '&') {
      uint32_t cp = 0;
      size_t k = xb_xml__ref(in, len, q, &cp);
      if (k == 0) {
        s = XB_XML_BAD_REF; /* XB-XML-23 */
      } else {
        q += k;
      }
    } else if (in[q] == ']' && len - q > 2u && in[q + 1u] == ']' && in[q + 2u] == '>') {
      s = XB_XML_CDATA_END; /* XB-XML-24 */
    } else {
      q++;
    }
  }
  *st = s;
  return q;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p <= len;
    requires \valid(st);
    assigns *st;
    ensures *st == XB_XML_OK || *st == XB_XML_BAD_REF || *st == XB_XML_LT_IN_ATTR
         || *st == XB_XML_BAD_ATTR;
    ensures *st == XB_XML_OK ==> p <= \result < len && in[\result] == quote;
    ensures *st != XB_XML_OK ==> p <= \result <= len;
*/
size_t xb_xml__attval_end(const uint8_t *in, size_t len, size_t p, uint8_t quote,
                          xb_xml_status *st)
{
  size_t q = p;
  xb_xml_status s = XB_XML_OK;
  /*@ loop invariant p <= q <= len;
      loop invariant s == XB_XML_OK || s == XB_XML_BAD_REF || s == XB_XML_LT_IN_ATTR;
      loop invariant s != XB_XML_OK ==> q < len;
      loop assigns q, s;
      loop variant 2 * (len - q) + (s == XB_XML_OK ? 1 : 0);
  */
  while (s == XB_XML_OK && q < len && in[q] != quote) {
    if (in[q] == '<') {
      s = XB_XML_LT_IN_ATTR; /* XB-XML-24 */
    } else if (in[q] == '&') {
      uint32_t cp = 0;
      size_t k = xb_xml__ref(in, len, q, &cp);
      if (k == 0) {
        s = XB_XML_BAD_REF; /* XB-XML-23 */
      } else {
        q += k;
      }
    } else {
      q++;
    }
  }
  if (s == XB_XML_OK && q == len) {
    s = XB_XML_BAD_ATTR; /* XB-XML-27: the closing quote is missing */
  }
  *st = s;
  return q;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p + 4 <= len;
    requires \valid(st);
    assigns *st;
    ensures *st == XB_XML_OK || *st == XB_XML_BAD_COMMENT;
    ensures *st == XB_XML_OK ==> p + 7 <= \result <= len;
    ensures *st != XB_XML_OK ==> p <= \result <= len;
*/
size_t xb_xml__comment_end(const uint8_t *in, size_t len, size_t p, xb_xml_status *st)
{
  size_t q = p + 4u; /* after "<!--" */
  size_t end = 0;
  xb_xml_status s = XB_XML_BAD_COMMENT;
  bool done = false;
  /*@ loop invariant p + 4 <= q <= len;
      loop invariant done && s == XB_XML_OK ==> p + 7 <= end <= len;
      loop invariant done && s != XB_XML_OK ==> p <= end <= len;
      loop invariant !done ==> s == XB_XML_BAD_COMMENT;
      loop invariant s == XB_XML_OK || s == XB_XML_BAD_COMMENT;
      loop assigns q, end, s, done;
      loop variant 2 * (len - q) + (done ? 0 : 1);
  */
  while (!done && q < len) {
    if (in[q] == '-' && len - q > 1u && in[q + 1u] == '-') {
      /* XB-XML-22: "--" only as part of the closing "-->" (so "--->" is refused). */
      if (len - q > 2u && in[q + 2u] == '>') {
        s = XB_XML_OK;
        end = q + 3u;
      } else {
        end = q;
      }
      done = true;
    } else {
      q++;
    }
  }
  if (!done) {
    end = len; /* unterminated */
  }
  *st = s;
  return end;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p <= len;
    assigns \nothing;
    ensures \result == p || p < \result <= len;
*/
static size_t xb_xml_eq(const uint8_t *in, size_t len, size_t p)
{
  /* XML 1.0 [25] Eq ::= S? '=' S? */
  size_t q = xb_xml__skip_ws(in, len, p);
  size_t r = p;
  if (q < len && in[q] == '=') {
    r = xb_xml__skip_ws(in, len, q + 1u);
  }
  return r;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid_read(lit + (0 .. n - 1));
    requires p <= len;
    requires n <= 8;
    assigns \nothing;
    ensures \result == p || p < \result <= len;
*/
static size_t xb_xml_quoted(const uint8_t *in, size_t len, size_t p, const char *lit,
                            size_t n, bool fold)
{
  /* A quoted literal, matching quotes; fold: ASCII case-insensitive (lit lower case). */
  size_t r = p;
  if (p < len && (in[p] == '"' || in[p] == '\'') && n + 2u <= len - p &&
      in[p + n + 1u] == in[p]) {
    bool eq = true;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, eq;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
      uint8_t b = in[p + 1u + i];
      if (fold && b >= 'A' && b <= 'Z') {
        b = (uint8_t)(b + 32u);
      }
      if (b != xb_xml_byte(lit[i])) {
        eq = false;
      }
    }
    if (eq) {
      r = p + n + 2u;
    }
  }
  return r;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p + 5 <= len;
    requires \valid(st);
    assigns *st;
    ensures *st == XB_XML_OK || *st == XB_XML_BAD_DECL;
    ensures *st == XB_XML_OK ==> p < \result <= len;
    ensures *st != XB_XML_OK ==> p <= \result <= len;
*/
size_t xb_xml__decl_end(const uint8_t *in, size_t len, size_t p, xb_xml_status *st)
{
  /* XB-XML-20: '<?xml' S 'version' Eq ("1.0"|'1.0') [S 'encoding' Eq "UTF-8" (any
   * case)] [S 'standalone' Eq ("yes"|"no")] S? '?>' — the caller checked "<?xml". */
  size_t q = p + 5u;
  size_t s = xb_xml__skip_ws(in, len, q);
  size_t r = q; /* offending offset */
  bool ok = s > q && xb_xml__has(in, len, s, "version", 7);
  if (ok) {
    size_t v = xb_xml_eq(in, len, s + 7u);
    size_t e = v > s + 7u ? xb_xml_quoted(in, len, v, "1.0", 3, false) : v;
    ok = e > v;
    q = ok ? e : v;
  } else {
    q = s;
  }
  if (ok) {
    s = xb_xml__skip_ws(in, len, q);
    if (s > q && xb_xml__has(in, len, s, "encoding", 8)) {
      size_t v = xb_xml_eq(in, len, s + 8u);
      size_t e = v > s + 8u ? xb_xml_quoted(in, len, v, "utf-8", 5, true) : v;
      ok = e > v;
      q = ok ? e : v;
    }
  }
  if (ok) {
    s = xb_xml__skip_ws(in, len, q);
    if (s > q && xb_xml__has(in, len, s, "standalone", 10)) {
      size_t v = xb_xml_eq(in, len, s + 10u);
      size_t e = v;
      if (v > s + 10u) {
        e = xb_xml_quoted(in, len, v, "yes", 3, false);
        if (e == v) {
          e = xb_xml_quoted(in, len, v, "no", 2, false);
        }
      }
      ok = e > v;
      q = ok ? e : v;
    }
  }
  if (ok) {
    q = xb_xml__skip_ws(in, len, q);
    ok = xb_xml__has(in, len, q, "?>", 2);
  }
  if (ok) {
    r = q + 2u;
    *st = XB_XML_OK;
  } else {
    r = q;
    *st = XB_XML_BAD_DECL;
  }
  return r;
}

/*@ logic integer xb_xml_utf8_size(integer cp) =
      cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
*/

/*@ requires cp <= 0x10FFFF;
    assigns \nothing;
    ensures \result == xb_xml_utf8_size(cp);
*/
static size_t xb_xml_utf8_len(uint32_t cp)
{
  size_t n = 4;
  if (cp < 0x80u) {
    n = 1;
  } else if (cp < 0x800u) {
    n = 2;
  } else if (cp < 0x10000u) {
    n = 3;
  }
  return n;
}

/*@ requires cp <= 0x10FFFF;
    requires \valid(out + (0 .. xb_xml_utf8_size(cp) - 1));
    assigns out[0 .. xb_xml_utf8_size(cp) - 1];
*/
static void xb_xml_utf8_put(uint32_t cp, uint8_t *out)
{
  /* Arithmetic rather than shifts keeps the proof in linear arithmetic. */
  if (cp < 0x80u) {
    out[0] = (uint8_t)cp;
  } else if (cp < 0x800u) {
    out[0] = (uint8_t)(0xC0u + cp / 64u);
    out[1] = (uint8_t)(0x80u + cp % 64u);
  } else if (cp < 0x10000u) {
    out[0] = (uint8_t)(0xE0u + cp / 4096u);
    out[1] = (uint8_t)(0x80u + (cp / 64u) % 64u);
    out[2] = (uint8_t)(0x80u + cp % 64u);
  } else {
    out[0] = (uint8_t)(0xF0u + cp / 262144u);
    out[1] = (uint8_t)(0x80u + (cp / 4096u) % 64u);
    out[2] = (uint8_t)(0x80u + (cp / 64u) % 64u);
    out[3] = (uint8_t)(0x80u + cp % 64u);
  }
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires s <= e <= len;
    requires out == \null || \valid(out + (0 .. cap - 1));
    requires out == \null || \separated(out + (0 .. cap - 1), in + (0 .. len - 1));
    assigns out[0 .. cap - 1];
    ensures \result == SIZE_MAX || \result <= e - s;
    ensures out != \null && \result != SIZE_MAX ==> \result <= cap;
*/
size_t xb_xml__decode_span(const uint8_t *in, size_t len, size_t s, size_t e, bool attr,
                           uint8_t *out, size_t cap)
{
  size_t i = s;
  size_t w = 0;
  bool ok = true;
  (void)len;
  /*@ loop invariant s <= i <= e;
      loop invariant w <= i - s;
      loop invariant out != \null ==> w <= cap;
      loop assigns i, w, ok, out[0 .. cap - 1];
      loop variant 2 * (e - i) + (ok ? 1 : 0);
  */
  while (ok && i < e) {
    uint8_t b = in[i];
    if (b == '&') {
      uint32_t cp = 0;
      /* bounded by e: a reference never runs past its span */
      size_t k = xb_xml__ref(in, e, i, &cp);
      if (k == 0) {
        ok = false;
      } else {
        size_t nb = xb_xml_utf8_len(cp);
        if (out != NULL && nb > cap - w) {
          ok = false;
        } else {
          if (out != NULL) {
            xb_xml_utf8_put(cp, out + w);
          }
          w += nb; /* XB-XML-23: nb <= 4 <= k */
          i += k;
        }
      }
    } else {
      uint8_t o = b;
      size_t adv = 1;
      if (b == '\r') {
        /* XB-XML-25: CR LF and a lone CR are one LF */
        o = '\n';
        if (e - i > 1u && in[i + 1u] == '\n') {
          adv = 2;
        }
      }
      if (attr && (o == '\t' || o == '\n')) {
        o = ' '; /* XB-XML-25: attribute-value normalization of literal blanks */
      }
      if (out != NULL && w >= cap) {
        ok = false;
      } else {
        if (out != NULL) {
          out[w] = o;
        }
        w++;
        i += adv;
      }
    }
  }
  return ok ? w : SIZE_MAX;
}
