/*
 * xb_mqtt_decode.c — decoders of PUBLISH, the four acknowledgements, SUBSCRIBE and
 * UNSUBSCRIBE (spec/mqtt.md §4, §5). CONNECT has its own file (xb_mqtt_connect.c).
 *
 * Every decoder reads only body[0 .. len-1], reports spans inside it, and writes its
 * output once, at the end, on success: a refused packet leaves the output untouched.
 */
#include "mqtt/xb_mqtt_internal.h"

/*@
  requires \valid_read(b + (0 .. len - 1));
  assigns \nothing;
  ensures \result != 0 <==> xb_str_end(b, len, pos) >= 0;
  ensures \result != 0 ==> \result == xb_str_end(b, len, pos);
  ensures \result == 0 || pos + 2 <= \result <= len;
*/
size_t xb_mqtt_string_end(const uint8_t *b, size_t len, size_t pos)
{
  size_t end = 0;
  /* XB-MQTT-11: a 2-byte big-endian length, then that many bytes, all inside the body */
  if (pos <= len && len - pos >= 2u) {
    size_t sl = (size_t)b[pos] * 256u + (size_t)b[pos + 1u];
    if (sl <= len - pos - 2u) {
      end = pos + 2u + sl;
    }
  }
  return end;
}

/*@
  requires body == \null || \valid_read(body + (0 .. len - 1));
  requires out == \null || \valid(out);
  requires body == \null || out == \null || \separated(out, body + (0 .. len - 1));
  assigns *out;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_MALFORMED;
  ensures pub_sound: \result == XB_MQTT_OK ==>
            body != \null && out != \null && xb_publish_ok{Pre}(body, len, flags);
  ensures pub_complete: body != \null && out != \null && xb_publish_ok{Pre}(body, len, flags) ==>
            \result == XB_MQTT_OK;
  ensures pub_flags: \result == XB_MQTT_OK ==>
            out->qos == (flags / 2) % 4 && out->dup == flags / 8 && out->retain == flags % 2;
  ensures pub_topic: \result == XB_MQTT_OK ==>
            out->topic.off == 2 && out->topic.len == xb_u16{Pre}(body, 0);
  ensures pub_payload: \result == XB_MQTT_OK ==>
            out->payload.off == (out->qos == 0 ? 2 + out->topic.len : 4 + out->topic.len)
            && out->payload.off + out->payload.len == len;
  ensures pub_id0: \result == XB_MQTT_OK && out->qos == 0 ==> out->packet_id == 0;
  ensures pub_id: \result == XB_MQTT_OK && out->qos != 0 ==>
            out->packet_id == xb_u16{Pre}(body, 2 + out->topic.len) && out->packet_id != 0;
  ensures \result != XB_MQTT_OK ==> out == \null || *out == \old(*out);
*/
xb_mqtt_status xb_mqtt_decode_publish(const uint8_t *body, size_t len, uint8_t flags,
                                      xb_mqtt_publish *out)
{
  xb_mqtt_status st = XB_MQTT_MALFORMED;
  if (body != NULL && out != NULL && flags < 16u) {
    uint8_t qos = (uint8_t)((flags / 2u) % 4u);
    bool dup = flags / 8u == 1u;
    /* XB-MQTT-8 [MQTT-3.3.1-4], XB-MQTT-9 [MQTT-3.3.1-2] (framing checked them too) */
    if (qos != 3u && !(dup && qos == 0u)) {
      /* XB-MQTT-38 [MQTT-3.3.2-1]: the topic name comes first */
      size_t e = xb_mqtt_string_end(body, len, 0);
      if (e != 0u) {
        size_t tl = e - 2u;
        /* XB-MQTT-39 [MQTT-4.7.3-1] [MQTT-1.5.3-1] [MQTT-1.5.3-2] [MQTT-3.3.2-2] */
        if (tl >= 1u && xb_utf8_valid_mqtt(body + 2, tl) && !xb_mqtt_has_wildcard(body + 2, tl)) {
          bool ok = true;
          uint16_t pid = 0;
          size_t p = e;
          if (qos != 0u) {
            /* XB-MQTT-38 [MQTT-2.3.1-1]: a non-zero packet identifier at QoS 1 and 2 */
            if (len - e >= 2u) {
              pid = (uint16_t)((unsigned)body[e] * 256u + (unsigned)body[e + 1u]);
              ok = pid != 0u;
              p = e + 2u;
            } else {
              ok = false;
            }
          }
          /*@ assert A1: xb_publish_flags_ok(flags); */
          /*@ assert A2: xb_str_end(body, len, 0) == e; */
          /*@ assert A3: xb_u16(body, 0) == tl; */
          /*@ assert A4: xb_str_utf8(body, 0, e); */
          /*@ assert A5: xb_no_wildcard(body + 2, xb_u16(body, 0)); */
          /*@ assert A6: ok ==> ((flags / 2) % 4 > 0 ==> e + 2 <= len && xb_u16(body, e) != 0); */
          if (ok) {
            out->qos = qos;
            out->dup = dup;
            out->retain = flags % 2u == 1u;
            out->packet_id = pid;
            out->topic.off = 2;
            out->topic.len = tl;
            out->payload.off = p; /* XB-MQTT-38: the rest, possibly empty */
            out->payload.len = len - p;
            st = XB_MQTT_OK;
          }
        }
      }
    }
  }
  return st;
}

/*@
  requires body == \null || \valid_read(body + (0 .. len - 1));
  requires packet_id == \null || \valid(packet_id);
  requires body == \null || packet_id == \null || \separated(packet_id, body + (0 .. len - 1));
  assigns *packet_id;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_MALFORMED;
  ensures \result == XB_MQTT_OK <==>
            (body != \null && packet_id != \null && 4 <= type <= 7
             && flags == (type == 6 ? 2 : 0) && len == 2 && xb_u16{Pre}(body, 0) != 0);
  ensures \result == XB_MQTT_OK ==> *packet_id == xb_u16{Pre}(body, 0);
  ensures \result != XB_MQTT_OK ==> packet_id == \null || *packet_id == \old(*packet_id);
*/
xb_mqtt_status xb_mqtt_decode_ack(uint8_t type, const uint8_t *body, size_t len,
                                  uint8_t flags, uint16_t *packet_id)
{
  xb_mqtt_status st = XB_MQTT_MALFORMED;
  if (body != NULL && packet_id != NULL && type >= XB_MQTT_PUBACK && type <= XB_MQTT_PUBCOMP
      /* XB-MQTT-7 [MQTT-3.6.1-1] [MQTT-2.2.2-1]: PUBREL 0010, the others 0000 */
      && flags == (type == XB_MQTT_PUBREL ? 2u : 0u)
      /* XB-MQTT-10, XB-MQTT-42: the body is exactly the packet identifier */
      && len == 2u) {
    uint16_t pid = (uint16_t)((unsigned)body[0] * 256u + (unsigned)body[1]);
    if (pid != 0u) { /* XB-MQTT-42 [MQTT-2.3.1-1] */
      *packet_id = pid;
      st = XB_MQTT_OK;
    }
  }
  return st;
}

/*
 * One SUBSCRIBE (q = 1) or UNSUBSCRIBE (q = 0) entry at body[pos]: its end, 0 if it is
 * not a valid entry (XB-MQTT-45..47, XB-MQTT-51).
 */
/*@
  requires \valid_read(body + (0 .. len - 1));
  requires q == 0 || q == 1;
  requires pos < len;
  assigns \nothing;
  ensures xb_entry_ok(body, len, pos, q) ==> \result == pos + 2 + xb_u16(body, pos) + q;
  ensures !xb_entry_ok(body, len, pos, q) ==> \result == 0;
  ensures \result == 0 || pos + 3 <= \result <= len;
*/
static size_t xb_entry_check(const uint8_t *body, size_t len, size_t pos, size_t q)
{
  size_t end = 0;
  size_t e = xb_mqtt_string_end(body, len, pos);
  /* XB-MQTT-46, -51 [MQTT-4.7.3-1] [MQTT-3.8.3-1] [MQTT-3.10.3-1]: a non-empty UTF-8
   * filter; wildcard placement is not checked (XB-MQTT-48) */
  if (e != 0u && e - pos > 2u && xb_utf8_valid_mqtt(body + (pos + 2u), e - pos - 2u)) {
    if (q == 0u) {
      end = e;
    } else if (e < len && body[e] <= 2u) {
      /* XB-MQTT-47 [MQTT-3.8.3-4]: reserved bits 0 and QoS 0..2, i.e. a byte <= 2 */
      end = e + 1u;
    }
  }
  return end;
}

/*
 * SUBSCRIBE (q = 1) and UNSUBSCRIBE (q = 0): XB-MQTT-45..47, XB-MQTT-51.
 */
/*@
  requires body == \null || \valid_read(body + (0 .. len - 1));
  requires out == \null || \valid(out);
  requires body == \null || out == \null || \separated(out, body + (0 .. len - 1));
  requires q == 0 || q == 1;
  assigns *out;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_MALFORMED;
  ensures \result == XB_MQTT_OK <==>
            (body != \null && out != \null && flags == 2 && len > 2
             && xb_u16{Pre}(body, 0) != 0 && xb_entries_from{Pre}(body, len, 2, q));
  ensures \result == XB_MQTT_OK ==>
            out->packet_id == xb_u16{Pre}(body, 0) && out->first == 2
            && out->count == xb_entries_count{Pre}(body, len, 2, q) && 1 <= out->count <= len;
  ensures \result != XB_MQTT_OK ==> out == \null || *out == \old(*out);
*/
static xb_mqtt_status xb_decode_entries(const uint8_t *body, size_t len, uint8_t flags,
                                        size_t q, xb_mqtt_subscribe *out)
{
  xb_mqtt_status st = XB_MQTT_MALFORMED;
  /* XB-MQTT-7 [MQTT-3.8.1-1] [MQTT-3.10.1-1]: flags 0010;
   * XB-MQTT-45, -51 [MQTT-3.8.3-3] [MQTT-3.10.3-2]: a packet id and >= 1 entry */
  if (body != NULL && out != NULL && flags == 2u && len > 2u) {
    uint16_t pid = (uint16_t)((unsigned)body[0] * 256u + (unsigned)body[1]);
    if (pid != 0u) { /* [MQTT-2.3.1-1] */
      size_t pos = 2;
      size_t count = 0;
      bool ok = true;
      /*@
        loop invariant 2 <= pos <= len;
        loop invariant count <= pos;
        loop invariant count == 0 ==> pos == 2;
        loop invariant ok ==> (xb_entries_from(body, len, pos, q) <==> xb_entries_from(body, len, 2, q));
        loop invariant ok ==> count + xb_entries_count(body, len, pos, q) == xb_entries_count(body, len, 2, q);
        loop invariant !ok ==> !xb_entries_from(body, len, 2, q);
        loop assigns pos, count, ok;
        loop variant len - pos + (ok ? 1 : 0);
      */
      while (ok && pos < len) {
        size_t e = xb_entry_check(body, len, pos, q);
        if (e == 0u) {
          ok = false;
        } else {
          /*@ assert xb_entry_ok(body, len, pos, q); */
          /*@ assert e == pos + 2 + xb_u16(body, pos) + q; */
          /*@ assert xb_entries_from(body, len, pos, q) <==> xb_entries_from(body, len, e, q); */
          /*@ assert xb_entries_count(body, len, pos, q) == 1 + xb_entries_count(body, len, e, q); */
          pos = e;
          count++;
        }
      }
      /*@ assert ok ==> xb_entries_from(body, len, 2, q); */
      /*@ assert ok ==> count == xb_entries_count(body, len, 2, q); */
      if (ok) {
        out->packet_id = pid;
        out->count = count;
        out->first = 2;
        st = XB_MQTT_OK;
      }
    }
  }
  return st;
}

/*@
  requires body == \null || \valid_read(body + (0 .. len - 1));
  requires out == \null || \valid(out);
  requires body == \null || out == \null || \separated(out, body + (0 .. len - 1));
  assigns *out;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_MALFORMED;
  ensures \result == XB_MQTT_OK <==>
            (body != \null && out != \null && flags == 2 && len > 2
             && xb_u16{Pre}(body, 0) != 0 && xb_entries_from{Pre}(body, len, 2, 1));
  ensures \result == XB_MQTT_OK ==>
            out->packet_id == xb_u16{Pre}(body, 0) && out->first == 2
            && out->count == xb_entries_count{Pre}(body, len, 2, 1) && 1 <= out->count <= len;
  ensures \result != XB_MQTT_OK ==> out == \null || *out == \old(*out);
*/
xb_mqtt_status xb_mqtt_decode_subscribe(const uint8_t *body, size_t len, uint8_t flags,
                                        xb_mqtt_subscribe *out)
{
  return xb_decode_entries(body, len, flags, 1u, out);
}

/*@
  requires body == \null || \valid_read(body + (0 .. len - 1));
  requires out == \null || \valid(out);
  requires body == \null || out == \null || \separated(out, body + (0 .. len - 1));
  assigns *out;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_MALFORMED;
  ensures \result == XB_MQTT_OK <==>
            (body != \null && out != \null && flags == 2 && len > 2
             && xb_u16{Pre}(body, 0) != 0 && xb_entries_from{Pre}(body, len, 2, 0));
  ensures \result == XB_MQTT_OK ==>
            out->packet_id == xb_u16{Pre}(body, 0) && out->first == 2
            && out->count == xb_entries_count{Pre}(body, len, 2, 0) && 1 <= out->count <= len;
  ensures \result != XB_MQTT_OK ==> out == \null || *out == \old(*out);
*/
xb_mqtt_status xb_mqtt_decode_unsubscribe(const uint8_t *body, size_t len, uint8_t flags,
                                          xb_mqtt_subscribe *out)
{
  return xb_decode_entries(body, len, flags, 0u, out);
}

/*@
  requires body == \null || \valid_read(body + (0 .. len - 1));
  requires pos == \null || \valid(pos);
  requires filter == \null || \valid(filter);
  requires qos == \null || \valid(qos);
  requires body != \null && pos != \null && filter != \null ==>
             \separated(pos, filter, body + (0 .. len - 1));
  requires body != \null && pos != \null && filter != \null && qos != \null ==>
             \separated(qos, pos, filter, body + (0 .. len - 1));
  assigns *pos, *filter, *qos;
  ensures \result == XB_MQTT_OK || \result == XB_MQTT_MALFORMED;
  ensures \result != XB_MQTT_OK ==> pos == \null || *pos == \old(*pos);
  ensures \result == XB_MQTT_OK ==>
            filter->off == \old(*pos) + 2 && filter->len == xb_u16{Pre}(body, \old(*pos))
            && \old(*pos) < *pos <= len;
  behavior subscribe_entry:
    assumes with_qos;
    ensures \result == XB_MQTT_OK <==>
              (body != \null && pos != \null && filter != \null && qos != \null
               && \old(*pos) + 2 <= len && \old(*pos) + 3 + xb_u16{Pre}(body, \old(*pos)) <= len);
    ensures \result == XB_MQTT_OK ==>
              *pos == filter->off + filter->len + 1
              && *qos == xb_byte{Pre}(body, filter->off + filter->len);
    ensures (body != \null && pos != \null && filter != \null && qos != \null
             && \old(*pos) < len && xb_entries_from{Pre}(body, len, \old(*pos), 1)) ==>
              \result == XB_MQTT_OK && xb_entry_ok{Pre}(body, len, \old(*pos), 1)
              && xb_entries_from{Pre}(body, len, *pos, 1);
  behavior unsubscribe_entry:
    assumes !with_qos;
    ensures \result == XB_MQTT_OK <==>
              (body != \null && pos != \null && filter != \null
               && \old(*pos) + 2 <= len && \old(*pos) + 2 + xb_u16{Pre}(body, \old(*pos)) <= len);
    ensures \result == XB_MQTT_OK ==> *pos == filter->off + filter->len;
    ensures (body != \null && pos != \null && filter != \null
             && \old(*pos) < len && xb_entries_from{Pre}(body, len, \old(*pos), 0)) ==>
              \result == XB_MQTT_OK && xb_entry_ok{Pre}(body, len, \old(*pos), 0)
              && xb_entries_from{Pre}(body, len, *pos, 0);
  complete behaviors;
  disjoint behaviors;
*/
xb_mqtt_status xb_mqtt_next_filter(const uint8_t *body, size_t len, bool with_qos,
                                   size_t *pos, xb_span *filter, uint8_t *qos)
{
  xb_mqtt_status st = XB_MQTT_MALFORMED;
  if (body != NULL && pos != NULL && filter != NULL && (!with_qos || qos != NULL)
      && *pos <= len) {
    size_t p = *pos;
    size_t e = xb_mqtt_string_end(body, len, p);
    /*@ assert with_qos && p < len && xb_entries_from(body, len, p, 1) ==>
                 xb_entry_ok(body, len, p, 1)
                 && xb_entries_from(body, len, p + 3 + xb_u16(body, p), 1); */
    /*@ assert !with_qos && p < len && xb_entries_from(body, len, p, 0) ==>
                 xb_entry_ok(body, len, p, 0)
                 && xb_entries_from(body, len, p + 2 + xb_u16(body, p), 0); */
    /*@ assert with_qos && p < len && xb_entries_from(body, len, p, 1) ==>
                 e != 0 && e < len && xb_entries_from(body, len, e + 1, 1); */
    if (e != 0u && (!with_qos || e < len)) {
      uint8_t q = with_qos ? body[e] : 0u;
      filter->off = p + 2u;
      filter->len = e - p - 2u;
      if (with_qos) {
        *qos = q;
        *pos = e + 1u;
      } else {
        *pos = e;
      }
      st = XB_MQTT_OK;
    }
  }
  return st;
}
