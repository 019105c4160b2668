/*
 * Consumed approvals, kept where restoring or editing the request file
 * cannot undo them: one create-once file per id under the state folder
 * (DESIGN.md section 7), written before the request file says consumed.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_approval.h"
#include "guard_approval_int.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_state.h"

#define MARKER_MAX 4096

/* <state>/consumed, or NULL with the error recorded. */
static char *
consumed_dir(const char *root, bool create)
{
	char *state = NULL, *dir;

	if (guard_state_dir(root, create, &state) < 0)
		return NULL;
	dir = guard_xasprintf("%s/consumed", state);
	free(state);
	if (create && guard_mkdirs(dir, 0700) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

int
guard_approval_consumed(const char *root, const char *id, char **at)
{
	char *dir, *path, *text = NULL;
	struct stat st;
	size_t len;
	int rc;

	if (at)
		*at = NULL;
	if (!gap_id_valid(id))
		return guard_error(GUARD_EUSAGE, "'%.40s' is not an approval id", id);
	if (!(dir = consumed_dir(root, false)))
		return guard_error_code() < 0 ? guard_error_code() : GUARD_EIO;
	path = guard_xasprintf("%s/%s", dir, id);
	free(dir);
	if (lstat(path, &st) < 0) {
		rc = errno == ENOENT ? 0
		   : guard_error(GUARD_EIO, "cannot tell whether approval %s was used: %s: %s", id, path, strerror(errno));
		free(path);
		return rc;
	}
	/* whatever sits there, the id was consumed; its time is a courtesy */
	if (at && S_ISREG(st.st_mode) && guard_file_read(path, MARKER_MAX, 1, &text, &len) == 0) {
		cJSON *m = cJSON_ParseWithLength(text, len);
		*at = guard_xstrdup(guard_json_str(m, "consumed_at", "unknown time"));
		cJSON_Delete(m);
	} else if (at) {
		guard_error_clear();
		*at = guard_xstrdup("unknown time");
	}
	free(text);
	free(path);
	return 1;
}

int
guard_approval_consume_mark(const char *root, const cJSON *req, const char *at)
{
	const char *id = gap_str(req, "id");
	char *dir, *path, *text;
	cJSON *m;
	int fd, rc = 0;

	if (!gap_id_valid(id))
		return guard_error(GUARD_EUSAGE, "'%.40s' is not an approval id", id);
	if (!(dir = consumed_dir(root, true)))
		return guard_error_code() < 0 ? guard_error_code() : GUARD_EIO;
	path = guard_xasprintf("%s/%s", dir, id);
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "id", id);
	cJSON_AddStringToObject(m, "action_digest", gap_str(req, "action_digest"));
	cJSON_AddStringToObject(m, "consumed_at", at);
	text = guard_json_canonical(m);
	cJSON_Delete(m);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? guard_error(GUARD_ECONFLICT, "approval %s was already used (%s exists)", id, path)
				     : guard_error(GUARD_EIO, "cannot record the use of approval %s: %s: %s", id, path, strerror(errno));
	} else {
		size_t len = strlen(text);
		if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0)
			rc = guard_error(GUARD_EIO, "cannot record the use of approval %s: %s: %s", id, path, strerror(errno));
		if (close(fd) < 0 && rc == 0)
			rc = guard_error(GUARD_EIO, "cannot record the use of approval %s: %s: %s", id, path, strerror(errno));
		/* a marker that exists at all says consumed, so a short one stays (fail closed) */
		if (rc == 0)
			rc = guard_file_sync_dir(dir);
	}
	free(text);
	free(path);
	free(dir);
	return rc;
}
