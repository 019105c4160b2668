/*
 * Merging the layers into one policy tree (DESIGN.md section 5).
 *
 * Trusted layers (builtin, user, managed, applied in that order) change
 * what came before: scalars and maps by key, rules and id'd entries by
 * id, risk lists extended. The project layer is the one the agent can
 * write, so everything it says passes a "tighter or equal" test; what
 * fails is ignored and reported as a warning (guard doctor shows them).
 */
#include <math.h>
#include <stdarg.h>

#include "guard_buf.h"
#include "guard_glob.h"
#include "guard_json.h"
#include "guard_policy_internal.h"

static void __attribute__((format(printf, 5, 6)))
warn(struct gp_merge *m, const struct guard_yaml_doc *doc, const cJSON *node, bool at_key, const char *fmt, ...)
{
	struct guard_buf b = GUARD_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	guard_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	guard_list_take(m->warnings, guard_yaml_message(doc, node, at_key, "%s", b.buf));
	guard_buf_release(&b);
}

static cJSON *
dup(const cJSON *v)
{
	cJSON *c = cJSON_Duplicate(v, 1);
	if (!c)
		guard_oom();
	return c;
}

static cJSON *
child_object(cJSON *obj, const char *key)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsObject(c)) {
		c = cJSON_CreateObject();
		guard_json_set(obj, key, c);
	}
	return c;
}

static cJSON *
child_array(cJSON *obj, const char *key)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsArray(c)) {
		c = cJSON_CreateArray();
		guard_json_set(obj, key, c);
	}
	return c;
}

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
array_has(const cJSON *arr, const char *s)
{
	for (const cJSON *c = arr->child; c; c = c->next)
		if (cJSON_IsString(c) && !strcmp(c->valuestring, s))
			return true;
	return false;
}

void
gp_merge_init(struct gp_merge *m, struct guard_list *warnings)
{
	memset(m, 0, sizeof(*m));
	if (!(m->tree = cJSON_CreateObject()))
		guard_oom();
	m->warnings = warnings;
}

/* ---- scalars at the top ---- */

static int
effect_rank(const char *s)
{
	return !s ? 2 : !strcmp(s, "allow") ? 0 : !strcmp(s, "ask") ? 1 : 2;
}

static void
merge_top_scalar(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer, const cJSON *v)
{
	const char *key = v->string, *cur = str_of(m->tree, key);

	if (layer == GUARD_LAYER_PROJECT) {
		bool looser = false;
		if (!strcmp(key, "mode"))
			looser = !strcmp(v->valuestring, "audit") && (!cur || strcmp(cur, "audit"));
		else if (!strcmp(key, "profile"))
			looser = !strcmp(v->valuestring, "attended") && cur && !strcmp(cur, "unattended");
		else if (!strcmp(key, "default"))
			looser = effect_rank(v->valuestring) < effect_rank(cur);
		if (looser) {
			const char *in_force = cur ? cur : !strcmp(key, "mode") ? "enforce"
				: !strcmp(key, "profile") ? "attended" : "deny";
			warn(m, doc, v, true, "project layer: '%s: %s' ignored (the project layer may only tighten; in force: %s)",
			     key, v->valuestring, in_force);
			return;
		}
	}
	guard_json_set(m->tree, key, dup(v));
	if (!strcmp(key, "mode"))
		m->mode_layer = layer;
	if (!strcmp(key, "profile"))
		m->profile_layer = layer;
}

/* ---- rules and id'd lists ---- */

static cJSON *
find_by(const cJSON *arr, const char *key, const char *value)
{
	for (cJSON *c = arr->child; c; c = c->next) {
		const char *s = str_of(c, key);
		if (s && !strcmp(s, value))
			return c;
	}
	return NULL;
}

static void
merge_rules(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer, const cJSON *v)
{
	cJSON *rules = child_array(m->tree, "rules");
	const char *deflt = str_of(m->tree, "default");
	struct gp_map ids = { 0 };

	for (cJSON *r = rules->child; r; r = r->next)
		if (str_of(r, "id"))
			gp_map_put(&ids, str_of(r, "id"), r);
	for (const cJSON *r = v->child; r; r = r->next) {
		const char *id = str_of(r, "id"), *effect = str_of(r, "effect");
		cJSON *copy = dup(r), *old = id ? gp_map_get(&ids, id) : NULL;

		guard_json_set(copy, "layer", cJSON_CreateString(gp_layer_names[layer]));
		if (layer != GUARD_LAYER_PROJECT) {
			if (id) /* before the old rule (and its key) is freed */
				gp_map_put(&ids, str_of(copy, "id"), copy);
			if (old)
				cJSON_ReplaceItemViaPointer(rules, old, copy);
			else
				cJSON_AddItemToArray(rules, copy);
			continue;
		}
		if (old)
			warn(m, doc, r, false, "project rule '%s' does not replace the %s rule with the same id; both apply",
			     id, str_of(old, "layer"));
		if (effect && !strcmp(effect, "allow") && effect_rank(deflt) > 0)
			warn(m, doc, r, false, "project allow rule '%s' cannot loosen the default (%s); it never decides",
			     id ? id : "?", deflt ? deflt : "deny");
		cJSON_AddItemToArray(rules, copy);
	}
	gp_map_release(&ids);
}

static void
merge_by_id(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer, const cJSON *v)
{
	cJSON *arr = child_array(m->tree, v->string);

	for (const cJSON *e = v->child; e; e = e->next) {
		const char *id = str_of(e, "id");
		cJSON *old = id ? find_by(arr, "id", id) : NULL;
		if (old && layer == GUARD_LAYER_PROJECT) {
			warn(m, doc, e, false, "project layer: %s entry '%s' ignored (it would replace an entry from a trusted layer)",
			     v->string, id);
			continue;
		}
		if (old)
			cJSON_ReplaceItemViaPointer(arr, old, dup(e));
		else
			cJSON_AddItemToArray(arr, dup(e));
	}
}

/* ---- the risk section ---- */

/* Append the entries of v (a string or a list) to the list at key. */
static void
extend_list(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer, cJSON *obj,
	    const char *key, const cJSON *v, bool names)
{
	cJSON *arr = child_array(obj, key);

	for (const cJSON *e = cJSON_IsArray(v) ? v->child : v; e; e = cJSON_IsArray(v) ? e->next : NULL) {
		if (!cJSON_IsString(e))
			continue;
		const char *s = e->valuestring;
		if (*s == '!' && layer == GUARD_LAYER_PROJECT) {
			warn(m, doc, e, false, "project layer: '%s' in %s ignored (the project layer may only add entries)", s, key);
			continue;
		}
		if (*s == '!' && names) {
			/* plain name lists: "!x" removes x */
			for (cJSON *c = arr->child; c; c = c->next)
				if (cJSON_IsString(c) && !strcmp(c->valuestring, s + 1)) {
					cJSON_Delete(cJSON_DetachItemViaPointer(arr, c));
					break;
				}
			continue;
		}
		if (!array_has(arr, s))
			cJSON_AddItemToArray(arr, cJSON_CreateString(s));
	}
}

/* Tool patterns: replaced in place by key; a layer's new patterns go first. */
static void
merge_tools(cJSON *risk, const cJSON *v)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(risk, "tools");
	cJSON *merged = cJSON_CreateObject();

	for (const cJSON *e = v->child; e; e = e->next)
		if (!cJSON_IsObject(old) || !cJSON_GetObjectItemCaseSensitive(old, e->string))
			cJSON_AddItemToObject(merged, e->string, dup(e));
	if (cJSON_IsObject(old))
		for (const cJSON *e = old->child; e; e = e->next) {
			const cJSON *mine = cJSON_GetObjectItemCaseSensitive(v, e->string);
			cJSON_AddItemToObject(merged, e->string, dup(mine ? mine : e));
		}
	guard_json_set(risk, "tools", merged);
}

static void
merge_risk(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer, const cJSON *v)
{
	cJSON *risk = child_object(m->tree, "risk");
	bool project = layer == GUARD_LAYER_PROJECT;

	for (const cJSON *e = v->child; e; e = e->next) {
		const char *k = e->string;
		if (!strcmp(k, "sensitive_paths") || !strcmp(k, "protected_paths")) {
			extend_list(m, doc, layer, risk, k, e, false);
		} else if (!strcmp(k, "critical_namespaces")) {
			extend_list(m, doc, layer, risk, k, e, true);
		} else if (project) {
			warn(m, doc, e, true, "project layer: risk.%s ignored (the project layer may only add to "
			     "sensitive_paths, protected_paths and critical_namespaces)", k);
		} else if (!strcmp(k, "tools")) {
			merge_tools(risk, e);
		} else if (!strcmp(k, "commands")) {
			cJSON *arr = child_array(risk, "commands");
			for (const cJSON *c = e->child; c; c = c->next) {
				cJSON *old = find_by(arr, "match", str_of(c, "match"));
				if (old)
					cJSON_ReplaceItemViaPointer(arr, old, dup(c));
				else
					cJSON_AddItemToArray(arr, dup(c));
			}
		} else {
			extend_list(m, doc, layer, risk, k, e, false); /* scratch_paths, allowed_hosts */
		}
	}
}

/* ---- the other sections: deep merge, tighten-only for the project ---- */

enum tk { TK_FIXED, TK_ANY, TK_LOWER, TK_HIGHER, TK_TRUE, TK_FALSE, TK_ORDER, TK_EXTEND };
enum tu { TU_NUM, TU_DUR, TU_SIZE };

static const char *const fsync_order[] = { "never", "batch", "always", NULL };
static const char *const action_order[] = { "warn", "end", "refuse", "stop_day", NULL };
static const int action_rank[] = { 0, 1, 1, 2 };
static const char *const incident_order[] = { "none", "P4", "P3", "P2", "P1", NULL };

static const struct tighten {
	const char *path;
	enum tk kind;
	enum tu unit;
	const char *const *order;
	const char *absent; /* what the consumer assumes when no layer sets it */
} tighten[] = {
	{ "limits.max_event_bytes", TK_LOWER, TU_SIZE, NULL, "8MiB" },
	{ "approval.timeout", TK_LOWER, TU_DUR, NULL, "5m" },
	{ "approval.poll_interval", TK_ANY, TU_NUM, NULL, NULL },
	{ "approval.hook_wait", TK_LOWER, TU_DUR, NULL, "0s" }, /* a longer wait outlives the hook (A7) */
	{ "approval.min.*", TK_HIGHER, TU_NUM, NULL, "1" },
	{ "approval.require_signature", TK_TRUE, TU_NUM, NULL, NULL },
	{ "approval.single_use", TK_TRUE, TU_NUM, NULL, NULL },
	{ "approval.rejection_ttl", TK_HIGHER, TU_DUR, NULL, "1h" },
	{ "audit.fsync", TK_ORDER, TU_NUM, fsync_order, "batch" },
	{ "audit.fail_closed", TK_TRUE, TU_NUM, NULL, NULL },
	{ "session.cooldown", TK_HIGHER, TU_DUR, NULL, NULL },
	{ "session.max_duration", TK_LOWER, TU_DUR, NULL, NULL },
	{ "session.idle_timeout", TK_LOWER, TU_DUR, NULL, NULL },
	{ "session.poll_interval", TK_LOWER, TU_DUR, NULL, NULL },
	{ "session.*", TK_LOWER, TU_NUM, NULL, NULL },
	{ "anomalies.*.action", TK_ORDER, TU_NUM, action_order, NULL },
	{ "anomalies.*.incident", TK_ORDER, TU_NUM, incident_order, NULL },
	{ "branch.protected", TK_EXTEND, TU_NUM, NULL, NULL },
	{ "branch.allow_ai_merge", TK_FALSE, TU_NUM, NULL, NULL },
	{ "branch.allow_agent_commit", TK_FALSE, TU_NUM, NULL, NULL },
	{ "pr.labels", TK_EXTEND, TU_NUM, NULL, NULL },
	{ "pr.reviewers.*.min", TK_HIGHER, TU_NUM, NULL, NULL },
	{ "pr.reviewers.*.teams", TK_EXTEND, TU_NUM, NULL, NULL },
	{ "pr.reviewers.*.paths", TK_EXTEND, TU_NUM, NULL, NULL },
	{ "pr.merge_gate.min_coverage", TK_HIGHER, TU_NUM, NULL, NULL },
	{ "pr.merge_gate.*", TK_TRUE, TU_NUM, NULL, NULL },
	{ "pr.cleanup.*", TK_ANY, TU_NUM, NULL, NULL },
	{ "pr.security_label", TK_FIXED, TU_NUM, NULL, NULL },
	{ "mcp.propose", TK_TRUE, TU_NUM, NULL, NULL },
	{ "mcp.max_frame_bytes", TK_LOWER, TU_SIZE, NULL, "8MiB" },
};

static const struct tighten *
tighten_for(const char *path)
{
	static const struct tighten fixed = { "", TK_FIXED, TU_NUM, NULL, NULL };
	for (size_t i = 0; i < sizeof(tighten) / sizeof(tighten[0]); i++)
		if (guard_glob_match(tighten[i].path, path))
			return &tighten[i];
	return &fixed;
}

static long long
number_of(const cJSON *v, enum tu unit)
{
	switch (unit) {
	case TU_DUR: return gp_parse_duration(v);
	case TU_SIZE: return gp_parse_size(v);
	default: /* the schema check bounds it; stay defined if it ever does not */
		return cJSON_IsNumber(v) && fabs(v->valuedouble) < 9.2e18 ? (long long)v->valuedouble : -1;
	}
}

static int
rank_of(const struct tighten *t, const cJSON *v)
{
	for (int i = 0; cJSON_IsString(v) && t->order[i]; i++)
		if (!strcmp(t->order[i], v->valuestring))
			return t->order == action_order ? action_rank[i] : i;
	return -1;
}

/* Is the project's value v at least as strict as cur (which may be NULL)? */
static bool
not_looser(const struct tighten *t, const cJSON *cur, const cJSON *v)
{
	switch (t->kind) {
	case TK_ANY:
	case TK_EXTEND:
		return true;
	case TK_FIXED:
		return false;
	case TK_TRUE:
		return cJSON_IsTrue(v);
	case TK_FALSE:
		return cJSON_IsFalse(v);
	case TK_LOWER:
		return !cur || number_of(v, t->unit) <= number_of(cur, t->unit);
	case TK_HIGHER:
		return !cur || number_of(v, t->unit) >= number_of(cur, t->unit);
	case TK_ORDER:
		return !cur || rank_of(t, v) >= rank_of(t, cur);
	}
	return false;
}

/* The value assumed when absent, as JSON (a number or a string); caller deletes. */
static cJSON *
absent_value(const struct tighten *t)
{
	char *end;
	double d;

	if (!t->absent)
		return NULL;
	d = strtod(t->absent, &end);
	return *end ? cJSON_CreateString(t->absent) : cJSON_CreateNumber(d);
}

static void
merge_section(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer, cJSON *parent,
	      const cJSON *v, char *path, size_t pathlen, size_t pathcap)
{
	size_t len = pathlen;

	len += (size_t)snprintf(path + len, len < pathcap ? pathcap - len : 0, "%s%s", len ? "." : "", v->string);
	if (len >= pathcap)
		len = pathcap - 1;
	if (cJSON_IsObject(v)) {
		cJSON *dst = child_object(parent, v->string);
		for (const cJSON *e = v->child; e; e = e->next)
			merge_section(m, doc, layer, dst, e, path, len, pathcap);
		path[pathlen] = '\0';
		return;
	}
	if (layer != GUARD_LAYER_PROJECT) {
		guard_json_set(parent, v->string, dup(v));
	} else {
		const struct tighten *t = tighten_for(path);
		const cJSON *cur = cJSON_GetObjectItemCaseSensitive(parent, v->string);
		cJSON *assumed = cur ? NULL : absent_value(t);
		if (assumed)
			cur = assumed;
		if (t->kind == TK_EXTEND && cJSON_IsArray(v))
			extend_list(m, doc, layer, parent, v->string, v, true);
		else if (not_looser(t, cur, v))
			guard_json_set(parent, v->string, dup(v));
		else if (t->kind == TK_FIXED)
			warn(m, doc, v, true, "project layer: %s ignored (only trusted layers set it)", path);
		else
			warn(m, doc, v, true, "project layer: %s ignored (looser than the value in force)", path);
		cJSON_Delete(assumed);
	}
	path[pathlen] = '\0';
}

void
gp_merge_layer(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer)
{
	char path[256];

	if (!cJSON_IsObject(doc->root))
		return;
	for (const cJSON *e = doc->root->child; e; e = e->next) {
		const char *k = e->string;
		if (!strcmp(k, "version")) {
			guard_json_set(m->tree, k, dup(e));
		} else if (!strcmp(k, "mode") || !strcmp(k, "profile") || !strcmp(k, "default")) {
			merge_top_scalar(m, doc, layer, e);
		} else if (!strcmp(k, "roles") || !strcmp(k, "principals")) {
			cJSON *dst = child_object(m->tree, k);
			for (const cJSON *r = e->child; r; r = r->next)
				guard_json_set(dst, r->string, dup(r));
		} else if (!strcmp(k, "risk")) {
			merge_risk(m, doc, layer, e);
		} else if (!strcmp(k, "rules")) {
			merge_rules(m, doc, layer, e);
		} else if (!strcmp(k, "forbidden_patterns") || !strcmp(k, "redact")) {
			merge_by_id(m, doc, layer, e);
		} else {
			path[0] = '\0';
			merge_section(m, doc, layer, m->tree, e, path, 0, sizeof(path));
		}
	}
}
