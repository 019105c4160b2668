/*
 * Environment variables that steer guard itself or what git reads: the
 * agent setting, clearing or unsetting them reaches around guard's git
 * hooks without touching a file (GUARD_DIR=src git update-ref ...,
 * CLAUDECODE=0 git commit, GIT_CONFIG_GLOBAL=x.cfg git ...). The family
 * is every way a variable reaches a child: an assignment in front of a
 * command or on its own, export/declare/unset, env NAME=V / -u / -i,
 * sudo NAME=V.
 */
#include <string.h>

#include "guard_risk_int.h"

enum env_kind { ENV_NONE, ENV_GUARD, ENV_MARKER, ENV_GITCONF, ENV_HOME };

static enum env_kind
env_kind(const char *name, size_t n)
{
	static const char *const gitconf[] = { "GIT_CONFIG", "GIT_DIR", "GIT_COMMON_DIR", "GIT_EXEC_PATH", NULL };

	if (n > 6 && !strncmp(name, "GUARD_", 6))
		return ENV_GUARD;
	if ((n == 10 && !strncmp(name, "CLAUDECODE", 10)) || (n == 10 && !strncmp(name, "GEMINI_CLI", 10)))
		return ENV_MARKER;
	if (n > 11 && !strncmp(name, "GIT_CONFIG_", 11))
		return ENV_GITCONF;
	for (size_t i = 0; gitconf[i]; i++)
		if (n == strlen(gitconf[i]) && !strncmp(name, gitconf[i], n))
			return ENV_GITCONF;
	if ((n == 4 && !strncmp(name, "HOME", 4)) || (n == 15 && !strncmp(name, "XDG_CONFIG_HOME", 15)))
		return ENV_HOME;
	return ENV_NONE;
}

/* Rate setting (or unsetting, when how says so) the variable NAME[=...] for what runs. */
static void
env_set(struct risk_state *st, const char *word, const char *how, bool for_git)
{
	size_t n = strcspn(word, "=");

	switch (env_kind(word, n)) {
	case ENV_GUARD:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %.*s: guard's programs and git hooks would read another state or policy", how, (int)n, word);
		break;
	case ENV_MARKER:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %.*s, which tells guard's git hooks that an agent is at work", how, (int)n, word);
		break;
	case ENV_GITCONF:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %.*s: git would read settings or refs guard does not see (core.hooksPath there bypasses "
			  "guard's git hooks)", how, (int)n, word);
		break;
	case ENV_HOME:
		if (for_git)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "%s %.*s for git: git would read its global settings from another folder (core.hooksPath "
				  "there bypasses guard's git hooks)", how, (int)n, word);
		else if (strcmp(how, "sets"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "%s %.*s for every later command: git would read its settings from another folder", how,
				  (int)n, word);
		break;
	case ENV_NONE:
		break;
	}
}

/* The program a command line runs, past env/sudo and their options and NAME=V words. */
static const char *
runs_after(const struct risk_cmd *c, size_t i)
{
	for (; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-' || (strchr(t, '=') && t[0] != '='))
			continue;
		return risk_basename(t);
	}
	return "";
}

static void
env_wrapper(struct risk_state *st, const struct risk_cmd *c, size_t at)
{
	const char *w = risk_basename(c->argv[at].text);
	bool env = !strcmp(w, "env");
	bool git = !strcmp(runs_after(c, at + 1), "git");

	for (size_t i = at + 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (env && (!strcmp(t, "-u") || !strcmp(t, "--unset")) && i + 1 < c->argc) {
			env_set(st, c->argv[++i].text, "env -u unsets", git);
		} else if (env && (!strncmp(t, "--unset=", 8) || (!strncmp(t, "-u", 2) && t[2]))) {
			env_set(st, t + (t[1] == 'u' ? 2 : 8), "env -u unsets", git);
		} else if (env && (!strcmp(t, "-i") || !strcmp(t, "-") || !strcmp(t, "--ignore-environment"))) {
			/* env -i make stays everyday: only git itself is looked at (git inside make is not) */
			if (git)
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "env -i clears the agent's markers for git: guard's git hooks would take it for a person");
		} else if (t[0] == '-') {
			continue;
		} else if (strchr(t, '=') && t[0] != '=') {
			env_set(st, t, "sets", git);
		} else {
			break;
		}
	}
}

void
risk_env_part(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	const char *verb = c->argc ? risk_basename(c->argv[0].text) : "";
	bool git = !strcmp(verb, "git") || (c->argc && !strcmp(runs_after(c, 0), "git"));

	for (size_t i = 0; i < cmd->nassigns; i++)
		env_set(st, cmd->assigns[i].text, c->argc ? "sets" : "assigns", git);
	if (!c->argc)
		return;
	if (!strcmp(verb, "export") || !strcmp(verb, "declare") || !strcmp(verb, "typeset") ||
	    !strcmp(verb, "local") || !strcmp(verb, "readonly") || !strcmp(verb, "unset")) {
		const char *how = !strcmp(verb, "unset") ? "unset unsets" : "export exports";
		for (size_t i = 1; i < c->argc; i++)
			if (c->argv[i].text[0] != '-')
				env_set(st, c->argv[i].text, how, false);
		return;
	}
	for (size_t i = 0; i < c->argc && i < 8; i++) {
		const char *w = risk_basename(c->argv[i].text);
		if (!strcmp(w, "env") || !strcmp(w, "sudo") || !strcmp(w, "doas")) {
			env_wrapper(st, c, i);
			break;
		}
		if (c->argv[i].text[0] != '-' && i > 0 && strcmp(w, "nice") && strcmp(w, "nohup") && strcmp(w, "exec") &&
		    strcmp(w, "command") && strcmp(w, "time") && strcmp(w, "timeout"))
			break;
	}
}
