/*
 * Area "formats-xml": EEML 0.5.1 and the key, trigger and user documents byte for byte
 * (spec/xml.md §1..§3), accepted XML writes (§5) and the restricted parser: malformed
 * or invalid documents change nothing (§4).
 */
#include <stdio.h>
#include <string.h>

#include "cf_check.h"
#include "cf_t_canon.h"

#define FX cf_fx

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static char *must_read(const char *user, const char *topic) {
  char *s = cf_read(user, topic);
  if (s == NULL) cf_fail("nothing delivered for %s", topic);
  return s;
}

/* The datastream envelope of feed `feed` owned by `login`, around `inner` lines. */
static char *envelope(const char *got, const char *feed, const char *login, const char *inner) {
  char *updated = cf_xml_attr(got, "updated");
  if (!cf_is_timestamp(updated))
    cf_fail("environment `updated` must be a timestamp YYYY-MM-DDTHH:MM:SS.ffffffZ\n  got: %s", got);
  return cf_fmt(DECL "%s\n  <environment updated=\"%s\" id=\"%s\" creator=\"%s/users/%s\">\n%s  </environment>\n</eeml>",
                cf_eeml_head, updated, feed, FX.site_base_url, login, inner);
}

#define DS0_XML                                                                    \
  "    <data id=\"0\">\n"                                                          \
  "      <tag>temperature</tag>\n"                                                 \
  "      <current_value at=\"2013-04-23T12:34:56.100000Z\">21.5</current_value>\n" \
  "      <max_value>30.0</max_value>\n"                                            \
  "      <min_value>12.0</min_value>\n"                                            \
  "      <unit type=\"derivedSI\" symbol=\"C\">Celsius</unit>\n"

START_TEST(datastream_xml) {
  cf_canon_write();
  char *s = must_read(NULL, cf_fmt("/v2/feeds/%s/datastreams/0.xml", FX.feed_canon));
  CF_EXPECT_STR("the XML of the datastream", envelope(s, FX.feed_canon, FX.owner_login, DS0_XML "    </data>\n"), s);
  s = must_read(NULL, cf_fmt("/v2/feeds/%s/datastreams/%s.xml", FX.feed_public, FX.ds_never));
  CF_EXPECT_STR("the XML of a never-written datastream",
                envelope(s, FX.feed_public, FX.owner_login, cf_fmt("    <data id=\"%s\"/>\n", FX.ds_never)), s);
}
END_TEST

START_TEST(feed_xml) {
  cf_canon_write();
  char *s = must_read(NULL, cf_fmt("/v2/feeds/%s.xml", FX.feed_canon));
  CF_EXPECT_STR("the XML of the feed", cf_canon_feed_xml(s, false, false), s);
  s = must_read(NULL, cf_fmt("/v2/feeds/%s.xml?show_user=true", FX.feed_canon));
  CF_EXPECT_STR("the XML of the feed with show_user=true", cf_canon_feed_xml(s, false, true), s);
}
END_TEST

START_TEST(history_xml) {
  cf_canon_write();
  const char *q = "?start=2013-04-23T12:30:00Z&end=2013-04-23T12:40:00Z";
  char *s = must_read(NULL, cf_fmt("/v2/feeds/%s.xml%s", FX.feed_canon, q));
  CF_EXPECT_STR("the XML of the feed history", cf_canon_feed_xml(s, true, false), s);
  s = must_read(NULL, cf_fmt("/v2/feeds/%s/datastreams/0.xml%s", FX.feed_canon, q));
  CF_EXPECT_STR("the XML of the datastream history",
                envelope(s, FX.feed_canon, FX.owner_login,
                         DS0_XML "      <datapoints>\n"
                                 "        <value at=\"2013-04-23T12:30:00.000000Z\">21.4</value>\n"
                                 "        <value at=\"2013-04-23T12:34:56.100000Z\">21.5</value>\n"
                                 "      </datapoints>\n"
                                 "    </data>\n"),
                s);
}
END_TEST

START_TEST(datapoints_xml) {
  cf_canon_write();
  const char *b = cf_fmt("/v2/feeds/%s/datastreams/0/datapoints", FX.feed_canon);
  char *s = must_read(NULL, cf_fmt("%s/2013-04-23T12:34:56.100000Z.xml", b));
  CF_EXPECT_STR("the XML of a datapoint",
                envelope(s, FX.feed_canon, FX.owner_login,
                         "    <data id=\"0\">\n      <datapoints>\n"
                         "        <value at=\"2013-04-23T12:34:56.100000Z\">21.5</value>\n"
                         "      </datapoints>\n    </data>\n"),
                s);
  s = must_read(NULL, cf_fmt("%s.xml", b));
  CF_EXPECT_STR("the XML of an empty datapoints collection",
                envelope(s, FX.feed_canon, FX.owner_login, "    <data id=\"0\"/>\n"), s);
}
END_TEST

START_TEST(feed_list_xml) {
  cf_canon_write();
  char *feed = must_read(FX.key_master, cf_fmt("/v2/feeds/%s.xml", FX.feed_canon));
  const char *env = strstr(feed, "  <environment ");
  const char *end = strstr(feed, "</eeml>");
  if (env == NULL || end == NULL) cf_fail("the feed XML has no environment\n  got: %s", feed);
  char *s = must_read(FX.key_master, cf_fmt("/v2/feeds.xml?user=%s&tag=cfcanon", FX.owner_login));
  const char *head =
      "<eeml xmlns=\"http://www.eeml.org/xsd/0.5.1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" version=\"0.5.1\" "
      "xsi:schemaLocation=\"http://www.eeml.org/xsd/0.5.1 http://www.eeml.org/xsd/0.5.1/0.5.1.xsd\">";
  CF_EXPECT_STR("the XML feed list",
                cf_fmt(DECL "%s\n  <opensearch:totalResults>1</opensearch:totalResults>\n"
                            "  <opensearch:startIndex>0</opensearch:startIndex>\n"
                            "  <opensearch:itemsPerPage>50</opensearch:itemsPerPage>\n%.*s</eeml>",
                       head, (int)(end - env), env),
                s);
}
END_TEST

START_TEST(key_user_trigger_xml) {
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, cf_fmt("/v2/keys/%s.json", FX.key_feed), "{\"key\":{\"label\":\"cf feed\"}}", 1);
  cf_publish(c, cf_fmt("/v2/users/%s.json", FX.owner_login),
             "{\"user\":{\"full_name\":\"Some One\",\"email\":\"someone@example.org\",\"website\":\"\",\"about\":\"\",\"organisation\":\"\",\"timezone\":\"Europe/London\"}}", 1);
  char *s = cf_sub_state(c, cf_fmt("/v2/keys/%s.xml", FX.key_feed));
  CF_EXPECT_STR("the XML of the key",
                cf_fmt(DECL "<key>\n  <api-key>%s</api-key>\n  <label>cf feed</label>\n"
                            "  <private-access type=\"boolean\">true</private-access>\n"
                            "  <permissions type=\"array\">\n    <permission>\n"
                            "      <access-methods type=\"array\">\n"
                            "        <access-method>get</access-method>\n"
                            "        <access-method>put</access-method>\n"
                            "        <access-method>post</access-method>\n"
                            "      </access-methods>\n"
                            "      <resources type=\"array\">\n        <resource>\n"
                            "          <feed-id type=\"integer\">%s</feed-id>\n"
                            "        </resource>\n      </resources>\n"
                            "    </permission>\n  </permissions>\n</key>",
                       FX.key_feed, FX.feed_public),
                s);
  s = cf_sub_state(c, cf_fmt("/v2/users/%s.xml", FX.owner_login));
  CF_EXPECT_STR("the XML of the user",
                cf_fmt(DECL "<user>\n  <login>%s</login>\n  <full-name>Some One</full-name>\n"
                            "  <email>someone@example.org</email>\n  <timezone>Europe/London</timezone>\n"
                            "  <api-key>%s</api-key>\n</user>",
                       FX.owner_login, FX.key_master),
                s);
  s = cf_sub_state(c, cf_fmt("/v2/triggers.xml?feed_id=%s", FX.feed_canon));
  CF_EXPECT_STR("the XML of an empty trigger list", DECL "<datastream-triggers type=\"array\"/>", s);
  cf_disconnect(c);
}
END_TEST

START_TEST(escaping_xml) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *t = cf_fmt("/v2/feeds/%s", FX.feed_private);
  cf_publish(c, cf_fmt("%s.json", t), "{\"description\":\"a&b<c>d\\\"e'f\\tg\\nh\\ri\xc3\xa9\"}", 1);
  char *s = cf_sub_state(c, cf_fmt("%s.xml", t));
  const char *want = "    <description>a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i\xc3\xa9</description>\n";
  if (strstr(s, want) == NULL)
    cf_fail("the description must be escaped as spec/xml.md XB-XML-4\n  expected line: %s  got: %s", want, s);
  cf_disconnect(c);
}
END_TEST

static char *current(const char *feed, const char *ds) {
  char *s = cf_read(FX.key_master, cf_fmt("/v2/feeds/%s/datastreams/%s.json", feed, ds));
  char *v = s ? cf_json_str(s, "current_value") : NULL;
  return v ? v : cf_fmt("(no current value in %s)", s ? s : "nothing");
}

START_TEST(xml_writes) {
  const char *P = FX.feed_private, *D = FX.ds_private2;
  cf_conn *c = cf_client("A", FX.key_master);
  char *v = cf_uvalue("x1");
  cf_publish(c, cf_fmt("/v2/feeds/%s.xml", P),
             cf_fmt("<eeml><environment><data id=\"%s\"><current_value>%s</current_value></data></environment></eeml>", D, v), 1);
  CF_EXPECT_STR("the value of a minimal EEML feed write", v, current(P, D));
  v = cf_uvalue("x2");
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s.xml", P, D),
             cf_fmt("\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?>\r\n<!-- cf -->\n"
                    "<e:eeml xmlns:e=\"http://www.eeml.org/xsd/0.5.1\" version=\"0.5.1\"><e:environment id=\"9\">"
                    "<e:data id=\"ignored\" extra=\"x\"><unknown><deep/></unknown>"
                    "<e:current_value>  %s&#x41;&amp;&#66;  </e:current_value></e:data></e:environment></e:eeml>",
                    v),
             1);
  CF_EXPECT_STR("the value of a namespaced datastream write with references", cf_fmt("%sA&B", v), current(P, D));
  v = cf_uvalue("x3");
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.xml", P, D),
             cf_fmt("<eeml><environment><data><datapoints><value at=\"2013-04-23T12:22:00Z\">%s</value></datapoints></data></environment></eeml>", v), 1);
  char *s = cf_read(FX.key_master, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints/2013-04-23T12:22:00Z.json", P, D));
  CF_EXPECT_STR("the datapoint of an XML datapoints POST", cf_fmt("{\"value\":\"%s\",\"at\":\"2013-04-23T12:22:00.000000Z\"}", v), s ? s : "(nothing)");
  /* Tags: tag elements replace the list, none leaves it, <tag/> alone clears it. */
  const char *dx = cf_fmt("/v2/feeds/%s/datastreams/%s.xml", P, D);
  const char *dj = cf_fmt("/v2/feeds/%s/datastreams/%s.json", P, D);
  cf_publish(c, dx, "<eeml><environment><data><tag>b</tag><tag> a </tag><current_value>t</current_value></data></environment></eeml>", 1);
  s = cf_read(FX.key_master, dj);
  if (s == NULL || strstr(s, "\"tags\":[\"b\",\"a\"]") == NULL) cf_fail("tags written in XML must be [\"b\",\"a\"]\n  got: %s", s ? s : "(nothing)");
  cf_publish(c, dx, "<eeml><environment><data><current_value>u</current_value></data></environment></eeml>", 1);
  s = cf_read(FX.key_master, dj);
  if (s == NULL || strstr(s, "\"tags\":[\"b\",\"a\"]") == NULL) cf_fail("an XML write without tag elements must keep the tags\n  got: %s", s ? s : "(nothing)");
  cf_publish(c, dx, "<eeml><environment><data><tag/></data></environment></eeml>", 1);
  s = cf_read(FX.key_master, dj);
  if (s == NULL || strstr(s, "\"tags\"") != NULL) cf_fail("<tag/> alone must clear the tags\n  got: %s", s ? s : "(nothing)");
  cf_disconnect(c);
}
END_TEST

START_TEST(write_back_xml) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.xml", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2),
             "{\"current_value\":\"21\",\"max_value\":\"30\",\"min_value\":\"10\",\"tags\":[\"x\"],\"unit\":{\"label\":\"L\"}}", 1);
  char *before = cf_sub_state(c, t);
  cf_publish(c, t, before, 1);
  cf_expect_nothing(c, "after publishing the datastream's own XML back to it");
  char *after = cf_read(FX.key_master, cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2));
  if (after == NULL || strstr(after, "\"current_value\":\"21\"") == NULL || strstr(after, "\"unit\":{\"label\":\"L\"}") == NULL)
    cf_fail("the datastream changed after writing back its XML\n  got: %s", after ? after : "(nothing)");
  cf_disconnect(c);
}
END_TEST

/* control: a valid document for topic that must notify the feed observer first. */
static void xml_no_effect(const char *topic, const char *control, const char *const *payloads, size_t n) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  cf_conn *o = cf_client("observer", FX.key_master);
  cf_conn *w = cf_client("writer", FX.key_master);
  (void)cf_sub_state(o, ft);
  cf_publish(w, topic, control, 1);
  cf_pkt cp;
  cf_expect_delivery(o, ft, 0, &cp, cf_fmt("after the valid XML document \"%s\" to %s (control)", control, topic));
  cf_pkt_free(&cp);
  char *before = cf_read(FX.key_master, ft);
  for (size_t i = 0; i < n; i++) {
    cf_publish(w, topic, payloads[i], 1);
    char esc[300];
    cf_escape(payloads[i], strlen(payloads[i]), esc, sizeof esc);
    cf_expect_nothing(o, cf_fmt("after the bad XML payload \"%s\" to %s", esc, topic));
  }
  char *after = cf_read(FX.key_master, ft);
  CF_EXPECT_STR(cf_fmt("feed %s after bad XML payloads", FX.feed_public), before, after ? after : "(nothing)");
  cf_disconnect(w);
  cf_disconnect(o);
}

START_TEST(malformed_xml_no_effect) {
  static char deep[1000];
  size_t k = 0;
  for (int i = 0; i < 33; i++) k += (size_t)snprintf(deep + k, sizeof deep - k, "<a>");
  for (int i = 0; i < 33; i++) k += (size_t)snprintf(deep + k, sizeof deep - k, "</a>");
  const char *D = FX.ds_public;
  const char *ok = "<current_value>x</current_value>";
  const char *p[] = {
      cf_fmt("<!DOCTYPE eeml [<!ENTITY a \"aaaa\">]><eeml><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value>&a;</current_value></data></environment></eeml>", D),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value><![CDATA[x]]></current_value></data></environment></eeml>", D),
      cf_fmt("<eeml><environment><data id=\"%s\">%s</environment></eeml>", D, ok),
      cf_fmt("<eeml a=\"1\" a=\"2\"><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value>&#0;</current_value></data></environment></eeml>", D),
      cf_fmt("<?xml version=\"1.1\"?><eeml><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><eeml><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value>\xe9</current_value></data></environment></eeml>", D),
      cf_fmt("<eeml><environment><data id=\"%s\">%s</data></environment></eeml><eeml/>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\">%s</data></environment></eeml>x", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value>a<b</current_value></data></environment></eeml>", D),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value>]]></current_value></data></environment></eeml>", D),
      cf_fmt("<eeml><!-- a -- b --><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><?pi x?><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id='%s' x=\"<\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\"x=\"1\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value>&amp</current_value></data></environment></eeml>", D),
      cf_fmt("<eeml><environment><1data id=\"%s\">%s</1data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\">%s%s</data></environment></eeml>", D, deep, ok),
      "",
      "  \n",
      /* well-formed, wrong shape or invalid (422) */
      cf_fmt("<eeml version=\"5\"><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml xmlns=\"http://www.eeml.org/xsd/005\"><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<environment><data id=\"%s\">%s</data></environment>", D, ok),
      "<eeml><environment><data>x<current_value>x</current_value></data></environment></eeml>",
      "<eeml><environment><title><b>x</b></title></environment></eeml>",
      cf_fmt("<eeml><environment/><environment><data id=\"%s\">%s</data></environment></eeml>", D, ok),
      cf_fmt("<eeml><environment><data id=\"%s\">%s%s</data></environment></eeml>", D, ok, ok),
      cf_fmt("<eeml><environment><data id=\"%s\"><current_value>x</current_value><datapoints><value>1</value></datapoints></data></environment></eeml>", D),
  };
  xml_no_effect(cf_fmt("/v2/feeds/%s.xml", FX.feed_public),
                cf_fmt("<eeml><environment><data id=\"%s\"><current_value>%s</current_value></data></environment></eeml>", D, cf_uvalue("ctl")),
                p, sizeof p / sizeof p[0]);
  const char *dp[] = {"<eeml><environment><data/><data/></environment></eeml>",
                      "<eeml><environment><data><current_value><x/></current_value></data></environment></eeml>"};
  xml_no_effect(cf_fmt("/v2/feeds/%s/datastreams/%s.xml", FX.feed_public, D),
                cf_fmt("<eeml><environment><data><current_value>%s</current_value></data></environment></eeml>", cf_uvalue("ctl")), dp, 2);
}
END_TEST

void cf_area_xml(cf_reg *r) {
  CF_ADD(r, datastream_xml, "XB-XML-1 XB-XML-2 XB-XML-3 XB-XML-6 XB-XML-7 XB-XML-10 XB-XML-12",
         "datastream and never-written datastream: exact EEML envelope and data element");
  CF_ADD(r, feed_xml, "XB-XML-5 XB-XML-8 XB-XML-9 XB-XML-45 XB-TOPIC-29 XB-AUTHZ-24",
         "feed read: exact EEML with location, tags, data by id, never-written data; show_user adds user");
  CF_ADD(r, history_xml, "XB-XML-11 XB-XML-12", "feed and datastream history: datapoints last in data");
  CF_ADD(r, datapoints_xml, "XB-XML-13", "datapoint read and empty datapoints collection");
  CF_ADD(r, feed_list_xml, "XB-XML-14", "feed list: opensearch envelope around the feed's own environment");
  CF_ADD(r, key_user_trigger_xml, "XB-XML-15 XB-XML-16 XB-XML-17", "key, user and empty trigger list documents");
  CF_ADD(r, escaping_xml, "XB-XML-4", "& < > \" ' TAB LF CR escaped in text, non-ASCII raw");
  CF_ADD(r, xml_writes, "XB-XML-19 XB-XML-20 XB-XML-22 XB-XML-23 XB-XML-25 XB-XML-30 XB-XML-33 XB-XML-36 XB-XML-37 XB-XML-39 XB-XML-40 XB-XML-41",
         "EEML writes: minimal, namespaced with BOM, declaration, comment, references, unknown parts; datapoints POST");
  CF_ADD(r, write_back_xml, "XB-XML-44", "a datastream's XML published back changes nothing");
  CF_ADD(r, malformed_xml_no_effect,
         "XB-XML-19 XB-XML-20 XB-XML-21 XB-XML-22 XB-XML-23 XB-XML-24 XB-XML-26 XB-XML-27 XB-XML-28 XB-XML-29 XB-XML-32 XB-XML-34 XB-XML-35 XB-XML-36 XB-XML-39 XB-XML-40",
         "32 malformed or invalid XML documents change nothing");
}
