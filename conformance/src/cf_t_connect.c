/*
 * Area "connect": CONNECT handling, API key authentication (spec/auth.md), protocol
 * levels and names, client ids, takeover, keep alive (spec/mqtt.md §3).
 */
#include <string.h>
#include <time.h>

#include "cf_check.h"

static const char *feed_topic(const char *feed) { return cf_fmt("/v2/feeds/%s.json", feed); }

static const char *ds_topic(const char *feed, const char *ds) {
  return cf_fmt("/v2/feeds/%s/datastreams/%s.json", feed, ds);
}

/* Refused with rc on a fresh connection. */
static void refused(const cf_connect_opts *o, unsigned rc) {
  int level = o->level_zero ? 0 : o->level ? o->level : 4;
  const char *proto = o->proto ? o->proto : level == 3 ? "MQIsdp" : "MQTT";
  cf_conn *c = cf_open(cf_fmt("%s/%d", proto, level));
  cf_expect_refused(c, o, rc);
  cf_conn_close(c);
}

/* Closed without any CONNACK on a fresh connection (a malformed or unknown CONNECT). */
static void closed_without_connack(const cf_buf *connect, const char *what) {
  cf_conn *c = cf_open("C");
  if (cf_send_buf(c, connect)) cf_expect_closed(c, cf_fmt("after %s (no CONNACK)", what));
  cf_conn_close(c);
}

static void closed_opts(const cf_connect_opts *o, const char *what) {
  cf_buf b = {0};
  cf_build_connect(&b, o);
  closed_without_connack(&b, what);
  cf_buf_free(&b);
}

START_TEST(key_as_username) {
  /* The password is ignored: none, a wrong one, binary bytes. */
  static const char bin[] = {'\0', '\xff', '\x01', 'x'};
  const char *pw[] = {NULL, "not the password", bin};
  size_t pwlen[] = {0, 0, sizeof bin};
  for (size_t i = 0; i < 3; i++) {
    cf_connect_opts o = {0};
    o.user = cf_fx.key_readonly;
    o.pass = pw[i];
    o.pass_len = pwlen[i];
    cf_conn *c = cf_client_opts("A", &o);
    /* The key applies to the connection's requests: it may read the private feed. */
    char *s = cf_sub_state(c, feed_topic(cf_fx.feed_private));
    if (strstr(s, cf_fmt("\"id\":%s,", cf_fx.feed_private)) == NULL)
      cf_fail("the private feed read with the user name key is not feed %s\n  got: %s",
              cf_fx.feed_private, s);
    cf_disconnect(c);
  }
}
END_TEST

START_TEST(invalid_key_refused) {
  cf_connect_opts o = {0};
  o.user = cf_fx.key_invalid;
  refused(&o, 4);
  o.pass = "anything";
  refused(&o, 4);
  /* Byte-exact and case-sensitive: the master key with its case changed is unknown. */
  char *k = cf_fmt("%s", cf_fx.key_master);
  bool changed = false;
  for (char *p = k; *p; p++)
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
      *p = (char)(*p ^ 0x20);
      changed = true;
      break;
    }
  if (changed) {
    o.user = k;
    o.pass = NULL;
    refused(&o, 4);
  }
}
END_TEST

START_TEST(bad_key_syntax_refused) {
  const char *users[] = {"", "short", "abcdefghijklmnop!", "abcdefghijklmno",
                         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
  for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
    cf_connect_opts o = {0};
    o.user = users[i];
    refused(&o, 4);
  }
}
END_TEST

START_TEST(anonymous_connection) {
  cf_conn *c = cf_client("anon", NULL);
  char *s = cf_sub_state(c, feed_topic(cf_fx.feed_public));
  if (strstr(s, cf_fmt("\"id\":%s,", cf_fx.feed_public)) == NULL)
    cf_fail("anonymous read of public feed %s returned another document\n  got: %s",
            cf_fx.feed_public, s);
  cf_sub_nothing(c, feed_topic(cf_fx.feed_private), "an anonymous read of a private feed is denied");
  cf_sub_nothing(c, ds_topic(cf_fx.feed_private, cf_fx.ds_private),
                 "an anonymous read of a private datastream is denied");
  cf_disconnect(c);
}
END_TEST

START_TEST(anonymous_with_prefix_key) {
  cf_conn *c = cf_client("anon", NULL);
  const char *t = cf_fmt("%s/v2/feeds/%s.json", cf_fx.key_master, cf_fx.feed_private);
  char *s = cf_sub_state(c, t);
  if (strstr(s, cf_fmt("\"id\":%s,", cf_fx.feed_private)) == NULL)
    cf_fail("the prefix-key read returned another document\n  got: %s", s);
  /* A write with the prefix key is executed and notifies the prefix subscription. */
  const char *dst = cf_fmt("%s/v2/feeds/%s/datastreams/%s.json", cf_fx.key_master,
                           cf_fx.feed_private, cf_fx.ds_private2);
  (void)cf_sub_state(c, dst);
  char *v = cf_uvalue("pfx");
  cf_publish(c, dst, cf_fmt("{\"current_value\":\"%s\"}", v), 1);
  cf_pkt p;
  /* The feed subscription was made first, so its notification comes first (XB-SUB-19). */
  cf_expect_delivery(c, t, 0, &p, "after the prefix-key write (XB-AUTH-9)");
  if (strstr(p.payload, v) == NULL)
    cf_fail("the feed notification does not carry the written value %s\n  got: %s", v, p.payload);
  cf_pkt_free(&p);
  cf_expect_delivery(c, dst, 0, &p, "after the prefix-key write (XB-AUTH-9)");
  if (strstr(p.payload, v) == NULL)
    cf_fail("the notification does not carry the written value %s\n  got: %s", v, p.payload);
  cf_pkt_free(&p);
  cf_disconnect(c);
}
END_TEST

START_TEST(prefix_overrides_username) {
  /* Another user's master key on the connection, the owner's master key as prefix. */
  cf_conn *c = cf_client("other", cf_fx.key_other);
  cf_sub_nothing(c, feed_topic(cf_fx.feed_private), "another user's key cannot read the private feed");
  (void)cf_sub_state(c, cf_fmt("%s/v2/feeds/%s.json", cf_fx.key_master, cf_fx.feed_private));
  cf_disconnect(c);

  /* The owner's master key on the connection, an unknown or weaker prefix key. */
  c = cf_client("master", cf_fx.key_master);
  cf_sub_nothing(c, cf_fmt("%s/v2/feeds/%s.json", cf_fx.key_invalid, cf_fx.feed_private),
                 "an unknown prefix key denies even when the user name key would allow");
  cf_sub_nothing(c, cf_fmt("%s/v2/feeds/%s.json", cf_fx.key_invalid, cf_fx.feed_public),
                 "an unknown prefix key denies even a public read");
  const char *obs_t = ds_topic(cf_fx.feed_public, cf_fx.ds_public);
  char *before = cf_sub_state(c, obs_t);
  cf_publish(c, cf_fmt("%s/v2/feeds/%s/datastreams/%s.json", cf_fx.key_readonly,
                       cf_fx.feed_public, cf_fx.ds_public),
             cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("ro")), 1);
  cf_expect_nothing(c, "after a write with a get-only prefix key on a connection whose user name key may write");
  char *after = cf_read(cf_fx.key_master, obs_t);
  if (after == NULL || strcmp(before, after) != 0)
    cf_fail("the denied prefix-key write changed the datastream\n  before: %s\n  after:  %s",
            before, after ? after : "(nothing)");
  cf_disconnect(c);
}
END_TEST

START_TEST(level3_mqisdp_accepted) {
  cf_connect_opts o = {0};
  o.level = 3;
  o.user = cf_fx.key_master;
  cf_conn *c = cf_client_opts("v31", &o);
  (void)cf_sub_state(c, feed_topic(cf_fx.feed_private));
  cf_disconnect(c);
  o.user = NULL;
  c = cf_client_opts("v31anon", &o);
  cf_expect_nothing(c, "after CONNACK");
  cf_disconnect(c);
}
END_TEST

START_TEST(other_levels_refused) {
  static const struct {
    const char *proto;
    int level;
  } cases[] = {{"MQTT", 3}, {"MQIsdp", 4}, {"MQTT", 5}, {"MQTT", 0}, {"MQTT", 2},
               {"MQTT", 255}, {"MQIsdp", 5}, {"MQIsdp", 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_connect_opts o = {0};
    o.proto = cases[i].proto;
    o.level = cases[i].level;
    o.level_zero = cases[i].level == 0;
    o.user = cf_fx.key_master;
    refused(&o, 1);
  }
}
END_TEST

START_TEST(unknown_protocol_name_closed) {
  const char *names[] = {"MQTX", "mqtt", "MQIsdpX", "MQ", ""};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    cf_connect_opts o = {0};
    o.proto = names[i];
    o.level = 4;
    closed_opts(&o, cf_fmt("a CONNECT with protocol name \"%s\"", names[i]));
  }
}
END_TEST

START_TEST(client_id_level3) {
  cf_connect_opts o = {0};
  o.level = 3;
  o.client_id = "";
  refused(&o, 2);
  o.client_id = "cf3-aaaaaaaaaaaaaaaaaaaa"; /* 24 bytes */
  refused(&o, 2);
  char id23[24];
  cf_unique_id(id23, sizeof id23);
  size_t n = strlen(id23);
  memset(id23 + n, 'x', 23 - n);
  id23[23] = '\0';
  o.client_id = id23;
  cf_conn *c = cf_client_opts("v31", &o);
  cf_disconnect(c);
}
END_TEST

START_TEST(client_id_level4) {
  cf_connect_opts o = {0};
  o.client_id = "";
  o.persistent = true;
  refused(&o, 2);
  /* Two empty ids get distinct server-assigned ids: neither takes the other over. */
  o.persistent = false;
  cf_conn *a = cf_client_opts("empty1", &o);
  cf_conn *b = cf_client_opts("empty2", &o);
  cf_expect_nothing(a, "after a second connection with an empty client id (no takeover)");
  cf_expect_nothing(b, "after CONNACK");
  cf_disconnect(a);
  cf_disconnect(b);
  /* Up to the client id limit accepted, beyond it refused. */
  size_t max = (size_t)cf_fx.max_client_id;
  char uid[32];
  cf_unique_id(uid, sizeof uid);
  char *id = cf_fmt("%s%0*d", uid, (int)(max - strlen(uid)), 0);
  o.client_id = id;
  a = cf_client_opts("long", &o);
  cf_disconnect(a);
  o.client_id = cf_fmt("%s0", id);
  refused(&o, 2);
  /* Any valid MQTT string: control characters and non-ASCII are accepted. */
  o.client_id = cf_fmt("%s\x01\xc3\xa9\xef\xbf\xbf", uid);
  a = cf_client_opts("utf8id", &o);
  cf_disconnect(a);
}
END_TEST

START_TEST(refusal_order) {
  cf_connect_opts o = {0};
  o.user = cf_fx.key_invalid;
  o.level = 5;
  refused(&o, 1); /* protocol level before key */
  o.level = 3;
  o.client_id = "";
  refused(&o, 2); /* client id before key */
  o.level = 4;
  o.client_id = NULL;
  o.raw_flags = true;
  o.flags = 0x80 | 0x02 | 0x01; /* reserved bit: malformed before key */
  closed_opts(&o, "a CONNECT with the reserved flag and an unknown key");
  o.level = 3;
  o.client_id = "";
  o.flags = 0x80 | 0x02 | 0x01;
  closed_opts(&o, "a level-3 CONNECT with an empty client id and the reserved flag (malformed first)");
  o.level = 4;
  o.client_id = NULL;
  o.raw_flags = false;
  o.proto = "MQTX";
  closed_opts(&o, "a CONNECT with an unknown protocol name and an unknown key");
}
END_TEST

START_TEST(permissions_not_checked_at_connect) {
  const char *keys[] = {cf_fx.key_ip, cf_fx.key_ds, cf_fx.key_readonly};
  for (size_t i = 0; i < 3; i++) {
    cf_conn *c = cf_client("K", keys[i]);
    cf_disconnect(c);
  }
}
END_TEST

START_TEST(takeover_closes_older) {
  char id[32];
  cf_unique_id(id, sizeof id);
  cf_connect_opts o = {0};
  o.client_id = id;
  o.user = cf_fx.key_master;
  cf_conn *a = cf_client_opts("old", &o);
  o.user = cf_fx.key_other; /* another user's key: takeover all the same */
  cf_conn *b = cf_client_opts("new", &o);
  cf_expect_closed(a, "when another connection CONNECTs with its client id");
  cf_expect_nothing(b, "after CONNACK");
  cf_conn_close(a);
  cf_disconnect(b);
}
END_TEST

START_TEST(no_session_state_kept) {
  char id[32];
  cf_unique_id(id, sizeof id);
  cf_connect_opts o = {0};
  o.client_id = id;
  o.persistent = true;
  o.user = cf_fx.key_master;
  const char *t = ds_topic(cf_fx.feed_public, cf_fx.ds_public);
  cf_conn *a = cf_client_opts("p1", &o);
  (void)cf_sub_state(a, t);
  cf_disconnect(a);
  a = cf_client_opts("p2", &o); /* cf_client_opts checks session present 0 */
  cf_conn *w = cf_client("writer", cf_fx.key_master);
  cf_publish(w, t, cf_fmt("{\"current_value\":\"%s\"}", cf_uvalue("ps")), 1);
  cf_expect_nothing(a, "after a write to a datastream subscribed in an earlier session");
  cf_disconnect(w);
  cf_disconnect(a);
}
END_TEST

START_TEST(first_packet_not_connect) {
  static const uint8_t ping[] = {0xc0, 0x00};
  static const uint8_t sub[] = {0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 'a', '/', 'b', 0x00};
  static const uint8_t pub[] = {0x30, 0x05, 0x00, 0x01, 'a', 'x', 'y'};
  const uint8_t *pk[] = {ping, sub, pub};
  size_t len[] = {sizeof ping, sizeof sub, sizeof pub};
  for (size_t i = 0; i < 3; i++) {
    cf_conn *c = cf_open("C");
    if (cf_send(c, pk[i], len[i])) cf_expect_closed(c, cf_fmt("after a first packet of type %s", cf_type_name(pk[i][0] >> 4)));
    cf_conn_close(c);
  }
}
END_TEST

START_TEST(second_connect_closes) {
  cf_conn *c = cf_client("C", cf_fx.key_master);
  cf_buf b = {0};
  cf_connect_opts o = {0};
  cf_build_connect(&b, &o);
  if (cf_send_buf(c, &b)) cf_expect_closed(c, "after a second CONNECT");
  cf_buf_free(&b);
  cf_conn_close(c);
}
END_TEST

START_TEST(connect_flags_malformed) {
  static const struct {
    unsigned flags;
    const char *what;
  } cases[] = {
      {0x03, "the reserved connect flag set"},
      {0x0a, "will QoS 1 without the will flag"},
      {0x12, "will QoS 2 without the will flag"},
      {0x22, "will retain without the will flag"},
      {0x42, "a password flag without user name flag"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_connect_opts o = {0};
    o.raw_flags = true;
    o.flags = cases[i].flags;
    if (cases[i].flags & 0x40u) o.pass = "pw";
    closed_opts(&o, cf_fmt("a CONNECT with %s", cases[i].what));
  }
  cf_connect_opts o = {0};
  o.will_topic = cf_fmt("/v2/feeds/%s.json", cf_fx.feed_public);
  o.will_msg = "{}";
  o.will_qos = 3;
  closed_opts(&o, "a CONNECT with will QoS 3");
}
END_TEST

START_TEST(will_topic_malformed) {
  const char *topics[] = {"", "a/+/b", "#", "/v2/feeds/+.json"};
  for (size_t i = 0; i < 4; i++) {
    cf_connect_opts o = {0};
    o.will_topic = topics[i];
    o.will_msg = "x";
    closed_opts(&o, cf_fmt("a CONNECT with will topic \"%s\"", topics[i]));
  }
}
END_TEST

/* CONNECT header for level 4 with the given flags, then what the caller appends. */
static void connect_head(cf_buf *body, unsigned flags) {
  cf_buf_cstr(body, "MQTT");
  cf_buf_u8(body, 4);
  cf_buf_u8(body, flags);
  cf_buf_u16(body, 60);
}

static void closed_body(cf_buf *body, const char *what) {
  cf_buf b = {0};
  cf_frame(&b, 0x10, body);
  closed_without_connack(&b, what);
  cf_buf_free(&b);
  cf_buf_free(body);
}

START_TEST(connect_payload_malformed) {
  cf_buf body = {0};
  connect_head(&body, 0x82);
  cf_buf_cstr(&body, "cf-missing-user");
  closed_body(&body, "a CONNECT whose user name field is missing");
  connect_head(&body, 0x02);
  cf_buf_cstr(&body, "cf-trailing");
  cf_buf_u8(&body, 0x00);
  closed_body(&body, "a CONNECT with a byte after its last field");
  connect_head(&body, 0x02);
  cf_buf_u16(&body, 40);
  cf_buf_put(&body, "short", 5);
  closed_body(&body, "a CONNECT whose client id runs past the packet");
  connect_head(&body, 0x06);
  cf_buf_cstr(&body, "cf-missing-will");
  cf_buf_cstr(&body, "/v2/feeds/1.json");
  closed_body(&body, "a CONNECT whose will message field is missing");
}
END_TEST

START_TEST(connect_strings_utf8) {
  static const struct {
    const char *s;
    size_t n;
    const char *what;
  } ids[] = {{"ab\xc0\x80", 4, "an overlong encoding"},
             {"ab\xed\xa0\x80", 5, "an encoded surrogate"},
             {"ab\x00z", 4, "U+0000"},
             {"ab\xf4\x90\x80\x80", 6, "a code point above U+10FFFF"},
             {"ab\xc3", 3, "a truncated sequence"}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    cf_connect_opts o = {0};
    o.client_id = ids[i].s;
    o.client_id_len = ids[i].n;
    closed_opts(&o, cf_fmt("a CONNECT whose client id holds %s", ids[i].what));
  }
  cf_connect_opts o = {0};
  o.user = "abcdefghijklmnop\xc0\x80";
  closed_opts(&o, "a CONNECT whose user name holds an overlong encoding");
}
END_TEST

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(keepalive_expiry) {
  cf_connect_opts o = {0};
  o.keepalive = 1;
  o.user = cf_fx.key_master;
  double t0 = mono_s();
  cf_conn *c = cf_client_opts("ka1", &o);
  size_t extra = 0;
  bool closed = cf_wait_closed(c, 1500 + cf_timeout_ms, &extra);
  double dt = mono_s() - t0;
  if (!closed)
    cf_fail("keep alive 1 s: expected the bridge to close the silent connection after 1.5 s\n"
            "  got: still open after %.1f s", dt);
  if (extra != 0) cf_fail("keep alive expiry: the bridge sent %zu bytes before closing", extra);
  if (dt < 1.4)
    cf_fail("keep alive 1 s: expected the close 1.5 s after the last packet\n"
            "  got: closed after %.2f s", dt);
  cf_conn_close(c);
}
END_TEST

START_TEST(keepalive_kept_by_packets) {
  cf_connect_opts o = {0};
  o.keepalive = 1;
  cf_conn *c = cf_client_opts("ka1", &o);
  for (int i = 0; i < 6; i++) {
    struct timespec ts = {0, 500000000};
    nanosleep(&ts, NULL);
    cf_expect_nothing(c, cf_fmt("%.1f s into a keep alive of 1 s with a PINGREQ every 0.5 s", 0.5 * (i + 1)));
  }
  cf_disconnect(c);
}
END_TEST

void cf_area_connect(cf_reg *r) {
  CF_ADD(r, key_as_username, "XB-AUTH-1 XB-AUTH-4 XB-AUTH-10 XB-MQTT-34",
         "the API key as user name authenticates; the password (none, wrong, binary) is ignored");
  CF_ADD(r, invalid_key_refused, "XB-AUTH-1 XB-MQTT-35 XB-ERR-22",
         "an unknown key (also a case-changed one) gets CONNACK 04, then the connection closes");
  CF_ADD(r, bad_key_syntax_refused, "XB-AUTH-3",
         "empty, short, long or badly spelled user names get CONNACK 04");
  CF_ADD(r, anonymous_connection, "XB-AUTH-5 XB-AUTHZ-17 XB-AUTHZ-20",
         "no user name: accepted, public feed readable, private feed and datastream not");
  CF_ADD(r, anonymous_with_prefix_key, "XB-AUTH-9 XB-AUTH-10 XB-SUB-2 XB-SUB-19",
         "an anonymous connection reads and writes with a topic's key prefix");
  CF_ADD(r, prefix_overrides_username, "XB-AUTH-9 XB-AUTH-10 XB-AUTH-12",
         "the prefix key, valid, unknown or weaker, replaces the user name key for its request");
  CF_ADD(r, level3_mqisdp_accepted, "XB-SCOPE-1 XB-MQTT-19",
         "MQTT 3.1 (\"MQIsdp\", level 3) is served, with and without key");
  CF_ADD(r, other_levels_refused, "XB-MQTT-19 XB-ERR-18",
         "other levels and mismatched name/level pairs get CONNACK 01, then close");
  CF_ADD(r, unknown_protocol_name_closed, "XB-MQTT-18 XB-ERR-17",
         "an unknown protocol name is closed without CONNACK");
  CF_ADD(r, client_id_level3, "XB-MQTT-28 XB-ERR-21",
         "level 3: empty and 24-byte client ids get CONNACK 02, 23 bytes accepted");
  CF_ADD(r, client_id_level4, "XB-MQTT-29 XB-MQTT-30 XB-MQTT-31 XB-MQTT-14",
         "level 4: empty id only with clean session (server-assigned, distinct), long ids up to the limit");
  CF_ADD(r, refusal_order, "XB-AUTH-7 XB-ERR-5 XB-MQTT-32",
         "protocol, level, client id and malformation checks come before the key check");
  CF_ADD(r, permissions_not_checked_at_connect, "XB-AUTH-6",
         "keys whose permissions can allow nothing from here are accepted at CONNECT");
  CF_ADD(r, takeover_closes_older, "XB-MQTT-36 XB-AUTH-8 XB-ERR-31",
         "a CONNECT with a live client id (another user's key) closes the older connection");
  CF_ADD(r, no_session_state_kept, "XB-MQTT-33 XB-SUB-26 XB-EXC-6",
         "clean session 0 accepted, session present 0, subscriptions not restored");
  CF_ADD(r, first_packet_not_connect, "XB-MQTT-15 XB-ERR-15",
         "a first packet other than CONNECT closes the connection");
  CF_ADD(r, second_connect_closes, "XB-MQTT-16 XB-ERR-16", "a second CONNECT closes the connection");
  CF_ADD(r, connect_flags_malformed, "XB-MQTT-20 XB-MQTT-21 XB-MQTT-22 XB-MQTT-23 XB-ERR-19",
         "reserved flag, will QoS/retain without will, will QoS 3, password without user: closed");
  CF_ADD(r, will_topic_malformed, "XB-MQTT-27 XB-ERR-20",
         "an empty will topic or one with + or # is closed without CONNACK");
  CF_ADD(r, connect_payload_malformed, "XB-MQTT-25 XB-MQTT-11 XB-ERR-11",
         "missing field, trailing byte, string past the end: closed without CONNACK");
  CF_ADD(r, connect_strings_utf8, "XB-MQTT-12 XB-MQTT-13 XB-MQTT-26 XB-ERR-12",
         "ill-formed UTF-8 or U+0000 in client id or user name: closed without CONNACK");
  CF_ADD(r, keepalive_expiry, "XB-MQTT-37 XB-MQTT-24 XB-ERR-25",
         "keep alive 1 s: a silent connection is closed after 1.5 s, not before");
  CF_ADD(r, keepalive_kept_by_packets, "XB-MQTT-37 XB-MQTT-53",
         "keep alive 1 s: PINGREQ every 0.5 s keeps the connection open");
}
