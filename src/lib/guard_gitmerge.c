/*
 * No AI-to-AI merges (seed 004): whatever moved the ref — merge, fast
 * forward, pull, rebase onto it, cherry-pick — the commits it brings in
 * are compared with the work of every other AI branch.
 */
#include <git2.h>
#include <sodium.h>

/* libgit2's *_INIT macros fill only the version field. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_hash.h"
#include "guard_gitrules.h"

/* Walks are bounded: a branch with more commits of its own is not a session's. */
#define WALK_MAX 20000
/* Patch-ids cost a diff per commit: computed only for ranges this small. */
#define PATCHID_NEW_MAX 200
#define PATCHID_OTHER_MAX 2000

struct oids {
	git_oid *v;
	size_t len, alloc;
};

static void
oids_add(struct oids *o, const git_oid *id)
{
	if (o->len == o->alloc) {
		o->alloc = o->alloc ? o->alloc * 2 : 64;
		o->v = guard_xrealloc(o->v, o->alloc * sizeof(*o->v));
	}
	git_oid_cpy(&o->v[o->len++], id);
}

static int
oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

static bool
oids_has(const struct oids *o, const git_oid *id)
{
	return o->len && bsearch(id, o->v, o->len, sizeof(*o->v), oid_cmp) != NULL;
}

static int
fail(const char *what)
{
	const git_error *e = git_error_last();
	return guard_error(GUARD_EIO, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

/* Commits reachable from tip and from none of hide (sorted when sort). */
static int
walk(git_repository *repo, const git_oid *tip, const git_oid *hide, size_t nhide, struct oids *out, bool sort)
{
	git_revwalk *w = NULL;
	git_oid id;
	int err;

	if (git_revwalk_new(&w, repo) < 0 || git_revwalk_push(w, tip) < 0) {
		git_revwalk_free(w);
		return fail("cannot walk the history");
	}
	for (size_t i = 0; i < nhide; i++)
		git_revwalk_hide(w, &hide[i]); /* unknown here (a remote's oid): nothing to hide */
	git_error_clear();
	while ((err = git_revwalk_next(&id, w)) == 0 && out->len < WALK_MAX)
		oids_add(out, &id);
	git_revwalk_free(w);
	if (err < 0 && err != GIT_ITEROVER)
		return fail("cannot walk the history");
	if (err == 0)
		return guard_error(GUARD_EDENY, "more than %d commits of their own on one branch: not checked", WALK_MAX);
	if (sort && out->len) /* qsort of NULL is undefined even for 0 elements */
		qsort(out->v, out->len, sizeof(*out->v), oid_cmp);
	return 0;
}

/* The "(cherry picked from commit X)" trailers of a commit, as oids. */
static void
cherry_sources(git_commit *c, struct oids *out)
{
	static const char tag[] = "(cherry picked from commit ";
	const char *msg = git_commit_message(c);
	git_oid id;

	for (const char *p = msg ? strstr(msg, tag) : NULL; p; p = strstr(p + 1, tag)) {
		const char *hex = p + sizeof(tag) - 1;
		if (strspn(hex, "0123456789abcdef") >= GIT_OID_HEXSZ && git_oid_fromstrn(&id, hex, GIT_OID_HEXSZ) == 0)
			oids_add(out, &id);
	}
}

/*
 * A commit's tree and its parent's (NULL for a root commit); 1 for a merge,
 * unless first: then a merge's first parent (what it brings into the branch).
 */
static int
commit_trees(git_repository *repo, const git_oid *cid, bool first, git_tree **pt, git_tree **t)
{
	git_commit *c = NULL, *parent = NULL;
	int rc = 1;

	*pt = *t = NULL;
	if (git_commit_lookup(&c, repo, cid) < 0)
		return fail("cannot read a commit");
	if (git_commit_parentcount(c) > 1 && !first)
		goto out;
	rc = (git_commit_parentcount(c) >= 1 && (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(pt, parent) < 0)) ||
	     git_commit_tree(t, c) < 0 ? fail("cannot read a commit's tree") : 0;
out:
	git_commit_free(parent);
	git_commit_free(c);
	return rc;
}

/*
 * The files a commit with one parent (or none) changes, added to out
 * (only those within names, when not NULL); 1 for a merge unless first
 * (then those it changes against its first parent), 2 when they are not
 * known (a tree too deep to walk).
 */
static int
commit_paths(git_repository *repo, const git_oid *cid, bool first, const struct guard_list *within,
	     struct guard_list *out)
{
	git_tree *pt = NULL, *t = NULL;
	int rc;

	if ((rc = commit_trees(repo, cid, first, &pt, &t)) == 0) {
		struct guard_list paths = GUARD_LIST_INIT;
		if ((rc = guard_git_tree_paths(repo, pt, t, false, within, &paths)) == 0)
			for (size_t i = 0; i < paths.len; i++)
				guard_list_take(out, paths.items[i]), paths.items[i] = NULL;
		else if (rc == 1)
			rc = 2;
		guard_list_clear(&paths);
	}
	git_tree_free(pt);
	git_tree_free(t);
	return rc;
}

/*
 * The line family (issue 11): an added line means something only when it
 * holds LINE_MIN characters besides white space, LINE_ALNUM of them
 * letters or digits, and is not one every file has (an include, an
 * import, a guard macro). Its fingerprint ignores all white space.
 */
#define LINE_MIN 12
#define LINE_ALNUM 6

static const char *const common_lines[] = { "#include", "#import", "import ", "from ", "using ", "package ",
					    "#pragma", "#ifndef", "#endif", "#if ", "#else", "require ",
					    "SPDX-License-Identifier", NULL };

static bool
line_key(const char *s, size_t n, git_oid *out)
{
	crypto_hash_sha256_state st;
	unsigned char md[crypto_hash_sha256_BYTES], chunk[256];
	size_t sig = 0, alnum = 0, k = 0;

	while (n && strchr(" \t\r\n\v\f", *s) && *s)
		s++, n--;
	for (const char *const *c = common_lines; *c; c++)
		if (n >= strlen(*c) && !strncmp(s, *c, strlen(*c)))
			return false;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ' ' || (ch >= '\t' && ch <= '\r'))
			continue;
		sig++;
		alnum += (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
		chunk[k++] = ch;
		if (k == sizeof(chunk))
			crypto_hash_sha256_update(&st, chunk, k), k = 0;
	}
	crypto_hash_sha256_update(&st, chunk, k);
	crypto_hash_sha256_final(&st, md);
	git_oid_fromraw(out, md);
	return sig >= LINE_MIN && alnum >= LINE_ALNUM;
}

/* Sort an oid list and drop repeats. */
static void
oids_unique(struct oids *o)
{
	size_t w = 0;

	if (!o->len)
		return;
	qsort(o->v, o->len, sizeof(*o->v), oid_cmp);
	for (size_t i = 1; i < o->len; i++)
		if (git_oid_cmp(&o->v[w], &o->v[i]))
			git_oid_cpy(&o->v[++w], &o->v[i]);
	o->len = w + 1;
}

/* What a diff is read for: its hunks, or its meaningful added lines. */
enum collect { HUNKS, LINES };

/*
 * The fingerprints of a diff, added to out. HUNKS: each hunk's lines
 * (context and changes) without line numbers or the file's name, so the
 * same change is known again in a renamed file, inside a merge, or when
 * squashed with others (SHA-256, its first 20 bytes). LINES: each
 * meaningful added line (line_key) that the diff does not also remove
 * (a line moved or put back is no new work).
 */
static int
diff_collect(git_diff *diff, enum collect what, struct oids *out)
{
	size_t n = git_diff_num_deltas(diff);
	struct oids added = { 0 }, removed = { 0 };
	int rc = 0;

	if (guard_crypto_init() < 0)
		return GUARD_EIO;
	for (size_t i = 0; i < n && rc == 0; i++) {
		git_patch *p = NULL;
		if (git_patch_from_diff(&p, diff, i) < 0) {
			rc = fail("cannot read a diff");
			break;
		}
		for (size_t h = 0; p && h < git_patch_num_hunks(p) && rc == 0; h++) {
			crypto_hash_sha256_state st;
			unsigned char md[crypto_hash_sha256_BYTES];
			const git_diff_line *line;
			git_oid id;
			int lines = git_patch_num_lines_in_hunk(p, h);

			crypto_hash_sha256_init(&st);
			for (int l = 0; l < lines && rc == 0; l++) {
				if (git_patch_get_line_in_hunk(&line, p, h, (size_t)l) < 0) {
					rc = fail("cannot read a diff");
				} else if (what == HUNKS) {
					crypto_hash_sha256_update(&st, (const unsigned char *)&line->origin, 1);
					crypto_hash_sha256_update(&st, (const unsigned char *)line->content, line->content_len);
					crypto_hash_sha256_update(&st, (const unsigned char *)"", 1);
				} else if ((line->origin == GIT_DIFF_LINE_ADDITION || line->origin == GIT_DIFF_LINE_DELETION) &&
					   line_key(line->content, line->content_len, &id)) {
					oids_add(line->origin == GIT_DIFF_LINE_ADDITION ? &added : &removed, &id);
				}
			}
			if (what == HUNKS && rc == 0) {
				crypto_hash_sha256_final(&st, md);
				git_oid_fromraw(&id, md);
				oids_add(out, &id);
			}
		}
		git_patch_free(p);
	}
	oids_unique(&removed);
	for (size_t i = 0; rc == 0 && i < added.len; i++)
		if (!oids_has(&removed, &added.v[i]))
			oids_add(out, &added.v[i]);
	free(added.v);
	free(removed.v);
	return rc;
}

/* The diff of a commit with one parent (or none); 1 for a merge. */
static int
commit_diff(git_repository *repo, const git_oid *cid, git_diff **diff)
{
	git_tree *t = NULL, *pt = NULL;
	int rc;

	*diff = NULL;
	if ((rc = commit_trees(repo, cid, false, &pt, &t)) == 0)
		rc = guard_git_tree_diff(repo, pt, t, false, diff);
	git_tree_free(t);
	git_tree_free(pt);
	return rc;
}

/* A diff's patch-id and (when hunks) its hunks; 1 for an empty change (it matches nothing). */
static int
diff_ids(git_diff *diff, git_oid *pid, struct oids *hunks)
{
	int rc;

	if (git_diff_patchid(pid, diff, NULL) < 0)
		return fail("cannot compute a patch-id");
	if (hunks && (rc = diff_collect(diff, HUNKS, hunks)) < 0)
		return rc;
	return git_diff_num_deltas(diff) ? 0 : 1;
}

/* The hunks (or lines) of the diff between two trees (a NULL tree: empty), with renames when renames. */
static int
tree_collect(git_repository *repo, git_tree *a, git_tree *b, bool renames, enum collect what, struct oids *out)
{
	git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
	git_diff *diff = NULL;
	int rc;

	find.flags = GIT_DIFF_FIND_RENAMES;
	if ((rc = guard_git_tree_diff(repo, a, b, false, &diff)) == 0) {
		if (renames && git_diff_find_similar(diff, &find) < 0)
			rc = fail("cannot find renames");
		else
			rc = diff_collect(diff, what, out);
	}
	git_diff_free(diff);
	return rc;
}

/* The tree of the merge base of two commits (NULL when they share none). */
static int
base_tree(git_repository *repo, const git_oid *a, const git_oid *b, git_tree **out)
{
	git_commit *c = NULL;
	git_oid id;
	int err = git_merge_base(&id, repo, a, b), rc = 0;

	*out = NULL;
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0 || git_commit_lookup(&c, repo, &id) < 0 || git_commit_tree(out, c) < 0)
		rc = fail("cannot find a merge base");
	git_commit_free(c);
	return rc;
}

/*
 * The hunks a merge brings into the branch: its change against the first
 * parent, less the hunks each other parent's own line of history made
 * since the merge base (an ordinary merge of the base brings nothing of
 * its own; an evil merge brings what no parent had).
 */
static int
merge_collect(git_repository *repo, const git_oid *cid, enum collect what, struct oids *out)
{
	git_commit *c = NULL, *p1 = NULL, *pk = NULL;
	git_tree *t = NULL, *t1 = NULL, *tb = NULL, *tk = NULL;
	struct oids mine = { 0 }, theirs = { 0 };
	int rc;

	if (git_commit_lookup(&c, repo, cid) < 0 || git_commit_parent(&p1, c, 0) < 0 || git_commit_tree(&t1, p1) < 0 ||
	    git_commit_tree(&t, c) < 0) {
		rc = fail("cannot read a merge");
		goto out;
	}
	if ((rc = tree_collect(repo, t1, t, false, what, &mine)) < 0)
		goto out;
	for (unsigned k = 1; k < git_commit_parentcount(c); k++) {
		git_tree_free(tb), git_tree_free(tk), git_commit_free(pk);
		tb = tk = NULL, pk = NULL;
		if (git_commit_parent(&pk, c, k) < 0 || git_commit_tree(&tk, pk) < 0) {
			rc = fail("cannot read a merge");
			goto out;
		}
		if ((rc = base_tree(repo, git_commit_id(p1), git_commit_id(pk), &tb)) < 0 ||
		    (rc = tree_collect(repo, tb, tk, false, what, &theirs)) < 0)
			goto out;
	}
	if (theirs.len)
		qsort(theirs.v, theirs.len, sizeof(*theirs.v), oid_cmp);
	for (size_t i = 0; i < mine.len; i++)
		if (!oids_has(&theirs, &mine.v[i]))
			oids_add(out, &mine.v[i]);
out:
	git_tree_free(t), git_tree_free(t1), git_tree_free(tb), git_tree_free(tk);
	git_commit_free(c), git_commit_free(p1), git_commit_free(pk);
	free(mine.v);
	free(theirs.v);
	return rc;
}

static void
report(cJSON *found, const char *branch, const char *how, const struct oids *commits)
{
	cJSON *o = cJSON_CreateObject(), *list;
	char hex[GIT_OID_HEXSZ + 1];

	cJSON_AddStringToObject(o, "branch", branch);
	cJSON_AddStringToObject(o, "how", how);
	list = cJSON_AddArrayToObject(o, "commits");
	for (size_t i = 0; i < commits->len; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(git_oid_tostr(hex, sizeof(hex), &commits->v[i])));
	cJSON_AddItemToArray(found, o);
}

/* The meaningful added lines of one unit of what comes in: a commit, a merge, or the branch's net change. */
struct line_unit {
	struct oids lines;     /* sorted, unique */
	struct oids fresh;     /* those new with this update (the net change's), sorted */
	bool all_fresh;        /* a commit's: every line is new */
};

/* The other branches' commits' lines, read once per call (commits shared by branches too). */
struct cached_lines {
	git_oid id;
	bool used;
	struct oids lines;     /* sorted, unique; empty for a merge */
};

struct line_cache {
	struct cached_lines *v;
	size_t cap, len;
};

struct incoming {
	struct oids commits;   /* what the update brings in */
	struct oids picked;    /* their cherry-pick trailers */
	struct oids pids;      /* their patch-ids, when computed */
	struct oids hunks;     /* their hunks and those of the branch's net change, when computed */
	struct guard_list paths; /* the files they change, sorted, when computed */
	struct line_unit *units; /* their lines, when computed */
	size_t nunits;
	struct line_cache cache;
	bool lines_done;
	bool lines_any;        /* a unit has lines enough to match */
	bool hide_done;
	bool pids_done;
	bool paths_done;
	bool paths_known;      /* false: one of them changes files not known (a tree too deep) */
	struct guard_git *g;
	int hidden;            /* guard_git_index_hide's answer, once patch-ids are computed */
	git_tree *base;        /* the merge base of the branch's base and the new tip (NULL: none) */
	git_tree *tip;         /* the new tip's tree */
	git_tree *old;         /* the old tip's tree (NULL: none) */
};

#define INCOMING_INIT(g) { { 0 }, { 0 }, { 0 }, { 0 }, GUARD_LIST_INIT, NULL, 0, { NULL, 0, 0 }, false, false, false, \
			  false, false, false, (g), 0, NULL, NULL, NULL }

/* The index set aside once for the diffs of this call (guard_git_index_hide). */
static void
hide_index(struct incoming *in)
{
	if (!in->hide_done)
		in->hidden = guard_git_index_hide(in->g), in->hide_done = true;
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
incoming_paths(git_repository *repo, struct incoming *in)
{
	int rc;

	if (in->paths_done)
		return 0;
	in->paths_done = in->paths_known = true;
	for (size_t i = 0; i < in->commits.len && in->paths_known; i++) {
		if ((rc = commit_paths(repo, &in->commits.v[i], true, NULL, &in->paths)) < 0)
			return rc;
		if (rc == 2)
			in->paths_known = false; /* a tree too deep to walk: every commit is diffed */
	}
	if (in->tip && in->paths_known) {
		/* the branch's net change: both names of a renamed file */
		struct guard_list net = GUARD_LIST_INIT;
		if ((rc = guard_git_tree_paths(repo, in->base, in->tip, false, NULL, &net)) < 0)
			return rc;
		in->paths_known = rc == 0;
		for (size_t i = 0; i < net.len; i++)
			guard_list_take(&in->paths, net.items[i]), net.items[i] = NULL;
		guard_list_clear(&net);
	}
	if (in->paths.len)
		qsort(in->paths.items, in->paths.len, sizeof(*in->paths.items), path_cmp);
	return 0;
}

/* Computed only once another branch's commit may match one of them. */
static int
incoming_patch_ids(git_repository *repo, struct incoming *in)
{
	git_oid pid;
	int rc;

	if (in->pids_done)
		return 0;
	in->pids_done = true;
	hide_index(in); /* a patch-id looks up each file's diff driver */
	for (size_t i = 0; i < in->commits.len; i++) {
		git_diff *diff = NULL;
		if ((rc = commit_diff(repo, &in->commits.v[i], &diff)) == 0 && (rc = diff_ids(diff, &pid, &in->hunks)) == 0)
			oids_add(&in->pids, &pid);
		else if (rc == 1 && !diff)
			rc = merge_collect(repo, &in->commits.v[i], HUNKS, &in->hunks);
		git_diff_free(diff);
		if (rc < 0)
			return rc;
	}
	/*
	 * The branch's net change, renames found (a pick moved around a
	 * rename, or split over commits), less the hunks it had before this
	 * update: those were checked then (and a branch that took them from
	 * ours since is not ours to answer for).
	 */
	if (in->tip) {
		struct oids net = { 0 }, before = { 0 };
		if ((rc = tree_collect(repo, in->base, in->tip, true, HUNKS, &net)) == 0 && in->old)
			rc = tree_collect(repo, in->base, in->old, true, HUNKS, &before);
		if (before.len)
			qsort(before.v, before.len, sizeof(*before.v), oid_cmp);
		for (size_t i = 0; rc == 0 && i < net.len; i++)
			if (!oids_has(&before, &net.v[i]))
				oids_add(&in->hunks, &net.v[i]);
		free(net.v);
		free(before.v);
		if (rc < 0)
			return rc;
	}
	if (in->pids.len)
		qsort(in->pids.v, in->pids.len, sizeof(*in->pids.v), oid_cmp);
	if (in->hunks.len)
		qsort(in->hunks.v, in->hunks.len, sizeof(*in->hunks.v), oid_cmp);
	return 0;
}

/*
 * Whether another branch's commit may have the patch-id of one that comes
 * in: a patch-id hashes the files' names with their changes, so two equal
 * ones change the same files. A commit that shares no file with what
 * comes in is not diffed at all (1: maybe, 0: no).
 */
static int
may_match(git_repository *repo, const struct incoming *in, const git_oid *cid)
{
	struct guard_list paths = GUARD_LIST_INIT;
	int rc;

	if (!in->paths_known)
		return 1;
	rc = commit_paths(repo, cid, false, &in->paths, &paths);
	if (rc == 0)
		rc = paths.len > 0; /* only the files that come in were listed */
	else if (rc > 0)
		rc = rc == 2; /* a merge has no patch-id; a deep tree may match */
	guard_list_clear(&paths);
	return rc;
}

/*
 * Whether another branch's commit (one parent) comes in: its patch-id is
 * one that comes in, or every hunk of it does (1: yes, 0: no).
 */
static int
taken(git_repository *repo, const struct incoming *in, const git_oid *cid)
{
	struct oids hunks = { 0 };
	git_diff *diff = NULL;
	git_oid pid;
	int rc;

	if ((rc = commit_diff(repo, cid, &diff)) == 0 && (rc = diff_ids(diff, &pid, &hunks)) == 0) {
		rc = oids_has(&in->pids, &pid) || hunks.len > 0;
		for (size_t i = 0; i < hunks.len && rc && !oids_has(&in->pids, &pid); i++)
			rc = oids_has(&in->hunks, &hunks.v[i]);
	} else if (rc > 0) {
		rc = 0; /* a merge, an empty change */
	}
	git_diff_free(diff);
	free(hunks.v);
	return rc;
}

/*
 * The lines family (issue 11): what a pick keeps when its hunks and
 * patch-id are gone (its own lines edited, a change of the branch's
 * within three lines, the lines copied into a new file). Each commit that
 * comes in, each merge (what it brings less what its other parents made),
 * and the branch's whole net change (a pick split over commits or
 * updates) is a unit. Computed once another branch's commit has lines.
 */
static int
incoming_lines(git_repository *repo, struct incoming *in)
{
	int rc = 0;

	if (in->lines_done)
		return 0;
	in->lines_done = true;
	hide_index(in);
	in->units = guard_xcalloc(in->commits.len + 1, sizeof(*in->units));
	for (size_t i = 0; i < in->commits.len && rc >= 0; i++) {
		struct line_unit *u = &in->units[in->nunits++];
		git_diff *diff = NULL;
		u->all_fresh = true;
		if ((rc = commit_diff(repo, &in->commits.v[i], &diff)) == 0)
			rc = diff_collect(diff, LINES, &u->lines);
		else if (rc == 1 && !diff)
			rc = merge_collect(repo, &in->commits.v[i], LINES, &u->lines);
		git_diff_free(diff);
	}
	if (rc >= 0 && in->tip) {
		/*
		 * The net change counts whole (a pick brought two lines an update
		 * stays a pick), but only when this update brings one of the
		 * lines: what was there before was compared then, and a branch
		 * that copied our lines since is not ours to answer for.
		 */
		struct line_unit *u = &in->units[in->nunits++];
		struct oids before = { 0 };
		if ((rc = tree_collect(repo, in->base, in->tip, true, LINES, &u->lines)) == 0 && in->old)
			rc = tree_collect(repo, in->base, in->old, true, LINES, &before);
		oids_unique(&before);
		oids_unique(&u->lines);
		for (size_t i = 0; rc >= 0 && i < u->lines.len; i++)
			if (!oids_has(&before, &u->lines.v[i]))
				oids_add(&u->fresh, &u->lines.v[i]);
		free(before.v);
	}
	for (size_t i = 0; i < in->nunits; i++) {
		oids_unique(&in->units[i].lines);
		in->lines_any |= in->units[i].lines.len >= 2;
	}
	return rc < 0 ? rc : 0;
}

/* The cache's slot for a commit (a new one unused); grown first, so slots are good until the next call. */
static struct cached_lines *
cache_slot(struct line_cache *c, const git_oid *id)
{
	size_t h;

	if (2 * (c->len + 1) > c->cap) {
		struct line_cache big = { guard_xcalloc(c->cap ? c->cap * 2 : 256, sizeof(*c->v)), c->cap ? c->cap * 2 : 256, 0 };
		for (size_t i = 0; i < c->cap; i++)
			if (c->v[i].used)
				*cache_slot(&big, &c->v[i].id) = c->v[i], big.len++;
		free(c->v);
		*c = big;
	}
	memcpy(&h, id->id, sizeof(h));
	for (h %= c->cap; c->v[h].used && !git_oid_equal(&c->v[h].id, id); h = (h + 1) % c->cap)
		;
	return &c->v[h];
}

/* Another branch's commit's meaningful added lines (none for a merge), read once per call. */
static int
other_lines(git_repository *repo, struct incoming *in, const git_oid *cid, const struct oids **out)
{
	struct cached_lines *e = cache_slot(&in->cache, cid);
	git_diff *diff = NULL;
	struct oids lines = { 0 };
	int rc;

	if (!e->used) {
		hide_index(in); /* each file's diff driver is looked up */
		if ((rc = commit_diff(repo, cid, &diff)) == 0)
			rc = diff_collect(diff, LINES, &lines);
		git_diff_free(diff);
		if (rc < 0) {
			free(lines.v);
			return rc;
		}
		oids_unique(&lines);
		e = cache_slot(&in->cache, cid);
		git_oid_cpy(&e->id, cid);
		e->used = true;
		e->lines = lines;
		in->cache.len++;
	}
	*out = &e->lines;
	return 0;
}

/*
 * How many of a commit's n meaningful lines another commit must bring in
 * to be its pick: half of them (rounded up), at least 2 (one shared line
 * is everyday code), at most 3 (a long change picked with a few of its
 * lines edited).
 */
static size_t
line_k(size_t n)
{
	size_t k = (n + 1) / 2;
	return k < 2 ? 2 : k > 3 ? 3 : k;
}

struct line_owner {
	git_oid line;
	size_t commit; /* index in theirs */
};

static int
owner_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct line_owner *)a)->line, &((const struct line_owner *)b)->line);
}

struct line_hit {
	size_t commit;
	bool fresh;
};

static int
hit_cmp(const void *a, const void *b)
{
	size_t x = ((const struct line_hit *)a)->commit, y = ((const struct line_hit *)b)->commit;
	return (x > y) - (x < y);
}

/* The commits of theirs (not in skip) of which a unit that comes in brings K lines or more, added to out. */
static int
lines_against(git_repository *repo, struct incoming *in, const struct oids *theirs, const struct oids *skip,
	      struct oids *out)
{
	struct line_owner *own = NULL;
	struct line_hit *hits = NULL;
	size_t nown = 0, aown = 0, *count = guard_xcalloc(theirs->len + 1, sizeof(*count));
	bool *flagged = guard_xcalloc(theirs->len + 1, sizeof(*flagged));
	int rc = 0;

	for (size_t i = 0; i < theirs->len && rc == 0; i++) {
		const struct oids *lines;
		if (oids_has(skip, &theirs->v[i]) || (rc = other_lines(repo, in, &theirs->v[i], &lines)) < 0 ||
		    lines->len < 2)
			continue;
		count[i] = lines->len;
		if (nown + lines->len > aown)
			own = guard_xrealloc(own, (aown = 2 * (nown + lines->len)) * sizeof(*own));
		for (size_t l = 0; l < lines->len; l++)
			git_oid_cpy(&own[nown].line, &lines->v[l]), own[nown++].commit = i;
	}
	/* what comes in is diffed only when another commit has lines to match (none: most commits) */
	if (nown && rc == 0 && (rc = incoming_lines(repo, in)) == 0 && in->lines_any)
		qsort(own, nown, sizeof(*own), owner_cmp);
	for (size_t u = 0; rc == 0 && nown && in->lines_any && u < in->nunits; u++) {
		const struct line_unit *unit = &in->units[u];
		size_t nhits = 0, ahits = 0;
		for (size_t l = 0; l < unit->lines.len; l++) {
			size_t lo = 0, hi = nown;
			while (lo < hi) { /* the first owner not below the line */
				size_t mid = lo + (hi - lo) / 2;
				if (git_oid_cmp(&own[mid].line, &unit->lines.v[l]) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < nown && git_oid_equal(&own[lo].line, &unit->lines.v[l]); lo++) {
				if (nhits == ahits)
					hits = guard_xrealloc(hits, (ahits = ahits ? 2 * ahits : 64) * sizeof(*hits));
				hits[nhits].commit = own[lo].commit;
				hits[nhits++].fresh = unit->all_fresh || oids_has(&unit->fresh, &unit->lines.v[l]);
			}
		}
		if (nhits)
			qsort(hits, nhits, sizeof(*hits), hit_cmp);
		for (size_t h = 0; h < nhits;) {
			size_t c = hits[h].commit, total = 0;
			bool fresh = false;
			for (; h < nhits && hits[h].commit == c; h++)
				total++, fresh |= hits[h].fresh;
			if (total >= line_k(count[c]) && fresh && !flagged[c])
				flagged[c] = true, oids_add(out, &theirs->v[c]);
		}
	}
	free(own);
	free(hits);
	free(count);
	free(flagged);
	return rc;
}

/* Compare what comes in with one other AI branch's own commits. */
static int
against(git_repository *repo, struct incoming *in, const char *branch, const git_oid *tip, const git_oid *hide,
	size_t nhide, cJSON *found)
{
	struct oids theirs = { 0 }, hit = { 0 }, picked = { 0 };
	int rc;

	if ((rc = walk(repo, tip, hide, nhide, &theirs, true)) < 0)
		goto out;
	for (size_t i = 0; i < in->commits.len; i++)
		if (oids_has(&theirs, &in->commits.v[i]))
			oids_add(&hit, &in->commits.v[i]);
	if (hit.len) {
		report(found, branch, "merge", &hit);
		qsort(hit.v, hit.len, sizeof(*hit.v), oid_cmp);
	}
	for (size_t i = 0; i < in->picked.len; i++)
		if (oids_has(&theirs, &in->picked.v[i]))
			oids_add(&picked, &in->picked.v[i]);
	if (!picked.len && theirs.len && in->commits.len > PATCHID_NEW_MAX) {
		rc = guard_error(GUARD_EDENY, "%zu commits come in, more than the %d the AI-to-AI check compares: refused "
				 "unchecked (move the branch in smaller steps)", in->commits.len, PATCHID_NEW_MAX);
		goto out;
	}
	if (!picked.len && theirs.len && theirs.len <= PATCHID_OTHER_MAX) {
		if ((rc = incoming_paths(repo, in)) < 0)
			goto out;
		for (size_t i = 0; i < theirs.len && !(in->pids_done && !in->pids.len && !in->hunks.len); i++) {
			if (oids_has(&hit, &theirs.v[i]))
				continue;
			if ((rc = may_match(repo, in, &theirs.v[i])) <= 0) {
				if (rc < 0)
					goto out;
				continue;
			}
			if ((rc = incoming_patch_ids(repo, in)) < 0 || (rc = taken(repo, in, &theirs.v[i])) < 0)
				goto out;
			if (rc)
				oids_add(&picked, &theirs.v[i]);
		}
		rc = 0;
	}
	if (picked.len) {
		report(found, branch, "cherry-pick", &picked);
		goto out;
	}
	if (!hit.len && theirs.len > PATCHID_OTHER_MAX) {
		rc = guard_error(GUARD_EDENY, "AI branch '%s' has %zu commits of its own, more than the %d the AI-to-AI "
				 "check compares: refused unchecked (land that branch in the base or delete it, then "
				 "move this one again)", branch, theirs.len, PATCHID_OTHER_MAX);
		goto out;
	}
	if (theirs.len > hit.len && (rc = lines_against(repo, in, &theirs, &hit, &picked)) == 0 && picked.len)
		report(found, branch, "lines", &picked);
out:
	free(theirs.v);
	free(hit.v);
	free(picked.v);
	return rc;
}

static bool
resolve(git_repository *repo, const char *rev, git_oid *out)
{
	git_object *o = NULL;
	if (!rev || git_revparse_single(&o, repo, rev) < 0)
		return false;
	git_object *c = NULL;
	bool ok = git_object_peel(&c, o, GIT_OBJECT_COMMIT) == 0;
	if (ok)
		git_oid_cpy(out, git_object_id(c));
	git_object_free(c);
	git_object_free(o);
	return ok;
}

/* The trees of the branch's net change: from its merge base with base (when known) to the new tip. */
static int
net_trees(git_repository *repo, const char *base, const git_oid *tip, const git_oid *old, struct incoming *in)
{
	git_commit *c = NULL, *o = NULL;
	git_oid b;
	int rc;

	if (!resolve(repo, base, &b))
		return 0;
	if (git_commit_lookup(&c, repo, tip) < 0 || git_commit_tree(&in->tip, c) < 0)
		rc = fail("cannot read a commit's tree");
	else
		rc = base_tree(repo, &b, tip, &in->base);
	if (rc == 0 && old && git_commit_lookup(&o, repo, old) == 0 && git_commit_tree(&in->old, o) < 0)
		rc = fail("cannot read a commit's tree"); /* an old tip unknown here: the whole net change counts */
	git_commit_free(c);
	git_commit_free(o);
	return rc;
}

int
guard_git_ai_merges(struct guard_git *g, const struct guard_branch_rules *r, const char *self, const char *base,
		    const char *old_hex, const char *new_hex, cJSON *found)
{
	git_repository *repo = guard_git_repository(g);
	struct incoming in = INCOMING_INIT(g);
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	git_oid tip, hide[2], old = { { 0 } };
	size_t nhide = 0;
	int rc = 0, err;

	if (git_oid_fromstr(&tip, new_hex) < 0)
		return guard_error(GUARD_EUSAGE, "'%s' is not an object id", new_hex);
	if (git_oid_is_zero(&tip))
		return 0; /* a deletion brings nothing in */
	if (old_hex && git_oid_fromstr(&hide[nhide], old_hex) == 0 && !git_oid_is_zero(&hide[nhide]))
		git_oid_cpy(&old, &hide[nhide++]);
	if (resolve(repo, base, &hide[nhide]))
		nhide++;
	if ((rc = walk(repo, &tip, hide, nhide, &in.commits, false)) < 0)
		goto out;
	if (!in.commits.len)
		goto out;
	if ((rc = net_trees(repo, base, &tip, git_oid_is_zero(&old) ? NULL : &old, &in)) < 0)
		goto out;
	for (size_t i = 0; i < in.commits.len; i++) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, repo, &in.commits.v[i]) < 0) {
			rc = fail("cannot read a commit");
			goto out;
		}
		cherry_sources(c, &in.picked);
		git_commit_free(c);
	}
	/* Only the base is hidden from the other branch: what it shares with ours counts too. */
	nhide = resolve(repo, base, &hide[0]) ? 1 : 0;
	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_ALL) < 0) {
		rc = fail("cannot list the branches");
		goto out;
	}
	while ((err = git_branch_next(&ref, &type, it)) == 0) {
		const char *name = NULL, *shortname;
		if (git_branch_name(&name, ref) < 0 || git_reference_type(ref) != GIT_REFERENCE_DIRECT) {
			git_reference_free(ref);
			continue;
		}
		shortname = name;
		if (type == GIT_BRANCH_REMOTE && strchr(name, '/'))
			shortname = strchr(name, '/') + 1; /* origin/ai/... is ai/... */
		if (guard_branch_ai(r, shortname) && !(self && !strcmp(shortname, self)))
			rc = against(repo, &in, name, git_reference_target(ref), hide, nhide, found);
		git_reference_free(ref);
		if (rc < 0)
			goto out;
	}
	if (err != GIT_ITEROVER)
		rc = fail("cannot list the branches");
out:
	if (in.hide_done)
		guard_git_index_unhide(g, in.hidden);
	git_branch_iterator_free(it);
	free(in.commits.v);
	free(in.picked.v);
	free(in.pids.v);
	free(in.hunks.v);
	for (size_t i = 0; i < in.nunits; i++)
		free(in.units[i].lines.v), free(in.units[i].fresh.v);
	free(in.units);
	for (size_t i = 0; i < in.cache.cap; i++)
		free(in.cache.v[i].lines.v);
	free(in.cache.v);
	git_tree_free(in.base);
	git_tree_free(in.tip);
	git_tree_free(in.old);
	guard_list_clear(&in.paths);
	return rc;
}

char *
guard_git_merge_evidence(const cJSON *finding)
{
	const cJSON *commits = cJSON_GetObjectItemCaseSensitive(finding, "commits"), *c;
	const char *how = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(finding, "how"));
	struct guard_buf list = GUARD_BUF_INIT;
	int n = 0;

	guard_buf_addstr(&list, how && !strcmp(how, "merge") ? "commits of"
				: how && !strcmp(how, "lines") ? "the added lines of commits" : "cherry-picked commits of");
	cJSON_ArrayForEach(c, commits)
		if (n++ < 5)
			guard_buf_addf(&list, " %.12s", c->valuestring);
	if (n > 5)
		guard_buf_addf(&list, " and %d more", n - 5);
	return guard_buf_detach(&list);
}

void
guard_git_merge_detail(cJSON *violation, const cJSON *finding)
{
	const char *branch = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(finding, "branch"));

	cJSON_AddStringToObject(violation, "branch", branch ? branch : "?");
	cJSON_AddItemToObject(violation, "commits",
			      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(finding, "commits"), 1));
}
