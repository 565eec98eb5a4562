/*
 * ISO 8601 timestamps (impl/formats/xb_time.h) against spec/topics.md `timestamp`,
 * XB-TOPIC-9, XB-TOPIC-10, XB-RES-6 and XB-RES-7. Expected instants come from the C
 * library's timegm() or from values computed outside the project, never from the code
 * under test.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats/xb_time.h"

static bool tparse(const char *s, int64_t *us) {
  /* copy without NUL: the parser must not need a terminator */
  size_t n = strlen(s);
  uint8_t *b = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(b);
  memcpy(b, s, n);
  bool ok = xb_iso8601_parse(b, n, us);
  free(b);
  return ok;
}

static int64_t utc_us(int y, int mo, int d, int h, int mi, int s, int64_t frac) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return (int64_t)timegm(&tm) * 1000000 + frac;
}

START_TEST(accepts_the_grammar_XB_RES_6_XB_TOPIC_9)
/* XB-RES-6 / XB-TOPIC-9: Z or +HH:MM or -HH:MM, 0 to 6 fraction digits padded. */
{
  int64_t us = -1;
  ck_assert(tparse("2013-04-23T12:34:56Z", &us));
  ck_assert_int_eq(us, utc_us(2013, 4, 23, 12, 34, 56, 0));
  ck_assert(tparse("2013-04-23T12:34:56.123456Z", &us));
  ck_assert_int_eq(us, INT64_C(1366720496123456));
  ck_assert(tparse("2013-04-23T12:34:56.5Z", &us));
  ck_assert_int_eq(us, utc_us(2013, 4, 23, 12, 34, 56, 500000));
  ck_assert(tparse("2013-04-23T12:34:56.05Z", &us));
  ck_assert_int_eq(us, utc_us(2013, 4, 23, 12, 34, 56, 50000));
  ck_assert(tparse("2013-04-23T12:34:56.000001Z", &us));
  ck_assert_int_eq(us, utc_us(2013, 4, 23, 12, 34, 56, 1));
  ck_assert(tparse("2013-04-23T13:35:56+01:00", &us));
  ck_assert_int_eq(us, INT64_C(1366720556000000));
  ck_assert(tparse("2013-04-23T10:05:56-02:30", &us));
  ck_assert_int_eq(us, utc_us(2013, 4, 23, 12, 35, 56, 0));
  ck_assert(tparse("2013-04-23T12:34:56.250+23:59", &us));
  ck_assert_int_eq(us, utc_us(2013, 4, 22, 12, 35, 56, 250000));
}
END_TEST

START_TEST(same_instant_same_value_XB_TOPIC_10)
/* XB-TOPIC-10: three spellings of one instant. */
{
  int64_t a = 0, b = 0, c = 0;
  ck_assert(tparse("2013-04-23T12:00:00Z", &a));
  ck_assert(tparse("2013-04-23T12:00:00.000000Z", &b));
  ck_assert(tparse("2013-04-23T14:00:00+02:00", &c));
  ck_assert_int_eq(a, INT64_C(1366718400000000));
  ck_assert_int_eq(a, b);
  ck_assert_int_eq(a, c);
}
END_TEST

START_TEST(rejects_other_text_XB_RES_6)
/* XB-RES-6: lower-case t/z, a space for T, 7 fraction digits, no zone, bad zone, ... */
{
  static const char *bad[] = {
    "2013-04-23t12:00:00Z", "2013-04-23T12:00:00z", "2013-04-23 12:00:00Z",
    "2013-04-23T12:00:00.1234567Z", "2013-04-23T12:00:00", "2013-04-23T12:00:00.Z",
    "2013-04-23T12:00:00+0100", "2013-04-23T12:00:00+01", "2013-04-23T12:00:00+1:00",
    "2013-04-23T12:00Z", "2013-4-23T12:00:00Z", "13-04-23T12:00:00Z", "2013/04/23T12:00:00Z",
    "2013-04-23T12:00:00ZZ", "2013-04-23T12:00:00Z ", " 2013-04-23T12:00:00Z", "1366718400",
    "", "Z", "2013-04-23T12:00:00+01:00:00", "2013-04-23T12:00:00.+01:00",
    "+2013-04-23T12:00:00Z", "2013-04-23T1a:00:00Z", "2013-04-23T12:00:00.12a4Z"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t us = 42;
    ck_assert_msg(!tparse(bad[i], &us), "accepted %s", bad[i]);
    ck_assert_int_eq(us, 42); /* untouched on failure */
  }
}
END_TEST

START_TEST(rejects_impossible_instants_XB_TOPIC_9)
/* XB-TOPIC-9: real days (Gregorian leap years), hour 00..23, minute/second 00..59, zone
 * 00..23:00..59, instant within 1970..9999 once in UTC. */
{
  static const char *bad[] = {
    "2013-02-29T00:00:00Z", "2013-02-30T00:00:00Z", "2012-02-30T00:00:00Z",
    "2100-02-29T00:00:00Z", "2013-04-31T00:00:00Z", "2013-06-31T00:00:00Z",
    "2013-09-31T00:00:00Z", "2013-11-31T00:00:00Z", "2013-01-32T00:00:00Z",
    "2013-00-10T00:00:00Z", "2013-13-10T00:00:00Z", "2013-01-00T00:00:00Z",
    "2013-01-01T24:00:00Z", "2013-01-01T00:60:00Z", "2013-01-01T00:00:60Z",
    "2013-01-01T00:00:00+24:00", "2013-01-01T00:00:00+00:60", "1969-12-31T23:59:59Z",
    "1969-12-31T23:59:59.999999Z", "1970-01-01T00:30:00+01:00", "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-00:01", "9999-12-31T23:30:00-01:00"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t us = 7;
    ck_assert_msg(!tparse(bad[i], &us), "accepted %s", bad[i]);
  }
  int64_t us = 0;
  ck_assert(tparse("2012-02-29T00:00:00Z", &us));
  ck_assert(tparse("2000-02-29T00:00:00Z", &us));
  ck_assert_int_eq(us, INT64_C(951782400000000));
  ck_assert(tparse("2013-12-31T23:59:59Z", &us));
  ck_assert(tparse("1970-01-01T00:00:00Z", &us));
  ck_assert_int_eq(us, 0);
  ck_assert(tparse("1969-12-31T23:30:00-01:00", &us));
  ck_assert_int_eq(us, INT64_C(1800000000));
  ck_assert(tparse("9999-12-31T23:59:59.999999Z", &us));
  ck_assert_int_eq(us, XB_ISO8601_MAX_US);
  ck_assert(tparse("9999-12-31T23:59:59+01:00", &us));
}
END_TEST

START_TEST(every_day_matches_timegm_XB_TOPIC_9)
/* XB-TOPIC-9: every calendar day of 1970..2100 and a sample up to 9999, against the C
 * library's calendar; days past the month's end are refused. */
{
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int y = 1970; y <= 9999; y += (y < 2101 ? 1 : 97)) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int m = 1; m <= 12; m++) {
      int last = mdays[m - 1] + (m == 2 && leap ? 1 : 0);
      for (int d = 1; d <= 31; d++) {
        char s[80];
        snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, m, d, d % 24,
                 (d * 7) % 60, (d * 13) % 60, d * 1234);
        int64_t us = -1;
        bool ok = tparse(s, &us);
        ck_assert_msg(ok == (d <= last), "%s", s);
        if (ok) {
          ck_assert_int_eq(us, utc_us(y, m, d, d % 24, (d * 7) % 60, (d * 13) % 60, d * 1234));
        }
      }
    }
  }
}
END_TEST

START_TEST(format_is_canonical_XB_RES_7)
/* XB-RES-7: YYYY-MM-DDTHH:MM:SS.ffffffZ, exactly 6 digits, UTC. */
{
  uint8_t out[40];
  memset(out, '#', sizeof out);
  ck_assert_uint_eq(xb_iso8601_format(INT64_C(1366718400000000), out, sizeof out), 27);
  ck_assert(memcmp(out, "2013-04-23T12:00:00.000000Z", 27) == 0);
  ck_assert_int_eq(out[27], '#');
  ck_assert_uint_eq(xb_iso8601_format(INT64_C(1366720496123456), out, 27), 27);
  ck_assert(memcmp(out, "2013-04-23T12:34:56.123456Z", 27) == 0);
  ck_assert_uint_eq(xb_iso8601_format(0, out, 27), 27);
  ck_assert(memcmp(out, "1970-01-01T00:00:00.000000Z", 27) == 0);
  ck_assert_uint_eq(xb_iso8601_format(XB_ISO8601_MAX_US, out, 27), 27);
  ck_assert(memcmp(out, "9999-12-31T23:59:59.999999Z", 27) == 0);
  ck_assert_uint_eq(xb_iso8601_format(INT64_C(951782400000000), out, 27), 27);
  ck_assert(memcmp(out, "2000-02-29T00:00:00.000000Z", 27) == 0);
  /* out of range, no room, no buffer: nothing */
  memset(out, '#', sizeof out);
  ck_assert_uint_eq(xb_iso8601_format(-1, out, sizeof out), 0);
  ck_assert_uint_eq(xb_iso8601_format(XB_ISO8601_MAX_US + 1, out, sizeof out), 0);
  ck_assert_uint_eq(xb_iso8601_format(0, out, 26), 0);
  ck_assert_uint_eq(xb_iso8601_format(0, NULL, 27), 0);
  ck_assert_int_eq(out[0], '#');
}
END_TEST

START_TEST(format_then_parse_is_identity_XB_RES_7_XB_TOPIC_10)
/* XB-RES-7 rendering of any instant reads back as the same instant (XB-TOPIC-10);
 * instants spread over the whole range plus day and year edges. */
{
  uint64_t x = 88172645463325252u;
  for (int i = 0; i < 200000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int64_t us = (int64_t)(x % (uint64_t)(XB_ISO8601_MAX_US + 1));
    if (i % 4 == 1) {
      us = us / 86400000000 * 86400000000; /* midnight */
    } else if (i % 4 == 2) {
      us = us / 86400000000 * 86400000000 - 1; /* last microsecond of a day */
      if (us < 0) us = 0;
    }
    uint8_t out[27];
    ck_assert_uint_eq(xb_iso8601_format(us, out, sizeof out), 27);
    int64_t back = -1;
    ck_assert(xb_iso8601_parse(out, sizeof out, &back));
    ck_assert_int_eq(back, us);
    time_t t = (time_t)(us / 1000000);
    struct tm tm;
    ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
    char want[80];
    snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(us % 1000000));
    ck_assert(memcmp(out, want, 27) == 0);
  }
}
END_TEST

START_TEST(null_and_short_inputs_XB_RES_6)
/* XB-RES-6: a NULL or truncated input is no timestamp (and is never read past n). */
{
  int64_t us = 5;
  ck_assert(!xb_iso8601_parse(NULL, 20, &us));
  ck_assert(!xb_iso8601_parse((const uint8_t *)"2013-04-23T12:00:00Z", 20, NULL));
  const char *s = "2013-04-23T12:00:00.123456Z";
  for (size_t n = 0; n < strlen(s); n++) {
    uint8_t *b = malloc(n ? n : 1); /* exact size: ASan catches any read past n */
    ck_assert_ptr_nonnull(b);
    memcpy(b, s, n);
    bool ok = xb_iso8601_parse(b, n, &us);
    /* only the prefix ending right after "12:00:00" + fraction + Z is complete */
    ck_assert(!ok);
    free(b);
  }
  ck_assert_int_eq(us, 5);
}
END_TEST

Suite *xb_suite_csv_time(void);
Suite *xb_suite_csv_time(void)
{
  Suite *s = suite_create("csv_time");
  TCase *tc = tcase_create("iso8601");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, accepts_the_grammar_XB_RES_6_XB_TOPIC_9);
  tcase_add_test(tc, same_instant_same_value_XB_TOPIC_10);
  tcase_add_test(tc, rejects_other_text_XB_RES_6);
  tcase_add_test(tc, rejects_impossible_instants_XB_TOPIC_9);
  tcase_add_test(tc, every_day_matches_timegm_XB_TOPIC_9);
  tcase_add_test(tc, format_is_canonical_XB_RES_7);
  tcase_add_test(tc, format_then_parse_is_identity_XB_RES_7_XB_TOPIC_10);
  tcase_add_test(tc, null_and_short_inputs_XB_RES_6);
  suite_add_tcase(s, tc);
  return s;
}
