/* libFuzzer target: the hook entry of targets.c (see t/fuzz/run.sh). */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_hook_one(data, size);
}
