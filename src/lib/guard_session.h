/*
 * Unattended sessions (DESIGN.md section 9): the state file, limits,
 * counters kept by the hook, deferred plans and the morning briefing.
 * Nothing here links libgit2 (that is guard_git.h), so the hook can
 * keep a session's counters at hook speed.
 *
 * A session's live state, the one that enforces limits, is
 * "<state dir>/sessions/<id>.json" (guard_state_dir: git's common
 * directory, shared by every worktree, out of reach of stash, clean,
 * checkout and reset), written pretty with sorted keys, atomically, under
 * "<id>.lock" beside it. The project's .ai/sessions/ keeps what people
 * read: a report copy (<id>.json), the session's log and its PR body.
 * Old-layout state found there is imported once per worktree on first use.
 */
#ifndef GUARD_SESSION_H
#define GUARD_SESSION_H

#include <stdbool.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "guard_buf.h"
#include "guard_policy.h"

#define GUARD_SESSION_MAX_BYTES ((size_t)4 << 20)

/* 0 when id is a safe session id ([A-Za-z0-9._-], no leading dot, <= 128). */
int guard_session_id_check(const char *id);

/* "<root>/.ai/sessions/<id><suffix>", the session's reports (caller frees). */
char *guard_session_path(const char *root, const char *id, const char *suffix);

/* "<state dir>/sessions/<id>.json", the live state (caller frees *out). */
int guard_session_state_path(const char *root, const char *id, char **out);

/*
 * Load a session's live state (caller owns *out). GUARD_ENOTFOUND for an
 * unknown id, GUARD_EUSAGE for a malformed file (the message names it).
 */
int guard_session_load(const char *root, const char *id, cJSON **out);

/*
 * 0 when the session runs in the worktree at root; GUARD_ENOTFOUND for a
 * session of another worktree of the repository, whose files and LOC
 * this worktree cannot measure.
 */
int guard_session_here(const cJSON *state, const char *root);

/* Write the live state atomically (the caller holds the lock). */
int guard_session_save(const char *root, const cJSON *state);

/* Remove the live state of a start that did not happen (the caller holds the locks). */
int guard_session_forget(const char *root, const char *id);

/*
 * Write the report copy .ai/sessions/<id>.json for people (without the
 * hook's bookkeeping). Nothing reads it back: losing it loses no count.
 */
int guard_session_report(const char *root, const cJSON *state);

/*
 * The ledger of what guard wrote under the session's record names in the
 * work tree (.ai/sessions/<id>.json, .log.jsonl, .pr.md; attack11 L11):
 * note each version (its SHA-256, in "<state dir>/sessions/<id>.records")
 * before the file holds it; one that cannot be noted counts when committed.
 * guard_session_owns: whether data is one of them, sessions_dir being
 * "<state dir>/sessions".
 */
void guard_session_note_record(const char *root, const char *id, const void *data, size_t len);
bool guard_session_owns(const char *sessions_dir, const char *id, const void *data, size_t len);

/*
 * The session's lock ("<state dir>/sessions/<id>.lock"), waiting up to
 * 5 s. Taking it makes the state folder and imports old state; a folder
 * that cannot be made or written is an error (start refuses, the hook
 * denies), never a fall back to the work tree.
 */
int guard_session_lock(const char *root, const char *id, int *fd);

/*
 * Remove the lock file of a session that has ended (taken first, so no
 * holder is cut short); later users make it again.
 */
int guard_session_lock_remove(const char *root, const char *id);

/*
 * How a session ended, for run's exit status and status --json: a new
 * object {kind, limit, incident}. kind is "breach" when any limit ended it
 * (however detected), else the caller's kind ("completed", "agent_failed",
 * "interrupted"); limit is the first breach's, incident the worst (P1 is
 * worst) over its breaches, each left out when none.
 */
cJSON *guard_session_ending(const cJSON *state, const char *kind);

/*
 * The repository's start lock: held from the refusal checks to the saved
 * state, so two starts cannot both pass the daily limits.
 */
int guard_session_start_lock(const char *root, int *fd);

/*
 * "running", "ended" or "interrupted": a session recorded as running
 * whose supervisor (pid and its start time) is gone was interrupted.
 */
const char *guard_session_status(const cJSON *state);

/*
 * The supervisor's heartbeat: guard-session run touches
 * "<state dir>/sessions/<id>.beat" every second. guard_session_frozen says
 * why a supervised session must take no tool call (a new string), or NULL:
 * its supervisor is stopped (SIGSTOP), or its heartbeat is missing or older
 * than GUARD_SESSION_BEAT_STALE seconds (two LOC polls).
 */
#define GUARD_SESSION_BEAT_STALE 20
int guard_session_beat(const char *root, const char *id);
char *guard_session_frozen(const char *root, const cJSON *state);

/* The start time of pid in clock ticks since boot (/proc), 0 when gone. */
unsigned long long guard_proc_start(long pid);

/*
 * Every session of the repository (all its worktrees), oldest first
 * (caller deletes the array).
 * A malformed file is skipped with a note in *skipped (may be NULL).
 */
int guard_session_list(const char *root, cJSON **out, struct guard_list *skipped);

/*
 * The one place a session's audit-worthy records go (session.start,
 * session.end, session.terminate, session.warn, session.refuse): the
 * project's audit log (guard-audit), and the session's own log
 * .ai/sessions/<id>.log.jsonl that its PR body points to. fields is
 * taken over. id may be NULL for records of no session (a refused start:
 * .ai/sessions/refused.log.jsonl). A record the audit log refuses is an
 * error unless the policy says audit.fail_closed: false. With no policy
 * (unit tests of the session logic) only the session's own log is written.
 */
int guard_session_audit(const char *root, const struct guard_policy *policy, const char *id, const char *name,
			cJSON *fields);

/* ---- the session record (guard_session_record.c) ---------------------- */

/*
 * A new session's live state (a new object), before its branch is cut:
 * status "ended" with end_reason "the start did not finish", so a start
 * that stops half-way counts and runs nothing. supervisor is the pid of
 * the process that supervises the run (0 for none).
 */
cJSON *guard_session_record(const struct guard_policy *policy, const char *root, const char *id, const char *task,
			    const char *base_branch, long supervisor);

/* The fields of the session.start record of state (a new object). */
cJSON *guard_session_start_fields(const struct guard_policy *policy, const cJSON *state);

struct guard_changes;
/* The fields of the session.end record (a new object); pr_body is its path. */
cJSON *guard_session_end_fields(const cJSON *state, const struct guard_changes *ch, size_t findings,
				const char *pr_body);

/* ---- limits (guard_session_limits.c) ---------------------------------- */

/*
 * The limits in force from the policy's session: section, durations in
 * seconds (a new object; absent limits are left out).
 */
cJSON *guard_session_limits(const cJSON *policy_tree);

/* Seconds between two RFC 3339 timestamps in a state (b - a); -1 if bad. */
long long guard_session_seconds(const cJSON *state, const char *key, time_t now);

/*
 * Today's totals over every session of the project started on the UTC
 * day of now: {sessions, loc, day_stopped, last_start} (a new object).
 */
cJSON *guard_session_day(const cJSON *sessions, time_t now);

/*
 * Every limit breached by the state at now (a new array of
 * {limit, value, max, action, incident, message}); day_loc is today's LOC
 * over all sessions (this one included). The action and incident come
 * from the policy's anomalies: section.
 */
cJSON *guard_session_breaches(const cJSON *state, const cJSON *policy_tree, time_t now, long long day_loc);

/*
 * Record breaches not recorded before: a warning stays a warning (and a
 * session.warn record); any other action ends the session (status
 * "ended", a session.terminate record with the incident), stop_day also
 * stops unattended starts for the day. *stop receives the reason text
 * when the session had to end now (caller frees; NULL otherwise).
 */
int guard_session_apply(const char *root, const struct guard_policy *policy, cJSON *state, const cJSON *breaches,
			char **stop);

/*
 * Raise the incident of a breach (one with an "incident" level): a line in
 * "<state dir>/sessions/incidents.jsonl" and .ai/sessions/incidents.jsonl,
 * then the trusted layers' incident.command, if any, with that line on
 * its stdin (at most 10 s; its failure goes to the session's log, never
 * to the caller). An error only when the incident could not be written.
 */
int guard_session_incident(const char *root, const struct guard_policy *policy, const cJSON *state,
			   const cJSON *breach);

/* The stronger-monitoring line (after prefix) when the session has one, for the PR body and briefing. */
void guard_session_watch_text(const cJSON *state, const char *prefix, struct guard_buf *b);

/* Why start must refuse (caller frees), or NULL when a start is allowed. */
char *guard_session_refusal(const cJSON *policy_tree, const cJSON *sessions, time_t now);

/* ---- counters (guard_session_track.c) --------------------------------- */

/*
 * Count one completed event (with risk and, before the call, decision)
 * into the session: pre marks the files a call will write and counts
 * access outside the project, unknown hosts and denied retries; post
 * classifies the marked files as created, modified or deleted. Then
 * check the limits. On a breach that ends the session, ev gets
 * "stop": {reason} (the adapter turns it into continue:false and a deny).
 */
int guard_session_track(const char *root, const char *id, const struct guard_policy *policy, cJSON *ev);

/* ---- predicted effects (guard_session_predict.c) ---------------------- */

/* Lines of now that old lacks, with repeats: what a diff of old to now adds, near enough. */
long guard_lines_added(const char *old, size_t old_len, const char *now, size_t now_len);

/* The lines a Write, Edit or MultiEdit event (with risk) will add to its file; 0 for any other call. */
long guard_session_predict_loc(const char *root, const cJSON *ev);

/*
 * The files a call with this risk will touch, as [{path, existed}] (a new
 * array, at most max): its targets, where a deleted folder or a find
 * pattern stands for every file under it. Absolute paths and guard's own
 * state are left out.
 */
cJSON *guard_session_marks(const char *root, const cJSON *risk, size_t max);

/*
 * What makes two denied calls the same action (caller frees): the tool,
 * the rule, the targets, and the command's words (not its bytes): each
 * simple command's name and its words that are not options, in a fixed
 * order, a --flag=v counting as its value (as --flag v does); the
 * canonical input for a call that is not a command.
 */
char *guard_session_action_key(const cJSON *ev);

/*
 * Package vetting (guard_session_vet.c): why a command's package install
 * (npm/pnpm/yarn add|install, pip install, cargo add, go get) may not run
 * unattended (caller frees), or NULL when every package it names is in the
 * lockfile, on packages.allow, or shown by cached metadata to have 10,000+
 * weekly downloads and no advisory.
 */
char *guard_session_vet(const char *root, const cJSON *policy_tree, const cJSON *ev);

/* ---- deferred plans and briefing (guard_session_plans.c, _brief.c) ---- */

struct guard_defer {
	const char *summary;
	int round;
	double ratio;           /* percent */
	const char *gate;       /* pass | fail | na */
	const char *reason;     /* stall | rounds | gate */
	const char *critique[3];
	const char *plan_text;  /* may be NULL */
	size_t plan_len;
};

/* Save the plan and append the [보류] entry; *id_out is the plan id (caller frees). */
int guard_plan_defer(const char *root, const struct guard_defer *d, time_t now, char **id_out);

/* Mark entry id as revised | proceed | keep | discard, in place. */
int guard_plan_resolve(const char *root, const char *id, const char *as, time_t now);

/* The morning briefing as text (caller releases b). */
int guard_briefing(const char *root, time_t now, struct guard_buf *b);

/* ---- the PR body (guard_session_pr.c) ---------------------------------- */

struct guard_change {
	char *path;       /* new path */
	char *old_path;   /* for a rename, else NULL */
	char status;      /* A M D R T */
	long added;       /* -1 for binary */
	long deleted;
	long text_added;  /* binary: the lines of text it holds, counted (guard_text_lines) */
	long text_deleted;
};

struct guard_changes {
	struct guard_change *items;
	size_t len, alloc;
	long added, deleted; /* totals over text files and the text lines binary files hold */
};
#define GUARD_CHANGES_INIT { NULL, 0, 0, 0, 0 }

void guard_changes_release(struct guard_changes *c);
void guard_changes_add(struct guard_changes *c, const char *path, const char *old_path, char status,
		       long added, long deleted);
/* One change of guard-git check's report ({path, old_path, status, added, deleted, text_*}). */
void guard_changes_add_report(struct guard_changes *c, const cJSON *x);
/* A binary file (added -1, as git diff --numstat shows it) whose text lines count in the totals. */
void guard_changes_add_binary(struct guard_changes *c, const char *path, const char *old_path, char status,
			      long text_added, long text_deleted);

/*
 * The reviewers a change needs (seed 004, policy pr.reviewers): {base:
 * "tests" (every path a test path) | "general", security: bool,
 * categories: [{name, min, teams[]}] (the base first, then security and
 * db when their paths changed), min: the approving reviews needed, teams:
 * every team asked}. Caller deletes.
 */
cJSON *guard_pr_reviewers(const cJSON *tree, const struct guard_changes *c);
/* The labels a PR needs: pr.labels, and pr.security_label when security is set. */
void guard_pr_labels(const cJSON *tree, bool security, struct guard_list *labels);

/* True when path is guard's own file, never counted: .ai/sessions/, .ai/audit/, .ai/approvals/, .ai/state/,
   .git/guard/, .ai/policy.yaml, PENDING_PLANS.md and deferred plans .ai/plans/NAME.md (nothing else under .ai/). */
bool guard_session_own_path(const char *path);
/*
 * The two halves of it (attack7 H24): guard's runtime folders, which
 * guard writes and an agent must never commit (.ai/sessions/, .ai/audit/,
 * .ai/approvals/, .ai/state/), and the plans and policy the design
 * leaves out of the budget (.ai/policy.yaml, .ai/plans/<name>.md,
 * PENDING_PLANS.md). A committed range counts every other .ai/ file.
 */
bool guard_session_runtime_path(const char *path);
bool guard_session_plan_path(const char *path);
/*
 * A file of a runtime folder by a name guard itself writes there (a
 * session's <id>.json, .log.jsonl, .pr.md; an audit day file, seals.jsonl,
 * .lock; an approval's <id>.json), one level down: committed as before
 * (a plain "git add -A" stages a session's own logs). Any other file
 * there (.ai/sessions/big.py, .ai/state/...) is refused.
 */
bool guard_session_guard_named(const char *path);

/*
 * The security scan of a session diff: guard-scan's rules over every
 * added line, a file's added lines scanned together (multi-line rules
 * match across them). Findings are {id, path, line, message, severity,
 * kind}; guard_scan_findings scans what is still gathered first.
 */
struct guard_scan;
int guard_scan_new(const cJSON *policy_tree, struct guard_scan **out);
/* Fits guard_git_line_fn. */
void guard_scan_line(void *scan, const char *path, long lineno, const char *text, size_t len);
const cJSON *guard_scan_findings(struct guard_scan *s);
size_t guard_scan_patterns(const struct guard_scan *s);
void guard_scan_free(struct guard_scan *s);

/*
 * The PR body: summary, changed files, LOC, the security scan (findings:
 * array of {id, path, line, message}), session log, labels and required
 * reviewers. labels receives the labels (caller clears).
 */
/*
 * The PR body of a session: c is what is committed on its branch (the
 * PR), left what the working tree holds beyond it (listed apart, not in
 * the PR), commits the branch's commits oldest first ({id, subject}),
 * which give the title (guard_session_pr_title) and the summary.
 */
void guard_session_pr_body(const cJSON *state, const cJSON *policy_tree, const struct guard_changes *c,
			   const struct guard_changes *left, const cJSON *commits, const cJSON *findings,
			   struct guard_buf *b, struct guard_list *labels);
/* The title: the only commit's subject, or the first's with how many more; the task without commits. Caller frees. */
char *guard_session_pr_title(const cJSON *state, const cJSON *commits);

/* ---- the supervisor's watch on the work tree (guard_session_watch.c) ---- */

#define GUARD_WATCH_MAX_DIRS 65536

struct git_repository;

/* inotify on every folder of the work tree but .git, .ai and what git ignores. */
struct guard_watch {
	int fd;                       /* inotify; -1 when closed */
	char *root;
	struct guard_watch_dir {
		int wd;
		char *rel;            /* the folder under root, "" for the root */
	} *dirs;
	size_t n, alloc;
	struct git_repository *repo;  /* for the ignore rules; NULL outside git */
	bool git;                     /* libgit2 initialised by open */
	unsigned long overflows;      /* IN_Q_OVERFLOW seen */
};

#define GUARD_WATCH_INIT { -1, NULL, NULL, 0, 0, NULL, false, 0 }

/*
 * Watch the work tree at root. 0, or GUARD_EIO with the reason (inotify
 * not available, the watch limit reached, more than GUARD_WATCH_MAX_DIRS
 * folders): the watch is closed then and the caller polls.
 */
int guard_watch_open(struct guard_watch *w, const char *root);

/*
 * Read what is pending, without blocking: 1 when something under the tree
 * changed (or events were lost), 0 when not, GUARD_EIO when the watch
 * failed (a new folder past the limit): the caller polls from then on.
 * Folders that appear are watched.
 */
int guard_watch_read(struct guard_watch *w);

void guard_watch_close(struct guard_watch *w);

#endif
