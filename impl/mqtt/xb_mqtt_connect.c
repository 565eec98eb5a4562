/*
 * xb_mqtt_connect.c — the CONNECT decoder (spec/mqtt.md §3, XB-MQTT-18..32).
 *
 * The whole body is checked before the client id is judged, so that a malformed
 * CONNECT is always closed without CONNACK even when its client id would be refused
 * too (XB-MQTT-32 [MQTT-3.1.4-1]). The contract states the verdict with the logic
 * xb_connect_ok / xb_cid_refused of xb_mqtt_acsl.h, field by field.
 */
#include "mqtt/xb_mqtt_internal.h"

/*@
  requires \valid_read(b + (0 .. len - 1));
  assigns \nothing;
  ensures xb_is_mqtt_name(b, len) ==> \result == 6;
  ensures xb_is_mqisdp_name(b, len) ==> \result == 8;
  ensures !xb_is_mqtt_name(b, len) && !xb_is_mqisdp_name(b, len) ==> \result == 0;
*/
static size_t xb_protocol_name(const uint8_t *b, size_t len)
{
  size_t p = 0;
  /* XB-MQTT-18 [MQTT-3.1.2-1]: 00 04 "MQTT" or 00 06 "MQIsdp", nothing else */
  if (len >= 6u && b[0] == 0u && b[1] == 4u && b[2] == (uint8_t)'M' && b[3] == (uint8_t)'Q'
      && b[4] == (uint8_t)'T' && b[5] == (uint8_t)'T') {
    p = 6;
  } else if (len >= 8u && b[0] == 0u && b[1] == 6u && b[2] == (uint8_t)'M'
             && b[3] == (uint8_t)'Q' && b[4] == (uint8_t)'I' && b[5] == (uint8_t)'s'
             && b[6] == (uint8_t)'d' && b[7] == (uint8_t)'p') {
    p = 8;
  }
  return p;
}

/*@
  assigns \nothing;
  ensures \result <==> xb_connect_flags_ok(cf);
*/
static bool xb_connect_flags_valid(uint8_t cf)
{
  unsigned will = (cf / 4u) % 2u;
  unsigned will_qos = (cf / 8u) % 4u;
  unsigned will_retain = (cf / 32u) % 2u;
  unsigned password = (cf / 64u) % 2u;
  unsigned username = cf / 128u;
  return cf % 2u == 0u                                          /* XB-MQTT-20 [MQTT-3.1.2-3] */
         && (will == 1u || (will_qos == 0u && will_retain == 0u)) /* XB-MQTT-21 [MQTT-3.1.2-11] */
         && will_qos != 3u                                      /* XB-MQTT-22 [MQTT-3.1.2-14] */
         && (password == 0u || username == 1u);                 /* XB-MQTT-23 [MQTT-3.1.2-22] */
}

/*
 * The payload after the keep alive (XB-MQTT-25..27): the level byte is body[p], the
 * connect flags cf. Returns the verdict and the five spans by value, so the caller writes
 * its output once, on success only (and the proof sees no memory effect of the call).
 */
typedef struct {
  bool ok;
  xb_span client_id, will_topic, will_payload, username, password;
} xb_connect_fields;

/*@
  requires \valid_read(body + (0 .. len - 1));
  requires p == 6 || p == 8;
  requires p + 4 <= len;
  assigns \nothing;
  ensures \result.ok <==> xb_payload_ok(body, len, p, cf);
  ensures \result.ok ==>
            \result.client_id.off == p + 6
            && \result.client_id.off + \result.client_id.len == xb_cid_end_at(body, len, p);
  ensures \result.ok ==>
            \result.will_topic.off == xb_cid_end_at(body, len, p) + ((cf / 4) % 2 == 1 ? 2 : 0)
            && \result.will_topic.off + \result.will_topic.len == xb_wt_end_at(body, len, p, cf);
  ensures \result.ok ==>
            \result.will_payload.off == xb_wt_end_at(body, len, p, cf) + ((cf / 4) % 2 == 1 ? 2 : 0)
            && \result.will_payload.off + \result.will_payload.len == xb_wm_end_at(body, len, p, cf);
  ensures \result.ok ==>
            \result.username.off == xb_wm_end_at(body, len, p, cf) + (cf / 128 == 1 ? 2 : 0)
            && \result.username.off + \result.username.len == xb_un_end_at(body, len, p, cf);
  ensures \result.ok ==>
            \result.password.off == xb_un_end_at(body, len, p, cf) + ((cf / 64) % 2 == 1 ? 2 : 0)
            && \result.password.off + \result.password.len == len;
*/
static xb_connect_fields xb_connect_payload(const uint8_t *body, size_t len, size_t p,
                                            uint8_t cf)
{
  bool will = (cf / 4u) % 2u == 1u;
  bool un = cf / 128u == 1u;
  bool pw = (cf / 64u) % 2u == 1u;
  size_t c0 = p + 4u; /* XB-MQTT-24: the keep alive is body[p + 2 .. p + 3] */
  size_t e2 = 0;
  size_t e3 = 0;
  size_t e4 = 0;
  size_t e5 = 0;
  /* XB-MQTT-25 [MQTT-3.1.3-1]: client id, will topic, will message, user name,
   * password, in this order, each present exactly when its flag says so */
  size_t e1 = xb_mqtt_string_end(body, len, c0);
  /* XB-MQTT-26 [MQTT-3.1.3-4] */
  bool ok = e1 != 0u && xb_utf8_valid_mqtt(body + (c0 + 2u), e1 - c0 - 2u);
  /*@ assert ok <==> xb_cid_ok(body, len, p); */
  /*@ assert ok ==> e1 == xb_cid_end_at(body, len, p); */
  if (ok) {
    e2 = e1;
    if (will) {
      /*@ assert (cf / 4) % 2 == 1; */
      e2 = xb_mqtt_string_end(body, len, e1);
      /*@ assert e2 != 0 ==> e2 == xb_wt_end_at(body, len, p, cf); */
      /*@ assert e2 == 0 <==> xb_wt_end_at(body, len, p, cf) < 0; */
      /* XB-MQTT-26, -27 [MQTT-3.1.3-10] [MQTT-4.7.3-1] [MQTT-3.3.2-2] */
      ok = e2 != 0u && e2 - e1 > 2u && xb_utf8_valid_mqtt(body + (e1 + 2u), e2 - e1 - 2u)
           && !xb_mqtt_has_wildcard(body + (e1 + 2u), e2 - e1 - 2u);
      /*@ assert e2 != 0 ==> (ok <==> (e2 - e1 - 2 >= 1 && xb_str_utf8(body, e1, e2)
                                        && xb_no_wildcard(body + (e1 + 2), e2 - e1 - 2))); */
      /*@ assert WT1: ok <==> xb_will_topic_ok(body, len, p, cf); */
    } else {
      /*@ assert (cf / 4) % 2 == 0; */
      /*@ assert e2 == xb_wt_end_at(body, len, p, cf); */
      /*@ assert WT2: xb_will_topic_ok(body, len, p, cf); */
    }
  } else {
    /*@ assert WT3: !xb_will_topic_ok(body, len, p, cf); */
  }
  /*@ assert WT: ok <==> xb_will_topic_ok(body, len, p, cf); */
  /*@ assert ok ==> e2 == xb_wt_end_at(body, len, p, cf); */
  if (ok) {
    e3 = e2;
    if (will) {
      e3 = xb_mqtt_string_end(body, len, e2); /* will message: binary */
      ok = e3 != 0u;
    }
  }
  /*@ assert ok <==> xb_will_msg_ok(body, len, p, cf); */
  /*@ assert ok ==> e3 == xb_wm_end_at(body, len, p, cf); */
  if (ok) {
    e4 = e3;
    if (un) {
      e4 = xb_mqtt_string_end(body, len, e3);
      /*@ assert e4 != 0 ==> e4 == xb_un_end_at(body, len, p, cf); */
      /*@ assert e4 == 0 <==> xb_un_end_at(body, len, p, cf) < 0; */
      /* XB-MQTT-26 [MQTT-3.1.3-11] */
      ok = e4 != 0u && xb_utf8_valid_mqtt(body + (e3 + 2u), e4 - e3 - 2u);
      /*@ assert e4 != 0 ==> (ok <==> xb_str_utf8(body, e3, e4)); */
    } else {
      /*@ assert e4 == xb_un_end_at(body, len, p, cf); */
    }
  }
  /*@ assert ok <==> xb_user_ok(body, len, p, cf); */
  /*@ assert ok ==> e4 == xb_un_end_at(body, len, p, cf); */
  if (ok) {
    e5 = e4;
    if (pw) {
      e5 = xb_mqtt_string_end(body, len, e4); /* password: binary */
    }
    /* XB-MQTT-25: no byte may follow the last field */
    ok = e5 == len;
  }
  /*@ assert ok <==> xb_payload_ok(body, len, p, cf); */
  xb_connect_fields r = {false, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}};
  if (ok) {
    r.client_id.off = c0 + 2u;
    r.client_id.len = e1 - c0 - 2u;
    r.will_topic.off = will ? e1 + 2u : e1;
    r.will_topic.len = will ? e2 - e1 - 2u : 0u;
    r.will_payload.off = will ? e2 + 2u : e2;
    r.will_payload.len = will ? e3 - e2 - 2u : 0u;
    r.username.off = un ? e3 + 2u : e3;
    r.username.len = un ? e4 - e3 - 2u : 0u;
    r.password.off = pw ? e4 + 2u : e4;
    r.password.len = pw ? e5 - e4 - 2u : 0u;
  }
  r.ok = ok;
  return r;
}

/*
 * Write a well-formed CONNECT into out (level byte body[p], flags cf, fields f) and
 * judge its client id (XB-MQTT-28, -29).
 */
/*@
  requires \valid_read(body + (0 .. len - 1));
  requires \valid(out);
  requires \separated(out, body + (0 .. len - 1));
  requires p == 6 || p == 8;
  requires p + 4 <= len;
  assigns *out;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID;
  ensures \result == XB_MQTT_BAD_CLIENT_ID <==>
            (p == 8 ? (f.client_id.len == 0 || f.client_id.len > 23)
                    : (f.client_id.len == 0 && (cf / 2) % 2 == 0));
  ensures out->level == xb_byte{Pre}(body, p);
  ensures out->clean_session == (cf / 2) % 2 && out->will_flag == (cf / 4) % 2
          && out->will_qos == (cf / 8) % 4 && out->will_retain == (cf / 32) % 2
          && out->password_flag == (cf / 64) % 2 && out->username_flag == cf / 128;
  ensures out->keepalive == xb_u16{Pre}(body, p + 2);
  ensures out->client_id == f.client_id && out->will_topic == f.will_topic
          && out->will_payload == f.will_payload && out->username == f.username
          && out->password == f.password;
*/
static xb_mqtt_status xb_connect_fill(const uint8_t *body, size_t len, size_t p, uint8_t cf,
                                      xb_connect_fields f, xb_mqtt_connect *out)
{
  xb_mqtt_status st = XB_MQTT_OK;
  bool clean = (cf / 2u) % 2u == 1u;
  (void)len; /* the contract's bound on body */
  uint16_t keepalive = (uint16_t)((unsigned)body[p + 2u] * 256u + (unsigned)body[p + 3u]);
  uint8_t level = body[p];
  if (p == 8u) {
    /* XB-MQTT-28 [MQTT-3.1.3-9]: MQTT 3.1 ids are 1..23 bytes */
    if (f.client_id.len == 0u || f.client_id.len > 23u) {
      st = XB_MQTT_BAD_CLIENT_ID;
    }
  } else if (f.client_id.len == 0u && !clean) {
    /* XB-MQTT-29 [MQTT-3.1.3-8]: an empty id needs a clean session */
    st = XB_MQTT_BAD_CLIENT_ID;
  }
  out->level = level;
  out->clean_session = clean;
  out->will_flag = (cf / 4u) % 2u == 1u;
  out->will_qos = (uint8_t)((cf / 8u) % 4u);
  out->will_retain = (cf / 32u) % 2u == 1u;
  out->username_flag = cf / 128u == 1u;
  out->password_flag = (cf / 64u) % 2u == 1u;
  out->keepalive = keepalive;
  out->client_id = f.client_id;
  out->will_topic = f.will_topic;
  out->will_payload = f.will_payload;
  out->username = f.username;
  out->password = f.password;
  return st;
}

/*@
  requires body == \null || \valid_read(body + (0 .. len - 1));
  requires out == \null || \valid(out);
  requires body == \null || out == \null || \separated(out, body + (0 .. len - 1));
  assigns *out;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_MALFORMED
       || \result == XB_MQTT_BAD_PROTOCOL || \result == XB_MQTT_BAD_CLIENT_ID;
  ensures bad_protocol: \result == XB_MQTT_BAD_PROTOCOL <==>
            (body != \null && out != \null && flags == 0
             && (xb_is_mqtt_name{Pre}(body, len) || xb_is_mqisdp_name{Pre}(body, len))
             && len > xb_connect_p{Pre}(body, len) && !xb_level_matches{Pre}(body, len));
  ensures bad_protocol_level: \result == XB_MQTT_BAD_PROTOCOL ==>
            out->level == xb_byte{Pre}(body, xb_connect_p{Pre}(body, len));
  ensures well_formed: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID <==>
            (body != \null && out != \null && flags == 0 && xb_connect_ok{Pre}(body, len));
  ensures client_id_refused: \result == XB_MQTT_BAD_CLIENT_ID <==>
            (body != \null && out != \null && flags == 0 && xb_connect_ok{Pre}(body, len)
             && xb_cid_refused{Pre}(body, len));
  ensures level: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->level == (xb_connect_p{Pre}(body, len) == 6 ? 4 : 3);
  ensures connect_flags: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            \let cf = xb_byte{Pre}(body, xb_connect_p{Pre}(body, len) + 1);
            out->clean_session == (cf / 2) % 2 && out->will_flag == (cf / 4) % 2
            && out->will_qos == (cf / 8) % 4 && out->will_retain == (cf / 32) % 2
            && out->password_flag == (cf / 64) % 2 && out->username_flag == cf / 128;
  ensures keepalive: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->keepalive == xb_u16{Pre}(body, xb_connect_p{Pre}(body, len) + 2);
  ensures client_id_off: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->client_id.off == xb_connect_p{Pre}(body, len) + 6;
  ensures client_id: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->client_id.off + out->client_id.len == xb_cid_end{Pre}(body, len);
  ensures will_topic_off: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->will_topic.off == xb_cid_end{Pre}(body, len) + (out->will_flag ? 2 : 0);
  ensures will_topic: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->will_topic.off + out->will_topic.len == xb_wt_end{Pre}(body, len);
  ensures will_payload_off: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->will_payload.off == xb_wt_end{Pre}(body, len) + (out->will_flag ? 2 : 0);
  ensures will_payload: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->will_payload.off + out->will_payload.len == xb_wm_end{Pre}(body, len);
  ensures username_off: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->username.off == xb_wm_end{Pre}(body, len) + (out->username_flag ? 2 : 0);
  ensures username: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->username.off + out->username.len == xb_un_end{Pre}(body, len);
  ensures password_off: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->password.off == xb_un_end{Pre}(body, len) + (out->password_flag ? 2 : 0);
  ensures password: \result == XB_MQTT_OK || \result == XB_MQTT_BAD_CLIENT_ID ==>
            out->password.off + out->password.len == len;
  ensures untouched: \result == XB_MQTT_MALFORMED ==> out == \null || *out == \old(*out);
*/
xb_mqtt_status xb_mqtt_decode_connect(const uint8_t *body, size_t len, uint8_t flags,
                                      xb_mqtt_connect *out)
{
  xb_mqtt_status st = XB_MQTT_MALFORMED;
  /* XB-MQTT-7 [MQTT-2.2.2-1]: CONNECT flags 0000 */
  if (body != NULL && out != NULL && flags == 0u) {
    size_t p = xb_protocol_name(body, len);
    if (p != 0u && len > p) {
      uint8_t level = body[p];
      /*@ assert p == xb_connect_p(body, len); */
      if (level != (p == 6u ? XB_MQTT_LEVEL_311 : XB_MQTT_LEVEL_31)) {
        /* XB-MQTT-19 [MQTT-3.1.2-2]: CONNACK 0x01, the rest is not examined */
        out->level = level;
        st = XB_MQTT_BAD_PROTOCOL;
      } else if (len - p >= 4u) {
        uint8_t cf = body[p + 1u];
        /*@ assert cf == xb_connect_cf(body, len); */
        /*@ assert xb_level_matches(body, len); */
        if (xb_connect_flags_valid(cf)) {
          xb_connect_fields f = xb_connect_payload(body, len, p, cf);
          if (f.ok) {
            /*@ assert xb_connect_ok(body, len); */
            st = xb_connect_fill(body, len, p, cf, f, out);
          }
        }
      }
    }
  }
  return st;
}
