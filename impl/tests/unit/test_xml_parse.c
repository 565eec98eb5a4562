/*
 * The restricted XML parser (xb_xml_parse) against spec/xml.md §4: what it must accept
 * and what it must refuse. Expected verdicts come from the spec (and XML 1.0 where the
 * spec refers to it), never from the implementation.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_xml.h"

#define NODES 4096
static xb_xml_node g_nodes[NODES];
static xb_xml_result g_res;

static xb_xml_status parse_n(const void *s, size_t len) {
  memset(&g_res, 0xEE, sizeof g_res);
  xb_xml_status st = xb_xml_parse((const uint8_t *)s, len, g_nodes, NODES, &g_res);
  ck_assert_int_eq(st, g_res.status);
  ck_assert_uint_le(g_res.nnodes, NODES);
  ck_assert_uint_le(g_res.err_off, len);
  return st;
}

static xb_xml_status parse(const char *s) { return parse_n(s, strlen(s)); }

#define ACCEPT(s) ck_assert_msg(parse(s) == XB_XML_OK, "refused (%s at %zu): %s", \
                                xb_xml_status_str(g_res.status), g_res.err_off, s)
#define REFUSE(s, want) do { \
    xb_xml_status got_ = parse(s); \
    ck_assert_msg(got_ == (want), "%s: got %s, want %s", s, xb_xml_status_str(got_), \
                  xb_xml_status_str(want)); \
  } while (0)

/* A document nested d levels deep: <e><e>...</e></e>. */
static char *nested(unsigned d) {
  char *s = malloc((size_t)d * 7u + 1u);
  ck_assert_ptr_nonnull(s);
  size_t k = 0;
  for (unsigned i = 0; i < d; i++) { memcpy(s + k, "<e>", 3); k += 3; }
  for (unsigned i = 0; i < d; i++) { memcpy(s + k, "</e>", 4); k += 4; }
  s[k] = 0;
  return s;
}

/* ------------------------------------------------------------------ XB-XML-19 */

START_TEST(utf8_text_and_bom_accepted_XB_XML_19)
{
  ACCEPT("<eeml><environment><title>Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80</title>"
         "</environment></eeml>");
  ACCEPT("\xEF\xBB\xBF<eeml/>");
  ACCEPT("\xEF\xBB\xBF<?xml version=\"1.0\"?><eeml/>");
  ck_assert_uint_eq(g_nodes[0].off, 25); /* spans count the byte order mark */
}
END_TEST

START_TEST(ill_formed_utf8_refused_XB_XML_19)
{
  /* spec/xml.md: a Latin-1 byte in text */
  REFUSE("<eeml><environment><title>Caf\xE9</title></environment></eeml>", XB_XML_BAD_UTF8);
  ck_assert_uint_eq(g_res.err_off, 29);
  REFUSE("<a>\xC0\x80</a>", XB_XML_BAD_UTF8);         /* overlong NUL */
  REFUSE("<a>\xE0\x80\xAF</a>", XB_XML_BAD_UTF8);     /* overlong '/' */
  REFUSE("<a>\xED\xA0\x80</a>", XB_XML_BAD_UTF8);     /* encoded surrogate U+D800 */
  REFUSE("<a>\xF4\x90\x80\x80</a>", XB_XML_BAD_UTF8); /* U+110000 */
  REFUSE("<a>\xF5\x80\x80\x80</a>", XB_XML_BAD_UTF8);
  REFUSE("<a>\xC3</a>", XB_XML_BAD_UTF8);             /* truncated sequence */
  REFUSE("<a>x</a>\xE2\x82", XB_XML_BAD_UTF8);        /* truncated at the end */
  REFUSE("<a>\x80</a>", XB_XML_BAD_UTF8);             /* lone continuation byte */
  /* even where nothing is used: in a comment, and in an attribute that is ignored */
  REFUSE("<a><!-- \xFF --></a>", XB_XML_BAD_UTF8);
  REFUSE("<a unknown=\"\xFE\"/>", XB_XML_BAD_UTF8);
  REFUSE("\xFE\xFF<a/>", XB_XML_BAD_UTF8);              /* UTF-16 byte order mark */
  ck_assert_int_eq(parse_n("<\0a/>", 5), XB_XML_BAD_CHAR); /* NUL */
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-20 */

START_TEST(declaration_forms_accepted_XB_XML_20)
{
  ACCEPT("<?xml version=\"1.0\"?><eeml/>");
  ACCEPT("<?xml version='1.0'?><eeml/>");
  ACCEPT("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<eeml/>");
  ACCEPT("<?xml version='1.0' encoding='utf-8'?><eeml/>");
  ACCEPT("<?xml version=\"1.0\" encoding=\"Utf-8\" standalone=\"yes\"?><eeml/>");
  ACCEPT("<?xml version=\"1.0\" standalone='no' ?><eeml/>");
  ACCEPT("<?xml  version = \"1.0\"\tencoding\n=\r\n'UTF-8'  ?><eeml/>");
  ACCEPT("<eeml/>"); /* optional */
}
END_TEST

START_TEST(bad_or_misplaced_declaration_refused_XB_XML_20)
{
  REFUSE("<?xml version=\"1.1\"?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<?xml version=\"1.0\" encoding=\"UTF-16\"?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<?xml encoding=\"UTF-8\"?><eeml/>", XB_XML_BAD_DECL);     /* version first */
  REFUSE("<?xml?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<?xml version=\"1.0\" standalone=\"maybe\"?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<?xml version=\"1.0'?><eeml/>", XB_XML_BAD_DECL);          /* quotes differ */
  REFUSE("<?xml version=\"1.0\"encoding=\"UTF-8\"?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><eeml/>",
         XB_XML_BAD_DECL);                                            /* order fixed */
  REFUSE("<?xml version=\"1.0\" foo=\"1\"?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<?xml version=\"1.0\"", XB_XML_BAD_DECL);                  /* truncated */
  /* elsewhere than first */
  REFUSE(" <?xml version=\"1.0\"?><eeml/>", XB_XML_BAD_DECL);
  ck_assert_uint_eq(g_res.err_off, 1);
  REFUSE("<!-- c --><?xml version=\"1.0\"?><eeml/>", XB_XML_BAD_DECL);
  REFUSE("<eeml><?xml version=\"1.0\"?></eeml>", XB_XML_BAD_DECL);
  REFUSE("<?xml version=\"1.0\"?><?xml version=\"1.0\"?><eeml/>", XB_XML_BAD_DECL);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-21 */

START_TEST(doctype_refused_XB_XML_21)
{
  REFUSE("<!DOCTYPE eeml [<!ENTITY a \"aaaa\">]><eeml/>", XB_XML_DOCTYPE);
  ck_assert_uint_eq(g_res.err_off, 0);
  REFUSE("<?xml version=\"1.0\"?>\n<!DOCTYPE eeml><eeml/>", XB_XML_DOCTYPE);
  ck_assert_uint_eq(g_res.err_off, 22);
  REFUSE("<eeml><!DOCTYPE eeml></eeml>", XB_XML_DOCTYPE);
}
END_TEST

START_TEST(entity_loop_refused_without_expansion_XB_XML_21)
{
  /* "billion laughs": refused at the DOCTYPE, and the references alone are unknown */
  const char *lol =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    "]>\n"
    "<lolz>&lol3;</lolz>";
  REFUSE(lol, XB_XML_DOCTYPE);
  REFUSE("<lolz>&lol3;</lolz>", XB_XML_BAD_REF);
  /* a self-referencing loop */
  REFUSE("<!DOCTYPE a [<!ENTITY a \"&a;\">]><a>&a;</a>", XB_XML_DOCTYPE);
}
END_TEST

START_TEST(external_entity_refused_XB_XML_21)
{
  REFUSE("<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><foo>&xxe;</foo>",
         XB_XML_DOCTYPE);
  REFUSE("<!DOCTYPE eeml SYSTEM \"http://example.org/eeml.dtd\"><eeml/>", XB_XML_DOCTYPE);
  REFUSE("<!DOCTYPE eeml PUBLIC \"-//X//Y\" \"http://example.org/x.dtd\"><eeml/>",
         XB_XML_DOCTYPE);
  REFUSE("<foo>&xxe;</foo>", XB_XML_BAD_REF);
}
END_TEST

START_TEST(cdata_and_processing_instructions_refused_XB_XML_21)
{
  REFUSE("<eeml><![CDATA[x]]></eeml>", XB_XML_CDATA);
  ck_assert_uint_eq(g_res.err_off, 6);
  REFUSE("<![CDATA[x]]><eeml/>", XB_XML_CDATA);
  REFUSE("<eeml><?php echo 1; ?></eeml>", XB_XML_PI);
  REFUSE("<?xml-stylesheet href=\"a.xsl\"?><eeml/>", XB_XML_PI);
  REFUSE("<eeml/><?pi?>", XB_XML_PI);
  REFUSE("<?XML version=\"1.0\"?><eeml/>", XB_XML_PI); /* XML is case-sensitive */
  REFUSE("<eeml><!ELEMENT x ANY></eeml>", XB_XML_SYNTAX);
  REFUSE("<eeml><!doctype eeml></eeml>", XB_XML_SYNTAX);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-22 */

START_TEST(comments_anywhere_skipped_XB_XML_22)
{
  ACCEPT("<?xml version=\"1.0\"?><!-- before --><eeml><!-- inside -->"
         "<environment><!----></environment></eeml><!-- after -->\n");
  ck_assert_uint_eq(g_res.nnodes, 2); /* comments make no nodes */
  ACCEPT("<a><!-- - single dashes - are fine - --></a>");
  ACCEPT("<a><!-- <b> & < are not markup here --></a>");
}
END_TEST

START_TEST(bad_comments_refused_XB_XML_22)
{
  REFUSE("<a><!-- a -- b --></a>", XB_XML_BAD_COMMENT);
  ck_assert_uint_eq(g_res.err_off, 10);
  REFUSE("<a><!-- x ---></a>", XB_XML_BAD_COMMENT);
  REFUSE("<a><!-- never closed </a>", XB_XML_BAD_COMMENT);
  REFUSE("<a><!---></a>", XB_XML_BAD_COMMENT);
  REFUSE("<!-- x", XB_XML_BAD_COMMENT);
  REFUSE("<a><!- x --></a>", XB_XML_SYNTAX);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-23 */

START_TEST(predefined_and_character_references_accepted_XB_XML_23)
{
  ACCEPT("<a b=\"&amp;&lt;&gt;&quot;&apos;\">&amp;&lt;&gt;&quot;&apos;</a>");
  ACCEPT("<a>&#65;&#x41;&#x4a;&#x4A;&#0065;&#9;&#10;&#13;&#x20;</a>");
  ACCEPT("<a>&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;&#1114111;</a>");
}
END_TEST

START_TEST(other_references_refused_XB_XML_23)
{
  REFUSE("<eeml>&a;</eeml>", XB_XML_BAD_REF); /* spec/xml.md: unknown entity */
  ck_assert_uint_eq(g_res.err_off, 6);
  REFUSE("<a>&nbsp;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&AMP;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&amp</a>", XB_XML_BAD_REF);        /* missing ';' */
  REFUSE("<a>a & b</a>", XB_XML_BAD_REF);       /* lone '&' */
  REFUSE("<a>&</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#x;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#X41;</a>", XB_XML_BAD_REF);      /* 'x' is lower case in XML */
  REFUSE("<a>&#x4G;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#65</a>", XB_XML_BAD_REF);
  REFUSE("<a>&# 65;</a>", XB_XML_BAD_REF);
  REFUSE("<eeml>&#0;</eeml>", XB_XML_BAD_REF);  /* spec/xml.md */
  REFUSE("<a>&#x0;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#1;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#x1F;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#xD800;</a>", XB_XML_BAD_REF);    /* surrogates */
  REFUSE("<a>&#xDFFF;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#55296;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#xFFFE;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#xFFFF;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#x110000;</a>", XB_XML_BAD_REF);  /* above U+10FFFF */
  REFUSE("<a>&#1114112;</a>", XB_XML_BAD_REF);
  REFUSE("<a>&#99999999999999999999999999;</a>", XB_XML_BAD_REF); /* no wrap-around */
  REFUSE("<a>&#x100000000000041;</a>", XB_XML_BAD_REF);
  REFUSE("<a b=\"&c;\"/>", XB_XML_BAD_REF);
  REFUSE("<a b=\"x & y\"/>", XB_XML_BAD_REF);
  REFUSE("<a b=\"&#0;\"/>", XB_XML_BAD_REF);
  REFUSE("&amp;<a/>", XB_XML_TEXT_OUTSIDE);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-24 */

START_TEST(non_chars_refused_XB_XML_24)
{
  static const char *const bad[] = {
    "<a>\x01</a>", "<a>\x08</a>", "<a>\x0B</a>", "<a>\x0C</a>", "<a>\x1F</a>",
    "<a b=\"\x02\"/>", "<a>\xEF\xBF\xBE</a>", "<a>\xEF\xBF\xBF</a>", "<a/>\x7F\x01",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    REFUSE(bad[i], XB_XML_BAD_CHAR);
  }
  /* the neighbours are Chars */
  ACCEPT("<a>\t\n\r \x7F\xEF\xBF\xBD\xEF\xBF\xBB</a>");
}
END_TEST

START_TEST(lt_in_attribute_and_cdata_end_in_text_refused_XB_XML_24)
{
  REFUSE("<a b=\"1<2\"/>", XB_XML_LT_IN_ATTR);
  ck_assert_uint_eq(g_res.err_off, 7);
  REFUSE("<a b='<'/>", XB_XML_LT_IN_ATTR);
  REFUSE("<a>x]]>y</a>", XB_XML_CDATA_END);
  ck_assert_uint_eq(g_res.err_off, 4);
  ACCEPT("<a b=\"1>2\">x]]y]>z>a</a>"); /* '>' and lone ']' are text */
  ACCEPT("<a b=\"&lt;\">]]&gt;</a>");
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-26 */

START_TEST(names_XB_XML_26)
{
  ACCEPT("<eeml:data xmlns:eeml=\"x\" a.b-c_d=\"1\" _x=\"2\" p:q=\"3\"></eeml:data>");
  ACCEPT("<_a1.-/>");
  char name[80];
  memset(name, 'n', 64);
  char doc[256];
  snprintf(doc, sizeof doc, "<%.*s/>", 64, name);
  ACCEPT(doc);
  snprintf(doc, sizeof doc, "<%.*s/>", 65, (memset(name, 'n', 65), name));
  REFUSE(doc, XB_XML_NAME_TOO_LONG);
  snprintf(doc, sizeof doc, "<a %.*s=\"1\"/>", 64, name);
  ACCEPT(doc);
  snprintf(doc, sizeof doc, "<a %.*s=\"1\"/>", 65, name);
  REFUSE(doc, XB_XML_NAME_TOO_LONG);
  snprintf(doc, sizeof doc, "<a></%.*s>", 65, name);
  REFUSE(doc, XB_XML_NAME_TOO_LONG);
  REFUSE("<1a/>", XB_XML_BAD_NAME);
  REFUSE("<-a/>", XB_XML_BAD_NAME);
  REFUSE("<.a/>", XB_XML_BAD_NAME);
  REFUSE("<:a/>", XB_XML_BAD_NAME);
  REFUSE("<a:/>", XB_XML_BAD_NAME);
  REFUSE("<a:b:c/>", XB_XML_BAD_NAME);
  REFUSE("<caf\xC3\xA9/>", XB_XML_BAD_NAME);  /* ASCII only */
  REFUSE("<a \xC3\xA9=\"1\"/>", XB_XML_BAD_NAME);
  REFUSE("<a 1b=\"1\"/>", XB_XML_BAD_NAME);
  REFUSE("<a a:=\"1\"/>", XB_XML_BAD_NAME);
  REFUSE("< a/>", XB_XML_BAD_NAME);
  REFUSE("<a$/>", XB_XML_BAD_NAME);
  REFUSE("<a></ a>", XB_XML_BAD_NAME);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-27 */

START_TEST(attribute_count_XB_XML_27)
{
  char doc[512];
  size_t k = (size_t)snprintf(doc, sizeof doc, "<a");
  for (int i = 0; i < 16; i++) k += (size_t)snprintf(doc + k, sizeof doc - k, " a%d=\"%d\"", i, i);
  snprintf(doc + k, sizeof doc - k, "/>");
  ACCEPT(doc);
  ck_assert_uint_eq(g_res.nnodes, 17);
  k = (size_t)snprintf(doc, sizeof doc, "<a");
  for (int i = 0; i < 17; i++) k += (size_t)snprintf(doc + k, sizeof doc - k, " a%d=\"%d\"", i, i);
  snprintf(doc + k, sizeof doc - k, "/>");
  REFUSE(doc, XB_XML_TOO_MANY_ATTRS);
  /* the limit is per element */
  k = (size_t)snprintf(doc, sizeof doc, "<a");
  for (int i = 0; i < 16; i++) k += (size_t)snprintf(doc + k, sizeof doc - k, " a%d=''", i);
  k += (size_t)snprintf(doc + k, sizeof doc - k, "><b");
  for (int i = 0; i < 16; i++) k += (size_t)snprintf(doc + k, sizeof doc - k, " b%d=''", i);
  snprintf(doc + k, sizeof doc - k, "/></a>");
  ACCEPT(doc);
}
END_TEST

START_TEST(malformed_attributes_refused_XB_XML_27)
{
  REFUSE("<eeml a=\"1\" a=\"2\"/>", XB_XML_DUP_ATTR); /* spec/xml.md */
  ck_assert_uint_eq(g_res.err_off, 12);
  REFUSE("<a x:b=\"1\" c=\"\" x:b='2'/>", XB_XML_DUP_ATTR);
  ACCEPT("<a x:b=\"1\" y:b=\"2\" b=\"3\"/>"); /* names differ (prefix included) */
  REFUSE("<a b/>", XB_XML_BAD_ATTR);          /* missing = */
  REFUSE("<a b \"1\"/>", XB_XML_BAD_ATTR);
  REFUSE("<a b=1/>", XB_XML_BAD_ATTR);        /* missing quote */
  REFUSE("<a b=/>", XB_XML_BAD_ATTR);
  REFUSE("<a b=\"1/>", XB_XML_BAD_ATTR);      /* unterminated: runs to the end */
  REFUSE("<a b=\"1'/>", XB_XML_BAD_ATTR);
  REFUSE("<a b=\"1\"c=\"2\"/>", XB_XML_BAD_ATTR); /* no whitespace between */
  ck_assert_uint_eq(g_res.err_off, 8);
  ACCEPT("<a b = '1'\n\tc=\"2\" />");
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-28 */

START_TEST(depth_limit_XB_XML_28)
{
  char *ok = nested(32);
  ACCEPT(ok);
  ck_assert_uint_eq(g_nodes[31].depth, 32);
  free(ok);
  char *bad = nested(33);
  REFUSE(bad, XB_XML_TOO_DEEP);
  ck_assert_uint_eq(g_res.err_off, 32u * 3u); /* the 33rd start tag */
  free(bad);
  /* self-closed at 33 is a start tag at depth 33 too */
  char *n32 = nested(32);
  char doc[400];
  snprintf(doc, sizeof doc, "%.*s<x/>%s", 96, n32, n32 + 96);
  REFUSE(doc, XB_XML_TOO_DEEP);
  free(n32);
  /* depth counts open elements, not elements seen */
  char flat[2000];
  size_t k = (size_t)snprintf(flat, sizeof flat, "<r>");
  for (int i = 0; i < 100; i++) k += (size_t)snprintf(flat + k, sizeof flat - k, "<e></e>");
  snprintf(flat + k, sizeof flat - k, "</r>");
  ACCEPT(flat);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-29 */

START_TEST(mismatched_tags_refused_XB_XML_29)
{
  REFUSE("<eeml><environment></eeml>", XB_XML_MISMATCH); /* spec/xml.md */
  ck_assert_uint_eq(g_res.err_off, 19);
  ck_assert_uint_eq(g_res.err_node, 1);
  REFUSE("<a><b></a></b>", XB_XML_MISMATCH);
  REFUSE("<a></A>", XB_XML_MISMATCH);
  REFUSE("<a></ab>", XB_XML_MISMATCH);
  REFUSE("<ab></a>", XB_XML_MISMATCH);
  REFUSE("<x:a></y:a>", XB_XML_MISMATCH);   /* prefix included */
  REFUSE("<x:a></a>", XB_XML_MISMATCH);
  ACCEPT("<x:a></x:a >");
  REFUSE("<a></a x>", XB_XML_SYNTAX);
}
END_TEST

START_TEST(unclosed_and_stray_refused_XB_XML_29)
{
  REFUSE("<eeml><environment>", XB_XML_UNCLOSED);
  ck_assert_uint_eq(g_res.err_off, 19);
  ck_assert_uint_eq(g_res.err_node, 1);
  REFUSE("<a>text", XB_XML_UNCLOSED);
  REFUSE("<a", XB_XML_SYNTAX);
  REFUSE("<a b=\"1\"", XB_XML_SYNTAX);
  REFUSE("<a></a", XB_XML_SYNTAX);
  REFUSE("<a/", XB_XML_SYNTAX);
  REFUSE("<", XB_XML_SYNTAX);
  REFUSE("<a><", XB_XML_SYNTAX);
  REFUSE("</a>", XB_XML_STRAY_END);
  REFUSE("<a/></a>", XB_XML_STRAY_END);
}
END_TEST

START_TEST(text_outside_root_refused_XB_XML_29)
{
  REFUSE("x<a/>", XB_XML_TEXT_OUTSIDE);
  ck_assert_uint_eq(g_res.err_off, 0);
  REFUSE("<a/>x", XB_XML_TEXT_OUTSIDE);
  REFUSE("<a/>\n  .", XB_XML_TEXT_OUTSIDE);
  REFUSE("\xC2\xA0<a/>", XB_XML_TEXT_OUTSIDE); /* NBSP is not XML whitespace */
  ACCEPT(" \t\r\n<a/> \t\r\n");
  ACCEPT("<a/>\n<!-- c -->\n");
}
END_TEST

START_TEST(second_root_refused_XB_XML_29)
{
  REFUSE("<a/><b/>", XB_XML_SECOND_ROOT);
  ck_assert_uint_eq(g_res.err_off, 4);
  REFUSE("<a></a><a></a>", XB_XML_SECOND_ROOT);
  REFUSE("<eeml/>\n<eeml/>", XB_XML_SECOND_ROOT);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-32, XB-RES-22 */

START_TEST(empty_payload_refused_XB_XML_32)
{
  ck_assert_int_eq(parse_n("", 0), XB_XML_EMPTY);
  REFUSE(" \r\n\t", XB_XML_EMPTY);
  REFUSE("<!-- nothing -->", XB_XML_EMPTY);
  REFUSE("<?xml version=\"1.0\"?>", XB_XML_EMPTY);
  REFUSE("\xEF\xBB\xBF", XB_XML_EMPTY);
  ck_assert_int_eq(xb_xml_parse(NULL, 0, g_nodes, NODES, NULL), XB_XML_EMPTY);
}
END_TEST

/* ------------------------------------------------------------------ XB-XML-31 */

START_TEST(bounded_memory_and_arguments_XB_XML_31)
{
  const char *doc = "<eeml><environment><data id=\"0\"/></environment></eeml>";
  size_t len = strlen(doc);
  xb_xml_node few[3];
  xb_xml_result r;
  ck_assert_int_eq(xb_xml_parse((const uint8_t *)doc, len, few, 3, &r),
                   XB_XML_TOO_MANY_NODES);
  ck_assert_uint_eq(r.nnodes, 3);
  xb_xml_node four[4];
  ck_assert_int_eq(xb_xml_parse((const uint8_t *)doc, len, four, 4, &r), XB_XML_OK);
  ck_assert_uint_eq(r.nnodes, 4);
  ck_assert_int_eq(xb_xml_parse((const uint8_t *)doc, len, NULL, 100, &r),
                   XB_XML_TOO_MANY_NODES);
  ck_assert_int_eq(xb_xml_parse(NULL, 5, g_nodes, NODES, &r), XB_XML_BAD_ARGUMENT);
  ck_assert_int_eq(xb_xml_parse((const uint8_t *)doc, len, g_nodes, NODES, NULL),
                   XB_XML_OK);
  /* the node bound of the header holds for the densest documents */
  static char dense[8192];
  size_t k = (size_t)snprintf(dense, sizeof dense, "<a");
  for (int i = 0; i < 16; i++) k += (size_t)snprintf(dense + k, sizeof dense - k, " %c=\"\"", 'a' + i);
  k += (size_t)snprintf(dense + k, sizeof dense - k, ">");
  while (k < sizeof dense - 16) k += (size_t)snprintf(dense + k, sizeof dense - k, "x<b/>");
  k += (size_t)snprintf(dense + k, sizeof dense - k, "</a>");
  ck_assert_int_eq(parse_n(dense, k), XB_XML_OK);
  ck_assert_uint_le(g_res.nnodes, XB_XML_MAX_NODES(k));
  ck_assert_int_eq(xb_xml_parse((const uint8_t *)dense, k, g_nodes, XB_XML_MAX_NODES(k), &r),
                   XB_XML_OK);
}
END_TEST

START_TEST(structure_of_nodes_XB_XML_29)
{
  const char *doc = "<a x=\"1\">t<b y='2'/><!--c-->u<c>v</c></a>";
  ACCEPT(doc);
  ck_assert_uint_eq(g_res.nnodes, 8);
  static const uint8_t type[] = {XB_XML_ELEMENT, XB_XML_ATTR, XB_XML_TEXT, XB_XML_ELEMENT,
                                 XB_XML_ATTR, XB_XML_TEXT, XB_XML_ELEMENT, XB_XML_TEXT};
  static const size_t parent[] = {XB_XML_NONE, 0, 0, 0, 3, 0, 0, 6};
  static const size_t next[] = {8, 2, 3, 5, 5, 6, 8, 8};
  static const uint8_t depth[] = {1, 2, 2, 2, 3, 2, 2, 3};
  for (size_t i = 0; i < 8; i++) {
    ck_assert_uint_eq(g_nodes[i].type, type[i]);
    ck_assert_uint_eq(g_nodes[i].parent, parent[i]);
    ck_assert_uint_eq(g_nodes[i].next, next[i]);
    ck_assert_uint_eq(g_nodes[i].depth, depth[i]);
  }
  /* the whole-element span of <b y='2'/> and of the root */
  ck_assert_uint_eq(g_nodes[3].voff, 10);
  ck_assert_uint_eq(g_nodes[3].vlen, 10);
  ck_assert_uint_eq(g_nodes[0].voff, 0);
  ck_assert_uint_eq(g_nodes[0].vlen, strlen(doc));
  ck_assert_uint_eq(g_nodes[1].voff, 6);
  ck_assert_uint_eq(g_nodes[1].vlen, 1);
  ck_assert_uint_eq(g_nodes[2].off, 9);
  ck_assert_uint_eq(g_nodes[2].len, 1);
}
END_TEST

START_TEST(error_position_line_and_column_XB_XML_18)
{
  /* the XB-XML-18 example: "line 3, column 7: end tag </data> ... <environment>" */
  const char *doc = "<eeml>\r\n  <environment>\n  \xC3\xA9 </data>\n</eeml>";
  REFUSE(doc, XB_XML_MISMATCH);
  size_t line = 0, col = 0;
  xb_xml_line_col((const uint8_t *)doc, strlen(doc), g_res.err_off, &line, &col);
  ck_assert_uint_eq(line, 3);
  ck_assert_uint_eq(col, 5); /* "  é " : the 'é' counts once */
  ck_assert_uint_eq(g_nodes[g_res.err_node].len, 11); /* environment */
  const char *cr = "<a>\r\r<b>";
  xb_xml_line_col((const uint8_t *)cr, strlen(cr), 5, &line, &col);
  ck_assert_uint_eq(line, 3);
  ck_assert_uint_eq(col, 1);
  xb_xml_line_col((const uint8_t *)cr, strlen(cr), 1000, &line, &col); /* clamped */
  ck_assert_uint_eq(line, 3);
  ck_assert_uint_eq(col, 4);
  xb_xml_line_col(NULL, 0, 7, &line, &col);
  ck_assert_uint_eq(line, 1);
  ck_assert_uint_eq(col, 1);
  for (int s = XB_XML_OK; s <= XB_XML_BAD_ARGUMENT; s++) {
    ck_assert_ptr_nonnull(xb_xml_status_str((xb_xml_status)s));
  }
}
END_TEST

Suite *xb_suite_xml_parse(void);
Suite *xb_suite_xml_parse(void)
{
  Suite *s = suite_create("xml_parse");
  TCase *tc = tcase_create("xml_parse");
  tcase_add_test(tc, utf8_text_and_bom_accepted_XB_XML_19);
  tcase_add_test(tc, ill_formed_utf8_refused_XB_XML_19);
  tcase_add_test(tc, declaration_forms_accepted_XB_XML_20);
  tcase_add_test(tc, bad_or_misplaced_declaration_refused_XB_XML_20);
  tcase_add_test(tc, doctype_refused_XB_XML_21);
  tcase_add_test(tc, entity_loop_refused_without_expansion_XB_XML_21);
  tcase_add_test(tc, external_entity_refused_XB_XML_21);
  tcase_add_test(tc, cdata_and_processing_instructions_refused_XB_XML_21);
  tcase_add_test(tc, comments_anywhere_skipped_XB_XML_22);
  tcase_add_test(tc, bad_comments_refused_XB_XML_22);
  tcase_add_test(tc, predefined_and_character_references_accepted_XB_XML_23);
  tcase_add_test(tc, other_references_refused_XB_XML_23);
  tcase_add_test(tc, non_chars_refused_XB_XML_24);
  tcase_add_test(tc, lt_in_attribute_and_cdata_end_in_text_refused_XB_XML_24);
  tcase_add_test(tc, names_XB_XML_26);
  tcase_add_test(tc, attribute_count_XB_XML_27);
  tcase_add_test(tc, malformed_attributes_refused_XB_XML_27);
  tcase_add_test(tc, depth_limit_XB_XML_28);
  tcase_add_test(tc, mismatched_tags_refused_XB_XML_29);
  tcase_add_test(tc, unclosed_and_stray_refused_XB_XML_29);
  tcase_add_test(tc, text_outside_root_refused_XB_XML_29);
  tcase_add_test(tc, second_root_refused_XB_XML_29);
  tcase_add_test(tc, empty_payload_refused_XB_XML_32);
  tcase_add_test(tc, bounded_memory_and_arguments_XB_XML_31);
  tcase_add_test(tc, structure_of_nodes_XB_XML_29);
  tcase_add_test(tc, error_position_line_and_column_XB_XML_18);
  suite_add_tcase(s, tc);
  return s;
}
