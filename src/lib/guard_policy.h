/*
 * The layered policy (DESIGN.md section 5): load, validate, merge, decide.
 *
 * Layers, from the bottom: built-in (policy/default.yaml, plus
 * policy/nightbuilder.yaml when the profile is unattended), user, managed,
 * then the project layer (.ai/policy.yaml), which may only tighten.
 */
#ifndef GUARD_POLICY_H
#define GUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "guard_list.h"
#include "guard_types.h"

struct guard_policy; /* opaque, immutable once loaded */

enum guard_layer {
	GUARD_LAYER_BUILTIN,
	GUARD_LAYER_USER,
	GUARD_LAYER_MANAGED,
	GUARD_LAYER_PROJECT
};

/*
 * Where each layer comes from. NULL means the standard place:
 *   builtin: $GUARD_DEFAULT_POLICY, else $(DATADIR)/default.yaml when it
 *            exists, else the copy compiled into the program
 *   user:    $GUARD_USER_POLICY, else $XDG_CONFIG_HOME/guard/policy.yaml,
 *            else ~/.config/guard/policy.yaml
 *   managed: $GUARD_MANAGED_POLICY, else /etc/guard/policy.yaml
 *   project: <project_root>/.ai/policy.yaml
 *   nightbuilder (read only when the profile is unattended):
 *            $GUARD_NIGHTBUILDER_POLICY, else nightbuilder.yaml beside
 *            the builtin file when there is one, else the compiled copy
 * "" skips a layer. A missing user/managed/project file is no error.
 * profile: NULL means what the layers say, tightened by $GUARD_PROFILE
 * (=unattended). An explicit profile replaces the layers' word, except a
 * managed or project "unattended", which sticks.
 */
struct guard_policy_sources {
	const char *builtin;
	const char *user;
	const char *managed;
	const char *project;
	const char *project_root;
	const char *profile;
	const char *nightbuilder;
};

/*
 * Load and merge every layer. All errors of all files go to errors as
 * "file:line:col: message" and the return is GUARD_EPOLICY; *out is then
 * NULL. A user or managed file that others can write is an error. Caller
 * frees *out with guard_policy_free.
 */
int guard_policy_load(struct guard_policy **out, const struct guard_policy_sources *src,
		      struct guard_list *errors);

/*
 * Lint one file as the given layer; every error goes to errors. A user,
 * managed or project file must not be writable by group or others and
 * must be owned by the caller or root.
 */
int guard_policy_validate_file(const char *path, enum guard_layer layer, struct guard_list *errors);

/*
 * Where the user layer is read from ($GUARD_USER_POLICY, else
 * $XDG_CONFIG_HOME/guard or ~/.config/guard/policy.yaml); NULL when
 * GUARD_USER_POLICY is set empty (no user layer). Caller frees.
 */
char *guard_policy_user_path(void);

void guard_policy_free(struct guard_policy *p);

/*
 * JIT-compile the rules' regexes in policies loaded from now on (off by
 * default). PCRE2's JIT costs far more to compile than a few matches
 * save: a one-shot program (a hook call, a git hook, check) matches each
 * regex about once, a stream or a proxy thousands of times. Set before
 * any thread starts.
 */
void guard_policy_jit(bool on);

/* "sha256:<hex>" of the canonical merged policy. */
const char *guard_policy_rev(const struct guard_policy *p);

/* The merged policy as JSON (for later stages: approval, audit, session). */
const cJSON *guard_policy_tree(const struct guard_policy *p);

/* Notes for guard doctor: looser project settings that were ignored, etc. */
const struct guard_list *guard_policy_warnings(const struct guard_policy *p);

/*
 * A principal (user and managed layers only) by name: whether they hold
 * permission perm through their roles, and whether one of their roles is
 * role. Both false for someone the policy does not name.
 */
bool guard_policy_principal_can(const struct guard_policy *p, const char *user, const char *perm);
bool guard_policy_principal_is(const struct guard_policy *p, const char *user, const char *role);

bool guard_policy_unattended(const struct guard_policy *p);
bool guard_policy_audit_mode(const struct guard_policy *p);
size_t guard_policy_max_event_bytes(const struct guard_policy *p);

/*
 * Decide: read the event's tool, input, actor, source and risk (which
 * must be present), add "decision" {effect, rule, reason, missing[],
 * policy_rev} and return the effect. Rules go deny, then ask, then allow,
 * first match in each group; no match gives the policy's default.
 * Audit mode allows all but keeps the would-be effect in decision.would
 * (a managed-layer deny stays a deny when audit mode was set below the
 * managed layer). Unattended turns ask into deny and sets
 * decision.unattended: true, so a later stage can look for an approval
 * of that exact action. An event without a well-formed risk is denied
 * with rule "guard.invalid-input"; an actor without tool.use with rule
 * "guard.rbac".
 */
enum guard_effect guard_policy_decide(const struct guard_policy *p, cJSON *event);

/*
 * What the risk stage reads from the policy (policy "risk:" section).
 */
enum guard_tool_kind {
	GUARD_TOOL_RATED,       /* fixed level/class, e.g. "low/R" */
	GUARD_TOOL_ANALYSE,     /* run the shell analyzer on input.command */
	GUARD_TOOL_ANNOTATIONS  /* MCP: rate from hints (destructive/readOnly) */
};

/* In policy order: the first pattern that matches a tool name wins. */
struct guard_tool_rating {
	const char *pattern;    /* glob; '|' separates alternatives */
	enum guard_tool_kind kind;
	enum guard_level level; /* for RATED */
	char cls;               /* for RATED */
};

struct guard_command_rating {
	const char *match;      /* words; each a glob, matched as an argv prefix */
	enum guard_level level;
	char cls;
	const char *reason;
};

struct guard_risk_config {
	const struct guard_tool_rating *tools;
	size_t ntools;
	const struct guard_command_rating *commands;
	size_t ncommands;
	const char *const *critical_namespaces;  /* kubernetes */
	size_t ncritical_namespaces;
	/* Path glob lists read like .gitignore: in order, "!glob" excludes,
	 * the last entry that matches decides, and a folder glob ending in
	 * slash-star-star also names the folder itself. */
	const char *const *sensitive_paths;      /* path globs: secrets */
	size_t nsensitive_paths;
	const char *const *protected_paths;      /* path globs: guard's own state and wiring */
	size_t nprotected_paths;
	const char *const *scratch_paths;        /* project build/temp folders: cheap to delete */
	size_t nscratch_paths;
	const char *const *allowed_hosts;        /* host globs reachable without raising risk */
	size_t nallowed_hosts;
	const cJSON *scan_tree;                  /* the policy tree whose scan rules (forbidden_patterns,
						    redact) text a command writes into a file is checked against */
	unsigned long serial;                    /* this compiled policy's number in the process, from 1 (0: a
						    config made by hand); what the analyzer keeps per policy is
						    keyed on it, never on an address that a later policy may reuse */
};

const struct guard_risk_config *guard_policy_risk(const struct guard_policy *p);

/*
 * The policy's mcp: section as it applies to the MCP server named server
 * (guard mcp --name): whether the trusted layers name it in
 * mcp.trusted_servers (its annotations may then lower risk), whether an
 * ask is answered with a proposal (mcp.propose), the largest message
 * (mcp.max_frame_bytes, default 8 MiB), and whether the trusted layers
 * say where its commands run (mcp.servers.NAME.remote).
 */
struct guard_policy_mcp {
	bool trusted;
	int remote;  /* mcp.servers.NAME.remote of the trusted layers: 1 true, 0 false, -1 not said */
	bool propose;
	size_t max_frame_bytes;
};

void guard_policy_mcp(const struct guard_policy *p, const char *server, struct guard_policy_mcp *out);

#endif
