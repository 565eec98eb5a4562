/*
 * xb_mqtt_frame.c — incremental framing of the MQTT fixed header (spec/mqtt.md §1).
 *
 * The event loop calls xb_mqtt_frame_parse() on whatever it has buffered; the verdict
 * depends only on the header bytes, so an oversized or malformed packet is refused
 * before any of its body is read (XB-MQTT-4, XB-MQTT-5).
 * Arithmetic instead of bit operations keeps the WP proof in linear arithmetic.
 */
#include "mqtt/xb_mqtt.h"

/*@
  requires \true;
  assigns \nothing;
  ensures \result <==> xb_server_receives(type) && xb_flags_ok(type, flags);
*/
static bool xb_type_flags_ok(uint8_t type, uint8_t flags)
{
  bool ok = false;
  switch (type) {
  case XB_MQTT_PUBLISH: {
    /* XB-MQTT-8 [MQTT-3.3.1-4]: QoS 3 is malformed.
     * XB-MQTT-9 [MQTT-3.3.1-2]: DUP with QoS 0 is malformed. */
    unsigned qos = (flags / 2u) % 4u;
    ok = flags < 16u && qos != 3u && !(flags / 8u == 1u && qos == 0u);
    break;
  }
  case XB_MQTT_PUBREL:
  case XB_MQTT_SUBSCRIBE:
  case XB_MQTT_UNSUBSCRIBE:
    /* XB-MQTT-7 [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]: flags 0010. */
    ok = flags == 2u;
    break;
  case XB_MQTT_CONNECT:
  case XB_MQTT_PUBACK:
  case XB_MQTT_PUBREC:
  case XB_MQTT_PUBCOMP:
  case XB_MQTT_PINGREQ:
  case XB_MQTT_DISCONNECT:
    /* XB-MQTT-7 [MQTT-2.2.2-1] [MQTT-2.2.2-2] [MQTT-3.14.1-1]: flags 0000. */
    ok = flags == 0u;
    break;
  default:
    /* XB-MQTT-6 [MQTT-4.8.0-1]: reserved types and server-to-client packets. */
    ok = false;
    break;
  }
  return ok;
}

/*@
  requires \true;
  assigns \nothing;
  ensures \result <==> xb_rl_fits_type(type, rl);
*/
static bool xb_rl_ok_for_type(uint8_t type, size_t rl)
{
  bool ok = true;
  /* XB-MQTT-10: PUBACK..PUBCOMP carry exactly a packet id, PINGREQ and DISCONNECT nothing. */
  if (type >= XB_MQTT_PUBACK && type <= XB_MQTT_PUBCOMP) {
    ok = rl == 2u;
  } else if (type == XB_MQTT_PINGREQ || type == XB_MQTT_DISCONNECT) {
    ok = rl == 0u;
  }
  return ok;
}

/*@
  requires buf == \null || \valid_read(buf + (0 .. len - 1));
  requires out == \null || \valid(out);
  requires buf == \null || out == \null || \separated(out, buf + (0 .. len - 1));
  assigns *out;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_NEED_MORE
       || \result == XB_MQTT_MALFORMED || \result == XB_MQTT_TOO_LARGE;
  ensures (buf == \null || out == \null) ==> \result == XB_MQTT_MALFORMED;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_TOO_LARGE ==>
            2 <= out->header_len <= 5 && out->header_len <= len
            && xb_header_ok{Pre}(buf, out->header_len - 1)
            && out->type == \at(buf[0], Pre) / 16 && out->flags == \at(buf[0], Pre) % 16
            && out->remaining_len == xb_varint_value{Pre}(buf, out->header_len - 1)
            && out->remaining_len <= XB_MQTT_MAX_REMAINING
            && out->total_len == out->header_len + out->remaining_len;
  ensures \result == XB_MQTT_OK ==> out->total_len <= len && out->total_len <= max_packet;
  ensures \result == XB_MQTT_TOO_LARGE ==> out->total_len > max_packet;
  ensures \result == XB_MQTT_NEED_MORE ==>
            len == 0
            || (xb_first_byte_ok(\at(buf[0], Pre))
                && (xb_varint_open{Pre}(buf, len - 1)
                    || (\exists integer n; 1 <= n <= 4 && n + 1 <= len && xb_header_ok{Pre}(buf, n)
                          && len < 1 + n + xb_varint_value{Pre}(buf, n) <= max_packet)));
  ensures \result == XB_MQTT_MALFORMED ==>
            buf == \null || out == \null || xb_header_bad{Pre}(buf, len);
  ensures \result == XB_MQTT_NEED_MORE || \result == XB_MQTT_MALFORMED ==>
            out == \null || *out == \old(*out);
*/
xb_mqtt_status xb_mqtt_frame_parse(const uint8_t *buf, size_t len, size_t max_packet,
                                   xb_mqtt_frame *out)
{
  xb_mqtt_status st = XB_MQTT_NEED_MORE;
  if (buf == NULL || out == NULL) {
    st = XB_MQTT_MALFORMED;
  } else if (len > 0u) {
    uint8_t type = (uint8_t)(buf[0] / 16u);
    uint8_t flags = (uint8_t)(buf[0] % 16u);
    if (!xb_type_flags_ok(type, flags)) {
      st = XB_MQTT_MALFORMED; /* XB-MQTT-4: known from byte 0 alone */
    } else {
      size_t n = 0;      /* remaining-length bytes consumed */
      size_t value = 0;  /* their value so far (XB-MQTT-2) */
      bool complete = false;
      /*@
        loop invariant 0 <= n <= 4;
        loop invariant n + 1 <= len;
        loop invariant value == xb_varint_value(buf, n);
        loop invariant value < xb_pow128(n);
        loop invariant st == XB_MQTT_NEED_MORE || st == XB_MQTT_MALFORMED;
        loop invariant st == XB_MQTT_NEED_MORE && !complete ==> n <= 3 && xb_varint_open(buf, n);
        loop invariant complete ==> st == XB_MQTT_NEED_MORE && xb_varint_complete(buf, n);
        loop invariant st == XB_MQTT_MALFORMED ==>
                         !complete && n == 4 && xb_varint_open(buf, 3) && buf[4] >= 128;
        loop assigns n, value, complete, st;
        loop variant len - n;
      */
      while (!complete && st == XB_MQTT_NEED_MORE && n + 1u < len) {
        uint8_t b = buf[n + 1u];
        size_t digit = (uint8_t)(b % 128u);
        /* XB-MQTT-2: digit i weighs 128^i; one constant per index keeps it linear. */
        if (n == 0u) {
          value = digit;
          /*@ assert v0: value == xb_varint_value(buf, 1); */
        } else if (n == 1u) {
          value += digit * 128u;
          /*@ assert v1: value == xb_varint_value(buf, 2); */
        } else if (n == 2u) {
          value += digit * 16384u;
          /*@ assert v2: value == xb_varint_value(buf, 3); */
        } else {
          /*@ assert n == 3; */
          value += digit * 2097152u;
          /*@ assert v3: value == xb_varint_value(buf, 4); */
        }
        /*@ assert value == xb_varint_value(buf, n + 1); */
        n++;
        if (b < 128u) {
          complete = true;
        } else if (n == 4u) {
          st = XB_MQTT_MALFORMED; /* XB-MQTT-2: a fifth length byte */
        }
      }
      if (complete) {
        if (n > 1u && buf[n] == 0u) {
          st = XB_MQTT_MALFORMED; /* XB-MQTT-3: not minimally encoded */
        } else if (!xb_rl_ok_for_type(type, value)) {
          st = XB_MQTT_MALFORMED; /* XB-MQTT-10 */
        } else {
          xb_mqtt_frame f;
          f.type = type;
          f.flags = flags;
          f.header_len = 1u + n;
          f.remaining_len = value;
          f.total_len = 1u + n + value;
          /*@ assert xb_header_ok(buf, n); */
          if (f.total_len > max_packet) {
            st = XB_MQTT_TOO_LARGE; /* XB-MQTT-5: before any body byte is needed */
            *out = f;
          } else if (f.total_len <= len) {
            st = XB_MQTT_OK;
            *out = f;
          }
        }
      }
    }
  }
  return st;
}

/*@
  assigns \nothing;
  ensures \result == xb_varint_size_l(remaining_len);
  ensures 0 <= \result <= 4;
*/
size_t xb_mqtt_varint_size(size_t remaining_len)
{
  size_t k = 0;
  if (remaining_len <= 127u) {
    k = 1;
  } else if (remaining_len <= 16383u) {
    k = 2;
  } else if (remaining_len <= 2097151u) {
    k = 3;
  } else if (remaining_len <= XB_MQTT_MAX_REMAINING) {
    k = 4;
  }
  return k;
}
