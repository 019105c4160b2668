#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_session.h"
#include "guard_state.h"
#include "guard_time.h"

/*
 * Incidents (seed 004: "세션 종료 + P2/P3 인시던트"): each breach with an
 * incident level is appended to incidents.jsonl, in the state folder the
 * agent cannot reach (the record that counts) and in .ai/sessions/ for
 * people, and handed as JSON on stdin to the trusted layers'
 * incident.command (a chat webhook, a pager). That command failing is
 * logged in the session's log, never fatal: the session ends either way.
 */

#define INCIDENT_COMMAND_SECONDS 10

static int
append_line(const char *path, const char *line, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644), rc = 0;

	if (fd < 0 || write(fd, line, len) != (ssize_t)len || fsync(fd) < 0)
		rc = guard_error(GUARD_EIO, "cannot append to '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Run command with text on its stdin; NULL when it exited 0, else why (caller frees). */
static char *
run_command(const char *command, const char *text, size_t len)
{
	int in[2], st = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return guard_xasprintf("cannot make a pipe: %s", strerror(errno));
	if ((pid = fork()) < 0) {
		close(in[0]);
		close(in[1]);
		return guard_xasprintf("cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(in[0], 0);
		if (null >= 0)
			dup2(null, 1); /* the hook's stdout is its answer to the agent */
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(in[1], text + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(in[1]);
	for (int i = 0; i < INCIDENT_COMMAND_SECONDS * 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			goto done;
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	return guard_xasprintf("it did not finish in %d s and was killed", INCIDENT_COMMAND_SECONDS);
done:
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	return WIFEXITED(st) ? guard_xasprintf("it exited with status %d", WEXITSTATUS(st))
			     : guard_xasprintf("it was killed by signal %d", WTERMSIG(st));
}

int
guard_session_incident(const char *root, const struct guard_policy *policy, const cJSON *state, const cJSON *breach)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	const cJSON *tree = policy ? guard_policy_tree(policy) : NULL;
	const char *command = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "incident"), "command"));
	cJSON *rec = cJSON_CreateObject();
	struct guard_buf line = GUARD_BUF_INIT;
	char ts[GUARD_TIME_LEN], *dir = NULL, *path = NULL, *why;
	int rc, r;

	guard_time_now(ts);
	cJSON_AddStringToObject(rec, "ts", ts);
	cJSON_AddStringToObject(rec, "event", "session.incident");
	cJSON_AddStringToObject(rec, "level", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(breach, "incident")) ?: "-");
	cJSON_AddStringToObject(rec, "session", id ? id : "-");
	cJSON_AddStringToObject(rec, "project", root);
	cJSON_AddStringToObject(rec, "branch", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "branch")) ?: "-");
	for (const char *const *k = (const char *const[]){ "limit", "value", "max", "action", "message", "predicted", NULL }; *k; k++)
		if (cJSON_GetObjectItemCaseSensitive(breach, *k))
			cJSON_AddItemToObject(rec, *k, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(breach, *k), 1));
	guard_json_append(&line, rec);
	guard_buf_addch(&line, '\n');

	/* the record that counts, out of the agent's reach */
	if ((rc = guard_state_dir(root, true, &dir)) >= 0) {
		char *sub = guard_xasprintf("%s/sessions", dir);
		path = guard_xasprintf("%s/incidents.jsonl", sub);
		if ((rc = guard_mkdirs(sub, 0700)) >= 0)
			rc = append_line(path, line.buf, line.len);
		free(sub);
		free(path);
	}
	free(dir);
	/* the copy people read */
	dir = guard_xasprintf("%s/.ai/sessions", root);
	path = guard_xasprintf("%s/incidents.jsonl", dir);
	r = guard_mkdirs(dir, 0755);
	if (r >= 0)
		r = append_line(path, line.buf, line.len);
	rc = rc < 0 ? rc : r;
	if (command && *command && (why = run_command(command, line.buf, line.len))) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "command", command);
		cJSON_AddStringToObject(f, "error", why);
		cJSON_AddStringToObject(f, "level", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "level")));
		if (guard_session_audit(root, policy, id, "session.incident_command_failed", f) < 0)
			guard_error_clear();
		free(why);
	}
	free(path);
	free(dir);
	guard_buf_release(&line);
	cJSON_Delete(rec);
	return rc;
}
