#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guard_adapter.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_hook.h"
#include "guard_json.h"
#include "guard_scan.h"
#include "guard_session.h"
#include "guard_stage.h"
#include "guard_time.h"

static guard_approval_tick wait_tick;
static void *wait_arg;
static bool stateless;
static long long (*wait_cap)(const char *project, void *arg);
static void *wait_cap_arg;
static double waited_ms; /* this call's wait for a person: not guard's own time */

double
guard_hook_clock_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void
guard_hook_add_timing(cJSON *ev, double start, double waited)
{
	double own = guard_hook_clock_ms() - start - waited;
	guard_json_set(ev, "hook_ms", cJSON_CreateNumber(round((own > 0 ? own : 0) * 1000) / 1000));
	if (waited > 0)
		guard_json_set(ev, "wait_ms", cJSON_CreateNumber(round(waited)));
}

void
guard_hook_on_wait(guard_approval_tick tick, void *arg)
{
	wait_tick = tick;
	wait_arg = arg;
}

void
guard_hook_wait_cap(long long (*fn)(const char *project, void *arg), void *arg)
{
	wait_cap = fn;
	wait_cap_arg = arg;
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
	char *reason, cut[160] = "";
	int rc;

	if (!id || !effect || !strcmp(effect, "allow"))
		return 0;
	/* a person's rejection is the answer, in their words */
	if (!strcmp(guard_event_str(ev, "approval.status") ? guard_event_str(ev, "approval.status") : "", "rejected"))
		return 0;
	if ((rc = guard_approval_config(p, &c)) < 0)
		return rc;
	long long wait_s = c.hook_wait;
	if (wait && !strcmp(effect, "ask") && wait_s > 0 && wait_cap) {
		long long cap = wait_cap(guard_event_str(ev, "project"), wait_cap_arg);
		if (wait_s > cap) {
			wait_s = cap > 0 ? cap : 0;
			snprintf(cut, sizeof(cut), " (approval.hook_wait %llds was cut to %llds, below the hook's own timeout)",
				 c.hook_wait, wait_s);
		}
	}
	if (wait && !strcmp(effect, "ask") && wait_s > 0) {
		struct guard_approval_store st;
		cJSON *req = NULL;
		if ((rc = guard_approval_store_open(&st, guard_event_str(ev, "project"), false)) < 0)
			return rc;
		double t0 = guard_hook_clock_ms();
		rc = guard_approval_wait(&st, id, wait_s, c.poll_ms, wait_tick, wait_arg, &req);
		waited_ms += guard_hook_clock_ms() - t0;
		guard_deadline_shift(guard_hook_clock_ms() - t0); /* a person's time is not guard's */
		guard_approval_store_close(&st);
		cJSON_Delete(req);
		if (rc == 0)
			return guard_stage_gate(s, ev); /* approved meanwhile: consume it */
	}
	if (!strcmp(effect, "ask"))
		reason = guard_xasprintf("approval required: %s. Request %s waits for a person, who approves it with: "
					 "guard-approve approve %.8s (then retry the same call once)%s",
					 guard_event_str(ev, "decision.reason"), id, id, cut);
	else
		reason = guard_xasprintf("%s. Request %s is recorded for a person to review in the morning briefing",
					 guard_event_str(ev, "decision.reason"), id);
	set_decision(ev, "effect", "deny");
	set_decision(ev, "reason", reason);
	free(reason);
	return 0;
}

/*
 * approval.attended: agent-prompt (user and managed layers only): an ask
 * in an attended Claude Code session goes to Claude's own permission
 * prompt instead of a request file. Not when the session is unattended,
 * nor in a permission mode that may not show a prompt.
 */
static bool
agent_prompt(enum guard_agent agent, const struct guard_policy *p, const char *session, const cJSON *ev)
{
	struct guard_approval_config c;
	const char *mode = guard_event_str(ev, "permission_mode");

	if (agent != GUARD_AGENT_CLAUDE || session || guard_policy_unattended(p) ||
	    guard_approval_config(p, &c) < 0 || !c.agent_prompt)
		return false;
	return !mode || !strcmp(mode, "default") || !strcmp(mode, "plan") || !strcmp(mode, "acceptEdits");
}

/*
 * The call ran: when the policy asks for it, the person said yes at the
 * agent's prompt (a no leaves no PostToolUse, so no record). The pre
 * decision is made again on the post event's input, in a copy.
 */
static int
record_prompt_outcome(struct guard_stages *s, cJSON *ev)
{
	cJSON *copy = cJSON_Duplicate(ev, 1);
	int rc;

	cJSON_DeleteItemFromObjectCaseSensitive(copy, "phase");
	cJSON_AddStringToObject(copy, "phase", "pre");
	if ((rc = guard_stage_risk(s, copy, NULL)) >= 0 && (rc = guard_stage_decide(s, copy)) >= 0 &&
	    !strcmp(guard_event_str(copy, "decision.effect") ? guard_event_str(copy, "decision.effect") : "", "ask")) {
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "via", "agent-prompt");
		cJSON_AddStringToObject(a, "status", "approved");
		cJSON_AddStringToObject(a, "by", "the person at Claude Code's permission prompt (unsigned)");
		cJSON_AddStringToObject(a, "rule", guard_event_str(copy, "decision.rule") ? guard_event_str(copy, "decision.rule") : "-");
		guard_json_set(ev, "approval", a);
	}
	cJSON_Delete(copy);
	return rc < 0 ? rc : 0;
}

/*
 * A command that writes a secret or a forbidden pattern into a file: the
 * risk analyzer scanned the text with the same rules and said so in a
 * "guard-scan: ..." reason; the deny is the Write tool's (rule
 * guard-scan:ID, the scan's words) whatever the policy does with the risk
 * level. A deny the policy gave for another reason stays as it is.
 */
static int
scan_shell_write(cJSON *ev)
{
	const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "risk"), "reasons");
	const char *effect = guard_event_str(ev, "decision.effect");
	const cJSON *r;

	cJSON_ArrayForEach(r, reasons) {
		const char *t = cJSON_GetStringValue(r), *id;
		if (!t || strncmp(t, "guard-scan: ", 12) || !(id = strstr(t, "(rule ")))
			continue;
		/* a deny for another reason (a project rule, a worse finding) keeps its own words */
		if (effect && !strcmp(effect, "deny") && r != reasons->child)
			break;
		id += 6;
		char *rule = guard_xasprintf("guard-scan:%.*s", (int)strcspn(id, ", )"), id);
		set_decision(ev, "effect", "deny");
		set_decision(ev, "reason", strncmp(guard_event_str(ev, "tool") ?: "", "mcp__", 5) ?
			     "guard-scan: the command writes into a file what the scan rules keep out of files, as they do "
			     "for the Write tool" :
			     "guard-scan: the call writes into a file what the scan rules keep out of files, as they do "
			     "for the Write tool");
		set_decision(ev, "rule", rule);
		free(rule);
		break;
	}
	return 0;
}

/*
 * The hook's scan of a written text stops at HOOK_SCAN_FINDINGS (one is
 * enough to deny). The whole call (the risk analysis with its walks and
 * reads, the scan) fails, so denies, past HOOK_DEADLINE_MS of guard's own
 * time (guard_deadline_set): an agent that stops waiting for a hook runs
 * the call (attack8 I12: 340,000 fake tokens took the scan past Claude's
 * 30 s timeout, unrated, unlogged; attack9 J17: glob patterns seven
 * folders deep from / held the analysis past it).
 */
#define HOOK_SCAN_FINDINGS 100
#define HOOK_DEADLINE_MS 10000

/* GUARD_SCAN_DEADLINE_MS may only shorten it (tests): whoever sets it can make the hook deny sooner, never later. */
static unsigned
deadline_ms(void)
{
	const char *env = getenv("GUARD_SCAN_DEADLINE_MS");
	char *end;
	unsigned long v = env && *env ? strtoul(env, &end, 10) : 0;

	return v > 0 && v < HOOK_DEADLINE_MS && !*end ? (unsigned)v : HOOK_DEADLINE_MS;
}

/*
 * An agent's Write/Edit/MultiEdit/NotebookEdit that would put a secret or
 * a forbidden pattern in a file is denied, naming the rule and the line
 * (the text itself is never repeated). The agent's own guard-scan:allow
 * comments do not count: the agent is who the rule is against. An Edit is
 * scanned in the file as it will be after it too (a secret assembled by
 * edits). One that adds such a comment (which CI's scans honour) is asked.
 */
static int
scan_edit(const struct guard_policy *p, cJSON *ev)
{
	static const char *const tools[] = { "Write", "Edit", "MultiEdit", "NotebookEdit" };
	const char *tool = guard_event_str(ev, "tool"), *effect = guard_event_str(ev, "decision.effect");
	struct guard_scanner *sc = NULL;
	cJSON *found;
	bool edit = false;
	int rc;

	for (size_t i = 0; tool && i < sizeof(tools) / sizeof(tools[0]); i++)
		edit |= !strcmp(tool, tools[i]);
	if (!edit)
		return scan_shell_write(ev);
	if (effect && !strcmp(effect, "deny"))
		return 0;
	if ((rc = guard_scanner_new(guard_policy_tree(p), &sc)) < 0)
		return rc;
	guard_scanner_inline_allow(sc, false);
	guard_scanner_limit(sc, HOOK_SCAN_FINDINGS);
	found = cJSON_CreateArray();
	if ((rc = guard_scanner_tool_input(sc, ev, found)) > 0) {
		const cJSON *f = cJSON_GetArrayItem(found, 0);
		bool in_file = !strcmp(guard_json_str(f, "line_in", "text"), "file");
		char *where = !strcmp(guard_json_str(f, "in", ""), "name")
			? guard_xstrdup("in the name it creates")
			: guard_xasprintf("line %.0f of %s", guard_json_num(f, "line"), in_file ? "the file after it" : "the text written");
		char *reason = guard_xasprintf("guard-scan: this %s writes %s (rule %s, %s; "
					       "%s%d finding%s in all) into %s; keep secrets out of files (read them from the "
					       "environment or a secret store)",
					       tool, guard_json_str(f, "message", ""), guard_json_str(f, "rule", ""), where,
					       guard_scanner_capped(sc) ? "at least " : "", rc, rc == 1 ? "" : "s",
					       guard_json_str(f, "path", "the file"));
		char *rule = guard_xasprintf("guard-scan:%s", guard_json_str(f, "rule", ""));
		set_decision(ev, "effect", "deny");
		set_decision(ev, "reason", reason);
		set_decision(ev, "rule", rule);
		free(reason);
		free(where);
		free(rule);
	} else if (rc == 0 && (!effect || !strcmp(effect, "allow")) && guard_scanner_adds_allow(sc, ev)) {
		/* CI's scans honour the comment: one the agent adds hides a finding from them (share/doc/trust.md) */
		char *reason = guard_xasprintf("this %s adds a guard-scan:allow comment to %s: guard-scan in CI and "
					       "pre-commit would stop reporting what it names; a person decides",
					       tool, guard_event_str(ev, "input.file_path") ?: "the file");
		set_decision(ev, "effect", "ask");
		set_decision(ev, "reason", reason);
		set_decision(ev, "rule", "guard-scan:allow-comment");
		free(reason);
	}
	cJSON_Delete(found);
	guard_scanner_free(sc);
	return rc < 0 ? rc : 0;
}

/* Rate, decide, and hold an edit to the scan rules. */
static int
pre_decide(struct guard_stages *s, const struct guard_policy *p, cJSON *ev)
{
	int rc;

	if ((rc = guard_stage_risk(s, ev, NULL)) < 0 || (rc = guard_stage_decide(s, ev)) < 0)
		return rc;
	return scan_edit(p, ev);
}

/* An ask, or an approval to use: the gate, then the wait for a person. */
static int
pre_approve(struct guard_stages *s, const struct guard_policy *p, cJSON *ev, bool wait)
{
	int rc;

	if (!stateless && ((rc = guard_stage_gate(s, ev)) < 0 || (rc = await_approval(s, p, ev, wait)) < 0))
		return rc;
	return 0;
}

int
guard_hook_pre(struct guard_stages *s, const struct guard_policy *p, cJSON *ev, bool wait)
{
	int rc = pre_decide(s, p, ev);

	return rc < 0 ? rc : pre_approve(s, p, ev, wait);
}

/* guard mcp's call: the same deadline over the analysis as the hook's (one call never holds the proxy). */
int
guard_hook_pre_gate(struct guard_stages *s, const struct guard_policy *p, cJSON *ev)
{
	int rc;

	guard_deadline_set(deadline_ms());
	rc = pre_decide(s, p, ev);
	guard_deadline_set(0);
	if (rc < 0 || stateless)
		return rc;
	return guard_stage_gate(s, ev);
}

int
guard_hook_settle(struct guard_stages *s, const struct guard_policy *p, cJSON *ev)
{
	return stateless ? 0 : await_approval(s, p, ev, false);
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

/*
 * A call the hook fails on once the project's policy is read (a scan past
 * its deadline, a payload over a limit, an approval store it cannot read)
 * is denied, and the log says so as it does for any deny (attack8: a scan
 * deadline denied the call and left no record of it). The deny stands
 * whatever becomes of the record; the reply keeps the first failure's words.
 */
static void
audit_failure(struct guard_stages *s, const cJSON *ev, int rc)
{
	const char *phase = guard_event_str(ev, "phase");
	char *why = guard_xstrdup(guard_error_last());
	cJSON *deny;

	if (!phase || !strcmp(phase, "other") || !guard_event_str(ev, "project")) {
		free(why);
		return;
	}
	deny = guard_event_deny(ev, guard_fail_rule(rc), why);
	guard_stage_audit(s, deny);
	cJSON_Delete(deny);
	guard_error(rc, "%s", why);
	free(why);
}

int
guard_hook_run(enum guard_agent agent, const struct guard_policy_sources *src,
	       const char *payload, size_t len, struct guard_reply *r)
{
	struct guard_stages stages;
	const struct guard_policy *policy = NULL;
	cJSON *raw = NULL, *ev = NULL;
	const char *hook = NULL;
	bool auditing = false;
	/* An unattended session names itself in the agent's environment. */
	const char *session = getenv("GUARD_SESSION");
	double start = guard_hook_clock_ms();
	int rc;

	waited_ms = 0;
	guard_deadline_set(deadline_ms());
	if (session && !*session)
		session = NULL;
	guard_hook_stages(&stages, src);
	if ((rc = guard_event_parse(payload, len, GUARD_HOOK_HARD_MAX, &raw)) < 0)
		goto fail;
	hook = guard_event_str(raw, "hook_event_name");
	if ((rc = guard_adapter_event(agent, raw, &ev)) < 0)
		goto fail;
	/* the event holds its own copy: a 1 MiB Write is not kept twice to the end */
	cJSON_DeleteItemFromObjectCaseSensitive(raw, "tool_input");
	cJSON_DeleteItemFromObjectCaseSensitive(raw, "tool_response");
	char *root = NULL;
	rc = guard_adapter_project(guard_event_str(raw, "cwd"), &root);
	free(root);
	if (rc < 0)
		goto fail;
	if ((rc = guard_stages_policy(&stages, guard_event_str(ev, "project"), &policy)) < 0)
		goto fail;
	if (len > guard_policy_max_event_bytes(policy)) {
		rc = guard_error(GUARD_EUSAGE, "payload is %zu bytes, over the %zu-byte limit (limits.max_event_bytes)",
				 len, guard_policy_max_event_bytes(policy));
		goto fail;
	}
	if (!strcmp(guard_event_str(ev, "phase"), "pre")) {
		size_t nul = guard_json_nul_escape_at(payload, len);
		if (nul < len) {
			rc = guard_error(GUARD_EUSAGE, "the payload holds a \\u0000 (NUL) at offset %zu: refused, guard "
					 "would read the text only up to it and the tool all of it", nul);
			goto fail;
		}
		if ((rc = pre_decide(&stages, policy, ev)) < 0)
			goto fail;
		const char *effect = guard_event_str(ev, "decision.effect");
		if (effect && !strcmp(effect, "ask") && agent_prompt(agent, policy, session, ev)) {
			cJSON *a = cJSON_CreateObject();
			cJSON_AddStringToObject(a, "via", "agent-prompt");
			cJSON_AddStringToObject(a, "status", "asked");
			guard_json_set(ev, "approval", a);
		} else if ((rc = pre_approve(&stages, policy, ev, true)) < 0) {
			goto fail;
		}
	} else if (!strcmp(guard_event_str(ev, "phase"), "post") && !stateless &&
		   agent_prompt(agent, policy, session, ev)) {
		if ((rc = record_prompt_outcome(&stages, ev)) < 0)
			goto fail;
	}
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
	if (!stateless && strcmp(guard_event_str(ev, "phase"), "other")) {
		guard_hook_add_timing(ev, start, waited_ms);
		auditing = true; /* a failed record is not written again as a failure */
		if ((rc = guard_stage_audit(&stages, ev)) < 0)
			goto fail;
	}
	guard_adapter_reply(agent, ev, r);
	rc = 0;
	goto out;
fail:
	if (policy && ev && !stateless && !auditing)
		audit_failure(&stages, ev, rc);
	guard_adapter_reply_deny(agent, hook, guard_error_last(), r);
out:
	guard_deadline_set(0);
	cJSON_Delete(raw);
	cJSON_Delete(ev);
	guard_stages_release(&stages);
	return rc;
}
