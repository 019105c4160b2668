/*
 * Where guard keeps the state that enforces limits: counters (sessions
 * per day, cooldown, daily LOC, breaches) and consumed approvals. It lives
 * in git's common directory, "<common>/guard", which no stash, clean,
 * checkout or reset --hard reaches, and which every worktree of the
 * repository shares (DESIGN.md section 7, share/doc/trust.md).
 */
#ifndef GUARD_STATE_H
#define GUARD_STATE_H

#include <stdbool.h>

/*
 * The state folder of the project at root (canonical, absolute): found
 * from root/.git without libgit2 (a .git folder, or a "gitdir:" file and
 * its "commondir"), so the hook can use it. A project that is not a git
 * repository keeps it in root/.ai/state. With create, the folder is made
 * (mode 0700) when missing. *out is malloc'd, owned by the caller.
 */
int guard_state_dir(const char *root, bool create, char **out);

#endif
