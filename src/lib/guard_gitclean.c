/*
 * Cleanup of AI branches (seed 004, policy pr.cleanup): merged ones,
 * ones whose PR was closed without merge a while ago, ones that never got
 * a PR; an alert for an open PR gone stale. PR states come from gh's JSON
 * (given, never fetched here); a branch's age from its tip's commit date.
 */
#include <git2.h>

#include "guard_error.h"
#include "guard_gitrules.h"
#include "guard_json.h"
#include "guard_time.h"

#define DAY 86400LL

static long long
setting(const cJSON *tree, const char *key, long long fallback)
{
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "pr"), "cleanup");
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cl, key));
	long long secs;
	return v && guard_duration_parse(v, &secs) == 0 ? secs : fallback;
}

int
guard_git_cleanup_prs_check(const cJSON *prs)
{
	static const char *const states[] = { "OPEN", "CLOSED", "MERGED" };
	const cJSON *pr;
	int i = 0;

	if (!cJSON_IsArray(prs))
		return guard_error(GUARD_EUSAGE, "the PR list is not a JSON array (gh pr list --state all --json "
				   "number,headRefName,state,closedAt,mergedAt)");
	cJSON_ArrayForEach(pr, prs) {
		const char *state = guard_json_str(pr, "state", NULL), *closed = guard_json_str(pr, "closedAt", NULL);
		struct timespec ts;
		bool known = false;
		for (size_t k = 0; state && k < 3; k++)
			known |= !strcmp(state, states[k]);
		if (!cJSON_IsObject(pr) || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(pr, "number")) ||
		    !guard_json_str(pr, "headRefName", NULL) || !known ||
		    (closed && *closed && guard_time_parse(closed, &ts) < 0))
			return guard_error(GUARD_EUSAGE, "PR list item %d: expected {number, headRefName, state: "
					   "OPEN|CLOSED|MERGED, closedAt: RFC 3339 or empty, mergedAt}", i);
		i++;
	}
	return 0;
}

/* The PR of a branch: an open one first, then a merged one, then the last closed one. */
static const cJSON *
pr_of(const cJSON *prs, const char *branch)
{
	const cJSON *pr, *best = NULL;
	int rank = 0;

	cJSON_ArrayForEach(pr, prs) {
		const char *state = guard_json_str(pr, "state", "");
		int r = !strcmp(state, "OPEN") ? 3 : !strcmp(state, "MERGED") ? 2 : 1;
		if (strcmp(guard_json_str(pr, "headRefName", ""), branch))
			continue;
		if (r > rank || (r == rank && guard_json_num(pr, "number") > guard_json_num(best, "number")))
			best = pr, rank = r;
	}
	return best;
}

static void
add(cJSON *out, const char *branch, const char *action, long long age, const cJSON *pr, char *reason)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "branch", branch);
	cJSON_AddStringToObject(o, "action", action);
	cJSON_AddNumberToObject(o, "age_days", (double)(age / DAY));
	if (pr)
		cJSON_AddNumberToObject(o, "pr", guard_json_num(pr, "number"));
	cJSON_AddStringToObject(o, "reason", reason);
	cJSON_AddItemToArray(out, o);
	free(reason);
}

/* Whether the running sessions or HEAD hold the branch. */
static bool
held(const cJSON *sessions, const char *head, const char *name)
{
	const cJSON *s;
	if (head && !strcmp(head, name))
		return true;
	cJSON_ArrayForEach(s, sessions)
		if (!strcmp(guard_json_str(s, "branch", ""), name))
			return true;
	return false;
}

static void
judge(git_repository *repo, const struct guard_git_cleanup *c, const git_oid *base, git_reference *ref,
      cJSON *out)
{
	const char *name = git_reference_shorthand(ref);
	const git_oid *tip = git_reference_target(ref);
	git_commit *commit = NULL;
	long long age = 0;

	if (git_commit_lookup(&commit, repo, tip) == 0)
		age = (long long)c->now - (long long)git_commit_time(commit);
	git_commit_free(commit);
	const cJSON *pr = c->prs ? pr_of(c->prs, name) : NULL;
	const char *state = guard_json_str(pr, "state", "");
	long long closed_after = setting(c->tree, "close_unmerged_after", 7 * DAY);
	long long no_pr_after = setting(c->tree, "no_pr_after", 3 * DAY);
	long long alert_after = setting(c->tree, "alert_open_after", 14 * DAY);
	const cJSON *dm = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(c->tree, "pr"), "cleanup"), "delete_merged");
	bool delete_merged = !cJSON_IsFalse(dm);

	if (held(c->sessions, c->head, name)) {
		add(out, name, "keep", age, pr, guard_xasprintf(c->head && !strcmp(c->head, name) ? "checked out"
								: "a running session's branch"));
	} else if (base && (git_oid_equal(base, tip) || git_graph_descendant_of(repo, base, tip) == 1)) {
		add(out, name, delete_merged ? "delete" : "keep", age, pr,
		    guard_xasprintf("merged into %s%s", c->base, delete_merged ? "" : " (pr.cleanup.delete_merged: false)"));
	} else if (!strcmp(state, "MERGED")) {
		add(out, name, delete_merged ? "delete" : "keep", age, pr,
		    guard_xasprintf("PR #%.0f merged", guard_json_num(pr, "number")));
	} else if (!strcmp(state, "CLOSED")) {
		struct timespec ts = { 0, 0 };
		const char *at = guard_json_str(pr, "closedAt", "");
		long long since = *at && guard_time_parse(at, &ts) == 0 ? (long long)c->now - ts.tv_sec : age;
		add(out, name, since >= closed_after ? "delete" : "keep", age, pr,
		    guard_xasprintf("PR #%.0f closed without merge %lld days ago (deleted after %lld)",
				    guard_json_num(pr, "number"), since / DAY, closed_after / DAY));
	} else if (!strcmp(state, "OPEN")) {
		add(out, name, age >= alert_after ? "alert" : "keep", age, pr,
		    guard_xasprintf("PR #%.0f open, last commit %lld days ago (alert after %lld)",
				    guard_json_num(pr, "number"), age / DAY, alert_after / DAY));
	} else if (!c->prs) {
		add(out, name, "keep", age, NULL, guard_xstrdup("not merged; no PR list given (--prs)"));
	} else {
		add(out, name, age >= no_pr_after ? "delete" : "keep", age, NULL,
		    guard_xasprintf("no PR, last commit %lld days ago (deleted after %lld)", age / DAY, no_pr_after / DAY));
	}
}

int
guard_git_cleanup_plan(struct guard_git *g, const struct guard_git_cleanup *c, cJSON *out)
{
	git_repository *repo = guard_git_repository(g);
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL, *baseref = NULL;
	git_branch_t type;
	int rc;

	if (c->prs && (rc = guard_git_cleanup_prs_check(c->prs)) < 0)
		return rc;
	if (git_branch_lookup(&baseref, repo, c->base, GIT_BRANCH_LOCAL) < 0)
		return guard_error(GUARD_ENOTFOUND, "no local base branch '%s'", c->base);
	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) < 0) {
		git_reference_free(baseref);
		return guard_error(GUARD_EIO, "cannot list the branches");
	}
	while (git_branch_next(&ref, &type, it) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT && guard_branch_ai(c->rules, git_reference_shorthand(ref)))
			judge(repo, c, git_reference_target(baseref), ref, out);
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
	git_reference_free(baseref);
	return 0;
}

int
guard_git_delete_branch(struct guard_git *g, const char *name)
{
	git_reference *ref = NULL;
	const git_error *e;
	int err;

	if (git_branch_lookup(&ref, guard_git_repository(g), name, GIT_BRANCH_LOCAL) < 0)
		return guard_error(GUARD_ENOTFOUND, "no branch '%s'", name);
	/*
	 * The ref only: git_branch_delete also drops the branch.<name> config
	 * section, through libgit2's PCRE2 regex, which leaks its match data
	 * (LeakSanitizer); a stale upstream setting is harmless.
	 */
	err = git_reference_delete(ref);
	git_reference_free(ref);
	e = git_error_last();
	return err < 0 ? guard_error(GUARD_EIO, "cannot delete '%s': %s", name, e && e->message ? e->message : "libgit2 error")
		       : 0;
}
