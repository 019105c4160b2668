#include <git2.h>
#include <git2/sys/repository.h>

/* libgit2's *_INIT macros fill only the version field. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_git.h"
#include "guard_textlines.h"

/* git's own default (diff.renameLimit): bounds the quadratic rename search. */
#define RENAME_LIMIT 1000

struct guard_git {
	git_repository *repo;
	char *root;
	int bare;
	int index_plain; /* index_bytes_without_attributes's answer + 2 once known (0: not yet) */
};

static int
git_fail(int code, const char *what)
{
	const git_error *e = git_error_last();
	return guard_error(code, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

int
guard_git_open(const char *dir, struct guard_git **out)
{
	struct guard_git *g;
	git_repository *repo = NULL;
	int err;

	*out = NULL;
	git_libgit2_init();
	if ((err = git_repository_open_ext(&repo, dir, 0, NULL)) < 0) {
		git_libgit2_shutdown();
		if (err == GIT_ENOTFOUND)
			return guard_error(GUARD_ENOTFOUND, "'%s' is not in a git repository (run it inside one)", dir);
		return git_fail(GUARD_EIO, "cannot open the repository");
	}
	if (git_repository_is_bare(repo)) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return guard_error(GUARD_EUSAGE, "'%s' is a bare repository (a session needs a working tree)", dir);
	}
	g = guard_xcalloc(1, sizeof(*g));
	g->repo = repo;
	g->root = guard_xstrdup(git_repository_workdir(repo));
	if (strlen(g->root) > 1 && g->root[strlen(g->root) - 1] == '/')
		g->root[strlen(g->root) - 1] = '\0';
	*out = g;
	return 0;
}

int
guard_git_open_env(const char *dir, struct guard_git **out)
{
	struct guard_git *g;
	git_repository *repo = NULL;
	const char *path;
	int err;

	*out = NULL;
	git_libgit2_init();
	/*
	 * Objects are read as git reads them, without hashing each again
	 * (libgit2's strict verification costs a fifth of check's time on a
	 * big tree); git fsck is what verifies them.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/*
	 * Trees stay in libgit2's object cache whatever their size (its
	 * default keeps only those under 4 KiB): a diff reads again the trees
	 * guard_git_tree_paths walked, and a folder of 100 files is larger.
	 */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
	if ((err = git_repository_open_ext(&repo, getenv("GIT_DIR") ? NULL : dir, GIT_REPOSITORY_OPEN_FROM_ENV,
					   NULL)) < 0) {
		git_libgit2_shutdown();
		if (err == GIT_ENOTFOUND)
			return guard_error(GUARD_ENOTFOUND, "'%s' is not in a git repository (run it inside one)", dir);
		return git_fail(GUARD_EIO, "cannot open the repository");
	}
	g = guard_xcalloc(1, sizeof(*g));
	g->repo = repo;
	g->bare = git_repository_is_bare(repo);
	path = g->bare ? git_repository_path(repo) : git_repository_workdir(repo);
	g->root = guard_xstrdup(path);
	if (strlen(g->root) > 1 && g->root[strlen(g->root) - 1] == '/')
		g->root[strlen(g->root) - 1] = '\0';
	*out = g;
	return 0;
}

struct git_repository *
guard_git_repository(struct guard_git *g)
{
	return g->repo;
}

int
guard_git_is_bare(const struct guard_git *g)
{
	return g->bare;
}

void
guard_git_close(struct guard_git *g)
{
	if (!g)
		return;
	git_repository_free(g->repo);
	free(g->root);
	free(g);
	git_libgit2_shutdown();
}

const char *
guard_git_root(const struct guard_git *g)
{
	return g->root;
}

int
guard_git_check_clean(struct guard_git *g)
{
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	git_status_list *list = NULL;
	int rc = 0;

	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	/* each untracked file: guard's own (.ai/policy.yaml) apart from code beside it */
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, g->repo, &opts) < 0)
		return git_fail(GUARD_EIO, "cannot read the status");
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
		const char *path = d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : NULL;
		if (!path || e->status == GIT_STATUS_CURRENT || guard_session_own_path(path))
			continue;
		rc = guard_error(GUARD_EDENY, "the working tree is not clean ('%s' %s); commit or stash first", path,
				 e->status & GIT_STATUS_WT_NEW ? "is untracked" : "has changes");
		break;
	}
	git_status_list_free(list);
	return rc;
}

int
guard_git_current_branch(struct guard_git *g, char **out)
{
	git_reference *head = NULL;
	int err;

	*out = NULL;
	err = git_repository_head(&head, g->repo);
	if (err == GIT_EUNBORNBRANCH || err == GIT_ENOTFOUND)
		return guard_error(GUARD_ENOTFOUND, "the repository has no commit yet");
	if (err < 0)
		return git_fail(GUARD_EIO, "cannot read HEAD");
	if (git_reference_is_branch(head))
		*out = guard_xstrdup(git_reference_shorthand(head));
	git_reference_free(head);
	return 0;
}

int
guard_git_head_branch(struct guard_git *g, char **out)
{
	git_reference *head = NULL;
	const char *target;

	*out = NULL;
	if (git_reference_lookup(&head, g->repo, "HEAD") < 0)
		return git_fail(GUARD_EIO, "cannot read HEAD");
	target = git_reference_symbolic_target(head);
	if (target && !strncmp(target, "refs/heads/", 11))
		*out = guard_xstrdup(target + 11);
	git_reference_free(head);
	return 0;
}

int
guard_git_start_branch(struct guard_git *g, const char *base, const char *name, char **out_name,
		       char out_oid[41])
{
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_reference *ref = NULL, *branch = NULL;
	git_commit *commit = NULL;
	char *try = NULL, *refname = NULL;
	int err, rc = 0;

	*out_name = NULL;
	g->index_plain = 0; /* the checkout writes the index */
	if (git_branch_lookup(&ref, g->repo, base, GIT_BRANCH_LOCAL) < 0)
		return guard_error(GUARD_ENOTFOUND, "no branch '%s' to start from (policy branch.base)", base);
	if (git_commit_lookup(&commit, g->repo, git_reference_target(ref)) < 0) {
		rc = git_fail(GUARD_EIO, "cannot read the base commit");
		goto out;
	}
	for (int n = 1; n < 100; n++) {
		free(try);
		try = n == 1 ? guard_xstrdup(name) : guard_xasprintf("%s-%d", name, n);
		err = git_branch_create(&branch, g->repo, try, commit, 0);
		if (err != GIT_EEXISTS)
			break;
	}
	if (err < 0) {
		rc = git_fail(err == GIT_EINVALIDSPEC ? GUARD_EUSAGE : GUARD_EIO, "cannot create the branch");
		goto out;
	}
	/* Safe checkout: the tree is clean, so nothing of the user's is lost. */
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	refname = guard_xasprintf("refs/heads/%s", try);
	if (git_checkout_tree(g->repo, (const git_object *)commit, &co) < 0 ||
	    git_repository_set_head(g->repo, refname) < 0) {
		rc = git_fail(GUARD_EIO, "cannot check out the branch");
		goto out;
	}
	git_oid_tostr(out_oid, 41, git_commit_id(commit));
	*out_name = try;
	try = NULL;
out:
	free(refname);
	free(try);
	git_reference_free(branch);
	git_reference_free(ref);
	git_commit_free(commit);
	return rc;
}

static int
patch_lines(git_patch *patch, const char *path, guard_git_line_fn line, void *ctx)
{
	for (size_t h = 0; h < git_patch_num_hunks(patch); h++) {
		int n = git_patch_num_lines_in_hunk(patch, h);
		for (int i = 0; i < n; i++) {
			const git_diff_line *l;
			if (git_patch_get_line_in_hunk(&l, patch, h, (size_t)i) < 0)
				return git_fail(GUARD_EIO, "cannot read the diff");
			if (l->origin == GIT_DIFF_LINE_ADDITION)
				line(ctx, path, (long)l->new_lineno, l->content, l->content_len);
		}
	}
	return 0;
}

static char
status_letter(git_delta_t s)
{
	switch (s) {
	case GIT_DELTA_ADDED: case GIT_DELTA_UNTRACKED: return 'A';
	case GIT_DELTA_DELETED: return 'D';
	case GIT_DELTA_RENAMED: return 'R';
	case GIT_DELTA_TYPECHANGE: return 'T';
	default: return 'M';
	}
}

/*
 * Whether no attribute and no conversion can apply to any file of the
 * diff, so a file's content needs no filter and the default diff driver:
 * no .gitattributes in the index, among the changes or beside any changed
 * path, no info/attributes, no global or system attributes file, and
 * core.autocrlf false. libgit2 answers the same question for every file
 * and side (four attribute lookups, each resolving the path through
 * realpath); asked once here, check costs about half as much.
 */
/* An index this big is read by libgit2 (it has a bound of its own). */
#define INDEX_SCAN_MAX ((size_t)256 << 20)

/*
 * Whether the index names no .gitattributes, from its bytes alone: 1 when
 * none is named, -1 when one is, 0 when the bytes cannot tell (ask
 * libgit2, which parses and checksums the whole index: for a tree-to-tree
 * diff that costs more than the diff). Versions 2 and 3 store each path in
 * full: the entries are walked by their lengths (a name of 0xFFF bytes or
 * more up to its NUL), each name looked at for a last component
 * .gitattributes, then the extensions by their sizes. Version 4
 * compresses paths, a split index ("link") keeps entries in another file
 * and a sparse one ("sdir") folds directories: those, and bytes that do
 * not walk to the checksum exactly, go to libgit2. (It used to look for
 * the three names anywhere in the bytes: 3.8 M instructions on a
 * 20,000-file index whose paths hold many a 'd', against ~0.5 M now.)
 */
static uint32_t
be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int
index_entries_plain(const unsigned char *b, size_t len)
{
	static const char attrs[] = ".gitattributes";
	const size_t an = sizeof(attrs) - 1;
	size_t off = 12, end;
	uint32_t version, n;
	int found = 0;

	if (len < 12 + 20 || memcmp(b, "DIRC", 4))
		return 0;
	version = be32(b + 4);
	n = be32(b + 8);
	end = len - 20; /* the checksum */
	if (version != 2 && version != 3)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		size_t head = 62, namelen;
		unsigned flags;
		const unsigned char *name, *nul;

		if (off + head > end)
			return 0;
		flags = (unsigned)b[off + 60] << 8 | b[off + 61];
		if (flags & 0x4000) { /* extended flags */
			if (version < 3)
				return 0;
			head += 2;
		}
		name = b + off + head;
		if (off + head >= end || !(nul = memchr(name, 0, end - off - head)))
			return 0;
		namelen = (size_t)(nul - name);
		if ((flags & 0xFFF) != 0xFFF && namelen != (flags & 0xFFF))
			return 0;
		if (namelen >= an && !memcmp(name + namelen - an, attrs, an) &&
		    (namelen == an || name[namelen - an - 1] == '/'))
			found = 1;
		off += (head + namelen + 8) & ~(size_t)7;
	}
	while (off + 8 <= end) { /* extensions: a signature and a size each */
		uint32_t size = be32(b + off + 4);
		if (!memcmp(b + off, "link", 4) || !memcmp(b + off, "sdir", 4) || size > end - off - 8)
			return 0;
		off += 8 + (size_t)size;
	}
	if (off != end)
		return 0;
	return found ? -1 : 1;
}

static int index_bytes_scan(struct guard_git *g);

/* Asked once a process: the check and the patch-ids both want it. */
static int
index_bytes_without_attributes(struct guard_git *g)
{
	if (!g->index_plain)
		g->index_plain = index_bytes_scan(g) + 2;
	return g->index_plain - 2;
}

/*
 * The index mapped, not read: a read copies all of it (1.6 MB for 20,000
 * files) into fresh heap pages, one page fault each, where a mapping of
 * the cached file faults in 16 pages at a time (issue 11's check).
 */
static int
index_bytes_scan(struct guard_git *g)
{
	const char *gitdir = git_repository_path(g->repo);
	char *path = guard_xasprintf("%s%sindex", gitdir, gitdir[strlen(gitdir) - 1] == '/' ? "" : "/");
	struct stat st;
	void *map;
	int fd, rc;

	if (git_repository_is_worktree(g->repo) || getenv("GIT_INDEX_FILE")) {
		free(path);
		return 0;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	free(path);
	if (fd < 0)
		return errno == ENOENT ? 1 : 0; /* no index: nothing in it */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (size_t)st.st_size > INDEX_SCAN_MAX) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 0;
	rc = index_entries_plain(map, (size_t)st.st_size);
	munmap(map, (size_t)st.st_size);
	return rc;
}

static bool
attribute_free(struct guard_git *g, git_diff *diff, bool raw_index)
{
	static const int levels[] = { GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_SYSTEM };
	static const char *const names[] = { "attributes", "gitattributes" };
	git_config *cfg = NULL;
	git_index *index = NULL;
	git_buf buf = { 0 };
	const char *last = NULL;
	size_t last_len = 0;
	bool plain = true;
	int autocrlf = 0, err, rc;
	struct stat st;

	if (g->bare || git_repository_config_snapshot(&cfg, g->repo) < 0)
		return false;
	err = git_config_get_bool(&autocrlf, cfg, "core.autocrlf");
	plain = (err == GIT_ENOTFOUND || (err == 0 && !autocrlf));
	if (plain && git_config_get_path(&buf, cfg, "core.attributesfile") != GIT_ENOTFOUND)
		plain = false; /* set (or unreadable): let libgit2 read it */
	git_buf_dispose(&buf);
	git_config_free(cfg);
	for (size_t i = 0; plain && i < 2; i++) {
		const char *dir, *end;
		if (git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, levels[i], &buf) < 0)
			return false;
		/* each directory of the ':'-separated list (empty ones skipped, as strtok did) */
		for (dir = buf.ptr ? buf.ptr : ""; *dir && plain; dir = *end ? end + 1 : end) {
			end = dir + strcspn(dir, ":");
			if (end == dir)
				continue;
			char *path = guard_xasprintf("%.*s/%s", (int)(end - dir), dir, names[i]);
			plain = lstat(path, &st) < 0;
			free(path);
		}
		git_buf_dispose(&buf);
	}
	if (plain && git_repository_item_path(&buf, g->repo, GIT_REPOSITORY_ITEM_INFO) == 0) {
		char *path = guard_xasprintf("%s/attributes", buf.ptr);
		plain = lstat(path, &st) < 0;
		free(path);
	} else {
		plain = false;
	}
	git_buf_dispose(&buf);
	if (!plain)
		return false;
	if ((rc = raw_index ? index_bytes_without_attributes(g) : 0) == 0) {
		if (git_repository_index(&index, g->repo) < 0)
			return false;
		for (size_t i = 0; plain && i < git_index_entrycount(index); i++) {
			const char *p = git_index_get_byindex(index, i)->path, *slash = strrchr(p, '/');
			plain = strcmp(slash ? slash + 1 : p, ".gitattributes") != 0;
		}
		git_index_free(index);
	} else {
		plain = rc > 0;
	}
	/* Untracked or ignored ones: look beside every changed path, and up. */
	for (size_t i = 0; plain && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *p = d->new_file.path ? d->new_file.path : d->old_file.path;
		const char *slash = strrchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : 0;
		if (last && len == last_len && !strncmp(p, last, len))
			continue; /* this directory was looked at last time */
		last = p;
		last_len = len;
		for (;;) {
			char *path = guard_xasprintf("%s%s%.*s/.gitattributes", g->root, len ? "/" : "", (int)len, p);
			plain = lstat(path, &st) < 0;
			free(path);
			if (!plain || !len)
				break;
			while (len && p[len - 1] != '/')
				len--;
			if (len)
				len--;
		}
	}
	return plain;
}

bool
guard_git_attribute_free(struct guard_git *g, struct git_diff *diff)
{
	return attribute_free(g, diff, true);
}

int
guard_git_index_hide(struct guard_git *g)
{
	git_index *empty = NULL;

	if (g->bare || index_bytes_without_attributes(g) <= 0 || git_index_new(&empty) < 0)
		return 0;
	git_repository_set_index(g->repo, empty);
	git_index_free(empty); /* the repository holds it now */
	return 1;
}

void
guard_git_index_unhide(struct guard_git *g, int hidden)
{
	if (hidden)
		git_repository_set_index(g->repo, NULL); /* read again from the file when next asked for */
}

/* Files larger than this are binary to libgit2 (its default max_size). */
#define PLAIN_MAX_SIZE ((git_object_size_t)512 << 20)

static bool
regular_mode(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/*
 * The working tree's content of path as git add would store it: a
 * symlink's target, a regular file through the to-odb filters (none when
 * plain). 1 when there is no such file (or not one git stores).
 */
static int
workdir_content(struct guard_git *g, const char *path, bool plain, git_buf *out)
{
	char *abs = guard_xasprintf("%s/%s", g->root, path), *text = NULL;
	git_filter_list *fl = NULL;
	struct stat st;
	size_t len = 0;
	int rc = 1;

	if (lstat(abs, &st) < 0 || st.st_size > (off_t)PLAIN_MAX_SIZE) {
		free(abs);
		return 1;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(abs, target, sizeof(target));
		if (n >= 0 && (size_t)n < sizeof(target) && git_buf_set(out, target, (size_t)n) == 0)
			rc = 0;
	} else if (S_ISREG(st.st_mode) && plain) {
		if (guard_file_read(abs, (size_t)PLAIN_MAX_SIZE, 1, &text, &len) == 0 && git_buf_set(out, text, len) == 0)
			rc = 0;
		free(text);
	} else if (S_ISREG(st.st_mode)) {
		if (git_filter_list_load(&fl, g->repo, NULL, path, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT) < 0)
			rc = git_fail(GUARD_EIO, "cannot read the attributes of a file");
		else if (!fl && guard_file_read(abs, (size_t)PLAIN_MAX_SIZE, 1, &text, &len) == 0)
			rc = git_buf_set(out, text, len) == 0 ? 0 : 1;
		else if (fl && git_filter_list_apply_to_file(out, fl, g->repo, path) == 0)
			rc = 0;
		free(text);
		git_filter_list_free(fl);
	}
	free(abs);
	return rc;
}

/*
 * The patch of a file diffed from buffers: the old side from the base
 * tree, the new side from the working tree. Used (1) for regular files
 * when no attribute can apply, to skip libgit2's per-file attribute
 * lookups, and, whatever the attributes, (2) for a type change, whose
 * lines libgit2 does not count, and (3) for a file deleted from the
 * index but still in the working tree, which libgit2's merged diff
 * calls deleted and git add -A keeps. 1 when d is none of these (use
 * git_patch_from_diff). The patch points into *src: release it after
 * the patch (source_release).
 */
struct source {
	git_buf text;
	git_blob *blob;
	bool kept; /* deleted from the index, kept in the working tree */
};

static void
source_release(struct source *src)
{
	git_buf_dispose(&src->text);
	git_blob_free(src->blob);
	src->blob = NULL;
}

static int
buffer_patch(struct guard_git *g, const git_diff_delta *d, bool plain, git_patch **out, struct source *src)
{
	bool has_old = d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_UNTRACKED;
	bool has_new = d->status != GIT_DELTA_DELETED;
	bool regular = (!has_old || regular_mode(d->old_file.mode)) && (!has_new || regular_mode(d->new_file.mode));
	git_buf text = { 0 };
	git_blob *blob = NULL;
	int rc, ignored = 0;

	*out = NULL;
	if (d->status == GIT_DELTA_DELETED && d->old_file.mode != GIT_FILEMODE_COMMIT &&
	    git_ignore_path_is_ignored(&ignored, g->repo, d->old_file.path) == 0 && !ignored &&
	    workdir_content(g, d->old_file.path, plain, &text) == 0) {
		has_new = true; /* still there, untracked: git add -A adds it back */
		src->kept = true;
	} else if (d->status == GIT_DELTA_TYPECHANGE) {
		if (d->old_file.mode == GIT_FILEMODE_COMMIT || d->new_file.mode == GIT_FILEMODE_COMMIT)
			return 1;
	} else if (!plain || !regular || (d->status != GIT_DELTA_MODIFIED && has_old && has_new) ||
		   (has_new && d->new_file.size > PLAIN_MAX_SIZE)) {
		return 1;
	}
	if (has_old && git_blob_lookup(&blob, g->repo, &d->old_file.id) < 0) {
		git_buf_dispose(&text);
		return git_fail(GUARD_EIO, "cannot read a file of the base commit");
	}
	if (has_old && git_blob_rawsize(blob) > PLAIN_MAX_SIZE) {
		git_blob_free(blob);
		git_buf_dispose(&text);
		return 1;
	}
	if (has_new && !text.ptr && (rc = workdir_content(g, d->new_file.path, plain, &text)) != 0) {
		/* Changed under us or not a plain file: libgit2 decides. */
		git_blob_free(blob);
		return rc;
	}
	/*
	 * With attributes in play, the blob and the path bring the repository's
	 * diff driver (-diff); plain buffers without a repository look up none.
	 */
	const char *as = d->new_file.path ? d->new_file.path : d->old_file.path;
	if (blob && !plain)
		rc = git_patch_from_blob_and_buffer(out, blob, as, text.ptr, text.size, as, NULL);
	else
		rc = git_patch_from_buffers(out, blob ? git_blob_rawcontent(blob) : NULL,
					    blob ? (size_t)git_blob_rawsize(blob) : 0, NULL, text.ptr, text.size, NULL, NULL);
	rc = rc < 0 ? git_fail(GUARD_EIO, "cannot diff a file") : 0;
	src->text = text;
	src->blob = blob;
	return rc;
}

/*
 * A file git calls binary by its attributes (-diff, binary, diff=...) but
 * whose sides hold no NUL byte is text to a LOC budget: its patch from
 * the raw contents, text forced (1 when it really is binary: keep -1).
 */
static int
text_patch(struct guard_git *g, const git_diff_delta *d, git_patch **out, struct source *src)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	bool has_old = d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_UNTRACKED;
	bool has_new = d->status != GIT_DELTA_DELETED;
	const void *old = NULL;
	size_t old_len = 0;

	*out = NULL;
	if ((has_old && !regular_mode(d->old_file.mode)) || (has_new && !regular_mode(d->new_file.mode)))
		return 1;
	if (has_old && git_blob_lookup(&src->blob, g->repo, &d->old_file.id) < 0)
		return git_fail(GUARD_EIO, "cannot read a file of the base commit");
	if (src->blob) {
		old = git_blob_rawcontent(src->blob);
		old_len = (size_t)git_blob_rawsize(src->blob);
	}
	if (has_new && workdir_content(g, d->new_file.path, true, &src->text) != 0)
		return 1;
	if ((old && memchr(old, '\0', old_len)) || (src->text.ptr && memchr(src->text.ptr, '\0', src->text.size)))
		return 1;
	opts.flags = GIT_DIFF_FORCE_TEXT;
	if (git_patch_from_buffers(out, old, old_len, NULL, src->text.ptr, src->text.size, NULL, &opts) < 0)
		return git_fail(GUARD_EIO, "cannot diff a file");
	return 0;
}

int
guard_git_text_stats(const char *old, size_t old_len, const char *new, size_t new_len, long *adds, long *dels)
{
	struct guard_buf a = GUARD_BUF_INIT, b = GUARD_BUF_INIT;
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_patch *patch = NULL;
	size_t ad = 0, de = 0;
	int rc = 0;

	*adds = *dels = 0;
	size_t had = guard_text_lines(old, old_len, &a), has = guard_text_lines(new, new_len, &b);
	if (!had && !has)
		goto out; /* no text on either side: nothing to count */
	opts.flags = GIT_DIFF_FORCE_TEXT;
	if (git_patch_from_buffers(&patch, a.buf, a.len, NULL, b.buf, b.len, NULL, &opts) < 0) {
		rc = git_fail(GUARD_EIO, "cannot diff the text of a binary file");
		goto out;
	}
	git_patch_line_stats(NULL, &ad, &de, patch);
	*adds = (long)ad;
	*dels = (long)de;
out:
	git_patch_free(patch);
	guard_buf_release(&a);
	guard_buf_release(&b);
	return rc;
}

/* Does the text hold a CR that ends no CRLF: a line end git counts as none, compilers as one (attack8 I13)? */
static bool
bare_cr(const char *p, size_t n)
{
	for (const char *cr = p ? memchr(p, '\r', n) : NULL; cr; cr = memchr(cr + 1, '\r', n - (size_t)(cr + 1 - p)))
		if (cr + 1 == p + n || cr[1] != '\n')
			return true;
	return false;
}

/* A copy of the text (its length n) with each bare CR made a newline. */
static char *
cr_as_newline(const char *p, size_t n)
{
	char *q = guard_xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		q[i] = p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n') ? '\n' : p[i];
	q[n] = '\0';
	return q;
}

int
guard_git_cr_stats(const char *old, size_t old_len, const char *new, size_t new_len, long *adds, long *dels)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_patch *patch = NULL;
	size_t ad = 0, de = 0;

	if (!bare_cr(old, old_len) && !bare_cr(new, new_len))
		return 1;
	char *a = old ? cr_as_newline(old, old_len) : NULL, *b = new ? cr_as_newline(new, new_len) : NULL;
	opts.flags = GIT_DIFF_FORCE_TEXT;
	int rc = git_patch_from_buffers(&patch, a, a ? old_len : 0, NULL, b, b ? new_len : 0, NULL, &opts);
	free(a);
	free(b);
	if (rc < 0)
		return git_fail(GUARD_EIO, "cannot diff a file's lines");
	git_patch_line_stats(NULL, &ad, &de, patch);
	git_patch_free(patch);
	*adds = (long)ad;
	*dels = (long)de;
	return 0;
}

/*
 * A change's counts made again from its two sides' raw bytes, the base's
 * blob against the working tree's file: the text lines of a binary file,
 * or the lines a bare CR ends (fn returns 1: nothing to count again).
 */
static int
side_stats(struct guard_git *g, const git_diff_delta *d, guard_git_stats_fn fn, long *adds, long *dels)
{
	bool has_old = d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_UNTRACKED;
	bool has_new = d->status != GIT_DELTA_DELETED;
	git_blob *blob = NULL;
	git_buf now = { 0 };
	int rc;

	*adds = *dels = 0;
	if (has_old && regular_mode(d->old_file.mode) && git_blob_lookup(&blob, g->repo, &d->old_file.id) < 0)
		return git_fail(GUARD_EIO, "cannot read a file of the base commit");
	if (has_new && regular_mode(d->new_file.mode) && (rc = workdir_content(g, d->new_file.path, true, &now)) < 0) {
		git_blob_free(blob);
		return rc;
	}
	rc = fn(blob ? git_blob_rawcontent(blob) : NULL, blob ? (size_t)git_blob_rawsize(blob) : 0, now.ptr, now.size,
		adds, dels);
	git_buf_dispose(&now);
	git_blob_free(blob);
	return rc;
}

/* Does a line the patch adds or deletes hold a bare CR (guard_git_cr_stats then counts again)? */
bool
guard_git_patch_bare_cr(struct git_patch *patch)
{
	for (size_t h = 0; h < git_patch_num_hunks(patch); h++) {
		int n = git_patch_num_lines_in_hunk(patch, h);
		for (int i = 0; i < n; i++) {
			const git_diff_line *l;
			if (git_patch_get_line_in_hunk(&l, patch, h, (size_t)i) == 0 && l->origin != GIT_DIFF_LINE_CONTEXT &&
			    memchr(l->content, '\r', l->content_len) && bare_cr(l->content, l->content_len - (l->content_len && l->content[l->content_len - 1] == '\n')))
				return true;
		}
	}
	return false;
}

static bool
adds_and_deletes(git_diff *diff)
{
	bool adds = false, dels = false;
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !(adds && dels); i++) {
		git_delta_t s = git_diff_get_delta(diff, i)->status;
		adds |= s == GIT_DELTA_ADDED || s == GIT_DELTA_UNTRACKED;
		dels |= s == GIT_DELTA_DELETED;
	}
	return adds && dels;
}

int
guard_git_changes(struct guard_git *g, const char *base_oid, struct guard_changes *out,
		  guard_git_line_fn line, void *ctx)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff_find_options fo = GIT_DIFF_FIND_OPTIONS_INIT;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_oid oid;
	bool plain;
	int rc = 0;

	if (git_oid_fromstr(&oid, base_oid) < 0 || git_commit_lookup(&commit, g->repo, &oid) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		rc = git_fail(GUARD_EIO, "cannot read the session's base commit");
		goto out;
	}
	/* As git add -A would see it: untracked files are new files, in full. */
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		     GIT_DIFF_SHOW_UNTRACKED_CONTENT | GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_diff_tree_to_workdir_with_index(&diff, g->repo, tree, &opts) < 0) {
		rc = git_fail(GUARD_EIO, "cannot diff the working tree");
		goto out;
	}
	/* A rename pairs an added with a deleted file: none, nothing to find. */
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
	fo.rename_limit = RENAME_LIMIT;
	if (adds_and_deletes(diff) && git_diff_find_similar(diff, &fo) < 0) {
		rc = git_fail(GUARD_EIO, "cannot find renames");
		goto out;
	}
	plain = attribute_free(g, diff, false); /* the working-tree diff has read the index already */
	for (size_t i = 0; i < git_diff_num_deltas(diff) && rc >= 0; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
		const char *old = d->status == GIT_DELTA_RENAMED ? d->old_file.path : NULL;
		char status;
		git_patch *patch = NULL;
		struct source src = { { 0 }, NULL, false };
		size_t adds = 0, dels = 0;

		if (guard_session_own_path(path) || d->status == GIT_DELTA_UNMODIFIED ||
		    d->status == GIT_DELTA_IGNORED)
			continue;
		if ((rc = buffer_patch(g, d, plain, &patch, &src)) < 0) {
			source_release(&src);
			break;
		}
		if (rc == 1 && (rc = git_patch_from_diff(&patch, diff, i)) < 0) {
			rc = git_fail(GUARD_EIO, "cannot diff a file");
			break;
		}
		const git_diff_delta *pd = git_patch_get_delta(patch);
		if ((pd->flags & GIT_DIFF_FLAG_BINARY) && !src.kept) {
			/* binary by attributes only (F10): counted as the text it is */
			git_patch *text = NULL;
			struct source tsrc = { { 0 }, NULL, false };
			int t = text_patch(g, d, &text, &tsrc);
			if (t < 0) {
				rc = t;
				source_release(&tsrc);
				git_patch_free(patch);
				source_release(&src);
				break;
			}
			if (t == 0) {
				git_patch_free(patch);
				source_release(&src);
				patch = text;
				src = tsrc;
				pd = git_patch_get_delta(patch);
			} else {
				source_release(&tsrc);
			}
		}
		status = src.kept ? 'M' : status_letter(d->status);
		if (!(pd->flags & GIT_DIFF_FLAG_BINARY) && git_patch_num_hunks(patch) == 0 &&
		    (src.kept || (d->status == GIT_DELTA_MODIFIED && d->old_file.mode == d->new_file.mode))) {
			/* The same content as git would store it (a CRLF-only change under
			 * a text attribute, a file unstaged but kept): git lists nothing. */
			git_patch_free(patch);
			source_release(&src);
			continue;
		}
		if (pd->flags & GIT_DIFF_FLAG_BINARY) {
			long ta, td;
			if ((rc = side_stats(g, d, guard_git_text_stats, &ta, &td)) < 0) {
				git_patch_free(patch);
				source_release(&src);
				break;
			}
			guard_changes_add_binary(out, path, old, status, ta, td);
		} else {
			git_patch_line_stats(NULL, &adds, &dels, patch);
			long ca, cd;
			if (guard_git_patch_bare_cr(patch) && (rc = side_stats(g, d, guard_git_cr_stats, &ca, &cd)) <= 0) {
				if (rc < 0) {
					git_patch_free(patch);
					source_release(&src);
					break;
				}
				adds = (size_t)ca; /* lines a bare CR ends count as lines */
				dels = (size_t)cd;
			}
			rc = 0;
			guard_changes_add(out, path, old, status, (long)adds, (long)dels);
			if (line)
				rc = patch_lines(patch, path, line, ctx);
		}
		git_patch_free(patch);
		source_release(&src);
	}
out:
	git_diff_free(diff);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}
