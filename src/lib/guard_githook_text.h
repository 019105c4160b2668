/*
 * The text of guard-git's hook scripts, apart from libgit2: guard-git
 * writes them (guard_githooks.c) and guard doctor, which links no
 * libgit2, checks that a hook carrying guard's marker is exactly one.
 */
#ifndef GUARD_GITHOOK_TEXT_H
#define GUARD_GITHOOK_TEXT_H

#define GUARD_GIT_HOOK_MARK "# guard-git hook:"

/* The script for hook name that execs "program hook --chain "$0" NAME "$@"" (caller frees). */
char *guard_git_hook_script(const char *program, const char *name);

/*
 * Whether the file at path is a hook guard-git install wrote for name
 * and that git runs: a regular file, executable, byte for byte the script
 * for the program its exec line names, that program being guard-githook
 * or guard-git and executable. 1 when so; 0 with *why (caller frees) when
 * not; 2 when path is missing; -1 when it carries no marker of guard's.
 */
int guard_git_hook_verify(const char *path, const char *name, char **why);

#endif
