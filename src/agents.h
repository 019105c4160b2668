/*
 * Where each agent keeps its hooks and what guard's entry looks like
 * there: shared by guard init (which writes them) and guard doctor
 * (which proves them).
 */
#ifndef GUARD_AGENTS_H
#define GUARD_AGENTS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "guard_adapter.h"

struct agent_conf {
	enum guard_agent agent;
	const char *name;      /* "claude" */
	const char *dir;       /* the settings folder, at the project and in $HOME: ".claude" */
	const char *file;      /* in it: "settings.json" */
	const char *pre_event; /* the event before a tool runs: "PreToolUse" */
	bool timeout_ms;       /* the hook's "timeout" is in milliseconds (else seconds) */
	const char *const *tools; /* tool names the matcher must cover */
};

extern const struct agent_conf agent_confs[3];

/* The tool names guard's matcher must reach for Claude Code. */
#define AGENT_CLAUDE_TOOLS "Bash, Write, Edit, MultiEdit, NotebookEdit and mcp__*"

/* Codex CLI's TOML file and the marks around the block guard writes in it. */
#define AGENT_CODEX_TOML "config.toml"
#define AGENT_TOML_BEGIN "# >>> guard hooks (written by 'guard init --agent codex'; 'guard init --remove' takes them out)"
#define AGENT_TOML_END "# <<< guard hooks"

/*
 * Read a JSON settings file. 0 and *out; GUARD_ENOTFOUND when missing;
 * GUARD_EUSAGE naming "FILE:LINE:COLUMN" where the text stops being
 * JSON (a "//" comment, a trailing comma), or when it is not an object.
 */
int agent_json_read(const char *path, cJSON **out);

/*
 * A member named twice in obj (not below it), or NULL: cJSON (guard) sees
 * the first, Node's JSON.parse (Claude Code, Gemini CLI) the last.
 */
const char *agent_duplicate_member(const cJSON *obj);

/* Whether a hook command runs guard's hook ("... guard ... hook ..."). */
bool agent_is_guard_command(const char *command);

/* The hook entries (objects with "command") of hooks.<event>, each with its matcher, to fn. */
void agent_each_hook(const cJSON *settings, const char *event,
		     void (*fn)(const cJSON *matcher, const cJSON *hook, void *arg), void *arg);

/* The hook timeout guard init writes (seconds; Gemini's in ms), and every agent's own default. */
#define AGENT_HOOK_TIMEOUT_S 30
#define AGENT_DEFAULT_TIMEOUT_S 60

/*
 * The shortest timeout (seconds) of guard's hooks before a tool runs, in
 * the agent's settings files in root and home (a Codex config.toml
 * block: what init writes), a hook without one counting as the agent's
 * default; 0 when no guard hook is found.
 */
long long agent_hook_timeout(const struct agent_conf *a, const char *root, const char *home);

/* The command line for agent's hook: "<command> <agent> || exit 2" (malloc'd). */
char *agent_hook_command(const char *command, const char *agent);

/* A word for sh: as it is when plain, else in single quotes (malloc'd). */
char *agent_shell_quote(const char *word);

/* The hook commands of [[hooks.EVENT.hooks]] in guard's block of a Codex config.toml text, to fn. */
void agent_toml_commands(const char *text, const char *event, void (*fn)(const char *command, void *arg), void *arg);

#endif
