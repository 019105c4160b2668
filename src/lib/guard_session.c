#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_audit.h"
#include "guard_session.h"
#include "guard_state.h"
#include "guard_time.h"

int
guard_session_id_check(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (!n || n > 128 || id[0] == '.' ||
	    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return guard_error(GUARD_EUSAGE, "'%s' is not a session id", id ? id : "");
	return 0;
}

char *
guard_session_path(const char *root, const char *id, const char *suffix)
{
	return guard_xasprintf("%s/.ai/sessions/%s%s", root, id, suffix);
}

/* ---- where the live state is ------------------------------------------
 *
 * "<state dir>/sessions" (guard_state_dir: git's common directory) holds
 * <id>.json, the state that enforces limits, and <id>.lock. Names that
 * start with a dot are guard's own: ".start.lock" (one start at a time
 * per repository), ".import.lock", and ".imported-<hash of root>", the
 * marker that root's old .ai/sessions was imported. No session id starts
 * with a dot, so they never meet.
 */

/* Copy the last message before wrapping it (guard_error reuses its buffer). */
static int
state_error(int rc, const char *dir)
{
	char *why = guard_xstrdup(guard_error_last());
	rc = guard_error(rc, "cannot keep session state in '%s' (the counters that enforce limits): %s", dir, why);
	free(why);
	return rc;
}

/* The object in text when it is a state file of session id, else NULL. */
static cJSON *
parse_state(const char *text, size_t len, const char *id)
{
	cJSON *s = cJSON_ParseWithLength(text, len);
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(s, "id");

	if (!cJSON_IsObject(s) || !cJSON_IsString(sid) || strcmp(sid->valuestring, id) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "counters")) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "limits")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "status"))) {
		cJSON_Delete(s);
		return NULL;
	}
	return s;
}

/* The id of a "<id>.json" entry (caller frees), or NULL for anything else. */
static char *
json_entry_id(const char *name)
{
	size_t len = strlen(name);

	if (len <= 5 || strcmp(name + len - 5, ".json") || name[0] == '.')
		return NULL;
	char *id = guard_xstrndup(name, len - 5);
	if (guard_session_id_check(id) < 0) {
		guard_error_clear();
		free(id);
		return NULL;
	}
	return id;
}

static char *
import_marker(const char *dir, const char *root)
{
	char hex[GUARD_SHA256_HEX];

	guard_sha256_hex(root, strlen(root), hex);
	return guard_xasprintf("%s/.imported-%.16s", dir, hex);
}

/* Whether root's old place, .ai/sessions, has any "<id>.json" to import. */
static bool
has_old_states(const char *root)
{
	char *old = guard_xasprintf("%s/.ai/sessions", root);
	DIR *d = opendir(old);
	struct dirent *e;
	bool found = false;

	free(old);
	while (d && !found && (e = readdir(d))) {
		char *id = json_entry_id(e->d_name);
		found = id != NULL;
		free(id);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * Import one old state file: copied byte for byte, and only when no state
 * of that id exists, so a second run (or a report written later under the
 * same name) never counts a session twice. The old file stays as a report.
 */
static int
import_one(const char *root, const char *dir, const char *id, cJSON *imported, cJSON *skipped)
{
	char *old = guard_session_path(root, id, ".json"), *new = guard_xasprintf("%s/%s.json", dir, id);
	char *text = NULL;
	size_t len;
	struct stat st;
	cJSON *s = NULL;
	int rc = 0;

	if (lstat(new, &st) == 0)
		goto out; /* already here */
	if (guard_file_read(old, GUARD_SESSION_MAX_BYTES, 1, &text, &len) < 0 || !(s = parse_state(text, len, id))) {
		/* Malformed before the upgrade too: list skipped it, so it never counted. */
		guard_error_clear();
		cJSON_AddItemToArray(skipped, cJSON_CreateString(id));
		goto out;
	}
	if ((rc = guard_file_write_atomic(new, text, len, 0600)) >= 0)
		cJSON_AddItemToArray(imported, cJSON_CreateString(id));
out:
	cJSON_Delete(s);
	free(text);
	free(new);
	free(old);
	return rc;
}

/*
 * Import root's old-layout state into dir once (per worktree root): every
 * state file, then the marker. A crash between leaves no marker, and the
 * next run imports only what is missing.
 */
static int
import_old(const char *root, const char *dir, const char *marker)
{
	char *lock = guard_xasprintf("%s/.import.lock", dir), *old = guard_xasprintf("%s/.ai/sessions", root);
	cJSON *rec = cJSON_CreateObject(), *imported, *skipped;
	char ts[GUARD_TIME_LEN];
	struct stat st;
	struct dirent *e;
	DIR *d = NULL;
	int fd = -1, rc;

	if ((rc = guard_lock_acquire(lock, 5000, &fd)) < 0 || lstat(marker, &st) == 0)
		goto out; /* or another process imported meanwhile */
	guard_time_now(ts);
	cJSON_AddStringToObject(rec, "root", root);
	cJSON_AddStringToObject(rec, "at", ts);
	imported = cJSON_AddArrayToObject(rec, "imported");
	skipped = cJSON_AddArrayToObject(rec, "skipped");
	if (!(d = opendir(old)) && errno != ENOENT) {
		rc = guard_error(GUARD_EIO, "cannot read '%s': %s", old, strerror(errno));
		goto out;
	}
	while (d && rc >= 0 && (e = readdir(d))) {
		char *id = json_entry_id(e->d_name);
		if (id)
			rc = import_one(root, dir, id, imported, skipped);
		free(id);
	}
	if (rc >= 0) {
		char *text = guard_json_pretty(rec, 1);
		rc = guard_file_write_atomic(marker, text, strlen(text), 0600);
		free(text);
	}
out:
	if (d)
		closedir(d);
	guard_lock_release(fd);
	cJSON_Delete(rec);
	free(old);
	free(lock);
	return rc;
}

/*
 * The folder of the live states (caller frees *out). With create it is
 * made, and root's old state imported on first use. Without, nothing is
 * made unless there is old state to import: *out may not exist yet.
 */
static int
sessions_dir(const char *root, bool create, char **out)
{
	char *state = NULL, *dir = NULL, *marker = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	if ((rc = guard_state_dir(root, false, &state)) < 0)
		return rc;
	dir = guard_xasprintf("%s/sessions", state);
	marker = import_marker(dir, root);
	if (lstat(marker, &st) == 0 || (!create && !has_old_states(root)))
		goto done;
	free(state);
	state = NULL;
	if ((rc = guard_state_dir(root, true, &state)) < 0 || (rc = guard_mkdirs(dir, 0700)) < 0)
		goto fail;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rc = guard_error(GUARD_EIO, "'%s' is not a folder", dir);
		goto fail;
	}
	if ((rc = import_old(root, dir, marker)) < 0)
		goto fail;
done:
	*out = dir;
	dir = NULL;
	goto out;
fail:
	rc = state_error(rc, dir);
out:
	free(marker);
	free(state);
	free(dir);
	return rc;
}

/* "<state dir>/sessions/<name>" (caller frees *out); create as for sessions_dir. */
static int
state_file(const char *root, const char *name, bool create, char **out)
{
	char *dir = NULL;
	int rc = sessions_dir(root, create, &dir);

	*out = rc < 0 ? NULL : guard_xasprintf("%s/%s", dir, name);
	free(dir);
	return rc;
}

int
guard_session_state_path(const char *root, const char *id, char **out)
{
	char *name;
	int rc;

	*out = NULL;
	if ((rc = guard_session_id_check(id)) < 0)
		return rc;
	name = guard_xasprintf("%s.json", id);
	rc = state_file(root, name, false, out);
	free(name);
	return rc;
}

int
guard_session_load(const char *root, const char *id, cJSON **out)
{
	char *path = NULL, *text = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = guard_session_state_path(root, id, &path)) < 0)
		return rc;
	rc = guard_file_read(path, GUARD_SESSION_MAX_BYTES, 1, &text, &len);
	if (rc == GUARD_ENOTFOUND)
		rc = guard_error(GUARD_ENOTFOUND, "no session '%s' in %s", id, root);
	else if (rc >= 0 && !(*out = parse_state(text, len, id)))
		rc = guard_error(GUARD_EUSAGE, "'%s' is not a session state file (left as it is)", path);
	free(text);
	free(path);
	return rc;
}

int
guard_session_here(const cJSON *state, const char *root)
{
	const char *project = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "project"));

	if (project && strcmp(project, root))
		return guard_error(GUARD_ENOTFOUND, "session '%s' runs in '%s', not in '%s'",
				   cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id")), project, root);
	return 0;
}

int
guard_session_save(const char *root, const cJSON *state)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	char *path = NULL, *text;
	int rc;

	if ((rc = guard_session_state_path(root, id, &path)) < 0)
		return rc;
	text = guard_json_pretty(state, 1);
	if ((rc = guard_file_write_atomic(path, text, strlen(text), 0600)) < 0)
		rc = state_error(rc, path);
	free(text);
	free(path);
	return rc;
}

int
guard_session_forget(const char *root, const char *id)
{
	char *path = NULL;
	int rc;

	if ((rc = guard_session_state_path(root, id, &path)) < 0)
		return rc;
	if (unlink(path) < 0 && errno != ENOENT)
		rc = guard_error(GUARD_EIO, "cannot remove '%s': %s", path, strerror(errno));
	free(path);
	return rc;
}

/*
 * The ledger of a session's records (attack11 L11): "<state dir>/sessions/
 * <id>.records" holds the SHA-256 of every version guard wrote of the
 * session's files in the work tree (.ai/sessions/<id>.json, .log.jsonl,
 * .pr.md), one a line. A commit that carries such a file is guard's only
 * when its content is one of them: git can put anything under those
 * names in the work tree, but not in git's folder. A ledger that cannot be
 * kept costs no record: the version missing from it counts when committed.
 */
void
guard_session_note_record(const char *root, const char *id, const void *data, size_t len)
{
	char *name = guard_xasprintf("%s.records", id), *path = NULL, hex[GUARD_SHA256_HEX + 1];
	char *before = guard_xstrdup(guard_error_last()); /* a caller's error outlives this */
	int fd = -1, code = guard_error_code();

	if (guard_session_id_check(id) == 0 && state_file(root, name, true, &path) == 0) {
		guard_sha256_hex(data, len, hex);
		hex[GUARD_SHA256_HEX - 1] = '\n';
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
		/* a short write is cut back: the lines after it keep their places */
		if (fd >= 0 && write(fd, hex, GUARD_SHA256_HEX) != (ssize_t)GUARD_SHA256_HEX &&
		    ftruncate(fd, lseek(fd, 0, SEEK_END) / GUARD_SHA256_HEX * GUARD_SHA256_HEX) < 0)
			guard_error_clear();
	}
	if (code)
		guard_error(code, "%s", before);
	else
		guard_error_clear();
	if (fd >= 0)
		close(fd);
	free(before);
	free(path);
	free(name);
}

bool
guard_session_owns(const char *sessions_dir, const char *id, const void *data, size_t len)
{
	char *path, *text = NULL, hex[GUARD_SHA256_HEX];
	size_t n = 0;
	bool found = false;

	if (guard_session_id_check(id) < 0) {
		guard_error_clear();
		return false;
	}
	path = guard_xasprintf("%s/%s.records", sessions_dir, id);
	guard_sha256_hex(data, len, hex);
	if (guard_file_read(path, GUARD_SESSION_MAX_BYTES, 1, &text, &n) >= 0)
		for (size_t i = 0; !found && i + GUARD_SHA256_HEX <= n; i += GUARD_SHA256_HEX)
			found = !memcmp(text + i, hex, GUARD_SHA256_HEX - 1) && text[i + GUARD_SHA256_HEX - 1] == '\n';
	guard_error_clear();
	free(text);
	free(path);
	return found;
}

int
guard_session_report(const char *root, const cJSON *state)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	char *dir = guard_xasprintf("%s/.ai/sessions", root), *path = NULL, *text = NULL;
	cJSON *copy = cJSON_Duplicate(state, 1);
	int rc;

	/* The hook's bookkeeping means nothing to a reader. */
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "pending");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "denied");
	if ((rc = guard_session_id_check(id)) < 0 || (rc = guard_mkdirs(dir, 0755)) < 0)
		goto out;
	path = guard_session_path(root, id, ".json");
	text = guard_json_pretty(copy, 1);
	guard_session_note_record(root, id, text, strlen(text));
	rc = guard_file_write_atomic(path, text, strlen(text), 0644);
out:
	free(text);
	free(path);
	free(dir);
	cJSON_Delete(copy);
	return rc;
}

/* An exclusive lock on "<state dir>/sessions/<name>", waiting up to 5 s. */
static int
state_lock(const char *root, const char *name, int *fd)
{
	char *path = NULL;
	int rc;

	*fd = -1;
	if ((rc = state_file(root, name, true, &path)) < 0)
		return rc;
	if ((rc = guard_lock_acquire(path, 5000, fd)) < 0 && rc != GUARD_EEXPIRED)
		rc = state_error(rc, path);
	free(path);
	return rc;
}

int
guard_session_lock(const char *root, const char *id, int *fd)
{
	char *name;
	int rc;

	*fd = -1;
	if ((rc = guard_session_id_check(id)) < 0)
		return rc;
	name = guard_xasprintf("%s.lock", id);
	rc = state_lock(root, name, fd);
	free(name);
	return rc;
}

int
guard_session_lock_remove(const char *root, const char *id)
{
	char *path = NULL, *name;
	int fd = -1, rc;

	if ((rc = guard_session_lock(root, id, &fd)) < 0)
		return rc;
	name = guard_xasprintf("%s.lock", id);
	if ((rc = state_file(root, name, false, &path)) >= 0 && unlink(path) < 0 && errno != ENOENT)
		rc = guard_error(GUARD_EIO, "cannot remove '%s': %s", path, strerror(errno));
	guard_lock_release(fd);
	free(name);
	free(path);
	return rc;
}

int
guard_session_start_lock(const char *root, int *fd)
{
	return state_lock(root, ".start.lock", fd);
}

unsigned long long
guard_proc_start(long pid)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Field 22, counted after the ")" that closes the command name. */
	char *p = strrchr(buf, ')');
	char state = p && p[1] ? p[2] : 0;
	if (!p || state == 'Z' || state == 'X')
		return 0;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

int
guard_session_beat(const char *root, const char *id)
{
	char *name, *path = NULL;
	int rc, fd;

	if ((rc = guard_session_id_check(id)) < 0)
		return rc;
	name = guard_xasprintf("%s.beat", id);
	if ((rc = state_file(root, name, true, &path)) >= 0) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 || futimens(fd, NULL) < 0)
			rc = guard_error(GUARD_EIO, "cannot touch '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	free(name);
	free(path);
	return rc;
}

char *
guard_session_frozen(const char *root, const cJSON *state)
{
	const cJSON *sup = cJSON_GetObjectItemCaseSensitive(state, "supervisor");
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	double pid = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sup, "pid"));
	char path[64], buf[512], *p, *name, *beat = NULL, *why = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	if (!cJSON_IsObject(sup) || !id || pid != pid || pid <= 0)
		return NULL;
	/* stopped (kill -STOP, a debugger): it polls nothing while the agent goes on */
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if ((p = strrchr(buf, ')')) && p[1] && (p[2] == 'T' || p[2] == 't'))
			return guard_xasprintf("its supervisor (pid %ld) is stopped", (long)pid);
	}
	/* its heartbeat: touched every second; missing or older than 2 polls is a supervisor that does not poll */
	name = guard_xasprintf("%s.beat", id);
	if (state_file(root, name, false, &beat) < 0)
		guard_error_clear();
	else if (lstat(beat, &st) < 0 || !S_ISREG(st.st_mode))
		why = guard_xasprintf("its supervisor's heartbeat %s is missing", beat);
	else if (time(NULL) - st.st_mtime > GUARD_SESSION_BEAT_STALE)
		why = guard_xasprintf("its supervisor's heartbeat is %llds old (more than %ds)",
				      (long long)(time(NULL) - st.st_mtime), GUARD_SESSION_BEAT_STALE);
	free(name);
	free(beat);
	return why;
}

const char *
guard_session_status(const cJSON *state)
{
	const char *status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "status"));
	const cJSON *sup = cJSON_GetObjectItemCaseSensitive(state, "supervisor");

	if (!status)
		return "unknown";
	if (strcmp(status, "running") || !cJSON_IsObject(sup))
		return status;
	/* A supervised session lives as long as its supervisor does. */
	double pid = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sup, "pid"));
	double start = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sup, "start"));
	/* a start of 0 was never read: it must not match a pid that is gone (also 0) */
	if (pid != pid || start != start || start <= 0 || guard_proc_start((long)pid) != (unsigned long long)start)
		return "interrupted";
	return "running";
}

static int
by_start(const void *a, const void *b)
{
	const char *x = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)a, "started_at"));
	const char *y = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)b, "started_at"));
	int c = strcmp(x ? x : "", y ? y : "");
	if (c)
		return c;
	return strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)a, "id")),
		      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)b, "id")));
}

int
guard_session_list(const char *root, cJSON **out, struct guard_list *skipped)
{
	cJSON **items = NULL, *list = cJSON_CreateArray();
	size_t n = 0, alloc = 0;
	struct dirent *e;
	char *dir = NULL;
	DIR *d;
	int rc;

	*out = list;
	if ((rc = sessions_dir(root, false, &dir)) < 0)
		return rc;
	if (!(d = opendir(dir))) {
		int err = errno;
		rc = err == ENOENT ? 0 : guard_error(GUARD_EIO, "cannot read '%s': %s", dir, strerror(err));
		free(dir);
		return rc;
	}
	while ((e = readdir(d))) {
		char *id = json_entry_id(e->d_name);
		cJSON *s;
		if (!id)
			continue;
		if (guard_session_load(root, id, &s) < 0) {
			if (skipped)
				guard_list_add(skipped, guard_error_last());
		} else {
			if (n == alloc)
				items = guard_xrealloc(items, (alloc = alloc ? 2 * alloc : 16) * sizeof(*items));
			items[n++] = s;
		}
		free(id);
	}
	closedir(d);
	if (n)
		qsort(items, n, sizeof(*items), by_start);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(list, items[i]);
	free(items);
	free(dir);
	return 0;
}

/* The record in the project's audit log; its failure counts when audit fails closed. */
static int
to_audit_log(const char *root, const struct guard_policy *policy, const char *id, const char *name,
	     const cJSON *fields)
{
	const cJSON *audit = cJSON_GetObjectItemCaseSensitive(guard_policy_tree(policy), "audit");
	cJSON *ev = fields ? cJSON_Duplicate(fields, 1) : cJSON_CreateObject();
	int rc;

	if (id && !cJSON_GetObjectItemCaseSensitive(ev, "session"))
		cJSON_AddStringToObject(ev, "session", id);
	rc = guard_audit_record(root, policy, name, ev);
	cJSON_Delete(ev);
	if (rc < 0 && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(audit, "fail_closed")))
		rc = 0;
	return rc;
}

/*
 * The log as it will be once line is appended, in the ledger before it is
 * (under the log's lock, which every writer of it takes): no version a
 * "git add" can stage is missing from it.
 */
static void
note_log(const char *root, const char *id, int fd, const struct guard_buf *line)
{
	struct guard_buf all = GUARD_BUF_INIT;
	struct stat st;

	if (fstat(fd, &st) < 0 || (size_t)st.st_size > GUARD_SESSION_MAX_BYTES)
		return;
	guard_buf_grow(&all, (size_t)st.st_size + line->len);
	if (pread(fd, all.buf, (size_t)st.st_size, 0) == (ssize_t)st.st_size) {
		all.len = (size_t)st.st_size;
		guard_buf_add(&all, line->buf, line->len);
		guard_session_note_record(root, id, all.buf, all.len);
	}
	guard_buf_release(&all);
}

int
guard_session_audit(const char *root, const struct guard_policy *policy, const char *id, const char *name,
		    cJSON *fields)
{
	char ts[GUARD_TIME_LEN], *dir = guard_xasprintf("%s/.ai/sessions", root);
	char *path = guard_session_path(root, id ? id : "refused", ".log.jsonl");
	struct guard_buf line = GUARD_BUF_INIT;
	cJSON *rec = cJSON_CreateObject();
	int fd = -1, rc, audit_rc = policy ? to_audit_log(root, policy, id, name, fields) : 0;

	guard_time_now(ts);
	cJSON_AddStringToObject(rec, "ts", ts);
	cJSON_AddStringToObject(rec, "event", name);
	if (id)
		cJSON_AddStringToObject(rec, "session", id);
	for (cJSON *f = fields ? fields->child : NULL; f; f = f->next)
		cJSON_AddItemToObject(rec, f->string, cJSON_Duplicate(f, 1));
	cJSON_Delete(fields);
	guard_json_append(&line, rec);
	guard_buf_addch(&line, '\n');
	cJSON_Delete(rec);
	if ((rc = guard_mkdirs(dir, 0755)) < 0)
		goto out;
	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX) == 0)
		note_log(root, id ? id : "refused", fd, &line); /* refused.log.jsonl is guard's too */
	if (fd < 0 || write(fd, line.buf, line.len) != (ssize_t)line.len || fsync(fd) < 0)
		rc = guard_error(GUARD_EIO, "cannot append to '%s': %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	guard_buf_release(&line);
	free(path);
	free(dir);
	return rc < 0 ? rc : audit_rc;
}
