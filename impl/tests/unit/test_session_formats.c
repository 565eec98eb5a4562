/*
 * test_session_formats.c — CSV and XML through the session's fan-out: a change is
 * rendered once per (target, format, query) group, not once per subscriber, whatever
 * the format (spec/subscribe.md XB-SUB-21), and subscribers of different formats see the
 * same state (spec/resources.md XB-RES-90).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_session_util.h"

/* XB-SUB-21, XB-RES-90: two subscribers per format (spelled differently: leading
 * slash, key prefix), one CSV write: one rendering per format, identical bytes within a
 * format, the same value and timestamp across formats. */
START_TEST(test_render_once_per_format_XB_SUB_21_XB_RES_90) {
  char t[6][200];
  snprintf(t[0], 200, "/v2/feeds/%u/datastreams/temp.csv", TS.pub);
  snprintf(t[1], 200, "%s/v2/feeds/%u/datastreams/temp.csv", TS.dev, TS.pub);
  snprintf(t[2], 200, "/v2/feeds/%u/datastreams/temp.xml", TS.pub);
  snprintf(t[3], 200, "v2/feeds/%u/datastreams/temp.xml", TS.pub);
  snprintf(t[4], 200, "/v1/feeds/%u/datastreams/temp.csv", TS.pub);
  snprintf(t[5], 200, "/v2/feeds/%u/datastreams/temp.json", TS.pub);
  int fd[6];
  for (int i = 0; i < 6; i++) {
    char id[16];
    snprintf(id, sizeof id, "s%d", i);
    fd[i] = ts_connect(id, NULL);
    ts_subscribe(fd[i], 1, t[i], NULL);
    ts_expect_suback(fd[i], 1, 1);
    ts_expect_publish(fd[i], t[i], true); /* XB-SUB-2: the initial state */
  }
  ck_assert_uint_eq(ts_stats().groups, 4); /* csv, xml, v1 csv, json */
  uint64_t renders = ts_stats().renders;
  int w = ts_connect("w", TS.dev);
  char topic[128];
  snprintf(topic, sizeof topic, "/v2/feeds/%u.csv", TS.pub);
  ts_publish(w, 0, 0, topic, "temp,2013-04-23T12:00:00Z,\"on, high\"");
  char got[6][4096];
  for (int i = 0; i < 6; i++) snprintf(got[i], sizeof got[i], "%s", ts_expect_publish(fd[i], t[i], false));
  ck_assert_uint_eq(ts_stats().renders, renders + 4); /* one per group, not per member */
  ck_assert_str_eq(got[0], "2013-04-23T12:00:00.000000Z,\"on, high\"");
  ck_assert_str_eq(got[1], got[0]);
  ck_assert_str_eq(got[3], got[2]);
  ck_assert_msg(strstr(got[2], "<current_value at=\"2013-04-23T12:00:00.000000Z\">on, high"
                               "</current_value>") != NULL, "%s", got[2]);
  ck_assert_str_eq(got[4], "\"on, high\"");
  ck_assert_msg(strstr(got[5], "\"current_value\":\"on, high\",\"at\":\"2013-04-23T12:00:00.000000Z\"") !=
                    NULL, "%s", got[5]);
}
END_TEST

Suite *xb_suite_session_formats(void);
Suite *xb_suite_session_formats(void) {
  Suite *s = suite_create("session_formats");
  TCase *tc = tcase_create("fanout");
  tcase_add_checked_fixture(tc, ts_setup, ts_teardown);
  tcase_add_test(tc, test_render_once_per_format_XB_SUB_21_XB_RES_90);
  suite_add_tcase(s, tc);
  return s;
}
