#include "guard_error.h"
#include "guard_event.h"
#include "guard_hook.h"
#include "guard_stage.h"

int
guard_hook_run(enum guard_agent agent, const struct guard_policy_sources *src,
	       const char *payload, size_t len, struct guard_reply *r)
{
	struct guard_stages stages;
	const struct guard_policy *policy;
	cJSON *raw = NULL, *ev = NULL;
	const char *hook = NULL;
	int rc;

	guard_stages_init(&stages);
	if (src)
		stages.src = *src;
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
	if (!strcmp(guard_event_str(ev, "phase"), "pre")) {
		if ((rc = guard_stage_risk(&stages, ev, NULL)) < 0 ||
		    (rc = guard_stage_decide(&stages, ev)) < 0)
			goto fail;
	}
	/* Approval and session stages join here as they land; audit stays last. */
	if (strcmp(guard_event_str(ev, "phase"), "other") && (rc = guard_stage_audit(&stages, ev)) < 0)
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
