/*
 * guard-git: branch, merge and PR rules at the git layer, through libgit2.
 * The hooks git runs (reference-transaction, pre-commit, pre-push, post-checkout) exec
 * "guard-git hook"; CI runs "guard-git check".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "git_hookchain.h"
#include "guard_audit.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_gitrules.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_policy.h"
#include "guard_session.h"
#include "guard_stage.h"

/* A PR body and a PR list (cleanup). */
#define PR_BODY_MAX ((size_t)1 << 20)
#define PR_LIST_MAX ((size_t)16 << 20)

/* The project around the current directory, and its unattended policy. */
struct project {
	char *root;
	struct guard_stages stages;
	const struct guard_policy *policy;
	const cJSON *tree;
	struct guard_branch_rules rules;
};

#define PROJECT_INIT { .root = NULL, .stages = GUARD_STAGES_INIT, .policy = NULL, .tree = NULL, \
		       .rules = GUARD_BRANCH_RULES_INIT }


/* s as a person's terminal should get it: a file or branch name of the agent's cannot move the cursor */
static const char *
seen(struct guard_buf *b, const char *s)
{
	guard_buf_reset(b);
	guard_buf_add_visible(b, s);
	return b->buf ? b->buf : "";
}

static int
project_root(struct project *p)
{
	char *here = getcwd(NULL, 0);
	int rc;

	if (!here)
		return guard_error(GUARD_EIO, "cannot read the current directory: %s", strerror(errno));
	rc = guard_project_root(here, &p->root);
	free(here);
	return rc == GUARD_ENOTFOUND ? 0 : rc; /* a bare repository: the git directory itself */
}

/* The branch and PR rules are the unattended profile's (policy/nightbuilder.yaml). */
static int
project_policy(struct project *p)
{
	const struct guard_policy *policy;
	int rc;

	if (p->policy)
		return 0; /* loaded */
	p->stages.src.profile = "unattended";
	if ((rc = guard_stages_policy(&p->stages, p->root, &policy)) < 0) {
		for (size_t i = 0; i < p->stages.errors.len; i++)
			cli_error("%s", p->stages.errors.items[i]);
		return rc;
	}
	p->policy = policy;
	p->tree = guard_policy_tree(policy);
	guard_branch_rules_load(&p->rules, p->tree);
	return 0;
}

static void
project_release(struct project *p)
{
	guard_branch_rules_release(&p->rules);
	guard_stages_release(&p->stages);
	free(p->root);
}

static int
open_repo(const struct project *p, struct guard_git **g)
{
	return guard_git_open_env(p->root ? p->root : ".", g);
}

/* ------------------------------------------------------------- install */

enum install_mode { INSTALL, UNINSTALL, CHECK };

/*
 * What the hooks exec: guard-githook beside this program (it links no
 * libgit2 and becomes guard-git only when there is something to enforce),
 * or this program itself when the front is not installed.
 */
static char *
hook_program(void)
{
	char *self = realpath("/proc/self/exe", NULL), *front;

	if (!self)
		return NULL;
	front = guard_xasprintf("%.*s/guard-githook", (int)(strrchr(self, '/') - self), self);
	if (access(front, X_OK) < 0) {
		free(front);
		return self;
	}
	free(self);
	return front;
}

static int
install(enum install_mode mode)
{
	struct project p = PROJECT_INIT;
	struct guard_list done = GUARD_LIST_INIT;
	struct guard_git *g = NULL;
	char *dir = NULL, *self = NULL;
	int rc;

	if ((rc = project_root(&p)) < 0 || (rc = open_repo(&p, &g)) < 0 || (rc = guard_git_hooks_dir(g, &dir)) < 0)
		goto out;
	if (mode == UNINSTALL) {
		rc = guard_git_hooks_uninstall(dir, &done);
	} else if (!(self = hook_program())) {
		rc = guard_error(GUARD_EIO, "cannot find this program's path: %s", strerror(errno));
	} else if (mode == CHECK) {
		/* installed and current: 0; else 1, each hook named (guard doctor reads this) */
		rc = guard_git_hooks_check(dir, self, &done) ? GUARD_EDENY : 0;
	} else {
		rc = guard_git_hooks_install(dir, self, &done);
	}
	for (size_t i = 0; i < done.len; i++)
		printf("%s: %s (%s)\n", cli_progname, done.items[i], dir);
out:
	guard_list_clear(&done);
	free(self);
	free(dir);
	guard_git_close(g);
	project_release(&p);
	return rc;
}

static int
cmd_install(int argc, char **argv)
{
	enum install_mode mode = INSTALL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--uninstall") && mode == INSTALL)
			mode = UNINSTALL;
		else if (!strcmp(argv[i], "--check") && mode == INSTALL)
			mode = CHECK;
		else
			return guard_error(GUARD_EUSAGE, "install: unknown or extra argument '%s'", argv[i]);
	}
	return install(mode);
}

static int
cmd_uninstall(int argc, char **argv)
{
	if (argc > 1)
		return guard_error(GUARD_EUSAGE, "uninstall: unknown argument '%s'", argv[1]);
	return install(UNINSTALL);
}

/* ---------------------------------------------------------------- base */

static int
cmd_base(int argc, char **argv)
{
	struct project p = PROJECT_INIT;
	struct guard_git *g = NULL;
	char *base = NULL;
	int rc;

	if (argc > 1)
		return guard_error(GUARD_EUSAGE, "base: unknown argument '%s'", argv[1]);
	if ((rc = project_root(&p)) == 0 && (rc = project_policy(&p)) == 0 && (rc = open_repo(&p, &g)) == 0 &&
	    (rc = guard_git_base_branch(g, p.rules.base, &base)) == 0)
		printf("%s\n", base);
	free(base);
	guard_git_close(g);
	project_release(&p);
	return rc;
}

/* ---------------------------------------------------------------- hook */

/* pre-push lines "<local-ref> <local-oid> <remote-ref> <remote-oid>" as ref updates of the remote. */
static char *
push_as_updates(const char *input, size_t len, size_t *out_len)
{
	struct guard_buf b = GUARD_BUF_INIT;

	for (const char *p = input, *end = input + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		char *line = guard_xstrndup(p, (size_t)(eol - p));
		char lref[1024], loid[64], rref[1024], roid[64];
		if (sscanf(line, "%1023s %63s %1023s %63s", lref, loid, rref, roid) == 4)
			guard_buf_addf(&b, "%s %s %s\n", roid, loid, rref);
		else if (*line)
			guard_buf_addf(&b, "%s\n", line); /* malformed: the check names it */
		free(line);
		p = eol + 1;
	}
	*out_len = b.len;
	return guard_buf_detach(&b);
}

/*
 * Each refusal, printed and written to the audit log as a git.violation
 * (the refusal stands when the record cannot be written: it is said).
 */
static void
report_violations(const struct project *p, const char *hook, const cJSON *sessions, const char *marker,
		  const cJSON *violations)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, violations) {
		const char *user = getenv("USER");
		cJSON *ev = cJSON_Duplicate(v, 1), *actor = cJSON_AddObjectToObject(ev, "actor");
		const char *session = guard_json_str(cJSON_GetArrayItem(sessions, 0), "id", NULL);

		struct guard_buf b = GUARD_BUF_INIT;
		cli_error("refused: %s [%s]", seen(&b, guard_json_str(v, "message", "")), guard_json_str(v, "rule", ""));
		guard_buf_release(&b);
		cJSON_AddStringToObject(actor, "user", user && *user ? user : "unknown");
		cJSON_AddStringToObject(actor, "role", marker || session ? "agent" : "person");
		if (marker)
			cJSON_AddStringToObject(actor, "marker", marker);
		if (session)
			cJSON_AddStringToObject(ev, "session", session);
		cJSON_AddStringToObject(ev, "summary", guard_json_str(v, "message", ""));
		cJSON_AddStringToObject(ev, "git_hook", hook);
		cJSON_DeleteItemFromObjectCaseSensitive(ev, "message");
		if (guard_audit_record(p->root, p->policy, "git.violation", ev) < 0)
			cli_error("the refusal above is not in the audit log: %s", guard_error_last());
		cJSON_Delete(ev);
	}
}

/*
 * The verdict on updates ("<old> <new> <ref>" lines): the session rules
 * while sessions run, else the agent's rule (marker set).
 */
static int
judge(struct project *p, const char *hook, const cJSON *sessions, const char *marker, const char *updates, size_t len)
{
	struct guard_git *g = NULL;
	cJSON *violations = cJSON_CreateArray();
	const char *recorded = guard_json_str(cJSON_GetArrayItem(sessions, 0), "base_branch", NULL);
	char *base = NULL;
	int rc;

	if ((rc = project_policy(p)) < 0 || (rc = open_repo(p, &g)) < 0)
		goto out;
	if (p->rules.base || !recorded)
		rc = guard_git_base_branch(g, p->rules.base, &base);
	else
		base = guard_xstrdup(recorded); /* the branch the session was cut from */
	if (rc == GUARD_ENOTFOUND && !sessions) {
		rc = 0; /* no base yet (the first commit): the protected names still hold */
		guard_error_clear();
	}
	if (rc < 0)
		goto out;
	if (sessions && !strcmp(hook, "pre-push") && (rc = guard_git_push_refs_check(updates, len, violations)) < 0)
		goto out;
	if (sessions)
		rc = guard_git_ref_check(g, &p->rules, sessions, base, updates, len, violations);
	else
		rc = guard_git_agent_check(g, &p->rules, base, marker, updates, len, violations);
	if (rc == 0 && cJSON_GetArraySize(violations)) {
		report_violations(p, hook, sessions, marker, violations);
		rc = GUARD_EDENY;
	}
out:
	cJSON_Delete(violations);
	free(base);
	guard_git_close(g);
	return rc;
}

/* Before a commit: refuse at once when HEAD's branch may not move. */
static int
judge_commit(struct project *p, const cJSON *sessions, const char *marker)
{
	struct guard_git *g = NULL;
	char *branch = NULL, *line = NULL;
	int rc;

	if ((rc = open_repo(p, &g)) == 0)
		rc = guard_git_head_branch(g, &branch);
	guard_git_close(g);
	if (rc < 0 || !branch)
		return rc; /* detached: no branch moves */
	line = guard_xasprintf("%040d %040d refs/heads/%s\n", 0, 0, branch);
	rc = judge(p, "pre-commit", sessions, marker, line, strlen(line));
	free(line);
	free(branch);
	return rc;
}

/*
 * A commit or push that takes a running unattended session over its LOC
 * budget (max_loc, max_loc_per_day), counted as guard-session check
 * counts: refused with the numbers, before the next call's counters move.
 */
static int
judge_budget(struct project *p, const char *hook, const cJSON *sessions)
{
	struct guard_git *g = NULL;
	cJSON *violations;
	int rc;

	if (!cJSON_GetArraySize(sessions))
		return 0;
	if ((rc = project_policy(p)) < 0 || (rc = open_repo(p, &g)) < 0)
		return rc;
	violations = cJSON_CreateArray();
	rc = guard_session_loc_refusals(g, p->root, sessions, p->tree, violations);
	if (rc == 0 && cJSON_GetArraySize(violations)) {
		report_violations(p, hook, sessions, NULL, violations);
		rc = GUARD_EDENY;
	}
	cJSON_Delete(violations);
	guard_git_close(g);
	return rc;
}

/*
 * guard's own files that git would bring into the worktree while an agent
 * acts (trust.md 5): a ref transaction that moves HEAD to other versions
 * of them (refused, what git wrote put back), or a branch switch to them
 * (undone). args: the transaction's lines, or post-checkout's arguments.
 */
static int
judge_state(struct project *p, const char *hook, const cJSON *sessions, const char *agent, const char *input,
	    size_t len, int argc, char **argv)
{
	struct guard_git *g = NULL;
	struct guard_git_state s = { 0 };
	cJSON *violations = cJSON_CreateArray();
	const struct guard_risk_config *cfg;
	char *base = NULL, *who = NULL;
	int rc;

	if ((rc = project_policy(p)) < 0 || (rc = open_repo(p, &g)) < 0)
		goto out;
	if (guard_git_base_branch(g, p->rules.base, &base) < 0)
		guard_error_clear(); /* no base yet: every difference counts */
	cfg = guard_policy_risk(p->policy);
	who = sessions ? guard_xasprintf("unattended session %s", guard_json_str(cJSON_GetArrayItem(sessions, 0), "id", "?"))
		       : guard_xasprintf("%s is set", agent);
	s = (struct guard_git_state){ g, guard_git_root(g), cfg->protected_paths, cfg->nprotected_paths, base, who };
	if (!strcmp(hook, "post-checkout"))
		rc = argc >= 3 && !strcmp(argv[2], "1") ? guard_git_state_switch(&s, argv[0], argv[1], violations) : 0;
	else
		rc = guard_git_state_check(&s, input, len, violations);
	if (rc == 0 && cJSON_GetArraySize(violations)) {
		report_violations(p, hook, sessions, sessions ? NULL : agent, violations);
		rc = GUARD_EDENY;
	}
out:
	cJSON_Delete(violations);
	free(base);
	free(who);
	guard_git_close(g);
	return rc;
}

static int
cmd_hook(int argc, char **argv)
{
	struct project p = PROJECT_INIT;
	const char *chain = NULL, *name, *marker = NULL, *agent = NULL;
	cJSON *sessions = NULL;
	char *input = NULL, *updates = NULL;
	size_t len = 0, ulen = 0;
	bool enforce;
	int i = 1, rc = 0;

	/*
	 * git runs its hooks in the environment of whoever ran git: the agent.
	 * Guard's state is where git's repository is, never where GUARD_DIR
	 * says (GUARD_DIR=src git update-ref ... would find no session).
	 */
	unsetenv("GUARD_DIR");
	if (i + 1 < argc && !strcmp(argv[i], "--chain"))
		chain = argv[i + 1], i += 2;
	if (i >= argc)
		return guard_error(GUARD_EUSAGE, "hook: which hook? (reference-transaction, pre-commit, pre-push, "
				   "post-checkout)");
	name = argv[i++];
	enforce = !strcmp(name, "pre-commit") || !strcmp(name, "pre-push") || !strcmp(name, "post-checkout") ||
		  (!strcmp(name, "reference-transaction") && i < argc && !strcmp(argv[i], "prepared"));
	if (strcmp(name, "pre-commit") && strcmp(name, "pre-push") && strcmp(name, "reference-transaction") &&
	    strcmp(name, "post-checkout"))
		return guard_error(GUARD_EUSAGE, "hook: unknown hook '%s'", name);
	if (strcmp(name, "pre-commit") && strcmp(name, "post-checkout") &&
	    (rc = guard_stream_read(stdin, HOOK_INPUT_MAX, &input, &len)) < 0)
		return rc;
	/*
	 * A running unattended session's rules, or, without one, the agent's
	 * rule when git runs for an agent; otherwise git goes on. guard's own
	 * files are kept from git's history moves whenever an agent acts.
	 */
	if (enforce && (rc = project_root(&p)) == 0 && p.root && (rc = guard_git_running_sessions(p.root, &sessions)) == 0) {
		if (!cJSON_GetArraySize(sessions)) {
			cJSON_Delete(sessions);
			sessions = NULL;
			if ((agent = guard_git_agent_marker()) && (rc = project_policy(&p)) == 0 && !p.rules.allow_agent_commit)
				marker = agent;
		}
		if (rc < 0 || (!sessions && !agent)) {
			/* nothing to enforce */
		} else if (!strcmp(name, "post-checkout")) {
			rc = judge_state(&p, name, sessions, agent, NULL, 0, argc - i, argv + i);
		} else if (!sessions && !marker) {
			/* an agent allowed to commit (branch.allow_agent_commit): only guard's files are kept */
			if (!strcmp(name, "reference-transaction"))
				rc = judge_state(&p, name, sessions, agent, input, len, 0, NULL);
		} else if (!strcmp(name, "pre-commit")) {
			if ((rc = judge_commit(&p, sessions, marker)) == 0)
				rc = judge_budget(&p, name, sessions);
		} else if (!strcmp(name, "pre-push")) {
			updates = push_as_updates(input ? input : "", len, &ulen);
			if ((rc = judge(&p, name, sessions, marker, updates, ulen)) == 0)
				rc = judge_budget(&p, name, sessions);
		} else {
			int st;
			rc = judge(&p, name, sessions, marker, input, len);
			/* what git wrote is put back even when the update is refused for another reason */
			if ((st = judge_state(&p, name, sessions, agent, input, len, 0, NULL)) < 0 && (rc == 0 || rc == GUARD_EDENY))
				rc = st;
		}
	}
	cJSON_Delete(sessions);
	project_release(&p);
	free(updates);
	if (rc == 0 && chain)
		rc = hook_run_chained(chain, input, len, argc - i, argv + i);
	free(input);
	if (rc == GUARD_EDENY)
		guard_error_clear(); /* printed, rule by rule */
	return rc;
}

/* --------------------------------------------------------------- check */

static void
print_github(const cJSON *report)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(report, "violations")) {
		const char *file = guard_json_str(v, "file", NULL);
		printf("::%s ", strcmp(guard_json_str(v, "severity", "error"), "warning") ? "error" : "warning");
		if (file) {
			fputs("file=", stdout);
			cli_github_escaped(file, true);
			fputs(",line=1,", stdout);
		}
		fputs("title=guard-git ", stdout);
		cli_github_escaped(guard_json_str(v, "rule", ""), true);
		fputs("::", stdout);
		cli_github_escaped(guard_json_str(v, "message", ""), false);
		putchar('\n');
	}
}

static void
print_table(const cJSON *report)
{
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(report, "loc");
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(report, "files");
	const cJSON *v;

	struct guard_buf a = GUARD_BUF_INIT, b = GUARD_BUF_INIT;

	printf("%-10s %s...%s (merge base %.12s)\n", "range", seen(&a, guard_json_str(report, "base", "")),
	       seen(&b, guard_json_str(report, "head", "")), guard_json_str(report, "merge_base", "none"));
	printf("%-10s %s\n", "branch", seen(&a, guard_json_str(report, "branch", "(unknown)")));
	printf("%-10s +%.0f -%.0f\n", "loc", guard_json_num(loc, "added"), guard_json_num(loc, "deleted"));
	printf("%-10s %.0f created, %.0f modified, %.0f deleted\n", "files", guard_json_num(files, "created"),
	       guard_json_num(files, "modified"), guard_json_num(files, "deleted"));
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(report, "violations"))
		printf("%-10s %-22s %s\n", guard_json_str(v, "severity", ""), guard_json_str(v, "rule", ""),
		       seen(&a, guard_json_str(v, "message", "")));
	if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(report, "violations")))
		printf("%-10s none\n", "violations");
	guard_buf_release(&a);
	guard_buf_release(&b);
}

/* The report's changes as a change list (the PR rules read those). */
static void
report_changes(const cJSON *report, struct guard_changes *out)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "changes"))
		guard_changes_add_report(out, c);
}

/*
 * Paths of the range the policy forbids an unattended agent to write
 * (security settings, auth code, env files, guard's own wiring): each
 * changed path (and a rename's old path) decided as an edit of it.
 */
static int
forbidden_paths(struct project *p, const struct guard_changes *c, cJSON *violations)
{
	int rc = 0;

	for (size_t i = 0; i < c->len && rc == 0; i++) {
		const char *paths[2] = { c->items[i].path, c->items[i].old_path };
		for (int k = 0; k < 2 && paths[k] && rc == 0; k++) {
			cJSON *ev = cJSON_CreateObject(), *in;
			char *abs = guard_xasprintf("%s/%s", p->root, paths[k]);
			cJSON_AddStringToObject(ev, "source", "cli");
			cJSON_AddStringToObject(ev, "tool", "Edit");
			cJSON_AddStringToObject(ev, "cwd", p->root);
			in = cJSON_AddObjectToObject(ev, "input");
			cJSON_AddStringToObject(in, "file_path", abs);
			cJSON_AddStringToObject(in, "old_string", "");
			cJSON_AddStringToObject(in, "new_string", "");
			free(abs);
			if ((rc = guard_stage_decide(&p->stages, ev)) == 0) {
				const char *effect = guard_json_str(cJSON_GetObjectItemCaseSensitive(ev, "decision"), "effect", "");
				const char *rule = guard_json_str(cJSON_GetObjectItemCaseSensitive(ev, "decision"), "rule", "?");
				if (strcmp(effect, "allow"))
					guard_git_violation(violations, "files.forbidden", "error", paths[k],
							    guard_xasprintf("'%s'%s%s%s is a path the agent may not write: %s (policy "
									    "rule %s)", paths[k], k ? " (renamed away to '" : "",
									    k ? paths[0] : "", k ? "')" : "",
									    guard_json_str(cJSON_GetObjectItemCaseSensitive(ev, "decision"),
											   "reason", "denied"), rule));
			}
			cJSON_Delete(ev);
		}
	}
	return rc;
}

/* The sections seed 004 asks of a PR body. */
static const char *const body_sections[] = { "Summary", "Changed files", "Lines of code", "Security scan",
					     "Session log", NULL };

/* Each section is a "## NAME..." heading (any case) followed by some text before the next heading. */
static void
check_body(const char *file, const char *text, size_t len, cJSON *violations)
{
	for (const char *const *name = body_sections; *name; name++) {
		size_t n = strlen(*name);
		const char *found = NULL, *p = text, *end = text + len;
		while (p < end && !found) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
			if (eol - p >= (ptrdiff_t)(3 + n) && !strncmp(p, "## ", 3) && !strncasecmp(p + 3, *name, n))
				found = eol;
			p = eol + 1;
		}
		bool content = false;
		for (p = found; p && p < end && !content; ) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
			if (!strncmp(p, "## ", 3) && p != found)
				break;
			for (const char *q = p; q < eol && !content; q++)
				content = !strchr(" \t\r\n", *q);
			p = eol + 1;
		}
		if (!found || !content)
			guard_git_violation(violations, "pr.body", "error", NULL,
					    guard_xasprintf("the PR body '%s' %s '## %s' section (seed 004: summary, changed "
							    "files, LOC, security scan result, session log path)", file,
							    found ? "has an empty" : "has no", *name));
	}
}

static int
read_body(const char *file, char **text, size_t *len)
{
	if (!strcmp(file, "-"))
		return guard_stream_read(stdin, PR_BODY_MAX, text, len);
	return guard_file_read(file, PR_BODY_MAX, 0, text, len);
}

/* The labels given (comma separated) against pr.labels and the security label. */
static void
check_labels(const cJSON *tree, const cJSON *reviewers, const char *given, cJSON *violations)
{
	struct guard_list need = GUARD_LIST_INIT, have = GUARD_LIST_INIT;

	guard_pr_labels(tree, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reviewers, "security")), &need);
	for (const char *p = given; *p;) {
		size_t n = strcspn(p, ",");
		char *label = guard_xstrndup(p, n);
		char *t = label + strspn(label, " \t");
		for (size_t m = strlen(t); m && strchr(" \t", t[m - 1]); m--)
			t[m - 1] = '\0';
		if (*t)
			guard_list_add_unique(&have, t);
		free(label);
		p += n + (p[n] == ',');
	}
	for (size_t i = 0; i < need.len; i++)
		if (!guard_list_has(&have, need.items[i]))
			guard_git_violation(violations, "pr.labels", "error", NULL,
					    guard_xasprintf("the PR lacks the label '%s' (policy pr.labels%s)", need.items[i],
							    i + 1 == need.len && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
								    reviewers, "security")) ? ", pr.security_label: security paths changed" : ""));
	guard_list_clear(&need);
	guard_list_clear(&have);
}

/* What check adds to the range's report: reviewers, forbidden paths, the PR's body and labels. */
static int
check_pr(struct project *p, cJSON *report, const char *body_file, const char *labels)
{
	struct guard_changes changes = { NULL, 0, 0, 0, 0 };
	cJSON *violations = cJSON_GetObjectItemCaseSensitive(report, "violations"), *rv;
	char *body = NULL;
	size_t len = 0;
	int rc;

	report_changes(report, &changes);
	rv = guard_pr_reviewers(p->tree, &changes);
	cJSON_AddItemToObject(report, "reviewers", rv);
	rc = forbidden_paths(p, &changes, violations);
	guard_changes_release(&changes);
	if (rc == 0 && body_file && (rc = read_body(body_file, &body, &len)) == 0)
		check_body(body_file, body, len, violations);
	free(body);
	if (rc == 0 && labels)
		check_labels(p->tree, rv, labels, violations);
	return rc;
}

/* check's and reviewers' options: a range, an output format, and for check the PR's. */
struct range_opts {
	struct guard_git_check c;
	const char *format, *body, *labels;
};

static int
range_options(const char *verb, const char *formats, bool pr, int argc, char **argv, struct range_opts *o)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "head", required_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "branch", required_argument, NULL, 'B' },
		{ "pr-body", required_argument, NULL, 'P' },
		{ "labels", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'b': o->c.base = optarg; continue;
		case 'H': o->c.head = optarg; continue;
		case 'j': o->format = "json"; continue;
		case 'f': o->format = optarg; continue;
		case 'B': o->c.branch = optarg; break;
		case 'P': o->body = optarg; break;
		case 'L': o->labels = optarg; break;
		default: break;
		}
		if (opt == '?' || opt == ':') {
			cli_bad_option(argv, opts); /* one line, with "did you mean" */
			guard_error_clear();
			return GUARD_EUSAGE;
		}
		if (!pr)
			return guard_error(GUARD_EUSAGE, "%s takes no --branch, --pr-body or --labels (check does)", verb);
	}
	if (optind < argc)
		return guard_error(GUARD_EUSAGE, "%s: unexpected argument '%s'", verb, argv[optind]);
	for (const char *f = formats; *f; f += strlen(f) + 1)
		if (!strcmp(f, o->format))
			return 0;
	return guard_error(GUARD_EUSAGE, "%s: --format is %s, not '%s'", verb,
			   pr ? "text, json or github" : "text, json or gh", o->format);
}

/* The range's report under the project's policy, the base detected when not given. */
static int
range_report(struct project *p, struct guard_git **g, struct guard_git_check *c, cJSON **report)
{
	char *detected = NULL;
	int rc;

	if ((rc = project_root(p)) < 0 || (rc = project_policy(p)) < 0 || (rc = open_repo(p, g)) < 0 ||
	    (!c->base && (rc = guard_git_base_branch(*g, p->rules.base, &detected)) < 0))
		return rc;
	c->base = c->base ? c->base : detected;
	c->tree = p->tree;
	rc = guard_git_check_range(*g, c, report);
	if (detected)
		c->base = NULL;
	free(detected);
	return rc;
}

static int
cmd_check(int argc, char **argv)
{
	struct range_opts o = { { NULL, "HEAD", NULL, NULL }, "text", NULL, NULL };
	struct project p = PROJECT_INIT;
	struct guard_git *g = NULL;
	cJSON *report = NULL;
	int rc;

	if ((rc = range_options("check", "text\0json\0github\0", true, argc, argv, &o)) < 0)
		return rc;
	if ((rc = range_report(&p, &g, &o.c, &report)) < 0 || (rc = check_pr(&p, report, o.body, o.labels)) < 0)
		goto out;
	if (!strcmp(o.format, "json")) {
		char *text = guard_json_pretty(report, 0);
		puts(text);
		free(text);
	} else if (!strcmp(o.format, "github")) {
		print_github(report);
	} else {
		print_table(report);
	}
	const cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(report, "violations"))
		if (strcmp(guard_json_str(v, "severity", "error"), "warning"))
			rc = GUARD_EDENY;
out:
	cJSON_Delete(report);
	guard_git_close(g);
	project_release(&p);
	return rc;
}

/* ----------------------------------------------------------- reviewers */

static void
print_reviewers(const cJSON *rv, const char *format)
{
	const cJSON *cat, *t;

	if (!strcmp(format, "json")) {
		char *text = guard_json_pretty(rv, 0);
		puts(text);
		free(text);
		return;
	}
	if (!strcmp(format, "gh")) {
		/* gh pr create --reviewer takes users and ORG/TEAM: the policy's team names as they are */
		int n = 0;
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(rv, "teams"))
			printf("%s--reviewer %s", n++ ? " " : "", t->valuestring);
		if (n)
			putchar('\n');
		return;
	}
	cJSON_ArrayForEach(cat, cJSON_GetObjectItemCaseSensitive(rv, "categories")) {
		double min = guard_json_num(cat, "min");
		printf("%-10s %.0f reviewer%s", !strcmp(guard_json_str(cat, "name", ""), "tests") ? "tests only"
		       : guard_json_str(cat, "name", ""), min, min == 1 ? "" : "s");
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(cat, "teams"))
			printf(" + team %s", t->valuestring);
		putchar('\n');
	}
	printf("%-10s %.0f approving review%s", "required", guard_json_num(rv, "min"),
	       guard_json_num(rv, "min") == 1 ? "" : "s");
	int n = 0;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(rv, "teams"))
		printf("%s%s", n++ ? ", " : ", including team ", t->valuestring);
	putchar('\n');
}

static int
cmd_reviewers(int argc, char **argv)
{
	struct range_opts o = { { NULL, "HEAD", NULL, NULL }, "text", NULL, NULL };
	struct guard_changes changes = { NULL, 0, 0, 0, 0 };
	struct project p = PROJECT_INIT;
	struct guard_git *g = NULL;
	cJSON *report = NULL, *rv = NULL;
	int rc;

	if ((rc = range_options("reviewers", "text\0json\0gh\0", false, argc, argv, &o)) < 0)
		return rc;
	if ((rc = range_report(&p, &g, &o.c, &report)) == 0) {
		report_changes(report, &changes);
		rv = guard_pr_reviewers(p.tree, &changes);
		print_reviewers(rv, o.format);
	}
	cJSON_Delete(rv);
	cJSON_Delete(report);
	guard_changes_release(&changes);
	guard_git_close(g);
	project_release(&p);
	return rc;
}

/* ------------------------------------------------------------- cleanup */

static int
read_prs(const char *file, cJSON **out)
{
	char *text = NULL;
	size_t len = 0;
	int rc = !strcmp(file, "-") ? guard_stream_read(stdin, PR_LIST_MAX, &text, &len)
				    : guard_file_read(file, PR_LIST_MAX, 0, &text, &len);

	*out = NULL;
	if (rc == 0 && !(*out = cJSON_ParseWithLength(text, len)))
		rc = guard_error(GUARD_EUSAGE, "the PR list '%s' is not JSON (near byte %td)", file,
				 cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - text : (ptrdiff_t)0);
	free(text);
	return rc;
}

static int
cleanup(struct project *p, const char *prs_file, bool dry_run, bool json, bool table)
{
	struct guard_git_cleanup c = { NULL, NULL, NULL, NULL, NULL, NULL, time(NULL) };
	struct guard_git *g = NULL;
	cJSON *plan = cJSON_CreateArray(), *prs = NULL, *sessions = NULL, *item;
	char *base = NULL, *head = NULL;
	int rc;

	if ((rc = project_root(p)) < 0 || (rc = project_policy(p)) < 0 || (rc = open_repo(p, &g)) < 0 ||
	    (rc = guard_git_base_branch(g, p->rules.base, &base)) < 0 || (rc = guard_git_head_branch(g, &head)) < 0 ||
	    (p->root && (rc = guard_git_running_sessions(p->root, &sessions)) < 0) ||
	    (prs_file && (rc = read_prs(prs_file, &prs)) < 0))
		goto out;
	c.rules = &p->rules;
	c.tree = p->tree;
	c.base = base;
	c.head = head;
	c.sessions = sessions;
	c.prs = prs;
	if ((rc = guard_git_cleanup_plan(g, &c, plan)) < 0)
		goto out;
	cJSON_ArrayForEach(item, plan) {
		const char *action = guard_json_str(item, "action", "");
		if (!strcmp(action, "delete") && !dry_run) {
			int err = guard_git_delete_branch(g, guard_json_str(item, "branch", ""));
			cJSON_AddBoolToObject(item, "deleted", err == 0);
			if (err < 0) {
				cli_error("%s", guard_error_last());
				rc = err;
			}
		}
		if (table) {
			struct guard_buf b = GUARD_BUF_INIT;
			printf("%-12s %s: %s\n", strcmp(action, "delete") ? action : dry_run ? "would delete" : "deleted",
			       seen(&b, guard_json_str(item, "branch", "")), guard_json_str(item, "reason", ""));
			guard_buf_release(&b);
		} else if (!json) { /* a pipe: JSON Lines */
			char *text = cJSON_PrintUnformatted(item);
			puts(text);
			cJSON_free(text);
		}
	}
	if (json && !table) {
		char *text = guard_json_pretty(plan, 0);
		puts(text);
		free(text);
	}
out:
	cJSON_Delete(plan);
	cJSON_Delete(prs);
	cJSON_Delete(sessions);
	free(base);
	free(head);
	guard_git_close(g);
	return rc;
}

static int
cmd_cleanup(int argc, char **argv)
{
	struct project p = PROJECT_INIT;
	const char *prs = NULL;
	bool dry_run = false, json = false, table = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry_run = true;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--table"))
			table = true;
		else if (!strcmp(argv[i], "--prs") && i + 1 < argc)
			prs = argv[++i];
		else
			return guard_error(GUARD_EUSAGE, "cleanup: unknown or incomplete argument '%s'", argv[i]);
	}
	rc = cleanup(&p, prs, dry_run, json, cli_table_out(json, table));
	project_release(&p);
	return rc;
}

/* ---------------------------------------------------------------- main */

static const struct cli_command commands[] = {
	{ "install", cmd_install, CLI_HUMAN, "[--uninstall | --check]",
	  "write the git hooks (reference-transaction, pre-commit, pre-push, post-checkout), chained to those already there; "
	  "--check: exit 0 when they are installed and current, 1 when not" },
	{ "uninstall", cmd_uninstall, CLI_HUMAN, "", "remove guard's git hooks, putting back the ones they chained to" },
	{ "hook", cmd_hook, 0, "[--chain HOOK] NAME [ARGS...] < git's input",
	  "what the installed hooks run: enforce the branch rules while an unattended session runs, and keep "
	  "guard's files from git's history moves while an agent acts" },
	{ "base", cmd_base, 0, "", "print the base branch (policy, origin/HEAD, init.defaultBranch, main, master)" },
	{ "check", cmd_check, 0, "[--base REF] [--head REF] [--branch NAME] [--pr-body FILE|-] [--labels A,B] "
	  "[--json | --format text|json|github]",
	  "check a PR range base...head (and its body and labels) against the branch and PR rules; exit 1 on violations" },
	{ "reviewers", cmd_reviewers, 0, "[--base REF] [--head REF] [--json | --format text|json|gh]",
	  "the reviewers the range needs by the paths it changes (policy pr.reviewers); gh: --reviewer flags" },
	{ "cleanup", cmd_cleanup, CLI_HUMAN, "[--dry-run] [--json|--table] [--prs FILE|-]",
	  "delete merged, closed and PR-less AI branches, alert on stale open PRs (policy pr.cleanup; PR states from "
	  "gh pr list --state all --json number,headRefName,state,closedAt,mergedAt)" },
	{ NULL, NULL, 0, NULL, NULL },
};

int
main(int argc, char **argv)
{
	cli_init("guard-git");
	return cli_dispatch(commands, "Branch, merge and PR rules at the git layer (guard-git(1)).", argc, argv);
}
