/*
 * The approval store: .ai/approvals/<uuid>.json, one request a file,
 * pretty JSON with sorted keys (committed, so diffs stay readable). A
 * change to a request happens under its action's lock (.locks/), is
 * staged and synced in .tmp/, and is renamed into place under the store
 * lock (.lock) taken shared; exclusive only to write what is derived
 * (the id list, the digest index) afresh.
 *
 * A small index, .ai/approvals/.digest/<action digest>, names the newest
 * request for that action (a symlink whose target is the id), so request
 * and gate stay O(1) with thousands of files on disk. It is derived data:
 * rebuilt from the files whenever the folder is missing (a fresh clone),
 * and every entry is checked against the request it names before it is
 * believed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_approval.h"
#include "guard_approval_int.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"

#define REQUEST_MAX ((size_t)1 << 20)  /* a request file is small; refuse a huge one */

/* A directory that must be a real directory, not a symlink to one. */
static int
real_dir(const char *path, bool create)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return guard_error(GUARD_EIO, "%s: %s", path, strerror(errno));
		if (!create)
			return guard_error(GUARD_ENOTFOUND, "%s: no approvals here yet", path);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return guard_error(GUARD_EIO, "cannot create %s: %s", path, strerror(errno));
		if (lstat(path, &st) < 0)
			return guard_error(GUARD_EIO, "%s: %s", path, strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return guard_error(GUARD_EDENY, "refusing %s: it is a symlink, and approvals must stay inside the project", path);
	if (!S_ISDIR(st.st_mode))
		return guard_error(GUARD_EIO, "%s is not a directory", path);
	return 0;
}

int
guard_approval_store_open(struct guard_approval_store *s, const char *root, bool create)
{
	char *ai = guard_xasprintf("%s/.ai", root);
	int rc;

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	s->action_fd = -1;
	s->root = guard_xstrdup(root);
	s->dir = guard_xasprintf("%s/approvals", ai);
	rc = real_dir(ai, create);
	free(ai);
	if (rc == 0)
		rc = real_dir(s->dir, create);
	if (rc == 0 && create) {
		/* the locks and the index are this machine's, not the project's */
		static const char ignore[] = ".lock\n.locks/\n.tmp/\n.digest/\n", old[] = ".lock\n.digest/\n";
		char *ign = guard_xasprintf("%s/.gitignore", s->dir), *text = NULL;
		struct stat st;
		size_t len;
		/* read it only when it may be missing or the old text (by its length) */
		int have = lstat(ign, &st) == 0 && st.st_size != (off_t)strlen(old) ? 0
			   : guard_file_read(ign, 4096, 1, &text, &len);
		if (have == GUARD_ENOTFOUND || (have == 0 && text && !strcmp(text, old)))
			rc = guard_file_write_atomic(ign, ignore, strlen(ignore), 0644);
		free(text);
		free(ign);
	}
	if (rc < 0)
		guard_approval_store_close(s);
	return rc;
}

void
guard_approval_store_close(struct guard_approval_store *s)
{
	guard_approval_unlock(s);
	guard_approval_unlock_action(s);
	free(s->root);
	free(s->dir);
	s->root = s->dir = NULL;
}

/* The store lock into *fd: shared for writers renaming side by side, else exclusive. */
static int
store_lock(struct guard_approval_store *s, bool shared, int *fd)
{
	char *path = guard_xasprintf("%s/.lock", s->dir);
	int rc = shared ? guard_lock_acquire_shared(path, GUARD_APPROVAL_LOCK_MS, fd)
			: guard_lock_acquire(path, GUARD_APPROVAL_LOCK_MS, fd);

	free(path);
	if (rc < 0)
		*fd = -1;
	return rc;
}

int
guard_approval_lock(struct guard_approval_store *s)
{
	return s->lock_fd >= 0 ? 0 : store_lock(s, false, &s->lock_fd);
}

void
guard_approval_unlock(struct guard_approval_store *s)
{
	if (s->lock_fd >= 0)
		guard_lock_release(s->lock_fd);
	s->lock_fd = -1;
}

int
guard_approval_lock_action(struct guard_approval_store *s, const char *digest)
{
	char *dir = guard_xasprintf("%s/.locks", s->dir), *path;
	int rc;

	if (s->action_fd >= 0) {
		free(dir);
		return 0;
	}
	if (strspn(digest, "0123456789abcdef") < 3) {
		free(dir);
		return guard_error(GUARD_EUSAGE, "'%.16s' is not an action digest", digest);
	}
	if ((rc = real_dir(dir, true)) < 0) {
		free(dir);
		return rc;
	}
	path = guard_xasprintf("%s/%.3s", dir, digest);
	rc = guard_lock_acquire(path, GUARD_APPROVAL_LOCK_MS, &s->action_fd);
	if (rc < 0)
		s->action_fd = -1;
	free(path);
	free(dir);
	return rc;
}

void
guard_approval_unlock_action(struct guard_approval_store *s)
{
	if (s->action_fd >= 0)
		guard_lock_release(s->action_fd);
	s->action_fd = -1;
}

/* ---- ids ---- */

static bool
id_chars(const char *s)
{
	return *s && strspn(s, "0123456789abcdef-") == strlen(s);
}

/* A full id: the 36 characters of a lower-case uuid. */
bool
gap_id_valid(const char *id)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (strlen(id) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		char c = id[i];
		if (shape[i] == '-' ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* "<id>.json" names a request file; returns the id length or 0. */
static size_t
request_file(const char *name)
{
	size_t n = strlen(name);

	if (n != 41 || strcmp(name + 36, ".json"))
		return 0;
	char id[GUARD_APPROVAL_ID_LEN];
	memcpy(id, name, 36);
	id[36] = '\0';
	return gap_id_valid(id) ? 36 : 0;
}

static void
note_candidate(const char *name, char id[GUARD_APPROVAL_ID_LEN], size_t *found, struct guard_buf *cand)
{
	if ((*found)++ == 0)
		memcpy(id, name, 36), id[36] = '\0';
	if (*found <= 10)
		guard_buf_addf(cand, "\n  %.36s", name);
}

int
guard_approval_resolve(struct guard_approval_store *s, const char *prefix, char id[GUARD_APPROVAL_ID_LEN])
{
	struct guard_buf cand = GUARD_BUF_INIT;
	struct guard_list listed = GUARD_LIST_INIT, all = GUARD_LIST_INIT;
	size_t plen = strlen(prefix), found = 0;
	struct dirent *d;
	DIR *dir;

	if (!id_chars(prefix) || plen > 36)
		return guard_error(GUARD_EUSAGE, "'%.64s' is not an approval id (hex digits and dashes only)", prefix);
	if (plen == 36) {
		char *path = guard_xasprintf("%s/%s.json", s->dir, prefix);
		int exists = access(path, F_OK) == 0;
		free(path);
		if (!exists)
			return guard_error(GUARD_ENOTFOUND, "no approval request %s", prefix);
		memcpy(id, prefix, GUARD_APPROVAL_ID_LEN);
		return 0;
	}
	if (gap_ids_lookup(s, prefix, &listed)) {
		for (size_t i = 0; i < listed.len; i++)
			note_candidate(listed.items[i], id, &found, &cand);
	} else {
		char mtime[64];
		bool have_mtime = gap_ids_mtime(s, mtime) == 0;
		if (!(dir = opendir(s->dir))) {
			guard_buf_release(&cand);
			return guard_error(GUARD_EIO, "%s: %s", s->dir, strerror(errno));
		}
		while ((d = readdir(dir))) {
			if (!request_file(d->d_name))
				continue;
			d->d_name[36] = '\0';
			guard_list_add(&all, d->d_name);
			if (!strncmp(d->d_name, prefix, plen))
				note_candidate(d->d_name, id, &found, &cand);
		}
		closedir(dir);
		/* the next short prefix is answered from the list, written under the
		 * lock so it cannot interleave with a writer's update of it */
		bool had_lock = s->lock_fd >= 0;
		char now[64];
		if (have_mtime && (had_lock || guard_approval_lock(s) == 0)) {
			if (gap_ids_mtime(s, now) == 0 && !strcmp(now, mtime))
				gap_ids_write(s, mtime, &all);
			if (!had_lock)
				guard_approval_unlock(s);
		}
	}
	guard_list_clear(&listed);
	guard_list_clear(&all);
	if (found == 0) {
		guard_buf_release(&cand);
		return guard_error(GUARD_ENOTFOUND, "no approval request starts with '%s'", prefix);
	}
	if (found > 1) {
		int rc = guard_error(GUARD_EUSAGE, "'%s' is ambiguous: %zu requests start with it:%s%s", prefix,
				     found, cand.buf, found > 10 ? "\n  ..." : "");
		guard_buf_release(&cand);
		return rc;
	}
	guard_buf_release(&cand);
	return 0;
}

/* ---- files ---- */

/* path is relative to dirfd (AT_FDCWD: the cwd); messages name it as given. */
static int
load_at(int dirfd, const char *path, const char *id, cJSON **out, char **keep_text)
{
	const char *end = NULL;
	ptrdiff_t at;
	size_t len;
	char *text;
	int rc;

	*out = NULL;
	if ((rc = guard_file_read_at(dirfd, path, REQUEST_MAX, 1, &text, &len)) < 0) {
		if (rc == GUARD_ENOTFOUND)
			return guard_error(GUARD_ENOTFOUND, "no approval request %s", id);
		return rc;
	}
	*out = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	at = end ? end - text : 0;
	if (keep_text)
		*keep_text = text;
	else
		free(text);
	if (!*out || !cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		return guard_error(GUARD_EUSAGE, "%s: not a JSON object (near byte %td)", path, at);
	}
	if (!gap_request_wellformed(*out, id)) {
		cJSON_Delete(*out);
		*out = NULL;
		return guard_error(GUARD_EUSAGE, "%s: not an approval request (missing or mistyped fields, or an id that is not the file's)", path);
	}
	return 0;
}


int
guard_approval_load(struct guard_approval_store *s, const char *id, cJSON **out)
{
	char *path;
	int rc;

	if (!gap_id_valid(id))
		return guard_error(GUARD_EUSAGE, "'%.64s' is not an approval id", id);
	path = guard_xasprintf("%s/%s.json", s->dir, id);
	rc = load_at(AT_FDCWD, path, id, out, NULL);
	free(path);
	return rc;
}

int
guard_approval_save(struct guard_approval_store *s, const cJSON *req)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req, "id"));
	char *path, *text, *tmp;
	int rc;

	if (!id || !gap_id_valid(id))
		return guard_error(GUARD_EUSAGE, "refusing to save a request without a valid id");
	path = guard_xasprintf("%s/%s.json", s->dir, id);
	text = guard_json_pretty(req, 1);
	/*
	 * The slow part, writing and syncing the new text, outside the store
	 * lock, and in .tmp/ so the folder itself changes only by the rename.
	 */
	char *tmpdir = guard_xasprintf("%s/.tmp", s->dir);
	rc = real_dir(tmpdir, true);
	if (rc == 0 && (rc = guard_file_stage(path, tmpdir, text, strlen(text), 0600, true, &tmp)) == 0) {
		/* the file is this action's (its lock is held): whether it is new cannot change now */
		bool is_new = access(path, F_OK) != 0;
		int shared = -1;
		if (s->lock_fd < 0 && (rc = store_lock(s, true, &shared)) < 0) {
			guard_file_discard(tmp);
		} else {
			bool current = gap_ids_before_write(s, is_new ? id : NULL);
			if ((rc = guard_file_commit(tmp, path)) == 0)
				gap_ids_after_write(s, current);
			guard_lock_release(shared);
			/* in place and seen by every reader: a failed folder sync only loses durability */
			s->unsynced = rc == 0 && guard_file_sync_dir(path) < 0;
		}
	}
	free(tmpdir);
	free(text);
	free(path);
	return rc;
}

int
guard_approval_each(struct guard_approval_store *s, int (*fn)(cJSON *req, void *arg), void *arg,
		    void (*bad)(const char *file, const char *why, void *arg))
{
	struct dirent *d;
	DIR *dir;

	if (!(dir = opendir(s->dir)))
		return guard_error(GUARD_EIO, "%s: %s", s->dir, strerror(errno));
	while ((d = readdir(dir))) {
		char id[GUARD_APPROVAL_ID_LEN], display[4096], *text;
		cJSON *req;

		if (!request_file(d->d_name))
			continue;
		memcpy(id, d->d_name, 36);
		id[36] = '\0';
		text = NULL;
		if (load_at(dirfd(dir), d->d_name, id, &req, &text) < 0) {
			if (bad) {
				snprintf(display, sizeof(display), "%s/%s", s->dir, d->d_name);
				bad(display, guard_error_last(), arg);
			}
		} else {
			s->text = text;
			if (fn(req, arg) != 1)
				cJSON_Delete(req);
			s->text = NULL;
		}
		free(text);
	}
	closedir(dir);
	return 0;
}

/* ---- the digest index ---- */

static int
index_dir(struct guard_approval_store *s, char **out)
{
	struct stat st;

	*out = guard_xasprintf("%s/.digest", s->dir);
	if (lstat(*out, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : guard_error(GUARD_EIO, "%s is not a directory", *out);
	return 1; /* missing */
}

/*
 * An entry is a symlink whose target is the request id (never followed,
 * only read): made in one call, with nothing to write back later. A
 * newer request for the action replaces it by a rename, so a reader sees
 * the old id or the new one.
 */
static int
index_put(const char *idir, const char *digest, const char *id)
{
	char *path = guard_xasprintf("%s/%s", idir, digest), *tmp = NULL;
	int rc = 0;

	if (symlink(id, path) < 0) {
		if (errno == EEXIST) {
			tmp = guard_xasprintf("%s.%ld.new", path, (long)getpid());
			unlink(tmp);
			if (symlink(id, tmp) < 0 || rename(tmp, path) < 0) {
				rc = guard_error(GUARD_EIO, "cannot write %s: %s", path, strerror(errno));
				unlink(tmp);
			}
		} else {
			rc = guard_error(GUARD_EIO, "cannot write %s: %s", path, strerror(errno));
		}
	}
	free(tmp);
	free(path);
	return rc;
}

/* An entry's id: a symlink's target, or (as older versions wrote it) a file's text. */
static int
index_read(const char *path, char **out)
{
	char buf[GUARD_APPROVAL_ID_LEN + 1];
	size_t len;
	ssize_t n = readlink(path, buf, sizeof(buf));

	*out = NULL;
	if (n >= 0) {
		if ((size_t)n >= sizeof(buf))
			n = 0; /* too long for an id: believed by nobody */
		buf[n] = '\0';
		*out = guard_xstrdup(buf);
		return 0;
	}
	if (errno == ENOENT)
		return GUARD_ENOTFOUND;
	if (errno != EINVAL)
		return guard_error(GUARD_EIO, "cannot read %s: %s", path, strerror(errno));
	return guard_file_read(path, 64, 1, out, &len);
}

/* What the rebuild keeps of each request: the newest per action wins. */
struct entry {
	char digest[65], id[GUARD_APPROVAL_ID_LEN], at[40];
};

struct rebuild {
	struct entry *e;
	size_t n, alloc;
};

static int
rebuild_one(cJSON *req, void *arg)
{
	struct rebuild *r = arg;
	struct entry *e;

	if (r->n == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 256;
		r->e = guard_xrealloc(r->e, r->alloc * sizeof(*r->e));
	}
	e = &r->e[r->n++];
	snprintf(e->digest, sizeof(e->digest), "%s", gap_str(req, "action_digest"));
	snprintf(e->id, sizeof(e->id), "%s", gap_str(req, "id"));
	snprintf(e->at, sizeof(e->at), "%s", gap_str(req, "requested_at"));
	return 0;
}

/* By digest, newest first. */
static int
by_digest(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int d = strcmp(x->digest, y->digest);
	return d ? d : strcmp(y->at, x->at);
}

static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);

	for (struct dirent *e; d && (e = readdir(d));) {
		char *p = guard_xasprintf("%s/%s", dir, e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Build the index aside, then rename it into place: never half an index. */
static int
index_rebuild(struct guard_approval_store *s, const char *idir)
{
	char *tmp = guard_xasprintf("%s.new.%ld", idir, (long)getpid());
	struct rebuild r = { NULL, 0, 0 };
	int rc = 0;

	if (mkdir(tmp, 0755) < 0)
		rc = guard_error(GUARD_EIO, "cannot create %s: %s", tmp, strerror(errno));
	if (rc == 0)
		rc = guard_approval_each(s, rebuild_one, &r, NULL);
	if (rc == 0 && r.n)
		qsort(r.e, r.n, sizeof(*r.e), by_digest);
	for (size_t i = 0; rc == 0 && i < r.n; i++)
		if (i == 0 || strcmp(r.e[i].digest, r.e[i - 1].digest))
			rc = index_put(tmp, r.e[i].digest, r.e[i].id);
	if (rc == 0 && rename(tmp, idir) < 0)
		rc = guard_error(GUARD_EIO, "cannot rename %s: %s", tmp, strerror(errno));
	if (rc < 0)
		remove_dir(tmp);
	free(r.e);
	free(tmp);
	return rc;
}

/* Rebuild a missing index under the store lock, unless another process just did. */
static int
rebuild_locked(struct guard_approval_store *s, const char *idir)
{
	bool had_lock = s->lock_fd >= 0;
	struct stat st;
	int rc;

	if ((rc = guard_approval_lock(s)) < 0)
		return rc;
	rc = lstat(idir, &st) == 0 ? (S_ISDIR(st.st_mode) ? 0 : guard_error(GUARD_EIO, "%s is not a directory", idir))
				   : index_rebuild(s, idir);
	if (!had_lock)
		guard_approval_unlock(s);
	return rc;
}

int
gap_index_get(struct guard_approval_store *s, const char *digest, cJSON **out)
{
	char *idir, *path, *text = NULL;
	int rc;

	*out = NULL;
	if ((rc = index_dir(s, &idir)) == 1)
		rc = rebuild_locked(s, idir);
	if (rc < 0) {
		free(idir);
		return rc;
	}
	path = guard_xasprintf("%s/%s", idir, digest);
	rc = index_read(path, &text);
	free(path);
	free(idir);
	if (rc == GUARD_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	/* believe the index only when the request it names is for this action */
	if (gap_id_valid(text) && guard_approval_load(s, text, out) == 0 &&
	    strcmp(gap_str(*out, "action_digest"), digest)) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	free(text);
	return 0;
}

int
gap_index_put(struct guard_approval_store *s, const char *digest, const char *id)
{
	char *idir;
	int rc = index_dir(s, &idir);

	if (rc == 1)
		rc = rebuild_locked(s, idir);
	if (rc == 0)
		rc = index_put(idir, digest, id);
	free(idir);
	return rc;
}
