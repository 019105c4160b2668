/*
 * guard: the front door. "guard NAME ARGS" runs guard-NAME; hook, init,
 * explain and doctor are answered here.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "approve_view.h"
#include "guard_hook.h"
#include "guard_path.h"
#include "guard_risk.h"
#include "guard_stage.h"

#include "init.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: guard COMMAND [ARGS]\n"
		"\n"
		"Governs what AI coding agents do in a git repository.\n"
		"\n"
		"  hook AGENT        answer one agent hook payload on stdin (claude, gemini, codex)\n"
		"  init              set up this repository: .ai/policy.yaml and the Claude hook\n"
		"  explain 'CMD'     how a shell command is rated and what the policy decides\n"
		"  doctor            check the policy layers and the hook wiring\n"
		"  risk, policy, approve, audit, session\n"
		"                    run guard-risk, guard-policy, ... with ARGS\n"
		"  help, --help      this text;  version, --version  the version\n"
		"\n"
		"Exit codes (every guard program):\n"
		"  0 ok/allow  1 deny  2 usage/bad input  3 approval required  4 conflict\n"
		"  5 not found  6 expired  7 policy invalid  8 I/O failure\n"
		"\n"
		"See guard(1), guard-risk(1), guard-policy(1), guard-approve(1), guard-audit(1),\n"
		"guard-session(1), guard-policy(5).\n");
}

#if !defined(__SANITIZE_ADDRESS__)
/*
 * A crash by signal would be a non-blocking error to Claude Code, a silent
 * pass: turn it into the blocking exit 2. (Not under the sanitizers, which
 * need these signals for their reports.)
 */
static void
crashed(int sig)
{
	static const char msg[] = "guard: internal error (fatal signal), failing closed\n";
	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(2);
}

static void
block_on_crash(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crashed;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}
#else
static void block_on_crash(void) {}
#endif

static int
cmd_hook(int argc, char **argv)
{
	enum guard_agent agent = GUARD_AGENT_CLAUDE;
	struct guard_reply reply;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	guard_oom_status = 2; /* out of memory in a hook must still block */
	block_on_crash();
	if (argc != 2 || guard_agent_parse(argv[1], &agent) < 0) {
		/* Even a mis-wired hook must block, not pass: exit 2. */
		fprintf(stderr, "guard: usage: guard hook claude|gemini|codex (denying)\n");
		return 2;
	}
	/* one payload, then exit: nothing cJSON allocates is freed one by one */
	cli_bulk_begin();
	/* a wait for a person's decision shows its progress on stderr */
	struct approve_progress progress = { isatty(STDERR_FILENO), NULL, 0 };
	guard_hook_on_wait(approve_progress_tick, &progress);
	rc = guard_stream_read(stdin, GUARD_HOOK_HARD_MAX, &buf, &len);
	if (rc < 0)
		guard_adapter_reply_deny(agent, NULL, guard_error_last(), &reply);
	else
		guard_hook_run(agent, NULL, buf, len, &reply);
	free(buf);
	approve_progress_done(&progress);
	cli_bulk_end();
	if (reply.out)
		fputs(reply.out, stdout);
	if (reply.err)
		fputs(reply.err, stderr);
	rc = reply.status;
	guard_reply_release(&reply);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "guard: cannot write the hook answer (denying)\n");
		return 2;
	}
	return rc;
}

static int
cmd_explain(int argc, char **argv)
{
	struct guard_stages stages;
	struct guard_buf text = GUARD_BUF_INIT;
	cJSON *ev;
	int rc, status;

	if (argc != 2) {
		cli_error("usage: guard explain 'COMMAND'");
		return GUARD_EXIT_USAGE;
	}
	guard_stages_init(&stages);
	ev = cli_command_event(argv[1], NULL);
	if ((rc = guard_stage_risk(&stages, ev, &text)) < 0 || (rc = guard_stage_decide(&stages, ev)) < 0) {
		status = cli_fail(rc);
		goto out;
	}
	fputs(text.buf, stdout);
	if (text.len && text.buf[text.len - 1] != '\n')
		putchar('\n');
	const char *effect = guard_event_str(ev, "decision.effect");
	const char *rule = guard_event_str(ev, "decision.rule");
	const char *reason = guard_event_str(ev, "decision.reason");
	printf("decision: %s (rule %s)%s%s\n", effect ? effect : "deny", rule ? rule : "-",
	       reason && *reason ? ": " : "", reason ? reason : "");
	printf("policy: %s\n", guard_event_str(ev, "decision.policy_rev") ?: "-");
	status = effect && !strcmp(effect, "allow") ? 0 : effect && !strcmp(effect, "ask") ? 3 : 1;
out:
	cJSON_Delete(ev);
	guard_buf_release(&text);
	guard_stages_release(&stages);
	return status;
}

/* The directory this executable lives in, to find its sibling programs. */
static char *
self_dir(void)
{
	char *exe = realpath("/proc/self/exe", NULL);
	char *slash;

	if (!exe)
		return NULL;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	return exe;
}

static int
dispatch(char **argv)
{
	const char *name = argv[0];
	char *dir, *prog;

	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz-") != strlen(name)) {
		cli_error("'%s' is not a guard command (see guard help)", name);
		return GUARD_EXIT_USAGE;
	}
	prog = guard_xasprintf("guard-%s", name);
	argv[0] = prog;
	if ((dir = self_dir())) {
		char *path = guard_xasprintf("%s/%s", dir, prog);
		free(dir);
		if (access(path, X_OK) == 0)
			execv(path, argv);
		free(path);
	}
	execvp(prog, argv);
	if (errno == ENOENT)
		cli_error("'%s' is not a guard command (no %s program; see guard help)", name, prog);
	else
		cli_error("cannot run %s: %s", prog, strerror(errno));
	free(prog);
	return GUARD_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	cli_init("guard");
	if (argc < 2) {
		usage(stderr);
		return GUARD_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return cli_finish(0);
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		cli_version();
		return cli_finish(0);
	}
	if (!strcmp(cmd, "hook"))
		return cmd_hook(argc - 1, argv + 1);
	if (!strcmp(cmd, "explain"))
		return cli_finish(cmd_explain(argc - 1, argv + 1));
	if (!strcmp(cmd, "init"))
		return cli_finish(guard_cmd_init(argc - 1, argv + 1));
	if (!strcmp(cmd, "doctor"))
		return cli_finish(guard_cmd_doctor(argc - 1, argv + 1));
	if (cmd[0] == '-') {
		cli_error("unknown option '%s'", cmd);
		usage(stderr);
		return GUARD_EXIT_USAGE;
	}
	return dispatch(argv + 1);
}
