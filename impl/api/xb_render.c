/* xb_render.c — renderer registry and helpers shared by every format. */
#include "api/xb_render.h"

#include "formats/xb_render_csv.h"
#include "formats/xb_render_json.h"
#include "formats/xb_render_xml.h"

const xb_renderer *xb_render_for(unsigned version, unsigned format) {
  if (version == 2 && format == 0) return &xb_render_json;
  if (version == 2 && format == 1) return &xb_render_xml; /* EEML 0.5.1, spec/xml.md */
  if (format == 2) return version == 1 ? &xb_render_csv_v1 : &xb_render_csv; /* spec/csv.md */
  return NULL; /* v1 has only CSV (XB-TOPIC-12): the route check answers 404 first */
}

/* Days since 1970-01-01 to civil date (H. Hinnant's algorithm, proleptic Gregorian). */
static void xb_civil(int64_t days, int64_t *y, unsigned *m, unsigned *d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

static void xb_put2(char *o, unsigned v) {
  o[0] = (char)('0' + v / 10u);
  o[1] = (char)('0' + v % 10u);
}

size_t xb_time_format(int64_t us, char out[XB_TIME_TEXT_LEN + 1]) {
  if (us < 0) us = 0;
  int64_t secs = us / 1000000;
  unsigned frac = (unsigned)(us % 1000000);
#ifdef XB_MUT_TIMESTAMP_MS /* seeded fault, make conform-mutants only */
  frac = frac / 1000u * 1000u;
#endif
  int64_t days = secs / 86400;
  unsigned sod = (unsigned)(secs % 86400);
  int64_t y;
  unsigned m, d;
  xb_civil(days, &y, &m, &d);
  if (y > 9999) y = 9999;
  unsigned yy = (unsigned)y;
  out[0] = (char)('0' + yy / 1000u);
  out[1] = (char)('0' + yy / 100u % 10u);
  out[2] = (char)('0' + yy / 10u % 10u);
  out[3] = (char)('0' + yy % 10u);
  out[4] = '-';
  xb_put2(out + 5, m);
  out[7] = '-';
  xb_put2(out + 8, d);
  out[10] = 'T';
  xb_put2(out + 11, sod / 3600u);
  out[13] = ':';
  xb_put2(out + 14, sod / 60u % 60u);
  out[16] = ':';
  xb_put2(out + 17, sod % 60u);
  out[19] = '.';
  for (int i = 25; i >= 20; i--) {
    out[i] = (char)('0' + frac % 10u);
    frac /= 10u;
  }
  out[26] = 'Z';
  out[27] = '\0';
  return XB_TIME_TEXT_LEN;
}

void xb_buf_put_time(xb_buf *b, int64_t us) {
  char t[XB_TIME_TEXT_LEN + 1];
  xb_buf_append(b, t, xb_time_format(us, t));
}

bool xb_tags_next(xb_str tags, size_t *pos, xb_str *tag) {
  if (tags.p == NULL || *pos >= tags.n) return false;
  size_t i = *pos;
  size_t j = i;
  while (j < tags.n && tags.p[j] != ',') j++;
  tag->p = tags.p + i;
  tag->n = j - i;
  *pos = j + 1;
  return true;
}
