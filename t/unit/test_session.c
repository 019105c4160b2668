/*
 * Unit tests: the session library without git. Limits at their
 * thresholds and one step before, breach application, start refusals,
 * the hook's counters, state-file errors, interrupted sessions,
 * PENDING_PLANS.md entries and the briefing. Time limits are tested by
 * writing aged timestamps into states, never by sleeping.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_policy.h"
#include "guard_session.h"
#include "guard_time.h"

/* Where the live states are in a project without git (guard_state_dir). */
#define STATE_DIR ".ai/state/sessions"

static char tmpdir[256];
static int nroot;

/* A fresh project root under tmpdir (caller frees). */
static char *
new_root(void)
{
	char *root = guard_xasprintf("%s/p%d", tmpdir, ++nroot);
	CHECK(mkdir(root, 0755) == 0);
	return root;
}

static char *
slurp(const char *root, const char *rel)
{
	char *path = guard_xasprintf("%s/%s", root, rel), *text = NULL;
	size_t len;
	if (guard_file_read(path, (size_t)1 << 22, 1, &text, &len) < 0)
		text = NULL;
	free(path);
	return text;
}

static void
put(const char *root, const char *rel, const char *text)
{
	char *path = guard_xasprintf("%s/%s", root, rel), *dir = guard_xstrdup(path);
	*strrchr(dir, '/') = '\0';
	CHECK(guard_mkdirs(dir, 0755) == 0);
	CHECK(guard_file_write_atomic(path, text, strlen(text), 0644) == 0);
	free(dir);
	free(path);
}

/* RFC 3339 time of now - secs. */
static void
ago(time_t now, long long secs, char out[GUARD_TIME_LEN])
{
	struct timespec ts = { .tv_sec = now - (time_t)secs, .tv_nsec = 0 };
	guard_time_format(&ts, out);
}

/* The NightBuilder limits and anomalies of DESIGN.md section 9, as a policy tree. */
static const char nightbuilder_tree[] =
	"{\"session\": {\"max_loc\": 1000, \"max_files_created\": 20, \"max_files_modified\": 50,"
	" \"max_loc_per_day\": 3000, \"max_duration\": \"4h\", \"idle_timeout\": \"30m\","
	" \"max_sessions_per_day\": 3, \"cooldown\": \"15m\", \"same_file_streak\": 5,"
	" \"max_files_deleted\": 10, \"denied_retries\": 3},"
	" \"anomalies\": {\"loc\": {\"action\": \"end\"}, \"files_created\": {\"action\": \"end\"},"
	" \"files_modified\": {\"action\": \"warn\"}, \"loc_per_day\": {\"action\": \"stop_day\"},"
	" \"duration\": {\"action\": \"end\"}, \"idle\": {\"action\": \"end\"},"
	" \"same_file_streak\": {\"action\": \"end\", \"incident\": \"P3\"},"
	" \"files_deleted\": {\"action\": \"end\", \"incident\": \"P2\"},"
	" \"outside_project\": {\"action\": \"end\", \"incident\": \"P3\"},"
	" \"unknown_host\": {\"action\": \"end\", \"incident\": \"P3\"},"
	" \"denied_retries\": {\"action\": \"end\", \"incident\": \"P2\"}}}";

/* A running session started and last active now, with the limits of tree. */
static cJSON *
new_state(const char *id, const cJSON *tree, time_t now)
{
	cJSON *s = cJSON_CreateObject();
	char ts[GUARD_TIME_LEN];

	ago(now, 0, ts);
	cJSON_AddNumberToObject(s, "v", 1);
	cJSON_AddStringToObject(s, "id", id);
	cJSON_AddStringToObject(s, "task", "t");
	cJSON_AddStringToObject(s, "status", "running");
	cJSON_AddStringToObject(s, "started_at", ts);
	cJSON_AddStringToObject(s, "last_activity", ts);
	cJSON_AddItemToObject(s, "limits", guard_session_limits(tree));
	cJSON_AddObjectToObject(s, "counters");
	return s;
}

/* Save as the programs do: under the session's lock. */
static int
save(const char *root, const cJSON *state)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state, "id"));
	int fd = -1, rc;

	if ((rc = guard_session_lock(root, id, &fd)) < 0)
		return rc;
	rc = guard_session_save(root, state);
	guard_lock_release(fd);
	return rc;
}

static void
set(cJSON *obj, const char *key, cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	cJSON_AddItemToObject(obj, key, v);
}

static void
counter(cJSON *state, const char *key, double v)
{
	set(cJSON_GetObjectItemCaseSensitive(state, "counters"), key, cJSON_CreateNumber(v));
}

/* The breach of limit in the list, or NULL. */
static const cJSON *
breach(const cJSON *list, const char *limit)
{
	const cJSON *b;
	cJSON_ArrayForEach(b, list)
		if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "limit")), limit))
			return b;
	return NULL;
}

static const char *
sget(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* ---------------------------------------------------------------- ids, files */

TEST(session_id_check)
{
	CHECK(guard_session_id_check("20261121-070253-bench") == 0);
	CHECK(guard_session_id_check("a.b_c-1") == 0);
	CHECK(guard_session_id_check(NULL) == GUARD_EUSAGE);
	CHECK(guard_session_id_check("") == GUARD_EUSAGE);
	CHECK(guard_session_id_check(".hidden") == GUARD_EUSAGE);
	CHECK(guard_session_id_check("../x") == GUARD_EUSAGE);
	CHECK(guard_session_id_check("a/b") == GUARD_EUSAGE);
	CHECK(guard_session_id_check("a b") == GUARD_EUSAGE);
	char long_id[130];
	memset(long_id, 'a', 129);
	long_id[129] = '\0';
	CHECK(guard_session_id_check(long_id) == GUARD_EUSAGE);
	long_id[128] = '\0';
	CHECK(guard_session_id_check(long_id) == 0);
}

TEST(session_save_load_roundtrip_sorted)
{
	char *root = new_root(), *text;
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *s = new_state("s1", tree, time(NULL)), *back = NULL;

	CHECK(save(root, s) == 0);
	CHECK(guard_session_load(root, "s1", &back) == 0);
	CHECK(cJSON_Compare(s, back, 1));
	text = slurp(root, STATE_DIR "/s1.json");
	/* Pretty, sorted keys: "counters" before "id" before "v". */
	CHECK(text && strstr(text, "\"counters\"") < strstr(text, "\"id\"") && strstr(text, "\"id\"") < strstr(text, "\"v\""));
	CHECK(text && strchr(text, '\n'));
	free(text);
	cJSON_Delete(back);
	cJSON_Delete(s);
	cJSON_Delete(tree);
	free(root);
}

TEST(session_load_errors_leave_the_file)
{
	static const char *const bad[] = {
		"{not json", "[]", "{\"id\": \"other\", \"status\": \"running\", \"counters\": {}, \"limits\": {}}",
		"{\"id\": \"s1\", \"status\": \"running\", \"limits\": {}}",
		"{\"id\": \"s1\", \"status\": \"running\", \"counters\": [], \"limits\": {}}",
		"{\"id\": \"s1\", \"status\": 3, \"counters\": {}, \"limits\": {}}",
		"{\"id\": \"s1\", \"status\": \"running\", \"counters\": {}}",
	};
	char *root = new_root();
	cJSON *s = NULL;

	CHECK(guard_session_load(root, "nope", &s) == GUARD_ENOTFOUND && !s);
	CHECK(strstr(guard_error_last(), "no session 'nope'"));
	CHECK(guard_session_load(root, "../etc", &s) == GUARD_EUSAGE && !s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(root, STATE_DIR "/s1.json", bad[i]);
		CHECK(guard_session_load(root, "s1", &s) == GUARD_EUSAGE && !s);
		CHECK(strstr(guard_error_last(), "is not a session state file"));
		char *text = slurp(root, STATE_DIR "/s1.json");
		CHECK_STR(text, bad[i]);
		free(text);
	}
	/* A malformed file is skipped by list, with a note. */
	struct guard_list skipped = { 0 };
	cJSON *list = NULL;
	CHECK(guard_session_list(root, &list, &skipped) == 0);
	CHECK(cJSON_GetArraySize(list) == 0 && skipped.len == 1);
	cJSON_Delete(list);
	guard_list_clear(&skipped);
	free(root);
}

TEST(session_status_interrupted_when_supervisor_gone)
{
	cJSON *s = cJSON_Parse("{\"status\": \"running\"}"), *sup;
	pid_t child;

	CHECK_STR(guard_session_status(s), "running"); /* from start: no supervisor */
	sup = cJSON_AddObjectToObject(s, "supervisor");
	cJSON_AddNumberToObject(sup, "pid", getpid());
	cJSON_AddNumberToObject(sup, "start", (double)guard_proc_start(getpid()));
	CHECK(guard_proc_start(getpid()) > 0);
	CHECK_STR(guard_session_status(s), "running");
	/* Same pid, another start time: a reused pid is not our supervisor. */
	set(sup, "start", cJSON_CreateNumber((double)guard_proc_start(getpid()) + 1));
	CHECK_STR(guard_session_status(s), "interrupted");
	/* A supervisor that died: read its start while it lives (it waits on a pipe). */
	int hold[2];
	CHECK(pipe(hold) == 0);
	if ((child = fork()) == 0) {
		char b;
		close(hold[1]);
		_exit(read(hold[0], &b, 1) < 0);
	}
	CHECK(child > 0);
	close(hold[0]);
	unsigned long long start = guard_proc_start(child);
	CHECK(start > 0);
	close(hold[1]);
	waitpid(child, NULL, 0);
	set(sup, "pid", cJSON_CreateNumber(child));
	set(sup, "start", cJSON_CreateNumber((double)start));
	CHECK(guard_proc_start(child) == 0);
	CHECK_STR(guard_session_status(s), "interrupted");
	set(sup, "pid", cJSON_CreateString("x"));
	CHECK_STR(guard_session_status(s), "interrupted");
	/* Ended stays ended whatever the supervisor. */
	set(s, "status", cJSON_CreateString("ended"));
	CHECK_STR(guard_session_status(s), "ended");
	cJSON_Delete(s);
}

/* ---------------------------------------------------------------- limits */

TEST(limits_parse_durations)
{
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *l = guard_session_limits(tree);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(l, "max_duration")) == 4 * 3600);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(l, "idle_timeout")) == 30 * 60);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(l, "cooldown")) == 15 * 60);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(l, "max_loc")) == 1000);
	cJSON_Delete(l);
	cJSON_Delete(tree);
	tree = cJSON_Parse("{\"session\": {\"max_duration\": \"soon\", \"max_loc\": \"10\", \"cooldown\": -5}}");
	l = guard_session_limits(tree);
	CHECK(cJSON_GetArraySize(l) == 0); /* none of them is a limit */
	cJSON_Delete(l);
	cJSON_Delete(tree);
}

/* Counters: one step before the threshold passes, the threshold breaches. */
TEST(limits_counters_at_threshold_and_one_before)
{
	static const struct { const char *counter, *limit; double ok, hit; const char *action, *incident; } cases[] = {
		{ "loc", "loc", 1000, 1001, "end", NULL },
		{ "files_created", "files_created", 20, 21, "end", NULL },
		{ "files_modified", "files_modified", 50, 51, "warn", NULL },
		{ "files_deleted", "files_deleted", 9, 10, "end", "P2" },
		{ "same_file_streak", "same_file_streak", 4, 5, "end", "P3" },
		{ "denied_retries", "denied_retries", 2, 3, "end", "P2" },
		{ "outside_project", "outside_project", 0, 1, "end", "P3" },
		{ "unknown_hosts", "unknown_host", 0, 1, "end", "P3" },
	};
	cJSON *tree = cJSON_Parse(nightbuilder_tree);
	time_t now = time(NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *s = new_state("s", tree, now), *b;
		counter(s, cases[i].counter, cases[i].ok);
		b = guard_session_breaches(s, tree, now, 0);
		if (cJSON_GetArraySize(b) != 0)
			printf("#   %s at %g breached\n", cases[i].counter, cases[i].ok);
		CHECK(cJSON_GetArraySize(b) == 0);
		cJSON_Delete(b);
		counter(s, cases[i].counter, cases[i].hit);
		b = guard_session_breaches(s, tree, now, 0);
		const cJSON *one = breach(b, cases[i].limit);
		if (!one || cJSON_GetArraySize(b) != 1)
			printf("#   %s at %g: not breached alone\n", cases[i].counter, cases[i].hit);
		CHECK(one && cJSON_GetArraySize(b) == 1);
		CHECK_STR(sget(one, "action"), cases[i].action);
		if (cases[i].incident)
			CHECK_STR(sget(one, "incident"), cases[i].incident);
		else
			CHECK(!cJSON_GetObjectItem(one, "incident"));
		CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(one, "value")) == cases[i].hit);
		cJSON_Delete(b);
		cJSON_Delete(s);
	}
	cJSON_Delete(tree);
}

TEST(limits_time_and_day_at_threshold_and_one_before)
{
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *s, *b;
	time_t now = time(NULL);
	char ts[GUARD_TIME_LEN];

	s = new_state("s", tree, now);
	ago(now, 4 * 3600 - 1, ts);
	set(s, "started_at", cJSON_CreateString(ts));
	b = guard_session_breaches(s, tree, now, -1);
	CHECK(cJSON_GetArraySize(b) == 0);
	cJSON_Delete(b);
	ago(now, 4 * 3600, ts);
	set(s, "started_at", cJSON_CreateString(ts));
	b = guard_session_breaches(s, tree, now, -1);
	CHECK(breach(b, "duration") && cJSON_GetArraySize(b) == 1);
	CHECK(strstr(sget(breach(b, "duration"), "message"), "at the limit of"));
	cJSON_Delete(b);
	cJSON_Delete(s);

	s = new_state("s", tree, now);
	ago(now, 30 * 60 - 1, ts);
	set(s, "last_activity", cJSON_CreateString(ts));
	b = guard_session_breaches(s, tree, now, -1);
	CHECK(cJSON_GetArraySize(b) == 0);
	cJSON_Delete(b);
	ago(now, 30 * 60, ts);
	set(s, "last_activity", cJSON_CreateString(ts));
	b = guard_session_breaches(s, tree, now, -1);
	CHECK(breach(b, "idle") && cJSON_GetArraySize(b) == 1);
	cJSON_Delete(b);

	/* Today's LOC: 3,000 allowed, 3,001 stops the day; -1 = not measured. */
	set(s, "last_activity", cJSON_CreateString(sget(s, "started_at")));
	b = guard_session_breaches(s, tree, now, 3000);
	CHECK(cJSON_GetArraySize(b) == 0);
	cJSON_Delete(b);
	b = guard_session_breaches(s, tree, now, 3001);
	CHECK(breach(b, "loc_per_day") && cJSON_GetArraySize(b) == 1);
	CHECK_STR(sget(breach(b, "loc_per_day"), "action"), "stop_day");
	cJSON_Delete(b);
	b = guard_session_breaches(s, tree, now, -1);
	CHECK(cJSON_GetArraySize(b) == 0);
	cJSON_Delete(b);
	cJSON_Delete(s);
	cJSON_Delete(tree);
}

/* Every breach in one state is reported, each with its own message. */
TEST(limits_all_breaches_named)
{
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *s, *b;
	time_t now = time(NULL);

	s = new_state("s", tree, now);
	counter(s, "loc", 2000);
	counter(s, "files_deleted", 11);
	counter(s, "unknown_hosts", 2);
	b = guard_session_breaches(s, tree, now, 5000);
	CHECK(cJSON_GetArraySize(b) == 4);
	CHECK(breach(b, "loc") && breach(b, "files_deleted") && breach(b, "unknown_host") && breach(b, "loc_per_day"));
	CHECK_STR(sget(breach(b, "loc"), "message"), "2000 lines of code in the session, over the limit of 1000");
	CHECK_STR(sget(breach(b, "unknown_host"), "message"), "2 network accesses to hosts not allowed (none allowed)");
	cJSON_Delete(b);
	cJSON_Delete(s);
	cJSON_Delete(tree);
}

static size_t
count_lines(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = text; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

TEST(apply_warns_once_and_ends_with_the_incident)
{
	char *root = new_root(), *stop = NULL, *log;
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *s, *b;
	time_t now = time(NULL);

	s = new_state("s1", tree, now);
	counter(s, "files_modified", 51);
	b = guard_session_breaches(s, tree, now, 0);
	CHECK(guard_session_apply(root, NULL, s, b, &stop) == 0);
	CHECK(!stop);
	CHECK_STR(sget(s, "status"), "running");
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(s, "warnings")) == 1);
	/* Seen again: not recorded twice. */
	CHECK(guard_session_apply(root, NULL, s, b, &stop) == 0 && !stop);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(s, "warnings")) == 1);
	cJSON_Delete(b);
	log = slurp(root, ".ai/sessions/s1.log.jsonl");
	CHECK(log && count_lines(log, "\"event\":\"session.warn\"") == 1);
	free(log);

	counter(s, "files_deleted", 11);
	b = guard_session_breaches(s, tree, now, 0);
	CHECK(guard_session_apply(root, NULL, s, b, &stop) == 0);
	CHECK(stop && strstr(stop, "unattended session s1 ended") && strstr(stop, "11 files deleted"));
	CHECK_STR(sget(s, "status"), "ended");
	CHECK(sget(s, "ended_at") && sget(s, "end_reason"));
	CHECK(!cJSON_IsTrue(cJSON_GetObjectItem(s, "day_stopped")));
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(s, "breaches")) == 1);
	cJSON_Delete(b);
	free(stop);
	log = slurp(root, ".ai/sessions/s1.log.jsonl");
	CHECK(log && count_lines(log, "\"event\":\"session.terminate\"") == 1);
	CHECK(log && strstr(log, "\"incident\":\"P2\""));
	free(log);
	cJSON_Delete(s);

	/* The daily budget: ends the session and stops the day. */
	s = new_state("s2", tree, now);
	b = guard_session_breaches(s, tree, now, 3001);
	CHECK(guard_session_apply(root, NULL, s, b, &stop) == 0 && stop);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(s, "day_stopped")));
	CHECK_STR(sget(s, "status"), "ended");
	free(stop);
	cJSON_Delete(b);
	cJSON_Delete(s);
	cJSON_Delete(tree);
	free(root);
}

/* A finished session of today that ended secs ago with loc lines. */
static cJSON *
past(const char *id, time_t now, long long secs, double loc, bool stopped)
{
	char s[GUARD_TIME_LEN], e[GUARD_TIME_LEN];
	cJSON *o = cJSON_CreateObject();
	ago(now, secs + 60, s);
	ago(now, secs, e);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "status", "ended");
	cJSON_AddStringToObject(o, "started_at", s);
	cJSON_AddStringToObject(o, "ended_at", e);
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "counters"), "loc", loc);
	cJSON_AddBoolToObject(o, "day_stopped", stopped);
	return o;
}

TEST(refusal_sessions_cooldown_budget_and_running)
{
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *list = cJSON_CreateArray();
	/* Noon UTC, so every fixture session is of the same day. */
	time_t now = (time(NULL) / 86400) * 86400 + 12 * 3600;
	char *why;

	CHECK(!(why = guard_session_refusal(tree, list, now)));
	cJSON_AddItemToArray(list, past("a", now, 3600, 100, false));
	cJSON_AddItemToArray(list, past("b", now, 15 * 60, 100, false));
	/* Two today, the last ended 15 minutes ago: the third may start. */
	CHECK(!(why = guard_session_refusal(tree, list, now)));
	free(why);
	/* One second short of the cooldown. */
	CHECK((why = guard_session_refusal(tree, list, now - 1)) && strstr(why, "cooldown"));
	free(why);
	cJSON_AddItemToArray(list, past("c", now, 3600, 100, false));
	CHECK((why = guard_session_refusal(tree, list, now)) && strstr(why, "3 sessions today already"));
	free(why);
	cJSON_Delete(list);

	/* LOC budget: 2,999 allow a start, 3,000 refuse it. */
	list = cJSON_CreateArray();
	cJSON_AddItemToArray(list, past("a", now, 3600, 2999, false));
	CHECK(!(why = guard_session_refusal(tree, list, now)));
	set(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "counters"), "loc", cJSON_CreateNumber(3000));
	CHECK((why = guard_session_refusal(tree, list, now)) && strstr(why, "LOC budget is used up (3000 of 3000"));
	free(why);
	cJSON_Delete(list);

	/* A stopped day refuses whatever the counts. */
	list = cJSON_CreateArray();
	cJSON_AddItemToArray(list, past("a", now, 3600, 10, true));
	CHECK((why = guard_session_refusal(tree, list, now)) && strstr(why, "stopped for"));
	free(why);
	/* A session of yesterday counts for nothing today. */
	cJSON_Delete(list);
	list = cJSON_CreateArray();
	cJSON_AddItemToArray(list, past("y", now, 86400, 5000, true));
	CHECK(!(why = guard_session_refusal(tree, list, now)));
	/* One still running refuses. */
	cJSON *r = past("r", now, 3600, 0, false);
	set(r, "status", cJSON_CreateString("running"));
	cJSON_AddItemToArray(list, r);
	CHECK((why = guard_session_refusal(tree, list, now)) && strstr(why, "session r is still running"));
	free(why);
	cJSON_Delete(list);
	cJSON_Delete(tree);
}

TEST(day_totals_count_only_today)
{
	time_t now = (time(NULL) / 86400) * 86400 + 12 * 3600;
	cJSON *list = cJSON_CreateArray(), *day;

	cJSON_AddItemToArray(list, past("a", now, 600, 120, false));
	cJSON_AddItemToArray(list, past("b", now, 7200, 30, false));
	cJSON_AddItemToArray(list, past("y", now, 86400, 999, true));
	day = guard_session_day(list, now);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(day, "sessions")) == 2);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(day, "loc")) == 150);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(day, "day_stopped")));
	CHECK(guard_session_seconds(day, "last_end", now) == 600);
	cJSON_Delete(day);
	cJSON_Delete(list);
}

/* ---------------------------------------------------------------- counters */

static struct guard_policy *
small_policy(const char *root)
{
	static const char yaml[] =
		"version: 1\n"
		"risk:\n  allowed_hosts: [\"github.com\"]\n"
		"session:\n  max_loc: 5\n  max_files_created: 2\n  max_files_modified: 3\n  max_files_deleted: 2\n"
		"  same_file_streak: 3\n  denied_retries: 2\n  max_duration: 4h\n  idle_timeout: 30m\n"
		"anomalies:\n  files_modified: {action: warn}\n  same_file_streak: {action: end, incident: P3}\n";
	struct guard_policy_sources src = { 0 };
	struct guard_list errors = { 0 };
	struct guard_policy *p = NULL;
	char *path = guard_xasprintf("%s/policy.yaml", root);

	CHECK(guard_file_write_atomic(path, yaml, strlen(yaml), 0600) == 0);
	src.builtin = path;
	src.user = src.managed = src.project = src.nightbuilder = "";
	if (guard_policy_load(&p, &src, &errors) < 0)
		for (size_t i = 0; i < errors.len; i++)
			printf("#   %s\n", errors.items[i]);
	guard_list_clear(&errors);
	free(path);
	return p;
}

static cJSON *
start_state(const char *root, const struct guard_policy *p, const char *id)
{
	cJSON *s = new_state(id, guard_policy_tree(p), time(NULL));
	CHECK(save(root, s) == 0);
	return s;
}

static cJSON *
loaded(const char *root, const char *id)
{
	cJSON *s = NULL;
	CHECK(guard_session_load(root, id, &s) == 0);
	return s;
}

static double
cnt(const char *root, const char *id, const char *key)
{
	cJSON *s = loaded(root, id);
	double v = cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "counters"), key));
	cJSON_Delete(s);
	return v != v ? 0 : v;
}

/* One tracked event: phase, tool_use_id, effect, risk JSON. Returns the stop reason or NULL (caller frees). */
static char *
track(const char *root, const struct guard_policy *p, const char *id, const char *phase, const char *use,
      const char *effect, const char *risk)
{
	char *json = guard_xasprintf("{\"phase\": \"%s\", \"tool\": \"Bash\", \"tool_use_id\": \"%s\","
				     " \"input\": {\"command\": \"%s\"}, \"decision\": {\"effect\": \"%s\"}, \"risk\": %s}",
				     phase, use, use, effect, risk);
	cJSON *ev = cJSON_Parse(json);
	char *stop = NULL;

	CHECK(ev != NULL);
	CHECK(guard_session_track(root, id, p, ev) == 0);
	const char *why = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "stop"), "reason"));
	if (why)
		stop = guard_xstrdup(why);
	cJSON_Delete(ev);
	free(json);
	return stop;
}

/* pre, the effect on disk, post: one completed write of target. */
static char *
write_call(const char *root, const struct guard_policy *p, const char *id, const char *use, const char *target,
	   int action)
{
	char *risk = guard_xasprintf("{\"targets\": [\"%s\"]}", target), *stop, *path;

	stop = track(root, p, id, "pre", use, "allow", risk);
	if (!stop) {
		path = guard_xasprintf("%s/%s", root, target);
		if (action)
			put(root, target, "x\n");
		else
			CHECK(unlink(path) == 0);
		free(path);
		stop = track(root, p, id, "post", use, "allow", risk);
	}
	free(risk);
	return stop;
}

TEST(track_files_created_modified_deleted_net)
{
	char *root = new_root(), *stop;
	struct guard_policy *p = small_policy(root);
	cJSON *s = start_state(root, p, "s1");

	put(root, "old1.c", "o\n");
	put(root, "old2.c", "o\n");
	CHECK(!(stop = write_call(root, p, "s1", "u1", "new.c", 1)));
	CHECK(cnt(root, "s1", "files_created") == 1);
	/* Created then edited stays created. */
	CHECK(!(stop = write_call(root, p, "s1", "u2", "new.c", 1)));
	CHECK(cnt(root, "s1", "files_created") == 1 && cnt(root, "s1", "files_modified") == 0);
	/* Created then deleted is nothing. */
	CHECK(!(stop = write_call(root, p, "s1", "u3", "new.c", 0)));
	CHECK(cnt(root, "s1", "files_created") == 0 && cnt(root, "s1", "files_deleted") == 0);
	CHECK(!(stop = write_call(root, p, "s1", "u4", "old1.c", 1)));
	CHECK(cnt(root, "s1", "files_modified") == 1);
	/* Modified then deleted is deleted. */
	CHECK(!(stop = write_call(root, p, "s1", "u5", "old1.c", 0)));
	CHECK(cnt(root, "s1", "files_modified") == 0 && cnt(root, "s1", "files_deleted") == 1);
	/* guard's own state never counts. */
	CHECK(!(stop = write_call(root, p, "s1", "u6", ".ai/plans/p.md", 1)));
	CHECK(!(stop = write_call(root, p, "s1", "u7", "PENDING_PLANS.md", 1)));
	CHECK(cnt(root, "s1", "files_created") == 0);
	/* A post without its pre (another hook's call) counts nothing. */
	CHECK(!(stop = track(root, p, "s1", "post", "u99", "allow", "{\"targets\": [\"old2.c\"]}")));
	CHECK(cnt(root, "s1", "files_modified") == 0);
	CHECK(cnt(root, "s1", "tool_calls") == 7); /* one per call (its pre), not pre and post */
	cJSON_Delete(s);
	guard_policy_free(p);
	free(root);
}

TEST(track_created_limit_ends_at_the_third)
{
	char *root = new_root(), *stop;
	struct guard_policy *p = small_policy(root);
	cJSON *s = start_state(root, p, "s1");

	CHECK(!(stop = write_call(root, p, "s1", "u1", "a.c", 1)));
	CHECK(!(stop = write_call(root, p, "s1", "u2", "b.c", 1)));
	stop = write_call(root, p, "s1", "u3", "c.c", 1);
	CHECK(stop && strstr(stop, "3 files created, over the limit of 2"));
	free(stop);
	cJSON *after = loaded(root, "s1");
	CHECK_STR(sget(after, "status"), "ended");
	cJSON_Delete(after);
	/* Every later call is stopped. */
	stop = track(root, p, "s1", "pre", "u4", "allow", "{}");
	CHECK(stop && strstr(stop, "is ended"));
	free(stop);
	cJSON_Delete(s);
	guard_policy_free(p);
	free(root);
}

TEST(track_streak_counts_in_a_row_and_resets)
{
	char *root = new_root(), *stop;
	struct guard_policy *p = small_policy(root);
	cJSON *s = start_state(root, p, "s1");

	CHECK(!(stop = write_call(root, p, "s1", "u1", "a.c", 1)));
	CHECK(!(stop = write_call(root, p, "s1", "u2", "a.c", 1)));
	CHECK(cnt(root, "s1", "same_file_streak") == 2);
	/* Another file breaks the streak. */
	CHECK(!(stop = write_call(root, p, "s1", "u3", "b.c", 1)));
	CHECK(cnt(root, "s1", "same_file_streak") == 1);
	CHECK(!(stop = write_call(root, p, "s1", "u4", "a.c", 1)));
	CHECK(!(stop = write_call(root, p, "s1", "u5", "a.c", 1)));
	CHECK(cnt(root, "s1", "same_file_streak") == 2);
	stop = write_call(root, p, "s1", "u6", "a.c", 1);
	CHECK(stop && strstr(stop, "3 times in a row the same file was modified, at the limit of 3"));
	free(stop);
	cJSON_Delete(s);
	guard_policy_free(p);
	free(root);
}

TEST(track_denied_retries_outside_and_hosts)
{
	char *root = new_root(), *stop;
	struct guard_policy *p = small_policy(root);
	cJSON *s;

	s = start_state(root, p, "s1");
	CHECK(!(stop = track(root, p, "s1", "pre", "rm-x", "deny", "{}")));
	CHECK(!(stop = track(root, p, "s1", "pre", "rm-y", "deny", "{}"))); /* another command */
	CHECK(!(stop = track(root, p, "s1", "pre", "rm-x", "deny", "{}")));
	CHECK(cnt(root, "s1", "denied_retries") == 1);
	stop = track(root, p, "s1", "pre", "rm-x", "deny", "{}");
	CHECK(stop && strstr(stop, "2 retries of a denied command"));
	free(stop);
	cJSON_Delete(s);

	s = start_state(root, p, "s2");
	CHECK(!(stop = track(root, p, "s2", "pre", "u1", "allow", "{\"reads\": [\"src/a.c\", \"/dev/null\"]}")));
	CHECK(!(stop = track(root, p, "s2", "pre", "u2", "allow", "{\"hosts\": [\"github.com\"]}")));
	CHECK(cnt(root, "s2", "outside_project") == 0 && cnt(root, "s2", "unknown_hosts") == 0);
	/* Denied or not, the attempt counts. */
	stop = track(root, p, "s2", "pre", "u3", "deny", "{\"reads\": [\"/etc/passwd\"]}");
	CHECK(stop && strstr(stop, "1 access outside the project (none allowed)"));
	free(stop);
	cJSON *after = loaded(root, "s2");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(after, "outside"), 0)), "/etc/passwd");
	cJSON_Delete(after);
	cJSON_Delete(s);

	s = start_state(root, p, "s3");
	stop = track(root, p, "s3", "pre", "u1", "allow", "{\"hosts\": [\"evil.example\"]}");
	CHECK(stop && strstr(stop, "1 network access to a host not allowed"));
	free(stop);
	cJSON_Delete(s);
	guard_policy_free(p);
	free(root);
}

TEST(track_idle_from_aged_state_and_bad_files)
{
	char *root = new_root(), *stop;
	struct guard_policy *p = small_policy(root);
	cJSON *s = start_state(root, p, "s1"), *ev;
	char ts[GUARD_TIME_LEN];

	ago(time(NULL), 29 * 60, ts);
	set(s, "last_activity", cJSON_CreateString(ts));
	CHECK(save(root, s) == 0);
	CHECK(!(stop = track(root, p, "s1", "pre", "u1", "allow", "{}")));
	ago(time(NULL), 30 * 60, ts);
	set(s, "last_activity", cJSON_CreateString(ts));
	CHECK(save(root, s) == 0);
	stop = track(root, p, "s1", "pre", "u2", "allow", "{}");
	CHECK(stop && strstr(stop, "idle time"));
	free(stop);
	cJSON_Delete(s);

	/* Unknown and malformed sessions: an error, the file left as it is. */
	ev = cJSON_Parse("{\"phase\": \"pre\"}");
	CHECK(guard_session_track(root, "none", p, ev) == GUARD_ENOTFOUND);
	put(root, STATE_DIR "/bad.json", "{\"id\": \"bad\"");
	CHECK(guard_session_track(root, "bad", p, ev) == GUARD_EUSAGE);
	char *text = slurp(root, STATE_DIR "/bad.json");
	CHECK_STR(text, "{\"id\": \"bad\"");
	free(text);
	CHECK(guard_session_track(root, "../bad", p, ev) == GUARD_EUSAGE);
	cJSON_Delete(ev);
	guard_policy_free(p);
	free(root);
}


/* ---------------------------------------------------------------- where the state is */

static void
rm_rf(const char *root, const char *rel)
{
	char *cmd = guard_xasprintf("rm -rf '%s'/%s", root, rel);
	CHECK(system(cmd) == 0);
	free(cmd);
}

static int
count_states(const char *root)
{
	struct guard_list skipped = { 0 };
	cJSON *list = NULL;
	CHECK(guard_session_list(root, &list, &skipped) == 0);
	int n = cJSON_GetArraySize(list);
	cJSON_Delete(list);
	guard_list_clear(&skipped);
	return n;
}

TEST(state_is_out_of_the_reports_folder)
{
	char *root = new_root(), *text, *path = NULL;
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *s = new_state("s1", tree, time(NULL)), *back = NULL;
	struct stat st;

	CHECK(save(root, s) == 0);
	CHECK(guard_session_state_path(root, "s1", &path) == 0);
	CHECK(path && strstr(path, "/" STATE_DIR "/s1.json"));
	CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
	/* Nothing in the reports' folder is state: removing it loses no session. */
	put(root, ".ai/sessions/s1.json", "{}");
	rm_rf(root, ".ai/sessions");
	CHECK(guard_session_load(root, "s1", &back) == 0);
	cJSON_Delete(back);
	CHECK(count_states(root) == 1);
	/* The report: the state for people, without the hook's bookkeeping. */
	cJSON_AddObjectToObject(s, "pending");
	cJSON_AddObjectToObject(s, "denied");
	CHECK(guard_session_report(root, s) == 0);
	text = slurp(root, ".ai/sessions/s1.json");
	CHECK(text && strstr(text, "\"counters\"") && !strstr(text, "\"pending\"") && !strstr(text, "\"denied\""));
	free(text);
	/* guard's state in git's common dir never counts as the agent's work. */
	CHECK(guard_session_own_path(".git/guard/sessions/s1.json"));
	CHECK(!guard_session_own_path(".git/hooks/pre-commit"));
	free(path);
	cJSON_Delete(s);
	cJSON_Delete(tree);
	free(root);
}

/* An old-layout state file as it was written before the state moved. */
static void
put_old(const char *root, const char *id, double loc)
{
	char ts[GUARD_TIME_LEN];
	ago(time(NULL), 60, ts);
	char *text = guard_xasprintf("{\"id\": \"%s\", \"status\": \"ended\", \"started_at\": \"%s\", \"ended_at\": \"%s\","
				     " \"counters\": {\"loc\": %.0f}, \"limits\": {}}", id, ts, ts, loc);
	char *rel = guard_xasprintf(".ai/sessions/%s.json", id);
	put(root, rel, text);
	free(rel);
	free(text);
}

TEST(state_migrates_old_layout_once)
{
	char *root = new_root(), *a, *b;
	cJSON *list = NULL;
	int fd = -1;

	put_old(root, "o1", 1000);
	put_old(root, "o2", 1500);
	put(root, ".ai/sessions/bad.json", "{\"id\": \"bad\"");
	put(root, ".ai/sessions/o1.log.jsonl", "{}\n");
	/* A read imports on first use; a second read imports nothing more. */
	CHECK(count_states(root) == 2);
	CHECK(count_states(root) == 2);
	a = slurp(root, ".ai/sessions/o1.json");
	b = slurp(root, STATE_DIR "/o1.json");
	CHECK(a && b && !strcmp(a, b)); /* byte for byte, and the old file kept */
	free(a);
	free(b);
	a = slurp(root, ".ai/sessions/bad.json");
	CHECK_STR(a, "{\"id\": \"bad\"");
	free(a);
	/* Today's totals count each imported session once. */
	CHECK(guard_session_list(root, &list, NULL) == 0);
	cJSON *day = guard_session_day(list, time(NULL));
	/* (In the first two minutes of a UTC day the fixtures are yesterday's.) */
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(day, "loc")) == 2500 || time(NULL) % 86400 < 120);
	cJSON_Delete(day);
	cJSON_Delete(list);
	/* After the import the old place is reports only: new files there are not state. */
	put_old(root, "late", 9999);
	CHECK(guard_session_lock(root, "o1", &fd) == 0);
	guard_lock_release(fd);
	CHECK(count_states(root) == 2);
	cJSON *late = NULL;
	CHECK(guard_session_load(root, "late", &late) == GUARD_ENOTFOUND && !late);
	/* A state written since is never overwritten by an old file of its id. */
	char *rel = guard_xasprintf("%s/o2.json", STATE_DIR);
	put(root, rel, "{\"id\": \"o2\", \"status\": \"ended\", \"counters\": {\"loc\": 7}, \"limits\": {}}");
	free(rel);
	rm_rf(root, STATE_DIR "/.imported-*");
	CHECK(count_states(root) == 3); /* "late" imported now, as a fresh first use */
	cJSON *o2 = loaded(root, "o2");
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(o2, "counters"), "loc")) == 7);
	cJSON_Delete(o2);
	free(root);
}

TEST(state_folder_unwritable_fails_closed)
{
	char *root = new_root(), *stop;
	struct guard_policy *p = small_policy(root);
	cJSON *tree = cJSON_Parse(nightbuilder_tree), *s = new_state("s1", tree, time(NULL)), *ev, *list = NULL;
	int fd = -1;

	/* A file where the folder must be: nothing can be kept, so nothing starts or runs. */
	put(root, STATE_DIR, "not a folder");
	put_old(root, "o1", 10);
	CHECK(guard_session_lock(root, "s1", &fd) == GUARD_EIO && fd == -1);
	CHECK(strstr(guard_error_last(), "cannot keep session state in") && strstr(guard_error_last(), STATE_DIR));
	CHECK(guard_session_start_lock(root, &fd) == GUARD_EIO && fd == -1);
	CHECK(guard_session_list(root, &list, NULL) == GUARD_EIO);
	cJSON_Delete(list);
	ev = cJSON_Parse("{\"phase\": \"pre\"}");
	CHECK(guard_session_track(root, "s1", p, ev) == GUARD_EIO);
	CHECK(!cJSON_GetObjectItem(ev, "stop"));
	cJSON_Delete(ev);
	stop = slurp(root, STATE_DIR);
	CHECK_STR(stop, "not a folder");
	free(stop);
	/* The old file is left where it was: nothing lost. */
	stop = slurp(root, ".ai/sessions/o1.json");
	CHECK(stop != NULL);
	free(stop);
	cJSON_Delete(s);
	cJSON_Delete(tree);
	guard_policy_free(p);
	free(root);
}

TEST(state_of_another_worktree_is_not_tracked_here)
{
	char *root = new_root();
	struct guard_policy *p = small_policy(root);
	cJSON *s = start_state(root, p, "s1"), *ev;

	CHECK(guard_session_here(s, root) == 0);
	cJSON_AddStringToObject(s, "project", "/elsewhere/wt");
	CHECK(save(root, s) == 0);
	CHECK(guard_session_here(s, root) == GUARD_ENOTFOUND);
	CHECK(strstr(guard_error_last(), "runs in '/elsewhere/wt'"));
	ev = cJSON_Parse("{\"phase\": \"pre\", \"decision\": {\"effect\": \"allow\"}}");
	CHECK(guard_session_track(root, "s1", p, ev) == GUARD_ENOTFOUND);
	cJSON_Delete(ev);
	cJSON_Delete(s);
	guard_policy_free(p);
	free(root);
}

/* ---------------------------------------------------------------- plans */

static struct guard_defer
defer_args(const char *summary)
{
	struct guard_defer d = { 0 };
	d.summary = summary;
	d.round = 3;
	d.ratio = 62.5;
	d.gate = "fail";
	d.reason = "rounds";
	d.critique[0] = "tests missing";
	d.critique[1] = "rollback unclear";
	return d;
}

/* The record a start writes first: ended until the branch is cut, the limits in force, the supervisor. */
TEST(session_record_is_built_in_the_library)
{
	char *root = new_root();
	struct guard_policy *p = small_policy(root);
	cJSON *s = guard_session_record(p, root, "20260101-000000-t", "t", "main", (long)getpid()), *f;
	struct guard_changes ch = GUARD_CHANGES_INIT;

	CHECK_STR(sget(s, "id"), "20260101-000000-t");
	CHECK_STR(sget(s, "project"), root);
	CHECK_STR(sget(s, "base_branch"), "main");
	CHECK_STR(sget(s, "status"), "ended");
	CHECK_STR(sget(s, "end_reason"), "the start did not finish");
	CHECK_STR(sget(s, "started_at"), sget(s, "last_activity"));
	CHECK_STR(sget(s, "policy_rev"), guard_policy_rev(p));
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "limits"), "max_loc")) == 5);
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(s, "counters")));
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "supervisor"), "pid")) == getpid());
	CHECK(save(root, s) == 0); /* a state the loader accepts */
	f = guard_session_start_fields(p, s);
	CHECK_STR(sget(f, "task"), "t");
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "limits"), "max_files_deleted")) == 2);
	cJSON_Delete(f);
	guard_changes_add(&ch, "src/a.c", NULL, 'A', 3, 0);
	f = guard_session_end_fields(s, &ch, 2, ".ai/sessions/x.pr.md");
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(f, "loc")) == 3 && cJSON_GetNumberValue(cJSON_GetObjectItem(f, "files")) == 1);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(f, "findings")) == 2);
	CHECK_STR(sget(f, "reason"), "the start did not finish");
	cJSON_Delete(f);
	guard_changes_release(&ch);
	cJSON_Delete(s);
	s = guard_session_record(p, root, "x", "t", "main", 0);
	CHECK(!cJSON_GetObjectItem(s, "supervisor"));
	cJSON_Delete(s);
	guard_policy_free(p);
	free(root);
}

TEST(plans_defer_entry_format)
{
	char *root = new_root(), *id = NULL, *text, *plan;
	struct guard_defer d = defer_args("캐시 계층 도입 / cache layer");
	time_t when = 1795246200; /* 2026-11-21 07:30:00 UTC */

	d.plan_text = "# plan\nsteps\n";
	d.plan_len = strlen(d.plan_text);
	CHECK(guard_plan_defer(root, &d, when, &id) == 0);
	CHECK_STR(id, "2026-11-21_0730_캐시-계층-도입-cache-layer");
	text = slurp(root, "PENDING_PLANS.md");
	CHECK(text && !strncmp(text, "# Pending plans\n", 16));
	CHECK(text && strstr(text,
		"\n## [보류] 2026-11-21 07:30 - 캐시 계층 도입 / cache layer\n"
		"- **상태**: 미수렴 (라운드 3, 가중 비율 62.5%)\n"
		"- **C6 Hard Gate**: 실패\n"
		"- **저장된 계획서**: `.ai/plans/2026-11-21_0730_캐시-계층-도입-cache-layer.md`\n"
		"- **사유**: 라운드 초과\n"
		"- **마지막 비평 요약**: tests missing; rollback unclear\n"));
	plan = slurp(root, ".ai/plans/2026-11-21_0730_캐시-계층-도입-cache-layer.md");
	CHECK_STR(plan, "# plan\nsteps\n");
	free(plan);
	free(text);
	free(id);

	/* The same summary in the same minute gets its own file and entry. */
	d.plan_text = NULL;
	d.gate = "na";
	d.reason = "stall";
	CHECK(guard_plan_defer(root, &d, when, &id) == 0);
	CHECK_STR(id, "2026-11-21_0730_캐시-계층-도입-cache-layer-2");
	text = slurp(root, "PENDING_PLANS.md");
	CHECK(text && count_lines(text, "## [보류] ") == 2);
	CHECK(text && strstr(text, "- **C6 Hard Gate**: 해당없음\n") && strstr(text, "- **사유**: 정체\n"));
	free(text);
	free(id);
	free(root);
}

TEST(plans_defer_rejects_bad_input_and_writes_nothing)
{
	char *root = new_root(), *id = NULL, *text;
	struct guard_defer d;

	d = defer_args("s");
	d.gate = "maybe";
	CHECK(guard_plan_defer(root, &d, 0, &id) == GUARD_EUSAGE);
	d = defer_args("s");
	d.reason = "bored";
	CHECK(guard_plan_defer(root, &d, 0, &id) == GUARD_EUSAGE);
	d = defer_args("s");
	d.ratio = 100.1;
	CHECK(guard_plan_defer(root, &d, 0, &id) == GUARD_EUSAGE);
	d = defer_args("s");
	d.round = 0;
	CHECK(guard_plan_defer(root, &d, 0, &id) == GUARD_EUSAGE);
	d = defer_args("two\nlines");
	CHECK(guard_plan_defer(root, &d, 0, &id) == GUARD_EUSAGE);
	d = defer_args("s");
	d.critique[1] = "a\rb";
	CHECK(guard_plan_defer(root, &d, 0, &id) == GUARD_EUSAGE);
	d = defer_args("s");
	d.critique[0] = "";
	CHECK(guard_plan_defer(root, &d, 0, &id) == GUARD_EUSAGE);
	CHECK(!id);
	CHECK(!(text = slurp(root, "PENDING_PLANS.md")));
	free(root);
}

TEST(plans_resolve_in_place)
{
	char *root = new_root(), *a = NULL, *b = NULL, *before, *text;
	struct guard_defer d = defer_args("first");
	time_t when = 1795246200;

	CHECK(guard_plan_defer(root, &d, when, &a) == 0);
	d.summary = "second";
	CHECK(guard_plan_defer(root, &d, when + 60, &b) == 0);
	before = slurp(root, "PENDING_PLANS.md");

	/* Keep: the tag stays, a decision line is added, nothing else moves. */
	CHECK(guard_plan_resolve(root, a, "keep", when + 3600) == 0);
	text = slurp(root, "PENDING_PLANS.md");
	CHECK(text && strstr(text, "- **마지막 비평 요약**: tests missing; rollback unclear\n"
				  "- **결정**: 유지 (2026-11-21 08:30 UTC)\n\n## [보류] 2026-11-21 07:31 - second\n"));
	CHECK(text && strlen(text) == strlen(before) + strlen("- **결정**: 유지 (2026-11-21 08:30 UTC)\n"));
	free(text);

	/* Discard after keep: the entry leaves the file, the decision goes to the plan file. */
	CHECK(guard_plan_resolve(root, a, "discard", when + 7200) == 0);
	text = slurp(root, "PENDING_PLANS.md");
	CHECK(text && !strstr(text, " - first\n") && count_lines(text, "- **결정**") == 0);
	CHECK(text && strstr(text, "\n\n## [보류] 2026-11-21 07:31 - second\n"));
	free(text);
	char *plan = guard_xasprintf(".ai/plans/%s.md", a);
	text = slurp(root, plan);
	CHECK(text && strstr(text, "\n- **결정**: 폐기 (2026-11-21 09:30 UTC); the entry was removed from PENDING_PLANS.md\n"));
	free(text);
	free(plan);

	/* The last entry of the file. */
	CHECK(guard_plan_resolve(root, b, "proceed", when + 7200) == 0);
	text = slurp(root, "PENDING_PLANS.md");
	CHECK(text && strstr(text, "## [진행] 2026-11-21 07:31 - second\n"));
	CHECK(text && strlen(text) > 0 && !strcmp(text + strlen(text) - strlen("- **결정**: 진행 (2026-11-21 09:30 UTC)\n"),
						  "- **결정**: 진행 (2026-11-21 09:30 UTC)\n"));
	free(text);

	/* Decided already, unknown, bad ids and choices. */
	CHECK(guard_plan_resolve(root, a, "revised", when) == GUARD_ECONFLICT);
	CHECK(guard_plan_resolve(root, "2026-01-01_0000_none", "keep", when) == GUARD_ENOTFOUND);
	CHECK(guard_plan_resolve(root, "../x", "keep", when) == GUARD_EUSAGE);
	CHECK(guard_plan_resolve(root, "a`b", "keep", when) == GUARD_EUSAGE);
	CHECK(guard_plan_resolve(root, b, "maybe", when) == GUARD_EUSAGE);
	free(before);
	free(a);
	free(b);
	free(root);
}

/* ---------------------------------------------------------------- briefing */

TEST(briefing_lists_plans_approvals_and_sessions)
{
	char *root = new_root(), *id = NULL, *t;
	struct guard_buf b = GUARD_BUF_INIT;
	struct guard_defer d = defer_args("retry logic");
	time_t now = time(NULL);
	char exp[GUARD_TIME_LEN], old[GUARD_TIME_LEN];

	CHECK(guard_briefing(root, now, &b) == 0);
	CHECK(strstr(b.buf, "Nothing waits"));
	guard_buf_release(&b);

	CHECK(guard_plan_defer(root, &d, now, &id) == 0);
	ago(now, -3600, exp); /* expires in an hour */
	ago(now, 60, old);    /* expired a minute ago */
	/* two approval requests as guard-approve writes them (DESIGN.md section 8) */
	t = guard_xasprintf("{\"v\": 1, \"id\": \"abcdef01-0000-4000-8000-000000000000\", \"status\": \"pending\","
			    " \"tool\": \"Bash\", \"summary\": \"rm -rf build\", \"risk\": {\"level\": \"high\"},"
			    " \"requested_by\": \"agent\", \"requested_at\": \"%s\", \"expires_at\": \"%s\","
			    " \"action_digest\": \"%064d\", \"decisions\": []}", old, exp, 1);
	put(root, ".ai/approvals/abcdef01-0000-4000-8000-000000000000.json", t);
	free(t);
	t = guard_xasprintf("{\"v\": 1, \"id\": \"ffff0000-0000-4000-8000-000000000000\", \"status\": \"pending\","
			    " \"tool\": \"Bash\", \"summary\": \"stale\", \"risk\": {\"level\": \"low\"},"
			    " \"requested_by\": \"agent\", \"requested_at\": \"%s\", \"expires_at\": \"%s\","
			    " \"action_digest\": \"%064d\", \"decisions\": []}", old, old, 2);
	put(root, ".ai/approvals/ffff0000-0000-4000-8000-000000000000.json", t);
	free(t);

	cJSON *s = new_state("night1", cJSON_GetObjectItem(NULL, "x"), now);
	counter(s, "loc", 42);
	cJSON *br = cJSON_AddArrayToObject(s, "breaches"), *one = cJSON_CreateObject();
	cJSON_AddStringToObject(one, "incident", "P2");
	cJSON_AddStringToObject(one, "message", "11 files deleted, over the limit of 10");
	cJSON_AddItemToArray(br, one);
	set(s, "status", cJSON_CreateString("ended"));
	CHECK(save(root, s) == 0);
	cJSON_Delete(s);

	CHECK(guard_briefing(root, now, &b) == 3);
	/* English words in the briefing; the Korean markers stay in PENDING_PLANS.md (issue 16) */
	CHECK(strstr(b.buf, "Deferred plans waiting for a decision (PENDING_PLANS.md):\n- 20"));
	CHECK(strstr(b.buf, " - retry logic\n  status: not converged after round 3 (weighted ratio 62.5%)\n"));
	char *line = guard_xasprintf("    guard-session plans resolve %s --as revised|proceed|keep|discard\n", id);
	CHECK(strstr(b.buf, line));
	free(line);
	CHECK(strstr(b.buf, "choices: revise, proceed, keep, discard:"));
	CHECK(!strstr(b.buf, "보류") && !strstr(b.buf, "상태"));
	CHECK(strstr(b.buf, "- abcdef01 Bash: rm -rf build (risk high, by agent, expires in "));
	CHECK(!strstr(b.buf, "stale"));
	CHECK(strstr(b.buf, "- night1 (ended) task t"));
	/* Absent counters are 0 and an absent limit is not shown: never "nan". */
	CHECK(strstr(b.buf, ": 42 LOC, files 0 created, 0 modified, 0 deleted\n"));
	CHECK(!strstr(b.buf, "nan"));
	CHECK(strstr(b.buf, "  incident P2: 11 files deleted, over the limit of 10\n"));
	guard_buf_release(&b);

	/* A resolved plan is no longer listed. */
	CHECK(guard_plan_resolve(root, id, "discard", now) == 0);
	CHECK(guard_briefing(root, now, &b) == 2);
	CHECK(!strstr(b.buf, "retry logic"));
	guard_buf_release(&b);
	free(id);
	free(root);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/guard-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	RUN(session_id_check);
	RUN(session_save_load_roundtrip_sorted);
	RUN(session_load_errors_leave_the_file);
	RUN(session_status_interrupted_when_supervisor_gone);
	RUN(limits_parse_durations);
	RUN(limits_counters_at_threshold_and_one_before);
	RUN(limits_time_and_day_at_threshold_and_one_before);
	RUN(limits_all_breaches_named);
	RUN(apply_warns_once_and_ends_with_the_incident);
	RUN(refusal_sessions_cooldown_budget_and_running);
	RUN(day_totals_count_only_today);
	RUN(track_files_created_modified_deleted_net);
	RUN(track_created_limit_ends_at_the_third);
	RUN(track_streak_counts_in_a_row_and_resets);
	RUN(track_denied_retries_outside_and_hosts);
	RUN(track_idle_from_aged_state_and_bad_files);
	RUN(state_is_out_of_the_reports_folder);
	RUN(state_migrates_old_layout_once);
	RUN(state_folder_unwritable_fails_closed);
	RUN(state_of_another_worktree_is_not_tracked_here);
	RUN(session_record_is_built_in_the_library);
	RUN(plans_defer_entry_format);
	RUN(plans_defer_rejects_bad_input_and_writes_nothing);
	RUN(plans_resolve_in_place);
	RUN(briefing_lists_plans_approvals_and_sessions);
	char *cmd = guard_xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	free(cmd);
	return unit_done();
}
