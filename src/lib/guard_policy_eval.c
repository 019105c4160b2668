/*
 * Deciding one event: read what the rules look at once, walk the deny,
 * ask and allow groups (first match in each), then apply RBAC,
 * unattended and audit mode. No allocation per rule: the only
 * allocations are one PCRE2 match block (when a regex rule is reached)
 * and the decision object.
 */
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_glob.h"
#include "guard_event.h"
#include "guard_policy_internal.h"

#define MAX_ACTOR_ROLES 16

struct gp_event {
	const char *tool, *source, *phase, *user, *command;
	const char *roles[MAX_ACTOR_ROLES];
	size_t nroles;
	uint64_t perms;
	unsigned level_bit, class_bit;
	char cls;
	const cJSON *targets, *reads, *hosts, *creates;
	bool unparsed;
	pcre2_match_data *md; /* made on first use */
	int utf;              /* the command as UTF-8: 0 not checked yet, 1 valid, -1 invalid */
	size_t command_len;
};

/* ---- matching ---- */

bool
gp_glob_name(const struct gp_glob *g, const char *s)
{
	if (g->literal)
		return !strcmp(g->pat, s);
	if (g->name_pre_len && strncmp(s, g->pat, g->name_pre_len))
		return false;
	if (g->suffix_len) {
		size_t n = strlen(s);
		if (n < g->suffix_len || memcmp(s + n - g->suffix_len, g->suffix, g->suffix_len))
			return false;
	}
	return guard_glob_match(g->pat, s);
}

bool
gp_globs_name(const struct gp_globs *l, const char *s)
{
	for (size_t i = l->n; i-- > 0;)
		if (gp_glob_name(&l->v[i], s))
			return !l->v[i].negate;
	return l->n && l->v[0].negate; /* "!x" alone means "anything but x" */
}

static bool
glob_path(const struct gp_glob *g, const char *path, size_t plen, const char *home, bool ancestors)
{
	bool full = true;

	if (g->suffix_len && (plen < g->suffix_len || memcmp(path + plen - g->suffix_len, g->suffix, g->suffix_len)))
		full = false;
	else if (g->prefix && strncmp(path, g->prefix, g->prefix_len))
		full = false;
	if (full && guard_glob_match_path(g->pat, path, home))
		return true;
	if (g->dir_pat &&
	    !(g->dir_suffix_len && (plen < g->dir_suffix_len ||
				    memcmp(path + plen - g->dir_suffix_len, g->dir_suffix, g->dir_suffix_len))) &&
	    !(g->dir_prefix_len && strncmp(path, g->prefix, g->dir_prefix_len)) &&
	    guard_glob_match_path(g->dir_pat, path, home))
		return true;
	if (!ancestors || g->negate || !g->prefix || !g->prefix_dir_len)
		return false;
	/* a deletion of a directory above what the pattern names */
	if (!strcmp(path, "."))
		return g->prefix[0] != '/';
	if (!strcmp(path, "/"))
		return g->prefix[0] == '/';
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	return plen < g->prefix_dir_len && !memcmp(g->prefix, path, plen) && g->prefix[plen] == '/';
}

bool
gp_globs_path(const struct gp_globs *l, const char *path, const char *home, bool ancestors)
{
	size_t plen = strlen(path);

	for (size_t i = l->n; i-- > 0;)
		if (glob_path(&l->v[i], path, plen, home, ancestors))
			return !l->v[i].negate;
	return l->n && l->v[0].negate;
}

static bool
any_path(const struct gp_globs *l, const cJSON *paths, const char *home, bool ancestors)
{
	for (const cJSON *c = paths ? paths->child : NULL; c; c = c->next)
		if (gp_globs_path(l, c->valuestring, home, ancestors))
			return true;
	return false;
}

/* 1 match, 0 no match, -1 could not tell (match limit, bad UTF-8). */
static int
regex_match(const struct guard_policy *p, const struct gp_rule *r, struct gp_event *ev)
{
	int rc;

	if (!ev->command)
		return 0;
	if (ev->utf < 0)
		return -1; /* every regex is UTF: each one would reject the subject alike */
	const struct gp_regex *re = gp_rule_regex(r);

	if (!re)
		return -1;
	if (!ev->md && !(ev->md = pcre2_match_data_create(1, NULL)))
		guard_oom();
	/*
	 * The subject is checked as UTF-8 on the first match only; after that a
	 * JIT-compiled regex runs directly (what pcre2_match would call).
	 */
	if (ev->utf > 0 && re->jit)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)ev->command, ev->command_len, 0, 0, ev->md, p->mctx);
	else
		rc = pcre2_match(re->code, (PCRE2_SPTR)ev->command, ev->command_len, 0,
				 ev->utf > 0 ? PCRE2_NO_UTF_CHECK : 0, ev->md, p->mctx);
	if (!ev->utf)
		ev->utf = rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21 ? -1 : 1;
	if (rc >= 0)
		return 1;
	return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

static bool
rule_matches(const struct guard_policy *p, const struct gp_rule *r, struct gp_event *ev, bool tool_ok)
{
	if (r->risk_mask && !(r->risk_mask & ev->level_bit))
		return false;
	if (r->class_mask && !(r->class_mask & ev->class_bit))
		return false;
	if (r->unparsed >= 0 && r->unparsed != ev->unparsed)
		return false;
	if (r->tool.n && !tool_ok && !gp_globs_name(&r->tool, ev->tool))
		return false;
	if (r->source.n && !gp_globs_name(&r->source, ev->source))
		return false;
	if (r->phase.n && !gp_globs_name(&r->phase, ev->phase))
		return false;
	if (r->user.n && !gp_globs_name(&r->user, ev->user))
		return false;
	if (r->role.n) {
		bool found = false;
		for (size_t i = 0; i < ev->nroles && !found; i++)
			found = gp_globs_name(&r->role, ev->roles[i]);
		if (!found)
			return false;
	}
	if (r->path.n) {
		bool ancestors = ev->cls == GUARD_CLASS_DELETE;
		bool hit = false;
		if (r->access == GP_ACCESS_CREATE)
			hit = any_path(&r->path, ev->creates, p->home, false);
		else if (r->access != GP_ACCESS_READ)
			hit = any_path(&r->path, ev->targets, p->home, ancestors);
		if (!hit && r->access != GP_ACCESS_WRITE && r->access != GP_ACCESS_CREATE)
			hit = any_path(&r->path, ev->reads, p->home, false);
		if (!hit)
			return false;
	}
	if (r->host.n) {
		bool hit = false;
		for (const cJSON *c = ev->hosts ? ev->hosts->child : NULL; c && !hit; c = c->next)
			hit = gp_globs_name(&r->host, c->valuestring);
		if (!hit)
			return false;
	}
	if (r->regex_src) {
		int m = regex_match(p, r, ev);
		if (m < 0) /* undecidable: a deny or ask applies, an allow does not */
			return r->effect != GUARD_EFFECT_ALLOW;
		if (!m)
			return false;
	}
	return true;
}

/* ---- reading the event ---- */

static const char *
str_at(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A list of strings, or absent. */
static bool
string_list(const cJSON *risk, const char *key, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(risk, key);

	*out = NULL;
	if (!v)
		return true;
	if (!cJSON_IsArray(v))
		return false;
	for (const cJSON *c = v->child; c; c = c->next)
		if (!cJSON_IsString(c))
			return false;
	*out = v;
	return true;
}

/* The event's top-level members a decision reads, in this order. */
enum { T_RISK, T_ACTOR, T_DECISION, T_TOOL, T_SOURCE, T_PHASE, T_INPUT, T_COUNT };
static const char *const top_names[T_COUNT] = {
	"risk", "actor", "decision", "tool", "source", "phase", "input",
};

static const char *
string_of(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Read the risk; NULL when it is fine, else what is wrong with it. */
static const char *
read_risk(const cJSON *risk, struct gp_event *ev)
{
	const cJSON *unparsed;
	const char *level, *cls;
	enum guard_level l = GUARD_LEVEL_LOW;

	if (!risk)
		return "the event has no risk rating (run guard-risk first)";
	if (!cJSON_IsObject(risk))
		return "the event's risk is not an object";
	level = str_at(risk, "level");
	if (!level || guard_level_parse(level, &l) < 0)
		return "the event's risk.level is missing or unknown";
	ev->level_bit = 1u << l;
	cls = str_at(risk, "class");
	if (!cls || strlen(cls) != 1 || !guard_class_valid(cls[0]))
		return "the event's risk.class is missing or not one of R W D X";
	ev->cls = cls[0];
	ev->class_bit = gp_class_bit(cls[0]);
	if (!string_list(risk, "targets", &ev->targets) || !string_list(risk, "reads", &ev->reads) ||
	    !string_list(risk, "hosts", &ev->hosts) || !string_list(risk, "creates", &ev->creates))
		return "the event's risk.targets, reads, hosts or creates is not a list of strings";
	unparsed = cJSON_GetObjectItemCaseSensitive(risk, "unparsed");
	if (unparsed && !cJSON_IsBool(unparsed))
		return "the event's risk.unparsed is not a boolean";
	ev->unparsed = cJSON_IsTrue(unparsed);
	return NULL;
}

static uint64_t
perms_of_role(const struct guard_policy *p, const char *role)
{
	for (size_t i = 0; i < p->nroles; i++)
		if (!strcmp(p->roles[i].name, role))
			return p->roles[i].perms;
	return 0;
}

static const struct gp_principal *
principal(const struct guard_policy *p, const char *user)
{
	for (size_t i = 0; user && i < p->nprincipals; i++)
		if (!strcmp(p->principals[i].user, user))
			return &p->principals[i];
	return NULL;
}

bool
guard_policy_principal_can(const struct guard_policy *p, const char *user, const char *perm)
{
	const struct gp_principal *pr = principal(p, user);

	for (size_t i = 0; pr && i < p->nperms; i++)
		if (!strcmp(p->perm_names[i], perm))
			return pr->perms & ((uint64_t)1 << i);
	return false;
}

bool
guard_policy_principal_is(const struct guard_policy *p, const char *user, const char *role)
{
	const struct gp_principal *pr = principal(p, user);

	for (size_t i = 0; pr && i < pr->nroles; i++)
		if (!strcmp(pr->roles[i], role))
			return true;
	return false;
}

static void
read_actor(const struct guard_policy *p, const cJSON *actor, struct gp_event *ev)
{
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(actor, "role");

	ev->user = str_at(actor, "user");
	for (const cJSON *r = cJSON_IsArray(role) ? role->child : role; r; r = cJSON_IsArray(role) ? r->next : NULL)
		if (cJSON_IsString(r) && ev->nroles < MAX_ACTOR_ROLES) {
			ev->roles[ev->nroles++] = r->valuestring;
			ev->perms |= perms_of_role(p, r->valuestring);
		}
	for (size_t i = 0; ev->user && i < p->nprincipals; i++) {
		const struct gp_principal *pr = &p->principals[i];
		if (strcmp(pr->user, ev->user))
			continue;
		ev->perms |= pr->perms;
		for (size_t j = 0; j < pr->nroles && ev->nroles < MAX_ACTOR_ROLES; j++)
			ev->roles[ev->nroles++] = pr->roles[j];
	}
	if (!ev->user)
		ev->user = "";
}

/* ---- the decision ---- */

static void
add_missing(const struct guard_policy *p, cJSON *missing, uint64_t bits)
{
	for (size_t i = 0; i < p->nperms; i++)
		if (bits & ((uint64_t)1 << i))
			cJSON_AddItemToArray(missing, cJSON_CreateString(p->perm_names[i]));
}

static cJSON *
new_decision(cJSON *event, const cJSON *present)
{
	cJSON *d = cJSON_CreateObject();

	if (!d)
		guard_oom();
	if (present)
		cJSON_ReplaceItemInObjectCaseSensitive(event, "decision", d);
	else
		cJSON_AddItemToObject(event, "decision", d);
	return d;
}

static void
fill(const struct guard_policy *p, cJSON *d, enum guard_effect effect, const char *rule, const char *reason,
     cJSON *missing)
{
	cJSON_AddStringToObject(d, "effect", guard_effect_name(effect));
	cJSON_AddStringToObject(d, "rule", rule);
	cJSON_AddStringToObject(d, "reason", reason);
	cJSON_AddItemToObject(d, "missing", missing ? missing : cJSON_CreateArray());
	cJSON_AddStringToObject(d, "policy_rev", p ? p->rev : "");
}

static const struct gp_rule *first_match_all(const struct guard_policy *p, struct gp_event *ev);

/* The rule at index i, if it may be the first match. */
static inline bool
try_rule(const struct guard_policy *p, size_t i, struct gp_event *ev, bool tool_ok)
{
	const struct gp_rule *r = &p->rules[i];
	/* a project allow never loosens a stricter default */
	if (r->effect == GUARD_EFFECT_ALLOW && r->layer == GUARD_LAYER_PROJECT && p->deflt != GUARD_EFFECT_ALLOW)
		return false;
	return rule_matches(p, r, ev, tool_ok);
}

/*
 * The rules in order (deny, ask, allow groups are consecutive), skipping
 * those whose literal tool names cannot match: the rules listed under
 * ev->tool merged with the untooled ones.
 */
static const struct gp_rule *
first_match(const struct guard_policy *p, struct gp_event *ev)
{
	size_t lo = 0, hi = p->ntool_names, a = 0, b = 0, bend = 0;

	if (p->tool_refs && p->untooled) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(p->tool_names[mid].name, ev->tool);
			if (!c) {
				b = p->tool_names[mid].begin;
				bend = p->tool_names[mid].end;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (;;) {
			size_t i;
			bool indexed;
			if (a < p->nuntooled && (b >= bend || p->untooled[a] < p->tool_refs[b].rule)) {
				i = p->untooled[a++];
				indexed = false;
			} else if (b < bend) {
				i = p->tool_refs[b++].rule;
				indexed = true; /* its tool condition names ev->tool */
			} else {
				return NULL;
			}
			while (b < bend && p->tool_refs[b].rule == i)
				b++; /* the name twice in one rule */
			if (try_rule(p, i, ev, indexed))
				return &p->rules[i];
		}
	}
	return first_match_all(p, ev);
}

static const struct gp_rule *
first_match_all(const struct guard_policy *p, struct gp_event *ev)
{
	size_t start = 0;

	for (int slot = 0; slot < 3; slot++) {
		for (size_t i = start; i < p->group_end[slot]; i++) {
			const struct gp_rule *r = &p->rules[i];
			/* a project allow never loosens a stricter default */
			if (r->effect == GUARD_EFFECT_ALLOW && r->layer == GUARD_LAYER_PROJECT &&
			    p->deflt != GUARD_EFFECT_ALLOW)
				continue;
			if (rule_matches(p, r, ev, false))
				return r;
		}
		start = p->group_end[slot];
	}
	return NULL;
}

enum guard_effect
guard_policy_decide(const struct guard_policy *p, cJSON *event)
{
	const cJSON *top[T_COUNT];
	struct gp_event ev;
	const struct gp_rule *r = NULL;
	const char *bad, *rule, *why;
	enum guard_effect effect;
	cJSON *d, *missing;
	char *reason = NULL;
	const char *would = NULL;
	bool unattended = false;
	uint64_t lacking;

	memset(&ev, 0, sizeof(ev));
	guard_event_members(event, top_names, T_COUNT, top);
	d = new_decision(event, top[T_DECISION]);
	if (!p) {
		fill(p, d, GUARD_EFFECT_DENY, "guard.policy-invalid", "no policy loaded", NULL);
		return GUARD_EFFECT_DENY;
	}
	if ((bad = read_risk(top[T_RISK], &ev))) {
		fill(p, d, GUARD_EFFECT_DENY, "guard.invalid-input", bad, NULL);
		return GUARD_EFFECT_DENY;
	}
	ev.tool = string_of(top[T_TOOL]);
	ev.source = string_of(top[T_SOURCE]);
	ev.phase = string_of(top[T_PHASE]);
	ev.command = str_at(top[T_INPUT], "command");
	ev.command_len = ev.command ? strlen(ev.command) : 0;
	ev.tool = ev.tool ? ev.tool : "";
	ev.source = ev.source ? ev.source : "";
	ev.phase = ev.phase ? ev.phase : "pre";
	read_actor(p, top[T_ACTOR], &ev);
	missing = cJSON_CreateArray();

	if (!(ev.perms & p->perm_tool_use)) {
		effect = GUARD_EFFECT_DENY;
		rule = "guard.rbac";
		add_missing(p, missing, p->perm_tool_use);
		reason = guard_xasprintf("actor '%s' (role %s) lacks the permission tool.use", ev.user,
					 ev.nroles ? ev.roles[0] : "none");
	} else {
		r = first_match(p, &ev);
		effect = r ? r->effect : p->deflt;
		rule = r ? r->id : "default";
		if (r && r->reason)
			why = r->reason;
		else if (r)
			why = "";
		else
			why = NULL;
		if (!r)
			reason = guard_xasprintf("no rule matched; the policy default is %s", guard_effect_name(p->deflt));
		else if (*why)
			reason = guard_xstrdup(why);
		else
			reason = guard_xasprintf("rule '%s' (%s layer) matched", r->id, gp_layer_names[r->layer]);
		if (r && (lacking = r->require & ~ev.perms)) {
			char *old = reason;
			effect = GUARD_EFFECT_DENY;
			add_missing(p, missing, lacking);
			reason = guard_xasprintf("rule '%s' requires permissions the actor lacks: %s", r->id, old);
			free(old);
		}
	}
	if (effect == GUARD_EFFECT_ASK && !(ev.perms & p->perm_approval_manage))
		add_missing(p, missing, p->perm_approval_manage);
	if (effect == GUARD_EFFECT_ASK && p->unattended) {
		char *old = reason;
		effect = GUARD_EFFECT_DENY;
		reason = guard_xasprintf("unattended profile: this needs approval and no one is there to give it (%s)", old);
		free(old);
		unattended = true;
	}
	if (p->audit && effect != GUARD_EFFECT_ALLOW &&
	    !(p->managed_deny_final && r && r->layer == GUARD_LAYER_MANAGED && effect == GUARD_EFFECT_DENY)) {
		char *old = reason;
		would = guard_effect_name(effect);
		reason = guard_xasprintf("audit mode: would %s: %s", guard_effect_name(effect), old);
		free(old);
		effect = GUARD_EFFECT_ALLOW;
	}
	fill(p, d, effect, rule, reason, missing);
	if (would)
		cJSON_AddStringToObject(d, "would", would);
	if (unattended)
		cJSON_AddTrueToObject(d, "unattended");
	free(reason);
	pcre2_match_data_free(ev.md);
	return effect;
}
