/*
 * AI coding agents run as commands (attack12 M21): another agent started
 * by the governed one acts with its own tools, held only by the hooks its
 * own settings load, and its CLI edits the MCP servers every later
 * session may call. So:
 *   - claude/gemini/codex mcp add|add-json|remove...: a write of the MCP
 *     configuration (.mcp.json for the project: guard's protected state;
 *     the user's file otherwise);
 *   - a run that switches permissions or hooks off, or names its own
 *     settings, MCP servers or setting sources: critical;
 *   - any other run with a prompt or a session: high ("starts another AI
 *     agent"), asked attended and denied unattended;
 *   - config set|add|remove: a write of the agent's settings; update:
 *     its program replaced (high);
 *   - --version, --help, mcp list/get, config get/list, doctor: reads.
 */
#include "guard_risk_int.h"

const char *const risk_agent_verbs[] = { "claude", "gemini", "codex", NULL };

/* Each agent's options that take guard out of the nested run: no permission checks, other settings or tools. */
static const struct {
	const char *agent;
	const char *const opts[16];
} unguarded[] = {
	{ "claude", { "--dangerously-skip-permissions", "--settings", "--setting-sources", "--mcp-config",
		      "--strict-mcp-config", "--permission-mode", "--allowedTools", "--allowed-tools",
		      "--permission-prompt-tool", "--plugin-dir", "--add-dir", NULL } },
	{ "gemini", { "--yolo", "-y", "--approval-mode", "--allowed-mcp-server-names", "--extensions", "-e",
		      "--include-directories", "--allowed-tools", NULL } },
	{ "codex", { "--dangerously-bypass-approvals-and-sandbox", "--full-auto", "-c", "--config", "--sandbox", "-s",
		     "--add-dir", "--profile", "-p", NULL } },
};

static bool
option_is(const char *arg, const char *opt)
{
	size_t n = strlen(opt);
	return !strncmp(arg, opt, n) && (!arg[n] || arg[n] == '=');
}

/* The first word that is not an option (the subcommand, or the prompt). */
static const char *
first_operand(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++)
		if (c->argv[i].text[0] != '-')
			return c->argv[i].text;
	return NULL;
}

static void
mcp_change(struct risk_state *st, const struct risk_cmd *c)
{
	const char *scope = risk_opt_value(c, "-s", "--scope");
	char verb[96];

	snprintf(verb, sizeof(verb), "%s mcp", c->name);
	if (!strcmp(c->name, "claude") && (!scope || strcmp(scope, "project")))
		risk_path_str(st, verb, "~/.claude.json", PATH_WRITE); /* local and user scopes */
	else if (!strcmp(c->name, "claude"))
		risk_path_str(st, verb, ".mcp.json", PATH_WRITE);
	else if (!strcmp(c->name, "gemini"))
		risk_path_str(st, verb, scope && !strcmp(scope, "user") ? "~/.gemini/settings.json" : ".gemini/settings.json",
			      PATH_WRITE);
	else
		risk_path_str(st, verb, "~/.codex/config.toml", PATH_WRITE);
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes the MCP servers an agent may call", verb);
}

bool
risk_verb_agent(struct risk_state *st, struct risk_cmd *c)
{
	const char *sub = first_operand(c);

	if (!risk_name_in(risk_agent_verbs, c->name))
		return false;
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	if (risk_flag(c, 0, "version") || risk_flag(c, 0, "help") || (c->argc == 2 && (!strcmp(c->argv[1].text, "-v") ||
										     !strcmp(c->argv[1].text, "-h"))))
		return true;
	if (sub && !strcmp(sub, "mcp")) {
		const char *what = NULL;
		for (size_t i = 1, seen = 0; i < c->argc && !what; i++)
			if (c->argv[i].text[0] != '-' && seen++ == 1)
				what = c->argv[i].text;
		if (what && (!strcmp(what, "list") || !strcmp(what, "get") || !strcmp(what, "serve")))
			return true;
		mcp_change(st, c);
		return true;
	}
	if (sub && (!strcmp(sub, "doctor") || !strcmp(sub, "login") || !strcmp(sub, "logout")))
		return true;
	if (sub && !strcmp(sub, "config")) {
		/* config get|list reads; set, add, remove change the agent's own settings (its permissions among them) */
		const char *verb = NULL;
		for (size_t i = 1, seen = 0; i < c->argc && !verb; i++)
			if (c->argv[i].text[0] != '-' && seen++ == 1)
				verb = c->argv[i].text;
		if (verb && (!strcmp(verb, "get") || !strcmp(verb, "list") || !strcmp(verb, "ls")))
			return true;
		if (!strcmp(c->name, "claude"))
			risk_path_str(st, "claude config", "~/.claude.json", PATH_WRITE);
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s config changes the agent's own settings", c->name);
		return true;
	}
	if (sub && !strcmp(sub, "update")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s update replaces the agent's own program", c->name);
		return true;
	}
	const char *const *opts = NULL;
	for (size_t a = 0; a < sizeof(unguarded) / sizeof(*unguarded); a++)
		if (!strcmp(unguarded[a].agent, c->name))
			opts = unguarded[a].opts;
	for (size_t i = 1; opts && i < c->argc; i++)
		for (size_t k = 0; opts[k]; k++)
			if (option_is(c->argv[i].text, opts[k])) {
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
					  "%s starts another AI agent with its own permissions, settings or tools (%s): "
					  "guard's hooks may not hold it",
					  c->name, opts[k]);
				return true;
			}
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
		  "%s starts another AI agent: its tool calls are held only by the hooks its own settings load", c->name);
	return true;
}
