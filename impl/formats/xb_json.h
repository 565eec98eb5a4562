/*
 * xb_json.h — the strict JSON parser of xbridge (spec/json.md, limits in spec/limits.md).
 *
 * RFC 8259 exactly: one value with optional surrounding whitespace (space, tab, LF, CR),
 * no comments, no trailing commas, no byte-order mark, no NaN/Infinity, numbers per the
 * RFC grammar, string escapes checked (lone surrogates refused), raw string bytes checked
 * as UTF-8 per RFC 3629 (no overlong forms, no surrogates, nothing above U+10FFFF),
 * control characters below U+0020 refused inside strings, duplicate keys in one object
 * refused, nesting depth and document size limited.
 *
 * Pure and bounded (jsmn / coreMQTT style): no malloc, no globals, no recursion. The
 * parser fills a caller-provided token array in document order; tokens point into the
 * input (offset + length), nothing is copied and nothing outlives the input. Strings
 * are unescaped on demand into a caller buffer (size first, then decode).
 *
 * Every function here is proven free of runtime errors by Frama-C/WP, together with the
 * structural postconditions stated below (proofs/units/json.mk), and fuzzed (fuzz/json).
 */
#ifndef XB_JSON_H
#define XB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Token types. */
enum {
  XB_JSON_OBJECT = 1,
  XB_JSON_ARRAY = 2,
  XB_JSON_STRING = 3,
  XB_JSON_NUMBER = 4,
  XB_JSON_TRUE = 5,
  XB_JSON_FALSE = 6,
  XB_JSON_NULL = 7
};

/* Token flags. */
enum {
  XB_JSON_F_ESCAPED = 1, /* string containing at least one backslash escape */
  XB_JSON_F_KEY = 2      /* string that is an object member's name */
};

/* "No token": parent of the root, result of a failed lookup. */
#define XB_JSON_NONE SIZE_MAX

/* Defaults of the limits (spec/limits.md: payload 64 KiB, JSON nesting depth 32). */
#define XB_JSON_DEFAULT_MAX_BYTES 65536u
#define XB_JSON_DEFAULT_MAX_DEPTH 32u
/* Larger depth limits are clamped to this (the stack is the tokens, not the C stack). */
#define XB_JSON_DEPTH_MAX 255u

typedef enum {
  XB_JSON_OK = 0,
  XB_JSON_SYNTAX,          /* not RFC 8259 JSON (includes truncation: err_off == len) */
  XB_JSON_TOO_DEEP,        /* a container would exceed max_depth open containers */
  XB_JSON_TOO_MANY_TOKENS, /* the token array (cap) is full */
  XB_JSON_TOO_LARGE,       /* len > max_bytes; nothing was examined */
  XB_JSON_BAD_UTF8,        /* ill-formed UTF-8 inside a string */
  XB_JSON_DUPLICATE_KEY,   /* a member name repeats in one object (compared unescaped) */
  XB_JSON_BAD_ARGUMENT     /* in == NULL with len > 0 */
} xb_json_status;

/*
 * One value (or member name) of the document.
 * Spans: objects/arrays cover the brackets; strings cover the content between the
 * quotes (escapes left as written); numbers and literals cover their source text.
 * Objects: children = members, and the tokens after the object are key, value-subtree,
 * key, value-subtree...; every key and every value has the object as parent.
 * Arrays: children = elements. next = index one past the last token of the subtree, so
 * siblings are walked without recursion (xb_json_skip).
 */
typedef struct {
  size_t off;      /* first byte of the span in the input */
  size_t len;      /* bytes of the span */
  size_t parent;   /* index of the enclosing object/array, XB_JSON_NONE for the root */
  size_t next;     /* index one past this token's subtree */
  size_t children; /* objects: members; arrays: elements; others 0 */
  /* 16-bit rather than bytes: keeps them apart from the input bytes in the proof's
   * memory model, so writing a token visibly leaves the input unchanged */
  uint16_t type;   /* XB_JSON_OBJECT .. XB_JSON_NULL */
  uint16_t flags;  /* XB_JSON_F_* */
  uint16_t depth;  /* containers enclosing the token (root: 0) */
} xb_json_token;

typedef struct {
  size_t max_bytes; /* documents longer than this are refused (TOO_LARGE) */
  size_t max_depth; /* most containers open at once; 0 = scalars only; clamped to 255 */
} xb_json_limits;

typedef struct {
  xb_json_status status;
  size_t ntokens; /* tokens written (all of them on XB_JSON_OK) */
  size_t err_off; /* non-OK: byte offset of the first invalid byte (len if truncated) */
} xb_json_result;

/*@ // ----------------------------------------------------------- logic (ACSL)
  predicate xb_cont(integer b) = 0x80 <= b <= 0xBF;

  // RFC 3629 section 4: bytes b0 b1 b2 b3 begin with one well-formed k-byte character
  // (the lead byte's table row fixes the range of the second byte, which is what
  // excludes overlong forms, surrogates and code points above U+10FFFF).
  predicate xb_utf8_seq_v(integer b0, integer b1, integer b2, integer b3, integer k) =
       (k == 1 && 0 <= b0 <= 0x7F)
    || (k == 2 && 0xC2 <= b0 <= 0xDF && xb_cont(b1))
    || (k == 3 && b0 == 0xE0 && 0xA0 <= b1 <= 0xBF && xb_cont(b2))
    || (k == 3 && (0xE1 <= b0 <= 0xEC || 0xEE <= b0 <= 0xEF)
               && xb_cont(b1) && xb_cont(b2))
    || (k == 3 && b0 == 0xED && 0x80 <= b1 <= 0x9F && xb_cont(b2))
    || (k == 4 && b0 == 0xF0 && 0x90 <= b1 <= 0xBF && xb_cont(b2) && xb_cont(b3))
    || (k == 4 && 0xF1 <= b0 <= 0xF3 && xb_cont(b1) && xb_cont(b2) && xb_cont(b3))
    || (k == 4 && b0 == 0xF4 && 0x80 <= b1 <= 0x8F && xb_cont(b2) && xb_cont(b3));

  // The k bytes at s[i] are one well-formed character.
  predicate xb_utf8_seq{L}(uint8_t *s, integer i, integer k) =
    xb_utf8_seq_v(s[i], s[i+1], s[i+2], s[i+3], k);

  // Byte c of a JSON string body, seen with its three neighbours on each side: no
  // control character, and in its place in a well-formed character (a non-continuation
  // byte starts one, a continuation byte lies inside one that starts 1 to 3 bytes
  // before). Quantifier-free, so the provers carry it across writes to the tokens.
  predicate xb_json_body_byte(integer p3, integer p2, integer p1, integer c,
                              integer n1, integer n2, integer n3) =
       c >= 0x20
    && (!xb_cont(c) ==>
          xb_utf8_seq_v(c, n1, n2, n3, 1) || xb_utf8_seq_v(c, n1, n2, n3, 2)
       || xb_utf8_seq_v(c, n1, n2, n3, 3) || xb_utf8_seq_v(c, n1, n2, n3, 4))
    && (xb_cont(c) ==>
          xb_utf8_seq_v(p1, c, n1, n2, 2) || xb_utf8_seq_v(p1, c, n1, n2, 3)
       || xb_utf8_seq_v(p1, c, n1, n2, 4) || xb_utf8_seq_v(p2, p1, c, n1, 3)
       || xb_utf8_seq_v(p2, p1, c, n1, 4) || xb_utf8_seq_v(p3, p2, p1, c, 4));

  // Between two '"' (ASCII: neither a lead nor a continuation byte of a longer
  // character) a run of such bytes is exactly a concatenation of xb_utf8_seq
  // characters: each character is read off from its lead byte, left to right, and no
  // character can straddle a quote. scan_string establishes it for every string.
  predicate xb_json_str_byte{L}(uint8_t *s, integer j) =
    xb_json_body_byte(s[j-3], s[j-2], s[j-1], s[j], s[j+1], s[j+2], s[j+3]);

  predicate xb_json_container(integer type) =
    type == XB_JSON_OBJECT || type == XB_JSON_ARRAY;

  // The structural invariant of a token array, in four parts (each proven on its own):
  // spans inside the input; depth within the limit; subtrees ending in range; parents
  // before children, one level up, and containers.
  predicate xb_json_tok_spans{L}(xb_json_token *t, integer n, integer len) =
    \forall integer i; 0 <= i < n ==>
         XB_JSON_OBJECT <= t[i].type <= XB_JSON_NULL
      && t[i].off < len && t[i].off + t[i].len <= len;

  predicate xb_json_tok_depths{L}(xb_json_token *t, integer n, integer maxd) =
    \forall integer i; 0 <= i < n ==> t[i].depth <= maxd;

  predicate xb_json_tok_nexts{L}(xb_json_token *t, integer n) =
    \forall integer i; 0 <= i < n ==> i < t[i].next <= n && t[i].children <= n;

  predicate xb_json_tok_parents{L}(xb_json_token *t, integer n) =
    \forall integer i; 0 <= i < n ==>
         (i == 0 ==> t[i].parent == XB_JSON_NONE && t[i].depth == 0)
      && (i > 0 ==> t[i].parent < i && t[t[i].parent].depth + 1 == t[i].depth
                    && xb_json_container(t[t[i].parent].type));

  predicate xb_json_tokens_ok{L}(xb_json_token *t, integer n, integer len,
                                 integer maxd) =
    xb_json_tok_spans(t, n, len) && xb_json_tok_depths(t, n, maxd) &&
    xb_json_tok_nexts(t, n) && xb_json_tok_parents(t, n);

  // No string token holds a raw control character. (Its UTF-8 well-formedness is
  // xb_json__scan_string's postcondition; it is kept out of this invariant, whose proof
  // must carry it across every write to the tokens.)
  predicate xb_json_strings_ok{L}(uint8_t *in, xb_json_token *t, integer n) =
    \forall integer i; 0 <= i < n ==> t[i].type == XB_JSON_STRING ==>
      \forall integer j; t[i].off <= j < t[i].off + t[i].len ==> in[j] >= 0x20;

  logic integer xb_json_eff_depth{L}(xb_json_limits *lim) =
    lim == \null ? XB_JSON_DEFAULT_MAX_DEPTH
    : (lim->max_depth > XB_JSON_DEPTH_MAX ? XB_JSON_DEPTH_MAX : lim->max_depth);
*/

/*
 * Parse in[0 .. len-1] into tokens[0 .. cap-1]. lim == NULL means the defaults.
 * Returns the status, also stored in *res with the token count and the error offset.
 * Errors are reported at the first offending byte in document order: the '{' or '['
 * that is too deep, the start of the value or key that does not fit, the opening quote
 * of a duplicate key, the backslash of a lone surrogate escape, the first byte that
 * breaks a UTF-8 sequence, len for a truncated document, max_bytes for TOO_LARGE.
 * Cost: linear in len, plus the duplicate-key check, which compares each new key with
 * the earlier keys of its object: at most k(k-1)/2 key comparisons for an object of
 * k members (k <= cap / 2, and the payload limit bounds both).
 */
xb_json_status xb_json_parse(const uint8_t *in, size_t len, xb_json_token *tokens,
                             size_t cap, const xb_json_limits *lim, xb_json_result *res);

/* Short English name of a status ("syntax error", ...), never NULL. */
const char *xb_json_status_str(xb_json_status status);

/*
 * Index of the token after the subtree of token i (its next sibling, or the end of the
 * parent's subtree); n if i is out of range or the token is inconsistent.
 */
size_t xb_json_skip(const xb_json_token *tokens, size_t n, size_t i);

/*
 * Value of the member named key[0 .. keylen-1] (raw UTF-8, compared with the unescaped
 * member name) of the object at index obj; XB_JSON_NONE if obj is not an object or has
 * no such member.
 */
size_t xb_json_object_get(const uint8_t *in, size_t len, const xb_json_token *tokens,
                          size_t n, size_t obj, const char *key, size_t keylen);

/* Index of element idx of the array at index arr; XB_JSON_NONE if absent. */
size_t xb_json_array_get(const xb_json_token *tokens, size_t n, size_t arr, size_t idx);

/* True when the string token's unescaped value is exactly s[0 .. slen-1]. */
bool xb_json_string_eq(const uint8_t *in, size_t len, const xb_json_token *tok,
                       const char *s, size_t slen);

/*
 * Bytes of the unescaped value of a string token (UTF-8; \u0000 yields a NUL byte).
 * Never more than tok->len, so a buffer of tok->len bytes is always enough.
 * 0 for a token that is not a string or whose span is outside in[0 .. len-1].
 */
size_t xb_json_string_decoded_size(const uint8_t *in, size_t len,
                                   const xb_json_token *tok);

/*
 * Unescape a string token into out[0 .. cap-1] (no terminating NUL is added).
 * Returns true and sets *written when the whole value fits; otherwise returns false,
 * sets *written to 0 and leaves out untouched. Never writes past cap.
 */
bool xb_json_string_decode(const uint8_t *in, size_t len, const xb_json_token *tok,
                           uint8_t *out, size_t cap, size_t *written);

/*
 * Line and column (both 1-based) of byte offset off in in[0 .. len-1], for messages.
 * Lines end at LF; the column counts code points (UTF-8 lead bytes) from the start of
 * the line. off is clamped to len.
 */
void xb_json_position(const uint8_t *in, size_t len, size_t off, size_t *line,
                      size_t *column);

#endif
