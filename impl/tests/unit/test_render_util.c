/* test_render_util.c — see test_render_util.h (no suite here). */
#include "test_render_util.h"

#include <check.h>
#include <string.h>

#include "api/xb_valid.h"

int64_t tr_time(const char *iso) {
  int64_t us = 0;
  ck_assert_msg(xb_time_parse(iso, strlen(iso), &us), "bad time %s", iso);
  return us;
}

xb_feed_row tr_feed504(void) {
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.id = 504;
  f.owner_login = S("someone");
  f.title = S("Office");
  f.description = S("Sensors in the office");
  f.tags = S("office");
  f.loc_disposition = S("fixed");
  f.loc_domain = S("physical");
  f.loc_exposure = S("indoor");
  f.loc_name = S("desk");
  f.loc_lat = S("51.5");
  f.loc_lon = S("-0.08");
  f.loc_ele = S("23.0");
  f.created = tr_time("2012-01-01T00:00:00Z");
  f.updated = tr_time("2013-04-23T12:34:56.123456Z");
  return f;
}

xb_ds_row tr_ds0(void) {
  xb_ds_row d;
  memset(&d, 0, sizeof d);
  d.feed_id = 504;
  d.id = S("0");
  d.written = true;
  d.current_value = S("21.5");
  d.at = tr_time("2013-04-23T12:34:56.100000Z");
  d.max_value = S("30.0");
  d.min_value = S("12.0");
  d.tags = S("temperature");
  d.unit_label = S("Celsius");
  d.unit_symbol = S("C");
  d.unit_type = S("derivedSI");
  return d;
}

xb_ds_row tr_ds_temp(void) {
  xb_ds_row d;
  memset(&d, 0, sizeof d);
  d.feed_id = 504;
  d.id = S("temp");
  return d;
}

void tr_points(xb_point_row pts[2]) {
  pts[0] = (xb_point_row){tr_time("2013-04-23T12:30:00Z"), S("21.4")};
  pts[1] = (xb_point_row){tr_time("2013-04-23T12:34:56.100000Z"), S("21.5")};
}
