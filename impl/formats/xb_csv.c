/*
 * xb_csv.c — CSV payload checks and field decoding (spec/csv.md §3, XB-CSV-14, XB-CSV-17;
 * API and logic in xb_csv.h): reason texts and HTTP codes, the UTF-8 and byte-order-mark
 * check of a whole payload, and the decoding of a field's content span. The record
 * tokenizer is xb_csv_line.c.
 */
#include "formats/xb_csv.h"
#include "formats/xb_csv_fail.h"

/*@
  requires \true;
  assigns \nothing;
  ensures \result != \null;
*/
const char *xb_csv_reason_text(xb_csv_reason r)
{
  const char *t = "error";
  switch (r) {
  case XB_CSV_R_NONE: t = "no error"; break;
  case XB_CSV_R_EMPTY: t = "empty payload"; break;
  case XB_CSV_R_BOM: t = "byte order mark"; break;
  case XB_CSV_R_UTF8: t = "invalid UTF-8"; break;
  case XB_CSV_R_CR: t = "carriage return not followed by line feed"; break;
  case XB_CSV_R_LF: t = "line feed inside a record"; break;
  case XB_CSV_R_QUOTE_IN_FIELD: t = "quote inside an unquoted field"; break;
  case XB_CSV_R_AFTER_QUOTE: t = "text after a closing quote"; break;
  case XB_CSV_R_UNTERMINATED: t = "unterminated quoted field"; break;
  case XB_CSV_R_TOO_MANY_FIELDS: t = "too many fields"; break;
  case XB_CSV_R_FIELD_TOO_LONG: t = "field longer than 4096 bytes"; break;
  case XB_CSV_R_FIELD_COUNT: t = "wrong number of fields"; break;
  case XB_CSV_R_RECORD_COUNT: t = "only one record allowed"; break;
  case XB_CSV_R_BAD_ID: t = "invalid datastream id"; break;
  case XB_CSV_R_BAD_TIMESTAMP: t = "invalid timestamp"; break;
  case XB_CSV_R_VALUE_TOO_LONG: t = "value longer than 255 bytes"; break;
  case XB_CSV_R_CONTROL_CHAR: t = "control character in value"; break;
  case XB_CSV_R_NEED_TIMESTAMP: t = "several values for one datastream need timestamps"; break;
  case XB_CSV_R_TOO_MANY_VALUES: t = "too many datapoints"; break;
  case XB_CSV_R_ARGUMENT: t = "bad argument"; break;
  default: break;
  }
  return t;
}

/*@
  requires \true;
  assigns \nothing;
  ensures \result == 200 || \result == 400 || \result == 422 || \result == 500;
  ensures st == XB_CSV_SYNTAX <==> \result == 400;
  ensures st == XB_CSV_INVALID || st == XB_CSV_TOO_MANY_VALUES <==> \result == 422;
*/
int xb_csv_http_status(xb_csv_status st)
{
  int code = 500;
  if (st == XB_CSV_OK || st == XB_CSV_END) {
    code = 200;
  } else if (st == XB_CSV_SYNTAX) {
    code = 400; /* XB-CSV-21, XB-RES-87: CSV Parser Error */
  } else if (st == XB_CSV_INVALID || st == XB_CSV_TOO_MANY_VALUES) {
    code = 422;
  }
  return code;
}

/* Contract: xb_csv_fail.h */
void xb_csv_fail(xb_csv_error *err, xb_csv_reason r, size_t off, size_t line, size_t col)
{
  if (err != NULL) {
    err->reason = r;
    err->off = off;
    err->line = line;
    err->col = col;
  }
}

/* ------------------------------------------------------------------ UTF-8 (XB-CSV-14) */

/*@
  // Length of the well-formed sequence starting at i (RFC 3629 table 3-7), 0 if none.
  logic integer xb_u8len{L}(uint8_t *in, integer i, integer len) =
    in[i] <= 0x7F ? 1
    : (0xC2 <= in[i] && in[i] <= 0xDF) ?
        ((i + 1 < len && 0x80 <= in[i + 1] && in[i + 1] <= 0xBF) ? 2 : 0)
    : (0xE0 <= in[i] && in[i] <= 0xEF) ?
        ((i + 2 < len
          && (in[i] == 0xE0 ? 0xA0 : 0x80) <= in[i + 1]
          && in[i + 1] <= (in[i] == 0xED ? 0x9F : 0xBF)
          && 0x80 <= in[i + 2] && in[i + 2] <= 0xBF) ? 3 : 0)
    : (0xF0 <= in[i] && in[i] <= 0xF4) ?
        ((i + 3 < len
          && (in[i] == 0xF0 ? 0x90 : 0x80) <= in[i + 1]
          && in[i + 1] <= (in[i] == 0xF4 ? 0x8F : 0xBF)
          && 0x80 <= in[i + 2] && in[i + 2] <= 0xBF
          && 0x80 <= in[i + 3] && in[i + 3] <= 0xBF) ? 4 : 0)
    : 0;

  // in[i .. len-1] is a sequence of well-formed UTF-8 sequences.
  predicate xb_u8ok{L}(uint8_t *in, integer i, integer len) =
    i >= len || (xb_u8len(in, i, len) != 0 && xb_u8ok(in, i + xb_u8len(in, i, len), len));
*/

/*@
  requires \valid_read(in + (0 .. len - 1));
  requires i < len;
  assigns \nothing;
  ensures \result == xb_u8len(in, i, len);
  ensures 0 <= \result <= 4 && i + \result <= len;
*/
static size_t xb_csv_u8len(const uint8_t *in, size_t i, size_t len)
{
  size_t k = 0;
  uint8_t b = in[i];
  if (b <= 0x7Fu) {
    k = 1;
  } else if (b >= 0xC2u && b <= 0xDFu) {
    if (len - i > 1u && in[i + 1u] >= 0x80u && in[i + 1u] <= 0xBFu) {
      k = 2;
    }
  } else if (b >= 0xE0u && b <= 0xEFu) {
    /* E0: no overlong form; ED: no surrogate */
    uint8_t lo1 = b == 0xE0u ? 0xA0u : 0x80u;
    uint8_t hi1 = b == 0xEDu ? 0x9Fu : 0xBFu;
    if (len - i > 2u && in[i + 1u] >= lo1 && in[i + 1u] <= hi1 && in[i + 2u] >= 0x80u
        && in[i + 2u] <= 0xBFu) {
      k = 3;
    }
  } else if (b >= 0xF0u && b <= 0xF4u) {
    /* F0: no overlong form; F4: nothing above U+10FFFF */
    uint8_t lo1 = b == 0xF0u ? 0x90u : 0x80u;
    uint8_t hi1 = b == 0xF4u ? 0x8Fu : 0xBFu;
    if (len - i > 3u && in[i + 1u] >= lo1 && in[i + 1u] <= hi1 && in[i + 2u] >= 0x80u
        && in[i + 2u] <= 0xBFu && in[i + 3u] >= 0x80u && in[i + 3u] <= 0xBFu) {
      k = 4;
    }
  }
  return k;
}

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  assigns \nothing;
  ensures \result <= len;
  ensures in == \null ==> \result == 0;
  ensures in != \null ==> (\result == len <==> xb_u8ok(in, 0, len));
  ensures in != \null && \result < len ==> xb_u8len(in, \result, len) == 0;
*/
size_t xb_csv_utf8_prefix(const uint8_t *in, size_t len)
{
  size_t i = 0;
  if (in != NULL) {
    bool bad = false;
    /*@
      loop invariant 0 <= i <= len;
      loop invariant xb_u8ok(in, 0, len) <==> (!bad && xb_u8ok(in, i, len));
      loop invariant bad ==> i < len && xb_u8len(in, i, len) == 0;
      loop assigns i, bad;
      loop variant len - i + (bad ? 0 : 1);
    */
    while (!bad && i < len) {
      size_t k = xb_csv_u8len(in, i, len);
      if (k == 0u) {
        bad = true;
      } else {
        i += k;
      }
    }
  }
  return i;
}

/*@
  requires \valid_read(in + (0 .. off - 1));
  requires off < SIZE_MAX;
  requires err == \null || \valid(err);
  assigns *err;
  ensures err != \null ==> err->reason == r && err->off == off && 1 <= err->line <= off + 1
                          && 1 <= err->col <= off + 1;
*/
static void xb_csv_fail_at(const uint8_t *in, size_t off, xb_csv_reason r, xb_csv_error *err)
{
  size_t line = 1;
  size_t start = 0;
  /*@
    loop invariant 0 <= i <= off;
    loop invariant 1 <= line <= i + 1;
    loop invariant 0 <= start <= i;
    loop assigns i, line, start;
    loop variant off - i;
  */
  for (size_t i = 0; i < off; i++) {
    if (in[i] == '\n') {
      line++;
      start = i + 1u;
    }
  }
  xb_csv_fail(err, r, off, line, off - start + 1u);
}

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  requires err == \null || \valid(err);
  requires in == \null || err == \null || \separated(err, in + (0 .. len - 1));
  assigns *err;
  ensures \result == XB_CSV_OK || \result == XB_CSV_SYNTAX || \result == XB_CSV_BAD_ARGUMENT;
  ensures \result == XB_CSV_BAD_ARGUMENT <==> in == \null && len > 0;
  ensures \result == XB_CSV_OK ==>
            len == 0 || (xb_u8ok{Pre}(in, 0, len)
                         && !(len >= 3 && \at(in[0], Pre) == 0xEF && \at(in[1], Pre) == 0xBB
                              && \at(in[2], Pre) == 0xBF));
  ensures \result == XB_CSV_SYNTAX ==>
            !xb_u8ok{Pre}(in, 0, len)
            || (len >= 3 && \at(in[0], Pre) == 0xEF && \at(in[1], Pre) == 0xBB
                && \at(in[2], Pre) == 0xBF);
*/
xb_csv_status xb_csv_check_payload(const uint8_t *in, size_t len, xb_csv_error *err)
{
  xb_csv_status st = XB_CSV_OK;
  if (in == NULL) {
    if (len > 0u) {
      st = XB_CSV_BAD_ARGUMENT;
      xb_csv_fail(err, XB_CSV_R_ARGUMENT, 0, 1, 1);
    }
  } else if (len >= 3u && in[0] == 0xEFu && in[1] == 0xBBu && in[2] == 0xBFu) {
    st = XB_CSV_SYNTAX; /* XB-CSV-14 */
    xb_csv_fail(err, XB_CSV_R_BOM, 0, 1, 1);
  } else {
    size_t p = xb_csv_utf8_prefix(in, len);
    if (p < len) {
      st = XB_CSV_SYNTAX; /* XB-CSV-14 */
      xb_csv_fail_at(in, p, XB_CSV_R_UTF8, err);
    }
  }
  return st;
}

/* ------------------------------------------------------------------ decoding */

/*@
  // Bytes of the field string of the content in[a .. b-1]: "" counts once (XB-CSV-17).
  logic integer xb_csv_dlen{L}(uint8_t *in, integer a, integer b) =
    a >= b ? 0
    : (in[a] == 34 && a + 1 < b && in[a + 1] == 34) ? 1 + xb_csv_dlen(in, a + 2, b)
    : 1 + xb_csv_dlen(in, a + 1, b);
*/

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  assigns \nothing;
  ensures \result <= n;
  ensures in != \null && off <= len && n <= len - off ==>
            \result == xb_csv_dlen(in, off, off + n);
  ensures in == \null || off > len || n > len - off ==> \result == 0;
  ensures in != \null && off <= len && n <= len - off
          && (\forall integer p; off <= p < off + n ==> in[p] != 34) ==> \result == n;
*/
size_t xb_csv_decoded_size(const uint8_t *in, size_t len, size_t off, size_t n)
{
  size_t size = 0;
  if (in != NULL && off <= len && n <= len - off) {
    size_t end = off + n;
    size_t i = off;
    /*@
      loop invariant off <= i <= end;
      loop invariant size <= i - off;
      loop invariant size + xb_csv_dlen(in, i, end) == xb_csv_dlen(in, off, end);
      loop invariant (\forall integer p; off <= p < end ==> in[p] != 34) ==> size == i - off;
      loop assigns i, size;
      loop variant end - i;
    */
    while (i < end) {
      if (in[i] == '"' && i + 1u < end && in[i + 1u] == '"') {
        i += 2u;
      } else {
        i++;
      }
      size++;
    }
  }
  return size;
}

/*@
  requires in == \null || \valid_read(in + (0 .. len - 1));
  requires out == \null || \valid(out + (0 .. cap - 1));
  requires in == \null || out == \null || \separated(out + (0 .. cap - 1), in + (0 .. len - 1));
  assigns out[0 .. cap - 1];
  ensures \result <= n;
  ensures in != \null && off <= len && n <= len - off ==>
            \result == xb_csv_dlen{Pre}(in, off, off + n);
  ensures in == \null || off > len || n > len - off ==> \result == 0;
  ensures in != \null && off <= len && n <= len - off
          && (\forall integer p; off <= p < off + n ==> \at(in[p], Pre) != 34) ==>
            \result == n
            && (out != \null && n <= cap ==>
                  \forall integer k; 0 <= k < n ==> out[k] == \at(in[off + k], Pre));
*/
size_t xb_csv_decode(const uint8_t *in, size_t len, size_t off, size_t n, uint8_t *out,
                     size_t cap)
{
  size_t size = xb_csv_decoded_size(in, len, off, n);
  if (in != NULL && off <= len && n <= len - off && out != NULL && size <= cap) {
    size_t end = off + n;
    size_t w = 0;
    size_t i = off;
    /*@
      loop invariant off <= i <= end;
      loop invariant w <= i - off;
      loop invariant (\forall integer p; off <= p < end ==> in[p] != 34) ==> w == i - off;
      loop invariant (\forall integer p; off <= p < end ==> in[p] != 34) ==> n <= cap;
      loop invariant (\forall integer p; off <= p < end ==> in[p] != 34) ==>
                       \forall integer k; 0 <= k < w ==> out[k] == in[off + k];
      loop assigns i, w, out[0 .. cap - 1];
      loop variant end - i;
    */
    while (i < end) {
      if (w < cap) {
        out[w] = in[i]; /* of a pair, the first quote stands for both */
      }
      if (in[i] == '"' && i + 1u < end && in[i + 1u] == '"') {
        i += 2u;
      } else {
        i++;
      }
      w++;
    }
  }
  return size;
}
