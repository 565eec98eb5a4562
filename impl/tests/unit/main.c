/*
 * The unit-test runner: every `Suite *xb_suite_<name>(void)` found in
 * impl/tests/unit/test_*.c is listed in build/test/suites.inc by the Makefile, so adding
 * a suite needs no edit here. Check forks each test, so a crash fails one test only.
 * CK_RUN_SUITE / CK_RUN_CASE select a subset, as Check documents.
 */
#include <check.h>
#include <stdlib.h>

#define XB_SUITE(fn) Suite *fn(void);
#include "suites.inc"
#undef XB_SUITE

int main(void) {
  SRunner *runner = srunner_create(NULL);
#define XB_SUITE(fn) srunner_add_suite(runner, fn());
#include "suites.inc"
#undef XB_SUITE
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
