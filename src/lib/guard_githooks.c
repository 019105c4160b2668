/*
 * guard-git's git hooks: scripts that exec guard-git, chained to the
 * hooks that were there before (kept as NAME.guard-chained, run after
 * guard's checks pass, put back by uninstall).
 */
#include <git2.h>

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_githook_text.h"
#include "guard_gitrules.h"

#define MARK GUARD_GIT_HOOK_MARK
#define CHAINED ".guard-chained"

const char *const guard_git_hook_names[] = { "reference-transaction", "pre-commit", "pre-push", "post-checkout", NULL };

int
guard_git_hooks_dir(struct guard_git *g, char **out)
{
	git_repository *repo = guard_git_repository(g);
	git_config *cfg = NULL;
	git_buf buf = { 0 };
	int err;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return guard_error(GUARD_EIO, "cannot read the repository's configuration");
	err = git_config_get_path(&buf, cfg, "core.hooksPath");
	if (err == 0 && buf.ptr && *buf.ptr)
		*out = buf.ptr[0] == '/' ? guard_xstrdup(buf.ptr) : guard_xasprintf("%s/%s", guard_git_root(g), buf.ptr);
	git_buf_dispose(&buf);
	git_config_free(cfg);
	if (err < 0 && err != GIT_ENOTFOUND)
		return guard_error(GUARD_EPOLICY, "core.hooksPath cannot be read");
	if (!*out) {
		const char *common = git_repository_commondir(repo);
		size_t n = strlen(common);
		*out = guard_xasprintf("%.*s/hooks", (int)(n && common[n - 1] == '/' ? n - 1 : n), common);
	}
	return 0;
}

int
guard_git_hook_is_ours(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int rc;

	if (lstat(path, &st) < 0)
		return 2;
	if (!S_ISREG(st.st_mode) || guard_file_read(path, 1 << 16, 1, &text, &len) < 0)
		return 0; /* a link, or something unreadable: not ours */
	rc = strstr(text, "\n" MARK) != NULL;
	free(text);
	return rc;
}

static bool
exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int
guard_git_hooks_install(const char *dir, const char *program, struct guard_list *done)
{
	int rc;

	if ((rc = guard_mkdirs(dir, 0755)) < 0)
		return rc;
	for (const char *const *n = guard_git_hook_names; *n; n++) {
		char *path = guard_xasprintf("%s/%s", dir, *n), *chained = guard_xasprintf("%s" CHAINED, path);
		char *text = guard_git_hook_script(program, *n), *old = NULL;
		size_t len = 0;
		int ours = guard_git_hook_is_ours(path);

		/* current only when git runs it: a copy that lost its x bit is written again (A18) */
		if (ours == 1 && guard_file_read(path, 1 << 16, 0, &old, &len) == 0 && len == strlen(text) &&
		    !memcmp(old, text, len) && access(path, X_OK) == 0) {
			guard_list_take(done, guard_xasprintf("current %s", *n));
		} else if (ours == 0 && exists(chained)) {
			rc = guard_error(GUARD_ECONFLICT, "'%s' is not guard's and '%s' already holds a chained hook: "
					 "merge them by hand, then install again", path, chained);
		} else {
			if (ours == 0 && rename(path, chained) < 0)
				rc = guard_error(GUARD_EIO, "cannot keep '%s' as '%s': %s", path, chained, strerror(errno));
			if (rc == 0 && (rc = guard_file_write_atomic(path, text, strlen(text), 0755)) == 0)
				guard_list_take(done, guard_xasprintf("%s %s%s", ours == 1 ? "updated" : "installed", *n,
								      ours == 0 || exists(chained) ? " (chained to the hook that was there)" : ""));
			else if (ours == 0 && rc < 0 && !exists(path))
				(void)rename(chained, path); /* put it back as it was */
		}
		free(old);
		free(text);
		free(path);
		free(chained);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
guard_git_hooks_check(const char *dir, const char *program, struct guard_list *done)
{
	int stale = 0;

	for (const char *const *n = guard_git_hook_names; *n; n++) {
		char *path = guard_xasprintf("%s/%s", dir, *n), *text = guard_git_hook_script(program, *n), *old = NULL;
		size_t len = 0;
		int ours = guard_git_hook_is_ours(path);
		const char *state = ours == 2 ? "missing" : ours == 0 ? "not guard's" : "outdated";

		if (ours == 1 && guard_file_read(path, 1 << 16, 0, &old, &len) == 0 && len == strlen(text) &&
		    !memcmp(old, text, len) && access(path, X_OK) == 0)
			state = "current";
		stale += strcmp(state, "current") != 0;
		guard_list_take(done, guard_xasprintf("%s %s", state, *n));
		free(old);
		free(text);
		free(path);
	}
	return stale;
}

int
guard_git_hooks_uninstall(const char *dir, struct guard_list *done)
{
	int rc = 0;

	for (const char *const *n = guard_git_hook_names; *n && rc == 0; n++) {
		char *path = guard_xasprintf("%s/%s", dir, *n), *chained = guard_xasprintf("%s" CHAINED, path);
		if (guard_git_hook_is_ours(path) != 1) {
			guard_list_take(done, guard_xasprintf("not installed %s", *n));
		} else if (exists(chained)) {
			if (rename(chained, path) < 0)
				rc = guard_error(GUARD_EIO, "cannot put back '%s': %s", chained, strerror(errno));
			else
				guard_list_take(done, guard_xasprintf("restored %s", *n));
		} else if (unlink(path) < 0) {
			rc = guard_error(GUARD_EIO, "cannot remove '%s': %s", path, strerror(errno));
		} else {
			guard_list_take(done, guard_xasprintf("removed %s", *n));
		}
		free(path);
		free(chained);
	}
	return rc;
}
