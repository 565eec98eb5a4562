/*
 * xb_xml_nav.c — walking and reading a parsed node array: children and attributes by
 * local name (XB-XML-30), decoded values (XB-XML-23, XB-XML-25).
 *
 * These functions trust nothing about the array they are given: every index and span is
 * checked before use, so an array that did not come from xb_xml_parse gives "not found"
 * or a failed decode, never an out-of-bounds access.
 */
#include "formats/xb_xml_internal.h"

/*@ requires nodes == \null || \valid_read(nodes + (0 .. n - 1));
    assigns \nothing;
    ensures \result <= n;
    ensures \result == n || \result > i;
*/
size_t xb_xml_skip(const xb_xml_node *nodes, size_t n, size_t i)
{
  size_t r = n;
  if (nodes != NULL && i < n && nodes[i].next > i && nodes[i].next <= n) {
    r = nodes[i].next;
  }
  return r;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires s <= e <= len;
    assigns \nothing;
    ensures s <= \result <= e;
*/
static size_t xb_xml_local_start(const uint8_t *in, size_t len, size_t s, size_t e)
{
  size_t r = s;
  (void)len;
  /*@ loop invariant s <= i <= e;
      loop invariant s <= r <= i;
      loop assigns i, r;
      loop variant e - i;
  */
  for (size_t i = s; i < e; i++) {
    if (in[i] == ':') {
      r = i + 1u;
    }
  }
  return r;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires node == \null || \valid_read(node);
    requires name == \null || \valid_read(name + (0 .. namelen - 1));
    assigns \nothing;
    ensures \result ==> in != \null && node != \null && name != \null;
    ensures \result ==> node->type == XB_XML_ELEMENT || node->type == XB_XML_ATTR;
*/
bool xb_xml_name_is(const uint8_t *in, size_t len, const xb_xml_node *node,
                    const char *name, size_t namelen)
{
  bool eq = false;
  if (in != NULL && node != NULL && name != NULL &&
      (node->type == XB_XML_ELEMENT || node->type == XB_XML_ATTR) && node->off <= len &&
      node->len <= len - node->off) {
    size_t e = node->off + node->len;
    size_t s = xb_xml_local_start(in, len, node->off, e);
    eq = e - s == namelen && xb_xml__has(in, len, s, name, namelen);
  }
  return eq;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires nodes == \null || \valid_read(nodes + (0 .. n - 1));
    requires name == \null || \valid_read(name + (0 .. namelen - 1));
    assigns \nothing;
    ensures \result == XB_XML_NONE
            || (nodes != \null && after < \result < n && parent < \result
                && nodes[\result].type == XB_XML_ELEMENT && nodes[\result].parent == parent);
*/
size_t xb_xml_child(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                    size_t parent, size_t after, const char *name, size_t namelen)
{
  size_t r = XB_XML_NONE;
  if (nodes != NULL && parent < n && after < n && after >= parent &&
      nodes[parent].type == XB_XML_ELEMENT) {
    size_t end = nodes[parent].next <= n ? nodes[parent].next : n;
    size_t j = after == parent ? parent + 1u : nodes[after].next;
    if (j <= after || j > n) {
      j = n; /* inconsistent array: find nothing */
    }
    /*@ loop invariant after < j <= n;
        loop invariant r == XB_XML_NONE
                       || (after < r < n && parent < r && nodes[r].type == XB_XML_ELEMENT
                           && nodes[r].parent == parent);
        loop assigns j, r;
        loop variant 2 * (n - j) + (r == XB_XML_NONE ? 1 : 0);
    */
    while (r == XB_XML_NONE && j < end) {
      if (nodes[j].type == XB_XML_ELEMENT && nodes[j].parent == parent &&
          (name == NULL || xb_xml_name_is(in, len, &nodes[j], name, namelen))) {
        r = j;
      } else {
        size_t nx = nodes[j].next;
        j = nx > j && nx <= n ? nx : n; /* a child's subtree is skipped whole */
      }
    }
  }
  return r;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires nodes == \null || \valid_read(nodes + (0 .. n - 1));
    requires name == \null || \valid_read(name + (0 .. namelen - 1));
    assigns \nothing;
    ensures \result <= n;
*/
size_t xb_xml_count_children(const uint8_t *in, size_t len, const xb_xml_node *nodes,
                             size_t n, size_t parent, const char *name, size_t namelen)
{
  size_t cnt = 0;
  size_t k = xb_xml_child(in, len, nodes, n, parent, parent, name, namelen);
  /*@ loop invariant cnt <= n;
      loop invariant k != XB_XML_NONE ==> parent < k < n && cnt + parent < k;
      loop assigns cnt, k;
      loop variant k == XB_XML_NONE ? 0 : n - k;
  */
  while (k != XB_XML_NONE) {
    cnt++;
    k = xb_xml_child(in, len, nodes, n, parent, k, name, namelen);
  }
  return cnt;
}

/*@ requires \valid_read(in + (0 .. len - 1));
    requires \valid_read(node);
    assigns \nothing;
    ensures \result ==> node->off + node->len <= len;
*/
static bool xb_xml_span_ok(const uint8_t *in, size_t len, const xb_xml_node *node)
{
  (void)in;
  return node->off <= len && node->len <= len - node->off;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires nodes == \null || \valid_read(nodes + (0 .. n - 1));
    requires name == \null || \valid_read(name + (0 .. namelen - 1));
    assigns \nothing;
    ensures \result == XB_XML_NONE
            || (nodes != \null && elem < \result < n && nodes[\result].type == XB_XML_ATTR
                && nodes[\result].parent == elem);
*/
size_t xb_xml_attr(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                   size_t elem, const char *name, size_t namelen)
{
  size_t r = XB_XML_NONE;
  if (in != NULL && nodes != NULL && name != NULL && elem < n &&
      nodes[elem].type == XB_XML_ELEMENT) {
    /* XB-XML-30: namespace declarations are not attributes of the document; only a
     * query for "xmlns" itself (XB-XML-35) sees the default one. */
    bool want_xmlns = namelen == 5u && name[0] == 'x' && name[1] == 'm' && name[2] == 'l' &&
                      name[3] == 'n' && name[4] == 's';
    size_t j = elem + 1u;
    /*@ loop invariant elem < j <= n;
        loop invariant r == XB_XML_NONE
                       || (elem < r < n && nodes[r].type == XB_XML_ATTR
                           && nodes[r].parent == elem);
        loop assigns j, r;
        loop variant 2 * (n - j) + (r == XB_XML_NONE ? 1 : 0);
    */
    while (r == XB_XML_NONE && j < n && nodes[j].type == XB_XML_ATTR &&
           nodes[j].parent == elem) {
      bool match = false;
      if (xb_xml_span_ok(in, len, &nodes[j])) {
        size_t o = nodes[j].off;
        size_t l = nodes[j].len;
        bool is_xmlns = l == 5u && xb_xml__has(in, len, o, "xmlns", 5);
        bool nsdecl = is_xmlns || (l > 6u && xb_xml__has(in, len, o, "xmlns:", 6));
        if (want_xmlns) {
          match = is_xmlns;
        } else {
          match = !nsdecl && xb_xml_name_is(in, len, &nodes[j], name, namelen);
        }
      }
      if (match) {
        r = j;
      } else {
        j++;
      }
    }
  }
  return r;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires node == \null || \valid_read(node);
    assigns \nothing;
    ensures node != \null ==> \result <= node->vlen;
    ensures node == \null ==> \result == 0;
*/
size_t xb_xml_value_size(const uint8_t *in, size_t len, const xb_xml_node *node)
{
  size_t r = 0;
  if (in != NULL && node != NULL && (node->type == XB_XML_TEXT || node->type == XB_XML_ATTR) &&
      node->voff <= len && node->vlen <= len - node->voff) {
    size_t d = xb_xml__decode_span(in, len, node->voff, node->voff + node->vlen,
                                   node->type == XB_XML_ATTR, NULL, 0);
    if (d != SIZE_MAX) {
      r = d;
    }
  }
  return r;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires node == \null || \valid_read(node);
    requires out == \null || \valid(out + (0 .. cap - 1));
    requires written == \null || \valid(written);
    requires out == \null || in == \null || \separated(out + (0 .. cap - 1), in + (0 .. len - 1));
    requires out == \null || node == \null || \separated(out + (0 .. cap - 1), node);
    requires written == \null || out == \null || \separated(written, out + (0 .. cap - 1));
    requires written == \null || node == \null || \separated(written, node);
    assigns out[0 .. cap - 1], *written;
    ensures \result ==> node != \null && out != \null && written != \null;
    ensures \result ==> *written <= cap && *written <= node->vlen;
    ensures !\result && written != \null ==> *written == 0;
*/
bool xb_xml_value_decode(const uint8_t *in, size_t len, const xb_xml_node *node,
                         uint8_t *out, size_t cap, size_t *written)
{
  bool ok = false;
  size_t w = 0;
  if (in != NULL && node != NULL && out != NULL && written != NULL &&
      (node->type == XB_XML_TEXT || node->type == XB_XML_ATTR) && node->voff <= len &&
      node->vlen <= len - node->voff) {
    size_t d = xb_xml__decode_span(in, len, node->voff, node->voff + node->vlen,
                                   node->type == XB_XML_ATTR, out, cap);
    if (d != SIZE_MAX) {
      ok = true;
      w = d;
    }
  }
  if (written != NULL) {
    *written = w;
  }
  return ok;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires nodes == \null || \valid_read(nodes + (0 .. n - 1));
    requires out == \null || \valid(out + (0 .. cap - 1));
    requires out == \null || in == \null || \separated(out + (0 .. cap - 1), in + (0 .. len - 1));
    requires out == \null || nodes == \null
             || \separated(out + (0 .. cap - 1), nodes + (0 .. n - 1));
    assigns out[0 .. cap - 1];
    ensures \result == SIZE_MAX || \result <= len;
    ensures out != \null && \result != SIZE_MAX ==> \result <= cap;
*/
static size_t xb_xml_text_run(const uint8_t *in, size_t len, const xb_xml_node *nodes,
                              size_t n, size_t elem, uint8_t *out, size_t cap)
{
  /* Shared by text_size (out == NULL: count) and text_decode. */
  size_t total = 0;
  bool ok = in != NULL && nodes != NULL && elem < n && nodes[elem].type == XB_XML_ELEMENT;
  if (ok) {
    size_t end = nodes[elem].next <= n ? nodes[elem].next : n;
    size_t j = elem + 1u;
    /*@ loop invariant elem < j <= n;
        loop invariant total <= len;
        loop invariant out != \null ==> total <= cap;
        loop assigns j, total, ok, out[0 .. cap - 1];
        loop variant 2 * (n - j) + (ok ? 1 : 0);
    */
    while (ok && j < end) {
      const xb_xml_node *x = &nodes[j];
      size_t nx = x->next;
      if (x->type == XB_XML_TEXT && x->parent == elem) {
        size_t d = SIZE_MAX;
        if (x->voff <= len && x->vlen <= len - x->voff) {
          d = xb_xml__decode_span(in, len, x->voff, x->voff + x->vlen, false,
                                  out == NULL ? NULL : out + total,
                                  out == NULL ? 0 : cap - total);
        }
        if (d == SIZE_MAX || d > len - total) {
          ok = false; /* bad reference, no room, or an array not from the parser */
        } else {
          total += d;
        }
      }
      if (ok) {
        if (nx > j && nx <= n) {
          j = nx; /* a child element's subtree is skipped whole */
        } else {
          ok = false;
        }
      }
    }
  }
  return ok ? total : SIZE_MAX;
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires nodes == \null || \valid_read(nodes + (0 .. n - 1));
    assigns \nothing;
    ensures \result == SIZE_MAX || \result <= len;
*/
size_t xb_xml_text_size(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                        size_t elem)
{
  return xb_xml_text_run(in, len, nodes, n, elem, NULL, 0);
}

/*@ requires in == \null || \valid_read(in + (0 .. len - 1));
    requires nodes == \null || \valid_read(nodes + (0 .. n - 1));
    requires out == \null || \valid(out + (0 .. cap - 1));
    requires written == \null || \valid(written);
    requires out == \null || in == \null || \separated(out + (0 .. cap - 1), in + (0 .. len - 1));
    requires out == \null || nodes == \null
             || \separated(out + (0 .. cap - 1), nodes + (0 .. n - 1));
    requires written == \null || out == \null || \separated(written, out + (0 .. cap - 1));
    assigns out[0 .. cap - 1], *written;
    ensures \result ==> out != \null && written != \null && *written <= cap
                        && *written <= len;
    ensures !\result && written != \null ==> *written == 0;
*/
bool xb_xml_text_decode(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                        size_t elem, uint8_t *out, size_t cap, size_t *written)
{
  bool ok = false;
  size_t w = 0;
  if (out != NULL && written != NULL) {
    size_t d = xb_xml_text_run(in, len, nodes, n, elem, out, cap);
    if (d != SIZE_MAX) {
      ok = true;
      w = d;
    }
  }
  if (written != NULL) {
    *written = w;
  }
  return ok;
}
