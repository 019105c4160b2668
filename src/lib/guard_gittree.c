/*
 * A tree-to-tree diff that reads only what differs (issue 11). libgit2's
 * git_diff_tree_to_tree reads and inflates every tree of both sides (201
 * each on 20,000 files in 200 folders) where git skips the subtrees whose
 * ids are equal. Here the two trees are walked side by side first,
 * descending only into subtrees whose ids differ, and the files found are
 * handed to libgit2 as an exact path list: its tree iterators then skip
 * every subtree no listed path is under. The deltas are the same as the
 * whole diff's (unchanged files are never deltas), so rename detection
 * and patch-ids over them are too.
 */
#include <git2.h>

/* libgit2's *_INIT macros fill only the version field. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_gitrules.h"
#include "guard_session.h"

/* Deeper trees are left to libgit2's whole diff (the same deltas, read slower). */
#define DEPTH_MAX 256

struct walk {
	git_repository *repo;
	struct guard_list *out;
	struct guard_buf path;
	const struct guard_list *within; /* sorted: only these files, or NULL */
	bool own;
};

/* Whether within names path (a file) or a file under it (a folder, path ending in '/'). */
static bool
wanted(const struct walk *w, const char *path, bool folder)
{
	size_t lo = 0, hi = w->within ? w->within->len : 0, n = strlen(path);

	if (!w->within)
		return true;
	while (lo < hi) { /* the first item not below path */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(w->within->items[mid], path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->within->len &&
	       (folder ? !strncmp(w->within->items[lo], path, n) : !strcmp(w->within->items[lo], path));
}

static int
fail(const char *what)
{
	const git_error *e = git_error_last();
	return guard_error(GUARD_EIO, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

/*
 * The plans the budget leaves out (.ai/plans/NAME.md, PENDING_PLANS.md),
 * as the pathspecs below do, only as the plain files plans are: an
 * executable or a link by such a name counts. .ai/'s other files are
 * walked: guard's runtime folders committed are refused by the caller,
 * code anywhere under .ai/ counts (attack7 H24), and a change of
 * .ai/policy.yaml is a change the policy's rules judge (attack11 L11).
 */
bool
guard_git_plan_entry(const char *path, unsigned mode)
{
	return mode == GIT_FILEMODE_BLOB && strcmp(path, ".ai/policy.yaml") && guard_session_plan_path(path);
}

static bool
own_entry(const char *path, const git_tree_entry *e)
{
	return guard_git_plan_entry(path, git_tree_entry_filemode(e));
}

static int trees(struct walk *w, const git_tree *a, const git_tree *b, int depth);

/* Both sides of a folder (either may be NULL: absent there). */
static int
folder(struct walk *w, const git_tree_entry *a, const git_tree_entry *b, int depth)
{
	git_tree *ta = NULL, *tb = NULL;
	int rc;

	if (depth + 1 >= DEPTH_MAX)
		return 1;
	if ((a && git_tree_lookup(&ta, w->repo, git_tree_entry_id(a)) < 0) ||
	    (b && git_tree_lookup(&tb, w->repo, git_tree_entry_id(b)) < 0))
		rc = fail("cannot read a tree");
	else
		rc = trees(w, ta, tb, depth + 1);
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

/*
 * The entries of a and b in git's order side by side: a name on one side
 * only, or on both with another id or mode, is a change; anything else
 * (an entry not sorted, say) is listed too, never skipped.
 */
static int
trees(struct walk *w, const git_tree *a, const git_tree *b, int depth)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0, i = 0, j = 0;
	size_t len = w->path.len;
	int rc = 0;

	while (rc == 0 && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);

		if (c < 0)
			eb = NULL, i++;
		else if (c > 0)
			ea = NULL, j++;
		else
			i++, j++;
		if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
		    git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
			continue;
		const git_tree_entry *e = ea ? ea : eb;
		guard_buf_addstr(&w->path, git_tree_entry_name(e));
		if (w->own && (!ea || own_entry(w->path.buf, ea)) && (!eb || own_entry(w->path.buf, eb))) {
			w->path.len = len;
			w->path.buf[len] = '\0';
			continue;
		}
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			guard_buf_addch(&w->path, '/');
			if (wanted(w, w->path.buf, true))
				rc = folder(w, ea, eb, depth);
		} else if (wanted(w, w->path.buf, false)) {
			guard_list_add(w->out, w->path.buf);
		}
		w->path.len = len;
		w->path.buf[len] = '\0';
	}
	return rc;
}

int
guard_git_tree_paths(struct git_repository *repo, const struct git_tree *a, const struct git_tree *b, bool own,
		     const struct guard_list *within, struct guard_list *out)
{
	struct walk w = { repo, out, GUARD_BUF_INIT, within, own };
	int rc;

	guard_buf_grow(&w.path, 256);
	rc = trees(&w, a, b, 0);
	guard_buf_release(&w.path);
	if (rc != 0)
		guard_list_clear(out);
	return rc;
}

int
guard_git_tree_diff(struct git_repository *repo, struct git_tree *a, struct git_tree *b, bool own,
		    struct git_diff **out)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	char *own_spec[] = { "!PENDING_PLANS.md", "*" };
	struct guard_list paths = GUARD_LIST_INIT;
	int rc;

	*out = NULL;
	if ((rc = guard_git_tree_paths(repo, a, b, own, NULL, &paths)) < 0)
		return rc;
	if (rc == 0) {
		if (!paths.len)
			a = b = NULL; /* nothing differs: an empty diff, without an empty (all-matching) path list */
		opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		opts.pathspec.strings = paths.items;
		opts.pathspec.count = paths.len;
	} else if (own) {
		opts.pathspec.strings = own_spec;
		opts.pathspec.count = 2;
	}
	rc = git_diff_tree_to_tree(out, repo, a, b, &opts) < 0 ? fail("cannot diff two trees") : 0;
	guard_list_clear(&paths);
	return rc;
}
