#include "guard_error.h"
#include "guard_json.h"
#include "guard_session.h"
#include "guard_time.h"

/*
 * How each limit of DESIGN.md section 9 is measured, as seed 004 words
 * it. A count limit is a maximum (breached when exceeded: max_loc 1000
 * allows 1,000 lines); deletions ("10 or more"), a time limit, a streak
 * ("5 times in a row") or a retry count is breached when reached; "any"
 * limits are breached by the first occurrence.
 */
enum lim_kind { LIM_MAX, LIM_REACH, LIM_ANY, LIM_TIME };

static const struct lim {
	const char *anomaly;  /* key under anomalies: */
	const char *key;      /* key under session: (NULL for "any") */
	const char *counter;  /* key under counters (NULL: computed) */
	enum lim_kind kind;
	const char *what, *one; /* after a count; one: after a count of 1 */
} lims[] = {
	{ "loc", "max_loc", "loc", LIM_MAX, "lines of code in the session", "line of code in the session" },
	{ "files_created", "max_files_created", "files_created", LIM_MAX, "files created", "file created" },
	{ "files_modified", "max_files_modified", "files_modified", LIM_MAX, "files modified", "file modified" },
	{ "files_deleted", "max_files_deleted", "files_deleted", LIM_REACH, "files deleted", "file deleted" },
	{ "loc_per_day", "max_loc_per_day", NULL, LIM_MAX, "lines of code today (all sessions)",
	  "line of code today (all sessions)" },
	{ "duration", "max_duration", NULL, LIM_TIME, "session duration", "session duration" },
	{ "idle", "idle_timeout", NULL, LIM_TIME, "idle time", "idle time" },
	{ "same_file_streak", "same_file_streak", "same_file_streak", LIM_REACH,
	  "times in a row the same file was modified", "time the same file was modified" },
	{ "denied_retries", "denied_retries", "denied_retries", LIM_REACH, "retries of a denied command",
	  "retry of a denied command" },
	{ "outside_project", NULL, "outside_project", LIM_ANY, "accesses outside the project", "access outside the project" },
	{ "unknown_host", NULL, "unknown_hosts", LIM_ANY, "network accesses to hosts not allowed",
	  "network access to a host not allowed" },
};

static const char *const duration_keys[] = { "max_duration", "idle_timeout", "cooldown", "poll_interval" };

static bool
is_duration(const char *key)
{
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(key, duration_keys[i]))
			return true;
	return false;
}

cJSON *
guard_session_limits(const cJSON *tree)
{
	const cJSON *sess = cJSON_GetObjectItemCaseSensitive(tree, "session");
	cJSON *out = cJSON_CreateObject();
	const cJSON *v;

	cJSON_ArrayForEach(v, sess) {
		long long n = -1;
		if (cJSON_IsNumber(v))
			n = (long long)v->valuedouble;
		else if (cJSON_IsString(v) && is_duration(v->string) && guard_duration_parse(v->valuestring, &n) < 0)
			n = -1;
		if (n >= 0)
			cJSON_AddNumberToObject(out, v->string, (double)n);
	}
	return out;
}

long long
guard_session_seconds(const cJSON *state, const char *key, time_t now)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, key));
	struct timespec t;

	if (!s || guard_time_parse(s, &t) < 0)
		return -1;
	return (long long)now - (long long)t.tv_sec;
}

static void
utc_day(time_t now, char day[11])
{
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
}

static double
num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

cJSON *
guard_session_day(const cJSON *sessions, time_t now)
{
	cJSON *out = cJSON_CreateObject();
	const char *last_end = NULL;
	const cJSON *s;
	double loc = 0;
	int n = 0;
	bool stopped = false;
	char day[11];

	utc_day(now, day);
	cJSON_ArrayForEach(s, sessions) {
		const char *start = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "started_at"));
		const char *end = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "ended_at"));
		if (!end)
			end = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "last_activity"));
		if (end && (!last_end || strcmp(end, last_end) > 0))
			last_end = end;
		if (!start || strncmp(start, day, 10))
			continue;
		n++;
		loc += num(cJSON_GetObjectItemCaseSensitive(s, "counters"), "loc");
		stopped |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "day_stopped"));
	}
	cJSON_AddStringToObject(out, "date", day);
	cJSON_AddNumberToObject(out, "sessions", n);
	cJSON_AddNumberToObject(out, "loc", loc);
	cJSON_AddBoolToObject(out, "day_stopped", stopped);
	if (last_end)
		cJSON_AddStringToObject(out, "last_end", last_end);
	return out;
}

static void
fmt_value(enum lim_kind kind, long long v, char *out, size_t size)
{
	if (kind == LIM_TIME)
		guard_duration_format(v, out, size);
	else
		snprintf(out, size, "%lld", v);
}

cJSON *
guard_session_breaches(const cJSON *state, const cJSON *tree, time_t now, long long day_loc)
{
	const cJSON *limits = cJSON_GetObjectItemCaseSensitive(state, "limits");
	const cJSON *counters = cJSON_GetObjectItemCaseSensitive(state, "counters");
	const cJSON *anomalies = cJSON_GetObjectItemCaseSensitive(tree, "anomalies");
	cJSON *out = cJSON_CreateArray();

	for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		const struct lim *l = &lims[i];
		const cJSON *max = l->key ? cJSON_GetObjectItemCaseSensitive(limits, l->key) : NULL;
		long long limit = cJSON_IsNumber(max) ? (long long)max->valuedouble : 0, value;
		bool hit;

		if (l->key && !cJSON_IsNumber(max))
			continue; /* no such limit in force */
		if (!strcmp(l->anomaly, "loc_per_day")) {
			if (day_loc < 0)
				continue; /* the hook does not measure LOC */
			value = day_loc;
		}
		else if (!strcmp(l->anomaly, "duration"))
			value = guard_session_seconds(state, "started_at", now);
		else if (!strcmp(l->anomaly, "idle"))
			value = guard_session_seconds(state, "last_activity", now);
		else
			value = (long long)num(counters, l->counter);
		switch (l->kind) {
		case LIM_MAX: hit = value > limit; break;
		case LIM_REACH: hit = value >= (limit > 0 ? limit : 1); break;
		case LIM_TIME: hit = value >= limit; break;
		default: hit = value > 0; break;
		}
		if (!hit)
			continue;
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(anomalies, l->anomaly);
		const char *action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "action"));
		const char *incident = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "incident"));
		char v[32], m[32];
		cJSON *b = cJSON_CreateObject();
		fmt_value(l->kind, value, v, sizeof(v));
		fmt_value(l->kind, limit, m, sizeof(m));
		cJSON_AddStringToObject(b, "limit", l->anomaly);
		cJSON_AddNumberToObject(b, "value", (double)value);
		if (l->key)
			cJSON_AddNumberToObject(b, "max", (double)limit);
		cJSON_AddStringToObject(b, "action", action ? action : !strcmp(l->anomaly, "files_modified") ? "warn" : "end");
		if (incident && strcmp(incident, "none"))
			cJSON_AddStringToObject(b, "incident", incident);
		const char *what = value == 1 ? l->one : l->what;
		char *msg = l->kind == LIM_ANY ? guard_xasprintf("%s %s (none allowed)", v, what)
			  : l->kind == LIM_MAX ? guard_xasprintf("%s %s, over the limit of %s", v, what, m)
					       : guard_xasprintf("%s %s, at the limit of %s", v, what, m);
		cJSON_AddStringToObject(b, "message", msg);
		free(msg);
		cJSON_AddItemToArray(out, b);
	}
	return out;
}

static bool
recorded(const cJSON *list, const char *limit)
{
	const cJSON *b;
	cJSON_ArrayForEach(b, list) {
		const char *l = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "limit"));
		if (l && !strcmp(l, limit))
			return true;
	}
	return false;
}

static cJSON *
array_member(cJSON *obj, const char *key)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		a = cJSON_AddArrayToObject(obj, key);
	}
	return a;
}

static void
set_string(cJSON *obj, const char *key, const char *value)
{
	guard_json_set(obj, key, cJSON_CreateString(value));
}

/* Budgets that shrink once the files-modified warning asks for a closer watch. */
static const char *const watched[][2] = {
	{ "max_loc", "loc" }, { "max_files_created", "files_created" }, { "max_files_deleted", "files_deleted" },
	{ "max_duration", NULL },
};

/*
 * Stronger monitoring (seed 004: "warn + stronger monitoring"): what is
 * left of each budget is cut to session.watch_factor percent (50 unless a
 * layer says less), once. state.watch keeps when, the factor and the
 * limits before.
 */
static void
watch_closer(cJSON *state, const cJSON *tree, const char *ts)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "session"), "watch_factor");
	double factor = cJSON_IsNumber(f) && f->valuedouble >= 1 && f->valuedouble <= 100 ? f->valuedouble : 50;
	cJSON *limits = cJSON_GetObjectItemCaseSensitive(state, "limits");
	const cJSON *counters = cJSON_GetObjectItemCaseSensitive(state, "counters");
	cJSON *w, *before;

	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(state, "watch")) || !cJSON_IsObject(limits))
		return;
	w = cJSON_AddObjectToObject(state, "watch");
	cJSON_AddStringToObject(w, "since", ts);
	cJSON_AddNumberToObject(w, "factor", factor);
	before = cJSON_AddObjectToObject(w, "before");
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		cJSON *max = cJSON_GetObjectItemCaseSensitive(limits, watched[i][0]);
		double used = watched[i][1] ? num(counters, watched[i][1]) : (double)guard_session_seconds(state, "started_at", time(NULL));
		if (!strcmp(watched[i][0], "max_loc"))
			used += num(counters, "loc_pending");
		if (!cJSON_IsNumber(max) || used < 0 || used >= max->valuedouble)
			continue;
		cJSON_AddNumberToObject(before, watched[i][0], max->valuedouble);
		cJSON_SetNumberValue(max, used + (double)(long long)((max->valuedouble - used) * factor / 100));
	}
}

void
guard_session_watch_text(const cJSON *state, const char *prefix, struct guard_buf *b)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(state, "watch"), *v;
	const cJSON *limits = cJSON_GetObjectItemCaseSensitive(state, "limits");

	if (!cJSON_IsObject(w))
		return;
	guard_buf_addf(b, "%ssince %s, after the files-modified warning, what was left of each budget was cut to %.0f%%",
		       prefix, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "since")) ?: "-", num(w, "factor"));
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(w, "before"))
		guard_buf_addf(b, "%s %s %.0f -> %.0f", v == cJSON_GetObjectItemCaseSensitive(w, "before")->child ? ":" : ",",
			       v->string, v->valuedouble, num(limits, v->string));
	guard_buf_addstr(b, "\n");
}

int
guard_session_apply(const char *root, const struct guard_policy *policy, cJSON *state, const cJSON *breaches, char **stop)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	cJSON *warnings = array_member(state, "warnings"), *ended = array_member(state, "breaches");
	const cJSON *b;
	struct guard_buf why = GUARD_BUF_INIT;
	char ts[GUARD_TIME_LEN];
	int rc = 0;

	*stop = NULL;
	guard_time_now(ts);
	cJSON_ArrayForEach(b, breaches) {
		const char *limit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "limit"));
		const char *action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "action"));
		const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "message"));
		bool warn = !strcmp(action, "warn");
		cJSON *list = warn ? warnings : ended, *copy;

		if (recorded(list, limit))
			continue;
		copy = cJSON_Duplicate(b, 1);
		cJSON_AddStringToObject(copy, "at", ts);
		cJSON_AddItemToArray(list, copy);
		if (warn) {
			if (!strcmp(limit, "files_modified"))
				watch_closer(state, policy ? guard_policy_tree(policy) : NULL, ts);
			int r = guard_session_audit(root, policy, id, "session.warn", cJSON_Duplicate(b, 1));
			rc = rc < 0 ? rc : r;
			continue;
		}
		if (!strcmp(action, "stop_day")) {
			cJSON_DeleteItemFromObjectCaseSensitive(state, "day_stopped");
			cJSON_AddTrueToObject(state, "day_stopped");
		}
		guard_buf_addf(&why, "%s%s", why.len ? "; " : "", msg);
		int r = guard_session_audit(root, policy, id, "session.terminate", cJSON_Duplicate(b, 1));
		rc = rc < 0 ? rc : r;
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b, "incident"))) {
			r = guard_session_incident(root, policy, state, b);
			rc = rc < 0 ? rc : r;
		}
	}
	if (why.len && !strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "status")), "running")) {
		set_string(state, "status", "ended");
		set_string(state, "ended_at", ts);
		set_string(state, "end_reason", why.buf);
		*stop = guard_xasprintf("guard: unattended session %s ended: %s", id, why.buf);
	}
	guard_buf_release(&why);
	return rc;
}

char *
guard_session_refusal(const cJSON *tree, const cJSON *sessions, time_t now)
{
	cJSON *limits = guard_session_limits(tree), *day = guard_session_day(sessions, now);
	const cJSON *s;
	char *why = NULL;
	long long cooldown = (long long)num(limits, "cooldown"), since;

	cJSON_ArrayForEach(s, sessions)
		if (!strcmp(guard_session_status(s), "running") && !why)
			why = guard_xasprintf("session %s is still running (end it first: guard-session end --id %s)",
					      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "id")),
					      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "id")));
	if (why)
		goto out;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(day, "day_stopped"))) {
		why = guard_xasprintf("unattended runs are stopped for %s: the daily LOC budget was exceeded",
				      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(day, "date")));
	} else if (cJSON_GetObjectItemCaseSensitive(limits, "max_loc_per_day") &&
		   num(day, "loc") >= num(limits, "max_loc_per_day")) {
		why = guard_xasprintf("today's LOC budget is used up (%.0f of %.0f lines)", num(day, "loc"),
				      num(limits, "max_loc_per_day"));
	} else if (cJSON_GetObjectItemCaseSensitive(limits, "max_sessions_per_day") &&
		   num(day, "sessions") >= num(limits, "max_sessions_per_day")) {
		why = guard_xasprintf("%.0f sessions today already, the limit is %.0f (session.max_sessions_per_day)",
				      num(day, "sessions"), num(limits, "max_sessions_per_day"));
	} else if (cooldown > 0 && (since = guard_session_seconds(day, "last_end", now)) >= 0 && since < cooldown) {
		char a[32], b[32];
		guard_duration_format(since, a, sizeof(a));
		guard_duration_format(cooldown - since, b, sizeof(b));
		why = guard_xasprintf("cooldown: the last session ended %s ago; wait %s more (session.cooldown)", a, b);
	}
out:
	cJSON_Delete(limits);
	cJSON_Delete(day);
	return why;
}
