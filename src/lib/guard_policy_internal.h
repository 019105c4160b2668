/*
 * Private to guard_policy*.c: the compiled policy and the helpers the
 * load, schema, merge, compile and eval files share. Strings in the
 * compiled structures point into p->tree (the merged policy) or into
 * p->arena; nothing here is freed one by one.
 */
#ifndef GUARD_POLICY_INTERNAL_H
#define GUARD_POLICY_INTERNAL_H

#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "guard_policy.h"
#include "guard_regex.h"
#include "guard_yaml.h"

#define GP_MAX_PERMS 64
#define GP_REV_LEN (7 + 64 + 1)      /* "sha256:" + hex + NUL */

/* A glob with cheap literal prefilters computed at load. */
struct gp_glob {
	const char *pat;     /* as written (after '!' and '@' handling) */
	const char *dir_pat; /* for a pattern ending in slash-star-star: the folder itself; or NULL */
	const char *prefix;  /* literal start a matching path must have ("~" expanded), or NULL */
	size_t prefix_len;
	size_t prefix_dir_len; /* length of prefix up to and including its last '/' */
	const char *suffix;  /* literal end a matching path must have */
	size_t suffix_len;
	bool negate;         /* "!pattern": an exclusion (the last matching entry decides) */
	bool literal;        /* no glob characters: plain string compare (names, hosts) */
	size_t name_pre_len; /* literal start of pat a whole-string match needs (names) */
	/* prefilters for dir_pat: a literal end and the length of prefix it needs */
	const char *dir_suffix;
	size_t dir_suffix_len;
	size_t dir_prefix_len;
};

/* An ordered list of globs with gitignore semantics: the last match decides. */
struct gp_globs {
	struct gp_glob *v;
	size_t n;
};

enum gp_access { GP_ACCESS_ANY, GP_ACCESS_READ, GP_ACCESS_WRITE, GP_ACCESS_CREATE /* risk.creates: files made new */ };

/* A rule's regex as compiled: made once, on its first match, and then shared. */
struct gp_regex {
	pcre2_code *code;
	bool jit; /* JIT-compiled */
};

struct gp_rule {
	const char *id;
	const char *reason;        /* may be NULL */
	enum guard_effect effect;
	enum guard_layer layer;
	struct gp_globs tool, source, phase, role, user, host;
	struct gp_globs path;
	enum gp_access access;
	unsigned risk_mask;        /* bit per level; 0: no condition */
	unsigned class_mask;       /* bit per class R W D X; 0: no condition */
	char *regex_src;           /* owned; NULL: no condition */
	struct gp_regex *regex;    /* owned; compiled on first use (gp_rule_regex), NULL until then */
	int unparsed;              /* -1 no condition, else 0/1 */
	uint64_t require;          /* permissions the actor must hold */
};

struct gp_tool_ref {
	const char *name;
	uint32_t rule;
};

struct gp_tool_name {
	const char *name;
	size_t begin, end;
};

struct gp_role {
	const char *name;
	uint64_t perms;
};

struct gp_principal {
	const char *user;
	const char **roles; /* arena */
	size_t nroles;
	uint64_t perms;
};

struct guard_policy {
	cJSON *tree;                 /* the merged policy; owned */
	char rev[GP_REV_LEN];
	struct guard_list warnings;
	bool unattended;
	bool audit;
	bool managed_deny_final;     /* audit mode came from below the managed layer */
	enum guard_effect deflt;
	size_t max_event_bytes;

	struct gp_rule *rules;       /* deny group, ask group, allow group */
	size_t nrules;
	/*
	 * Rules by tool: a rule whose tool condition is only literal names is
	 * listed under each name (sorted by name, then rule); every other rule
	 * is in untooled (in rule order).
	 */
	struct gp_tool_ref *tool_refs;
	size_t ntool_refs;
	struct gp_tool_name *tool_names; /* each name once, sorted: its tool_refs range */
	size_t ntool_names;
	uint32_t *untooled;
	size_t nuntooled;
	size_t group_end[3];         /* rules[..group_end[GUARD_EFFECT_x]) per group */

	const char *perm_names[GP_MAX_PERMS];
	size_t nperms;
	uint64_t perm_tool_use, perm_approval_manage;
	struct gp_role *roles;
	size_t nroles;
	struct gp_principal *principals;
	size_t nprincipals;

	struct guard_risk_config risk;
	struct gp_globs sensitive, protected_paths, scratch, allowed_hosts;

	pcre2_match_context *mctx;   /* owned */
	const char *home;
	void **arena;                /* every other allocation, freed together */
	size_t narena, aarena;
};

/* Allocation owned by the policy (zeroed). */
void *gp_alloc(struct guard_policy *p, size_t n);
char *gp_strdup(struct guard_policy *p, const char *s);

extern const char *const gp_layer_names[4];

/* schema: every error of one layer's document into errors; returns their count. */
size_t gp_validate(const struct guard_yaml_doc *doc, enum guard_layer layer, struct guard_list *errors);

/* Parse "8MiB", "512k", 1048576 ... into bytes; -1 when malformed. */
long long gp_parse_size(const cJSON *v);
/* Seconds of a duration given as a number or string; -1 when malformed. */
long long gp_parse_duration(const cJSON *v);
/* PCRE2 compile flags used everywhere (UTF, no auto-callout). */

/* A string -> pointer map (keys borrowed), to keep id lookups linear overall. */
struct gp_map {
	const char **keys;
	void **vals;
	size_t cap, len;
};
void *gp_map_get(const struct gp_map *m, const char *key);
void gp_map_put(struct gp_map *m, const char *key, void *val);
void gp_map_release(struct gp_map *m);

/* merge: apply one layer on top of tree (a cJSON object). */
struct gp_merge {
	cJSON *tree;
	struct guard_list *warnings;
	enum guard_layer mode_layer; /* layer that last set mode */
	enum guard_layer profile_layer;
};
void gp_merge_init(struct gp_merge *m, struct guard_list *warnings);
void gp_merge_layer(struct gp_merge *m, const struct guard_yaml_doc *doc, enum guard_layer layer);

/* compile: build rules, RBAC and risk config from p->tree. */
int gp_compile(struct guard_policy *p, struct guard_list *errors);
/* r's regex, compiled on the first call (thread-safe); NULL when r has none or it cannot be compiled. */
struct gp_regex *gp_rule_regex(const struct gp_rule *r);

/* Match helpers (eval). */
bool gp_glob_name(const struct gp_glob *g, const char *s);
bool gp_globs_name(const struct gp_globs *l, const char *s);
bool gp_globs_path(const struct gp_globs *l, const char *path, const char *home, bool ancestors);
/* Bit of an action class in a rule's class mask (R 1, W 2, D 4, X 8); 0 if unknown. */
unsigned gp_class_bit(char c);
/* Compile one glob entry into g (strings owned by p). */
void gp_glob_compile(struct guard_policy *p, struct gp_glob *g, const char *pat, bool path);

#endif
