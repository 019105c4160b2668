#include "guard_approval.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_session.h"
#include "guard_time.h"

#define BRIEF_LAST_NIGHT (24 * 3600) /* sessions started this recently */

/* A member as the briefing shows it: "-" when missing. */
static const char *
str(const cJSON *o, const char *key)
{
	return guard_json_str(o, key, "-");
}

/* One line of a plan, its label and value in English (the reasons guard-session defer writes). */
static void
add_item(struct guard_buf *b, const char *label, const char *v, int len)
{
	static const char *const words[][2] = { { "정체", "stalled" }, { "라운드 초과", "rounds exceeded" },
						{ "C6 Hard Gate 실패", "C6 hard gate failed" } };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((size_t)len == strlen(words[i][0]) && !memcmp(v, words[i][0], (size_t)len)) {
			guard_buf_addf(b, "  %s: %s\n", label, words[i][1]);
			return;
		}
	guard_buf_addf(b, "  %s: %.*s\n", label, len, v);
}

/* Every [보류] entry of PENDING_PLANS.md, with its four choices. */
static int
deferred(const char *root, struct guard_buf *b)
{
	char *path = guard_xasprintf("%s/PENDING_PLANS.md", root), *text = NULL;
	size_t len;
	int n = 0, rc = guard_file_read(path, (size_t)4 << 20, 1, &text, &len);

	free(path);
	if (rc == GUARD_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	for (char *h = strstr(text, "## [보류] "); h; h = strstr(h + 1, "\n## [보류] ")) {
		if (*h == '\n')
			h++;
		char *eol = strchr(h, '\n'), *next = strstr(h + 1, "\n## ");
		char *plan = strstr(h, "`.ai/plans/"), *state = strstr(h, "- **상태**: ");
		/* English words here: the Korean markers stay inside PENDING_PLANS.md (guard-session(1)) */
		const char *title = h + strlen("## [보류] ");
		int round;
		double ratio;
		if (!n++)
			guard_buf_addstr(b, "Deferred plans waiting for a decision (PENDING_PLANS.md):\n");
		guard_buf_addf(b, "- %.*s\n", (int)(eol ? eol - title : (long)strlen(title)), title);
		if (state && (!next || state < next) &&
		    sscanf(state, "- **상태**: 미수렴 (라운드 %d, 가중 비율 %lf%%)", &round, &ratio) == 2)
			guard_buf_addf(b, "  status: not converged after round %d (weighted ratio %.1f%%)\n", round, ratio);
		/* why it was set aside and the last critique, in English words */
		static const char *const items[][2] = { { "- **사유**: ", "reason" },
							{ "- **마지막 비평 요약**: ", "last critique" } };
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
			char *at = strstr(h, items[i][0]);
			if (at && (!next || at < next)) {
				at += strlen(items[i][0]);
				char *se = strchr(at, '\n');
				add_item(b, items[i][1], at, (int)(se ? se - at : (long)strlen(at)));
			}
		}
		if (plan && (!next || plan < next)) {
			char *id = plan + strlen("`.ai/plans/"), *close = strstr(id, ".md`");
			if (close) {
				guard_buf_addf(b, "  plan: .ai/plans/%.*s.md\n", (int)(close - id), id);
				guard_buf_addf(b, "  choices: revise, proceed, keep, discard:\n"
					       "    guard-session plans resolve %.*s --as revised|proceed|keep|discard\n",
					       (int)(close - id), id);
			}
		}
	}
	free(text);
	return n;
}

/* Approvals still pending (DESIGN.md section 8 fields), expiry read now. */
struct pending {
	struct guard_buf *b;
	int n;
	struct guard_list shown; /* unattended requests shown now for the first time */
};

static int
pending_one(cJSON *req, void *arg)
{
	struct pending *p = arg;
	long long left;
	char l[32];

	if (strcmp(guard_approval_status(req, &left), "pending"))
		return 0;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "until_briefing")) &&
	    !cJSON_HasObjectItem(req, "shown_at"))
		guard_list_add(&p->shown, str(req, "id"));
	guard_duration_format(left, l, sizeof(l));
	if (!p->n++)
		guard_buf_addstr(p->b, "Approvals pending (guard-approve list):\n");
	const char *tool = str(req, "tool"), *summary = str(req, "summary");
	size_t tl = strlen(tool);
	/* a summary that names its tool already: "Bash: ls", not "Bash: Bash: ls" */
	if (!strncmp(summary, tool, tl) && !strncmp(summary + tl, ": ", 2))
		summary += tl + 2;
	guard_buf_addf(p->b, "- %.8s %s: %s (risk %s, by %s, expires in %s)\n", str(req, "id"), tool, summary,
		       str(cJSON_GetObjectItemCaseSensitive(req, "risk"), "level"),
		       str(req, "requested_by"), l);
	return 0;
}

/* Read through the approval store, so expiry and what counts as a request are its own. */
static int
approvals(const char *root, struct guard_buf *b)
{
	struct guard_approval_store s = GUARD_APPROVAL_STORE_INIT;
	struct pending p = { b, 0, GUARD_LIST_INIT };

	if (guard_approval_store_open(&s, root, false) < 0)
		return 0; /* no approvals yet, or a folder the store refuses */
	guard_approval_each(&s, pending_one, &p, NULL);
	/* Shown now: from here an unattended request has the attended timeout left. */
	if (p.shown.len && guard_approval_lock(&s) >= 0) {
		for (size_t i = 0; i < p.shown.len; i++) {
			cJSON *req = NULL;
			if (guard_approval_load(&s, p.shown.items[i], &req) >= 0 && guard_approval_mark_shown(req, time(NULL)))
				guard_approval_save(&s, req);
			cJSON_Delete(req);
		}
		guard_approval_unlock(&s);
	}
	guard_error_clear(); /* the briefing shows what it can */
	guard_list_clear(&p.shown);
	guard_approval_store_close(&s);
	return p.n;
}

static int
last_night(const char *root, time_t now, struct guard_buf *b)
{
	cJSON *list = NULL;
	const cJSON *s, *v;
	int n = 0;

	guard_session_list(root, &list, NULL);
	cJSON_ArrayForEach(s, list) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(s, "counters");
		const cJSON *lim = cJSON_GetObjectItemCaseSensitive(s, "limits");
		long long age = guard_session_seconds(s, "started_at", now);
		if (age < 0 || age > BRIEF_LAST_NIGHT)
			continue;
		if (!n++)
			guard_buf_addstr(b, "Unattended sessions of the last 24 hours:\n");
		const cJSON *max = cJSON_GetObjectItemCaseSensitive(lim, "max_loc");
		char limit[32] = "";
		if (cJSON_IsNumber(max))
			snprintf(limit, sizeof(limit), "/%.0f", max->valuedouble);
		guard_buf_addf(b, "- %s (%s) task %s, branch %s: %.0f%s LOC, files %.0f created, %.0f modified, "
			       "%.0f deleted\n", str(s, "id"), guard_session_status(s), str(s, "task"), str(s, "branch"),
			       guard_json_num(c, "loc"), limit, guard_json_num(c, "files_created"), guard_json_num(c, "files_modified"),
			       guard_json_num(c, "files_deleted"));
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(s, "breaches"))
			guard_buf_addf(b, "  incident%s%s: %s\n", cJSON_GetObjectItemCaseSensitive(v, "incident") ? " " : "",
				       cJSON_GetObjectItemCaseSensitive(v, "incident") ? str(v, "incident") : "",
				       str(v, "message"));
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(s, "warnings"))
			guard_buf_addf(b, "  warning: %s\n", str(v, "message"));
		guard_session_watch_text(s, "  stronger monitoring: ", b);
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "pr_body")))
			guard_buf_addf(b, "  PR body: %s\n", str(s, "pr_body"));
	}
	cJSON_Delete(list);
	return n;
}

int
guard_briefing(const char *root, time_t now, struct guard_buf *b)
{
	int n = 0, rc;

	guard_buf_addstr(b, "guard briefing: what waits for a person\n\n");
	if ((rc = deferred(root, b)) < 0)
		return rc;
	n += rc;
	if (rc)
		guard_buf_addch(b, '\n');
	if ((rc = approvals(root, b)) > 0)
		guard_buf_addch(b, '\n');
	n += rc;
	if ((rc = last_night(root, now, b)) > 0)
		guard_buf_addch(b, '\n');
	n += rc;
	if (!n)
		guard_buf_addstr(b, "Nothing waits: no deferred plan, no pending approval, no session in the last 24 hours.\n");
	return n;
}
