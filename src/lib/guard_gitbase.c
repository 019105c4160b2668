/*
 * The base branch: no hard-coded "main" (a plain git init makes master).
 */
#include <git2.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_gitrules.h"

static bool
local_branch(git_repository *repo, const char *name)
{
	git_reference *ref = NULL;
	bool ok = git_branch_lookup(&ref, repo, name, GIT_BRANCH_LOCAL) == 0;
	git_reference_free(ref);
	return ok;
}

/* The branch origin/HEAD points at, short (caller frees), or NULL. */
static char *
origin_head(git_repository *repo)
{
	static const char prefix[] = "refs/remotes/origin/";
	git_reference *ref = NULL;
	char *name = NULL;
	const char *target;

	if (git_reference_lookup(&ref, repo, "refs/remotes/origin/HEAD") < 0)
		return NULL;
	target = git_reference_symbolic_target(ref);
	if (target && !strncmp(target, prefix, sizeof(prefix) - 1) && target[sizeof(prefix) - 1])
		name = guard_xstrdup(target + sizeof(prefix) - 1);
	git_reference_free(ref);
	return name;
}

static char *
default_branch(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf buf = { 0 };
	char *name = NULL;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return NULL;
	if (git_config_get_string_buf(&buf, cfg, "init.defaultBranch") == 0 && buf.ptr && *buf.ptr)
		name = guard_xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return name;
}

int
guard_git_base_branch(struct guard_git *g, const char *configured, char **out)
{
	git_repository *repo = guard_git_repository(g);
	char *candidates[4] = { NULL, NULL, NULL, NULL };

	*out = NULL;
	if (configured && *configured) {
		*out = guard_xstrdup(configured);
		return 0;
	}
	candidates[0] = origin_head(repo);
	candidates[1] = default_branch(repo);
	candidates[2] = guard_xstrdup("main");
	candidates[3] = guard_xstrdup("master");
	for (size_t i = 0; i < 4; i++) {
		if (!*out && candidates[i] && local_branch(repo, candidates[i])) {
			*out = candidates[i];
			continue;
		}
		free(candidates[i]);
	}
	if (!*out)
		return guard_error(GUARD_ENOTFOUND, "no base branch: origin/HEAD, init.defaultBranch, main and master "
				   "name no local branch (set branch.base in a trusted policy layer)");
	return 0;
}
