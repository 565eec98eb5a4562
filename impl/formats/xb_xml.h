/*
 * xb_xml.h — the restricted XML parser of xbridge (spec/xml.md §4, limits spec/limits.md).
 *
 * It reads the write documents of spec/xml.md §5 (EEML 0.5.1, key, trigger, user) and
 * nothing more: UTF-8 only (optional byte order mark), an optional XML declaration
 * (version 1.0, encoding UTF-8), comments, elements, attributes, text, the five
 * predefined entity references and character references of XML 1.0 Chars. DOCTYPE,
 * CDATA sections and processing instructions are refused, so there are no entity
 * declarations, no external fetches and nothing that can expand (XB-XML-21, -23, -31).
 *
 * Pure and bounded: no malloc, no globals, no I/O, no recursion. The parser fills a
 * caller-provided node array in document order; nodes point into the input (offset +
 * length) and nothing is copied. Values are decoded on demand into a caller buffer
 * (size first, then decode); a decoded value is never longer than its source span.
 *
 * Node layout, for `<a x="1">t<b/></a>`:
 *   0 ELEMENT a (parent NONE)   1 ATTR x (parent 0)   2 TEXT "t" (parent 0)
 *   3 ELEMENT b (parent 0)
 * The attributes of an element are the nodes right after it; then its content (text
 * and child elements) in document order. `next` is one past a node's subtree, so the
 * children of an element are walked without recursion (xb_xml_child).
 * Text is split at comments and child elements: one TEXT node per run of character
 * data (whitespace-only runs included); xb_xml_text_* concatenate an element's runs.
 *
 * Every function is proven free of runtime errors by Frama-C/WP together with the
 * structural postconditions below (proofs/units/xml.mk), and fuzzed (fuzz/xml).
 */
#ifndef XB_XML_H
#define XB_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Node types. */
enum {
  XB_XML_ELEMENT = 1,
  XB_XML_ATTR = 2,
  XB_XML_TEXT = 3
};

/* "No node": parent of the root, result of a failed lookup. */
#define XB_XML_NONE SIZE_MAX

/* Fixed limits (spec/limits.md): XB-XML-28 depth (root = 1), XB-XML-27 attributes per
 * element, XB-XML-26 bytes per element or attribute name. */
#define XB_XML_MAX_DEPTH 32u
#define XB_XML_MAX_ATTRS 16u
#define XB_XML_MAX_NAME 64u

/* Enough nodes for any document of len bytes: every node owns at least two bytes of
 * the input (an element at least `<a/>` or `<a></a>`, an attribute ` a=""`, a text run
 * at least one byte followed by markup of at least four). */
#define XB_XML_MAX_NODES(len) ((len) / 2u + 1u)

typedef enum {
  XB_XML_OK = 0,
  XB_XML_EMPTY,          /* no root element: empty, blanks or comments only (XB-RES-22) */
  XB_XML_BAD_UTF8,       /* ill-formed UTF-8 anywhere (XB-XML-19) */
  XB_XML_BAD_CHAR,       /* a raw code point that is not an XML 1.0 Char (XB-XML-24) */
  XB_XML_BAD_DECL,       /* malformed or misplaced XML declaration (XB-XML-20) */
  XB_XML_DOCTYPE,        /* <!DOCTYPE (XB-XML-21) */
  XB_XML_PI,             /* processing instruction other than the declaration (XB-XML-21) */
  XB_XML_CDATA,          /* <![CDATA[ (XB-XML-21) */
  XB_XML_BAD_COMMENT,    /* "--" inside, "--->" or unterminated comment (XB-XML-22) */
  XB_XML_BAD_REF,        /* unknown entity, bad character reference, lone '&' (XB-XML-23) */
  XB_XML_BAD_NAME,       /* name breaking XB-XML-26 */
  XB_XML_NAME_TOO_LONG,  /* name over 64 bytes (XB-XML-26) */
  XB_XML_TOO_MANY_ATTRS, /* a 17th attribute (XB-XML-27) */
  XB_XML_DUP_ATTR,       /* same attribute name twice on one element (XB-XML-27) */
  XB_XML_BAD_ATTR,       /* missing '=' or quote, unterminated value, no blank between
                            attributes (XB-XML-27) */
  XB_XML_LT_IN_ATTR,     /* '<' inside an attribute value (XB-XML-24) */
  XB_XML_CDATA_END,      /* "]]>" in text (XB-XML-24) */
  XB_XML_TOO_DEEP,       /* a start tag at depth 33 (XB-XML-28) */
  XB_XML_MISMATCH,       /* end tag naming another element than the open one (XB-XML-29) */
  XB_XML_UNCLOSED,       /* payload ends inside an element (XB-XML-29) */
  XB_XML_STRAY_END,      /* end tag with no element open (XB-XML-29) */
  XB_XML_TEXT_OUTSIDE,   /* non-blank text before or after the root (XB-XML-29) */
  XB_XML_SECOND_ROOT,    /* another element after the root (XB-XML-29) */
  XB_XML_SYNTAX,         /* any other malformed markup (truncated tag, "<!x", "< a") */
  XB_XML_TOO_MANY_NODES, /* the node array (cap) is full */
  XB_XML_BAD_ARGUMENT    /* in == NULL with len > 0 */
} xb_xml_status;

/*
 * One node. Spans are [off, off + len) in the input.
 *   ELEMENT: off/len = qualified name in the start tag; voff = offset of its '<';
 *            vlen = bytes from that '<' to the end of its end tag (or of "/>").
 *   ATTR:    off/len = qualified name; voff/vlen = raw value between the quotes.
 *   TEXT:    off/len = voff/vlen = raw character data (references not decoded).
 */
typedef struct {
  size_t off;
  size_t len;
  size_t voff;
  size_t vlen;
  size_t parent; /* the element this node belongs to; XB_XML_NONE for the root */
  size_t next;   /* one past this node's subtree (attributes and text: index + 1) */
  /* 16 bits rather than 8: no node field shares a C type with the input bytes, which
   * keeps the proof's memory model from having to separate them at every read */
  uint16_t type;  /* XB_XML_ELEMENT, XB_XML_ATTR or XB_XML_TEXT */
  uint16_t depth; /* root 1; every other node its parent's depth + 1 */
} xb_xml_node;

typedef struct {
  xb_xml_status status;
  size_t nnodes;   /* nodes written (all of them on XB_XML_OK) */
  size_t err_off;  /* non-OK: byte offset of the offending construct (len if truncated) */
  size_t err_node; /* MISMATCH, UNCLOSED: index of the open element; else XB_XML_NONE */
} xb_xml_result;

/*@ // ----------------------------------------------------------- logic (ACSL)
  // The structural invariant of a node array for an input of len bytes: spans inside
  // the input, the root first, parents before their nodes and always elements, depth
  // one more than the parent's and within the limit for elements, subtrees ending in
  // range.
  predicate xb_xml_nodes_ok{L}(xb_xml_node *t, integer n, integer len) =
    \forall integer i; 0 <= i < n ==>
         XB_XML_ELEMENT <= t[i].type <= XB_XML_TEXT
      && t[i].off < len && t[i].off + t[i].len <= len
      && t[i].voff + t[i].vlen <= len
      && i < t[i].next <= n
      && 1 <= t[i].depth <= XB_XML_MAX_DEPTH + 1
      && (i == 0 ==> t[i].parent == XB_XML_NONE && t[i].depth == 1
                     && t[i].type == XB_XML_ELEMENT)
      && (i > 0 ==> t[i].parent < i && t[t[i].parent].type == XB_XML_ELEMENT
                    && t[i].depth == t[t[i].parent].depth + 1)
      && (t[i].type == XB_XML_ELEMENT ==> t[i].depth <= XB_XML_MAX_DEPTH);
*/

/*
 * Parse in[0 .. len-1] into nodes[0 .. cap-1] (cap >= XB_XML_MAX_NODES(len) is always
 * enough). Returns the status, also stored in *res (if res != NULL) with the node count
 * and the error position. Encoding errors (XB_XML_BAD_UTF8, XB_XML_BAD_CHAR) are found
 * by a first pass over the whole payload and so are reported before any markup error;
 * every other error is the first in document order. Cost: linear in len, plus the
 * duplicate-attribute check (at most 120 name comparisons per element).
 * XB-XML-31: no I/O, no allocation, terminates on every input.
 */
xb_xml_status xb_xml_parse(const uint8_t *in, size_t len, xb_xml_node *nodes, size_t cap,
                           xb_xml_result *res);

/* Short English reason of a status ("mismatched end tag", ...), never NULL. */
const char *xb_xml_status_str(xb_xml_status status);

/*
 * 1-based line and column of byte offset off (clamped to len): lines end at LF, CR LF
 * or a lone CR (XB-XML-25); the column counts characters (UTF-8 lead bytes), not bytes.
 */
void xb_xml_line_col(const uint8_t *in, size_t len, size_t off, size_t *line, size_t *col);

/* Index one past the subtree of node i; n if i is out of range or inconsistent. */
size_t xb_xml_skip(const xb_xml_node *nodes, size_t n, size_t i);

/*
 * True when node is an element or attribute whose local name (XB-XML-30: the part after
 * the ':', or the whole name) is exactly name[0 .. namelen-1].
 */
bool xb_xml_name_is(const uint8_t *in, size_t len, const xb_xml_node *node,
                    const char *name, size_t namelen);

/*
 * The next child element of element `parent` after node `after` (pass after == parent
 * for the first child) whose local name is name[0 .. namelen-1]; name == NULL matches
 * any element. XB_XML_NONE when there is none or the arguments are inconsistent.
 */
size_t xb_xml_child(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                    size_t parent, size_t after, const char *name, size_t namelen);

/* Number of child elements of `parent` with that local name (name == NULL: all). */
size_t xb_xml_count_children(const uint8_t *in, size_t len, const xb_xml_node *nodes,
                             size_t n, size_t parent, const char *name, size_t namelen);

/*
 * The attribute of element `elem` whose local name is name[0 .. namelen-1], or
 * XB_XML_NONE. Namespace declarations (`xmlns`, `xmlns:*`) never match a local name;
 * name "xmlns" finds the attribute named exactly `xmlns` (XB-XML-30, XB-XML-35).
 */
size_t xb_xml_attr(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                   size_t elem, const char *name, size_t namelen);

/*
 * Decoded value of a TEXT or ATTR node: references replaced, line ends normalized
 * (CR LF and CR become LF), and in attributes TAB, LF and CR become a space
 * (XB-XML-23, XB-XML-25). No trimming (XB-RES-2 is the caller's).
 * xb_xml_value_size: its size, never more than node->vlen; 0 for another node type or a
 * node inconsistent with the input. xb_xml_value_decode: writes it into out[0 .. cap-1]
 * and returns true with *written set when it fits; otherwise returns false with
 * *written = 0 (out may be partly written).
 */
size_t xb_xml_value_size(const uint8_t *in, size_t len, const xb_xml_node *node);
bool xb_xml_value_decode(const uint8_t *in, size_t len, const xb_xml_node *node,
                         uint8_t *out, size_t cap, size_t *written);

/*
 * The text of element `elem`: its direct TEXT children decoded and concatenated (text
 * inside child elements is not included). Size never more than the element's span.
 */
size_t xb_xml_text_size(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                        size_t elem);
bool xb_xml_text_decode(const uint8_t *in, size_t len, const xb_xml_node *nodes, size_t n,
                        size_t elem, uint8_t *out, size_t cap, size_t *written);

#endif
