/*
 * Area "topics": every accepted topic form (spec/topics.md §2..§4) and the rejected
 * ones (§6): a rejected SUBSCRIBE filter gets SUBACK 00 and nothing, a PUBLISH to a
 * rejected topic is acknowledged and has no effect, the connection stays open.
 * CSV, XML and v1 forms are checked in the formats-csv and formats-xml areas.
 */
#include <string.h>

#include "cf_check.h"

#define FX cf_fx

static const char *ds_path(void) {
  return cf_fmt("v2/feeds/%s/datastreams/%s", FX.feed_public, FX.ds_public);
}

/* Subscribe each filter in turn on c and require its initial state on that topic; the
 * JSON payloads of all of them must be byte-identical (same request, same state). */
static void same_state(cf_conn *c, const char *const *topics, size_t n) {
  char *first = NULL;
  for (size_t i = 0; i < n; i++) {
    char *s = cf_sub_state(c, topics[i]);
    if (first == NULL) first = s;
    else if (strcmp(first, s) != 0)
      cf_fail("\"%s\" and \"%s\" name the same resource in the same format but their states "
              "differ\n  first: %s\n  this:  %s", topics[0], topics[i], first, s);
  }
}

START_TEST(feed_forms) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *f = FX.feed_public;
  const char *t[] = {cf_fmt("/v2/feeds/%s.json", f), cf_fmt("v2/feeds/%s.json", f),
                     cf_fmt("/v2/feeds/%s", f), cf_fmt("v2/feeds/%s", f)};
  same_state(c, t, 4);
  cf_disconnect(c);
}
END_TEST

START_TEST(datastream_forms) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *p = ds_path();
  const char *t[] = {cf_fmt("/%s.json", p), cf_fmt("%s.json", p), cf_fmt("/%s", p), p};
  same_state(c, t, 4);
  cf_disconnect(c);
}
END_TEST

START_TEST(key_prefix_forms) {
  cf_conn *c = cf_client("anon", NULL);
  const char *k = FX.key_master, *f = FX.feed_private;
  const char *t[] = {cf_fmt("%s/v2/feeds/%s.json", k, f), cf_fmt("%s/v2/feeds/%s", k, f)};
  same_state(c, t, 2);
  const char *d[] = {cf_fmt("%s/v2/feeds/%s/datastreams/%s.json", k, f, FX.ds_private),
                     cf_fmt("%s/v2/feeds/%s/datastreams/%s", k, f, FX.ds_private)};
  same_state(c, d, 2);
  cf_disconnect(c);
}
END_TEST

/* Put a datapoint at a fixed instant in the past of ds_public: older than its current
 * value, so the current state does not change, and the same each run. */
static void history_point(cf_conn *w) {
  cf_publish(w, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.json", FX.feed_public, FX.ds_public),
             "{\"datapoints\":[{\"at\":\"2013-04-23T12:00:00Z\",\"value\":\"cf point\"}]}", 1);
}

START_TEST(other_resource_forms) {
  cf_conn *c = cf_client("A", FX.key_master);
  history_point(c);
  const char *dp = cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints", FX.feed_public, FX.ds_public);
  const struct {
    const char *topic;
    const char *starts;
  } cases[] = {
      {"/v2/feeds.json", "{\"totalResults\":"},
      {"/v2/feeds", "{\"totalResults\":"},
      {cf_fmt("%s.json", dp), "{\"datapoints\":["},
      {cf_fmt("%s/2013-04-23T12:00:00Z.json", dp),
       "{\"value\":\"cf point\",\"at\":\"2013-04-23T12:00:00.000000Z\"}"},
      {"/v2/keys.json", "{\"keys\":["},
      {cf_fmt("/v2/keys/%s.json", FX.key_readonly), "{\"key\":{"},
      {"/v2/triggers.json", "["},
      {"/v2/users.json", "{\"users\":["},
      {cf_fmt("/v2/users/%s.json", FX.owner_login), "{\"user\":{"},
      {cf_fmt("/v2/users/%s", FX.owner_login), "{\"user\":{"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *t = cases[i].topic;
    char *s = cf_sub_state(c, t);
    if (strncmp(s, cases[i].starts, strlen(cases[i].starts)) != 0)
      cf_fail("the state of \"%s\" should start with %s\n  got: %s", t, cases[i].starts, s);
  }
  cf_disconnect(c);
}
END_TEST

START_TEST(query_forms) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *f = cf_fmt("/v2/feeds/%s", FX.feed_public);
  const char *d = cf_fmt("/%s", ds_path());
  const char *accepted[] = {
      cf_fmt("%s.json?duration=6hours", f),
      cf_fmt("%s.json?duration=1hour&interval=60", f),
      cf_fmt("%s.json?datastreams=%s,%s&show_user=true", f, FX.ds_public, FX.ds_never),
      cf_fmt("%s.json?start=2013-04-23T11:00:00-01:00&end=2013-04-23T13:00:00Z&limit=5&find_previous=true", d),
      cf_fmt("%s.json?duration=2days&interval=900&interval_type=discrete", d),
      cf_fmt("%s?duration=6hours", d),
      "/v2/feeds.json?per_page=10&page=1&q=cf&status=all&show_user=false",
      cf_fmt("/v2/feeds.json?user=%s&tag=cfcanon", FX.owner_login),
      cf_fmt("/v2/keys.json?feed_id=%s", FX.feed_public),
      cf_fmt("/v2/triggers.json?feed_id=%s", FX.feed_public),
  };
  for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) (void)cf_sub_state(c, accepted[i]);
  /* Parameters in any order have the same meaning. */
  const char *a = cf_fmt("%s.json?start=2013-04-23T11:00:00Z&end=2013-04-23T13:00:00Z&limit=3", d);
  const char *b = cf_fmt("%s.json?limit=3&end=2013-04-23T13:00:00Z&start=2013-04-23T11:00:00Z", d);
  const char *t[] = {a, b};
  same_state(c, t, 2);
  cf_disconnect(c);
}
END_TEST

START_TEST(same_instant_same_datapoint) {
  cf_conn *c = cf_client("A", FX.key_master);
  history_point(c);
  const char *base = cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints/", FX.feed_public, FX.ds_public);
  const char *t[] = {cf_fmt("%s2013-04-23T12:00:00Z.json", base),
                     cf_fmt("%s2013-04-23T12:00:00.000000Z.json", base),
                     cf_fmt("%s2013-04-23T12:00:00.0Z.json", base),
                     cf_fmt("%s2013-04-23T11:00:00-01:00.json", base)};
  same_state(c, t, 4);
  cf_disconnect(c);
}
END_TEST

/* SUBSCRIBE each filter on c: SUBACK 00, nothing delivered; then a write to ds_public
 * by w must deliver nothing either. Unsubscribes afterwards (the subscription limit). */
static void silent_filters(const char *const *filters, size_t n, const char *why) {
  cf_conn *c = cf_client("S", FX.key_master);
  cf_conn *w = cf_client("writer", FX.key_master);
  /* Control: the same connection does get states and notifications of a valid filter. */
  const char *control = cf_fmt("/%s.json", ds_path());
  (void)cf_sub_state(c, control);
  cf_publish(w, control, cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("ctl")), 1);
  cf_pkt cp;
  cf_expect_delivery(c, control, 0, &cp, "for the control subscription after a write");
  cf_pkt_free(&cp);
  cf_unsubscribe(c, control);
  for (size_t i = 0; i < n; i++) {
    cf_sub_nothing(c, filters[i], why);
    if ((i + 1) % 30 == 0 || i + 1 == n) {
      cf_publish(w, cf_fmt("/%s.json", ds_path()),
                 cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("t")), 1);
      cf_expect_nothing(c, cf_fmt("after a write to %s, with only %s filters subscribed", ds_path(), why));
      for (size_t j = i - (i % 30); j <= i; j++) cf_unsubscribe(c, filters[j]);
    }
  }
  cf_disconnect(w);
  cf_disconnect(c);
}

START_TEST(wildcard_filters) {
  const char *f = FX.feed_public;
  const char *t[] = {"#", "+", "/v2/feeds/+.json", cf_fmt("/v2/feeds/%s/#", f),
                     cf_fmt("+/v2/feeds/%s.json", f), cf_fmt("/%s/+", ds_path()),
                     cf_fmt("/v2/feeds/%s/datastreams/#", f), "/v2/#", "/+/feeds/#"};
  silent_filters(t, sizeof t / sizeof t[0], "wildcard");
}
END_TEST

static const char *const *non_api(size_t *n) {
  const char *f = FX.feed_public, *k = FX.key_master;
  const char *d = ds_path();
  static const char *t[48];
  size_t i = 0;
  t[i++] = "hello";
  t[i++] = "$SYS/broker/uptime";
  t[i++] = cf_fmt("/v3/feeds/%s", f);
  t[i++] = cf_fmt("/v2/feeds/%s/", f);
  t[i++] = "/v2//feeds";
  t[i++] = cf_fmt("/v2/feeds/0%s.json", f);
  t[i++] = cf_fmt("/v2/Feeds/%s.json", f);
  t[i++] = cf_fmt("/v2/feeds/%s/datastreams/", f);
  t[i++] = cf_fmt("/%s/v2/feeds/%s.json", k, f);
  t[i++] = cf_fmt("%s//v2/feeds/%s.json", k, f);
  t[i++] = cf_fmt("short/v2/feeds/%s.json", f);
  t[i++] = cf_fmt("/v2/feeds/%s.txt", f);
  t[i++] = cf_fmt("/v2/feeds/%s.JSON", f);
  t[i++] = cf_fmt("/v2/feeds/%s.json.json", f);
  t[i++] = "/v2/feeds/2147483648.json";
  t[i++] = "/v2/feeds/99999999999.json";
  t[i++] = cf_fmt("//v2/feeds/%s.json", f);
  t[i++] = cf_fmt(" /v2/feeds/%s.json", f);
  t[i++] = cf_fmt("/v2/feeds/%s.json ", f);
  t[i++] = cf_fmt("/v2/feeds/%s\x01.json", f);
  t[i++] = cf_fmt("/v2/feeds/%s/datastreams/bad!id.json", f);
  t[i++] = cf_fmt("/%s/datapoints/2013-02-30T00:00:00Z.json", d);
  t[i++] = cf_fmt("/%s/datapoints/2013-04-23T24:00:00Z.json", d);
  t[i++] = cf_fmt("/%s/datapoints/2013-04-23t12:00:00z.json", d);
  t[i++] = cf_fmt("/%s/datapoints/2013-04-23T12:00:00.1234567Z.json", d);
  t[i++] = cf_fmt("/v2/feeds/%s/datapoints", f);
  t[i++] = "/v2/users/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json";
  t[i++] = "/v2/products.json";
  t[i++] = "/v2/products/p1/devices.json";
  t[i++] = "/v2/devices/s1.json";
  t[i++] = cf_fmt("/v1/feeds/%s.json", f);
  t[i++] = cf_fmt("/v1/feeds/%s.xml", f);
  t[i++] = cf_fmt("/api/%s.csv", f);
  t[i++] = cf_fmt("/api/feeds/%s.xml", f);
  t[i++] = cf_fmt("/v2/feeds/%s.png", f);
  t[i++] = cf_fmt("/api/%s.json", f);
  t[i++] = cf_fmt("/v2/feeds/%%3%s.json", f);
  t[i++] = cf_fmt("/%s.csv.json", d);
  *n = i;
  return t;
}

START_TEST(non_api_filters) {
  size_t n;
  const char *const *t = non_api(&n);
  silent_filters(t, n, "non-API topic");
}
END_TEST

START_TEST(bad_query_filters) {
  const char *f = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  const char *d = cf_fmt("/%s.json", ds_path());
  const char *t[] = {
      cf_fmt("%s?callback=f", f),
      cf_fmt("%s?duration=1hour&limit=5&limit=6", d),
      cf_fmt("%s?", f),
      cf_fmt("%s?duration=6hours&&interval=60", f),
      cf_fmt("%s?duration=6hours&", f),
      cf_fmt("%s?duration", f),
      cf_fmt("%s?duration=", f),
      cf_fmt("%s?start=2013-02-30T00:00:00Z", f),
      cf_fmt("%s?interval=60", d),
      cf_fmt("%s?limit=5", d),
      cf_fmt("%s?duration=6hours&interval=86401", d),
      cf_fmt("%s?duration=1hour&interval_type=discrete", d),
      cf_fmt("%s?start=2013-04-23T13:00:00Z&end=2013-04-23T12:00:00Z", d),
      cf_fmt("%s?start=2013-04-23T12:00:00Z&end=2013-04-23T13:00:00Z&duration=1hour", d),
      cf_fmt("%s?duration=1hour&limit=1001", d),
      cf_fmt("%s?duration=0hours", d),
      cf_fmt("%s?duration=1fortnight", d),
      cf_fmt("%s?datastreams=%s", d, FX.ds_public),
      cf_fmt("%s?show_user=TRUE", f),
      cf_fmt("%s?key=%s", f, FX.key_master),
      cf_fmt("%s?page=1", f),
      cf_fmt("%s?time=2013-04-23T12:00:00Z", d),
      cf_fmt("%s?duration=1hour&per_page=10", d),
      cf_fmt("%s?duration=1hour&page=2", d),
      cf_fmt("%s?duration=1hour&timezone=UTC", d),
      cf_fmt("%s?_method=delete", d),
      cf_fmt("%s?X-ApiKey=%s", f, FX.key_master),
      "/v2/feeds.json?per_page=1001",
      "/v2/feeds.json?status=dead",
      "/v2/feeds.json?feed_id=1",
      "/v2/feeds.json?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "/v2/keys.json?page=1",
      cf_fmt("/v2/users/%s.json?show_user=true", FX.owner_login),
  };
  silent_filters(t, sizeof t / sizeof t[0], "bad query");
}
END_TEST

START_TEST(bad_format_or_method_filters) {
  const char *t[] = {"/v2/keys.csv", cf_fmt("/v2/keys/%s.csv", FX.key_readonly),
                     cf_fmt("/v2/users/%s.csv", FX.owner_login), "/v2/triggers.csv",
                     "/v2/users.csv", "/v2/feeds.csv",
                     cf_fmt("/v2/feeds/%s/datastreams.json", FX.feed_public),
                     cf_fmt("/v2/feeds/%s/datastreams", FX.feed_public)};
  silent_filters(t, sizeof t / sizeof t[0], "format or method not defined for the resource");
}
END_TEST

/* XB-EXC-12: a timestamp with a +HH:MM offset cannot be used in a topic: in a filter the
 * '+' makes it a wildcard filter (nothing delivered), in a topic name a malformed PUBLISH
 * (connection closed); the same instant with Z or -HH:MM works. */
START_TEST(plus_offset_not_in_topics) {
  const char *d = cf_fmt("/%s.json", ds_path());
  cf_conn *c = cf_client("A", FX.key_master);
  (void)cf_sub_state(c, cf_fmt("%s?start=2013-01-01T00:00:00-01:00&duration=1hour", d));
  (void)cf_sub_state(c, cf_fmt("%s?start=2013-01-01T00:00:00Z&duration=1hour", d));
  cf_sub_nothing(c, cf_fmt("%s?start=2013-01-01T00:00:00+01:00&duration=1hour", d),
                 "'+' offset (a wildcard filter)");
  cf_disconnect(c);
  cf_conn *w = cf_client("writer", FX.key_master);
  const char *dp = cf_fmt("/%s/datapoints/2013-01-01T00:00:00+01:00.json", ds_path());
  cf_buf b = {0};
  const char *v = "{\"value\":\"1\"}";
  cf_build_publish(&b, dp, strlen(dp), v, strlen(v), 0, false, false, 0);
  if (cf_send_buf(w, &b)) cf_expect_closed(w, cf_fmt("after a PUBLISH on \"%s\" ('+' in a topic name)", dp));
  cf_buf_free(&b);
  cf_conn_close(w);
}
END_TEST

START_TEST(rejected_publish_topics) {
  const char *f = FX.feed_public, *ds = FX.ds_public, *k = FX.key_master;
  const char *obs_t = cf_fmt("/%s.json", ds_path());
  cf_conn *o = cf_client("observer", FX.key_master);
  char *before = cf_sub_state(o, obs_t);
  cf_conn *w = cf_client("writer", FX.key_master);
  const char *t[] = {
      cf_fmt("%s?duration=1hour", obs_t),
      cf_fmt("%s?x=1", obs_t),
      cf_fmt("/v2/feeds/%s/datastreams/%s/", f, ds),
      cf_fmt("/v2/feeds/%s/datastreams/%s.JSON", f, ds),
      cf_fmt("/v2/feeds/0%s/datastreams/%s.json", f, ds),
      cf_fmt("/%s/v2/feeds/%s/datastreams/%s.json", k, f, ds),
      cf_fmt("%s//v2/feeds/%s/datastreams/%s.json", k, f, ds),
      cf_fmt("/v2/feeds/%s/datastreams/%s.txt", f, ds),
      cf_fmt("/v1/feeds/%s/datastreams/%s.json", f, ds),
      cf_fmt("/v1/feeds/%s/datastreams/%s", f, ds),
      cf_fmt("/v2/feeds/%s/Datastreams/%s.json", f, ds),
      cf_fmt("/v2/feeds/%s/datastreams/%s.json ", f, ds),
      cf_fmt("hello/v2/feeds/%s/datastreams/%s.json", f, ds),
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char *v = cf_uvalue("rej");
    cf_publish(w, t[i], cf_fmt("{\"current_value\":\"%s\"}", v), i % 2 ? 1 : 2);
    cf_expect_nothing(o, cf_fmt("after a PUBLISH to the rejected topic \"%s\"", t[i]));
  }
  cf_expect_nothing(w, "after the rejected PUBLISHes (the connection stays open)");
  char *after = cf_read(FX.key_master, obs_t);
  if (after == NULL || strcmp(before, after) != 0)
    cf_fail("a PUBLISH to a rejected topic changed the datastream\n  before: %s\n  after:  %s",
            before, after ? after : "(nothing)");
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

START_TEST(publish_forms) {
  const char *f = FX.feed_public, *ds = FX.ds_public, *k = FX.key_master;
  const char *obs_t = cf_fmt("/%s.json", ds_path());
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, obs_t);
  cf_conn *w = cf_client("writer", NULL);
  const struct {
    const char *topic, *pre, *post;
  } cases[] = {
      {cf_fmt("%s/%s", k, ds_path()), "{\"current_value\":\"", "\"}"},
      {cf_fmt("%s/%s.json", k, ds_path()), "{\"current_value\":\"", "\"}"},
      {cf_fmt("%s/v2/feeds/%s", k, f), cf_fmt("{\"datastreams\":[{\"id\":\"%s\",\"current_value\":\"", ds), "\"}]}"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *v = cf_uvalue("form");
    cf_publish(w, cases[i].topic, cf_fmt("%s%s%s", cases[i].pre, v, cases[i].post), 1);
    cf_pkt p;
    cf_expect_delivery(o, obs_t, 0, &p, cf_fmt("after a write to \"%s\"", cases[i].topic));
    if (strstr(p.payload, cf_fmt("\"current_value\":\"%s\"", v)) == NULL)
      cf_fail("the write to \"%s\" should have made %s the current value\n  got: %s",
              cases[i].topic, v, p.payload);
    cf_pkt_free(&p);
  }
  /* Datapoints POST then datapoint PUT at a fixed past instant, read back one by one. */
  const char *dp = cf_fmt("%s/v2/feeds/%s/datastreams/%s/datapoints", k, f, ds);
  const char *one = cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints/2013-04-23T12:05:00Z.json", f, ds);
  char *v = cf_uvalue("post");
  cf_publish(w, cf_fmt("%s.json", dp),
             cf_fmt("{\"datapoints\":[{\"at\":\"2013-04-23T12:05:00Z\",\"value\":\"%s\"}]}", v), 1);
  char *s = cf_read(FX.key_master, one);
  const char *exp = cf_fmt("{\"value\":\"%s\",\"at\":\"2013-04-23T12:05:00.000000Z\"}", v);
  CF_EXPECT_STR(cf_fmt("the datapoint read after a datapoints POST to %s.json", dp), exp, s ? s : "(nothing)");
  v = cf_uvalue("put");
  cf_publish(w, cf_fmt("%s/2013-04-23T12:05:00Z.json", dp), cf_fmt("{\"value\":\"%s\"}", v), 1);
  s = cf_read(FX.key_master, one);
  exp = cf_fmt("{\"value\":\"%s\",\"at\":\"2013-04-23T12:05:00.000000Z\"}", v);
  CF_EXPECT_STR("the datapoint read after a datapoint PUT", exp, s ? s : "(nothing)");
  cf_disconnect(w);
  /* Without key prefix, with and without leading slash, with the user name key. */
  w = cf_client("writer", FX.key_master);
  const char *plain[] = {ds_path(), cf_fmt("/%s", ds_path()), cf_fmt("%s.json", ds_path())};
  for (size_t i = 0; i < 3; i++) {
    char *pv = cf_uvalue("form");
    cf_publish(w, plain[i], cf_fmt("{\"current_value\":\"%s\"}", pv), 1);
    cf_pkt p;
    cf_expect_delivery(o, obs_t, 0, &p, cf_fmt("after a write to \"%s\"", plain[i]));
    if (strstr(p.payload, pv) == NULL)
      cf_fail("the write to \"%s\" should have made %s the current value\n  got: %s", plain[i], pv, p.payload);
    cf_pkt_free(&p);
  }
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

void cf_area_topics(cf_reg *r) {
  CF_ADD(r, feed_forms, "XB-TOPIC-3 XB-TOPIC-7 XB-TOPIC-12 XB-SUB-2 XB-SUB-23",
         "a feed with and without leading /, with and without .json: same state, each on its own topic");
  CF_ADD(r, datastream_forms, "XB-TOPIC-3 XB-TOPIC-7 XB-TOPIC-12 XB-SUB-2",
         "a datastream with and without leading /, with and without .json");
  CF_ADD(r, key_prefix_forms, "XB-TOPIC-6 XB-AUTH-9 XB-SUB-2",
         "KEY/v2/... feed and datastream topics, with and without suffix");
  CF_ADD(r, other_resource_forms, "XB-TOPIC-3 XB-MAP-2 XB-SUB-7",
         "feed list, datapoints, datapoint, keys, key, triggers, users, user topics are served");
  CF_ADD(r, query_forms, "XB-TOPIC-15 XB-TOPIC-16 XB-TOPIC-17",
         "history, datastreams, show_user, feed list, feed_id queries accepted; parameter order free");
  CF_ADD(r, same_instant_same_datapoint, "XB-TOPIC-9 XB-TOPIC-10",
         "Z, .000000Z, .0Z and -01:00 spellings of one instant name the same datapoint");
  CF_ADD(r, wildcard_filters, "XB-TOPIC-2 XB-MQTT-48 XB-ERR-33 XB-SCOPE-5",
         "wildcard filters: SUBACK 00, nothing delivered, not even after a write");
  CF_ADD(r, non_api_filters, "XB-TOPIC-3 XB-TOPIC-4 XB-TOPIC-6 XB-TOPIC-8 XB-TOPIC-9 XB-TOPIC-11 XB-TOPIC-12 XB-TOPIC-33 XB-ERR-34 XB-EXC-13 XB-EXC-15 XB-EXC-24",
         "non-API filters (32 forms): SUBACK 00, nothing delivered, connection open");
  CF_ADD(r, bad_query_filters, "XB-TOPIC-16 XB-TOPIC-17 XB-TOPIC-18 XB-TOPIC-20 XB-TOPIC-21 XB-TOPIC-25 XB-TOPIC-26 XB-RES-69 XB-ERR-35 XB-MAP-8 XB-EXC-3 XB-EXC-17",
         "malformed, unknown, repeated, misplaced or out-of-range query parameters: nothing delivered");
  CF_ADD(r, bad_format_or_method_filters, "XB-TOPIC-14 XB-MAP-5 XB-RES-25 XB-ERR-36 XB-ERR-37 XB-SUB-7",
         "CSV for keys, users, triggers, feed list; a read of a datastreams collection: nothing delivered");
  CF_ADD(r, plus_offset_not_in_topics, "XB-EXC-12 XB-TOPIC-2 XB-MQTT-39",
         "a timestamp with a +HH:MM offset: wildcard filter (silent), malformed topic name (closed); Z and -HH:MM work");
  CF_ADD(r, rejected_publish_topics, "XB-TOPIC-15 XB-TOPIC-34 XB-TOPIC-11 XB-MAP-16 XB-ERR-34 XB-ERR-35 XB-RES-24 XB-EXC-13",
         "PUBLISH to rejected topics is acknowledged, changes nothing, notifies nobody");
  CF_ADD(r, publish_forms, "XB-MAP-3 XB-TOPIC-7 XB-TOPIC-12 XB-RES-64 XB-RES-65 XB-AUTH-9",
         "datastream PUT, feed PUT, datapoints POST, datapoint PUT through each topic form change the value");
}
