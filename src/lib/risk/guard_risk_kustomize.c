/*
 * A kustomization bound for an approval (J16: `kubectl apply -k overlay`
 * bound overlay/ only, and a base it names was rewritten after the
 * approval). The kustomization file is read with libyaml; the local
 * resources, bases and components it names are bound and followed (a
 * folder is another kustomization), and so are its patches, replacements,
 * openapi schema and the files and env files of its generators. A remote
 * base (a URL, github.com/..., ?ref=) and a helm chart it inflates are
 * content fetched when it runs: bound as remote, which no approval
 * matches. More than the bounds, or a file guard cannot parse: unreadable.
 */
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "guard_path.h"
#include "guard_risk_int.h"

#define KUST_FILES_MAX 64	/* kustomizations followed for one command */
#define KUST_FILE_MAX (1u << 20)/* bytes of one kustomization file */
#define KUST_DEPTH_MAX 32	/* nesting of mappings and sequences */

struct kust {
	const struct risk_state *st;
	struct guard_list seen; /* kustomization folders followed */
};

static void kust_dir(struct kust *k, const char *dir);

static bool
key_in(const char *key, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* A resource kustomize fetches: a URL, a git spec, or a host-like path (github.com/o/r) not here. */
static bool
remote_spec(const char *v, bool here)
{
	if (strstr(v, "://") || !strncmp(v, "git@", 4) || strstr(v, "?ref=") || strstr(v, "?version=") ||
	    strstr(v, "?timeout=") || strstr(v, "?submodules="))
		return true;
	const char *slash = strchr(v, '/');
	return !here && slash && v[0] != '.' && memchr(v, '.', (size_t)(slash - v));
}

/* A path the kustomization in dir names: a folder followed as a kustomization, a file bound. */
static void
kust_path(struct kust *k, const char *dir, const char *v, bool may_be_remote)
{
	char *abs = guard_path_resolve(dir, v, NULL);
	struct stat sb;
	bool here = risk_memo_stat(abs, &sb) == 0;

	if (may_be_remote && remote_spec(v, here))
		risk_bind_remote(k->st, v);
	else if (here && S_ISDIR(sb.st_mode))
		kust_dir(k, abs);
	else
		risk_bind_file(k->st, abs);
	free(abs);
}

/*
 * One scalar of the kustomization in dir: top is its top-level key, key
 * the key it is the value of (or the key of the list it is an item of).
 */
static void
kust_value(struct kust *k, const char *dir, const char *top, const char *key, const char *v)
{
	static const char *const resources[] = { "resources", "bases", "components", NULL };
	static const char *const files[] = { "crds", "patchesStrategicMerge", "configurations", "generators",
					     "transformers", "validators", NULL };
	static const char *const paths[] = { "patches", "patchesJson6902", "replacements", "openapi", NULL };
	static const char *const generators[] = { "configMapGenerator", "secretGenerator", NULL };

	if (strchr(v, '\n'))
		return; /* an inline patch or plugin config: its text is in the bound file */
	if (key_in(top, resources) && !strcmp(key, top))
		kust_path(k, dir, v, true);
	else if (key_in(top, files) && !strcmp(key, top))
		kust_path(k, dir, v, false);
	else if (key_in(top, paths) && !strcmp(key, "path"))
		kust_path(k, dir, v, false);
	else if (key_in(top, generators) && (!strcmp(key, "env") || !strcmp(key, "envs")))
		kust_path(k, dir, v, false);
	else if (key_in(top, generators) && !strcmp(key, "files"))
		kust_path(k, dir, strchr(v, '=') ? strchr(v, '=') + 1 : v, false); /* KEY=path */
	else if (!strcmp(top, "helmCharts") || !strcmp(top, "helmChartInflationGenerator"))
		risk_bind_remote(k->st, "a helm chart a kustomization inflates");
}

struct kframe {
	bool map, want_key;
	char key[64];    /* mapping: the key of the value being read */
	char parent[64]; /* the key this collection is the value of */
};

/* The kustomization file abs (of folder dir): false when libyaml cannot parse it or it nests too deep. */
static bool
kust_parse(struct kust *k, const char *dir, const char *data, size_t len)
{
	yaml_parser_t p;
	struct kframe fr[KUST_DEPTH_MAX];
	size_t depth = 0;
	bool ok = true;

	if (!yaml_parser_initialize(&p))
		return false;
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	for (bool done = false; !done && ok;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			ok = false;
			break;
		}
		struct kframe *t = depth ? &fr[depth - 1] : NULL;
		if (ev.type == YAML_STREAM_END_EVENT) {
			done = true;
		} else if (ev.type == YAML_SCALAR_EVENT && t && t->map && t->want_key) {
			snprintf(t->key, sizeof(t->key), "%s", (const char *)ev.data.scalar.value);
			t->want_key = false;
		} else if (ev.type == YAML_SCALAR_EVENT && t) {
			kust_value(k, dir, fr[0].map ? fr[0].key : "", t->map ? t->key : t->parent,
				   (const char *)ev.data.scalar.value);
			t->want_key = t->map;
		} else if (ev.type == YAML_ALIAS_EVENT && t) {
			t->want_key = t->map; /* an alias repeats a value already seen */
		} else if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT) {
			if (depth == KUST_DEPTH_MAX) {
				ok = false;
			} else {
				struct kframe *f = &fr[depth++];
				memset(f, 0, sizeof(*f));
				f->map = ev.type == YAML_MAPPING_START_EVENT;
				f->want_key = true;
				if (t)
					snprintf(f->parent, sizeof(f->parent), "%s", t->map ? t->key : t->parent);
				if (t && t->map)
					t->want_key = true;
			}
		} else if ((ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) && depth) {
			depth--;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

/* A kustomization folder: every file in it bound, its kustomization file followed. */
static void
kust_dir(struct kust *k, const char *dir)
{
	static const char *const names[] = { "kustomization.yaml", "kustomization.yml", "Kustomization", NULL };

	if (guard_list_has(&k->seen, dir))
		return;
	if (k->seen.len >= KUST_FILES_MAX) {
		risk_bind_failed(k->st, dir); /* a folder: bound as unreadable */
		return;
	}
	guard_list_add(&k->seen, dir);
	risk_bind_tree(k->st, dir);
	for (size_t i = 0; names[i]; i++) {
		char *f = guard_xasprintf("%s/%s", dir, names[i]), *data = NULL;
		size_t len = 0;
		struct stat sb;
		bool there = risk_memo_stat(f, &sb) == 0;
		if (there && (!S_ISREG(sb.st_mode) || risk_memo_read(f, KUST_FILE_MAX, &data, &len) < 0 ||
			      !kust_parse(k, dir, data, len)))
			risk_bind_failed(k->st, dir);
		free(data);
		free(f);
		if (there)
			break;
	}
}

void
risk_bind_kustomization(const struct risk_state *st, const struct guard_shell_word *w)
{
	struct kust k = { st, GUARD_LIST_INIT };

	if (!st->files || st->remote || (w->flags & GUARD_WORD_DYNAMIC))
		return;
	char *abs = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	struct stat sb;
	if (remote_spec(w->text, risk_memo_stat(abs, &sb) == 0))
		risk_bind_remote(st, w->text);
	else
		kust_dir(&k, abs);
	free(abs);
	guard_list_clear(&k.seen);
}
