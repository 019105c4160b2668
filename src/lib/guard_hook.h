/*
 * The agent hook: one payload in, the agent's answer out, every stage in
 * one process. Every failure is a deny with a reason.
 */
#ifndef GUARD_HOOK_H
#define GUARD_HOOK_H

#include <stddef.h>

#include "guard_adapter.h"
#include "guard_approval.h"
#include "guard_policy.h"
#include "guard_stage.h"

/* Refuse more than this on stdin before even parsing it. */
#define GUARD_HOOK_HARD_MAX ((size_t)64 << 20)

/*
 * Decide for one payload of len bytes. src (may be NULL for the standard
 * places) says where the policy layers come from. r is always filled; the
 * return is 0 when a decision was made, or the failure code (r is then a
 * deny).
 */
int guard_hook_run(enum guard_agent agent, const struct guard_policy_sources *src,
		   const char *payload, size_t len, struct guard_reply *r);

/*
 * The pre-phase stages for an event (guard hook and guard mcp alike):
 * risk, policy decision, approval gate and, when wait is set, up to
 * approval.hook_wait for a person. An ask still pending after that
 * becomes a deny naming the request and the command that approves it
 * (approval.id/status stay in the event). p is the policy s loaded for
 * the event's project.
 */
int guard_hook_pre(struct guard_stages *s, const struct guard_policy *p, cJSON *ev, bool wait);

/*
 * guard_hook_pre in two steps, for a caller that waits for a person
 * without blocking (guard mcp): pre_gate rates, decides and runs the
 * approval gate, leaving an ask pending as "ask" with approval.id set;
 * settle then turns what is still not an allow into the deny the hook
 * would give after its wait (naming the request and the approve command).
 */
int guard_hook_pre_gate(struct guard_stages *s, const struct guard_policy *p, cJSON *ev);
int guard_hook_settle(struct guard_stages *s, const struct guard_policy *p, cJSON *ev);

/* Stages for the sources (NULL: the standard places); $GUARD_SESSION makes the profile unattended. */
void guard_hook_stages(struct guard_stages *s, const struct guard_policy_sources *src);

/*
 * While the hook waits for a person's decision (approval.hook_wait), tick
 * is called on every look; the library prints nothing itself.
 */
void guard_hook_on_wait(guard_approval_tick tick, void *arg);

/*
 * The longest the hook may wait for a person, in seconds, for the project
 * (fn gives it: below the agent's own hook timeout, which a hook that
 * outlives does not block). approval.hook_wait above it is cut to it, so
 * the ask is answered (deny, naming the request) in time. Without fn the
 * wait is approval.hook_wait as set.
 */
void guard_hook_wait_cap(long long (*fn)(const char *project, void *arg), void *arg);

/* Write no state (approval requests): for fuzzing and dry runs. */
void guard_hook_stateless(bool on);

/*
 * hook_ms: guard's own time on a call, from start (guard_hook_clock_ms,
 * taken when guard has the call) to now, less waited (ms spent waiting
 * for a person, recorded apart as wait_ms when there was a wait), set on
 * ev for its audit record, so the report's hook latency is guard's and
 * not a reviewer's. Never taken from what the agent sent.
 */
double guard_hook_clock_ms(void);
void guard_hook_add_timing(cJSON *ev, double start, double waited);

#endif
