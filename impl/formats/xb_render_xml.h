/*
 * xb_render_xml.h — the canonical XML renderer (spec/xml.md §1-§3): EEML 0.5.1 for the
 * feed family and the feed list, the key, trigger, user and error documents.
 */
#ifndef XB_RENDER_XML_H
#define XB_RENDER_XML_H

#include "api/xb_render.h"
#include "util/xb_buf.h"

extern const xb_renderer xb_render_xml;

/* Append s with the escapes of XB-XML-4 (text and attribute values alike). */
void xb_xml_put_escaped(xb_buf *b, const char *s, size_t n);

#endif
