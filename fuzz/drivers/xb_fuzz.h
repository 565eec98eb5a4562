/* The one entry point every fuzz/<target>/harness.c defines (libFuzzer's convention, so
 * the same harness runs under AFL++, libFuzzer and the replay driver). */
#ifndef XB_FUZZ_H
#define XB_FUZZ_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif
