/*
 * The gate: where an `ask` meets the approval store, in the pipeline and
 * in the hook; and waiting for a person's decision.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "guard_approval.h"
#include "guard_approval_int.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_json.h"
#include "guard_time.h"

static void
set_approval(cJSON *ev, const cJSON *req, const char *status, const char *note)
{
	cJSON *a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "id", gap_str(req, "id"));
	cJSON_AddStringToObject(a, "status", status);
	cJSON_AddStringToObject(a, "expires_at", gap_str(req, "expires_at"));
	if (note)
		cJSON_AddStringToObject(a, "note", note);
	guard_json_set(ev, "approval", a);
}

/* Who approved, for the decision's reason. */
static char *
approvers(const cJSON *req)
{
	struct guard_buf b = GUARD_BUF_INIT;
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		if (!strcmp(gap_str(d, "verdict"), "approve"))
			guard_buf_addf(&b, "%s%s", b.len ? ", " : "", gap_str(d, "by"));
	return guard_buf_detach(&b);
}

static int
allow(const struct guard_policy *p, struct guard_approval_store *s, const struct guard_approval_config *c,
      cJSON *ev, cJSON *req)
{
	cJSON *decision = cJSON_GetObjectItemCaseSensitive(ev, "decision");
	char now[GUARD_TIME_LEN], *who = approvers(req);
	char *reason = guard_xasprintf("approved by %s (request %s)", who, gap_str(req, "id"));
	int rc = 0;

	free(who);
	if (c->single_use) {
		guard_time_now(now);
		/* the marker first: once it exists, no file can say unused again */
		if ((rc = guard_approval_consume_mark(s->root, req, now)) < 0) {
			free(reason);
			return rc;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(req, "status", cJSON_CreateString("consumed"));
		cJSON_ReplaceItemInObjectCaseSensitive(req, "consumed_at", cJSON_CreateString(now));
		if ((rc = guard_approval_audit_save(s, p, s->root, req, "approval.status_changed", NULL,
						    "approved")) < 0) {
			free(reason);
			return rc; /* not consumed, so not allowed */
		}
	}
	guard_json_set(decision, "asked", cJSON_CreateString(gap_str(decision, "rule")));
	guard_json_set(decision, "effect", cJSON_CreateString("allow"));
	guard_json_set(decision, "rule", cJSON_CreateString("guard.approved"));
	guard_json_set(decision, "reason", cJSON_CreateString(reason));
	cJSON_DeleteItemFromObjectCaseSensitive(decision, "unattended");
	set_approval(ev, req, c->single_use ? "consumed" : "approved", NULL);
	free(reason);
	return 0;
}

/* A rejection in force answers the agent: deny, with who said no, when and why. */
static void
rejected(cJSON *ev, const cJSON *req, const char *reason)
{
	cJSON *decision = cJSON_GetObjectItemCaseSensitive(ev, "decision");

	guard_json_set(decision, "asked", cJSON_CreateString(gap_str(decision, "rule")));
	guard_json_set(decision, "effect", cJSON_CreateString("deny"));
	guard_json_set(decision, "rule", cJSON_CreateString("guard.rejected"));
	guard_json_set(decision, "reason", cJSON_CreateString(reason));
	set_approval(ev, req, "rejected", NULL);
}

/* 1 (with why) when the approval has a consumption marker, whatever its file says. */
static int
used_already(const char *root, const cJSON *req, char why[GUARD_APPROVAL_WHY_MAX])
{
	char *at = NULL;
	int rc = guard_approval_consumed(root, gap_str(req, "id"), &at);

	if (rc == 1)
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "request %s was used at %.40s; its file no longer says so, and is not believed",
			 gap_str(req, "id"), at);
	free(at);
	return rc;
}

/*
 * A file the command runs that guard could not read when rating (risk
 * "files": "unreadable PATH", or "secret PATH": not read), or content it
 * fetches when it runs ("remote URL", J16): its bytes are unknown, so no
 * approval can bind them and none is used. The entry, or NULL.
 */
static const char *
unbound_file(const cJSON *ev)
{
	static const char *const kinds[] = { "unreadable ", "secret ", "remote ", NULL };
	const cJSON *f;

	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "risk"), "files"))
		for (size_t k = 0; cJSON_IsString(f) && kinds[k]; k++)
			if (!strncmp(f->valuestring, kinds[k], strlen(kinds[k])))
				return f->valuestring;
	return NULL;
}

/* Why no approval is used for the unbound entry (unbound_file) e. */
static void
unbound_why(const char *e, char why[GUARD_APPROVAL_WHY_MAX])
{
	if (!strncmp(e, "remote ", 7))
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "the content this action runs is remote or unseen (%.120s): "
			 "guard cannot bind its bytes, so no approval is used", e + 7);
	else
		snprintf(why, GUARD_APPROVAL_WHY_MAX, "guard cannot read %.120s, which this action runs (not a regular "
			 "file, or unreadable): no approval can bind its bytes, so none is used", strchr(e, ' ') + 1);
}

static bool
wants_approval(const cJSON *ev, const char *phase)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "decision");
	const char *effect = gap_str(d, "effect");

	if (strcmp(phase, "pre"))
		return false;
	return !strcmp(effect, "ask") ||
	       (!strcmp(effect, "deny") && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "unattended")));
}

int
guard_approval_gate(const struct guard_policy *p, const char *root, cJSON *ev)
{
	struct guard_approval_config c;
	struct guard_approval_store s;
	char why[GUARD_APPROVAL_WHY_MAX] = "";
	cJSON *req = NULL;
	char digest[65], *said_no = NULL;
	bool created;
	int rc;

	if (!wants_approval(ev, *gap_str(ev, "phase") ? gap_str(ev, "phase") : "pre"))
		return 0;
	if ((rc = guard_approval_config(p, &c)) < 0)
		return rc;
	if (!c.enabled) {
		/* the seed's fallback: an ask goes to the agent's own prompt */
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "status", "disabled");
		cJSON_AddStringToObject(a, "note", c.overridden[0] ? "approval workflow disabled by APPROVAL_WORKFLOW_ENABLED; the ask stays with the agent's own prompt"
					: "approval workflow disabled (approval.enabled: false); the ask stays with the agent's own prompt");
		guard_json_set(ev, "approval", a);
		return 0;
	}
	if ((rc = guard_approval_digest(ev, digest)) < 0 ||
	    (rc = guard_approval_store_open(&s, root, true)) < 0)
		return rc;
	if ((rc = guard_approval_lock_action(&s, digest)) < 0)
		goto out;
	if ((rc = gap_index_get(&s, digest, &req)) < 0)
		goto out;
	if (req && guard_approval_rejection(req, &c, &said_no) == 1) {
		rejected(ev, req, said_no);
		free(said_no);
		goto out;
	}
	const char *unbound = unbound_file(ev);
	if (unbound)
		unbound_why(unbound, why);
	if (req && !unbound && !strcmp(guard_approval_status(req, NULL), "approved")) {
		enum guard_level level = GUARD_LEVEL_CRITICAL;
		guard_level_parse(gap_str(cJSON_GetObjectItemCaseSensitive(ev, "risk"), "level"), &level);
		if (guard_approval_valid(p, &c, req, level, why)) {
			if ((rc = used_already(root, req, why)) < 0)
				goto out;
			if (rc == 0) {
				rc = allow(p, &s, &c, ev, req);
				goto out;
			}
		}
	}
	cJSON_Delete(req);
	req = NULL;
	if ((rc = guard_approval_request(&s, &c, ev, digest, &req, &created)) < 0)
		goto out;
	if (created && (rc = guard_approval_audit(p, root, req, "approval.required", NULL)) < 0)
		goto out;
	set_approval(ev, req, "pending", why[0] ? why : NULL);
	cJSON_AddBoolToObject(cJSON_GetObjectItemCaseSensitive(ev, "approval"), "created", created);
out:
	cJSON_Delete(req);
	guard_approval_store_close(&s);
	return rc;
}

/* ---- waiting ---- */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
guard_approval_wait(struct guard_approval_store *s, const char *id, long long max_s, long long poll_ms,
		    guard_approval_tick tick, void *arg, cJSON **final)
{
	long long deadline = max_s > 0 ? now_ms() + max_s * 1000 : -1;
	int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), rc;
	const char *state;
	char buf[4096];

	*final = NULL;
	/* inotify wakes us at once on a decision; polling is the fallback */
	if (ino >= 0 && inotify_add_watch(ino, s->dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		close(ino);
		ino = -1;
	}
	for (;;) {
		long long left, wait;
		cJSON *req;

		if ((rc = guard_approval_load(s, id, &req)) < 0)
			break;
		state = guard_approval_status(req, &left);
		if (tick)
			tick(req, state, left, arg);
		if (strcmp(state, "pending")) {
			*final = req;
			rc = !strcmp(state, "approved") || !strcmp(state, "consumed") ? 0
			   : !strcmp(state, "expired") ? GUARD_EEXPIRED : GUARD_EDENY;
			break;
		}
		cJSON_Delete(req);
		wait = poll_ms;
		if (left * 1000 < wait)
			wait = left * 1000 + 10;
		if (deadline >= 0) {
			if (now_ms() >= deadline) {
				rc = guard_error(GUARD_EEXPIRED, "no decision on %s within %llds", id, max_s);
				break;
			}
			if (deadline - now_ms() < wait)
				wait = deadline - now_ms();
		}
		if (ino >= 0) {
			struct pollfd pfd = { ino, POLLIN, 0 };
			if (poll(&pfd, 1, (int)(wait > 0 ? wait : 0)) > 0)
				while (read(ino, buf, sizeof(buf)) > 0)
					;
		} else {
			struct timespec ts = { wait / 1000, (wait % 1000) * 1000000 };
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	if (ino >= 0)
		close(ino);
	return rc;
}
