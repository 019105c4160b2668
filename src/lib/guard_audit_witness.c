/*
 * Automatic seals (audit.witness, guard_audit.h): after an append, is a
 * seal due? The answer must cost the hook next to nothing, so it comes
 * from the seq just written and one fixed-width line in the state folder
 * (out of the agent's reach, like the synced-record watermark):
 *   guard-audit-witness 1 <seq of the last seal, 20 digits> <its unix time, 20 digits>
 * When a seal is due the line is rewritten first (the claim: concurrent
 * hooks do not start one each), then `guard-audit seal` is started
 * detached (double fork, its own session, stdin and stdout on /dev/null,
 * stderr kept in the state folder's seal-error file), so the
 * agent never waits for the seal, its verify or libgit2.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard_audit_int.h"
#include "guard_file.h"
#include "guard_error.h"

#define WITNESS_TAG "guard-audit-witness 1 "
#define WITNESS_LINE_LEN (sizeof(WITNESS_TAG) - 1 + 20 + 1 + 20 + 1)

int
guard_audit_witness_path(const char *root, const char *dir, char **out)
{
	return audit_state_path(root, dir, "witness", true, out);
}

static bool
field(const char *p, unsigned long long *out)
{
	*out = 0;
	for (size_t i = 0; i < 20; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*out = *out * 10 + (unsigned long long)(p[i] - '0');
	}
	return true;
}

/* The last seal's seq and time; 0 and 0 when there is no (readable) line. */
static void
witness_read(int fd, unsigned long long *seq, unsigned long long *when)
{
	char line[WITNESS_LINE_LEN];

	*seq = *when = 0;
	if (pread(fd, line, sizeof(line), 0) != (ssize_t)sizeof(line) ||
	    memcmp(line, WITNESS_TAG, sizeof(WITNESS_TAG) - 1) || !field(line + sizeof(WITNESS_TAG) - 1, seq) ||
	    !field(line + sizeof(WITNESS_TAG) + 20, when))
		*seq = *when = 0;
}

static int
witness_write(int fd, const char *path, unsigned long long seq, unsigned long long when)
{
	char line[WITNESS_LINE_LEN + 1];

	snprintf(line, sizeof(line), WITNESS_TAG "%020llu %020llu\n", seq, when);
	if (pwrite(fd, line, WITNESS_LINE_LEN, 0) != (ssize_t)WITNESS_LINE_LEN)
		return guard_error(GUARD_EIO, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static int
witness_open(const char *path, int flags)
{
	return open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
}

int
guard_audit_witness_sealed(const char *root, const char *dir, unsigned long seq)
{
	char *path;
	int fd, rc;

	if ((rc = guard_audit_witness_path(root, dir, &path)) < 0)
		return rc;
	if ((fd = witness_open(path, O_RDWR | O_CREAT)) < 0)
		rc = guard_error(GUARD_EIO, "cannot open '%s': %s", path, strerror(errno));
	else
		rc = witness_write(fd, path, seq, (unsigned long long)time(NULL));
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/*
 * guard-audit beside the running program, started detached in root: it
 * seals, the caller goes on. Its stderr goes to errpath (emptied first),
 * and a failure's exit is added there by the process that waits for it,
 * so a seal that fails leaves its reason (guard doctor shows it).
 */
static void
start_seal(const char *root, const char *errpath)
{
	static const char failed[] = "guard-audit seal ended with an error\n";
	static const char killed[] = "guard-audit seal was killed by a signal\n";
	char *self = realpath("/proc/self/exe", NULL);
	char *prog;
	pid_t pid = -1;

	if (!self)
		return;
	prog = guard_xasprintf("%s/guard-audit", dirname(self));
	free(self);
	if (access(prog, X_OK) == 0 && (pid = fork()) == 0) {
		char *argv[] = { prog, "seal", NULL };
		int null, err, status;
		pid_t seal;
		/* only async-signal-safe calls from here on: the caller may have threads */
		if (fork() != 0)
			_exit(0);
		setsid();
		err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if ((null = open("/dev/null", O_RDWR)) >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(err >= 0 ? err : null, 2);
		}
		close_range(3, ~0U, 0);
		if (chdir(root) < 0 || (seal = fork()) < 0)
			_exit(write(2, failed, sizeof(failed) - 1) < 0);
		if (seal == 0) {
			execv(prog, argv);
			_exit(127);
		}
		while (waitpid(seal, &status, 0) < 0)
			if (errno != EINTR)
				_exit(1);
		if (WIFSIGNALED(status) && write(2, killed, sizeof(killed) - 1) < 0)
			_exit(1);
		if (WIFEXITED(status) && WEXITSTATUS(status) && write(2, failed, sizeof(failed) - 1) < 0)
			_exit(1);
		_exit(0);
	} else if (pid > 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(prog);
}

int
guard_audit_witness_error_path(const char *root, const char *dir, char **out)
{
	return audit_state_path(root, dir, "seal-error", false, out);
}

int
guard_audit_witness_error(const char *root, const char *dir, char **text, time_t *when)
{
	char *path, buf[1024];
	struct stat st;
	ssize_t n = 0;
	int fd, rc;

	*text = NULL;
	*when = 0;
	if ((rc = guard_audit_witness_error_path(root, dir, &path)) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &st) == 0 && (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			*text = guard_xstrdup(buf);
			*when = st.st_mtime;
		}
		close(fd);
	}
	free(path);
	return 0;
}

/* N records or T seconds since the last seal (or claim)? */
static bool
is_due(const struct guard_audit_config *cfg, unsigned long seq, unsigned long long now, unsigned long long last_seq,
       unsigned long long last_time)
{
	return (cfg->witness_records && seq >= last_seq + cfg->witness_records) ||
	       (cfg->witness_seconds && now >= last_time + (unsigned long long)cfg->witness_seconds);
}

int
guard_audit_witness(struct guard_audit *log)
{
	const struct guard_audit_config *cfg = audit_config(log);
	unsigned long long last_seq, last_time, now;
	unsigned long seq;
	char hash[GUARD_AUDIT_HASH_LEN + 1], *path;
	int fd, rc = 0;

	if (!cfg->witness_records && !cfg->witness_seconds)
		return 0;
	audit_last(log, &seq, hash);
	if ((rc = guard_audit_witness_path(audit_root(log), audit_dir(log), &path)) < 0)
		return rc;
	/* made only when a seal is first due: until then, never sealed (0, 0) */
	now = (unsigned long long)time(NULL);
	fd = witness_open(path, O_RDWR);
	if (fd >= 0)
		witness_read(fd, &last_seq, &last_time);
	else
		last_seq = last_time = 0;
	bool due = is_due(cfg, seq, now, last_seq, last_time);
	if (due && fd < 0 && (fd = witness_open(path, O_RDWR | O_CREAT)) < 0) {
		rc = guard_error(GUARD_EIO, "cannot open '%s': %s", path, strerror(errno));
		free(path);
		return rc;
	}
	/* due: claim it under the file's lock, read again (another hook may have claimed it just now) */
	if (due && flock(fd, LOCK_EX | LOCK_NB) == 0) {
		witness_read(fd, &last_seq, &last_time);
		due = is_due(cfg, seq, now, last_seq, last_time);
		char *errpath = NULL;
		if (due && (rc = witness_write(fd, path, seq, now)) == 0 &&
		    (rc = guard_audit_witness_error_path(audit_root(log), audit_dir(log), &errpath)) == 0)
			start_seal(audit_root(log), errpath);
		free(errpath);
		flock(fd, LOCK_UN);
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/* ---------------------------------------------------------------- the ref's last value */

#define REF_TAG "guard-audit-ref 1 "

int
guard_audit_ref_expected_path(const char *root, const char *dir, bool create, char **out)
{
	return audit_state_path(root, dir, "ref", create, out);
}

int
guard_audit_ref_expected(const char *root, const char *dir, char *oid, bool *found)
{
	char *path = NULL, *text = NULL;
	size_t len = 0;
	int rc;

	*found = false;
	oid[0] = '\0';
	if ((rc = guard_audit_ref_expected_path(root, dir, false, &path)) < 0) {
		guard_error_clear();
		return 0; /* no state folder: no seal wrote a ref here */
	}
	rc = guard_file_read(path, 256, 1, &text, &len);
	if (rc == GUARD_ENOTFOUND) {
		guard_error_clear();
		rc = 0;
	} else if (rc == 0) {
		if (len != sizeof(REF_TAG) - 1 + 40 + 1 || memcmp(text, REF_TAG, sizeof(REF_TAG) - 1) ||
		    strspn(text + sizeof(REF_TAG) - 1, "0123456789abcdef") != 40 || text[len - 1] != '\n') {
			rc = guard_error(GUARD_EDENY, "'%s' is damaged: it should hold the commit guard-audit last put on "
					 "refs/guard/audit", path);
		} else {
			memcpy(oid, text + sizeof(REF_TAG) - 1, 40);
			oid[40] = '\0';
			*found = true;
		}
	}
	free(text);
	free(path);
	return rc;
}

int
guard_audit_ref_expected_write(const char *root, const char *dir, const char *oid)
{
	char *path = NULL, line[sizeof(REF_TAG) + 42];
	int rc;

	if ((rc = guard_audit_ref_expected_path(root, dir, true, &path)) < 0)
		return rc;
	snprintf(line, sizeof(line), "%s%.40s\n", REF_TAG, oid);
	rc = guard_file_write_atomic(path, line, strlen(line), 0600);
	free(path);
	return rc;
}
