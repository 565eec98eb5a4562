/*
 * AFL++ persistent-mode driver: links with one fuzz/<target>/harness.c.
 * Shared-memory test cases and __AFL_LOOP avoid a fork per input; the harness is
 * the same LLVMFuzzerTestOneInput that libFuzzer and the replay driver use.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__AFL_FUZZ_INIT();

int main(void) {
  /* A copy, so reads past the end of the input hit ASan instead of AFL's buffer. */
  static uint8_t copy[1u << 20];
#ifdef __AFL_HAVE_MANUAL_CONTROL
  __AFL_INIT();
#endif
  const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;
  while (__AFL_LOOP(100000)) {
    size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
    if (len > sizeof copy) len = sizeof copy;
    for (size_t i = 0; i < len; i++) copy[i] = buf[i];
    (void)LLVMFuzzerTestOneInput(copy, len);
  }
  return 0;
}
