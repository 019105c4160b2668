/*
 * Data-driven policy tests: a YAML file of cases, each an event (or a
 * tool call in short form) and the expected effect, run through the
 * risk stage and guard_policy_decide. See guard-policy(5), "TEST CASES".
 */
#ifndef GUARD_POLICY_TEST_H
#define GUARD_POLICY_TEST_H

#include "guard_buf.h"
#include "guard_policy.h"

/*
 * Run the cases in path. The policy comes from the file's top-level
 * "policy:" (paths relative to the case file; then only the layers it
 * names are read) or else from src. The project root the risk stage
 * sees is the file's "project:", else src->project_root, else a fixed
 * made-up root (/guard-test/project). report gets one "ok" or "FAIL"
 * line per case; *passed and *failed count them. Returns 0 when every
 * case ran (failed cases included), GUARD_EUSAGE for a malformed case
 * file and GUARD_EPOLICY for a policy that does not load; the report
 * then holds every error.
 */
int guard_policy_test_file(const char *path, const struct guard_policy_sources *src,
			   struct guard_buf *report, int *passed, int *failed);

#endif
