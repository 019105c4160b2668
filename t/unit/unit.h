/*
 * A minimal unit-test harness printing TAP. Each TEST is one counted test;
 * CHECK records a failure with file:line and the test goes on.
 *
 *   TEST(glob_star) { CHECK(guard_glob_match("*.c", "a.c")); }
 *   int main(void) { RUN(glob_star); return unit_done(); }
 */
#ifndef GUARD_UNIT_H
#define GUARD_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_count, unit_failed, unit_current_failed;

#define TEST(name) static void test_##name(void)

#define CHECK(cond) do { \
	if (!(cond)) { \
		unit_current_failed = 1; \
		printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *unit_a = (a), *unit_b = (b); \
	if (!unit_a || !unit_b || strcmp(unit_a, unit_b)) { \
		unit_current_failed = 1; \
		printf("#   %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, \
		       unit_a ? unit_a : "(null)", unit_b ? unit_b : "(null)"); \
	} \
} while (0)

#define RUN(name) do { \
	unit_current_failed = 0; \
	test_##name(); \
	unit_count++; \
	if (unit_current_failed) unit_failed++; \
	printf("%s %d %s\n", unit_current_failed ? "not ok" : "ok", unit_count, #name); \
	fflush(stdout); \
} while (0)

static inline int unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failed ? 1 : 0;
}

#endif
