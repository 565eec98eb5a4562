/*
 * xb_json_parse.c — the document parser: an explicit state machine over the input,
 * one lexeme per step, open containers tracked through the tokens' parent links (no
 * stack, no recursion), so the depth bound is a counter the proof can follow.
 */
#include "formats/xb_json_internal.h"

/* What the parser expects next. */
enum {
  XB_S_VALUE = 0,        /* a value (document start, after ':' or an array ',') */
  XB_S_ARRAY_FIRST = 1,  /* a value or ']' (just after '[') */
  XB_S_OBJECT_FIRST = 2, /* a key or '}' (just after '{') */
  XB_S_KEY = 3,          /* a key (after an object ',') */
  XB_S_COLON = 4,        /* ':' after a key */
  XB_S_AFTER = 5,        /* ',' or the closing bracket of the current container */
  XB_S_END = 6           /* the root value is complete: only whitespace may follow */
};

/* Parser state, passed and returned by value so that the proof of each step is about
 * values, not memory. */
typedef struct {
  size_t pos;   /* next byte to examine */
  size_t n;     /* tokens written */
  size_t cur;   /* innermost open container, XB_JSON_NONE at top level */
  size_t depth; /* containers open */
  size_t err;   /* error offset, once done with an error */
  unsigned state;
  xb_json_status status;
  bool done;
} xb_json_ctx;

/*@ predicate xb_json_ctx_scal(integer len, integer cap, integer maxd, xb_json_ctx c) =
       c.n <= cap && c.pos <= len && maxd <= XB_JSON_DEPTH_MAX
    && c.depth <= maxd && c.state <= XB_S_END
    && (c.cur == XB_JSON_NONE <==> c.depth == 0)
    && (XB_S_ARRAY_FIRST <= c.state <= XB_S_AFTER ==> c.cur != XB_JSON_NONE)
    && (c.state == XB_S_VALUE && c.cur == XB_JSON_NONE ==> c.n == 0)
    && (c.state == XB_S_END ==> c.cur == XB_JSON_NONE && c.n >= 1)
    && XB_JSON_OK <= c.status <= XB_JSON_BAD_ARGUMENT
    && (!c.done ==> c.status == XB_JSON_OK)
    && (c.done && c.status == XB_JSON_OK ==> c.state == XB_S_END)
    && (c.done && c.status != XB_JSON_OK ==> c.err <= len);

    // the current container and the completed root, as seen in the tokens
    predicate xb_json_ctx_cur{L}(xb_json_token *t, xb_json_ctx c) =
       (c.cur != XB_JSON_NONE ==> c.cur < c.n && t[c.cur].depth + 1 == c.depth
                                  && xb_json_container(t[c.cur].type))
    && (c.state == XB_S_END ==> t[0].next == c.n);

    predicate xb_json_tok_before{L}(xb_json_token *t, integer n, integer pos) =
      \forall integer i; 0 <= i < n ==> t[i].off < pos;

    predicate xb_json_ctx_ok{L}(uint8_t *in, integer len, xb_json_token *t, integer cap,
                                integer maxd, xb_json_ctx c) =
       xb_json_ctx_scal(len, cap, maxd, c) && xb_json_ctx_cur(t, c)
    && xb_json_tokens_ok(t, c.n, len, maxd)
    && xb_json_strings_ok(in, t, c.n)
    && xb_json_tok_before(t, c.n, c.pos);

    // every step consumes input or stops the parse
    predicate xb_json_progress(xb_json_ctx a, xb_json_ctx b) =
      a.pos <= b.pos && (b.done || a.pos < b.pos);
*/

/* Write token i. The contract carries the array invariant from i to i + 1 tokens. */
/*@ requires \valid(t + i) && i < SIZE_MAX;
    requires xb_json_tok_spans(t, i, len) && xb_json_tok_depths(t, i, maxd);
    requires xb_json_tok_nexts(t, i) && xb_json_tok_parents(t, i);
    requires xb_json_strings_ok((uint8_t *)in, t, i);
    requires xb_json_tok_before(t, i, pos);
    requires XB_JSON_OBJECT <= type <= XB_JSON_NULL;
    requires off < len && off + tlen <= len && off < pos && depth <= maxd;
    requires i == 0 ==> parent == XB_JSON_NONE && depth == 0;
    requires i > 0 ==> parent < i && t[parent].depth + 1 == depth
                       && xb_json_container(t[parent].type);
    requires type == XB_JSON_STRING ==>
      \forall integer j; off <= j < off + tlen ==> in[j] >= 0x20;
    assigns t[i];
    ensures t[i].type == type && t[i].flags == flags && t[i].off == off;
    ensures t[i].len == tlen && t[i].parent == parent && t[i].depth == depth;
    ensures t[i].next == i + 1 && t[i].children == 0;
    ensures \forall integer j; 0 <= j < i ==>
      t[j].depth == \old(t[j].depth) && t[j].type == \old(t[j].type)
      && t[j].next == \old(t[j].next) && t[j].children == \old(t[j].children);
    ensures xb_json_tok_spans(t, i + 1, len);
    ensures xb_json_tok_depths(t, i + 1, maxd);
    ensures xb_json_tok_nexts(t, i);
    ensures xb_json_tok_nexts(t, i + 1);
    ensures xb_json_tok_parents(t, i + 1);
    ensures xb_json_strings_ok((uint8_t *)in, t, i + 1);
    ensures xb_json_tok_before(t, i + 1, pos);
*/
static void xb_json__put(const uint8_t *in, size_t len, size_t maxd, size_t pos,
                         xb_json_token *t, size_t i, uint16_t type, uint16_t flags,
                         size_t off, size_t tlen, size_t parent, uint16_t depth)
{
  (void)in; /* the contract reads these */
  (void)len;
  (void)maxd;
  (void)pos;
  t[i].type = type;
  t[i].flags = flags;
  t[i].off = off;
  t[i].len = tlen;
  t[i].parent = parent;
  t[i].next = i + 1;
  t[i].children = 0;
  t[i].depth = depth;
}

/* Count the new token as one more child of its parent k, if k counts it. */
/*@ requires \valid(t + (0 .. n - 1));
    requires k == XB_JSON_NONE || (k < n && t[k].children < n);
    requires xb_json_tok_spans(t, n, len) && xb_json_tok_depths(t, n, maxd);
    requires xb_json_tok_nexts(t, n) && xb_json_tok_parents(t, n);
    requires xb_json_strings_ok((uint8_t *)in, t, n);
    requires xb_json_tok_before(t, n, pos);
    assigns t[0 .. n - 1];
    ensures \forall integer j; 0 <= j < n ==>
      t[j].depth == \old(t[j].depth) && t[j].type == \old(t[j].type)
      && t[j].next == \old(t[j].next);
    ensures xb_json_tok_spans(t, n, len);
    ensures xb_json_tok_depths(t, n, maxd);
    ensures xb_json_tok_nexts(t, n);
    ensures xb_json_tok_parents(t, n);
    ensures xb_json_strings_ok((uint8_t *)in, t, n);
    ensures xb_json_tok_before(t, n, pos);
*/
static void xb_json__bump(const uint8_t *in, size_t len, size_t maxd, size_t pos,
                          xb_json_token *t, size_t n, size_t k, bool key)
{
  (void)in; /* the contract reads these */
  (void)len;
  (void)maxd;
  (void)pos;
  (void)n;
  /* objects count members (their keys), arrays count elements */
  if (k != XB_JSON_NONE && (key || t[k].type == XB_JSON_ARRAY)) {
    t[k].children++;
  }
}

/* Close container k at in[pos]: its span ends there and its subtree at n tokens. */
/*@ requires \valid(t + k) && k < n && pos < len;
    requires xb_json_tok_spans(t, n, len) && xb_json_tok_depths(t, n, maxd);
    requires xb_json_tok_nexts(t, n) && xb_json_tok_parents(t, n);
    requires xb_json_strings_ok((uint8_t *)in, t, n);
    requires xb_json_tok_before(t, n, pos);
    requires xb_json_container(t[k].type);
    assigns t[k].next, t[k].len;
    ensures t[k].next == n;
    ensures \forall integer j; 0 <= j < n ==>
      t[j].depth == \old(t[j].depth) && t[j].type == \old(t[j].type)
      && t[j].parent == \old(t[j].parent);
    ensures xb_json_tok_spans(t, n, len);
    ensures xb_json_tok_depths(t, n, maxd);
    ensures xb_json_tok_nexts(t, n);
    ensures xb_json_tok_parents(t, n);
    ensures xb_json_strings_ok((uint8_t *)in, t, n);
    ensures xb_json_tok_before(t, n, pos + 1);
*/
static void xb_json__seal(const uint8_t *in, size_t len, size_t maxd, size_t pos,
                          xb_json_token *t, size_t n, size_t k)
{
  (void)in; /* the contract reads these */
  (void)len;
  (void)maxd;
  t[k].len = pos + 1 - t[k].off;
  t[k].next = n;
}

/*
 * Append a token for the lexeme in[c.pos .. end-1] (span off/tlen) and move the state
 * machine on: a container becomes the current one, a key waits for ':', a scalar value
 * completes its parent's element or member, or the document. Room and depth are
 * checked by xb_json__emit.
 */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_json_ctx_scal(len, cap, maxd, c) && xb_json_ctx_cur(t, c) && !c.done;
    requires xb_json_tok_spans(t, c.n, len) && xb_json_tok_depths(t, c.n, maxd);
    requires xb_json_tok_nexts(t, c.n) && xb_json_tok_parents(t, c.n);
    requires xb_json_strings_ok((uint8_t *)in, t, c.n) && xb_json_tok_before(t, c.n, c.pos);
    requires key ==> c.state == XB_S_KEY || c.state == XB_S_OBJECT_FIRST;
    requires !key ==> c.state == XB_S_VALUE || c.state == XB_S_ARRAY_FIRST;
    requires key ==> type == XB_JSON_STRING;
    requires XB_JSON_OBJECT <= type <= XB_JSON_NULL;
    requires c.n < cap && (xb_json_container(type) ==> c.depth < maxd);
    requires c.pos <= off < end <= len && off + tlen <= end;
    requires xb_json_container(type) ==> off == c.pos && tlen == 0 && end == c.pos + 1;
    requires type == XB_JSON_STRING ==>
      \forall integer j; off <= j < off + tlen ==> in[j] >= 0x20;
    assigns t[0 .. cap - 1];
    ensures xb_json_ctx_scal(len, cap, maxd, \result);
    ensures xb_json_ctx_cur(t, \result);
    ensures xb_json_tok_spans(t, \result.n, len);
    ensures xb_json_tok_depths(t, \result.n, maxd);
    ensures xb_json_tok_nexts(t, \result.n);
    ensures xb_json_tok_parents(t, \result.n);
    ensures xb_json_strings_ok((uint8_t *)in, t, \result.n);
    ensures xb_json_tok_before(t, \result.n, \result.pos);
    ensures xb_json_progress(c, \result);
*/
static xb_json_ctx xb_json__append(const uint8_t *in, size_t len, xb_json_token *t,
                                 size_t cap, size_t maxd, xb_json_ctx c, uint16_t type,
                                 size_t off, size_t tlen, size_t end, bool key,
                                 bool escaped)
{
  bool container = (type == XB_JSON_OBJECT || type == XB_JSON_ARRAY);
  size_t i = c.n;
  (void)cap; /* the contract reads it */
  xb_json__put(in, len, maxd, end, t, i, type,
               (uint16_t)((escaped ? XB_JSON_F_ESCAPED : 0) + (key ? XB_JSON_F_KEY : 0)),
               off, tlen, c.cur, (uint16_t)c.depth);
  xb_json__bump(in, len, maxd, end, t, i + 1, c.cur, key);
  /*@ assert t[i].depth == c.depth && t[i].type == type && t[i].next == i + 1; */
  /*@ assert c.cur != XB_JSON_NONE ==>
        t[c.cur].depth + 1 == c.depth && xb_json_container(t[c.cur].type); */
  c.n = i + 1;
  c.pos = end;
  if (container) {
    c.cur = i;
    c.depth++;
    c.state = (type == XB_JSON_OBJECT) ? XB_S_OBJECT_FIRST : XB_S_ARRAY_FIRST;
  } else if (key) {
    c.state = XB_S_COLON;
  } else {
    c.state = (c.cur == XB_JSON_NONE) ? XB_S_END : XB_S_AFTER;
  }
  return c;
}

/* Append a token if there is room for it and it is not too deep. */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_json_ctx_scal(len, cap, maxd, c) && xb_json_ctx_cur(t, c) && !c.done;
    requires xb_json_tok_spans(t, c.n, len) && xb_json_tok_depths(t, c.n, maxd);
    requires xb_json_tok_nexts(t, c.n) && xb_json_tok_parents(t, c.n);
    requires xb_json_strings_ok((uint8_t *)in, t, c.n) && xb_json_tok_before(t, c.n, c.pos);
    requires key ==> c.state == XB_S_KEY || c.state == XB_S_OBJECT_FIRST;
    requires !key ==> c.state == XB_S_VALUE || c.state == XB_S_ARRAY_FIRST;
    requires key ==> type == XB_JSON_STRING;
    requires XB_JSON_OBJECT <= type <= XB_JSON_NULL;
    requires c.pos <= off < end <= len && off + tlen <= end;
    requires xb_json_container(type) ==> off == c.pos && tlen == 0 && end == c.pos + 1;
    requires type == XB_JSON_STRING ==>
      \forall integer j; off <= j < off + tlen ==> in[j] >= 0x20;
    assigns t[0 .. cap - 1];
    ensures xb_json_ctx_scal(len, cap, maxd, \result);
    ensures xb_json_ctx_cur(t, \result);
    ensures xb_json_tok_spans(t, \result.n, len);
    ensures xb_json_tok_depths(t, \result.n, maxd);
    ensures xb_json_tok_nexts(t, \result.n);
    ensures xb_json_tok_parents(t, \result.n);
    ensures xb_json_strings_ok((uint8_t *)in, t, \result.n);
    ensures xb_json_tok_before(t, \result.n, \result.pos);
    ensures xb_json_progress(c, \result);
*/
static xb_json_ctx xb_json__emit(const uint8_t *in, size_t len, xb_json_token *t,
                                 size_t cap, size_t maxd, xb_json_ctx c, uint16_t type,
                                 size_t off, size_t tlen, size_t end, bool key,
                                 bool escaped)
{
  if ((type == XB_JSON_OBJECT || type == XB_JSON_ARRAY) && c.depth >= maxd) {
    c.status = XB_JSON_TOO_DEEP; /* XB-JSON-23: refused at the '{' or '[' of depth 33 */
    c.err = c.pos;
    c.done = true;
  } else if (c.n >= cap) {
    c.status = XB_JSON_TOO_MANY_TOKENS;
    c.err = c.pos;
    c.done = true;
  } else {
    c = xb_json__append(in, len, t, cap, maxd, c, type, off, tlen, end, key, escaped);
  }
  return c;
}

/* Close the current container at in[c.pos] ('}' or ']', checked by the caller). */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_json_ctx_scal(len, cap, maxd, c) && xb_json_ctx_cur(t, c) && !c.done;
    requires xb_json_tok_spans(t, c.n, len) && xb_json_tok_depths(t, c.n, maxd);
    requires xb_json_tok_nexts(t, c.n) && xb_json_tok_parents(t, c.n);
    requires xb_json_strings_ok((uint8_t *)in, t, c.n) && xb_json_tok_before(t, c.n, c.pos);
    requires c.cur != XB_JSON_NONE && c.pos < len;
    assigns t[0 .. cap - 1];
    ensures xb_json_ctx_scal(len, cap, maxd, \result);
    ensures xb_json_ctx_cur(t, \result);
    ensures xb_json_tok_spans(t, \result.n, len);
    ensures xb_json_tok_depths(t, \result.n, maxd);
    ensures xb_json_tok_nexts(t, \result.n);
    ensures xb_json_tok_parents(t, \result.n);
    ensures xb_json_strings_ok((uint8_t *)in, t, \result.n);
    ensures xb_json_tok_before(t, \result.n, \result.pos);
    ensures !\result.done && \result.pos == c.pos + 1;
*/
static xb_json_ctx xb_json__close(const uint8_t *in, size_t len, xb_json_token *t,
                                  size_t cap, size_t maxd, xb_json_ctx c)
{
  size_t k = c.cur;
  (void)cap; /* the contract reads it */
  xb_json__seal(in, len, maxd, c.pos, t, c.n, k);
  c.cur = t[k].parent;
  c.depth--;
  c.pos++;
  c.state = (c.cur == XB_JSON_NONE) ? XB_S_END : XB_S_AFTER;
  return c;
}

/*
 * True when the object at index obj already has a member named like the string span
 * in[koff .. koff+klen-1]. The members of the innermost open object are complete, so
 * its keys are found by hopping over each value's subtree. XB-JSON-24
 */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid_read(t + (0 .. n - 1));
    requires obj < n && koff + klen <= len;
    requires \forall integer i; 0 <= i < n ==>
      t[i].off + t[i].len <= len && i < t[i].next <= n;
    assigns \nothing;
*/
static bool xb_json__has_key(const uint8_t *in, size_t len, const xb_json_token *t,
                             size_t n, size_t obj, size_t koff, size_t klen, bool kesc)
{
  bool found = false;
  size_t k = obj + 1;
  /*@ loop invariant obj < k <= n;
      loop assigns k, found;
      loop variant n - k;
  */
  while (!found && n - k > 1) {
    found = xb_json__span_eq(in, len, t[k].off, t[k].len,
                             (t[k].flags % 2u) == XB_JSON_F_ESCAPED, koff, klen, kesc);
    k = t[k + 1].next;
  }
  return found;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_json_ctx_scal(len, cap, maxd, c) && xb_json_ctx_cur(t, c) && !c.done;
    requires xb_json_tok_spans(t, c.n, len) && xb_json_tok_depths(t, c.n, maxd);
    requires xb_json_tok_nexts(t, c.n) && xb_json_tok_parents(t, c.n);
    requires xb_json_strings_ok((uint8_t *)in, t, c.n) && xb_json_tok_before(t, c.n, c.pos);
    requires c.pos < len;
    requires c.state == XB_S_KEY || c.state == XB_S_OBJECT_FIRST;
    assigns t[0 .. cap - 1];
    ensures xb_json_ctx_scal(len, cap, maxd, \result);
    ensures xb_json_ctx_cur(t, \result);
    ensures xb_json_tok_spans(t, \result.n, len);
    ensures xb_json_tok_depths(t, \result.n, maxd);
    ensures xb_json_tok_nexts(t, \result.n);
    ensures xb_json_tok_parents(t, \result.n);
    ensures xb_json_strings_ok((uint8_t *)in, t, \result.n);
    ensures xb_json_tok_before(t, \result.n, \result.pos);
    ensures xb_json_progress(c, \result);
*/
static xb_json_ctx xb_json__key(const uint8_t *in, size_t len, xb_json_token *t,
                                size_t cap, size_t maxd, xb_json_ctx c)
{
  if (in[c.pos] != '"') {
    c.status = XB_JSON_SYNTAX;
    c.err = c.pos;
    c.done = true;
  } else {
    xb_json_lex r = xb_json__scan_string(in, len, c.pos + 1);
    if (r.status != XB_JSON_OK) {
      c.status = r.status;
      c.err = r.err;
      c.done = true;
    } else if (xb_json__has_key(in, len, t, c.n, c.cur, c.pos + 1, r.end - c.pos - 1,
                                r.escaped)) {
      c.status = XB_JSON_DUPLICATE_KEY; /* XB-JSON-24: reported at the opening quote */
      c.err = c.pos;
      c.done = true;
    } else {
      c = xb_json__emit(in, len, t, cap, maxd, c, XB_JSON_STRING, c.pos + 1,
                        r.end - c.pos - 1, r.end + 1, true, r.escaped);
    }
  }
  return c;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_json_ctx_scal(len, cap, maxd, c) && xb_json_ctx_cur(t, c) && !c.done;
    requires xb_json_tok_spans(t, c.n, len) && xb_json_tok_depths(t, c.n, maxd);
    requires xb_json_tok_nexts(t, c.n) && xb_json_tok_parents(t, c.n);
    requires xb_json_strings_ok((uint8_t *)in, t, c.n) && xb_json_tok_before(t, c.n, c.pos);
    requires c.pos < len;
    requires c.state == XB_S_VALUE || c.state == XB_S_ARRAY_FIRST;
    assigns t[0 .. cap - 1];
    ensures xb_json_ctx_scal(len, cap, maxd, \result);
    ensures xb_json_ctx_cur(t, \result);
    ensures xb_json_tok_spans(t, \result.n, len);
    ensures xb_json_tok_depths(t, \result.n, maxd);
    ensures xb_json_tok_nexts(t, \result.n);
    ensures xb_json_tok_parents(t, \result.n);
    ensures xb_json_strings_ok((uint8_t *)in, t, \result.n);
    ensures xb_json_tok_before(t, \result.n, \result.pos);
    ensures xb_json_progress(c, \result);
*/
static xb_json_ctx xb_json__value(const uint8_t *in, size_t len, xb_json_token *t,
                                  size_t cap, size_t maxd, xb_json_ctx c)
{
  uint8_t b = in[c.pos];
  if (b == '{') {
    c = xb_json__emit(in, len, t, cap, maxd, c, XB_JSON_OBJECT, c.pos, 0, c.pos + 1, false,
                      false);
  } else if (b == '[') {
    c = xb_json__emit(in, len, t, cap, maxd, c, XB_JSON_ARRAY, c.pos, 0, c.pos + 1, false,
                      false);
  } else {
    xb_json_lex r;
    size_t off = c.pos;
    if (b == '"') {
      r = xb_json__scan_string(in, len, c.pos + 1);
      off = c.pos + 1;
    } else if (b == '-' || (b >= '0' && b <= '9')) {
      r = xb_json__scan_number(in, len, c.pos); /* XB-JSON-26: kept as source text */
    } else {
      r = xb_json__scan_literal(in, len, c.pos);
    }
    if (r.status != XB_JSON_OK) {
      c.status = r.status;
      c.err = r.err;
      c.done = true;
    } else if (b == '"') {
      c = xb_json__emit(in, len, t, cap, maxd, c, XB_JSON_STRING, off, r.end - off,
                        r.end + 1, false, r.escaped);
    } else {
      c = xb_json__emit(in, len, t, cap, maxd, c, r.type, off, r.end - off, r.end, false,
                        false);
    }
  }
  return c;
}

/* One step: a whitespace byte, a punctuation byte, or a whole lexeme. */
/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_json_ctx_scal(len, cap, maxd, c) && xb_json_ctx_cur(t, c) && !c.done;
    requires xb_json_tok_spans(t, c.n, len) && xb_json_tok_depths(t, c.n, maxd);
    requires xb_json_tok_nexts(t, c.n) && xb_json_tok_parents(t, c.n);
    requires xb_json_strings_ok((uint8_t *)in, t, c.n) && xb_json_tok_before(t, c.n, c.pos);
    assigns t[0 .. cap - 1];
    ensures xb_json_ctx_scal(len, cap, maxd, \result);
    ensures xb_json_ctx_cur(t, \result);
    ensures xb_json_tok_spans(t, \result.n, len);
    ensures xb_json_tok_depths(t, \result.n, maxd);
    ensures xb_json_tok_nexts(t, \result.n);
    ensures xb_json_tok_parents(t, \result.n);
    ensures xb_json_strings_ok((uint8_t *)in, t, \result.n);
    ensures xb_json_tok_before(t, \result.n, \result.pos);
    ensures xb_json_progress(c, \result);
*/
static xb_json_ctx xb_json__step(const uint8_t *in, size_t len, xb_json_token *t,
                                 size_t cap, size_t maxd, xb_json_ctx c)
{
  if (c.pos == len) {
    /* XB-JSON-19: exactly one value; anything short of it is a truncated document */
    if (c.state != XB_S_END) {
      c.status = XB_JSON_SYNTAX;
      c.err = len;
    }
    c.done = true;
  } else {
    uint8_t b = in[c.pos];
    unsigned s = c.state;
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
      c.pos++;
    } else if (s == XB_S_VALUE) {
      c = xb_json__value(in, len, t, cap, maxd, c);
    } else if (s == XB_S_ARRAY_FIRST && b != ']') {
      c = xb_json__value(in, len, t, cap, maxd, c);
    } else if (s == XB_S_OBJECT_FIRST && b != '}') {
      c = xb_json__key(in, len, t, cap, maxd, c);
    } else if (s == XB_S_KEY) {
      c = xb_json__key(in, len, t, cap, maxd, c);
    } else if (s == XB_S_ARRAY_FIRST || s == XB_S_OBJECT_FIRST) {
      c = xb_json__close(in, len, t, cap, maxd, c); /* "[]" or "{}" */
    } else if (s == XB_S_COLON && b == ':') {
      c.pos++;
      c.state = XB_S_VALUE;
    } else if (s == XB_S_AFTER && b == ',') {
      c.pos++;
      c.state = (t[c.cur].type == XB_JSON_OBJECT) ? XB_S_KEY : XB_S_VALUE;
    } else if (s == XB_S_AFTER &&
               ((b == '}' && t[c.cur].type == XB_JSON_OBJECT) ||
                (b == ']' && t[c.cur].type == XB_JSON_ARRAY))) {
      c = xb_json__close(in, len, t, cap, maxd, c);
    } else {
      /* XB-JSON-19/20: a missing ':' or ',', a mismatched bracket, a trailing comma
       * (caught as a missing value or key), or data after the value */
      c.status = XB_JSON_SYNTAX;
      c.err = c.pos;
      c.done = true;
    }
  }
  return c;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires tokens == \null || \valid(tokens + (0 .. cap - 1));
    requires lim == \null || \valid_read(lim);
    requires res == \null || \valid(res);
    requires in != \null && tokens != \null ==>
      \separated(in + (0 .. len - 1), tokens + (0 .. cap - 1));
    requires res != \null && tokens != \null ==> \separated(res, tokens + (0 .. cap - 1));
    requires res != \null && in != \null ==> \separated(res, in + (0 .. len - 1));
    assigns tokens[0 .. cap - 1], *res;
    ensures XB_JSON_OK <= \result <= XB_JSON_BAD_ARGUMENT;
    ensures res != \null ==> res->status == \result;
    ensures res != \null ==> res->ntokens <= cap;
    ensures res != \null && tokens == \null ==> res->ntokens == 0;
    ensures res != \null && \result != XB_JSON_OK ==> res->err_off <= len;
    ensures res != \null && tokens != \null ==>
      xb_json_tok_spans(tokens, res->ntokens, len);
    ensures res != \null && tokens != \null ==>
      xb_json_tok_depths(tokens, res->ntokens, xb_json_eff_depth{Pre}(lim));
    ensures res != \null && tokens != \null ==> xb_json_tok_nexts(tokens, res->ntokens);
    ensures res != \null && tokens != \null ==> xb_json_tok_parents(tokens, res->ntokens);
    ensures res != \null && tokens != \null ==>
      xb_json_strings_ok((uint8_t *)in, tokens, res->ntokens);
    ensures res != \null && \result == XB_JSON_OK ==>
      res->ntokens >= 1 && tokens != \null && tokens[0].next == res->ntokens;
*/
xb_json_status xb_json_parse(const uint8_t *in, size_t len, xb_json_token *tokens,
                             size_t cap, const xb_json_limits *lim, xb_json_result *res)
{
  xb_json_ctx c;
  size_t maxb = XB_JSON_DEFAULT_MAX_BYTES;
  size_t maxd = XB_JSON_DEFAULT_MAX_DEPTH;
  size_t tcap = (tokens == NULL) ? 0 : cap;
  if (lim != NULL) {
    maxb = lim->max_bytes;
    maxd = (lim->max_depth > XB_JSON_DEPTH_MAX) ? XB_JSON_DEPTH_MAX : lim->max_depth;
  }
  c.pos = 0;
  c.n = 0;
  c.cur = XB_JSON_NONE;
  c.depth = 0;
  c.err = 0;
  c.state = XB_S_VALUE;
  c.status = XB_JSON_OK;
  c.done = false;
  if (in == NULL && len > 0) {
    c.status = XB_JSON_BAD_ARGUMENT;
    c.done = true;
  } else if (len > maxb) {
    c.status = XB_JSON_TOO_LARGE; /* XB-JSON-25, XB-LIM-2: refused before parsing */
    c.err = maxb;
    c.done = true;
  }
  /*@ assert maxd == xb_json_eff_depth{Pre}(lim) && maxd <= XB_JSON_DEPTH_MAX; */
  /*@ loop invariant xb_json_ctx_ok((uint8_t *)in, len, tokens, tcap, maxd, c);
      loop invariant !c.done ==> in != \null || len == 0;
      loop assigns c, tokens[0 .. tcap - 1];
      loop variant 2 * (len - c.pos) + (c.done ? 0 : 1);
  */
  while (!c.done) {
    c = xb_json__step(in, len, tokens, tcap, maxd, c);
  }
  /*@ assert c.n <= tcap && tcap <= cap && (tokens == \null ==> c.n == 0); */
  /*@ assert tokens != \null ==> xb_json_tokens_ok(tokens, c.n, len, maxd); */
  if (res != NULL) {
    res->status = c.status;
    res->ntokens = c.n;
    res->err_off = (c.status == XB_JSON_OK) ? 0 : c.err;
  }
  return c.status;
}
