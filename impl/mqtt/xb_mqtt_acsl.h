/*
 * xb_mqtt_acsl.h — the ACSL logic the codec contracts are written in (proofs/README.md).
 *
 * Only ACSL annotations: a C compiler sees an empty header. Each definition is the
 * logical reading of a statement of spec/mqtt.md, written independently of the C code
 * that implements it, so that a contract "\result <==> predicate" says the code decides
 * exactly that statement. Everything here is a definition (no axiom): recursive
 * definitions recurse on a strictly increasing index bounded by a length.
 *
 * Memory-reading logic takes the buffer as a pointer; contracts evaluate it at label
 * Pre (e.g. xb_utf8_valid{Pre}(...)) where outputs were written after the input was read.
 */
#ifndef XB_MQTT_ACSL_H
#define XB_MQTT_ACSL_H

#include <stdint.h>

/*@
  // ------------------------------------------------------------ remaining length
  // XB-MQTT-1, XB-MQTT-2: the remaining-length field of the fixed header at b is
  // b[1 .. n] (n <= 4); its value is the sum of (b[1 + i] % 128) * 128^i for i < n.
  // Written out term by term (n is at most 4) rather than recursively: a recursive
  // definition gives the SMT solvers a matching loop. Offsets are explicit integers,
  // never pointer arithmetic, so WP matches the definition against the C accesses.
  logic integer xb_pow128(integer k) =
    k <= 0 ? 1 : k == 1 ? 128 : k == 2 ? 16384 : k == 3 ? 2097152 : 268435456;

  logic integer xb_varint_value{L}(uint8_t *b, integer n) =
      (n >= 1 ? (b[1] % 128) * xb_pow128(0) : 0)
    + (n >= 2 ? (b[2] % 128) * xb_pow128(1) : 0)
    + (n >= 3 ? (b[3] % 128) * xb_pow128(2) : 0)
    + (n >= 4 ? (b[4] % 128) * xb_pow128(3) : 0);

  // n length bytes, the continuation bit (128) set on all but the last, at most 4.
  predicate xb_varint_complete{L}(uint8_t *b, integer n) =
    1 <= n <= 4 && (\forall integer j; 1 <= j < n ==> b[j] >= 128) && b[n] < 128;

  // XB-MQTT-3: a multi-byte encoding whose last byte is 0 is not minimal.
  predicate xb_varint_minimal{L}(uint8_t *b, integer n) = n == 1 || b[n] != 0;

  // m length bytes received, all with the continuation bit, room left for a terminator.
  predicate xb_varint_open{L}(uint8_t *b, integer m) =
    0 <= m <= 3 && \forall integer j; 1 <= j <= m ==> b[j] >= 128;

  // Bytes of the minimal encoding of n (1..4), 0 when n does not fit in 4 bytes.
  logic integer xb_varint_size_l(integer n) =
    n < 0 ? 0 : n <= 127 ? 1 : n <= 16383 ? 2 : n <= 2097151 ? 3 : n <= 268435455 ? 4 : 0;

  // ------------------------------------------------------------ fixed header
  // XB-MQTT-6: the types a server may receive.
  predicate xb_server_receives(integer t) =
    t == 1 || (3 <= t <= 8) || t == 10 || t == 12 || t == 14;

  // XB-MQTT-7, -8, -9: flags per type (PUBLISH: QoS != 3, no DUP at QoS 0).
  predicate xb_flags_ok(integer t, integer f) =
    t == 3 ? (0 <= f <= 15 && (f / 2) % 4 != 3 && !(f / 8 == 1 && (f / 2) % 4 == 0))
           : f == ((t == 6 || t == 8 || t == 10) ? 2 : 0);

  predicate xb_first_byte_ok(integer b0) =
    xb_server_receives(b0 / 16) && xb_flags_ok(b0 / 16, b0 % 16);

  // XB-MQTT-10: fixed remaining lengths.
  predicate xb_rl_fits_type(integer t, integer rl) =
    ((4 <= t <= 7) ==> rl == 2) && ((t == 12 || t == 14) ==> rl == 0);

  // A complete, valid fixed header whose remaining length takes n bytes (b[1 .. n]).
  predicate xb_header_ok{L}(uint8_t *b, integer n) =
    xb_first_byte_ok(b[0]) && xb_varint_complete(b, n) && xb_varint_minimal(b, n)
    && xb_rl_fits_type(b[0] / 16, xb_varint_value(b, n));

  // The len bytes received already break a framing rule (XB-MQTT-3, -4, -6..-10).
  predicate xb_header_bad{L}(uint8_t *b, integer len) =
    len >= 1 &&
    (!xb_first_byte_ok(b[0])
     || (len >= 5 && xb_varint_open(b, 3) && b[4] >= 128)
     || (\exists integer n; 1 <= n <= 4 && n + 1 <= len && xb_varint_complete(b, n)
           && !(xb_varint_minimal(b, n) && xb_rl_fits_type(b[0] / 16, xb_varint_value(b, n)))));

  // ------------------------------------------------------------ UTF-8 (XB-MQTT-12, -13)
  // Defined from the code point each sequence decodes to, not from the RFC 3629 byte
  // table the C code uses: a sequence of k bytes is a lead byte of the k-byte class and
  // continuation bytes (10xxxxxx) whose code point needs k bytes (no overlong form), is
  // a Unicode scalar value (<= U+10FFFF, not a surrogate) and is not U+0000.
  logic boolean xb_u8_cont(integer b) = 128 <= b && b <= 191;
  logic boolean xb_u8_scalar(integer cp) = 0 < cp && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);

  logic integer xb_u8_cp2(integer b0, integer b1) = (b0 - 192) * 64 + (b1 - 128);
  logic integer xb_u8_cp3(integer b0, integer b1, integer b2) =
    (b0 - 224) * 4096 + (b1 - 128) * 64 + (b2 - 128);
  logic integer xb_u8_cp4(integer b0, integer b1, integer b2, integer b3) =
    (b0 - 240) * 262144 + (b1 - 128) * 4096 + (b2 - 128) * 64 + (b3 - 128);

  logic boolean xb_u8_seq1(integer b0) = 0 <= b0 && b0 < 128 && xb_u8_scalar(b0);
  logic boolean xb_u8_seq2(integer b0, integer b1) =
    192 <= b0 && b0 <= 223 && xb_u8_cont(b1)
    && xb_u8_cp2(b0, b1) >= 0x80 && xb_u8_scalar(xb_u8_cp2(b0, b1));
  logic boolean xb_u8_seq3(integer b0, integer b1, integer b2) =
    224 <= b0 && b0 <= 239 && xb_u8_cont(b1) && xb_u8_cont(b2)
    && xb_u8_cp3(b0, b1, b2) >= 0x800 && xb_u8_scalar(xb_u8_cp3(b0, b1, b2));
  logic boolean xb_u8_seq4(integer b0, integer b1, integer b2, integer b3) =
    240 <= b0 && b0 <= 247 && xb_u8_cont(b1) && xb_u8_cont(b2) && xb_u8_cont(b3)
    && xb_u8_cp4(b0, b1, b2, b3) >= 0x10000 && xb_u8_scalar(xb_u8_cp4(b0, b1, b2, b3));

  // Length of the valid sequence starting at s[i] within s[0 .. n-1], 0 if none.
  logic integer xb_u8_seq_len{L}(uint8_t *s, integer i, integer n) =
    (i < n && xb_u8_seq1(s[i])) ? 1 :
    (i + 1 < n && xb_u8_seq2(s[i], s[i + 1])) ? 2 :
    (i + 2 < n && xb_u8_seq3(s[i], s[i + 1], s[i + 2])) ? 3 :
    (i + 3 < n && xb_u8_seq4(s[i], s[i + 1], s[i + 2], s[i + 3])) ? 4 : 0;

  // s[i .. n-1] is a concatenation of valid sequences.
  predicate xb_utf8_from{L}(uint8_t *s, integer i, integer n) =
    i >= n || (xb_u8_seq_len(s, i, n) > 0 && xb_utf8_from(s, i + xb_u8_seq_len(s, i, n), n));

  predicate xb_utf8_valid{L}(uint8_t *s, integer n) = xb_utf8_from(s, 0, n);

  // ------------------------------------------------------------ strings and topics
  // '+' is 43, '#' is 35 [MQTT-4.7.1-1].
  predicate xb_no_wildcard{L}(uint8_t *s, integer n) =
    \forall integer j; 0 <= j < n ==> s[j] != 43 && s[j] != 35;

  logic integer xb_u16{L}(uint8_t *p, integer i) = p[i] * 256 + p[i + 1];

  // One byte, so that a contract can read it at a label with a current-state index.
  logic integer xb_byte{L}(uint8_t *p, integer i) = p[i];

  // XB-MQTT-11: end of the MQTT string (2-byte length + bytes) at b[pos], -1 if it
  // does not fit in b[0 .. n-1].
  logic integer xb_str_end{L}(uint8_t *b, integer n, integer pos) =
    (0 <= pos && pos + 2 <= n && pos + 2 + xb_u16(b, pos) <= n) ? pos + 2 + xb_u16(b, pos) : -1;

  // A well-formed MQTT string field [pos, e) with e = xb_str_end: UTF-8 content.
  predicate xb_str_utf8{L}(uint8_t *b, integer pos, integer e) =
    xb_utf8_valid(b + (pos + 2), e - pos - 2);

  // ------------------------------------------------------------ CONNECT (XB-MQTT-18..32)
  logic boolean xb_is_mqtt_name{L}(uint8_t *b, integer n) =
    n >= 6 && b[0] == 0 && b[1] == 4 && b[2] == 77 && b[3] == 81 && b[4] == 84 && b[5] == 84;
  logic boolean xb_is_mqisdp_name{L}(uint8_t *b, integer n) =
    n >= 8 && b[0] == 0 && b[1] == 6 && b[2] == 77 && b[3] == 81 && b[4] == 73
    && b[5] == 115 && b[6] == 100 && b[7] == 112;

  // Offset of the protocol level byte.
  logic integer xb_connect_p{L}(uint8_t *b, integer n) = xb_is_mqtt_name(b, n) ? 6 : 8;

  predicate xb_level_matches{L}(uint8_t *b, integer n) =
    (xb_is_mqtt_name(b, n) && b[6] == 4) || (xb_is_mqisdp_name(b, n) && b[8] == 3);

  // Connect-flag rules on the flags byte cf (XB-MQTT-20..23).
  predicate xb_connect_flags_ok(integer cf) =
    cf % 2 == 0
    && ((cf / 4) % 2 == 0 ==> (cf / 8) % 4 == 0 && (cf / 32) % 2 == 0)
    && (cf / 8) % 4 != 3
    && ((cf / 64) % 2 == 1 ==> cf / 128 == 1);

  // The connect-flags byte.
  logic integer xb_connect_cf{L}(uint8_t *b, integer n) = b[xb_connect_p(b, n) + 1];

  // The payload fields after the keep alive, the level byte being at b[p] and the flags
  // byte being cf: client id, will topic, will message, user name, password. A field
  // flagged absent ends where the previous one ends (XB-MQTT-25); -1 marks a field that
  // does not fit, and propagates.
  logic integer xb_field_end{L}(uint8_t *b, integer n, integer pos, integer present) =
    present == 1 ? xb_str_end(b, n, pos) : pos;

  logic integer xb_cid_end_at{L}(uint8_t *b, integer n, integer p) = xb_str_end(b, n, p + 4);
  logic integer xb_wt_end_at{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_field_end(b, n, xb_cid_end_at(b, n, p), (cf / 4) % 2);
  logic integer xb_wm_end_at{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_field_end(b, n, xb_wt_end_at(b, n, p, cf), (cf / 4) % 2);
  logic integer xb_un_end_at{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_field_end(b, n, xb_wm_end_at(b, n, p, cf), cf / 128);
  logic integer xb_pw_end_at{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_field_end(b, n, xb_un_end_at(b, n, p, cf), (cf / 64) % 2);

  // The payload rules in the order the fields are read (XB-MQTT-25..27).
  predicate xb_cid_ok{L}(uint8_t *b, integer n, integer p) =
    xb_cid_end_at(b, n, p) >= 0 && xb_str_utf8(b, p + 4, xb_cid_end_at(b, n, p));
  predicate xb_will_topic_ok{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_cid_ok(b, n, p) && xb_wt_end_at(b, n, p, cf) >= 0
    && ((cf / 4) % 2 == 1 ==>
          xb_wt_end_at(b, n, p, cf) - xb_cid_end_at(b, n, p) - 2 >= 1
          && xb_str_utf8(b, xb_cid_end_at(b, n, p), xb_wt_end_at(b, n, p, cf))
          && xb_no_wildcard(b + (xb_cid_end_at(b, n, p) + 2),
                            xb_wt_end_at(b, n, p, cf) - xb_cid_end_at(b, n, p) - 2));
  predicate xb_will_msg_ok{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_will_topic_ok(b, n, p, cf) && xb_wm_end_at(b, n, p, cf) >= 0;
  predicate xb_user_ok{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_will_msg_ok(b, n, p, cf) && xb_un_end_at(b, n, p, cf) >= 0
    && (cf / 128 == 1 ==> xb_str_utf8(b, xb_wm_end_at(b, n, p, cf), xb_un_end_at(b, n, p, cf)));
  predicate xb_payload_ok{L}(uint8_t *b, integer n, integer p, integer cf) =
    xb_user_ok(b, n, p, cf) && xb_pw_end_at(b, n, p, cf) == n;

  logic integer xb_cid_end{L}(uint8_t *b, integer n) = xb_cid_end_at(b, n, xb_connect_p(b, n));
  logic integer xb_wt_end{L}(uint8_t *b, integer n) =
    xb_wt_end_at(b, n, xb_connect_p(b, n), xb_connect_cf(b, n));
  logic integer xb_wm_end{L}(uint8_t *b, integer n) =
    xb_wm_end_at(b, n, xb_connect_p(b, n), xb_connect_cf(b, n));
  logic integer xb_un_end{L}(uint8_t *b, integer n) =
    xb_un_end_at(b, n, xb_connect_p(b, n), xb_connect_cf(b, n));

  // The whole CONNECT body is well-formed (everything but the client-id acceptance).
  predicate xb_connect_ok{L}(uint8_t *b, integer n) =
    xb_level_matches(b, n)
    && xb_connect_p(b, n) + 4 <= n
    && xb_connect_flags_ok(xb_connect_cf(b, n))
    && xb_payload_ok(b, n, xb_connect_p(b, n), xb_connect_cf(b, n));

  // XB-MQTT-28, -29: client-id refusal on a well-formed CONNECT.
  predicate xb_cid_refused{L}(uint8_t *b, integer n) =
    \let cl = xb_cid_end(b, n) - xb_connect_p(b, n) - 6;
    xb_is_mqisdp_name(b, n) ? (cl == 0 || cl > 23)
                            : (cl == 0 && (xb_connect_cf(b, n) / 2) % 2 == 0);

  // ------------------------------------------------------------ PUBLISH (XB-MQTT-38, -39)
  predicate xb_publish_flags_ok(integer f) = 0 <= f <= 15 && xb_flags_ok(3, f);

  predicate xb_publish_ok{L}(uint8_t *b, integer n, integer f) =
    xb_publish_flags_ok(f)
    && xb_str_end(b, n, 0) >= 0
    && xb_u16(b, 0) >= 1
    && xb_str_utf8(b, 0, xb_str_end(b, n, 0))
    && xb_no_wildcard(b + 2, xb_u16(b, 0))
    && ((f / 2) % 4 > 0 ==> xb_str_end(b, n, 0) + 2 <= n && xb_u16(b, xb_str_end(b, n, 0)) != 0);

  // ------------------------------------------------------------ SUBSCRIBE / UNSUBSCRIBE
  // One entry at pos: non-empty UTF-8 filter, then (q == 1) a requested-QoS byte <= 2
  // (XB-MQTT-45..47, -51).
  logic integer xb_entry_end{L}(uint8_t *b, integer n, integer pos, integer q) =
    xb_str_end(b, n, pos) < 0 ? -1 :
    xb_str_end(b, n, pos) + q <= n ? xb_str_end(b, n, pos) + q : -1;

  predicate xb_entry_ok{L}(uint8_t *b, integer n, integer pos, integer q) =
    xb_entry_end(b, n, pos, q) >= 0
    && xb_u16(b, pos) >= 1
    && xb_str_utf8(b, pos, xb_str_end(b, n, pos))
    && (q == 1 ==> b[xb_str_end(b, n, pos)] <= 2);

  // b[pos .. n-1] is a sequence of valid entries. The recursive argument is written
  // without a conditional (xb_entry_end is pos + 2 + length + q wherever xb_entry_ok
  // holds): a conditional there defeats the provers' instantiation of the definition.
  predicate xb_entries_from{L}(uint8_t *b, integer n, integer pos, integer q) =
    pos >= n
    || (xb_entry_ok(b, n, pos, q) && xb_entries_from(b, n, pos + 2 + xb_u16(b, pos) + q, q));

  // Number of entries that frame one after the other from pos (their content is not
  // looked at: it equals the number of entries wherever xb_entries_from holds).
  logic integer xb_entries_count{L}(uint8_t *b, integer n, integer pos, integer q) =
    pos >= n ? 0 :
    (pos + 2 <= n && pos + 2 + xb_u16(b, pos) + q <= n)
      ? 1 + xb_entries_count(b, n, pos + 2 + xb_u16(b, pos) + q, q) : 0;

  // ------------------------------------------------------------ encoders
  logic integer xb_publish_header_size_l(integer tl, integer pl) =
    1 + xb_varint_size_l(2 + tl + pl) + 2 + tl;
  predicate xb_publish_fits(integer tl, integer pl) =
    0 <= tl <= 65535 && 0 <= pl && 2 + tl + pl <= 268435455;

  logic integer xb_suback_size_l(integer c) =
    (1 <= c && 2 + c <= 268435455) ? 1 + xb_varint_size_l(2 + c) + 2 + c : 0;

  predicate xb_suback_code_ok(integer c) = c == 0 || c == 1 || c == 2 || c == 128;
*/

#endif
