/*
 * Short id prefixes without reading the whole folder: a list of request
 * ids, .ai/approvals/.digest/ids, trusted only while the folder's mtime
 * is the one recorded beside it (.digest/ids.mtime). Every change guard
 * makes to the folder happens under the store lock, taken shared, and
 * keeps the list complete (see gap_ids_before_write); any other change
 * (git pull, a copy) moves the mtime, and the next lookup reads the
 * folder and writes the list afresh under the lock taken exclusive. The
 * list lives in .digest/ so writing it does not move the folder's own
 * mtime.
 *
 * Derived data like the digest index: written without fsync, rebuilt when
 * missing or stale, and a listed id is believed only if its file exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_approval_int.h"
#include "guard_buf.h"
#include "guard_file.h"

#define IDS_MAX ((size_t)64 << 20)

/* Fixed width, so a new stamp overwrites the old one in place (see mtime_store). */
static int
dir_mtime(const char *dir, char out[64])
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return -1;
	snprintf(out, 64, "%020lld.%09ld %020llu\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		 (unsigned long long)st.st_ino);
	return 0;
}

static char *
ids_path(const struct guard_approval_store *s, const char *name)
{
	return guard_xasprintf("%s/.digest/%s", s->dir, name);
}

/*
 * A file of the list written where it lies (appended to, or a stamp
 * written over): only a regular file with no other name. Never through a
 * symlink, and never into a file some other path shares by a hard link.
 */
static int
open_in_place(const char *path, int flags)
{
	struct stat st;
	int fd = open(path, flags | O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Record the folder's stamp. After a save it is written over the old one
 * in place, as every stamp has the same length, instead of a new file
 * renamed over it (a create and a rename in .digest on every save); a
 * torn write leaves a stamp that matches no folder state, so the list is
 * read afresh: safe. With a list written afresh (fresh), the stamp is
 * too.
 */
static void
mtime_store(const struct guard_approval_store *s, const char *stamp, bool fresh)
{
	char *path = ids_path(s, "ids.mtime");
	size_t len = strlen(stamp);
	int fd;

	if (fresh) {
		guard_file_write_cache(path, stamp, len, 0644);
	} else if ((fd = open_in_place(path, 0)) >= 0) {
		if (pwrite(fd, stamp, len, 0) != (ssize_t)len)
			unlink(path); /* leave no stamp anybody trusts */
		close(fd);
	}
	free(path);
}

/* .digest must be a real folder: never write through a symlink the agent made. */
static bool
index_is_dir(const struct guard_approval_store *s)
{
	char *dir = guard_xasprintf("%s/.digest", s->dir);
	struct stat st;
	bool ok = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);

	free(dir);
	return ok;
}

/* Whether the recorded mtime is the folder's now. */
static bool
list_current(const struct guard_approval_store *s)
{
	char now[64], *path, *text = NULL;
	size_t len;
	bool ok;

	if (!index_is_dir(s))
		return false;
	path = ids_path(s, "ids.mtime");
	ok = dir_mtime(s->dir, now) == 0 && guard_file_read(path, 64, 1, &text, &len) == 0 && !strcmp(text, now);
	free(text);
	free(path);
	return ok;
}

int
gap_ids_lookup(struct guard_approval_store *s, const char *prefix, struct guard_list *matches)
{
	char *path, *text = NULL, *line, *next;
	size_t plen = strlen(prefix), len;

	if (!list_current(s))
		return 0;
	path = ids_path(s, "ids");
	if (guard_file_read(path, IDS_MAX, 1, &text, &len) < 0) {
		free(path);
		return 0;
	}
	free(path);
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			break;
		*next++ = '\0';
		/* an id appended twice (a save retried after its rename failed) is one request */
		if (!strncmp(line, prefix, plen) && gap_id_valid(line) && !guard_list_has(matches, line)) {
			char *file = guard_xasprintf("%s/%s.json", s->dir, line);
			if (access(file, F_OK) == 0)
				guard_list_add(matches, line);
			free(file);
		}
	}
	free(text);
	return 1;
}

void
gap_ids_write(struct guard_approval_store *s, const char *mtime, const struct guard_list *ids)
{
	struct guard_buf b = GUARD_BUF_INIT;
	char *dir = guard_xasprintf("%s/.digest", s->dir), *path;

	/* a hint: when it cannot be written, lookups read the folder */
	if (index_is_dir(s)) {
		for (size_t i = 0; i < ids->len; i++)
			guard_buf_addf(&b, "%s\n", ids->items[i]);
		path = ids_path(s, "ids");
		if (guard_file_write_cache(path, b.buf, b.len, 0644) == 0)
			mtime_store(s, mtime, true);
		free(path);
	}
	guard_buf_release(&b);
	free(dir);
}

int
gap_ids_mtime(const struct guard_approval_store *s, char out[64])
{
	return dir_mtime(s->dir, out);
}

/*
 * Writers hold the store lock shared, so they interleave; what keeps a
 * current list complete is the order. A new id is appended before its
 * file is renamed in, whether or not the list is current now (a writer
 * that found it current may record the folder's stamp after this file
 * appears). The stamp is recorded only by a writer that found the list
 * current before its own change, and is the folder's stamp after it:
 * every file guard had renamed in by then was listed first. Two writers
 * recording out of order leave an older stamp, which only makes the next
 * lookup read the folder. The list is written afresh only under the
 * exclusive lock, so an append never lands in a file being replaced.
 */
bool
gap_ids_before_write(struct guard_approval_store *s, const char *new_id)
{
	bool current = list_current(s);

	if (new_id && (current || index_is_dir(s))) {
		char line[GUARD_APPROVAL_ID_LEN + 1], *path = ids_path(s, "ids");
		int fd = open_in_place(path, O_APPEND);
		snprintf(line, sizeof(line), "%s\n", new_id);
		bool ok = fd >= 0 && write(fd, line, strlen(line)) == (ssize_t)strlen(line);
		if (fd >= 0)
			close(fd);
		free(path);
		if (!ok)
			current = false; /* the stamp stays old: the next lookup reads the folder */
	}
	return current;
}

void
gap_ids_after_write(struct guard_approval_store *s, bool current)
{
	char now[64];

	if (current && dir_mtime(s->dir, now) == 0)
		mtime_store(s, now, false);
}
