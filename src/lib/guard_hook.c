#include <stdlib.h>
#include <string.h>

#include "guard_error.h"
#include "guard_event.h"
#include "guard_hook.h"
#include "guard_json.h"
#include "guard_session.h"
#include "guard_stage.h"

static guard_approval_tick wait_tick;
static void *wait_arg;
static bool stateless;

void
guard_hook_on_wait(guard_approval_tick tick, void *arg)
{
	wait_tick = tick;
	wait_arg = arg;
}

void
guard_hook_stateless(bool on)
{
	stateless = on;
}

static void
set_decision(cJSON *ev, const char *key, const char *value)
{
	guard_json_set(cJSON_GetObjectItemCaseSensitive(ev, "decision"), key, cJSON_CreateString(value));
}

/*
 * An ask that the gate left pending. Attended, wait up to hook_wait for a
 * person; then answer deny with the request id and the command that
 * approves it, so the agent can retry once a person has. Unattended, the
 * deny stands and the request waits for the morning briefing.
 */
static int
await_approval(struct guard_stages *s, const struct guard_policy *p, cJSON *ev, bool wait)
{
	struct guard_approval_config c;
	const char *id = guard_event_str(ev, "approval.id");
	const char *effect = guard_event_str(ev, "decision.effect");
	char *reason;
	int rc;

	if (!id || !effect || !strcmp(effect, "allow"))
		return 0;
	/* a person's rejection is the answer, in their words */
	if (!strcmp(guard_event_str(ev, "approval.status") ? guard_event_str(ev, "approval.status") : "", "rejected"))
		return 0;
	if ((rc = guard_approval_config(p, &c)) < 0)
		return rc;
	if (wait && !strcmp(effect, "ask") && c.hook_wait > 0) {
		struct guard_approval_store st;
		cJSON *req = NULL;
		if ((rc = guard_approval_store_open(&st, guard_event_str(ev, "project"), false)) < 0)
			return rc;
		rc = guard_approval_wait(&st, id, c.hook_wait, c.poll_ms, wait_tick, wait_arg, &req);
		guard_approval_store_close(&st);
		cJSON_Delete(req);
		if (rc == 0)
			return guard_stage_gate(s, ev); /* approved meanwhile: consume it */
	}
	if (!strcmp(effect, "ask"))
		reason = guard_xasprintf("approval required: %s. Request %s waits for a person, who approves it with: "
					 "guard-approve approve %.8s (then retry the same call once)",
					 guard_event_str(ev, "decision.reason"), id, id);
	else
		reason = guard_xasprintf("%s. Request %s is recorded for a person to review in the morning briefing",
					 guard_event_str(ev, "decision.reason"), id);
	set_decision(ev, "effect", "deny");
	set_decision(ev, "reason", reason);
	free(reason);
	return 0;
}

int
guard_hook_pre(struct guard_stages *s, const struct guard_policy *p, cJSON *ev, bool wait)
{
	int rc;

	if ((rc = guard_stage_risk(s, ev, NULL)) < 0 || (rc = guard_stage_decide(s, ev)) < 0)
		return rc;
	if (!stateless && ((rc = guard_stage_gate(s, ev)) < 0 || (rc = await_approval(s, p, ev, wait)) < 0))
		return rc;
	return 0;
}

void
guard_hook_stages(struct guard_stages *s, const struct guard_policy_sources *src)
{
	/* An unattended session names itself in the agent's environment. */
	const char *session = getenv("GUARD_SESSION");

	guard_stages_init(s);
	if (src)
		s->src = *src;
	if (session && *session && !s->src.profile)
		s->src.profile = "unattended";
}

int
guard_hook_run(enum guard_agent agent, const struct guard_policy_sources *src,
	       const char *payload, size_t len, struct guard_reply *r)
{
	struct guard_stages stages;
	const struct guard_policy *policy;
	cJSON *raw = NULL, *ev = NULL;
	const char *hook = NULL;
	/* An unattended session names itself in the agent's environment. */
	const char *session = getenv("GUARD_SESSION");
	int rc;

	if (session && !*session)
		session = NULL;
	guard_hook_stages(&stages, src);
	if ((rc = guard_event_parse(payload, len, GUARD_HOOK_HARD_MAX, &raw)) < 0)
		goto fail;
	hook = guard_event_str(raw, "hook_event_name");
	if ((rc = guard_adapter_event(agent, raw, &ev)) < 0)
		goto fail;
	if ((rc = guard_stages_policy(&stages, guard_event_str(ev, "project"), &policy)) < 0)
		goto fail;
	if (len > guard_policy_max_event_bytes(policy)) {
		rc = guard_error(GUARD_EUSAGE, "payload is %zu bytes, over the %zu-byte limit (limits.max_event_bytes)",
				 len, guard_policy_max_event_bytes(policy));
		goto fail;
	}
	if (!strcmp(guard_event_str(ev, "phase"), "pre") && (rc = guard_hook_pre(&stages, policy, ev, true)) < 0)
		goto fail;
	if (session && !stateless) {
		if ((rc = guard_session_track(guard_event_str(ev, "project"), session, policy, ev)) < 0)
			goto fail;
	} else if (hook && !strcmp(hook, "SessionStart")) {
		struct guard_buf brief = GUARD_BUF_INIT;
		if (guard_briefing(guard_event_str(ev, "project"), time(NULL), &brief) > 0)
			cJSON_AddStringToObject(ev, "context", brief.buf);
		guard_buf_release(&brief);
	}
	/* The audit stays last: it records what was finally decided. */
	if (!stateless && strcmp(guard_event_str(ev, "phase"), "other") && (rc = guard_stage_audit(&stages, ev)) < 0)
		goto fail;
	guard_adapter_reply(agent, ev, r);
	rc = 0;
	goto out;
fail:
	guard_adapter_reply_deny(agent, hook, guard_error_last(), r);
out:
	cJSON_Delete(raw);
	cJSON_Delete(ev);
	guard_stages_release(&stages);
	return rc;
}
