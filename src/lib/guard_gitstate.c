/*
 * guard's own files brought back by git (issue 11). The command hook
 * reads a command line, not the commits it names: `git cherry-pick X`,
 * `git merge --ff-only X`, `git reset --hard X`, `git rebase`, `git am`
 * of a commit made by hand over an older tree put that tree's
 * .ai/policy.yaml in the worktree without naming it. git's own hooks see
 * the commits: while an agent acts, a move of this worktree's HEAD (or
 * of the branch it names) to a commit whose guard files differ is
 * refused, and a branch switch to one is undone. git writes the files
 * before the ref moves, so what the refused command wrote is put back.
 */
#include <git2.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* libgit2's *_INIT macros fill only the version field. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_glob.h"
#include "guard_gitrules.h"

/* A path in a tree that the protected_paths globs name (read like .gitignore: the last match decides). */
static bool
protected(const struct guard_git_state *s, const char *path)
{
	/*
	 * guard's logs and session reports are what guard writes, not what it
	 * reads to decide: they grow under git's feet (a hook's own refusal is
	 * logged there), and a rewound log is for guard-audit verify to find.
	 */
	if (!strncmp(path, ".ai/audit/", 10) || !strncmp(path, ".ai/sessions/", 13))
		return false;
	for (size_t i = s->nglobs; i-- > 0;) {
		const char *g = s->globs[i], *pat = g[0] == '!' ? g + 1 : g;
		if (!strncmp(pat, "~/", 2) || pat[0] == '/')
			continue; /* outside the project: never in a tree */
		if (guard_glob_match_path(pat, path, NULL))
			return g[0] != '!';
	}
	return false;
}

/*
 * When the git that runs this hook started (CLOCK_REALTIME), from its
 * start in clock ticks since boot: git writes the worktree before it
 * moves the ref, so a file changed since then is one this command wrote.
 * false when it cannot be told.
 */
static bool
git_started(struct timespec *out)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks = 0;
	struct timespec boot, now;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getppid());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || hz <= 0)
		return false;
	buf[n] = 0;
	if (!(p = strrchr(buf, ')')))
		return false;
	/* fields 3.. after the command's name: the 22nd field is the start time */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0 ||
	    clock_gettime(CLOCK_REALTIME, &now) < 0)
		return false;
	double ago = (double)boot.tv_sec + boot.tv_nsec / 1e9 - (double)ticks / (double)hz;
	double at = (double)now.tv_sec + now.tv_nsec / 1e9 - ago; /* ticks round down: never after git started */
	out->tv_sec = (time_t)at;
	out->tv_nsec = (long)((at - (double)out->tv_sec) * 1e9);
	return true;
}

static bool
since(const struct stat *st, const struct timespec *t)
{
	return st->st_ctim.tv_sec > t->tv_sec || (st->st_ctim.tv_sec == t->tv_sec && st->st_ctim.tv_nsec >= t->tv_nsec);
}

/* The entry at path in tree (NULL tree or no entry: *id zero, *mode 0). */
static void
entry(git_tree *tree, const char *path, git_oid *id, git_filemode_t *mode)
{
	git_tree_entry *e = NULL;

	memset(id, 0, sizeof(*id));
	*mode = 0;
	if (tree && git_tree_entry_bypath(&e, tree, path) == 0) {
		if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
			git_oid_cpy(id, git_tree_entry_id(e));
			*mode = git_tree_entry_filemode(e);
		}
		git_tree_entry_free(e);
	}
}

/*
 * Put path back as it is in the tree it was taken from (old), when the
 * worktree holds what the refused commit brings (new) and this command
 * wrote it: a file the person changed before is never touched. Returns
 * what was done, for the message.
 */
static const char *
put_back(git_repository *repo, const char *root, const char *path, const git_oid *old_id, git_filemode_t old_mode,
	 const git_oid *new_id, const struct timespec *started)
{
	char *abs = guard_xasprintf("%s/%s", root, path);
	const char *done = "left as it is";
	struct stat st;
	git_oid now;

	if (lstat(abs, &st) < 0) {
		if (errno != ENOENT || !old_mode || !git_oid_is_zero(new_id))
			goto out;
		/* the command removed it: written back below */
	} else if (!S_ISREG(st.st_mode) || git_oid_is_zero(new_id) || !started || !since(&st, started) ||
		   git_repository_hashfile(&now, repo, abs, GIT_OBJECT_BLOB, path) < 0 || !git_oid_equal(&now, new_id)) {
		goto out; /* not what this command wrote */
	}
	if (!old_mode) {
		done = unlink(abs) == 0 ? "removed again" : "could not be removed";
	} else {
		git_blob *blob = NULL;
		char *dir = guard_xstrdup(abs), *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		done = "could not be put back";
		if (git_blob_lookup(&blob, repo, old_id) == 0 && guard_mkdirs(dir, 0755) == 0 &&
		    guard_file_write_atomic(abs, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
					    old_mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644) == 0)
			done = "put back";
		git_blob_free(blob);
		free(dir);
	}
out:
	free(abs);
	return done;
}

/*
 * Whether the worktree held path as the new commit has it before this git
 * started: a commit of what is there (a person's edit, an audit log that
 * grew), which brings nothing into the worktree. A file gone counts as
 * held when its folder has not changed since (git removing it would).
 */
static bool
held(git_repository *repo, const char *root, const char *path, const git_oid *new_id, const struct timespec *started)
{
	char *abs = guard_xasprintf("%s/%s", root, path);
	struct stat st;
	git_oid now;
	bool rc = false;

	if (!started) {
		/* not known: counted */
	} else if (git_oid_is_zero(new_id)) {
		if (lstat(abs, &st) < 0 && errno == ENOENT) {
			*strrchr(abs, '/') = 0;
			rc = lstat(abs, &st) == 0 && S_ISDIR(st.st_mode) && !since(&st, started);
		}
	} else {
		rc = lstat(abs, &st) == 0 && S_ISREG(st.st_mode) && !since(&st, started) &&
		     git_repository_hashfile(&now, repo, abs, GIT_OBJECT_BLOB, path) == 0 && git_oid_equal(&now, new_id);
	}
	free(abs);
	return rc;
}

static int
tree_of(git_repository *repo, const char *hex, git_tree **out)
{
	git_oid id;
	git_commit *c = NULL;
	int rc;

	*out = NULL;
	if (git_oid_fromstr(&id, hex) < 0 || git_oid_is_zero(&id))
		return 0;
	rc = git_commit_lookup(&c, repo, &id) == 0 && git_commit_tree(out, c) == 0 ? 0 : -1;
	git_commit_free(c);
	if (rc < 0)
		return guard_error(GUARD_EIO, "cannot read commit %s: %s", hex,
				   git_error_last() ? git_error_last()->message : "?");
	return 0;
}

/*
 * The guard files that differ between commits old_hex and new_hex, that
 * the worktree did not hold as new_hex has them before this git started
 * and, when base_ok, that the base's tip does not hold so, put back where
 * this command wrote them when restore; the text for a message ("" when
 * none differ; caller frees).
 */
static int
differ(const struct guard_git_state *s, const char *old_hex, const char *new_hex, bool restore, bool base_ok,
       char **out)
{
	git_repository *repo = guard_git_repository(s->git);
	git_tree *a = NULL, *b = NULL, *base = NULL;
	struct guard_list paths = GUARD_LIST_INIT;
	struct guard_buf text = GUARD_BUF_INIT;
	struct timespec started;
	bool known = git_started(&started);
	int rc;

	*out = NULL;
	if ((rc = tree_of(repo, old_hex, &a)) < 0 || (rc = tree_of(repo, new_hex, &b)) < 0 || !a || !b)
		goto out; /* a branch made or deleted: nothing of the worktree's is replaced */
	if (s->base && base_ok) {
		git_object *o = NULL;
		char *spec = guard_xasprintf("refs/heads/%s^{tree}", s->base);
		if (git_revparse_single(&o, repo, spec) == 0)
			base = (git_tree *)o;
		free(spec);
	}
	if ((rc = guard_git_tree_paths(repo, a, b, false, NULL, &paths)) < 0)
		goto out;
	if (rc == 1) { /* deeper than guard walks: say so, refuse */
		guard_buf_addstr(&text, "(trees too deep to compare)");
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < paths.len; i++) {
		const char *path = paths.items[i];
		git_oid old_id, new_id, base_id;
		git_filemode_t old_mode, new_mode, base_mode;

		if (!protected(s, path))
			continue;
		entry(a, path, &old_id, &old_mode);
		entry(b, path, &new_id, &new_mode);
		entry(base, path, &base_id, &base_mode);
		/* the base's own version (a person's, on a protected branch) comes in as any of its changes */
		if (base && new_mode == base_mode && git_oid_equal(&new_id, &base_id))
			continue;
		if (held(repo, s->root, path, &new_id, known ? &started : NULL))
			continue;
		guard_buf_addf(&text, "%s%s", text.len ? ", " : "", path);
		if (restore)
			guard_buf_addf(&text, " (%s)", known || git_oid_is_zero(&new_id)
							       ? put_back(repo, s->root, path, &old_id, old_mode, &new_id,
									  known ? &started : NULL)
							       : "left as it is: when this git started is not known");
	}
	rc = 0;
out:
	*out = guard_buf_detach(&text);
	guard_list_clear(&paths);
	git_tree_free(a);
	git_tree_free(b);
	git_tree_free(base);
	return rc;
}

/*
 * git stash saves the worktree as a commit (its tree) over HEAD (its first
 * parent), stores it, then puts HEAD's files back: guard files that differ
 * between the two are a change of the worktree's taken away (the person's
 * uncommitted policy). Refused before git writes anything.
 */
static int
stash_check(const struct guard_git_state *s, const char *new_hex, cJSON *violations)
{
	git_repository *repo = guard_git_repository(s->git);
	git_commit *c = NULL;
	git_oid id;
	char parent[41], *what = NULL;
	int rc = 0;

	if (git_oid_fromstr(&id, new_hex) < 0 || git_oid_is_zero(&id) || git_commit_lookup(&c, repo, &id) < 0 ||
	    git_commit_parentcount(c) < 1) {
		git_commit_free(c);
		return 0; /* a stash dropped, or not a stash's shape: nothing comes back into the worktree */
	}
	git_oid_tostr(parent, sizeof(parent), git_commit_parent_id(c, 0));
	git_commit_free(c);
	if ((rc = differ(s, new_hex, parent, false, false, &what)) == 0 && *what)
		guard_git_ref_violation(violations, "state.git", "refs/stash",
		    guard_xasprintf("git stash would take the worktree's own version of guard files out of it and put "
				    "HEAD's back: %s. While an agent acts (%s), a person stashes changes to guard's files",
				    what, s->who));
	free(what);
	return rc;
}

int
guard_git_state_check(const struct guard_git_state *s, const char *input, size_t len, cJSON *violations)
{
	git_repository *repo = guard_git_repository(s->git);
	git_reference *head = NULL;
	struct guard_list seen = GUARD_LIST_INIT;
	const char *branch = NULL;
	git_oid id;
	int rc = 0;

	if (guard_git_is_bare(s->git))
		return 0;
	if (git_reference_lookup(&head, repo, "HEAD") == 0 && git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		branch = git_reference_symbolic_target(head);
	for (const char *p = input, *end = input + len; p < end && rc == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		char old_hex[41], new_hex[41], ref[1024], *line = guard_xstrndup(p, (size_t)(eol - p)), *what = NULL;

		p = eol + 1;
		if (sscanf(line, "%40s %40s %1023s", old_hex, new_hex, ref) == 3 && !strcmp(ref, "refs/stash")) {
			free(line);
			rc = stash_check(s, new_hex, violations);
			continue;
		}
		if (sscanf(line, "%40s %40s %1023s", old_hex, new_hex, ref) != 3 || !strcmp(old_hex, new_hex) ||
		    (strcmp(ref, "HEAD") && (!branch || strcmp(ref, branch)))) {
			free(line);
			continue; /* another ref, or written again (malformed lines: the other checks name them) */
		}
		free(line);
		/* git update-ref without an old value tells none: the ref still holds it while prepared */
		if (strspn(old_hex, "0") == 40 && git_reference_name_to_id(&id, repo, ref) == 0)
			git_oid_tostr(old_hex, sizeof(old_hex), &id);
		if (guard_list_has(&seen, old_hex) && guard_list_has(&seen, new_hex))
			continue; /* HEAD and its branch: one move */
		guard_list_add(&seen, old_hex);
		guard_list_add(&seen, new_hex);
		if ((rc = differ(s, old_hex, new_hex, true, true, &what)) == 0 && *what)
			guard_git_ref_violation(violations, "state.git", ref,
			    guard_xasprintf("'%s' would move from %.12s to %.12s, whose guard files differ: %s. While "
					    "an agent acts (%s), git brings none of guard's files into the worktree "
					    "(cherry-pick, merge, reset, rebase, am of another version); a person "
					    "makes that change, or commits the one the worktree holds",
					    ref, old_hex, new_hex, what, s->who));
		free(what);
	}
	git_reference_free(head);
	guard_list_clear(&seen);
	return rc;
}

/* Undo a branch switch: the previous branch (or commit) checked out again, safely. */
static const char *
switch_back(git_repository *repo, const char *prev_hex)
{
	git_object *prev = NULL, *target = NULL;
	git_reference *ref = NULL;
	git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
	git_oid id;
	const char *done = "could not be switched back";

	opts.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_oid_fromstr(&id, prev_hex) < 0 || git_object_lookup(&prev, repo, &id, GIT_OBJECT_COMMIT) < 0)
		return done;
	if (git_checkout_tree(repo, prev, &opts) == 0) {
		/* the branch left, when it still points there (git checkout @{-1}) */
		if (git_revparse_ext(&target, &ref, repo, "@{-1}") == 0 && ref &&
		    git_reference_is_branch(ref) && git_oid_equal(git_object_id(target), &id))
			done = git_repository_set_head(repo, git_reference_name(ref)) == 0 ? "switched back" : done;
		else
			done = git_repository_set_head_detached(repo, &id) == 0 ? "switched back (detached)" : done;
	}
	git_reference_free(ref);
	git_object_free(target);
	git_object_free(prev);
	return done;
}

int
guard_git_state_switch(const struct guard_git_state *s, const char *prev_hex, const char *new_hex, cJSON *violations)
{
	char *what = NULL;
	int rc;

	if (guard_git_is_bare(s->git) || !strcmp(prev_hex, new_hex))
		return 0;
	if ((rc = differ(s, prev_hex, new_hex, false, true, &what)) == 0 && *what)
		guard_git_ref_violation(violations, "state.git", "HEAD",
		    guard_xasprintf("the checkout of %.12s brings guard files other than %.12s's: %s. While an agent "
				    "acts (%s), git brings none of guard's files into the worktree: %s; a person "
				    "switches to it", new_hex, prev_hex, what, s->who,
				    switch_back(guard_git_repository(s->git), prev_hex)));
	free(what);
	return rc;
}
