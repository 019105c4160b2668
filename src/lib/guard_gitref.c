/*
 * The reference transaction's verdict while an unattended session runs:
 * every ref update git makes passes here, whatever command made it
 * (commit, update-ref, branch -f, reset, merge, pull, rebase, fetch into
 * a branch, push to this repository).
 */
#include <git2.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_gitrules.h"
#include "guard_json.h"
#include "guard_session.h"

void
guard_git_ref_violation(cJSON *violations, const char *rule, const char *ref, char *message)
{
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "rule", rule);
	cJSON_AddStringToObject(v, "ref", ref);
	cJSON_AddStringToObject(v, "message", message);
	cJSON_AddItemToArray(violations, v);
	free(message);
}

/* The running session whose branch is name, or NULL. */
static const cJSON *
owner(const cJSON *sessions, const char *name)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, sessions) {
		const char *b = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "branch"));
		if (b && !strcmp(b, name))
			return s;
	}
	return NULL;
}

static const char *
sessions_text(const cJSON *sessions, struct guard_buf *b)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, sessions) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "id"));
		const char *br = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "branch"));
		guard_buf_addf(b, "%s%s (branch %s)", b->len ? ", " : "", id ? id : "?", br ? br : "?");
	}
	return b->buf;
}

/* Whether the file tree holds at path (or no longer holds) is guard's own record, as check judges it. */
static bool
carried_record(struct guard_git *g, git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	bool owned;

	if (git_tree_entry_bypath(&e, tree, path) < 0)
		git_error_clear();
	owned = guard_git_record_owned(g, path, e ? git_tree_entry_id(e) : NULL, e ? git_tree_entry_filemode(e) : 0);
	git_tree_entry_free(e);
	return owned;
}

/*
 * Files under guard's runtime folders that the session's branch would
 * carry at new_hex and its base did not hold the same (attack7 H24): a
 * commit of .ai/sessions/big.py hides its lines from the budget and
 * puts guard's state in a branch. guard's own records pass by content,
 * as check judges them (attack11 L11). One violation a file (the first 20).
 */
static int
runtime_files(struct guard_git *g, const cJSON *session, const char *new_hex, const char *ref, cJSON *violations)
{
	git_repository *repo = guard_git_repository(g);
	const char *base = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(session, "base"));
	struct guard_list paths = GUARD_LIST_INIT;
	git_oid a, b;
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	size_t shown = 0;
	int rc = 0;

	if (!base || git_oid_fromstr(&a, base) < 0 || git_oid_fromstr(&b, new_hex) < 0)
		return 0;
	if (git_commit_lookup(&ca, repo, &a) < 0 || git_commit_lookup(&cb, repo, &b) < 0 ||
	    git_commit_tree(&ta, ca) < 0 || git_commit_tree(&tb, cb) < 0) {
		const git_error *e = git_error_last();
		rc = guard_error(GUARD_EIO, "cannot read the trees of %s: %s", ref, e && e->message ? e->message : "libgit2");
		goto out;
	}
	if ((rc = guard_git_tree_paths(repo, ta, tb, false, NULL, &paths)) > 0)
		rc = 0; /* deeper than the walk reads: not guard's folders, which are two levels down */
	for (size_t i = 0; rc == 0 && i < paths.len; i++)
		if (guard_session_runtime_path(paths.items[i]) && !carried_record(g, tb, paths.items[i]) && shown++ < 20)
			guard_git_ref_violation(violations, "files.guard_state", ref,
				  guard_xasprintf("'%s' would carry '%s', under guard's runtime folders (.ai/sessions, "
						  ".ai/audit, .ai/approvals, .ai/state): guard writes them (by guard's names, "
						  "only what guard wrote passes), an unattended "
						  "session never commits them (its lines would escape the LOC budget); "
						  "unstage it (git rm -r --cached -- '%s') and stage code by its paths",
						  ref + 11, paths.items[i], paths.items[i]));
out:
	guard_list_clear(&paths);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	return rc;
}

static int
check_one(struct guard_git *g, const struct guard_branch_rules *r, const cJSON *sessions, const char *base,
	  const char *old_hex, const char *new_hex, const char *ref, cJSON *violations)
{
	static const char heads[] = "refs/heads/";
	const char *name = ref + sizeof(heads) - 1;
	struct guard_buf who = GUARD_BUF_INIT;
	int rc = 0;

	sessions_text(sessions, &who);
	if (!strncmp(ref, "refs/replace/", 13)) {
		/* a replacement shows another commit or tree wherever the replaced one is read: main's included */
		guard_git_ref_violation(violations, "ref.replace", ref,
			  guard_xasprintf("'%s' replaces an object for every reader of the repository (git replace): "
					  "none is made, moved or deleted while an unattended session runs (%s)", ref, who.buf));
		guard_buf_release(&who);
		return 0;
	}
	if (strncmp(ref, heads, sizeof(heads) - 1)) {
		guard_buf_release(&who);
		return 0; /* tags, remote-tracking refs, HEAD, notes, stash */
	}
	if (guard_branch_protected(r, name) || (base && !strcmp(name, base))) {
		guard_git_ref_violation(violations, "branch.protected", ref,
			  guard_xasprintf("'%s' is a protected branch%s: no update while an unattended session runs "
					  "(%s; policy branch.protected)", name, base && !strcmp(name, base) ? " (the base)" : "",
					  who.buf));
	} else if (!owner(sessions, name)) {
		guard_git_ref_violation(violations, "branch.own", ref,
			  guard_xasprintf("'%s' is not the branch of the running unattended session: %s may move only "
					  "its own branch", name, who.buf));
	} else if (!r->allow_ai_merge) {
		cJSON *found = cJSON_CreateArray(), *f;
		char *baseref = base ? guard_xasprintf("refs/heads/%s", base) : NULL;
		rc = guard_git_ai_merges(g, r, name, baseref, old_hex, new_hex, found);
		free(baseref);
		if (rc == GUARD_EDENY) {
			guard_git_ref_violation(violations, "branch.ai_merge", ref,
				  guard_xasprintf("'%s': %s", name, guard_error_last()));
			rc = 0;
		}
		cJSON_ArrayForEach(f, found) {
			char *evidence = guard_git_merge_evidence(f);
			guard_git_ref_violation(violations, "branch.ai_merge", ref,
				  guard_xasprintf("'%s' would take in the work of AI branch '%s' (%s): no AI-to-AI "
						  "merges (policy branch.allow_ai_merge)", name,
						  guard_json_str(f, "branch", "?"), evidence));
			guard_git_merge_detail(cJSON_GetArrayItem(violations, cJSON_GetArraySize(violations) - 1), f);
			free(evidence);
		}
		cJSON_Delete(found);
	}
	if (rc == 0 && owner(sessions, name) && strspn(new_hex, "0") != strlen(new_hex))
		rc = runtime_files(g, owner(sessions, name), new_hex, ref, violations);
	guard_buf_release(&who);
	return rc;
}

static bool
is_hex(const char *s, size_t n)
{
	return n == GIT_OID_HEXSZ && strspn(s, "0123456789abcdef") >= n;
}

typedef int (*line_fn)(void *ctx, const char *old_hex, const char *new_hex, const char *ref);

/* Each "<old> <new> <ref>" line of input, checked for shape; fn on each. */
static int
each_update(const char *input, size_t len, line_fn fn, void *ctx)
{
	const char *p = input, *end = input + len;
	int rc = 0;

	while (p < end && rc >= 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
		const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
		if (eol == p) {
			p = eol + 1;
			continue;
		}
		if (!sp2 || !is_hex(p, (size_t)(sp1 - p)) || !is_hex(sp1 + 1, (size_t)(sp2 - sp1 - 1)) || sp2 + 1 >= eol ||
		    memchr(sp2 + 1, '\0', (size_t)(eol - sp2 - 1)))
			return guard_error(GUARD_EUSAGE, "malformed ref update '%.*s' (expected '<old> <new> <ref>')",
					   (int)(eol - p > 200 ? 200 : eol - p), p);
		char *old_hex = guard_xstrndup(p, (size_t)(sp1 - p));
		char *new_hex = guard_xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
		char *ref = guard_xstrndup(sp2 + 1, (size_t)(eol - sp2 - 1));
		rc = fn(ctx, old_hex, new_hex, ref);
		free(old_hex);
		free(new_hex);
		free(ref);
		p = eol + 1;
	}
	return rc;
}

struct ref_ctx {
	struct guard_git *g;
	const struct guard_branch_rules *r;
	const cJSON *sessions;
	const char *base, *marker;
	cJSON *violations;
};

static bool zeros(const char *hex);

static int
session_line(void *ctx, const char *old_hex, const char *new_hex, const char *ref)
{
	struct ref_ctx *c = ctx;
	if (!strcmp(old_hex, new_hex) && !zeros(new_hex))
		return 0; /* written again, not moved (git reset --hard to where it is) */
	return check_one(c->g, c->r, c->sessions, c->base, old_hex, new_hex, ref, c->violations);
}

static int
pushed_line(void *ctx, const char *old_hex, const char *new_hex, const char *ref)
{
	(void)old_hex, (void)new_hex;
	if (strncmp(ref, "refs/heads/", 11))
		guard_git_ref_violation(ctx, "push.ref", ref,
			guard_xasprintf("'%s' is not a branch: an unattended session pushes only its own branch "
					"(a tag or a note would carry commits past the session's budgets and scans)", ref));
	return 0;
}

int
guard_git_push_refs_check(const char *input, size_t len, cJSON *violations)
{
	return each_update(input, len, pushed_line, violations);
}

int
guard_git_ref_check(struct guard_git *g, const struct guard_branch_rules *r, const cJSON *sessions, const char *base,
		    const char *input, size_t len, cJSON *violations)
{
	struct ref_ctx c = { g, r, sessions, base, NULL, violations };
	int rc = each_update(input, len, session_line, &c);
	return rc < 0 ? rc : guard_git_symref_check(g, r, base, violations);
}

int
guard_git_symref_check(struct guard_git *g, const struct guard_branch_rules *r, const char *base, cJSON *violations)
{
	static const char heads[] = "refs/heads/";
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int err;

	/* git 2.39 runs no reference-transaction for a symbolic ref written: seen at the next update, or by check */
	if (git_reference_iterator_glob_new(&it, guard_git_repository(g), "refs/heads/*") < 0)
		return guard_error(GUARD_EIO, "cannot list the branches: %s", git_error_last() ? git_error_last()->message : "?");
	while ((err = git_reference_next(&ref, it)) == 0) {
		const char *full = git_reference_name(ref), *name = full + sizeof(heads) - 1;
		if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC && !strncmp(full, heads, sizeof(heads) - 1) &&
		    (guard_branch_protected(r, name) || (base && !strcmp(name, base)))) {
			guard_git_violation(violations, "branch.symref", "error", NULL,
					    guard_xasprintf("'%s' is a protected branch%s and a symbolic ref to '%s' "
							    "(git symbolic-ref): it shows that branch's commits as its own; a "
							    "person points it back (git update-ref --no-deref %s COMMIT)",
							    name, base && !strcmp(name, base) ? " (the base)" : "",
							    git_reference_symbolic_target(ref), full));
			cJSON_AddStringToObject(cJSON_GetArrayItem(violations, cJSON_GetArraySize(violations) - 1), "ref",
						full);
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return err == GIT_ITEROVER ? 0 : guard_error(GUARD_EIO, "cannot list the branches: %s",
						     git_error_last() ? git_error_last()->message : "?");
}

static bool
zeros(const char *hex)
{
	return strspn(hex, "0") == strlen(hex);
}

/* Whether new_hex brings commits reachable from neither old_hex nor a remote-tracking branch. */
static int
new_work(git_repository *repo, const char *old_hex, const char *new_hex, bool *out)
{
	git_revwalk *walk = NULL;
	git_oid id, next;
	int err;

	*out = false;
	if (git_oid_fromstr(&id, new_hex) < 0 || git_revwalk_new(&walk, repo) < 0)
		return guard_error(GUARD_EIO, "cannot walk the history of '%s'", new_hex);
	if ((err = git_revwalk_push(walk, &id)) == 0 && !zeros(old_hex) && git_oid_fromstr(&id, old_hex) == 0)
		err = git_revwalk_hide(walk, &id);
	if (err == 0)
		err = git_revwalk_hide_glob(walk, "refs/remotes/*");
	if (err == 0) {
		err = git_revwalk_next(&next, walk);
		*out = err == 0;
		err = err == GIT_ITEROVER ? 0 : err;
	}
	git_revwalk_free(walk);
	/* An object that is not there (a ref to a missing commit): not the agent's to make. */
	return err < 0 ? (*out = true, 0) : 0;
}

static int
agent_line(void *ctx, const char *old_hex, const char *new_hex, const char *ref)
{
	static const char heads[] = "refs/heads/";
	struct ref_ctx *c = ctx;
	const char *name = ref + sizeof(heads) - 1, *what = NULL;
	bool fresh = false;
	int rc;

	if (strncmp(ref, heads, sizeof(heads) - 1) || (!strcmp(old_hex, new_hex) && !zeros(new_hex)) ||
	    !(guard_branch_protected(c->r, name) || (c->base && !strcmp(name, c->base))))
		return 0;
	if (zeros(new_hex))
		what = "an agent neither commits to it nor deletes it"; /* pre-commit, or a deletion */
	else if ((rc = new_work(guard_git_repository(c->g), old_hex, new_hex, &fresh)) < 0)
		return rc;
	else if (fresh)
		what = "it takes only work already on a remote branch (git pull), no commit of the agent's";
	if (what)
		guard_git_ref_violation(c->violations, "branch.agent_commit", ref,
			  guard_xasprintf("'%s' is a protected branch%s and this git runs for an agent (%s is set): %s "
					  "(policy branch.allow_agent_commit); work on a branch of your own",
					  name, c->base && !strcmp(name, c->base) ? " (the base)" : "", c->marker, what));
	return 0;
}

int
guard_git_agent_check(struct guard_git *g, const struct guard_branch_rules *r, const char *base,
		      const char *marker, const char *input, size_t len, cJSON *violations)
{
	struct ref_ctx c = { g, r, NULL, base, marker, violations };
	int rc = each_update(input, len, agent_line, &c);
	return rc < 0 ? rc : guard_git_symref_check(g, r, base, violations);
}
