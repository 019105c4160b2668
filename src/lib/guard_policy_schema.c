/*
 * The policy schema: every key, its type and the layers that may set it,
 * as tables. Validation walks one layer's document and reports every
 * problem with its position, so a user fixes a file in one round.
 */
#include <math.h>
#include <ctype.h>
#include <stdarg.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_policy_internal.h"
#include "guard_suggest.h"
#include "guard_time.h"

enum gs_type {
	GS_MAP,      /* fixed keys (fields) */
	GS_DICT,     /* any keys, values of one schema (item) */
	GS_LIST,     /* list of item */
	GS_STR,
	GS_STRS,     /* a string or a list of strings */
	GS_BOOL,
	GS_INT,      /* min..max */
	GS_DURATION, /* "30s", "5m", "1h30m" or seconds */
	GS_SIZE,     /* bytes: 1048576, "8MiB", "512k" */
	GS_ENUM,     /* one of choices */
	GS_REGEX     /* a PCRE2 pattern, compiled to check it */
};

/* Field flags. */
#define GS_REQUIRED 1u
#define GS_NOT_PROJECT 2u      /* error in the project layer */
#define GS_USER_MANAGED 4u     /* error outside the user and managed layers */

struct gs_ctx;
struct gs_node;

struct gs_field {
	const char *key;
	const struct gs_node *node;
	unsigned flags;
};

struct gs_node {
	enum gs_type type;
	const char *what;                /* how messages name a map: "rule", "approval" */
	const struct gs_field *fields;   /* GS_MAP, ended by a NULL key */
	const struct gs_node *item;      /* GS_LIST, GS_DICT */
	const char *const *choices;      /* GS_ENUM, NULL-terminated */
	long long min, max;              /* GS_INT */
	bool or_bool;                    /* GS_MAP: true or false stand for it too */
	/* more checks after the type matched */
	void (*check)(struct gs_ctx *c, const cJSON *v, const struct gs_node *n);
};

struct gs_ctx {
	const struct guard_yaml_doc *doc;
	enum guard_layer layer;
	struct guard_list *errors;
	size_t count;
	char path[256]; /* "rules[2].when.risk" */
};

const char *const gp_layer_names[4] = { "builtin", "user", "managed", "project" };

static void __attribute__((format(printf, 5, 6)))
err(struct gs_ctx *c, const cJSON *node, bool at_key, const char *where, const char *fmt, ...)
{
	struct guard_buf b = GUARD_BUF_INIT;
	va_list ap;

	if (where && *where)
		guard_buf_addf(&b, "%s: ", where);
	va_start(ap, fmt);
	guard_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	guard_yaml_error(c->doc, node, at_key, c->errors, "%s", b.buf);
	guard_buf_release(&b);
	c->count++;
}

/* ---- helpers shared with the other policy files ---- */

long long
gp_parse_size(const cJSON *v)
{
	static const struct { const char *unit; long long mul; } units[] = {
		{ "", 1 }, { "b", 1 }, { "k", 1024 }, { "kb", 1000 }, { "kib", 1024 },
		{ "m", 1 << 20 }, { "mb", 1000000 }, { "mib", 1 << 20 },
		{ "g", 1 << 30 }, { "gb", 1000000000 }, { "gib", 1 << 30 },
	};
	char *end, unit[8];
	long long n;
	size_t ul = 0;

	if (cJSON_IsNumber(v))
		return v->valuedouble >= 0 && v->valuedouble <= 1e15 && v->valuedouble == (double)(long long)v->valuedouble
			? (long long)v->valuedouble : -1;
	if (!cJSON_IsString(v) || !isdigit((unsigned char)v->valuestring[0]))
		return -1;
	n = strtoll(v->valuestring, &end, 10);
	while (*end == ' ')
		end++;
	for (; *end && ul < sizeof(unit) - 1; end++)
		unit[ul++] = (char)tolower((unsigned char)*end);
	unit[ul] = '\0';
	if (*end || n < 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].unit))
			return n > (1LL << 50) / units[i].mul ? -1 : n * units[i].mul;
	return -1;
}

long long
gp_parse_duration(const cJSON *v)
{
	long long s = 0;

	if (cJSON_IsNumber(v))
		return v->valuedouble >= 0 && v->valuedouble < 1e12 && v->valuedouble == (double)(long long)v->valuedouble
			? (long long)v->valuedouble : -1;
	if (!cJSON_IsString(v) || guard_duration_parse(v->valuestring, &s) < 0)
		return -1;
	return s;
}

static size_t
map_slot(const struct gp_map *m, const char *key)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *s = (const unsigned char *)key; *s; s++)
		h = (h ^ *s) * 1099511628211ull;
	size_t i = h & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *
gp_map_get(const struct gp_map *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = map_slot(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

void
gp_map_put(struct gp_map *m, const char *key, void *val)
{
	if ((m->len + 1) * 2 > m->cap) {
		struct gp_map grown = { 0 };
		grown.cap = m->cap ? m->cap * 2 : 32;
		grown.keys = guard_xcalloc(grown.cap, sizeof(*grown.keys));
		grown.vals = guard_xcalloc(grown.cap, sizeof(*grown.vals));
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i])
				gp_map_put(&grown, m->keys[i], m->vals[i]);
		gp_map_release(m);
		*m = grown;
	}
	size_t i = map_slot(m, key);
	if (!m->keys[i])
		m->len++;
	m->keys[i] = key;
	m->vals[i] = val;
}

void
gp_map_release(struct gp_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- type names and checks ---- */

static const char *
json_kind(const cJSON *v)
{
	if (cJSON_IsObject(v)) return "a mapping";
	if (cJSON_IsArray(v)) return "a list";
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsBool(v)) return "a boolean";
	if (cJSON_IsNumber(v)) return "a number";
	return "null";
}

static void
check_enum(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	struct guard_buf list = GUARD_BUF_INIT;
	const char *hint;

	for (const char *const *ch = n->choices; *ch; ch++)
		if (!strcmp(v->valuestring, *ch))
			return;
	for (const char *const *ch = n->choices; *ch; ch++)
		guard_buf_addf(&list, "%s%s", ch == n->choices ? "" : ", ", *ch);
	hint = guard_suggest(v->valuestring, n->choices);
	if (hint)
		err(c, v, false, c->path, "'%s' is not one of %s, did you mean '%s'?", v->valuestring, list.buf, hint);
	else
		err(c, v, false, c->path, "'%s' is not one of %s", v->valuestring, list.buf);
	guard_buf_release(&list);
}

static void
check_regex_string(struct gs_ctx *c, const cJSON *v, const char *pattern)
{
	int code;
	PCRE2_SIZE offset;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, guard_regex_flags(),
				       &code, &offset, NULL);
	if (re) {
		pcre2_code_free(re);
		return;
	}
	PCRE2_UCHAR msg[256];
	pcre2_get_error_message(code, msg, sizeof(msg));
	err(c, v, false, c->path, "bad regex at offset %zu: %s", (size_t)offset, (const char *)msg);
}

static void validate(struct gs_ctx *c, const cJSON *v, const struct gs_node *n);

static size_t
path_push(struct gs_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
path_push(struct gs_ctx *c, const char *fmt, ...)
{
	size_t old = strlen(c->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->path + old, sizeof(c->path) - old, fmt, ap);
	va_end(ap);
	return old;
}

static void
validate_map(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	const char *names[48];
	size_t nn = 0;

	for (const struct gs_field *f = n->fields; f->key && nn < 47; f++)
		names[nn++] = f->key;
	names[nn] = NULL;

	for (const cJSON *m = v->child; m; m = m->next) {
		const struct gs_field *f = n->fields;
		while (f->key && strcmp(f->key, m->string))
			f++;
		if (!f->key) {
			const char *hint = guard_suggest(m->string, names);
			if (hint)
				err(c, m, true, NULL, "unknown key '%s' in %s, did you mean '%s'?", m->string, n->what, hint);
			else
				err(c, m, true, NULL, "unknown key '%s' in %s", m->string, n->what);
			continue;
		}
		size_t old = path_push(c, "%s%s", *c->path ? "." : "", m->string);
		if ((f->flags & GS_USER_MANAGED) && c->layer != GUARD_LAYER_USER && c->layer != GUARD_LAYER_MANAGED)
			err(c, m, true, NULL, "%s are read only from the user and managed layers, not the %s layer",
			    m->string, gp_layer_names[c->layer]);
		else if ((f->flags & GS_NOT_PROJECT) && c->layer == GUARD_LAYER_PROJECT)
			err(c, m, true, NULL, "%s cannot be set in the project layer (it may only tighten)", m->string);
		else
			validate(c, m, f->node);
		c->path[old] = '\0';
	}
	for (const struct gs_field *f = n->fields; f->key; f++)
		if ((f->flags & GS_REQUIRED) && !cJSON_GetObjectItemCaseSensitive(v, f->key))
			err(c, v, false, *c->path ? c->path : NULL, "a %s needs '%s'", n->what, f->key);
}

static void
validate(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	long long x;

	switch (n->type) {
	case GS_MAP:
		if (n->or_bool && cJSON_IsBool(v))
			break;
		if (!cJSON_IsObject(v)) {
			err(c, v, false, c->path, "must be a mapping (%s), not %s", n->what, json_kind(v));
			return;
		}
		validate_map(c, v, n);
		break;
	case GS_DICT:
		if (!cJSON_IsObject(v)) {
			err(c, v, false, c->path, "must be a mapping, not %s", json_kind(v));
			return;
		}
		for (const cJSON *m = v->child; m; m = m->next) {
			size_t old = path_push(c, ".%s", m->string);
			validate(c, m, n->item);
			c->path[old] = '\0';
		}
		break;
	case GS_LIST:
		if (!cJSON_IsArray(v)) {
			err(c, v, false, c->path, "must be a list, not %s", json_kind(v));
			return;
		}
		{
			int i = 0;
			for (const cJSON *m = v->child; m; m = m->next, i++) {
				size_t old = path_push(c, "[%d]", i);
				validate(c, m, n->item);
				c->path[old] = '\0';
			}
		}
		break;
	case GS_STR:
	case GS_ENUM:
	case GS_REGEX:
		if (!cJSON_IsString(v)) {
			err(c, v, false, c->path, "must be a string, not %s", json_kind(v));
			return;
		}
		if (n->type == GS_ENUM)
			check_enum(c, v, n);
		if (n->type == GS_REGEX)
			check_regex_string(c, v, v->valuestring);
		break;
	case GS_STRS:
		if (cJSON_IsString(v))
			break;
		if (!cJSON_IsArray(v)) {
			err(c, v, false, c->path, "must be a string or a list of strings, not %s", json_kind(v));
			return;
		}
		for (const cJSON *m = v->child; m; m = m->next)
			if (!cJSON_IsString(m))
				err(c, m, false, c->path, "list items must be strings, not %s", json_kind(m));
		break;
	case GS_BOOL:
		if (!cJSON_IsBool(v)) {
			err(c, v, false, c->path, "must be true or false, not %s%s%s%s", json_kind(v),
			    cJSON_IsString(v) ? " '" : "", cJSON_IsString(v) ? v->valuestring : "",
			    cJSON_IsString(v) ? "'" : "");
			return;
		}
		break;
	case GS_INT:
		/* Range first: casting a double past long long is undefined. */
		if (cJSON_IsNumber(v) && fabs(v->valuedouble) >= 9.2e18) {
			err(c, v, false, c->path, "%g is out of range %lld..%lld", v->valuedouble, n->min, n->max);
			return;
		}
		if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble) {
			err(c, v, false, c->path, "must be a whole number, not %s", json_kind(v));
			return;
		}
		x = (long long)v->valuedouble;
		if (x < n->min || x > n->max)
			err(c, v, false, c->path, "%lld is out of range %lld..%lld", x, n->min, n->max);
		break;
	case GS_DURATION:
		if (gp_parse_duration(v) < 0) {
			err(c, v, false, c->path, "must be a duration like 30s, 5m, 4h, 1h30m or seconds%s%s%s",
			    cJSON_IsString(v) ? " (got '" : "", cJSON_IsString(v) ? v->valuestring : "",
			    cJSON_IsString(v) ? "')" : "");
			return;
		}
		break;
	case GS_SIZE:
		if (gp_parse_size(v) < 0) {
			err(c, v, false, c->path, "must be a size like 8MiB, 512k or bytes");
			return;
		}
		break;
	}
	if (n->check)
		n->check(c, v, n);
}

/* ---- custom checks ---- */

static const char *const levels[] = { "low", "medium", "high", "critical", NULL };
static const char *const path_lists[] = { "sensitive_paths", "protected_paths", "scratch_paths", NULL };
static const char *const host_lists[] = { "allowed_hosts", NULL };

/* Each entry of a string-or-list, with its node. */
#define FOR_EACH_STR(v, m) \
	for (const cJSON *m = cJSON_IsArray(v) ? (v)->child : (v); m; m = cJSON_IsArray(v) ? m->next : NULL) \
		if (cJSON_IsString(m))

static void
check_refs(struct gs_ctx *c, const cJSON *v, const char *const *allowed, const char *kind)
{
	FOR_EACH_STR(v, m) {
		const char *s = m->valuestring;
		if (*s == '!')
			s++;
		if (!*s) {
			err(c, m, false, c->path, "empty pattern");
			continue;
		}
		if (*s != '@')
			continue;
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			ok |= !strcmp(s + 1, *a);
		if (ok)
			continue;
		const char *hint = guard_suggest(s + 1, allowed);
		struct guard_buf names = GUARD_BUF_INIT;
		for (const char *const *a = allowed; *a; a++)
			guard_buf_addf(&names, "%s@%s", a == allowed ? "" : ", ", *a);
		if (hint)
			err(c, m, false, c->path, "no %s list '%s' (known: %s), did you mean '@%s'?", kind, s, names.buf, hint);
		else
			err(c, m, false, c->path, "no %s list '%s' (known: %s)", kind, s, names.buf);
		guard_buf_release(&names);
	}
}

static void
check_path_cond(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	check_refs(c, v, path_lists, "path");
}

static void
check_host_cond(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	check_refs(c, v, host_lists, "host");
}

static void
check_plain_patterns(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	FOR_EACH_STR(v, m) {
		if (!*m->valuestring || !strcmp(m->valuestring, "!"))
			err(c, m, false, c->path, "empty pattern");
		else if (m->valuestring[0] == '@' || (m->valuestring[0] == '!' && m->valuestring[1] == '@'))
			err(c, m, false, c->path, "'%s': list references work in rule conditions only", m->valuestring);
	}
}

static void
check_risk_cond(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	FOR_EACH_STR(v, m) {
		const char *s = m->valuestring;
		enum guard_level l;
		s += strspn(s, "<>=");
		if ((s - m->valuestring > 2) || (s - m->valuestring == 1 && m->valuestring[0] == '=') ||
		    (s - m->valuestring == 2 && m->valuestring[1] != '=') || guard_level_parse(s, &l) < 0) {
			const char *hint = guard_suggest(s, levels);
			err(c, m, false, c->path, "'%s' is not a risk level (low, medium, high, critical, or >=high style)%s%s%s",
			    m->valuestring, hint ? ", did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
		}
	}
}

static void
check_class_cond(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	FOR_EACH_STR(v, m) {
		const char *s = m->valuestring;
		if (strlen(s) != 1 || !guard_class_valid(s[0]))
			err(c, m, false, c->path, "'%s' is not an action class (R, W, D, X)", s);
	}
}

static void
check_rules(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	struct gp_map seen = { 0 };
	(void)n;
	for (const cJSON *r = v->child; r; r = r->next) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id"), *first;
		if (!cJSON_IsString(id))
			continue;
		if ((first = gp_map_get(&seen, id->valuestring)))
			err(c, id, false, NULL, "duplicate %s id '%s' (first at line %u)",
			    v->string && strcmp(v->string, "rules") ? "entry" : "rule", id->valuestring,
			    guard_yaml_value_mark(c->doc, first).line);
		else
			gp_map_put(&seen, id->valuestring, (void *)id);
	}
	gp_map_release(&seen);
}

static void
check_ids(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	check_rules(c, v, n);
}

static void
check_rule(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "id");
	(void)n;
	if (cJSON_IsString(id)) {
		const char *s = id->valuestring;
		if (!*s || !strncmp(s, "guard.", 6) || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(s))
			err(c, id, false, c->path, "rule id '%s' must be letters, digits, '.', '_' or '-' (and not start with 'guard.')", s);
	}
}

static void
check_version(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	if (v->valuedouble != 1)
		err(c, v, false, c->path, "unsupported policy version %g (this guard reads version 1)", v->valuedouble);
}

static void
check_tool_spec(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	const char *s = v->valuestring, *slash = strchr(s, '/');
	enum guard_level l;
	(void)n;
	if (!strcmp(s, "analyse") || !strcmp(s, "analyze") || !strcmp(s, "annotations"))
		return;
	if (slash && slash[1] && !slash[2] && guard_class_valid(slash[1])) {
		char level[16];
		size_t ll = (size_t)(slash - s);
		if (ll < sizeof(level)) {
			memcpy(level, s, ll);
			level[ll] = '\0';
			if (guard_level_parse(level, &l) == 0)
				return;
		}
	}
	err(c, v, false, c->path, "'%s' is not a tool rating: LEVEL/CLASS (like medium/W), analyse or annotations", s);
}

static void
check_perm_names(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	for (const cJSON *m = v->child; m; m = m->next)
		if (cJSON_IsString(m) && strspn(m->valuestring, "abcdefghijklmnopqrstuvwxyz0123456789._-*") != strlen(m->valuestring))
			err(c, m, false, c->path, "'%s' is not a permission name (like tool.use, approval.manage)", m->valuestring);
}

static void
check_key(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	if (strncmp(v->valuestring, "ed25519:", 8) || !v->valuestring[8])
		err(c, v, false, c->path, "an approver key must look like 'ed25519:<public key>' (guard-approve keygen prints one)");
}

static void
check_no_negation(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	(void)n;
	FOR_EACH_STR(v, m) {
		if (!*m->valuestring)
			err(c, m, false, c->path, "empty entry");
	}
}

/* ---- the tables ---- */

#define NODE(t, ...) (&(const struct gs_node){ .type = (t), __VA_ARGS__ })

static const struct gs_node str_node = { .type = GS_STR };
static const struct gs_node strs_node = { .type = GS_STRS, .check = check_no_negation };
static const struct gs_node bool_node = { .type = GS_BOOL };
static const struct gs_node dur_node = { .type = GS_DURATION };

/*
 * A hook that outlives the agent's hook timeout does not block: Claude
 * Code runs the tool anyway. So the hook's wait must end before the
 * default timeout (60 s); guard doctor compares it with the timeout
 * written in .claude/settings.json (guard init writes 30 s).
 */
#define AGENT_HOOK_TIMEOUT 60

static void
check_hook_wait(struct gs_ctx *c, const cJSON *v, const struct gs_node *n)
{
	long long s = gp_parse_duration(v);
	(void)n;
	if (s >= AGENT_HOOK_TIMEOUT)
		err(c, v, false, c->path, "%llds is at or above the agent's hook timeout (Claude Code: %ds): a hook that times "
		    "out does not block, so the action would run unapproved; use less than %ds (less than the timeout in "
		    ".claude/settings.json, which guard init sets to 30s)", s, AGENT_HOOK_TIMEOUT, AGENT_HOOK_TIMEOUT);
}

static const struct gs_node hook_wait_node = { .type = GS_DURATION, .check = check_hook_wait };
static const struct gs_node count_node = { .type = GS_INT, .min = 0, .max = 1000000000 };
static const struct gs_node regex_node = { .type = GS_REGEX };
static const struct gs_node level_node = { .type = GS_ENUM, .choices = levels };
static const struct gs_node globs_node = { .type = GS_STRS, .check = check_plain_patterns };
static const struct gs_node str_list_node = { .type = GS_LIST, .item = &str_node };

static const char *const effects[] = { "allow", "ask", "deny", NULL };
static const char *const modes[] = { "enforce", "audit", NULL };
static const char *const profiles[] = { "attended", "unattended", NULL };
static const char *const classes[] = { "R", "W", "D", "X", NULL };
static const char *const accesses[] = { "read", "write", "create", "any", NULL };
static const char *const fsyncs[] = { "always", "batch", "never", NULL };
static const char *const attendeds[] = { "request", "agent-prompt", NULL };
static const char *const actions[] = { "warn", "end", "refuse", "stop_day", NULL };
static const char *const incidents[] = { "none", "P1", "P2", "P3", "P4", NULL };

static const struct gs_field when_fields[] = {
	{ "tool", &globs_node, 0 },
	{ "source", &globs_node, 0 },
	{ "phase", &globs_node, 0 },
	{ "role", &globs_node, 0 },
	{ "user", &globs_node, 0 },
	{ "risk", NODE(GS_STRS, .check = check_risk_cond), 0 },
	{ "class", NODE(GS_STRS, .check = check_class_cond), 0 },
	{ "path", NODE(GS_STRS, .check = check_path_cond), 0 },
	{ "access", NODE(GS_ENUM, .choices = accesses), 0 },
	{ "host", NODE(GS_STRS, .check = check_host_cond), 0 },
	{ "regex", &regex_node, 0 },
	{ "unparsed", &bool_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field rule_fields[] = {
	{ "id", &str_node, GS_REQUIRED },
	{ "effect", NODE(GS_ENUM, .choices = effects), GS_REQUIRED },
	{ "when", NODE(GS_MAP, .what = "rule condition (when)", .fields = when_fields), 0 },
	{ "reason", &str_node, 0 },
	{ "require", NODE(GS_LIST, .item = &str_node, .check = check_perm_names), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_node rule_node = { .type = GS_MAP, .what = "rule", .fields = rule_fields, .check = check_rule };

static const struct gs_field command_fields[] = {
	{ "match", &str_node, GS_REQUIRED },
	{ "level", &level_node, GS_REQUIRED },
	{ "class", NODE(GS_ENUM, .choices = classes), 0 },
	{ "reason", &str_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field risk_fields[] = {
	{ "tools", NODE(GS_DICT, .item = NODE(GS_STR, .check = check_tool_spec)), 0 },
	{ "commands", NODE(GS_LIST, .item = NODE(GS_MAP, .what = "risk command", .fields = command_fields)), 0 },
	{ "critical_namespaces", &strs_node, 0 },
	{ "sensitive_paths", &globs_node, 0 },
	{ "protected_paths", &globs_node, 0 },
	{ "scratch_paths", &globs_node, 0 },
	{ "allowed_hosts", &globs_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field min_fields[] = {
	{ "low", NODE(GS_INT, .min = 0, .max = 10), 0 },
	{ "medium", NODE(GS_INT, .min = 0, .max = 10), 0 },
	{ "high", NODE(GS_INT, .min = 0, .max = 10), 0 },
	{ "critical", NODE(GS_INT, .min = 0, .max = 10), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field approval_fields[] = {
	{ "enabled", &bool_node, 0 },
	{ "timeout", &dur_node, 0 },
	{ "poll_interval", &dur_node, 0 },
	{ "hook_wait", &hook_wait_node, 0 },
	{ "min", NODE(GS_MAP, .what = "approval.min", .fields = min_fields), 0 },
	{ "approver_role", &str_node, 0 },
	{ "require_signature", &bool_node, 0 },
	{ "single_use", &bool_node, 0 },
	{ "rejection_ttl", &dur_node, 0 },
	{ "attended", NODE(GS_ENUM, .choices = attendeds), 0 },
	{ "unattended_max", &dur_node, GS_NOT_PROJECT },
	{ NULL, NULL, 0 },
};

static const char *const syslog_facilities[] = { "auth", "authpriv", "daemon", "user", "local0", "local1", "local2",
						 "local3", "local4", "local5", "local6", "local7", NULL };

static const struct gs_field syslog_fields[] = {
	{ "facility", NODE(GS_ENUM, .choices = syslog_facilities), 0 },
	{ "tag", &str_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field witness_fields[] = {
	{ "syslog", NODE(GS_MAP, .what = "audit.witness.syslog", .fields = syslog_fields, .or_bool = true), 0 },
	{ "ref", &bool_node, 0 },
	{ "every_records", NODE(GS_INT, .min = 1, .max = 1000000000), 0 },
	{ "every_minutes", NODE(GS_INT, .min = 1, .max = 1000000), 0 },
	{ "every", &dur_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field audit_fields[] = {
	{ "fsync", NODE(GS_ENUM, .choices = fsyncs), 0 },
	{ "dir", &str_node, 0 },
	{ "fail_closed", &bool_node, 0 },
	{ "seal_epoch", &dur_node, 0 },
	{ "witness", NODE(GS_MAP, .what = "audit.witness", .fields = witness_fields), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field session_fields[] = {
	{ "max_loc", &count_node, 0 },
	{ "max_files_created", &count_node, 0 },
	{ "max_files_modified", &count_node, 0 },
	{ "max_loc_per_day", &count_node, 0 },
	{ "max_duration", &dur_node, 0 },
	{ "idle_timeout", &dur_node, 0 },
	{ "max_sessions_per_day", &count_node, 0 },
	{ "cooldown", &dur_node, 0 },
	{ "poll_interval", &dur_node, 0 },
	{ "same_file_streak", &count_node, 0 },
	{ "max_files_deleted", &count_node, 0 },
	{ "denied_retries", &count_node, 0 },
	{ "watch_factor", NODE(GS_INT, .min = 1, .max = 100), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field packages_fields[] = {
	{ "allow", &str_list_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field incident_fields[] = {
	{ "command", &str_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field breach_fields[] = {
	{ "action", NODE(GS_ENUM, .choices = actions), 0 },
	{ "incident", NODE(GS_ENUM, .choices = incidents), 0 },
	{ NULL, NULL, 0 },
};

#define BREACH NODE(GS_MAP, .what = "anomaly response", .fields = breach_fields)

static const struct gs_field anomaly_fields[] = {
	{ "loc", BREACH, 0 },
	{ "files_created", BREACH, 0 },
	{ "files_modified", BREACH, 0 },
	{ "loc_per_day", BREACH, 0 },
	{ "duration", BREACH, 0 },
	{ "idle", BREACH, 0 },
	{ "sessions_per_day", BREACH, 0 },
	{ "cooldown", BREACH, 0 },
	{ "same_file_streak", BREACH, 0 },
	{ "files_deleted", BREACH, 0 },
	{ "outside_project", BREACH, 0 },
	{ "unknown_host", BREACH, 0 },
	{ "denied_retries", BREACH, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field branch_fields[] = {
	{ "pattern", &str_node, 0 },
	{ "base", &str_node, 0 },
	{ "protected", &str_list_node, 0 },
	{ "allow_ai_merge", &bool_node, 0 },
	{ "allow_agent_commit", &bool_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field reviewer_fields[] = {
	{ "min", NODE(GS_INT, .min = 0, .max = 20), 0 },
	{ "teams", &str_list_node, 0 },
	{ "paths", NODE(GS_LIST, .item = &str_node, .check = check_plain_patterns), 0 },
	{ NULL, NULL, 0 },
};

#define REVIEWERS NODE(GS_MAP, .what = "reviewer category", .fields = reviewer_fields)

static const struct gs_field reviewers_fields[] = {
	{ "tests", REVIEWERS, 0 },
	{ "general", REVIEWERS, 0 },
	{ "security", REVIEWERS, 0 },
	{ "db", REVIEWERS, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field gate_fields[] = {
	{ "ci_green", &bool_node, 0 },
	{ "scan_clean", &bool_node, 0 },
	{ "no_forbidden_patterns", &bool_node, 0 },
	{ "min_coverage", NODE(GS_INT, .min = 0, .max = 100), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field cleanup_fields[] = {
	{ "delete_merged", &bool_node, 0 },
	{ "close_unmerged_after", &dur_node, 0 },
	{ "no_pr_after", &dur_node, 0 },
	{ "alert_open_after", &dur_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field pr_fields[] = {
	{ "labels", &str_list_node, 0 },
	{ "security_label", &str_node, 0 },
	{ "reviewers", NODE(GS_MAP, .what = "pr.reviewers", .fields = reviewers_fields), 0 },
	{ "merge_gate", NODE(GS_MAP, .what = "pr.merge_gate", .fields = gate_fields), 0 },
	{ "cleanup", NODE(GS_MAP, .what = "pr.cleanup", .fields = cleanup_fields), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field forbidden_fields[] = {
	{ "id", &str_node, GS_REQUIRED },
	{ "regex", &regex_node, GS_REQUIRED },
	{ "message", &str_node, 0 },
	{ "severity", &level_node, 0 },
	{ "paths", NODE(GS_STRS, .check = check_plain_patterns), 0 },
	{ "keywords", &str_list_node, 0 },
	{ "multiline", &bool_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field scan_fields[] = {
	{ "exclude", &globs_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field redact_fields[] = {
	{ "id", &str_node, GS_REQUIRED },
	{ "regex", &regex_node, GS_REQUIRED },
	{ "replacement", &str_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field principal_fields[] = {
	{ "roles", &str_list_node, 0 },
	{ "key", NODE(GS_STR, .check = check_key), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field limits_fields[] = {
	{ "max_event_bytes", NODE(GS_SIZE), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field mcp_server_fields[] = {
	{ "remote", &bool_node, 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field mcp_fields[] = {
	{ "trusted_servers", &str_list_node, GS_NOT_PROJECT },
	/* where a server's commands run: not the project's to say (the agent writes there) */
	{ "servers", NODE(GS_DICT, .item = NODE(GS_MAP, .what = "mcp server", .fields = mcp_server_fields)), GS_NOT_PROJECT },
	{ "propose", &bool_node, 0 },
	{ "max_frame_bytes", NODE(GS_SIZE), 0 },
	{ NULL, NULL, 0 },
};

static const struct gs_field top_fields[] = {
	{ "version", NODE(GS_INT, .min = 0, .max = 1000, .check = check_version), 0 },
	{ "mode", NODE(GS_ENUM, .choices = modes), 0 },
	{ "profile", NODE(GS_ENUM, .choices = profiles), 0 },
	{ "default", NODE(GS_ENUM, .choices = effects), 0 },
	{ "roles", NODE(GS_DICT, .item = NODE(GS_LIST, .item = &str_node, .check = check_perm_names)), GS_NOT_PROJECT },
	{ "principals", NODE(GS_DICT, .item = NODE(GS_MAP, .what = "principal", .fields = principal_fields)), GS_USER_MANAGED },
	{ "risk", NODE(GS_MAP, .what = "risk", .fields = risk_fields), 0 },
	{ "rules", NODE(GS_LIST, .item = &rule_node, .check = check_rules), 0 },
	{ "limits", NODE(GS_MAP, .what = "limits", .fields = limits_fields), 0 },
	{ "approval", NODE(GS_MAP, .what = "approval", .fields = approval_fields), 0 },
	{ "audit", NODE(GS_MAP, .what = "audit", .fields = audit_fields), 0 },
	{ "session", NODE(GS_MAP, .what = "session", .fields = session_fields), 0 },
	{ "anomalies", NODE(GS_MAP, .what = "anomalies", .fields = anomaly_fields), 0 },
	{ "incident", NODE(GS_MAP, .what = "incident", .fields = incident_fields), GS_USER_MANAGED },
	{ "packages", NODE(GS_MAP, .what = "packages", .fields = packages_fields), GS_USER_MANAGED },
	{ "branch", NODE(GS_MAP, .what = "branch", .fields = branch_fields), 0 },
	{ "pr", NODE(GS_MAP, .what = "pr", .fields = pr_fields), 0 },
	{ "mcp", NODE(GS_MAP, .what = "mcp", .fields = mcp_fields), 0 },
	{ "forbidden_patterns", NODE(GS_LIST, .item = NODE(GS_MAP, .what = "forbidden pattern", .fields = forbidden_fields), .check = check_ids), 0 },
	{ "redact", NODE(GS_LIST, .item = NODE(GS_MAP, .what = "redact entry", .fields = redact_fields), .check = check_ids), 0 },
	/* what guard-scan skips: not the project's to say (the agent writes there) */
	{ "scan", NODE(GS_MAP, .what = "scan", .fields = scan_fields), GS_NOT_PROJECT },
	{ NULL, NULL, 0 },
};

static const struct gs_node top_node = { .type = GS_MAP, .what = "the policy", .fields = top_fields };

size_t
gp_validate(const struct guard_yaml_doc *doc, enum guard_layer layer, struct guard_list *errors)
{
	struct gs_ctx c;

	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.layer = layer;
	c.errors = errors;
	if (cJSON_IsNull(doc->root))
		return 0; /* an empty file (or only comments) sets nothing */
	validate(&c, doc->root, &top_node);
	return c.count;
}
