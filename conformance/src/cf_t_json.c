/*
 * Area "formats-json": the canonical JSON output of every resource, byte for byte
 * (spec/json.md §1, §2), values kept as text, and the strict parser: a malformed or
 * invalid payload changes nothing (§3, §4, spec/resources.md §2).
 *
 * The exact documents are those of feed_canon, which each test first writes to a known
 * state (the same every run), so only `created` and `updated` are taken from the
 * bridge, after their form is checked.
 */
#include <stdio.h>
#include <string.h>

#include "cf_check.h"
#include "cf_t_canon.h"

#define FX cf_fx

START_TEST(datastream_canonical) {
  cf_canon_write();
  char *s = cf_read(NULL, cf_fmt("/v2/feeds/%s/datastreams/0.json", FX.feed_canon));
  CF_EXPECT_STR("the canonical JSON of the datastream", cf_fmt("%s,\"version\":\"1.0.0\"}", CF_CANON_DS0_JSON_BODY), s ? s : "(nothing)");
}
END_TEST

START_TEST(feed_canonical) {
  cf_canon_write();
  char *s = cf_read(NULL, cf_fmt("/v2/feeds/%s.json", FX.feed_canon));
  if (s == NULL) cf_fail("nothing delivered for the public feed %s", FX.feed_canon);
  CF_EXPECT_STR("the canonical JSON of the feed", cf_canon_feed_json(s, NULL, NULL), s);
}
END_TEST

START_TEST(feed_show_user) {
  cf_canon_write();
  char *s = cf_read(NULL, cf_fmt("/v2/feeds/%s.json?show_user=true", FX.feed_canon));
  if (s == NULL) cf_fail("nothing delivered for feed %s with show_user=true", FX.feed_canon);
  CF_EXPECT_STR("the JSON of the feed with show_user=true", cf_canon_feed_json(s, NULL, FX.owner_login), s);
}
END_TEST

START_TEST(feed_history_canonical) {
  cf_canon_write();
  const char *q = "?start=2013-04-23T12:30:00Z&end=2013-04-23T12:40:00Z";
  char *s = cf_read(NULL, cf_fmt("/v2/feeds/%s.json%s", FX.feed_canon, q));
  if (s == NULL) cf_fail("nothing delivered for the feed history %s", q);
  CF_EXPECT_STR("the canonical JSON of the feed history", cf_canon_feed_json(s, CF_CANON_DS0_POINTS_JSON, NULL), s);
}
END_TEST

START_TEST(datastream_history_canonical) {
  cf_canon_write();
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/0.json?start=2013-04-23T12:30:00Z&end=2013-04-23T12:40:00Z", FX.feed_canon);
  char *s = cf_read(NULL, t);
  CF_EXPECT_STR("the canonical JSON of the datastream history",
                cf_fmt("%s,\"version\":\"1.0.0\",%s}", CF_CANON_DS0_JSON_BODY, CF_CANON_DS0_POINTS_JSON), s ? s : "(nothing)");
  /* limit keeps the earliest; find_previous adds the one before the window. */
  t = cf_fmt("/v2/feeds/%s/datastreams/0.json?start=2013-04-23T12:30:00Z&end=2013-04-23T12:40:00Z&limit=1", FX.feed_canon);
  s = cf_read(NULL, t);
  CF_EXPECT_STR("the datastream history with limit=1",
                cf_fmt("%s,\"version\":\"1.0.0\",\"datapoints\":[{\"value\":\"21.4\",\"at\":\"2013-04-23T12:30:00.000000Z\"}]}", CF_CANON_DS0_JSON_BODY),
                s ? s : "(nothing)");
  t = cf_fmt("/v2/feeds/%s/datastreams/0.json?start=2013-04-23T12:31:00Z&end=2013-04-23T12:40:00Z&find_previous=true", FX.feed_canon);
  s = cf_read(NULL, t);
  CF_EXPECT_STR("the datastream history with find_previous=true", cf_fmt("%s,\"version\":\"1.0.0\",%s}", CF_CANON_DS0_JSON_BODY, CF_CANON_DS0_POINTS_JSON), s ? s : "(nothing)");
}
END_TEST

START_TEST(datapoints_canonical) {
  cf_canon_write();
  const char *b = cf_fmt("/v2/feeds/%s/datastreams/0/datapoints", FX.feed_canon);
  char *s = cf_read(NULL, cf_fmt("%s/2013-04-23T12:34:56.100000Z.json", b));
  CF_EXPECT_STR("the canonical JSON of a datapoint", "{\"value\":\"21.5\",\"at\":\"2013-04-23T12:34:56.100000Z\"}", s ? s : "(nothing)");
  /* The collection holds the last 6 hours: nothing for points of 2013. */
  s = cf_read(NULL, cf_fmt("%s.json", b));
  CF_EXPECT_STR("the datapoints collection without recent points", "{\"datapoints\":[]}", s ? s : "(nothing)");
}
END_TEST

START_TEST(timestamps_to_microseconds) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, cf_fmt("%s/datapoints.json", t),
             "{\"datapoints\":[{\"at\":\"2013-04-23T10:00:00Z\",\"value\":\"t1\"},"
             "{\"at\":\"2013-04-23T12:00:00.123456+02:00\",\"value\":\"t2\"},"
             "{\"at\":\"2013-04-23T10:00:00.5Z\",\"value\":\"t3\"},"
             "{\"at\":\"2013-04-23T09:00:00.654321-01:00\",\"value\":\"t4\"},"
             "{\"at\":\"2013-04-23T10:00:00.999999Z\",\"value\":\"t5\"}]}", 1);
  char *s = cf_sub_state(c, cf_fmt("%s.json?start=2013-04-23T10:00:00Z&end=2013-04-23T10:00:01Z", t));
  const char *want = "\"datapoints\":[{\"value\":\"t1\",\"at\":\"2013-04-23T10:00:00.000000Z\"},"
                     "{\"value\":\"t2\",\"at\":\"2013-04-23T10:00:00.123456Z\"},"
                     "{\"value\":\"t3\",\"at\":\"2013-04-23T10:00:00.500000Z\"},"
                     "{\"value\":\"t4\",\"at\":\"2013-04-23T10:00:00.654321Z\"},"
                     "{\"value\":\"t5\",\"at\":\"2013-04-23T10:00:00.999999Z\"}]}";
  const char *tail = strstr(s, "\"datapoints\":");
  CF_EXPECT_STR("the datapoints written with offsets and 0 to 6 fraction digits, in UTC with 6 digits",
                want, tail ? tail : s);
  cf_disconnect(c);
}
END_TEST

START_TEST(feed_list_canonical) {
  cf_canon_write();
  char *feed = cf_read(FX.key_master, cf_fmt("/v2/feeds/%s.json", FX.feed_canon));
  if (feed == NULL) cf_fail("nothing delivered for feed %s", FX.feed_canon);
  char *s = cf_read(FX.key_master, cf_fmt("/v2/feeds.json?user=%s&tag=cfcanon", FX.owner_login));
  CF_EXPECT_STR("the canonical JSON of the feed list",
                cf_fmt("{\"totalResults\":1,\"startIndex\":0,\"itemsPerPage\":50,\"results\":[%s]}", feed), s ? s : "(nothing)");
  s = cf_read(FX.key_master, cf_fmt("/v2/feeds.json?user=%s&tag=cfcanon&per_page=1&page=2", FX.owner_login));
  CF_EXPECT_STR("the feed list page beyond the last", "{\"totalResults\":1,\"startIndex\":1,\"itemsPerPage\":1,\"results\":[]}", s ? s : "(nothing)");
}
END_TEST

START_TEST(user_canonical) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *t = cf_fmt("/v2/users/%s.json", FX.owner_login);
  cf_publish(c, t, "{\"user\":{\"full_name\":\"Some One\",\"email\":\"someone@example.org\",\"website\":\"\",\"about\":\"\",\"organisation\":\"\",\"timezone\":\"Europe/London\"}}", 1);
  char *s = cf_sub_state(c, t);
  CF_EXPECT_STR("the canonical JSON of the user",
                cf_fmt("{\"user\":{\"login\":\"%s\",\"full_name\":\"Some One\",\"email\":\"someone@example.org\",\"timezone\":\"Europe/London\",\"api_key\":\"%s\"}}",
                       FX.owner_login, FX.key_master), s);
  cf_disconnect(c);
}
END_TEST

START_TEST(key_canonical) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *t = cf_fmt("/v2/keys/%s.json", FX.key_feed);
  cf_publish(c, t, "{\"key\":{\"label\":\"cf feed\"}}", 1);
  const char *obj = cf_fmt("{\"api_key\":\"%s\",\"label\":\"cf feed\",\"private_access\":true,\"permissions\":[{\"access_methods\":[\"get\",\"put\",\"post\"],\"resources\":[{\"feed_id\":%s}]}]}",
                           FX.key_feed, FX.feed_public);
  char *s = cf_sub_state(c, t);
  CF_EXPECT_STR("the canonical JSON of the key", cf_fmt("{\"key\":%s}", obj), s);
  s = cf_sub_state(c, cf_fmt("/v2/keys.json?feed_id=%s", FX.feed_public));
  CF_EXPECT_STR("the key list filtered by feed_id", cf_fmt("{\"keys\":[%s]}", obj), s);
  s = cf_sub_state(c, cf_fmt("/v2/keys/%s.json", FX.key_master));
  CF_EXPECT_STR("the canonical JSON of the owner's master key",
                cf_fmt("{\"key\":{\"api_key\":\"%s\",\"label\":\"master\",\"private_access\":true,\"permissions\":[{\"access_methods\":[\"get\",\"put\",\"post\",\"delete\"]}]}}", FX.key_master), s);
  s = cf_sub_state(c, cf_fmt("/v2/triggers.json?feed_id=%s", FX.feed_canon));
  CF_EXPECT_STR("the empty trigger list", "[]", s);
  cf_disconnect(c);
}
END_TEST

START_TEST(values_kept_as_text) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  static const struct {
    const char *in, *out;
  } cases[] = {{"25.0", "25.0"}, {"1E3", "1E3"}, {"-0", "-0"}, {"\"00035\"", "00035"},
               {"123456789012345678901234567890", "123456789012345678901234567890"},
               {"\"  cf trimmed \\t \"", "cf trimmed"}, {"\"\"", ""},
               {"\"say \\\"hi\\\" \\\\ /\\u00e9\"", "say \\\"hi\\\" \\\\ /\xc3\xa9"}};
  (void)cf_sub_state(c, t);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_publish(c, t, cf_fmt("{\"current_value\":%s}", cases[i].in), 1);
    cf_pkt p;
    cf_expect_delivery(c, t, 0, &p, cf_fmt("after writing current_value %s", cases[i].in));
    const char *want = cf_fmt("{\"id\":\"%s\",\"current_value\":\"%s\",\"at\":\"", FX.ds_private2, cases[i].out);
    if (strncmp(p.payload, want, strlen(want)) != 0)
      cf_fail("current_value written as %s must be stored and rendered as the string \"%s\"\n  got: %s",
              cases[i].in, cases[i].out, p.payload);
    cf_pkt_free(&p);
  }
  cf_disconnect(c);
}
END_TEST

START_TEST(string_escapes_and_unset) {
  const char *t = cf_fmt("/v2/feeds/%s.json", FX.feed_private);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, t, "{\"description\":\"a\\\"b\\\\c/d\\te\\nf\\r\\u2028\xc3\xa9\"}", 1);
  /* Other control characters are refused in stored strings (XB-RES-3): no change. */
  cf_publish(c, t, "{\"description\":\"bad\\u0008\"}", 1);
  cf_publish(c, t, "{\"description\":\"bad\\u001f\"}", 1);
  char *s = cf_sub_state(c, t);
  const char *want = "\"description\":\"a\\\"b\\\\c/d\\te\\nf\\r\xe2\x80\xa8\xc3\xa9\"";
  if (strstr(s, want) == NULL) {
    char *got = cf_json_str(s, "description");
    cf_fail("description must be escaped exactly as spec/json.md XB-JSON-4 (and a later write holding "
            "U+0008 or U+001F refused, XB-RES-3)\n  expected member: %s\n  got: %s\n  (value read: %s)",
            want, s, got ? got : "(absent)");
  }
  cf_unsubscribe(c, t);
  cf_publish(c, t, "{\"description\":null}", 1);
  s = cf_sub_state(c, t);
  if (strstr(s, "\"description\"") != NULL) cf_fail("description set to null must be omitted (XB-RES-4)\n  got: %s", s);
  cf_unsubscribe(c, t);
  cf_publish(c, t, "{\"description\":\"x\"}", 1);
  cf_publish(c, t, "{\"description\":\"  \"}", 1);
  s = cf_sub_state(c, t);
  if (strstr(s, "\"description\"") != NULL) cf_fail("description set to blanks (empty after trimming) must be omitted (XB-RES-4, XB-RES-2)\n  got: %s", s);
  cf_disconnect(c);
}
END_TEST

START_TEST(partial_update) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, t, "{\"current_value\":\"p1\",\"tags\":[\"cf,tag\",\"cf tag\",\"'b'\",\"\\\"b\\\"\"],\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"}}", 1);
  cf_publish(c, t, "{\"current_value\":\"p2\"}", 1);
  char *s = cf_sub_state(c, t);
  if (strstr(s, "\"current_value\":\"p2\"") == NULL ||
      strstr(s, "\"tags\":[\"cftag\",\"cf tag\",\"b\"],\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"},\"version\":\"1.0.0\"}") == NULL)
    cf_fail("a write of current_value alone must keep tags and unit; tags lose \" ' , and duplicates (XB-RES-16, XB-RES-40)\n"
            "  expected: ...\"current_value\":\"p2\"...\"tags\":[\"cftag\",\"cf tag\",\"b\"],\"unit\":{...},\"version\":\"1.0.0\"}\n  got: %s", s);
  cf_unsubscribe(c, t);
  cf_publish(c, t, "{\"unit\":{\"symbol\":\"K\"}}", 1);
  s = cf_sub_state(c, t);
  if (strstr(s, "\"unit\":{\"label\":\"Celsius\",\"symbol\":\"K\",\"type\":\"derivedSI\"}") == NULL)
    cf_fail("a unit write naming only symbol must keep label and type (XB-RES-58)\n  got: %s", s);
  cf_unsubscribe(c, t);
  cf_publish(c, t, "{\"tags\":[],\"unit\":{\"label\":\"\",\"symbol\":\"\",\"type\":\"\"}}", 1);
  s = cf_sub_state(c, t);
  if (strstr(s, "\"tags\"") != NULL || strstr(s, "\"unit\"") != NULL || strstr(s, "\"current_value\":\"p2\"") == NULL)
    cf_fail("an empty tag list and empty unit parts must remove them, keeping the value (XB-RES-40, XB-RES-4, XB-JSON-3)\n  got: %s", s);
  cf_disconnect(c);
}
END_TEST

START_TEST(write_back_read) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, t, "{\"current_value\":\"21\",\"max_value\":\"30\",\"min_value\":\"10\",\"tags\":[\"x\"]}", 1);
  char *before = cf_sub_state(c, t);
  cf_publish(c, t, before, 1);
  cf_expect_nothing(c, "after publishing the datastream's own representation back to it");
  char *after = cf_read(FX.key_master, t);
  CF_EXPECT_STR("the datastream after writing back its representation", before, after ? after : "(nothing)");
  cf_disconnect(c);
}
END_TEST

/* Each payload to ds_public must change nothing and notify nobody; QoS 1 is still
 * acknowledged (cf_publish checks the PUBACK). */
static void no_effect(const char *const *payloads, const size_t *lens, size_t n, const char *kind) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_public, FX.ds_public);
  cf_conn *o = cf_client("observer", FX.key_master);
  cf_conn *w = cf_client("writer", FX.key_master);
  /* Control: a valid write on the same path is executed and notified. */
  (void)cf_sub_state(o, t);
  cf_publish(w, t, cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("ctl")), 1);
  cf_pkt cp;
  cf_expect_delivery(o, t, 0, &cp, "after a valid JSON write (control)");
  cf_pkt_free(&cp);
  char *before = cf_read(FX.key_master, t);
  for (size_t i = 0; i < n; i++) {
    size_t len = lens ? lens[i] : strlen(payloads[i]);
    cf_publish_n(w, t, payloads[i], len, 1);
    char esc[400];
    cf_escape(payloads[i], len, esc, sizeof esc);
    cf_expect_nothing(o, cf_fmt("after the %s payload \"%s\"", kind, esc));
  }
  char *after = cf_read(FX.key_master, t);
  CF_EXPECT_STR(cf_fmt("the datastream after %zu %s payloads", n, kind), before, after ? after : "(nothing)");
  cf_disconnect(w);
  cf_disconnect(o);
}

START_TEST(malformed_json_no_effect) {
  static char deep[200];
  size_t k = 0;
  k += (size_t)snprintf(deep, sizeof deep, "{\"x\":");
  for (int i = 0; i < 32; i++) deep[k++] = '[';
  for (int i = 0; i < 32; i++) deep[k++] = ']';
  snprintf(deep + k, sizeof deep - k, ",\"current_value\":\"deep\"}");
  const char *p[] = {
      "{\"current_value\":\"1\",}", "{\"current_value\":\"1\",\"current_value\":\"2\"}",
      "{'current_value':'1'}", "{\"current_value\":NaN}", "{\"current_value\":01}",
      "{\"current_value\":.5}", "{\"current_value\":5.}", "{\"current_value\":+1}",
      "{\"current_value\":0x10}", "{\"current_value\":Infinity}", "{\"current_value\":\"1\"} x",
      "{\"current_value\":\"1\"}{}", "", "   \r\n\t", "\xef\xbb\xbf{\"current_value\":\"bom\"}",
      "{\"current_value\":\"\xc0\x80\"}", "{\"current_value\":\"\xed\xa0\x80\"}",
      "{\"current_value\":\"a\x01\"}", "{\"current_value\":\"\\ud800\"}",
      "{\"current_value\":\"\\udc00x\"}", "{\"current_value\":\"\\x\"}", deep,
      "{\"a\":1,\"\\u0061\":2,\"current_value\":\"dup\"}", "/* c */{\"current_value\":\"1\"}",
      "{\"current_value\":True}", "{current_value:\"1\"}", "{\"current_value\":\"1\"",
      "{\"x\":{\"y\":1,\"y\":2},\"current_value\":\"dup\"}", "{\"current_value\":\"\xff\"}",
  };
  no_effect(p, NULL, sizeof p / sizeof p[0], "malformed JSON");
}
END_TEST

START_TEST(invalid_json_no_effect) {
  static char big[300];
  memset(big, 'v', 256);
  const char *p[] = {
      "[]", "\"x\"", "42", "null", "{\"current_value\":true}", "{\"current_value\":null}",
      "{\"current_value\":{\"a\":1}}", "{\"current_value\":[\"1\"]}",
      "{\"version\":\"0.6-alpha\",\"current_value\":\"1\"}",
      "{\"current_value\":\"1\",\"at\":\"2013-02-30T00:00:00Z\"}",
      "{\"current_value\":\"1\",\"at\":\"2013-04-23 12:00:00Z\"}",
      "{\"current_value\":\"1\",\"at\":\"2013-04-23T12:00:00.1234567Z\"}",
      "{\"current_value\":\"1\",\"at\":1366718400}", "{\"current_value\":\"a\\u0001b\"}",
      cf_fmt("{\"current_value\":\"%s\"}", big), "{\"current_value\":\"1\",\"tags\":\"x\"}",
      "{\"current_value\":\"1\",\"max_value\":\"abc\"}",
      "{\"current_value\":\"1\",\"unit\":{\"type\":\"bogus\"}}",
      "{\"current_value\":\"1\",\"tags\":[1]}",
      "{\"datapoints\":[{\"value\":\"1\"}]}",
  };
  no_effect(p, NULL, sizeof p / sizeof p[0], "invalid");
}
END_TEST

static char *ds_doc(const char *feed, const char *ds) {
  char *s = cf_read(FX.key_master, cf_fmt("/v2/feeds/%s/datastreams/%s.json", feed, ds));
  if (s == NULL) cf_fail("nothing delivered for datastream %s of feed %s", ds, feed);
  return s;
}

static void expect_member(const char *doc, const char *member, const char *why) {
  if (strstr(doc, member) == NULL) cf_fail("%s\n  expected member: %s\n  got: %s", why, member, doc);
}

START_TEST(min_max_tracking) {
  const char *t = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, t, "{\"max_value\":\"\",\"min_value\":\"\",\"current_value\":\"on\"}", 1);
  char *s = ds_doc(FX.feed_private, FX.ds_private2);
  if (strstr(s, "max_value") != NULL || strstr(s, "min_value") != NULL)
    cf_fail("empty max_value/min_value unset them and a non-numeric value sets neither (XB-RES-57, XB-RES-56)\n  got: %s", s);
  static const struct {
    const char *in, *max, *min;
  } steps[] = {{"25.0", "25.0", "25.0"}, {"25", "25.0", "25.0"}, {"\"3.5e1\"", "3.5e1", "25.0"},
               {"\"00010\"", "3.5e1", "00010"}, {"\"on\"", "3.5e1", "00010"}, {"\"1e999\"", "3.5e1", "00010"},
               {"\"0x10\"", "3.5e1", "00010"}, {"\"-.5\"", "3.5e1", "-.5"}, {"\"+1E+2\"", "+1E+2", "-.5"}};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    cf_publish(c, t, cf_fmt("{\"current_value\":%s}", steps[i].in), 1);
    s = ds_doc(FX.feed_private, FX.ds_private2);
    expect_member(s, cf_fmt("\"max_value\":\"%s\",\"min_value\":\"%s\"", steps[i].max, steps[i].min),
                  cf_fmt("after writing %s, max/min must be compared as numbers, equal values keep the stored text, non-numbers ignored", steps[i].in));
  }
  cf_publish(c, t, "{\"max_value\":\"100\",\"current_value\":\"150\"}", 1);
  s = ds_doc(FX.feed_private, FX.ds_private2);
  expect_member(s, "\"max_value\":\"150\"", "an explicit max_value is applied first, then the written value updates it (XB-RES-57)");
  cf_disconnect(c);
}
END_TEST

START_TEST(one_datapoint_per_instant) {
  const char *b = cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  char *v1 = cf_uvalue("p"), *v2 = cf_uvalue("p"), *v3 = cf_uvalue("p");
  cf_publish(c, cf_fmt("%s.json", b),
             cf_fmt("{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\",\"value\":\"%s\"},"
                    "{\"at\":\"2013-04-23T12:00:00+01:00\",\"value\":\"%s\"}]}", v1, v2), 1);
  char *s = cf_read(FX.key_master, cf_fmt("%s/2013-04-23T11:00:00Z.json", b));
  CF_EXPECT_STR("two values for one instant in one request: the later wins",
                cf_fmt("{\"value\":\"%s\",\"at\":\"2013-04-23T11:00:00.000000Z\"}", v2), s ? s : "(nothing)");
  cf_publish(c, cf_fmt("%s.json", b), cf_fmt("{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00.000Z\",\"value\":\"%s\"}]}", v3), 1);
  s = cf_read(FX.key_master, cf_fmt("%s/2013-04-23T11:00:00Z.json", b));
  CF_EXPECT_STR("a later write at the same instant replaces the value",
                cf_fmt("{\"value\":\"%s\",\"at\":\"2013-04-23T11:00:00.000000Z\"}", v3), s ? s : "(nothing)");
  s = cf_read(FX.key_master, cf_fmt("%s.json?start=2013-04-23T11:00:00Z&end=2013-04-23T11:00:00Z", cf_fmt("/v2/feeds/%s/datastreams/%s", FX.feed_private, FX.ds_private2)));
  if (s == NULL || strstr(s, cf_fmt("\"datapoints\":[{\"value\":\"%s\",\"at\":\"2013-04-23T11:00:00.000000Z\"}]", v3)) == NULL)
    cf_fail("the instant must hold exactly one datapoint\n  got: %s", s ? s : "(nothing)");
  /* A datapoint PUT never creates one. */
  cf_publish(c, cf_fmt("%s/1999-01-01T00:00:00Z.json", b), "{\"value\":\"x\"}", 1);
  s = cf_read(FX.key_master, cf_fmt("%s/1999-01-01T00:00:00Z.json", b));
  if (s != NULL) cf_fail("a PUT of a missing datapoint must not create it (XB-RES-65)\n  got: %s", s);
  cf_disconnect(c);
}
END_TEST

START_TEST(invalid_feed_writes_no_effect) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_private);
  cf_conn *o = cf_client("observer", FX.key_master);
  cf_conn *w = cf_client("writer", FX.key_master);
  (void)cf_sub_state(o, ft);
  cf_publish(w, ft, cf_fmt("{\"description\":\"%s\"}", cf_uvalue("ctl")), 1); /* control */
  cf_pkt p;
  cf_expect_delivery(o, ft, 0, &p, "after a valid feed write (control)");
  cf_pkt_free(&p);
  char *before = cf_read(FX.key_master, ft);
  static char tags[2000];
  size_t k = (size_t)snprintf(tags, sizeof tags, "{\"tags\":[");
  for (int i = 0; i < 33; i++) k += (size_t)snprintf(tags + k, sizeof tags - k, "%s\"t%d\"", i ? "," : "", i);
  snprintf(tags + k, sizeof tags - k, "]}");
  const char *bad[] = {
      "{\"title\":\"\"}", "{\"title\":null}", "{\"title\":[\"x\"]}", "{\"private\":\"TRUE\"}",
      "{\"private\":1}", "{\"website\":\"ftp://example.org\"}", "{\"website\":\"http://\"}",
      "{\"email\":\"no-at-sign\"}", "{\"email\":\"a@b@c\"}", "{\"location\":{\"lat\":91}}",
      "{\"location\":{\"lon\":\"-180.5\"}}", "{\"location\":{\"lat\":\"abc\"}}",
      "{\"location\":{\"disposition\":\"Fixed\"}}", "{\"location\":{\"exposure\":\"outside\"}}",
      tags, cf_fmt("{\"tags\":[\"%065d\"]}", 0), "{\"datastreams\":[{\"current_value\":\"1\"}]}",
      "{\"datastreams\":[{\"id\":\"bad id\"}]}", "{\"datastreams\":[{\"id\":-1}]}", "[]",
      "{\"datastreams\":{\"id\":\"x\"}}", "{\"description\":\"ok\",\"title\":\"\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cf_publish(w, ft, bad[i], 1);
    cf_expect_nothing(o, cf_fmt("after the invalid feed write %s", bad[i]));
  }
  /* Creating a datastream that exists is a conflict. */
  const char *coll = cf_fmt("/v2/feeds/%s/datastreams.json", FX.feed_private);
  cf_publish(w, coll, cf_fmt("{\"datastreams\":[{\"id\":\"%s\",\"current_value\":\"dup\"}]}", FX.ds_private2), 1);
  cf_expect_nothing(o, "after a datastreams POST of an existing id");
  char *after = cf_read(FX.key_master, ft);
  CF_EXPECT_STR("the feed after invalid writes", before, after ? after : "(nothing)");
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

START_TEST(ignored_attributes) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_private);
  char *before = cf_read(FX.key_master, ft);
  char *created = before ? cf_json_str(before, "created") : NULL;
  cf_conn *c = cf_client("A", FX.key_master);
  char *v = cf_uvalue("desc");
  cf_publish(c, ft, cf_fmt("{\"id\":999,\"feed\":\"x\",\"status\":\"frozen\",\"created\":\"2000-01-01T00:00:00Z\","
                           "\"updated\":\"2000-01-01T00:00:00Z\",\"creator\":\"x\",\"version\":\"1.0.0\",\"user\":{\"login\":\"x\"},"
                           "\"unknown\":{\"a\":[1,{\"b\":null}]},\"auto_feed_url\":\"http://example.org\",\"product_id\":\"p\",\"device_serial\":\"SN1\","
                           "\"location\":{\"waypoints\":[{\"at\":\"2013-01-01T00:00:00Z\",\"lat\":1,\"lon\":1}]},"
                           "\"description\":\"%s\"}", v), 1);
  char *s = cf_read(FX.key_master, ft);
  if (s == NULL) cf_fail("nothing delivered for %s", ft);
  expect_member(s, cf_fmt("{\"id\":%s,", FX.feed_private), "id is read-only");
  expect_member(s, "\"status\":\"live\"", "status is computed (live after a write)");
  expect_member(s, cf_fmt("\"description\":\"%s\"", v), "the description of the write is applied");
  expect_member(s, cf_fmt("\"created\":\"%s\"", created ? created : "?"), "created never changes");
  if (strstr(s, "auto_feed_url") || strstr(s, "product_id") || strstr(s, "device_serial") || strstr(s, "unknown") || strstr(s, "waypoints"))
    cf_fail("unknown, unsupported and read-only members must be ignored\n  got: %s", s);
  cf_disconnect(c);
}
END_TEST

START_TEST(request_time_once) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_private);
  cf_conn *c = cf_client("A", FX.key_master);
  char *b1 = cf_read(FX.key_master, ft);
  cf_publish(c, ft, cf_fmt("{\"datastreams\":[{\"id\":\"%s\",\"current_value\":\"%s\"},{\"id\":\"%s\",\"current_value\":\"%s\"}]}",
                           FX.ds_private, cf_uvalue("t"), FX.ds_private2, cf_uvalue("t")), 1);
  char *s = cf_read(FX.key_master, ft);
  char *updated = s ? cf_json_str(s, "updated") : NULL;
  char *a1 = cf_json_str(ds_doc(FX.feed_private, FX.ds_private), "at");
  char *a2 = cf_json_str(ds_doc(FX.feed_private, FX.ds_private2), "at");
  if (updated == NULL || a1 == NULL || a2 == NULL || strcmp(updated, a1) != 0 || strcmp(a1, a2) != 0)
    cf_fail("one request has one request time: both values' at and the feed's updated must be equal (XB-RES-8, XB-RES-35)\n"
            "  updated: %s\n  at 1: %s\n  at 2: %s", updated ? updated : "?", a1 ? a1 : "?", a2 ? a2 : "?");
  char *u0 = b1 ? cf_json_str(b1, "updated") : NULL;
  if (u0 == NULL || strcmp(u0, updated) >= 0) cf_fail("updated must move forward with a write\n  before: %s\n  after: %s", u0 ? u0 : "?", updated);
  /* An at without current_value is ignored. */
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private), "{\"at\":\"2013-01-01T00:00:00Z\"}", 1);
  char *a3 = cf_json_str(ds_doc(FX.feed_private, FX.ds_private), "at");
  if (a3 == NULL || strcmp(a3, a1) != 0) cf_fail("an at without current_value must be ignored (XB-RES-54)\n  before: %s\n  after: %s", a1, a3 ? a3 : "?");
  cf_publish(c, ft, "{}", 1);
  char *u2 = cf_json_str(cf_read(FX.key_master, ft), "updated");
  if (u2 == NULL || strcmp(updated, u2) >= 0)
    cf_fail("an empty feed write {} must still set updated (XB-RES-35)\n  before: %s\n  after: %s", updated, u2 ? u2 : "?");
  cf_disconnect(c);
}
END_TEST

void cf_area_json(cf_reg *r) {
  CF_ADD(r, datastream_canonical, "XB-JSON-1 XB-JSON-2 XB-JSON-5 XB-JSON-7 XB-JSON-12 XB-RES-7 XB-RES-53 XB-RES-57",
         "datastream read: exact compact JSON, member order, strings, 6-digit UTC timestamps");
  CF_ADD(r, feed_canonical, "XB-JSON-1 XB-JSON-2 XB-JSON-3 XB-JSON-6 XB-JSON-8 XB-JSON-9 XB-JSON-10 XB-RES-36 XB-RES-37 XB-RES-38 XB-RES-44 XB-RES-59",
         "feed read: exact JSON with feed/creator URLs, status, location, datastreams by id, never-written one");
  CF_ADD(r, feed_show_user, "XB-TOPIC-29 XB-AUTHZ-24 XB-JSON-8",
         "show_user=true adds the owner's login, also for an anonymous reader");
  CF_ADD(r, feed_history_canonical, "XB-JSON-11 XB-TOPIC-20 XB-TOPIC-23 XB-RES-67",
         "feed history: datapoints of the window last in each datastream");
  CF_ADD(r, datastream_history_canonical, "XB-JSON-12 XB-TOPIC-23 XB-TOPIC-26 XB-TOPIC-27",
         "datastream history: window, limit keeps the earliest, find_previous");
  CF_ADD(r, datapoints_canonical, "XB-JSON-13 XB-RES-68 XB-TOPIC-10",
         "datapoint read and empty datapoints collection");
  CF_ADD(r, timestamps_to_microseconds, "XB-RES-6 XB-RES-7 XB-JSON-7 XB-TOPIC-9 XB-TOPIC-23",
         "timestamps with offsets and 0..6 fraction digits are stored to the microsecond, rendered UTC with 6 digits");
  CF_ADD(r, feed_list_canonical, "XB-JSON-14 XB-TOPIC-31 XB-TOPIC-32",
         "feed list: totals, page, byte-identical feed in results, page beyond the last");
  CF_ADD(r, user_canonical, "XB-JSON-17 XB-AUTHZ-15",
         "user read: exact JSON with the master key, unset members omitted");
  CF_ADD(r, key_canonical, "XB-JSON-15 XB-JSON-16 XB-RES-30 XB-RES-74 XB-TOPIC-30 XB-AUTHZ-13",
         "key read, the master key, key list by feed_id, empty trigger list: exact JSON");
  CF_ADD(r, values_kept_as_text, "XB-JSON-26 XB-JSON-29 XB-RES-60 XB-RES-2 XB-RES-5",
         "numbers kept as their source text, strings trimmed, empty value kept, escapes decoded");
  CF_ADD(r, string_escapes_and_unset, "XB-JSON-4 XB-RES-3 XB-RES-4 XB-RES-2",
         "output escapes exactly as specified; null and blank unset an optional attribute");
  CF_ADD(r, partial_update, "XB-RES-16 XB-RES-40 XB-RES-58 XB-JSON-3",
         "a write changes only what it names; tag cleaning; empty tags and unit remove them");
  CF_ADD(r, write_back_read, "XB-JSON-42 XB-SUB-11",
         "a datastream's representation published back changes nothing");
  CF_ADD(r, min_max_tracking, "XB-RES-9 XB-RES-55 XB-RES-56 XB-RES-57",
         "max/min follow numeric values by value, keep equal text, ignore non-numbers; explicit values first");
  CF_ADD(r, one_datapoint_per_instant, "XB-RES-61 XB-RES-62 XB-RES-65 XB-JSON-37 XB-JSON-38",
         "one datapoint per instant, the last value wins; a datapoint PUT never creates");
  CF_ADD(r, invalid_feed_writes_no_effect,
         "XB-RES-10 XB-RES-11 XB-RES-12 XB-RES-14 XB-RES-19 XB-RES-39 XB-RES-40 XB-RES-43 XB-RES-48 XB-RES-50 XB-JSON-30 XB-JSON-33 XB-JSON-36",
         "23 invalid feed writes (title, private, URLs, email, location, tags, datastream ids, conflict) change nothing");
  CF_ADD(r, ignored_attributes, "XB-RES-17 XB-RES-18 XB-RES-34 XB-RES-42 XB-RES-46 XB-JSON-32 XB-EXC-23",
         "read-only, unknown and unsupported members are ignored; created never changes");
  CF_ADD(r, request_time_once, "XB-RES-8 XB-RES-35 XB-RES-54",
         "one request time for every value of a request and the feed's updated; {} still updates");
  CF_ADD(r, malformed_json_no_effect, "XB-JSON-19 XB-JSON-20 XB-JSON-21 XB-JSON-22 XB-JSON-23 XB-JSON-24 XB-RES-22 XB-ERR-42 XB-MAP-11 XB-MAP-16",
         "29 malformed JSON payloads: acknowledged, no change, no notification");
  CF_ADD(r, invalid_json_no_effect, "XB-JSON-28 XB-JSON-29 XB-JSON-30 XB-JSON-31 XB-JSON-34 XB-RES-3 XB-RES-5 XB-RES-6 XB-RES-20 XB-ERR-43",
         "20 well-formed but invalid payloads: no change, nothing partly applied");
}
