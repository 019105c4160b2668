#include "guard_error.h"
#include "guard_glob.h"
#include "guard_json.h"
#include "guard_session.h"
#include "guard_time.h"

void
guard_changes_add(struct guard_changes *c, const char *path, const char *old_path, char status,
		  long added, long deleted)
{
	struct guard_change *x;

	if (c->len == c->alloc)
		c->items = guard_xrealloc(c->items, (c->alloc = c->alloc ? 2 * c->alloc : 64) * sizeof(*c->items));
	x = &c->items[c->len++];
	x->path = guard_xstrdup(path);
	x->old_path = old_path ? guard_xstrdup(old_path) : NULL;
	x->status = status;
	x->added = added;
	x->deleted = deleted;
	x->text_added = x->text_deleted = 0;
	if (added >= 0) {
		c->added += added;
		c->deleted += deleted;
	}
}

void
guard_changes_add_binary(struct guard_changes *c, const char *path, const char *old_path, char status,
			 long text_added, long text_deleted)
{
	guard_changes_add(c, path, old_path, status, -1, -1);
	c->items[c->len - 1].text_added = text_added;
	c->items[c->len - 1].text_deleted = text_deleted;
	c->added += text_added;
	c->deleted += text_deleted;
}

void
guard_changes_add_report(struct guard_changes *c, const cJSON *x)
{
	const char *path = guard_json_str(x, "path", ""), *old = guard_json_str(x, "old_path", NULL);
	char status = *guard_json_str(x, "status", "M");
	long added = (long)guard_json_num(x, "added");

	if (added < 0)
		guard_changes_add_binary(c, path, old, status, (long)guard_json_num(x, "text_added"),
					 (long)guard_json_num(x, "text_deleted"));
	else
		guard_changes_add(c, path, old, status, added, (long)guard_json_num(x, "deleted"));
}

void
guard_changes_release(struct guard_changes *c)
{
	for (size_t i = 0; i < c->len; i++) {
		free(c->items[i].path);
		free(c->items[i].old_path);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

/* A member as the PR body shows it: "-" when missing. */
static const char *
str(const cJSON *obj, const char *key)
{
	return guard_json_str(obj, key, "-");
}

static bool
matches_any(const cJSON *category, const char *path)
{
	const cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(category, "paths"))
		if (cJSON_IsString(g) && guard_glob_match_path(g->valuestring, path, NULL))
			return true;
	return false;
}

cJSON *
guard_pr_reviewers(const cJSON *tree, const struct guard_changes *c)
{
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "pr"), "reviewers");
	const char *names[] = { "security", "db" };
	bool hit[2] = { false, false }, tests_only = c->len > 0;
	cJSON *out = cJSON_CreateObject(), *cats, *teams;
	double need;

	for (size_t i = 0; i < c->len; i++) {
		const char *paths[2] = { c->items[i].path, c->items[i].old_path };
		bool test = false;
		for (int k = 0; k < 2 && paths[k]; k++) {
			test |= matches_any(cJSON_GetObjectItemCaseSensitive(rv, "tests"), paths[k]);
			for (int j = 0; j < 2; j++)
				hit[j] |= matches_any(cJSON_GetObjectItemCaseSensitive(rv, names[j]), paths[k]);
		}
		tests_only &= test;
	}
	need = guard_json_num(cJSON_GetObjectItemCaseSensitive(rv, tests_only ? "tests" : "general"), "min");
	cJSON_AddStringToObject(out, "base", tests_only ? "tests" : "general");
	cJSON_AddBoolToObject(out, "security", hit[0]);
	cats = cJSON_AddArrayToObject(out, "categories");
	teams = cJSON_CreateArray();
	for (int j = -1; j < 2; j++) {
		const char *name = j < 0 ? (tests_only ? "tests" : "general") : names[j];
		const cJSON *cat = cJSON_GetObjectItemCaseSensitive(rv, name), *t;
		cJSON *o, *ot;
		if (j >= 0 && !hit[j])
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", name);
		cJSON_AddNumberToObject(o, "min", j < 0 ? need : guard_json_num(cat, "min"));
		ot = cJSON_AddArrayToObject(o, "teams");
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(cat, "teams")) {
			bool seen = false;
			const cJSON *u;
			if (!cJSON_IsString(t) || j < 0)
				continue;
			cJSON_AddItemToArray(ot, cJSON_CreateString(t->valuestring));
			cJSON_ArrayForEach(u, teams)
				seen |= !strcmp(u->valuestring, t->valuestring);
			if (!seen)
				cJSON_AddItemToArray(teams, cJSON_CreateString(t->valuestring));
		}
		cJSON_AddItemToArray(cats, o);
		if (guard_json_num(cat, "min") > need)
			need = guard_json_num(cat, "min");
	}
	cJSON_AddNumberToObject(out, "min", need);
	cJSON_AddItemToObject(out, "teams", teams);
	return out;
}

void
guard_pr_labels(const cJSON *tree, bool security, struct guard_list *labels)
{
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(tree, "pr"), *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(pr, "labels"))
		if (cJSON_IsString(v))
			guard_list_add_unique(labels, v->valuestring);
	if (security)
		guard_list_add_unique(labels, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pr, "security_label"))
				      ?: "needs-security-review");
}

/* Which categories the change touches: tests only, general, security, db. */
static void
reviewers(const cJSON *tree, const struct guard_changes *c, struct guard_buf *b, bool *security)
{
	cJSON *rv = guard_pr_reviewers(tree, c);
	const cJSON *cat, *t, *teams = cJSON_GetObjectItemCaseSensitive(rv, "teams");
	double need = guard_json_num(rv, "min");
	int i = 0;

	*security = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rv, "security"));
	cJSON_ArrayForEach(cat, cJSON_GetObjectItemCaseSensitive(rv, "categories")) {
		double min = guard_json_num(cat, "min");
		if (i++ == 0) {
			guard_buf_addf(b, "- %s: %.0f reviewer%s\n", strcmp(guard_json_str(cat, "name", ""), "tests") ? "general"
				       : "tests only", min, min == 1 ? "" : "s");
			continue;
		}
		guard_buf_addf(b, "- %s paths changed: %.0f reviewers", guard_json_str(cat, "name", ""), min);
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(cat, "teams"))
			guard_buf_addf(b, " + team %s", t->valuestring);
		guard_buf_addch(b, '\n');
	}
	guard_buf_addf(b, "\nAt least %.0f approving review%s", need, need == 1 ? "" : "s");
	i = 0;
	cJSON_ArrayForEach(t, teams)
		guard_buf_addf(b, "%s%s", i++ ? ", " : ", including team ", t->valuestring);
	guard_buf_addstr(b, ".\n");
	cJSON_Delete(rv);
}

char *
guard_session_pr_title(const cJSON *state, const cJSON *commits)
{
	int n = cJSON_GetArraySize(commits);
	const char *first = n ? str(cJSON_GetArrayItem(commits, 0), "subject") : "";

	if (!n || !*first)
		return guard_xstrdup(str(state, "task"));
	if (n == 1)
		return guard_xstrdup(first);
	return guard_xasprintf("%s (and %d more commit%s)", first, n - 1, n == 2 ? "" : "s");
}

/* One table of changes. */
/*
 * A file name as a Markdown code span in a table cell: control bytes shown
 * ($'a\nb'), a fence longer than any run of backticks in it, '|' escaped.
 * A name is the agent's: a newline in it opened an HTML comment that hid
 * the rest of the PR body on GitHub (attack8 I22).
 */
static char *
md_path(const char *path)
{
	struct guard_buf v = GUARD_BUF_INIT, out = GUARD_BUF_INIT;
	size_t run = 0, longest = 0;

	guard_buf_add_visible(&v, path);
	for (const char *p = v.buf ? v.buf : ""; *p; p++)
		longest = (run = *p == '`' ? run + 1 : 0) > longest ? run : longest;
	for (size_t i = 0; i <= longest; i++)
		guard_buf_addch(&out, '`');
	guard_buf_addstr(&out, longest ? " " : "");
	for (const char *p = v.buf ? v.buf : ""; *p; p++)
		if (*p == '|')
			guard_buf_addstr(&out, "\\|");
		else
			guard_buf_addch(&out, *p);
	guard_buf_addstr(&out, longest ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		guard_buf_addch(&out, '`');
	guard_buf_release(&v);
	return guard_buf_detach(&out);
}

static void
change_table(const struct guard_changes *c, struct guard_buf *b)
{
	guard_buf_addstr(b, "| status | file | added | deleted |\n| --- | --- | ---: | ---: |\n");
	for (size_t i = 0; i < c->len; i++) {
		const struct guard_change *x = &c->items[i];
		char *now = md_path(x->path), *was = x->old_path ? md_path(x->old_path) : NULL;
		char *name = was ? guard_xasprintf("%s → %s", was, now) : guard_xstrdup(now);
		free(now);
		free(was);
		if (x->added < 0 && (x->text_added || x->text_deleted))
			guard_buf_addf(b, "| %c | %s | binary, %ld text lines | binary, %ld text lines |\n", x->status, name,
				       x->text_added, x->text_deleted);
		else if (x->added < 0)
			guard_buf_addf(b, "| %c | %s | binary | binary |\n", x->status, name);
		else
			guard_buf_addf(b, "| %c | %s | %ld | %ld |\n", x->status, name, x->added, x->deleted);
		free(name);
	}
}

void
guard_session_pr_body(const cJSON *state, const cJSON *tree, const struct guard_changes *c,
		      const struct guard_changes *left, const cJSON *commits, const cJSON *findings,
		      struct guard_buf *b, struct guard_list *labels)
{
	const cJSON *counters = cJSON_GetObjectItemCaseSensitive(state, "counters");
	const cJSON *v;
	const char *base = str(state, "base"), *reason = str(state, "end_reason");
	struct guard_buf rv = GUARD_BUF_INIT;
	bool security = false;
	char took[32] = "-";
	struct timespec a, z;

	if (guard_time_parse(str(state, "started_at"), &a) == 0 && guard_time_parse(str(state, "ended_at"), &z) == 0)
		guard_duration_format((long long)(z.tv_sec - a.tv_sec), took, sizeof(took));
	char *title = guard_session_pr_title(state, commits);
	guard_buf_addf(b, "# %s\n\n## Summary\n\n", title);
	free(title);
	int ncommits = cJSON_GetArraySize(commits), shown = 0;
	cJSON_ArrayForEach(v, commits)
		if (shown++ < 20)
			guard_buf_addf(b, "- %s (`%.12s`)\n", str(v, "subject"), str(v, "id"));
	if (ncommits > 20)
		guard_buf_addf(b, "- and %d more commits\n", ncommits - 20);
	guard_buf_addf(b, "%sTask `%s`, unattended session `%s` on branch `%s`, cut from `%s` at `%.12s`.\n",
		       ncommits ? "\n" : "No commits on the branch. ", str(state, "task"), str(state, "id"),
		       str(state, "branch"), str(state, "base_branch"), base);
	guard_buf_addf(b, "Ran %s (%s to %s), %.0f tool call%s; %s.\n\n", took, str(state, "started_at"),
		       str(state, "ended_at"), guard_json_num(counters, "tool_calls"),
		       guard_json_num(counters, "tool_calls") == 1 ? "" : "s", strcmp(reason, "-") ? reason : "ended normally");
	guard_buf_addf(b, "Files: %.0f created, %.0f modified, %.0f deleted (as the hook saw them).\n",
		       guard_json_num(counters, "files_created"), guard_json_num(counters, "files_modified"),
		       guard_json_num(counters, "files_deleted"));
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(state, "breaches"))
		guard_buf_addf(b, "- **limit breached**: %s (%s%s%s)\n", str(v, "message"), str(v, "action"),
			       cJSON_GetObjectItemCaseSensitive(v, "incident") ? ", incident " : "",
			       cJSON_GetObjectItemCaseSensitive(v, "incident") ? str(v, "incident") : "");
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(state, "warnings"))
		guard_buf_addf(b, "- **warning**: %s\n", str(v, "message"));
	guard_session_watch_text(state, "- **stronger monitoring**: ", b);

	guard_buf_addf(b, "\n## Changed files (%zu)\n\n", c->len);
	change_table(c, b);
	if (left && left->len) {
		guard_buf_addf(b, "\n### Not committed: left in the working tree, not in this PR (%zu)\n\n", left->len);
		change_table(left, b);
	}
	guard_buf_addf(b, "\n## Lines of code\n\n%ld added, %ld deleted in the commits (as `git diff --numstat %.12s...%s`; "
		       "plus the text lines binary files hold). Session limit: %.0f added lines, counted with the working tree.\n",
		       c->added, c->deleted, base, str(state, "branch"),
		       guard_json_num(cJSON_GetObjectItemCaseSensitive(state, "limits"), "max_loc"));

	guard_buf_addstr(b, "\n## Security scan\n\n");
	int nsecrets = 0, nfound = cJSON_GetArraySize(findings);
	cJSON_ArrayForEach(v, findings)
		nsecrets += !strcmp(str(v, "kind"), "secret");
	if (!nfound)
		guard_buf_addstr(b, "**통과 (pass)**: 0 findings: no secret and no forbidden pattern in the added lines "
				    "(guard-scan's rules).\n");
	else
		guard_buf_addf(b, "**실패 (fail)**: %d finding%s in the added lines: %d secret%s, %d forbidden pattern%s "
			       "(guard-scan's rules).\n\n", nfound, nfound == 1 ? "" : "s", nsecrets, nsecrets == 1 ? "" : "s",
			       nfound - nsecrets, nfound - nsecrets == 1 ? "" : "s");
	cJSON_ArrayForEach(v, findings)
		guard_buf_addf(b, "- **%s** `%s:%.0f`: %s (%s)\n", str(v, "id"), str(v, "path"), guard_json_num(v, "line"),
			       str(v, "message"), str(v, "severity"));

	guard_buf_addf(b, "\n## Session log\n\n`.ai/sessions/%s.log.jsonl`\n", str(state, "id"));

	reviewers(tree, c, &rv, &security);
	guard_pr_labels(tree, security, labels);
	guard_buf_addstr(b, "\n## Labels\n\n");
	for (size_t i = 0; i < labels->len; i++)
		guard_buf_addf(b, "%s`%s`", i ? ", " : "", labels->items[i]);
	guard_buf_addf(b, "%s\n## Required reviewers\n\n%s", labels->len ? "\n" : "none\n", rv.buf);
	guard_buf_release(&rv);
}
