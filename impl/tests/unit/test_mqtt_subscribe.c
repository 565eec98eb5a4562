/*
 * SUBSCRIBE / UNSUBSCRIBE (xb_mqtt_decode_subscribe, xb_mqtt_decode_unsubscribe,
 * xb_mqtt_next_filter) against MQTT 3.1.1 §3.8, §3.10 and spec/mqtt.md §5.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "mqtt/xb_mqtt.h"
#include "xb_test_util.h"

typedef struct {
  const char *filter;
  size_t len;
  unsigned qos;
} entry;

static void sub_body(xb_tb *b, unsigned pid, const entry *e, size_t n, bool with_qos) {
  xb_tb_u16(b, pid);
  for (size_t i = 0; i < n; i++) {
    xb_tb_str(b, e[i].filter, e[i].len);
    if (with_qos) xb_tb_u8(b, e[i].qos);
  }
}

/* Decode from an exact-size heap copy (ASan sees over-reads); is_sub picks the decoder. */
static xb_mqtt_status decode(bool is_sub, const xb_tb *b, unsigned flags, xb_mqtt_subscribe *out) {
  uint8_t *cp = malloc(b->len ? b->len : 1);
  ck_assert_ptr_nonnull(cp);
  if (b->len) memcpy(cp, b->p, b->len);
  memset(out, 0, sizeof *out);
  xb_mqtt_status st = is_sub ? xb_mqtt_decode_subscribe(cp, b->len, (uint8_t)flags, out)
                             : xb_mqtt_decode_unsubscribe(cp, b->len, (uint8_t)flags, out);
  free(cp);
  return st;
}

static xb_mqtt_status decode_entries(bool is_sub, unsigned pid, const entry *e, size_t n) {
  xb_tb b;
  xb_tb_init(&b);
  sub_body(&b, pid, e, n, is_sub);
  xb_mqtt_subscribe out;
  xb_mqtt_status st = decode(is_sub, &b, 0x2, &out);
  xb_tb_free(&b);
  return st;
}

/* Decode, then walk every entry with xb_mqtt_next_filter and compare with e[]. */
static void check_iterates(bool is_sub, unsigned pid, const entry *e, size_t n) {
  xb_tb b;
  xb_tb_init(&b);
  sub_body(&b, pid, e, n, is_sub);
  xb_mqtt_subscribe out;
  ck_assert_int_eq(decode(is_sub, &b, 0x2, &out), XB_MQTT_OK);
  ck_assert_uint_eq(out.packet_id, pid);
  ck_assert_uint_eq(out.count, n);
  ck_assert_uint_eq(out.first, 2);
  size_t pos = out.first;
  for (size_t i = 0; i < n; i++) {
    xb_span f = {99, 99};
    uint8_t qos = 99;
    size_t start = pos;
    ck_assert_int_eq(xb_mqtt_next_filter(b.p, b.len, is_sub, &pos, &f, &qos), XB_MQTT_OK);
    ck_assert_uint_eq(f.off, start + 2);
    ck_assert_uint_eq(f.len, e[i].len);
    ck_assert(memcmp(b.p + f.off, e[i].filter, e[i].len) == 0);
    ck_assert_uint_eq(pos, start + 2 + e[i].len + (is_sub ? 1u : 0u));
    if (is_sub) ck_assert_uint_eq(qos, e[i].qos);
  }
  ck_assert_uint_eq(pos, b.len);
  xb_tb_free(&b);
}

START_TEST(subscribe_single_entry_XB_MQTT_45)
/* XB-MQTT-45 [MQTT-3.8.3-3] [§3.8.2]: packet id, then filter + requested QoS. */
{
  static const entry e[] = {{"/v2/feeds/504.json", 18, 1}};
  check_iterates(true, 10, e, 1);
}
END_TEST

START_TEST(subscribe_several_entries_are_iterated_in_order_XB_MQTT_45)
/* XB-MQTT-45 XB-MQTT-48 [§3.8.3]: wildcard filters are well-formed at the codec. */
{
  static const entry e[] = {{"a/b", 3, 0}, {"a/+", 3, 1}, {"#", 1, 2}, {"+/+/#", 5, 0},
                            {"/v2/feeds/504/datastreams/0.csv", 31, 2}};
  check_iterates(true, 0xFFFF, e, 5);
  check_iterates(true, 1, e + 2, 1);
}
END_TEST

START_TEST(subscribe_many_entries_are_counted_XB_MQTT_45)
/* XB-MQTT-45: one packet, a thousand entries. */
{
  static entry e[1000];
  for (size_t i = 0; i < 1000; i++) {
    e[i].filter = "f/x";
    e[i].len = 1 + i % 3;
    e[i].qos = (unsigned)(i % 3);
  }
  check_iterates(true, 4242, e, 1000);
  check_iterates(false, 4242, e, 1000);
}
END_TEST

START_TEST(subscribe_flags_must_be_0010_XB_MQTT_7)
/* XB-MQTT-7 [MQTT-3.8.1-1] [MQTT-3.10.1-1] */
{
  static const entry e[] = {{"a", 1, 0}};
  for (int is_sub = 0; is_sub <= 1; is_sub++) {
    xb_tb b;
    xb_tb_init(&b);
    sub_body(&b, 3, e, 1, is_sub);
    for (unsigned fl = 0; fl < 16; fl++) {
      xb_mqtt_subscribe out;
      ck_assert_msg(decode(is_sub, &b, fl, &out) == (fl == 2 ? XB_MQTT_OK : XB_MQTT_MALFORMED),
                    "%s flags %x", is_sub ? "SUBSCRIBE" : "UNSUBSCRIBE", fl);
    }
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(subscribe_without_entries_is_malformed_XB_MQTT_45)
/* XB-MQTT-45 XB-MQTT-51 [MQTT-3.8.3-3] [MQTT-3.10.3-2] */
{
  for (int is_sub = 0; is_sub <= 1; is_sub++) {
    ck_assert_int_eq(decode_entries(is_sub, 5, NULL, 0), XB_MQTT_MALFORMED);
    xb_tb b;
    xb_tb_init(&b);
    xb_mqtt_subscribe out;
    ck_assert_int_eq(decode(is_sub, &b, 2, &out), XB_MQTT_MALFORMED); /* empty body */
    xb_tb_u8(&b, 0x01);
    ck_assert_int_eq(decode(is_sub, &b, 2, &out), XB_MQTT_MALFORMED); /* half an id */
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(subscribe_packet_id_zero_is_malformed_XB_MQTT_45)
/* XB-MQTT-45 XB-MQTT-51 [MQTT-2.3.1-1] */
{
  static const entry e[] = {{"a", 1, 0}};
  ck_assert_int_eq(decode_entries(true, 0, e, 1), XB_MQTT_MALFORMED);
  ck_assert_int_eq(decode_entries(false, 0, e, 1), XB_MQTT_MALFORMED);
}
END_TEST

START_TEST(subscribe_requested_qos_3_or_reserved_bits_is_malformed_XB_MQTT_47)
/* XB-MQTT-47 [MQTT-3.8.3-4] */
{
  for (unsigned q = 0; q < 256; q++) {
    entry e[] = {{"a", 1, 0}, {"b/c", 3, q}};
    xb_mqtt_status want = q <= 2 ? XB_MQTT_OK : XB_MQTT_MALFORMED;
    ck_assert_msg(decode_entries(true, 1, e, 2) == want, "QoS byte %02x", q);
  }
}
END_TEST

START_TEST(subscribe_empty_filter_is_malformed_XB_MQTT_46)
/* XB-MQTT-46 XB-MQTT-51 [MQTT-4.7.3-1] */
{
  static const entry e[] = {{"a", 1, 0}, {"", 0, 0}};
  for (int is_sub = 0; is_sub <= 1; is_sub++) {
    ck_assert_int_eq(decode_entries(is_sub, 1, e, 2), XB_MQTT_MALFORMED);
    ck_assert_int_eq(decode_entries(is_sub, 1, e + 1, 1), XB_MQTT_MALFORMED);
  }
}
END_TEST

START_TEST(subscribe_filter_must_be_valid_utf8_XB_MQTT_46)
/* XB-MQTT-46 XB-MQTT-51 XB-MQTT-12 XB-MQTT-13 [MQTT-3.8.3-1] [MQTT-3.10.3-1] [MQTT-1.5.3-2] */
{
  static const entry bad[] = {{"\xC0\x80", 2, 0},         {"a\0b", 3, 0},      {"\xED\xBF\xBF", 3, 0},
                              {"\xF4\x90\x80\x80", 4, 0}, {"x/\xE2\x82", 4, 0}, {"\x80", 1, 0}};
  for (int is_sub = 0; is_sub <= 1; is_sub++) {
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      entry e[] = {{"ok", 2, 0}, bad[i]};
      ck_assert_msg(decode_entries(is_sub, 1, e, 2) == XB_MQTT_MALFORMED, "%d bad #%zu", is_sub, i);
    }
  }
}
END_TEST

START_TEST(subscribe_incomplete_or_trailing_entry_is_malformed_XB_MQTT_45)
/* XB-MQTT-45 XB-MQTT-51 XB-MQTT-11: every byte belongs to a whole entry. */
{
  static const entry e[] = {{"a/b", 3, 1}};
  for (int is_sub = 0; is_sub <= 1; is_sub++) {
    xb_tb b;
    xb_tb_init(&b);
    sub_body(&b, 7, e, 1, is_sub);
    size_t whole = b.len;
    xb_mqtt_subscribe out;
    /* Every truncation of the last entry. */
    for (size_t n = 2; n < whole; n++) {
      xb_tb t = {b.p, n, b.cap};
      ck_assert_msg(decode(is_sub, &t, 2, &out) == XB_MQTT_MALFORMED, "%d len %zu", is_sub, n);
    }
    /* A stray byte, an empty-looking length, a partial second entry. */
    xb_tb_u8(&b, 0x00);
    ck_assert_int_eq(decode(is_sub, &b, 2, &out), XB_MQTT_MALFORMED);
    xb_tb_u8(&b, 0x00);
    if (!is_sub) ck_assert_int_eq(decode(is_sub, &b, 2, &out), XB_MQTT_MALFORMED);
    b.len = whole;
    xb_tb_cstr(&b, "c");
    if (is_sub) ck_assert_int_eq(decode(is_sub, &b, 2, &out), XB_MQTT_MALFORMED); /* no QoS */
    b.len = whole;
    xb_tb_u16(&b, 10);
    xb_tb_bytes(&b, "abc", 3); /* length past the end */
    ck_assert_int_eq(decode(is_sub, &b, 2, &out), XB_MQTT_MALFORMED);
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(subscribe_maximal_filter_is_accepted_XB_MQTT_11)
/* XB-MQTT-11 [§1.5.3]: a filter of 65535 bytes. */
{
  static char big[65535];
  memset(big, 'f', sizeof big);
  entry e[] = {{big, sizeof big, 2}, {"z", 1, 0}};
  check_iterates(true, 2, e, 2);
  check_iterates(false, 2, e, 2);
}
END_TEST

START_TEST(wildcard_placement_is_not_checked_by_the_codec_XB_MQTT_48)
/* XB-MQTT-48: filters MQTT 3.1.1 §4.7.1 would call misplaced wildcards ("a+b", "#/a",
 * "a/#/b", "++") are well-formed here; the session acknowledges and never routes them. */
{
  static const entry e[] = {{"a+b", 3, 0}, {"#/a", 3, 1}, {"a/#/b", 5, 2}, {"++", 2, 0}, {"a#", 2, 0}};
  check_iterates(true, 77, e, 5);
  check_iterates(false, 77, e, 5);
}
END_TEST

START_TEST(unsubscribe_filters_are_iterated_in_order_XB_MQTT_51)
/* XB-MQTT-51 [MQTT-3.10.3-1] [MQTT-3.10.3-2] */
{
  static const entry e[] = {{"/v2/feeds/504.json", 18, 0}, {"a/+", 3, 0}, {"#", 1, 0}};
  check_iterates(false, 0x0102, e, 3);
  check_iterates(false, 1, e, 1);
}
END_TEST

START_TEST(unsubscribe_body_has_no_qos_bytes_XB_MQTT_51)
/* XB-MQTT-51 [§3.10.3]: a SUBSCRIBE-shaped body ("a" 00) is, as an UNSUBSCRIBE, a filter
 * "a" followed by one stray byte. */
{
  static const entry e[] = {{"a", 1, 0}};
  xb_tb b;
  xb_tb_init(&b);
  sub_body(&b, 1, e, 1, true);
  xb_mqtt_subscribe out;
  ck_assert_int_eq(decode(false, &b, 2, &out), XB_MQTT_MALFORMED);
  xb_tb_free(&b);
}
END_TEST

START_TEST(next_filter_refuses_entries_that_do_not_fit_XB_MQTT_45)
/* XB-MQTT-45 XB-MQTT-11: xb_mqtt_next_filter on bodies the decoders did not accept. */
{
  static const uint8_t body[] = {0x00, 0x01, 0x00, 0x03, 'a', '/', 'b', 0x01};
  xb_span f;
  uint8_t q;
  size_t pos = sizeof body; /* at the end: no entry left */
  ck_assert_int_eq(xb_mqtt_next_filter(body, sizeof body, true, &pos, &f, &q), XB_MQTT_MALFORMED);
  pos = sizeof body - 1; /* one byte left: no room for a length */
  ck_assert_int_eq(xb_mqtt_next_filter(body, sizeof body, false, &pos, &f, &q), XB_MQTT_MALFORMED);
  pos = 2; /* the filter fits but its QoS byte does not */
  ck_assert_int_eq(xb_mqtt_next_filter(body, sizeof body - 1, true, &pos, &f, &q), XB_MQTT_MALFORMED);
  pos = 2; /* the filter itself does not fit */
  ck_assert_int_eq(xb_mqtt_next_filter(body, 6, false, &pos, &f, &q), XB_MQTT_MALFORMED);
  pos = sizeof body + 5; /* past the end */
  ck_assert_int_eq(xb_mqtt_next_filter(body, sizeof body, false, &pos, &f, &q), XB_MQTT_MALFORMED);
  pos = 2;
  ck_assert_int_eq(xb_mqtt_next_filter(body, sizeof body, true, &pos, &f, &q), XB_MQTT_OK);
  ck_assert_uint_eq(pos, sizeof body);
  ck_assert_uint_eq(q, 1);
}
END_TEST

Suite *xb_suite_mqtt_subscribe(void);
Suite *xb_suite_mqtt_subscribe(void)
{
  Suite *s = suite_create("mqtt_subscribe");
  TCase *tc = tcase_create("subscribe");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, subscribe_single_entry_XB_MQTT_45);
  tcase_add_test(tc, subscribe_several_entries_are_iterated_in_order_XB_MQTT_45);
  tcase_add_test(tc, subscribe_many_entries_are_counted_XB_MQTT_45);
  tcase_add_test(tc, subscribe_flags_must_be_0010_XB_MQTT_7);
  tcase_add_test(tc, subscribe_without_entries_is_malformed_XB_MQTT_45);
  tcase_add_test(tc, subscribe_packet_id_zero_is_malformed_XB_MQTT_45);
  tcase_add_test(tc, subscribe_requested_qos_3_or_reserved_bits_is_malformed_XB_MQTT_47);
  tcase_add_test(tc, subscribe_empty_filter_is_malformed_XB_MQTT_46);
  tcase_add_test(tc, subscribe_filter_must_be_valid_utf8_XB_MQTT_46);
  tcase_add_test(tc, subscribe_incomplete_or_trailing_entry_is_malformed_XB_MQTT_45);
  tcase_add_test(tc, subscribe_maximal_filter_is_accepted_XB_MQTT_11);
  tcase_add_test(tc, wildcard_placement_is_not_checked_by_the_codec_XB_MQTT_48);
  tcase_add_test(tc, unsubscribe_filters_are_iterated_in_order_XB_MQTT_51);
  tcase_add_test(tc, unsubscribe_body_has_no_qos_bytes_XB_MQTT_51);
  tcase_add_test(tc, next_filter_refuses_entries_that_do_not_fit_XB_MQTT_45);
  suite_add_tcase(s, tc);
  return s;
}
