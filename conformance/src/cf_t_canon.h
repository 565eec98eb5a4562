/*
 * The canonical state of feed_canon, shared by the format areas: one write puts the
 * feed in the same state every run (the spec/json.md §2.1 example, with the fixture's
 * ids), and the expected renderings are built from it.
 */
#ifndef CF_T_CANON_H
#define CF_T_CANON_H

#include <stdbool.h>

/* Datastream 0 of feed_canon as embedded in a JSON feed, without its closing brace. */
#define CF_CANON_DS0_JSON_BODY                                                              \
  "{\"id\":\"0\",\"current_value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\","        \
  "\"max_value\":\"30.0\",\"min_value\":\"12.0\",\"tags\":[\"temperature\"],"              \
  "\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"}"

/* Its datapoints between 12:30:00Z and 12:40:00Z. */
#define CF_CANON_DS0_POINTS_JSON                                                            \
  "\"datapoints\":[{\"value\":\"21.4\",\"at\":\"2013-04-23T12:30:00.000000Z\"},"           \
  "{\"value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\"}]"

/* Write the canonical state (QoS 1, master key). */
void cf_canon_write(void);
/* The expected JSON feed document; `updated` and `created` are taken from got after
 * their form is checked. points: NULL or the datapoints member of datastream 0;
 * login: NULL or the owner's login (show_user=true). */
char *cf_canon_feed_json(const char *got, const char *points, const char *login);
/* The same for XML: got is the bridge's document. */
char *cf_canon_feed_xml(const char *got, bool history, bool show_user);
/* Attribute value name="..." of the first element holding it, or NULL. */
char *cf_xml_attr(const char *doc, const char *name);
/* The EEML root start tag line (spec/xml.md §2). */
extern const char cf_eeml_head[];

#endif
