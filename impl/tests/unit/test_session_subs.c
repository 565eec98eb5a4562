/*
 * test_session_subs.c — SUBSCRIBE and the fan-out (spec/subscribe.md): SUBACK before the
 * current state, change notifications to every subscriber including the writer, one
 * rendering per group, silent denials, wildcard and non-API filters, the subscription
 * limit, UNSUBSCRIBE, delivery order, and slow subscribers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "test_session_util.h"
#include "xb_test_util.h"

static char g_t1[200], g_t2[200], g_t3[200];

/* A topic naming a feed, in buf (200 bytes); a macro so the format stays checked. */
#define fmt(buf, f, feed) (snprintf((buf), 200, (f), (feed)), (const char *)(buf))

static void put_ds(int fd, uint32_t feed, const char *value) {
  char topic[128], payload[128];
  snprintf(topic, sizeof topic, "/v2/feeds/%u/datastreams/temp.json", feed);
  snprintf(payload, sizeof payload, "{\"current_value\":\"%s\"}", value);
  ts_publish(fd, 0, 0, topic, payload);
}

static bool contains(const uint8_t *p, size_t n, const char *s) {
  size_t k = strlen(s);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(p + i, s, k) == 0) return true;
  return false;
}

static bool has_value(const char *payload, const char *v) {
  char want[64];
  snprintf(want, sizeof want, "\"current_value\":\"%s\"", v);
  return strstr(payload, want) != NULL;
}

START_TEST(test_suback_then_state_XB_SUB_1_XB_SUB_2) {
  /* Checks XB-SUB-1, XB-SUB-2. */
  int w = ts_connect("w", TS.dev);
  put_ds(w, TS.pub, "7");
  ts_turns(4);
  int s = ts_connect("s", NULL);
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  ts_subscribe(s, 3, t, NULL);
  ts_expect_suback(s, 3, 1);
  const char *p = ts_expect_publish(s, t, true); /* RETAIN=1 */
  ck_assert(has_value(p, "7"));
  ck_assert(ts_silent(s, 5));
}
END_TEST

START_TEST(test_updates_reach_writer_too_XB_SUB_12_XB_MAP_18) {
  /* Checks XB-SUB-12, XB-MAP-18. */
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  int w = ts_connect("w", TS.dev);
  int s = ts_connect("s", NULL);
  ts_subscribe(w, 1, t, NULL);
  ts_subscribe(s, 1, t, NULL);
  ts_expect_suback(w, 1, 1);
  ts_expect_publish(w, t, true);
  ts_expect_suback(s, 1, 1);
  ts_expect_publish(s, t, true);
  ts_publish(w, 1, 9, t, "{\"current_value\":\"8\"}");
  ts_expect_ack(w, 4, 9); /* the acknowledgement before the write's delivery */
  ck_assert(has_value(ts_expect_publish(w, t, false), "8"));
  ck_assert(has_value(ts_expect_publish(s, t, false), "8")); /* RETAIN=0 (XB-SUB-6) */
  /* XB-SUB-11: the same state again notifies nobody. */
  ts_publish(w, 1, 10, t, "{\"current_value\":\"8\"}");
  ts_expect_ack(w, 4, 10);
  ck_assert(ts_silent(s, 5));
}
END_TEST

START_TEST(test_render_once_per_group_XB_SUB_21_XB_SUB_23) {
  /* Checks XB-SUB-21, XB-SUB-23. */
  const char *a = fmt(g_t1, "/v2/feeds/%u.json", TS.pub);
  const char *b = fmt(g_t2, "v2/feeds/%u", TS.pub);
  char c[200];
  snprintf(c, sizeof c, "%s/v2/feeds/%u.json", TS.dev, TS.pub);
  int sa = ts_connect("a", NULL), sb = ts_connect("b", NULL), sc = ts_connect("c", NULL);
  ts_subscribe(sa, 1, a, NULL);
  ts_subscribe(sb, 1, b, NULL);
  ts_subscribe(sc, 1, c, NULL);
  ts_expect_suback(sa, 1, 1);
  ts_expect_publish(sa, a, true);
  ts_expect_suback(sb, 1, 1);
  ts_expect_publish(sb, b, true);
  ts_expect_suback(sc, 1, 1);
  ts_expect_publish(sc, c, true);
  ck_assert_uint_eq(ts_stats().groups, 1);
  uint64_t renders = ts_stats().renders;
  int w = ts_connect("w", TS.dev);
  put_ds(w, TS.pub, "42");
  /* Each subscriber gets the change on its own topic string... */
  const char *pa = ts_expect_publish(sa, a, false);
  ck_assert(has_value(pa, "42"));
  char first[4096];
  snprintf(first, sizeof first, "%s", pa);
  ck_assert_str_eq(ts_expect_publish(sb, b, false), first);
  ck_assert_str_eq(ts_expect_publish(sc, c, false), first);
  /* ...from one rendering. */
  ck_assert_uint_eq(ts_stats().renders, renders + 1);
  /* A different query is a different group: one more rendering per change. */
  const char *q = fmt(g_t3, "/v2/feeds/%u.json?datastreams=temp", TS.pub);
  ts_subscribe(sa, 2, q, NULL);
  ts_expect_suback(sa, 2, 1);
  ts_expect_publish(sa, q, true);
  ck_assert_uint_eq(ts_stats().groups, 2);
  put_ds(w, TS.pub, "43");
  ts_expect_publish(sa, a, false);
  ts_expect_publish(sa, q, false);
  ts_expect_publish(sb, b, false);
  ts_expect_publish(sc, c, false);
  ck_assert_uint_eq(ts_stats().renders, renders + 3);
}
END_TEST

START_TEST(test_denied_subscription_silent_XB_SUB_4_XB_AUTHZ_25) {
  /* Checks XB-SUB-4, XB-AUTHZ-25. */
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.priv);
  int anon = ts_connect("anon", NULL);
  int own = ts_connect("own", TS.alice);
  ts_subscribe(anon, 1, t, NULL);
  ts_expect_suback(anon, 1, 1);
  ck_assert(ts_silent(anon, 5)); /* nothing after the SUBACK, connection open */
  ts_subscribe(own, 1, t, NULL);
  ts_expect_suback(own, 1, 1);
  ts_expect_publish(own, t, true);
  put_ds(own, TS.priv, "s3cret");
  ck_assert(has_value(ts_expect_publish(own, t, false), "s3cret"));
  ck_assert(ts_silent(anon, 5)); /* XB-SUB-14: checked again per delivery */
  ts_packet0(anon, 0xC0);
  ts_expect_pingresp(anon);
}
END_TEST

START_TEST(test_feed_made_private_stops_deliveries_XB_SUB_14) {
  /* Checks XB-SUB-14. */
  const char *t = fmt(g_t1, "/v2/feeds/%u.json", TS.pub);
  int anon = ts_connect("anon", NULL);
  ts_subscribe(anon, 1, t, NULL);
  ts_expect_suback(anon, 1, 1);
  ts_expect_publish(anon, t, true);
  int w = ts_connect("w", TS.alice);
  put_ds(w, TS.pub, "1");
  ts_expect_publish(anon, t, false);
  ts_publish(w, 1, 4, t, "{\"private\":true}");
  ts_expect_ack(w, 4, 4);
  put_ds(w, TS.pub, "2");
  ck_assert(ts_silent(anon, 6));
  /* Public again: the change that made it public is delivered. */
  ts_publish(w, 1, 5, t, "{\"private\":false}");
  ts_expect_ack(w, 4, 5);
  ts_expect_publish(anon, t, false);
}
END_TEST

START_TEST(test_created_later_notifies_XB_SUB_13) {
  /* Checks XB-SUB-13. */
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/fresh.json", TS.pub);
  int s = ts_connect("s", NULL);
  ts_subscribe(s, 1, t, NULL);
  ts_expect_suback(s, 1, 1);
  ck_assert(ts_silent(s, 5)); /* does not exist yet */
  int w = ts_connect("w", TS.dev);
  ts_publish(w, 0, 0, t, "{\"current_value\":\"born\"}");
  ck_assert(has_value(ts_expect_publish(s, t, false), "born"));
}
END_TEST

START_TEST(test_wildcard_and_non_api_never_deliver_XB_TOPIC_2_XB_SCOPE_5) {
  /* Checks XB-TOPIC-2, XB-SCOPE-5. */
  int s = ts_connect("s", NULL);
  ts_subscribe(s, 1, "#", "/v2/feeds/+.json", "hello/world", NULL);
  ts_expect_suback(s, 1, 3);
  int w = ts_connect("w", TS.dev);
  ts_publish(w, 0, 0, "hello/world", "hi");
  put_ds(w, TS.pub, "5");
  ck_assert(ts_silent(s, 6)); /* devices are isolated */
  /* Recorded: UNSUBSCRIBE finds them and they count toward the limit. */
  ts_unsubscribe(s, 2, "#");
  ts_expect_ack(s, 11, 2);
}
END_TEST

START_TEST(test_subscription_limit_XB_SUB_24_XB_SUB_22) {
  /* Checks XB-SUB-24, XB-SUB-22. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.max_subscriptions = 2;
  ts_setup_cfg(&cfg);
  const char *a = fmt(g_t1, "/v2/feeds/%u.json", TS.pub);
  const char *c = fmt(g_t2, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  int s = ts_connect("s", NULL);
  ts_subscribe(s, 1, a, "hello", c, NULL);
  ts_expect_suback(s, 1, 3); /* 00 for all, the third not recorded */
  ts_expect_publish(s, a, true);
  ck_assert(ts_silent(s, 5));
  /* The same filter again replaces (no limit) and sends the state again. */
  ts_subscribe(s, 2, a, NULL);
  ts_expect_suback(s, 2, 1);
  ts_expect_publish(s, a, true);
  /* Removing one frees a place (XB-MAP-25). */
  ts_unsubscribe(s, 3, "hello");
  ts_expect_ack(s, 11, 3);
  ts_subscribe(s, 4, c, NULL);
  ts_expect_suback(s, 4, 1);
  ts_expect_publish(s, c, true);
}
END_TEST

START_TEST(test_unsubscribe_stops_deliveries_XB_MAP_22_XB_MQTT_52) {
  /* Checks XB-MAP-22, XB-MQTT-52. */
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  int s = ts_connect("s", NULL);
  ts_subscribe(s, 1, t, NULL);
  ts_expect_suback(s, 1, 1);
  ts_expect_publish(s, t, true);
  ts_unsubscribe(s, 2, t);
  ts_expect_ack(s, 11, 2);
  int w = ts_connect("w", TS.dev);
  put_ds(w, TS.pub, "99");
  ck_assert(ts_silent(s, 5)); /* XB-MAP-24 */
  ts_unsubscribe(s, 3, "never/subscribed");
  ts_expect_ack(s, 11, 3);
  ck_assert_uint_eq(ts_stats().groups, 0);
}
END_TEST

START_TEST(test_one_shot_targets_XB_SUB_7) {
  /* Checks XB-SUB-7. */
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/temp/datapoints.json", TS.pub);
  int s = ts_connect("s", TS.alice);
  ts_subscribe(s, 1, t, "/v2/users/alice.json", NULL);
  ts_expect_suback(s, 1, 2);
  ts_expect_publish(s, t, true);
  ts_expect_publish(s, "/v2/users/alice.json", true);
  put_ds(s, TS.pub, "12");
  ck_assert(ts_silent(s, 5));
}
END_TEST

START_TEST(test_delivery_order_follows_creation_XB_SUB_19) {
  /* Checks XB-SUB-19. */
  const char *x = fmt(g_t1, "/v2/feeds/%u.json", TS.pub);
  const char *y = fmt(g_t2, "/v2/feeds/%u.json?datastreams=temp", TS.pub);
  int s = ts_connect("s", TS.dev);
  ts_subscribe(s, 1, x, y, NULL);
  ts_expect_suback(s, 1, 2);
  ts_expect_publish(s, x, true);
  ts_expect_publish(s, y, true);
  put_ds(s, TS.pub, "1");
  ts_expect_publish(s, x, false);
  ts_expect_publish(s, y, false);
  /* Replacing x makes it the newest subscription. */
  ts_subscribe(s, 2, x, NULL);
  ts_expect_suback(s, 2, 1);
  ts_expect_publish(s, x, true);
  put_ds(s, TS.pub, "2");
  ts_expect_publish(s, y, false);
  ts_expect_publish(s, x, false);
}
END_TEST

START_TEST(test_state_then_changes_exactly_once_XB_SUB_3) {
  /* Checks XB-SUB-3. */
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  int w = ts_connect("w", TS.dev);
  int s = ts_connect("s", NULL);
  /* Both packets are read in the same turn, so they share one batch. */
  put_ds(w, TS.pub, "new");
  ts_subscribe(s, 1, t, NULL);
  ts_expect_suback(s, 1, 1);
  const char *p = ts_expect_publish(s, t, true);
  if (!has_value(p, "new")) ck_assert(has_value(ts_expect_publish(s, t, false), "new"));
  ck_assert(ts_silent(s, 5));
}
END_TEST

START_TEST(test_subscription_key_fixed_XB_AUTH_13) {
  /* Checks XB-AUTH-13. */
  const char *plain = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.priv);
  char keyed[200];
  snprintf(keyed, sizeof keyed, "%s/v2/feeds/%u/datastreams/temp.json", TS.alice, TS.priv);
  int s = ts_connect("s", NULL);
  ts_subscribe(s, 1, plain, keyed, NULL);
  ts_expect_suback(s, 1, 2);
  ts_expect_publish(s, keyed, true); /* only the prefix-key one may read */
  int w = ts_connect("w", TS.alice);
  put_ds(w, TS.priv, "k1");
  /* Each delivery uses the subscription's own key: the prefixed one gets it, the other
   * (anonymous) is denied again. */
  ck_assert(has_value(ts_expect_publish(s, keyed, false), "k1"));
  ts_packet0(s, 0xC0);
  ts_expect_pingresp(s);
}
END_TEST

START_TEST(test_time_alone_notifies_nothing_XB_SUB_15) {
  /* Checks XB-SUB-15, XB-SUB-8, XB-SUB-17. */
  const char *t = fmt(g_t1, "/v2/feeds/%u.json", TS.pub);
  int w = ts_connect("w", TS.dev);
  put_ds(w, TS.pub, "1");
  int s = ts_connect("s", NULL);
  ts_subscribe(s, 1, t, NULL);
  ts_expect_suback(s, 1, 1);
  ck_assert_ptr_nonnull(strstr(ts_expect_publish(s, t, true), "\"status\":\"live\""));
  /* 20 minutes later the feed is frozen: nobody is told. */
  TS.now_us += 20LL * 60 * 1000000;
  ts_advance(3000);
  ck_assert(ts_silent(s, 5));
  ck_assert_ptr_nonnull(strstr(ts_get(t, NULL), "\"status\":\"frozen\""));
  /* A write makes it live again: one notification, rendered from the committed state
   * with "now" taken at rendering (XB-SUB-17). */
  put_ds(w, TS.pub, "2");
  const char *n = ts_expect_publish(s, t, false);
  ck_assert_ptr_nonnull(strstr(n, "\"status\":\"live\""));
  ck_assert_ptr_nonnull(strstr(n, "\"updated\":\"2013-04-23T12:20:00.000000Z\""));
  ck_assert_ptr_nonnull(strstr(n, "\"current_value\":\"2\""));
}
END_TEST

START_TEST(test_output_bounded_XB_LIM_10) {
  /* Checks XB-LIM-10, XB-SUB-28. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.output_queue = 65536;
  ts_setup_cfg(&cfg);
  TS.sndbuf = 4096;
  int fd = ts_connect("flood", NULL);
  TS.sndbuf = 0;
  xb_conn *c = TS.last_conn;
  /* PINGREQs without ever reading the PINGRESPs: responses are never refused, so only
   * the net layer's read backpressure bounds them. */
  uint8_t pings[8192];
  for (size_t i = 0; i < sizeof pings; i += 2) {
    pings[i] = 0xC0;
    pings[i + 1] = 0;
  }
  size_t sent = 0, most = 0;
  for (int i = 0; i < 400; i++) {
    ssize_t w = send(fd, pings, sizeof pings, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (w > 0) sent += (size_t)w;
    ts_turns(1);
    size_t q = xb_conn_out_pending(c);
    ck_assert_uint_le(q, 65536 + 65536 + 65536 + 8192);
    if (q > most) most = q;
  }
  ck_assert_uint_gt(most, 65536); /* responses went past the data bound (XB-SUB-28)... */
  ck_assert_uint_gt(sent, 4 * 65536); /* ...and far more was asked than is held */
  ck_assert_uint_eq(ts_stats().sessions, 1);
}
END_TEST

START_TEST(test_slow_subscriber_XB_SUB_27_XB_SUB_29) {
  /* Checks XB-SUB-27, XB-SUB-29. */
  ts_teardown();
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.output_queue = 8192;
  cfg.slow_grace = 2;
  ts_setup_cfg(&cfg);
  const char *t = fmt(g_t1, "/v2/feeds/%u.json", TS.pub);
  char will[200];
  snprintf(will, sizeof will, "/v2/feeds/%u/datastreams/slow.json", TS.pub);
  ts_conn_opts o = {4, "slow", TS.dev, 0, true, will, "{\"current_value\":\"dropped\"}"};
  TS.sndbuf = 4096; /* the server's end of this socketpair fills quickly */
  int slow = ts_connect_opts(&o);
  TS.sndbuf = 0;
  int fast = ts_connect("fast", NULL);
  ts_subscribe(slow, 1, t, NULL);
  ts_subscribe(fast, 1, t, NULL);
  ts_turns(4);
  int w = ts_connect("w", TS.alice);
  char big[1000], payload[1100];
  memset(big, 'd', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ts_pkt *p = malloc(sizeof *p);
  for (int i = 0; i < 200 && ts_stats().dropped == 0; i++) {
    big[0] = (char)('a' + i % 26);
    big[1] = (char)('a' + i / 26);
    snprintf(payload, sizeof payload, "{\"description\":\"%s\"}", big);
    ts_publish(w, 0, 0, t, payload);
    ts_turns(3);
    while (ts_recv(fast, p, 0) == 1) {
    } /* the fast one keeps reading (XB-SUB-30) */
  }
  ck_assert_uint_gt(ts_stats().dropped, 0); /* XB-SUB-27: dropped, not queued */
  /* (The slow client's socket is never read here: reading would end the congestion.) */
  ts_advance(1000);
  ck_assert_ptr_null(ts_get(will, TS.alice)); /* still connected, no will yet */
  ts_advance(1500);
  ck_assert_ptr_nonnull(ts_get(will, TS.alice)); /* closed after the grace; will fired */
  snprintf(payload, sizeof payload, "{\"description\":\"after\"}");
  ts_publish(w, 0, 0, t, payload);
  int got = 0;
  for (int i = 0; i < 20 && got == 0; i++) {
    while (ts_recv(fast, p, 1) == 1)
      if (p->type == 3 && contains(p->body, p->len, "after")) got = 1;
  }
  ck_assert_int_eq(got, 1);
  free(p);
}
END_TEST

/* Two read keys of alice with the same length, given text (for filters and users). */
#define K1 "k1k1k1k1k1k1k1k1k1k1"
#define K2 "k2k2k2k2k2k2k2k2k2k2"
static void add_read_keys(void) {
  char err[256], out[XB_API_KEY_TEXT];
  xb_api_admin_perm perm = {XB_M_GET, NULL, 0, NULL};
  ck_assert_int_eq(xb_api_admin_add_key(TS.api, "alice", K1, "one", false, &perm, 1, TS.now_us,
                                        out, err, sizeof err) / 100, 2);
  ck_assert_int_eq(xb_api_admin_add_key(TS.api, "alice", K2, "two", false, &perm, 1, TS.now_us,
                                        out, err, sizeof err) / 100, 2);
}

START_TEST(test_key_checked_per_change_shared_key_XB_SUB_14_XB_AUTH_11) {
  /* Checks XB-SUB-14, XB-AUTH-11, XB-AUTH-13: members sharing a key check it once per
   * change, not once for the server's life; a member with another key of the same length
   * is judged by its own key. */
  add_read_keys();
  const char *t = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  int a = ts_connect("a", K1), b = ts_connect("b", K1), c = ts_connect("c", K2);
  int fds[3] = {a, b, c};
  for (int i = 0; i < 3; i++) {
    ts_subscribe(fds[i], 1, t, NULL);
    ts_expect_suback(fds[i], 1, 1);
    ts_expect_publish(fds[i], t, true);
  }
  int w = ts_connect("w", TS.dev);
  put_ds(w, TS.pub, "1");
  for (int i = 0; i < 3; i++) ck_assert(has_value(ts_expect_publish(fds[i], t, false), "1"));
  /* K1 expires at 12:10 (a key write: cached read decisions are dropped too). */
  int adm = ts_connect("adm", TS.alice);
  ts_publish(adm, 1, 7, "/v2/keys/" K1 ".json", "{\"key\":{\"expires_at\":\"2013-04-23T12:10:00Z\"}}");
  ts_expect_ack(adm, 4, 7);
  put_ds(w, TS.pub, "2");
  for (int i = 0; i < 3; i++) ck_assert(has_value(ts_expect_publish(fds[i], t, false), "2"));
  /* Time alone expires K1: no store write, only the delivery-time check sees it. */
  TS.now_us += 15LL * 60 * 1000000;
  put_ds(w, TS.pub, "3");
  ck_assert(has_value(ts_expect_publish(c, t, false), "3"));
  ck_assert(ts_silent(a, 5));
  ck_assert(ts_silent(b, 5));
  ts_packet0(a, 0xC0); /* XB-SUB-14: the subscription and the connection stay */
  ts_expect_pingresp(a);
}
END_TEST

START_TEST(test_own_topic_per_member_header_XB_SUB_16) {
  /* Checks XB-SUB-16, XB-SUB-2: members of one group whose filters have the same length
   * get their own filter as topic, and RETAIN as the delivery says (the PUBLISH header
   * encoded for one member is reused only for an identical one). */
  add_read_keys();
  char fa[200], fb[200];
  snprintf(fa, sizeof fa, "%s/v2/feeds/%u/datastreams/temp.json", K1, TS.pub);
  snprintf(fb, sizeof fb, "%s/v2/feeds/%u/datastreams/temp.json", K2, TS.pub);
  const char *plain = fmt(g_t1, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  int a = ts_connect("a", NULL), b = ts_connect("b", NULL), c = ts_connect("c", NULL);
  ts_subscribe(a, 1, fa, NULL);
  ts_expect_suback(a, 1, 1);
  ts_expect_publish(a, fa, true);
  ts_subscribe(b, 1, fb, NULL);
  ts_expect_suback(b, 1, 1);
  ts_expect_publish(b, fb, true);
  ts_subscribe(c, 1, plain, NULL);
  ts_expect_suback(c, 1, 1);
  ts_expect_publish(c, plain, true);
  int w = ts_connect("w", TS.dev);
  put_ds(w, TS.pub, "4");
  ck_assert(has_value(ts_expect_publish(a, fa, false), "4"));
  ck_assert(has_value(ts_expect_publish(b, fb, false), "4"));
  ck_assert(has_value(ts_expect_publish(c, plain, false), "4"));
  /* A longer value: a longer payload behind the same topics. */
  put_ds(w, TS.pub, "123456789");
  ck_assert(has_value(ts_expect_publish(a, fa, false), "123456789"));
  ck_assert(has_value(ts_expect_publish(b, fb, false), "123456789"));
  ck_assert(has_value(ts_expect_publish(c, plain, false), "123456789"));
  /* In one turn: a change (RETAIN=0 to a, now alone in the group) and a subscription
   * with a's very filter (its state: RETAIN=1, the same bytes): each keeps its flag. */
  ts_unsubscribe(b, 2, fb);
  ts_expect_ack(b, 11, 2);
  ts_unsubscribe(c, 2, plain);
  ts_expect_ack(c, 11, 2);
  int d = ts_connect("d", NULL);
  put_ds(w, TS.pub, "5");
  ts_subscribe(d, 1, fa, NULL);
  ck_assert(has_value(ts_expect_publish(a, fa, false), "5"));
  ts_expect_suback(d, 1, 1);
  const char *pd = ts_expect_publish(d, fa, true);
  if (!has_value(pd, "5")) { /* subscribed before the change: the change follows */
    ck_assert(has_value(pd, "123456789"));
    ck_assert(has_value(ts_expect_publish(d, fa, false), "5"));
  }
  ck_assert(ts_silent(d, 5));
  ck_assert(ts_silent(a, 5));
}
END_TEST

Suite *xb_suite_session_subs(void);

Suite *xb_suite_session_subs(void) {
  Suite *s = suite_create("session_subs");
  TCase *c = tcase_create("subscribe");
  tcase_add_checked_fixture(c, ts_setup, ts_teardown);
  tcase_set_timeout(c, 30);
  tcase_add_test(c, test_suback_then_state_XB_SUB_1_XB_SUB_2);
  tcase_add_test(c, test_updates_reach_writer_too_XB_SUB_12_XB_MAP_18);
  tcase_add_test(c, test_render_once_per_group_XB_SUB_21_XB_SUB_23);
  tcase_add_test(c, test_denied_subscription_silent_XB_SUB_4_XB_AUTHZ_25);
  tcase_add_test(c, test_feed_made_private_stops_deliveries_XB_SUB_14);
  tcase_add_test(c, test_created_later_notifies_XB_SUB_13);
  tcase_add_test(c, test_wildcard_and_non_api_never_deliver_XB_TOPIC_2_XB_SCOPE_5);
  tcase_add_test(c, test_subscription_limit_XB_SUB_24_XB_SUB_22);
  tcase_add_test(c, test_unsubscribe_stops_deliveries_XB_MAP_22_XB_MQTT_52);
  tcase_add_test(c, test_one_shot_targets_XB_SUB_7);
  tcase_add_test(c, test_delivery_order_follows_creation_XB_SUB_19);
  tcase_add_test(c, test_state_then_changes_exactly_once_XB_SUB_3);
  tcase_add_test(c, test_subscription_key_fixed_XB_AUTH_13);
  tcase_add_test(c, test_time_alone_notifies_nothing_XB_SUB_15);
  tcase_add_test(c, test_output_bounded_XB_LIM_10);
  tcase_add_test(c, test_slow_subscriber_XB_SUB_27_XB_SUB_29);
  tcase_add_test(c, test_key_checked_per_change_shared_key_XB_SUB_14_XB_AUTH_11);
  tcase_add_test(c, test_own_topic_per_member_header_XB_SUB_16);
  suite_add_tcase(s, c);
  return s;
}
