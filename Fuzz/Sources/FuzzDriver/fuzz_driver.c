#include "fuzz_driver.h"

// Provided by libFuzzer (-sanitize=fuzzer).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

// SwiftPM links an executable target with `main` aliased to `<Module>_main`; with -parse-as-library there is
// no top-level code to define it, so each fuzz target defines `<Module>_main` and calls this.
int chiptrail_fuzz_main(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}
