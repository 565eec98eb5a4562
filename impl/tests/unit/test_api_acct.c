/*
 * test_api_acct.c — API keys, triggers and users through the engine (spec/resources.md
 * §4, §9, §10), and the provisioning API used by xbadmin (spec/scope.md XB-SCOPE-8).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_api_util.h"

static bool buf_has(const xb_buf *b, const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; b->len >= n && i <= b->len - n; i++)
    if (memcmp(b->data + i, s, n) == 0) return true;
  return false;
}

static int key_post(const char *inner) {
  char p[2048];
  snprintf(p, sizeof p, "{\"key\":{%s}}", inner);
  return ta_post("/v2/keys.json", p, T.alice);
}

#define PERM_GET "\"permissions\":[{\"access_methods\":[\"get\"]}]"

/* XB-RES-70, XB-RES-71: create; 40 lower-case hex; label and permissions required. */
START_TEST(test_acct_key_create_XB_RES_70_XB_RES_71) {
  ck_assert_int_eq(key_post("\"label\":\"k\"," PERM_GET), 201);
  ck_assert_uint_eq(strlen(T.resp.created), 40);
  ck_assert_uint_eq(strspn(T.resp.created, "0123456789abcdef"), 40);
  char k[XB_API_KEY_TEXT];
  snprintf(k, sizeof k, "%.64s", T.resp.created);
  ck_assert_int_eq(key_post("\"label\":\"k\"," PERM_GET), 201);
  ck_assert_str_ne(T.resp.created, k);
  ck_assert_int_eq(ta_get("/v2/feeds.json", k), 200); /* the new key works */
  ck_assert_int_eq(key_post(PERM_GET), 422);
  ck_assert_int_eq(key_post("\"label\":\"\"," PERM_GET), 422);
  ck_assert_int_eq(key_post("\"label\":\"k\""), 422);
  ck_assert_int_eq(key_post("\"label\":\"k\",\"permissions\":[]"), 422);
  char p[4096] = "\"label\":\"k\",\"permissions\":[";
  for (int i = 0; i < 17; i++) strcat(p, i ? ",{\"access_methods\":[\"get\"]}" : "{\"access_methods\":[\"get\"]}");
  strcat(p, "]");
  ck_assert_int_eq(key_post(p), 422); /* 17 > 16 */
  /* api_key in the payload is read-only (XB-RES-18). */
  ck_assert_int_eq(key_post("\"api_key\":\"myownkeymyownkey1\",\"label\":\"k\"," PERM_GET), 201);
  ck_assert_str_ne(T.resp.created, "myownkeymyownkey1");
}
END_TEST

/* XB-RES-74 access_methods */
START_TEST(test_acct_access_methods_XB_RES_74) {
  ck_assert_int_eq(key_post("\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"DELETE\","
                            "\"Get\",\"get\",\"post\"]}]"), 201);
  char topic[128];
  snprintf(topic, sizeof topic, "/v2/keys/%s.json", T.resp.created);
  ck_assert_int_eq(ta_get(topic, T.alice), 200);
  ck_assert(ta_has("\"access_methods\":[\"get\",\"post\",\"delete\"]"));
  ck_assert_int_eq(key_post("\"label\":\"k\",\"permissions\":[{\"access_methods\":[]}]"), 422);
  ck_assert_int_eq(key_post("\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"patch\"]}]"),
                   422);
  ck_assert_int_eq(key_post("\"label\":\"k\",\"permissions\":[{\"access_methods\":\"get\"}]"), 422);
  ck_assert_int_eq(key_post("\"label\":\"k\",\"permissions\":[{\"label\":\"x\"}]"), 422);
  ck_assert_int_eq(key_post("\"label\":\"k\",\"permissions\":[{\"access_methods\":[1]}]"), 422);
}
END_TEST

/* XB-RES-73, XB-RES-76, XB-RES-77 (referer kept), XB-RES-78 (minimum_interval kept),
 * XB-RES-79; XB-RES-13 integers as JSON integers or plain decimal strings. */
START_TEST(test_acct_key_attributes_XB_RES_76_XB_RES_79) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(key_post("\"label\":\"k\",\"expires_at\":\"2014-01-01T00:00:00Z\","
                            "\"private_access\":true,\"permissions\":[{\"access_methods\":["
                            "\"get\"],\"source_ip\":\"2001:DB8:0:0::1\",\"referer\":\"example.org\","
                            "\"minimum_interval\":\"60\",\"label\":\"p\",\"resources\":[{\"feed_id\":"
                            "1,\"datastream_id\":\"x\"},{\"feed_id\":1}]}]"), 201);
  char topic[128];
  snprintf(topic, sizeof topic, "/v2/keys/%s.json", T.resp.created);
  ck_assert_int_eq(ta_get(topic, T.alice), 200);
  ck_assert(ta_has("\"expires_at\":\"2014-01-01T00:00:00.000000Z\",\"private_access\":true,"
                   "\"permissions\":[{\"label\":\"p\",\"access_methods\":[\"get\"],\"source_ip\":"
                   "\"2001:db8::1\",\"referer\":\"example.org\",\"minimum_interval\":60,"
                   "\"resources\":[{\"feed_id\":1,\"datastream_id\":\"x\"},{\"feed_id\":1}]}]"));
  const char *bad[] = {
      "\"label\":\"k\",\"expires_at\":\"2013-04-23T12:00:00Z\"," PERM_GET, /* not later */
      "\"label\":\"k\",\"expires_at\":\"2013-02-30T00:00:00Z\"," PERM_GET,
      "\"label\":\"k\",\"expires_at\":1," PERM_GET,
      "\"label\":\"k\",\"private_access\":\"yes\"," PERM_GET,
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"source_ip\":\"1.2.3.04\"}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"source_ip\":\"fe80::1%lo\"}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"referer\":\"a b\"}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"minimum_interval\":-1}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"minimum_interval\":1.5}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"minimum_interval\":\"01\"}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"resources\":[{"
      "\"datastream_id\":\"x\"}]}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"resources\":[{\"feed_id\":"
      "0}]}]",
      "\"label\":\"k\",\"permissions\":[{\"access_methods\":[\"get\"],\"resources\":[{\"feed_id\":"
      "1,\"datastream_id\":\"a b\"}]}]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(key_post(bad[i]) == 422, "accepted: %s (%d)", bad[i], T.resp.status);
}
END_TEST

/* XB-RES-72 update; XB-RES-80 list order and XB-TOPIC-30 feed_id filter. */
START_TEST(test_acct_key_update_and_list_XB_RES_72_XB_RES_80) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(key_post("\"label\":\"a\",\"permissions\":[{\"access_methods\":[\"get\"],"
                            "\"resources\":[{\"feed_id\":1}]},{\"access_methods\":[\"put\"]}]"),
                   201);
  char k[XB_API_KEY_TEXT], topic[128];
  snprintf(k, sizeof k, "%.64s", T.resp.created);
  snprintf(topic, sizeof topic, "/v2/keys/%s.json", k);
  ck_assert_int_eq(ta_put(topic, "{\"key\":{\"label\":\"b\",\"api_key\":\"zzzzzzzzzzzzzzzzzz\"}}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(topic, T.alice), 200);
  ck_assert(ta_has("\"label\":\"b\"") && ta_has("\"feed_id\":1") && ta_has("[\"put\"]"));
  ck_assert_int_eq(ta_put(topic, "{\"key\":{\"permissions\":[{\"access_methods\":[\"post\"]}]}}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(topic, T.alice), 200);
  ck_assert(ta_has("\"permissions\":[{\"access_methods\":[\"post\"]}]}}"));
  ck_assert_int_eq(ta_put(topic, "{\"key\":{\"permissions\":[]}}", T.alice), 422);
  ck_assert_int_eq(ta_put(topic, "{\"key\":{\"label\":\"\"}}", T.alice), 422);
  ck_assert_int_eq(ta_put(topic, "{\"key\":{\"expires_at\":\"2014-01-01T00:00:00Z\"}}", T.alice),
                   200);
  ck_assert_int_eq(ta_put(topic, "{\"key\":{\"expires_at\":null}}", T.alice), 200);
  ck_assert_int_eq(ta_get(topic, T.alice), 200);
  ck_assert(!ta_has("expires_at"));
  ck_assert_int_eq(key_post("\"label\":\"c\",\"permissions\":[{\"access_methods\":[\"get\"],"
                            "\"resources\":[{\"feed_id\":1,\"datastream_id\":\"0\"}]}]"), 201);
  ck_assert_int_eq(ta_get("/v2/keys.json", T.alice), 200);
  const char *b = ta_body();
  ck_assert(strstr(b, T.alice) != NULL);
  /* ascending api_key */
  const char *p = b, *prev = "";
  int n = 0;
  while ((p = strstr(p, "\"api_key\":\"")) != NULL) {
    p += 11;
    ck_assert(strncmp(prev, p, 40) <= 0);
    prev = p;
    n++;
  }
  ck_assert_int_eq(n, 3);
  ck_assert_int_eq(ta_get("/v2/keys.json?feed_id=1", T.alice), 200);
  ck_assert(!ta_has(T.alice) && ta_has("\"label\":\"c\""));
  ck_assert_int_eq(ta_get("/v2/keys.json?feed_id=99", T.alice), 200);
  ck_assert_str_eq(ta_body(), "{\"keys\":[]}");
}
END_TEST

/* XB-RES-75 at most 100 keys (the master key counts). */
START_TEST(test_acct_key_limit_XB_RES_75) {
  for (int i = 0; i < 99; i++) ck_assert_int_eq(key_post("\"label\":\"k\"," PERM_GET), 201);
  ck_assert_int_eq(key_post("\"label\":\"k\"," PERM_GET), 422);
}
END_TEST

static int trig(const char *p, const char *key) { return ta_post("/v2/triggers.json", p, key); }

/* XB-RES-81, XB-RES-82 (checked on create and update), XB-RES-83, XB-RES-84, XB-RES-85;
 * XB-RES-20: a rule is checked on the state the update would produce. */
START_TEST(test_acct_triggers_XB_RES_81_XB_RES_85) {
  ta_feed(T.alice, false);
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/0.json", "{\"current_value\":1}", T.alice), 200);
  ck_assert_int_eq(ta_put("/v2/feeds/2/datastreams/t.json", "{\"current_value\":1}", T.alice), 200);
  ck_assert_int_eq(trig("{\"url\":\"http://a.org/h\",\"trigger_type\":\"lte\",\"threshold_value\":"
                        "\"-3.5\",\"environment_id\":\"1\",\"stream_id\":0}", T.alice), 201);
  ck_assert_str_eq(T.resp.created, "1");
  ck_assert_int_eq(trig("{\"url\":\"http://a.org/f\",\"trigger_type\":\"frozen\","
                        "\"threshold_value\":\"9\",\"environment_id\":2,\"stream_id\":\"t\"}",
                        T.alice), 201);
  ck_assert_int_eq(ta_get("/v2/triggers/2.json", T.alice), 200);
  ck_assert(!ta_has("threshold_value") && !ta_has("notified_at")); /* XB-RES-83, XB-RES-85 */
  const char *bad[] = {
      "{\"trigger_type\":\"gt\",\"threshold_value\":1,\"environment_id\":1,\"stream_id\":\"0\"}",
      "{\"url\":\"mailto:x\",\"trigger_type\":\"gt\",\"threshold_value\":1,\"environment_id\":1,"
      "\"stream_id\":\"0\"}",
      "{\"url\":\"http://a\",\"trigger_type\":\"GT\",\"threshold_value\":1,\"environment_id\":1,"
      "\"stream_id\":\"0\"}",
      "{\"url\":\"http://a\",\"trigger_type\":\"gt\",\"environment_id\":1,\"stream_id\":\"0\"}",
      "{\"url\":\"http://a\",\"trigger_type\":\"eq\",\"threshold_value\":\"on\","
      "\"environment_id\":1,\"stream_id\":\"0\"}",
      "{\"url\":\"http://a\",\"trigger_type\":\"change\",\"environment_id\":9,\"stream_id\":\"0\"}",
      "{\"url\":\"http://a\",\"trigger_type\":\"change\",\"environment_id\":1,\"stream_id\":\"t\"}",
      "{\"url\":\"http://a\",\"trigger_type\":\"change\",\"stream_id\":\"0\"}",
      "{\"url\":\"http://a\",\"trigger_type\":\"change\",\"environment_id\":1}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(trig(bad[i], T.alice) == 422, "accepted: %s", bad[i]);
  /* Updates: partial, re-validated; a numeric type needs a threshold. */
  ck_assert_int_eq(ta_put("/v2/triggers/2.json", "{\"trigger_type\":\"gt\"}", T.alice), 422);
  ck_assert_int_eq(ta_put("/v2/triggers/2.json", "{\"trigger_type\":\"gt\",\"threshold_value\":5}",
                          T.alice), 200);
  ck_assert_int_eq(ta_put("/v2/triggers/1.json", "{\"trigger_type\":\"live\"}", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/triggers/1.json", T.alice), 200);
  ck_assert_str_eq(ta_body(), "{\"id\":1,\"url\":\"http://a.org/h\",\"trigger_type\":\"live\","
                              "\"environment_id\":1,\"stream_id\":\"0\",\"user\":\"alice\"}");
  ck_assert_int_eq(ta_put("/v2/triggers/1.json", "{\"stream_id\":\"nope\"}", T.alice), 422);
  ck_assert_int_eq(ta_get("/v2/triggers.json", T.alice), 200);
  ck_assert(ta_has("[{\"id\":1,") && ta_has("},{\"id\":2,"));
  ck_assert_int_eq(ta_get("/v2/triggers.json?feed_id=2", T.alice), 200);
  ck_assert(ta_has("[{\"id\":2,") && !ta_has("\"id\":1,"));
  /* XB-RES-84: at most 100 per user; ids keep counting after failures. */
  for (int i = 0; i < 98; i++)
    ck_assert_int_eq(trig("{\"url\":\"http://a\",\"trigger_type\":\"change\",\"environment_id\":1,"
                          "\"stream_id\":\"0\"}", T.alice), 201);
  ck_assert_int_eq(trig("{\"url\":\"http://a\",\"trigger_type\":\"change\",\"environment_id\":1,"
                        "\"stream_id\":\"0\"}", T.alice), 422);
}
END_TEST

/* XB-RES-27..XB-RES-31, XB-RES-12, XB-RES-11 users */
START_TEST(test_acct_users_XB_RES_27_XB_RES_31) {
  ck_assert_int_eq(ta_post("/v2/users.json", "{\"user\":{\"login\":\"carol\",\"full_name\":\"C\","
                                             "\"roles\":[\"admin\"],\"timezone\":\"Europe/London\"}}",
                           T.admin), 201);
  ck_assert_str_eq(T.resp.created, "carol");
  ck_assert_int_eq(ta_get("/v2/users/carol.json", T.admin), 200);
  ck_assert(ta_has("{\"user\":{\"login\":\"carol\",\"full_name\":\"C\",\"timezone\":"
                   "\"Europe/London\",\"api_key\":\"")); /* no roles (XB-RES-29) */
  /* The master key exists and works (XB-RES-30). */
  const char *k = strstr(ta_body(), "\"api_key\":\"") + 11;
  char key[XB_API_KEY_TEXT];
  snprintf(key, sizeof key, "%.40s", k);
  ck_assert_int_eq(ta_get("/v2/keys.json", key), 200);
  ck_assert(ta_has("\"label\":\"master\",\"private_access\":true,\"permissions\":[{"
                   "\"access_methods\":[\"get\",\"put\",\"post\",\"delete\"]}]"));
  ck_assert_int_eq(ta_post("/v2/users.json", "{\"user\":{\"login\":\"carol\"}}", T.admin), 422);
  ck_assert_str_eq(T.resp.reason, "conflict");
  const char *bad[] = {"{\"user\":{}}", "{\"user\":{\"login\":\"a b\"}}",
                       "{\"user\":{\"login\":\"x\",\"email\":\"nope\"}}",
                       "{\"user\":{\"login\":\"x\",\"website\":\"x.org\"}}",
                       "{\"user\":{\"login\":\"x\",\"timezone\":\"\xc3\xa9\"}}",
                       "{\"user\":{\"login\":\"0123456789012345678901234567890123456789X\"}}",
                       "{\"user\":{\"login\":5}}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(ta_post("/v2/users.json", bad[i], T.admin) == 422, "accepted %s", bad[i]);
  /* XB-RES-28: login in an update is ignored. */
  ck_assert_int_eq(ta_put("/v2/users/alice.json", "{\"user\":{\"login\":\"mallory\",\"about\":"
                                                  "\"line1\\nline2\",\"roles\":[\"admin\"]}}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/users/alice.json", T.alice), 200);
  ck_assert(ta_has("\"login\":\"alice\",\"about\":\"line1\\nline2\",\"api_key\""));
  ck_assert_int_eq(ta_get("/v2/users/mallory.json", T.admin), 404);
  /* XB-RES-31: ascending byte order of login. */
  ck_assert_int_eq(ta_get("/v2/users.json", T.admin), 200);
  const char *a = strstr(ta_body(), "\"login\":\"alice\""), *b = strstr(ta_body(), "\"login\":\"bob\""),
             *c = strstr(ta_body(), "\"login\":\"carol\""), *r = strstr(ta_body(), "\"login\":\"root\"");
  ck_assert(a && b && c && r && a < b && b < c && c < r);
  ck_assert(ta_has("\"login\":\"root\",\"roles\":[\"admin\"]"));
}
END_TEST

/* XB-SCOPE-8 provisioning: users with explicit keys, feeds with chosen ids, show. */
START_TEST(test_acct_provisioning_XB_SCOPE_8) {
  char key[XB_API_KEY_TEXT], err[256];
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "dave", false, "DaveKey-0123456789", T.now, key,
                                         err, sizeof err), 201);
  ck_assert_str_eq(key, "DaveKey-0123456789");
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "dave", false, NULL, T.now, key, err, sizeof err),
                   422);
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "eve", false, "DaveKey-0123456789", T.now, key,
                                         err, sizeof err), 422);
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "bad login", false, NULL, T.now, key, err,
                                         sizeof err), 422);
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "eve", false, "short", T.now, key, err, sizeof err),
                   422);
  ck_assert_int_eq(ta_get("/v2/users/eve.json", T.admin), 404); /* nothing half-created */
  uint32_t id = 0;
  ck_assert_int_eq(xb_api_admin_add_feed(T.api, "dave", 504, "Office", true, T.now, &id, err,
                                         sizeof err), 201);
  ck_assert_uint_eq(id, 504);
  ck_assert_int_eq(xb_api_admin_add_feed(T.api, "dave", 504, "Again", false, T.now, &id, err,
                                         sizeof err), 422);
  ck_assert_int_eq(xb_api_admin_add_feed(T.api, "dave", 0, "Next", false, T.now, &id, err,
                                         sizeof err), 201);
  ck_assert_uint_eq(id, 505);
  ck_assert_int_eq(xb_api_admin_add_datastream(T.api, "dave", 504, "temp", T.now, err, sizeof err),
                   201);
  ck_assert_int_eq(xb_api_admin_add_datastream(T.api, "alice", 504, "x", T.now, err, sizeof err),
                   403);
  xb_api_admin_perm p[2] = {{XB_M_PUT, "192.0.2.1", 504, "temp"}, {XB_M_GET, NULL, 0, NULL}};
  ck_assert_int_eq(xb_api_admin_add_key(T.api, "dave", "DaveWriter-0000001", "writer", false, p, 2,
                                        T.now, key, err, sizeof err), 201);
  ck_assert_str_eq(key, "DaveWriter-0000001");
  ck_assert_int_eq(ta_put("/v2/feeds/504/datastreams/temp.json", "{\"current_value\":1}", key),
                   200);
  xb_buf out;
  xb_buf_init(&out, 0);
  ck_assert_int_eq(xb_api_admin_show(T.api, "dave", "/v2/keys.json", T.now, &out, err, sizeof err),
                   200);
  ck_assert(buf_has(&out, "DaveWriter-0000001"));
  ck_assert_int_eq(xb_api_admin_show(T.api, "dave", "/v2/feeds/504.json", T.now, &out, err,
                                     sizeof err), 200);
  ck_assert(buf_has(&out, "\"private\":\"true\""));
  ck_assert_int_eq(xb_api_admin_show(T.api, "dave", "/v2/nothing", T.now, &out, err, sizeof err),
                   400);
  ck_assert_int_eq(xb_api_admin_show(T.api, "nobody", "/v2/keys.json", T.now, &out, err,
                                     sizeof err), 401);
  xb_buf_free(&out);
}
END_TEST

Suite *xb_suite_api_acct(void);
Suite *xb_suite_api_acct(void) {
  Suite *s = suite_create("api_acct");
  TCase *tc = tcase_create("accounts");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_acct_key_create_XB_RES_70_XB_RES_71);
  tcase_add_test(tc, test_acct_access_methods_XB_RES_74);
  tcase_add_test(tc, test_acct_key_attributes_XB_RES_76_XB_RES_79);
  tcase_add_test(tc, test_acct_key_update_and_list_XB_RES_72_XB_RES_80);
  tcase_add_test(tc, test_acct_key_limit_XB_RES_75);
  tcase_add_test(tc, test_acct_triggers_XB_RES_81_XB_RES_85);
  tcase_add_test(tc, test_acct_users_XB_RES_27_XB_RES_31);
  tcase_add_test(tc, test_acct_provisioning_XB_SCOPE_8);
  suite_add_tcase(s, tc);
  return s;
}
