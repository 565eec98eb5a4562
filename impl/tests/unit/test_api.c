/*
 * test_api.c — the engine on the feed family: feeds, datastreams, datapoints, values,
 * min/max, tags, location, limits and routing (spec/resources.md §1..§8, §11).
 * Permissions: test_api_authz.c; JSON input shapes and malformed payloads:
 * test_api_json.c; history, lists, changes and batches: test_api_read.c; keys,
 * triggers, users: test_api_acct.c.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_api_util.h"

#define FEED "/v2/feeds/1.json"
#define DS0 "/v2/feeds/1/datastreams/0.json"

/* XB-RES-32, XB-RES-33, XB-RES-34, XB-RES-37, XB-RES-38, XB-JSON-8; XB-RES-23: a create
 * answers 201 with the new id, an update 200. */
START_TEST(test_api_feed_create_and_read_XB_RES_32) {
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":\"Office\",\"id\":77}", T.alice), 201);
  ck_assert_str_eq(T.resp.created, "1"); /* XB-RES-33: allocated, payload id ignored */
  ck_assert_uint_eq(T.resp.changes.feed_id, 1);
  ck_assert(T.resp.changes.feed_flags & XB_CH_CREATED);
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":\"Two\"}", T.alice), 201);
  ck_assert_str_eq(T.resp.created, "2");
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert_str_eq(ta_body(),
                   "{\"id\":1,\"title\":\"Office\",\"private\":\"false\",\"feed\":\"https://"
                   "api.xively.com/v2/feeds/1.json\",\"status\":\"live\",\"updated\":\"2013-04-"
                   "23T12:00:00.000000Z\",\"created\":\"2013-04-23T12:00:00.000000Z\",\"creator\":"
                   "\"https://xively.com/users/alice\",\"version\":\"1.0.0\"}");
  /* XB-RES-32: title required; XB-RES-39: never empty. */
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"description\":\"x\"}", T.alice), 422);
  ck_assert_str_eq(T.resp.reason, "invalid");
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":\"  \"}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":null}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":5}", T.alice), 422); /* XB-RES-19 */
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":\"Three\"}", T.alice), 201);
  ck_assert_str_eq(T.resp.created, "3"); /* failed creates allocate nothing */
}
END_TEST

/* XB-RES-16 partial updates; XB-RES-39; XB-RES-4 unset by empty / null. */
START_TEST(test_api_feed_partial_update_XB_RES_16) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"description\":\"d\",\"website\":\"http://a.org/\"}",
                          T.alice), 200);
  ck_assert_int_eq(ta_put(FEED, "{\"icon\":\"https://a.org/i.png\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"title\":\"F\""));
  ck_assert(ta_has("\"description\":\"d\",\"website\":\"http://a.org/\",\"icon\":\"https://"));
  ck_assert_int_eq(ta_put(FEED, "{\"description\":\"\",\"website\":null}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(!ta_has("description") && !ta_has("website") && ta_has("\"icon\""));
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"\"}", T.alice), 422); /* XB-RES-39 */
  ck_assert_int_eq(ta_put(FEED, "{\"title\":null}", T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"New\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"title\":\"New\""));
}
END_TEST

/* XB-RES-2 trimming, XB-RES-3 control characters, XB-RES-1 lengths in bytes. */
START_TEST(test_api_trim_and_control_XB_RES_2_XB_RES_3) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\" \\t Spaced \\r\\n\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"title\":\"Spaced\""));
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"a\\u0001b\"}", T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"a\\u007fb\"}", T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"a\\nb\"}", T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"description\":\"a\\nb\\tc\"}", T.alice), 200);
  ck_assert_int_eq(ta_put(FEED, "{\"description\":\"a\\u0000b\"}", T.alice), 422);
  /* 255 bytes of UTF-8 pass, 256 do not (é is 2 bytes). */
  char p[700];
  strcpy(p, "{\"title\":\"");
  for (int i = 0; i < 127; i++) strcat(p, "\xc3\xa9");
  strcat(p, "x\"}");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 200);
  strcpy(p, "{\"title\":\"");
  for (int i = 0; i < 128; i++) strcat(p, "\xc3\xa9");
  strcat(p, "\"}");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 422);
}
END_TEST

/* XB-RES-11 URLs, XB-RES-12 e-mail, XB-RES-14 booleans. */
START_TEST(test_api_feed_value_rules_XB_RES_11_XB_RES_12_XB_RES_14) {
  ta_feed(T.alice, false);
  const char *bad[] = {"{\"website\":\"ftp://a.org\"}", "{\"website\":\"http://\"}",
                       "{\"website\":\"http://a b\"}",  "{\"icon\":\"a.org\"}",
                       "{\"email\":\"a@b@c\"}",         "{\"email\":\"@b\"}",
                       "{\"email\":\"a@\"}",            "{\"email\":\"a b@c\"}",
                       "{\"private\":\"TRUE\"}",        "{\"private\":1}",
                       "{\"private\":\"yes\"}",         "{\"private\":null}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(ta_put(FEED, bad[i], T.alice) == 422, "%s accepted", bad[i]);
  ck_assert_int_eq(ta_put(FEED, "{\"website\":\"HTTPS://A.org/x\",\"email\":\"a@b\"}", T.alice),
                   200);
  ck_assert_int_eq(ta_put(FEED, "{\"private\":\"true\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, T.alice), 200);
  ck_assert(ta_has("\"private\":\"true\""));
  ck_assert_int_eq(ta_put(FEED, "{\"private\":false}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"private\":\"false\""));
}
END_TEST

/* XB-RES-40 tags */
START_TEST(test_api_tags_XB_RES_40) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"tags\":[\"b\",\" \\\"first\\\" floor \",\"a,b\",\"b\",\"\","
                                "\"''\",\"ab\"]}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"tags\":[\"b\",\"first floor\",\"ab\"]"));
  ck_assert_int_eq(ta_put(FEED, "{\"tags\":[]}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(!ta_has("tags"));
  char p[2048];
  strcpy(p, "{\"tags\":[");
  for (int i = 0; i < 33; i++) sprintf(p + strlen(p), "%s\"t%d\"", i ? "," : "", i);
  strcat(p, "]}");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"tags\":[\"x\",\"x\",\"x\"]}", T.alice), 200);
  strcpy(p, "{\"tags\":[\"");
  for (int i = 0; i < 65; i++) strcat(p, "a");
  strcat(p, "\"]}");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"tags\":[1]}", T.alice), 422);
  ck_assert_int_eq(ta_put(FEED, "{\"tags\":\"a\"}", T.alice), 422);
  /* Datastream tags follow the same rule. */
  ck_assert_int_eq(ta_put(DS0, "{\"tags\":[\"z\",\"a\",\"z\"]}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"tags\":[\"z\",\"a\"]"));
}
END_TEST

/* XB-RES-43, XB-RES-44; XB-RES-10: lat/lon/ele are JSON-number texts. */
START_TEST(test_api_location_XB_RES_43_XB_RES_44) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"location\":{\"lat\":\"51.50\",\"lon\":-0.08,\"ele\":23.0,"
                                "\"exposure\":\"indoor\",\"domain\":\"physical\"}}", T.alice),
                   200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"location\":{\"domain\":\"physical\",\"exposure\":\"indoor\",\"lat\":51.50,"
                   "\"lon\":-0.08,\"ele\":\"23.0\"}"));
  ck_assert_int_eq(ta_put(FEED, "{\"location\":{\"name\":\"desk\"}}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"name\":\"desk\",\"lat\":51.50"));
  const char *bad[] = {"{\"location\":{\"lat\":91}}",        "{\"location\":{\"lon\":-180.5}}",
                       "{\"location\":{\"lat\":\"1e\"}}",      "{\"location\":{\"lat\":\"+1\"}}",
                       "{\"location\":{\"lat\":\".5\"}}",      "{\"location\":{\"ele\":\"abc\"}}",
                       "{\"location\":{\"domain\":\"Physical\"}}",
                       "{\"location\":{\"disposition\":\"moving\"}}",
                       "{\"location\":{\"exposure\":\"out\"}}", "{\"location\":[1]}",
                       "{\"location\":{\"lat\":\"123456789012345678901234567890.123\"}}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(ta_put(FEED, bad[i], T.alice) == 422, "%s accepted", bad[i]);
  ck_assert_int_eq(ta_put(FEED, "{\"location\":{\"lat\":-90,\"lon\":180}}", T.alice), 200);
  ck_assert_int_eq(ta_put(FEED, "{\"location\":null}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(!ta_has("location"));
}
END_TEST

/* XB-RES-45, XB-RES-46 waypoints of mobile feeds. */
START_TEST(test_api_waypoints_XB_RES_45_XB_RES_46) {
  ta_feed(T.alice, false);
  int64_t t0 = T.now;
  ck_assert_int_eq(ta_put(FEED, "{\"location\":{\"disposition\":\"mobile\",\"lat\":1,\"lon\":2}}",
                          T.alice), 200);
  T.now += 1000000;
  ck_assert_int_eq(ta_put(FEED, "{\"location\":{\"lat\":3},\"waypoints\":[{\"lat\":9}]}",
                          T.alice), 200);
  T.now += 1000000;
  ck_assert_int_eq(ta_put(FEED, "{\"location\":{\"name\":\"same place\"}}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  (void)t0;
  ck_assert(ta_has("\"lat\":3,\"lon\":2,\"waypoints\":[{\"at\":\"2013-04-23T12:00:00.000000Z\","
                   "\"lat\":1,\"lon\":2}]"));
  /* A fixed feed keeps no waypoints, but old ones are still rendered. */
  ck_assert_int_eq(ta_put(FEED, "{\"location\":{\"disposition\":\"fixed\",\"lat\":4}}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"waypoints\":[{\"at\":\"2013-04-23T12:00:00.000000Z\",\"lat\":1,\"lon\":2}]"));
  ck_assert(!ta_has("\"lat\":3,"));
}
END_TEST

/* XB-RES-35 updated on every write; XB-RES-36 status at 900 s. */
START_TEST(test_api_updated_and_status_XB_RES_35_XB_RES_36) {
  ta_feed(T.alice, false);
  T.now += 3600 * INT64_C(1000000);
  ck_assert_int_eq(ta_put(FEED, "{}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"updated\":\"2013-04-23T13:00:00.000000Z\""));
  ck_assert(ta_has("\"created\":\"2013-04-23T12:00:00.000000Z\""));
  T.now += 900 * INT64_C(1000000);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"status\":\"live\""));
  T.now += 1;
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"status\":\"frozen\""));
  /* A datastream write also updates the feed. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"status\":\"live\""));
}
END_TEST

/* XB-RES-17, XB-RES-18, XB-RES-42: unknown and read-only members are ignored. */
START_TEST(test_api_ignored_members_XB_RES_17_XB_RES_18) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"id\":9,\"feed\":\"x\",\"status\":\"frozen\",\"created\":1,"
                                "\"creator\":[],\"user\":{\"login\":\"bob\"},\"x\":{\"y\":[1]},"
                                "\"auto_feed_url\":\"http://a\",\"product_id\":\"p\"}", T.alice),
                   200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert(ta_has("\"id\":1,") && ta_has("users/alice") && !ta_has("auto_feed") &&
            !ta_has("product"));
}
END_TEST

/* XB-JSON-42: a read representation written back changes nothing but updated. */
START_TEST(test_api_write_back_read_XB_JSON_42) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"tags\":[\"x\"],\"location\":{\"lat\":1.5,\"lon\":2,"
                                "\"domain\":\"virtual\"},\"datastreams\":[{\"id\":\"0\","
                                "\"current_value\":\"5\",\"unit\":{\"symbol\":\"C\"}},{\"id\":\"b\"}]}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  char before[4096];
  snprintf(before, sizeof before, "%s", ta_body());
  ck_assert_int_eq(ta_put(FEED, before, T.alice), 200);
  ck_assert_uint_eq(T.resp.changes.feed_flags, 0);
  for (size_t i = 0; i < T.resp.changes.nds; i++)
    ck_assert_uint_eq(T.resp.changes.ds[i].flags & XB_CH_CURRENT, 0);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  ck_assert_str_eq(ta_body(), before);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  snprintf(before, sizeof before, "%s", ta_body());
  ck_assert_int_eq(ta_put(DS0, before, T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert_str_eq(ta_body(), before);
}
END_TEST

/* XB-RES-47, XB-RES-51, XB-RES-59, XB-JSON-9 */
START_TEST(test_api_datastreams_created_by_writes_XB_RES_47) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(FEED, "{\"datastreams\":[{\"id\":\"temp\"},{\"id\":\"b\","
                                "\"current_value\":1},{\"id\":\"A\"}]}", T.alice), 200);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"x\"}", T.alice), 200);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/10/datapoints.json",
                           "{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\",\"value\":\"v\"}]}",
                           T.alice), 200);
  ck_assert_int_eq(ta_get(FEED, NULL), 200);
  const char *b = ta_body();
  const char *order[] = {"{\"id\":\"0\"", "{\"id\":\"10\"", "{\"id\":\"A\"", "{\"id\":\"b\"",
                         "{\"id\":\"temp\"}"};
  const char *prev = b;
  for (size_t i = 0; i < 5; i++) {
    const char *at = strstr(b, order[i]);
    ck_assert_msg(at != NULL && at >= prev, "%s out of order in %s", order[i], b);
    prev = at;
  }
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/temp.json", NULL), 200);
  ck_assert_str_eq(ta_body(), "{\"id\":\"temp\",\"version\":\"1.0.0\"}");
  /* A write to a datastream of a missing feed is 404 (XB-AUTHZ-2 step 2). */
  ck_assert_int_eq(ta_put("/v2/feeds/9/datastreams/0.json", "{\"current_value\":1}", T.alice),
                   404);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/nope.json", NULL), 404);
}
END_TEST

/* XB-RES-52, XB-RES-53, XB-RES-54, XB-RES-60: values, their at, and what becomes current;
 * XB-RES-8: the default at is the request time; XB-RES-6: timestamp forms. */
START_TEST(test_api_values_current_XB_RES_53_XB_RES_60) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":25.0}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"25.0\",\"at\":\"2013-04-23T12:00:00.000000Z\""));
  /* An older explicit at is stored as a datapoint but does not become current. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"old\",\"at\":\"2013-04-23T11:00:00Z\"}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"25.0\""));
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints/2013-04-23T11:00:00Z.json", NULL),
                   200);
  ck_assert_str_eq(ta_body(), "{\"value\":\"old\",\"at\":\"2013-04-23T11:00:00.000000Z\"}");
  /* The same at replaces (XB-RES-61) and becomes current again. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1E3\",\"at\":\"2013-04-23T14:00:00+02:00\"}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"1E3\",\"at\":\"2013-04-23T12:00:00.000000Z\""));
  /* An at without current_value is ignored (XB-RES-54). */
  ck_assert_int_eq(ta_put(DS0, "{\"at\":\"2013-04-23T13:00:00Z\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"at\":\"2013-04-23T12:00:00.000000Z\""));
  /* Datapoints in order, then current_value: the latest at wins; ties: later wins. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"cv\",\"at\":\"2013-04-23T12:30:00Z\","
                               "\"datapoints\":[{\"at\":\"2013-04-23T12:30:00Z\",\"value\":\"dp\"},"
                               "{\"at\":\"2013-04-23T12:10:00Z\",\"value\":\"early\"}]}", T.alice),
                   200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"cv\",\"at\":\"2013-04-23T12:30:00.000000Z\""));
  /* XB-RES-5: empty string is a value; null is 422. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"\",\"at\":\"2013-04-23T13:00:00Z\"}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"\""));
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":null}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":true}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":{}}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"at\":1366718400}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"at\":\"2013-04-23 12:00:00Z\"}",
                          T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"at\":\"2013-02-30T12:00:00Z\"}",
                          T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"at\":\"2013-04-23t12:00:00z\"}",
                          T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"at\":\"2013-04-23T12:00:00.1234567Z\"}",
                          T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"at\":\"2013-04-23T24:00:00Z\"}",
                          T.alice), 422);
  char p[400];
  strcpy(p, "{\"current_value\":\"");
  for (int i = 0; i < 256; i++) strcat(p, "9");
  strcat(p, "\"}");
  ck_assert_int_eq(ta_put(DS0, p, T.alice), 422);
}
END_TEST

/* XB-RES-55, XB-RES-56, XB-RES-57 min/max tracking; XB-RES-9: numeric strings compare
 * by value (00035 > 25.0), NaN and 1e999 are not numeric. */
START_TEST(test_api_min_max_XB_RES_55_XB_RES_57) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json",
                           "{\"datapoints\":[{\"at\":\"2013-04-23T10:00:00Z\",\"value\":\"25.0\"},"
                           "{\"at\":\"2013-04-23T10:01:00Z\",\"value\":25},"
                           "{\"at\":\"2013-04-23T10:02:00Z\",\"value\":\"on\"},"
                           "{\"at\":\"2013-04-23T10:03:00Z\",\"value\":\"00035\"},"
                           "{\"at\":\"2013-04-23T10:04:00Z\",\"value\":\"-1e1\"},"
                           "{\"at\":\"2013-04-23T10:05:00Z\",\"value\":\"NaN\"},"
                           "{\"at\":\"2013-04-23T10:06:00Z\",\"value\":\"1e999\"},"
                           "{\"at\":\"2013-04-23T10:07:00Z\",\"value\":\"35\"}]}",
                           T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"35\",\"at\":\"2013-04-23T10:07:00.000000Z\","
                   "\"max_value\":\"00035\",\"min_value\":\"-1e1\""));
  /* Explicit values apply first, then tracking over the request's values. */
  ck_assert_int_eq(ta_put(DS0, "{\"max_value\":\"100\",\"min_value\":\"\",\"current_value\":50}",
                          T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"max_value\":\"100\",\"min_value\":\"50\""));
  ck_assert_int_eq(ta_put(DS0, "{\"max_value\":\"abc\"}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"min_value\":true}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"max_value\":null}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(!ta_has("max_value"));
}
END_TEST

/* XB-RES-58 unit */
START_TEST(test_api_unit_XB_RES_58) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(DS0, "{\"unit\":{\"label\":\"Celsius\",\"type\":\"derivedSI\"}}",
                          T.alice), 200);
  ck_assert_int_eq(ta_put(DS0, "{\"unit\":{\"symbol\":\"C\"}}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"unit\":{\"label\":\"Celsius\",\"symbol\":\"C\",\"type\":\"derivedSI\"}"));
  ck_assert_int_eq(ta_put(DS0, "{\"unit\":{\"type\":\"derivedsi\"}}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"unit\":{\"symbol\":\"12345678901234567\"}}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"unit\":\"C\"}", T.alice), 422);
  ck_assert_int_eq(ta_put(DS0, "{\"unit\":{\"label\":\"\"}}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"unit\":{\"symbol\":\"C\",\"type\":\"derivedSI\"}"));
  ck_assert_int_eq(ta_put(DS0, "{\"unit\":null}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(!ta_has("unit"));
}
END_TEST

/* XB-RES-48 datastreams collection POST (XB-JSON-36); XB-RES-50 ids; XB-JSON-35 the
 * flat datastream update. */
START_TEST(test_api_datastreams_post_XB_RES_48_XB_RES_50) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.json",
                           "{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"energy\","
                           "\"current_value\":\"42\"},{\"id\":0}]}", T.alice), 201);
  ck_assert_uint_eq(T.resp.changes.nds, 2);
  ck_assert(T.resp.changes.ds[0].flags & XB_CH_CREATED);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json", NULL), 200);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.json",
                           "{\"datastreams\":[{\"id\":\"new\"},{\"id\":\"energy\"}]}", T.alice),
                   422);
  ck_assert_str_eq(T.resp.reason, "conflict");
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/new.json", NULL), 404); /* nothing applied */
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.json", "{\"datastreams\":[]}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams.json", "{\"version\":\"1.0.0\"}", T.alice),
                   422);
  const char *bad[] = {"{\"datastreams\":[{\"id\":-1}]}", "{\"datastreams\":[{\"id\":1.5}]}",
                       "{\"datastreams\":[{\"id\":\"a b\"}]}", "{\"datastreams\":[{\"id\":\"\"}]}",
                       "{\"datastreams\":[{\"id\":true}]}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(ta_post("/v2/feeds/1/datastreams.json", bad[i], T.alice) == 422, "%s", bad[i]);
  /* An id in a datastream PUT is ignored: the topic names the datastream. */
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/energy.json",
                          "{\"id\":\"other\",\"current_value\":\"43\"}", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/other.json", NULL), 404);
}
END_TEST

/* XB-RES-49: at most 100 datastreams per feed. */
START_TEST(test_api_max_datastreams_XB_RES_49) {
  ta_feed(T.alice, false);
  char p[8192];
  strcpy(p, "{\"datastreams\":[");
  for (int i = 0; i < 100; i++) sprintf(p + strlen(p), "%s{\"id\":\"d%d\"}", i ? "," : "", i);
  strcat(p, "]}");
  ck_assert_int_eq(ta_put(FEED, p, T.alice), 200);
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/one_more.json", "{\"current_value\":1}",
                          T.alice), 422);
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/d5.json", "{\"current_value\":1}", T.alice),
                   200);
}
END_TEST

/* XB-RES-63 / XB-LIM-8: more than 500 values in one request: 422, nothing applied. */
START_TEST(test_api_too_many_values_XB_RES_63_XB_LIM_8) {
  ta_feed(T.alice, false);
  static char p[64 * 1024];
  strcpy(p, "{\"datapoints\":[");
  for (int i = 0; i < 501; i++)
    sprintf(p + strlen(p), "%s{\"at\":\"2013-04-23T10:%02d:%02dZ\",\"value\":%d}", i ? "," : "",
            i / 60, i % 60, i);
  strcat(p, "]}");
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json", p, T.alice), 422);
  ck_assert_str_eq(T.resp.reason, "too-many-datapoints");
  ck_assert_int_eq(ta_get(DS0, NULL), 404);
  /* Exactly 500 is fine: drop the last element. */
  char *last = strrchr(p, '{');
  strcpy(last - 1, "]}");
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json", p, T.alice), 200);
  /* Counting spans datastreams: 250 + 251 in a feed PUT. */
  static char q[64 * 1024];
  strcpy(q, "{\"datastreams\":[");
  for (int d = 0; d < 2; d++) {
    sprintf(q + strlen(q), "%s{\"id\":\"s%d\",\"datapoints\":[", d ? "," : "", d);
    for (int i = 0; i < 250; i++)
      sprintf(q + strlen(q), "%s{\"at\":\"2013-04-23T09:%02d:%02dZ\",\"value\":1}", i ? "," : "",
              i / 60, i % 60);
    strcat(q, "]");
    if (d == 1) strcat(q, ",\"current_value\":2");
    strcat(q, "}");
  }
  strcat(q, "]}");
  ck_assert_int_eq(ta_put(FEED, q, T.alice), 422);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/s0.json", NULL), 404);
}
END_TEST

/* XB-RES-64, XB-RES-61, XB-RES-62 (last wins), XB-JSON-34, XB-JSON-37 */
START_TEST(test_api_datapoints_post_XB_RES_64) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json",
                           "{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\",\"value\":\"a\"},"
                           "{\"at\":\"2013-04-23T11:00:00.000000Z\",\"value\":\"b\"}]}", T.alice),
                   200);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints.json", NULL), 200);
  ck_assert_str_eq(ta_body(),
                   "{\"datapoints\":[{\"value\":\"b\",\"at\":\"2013-04-23T11:00:00.000000Z\"}]}");
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json",
                           "{\"datapoints\":[{\"value\":\"1\"}]}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json",
                           "{\"datapoints\":[{\"at\":\"2013-04-23T11:00:00Z\"}]}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json", "{\"datapoints\":[]}",
                           T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json", "{}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json",
                           "{\"datapoints\":[5]}", T.alice), 422);
}
END_TEST

/* XB-RES-65 single datapoints (XB-JSON-38); XB-RES-66 history is never pruned. */
START_TEST(test_api_datapoint_get_put_XB_RES_65) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"datapoints\":[{\"at\":"
                               "\"2013-04-23T11:00:00Z\",\"value\":\"9\"}]}", T.alice), 200);
  const char *old = "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T11:00:00Z.json";
  const char *cur = "/v2/feeds/1/datastreams/0/datapoints/2013-04-23T12:00:00.000000Z.json";
  ck_assert_int_eq(ta_put(old, "{\"value\":\"8\",\"at\":\"2013-04-23T00:00:00Z\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(old, NULL), 200);
  ck_assert_str_eq(ta_body(), "{\"value\":\"8\",\"at\":\"2013-04-23T11:00:00.000000Z\"}");
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"1\""));
  ck_assert_int_eq(ta_put(cur, "{\"value\":\"2\"}", T.alice), 200);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"2\",\"at\":\"2013-04-23T12:00:00.000000Z\""));
  ck_assert(ta_has("\"max_value\":\"9\",\"min_value\":\"1\""));
  /* A PUT never creates a datapoint. */
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/0/datapoints/2013-04-23T11:30:00Z.json",
                          "{\"value\":\"3\"}", T.alice), 404);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints/2013-04-23T11:30:00Z.json", NULL),
                   404);
  ck_assert_int_eq(ta_put(old, "{\"at\":\"2013-04-23T11:00:00Z\"}", T.alice), 422);
  ck_assert_int_eq(ta_put(old, "{\"value\":null}", T.alice), 422);
}
END_TEST

/* XB-RES-25, XB-MAP-5: routes that do not exist; XB-RES-24 query on a write;
 * XB-LIM-2 payload size. */
START_TEST(test_api_routes_XB_RES_25_XB_RES_24_XB_LIM_2) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams.json", T.alice), 404);
  ck_assert_str_eq(T.resp.reason, "method-not-allowed");
  ck_assert_int_eq(ta_put("/v2/feeds.json", "{}", T.alice), 404);
  ck_assert_int_eq(ta_post(FEED, "{}", T.alice), 404);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints/2013-04-23T11:00:00Z.json", "{}",
                           T.alice), 404);
  ck_assert_str_eq(T.resp.reason, "method-not-allowed");
  ck_assert_int_eq(ta_put("/v2/feeds/1.json?duration=6hours", "{}", T.alice), 400);
  ck_assert_str_eq(T.resp.reason, "bad-query");
  static char big[70000];
  memset(big, ' ', sizeof big - 1);
  big[0] = '{';
  big[sizeof big - 2] = '}';
  ck_assert_int_eq(ta_put(FEED, big, T.alice), 400);
  ck_assert_str_eq(T.resp.reason, "payload-too-large");
}
END_TEST

/* XB-RES-15: the base URLs shape `feed` and `creator` only; they must be http(s) URLs. */
START_TEST(test_api_base_urls_XB_RES_15) {
  char path[160], err[256];
  snprintf(path, sizeof path, "%s/base.db", T.dir);
  xb_api_config cfg;
  xb_api_config_default(&cfg);
  cfg.api_base_url = "http://example.net/base/";
  cfg.site_base_url = "https://site.example.org";
  xb_api *api = xb_api_open(path, &cfg, err, sizeof err, NULL);
  ck_assert_msg(api != NULL, "%s", err);
  char key[XB_API_KEY_TEXT];
  ck_assert_int_eq(xb_api_admin_add_user(api, "zed", false, NULL, T.now, key, err, sizeof err), 201);
  uint32_t id = 0;
  ck_assert_int_eq(xb_api_admin_add_feed(api, "zed", 0, "B", false, T.now, &id, err, sizeof err),
                   201);
  xb_buf out;
  xb_buf_init(&out, 0);
  ck_assert_int_eq(xb_api_admin_show(api, "zed", "/v2/feeds/1.json", T.now, &out, err, sizeof err),
                   200);
  xb_buf_putc(&out, 0);
  ck_assert_ptr_nonnull(strstr((const char *)out.data,
                               "\"feed\":\"http://example.net/base/v2/feeds/1.json\""));
  ck_assert_ptr_nonnull(strstr((const char *)out.data,
                               "\"creator\":\"https://site.example.org/users/zed\""));
  xb_buf_free(&out);
  xb_api_close(api);
  cfg.api_base_url = "ftp://example.net";
  ck_assert_ptr_null(xb_api_open(path, &cfg, err, sizeof err, NULL));
  const char *sfx[] = {"", "-wal", "-shm", ".lock"};
  for (int i = 0; i < 4; i++) {
    char p[200];
    snprintf(p, sizeof p, "%s%s", path, sfx[i]);
    unlink(p);
  }
}
END_TEST

/* XB-RES-41: a user owns at most 1000 feeds; XB-STORE-9: created in one batch. */
START_TEST(test_api_feed_limit_XB_RES_41) {
  ck_assert_int_eq(xb_api_batch_begin(T.api), 0);
  for (int i = 0; i < 1000; i++)
    ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":\"f\"}", T.alice), 201);
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":\"f\"}", T.alice), 422);
  ck_assert_int_eq(ta_post("/v2/feeds.json", "{\"title\":\"f\"}", T.bob), 201); /* per user */
  ck_assert_int_eq(xb_api_batch_commit(T.api), 0);
  ck_assert_str_eq(T.resp.created, "1001");
}
END_TEST

Suite *xb_suite_api(void);
Suite *xb_suite_api(void) {
  Suite *s = suite_create("api");
  TCase *tc = tcase_create("feeds");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_api_feed_create_and_read_XB_RES_32);
  tcase_add_test(tc, test_api_feed_partial_update_XB_RES_16);
  tcase_add_test(tc, test_api_trim_and_control_XB_RES_2_XB_RES_3);
  tcase_add_test(tc, test_api_feed_value_rules_XB_RES_11_XB_RES_12_XB_RES_14);
  tcase_add_test(tc, test_api_tags_XB_RES_40);
  tcase_add_test(tc, test_api_location_XB_RES_43_XB_RES_44);
  tcase_add_test(tc, test_api_waypoints_XB_RES_45_XB_RES_46);
  tcase_add_test(tc, test_api_updated_and_status_XB_RES_35_XB_RES_36);
  tcase_add_test(tc, test_api_ignored_members_XB_RES_17_XB_RES_18);
  tcase_add_test(tc, test_api_write_back_read_XB_JSON_42);
  tcase_add_test(tc, test_api_feed_limit_XB_RES_41);
  tcase_add_test(tc, test_api_base_urls_XB_RES_15);
  suite_add_tcase(s, tc);
  TCase *td = tcase_create("datastreams");
  tcase_add_checked_fixture(td, ta_setup, ta_teardown);
  tcase_set_timeout(td, 30);
  tcase_add_test(td, test_api_datastreams_created_by_writes_XB_RES_47);
  tcase_add_test(td, test_api_values_current_XB_RES_53_XB_RES_60);
  tcase_add_test(td, test_api_min_max_XB_RES_55_XB_RES_57);
  tcase_add_test(td, test_api_unit_XB_RES_58);
  tcase_add_test(td, test_api_datastreams_post_XB_RES_48_XB_RES_50);
  tcase_add_test(td, test_api_max_datastreams_XB_RES_49);
  tcase_add_test(td, test_api_too_many_values_XB_RES_63_XB_LIM_8);
  tcase_add_test(td, test_api_datapoints_post_XB_RES_64);
  tcase_add_test(td, test_api_datapoint_get_put_XB_RES_65);
  tcase_add_test(td, test_api_routes_XB_RES_25_XB_RES_24_XB_LIM_2);
  suite_add_tcase(s, td);
  return s;
}
