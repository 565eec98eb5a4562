/* xb_valid.c — see xb_valid.h. */
#include "api/xb_valid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool xb_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

xb_str xb_trim(xb_str s) {
  if (s.p == NULL) return s;
  while (s.n > 0 && xb_ws(s.p[0])) {
    s.p++;
    s.n--;
  }
  while (s.n > 0 && xb_ws(s.p[s.n - 1])) s.n--;
  return s;
}

bool xb_has_ctl(xb_str s, bool multiline) {
  for (size_t i = 0; i < s.n; i++) {
    unsigned char c = (unsigned char)s.p[i];
    if (c == 0x7f) return true;
    if (c < 0x20) {
      if (multiline && (c == '\t' || c == '\n' || c == '\r')) continue;
      return true;
    }
  }
  return false;
}

static bool xb_dig(const char *s, size_t n, unsigned *v) {
  unsigned r = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    r = r * 10u + (unsigned)(s[i] - '0');
  }
  *v = r;
  return true;
}

static int64_t xb_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
  int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool xb_time_parse(const char *s, size_t n, int64_t *us) {
  unsigned y, mo, d, h, mi, se;
  if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return false;
  if (!xb_dig(s, 4, &y) || !xb_dig(s + 5, 2, &mo) || !xb_dig(s + 8, 2, &d) ||
      !xb_dig(s + 11, 2, &h) || !xb_dig(s + 14, 2, &mi) || !xb_dig(s + 17, 2, &se))
    return false;
  size_t i = 19;
  unsigned frac = 0;
  if (s[i] == '.') {
    size_t k = 0;
    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9' && k < 7) {
      frac = frac * 10u + (unsigned)(s[i] - '0');
      i++;
      k++;
    }
    if (k == 0 || k > 6) return false;
    for (; k < 6; k++) frac *= 10u; /* ".5" is 500000 us (XB-TOPIC-9) */
  }
  if (i >= n) return false;
  int64_t off = 0;
  if (s[i] == 'Z') {
    i++;
  } else if (s[i] == '+' || s[i] == '-') {
    unsigned oh, om;
    if (n - i != 6 || s[i + 3] != ':' || !xb_dig(s + i + 1, 2, &oh) ||
        !xb_dig(s + i + 4, 2, &om) || oh > 23 || om > 59)
      return false;
    off = (int64_t)(oh * 3600u + om * 60u);
    if (s[i] == '-') off = -off;
    i += 6;
  } else {
    return false;
  }
  if (i != n) return false;
  static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  bool leap = (y % 4u == 0 && y % 100u != 0) || y % 400u == 0;
  unsigned last = mdays[mo - 1] + (mo == 2 && leap ? 1u : 0u);
  if (d > last) return false;
  int64_t secs = xb_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
  int64_t v = secs * 1000000 + frac;
  /* 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z after conversion to UTC. */
  if (v < 0 || v > INT64_C(253402300799999999)) return false;
  *us = v;
  return true;
}

bool xb_numeric(xb_str s, double *v) {
  size_t i = 0;
  if (s.p == NULL || s.n == 0 || s.n > 400) return false;
  if (s.p[i] == '+' || s.p[i] == '-') i++;
  size_t di = 0, df = 0;
  while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
    i++;
    di++;
  }
  if (i < s.n && s.p[i] == '.') {
    i++;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
      i++;
      df++;
    }
  }
  if (di == 0 && df == 0) return false;
  if (i < s.n && (s.p[i] == 'e' || s.p[i] == 'E')) {
    i++;
    if (i < s.n && (s.p[i] == '+' || s.p[i] == '-')) i++;
    size_t de = 0;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
      i++;
      de++;
    }
    if (de == 0) return false;
  }
  if (i != s.n) return false;
  char tmp[404];
  memcpy(tmp, s.p, s.n);
  tmp[s.n] = '\0';
  double d = strtod(tmp, NULL);
  if (!isfinite(d)) return false;
  *v = d;
  return true;
}

bool xb_json_number_text(xb_str s) {
  size_t i = 0;
  if (s.p == NULL || s.n == 0) return false;
  if (s.p[i] == '-') i++;
  if (i >= s.n) return false;
  if (s.p[i] == '0') {
    i++;
  } else if (s.p[i] >= '1' && s.p[i] <= '9') {
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') i++;
  } else {
    return false;
  }
  if (i < s.n && s.p[i] == '.') {
    i++;
    size_t k = 0;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
      i++;
      k++;
    }
    if (k == 0) return false;
  }
  if (i < s.n && (s.p[i] == 'e' || s.p[i] == 'E')) {
    i++;
    if (i < s.n && (s.p[i] == '+' || s.p[i] == '-')) i++;
    size_t k = 0;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
      i++;
      k++;
    }
    if (k == 0) return false;
  }
  return i == s.n;
}

static bool xb_lower_eq(const char *a, const char *lit, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != lit[i]) return false;
  }
  return true;
}

static bool xb_no_space_ctl(xb_str s) {
  for (size_t i = 0; i < s.n; i++) {
    unsigned char c = (unsigned char)s.p[i];
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool xb_url_ok(xb_str s) {
  size_t pre;
  if (s.n >= 7 && xb_lower_eq(s.p, "http://", 7)) pre = 7;
  else if (s.n >= 8 && xb_lower_eq(s.p, "https://", 8)) pre = 8;
  else return false;
  return s.n > pre && xb_no_space_ctl(s);
}

bool xb_email_ok(xb_str s) {
  if (s.n < 3 || s.n > 254 || !xb_no_space_ctl(s)) return false;
  size_t at = 0, nat = 0;
  for (size_t i = 0; i < s.n; i++)
    if (s.p[i] == '@') {
      at = i;
      nat++;
    }
  return nat == 1 && at > 0 && at < s.n - 1;
}

bool xb_is_word(xb_str s, size_t min, size_t max) {
  if (s.p == NULL || s.n < min || s.n > max) return false;
  for (size_t i = 0; i < s.n; i++) {
    char c = s.p[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool xb_str_eq(xb_str s, const char *c) {
  size_t n = strlen(c);
  return s.p != NULL && s.n == n && memcmp(s.p, c, n) == 0;
}

const char *xb_tags_normalize(const xb_list_in *in, xb_arena *a, xb_str *out) {
  *out = XB_STR_NONE;
  size_t total = 0;
  for (size_t i = 0; i < in->n; i++) {
    if (in->items[i].type != XB_V_STR) return "each tag must be a string";
    total += in->items[i].s.n + 1;
  }
  char *buf = xb_arena_alloc(a, total + 1);
  if (buf == NULL) return "too large";
  size_t len = 0, count = 0;
  for (size_t i = 0; i < in->n; i++) {
    xb_str t = in->items[i].s;
    size_t start = len + (count > 0 ? 1 : 0);
    size_t w = start;
    for (size_t j = 0; j < t.n; j++) {
      char c = t.p[j];
      if (c == '"' || c == '\'' || c == ',') continue;
      buf[w++] = c;
    }
    xb_str tag = xb_trim((xb_str){buf + start, w - start});
    if (tag.n == 0) continue;
    if (xb_has_ctl(tag, false)) return "a tag contains a control character";
    /* Duplicate of an earlier tag? (byte equality) */
    bool dup = false;
    size_t pos = 0;
    while (pos < len) {
      size_t e = pos;
      while (e < len && buf[e] != ',') e++;
      if (e - pos == tag.n && memcmp(buf + pos, tag.p, tag.n) == 0) dup = true;
      pos = e + 1;
    }
    if (dup) continue;
    if (tag.n > 64) return "a tag is longer than 64 bytes";
    if (++count > 32) return "more than 32 tags";
    if (start > len) buf[len] = ',';
    memmove(buf + start, tag.p, tag.n);
    len = start + tag.n;
  }
  if (count > 0) {
    buf[len] = '\0';
    *out = (xb_str){buf, len};
  }
  return NULL;
}
