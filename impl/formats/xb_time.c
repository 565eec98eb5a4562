/*
 * xb_time.c — ISO 8601 timestamps <-> microseconds since the epoch (see xb_time.h).
 *
 * Calendar arithmetic uses the days-from-civil algorithm (H. Hinnant) on years shifted
 * to start in March, so February's length only matters for the day-of-month check.
 * Multiplications are by constants only, which keeps every WP goal linear.
 */
#include "formats/xb_time.h"

/*@
  logic integer xb_iso_leap(integer y) =
    ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0;
  logic integer xb_iso_mdays(integer y, integer m) =
    m == 2 ? 28 + xb_iso_leap(y)
    : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
  logic integer xb_iso_p10(integer k) =
    k <= 0 ? 1 : k == 1 ? 10 : k == 2 ? 100 : k == 3 ? 1000
    : k == 4 ? 10000 : k == 5 ? 100000 : 1000000;
*/

/*@
  requires \valid_read(s + (0 .. 1));
  assigns \nothing;
  ensures -1 <= \result <= 99;
  ensures \result >= 0 <==> xb_iso_digit(s[0]) && xb_iso_digit(s[1]);
  ensures \result >= 0 ==> \result == xb_iso_dv(s[0]) * 10 + xb_iso_dv(s[1]);
*/
static int32_t xb_iso_num2(const uint8_t *s)
{
  int32_t v = -1;
  if (s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9') {
    v = (int32_t)(s[0] - '0') * 10 + (int32_t)(s[1] - '0');
  }
  return v;
}

/*@
  requires 1 <= m <= 12;
  requires 0 <= y <= 9999;
  assigns \nothing;
  ensures \result == xb_iso_mdays(y, m);
  ensures 28 <= \result <= 31;
*/
static int32_t xb_iso_month_days(int32_t y, int32_t m)
{
  int32_t r = 31;
  if (m == 2) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    r = leap ? 29 : 28;
  } else if (m == 4 || m == 6 || m == 9 || m == 11) {
    r = 30;
  }
  return r;
}

/*@
  requires 1969 <= y <= 9999;
  requires 1 <= m <= 12;
  requires 1 <= d <= 31;
  assigns \nothing;
  ensures -200000 <= \result <= 3000000;
*/
static int64_t xb_iso_days(int32_t y, int32_t m, int32_t d)
{
  int32_t yy = m <= 2 ? y - 1 : y;           /* the year starts in March */
  int32_t era = yy / 400;
  int32_t yoe = yy - era * 400;              /* 0 .. 399 */
  int32_t mp = m > 2 ? m - 3 : m + 9;        /* March = 0 */
  int32_t doy = (153 * mp + 2) / 5 + d - 1;  /* 0 .. 365 */
  int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int64_t)era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970 */
}

/*@
  requires s == \null || \valid_read(s + (0 .. n - 1));
  requires us == \null || \valid(us);
  requires s == \null || us == \null || \separated(us, s + (0 .. n - 1));
  assigns *us;
  ensures \result ==> s != \null && us != \null;
  ensures \result ==> 20 <= n <= 32;
  ensures \result ==> 0 <= *us <= XB_ISO8601_MAX_US;
  ensures \result ==> \forall integer k; k == 0 || k == 1 || k == 2 || k == 3 || k == 5
            || k == 6 || k == 8 || k == 9 || k == 11 || k == 12 || k == 14 || k == 15
            || k == 17 || k == 18 ==> xb_iso_digit(s[k]);
  ensures \result ==> s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':'
            && s[16] == ':';
  ensures \result ==> s[n - 1] == 'Z' || xb_iso_digit(s[n - 1]);
  ensures !\result ==> us == \null || *us == \old(*us);
*/
bool xb_iso8601_parse(const uint8_t *s, size_t n, int64_t *us)
{
  bool ok = false;
  if (s != NULL && us != NULL && n >= 20u && n <= 32u) {
    int32_t y1 = xb_iso_num2(s);
    int32_t y2 = xb_iso_num2(s + 2);
    int32_t mo = xb_iso_num2(s + 5);
    int32_t d = xb_iso_num2(s + 8);
    int32_t h = xb_iso_num2(s + 11);
    int32_t mi = xb_iso_num2(s + 14);
    int32_t se = xb_iso_num2(s + 17);
    bool good = y1 >= 0 && y2 >= 0 && mo >= 1 && mo <= 12 && d >= 1 && h >= 0 && h <= 23
                && mi >= 0 && mi <= 59 && se >= 0 && se <= 59 && s[4] == '-' && s[7] == '-'
                && s[10] == 'T' && s[13] == ':' && s[16] == ':';
    int32_t y = 0;
    if (good) {
      y = y1 * 100 + y2;
      /* XB-TOPIC-9: a real day of that month; a year before 1969 is before 1970 UTC
       * whatever the zone, and rejecting it early keeps the arithmetic positive. */
      good = y >= 1969 && d <= xb_iso_month_days(y, mo);
    }
    size_t i = 19;
    int32_t frac = 0;
    if (good && s[19] == '.') {
      size_t nd = 0;
      bool more = true;
      i = 20;
      /* XB-TOPIC-9: 1 to 6 fraction digits, padded with zeros to microseconds. */
      /*@
        loop invariant 0 <= k <= 6;
        loop invariant 0 <= nd <= k;
        loop invariant i == 20 + nd;
        loop invariant i <= n;
        loop invariant 0 <= frac < xb_iso_p10(k);
        loop invariant !more ==> nd < k || k == 0;
        loop assigns k, nd, i, more, frac;
        loop variant 6 - k;
      */
      for (size_t k = 0; k < 6u; k++) {
        int32_t dg = 0;
        if (more && i < n && s[i] >= '0' && s[i] <= '9') {
          dg = (int32_t)(s[i] - '0');
          i++;
          nd++;
        } else {
          more = false;
        }
        frac = frac * 10 + dg;
      }
      good = nd >= 1u;
    }
    int32_t zone = 0; /* seconds east of UTC */
    if (good) {
      if (i + 1u == n && s[i] == 'Z') {
        zone = 0;
      } else if (i + 6u == n && (s[i] == '+' || s[i] == '-') && s[i + 3u] == ':') {
        int32_t zh = xb_iso_num2(s + i + 1u);
        int32_t zm = xb_iso_num2(s + i + 4u);
        if (zh >= 0 && zh <= 23 && zm >= 0 && zm <= 59) {
          zone = zh * 3600 + zm * 60;
          if (s[i] == '-') {
            zone = -zone;
          }
        } else {
          good = false;
        }
      } else {
        good = false;
      }
    }
    if (good) {
      int64_t days = xb_iso_days(y, mo, d);
      int64_t secs = days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se - zone;
      int64_t v = secs * 1000000 + frac;
      if (v >= 0 && v <= XB_ISO8601_MAX_US) {
        *us = v;
        ok = true;
      }
    }
  }
  return ok;
}

/*@
  requires \valid(out + (0 .. w - 1));
  requires 0 <= v < xb_iso_p10(w);
  requires 1 <= w <= 6;
  assigns out[0 .. w - 1];
  ensures \forall integer k; 0 <= k < w ==> xb_iso_digit(out[k]);
*/
static void xb_iso_put(uint8_t *out, int32_t v, size_t w)
{
  int32_t x = v;
  size_t k = w;
  /*@
    loop invariant 0 <= k <= w;
    loop invariant 0 <= x;
    loop invariant \forall integer j; k <= j < w ==> xb_iso_digit(out[j]);
    loop assigns k, x, out[0 .. w - 1];
    loop variant k;
  */
  while (k > 0u) {
    k--;
    out[k] = (uint8_t)('0' + x % 10);
    x = x / 10;
  }
}

/*@
  requires out == \null || \valid(out + (0 .. cap - 1));
  assigns out[0 .. cap - 1];
  ensures \result == 0 || \result == XB_ISO8601_CANON_LEN;
  ensures \result == XB_ISO8601_CANON_LEN ==>
            out != \null && cap >= XB_ISO8601_CANON_LEN && 0 <= us <= XB_ISO8601_MAX_US;
  ensures \result == XB_ISO8601_CANON_LEN ==>
            out[4] == '-' && out[7] == '-' && out[10] == 'T' && out[13] == ':'
            && out[16] == ':' && out[19] == '.' && out[26] == 'Z';
  ensures (out == \null || cap < XB_ISO8601_CANON_LEN || us < 0 || us > XB_ISO8601_MAX_US)
            ==> \result == 0;
*/
size_t xb_iso8601_format(int64_t us, uint8_t *out, size_t cap)
{
  size_t w = 0;
  if (out != NULL && cap >= XB_ISO8601_CANON_LEN && us >= 0 && us <= XB_ISO8601_MAX_US) {
    int64_t secs = us / 1000000;
    int32_t frac = (int32_t)(us % 1000000);
    int32_t days = (int32_t)(secs / 86400);
    int32_t sod = (int32_t)(secs % 86400);
    /* civil-from-days, the inverse of xb_iso_days */
    int32_t z = days + 719468;
    int32_t era = z / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t y = yoe + era * 400;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    int32_t d = doy - (153 * mp + 2) / 5 + 1;
    int32_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) {
      y++;
    }
    /* The algorithm keeps these in range; checking them keeps the proof free of its
     * correctness argument (the unit tests and the fuzz round trip check that). */
    if (y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
      xb_iso_put(out, y, 4u);
      out[4] = '-';
      xb_iso_put(out + 5, m, 2u);
      out[7] = '-';
      xb_iso_put(out + 8, d, 2u);
      out[10] = 'T';
      xb_iso_put(out + 11, sod / 3600, 2u);
      out[13] = ':';
      xb_iso_put(out + 14, sod / 60 % 60, 2u);
      out[16] = ':';
      xb_iso_put(out + 17, sod % 60, 2u);
      out[19] = '.';
      xb_iso_put(out + 20, frac, 6u);
      out[26] = 'Z';
      w = XB_ISO8601_CANON_LEN;
    }
  }
  return w;
}
