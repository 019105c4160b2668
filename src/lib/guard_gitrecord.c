/*
 * A file a branch carries under guard's runtime folders, owned by content
 * (attack11 L11): the one rule guard-git check and the ref hooks
 * (reference-transaction, pre-push) share.
 */
#include <git2.h>

#include "guard_audit.h"
#include "guard_error.h"
#include "guard_gitrules.h"
#include "guard_session.h"

/* A session's record .ai/sessions/ID.EXT: the content is a version guard noted in its ledger. */
static bool
session_owned(git_repository *repo, const char *path, const char *data, size_t len)
{
	static const char *const ends[] = { ".log.jsonl", ".pr.md", ".json", NULL };
	const char *name = path + sizeof(".ai/sessions/") - 1, *common = git_repository_commondir(repo);
	size_t n = strlen(name);

	for (size_t i = 0; common && ends[i]; i++) {
		size_t k = strlen(ends[i]);
		if (n <= k || strcmp(name + n - k, ends[i]))
			continue;
		char *id = guard_xstrndup(name, n - k), *dir = guard_xasprintf("%s/guard/sessions", common);
		bool owned = guard_session_owns(dir, id, data, len);
		free(id);
		free(dir);
		return owned;
	}
	return false;
}

bool
guard_git_record_owned(struct guard_git *g, const char *path, const git_oid *id, unsigned mode)
{
	git_repository *repo = guard_git_repository(g);
	git_blob *blob = NULL;
	bool owned = false;

	if (!guard_session_guard_named(path))
		return false;
	if (!id)
		return true; /* taken away: a branch carries nothing by it */
	/* approvals hold what the agent asked for: guard writes them, never for a branch to carry */
	if (mode != GIT_FILEMODE_BLOB || !strncmp(path, ".ai/approvals/", 14) || git_blob_lookup(&blob, repo, id) < 0) {
		git_error_clear();
		return false;
	}
	const char *data = git_blob_rawcontent(blob);
	size_t len = (size_t)git_blob_rawsize(blob);
	if (!strcmp(path, ".ai/audit/.lock")) {
		owned = len == 0; /* a lock file holds nothing */
	} else if (!strncmp(path, ".ai/audit/", 10)) {
		char *dir = guard_xasprintf("%s/.ai/audit", guard_git_root(g));
		owned = guard_audit_owns(guard_git_root(g), dir, path + 10, data, len);
		free(dir);
	} else {
		owned = session_owned(repo, path, data, len);
	}
	git_blob_free(blob);
	return owned;
}
