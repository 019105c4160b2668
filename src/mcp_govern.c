/*
 * The governing step of guard mcp, shared by the stdio and the
 * Streamable HTTP transports (src/mcp_govern.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_event.h"
#include "guard_hook.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_session.h"
#include "mcp_govern.h"

void
mcp_gov_note(const struct mcp_gov *g, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "guard mcp[%s]: ", g->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
mcp_opt_common(struct mcp_opts *o, int argc, char **argv, int *i)
{
	if (!strcmp(argv[*i], "--name") && *i + 1 < argc) {
		o->name = argv[++*i];
	} else if (!strcmp(argv[*i], "--propose")) {
		o->propose = true;
	} else if (!strcmp(argv[*i], "--max-frame") && *i + 1 < argc) {
		char *end;
		unsigned long long v = strtoull(argv[++*i], &end, 10);
		if (*end || !v || v > ((size_t)1 << 30))
			return guard_error(GUARD_EUSAGE, "--max-frame takes a byte count from 1 to 1073741824, not '%s'", argv[*i]);
		o->max_frame = (size_t)v;
	} else {
		return 0;
	}
	return 1;
}

void
mcp_id_text(const cJSON *id, char out[GUARD_MCP_ID_MAX])
{
	out[0] = '\0';
	if (!cJSON_IsString(id) && !cJSON_IsNumber(id))
		return;
	/* a whole number (most ids): printed at once, not by cJSON's %g and sscanf round trip */
	if (cJSON_IsNumber(id) && id->valuedouble >= -9007199254740992.0 && id->valuedouble <= 9007199254740992.0 &&
	    id->valuedouble == (double)(long long)id->valuedouble) {
		snprintf(out, GUARD_MCP_ID_MAX, "%lld", (long long)id->valuedouble);
		return;
	}
	char *s = cJSON_PrintUnformatted(id);
	if (s && strlen(s) < GUARD_MCP_ID_MAX)
		snprintf(out, GUARD_MCP_ID_MAX, "%s", s);
	cJSON_free(s);
}

/*
 * The raw token of the top-level "id" of data (or with parent, of the
 * member idkey of the top-level object parent) when it holds the value
 * idv (a string or number), else "".
 */
static void
id_raw(const cJSON *idv, const char *data, size_t len, const char *parent, const char *idkey, char out[GUARD_MCP_ID_MAX])
{
	struct guard_mcp_idscan s;
	cJSON *v;

	out[0] = '\0';
	guard_mcp_idscan_member(&s, parent, idkey);
	guard_mcp_idscan_feed(&s, data, len);
	if (!*s.id || !(v = cJSON_Parse(s.id)))
		return;
	/* the scanner and cJSON read the same member (a key spelled with escapes, or twice, could differ) */
	bool same = cJSON_IsString(idv) ? cJSON_IsString(v) && !strcmp(v->valuestring, idv->valuestring)
					: cJSON_IsNumber(v) && (v->valuedouble == idv->valuedouble ||
								(isnan(v->valuedouble) && isnan(idv->valuedouble)));
	if (same)
		snprintf(out, GUARD_MCP_ID_MAX, "%s", s.id);
	cJSON_Delete(v);
}

static void
id_take(const cJSON *idv, const char *data, size_t len, const char *parent, const char *idkey, char *raw,
	char key[GUARD_MCP_ID_MAX])
{
	char buf[GUARD_MCP_ID_MAX];

	mcp_id_text(idv, key);
	if (!*key) {
		if (raw)
			raw[0] = '\0';
		return;
	}
	bool unprintable = !strcmp(key, "null"); /* cJSON prints inf as null */
	if (!raw && !unprintable)
		return;
	id_raw(idv, data, len, parent, idkey, raw ? raw : buf);
	if (!*(raw ? raw : buf)) { /* too long, or a key spelled with escapes: no spelling to answer with */
		key[0] = '\0';
		return;
	}
	if (unprintable)
		snprintf(key, GUARD_MCP_ID_MAX, "%s", raw ? raw : buf);
}

void
mcp_id_take(const cJSON *idv, const char *data, size_t len, char *raw, char key[GUARD_MCP_ID_MAX])
{
	id_take(idv, data, len, NULL, NULL, raw, key);
}

void
mcp_cancel_key(const cJSON *msg, const char *data, size_t len, char key[GUARD_MCP_ID_MAX])
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(msg, "params"), "requestId");
	id_take(rid, data, len, "params", "requestId", NULL, key);
}

int
mcp_name_check(const char *name)
{
	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(name) ||
	    strstr(name, "__"))
		return guard_error(GUARD_EUSAGE, "--name '%s': use letters, digits, '-', '_' and '.' (no '__'): "
				   "it names the tools mcp__NAME__TOOL", name);
	return 0;
}

int
mcp_gov_init(struct mcp_gov *g, const char *name, bool propose, size_t max_frame)
{
	memset(g, 0, sizeof(*g));
	g->name = name;
	g->propose_flag = propose;
	g->max_flag = max_frame;
	g->session = getenv("GUARD_SESSION");
	if (g->session && !*g->session)
		g->session = NULL;
	if (!(g->cwd = getcwd(NULL, 0)))
		return guard_error(GUARD_EIO, "cannot determine the current directory: %s", strerror(errno));
	guard_project_root(g->cwd, &g->project);
	if (!g->project)
		g->project = guard_xstrdup(g->cwd);
	return 0;
}

/* A folder relative paths may start from, kept unless it is guard's directory or known (true when new). */
static bool
root_add(struct mcp_gov *g, const char *dir)
{
	char *abs = guard_path_resolve(g->cwd, dir, guard_home());
	bool added = strcmp(abs, g->cwd) && !guard_list_has(&g->roots, abs) && g->roots.len < MCP_ROOTS_MAX;

	if (added)
		guard_list_add(&g->roots, abs);
	free(abs);
	return added;
}

void
mcp_gov_roots(struct mcp_gov *g, char *const *argv)
{
	struct stat st;

	for (size_t i = 0; argv[i]; i++) {
		const char *v = argv[i], *eq = strchr(v, '=');
		if (v[0] == '-' && eq)
			v = eq + 1;
		if (*v && stat(v, &st) == 0 && S_ISDIR(st.st_mode))
			root_add(g, v);
	}
}

size_t
mcp_gov_learn_roots(struct mcp_gov *g, const cJSON *result)
{
	const cJSON *roots = cJSON_GetObjectItemCaseSensitive(result, "roots"), *it;
	size_t seen = 0, added = 0;

	if (!cJSON_IsArray(roots))
		return 0;
	cJSON_ArrayForEach(it, roots) {
		const cJSON *uri = cJSON_GetObjectItemCaseSensitive(it, "uri");
		char *path;
		if (++seen > MCP_ROOTS_READ)
			break;
		if (!cJSON_IsString(uri) || strlen(uri->valuestring) > MCP_ROOT_URI_MAX ||
		    !(path = guard_mcp_file_uri_path(uri->valuestring)))
			continue;
		if (g->roots.len >= MCP_ROOTS_MAX && !guard_list_has(&g->roots, path)) /* more than the risk stage judges */
			mcp_gov_note(g, "the client's root %s is past the %d folders kept: calls are rated high", path,
				     MCP_ROOTS_MAX);
		else if (root_add(g, path))
			added++;
		free(path);
	}
	return added;
}

void
mcp_gov_spawned(struct mcp_gov *g, char *const *argv)
{
	/* programs that run what they are given somewhere else: a pod, a container, another machine */
	static const char *const remote[] = { "kubectl", "oc", "docker", "podman", "nerdctl", "crictl", "ctr", "lxc",
					      "incus", "ssh", "mosh", "gcloud", "aws", "az", "vagrant", NULL };
	const char *slash = strrchr(argv[0], '/'), *prog = slash ? slash + 1 : argv[0];

	g->spawned_local = true;
	for (size_t i = 0; remote[i]; i++)
		if (!strcmp(prog, remote[i]))
			g->spawned_local = false;
	/* a container that mounts a folder of this machine writes there: local */
	bool engine = !strcmp(prog, "docker") || !strcmp(prog, "podman") || !strcmp(prog, "nerdctl");
	for (size_t i = 1; engine && !g->spawned_local && argv[i]; i++)
		if (!strncmp(argv[i], "-v", 2) || !strncmp(argv[i], "--volume", 8) || !strncmp(argv[i], "--mount", 7))
			g->spawned_local = true;
}

bool
mcp_gov_local(const struct mcp_gov *g)
{
	return g->cfg.remote < 0 ? g->spawned_local : !g->cfg.remote;
}

void
mcp_gov_release(struct mcp_gov *g)
{
	if (g->cwd)
		mcp_gov_results_write(g);
	cJSON_Delete(g->later);
	g->later = NULL;
	guard_list_clear(&g->roots);
	guard_mcp_tools_release(&g->tools);
	guard_audit_close(g->log);
	g->log = NULL;
	if (g->stages_on)
		guard_stages_release(&g->stages);
	g->stages_on = false;
	free(g->cwd);
	free(g->project);
	g->cwd = g->project = NULL;
}

/* ---- the policy: loaded again as soon as a layer file changes ---- */

/* A file's identity and version, to see an edit without reading it. */
static void
file_sig(const char *path, char out[96])
{
	struct stat st;

	if (!path || stat(path, &st) < 0)
		snprintf(out, 96, "-");
	else
		snprintf(out, 96, "%lx:%lx:%lld:%ld.%09ld", (unsigned long)st.st_dev, (unsigned long)st.st_ino,
			 (long long)st.st_size, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/* Did any layer file change since the policy was loaded? Records the new look. */
static bool
layers_changed(struct mcp_gov *g)
{
	const char *env_default = getenv("GUARD_DEFAULT_POLICY"), *env_managed = getenv("GUARD_MANAGED_POLICY");
	char *user = guard_policy_user_path();
	char *project = guard_xasprintf("%s/.ai/policy.yaml", g->project);
	const char *paths[4] = { env_default && *env_default ? env_default : GUARD_DATADIR "/default.yaml", user,
				 env_managed ? env_managed : "/etc/guard/policy.yaml", project };
	bool changed = false;

	for (size_t i = 0; i < 4; i++) {
		char now[96];
		file_sig(paths[i], now);
		if (strcmp(now, g->sig[i])) {
			changed = true;
			memcpy(g->sig[i], now, sizeof(now));
		}
	}
	free(user);
	free(project);
	return changed;
}

int
mcp_gov_policy(struct mcp_gov *g, const struct guard_policy **p)
{
	int rc;

	if (layers_changed(g) || !g->stages_on) {
		guard_audit_close(g->log);
		g->log = NULL;
		if (g->stages_on)
			guard_stages_release(&g->stages);
		guard_hook_stages(&g->stages, NULL);
		g->stages_on = true;
	}
	if ((rc = guard_stages_policy(&g->stages, g->project, p)) < 0) {
		g->sig[0][0] = '\0'; /* try again next time */
		return rc;
	}
	guard_policy_mcp(*p, g->name, &g->cfg);
	if (g->max_flag && g->max_flag < g->cfg.max_frame_bytes)
		g->cfg.max_frame_bytes = g->max_flag;
	g->tools.trusted = g->cfg.trusted;
	return 0;
}

/*
 * Does an MCP tool write? Unless a trusted server says it is read-only
 * (an untrusted server's readOnlyHint never reaches the event), the paths
 * its arguments name are what it writes (attacker finding M6: not a word
 * list of tool names).
 */
static bool
tool_writes(const cJSON *ev)
{
	return !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "hints"), "readOnlyHint"));
}

static bool
listed(const cJSON *list, const char *s)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, list)
		if (cJSON_IsString(t) && !strcmp(t->valuestring, s))
			return true;
	return false;
}

/*
 * One path argument of a writing tool (relative to dir), as the analyzer
 * shows targets, added to risk.targets when new (one outside the project
 * that the analyzer saw as a read is counted already).
 */
static void
add_target(struct mcp_gov *g, cJSON *risk, cJSON *targets, const char *dir, const char *path)
{
	if (!*path)
		return;
	char *abs = guard_path_resolve(dir, path, guard_home());
	char *shown = guard_path_display(g->project, abs);
	if (!listed(targets, shown) && (shown[0] != '/' || !listed(cJSON_GetObjectItemCaseSensitive(risk, "reads"), shown)))
		cJSON_AddItemToArray(targets, cJSON_CreateString(shown));
	free(shown);
	free(abs);
}

struct write_walk {
	struct mcp_gov *g;
	cJSON *risk, *targets;
};

static void
write_target(void *arg, const char *key, const char *path)
{
	struct write_walk *w = arg;
	(void)key;
	add_target(w->g, w->risk, w->targets, w->g->cwd, path);
	/* the server resolves a relative path against one of its folders (which, guard cannot tell): each counts */
	if (path[0] != '/' && path[0] != '~')
		for (size_t i = 0; i < w->g->roots.len; i++)
			add_target(w->g, w->risk, w->targets, w->g->roots.items[i], path);
}

/*
 * The files a writing MCP tool names in its arguments (every string that
 * names a path, whatever its key: guard_mcp_arg_paths), in risk.targets,
 * so that the session counts them as it counts the Write tool's: created,
 * modified, deleted (before the call from what exists, after it from what
 * changed). A policy that rates the tool (risk.tools) leaves the analyzer
 * no targets: these are its only record.
 */
static void
write_targets(struct mcp_gov *g, cJSON *ev)
{
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(ev, "input");
	cJSON *risk = cJSON_GetObjectItemCaseSensitive(ev, "risk"), *targets;

	if (!cJSON_IsObject(risk) || !cJSON_IsObject(input) || !tool_writes(ev))
		return;
	if (!cJSON_IsArray(targets = cJSON_GetObjectItemCaseSensitive(risk, "targets"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(risk, "targets");
		targets = cJSON_AddArrayToObject(risk, "targets");
	}
	struct write_walk w = { g, risk, targets };
	guard_mcp_arg_paths(input, g->cwd, write_target, &w);
}

/*
 * An unattended session ($GUARD_SESSION) counts the call as the hook's
 * tool calls count (the files a writing tool names among them); a limit
 * it breaks that ends the session denies the call with the reason.
 */
static int
session_track(struct mcp_gov *g, const struct guard_policy *p, cJSON *ev)
{
	int rc;

	if (!g->session)
		return 0;
	if (!strcmp(guard_event_str(ev, "phase") ?: "", "pre"))
		write_targets(g, ev);
	if ((rc = guard_session_track(g->project, g->session, p, ev)) < 0)
		return rc;
	/* the session ended: this call is denied too (the hook stops the agent), and says why */
	const char *stop = guard_event_str(ev, "stop.reason");
	cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "decision");
	if (!stop || !cJSON_IsObject(d) || strstr(guard_event_str(ev, "decision.reason") ?: "", stop))
		return 0;
	if (!strcmp(guard_event_str(ev, "decision.effect") ?: "", "allow")) {
		guard_json_set(d, "effect", cJSON_CreateString("deny"));
		guard_json_set(d, "rule", cJSON_CreateString("session.stop"));
		guard_json_set(d, "reason", cJSON_CreateString(stop));
	} else {
		char *r = guard_xasprintf("%s; %s", guard_event_str(ev, "decision.reason") ?: "", stop);
		guard_json_set(d, "reason", cJSON_CreateString(r));
		free(r);
	}
	return 0;
}

/* The hook's fail-closed answer, recorded when the log can take it (ev taken). */
static char *
failed(struct mcp_gov *g, const struct guard_policy *p, cJSON *ev, int rc)
{
	char *why = guard_xasprintf("guard denied this call (%s): %s", guard_fail_rule(rc), guard_error_last());
	mcp_gov_note(g, "%s", why);
	if (ev && p) {
		ev = guard_stage_fail(ev, rc);
		guard_stage_audit_keep(&g->stages, &g->log, ev);
	}
	cJSON_Delete(ev);
	return why;
}

/*
 * The end of a call's judgement: what is not an allow yet becomes the
 * hook's deny (why added), the session counts it, the audit records it.
 */
static enum mcp_verdict
conclude(struct mcp_gov *g, const struct guard_policy *p, cJSON **ev, const char *why, char **text)
{
	struct guard_stages *st = &g->stages;
	int rc;

	if ((rc = guard_hook_settle(st, p, *ev)) == 0 && why) {
		char *r = guard_xasprintf("%s (%s)", guard_event_str(*ev, "decision.reason") ?: "", why);
		guard_json_set(cJSON_GetObjectItemCaseSensitive(*ev, "decision"), "reason", cJSON_CreateString(r));
		free(r);
	}
	if (rc < 0 || (rc = session_track(g, p, *ev)) < 0 || (rc = guard_stage_audit_keep(st, &g->log, *ev)) < 0) {
		*text = failed(g, p, *ev, rc);
		*ev = NULL;
		return MCP_ANSWER;
	}
	if (!strcmp(guard_event_str(*ev, "decision.effect") ?: "", "allow"))
		return MCP_FORWARD;
	*text = guard_mcp_refusal_text(*ev, g->cfg.propose || g->propose_flag);
	cJSON_Delete(*ev);
	*ev = NULL;
	return MCP_ANSWER;
}

/* An ask the gate left pending, that may wait for a person (approval.hook_wait)? */
static bool
may_park(struct mcp_gov *g, const struct guard_policy *p, const cJSON *ev, struct mcp_wait *w)
{
	struct guard_approval_config c;
	const char *appr = guard_event_str(ev, "approval.id");

	if (g->propose_flag || g->cfg.propose || !appr || strlen(appr) >= GUARD_APPROVAL_ID_LEN ||
	    strcmp(guard_event_str(ev, "decision.effect") ?: "", "ask") || guard_approval_config(p, &c) < 0 ||
	    c.hook_wait <= 0)
		return false;
	snprintf(w->appr, sizeof(w->appr), "%s", appr);
	w->wait_s = c.hook_wait;
	w->poll_ms = c.poll_ms;
	return true;
}

enum mcp_verdict
mcp_gov_decide(struct mcp_gov *g, const cJSON *msg, size_t len, bool may_wait, cJSON **ev, char **text,
	       struct mcp_wait *w)
{
	const struct guard_policy *p = NULL;
	double start;
	int rc;

	*ev = NULL;
	*text = NULL;
	/* results answered already are recorded first: the session counts them before it judges this call */
	mcp_gov_results_write(g);
	start = guard_hook_clock_ms();
	if ((rc = mcp_gov_policy(g, &p)) < 0 || (rc = guard_mcp_call_event(msg, g->name, &g->tools, g->cwd, ev)) < 0 ||
	    (rc = guard_event_complete(*ev, "mcp")) < 0)
		goto fail;
	if (g->roots.len) {
		cJSON *roots = cJSON_AddArrayToObject(*ev, "mcp_roots");
		for (size_t i = 0; i < g->roots.len; i++)
			cJSON_AddItemToArray(roots, cJSON_CreateString(g->roots.items[i]));
	}
	if (mcp_gov_local(g))
		cJSON_AddBoolToObject(*ev, "mcp_local", true);
	if (g->session) {
		/* pairs the call with its result, so the session sees which files it created or changed */
		char use[37];
		guard_uuid(use);
		cJSON_AddStringToObject(*ev, "tool_use_id", use);
	}
	if (len > guard_policy_max_event_bytes(p)) {
		rc = guard_error(GUARD_EUSAGE, "the call is %zu bytes, over the %zu-byte limit (limits.max_event_bytes)",
				 len, guard_policy_max_event_bytes(p));
		goto fail;
	}
	if ((rc = guard_hook_pre_gate(&g->stages, p, *ev)) < 0)
		goto fail;
	/* the proxy's judgement of the call (a wait for a person, if any, comes after) */
	guard_hook_add_timing(*ev, start, 0);
	if (may_wait && may_park(g, p, *ev, w))
		return MCP_WAIT;
	return conclude(g, p, ev, NULL, text);
fail:
	*text = failed(g, p, *ev, rc);
	*ev = NULL;
	return MCP_ANSWER;
}

void
mcp_gov_settle(struct mcp_gov *g, cJSON *ev, const char *why, char **text)
{
	const struct guard_policy *p = NULL;
	int rc;

	if ((rc = mcp_gov_policy(g, &p)) < 0) {
		*text = failed(g, NULL, ev, rc);
		return;
	}
	if (conclude(g, p, &ev, why, text) == MCP_FORWARD) { /* cannot be: settle leaves no ask allowed */
		cJSON_Delete(ev);
		*text = guard_xstrdup("guard denied this call: it waited for a person and was not approved");
	}
}

/*
 * A result event, recorded (ev kept): the session counts it, the audit
 * records it, under the policy its call was decided by (the layer files
 * are looked at again before the next decision, not for each result:
 * four stats a call fewer).
 */
static void
result_write(struct mcp_gov *g, cJSON *ev)
{
	const struct guard_policy *pol;
	int rc = g->stages_on ? guard_stages_policy(&g->stages, g->project, &pol) : mcp_gov_policy(g, &pol);

	if (guard_event_complete(ev, "mcp") < 0 || rc < 0 || session_track(g, pol, ev) < 0 ||
	    guard_stage_audit_keep(&g->stages, &g->log, ev) < 0)
		mcp_gov_note(g, "the result of %s is not in the audit log: %s", guard_event_str(ev, "tool"),
			     guard_error_last());
}

static cJSON *
result_event(const cJSON *pre, const cJSON *answer, const char *why, double ms)
{
	cJSON *ev = guard_mcp_result_event(pre, answer, why, ms);
	const cJSON *use = cJSON_GetObjectItemCaseSensitive(pre, "tool_use_id");

	if (cJSON_IsString(use))
		cJSON_AddStringToObject(ev, "tool_use_id", use->valuestring);
	return ev;
}

void
mcp_gov_result(struct mcp_gov *g, const cJSON *pre, const cJSON *answer, const char *why, double ms)
{
	cJSON *ev = result_event(pre, answer, why, ms);

	mcp_gov_results_write(g); /* the held ones first: the log keeps the order */
	result_write(g, ev);
	cJSON_Delete(ev);
}

void
mcp_gov_result_later(struct mcp_gov *g, const cJSON *pre, const cJSON *answer, const char *why, double ms)
{
	if (!g->later)
		g->later = cJSON_CreateArray();
	cJSON_AddItemToArray(g->later, result_event(pre, answer, why, ms));
	if (cJSON_GetArraySize(g->later) >= MCP_LATER_MAX)
		mcp_gov_results_write(g);
}

bool
mcp_gov_results_write(struct mcp_gov *g)
{
	cJSON *later = g->later, *ev;

	if (!later || !later->child)
		return false;
	g->later = NULL;
	cJSON_ArrayForEach(ev, later)
		result_write(g, ev);
	cJSON_Delete(later);
	return true;
}

const char *
mcp_gov_approval_state(const char *project, const char *id, char *buf, size_t size)
{
	struct guard_approval_store st = GUARD_APPROVAL_STORE_INIT;
	cJSON *req = NULL;
	long long left;

	snprintf(buf, size, "pending");
	if (guard_approval_store_open(&st, project, false) == 0 && guard_approval_load(&st, id, &req) == 0)
		snprintf(buf, size, "%s", guard_approval_status(req, &left));
	else
		guard_error_clear();
	cJSON_Delete(req);
	guard_approval_store_close(&st);
	return buf;
}
