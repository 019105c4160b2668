/*
 * Compiling the merged tree into what evaluation needs: rules sorted
 * into deny / ask / allow groups with their conditions pre-digested
 * (levels and classes as bit masks, globs with literal prefilters,
 * "@lists" resolved, regexes JIT-compiled, permissions as bits), the
 * RBAC tables and the risk configuration. Everything is built once at
 * load; evaluation only reads.
 */
#include <stdatomic.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_policy_internal.h"

void *
gp_alloc(struct guard_policy *p, size_t n)
{
	void *m = guard_xcalloc(1, n ? n : 1);

	if (p->narena == p->aarena) {
		p->aarena = p->aarena ? p->aarena * 2 : 64;
		p->arena = guard_xrealloc(p->arena, p->aarena * sizeof(*p->arena));
	}
	p->arena[p->narena++] = m;
	return m;
}

char *
gp_strdup(struct guard_policy *p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = gp_alloc(p, n);
	memcpy(d, s, n);
	return d;
}

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- globs ---- */

#define GLOB_META "*?[]{}\\"

void
gp_glob_compile(struct guard_policy *p, struct gp_glob *g, const char *pat, bool path)
{
	size_t len, lit;

	memset(g, 0, sizeof(*g));
	if (*pat == '!') {
		g->negate = true;
		pat++;
	}
	g->pat = pat;
	len = strlen(pat);
	lit = strcspn(pat, GLOB_META);
	g->literal = lit == len;
	g->name_pre_len = lit;
	/* the literal tail: a match must end with it ("~/" is not literal: it
	 * stands for the home directory, so the tail starts after it) */
	{
		size_t last = path && pat[0] == '~' && (pat[1] == '/' || !pat[1]) ? (len < 2 ? len : 2) : 0;
		for (size_t i = last; i < len; i++)
			if (strchr(GLOB_META, pat[i]))
				last = i + 1;
		/* "**" + "/" may match nothing, so that '/' is not required */
		if (last >= 2 && pat[last - 1] == '*' && pat[last - 2] == '*' && pat[last] == '/')
			last++;
		g->suffix = pat + last;
		g->suffix_len = len - last;
	}
	if (!path)
		return;
	if (len > 3 && !strcmp(pat + len - 3, "/**"))
		g->dir_pat = gp_strdup(p, pat); /* trimmed below */
	if (g->dir_pat) {
		size_t dl = len - 3, last = 0, from = 0;
		((char *)g->dir_pat)[dl] = '\0';
		/* "~/x" sees the path below home: its literal end comes after "~/" */
		if (pat[0] == '~' && (pat[1] == '/' || !pat[1]))
			from = dl < 2 ? dl : 2;
		for (size_t i = from; i < dl; i++)
			if (strchr(GLOB_META, pat[i]))
				last = i + 1;
		if (last >= 2 && pat[last - 1] == '*' && pat[last - 2] == '*' && last < dl && pat[last] == '/')
			last++;
		if (last < from)
			last = from;
		g->dir_suffix = g->dir_pat + last;
		g->dir_suffix_len = dl - last;
	}
	if (!strchr(pat, '/'))
		return; /* basename patterns: no prefix */
	if (pat[0] == '~' && pat[1] == '/') {
		size_t hl = strlen(p->home);
		while (hl > 1 && p->home[hl - 1] == '/')
			hl--;
		struct guard_buf b = GUARD_BUF_INIT;
		guard_buf_add(&b, p->home, hl);
		guard_buf_add(&b, pat + 1, lit - 1);
		g->prefix = gp_strdup(p, b.buf);
		g->prefix_len = b.len;
		guard_buf_release(&b);
	} else if (pat[0] == '~') {
		return;
	} else {
		g->prefix = pat;
		g->prefix_len = lit;
	}
	for (size_t i = g->prefix_len; i > 0; i--)
		if (g->prefix[i - 1] == '/') {
			g->prefix_dir_len = i;
			break;
		}
	/* the folder pattern keeps the prefix up to where it ends, if it is matched whole */
	if (g->dir_pat && (strchr(g->dir_pat, '/') || !strcmp(g->dir_pat, "~"))) {
		size_t dl = len - 3, dlit = lit < dl ? lit : dl;
		g->dir_prefix_len = g->prefix_len - (lit - dlit);
	}
}

/* The entries of a string-or-list value. */
static size_t
count_strs(const cJSON *v)
{
	size_t n = 0;
	if (cJSON_IsString(v))
		return 1;
	for (const cJSON *c = v ? v->child : NULL; c; c = c->next)
		n += cJSON_IsString(c);
	return n;
}

static void
globs_from_names(struct guard_policy *p, struct gp_globs *out, const cJSON *v, bool split_bars)
{
	size_t cap = 0;

	out->n = 0;
	if (!v)
		return;
	for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c; c = cJSON_IsArray(v) ? c->next : NULL)
		if (cJSON_IsString(c))
			cap += 1 + (split_bars ? strlen(c->valuestring) : 0);
	out->v = gp_alloc(p, cap * sizeof(*out->v));
	for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c; c = cJSON_IsArray(v) ? c->next : NULL) {
		if (!cJSON_IsString(c))
			continue;
		const char *s = c->valuestring;
		if (!split_bars || !strchr(s, '|')) {
			gp_glob_compile(p, &out->v[out->n++], s, false);
			continue;
		}
		/* "Write|Edit": each alternative a glob */
		char *copy = gp_strdup(p, s), *save = copy;
		for (char *bar; (bar = strchr(save, '|')); save = bar + 1) {
			*bar = '\0';
			if (*save)
				gp_glob_compile(p, &out->v[out->n++], save, false);
		}
		if (*save)
			gp_glob_compile(p, &out->v[out->n++], save, false);
	}
}

/* Path or host globs, with "@list" and "!@list" expanded from the risk lists. */
static void
globs_with_refs(struct guard_policy *p, struct gp_globs *out, const cJSON *v, bool path)
{
	size_t cap = 0;

	out->n = 0;
	if (!v)
		return;
	for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c; c = cJSON_IsArray(v) ? c->next : NULL) {
		if (!cJSON_IsString(c))
			continue;
		const char *s = c->valuestring + (c->valuestring[0] == '!');
		if (!strcmp(s, "@sensitive_paths")) cap += p->sensitive.n;
		else if (!strcmp(s, "@protected_paths")) cap += p->protected_paths.n;
		else if (!strcmp(s, "@scratch_paths")) cap += p->scratch.n;
		else if (!strcmp(s, "@allowed_hosts")) cap += p->allowed_hosts.n;
		else cap++;
	}
	out->v = gp_alloc(p, cap * sizeof(*out->v));
	for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c; c = cJSON_IsArray(v) ? c->next : NULL) {
		if (!cJSON_IsString(c))
			continue;
		bool neg = c->valuestring[0] == '!';
		const char *s = c->valuestring + neg;
		const struct gp_globs *list = !strcmp(s, "@sensitive_paths") ? &p->sensitive
			: !strcmp(s, "@protected_paths") ? &p->protected_paths
			: !strcmp(s, "@scratch_paths") ? &p->scratch
			: !strcmp(s, "@allowed_hosts") ? &p->allowed_hosts : NULL;
		if (!list) {
			gp_glob_compile(p, &out->v[out->n++], c->valuestring, path);
			continue;
		}
		for (size_t i = 0; i < list->n; i++) {
			out->v[out->n] = list->v[i];
			out->v[out->n].negate ^= neg;
			out->n++;
		}
	}
}

/* A risk list: the globs for evaluation and the strings for the risk stage. */
static void
risk_list(struct guard_policy *p, const cJSON *risk, const char *key, struct gp_globs *globs,
	  const char *const **strs, size_t *n, bool path)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(risk, key);
	size_t count = count_strs(v), i = 0;
	const char **arr = gp_alloc(p, (count + 1) * sizeof(*arr));

	for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c; c = cJSON_IsArray(v) ? c->next : NULL)
		if (cJSON_IsString(c))
			arr[i++] = c->valuestring;
	*strs = arr;
	*n = count;
	if (!globs)
		return;
	globs->v = gp_alloc(p, count * sizeof(*globs->v));
	globs->n = count;
	for (i = 0; i < count; i++)
		gp_glob_compile(p, &globs->v[i], arr[i], path);
}

static int
parse_level_class(const char *s, enum guard_level *level, char *cls)
{
	char buf[16];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : 0;

	if (!slash || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*cls = slash[1];
	return guard_level_parse(buf, level);
}

static atomic_ulong risk_serial;

static void
compile_risk(struct guard_policy *p)
{
	const cJSON *risk = cJSON_GetObjectItemCaseSensitive(p->tree, "risk");
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(risk, "tools");
	const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(risk, "commands");
	struct guard_risk_config *cfg = &p->risk;
	struct guard_tool_rating *t;
	struct guard_command_rating *c;
	size_t n = 0;

	risk_list(p, risk, "sensitive_paths", &p->sensitive, &cfg->sensitive_paths, &cfg->nsensitive_paths, true);
	risk_list(p, risk, "protected_paths", &p->protected_paths, &cfg->protected_paths, &cfg->nprotected_paths, true);
	risk_list(p, risk, "scratch_paths", &p->scratch, &cfg->scratch_paths, &cfg->nscratch_paths, true);
	risk_list(p, risk, "allowed_hosts", &p->allowed_hosts, &cfg->allowed_hosts, &cfg->nallowed_hosts, false);
	risk_list(p, risk, "critical_namespaces", NULL, &cfg->critical_namespaces, &cfg->ncritical_namespaces, false);
	cfg->scan_tree = p->tree;
	cfg->serial = atomic_fetch_add(&risk_serial, 1) + 1;

	for (const cJSON *e = tools ? tools->child : NULL; e; e = e->next)
		n++;
	cfg->tools = t = gp_alloc(p, (n + 1) * sizeof(*t));
	for (const cJSON *e = tools ? tools->child : NULL; e; e = e->next) {
		if (!cJSON_IsString(e))
			continue;
		t->pattern = e->string;
		if (!strcmp(e->valuestring, "analyse") || !strcmp(e->valuestring, "analyze")) {
			t->kind = GUARD_TOOL_ANALYSE;
			t->level = GUARD_LEVEL_MEDIUM;
			t->cls = GUARD_CLASS_EXEC;
		} else if (!strcmp(e->valuestring, "annotations")) {
			t->kind = GUARD_TOOL_ANNOTATIONS;
			t->level = GUARD_LEVEL_MEDIUM;
			t->cls = GUARD_CLASS_EXEC;
		} else {
			t->kind = GUARD_TOOL_RATED;
			if (parse_level_class(e->valuestring, &t->level, &t->cls) < 0)
				continue; /* cannot happen: validated */
		}
		t++;
		cfg->ntools++;
	}
	n = cJSON_GetArraySize(cmds);
	cfg->commands = c = gp_alloc(p, (n + 1) * sizeof(*c));
	for (const cJSON *e = cmds ? cmds->child : NULL; e; e = e->next) {
		const char *level = str_of(e, "level"), *cls = str_of(e, "class");
		if (!str_of(e, "match") || !level || guard_level_parse(level, &c->level) < 0)
			continue;
		c->match = str_of(e, "match");
		c->cls = cls ? cls[0] : GUARD_CLASS_EXEC;
		c->reason = str_of(e, "reason");
		c++;
		cfg->ncommands++;
	}
}

/* ---- permissions and roles ---- */

static int
perm_bit(struct guard_policy *p, const char *name, uint64_t *bit, struct guard_list *errors)
{
	for (size_t i = 0; i < p->nperms; i++)
		if (!strcmp(p->perm_names[i], name)) {
			*bit = (uint64_t)1 << i;
			return 0;
		}
	if (p->nperms == GP_MAX_PERMS) {
		guard_list_add(errors, "policy: more than 64 distinct permission names");
		return GUARD_EPOLICY;
	}
	p->perm_names[p->nperms] = name;
	*bit = (uint64_t)1 << p->nperms++;
	return 0;
}

static int
perms_of(struct guard_policy *p, const cJSON *list, uint64_t *out, struct guard_list *errors)
{
	uint64_t bit;

	*out = 0;
	for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
		if (!cJSON_IsString(c))
			continue;
		if (perm_bit(p, c->valuestring, &bit, errors) < 0)
			return GUARD_EPOLICY;
		*out |= bit;
	}
	return 0;
}

static uint64_t
role_perms(const struct guard_policy *p, const char *role)
{
	for (size_t i = 0; i < p->nroles; i++)
		if (!strcmp(p->roles[i].name, role))
			return p->roles[i].perms;
	return 0;
}

static int
compile_rbac(struct guard_policy *p, struct guard_list *errors)
{
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(p->tree, "roles");
	const cJSON *principals = cJSON_GetObjectItemCaseSensitive(p->tree, "principals");
	size_t n;

	if (perm_bit(p, "tool.use", &p->perm_tool_use, errors) < 0 ||
	    perm_bit(p, "approval.manage", &p->perm_approval_manage, errors) < 0)
		return GUARD_EPOLICY;
	n = cJSON_IsObject(roles) ? (size_t)cJSON_GetArraySize(roles) : 0;
	p->roles = gp_alloc(p, (n + 1) * sizeof(*p->roles));
	for (const cJSON *r = n ? roles->child : NULL; r; r = r->next) {
		struct gp_role *role = &p->roles[p->nroles++];
		role->name = r->string;
		if (perms_of(p, r, &role->perms, errors) < 0)
			return GUARD_EPOLICY;
	}
	n = cJSON_IsObject(principals) ? (size_t)cJSON_GetArraySize(principals) : 0;
	p->principals = gp_alloc(p, (n + 1) * sizeof(*p->principals));
	for (const cJSON *u = n ? principals->child : NULL; u; u = u->next) {
		struct gp_principal *pr = &p->principals[p->nprincipals++];
		const cJSON *rl = cJSON_GetObjectItemCaseSensitive(u, "roles");
		pr->user = u->string;
		pr->roles = gp_alloc(p, ((size_t)cJSON_GetArraySize(rl) + 1) * sizeof(*pr->roles));
		for (const cJSON *r = rl ? rl->child : NULL; r; r = r->next)
			if (cJSON_IsString(r)) {
				pr->roles[pr->nroles++] = r->valuestring;
				pr->perms |= role_perms(p, r->valuestring);
			}
	}
	return 0;
}

/* ---- rules ---- */

static unsigned
level_mask(const cJSON *v)
{
	unsigned mask = 0;

	for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c; c = cJSON_IsArray(v) ? c->next : NULL) {
		if (!cJSON_IsString(c))
			continue;
		const char *s = c->valuestring, *name = s + strspn(s, "<>=");
		enum guard_level l = GUARD_LEVEL_LOW;
		if (guard_level_parse(name, &l) < 0)
			continue;
		for (int i = 0; i < 4; i++) {
			bool in = (name == s) ? i == (int)l
				: !strncmp(s, ">=", 2) ? i >= (int)l
				: !strncmp(s, "<=", 2) ? i <= (int)l
				: s[0] == '>' ? i > (int)l
				: s[0] == '<' ? i < (int)l : i == (int)l;
			if (in)
				mask |= 1u << i;
		}
	}
	return mask;
}

static unsigned
class_bit(char c)
{
	switch (c) {
	case 'R': return 1;
	case 'W': return 2;
	case 'D': return 4;
	case 'X': return 8;
	default: return 0;
	}
}

static unsigned
class_mask(const cJSON *v)
{
	unsigned mask = 0;
	for (const cJSON *c = cJSON_IsArray(v) ? v->child : v; c; c = cJSON_IsArray(v) ? c->next : NULL)
		if (cJSON_IsString(c))
			mask |= class_bit(c->valuestring[0]);
	return mask;
}

unsigned
gp_class_bit(char c)
{
	return class_bit(c);
}

static enum guard_layer
layer_of(const cJSON *rule)
{
	const char *s = str_of(rule, "layer");
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, gp_layer_names[i]))
			return (enum guard_layer)i;
	return GUARD_LAYER_PROJECT;
}

static bool policy_jit;

struct gp_regex *
gp_rule_regex(const struct gp_rule *r)
{
	struct gp_regex *re = __atomic_load_n(&r->regex, __ATOMIC_ACQUIRE), *mine, *none = NULL;
	PCRE2_SIZE offset;
	int code;

	if (re || !r->regex_src)
		return re;
	mine = guard_xcalloc(1, sizeof(*mine));
	if (!(mine->code = pcre2_compile((PCRE2_SPTR)r->regex_src, PCRE2_ZERO_TERMINATED, guard_regex_flags(), &code,
					 &offset, NULL))) {
		free(mine);
		return NULL; /* validated when loaded: only memory can fail it, and the rule is then undecidable */
	}
	/* no JIT (not asked for, or not available): the interpreter works as well */
	mine->jit = policy_jit && pcre2_jit_compile(mine->code, PCRE2_JIT_COMPLETE) == 0;
	/* another thread may have made it first: one is kept, the same for every reader */
	if (__atomic_compare_exchange_n((struct gp_regex **)&r->regex, &none, mine, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return mine;
	pcre2_code_free(mine->code);
	free(mine);
	return none;
}

void
guard_policy_jit(bool on)
{
	policy_jit = on;
}

static int
compile_rule(struct guard_policy *p, const cJSON *rule, struct gp_rule *r, struct guard_list *errors)
{
	const cJSON *when = cJSON_GetObjectItemCaseSensitive(rule, "when");
	const cJSON *regex = cJSON_GetObjectItemCaseSensitive(when, "regex");
	const cJSON *unparsed = cJSON_GetObjectItemCaseSensitive(when, "unparsed");
	const char *access = str_of(when, "access");

	r->id = str_of(rule, "id");
	r->reason = str_of(rule, "reason");
	guard_effect_parse(str_of(rule, "effect"), &r->effect);
	r->layer = layer_of(rule);
	globs_from_names(p, &r->tool, cJSON_GetObjectItemCaseSensitive(when, "tool"), true);
	globs_from_names(p, &r->source, cJSON_GetObjectItemCaseSensitive(when, "source"), true);
	globs_from_names(p, &r->phase, cJSON_GetObjectItemCaseSensitive(when, "phase"), true);
	globs_from_names(p, &r->role, cJSON_GetObjectItemCaseSensitive(when, "role"), true);
	globs_from_names(p, &r->user, cJSON_GetObjectItemCaseSensitive(when, "user"), true);
	globs_with_refs(p, &r->path, cJSON_GetObjectItemCaseSensitive(when, "path"), true);
	globs_with_refs(p, &r->host, cJSON_GetObjectItemCaseSensitive(when, "host"), false);
	r->access = !access || !strcmp(access, "any") ? GP_ACCESS_ANY
		: !strcmp(access, "read") ? GP_ACCESS_READ : !strcmp(access, "create") ? GP_ACCESS_CREATE : GP_ACCESS_WRITE;
	r->risk_mask = level_mask(cJSON_GetObjectItemCaseSensitive(when, "risk"));
	r->class_mask = class_mask(cJSON_GetObjectItemCaseSensitive(when, "class"));
	r->unparsed = cJSON_IsBool(unparsed) ? cJSON_IsTrue(unparsed) : -1;
	/*
	 * Compiled on first use (gp_rule_regex): the schema compiled it when
	 * the layer was validated (the shipped one when guard was built), and
	 * a program whose events carry no command (guard-git check's paths)
	 * never pays for it.
	 */
	if (cJSON_IsString(regex))
		r->regex_src = guard_xstrdup(regex->valuestring);
	return perms_of(p, cJSON_GetObjectItemCaseSensitive(rule, "require"), &r->require, errors);
}

/* Evaluation order: managed, user, builtin, project. */
static int
layer_rank(enum guard_layer l)
{
	switch (l) {
	case GUARD_LAYER_MANAGED: return 0;
	case GUARD_LAYER_USER: return 1;
	case GUARD_LAYER_BUILTIN: return 2;
	default: return 3;
	}
}

static int
cmp_tool_ref(const void *a, const void *b)
{
	const struct gp_tool_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

/* p->tool_refs and p->untooled (see guard_policy_internal.h). */
static void
index_tools(struct guard_policy *p)
{
	size_t nrefs = 0;

	p->untooled = gp_alloc(p, (p->nrules + 1) * sizeof(*p->untooled));
	for (size_t i = 0; i < p->nrules; i++) {
		const struct gp_globs *t = &p->rules[i].tool;
		bool lit = t->n > 0;
		for (size_t j = 0; j < t->n && lit; j++)
			lit = t->v[j].literal && !t->v[j].negate;
		if (lit)
			nrefs += t->n;
		else
			p->untooled[p->nuntooled++] = (uint32_t)i;
	}
	p->tool_refs = gp_alloc(p, (nrefs + 1) * sizeof(*p->tool_refs));
	for (size_t i = 0; i < p->nrules; i++) {
		const struct gp_globs *t = &p->rules[i].tool;
		bool lit = t->n > 0;
		for (size_t j = 0; j < t->n && lit; j++)
			lit = t->v[j].literal && !t->v[j].negate;
		for (size_t j = 0; lit && j < t->n; j++) {
			p->tool_refs[p->ntool_refs].name = t->v[j].pat;
			p->tool_refs[p->ntool_refs++].rule = (uint32_t)i;
		}
	}
	if (p->ntool_refs)
		qsort(p->tool_refs, p->ntool_refs, sizeof(*p->tool_refs), cmp_tool_ref);
	p->tool_names = gp_alloc(p, (p->ntool_refs + 1) * sizeof(*p->tool_names));
	for (size_t i = 0; i < p->ntool_refs; i++) {
		if (i && !strcmp(p->tool_refs[i].name, p->tool_refs[i - 1].name)) {
			p->tool_names[p->ntool_names - 1].end = i + 1;
			continue;
		}
		p->tool_names[p->ntool_names].name = p->tool_refs[i].name;
		p->tool_names[p->ntool_names].begin = i;
		p->tool_names[p->ntool_names++].end = i + 1;
	}
}

static int
compile_rules(struct guard_policy *p, struct guard_list *errors)
{
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(p->tree, "rules");
	size_t n = cJSON_IsArray(rules) ? (size_t)cJSON_GetArraySize(rules) : 0, k = 0;
	struct gp_rule *all = guard_xcalloc(n + 1, sizeof(*all));
	int rc = 0;

	for (const cJSON *r = n ? rules->child : NULL; r; r = r->next)
		if ((rc = compile_rule(p, r, &all[k++], errors)) < 0)
			break;
	p->rules = gp_alloc(p, (n + 1) * sizeof(*p->rules));
	/* stable: effect group, then layer rank, then file order */
	for (int g = GUARD_EFFECT_DENY, slot = 0; g >= GUARD_EFFECT_ALLOW; g--, slot++) {
		for (int rank = 0; rank < 4; rank++)
			for (size_t i = 0; i < k; i++)
				if ((int)all[i].effect == g && layer_rank(all[i].layer) == rank)
					p->rules[p->nrules++] = all[i];
		p->group_end[slot] = p->nrules;
	}
	free(all);
	index_tools(p);
	return rc;
}

int
gp_compile(struct guard_policy *p, struct guard_list *errors)
{
	const char *mode = str_of(p->tree, "mode"), *profile = str_of(p->tree, "profile");
	const char *deflt = str_of(p->tree, "default");
	const cJSON *limits = cJSON_GetObjectItemCaseSensitive(p->tree, "limits");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(limits, "max_event_bytes");
	int rc;

	p->audit = mode && !strcmp(mode, "audit");
	p->unattended = profile && !strcmp(profile, "unattended");
	if (!deflt || guard_effect_parse(deflt, &p->deflt) < 0)
		p->deflt = GUARD_EFFECT_DENY; /* no layer said: fail closed */
	p->max_event_bytes = max && gp_parse_size(max) > 0 ? (size_t)gp_parse_size(max) : (size_t)8 << 20;
	if (!(p->mctx = pcre2_match_context_create(NULL)))
		guard_oom();
	pcre2_set_match_limit(p->mctx, GUARD_REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(p->mctx, GUARD_REGEX_DEPTH_LIMIT);
	compile_risk(p);
	if ((rc = compile_rbac(p, errors)) < 0)
		return rc;
	return compile_rules(p, errors);
}
