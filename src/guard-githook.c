/*
 * guard-githook: the front of guard-git's git hooks. git runs a hook
 * for every ref update; guard-git links libgit2 and some twenty
 * libraries behind it, whose loading alone costs tens of milliseconds.
 * This program links no libgit2: it decides, with guard-git's own
 * functions, whether the hook has anything to enforce (an unattended
 * session running in this repository, or an agent's marker in the
 * environment). When it has, it becomes guard-git (the program beside
 * it) with the same arguments and git's input untouched; when not, it
 * does what guard-git would then do: take git's input and run the hook
 * guard's replaced, if any. Any doubt (an error reading the sessions)
 * goes to guard-git, which reports it and fails closed.
 */
#include <errno.h>
#include <unistd.h>

#include "cli.h"
#include "git_hookchain.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_gitrules.h"
#include "guard_path.h"

/* Become guard-git (beside this program) with the verb's arguments. Returns only on failure. */
static int
full(int argc, char **argv)
{
	char *self = realpath("/proc/self/exe", NULL), *prog;
	int err;

	guard_error_clear();
	if (!self)
		return guard_error(GUARD_EIO, "cannot find this program's path: %s", strerror(errno));
	prog = guard_xasprintf("%.*s/guard-git", (int)(strrchr(self, '/') - self), self);
	err = hook_exec(prog, argc, argv);
	guard_error(GUARD_EIO, "cannot run '%s' (installed beside %s?): %s; the ref update is refused", prog, self,
		    strerror(err));
	free(prog);
	free(self);
	return GUARD_EIO;
}

/* Whether the hook named may have something to enforce here: a running session or an agent's marker. */
static bool
in_scope(void)
{
	char *here = getcwd(NULL, 0), *root = NULL;
	cJSON *sessions = NULL;
	int rc;

	if (!here)
		return true;
	rc = guard_project_root(here, &root); /* as guard-git: not found is the folder itself */
	free(here);
	if (rc < 0 && rc != GUARD_ENOTFOUND) {
		free(root);
		return true;
	}
	rc = root ? guard_git_running_sessions(root, &sessions) : 0;
	bool scope = rc < 0 || cJSON_GetArraySize(sessions) > 0 || guard_git_agent_marker() != NULL;
	cJSON_Delete(sessions);
	free(root);
	return scope;
}

static int
cmd_hook(int argc, char **argv)
{
	const char *chain = NULL, *name;
	char *input = NULL;
	size_t len = 0;
	int i = 1, rc;

	if (i + 1 < argc && !strcmp(argv[i], "--chain"))
		chain = argv[i + 1], i += 2;
	if (i >= argc)
		return full(argc, argv); /* guard-git words the usage error */
	name = argv[i++];
	if (strcmp(name, "pre-commit") && strcmp(name, "pre-push") && strcmp(name, "reference-transaction") &&
	    strcmp(name, "post-checkout"))
		return full(argc, argv);
	/* committed and aborted are only told: never enforced, as in guard-git */
	if ((strcmp(name, "reference-transaction") || (i < argc && !strcmp(argv[i], "prepared"))) && in_scope())
		return full(argc, argv);
	guard_error_clear();
	if (strcmp(name, "pre-commit") && strcmp(name, "post-checkout") && (rc = guard_stream_read(stdin, HOOK_INPUT_MAX, &input, &len)) < 0)
		return rc;
	rc = chain ? hook_run_chained(chain, input, len, argc - i, argv + i) : 0;
	free(input);
	return rc;
}

static const struct cli_command commands[] = {
	{ "hook", cmd_hook, 0, "[--chain HOOK] NAME [ARGS...] < git's input",
	  "what the installed hooks run: guard-git hook when a session runs or an agent's marker is set, "
	  "else only the chained hook" },
	{ NULL, NULL, 0, NULL, NULL },
};

int
main(int argc, char **argv)
{
	cli_init("guard-githook");
	/* git runs hooks in the agent's environment: guard's state is where the repository is (trust.md 6) */
	unsetenv("GUARD_DIR");
	return cli_dispatch(commands, "The front of guard-git's git hooks, without libgit2 (guard-git(1)).", argc, argv);
}
