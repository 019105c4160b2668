#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_path.h"
#include "guard_time.h"

#define TAIL_CHUNK 4096 /* most records are shorter; a longer one reads 4x more */
#define BATCH_SYNC_GAP_NS 1000000000LL /* fsync batch: at most this long unsynced */

struct guard_audit {
	struct guard_audit_config cfg;
	char *root;                     /* the project's, for the state folder */
	char *synced_path;              /* the synced-record watermark, found at the first sync */
	struct guard_redactor *red;
	int lockfd;                     /* -1 unless in a batch */
	int fd;                         /* the open day file, -1 when none */
	char day[11];                   /* its date */
	/* The tail as this handle last left it; trusted while the file is unchanged. */
	bool tail_ok;
	dev_t dev;
	ino_t ino;
	off_t size;
	unsigned long seq;
	char hash[GUARD_AUDIT_HASH_LEN + 1];
	/* The batch being built. */
	struct guard_buf pending;
	unsigned long npending;
	unsigned long batch_seq;        /* seq and hash when the batch began */
	char batch_hash[GUARD_AUDIT_HASH_LEN + 1];
	unsigned long written;
	struct guard_audit_rec *rec;    /* scratch for guard_audit_append */
	bool durable;                   /* the batch holds an allowed action's record: synced before commit returns */
	bool synced;                    /* sync_day synced the day file just now */
	struct audit_fss fss;           /* the sealing key's epoch and timing (the key itself is not kept) */
	char *fss_path;
	int hashes_fd;                  /* the open ledger of the day's record hashes (audit_note_hashes), or -1 */
	char hashes_day[11];
};

void
guard_audit_config_release(struct guard_audit_config *c)
{
	free(c->dir);
	c->dir = NULL;
}

/* audit.witness's schedule: every_records, every_minutes, every (a duration); the sooner wins. */
static int
witness_config(struct guard_audit_config *out, const cJSON *w)
{
	const cJSON *v;
	long long secs;

	out->witness_records = 0;
	out->witness_seconds = 0;
	if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(w, "every_records")) && v->valuedouble >= 1)
		out->witness_records = (unsigned long)v->valuedouble;
	if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(w, "every_minutes")) && v->valuedouble >= 1)
		out->witness_seconds = (long long)v->valuedouble * 60;
	v = cJSON_GetObjectItemCaseSensitive(w, "every");
	if (cJSON_IsString(v) && guard_duration_parse(v->valuestring, &secs) < 0)
		return guard_error(GUARD_EPOLICY, "audit.witness.every '%s' is not a duration", v->valuestring);
	if (cJSON_IsNumber(v))
		secs = (long long)v->valuedouble;
	if ((cJSON_IsString(v) || cJSON_IsNumber(v)) && secs >= 1 && (!out->witness_seconds || secs < out->witness_seconds))
		out->witness_seconds = secs;
	return 0;
}

int
guard_audit_config(struct guard_audit_config *out, const char *project_root, const struct guard_policy *policy)
{
	const cJSON *audit = policy ? cJSON_GetObjectItemCaseSensitive(guard_policy_tree(policy), "audit") : NULL;
	const cJSON *v;
	const char *dir = ".ai/audit", *env;
	int rc;

	out->fsync = GUARD_AUDIT_FSYNC_BATCH;
	out->fail_closed = true;
	out->lock_timeout_ms = GUARD_AUDIT_LOCK_TIMEOUT_MS;
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(audit, "dir")) && *v->valuestring)
		dir = v->valuestring;
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(audit, "fsync"))) {
		if (!strcmp(v->valuestring, "always"))
			out->fsync = GUARD_AUDIT_FSYNC_ALWAYS;
		else if (!strcmp(v->valuestring, "never"))
			out->fsync = GUARD_AUDIT_FSYNC_NEVER;
	}
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(audit, "fail_closed")))
		out->fail_closed = false;
	out->seal_epoch = GUARD_AUDIT_SEAL_EPOCH_DEFAULT;
	v = cJSON_GetObjectItemCaseSensitive(audit, "seal_epoch");
	if (cJSON_IsNumber(v) && v->valuedouble >= 1)
		out->seal_epoch = (long long)v->valuedouble;
	else if (cJSON_IsString(v) && guard_duration_parse(v->valuestring, &out->seal_epoch) < 0)
		return guard_error(GUARD_EPOLICY, "audit.seal_epoch '%s' is not a duration", v->valuestring);
	if ((rc = witness_config(out, cJSON_GetObjectItemCaseSensitive(audit, "witness"))) < 0)
		return rc;
	if ((env = getenv("GUARD_AUDIT_LOCK_TIMEOUT_MS")) && *env) {
		char *end;
		long ms = strtol(env, &end, 10);
		if (*end || ms < 0 || ms > 600000)
			return guard_error(GUARD_EUSAGE, "GUARD_AUDIT_LOCK_TIMEOUT_MS='%s' is not a number of ms", env);
		out->lock_timeout_ms = (int)ms;
	}
	out->dir = dir[0] == '/' ? guard_xstrdup(dir) : guard_xasprintf("%s/%s", project_root, dir);
	return 0;
}

bool
audit_is_day_file(const char *name)
{
	static const char shape[] = "dddd-dd-dd.jsonl";

	if (strlen(name) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? (name[i] < '0' || name[i] > '9') : name[i] != shape[i])
			return false;
	return true;
}

int
audit_lock(const char *dir, int timeout_ms, int *fd)
{
	char *path = guard_xasprintf("%s/" AUDIT_LOCK, dir);
	int rc = guard_lock_acquire(path, timeout_ms, fd);
	free(path);
	if (rc == GUARD_EEXPIRED)
		return guard_error(GUARD_EEXPIRED, "audit log '%s' is locked by another writer (waited %d ms)", dir,
				   timeout_ms);
	return rc;
}

int
guard_audit_open(struct guard_audit **out, const char *project_root, const struct guard_policy *policy)
{
	struct guard_audit *log = guard_xcalloc(1, sizeof(*log));
	const cJSON *redact = policy ? cJSON_GetObjectItemCaseSensitive(guard_policy_tree(policy), "redact") : NULL;
	int rc;

	*out = NULL;
	log->lockfd = log->fd = log->hashes_fd = -1;
	guard_buf_init(&log->pending);
	if ((rc = guard_audit_config(&log->cfg, project_root, policy)) < 0 ||
	    (rc = guard_redactor_new(&log->red, redact)) < 0)
		goto fail;
	if ((rc = guard_mkdirs(log->cfg.dir, 0700)) < 0)
		goto fail;
	log->root = guard_xstrdup(project_root);
	*out = log;
	return 0;
fail:
	guard_audit_config_release(&log->cfg);
	guard_redactor_free(log->red);
	free(log);
	return rc;
}

/* ---------------------------------------------------------------- the tail */

/*
 * The last complete line of a file whose last newline ends at or before
 * size: its bytes in *line (malloc'd), its end offset in *end. A file
 * with no complete line gives *line NULL and *end 0.
 */
static int
last_line(int fd, const char *path, off_t size, char **line, off_t *end)
{
	size_t chunk = TAIL_CHUNK;

	*line = NULL;
	*end = 0;
	for (;;) {
		off_t from = size > (off_t)chunk ? size - (off_t)chunk : 0;
		size_t n = (size_t)(size - from);
		char *buf = guard_xmalloc(n + 1);
		ssize_t got = pread(fd, buf, n, from);
		if (got != (ssize_t)n) {
			free(buf);
			return guard_error(GUARD_EIO, "cannot read the end of '%s': %s", path,
					   got < 0 ? strerror(errno) : "short read");
		}
		/* The newline that ends the last complete line, then the one before it. */
		char *nl = memrchr(buf, '\n', n);
		if (!nl && from == 0) {
			free(buf);
			return 0;
		}
		if (nl) {
			char *prev = memrchr(buf, '\n', (size_t)(nl - buf));
			if (prev || from == 0) {
				char *start = prev ? prev + 1 : buf;
				*line = guard_xstrndup(start, (size_t)(nl - start));
				*end = from + (nl - buf) + 1;
				free(buf);
				return 0;
			}
		}
		free(buf);
		chunk *= 4; /* a record longer than the chunk: read more */
	}
}

/* seq and hash of a record line, checked against its own hash. */
static int
tail_of_line(const char *path, const char *line, unsigned long *seq, char hash[GUARD_AUDIT_HASH_LEN + 1])
{
	cJSON *rec = NULL, *s;
	int rc;

	if ((rc = guard_audit_line_check(line, strlen(line), hash)) < 0 ||
	    !(rec = cJSON_Parse(line)) || !cJSON_IsNumber(s = cJSON_GetObjectItemCaseSensitive(rec, "seq")) ||
	    s->valuedouble < 1) {
		cJSON_Delete(rec);
		return guard_error(GUARD_EIO, "cannot continue the audit chain: the last record of '%s' is damaged "
				   "(%s); run guard-audit verify", path, rc < 0 ? guard_error_last() : "no seq");
	}
	*seq = (unsigned long)s->valuedouble;
	cJSON_Delete(rec);
	return 0;
}

/*
 * A torn last line: the bytes after the last newline, left by a writer
 * that died mid-write (it never returned success, so no action relied on
 * them). Keep them in <file>.torn, cut the file back to its last complete
 * line, and say so in the chain.
 */
static int
quarantine_torn(struct guard_audit *log, int fd, const char *path, off_t keep, off_t size, cJSON **torn)
{
	size_t n = (size_t)(size - keep);
	char *frag = guard_xmalloc(n + 1), hex[GUARD_SHA256_HEX];
	char *tpath = guard_xasprintf("%s.torn", path);
	int tfd = -1, rc = 0;

	if (pread(fd, frag, n, keep) != (ssize_t)n) {
		rc = guard_error(GUARD_EIO, "cannot read the torn end of '%s': %s", path, strerror(errno));
		goto out;
	}
	tfd = open(tpath, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	frag[n] = '\n';
	if (tfd < 0 || write(tfd, frag, n + 1) != (ssize_t)(n + 1) || fsync(tfd) < 0) {
		rc = guard_error(GUARD_EIO, "cannot keep the torn end of '%s' in '%s': %s", path, tpath, strerror(errno));
		goto out;
	}
	if (ftruncate(fd, keep) < 0) {
		rc = guard_error(GUARD_EIO, "cannot cut the torn end of '%s': %s", path, strerror(errno));
		goto out;
	}
	guard_sha256_hex(frag, n, hex);
	*torn = cJSON_CreateObject();
	cJSON_AddStringToObject(*torn, "summary", "a torn record (a writer stopped mid-write) was moved aside");
	cJSON_AddStringToObject(*torn, "file", strrchr(path, '/') + 1);
	cJSON_AddNumberToObject(*torn, "offset", (double)keep);
	cJSON_AddNumberToObject(*torn, "bytes", (double)n);
	char *d = guard_xasprintf("sha256:%s", hex);
	cJSON_AddStringToObject(*torn, "fragment_digest", d);
	free(d);
	cJSON_AddStringToObject(*torn, "moved_to", strrchr(tpath, '/') + 1);
	(void)log;
out:
	if (tfd >= 0)
		close(tfd);
	free(frag);
	free(tpath);
	return rc;
}

/* The tail of one file: repairs a torn end; *found false when it holds no record. */
static int
file_tail(struct guard_audit *log, const char *path, int fd, bool *found, cJSON **torn)
{
	struct stat st;
	char *line = NULL;
	off_t end;
	int rc;

	*found = false;
	if (fstat(fd, &st) < 0)
		return guard_error(GUARD_EIO, "cannot stat '%s': %s", path, strerror(errno));
	if (st.st_size == 0)
		return 0;
	if ((rc = last_line(fd, path, st.st_size, &line, &end)) < 0)
		return rc;
	if (end != st.st_size && (rc = quarantine_torn(log, fd, path, end, st.st_size, torn)) < 0) {
		free(line);
		return rc;
	}
	if (line) {
		rc = tail_of_line(path, line, &log->seq, log->hash);
		*found = rc == 0;
	}
	free(line);
	return rc;
}

/* A day file that cannot be opened: a symbolic link where one belongs was put there (exit 1), else I/O. */
static int
open_failed(const char *what, const char *path)
{
	if (errno == ELOOP)
		return guard_error(GUARD_EDENY, "'%s' is a symbolic link, not a day file the log wrote: tampering "
				   "(run guard-audit verify)", path);
	return guard_error(GUARD_EIO, "cannot open %s'%s': %s", what, path, strerror(errno));
}

/* Where the chain stands, for a day file that is still empty: the newest earlier file. */
static int
previous_tail(struct guard_audit *log, cJSON **torn)
{
	struct guard_list names = GUARD_LIST_INIT;
	bool found = false;
	int rc;

	log->seq = 0;
	memcpy(log->hash, AUDIT_ZERO_HASH, sizeof(log->hash));
	if ((rc = guard_audit_files(log->cfg.dir, NULL, NULL, &names)) < 0)
		return rc;
	for (size_t i = names.len; i-- > 0 && !found;) {
		if (strncmp(names.items[i], log->day, 10) >= 0)
			continue;
		char *path = guard_xasprintf("%s/%s", log->cfg.dir, names.items[i]);
		int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			rc = open_failed("", path);
		} else {
			rc = file_tail(log, path, fd, &found, torn);
			close(fd);
		}
		free(path);
		if (rc < 0)
			break;
	}
	guard_list_clear(&names);
	return rc;
}

static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		int rc = guard_error(GUARD_EIO, "cannot sync directory '%s': %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

/* Open (or create) the file of log->day and learn the chain's tail. */
static int
open_day(struct guard_audit *log, cJSON **torn)
{
	char *path = guard_xasprintf("%s/%s.jsonl", log->cfg.dir, log->day);
	struct stat st;
	bool found;
	int rc = 0;

	log->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (log->fd < 0) {
		rc = open_failed("audit log ", path);
		goto out;
	}
	if ((rc = file_tail(log, path, log->fd, &found, torn)) < 0)
		goto out;
	if (!found && (rc = previous_tail(log, torn)) < 0)
		goto out;
	if (fstat(log->fd, &st) < 0) {
		rc = guard_error(GUARD_EIO, "cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size == 0 && log->cfg.fsync != GUARD_AUDIT_FSYNC_NEVER && (rc = sync_dir(log->cfg.dir)) < 0)
		goto out;
	log->dev = st.st_dev;
	log->ino = st.st_ino;
	log->size = st.st_size;
	log->tail_ok = true;
out:
	if (rc < 0 && log->fd >= 0) {
		close(log->fd);
		log->fd = -1;
	}
	free(path);
	return rc;
}

/* ---------------------------------------------------------------- batches */

/* Write what is pending; on failure cut the file back so no partial record stays. */
/*
 * The ledger of the records written (attack11 L11): each pending record's
 * hash (its first 128 bits, in hex), one a line, appended to <state folder>/audit-<dir>.<day>.hashes
 * before the day file gets them, under the lock, in the file's order.
 * The day file sits in the work tree, where git can write a chain of its
 * own; the ledger is where guard_audit_owns tells guard's records from it.
 * One write a batch; a ledger that cannot be kept costs no record (those
 * records count as anyone's when a commit carries them).
 */
static void
note_hashes(struct guard_audit *log)
{
	struct guard_buf b = GUARD_BUF_INIT;
	const char *p = log->pending.buf, *end = p + log->pending.len, *nl;

	if (log->hashes_fd >= 0 && strcmp(log->hashes_day, log->day)) {
		close(log->hashes_fd);
		log->hashes_fd = -1;
	}
	if (log->hashes_fd < 0) {
		char *path = NULL, ext[32], *before = guard_xstrdup(guard_error_last());
		int code = guard_error_code();
		snprintf(ext, sizeof(ext), "%s.hashes", log->day);
		if (audit_state_path(log->root, log->cfg.dir, ext, true, &path) == 0)
			log->hashes_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
		else if (code)
			guard_error(code, "%s", before); /* a caller's error outlives this */
		else
			guard_error_clear();
		free(before);
		free(path);
		memcpy(log->hashes_day, log->day, sizeof(log->hashes_day));
		if (log->hashes_fd < 0)
			return;
	}
	/* each line ends ,"hash":"<64 hex>"}: the hex is 66 bytes before its newline */
	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1)
		if (nl - p >= (ptrdiff_t)AUDIT_HASH_TAIL) {
			guard_buf_add(&b, nl - 2 - GUARD_AUDIT_HASH_LEN, AUDIT_LEDGER_HEX);
			guard_buf_addch(&b, '\n');
		}
	if (b.len && write(log->hashes_fd, b.buf, b.len) != (ssize_t)b.len)
		guard_error_clear(); /* a short write spoils one line: the records after it still match */
	guard_buf_release(&b);
}

static int
write_pending(struct guard_audit *log)
{
	size_t done = 0;

	note_hashes(log);

	while (done < log->pending.len) {
		ssize_t n = write(log->fd, log->pending.buf + done, log->pending.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			if (ftruncate(log->fd, log->size) < 0 && done)
				log->tail_ok = false; /* the next append repairs the torn end */
			int rc = guard_error(GUARD_EIO, "cannot write the audit log in '%s': %s (%lu record%s not written)",
					     log->cfg.dir, strerror(e), log->npending, log->npending == 1 ? "" : "s");
			log->seq = log->batch_seq;
			memcpy(log->hash, log->batch_hash, sizeof(log->hash));
			guard_buf_reset(&log->pending);
			log->npending = 0;
			return rc;
		}
		done += (size_t)n;
	}
	log->size += (off_t)done;
	log->written += log->npending;
	guard_buf_reset(&log->pending);
	log->npending = 0;
	log->batch_seq = log->seq;
	memcpy(log->batch_hash, log->hash, sizeof(log->hash));
	return 0;
}

/*
 * The day file was just synced under the lock: move the watermark to the
 * tail. Unless the record it names is no longer where it was synced:
 * then it stays, so that verify still sees the cut (a writer that moved
 * it on would launder the tampering). Only on a sync, at most about once
 * a second under audit.fsync batch, so the hook's usual call pays
 * nothing. A watermark that cannot be kept costs no record: verify is
 * the weaker for it, and says so.
 */
static void
mark_synced(struct guard_audit *log)
{
	struct audit_synced old, now = { 0 };
	bool found;
	int code = guard_error_code();
	char *before;

	if (!log->seq || log->fd < 0)
		return;
	before = guard_xstrdup(guard_error_last()); /* a caller's error outlives this */
	if ((!log->synced_path && audit_synced_path(log->root, log->cfg.dir, true, &log->synced_path) < 0) ||
	    audit_synced_read(log->synced_path, &old, &found) < 0)
		goto out;
	snprintf(now.file, sizeof(now.file), "%s.jsonl", log->day);
	now.seq = log->seq;
	now.size = log->size;
	memcpy(now.hash, log->hash, sizeof(now.hash));
	if (found && (old.seq == now.seq && !strcmp(old.hash, now.hash)))
		goto out;
	if (found && !audit_synced_intact(log->cfg.dir, &old, strcmp(old.file, now.file) ? -1 : log->fd))
		goto out;
	audit_synced_write(log->synced_path, &now);
out:
	if (code)
		guard_error(code, "%s", before);
	else
		guard_error_clear();
	free(before);
}

/* fsync batch: sync when the last sync (the lock file's mtime) is over a second old. */
static int
sync_day(struct guard_audit *log, bool final)
{
	struct stat st;
	struct timespec now;

	if (log->fd < 0 || log->cfg.fsync == GUARD_AUDIT_FSYNC_NEVER)
		return 0;
	if (log->cfg.fsync == GUARD_AUDIT_FSYNC_BATCH && !final && log->lockfd >= 0 && fstat(log->lockfd, &st) == 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		long long age = (long long)(now.tv_sec - st.st_mtim.tv_sec) * 1000000000LL + (now.tv_nsec - st.st_mtim.tv_nsec);
		if (age >= 0 && age < BATCH_SYNC_GAP_NS)
			return 0;
	}
	if (fdatasync(log->fd) < 0)
		return guard_error(GUARD_EIO, "cannot sync the audit log in '%s': %s", log->cfg.dir, strerror(errno));
	log->synced = true;
	if (log->lockfd >= 0) {
		futimens(log->lockfd, NULL);
		mark_synced(log);
	}
	return 0;
}

int
guard_audit_begin(struct guard_audit *log)
{
	struct stat st;
	int rc;

	if (log->lockfd >= 0)
		return 0;
	if ((rc = audit_lock(log->cfg.dir, log->cfg.lock_timeout_ms, &log->lockfd)) < 0)
		return rc;
	/* Another writer may have appended since: trust the cache only if the file is as we left it. */
	if (log->fd >= 0 && (fstat(log->fd, &st) < 0 || st.st_dev != log->dev || st.st_ino != log->ino ||
			     st.st_size != log->size || st.st_nlink == 0)) {
		close(log->fd);
		log->fd = -1;
		log->tail_ok = false;
	}
	log->batch_seq = log->seq;
	memcpy(log->batch_hash, log->hash, sizeof(log->hash));
	return 0;
}

int
guard_audit_commit(struct guard_audit *log)
{
	int rc = 0;

	if (log->lockfd < 0)
		return 0;
	log->synced = false;
	if (log->npending && log->fd >= 0)
		rc = write_pending(log);
	if (rc == 0)
		rc = sync_day(log, log->cfg.fsync == GUARD_AUDIT_FSYNC_ALWAYS);
	guard_lock_release(log->lockfd);
	log->lockfd = -1;
	/*
	 * An allowed action's record is on disk before the action runs: when
	 * the one-second rule did not sync it, it is synced here, after the
	 * lock is released (a group commit: hooks running side by side share
	 * the file system's journal commit instead of queueing on the lock).
	 */
	if (rc == 0 && log->durable && !log->synced && log->fd >= 0 && log->cfg.fsync != GUARD_AUDIT_FSYNC_NEVER &&
	    fdatasync(log->fd) < 0)
		rc = guard_error(GUARD_EIO, "cannot sync the audit log in '%s': %s", log->cfg.dir, strerror(errno));
	log->durable = false;
	return rc;
}

/*
 * Add one prepared record to the batch: its text goes straight into the
 * batch with prev, seq and ts filled in; the hash goes on from the state
 * the prepare left after the text before prev, so the bytes hashed are the
 * canonical record without its hash, as before. Its closing brace is then
 * replaced by the hash member.
 */
static void
add_record(struct guard_audit *log, const struct guard_audit_rec *r, const char *ts)
{
	crypto_hash_sha256_state st = r->head;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[GUARD_SHA256_HEX], num[24], *p = num + sizeof(num);
	const char *t = r->text.buf;
	const size_t *m = r->mark;
	size_t start = log->pending.len;
	unsigned long seq = log->seq + 1;

	do
		*--p = (char)('0' + seq % 10);
	while ((seq /= 10));
	guard_buf_add(&log->pending, t, m[0]);
	guard_buf_addch(&log->pending, '"');
	guard_buf_add(&log->pending, log->hash, GUARD_AUDIT_HASH_LEN);
	guard_buf_addch(&log->pending, '"');
	guard_buf_add(&log->pending, t + m[0] + 1, m[1] - m[0] - 1);
	guard_buf_add(&log->pending, p, (size_t)(num + sizeof(num) - p));
	guard_buf_add(&log->pending, t + m[1] + 1, m[2] - m[1] - 1);
	guard_buf_addch(&log->pending, '"');
	guard_buf_addstr(&log->pending, ts);
	guard_buf_addch(&log->pending, '"');
	guard_buf_add(&log->pending, t + m[2] + 1, r->text.len - m[2] - 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)log->pending.buf + start + m[0],
				  log->pending.len - start - m[0]);
	crypto_hash_sha256_final(&st, digest);
	guard_hex(hex, digest, sizeof(digest));
	log->pending.len--;
	guard_buf_addstr(&log->pending, ",\"hash\":\"");
	guard_buf_add(&log->pending, hex, GUARD_AUDIT_HASH_LEN);
	guard_buf_addstr(&log->pending, "\"}\n");
	log->seq++;
	memcpy(log->hash, hex, sizeof(log->hash));
	log->npending++;
}

/*
 * Under the lock, the day file of ts open and the chain's tail known: a
 * new day writes the batch so far to the old file; a torn end found is
 * recorded first (audit.torn).
 */
static int
day_ready(struct guard_audit *log, const char *ts)
{
	cJSON *torn = NULL;
	int rc = 0;

	if (log->fd >= 0 && strncmp(log->day, ts, 10)) {
		/* A new day: the batch so far belongs to the old file. */
		if (log->npending && (rc = write_pending(log)) < 0)
			goto out;
		if ((rc = sync_day(log, true)) < 0)
			goto out;
		close(log->fd);
		log->fd = -1;
	}
	if (log->fd < 0) {
		memcpy(log->day, ts, 10);
		log->day[10] = '\0';
		if ((rc = open_day(log, &torn)) < 0)
			goto out;
		log->batch_seq = log->seq;
		memcpy(log->batch_hash, log->hash, sizeof(log->hash));
		if (torn) {
			struct guard_audit_rec *trec = guard_audit_rec_new();
			rc = audit_prepare_own(log->red, "audit.torn", torn, trec);
			if (rc == 0)
				add_record(log, trec, ts);
			guard_audit_rec_free(trec);
		}
	}
out:
	cJSON_Delete(torn);
	return rc;
}

/* The audit.seal record tagging the tail (seq, hash) with the key of k's epoch. */
static int
add_seal(struct guard_audit *log, const struct audit_fss *k, const char *ts)
{
	struct guard_audit_rec *trec = guard_audit_rec_new();
	cJSON *d = cJSON_CreateObject();
	char tag[GUARD_AUDIT_HASH_LEN + 1];
	int rc;

	audit_fss_tag(k->key, k->epoch, log->seq, log->hash, tag);
	cJSON_AddStringToObject(d, "summary", "forward-secure seal of the records up to here");
	cJSON_AddNumberToObject(d, "epoch", (double)k->epoch);
	cJSON_AddNumberToObject(d, "sealed_seq", (double)log->seq);
	cJSON_AddStringToObject(d, "sealed_hash", log->hash);
	cJSON_AddStringToObject(d, "tag", tag);
	if ((rc = audit_prepare_own(log->red, AUDIT_SEAL_EVENT, d, trec)) == 0)
		add_record(log, trec, ts);
	guard_audit_rec_free(trec);
	cJSON_Delete(d);
	return rc;
}

/*
 * Under the lock, before a record: when the sealing key is of an earlier
 * epoch than now, tag the tail with it (force: tag an untagged tail in
 * any case), then move the key on to now, the old one overwritten. Once
 * an epoch, per handle; nothing when the log has no sealing key. The
 * epoch is the record's (at, which its ts was made from): a clock read of
 * its own could fall in the next epoch and tag before a record verify
 * reads as of the epoch before.
 */
static int
fss_step(struct guard_audit *log, const char *ts, const struct timespec *at, bool force)
{
	struct audit_fss k = { 0 };
	/* the record's own time (ts was made from it): the epoch verify reads from ts */
	struct timespec now = *at;
	bool changed = false;
	int fd, rc;

	if (log->fss.none && !force)
		return 0;
	if (log->fss.loaded && !force && audit_fss_epoch_at(&log->fss, now.tv_sec) == log->fss.checked)
		return 0;
	if (!log->fss_path && audit_state_path(log->root, log->cfg.dir, AUDIT_FSS_EXT, false, &log->fss_path) < 0) {
		guard_error_clear(); /* no state folder: no key in it */
		log->fss.none = true;
		return 0;
	}
	if ((fd = open(log->fss_path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			log->fss.none = true;
			return 0;
		}
		return guard_error(GUARD_EIO, "cannot open the sealing key '%s': %s", log->fss_path, strerror(errno));
	}
	if ((rc = audit_fss_load(fd, log->fss_path, &k)) == 0) {
		unsigned long long e = audit_fss_epoch_at(&k, now.tv_sec);
		if (log->seq > k.tagged && (e > k.epoch || force)) {
			if ((rc = add_seal(log, &k, ts)) == 0) {
				k.tagged = log->seq;
				changed = true;
			}
		}
		for (; rc == 0 && k.epoch < e; k.epoch++) {
			audit_fss_evolve(k.key);
			changed = true;
		}
		if (rc == 0 && changed)
			rc = audit_fss_store(fd, log->fss_path, &k);
		if (rc == 0) {
			log->fss = k;
			log->fss.checked = e;
			sodium_memzero(log->fss.key, sizeof(log->fss.key));
		}
	}
	sodium_memzero(&k, sizeof(k));
	close(fd);
	return rc;
}

int
guard_audit_seal_now(struct guard_audit *log, bool *tagged)
{
	char ts[GUARD_TIME_LEN];
	struct timespec at;
	unsigned long before;
	int rc;

	*tagged = false;
	if (!log->fss_path && audit_state_path(log->root, log->cfg.dir, AUDIT_FSS_EXT, false, &log->fss_path) < 0) {
		guard_error_clear(); /* no state folder: no key in it */
		return 0;
	}
	if (access(log->fss_path, F_OK) != 0)
		return 0;
	if ((rc = guard_audit_begin(log)) < 0)
		return rc;
	guard_time_now_at(ts, &at);
	rc = day_ready(log, ts);
	before = log->seq;
	if (rc == 0)
		rc = fss_step(log, ts, &at, true);
	*tagged = rc == 0 && log->seq > before;
	int crc = guard_audit_commit(log);
	return rc < 0 ? rc : crc;
}

static int
append_locked(struct guard_audit *log, const struct guard_audit_rec *rec)
{
	char ts[GUARD_TIME_LEN];
	struct timespec at;
	int rc;

	guard_time_now_at(ts, &at);
	if ((rc = day_ready(log, ts)) < 0 || (rc = fss_step(log, ts, &at, false)) < 0)
		return rc;
	add_record(log, rec, ts);
	return 0;
}

int
guard_audit_append_rec(struct guard_audit *log, const struct guard_audit_rec *rec)
{
	int rc;

	if (log->lockfd >= 0)
		return append_locked(log, rec);
	if ((rc = guard_audit_begin(log)) < 0)
		return rc;
	rc = append_locked(log, rec);
	int crc = guard_audit_commit(log);
	return rc < 0 ? rc : crc;
}

/* An event that lets an action run (or asks a person to): a decision allow or ask, before the tool runs. */
static bool
allows(const cJSON *event)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(event, "decision");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(d, "effect");
	const cJSON *phase = cJSON_GetObjectItemCaseSensitive(event, "phase");

	if (!cJSON_IsString(e) || (cJSON_IsString(phase) && !strcmp(phase->valuestring, "post")))
		return false;
	return !strcmp(e->valuestring, "allow") || !strcmp(e->valuestring, "ask");
}

int
guard_audit_append(struct guard_audit *log, const char *event_name, const cJSON *event)
{
	int rc;

	if (!log->rec)
		log->rec = guard_audit_rec_new();
	if ((rc = guard_audit_prepare(log->red, event_name, event, log->rec)) < 0)
		return rc;
	if (allows(event))
		log->durable = true;
	return guard_audit_append_rec(log, log->rec);
}

int
audit_append_own(struct guard_audit *log, const char *event_name, const cJSON *event)
{
	struct guard_audit_rec *rec;
	int rc;

	if (log->lockfd < 0)
		return guard_error(GUARD_EIO, "audit log '%s': the log's own record outside a batch", log->cfg.dir);
	rec = guard_audit_rec_new();
	if ((rc = audit_prepare_own(log->red, event_name, event, rec)) == 0)
		rc = append_locked(log, rec);
	guard_audit_rec_free(rec);
	return rc;
}

int
audit_flush(struct guard_audit *log)
{
	int rc = 0;

	if (log->lockfd < 0)
		return guard_error(GUARD_EIO, "audit log '%s': flush outside a batch", log->cfg.dir);
	if (log->npending && log->fd >= 0)
		rc = write_pending(log);
	if (rc == 0 && log->fd >= 0 && fdatasync(log->fd) < 0)
		rc = guard_error(GUARD_EIO, "cannot sync the audit log in '%s': %s", log->cfg.dir, strerror(errno));
	if (rc == 0)
		mark_synced(log);
	return rc;
}

const char *
audit_dir(const struct guard_audit *log)
{
	return log->cfg.dir;
}

const char *
audit_root(const struct guard_audit *log)
{
	return log->root;
}

const struct guard_audit_config *
audit_config(const struct guard_audit *log)
{
	return &log->cfg;
}

void
audit_last(const struct guard_audit *log, unsigned long *seq, char hash[GUARD_AUDIT_HASH_LEN + 1])
{
	*seq = log->seq;
	memcpy(hash, log->hash, GUARD_AUDIT_HASH_LEN + 1);
}

void
guard_audit_set_fsync(struct guard_audit *log, enum guard_audit_fsync mode)
{
	log->cfg.fsync = mode;
}

enum guard_audit_fsync
audit_fsync_mode(const struct guard_audit *log)
{
	return log->cfg.fsync;
}

unsigned long
guard_audit_written(const struct guard_audit *log)
{
	return log->written;
}

bool
guard_audit_fail_closed(const struct guard_audit *log)
{
	return log->cfg.fail_closed;
}

void
guard_audit_close(struct guard_audit *log)
{
	if (!log)
		return;
	if (log->lockfd >= 0)
		guard_audit_commit(log);
	if (log->fd >= 0) {
		/* The end of a stream is a batch boundary; a one-record writer
		 * (the hook) keeps to the one-second rule instead. */
		if (log->cfg.fsync == GUARD_AUDIT_FSYNC_BATCH && log->written > 1)
			fdatasync(log->fd);
		close(log->fd);
	}
	if (log->hashes_fd >= 0)
		close(log->hashes_fd);
	guard_redactor_free(log->red);
	guard_audit_config_release(&log->cfg);
	free(log->root);
	free(log->synced_path);
	free(log->fss_path);
	guard_buf_release(&log->pending);
	guard_audit_rec_free(log->rec);
	free(log);
}

int
guard_audit_record(const char *project_root, const struct guard_policy *policy, const char *event_name,
		   const cJSON *event)
{
	struct guard_audit *log;
	int rc;

	if ((rc = guard_audit_open(&log, project_root, policy)) < 0)
		return rc;
	rc = guard_audit_append(log, event_name, event);
	guard_audit_close(log);
	return rc;
}
