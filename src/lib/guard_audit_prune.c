/*
 * Prune: old sealed day files go, and the chain says so (audit.pruned),
 * so that verify can tell a prune from a deletion (guard_audit.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_list.h"
#include "guard_time.h"

/* The files to remove: heads[] of the sealed files before limit, oldest first, up to the first unsealed. */
static int
pick(const char *dir, const char *limit, struct audit_head **heads, size_t *n, char **unsealed)
{
	struct guard_list names = GUARD_LIST_INIT;
	int rc;

	*heads = NULL;
	*n = 0;
	*unsealed = NULL;
	if ((rc = guard_audit_files(dir, NULL, NULL, &names)) < 0)
		return rc;
	for (size_t i = 0; i < names.len && strncmp(names.items[i], limit, 10) < 0; i++) {
		struct audit_head h;
		if ((rc = audit_file_head(dir, names.items[i], &h)) < 0)
			break;
		if (!h.sealed_by[0]) {
			*unsealed = guard_xstrdup(names.items[i]);
			break;
		}
		*heads = guard_xrealloc(*heads, (*n + 1) * sizeof(**heads));
		(*heads)[(*n)++] = h;
	}
	guard_list_clear(&names);
	return rc;
}

/* The audit.pruned event for heads[0..n), the log having started at first_seq (accounted for by vr). */
static cJSON *
prune_event(const struct audit_head *heads, size_t n, const char *before, const cJSON *actor,
	    const struct guard_audit_verify_result *vr)
{
	cJSON *ev = cJSON_CreateObject(), *data, *files, *f;
	unsigned long records = 0;

	for (size_t i = 0; i < n; i++)
		records += heads[i].records;
	cJSON_AddStringToObject(ev, "event", "audit.pruned");
	cJSON_AddItemToObject(ev, "actor", actor ? cJSON_Duplicate(actor, 1) : cJSON_CreateNull());
	char *sum = guard_xasprintf("pruned %zu day file%s before %s: seq %lu..%lu, %lu record%s", n,
				    n == 1 ? "" : "s", before, heads[0].first_seq, heads[n - 1].last_seq, records,
				    records == 1 ? "" : "s");
	cJSON_AddStringToObject(ev, "summary", sum);
	free(sum);
	data = cJSON_AddObjectToObject(ev, "data");
	cJSON_AddStringToObject(data, "before", before);
	cJSON_AddNumberToObject(data, "file_count", (double)n);
	cJSON_AddNumberToObject(data, "records", (double)records);
	cJSON_AddStringToObject(data, "first_file", heads[0].file);
	cJSON_AddStringToObject(data, "last_file", heads[n - 1].file);
	cJSON_AddNumberToObject(data, "first_seq", (double)heads[0].first_seq);
	cJSON_AddNumberToObject(data, "last_seq", (double)heads[n - 1].last_seq);
	cJSON_AddStringToObject(data, "first_prev", heads[0].first_prev);
	cJSON_AddStringToObject(data, "last_hash", heads[n - 1].last_hash);
	if (vr->pruned_seq) {
		cJSON *e = cJSON_AddObjectToObject(data, "earlier");
		cJSON_AddNumberToObject(e, "seq", (double)vr->pruned_seq);
		cJSON_AddStringToObject(e, "hash", vr->pruned_hash);
	} else {
		cJSON_AddNullToObject(data, "earlier");
	}
	files = cJSON_AddArrayToObject(data, "files");
	for (size_t i = 0; i < n; i++) {
		cJSON_AddItemToArray(files, f = cJSON_CreateObject());
		cJSON_AddStringToObject(f, "file", heads[i].file);
		cJSON_AddNumberToObject(f, "records", (double)heads[i].records);
		cJSON_AddNumberToObject(f, "first_seq", (double)heads[i].first_seq);
		cJSON_AddNumberToObject(f, "last_seq", (double)heads[i].last_seq);
		cJSON_AddStringToObject(f, "last_hash", heads[i].last_hash);
		cJSON_AddStringToObject(f, "sealed_by", heads[i].sealed_by);
	}
	return ev;
}

/* Remove the files (and what a torn write left beside them), oldest first; removed lists them. */
static int
remove_files(const char *dir, const struct audit_head *heads, size_t n, cJSON *removed)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		char *path = guard_xasprintf("%s/%s", dir, heads[i].file);
		char *torn = guard_xasprintf("%s.torn", path);
		if (unlink(path) < 0) {
			rc = guard_error(GUARD_EIO, "cannot remove '%s': %s (the prune is recorded; run it again)", path,
					 strerror(errno));
		} else {
			unlink(torn);
			cJSON_AddItemToArray(removed, cJSON_CreateString(heads[i].file));
		}
		free(path);
		free(torn);
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return rc;
}

static int
prune_locked(struct guard_audit *log, const char *before, const cJSON *actor, cJSON *out)
{
	const char *dir = audit_dir(log);
	struct guard_audit_verify_opts vo = { 0 };
	struct guard_audit_verify_result vr = GUARD_AUDIT_VERIFY_RESULT_INIT;
	struct audit_head *heads = NULL;
	char *seals = guard_xasprintf("%s/" AUDIT_SEALS, dir), *unsealed = NULL, limit[GUARD_TIME_LEN], hash[GUARD_AUDIT_HASH_LEN + 1];
	size_t n = 0;
	unsigned long seq;
	int rc;

	/* Never a file of today: the record goes there. */
	guard_time_now(limit);
	if (strncmp(before, limit, 10) < 0)
		memcpy(limit, before, 10);
	vo.checkpoint_path = access(seals, F_OK) == 0 ? seals : NULL;
	vo.root = audit_root(log);
	rc = guard_audit_verify(dir, &vo, &vr);
	if (rc == GUARD_EDENY) {
		char *why = guard_xstrdup(guard_error_last());
		rc = guard_error(GUARD_EDENY, "the log does not verify, so nothing is pruned: %s", why);
		free(why);
	}
	if (rc < 0 || (rc = pick(dir, limit, &heads, &n, &unsealed)) < 0 || !n)
		goto out;
	cJSON *ev = prune_event(heads, n, before, actor, &vr);
	if ((rc = audit_append_own(log, "audit.pruned", ev)) == 0)
		rc = audit_flush(log);
	cJSON_Delete(ev);
	if (rc < 0)
		goto out;
	audit_last(log, &seq, hash);
	cJSON_AddNumberToObject(out, "seq", (double)seq);
	cJSON_AddStringToObject(out, "hash", hash);
	rc = remove_files(dir, heads, n, cJSON_GetObjectItemCaseSensitive(out, "removed"));
out:
	if (rc == 0 && unsealed)
		rc = guard_error(GUARD_EDENY, "%s/%s is not sealed (run guard-audit seal first); kept it and every "
				 "later file", dir, unsealed);
	if (rc == GUARD_ENOTFOUND)
		rc = 0; /* no log: nothing to prune */
	guard_audit_verify_release(&vr);
	free(heads);
	free(unsealed);
	free(seals);
	return rc;
}

int
guard_audit_prune(struct guard_audit *log, const char *before, const cJSON *actor, cJSON *out)
{
	int rc;

	cJSON_AddItemToObject(out, "removed", cJSON_CreateArray());
	if ((rc = guard_audit_begin(log)) < 0)
		return rc;
	rc = prune_locked(log, before, actor, out);
	int crc = guard_audit_commit(log);
	return rc < 0 ? rc : crc;
}
