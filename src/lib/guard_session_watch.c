#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <git2.h>

#include "guard_error.h"
#include "guard_session.h"

/*
 * The supervisor's eyes on the work tree (guard-session run): one inotify
 * watch per folder, added as folders appear, .git, .ai (guard's own state,
 * written by the supervisor itself) and what git ignores left out. An event
 * only says "measure now"; the measurement (git status) is what counts, so
 * a change made while a new folder's watch was being added is still seen.
 */

#define WATCH_MASK (IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | \
		    IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

/* Whether the tree path rel (no leading '/') is left unwatched: guard's and git's folders, what git ignores. */
static bool
skipped(struct guard_watch *w, const char *rel, bool dir)
{
	int ignored = 0;

	if (!strcmp(rel, ".git") || !strncmp(rel, ".git/", 5) || !strcmp(rel, ".ai") || !strncmp(rel, ".ai/", 4))
		return true;
	if (!w->repo)
		return false;
	if (dir) {
		char *slashed = guard_xasprintf("%s/", rel);
		int rc = git_ignore_path_is_ignored(&ignored, w->repo, slashed);
		free(slashed);
		return rc == 0 && ignored;
	}
	return git_ignore_path_is_ignored(&ignored, w->repo, rel) == 0 && ignored;
}

static const char *
rel_of(const struct guard_watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd)
			return w->dirs[i].rel;
	return NULL;
}

/* Watch the folder rel (taken over): 0 (also when it is gone already, or watched), or the error. */
static int
watch_one(struct guard_watch *w, char *rel)
{
	char *path = *rel ? guard_xasprintf("%s/%s", w->root, rel) : guard_xstrdup(w->root);
	int wd, e, rc = 0;

	if (w->n >= GUARD_WATCH_MAX_DIRS) {
		rc = guard_error(GUARD_EIO, "more than %d folders to watch, at %s", GUARD_WATCH_MAX_DIRS, path);
	} else if ((wd = inotify_add_watch(w->fd, path, WATCH_MASK)) < 0) {
		e = errno;
		if (e == ENOSPC)
			rc = guard_error(GUARD_EIO, "the inotify watch limit (fs.inotify.max_user_watches) was reached at %s "
					 "(%zu folders watched)", path, w->n);
		else if (e != ENOENT && e != ENOTDIR)
			rc = guard_error(GUARD_EIO, "cannot watch %s: %s", path, strerror(e));
	} else if (!rel_of(w, wd)) {
		if (w->n == w->alloc) {
			w->alloc = w->alloc ? 2 * w->alloc : 64;
			w->dirs = guard_xrealloc(w->dirs, w->alloc * sizeof(*w->dirs));
		}
		w->dirs[w->n].wd = wd;
		w->dirs[w->n].rel = rel;
		w->n++;
		rel = NULL;
	}
	free(rel);
	free(path);
	return rc;
}

/* Watch rel ("" is the root) and every folder under it, breadth first through the table itself. */
static int
add_tree(struct guard_watch *w, const char *rel)
{
	size_t i = w->n;
	int rc = watch_one(w, guard_xstrdup(rel));

	for (; rc == 0 && i < w->n; i++) {
		char *dir = guard_xstrdup(w->dirs[i].rel); /* the table may move */
		char *path = *dir ? guard_xasprintf("%s/%s", w->root, dir) : guard_xstrdup(w->root);
		DIR *d = opendir(path);
		struct dirent *e;

		while (d && rc == 0 && (e = readdir(d))) {
			if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *child = *dir ? guard_xasprintf("%s/%s", dir, e->d_name) : guard_xstrdup(e->d_name);
			if (skipped(w, child, true))
				free(child);
			else
				rc = watch_one(w, child);
		}
		if (d)
			closedir(d);
		free(path);
		free(dir);
	}
	return rc;
}

int
guard_watch_open(struct guard_watch *w, const char *root)
{
	int rc;

	w->root = guard_xstrdup(root);
	git_libgit2_init();
	w->git = true;
	if (git_repository_open_ext(&w->repo, root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		w->repo = NULL; /* no ignore rules: every folder but .git and .ai is watched */
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		rc = guard_error(GUARD_EIO, "inotify is not available: %s", strerror(errno));
		guard_watch_close(w);
		return rc;
	}
	if ((rc = add_tree(w, "")) < 0)
		guard_watch_close(w);
	return rc;
}

/* The event's path under the root, malloc'd; NULL for an event of a folder no longer in the table. */
static char *
event_rel(const struct guard_watch *w, const struct inotify_event *ev)
{
	const char *dir = rel_of(w, ev->wd);

	if (!dir)
		return NULL;
	if (!ev->len || !*ev->name)
		return guard_xstrdup(dir);
	return *dir ? guard_xasprintf("%s/%s", dir, ev->name) : guard_xstrdup(ev->name);
}

static void
forget(struct guard_watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd) {
			free(w->dirs[i].rel);
			w->dirs[i] = w->dirs[--w->n];
			return;
		}
}

int
guard_watch_read(struct guard_watch *w)
{
	_Alignas(struct inotify_event) char buf[16384];
	int changed = 0, rc = 0;
	ssize_t n;

	if (w->fd < 0)
		return 0;
	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n && rc == 0;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) { /* events were lost: a full check */
				changed = 1;
				w->overflows++;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				forget(w, ev->wd);
				continue;
			}
			char *rel = event_rel(w, ev);
			if (!rel)
				continue;
			bool dir = ev->mask & IN_ISDIR;
			if (!skipped(w, rel, dir)) {
				changed = 1;
				if (dir && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
					rc = add_tree(w, rel);
			}
			free(rel);
		}
		if (rc < 0)
			break;
	}
	if (rc == 0 && n < 0 && errno != EAGAIN && errno != EINTR)
		rc = guard_error(GUARD_EIO, "reading inotify events: %s", strerror(errno));
	return rc < 0 ? rc : changed;
}

void
guard_watch_close(struct guard_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	for (size_t i = 0; i < w->n; i++)
		free(w->dirs[i].rel);
	free(w->dirs);
	w->dirs = NULL;
	w->n = w->alloc = 0;
	if (w->repo)
		git_repository_free(w->repo);
	w->repo = NULL;
	if (w->git)
		git_libgit2_shutdown();
	w->git = false;
	free(w->root);
	w->root = NULL;
}
