/*
 * test_net_log.c — the logger: level names and filtering, line format (ISO timestamp,
 * level, message, one line), escaping of control bytes, truncation, reopen after the
 * file was moved (logrotate + SIGHUP).
 */
#include "net/xb_log.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Suite *xb_suite_net_log(void);

static char g_dir[64];
static char g_path[128];

static void setup(void) {
  strcpy(g_dir, "/tmp/xb_log_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(g_dir));
  snprintf(g_path, sizeof g_path, "%s/x.log", g_dir);
  xb_log_set_level(XB_LOG_INFO);
}

static void teardown(void) {
  xb_log_close();
  char moved[160];
  snprintf(moved, sizeof moved, "%s.1", g_path);
  unlink(g_path);
  unlink(moved);
  rmdir(g_dir);
}

/* Whole file content (NUL-terminated). */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  static char buf[16384];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

START_TEST(test_level_names_and_parse) {
  xb_log_level lv;
  ck_assert_int_eq(xb_log_parse_level("debug", &lv), 0);
  ck_assert_int_eq(lv, XB_LOG_DEBUG);
  ck_assert_int_eq(xb_log_parse_level("warn", &lv), 0);
  ck_assert_int_eq(lv, XB_LOG_WARN);
  ck_assert_int_eq(xb_log_parse_level("WARN", &lv), -1);
  ck_assert_int_eq(xb_log_parse_level("verbose", &lv), -1);
  ck_assert_int_eq(xb_log_parse_level(NULL, &lv), -1);
  ck_assert_str_eq(xb_log_level_name(XB_LOG_ERROR), "error");
  ck_assert_str_eq(xb_log_level_name(XB_LOG_INFO), "info");
}
END_TEST

START_TEST(test_line_format_and_filter) {
  ck_assert_int_eq(xb_log_open(g_path), 0);
  xb_log_info("conn %d from %s", 7, "127.0.0.1");
  xb_log_debug("hidden %d", 1); /* above the level: not written */
  xb_log_set_level(XB_LOG_DEBUG);
  ck_assert(xb_log_enabled(XB_LOG_DEBUG));
  xb_log_debug("shown");
  xb_log_set_level(XB_LOG_ERROR);
  xb_log_warn("hidden too");
  xb_log(XB_LOG_ERROR, "bad %s", "thing");
  const char *s = slurp(g_path);
  ck_assert_uint_eq(count_lines(s), 3);
  regex_t re;
  ck_assert_int_eq(
      regcomp(&re,
              "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z info "
              "conn 7 from 127\\.0\\.0\\.1\n"
              "[0-9T:.-]+Z debug shown\n"
              "[0-9T:.-]+Z error bad thing\n$",
              REG_EXTENDED),
      0);
  ck_assert_msg(regexec(&re, s, 0, NULL, 0) == 0, "unexpected log: %s", s);
  regfree(&re);
}
END_TEST

START_TEST(test_control_bytes_escaped_one_line) {
  ck_assert_int_eq(xb_log_open(g_path), 0);
  /* A client id with a newline must not forge a second line. */
  xb_log_info("client id %s", "evil\n2024-01-01T00:00:00.000Z error forged\x7f\x01");
  const char *s = slurp(g_path);
  ck_assert_uint_eq(count_lines(s), 1);
  ck_assert_ptr_nonnull(strstr(s, "evil\\x0a2024-01-01T00:00:00.000Z error forged\\x7f\\x01\n"));
}
END_TEST

START_TEST(test_long_message_truncated_marked) {
  ck_assert_int_eq(xb_log_open(g_path), 0);
  static char big[10000];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  xb_log_warn("%s", big);
  const char *s = slurp(g_path);
  ck_assert_uint_eq(count_lines(s), 1);
  size_t n = strlen(s);
  ck_assert_uint_lt(n, 8300);
  ck_assert_str_eq(s + n - 5, "a...\n");
}
END_TEST

START_TEST(test_reopen_after_rotation) {
  ck_assert_int_eq(xb_log_reopen(), 0); /* stderr only: a no-op */
  ck_assert_int_eq(xb_log_open(g_path), 0);
  xb_log_info("before");
  char moved[160];
  snprintf(moved, sizeof moved, "%s.1", g_path);
  ck_assert_int_eq(rename(g_path, moved), 0);
  xb_log_info("still old"); /* the open descriptor follows the moved file */
  ck_assert_int_eq(xb_log_reopen(), 0);
  xb_log_info("after");
  const char *s = slurp(moved);
  ck_assert_ptr_nonnull(strstr(s, "before"));
  ck_assert_ptr_nonnull(strstr(s, "still old"));
  ck_assert_ptr_null(strstr(s, "after"));
  s = slurp(g_path);
  ck_assert_uint_eq(count_lines(s), 1);
  ck_assert_ptr_nonnull(strstr(s, "info after\n"));
}
END_TEST

START_TEST(test_open_failure_keeps_destination) {
  ck_assert_int_eq(xb_log_open(g_path), 0);
  ck_assert_int_eq(xb_log_open("/nonexistent-dir/x.log"), -1);
  xb_log_info("kept");
  ck_assert_ptr_nonnull(strstr(slurp(g_path), "kept"));
}
END_TEST

START_TEST(test_field_values_quoted_per_spec) {
  char b[64];
  /* spec/errors.md: bare unless empty, or holding a space, '"', '=' or a byte outside
   * %x21-7E; quoted with \" \\ and \xHH escapes. */
  ck_assert_str_eq(xb_log_val(b, sizeof b, "c1", 2), "c1");
  ck_assert_str_eq(xb_log_val(b, sizeof b, "/v2/feeds/504.json", 18), "/v2/feeds/504.json");
  ck_assert_str_eq(xb_log_val(b, sizeof b, "a\\b", 3), "a\\b");
  ck_assert_str_eq(xb_log_val(b, sizeof b, "", 0), "\"\"");
  ck_assert_str_eq(xb_log_val(b, sizeof b, "a b", 3), "\"a b\"");
  ck_assert_str_eq(xb_log_val(b, sizeof b, "k=v", 3), "\"k=v\"");
  ck_assert_str_eq(xb_log_val(b, sizeof b, "say \"hi\\\"", 9), "\"say \\\"hi\\\\\\\"\"");
  ck_assert_str_eq(xb_log_val(b, sizeof b, "x\n\0\xff", 4), "\"x\\x0a\\x00\\xff\"");
  /* Too long: cut at an escape boundary, still a closed quoted string. */
  ck_assert_str_eq(xb_log_val(b, 9, "\n\n\n", 3), "\"\\x0a\"");
  ck_assert_str_eq(xb_log_val(b, 4, "abcdef", 6), "abc");
}
END_TEST

Suite *xb_suite_net_log(void) {
  Suite *s = suite_create("net_log");
  TCase *t = tcase_create("log");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, test_level_names_and_parse);
  tcase_add_test(t, test_line_format_and_filter);
  tcase_add_test(t, test_control_bytes_escaped_one_line);
  tcase_add_test(t, test_long_message_truncated_marked);
  tcase_add_test(t, test_reopen_after_rotation);
  tcase_add_test(t, test_open_failure_keeps_destination);
  tcase_add_test(t, test_field_values_quoted_per_spec);
  suite_add_tcase(s, t);
  return s;
}
