/*
 * xb_topic_lex.c — lexical helpers of the topic parser (spec/topics.md §2): character
 * runs, literals, numbers and timestamps. Each helper reads only t[0 .. len-1] and says
 * how far it got, so the callers compose them by position.
 */
#include "topic/xb_topic_int.h"

/*@ assigns \nothing;
    ensures \result <==> xb_word(c);
*/
static bool is_word(uint8_t c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

/*@ assigns \nothing;
    ensures \result <==> xb_digit(c);
*/
static bool is_digit(uint8_t c)
{
  return c >= '0' && c <= '9';
}

/*@ assigns \nothing;
    ensures \result <==> xb_valch(c);
*/
static bool is_value(uint8_t c)
{
  return is_word(c) || c == '.' || c == ':' || c == ',' || c == '+';
}

/* The longest run of id-char starting at pos. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires pos <= len;
    assigns \nothing;
    ensures pos <= \result <= len;
    ensures xb_all_word(t, pos, \result - pos);
    ensures \result == len || !xb_word(t[\result]);
*/
size_t xb_topic_scan_word(const uint8_t *t, size_t len, size_t pos)
{
  size_t i = pos;
  /*@ loop invariant pos <= i <= len;
      loop invariant xb_all_word(t, pos, i - pos);
      loop assigns i;
      loop variant len - i;
  */
  while (i < len && is_word(t[i]))
    i++;
  return i;
}

/* The longest run of DIGIT starting at pos. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires pos <= len;
    assigns \nothing;
    ensures pos <= \result <= len;
    ensures xb_all_digit(t, pos, \result - pos);
    ensures \result == len || !xb_digit(t[\result]);
*/
size_t xb_topic_scan_digits(const uint8_t *t, size_t len, size_t pos)
{
  size_t i = pos;
  /*@ loop invariant pos <= i <= len;
      loop invariant xb_all_digit(t, pos, i - pos);
      loop assigns i;
      loop variant len - i;
  */
  while (i < len && is_digit(t[i]))
    i++;
  return i;
}

/* The longest run of pvalue characters starting at pos. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires pos <= len;
    assigns \nothing;
    ensures pos <= \result <= len;
    ensures xb_all_valch(t, pos, \result - pos);
    ensures \result == len || !xb_valch(t[\result]);
*/
size_t xb_topic_scan_value(const uint8_t *t, size_t len, size_t pos)
{
  size_t i = pos;
  /*@ loop invariant pos <= i <= len;
      loop invariant xb_all_valch(t, pos, i - pos);
      loop assigns i;
      loop variant len - i;
  */
  while (i < len && is_value(t[i]))
    i++;
  return i;
}

/* True when the n bytes of lit appear at t[pos] (case-sensitive, as §2 requires). */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid_read(lit + (0 .. n - 1));
    requires pos <= len;
    assigns \nothing;
    ensures \result ==> n <= len - pos;
    ensures \result ==> \forall integer i; 0 <= i < n ==> t[pos + i] == lit[i];
*/
bool xb_topic_lit(const uint8_t *t, size_t len, size_t pos, const char *lit, size_t n)
{
  bool eq = false;
  if (n <= len - pos) {
    size_t i = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> t[pos + j] == lit[j];
        loop assigns i;
        loop variant n - i;
    */
    while (i < n && (int)t[pos + i] == (int)lit[i])
      i++;
    eq = i == n;
  }
  return eq;
}

/*
 * %x31-39 *DIGIT at pos with a value of at most maxv (feed-id, trigger-id and the
 * numeric parameter values). Reads digits while the value stays within maxv, so on
 * success a digit at *end means the number was too large: the caller's check of what
 * follows rejects it.
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(end) && \valid(val);
    requires \separated(end, val, t + (0 .. len - 1));
    requires pos <= len;
    requires 1 <= maxv <= XB_TOPIC_ID_MAX;
    assigns *end, *val;
    ensures pos <= *end <= len;
    ensures \result ==> pos < *end && xb_id(t, pos, *end - pos, *val) && *val <= maxv;
*/
bool xb_topic_num(const uint8_t *t, size_t len, size_t pos, uint32_t maxv, size_t *end,
                  uint32_t *val)
{
  bool ok = pos < len && t[pos] >= '1' && t[pos] <= '9';
  bool more = ok;
  uint64_t v = 0;
  size_t i = pos;
  /*@ loop invariant pos <= i <= len;
      loop invariant i - pos <= 10;
      loop invariant xb_all_digit(t, pos, i - pos);
      loop invariant v == xb_dec(t, pos, i - pos);
      loop invariant v <= maxv;
      loop invariant more ==> ok;
      loop invariant ok ==> '1' <= t[pos] <= '9';
      loop assigns i, v, more;
      loop variant len - i + (more ? 1 : 0);
  */
  while (more && i < len && i - pos < 10 && is_digit(t[i])) {
    uint64_t nv = v * 10u + (uint64_t)(t[i] - '0');
    if (nv > maxv) {
      more = false;
    } else {
      v = nv;
      i++;
    }
  }
  ok = ok && i > pos;
  *end = i;
  *val = (uint32_t)v;
  return ok;
}

/*
 * Two characters d[0], d[1] read as decimal digits. Callers have checked they are
 * digits (0..99 then) and check the range they need; no overflow either way.
 */
/*@ requires \valid_read(d + (0 .. 1));
    assigns \nothing;
    ensures -528 <= \result <= 2277;
    ensures xb_digit(d[0]) && xb_digit(d[1]) ==> 0 <= \result <= 99;
*/
static int32_t two(const uint8_t *d)
{
  return ((int32_t)d[0] - 48) * 10 + ((int32_t)d[1] - 48);
}

/* Two DIGIT at t[p], t[p+1]. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires p <= len && len - p >= 2;
    assigns \nothing;
    ensures \result <==> xb_all_digit(t, p, 2);
*/
static bool digits2(const uint8_t *t, size_t len, size_t p)
{
  (void)len; /* bounds p in the contract */
  return is_digit(t[p]) && is_digit(t[p + 1]);
}

/* The shape of YYYY-MM-DDTHH:MM:SS at t[pos .. pos+18]. */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires pos <= len && len - pos >= 19;
    assigns \nothing;
    ensures \result ==> xb_ts_head(t, pos);
*/
static bool ts_shape(const uint8_t *t, size_t len, size_t pos)
{
  return xb_topic_scan_digits(t, pos + 4, pos) == pos + 4 && t[pos + 4] == '-' &&
         digits2(t, len, pos + 5) && t[pos + 7] == '-' && digits2(t, len, pos + 8) &&
         t[pos + 10] == 'T' && digits2(t, len, pos + 11) && t[pos + 13] == ':' &&
         digits2(t, len, pos + 14) && t[pos + 16] == ':' && digits2(t, len, pos + 17);
}

/* Days in month m (1..12) of year y, Gregorian leap years (XB-TOPIC-9). */
/*@ requires 1 <= m <= 12;
    assigns \nothing;
    ensures 28 <= \result <= 31;
*/
static int32_t month_days(int32_t y, int32_t m)
{
  int32_t n = 31;
  if (m == 2)
    n = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
  else if (m == 4 || m == 6 || m == 9 || m == 11)
    n = 30;
  return n;
}

/*
 * Seconds since 1970-01-01T00:00:00 of a valid civil date and time (the proleptic
 * Gregorian day count of H. Hinnant's days_from_civil, for years from 1969 on).
 */
/*@ requires 1969 <= y <= 9999 && 1 <= m <= 12 && 1 <= d <= 31;
    requires 0 <= hh <= 23 && 0 <= mi <= 59 && 0 <= ss <= 59;
    assigns \nothing;
    ensures -70000000 <= \result <= 253402300799;
*/
static int64_t civil_seconds(int32_t y, int32_t m, int32_t d, int32_t hh, int32_t mi,
                             int32_t ss)
{
  int32_t ya = m <= 2 ? y - 1 : y;
  int32_t era = ya / 400;
  int32_t yoe = ya % 400;
  int32_t mp = m > 2 ? m - 3 : m + 9;
  int32_t doy = (153 * mp + 2) / 5 + d - 1;
  /*@ assert 4 <= era <= 24; */
  /*@ assert 0 <= yoe <= 399; */
  /*@ assert 0 <= doy <= 367; */
  int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  /*@ assert 0 <= doe <= 146097 + 367; */
  int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
  /*@ assert -800 <= days <= 2932896; */
  return days * 86400 + (int64_t)hh * 3600 + (int64_t)mi * 60 + (int64_t)ss;
}

/* 1..6 fraction digits t[off .. off+n-1] as microseconds (".5" is 500000, XB-TOPIC-9). */
/*@ requires 1 <= n <= 6;
    requires \valid_read(t + (0 .. len - 1));
    requires off <= len && n <= len - off;
    requires xb_all_digit(t, off, n);
    assigns \nothing;
    ensures 0 <= \result <= 999999;
*/
static int32_t fraction_us(const uint8_t *t, size_t len, size_t off, size_t n)
{
  (void)len; /* bounds off + n in the contract */
  int32_t f = 0;
  size_t k = 0;
  /*@ loop invariant 0 <= k <= 6;
      loop invariant 0 <= f < xb_p10(k);
      loop assigns k, f;
      loop variant 6 - k;
  */
  while (k < 6) {
    int32_t dg = k < n ? (int32_t)t[off + k] - 48 : 0;
    f = f * 10 + dg;
    k++;
  }
  return f;
}

/*
 * timestamp at pos, denoting a real instant between 1970-01-01T00:00:00Z and
 * 9999-12-31T23:59:59.999999Z (XB-TOPIC-9); *us is that instant in microseconds.
 */
/*@ requires \valid_read(t + (0 .. len - 1));
    requires \valid(end) && \valid(us);
    requires \separated(end, us, t + (0 .. len - 1));
    requires pos <= len;
    assigns *end, *us;
    ensures \result ==> pos < *end <= len && xb_ts(t, pos, *end - pos);
    ensures \result ==> 0 <= *us <= XB_TOPIC_US_MAX;
*/
bool xb_topic_timestamp(const uint8_t *t, size_t len, size_t pos, size_t *end, int64_t *us)
{
  bool ok = len - pos >= 20 && ts_shape(t, len, pos);
  size_t p = ok ? pos + 19 : pos;
  int32_t frac = 0;
  int64_t secs = 0, zone = 0, v = 0;
  if (ok) {
    const uint8_t *h = t + pos;
    int32_t y = two(h) * 100 + two(h + 2), m = two(h + 5), d = two(h + 8);
    int32_t hh = two(h + 11), mi = two(h + 14), ss = two(h + 17);
    /* Years before 1969 end before 1970-01-01T00:00:00Z whatever the zone. */
    ok = y >= 1969 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
         d <= month_days(y, m) && hh >= 0 && hh <= 23 && mi >= 0 && mi <= 59 && ss >= 0 &&
         ss <= 59;
    if (ok)
      secs = civil_seconds(y, m, d, hh, mi, ss);
  }
  if (ok && p < len && t[p] == '.') {
    size_t f = xb_topic_scan_digits(t, len, p + 1);
    ok = f > p + 1 && f - (p + 1) <= 6;
    if (ok)
      frac = fraction_us(t, len, p + 1, f - (p + 1));
    p = f;
  }
  /*@ assert ok ==> pos + 19 <= p <= pos + 26 && p <= len
                   && xb_all_tsch(t, pos + 19, p - (pos + 19)); */
  if (ok) {
    if (p < len && t[p] == 'Z') {
      p++;
    } else if (len - p >= 6 && (t[p] == '+' || t[p] == '-') && is_digit(t[p + 1]) &&
               is_digit(t[p + 2]) && t[p + 3] == ':' && is_digit(t[p + 4]) &&
               is_digit(t[p + 5])) {
      int32_t zh = two(t + p + 1), zm = two(t + p + 4);
      ok = zh >= 0 && zh <= 23 && zm >= 0 && zm <= 59;
      zone = (int64_t)zh * 3600 + (int64_t)zm * 60;
      if (t[p] == '-')
        zone = -zone;
      p += 6;
    } else {
      ok = false;
    }
  }
  if (ok) {
    /* Local time minus its offset is UTC: 14:00+02:00 is 12:00Z (XB-TOPIC-10). */
    v = (secs - zone) * 1000000 + (int64_t)frac;
    ok = v >= 0 && v <= XB_TOPIC_US_MAX;
  }
  *end = p;
  *us = ok ? v : 0;
  return ok;
}
