/*
 * xb_utf8.c — the MQTT string content rules (spec/mqtt.md §2).
 *
 * The C code follows the byte table of RFC 3629 §4 (lead byte ranges and the narrowed
 * second-byte ranges after E0, ED, F0 and F4); the contract states the result with the
 * code-point definition of xb_mqtt_acsl.h, so the proof shows the table is right.
 */
#include "mqtt/xb_mqtt.h"

/*@
  requires \valid_read(s + (0 .. len - 1));
  requires i < len;
  assigns \nothing;
  ensures \result == xb_u8_seq_len(s, i, len);
  ensures 0 <= \result <= 4 && i + \result <= len;
*/
static size_t xb_utf8_seq(const uint8_t *s, size_t i, size_t len)
{
  size_t k = 0;
  size_t avail = len - i;
  uint8_t b0 = s[i];
  if (b0 >= 0x01u && b0 <= 0x7Fu) {
    k = 1; /* XB-MQTT-13 [MQTT-1.5.3-2]: 0x00 (U+0000) falls through to k = 0 */
  } else if (b0 >= 0xC2u && b0 <= 0xDFu) {
    /* C0, C1 would be overlong [MQTT-1.5.3-1] */
    if (avail >= 2u && s[i + 1u] >= 0x80u && s[i + 1u] <= 0xBFu) {
      k = 2;
    }
  } else if (b0 >= 0xE0u && b0 <= 0xEFu) {
    uint8_t lo = 0x80u;
    uint8_t hi = 0xBFu;
    if (b0 == 0xE0u) {
      lo = 0xA0u; /* overlong below U+0800 */
    } else if (b0 == 0xEDu) {
      hi = 0x9Fu; /* XB-MQTT-12 [MQTT-1.5.3-1]: surrogates U+D800..U+DFFF */
    }
    if (avail >= 3u && s[i + 1u] >= lo && s[i + 1u] <= hi
        && s[i + 2u] >= 0x80u && s[i + 2u] <= 0xBFu) {
      k = 3;
    }
  } else if (b0 >= 0xF0u && b0 <= 0xF4u) {
    uint8_t lo = 0x80u;
    uint8_t hi = 0xBFu;
    if (b0 == 0xF0u) {
      lo = 0x90u; /* overlong below U+10000 */
    } else if (b0 == 0xF4u) {
      hi = 0x8Fu; /* above U+10FFFF */
    }
    if (avail >= 4u && s[i + 1u] >= lo && s[i + 1u] <= hi
        && s[i + 2u] >= 0x80u && s[i + 2u] <= 0xBFu
        && s[i + 3u] >= 0x80u && s[i + 3u] <= 0xBFu) {
      k = 4;
    }
  }
  return k;
}

/*@
  requires s == \null || \valid_read(s + (0 .. len - 1));
  assigns \nothing;
  ensures s == \null ==> (\result <==> len == 0);
  ensures s != \null ==> (\result <==> xb_utf8_valid(s, len));
*/
bool xb_utf8_valid_mqtt(const uint8_t *s, size_t len)
{
  bool ok = true;
  if (s == NULL) {
    ok = len == 0u;
  } else {
    size_t i = 0;
    /*@
      loop invariant 0 <= i <= len;
      loop invariant ok ==> (xb_utf8_from(s, i, len) <==> xb_utf8_from(s, 0, len));
      loop invariant !ok ==> !xb_utf8_from(s, 0, len);
      loop assigns i, ok;
      loop variant len - i + (ok ? 1 : 0);
    */
    while (ok && i < len) {
      size_t k = xb_utf8_seq(s, i, len);
      if (k == 0u) {
        ok = false; /* XB-MQTT-12, XB-MQTT-13: close the connection */
      } else {
        i += k;
      }
    }
  }
  return ok;
}

/*@
  requires s == \null || \valid_read(s + (0 .. len - 1));
  assigns \nothing;
  ensures \result <==> (s != \null && !xb_no_wildcard(s, len));
*/
bool xb_mqtt_has_wildcard(const uint8_t *s, size_t len)
{
  bool found = false;
  if (s != NULL) {
    size_t i = 0;
    /*@
      loop invariant 0 <= i <= len;
      loop invariant !found ==> xb_no_wildcard(s, i);
      loop invariant found ==> !xb_no_wildcard(s, len);
      loop assigns i, found;
      loop variant len - i + (found ? 0 : 1);
    */
    while (!found && i < len) {
      /* [MQTT-3.3.2-2] [MQTT-4.7.1-1]: '+' and '#' are filter-only characters */
      if (s[i] == (uint8_t)'+' || s[i] == (uint8_t)'#') {
        found = true;
      } else {
        i++;
      }
    }
  }
  return found;
}
