/*
 * guard: the front door. "guard NAME ARGS" runs guard-NAME; hook, init,
 * explain and doctor are answered here.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
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

#include "agents.h"
#include "init.h"
#include "mcp.h"

/* Under "usage:" in the full help; each verb's line comes from the table. */
static const char summary[] =
	"Governs what AI coding agents do in a git repository. Any other NAME\n"
	"runs guard-NAME with ARGS: risk, policy, approve, audit, session.\n"
	"\n"
	"Exit codes (every guard program):\n"
	"  0 ok/allow  1 deny  2 usage/bad input  3 approval required  4 conflict\n"
	"  5 not found  6 expired  7 policy invalid  8 I/O failure\n"
	"\n"
	"See guard(1), guard-risk(1), guard-policy(1), guard-approve(1), guard-audit(1),\n"
	"guard-session(1), guard-policy(5).";

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

/*
 * The hook's last bound: past HOOK_CPU_S seconds of CPU, whatever the
 * analysis is doing, the answer is the blocking exit 2. Its 10 s deadline
 * is looked at between steps; a step that runs on (attack11 L1: values
 * doubled for 50 s) must not let the agent's own timeout pass the call
 * unrated. CPU time, so a wait for a person costs nothing against it;
 * GUARD_HOOK_CPU_S only shortens it (tests).
 */
#define HOOK_CPU_S 12

static void
cpu_spent(int sig)
{
	static const char msg[] = "guard: the hook's analysis ran past its CPU bound without an answer; failing closed "
				  "(denied)\n";
	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(2);
}

static void
cpu_bound(void)
{
	const char *env = getenv("GUARD_HOOK_CPU_S");
	char *end;
	long s = env && *env ? strtol(env, &end, 10) : 0;
	struct itimerval t = { { 0, 0 }, { s > 0 && s < HOOK_CPU_S && !*end ? s : HOOK_CPU_S, 0 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cpu_spent;
	sigaction(SIGPROF, &sa, NULL);
	setitimer(ITIMER_PROF, &t, NULL);
}

/*
 * The longest the hook may wait for a person: below the timeout the agent
 * runs it with (A7), as its settings say, or as guard init writes it when
 * they name none; 5 s kept for the answer (half of a short timeout).
 */
static long long
hook_wait_cap(const char *project, void *arg)
{
	const struct agent_conf *a = &agent_confs[*(const enum guard_agent *)arg];
	long long t = agent_hook_timeout(a, project, guard_home());

	if (t <= 0)
		t = AGENT_HOOK_TIMEOUT_S;
	return t > 10 ? t - 5 : t / 2;
}

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
	cpu_bound();
	if (argc != 2 || guard_agent_parse(argv[1], &agent) < 0) {
		/* Even a mis-wired hook must block, not pass: exit 2. */
		static const char *const agents[] = { "claude", "gemini", "codex", NULL };
		const char *close = argc == 2 ? cli_closest(argv[1], agents) : NULL;
		if (close)
			return guard_error(GUARD_EUSAGE, "unknown agent '%s' (did you mean %s?); usage: guard hook "
					   "claude|gemini|codex (denying)", argv[1], close);
		return guard_error(GUARD_EUSAGE, "usage: guard hook claude|gemini|codex (denying)");
	}
	/* one payload, then exit: nothing cJSON allocates is freed one by one */
	cli_bulk_begin();
	/* a wait for a person's decision shows its progress on stderr */
	struct approve_progress progress = { cli_terminal(STDERR_FILENO), NULL, 0 };
	guard_hook_on_wait(approve_progress_tick, &progress);
	guard_hook_wait_cap(hook_wait_cap, &agent);
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
	if (fflush(stdout) == EOF || ferror(stdout))
		return guard_error(GUARD_EUSAGE, "cannot write the hook answer (denying)");
	guard_error_clear(); /* the reply said it all */
	return -rc;
}

static int
cmd_explain(int argc, char **argv)
{
	struct guard_stages stages;
	struct guard_buf text = GUARD_BUF_INIT;
	cJSON *ev;
	int rc, status;

	if (argc != 2)
		return guard_error(GUARD_EUSAGE, "usage: guard explain 'COMMAND'");
	guard_stages_init(&stages);
	ev = cli_command_event(argv[1], NULL);
	if ((rc = guard_stage_risk(&stages, ev, &text)) < 0 || (rc = guard_stage_decide(&stages, ev)) < 0) {
		status = rc;
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
	guard_error_clear(); /* the decision printed is the answer */
	status = effect && !strcmp(effect, "allow") ? 0 : effect && !strcmp(effect, "ask") ? GUARD_EPENDING : GUARD_EDENY;
out:
	cJSON_Delete(ev);
	guard_buf_release(&text);
	guard_stages_release(&stages);
	return status;
}

/* guard NAME ARGS: run guard-NAME, beside this program or on $PATH. */
static int
cmd_other(int argc, char **argv)
{
	const char *name = argv[0];
	char *path, *prog;
	int rc;

	(void)argc;
	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz-") != strlen(name))
		return guard_error(GUARD_EUSAGE, "'%s' is not a guard command (see guard help)", name);
	prog = guard_xasprintf("guard-%s", name);
	argv[0] = prog;
	if ((path = cli_sibling(prog))) {
		execv(path, argv);
		free(path);
	}
	execvp(prog, argv);
	static const char *const known[] = { "hook", "init", "explain", "doctor", "version", "help", "risk", "policy",
					     "approve", "audit", "session", "git", "scan", "mcp", NULL };
	const char *close = errno == ENOENT ? cli_closest(name, known) : NULL;
	if (close)
		rc = guard_error(GUARD_EUSAGE, "'%s' is not a guard command (did you mean %s?)", name, close);
	else if (errno == ENOENT)
		rc = guard_error(GUARD_EUSAGE, "'%s' is not a guard command (no %s program; see guard help)", name, prog);
	else
		rc = guard_error(GUARD_EUSAGE, "cannot run %s: %s", prog, strerror(errno));
	free(prog);
	return rc;
}

static int
cmd_version(int argc, char **argv)
{
	(void)argc, (void)argv;
	cli_version();
	return 0;
}

static const struct cli_command commands[] = {
	{ "hook", cmd_hook, CLI_HUMAN | CLI_HOOK, "AGENT", "answer one agent hook payload on stdin (claude, gemini, codex)" },
	{ "init", cmd_init, CLI_HUMAN, "[--agent claude|gemini|codex|all] [--command 'guard hook'] [--[no-]git-hooks] [--remove] | --mcp [--remove]",
	  "set up this repository: .ai/policy.yaml, the agents' hooks, runtime files ignored" },
	{ "explain", cmd_explain, 0, "'CMD'", "how a shell command is rated and what the policy decides" },
	{ "mcp", cmd_mcp, 0, "[--name NAME] [--propose] [--max-frame BYTES] -- SERVER-COMMAND [ARGS...] | "
	  "--listen [ADDR:]PORT --upstream URL [--allow-origin ORIGIN]... [--name NAME] [--propose] [--max-frame BYTES]",
	  "run an MCP server behind guard: every tools/call is rated, decided, approved and audited" },
	{ "doctor", cmd_doctor, 0, "", "check the policy layers and prove each agent hook denies 'rm -rf ~'" },
	{ "version", cmd_version, 0, "", "the version (also --version)" },
	{ NULL, cmd_other, 0, NULL, NULL }, /* guard NAME: guard-NAME */
};

int
main(int argc, char **argv)
{
	cli_init("guard");
	return cli_dispatch(commands, summary, argc, argv);
}
