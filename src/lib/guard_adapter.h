/*
 * Agent protocols (REFERENCE.md): payload in, decision out.
 */
#ifndef GUARD_ADAPTER_H
#define GUARD_ADAPTER_H

#include <stdbool.h>

#include <cjson/cJSON.h>

enum guard_agent { GUARD_AGENT_CLAUDE, GUARD_AGENT_GEMINI, GUARD_AGENT_CODEX };

int guard_agent_parse(const char *name, enum guard_agent *out);
const char *guard_agent_name(enum guard_agent agent);

/* True for an agent hook payload (has hook_event_name, no "v"). */
bool guard_adapter_is_payload(const cJSON *obj);

/*
 * Normalise a hook payload into a new guard event (caller owns *out):
 * source, phase (pre/post/other), hook (the original event name),
 * session, cwd, project, actor {user, role: "agent", agent_id}, tool,
 * input, result, duration_ms, tool_use_id, permission_mode, prompt.
 * GUARD_EUSAGE when a required field is missing or of the wrong type.
 */
int guard_adapter_event(enum guard_agent agent, const cJSON *payload, cJSON **out);

/*
 * The project of a call at cwd (guard_event_project_root, *root owned by
 * the caller). GUARD_ENOTFOUND with the reason when there is none at all
 * (no .git or .ai/policy.yaml at or above cwd, and the agent names no
 * project): the hook denies such a call, as guard keeps its state only in
 * a project it was set up in, never in the call's folder (G8); *root is
 * then the canonical cwd.
 */
int guard_adapter_project(const char *cwd, char **root);

/* What the hook prints and how it exits. */
struct guard_reply {
	char *out;   /* stdout, may be NULL */
	char *err;   /* stderr, may be NULL */
	int status;  /* exit status */
};

/* Render the event's decision (and any stop request) in the agent's protocol. */
void guard_adapter_reply(enum guard_agent agent, const cJSON *event, struct guard_reply *r);

/* A blocking deny for a failure before any event existed (hook may be NULL). */
void guard_adapter_reply_deny(enum guard_agent agent, const char *hook, const char *reason,
			      struct guard_reply *r);

void guard_reply_release(struct guard_reply *r);

#endif
