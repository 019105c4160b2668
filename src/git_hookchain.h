/*
 * What guard-git hook and its front, guard-githook, share: the bound on
 * git's input to a hook, and the run of the hook guard's replaced.
 */
#ifndef GUARD_GIT_HOOKCHAIN_H
#define GUARD_GIT_HOOKCHAIN_H

#include <stddef.h>

/* A ref transaction's or a push's lines: bounded, as every input. */
#define HOOK_INPUT_MAX ((size_t)64 << 20)

/*
 * Run HOOK.guard-chained (the hook guard's replaced) in place of this
 * process, its stdin the len bytes of input, its arguments argv[0..argc).
 * Returns 0 when there is none (or it is not executable: git skips those
 * too), a negative GUARD_E* when it cannot be run; else does not return.
 */
int hook_run_chained(const char *hook, const char *input, size_t len, int argc, char **argv);

/* Run prog in place of this process, its arguments argv[0..argc). Returns errno on failure. */
int hook_exec(char *prog, int argc, char **argv);

#endif
