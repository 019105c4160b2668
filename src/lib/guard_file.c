#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"

static int
read_fd(int fd, const char *name, size_t max, char **out, size_t *len)
{
	struct guard_buf b = GUARD_BUF_INIT;

	for (;;) {
		/* most files guard reads are small: start at 8 KiB, then double */
		guard_buf_grow(&b, b.alloc ? b.alloc : 8192);
		size_t room = b.alloc - b.len - 1;
		ssize_t n = read(fd, b.buf + b.len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			guard_buf_release(&b);
			return guard_error(GUARD_EIO, "cannot read '%s': %s", name, strerror(errno));
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.buf[b.len] = '\0';
		if (b.len > max) {
			guard_buf_release(&b);
			return guard_error(GUARD_EUSAGE, "'%s' is larger than %zu bytes", name, max);
		}
		/* a regular file reads short only at its end: no read just to see 0 */
		if ((size_t)n < room)
			break;
	}
	*len = b.len;
	*out = guard_buf_detach(&b);
	return 0;
}

int
guard_file_read(const char *path, size_t max, int nofollow, char **out, size_t *len)
{
	return guard_file_read_at(AT_FDCWD, path, max, nofollow, out, len);
}

int
guard_file_read_at(int dirfd, const char *path, size_t max, int nofollow, char **out, size_t *len)
{
	/* O_NONBLOCK: a FIFO put where a file should be fails instead of hanging */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
	int rc;

	*out = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return guard_error(GUARD_ENOTFOUND, "'%s' does not exist", path);
		if (errno == ELOOP)
			return guard_error(GUARD_EIO, "'%s' is a symbolic link; refusing to follow it", path);
		return guard_error(GUARD_EIO, "cannot open '%s': %s", path, strerror(errno));
	}
	rc = read_fd(fd, path, max, out, len);
	close(fd);
	return rc;
}

int
guard_stream_read(FILE *in, size_t max, char **out, size_t *len)
{
	struct guard_buf b = GUARD_BUF_INIT;
	char chunk[65536];
	size_t n;

	*out = NULL;
	*len = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		if (b.len + n > max) {
			guard_buf_release(&b);
			return guard_error(GUARD_EUSAGE, "input is larger than %zu bytes", max);
		}
		guard_buf_add(&b, chunk, n);
	}
	if (ferror(in)) {
		guard_buf_release(&b);
		return guard_error(GUARD_EIO, "cannot read input: %s", strerror(errno));
	}
	*len = b.len;
	*out = guard_buf_detach(&b);
	return 0;
}

static int
fsync_dir(const char *path)
{
	char *dir = guard_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (!slash)
		dir[0] = '.', dir[1] = '\0';
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = guard_error(GUARD_EIO, "cannot sync directory '%s': %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int
guard_file_stage(const char *path, const char *tmpdir, const void *data, size_t len, mode_t mode, bool durable,
		 char **tmp_out)
{
	const char *base = strrchr(path, '/');
	char *tmp = tmpdir ? guard_xasprintf("%s/%s.tmp.%ld.XXXXXX", tmpdir, base ? base + 1 : path, (long)getpid())
			   : guard_xasprintf("%s.tmp.%ld.XXXXXX", path, (long)getpid());
	const char *p = data;
	int fd, rc = 0;

	*tmp_out = NULL;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = guard_error(GUARD_EIO, "cannot create a temporary file beside '%s': %s",
				 path, strerror(errno));
		free(tmp);
		return rc;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = guard_error(GUARD_EIO, "cannot write '%s': %s", path, strerror(errno));
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || (durable && fsync(fd) < 0)) {
		rc = guard_error(GUARD_EIO, "cannot sync '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = guard_error(GUARD_EIO, "cannot close '%s': %s", path, strerror(errno));
		goto fail;
	}
	*tmp_out = tmp;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return rc;
}

int
guard_file_commit(char *tmp, const char *path)
{
	int rc = 0;

	if (rename(tmp, path) < 0) {
		rc = guard_error(GUARD_EIO, "cannot replace '%s': %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

void
guard_file_discard(char *tmp)
{
	if (tmp)
		unlink(tmp);
	free(tmp);
}

int
guard_file_sync_dir(const char *path)
{
	return fsync_dir(path);
}

static int
replace_file(const char *path, const void *data, size_t len, mode_t mode, bool durable)
{
	char *tmp;
	int rc;

	if ((rc = guard_file_stage(path, NULL, data, len, mode, durable, &tmp)) < 0 ||
	    (rc = guard_file_commit(tmp, path)) < 0)
		return rc;
	return durable ? fsync_dir(path) : 0;
}

int
guard_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	return replace_file(path, data, len, mode, true);
}

int
guard_file_write_cache(const char *path, const void *data, size_t len, mode_t mode)
{
	return replace_file(path, data, len, mode, false);
}

int
guard_mkdirs(const char *path, mode_t mode)
{
	char *p;
	int rc = 0;
	struct stat sb;

	/* the usual case: it is there already (one stat, not a mkdir per parent) */
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	p = guard_xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char saved = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = guard_error(GUARD_EIO, "cannot create directory '%s': %s", p, strerror(errno));
				break;
			}
			*s = saved;
			if (!saved)
				break;
		}
	}
	free(p);
	return rc;
}

static int
lock_acquire(const char *lockpath, int timeout_ms, int how, int *fd)
{
	struct timespec start, now, pause = { 0, 50 * 1000 };
	int f = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	*fd = -1;
	if (f < 0)
		return guard_error(GUARD_EIO, "cannot open lock '%s': %s", lockpath, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (flock(f, how | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int rc = guard_error(GUARD_EIO, "cannot lock '%s': %s", lockpath, strerror(errno));
			close(f);
			return rc;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= timeout_ms) {
			close(f);
			return guard_error(GUARD_EEXPIRED, "timed out after %d ms waiting for lock '%s'",
					   timeout_ms, lockpath);
		}
		/* locks are held briefly: look again soon, then back off to 2 ms */
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 2 * 1000 * 1000)
			pause.tv_nsec *= 2;
	}
	*fd = f;
	return 0;
}

int
guard_lock_acquire(const char *lockpath, int timeout_ms, int *fd)
{
	return lock_acquire(lockpath, timeout_ms, LOCK_EX, fd);
}

int
guard_lock_acquire_shared(const char *lockpath, int timeout_ms, int *fd)
{
	return lock_acquire(lockpath, timeout_ms, LOCK_SH, fd);
}

void
guard_lock_release(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
