/*
 * The policy test runner: load the cases file (with positions, so a bad
 * case is reported as file:line:col), load the policy it names, and for
 * each case build the event, rate it with the risk stage unless it
 * carries a risk already, decide, and compare.
 */
#include "guard_error.h"
#include "guard_path.h"
#include "guard_policy_internal.h"
#include "guard_suggest.h"
#include "guard_policy_test.h"
#include "guard_risk.h"

#define DEFAULT_PROJECT "/guard-test/project"

static const char *const file_keys[] = { "policy", "profile", "project", "cwd", "actor", "cases", NULL };
static const char *const case_keys[] = { "name", "event", "tool", "input", "command", "cwd", "actor", "risk",
					 "source", "phase", "expect", "rule", NULL };
static const char *const policy_keys[] = { "builtin", "user", "managed", "project", "nightbuilder", NULL };

struct runner {
	struct guard_yaml_doc doc;
	struct guard_list errors;
	char *dir;               /* of the case file */
	char *paths[5];          /* layer files named by "policy:" (owned) */
	const char *project, *cwd, *profile;
	const cJSON *actor;
};

static void
check_keys(struct runner *r, const cJSON *obj, const char *const *known, const char *what)
{
	for (const cJSON *m = obj->child; m; m = m->next) {
		bool ok = false;
		for (const char *const *k = known; *k && !ok; k++)
			ok = !strcmp(*k, m->string);
		if (ok)
			continue;
		const char *hint = guard_suggest(m->string, known);
		if (hint)
			guard_yaml_error(&r->doc, m, true, &r->errors, "unknown key '%s' in %s, did you mean '%s'?",
					 m->string, what, hint);
		else
			guard_yaml_error(&r->doc, m, true, &r->errors, "unknown key '%s' in %s", m->string, what);
	}
}

static const char *
str_at(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *
relative_to(const char *dir, const char *path)
{
	return path[0] == '/' ? guard_xstrdup(path) : guard_xasprintf("%s/%s", dir, path);
}

/* "policy:" as a path, a list (builtin, user, managed, project) or a map. */
static void
read_policy_key(struct runner *r, const cJSON *v, struct guard_policy_sources *src)
{
	const char **slots[5] = { &src->builtin, &src->user, &src->managed, &src->project, &src->nightbuilder };
	int i = 0;

	src->user = src->managed = src->project = "";
	if (cJSON_IsString(v)) {
		r->paths[0] = relative_to(r->dir, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		for (const cJSON *c = v->child; c; c = c->next, i++) {
			if (i >= 4 || !cJSON_IsString(c)) {
				guard_yaml_error(&r->doc, c, false, &r->errors,
						 "policy: a list names at most the builtin, user, managed and project files");
				return;
			}
			r->paths[i] = relative_to(r->dir, c->valuestring);
		}
	} else if (cJSON_IsObject(v)) {
		check_keys(r, v, policy_keys, "policy");
		for (i = 0; i < 5; i++) {
			const char *s = str_at(v, policy_keys[i]);
			if (s)
				r->paths[i] = relative_to(r->dir, s);
		}
	} else {
		guard_yaml_error(&r->doc, v, false, &r->errors, "policy: a path, a list of paths or a mapping");
		return;
	}
	for (i = 0; i < 5; i++)
		if (r->paths[i])
			*slots[i] = r->paths[i];
}

/* The event of one case (a new object), or NULL after recording an error. */
static cJSON *
build_event(struct runner *r, const cJSON *c)
{
	const cJSON *event = cJSON_GetObjectItemCaseSensitive(c, "event");
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(c, "input");
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(c, "actor");
	const cJSON *risk = cJSON_GetObjectItemCaseSensitive(c, "risk");
	const char *tool = str_at(c, "tool"), *command = str_at(c, "command");
	const char *cwd = str_at(c, "cwd");
	cJSON *ev;

	if (event) {
		if (!cJSON_IsObject(event)) {
			guard_yaml_error(&r->doc, event, false, &r->errors, "event must be a mapping");
			return NULL;
		}
		ev = cJSON_Duplicate(event, 1);
	} else {
		if (!tool && !command) {
			guard_yaml_error(&r->doc, c, false, &r->errors, "a case needs 'event', or 'tool' with 'input', or 'command'");
			return NULL;
		}
		ev = cJSON_CreateObject();
		cJSON_AddNumberToObject(ev, "v", 1);
		cJSON_AddStringToObject(ev, "source", str_at(c, "source") ? str_at(c, "source") : "cli");
		cJSON_AddStringToObject(ev, "phase", str_at(c, "phase") ? str_at(c, "phase") : "pre");
		cJSON_AddStringToObject(ev, "tool", tool ? tool : "Bash");
		if (input && !cJSON_IsObject(input)) {
			guard_yaml_error(&r->doc, input, false, &r->errors, "input must be a mapping");
			cJSON_Delete(ev);
			return NULL;
		}
		cJSON *in = input ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
		if (command)
			cJSON_AddStringToObject(in, "command", command);
		cJSON_AddItemToObject(ev, "input", in);
		if (risk)
			cJSON_AddItemToObject(ev, "risk", cJSON_Duplicate(risk, 1));
	}
	if (!ev)
		guard_oom();
	if (!cJSON_GetObjectItemCaseSensitive(ev, "project"))
		cJSON_AddStringToObject(ev, "project", r->project);
	if (!cJSON_GetObjectItemCaseSensitive(ev, "cwd"))
		cJSON_AddStringToObject(ev, "cwd", cwd ? cwd : r->cwd ? r->cwd : r->project);
	if (!cJSON_GetObjectItemCaseSensitive(ev, "actor")) {
		const cJSON *a = actor ? actor : r->actor;
		if (a)
			cJSON_AddItemToObject(ev, "actor", cJSON_Duplicate(a, 1));
		else {
			cJSON *na = cJSON_AddObjectToObject(ev, "actor");
			cJSON_AddStringToObject(na, "user", "agent");
			cJSON_AddStringToObject(na, "role", "agent");
		}
	}
	return ev;
}

static void
run_case(struct runner *r, const struct guard_policy *p, const cJSON *c, int index, struct guard_buf *report,
	 int *passed, int *failed)
{
	const char *name = str_at(c, "name"), *expect = str_at(c, "expect"), *want_rule = str_at(c, "rule");
	struct guard_risk_ctx ctx;
	enum guard_effect want;
	char label[32];
	cJSON *ev;

	snprintf(label, sizeof(label), "case %d", index + 1);
	if (!name)
		name = label;
	if (!expect || guard_effect_parse(expect, &want) < 0) {
		guard_yaml_error(&r->doc, expect ? cJSON_GetObjectItemCaseSensitive(c, "expect") : c, false, &r->errors,
				 "%s: expect must be allow, ask or deny", name);
		return;
	}
	if (!(ev = build_event(r, c)))
		return;
	if (!cJSON_GetObjectItemCaseSensitive(ev, "risk")) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.cfg = guard_policy_risk(p);
		ctx.cwd = str_at(ev, "cwd");
		ctx.project = str_at(ev, "project");
		ctx.home = guard_home();
		if (guard_risk_event(&ctx, ev) < 0) {
			/* what the stage does on a failure: fail closed */
			cJSON_DeleteItemFromObjectCaseSensitive(ev, "risk");
		}
	}
	enum guard_effect got = guard_policy_decide(p, ev);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "decision");
	const char *rule = str_at(d, "rule"), *reason = str_at(d, "reason");
	const char *level = str_at(cJSON_GetObjectItemCaseSensitive(ev, "risk"), "level");
	bool ok = got == want && (!want_rule || (rule && !strcmp(rule, want_rule)));
	struct guard_yaml_mark m = guard_yaml_value_mark(&r->doc, c);

	if (ok) {
		(*passed)++;
		guard_buf_addf(report, "ok   %s: %s (rule %s)\n", name, guard_effect_name(got), rule ? rule : "?");
	} else {
		(*failed)++;
		guard_buf_addf(report, "FAIL %s (%s:%u): got %s (rule %s, risk %s: %s), expected %s%s%s\n", name,
			       r->doc.name, m.line, guard_effect_name(got), rule ? rule : "?", level ? level : "none",
			       reason ? reason : "", expect, want_rule ? " by rule " : "", want_rule ? want_rule : "");
	}
	cJSON_Delete(ev);
}

static void
runner_release(struct runner *r)
{
	guard_yaml_release(&r->doc);
	guard_list_clear(&r->errors);
	free(r->dir);
	for (int i = 0; i < 5; i++)
		free(r->paths[i]);
}

static void
report_errors(struct guard_buf *report, const struct guard_list *errors)
{
	for (size_t i = 0; i < errors->len; i++)
		guard_buf_addf(report, "%s\n", errors->items[i]);
}

int
guard_policy_test_file(const char *path, const struct guard_policy_sources *given, struct guard_buf *report,
		       int *passed, int *failed)
{
	struct guard_policy_sources src = { 0 };
	struct guard_policy *p = NULL;
	struct runner r;
	const cJSON *cases, *v;
	const char *slash;
	int rc = 0, index = 0;

	*passed = *failed = 0;
	memset(&r, 0, sizeof(r));
	if (given)
		src = *given;
	slash = strrchr(path, '/');
	r.dir = slash ? guard_xstrndup(path, (size_t)(slash - path)) : guard_xstrdup(".");
	if ((rc = guard_yaml_parse_file(&r.doc, path, &r.errors)) < 0) {
		if (rc == GUARD_ENOTFOUND)
			guard_list_take(&r.errors, guard_xasprintf("%s: not found", path));
		rc = GUARD_EUSAGE;
		goto out;
	}
	if (!cJSON_IsObject(r.doc.root) || !cJSON_IsArray(cases = cJSON_GetObjectItemCaseSensitive(r.doc.root, "cases"))) {
		guard_yaml_error(&r.doc, r.doc.root, false, &r.errors, "a cases file is a mapping with a 'cases:' list");
		rc = GUARD_EUSAGE;
		goto out;
	}
	check_keys(&r, r.doc.root, file_keys, "the cases file");
	if ((v = cJSON_GetObjectItemCaseSensitive(r.doc.root, "policy")))
		read_policy_key(&r, v, &src);
	if ((r.profile = str_at(r.doc.root, "profile")))
		src.profile = r.profile;
	r.project = str_at(r.doc.root, "project");
	if (!r.project)
		r.project = given && given->project_root ? given->project_root : DEFAULT_PROJECT;
	else
		src.project_root = r.project;
	r.cwd = str_at(r.doc.root, "cwd");
	r.actor = cJSON_GetObjectItemCaseSensitive(r.doc.root, "actor");
	for (const cJSON *c = cases->child; c; c = c->next) {
		if (!cJSON_IsObject(c))
			guard_yaml_error(&r.doc, c, false, &r.errors, "a case is a mapping");
		else
			check_keys(&r, c, case_keys, "a case");
	}
	if (r.errors.len) {
		rc = GUARD_EUSAGE;
		goto out;
	}
	if ((rc = guard_policy_load(&p, &src, &r.errors)) < 0)
		goto out;
	for (const cJSON *c = cases->child; c; c = c->next, index++)
		run_case(&r, p, c, index, report, passed, failed);
	if (r.errors.len)
		rc = GUARD_EUSAGE;
out:
	report_errors(report, &r.errors);
	if (rc < 0)
		rc = guard_error(rc, "%s", r.errors.len ? r.errors.items[0] : "cannot run the cases");
	guard_policy_free(p);
	runner_release(&r);
	return rc;
}
