/*
 * Loading the policy: find each layer's file, read it safely (a user,
 * managed or project file that others can write is refused, as doas
 * refuses its config), parse, validate, settle the profile, merge,
 * hash and compile. Every error of every file is collected before the
 * load fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_hash.h"
#include "guard_path.h"
#include "guard_policy_internal.h"

#ifndef GUARD_DATADIR
#define GUARD_DATADIR "/usr/local/share/guard"
#endif

extern const char guard_embedded_default[], guard_embedded_nightbuilder[];
/* The same texts parsed and validated when guard was built (src/tools/policy_json.c). */
extern const char guard_embedded_default_json[], guard_embedded_nightbuilder_json[];
/* And the SHA-256 of each tree's canonical JSON (policy-json --digest). */
extern const char guard_embedded_default_digest[], guard_embedded_nightbuilder_digest[];

enum { L_BUILTIN, L_NIGHTBUILDER, L_USER, L_MANAGED, L_PROJECT, L_COUNT };

struct layer {
	enum guard_layer layer;
	char *path;             /* NULL: skipped, or the embedded copy (embedded set) */
	const char *embedded;
	const char *embedded_name;
	/* a built-in layer: the shipped text, its tree as built and that tree's digest */
	const char *shipped, *shipped_json, *shipped_digest;
	const char *digest;     /* the loaded tree's digest when it is the shipped one, or NULL */
	struct guard_yaml_doc doc;
	bool loaded;
};

/*
 * Read a policy file. A missing file is GUARD_ENOTFOUND with no error
 * recorded; everything else wrong goes to errors.
 */
static int
read_policy(const char *path, bool check_owner, char **out, size_t *len, struct guard_list *errors)
{
	struct guard_buf b = GUARD_BUF_INIT;
	struct stat st;
	char chunk[8192];
	ssize_t n;
	int fd, rc = 0;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return GUARD_ENOTFOUND;
		guard_list_take(errors, guard_xasprintf("%s: cannot open: %s", path, strerror(errno)));
		return GUARD_EPOLICY;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		guard_list_take(errors, guard_xasprintf("%s: not a regular file", path));
		rc = GUARD_EPOLICY;
		goto out;
	}
	if (check_owner && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		guard_list_take(errors, guard_xasprintf("%s: writable by group or others (mode %04o); run 'chmod go-w %s'",
							path, (unsigned)(st.st_mode & 07777), path));
		rc = GUARD_EPOLICY;
	}
	if (check_owner && st.st_uid != geteuid() && st.st_uid != 0) {
		guard_list_take(errors, guard_xasprintf("%s: owned by uid %u, not by you or root", path,
							(unsigned)st.st_uid));
		rc = GUARD_EPOLICY;
	}
	if (rc < 0)
		goto out;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			guard_list_take(errors, guard_xasprintf("%s: read error: %s", path, strerror(errno)));
			rc = GUARD_EPOLICY;
			goto out;
		}
		if (b.len + (size_t)n > GUARD_YAML_MAX_BYTES) {
			guard_list_take(errors, guard_xasprintf("%s: larger than %zu bytes", path, GUARD_YAML_MAX_BYTES));
			rc = GUARD_EPOLICY;
			goto out;
		}
		guard_buf_add(&b, chunk, (size_t)n);
	}
	*len = b.len;
	*out = guard_buf_detach(&b);
out:
	guard_buf_release(&b);
	close(fd);
	return rc;
}

/* "file:LINE:COL: ..." -> a sortable position (0 when there is none). */
static unsigned long long
position_of(const char *msg, size_t namelen)
{
	unsigned long line, col;
	char *end;

	if (strlen(msg) <= namelen || msg[namelen] != ':')
		return 0;
	line = strtoul(msg + namelen + 1, &end, 10);
	if (*end != ':')
		return 0;
	col = strtoul(end + 1, &end, 10);
	return ((unsigned long long)line << 20) | (col & 0xfffff);
}

/* Errors of one file in source order (insertion sort: the lists are short). */
static void
sort_errors(struct guard_list *errors, size_t from, const char *name)
{
	size_t namelen = strlen(name);

	for (size_t i = from + 1; i < errors->len; i++) {
		char *e = errors->items[i];
		unsigned long long pos = position_of(e, namelen);
		size_t j = i;
		while (j > from && position_of(errors->items[j - 1], namelen) > pos) {
			errors->items[j] = errors->items[j - 1];
			j--;
		}
		errors->items[j] = e;
	}
}

/*
 * A built-in layer whose text is the shipped text (the compiled-in copy,
 * or an installed file with the same bytes) is taken from the tree the
 * build made of it, parsed and validated then: libyaml and the schema
 * are most of a hook call's work otherwise. Any other text goes the long
 * way, so an edited file is still checked.
 */
static bool
load_shipped(struct layer *l, const char *name, const char *text, size_t len)
{
	cJSON *root;

	if (!l->shipped || !*l->shipped || len != strlen(l->shipped) || memcmp(text, l->shipped, len) ||
	    !(root = cJSON_Parse(l->shipped_json)))
		return false;
	guard_yaml_init(&l->doc);
	l->doc.name = guard_xstrdup(name);
	l->doc.root = root;
	l->loaded = true;
	l->digest = l->shipped_digest && strlen(l->shipped_digest) == GUARD_SHA256_HEX - 1 ? l->shipped_digest : NULL;
	return true;
}

/* Read, parse and validate one layer. 0, GUARD_ENOTFOUND or GUARD_EPOLICY. */
static int
load_layer(struct layer *l, struct guard_list *errors)
{
	char *text = NULL;
	size_t len = 0, before = errors->len;
	int rc;

	if (l->path) {
		rc = read_policy(l->path, l->layer != GUARD_LAYER_BUILTIN, &text, &len, errors);
		if (rc < 0)
			return rc;
		if (load_shipped(l, l->path, text, len)) {
			free(text);
			return 0;
		}
		rc = guard_yaml_parse(&l->doc, l->path, text, len, errors);
		free(text);
	} else if (l->embedded) {
		if (load_shipped(l, l->embedded_name, l->embedded, strlen(l->embedded)))
			return 0;
		rc = guard_yaml_parse(&l->doc, l->embedded_name, l->embedded, strlen(l->embedded), errors);
	} else {
		return GUARD_ENOTFOUND;
	}
	if (rc < 0)
		return GUARD_EPOLICY;
	gp_validate(&l->doc, l->layer, errors);
	sort_errors(errors, before, l->doc.name);
	l->loaded = true;
	return errors->len > before ? GUARD_EPOLICY : 0;
}

static const char *
env(const char *name)
{
	return getenv(name);
}

static bool
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The source of the builtin layer and, when unattended, the NightBuilder layer. */
static void
locate_builtin(const struct guard_policy_sources *src, struct layer *b, struct layer *nb)
{
	const char *given = src ? src->builtin : NULL;
	const char *nb_given = src ? src->nightbuilder : NULL;
	char *dir = NULL;

	b->layer = nb->layer = GUARD_LAYER_BUILTIN;
	b->shipped = guard_embedded_default;
	b->shipped_json = guard_embedded_default_json;
	b->shipped_digest = guard_embedded_default_digest;
	nb->shipped = guard_embedded_nightbuilder;
	nb->shipped_json = guard_embedded_nightbuilder_json;
	nb->shipped_digest = guard_embedded_nightbuilder_digest;
	if (!given && env("GUARD_DEFAULT_POLICY") && *env("GUARD_DEFAULT_POLICY"))
		given = env("GUARD_DEFAULT_POLICY");
	if (!given && exists(GUARD_DATADIR "/default.yaml"))
		given = GUARD_DATADIR "/default.yaml";
	if (given && *given) {
		b->path = guard_xstrdup(given);
		const char *slash = strrchr(given, '/');
		dir = slash ? guard_xstrndup(given, (size_t)(slash - given)) : guard_xstrdup(".");
	} else if (!given) {
		b->embedded = guard_embedded_default;
		b->embedded_name = "builtin:default.yaml";
	}
	if (!nb_given)
		nb_given = env("GUARD_NIGHTBUILDER_POLICY");
	if (nb_given) {
		if (*nb_given)
			nb->path = guard_xstrdup(nb_given);
	} else {
		char *beside = dir ? guard_xasprintf("%s/nightbuilder.yaml", dir) : NULL;
		if (beside && exists(beside)) {
			nb->path = beside;
			beside = NULL;
		} else {
			nb->embedded = guard_embedded_nightbuilder;
			nb->embedded_name = "builtin:nightbuilder.yaml";
		}
		free(beside);
	}
	free(dir);
}

/*
 * A layer's file: the caller's choice, else the environment variable,
 * else fallback (malloc'd; freed when not used). "" skips the layer.
 */
static char *
layer_path(const char *given, const char *envname, char *fallback)
{
	const char *s = given ? given : env(envname);

	if (!s)
		return fallback;
	free(fallback);
	return *s ? guard_xstrdup(s) : NULL;
}

char *
guard_policy_user_path(void)
{
	const char *xdg = env("XDG_CONFIG_HOME");

	return layer_path(NULL, "GUARD_USER_POLICY",
			  xdg && xdg[0] == '/' ? guard_xasprintf("%s/guard/policy.yaml", xdg)
			  : guard_xasprintf("%s/.config/guard/policy.yaml", guard_home()));
}

static void
locate_others(const struct guard_policy_sources *src, struct layer *L)
{
	const char *xdg = env("XDG_CONFIG_HOME");

	L[L_USER].layer = GUARD_LAYER_USER;
	L[L_MANAGED].layer = GUARD_LAYER_MANAGED;
	L[L_PROJECT].layer = GUARD_LAYER_PROJECT;
	L[L_USER].path = layer_path(src ? src->user : NULL, "GUARD_USER_POLICY",
				    xdg && xdg[0] == '/' ? guard_xasprintf("%s/guard/policy.yaml", xdg)
				    : guard_xasprintf("%s/.config/guard/policy.yaml", guard_home()));
	L[L_MANAGED].path = layer_path(src ? src->managed : NULL, "GUARD_MANAGED_POLICY",
				       guard_xstrdup("/etc/guard/policy.yaml"));
	if (src && src->project)
		L[L_PROJECT].path = *src->project ? guard_xstrdup(src->project) : NULL;
	else if (src && src->project_root && *src->project_root)
		L[L_PROJECT].path = guard_xasprintf("%s/.ai/policy.yaml", src->project_root);
}

static const char *
profile_of(const struct layer *l)
{
	const cJSON *v = l->loaded ? cJSON_GetObjectItemCaseSensitive(l->doc.root, "profile") : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * The profile: the trusted layers' last word; the project may turn it
 * unattended; a caller's explicit choice replaces the layers' (but not a
 * managed or project "unattended"); $GUARD_PROFILE=unattended tightens.
 */
static int
settle_profile(const struct guard_policy_sources *src, const struct layer *L, bool *unattended,
	       struct guard_list *errors)
{
	const char *trusted = NULL, *e = env("GUARD_PROFILE");
	bool sticky = false;

	for (int i = L_BUILTIN; i <= L_MANAGED; i++)
		if (profile_of(&L[i]))
			trusted = profile_of(&L[i]);
	*unattended = trusted && !strcmp(trusted, "unattended");
	if (profile_of(&L[L_MANAGED]) && !strcmp(profile_of(&L[L_MANAGED]), "unattended"))
		sticky = true;
	if (profile_of(&L[L_PROJECT]) && !strcmp(profile_of(&L[L_PROJECT]), "unattended"))
		sticky = *unattended = true;
	if (src && src->profile) {
		if (strcmp(src->profile, "attended") && strcmp(src->profile, "unattended")) {
			guard_list_take(errors, guard_xasprintf("unknown profile '%s' (attended, unattended)", src->profile));
			return GUARD_EPOLICY;
		}
		*unattended = sticky || !strcmp(src->profile, "unattended");
	}
	if (e && *e) {
		if (!strcmp(e, "unattended"))
			*unattended = true;
		else if (strcmp(e, "attended")) {
			guard_list_take(errors, guard_xasprintf("GUARD_PROFILE='%s' is not attended or unattended", e));
			return GUARD_EPOLICY;
		}
	}
	return 0;
}

/*
 * The policy revision: SHA-256 over each loaded layer's place and the
 * SHA-256 of its tree's canonical JSON, and the profile: what the merge
 * is made of, so any change to the policy in force changes it, and a
 * comment or a key order does not. A built-in layer with the shipped text
 * brings the digest the build made (hashing the shipped tree again was a
 * seventh of a hook call); the other layers are small.
 */
static void
policy_revision(const struct layer *L, bool unattended, char *rev, size_t size)
{
	struct guard_buf in = GUARD_BUF_INIT;
	char hex[GUARD_SHA256_HEX];

	guard_buf_addstr(&in, "guard-policy-rev-2\n");
	for (int i = 0; i < L_COUNT; i++) {
		if (!L[i].loaded)
			continue;
		if (L[i].digest) {
			guard_buf_addf(&in, "%d %s\n", i, L[i].digest);
			continue;
		}
		char *canon = guard_json_canonical(L[i].doc.root);
		guard_sha256_hex(canon, strlen(canon), hex);
		free(canon);
		guard_buf_addf(&in, "%d %s\n", i, hex);
	}
	guard_buf_addf(&in, "profile %s\n", unattended ? "unattended" : "attended");
	guard_sha256_hex(in.buf, in.len, hex);
	snprintf(rev, size, "sha256:%s", hex);
	guard_buf_release(&in);
}

static void
layers_release(struct layer *L)
{
	for (int i = 0; i < L_COUNT; i++) {
		guard_yaml_release(&L[i].doc);
		free(L[i].path);
	}
}

int
guard_policy_load(struct guard_policy **out, const struct guard_policy_sources *src, struct guard_list *errors)
{
	struct layer L[L_COUNT];
	struct guard_policy *p = NULL;
	struct gp_merge m;
	size_t before = errors->len;
	bool unattended = false;
	int rc = 0;

	*out = NULL;
	memset(L, 0, sizeof(L));
	locate_builtin(src, &L[L_BUILTIN], &L[L_NIGHTBUILDER]);
	locate_others(src, L);
	if (L[L_BUILTIN].path || L[L_BUILTIN].embedded) {
		if (load_layer(&L[L_BUILTIN], errors) == GUARD_ENOTFOUND)
			guard_list_take(errors, guard_xasprintf("%s: built-in policy not found", L[L_BUILTIN].path));
	}
	for (int i = L_USER; i <= L_PROJECT; i++)
		load_layer(&L[i], errors);
	if (settle_profile(src, L, &unattended, errors) == 0 && unattended &&
	    (L[L_NIGHTBUILDER].path || L[L_NIGHTBUILDER].embedded) &&
	    load_layer(&L[L_NIGHTBUILDER], errors) == GUARD_ENOTFOUND)
		guard_list_take(errors, guard_xasprintf("%s: NightBuilder policy not found", L[L_NIGHTBUILDER].path));
	if (errors->len > before) {
		rc = GUARD_EPOLICY;
		goto out;
	}

	p = guard_xcalloc(1, sizeof(*p));
	p->home = guard_home();
	policy_revision(L, unattended, p->rev, sizeof(p->rev));
	gp_merge_init(&m, &p->warnings);
	for (int i = 0; i < L_COUNT; i++)
		if (L[i].loaded)
			gp_merge_layer(&m, &L[i].doc, L[i].layer);
	p->tree = m.tree;
	if (!cJSON_GetObjectItemCaseSensitive(p->tree, "version"))
		cJSON_AddNumberToObject(p->tree, "version", 1);
	cJSON_DeleteItemFromObjectCaseSensitive(p->tree, "profile");
	cJSON_AddStringToObject(p->tree, "profile", unattended ? "unattended" : "attended");
	{
		const cJSON *mode = cJSON_GetObjectItemCaseSensitive(p->tree, "mode");
		p->managed_deny_final = cJSON_IsString(mode) && !strcmp(mode->valuestring, "audit") &&
			m.mode_layer != GUARD_LAYER_MANAGED;
	}
	if ((rc = gp_compile(p, errors)) < 0)
		goto out;
	*out = p;
	p = NULL;
out:
	layers_release(L);
	guard_policy_free(p);
	if (rc < 0 || errors->len > before) {
		*out = NULL;
		return guard_error(GUARD_EPOLICY, "%s", errors->len > before ? errors->items[before] : "policy invalid");
	}
	return 0;
}

int
guard_policy_validate_file(const char *path, enum guard_layer layer, struct guard_list *errors)
{
	struct layer l;
	size_t before = errors->len;
	int rc;

	memset(&l, 0, sizeof(l));
	l.layer = layer;
	l.path = guard_xstrdup(path);
	rc = load_layer(&l, errors);
	if (rc == GUARD_ENOTFOUND)
		guard_list_take(errors, guard_xasprintf("%s: not found", path));
	guard_yaml_release(&l.doc);
	free(l.path);
	if (errors->len > before)
		return guard_error(GUARD_EPOLICY, "%s", errors->items[before]);
	return 0;
}

void
guard_policy_free(struct guard_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		if (p->rules[i].regex)
			pcre2_code_free(p->rules[i].regex->code);
		free(p->rules[i].regex);
		free(p->rules[i].regex_src);
	}
	pcre2_match_context_free(p->mctx);
	for (size_t i = 0; i < p->narena; i++)
		free(p->arena[i]);
	free(p->arena);
	cJSON_Delete(p->tree);
	guard_list_clear(&p->warnings);
	free(p);
}

const char *
guard_policy_rev(const struct guard_policy *p)
{
	return p->rev;
}

const cJSON *
guard_policy_tree(const struct guard_policy *p)
{
	return p->tree;
}

const struct guard_list *
guard_policy_warnings(const struct guard_policy *p)
{
	return &p->warnings;
}

bool
guard_policy_unattended(const struct guard_policy *p)
{
	return p->unattended;
}

bool
guard_policy_audit_mode(const struct guard_policy *p)
{
	return p->audit;
}

size_t
guard_policy_max_event_bytes(const struct guard_policy *p)
{
	return p->max_event_bytes;
}

const struct guard_risk_config *
guard_policy_risk(const struct guard_policy *p)
{
	return &p->risk;
}
