#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_audit.h"
#include "guard_session.h"
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

int
guard_session_load(const char *root, const char *id, cJSON **out)
{
	char *path, *text = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = guard_session_id_check(id)) < 0)
		return rc;
	path = guard_session_path(root, id, ".json");
	rc = guard_file_read(path, GUARD_SESSION_MAX_BYTES, 1, &text, &len);
	if (rc == GUARD_ENOTFOUND)
		rc = guard_error(GUARD_ENOTFOUND, "no session '%s' in %s", id, root);
	else if (rc >= 0) {
		cJSON *s = cJSON_ParseWithLength(text, len);
		const cJSON *sid = cJSON_GetObjectItemCaseSensitive(s, "id");
		if (!cJSON_IsObject(s) || !cJSON_IsString(sid) || strcmp(sid->valuestring, id) ||
		    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "counters")) ||
		    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "limits")) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "status"))) {
			cJSON_Delete(s);
			rc = guard_error(GUARD_EUSAGE, "'%s' is not a session state file (left as it is)", path);
		} else {
			*out = s;
		}
	}
	free(text);
	free(path);
	return rc;
}

int
guard_session_save(const char *root, const cJSON *state)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	char *path, *text;
	int rc;

	if ((rc = guard_session_id_check(id)) < 0)
		return rc;
	path = guard_session_path(root, id, ".json");
	text = guard_json_pretty(state, 1);
	rc = guard_file_write_atomic(path, text, strlen(text), 0644);
	free(text);
	free(path);
	return rc;
}

int
guard_session_lock(const char *root, const char *id, int *fd)
{
	char *dir = guard_xasprintf("%s/.ai/sessions", root);
	char *path = guard_session_path(root, id, ".lock");
	int rc;

	if ((rc = guard_mkdirs(dir, 0755)) >= 0)
		rc = guard_lock_acquire(path, 5000, fd);
	free(path);
	free(dir);
	return rc;
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
	if (pid != pid || start != start || guard_proc_start((long)pid) != (unsigned long long)start)
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
	char *dir = guard_xasprintf("%s/.ai/sessions", root);
	cJSON **items = NULL, *list = cJSON_CreateArray();
	size_t n = 0, alloc = 0;
	struct dirent *e;
	DIR *d;

	*out = list;
	if (!(d = opendir(dir))) {
		int err = errno;
		free(dir);
		return err == ENOENT ? 0 : guard_error(GUARD_EIO, "cannot read '%s/.ai/sessions': %s", root, strerror(err));
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		cJSON *s;
		if (len <= 5 || strcmp(e->d_name + len - 5, ".json") || e->d_name[0] == '.')
			continue;
		char *id = guard_xstrndup(e->d_name, len - 5);
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
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
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
