/* libFuzzer target: guard mcp's frame reader, the mcp entry of targets.c (see t/fuzz/run.sh). */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_mcp_one(data, size);
}
