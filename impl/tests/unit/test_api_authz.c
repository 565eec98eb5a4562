/*
 * test_api_authz.c — the security boundary: every rule of spec/authz.md through the
 * engine, each allowed case next to its denied variants (status and log reason), and
 * the store left untouched by every denial (XB-AUTHZ-27).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_api_util.h"

/* Public feed 1 and private feed 2 of alice, private feed 3 of bob. */
static void feeds(void) {
  ck_assert_uint_eq(ta_feed(T.alice, false), 1);
  ck_assert_uint_eq(ta_feed(T.alice, true), 2);
  ck_assert_uint_eq(ta_feed(T.bob, true), 3);
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/0.json", "{\"current_value\":1}", T.alice),
                   200);
  ck_assert_int_eq(ta_put("/v2/feeds/2/datastreams/0.json", "{\"current_value\":1}", T.alice),
                   200);
}

static void expect(int got, int want, const char *reason, const char *what) {
  ck_assert_msg(got == want, "%s: got %d (%s: %s), want %d", what, got,
                T.resp.reason ? T.resp.reason : "-", T.resp.detail, want);
  if (reason == NULL) ck_assert_ptr_null(T.resp.reason);
  else ck_assert_msg(T.resp.reason && strcmp(T.resp.reason, reason) == 0, "%s: reason %s", what,
                     T.resp.reason ? T.resp.reason : "(null)");
}

static char k1[XB_API_KEY_TEXT], k2[XB_API_KEY_TEXT];

/* XB-AUTHZ-17, XB-AUTHZ-20, XB-AUTHZ-3 (nothing else allowed): anonymous requests. */
START_TEST(test_authz_anonymous_XB_AUTHZ_17_XB_AUTHZ_20) {
  feeds();
  expect(ta_get("/v2/feeds/1.json", NULL), 200, NULL, "public feed");
  expect(ta_get("/v2/feeds/1/datastreams/0.json", NULL), 200, NULL, "public datastream");
  expect(ta_get("/v2/feeds/1/datastreams/0/datapoints.json", NULL), 200, NULL, "datapoints");
  expect(ta_get("/v2/feeds/2.json", NULL), 401, "forbidden", "private feed");
  expect(ta_get("/v2/feeds/2/datastreams/0.json", NULL), 401, "forbidden", "private ds");
  expect(ta_put("/v2/feeds/1.json", "{}", NULL), 401, "forbidden", "anonymous write");
  expect(ta_put("/v2/feeds/1/datastreams/0.json", "{\"current_value\":2}", NULL), 401,
         "forbidden", "anonymous ds write");
  expect(ta_post("/v2/feeds.json", "{\"title\":\"x\"}", NULL), 401, "forbidden", "create");
  expect(ta_get("/v2/keys.json", NULL), 401, "forbidden", "keys");
  expect(ta_get("/v2/triggers.json", NULL), 401, "forbidden", "triggers");
  expect(ta_get("/v2/users.json", NULL), 401, "forbidden", "users");
  expect(ta_get("/v2/users/alice.json", NULL), 401, "forbidden", "user");
  /* XB-AUTHZ-22: the anonymous feed list holds the public feeds only. */
  expect(ta_get("/v2/feeds.json", NULL), 200, NULL, "feed list");
  ck_assert(ta_has("\"totalResults\":1,") && ta_has("\"id\":1,"));
  /* XB-AUTHZ-2 (4): the payload of a denied request is never parsed: 401, not 400. */
  expect(ta_put("/v2/feeds/1.json", "{not json", NULL), 401, "forbidden", "unparsed");
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json", NULL), 200);
  ck_assert(ta_has("\"current_value\":\"1\"")); /* XB-AUTHZ-27 */
}
END_TEST

/* XB-AUTH-11, XB-AUTHZ-2 (1): unknown and expired keys. */
START_TEST(test_authz_unknown_expired_key_XB_AUTH_11) {
  feeds();
  expect(ta_get("/v2/feeds/1.json", "0123456789abcdef0123"), 401, "unknown-key", "unknown");
  expect(ta_get("/v2/feeds/1.json", "short"), 401, "unknown-key", "not a key");
  expect(ta_get("/v2/feeds/1.json", "has space in it 12345"), 401, "unknown-key", "bad chars");
  /* Even a public read is refused with a key that does not exist (step 1 first). */
  ck_assert_int_eq(ta_post("/v2/keys.json",
                           "{\"key\":{\"label\":\"exp\",\"expires_at\":\"2013-04-23T12:00:01Z\","
                           "\"permissions\":[{\"access_methods\":[\"get\"]}]}}", T.alice), 201);
  char exp[XB_API_KEY_TEXT];
  snprintf(exp, sizeof exp, "%.64s", T.resp.created);
  expect(ta_get("/v2/feeds/1.json", exp), 200, NULL, "not yet expired");
  T.now += 1000000;
  expect(ta_get("/v2/feeds/1.json", exp), 401, "expired-key", "expired at its instant");
  ck_assert_int_eq(xb_api_key_check(T.api, exp, strlen(exp), T.now), XB_API_KEY_EXPIRED);
  ck_assert_int_eq(xb_api_key_check(T.api, T.alice, strlen(T.alice), T.now), XB_API_KEY_VALID);
  ck_assert_int_eq(xb_api_key_check(T.api, "nokeynokeynokeyno", 17, T.now), XB_API_KEY_UNKNOWN);
  ck_assert_int_eq(xb_api_key_check(T.api, "", 0, T.now), XB_API_KEY_UNKNOWN); /* XB-AUTH-3 */
  ck_assert_int_eq(xb_api_key_check(T.api, "a/b", 3, T.now), XB_API_KEY_UNKNOWN);
}
END_TEST

/* XB-AUTH-9: a prefix key alone decides, even when it is unknown. */
START_TEST(test_authz_prefix_key_overrides_XB_AUTH_9) {
  feeds();
  char topic[160];
  snprintf(topic, sizeof topic, "0123456789abcdef0123/v2/feeds/2.json");
  expect(ta_get(topic, T.alice), 401, "unknown-key", "prefix unknown, username valid");
  snprintf(topic, sizeof topic, "%s/v2/feeds/2.json", T.alice);
  expect(ta_get(topic, T.bob), 200, NULL, "prefix valid, username of another user");
}
END_TEST

/* XB-AUTHZ-18: private reads need owner, private_access and a get permission;
 * XB-AUTHZ-12: another user's private feed is denied even to a master key. */
START_TEST(test_authz_private_read_XB_AUTHZ_18) {
  feeds();
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_GET, 0, NULL, NULL, false));
  expect(ta_get("/v2/feeds/2.json", k1), 403, "forbidden", "no private_access");
  expect(ta_get("/v2/feeds/1.json", k1), 200, NULL, "public with same key");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_PUT, 0, NULL, NULL, true));
  expect(ta_get("/v2/feeds/2.json", k1), 403, "forbidden", "private_access without get");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_GET, 0, NULL, NULL, true));
  expect(ta_get("/v2/feeds/2.json", k1), 200, NULL, "private read");
  expect(ta_get("/v2/feeds/2/datastreams/0/datapoints.json", k1), 200, NULL, "private family");
  expect(ta_get("/v2/feeds/3.json", k1), 403, "forbidden", "another user's private feed");
  expect(ta_get("/v2/feeds/3.json", T.alice), 403, "forbidden", "master of another user");
  /* XB-AUTHZ-17: any valid key reads a public feed of anyone. */
  expect(ta_get("/v2/feeds/1.json", T.bob), 200, NULL, "other user, public");
}
END_TEST

/* XB-AUTHZ-19: writes need ownership and a permission with the method. */
START_TEST(test_authz_write_XB_AUTHZ_19) {
  feeds();
  expect(ta_put("/v2/feeds/1.json", "{}", T.bob), 403, "forbidden", "other user's feed");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_GET, 0, NULL, NULL, true));
  expect(ta_put("/v2/feeds/1.json", "{}", k1), 403, "forbidden", "get-only key");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_PUT, 0, NULL, NULL, false));
  expect(ta_put("/v2/feeds/2.json", "{\"title\":\"w\"}", k1), 200, NULL,
         "private feed, no private_access needed");
  expect(ta_put("/v2/feeds/2/datastreams/new.json", "{\"current_value\":1}", k1), 200, NULL,
         "put creates a datastream");
  expect(ta_post("/v2/feeds/2/datastreams.json", "{\"datastreams\":[{\"id\":\"p\"}]}", k1), 403,
         "forbidden", "post without post");
  expect(ta_post("/v2/feeds/2/datastreams/0/datapoints.json",
                 "{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\",\"value\":1}]}", k1), 403,
         "forbidden", "datapoints post needs post");
  snprintf(k2, sizeof k2, "%s", ta_key("alice", XB_M_POST, 0, NULL, NULL, false));
  expect(ta_post("/v2/feeds/2/datastreams.json", "{\"datastreams\":[{\"id\":\"p\"}]}", k2), 201,
         NULL, "post");
  expect(ta_put("/v2/feeds/2.json", "{}", k2), 403, "forbidden", "put without put");
  /* XB-AUTHZ-27: a denial changes nothing. */
  ck_assert_int_eq(ta_get("/v2/feeds/2.json", T.alice), 200);
  ck_assert(ta_has("\"title\":\"w\""));
}
END_TEST

/* XB-AUTHZ-6: datastream-scoped and feed-scoped keys. */
START_TEST(test_authz_scoped_keys_XB_AUTHZ_6) {
  feeds();
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_GET | XB_M_PUT | XB_M_POST, 2, "0", NULL,
                                       true));
  expect(ta_put("/v2/feeds/2/datastreams/0.json", "{\"current_value\":5}", k1), 200, NULL,
         "ds-scoped write");
  expect(ta_get("/v2/feeds/2/datastreams/0.json", k1), 200, NULL, "ds-scoped read");
  expect(ta_post("/v2/feeds/2/datastreams/0/datapoints.json",
                 "{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\",\"value\":1}]}", k1), 200,
         NULL, "ds-scoped datapoints");
  expect(ta_get("/v2/feeds/2/datastreams/0/datapoints/2013-04-23T11:00:00Z.json", k1), 200, NULL,
         "ds-scoped datapoint");
  expect(ta_put("/v2/feeds/2/datastreams/1.json", "{\"current_value\":5}", k1), 403, "forbidden",
         "other datastream");
  expect(ta_get("/v2/feeds/2.json", k1), 403, "forbidden", "feed document");
  expect(ta_put("/v2/feeds/2.json", "{\"datastreams\":[{\"id\":\"0\",\"current_value\":6}]}", k1),
         403, "forbidden", "feed put touching only the scoped stream");
  expect(ta_post("/v2/feeds/2/datastreams.json", "{\"datastreams\":[{\"id\":\"0x\"}]}", k1), 403,
         "forbidden", "datastreams collection");
  expect(ta_put("/v2/feeds/1/datastreams/0.json", "{\"current_value\":5}", k1), 403, "forbidden",
         "same ds id, other feed");
  /* Feed-scoped: the whole family of that feed only. */
  snprintf(k2, sizeof k2, "%s", ta_key("alice", XB_M_GET | XB_M_PUT, 2, NULL, NULL, true));
  expect(ta_get("/v2/feeds/2.json", k2), 200, NULL, "feed scope read");
  expect(ta_put("/v2/feeds/2.json", "{\"title\":\"s\"}", k2), 200, NULL, "feed scope write");
  expect(ta_put("/v2/feeds/2/datastreams/zz.json", "{\"current_value\":1}", k2), 200, NULL,
         "any datastream");
  expect(ta_put("/v2/feeds/1.json", "{}", k2), 403, "forbidden", "other feed");
  /* XB-AUTHZ-7: datastream ids are case-sensitive. */
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_PUT, 2, "Temp", NULL, false));
  expect(ta_put("/v2/feeds/2/datastreams/temp.json", "{\"current_value\":1}", k1), 403,
         "forbidden", "case");
  expect(ta_put("/v2/feeds/2/datastreams/Temp.json", "{\"current_value\":1}", k1), 200, NULL,
         "exact case");
}
END_TEST

/* XB-AUTHZ-8 source_ip; XB-AUTHZ-9 referer. */
START_TEST(test_authz_source_ip_referer_XB_AUTHZ_8_XB_AUTHZ_9) {
  feeds();
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_PUT, 0, NULL, "192.0.2.7", false));
  expect(ta_req(XB_API_PUT, "/v2/feeds/1.json", "{}", k1, "192.0.2.7"), 200, NULL, "same ip");
  expect(ta_req(XB_API_PUT, "/v2/feeds/1.json", "{}", k1, "::ffff:192.0.2.7"), 200, NULL,
         "v4-mapped");
  expect(ta_req(XB_API_PUT, "/v2/feeds/1.json", "{}", k1, "192.0.2.8"), 403, "source-ip",
         "other ip");
  expect(ta_req(XB_API_PUT, "/v2/feeds/1.json", "{}", k1, NULL), 403, "source-ip", "default ip");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_PUT, 0, NULL, "2001:db8::7", false));
  expect(ta_req(XB_API_PUT, "/v2/feeds/1.json", "{}", k1, "2001:DB8:0:0::7"), 200, NULL, "v6");
  ck_assert_int_eq(ta_post("/v2/keys.json",
                           "{\"key\":{\"label\":\"r\",\"permissions\":[{\"access_methods\":["
                           "\"put\"],\"referer\":\"example.org\"}]}}", T.alice), 201);
  snprintf(k2, sizeof k2, "%.64s", T.resp.created);
  expect(ta_put("/v2/feeds/1.json", "{}", k2), 403, "forbidden", "referer never matches");
}
END_TEST

/* XB-AUTHZ-21: feed creation needs an unscoped permission with post; XB-AUTH-15 and
 * XB-RES-26: the created feed belongs to the key's user. */
START_TEST(test_authz_feed_create_XB_AUTHZ_21) {
  feeds();
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_POST, 1, NULL, NULL, false));
  expect(ta_post("/v2/feeds.json", "{\"title\":\"x\"}", k1), 403, "forbidden", "scoped post");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_PUT | XB_M_GET, 0, NULL, NULL, true));
  expect(ta_post("/v2/feeds.json", "{\"title\":\"x\"}", k1), 403, "forbidden", "no post");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_POST, 0, NULL, NULL, false));
  expect(ta_post("/v2/feeds.json", "{\"title\":\"x\"}", k1), 201, NULL, "unscoped post");
  ck_assert_int_eq(ta_get("/v2/feeds/4.json", NULL), 200);
  ck_assert(ta_has("users/alice")); /* the key's user owns it */
}
END_TEST

/* XB-AUTHZ-22: the feed list holds public feeds and the readable private ones. */
START_TEST(test_authz_feed_list_XB_AUTHZ_22) {
  feeds();
  expect(ta_get("/v2/feeds.json", T.alice), 200, NULL, "alice");
  ck_assert(ta_has("\"totalResults\":2,") && ta_has("\"id\":2,") && !ta_has("\"id\":3,"));
  expect(ta_get("/v2/feeds.json", T.bob), 200, NULL, "bob");
  ck_assert(ta_has("\"totalResults\":2,") && ta_has("\"id\":1,") && ta_has("\"id\":3,"));
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_GET, 0, NULL, NULL, false));
  expect(ta_get("/v2/feeds.json", k1), 200, NULL, "no private_access");
  ck_assert(ta_has("\"totalResults\":1,"));
  expect(ta_get("/v2/feeds.json", "0123456789abcdef0123"), 401, "unknown-key", "unknown key");
}
END_TEST

/* XB-AUTHZ-13, XB-AUTHZ-14: keys need master rights, own keys only. */
START_TEST(test_authz_keys_XB_AUTHZ_13_XB_AUTHZ_14) {
  feeds();
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_ALL, 0, NULL, NULL, false));
  expect(ta_get("/v2/keys.json", k1), 403, "forbidden", "all methods but no private_access");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_ALL, 1, NULL, NULL, true));
  expect(ta_get("/v2/keys.json", k1), 403, "forbidden", "scoped");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_ALL, 0, NULL, "192.0.2.99", true));
  expect(ta_get("/v2/keys.json", k1), 403, "source-ip", "master from elsewhere");
  expect(ta_req(XB_API_GET, "/v2/keys.json", NULL, k1, "192.0.2.99"), 200, NULL, "master here");
  expect(ta_get("/v2/keys.json", T.alice), 200, NULL, "master");
  ck_assert(!ta_has(T.bob));
  char topic[160];
  snprintf(topic, sizeof topic, "/v2/keys/%s.json", T.bob);
  expect(ta_get(topic, T.alice), 403, "forbidden", "another user's key");
  expect(ta_put(topic, "{\"key\":{\"label\":\"stolen\"}}", T.alice), 403, "forbidden", "put");
  expect(ta_get("/v2/keys/0123456789abcdef0123.json", T.alice), 404, "not-found", "missing");
  /* XB-AUTHZ-14: resources may name only own feeds. */
  expect(ta_post("/v2/keys.json", "{\"key\":{\"label\":\"x\",\"permissions\":[{\"access_methods\":"
                                  "[\"get\"],\"resources\":[{\"feed_id\":3}]}]}}", T.alice),
         403, "forbidden", "bob's feed");
  expect(ta_post("/v2/keys.json", "{\"key\":{\"label\":\"x\",\"permissions\":[{\"access_methods\":"
                                  "[\"get\"],\"resources\":[{\"feed_id\":99}]}]}}", T.alice),
         422, "invalid", "missing feed");
  snprintf(k2, sizeof k2, "%s", ta_key("alice", XB_M_GET, 0, NULL, NULL, true));
  expect(ta_post("/v2/keys.json", "{\"key\":{\"label\":\"x\",\"permissions\":[{\"access_methods\":"
                                  "[\"get\"]}]}}", k2), 403, "forbidden", "create needs master");
}
END_TEST

/* XB-AUTHZ-15: users; XB-AUTHZ-23: a list holds only what could be read one by one. */
START_TEST(test_authz_users_XB_AUTHZ_15) {
  expect(ta_get("/v2/users/alice.json", T.alice), 200, NULL, "self");
  expect(ta_get("/v2/users/bob.json", T.alice), 403, "forbidden", "another user");
  expect(ta_put("/v2/users/bob.json", "{\"user\":{\"full_name\":\"x\"}}", T.alice), 403,
         "forbidden", "put another user");
  expect(ta_get("/v2/users/bob.json", T.admin), 200, NULL, "administrator");
  expect(ta_put("/v2/users/bob.json", "{\"user\":{\"full_name\":\"B\"}}", T.admin), 200, NULL,
         "admin put");
  expect(ta_get("/v2/users/nobody.json", T.admin), 404, "not-found", "missing user");
  snprintf(k1, sizeof k1, "%s", ta_key("alice", XB_M_GET, 0, NULL, NULL, true));
  expect(ta_get("/v2/users/alice.json", k1), 403, "forbidden", "non-master key");
  expect(ta_get("/v2/users.json", k1), 200, NULL, "list with non-master key");
  ck_assert_str_eq(ta_body(), "{\"users\":[]}");
  expect(ta_get("/v2/users.json", T.alice), 200, NULL, "list self");
  ck_assert(ta_has("\"login\":\"alice\"") && !ta_has("\"login\":\"bob\""));
  expect(ta_get("/v2/users.json", T.admin), 200, NULL, "admin list");
  ck_assert(ta_has("\"login\":\"alice\"") && ta_has("\"login\":\"bob\""));
  expect(ta_post("/v2/users.json", "{\"user\":{\"login\":\"carol\"}}", T.alice), 403,
         "forbidden", "create by non-admin");
  expect(ta_post("/v2/users.json", "{\"user\":{\"login\":\"carol\"}}", T.admin), 201, NULL,
         "create by admin");
}
END_TEST

/* XB-AUTHZ-16: triggers. */
START_TEST(test_authz_triggers_XB_AUTHZ_16) {
  feeds();
  ck_assert_int_eq(ta_put("/v2/feeds/3/datastreams/0.json", "{\"current_value\":1}", T.bob), 200);
  const char *tr = "{\"url\":\"http://a.org/h\",\"trigger_type\":\"change\","
                   "\"environment_id\":3,\"stream_id\":\"0\"}";
  expect(ta_post("/v2/triggers.json", tr, T.alice), 403, "forbidden", "watch bob's feed");
  expect(ta_post("/v2/triggers.json", tr, T.bob), 201, NULL, "bob's own");
  expect(ta_get("/v2/triggers/1.json", T.alice), 403, "forbidden", "bob's trigger");
  expect(ta_put("/v2/triggers/1.json", "{\"url\":\"http://b.org\"}", T.alice), 403, "forbidden",
         "put bob's trigger");
  expect(ta_get("/v2/triggers/1.json", T.bob), 200, NULL, "own trigger");
  expect(ta_get("/v2/triggers.json", T.alice), 200, NULL, "alice's list");
  ck_assert_str_eq(ta_body(), "[]");
  snprintf(k1, sizeof k1, "%s", ta_key("bob", XB_M_GET | XB_M_PUT | XB_M_POST, 0, NULL, NULL,
                                       true));
  expect(ta_get("/v2/triggers.json", k1), 403, "forbidden", "non-master");
  expect(ta_get("/v2/triggers/2.json", T.bob), 404, "not-found", "missing");
}
END_TEST

/* XB-AUTHZ-2 (2): existence is checked before permission; XB-SUB-14 check_read. */
START_TEST(test_authz_existence_and_check_read_XB_AUTHZ_2_XB_SUB_14) {
  feeds();
  expect(ta_get("/v2/feeds/9.json", NULL), 404, "not-found", "missing feed, anonymous");
  expect(ta_put("/v2/feeds/9.json", "{}", T.bob), 404, "not-found", "missing feed, write");
  expect(ta_get("/v2/feeds/2/datastreams/nope.json", T.bob), 404, "not-found", "missing ds");
  /* xb_api_check_read answers what a read would. */
  const char *tp[] = {"/v2/feeds/1.json", "/v2/feeds/2.json", "/v2/feeds/9.json",
                      "/v2/feeds/2/datastreams/0.csv"};
  const char *keys[] = {NULL, T.alice, T.bob, "0123456789abcdef0123"};
  for (size_t i = 0; i < 4; i++) {
    for (size_t j = 0; j < 4; j++) {
      int want = ta_get(tp[i], keys[j]);
      if (want == 501) want = 200; /* rendering is not part of the check */
      xb_topic t;
      ck_assert_int_eq(xb_topic_parse((const uint8_t *)tp[i], strlen(tp[i]), 1024, &t), 0);
      xb_api_request req;
      memset(&req, 0, sizeof req);
      req.method = XB_API_GET;
      req.topic = &t;
      req.topic_bytes = (const uint8_t *)tp[i];
      req.key = keys[j];
      req.key_len = keys[j] ? strlen(keys[j]) : 0;
      req.client_ip = "192.0.2.1";
      req.now = T.now;
      const char *reason = NULL;
      ck_assert_int_eq(xb_api_check_read(T.api, &req, &reason), want);
    }
  }
}
END_TEST

/* XB-AUTHZ-10, XB-RES-78: minimum_interval is not enforced: repeated history reads
 * with such a key are all allowed. XB-RES-86: the payload size is checked before the
 * key, the key before existence, existence before permission, permission before the
 * payload syntax. */
START_TEST(test_authz_minimum_interval_and_order_XB_AUTHZ_10_XB_RES_86) {
  feeds();
  ck_assert_int_eq(ta_post("/v2/keys.json",
                           "{\"key\":{\"label\":\"slow\",\"private_access\":true,\"permissions\":"
                           "[{\"access_methods\":[\"get\"],\"minimum_interval\":3600}]}}", T.alice),
                   201);
  snprintf(k1, sizeof k1, "%.64s", T.resp.created);
  for (int i = 0; i < 3; i++)
    expect(ta_get("/v2/feeds/2/datastreams/0.json?duration=1hour", k1), 200, NULL, "history");
  static char big[70000];
  memset(big, ' ', sizeof big - 1);
  big[0] = '{';
  big[sizeof big - 2] = '}';
  expect(ta_put("/v2/feeds/1.json", big, "0123456789abcdef0123"), 400, "payload-too-large",
         "size before key");
  expect(ta_put("/v2/feeds/9.json", "{", "0123456789abcdef0123"), 401, "unknown-key",
         "key before existence");
  expect(ta_put("/v2/feeds/9.json", "{", T.bob), 404, "not-found", "existence before permission");
  expect(ta_put("/v2/feeds/1.json", "{", T.bob), 403, "forbidden", "permission before syntax");
  expect(ta_put("/v2/feeds/1.json", "{", T.alice), 400, "bad-payload", "syntax before rules");
  expect(ta_put("/v2/feeds/1.json", "{\"title\":\"\"}", T.alice), 422, "invalid", "rules");
}
END_TEST

Suite *xb_suite_api_authz(void);
Suite *xb_suite_api_authz(void) {
  Suite *s = suite_create("api_authz");
  TCase *tc = tcase_create("authz");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_authz_anonymous_XB_AUTHZ_17_XB_AUTHZ_20);
  tcase_add_test(tc, test_authz_unknown_expired_key_XB_AUTH_11);
  tcase_add_test(tc, test_authz_prefix_key_overrides_XB_AUTH_9);
  tcase_add_test(tc, test_authz_private_read_XB_AUTHZ_18);
  tcase_add_test(tc, test_authz_write_XB_AUTHZ_19);
  tcase_add_test(tc, test_authz_scoped_keys_XB_AUTHZ_6);
  tcase_add_test(tc, test_authz_source_ip_referer_XB_AUTHZ_8_XB_AUTHZ_9);
  tcase_add_test(tc, test_authz_feed_create_XB_AUTHZ_21);
  tcase_add_test(tc, test_authz_feed_list_XB_AUTHZ_22);
  tcase_add_test(tc, test_authz_keys_XB_AUTHZ_13_XB_AUTHZ_14);
  tcase_add_test(tc, test_authz_users_XB_AUTHZ_15);
  tcase_add_test(tc, test_authz_triggers_XB_AUTHZ_16);
  tcase_add_test(tc, test_authz_existence_and_check_read_XB_AUTHZ_2_XB_SUB_14);
  tcase_add_test(tc, test_authz_minimum_interval_and_order_XB_AUTHZ_10_XB_RES_86);
  suite_add_tcase(s, tc);
  return s;
}
