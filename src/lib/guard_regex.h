/*
 * How every policy-supplied regular expression is compiled and bounded
 * (policy rules, forbidden patterns, redaction): one set of PCRE2 flags
 * and one limit on backtracking, so a hostile pattern costs the same
 * wherever it is used.
 */
#ifndef GUARD_REGEX_H
#define GUARD_REGEX_H

#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#define GUARD_REGEX_MATCH_LIMIT 100000u /* backtracking steps per match */
#define GUARD_REGEX_DEPTH_LIMIT 1000u

/* The PCRE2 compile options for a policy's pattern (UTF, no \C). */
static inline uint32_t
guard_regex_flags(void)
{
	return PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C;
}

#endif
