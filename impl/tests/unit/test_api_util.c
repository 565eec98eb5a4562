/* test_api_util.c — see test_api_util.h (no suite here). */
#include "test_api_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/xb_valid.h"
#include "topic/xb_topic.h"

ta_ctx T;

static void ta_open(void) {
  xb_api_config cfg;
  xb_api_config_default(&cfg);
  char err[256] = "";
  T.api = xb_api_open(T.path, &cfg, err, sizeof err, NULL);
  ck_assert_msg(T.api != NULL, "open: %s", err);
}

void ta_setup(void) {
  memset(&T, 0, sizeof T);
  snprintf(T.dir, sizeof T.dir, "/tmp/xbapi-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(T.dir));
  snprintf(T.path, sizeof T.path, "%s/api.db", T.dir);
  xb_buf_init(&T.body, 0);
  T.now = ta_time("2013-04-23T12:00:00Z");
  ta_open();
  char err[256] = "";
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "alice", false, NULL, T.now, T.alice, err,
                                         sizeof err), 201);
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "bob", false, NULL, T.now, T.bob, err,
                                         sizeof err), 201);
  ck_assert_int_eq(xb_api_admin_add_user(T.api, "root", true, NULL, T.now, T.admin, err,
                                         sizeof err), 201);
}

void ta_teardown(void) {
  xb_api_close(T.api);
  xb_buf_free(&T.body);
  const char *n[] = {"api.db", "api.db-wal", "api.db-shm", "api.db.lock"};
  for (size_t i = 0; i < 4; i++) {
    char p[200];
    snprintf(p, sizeof p, "%s/%s", T.dir, n[i]);
    unlink(p);
  }
  rmdir(T.dir);
}

void ta_reopen(void) {
  xb_api_close(T.api);
  ta_open();
}

int64_t ta_time(const char *iso) {
  int64_t us = 0;
  ck_assert_msg(xb_time_parse(iso, strlen(iso), &us), "bad time %s", iso);
  return us;
}

int ta_req(xb_api_method m, const char *topic, const char *payload, const char *key,
           const char *ip) {
  xb_topic t;
  xb_topic_status ts = xb_topic_parse((const uint8_t *)topic, strlen(topic), 65535, &t);
  ck_assert_msg(ts == XB_TOPIC_OK, "topic %s: %s", topic, xb_topic_status_str(ts));
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = m;
  req.topic = &t;
  req.topic_bytes = (const uint8_t *)topic;
  req.payload = (const uint8_t *)payload;
  req.payload_len = payload != NULL ? strlen(payload) : 0;
  /* A prefix key in the topic overrides the key argument (XB-AUTH-9). */
  if (t.key.len > 0) {
    req.key = topic + t.key.off;
    req.key_len = t.key.len;
  } else if (key != NULL) {
    req.key = key;
    req.key_len = strlen(key);
  }
  req.client_ip = ip != NULL ? ip : "192.0.2.1";
  req.now = T.now;
  T.resp.body = &T.body;
  return xb_api_execute(T.api, &req, &T.resp);
}

const char *ta_body(void) {
  static char text[1 << 20];
  size_t n = T.body.len < sizeof text - 1 ? T.body.len : sizeof text - 1;
  if (n > 0) memcpy(text, T.body.data, n);
  text[n] = '\0';
  return text;
}

bool ta_has(const char *s) { return strstr(ta_body(), s) != NULL; }

uint32_t ta_feed(const char *key, bool priv) {
  int st = ta_post("/v2/feeds.json", priv ? "{\"title\":\"F\",\"private\":true}" : "{\"title\":\"F\"}",
                   key);
  ck_assert_msg(st == 201, "feed create: %d %s", st, T.resp.detail);
  return (uint32_t)strtoul(T.resp.created, NULL, 10);
}

const char *ta_key(const char *login, unsigned methods, uint32_t feed, const char *ds,
                   const char *source_ip, bool private_access) {
  static char key[XB_API_KEY_TEXT];
  xb_api_admin_perm p = {methods, source_ip, feed, ds};
  char err[256] = "";
  int st = xb_api_admin_add_key(T.api, login, NULL, "test key", private_access, &p, 1, T.now,
                                key, err, sizeof err);
  ck_assert_msg(st == 201, "key create: %d %s", st, err);
  return key;
}
