/*
 * guard-session: unattended runs held to their limits (DESIGN.md section 9).
 * One function per verb; the state, limits and counters live in
 * libguard (guard_session*.c), the git side in guard_git.c.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "guard_audit.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_git.h"
#include "guard_gitrules.h"
#include "guard_glob.h"
#include "guard_path.h"
#include "guard_risk.h"
#include "guard_session.h"
#include "guard_stage.h"
#include "guard_time.h"

#define GRACE_SECONDS 3   /* between TERM and KILL */
/*
 * The supervisor measures the work tree (LOC, files) when inotify saw a
 * change, once it has been quiet for QUIET_MS or dirty for DIRTY_MAX_MS,
 * and every session.poll_interval (default WATCH_POLL_SECONDS) as a
 * backstop; without inotify, every POLL_SECONDS at most. Changes never
 * make it measure more often than every GAP_FACTOR times what the last
 * measurement took (GAP_MIN_MS at least): an agent that touches a file
 * twice a second costs at most a tenth of a core, as polling would on a
 * tree that takes a second to measure.
 */
#define POLL_SECONDS 10
#define WATCH_POLL_SECONDS 60
#define QUIET_MS 200
#define DIRTY_MAX_MS 2000
#define GAP_FACTOR 10
#define GAP_MIN_MS 1000

/* Under "usage:" in the full help; each verb's line comes from the table. */
static const char summary[] =
	"Unattended runs on their own branch, held to the limits of the policy's\n"
	"session: section (policy/nightbuilder.yaml). The session is --id, else\n"
	"$GUARD_SESSION, else the latest one.\n"
	"\n"
	"  -t, --task SLUG     what the run is for (a-z, 0-9, '.', '_', '-')\n"
	"  -i, --id ID         the session\n"
	"  -j, --json          JSON instead of a table\n"
	"      --table         list: the table even in a pipe\n"
	"  -h, --help          this text;  -V, --version  the version\n"
	"\n"
	"Exit: 0 ok, 1 refused or a limit breached, 2 usage or bad input, 4 already\n"
	"decided, 5 no such session or plan, 7 policy invalid, 8 I/O failure (disk,\n"
	"lock, libgit2). run: 0 completed, 1 refused at start, 10 a limit breached,\n"
	"11 the agent failed, 12 interrupted.";

static void usage(FILE *f);

struct ctx {
	char *root;
	struct guard_stages stages;
	const struct guard_policy *policy;
	const cJSON *tree;
	const char *id;
	int json;
	bool table; /* list: --table */
};

static int
ctx_init(struct ctx *c)
{
	char *here = getcwd(NULL, 0);
	int rc;

	if (!here)
		return guard_error(GUARD_EIO, "cannot read the current directory: %s", strerror(errno));
	rc = guard_project_root(here, &c->root);
	free(here);
	if (rc < 0)
		return guard_error(GUARD_ENOTFOUND, "not in a project (no .git found above the current directory): run "
				   "guard-session inside your repository");
	guard_stages_init(&c->stages);
	c->stages.src.profile = "unattended"; /* a session is unattended by definition */
	if ((rc = guard_stages_policy(&c->stages, c->root, &c->policy)) < 0) {
		for (size_t i = 0; i < c->stages.errors.len; i++)
			fprintf(stderr, "%s\n", c->stages.errors.items[i]);
		return rc;
	}
	c->tree = guard_policy_tree(c->policy);
	return 0;
}

static void
ctx_release(struct ctx *c)
{
	guard_stages_release(&c->stages);
	free(c->root);
}

/* The session meant: --id, $GUARD_SESSION, else the latest one (caller frees). */
static int
pick_id(struct ctx *c, char **out)
{
	const char *env = getenv("GUARD_SESSION");
	cJSON *list = NULL;
	int rc;

	*out = NULL;
	if (c->id || (env && *env)) {
		*out = guard_xstrdup(c->id ? c->id : env);
		return guard_session_id_check(*out);
	}
	if ((rc = guard_session_list(c->root, &list, NULL)) < 0)
		return rc;
	/* The state is shared by every worktree; the latest is this worktree's latest. */
	for (const cJSON *s = list->child; s; s = s->next)
		if (guard_session_here(s, c->root) == 0) {
			free(*out);
			*out = guard_xstrdup(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "id")));
		}
	guard_error_clear();
	cJSON_Delete(list);
	return *out ? 0 : guard_error(GUARD_ENOTFOUND, "no session in %s", c->root);
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *
str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	return s ? s : "-";
}

static void
set_str(cJSON *o, const char *key, const char *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	cJSON_AddStringToObject(o, key, v);
}

static void
set_num(cJSON *o, const char *key, double v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	cJSON_AddNumberToObject(o, key, v);
}

/* ---------------------------------------------------------------- start */

static int
slug_check(const char *slug)
{
	size_t n = slug ? strlen(slug) : 0;
	if (!n || n > 60 || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", slug[0]) || strstr(slug, "..") ||
	    strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return guard_error(GUARD_EUSAGE, "task '%s' must be a slug: a-z, 0-9, '.', '_', '-', at most 60, "
				   "starting with a letter or digit", slug ? slug : "");
	return 0;
}

static char *
branch_name(const cJSON *tree, const char *slug, time_t now)
{
	const cJSON *br = cJSON_GetObjectItemCaseSensitive(tree, "branch");
	const char *pat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(br, "pattern"));
	struct guard_buf b = GUARD_BUF_INIT;
	char day[11];
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	for (const char *p = pat ? pat : "ai/nightbuilder/{date}/{slug}"; *p; p++) {
		if (!strncmp(p, "{date}", 6))
			guard_buf_addstr(&b, day), p += 5;
		else if (!strncmp(p, "{slug}", 6))
			guard_buf_addstr(&b, slug), p += 5;
		else
			guard_buf_addch(&b, *p);
	}
	return guard_buf_detach(&b);
}

static bool
protected_branch(const cJSON *tree, const char *name)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "branch"), "protected"))
		if (cJSON_IsString(p) && guard_glob_match(p->valuestring, name))
			return true;
	return false;
}

static int
refuse(struct ctx *c, const char *task, char *why)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "task", task);
	cJSON_AddStringToObject(f, "reason", why);
	guard_session_audit(c->root, c->policy, NULL, "session.refuse", f);
	int rc = guard_error(GUARD_EDENY, "refusing to start: %s", why);
	free(why);
	return rc;
}

/*
 * Cut the session's branch and mark the saved state running. The state
 * was written first, so a state folder that cannot be written refuses the
 * start before git is touched; a branch that cannot be cut takes the
 * state back.
 */
static int
cut_branch(struct ctx *c, struct guard_git *g, cJSON *state, const char *name)
{
	const char *id = str(state, "id");
	char *made = NULL, oid[41];
	int rc;

	if ((rc = guard_git_start_branch(g, str(state, "base_branch"), name, &made, oid)) < 0) {
		char *why = guard_xstrdup(guard_error_last());
		if (guard_session_forget(c->root, id) < 0)
			guard_error_clear(); /* left as "ended": it counts, it runs nothing */
		rc = guard_error(rc, "%s", why);
		free(why);
		return rc;
	}
	set_str(state, "branch", made);
	set_str(state, "base", oid);
	set_str(state, "status", "running");
	cJSON_DeleteItemFromObjectCaseSensitive(state, "end_reason");
	free(made);
	if ((rc = guard_session_save(c->root, state)) < 0) {
		char *why = guard_xstrdup(guard_error_last());
		rc = guard_error(rc, "branch '%s' was cut, but the session could not be marked running "
				 "(it counts for today and runs nothing): %s", str(state, "branch"), why);
		free(why);
	}
	return rc;
}

/*
 * "<stamp>-<task>", or with -2, -3 when a session of that id exists (two
 * starts in one second): an existing state is never overwritten, so no
 * count is lost. The caller holds the start lock. *out: caller frees.
 */
static int
free_id(struct ctx *c, const char *stamp, const char *task, char **out)
{
	struct stat st;
	char *path = NULL;
	int rc = 0;

	*out = NULL;
	for (int n = 1; n < 100 && !*out && rc >= 0; n++) {
		char *id = n == 1 ? guard_xasprintf("%s-%s", stamp, task) : guard_xasprintf("%s-%s-%d", stamp, task, n);
		if ((rc = guard_session_state_path(c->root, id, &path)) >= 0 && lstat(path, &st) < 0 && errno == ENOENT)
			*out = id;
		else
			free(id);
		free(path);
		path = NULL;
	}
	return *out ? 0 : rc < 0 ? rc : guard_error(GUARD_EIO, "no free session id for '%s-%s'", stamp, task);
}

/* Start a session; *out_id is its id (caller frees). */
static int
start_session(struct ctx *c, const char *task, long supervisor, char **out_id)
{
	time_t now = time(NULL);
	struct guard_git *g = NULL;
	cJSON *list = NULL, *state = NULL;
	char *why, *name = NULL, *id = NULL, stampbuf[32];
	const char *base = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c->tree, "branch"), "base"));
	struct tm tm;
	int start_fd = -1, fd = -1, rc;

	*out_id = NULL;
	if ((rc = slug_check(task)) < 0)
		return rc;
	if ((rc = guard_git_open(c->root, &g)) < 0)
		return rc;
	/* One start at a time per repository, from the checks to the saved state. */
	if ((rc = guard_session_start_lock(c->root, &start_fd)) < 0)
		goto out;
	struct guard_list damaged = GUARD_LIST_INIT;
	rc = guard_session_list(c->root, &list, &damaged);
	/* a damaged state file may be a running session: never read as none (trust.md 6) */
	why = rc == 0 && damaged.len ? guard_xasprintf("%s; it may be a running session (a person repairs or removes it)",
						       damaged.items[0]) : NULL;
	guard_list_clear(&damaged);
	if (rc < 0)
		goto out;
	if (why || (why = guard_session_refusal(c->tree, list, now))) {
		rc = refuse(c, task, why);
		goto out;
	}
	if ((rc = guard_git_check_clean(g)) < 0) {
		rc = refuse(c, task, guard_xstrdup(guard_error_last()));
		goto out;
	}
	name = branch_name(c->tree, task, now);
	if (protected_branch(c->tree, name)) {
		rc = refuse(c, task, guard_xasprintf("branch '%s' is protected (policy branch.protected)", name));
		goto out;
	}

	gmtime_r(&now, &tm);
	strftime(stampbuf, sizeof(stampbuf), "%Y%m%d-%H%M%S", &tm);
	if ((rc = free_id(c, stampbuf, task, &id)) < 0)
		goto out;
	/* a trusted branch.base, else origin/HEAD, init.defaultBranch, main, master */
	char *detected = NULL;
	if ((rc = guard_git_base_branch(g, base, &detected)) < 0)
		goto out;
	state = guard_session_record(c->policy, c->root, id, task, detected, supervisor);
	free(detected);
	if ((rc = guard_session_lock(c->root, id, &fd)) < 0 || (rc = guard_session_save(c->root, state)) < 0 ||
	    (rc = cut_branch(c, g, state, name)) < 0)
		goto out;
	guard_lock_release(start_fd);
	start_fd = -1;
	rc = guard_session_report(c->root, state);
	int audit_rc = guard_session_audit(c->root, c->policy, id, "session.start",
					   guard_session_start_fields(c->policy, state));
	rc = rc < 0 ? rc : audit_rc;
	if (rc < 0) {
		/* a start that could not be recorded runs nothing: ended, still counted */
		char *cause = guard_xstrdup(guard_error_last());
		set_str(state, "status", "ended");
		set_str(state, "end_reason", "the start could not be recorded");
		if (guard_session_save(c->root, state) < 0)
			guard_error_clear();
		rc = guard_error(rc, "%s", cause);
		free(cause);
		goto out;
	}
	*out_id = id;
	id = NULL;
out:
	guard_lock_release(fd);
	guard_lock_release(start_fd);
	cJSON_Delete(state);
	cJSON_Delete(list);
	free(id);
	free(name);
	guard_git_close(g);
	return rc;
}

static int
verb_start(struct ctx *c, const char *task)
{
	char *id = NULL;
	int rc = start_session(c, task, 0, &id);

	if (rc < 0) {
		free(id);
		return rc;
	}
	printf("export GUARD_SESSION=%s\n", id);
	fprintf(stderr, "%s: session %s started; run the agent with GUARD_SESSION set\n", cli_progname, id);
	free(id);
	return 0;
}

/* ---------------------------------------------------------------- measure */

/*
 * Measure the session's LOC with libgit2 and record it (counters.loc,
 * counters.loc_deleted, counters.day_loc) under the lock. scan may be NULL.
 * keep, when not NULL, receives the repository opened (the caller closes
 * it), else it is closed.
 */
static int
measure(struct ctx *c, const char *id, cJSON **state_out, struct guard_changes *ch, struct guard_scan *scan,
	struct guard_git **keep)
{
	struct guard_git *g = NULL;
	cJSON *state = NULL, *list = NULL;
	int fd = -1, rc;

	*state_out = NULL;
	if ((rc = guard_session_lock(c->root, id, &fd)) < 0)
		return rc;
	if ((rc = guard_session_load(c->root, id, &state)) < 0 || (rc = guard_session_here(state, c->root)) < 0)
		goto out;
	if ((rc = guard_session_list(c->root, &list, NULL)) < 0 || (rc = guard_git_open(c->root, &g)) < 0 ||
	    (rc = guard_session_count(g, state, list, ch, scan ? guard_scan_line : NULL, scan)) < 0)
		goto out;
	if ((rc = guard_session_save(c->root, state)) >= 0)
		rc = guard_session_report(c->root, state);
out:
	guard_lock_release(fd);
	if (keep && rc >= 0)
		*keep = g;
	else
		guard_git_close(g);
	cJSON_Delete(list);
	if (rc < 0)
		cJSON_Delete(state);
	else
		*state_out = state;
	return rc;
}

/* Breaches now: computed for a running session, recorded for a finished one. */
static cJSON *
current_breaches(struct ctx *c, const cJSON *state)
{
	if (!strcmp(guard_session_status(state), "running"))
		return guard_session_breaches(state, c->tree, time(NULL),
					      (long long)num(cJSON_GetObjectItemCaseSensitive(state, "counters"), "day_loc"));
	cJSON *all = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(state, "breaches"), 1);
	if (!cJSON_IsArray(all)) {
		cJSON_Delete(all);
		all = cJSON_CreateArray();
	}
	const cJSON *w;
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(state, "warnings"))
		cJSON_AddItemToArray(all, cJSON_Duplicate(w, 1));
	return all;
}

static void
print_table(const cJSON *state, const cJSON *breaches)
{
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(state, "limits");
	const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(state, "counters"), *b;
	long long el = guard_session_seconds(state, "started_at", time(NULL));
	long long idle = guard_session_seconds(state, "last_activity", time(NULL));
	char e1[32], e2[32], l1[32], l2[32];
	static const char *const rows[][2] = {
		{ "loc", "max_loc" }, { "day_loc", "max_loc_per_day" }, { "files_created", "max_files_created" },
		{ "files_modified", "max_files_modified" }, { "files_deleted", "max_files_deleted" },
		{ "same_file_streak", "same_file_streak" }, { "denied_retries", "denied_retries" },
		{ "outside_project", NULL }, { "unknown_hosts", NULL }, { "tool_calls", NULL },
	};

	guard_duration_format(el < 0 ? 0 : el, e1, sizeof(e1));
	guard_duration_format(idle < 0 ? 0 : idle, e2, sizeof(e2));
	guard_duration_format((long long)num(lim, "max_duration"), l1, sizeof(l1));
	guard_duration_format((long long)num(lim, "idle_timeout"), l2, sizeof(l2));
	cli_line(stdout, "session   %s (%s)", str(state, "id"), guard_session_status(state));
	cli_line(stdout, "task      %s", str(state, "task"));
	cli_line(stdout, "branch    %s (from %s at %.12s)", str(state, "branch"), str(state, "base_branch"),
		 str(state, "base"));
	cli_line(stdout, "started   %s", str(state, "started_at"));
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(state, "ended_at")))
		cli_line(stdout, "ended     %s: %s", str(state, "ended_at"), str(state, "end_reason"));
	printf("\n%-18s %10s %10s\n", "counter", "value", "limit");
	printf("%-18s %10s %10s\n", "elapsed", e1, l1);
	printf("%-18s %10s %10s\n", "idle", e2, l2);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char lim_s[32] = "-";
		if (rows[i][1] && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(lim, rows[i][1])))
			snprintf(lim_s, sizeof(lim_s), "%.0f", num(lim, rows[i][1]));
		else if (!rows[i][1] && strcmp(rows[i][0], "tool_calls"))
			snprintf(lim_s, sizeof(lim_s), "0");
		printf("%-18s %10.0f %10s\n", rows[i][0], num(cnt, rows[i][0]), lim_s);
	}
	cJSON_ArrayForEach(b, breaches)
		cli_line(stdout, "%s: %s: %s", !strcmp(str(b, "action"), "warn") ? "WARNING" : "BREACHED", str(b, "limit"),
			 str(b, "message"));
}

static int
report(struct ctx *c, const cJSON *state, const cJSON *breaches, const struct guard_changes *ch)
{
	int status = 0;
	const cJSON *b;

	if (c->json) {
		cJSON *o = cJSON_Duplicate(state, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(o, "pending");
		cJSON_DeleteItemFromObjectCaseSensitive(o, "denied");
		set_str(o, "status", guard_session_status(state));
		set_num(o, "elapsed", (double)guard_session_seconds(state, "started_at", time(NULL)));
		set_num(o, "idle", (double)guard_session_seconds(state, "last_activity", time(NULL)));
		cJSON_DeleteItemFromObjectCaseSensitive(o, "breaches");
		cJSON_AddItemToObject(o, "breaches", cJSON_Duplicate(breaches, 1));
		/* the breach kind and incident level, also before the session's end */
		if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "ending")))
			cJSON_AddItemToObject(o, "ending", guard_session_ending(state, guard_session_status(state)));
		if (ch) {
			cJSON *files = cJSON_AddArrayToObject(o, "changes");
			for (size_t i = 0; i < ch->len; i++) {
				cJSON *f = cJSON_CreateObject();
				cJSON_AddStringToObject(f, "path", ch->items[i].path);
				if (ch->items[i].old_path)
					cJSON_AddStringToObject(f, "old_path", ch->items[i].old_path);
				cJSON_AddItemToObject(f, "status", cJSON_CreateStringReference(
					ch->items[i].status == 'A' ? "A" : ch->items[i].status == 'D' ? "D" :
					ch->items[i].status == 'R' ? "R" : ch->items[i].status == 'T' ? "T" : "M"));
				if (ch->items[i].added >= 0) {
					cJSON_AddNumberToObject(f, "added", (double)ch->items[i].added);
					cJSON_AddNumberToObject(f, "deleted", (double)ch->items[i].deleted);
				} else {
					cJSON_AddBoolToObject(f, "binary", 1);
					if (ch->items[i].text_added || ch->items[i].text_deleted) {
						/* counted: a NUL byte hides no code (guard_text_lines) */
						cJSON_AddNumberToObject(f, "text_added", (double)ch->items[i].text_added);
						cJSON_AddNumberToObject(f, "text_deleted", (double)ch->items[i].text_deleted);
					}
				}
				cJSON_AddItemToArray(files, f);
			}
		}
		char *s = cJSON_PrintUnformatted(o);
		puts(s);
		cJSON_free(s);
		cJSON_Delete(o);
	} else {
		print_table(state, breaches);
	}
	cJSON_ArrayForEach(b, breaches)
		if (strcmp(str(b, "action"), "warn")) {
			cli_error("limit breached: %s (%s)", str(b, "limit"), str(b, "message"));
			status = GUARD_EDENY;
		}
	return status;
}

static int
verb_check(struct ctx *c)
{
	struct guard_changes ch = GUARD_CHANGES_INIT;
	cJSON *state = NULL, *breaches;
	char *id = NULL;
	int rc;

	if ((rc = pick_id(c, &id)) < 0 || (rc = measure(c, id, &state, &ch, NULL, NULL)) < 0) {
		free(id);
		guard_changes_release(&ch);
		return rc;
	}
	breaches = current_breaches(c, state);
	rc = report(c, state, breaches, &ch);
	guard_error_clear(); /* each breach was printed */
	cJSON_Delete(breaches);
	cJSON_Delete(state);
	guard_changes_release(&ch);
	free(id);
	return rc;
}

static int
verb_status(struct ctx *c)
{
	cJSON *state = NULL, *breaches;
	char *id = NULL;
	int rc;

	if ((rc = pick_id(c, &id)) < 0 || (rc = guard_session_load(c->root, id, &state)) < 0) {
		free(id);
		return rc;
	}
	breaches = current_breaches(c, state);
	report(c, state, breaches, NULL);
	cJSON_Delete(breaches);
	cJSON_Delete(state);
	free(id);
	return 0; /* status answers "what is it", not "is it within limits" */
}

static int
verb_list(struct ctx *c)
{
	struct guard_list skipped = GUARD_LIST_INIT;
	cJSON *list = NULL;
	const cJSON *s;
	int rc = guard_session_list(c->root, &list, &skipped);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < skipped.len; i++)
		cli_error("skipped: %s", skipped.items[i]);
	/* --json: one array; a pipe: JSON Lines; a terminal: the table */
	bool table = cli_table_out(c->json, c->table), color = table && cli_color(STDOUT_FILENO);
	if (!table) {
		cJSON *out = cJSON_CreateArray();
		cJSON_ArrayForEach(s, list) {
			cJSON *o = cJSON_CreateObject();
			const char *keys[] = { "id", "task", "branch", "started_at", "ended_at", "end_reason" };
			for (size_t i = 0; i < 6; i++)
				if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, keys[i])))
					cJSON_AddStringToObject(o, keys[i], str(s, keys[i]));
			cJSON_AddStringToObject(o, "status", guard_session_status(s));
			cJSON_AddItemToObject(o, "counters", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(s, "counters"), 1));
			cJSON_AddItemToArray(out, o);
		}
		if (c->json) {
			char *txt = cJSON_PrintUnformatted(out);
			puts(txt);
			cJSON_free(txt);
		} else {
			cJSON_ArrayForEach(s, out) {
				char *txt = cJSON_PrintUnformatted(s);
				puts(txt);
				cJSON_free(txt);
			}
		}
		cJSON_Delete(out);
	} else {
		printf("%-36s %-11s %-24s %6s %s\n", "id", "status", "started", "loc", "end");
		cJSON_ArrayForEach(s, list) {
			const char *st = guard_session_status(s), *k = color ? cli_color_of(st) : "";
			char *id = cli_visible(str(s, "id")), *why = cli_visible(str(s, "end_reason"));
			printf("%-36s %s%s%s%-11s%s %-24s %6.0f %s\n", id, *k ? "\033[" : "", k, *k ? "m" : "", st,
			       *k ? "\033[0m" : "", str(s, "started_at"),
			       num(cJSON_GetObjectItemCaseSensitive(s, "counters"), "loc"), why);
			free(id);
			free(why);
		}
	}
	cJSON_Delete(list);
	guard_list_clear(&skipped);
	return 0;
}

/* ---------------------------------------------------------------- end */

static char *
shell_quote(const char *s)
{
	struct guard_buf b = GUARD_BUF_INIT;
	guard_buf_addch(&b, '\'');
	for (; *s; s++)
		guard_buf_addstr(&b, *s == '\'' ? "'\\''" : (char[]){ *s, 0 });
	guard_buf_addch(&b, '\'');
	return guard_buf_detach(&b);
}

/* run's exit status for each ending (guard-session(1), README). */
static const struct {
	const char *kind;
	int code;
} endings[] = {
	{ "completed", 0 }, { "breach", 10 }, { "agent_failed", 11 }, { "interrupted", 12 },
};

/*
 * End the session: the PR body, the session.end record and the ending
 * ({kind, limit, incident}: a breach wins over kind). *code_out, when not
 * NULL, receives run's exit status for that ending.
 */
/*
 * What the session's branch holds against its base (git diff --numstat
 * base...branch), and its commits oldest first. A branch that cannot be
 * read holds nothing for the PR: said on stderr, never fatal to the end.
 */
static void
committed_changes(struct guard_git *g, const cJSON *state, struct guard_changes *out, cJSON **commits)
{
	cJSON *report = NULL;
	const cJSON *x;

	if (guard_git_range_changes(g, str(state, "base"), str(state, "branch"), &report) < 0) {
		cli_error("warning: cannot read branch %s: %s; the PR body lists no committed change",
			  str(state, "branch"), guard_error_last());
		guard_error_clear();
		*commits = cJSON_CreateArray();
		return;
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(report, "changes"))
		guard_changes_add_report(out, x);
	*commits = cJSON_DetachItemFromObjectCaseSensitive(report, "commits");
	if (!*commits)
		*commits = cJSON_CreateArray();
	cJSON_Delete(report);
}

/* Is x among the committed changes as it is (same path, status and counts)? */
static bool
same_change(const struct guard_changes *pr, const struct guard_change *x)
{
	for (size_t i = 0; i < pr->len; i++)
		if (!strcmp(pr->items[i].path, x->path) && pr->items[i].status == x->status &&
		    pr->items[i].added == x->added && pr->items[i].deleted == x->deleted &&
		    pr->items[i].text_added == x->text_added && pr->items[i].text_deleted == x->text_deleted)
			return true;
	return false;
}

/*
 * Every limit on the final measure, for a session still running at its end
 * (time limits aside: a person may end a session long after its last
 * call). A breach is applied as the hook would: recorded, audited, its
 * incident filed, and the session ended with it. *stop says so, or NULL.
 */
static int
final_breaches(struct ctx *c, struct guard_git *g, cJSON *state, char **stop)
{
	struct guard_branch_rules rules = GUARD_BRANCH_RULES_INIT;
	cJSON *all, *b, *next, *symrefs = cJSON_CreateArray();
	int rc;

	*stop = NULL;
	if (strcmp(str(state, "status"), "running")) {
		cJSON_Delete(symrefs);
		return 0;
	}
	/* a protected branch (or the base) made a symbolic ref shows the agent's commits: never "completed" */
	guard_branch_rules_load(&rules, c->tree);
	rc = guard_git_symref_check(g, &rules, str(state, "base_branch"), symrefs);
	guard_branch_rules_release(&rules);
	if (rc < 0) {
		cJSON_Delete(symrefs);
		return rc;
	}
	all = guard_session_breaches(state, c->tree, time(NULL),
				     (long long)num(cJSON_GetObjectItemCaseSensitive(state, "counters"), "day_loc"));
	for (b = all->child; b; b = next) {
		next = b->next;
		if (!strcmp(str(b, "limit"), "duration") || !strcmp(str(b, "limit"), "idle"))
			cJSON_Delete(cJSON_DetachItemViaPointer(all, b));
	}
	cJSON_ArrayForEach(b, symrefs) {
		cJSON *breach = cJSON_CreateObject();
		cJSON_AddStringToObject(breach, "limit", "branch.symref");
		cJSON_AddStringToObject(breach, "action", "end");
		cJSON_AddStringToObject(breach, "message", str(b, "message"));
		cJSON_AddItemToArray(all, breach);
	}
	cJSON_Delete(symrefs);
	rc = guard_session_apply(c->root, c->policy, state, all, stop);
	cJSON_Delete(all);
	return rc;
}

static int
end_session(struct ctx *c, const char *id, const char *why, const char *kind, int *code_out, char **breach)
{
	struct guard_changes ch = GUARD_CHANGES_INIT, pr = GUARD_CHANGES_INIT, left = GUARD_CHANGES_INIT;
	cJSON *commits = NULL;
	struct guard_scan *scan = NULL;
	struct guard_git *g = NULL;
	struct guard_list labels = GUARD_LIST_INIT;
	struct guard_buf body = GUARD_BUF_INIT, cmd = GUARD_BUF_INIT;
	cJSON *state = NULL;
	char ts[GUARD_TIME_LEN], *path = NULL, *rel = NULL, *q;
	int fd = -1, rc;

	*breach = NULL;
	if ((rc = guard_scan_new(c->tree, &scan)) < 0 || (rc = measure(c, id, &state, &ch, scan, &g)) < 0)
		goto out;
	cJSON_Delete(state);
	state = NULL;
	if ((rc = guard_session_lock(c->root, id, &fd)) < 0 || (rc = guard_session_load(c->root, id, &state)) < 0 ||
	    (rc = final_breaches(c, g, state, breach)) < 0)
		goto out;
	if (*breach)
		fprintf(stderr, "%s\n", *breach);
	if (strcmp(str(state, "status"), "ended")) {
		guard_time_now(ts);
		set_str(state, "status", "ended");
		set_str(state, "ended_at", ts);
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(state, "end_reason")))
			set_str(state, "end_reason", why);
	}
	rel = guard_xasprintf(".ai/sessions/%s.pr.md", id);
	set_str(state, "pr_body", rel);
	cJSON *ending = guard_session_ending(state, kind);
	for (size_t i = 0; code_out && i < sizeof(endings) / sizeof(endings[0]); i++)
		if (!strcmp(endings[i].kind, str(ending, "kind")))
			*code_out = endings[i].code;
	cJSON_DeleteItemFromObjectCaseSensitive(state, "ending");
	cJSON_AddItemToObject(state, "ending", ending);
	set_num(state, "findings", (double)cJSON_GetArraySize(guard_scan_findings(scan)));
	/* the PR is what the branch holds; the rest of the working tree is listed apart */
	committed_changes(g, state, &pr, &commits);
	for (size_t i = 0; i < ch.len; i++)
		if (!same_change(&pr, &ch.items[i]) && ch.items[i].added < 0)
			guard_changes_add_binary(&left, ch.items[i].path, ch.items[i].old_path, ch.items[i].status,
						 ch.items[i].text_added, ch.items[i].text_deleted);
		else if (!same_change(&pr, &ch.items[i]))
			guard_changes_add(&left, ch.items[i].path, ch.items[i].old_path, ch.items[i].status,
					  ch.items[i].added, ch.items[i].deleted);
	guard_session_pr_body(state, c->tree, &pr, &left, commits, guard_scan_findings(scan), &body, &labels);
	path = guard_xasprintf("%s/%s", c->root, rel);
	guard_session_note_record(c->root, id, body.buf, body.len);
	if ((rc = guard_session_save(c->root, state)) < 0 || (rc = guard_session_report(c->root, state)) < 0 ||
	    (rc = guard_file_write_atomic(path, body.buf, body.len, 0644)) < 0)
		goto out;
	rc = guard_session_audit(c->root, c->policy, id, "session.end",
				 guard_session_end_fields(state, &ch, (size_t)cJSON_GetArraySize(guard_scan_findings(scan)), rel));

	char *title = guard_session_pr_title(state, commits);
	q = shell_quote(title);
	guard_buf_addf(&cmd, "gh pr create --base %s --head %s --title %s --body-file %s", str(state, "base_branch"),
		       str(state, "branch"), q, rel);
	free(q);
	free(title);
	for (size_t i = 0; i < labels.len; i++) {
		q = shell_quote(labels.items[i]);
		guard_buf_addf(&cmd, " --label %s", q);
		free(q);
	}
	/* the teams the changed paths call for (pr.reviewers), as guard-git reviewers --format gh says them */
	cJSON *rv = guard_pr_reviewers(c->tree, &pr);
	const cJSON *team;
	cJSON_ArrayForEach(team, cJSON_GetObjectItemCaseSensitive(rv, "teams")) {
		q = shell_quote(team->valuestring);
		guard_buf_addf(&cmd, " --reviewer %s", q);
		free(q);
	}
	cJSON_Delete(rv);
	fprintf(stderr, "%s: session %s ended (%s); PR body in %s\n", cli_progname, id, str(ending, "kind"), rel);
	/* an empty session has nothing to propose */
	if (pr.len)
		printf("%s\n", cmd.buf);
	else
		fprintf(stderr, "%s: no changes on the branch: no pull request to open\n", cli_progname);
	if (left.len)
		fprintf(stderr, "%s: %zu change%s left uncommitted in the working tree, not in the PR (listed in its body)\n",
			cli_progname, left.len, left.len == 1 ? "" : "s");
out:
	guard_changes_release(&pr);
	guard_changes_release(&left);
	cJSON_Delete(commits);
	guard_lock_release(fd);
	guard_scan_free(scan);
	guard_git_close(g);
	guard_changes_release(&ch);
	guard_list_clear(&labels);
	guard_buf_release(&body);
	guard_buf_release(&cmd);
	cJSON_Delete(state);
	free(path);
	free(rel);
	return rc;
}

static int
verb_end(struct ctx *c)
{
	char *id = NULL;
	int rc = pick_id(c, &id);

	char *breach = NULL;

	if (rc >= 0)
		rc = end_session(c, id, "ended by guard-session end", "completed", NULL, &breach);
	/* over a limit on the final measure: ended as a breach, exit 1 */
	if (rc >= 0 && breach)
		rc = guard_error(GUARD_EDENY, "session %s ended over a limit", id);
	free(breach);
	free(id);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- track */

static int
verb_track(struct ctx *c)
{
	cJSON *ev = NULL;
	char *id = NULL;
	int rc;

	if ((rc = pick_id(c, &id)) < 0 || (rc = cli_read_one(GUARD_AGENT_CLAUDE, &ev)) < 0)
		goto out;
	if (!strcmp(guard_event_str(ev, "phase") ?: "", "pre") &&
	    !cJSON_GetObjectItemCaseSensitive(ev, "decision") && (rc = guard_stage_decide(&c->stages, ev)) < 0)
		goto out;
	if ((rc = guard_session_track(c->root, id, c->policy, ev)) < 0)
		goto out;
	const char *stop = guard_event_str(ev, "stop.reason");
	if (stop) {
		cli_error("%s", stop);
		rc = GUARD_EDENY;
	}
out:
	cJSON_Delete(ev);
	free(id);
	if (rc == GUARD_EDENY)
		guard_error_clear(); /* the reason was printed */
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- run */

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* TERM the child's process group, then KILL it after the grace period. */
static int
stop_child(pid_t child)
{
	int st = 0;

	kill(-child, SIGTERM);
	for (int i = 0; i < GRACE_SECONDS * 10; i++) {
		if (waitpid(child, &st, WNOHANG) == child)
			return st;
		usleep(100000);
	}
	kill(-child, SIGKILL);
	waitpid(child, &st, 0);
	return st;
}

/*
 * Why the supervisor must stop the run now, or NULL: the session ended
 * (a hook breach), a time limit passed, or a limit that needs git (LOC).
 * *code is the exit status for it.
 */
static char *
must_stop(struct ctx *c, const char *id, bool measure_loc)
{
	struct guard_changes ch = GUARD_CHANGES_INIT;
	cJSON *state = NULL, *breaches = NULL;
	char *stop = NULL;
	int fd = -1;

	if (measure_loc && measure(c, id, &state, &ch, NULL, NULL) >= 0)
		cJSON_Delete(state);
	state = NULL;
	guard_changes_release(&ch);
	if (guard_session_lock(c->root, id, &fd) < 0 || guard_session_load(c->root, id, &state) < 0) {
		guard_lock_release(fd);
		return guard_xasprintf("guard: cannot read session %s: %s", id, guard_error_last());
	}
	if (!strcmp(guard_session_status(state), "running")) {
		breaches = guard_session_breaches(state, c->tree, time(NULL),
						  (long long)num(cJSON_GetObjectItemCaseSensitive(state, "counters"), "day_loc"));
		guard_session_apply(c->root, c->policy, state, breaches, &stop);
		if (stop && guard_session_save(c->root, state) >= 0)
			guard_session_report(c->root, state);
	} else {
		stop = guard_xasprintf("guard: session %s was ended: %s", id, str(state, "end_reason"));
	}
	cJSON_Delete(breaches);
	cJSON_Delete(state);
	guard_lock_release(fd);
	return stop;
}

static long long
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The supervisor's eyes (guard_watch) and when it measures next. */
struct supervise {
	struct guard_watch w;
	bool watching;
	long long poll_ms, dirty_since, last_event, last_measure, gap_ms;
};

/* Record in the session's log how the work tree is watched (and why it is polled). */
static void
watch_log(struct ctx *c, const char *id, const struct supervise *s, const char *why)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "mode", s->watching ? "inotify" : "poll");
	cJSON_AddNumberToObject(f, "poll_interval", (double)(s->poll_ms / 1000));
	if (s->watching)
		cJSON_AddNumberToObject(f, "folders", (double)s->w.n);
	if (why) {
		cJSON_AddStringToObject(f, "reason", why);
		fprintf(stderr, "%s: polling the work tree every %llds: %s\n", cli_progname, s->poll_ms / 1000, why);
	}
	if (guard_session_audit(c->root, c->policy, id, "session.watch", f) < 0)
		guard_error_clear(); /* a note: the supervision goes on */
}

/* Watch the work tree, or say why it is polled. */
static void
watch_start(struct ctx *c, const char *id, struct supervise *s)
{
	cJSON *lim = guard_session_limits(c->tree);
	double policy_poll = num(lim, "poll_interval");
	const char *mode = getenv("GUARD_SESSION_WATCH");
	char *why = NULL;

	cJSON_Delete(lim);
	s->poll_ms = (long long)(policy_poll > 0 ? policy_poll : WATCH_POLL_SECONDS) * 1000;
	if (mode && !strcmp(mode, "poll"))
		why = guard_xstrdup("GUARD_SESSION_WATCH=poll");
	else if (guard_watch_open(&s->w, c->root) == 0)
		s->watching = true;
	else
		why = guard_xstrdup(guard_error_last());
	guard_error_clear();
	if (!s->watching && s->poll_ms > POLL_SECONDS * 1000)
		s->poll_ms = POLL_SECONDS * 1000;
	watch_log(c, id, s, why);
	free(why);
	/* what the agent did before the watch was in place: measured once, a second in */
	s->last_measure = s->dirty_since = s->last_event = now_ms();
}

/* Wait up to 100 ms for the tree to change; whether to measure it now. */
static bool
watch_wait(struct ctx *c, const char *id, struct supervise *s)
{
	struct pollfd p = { s->w.fd, POLLIN, 0 };
	long long now;
	int r = 0;

	/* once dirty, a burst of events is read ten times a second, not one wake-up each */
	poll(&p, s->watching && !s->dirty_since ? 1 : 0, 100);
	now = now_ms();
	if (s->watching && (r = guard_watch_read(&s->w)) < 0) {
		char *why = guard_xasprintf("%s; inotify is off for the rest of the session", guard_error_last());
		guard_error_clear();
		guard_watch_close(&s->w);
		s->watching = false;
		if (s->poll_ms > POLL_SECONDS * 1000)
			s->poll_ms = POLL_SECONDS * 1000;
		watch_log(c, id, s, why);
		free(why);
		s->dirty_since = now; /* what the lost watch missed: measured now */
		s->last_event = 0;
	} else if (s->watching && r) {
		if (!s->dirty_since)
			s->dirty_since = now;
		s->last_event = now;
	}
	if ((s->dirty_since && (now - s->last_event >= QUIET_MS || now - s->dirty_since >= DIRTY_MAX_MS) &&
	     now - s->last_measure >= s->gap_ms) ||
	    now - s->last_measure >= s->poll_ms) {
		s->dirty_since = 0;
		return true;
	}
	return false;
}

/* A measurement that began at began (now_ms) is done: the next is not sooner than the gap. */
static void
watch_measured(struct supervise *s, long long began)
{
	long long now = now_ms();
	s->last_measure = now;
	s->gap_ms = (now - began) * GAP_FACTOR > GAP_MIN_MS ? (now - began) * GAP_FACTOR : GAP_MIN_MS;
}

static time_t
monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int
verb_run(struct ctx *c, const char *task, char **argv)
{
	char *id = NULL, *made_task = NULL, *stop = NULL;
	const char *kind;
	struct sigaction sa;
	pid_t child;
	struct supervise sv = { GUARD_WATCH_INIT, false, 0, 0, 0, 0, GAP_MIN_MS };
	bool measure = false;
	int rc, st = 0, code = 0, ticks = 0;
	char *breach = NULL;
	time_t last;

	if (!task) {
		/* Name the run after the command: "claude" -> run-claude. */
		const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
		struct guard_buf b = GUARD_BUF_INIT;
		guard_buf_addstr(&b, "run-");
		for (const char *p = base; *p && b.len < 40; p++)
			guard_buf_addch(&b, strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", *p) && *p ? *p : '-');
		task = made_task = guard_buf_detach(&b);
	}
	if ((rc = start_session(c, task, (long)getpid(), &id)) < 0) {
		free(id);
		free(made_task);
		return rc;
	}
	if (guard_session_beat(c->root, id) < 0)
		guard_error_clear(); /* the hook finds no heartbeat: it fails closed */
	last = monotonic();
	fprintf(stderr, "%s: session %s started; supervising %s\n", cli_progname, id, argv[0]);
	fflush(stdout);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if ((child = fork()) < 0) {
		rc = guard_error(GUARD_EIO, "cannot fork: %s", strerror(errno));
		goto out;
	}
	if (child == 0) {
		setpgid(0, 0);
		setenv("GUARD_SESSION", id, 1);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", cli_progname, argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(child, child);
	watch_start(c, id, &sv);
	for (;;) {
		if (waitpid(child, &st, WNOHANG) == child)
			break;
		/* a gap in the monotonic clock is a supervisor that was stopped: measure at once */
		bool gap = monotonic() - last > 3;
		last = monotonic();
		if (got_signal) {
			stop = guard_xasprintf("guard: supervisor got signal %d", (int)got_signal);
		} else if (measure || gap) {
			long long began = now_ms();
			stop = must_stop(c, id, true);
			watch_measured(&sv, began);
		} else if (ticks % 10 == 0) {
			stop = must_stop(c, id, false);
		}
		/* the heartbeat the hook checks (a stopped supervisor makes the hook refuse) */
		if ((ticks % 10 == 0 || gap) && guard_session_beat(c->root, id) < 0)
			guard_error_clear(); /* the hook then finds the heartbeat stale: it fails closed */
		if (stop) {
			fprintf(stderr, "%s\n", stop);
			st = stop_child(child);
			break;
		}
		measure = watch_wait(c, id, &sv);
		ticks++;
	}
	guard_watch_close(&sv.w);
	/* a stop without a breach was from outside: a signal, or a person's end */
	kind = stop ? "interrupted" : WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "completed" : "agent_failed";
	rc = end_session(c, id, stop ? stop : "the agent command finished", kind, &code, &breach);
	free(breach);
	if (rc < 0)
		goto out;
	if (guard_session_lock_remove(c->root, id) < 0)
		guard_error_clear(); /* a lock file left behind holds no state */
	rc = -code;
out:
	free(stop);
	free(id);
	free(made_task);
	return rc;
}

/* ---------------------------------------------------------------- plans */

#define PLAN_MAX ((size_t)4 << 20) /* bytes of a plan file */

/*
 * The plan file defer copies into .ai/plans/, where the agent reads it
 * (G4): only a file the agent may read by guard's own rules: a regular
 * file inside the project (its real path: no link out), not one of
 * guard's folders (.ai/ but .ai/plans/, .git/), not a secret (what `cat
 * FILE` is denied for), at most PLAN_MAX bytes.
 */
static int
plan_read(const struct ctx *c, const char *plan, char **text, size_t *len)
{
	char *real = realpath(plan, NULL);
	size_t rl = strlen(c->root);
	struct stat sb;
	int rc;

	if (!real)
		return guard_error(errno == ENOENT ? GUARD_ENOTFOUND : GUARD_EIO, "cannot read the plan %s: %s", plan,
				   strerror(errno));
	const char *rel = !strncmp(real, c->root, rl) && real[rl] == '/' ? real + rl + 1 : NULL;
	struct guard_risk_ctx rctx = { guard_policy_risk(c->policy), c->root, c->root, guard_home(), NULL };
	if (!rel)
		rc = guard_error(GUARD_EDENY, "the plan %s is outside the project (%s): give a file inside %s", plan,
				 real, c->root);
	else if ((!strncmp(rel, ".ai/", 4) && strncmp(rel, ".ai/plans/", 10)) || !strncmp(rel, ".git/", 5))
		rc = guard_error(GUARD_EDENY, "the plan %s is guard's or git's state (%s): write the plan to a file of "
				 "your own in the project", plan, rel);
	else if (guard_risk_path_secret(&rctx, plan, real) || guard_risk_path_secret(&rctx, rel, real))
		rc = guard_error(GUARD_EDENY, "the plan %s is a secret by the policy's sensitive_paths: it is not copied "
				 "where the agent can read it", plan);
	else if (lstat(real, &sb) < 0 || !S_ISREG(sb.st_mode))
		rc = guard_error(GUARD_EUSAGE, "the plan %s is not a regular file", plan);
	else if ((size_t)sb.st_size > PLAN_MAX)
		rc = guard_error(GUARD_EUSAGE, "the plan %s is over %zu MiB", plan, PLAN_MAX >> 20);
	else
		rc = guard_file_read(real, PLAN_MAX, 1, text, len);
	free(real);
	return rc;
}

static int
verb_defer(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "summary", required_argument, NULL, 's' }, { "round", required_argument, NULL, 'n' },
		{ "ratio", required_argument, NULL, 'r' }, { "gate", required_argument, NULL, 'g' },
		{ "reason", required_argument, NULL, 'w' }, { "critique", required_argument, NULL, 'c' },
		{ "plan", required_argument, NULL, 'p' }, { NULL, 0, NULL, 0 },
	};
	struct guard_defer d = { 0 };
	const char *plan = NULL;
	char *text = NULL, *id = NULL, *end;
	int opt, ncrit = 0, rc;

	d.round = -1;
	d.ratio = -1;
	optind = 1;
	opterr = 0; /* cli_bad_option says it in one line */
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (opt) {
		case 's': d.summary = optarg; break;
		case 'n': d.round = (int)strtol(optarg, &end, 10); if (*end) d.round = -1; break;
		case 'r': d.ratio = strtod(optarg, &end); if (*end == '%') end++; if (*end || end == optarg) d.ratio = -1; break;
		case 'g': d.gate = optarg; break;
		case 'w': d.reason = optarg; break;
		case 'c':
			if (ncrit == 3) {
				return guard_error(GUARD_EUSAGE, "at most three --critique items");
			}
			d.critique[ncrit++] = optarg;
			break;
		case 'p': plan = optarg; break;
		default: cli_bad_option(argv, opts); return GUARD_EUSAGE;
		}
	}
	if (optind != argc || !d.summary || !ncrit)
		return guard_error(GUARD_EUSAGE, "defer needs --summary, --round, --ratio, --gate, --reason and --critique");
	if (plan && (rc = plan_read(c, plan, &text, &d.plan_len)) < 0)
		return rc;
	d.plan_text = text;
	rc = guard_plan_defer(c->root, &d, time(NULL), &id);
	free(text);
	if (rc < 0)
		return rc;
	printf("%s\n", id);
	fprintf(stderr, "%s: deferred: .ai/plans/%s.md, entry added to PENDING_PLANS.md\n", cli_progname, id);
	free(id);
	return 0;
}

static int
verb_plans(struct ctx *c, int argc, char **argv)
{
	const char *as = NULL;
	int rc;

	if (argc == 5 && !strcmp(argv[1], "resolve") && !strcmp(argv[3], "--as"))
		as = argv[4];
	else if (argc == 4 && !strcmp(argv[1], "resolve") && !strncmp(argv[3], "--as=", 5))
		as = argv[3] + 5;
	if (!as)
		return guard_error(GUARD_EUSAGE, "usage: guard-session plans resolve ID --as revised|proceed|keep|discard");
	const char *id = argv[2];
	char *stem = guard_xstrdup(id);
	size_t n = strlen(stem);
	if (n > 3 && !strcmp(stem + n - 3, ".md"))
		stem[n - 3] = '\0';
	if (!strncmp(stem, ".ai/plans/", 10))
		memmove(stem, stem + 10, strlen(stem + 10) + 1);
	rc = guard_plan_resolve(c->root, stem, as, time(NULL));
	if (rc >= 0) {
		/* the decision in the audit log too (a discarded entry leaves PENDING_PLANS.md) */
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "plan", stem);
		cJSON_AddStringToObject(f, "as", as);
		rc = guard_audit_record(c->root, c->policy, "plan.resolve", f);
		cJSON_Delete(f);
	}
	free(stem);
	if (rc < 0)
		return rc;
	fprintf(stderr, "%s: plan %s resolved as %s\n", cli_progname, id, as);
	return 0;
}

static int
verb_briefing(struct ctx *c)
{
	struct guard_buf b = GUARD_BUF_INIT;
	int rc = guard_briefing(c->root, time(NULL), &b);

	if (rc < 0) {
		guard_buf_release(&b);
		return rc;
	}
	/*
	 * Tool names, requesters and deferred plans' summaries are the
	 * agent's words: a control byte is shown as '?', never obeyed
	 * (attack8 I1c: one ESC[8m hid the rest of the briefing).
	 */
	for (unsigned char *p = (unsigned char *)b.buf; p && *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F)
			*p = '?';
		else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			p[0] = p[1] = '?'; /* a C1 control, CSI among them */
	fputs(b.buf, stdout);
	guard_buf_release(&b);
	return 0;
}

/* ---------------------------------------------------------------- the verbs */

static struct ctx ctx = { .root = NULL, .stages = GUARD_STAGES_INIT, .policy = NULL, .tree = NULL,
			  .id = NULL, .json = 0, .table = false };
static char *argv0;     /* getopt's messages name the program */

/*
 * The options every verb but defer and plans shares, then the project.
 * *first: the verb's first operand (run's command). Returns 0 to go on,
 * 1 when -h or -V answered, else a negative GUARD_E*.
 */
static int
begin(int argc, char **argv, const char **task, int *first)
{
	static const struct option opts[] = {
		{ "task", required_argument, NULL, 't' }, { "id", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' }, { "table", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *verb = argv[0];
	bool is_run = !strcmp(verb, "run");
	int o;

	argv[0] = argv0;
	optind = 1;
	opterr = 0; /* cli_bad_option says it in one line */
	while ((o = getopt_long(argc, argv, "+t:i:jhV", opts, NULL)) != -1) {
		switch (o) {
		case 't': *task = optarg; break;
		case 'i': ctx.id = optarg; break;
		case 'j': ctx.json = 1; break;
		case 'T': ctx.table = true; break;
		case 'h': usage(stdout); return 1;
		case 'V': cli_version(); return 1;
		default: cli_bad_option(argv, opts); return GUARD_EUSAGE;
		}
	}
	argv[0] = (char *)verb;
	if ((!is_run && optind != argc) || (is_run && optind >= argc) ||
	    (*task && strcmp(verb, "start") && !is_run) || (!*task && !strcmp(verb, "start"))) {
		cli_error("%s", !strcmp(verb, "start") && !*task ? "start needs --task SLUG"
			  : is_run ? "run needs a command after --" : "unexpected arguments");
		usage(stderr);
		return GUARD_EUSAGE;
	}
	*first = optind;
	return ctx_init(&ctx);
}

/* A verb with the shared options: begin, then fn(ctx, task, operands). */
#define VERB(name, call)                                                     \
	static int cmd_##name(int argc, char **argv)                         \
	{                                                                    \
		const char *task = NULL;                                     \
		int first = 0, rc = begin(argc, argv, &task, &first);        \
		(void)task;                                                  \
		return rc < 0 ? rc : rc > 0 ? 0 : (call);                    \
	}
VERB(start, verb_start(&ctx, task))
VERB(run, verb_run(&ctx, task, argv + first))
VERB(track, verb_track(&ctx))
VERB(check, verb_check(&ctx))
VERB(end, verb_end(&ctx))
VERB(status, verb_status(&ctx))
VERB(list, verb_list(&ctx))
VERB(briefing, verb_briefing(&ctx))

/* defer and plans read their own arguments. */
static int
cmd_defer(int argc, char **argv)
{
	int rc = ctx_init(&ctx);

	return rc < 0 ? rc : verb_defer(&ctx, argc, argv);
}

static int
cmd_plans(int argc, char **argv)
{
	int rc = ctx_init(&ctx);

	return rc < 0 ? rc : verb_plans(&ctx, argc, argv);
}

static const struct cli_command commands[] = {
	{ "start", cmd_start, CLI_HUMAN, "--task SLUG", "start a session on its own branch" },
	{ "run", cmd_run, CLI_HUMAN | CLI_RAW, "[--task SLUG] -- CMD [ARGS...]",
	  "start a session and supervise CMD in it, stopping it on a breach" },
	{ "track", cmd_track, CLI_HUMAN, "[--id ID] < event.json", "count one agent event against the limits" },
	{ "check", cmd_check, 0, "[--id ID] [--json]", "measure the session; exit 1 on a breach" },
	{ "end", cmd_end, CLI_HUMAN, "[--id ID]", "end the session" },
	{ "status", cmd_status, 0, "[--id ID] [--json]", "the session's counters and limits" },
	{ "list", cmd_list, 0, "[--json|--table]", "every session (a table on a terminal, JSON Lines in a pipe, one array with --json)" },
	{ "defer", cmd_defer, 0, "--summary S --round N --ratio PCT --gate pass|fail|na --reason stall|rounds|gate "
	  "--critique TEXT... [--plan FILE]", "set a plan aside for a person, in .ai/plans/" },
	{ "briefing", cmd_briefing, CLI_HUMAN, "", "what a person should know before the next run" },
	{ "plans", cmd_plans, CLI_HUMAN, "resolve ID --as revised|proceed|keep|discard", "settle a deferred plan" },
	{ NULL, NULL, 0, NULL, NULL },
};

static void
usage(FILE *f)
{
	cli_usage(f, commands, summary);
}

int
main(int argc, char **argv)
{
	int status;

	cli_init("guard-session");
	argv0 = argv[0];
	status = cli_dispatch(commands, summary, argc, argv);
	ctx_release(&ctx);
	return status;
}
