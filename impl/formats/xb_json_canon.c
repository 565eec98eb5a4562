/*
 * xb_json_canon.c — compact canonical JSON of a parsed token tree (see xb_json_canon.h).
 * Non-recursive: tokens come in document order, and the open containers are the chain
 * of parent links from the last container opened, so a container is closed as soon as
 * a token arrives that is not inside it.
 */
#include "formats/xb_json_canon.h"

#include <stdlib.h>

#include "formats/xb_render_json.h"

static bool xb_jc_close(const xb_json_token *t, size_t k, xb_buf *out) {
  return xb_buf_putc(out, t[k].type == XB_JSON_OBJECT ? '}' : ']');
}

/* XB-JSON-4: the decoded string, escaped again by the renderer's escaper. */
static bool xb_jc_string(const uint8_t *in, size_t len, const xb_json_token *tok,
                         xb_buf *out) {
  size_t size = xb_json_string_decoded_size(in, len, tok);
  uint8_t *tmp = malloc(size > 0 ? size : 1);
  size_t w = 0;
  bool ok = tmp != NULL && xb_json_string_decode(in, len, tok, tmp, size, &w) && w == size;
  if (ok) xb_json_put_string(out, (const char *)tmp, w);
  free(tmp);
  return ok;
}

bool xb_json_canon(const uint8_t *in, size_t len, const xb_json_token *t, size_t n,
                   size_t root, xb_buf *out) {
  if (in == NULL || t == NULL || out == NULL || root >= n) return false;
  size_t end = t[root].next;
  if (end <= root || end > n) return false;
  size_t top = t[root].parent; /* the chain of open containers ends here */
  size_t cur = top;
  for (size_t i = root; i < end; i++) {
    const xb_json_token *k = &t[i];
    if (k->off > len || k->len > len - k->off) return false;
    size_t p = (i == root) ? top : k->parent;
    if (i != root && (p < root || p >= i)) return false;
    while (cur != p) { /* close what token i is not inside */
      if (cur == top || cur >= n) return false;
      if (!xb_jc_close(t, cur, out)) return false;
      if (t[cur].parent != top && t[cur].parent >= cur) return false; /* no cycles */
      cur = t[cur].parent;
    }
    if (i != root) {
      bool first = (i == p + 1);
      bool in_object = (t[p].type == XB_JSON_OBJECT);
      bool is_key = in_object && (k->flags & XB_JSON_F_KEY) != 0;
      if ((!in_object || is_key) && !first) xb_buf_putc(out, ',');
      if (is_key) {
        if (k->type != XB_JSON_STRING || !xb_jc_string(in, len, k, out)) return false;
        xb_buf_putc(out, ':');
        continue;
      }
    }
    switch (k->type) {
    case XB_JSON_OBJECT:
      xb_buf_putc(out, '{');
      cur = i;
      break;
    case XB_JSON_ARRAY:
      xb_buf_putc(out, '[');
      cur = i;
      break;
    case XB_JSON_STRING:
      if (!xb_jc_string(in, len, k, out)) return false;
      break;
    case XB_JSON_NUMBER:
    case XB_JSON_TRUE:
    case XB_JSON_FALSE:
    case XB_JSON_NULL:
      xb_buf_append(out, in + k->off, k->len); /* XB-JSON-26: the source text */
      break;
    default:
      return false;
    }
  }
  while (cur != top) {
    if (cur >= n) return false;
    if (!xb_jc_close(t, cur, out)) return false;
    if (t[cur].parent != top && t[cur].parent >= cur) return false;
    cur = t[cur].parent;
  }
  return xb_buf_ok(out);
}
