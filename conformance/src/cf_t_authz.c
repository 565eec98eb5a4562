/*
 * Area "authz": every read and write is authorized on its own (spec/authz.md); a
 * denied read delivers nothing, a denied write changes nothing and notifies nobody,
 * the connection stays open; clients never receive each other's messages.
 */
#include <string.h>

#include "cf_check.h"

#define FX cf_fx

static const char *feed_t(const char *f) { return cf_fmt("/v2/feeds/%s.json", f); }
static const char *ds_t(const char *f, const char *d) {
  return cf_fmt("/v2/feeds/%s/datastreams/%s.json", f, d);
}

typedef struct rcase {
  const char *who; /* key or NULL (anonymous) */
  const char *whoname;
  const char *topic;
} rcase;

START_TEST(denied_reads_deliver_nothing) {
  const rcase cases[] = {
      {NULL, "anonymous", feed_t(FX.feed_private)},
      {NULL, "anonymous", ds_t(FX.feed_private, FX.ds_private)},
      {NULL, "anonymous", cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.json", FX.feed_private, FX.ds_private)},
      {NULL, "anonymous", cf_fmt("/v2/users/%s.json", FX.owner_login)},
      {NULL, "anonymous", "/v2/keys.json"},
      {NULL, "anonymous", "/v2/triggers.json"},
      {FX.key_nopriv, "key_nopriv (no private access)", feed_t(FX.feed_private)},
      {FX.key_nopriv, "key_nopriv (no private access)", ds_t(FX.feed_private, FX.ds_private)},
      {FX.key_nopriv, "key_nopriv (not a master key)", "/v2/keys.json"},
      {FX.key_other, "another user's master key", feed_t(FX.feed_private)},
      {FX.key_other, "another user's master key", ds_t(FX.feed_private, FX.ds_private2)},
      {FX.key_other, "another user's master key", cf_fmt("/v2/keys/%s.json", FX.key_readonly)},
      {FX.key_other, "another user's master key", cf_fmt("/v2/users/%s.json", FX.owner_login)},
      {FX.key_master, "the owner's master key", feed_t(FX.feed_other)},
      {FX.key_master, "the owner's master key", cf_fmt("/v2/keys/%s.json", FX.key_other)},
      {FX.key_feed, "key_feed (scoped to feed_public)", feed_t(FX.feed_private)},
      {FX.key_feed, "key_feed (scoped to feed_public)", ds_t(FX.feed_private, FX.ds_private)},
      {FX.key_ds, "key_ds (scoped to one datastream)", feed_t(FX.feed_private)},
      {FX.key_ds, "key_ds (scoped to one datastream)", ds_t(FX.feed_private, FX.ds_private2)},
      {FX.key_ip, "key_ip (source_ip elsewhere)", feed_t(FX.feed_private)},
      {FX.key_ip, "key_ip (source_ip elsewhere)", cf_fmt("/v2/users/%s.json", FX.owner_login)},
      {FX.key_readonly, "key_readonly (not a master key)", cf_fmt("/v2/keys/%s.json", FX.key_readonly)},
      {FX.key_readonly, "key_readonly (not a master key)", cf_fmt("/v2/users/%s.json", FX.owner_login)},
      {FX.key_readonly, "key_readonly (not a master key)", "/v2/triggers.json"},
      {FX.key_ip, "key_ip (not a master key from this address)", "/v2/keys.json"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_conn *c = cf_client("reader", cases[i].who);
    /* Control: this connection does get the state of a public feed. */
    (void)cf_sub_state(c, feed_t(FX.feed_public));
    cf_sub_nothing(c, cases[i].topic, cf_fmt("a read by %s is denied", cases[i].whoname));
    cf_disconnect(c);
  }
}
END_TEST

START_TEST(allowed_reads_deliver) {
  const rcase cases[] = {
      {NULL, "anonymous", feed_t(FX.feed_public)},
      {NULL, "anonymous", feed_t(FX.feed_other_public)},
      {FX.key_readonly, "key_readonly", feed_t(FX.feed_private)},
      {FX.key_master, "the master key", ds_t(FX.feed_private, FX.ds_private2)},
      {FX.key_ds, "key_ds", ds_t(FX.feed_private, FX.ds_private)},
      {FX.key_ds, "key_ds", cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.json", FX.feed_private, FX.ds_private)},
      {FX.key_feed, "key_feed", feed_t(FX.feed_public)},
      {FX.key_nopriv, "key_nopriv", feed_t(FX.feed_public)},
      {FX.key_other, "another user's master key", feed_t(FX.feed_public)},
      {FX.key_ip, "key_ip (public read whatever the source_ip)", feed_t(FX.feed_public)},
      {FX.key_other, "another user's master key", ds_t(FX.feed_other, FX.ds_other)},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_conn *c = cf_client("reader", cases[i].who);
    (void)cf_sub_state(c, cases[i].topic);
    cf_disconnect(c);
  }
}
END_TEST

typedef struct wcase {
  const char *who, *whoname, *feed, *ds;
} wcase;

/* The write by `who` to feed/ds is denied: no notification to a master subscriber, no
 * change, the writer still connected and acknowledged. */
static void denied_write(const wcase *w) {
  const char *t = ds_t(w->feed, w->ds);
  const char *owner = strcmp(w->feed, FX.feed_other) == 0 || strcmp(w->feed, FX.feed_other_public) == 0
                          ? FX.key_other : FX.key_master;
  cf_conn *o = cf_client("observer", owner);
  char *before = cf_sub_state(o, t);
  cf_conn *c = cf_client("writer", w->who);
  char *v = cf_uvalue("denied");
  cf_publish(c, t, cf_fmt("{\"current_value\":\"%s\"}", v), 1);
  cf_publish(c, cf_fmt("/v2/feeds/%s.json", w->feed),
             cf_fmt("{\"datastreams\":[{\"id\":\"%s\",\"current_value\":\"%s\"}]}", w->ds, v), 2);
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.json", w->feed, w->ds),
             cf_fmt("{\"datapoints\":[{\"at\":\"%s\",\"value\":\"%s\"}]}", cf_now_ts(0), v), 1);
  cf_publish(c, t, cf_fmt("{\"current_value\":\"%s\"}", v), 0);
  cf_expect_nothing(c, cf_fmt("after writes denied to %s (the connection stays open)", w->whoname));
  cf_expect_nothing(o, cf_fmt("after writes by %s to %s, which are denied", w->whoname, t));
  char *after = cf_read(owner, t);
  if (after == NULL || strcmp(before, after) != 0)
    cf_fail("writes by %s changed %s\n  before: %s\n  after:  %s", w->whoname, t, before,
            after ? after : "(nothing)");
  /* Control: the owner's write on the same path is notified to the same observer. */
  cf_publish(o, t, cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("ctl")), 1);
  cf_pkt p;
  cf_expect_delivery(o, t, 0, &p, "after the owner's own write (control)");
  cf_pkt_free(&p);
  cf_disconnect(c);
  cf_disconnect(o);
}

START_TEST(denied_writes_no_effect) {
  const wcase cases[] = {
      {NULL, "anonymous", FX.feed_public, FX.ds_public},
      {FX.key_readonly, "key_readonly (get only)", FX.feed_public, FX.ds_public},
      {FX.key_other, "another user's master key", FX.feed_public, FX.ds_public},
      {FX.key_master, "the owner's master key", FX.feed_other_public, FX.ds_other_public},
      {FX.key_feed, "key_feed (scoped to feed_public)", FX.feed_private, FX.ds_private2},
      {FX.key_ds, "key_ds (scoped to ds_private)", FX.feed_private, FX.ds_private2},
      {FX.key_ip, "key_ip (source_ip elsewhere)", FX.feed_public, FX.ds_public},
      {FX.key_invalid, "an unknown key as prefix", FX.feed_public, FX.ds_public},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (cases[i].who == FX.key_invalid) {
      /* An unknown key cannot connect; it is used as topic prefix by an anonymous client. */
      const char *t = ds_t(cases[i].feed, cases[i].ds);
      cf_conn *o = cf_client("observer", FX.key_master);
      char *before = cf_sub_state(o, t);
      cf_conn *c = cf_client("writer", NULL);
      cf_publish(c, cf_fmt("%s%s", FX.key_invalid, t), cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("x")), 1);
      cf_expect_nothing(o, "after a write with an unknown prefix key");
      char *after = cf_read(FX.key_master, t);
      CF_EXPECT_STR("the datastream after a write with an unknown prefix key", before, after ? after : "(nothing)");
      cf_disconnect(c);
      cf_disconnect(o);
      continue;
    }
    denied_write(&cases[i]);
  }
}
END_TEST

START_TEST(allowed_writes_take_effect) {
  const wcase cases[] = {
      {FX.key_nopriv, "key_nopriv (writes need no private access)", FX.feed_private, FX.ds_private2},
      {FX.key_ds, "key_ds", FX.feed_private, FX.ds_private},
      {FX.key_feed, "key_feed", FX.feed_public, FX.ds_public},
      {FX.key_master, "the master key", FX.feed_public, FX.ds_public},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *t = ds_t(cases[i].feed, cases[i].ds);
    cf_conn *o = cf_client("observer", FX.key_master);
    (void)cf_sub_state(o, t);
    cf_conn *c = cf_client("writer", cases[i].who);
    char *v = cf_uvalue("allowed");
    cf_publish(c, t, cf_fmt("{\"current_value\":\"%s\"}", v), 1);
    cf_pkt p;
    cf_expect_delivery(o, t, 0, &p, cf_fmt("after a write by %s", cases[i].whoname));
    if (strstr(p.payload, v) == NULL) cf_fail("the notification lacks the value %s written by %s\n  got: %s", v, cases[i].whoname, p.payload);
    cf_pkt_free(&p);
    cf_disconnect(c);
    cf_disconnect(o);
  }
}
END_TEST

START_TEST(scoped_key_cannot_write_feed_document) {
  /* A datastream-scoped key may not PUT the feed, even to change its own datastream. */
  const char *t = ds_t(FX.feed_private, FX.ds_private);
  cf_conn *o = cf_client("observer", FX.key_master);
  char *before = cf_sub_state(o, t);
  (void)cf_sub_state(o, feed_t(FX.feed_private));
  cf_conn *c = cf_client("writer", FX.key_ds);
  cf_publish(c, feed_t(FX.feed_private), cf_fmt("{\"title\":\"hacked\",\"datastreams\":[{\"id\":\"%s\",\"current_value\":\"x\"}]}", FX.ds_private), 1);
  cf_expect_nothing(o, "after a feed write by a datastream-scoped key");
  char *after = cf_read(FX.key_master, t);
  CF_EXPECT_STR("the datastream after a denied feed write", before, after ? after : "(nothing)");
  cf_disconnect(c);
  cf_disconnect(o);
}
END_TEST

START_TEST(scope_is_case_sensitive) {
  /* key_ds may write ds_private; the same id in another letter case is another
   * datastream, outside its scope. */
  char *other = cf_fmt("%s", FX.ds_private);
  bool changed = false;
  for (char *p = other; *p; p++)
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
      *p = (char)(*p ^ 0x20);
      changed = true;
    }
  if (!changed) cf_fail("ds_private (%s) must contain a letter for this test", FX.ds_private);
  const char *t = ds_t(FX.feed_private, FX.ds_private);
  cf_conn *o = cf_client("observer", FX.key_master);
  (void)cf_sub_state(o, t);
  const char *ft = feed_t(FX.feed_private);
  (void)cf_sub_state(o, ft);
  cf_conn *c = cf_client("writer", FX.key_ds);
  cf_publish(c, ds_t(FX.feed_private, other), cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("case")), 1);
  cf_expect_nothing(o, cf_fmt("after key_ds wrote datastream %s (not %s: outside its scope)", other, FX.ds_private));
  char *s = cf_read(FX.key_master, ds_t(FX.feed_private, other));
  if (s != NULL) cf_fail("datastream %s must not exist after a denied write\n  got: %s", other, s);
  cf_disconnect(c);
  cf_disconnect(o);
}
END_TEST

START_TEST(feed_list_shows_readable_feeds_only) {
  const char *t = cf_fmt("/v2/feeds.json?user=%s&per_page=1000", FX.owner_login);
  const char *priv = cf_fmt("{\"id\":%s,", FX.feed_private), *pub = cf_fmt("{\"id\":%s,", FX.feed_public);
  char *s = cf_read(FX.key_other, t);
  if (s == NULL || strstr(s, pub) == NULL || strstr(s, priv) != NULL)
    cf_fail("another user's feed list must hold the public feed %s and not the private feed %s\n  got: %s",
            FX.feed_public, FX.feed_private, s ? s : "(nothing)");
  s = cf_read(NULL, t);
  if (s == NULL || strstr(s, pub) == NULL || strstr(s, priv) != NULL)
    cf_fail("the anonymous feed list must hold the public feed %s and not the private feed %s\n  got: %s",
            FX.feed_public, FX.feed_private, s ? s : "(nothing)");
  s = cf_read(FX.key_nopriv, t);
  if (s == NULL || strstr(s, priv) != NULL)
    cf_fail("key_nopriv's feed list must not hold the private feed %s\n  got: %s", FX.feed_private, s ? s : "(nothing)");
  s = cf_read(FX.key_master, t);
  if (s == NULL || strstr(s, pub) == NULL || strstr(s, priv) == NULL)
    cf_fail("the owner's feed list must hold feeds %s and %s\n  got: %s", FX.feed_public, FX.feed_private, s ? s : "(nothing)");
}
END_TEST

START_TEST(key_list_own_keys_only) {
  char *s = cf_read(FX.key_other, "/v2/keys.json");
  if (s == NULL || strstr(s, FX.key_master) != NULL || strstr(s, FX.key_readonly) != NULL || strstr(s, FX.key_other) == NULL)
    cf_fail("another user's key list must hold its own master key and none of the owner's keys\n  got: %s", s ? s : "(nothing)");
  s = cf_read(FX.key_other, "/v2/users.json");
  if (s == NULL || strstr(s, cf_fmt("\"login\":\"%s\"", FX.owner_login)) != NULL)
    cf_fail("a non-administrator's user list must hold only its own user\n  got: %s", s ? s : "(nothing)");
}
END_TEST

START_TEST(no_routing_between_clients) {
  cf_conn *a = cf_client("A", FX.key_master);
  const char *filters[] = {"cf/chat", "#", "cf/+", "/cf/chat", "$SYS/#"};
  cf_subscribe_n(a, filters, 5, NULL);
  cf_expect_nothing(a, "after subscribing to non-API and wildcard filters");
  cf_conn *b = cf_client("B", FX.key_master);
  cf_publish(b, "cf/chat", "hello", 0);
  cf_publish(b, "cf/chat", "hello", 1);
  cf_publish(b, "cf/chat", "hello", 2);
  cf_publish(b, "/cf/chat", "hello", 1);
  cf_publish(b, ds_t(FX.feed_public, FX.ds_public), cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("route")), 1);
  cf_expect_nothing(b, "after its own PUBLISHes");
  cf_expect_nothing(a, "after another client published on non-API and API topics");
  cf_disconnect(b);
  cf_disconnect(a);
}
END_TEST

START_TEST(subscription_keeps_its_key) {
  /* A subscription made with a prefix key keeps that key for its deliveries; another
   * subscription on the same connection without the prefix stays denied. */
  cf_conn *c = cf_client("anon", NULL);
  const char *pt = cf_fmt("%s%s", FX.key_master, ds_t(FX.feed_private, FX.ds_private2));
  (void)cf_sub_state(c, pt);
  cf_sub_nothing(c, ds_t(FX.feed_private, FX.ds_private2), "an anonymous read of a private datastream is denied");
  cf_conn *w = cf_client("writer", FX.key_master);
  char *v = cf_uvalue("key");
  cf_publish(w, ds_t(FX.feed_private, FX.ds_private2), cf_fmt("{\"current_value\":\"%s\"}", v), 1);
  cf_pkt p;
  cf_expect_delivery(c, pt, 0, &p, "for the prefix-key subscription after a write");
  cf_pkt_free(&p);
  cf_expect_nothing(c, "for the denied anonymous subscription after the write");
  cf_disconnect(w);
  cf_disconnect(c);
}
END_TEST

START_TEST(key_update_rules) {
  /* A key may name only existing feeds of its owner; such an update changes nothing. */
  const char *kt = cf_fmt("/v2/keys/%s.json", FX.key_ip);
  cf_conn *c = cf_client("A", FX.key_master);
  char *before = cf_sub_state(c, kt);
  cf_publish(c, kt, cf_fmt("{\"key\":{\"permissions\":[{\"access_methods\":[\"get\"],\"resources\":[{\"feed_id\":%s}]}]}}", FX.feed_other), 1);
  cf_publish(c, kt, cf_fmt("{\"key\":{\"permissions\":[{\"access_methods\":[\"get\"],\"resources\":[{\"feed_id\":%s}]}]}}", FX.feed_missing), 1);
  cf_publish(c, kt, "{\"key\":{\"permissions\":[]}}", 1);
  cf_publish(c, kt, "{\"key\":{\"permissions\":[{\"access_methods\":[\"fly\"]}]}}", 1);
  cf_publish(c, kt, "{\"key\":{\"expires_at\":\"2000-01-01T00:00:00Z\"}}", 1);
  cf_publish(c, kt, "{\"key\":{\"permissions\":[{\"access_methods\":[\"get\"],\"source_ip\":\"300.1.1.1\"}]}}", 1);
  char *after = cf_read(FX.key_master, kt);
  CF_EXPECT_STR("key_ip after updates naming another user's feed, a missing feed, no permission, a bad method, a past expiry, a bad source_ip",
                before, after ? after : "(nothing)");
  /* Another user's master key cannot update the owner's key. */
  cf_conn *o = cf_client("other", FX.key_other);
  cf_publish(o, kt, "{\"key\":{\"label\":\"stolen\"}}", 1);
  after = cf_read(FX.key_master, kt);
  CF_EXPECT_STR("key_ip after another user's update", before, after ? after : "(nothing)");
  cf_disconnect(o);
  cf_disconnect(c);
}
END_TEST

START_TEST(feed_creation_needs_unscoped_post) {
  const char *fl = cf_fmt("/v2/feeds.json?user=%s&per_page=1000", FX.owner_login);
  char *before = cf_read(FX.key_master, fl);
  const char *who[] = {FX.key_feed, FX.key_readonly, FX.key_ds, NULL};
  for (int i = 0; i < 4; i++) {
    cf_conn *c = cf_client("creator", who[i]);
    cf_publish(c, "/v2/feeds.json", "{\"title\":\"cf must not exist\"}", 1);
    cf_disconnect(c);
  }
  cf_conn *m = cf_client("master", FX.key_master);
  cf_publish(m, "/v2/feeds.json", "{\"description\":\"no title\"}", 1); /* title required */
  cf_disconnect(m);
  char *after = cf_read(FX.key_master, fl);
  CF_EXPECT_STR("the owner's feed list after feed creations that must be refused", before ? before : "(nothing)", after ? after : "(nothing)");
}
END_TEST

/* XB-EXC-8: no CONNACK 05 and no SUBACK 80, at either protocol level: keys that may do
 * little or nothing connect with 00, and denied SUBSCRIBE entries are granted 00 like the
 * allowed one beside them (which alone delivers its state). */
START_TEST(no_refusal_codes) {
  const char *keys[] = {FX.key_ds, FX.key_ip, FX.key_readonly, NULL};
  const char *allowed = feed_t(FX.feed_public);
  const char *denied[] = {feed_t(FX.feed_other), feed_t(FX.feed_private),
                          cf_fmt("/v2/keys/%s.json", FX.key_master)};
  for (int level = 3; level <= 4; level++) {
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
      cf_connect_opts o = {0};
      o.level = level;
      o.user = keys[k];
      cf_conn *c = cf_client_opts(cf_fmt("L%d", level), &o); /* CONNACK 00, never 05 */
      cf_disconnect(c);
    }
    cf_connect_opts o = {0};
    o.level = level;
    o.user = FX.key_feed;
    cf_conn *c = cf_client_opts(cf_fmt("feedkey L%d", level), &o);
    const char *t[] = {denied[0], denied[1], allowed, denied[2]};
    cf_subscribe_n(c, t, 4, NULL); /* 00 00 00 00, never 80 */
    cf_pkt p;
    cf_expect_delivery(c, allowed, 1, &p, "(the one allowed filter of the SUBSCRIBE)");
    cf_pkt_free(&p);
    cf_expect_nothing(c, "after the state of the allowed filter (denied filters deliver nothing)");
    cf_disconnect(c);
  }
}
END_TEST

void cf_area_authz(cf_reg *r) {
  CF_ADD(r, denied_reads_deliver_nothing,
         "XB-AUTHZ-6 XB-AUTHZ-8 XB-AUTHZ-11 XB-AUTHZ-12 XB-AUTHZ-13 XB-AUTHZ-15 XB-AUTHZ-16 XB-AUTHZ-18 XB-AUTHZ-20 XB-AUTHZ-25 XB-SUB-4",
         "25 denied reads (anonymous, no private access, other user, scope, source_ip, not master): nothing delivered");
  CF_ADD(r, allowed_reads_deliver, "XB-AUTHZ-4 XB-AUTHZ-6 XB-AUTHZ-17 XB-AUTHZ-18",
         "public reads for everyone (any key, any source_ip), private reads with private access and scope");
  CF_ADD(r, denied_writes_no_effect, "XB-AUTHZ-5 XB-AUTHZ-6 XB-AUTHZ-8 XB-AUTHZ-12 XB-AUTHZ-19 XB-AUTHZ-20 XB-AUTHZ-25 XB-AUTHZ-27 XB-AUTH-12 XB-MAP-16",
         "writes denied by method, ownership, scope, source_ip, anonymity, unknown key: acknowledged, no effect");
  CF_ADD(r, allowed_writes_take_effect, "XB-AUTHZ-19 XB-AUTHZ-6",
         "writes by a key without private access, a scoped key, a master key take effect");
  CF_ADD(r, scoped_key_cannot_write_feed_document, "XB-AUTHZ-6",
         "a datastream-scoped key cannot write the feed document");
  CF_ADD(r, scope_is_case_sensitive, "XB-AUTHZ-7",
         "a datastream-scoped key cannot write the same id in another letter case");
  CF_ADD(r, key_update_rules, "XB-AUTHZ-13 XB-AUTHZ-14 XB-RES-72 XB-RES-73 XB-RES-74 XB-RES-76 XB-RES-79",
         "key updates naming a foreign or missing feed, no or bad permissions, past expiry, bad source_ip, or by another user change nothing");
  CF_ADD(r, feed_creation_needs_unscoped_post, "XB-AUTHZ-21 XB-RES-32",
         "feed creation by scoped, get-only or datastream keys, or without title, creates nothing");
  CF_ADD(r, feed_list_shows_readable_feeds_only, "XB-AUTHZ-22",
         "the feed list holds exactly the feeds the request may read");
  CF_ADD(r, key_list_own_keys_only, "XB-AUTHZ-13 XB-AUTHZ-15 XB-AUTHZ-23 XB-AUTH-18",
         "key and user lists hold only the acting user's own");
  CF_ADD(r, no_routing_between_clients, "XB-SCOPE-5 XB-TOPIC-2 XB-TOPIC-34",
         "a client never receives what another published on non-API topics, whatever it subscribed");
  CF_ADD(r, no_refusal_codes, "XB-EXC-8 XB-AUTH-6 XB-AUTHZ-25 XB-MQTT-49",
         "levels 3 and 4: keys that may do little connect with 00 (never 05); denied filters get 00 (never 80)");
  CF_ADD(r, subscription_keeps_its_key, "XB-AUTH-13 XB-SUB-14",
         "deliveries use the subscription's key: prefix-key subscription notified, anonymous one not");
}
