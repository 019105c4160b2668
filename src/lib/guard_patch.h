/*
 * Codex's apply_patch text: the files it adds or updates and the lines it
 * adds to each, so they are scanned and rated as a Write of them is.
 */
#ifndef GUARD_PATCH_H
#define GUARD_PATCH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Called once per "*** Add File:" or "*** Update File:" section (its
 * "*** Move to:" name when it has one) with the lines the section adds,
 * their '+' taken off, each ending in a newline. whole: an added file,
 * whose added lines are the whole file. A negative return stops the walk.
 */
typedef int (*guard_patch_fn)(void *arg, const char *path, const char *added, size_t len, bool whole);

/*
 * A header line of len bytes: its kind ('A'dd File, 'U'pdate File, 'M'ove
 * to, 'D'elete File, 'E' for Begin/End Patch) and the path after it,
 * blanks trimmed (*path, *plen); 0 for any other line.
 */
char guard_patch_header(const char *line, size_t len, const char **path, size_t *plen);

/* Walk patch; the first negative return of fn, else 0. */
int guard_patch_added(const char *patch, guard_patch_fn fn, void *arg);

#endif
