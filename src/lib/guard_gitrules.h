/*
 * guard-git's rules (DESIGN.md section 9, seed 004): branch names,
 * protected branches, the base branch, AI-to-AI merges, the reference
 * transaction's verdict and the checks of a PR range. Everything here
 * but the branch rules themselves reads the repository through libgit2
 * (guard_git.h): only the programs listed in the Makefile's GIT_PROGRAMS
 * may call it.
 */
#ifndef GUARD_GITRULES_H
#define GUARD_GITRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "guard_git.h"
#include "guard_list.h"

/* ---- the policy's branch: section (guard_gitrules.c) -------------------- */

struct guard_branch_rules {
	struct guard_list protected; /* globs: main, master, develop */
	char *pattern;               /* ai/nightbuilder/{date}/{slug} */
	char *base;                  /* branch.base of a trusted layer, or NULL: detect */
	bool allow_ai_merge;
	bool allow_agent_commit; /* attended: may an agent move a protected branch? (seed 004: no) */
};

#define GUARD_BRANCH_RULES_INIT { GUARD_LIST_INIT, NULL, NULL, false, false }

/*
 * Fill r from a merged policy tree (NULL: the defaults). The merge keeps
 * pattern and base to the trusted layers; the project layer may only add
 * protected branches. Release with guard_branch_rules_release.
 */
void guard_branch_rules_load(struct guard_branch_rules *r, const cJSON *tree);
void guard_branch_rules_release(struct guard_branch_rules *r);

/* name is a short branch name ("main", not "refs/heads/main"). */
bool guard_branch_protected(const struct guard_branch_rules *r, const char *name);
/* Under the pattern's fixed prefix ("ai/nightbuilder/"): an AI branch, well named or not. */
bool guard_branch_ai(const struct guard_branch_rules *r, const char *name);
/* Matches the whole pattern ({date} a YYYY-MM-DD, {slug} one path segment). */
bool guard_branch_name_ok(const struct guard_branch_rules *r, const char *name);

/*
 * Whether the process runs for an AI agent, outside a session: the name
 * of the first marker found in the environment (CLAUDECODE, GEMINI_CLI,
 * set by the agents for the commands they run; GUARD_ACTOR=agent, set by
 * any other wrapper), or NULL. A marker only adds: GUARD_ACTOR=person
 * does not hide CLAUDECODE.
 */
const char *guard_git_agent_marker(void);

/* ---- the base branch (guard_gitbase.c) ---------------------------------- */

/*
 * The branch sessions start from and PRs go to, short name in *out
 * (caller frees): configured when a trusted layer set branch.base, else
 * the branch origin/HEAD names, else init.defaultBranch, else main, else
 * master — each only when that local branch exists. GUARD_ENOTFOUND when
 * none does.
 */
int guard_git_base_branch(struct guard_git *g, const char *configured, char **out);

/* ---- AI-to-AI merges (guard_gitmerge.c) --------------------------------- */

/*
 * The work of other AI branches that the commits reachable from new_hex,
 * and neither from old_hex (NULL or all zeros: none) nor from the base
 * branch, would bring in: commits reachable from another AI branch (local
 * or remote-tracking) and not from the base, and commits cherry-picked
 * from those (the "(cherry picked from commit X)" trailer, or the same
 * patch-id). self (short name, may be NULL) is the branch being moved,
 * never "another". Appends to found one {branch, how, commits[]} per
 * branch and kind ("merge" or "cherry-pick"). r->allow_ai_merge is not
 * looked at: the caller decides.
 */
int guard_git_ai_merges(struct guard_git *g, const struct guard_branch_rules *r, const char *self,
			const char *base, const char *old_hex, const char *new_hex, cJSON *found);

/*
 * How a message names one finding of guard_git_ai_merges: "commits of
 * 1a2b3c4d5e6f 7a8b... and 3 more" (or "cherry-picked commits of ...").
 * Caller frees.
 */
char *guard_git_merge_evidence(const cJSON *finding);
/* Add the finding's branch and commits to a violation object. */
void guard_git_merge_detail(cJSON *violation, const cJSON *finding);

/* ---- the reference transaction (guard_gitref.c) ------------------------- */

/*
 * The running sessions of the repository (guard_session_status), as a
 * new array of their states. Errors reading them are errors: the hook
 * fails closed.
 */
int guard_git_running_sessions(const char *root, cJSON **out);

/*
 * The verdict on one ref transaction while sessions are running: input
 * is git's "<old> <new> <ref>" lines (reference-transaction; pre-push
 * lines are turned into these by the caller). Appends to violations one
 * {rule, ref, message[, branch, commits]} per refused update:
 *   branch.protected  a protected branch (or the base) would change
 *   branch.own        a branch other than a running session's own
 *   branch.ai_merge   another AI branch's work would come in
 *   ref.replace       a refs/replace/ ref made, moved or deleted
 *   branch.symref     a protected branch is a symbolic ref (any update)
 * Other refs outside refs/heads/ are not looked at. Returns 0 (violations or
 * not), or an error (a malformed line is GUARD_EUSAGE).
 */
int guard_git_ref_check(struct guard_git *g, const struct guard_branch_rules *r, const cJSON *sessions,
			const char *base, const char *input, size_t len, cJSON *violations);

/*
 * A session pushes its own branch and nothing else: each pushed ref
 * outside refs/heads/ (a tag, a note, refs/for/...) appends push.ref
 * (attack8 I4). input: pre-push's lines as "<old> <new> <remote-ref>".
 */
int guard_git_push_refs_check(const char *input, size_t len, cJSON *violations);

/* Append {rule, ref, message} to violations; takes message. */
void guard_git_ref_violation(cJSON *violations, const char *rule, const char *ref, char *message);

/*
 * Protected branches (and the base) that are symbolic refs (git
 * symbolic-ref refs/heads/main refs/heads/mine: main then shows mine's
 * commits, and git 2.39 runs no reference-transaction for it). Appends
 * {rule: "branch.symref", severity, ref, message} for each. Run by
 * guard_git_ref_check on every transaction of a session, by guard-git
 * check and by guard-session end.
 */
int guard_git_symref_check(struct guard_git *g, const struct guard_branch_rules *r, const char *base,
			   cJSON *violations);

/*
 * The verdict on one ref transaction made by an agent outside a session
 * (guard_git_agent_marker), when the policy does not allow it
 * (branch.allow_agent_commit): a protected branch (or the base) may move
 * only to work already on a remote-tracking branch (git pull, reset to
 * origin/main), never to commits of the agent's, and is never deleted.
 * A "<zeros> <zeros> <ref>" line is a commit about to be made on ref
 * (pre-commit). Appends {rule: "branch.agent_commit", ref, message};
 * marker names the environment variable in the message. A protected
 * branch that is a symbolic ref refuses any update (branch.symref).
 */
int guard_git_agent_check(struct guard_git *g, const struct guard_branch_rules *r, const char *base,
			  const char *marker, const char *input, size_t len, cJSON *violations);

/* ---- guard's files brought back by git (guard_gitstate.c) --------------- */

struct guard_git_state {
	struct guard_git *git;
	const char *root;               /* the worktree */
	const char *const *globs;       /* the policy's protected_paths */
	size_t nglobs;
	const char *base;               /* short name of the base branch, or NULL */
	const char *who;                /* who acts, for messages: "CLAUDECODE is set", "session ..." */
};

/*
 * While an agent acts: each update of HEAD, or of the branch HEAD names,
 * from one commit to another whose trees differ in guard's files (the
 * protected_paths globs) appends {rule: "state.git", ref, message}; a
 * file that holds, as new, the base branch tip's version is not counted
 * (a person's change on the base, merged). git writes the worktree before
 * it moves the ref: each such file that this git wrote (changed since it
 * started) and holds the new version is put back to the old one, and the
 * message says so. A branch made or deleted, or written again, is not
 * looked at. Returns 0 (violations or not) or an error.
 */
int guard_git_state_check(const struct guard_git_state *s, const char *input, size_t len, cJSON *violations);

/*
 * post-checkout of a branch switch from prev_hex to new_hex: when their
 * guard files differ (as above), the switch is undone (the previous
 * branch checked out again, safely) and a violation appended.
 */
int guard_git_state_switch(const struct guard_git_state *s, const char *prev_hex, const char *new_hex,
			   cJSON *violations);

/* ---- a PR range (guard_gitcheck.c) -------------------------------------- */

struct guard_git_check {
	const char *base;   /* revision */
	const char *head;   /* revision */
	const char *branch; /* the head's branch name, or NULL: from head when it names one */
	const cJSON *tree;  /* merged policy (session: and branch: sections), may be NULL */
};

/*
 * Check base...head (from their merge base to head, as git diff
 * base...head) against the PR rules: branch name, LOC (added lines, as
 * git diff --numstat, guard's own state left out), where new files go,
 * files created/modified/deleted against the session limits, AI-to-AI
 * merges, commits of the range that a protected branch other than the
 * base holds (commits.protected). *out (caller deletes): {base, head, merge_base, branch, loc:
 * {added, deleted}, files: {created, modified, deleted}, changes:
 * [{path, old_path?, status, added, deleted}], commits: [{id, subject}]
 * (oldest first), violations: [{rule, message, file?, severity}]}.
 * Violations are data: the return is 0.
 */
int guard_git_check_range(struct guard_git *g, const struct guard_git_check *c, cJSON **out);

/*
 * What head holds against base, and nothing checked: the diff and the
 * commits of guard_git_check_range on their own (guard-session end's PR
 * body, with the repository its measure opened). *out (caller deletes):
 * {loc, files, changes, commits} as above.
 */
int guard_git_range_changes(struct guard_git *g, const char *base, const char *head, cJSON **out);

/* Append {rule, severity, file?, message} to list; takes message. */
void guard_git_violation(cJSON *list, const char *rule, const char *severity, const char *file, char *message);

/* ---- cleanup (guard_gitclean.c) ----------------------------------------- */

struct guard_git_cleanup {
	const struct guard_branch_rules *rules;
	const cJSON *tree;     /* merged policy: pr.cleanup */
	const char *base;      /* local base branch, short */
	const char *head;      /* the checked-out branch (kept), or NULL */
	const cJSON *sessions; /* running sessions (their branches are kept), or NULL */
	const cJSON *prs;      /* gh pr list --state all --json number,headRefName,state,closedAt,mergedAt; NULL: unknown */
	time_t now;
};

/* GUARD_EUSAGE naming the first malformed item of a gh PR list. */
int guard_git_cleanup_prs_check(const cJSON *prs);

/*
 * What to do with each local AI branch, appended to out as {branch,
 * action: delete | alert | keep, reason, age_days, pr?}: delete when
 * merged into the base or its PR merged (pr.cleanup.delete_merged), its
 * PR closed without merge close_unmerged_after ago (7d), or no PR and no
 * commit for no_pr_after (3d; only with a PR list); alert when its PR is
 * open and no commit came for alert_open_after (14d). The age is the
 * tip's commit date. Nothing is deleted here.
 */
int guard_git_cleanup_plan(struct guard_git *g, const struct guard_git_cleanup *c, cJSON *out);

/* Delete a local branch's ref (libgit2: no hook runs; its branch.<name> config stays). */
int guard_git_delete_branch(struct guard_git *g, const char *name);

/* ---- hooks (guard_githooks.c) ------------------------------------------- */

/* The hooks guard-git installs. */
extern const char *const guard_git_hook_names[];

/* core.hooksPath (relative: to the working tree) or <common dir>/hooks (caller frees). */
int guard_git_hooks_dir(struct guard_git *g, char **out);

/*
 * Write each hook into dir as a script that execs "program hook --chain
 * PATH NAME args": a hook already there that is not guard's is moved to
 * NAME.guard-chained (the backup, run after guard's checks pass). A
 * hook of guard's is rewritten in place, so a second install changes
 * nothing else. done receives one line per hook ("installed pre-push",
 * "chained pre-commit (was there)", "current reference-transaction").
 */
int guard_git_hooks_install(const char *dir, const char *program, struct guard_list *done);

/*
 * Whether each hook in dir is the one guard_git_hooks_install would write
 * for program: done receives "current NAME", "outdated NAME", "missing
 * NAME" or "not guard's NAME". Returns how many are not current.
 */
int guard_git_hooks_check(const char *dir, const char *program, struct guard_list *done);

/* Remove guard's hooks, putting back the ones they chained to. */
int guard_git_hooks_uninstall(const char *dir, struct guard_list *done);

/* 1 when path is a hook written by guard_git_hooks_install, 0 when not, 2 when missing. */
int guard_git_hook_is_ours(const char *path);

/* ---- trees (guard_gittree.c) ------------------------------------------- */

struct git_tree;
/* A plan the LOC budget leaves out: .ai/plans/NAME.md or PENDING_PLANS.md as a plain file (mode 100644). */
bool guard_git_plan_entry(const char *path, unsigned mode);
/*
 * The paths of the files (and submodules) that differ between trees a and
 * b (either may be NULL: the empty tree), reading only the subtrees whose
 * ids differ; guard's own state at the top (.ai/, PENDING_PLANS.md) left
 * out when own; only the files within names when it is not NULL (a list
 * sorted by strcmp: folders no file of it is under are not read). 1 (out
 * empty) for trees deeper than guard walks.
 */
int guard_git_tree_paths(struct git_repository *repo, const struct git_tree *a, const struct git_tree *b, bool own,
			 const struct guard_list *within, struct guard_list *out);

/*
 * git_diff_tree_to_tree(a, b) without renames, restricted to those paths
 * (the same deltas, without reading the trees that are equal).
 */
int guard_git_tree_diff(struct git_repository *repo, struct git_tree *a, struct git_tree *b, bool own,
			struct git_diff **out);

/* ---- guard's records on a branch (guard_gitrecord.c) -------------------- */

struct git_oid;
/*
 * Whether the file a branch carries at path (blob id, mode; id NULL: the
 * branch takes it away) under guard's runtime folders is a record guard
 * itself wrote, by content, not by name (attack11 L11): a session's
 * .ai/sessions/ID.json|.log.jsonl|.pr.md whose content is in the session's
 * ledger (guard_session_owns), an audit day file .ai/audit/DAY.jsonl
 * whose every line is a record guard's writer noted (guard_audit_owns), an
 * empty .ai/audit/.lock. Approvals and every other file are not:
 * guard-git check counts them (files.guard_state) and the ref hooks refuse
 * them during a session. One rule for both.
 */
bool guard_git_record_owned(struct guard_git *g, const char *path, const struct git_oid *id, unsigned mode);

/* ---- a session's LOC budget at commit and push time (guard_gitbudget.c) ---- */

struct guard_changes;
/*
 * Count state's session as guard-session check does: its changes against
 * state.base into ch (line, when not NULL, sees each added line), and
 * state.counters loc, loc_deleted, files_*, day_loc (list: every session,
 * this one's stored count replaced by the fresh one); loc_pending dropped.
 */
int guard_session_count(struct guard_git *g, cJSON *state, const cJSON *list, struct guard_changes *ch,
			guard_git_line_fn line, void *ctx);
/*
 * Each running session (sessions) that the work tree now takes over its
 * max_loc or max_loc_per_day (an anomaly action other than warn): a
 * violation {rule, severity, message, value, max} appended.
 */
int guard_session_loc_refusals(struct guard_git *g, const char *root, const cJSON *sessions, const cJSON *tree,
			       cJSON *violations);

#endif
