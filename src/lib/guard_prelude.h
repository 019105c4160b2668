/*
 * Force-included before every translation unit (-include): the common
 * system headers first, then banned.h, so a banned call anywhere is a
 * compile error while the system declarations stay intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include "banned.h"

/*
 * strcmp and strncmp with the first bytes compared inline: most of the
 * analyzer's comparisons are a word against a literal that differs in
 * its first byte, and each call into libc cost ~25 instructions (issue
 * 12: ~500,000 calls on 2,000 bench events). The same sign as libc's
 * (bytes as unsigned char); each argument evaluated once. A use without
 * a call (a comparator passed by name) is libc's own.
 */
static inline int
guard_strcmp(const char *a, const char *b)
{
	unsigned char x = (unsigned char)a[0], y = (unsigned char)b[0];
	return x != y || !x ? x - y : (strcmp)(a, b);
}

static inline int
guard_strncmp(const char *a, const char *b, size_t n)
{
	if (!n)
		return 0;
	unsigned char x = (unsigned char)a[0], y = (unsigned char)b[0];
	return x != y || !x ? x - y : (strncmp)(a, b, n);
}

#define strcmp(a, b) guard_strcmp(a, b)
#define strncmp(a, b, n) guard_strncmp(a, b, n)
