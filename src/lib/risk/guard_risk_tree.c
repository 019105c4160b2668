/*
 * Readers of a whole folder (attack7 H18): grep -r/-R, rg, ag, ack, and
 * the tools that search or read many files (Claude's Grep, Gemini's
 * search_file_content and read_many_files) print what the files below the
 * folder hold. When a file below is a listed secret (.env, a key, guard's
 * keys folder) and the reader prints content, it is read as `cat` of that
 * file is: denied. The folder is walked (names only, bounded); the
 * reader's own filters (--include, --exclude, --exclude-dir, -g, a
 * Grep's glob) are honoured so that `grep -r TODO --include='*.c' .` stays
 * as it was; a reader that prints only names or counts (-l, -c, -q) is
 * left as before. A folder with more entries than the walk looks at is
 * asked: guard cannot tell what is below.
 */
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>

#include <cJSON.h>

#include "guard_path.h"
#include "guard_risk_int.h"

#define TREE_ENTRIES 20000 /* names looked at below one folder */
#define TREE_DEPTH 24
#define TREE_FILTERS 16

struct tree_walk {
	struct risk_state *st;
	const char *include[TREE_FILTERS], *exclude[TREE_FILTERS], *exclude_dir[TREE_FILTERS];
	size_t ninclude, nexclude, nexclude_dir;
	bool hidden;    /* dot files and folders are read (grep; rg --hidden) */
	bool follow;    /* symlinks below are followed (grep -R, rg -L) */
	bool casefold;  /* rg --iglob */
	bool honours_ignores; /* ripgrep's kind: a folder past the walk is not asked */
	size_t seen;
	bool over;
	char *hit;      /* the first secret below, as shown */
};

static void
add_filter(const char **list, size_t *n, const char *glob)
{
	if (glob && *glob && *n < TREE_FILTERS)
		list[(*n)++] = glob;
}

/* Does glob match the file's base name, or (with a '/') its path below the root? */
static bool
glob_hits(const struct tree_walk *w, const char *glob, const char *rel, const char *base)
{
	int flags = w->casefold ? FNM_CASEFOLD : 0;

	if (!strncmp(glob, "**/", 3) && !strchr(glob + 3, '/'))
		glob += 3;
	return fnmatch(glob, strchr(glob, '/') ? rel : base, flags) == 0;
}

static bool
file_selected(const struct tree_walk *w, const char *rel, const char *base)
{
	for (size_t i = 0; i < w->nexclude; i++)
		if (glob_hits(w, w->exclude[i], rel, base))
			return false;
	if (!w->ninclude)
		return true;
	for (size_t i = 0; i < w->ninclude; i++)
		if (glob_hits(w, w->include[i], rel, base))
			return true;
	return false;
}

/* abs (a file or, followed, a link's target) is a secret: kept as the hit. */
static bool
secret_at(struct tree_walk *w, const char *abs, bool dir)
{
	char *display = guard_path_display(w->st->ctx->project, abs);
	bool hit = dir ? risk_sensitive_below(w->st, display, abs) != NULL || risk_is_sensitive(w->st, display, abs)
		       : risk_is_sensitive(w->st, display, abs);

	if (hit && !w->hit)
		w->hit = guard_xstrdup(display);
	free(display);
	return hit;
}

static void
walk(struct tree_walk *w, const char *abs, size_t rootlen, unsigned depth)
{
	void *d = risk_memo_opendir(abs);
	struct dirent *e;

	if (!d)
		return;
	while (!w->hit && !w->over && (e = risk_memo_readdir(d)) != NULL) {
		const char *name = e->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (++w->seen > TREE_ENTRIES) {
			w->over = true;
			break;
		}
		if (name[0] == '.' && !w->hidden)
			continue;
		char *path = guard_xasprintf("%s%s%s", abs, abs[strlen(abs) - 1] == '/' ? "" : "/", name);
		const char *rel = path + rootlen + (path[rootlen] == '/');
		unsigned char type = e->d_type;
		struct stat sb;
		if (type == DT_UNKNOWN)
			type = risk_memo_lstat(path, &sb) != 0 ? DT_UNKNOWN : S_ISDIR(sb.st_mode) ? DT_DIR
			       : S_ISLNK(sb.st_mode) ? DT_LNK : DT_REG;
		if (type == DT_DIR) {
			bool skip = !strcmp(name, ".git") || !strcmp(name, "node_modules");
			for (size_t i = 0; i < w->nexclude_dir && !skip; i++)
				skip = glob_hits(w, w->exclude_dir[i], rel, name);
			if (!skip && depth < TREE_DEPTH)
				walk(w, path, rootlen, depth + 1);
		} else if (type == DT_LNK) {
			char *real = w->follow ? realpath(path, NULL) : NULL;
			if (real && risk_memo_stat(real, &sb) == 0 && (S_ISDIR(sb.st_mode) || file_selected(w, rel, name)))
				secret_at(w, real, S_ISDIR(sb.st_mode));
			free(real);
		} else if (file_selected(w, rel, name)) {
			secret_at(w, path, false);
		}
		free(path);
	}
	risk_memo_closedir(d);
}

/* Rate what reader (its filters in w) prints from below dir (as written). */
static void
tree_rate(struct tree_walk *w, const char *verb, const char *dir)
{
	char *abs = guard_path_resolve(w->st->cwds[0], dir, w->st->ctx->home);
	char *display = guard_path_display(w->st->ctx->project, abs);
	struct stat sb;

	/* the folder itself a secret, or above a listed one: rated by its operand already */
	if (risk_is_sensitive(w->st, display, abs) || risk_sensitive_below(w->st, display, abs) ||
	    risk_memo_stat(abs, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		free(display);
		free(abs);
		return;
	}
	w->seen = 0;
	w->over = false;
	walk(w, abs, strlen(abs), 0);
	if (w->hit) {
		if (!w->st->remote)
			guard_list_add_unique(&w->st->out->reads, w->hit);
		risk_rule(w->st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s reads every file below %s: it prints a secret "
			  "file among them (%s)", verb, dir, w->hit);
	} else if (w->over && !w->honours_ignores) {
		risk_rule(w->st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s reads every file below %s: more than %d names, "
			  "guard cannot tell whether a secret file is among them", verb, dir, TREE_ENTRIES);
	}
	free(w->hit);
	w->hit = NULL;
	free(display);
	free(abs);
}

/* grep/rg/ag/ack that print only names, counts or nothing (-l, -L, -c, -q, rg --files): no content. */
static bool
names_only(const struct risk_cmd *c)
{
	return risk_flag(c, 'l', "files-with-matches") || risk_flag(c, 'L', "files-without-match") ||
	       risk_flag(c, 'c', "count") || risk_flag(c, 'q', "quiet") || risk_arg_has(c, "--silent") ||
	       risk_arg_has(c, "--files") || risk_arg_has(c, "--count-matches") ||
	       (!strcmp(c->name, "grep") && risk_flag(c, 'L', NULL));
}

/* --include=G, --exclude G, -g G / -g !G, --iglob, -t TYPE: the reader's own choice of files. */
static void
cmd_filters(struct tree_walk *w, const struct risk_cmd *c, char (*types)[40])
{
	size_t nt = 0;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *v = NULL;
		const char *next = i + 1 < c->argc ? c->argv[i + 1].text : NULL;
		if (!strcmp(a, "--"))
			break;
#define OPT(name) (!strcmp(a, name) ? (v = next, true) : !strncmp(a, name "=", sizeof(name)) ? (v = a + sizeof(name), true) : false)
		if (OPT("--include")) {
			add_filter(w->include, &w->ninclude, v);
		} else if (OPT("--exclude")) {
			add_filter(w->exclude, &w->nexclude, v);
		} else if (OPT("--exclude-dir")) {
			add_filter(w->exclude_dir, &w->nexclude_dir, v);
		} else if (OPT("--glob") || OPT("-g") || OPT("--iglob") || (!strncmp(a, "-g", 2) && a[2] && (v = a + 2))) {
			w->casefold |= !strncmp(a, "--iglob", 7);
			if (v && v[0] == '!')
				add_filter(w->exclude, &w->nexclude, v + 1);
			else
				add_filter(w->include, &w->ninclude, v);
		} else if ((OPT("--type") || OPT("-t")) && v && nt < TREE_FILTERS && strcmp(c->name, "grep")) {
			/* a file type: its extension (-t py is *.py); env types are .env files */
			if (strstr(v, "env"))
				snprintf(types[nt], sizeof(types[nt]), ".env*");
			else
				snprintf(types[nt], sizeof(types[nt]), "*.%.30s", v);
			add_filter(w->include, &w->ninclude, types[nt++]);
		}
#undef OPT
	}
}

void
risk_tree_reader(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *const *ops, size_t n)
{
	struct tree_walk w = { .st = st };
	char types[TREE_FILTERS][40];

	if (st->remote || names_only(c))
		return;
	bool grep = !strcmp(c->name, "grep") || !strcmp(c->name, "egrep") || !strcmp(c->name, "fgrep");
	w.hidden = (strcmp(c->name, "rg") && strcmp(c->name, "ag")) || risk_flag(c, 'u', "hidden") || risk_arg_has(c, "-uu") ||
		   risk_arg_has(c, "-uuu") || risk_arg_has(c, "-.") || risk_arg_has(c, "--no-ignore-dot");
	w.follow = (grep && risk_flag(c, 'R', "dereference-recursive")) || (!grep && risk_flag(c, 'L', "follow"));
	w.honours_ignores = (!strcmp(c->name, "rg") || !strcmp(c->name, "ag")) && !risk_arg_has(c, "--no-ignore") &&
			    !risk_arg_has(c, "-uu") && !risk_arg_has(c, "-uuu");
	cmd_filters(&w, c, types);
	if (!n) {
		tree_rate(&w, c->name, "."); /* grep -r PATTERN, rg PATTERN: the working folder */
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!(ops[i]->flags & GUARD_WORD_DYNAMIC) && strcmp(ops[i]->text, "-"))
			tree_rate(&w, c->name, ops[i]->text);
}

static const char *
str_of(const cJSON *input, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(input, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A pattern's folder (its part before the first glob character, to a '/') into dir; the rest as a filter. */
static const char *
pattern_dir(const char *pattern, char *dir, size_t size)
{
	size_t lit = strcspn(pattern, "*?[{");
	const char *slash = NULL;

	for (size_t i = 0; i < lit; i++)
		if (pattern[i] == '/')
			slash = pattern + i;
	if (!pattern[lit]) { /* no glob: the path itself */
		snprintf(dir, size, "%s", pattern);
		return NULL;
	}
	if (!slash) {
		snprintf(dir, size, ".");
		return pattern;
	}
	snprintf(dir, size, "%.*s", (int)(slash - pattern) ? (int)(slash - pattern) : 1, pattern);
	return slash + 1;
}

/* A glob that picks dot files by name (".env*", "a/.npmrc"): ripgrep then reads hidden files too. */
static bool
names_dot_files(const char *glob)
{
	return glob && (glob[0] == '.' || strstr(glob, "/.") || strstr(glob, "{.") || strstr(glob, ",."));
}

void
risk_tree_tool(struct risk_state *st, const char *tool, const cJSON *input)
{
	struct tree_walk w = { .st = st, .hidden = true, .honours_ignores = false };
	char dir[4096];
	const cJSON *it;

	if (!cJSON_IsObject(input) || st->remote)
		return;
	if (!strcmp(tool, "Grep") || !strcmp(tool, "search_file_content")) {
		const char *mode = str_of(input, "output_mode");
		/* Grep prints file names unless asked for content (or for lines around a match) */
		if (!strcmp(tool, "Grep") && (!mode || strcmp(mode, "content")))
			return;
		const char *path = str_of(input, "path");
		/*
		 * Claude's Grep is ripgrep: it skips dot files unless a glob names
		 * them, and a folder past the walk is not asked (a large project's
		 * every search would be; ripgrep also skips what .gitignore does).
		 */
		if (!strcmp(tool, "Grep")) {
			w.hidden = names_dot_files(str_of(input, "glob")) || (str_of(input, "type") &&
									       strstr(str_of(input, "type"), "env"));
			w.honours_ignores = true;
		}
		add_filter(w.include, &w.ninclude, str_of(input, "glob"));
		add_filter(w.include, &w.ninclude, str_of(input, "include"));
		const char *type = str_of(input, "type");
		char typed[40];
		if (type) {
			snprintf(typed, sizeof(typed), strstr(type, "env") ? ".env*" : "*.%.30s", type);
			add_filter(w.include, &w.ninclude, typed);
		}
		tree_rate(&w, tool, path && *path ? path : ".");
		return;
	}
	if (strcmp(tool, "read_many_files"))
		return;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(input, "include"))
		if (cJSON_IsString(it))
			add_filter(w.include, &w.ninclude, it->valuestring);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(input, "exclude"))
		if (cJSON_IsString(it))
			add_filter(w.exclude, &w.nexclude, it->valuestring);
	size_t given = w.ninclude;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(input, "paths")) {
		if (!cJSON_IsString(it) || !*it->valuestring)
			continue;
		const char *rest = pattern_dir(it->valuestring, dir, sizeof(dir));
		w.ninclude = given;
		if (rest) /* a pattern: the files below its folder whose names match its last part */
			add_filter(w.include, &w.ninclude, strrchr(rest, '/') ? strrchr(rest, '/') + 1 : rest);
		tree_rate(&w, tool, dir);
	}
}
