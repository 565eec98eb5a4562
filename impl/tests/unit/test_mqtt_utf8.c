/*
 * The MQTT string validator (xb_utf8_valid_mqtt) and the wildcard test
 * (xb_mqtt_has_wildcard), against RFC 3629 §4 (table 3.1 as quoted in XB-MQTT-12) and
 * MQTT 3.1.1 §1.5.3. An independent oracle written from the RFC's ABNF is compared with
 * the validator on every 1-, 2- and 3-byte string and on a 4-byte sample.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "mqtt/xb_mqtt.h"
#include "xb_test_util.h"

static bool valid(const char *s, size_t n) {
  /* An exact-size heap copy, so any read past n is an ASan error. */
  uint8_t *cp = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(cp);
  if (n) memcpy(cp, s, n);
  bool v = xb_utf8_valid_mqtt(cp, n);
  free(cp);
  return v;
}

#define VALID(lit) valid(lit, sizeof(lit) - 1)

static bool in(uint8_t b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; }

/* RFC 3629 §4 UTF8-char, one character at p[0..n-1]; returns its length or 0. */
static size_t oracle_char(const uint8_t *p, size_t n) {
  if (n >= 1 && p[0] <= 0x7F) return 1;
  if (n >= 2 && in(p[0], 0xC2, 0xDF) && in(p[1], 0x80, 0xBF)) return 2;
  if (n >= 3) {
    if (p[0] == 0xE0 && in(p[1], 0xA0, 0xBF) && in(p[2], 0x80, 0xBF)) return 3;
    if ((in(p[0], 0xE1, 0xEC) || in(p[0], 0xEE, 0xEF)) && in(p[1], 0x80, 0xBF) && in(p[2], 0x80, 0xBF))
      return 3;
    if (p[0] == 0xED && in(p[1], 0x80, 0x9F) && in(p[2], 0x80, 0xBF)) return 3;
  }
  if (n >= 4) {
    bool tail = in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF);
    if (p[0] == 0xF0 && in(p[1], 0x90, 0xBF) && tail) return 4;
    if (in(p[0], 0xF1, 0xF3) && in(p[1], 0x80, 0xBF) && tail) return 4;
    if (p[0] == 0xF4 && in(p[1], 0x80, 0x8F) && tail) return 4;
  }
  return 0;
}

/* The MQTT rule: a sequence of UTF8-char and no U+0000. */
static bool oracle(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (p[i] == 0x00) return false;
    size_t k = oracle_char(p + i, n - i);
    if (k == 0) return false;
    i += k;
  }
  return true;
}

START_TEST(well_formed_sequences_are_accepted_XB_MQTT_12)
/* XB-MQTT-12 [MQTT-1.5.3-1]: every row of RFC 3629 table 3.1, at both ends. */
{
  ck_assert(valid("", 0));
  ck_assert(VALID("hello/world"));
  ck_assert(VALID("\xC2\x80"));             /* U+0080 */
  ck_assert(VALID("\xDF\xBF"));             /* U+07FF */
  ck_assert(VALID("\xE0\xA0\x80"));         /* U+0800 */
  ck_assert(VALID("\xE1\x80\x80"));
  ck_assert(VALID("\xEC\xBF\xBF"));
  ck_assert(VALID("\xED\x80\x80"));         /* U+D000 */
  ck_assert(VALID("\xED\x9F\xBF"));         /* U+D7FF, last before the surrogates */
  ck_assert(VALID("\xEE\x80\x80"));         /* U+E000, first after them */
  ck_assert(VALID("\xEF\xBF\xBF"));         /* U+FFFF */
  ck_assert(VALID("\xF0\x90\x80\x80"));     /* U+10000 */
  ck_assert(VALID("\xF1\x80\x80\x80"));
  ck_assert(VALID("\xF3\xBF\xBF\xBF"));
  ck_assert(VALID("\xF4\x80\x80\x80"));
  ck_assert(VALID("\xF4\x8F\xBF\xBF"));     /* U+10FFFF, the largest */
  ck_assert(VALID("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E!"));
}
END_TEST

START_TEST(overlong_forms_are_rejected_XB_MQTT_12)
/* XB-MQTT-12 [MQTT-1.5.3-1] */
{
  ck_assert(!VALID("\xC0\x80"));
  ck_assert(!VALID("\xC0\xAF"));
  ck_assert(!VALID("\xC1\xBF"));
  ck_assert(!VALID("\xE0\x80\x80"));
  ck_assert(!VALID("\xE0\x80\xAF"));
  ck_assert(!VALID("\xE0\x9F\xBF"));
  ck_assert(!VALID("\xF0\x80\x80\x80"));
  ck_assert(!VALID("\xF0\x80\x80\xAF"));
  ck_assert(!VALID("\xF0\x8F\xBF\xBF"));
  ck_assert(!VALID("ok\xC0\x80"));
}
END_TEST

START_TEST(surrogates_are_rejected_XB_MQTT_12)
/* XB-MQTT-12 [MQTT-1.5.3-1]: U+D800..U+DFFF, alone or paired. */
{
  ck_assert(!VALID("\xED\xA0\x80"));
  ck_assert(!VALID("\xED\xAF\xBF"));
  ck_assert(!VALID("\xED\xB0\x80"));
  ck_assert(!VALID("\xED\xBF\xBF"));
  ck_assert(!VALID("\xED\xA0\xBD\xED\xB2\xA9")); /* CESU-8 pair for U+1F4A9 */
}
END_TEST

START_TEST(code_points_above_10ffff_are_rejected_XB_MQTT_12)
/* XB-MQTT-12 [MQTT-1.5.3-1] */
{
  ck_assert(!VALID("\xF4\x90\x80\x80"));
  ck_assert(!VALID("\xF4\xBF\xBF\xBF"));
  ck_assert(!VALID("\xF5\x80\x80\x80"));
  ck_assert(!VALID("\xF7\xBF\xBF\xBF"));
  ck_assert(!VALID("\xF8\x88\x80\x80\x80"));
  ck_assert(!VALID("\xFC\x84\x80\x80\x80\x80"));
  ck_assert(!VALID("\xFE"));
  ck_assert(!VALID("\xFF"));
  ck_assert(!VALID("a\xFE\xFF"));
}
END_TEST

START_TEST(truncated_and_broken_sequences_are_rejected_XB_MQTT_12)
/* XB-MQTT-12 [MQTT-1.5.3-1]: a lead byte without all its continuation bytes, a lone
 * continuation byte. */
{
  ck_assert(!VALID("\xC2"));
  ck_assert(!VALID("\xE0\xA0"));
  ck_assert(!VALID("\xE1\x80"));
  ck_assert(!VALID("\xF0\x90\x80"));
  ck_assert(!VALID("\xF1\x80\x80"));
  ck_assert(!VALID("abc\xC3"));
  ck_assert(!VALID("\xC2\x41"));
  ck_assert(!VALID("\xE1\x80\x41"));
  ck_assert(!VALID("\xF1\x80\x80\x41"));
  ck_assert(!VALID("\xC2\xC2\x80"));
  ck_assert(!VALID("\x80"));
  ck_assert(!VALID("\xBF"));
  ck_assert(!VALID("a\x80" "b"));
  ck_assert(!VALID("\xC3\xA9\xA9"));
}
END_TEST

START_TEST(nul_is_rejected_XB_MQTT_13)
/* XB-MQTT-13 [MQTT-1.5.3-2] */
{
  ck_assert(!valid("\0", 1));
  ck_assert(!valid("a\0", 2));
  ck_assert(!valid("\0a", 2));
  ck_assert(!valid("ab\0cd", 5));
  ck_assert(!VALID("\xC0\x80")); /* "modified UTF-8" NUL */
}
END_TEST

START_TEST(controls_noncharacters_and_bom_are_accepted_XB_MQTT_14)
/* XB-MQTT-14 [MQTT-1.5.3-3] [§1.5.3] */
{
  ck_assert(VALID("\x01"));
  ck_assert(VALID("\x1F"));
  ck_assert(VALID("\x7F"));
  ck_assert(VALID("\xC2\x80"));
  ck_assert(VALID("\xC2\x9F"));
  ck_assert(VALID("\xEF\xBB\xBF" "abc"));
  ck_assert(VALID("\xEF\xBF\xBE"));
  ck_assert(VALID("\xEF\xBF\xBF"));
  ck_assert(VALID("\xEF\xB7\x90")); /* U+FDD0 */
  ck_assert(VALID("\xF4\x8F\xBF\xBE"));
}
END_TEST

START_TEST(validator_reads_exactly_len_bytes_XB_MQTT_12)
/* XB-MQTT-12 XB-MQTT-11: the string is the len bytes given, nothing before or after. */
{
  static const uint8_t buf[] = {'a', 'b', 0xFF, 0xC3, 0xA9};
  ck_assert(xb_utf8_valid_mqtt(buf, 2));
  ck_assert(!xb_utf8_valid_mqtt(buf, 3));
  ck_assert(xb_utf8_valid_mqtt(buf + 3, 2));
  ck_assert(!xb_utf8_valid_mqtt(buf + 3, 1));
  ck_assert(xb_utf8_valid_mqtt(buf, 0));
}
END_TEST

/* Check's assertions record a location on every call; the exhaustive loops compare
 * silently and abort on the first disagreement. */
static void agree(const uint8_t *b, size_t n) {
  bool got = xb_utf8_valid_mqtt(b, n), want = oracle(b, n);
  if (got != want)
    ck_abort_msg("%zu bytes %02x %02x %02x %02x: validator %d, RFC 3629 %d", n, b[0],
                 n > 1 ? b[1] : 0, n > 2 ? b[2] : 0, n > 3 ? b[3] : 0, got, want);
}

START_TEST(validator_agrees_with_rfc3629_on_all_short_strings_XB_MQTT_12)
/* XB-MQTT-12 XB-MQTT-13 [MQTT-1.5.3-1] [MQTT-1.5.3-2]: exhaustive up to 3 bytes. */
{
  uint8_t b[4] = {0};
  for (unsigned x = 0; x < 256; x++) {
    b[0] = (uint8_t)x;
    agree(b, 1);
  }
  for (unsigned x = 0; x < 65536; x++) {
    b[0] = (uint8_t)(x >> 8);
    b[1] = (uint8_t)x;
    agree(b, 2);
  }
  for (unsigned x = 0; x < (1u << 24); x++) {
    b[0] = (uint8_t)(x >> 16);
    b[1] = (uint8_t)(x >> 8);
    b[2] = (uint8_t)x;
    agree(b, 3);
  }
}
END_TEST

START_TEST(validator_agrees_with_rfc3629_on_four_byte_strings_XB_MQTT_12)
/* XB-MQTT-12 [MQTT-1.5.3-1]: leads E0..FF with every second byte and the interesting
 * values of the last two. */
{
  static const uint8_t tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xC2, 0xFF};
  uint8_t b[4];
  for (unsigned l = 0xE0; l <= 0xFF; l++)
    for (unsigned s = 0; s < 256; s++)
      for (size_t i = 0; i < sizeof tails; i++)
        for (size_t j = 0; j < sizeof tails; j++) {
          b[0] = (uint8_t)l;
          b[1] = (uint8_t)s;
          b[2] = tails[i];
          b[3] = tails[j];
          agree(b, 4);
        }
}
END_TEST

START_TEST(wildcard_detection_XB_MQTT_39)
/* XB-MQTT-39 XB-MQTT-27 [MQTT-3.3.2-2] [MQTT-4.7.1-1]: '+' or '#' anywhere. */
{
  ck_assert(!xb_mqtt_has_wildcard(XB_U8("a/b"), 3));
  ck_assert(!xb_mqtt_has_wildcard(XB_U8(""), 0));
  ck_assert(xb_mqtt_has_wildcard(XB_U8("+"), 1));
  ck_assert(xb_mqtt_has_wildcard(XB_U8("#"), 1));
  ck_assert(xb_mqtt_has_wildcard(XB_U8("a/+/b"), 5));
  ck_assert(xb_mqtt_has_wildcard(XB_U8("a#"), 2));
  ck_assert(xb_mqtt_has_wildcard(XB_U8("/v2/feeds/504.json#"), 19));
  ck_assert(!xb_mqtt_has_wildcard(XB_U8("ab+"), 2)); /* only len bytes count */
  ck_assert(!xb_mqtt_has_wildcard(XB_U8("\xE2\x80\xAB\xC3\xA3"), 5)); /* U+202B U+00E3 */
}
END_TEST

Suite *xb_suite_mqtt_utf8(void);
Suite *xb_suite_mqtt_utf8(void)
{
  Suite *s = suite_create("mqtt_utf8");
  TCase *tc = tcase_create("utf8");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, well_formed_sequences_are_accepted_XB_MQTT_12);
  tcase_add_test(tc, overlong_forms_are_rejected_XB_MQTT_12);
  tcase_add_test(tc, surrogates_are_rejected_XB_MQTT_12);
  tcase_add_test(tc, code_points_above_10ffff_are_rejected_XB_MQTT_12);
  tcase_add_test(tc, truncated_and_broken_sequences_are_rejected_XB_MQTT_12);
  tcase_add_test(tc, nul_is_rejected_XB_MQTT_13);
  tcase_add_test(tc, controls_noncharacters_and_bom_are_accepted_XB_MQTT_14);
  tcase_add_test(tc, validator_reads_exactly_len_bytes_XB_MQTT_12);
  tcase_add_test(tc, validator_agrees_with_rfc3629_on_all_short_strings_XB_MQTT_12);
  tcase_add_test(tc, validator_agrees_with_rfc3629_on_four_byte_strings_XB_MQTT_12);
  tcase_add_test(tc, wildcard_detection_XB_MQTT_39);
  suite_add_tcase(s, tc);
  return s;
}
