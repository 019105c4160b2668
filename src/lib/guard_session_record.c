#include "guard_error.h"
#include "guard_session.h"
#include "guard_time.h"

/*
 * The session record (DESIGN.md section 9): what a new session's live
 * state holds before its branch is cut, and the fields of its
 * session.start and session.end records. Built here so that every
 * program (guard-session, the hook, guard-git, guard mcp) writes the same.
 */

cJSON *
guard_session_record(const struct guard_policy *policy, const char *root, const char *id, const char *task,
		     const char *base_branch, long supervisor)
{
	cJSON *state = cJSON_CreateObject(), *sup;
	char ts[GUARD_TIME_LEN];

	guard_time_now(ts);
	cJSON_AddNumberToObject(state, "v", 1);
	cJSON_AddStringToObject(state, "id", id);
	cJSON_AddStringToObject(state, "task", task);
	cJSON_AddStringToObject(state, "project", root);
	cJSON_AddStringToObject(state, "base_branch", base_branch);
	cJSON_AddStringToObject(state, "started_at", ts);
	cJSON_AddStringToObject(state, "last_activity", ts);
	/* Until the branch is cut: a start that stops half-way counts, and runs nothing. */
	cJSON_AddStringToObject(state, "status", "ended");
	cJSON_AddStringToObject(state, "end_reason", "the start did not finish");
	cJSON_AddStringToObject(state, "policy_rev", guard_policy_rev(policy));
	cJSON_AddItemToObject(state, "limits", guard_session_limits(guard_policy_tree(policy)));
	cJSON_AddObjectToObject(state, "counters");
	if (supervisor > 0) {
		sup = cJSON_AddObjectToObject(state, "supervisor");
		cJSON_AddNumberToObject(sup, "pid", (double)supervisor);
		cJSON_AddNumberToObject(sup, "start", (double)guard_proc_start(supervisor));
	}
	return state;
}

static const char *
str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	return s ? s : "-";
}

cJSON *
guard_session_start_fields(const struct guard_policy *policy, const cJSON *state)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "task", str(state, "task"));
	cJSON_AddStringToObject(f, "branch", str(state, "branch"));
	cJSON_AddStringToObject(f, "base", str(state, "base"));
	cJSON_AddItemToObject(f, "limits", guard_session_limits(guard_policy_tree(policy)));
	return f;
}

cJSON *
guard_session_end_fields(const cJSON *state, const struct guard_changes *ch, size_t findings, const char *pr_body)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddNumberToObject(f, "loc", (double)ch->added);
	cJSON_AddNumberToObject(f, "loc_deleted", (double)ch->deleted);
	cJSON_AddNumberToObject(f, "files", (double)ch->len);
	cJSON_AddNumberToObject(f, "findings", (double)findings);
	cJSON_AddStringToObject(f, "reason", str(state, "end_reason"));
	cJSON_AddStringToObject(f, "pr_body", pr_body);
	return f;
}

cJSON *
guard_session_ending(const cJSON *state, const char *kind)
{
	const cJSON *b, *first = NULL;
	const char *worst = NULL;
	cJSON *out = cJSON_CreateObject();

	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(state, "breaches")) {
		const char *inc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "incident"));
		if (!first)
			first = b;
		if (inc && strlen(inc) == 2 && inc[0] == 'P' && (!worst || strcmp(inc, worst) < 0))
			worst = inc;
	}
	cJSON_AddStringToObject(out, "kind", first ? "breach" : kind);
	if (first)
		cJSON_AddStringToObject(out, "limit", str(first, "limit"));
	if (worst)
		cJSON_AddStringToObject(out, "incident", worst);
	return out;
}
