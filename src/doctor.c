/*
 * guard doctor: every agent hook that runs guard, at the project and in
 * $HOME, is run as the agent would run it, on a canned destructive call
 * in a scratch folder, and must deny it; then its matcher, its timeout,
 * the policy layers and guard-git's hooks. One line per problem, with
 * the command that fixes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agents.h"
#include "init_mcp.h"
#include "cli.h"
#include "guard_approval.h"
#include "guard_audit.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_githook_text.h"
#include "guard_linked.h"
#include "guard_list.h"
#include "guard_path.h"
#include "guard_policy.h"
#include "guard_regex.h"
#include "init.h"
#include "git_linked.h" /* GUARD_GIT_ARCHIVES, written by the build */

#define HOOK_OUT_MAX ((size_t)1 << 16)
#define PROOF_DESTRUCTIVE "rm -rf ~"
#define PROOF_EVERYDAY "git status"

struct doctor {
	const char *root, *home;
	struct guard_policy *p;
	long long hook_wait; /* seconds; -1 when the policy is invalid */
	char *scratch;       /* where the hooks run; made on first use */
	int problems;
};
#define DOCTOR_INIT { NULL, NULL, NULL, -1, NULL, 0 }

/* Per agent, across its settings files: how many guard hooks, and which tools they reach. */
struct agent_seen {
	int hooks;
	bool covered[8];
};

static void __attribute__((format(printf, 3, 4)))
problem(struct doctor *d, const char *fix, const char *fmt, ...)
{
	va_list ap;

	char *what = NULL;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	cli_line(stdout, "  problem: %s; fix: %s", what ? what : "(out of memory)", fix);
	free(what);
	d->problems++;
}

/* ---- running a hook as the agent does ---- */

struct run {
	int status; /* the exit status; -1 killed by a signal or the timeout */
	bool timed_out;
	struct guard_buf out, err;
};
#define RUN_INIT { -1, false, GUARD_BUF_INIT, GUARD_BUF_INIT }

static void
run_release(struct run *r)
{
	guard_buf_release(&r->out);
	guard_buf_release(&r->err);
}

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sh -c COMMAND in cwd with input on stdin, as agents run a hook; killed after timeout_s. */
static int
run_shell(const char *command, const char *input, const char *cwd, long long timeout_s, struct run *r)
{
	int in[2], out[2], err[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return guard_error(GUARD_EIO, "cannot make a pipe: %s", strerror(errno));
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return guard_error(GUARD_EIO, "cannot make a pipe: %s", strerror(errno));
	}
	fflush(stdout);
	if ((pid = fork()) < 0)
		return guard_error(GUARD_EIO, "cannot fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0 || chdir(cwd) < 0)
			_exit(126);
		setenv("CLAUDE_PROJECT_DIR", cwd, 1);
		setenv("GEMINI_PROJECT_DIR", cwd, 1);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(in[0]), close(out[1]), close(err[1]);
	/* the payload is smaller than a pipe's buffer; a hook that never reads it still ends */
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], input, strlen(input)) < 0) {
		/* it exited first: its status says why */
	}
	close(in[1]);
	struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	struct guard_buf *to[2] = { &r->out, &r->err };
	long long deadline = now_ms() + timeout_s * 1000;
	int open_fds = 2;
	while (open_fds > 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			break;
		}
		if (poll(fds, 2, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			char buf[4096];
			ssize_t n = read(fds[i].fd, buf, sizeof(buf));
			if (n > 0 && to[i]->len < HOOK_OUT_MAX) {
				guard_buf_add(to[i], buf, (size_t)n);
			} else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static const char *
scratch_dir(struct doctor *d)
{
	if (!d->scratch) {
		const char *tmp = getenv("TMPDIR");
		char *t = guard_xasprintf("%s/guard-doctor.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
		if (mkdtemp(t))
			d->scratch = t;
		else
			free(t);
		/* a project guard is set up in (an empty policy layer): the hook denies a call in none */
		char *ai = d->scratch ? guard_xasprintf("%s/.ai", d->scratch) : NULL;
		char *pol = ai ? guard_xasprintf("%s/policy.yaml", ai) : NULL;
		FILE *f = ai && mkdir(ai, 0700) == 0 ? fopen(pol, "wx") : NULL;
		if (f)
			fputs("version: 1\n", f), fclose(f);
		free(ai);
		free(pol);
	}
	return d->scratch;
}

/* A canned PreToolUse/BeforeTool payload running command from cwd. */
static char *
canned_payload(const struct agent_conf *a, const char *command, const char *cwd)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "session_id", "guard-doctor");
	cJSON_AddStringToObject(o, "transcript_path", "");
	cJSON_AddStringToObject(o, "cwd", cwd);
	cJSON_AddStringToObject(o, "hook_event_name", a->pre_event);
	if (a->agent == GUARD_AGENT_GEMINI) {
		cJSON_AddStringToObject(o, "timestamp", "2026-01-01T00:00:00Z");
		cJSON_AddStringToObject(o, "tool_name", "run_shell_command");
	} else {
		cJSON_AddStringToObject(o, "permission_mode", "default");
		cJSON_AddStringToObject(o, "tool_name", "Bash");
		cJSON_AddStringToObject(o, "tool_use_id", "toolu_guard_doctor");
	}
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "tool_input"), "command", command);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* What the agent makes of a hook's answer: "deny", "allow", "ask", or NULL (an error: the call runs). */
static const char *
verdict(const struct agent_conf *a, const struct run *r)
{
	if (r->timed_out || r->status < 0)
		return NULL;
	if (r->status == 2)
		return "deny";
	if (r->status != 0)
		return NULL;
	const char *s = r->out.buf + strspn(r->out.buf, " \t\r\n");
	if (*s != '{')
		return "allow";
	cJSON *o = cJSON_Parse(s);
	const char *v = "allow", *d = a->agent == GUARD_AGENT_GEMINI
		? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "decision"))
		: cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			  cJSON_GetObjectItemCaseSensitive(o, "hookSpecificOutput"), "permissionDecision"));
	if (d && (!strcmp(d, "deny") || !strcmp(d, "block")))
		v = "deny";
	else if (d && !strcmp(d, "ask"))
		v = "ask";
	cJSON_Delete(o);
	return v;
}

/* Why a run was not a deny, in a few words: "exit 127: sh: 1: /nonexistent/guard: not found". */
static void
describe(const struct run *r, struct guard_buf *b)
{
	if (r->timed_out) {
		guard_buf_addstr(b, "timed out (a hook that times out does not block)");
		return;
	}
	if (r->status < 0)
		guard_buf_addstr(b, "killed by a signal");
	else
		guard_buf_addf(b, "exit %d", r->status);
	const char *e = r->err.buf;
	size_t n = strcspn(e, "\n");
	if (n)
		guard_buf_addf(b, ": %.*s", (int)(n > 160 ? 160 : n), e);
	else if (r->status == 0)
		guard_buf_addstr(b, ", no deny in its answer");
}

/*
 * Run the hook command on a destructive call (it must deny) and an
 * everyday one (it must not: a hook that blocks everything is broken
 * too). Returns whether it proved itself.
 */
static bool
prove(struct doctor *d, const struct agent_conf *a, const char *where, const char *command, long long timeout_s)
{
	const char *dir = scratch_dir(d);
	struct run bad = RUN_INIT, good = RUN_INIT;
	struct guard_buf why = GUARD_BUF_INIT;
	char *fix = guard_xasprintf("guard init --agent %s", a->name);
	bool ok = false;

	if (!dir) {
		problem(d, "set TMPDIR to a writable folder", "cannot make a scratch folder to run the %s hook in: %s",
			a->name, strerror(errno));
		goto out;
	}
	char *payload = canned_payload(a, PROOF_DESTRUCTIVE, dir);
	int rc = run_shell(command, payload, dir, timeout_s, &bad);
	free(payload);
	if (rc < 0) {
		problem(d, fix, "%s hook in %s could not be run: %s", a->name, where, guard_error_last());
		goto out;
	}
	const char *v = verdict(a, &bad);
	if (!v || strcmp(v, "deny")) {
		if (v)
			guard_buf_addf(&why, "answered %s", v);
		else
			describe(&bad, &why);
		problem(d, fix, "%s hook in %s does not block '%s': '%s' %s", a->name, where, PROOF_DESTRUCTIVE,
			command, why.buf);
		goto out;
	}
	payload = canned_payload(a, PROOF_EVERYDAY, dir);
	rc = run_shell(command, payload, dir, timeout_s, &good);
	free(payload);
	v = rc < 0 ? NULL : verdict(a, &good);
	if (!v || !strcmp(v, "deny")) {
		describe(&good, &why);
		problem(d, fix, "%s hook in %s blocks everything, '%s' too: '%s' %s", a->name, where, PROOF_EVERYDAY,
			command, why.buf);
		goto out;
	}
	printf("%s hook: installed and proven in %s: '%s' denied, '%s' %s (%s)\n", a->name, where,
	       PROOF_DESTRUCTIVE, PROOF_EVERYDAY, !strcmp(v, "allow") ? "allowed" : v, command);
	/* proven with this shell's PATH, which need not be the agent's */
	size_t word = strcspn(command + strspn(command, " \t"), " \t");
	if (!memchr(command + strspn(command, " \t"), '/', word))
		printf("  note: '%.*s' is found through PATH, and the agent's PATH may differ; '%s' writes the absolute path\n",
		       (int)word, command + strspn(command, " \t"), fix);
	ok = true;
out:
	run_release(&bad);
	run_release(&good);
	guard_buf_release(&why);
	free(fix);
	return ok;
}

/* ---- what a hook is configured with ---- */

/* Whether an agent's matcher reaches tool ("*" and "" are everything; else a list or a regex, whole name). */
static bool
matcher_covers(const struct agent_conf *a, const cJSON *matcher, const char *tool)
{
	const char *m = cJSON_IsString(matcher) ? matcher->valuestring : matcher ? NULL : "";
	if (!m)
		return false;
	if (!*m || !strcmp(m, "*"))
		return true;
	if (a->agent == GUARD_AGENT_CLAUDE &&
	    strspn(m, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_|") == strlen(m)) {
		size_t n = strlen(tool);
		for (const char *p = m; *p;) {
			size_t len = strcspn(p, "|");
			if (len == n && !strncmp(p, tool, n))
				return true;
			p += len + (p[len] == '|');
		}
		return false;
	}
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)m, PCRE2_ZERO_TERMINATED,
				       guard_regex_flags() | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &off, NULL);
	if (!re)
		return false;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	bool hit = pcre2_match(re, (PCRE2_SPTR)tool, strlen(tool), 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return hit;
}

static void
check_timeout(struct doctor *d, const struct agent_conf *a, const char *where, long long timeout_s)
{
	if (d->hook_wait < 0 || d->hook_wait < timeout_s)
		return;
	printf("  problem: approval.hook_wait (%llds) is at or above the hook's timeout (%llds in %s):"
	       " a hook that times out does not block, so the agent's call would run unapproved;"
	       " fix: lower approval.hook_wait below %llds, or raise the %s hook's timeout\n",
	       d->hook_wait, timeout_s, where, timeout_s, a->name);
	d->problems++;
}

struct visit {
	struct doctor *d;
	const struct agent_conf *a;
	const char *where;
	struct agent_seen *seen;
};

static void
visit_hook(const cJSON *matcher, const cJSON *hook, void *arg)
{
	struct visit *v = arg;
	const char *cmd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hook, "command"));
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(hook, "timeout");
	long long timeout_s = 60; /* every agent's default */

	if (!agent_is_guard_command(cmd))
		return;
	if (cJSON_IsNumber(to) && to->valuedouble > 0)
		timeout_s = v->a->timeout_ms ? (long long)to->valuedouble / 1000 : (long long)to->valuedouble;
	v->seen->hooks++;
	for (size_t i = 0; v->a->tools[i]; i++)
		v->seen->covered[i] |= matcher_covers(v->a, matcher, v->a->tools[i]);
	if (prove(v->d, v->a, v->where, cmd, timeout_s > 0 ? timeout_s : 1))
		check_timeout(v->d, v->a, v->where, timeout_s);
}

static void
visit_toml(const char *command, void *arg)
{
	cJSON *m = cJSON_CreateString("*"), *h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "command", command);
	cJSON_AddNumberToObject(h, "timeout", 30); /* what init writes beside it */
	visit_hook(m, h, arg);
	cJSON_Delete(m);
	cJSON_Delete(h);
}

/* Gemini CLI runs hooks only when switched on. */
static void
gemini_switches(struct doctor *d, const cJSON *s, const char *where)
{
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(s, "tools");
	const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(s, "hooks");
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(tools, "enableHooks")) ||
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(hooks, "enabled")) ||
	    (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tools, "enableHooks")) &&
	     !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(hooks, "enabled"))))
		problem(d, "guard init --agent gemini",
			"gemini hooks are not switched on in %s (tools.enableHooks and hooks.enabled)", where);
}

static void
settings_checks(struct doctor *d, const struct agent_conf *a, const cJSON *s, const char *where)
{
	const char *dup = agent_duplicate_member(s);
	const cJSON *off = cJSON_GetObjectItemCaseSensitive(s, "disableAllHooks");

	if (dup)
		problem(d, "keep one of them (the agent reads the last, guard doctor the first)",
			"%s names \"%s\" twice: what the agent reads is not what guard doctor proves", where, dup);
	else if ((dup = agent_duplicate_member(cJSON_GetObjectItemCaseSensitive(s, "hooks"))))
		problem(d, "keep one of them (the agent reads the last, guard doctor the first)",
			"%s names hooks.\"%s\" twice: what the agent reads is not what guard doctor proves", where, dup);
	/* Claude Code runs no hook at all, guard's included (A4) */
	if (a->agent == GUARD_AGENT_CLAUDE && off && !cJSON_IsFalse(off) && !cJSON_IsNull(off))
		problem(d, "remove disableAllHooks from it",
			"%s sets disableAllHooks: Claude Code runs no hook, so guard sees no call", where);
}

/* One settings file of an agent: project (base root) or user (base $HOME). */
static void
doctor_file(struct doctor *d, const struct agent_conf *a, const char *base, bool user, const char *dir,
	    const char *file, struct agent_seen *seen)
{
	char *path = guard_xasprintf("%s/%s/%s", base, dir, file);
	char *where = guard_xasprintf("%s%s/%s", user ? "~/" : "", dir, file);
	struct visit v = { d, a, where, seen };
	int before = seen->hooks;

	if (!strcmp(file, AGENT_CODEX_TOML)) {
		char *text = NULL;
		size_t len;
		if (guard_file_read(path, (size_t)1 << 20, 1, &text, &len) >= 0)
			agent_toml_commands(text, a->pre_event, visit_toml, &v);
		free(text);
	} else {
		cJSON *s = NULL;
		int rc = agent_json_read(path, &s);
		if (rc < 0 && rc != GUARD_ENOTFOUND)
			problem(d, "correct the file, then run guard doctor again", "%s", guard_error_last());
		if (s) {
			settings_checks(d, a, s, where);
			agent_each_hook(s, a->pre_event, visit_hook, &v);
			if (a->agent == GUARD_AGENT_GEMINI && seen->hooks > before)
				gemini_switches(d, s, where);
		}
		cJSON_Delete(s);
	}
	free(where);
	free(path);
}

static void
doctor_agent(struct doctor *d, const struct agent_conf *a)
{
	struct agent_seen seen = { 0 };
	const char *files[] = { a->file, a->agent == GUARD_AGENT_CLAUDE ? "settings.local.json"
					 : a->agent == GUARD_AGENT_CODEX ? AGENT_CODEX_TOML : NULL };

	for (int user = 0; user < 2; user++)
		for (size_t f = 0; f < 2 && files[f]; f++)
			if (!user || (d->home && strcmp(d->home, d->root)))
				doctor_file(d, a, user ? d->home : d->root, user, a->dir, files[f], &seen);
	if (!seen.hooks) {
		if (a->agent == GUARD_AGENT_CLAUDE)
			problem(d, "guard init", "claude hook: not installed (no guard hook in .claude/settings.json or ~/.claude/settings.json)");
		else
			printf("%s hook: not configured (guard init --agent %s adds it)\n", a->name, a->name);
		return;
	}
	struct guard_buf missing = GUARD_BUF_INIT;
	for (size_t i = 0; a->tools[i]; i++)
		if (!seen.covered[i])
			guard_buf_addf(&missing, "%s%s", missing.len ? ", " : "",
				       !strncmp(a->tools[i], "mcp__", 5) ? "mcp__*" : a->tools[i]);
	if (missing.len) {
		char *fix = guard_xasprintf("guard init --agent %s (sets the matcher to *)", a->name);
		problem(d, fix, "%s hook's matcher does not reach %s: those calls run unchecked", a->name, missing.buf);
		free(fix);
	}
	guard_buf_release(&missing);
}

/* ---- guard-git's hooks ---- */

static void
doctor_githooks(struct doctor *d)
{
	static const char *const names[] = { "reference-transaction", "pre-commit", "pre-push", "post-checkout" };
	const size_t n = sizeof(names) / sizeof(names[0]);
	struct run r = RUN_INIT;
	int ours = 0, broken = 0;

	if (run_shell("git rev-parse --path-format=absolute --git-path hooks", "", d->root, 10, &r) < 0 ||
	    r.status != 0 || !r.out.len) {
		printf("guard-git hooks: not checked (not a git repository, or git is missing)\n");
		run_release(&r);
		return;
	}
	r.out.buf[strcspn(r.out.buf, "\n")] = '\0';
	struct guard_buf have = GUARD_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char *path = guard_xasprintf("%s/%s", r.out.buf, names[i]), *why = NULL;
		/* the marker is not enough: the file must be the script install writes, and runnable (A18) */
		int v = guard_git_hook_verify(path, names[i], &why);
		if (v == 1 || v == 0)
			guard_buf_addf(&have, "%s%s", ours++ ? ", " : "", names[i]);
		if (v == 0) {
			broken++;
			problem(d, "guard-git install (writes guard's hooks afresh)", "guard-git hooks: %s", why);
		}
		free(why);
		free(path);
	}
	if ((size_t)ours == n && !broken)
		printf("guard-git hooks: installed (%s)\n", have.buf);
	else if (!ours)
		printf("guard-git hooks: not installed (optional: 'guard-git install' checks commits, pushes and ref updates)\n");
	else if ((size_t)ours < n)
		problem(d, "guard-git install", "guard-git hooks: only %s of reference-transaction, pre-commit, pre-push, "
			"post-checkout",
			have.buf);
	guard_buf_release(&have);
	run_release(&r);
}

/* ---- libgit2 linked in (Makefile STATIC_GIT) ---- */

/* The git programs hold the code of the archives they were linked with: an update of one needs a rebuild. */
static void
doctor_git_linked(struct doctor *d)
{
	struct guard_list changed = GUARD_LIST_INIT;
	int n;

	if (!*GUARD_GIT_ARCHIVES) {
		printf("libgit2: shared (built with STATIC_GIT=0)\n");
		return;
	}
	if ((n = guard_linked_changed(GUARD_GIT_ARCHIVES, &changed)) < 0)
		problem(d, "rebuild guard (make && make install)", "libgit2: %s", guard_error_last());
	else if (!n)
		printf("libgit2: linked in, its archives unchanged since the build\n");
	for (size_t i = 0; i < changed.len; i++)
		problem(d, "rebuild and reinstall guard (make && make install)",
			"guard-git, guard-scan, guard-session and guard-audit hold the code of %s, "
			"which has changed since (a Debian update?)",
			changed.items[i]);
	guard_list_clear(&changed);
}

/* ---- the policy ---- */

/* Who can approve, and whether their decisions are proof or a claim. */
static void
doctor_approvals(const struct guard_policy *p)
{
	const cJSON *tree = guard_policy_tree(p), *pr;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(tree, "approval");
	int approvers = 0, keyed = 0;

	cJSON_ArrayForEach(pr, cJSON_GetObjectItemCaseSensitive(tree, "principals")) {
		if (!guard_policy_principal_can(p, pr->string, "approval.manage"))
			continue;
		approvers++;
		keyed += cJSON_IsString(cJSON_GetObjectItemCaseSensitive(pr, "key"));
	}
	printf("approvals: %d approver%s (%d with a signing key), signatures %s\n", approvers,
	       approvers == 1 ? "" : "s", keyed,
	       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "require_signature")) ? "required" : "not required");
	if (!approvers)
		printf("  note: nobody can approve an ask yet: 'guard-approve keygen --install' makes you an\n"
		       "        approver in ~/.config/guard/policy.yaml\n");
	else if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "require_signature")))
		printf("  note: unsigned decisions count, and --as is only a claim; set\n"
		       "        approval.require_signature: true with keys the agent cannot read\n");
}

/*
 * refs/guard/audit where the last seal left it (attack7 H21): read with
 * git (doctor links no libgit2) and held to the commit the state folder
 * records.
 */
static void
doctor_seal_ref(struct doctor *d, const char *dir)
{
	char want[41];
	bool found;
	struct run r = RUN_INIT;

	if (guard_audit_ref_expected(d->root, dir, want, &found) < 0) {
		problem(d, "run guard-audit seal (it rewrites the record once the ref checks out)", "audit: %s",
			guard_error_last());
		guard_error_clear();
		return;
	}
	if (!found)
		return;
	if (run_shell("git rev-parse -q --verify refs/guard/audit^{commit}", "", d->root, 10, &r) < 0) {
		guard_error_clear();
		run_release(&r);
		return;
	}
	r.out.buf[strcspn(r.out.buf, "\n")] = '\0';
	if (r.status != 0 || !r.out.len)
		problem(d, "guard-audit verify says what to do (check the log against a remote copy, then git update-ref)",
			"audit: refs/guard/audit is missing, but the last seal left it at commit %.12s: it was deleted behind "
			"guard's back (a fetch of refs/<star> with --prune, update-ref -d)", want);
	else if (strcmp(r.out.buf, want))
		problem(d, "guard-audit verify says what to do (check the log against a remote copy, then git update-ref)",
			"audit: refs/guard/audit points at %.12s, but the last seal left it at %.12s: it was moved or "
			"replaced behind guard's back", r.out.buf, want);
	run_release(&r);
}

/* Automatic seals run detached: the last one's failure is only seen here. */
static void
doctor_seals(struct doctor *d)
{
	struct guard_audit_config c = GUARD_AUDIT_CONFIG_INIT;
	char *text = NULL, when[32];
	struct tm tm;
	time_t at;

	if (guard_audit_config(&c, d->root, d->p) < 0) {
		guard_error_clear();
		return;
	}
	doctor_seal_ref(d, c.dir);
	if ((c.witness_records || c.witness_seconds) && guard_audit_witness_error(d->root, c.dir, &text, &at) == 0 &&
	    text) {
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&at, &tm));
		text[strcspn(text, "\n")] = '\0';
		for (char *ch = text; *ch; ch++) /* the seal's words may quote file names: no terminal escapes */
			if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
				*ch = '?';
		printf("audit: the last automatic seal (%s) failed: %s\n"
		       "  run guard-audit seal to see why; until it succeeds the log has no new checkpoint\n",
		       when, text);
		d->problems++;
		free(text);
	}
	guard_error_clear();
	guard_audit_config_release(&c);
}

static int
doctor_policy(struct doctor *d)
{
	struct guard_policy_sources src = { 0 };
	struct guard_list errors = GUARD_LIST_INIT;
	struct guard_approval_config c;
	int status = 0;

	src.project_root = d->root;
	if (guard_policy_load(&d->p, &src, &errors) < 0) {
		for (size_t i = 0; i < errors.len; i++)
			cli_line(stdout, "  error: %s", errors.items[i]);
		if (!errors.len)
			cli_line(stdout, "  error: %s", guard_error_last());
		printf("policy: INVALID (every hook call is denied until it is fixed)\n");
		status = GUARD_EPOLICY;
	} else {
		const struct guard_list *w = guard_policy_warnings(d->p);
		printf("policy: ok, %s%s%s\n", guard_policy_rev(d->p), guard_policy_unattended(d->p) ? ", unattended" : "",
		       guard_policy_audit_mode(d->p) ? ", AUDIT MODE (allows all)" : "");
		for (size_t i = 0; i < w->len; i++)
			cli_line(stdout, "  warning: %s", w->items[i]);
		doctor_approvals(d->p);
		doctor_seals(d);
		if (guard_approval_config(d->p, &c) >= 0)
			d->hook_wait = c.hook_wait;
	}
	guard_list_clear(&errors);
	return status;
}

int
cmd_doctor(int argc, char **argv)
{
	struct doctor d = DOCTOR_INIT;
	char *root;
	struct stat st;
	int status;

	(void)argv;
	if (argc > 1)
		return guard_error(GUARD_EUSAGE, "usage: guard doctor");
	if (!(root = init_find_root())) {
		guard_error_clear(); /* as before: the exit code says it */
		return GUARD_EIO;
	}
	d.root = root;
	d.home = getenv("HOME");
	if (d.home && *d.home != '/')
		d.home = NULL;
	printf("project: %s\n", root);
	status = doctor_policy(&d);
	for (size_t i = 0; i < sizeof(agent_confs) / sizeof(agent_confs[0]); i++)
		doctor_agent(&d, &agent_confs[i]);
	doctor_githooks(&d);
	doctor_git_linked(&d);
	d.problems += doctor_mcp(root);
	/* What only the operating system can give, said plainly. */
	if (stat("/etc/guard/policy.yaml", &st) < 0 || st.st_uid != 0)
		printf("note: no root-owned /etc/guard/policy.yaml; an agent running as you can edit\n"
		       "      your user policy. For real protection run the agent as another user\n"
		       "      and keep the managed policy and approver keys root-owned.\n");
	if (getuid() == 0)
		printf("note: running as root; an agent with root can undo any protection.\n");
	if (d.problems)
		printf("%d problem%s\n", d.problems, d.problems == 1 ? "" : "s");
	if (d.scratch) {
		nftw(d.scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(d.scratch);
	}
	guard_policy_free(d.p);
	free(root);
	guard_error_clear(); /* the report above is the answer */
	return status ? status : d.problems ? GUARD_EDENY : 0;
}
