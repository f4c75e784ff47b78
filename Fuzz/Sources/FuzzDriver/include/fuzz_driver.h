#ifndef CHIPTRAIL_FUZZ_DRIVER_H
#define CHIPTRAIL_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver with `callback` as the fuzz target (LLVMFuzzerRunDriver, LLVM 11+).
int chiptrail_fuzz_main(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size));

#endif
