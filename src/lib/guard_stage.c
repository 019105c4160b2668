#include "guard_approval.h"
#include "guard_audit.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_path.h"
#include "guard_risk.h"
#include "guard_stage.h"

void
guard_stages_init(struct guard_stages *s)
{
	memset(s, 0, sizeof(*s));
}

void
guard_stages_release(struct guard_stages *s)
{
	guard_policy_free(s->policy);
	free(s->project);
	guard_list_clear(&s->errors);
	memset(s, 0, sizeof(*s));
}

int
guard_stages_policy(struct guard_stages *s, const char *project, const struct guard_policy **out)
{
	int rc;

	*out = NULL;
	if (s->policy && s->project && !strcmp(s->project, project)) {
		*out = s->policy;
		return 0;
	}
	guard_policy_free(s->policy);
	s->policy = NULL;
	free(s->project);
	s->project = guard_xstrdup(project);
	guard_list_clear(&s->errors);
	s->src.project_root = project;
	rc = guard_policy_load(&s->policy, &s->src, &s->errors);
	s->src.project_root = NULL;
	if (rc < 0) {
		free(s->project);
		s->project = NULL;
		if (s->errors.len)
			return guard_error(GUARD_EPOLICY, "policy invalid: %s%s", s->errors.items[0],
					   s->errors.len > 1 ? " (and more; run guard-policy --validate)" : "");
		return rc;
	}
	*out = s->policy;
	return 0;
}

int
guard_stage_risk(struct guard_stages *s, cJSON *ev, struct guard_buf *explain)
{
	static const char *const names[] = { "project", "cwd" };
	const struct guard_policy *p;
	struct guard_risk_ctx ctx;
	const cJSON *m[2];
	int rc;

	if ((rc = guard_event_complete(ev, NULL)) < 0)
		return rc;
	guard_event_members(ev, names, 2, m); /* both in one walk of the event */
	ctx.project = cJSON_GetStringValue(m[0]);
	ctx.cwd = cJSON_GetStringValue(m[1]);
	if ((rc = guard_stages_policy(s, ctx.project, &p)) < 0)
		return rc;
	ctx.cfg = guard_policy_risk(p);
	ctx.home = guard_home();
	ctx.explain = explain;
	return guard_risk_event(&ctx, ev);
}

int
guard_stage_decide(struct guard_stages *s, cJSON *ev)
{
	const struct guard_policy *p;
	int rc;

	if (!cJSON_GetObjectItemCaseSensitive(ev, "risk")) {
		if ((rc = guard_stage_risk(s, ev, NULL)) < 0)
			return rc;
	} else if ((rc = guard_event_complete(ev, NULL)) < 0) {
		return rc;
	}
	if ((rc = guard_stages_policy(s, guard_event_str(ev, "project"), &p)) < 0)
		return rc;
	guard_event_arena_on(); /* the decision goes with the event, as the risk object does */
	guard_policy_decide(p, ev);
	guard_event_arena_off();
	return 0;
}

int
guard_stage_audit(struct guard_stages *s, cJSON *ev)
{
	return guard_stage_audit_keep(s, NULL, ev);
}

int
guard_stage_audit_keep(struct guard_stages *s, struct guard_audit **keep, cJSON *ev)
{
	const struct guard_policy *p;
	struct guard_audit *log = keep ? *keep : NULL;
	const char *project = guard_event_str(ev, "project");
	struct guard_audit_config cfg = GUARD_AUDIT_CONFIG_INIT;
	bool fail_closed = true;
	int rc;

	if (!project)
		return guard_error(GUARD_EUSAGE, "cannot audit an event without a project");
	if ((rc = guard_stages_policy(s, project, &p)) < 0)
		return rc;
	bool opened = log || (rc = guard_audit_open(&log, project, p)) == 0;
	if (opened) {
		fail_closed = guard_audit_fail_closed(log);
		rc = guard_audit_append(log, NULL, ev);
		/* a seal due (audit.witness) starts detached; failing to claim it never fails the action */
		if (rc == 0 && guard_audit_witness(log) < 0)
			guard_error_clear();
		if (keep && rc == 0) {
			*keep = log;
		} else {
			guard_audit_close(log);
			if (keep)
				*keep = NULL;
		}
	}
	if (rc == 0)
		return 0;
	char *why = guard_xstrdup(guard_error_last());
	if (!opened && guard_audit_config(&cfg, project, p) == 0) {
		fail_closed = cfg.fail_closed;
		guard_audit_config_release(&cfg);
	}
	if (fail_closed)
		rc = guard_error(rc, "the audit record cannot be written, so the action is denied "
				 "(audit.fail_closed): %s", why);
	else
		rc = 0;
	free(why);
	return rc;
}

const char *
guard_fail_rule(int rc)
{
	switch (rc) {
	case GUARD_EPOLICY:
		return "guard.policy-invalid";
	case GUARD_EUSAGE:
		return "guard.invalid-input";
	default:
		return "guard.internal-error";
	}
}

cJSON *
guard_stage_fail(cJSON *ev, int rc)
{
	cJSON *deny = guard_event_deny(ev, guard_fail_rule(rc), guard_error_last());
	cJSON_Delete(ev);
	return deny;
}

int
guard_stage_gate(struct guard_stages *s, cJSON *ev)
{
	const struct guard_policy *p;
	int rc;

	if (!cJSON_GetObjectItemCaseSensitive(ev, "decision")) {
		if ((rc = guard_stage_decide(s, ev)) < 0)
			return rc;
	} else if ((rc = guard_event_complete(ev, NULL)) < 0) {
		return rc;
	}
	if ((rc = guard_stages_policy(s, guard_event_str(ev, "project"), &p)) < 0)
		return rc;
	return guard_approval_gate(p, guard_event_str(ev, "project"), ev);
}
