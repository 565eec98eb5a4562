/*
 * Reading parsed XML: every write-document shape of spec/xml.md §5 and the facts file
 * §4 walked the way the engine walks it (children and attributes by local name, values
 * decoded), plus the decoding rules of spec/xml.md §4 and the accessors' robustness.
 * Expected values are read off the documents, never from the implementation.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "formats/xb_xml.h"

#define NODES 2048
static xb_xml_node N[NODES];
static const uint8_t *D;
static size_t DL;
static size_t NN;

/* Decoded strings live in a pool reset by each load(): nothing to free. */
static char pool[1 << 16];
static size_t pool_used;

static char *pool_get(size_t n) {
  ck_assert_uint_le(n + 1, sizeof pool - pool_used);
  char *p = pool + pool_used;
  pool_used += n + 1;
  return p;
}

static void load(const char *s) {
  pool_used = 0;
  D = (const uint8_t *)s;
  DL = strlen(s);
  xb_xml_result r;
  xb_xml_status st = xb_xml_parse(D, DL, N, NODES, &r);
  ck_assert_msg(st == XB_XML_OK, "%s at %zu", xb_xml_status_str(st), r.err_off);
  NN = r.nnodes;
}

/* Child element by local name: the first, or the one after `after`. */
static size_t ch(size_t parent, const char *name) {
  return xb_xml_child(D, DL, N, NN, parent, parent, name, strlen(name));
}
static size_t next_ch(size_t parent, size_t after, const char *name) {
  return xb_xml_child(D, DL, N, NN, parent, after, name, strlen(name));
}

/* Decoded text of an element, size first, NUL-terminated for comparison. */
static const char *text(size_t e) {
  ck_assert_uint_ne(e, XB_XML_NONE);
  size_t n = xb_xml_text_size(D, DL, N, NN, e);
  ck_assert_uint_ne(n, SIZE_MAX);
  ck_assert_uint_le(n, N[e].vlen);
  char *out = pool_get(n);
  size_t w = 99;
  ck_assert(xb_xml_text_decode(D, DL, N, NN, e, (uint8_t *)out, n, &w));
  ck_assert_uint_eq(w, n);
  out[n] = 0;
  return out;
}

/* Decoded value of an attribute, NULL when absent. */
static const char *attr(size_t e, const char *name) {
  size_t a = xb_xml_attr(D, DL, N, NN, e, name, strlen(name));
  if (a == XB_XML_NONE) return NULL;
  size_t n = xb_xml_value_size(D, DL, &N[a]);
  ck_assert_uint_le(n, N[a].vlen);
  char *out = pool_get(n);
  size_t w = 99;
  ck_assert(xb_xml_value_decode(D, DL, &N[a], (uint8_t *)out, n, &w));
  ck_assert_uint_eq(w, n);
  out[n] = 0;
  return out;
}

static size_t count(size_t parent, const char *name) {
  return xb_xml_count_children(D, DL, N, NN, parent, name, strlen(name));
}

START_TEST(minimal_datastream_write_XB_XML_39)
{
  /* spec/xml.md §5, first example; facts §4: namespace and version omitted */
  load("<eeml><environment><data id=\"0\"><current_value>22</current_value></data>"
       "</environment></eeml>");
  ck_assert(xb_xml_name_is(D, DL, &N[0], "eeml", 4));
  ck_assert_ptr_null(attr(0, "xmlns"));
  ck_assert_ptr_null(attr(0, "version"));
  size_t env = ch(0, "environment");
  size_t data = ch(env, "data");
  ck_assert_str_eq(attr(data, "id"), "0");
  size_t cv = ch(data, "current_value");
  ck_assert_str_eq(text(cv), "22");
  ck_assert_ptr_null(attr(cv, "at"));
  ck_assert_uint_eq(next_ch(env, data, "data"), XB_XML_NONE);
}
END_TEST

START_TEST(feed_update_with_several_datastreams_XB_XML_36)
{
  load("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<eeml xmlns=\"http://www.eeml.org/xsd/0.5.1\" version=\"0.5.1\">\n"
       "  <environment>\n"
       "    <title>Office</title>\n"
       "    <website/>\n"
       "    <private>false</private>\n"
       "    <data id=\"0\">\n"
       "      <tag>temperature</tag>\n"
       "      <current_value at=\"2013-04-23T12:34:56.100000Z\">21.5</current_value>\n"
       "      <max_value>30.0</max_value>\n"
       "      <min_value>12.0</min_value>\n"
       "      <unit type=\"derivedSI\" symbol=\"C\">Celsius</unit>\n"
       "    </data>\n"
       "    <data id=\"humidity\"><current_value>40</current_value></data>\n"
       "    <data id=\"temp\"/>\n"
       "  </environment>\n"
       "</eeml>");
  ck_assert_str_eq(attr(0, "xmlns"), "http://www.eeml.org/xsd/0.5.1");
  ck_assert_str_eq(attr(0, "version"), "0.5.1");
  size_t env = ch(0, "environment");
  ck_assert_uint_eq(count(0, "environment"), 1);
  ck_assert_str_eq(text(ch(env, "title")), "Office");
  ck_assert_str_eq(text(ch(env, "website")), ""); /* empty element: unset (XB-RES-4) */
  ck_assert_str_eq(text(ch(env, "private")), "false");
  ck_assert_uint_eq(count(env, "data"), 3);
  static const char *const ids[] = {"0", "humidity", "temp"};
  size_t d = env, i = 0;
  while ((d = next_ch(env, d, "data")) != XB_XML_NONE) {
    ck_assert_uint_lt(i, 3);
    ck_assert_str_eq(attr(d, "id"), ids[i]);
    i++;
  }
  ck_assert_uint_eq(i, 3);
  size_t d0 = ch(env, "data");
  size_t cv = ch(d0, "current_value");
  ck_assert_str_eq(text(cv), "21.5");
  ck_assert_str_eq(attr(cv, "at"), "2013-04-23T12:34:56.100000Z");
  ck_assert_str_eq(text(ch(d0, "tag")), "temperature");
  ck_assert_str_eq(text(ch(d0, "max_value")), "30.0");
  ck_assert_str_eq(text(ch(d0, "min_value")), "12.0");
  size_t unit = ch(d0, "unit");
  ck_assert_str_eq(text(unit), "Celsius");
  ck_assert_str_eq(attr(unit, "type"), "derivedSI");
  ck_assert_str_eq(attr(unit, "symbol"), "C");
  /* text of a container: only the blanks between its children */
  ck_assert_str_eq(text(d0), "\n      \n      \n      \n      \n      \n    ");
  size_t temp = next_ch(env, next_ch(env, d0, "data"), "data");
  ck_assert_uint_eq(ch(temp, "current_value"), XB_XML_NONE);
  ck_assert_uint_eq(xb_xml_child(D, DL, N, NN, temp, temp, NULL, 0), XB_XML_NONE);
}
END_TEST

START_TEST(spec_write_example_tags_location_datapoints_XB_XML_38)
{
  /* spec/xml.md §5, second example */
  load("<?xml version='1.0' encoding='utf-8'?>\n"
       "<!-- office sensors -->\n"
       "<eeml xmlns=\"http://www.eeml.org/xsd/0.5.1\" version=\"0.5.1\">\n"
       "  <environment id=\"504\">\n"
       "    <title>Office &amp; lab</title>\n"
       "    <tag>office</tag><tag>lab</tag>\n"
       "    <location exposure=\"indoor\"><lat>51.5</lat><lon>-0.08</lon></location>\n"
       "    <data id=\"humidity\">\n"
       "      <datapoints>\n"
       "        <value at=\"2013-04-23T12:00:00Z\">40</value>\n"
       "        <value at=\"2013-04-23T12:05:00Z\">41</value>\n"
       "      </datapoints>\n"
       "    </data>\n"
       "  </environment>\n"
       "</eeml>");
  size_t env = ch(0, "environment");
  ck_assert_str_eq(attr(env, "id"), "504");
  ck_assert_str_eq(text(ch(env, "title")), "Office & lab");
  size_t t1 = ch(env, "tag");
  size_t t2 = next_ch(env, t1, "tag");
  ck_assert_str_eq(text(t1), "office");
  ck_assert_str_eq(text(t2), "lab");
  ck_assert_uint_eq(next_ch(env, t2, "tag"), XB_XML_NONE);
  size_t loc = ch(env, "location");
  ck_assert_str_eq(attr(loc, "exposure"), "indoor");
  ck_assert_ptr_null(attr(loc, "domain"));
  ck_assert_str_eq(text(ch(loc, "lat")), "51.5");
  ck_assert_str_eq(text(ch(loc, "lon")), "-0.08");
  ck_assert_uint_eq(ch(loc, "ele"), XB_XML_NONE);
  size_t dps = ch(ch(env, "data"), "datapoints");
  ck_assert_uint_eq(count(dps, "value"), 2);
  size_t v1 = ch(dps, "value");
  size_t v2 = next_ch(dps, v1, "value");
  ck_assert_str_eq(attr(v1, "at"), "2013-04-23T12:00:00Z");
  ck_assert_str_eq(text(v1), "40");
  ck_assert_str_eq(attr(v2, "at"), "2013-04-23T12:05:00Z");
  ck_assert_str_eq(text(v2), "41");
}
END_TEST

START_TEST(read_document_parses_back_XB_XML_44)
{
  /* spec/xml.md §2.1 feed read, published back unchanged */
  load("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<eeml xmlns=\"http://www.eeml.org/xsd/0.5.1\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"0.5.1\" "
       "xsi:schemaLocation=\"http://www.eeml.org/xsd/0.5.1 "
       "http://www.eeml.org/xsd/0.5.1/0.5.1.xsd\">\n"
       "  <environment updated=\"2013-04-23T12:34:56.123456Z\" "
       "created=\"2012-01-01T00:00:00.000000Z\" id=\"504\" "
       "creator=\"https://xively.com/users/someone\">\n"
       "    <title>Van &amp; trailer</title>\n"
       "    <feed>https://api.xively.com/v2/feeds/505.xml</feed>\n"
       "    <status>frozen</status>\n"
       "    <private>true</private>\n"
       "    <location domain=\"physical\" exposure=\"\" disposition=\"mobile\">\n"
       "      <lat>51.52</lat>\n"
       "      <lon>-0.1</lon>\n"
       "      <waypoints>\n"
       "        <waypoint at=\"2013-04-23T08:00:00.000000Z\" lat=\"51.5\" lon=\"-0.12\"/>\n"
       "      </waypoints>\n"
       "    </location>\n"
       "    <user>\n"
       "      <login>someone</login>\n"
       "    </user>\n"
       "    <data id=\"0\">\n"
       "      <current_value at=\"2013-04-23T12:34:56.100000Z\">21.5</current_value>\n"
       "    </data>\n"
       "    <data id=\"temp\"/>\n"
       "  </environment>\n"
       "</eeml>");
  ck_assert_str_eq(attr(0, "schemaLocation"),
                   "http://www.eeml.org/xsd/0.5.1 http://www.eeml.org/xsd/0.5.1/0.5.1.xsd");
  ck_assert_str_eq(attr(0, "xmlns"), "http://www.eeml.org/xsd/0.5.1");
  ck_assert_ptr_null(attr(0, "xsi")); /* a namespace declaration is not an attribute */
  size_t env = ch(0, "environment");
  ck_assert_str_eq(attr(env, "updated"), "2013-04-23T12:34:56.123456Z");
  size_t loc = ch(env, "location");
  ck_assert_str_eq(attr(loc, "exposure"), "");
  ck_assert_str_eq(attr(loc, "disposition"), "mobile");
  ck_assert_str_eq(text(ch(ch(env, "user"), "login")), "someone");
  ck_assert_uint_eq(count(env, "data"), 2);
  ck_assert_uint_eq(count(env, "tag"), 0);
  ck_assert_str_eq(text(ch(env, "title")), "Van & trailer");
}
END_TEST

START_TEST(namespaces_by_local_name_XB_XML_30)
{
  load("<e:eeml xmlns:e=\"http://www.eeml.org/xsd/0.5.1\" xmlns:id=\"urn:x\" e:version=\"0.5.1\">"
       "<e:environment><e:data e:id=\"7\"><e:current_value>1</e:current_value></e:data>"
       "<data id=\"8\"/></e:environment></e:eeml>");
  ck_assert(xb_xml_name_is(D, DL, &N[0], "eeml", 4));
  ck_assert(!xb_xml_name_is(D, DL, &N[0], "e:eeml", 6));
  ck_assert_ptr_null(attr(0, "xmlns"));          /* only xmlns:e, no default */
  ck_assert_ptr_null(attr(0, "id"));             /* xmlns:id declares, is no "id" */
  ck_assert_ptr_null(attr(0, "e"));
  ck_assert_str_eq(attr(0, "version"), "0.5.1"); /* prefixed attribute, local name */
  size_t env = ch(0, "environment");
  ck_assert_uint_eq(count(env, "data"), 2);
  size_t d = ch(env, "data");
  ck_assert_str_eq(attr(d, "id"), "7");
  ck_assert_str_eq(text(ch(d, "current_value")), "1");
  ck_assert_str_eq(attr(next_ch(env, d, "data"), "id"), "8");
}
END_TEST

START_TEST(unknown_elements_skipped_whole_XB_XML_33)
{
  load("<eeml><environment>ignored text<foo><title>no</title><data id=\"x\"/></foo>"
       "<title>yes</title><!-- c --></environment></eeml>");
  size_t env = ch(0, "environment");
  ck_assert_str_eq(text(ch(env, "title")), "yes");
  ck_assert_uint_eq(count(env, "data"), 0);
  ck_assert_uint_eq(count(env, "title"), 1);
  ck_assert_uint_eq(xb_xml_count_children(D, DL, N, NN, env, NULL, 0), 2);
  ck_assert_str_eq(text(env), "ignored text");
}
END_TEST

START_TEST(leaf_with_child_and_repeated_elements_detectable_XB_XML_34)
{
  /* spec/xml.md: a title holding an element is 422; the engine sees the child */
  load("<eeml><environment><title><b>x</b></title><title>y</title></environment></eeml>");
  size_t env = ch(0, "environment");
  size_t title = ch(env, "title");
  ck_assert_uint_ne(xb_xml_child(D, DL, N, NN, title, title, NULL, 0), XB_XML_NONE);
  ck_assert_str_eq(text(title), ""); /* the child's text is not the title's */
  ck_assert_uint_eq(count(env, "title"), 2);
  load("<eeml><environment/><environment/></eeml>"); /* XB-XML-36: two are 422 */
  ck_assert_uint_eq(count(0, "environment"), 2);
}
END_TEST

START_TEST(eeml_root_version_and_namespace_visible_XB_XML_35)
{
  load("<eeml version=\"5\" xmlns=\"http://www.eeml.org/xsd/005\"/>");
  ck_assert_str_eq(attr(0, "version"), "5");
  ck_assert_str_eq(attr(0, "xmlns"), "http://www.eeml.org/xsd/005");
  load("<environment/>");
  ck_assert(!xb_xml_name_is(D, DL, &N[0], "eeml", 4));
}
END_TEST

START_TEST(datapoints_create_XB_XML_41)
{
  load("<eeml><environment><data><datapoints>"
       "<value at=\"2013-04-23T12:00:00Z\">1</value>"
       "<value at=\"2013-04-23T12:01:00Z\"/>"
       "<value>3</value>"
       "</datapoints></data></environment></eeml>");
  size_t dps = ch(ch(ch(0, "environment"), "data"), "datapoints");
  ck_assert_uint_eq(count(dps, "value"), 3);
  size_t v = ch(dps, "value");
  ck_assert_str_eq(text(v), "1");
  v = next_ch(dps, v, "value");
  ck_assert_str_eq(text(v), "");
  ck_assert_str_eq(attr(v, "at"), "2013-04-23T12:01:00Z");
  v = next_ch(dps, v, "value");
  ck_assert_ptr_null(attr(v, "at")); /* the engine's 422 */
}
END_TEST

START_TEST(key_document_XB_XML_42)
{
  /* spec/xml.md §5, third example */
  load("<key><label>device 504 writer</label><permissions><permission><access-methods>"
       "<access-method>put</access-method></access-methods><resources><resource>"
       "<feed-id>504</feed-id></resource></resources></permission></permissions></key>");
  ck_assert(xb_xml_name_is(D, DL, &N[0], "key", 3));
  ck_assert_str_eq(text(ch(0, "label")), "device 504 writer");
  size_t perm = ch(ch(0, "permissions"), "permission");
  size_t am = ch(ch(perm, "access-methods"), "access-method");
  ck_assert_str_eq(text(am), "put");
  size_t res = ch(ch(perm, "resources"), "resource");
  ck_assert_str_eq(text(ch(res, "feed-id")), "504");
  ck_assert_uint_eq(ch(res, "datastream-id"), XB_XML_NONE);
  /* the read form with typed elements parses too */
  load("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<key>\n"
       "  <private-access type=\"boolean\">true</private-access>\n"
       "  <permissions type=\"array\">\n    <permission>\n"
       "      <minimum-interval type=\"integer\">60</minimum-interval>\n"
       "    </permission>\n  </permissions>\n</key>");
  size_t mi = ch(ch(ch(0, "permissions"), "permission"), "minimum-interval");
  ck_assert_str_eq(attr(mi, "type"), "integer");
  ck_assert_str_eq(text(mi), "60");
}
END_TEST

START_TEST(trigger_and_user_documents_XB_XML_43)
{
  load("<datastream-trigger><url>https://example.org/hook?a=1&amp;b=2</url>"
       "<trigger-type>gt</trigger-type><threshold-value type=\"float\">30</threshold-value>"
       "<environment-id type=\"integer\">504</environment-id><stream-id>0</stream-id>"
       "</datastream-trigger>");
  ck_assert(xb_xml_name_is(D, DL, &N[0], "datastream-trigger", 18));
  ck_assert_str_eq(text(ch(0, "url")), "https://example.org/hook?a=1&b=2");
  ck_assert_str_eq(text(ch(0, "threshold-value")), "30");
  ck_assert_str_eq(text(ch(0, "environment-id")), "504");
  load("<user><login>someone</login><full-name>Some One</full-name>"
       "<timezone>Europe/London</timezone></user>");
  ck_assert_str_eq(text(ch(0, "full-name")), "Some One");
}
END_TEST

START_TEST(references_decoded_never_longer_XB_XML_23)
{
  load("<a b=\"&lt;&#x1F600;&#233;&#x10FFFF;\">&amp;&lt;&gt;&quot;&apos;&#65;&#x42;"
       "&#x20AC;&#0000000067;</a>");
  ck_assert_str_eq(text(0), "&<>\"'AB\xE2\x82\xAC" "C");
  ck_assert_str_eq(attr(0, "b"), "<\xF0\x9F\x98\x80\xC3\xA9\xF4\x8F\xBF\xBF");
  /* size first, then exactly that much room; one byte less fails without a count */
  size_t n = xb_xml_text_size(D, DL, N, NN, 0);
  ck_assert_uint_eq(n, 11);
  uint8_t buf[16];
  size_t w = 77;
  ck_assert(!xb_xml_text_decode(D, DL, N, NN, 0, buf, n - 1, &w));
  ck_assert_uint_eq(w, 0);
  ck_assert(!xb_xml_value_decode(D, DL, &N[1], buf, 3, &w));
  ck_assert_uint_eq(w, 0);
  ck_assert_uint_eq(xb_xml_value_size(D, DL, &N[0]), 0); /* an element has no value */
}
END_TEST

START_TEST(line_ends_and_attribute_normalization_XB_XML_25)
{
  load("<a b=\"x\ty\nz\r\nw\rv\" c=\"&#9;&#10;&#13;\" d=' s '>l1\r\nl2\rl3\nl4&#13;</a>");
  ck_assert_str_eq(text(0), "l1\nl2\nl3\nl4\r");
  ck_assert_str_eq(attr(0, "b"), "x y z w v");
  ck_assert_str_eq(attr(0, "c"), "\t\n\r"); /* produced by references: kept */
  ck_assert_str_eq(attr(0, "d"), " s ");     /* trimming is XB-RES-2's, not the parser's */
  load("<a>x\r<!-- c -->\ny</a>");             /* CR and LF split by a comment: two ends */
  ck_assert_str_eq(text(0), "x\n\ny");
}
END_TEST

START_TEST(accessors_refuse_bad_arguments_XB_XML_31)
{
  load("<a x=\"1\"><b/>t</a>");
  uint8_t buf[8];
  size_t w = 5;
  ck_assert_uint_eq(xb_xml_child(NULL, DL, N, NN, 0, 0, NULL, 0), 2); /* names unused */
  ck_assert_uint_eq(xb_xml_child(D, DL, NULL, NN, 0, 0, NULL, 0), XB_XML_NONE);
  ck_assert_uint_eq(xb_xml_child(D, DL, N, NN, 9, 9, NULL, 0), XB_XML_NONE);
  ck_assert_uint_eq(xb_xml_child(D, DL, N, NN, 1, 1, NULL, 0), XB_XML_NONE); /* attr */
  ck_assert_uint_eq(xb_xml_child(D, DL, N, NN, 0, 2, NULL, 0), XB_XML_NONE);
  ck_assert_uint_eq(xb_xml_attr(D, DL, N, NN, 0, NULL, 0), XB_XML_NONE);
  ck_assert_uint_eq(xb_xml_attr(D, DL, N, NN, 2, "x", 1), XB_XML_NONE);
  ck_assert(!xb_xml_name_is(D, DL, NULL, "a", 1));
  ck_assert(!xb_xml_name_is(D, DL, &N[3], "t", 1)); /* text has no name */
  ck_assert_uint_eq(xb_xml_value_size(NULL, DL, &N[1]), 0);
  ck_assert(!xb_xml_value_decode(D, DL, &N[1], NULL, 8, &w));
  ck_assert_uint_eq(w, 0);
  ck_assert(!xb_xml_value_decode(D, DL, &N[1], buf, 8, NULL));
  ck_assert_uint_eq(xb_xml_text_size(D, DL, N, NN, 1), SIZE_MAX);
  ck_assert_uint_eq(xb_xml_skip(N, NN, 0), NN);
  ck_assert_uint_eq(xb_xml_skip(N, NN, 2), 3);
  ck_assert_uint_eq(xb_xml_skip(N, NN, 99), NN);
  /* an inconsistent array: spans outside the input, a cycle through next */
  xb_xml_node bad[3];
  memcpy(bad, N, sizeof bad);
  bad[1].voff = DL;
  bad[1].vlen = 3;
  ck_assert_uint_eq(xb_xml_value_size(D, DL, &bad[1]), 0);
  ck_assert(!xb_xml_value_decode(D, DL, &bad[1], buf, 8, &w));
  bad[2].next = 1;
  bad[0].next = 3;
  ck_assert_uint_eq(xb_xml_child(D, DL, bad, 3, 0, 2, NULL, 0), XB_XML_NONE);
  bad[2].type = XB_XML_TEXT;
  ck_assert_uint_eq(xb_xml_text_size(D, DL, bad, 3, 0), SIZE_MAX);
  bad[0].off = DL;
  ck_assert(!xb_xml_name_is(D, DL, &bad[0], "a", 1));
  bad[0].len = SIZE_MAX;
  bad[0].off = 1;
  ck_assert(!xb_xml_name_is(D, DL, &bad[0], "a", 1));
}
END_TEST

Suite *xb_suite_xml_nav(void);
Suite *xb_suite_xml_nav(void)
{
  Suite *s = suite_create("xml_nav");
  TCase *tc = tcase_create("xml_nav");
  tcase_add_test(tc, minimal_datastream_write_XB_XML_39);
  tcase_add_test(tc, feed_update_with_several_datastreams_XB_XML_36);
  tcase_add_test(tc, spec_write_example_tags_location_datapoints_XB_XML_38);
  tcase_add_test(tc, read_document_parses_back_XB_XML_44);
  tcase_add_test(tc, namespaces_by_local_name_XB_XML_30);
  tcase_add_test(tc, unknown_elements_skipped_whole_XB_XML_33);
  tcase_add_test(tc, leaf_with_child_and_repeated_elements_detectable_XB_XML_34);
  tcase_add_test(tc, eeml_root_version_and_namespace_visible_XB_XML_35);
  tcase_add_test(tc, datapoints_create_XB_XML_41);
  tcase_add_test(tc, key_document_XB_XML_42);
  tcase_add_test(tc, trigger_and_user_documents_XB_XML_43);
  tcase_add_test(tc, references_decoded_never_longer_XB_XML_23);
  tcase_add_test(tc, line_ends_and_attribute_normalization_XB_XML_25);
  tcase_add_test(tc, accessors_refuse_bad_arguments_XB_XML_31);
  suite_add_tcase(s, tc);
  return s;
}
