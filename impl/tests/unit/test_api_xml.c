/*
 * test_api_xml.c — XML through the engine (spec/xml.md §4, §5): the accepted write
 * documents of the spec, the 400 and 422 examples with their error document
 * (XB-XML-18), every write shape (feed, datastreams, datastream, datapoints, datapoint,
 * key, trigger, user), a read published back (XB-XML-44), and the same state as JSON
 * (XB-RES-90).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_api_util.h"

#define FEED "/v2/feeds/1.xml"

static char snapshot[16384];

static void setup_feed(void) {
  ck_assert_int_eq(ta_feed(T.alice, false), 1);
  ck_assert_int_eq(ta_put("/v2/feeds/1.json", "{\"datastreams\":[{\"id\":\"0\",\"current_value\":\"1\"}]}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1.json", NULL), 200);
  snprintf(snapshot, sizeof snapshot, "%s", ta_body());
}

static void unchanged(void) {
  ck_assert_int_eq(ta_get("/v2/feeds/1.json", NULL), 200);
  ck_assert_str_eq(ta_body(), snapshot);
}

static void json_has(const char *topic, const char *want) {
  ck_assert_int_eq(ta_get(topic, T.alice), 200);
  ck_assert_msg(ta_has(want), "%s lacks %s:\n%s", topic, want, ta_body());
}

/* The accepted documents of spec/xml.md §5 (XB-XML-20, XB-XML-22, XB-XML-23, XB-XML-30,
 * XB-XML-36..XB-XML-39). */
START_TEST(test_xml_spec_examples_XB_XML_36) {
  setup_feed();
  ck_assert_int_eq(ta_put(FEED, "<eeml><environment><data id=\"0\"><current_value>22</current_value>"
                                "</data></environment></eeml>", T.alice), 200);
  json_has("/v2/feeds/1/datastreams/0.json", "\"current_value\":\"22\"");
  ck_assert_int_eq(
      ta_put(FEED,
             "<?xml version='1.0' encoding='utf-8'?>\n<!-- office sensors -->\n"
             "<eeml xmlns=\"http://www.eeml.org/xsd/0.5.1\" version=\"0.5.1\">\n"
             "  <environment id=\"504\">\n    <title>Office &amp; lab</title>\n"
             "    <tag>office</tag><tag>lab</tag>\n"
             "    <location exposure=\"indoor\"><lat>51.5</lat><lon>-0.08</lon></location>\n"
             "    <data id=\"humidity\">\n      <datapoints>\n"
             "        <value at=\"2013-04-23T12:00:00Z\">40</value>\n"
             "        <value at=\"2013-04-23T12:05:00Z\">41</value>\n"
             "      </datapoints>\n    </data>\n  </environment>\n</eeml>",
             T.alice),
      200);
  json_has("/v2/feeds/1.json", "\"title\":\"Office & lab\"");
  json_has("/v2/feeds/1.json", "\"tags\":[\"office\",\"lab\"]");
  json_has("/v2/feeds/1.json", "\"location\":{\"exposure\":\"indoor\",\"lat\":51.5,\"lon\":-0.08}");
  json_has("/v2/feeds/1/datastreams/humidity.json", "\"current_value\":\"41\"");
  /* XB-XML-37: `<tag/>` alone clears the list; XB-XML-36: an empty element unsets. */
  ck_assert_int_eq(ta_put(FEED, "<eeml><environment><tag/><website/></environment></eeml>",
                          T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1.json", NULL), 200);
  ck_assert(!ta_has("\"tags\""));
}
END_TEST

/* The 400 examples of spec/xml.md §5 and more (XB-XML-19..XB-XML-29, XB-XML-32), each
 * with an XML Parser Error document naming line and column (XB-XML-18, XB-RES-88). */
START_TEST(test_xml_rejected_400_XB_XML_32) {
  setup_feed();
  static char deep[512];
  size_t n = 0;
  for (int i = 0; i < 33; i++) n += (size_t)snprintf(deep + n, sizeof deep - n, "<a>");
  for (int i = 0; i < 33; i++) n += (size_t)snprintf(deep + n, sizeof deep - n, "</a>");
  const char *bad[] = {
      "<!DOCTYPE eeml [<!ENTITY a \"aaaa\">]><eeml/>", "<eeml>&a;</eeml>",
      "<eeml><![CDATA[x]]></eeml>", "<eeml><environment></eeml>", "<eeml a=\"1\" a=\"2\"/>",
      "<eeml>&#0;</eeml>", "<?xml version=\"1.1\"?><eeml/>",
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><eeml/>", "<eeml>caf\xe9</eeml>", deep,
      "", "  \n ", "<!-- only a comment -->", "<eeml/><eeml/>", "<eeml><?pi x?></eeml>",
      "<eeml><!-- a -- b --></eeml>", "x<eeml/>", "<eeml>]]></eeml>",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(ta_put(FEED, bad[i], T.alice) == 400, "case %zu: %d %s", i, T.resp.status,
                  T.resp.detail);
    ck_assert_str_eq(T.resp.reason, "bad-payload");
    ck_assert_msg(strstr(ta_body(), "<errors>\n  <title>XML Parser Error</title>\n  <error>") !=
                      NULL,
                  "%s", ta_body());
    unchanged();
  }
  ck_assert_int_eq(ta_put(FEED, "<eeml>\n<environment>\n  <data id=\"0\">\n  </environment>", T.alice), 400);
  ck_assert_str_eq(T.resp.detail,
                   "line 4, column 3: end tag </environment> does not match start tag <data>");
}
END_TEST

/* The 422 examples of §5 and the shape rules XB-XML-34, XB-XML-35, XB-XML-39..XB-XML-42. */
START_TEST(test_xml_rejected_422_XB_XML_34_XB_XML_35) {
  setup_feed();
  static const struct {
    const char *topic, *payload;
  } bad[] = {
      {FEED, "<environment/>"},
      {FEED, "<eeml version=\"5\"/>"},
      {FEED, "<eeml xmlns=\"http://www.eeml.org/xsd/005\"/>"},
      {FEED, "<eeml><environment><data><current_value>1</current_value></data></environment></eeml>"},
      {FEED, "<eeml><environment><title><b>x</b></title></environment></eeml>"},
      {FEED, "<eeml><environment><title>a</title><title>b</title></environment></eeml>"},
      {FEED, "<eeml><environment/><environment/></eeml>"},
      {FEED, "<eeml><environment><data id=\"0\"><datapoints><value>1</value></datapoints></data></environment></eeml>"},
      {FEED, "<eeml><environment><title></title></environment></eeml>"}, /* XB-RES-39 */
      {FEED, "<eeml><environment><private>yes</private></environment></eeml>"},
      {"/v2/feeds/1/datastreams/0.xml", "<eeml><environment><data/><data/></environment></eeml>"},
      {"/v2/feeds/1/datastreams/0.xml", "<eeml><environment><data><current_value>1</current_value><current_value>2</current_value></data></environment></eeml>"},
      {"/v2/feeds/1/datastreams/0/datapoints/2013-04-23T12:00:00Z.xml",
       "<eeml><environment><data><datapoints><value>1</value><value>2</value></datapoints></data></environment></eeml>"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(ta_put(bad[i].topic, bad[i].payload, T.alice) == 422, "case %zu: %d %s", i,
                  T.resp.status, T.resp.detail);
    ck_assert_msg(strstr(ta_body(), "<title>Unprocessable Entity</title>") != NULL, "%s", ta_body());
    unchanged();
  }
  /* XB-XML-40, XB-XML-41: creates need their elements. */
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.xml", "<eeml><environment/></eeml>", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.xml",
                           "<eeml><environment><data><datapoints/></data></environment></eeml>", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/keys.xml", "<key><label>k</label><permissions/></key>", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/keys.xml", "<eeml/>", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/triggers.xml", "<trigger/>", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/users.xml", "<eeml/>", T.admin), 422);
  unchanged();
}
END_TEST

/* XB-XML-33: unknown and read-only elements and attributes are ignored, namespaces are
 * not resolved (XB-XML-30): `<eeml:data>` is data. */
START_TEST(test_xml_ignored_XB_XML_33) {
  setup_feed();
  ck_assert_int_eq(ta_put(FEED,
                          "<e:eeml xmlns:e=\"urn:x\"><e:environment id=\"9\" updated=\"x\" foo=\"1\">"
                          "<status>frozen</status><feed>http://x/</feed><unknown><title>no</title></unknown>"
                          "<e:data id=\"0\" bar=\"2\"><current_value at=\"2013-04-23T11:00:00Z\"> 5 </current_value>"
                          "</e:data>text</e:environment></e:eeml>",
                          T.alice), 200);
  json_has("/v2/feeds/1.json", "\"title\":\"F\"");
  json_has("/v2/feeds/1/datastreams/0.json", "\"max_value\":\"5\"");
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints/2013-04-23T11:00:00Z.csv", NULL), 200);
  ck_assert_str_eq(ta_body(), "2013-04-23T11:00:00.000000Z,5");
}
END_TEST

/* Every write shape: XB-XML-39..XB-XML-43. */
START_TEST(test_xml_write_shapes_XB_XML_40_XB_XML_43) {
  setup_feed();
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.xml",
                           "<eeml><environment><data id=\"t\"><tag>a</tag><unit type=\"basicSI\" "
                           "symbol=\"K\">kelvin</unit><max_value>9</max_value></data><data id=\"u\"/>"
                           "</environment></eeml>", T.alice), 201);
  json_has("/v2/feeds/1/datastreams/t.json",
           "\"max_value\":\"9\",\"tags\":[\"a\"],\"unit\":{\"label\":\"kelvin\",\"symbol\":\"K\",\"type\":\"basicSI\"}");
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/t.xml",
                          "<eeml><environment><data id=\"ignored\"><current_value/></data></environment></eeml>",
                          T.alice), 200);
  json_has("/v2/feeds/1/datastreams/t.json", "\"current_value\":\"\"");
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/t/datapoints.xml",
                           "<eeml><environment><data><datapoints><value at=\"2013-04-23T10:00:00Z\">3</value>"
                           "</datapoints></data></environment></eeml>", T.alice), 200);
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/t/datapoints/2013-04-23T10:00:00Z.xml",
                          "<eeml><environment><data><datapoints><value at=\"2000-01-01T00:00:00Z\">4</value>"
                          "</datapoints></data></environment></eeml>", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/t/datapoints/2013-04-23T10:00:00Z.csv", NULL), 200);
  ck_assert_str_eq(ta_body(), "2013-04-23T10:00:00.000000Z,4");
  ck_assert_int_eq(ta_post("/v2/keys.xml",
                           "<key><label>device 1 writer</label><permissions><permission><access-methods>"
                           "<access-method>PUT</access-method></access-methods><resources><resource>"
                           "<feed-id>1</feed-id><datastream-id>0</datastream-id></resource></resources>"
                           "</permission></permissions></key>", T.alice), 201);
  char key[128];
  snprintf(key, sizeof key, "/v2/keys/%s.json", T.resp.created);
  json_has(key, "\"access_methods\":[\"put\"],\"resources\":[{\"feed_id\":1,\"datastream_id\":\"0\"}]");
  ck_assert_int_eq(ta_post("/v2/triggers.xml",
                           "<datastream-trigger><url>https://example.org/h?a=1&amp;b=2</url>"
                           "<trigger-type>gt</trigger-type><threshold-value>30</threshold-value>"
                           "<environment-id>1</environment-id><stream-id>0</stream-id></datastream-trigger>",
                           T.alice), 201);
  json_has("/v2/triggers.json", "\"url\":\"https://example.org/h?a=1&b=2\"");
  ck_assert_int_eq(ta_put("/v2/users/alice.xml",
                          "<user><full-name>Alice A</full-name><about>line1&#10;line2</about></user>",
                          T.alice), 200);
  json_has("/v2/users/alice.json", "\"full_name\":\"Alice A\",\"about\":\"line1\\nline2\"");
}
END_TEST

/* XB-XML-44: a read published back unchanged changes nothing but `updated`. */
START_TEST(test_xml_write_back_XB_XML_44) {
  setup_feed();
  ck_assert_int_eq(ta_put("/v2/feeds/1.json",
                          "{\"description\":\"a\\nb & <c>\",\"tags\":[\"x\"],\"location\":{\"domain\":\"physical\",\"lat\":1.5},"
                          "\"datastreams\":[{\"id\":\"0\",\"max_value\":\"8\",\"unit\":{\"symbol\":\"C\"}},{\"id\":\"n\"}]}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, T.alice), 200);
  static char xml[16384];
  snprintf(xml, sizeof xml, "%s", ta_body());
  ck_assert_int_eq(ta_get("/v2/feeds/1.json", NULL), 200);
  snprintf(snapshot, sizeof snapshot, "%s", ta_body());
  T.now += 1000000;
  ck_assert_int_eq(ta_put(FEED, xml, T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, T.alice), 200);
  const char *u = strstr(xml, "created=");
  ck_assert_str_eq(strstr(ta_body(), "created="), u); /* all after `updated` is equal */
}
END_TEST

/* XB-RES-90: the same content in XML and JSON gives the same state. */
START_TEST(test_xml_same_state_as_json_XB_RES_90) {
  ck_assert_int_eq(ta_feed(T.alice, false), 1);
  ck_assert_int_eq(ta_feed(T.alice, false), 2);
  ck_assert_int_eq(ta_put("/v2/feeds/1.xml",
                          "<eeml><environment><data id=\"0\"><current_value at=\"2013-04-23T11:00:00+01:00\">"
                          " 25.0 </current_value></data></environment></eeml>", T.alice), 200);
  ck_assert_int_eq(ta_put("/v2/feeds/2.json",
                          "{\"datastreams\":[{\"id\":\"0\",\"current_value\":25.0,\"at\":\"2013-04-23T10:00:00Z\"}]}",
                          T.alice), 200);
  char a[4096];
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.csv", NULL), 200);
  snprintf(a, sizeof a, "%s", ta_body());
  ck_assert_int_eq(ta_get("/v2/feeds/2/datastreams/0.csv", NULL), 200);
  ck_assert_str_eq(a, ta_body());
  ck_assert_str_eq(a, "2013-04-23T10:00:00.000000Z,25.0");
}
END_TEST

Suite *xb_suite_api_xml(void);
Suite *xb_suite_api_xml(void) {
  Suite *s = suite_create("api_xml");
  TCase *tc = tcase_create("xml");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_add_test(tc, test_xml_spec_examples_XB_XML_36);
  tcase_add_test(tc, test_xml_rejected_400_XB_XML_32);
  tcase_add_test(tc, test_xml_rejected_422_XB_XML_34_XB_XML_35);
  tcase_add_test(tc, test_xml_ignored_XB_XML_33);
  tcase_add_test(tc, test_xml_write_shapes_XB_XML_40_XB_XML_43);
  tcase_add_test(tc, test_xml_write_back_XB_XML_44);
  tcase_add_test(tc, test_xml_same_state_as_json_XB_RES_90);
  suite_add_tcase(s, tc);
  return s;
}
