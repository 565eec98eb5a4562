/*
 * xb_xml.c — the restricted XML parser (spec/xml.md §4): the markup layer.
 *
 * One pass checks the encoding of the whole payload (XB-XML-19, XB-XML-24); a second,
 * non-recursive pass reads markup left to right. The open elements are not kept on a
 * stack of their own: the innermost one is `cur`, and each node's `parent` leads back
 * to the enclosing ones, so the node array is the stack and memory stays that array.
 */
#include "formats/xb_xml_internal.h"

/* The parse state: scalars only (the input and the node array are parameters). */
typedef struct {
  size_t pos;      /* next byte to read */
  size_t n;        /* nodes written */
  size_t cur;      /* innermost open element; XB_XML_NONE outside the root */
  size_t depth;    /* open elements */
  size_t err_off;
  size_t err_node;
  size_t body;     /* offset after the byte order mark: where a declaration may be */
  bool root_done;  /* the root element has been closed */
  xb_xml_status st;
} xb_xml_cur;

/*@ predicate xb_xml_cur_ok{L}(xb_xml_node *t, xb_xml_cur c, integer len, integer cap) =
      c.n <= cap && c.pos <= len && c.err_off <= len && c.body <= c.pos
      && xb_xml_nodes_ok(t, c.n, len)
      && c.depth <= XB_XML_MAX_DEPTH
      && (c.cur == XB_XML_NONE <==> c.depth == 0)
      && (c.cur != XB_XML_NONE ==> c.cur < c.n && t[c.cur].type == XB_XML_ELEMENT
                                    && t[c.cur].depth == c.depth)
      && (c.n == 0 ==> c.cur == XB_XML_NONE && !c.root_done)
      && (c.root_done ==> c.cur == XB_XML_NONE && c.n > 0 && t[0].next == c.n)
      && (c.st == XB_XML_OK && c.cur == XB_XML_NONE && !c.root_done ==> c.n == 0);

    // What every markup step guarantees: the state stays consistent, the position never
    // moves back, and a step that succeeds consumes input.
    predicate xb_xml_step_ok{L}(xb_xml_node *t, xb_xml_cur c0, xb_xml_cur c1,
                                integer len, integer cap) =
      xb_xml_cur_ok(t, c1, len, cap)
      && c1.pos >= c0.pos && c1.body == c0.body
      && (c1.st == XB_XML_OK ==> c1.pos > c0.pos);
*/

/*@ requires \valid(t + (0 .. n));
    requires xb_xml_nodes_ok(t, n, len);
    requires n < SIZE_MAX;
    requires XB_XML_ELEMENT <= type <= XB_XML_TEXT;
    requires off < len && off + l <= len && voff + vl <= len;
    requires n == 0 ==> parent == XB_XML_NONE && depth == 1 && type == XB_XML_ELEMENT;
    requires n > 0 ==> parent < n && t[parent].type == XB_XML_ELEMENT
                       && depth == t[parent].depth + 1;
    requires type == XB_XML_ELEMENT ==> depth <= XB_XML_MAX_DEPTH;
    assigns t[n];
    ensures xb_xml_nodes_ok(t, n + 1, len);
    ensures t[n].type == type && t[n].depth == depth && t[n].parent == parent;
    ensures t[n].next == n + 1;
*/
static void xb_xml_push(xb_xml_node *t, size_t n, size_t len, uint16_t type, size_t off,
                        size_t l, size_t voff, size_t vl, size_t parent, uint16_t depth)
{
  xb_xml_node x;
  (void)len;
  x.off = off;
  x.len = l;
  x.voff = voff;
  x.vlen = vl;
  x.parent = parent;
  x.next = n + 1u;
  x.type = type;
  x.depth = depth;
  t[n] = x;
}

/*@ requires \valid(t + (0 .. n - 1));
    requires xb_xml_nodes_ok(t, n, len);
    requires e < n && end <= len;
    assigns t[e].next, t[e].vlen;
    ensures xb_xml_nodes_ok(t, n, len);
    ensures t[e].next == n;
    ensures t[e].type == \old(t[e].type) && t[e].depth == \old(t[e].depth)
            && t[e].parent == \old(t[e].parent);
*/
static void xb_xml_close(xb_xml_node *t, size_t n, size_t len, size_t e, size_t end)
{
  (void)len;
  t[e].next = n;
  if (t[e].voff <= end) { /* always: the element started before its end */
    t[e].vlen = end - t[e].voff;
  }
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid_read(t + (0 .. hi - 1));
    requires xb_xml_nodes_ok((xb_xml_node *)t, hi, len);
    requires lo <= hi && a + l <= len;
    assigns \nothing;
*/
static bool xb_xml_dup(const uint8_t *in, size_t len, const xb_xml_node *t, size_t lo,
                       size_t hi, size_t a, size_t l)
{
  bool dup = false;
  /*@ loop invariant lo <= k <= hi;
      loop assigns k, dup;
      loop variant hi - k;
  */
  for (size_t k = lo; k < hi && !dup; k++) {
    if (t[k].len == l && xb_xml__bytes_eq(in, len, t[k].off, a, l)) {
      dup = true; /* XB-XML-27: names compared whole, prefix included */
    }
  }
  return dup;
}

/*@ assigns \nothing;
    ensures \result.st == s && \result.err_off == where;
    ensures \result.pos == c.pos && \result.n == c.n && \result.cur == c.cur
            && \result.depth == c.depth && \result.body == c.body
            && \result.root_done == c.root_done && \result.err_node == c.err_node;
*/
static xb_xml_cur xb_xml_fail(xb_xml_cur c, xb_xml_status s, size_t where)
{
  xb_xml_cur r = c;
  r.st = s;
  r.err_off = where;
  return r;
}

/* The outcome of reading one attribute. */
typedef struct {
  xb_xml_status st;
  size_t err; /* offending offset when st != OK */
  size_t q;   /* after the closing quote when st == OK */
  size_t n;   /* nodes written so far */
} xb_xml_astep;

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires \separated(t + (0 .. cap - 1), in + (0 .. len - 1));
    requires e < n <= cap && w < len;
    requires xb_xml_nodes_ok(t, n, len);
    requires t[e].type == XB_XML_ELEMENT && t[e].depth <= XB_XML_MAX_DEPTH;
    assigns t[n .. cap - 1];
    ensures xb_xml_nodes_ok(t, \result.n, len);
    ensures t[e].type == \old(t[e].type) && t[e].depth == \old(t[e].depth)
            && t[e].parent == \old(t[e].parent);
    ensures n <= \result.n <= cap;
    ensures \result.st == XB_XML_OK ==> \result.n == n + 1 && w < \result.q <= len;
    ensures \result.st != XB_XML_OK ==> \result.err <= len;
*/
static xb_xml_astep xb_xml_attribute(const uint8_t *in, size_t len, xb_xml_node *t,
                                     size_t cap, size_t e, size_t n, size_t w)
{
  /* Attribute ::= Name Eq AttValue, at in[w] (XB-XML-26, XB-XML-27) */
  xb_xml_astep r;
  size_t ne = xb_xml__name_end(in, len, w);
  r.st = xb_xml__name_check(in, len, w, ne);
  r.err = w;
  r.q = w;
  r.n = n;
  if (r.st == XB_XML_OK) {
    size_t a = xb_xml__skip_ws(in, len, ne);
    if (a < len && in[a] == '=') {
      a = xb_xml__skip_ws(in, len, a + 1u);
    } else {
      r.st = XB_XML_BAD_ATTR; /* XB-XML-27: missing '=' */
      r.err = a;
    }
    if (r.st == XB_XML_OK && (a >= len || (in[a] != '"' && in[a] != '\''))) {
      r.st = XB_XML_BAD_ATTR; /* XB-XML-27: missing quote */
      r.err = a;
    }
    if (r.st == XB_XML_OK) {
      xb_xml_status vs = XB_XML_OK;
      size_t ve = xb_xml__attval_end(in, len, a + 1u, in[a], &vs);
      if (vs != XB_XML_OK) {
        r.st = vs;
        r.err = ve;
      } else if (xb_xml_dup(in, len, t, e + 1u, n, w, ne - w)) {
        r.st = XB_XML_DUP_ATTR; /* XB-XML-27 */
      } else if (n >= cap) {
        r.st = XB_XML_TOO_MANY_NODES;
      } else {
        xb_xml_push(t, n, len, XB_XML_ATTR, w, ne - w, a + 1u, ve - (a + 1u), e,
                    (uint16_t)(t[e].depth + 1u));
        r.n = n + 1u;
        r.q = ve + 1u;
      }
    }
  }
  return r;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires \separated(t + (0 .. cap - 1), in + (0 .. len - 1));
    requires xb_xml_cur_ok(t, c, len, cap);
    requires c.st == XB_XML_OK && c.pos + 1 < len && in[c.pos] == '<';
    assigns t[0 .. cap - 1];
    ensures xb_xml_step_ok(t, c, \result, len, cap);
*/
static xb_xml_cur xb_xml_start_tag(const uint8_t *in, size_t len, xb_xml_node *t,
                                   size_t cap, xb_xml_cur c)
{
  size_t start = c.pos;
  size_t p = start + 1u;
  size_t q = xb_xml__name_end(in, len, p);
  if (c.root_done) {
    c = xb_xml_fail(c, XB_XML_SECOND_ROOT, start); /* XB-XML-29 */
  } else if (c.depth >= XB_XML_MAX_DEPTH) {
    c = xb_xml_fail(c, XB_XML_TOO_DEEP, start); /* XB-XML-28 */
  } else {
    xb_xml_status s = xb_xml__name_check(in, len, p, q); /* XB-XML-26 */
    size_t err = p;
    if (s == XB_XML_OK && c.n >= cap) {
      s = XB_XML_TOO_MANY_NODES;
      err = start;
    }
    if (s != XB_XML_OK) {
      c = xb_xml_fail(c, s, err);
    } else {
      size_t e = c.n;
      size_t n = e + 1u;
      size_t nattr = 0;
      bool done = false;
      bool empty = false;
      uint16_t d = (uint16_t)(c.depth + 1u);
      xb_xml_push(t, e, len, XB_XML_ELEMENT, p, q - p, start, 0, c.cur, d);
      /*@ loop invariant e < n <= cap;
          loop invariant start < q <= len;
          loop invariant nattr <= XB_XML_MAX_ATTRS;
          loop invariant xb_xml_nodes_ok(t, n, len);
          loop invariant t[e].type == XB_XML_ELEMENT && t[e].depth == d;
          loop invariant t[e].parent == c.cur;
          loop invariant d == c.depth + 1;
          loop invariant s == XB_XML_OK || err <= len;
          loop invariant done ==> s == XB_XML_OK;
          loop assigns q, n, nattr, done, empty, s, err, t[e + 1 .. cap - 1];
          loop variant 2 * (len - q) + ((!done && s == XB_XML_OK) ? 1 : 0);
      */
      while (!done && s == XB_XML_OK) {
        size_t w = xb_xml__skip_ws(in, len, q);
        if (w >= len) {
          s = XB_XML_SYNTAX; /* truncated start tag */
          err = len;
        } else if (in[w] == '>') {
          done = true;
          q = w + 1u;
        } else if (in[w] == '/') {
          if (w + 1u < len && in[w + 1u] == '>') {
            done = true;
            empty = true;
            q = w + 2u;
          } else {
            s = XB_XML_SYNTAX;
            err = w;
          }
        } else if (w == q) {
          /* right after the element name: a byte no name may hold; right after a
           * value: XB-XML-27, attributes need whitespace between them */
          s = nattr == 0u ? XB_XML_BAD_NAME : XB_XML_BAD_ATTR;
          err = w;
        } else if (nattr >= XB_XML_MAX_ATTRS) {
          s = XB_XML_TOO_MANY_ATTRS; /* XB-XML-27 */
          err = w;
        } else {
          xb_xml_astep a = xb_xml_attribute(in, len, t, cap, e, n, w);
          s = a.st;
          err = a.err;
          n = a.n;
          if (s == XB_XML_OK) {
            nattr++;
            q = a.q;
          }
        }
      }
      c.n = n;
      if (s != XB_XML_OK) {
        c = xb_xml_fail(c, s, err);
      } else {
        c.pos = q;
        if (empty) {
          xb_xml_close(t, n, len, e, q);
          /* the enclosing element is untouched: nodes_ok at e says so */
          /*@ assert c.cur != XB_XML_NONE ==>
                t[c.cur].type == XB_XML_ELEMENT && t[c.cur].depth == c.depth; */
          if (c.cur == XB_XML_NONE) {
            c.root_done = true;
          }
        } else {
          c.cur = e;
          c.depth++;
        }
      }
    }
  }
  return c;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires \separated(t + (0 .. cap - 1), in + (0 .. len - 1));
    requires xb_xml_cur_ok(t, c, len, cap);
    requires c.st == XB_XML_OK && c.pos + 1 < len && in[c.pos] == '<'
             && in[c.pos + 1] == '/';
    assigns t[0 .. cap - 1];
    ensures xb_xml_step_ok(t, c, \result, len, cap);
*/
static xb_xml_cur xb_xml_end_tag(const uint8_t *in, size_t len, xb_xml_node *t,
                                 size_t cap, xb_xml_cur c)
{
  size_t start = c.pos;
  size_t p = start + 2u;
  (void)cap;
  size_t q = xb_xml__name_end(in, len, p);
  xb_xml_status s = xb_xml__name_check(in, len, p, q);
  if (s != XB_XML_OK) {
    c = xb_xml_fail(c, s, p);
  } else {
    size_t w = xb_xml__skip_ws(in, len, q);
    size_t e = c.cur;
    if (w >= len || in[w] != '>') {
      c = xb_xml_fail(c, XB_XML_SYNTAX, w);
    } else if (e == XB_XML_NONE) {
      c = xb_xml_fail(c, XB_XML_STRAY_END, start); /* XB-XML-29 */
    } else if (t[e].len != q - p || !xb_xml__bytes_eq(in, len, t[e].off, p, q - p)) {
      c = xb_xml_fail(c, XB_XML_MISMATCH, start); /* XB-XML-29: prefix included */
      c.err_node = e;
    } else {
      xb_xml_close(t, c.n, len, e, w + 1u);
      c.pos = w + 1u;
      if (e == 0u) {
        c.cur = XB_XML_NONE;
        c.depth = 0;
        c.root_done = true;
      } else {
        c.cur = t[e].parent;
        c.depth--;
      }
    }
  }
  return c;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_xml_cur_ok(t, c, len, cap);
    requires c.st == XB_XML_OK && c.pos + 1 < len && in[c.pos] == '<'
             && in[c.pos + 1] == '!';
    assigns \nothing;
    ensures xb_xml_step_ok(t, c, \result, len, cap);
*/
static xb_xml_cur xb_xml_bang(const uint8_t *in, size_t len, xb_xml_node *t, size_t cap,
                              xb_xml_cur c)
{
  size_t p = c.pos;
  (void)t;
  (void)cap;
  if (xb_xml__has(in, len, p, "<!--", 4)) {
    xb_xml_status s = XB_XML_OK;
    size_t end = xb_xml__comment_end(in, len, p, &s); /* XB-XML-22 */
    if (s == XB_XML_OK) {
      c.pos = end;
    } else {
      c = xb_xml_fail(c, s, end);
    }
  } else if (xb_xml__has(in, len, p, "<![CDATA[", 9)) {
    c = xb_xml_fail(c, XB_XML_CDATA, p); /* XB-XML-21 */
  } else if (xb_xml__has(in, len, p, "<!DOCTYPE", 9)) {
    c = xb_xml_fail(c, XB_XML_DOCTYPE, p); /* XB-XML-21 */
  } else {
    c = xb_xml_fail(c, XB_XML_SYNTAX, p);
  }
  return c;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires xb_xml_cur_ok(t, c, len, cap);
    requires c.st == XB_XML_OK && c.pos + 1 < len && in[c.pos] == '<'
             && in[c.pos + 1] == '?';
    assigns \nothing;
    ensures xb_xml_step_ok(t, c, \result, len, cap);
*/
static xb_xml_cur xb_xml_question(const uint8_t *in, size_t len, xb_xml_node *t,
                                  size_t cap, xb_xml_cur c)
{
  size_t p = c.pos;
  bool decl = xb_xml__has(in, len, p, "<?xml", 5);
  (void)t;
  (void)cap;
  if (decl && p + 5u < len) {
    /* "<?xml" then blank or "?>" is a declaration attempt; "<?xml-foo" is a PI */
    decl = in[p + 5u] == ' ' || in[p + 5u] == '\t' || in[p + 5u] == '\n' ||
           in[p + 5u] == '\r' || in[p + 5u] == '?';
  }
  if (!decl) {
    c = xb_xml_fail(c, XB_XML_PI, p); /* XB-XML-21 */
  } else if (p != c.body) {
    c = xb_xml_fail(c, XB_XML_BAD_DECL, p); /* XB-XML-20: only first */
  } else {
    xb_xml_status s = XB_XML_OK;
    size_t end = xb_xml__decl_end(in, len, p, &s);
    if (s == XB_XML_OK) {
      c.pos = end;
    } else {
      c = xb_xml_fail(c, s, end);
    }
  }
  return c;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid(t + (0 .. cap - 1));
    requires \separated(t + (0 .. cap - 1), in + (0 .. len - 1));
    requires xb_xml_cur_ok(t, c, len, cap);
    requires c.st == XB_XML_OK && c.pos < len && in[c.pos] != '<';
    assigns t[0 .. cap - 1];
    ensures xb_xml_step_ok(t, c, \result, len, cap);
*/
static xb_xml_cur xb_xml_chars(const uint8_t *in, size_t len, xb_xml_node *t, size_t cap,
                               xb_xml_cur c)
{
  size_t p = c.pos;
  if (c.cur == XB_XML_NONE) {
    size_t w = xb_xml__skip_ws(in, len, p);
    if (w == p) {
      c = xb_xml_fail(c, XB_XML_TEXT_OUTSIDE, p); /* XB-XML-29 */
    } else {
      c.pos = w;
    }
  } else {
    xb_xml_status s = XB_XML_OK;
    size_t end = xb_xml__text_end(in, len, p, &s);
    if (s != XB_XML_OK) {
      c = xb_xml_fail(c, s, end);
    } else if (c.n >= cap) {
      c = xb_xml_fail(c, XB_XML_TOO_MANY_NODES, p);
    } else {
      xb_xml_push(t, c.n, len, XB_XML_TEXT, p, end - p, p, end - p, c.cur,
                  (uint16_t)(c.depth + 1u));
      /* the open element is untouched: nodes_ok at the new node says so */
      /*@ assert t[c.cur].type == XB_XML_ELEMENT && t[c.cur].depth == c.depth; */
      c.n++;
      c.pos = end;
    }
  }
  return c;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires nodes == \null || \valid(nodes + (0 .. cap - 1));
    requires res == \null || \valid(res);
    requires in == \null || nodes == \null
             || \separated(nodes + (0 .. cap - 1), in + (0 .. len - 1));
    requires res == \null || nodes == \null || \separated(res, nodes + (0 .. cap - 1));
    requires res == \null || in == \null || \separated(res, in + (0 .. len - 1));
    assigns nodes[0 .. cap - 1], *res;
    ensures res != \null ==> res->status == \result;
    ensures res != \null ==> res->nnodes <= cap && res->err_off <= len;
    ensures res != \null && nodes != \null ==> xb_xml_nodes_ok(nodes, res->nnodes, len);
    ensures \result == XB_XML_OK && res != \null ==>
              1 <= res->nnodes && nodes[0].next == res->nnodes;
    ensures \result == XB_XML_OK ==> in != \null && nodes != \null;
    ensures in == \null && len > 0 ==> \result == XB_XML_BAD_ARGUMENT;
*/
xb_xml_status xb_xml_parse(const uint8_t *in, size_t len, xb_xml_node *nodes, size_t cap,
                           xb_xml_result *res)
{
  xb_xml_cur c;
  c.pos = 0;
  c.n = 0;
  c.cur = XB_XML_NONE;
  c.depth = 0;
  c.err_off = 0;
  c.err_node = XB_XML_NONE;
  c.body = 0;
  c.root_done = false;
  c.st = XB_XML_OK;
  if (in == NULL && len > 0u) {
    c.st = XB_XML_BAD_ARGUMENT;
  } else if (in != NULL) {
    size_t ecap = nodes == NULL ? 0u : cap; /* no array: nothing fits */
    xb_xml_status es = XB_XML_OK;
    size_t bad = 0;
    if (len >= 3u && in[0] == 0xEFu && in[1] == 0xBBu && in[2] == 0xBFu) {
      c.body = 3; /* XB-XML-19: a byte order mark is skipped */
      c.pos = 3;
    }
    bad = xb_xml__check_chars(in, len, c.body, &es);
    if (es != XB_XML_OK) {
      c.st = es;
      c.err_off = bad;
    }
    /*@ loop invariant xb_xml_cur_ok(nodes, c, len, ecap);
          loop invariant ecap <= cap;
          loop assigns c, nodes[0 .. ecap - 1];
          loop variant 2 * (len - c.pos) + (c.st == XB_XML_OK ? 1 : 0);
    */
    while (c.st == XB_XML_OK && c.pos < len) {
      if (in[c.pos] != '<') {
        c = xb_xml_chars(in, len, nodes, ecap, c);
      } else if (c.pos + 1u >= len) {
        c = xb_xml_fail(c, XB_XML_SYNTAX, c.pos);
      } else if (in[c.pos + 1u] == '/') {
        c = xb_xml_end_tag(in, len, nodes, ecap, c);
      } else if (in[c.pos + 1u] == '!') {
        c = xb_xml_bang(in, len, nodes, ecap, c);
      } else if (in[c.pos + 1u] == '?') {
        c = xb_xml_question(in, len, nodes, ecap, c);
      } else {
        c = xb_xml_start_tag(in, len, nodes, ecap, c);
      }
    }
    if (c.st == XB_XML_OK && c.cur != XB_XML_NONE) {
      c = xb_xml_fail(c, XB_XML_UNCLOSED, len); /* XB-XML-29 */
      c.err_node = c.cur;
    } else if (c.st == XB_XML_OK && !c.root_done) {
      c = xb_xml_fail(c, XB_XML_EMPTY, len); /* XB-RES-22, XB-XML-29 */
    }
  } else {
    c.st = XB_XML_EMPTY; /* in == NULL, len == 0: the empty payload */
  }
  if (res != NULL) {
    res->status = c.st;
    res->nnodes = c.n;
    res->err_off = c.err_off;
    res->err_node = c.st == XB_XML_MISMATCH || c.st == XB_XML_UNCLOSED ? c.err_node
                                                                       : XB_XML_NONE;
  }
  return c.st;
}

/*@ assigns \nothing;
    ensures \result != \null;
*/
const char *xb_xml_status_str(xb_xml_status status)
{
  const char *s = "unknown status";
  switch (status) {
  case XB_XML_OK: s = "ok"; break;
  case XB_XML_EMPTY: s = "no root element"; break;
  case XB_XML_BAD_UTF8: s = "invalid UTF-8"; break;
  case XB_XML_BAD_CHAR: s = "character not allowed in XML"; break;
  case XB_XML_BAD_DECL: s = "invalid or misplaced XML declaration"; break;
  case XB_XML_DOCTYPE: s = "document type declaration not allowed"; break;
  case XB_XML_PI: s = "processing instruction not allowed"; break;
  case XB_XML_CDATA: s = "CDATA section not allowed"; break;
  case XB_XML_BAD_COMMENT: s = "invalid comment"; break;
  case XB_XML_BAD_REF: s = "invalid entity or character reference"; break;
  case XB_XML_BAD_NAME: s = "invalid name"; break;
  case XB_XML_NAME_TOO_LONG: s = "name longer than 64 bytes"; break;
  case XB_XML_TOO_MANY_ATTRS: s = "more than 16 attributes"; break;
  case XB_XML_DUP_ATTR: s = "duplicate attribute"; break;
  case XB_XML_BAD_ATTR: s = "malformed attribute"; break;
  case XB_XML_LT_IN_ATTR: s = "'<' in attribute value"; break;
  case XB_XML_CDATA_END: s = "']]>' in text"; break;
  case XB_XML_TOO_DEEP: s = "elements nested deeper than 32"; break;
  case XB_XML_MISMATCH: s = "end tag does not match start tag"; break;
  case XB_XML_UNCLOSED: s = "unclosed element at end of document"; break;
  case XB_XML_STRAY_END: s = "end tag without start tag"; break;
  case XB_XML_TEXT_OUTSIDE: s = "text outside the root element"; break;
  case XB_XML_SECOND_ROOT: s = "more than one root element"; break;
  case XB_XML_SYNTAX: s = "malformed markup"; break;
  case XB_XML_TOO_MANY_NODES: s = "too many nodes"; break;
  case XB_XML_BAD_ARGUMENT: s = "bad argument"; break;
  default: break;
  }
  return s;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires line == \null || \valid(line);
    requires col == \null || \valid(col);
    requires line == \null || col == \null || \separated(line, col);
    assigns *line, *col;
    ensures line != \null ==> 1 <= *line;
    ensures col != \null ==> 1 <= *col;
*/
void xb_xml_line_col(const uint8_t *in, size_t len, size_t off, size_t *line, size_t *col)
{
  size_t l = 0; /* line ends before off */
  size_t k = 0; /* characters between the last line end and off */
  size_t end = off < len ? off : len;
  if (in == NULL) {
    end = 0;
  }
  /*@ loop invariant 0 <= i <= end;
      loop invariant l <= i && k <= i;
      loop assigns i, l, k;
      loop variant end - i;
  */
  for (size_t i = 0; i < end; i++) {
    uint8_t b = in[i];
    if (b == '\n') {
      if (i == 0u || in[i - 1u] != '\r') {
        l++; /* XB-XML-25: CR LF is one line end */
      }
      k = 0;
    } else if (b == '\r') {
      l++;
      k = 0;
    } else if (b < 0x80u || b >= 0xC0u) {
      k++; /* a character starts here (not a UTF-8 continuation byte) */
    }
  }
  if (line != NULL) {
    *line = l < SIZE_MAX ? l + 1u : l;
  }
  if (col != NULL) {
    *col = k < SIZE_MAX ? k + 1u : k;
  }
}
