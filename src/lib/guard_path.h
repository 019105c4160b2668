/*
 * Paths: the project root, resolution through symlinks, containment.
 * All returned strings are malloc'd and owned by the caller.
 */
#ifndef GUARD_PATH_H
#define GUARD_PATH_H

#include <stdbool.h>

/*
 * Find the project root the way git finds .git: walk up from start (an
 * absolute directory) to the first directory holding .git (directory or
 * file) or .ai/policy.yaml. $GUARD_DIR, when set, wins. With no root
 * found, *out is the canonical start itself and the return is GUARD_ENOTFOUND
 * (callers usually go on with it).
 */
int guard_project_root(const char *start, char **out);

/*
 * The project of an agent's event at cwd: the project the agent names to
 * its hooks ($CLAUDE_PROJECT_DIR, else $GEMINI_PROJECT_DIR, when it holds
 * .git or .ai/policy.yaml) wherever cwd is (G8: a cwd outside it is not
 * another project, nor is a nested repository inside it, F26); without
 * one, as guard_project_root from cwd, but the outermost folder above
 * with both .git and .ai/policy.yaml. $GUARD_DIR wins. GUARD_ENOTFOUND
 * (and *out the canonical cwd) when there is no project at all.
 */
int guard_event_project_root(const char *cwd, char **out);

/*
 * Resolve path (absolute, relative to base, or "~/..." against home) to an
 * absolute canonical path: symlinks in the longest existing prefix are
 * resolved with realpath(3), the rest is normalised lexically ("." and ".."
 * removed). Never fails on a path that does not exist.
 */
char *guard_path_resolve(const char *base, const char *path, const char *home);

/*
 * realpath(3) of path (malloc'd, or NULL), from the one-second memory of
 * realpath answers guard_path_resolve is made of: a folder's answer and
 * an lstat of the name for a name that is no symlink.
 */
char *guard_path_real(const char *path);

/* As guard_path_resolve, lexically only: no symlink is followed. Caller frees. */
char *guard_path_lexical(const char *base, const char *path, const char *home);

/*
 * As the kernel walks path: the longest prefix of the path as written
 * that resolves (realpath(3), so a ".." after a symlink climbs from where
 * the link lands, not from the link's folder), then the rest normalised
 * lexically. "src/l/../x" with src/l -> ../src is "x" here and "src/x"
 * for guard_path_resolve. Never fails on a path that does not exist.
 */
char *guard_path_physical(const char *base, const char *path, const char *home);

/* True when abs (canonical) is root itself or below it. */
bool guard_path_inside(const char *root, const char *abs);

/*
 * How a path is shown and matched by policy globs: relative to root when
 * inside it ("." for root itself), otherwise absolute.
 */
char *guard_path_display(const char *root, const char *abs);

/* $HOME, or the passwd entry's home; "/" when neither is known. Not owned. */
const char *guard_home(void);

#endif
