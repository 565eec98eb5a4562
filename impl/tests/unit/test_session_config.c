/*
 * test_session_config.c — xbridge's options and configuration file (spec/limits.md §2,
 * spec/transport.md XB-TRANS-1..3, spec/persistence.md XB-STORE-1).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session/xb_config.h"

static xb_config C;
static char g_err[1024];
static char g_file[64];

static xb_config_result load(int argc, const char **argv) {
  xb_config_free(&C);
  return xb_config_load(&C, argc, (char **)(void *)argv, g_err, sizeof g_err);
}

static const char *write_file(const char *text) {
  snprintf(g_file, sizeof g_file, "/tmp/xbcfg-XXXXXX");
  int fd = mkstemp(g_file);
  ck_assert_int_ge(fd, 0);
  size_t n = strlen(text);
  ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
  close(fd);
  return g_file;
}

static void setup(void) {
  memset(&C, 0, sizeof C);
  g_file[0] = '\0';
}

static void teardown(void) {
  xb_config_free(&C);
  if (g_file[0]) unlink(g_file);
}

START_TEST(test_defaults_XB_LIM_11_XB_TRANS_1) {
  /* Checks XB-LIM-11, XB-TRANS-1. */
  const char *a[] = {"xbridge"};
  ck_assert_int_eq(load(1, a), XB_CONFIG_OK);
  ck_assert_uint_eq(C.s.max_packet, 262144);
  ck_assert_uint_eq(C.s.max_payload, 65536);
  ck_assert_uint_eq(C.s.max_topic, 1024);
  ck_assert_uint_eq(C.s.max_client_id, 128);
  ck_assert_uint_eq(C.s.max_connections, 10000);
  ck_assert_uint_eq(C.s.max_subscriptions, 64);
  ck_assert_uint_eq(C.s.max_inflight_qos2, 64);
  ck_assert_uint_eq(C.s.keepalive_min, 0);
  ck_assert_uint_eq(C.s.keepalive_max, 65535);
  ck_assert_uint_eq(C.s.connect_timeout, 10);
  ck_assert_uint_eq(C.s.output_queue, 1048576);
  ck_assert_uint_eq(C.s.slow_grace, 30);
  ck_assert_uint_eq(C.max_datapoints, 500);
  ck_assert_uint_eq(C.nlisten, 2);
  ck_assert_str_eq(C.listen[0], "0.0.0.0:1883");
  ck_assert_str_eq(C.listen[1], "[::]:1883");
  ck_assert_uint_eq(C.nlisten_tls, 0);
  ck_assert_str_eq(C.db, "var/xbridge.db"); /* XB-STORE-1 */
}
END_TEST

START_TEST(test_both_option_forms_XB_LIM_11) {
  /* Checks XB-LIM-11. */
  const char *a[] = {"xbridge", "--max-subscriptions", "7", "--connect-timeout=3",
                     "--db=/tmp/x.db", "--log-level", "debug"};
  ck_assert_int_eq(load(7, a), XB_CONFIG_OK);
  ck_assert_uint_eq(C.s.max_subscriptions, 7);
  ck_assert_uint_eq(C.s.connect_timeout, 3);
  ck_assert_str_eq(C.db, "/tmp/x.db");
  ck_assert_int_eq(C.log_level, 3);
}
END_TEST

START_TEST(test_bad_values_XB_LIM_14) {
  /* Checks XB-LIM-14. */
  const char *cases[][2] = {{"--max-packet-size", "1023"}, {"--max-packet-size", "268435456"},
                            {"--max-subscriptions", "0"}, {"--connect-timeout", "10s"},
                            {"--output-queue-size", "-1"}, {"--slow-subscriber-grace", "+3"},
                            {"--max-topic-length", ""},  {"--log-level", "verbose"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *a[] = {"xbridge", cases[i][0], cases[i][1]};
    ck_assert_int_eq(load(3, a), XB_CONFIG_ERROR);
    ck_assert_msg(strstr(g_err, cases[i][0] + 2) != NULL, "message names the option: %s", g_err);
  }
  const char *unknown[] = {"xbridge", "--max-foo", "1"};
  ck_assert_int_eq(load(3, unknown), XB_CONFIG_ERROR);
  const char *missing[] = {"xbridge", "--db"};
  ck_assert_int_eq(load(2, missing), XB_CONFIG_ERROR);
  const char *stray[] = {"xbridge", "db.sqlite"};
  ck_assert_int_eq(load(2, stray), XB_CONFIG_ERROR);
  const char *range_ok[] = {"xbridge", "--max-packet-size", "268435455", "--keepalive-min", "0"};
  ck_assert_int_eq(load(5, range_ok), XB_CONFIG_OK);
}
END_TEST

START_TEST(test_repeats_XB_LIM_13) {
  /* Checks XB-LIM-13. */
  const char *dup[] = {"xbridge", "--db", "a", "--db", "b"};
  ck_assert_int_eq(load(5, dup), XB_CONFIG_ERROR);
  const char *lists[] = {"xbridge", "--listen", "127.0.0.1:1", "--listen", "[::1]:2"};
  ck_assert_int_eq(load(5, lists), XB_CONFIG_OK);
  ck_assert_uint_eq(C.nlisten, 2);
  ck_assert_str_eq(C.listen[1], "[::1]:2");
  ck_assert(!C.listen_default);
  const char *none[] = {"xbridge", "--listen", "none"};
  ck_assert_int_eq(load(3, none), XB_CONFIG_OK);
  ck_assert_uint_eq(C.nlisten, 0); /* XB-TRANS-2 */
}
END_TEST

START_TEST(test_config_file_XB_LIM_12) {
  /* Checks XB-LIM-12. */
  const char *f = write_file("# settings\n"
                             "\n"
                             "  max-subscriptions\t=  9 \n"
                             "db = /tmp/with space.db\n"
                             "   # indented comment\n"
                             "listen = 127.0.0.1:1884\n"
                             "listen=127.0.0.1:1885\n");
  const char *a[] = {"xbridge", "--config", f};
  ck_assert_int_eq(load(3, a), XB_CONFIG_OK);
  ck_assert_uint_eq(C.s.max_subscriptions, 9);
  ck_assert_str_eq(C.db, "/tmp/with space.db");
  ck_assert_uint_eq(C.nlisten, 2);
}
END_TEST

START_TEST(test_command_line_overrides_file_XB_LIM_13) {
  /* Checks XB-LIM-13. */
  const char *f = write_file("max-subscriptions = 9\nlisten = 127.0.0.1:1884\n"
                             "listen = 127.0.0.1:1885\nconnect-timeout = 4\n");
  /* Before or after --config, the command line wins; its listen list replaces. */
  const char *a[] = {"xbridge", "--max-subscriptions", "5", "--config", f, "--listen",
                     "127.0.0.1:9"};
  ck_assert_int_eq(load(7, a), XB_CONFIG_OK);
  ck_assert_uint_eq(C.s.max_subscriptions, 5);
  ck_assert_uint_eq(C.s.connect_timeout, 4);
  ck_assert_uint_eq(C.nlisten, 1);
  ck_assert_str_eq(C.listen[0], "127.0.0.1:9");
}
END_TEST

START_TEST(test_config_file_errors_XB_LIM_14) {
  /* Checks XB-LIM-14. */
  const char *f = write_file("db = x\nno equals sign here\n");
  const char *a[] = {"xbridge", "--config", f};
  ck_assert_int_eq(load(3, a), XB_CONFIG_ERROR);
  char where[128];
  snprintf(where, sizeof where, "%s:2", f);
  ck_assert_msg(strstr(g_err, where) != NULL, "FILE:LINE in %s", g_err);
  unlink(g_file);
  f = write_file("max-subscriptions = 0\n");
  ck_assert_int_eq(load(3, a), XB_CONFIG_ERROR);
  snprintf(where, sizeof where, "%s:1: max-subscriptions", f);
  ck_assert_msg(strstr(g_err, where) != NULL, "FILE:LINE: name in %s", g_err);
  unlink(g_file);
  f = write_file("bogus = 1\n");
  ck_assert_int_eq(load(3, a), XB_CONFIG_ERROR);
  unlink(g_file);
  f = write_file("db = a\ndb = b\n");
  ck_assert_int_eq(load(3, a), XB_CONFIG_ERROR); /* twice in the same source */
  const char *missing[] = {"xbridge", "--config", "/nonexistent/xbridge.conf"};
  ck_assert_int_eq(load(3, missing), XB_CONFIG_ERROR);
  ck_assert_ptr_nonnull(strstr(g_err, "/nonexistent/xbridge.conf"));
}
END_TEST

START_TEST(test_cross_checks_XB_LIM_15) {
  /* Checks XB-LIM-15. */
  const char *a[] = {"xbridge", "--max-packet-size", "2048", "--max-payload-size", "4096"};
  ck_assert_int_eq(load(5, a), XB_CONFIG_ERROR);
  const char *b[] = {"xbridge", "--keepalive-min", "100", "--keepalive-max", "50"};
  ck_assert_int_eq(load(5, b), XB_CONFIG_ERROR);
  const char *c[] = {"xbridge", "--keepalive-min", "50", "--keepalive-max", "50"};
  ck_assert_int_eq(load(5, c), XB_CONFIG_OK);
}
END_TEST

START_TEST(test_tls_options_XB_TRANS_3) {
  /* Checks XB-TRANS-3. */
  const char *a[] = {"xbridge", "--listen-tls", "127.0.0.1:8883"};
  ck_assert_int_eq(load(3, a), XB_CONFIG_ERROR);
  const char *b[] = {"xbridge", "--tls-cert", "c.pem", "--tls-key", "k.pem"};
  ck_assert_int_eq(load(5, b), XB_CONFIG_OK);
  ck_assert_uint_eq(C.nlisten_tls, 2); /* the default TLS listeners */
  ck_assert_str_eq(C.listen_tls[0], "0.0.0.0:8883");
}
END_TEST

START_TEST(test_help) {
  const char *a[] = {"xbridge", "--max-subscriptions", "3", "--help"};
  ck_assert_int_eq(load(4, a), XB_CONFIG_HELP);
}
END_TEST

Suite *xb_suite_session_config(void);

Suite *xb_suite_session_config(void) {
  Suite *s = suite_create("session_config");
  TCase *c = tcase_create("options");
  tcase_add_checked_fixture(c, setup, teardown);
  tcase_add_test(c, test_defaults_XB_LIM_11_XB_TRANS_1);
  tcase_add_test(c, test_both_option_forms_XB_LIM_11);
  tcase_add_test(c, test_bad_values_XB_LIM_14);
  tcase_add_test(c, test_repeats_XB_LIM_13);
  tcase_add_test(c, test_config_file_XB_LIM_12);
  tcase_add_test(c, test_command_line_overrides_file_XB_LIM_13);
  tcase_add_test(c, test_config_file_errors_XB_LIM_14);
  tcase_add_test(c, test_cross_checks_XB_LIM_15);
  tcase_add_test(c, test_tls_options_XB_TRANS_3);
  tcase_add_test(c, test_help);
  suite_add_tcase(s, c);
  return s;
}
