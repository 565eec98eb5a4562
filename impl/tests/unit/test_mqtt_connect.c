/*
 * CONNECT decoding (xb_mqtt_decode_connect) at level 3 ("MQIsdp", MQTT 3.1) and level 4
 * ("MQTT", MQTT 3.1.1), against MQTT 3.1.1 §3.1, MQTT 3.1 and spec/mqtt.md §3.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "mqtt/xb_mqtt.h"
#include "xb_test_util.h"

/* Encode c, decode it with fixed-header flags 0; the body stays in *keep for span checks
 * (caller frees) when keep is not NULL. */
static xb_mqtt_status decode(const xb_connect_spec *c, xb_mqtt_connect *out, xb_tb *keep) {
  xb_tb b;
  xb_tb_init(&b);
  xb_connect_body(&b, c);
  memset(out, 0, sizeof *out);
  xb_mqtt_status st = xb_mqtt_decode_connect(b.p, b.len, 0, out);
  if (keep != NULL)
    *keep = b;
  else
    xb_tb_free(&b);
  return st;
}

static xb_mqtt_status decode_raw(const uint8_t *p, size_t n) {
  xb_mqtt_connect out;
  memset(&out, 0, sizeof out);
  return xb_mqtt_decode_connect(p, n, 0, &out);
}

static void assert_span(const xb_tb *body, xb_span s, const void *want, size_t n) {
  ck_assert_uint_eq(s.len, n);
  ck_assert_uint_le(s.off, body->len);
  ck_assert_uint_le(s.len, body->len - s.off);
  if (n) ck_assert(memcmp(body->p + s.off, want, n) == 0);
}

/* The will/user/password-carrying CONNECT used by several tests. */
static xb_connect_spec full(unsigned level) {
  xb_connect_spec c = xb_connect_default(level);
  c.flags = XB_CF_WILL | XB_CF_WILL_QOS2 | XB_CF_WILL_RETAIN | XB_CF_USERNAME | XB_CF_PASSWORD;
  c.keepalive = 0x012C;
  c.client_id = XB_U8("dev-42");
  c.client_id_len = 6;
  c.has_will = true;
  c.will_topic = XB_U8("/v2/feeds/504.json");
  c.will_topic_len = 18;
  c.will_msg = XB_U8("{\"status\":\"off\"}");
  c.will_msg_len = 16;
  c.has_user = true;
  c.user = XB_U8("ABCDEFGHIJKLMNOP");
  c.user_len = 16;
  c.has_pass = true;
  c.pass = XB_U8("secret");
  c.pass_len = 6;
  return c;
}

START_TEST(minimal_connect_decodes_at_both_levels_XB_MQTT_18)
/* XB-MQTT-18 XB-MQTT-19 XB-MQTT-25 [MQTT-3.1.2-1] [MQTT-3.1.3-1]: name, level, flags,
 * keep alive, then the client id only. */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = xb_connect_default(level);
    xb_mqtt_connect out;
    xb_tb body;
    ck_assert_int_eq(decode(&c, &out, &body), XB_MQTT_OK);
    ck_assert_uint_eq(out.level, level);
    ck_assert(out.clean_session);
    ck_assert(!out.will_flag && !out.will_retain && !out.username_flag && !out.password_flag);
    ck_assert_uint_eq(out.will_qos, 0);
    ck_assert_uint_eq(out.keepalive, 60);
    /* Level 4: 00 04 MQTT 04 02 00 3C | 00 02 c1 ; level 3: 00 06 MQIsdp ... */
    ck_assert_uint_eq(out.client_id.off, level == 4 ? 12 : 14);
    assert_span(&body, out.client_id, "c1", 2);
    ck_assert_uint_eq(out.will_topic.len, 0);
    xb_tb_free(&body);
  }
}
END_TEST

START_TEST(all_payload_fields_decode_in_order_XB_MQTT_25)
/* XB-MQTT-25 [MQTT-3.1.3-1] [MQTT-3.1.2-9] [MQTT-3.1.2-18] [MQTT-3.1.2-20]: client id, will
 * topic, will message, user name, password, as views into the body. */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = full(level);
    xb_mqtt_connect out;
    xb_tb body;
    ck_assert_int_eq(decode(&c, &out, &body), XB_MQTT_OK);
    ck_assert_uint_eq(out.level, level);
    ck_assert(!out.clean_session);
    ck_assert(out.will_flag);
    ck_assert_uint_eq(out.will_qos, 2);
    ck_assert(out.will_retain);
    ck_assert(out.username_flag);
    ck_assert(out.password_flag);
    ck_assert_uint_eq(out.keepalive, 300);
    size_t off = xb_connect_payload_off(&c);
    ck_assert_uint_eq(out.client_id.off, off + 2);
    assert_span(&body, out.client_id, "dev-42", 6);
    ck_assert_uint_eq(out.will_topic.off, off + 2 + 6 + 2);
    assert_span(&body, out.will_topic, "/v2/feeds/504.json", 18);
    ck_assert_uint_eq(out.will_payload.off, out.will_topic.off + 18 + 2);
    assert_span(&body, out.will_payload, "{\"status\":\"off\"}", 16);
    ck_assert_uint_eq(out.username.off, out.will_payload.off + 16 + 2);
    assert_span(&body, out.username, "ABCDEFGHIJKLMNOP", 16);
    ck_assert_uint_eq(out.password.off, out.username.off + 16 + 2);
    assert_span(&body, out.password, "secret", 6);
    ck_assert_uint_eq(out.password.off + out.password.len, body.len);
    xb_tb_free(&body);
  }
}
END_TEST

START_TEST(connect_fixed_header_flags_must_be_zero_XB_MQTT_7)
/* XB-MQTT-7 [MQTT-2.2.2-2]: CONNECT's fixed-header flags are reserved 0000. */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = xb_connect_default(level);
    xb_tb b;
    xb_tb_init(&b);
    xb_connect_body(&b, &c);
    for (unsigned fl = 1; fl < 16; fl++) {
      xb_mqtt_connect out;
      ck_assert_msg(xb_mqtt_decode_connect(b.p, b.len, (uint8_t)fl, &out) == XB_MQTT_MALFORMED,
                    "flags %x", fl);
    }
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(mismatched_or_unserved_level_is_bad_protocol_XB_MQTT_19)
/* XB-MQTT-19 [MQTT-3.1.2-2]: MQTT+3, MQIsdp+4, and any other level -> CONNACK 01. */
{
  static const struct {
    const char *name;
    unsigned level;
  } cases[] = {{"MQTT", 3},   {"MQIsdp", 4}, {"MQTT", 5},   {"MQTT", 0}, {"MQTT", 255},
               {"MQIsdp", 5}, {"MQIsdp", 0}, {"MQIsdp", 1}, {"MQTT", 6}, {"MQIsdp", 255}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    xb_connect_spec c = xb_connect_default(4);
    c.name = cases[i].name;
    c.level = cases[i].level;
    xb_mqtt_connect out;
    ck_assert_msg(decode(&c, &out, NULL) == XB_MQTT_BAD_PROTOCOL, "%s + %u", cases[i].name,
                  cases[i].level);
    ck_assert_uint_eq(out.level, cases[i].level);
  }
}
END_TEST

START_TEST(bad_protocol_does_not_examine_the_rest_XB_MQTT_19)
/* XB-MQTT-19 [MQTT-3.1.2-2]: once the level is refused the rest is not looked at, so a
 * refused level wins over what follows (missing bytes, reserved bit, bad strings). */
{
  static const uint8_t only_level[] = {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05};
  static const uint8_t mqisdp4[] = {0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x04};
  ck_assert_int_eq(decode_raw(only_level, sizeof only_level), XB_MQTT_BAD_PROTOCOL);
  ck_assert_int_eq(decode_raw(mqisdp4, sizeof mqisdp4), XB_MQTT_BAD_PROTOCOL);
  xb_connect_spec c = xb_connect_default(4);
  c.level = 3;
  c.flags = XB_CF_RESERVED | XB_CF_WILL_QOS3;
  c.client_id = XB_U8("\xC0\x80");
  xb_mqtt_connect out;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_BAD_PROTOCOL);
}
END_TEST

START_TEST(unknown_protocol_name_is_malformed_XB_MQTT_18)
/* XB-MQTT-18 [MQTT-3.1.2-1]: any other name (or no room for one) closes without CONNACK,
 * whatever the level. */
{
  static const struct {
    const char *name;
    size_t len;
  } names[] = {{"mqtt", 4},    {"MQTX", 4},    {"MQIsdP", 6},   {"MQTTx", 5}, {"MQ", 2},
               {"", 0},        {"MQIsd", 5},   {"MQIs", 4},     {"MQTT\0", 5}, {"\xFF\xFF", 2},
               {"MQIsdp\0", 7}, {"MQTT ", 5},  {"MQISDP", 6}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    for (unsigned level = 3; level <= 5; level++) {
      xb_connect_spec c = xb_connect_default(4);
      c.name = names[i].name;
      c.name_len = names[i].len;
      c.name_raw = true;
      c.level = level;
      xb_mqtt_connect out;
      ck_assert_msg(decode(&c, &out, NULL) == XB_MQTT_MALFORMED, "name #%zu level %u", i, level);
    }
  }
  /* Bodies too short to hold a name and a level. */
  static const uint8_t mqtt[] = {0x00, 0x04, 'M', 'Q', 'T', 'T'};
  for (size_t n = 0; n <= sizeof mqtt; n++) ck_assert_int_eq(decode_raw(mqtt, n), XB_MQTT_MALFORMED);
  /* A name length running past the body. */
  static const uint8_t longname[] = {0x00, 0x40, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x00};
  ck_assert_int_eq(decode_raw(longname, sizeof longname), XB_MQTT_MALFORMED);
}
END_TEST

START_TEST(reserved_connect_flag_is_malformed_XB_MQTT_20)
/* XB-MQTT-20 [MQTT-3.1.2-3]: bit 0 of the connect flags must be 0, at both levels. */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = xb_connect_default(level);
    c.flags = XB_CF_CLEAN | XB_CF_RESERVED;
    xb_mqtt_connect out;
    ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
    xb_connect_spec d = full(level);
    d.flags |= XB_CF_RESERVED;
    ck_assert_int_eq(decode(&d, &out, NULL), XB_MQTT_MALFORMED);
  }
}
END_TEST

START_TEST(will_qos_or_retain_without_will_flag_is_malformed_XB_MQTT_21)
/* XB-MQTT-21 [MQTT-3.1.2-11] [MQTT-3.1.2-13] [MQTT-3.1.2-15] */
{
  static const unsigned bad[] = {XB_CF_WILL_QOS1, XB_CF_WILL_QOS2, XB_CF_WILL_QOS3,
                                 XB_CF_WILL_RETAIN, XB_CF_WILL_RETAIN | XB_CF_WILL_QOS1};
  for (unsigned level = 3; level <= 4; level++) {
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      xb_connect_spec c = xb_connect_default(level);
      c.flags = XB_CF_CLEAN | bad[i];
      xb_mqtt_connect out;
      ck_assert_msg(decode(&c, &out, NULL) == XB_MQTT_MALFORMED, "level %u flags %02x", level,
                    c.flags);
    }
  }
}
END_TEST

START_TEST(will_qos_0_1_2_accepted_and_3_malformed_XB_MQTT_22)
/* XB-MQTT-22 [MQTT-3.1.2-14] */
{
  for (unsigned level = 3; level <= 4; level++) {
    for (unsigned q = 0; q <= 3; q++) {
      for (unsigned retain = 0; retain <= 1; retain++) {
        xb_connect_spec c = xb_connect_default(level);
        c.flags = XB_CF_CLEAN | XB_CF_WILL | (q << 3) | (retain ? XB_CF_WILL_RETAIN : 0);
        c.has_will = true;
        c.will_topic = XB_U8("w");
        c.will_topic_len = 1;
        c.will_msg = XB_U8("m");
        c.will_msg_len = 1;
        xb_mqtt_connect out;
        xb_mqtt_status st = decode(&c, &out, NULL);
        if (q == 3) {
          ck_assert_int_eq(st, XB_MQTT_MALFORMED);
        } else {
          ck_assert_int_eq(st, XB_MQTT_OK);
          ck_assert(out.will_flag);
          ck_assert_uint_eq(out.will_qos, q);
          ck_assert(out.will_retain == (retain != 0));
        }
      }
    }
  }
}
END_TEST

START_TEST(password_without_user_name_is_malformed_XB_MQTT_23)
/* XB-MQTT-23 [MQTT-3.1.2-22]: at both levels (3.1 allowed nothing else either). */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = xb_connect_default(level);
    c.flags = XB_CF_CLEAN | XB_CF_PASSWORD;
    c.has_pass = true;
    c.pass = XB_U8("pw");
    c.pass_len = 2;
    xb_mqtt_connect out;
    ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
    /* User name alone, and both, are fine. */
    c.flags = XB_CF_CLEAN | XB_CF_USERNAME;
    c.has_pass = false;
    c.has_user = true;
    c.user = XB_U8("u");
    c.user_len = 1;
    ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
    ck_assert(out.username_flag && !out.password_flag);
    c.flags |= XB_CF_PASSWORD;
    c.has_pass = true;
    ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
    ck_assert(out.username_flag && out.password_flag);
  }
}
END_TEST

START_TEST(keep_alive_is_big_endian_seconds_XB_MQTT_24)
/* XB-MQTT-24 [§3.1.2.10] */
{
  static const unsigned ka[] = {0, 1, 10, 255, 256, 300, 0x8000, 0xFF00, 65535};
  for (unsigned level = 3; level <= 4; level++) {
    for (size_t i = 0; i < sizeof ka / sizeof ka[0]; i++) {
      xb_connect_spec c = xb_connect_default(level);
      c.keepalive = ka[i];
      xb_mqtt_connect out;
      ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
      ck_assert_uint_eq(out.keepalive, ka[i]);
    }
  }
}
END_TEST

START_TEST(every_truncation_of_a_connect_is_malformed_XB_MQTT_25)
/* XB-MQTT-25 XB-MQTT-11 [MQTT-3.1.3-1]: the decoder is given exactly the body; a missing
 * byte anywhere is malformed, never "need more". */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = full(level);
    xb_tb b;
    xb_tb_init(&b);
    xb_connect_body(&b, &c);
    for (size_t n = 0; n < b.len; n++) {
      /* An exact-size copy, so ASan sees any read past the given length. */
      uint8_t *cp = malloc(n ? n : 1);
      ck_assert_ptr_nonnull(cp);
      if (n) memcpy(cp, b.p, n);
      ck_assert_msg(decode_raw(cp, n) == XB_MQTT_MALFORMED, "level %u, %zu of %zu bytes", level,
                    n, b.len);
      free(cp);
    }
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(trailing_bytes_after_the_last_field_are_malformed_XB_MQTT_25)
/* XB-MQTT-25 [MQTT-3.1.2-11] [MQTT-3.1.2-18] [MQTT-3.1.2-20]: a field whose flag is 0 must
 * not be present. */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec cases[4];
    cases[0] = xb_connect_default(level);
    cases[1] = full(level);
    cases[2] = xb_connect_default(level);
    cases[2].has_user = true; /* user name present, flag 0 */
    cases[2].user = XB_U8("u");
    cases[2].user_len = 1;
    cases[3] = xb_connect_default(level);
    cases[3].has_will = true; /* will present, flag 0 */
    cases[3].will_topic = XB_U8("w");
    cases[3].will_topic_len = 1;
    cases[3].will_msg = XB_U8("m");
    cases[3].will_msg_len = 1;
    for (size_t i = 0; i < 4; i++) {
      xb_tb b;
      xb_tb_init(&b);
      xb_connect_body(&b, &cases[i]);
      if (i < 2) xb_tb_u8(&b, 0x00);
      ck_assert_msg(decode_raw(b.p, b.len) == XB_MQTT_MALFORMED, "level %u case %zu", level, i);
      if (i < 2) {
        xb_tb_u8(&b, 0x00); /* 00 00: looks like one more empty field */
        ck_assert_int_eq(decode_raw(b.p, b.len), XB_MQTT_MALFORMED);
      }
      xb_tb_free(&b);
    }
  }
}
END_TEST

START_TEST(fields_announced_by_flags_must_be_present_XB_MQTT_25)
/* XB-MQTT-25 [MQTT-3.1.2-9] [MQTT-3.1.2-19] [MQTT-3.1.2-21] */
{
  static const unsigned flag_sets[] = {XB_CF_WILL, XB_CF_USERNAME, XB_CF_USERNAME | XB_CF_PASSWORD,
                                       XB_CF_WILL | XB_CF_USERNAME};
  for (unsigned level = 3; level <= 4; level++) {
    for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
      xb_connect_spec c = xb_connect_default(level);
      c.flags = XB_CF_CLEAN | flag_sets[i];
      xb_mqtt_connect out;
      ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
    }
    /* Will topic present but its message missing. */
    xb_connect_spec c = xb_connect_default(level);
    c.flags = XB_CF_CLEAN | XB_CF_WILL;
    xb_tb b;
    xb_tb_init(&b);
    xb_connect_body(&b, &c);
    xb_tb_cstr(&b, "w");
    ck_assert_int_eq(decode_raw(b.p, b.len), XB_MQTT_MALFORMED);
    xb_tb_free(&b);
  }
}
END_TEST

START_TEST(strings_must_be_valid_utf8_without_nul_XB_MQTT_26)
/* XB-MQTT-26 XB-MQTT-12 XB-MQTT-13 [MQTT-3.1.3-4] [MQTT-1.5.3-1] [MQTT-1.5.3-2]: client
 * id, will topic and user name. */
{
  static const struct {
    const char *s;
    size_t n;
  } bad[] = {{"\xC0\x80", 2}, {"\xFF", 1},        {"\xED\xA0\x80", 3}, {"a\0b", 3},
             {"\0", 1},       {"ab\xE2\x82", 4},  {"\xF4\x90\x80\x80", 4}, {"\x80", 1},
             {"\xE0\x80\x80", 3}};
  for (unsigned level = 3; level <= 4; level++) {
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      for (unsigned field = 0; field < 3; field++) {
        xb_connect_spec c = full(level);
        if (field == 0) {
          c.client_id = XB_U8(bad[i].s);
          c.client_id_len = bad[i].n;
        } else if (field == 1) {
          c.will_topic = XB_U8(bad[i].s);
          c.will_topic_len = bad[i].n;
        } else {
          c.user = XB_U8(bad[i].s);
          c.user_len = bad[i].n;
        }
        xb_mqtt_connect out;
        ck_assert_msg(decode(&c, &out, NULL) == XB_MQTT_MALFORMED, "level %u bad #%zu field %u",
                      level, i, field);
      }
    }
  }
}
END_TEST

START_TEST(will_message_and_password_are_binary_XB_MQTT_26)
/* XB-MQTT-26 [MQTT-3.1.3-10] [§3.1.3.5]: not validated, zero bytes included. */
{
  static const uint8_t bin[] = {0x00, 0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x80, 0x00};
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = full(level);
    c.will_msg = bin;
    c.will_msg_len = sizeof bin;
    c.pass = bin;
    c.pass_len = sizeof bin;
    xb_mqtt_connect out;
    xb_tb body;
    ck_assert_int_eq(decode(&c, &out, &body), XB_MQTT_OK);
    assert_span(&body, out.will_payload, bin, sizeof bin);
    assert_span(&body, out.password, bin, sizeof bin);
    xb_tb_free(&body);
  }
}
END_TEST

START_TEST(empty_user_password_and_will_message_are_accepted_XB_MQTT_25)
/* XB-MQTT-25 XB-MQTT-11 [§1.5.3]: a zero-length string or binary field is a field. */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = full(level);
    c.user_len = 0;
    c.pass_len = 0;
    c.will_msg_len = 0;
    xb_mqtt_connect out;
    xb_tb body;
    ck_assert_int_eq(decode(&c, &out, &body), XB_MQTT_OK);
    ck_assert_uint_eq(out.username.len, 0);
    ck_assert_uint_eq(out.password.len, 0);
    ck_assert_uint_eq(out.will_payload.len, 0);
    ck_assert_uint_eq(out.password.off, body.len);
    assert_span(&body, out.will_topic, "/v2/feeds/504.json", 18);
    xb_tb_free(&body);
  }
}
END_TEST

START_TEST(will_topic_must_be_non_empty_without_wildcards_XB_MQTT_27)
/* XB-MQTT-27 [MQTT-4.7.3-1] [MQTT-3.3.2-2] */
{
  static const char *bad[] = {"", "+", "#", "a/+", "a/#", "+/a", "a+b", "/v2/feeds/#"};
  for (unsigned level = 3; level <= 4; level++) {
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      xb_connect_spec c = full(level);
      c.will_topic = XB_U8(bad[i]);
      c.will_topic_len = strlen(bad[i]);
      xb_mqtt_connect out;
      ck_assert_msg(decode(&c, &out, NULL) == XB_MQTT_MALFORMED, "will topic '%s'", bad[i]);
    }
  }
}
END_TEST

START_TEST(maximal_strings_of_65535_bytes_are_accepted_XB_MQTT_11)
/* XB-MQTT-11 [§1.5.3]: strings and binary fields up to 65535 bytes. */
{
  size_t max = 65535;
  uint8_t *big = malloc(max);
  ck_assert_ptr_nonnull(big);
  memset(big, 'w', max);
  uint8_t *bin = malloc(max);
  ck_assert_ptr_nonnull(bin);
  for (size_t i = 0; i < max; i++) bin[i] = (uint8_t)(i * 7u);
  xb_connect_spec c = full(4);
  c.client_id = big;
  c.client_id_len = max;
  c.will_topic = big;
  c.will_topic_len = max;
  c.will_msg = bin;
  c.will_msg_len = max;
  c.user = big;
  c.user_len = max;
  c.pass = bin;
  c.pass_len = max;
  xb_mqtt_connect out;
  xb_tb body;
  ck_assert_int_eq(decode(&c, &out, &body), XB_MQTT_OK);
  assert_span(&body, out.client_id, big, max);
  assert_span(&body, out.will_topic, big, max);
  assert_span(&body, out.will_payload, bin, max);
  assert_span(&body, out.username, big, max);
  assert_span(&body, out.password, bin, max);
  ck_assert_uint_eq(out.password.off + max, body.len);
  xb_tb_free(&body);
  /* Level 3 with the same long fields but a legal id. */
  c = full(3);
  c.will_topic = big;
  c.will_topic_len = max;
  c.user = big;
  c.user_len = max;
  c.pass = bin;
  c.pass_len = max;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
  ck_assert_uint_eq(out.username.len, max);
  free(big);
  free(bin);
}
END_TEST

START_TEST(level3_client_id_is_1_to_23_bytes_XB_MQTT_28)
/* XB-MQTT-28 [MQTT-3.1.3-9] (MQTT 3.1: the client id is 1 to 23 characters). */
{
  static const size_t lens[] = {0, 1, 22, 23, 24, 100, 65535};
  uint8_t *id = malloc(65535);
  ck_assert_ptr_nonnull(id);
  memset(id, 'i', 65535);
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    for (unsigned clean = 0; clean <= 1; clean++) {
      xb_connect_spec c = xb_connect_default(3);
      c.flags = clean ? XB_CF_CLEAN : 0;
      c.client_id = id;
      c.client_id_len = lens[i];
      xb_mqtt_connect out;
      xb_mqtt_status want = lens[i] >= 1 && lens[i] <= 23 ? XB_MQTT_OK : XB_MQTT_BAD_CLIENT_ID;
      ck_assert_msg(decode(&c, &out, NULL) == want, "level 3 id of %zu bytes, clean %u", lens[i],
                    clean);
    }
  }
  free(id);
}
END_TEST

START_TEST(level3_client_id_limit_counts_bytes_not_characters_XB_MQTT_28)
/* XB-MQTT-28 [MQTT-3.1.3-9]: 23 bytes of UTF-8, so 8 euro signs (24 bytes) are too many
 * although they are 8 characters, and 7 (21 bytes) are fine. */
{
  uint8_t id[24];
  for (size_t i = 0; i < 24; i += 3) {
    id[i] = 0xE2;
    id[i + 1] = 0x82;
    id[i + 2] = 0xAC;
  }
  xb_connect_spec c = xb_connect_default(3);
  c.client_id = id;
  c.client_id_len = 24;
  xb_mqtt_connect out;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_BAD_CLIENT_ID);
  c.client_id_len = 21;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
  ck_assert_uint_eq(out.client_id.len, 21);
}
END_TEST

START_TEST(level4_empty_client_id_needs_clean_session_XB_MQTT_29)
/* XB-MQTT-29 XB-MQTT-30 [MQTT-3.1.3-8] [MQTT-3.1.3-6] [MQTT-3.1.3-7] */
{
  xb_connect_spec c = xb_connect_default(4);
  c.client_id_len = 0;
  c.flags = XB_CF_CLEAN;
  xb_mqtt_connect out;
  xb_tb body;
  ck_assert_int_eq(decode(&c, &out, &body), XB_MQTT_OK);
  ck_assert_uint_eq(out.client_id.len, 0);
  ck_assert_uint_eq(out.client_id.off, body.len);
  xb_tb_free(&body);
  c.flags = 0;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_BAD_CLIENT_ID);
  c.flags = XB_CF_USERNAME;
  c.has_user = true;
  c.user = XB_U8("k");
  c.user_len = 1;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_BAD_CLIENT_ID);
}
END_TEST

START_TEST(level4_client_id_longer_than_23_bytes_is_accepted_XB_MQTT_31)
/* XB-MQTT-31 [MQTT-3.1.3-5]: 1..23 bytes of any valid content, and longer ones (the
 * configured limit is the session layer's, the codec has no length parameter). */
{
  static const size_t lens[] = {1, 23, 24, 128};
  uint8_t id[128];
  memset(id, 'Z', sizeof id);
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    for (unsigned clean = 0; clean <= 1; clean++) {
      xb_connect_spec c = xb_connect_default(4);
      c.flags = clean ? XB_CF_CLEAN : 0;
      c.client_id = id;
      c.client_id_len = lens[i];
      xb_mqtt_connect out;
      ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
      ck_assert_uint_eq(out.client_id.len, lens[i]);
      ck_assert(out.clean_session == (clean != 0));
    }
  }
  /* Non-ASCII content is fine at level 4: "é" "€" "𝄞". */
  xb_connect_spec c = xb_connect_default(4);
  c.client_id = XB_U8("\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E");
  c.client_id_len = 9;
  xb_mqtt_connect out;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
}
END_TEST

START_TEST(malformation_takes_precedence_over_client_id_refusal_XB_MQTT_32)
/* XB-MQTT-32 [MQTT-3.1.4-1]: CONNACK 02 only for an otherwise well-formed CONNECT. */
{
  uint8_t id24[24];
  memset(id24, 'x', sizeof id24);
  /* Level 3, 24-byte id, plus a trailing byte. */
  xb_connect_spec c = xb_connect_default(3);
  c.client_id = id24;
  c.client_id_len = 24;
  xb_tb b;
  xb_tb_init(&b);
  xb_connect_body(&b, &c);
  ck_assert_int_eq(decode_raw(b.p, b.len), XB_MQTT_BAD_CLIENT_ID);
  xb_tb_u8(&b, 0x00);
  ck_assert_int_eq(decode_raw(b.p, b.len), XB_MQTT_MALFORMED);
  xb_tb_free(&b);
  xb_mqtt_connect out;
  /* Level 3, empty id, user name with bad UTF-8. */
  c = xb_connect_default(3);
  c.client_id_len = 0;
  c.flags = XB_CF_CLEAN | XB_CF_USERNAME;
  c.has_user = true;
  c.user = XB_U8("\xC0\xAF");
  c.user_len = 2;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
  /* Level 3, 24-byte id holding bad UTF-8. */
  c = xb_connect_default(3);
  uint8_t bad24[24];
  memset(bad24, 'x', sizeof bad24);
  bad24[23] = 0xFF;
  c.client_id = bad24;
  c.client_id_len = 24;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
  /* Level 3, empty id with a reserved flag. */
  c = xb_connect_default(3);
  c.client_id_len = 0;
  c.flags = XB_CF_CLEAN | XB_CF_RESERVED;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
  /* Level 4, empty id without clean session, and will QoS 3. */
  c = full(4);
  c.client_id_len = 0;
  c.flags = (c.flags & ~(unsigned)XB_CF_CLEAN) | XB_CF_WILL_QOS3;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
  /* Level 4, empty id without clean session, and a truncated password. */
  c = full(4);
  c.client_id_len = 0;
  xb_tb_init(&b);
  xb_connect_body(&b, &c);
  ck_assert_int_eq(decode_raw(b.p, b.len), XB_MQTT_BAD_CLIENT_ID);
  ck_assert_int_eq(decode_raw(b.p, b.len - 1), XB_MQTT_MALFORMED);
  xb_tb_free(&b);
  /* Level 4, empty id without clean session, and a wildcard will topic. */
  c = full(4);
  c.client_id_len = 0;
  c.will_topic = XB_U8("a/#");
  c.will_topic_len = 3;
  ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_MALFORMED);
}
END_TEST

START_TEST(clean_session_0_and_1_are_both_accepted_XB_MQTT_33)
/* XB-MQTT-33 [MQTT-3.1.2-6] */
{
  for (unsigned level = 3; level <= 4; level++) {
    for (unsigned clean = 0; clean <= 1; clean++) {
      xb_connect_spec c = xb_connect_default(level);
      c.flags = clean ? XB_CF_CLEAN : 0;
      xb_mqtt_connect out;
      ck_assert_int_eq(decode(&c, &out, NULL), XB_MQTT_OK);
      ck_assert(out.clean_session == (clean != 0));
    }
  }
}
END_TEST

START_TEST(control_characters_noncharacters_and_bom_are_kept_XB_MQTT_14)
/* XB-MQTT-14 [MQTT-1.5.3-3] [§1.5.3]: accepted, and a BOM stays part of the string. */
{
  static const uint8_t ctl[] = {0x01, 0x1F, 0x7F, 0xC2, 0x80, 0xC2, 0x9F, 0xEF, 0xBF, 0xBF};
  static const uint8_t bom[] = {0xEF, 0xBB, 0xBF, 'k', 'e', 'y'};
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = full(level);
    c.client_id = ctl;
    c.client_id_len = sizeof ctl;
    c.user = bom;
    c.user_len = sizeof bom;
    c.will_topic = bom;
    c.will_topic_len = sizeof bom;
    xb_mqtt_connect out;
    xb_tb body;
    ck_assert_int_eq(decode(&c, &out, &body), XB_MQTT_OK);
    assert_span(&body, out.client_id, ctl, sizeof ctl);
    assert_span(&body, out.username, bom, sizeof bom);
    assert_span(&body, out.will_topic, bom, sizeof bom);
    xb_tb_free(&body);
  }
}
END_TEST

START_TEST(decoder_reads_only_the_body_it_is_given_XB_MQTT_11)
/* XB-MQTT-11 [MQTT-4.7.3-3]: lengths are checked against the body, never past it; every
 * span lies inside it. An exact-size heap copy lets ASan see any over-read. */
{
  for (unsigned level = 3; level <= 4; level++) {
    xb_connect_spec c = full(level);
    xb_tb b;
    xb_tb_init(&b);
    xb_connect_body(&b, &c);
    uint8_t *cp = malloc(b.len);
    ck_assert_ptr_nonnull(cp);
    memcpy(cp, b.p, b.len);
    /* Lengthen the password's length field: it now runs past the end. */
    cp[b.len - 8] = 0x00;
    cp[b.len - 7] = 0x07;
    ck_assert_int_eq(decode_raw(cp, b.len), XB_MQTT_MALFORMED);
    cp[b.len - 7] = 0xFF;
    cp[b.len - 8] = 0xFF;
    ck_assert_int_eq(decode_raw(cp, b.len), XB_MQTT_MALFORMED);
    free(cp);
    xb_tb_free(&b);
  }
}
END_TEST

Suite *xb_suite_mqtt_connect(void);
Suite *xb_suite_mqtt_connect(void)
{
  Suite *s = suite_create("mqtt_connect");
  TCase *tc = tcase_create("connect");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, minimal_connect_decodes_at_both_levels_XB_MQTT_18);
  tcase_add_test(tc, all_payload_fields_decode_in_order_XB_MQTT_25);
  tcase_add_test(tc, connect_fixed_header_flags_must_be_zero_XB_MQTT_7);
  tcase_add_test(tc, mismatched_or_unserved_level_is_bad_protocol_XB_MQTT_19);
  tcase_add_test(tc, bad_protocol_does_not_examine_the_rest_XB_MQTT_19);
  tcase_add_test(tc, unknown_protocol_name_is_malformed_XB_MQTT_18);
  tcase_add_test(tc, reserved_connect_flag_is_malformed_XB_MQTT_20);
  tcase_add_test(tc, will_qos_or_retain_without_will_flag_is_malformed_XB_MQTT_21);
  tcase_add_test(tc, will_qos_0_1_2_accepted_and_3_malformed_XB_MQTT_22);
  tcase_add_test(tc, password_without_user_name_is_malformed_XB_MQTT_23);
  tcase_add_test(tc, keep_alive_is_big_endian_seconds_XB_MQTT_24);
  tcase_add_test(tc, every_truncation_of_a_connect_is_malformed_XB_MQTT_25);
  tcase_add_test(tc, trailing_bytes_after_the_last_field_are_malformed_XB_MQTT_25);
  tcase_add_test(tc, fields_announced_by_flags_must_be_present_XB_MQTT_25);
  tcase_add_test(tc, strings_must_be_valid_utf8_without_nul_XB_MQTT_26);
  tcase_add_test(tc, will_message_and_password_are_binary_XB_MQTT_26);
  tcase_add_test(tc, empty_user_password_and_will_message_are_accepted_XB_MQTT_25);
  tcase_add_test(tc, will_topic_must_be_non_empty_without_wildcards_XB_MQTT_27);
  tcase_add_test(tc, maximal_strings_of_65535_bytes_are_accepted_XB_MQTT_11);
  tcase_add_test(tc, level3_client_id_is_1_to_23_bytes_XB_MQTT_28);
  tcase_add_test(tc, level3_client_id_limit_counts_bytes_not_characters_XB_MQTT_28);
  tcase_add_test(tc, level4_empty_client_id_needs_clean_session_XB_MQTT_29);
  tcase_add_test(tc, level4_client_id_longer_than_23_bytes_is_accepted_XB_MQTT_31);
  tcase_add_test(tc, malformation_takes_precedence_over_client_id_refusal_XB_MQTT_32);
  tcase_add_test(tc, clean_session_0_and_1_are_both_accepted_XB_MQTT_33);
  tcase_add_test(tc, control_characters_noncharacters_and_bom_are_kept_XB_MQTT_14);
  tcase_add_test(tc, decoder_reads_only_the_body_it_is_given_XB_MQTT_11);
  suite_add_tcase(s, tc);
  return s;
}
