/*
 * xb_mqtt_encode.c — what the server sends (spec/mqtt.md XB-MQTT-55..57): CONNACK,
 * the header part of a QoS 0 PUBLISH, PUBACK/PUBREC/PUBCOMP/UNSUBACK, SUBACK, PINGRESP.
 *
 * Every encoder computes its exact size first; with less capacity it writes nothing and
 * answers XB_MQTT_NO_SPACE, otherwise it writes exactly that many bytes (XB-MQTT-56).
 * The PUBLISH encoder writes only the header and topic: the payload, rendered once per
 * format, is shared by every subscriber and written after it with writev (XB-SUB-21).
 *
 * Proven (proofs/units/mqtt.mk): no write outside buf[0 .. cap-1], nothing written on
 * refusal, *written equal to the size function, the first byte, and a remaining-length
 * field that is complete and minimal; the per-byte digit identities are asserted and
 * proved, but WP does not close the final sum, so the field's VALUE and the bytes copied
 * after the variable header (topic, SUBACK codes) are checked by
 * impl/tests/unit/test_mqtt_encode.c and by the decode/re-encode round trip of
 * fuzz/codec instead.
 */
#include "mqtt/xb_mqtt.h"
#include "mqtt/xb_mqtt_acsl.h"

/*
 * Write the minimal remaining-length encoding of rl (XB-MQTT-2, XB-MQTT-57) at b[1 .. k],
 * k being xb_varint_size_l(rl). Straight-line per size: each case is a closed formula
 * the provers check without a loop invariant.
 */
/*@
  requires 1 <= k <= 4 && k == xb_varint_size_l(rl);
  requires \valid(b + (0 .. k));
  assigns b[1 .. k];
  ensures xb_varint_complete(b, k);
  ensures xb_varint_minimal(b, k);
*/
static void xb_put_varint(uint8_t *b, size_t rl, size_t k)
{
  /* Successive quotients, so each step is the linear identity x == x % 128 + 128 * (x / 128). */
  size_t q1 = rl / 128u;
  size_t q2 = q1 / 128u;
  size_t q3 = q2 / 128u;
  /*@ assert rl == rl % 128 + 128 * q1 && q1 == q1 % 128 + 128 * q2 && q2 == q2 % 128 + 128 * q3; */
  if (k == 1) {
    b[1] = (uint8_t)rl;
  } else if (k == 2) {
    b[1] = (uint8_t)(rl % 128u + 128u);
    b[2] = (uint8_t)q1;
    /*@ assert b[1] % 128 == rl % 128 && b[2] % 128 == q1; */
  } else if (k == 3) {
    b[1] = (uint8_t)(rl % 128u + 128u);
    b[2] = (uint8_t)(q1 % 128u + 128u);
    b[3] = (uint8_t)q2;
    /*@ assert b[1] % 128 == rl % 128 && b[2] % 128 == q1 % 128 && b[3] % 128 == q2; */
    /*@ assert rl == rl % 128 + 128 * (q1 % 128) + 16384 * q2; */
  } else {
    b[1] = (uint8_t)(rl % 128u + 128u);
    b[2] = (uint8_t)(q1 % 128u + 128u);
    b[3] = (uint8_t)(q2 % 128u + 128u);
    b[4] = (uint8_t)q3;
    /*@ assert b[1] % 128 == rl % 128 && b[2] % 128 == q1 % 128 && b[3] % 128 == q2 % 128; */
    /*@ assert b[4] % 128 == q3; */
    /*@ assert rl == rl % 128 + 128 * (q1 % 128) + 16384 * (q2 % 128) + 2097152 * q3; */
  }
}

/*@
  requires buf == \null || \valid(buf + (0 .. cap - 1));
  requires written == \null || \valid(written);
  requires buf == \null || written == \null || \separated(buf + (0 .. cap - 1), written);
  assigns buf[0 .. 3], *written;
  behavior ok:
    assumes buf != \null && written != \null && cap >= 4;
    assumes code <= 5 && (session_present ==> code == 0);
    ensures \result == XB_MQTT_OK && *written == 4;
    ensures buf[0] == 32 && buf[1] == 2 && buf[3] == code;
    ensures buf[2] == (session_present ? 1 : 0);
  behavior no_space:
    assumes buf == \null || written == \null || cap < 4;
    ensures \result == XB_MQTT_NO_SPACE;
    assigns \nothing;
  behavior bad_code:
    assumes buf != \null && written != \null && cap >= 4;
    assumes !(code <= 5 && (session_present ==> code == 0));
    ensures \result == XB_MQTT_MALFORMED;
    assigns \nothing;
  complete behaviors;
  disjoint behaviors;
*/
xb_mqtt_status xb_mqtt_encode_connack(uint8_t *buf, size_t cap, bool session_present,
                                      uint8_t code, size_t *written)
{
  xb_mqtt_status st = XB_MQTT_NO_SPACE;
  if (buf != NULL && written != NULL && cap >= 4u) {
    /* [MQTT-3.2.2-4]: session present is 0 with any refusal code. */
    if (code <= XB_CONNACK_NOT_AUTHORIZED && (!session_present || code == 0u)) {
      buf[0] = (uint8_t)(XB_MQTT_CONNACK * 16);
      buf[1] = 2u;
      buf[2] = session_present ? 1u : 0u;
      buf[3] = code;
      *written = 4u;
      st = XB_MQTT_OK;
    } else {
      st = XB_MQTT_MALFORMED;
    }
  }
  return st;
}

/*@
  requires size == \null || \valid(size);
  assigns *size;
  behavior fits:
    assumes size != \null && topic_len <= 65535;
    assumes 2 + topic_len + payload_len <= XB_MQTT_MAX_REMAINING;
    ensures \result == XB_MQTT_OK;
    ensures *size == 1 + xb_varint_size_l(2 + topic_len + payload_len) + 2 + topic_len;
  behavior too_large:
    assumes size != \null;
    assumes !(topic_len <= 65535 && 2 + topic_len + payload_len <= XB_MQTT_MAX_REMAINING);
    ensures \result == XB_MQTT_TOO_LARGE;
    assigns \nothing;
  behavior no_out:
    assumes size == \null;
    ensures \result == XB_MQTT_TOO_LARGE;
    assigns \nothing;
  complete behaviors;
  disjoint behaviors;
*/
xb_mqtt_status xb_mqtt_publish_header_size(size_t topic_len, size_t payload_len,
                                           size_t *size)
{
  xb_mqtt_status st = XB_MQTT_TOO_LARGE;
  /* XB-MQTT-57: checked in this order so no sum can wrap. */
  if (size != NULL && topic_len <= 65535u && payload_len <= XB_MQTT_MAX_REMAINING &&
      2u + topic_len <= XB_MQTT_MAX_REMAINING - payload_len) {
    size_t rl = 2u + topic_len + payload_len;
    *size = 1u + xb_mqtt_varint_size(rl) + 2u + topic_len;
    st = XB_MQTT_OK;
  }
  return st;
}

/*@
  requires topic_len <= 65535;
  requires buf == \null || \valid(buf + (0 .. cap - 1));
  requires topic == \null || \valid_read(topic + (0 .. topic_len - 1));
  requires written == \null || \valid(written);
  requires buf == \null || written == \null || \separated(buf + (0 .. cap - 1), written);
  requires buf == \null || topic == \null || \separated(buf + (0 .. cap - 1), topic + (0 .. topic_len - 1));
  assigns buf[0 .. cap - 1], *written;
  behavior ok:
    assumes buf != \null && topic != \null && written != \null;
    assumes 2 + topic_len + payload_len <= XB_MQTT_MAX_REMAINING;
    assumes 1 + xb_varint_size_l(2 + topic_len + payload_len) + 2 + topic_len <= cap;
    ensures \result == XB_MQTT_OK;
    ensures *written == 1 + xb_varint_size_l(2 + topic_len + payload_len) + 2 + topic_len;
    ensures buf[0] == (retain ? 49 : 48);
    ensures xb_varint_complete(buf, xb_varint_size_l(2 + topic_len + payload_len));
  behavior refused:
    assumes !(buf != \null && topic != \null && written != \null
              && 2 + topic_len + payload_len <= XB_MQTT_MAX_REMAINING
              && 1 + xb_varint_size_l(2 + topic_len + payload_len) + 2 + topic_len <= cap);
    ensures \result == XB_MQTT_NO_SPACE || \result == XB_MQTT_TOO_LARGE;
    assigns \nothing;
  complete behaviors;
  disjoint behaviors;
*/
xb_mqtt_status xb_mqtt_encode_publish_header(uint8_t *buf, size_t cap,
                                             const uint8_t *topic, size_t topic_len,
                                             size_t payload_len, bool retain,
                                             size_t *written)
{
  xb_mqtt_status st = XB_MQTT_NO_SPACE;
  size_t size = 0;
  if (buf != NULL && topic != NULL && written != NULL) {
    st = xb_mqtt_publish_header_size(topic_len, payload_len, &size);
    if (st == XB_MQTT_OK && size > cap) {
      st = XB_MQTT_NO_SPACE;
    }
    if (st == XB_MQTT_OK) {
      size_t rl = 2u + topic_len + payload_len;
      size_t k = xb_mqtt_varint_size(rl);
      /* The topic first, then the header around it: the header writes cannot disturb
       * the copied bytes, so the loop carries nothing about them. */
      /*@ loop invariant 0 <= i <= topic_len;
          loop invariant \forall integer j; 0 <= j < i ==> buf[k + 3 + j] == topic[j];
          loop assigns i, buf[k + 3 .. k + 2 + topic_len];
          loop variant topic_len - i; */
      for (size_t i = 0; i < topic_len; i++) {
        buf[k + 3u + i] = topic[i];
      }
      buf[k + 1u] = (uint8_t)(topic_len / 256u);
      buf[k + 2u] = (uint8_t)(topic_len % 256u);
      /* XB-MQTT-44: DUP 0, QoS 0, no packet identifier; RETAIN per spec/subscribe.md. */
      buf[0] = (uint8_t)(XB_MQTT_PUBLISH * 16 + (retain ? 1 : 0));
      xb_put_varint(buf, rl, k);
      *written = size;
    }
  }
  return st;
}

/*@
  requires buf == \null || \valid(buf + (0 .. cap - 1));
  requires written == \null || \valid(written);
  requires buf == \null || written == \null || \separated(buf + (0 .. cap - 1), written);
  assigns buf[0 .. 3], *written;
  behavior ok:
    assumes buf != \null && written != \null && cap >= 4;
    assumes type == XB_MQTT_PUBACK || type == XB_MQTT_PUBREC || type == XB_MQTT_PUBCOMP
            || type == XB_MQTT_UNSUBACK;
    assumes packet_id != 0;
    ensures \result == XB_MQTT_OK && *written == 4;
    ensures buf[0] == type * 16 && buf[1] == 2 && buf[2] * 256 + buf[3] == packet_id;
  behavior refused:
    assumes !(buf != \null && written != \null && cap >= 4
              && (type == XB_MQTT_PUBACK || type == XB_MQTT_PUBREC || type == XB_MQTT_PUBCOMP
                  || type == XB_MQTT_UNSUBACK)
              && packet_id != 0);
    ensures \result == XB_MQTT_NO_SPACE || \result == XB_MQTT_MALFORMED;
    assigns \nothing;
  complete behaviors;
  disjoint behaviors;
*/
xb_mqtt_status xb_mqtt_encode_ack(uint8_t *buf, size_t cap, uint8_t type,
                                  uint16_t packet_id, size_t *written)
{
  xb_mqtt_status st = XB_MQTT_NO_SPACE;
  if (buf != NULL && written != NULL && cap >= 4u) {
    /* XB-MQTT-55: the server never sends PUBREL (it delivers at QoS 0 only);
     * [MQTT-2.3.1-1]: packet identifiers are non-zero. */
    if ((type == XB_MQTT_PUBACK || type == XB_MQTT_PUBREC || type == XB_MQTT_PUBCOMP ||
         type == XB_MQTT_UNSUBACK) && packet_id != 0u) {
      buf[0] = (uint8_t)(type * 16u);
      buf[1] = 2u;
      buf[2] = (uint8_t)(packet_id / 256u);
      buf[3] = (uint8_t)(packet_id % 256u);
      *written = 4u;
      st = XB_MQTT_OK;
    } else {
      st = XB_MQTT_MALFORMED;
    }
  }
  return st;
}

/*@
  assigns \nothing;
  ensures 1 <= count <= XB_MQTT_MAX_REMAINING - 2 ==>
          \result == 1 + xb_varint_size_l(2 + count) + 2 + count;
  ensures !(1 <= count <= XB_MQTT_MAX_REMAINING - 2) ==> \result == 0;
*/
size_t xb_mqtt_suback_size(size_t count)
{
  size_t size = 0;
  if (count >= 1u && count <= XB_MQTT_MAX_REMAINING - 2u) {
    size = 1u + xb_mqtt_varint_size(2u + count) + 2u + count;
  }
  return size;
}

/*@ predicate xb_suback_code(integer c) = c == 0 || c == 1 || c == 2 || c == 128; */

/*@
  requires buf == \null || \valid(buf + (0 .. cap - 1));
  requires codes == \null || count == 0 || \valid_read(codes + (0 .. count - 1));
  requires written == \null || \valid(written);
  requires buf == \null || written == \null || \separated(buf + (0 .. cap - 1), written);
  requires buf == \null || codes == \null || count == 0
           || \separated(buf + (0 .. cap - 1), codes + (0 .. count - 1));
  assigns buf[0 .. cap - 1], *written;
  behavior ok:
    assumes buf != \null && codes != \null && written != \null && packet_id != 0;
    assumes 1 <= count <= XB_MQTT_MAX_REMAINING - 2;
    assumes 1 + xb_varint_size_l(2 + count) + 2 + count <= cap;
    assumes \forall integer i; 0 <= i < count ==> xb_suback_code(codes[i]);
    ensures \result == XB_MQTT_OK;
    ensures *written == 1 + xb_varint_size_l(2 + count) + 2 + count;
    ensures buf[0] == 144;
  behavior refused:
    assumes !(buf != \null && codes != \null && written != \null && packet_id != 0
              && 1 <= count <= XB_MQTT_MAX_REMAINING - 2
              && 1 + xb_varint_size_l(2 + count) + 2 + count <= cap
              && \forall integer i; 0 <= i < count ==> xb_suback_code(codes[i]));
    ensures \result == XB_MQTT_NO_SPACE || \result == XB_MQTT_MALFORMED;
    assigns \nothing;
  complete behaviors;
  disjoint behaviors;
*/
xb_mqtt_status xb_mqtt_encode_suback(uint8_t *buf, size_t cap, uint16_t packet_id,
                                     const uint8_t *codes, size_t count, size_t *written)
{
  xb_mqtt_status st = XB_MQTT_NO_SPACE;
  size_t size = xb_mqtt_suback_size(count);
  if (buf != NULL && codes != NULL && written != NULL && size != 0u && size <= cap) {
    bool codes_ok = packet_id != 0u;
    /* XB-MQTT-50 [MQTT-3.9.3-2]: only 00, 01, 02 and 80 are return codes. */
    /*@ loop invariant 0 <= i <= count;
        loop invariant codes_ok ==> packet_id != 0
                       && \forall integer j; 0 <= j < i ==> xb_suback_code(codes[j]);
        loop invariant !codes_ok ==> packet_id == 0
                       || \exists integer j; 0 <= j < i && !xb_suback_code(codes[j]);
        loop assigns i, codes_ok;
        loop variant count - i; */
    for (size_t i = 0; i < count; i++) {
      if (codes[i] > 2u && codes[i] != 0x80u) {
        codes_ok = false;
      }
    }
    if (codes_ok) {
      size_t rl = 2u + count;
      size_t k = xb_mqtt_varint_size(rl);
      /*@ loop invariant 0 <= i <= count;
          loop invariant \forall integer j; 0 <= j < i ==> buf[k + 3 + j] == codes[j];
          loop assigns i, buf[k + 3 .. k + 2 + count];
          loop variant count - i; */
      for (size_t i = 0; i < count; i++) {
        buf[k + 3u + i] = codes[i];
      }
      buf[k + 1u] = (uint8_t)(packet_id / 256u);
      buf[k + 2u] = (uint8_t)(packet_id % 256u);
      buf[0] = (uint8_t)(XB_MQTT_SUBACK * 16);
      xb_put_varint(buf, rl, k);
      *written = size;
      st = XB_MQTT_OK;
    } else {
      st = XB_MQTT_MALFORMED;
    }
  }
  return st;
}

/*@
  requires buf == \null || \valid(buf + (0 .. cap - 1));
  requires written == \null || \valid(written);
  requires buf == \null || written == \null || \separated(buf + (0 .. cap - 1), written);
  assigns buf[0 .. 1], *written;
  behavior ok:
    assumes buf != \null && written != \null && cap >= 2;
    ensures \result == XB_MQTT_OK && *written == 2 && buf[0] == 208 && buf[1] == 0;
  behavior no_space:
    assumes !(buf != \null && written != \null && cap >= 2);
    ensures \result == XB_MQTT_NO_SPACE;
    assigns \nothing;
  complete behaviors;
  disjoint behaviors;
*/
xb_mqtt_status xb_mqtt_encode_pingresp(uint8_t *buf, size_t cap, size_t *written)
{
  xb_mqtt_status st = XB_MQTT_NO_SPACE;
  if (buf != NULL && written != NULL && cap >= 2u) {
    buf[0] = (uint8_t)(XB_MQTT_PINGRESP * 16); /* XB-MQTT-53 [MQTT-3.12.4-1] */
    buf[1] = 0u;
    *written = 2u;
    st = XB_MQTT_OK;
  }
  return st;
}
