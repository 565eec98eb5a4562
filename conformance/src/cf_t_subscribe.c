/*
 * Area "subscribe": the current state at once with RETAIN=1, then one change
 * notification with RETAIN=0 per committed change, to every subscriber including the
 * writer (spec/subscribe.md); one-shot resources; the subscription set; UNSUBSCRIBE
 * (spec/mapping.md §5).
 */
#include <string.h>

#include "cf_check.h"

#define FX cf_fx

static const char *ds_t(const char *feed, const char *ds) {
  return cf_fmt("/v2/feeds/%s/datastreams/%s.json", feed, ds);
}

static const char *set_value(const char *v) { return cf_fmt("{\"current_value\":\"%s\"}", v); }

static void expect_value(cf_conn *c, const char *topic, const char *v, const char *after) {
  cf_pkt p;
  cf_expect_delivery(c, topic, 0, &p, after);
  if (strstr(p.payload, cf_fmt("\"current_value\":\"%s\"", v)) == NULL)
    cf_fail("%s: the change notification %s should carry current_value %s\n  got: %s",
            cf_conn_label(c), after, v, p.payload);
  cf_pkt_free(&p);
}

START_TEST(feed_state_then_changes) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  const char *dt = ds_t(FX.feed_public, FX.ds_public);
  cf_conn *o = cf_client("observer", NULL);
  char *s = cf_sub_state(o, ft);
  if (strncmp(s, cf_fmt("{\"id\":%s,", FX.feed_public), strlen(cf_fmt("{\"id\":%s,", FX.feed_public))) != 0)
    cf_fail("the initial state of %s is not that feed\n  got: %s", ft, s);
  cf_conn *w = cf_client("writer", FX.key_master);
  (void)cf_sub_state(w, ft);
  for (int i = 0; i < 2; i++) {
    char *v = cf_uvalue("feed");
    cf_publish(w, dt, set_value(v), 1);
    /* The writer's PUBACK came first (cf_publish), then its own notification. */
    expect_value(w, ft, v, "to the writer after its own write (XB-SUB-12, XB-MAP-18)");
    expect_value(o, ft, v, "to another subscriber after the write");
  }
  cf_expect_nothing(o, "after the notifications (one per write)");
  cf_expect_nothing(w, "after the notifications (one per write)");
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

START_TEST(datastream_changes_in_order) {
  const char *dt = ds_t(FX.feed_public, FX.ds_public);
  cf_conn *o = cf_client("observer", FX.key_readonly);
  (void)cf_sub_state(o, dt);
  cf_conn *w = cf_client("writer", FX.key_master);
  char *v[5];
  for (int i = 0; i < 5; i++) {
    v[i] = cf_uvalue("seq");
    cf_publish(w, dt, set_value(v[i]), 0);
  }
  cf_expect_nothing(w, "after five QoS 0 writes");
  for (int i = 0; i < 5; i++) expect_value(o, dt, v[i], cf_fmt("number %d of 5, in write order", i + 1));
  cf_expect_nothing(o, "after the five notifications");
  cf_disconnect(w);
  cf_disconnect(o);
}
END_TEST

START_TEST(state_reflects_committed_writes) {
  const char *dt = ds_t(FX.feed_public, FX.ds_public);
  cf_conn *w = cf_client("writer", FX.key_master);
  char *v = cf_uvalue("commit");
  cf_publish(w, dt, set_value(v), 1);
  cf_conn *o = cf_client("observer", NULL);
  char *s = cf_sub_state(o, dt);
  if (strstr(s, cf_fmt("\"current_value\":\"%s\"", v)) == NULL)
    cf_fail("a SUBSCRIBE after an acknowledged write must see it (XB-MAP-17, XB-SUB-3)\n"
            "  expected current_value %s\n  got: %s", v, s);
  /* Same filter twice in one packet, and a second subscriber: identical bytes. */
  char *again = cf_read(NULL, dt);
  if (again == NULL || strcmp(again, s) != 0)
    cf_fail("two reads of unchanged state differ (XB-RES-89)\n  first:  %s\n  second: %s", s,
            again ? again : "(nothing)");
  cf_disconnect(o);
  cf_disconnect(w);
}
END_TEST

START_TEST(suback_then_states_in_order) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *t[] = {ds_t(FX.feed_public, FX.ds_public), ds_t(FX.feed_public, FX.ds_never),
                     cf_fmt("/v2/feeds/%s.json", FX.feed_private),
                     cf_fmt("/v2/feeds/%s.json", FX.feed_missing)};
  const unsigned qos[] = {0, 1, 2, 1};
  cf_subscribe_n(c, t, 4, qos); /* SUBACK first, four 00 */
  for (int i = 0; i < 3; i++) {
    cf_pkt p;
    cf_expect_delivery(c, t[i], 1, &p, cf_fmt("(initial state %d of 3, in filter order)", i + 1));
    cf_pkt_free(&p);
  }
  cf_expect_nothing(c, "after the three initial states (the fourth filter names a missing feed)");
  cf_disconnect(c);
}
END_TEST

START_TEST(never_written_datastream) {
  cf_conn *c = cf_client("A", NULL);
  char *s = cf_sub_state(c, ds_t(FX.feed_public, FX.ds_never));
  CF_EXPECT_STR("the JSON state of a never-written datastream",
                cf_fmt("{\"id\":\"%s\",\"version\":\"1.0.0\"}", FX.ds_never), s);
  cf_disconnect(c);
}
END_TEST

START_TEST(nothing_for_missing) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *dp = cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints", FX.feed_public, FX.ds_public);
  const char *t[] = {
      cf_fmt("/v2/feeds/%s.json", FX.feed_missing),
      ds_t(FX.feed_missing, FX.ds_public),
      ds_t(FX.feed_public, "cf_no_such_datastream"),
      cf_fmt("/v2/feeds/%s/datastreams/cf_no_such_datastream/datapoints.json", FX.feed_public),
      cf_fmt("%s/1999-01-01T00:00:00Z.json", dp),
      "/v2/users/cf_no_such_user.json",
      cf_fmt("/v2/keys/%s.json", FX.key_invalid),
      cf_fmt("/v2/triggers/%s.json", FX.feed_missing),
  };
  (void)cf_sub_state(c, ds_t(FX.feed_public, FX.ds_public)); /* control: an existing one is served */
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) cf_sub_nothing(c, t[i], "the resource does not exist");
  cf_disconnect(c);
}
END_TEST

/* A one-shot subscription delivers its state once and nothing after a change. */
START_TEST(one_shot_resources) {
  cf_conn *c = cf_client("A", FX.key_master);
  /* User: full_name changes, the subscription stays silent, a new read shows it. */
  const char *ut = cf_fmt("/v2/users/%s.json", FX.owner_login);
  (void)cf_sub_state(c, ut);
  char *name = cf_uvalue("cf user");
  cf_publish(c, ut, cf_fmt("{\"user\":{\"full_name\":\"%s\"}}", name), 1);
  cf_expect_nothing(c, cf_fmt("after a change of %s (one-shot resource)", ut));
  char *s = cf_read(FX.key_master, ut);
  if (s == NULL || strstr(s, name) == NULL)
    cf_fail("the user update was not executed, so the silence proves nothing\n  expected full_name %s\n  got: %s",
            name, s ? s : "(nothing)");
  /* Key: label changes. */
  const char *kt = cf_fmt("/v2/keys/%s.json", FX.key_readonly);
  (void)cf_sub_state(c, kt);
  char *label = cf_uvalue("cf readonly");
  cf_publish(c, kt, cf_fmt("{\"key\":{\"label\":\"%s\"}}", label), 1);
  cf_expect_nothing(c, cf_fmt("after a change of %s (one-shot resource)", kt));
  s = cf_read(FX.key_master, kt);
  if (s == NULL || strstr(s, label) == NULL)
    cf_fail("the key update was not executed\n  expected label %s\n  got: %s", label, s ? s : "(nothing)");
  /* Feed list, datapoints collection, key list, trigger list, user list: a datastream
   * write changes what the first two contain. */
  const char *lists[] = {cf_fmt("/v2/feeds.json?user=%s", FX.owner_login),
                         cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.json", FX.feed_public, FX.ds_public),
                         "/v2/keys.json", "/v2/triggers.json", "/v2/users.json"};
  for (size_t i = 0; i < 5; i++) (void)cf_sub_state(c, lists[i]);
  cf_publish(c, ds_t(FX.feed_public, FX.ds_public), set_value(cf_uvalue("list")), 1);
  cf_expect_nothing(c, "after a write that changes a subscribed feed list and datapoints collection");
  cf_disconnect(c);
}
END_TEST

START_TEST(resubscribe_replaces) {
  const char *dt = ds_t(FX.feed_public, FX.ds_public);
  cf_conn *c = cf_client("A", FX.key_master);
  (void)cf_sub_state(c, dt);
  (void)cf_sub_state(c, dt); /* initial state again */
  char *v = cf_uvalue("replace");
  cf_publish(c, dt, set_value(v), 1);
  expect_value(c, dt, v, "after a write (the replaced subscription delivers once)");
  cf_expect_nothing(c, "after the single notification of a subscription made twice");
  cf_disconnect(c);
}
END_TEST

START_TEST(distinct_filters_same_resource) {
  const char *p = cf_fmt("v2/feeds/%s/datastreams/%s", FX.feed_public, FX.ds_public);
  const char *t[] = {cf_fmt("/%s.json", p), cf_fmt("%s.json", p), cf_fmt("/%s", p),
                     cf_fmt("%s/%s.json", FX.key_master, p)};
  cf_conn *c = cf_client("A", FX.key_readonly);
  for (int i = 0; i < 4; i++) (void)cf_sub_state(c, t[i]);
  cf_conn *w = cf_client("writer", FX.key_master);
  char *v = cf_uvalue("distinct");
  cf_publish(w, t[0], set_value(v), 1);
  for (int i = 0; i < 4; i++) expect_value(c, t[i], v, cf_fmt("for filter %d of 4, in subscription order", i + 1));
  cf_expect_nothing(c, "after one notification per filter");
  cf_disconnect(w);
  cf_disconnect(c);
}
END_TEST

START_TEST(one_notification_per_request) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_private);
  const char *d1 = ds_t(FX.feed_private, FX.ds_private), *d2 = ds_t(FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  (void)cf_sub_state(c, ft);
  (void)cf_sub_state(c, d1);
  (void)cf_sub_state(c, d2);
  char *a = cf_uvalue("a"), *b = cf_uvalue("b");
  cf_publish(c, ft, cf_fmt("{\"datastreams\":[{\"id\":\"%s\",\"current_value\":\"%s\"},{\"id\":\"%s\",\"current_value\":\"%s\"}]}",
                           FX.ds_private, a, FX.ds_private2, b), 1);
  cf_pkt p;
  cf_expect_delivery(c, ft, 0, &p, "after one feed write touching two datastreams");
  if (strstr(p.payload, a) == NULL || strstr(p.payload, b) == NULL)
    cf_fail("the feed notification must carry the whole feed with both new values %s and %s\n  got: %s", a, b, p.payload);
  cf_pkt_free(&p);
  expect_value(c, d1, a, "for the first datastream");
  expect_value(c, d2, b, "for the second datastream");
  cf_expect_nothing(c, "after one notification per subscription for one request");
  cf_disconnect(c);
}
END_TEST

START_TEST(no_notification_without_change) {
  const char *dt = ds_t(FX.feed_private, FX.ds_private);
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_private);
  cf_conn *c = cf_client("A", FX.key_master);
  /* A value at an explicit instant, written twice: the second write changes nothing. */
  const char *payload = cf_fmt("{\"current_value\":\"%s\",\"at\":\"%s\"}", cf_uvalue("same"), cf_now_ts(0));
  cf_publish(c, dt, payload, 1);
  (void)cf_sub_state(c, dt);
  (void)cf_sub_state(c, ft);
  cf_publish(c, dt, payload, 1);
  cf_expect_nothing(c, "after a write that leaves the current state identical");
  cf_disconnect(c);
}
END_TEST

START_TEST(history_only_write) {
  const char *dt = ds_t(FX.feed_public, FX.ds_public);
  const char *ht = cf_fmt("%s?duration=6hours", dt);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, dt, set_value(cf_uvalue("hist")), 1);
  (void)cf_sub_state(c, dt);
  (void)cf_sub_state(c, ht);
  /* Older than the current value and not numeric: only history changes. */
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.json", FX.feed_public, FX.ds_public),
             cf_fmt("{\"datapoints\":[{\"at\":\"2013-04-23T12:10:00Z\",\"value\":\"%s\"}]}", cf_uvalue("old")), 1);
  cf_pkt p;
  cf_expect_delivery(c, ht, 0, &p, "for the history subscription after a history-only write (XB-SUB-10)");
  cf_pkt_free(&p);
  cf_expect_nothing(c, "for the current-value subscription after a history-only write");
  cf_disconnect(c);
}
END_TEST

START_TEST(unsubscribe_stops_deliveries) {
  const char *dt = ds_t(FX.feed_public, FX.ds_public);
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_conn *w = cf_client("writer", FX.key_master);
  (void)cf_sub_state(c, dt);
  (void)cf_sub_state(c, ft);
  cf_unsubscribe(c, dt);
  char *v = cf_uvalue("unsub");
  cf_publish(w, dt, set_value(v), 1);
  expect_value(c, ft, v, "for the remaining feed subscription");
  cf_expect_nothing(c, "for the removed datastream subscription after UNSUBACK");
  /* Several filters in one UNSUBSCRIBE, one unknown: one UNSUBACK. */
  cf_buf b = {0};
  const char *both[] = {ft, "cf/never/subscribed"};
  cf_build_unsubscribe(&b, 0x4242, both, 2);
  cf_send_buf(c, &b);
  cf_buf_free(&b);
  cf_pkt p;
  cf_expect_packet(c, CF_UNSUBACK, &p, "after UNSUBSCRIBE of two filters");
  if (p.body[0] != 0x42 || p.body[1] != 0x42) cf_fail("UNSUBACK must carry packet id 4242");
  cf_pkt_free(&p);
  cf_publish(w, dt, set_value(cf_uvalue("unsub")), 1);
  cf_expect_nothing(c, "after both subscriptions were removed");
  /* Subscribing again restores deliveries. */
  (void)cf_sub_state(c, dt);
  v = cf_uvalue("resub");
  cf_publish(w, dt, set_value(v), 1);
  expect_value(c, dt, v, "after subscribing again");
  cf_disconnect(w);
  cf_disconnect(c);
}
END_TEST

START_TEST(unsubscribe_rejected_filters) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *t[] = {"#", "hello/world", cf_fmt("/v2/feeds/%s.json?bad=1", FX.feed_public)};
  for (int i = 0; i < 3; i++) cf_subscribe(c, t[i]);
  for (int i = 0; i < 3; i++) cf_unsubscribe(c, t[i]);
  cf_expect_nothing(c, "after unsubscribing wildcard, non-API and bad-query filters");
  cf_disconnect(c);
}
END_TEST

void cf_area_subscribe(cf_reg *r) {
  CF_ADD(r, feed_state_then_changes, "XB-SUB-2 XB-SUB-6 XB-SUB-8 XB-SUB-12 XB-SUB-16 XB-MAP-18 XB-MQTT-44",
         "feed: state with RETAIN=1, then each write notified with RETAIN=0 to every subscriber, writer included, after its PUBACK");
  CF_ADD(r, datastream_changes_in_order, "XB-SUB-6 XB-SUB-9 XB-SUB-18 XB-MAP-12",
         "datastream: five writes, five notifications in write order");
  CF_ADD(r, state_reflects_committed_writes, "XB-SUB-3 XB-MAP-17 XB-RES-89",
         "a SUBSCRIBE after an acknowledged write sees it; reads of unchanged state are identical");
  CF_ADD(r, suback_then_states_in_order, "XB-SUB-1 XB-MQTT-49 XB-MAP-21 XB-SUB-4",
         "SUBACK (00 for requested 0, 1, 2) first, then initial states in filter order");
  CF_ADD(r, never_written_datastream, "XB-SUB-5 XB-JSON-12 XB-RES-51",
         "a never-written datastream is delivered as {\"id\":...,\"version\":\"1.0.0\"}");
  CF_ADD(r, nothing_for_missing, "XB-SUB-4 XB-ERR-40",
         "missing feed, datastream, datapoints, datapoint, user, key, trigger: SUBACK 00 and nothing");
  CF_ADD(r, one_shot_resources, "XB-SUB-7",
         "user, key, feed list, datapoints, key, trigger and user lists deliver once, not after changes");
  CF_ADD(r, resubscribe_replaces, "XB-SUB-22",
         "SUBSCRIBE of the same filter again: state again, later changes delivered once");
  CF_ADD(r, distinct_filters_same_resource, "XB-SUB-23 XB-SUB-19 XB-TOPIC-7",
         "four spellings of one datastream are four subscriptions, notified in creation order");
  CF_ADD(r, one_notification_per_request, "XB-SUB-8 XB-SUB-9",
         "one feed write touching two datastreams: one feed notification, one per datastream");
  CF_ADD(r, no_notification_without_change, "XB-SUB-11",
         "a write leaving the current state identical notifies nobody");
  CF_ADD(r, history_only_write, "XB-SUB-10",
         "an older datapoint notifies the history subscription only");
  CF_ADD(r, unsubscribe_stops_deliveries, "XB-MAP-22 XB-MAP-23 XB-MAP-24 XB-SUB-25 XB-MQTT-52",
         "UNSUBSCRIBE stops deliveries, several filters get one UNSUBACK, unknown filters too");
  CF_ADD(r, unsubscribe_rejected_filters, "XB-MAP-22 XB-TOPIC-2 XB-TOPIC-33",
         "wildcard, non-API and bad-query subscriptions are removed by UNSUBSCRIBE");
}
