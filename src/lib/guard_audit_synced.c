/*
 * The synced-record watermark: the last record known to be on disk (the
 * day file was fsync'd after it), kept in the state folder (guard_state.h)
 * where no stash, clean or reset reaches and the built-in policy keeps the
 * agent out. verify holds the log to it: a record that was once synced
 * and is gone or changed was cut or rewritten, not torn by a crash.
 *
 * One line of fixed width, rewritten in place with one pwrite (no rename,
 * no fsync: a crash leaves the old or the new line, both true):
 *   guard-audit-synced 1 <file> <seq, 20 digits> <size, 20 digits> <hash>
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_state.h"

#define SYNCED_TAG "guard-audit-synced 1 "
#define SYNCED_LINE_LEN (sizeof(SYNCED_TAG) - 1 + 16 + 1 + 20 + 1 + 20 + 1 + GUARD_AUDIT_HASH_LEN + 1)

/* FNV-1a, 64 bits: the watermark's name only has to tell audit folders apart, cheaply. */
static unsigned long long
fnv1a(const char *s)
{
	unsigned long long h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

int
audit_state_path(const char *root, const char *dir, const char *ext, bool create, char **out)
{
	char *state;
	int rc;

	*out = NULL;
	if ((rc = guard_state_dir(root, create, &state)) < 0)
		return rc;
	/*
	 * One file per audit folder, named by its path: worktrees share the
	 * state folder, not their logs. The path as configured is enough (no
	 * realpath on the hook's path): roots are canonical (guard_project_root).
	 */
	*out = guard_xasprintf("%s/audit-%016llx.%s", state, fnv1a(dir), ext);
	free(state);
	return 0;
}

int
audit_synced_path(const char *root, const char *dir, bool create, char **out)
{
	return audit_state_path(root, dir, "synced", create, out);
}

/* A fixed-width field of digits at p: false unless all n are digits. */
static bool
digits(const char *p, size_t n, unsigned long long *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*out = *out * 10 + (unsigned long long)(p[i] - '0');
	}
	return true;
}

static void
put_digits(char *p, size_t n, unsigned long long v)
{
	for (size_t i = n; i-- > 0; v /= 10)
		p[i] = (char)('0' + v % 10);
}

/* Offsets of the fields in the line (SYNCED_TAG, then file seq size hash, one space apart). */
enum {
	AT_FILE = sizeof(SYNCED_TAG) - 1,
	AT_SEQ = AT_FILE + 16 + 1,
	AT_SIZE = AT_SEQ + 20 + 1,
	AT_HASH = AT_SIZE + 20 + 1,
};

int
audit_synced_read(const char *path, struct audit_synced *w, bool *found)
{
	char buf[SYNCED_LINE_LEN + 1];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	unsigned long long seq, size;
	ssize_t n;

	*found = false;
	memset(w, 0, sizeof(*w));
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return guard_error(GUARD_EIO, "cannot read the synced-record watermark '%s': %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return guard_error(GUARD_EIO, "cannot read the synced-record watermark '%s': %s", path, strerror(errno));
	memcpy(w->file, buf + AT_FILE, 16);
	w->file[16] = '\0';
	memcpy(w->hash, buf + AT_HASH, GUARD_AUDIT_HASH_LEN);
	w->hash[GUARD_AUDIT_HASH_LEN] = '\0';
	if ((size_t)n != SYNCED_LINE_LEN || memcmp(buf, SYNCED_TAG, AT_FILE) || !audit_is_day_file(w->file) ||
	    buf[AT_SEQ - 1] != ' ' || !digits(buf + AT_SEQ, 20, &seq) || buf[AT_SIZE - 1] != ' ' ||
	    !digits(buf + AT_SIZE, 20, &size) || buf[AT_HASH - 1] != ' ' || strspn(w->hash, "0123456789abcdef") !=
	    GUARD_AUDIT_HASH_LEN || buf[SYNCED_LINE_LEN - 1] != '\n')
		return guard_error(GUARD_EDENY, "the synced-record watermark '%s' is damaged: it was written by "
				   "something other than guard", path);
	w->seq = (unsigned long)seq;
	w->size = (off_t)size;
	*found = true;
	return 0;
}

int
audit_synced_write(const char *path, const struct audit_synced *w)
{
	char line[SYNCED_LINE_LEN];
	int fd, rc = 0;

	memset(line, ' ', sizeof(line));
	memcpy(line, SYNCED_TAG, AT_FILE);
	memcpy(line + AT_FILE, w->file, 16);
	put_digits(line + AT_SEQ, 20, w->seq);
	put_digits(line + AT_SIZE, 20, (unsigned long long)w->size);
	memcpy(line + AT_HASH, w->hash, GUARD_AUDIT_HASH_LEN);
	line[SYNCED_LINE_LEN - 1] = '\n';
	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    pwrite(fd, line, SYNCED_LINE_LEN, 0) != (ssize_t)SYNCED_LINE_LEN)
		rc = guard_error(GUARD_EIO, "cannot write the synced-record watermark '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * Whether the record w names still ends at w->size of its file with
 * w->hash: the one pread of its hash member. fd, when not -1, is that
 * file already open.
 */
bool
audit_synced_intact(const char *dir, const struct audit_synced *w, int fd)
{
	char tail[AUDIT_HASH_TAIL + 1], want[AUDIT_HASH_TAIL + 2];
	int own = -1;
	bool ok;

	if (w->size < (off_t)sizeof(tail))
		return false;
	if (fd < 0) {
		char *path = guard_xasprintf("%s/%s", dir, w->file);
		fd = own = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		free(path);
		if (fd < 0)
			return false;
	}
	snprintf(want, sizeof(want), ",\"hash\":\"%.64s\"}\n", w->hash);
	ok = pread(fd, tail, sizeof(tail), w->size - (off_t)sizeof(tail)) == (ssize_t)sizeof(tail) &&
	     !memcmp(tail, want, sizeof(tail));
	if (own >= 0)
		close(own);
	return ok;
}

/* Where the line after the one at at starts (n at the end). */
static size_t
next_line(const char *text, size_t n, size_t at)
{
	const char *nl = memchr(text + at, '\n', n - at);
	return nl ? (size_t)(nl - text) + 1 : n;
}

bool
guard_audit_owns(const char *root, const char *dir, const char *name, const void *data, size_t len)
{
	const char *p = data, *end = p + len, *nl;
	char *path = NULL, *ledger = NULL, ext[32], hash[GUARD_AUDIT_HASH_LEN + 1], last_hash[GUARD_AUDIT_HASH_LEN + 1] = "";
	size_t n = 0, at = 0;
	unsigned long last_seq = 0;
	bool owned = audit_is_day_file(name) && len && end[-1] == '\n';

	snprintf(ext, sizeof(ext), "%.10s.hashes", name);
	if (!owned || audit_state_path(root, dir, ext, false, &path) < 0 ||
	    guard_file_read(path, (size_t)1 << 30, 1, &ledger, &n) < 0)
		owned = false;
	/*
	 * every line a record (its hash right) that the ledger holds, in the
	 * ledger's order; the first the day's first, each after it chained to
	 * the one before (its prev that one's hash, its seq one more): the
	 * file is the day's records from the start with none left out (attack12
	 * M24: a subset of guard's records, the rm -rf one taken away, is not
	 * guard's). The ledger may hold more (a batch cut back on a failed write).
	 */
	for (; owned && p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		unsigned long seq;
		char prev[GUARD_AUDIT_HASH_LEN + 1];
		owned = guard_audit_line_check(p, (size_t)(nl - p), hash) == 0;
		audit_seq_prev_of(p, (size_t)(nl - p), &seq, prev);
		if (owned && p == data)
			owned = n > AUDIT_LEDGER_HEX && !memcmp(ledger, hash, AUDIT_LEDGER_HEX) &&
				ledger[AUDIT_LEDGER_HEX] == '\n';
		else if (owned)
			owned = seq == last_seq + 1 && !strcmp(prev, last_hash);
		while (owned && at + AUDIT_LEDGER_HEX < n &&
		       (memcmp(ledger + at, hash, AUDIT_LEDGER_HEX) || ledger[at + AUDIT_LEDGER_HEX] != '\n'))
			at = next_line(ledger, n, at);
		owned = owned && at + AUDIT_LEDGER_HEX < n;
		at = owned ? next_line(ledger, n, at) : at;
		last_seq = seq;
		memcpy(last_hash, hash, sizeof(last_hash));
	}
	guard_error_clear();
	free(ledger);
	free(path);
	return owned;
}
