/*
 * xb_json_lex.c — the lexers of the strict JSON parser: strings (escapes, surrogates,
 * UTF-8), numbers (RFC 8259 grammar) and the three literals. XB-JSON-1
 */
#include "formats/xb_json_internal.h"

/*@ requires \valid_read(in + (0 .. len - 1));
    requires pos < len;
    requires in[pos] >= 0x80;
    requires \valid(bad);
    assigns *bad;
    ensures \result == 0 || 2 <= \result <= 4;
    ensures \result > 0 ==> pos + \result <= len && xb_utf8_seq((uint8_t *)in, pos, \result);
    ensures \result == 0 ==> pos <= *bad <= len;
    ensures \result == 0 ==> \forall integer k; 1 <= k <= 4 && pos + k <= len ==>
              !xb_utf8_seq((uint8_t *)in, pos, k);
*/
size_t xb_json__utf8_len(const uint8_t *in, size_t len, size_t pos, size_t *bad)
{
  /* RFC 3629 table: the lead byte fixes the length and the range of the 2nd byte,
   * which is what excludes overlong forms, surrogates and values above U+10FFFF. */
  uint8_t b0 = in[pos];
  size_t need = 0;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  size_t res = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 == 0xE0) {
    need = 3;
    lo = 0xA0;
  } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
    need = 3;
  } else if (b0 == 0xED) {
    need = 3;
    hi = 0x9F;
  } else if (b0 == 0xF0) {
    need = 4;
    lo = 0x90;
  } else if (b0 >= 0xF1 && b0 <= 0xF3) {
    need = 4;
  } else if (b0 == 0xF4) {
    need = 4;
    hi = 0x8F;
  }
  *bad = pos;
  if (need > 0) {
    if (pos + 1 < len && in[pos + 1] >= lo && in[pos + 1] <= hi) {
      if (need == 2) {
        res = 2;
      } else if (pos + 2 < len && in[pos + 2] >= 0x80 && in[pos + 2] <= 0xBF) {
        if (need == 3) {
          res = 3;
        } else if (pos + 3 < len && in[pos + 3] >= 0x80 && in[pos + 3] <= 0xBF) {
          res = 4;
        } else {
          *bad = pos + 3;
        }
      } else {
        *bad = pos + 2;
      }
    } else {
      *bad = pos + 1;
    }
  }
  return res;
}

/*@ assigns \nothing;
    ensures \result <= 16;
    ensures \result < 16 <==> ('0' <= c <= '9' || 'a' <= c <= 'f' || 'A' <= c <= 'F');
*/
unsigned xb_json__hexval(uint8_t c)
{
  unsigned v = 16;
  if (c >= '0' && c <= '9') {
    v = (unsigned)c - '0';
  } else if (c >= 'a' && c <= 'f') {
    v = (unsigned)c - 'a' + 10u;
  } else if (c >= 'A' && c <= 'F') {
    v = (unsigned)c - 'A' + 10u;
  }
  return v;
}

/* String lexer modes: one byte is consumed per step except for multi-byte UTF-8. */
enum {
  XB_M_NORMAL = 0,
  XB_M_ESC = 1,    /* after a backslash */
  XB_M_U1 = 2,     /* XB_M_U1 .. XB_M_U4: hex digits of \uXXXX */
  XB_M_U4 = 5,
  XB_M_LOW_BS = 6, /* after a high surrogate: the backslash of its low half */
  XB_M_LOW_U = 7,  /* ... its 'u' */
  XB_M_L1 = 8,     /* XB_M_L1 .. XB_M_L4: hex digits of the low half */
  XB_M_L4 = 11
};

#define XB_ESC_ERR_HERE 0xFFFFFFFFu  /* the byte itself is wrong */
#define XB_ESC_ERR_START 0xFFFFFFFEu /* lone surrogate: blame the escape's backslash */

/*
 * One byte of an escape sequence. state = mode * 0x10000 + cp (the hex value read so
 * far); returns the next state, or an error code.
 */
/*@ requires XB_M_ESC <= state / 0x10000 <= XB_M_L4;
    assigns \nothing;
    ensures \result == XB_ESC_ERR_HERE || \result == XB_ESC_ERR_START ||
            (\result / 0x10000 <= XB_M_L4 && 0x20 <= c <= 0x7F);
*/
static uint32_t xb_json__esc_next(uint32_t state, uint8_t c)
{
  uint32_t mode = state / 0x10000u;
  uint32_t cp = state % 0x10000u;
  uint32_t r = XB_ESC_ERR_HERE;
  if (mode == XB_M_ESC) {
    if (c == 'u') {
      r = (uint32_t)XB_M_U1 * 0x10000u;
    } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
               c == 'r' || c == 't') {
      r = XB_M_NORMAL;
    }
  } else if (mode == XB_M_LOW_BS) {
    /* after a high surrogate only its low half may follow */
    r = (c == '\\') ? (uint32_t)XB_M_LOW_U * 0x10000u : XB_ESC_ERR_START;
  } else if (mode == XB_M_LOW_U) {
    r = (c == 'u') ? (uint32_t)XB_M_L1 * 0x10000u : XB_ESC_ERR_START;
  } else {
    unsigned h = xb_json__hexval(c);
    if (h <= 15u) {
      /* at most 3 digits are kept before the 4th: the modulo never bites, but keeps
       * the bound cp <= 0xFFFF trivially true */
      cp = (cp % 0x1000u) * 16u + h;
      if (mode == XB_M_U4) {
        if (cp >= 0xDC00u && cp <= 0xDFFFu) {
          r = XB_ESC_ERR_START; /* low surrogate without a high one */
        } else if (cp >= 0xD800u && cp <= 0xDBFFu) {
          r = (uint32_t)XB_M_LOW_BS * 0x10000u;
        } else {
          r = XB_M_NORMAL;
        }
      } else if (mode == XB_M_L4) {
        /* a high surrogate followed by anything but a low one is lone */
        r = (cp >= 0xDC00u && cp <= 0xDFFFu) ? (uint32_t)XB_M_NORMAL : XB_ESC_ERR_START;
      } else {
        r = (mode + 1u) * 0x10000u + cp;
      }
    }
  }
  return r;
}

/*
 * Accept the k-byte character at in[p] into the string body that began at start:
 * the proof step that extends the byte-by-byte well-formedness to p + k.
 */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires start <= p && 1 <= k <= 4 && p + k <= len;
    requires xb_utf8_seq((uint8_t *)in, p, k);
    requires in[p] >= 0x20;
    requires \forall integer j; start <= j < p ==> xb_json_str_byte((uint8_t *)in, j);
    assigns \nothing;
    ensures \result == p + k;
    ensures \forall integer j; start <= j < \result ==> xb_json_str_byte((uint8_t *)in, j);
*/
static size_t xb_json__accept(const uint8_t *in, size_t len, size_t start, size_t p,
                              size_t k)
{
  (void)in; /* the contract reads these */
  (void)len;
  (void)start;
  /*@ assert xb_json_str_byte((uint8_t *)in, p); */
  /*@ assert k >= 2 ==> xb_json_str_byte((uint8_t *)in, p + 1); */
  /*@ assert k >= 3 ==> xb_json_str_byte((uint8_t *)in, p + 2); */
  /*@ assert k >= 4 ==> xb_json_str_byte((uint8_t *)in, p + 3); */
  return p + k;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires 1 <= start <= len && in[start - 1] == '"';
    assigns \nothing;
    ensures \result.status == XB_JSON_OK || \result.status == XB_JSON_SYNTAX ||
            \result.status == XB_JSON_BAD_UTF8;
    ensures \result.status == XB_JSON_OK ==>
      start <= \result.end < len && in[\result.end] == '"';
    ensures \result.status == XB_JSON_OK ==>
      \forall integer j; start <= j < \result.end ==> xb_json_str_byte((uint8_t *)in, j);
    ensures \result.status != XB_JSON_OK ==> start <= \result.err <= len;
    ensures \result.type == XB_JSON_STRING;
*/
xb_json_lex xb_json__scan_string(const uint8_t *in, size_t len, size_t start)
{
  xb_json_lex r;
  size_t p = start;
  size_t esc_at = start; /* backslash of the escape being read: lone surrogates point here */
  uint32_t cp = 0;
  uint32_t mode = XB_M_NORMAL;
  xb_json_status st = XB_JSON_OK;
  bool done = false;
  bool escaped = false;
  size_t err = start;
  /*@ loop invariant start <= esc_at <= p <= len;
      loop invariant mode <= XB_M_L4;
      loop invariant cp <= 0xFFFF;
      loop invariant \forall integer j; start <= j < p ==> xb_json_str_byte((uint8_t *)in, j);
      loop invariant st == XB_JSON_OK || st == XB_JSON_SYNTAX || st == XB_JSON_BAD_UTF8;
      loop invariant !done ==> st == XB_JSON_OK;
      loop invariant done && st == XB_JSON_OK ==> p < len && in[p] == '"';
      loop invariant done && st != XB_JSON_OK ==> start <= err <= len;
      loop assigns p, esc_at, cp, mode, st, done, err, escaped;
      loop variant 2 * (len - p) + (done ? 0 : 1);
  */
  while (!done) {
    size_t step = 0; /* bytes accepted by this iteration */
    if (p >= len) {
      st = XB_JSON_SYNTAX;
      err = len;
      done = true;
    } else {
      uint8_t c = in[p];
      if (mode == XB_M_NORMAL) {
        if (c == '"') {
          done = true;
        } else if (c == '\\') {
          mode = XB_M_ESC;
          esc_at = p;
          escaped = true;
          step = 1;
        } else if (c < 0x20) {
          st = XB_JSON_SYNTAX;
          err = p;
          done = true;
        } else if (c < 0x80) {
          step = 1;
        } else {
          size_t bad = p;
          step = xb_json__utf8_len(in, len, p, &bad);
          if (step == 0) {
            st = XB_JSON_BAD_UTF8;
            err = bad;
            done = true;
          }
        }
      } else {
        uint32_t nx = xb_json__esc_next(mode * 0x10000u + cp, c);
        if (nx == XB_ESC_ERR_HERE) {
          st = XB_JSON_SYNTAX;
          err = p;
          done = true;
        } else if (nx == XB_ESC_ERR_START) {
          st = XB_JSON_SYNTAX; /* lone surrogate */
          err = esc_at;
          done = true;
        } else {
          mode = nx / 0x10000u;
          cp = nx % 0x10000u;
          step = 1;
        }
      }
    }
    if (step > 0) {
      p = xb_json__accept(in, len, start, p, step);
    }
  }
  r.status = st;
  r.end = p;
  r.err = err;
  r.escaped = escaped;
  r.type = XB_JSON_STRING;
  return r;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires p <= len;
    assigns \nothing;
    ensures p <= \result <= len;
    ensures p < len && '0' <= in[p] <= '9' ==> \result > p;
*/
static size_t xb_json__digits(const uint8_t *in, size_t len, size_t p)
{
  size_t q = p;
  /*@ loop invariant p <= q <= len;
      loop invariant q > p || q == p;
      loop assigns q;
      loop variant len - q;
  */
  while (q < len && in[q] >= '0' && in[q] <= '9') {
    q++;
  }
  return q;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires pos < len;
    requires in[pos] == '-' || '0' <= in[pos] <= '9';
    assigns \nothing;
    ensures \result.status == XB_JSON_OK || \result.status == XB_JSON_SYNTAX;
    ensures \result.status == XB_JSON_OK ==> pos < \result.end <= len;
    ensures \result.status != XB_JSON_OK ==> pos <= \result.err <= len;
    ensures \result.type == XB_JSON_NUMBER;
*/
xb_json_lex xb_json__scan_number(const uint8_t *in, size_t len, size_t pos)
{
  xb_json_lex r;
  /* -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?  — RFC 8259 section 6 */
  size_t p = pos;
  bool ok = true;
  if (in[p] == '-') {
    p++;
  }
  if (p < len && in[p] == '0') {
    p++;
  } else if (p < len && in[p] >= '1' && in[p] <= '9') {
    p = xb_json__digits(in, len, p);
  } else {
    ok = false;
  }
  if (ok && p < len && in[p] == '.') {
    p++;
    if (p < len && in[p] >= '0' && in[p] <= '9') {
      p = xb_json__digits(in, len, p);
    } else {
      ok = false;
    }
  }
  if (ok && p < len && (in[p] == 'e' || in[p] == 'E')) {
    p++;
    if (p < len && (in[p] == '+' || in[p] == '-')) {
      p++;
    }
    if (p < len && in[p] >= '0' && in[p] <= '9') {
      p = xb_json__digits(in, len, p);
    } else {
      ok = false;
    }
  }
  r.status = ok ? XB_JSON_OK : XB_JSON_SYNTAX;
  r.end = p;
  r.err = p;
  r.escaped = false;
  r.type = XB_JSON_NUMBER;
  return r;
}

/*@ requires i < 5;
    assigns \nothing;
*/
static uint8_t xb_json__lit_byte(uint8_t first, size_t i)
{
  uint8_t r = 0;
  if (first == 't') {
    r = (i == 0) ? 't' : (i == 1) ? 'r' : (i == 2) ? 'u' : 'e';
  } else if (first == 'f') {
    r = (i == 0) ? 'f' : (i == 1) ? 'a' : (i == 2) ? 'l' : (i == 3) ? 's' : 'e';
  } else {
    r = (i == 0) ? 'n' : (i == 1) ? 'u' : 'l';
  }
  return r;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires pos < len;
    assigns \nothing;
    ensures \result.status == XB_JSON_OK || \result.status == XB_JSON_SYNTAX;
    ensures \result.status == XB_JSON_OK ==> pos < \result.end <= len;
    ensures XB_JSON_TRUE <= \result.type <= XB_JSON_NULL;
    ensures \result.status != XB_JSON_OK ==> pos <= \result.err <= len;
*/
xb_json_lex xb_json__scan_literal(const uint8_t *in, size_t len, size_t pos)
{
  xb_json_lex r;
  uint8_t first = in[pos];
  size_t want = 4;
  size_t i = 0;
  xb_json_status st = XB_JSON_SYNTAX;
  uint16_t type = XB_JSON_NULL;
  if (first == 't') {
    type = XB_JSON_TRUE;
  } else if (first == 'f') {
    type = XB_JSON_FALSE;
    want = 5;
  } else if (first != 'n') {
    want = 0; /* not a literal: the first byte is the error */
  }
  /*@ loop invariant 0 <= i <= want <= 5;
      loop invariant pos + i <= len;
      loop assigns i;
      loop variant want - i;
  */
  while (i < want && pos + i < len && in[pos + i] == xb_json__lit_byte(first, i)) {
    i++;
  }
  if (want > 0 && i == want) {
    st = XB_JSON_OK;
  }
  r.status = st;
  r.end = pos + i;
  r.err = pos + i;
  r.escaped = false;
  r.type = type;
  return r;
}
