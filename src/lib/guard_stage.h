/*
 * The stages as programs and the hook run them: one implementation of each,
 * with the policy loaded once per project and kept for the next event.
 */
#ifndef GUARD_STAGE_H
#define GUARD_STAGE_H

#include <cjson/cJSON.h>

#include "guard_buf.h"
#include "guard_list.h"
#include "guard_policy.h"

struct guard_stages {
	struct guard_policy_sources src; /* project and project_root are set per event */
	char *project;                   /* root the cached policy was loaded for */
	struct guard_policy *policy;     /* owned */
	struct guard_list errors;        /* policy errors of the last load */
};

/* Stages with nothing loaded yet: releasing them is a no-op. */
#define GUARD_STAGES_INIT { .src = { 0 }, .project = NULL, .policy = NULL, .errors = GUARD_LIST_INIT }

void guard_stages_init(struct guard_stages *s);
void guard_stages_release(struct guard_stages *s);

/*
 * The merged policy for the project root (loaded on first use, cached).
 * On GUARD_EPOLICY, s->errors holds every error.
 */
int guard_stages_policy(struct guard_stages *s, const char *project, const struct guard_policy **out);

/*
 * Complete the event (guard_event_complete) and add "risk". explain, when
 * not NULL, receives the analyzer's steps.
 */
int guard_stage_risk(struct guard_stages *s, cJSON *ev, struct guard_buf *explain);

/* Add "decision" (rating the risk first when the event has none). */
int guard_stage_decide(struct guard_stages *s, cJSON *ev);

/*
 * The approval gate (deciding first when the event has no decision): an
 * ask with a valid approval of its exact action becomes allow; otherwise
 * the pending request is named in "approval".
 */
int guard_stage_gate(struct guard_stages *s, cJSON *ev);

/*
 * Write ev to the project's audit log: a "decision" for a pre-phase
 * event, a "tool.result" for a post-phase one. When the record cannot be
 * written the error is returned (the caller denies) unless the policy
 * says audit.fail_closed: false.
 */
int guard_stage_audit(struct guard_stages *s, cJSON *ev);

/*
 * The same, for a long-lived writer (guard mcp): *log, when not NULL, is
 * the log opened by an earlier call (for the same project and policy)
 * and is used again; otherwise one is opened and left in *log. The
 * caller closes it (guard_audit_close) when the policy changes and at
 * the end. After a failed write *log is closed and NULL.
 */
struct guard_audit;
int guard_stage_audit_keep(struct guard_stages *s, struct guard_audit **log, cJSON *ev);

/*
 * Turn ev into a fail-closed deny for the failure rc just recorded with
 * guard_error(); returns a new event and deletes ev (which may be NULL).
 * The rule says what failed: guard.invalid-input, guard.policy-invalid
 * or guard.internal-error.
 */
cJSON *guard_stage_fail(cJSON *ev, int rc);

/* The rule id naming a failure code. */
const char *guard_fail_rule(int rc);

#endif
