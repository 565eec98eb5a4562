/*
 * test_api_exceptions.c — deliberate deviations of spec/exceptions.md that the engine
 * alone decides, checked through requests.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test_api_util.h"

/* XB-EXC-21 (XB-AUTHZ-10): minimum_interval is stored and rendered but not enforced:
 * two writes with such a key, one microsecond apart, both land. */
START_TEST(test_minimum_interval_not_enforced_on_writes_XB_EXC_21) {
  ck_assert_uint_eq(ta_feed(T.alice, false), 1);
  ck_assert_int_eq(ta_post("/v2/keys.json",
                           "{\"key\":{\"label\":\"slow\",\"private_access\":true,\"permissions\":"
                           "[{\"access_methods\":[\"get\",\"put\"],\"minimum_interval\":3600}]}}",
                           T.alice),
                   201);
  char k[XB_API_KEY_TEXT];
  snprintf(k, sizeof k, "%.64s", T.resp.created);
  ck_assert_uint_gt(strlen(k), 0);
  /* Stored and rendered. */
  char kt[128];
  snprintf(kt, sizeof kt, "/v2/keys/%s.json", k);
  ck_assert_int_eq(ta_get(kt, T.alice), 200);
  ck_assert_msg(ta_has("\"minimum_interval\":3600"), "minimum_interval not rendered: %s", ta_body());
  /* Not enforced: both writes succeed and the second is the current value. */
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/0.json", "{\"current_value\":\"first\"}", k), 200);
  T.now += 1;
  ck_assert_int_eq(ta_put("/v2/feeds/1/datastreams/0.json", "{\"current_value\":\"second\"}", k), 200);
  ck_assert_ptr_null(T.resp.reason);
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0.json", k), 200);
  ck_assert_msg(ta_has("\"current_value\":\"second\""), "second write lost: %s", ta_body());
  /* Both are in the history (two datapoints, one per write). */
  ck_assert_int_eq(ta_get("/v2/feeds/1/datastreams/0/datapoints.json", k), 200);
  ck_assert_msg(ta_has("\"value\":\"first\"") && ta_has("\"value\":\"second\""),
                "both writes must be recorded: %s", ta_body());
}
END_TEST

Suite *xb_suite_api_exceptions(void);
Suite *xb_suite_api_exceptions(void) {
  Suite *s = suite_create("api_exceptions");
  TCase *tc = tcase_create("exceptions");
  tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_minimum_interval_not_enforced_on_writes_XB_EXC_21);
  suite_add_tcase(s, tc);
  return s;
}
