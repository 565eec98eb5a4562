/*
 * xb_xml_internal.h — helpers shared by the xb_xml*.c files; not part of the API.
 * Their ACSL contracts sit above their definitions (xb_xml_lex.c).
 */
#ifndef XB_XML_INTERNAL_H
#define XB_XML_INTERNAL_H

#include "formats/xb_xml.h"

/*@
  // XML 1.0 S: space, tab, LF, CR.
  predicate xb_xml_ws(integer b) = b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D;

  // XB-XML-26 name characters (ASCII letters, digits, '_', '-', '.', ':').
  predicate xb_xml_namech(integer b) =
    ('a' <= b <= 'z') || ('A' <= b <= 'Z') || ('0' <= b <= '9')
    || b == '_' || b == '-' || b == '.' || b == ':';

  // An XML 1.0 Char (XB-XML-23).
  predicate xb_xml_char(integer c) =
    c == 0x9 || c == 0xA || c == 0xD || (0x20 <= c <= 0xD7FF) || (0xE000 <= c <= 0xFFFD)
    || (0x10000 <= c <= 0x10FFFF);
*/

/* First offset >= start where in[] is not well-formed UTF-8 of XML Chars, or len;
 * *st says which (BAD_UTF8 or BAD_CHAR; OK when the result is len). */
size_t xb_xml__check_chars(const uint8_t *in, size_t len, size_t start, xb_xml_status *st);

/* First offset >= p that is not XML whitespace (or len). */
size_t xb_xml__skip_ws(const uint8_t *in, size_t len, size_t p);

/* First offset >= p that is not a name character (or len). */
size_t xb_xml__name_end(const uint8_t *in, size_t len, size_t p);

/* XB-XML-26 verdict on the name in[p .. q-1]. */
xb_xml_status xb_xml__name_check(const uint8_t *in, size_t len, size_t p, size_t q);

/* Length (>= 4) of the valid reference at in[p] (which is '&') within in[0 .. len-1],
 * with its code point in *cp; 0 if it is not a valid reference. */
size_t xb_xml__ref(const uint8_t *in, size_t len, size_t p, uint32_t *cp);

/* Scanners: the status says whether the construct is valid; the result is its end on
 * success, the offending offset otherwise. */
size_t xb_xml__text_end(const uint8_t *in, size_t len, size_t p, xb_xml_status *st);
size_t xb_xml__attval_end(const uint8_t *in, size_t len, size_t p, uint8_t quote,
                          xb_xml_status *st);
size_t xb_xml__comment_end(const uint8_t *in, size_t len, size_t p, xb_xml_status *st);
size_t xb_xml__decl_end(const uint8_t *in, size_t len, size_t p, xb_xml_status *st);

/* in[a .. a+n-1] == in[b .. b+n-1]. */
bool xb_xml__bytes_eq(const uint8_t *in, size_t len, size_t a, size_t b, size_t n);

/* in[p .. p+n-1] == lit[0 .. n-1] (false when it does not fit in len). */
bool xb_xml__has(const uint8_t *in, size_t len, size_t p, const char *lit, size_t n);

/* Decode in[s .. e-1] (attr: attribute-value normalization) into out[0 .. cap-1], or
 * only count when out == NULL; the decoded size, or SIZE_MAX when a reference is
 * invalid or out is too small. */
size_t xb_xml__decode_span(const uint8_t *in, size_t len, size_t s, size_t e, bool attr,
                           uint8_t *out, size_t cap);

#endif
