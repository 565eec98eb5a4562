/*
 * xb_json_str.c — reading a parsed document: string unescaping and comparison, walking
 * siblings and members without recursion, error positions, status names.
 *
 * Every function here accepts any token array (not only one the parser produced) and
 * checks each span and index it follows, so a corrupted array cannot make it read out
 * of bounds; on tokens from xb_json_parse the checks never fail.
 */
#include "formats/xb_json_internal.h"

/*@ requires pos <= SIZE_MAX - 3;
    requires \valid_read(in + (pos .. pos + 3));
    assigns \nothing;
    ensures \result <= 0x10000;
*/
static uint32_t xb_json__hex4(const uint8_t *in, size_t pos)
{
  /* 0x10000 (not a 16-bit value) flags a non-hex digit */
  uint32_t r = 0x10000u;
  unsigned a = xb_json__hexval(in[pos]);
  unsigned b = xb_json__hexval(in[pos + 1]);
  unsigned c = xb_json__hexval(in[pos + 2]);
  unsigned d = xb_json__hexval(in[pos + 3]);
  if (a < 16u && b < 16u && c < 16u && d < 16u) {
    /* the modulos are no-ops here; they make the bound evident to the prover */
    r = (a % 16u) * 4096u + (b % 16u) * 256u + (c % 16u) * 16u + d % 16u;
  }
  return r;
}

/*@ requires cp <= 0x10FFFF;
    requires \valid(out + (0 .. 3));
    assigns out[0 .. 3];
    ensures 1 <= \result <= 4;
    ensures cp < 0x80 ==> \result == 1;
    ensures cp < 0x800 ==> \result <= 2;
    ensures cp < 0x10000 ==> \result <= 3;
*/
static size_t xb_json__encode(uint32_t cp, uint8_t *out)
{
  size_t n = 4;
  if (cp < 0x80u) {
    out[0] = (uint8_t)cp;
    n = 1;
  } else if (cp < 0x800u) {
    out[0] = (uint8_t)(0xC0u + cp / 64u);
    out[1] = (uint8_t)(0x80u + cp % 64u);
    n = 2;
  } else if (cp < 0x10000u) {
    out[0] = (uint8_t)(0xE0u + cp / 4096u);
    out[1] = (uint8_t)(0x80u + (cp / 64u) % 64u);
    out[2] = (uint8_t)(0x80u + cp % 64u);
    n = 3;
  } else {
    out[0] = (uint8_t)(0xF0u + cp / 262144u);
    out[1] = (uint8_t)(0x80u + (cp / 4096u) % 64u);
    out[2] = (uint8_t)(0x80u + (cp / 64u) % 64u);
    out[3] = (uint8_t)(0x80u + cp % 64u);
  }
  return n;
}

/*
 * The unit at in[pos]: a raw character (grouped by its UTF-8 lead byte, so that equal
 * characters give equal units) or an escape (a surrogate pair is one unit). Bytes that
 * do not form a valid escape are taken literally; that only happens on spans the parser
 * did not accept. The output is never longer than the input consumed.
 */
/*@ requires pos < end;
    requires \valid_read(in + (pos .. end - 1));
    requires \valid(out + (0 .. 3)) && \valid(nout);
    requires \separated(out + (0 .. 3), nout);
    assigns out[0 .. 3], *nout;
    ensures pos < \result <= end;
    ensures 1 <= *nout <= 4;
    ensures *nout <= \result - pos;
*/
size_t xb_json__unit(const uint8_t *in, size_t pos, size_t end, uint8_t *out,
                     size_t *nout)
{
  uint8_t c = in[pos];
  size_t q = pos + 1;
  out[0] = c;
  *nout = 1;
  if (c == '\\' && pos + 1 < end) {
    uint8_t e = in[pos + 1];
    uint8_t simple = 0;
    switch (e) {
    case '"': simple = '"'; break;
    case '\\': simple = '\\'; break;
    case '/': simple = '/'; break;
    case 'b': simple = 8; break;
    case 'f': simple = 12; break;
    case 'n': simple = 10; break;
    case 'r': simple = 13; break;
    case 't': simple = 9; break;
    default: break;
    }
    if (simple != 0) {
      out[0] = simple;
      q = pos + 2;
    } else if (e == 'u' && end - pos >= 6) {
      uint32_t cp = xb_json__hex4(in, pos + 2);
      if (cp < 0x10000u) {
        q = pos + 6;
        if (cp >= 0xD800u && cp <= 0xDBFFu && end - pos >= 12 && in[pos + 6] == '\\' &&
            in[pos + 7] == 'u') {
          uint32_t lo = xb_json__hex4(in, pos + 8);
          if (lo >= 0xDC00u && lo <= 0xDFFFu) {
            cp = 0x10000u + (cp - 0xD800u) * 1024u + (lo - 0xDC00u);
            q = pos + 12;
          }
        }
        *nout = xb_json__encode(cp, out);
      }
    }
  } else if (c >= 0xC0u) {
    size_t k = (c >= 0xF0u) ? 4 : (c >= 0xE0u) ? 3 : 2;
    if (end - pos >= k) {
      size_t i = 1;
      /*@ loop invariant 1 <= i <= k;
          loop assigns i, out[1 .. 3];
          loop variant k - i;
      */
      while (i < k) {
        out[i] = in[pos + i];
        i++;
      }
      q = pos + k;
      *nout = k;
    }
  }
  return q;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires aoff + alen <= len && boff + blen <= len;
    assigns \nothing;
*/
bool xb_json__span_eq(const uint8_t *in, size_t len, size_t aoff, size_t alen,
                      bool aesc, size_t boff, size_t blen, bool besc)
{
  bool eq = true;
  (void)len; /* the contract reads it */
  if (!aesc && !besc) {
    size_t i = 0;
    eq = (alen == blen);
    /*@ loop invariant 0 <= i <= alen;
        loop invariant eq ==> alen == blen;
        loop assigns i, eq;
        loop variant alen - i;
    */
    while (eq && i < alen) {
      eq = (in[aoff + i] == in[boff + i]);
      i++;
    }
  } else {
    /* units line up on equal values: each is one character (see xb_json__unit) */
    size_t pa = aoff;
    size_t pb = boff;
    size_t ea = aoff + alen;
    size_t eb = boff + blen;
    uint8_t ua[4];
    uint8_t ub[4];
    size_t na = 0;
    size_t nb = 0;
    /*@ loop invariant aoff <= pa <= ea && boff <= pb <= eb;
        loop assigns pa, pb, na, nb, ua[0 .. 3], ub[0 .. 3], eq;
        loop variant (ea - pa) + (eb - pb);
    */
    while (eq && pa < ea && pb < eb) {
      size_t j = 0;
      pa = xb_json__unit(in, pa, ea, ua, &na);
      pb = xb_json__unit(in, pb, eb, ub, &nb);
      eq = (na == nb);
      /*@ loop invariant 0 <= j <= na && na <= 4;
          loop assigns j, eq;
          loop variant na - j;
      */
      while (eq && j < na) {
        eq = (ua[j] == ub[j]);
        j++;
      }
    }
    eq = eq && pa == ea && pb == eb;
  }
  return eq;
}

/*@ requires tokens == \null || \valid_read(tokens + (0 .. n - 1));
    assigns \nothing;
    ensures \result <= n;
    ensures tokens != \null && i < n && i < tokens[i].next <= n ==>
      \result == tokens[i].next;
*/
size_t xb_json_skip(const xb_json_token *tokens, size_t n, size_t i)
{
  size_t r = n;
  if (tokens != NULL && i < n && tokens[i].next > i && tokens[i].next <= n) {
    r = tokens[i].next;
  }
  return r;
}

/*@ requires \valid_read(tok);
    assigns \nothing;
    ensures \result ==> tok->type == XB_JSON_STRING && tok->off + tok->len <= len;
*/
static bool xb_json__string_in(size_t len, const xb_json_token *tok)
{
  return tok->type == XB_JSON_STRING && tok->off <= len && tok->len <= len - tok->off;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires tok == \null || \valid_read(tok);
    requires s == \null || \valid_read(s + (0 .. slen - 1));
    assigns \nothing;
*/
bool xb_json_string_eq(const uint8_t *in, size_t len, const xb_json_token *tok,
                       const char *s, size_t slen)
{
  bool eq = false;
  if (in != NULL && tok != NULL && (s != NULL || slen == 0) &&
      xb_json__string_in(len, tok)) {
    size_t p = tok->off;
    size_t e = tok->off + tok->len;
    size_t k = 0;
    uint8_t u[4];
    size_t nu = 0;
    eq = true;
    /*@ loop invariant tok->off <= p <= e && k <= slen;
        loop assigns p, k, u[0 .. 3], nu, eq;
        loop variant e - p;
    */
    while (eq && p < e) {
      size_t j = 0;
      p = xb_json__unit(in, p, e, u, &nu);
      eq = (nu <= slen - k);
      /*@ loop invariant 0 <= j <= nu && nu <= 4;
          loop invariant k <= slen;
          loop invariant eq ==> k + nu - j <= slen;
          loop assigns j, k, eq;
          loop variant nu - j;
      */
      while (eq && j < nu) {
        int v = s[k]; /* the byte value whatever the signedness of char */
        eq = ((v < 0 ? v + 256 : v) == (int)u[j]);
        j++;
        k++;
      }
    }
    eq = eq && k == slen;
  }
  return eq;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires tokens == \null || \valid_read(tokens + (0 .. n - 1));
    requires key == \null || \valid_read(key + (0 .. keylen - 1));
    assigns \nothing;
    ensures \result == XB_JSON_NONE || \result < n;
*/
size_t xb_json_object_get(const uint8_t *in, size_t len, const xb_json_token *tokens,
                          size_t n, size_t obj, const char *key, size_t keylen)
{
  size_t found = XB_JSON_NONE;
  if (in != NULL && tokens != NULL && obj < n && tokens[obj].type == XB_JSON_OBJECT) {
    size_t stop = (tokens[obj].next > obj && tokens[obj].next <= n) ? tokens[obj].next : n;
    size_t k = obj + 1;
    /* members: key k, value k + 1, next key at the end of the value's subtree */
    /*@ loop invariant obj < k <= n;
        loop invariant stop <= n;
        loop invariant found == XB_JSON_NONE || found < n;
        loop assigns k, found;
        loop variant n - k;
    */
    while (found == XB_JSON_NONE && k < stop && stop - k > 1 && tokens[k].parent == obj) {
      if (xb_json_string_eq(in, len, &tokens[k], key, keylen)) {
        found = k + 1;
        k = n;
      } else if (tokens[k + 1].next > k + 1 && tokens[k + 1].next <= n) {
        k = tokens[k + 1].next;
      } else {
        k = n;
      }
    }
  }
  return found;
}

/*@ requires tokens == \null || \valid_read(tokens + (0 .. n - 1));
    assigns \nothing;
    ensures \result == XB_JSON_NONE || \result < n;
*/
size_t xb_json_array_get(const xb_json_token *tokens, size_t n, size_t arr, size_t idx)
{
  size_t found = XB_JSON_NONE;
  if (tokens != NULL && arr < n && tokens[arr].type == XB_JSON_ARRAY) {
    size_t stop = (tokens[arr].next > arr && tokens[arr].next <= n) ? tokens[arr].next : n;
    size_t k = arr + 1;
    size_t i = 0;
    bool more = true;
    /*@ loop invariant arr < k <= n;
        loop invariant stop <= n;
        loop invariant i <= idx;
        loop invariant found == XB_JSON_NONE || found < n;
        loop assigns k, i, found, more;
        loop variant n - k + (more ? 1 : 0);
    */
    while (more && k < stop && tokens[k].parent == arr) {
      if (i == idx) {
        found = k;
        more = false;
      } else if (tokens[k].next > k && tokens[k].next <= n) {
        k = tokens[k].next;
        i++;
      } else {
        more = false;
      }
    }
  }
  return found;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires tok == \null || \valid_read(tok);
    assigns \nothing;
    ensures tok != \null ==> \result <= tok->len;
*/
size_t xb_json_string_decoded_size(const uint8_t *in, size_t len,
                                   const xb_json_token *tok)
{
  size_t size = 0;
  if (in != NULL && tok != NULL && xb_json__string_in(len, tok)) {
    size_t p = tok->off;
    size_t e = tok->off + tok->len;
    uint8_t u[4];
    size_t nu = 0;
    /*@ loop invariant tok->off <= p <= e;
        loop invariant size <= p - tok->off;
        loop assigns p, size, u[0 .. 3], nu;
        loop variant e - p;
    */
    while (p < e) {
      size_t q = xb_json__unit(in, p, e, u, &nu);
      size += nu;
      p = q;
    }
  }
  return size;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires tok == \null || \valid_read(tok);
    requires out == \null || \valid(out + (0 .. cap - 1));
    requires written == \null || \valid(written);
    requires out != \null && written != \null ==> \separated(out + (0 .. cap - 1), written);
    assigns out[0 .. cap - 1], *written;
    ensures written != \null ==> *written <= cap;
    ensures \result ==> written != \null;
*/
bool xb_json_string_decode(const uint8_t *in, size_t len, const xb_json_token *tok,
                           uint8_t *out, size_t cap, size_t *written)
{
  bool ok = false;
  if (written != NULL) {
    *written = 0;
  }
  if (written != NULL && (out != NULL || cap == 0) && in != NULL && tok != NULL &&
      xb_json__string_in(len, tok) && xb_json_string_decoded_size(in, len, tok) <= cap) {
    size_t p = tok->off;
    size_t e = tok->off + tok->len;
    size_t w = 0;
    uint8_t u[4];
    size_t nu = 0;
    ok = true;
    /*@ loop invariant tok->off <= p <= e;
        loop invariant w <= cap;
        loop assigns p, w, u[0 .. 3], nu, ok, out[0 .. cap - 1];
        loop variant e - p;
    */
    while (ok && p < e) {
      size_t j = 0;
      p = xb_json__unit(in, p, e, u, &nu);
      ok = (nu <= cap - w);
      /*@ loop invariant 0 <= j <= nu && nu <= 4;
          loop invariant ok ==> w + nu - j <= cap;
          loop invariant w <= cap;
          loop assigns j, w, ok, out[0 .. cap - 1];
          loop variant nu - j;
      */
      while (ok && j < nu) {
        out[w] = u[j];
        w++;
        j++;
      }
    }
    if (ok) {
      *written = w;
    }
  }
  return ok;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires len < SIZE_MAX;
    requires line == \null || \valid(line);
    requires column == \null || \valid(column);
    requires line != \null && column != \null ==> \separated(line, column);
    assigns *line, *column;
    ensures line != \null ==> 1 <= *line <= len + 1;
    ensures column != \null ==> 1 <= *column <= len + 1;
*/
void xb_json_position(const uint8_t *in, size_t len, size_t off, size_t *line,
                      size_t *column)
{
  size_t l = 1;
  size_t c = 1;
  size_t i = 0;
  size_t stop = (off < len) ? off : len;
  if (in == NULL) {
    stop = 0;
  }
  /*@ loop invariant 0 <= i <= stop <= len;
      loop invariant 1 <= l <= i + 1 && 1 <= c <= i + 1;
      loop assigns i, l, c;
      loop variant stop - i;
  */
  while (i < stop) {
    if (in[i] == '\n') {
      l++;
      c = 1;
    } else if (in[i] < 0x80u || in[i] >= 0xC0u) {
      c++; /* continuation bytes do not start a new column */
    }
    i++;
  }
  if (line != NULL) {
    *line = l;
  }
  if (column != NULL) {
    *column = c;
  }
}

/*@ assigns \nothing;
    ensures \valid_read(\result);
*/
const char *xb_json_status_str(xb_json_status status)
{
  const char *s = "unknown status";
  switch (status) {
  case XB_JSON_OK: s = "ok"; break;
  case XB_JSON_SYNTAX: s = "syntax error"; break;
  case XB_JSON_TOO_DEEP: s = "nesting too deep"; break;
  case XB_JSON_TOO_MANY_TOKENS: s = "too many values"; break;
  case XB_JSON_TOO_LARGE: s = "document too large"; break;
  case XB_JSON_BAD_UTF8: s = "invalid UTF-8 in a string"; break;
  case XB_JSON_DUPLICATE_KEY: s = "duplicate key in an object"; break;
  case XB_JSON_BAD_ARGUMENT: s = "bad argument"; break;
  default: break;
  }
  return s;
}
