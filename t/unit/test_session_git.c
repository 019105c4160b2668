/*
 * Unit tests: the git side of sessions (libgit2). Fixture repositories
 * are built with the git CLI; every LOC count is compared with
 * `git diff --cached --numstat -M BASE` after `git add -A` into a
 * scratch index (what the session's working tree would commit), and
 * each test also names the line it expects, so git and guard cannot be
 * wrong together unnoticed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "unit.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_git.h"
#include "guard_gitrules.h"
#include "guard_list.h"
#include "guard_session.h"

static char tmpdir[256];
static char repo[300];
static char base[41];
static int nrepo;

/* Run a shell command in the fixture repository; 0 on success. */
static int
sh(const char *fmt, ...)
{
	struct guard_buf cmd = GUARD_BUF_INIT;
	va_list ap;
	int rc;

	guard_buf_addf(&cmd, "cd '%s' && { ", repo);
	char body[4096];
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	guard_buf_addstr(&cmd, body);
	guard_buf_addstr(&cmd, "; } >/dev/null 2>&1");
	rc = system(cmd.buf);
	if (rc != 0)
		printf("#   command failed (%d): %s\n", rc, body);
	guard_buf_release(&cmd);
	return rc;
}

/* A new repository with one commit of the given shell setup; base = its HEAD. */
static void
fixture(const char *setup)
{
	char *text = NULL, *path;
	size_t len;

	snprintf(repo, sizeof(repo), "%s/r%d", tmpdir, ++nrepo);
	CHECK(mkdir(repo, 0755) == 0);
	CHECK(sh("git init -q -b main . && git config user.email t@example.com && git config user.name t && "
		 "git config core.autocrlf false && %s && git add -A && git commit -qm base && "
		 "git rev-parse HEAD >.git/base-oid", setup) == 0);
	path = guard_xasprintf("%s/.git/base-oid", repo);
	if (guard_file_read(path, 100, 1, &text, &len) == 0 && len >= 40) {
		memcpy(base, text, 40);
		base[40] = '\0';
	}
	free(text);
	free(path);
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of l, sorted and joined by newlines (caller frees). */
static char *
joined(struct guard_list *l)
{
	struct guard_buf b = GUARD_BUF_INIT;
	qsort(l->items, l->len, sizeof(*l->items), by_str);
	for (size_t i = 0; i < l->len; i++)
		guard_buf_addf(&b, "%s\n", l->items[i]);
	return guard_buf_detach(&b);
}

/*
 * git's numstat of the working tree against base, as "added\tdeleted\tpath"
 * lines (binary "-\t-"), a rename with "\t<- old" after it.
 */
static char *
git_numstat(void)
{
	struct guard_list lines = { 0 };
	char *path = guard_xasprintf("%s/.git/numstat", repo), *text = NULL, *out;
	size_t len = 0;

	CHECK(sh("cp .git/index .git/scratch-index && GIT_INDEX_FILE=.git/scratch-index git add -A && "
		 "GIT_INDEX_FILE=.git/scratch-index git diff --cached --numstat -z -M %s -- . ':!.ai' "
		 "':!PENDING_PLANS.md' >.git/numstat", base) == 0);
	CHECK(guard_file_read(path, 1 << 20, 1, &text, &len) == 0);
	for (size_t i = 0; text && i < len;) {
		char *rec = text + i, *tab1 = strchr(rec, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (!tab2)
			break;
		if (tab2[1] == '\0') {
			/* A rename: "a\td\t\0old\0new\0". */
			char *old = tab2 + 2, *new = old + strlen(old) + 1;
			guard_list_take(&lines, guard_xasprintf("%.*s\t%s\t<- %s", (int)(tab2 - rec), rec, new, old));
			i = (size_t)(new - text) + strlen(new) + 1;
		} else {
			guard_list_add(&lines, rec);
			i += strlen(rec) + 1;
		}
	}
	out = joined(&lines);
	guard_list_clear(&lines);
	free(text);
	free(path);
	return out;
}

/* guard's changes in the same form; *total_added receives the LOC. */
static char *
guard_numstat(long *total_added)
{
	struct guard_changes ch = { 0 };
	struct guard_list lines = { 0 };
	struct guard_git *g = NULL;
	char *out;

	CHECK(guard_git_open(repo, &g) == 0);
	CHECK(g && guard_git_changes(g, base, &ch, NULL, NULL) == 0);
	for (size_t i = 0; i < ch.len; i++) {
		const struct guard_change *c = &ch.items[i];
		char *line = c->added < 0 ? guard_xasprintf("-\t-\t%s", c->path)
					  : guard_xasprintf("%ld\t%ld\t%s", c->added, c->deleted, c->path);
		if (c->old_path) {
			char *r = guard_xasprintf("%s\t<- %s", line, c->old_path);
			free(line);
			line = r;
		}
		guard_list_take(&lines, line);
	}
	if (total_added)
		*total_added = ch.added;
	out = joined(&lines);
	guard_list_clear(&lines);
	guard_changes_release(&ch);
	guard_git_close(g);
	return out;
}

/* git's numstat holds every expected line. */
static void
git_has(const char *want, const char *const *expect)
{
	for (size_t i = 0; expect[i]; i++) {
		char *line = guard_xasprintf("%s\n", expect[i]);
		if (!strstr(want, line))
			printf("#   git has no line '%s'\n", expect[i]);
		CHECK(strstr(want, line));
		free(line);
	}
}

/* guard == git, and git's output holds every expected line. */
static void
same_as_git(const char *const *expect)
{
	char *want = git_numstat(), *got = guard_numstat(NULL);

	if (strcmp(want, got))
		printf("#   git:\n%s#   guard:\n%s", want, got);
	CHECK_STR(got, want);
	git_has(want, expect);
	free(want);
	free(got);
}

TEST(loc_edits_staged_and_unstaged)
{
	fixture("printf 'a\\nb\\nc\\nd\\n' >a.c && printf 'x\\ny\\n' >b.c && mkdir -p src && seq 1 20 >src/s.c");
	CHECK(sh("printf 'a\\nB\\nc\\nd\\ne\\n' >a.c && printf 'x\\n' >b.c && git add b.c && "
		 "sed -i '5d;10s/.*/ten/' src/s.c") == 0);
	static const char *const want[] = { "2\t1\ta.c", "0\t1\tb.c", "1\t2\tsrc/s.c", NULL };
	same_as_git(want);
}

TEST(loc_renames_tracked_and_untracked)
{
	fixture("seq 1 40 >long.txt && seq 100 140 >moved.txt && printf 'keep\\n' >k.c");
	/* git mv plus an edit; a plain mv (a deletion and an untracked file). */
	CHECK(sh("git mv long.txt longer.txt && echo 41 >>longer.txt && mkdir d && mv moved.txt d/moved.txt") == 0);
	static const char *const want[] = { "1\t0\tlonger.txt\t<- long.txt", "0\t0\td/moved.txt\t<- moved.txt", NULL };
	same_as_git(want);
}

TEST(loc_binary_files)
{
	fixture("printf 'x\\0y' >blob.bin && printf 'text\\n' >t.c");
	CHECK(sh("printf 'x\\0z\\0w' >blob.bin && printf 'new\\0bin' >new.dat && printf 'text\\nmore\\n' >t.c") == 0);
	static const char *const want[] = { "-\t-\tblob.bin", "-\t-\tnew.dat", "1\t0\tt.c", NULL };
	same_as_git(want);
}

TEST(loc_deleted_and_untracked)
{
	fixture("printf 'g1\\ng2\\ng3\\n' >gone.txt && : >empty && mkdir -p src && printf 's\\n' >src/s.c");
	CHECK(sh("rm gone.txt empty && printf 'n1\\nn2\\n' >new.c && mkdir -p src/deep/er && "
		 "printf 'd\\n' >src/deep/er/d.c && git rm -q --cached src/s.c") == 0);
	/* src/s.c removed from the index but still in the tree: unchanged, as git add -A sees it. */
	static const char *const want[] = { "0\t3\tgone.txt", "0\t0\tempty", "2\t0\tnew.c", "1\t0\tsrc/deep/er/d.c",
					    NULL };
	same_as_git(want);
	char *got = guard_numstat(NULL);
	CHECK(!strstr(got, "src/s.c"));
	free(got);
}

TEST(loc_crlf_without_attributes)
{
	fixture("printf 'a\\r\\nb\\r\\n' >crlf.txt && printf 'u\\n' >unix.txt");
	CHECK(sh("printf 'a\\r\\nB\\r\\nc\\n' >crlf.txt && printf 'u\\r\\n' >unix.txt") == 0);
	static const char *const want[] = { "2\t1\tcrlf.txt", "1\t1\tunix.txt", NULL };
	same_as_git(want);
}

TEST(loc_crlf_with_text_attribute)
{
	/* Normalised by the attribute: a line-ending-only change is no change. */
	fixture("printf '*.txt text eol=lf\\n' >.gitattributes && printf 'a\\nb\\n' >n.txt && printf 'c\\n' >o.txt");
	CHECK(sh("printf 'a\\r\\nb\\r\\n' >n.txt && printf 'c\\r\\nd\\r\\n' >o.txt") == 0);
	static const char *const want[] = { "1\t0\to.txt", NULL };
	same_as_git(want);
	char *got = guard_numstat(NULL);
	CHECK(!strstr(got, "n.txt"));
	free(got);
}

TEST(loc_crlf_with_autocrlf)
{
	fixture("printf 'a\\nb\\n' >n.txt");
	CHECK(sh("git config core.autocrlf true && printf 'a\\r\\nb\\r\\nc\\r\\n' >n.txt") == 0);
	static const char *const want[] = { "1\t0\tn.txt", NULL };
	same_as_git(want);
}

/*
 * F10: a file binary only by its attributes (no NUL byte) is counted as
 * text: git's numstat holds each of hidden ("-\t-\tPATH"), guard's is got_want.
 */
static void
counted_where_git_hides(const char *const *hidden, const char *got_want)
{
	char *want = git_numstat(), *got = guard_numstat(NULL);

	git_has(want, hidden);
	CHECK_STR(got, got_want);
	free(want);
	free(got);
}

TEST(loc_attributes_untracked_and_info)
{
	/* An untracked .gitattributes and info/attributes apply as git applies them. */
	fixture("printf 'a\\n' >a.txt && printf 'b\\n' >b.txt && mkdir sub && printf 'c\\n' >sub/c.txt");
	CHECK(sh("printf 'a\\nA\\n' >a.txt && printf 'b\\nB\\n' >b.txt && printf 'c\\nC\\n' >sub/c.txt && "
		 "printf 'c.txt -diff\\n' >sub/.gitattributes && mkdir -p .git/info && "
		 "printf 'a.txt binary\\n' >.git/info/attributes") == 0);
	static const char *const hidden[] = { "-\t-\ta.txt", "1\t0\tb.txt", "-\t-\tsub/c.txt", "1\t0\tsub/.gitattributes",
					      NULL };
	counted_where_git_hides(hidden, "1\t0\ta.txt\n1\t0\tb.txt\n1\t0\tsub/.gitattributes\n1\t0\tsub/c.txt\n");
}

TEST(loc_global_and_configured_attributes)
{
	/* The user's attributes file applies; core.attributesFile replaces it. */
	char *global = guard_xasprintf("%s/home/.config/git/attributes", tmpdir);
	fixture("printf 'g\\n' >g.txt && printf 'h\\n' >h.txt && printf 'i\\n' >i.txt");
	CHECK(sh("mkdir -p \"$HOME/.config/git\" && printf 'g.txt -diff\\n' >\"$HOME/.config/git/attributes\" && "
		 "printf 'g\\nG\\n' >g.txt && printf 'h\\nH\\n' >h.txt && printf 'i\\nI\\n' >i.txt") == 0);
	static const char *const global_only[] = { "-\t-\tg.txt", "1\t0\th.txt", "1\t0\ti.txt", NULL };
	counted_where_git_hides(global_only, "1\t0\tg.txt\n1\t0\th.txt\n1\t0\ti.txt\n");
	CHECK(sh("printf 'h.txt -diff\\n' >.git/more-attributes && "
		 "git config core.attributesFile \"$PWD/.git/more-attributes\"") == 0);
	static const char *const configured[] = { "1\t0\tg.txt", "-\t-\th.txt", "1\t0\ti.txt", NULL };
	counted_where_git_hides(configured, "1\t0\tg.txt\n1\t0\th.txt\n1\t0\ti.txt\n");
	CHECK(unlink(global) == 0);
	free(global);
}

TEST(loc_index_and_worktree_disagree)
{
	/* What counts is the working tree as git add -A would stage it, not the index. */
	fixture("printf 'a\\nb\\n' >a.txt && printf 'c\\n' >c.txt && printf 'r\\n' >r.txt");
	CHECK(sh("printf 'n\\n' >new.txt && git add new.txt && rm new.txt && "   /* staged, then removed */
		 "printf 'a\\nX\\n' >a.txt && git add a.txt && printf 'a\\nb\\n' >a.txt && " /* staged, reverted */
		 "git rm -q c.txt && printf 'c\\nd\\n' >c.txt && "                       /* removed, re-created */
		 "printf 'rr\\n' >r.txt && git add r.txt && printf 'rrr\\nq\\n' >r.txt") == 0);
	static const char *const want[] = { "1\t0\tc.txt", "2\t1\tr.txt", NULL };
	same_as_git(want);
	char *got = guard_numstat(NULL);
	CHECK_STR(got, "1\t0\tc.txt\n2\t1\tr.txt\n");
	free(got);
}

TEST(loc_mode_symlink_and_typechange)
{
	fixture("printf '#!/bin/sh\\n' >run.sh && printf 't\\n' >t.txt && printf 'l\\n' >was-file");
	CHECK(sh("chmod +x run.sh && ln -s t.txt link && rm was-file && ln -s t.txt was-file") == 0);
	static const char *const want[] = { "0\t0\trun.sh", "1\t0\tlink", NULL };
	same_as_git(want);
}

TEST(loc_own_state_excluded)
{
	fixture("mkdir -p .ai/sessions && printf 'p\\n' >PENDING_PLANS.md && printf 's\\n' >.ai/sessions/s.json && "
		"printf 'c\\n' >c.c");
	CHECK(sh("printf 'p\\nq\\n' >PENDING_PLANS.md && printf 's\\nt\\n' >.ai/sessions/s.json && "
		 "mkdir -p .ai/plans && printf 'plan\\n' >.ai/plans/p.md && printf 'c\\nd\\n' >c.c") == 0);
	long added = -1;
	char *got = guard_numstat(&added);
	CHECK_STR(got, "1\t0\tc.c\n");
	CHECK(added == 1);
	free(got);
	static const char *const want[] = { "1\t0\tc.c", NULL };
	same_as_git(want);
}

struct seen { struct guard_buf b; };

static void
on_line(void *ctx, const char *path, long lineno, const char *text, size_t len)
{
	struct seen *s = ctx;
	guard_buf_addf(&s->b, "%s:%ld:%.*s", path, lineno, (int)len, text);
}

TEST(changes_feed_every_added_line)
{
	struct guard_changes ch = { 0 };
	struct guard_git *g = NULL;
	struct seen s = { GUARD_BUF_INIT };

	fixture("printf 'a\\nb\\n' >a.c && printf 'k\\n' >.gitattributes-not && printf 'x\\0' >bin");
	CHECK(sh("printf 'a\\nNEW\\nb\\n' >a.c && printf 'u1\\nu2\\n' >u.c && printf 'y\\0z' >bin && "
		 "mkdir -p .ai/sessions && printf 'secret\\n' >.ai/sessions/x") == 0);
	CHECK(guard_git_open(repo, &g) == 0);
	CHECK(guard_git_changes(g, base, &ch, on_line, &s) == 0);
	CHECK_STR(s.b.buf, "a.c:2:NEW\nu.c:1:u1\nu.c:2:u2\n");
	CHECK(ch.added == 3 && ch.deleted == 0 && ch.len == 3);
	guard_buf_release(&s.b);
	guard_changes_release(&ch);
	guard_git_close(g);
}

TEST(git_errors)
{
	struct guard_changes ch = { 0 };
	struct guard_git *g = NULL;
	char *plain = guard_xasprintf("%s/not-a-repo", tmpdir);

	CHECK(mkdir(plain, 0755) == 0);
	CHECK(guard_git_open(plain, &g) == GUARD_ENOTFOUND && !g);
	free(plain);
	fixture("printf 'a\\n' >a");
	CHECK(guard_git_open(repo, &g) == 0);
	CHECK(guard_git_changes(g, "not-an-oid", &ch, NULL, NULL) == GUARD_EIO);
	CHECK(guard_git_changes(g, "0123456789012345678901234567890123456789", &ch, NULL, NULL) == GUARD_EIO);
	CHECK(strstr(guard_error_last(), "base commit"));
	CHECK(ch.len == 0);
	guard_git_close(g);
	/* A bare repository has no working tree to measure. */
	CHECK(sh("git clone -q --bare . ../bare%d", nrepo) == 0);
	char *bare = guard_xasprintf("%s/bare%d", tmpdir, nrepo);
	CHECK(guard_git_open(bare, &g) == GUARD_EUSAGE && !g);
	free(bare);
}

TEST(git_clean_branch_and_start)
{
	struct guard_git *g = NULL;
	char *name = NULL, *made = NULL, oid[41];

	fixture("printf 'a\\n' >a");
	CHECK(guard_git_open(repo, &g) == 0);
	CHECK(guard_git_check_clean(g) == 0);
	/* guard's own state never makes the tree dirty. */
	CHECK(sh("mkdir -p .ai/sessions && echo x >.ai/sessions/s.json && echo p >PENDING_PLANS.md") == 0);
	CHECK(guard_git_check_clean(g) == 0);
	CHECK(sh("echo u >untracked") == 0);
	CHECK(guard_git_check_clean(g) == GUARD_EDENY && strstr(guard_error_last(), "'untracked' is untracked"));
	CHECK(sh("rm untracked && echo b >>a") == 0);
	CHECK(guard_git_check_clean(g) == GUARD_EDENY && strstr(guard_error_last(), "'a' has changes"));
	CHECK(sh("git checkout -q a") == 0);

	CHECK(guard_git_current_branch(g, &name) == 0);
	CHECK_STR(name, "main");
	free(name);
	CHECK(guard_git_start_branch(g, "main", "ai/nightbuilder/2026-11-21/t", &made, oid) == 0);
	CHECK_STR(made, "ai/nightbuilder/2026-11-21/t");
	CHECK_STR(oid, base);
	free(made);
	CHECK(guard_git_current_branch(g, &name) == 0);
	CHECK_STR(name, "ai/nightbuilder/2026-11-21/t");
	free(name);
	/* Taken: -2. */
	CHECK(guard_git_start_branch(g, "main", "ai/nightbuilder/2026-11-21/t", &made, oid) == 0);
	CHECK_STR(made, "ai/nightbuilder/2026-11-21/t-2");
	free(made);
	CHECK(guard_git_start_branch(g, "nope", "x", &made, oid) == GUARD_ENOTFOUND && !made);
	CHECK(guard_git_start_branch(g, "main", "bad..name", &made, oid) == GUARD_EUSAGE && !made);
	CHECK(sh("git checkout -q --detach") == 0);
	CHECK(guard_git_current_branch(g, &name) == 0 && !name);
	guard_git_close(g);
}

/* The tree of rev in g's repository (caller frees). */
static git_tree *
tree_of(struct guard_git *g, const char *rev)
{
	git_object *o = NULL;
	git_tree *t = NULL;

	if (git_revparse_single(&o, guard_git_repository(g), rev) == 0)
		git_object_peel((git_object **)&t, o, GIT_OBJECT_TREE);
	git_object_free(o);
	return t;
}

/* guard_git_tree_paths's list for a and b, sorted and joined (caller frees). */
static char *
walked(struct guard_git *g, git_tree *a, git_tree *b, bool own, const char *const *within, size_t n, int *rc)
{
	struct guard_list in = GUARD_LIST_INIT, out = GUARD_LIST_INIT;

	for (size_t i = 0; i < n; i++)
		guard_list_add(&in, within[i]);
	*rc = guard_git_tree_paths(guard_git_repository(g), a, b, own, within ? &in : NULL, &out);
	char *text = out.len ? joined(&out) : guard_xstrdup(""); /* joined sorts: not an empty list */
	guard_list_clear(&in);
	guard_list_clear(&out);
	return text;
}

TEST(tree_paths_skip_equal_subtrees_only)
{
	struct guard_git *g = NULL;
	git_tree *a, *b;
	char *got;
	int rc;

	fixture("mkdir -p src/a src/b .ai/state lib/.ai && echo 1 >src/a.c && echo 1 >src/ab.c && echo 1 >src/a/x.c && "
		"echo 1 >src/b/y.c && echo 1 >.ai/state/s && echo 1 >PENDING_PLANS.md && echo 1 >top.c && "
		"echo 1 >lib/.ai/k.c && echo 1 >file && mkdir dir && echo 1 >dir/in.c");
	CHECK(sh("echo 2 >>src/a.c && echo 2 >>src/ab.c && echo 2 >>src/a/x.c && echo 2 >>.ai/state/s && "
		 "echo 2 >>PENDING_PLANS.md && echo 2 >>lib/.ai/k.c && chmod +x top.c && "
		 "rm file && mkdir file && echo 3 >file/now.c && rm -r dir && echo 3 >dir && "
		 "git add -A && git commit -qm change") == 0);
	CHECK(guard_git_open(repo, &g) == 0);
	a = tree_of(g, "HEAD~1");
	b = tree_of(g, "HEAD");
	CHECK(a && b);
	/* every file that differs, a mode change and both sides of a file turned into a folder and back */
	got = walked(g, a, b, false, NULL, 0, &rc);
	CHECK(rc == 0);
	CHECK_STR(got, ".ai/state/s\nPENDING_PLANS.md\ndir\ndir/in.c\nfile\nfile/now.c\nlib/.ai/k.c\nsrc/a.c\n"
		       "src/a/x.c\nsrc/ab.c\ntop.c\n");
	free(got);
	/*
	 * the plans and policy the budget leaves out (PENDING_PLANS.md) left out; guard's runtime
	 * folders are walked (attack7 H24: the caller refuses them and counts their lines)
	 */
	got = walked(g, a, b, true, NULL, 0, &rc);
	CHECK_STR(got, ".ai/state/s\ndir\ndir/in.c\nfile\nfile/now.c\nlib/.ai/k.c\nsrc/a.c\nsrc/a/x.c\nsrc/ab.c\ntop.c\n");
	free(got);
	/* within: exact files only, a folder entered only when a listed file is under it */
	got = walked(g, a, b, false, (const char *const[]){ "src/a.c" }, 1, &rc);
	CHECK_STR(got, "src/a.c\n");
	free(got);
	got = walked(g, a, b, false, (const char *const[]){ "src/a/x.c", "src/b/y.c" }, 2, &rc);
	CHECK_STR(got, "src/a/x.c\n");
	free(got);
	got = walked(g, a, b, false, (const char *const[]){ "src/a" }, 1, &rc);
	CHECK_STR(got, "");
	free(got);
	/* the empty tree on one side: every file; equal trees: nothing */
	got = walked(g, NULL, a, true, NULL, 0, &rc);
	CHECK_STR(got, ".ai/state/s\ndir/in.c\nfile\nlib/.ai/k.c\nsrc/a.c\nsrc/a/x.c\nsrc/ab.c\nsrc/b/y.c\ntop.c\n");
	free(got);
	got = walked(g, b, b, false, NULL, 0, &rc);
	CHECK(rc == 0);
	CHECK_STR(got, "");
	free(got);
	/* the diff over those paths has the whole diff's deltas */
	git_diff *whole = NULL, *fast = NULL;
	CHECK(git_diff_tree_to_tree(&whole, guard_git_repository(g), a, b, NULL) == 0);
	CHECK(guard_git_tree_diff(guard_git_repository(g), a, b, false, &fast) == 0);
	CHECK(whole && fast && git_diff_num_deltas(whole) == git_diff_num_deltas(fast));
	for (size_t i = 0; whole && fast && i < git_diff_num_deltas(whole) && i < git_diff_num_deltas(fast); i++) {
		const git_diff_delta *w = git_diff_get_delta(whole, i), *f = git_diff_get_delta(fast, i);
		CHECK_STR(w->new_file.path, f->new_file.path);
		CHECK(w->status == f->status);
	}
	git_diff_free(whole);
	git_diff_free(fast);
	CHECK(guard_git_tree_diff(guard_git_repository(g), b, b, false, &fast) == 0 && git_diff_num_deltas(fast) == 0);
	git_diff_free(fast);
	git_tree_free(a);
	git_tree_free(b);
	guard_git_close(g);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/guard-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	/* No user or system git settings in play, for git and libgit2 alike. */
	char *home = guard_xasprintf("%s/home", tmpdir);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	free(home);
	RUN(loc_edits_staged_and_unstaged);
	RUN(loc_renames_tracked_and_untracked);
	RUN(loc_binary_files);
	RUN(loc_deleted_and_untracked);
	RUN(loc_crlf_without_attributes);
	RUN(loc_crlf_with_text_attribute);
	RUN(loc_crlf_with_autocrlf);
	RUN(loc_attributes_untracked_and_info);
	RUN(loc_global_and_configured_attributes);
	RUN(loc_index_and_worktree_disagree);
	RUN(loc_mode_symlink_and_typechange);
	RUN(loc_own_state_excluded);
	RUN(changes_feed_every_added_line);
	RUN(git_errors);
	RUN(git_clean_branch_and_start);
	RUN(tree_paths_skip_equal_subtrees_only);
	char *cmd = guard_xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	free(cmd);
	return unit_done();
}
