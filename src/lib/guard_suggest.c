/* "Did you mean": the known word closest to a misspelt one. */
#include <string.h>

#include "guard_suggest.h"

size_t
guard_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
guard_suggest(const char *word, const char *const *names)
{
	const char *const *start = names;
	const char *best = NULL;
	size_t best_d = 99, limit = strlen(word) <= 4 ? 1 : 2;

	for (; *names; names++) {
		size_t dist = guard_edit_distance(word, *names);
		if (dist < best_d) {
			best_d = dist;
			best = *names;
		}
	}
	if (best_d <= limit)
		return best;
	/* a prefix of a known name: "@sensitive" for "@sensitive_paths" */
	for (names = start; strlen(word) >= 3 && *names; names++)
		if (!strncmp(*names, word, strlen(word)))
			return *names;
	return NULL;
}
