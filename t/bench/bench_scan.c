/*
 * The scan the hook adds to one edit, in process: for a hook payload
 * (argv[1]), N rounds of guard_scanner_new + guard_scanner_tool_input +
 * guard_scanner_free with the built-in rules and policy/default.yaml's
 * forbidden_patterns (as JSON in argv[2]); prints min and median
 * microseconds per round. Built by t/bench/scan_hook.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "guard_file.h"
#include "guard_scan.h"

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static cJSON *
load(const char *path)
{
	char *text;
	size_t len;

	if (guard_file_read(path, (size_t)64 << 20, 0, &text, &len) < 0) {
		fprintf(stderr, "bench_scan: cannot read %s\n", path);
		exit(2);
	}
	cJSON *j = cJSON_ParseWithLength(text, len);
	free(text);
	return j;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 3 ? atoi(argv[3]) : 200, found = 0;
	if (argc < 3 || rounds < 1) {
		fprintf(stderr, "usage: bench_scan PAYLOAD.json POLICY.json [ROUNDS]\n");
		return 2;
	}
	cJSON *payload = load(argv[1]), *policy = load(argv[2]);
	double *us = calloc((size_t)rounds, sizeof(*us));
	for (int r = 0; r < rounds; r++) {
		struct timespec a, b;
		struct guard_scanner *sc;
		cJSON *findings = cJSON_CreateArray();
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (guard_scanner_new(policy, &sc) < 0)
			return 2;
		guard_scanner_inline_allow(sc, false);
		found = guard_scanner_tool_input(sc, payload, findings);
		guard_scanner_free(sc);
		clock_gettime(CLOCK_MONOTONIC, &b);
		cJSON_Delete(findings);
		us[r] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
	}
	qsort(us, (size_t)rounds, sizeof(*us), by_value);
	printf("scan of the edit: min %.0f us, median %.0f us over %d rounds (%d findings)\n", us[0], us[rounds / 2],
	       rounds, found);
	free(us);
	cJSON_Delete(payload);
	cJSON_Delete(policy);
	return 0;
}
