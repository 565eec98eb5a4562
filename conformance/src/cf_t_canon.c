/*
 * The canonical state of feed_canon and its expected renderings (cf_t_canon.h).
 */
#include <stdbool.h>
#include <string.h>

#include "cf_check.h"
#include "cf_t_canon.h"

#define FX cf_fx

const char cf_eeml_head[] =
    "<eeml xmlns=\"http://www.eeml.org/xsd/0.5.1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "version=\"0.5.1\" xsi:schemaLocation=\"http://www.eeml.org/xsd/0.5.1 http://www.eeml.org/xsd/0.5.1/0.5.1.xsd\">";

void cf_canon_write(void) {
  cf_conn *c = cf_client("canon", FX.key_master);
  cf_publish(c, cf_fmt("/v2/feeds/%s.json", FX.feed_canon),
             "{\"version\":\"1.0.0\",\"title\":\"Office\",\"private\":false,"
             "\"description\":\"Sensors in the office\",\"website\":\"\",\"icon\":\"\",\"email\":\"\","
             "\"tags\":[\"office\",\"cfcanon\"],"
             "\"location\":{\"disposition\":\"fixed\",\"domain\":\"physical\",\"exposure\":\"indoor\","
             "\"name\":\"desk\",\"lat\":51.5,\"lon\":-0.08,\"ele\":\"23.0\"},"
             "\"datastreams\":[{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.1Z\","
             "\"max_value\":\"30.0\",\"min_value\":\"12.0\",\"tags\":[\"temperature\"],"
             "\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"},"
             "\"datapoints\":[{\"at\":\"2013-04-23T12:30:00Z\",\"value\":\"21.4\"}]}]}",
             1);
  cf_disconnect(c);
}

static char *stamp(const char *got, const char *name, bool xml) {
  char *v = xml ? cf_xml_attr(got, name) : cf_json_str(got, name);
  if (!cf_is_timestamp(v))
    cf_fail("`%s` must be a timestamp YYYY-MM-DDTHH:MM:SS.ffffffZ (XB-RES-7)\n  got: %s\n  in: %s", name,
            v ? v : "(absent)", got);
  return v;
}

char *cf_canon_feed_json(const char *got, const char *points, const char *login) {
  char *updated = stamp(got, "updated", false), *created = stamp(got, "created", false);
  return cf_fmt("{\"id\":%s,\"title\":\"Office\",\"private\":\"false\",\"feed\":\"%s/v2/feeds/%s.json\","
                "\"status\":\"live\",\"updated\":\"%s\",\"created\":\"%s\",\"creator\":\"%s/users/%s\","
                "\"version\":\"1.0.0\",\"description\":\"Sensors in the office\",\"tags\":[\"office\",\"cfcanon\"],"
                "%s%s%s\"location\":{\"disposition\":\"fixed\",\"domain\":\"physical\",\"exposure\":\"indoor\","
                "\"name\":\"desk\",\"lat\":51.5,\"lon\":-0.08,\"ele\":\"23.0\"},"
                "\"datastreams\":[%s%s%s},{\"id\":\"temp\"}]}",
                FX.feed_canon, FX.api_base_url, FX.feed_canon, updated, created, FX.site_base_url,
                FX.owner_login, login ? "\"user\":{\"login\":\"" : "", login ? login : "",
                login ? "\"}," : "", CF_CANON_DS0_JSON_BODY, points ? "," : "", points ? points : "");
}

char *cf_xml_attr(const char *doc, const char *name) {
  const char *key = cf_fmt(" %s=\"", name);
  const char *p = doc ? strstr(doc, key) : NULL;
  if (p == NULL) return NULL;
  p += strlen(key);
  const char *e = strchr(p, '"');
  if (e == NULL) return NULL;
  return cf_fmt("%.*s", (int)(e - p), p);
}

char *cf_canon_feed_xml(const char *got, bool history, bool show_user) {
  char *updated = stamp(got, "updated", true), *created = stamp(got, "created", true);
  return cf_fmt(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n"
      "  <environment updated=\"%s\" created=\"%s\" id=\"%s\" creator=\"%s/users/%s\">\n"
      "    <title>Office</title>\n"
      "    <feed>%s/v2/feeds/%s.xml</feed>\n"
      "    <status>live</status>\n"
      "    <description>Sensors in the office</description>\n"
      "    <private>false</private>\n"
      "    <tag>office</tag>\n"
      "    <tag>cfcanon</tag>\n"
      "    <location domain=\"physical\" exposure=\"indoor\" disposition=\"fixed\">\n"
      "      <name>desk</name>\n"
      "      <lat>51.5</lat>\n"
      "      <lon>-0.08</lon>\n"
      "      <ele>23.0</ele>\n"
      "    </location>\n"
      "%s"
      "    <data id=\"0\">\n"
      "      <tag>temperature</tag>\n"
      "      <current_value at=\"2013-04-23T12:34:56.100000Z\">21.5</current_value>\n"
      "      <max_value>30.0</max_value>\n"
      "      <min_value>12.0</min_value>\n"
      "      <unit type=\"derivedSI\" symbol=\"C\">Celsius</unit>\n"
      "%s"
      "    </data>\n"
      "    <data id=\"temp\"/>\n"
      "  </environment>\n"
      "</eeml>",
      cf_eeml_head, updated, created, FX.feed_canon, FX.site_base_url, FX.owner_login,
      FX.api_base_url, FX.feed_canon,
      show_user ? cf_fmt("    <user>\n      <login>%s</login>\n    </user>\n", FX.owner_login) : "",
      history ? "      <datapoints>\n"
                "        <value at=\"2013-04-23T12:30:00.000000Z\">21.4</value>\n"
                "        <value at=\"2013-04-23T12:34:56.100000Z\">21.5</value>\n"
                "      </datapoints>\n"
              : "");
}
