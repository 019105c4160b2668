/* "Did you mean" for every program and the policy's errors alike. */
#ifndef GUARD_SUGGEST_H
#define GUARD_SUGGEST_H

#include <stddef.h>

/* Optimal string alignment distance (a transposition counts one); 99 past 32 characters. */
size_t guard_edit_distance(const char *a, const char *b);

/*
 * The name closest to word: within one edit (words of up to four
 * letters) or two, else the first name word (three letters or more)
 * begins; NULL when none is close. names ends with NULL.
 */
const char *guard_suggest(const char *word, const char *const *names);

#endif
