#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "guard_approval.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_policy.h"
#include "init.h"
#include "agents.h"
#include "init_mcp.h"
#include "guard_buf.h"

#define SETTINGS_MAX ((size_t)1 << 20)

static const char project_policy[] =
	"# guard project policy layer (see guard-policy(5)).\n"
	"#\n"
	"# This file is the one layer the agent could write, so it may only\n"
	"# tighten: its deny and ask rules apply, its allow rules never override\n"
	"# a deny or ask from the built-in, user or managed layers, and looser\n"
	"# limits are ignored (guard doctor reports them). guard itself denies\n"
	"# the agent any write to this file.\n"
	"version: 1\n"
	"rules: []\n"
	"# Examples:\n"
	"# rules:\n"
	"#   - id: no-prod-db\n"
	"#     effect: deny\n"
	"#     when: {regex: \"psql .*prod\"}\n"
	"#     reason: production database is off limits\n"
	"#   - id: ask-migrations\n"
	"#     effect: ask\n"
	"#     when: {path: [\"db/migrate/**\"], access: write}\n";

char *
init_find_root(void)
{
	char *here = getcwd(NULL, 0), *root = NULL;

	if (!here)
		return NULL;
	if (guard_project_root(here, &root) == GUARD_ENOTFOUND)
		fprintf(stderr, "guard: no .git found above here; using %s as the project root\n", root);
	free(here);
	return root;
}

/*
 * What guard init writes, planned in full before anything is written: a
 * settings file that cannot be read or merged stops init with nothing
 * changed (no half-done init).
 */
struct plan {
	char *path;   /* absolute */
	char *data;   /* the new content; NULL: nothing to write */
	mode_t mode;
	char *say;    /* the line printed for it */
};
#define PLAN_MAX 8
struct plans {
	struct plan p[PLAN_MAX];
	size_t n;
};
#define PLANS_INIT { { { NULL, NULL, 0, NULL } }, 0 }

static void
plan_add(struct plans *ps, char *path, char *data, mode_t mode, char *say)
{
	struct plan *p = &ps->p[ps->n++];
	p->path = path, p->data = data, p->mode = mode, p->say = say;
}

static void
plans_release(struct plans *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->p[i].path);
		free(ps->p[i].data);
		free(ps->p[i].say);
	}
	ps->n = 0;
}

/* Write every planned file (their folders made), saying what each got. */
static int
plans_write(struct plans *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		struct plan *p = &ps->p[i];
		if (p->data) {
			char *dir = guard_xstrdup(p->path);
			*strrchr(dir, '/') = '\0';
			int rc = guard_mkdirs(dir, 0755);
			free(dir);
			if (rc < 0 || (rc = guard_file_write_atomic(p->path, p->data, strlen(p->data), p->mode)) < 0)
				return rc;
		}
		printf("%s\n", p->say);
	}
	return 0;
}

static mode_t
file_mode(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 0777 : 0644;
}

/* An agent's events guard hooks, and the timeout it writes (the agent's unit). */
struct agent_wiring {
	const char *events[3];
	int timeout;
};

static const struct agent_wiring wirings[3] = {
	{ { "PreToolUse", "PostToolUse", "SessionStart" }, AGENT_HOOK_TIMEOUT_S },
	{ { "BeforeTool", "AfterTool", NULL }, AGENT_HOOK_TIMEOUT_S * 1000 },
	{ { "PreToolUse", "PostToolUse", NULL }, AGENT_HOOK_TIMEOUT_S },
};

/*
 * Put guard's hook in hooks.<event> of settings: a guard hook already
 * there gets this command (and a matcher of everything before a tool
 * runs); without one an entry is added. With remove, guard's hooks go
 * (and the entries and lists they leave empty). Sets *changed.
 */
static int
merge_event(cJSON *hooks, const char *event, const char *hook_cmd, int timeout, bool remove, bool *changed,
	    const char *path)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(hooks, event), *entry, *next;
	bool have = false;

	if (!list && remove)
		return 0;
	if (!list)
		list = cJSON_AddArrayToObject(hooks, event);
	if (!cJSON_IsArray(list))
		return guard_error(GUARD_EUSAGE, "'%s': hooks.%s is not an array; left unchanged", path, event);
	for (entry = list->child; entry; entry = next) {
		next = entry->next;
		cJSON *hs = cJSON_GetObjectItemCaseSensitive(entry, "hooks"), *h, *hn;
		bool ours = false;
		for (h = cJSON_IsArray(hs) ? hs->child : NULL; h; h = hn) {
			hn = h->next;
			cJSON *c = cJSON_GetObjectItemCaseSensitive(h, "command");
			if (!cJSON_IsString(c) || !agent_is_guard_command(c->valuestring))
				continue;
			ours = true;
			if (remove) {
				cJSON_Delete(cJSON_DetachItemViaPointer(hs, h));
				*changed = true;
			} else if (strcmp(c->valuestring, hook_cmd)) {
				cJSON_SetValuestring(c, hook_cmd);
				*changed = true;
			}
		}
		if (!ours)
			continue;
		have = true;
		if (remove && !cJSON_GetArraySize(hs)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(list, entry));
			continue;
		}
		cJSON *m = cJSON_GetObjectItemCaseSensitive(entry, "matcher");
		if (!remove && m && !(cJSON_IsString(m) && !strcmp(m->valuestring, "*"))) {
			/* a narrower matcher lets calls past guard (guard doctor names them) */
			guard_json_set(entry, "matcher", cJSON_CreateString("*"));
			*changed = true;
		}
	}
	if (remove) {
		if (!cJSON_GetArraySize(list))
			cJSON_DeleteItemFromObjectCaseSensitive(hooks, event);
		return 0;
	}
	if (!have) {
		entry = cJSON_CreateObject();
		cJSON_AddStringToObject(entry, "matcher", "*");
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "type", "command");
		cJSON_AddStringToObject(h, "command", hook_cmd);
		cJSON_AddNumberToObject(h, "timeout", timeout);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(entry, "hooks"), h);
		cJSON_AddItemToArray(list, entry);
		*changed = true;
	}
	return 0;
}

/* Gemini CLI runs hooks only when they are switched on. */
static void
gemini_switch_on(cJSON *settings, cJSON *hooks, bool *changed)
{
	cJSON *tools = cJSON_GetObjectItemCaseSensitive(settings, "tools");
	if (!tools)
		tools = cJSON_AddObjectToObject(settings, "tools");
	if (cJSON_IsObject(tools) && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tools, "enableHooks"))) {
		guard_json_set(tools, "enableHooks", cJSON_CreateTrue());
		*changed = true;
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(hooks, "enabled"))) {
		guard_json_set(hooks, "enabled", cJSON_CreateTrue());
		*changed = true;
	}
}

/* Plan an agent's JSON settings file: guard's hooks merged in (or taken out). */
static int
plan_json(struct plans *ps, const struct agent_conf *a, const char *root, const char *hook_cmd, bool remove)
{
	const struct agent_wiring *w = &wirings[a->agent];
	char *path = guard_xasprintf("%s/%s/%s", root, a->dir, a->file);
	cJSON *settings = NULL, *hooks;
	bool changed = false;
	int rc = agent_json_read(path, &settings);

	if (rc == GUARD_ENOTFOUND && remove) {
		plan_add(ps, path, NULL, 0, guard_xasprintf("none   %s/%s", a->dir, a->file));
		return 0;
	}
	if (rc == GUARD_ENOTFOUND)
		settings = cJSON_CreateObject();
	else if (rc < 0) {
		char *why = guard_xstrdup(guard_error_last());
		rc = guard_error(rc, "%s; left unchanged (fix it, then run guard init again)", why);
		free(why);
		goto fail;
	}
	/* the agent reads the last of two members, guard would change the first (A12) */
	const char *dup = agent_duplicate_member(settings), *in = "";
	if (!dup && (dup = agent_duplicate_member(cJSON_GetObjectItemCaseSensitive(settings, "hooks"))))
		in = "hooks.";
	if (dup) {
		rc = guard_error(GUARD_EUSAGE, "'%s' names %s\"%s\" twice (the agent reads the last, guard the first); "
				 "left unchanged (keep one, then run guard init again)", path, in, dup);
		goto fail;
	}
	hooks = cJSON_GetObjectItemCaseSensitive(settings, "hooks");
	if (!hooks && !remove)
		hooks = cJSON_AddObjectToObject(settings, "hooks");
	if (hooks && !cJSON_IsObject(hooks)) {
		rc = guard_error(GUARD_EUSAGE, "'%s': \"hooks\" is not an object; left unchanged", path);
		goto fail;
	}
	for (size_t i = 0; hooks && i < 3 && w->events[i]; i++)
		if ((rc = merge_event(hooks, w->events[i], hook_cmd, w->timeout, remove, &changed, path)) < 0)
			goto fail;
	if (!remove && a->agent == GUARD_AGENT_GEMINI)
		gemini_switch_on(settings, hooks, &changed);
	char *say;
	if (remove)
		say = guard_xasprintf("%s %s/%s", changed ? "unhooked" : "none  ", a->dir, a->file);
	else
		say = guard_xasprintf("%s %s/%s (%s, %s%s%s -> %s)", changed ? "hooked" : "kept  ", a->dir, a->file,
				      w->events[0], w->events[1], w->events[2] ? ", " : "", w->events[2] ? w->events[2] : "",
				      hook_cmd);
	plan_add(ps, path, changed ? guard_json_pretty(settings, 0) : NULL, file_mode(path), say);
	cJSON_Delete(settings);
	return 0;
fail:
	cJSON_Delete(settings);
	free(path);
	return rc;
}

/* The TOML guard writes in Codex's config.toml, between its marks. */
static char *
codex_block(const char *hook_cmd)
{
	struct guard_buf b = GUARD_BUF_INIT;

	guard_buf_addstr(&b, AGENT_TOML_BEGIN "\n");
	for (size_t i = 0; i < 2; i++) {
		const char *ev = wirings[GUARD_AGENT_CODEX].events[i];
		guard_buf_addf(&b, "[[hooks.%s]]\nmatcher = \"*\"\n[[hooks.%s.hooks]]\ntype = \"command\"\ncommand = ", ev, ev);
		guard_json_add_string(&b, hook_cmd); /* a JSON string is a TOML basic string */
		guard_buf_addf(&b, "\ntimeout = %d\n", wirings[GUARD_AGENT_CODEX].timeout);
	}
	guard_buf_addstr(&b, AGENT_TOML_END "\n");
	return guard_buf_detach(&b);
}

/* Whether a line of text outside guard's block starts a hooks table or key of its own. */
static bool
toml_has_own_hooks(const char *text)
{
	for (const char *l = text; l && *l;) {
		const char *s = l + strspn(l, " \t");
		if (!strncmp(s, "[hooks", 6) || !strncmp(s, "[[hooks", 7) || !strncmp(s, "hooks ", 6) ||
		    !strncmp(s, "hooks=", 6) || !strncmp(s, "hooks.", 6))
			return true;
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	return false;
}

/* Plan .codex/config.toml: guard's marked block added, replaced or taken out; the rest kept as it is. */
static int
plan_codex(struct plans *ps, const char *root, const char *hook_cmd, bool remove)
{
	char *path = guard_xasprintf("%s/.codex/" AGENT_CODEX_TOML, root), *text = NULL, *block = codex_block(hook_cmd);
	size_t len = 0;
	int rc = guard_file_read(path, (size_t)1 << 20, 1, &text, &len);
	struct guard_buf out = GUARD_BUF_INIT;

	if (rc < 0 && rc != GUARD_ENOTFOUND)
		goto out;
	const char *begin = text ? strstr(text, AGENT_TOML_BEGIN) : NULL, *end = begin ? strstr(begin, AGENT_TOML_END) : NULL;
	if (begin && !end) {
		rc = guard_error(GUARD_EUSAGE, "'%s': guard's block has no end mark ('%s'); left unchanged (fix it by hand)",
				 path, AGENT_TOML_END);
		goto out;
	}
	if (end)
		end += strlen(AGENT_TOML_END) + (end[strlen(AGENT_TOML_END)] == '\n');
	/* the text without guard's block */
	if (text)
		guard_buf_add(&out, text, begin ? (size_t)(begin - text) : len);
	if (!remove && toml_has_own_hooks(out.buf)) {
		rc = guard_error(GUARD_EUSAGE, "'%s' has hooks of its own; left unchanged (add guard's by hand:"
				 " a [[hooks.PreToolUse]] entry running \"%s\")", path, hook_cmd);
		goto out;
	}
	if (end)
		guard_buf_addstr(&out, end);
	if (!remove) {
		if (out.len && out.buf[out.len - 1] != '\n')
			guard_buf_addch(&out, '\n');
		guard_buf_addstr(&out, block);
	}
	bool changed = !text || strcmp(out.buf, text);
	if (remove && !begin)
		changed = false;
	char *say = remove ? guard_xasprintf("%s .codex/" AGENT_CODEX_TOML, changed ? "unhooked" : "none  ")
			   : guard_xasprintf("%s .codex/" AGENT_CODEX_TOML " (PreToolUse, PostToolUse -> %s)",
					     changed ? "hooked" : "kept  ", hook_cmd);
	plan_add(ps, path, changed ? guard_buf_detach(&out) : NULL, file_mode(path), say);
	path = NULL;
	rc = 0;
out:
	guard_buf_release(&out);
	free(block);
	free(text);
	free(path);
	return rc;
}

/*
 * What guard keeps for this machine only, ignored by git: the audit log,
 * the state of a project that is no git repository, locks, the approval
 * store's digest index and temporary files, and the log of refused
 * session starts. The policy, approval requests and decisions, plans and
 * session logs are meant to be committed (share/doc/decisions.md).
 */
static const char *const ignored[] = {
	".ai/audit/", ".ai/state/", ".ai/**/.lock", ".ai/**/*.lock", ".ai/approvals/.locks/", ".ai/approvals/.tmp/",
	".ai/approvals/.digest/", ".ai/sessions/refused.log.jsonl", NULL,
};

/* Plan .gitignore with every entry of ignored it lacks. */
static int
plan_gitignore(struct plans *ps, const char *root)
{
	char *path = guard_xasprintf("%s/.gitignore", root), *text = NULL;
	size_t len = 0;
	int rc = guard_file_read(path, SETTINGS_MAX, 1, &text, &len), added = 0;
	struct guard_buf out = GUARD_BUF_INIT;

	if (rc < 0 && rc != GUARD_ENOTFOUND) {
		free(path);
		return rc;
	}
	if (text)
		guard_buf_add(&out, text, len);
	for (size_t i = 0; ignored[i]; i++) {
		bool present = false;
		for (char *l = text; l && *l;) {
			char *nl = strchrnul(l, '\n');
			if ((size_t)(nl - l) == strlen(ignored[i]) && !strncmp(l, ignored[i], (size_t)(nl - l)))
				present = true;
			l = *nl ? nl + 1 : nl;
		}
		if (present)
			continue;
		if (out.len && out.buf[out.len - 1] != '\n')
			guard_buf_addch(&out, '\n');
		if (!added++ && !(text && strstr(text, "# guard's runtime files")))
			guard_buf_addstr(&out, "# guard's runtime files (this machine's, not the project's)\n");
		guard_buf_addf(&out, "%s\n", ignored[i]);
	}
	plan_add(ps, path, added ? guard_buf_detach(&out) : NULL, file_mode(path),
		 guard_xasprintf("%s .gitignore (guard's runtime files)", added ? "ignore" : "kept  "));
	guard_buf_release(&out);
	free(text);
	return 0;
}

/* The hook command's program: this guard, by its absolute path. */
static char *
default_command(void)
{
	char *exe = realpath("/proc/self/exe", NULL);
	char *quoted = exe ? agent_shell_quote(exe) : NULL;
	char *cmd = guard_xasprintf("%s hook", quoted ? quoted : "guard");
	free(quoted);
	free(exe);
	return cmd;
}

#define AGENT_BIT(a) (1u << (a))

static int
parse_agent(const char *name, unsigned *agents)
{
	enum guard_agent a;

	if (!strcmp(name, "all")) {
		*agents |= AGENT_BIT(GUARD_AGENT_CLAUDE) | AGENT_BIT(GUARD_AGENT_GEMINI) | AGENT_BIT(GUARD_AGENT_CODEX);
		return 0;
	}
	if (guard_agent_parse(name, &a) < 0)
		return guard_error(GUARD_EUSAGE, "unknown agent '%s' (claude, gemini, codex or all)", name);
	*agents |= AGENT_BIT(a);
	return 0;
}

/* ---- guard-git's hooks (guard-git(1)), offered by init, taken out by --remove ---- */

enum git_hooks { GIT_HOOKS_ASK, GIT_HOOKS_YES, GIT_HOOKS_NO };

/*
 * Run "guard-git VERB" in root: the one beside this guard, else the one on
 * PATH. 0, or an error naming what to do (its own message is above it).
 */
static int
run_guard_git(const char *root, const char *verb)
{
	int st;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		return guard_error(GUARD_EIO, "cannot start guard-git: %s", strerror(errno));
	if (pid == 0) {
		char *path = cli_sibling("guard-git");
		if (chdir(root) < 0)
			_exit(GUARD_EXIT_IO);
		if (path)
			execl(path, "guard-git", verb, (char *)NULL);
		execlp("guard-git", "guard-git", verb, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return guard_error(GUARD_EIO, "waiting for guard-git: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return guard_error(GUARD_ENOTFOUND, "guard-git is neither beside this guard nor on PATH: the git hooks "
				   "are not %s (install guard-git, then run 'guard-git %s' in %s)",
				   strcmp(verb, "install") ? "removed" : "installed", verb, root);
	int code = WIFEXITED(st) && WEXITSTATUS(st) <= GUARD_EXIT_IO ? WEXITSTATUS(st) : GUARD_EXIT_IO;
	return guard_error(-code, "'guard-git %s' failed (above); the agents' hooks are done: run 'guard-git %s' "
			   "in %s once that is fixed", verb, verb, root);
}

/* On a terminal: install the git hooks? Enter or y: yes; n, anything else or end of input: no. */
static bool
ask_git_hooks(void)
{
	char line[64];
	const char *p = line;

	fflush(stdout);
	fprintf(stderr, "Install guard's git hooks too (guard-git install: commits, pushes and ref updates are checked "
		"against the branch rules)? [Y/n] ");
	if (!fgets(line, sizeof(line), stdin)) {
		fputc('\n', stderr);
		return false;
	}
	p += strspn(p, " \t");
	return *p == '\n' || *p == '\0' || !strcasecmp(p, "y\n") || !strcasecmp(p, "yes\n");
}

/* After the agents' wiring: install (asked on a terminal), or remove, guard-git's hooks. */
static int
init_git_hooks(const char *root, enum git_hooks want, bool remove)
{
	char *dotgit = guard_xasprintf("%s/.git", root);
	bool repo = access(dotgit, F_OK) == 0;
	int rc = 0;

	free(dotgit);
	if (remove) {
		if (want == GIT_HOOKS_NO || !repo)
			return 0;
		rc = run_guard_git(root, "uninstall");
		if (rc == GUARD_ENOTFOUND && want == GIT_HOOKS_ASK) { /* nothing to take them out with: say so, go on */
			cli_error("%s", guard_error_last());
			guard_error_clear();
			rc = 0;
		}
		return rc;
	}
	if (!repo) {
		if (want == GIT_HOOKS_YES)
			rc = guard_error(GUARD_ENOTFOUND, "%s is not a git repository: no git hooks to install "
					 "('git init' first, then 'guard-git install')", root);
		return rc;
	}
	if (want == GIT_HOOKS_NO) /* --no-git-hooks: not even the line */
		return 0;
	if (want == GIT_HOOKS_ASK && isatty(STDIN_FILENO) && isatty(STDERR_FILENO))
		want = ask_git_hooks() ? GIT_HOOKS_YES : GIT_HOOKS_NO;
	if (want == GIT_HOOKS_YES)
		return run_guard_git(root, "install");
	printf("Git hooks: not installed; 'guard-git install' adds them (guard init --git-hooks does it too).\n");
	return 0;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "agent", required_argument, NULL, 'a' },
		{ "remove", no_argument, NULL, 'r' },
		{ "mcp", no_argument, NULL, 'm' },
		{ "git-hooks", no_argument, NULL, 'g' },
		{ "no-git-hooks", no_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	struct plans ps = PLANS_INIT;
	char *command = NULL, *root = NULL, *hook_cmd;
	unsigned agents = 0;
	bool remove = false, mcp = false;
	enum git_hooks git_hooks = GIT_HOOKS_ASK;
	int c, rc = 0;

	optind = 1;
	opterr = 0; /* cli_bad_option says it in one line */
	while ((c = getopt_long(argc, argv, "c:a:r", opts, NULL)) != -1) {
		switch (c) {
		case 'c': free(command); command = guard_xstrdup(optarg); break;
		case 'a': if ((rc = parse_agent(optarg, &agents)) < 0) goto out; break;
		case 'r': remove = true; break;
		case 'm': mcp = true; break;
		case 'g':
		case 'G':
			if (git_hooks != GIT_HOOKS_ASK && git_hooks != (c == 'g' ? GIT_HOOKS_YES : GIT_HOOKS_NO)) {
				rc = guard_error(GUARD_EUSAGE, "--git-hooks and --no-git-hooks: give one");
				goto out;
			}
			git_hooks = c == 'g' ? GIT_HOOKS_YES : GIT_HOOKS_NO;
			break;
		default: cli_bad_option(argv, opts); rc = GUARD_EUSAGE; goto out;
		}
	}
	if (optind < argc) {
		rc = guard_error(GUARD_EUSAGE, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!agents) /* claude by default; --remove takes every agent's out */
		agents = remove ? 7u : AGENT_BIT(GUARD_AGENT_CLAUDE);
	if (!(root = init_find_root())) {
		rc = guard_error(GUARD_EIO, "cannot determine the current directory: %s", strerror(errno));
		goto out;
	}
	if (mcp) { /* the MCP wiring alone: src/init_mcp.c */
		rc = init_mcp(root, remove);
		goto out;
	}
	if (!command)
		command = default_command();
	if (!remove) {
		char *policy = guard_xasprintf("%s/.ai/policy.yaml", root);
		struct stat st;
		bool have = lstat(policy, &st) == 0;
		plan_add(&ps, policy, have ? NULL : guard_xstrdup(project_policy), 0644,
			 guard_xstrdup(have ? "kept   .ai/policy.yaml" : "wrote .ai/policy.yaml"));
	}
	for (size_t i = 0; i < 3 && rc >= 0; i++) {
		const struct agent_conf *a = &agent_confs[i];
		if (!(agents & AGENT_BIT(a->agent)))
			continue;
		hook_cmd = agent_hook_command(command, a->name);
		rc = a->agent == GUARD_AGENT_CODEX ? plan_codex(&ps, root, hook_cmd, remove)
						   : plan_json(&ps, a, root, hook_cmd, remove);
		free(hook_cmd);
	}
	if (rc >= 0 && !remove)
		rc = plan_gitignore(&ps, root);
	/* nothing is written unless every file could be planned */
	if (rc < 0 || (rc = plans_write(&ps)) < 0)
		goto out;
	if (remove) {
		printf("\nguard's hooks are out; .ai/ (policy, approvals, audit log) is kept: remove it by hand if you mean to.\n");
		rc = init_git_hooks(root, git_hooks, true);
		goto out;
	}
	printf("\nThe hooks run %s: this guard, by its absolute path. A guard that is gone\n"
	       "(uninstalled, or not on a teammate's machine) exits 127, which '|| exit 2' turns into a block.\n"
	       "--command 'guard hook' relies on PATH instead. 'guard doctor' proves the wiring.\n", command);
	if (!(agents & AGENT_BIT(GUARD_AGENT_GEMINI)))
		printf("Gemini CLI: guard init --agent gemini writes .gemini/settings.json (hooks switched on).\n");
	if (!(agents & AGENT_BIT(GUARD_AGENT_CODEX)))
		printf("Codex CLI: guard init --agent codex writes .codex/config.toml.\n");
	rc = init_git_hooks(root, git_hooks, false);
out:
	plans_release(&ps);
	free(command);
	free(root);
	return rc;
}
