/*
 * A session's lines of code as guard-session check counts them (libgit2:
 * the work tree against the session's base commit), shared by the
 * session's measure and guard-git's pre-commit and pre-push hooks, which
 * refuse a commit or push that takes a running unattended session over
 * its LOC budget before any counter of the next call moves (attack6 G5).
 */
#include "guard_error.h"
#include "guard_gitrules.h"
#include "guard_json.h"
#include "guard_session.h"

static void
set_num(cJSON *o, const char *key, double v)
{
	guard_json_set(o, key, cJSON_CreateNumber(v));
}

int
guard_session_count(struct guard_git *g, cJSON *state, const cJSON *list, struct guard_changes *ch,
		    guard_git_line_fn line, void *ctx)
{
	static const char *const file_keys[3] = { "files_created", "files_modified", "files_deleted" };
	const char *base = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "base"));
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	cJSON *counters = cJSON_GetObjectItemCaseSensitive(state, "counters"), *all, *day;
	double files[3] = { 0, 0, 0 };
	int rc;

	if ((rc = guard_git_changes(g, base ? base : "-", ch, line, ctx)) < 0)
		return rc;
	if (!cJSON_IsObject(counters)) {
		cJSON_DeleteItemFromObjectCaseSensitive(state, "counters");
		counters = cJSON_AddObjectToObject(state, "counters");
	}
	set_num(counters, "loc", (double)ch->added);
	set_num(counters, "loc_deleted", (double)ch->deleted);
	/* F12: the files counted from the measure's status letters too; the hook's count stands when higher */
	for (size_t i = 0; i < ch->len; i++)
		files[ch->items[i].status == 'A' ? 0 : ch->items[i].status == 'D' ? 2 : 1]++;
	for (size_t k = 0; k < 3; k++)
		if (files[k] > guard_json_num(counters, file_keys[k]))
			set_num(counters, file_keys[k], files[k]);
	/* the hook's predicted lines since the last measure are in the measure now */
	cJSON_DeleteItemFromObjectCaseSensitive(counters, "loc_pending");
	/* Today's total with this session's fresh count in place of the stored one. */
	all = cJSON_Duplicate(list, 1);
	for (cJSON *s = all ? all->child : NULL; s; s = s->next)
		if (id && !strcmp(guard_json_str(s, "id", ""), id))
			set_num(cJSON_GetObjectItemCaseSensitive(s, "counters"), "loc", (double)ch->added);
	day = guard_session_day(all, time(NULL));
	set_num(counters, "day_loc", guard_json_num(day, "loc"));
	cJSON_Delete(all);
	cJSON_Delete(day);
	return 0;
}

int
guard_session_loc_refusals(struct guard_git *g, const char *root, const cJSON *sessions, const cJSON *tree,
			   cJSON *violations)
{
	cJSON *list = NULL;
	const cJSON *s;
	int rc;

	if ((rc = guard_session_list(root, &list, NULL)) < 0)
		return rc;
	cJSON_ArrayForEach(s, sessions) {
		struct guard_changes ch = GUARD_CHANGES_INIT;
		cJSON *state = cJSON_Duplicate(s, 1), *breaches = NULL;
		const cJSON *b;
		if ((rc = guard_session_count(g, state, list, &ch, NULL, NULL)) == 0)
			breaches = guard_session_breaches(state, tree, time(NULL),
							  (long long)guard_json_num(cJSON_GetObjectItemCaseSensitive(state, "counters"),
										     "day_loc"));
		cJSON_ArrayForEach(b, breaches) {
			const char *limit = guard_json_str(b, "limit", ""), *action = guard_json_str(b, "action", "end");
			if ((strcmp(limit, "loc") && strcmp(limit, "loc_per_day")) || !strcmp(action, "warn"))
				continue;
			cJSON *v = cJSON_CreateObject();
			char *msg = guard_xasprintf("unattended session %s: this takes it to %s (counted as guard-session check "
						    "counts: the work tree against the session's base); a person raises the "
						    "budget or splits the work",
						    guard_json_str(s, "id", "?"), guard_json_str(b, "message", ""));
			cJSON_AddStringToObject(v, "rule", !strcmp(limit, "loc") ? "session.max_loc" : "session.max_loc_per_day");
			cJSON_AddStringToObject(v, "severity", "error");
			cJSON_AddStringToObject(v, "message", msg);
			cJSON_AddNumberToObject(v, "value", guard_json_num(b, "value"));
			cJSON_AddNumberToObject(v, "max", guard_json_num(b, "max"));
			cJSON_AddItemToArray(violations, v);
			free(msg);
		}
		cJSON_Delete(breaches);
		cJSON_Delete(state);
		guard_changes_release(&ch);
		if (rc < 0)
			break;
	}
	cJSON_Delete(list);
	return rc;
}
