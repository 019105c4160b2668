#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_glob.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_session.h"
#include "guard_time.h"

#define PENDING_MAX 64 /* calls announced and not yet completed */
#define SEEN_MAX 20    /* outside paths / hosts kept for the report */
#define MARKS_MAX 1000 /* files one call is counted for (a folder deleted: its files) */

bool
guard_session_runtime_path(const char *path)
{
	static const char *const dirs[] = { ".ai/sessions/", ".ai/audit/", ".ai/approvals/", ".ai/state/", ".git/guard/", NULL };

	for (size_t i = 0; dirs[i]; i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

/* One level below dir, named NAME + one of the suffixes (NULL-terminated). */
static bool
named_in(const char *path, const char *dir, const char *const *suffixes)
{
	size_t d = strlen(dir), n;
	const char *name = path + d;

	if (strncmp(path, dir, d) || strchr(name, '/') || !*name)
		return false;
	n = strlen(name);
	for (size_t i = 0; suffixes[i]; i++) {
		size_t k = strlen(suffixes[i]);
		if (n > k && !strcmp(name + n - k, suffixes[i]))
			return true;
	}
	return false;
}

bool
guard_session_guard_named(const char *path)
{
	static const char *const logs[] = { ".json", ".log.jsonl", ".pr.md", NULL };
	static const char *const audit[] = { ".jsonl", NULL };
	static const char *const approvals[] = { ".json", NULL };

	return named_in(path, ".ai/sessions/", logs) || named_in(path, ".ai/audit/", audit) ||
	       !strcmp(path, ".ai/audit/.lock") || named_in(path, ".ai/approvals/", approvals);
}

bool
guard_session_plan_path(const char *path)
{
	const char *plan = !strncmp(path, ".ai/plans/", 10) ? path + 10 : NULL;
	size_t n = plan ? strlen(plan) : 0;

	/* a deferred plan: .ai/plans/<name>.md, one level down */
	if (plan && n > 3 && !strchr(plan, '/') && !strcmp(plan + n - 3, ".md"))
		return true;
	return !strcmp(path, ".ai/policy.yaml") || !strcmp(path, "PENDING_PLANS.md");
}

bool
guard_session_own_path(const char *path)
{
	/* guard's own files only: code put under .ai/ (a plan folder, anywhere else) counts */
	return guard_session_runtime_path(path) || guard_session_plan_path(path);
}

static cJSON *
object_member(cJSON *obj, const char *key, int array)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		v = array ? cJSON_AddArrayToObject(obj, key) : cJSON_AddObjectToObject(obj, key);
	}
	return v;
}

static void
bump(cJSON *counters, const char *key, double by)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(counters, key);
	if (cJSON_IsNumber(v))
		cJSON_SetNumberValue(v, v->valuedouble + by);
	else
		cJSON_AddNumberToObject(counters, key, by);
}

static void
set_number(cJSON *obj, const char *key, double n)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (cJSON_IsNumber(v))
		cJSON_SetNumberValue(v, n);
	else {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		cJSON_AddNumberToObject(obj, key, n);
	}
}

static void
remember(cJSON *list, const char *s)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, list)
		if (!strcmp(v->valuestring, s))
			return;
	if (cJSON_GetArraySize(list) < SEEN_MAX)
		cJSON_AddItemToArray(list, cJSON_CreateString(s));
}

static bool
harmless_device(const char *p)
{
	static const char *const ok[] = { "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty" };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(p, ok[i]))
			return true;
	return false;
}

static bool
host_allowed(const struct guard_policy *policy, const char *host)
{
	const struct guard_risk_config *cfg = guard_policy_risk(policy);
	for (size_t i = 0; i < cfg->nallowed_hosts; i++)
		if (guard_glob_match(cfg->allowed_hosts[i], host))
			return true;
	return false;
}

/* Limits the prediction decides: what a call's input says it will do. */
static const char *const predicted_limits[] = { "files_deleted", "files_created", "loc", "loc_per_day",
						"same_file_streak" };

/*
 * The limits an allowed call would break, judged from its input before it
 * runs: its files deleted and created (marks), the same file once more,
 * its lines added on top of the last measured LOC and the lines of calls
 * since. A new array of breaches (each "predicted": true), or NULL.
 */
static cJSON *
predict(const cJSON *state, const char *root, const struct guard_policy *policy, const cJSON *ev, const cJSON *marks)
{
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(state, "files"), *m, *b;
	const char *class = guard_event_str(ev, "risk.class") ?: "";
	const char *last = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "streak_file"));
	cJSON *after = cJSON_Duplicate(state, 1), *all, *out = NULL;
	cJSON *counters = object_member(after, "counters", 0);
	double deleted = 0, created = 0, streak = -1;
	const char *tool = guard_event_str(ev, "tool") ?: "";
	bool writes = !strcmp(class, "W") || !strcmp(tool, "Write") || !strcmp(tool, "Edit") || !strcmp(tool, "MultiEdit") ||
		      !strcmp(tool, "NotebookEdit");
	long loc = guard_session_predict_loc(root, ev);
	const cJSON *day = cJSON_GetObjectItemCaseSensitive(counters, "day_loc");
	double pending = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(counters, "loc_pending"));

	if (pending != pending)
		pending = 0;
	cJSON_ArrayForEach(m, marks) {
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "path"));
		const char *was = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(files, path));
		bool existed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "existed"));
		if (existed && !strcmp(class, "D"))
			deleted += !was || strcmp(was, "created"); /* a file this session created nets to nothing */
		else if (!existed && (!was || strcmp(was, "deleted")))
			created++;
		else if (existed && writes && cJSON_GetArraySize(marks) == 1 && last && !strcmp(last, path))
			streak = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(counters, "same_file_streak")) + 1;
	}
	bump(counters, "files_deleted", deleted);
	bump(counters, "files_created", created);
	if (streak > 0)
		set_number(counters, "same_file_streak", streak);
	bump(counters, "loc", pending + (double)loc);
	all = guard_session_breaches(after, guard_policy_tree(policy), time(NULL),
				     cJSON_IsNumber(day) ? (long long)(day->valuedouble + pending + (double)loc) : -1);
	cJSON *now = guard_session_breaches(state, guard_policy_tree(policy), time(NULL),
					    cJSON_IsNumber(day) ? (long long)(day->valuedouble + pending) : -1);
	cJSON_ArrayForEach(b, all) {
		const char *limit = guard_event_str(b, "limit");
		const char *action = guard_event_str(b, "action");
		bool known = false;
		const cJSON *c;
		for (size_t i = 0; i < sizeof(predicted_limits) / sizeof(predicted_limits[0]); i++)
			known |= !strcmp(limit, predicted_limits[i]);
		cJSON_ArrayForEach(c, now)
			known &= strcmp(guard_event_str(c, "limit") ?: "", limit) != 0;
		/* over before this call already: the check after it speaks for that limit */
		if (!known || !strcmp(action, "warn"))
			continue;
		if (!out)
			out = cJSON_CreateArray();
		cJSON *copy = cJSON_Duplicate(b, 1);
		char *msg = guard_xasprintf("%s (predicted before the call, which was denied)", guard_event_str(b, "message"));
		guard_json_set(copy, "message", cJSON_CreateString(msg));
		cJSON_AddTrueToObject(copy, "predicted");
		free(msg);
		cJSON_AddItemToArray(out, copy);
	}
	cJSON_Delete(now);
	cJSON_Delete(all);
	cJSON_Delete(after);
	return out;
}

/* Before the call: what it reaches, whether it was denied, what it will write. */
static void
count_pre(cJSON *state, const char *root, const struct guard_policy *policy, const cJSON *ev, cJSON **predicted)
{
	cJSON *counters = object_member(state, "counters", 0);
	const cJSON *risk = cJSON_GetObjectItemCaseSensitive(ev, "risk");
	const char *effect = guard_event_str(ev, "decision.effect");
	const char *lists[] = { "targets", "reads" };
	const cJSON *v;

	*predicted = NULL;
	for (size_t i = 0; i < 2; i++)
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(risk, lists[i])) {
			/* The analyzer shows a path outside the project (after symlinks) absolute. */
			if (cJSON_IsString(v) && v->valuestring[0] == '/' && !harmless_device(v->valuestring)) {
				bump(counters, "outside_project", 1);
				remember(object_member(state, "outside", 1), v->valuestring);
			}
		}
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(risk, "hosts"))
		if (cJSON_IsString(v) && !host_allowed(policy, v->valuestring)) {
			bump(counters, "unknown_hosts", 1);
			remember(object_member(state, "hosts", 1), v->valuestring);
		}

	if (!effect || strcmp(effect, "allow")) {
		/* The same denied action again: the same rule and targets, the same words. */
		char *key = guard_session_action_key(ev), hex[GUARD_SHA256_HEX];
		guard_sha256_hex(key, strlen(key), hex);
		free(key);
		cJSON *denied = object_member(state, "denied", 0);
		bump(denied, hex, 1);
		double tries = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(denied, hex));
		const cJSON *cur = cJSON_GetObjectItemCaseSensitive(counters, "denied_retries");
		if (!cJSON_IsNumber(cur) || tries - 1 > cur->valuedouble)
			set_number(counters, "denied_retries", tries - 1);
		return;
	}

	/* Allowed: note which files existed, to classify them once it ran. */
	cJSON *pending = object_member(state, "pending", 0);
	cJSON *marks = guard_session_marks(root, risk, MARKS_MAX);
	const char *use = guard_event_str(ev, "tool_use_id");
	*predicted = predict(state, root, policy, ev, marks);
	if (!*predicted) {
		long loc = guard_session_predict_loc(root, ev);
		if (loc > 0)
			bump(counters, "loc_pending", (double)loc);
	}
	if (!use || !cJSON_GetArraySize(marks) || *predicted) {
		cJSON_Delete(marks);
		return;
	}
	while (cJSON_GetArraySize(pending) >= PENDING_MAX)
		cJSON_DeleteItemFromArray(pending, 0);
	cJSON_DeleteItemFromObjectCaseSensitive(pending, use);
	cJSON_AddItemToObject(pending, use, marks);
}

/* A file's net change over the session, from its previous and latest change. */
static const char *
combine(const char *prev, const char *now)
{
	if (!prev)
		return now;
	if (!strcmp(prev, "created"))
		return !strcmp(now, "deleted") ? NULL : "created";
	if (!strcmp(prev, "deleted"))
		return !strcmp(now, "deleted") ? "deleted" : "modified";
	return now; /* modified, then modified or deleted */
}

/* After the call: classify the files it was going to write. */
static void
count_post(cJSON *state, const char *root, const cJSON *ev)
{
	cJSON *pending = object_member(state, "pending", 0), *files = object_member(state, "files", 0);
	cJSON *counters = object_member(state, "counters", 0);
	const char *use = guard_event_str(ev, "tool_use_id");
	cJSON *marks = use ? cJSON_DetachItemFromObjectCaseSensitive(pending, use) : NULL;
	const cJSON *m, *f;
	double created = 0, modified = 0, deleted = 0;

	cJSON_ArrayForEach(m, marks) {
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "path"));
		bool existed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "existed"));
		char *abs = guard_xasprintf("%s/%s", root, path);
		struct stat st;
		bool exists = lstat(abs, &st) == 0;
		const char *kind = existed ? (exists ? "modified" : "deleted") : (exists ? "created" : NULL);
		free(abs);
		if (!kind)
			continue;
		const char *prev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(files, path));
		const char *net = combine(prev, kind);
		cJSON_DeleteItemFromObjectCaseSensitive(files, path);
		if (net)
			cJSON_AddStringToObject(files, path, net);
		if (!strcmp(kind, "deleted"))
			continue;
		/* The same file written again and again: a loop, not progress. */
		const char *last = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "streak_file"));
		double streak = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(counters, "same_file_streak"));
		if (last && !strcmp(last, path) && streak == streak)
			streak += 1;
		else
			streak = 1;
		guard_json_set(state, "streak_file", cJSON_CreateString(path));
		set_number(counters, "same_file_streak", streak);
	}
	cJSON_Delete(marks);
	cJSON_ArrayForEach(f, files) {
		created += !strcmp(f->valuestring, "created");
		modified += !strcmp(f->valuestring, "modified");
		deleted += !strcmp(f->valuestring, "deleted");
	}
	set_number(counters, "files_created", created);
	set_number(counters, "files_modified", modified);
	set_number(counters, "files_deleted", deleted);
}

int
guard_session_track(const char *root, const char *id, const struct guard_policy *policy, cJSON *ev)
{
	const char *phase = guard_event_str(ev, "phase");
	cJSON *state = NULL, *breaches = NULL, *predicted = NULL;
	char *stop = NULL, ts[GUARD_TIME_LEN];
	int fd = -1, rc;

	if ((rc = guard_session_id_check(id)) < 0)
		return rc;
	if ((rc = guard_session_lock(root, id, &fd)) < 0)
		return rc;
	if ((rc = guard_session_load(root, id, &state)) < 0 || (rc = guard_session_here(state, root)) < 0)
		goto out;
	if (strcmp(guard_session_status(state), "running")) {
		const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "end_reason"));
		stop = guard_xasprintf("guard: unattended session %s is %s%s%s; no more tool calls", id,
				       guard_session_status(state), why ? ": " : "", why ? why : "");
		goto stop;
	}
	char *frozen = guard_session_frozen(root, state);
	if (frozen) {
		stop = guard_xasprintf("guard: unattended session %s: %s; no more tool calls", id, frozen);
		free(frozen);
		goto stop;
	}
	/*
	 * The policy the session started under is the one it runs under.
	 * Git can put another .ai/policy.yaml in the working tree without a
	 * write guard sees (a revert, a merge or reset to a commit made with
	 * plumbing, a branch switch): whatever changed it, no call runs under
	 * a policy no person started the night with.
	 */
	const char *pinned = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "policy_rev"));
	if (pinned && strcmp(pinned, guard_policy_rev(policy))) {
		stop = guard_xasprintf("guard: unattended session %s: guard's policy changed since the session started "
				       "(%s, now %s); no more tool calls: a person looks at what changed it (git log -p -- "
				       ".ai/policy.yaml) and starts a new session", id, pinned, guard_policy_rev(policy));
		goto stop;
	}
	if (phase && !strcmp(phase, "pre") && !strcmp(guard_event_str(ev, "decision.effect") ?: "", "allow")) {
		char *why = guard_session_vet(root, guard_policy_tree(policy), ev);
		cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "decision");
		if (why && cJSON_IsObject(d)) {
			char *reason = guard_xasprintf("unattended: %s", why);
			guard_json_set(d, "effect", cJSON_CreateString("deny"));
			guard_json_set(d, "rule", cJSON_CreateString("session.package-vetting"));
			guard_json_set(d, "reason", cJSON_CreateString(reason));
			free(reason);
		}
		free(why);
	}
	if (phase && !strcmp(phase, "pre"))
		count_pre(state, root, policy, ev, &predicted);
	else if (phase && !strcmp(phase, "post"))
		count_post(state, root, ev);
	if (phase && !strcmp(phase, "pre"))
		bump(object_member(state, "counters", 0), "tool_calls", 1); /* once per call, not pre and post */
	/* Idle is measured up to this call, so check before noting the activity. */
	/* Today's LOC as guard-session check or the supervisor last measured it. */
	const cJSON *day = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(state, "counters"), "day_loc");
	breaches = guard_session_breaches(state, guard_policy_tree(policy), time(NULL),
					  cJSON_IsNumber(day) ? (long long)day->valuedouble : -1);
	/* The breaches this call would cause come first: it is denied, and the session ends. */
	for (cJSON *p = predicted ? predicted->child : NULL; p; p = p->next)
		cJSON_AddItemToArray(breaches, cJSON_Duplicate(p, 1));
	if ((rc = guard_session_apply(root, policy, state, breaches, &stop)) < 0)
		goto out;
	guard_time_now(ts);
	guard_json_set(state, "last_activity", cJSON_CreateString(ts));
	if ((rc = guard_session_save(root, state)) < 0)
		goto out;
	/* Ended now: refresh the report for people; the live state is saved, so its failure loses no count. */
	if (stop && guard_session_report(root, state) < 0)
		guard_error_clear();
stop:
	if (stop) {
		cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "decision");
		if (predicted && cJSON_IsObject(d)) {
			guard_json_set(d, "effect", cJSON_CreateString("deny"));
			guard_json_set(d, "reason", cJSON_CreateString(stop));
		}
		cJSON_DeleteItemFromObjectCaseSensitive(ev, "stop");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(ev, "stop"), "reason", stop);
	}
	rc = 0;
out:
	free(stop);
	cJSON_Delete(predicted);
	cJSON_Delete(breaches);
	cJSON_Delete(state);
	guard_lock_release(fd);
	return rc;
}
