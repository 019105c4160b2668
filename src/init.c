#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "guard_approval.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_policy.h"
#include "init.h"
#include "init_mcp.h"

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

static const char other_agents[] =
	"Gemini CLI (.gemini/settings.json):\n"
	"  {\"hooks\": {\"BeforeTool\": [{\"matcher\": \"*\", \"hooks\": [{\"type\": \"command\",\n"
	"     \"command\": \"%s gemini\"}]}]}}\n"
	"Codex CLI (~/.codex/hooks.json, or [hooks] in config.toml):\n"
	"  {\"hooks\": {\"PreToolUse\": [{\"matcher\": \"*\", \"hooks\": [{\"type\": \"command\",\n"
	"     \"command\": \"%s codex\"}]}]}}\n";

/* True when some entry of hooks.<event> already runs guard's hook. */
static bool
has_guard_hook(const cJSON *list, const char *command)
{
	const cJSON *entry, *h;

	cJSON_ArrayForEach(entry, list) {
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(entry, "hooks")) {
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(h, "command");
			if (cJSON_IsString(c) && strstr(c->valuestring, command))
				return true;
		}
	}
	return false;
}

/*
 * Add guard's hook to .claude/settings.json, keeping everything there.
 * A file that is not a JSON object is left alone and reported.
 */
static int
merge_claude_settings(const char *root, const char *command, bool *changed)
{
	static const char *const events[] = { "PreToolUse", "PostToolUse", "SessionStart" };
	char *dir = guard_xasprintf("%s/.claude", root);
	char *path = guard_xasprintf("%s/settings.json", dir);
	char *text = NULL, *hook_cmd = guard_xasprintf("%s claude", command);
	cJSON *settings = NULL, *hooks;
	size_t len;
	struct stat st;
	mode_t mode = 0644;
	int rc;

	*changed = false;
	rc = guard_file_read(path, SETTINGS_MAX, 1, &text, &len);
	if (rc == GUARD_ENOTFOUND) {
		settings = cJSON_CreateObject();
	} else if (rc < 0) {
		goto out;
	} else if (!(settings = cJSON_ParseWithLength(text, len)) || !cJSON_IsObject(settings)) {
		rc = guard_error(GUARD_EUSAGE, "'%s' is not a JSON object; left unchanged (fix it, then run guard init again)", path);
		goto out;
	} else if (stat(path, &st) == 0) {
		mode = st.st_mode & 0777;
	}
	hooks = cJSON_GetObjectItemCaseSensitive(settings, "hooks");
	if (!hooks)
		hooks = cJSON_AddObjectToObject(settings, "hooks");
	if (!cJSON_IsObject(hooks)) {
		rc = guard_error(GUARD_EUSAGE, "'%s': \"hooks\" is not an object; left unchanged", path);
		goto out;
	}
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		cJSON *list = cJSON_GetObjectItemCaseSensitive(hooks, events[i]);
		if (!list)
			list = cJSON_AddArrayToObject(hooks, events[i]);
		if (!cJSON_IsArray(list)) {
			rc = guard_error(GUARD_EUSAGE, "'%s': hooks.%s is not an array; left unchanged", path, events[i]);
			goto out;
		}
		if (has_guard_hook(list, hook_cmd))
			continue;
		cJSON *entry = cJSON_CreateObject();
		cJSON_AddStringToObject(entry, "matcher", "*");
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "type", "command");
		cJSON_AddStringToObject(h, "command", hook_cmd);
		cJSON_AddNumberToObject(h, "timeout", 30);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(entry, "hooks"), h);
		cJSON_AddItemToArray(list, entry);
		*changed = true;
	}
	if (*changed) {
		char *with_nl = guard_json_pretty(settings, 0);
		if ((rc = guard_mkdirs(dir, 0755)) >= 0)
			rc = guard_file_write_atomic(path, with_nl, strlen(with_nl), mode);
		free(with_nl);
	} else {
		rc = 0;
	}
out:
	cJSON_Delete(settings);
	free(text);
	free(hook_cmd);
	free(path);
	free(dir);
	return rc;
}

static int
write_if_missing(const char *path, const char *content, bool *written)
{
	struct stat st;

	*written = false;
	if (lstat(path, &st) == 0)
		return 0;
	*written = true;
	return guard_file_write_atomic(path, content, strlen(content), 0644);
}

/* Append a line to .gitignore unless it is there. */
static int
gitignore_add(const char *root, const char *line)
{
	char *path = guard_xasprintf("%s/.gitignore", root), *text = NULL;
	size_t len = 0;
	int rc = guard_file_read(path, SETTINGS_MAX, 1, &text, &len);

	if (rc == GUARD_ENOTFOUND)
		rc = 0;
	if (rc >= 0) {
		bool present = false;
		for (char *l = text; l && *l;) {
			char *nl = strchrnul(l, '\n');
			if ((size_t)(nl - l) == strlen(line) && !strncmp(l, line, (size_t)(nl - l)))
				present = true;
			l = *nl ? nl + 1 : nl;
		}
		if (!present) {
			char *out = guard_xasprintf("%s%s%s\n", text ? text : "",
						    len && text[len - 1] != '\n' ? "\n" : "", line);
			rc = guard_file_write_atomic(path, out, strlen(out), 0644);
			free(out);
		}
	}
	free(text);
	free(path);
	return rc;
}

static char *
find_root(void)
{
	char *here = getcwd(NULL, 0), *root = NULL;

	if (!here)
		return NULL;
	if (guard_project_root(here, &root) == GUARD_ENOTFOUND)
		fprintf(stderr, "guard: no .git found above here; using %s as the project root\n", root);
	free(here);
	return root;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "mcp", no_argument, NULL, 'm' },
		{ "remove", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *command = "guard hook";
	bool mcp = false, remove = false;
	char *root, *ai, *policy;
	bool wrote_policy = false, changed = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': command = optarg; break;
		case 'm': mcp = true; break;
		case 'r': remove = true; break;
		default: return GUARD_EUSAGE; /* getopt said why */
		}
	}
	if (optind < argc)
		return guard_error(GUARD_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (remove && !mcp)
		return guard_error(GUARD_EUSAGE, "--remove goes with --mcp (guard init --mcp --remove)");
	if (!(root = find_root()))
		return guard_error(GUARD_EIO, "cannot determine the current directory: %s", strerror(errno));
	if (mcp) { /* the MCP wiring alone: src/init_mcp.c */
		rc = init_mcp(root, remove);
		free(root);
		return rc;
	}
	ai = guard_xasprintf("%s/.ai", root);
	policy = guard_xasprintf("%s/policy.yaml", ai);
	if ((rc = guard_mkdirs(ai, 0755)) < 0 ||
	    (rc = write_if_missing(policy, project_policy, &wrote_policy)) < 0 ||
	    (rc = merge_claude_settings(root, command, &changed)) < 0 ||
	    (rc = gitignore_add(root, ".ai/audit/")) < 0) {
		c = rc;
		goto out;
	}
	printf("%s .ai/policy.yaml\n", wrote_policy ? "wrote" : "kept  ");
	printf("%s .claude/settings.json (PreToolUse, PostToolUse, SessionStart -> %s claude)\n",
	       changed ? "hooked" : "kept  ", command);
	printf("\n");
	printf(other_agents, command, command);
	c = 0;
out:
	free(policy);
	free(ai);
	free(root);
	return c;
}

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
		printf("  note: nobody can approve an ask yet: add principals with roles [admin] to\n"
		       "        ~/.config/guard/policy.yaml (guard-approve keygen prints the lines)\n");
	else if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "require_signature")))
		printf("  note: unsigned decisions count, and --as is only a claim; set\n"
		       "        approval.require_signature: true with keys the agent cannot read\n");
}

/* The shortest timeout (seconds) of guard's PreToolUse hooks in Claude settings; 60 (Claude's default) when unset. */
static long long
claude_hook_timeout(const char *text)
{
	cJSON *settings = cJSON_Parse(text), *entry, *h;
	long long t = -1;

	cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(settings, "hooks"),
								   "PreToolUse"))
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(entry, "hooks")) {
			const cJSON *to = cJSON_GetObjectItemCaseSensitive(h, "timeout");
			const char *cmd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "command"));
			long long v = cJSON_IsNumber(to) && to->valuedouble > 0 ? (long long)to->valuedouble : 60;
			if (cmd && strstr(cmd, "guard") && strstr(cmd, "hook") && (t < 0 || v < t))
				t = v;
		}
	cJSON_Delete(settings);
	return t < 0 ? 60 : t;
}

/*
 * A hook that times out does not block (Claude Code runs the tool), so
 * the hook's wait for a person must end before the agent gives up on it.
 */
static bool
doctor_hook_wait(const struct guard_policy *p, const char *settings)
{
	struct guard_approval_config c;
	long long limit = claude_hook_timeout(settings);

	if (!p || guard_approval_config(p, &c) < 0 || c.hook_wait < limit)
		return true;
	printf("  problem: approval.hook_wait (%llds) is at or above the hook's timeout (%llds in .claude/settings.json):\n"
	       "           a hook that times out does not block, so the agent's call would run unapproved;\n"
	       "           lower hook_wait below %llds, or raise the timeout\n", c.hook_wait, limit, limit);
	return false;
}

int
cmd_doctor(int argc, char **argv)
{
	struct guard_policy_sources src = { 0 };
	struct guard_list errors = GUARD_LIST_INIT;
	struct guard_policy *p = NULL;
	char *root, *settings_path, *text = NULL;
	size_t len;
	struct stat st;
	int status = 0;

	(void)argv;
	if (argc > 1)
		return guard_error(GUARD_EUSAGE, "usage: guard doctor");
	if (!(root = find_root())) {
		guard_error_clear(); /* as before: the exit code says it */
		return GUARD_EIO;
	}
	printf("project: %s\n", root);
	src.project_root = root;
	if (guard_policy_load(&p, &src, &errors) < 0) {
		for (size_t i = 0; i < errors.len; i++)
			printf("  error: %s\n", errors.items[i]);
		if (!errors.len)
			printf("  error: %s\n", guard_error_last());
		printf("policy: INVALID (every hook call is denied until it is fixed)\n");
		status = GUARD_EPOLICY;
	} else {
		const struct guard_list *w = guard_policy_warnings(p);
		printf("policy: ok, %s%s%s\n", guard_policy_rev(p),
		       guard_policy_unattended(p) ? ", unattended" : "",
		       guard_policy_audit_mode(p) ? ", AUDIT MODE (allows all)" : "");
		for (size_t i = 0; i < w->len; i++)
			printf("  warning: %s\n", w->items[i]);
		doctor_approvals(p);
	}
	settings_path = guard_xasprintf("%s/.claude/settings.json", root);
	if (guard_file_read(settings_path, SETTINGS_MAX, 1, &text, &len) < 0 || !strstr(text, "guard hook")) {
		printf("claude hook: not installed (run guard init)\n");
		if (!status)
			status = GUARD_EDENY;
	} else {
		printf("claude hook: installed in .claude/settings.json\n");
		if (!doctor_hook_wait(p, text) && !status)
			status = GUARD_EDENY;
	}
	if (doctor_mcp(root) > 0 && !status)
		status = GUARD_EDENY;
	/* What only the operating system can give, said plainly. */
	if (stat("/etc/guard/policy.yaml", &st) < 0 || st.st_uid != 0)
		printf("note: no root-owned /etc/guard/policy.yaml; an agent running as you can edit\n"
		       "      your user policy. For real protection run the agent as another user\n"
		       "      and keep the managed policy and approver keys root-owned.\n");
	if (getuid() == 0)
		printf("note: running as root; an agent with root can undo any protection.\n");
	free(text);
	free(settings_path);
	guard_policy_free(p);
	guard_list_clear(&errors);
	free(root);
	guard_error_clear(); /* the report above is the answer */
	return status;
}
