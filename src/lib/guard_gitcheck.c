/*
 * The PR rules git can answer for a range base...head (seed 004 4.1-4.3,
 * DESIGN.md section 9): for CI and pre-push, on trees only (the working
 * tree is guard_git_changes's business).
 */
#include <git2.h>

/* libgit2's *_INIT macros fill only the version field. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_git.h"
#include "guard_glob.h"
#include "guard_gitrules.h"
#include "guard_json.h"
#include "guard_session.h"
#include "guard_textlines.h"

/* git's own default (diff.renameLimit). */
#define RENAME_LIMIT 1000

static int
fail(const char *what)
{
	const git_error *e = git_error_last();
	return guard_error(GUARD_EIO, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

static int
peel(git_repository *repo, const char *rev, git_commit **out)
{
	git_object *o = NULL;
	int err;

	if ((err = git_revparse_single(&o, repo, rev)) < 0) {
		return err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC || err == GIT_EAMBIGUOUS
			? guard_error(GUARD_ENOTFOUND, "unknown revision '%s'", rev) : fail("cannot read a revision");
	}
	err = git_object_peel((git_object **)out, o, GIT_OBJECT_COMMIT);
	git_object_free(o);
	return err < 0 ? guard_error(GUARD_EUSAGE, "'%s' is not a commit", rev) : 0;
}

void
guard_git_violation(cJSON *list, const char *rule, const char *severity, const char *file, char *message)
{
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "rule", rule);
	cJSON_AddStringToObject(v, "severity", severity);
	if (file)
		cJSON_AddStringToObject(v, "file", file);
	cJSON_AddStringToObject(v, "message", message);
	cJSON_AddItemToArray(list, v);
	free(message);
}

#define violation guard_git_violation

static bool
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && path[n] == '/';
}

/* Where a new file may go unattended (policy/nightbuilder.yaml, nb-*-in-*). */
static const char *
location_problem(const char *path)
{
	bool doc = guard_glob_match("**/*.{md,markdown,rst,adoc}", path);
	if (doc && !under(path, "docs"))
		return "new documents go only under docs/ or .ai/";
	if (!doc && !under(path, "src") && !under(path, "tests") && !under(path, "docs"))
		return "new files go only under src/ and tests/ (docs under docs/ and .ai/)";
	return NULL;
}

/* The head's branch name: given, or the local branch head names, or HEAD's (caller frees). */
static char *
branch_of(git_repository *repo, const char *head)
{
	git_reference *ref = NULL;
	char *name = NULL;

	if (!strcmp(head, "HEAD")) {
		if (git_repository_head(&ref, repo) == 0 && git_reference_is_branch(ref))
			name = guard_xstrdup(git_reference_shorthand(ref));
	} else if (git_branch_lookup(&ref, repo, !strncmp(head, "refs/heads/", 11) ? head + 11 : head,
				     GIT_BRANCH_LOCAL) == 0) {
		name = guard_xstrdup(git_reference_shorthand(ref));
	}
	git_reference_free(ref);
	return name;
}

static void
limit(cJSON *violations, const cJSON *tree, const char *key, const char *anomaly, long value, const char *what)
{
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "session"), key);
	const cJSON *an = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "anomalies"), anomaly);
	const char *action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(an, "action"));
	char rule[64];

	if (!cJSON_IsNumber(max) || value <= (long)max->valuedouble)
		return;
	snprintf(rule, sizeof(rule), "session.%s", key);
	violation(violations, rule, action && !strcmp(action, "warn") ? "warning" : "error", NULL,
		  guard_xasprintf("%ld %s, more than the limit of %ld (policy session.%s)", value, what,
				  (long)max->valuedouble, key));
}

/*
 * Whether git would call this pair a rename: libgit2's similarity pairs
 * files git does not (a file cut to a third). git's rule
 * (diffcore-rename.c): sizes within half of the larger, and the bytes
 * kept from the source at least half of the larger file.
 */
static bool
git_rename(git_patch *patch, const git_diff_delta *d)
{
	git_object_size_t a = d->old_file.size, b = d->new_file.size, max = a > b ? a : b;
	git_object_size_t gone = 0;

	if (!max || (a > b ? a - b : b - a) * 2 > max)
		return max == 0;
	for (size_t h = 0; h < git_patch_num_hunks(patch); h++) {
		int n = git_patch_num_lines_in_hunk(patch, h);
		for (int i = 0; i < n; i++) {
			const git_diff_line *l;
			if (git_patch_get_line_in_hunk(&l, patch, h, (size_t)i) == 0 && l->origin == GIT_DIFF_LINE_DELETION)
				gone += l->content_len;
		}
	}
	return (a - (gone < a ? gone : a)) * 2 >= max;
}

/*
 * The lines of a blob as git diff counts a whole new or deleted file (-1:
 * binary, whose text lines are put in *text: a NUL byte hides no code).
 */
static long
blob_lines(git_repository *repo, const git_oid *id, long *text)
{
	git_blob *blob = NULL;
	long n = 0;

	*text = 0;
	if (git_blob_lookup(&blob, repo, id) < 0)
		return 0;
	if (git_blob_is_binary(blob)) {
		*text = (long)guard_text_lines(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), NULL);
		git_blob_free(blob);
		return -1;
	}
	const char *p = git_blob_rawcontent(blob);
	git_object_size_t len = git_blob_rawsize(blob);
	for (git_object_size_t i = 0; i < len; i++)
		n += p[i] == '\n';
	if (len && p[len - 1] != '\n')
		n++;
	git_blob_free(blob);
	return n;
}

/* text_adds, text_dels: the text lines of a binary file (adds -1), counted in the totals */
static void
add_change(cJSON *changes, const char *path, const char *old, char status, long adds, long dels, long text_adds,
	   long text_dels)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "path", path);
	if (old)
		cJSON_AddStringToObject(c, "old_path", old);
	cJSON_AddStringToObject(c, "status", (char[]){ status, 0 });
	cJSON_AddNumberToObject(c, "added", (double)adds);
	cJSON_AddNumberToObject(c, "deleted", (double)dels);
	if (text_adds || text_dels) {
		cJSON_AddNumberToObject(c, "text_added", (double)text_adds);
		cJSON_AddNumberToObject(c, "text_deleted", (double)text_dels);
	}
	cJSON_AddItemToArray(changes, c);
}


/* Blobs larger than this are binary to libgit2 (its default max_size): its own path decides. */
#define BLOB_MAX ((git_object_size_t)512 << 20)

/* The blob of one side of d, or NULL when that side is absent. 1: not a plain blob. */
static int
side_blob(git_repository *repo, const git_diff_file *f, bool present, git_blob **out)
{
	*out = NULL;
	if (!present)
		return 0;
	if (f->mode == GIT_FILEMODE_COMMIT || f->mode == GIT_FILEMODE_TREE)
		return 1;
	if (git_blob_lookup(out, repo, &f->id) < 0)
		return fail("cannot read a file of the range");
	return git_blob_rawsize(*out) > BLOB_MAX;
}

/*
 * A change's counts made again from its two blobs (guard_git_text_stats for
 * a binary file, guard_git_cr_stats for bare CRs): fn's answer, 1 when a
 * side is no plain blob (a submodule, a file past libgit2's size).
 */
static int
blob_stats(git_repository *repo, const git_diff_delta *d, guard_git_stats_fn fn, long *adds, long *dels)
{
	git_blob *a = NULL, *b = NULL;
	int rc;

	*adds = *dels = 0;
	if ((rc = side_blob(repo, &d->old_file, d->status != GIT_DELTA_ADDED, &a)) == 0 &&
	    (rc = side_blob(repo, &d->new_file, d->status != GIT_DELTA_DELETED, &b)) == 0)
		rc = fn(a ? git_blob_rawcontent(a) : NULL, a ? (size_t)git_blob_rawsize(a) : 0,
			b ? git_blob_rawcontent(b) : NULL, b ? (size_t)git_blob_rawsize(b) : 0, adds, dels);
	git_blob_free(a);
	git_blob_free(b);
	return rc;
}

/*
 * A file's patch from its two blobs' bytes, when no attribute can apply
 * (guard_git_attribute_free): libgit2's git_patch_from_diff looks up the
 * file's diff driver through the attributes, and the first lookup reads
 * and checksums the whole index, more than the diff itself costs on a big
 * tree. 1: a submodule, a type change or a huge file, for libgit2's own
 * path. The patch points into *a and *b: free them after it.
 */
static int
blob_patch(git_repository *repo, const git_diff_delta *d, git_patch **out, git_blob **a, git_blob **b)
{
	int rc = 1;

	*out = NULL;
	if (d->status == GIT_DELTA_TYPECHANGE ||
	    (rc = side_blob(repo, &d->old_file, d->status != GIT_DELTA_ADDED, a)) != 0 ||
	    (rc = side_blob(repo, &d->new_file, d->status != GIT_DELTA_DELETED, b)) != 0)
		return rc;
	if (git_patch_from_buffers(out, *a ? git_blob_rawcontent(*a) : NULL, *a ? (size_t)git_blob_rawsize(*a) : 0, NULL,
				   *b ? git_blob_rawcontent(*b) : NULL, *b ? (size_t)git_blob_rawsize(*b) : 0, NULL, NULL) < 0)
		return fail("cannot diff a file");
	return 0;
}

static int
diff_range(struct guard_git *g, git_commit *from, git_commit *to, cJSON *report, cJSON *violations)
{
	git_repository *repo = guard_git_repository(g);
	git_diff_find_options fo = GIT_DIFF_FIND_OPTIONS_INIT;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	cJSON *changes = cJSON_AddArrayToObject(report, "changes");
	long added = 0, deleted = 0, created = 0, modified = 0, removed = 0;
	int rc = 0;

	if ((from && git_commit_tree(&a, from) < 0) || git_commit_tree(&b, to) < 0) {
		rc = fail("cannot diff the range");
		goto out;
	}
	/* guard's own state is left out before renames are paired, as git diff -- ':!.ai' does */
	if ((rc = guard_git_tree_diff(repo, a, b, true, &diff)) < 0)
		goto out;
	fo.flags = GIT_DIFF_FIND_RENAMES;
	fo.rename_limit = RENAME_LIMIT;
	if (git_diff_find_similar(diff, &fo) < 0) {
		rc = fail("cannot find renames");
		goto out;
	}
	bool plain = guard_git_attribute_free(g, diff);
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
		git_patch *patch = NULL;
		size_t adds = 0, dels = 0;
		git_blob *ba = NULL, *bb = NULL;
		char status;

		if ((guard_git_plan_entry(path, d->new_file.mode ? d->new_file.mode : d->old_file.mode) &&
		     (!d->old_file.mode || guard_git_plan_entry(path, d->old_file.mode))) ||
		    guard_git_record_owned(g, path, d->status == GIT_DELTA_DELETED ? NULL : &d->new_file.id,
					   d->new_file.mode))
			continue;
		/* guard's runtime state is guard's to write, never a branch's to carry (attack7 H24) */
		if (violations && guard_session_runtime_path(path))
			guard_git_violation(violations, "files.guard_state", "error", path,
					    guard_xasprintf("'%s' is under guard's runtime folders (.ai/sessions, .ai/audit, "
							    ".ai/approvals, .ai/state): guard writes them (by guard's names, only what "
							    "guard wrote passes), an agent's branch never "
							    "carries them; take it out of the commits", path));
		if ((rc = plain ? blob_patch(repo, d, &patch, &ba, &bb) : 1) < 0 ||
		    (rc == 1 && git_patch_from_diff(&patch, diff, i) < 0)) {
			git_blob_free(ba);
			git_blob_free(bb);
			rc = rc < 0 ? rc : fail("cannot diff a file");
			goto out;
		}
		rc = 0;
		bool binary = git_patch_get_delta(patch)->flags & GIT_DIFF_FLAG_BINARY;
		if (!binary)
			git_patch_line_stats(NULL, &adds, &dels, patch);
		if (!binary && guard_git_patch_bare_cr(patch)) {
			/* a CR-only line end counts as one (attack8 I13): the two blobs again */
			long ca, cd;
			int cr = blob_stats(repo, d, guard_git_cr_stats, &ca, &cd);
			if (cr < 0) {
				git_patch_free(patch);
				git_blob_free(ba);
				git_blob_free(bb);
				rc = cr;
				goto out;
			}
			if (cr == 0) {
				adds = (size_t)ca;
				dels = (size_t)cd;
			}
		}
		if (d->status == GIT_DELTA_RENAMED && !binary && d->similarity < 100 && !git_rename(patch, d)) {
			/* git sees a deletion and a new file */
			long ot, nt, o = blob_lines(repo, &d->old_file.id, &ot), n = blob_lines(repo, &d->new_file.id, &nt);
			git_patch_free(patch);
			git_blob_free(ba);
			git_blob_free(bb);
			add_change(changes, d->old_file.path, NULL, 'D', o < 0 ? -1 : 0, o, 0, ot);
			add_change(changes, path, NULL, 'A', n, n < 0 ? -1 : 0, nt, 0);
			removed++, created++;
			added += n > 0 ? n : nt;
			deleted += o > 0 ? o : ot;
			const char *why = location_problem(path);
			if (why)
				violation(violations, "files.location", "error", path,
					  guard_xasprintf("'%s' is a new file here: %s", path, why));
			continue;
		}
		git_patch_free(patch);
		git_blob_free(ba);
		git_blob_free(bb);
		switch (d->status) {
		case GIT_DELTA_ADDED: status = 'A'; created++; break;
		case GIT_DELTA_DELETED: status = 'D'; removed++; break;
		case GIT_DELTA_RENAMED: status = 'R'; modified++; break;
		case GIT_DELTA_TYPECHANGE: status = 'T'; modified++; break;
		default: status = 'M'; modified++; break;
		}
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "path", path);
		if (status == 'R')
			cJSON_AddStringToObject(c, "old_path", d->old_file.path);
		cJSON_AddStringToObject(c, "status", (char[]){ status, 0 });
		cJSON_AddNumberToObject(c, "added", binary ? -1 : (double)adds);
		cJSON_AddNumberToObject(c, "deleted", binary ? -1 : (double)dels);
		if (binary) {
			long ta, td;
			if ((rc = blob_stats(repo, d, guard_git_text_stats, &ta, &td)) < 0) {
				cJSON_Delete(c);
				goto out;
			}
			rc = 0; /* 1: no plain blob, no text to count */
			if (ta || td) {
				cJSON_AddNumberToObject(c, "text_added", (double)ta);
				cJSON_AddNumberToObject(c, "text_deleted", (double)td);
			}
			adds = (size_t)ta;
			dels = (size_t)td;
		}
		cJSON_AddItemToArray(changes, c);
		added += (long)adds;
		deleted += (long)dels;
		const char *why;
		if ((status == 'A' || status == 'R') && (why = location_problem(path)))
			violation(violations, "files.location", "error", path,
				  guard_xasprintf("'%s' is a new file here: %s", path, why));
	}
	cJSON *loc = cJSON_AddObjectToObject(report, "loc");
	cJSON_AddNumberToObject(loc, "added", (double)added);
	cJSON_AddNumberToObject(loc, "deleted", (double)deleted);
	cJSON *files = cJSON_AddObjectToObject(report, "files");
	cJSON_AddNumberToObject(files, "created", (double)created);
	cJSON_AddNumberToObject(files, "modified", (double)modified);
	cJSON_AddNumberToObject(files, "deleted", (double)removed);
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return rc;
}

/* At most this many commits of a range are looked at for protected-branch work. */
#define RANGE_MAX 5000

/*
 * Commits of the range (reachable from head, not from the merge base)
 * that a protected branch other than the base holds: work committed on
 * main/master/develop, local or remote-tracking, that the PR carries.
 */
static int
protected_commits(git_repository *repo, const struct guard_branch_rules *r, const char *base, git_commit *basec,
		  git_commit *head, cJSON *violations)
{
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	git_oid range[64];
	size_t n = 0, total = 0;
	git_revwalk *walk = NULL;
	git_oid id;
	int rc = 0;

	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, git_commit_id(head)) < 0 ||
	    git_revwalk_hide(walk, git_commit_id(basec)) < 0) {
		git_revwalk_free(walk);
		return fail("cannot walk the range");
	}
	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_ALL) < 0) {
		git_revwalk_free(walk);
		return fail("cannot list the branches");
	}
	struct guard_list tips = GUARD_LIST_INIT; /* "name\0" then the oid, as text pairs */
	while (git_branch_next(&ref, &type, it) == 0) {
		const char *name = git_reference_shorthand(ref), *shortname = name, *slash;
		char hex[GIT_OID_HEXSZ + 1];
		if (type == GIT_BRANCH_REMOTE && (slash = strchr(name, '/')))
			shortname = slash + 1;
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT && guard_branch_protected(r, shortname) &&
		    strcmp(name, base) && strcmp(shortname, base) &&
		    !git_oid_equal(git_reference_target(ref), git_commit_id(basec))) {
			guard_list_add(&tips, name);
			guard_list_add(&tips, git_oid_tostr(hex, sizeof(hex), git_reference_target(ref)));
		}
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
	for (size_t t = 0; t + 1 < tips.len && rc == 0; t += 2) {
		git_oid tip;
		git_oid_fromstr(&tip, tips.items[t + 1]);
		git_revwalk_reset(walk);
		if (git_revwalk_push(walk, git_commit_id(head)) < 0 || git_revwalk_hide(walk, git_commit_id(basec)) < 0) {
			rc = fail("cannot walk the range");
			break;
		}
		n = total = 0;
		while (git_revwalk_next(&id, walk) == 0 && total < RANGE_MAX) {
			total++;
			if ((git_oid_equal(&id, &tip) || git_graph_descendant_of(repo, &tip, &id) == 1) &&
			    n < sizeof(range) / sizeof(range[0]))
				range[n++] = id;
		}
		if (!n)
			continue;
		struct guard_buf b = GUARD_BUF_INIT;
		char hex[13];
		for (size_t i = 0; i < n && i < 5; i++)
			guard_buf_addf(&b, "%s%s", i ? " " : "", git_oid_tostr(hex, sizeof(hex), &range[i]));
		if (n > 5)
			guard_buf_addf(&b, " and %zu more", n - 5);
		violation(violations, "commits.protected", "error", NULL,
			  guard_xasprintf("the range carries %s%zu commit%s made on protected branch '%s' (%s): no commits "
					  "to a protected branch (policy branch.protected)", n == 64 ? "at least " : "", n,
					  n == 1 ? "" : "s", tips.items[t], b.buf));
		guard_buf_release(&b);
	}
	guard_list_clear(&tips);
	git_revwalk_free(walk);
	return rc;
}

/* The range's commits, oldest first: {id, subject} each (at most RANGE_MAX). */
static int
range_commits(git_repository *repo, git_commit *from, git_commit *head, cJSON *report)
{
	cJSON *list = cJSON_AddArrayToObject(report, "commits");
	git_revwalk *walk = NULL;
	git_commit *cm;
	git_oid id;
	size_t n = 0;

	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, git_commit_id(head)) < 0 || (from && git_revwalk_hide(walk, git_commit_id(from)) < 0)) {
		git_revwalk_free(walk);
		return fail("cannot walk the range");
	}
	while (n++ < RANGE_MAX && git_revwalk_next(&id, walk) == 0) {
		char hex[GIT_OID_HEXSZ + 1];
		if (git_commit_lookup(&cm, repo, &id) < 0) {
			git_revwalk_free(walk);
			return fail("cannot read a commit of the range");
		}
		cJSON *item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "id", git_oid_tostr(hex, sizeof(hex), &id));
		cJSON_AddStringToObject(item, "subject", git_commit_summary(cm) ? git_commit_summary(cm) : "");
		cJSON_AddItemToArray(list, item);
		git_commit_free(cm);
	}
	git_revwalk_free(walk);
	return 0;
}

/* base and head peeled to commits, and their merge base (NULL when they share no history). */
static int
range_ends(git_repository *repo, const char *base_rev, const char *head_rev, git_commit **base, git_commit **head,
	   git_commit **mbc)
{
	git_oid mb;
	int rc, err;

	if ((rc = peel(repo, base_rev, base)) < 0 || (rc = peel(repo, head_rev, head)) < 0)
		return rc;
	err = git_merge_base(&mb, repo, git_commit_id(*base), git_commit_id(*head));
	if (err == 0 && git_commit_lookup(mbc, repo, &mb) < 0)
		return fail("cannot read the merge base");
	if (err < 0 && err != GIT_ENOTFOUND)
		return fail("cannot find the merge base");
	return 0;
}

int
guard_git_range_changes(struct guard_git *g, const char *base_rev, const char *head_rev, cJSON **out)
{
	git_repository *repo = guard_git_repository(g);
	git_commit *base = NULL, *head = NULL, *mbc = NULL;
	cJSON *report = cJSON_CreateObject(), *ignored = cJSON_CreateArray();
	int rc;

	*out = NULL;
	if ((rc = range_ends(repo, base_rev, head_rev, &base, &head, &mbc)) == 0 &&
	    (rc = diff_range(g, mbc, head, report, ignored)) == 0)
		rc = range_commits(repo, mbc, head, report);
	git_commit_free(base);
	git_commit_free(head);
	git_commit_free(mbc);
	cJSON_Delete(ignored);
	if (rc < 0)
		cJSON_Delete(report);
	else
		*out = report;
	return rc;
}

int
guard_git_check_range(struct guard_git *g, const struct guard_git_check *c, cJSON **out)
{
	git_repository *repo = guard_git_repository(g);
	struct guard_branch_rules rules = GUARD_BRANCH_RULES_INIT;
	git_commit *base = NULL, *head = NULL, *mbc = NULL;
	cJSON *report = cJSON_CreateObject(), *violations, *found = NULL, *f;
	char hex[GIT_OID_HEXSZ + 1], *branch = NULL;
	int rc;

	*out = NULL;
	guard_branch_rules_load(&rules, c->tree);
	if ((rc = range_ends(repo, c->base, c->head, &base, &head, &mbc)) < 0)
		goto out;
	cJSON_AddStringToObject(report, "base", c->base);
	cJSON_AddStringToObject(report, "head", c->head);
	cJSON_AddStringToObject(report, "head_commit", git_oid_tostr(hex, sizeof(hex), git_commit_id(head)));
	cJSON_AddItemToObject(report, "merge_base", mbc ? cJSON_CreateString(git_oid_tostr(hex, sizeof(hex),
											 git_commit_id(mbc)))
						       : cJSON_CreateNull());
	branch = c->branch ? guard_xstrdup(c->branch) : branch_of(repo, c->head);
	cJSON_AddItemToObject(report, "branch", branch ? cJSON_CreateString(branch) : cJSON_CreateNull());
	violations = cJSON_CreateArray();
	cJSON_AddItemToObject(report, "violations", violations);
	if (!branch)
		violation(violations, "branch.pattern", "warning", NULL,
			  guard_xasprintf("the head's branch name is unknown (give --branch NAME): not checked"));
	else if (!guard_branch_name_ok(&rules, branch))
		violation(violations, "branch.pattern", "error", NULL,
			  guard_xasprintf("branch '%s' does not match '%s' (policy branch.pattern)", branch, rules.pattern));
	if ((rc = diff_range(g, mbc, head, report, violations)) < 0 ||
	    (rc = range_commits(repo, mbc, head, report)) < 0 ||
	    (rc = protected_commits(repo, &rules, c->base, mbc ? mbc : base, head, violations)) < 0 ||
	    (rc = guard_git_symref_check(g, &rules, c->base, violations)) < 0)
		goto out;
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(report, "loc");
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(report, "files");
	limit(violations, c->tree, "max_loc", "loc", (long)guard_json_num(loc, "added"), "lines added");
	limit(violations, c->tree, "max_files_created", "files_created", (long)guard_json_num(files, "created"), "files created");
	limit(violations, c->tree, "max_files_modified", "files_modified", (long)guard_json_num(files, "modified"), "files modified");
	limit(violations, c->tree, "max_files_deleted", "files_deleted", (long)guard_json_num(files, "deleted"), "files deleted");
	if (!rules.allow_ai_merge) {
		found = cJSON_CreateArray();
		git_oid_tostr(hex, sizeof(hex), git_commit_id(head));
		rc = guard_git_ai_merges(g, &rules, branch, c->base, NULL, hex, found);
		if (rc == GUARD_EDENY) {
			violation(violations, "branch.ai_merge", "error", NULL, guard_xstrdup(guard_error_last()));
			rc = 0;
		}
	}
	cJSON_ArrayForEach(f, found) {
		char *evidence = guard_git_merge_evidence(f);
		violation(violations, "branch.ai_merge", "error", NULL,
			  guard_xasprintf("the range takes in the work of AI branch '%s' (%s): no AI-to-AI merges "
					  "(policy branch.allow_ai_merge)", guard_json_str(f, "branch", "?"), evidence));
		guard_git_merge_detail(cJSON_GetArrayItem(violations, cJSON_GetArraySize(violations) - 1), f);
		free(evidence);
	}
out:
	guard_branch_rules_release(&rules);
	free(branch);
	git_commit_free(base);
	git_commit_free(head);
	git_commit_free(mbc);
	cJSON_Delete(found);
	if (rc < 0)
		cJSON_Delete(report);
	else
		*out = report;
	return rc;
}
