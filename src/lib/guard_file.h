/*
 * Files: bounded reads, atomic writes, locks.
 */
#ifndef GUARD_FILE_H
#define GUARD_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read a whole file of at most max bytes into a malloc'd, NUL-terminated
 * buffer (*out, *len). Refuses a symlink at the last component when
 * nofollow is set; a FIFO or other file that would block is an error,
 * never a hang. GUARD_ENOTFOUND when missing, GUARD_EIO otherwise.
 */
int guard_file_read(const char *path, size_t max, int nofollow, char **out, size_t *len);

/* The same, path relative to the open folder dirfd (AT_FDCWD: the cwd). */
int guard_file_read_at(int dirfd, const char *path, size_t max, int nofollow, char **out, size_t *len);

/* Read a stream to EOF, bounded by max (GUARD_EUSAGE when longer). */
int guard_stream_read(FILE *in, size_t max, char **out, size_t *len);

/*
 * Replace path atomically: write a temp file in the same directory, fsync
 * it, rename over path, fsync the directory. A reader sees the old or the
 * new content, never a mix. Creates no parent directories.
 */
int guard_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/*
 * The same, without the fsyncs: for derived data that is rebuilt when
 * lost (an index), where a crash may leave the old content but never a
 * torn one.
 */
int guard_file_write_cache(const char *path, const void *data, size_t len, mode_t mode);

/*
 * guard_file_write_atomic in its three steps, for a writer that renames
 * under a lock but syncs outside it: stage writes (and, when durable,
 * syncs) a temporary file beside path, or in tmpdir (on the same file
 * system) when not NULL, *tmp owned by the caller; commit
 * renames it over path (and frees it); sync_dir makes the rename durable.
 * discard removes a staged file that is not wanted after all.
 */
#include <stdbool.h>
int guard_file_stage(const char *path, const char *tmpdir, const void *data, size_t len, mode_t mode, bool durable,
		     char **tmp);
int guard_file_commit(char *tmp, const char *path);
void guard_file_discard(char *tmp);
int guard_file_sync_dir(const char *path);

/* mkdir -p with mode for the directories it creates. */
int guard_mkdirs(const char *path, mode_t mode);

/*
 * An exclusive lock on lockpath (created if needed, O_NOFOLLOW), waiting
 * at most timeout_ms. *fd receives the open descriptor; release with
 * guard_lock_release. GUARD_EEXPIRED on time-out. _shared takes a shared
 * lock: held by any number at once, never with an exclusive one.
 */
int guard_lock_acquire(const char *lockpath, int timeout_ms, int *fd);
int guard_lock_acquire_shared(const char *lockpath, int timeout_ms, int *fd);
void guard_lock_release(int fd);

#endif
