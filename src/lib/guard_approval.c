/*
 * Approval requests and their state machine (DESIGN.md section 8):
 * pending -> approved | rejected | expired | cancelled, approved ->
 * consumed. Only pending moves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guard_approval.h"
#include "guard_approval_int.h"
#include "guard_audit.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_redact.h"
#include "guard_time.h"
#include "guard_types.h"

#define SUMMARY_MAX 160

const char *
gap_str(const cJSON *obj, const char *key)
{
	return guard_json_str(obj, key, "");
}

long long
gap_time(const cJSON *obj, const char *key)
{
	struct timespec ts;

	if (guard_time_parse(gap_str(obj, key), &ts) < 0)
		return -1;
	return (long long)ts.tv_sec;
}

static bool
is_state(const char *s)
{
	static const char *const states[] = { "pending", "approved", "rejected", "expired", "cancelled", "consumed" };

	for (size_t i = 0; i < sizeof(states) / sizeof(*states); i++)
		if (!strcmp(s, states[i]))
			return true;
	return false;
}

static const char *
member_str(const cJSON *m)
{
	return cJSON_IsString(m) ? m->valuestring : "";
}

static bool
member_time(const cJSON *m)
{
	struct timespec ts;
	return cJSON_IsString(m) && guard_time_parse(m->valuestring, &ts) == 0;
}

bool
gap_request_wellformed(const cJSON *req, const char *id)
{
	/* one walk of the members: list reads every request on disk */
	static const char *const names[] = { "id", "status", "action_digest", "requested_at", "expires_at",
					     "requested_by", "decisions", "risk" };
	const cJSON *m[8];
	enum guard_level level;

	guard_event_members(req, names, 8, m);
	const char *digest = member_str(m[2]);
	return !strcmp(member_str(m[0]), id) && is_state(member_str(m[1])) && strlen(digest) == 64 &&
	       strspn(digest, "0123456789abcdef") == 64 && member_time(m[3]) && member_time(m[4]) &&
	       *member_str(m[5]) && cJSON_IsArray(m[6]) && guard_level_parse(gap_str(m[7], "level"), &level) == 0;
}

/* ---- configuration ---- */

static int
env_seconds(const char *name, long long *out, long long scale)
{
	const char *v = getenv(name);
	char *end;
	double d;

	if (!v || !*v)
		return 0;
	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || !(d > 0) || d > 1e7)
		return guard_error(GUARD_EPOLICY, "%s=%s: expected a positive number of seconds", name, v);
	*out = (long long)(d * (double)scale);
	if (*out < 1)
		*out = 1;
	return 1;
}

static long long
tree_duration(const cJSON *a, const char *key, long long deflt)
{
	long long v;
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(a, key);
	const char *s = gap_str(a, key);

	if (cJSON_IsNumber(n) && n->valuedouble >= 0)
		return (long long)n->valuedouble;
	return *s && guard_duration_parse(s, &v) == 0 ? v : deflt;
}

/* Name one more environment variable that overrode the policy. */
static void
overridden_add(struct guard_approval_config *c, const char *name)
{
	size_t n = strlen(c->overridden);

	snprintf(c->overridden + n, sizeof(c->overridden) - n, "%s%s", n ? " " : "", name);
}

int
guard_approval_config(const struct guard_policy *p, struct guard_approval_config *c)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(guard_policy_tree(p), "approval");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(a, "min");
	const cJSON *v;
	const char *env = getenv("APPROVAL_WORKFLOW_ENABLED");
	int rc;

	memset(c, 0, sizeof(*c));
	c->enabled = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a, "enabled"));
	c->timeout = tree_duration(a, "timeout", 300);
	c->poll_ms = tree_duration(a, "poll_interval", 1) * 1000;
	c->hook_wait = tree_duration(a, "hook_wait", 0);
	for (int l = GUARD_LEVEL_LOW; l <= GUARD_LEVEL_CRITICAL; l++) {
		v = cJSON_GetObjectItemCaseSensitive(min, guard_level_name(l));
		c->min[l] = cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 100 ? (int)v->valuedouble
			   : l == GUARD_LEVEL_CRITICAL ? 2 : 1;
	}
	c->approver_role = *gap_str(a, "approver_role") ? gap_str(a, "approver_role") : NULL;
	c->require_signature = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "require_signature"));
	c->single_use = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a, "single_use"));
	c->rejection_ttl = tree_duration(a, "rejection_ttl", 3600);
	c->agent_prompt = !strcmp(gap_str(a, "attended"), "agent-prompt");
	c->unattended = !strcmp(gap_str(guard_policy_tree(p), "profile"), "unattended");
	c->unattended_max = tree_duration(a, "unattended_max", 24 * 3600);
	c->redact = cJSON_GetObjectItemCaseSensitive(guard_policy_tree(p), "redact");

	if (env && *env) {
		if (!strcmp(env, "1") || !strcasecmp(env, "true") || !strcasecmp(env, "yes") || !strcasecmp(env, "on"))
			c->enabled = true;
		else if (!strcmp(env, "0") || !strcasecmp(env, "false") || !strcasecmp(env, "no") || !strcasecmp(env, "off"))
			c->enabled = false;
		else
			return guard_error(GUARD_EPOLICY, "APPROVAL_WORKFLOW_ENABLED=%s: expected true or false", env);
		overridden_add(c, "APPROVAL_WORKFLOW_ENABLED");
	}
	if ((rc = env_seconds("APPROVAL_TIMEOUT", &c->timeout, 1)) < 0)
		return rc;
	if (rc)
		overridden_add(c, "APPROVAL_TIMEOUT");
	if ((rc = env_seconds("APPROVAL_POLLING_INTERVAL", &c->poll_ms, 1000)) < 0)
		return rc;
	if (rc)
		overridden_add(c, "APPROVAL_POLLING_INTERVAL");
	if (c->poll_ms < 10)
		c->poll_ms = 10;
	return 0;
}

/* ---- the action ---- */

int
guard_approval_digest(const cJSON *ev, char out[65])
{
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(ev, "input");
	cJSON *action = cJSON_CreateObject(), *in;
	char *text;

	if (!*gap_str(ev, "tool") || !cJSON_IsObject(input) || !*gap_str(ev, "cwd") || !*gap_str(ev, "project")) {
		cJSON_Delete(action);
		return guard_error(GUARD_EUSAGE, "the event lacks the tool, input, cwd or project an approval is bound to");
	}
	in = cJSON_Duplicate(input, 1);
	/* A Bash description is a note for people, not part of what runs. */
	if (!strcmp(gap_str(ev, "tool"), "Bash"))
		cJSON_DeleteItemFromObjectCaseSensitive(in, "description");
	cJSON_AddStringToObject(action, "tool", gap_str(ev, "tool"));
	cJSON_AddItemToObject(action, "input", in);
	cJSON_AddStringToObject(action, "cwd", gap_str(ev, "cwd"));
	cJSON_AddStringToObject(action, "project", gap_str(ev, "project"));
	/*
	 * What the rating found, not only its level: the reasons, and the
	 * files the command runs with their bytes' hashes (a script rewritten
	 * after its approval is another action). An event rated by no one
	 * keeps the digest of {tool, input, cwd, project}.
	 */
	const cJSON *risk = cJSON_GetObjectItemCaseSensitive(ev, "risk");
	if (cJSON_IsObject(risk)) {
		cJSON *bound = cJSON_AddObjectToObject(action, "risk");
		static const char *const keys[] = { "reasons", "files" };
		for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(risk, keys[i]);
			cJSON_AddItemToObject(bound, keys[i], cJSON_IsArray(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateArray());
		}
	}
	text = guard_json_canonical(action);
	guard_sha256_hex(text, strlen(text), out);
	free(text);
	cJSON_Delete(action);
	return 0;
}

/*
 * What a person needs to recognise the action: the command, the path or
 * the URL, redacted and shown visibly (guard_buf_add_visible), at most
 * SUMMARY_MAX bytes cut on a UTF-8 boundary and marked " ..." when cut.
 * The whole input is stored beside it; never the conversation.
 */
static char *
summarise(const char *tool, const cJSON *input)
{
	static const char *const keys[] = { "command", "file_path", "url", "path", "pattern", "query", "notebook_path" };
	struct guard_buf b = GUARD_BUF_INIT, v = GUARD_BUF_INIT;

	guard_buf_addf(&b, "%s", tool);
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		const char *s = gap_str(input, keys[i]);
		size_t n;
		if (!*s)
			continue;
		guard_buf_add_visible(&v, s);
		n = v.len;
		if (n > SUMMARY_MAX) {
			n = SUMMARY_MAX;
			while (n > 0 && ((unsigned char)v.buf[n] & 0xC0) == 0x80)
				n--;
		}
		guard_buf_addstr(&b, ": ");
		guard_buf_add(&b, v.buf, n);
		if (n < v.len)
			guard_buf_addstr(&b, " ...");
		break;
	}
	guard_buf_release(&v);
	return guard_buf_detach(&b);
}

/* Set (add or replace) an RFC 3339 member. */
static void
set_time(cJSON *obj, const char *key, time_t t)
{
	struct timespec ts = { t, 0 };
	char s[GUARD_TIME_LEN];

	guard_time_format(&ts, s);
	guard_json_set(obj, key, cJSON_CreateString(s));
}

/*
 * The tool input and risk reasons as stored: whole, so what a person
 * approves is what runs, but redacted like the audit log (a secret never
 * lands in a committed file).
 */
static int
stored_input(const struct guard_approval_config *c, const cJSON *ev, cJSON **input, cJSON **reasons)
{
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "risk"), "reasons");
	struct guard_redactor *red = NULL;
	int rc;

	*input = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(ev, "input"), 1);
	*reasons = cJSON_IsArray(rs) ? cJSON_Duplicate(rs, 1) : cJSON_CreateArray();
	if (!*input)
		*input = cJSON_CreateObject();
	if ((rc = guard_redactor_new(&red, c->redact)) < 0) {
		cJSON_Delete(*input);
		cJSON_Delete(*reasons);
		*input = *reasons = NULL;
		return rc;
	}
	guard_redact_json(red, *input, "", NULL);
	guard_redact_json(red, *reasons, "", NULL);
	guard_redactor_free(red);
	return 0;
}

static int
new_request(const struct guard_approval_config *c, const cJSON *ev, const char *digest, cJSON **out)
{
	const cJSON *risk = cJSON_GetObjectItemCaseSensitive(ev, "risk");
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(ev, "actor");
	const cJSON *decision = cJSON_GetObjectItemCaseSensitive(ev, "decision");
	cJSON *req, *r, *input, *reasons;
	char id[GUARD_APPROVAL_ID_LEN], *summary;
	time_t now = time(NULL);
	enum guard_level level = GUARD_LEVEL_HIGH;
	int rc;

	*out = NULL;
	if ((rc = stored_input(c, ev, &input, &reasons)) < 0)
		return rc;
	req = cJSON_CreateObject();
	guard_uuid(id);
	summary = summarise(gap_str(ev, "tool"), input);
	cJSON_AddNumberToObject(req, "v", 1);
	cJSON_AddStringToObject(req, "id", id);
	cJSON_AddStringToObject(req, "project", gap_str(ev, "project"));
	cJSON_AddStringToObject(req, "session", gap_str(ev, "session"));
	cJSON_AddStringToObject(req, "trace_id", gap_str(ev, "id"));
	cJSON_AddStringToObject(req, "tool", gap_str(ev, "tool"));
	cJSON_AddStringToObject(req, "summary", summary);
	cJSON_AddStringToObject(req, "action_digest", digest);
	/* an event without a rating asks for the care of a high one */
	guard_level_parse(gap_str(risk, "level"), &level);
	r = cJSON_AddObjectToObject(req, "risk");
	cJSON_AddStringToObject(r, "level", guard_level_name(level));
	if (*gap_str(risk, "class"))
		cJSON_AddStringToObject(r, "class", gap_str(risk, "class"));
	cJSON_AddItemToObject(r, "reasons", reasons);
	/* the files whose bytes the action digest binds, for the person to see */
	if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(risk, "files")))
		cJSON_AddItemToObject(r, "files", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(risk, "files"), 1));
	cJSON_AddItemToObject(req, "input", input);
	if (*gap_str(decision, "rule"))
		cJSON_AddStringToObject(req, "rule", gap_str(decision, "rule"));
	cJSON_AddStringToObject(req, "requested_by", *gap_str(actor, "user") ? gap_str(actor, "user") : "unknown");
	/* asked directly (guard-approve request): what the event claimed, shown beside guard's rating */
	const cJSON *claimed = cJSON_GetObjectItemCaseSensitive(ev, "claimed");
	if (cJSON_IsObject(claimed)) {
		cJSON *cl = cJSON_AddObjectToObject(req, "direct");
		const cJSON *cr = cJSON_GetObjectItemCaseSensitive(claimed, "risk");
		const cJSON *ca = cJSON_GetObjectItemCaseSensitive(claimed, "actor");
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(cr, "level")))
			cJSON_AddStringToObject(cl, "claimed_level", gap_str(cr, "level"));
		if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(cr, "reasons")))
			cJSON_AddItemToObject(cl, "claimed_reasons",
					      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cr, "reasons"), 1));
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ca, "user")))
			cJSON_AddStringToObject(cl, "claimed_by", gap_str(ca, "user"));
	}
	set_time(req, "requested_at", now);
	if (c->unattended) {
		/* nobody is there to answer: it waits for the next attended briefing (seed 004) */
		set_time(req, "expires_at", now + (time_t)c->unattended_max);
		cJSON_AddTrueToObject(req, "until_briefing");
		cJSON_AddNumberToObject(req, "after_briefing", (double)c->timeout);
	} else {
		set_time(req, "expires_at", now + (time_t)c->timeout);
	}
	cJSON_AddStringToObject(req, "status", "pending");
	cJSON_AddArrayToObject(req, "decisions");
	cJSON_AddNullToObject(req, "decided_at");
	cJSON_AddNullToObject(req, "consumed_at");
	free(summary);
	*out = req;
	return 0;
}

int
guard_approval_rejection(const cJSON *req, const struct guard_approval_config *c, char **reason)
{
	const cJSON *d, *last = NULL;
	struct timespec until = { 0, 0 };
	char u[GUARD_TIME_LEN];

	*reason = NULL;
	if (strcmp(gap_str(req, "status"), "rejected") || c->rejection_ttl <= 0)
		return 0;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		if (!strcmp(gap_str(d, "verdict"), "reject"))
			last = d;
	until.tv_sec = (time_t)((last ? gap_time(last, "at") : gap_time(req, "decided_at")) + c->rejection_ttl);
	if (until.tv_sec <= c->rejection_ttl || time(NULL) >= until.tv_sec)
		return 0;
	guard_time_format(&until, u);
	*reason = guard_xasprintf("rejected by %s at %s: %s (request %s; asking again for this exact action is refused "
				  "until %s, approval.rejection_ttl)", last ? gap_str(last, "by") : "a reviewer",
				  last ? gap_str(last, "at") : gap_str(req, "decided_at"),
				  last && *gap_str(last, "comment") ? gap_str(last, "comment") : "no reason given",
				  gap_str(req, "id"), u);
	return 1;
}

int
guard_approval_request(struct guard_approval_store *s, const struct guard_approval_config *c,
		       const cJSON *ev, const char *digest, cJSON **out, bool *created)
{
	cJSON *old = NULL, *req;
	char *why = NULL;
	int rc;

	*out = NULL;
	*created = false;
	if ((rc = gap_index_get(s, digest, &old)) < 0)
		return rc;
	if (old && !strcmp(guard_approval_status(old, NULL), "pending")) {
		*out = old;
		return 0;
	}
	/* a person said no: the agent hears it, and does not ask again at once */
	if (old && guard_approval_rejection(old, c, &why) == 1) {
		rc = guard_error(GUARD_EDENY, "%s", why);
		free(why);
		cJSON_Delete(old);
		return rc;
	}
	/* record the expiry of the request this one replaces */
	if (old && guard_approval_mark_expired(old) && (rc = guard_approval_save(s, old)) < 0) {
		cJSON_Delete(old);
		return rc;
	}
	cJSON_Delete(old);
	if ((rc = new_request(c, ev, digest, &req)) < 0)
		return rc;
	if ((rc = guard_approval_save(s, req)) < 0 ||
	    (rc = gap_index_put(s, digest, gap_str(req, "id"))) < 0) {
		cJSON_Delete(req);
		return rc;
	}
	*out = req;
	*created = true;
	return 0;
}

/* ---- state ---- */

const char *
guard_approval_status(const cJSON *req, long long *left)
{
	const char *status = gap_str(req, "status");
	long long exp = gap_time(req, "expires_at"), now = (long long)time(NULL);

	if (left)
		*left = 0;
	if (strcmp(status, "pending") && strcmp(status, "approved"))
		return status;
	if (exp < 0 || now >= exp)
		return "expired";
	if (left)
		*left = exp - now;
	return status;
}

int
guard_approval_mark_shown(cJSON *req, time_t now)
{
	const cJSON *after = cJSON_GetObjectItemCaseSensitive(req, "after_briefing");
	long long exp = gap_time(req, "expires_at");

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "until_briefing")) ||
	    cJSON_HasObjectItem(req, "shown_at") || strcmp(guard_approval_status(req, NULL), "pending"))
		return 0;
	set_time(req, "shown_at", now);
	if (cJSON_IsNumber(after) && after->valuedouble >= 0 && (exp < 0 || now + (long long)after->valuedouble < exp))
		set_time(req, "expires_at", now + (time_t)after->valuedouble);
	return 1;
}

int
guard_approval_mark_expired(cJSON *req)
{
	const char *stored = gap_str(req, "status");
	bool was_pending = !strcmp(stored, "pending");

	if (strcmp(guard_approval_status(req, NULL), "expired") || !strcmp(stored, "expired"))
		return 0;
	cJSON_ReplaceItemInObjectCaseSensitive(req, "status", cJSON_CreateString("expired"));
	if (was_pending)
		cJSON_ReplaceItemInObjectCaseSensitive(req, "decided_at",
						       cJSON_CreateString(gap_str(req, "expires_at")));
	return 1;
}

int
guard_approval_reviewer(const struct guard_policy *p, const struct guard_approval_config *c,
			const char *user, struct guard_reviewer *out)
{
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(guard_policy_tree(p), "principals"), user);
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(pr, "roles");

	memset(out, 0, sizeof(*out));
	out->user = user;
	if (!pr)
		return guard_error(GUARD_EDENY, "'%s' is not a principal of the user or managed policy, so lacks approval.manage "
				   "(add it under principals: in ~/.config/guard/policy.yaml or /etc/guard/policy.yaml)", user);
	if (!guard_policy_principal_can(p, user, "approval.manage"))
		return guard_error(GUARD_EDENY, "'%s' lacks the permission approval.manage", user);
	if (c->approver_role && !guard_policy_principal_is(p, user, c->approver_role))
		return guard_error(GUARD_EDENY, "'%s' lacks the role %s (approval.approver_role)", user, c->approver_role);
	out->role = c->approver_role ? c->approver_role : cJSON_GetStringValue(cJSON_GetArrayItem(roles, 0));
	out->key = *gap_str(pr, "key") ? gap_str(pr, "key") : NULL;
	return 0;
}

static const cJSON *
decision_by(const cJSON *req, const char *user)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		if (!strcmp(gap_str(d, "by"), user))
			return d;
	return NULL;
}

static int
approvals_of(const cJSON *req)
{
	const cJSON *d;
	int n = 0;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		n += !strcmp(gap_str(d, "verdict"), "approve");
	return n;
}

static enum guard_level
level_of(const cJSON *req)
{
	enum guard_level l = GUARD_LEVEL_CRITICAL;

	guard_level_parse(gap_str(cJSON_GetObjectItemCaseSensitive(req, "risk"), "level"), &l);
	return l;
}

static int
already_decided(const cJSON *req, const char *state)
{
	const cJSON *d, *last = NULL;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		last = d;
	if (!strcmp(state, "expired"))
		return guard_error(GUARD_ECONFLICT, "request %s expired at %s; nothing was changed",
				   gap_str(req, "id"), gap_str(req, "expires_at"));
	if (last)
		return guard_error(GUARD_ECONFLICT, "request %s is already %s (%s by %s at %s); nothing was changed",
				   gap_str(req, "id"), state, gap_str(last, "verdict"), gap_str(last, "by"), gap_str(last, "at"));
	return guard_error(GUARD_ECONFLICT, "request %s is already %s; nothing was changed", gap_str(req, "id"), state);
}

/* The expiry of an approval given now: one timeout, and never past an earlier approver's. */
static long long
approval_expiry(const cJSON *req, const struct guard_approval_config *c, long long now)
{
	long long exp = now + c->timeout;
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions")) {
		long long t = gap_time(d, "expires_at");
		if (!strcmp(gap_str(d, "verdict"), "approve") && t >= 0 && t < exp)
			exp = t;
	}
	return exp;
}

/* The state a verdict leaves the request in. */
static const char *
result_of(const cJSON *req, const struct guard_approval_config *c, const char *verdict)
{
	if (!strcmp(verdict, "approve"))
		return approvals_of(req) + 1 < c->min[level_of(req)] ? "pending" : "approved";
	return !strcmp(verdict, "reject") ? "rejected" : "cancelled";
}

int
guard_approval_decide(cJSON *req, const struct guard_approval_config *c,
		      const struct guard_reviewer *who, const struct guard_verdict *v)
{
	const char *state = guard_approval_status(req, NULL), *result;
	const cJSON *prior;
	cJSON *d;
	char now[GUARD_TIME_LEN], exp[GUARD_TIME_LEN];
	struct timespec ts = { 0, 0 };
	int rc;

	if (strcmp(state, "pending"))
		return already_decided(req, state);
	if ((prior = decision_by(req, who->user)))
		return guard_error(GUARD_ECONFLICT, "%s already decided request %s (%s at %s); one decision per reviewer",
				   who->user, gap_str(req, "id"), gap_str(prior, "verdict"), gap_str(prior, "at"));
	if (!strcmp(v->verdict, "approve") && !strcmp(gap_str(req, "requested_by"), who->user))
		return guard_error(GUARD_EDENY, "%s requested %s and cannot approve it", who->user, gap_str(req, "id"));

	guard_time_now(now);
	result = result_of(req, c, v->verdict);
	/*
	 * An approval is good for one timeout from the moment it was given
	 * (and the request for the shortest of its approvals'); a rejection
	 * or a cancel leaves the expiry as it was. The decision records both,
	 * so its signature covers them.
	 */
	if (!strcmp(v->verdict, "approve"))
		ts.tv_sec = (time_t)approval_expiry(req, c, (long long)time(NULL));
	else
		ts.tv_sec = (time_t)gap_time(req, "expires_at");
	guard_time_format(&ts, exp);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "by", who->user);
	if (who->role)
		cJSON_AddStringToObject(d, "role", who->role);
	else
		cJSON_AddNullToObject(d, "role");
	cJSON_AddStringToObject(d, "verdict", v->verdict);
	if (v->comment)
		cJSON_AddStringToObject(d, "comment", v->comment);
	else
		cJSON_AddNullToObject(d, "comment");
	cJSON_AddStringToObject(d, "at", now);
	cJSON_AddStringToObject(d, "expires_at", exp);
	cJSON_AddStringToObject(d, "result", result);
	if (v->secret_key && (rc = guard_approval_sign(req, d, v->secret_key)) < 0) {
		cJSON_Delete(d);
		return rc;
	}
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(req, "decisions"), d);
	if (!strcmp(result, "pending"))
		return 0; /* more approvers needed */
	cJSON_ReplaceItemInObjectCaseSensitive(req, "status", cJSON_CreateString(result));
	cJSON_ReplaceItemInObjectCaseSensitive(req, "decided_at", cJSON_CreateString(now));
	guard_json_set(req, "expires_at", cJSON_CreateString(exp));
	return 0;
}

/*
 * The request's own status, decided_at and expires_at are what its last
 * decision (whose signature covers them) says: an edited or restored file
 * that disagrees is not trusted. A decision from before "result" was
 * recorded has nothing to compare with.
 */
bool
guard_approval_consistent(const cJSON *req, char why[GUARD_APPROVAL_WHY_MAX])
{
	const cJSON *d, *last = NULL;
	const char *result, *status = gap_str(req, "status");

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		last = d;
	if (!last || !*(result = gap_str(last, "result")))
		return true;
	if (!strcmp(result, "pending")) {
		if (!strcmp(status, "pending") || !strcmp(status, "expired"))
			return true;
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "request %s says %s, but its last decision (by %.64s) left it pending",
			 gap_str(req, "id"), status, gap_str(last, "by"));
	} else if (strcmp(status, result) && strcmp(status, "expired") &&
		   !(!strcmp(result, "approved") && !strcmp(status, "consumed"))) {
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "request %s says %s, but its last decision (by %.64s) made it %s",
			 gap_str(req, "id"), status, gap_str(last, "by"), result);
	} else if (strcmp(gap_str(req, "decided_at"), gap_str(last, "at"))) {
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "request %s says it was decided at %.40s, but its last decision was at %.40s",
			 gap_str(req, "id"), gap_str(req, "decided_at"), gap_str(last, "at"));
	} else if (gap_time(req, "expires_at") != gap_time(last, "expires_at")) {
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "request %s says it expires at %.40s, but its last decision set %.40s",
			 gap_str(req, "id"), gap_str(req, "expires_at"), gap_str(last, "expires_at"));
	} else {
		return true;
	}
	return false;
}

bool
guard_approval_valid(const struct guard_policy *p, const struct guard_approval_config *c,
		     const cJSON *req, enum guard_level level, char why[GUARD_APPROVAL_WHY_MAX])
{
	const char *requester = gap_str(req, "requested_by");
	const cJSON *d, *e;
	int good = 0, need;

	if (level < level_of(req))
		level = level_of(req);
	need = c->min[level];
	if (strcmp(guard_approval_status(req, NULL), "approved")) {
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "request %s is %s", gap_str(req, "id"), guard_approval_status(req, NULL));
		return false;
	}
	if (!guard_approval_consistent(req, why))
		return false;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions")) {
		struct guard_reviewer who;
		const char *by = gap_str(d, "by");
		long long exp = gap_time(d, "expires_at");
		bool dup = false;

		if (!strcmp(gap_str(d, "verdict"), "reject")) {
			snprintf(why, GUARD_APPROVAL_WHY_MAX, "%.64s rejected request %s", by, gap_str(req, "id"));
			return false;
		}
		if (strcmp(gap_str(d, "verdict"), "approve") || !strcmp(by, requester))
			continue;
		for (e = cJSON_GetObjectItemCaseSensitive(req, "decisions")->child; e != d; e = e->next)
			dup |= !strcmp(gap_str(e, "by"), by);
		if (dup || guard_approval_reviewer(p, c, by, &who) < 0)
			continue;
		if (who.key ? guard_approval_check_sig(req, d, who.key) < 0 : c->require_signature)
			continue;
		/* the decision's own expiry, which its signature covers */
		if (cJSON_HasObjectItem(d, "expires_at") && (exp < 0 || (long long)time(NULL) >= exp))
			continue;
		good++;
	}
	if (good < need) {
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "request %s has %d valid approval%s of the %d a %s action needs%s",
			 gap_str(req, "id"), good, good == 1 ? "" : "s", need, guard_level_name(level),
			 c->require_signature ? " (signatures required)" : "");
		return false;
	}
	return true;
}

static cJSON *
audit_event(const cJSON *req, const char *by)
{
	const cJSON *last = NULL, *d;
	cJSON *ev = cJSON_CreateObject(), *a, *actor;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		last = d;
	cJSON_AddStringToObject(ev, "tool", gap_str(req, "tool"));
	cJSON_AddStringToObject(ev, "summary", gap_str(req, "summary"));
	if (*gap_str(req, "session"))
		cJSON_AddStringToObject(ev, "session", gap_str(req, "session"));
	cJSON_AddItemToObject(ev, "risk", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(req, "risk"), 1));
	actor = cJSON_AddObjectToObject(ev, "actor");
	cJSON_AddStringToObject(actor, "user", by ? by : gap_str(req, "requested_by"));
	a = cJSON_AddObjectToObject(ev, "approval");
	cJSON_AddStringToObject(a, "id", gap_str(req, "id"));
	cJSON_AddStringToObject(a, "status", guard_approval_status(req, NULL));
	cJSON_AddStringToObject(a, "action_digest", gap_str(req, "action_digest"));
	if (by && last && !strcmp(gap_str(last, "by"), by)) {
		cJSON_AddStringToObject(a, "verdict", gap_str(last, "verdict"));
		if (*gap_str(last, "comment"))
			cJSON_AddStringToObject(a, "comment", gap_str(last, "comment"));
		cJSON_AddBoolToObject(a, "signed", *gap_str(last, "sig") != '\0');
	}
	return ev;
}

/* A record that cannot be written is an error unless audit.fail_closed is false. */
static int
audit_write(const struct guard_policy *p, const char *root, const char *name, const cJSON *ev)
{
	const cJSON *audit = cJSON_GetObjectItemCaseSensitive(guard_policy_tree(p), "audit");
	int rc = guard_audit_record(root, p, name, ev);

	if (rc < 0 && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(audit, "fail_closed")))
		rc = 0;
	return rc;
}

int
guard_approval_audit(const struct guard_policy *p, const char *root, const cJSON *req, const char *name,
		     const char *by)
{
	cJSON *ev = audit_event(req, by);
	int rc = audit_write(p, root, name, ev);

	cJSON_Delete(ev);
	return rc;
}

int
guard_approval_audit_save(struct guard_approval_store *s, const struct guard_policy *p, const char *root,
			  const cJSON *req, const char *name, const char *by, const char *was)
{
	int rc;

	if ((rc = guard_approval_audit(p, root, req, name, by)) < 0 || (rc = guard_approval_save(s, req)) == 0)
		return rc;
	/* the log already shows the change: say it did not take effect */
	char *why = guard_xstrdup(guard_error_last());
	cJSON *ev = audit_event(req, by);
	cJSON *a = cJSON_GetObjectItemCaseSensitive(ev, "approval");
	cJSON_ReplaceItemInObjectCaseSensitive(a, "status", cJSON_CreateString(was));
	cJSON_AddStringToObject(a, "not_saved", why);
	audit_write(p, root, "approval.status_changed", ev);
	cJSON_Delete(ev);
	guard_error(rc, "%s", why);
	free(why);
	return rc;
}
