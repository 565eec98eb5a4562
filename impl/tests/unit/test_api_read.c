/*
 * test_api_read.c — history reads (spec/topics.md XB-TOPIC-18..XB-TOPIC-32,
 * spec/resources.md XB-RES-67, XB-RES-68), the feed list, change reports for
 * subscribers (spec/subscribe.md XB-SUB-8..XB-SUB-21), batches and durability
 * (spec/persistence.md XB-STORE-8..XB-STORE-14).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_api_util.h"
#include "topic/xb_topic.h"

#define FEED "/v2/feeds/1.json"
#define DS0 "/v2/feeds/1/datastreams/0.json"
#define MIN (INT64_C(60) * 1000000)

/* Datapoints every minute from 10:00 to 11:59 (value = minute index), current 11:59. */
static void history(void) {
  ta_feed(T.alice, false);
  char p[8192];
  for (int h = 0; h < 2; h++) {
    strcpy(p, "{\"datapoints\":[");
    for (int m = 0; m < 60; m++)
      sprintf(p + strlen(p), "%s{\"at\":\"2013-04-23T1%d:%02d:00Z\",\"value\":\"%d\"}", m ? "," : "",
              h, m, h * 60 + m);
    strcat(p, "]}");
    ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json", p, T.alice), 200);
  }
}

static int count(const char *s) {
  int n = 0;
  for (const char *p = ta_body(); (p = strstr(p, s)) != NULL; p++) n++;
  return n;
}

/* XB-TOPIC-20, XB-TOPIC-23, XB-RES-67: start+end window, both ends inclusive;
 * XB-TOPIC-19 duration units. */
START_TEST(test_read_history_window_XB_TOPIC_20_XB_TOPIC_23) {
  history();
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:10:00Z&"
                          "end=2013-04-23T10:12:00Z", NULL), 200);
  ck_assert(ta_has("\"version\":\"1.0.0\",\"datapoints\":[{\"value\":\"10\",\"at\":\"2013-04-23T10:"
                   "10:00.000000Z\"},{\"value\":\"11\",\"at\":\"2013-04-23T10:11:00.000000Z\"},{"
                   "\"value\":\"12\",\"at\":\"2013-04-23T10:12:00.000000Z\"}]}"));
  /* duration alone looks back from now (12:00): 11:30..12:00 = 30 points. */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?duration=30minutes", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 30);
  /* start+duration forward, end+duration backward. */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:00:00Z&"
                          "duration=1minute", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 2);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?end=2013-04-23T10:00:30Z&"
                          "duration=1hour", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 1);
  /* start alone: up to now; limit default 100 (XB-TOPIC-26). */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:00:00Z", NULL),
                   200);
  ck_assert_int_eq(count("\"value\""), 100);
  ck_assert(ta_has("\"value\":\"99\"") && !ta_has("\"value\":\"100\""));
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:00:00Z&limit=5",
                          NULL), 200);
  ck_assert_int_eq(count("\"value\""), 5);
  /* A window without datapoints renders no datapoints member (XB-RES-67). */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T09:00:00Z&"
                          "end=2013-04-23T09:30:00Z", NULL), 200);
  ck_assert(!ta_has("datapoints"));
}
END_TEST

/* XB-TOPIC-22: too long a window is shortened, keeping start when start was given. */
START_TEST(test_read_history_max_window_XB_TOPIC_22) {
  history();
  /* end alone: [end - 6 h, end]. */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?end=2013-04-23T10:05:00Z", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 6);
  /* 7 hours from 04:00: kept start, cut at 10:00 -> one point (10:00). */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T04:00:00Z&"
                          "end=2013-04-23T11:00:00Z", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 1);
  /* 7 hours back from 18:00 by duration: kept end, so [12:00, 18:00]: nothing. */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?end=2013-04-23T18:00:00Z&"
                          "duration=7hours", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 0);
  /* From 17:00: [11:00, 17:00] holds 11:00..11:59. */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?end=2013-04-23T17:00:00Z&"
                          "duration=7hours", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 60);
}
END_TEST

/* XB-TOPIC-21, XB-TOPIC-24: the earliest datapoint of each interval slot. */
START_TEST(test_read_history_interval_XB_TOPIC_24) {
  history();
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:02:00Z&"
                          "end=2013-04-23T10:40:00Z&interval=900", NULL), 200);
  /* slots 10:00 (from 10:02), 10:15, 10:30 */
  ck_assert(ta_has("\"datapoints\":[{\"value\":\"2\",\"at\":\"2013-04-23T10:02:00.000000Z\"},{"
                   "\"value\":\"15\",\"at\":\"2013-04-23T10:15:00.000000Z\"},{\"value\":\"30\","
                   "\"at\":\"2013-04-23T10:30:00.000000Z\"}]"));
  /* 45 rounds up to 60: one per minute. */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:00:00Z&"
                          "end=2013-04-23T10:04:59Z&interval=45", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 5);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:00:00Z&"
                          "end=2013-04-23T11:59:00Z&interval=3600&limit=1", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 1);
}
END_TEST

/* XB-TOPIC-25: discrete sampling at slot boundaries, value at or before each. */
START_TEST(test_read_history_discrete_XB_TOPIC_25) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_post("/v2/feeds/1/datastreams/0/datapoints.json",
                           "{\"datapoints\":[{\"at\":\"2013-04-23T10:00:10Z\",\"value\":\"a\"},"
                           "{\"at\":\"2013-04-23T10:01:30Z\",\"value\":\"b\"}]}", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:00:00Z&"
                          "end=2013-04-23T10:03:00Z&interval=60&interval_type=discrete", NULL),
                   200);
  /* 10:00 precedes the first datapoint: nothing; 10:01 a; 10:02 b; 10:03 b. */
  ck_assert(ta_has("\"datapoints\":[{\"value\":\"a\",\"at\":\"2013-04-23T10:01:00.000000Z\"},{"
                   "\"value\":\"b\",\"at\":\"2013-04-23T10:02:00.000000Z\"},{\"value\":\"b\","
                   "\"at\":\"2013-04-23T10:03:00.000000Z\"}]"));
}
END_TEST

/* XB-TOPIC-27: find_previous adds the latest point before start, outside limit. */
START_TEST(test_read_history_find_previous_XB_TOPIC_27) {
  history();
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:30:30Z&"
                          "end=2013-04-23T10:33:00Z&find_previous=true&limit=2", NULL), 200);
  ck_assert(ta_has("\"datapoints\":[{\"value\":\"30\",\"at\":\"2013-04-23T10:30:00.000000Z\"},{"
                   "\"value\":\"31\",\"at\":\"2013-04-23T10:31:00.000000Z\"},{\"value\":\"32\","
                   "\"at\":\"2013-04-23T10:32:00.000000Z\"}]"));
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json?start=2013-04-23T10:30:30Z&"
                          "end=2013-04-23T10:31:00Z&find_previous=false", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 1);
}
END_TEST

/* XB-TOPIC-18, XB-TOPIC-20, XB-TOPIC-25: bad combinations are 400 bad-query. */
START_TEST(test_read_history_bad_queries_XB_TOPIC_18) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":1}", T.alice), 200);
  /* The topic parser already refuses these; the engine refuses them too when handed a
   * topic struct that says so (defence in depth), checked here through the parser. */
  const char *bad[] = {"/v2/feeds/1/datastreams/0.json?limit=5",
                       "/v2/feeds/1/datastreams/0.json?interval=60",
                       "/v2/feeds/1/datastreams/0.json?duration=1hour&interval_type=discrete"};
  for (size_t i = 0; i < 3; i++) {
    xb_topic t;
    xb_topic_status st = xb_topic_parse((const uint8_t *)bad[i], strlen(bad[i]), 1024, &t);
    if (st == XB_TOPIC_OK) {
      ck_assert_int_eq(ta_get(bad[i], NULL), 400);
      ck_assert_str_eq(T.resp.reason, "bad-query");
    } else {
      ck_assert(xb_topic_status_is_query(st));
    }
  }
}
END_TEST

/* Feed history: each datastream gets its own datapoints (XB-JSON-11); datastreams=
 * filter (XB-TOPIC-28); show_user (XB-TOPIC-29) needs no right (XB-AUTHZ-24: anonymous). */
START_TEST(test_read_feed_history_filter_XB_TOPIC_28_XB_TOPIC_29) {
  history();
  ck_assert_int_eq(ta_put(FEED, "{\"datastreams\":[{\"id\":\"a\",\"current_value\":\"x\"},"
                                "{\"id\":\"b\"}]}", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds/1.json?duration=1minute&datastreams=a,0,zz", NULL), 200);
  ck_assert(ta_has("{\"id\":\"0\",") && ta_has("{\"id\":\"a\",") && !ta_has("{\"id\":\"b\""));
  ck_assert(ta_has("\"datapoints\":[{\"value\":\"x\",\"at\":\"2013-04-23T12:00:00.000000Z\"}]"));
  ck_assert(!ta_has("\"user\""));
  ck_assert_int_eq(ta_get("/v2/feeds/1.json?show_user=true", NULL), 200);
  ck_assert(ta_has("\"version\":\"1.0.0\",\"user\":{\"login\":\"alice\"}"));
  ck_assert(!ta_has("datapoints"));
}
END_TEST

/* XB-RES-68: the datapoints collection is the last 6 hours, earliest 100. */
START_TEST(test_read_datapoints_collection_XB_RES_68) {
  history();
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints.json", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 100);
  ck_assert(ta_has("{\"datapoints\":[{\"value\":\"0\",\"at\":\"2013-04-23T10:00:00.000000Z\"}"));
  T.now += 5 * 3600 * INT64_C(1000000); /* 17:00: window 11:00..17:00 */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints.json", NULL), 200);
  ck_assert_int_eq(count("\"value\""), 60);
  T.now += 24 * 3600 * INT64_C(1000000);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints.json", NULL), 200);
  ck_assert_str_eq(ta_body(), "{\"datapoints\":[]}");
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/zz/datapoints.json", NULL), 404);
}
END_TEST

/* XB-TOPIC-31, XB-TOPIC-32, XB-JSON-14: feed list filters and pages. */
START_TEST(test_read_feed_list_XB_TOPIC_31_XB_TOPIC_32) {
  for (int i = 0; i < 5; i++) ta_feed(i < 3 ? T.alice : T.bob, false);
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"Office Sensors\",\"tags\":[\"Lab\",\"x\"]}", T.alice),
                   200);
  ck_assert_int_eq(ta_put("/v2/feeds/2.json", "{\"description\":\"an OFFICE\"}", T.alice), 200);
  ck_assert_int_eq(ta_get("/v2/feeds.json?per_page=2&page=2", NULL), 200);
  ck_assert(ta_has("{\"totalResults\":5,\"startIndex\":2,\"itemsPerPage\":2,\"results\":[{\"id\":3,"));
  ck_assert_int_eq(count("\"title\""), 2);
  ck_assert_int_eq(ta_get("/v2/feeds.json?page=9", NULL), 200);
  ck_assert(ta_has("\"totalResults\":5,\"startIndex\":400,\"itemsPerPage\":50,\"results\":[]"));
  ck_assert_int_eq(ta_get("/v2/feeds.json?user=bob", NULL), 200);
  ck_assert(ta_has("\"totalResults\":2,"));
  ck_assert_int_eq(ta_get("/v2/feeds.json?tag=Lab", NULL), 200);
  ck_assert(ta_has("\"totalResults\":1,"));
  ck_assert_int_eq(ta_get("/v2/feeds.json?tag=lab", NULL), 200);
  ck_assert(ta_has("\"totalResults\":0,"));
  ck_assert_int_eq(ta_get("/v2/feeds.json?q=office", NULL), 200);
  ck_assert(ta_has("\"totalResults\":2,"));
  ck_assert_int_eq(ta_get("/v2/feeds.json?q=lab&user=alice", NULL), 200);
  ck_assert(ta_has("\"totalResults\":1,"));
  T.now += 901 * INT64_C(1000000);
  ck_assert_int_eq(ta_put("/v2/feeds/5.json", "{}", T.bob), 200);
  ck_assert_int_eq(ta_get("/v2/feeds.json?status=live", NULL), 200);
  ck_assert(ta_has("\"totalResults\":1,") && ta_has("\"id\":5,"));
  ck_assert_int_eq(ta_get("/v2/feeds.json?status=frozen&show_user=true", NULL), 200);
  ck_assert(ta_has("\"totalResults\":4,") && ta_has("\"user\":{\"login\":\"alice\"}"));
}
END_TEST

static bool notifies(const char *topic) {
  xb_topic t;
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)topic, strlen(topic), 1024, &t), 0);
  return xb_api_change_notifies(&T.resp.changes, &t, (const uint8_t *)topic);
}

/* XB-SUB-8, XB-SUB-9, XB-SUB-10, XB-SUB-11, XB-SUB-13: what each change notifies. */
START_TEST(test_read_change_reports_XB_SUB_8_XB_SUB_11) {
  ta_feed(T.alice, false);
  ck_assert(notifies(FEED)); /* XB-SUB-13: created */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\"}", T.alice), 200);
  ck_assert_uint_eq(T.resp.changes.feed_id, 1);
  ck_assert(notifies(FEED) && notifies(DS0) && notifies("v2/feeds/1/datastreams/0.json"));
  ck_assert(!notifies("/v2/feeds/1/datastreams/1.json") && !notifies("/v2/feeds/2.json"));
  ck_assert(!notifies("/v2/feeds/1/datastreams/0/datapoints.json")); /* XB-SUB-7 one-shot */
  ck_assert(notifies("/v2/feeds/1.json?datastreams=0") &&
            !notifies("/v2/feeds/1.json?datastreams=x"));
  /* XB-SUB-11: same value, same explicit at: no notification without history. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\",\"at\":\"2013-04-23T12:00:00Z\"}", T.alice),
                   200);
  ck_assert(!notifies(FEED) && !notifies(DS0));
  ck_assert(notifies("/v2/feeds/1/datastreams/0.json?duration=1hour"));
  /* XB-SUB-10: history-only write (older at) notifies history subscriptions only... */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1.0\",\"at\":\"2013-04-23T11:00:00Z\"}",
                          T.alice), 200);
  ck_assert(!notifies(DS0) && notifies("/v2/feeds/1/datastreams/0.json?duration=1hour"));
  ck_assert(notifies("/v2/feeds/1.json?duration=1hour"));
  /* ...unless it changed another field of the current state (min_value here). */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"-5\",\"at\":\"2013-04-23T11:00:00Z\"}",
                          T.alice), 200);
  ck_assert(notifies(DS0) && notifies(FEED));
  /* Feed fields; a PUT of {} changes nothing observable (XB-SUB-8). */
  ck_assert_int_eq(ta_put(FEED, "{\"title\":\"T\"}", T.alice), 200);
  ck_assert(notifies(FEED) && !notifies(DS0));
  ck_assert_int_eq(ta_put(FEED, "{}", T.alice), 200);
  ck_assert(!notifies(FEED));
  /* XB-SUB-12: failed or denied requests notify nothing. */
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"2\"}", T.bob), 403);
  ck_assert(!notifies(FEED) && !notifies(DS0));
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":null}", T.alice), 422);
  ck_assert(!notifies(DS0));
  /* A new datastream notifies the feed (and its own subscribers, XB-SUB-13). */
  ck_assert_int_eq(ta_put(FEED, "{\"datastreams\":[{\"id\":\"n\"}]}", T.alice), 200);
  ck_assert(notifies(FEED) && notifies("/v2/feeds/1/datastreams/n.json"));
}
END_TEST

/* XB-SUB-21: render_state renders the same bytes as a read, without a permission;
 * XB-RES-89: two renderings of unchanged state are identical; XB-SUB-20: a history
 * window is computed at rendering time; XB-SUB-5: a never-written datastream is
 * rendered in its never-written form. */
START_TEST(test_read_render_state_XB_SUB_21) {
  ta_feed(T.alice, true);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\"}", T.alice), 200);
  const char *topics[] = {FEED, DS0, "/v2/feeds/1.json?duration=1hour&show_user=true",
                          "/v2/feeds/1/datastreams/0.json?duration=1hour"};
  for (size_t i = 0; i < 4; i++) {
    ck_assert_int_eq(ta_get(topics[i], T.alice), 200);
    char want[4096];
    snprintf(want, sizeof want, "%s", ta_body());
    xb_topic t;
    ck_assert_int_eq(xb_topic_parse((const uint8_t *)topics[i], strlen(topics[i]), 1024, &t), 0);
    xb_buf out;
    xb_buf_init(&out, 0);
    ck_assert_int_eq(xb_api_render_state(T.api, &t, (const uint8_t *)topics[i], T.now, &out), 200);
    ck_assert(out.len == strlen(want) && memcmp(out.data, want, out.len) == 0);
    xb_buf_free(&out);
  }
  /* XB-SUB-20: one minute later the one-minute window no longer holds the value. */
  const char *h = "/v2/feeds/1/datastreams/0.json?duration=1minute";
  xb_topic th;
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)h, strlen(h), 1024, &th), 0);
  xb_buf o2;
  xb_buf_init(&o2, 0);
  ck_assert_int_eq(xb_api_render_state(T.api, &th, (const uint8_t *)h, T.now, &o2), 200);
  xb_buf_putc(&o2, 0);
  ck_assert_ptr_nonnull(strstr((const char *)o2.data, "\"datapoints\""));
  ck_assert_int_eq(xb_api_render_state(T.api, &th, (const uint8_t *)h, T.now + 61000000, &o2),
                   200);
  xb_buf_putc(&o2, 0);
  ck_assert_ptr_null(strstr((const char *)o2.data, "\"datapoints\""));
  /* XB-SUB-5 */
  ck_assert_int_eq(ta_put(FEED, "{\"datastreams\":[{\"id\":\"nw\"}]}", T.alice), 200);
  const char *nw = "/v2/feeds/1/datastreams/nw.json";
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)nw, strlen(nw), 1024, &th), 0);
  ck_assert_int_eq(xb_api_render_state(T.api, &th, (const uint8_t *)nw, T.now, &o2), 200);
  const char *nwj = "{\"id\":\"nw\",\"version\":\"1.0.0\"}";
  ck_assert(o2.len == strlen(nwj) && memcmp(o2.data, nwj, o2.len) == 0);
  xb_buf_free(&o2);
  xb_topic t;
  const char *missing = "/v2/feeds/7.json";
  ck_assert_int_eq(xb_topic_parse((const uint8_t *)missing, strlen(missing), 1024, &t), 0);
  xb_buf out;
  xb_buf_init(&out, 0);
  ck_assert_int_eq(xb_api_render_state(T.api, &t, (const uint8_t *)missing, T.now, &out), 404);
  ck_assert_uint_eq(out.len, 0);
  xb_buf_free(&out);
}
END_TEST

/* XB-STORE-8, XB-STORE-9, XB-STORE-13: a failed request of a batch rolls back alone;
 * later requests of the batch see the earlier ones. */
START_TEST(test_read_batch_one_fails_XB_STORE_8_XB_STORE_9) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(xb_api_batch_begin(T.api), 0);
  ck_assert(xb_api_in_batch(T.api));
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"ok\"}", T.alice), 200);
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/bad.json",
                          "{\"current_value\":\"x\",\"max_value\":\"nan\"}", T.alice), 422);
  ck_assert_int_eq(ta_get(DS0, NULL), 200); /* XB-STORE-13 */
  ck_assert(ta_has("\"current_value\":\"ok\""));
  ck_assert_int_eq(xb_api_batch_commit(T.api), 0);
  ta_reopen();
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"ok\""));
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/bad.json", NULL), 404);
  /* An aborted batch leaves nothing (XB-STORE-11 / XB-STORE-14: uncommitted is gone). */
  ck_assert_int_eq(xb_api_batch_begin(T.api), 0);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"lost\"}", T.alice), 200);
  ck_assert_int_eq(xb_api_batch_begin(T.api), 500); /* no nesting */
  xb_api_batch_abort(T.api);
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"ok\""));
  ck_assert_int_eq(xb_api_batch_commit(T.api), 500); /* nothing open */
}
END_TEST

/* XB-STORE-14 (in-process part): what was committed is there after reopening, and a
 * key created in a rolled-back batch is unknown again (XB-STORE-11 cache). */
START_TEST(test_read_durable_and_cache_restored_XB_STORE_14_XB_STORE_11) {
  ta_feed(T.alice, false);
  ck_assert_int_eq(xb_api_batch_begin(T.api), 0);
  ck_assert_int_eq(ta_post("/v2/keys.json", "{\"key\":{\"label\":\"t\",\"permissions\":[{"
                                            "\"access_methods\":[\"put\"]}]}}", T.alice), 201);
  char k[XB_API_KEY_TEXT];
  snprintf(k, sizeof k, "%.64s", T.resp.created);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\"}", k), 200); /* cached now */
  xb_api_batch_abort(T.api);
  ck_assert_int_eq(ta_put(DS0, "{\"current_value\":\"1\"}", k), 401);
  ck_assert_str_eq(T.resp.reason, "unknown-key");
  for (int i = 0; i < 20; i++) {
    char p[64];
    snprintf(p, sizeof p, "{\"current_value\":\"%d\"}", i);
    T.now += 1000;
    ck_assert_int_eq(ta_put(DS0, p, T.alice), 200);
  }
  ta_reopen();
  ck_assert_int_eq(ta_get(DS0, NULL), 200);
  ck_assert(ta_has("\"current_value\":\"19\""));
}
END_TEST

Suite *xb_suite_api_read(void);
Suite *xb_suite_api_read(void) {
  Suite *s = suite_create("api_read");
  TCase *tc = tcase_create("history");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_read_history_window_XB_TOPIC_20_XB_TOPIC_23);
  tcase_add_test(tc, test_read_history_max_window_XB_TOPIC_22);
  tcase_add_test(tc, test_read_history_interval_XB_TOPIC_24);
  tcase_add_test(tc, test_read_history_discrete_XB_TOPIC_25);
  tcase_add_test(tc, test_read_history_find_previous_XB_TOPIC_27);
  tcase_add_test(tc, test_read_history_bad_queries_XB_TOPIC_18);
  tcase_add_test(tc, test_read_feed_history_filter_XB_TOPIC_28_XB_TOPIC_29);
  tcase_add_test(tc, test_read_datapoints_collection_XB_RES_68);
  tcase_add_test(tc, test_read_feed_list_XB_TOPIC_31_XB_TOPIC_32);
  suite_add_tcase(s, tc);
  TCase *tn = tcase_create("changes");
  tcase_add_checked_fixture(tn, ta_setup, ta_teardown);
  tcase_set_timeout(tn, 30);
  tcase_add_test(tn, test_read_change_reports_XB_SUB_8_XB_SUB_11);
  tcase_add_test(tn, test_read_render_state_XB_SUB_21);
  tcase_add_test(tn, test_read_batch_one_fails_XB_STORE_8_XB_STORE_9);
  tcase_add_test(tn, test_read_durable_and_cache_restored_XB_STORE_14_XB_STORE_11);
  suite_add_tcase(s, tn);
  return s;
}
