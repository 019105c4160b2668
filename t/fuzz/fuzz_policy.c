/* libFuzzer target: the policy entry of targets.c (see t/fuzz/run.sh). */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_policy_one(data, size);
}
