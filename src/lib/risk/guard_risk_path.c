/*
 * Paths: where a path lands (project, its scratch folders, home, system
 * directories, devices), whether it is a secret or guard's own state, and
 * what reading, writing or deleting it there is worth.
 */
#include <dirent.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdint.h>
#include <ctype.h>
#include <sys/stat.h>
#include <threads.h>

#include "guard_error.h"
#include "guard_glob.h"
#include "guard_hash.h"
#include "guard_path.h"
#include "guard_risk_int.h"
#include "guard_state.h"

enum place {
	P_PROJECT_ROOT, /* the project itself, or everything in it */
	P_GIT_DIR,      /* .git itself */
	P_GIT_INSIDE,   /* below .git */
	P_SCRATCH,      /* a build/temp folder of the project */
	P_PROJECT,
	P_ROOT,         /* / */
	P_HOME_ROOT,    /* ~ itself, or everything in it */
	P_SYSTEM,       /* /etc, /usr/lib, ... (two levels) */
	P_TEMP,         /* below /tmp */
	P_DEV_HARMLESS, /* /dev/null, stdout, ... */
	P_DEVICE,       /* disks and memory */
	P_NET,          /* /dev/tcp/host/port */
	P_OUTSIDE
};

static const char *const default_scratch[] = {
	"build", "dist", "out", "target", "node_modules", "tmp", "temp", ".cache", "__pycache__",
	"coverage", ".pytest_cache", ".mypy_cache", ".tox", ".next", ".nuxt", ".parcel-cache",
	".turbo", ".gradle", "*.egg-info", ".venv", "venv", "_build", ".build", "obj", NULL
};

static const char *const system_dirs[] = {
	"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/var", "/boot",
	"/opt", "/root", "/home", "/srv", "/sys", "/proc", "/dev", "/snap", "/mnt", "/media",
	"/run", "/System", "/Library", "/Applications", "/Users", "/private", NULL
};

static const char *const device_prefixes[] = {
	"/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd", "/dev/nvme", "/dev/mmcblk", "/dev/disk",
	"/dev/mapper/", "/dev/md", "/dev/loop", "/dev/mem", "/dev/kmem", "/dev/port", "/dev/dm-",
	"/dev/rdisk", "/dev/sr", NULL
};

static const char *const harmless_dev[] = {
	"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty",
	"/dev/random", "/dev/urandom", "/dev/full", NULL
};

static bool
has_prefix_dir(const char *abs, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(abs, dir, n) && (abs[n] == '/' || !abs[n]);
}

/* "*", ".*", "*.*", "**": a last segment that matches everything. */
static bool
glob_all(const char *seg)
{
	if (!*seg)
		return false;
	bool star = false;
	for (; *seg; seg++) {
		if (*seg == '*')
			star = true;
		else if (*seg != '.' && *seg != '?')
			return false;
	}
	return star;
}

/*
 * The config's glob lists, compiled once: each entry with the literal
 * start and end a matching string must have, so most entries are ruled
 * out by a compare before the matcher runs. Cached per thread, keyed by
 * the list and checked against a copy of its text (a list freed and
 * another allocated in its place is recompiled).
 */
#define LG_META "*?[]{}\\"
#define LG_SLOTS 6

struct lit_glob {
	const char *pat;    /* NULL: no such pattern */
	const char *pre;    /* literal start of the whole string, or NULL */
	size_t pre_len;
	const char *suf;    /* literal end */
	size_t suf_len;
	const char *mid;    /* a literal run somewhere in the string, or NULL */
	size_t mid_len;
	bool tilde;         /* "~/..." or "~": only below home */
};

struct lg_entry {
	const char *text;   /* the entry as written (copy), for validation */
	bool neg;
	struct lit_glob g, folder;
};

enum lg_mode { LG_LIST, LG_SCRATCH };

struct lg_slot {
	const char *const *key;
	size_t n;
	enum lg_mode mode;
	bool used;
	unsigned long epoch;  /* validated during this analysis */
	struct lg_entry *v;   /* n entries (cap allocated) */
	size_t cap;
	struct guard_list texts; /* the strings the entries point into, owned */
};

static _Thread_local struct lg_slot lg_slots[LG_SLOTS];
static _Thread_local unsigned lg_next;
static _Thread_local unsigned long lg_epoch = 1;
static _Thread_local unsigned long lg_fills; /* lg_fill calls: list_match's memory holds for one count */

/*
 * A new analysis: the config may have changed since the last one, unless
 * it is the compiled policy the last one used (its serial, never reused;
 * a config made by hand, serial 0, is checked again every time).
 */
void
risk_glob_cache_epoch(unsigned long serial)
{
	static _Thread_local unsigned long last;

	if (!serial || serial != last)
		lg_epoch++;
	last = serial;
}

/* A copy of len bytes of p, owned by the slot. */
static char *
lg_copy(struct lg_slot *s, const char *p, size_t len)
{
	char *d = guard_xstrndup(p, len);
	guard_list_take(&s->texts, d);
	return d;
}

static void
lg_compile(struct lit_glob *g, const char *pat)
{
	size_t len = strlen(pat), last = 0, from = 0;

	g->pat = pat;
	/* "~/x" is matched below home: its literal end comes after "~/" */
	if (pat[0] == '~' && (pat[1] == '/' || !pat[1]))
		last = from = len < 2 ? len : 2;
	for (size_t i = from; i < len; i++)
		if (strchr(LG_META, pat[i]))
			last = i + 1;
	/* "**" + "/" may match nothing, so that '/' is not required */
	if (last >= 2 && pat[last - 1] == '*' && pat[last - 2] == '*' && pat[last] == '/')
		last++;
	g->suf = pat + last;
	g->suf_len = len - last;
	g->pre = NULL;
	g->pre_len = 0;
	g->tilde = pat[0] == '~' && (pat[1] == '/' || !pat[1]);
	/* basename patterns and "~/" ones see another string than the path */
	if (strchr(pat, '/') && !g->tilde) {
		g->pre = pat;
		g->pre_len = strcspn(pat, LG_META);
	}
	/* the longest literal run between wildcards (not in a class or braces) */
	g->mid = NULL;
	g->mid_len = 0;
	if (strpbrk(pat, "[{"))
		return;
	for (size_t i = 0; i < last;) {
		if (strchr(LG_META, pat[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && !strchr(LG_META, pat[j]))
			j++;
		size_t a = i;
		/* "**" + "/" may match nothing */
		if (a >= 2 && pat[a - 1] == '*' && pat[a - 2] == '*' && pat[a] == '/')
			a++;
		if (i > 0 && j - a > g->mid_len && j < len) {
			g->mid = pat + a;
			g->mid_len = j - a;
		}
		i = j;
	}
}

static inline bool
lg_may(const struct lit_glob *g, const char *path, size_t len, bool home_ok)
{
	if (g->tilde && !home_ok)
		return false;
	/* the last and first bytes inline first: they rule out most entries */
	if (g->suf_len && (len < g->suf_len || path[len - 1] != g->suf[g->suf_len - 1] ||
			   memcmp(path + len - g->suf_len, g->suf, g->suf_len)))
		return false;
	if (g->pre_len && (path[0] != g->pre[0] || strncmp(path, g->pre, g->pre_len)))
		return false;
	if (g->mid_len && !memmem(path, len, g->mid, g->mid_len))
		return false;
	return true;
}

/* Compile globs into s; any number of entries of any length. */
static void
lg_fill(struct lg_slot *s, const char *const *globs, size_t n, enum lg_mode mode)
{
	guard_list_clear(&s->texts);
	if (n > s->cap) {
		s->v = guard_xrealloc(s->v, n * sizeof(*s->v));
		s->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		struct lg_entry *e = &s->v[i];
		const char *g = globs[i];
		size_t len = strlen(g);
		memset(e, 0, sizeof(*e));
		e->text = lg_copy(s, g, len);
		if (mode == LG_SCRATCH) {
			/* A trailing "/" + "**" or "/" names the folder itself. */
			size_t pl = len;
			if (pl > 3 && !strcmp(g + pl - 3, "/**"))
				pl -= 3;
			while (pl > 1 && g[pl - 1] == '/')
				pl--;
			lg_compile(&e->g, lg_copy(s, g, pl));
			continue;
		}
		e->neg = *g == '!';
		const char *body = e->text + e->neg;
		size_t blen = len - e->neg;
		lg_compile(&e->g, body);
		if (blen > 3 && !strcmp(body + blen - 3, "/**"))
			lg_compile(&e->folder, lg_copy(s, body, blen - 3));
	}
	s->key = globs;
	s->n = n;
	s->mode = mode;
	s->used = true;
	lg_fills++; /* what list_match kept may have been of the lists replaced */
}

/* Could a "~/" pattern match path (guard_glob_match_path's first test)? */
static bool
lg_below_home(const char *path, const char *home)
{
	if (!home || !*home)
		return false;
	size_t hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	return !strncmp(path, home, hl) && (!path[hl] || path[hl] == '/');
}

/* The compiled form of globs (compiled now when not cached). */
static const struct lg_slot *
lg_get(const char *const *globs, size_t n, enum lg_mode mode)
{
	for (unsigned k = 0; k < LG_SLOTS; k++) {
		struct lg_slot *s = &lg_slots[k];
		if (!s->used || s->key != globs || s->n != n || s->mode != mode)
			continue;
		if (s->epoch == lg_epoch)
			return s;
		size_t i = 0;
		while (i < n && !strcmp(s->v[i].text, globs[i]))
			i++;
		if (i < n)
			lg_fill(s, globs, n, mode);
		s->epoch = lg_epoch;
		return s;
	}
	struct lg_slot *s = &lg_slots[lg_next++ % LG_SLOTS];
	lg_fill(s, globs, n, mode);
	s->epoch = lg_epoch;
	return s;
}

static bool
is_scratch(const struct risk_state *st, const char *display)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	const char *const *pats = cfg ? cfg->scratch_paths : default_scratch;
	size_t n = cfg ? cfg->nscratch_paths : sizeof(default_scratch) / sizeof(*default_scratch) - 1;
	char prefix[4096];

	if (!strcmp(display, ".") || display[0] == '/')
		return false;
	const struct lg_slot *c = lg_get(pats, n, LG_SCRATCH);
	bool home_ok = true; /* display is relative: rarely below home, not worth a check */
	/* Each leading part of the path: "build/x/y" is in "build". */
	for (size_t len = 0;;) {
		const char *slash = strchr(display + len, '/');
		len = slash ? (size_t)(slash - display) : strlen(display);
		if (len >= sizeof(prefix))
			return false;
		memcpy(prefix, display, len);
		prefix[len] = '\0';
		for (size_t i = 0; i < n; i++) {
			const struct lit_glob *g = &c->v[i].g;
			if (g->pat && lg_may(g, prefix, len, home_ok) && guard_glob_match_path(g->pat, prefix, st->ctx->home))
				return true;
		}
		if (!slash)
			return false;
		len++;
	}
}

/* A tool's cache below home: ~/.cache/<tool>[/...], ~/.npm/_cacache (not ~/.cache itself). */
static bool
home_cache(const char *home, const char *abs)
{
	static const char *const caches[] = { "/.cache/", "/.npm/_cacache", NULL };
	size_t hl = strlen(home);

	for (size_t i = 0; caches[i]; i++) {
		size_t n = strlen(caches[i]);
		const char *rest = abs + hl;
		if (strncmp(rest, caches[i], n))
			continue;
		if (caches[i][n - 1] == '/' ? rest[n] && rest[n] != '*' && !glob_all(rest + n) : !rest[n] || rest[n] == '/')
			return true;
	}
	return false;
}

/* Shell start-up files in home: what is written there runs in every shell the person opens. */
static bool
shell_rc(const char *home, const char *abs)
{
	static const char *const files[] = { ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile",
					     ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout", ".kshrc", ".mkshrc",
					     ".cshrc", ".tcshrc", ".login", ".config/fish/config.fish",
					     ".psqlrc", ".sqliterc", ".my.cnf", NULL }; /* clients' start-up files: \\!, .shell, pager= */
	size_t hl = home ? strlen(home) : 0;

	if (hl <= 1 || strncmp(abs, home, hl) || abs[hl] != '/')
		return false;
	for (size_t i = 0; files[i]; i++)
		if (!strcmp(abs + hl + 1, files[i]))
			return true;
	return false;
}

/*
 * Whether a path inside project is the project's: not when the project
 * is "/", a system folder itself (/usr, /home), or a folder below /etc,
 * /usr, /bin and the like that holds neither .git nor .ai/policy.yaml: a
 * folder that is no project, taken as one because a call ran there (G8:
 * cwd "/" made /etc/cron.d "the project"). $HOME as the project keeps
 * its files but not its shell start-up files (shell_rc). Cached.
 */
static bool
project_usable(const char *project)
{
	static const char *const os_dirs[] = { "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
					       "/boot", "/sys", "/proc", "/dev", "/run", "/System", "/Library", NULL };
	static thread_local char *last;
	static thread_local bool last_ok;
	struct stat sb;
	bool marked = false, suspect = false;

	if (last && !strcmp(last, project))
		return last_ok;
	for (size_t i = 0; !suspect && os_dirs[i]; i++)
		suspect = has_prefix_dir(project, os_dirs[i]);
	if (suspect) {
		char *git = guard_xasprintf("%s/.git", project), *pol = guard_xasprintf("%s/.ai/policy.yaml", project);
		marked = risk_memo_stat(git, &sb) == 0 || risk_memo_stat(pol, &sb) == 0;
		free(git);
		free(pol);
	}
	last_ok = strcmp(project, "/") && (!suspect || marked);
	for (size_t i = 0; last_ok && system_dirs[i]; i++)
		last_ok = strcmp(project, system_dirs[i]) != 0;
	free(last);
	last = guard_xstrdup(project);
	return last_ok;
}

/* abs as guard_path_display shows it, against a project that is one (project_usable). Caller frees. */
static char *
shown_path(const struct risk_state *st, const char *abs)
{
	const char *p = st->ctx->project;
	return guard_path_display(p && project_usable(p) ? p : NULL, abs);
}

static enum place
place_of(const struct risk_state *st, const char *abs, const char *display)
{
	const char *home = st->ctx->home;
	const char *project = st->ctx->project && project_usable(st->ctx->project) ? st->ctx->project : NULL;
	const char *last = strrchr(abs, '/');
	char parent[4096];

	/* A last segment of only stars and dots is everything in dir. */
	if (last && glob_all(last + 1)) {
		size_t n = (size_t)(last - abs);
		if (n >= sizeof(parent))
			return P_OUTSIDE;
		memcpy(parent, abs, n);
		parent[n ? n : 1] = '\0';
		if (!n)
			parent[0] = '/';
		if (!strcmp(parent, "/"))
			return P_ROOT;
		if (project && !strcmp(parent, project))
			return P_PROJECT_ROOT;
		if (home && !strcmp(parent, home))
			return P_HOME_ROOT;
		for (size_t i = 0; system_dirs[i]; i++)
			if (!strcmp(parent, system_dirs[i]))
				return P_SYSTEM;
	}
	if (shell_rc(home, abs))
		return P_OUTSIDE; /* whatever the project: a dotfiles repository in home holds them too */
	if (project && guard_path_inside(project, abs)) {
		if (!strcmp(display, "."))
			return P_PROJECT_ROOT;
		if (!strcmp(display, ".git"))
			return P_GIT_DIR;
		if (!strncmp(display, ".git/", 5))
			return P_GIT_INSIDE;
		return is_scratch(st, display) ? P_SCRATCH : P_PROJECT;
	}
	if (!strcmp(abs, "/"))
		return P_ROOT;
	if (home && strcmp(home, "/") && !strcmp(abs, home))
		return P_HOME_ROOT;
	for (size_t i = 0; harmless_dev[i]; i++)
		if (!strcmp(abs, harmless_dev[i]))
			return P_DEV_HARMLESS;
	if (has_prefix_dir(abs, "/dev/fd") || has_prefix_dir(abs, "/proc/self/fd"))
		return P_DEV_HARMLESS;
	if (has_prefix_dir(abs, "/dev/tcp") || has_prefix_dir(abs, "/dev/udp"))
		return P_NET;
	for (size_t i = 0; device_prefixes[i]; i++)
		if (!strncmp(abs, device_prefixes[i], strlen(device_prefixes[i])))
			return P_DEVICE;
	if (home && strcmp(home, "/") && guard_path_inside(home, abs))
		return home_cache(home, abs) ? P_TEMP : P_OUTSIDE;
	static const char *const temps[] = { "/tmp", "/var/tmp", "/dev/shm", NULL };
	for (size_t i = 0; temps[i]; i++)
		if (has_prefix_dir(abs, temps[i]))
			return strcmp(abs, temps[i]) ? P_TEMP : P_SYSTEM;
	for (size_t i = 0; system_dirs[i]; i++) {
		if (!has_prefix_dir(abs, system_dirs[i]))
			continue;
		/* The directory and its first level (/usr/lib, /etc/ssh). */
		const char *rest = abs + strlen(system_dirs[i]);
		if (!*rest || !strchr(rest + 1, '/'))
			return P_SYSTEM;
	}
	return P_OUTSIDE;
}

/* How a path is named in a reason: "~/x" under home. */
static void
pretty(const struct risk_state *st, const char *display, char *buf, size_t size)
{
	const char *home = st->ctx->home;
	size_t hl = home ? strlen(home) : 0;

	size_t k = 0;

	if (hl > 1 && display[0] == '/' && !strncmp(display, home, hl) && (!display[hl] || display[hl] == '/')) {
		if (size > 1)
			buf[k++] = '~';
		display += hl;
	}
	/* as snprintf: cut at size - 1 */
	size_t dl = strlen(display);
	if (k + dl >= size)
		dl = size > k ? size - k - 1 : 0;
	memcpy(buf + k, display, dl);
	buf[k + dl] = '\0';
}

/*
 * The policy's path lists read like .gitignore: in order, "!glob"
 * excludes, the last entry that matches decides, and a folder glob
 * ending in slash-star-star also matches the folder itself. (Unlike a
 * rule's path condition, gp_globs_path, a list that starts with "!" does
 * not mean "everything but" here; the shipped lists never start so.)
 */
static bool
list_match_now(const struct lg_slot *c, size_t n, const char *path, size_t plen, const char *home)
{
	bool home_ok = lg_below_home(path, home);

	for (size_t i = n; i-- > 0;) {
		const struct lg_entry *e = &c->v[i];
		if (lg_may(&e->g, path, plen, home_ok) && guard_glob_match_path(e->g.pat, path, home))
			return !e->neg;
		if (e->folder.pat && lg_may(&e->folder, path, plen, home_ok) &&
		    guard_glob_match_path(e->folder.pat, path, home))
			return !e->neg;
	}
	return false;
}

/*
 * Answers about a path against a policy list (list_match, protected_above),
 * kept while no list is compiled again (lg_fills; lg_get checks the lists
 * first): an answer depends on the list's entries and the strings in the
 * key only, and a stream asks about the same paths against the same lists
 * event after event. Keyed by what is asked (a byte), the list's address
 * and the strings.
 */
#define LM_SLOTS 1024 /* at most (64 at first: guard_table_ready) */
#define LM_KEY_MAX 2048

struct lm_slot {
	const char *const *globs;
	size_t n, klen;
	unsigned long fills;
	char *key;
	bool hit;
};

struct lm_key {
	char buf[LM_KEY_MAX];
	size_t len;
	bool over; /* too long to keep */
};

/* A key for what (a byte); not an initializer, which would clear all of buf each time. */
static void
lm_begin(struct lm_key *k, char what)
{
	k->buf[0] = what;
	k->len = 1;
	k->over = false;
}

/* Add s (NULL kept apart from "") to the key. */
static void
lm_add(struct lm_key *k, const char *s)
{
	size_t n = s ? strlen(s) + 1 : 1;

	if (k->over || k->len + n + 1 > sizeof(k->buf)) {
		k->over = true;
		return;
	}
	k->buf[k->len++] = s ? 's' : 'n';
	memcpy(k->buf + k->len, s ? s : "", n);
	k->len += n;
}

static _Thread_local struct guard_table lm_table;

static void
lm_drop(void *slot)
{
	free(((struct lm_slot *)slot)->key);
}

/* The slot for the key; *fresh when it holds the answer (NULL: not kept). */
static struct lm_slot *
lm_slot(const char *const *globs, size_t n, const struct lm_key *k, bool *fresh)
{
	static _Thread_local struct lm_slot *memo;
	*fresh = false;
	if (k->over)
		return NULL;
	unsigned h = guard_table_hash(k->buf, k->len, (uintptr_t)globs);
	memo = guard_table_ready(memo, &lm_table, sizeof(*memo), 64, LM_SLOTS, lm_drop);
	struct lm_slot *m = &memo[h % lm_table.n];
	*fresh = m->key && m->globs == globs && m->n == n && m->fills == lg_fills && m->klen == k->len &&
		 !memcmp(m->key, k->buf, k->len);
	return m;
}

static bool
lm_keep(struct lm_slot *m, const char *const *globs, size_t n, const struct lm_key *k, bool hit)
{
	if (!m)
		return hit;
	free(m->key);
	m->key = guard_xmalloc(k->len);
	memcpy(m->key, k->buf, k->len);
	m->klen = k->len;
	m->globs = globs;
	m->n = n;
	m->fills = lg_fills;
	m->hit = hit;
	lm_table.writes++;
	return hit;
}

static bool
list_match(const char *const *globs, size_t n, const char *path, const char *home)
{
	const struct lg_slot *c = lg_get(globs, n, LG_LIST);
	struct lm_key k;
	bool fresh;

	lm_begin(&k, 'm');
	lm_add(&k, path);
	lm_add(&k, home);
	struct lm_slot *m = lm_slot(globs, n, &k, &fresh);
	if (fresh)
		return m->hit;
	return lm_keep(m, globs, n, &k, list_match_now(c, n, path, strlen(path), home));
}

static bool
listed(const char *const *globs, size_t n, const char *display, const char *abs, const char *home)
{
	return list_match(globs, n, display, home) || (abs && strcmp(abs, display) && list_match(globs, n, abs, home));
}

/* abs lies in guard's keys folder (~/.config/guard/keys: the approvers' secret keys), whatever the policy lists. */
static bool
guard_keys_path(const struct risk_state *st, const char *abs)
{
	static const char keys[] = "/.config/guard/keys";
	const char *home = st->ctx->home;
	size_t hl = home ? strlen(home) : 0;

	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	return abs && hl && !strncmp(abs, home, hl) && !strncmp(abs + hl, keys, sizeof(keys) - 1) &&
	       (abs[hl + sizeof(keys) - 1] == '/' || !abs[hl + sizeof(keys) - 1]);
}

bool
risk_is_sensitive(const struct risk_state *st, const char *display, const char *abs)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	return (cfg && listed(cfg->sensitive_paths, cfg->nsensitive_paths, display, abs, st->ctx->home)) ||
	       guard_keys_path(st, abs);
}

bool
guard_risk_path_secret(const struct guard_risk_ctx *ctx, const char *display, const char *abs)
{
	struct risk_state st;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	return risk_is_sensitive(&st, display, abs);
}

bool
risk_secret_source(struct risk_state *st, const char *what, const char *file, const char *abs)
{
	char *real = abs ? guard_path_real(abs) : NULL;
	bool secret = risk_is_sensitive(st, file, abs) || (real && risk_is_sensitive(st, real, real));

	free(real);
	if (!secret)
		return false;
	/* a read of the secret (its reason names the path), and no word of its text in any reason */
	risk_path_str(st, what, file, PATH_READ);
	risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ,
		  "%s runs the text of a secret file, which guard does not read to rate: %s", what, file);
	return true;
}

/* Is dir (display or absolute form) a folder above what glob g names? */
static bool
above(const char *g, const char *display, const char *abs, const char *home)
{
	size_t n = strcspn(g, "*?[{"); /* the glob's literal start */
	const char *path = g[0] == '/' ? abs : display;
	const char *lit = g;
	char expanded[1024];

	if (!strncmp(g, "**", 2))
		return false;
	if (g[0] == '~' && g[1] == '/') {
		if (!home)
			return false;
		size_t hl = strlen(home), total = hl + n - 1;
		if (abs && total < sizeof(expanded)) {
			/* as below with home and the glob's rest side by side, not printed together (asked per path) */
			size_t pl = strlen(abs);
			if (pl >= total || (pl <= 1 && abs[0] == '/'))
				return false;
			size_t inhome = pl < hl ? pl : hl;
			char next = pl < hl ? home[pl] : g[1 + pl - hl];
			return !strncmp(home, abs, inhome) && !strncmp(g + 1, abs + inhome, pl - inhome) && next == '/';
		}
		snprintf(expanded, sizeof(expanded), "%s%.*s", home, (int)(n - 1), g + 1);
		lit = expanded;
		n = strlen(expanded);
		path = abs;
	}
	if (!path)
		return false;
	if (g[0] != '/' && g[0] != '~' && !strcmp(display, "."))
		return true; /* the project root holds every project-relative glob */
	/* path, then a '/', must begin the literal start */
	size_t pl = strlen(path);
	return pl < n && !strncmp(lit, path, pl) && lit[pl] == '/' && (pl > 1 || path[0] != '/');
}

const char *
risk_sensitive_below(const struct risk_state *st, const char *display, const char *abs)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;

	for (size_t i = 0; cfg && i < cfg->nsensitive_paths; i++) {
		const char *g = cfg->sensitive_paths[i];
		if (g[0] == '!' || (g[0] != '/' && g[0] != '~'))
			continue;
		if (!strcmp(abs, "/") || above(g, display, abs, st->ctx->home))
			return g;
	}
	return NULL;
}

/*
 * A linked worktree's project holds a .git file naming the main
 * repository's .git (its common folder), where git runs the hooks and
 * guard keeps its state for this worktree too (guard_state_dir). Cached
 * per project; "" when there is none.
 */
static const char *
common_git_dir(const char *project)
{
	static thread_local char *for_project, *common; /* PATH_MAX each, made on first use */
	char *dir = NULL;

	if (!for_project) {
		for_project = guard_thread_calloc(2 * PATH_MAX);
		common = for_project + PATH_MAX;
	}

	if (!strcmp(for_project, project))
		return common;
	snprintf(for_project, PATH_MAX, "%s", project);
	common[0] = '\0';
	if (guard_state_dir(project, false, &dir) == 0) {
		size_t n = strlen(dir);
		if (n > 6 && !strcmp(dir + n - 6, "/guard"))
			snprintf(common, PATH_MAX, "%.*s", (int)(n - 6), dir);
	}
	guard_error_clear();
	free(dir);
	return common;
}

/* Named by the protected list (display or absolute form; from a linked worktree, as .git/... of the main one). */
static bool
protected_listed(const struct risk_state *st, const char *display, const char *abs, size_t cl)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;

	if (listed(cfg->protected_paths, cfg->nprotected_paths, display, abs, st->ctx->home))
		return true;
	if (!cl)
		return false;
	char *as_git = guard_xasprintf(".git%s", abs + cl);
	bool hit = list_match(cfg->protected_paths, cfg->nprotected_paths, as_git, st->ctx->home);
	free(as_git);
	return hit;
}

static bool protected_above_now(const struct risk_state *st, const char *display, const char *abs, size_t cl);

/* A folder above what a protected glob names (the same two forms), through list_match's memory. */
static bool
protected_above(const struct risk_state *st, const char *display, const char *abs, size_t cl)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	struct lm_key k;
	char cls[24], *d = cls + sizeof(cls);
	bool fresh;

	lm_begin(&k, 'a');
	lg_get(cfg->protected_paths, cfg->nprotected_paths, LG_LIST); /* the list as it is now (lg_fills) */
	*--d = '\0';
	for (size_t v = cl; d > cls && (d == cls + sizeof(cls) - 1 || v); v /= 10)
		*--d = (char)('0' + v % 10);
	lm_add(&k, display);
	lm_add(&k, abs);
	lm_add(&k, st->ctx->home);
	lm_add(&k, d);
	struct lm_slot *m = lm_slot(cfg->protected_paths, cfg->nprotected_paths, &k, &fresh);
	if (fresh)
		return m->hit;
	return lm_keep(m, cfg->protected_paths, cfg->nprotected_paths, &k, protected_above_now(st, display, abs, cl));
}

static bool
protected_above_now(const struct risk_state *st, const char *display, const char *abs, size_t cl)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;

	if (cl) {
		char *as_git = guard_xasprintf(".git%s", abs + cl);
		bool hit = false;
		for (size_t i = 0; !hit && i < cfg->nprotected_paths; i++)
			hit = cfg->protected_paths[i][0] != '!' && above(cfg->protected_paths[i], as_git, NULL, st->ctx->home);
		free(as_git);
		if (hit)
			return true;
	}
	for (size_t i = 0; i < cfg->nprotected_paths; i++)
		if (cfg->protected_paths[i][0] != '!' && above(cfg->protected_paths[i], display, abs, st->ctx->home))
			return true;
	return false;
}

/* The length of the main repository's .git that abs is in (a linked worktree's), or 0. */
static size_t
in_common_git(const struct risk_state *st, const char *abs)
{
	const char *common = abs && st->ctx->project ? common_git_dir(st->ctx->project) : "";
	size_t cl = strlen(common);
	return cl && !strncmp(abs, common, cl) && (abs[cl] == '/' || !abs[cl]) ? cl : 0;
}

static bool
is_protected(const struct risk_state *st, const char *display, const char *abs, bool ancestors)
{
	if (!st->ctx->cfg)
		return false;
	size_t cl = in_common_git(st, abs);
	return protected_listed(st, display, abs, cl) || (ancestors && protected_above(st, display, abs, cl));
}

bool
risk_is_protected(const struct risk_state *st, const char *display, const char *abs)
{
	return is_protected(st, display, abs, false);
}

const char *
risk_common_git_dir(const struct risk_state *st)
{
	return st->ctx->project ? common_git_dir(st->ctx->project) : "";
}

int
risk_guard_place(const struct risk_state *st, const char *path)
{
	bool relative = path[0] != '/' && path[0] != '~';
	int place = 0;

	if (!*path || !st->ctx->cfg)
		return 0;
	for (size_t i = 0; i < (relative ? st->ncwds : 1) && place != RISK_GUARD_STATE; i++) {
		char *abs = guard_path_resolve(st->cwds[i], path, st->ctx->home);
		char *display = shown_path(st, abs);
		const char *home = st->ctx->home;
		bool root_or_above = !strcmp(display, ".") || !strcmp(abs, "/") || (home && !strcmp(abs, home)) ||
				     (st->ctx->project && guard_path_inside(abs, st->ctx->project));
		size_t cl = in_common_git(st, abs);
		/* listed first; above only when not (is_protected with ancestors would list it again) */
		if (protected_listed(st, display, abs, cl) || (!st->remote && risk_guard_installed(abs, false)))
			place = RISK_GUARD_STATE;
		else if (!root_or_above && protected_above(st, display, abs, cl))
			place = RISK_GUARD_FOLDER;
		free(abs);
		free(display);
	}
	return place;
}

static bool
is_regular_file(const char *abs)
{
	struct stat sb;
	return risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void
rate_read(struct risk_state *st, const char *verb, enum place pl, const char *abs, const char *shown)
{
	switch (pl) {
	case P_DEVICE:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s reads a raw device: %s", verb, shown);
		return;
	case P_NET:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s opens a network connection: %s", verb, shown);
		return;
	case P_ROOT: case P_HOME_ROOT: case P_SYSTEM: case P_OUTSIDE:
		if (has_prefix_dir(abs, "/usr/share") || has_prefix_dir(abs, "/usr/include") ||
		    has_prefix_dir(abs, "/proc/self") || !strcmp(abs, "/etc/os-release"))
			return;
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s reads outside the project: %s", verb, shown);
		return;
	default:
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	}
}

static bool
critical_file(const char *abs)
{
	static const char *const files[] = { "/etc/passwd", "/etc/shadow", "/etc/sudoers", "/etc/group",
					     "/etc/gshadow", "/etc/fstab", NULL };
	for (size_t i = 0; files[i]; i++)
		if (!strcmp(abs, files[i]))
			return true;
	return has_prefix_dir(abs, "/etc/sudoers.d") || has_prefix_dir(abs, "/boot");
}

static void
rate_write(struct risk_state *st, const char *verb, enum place pl, const char *abs, const char *shown,
	   bool truncate)
{
	if (pl != P_GIT_DIR && pl != P_GIT_INSIDE && pl != P_DEVICE && pl != P_NET && pl != P_DEV_HARMLESS)
		risk_git_nested_write(st, verb, abs, shown);
	switch (pl) {
	case P_DEVICE:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s writes to a raw device: %s", verb, shown);
		return;
	case P_NET:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s sends data over the network: %s", verb, shown);
		return;
	case P_DEV_HARMLESS: case P_TEMP:
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		return;
	case P_GIT_DIR: case P_GIT_INSIDE:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s writes git internals: %s", verb, shown);
		return;
	case P_PROJECT: case P_SCRATCH: case P_PROJECT_ROOT:
		if (truncate && pl == P_PROJECT && is_regular_file(abs))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s overwrites a project file: %s", verb, shown);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		return;
	default:
		if (critical_file(abs))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s writes a system file: %s", verb, shown);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s writes outside the project: %s", verb, shown);
	}
}

/* Some files below a folder (find -name x -delete). */
static void
rate_delete_under(struct risk_state *st, const char *verb, enum place pl, const char *shown)
{
	char cls = GUARD_CLASS_DELETE;

	switch (pl) {
	case P_ROOT: case P_SYSTEM: case P_DEVICE:
		risk_rule(st, GUARD_LEVEL_CRITICAL, cls, "%s across a system directory: %s", verb, shown);
		return;
	case P_SCRATCH: case P_TEMP:
		risk_rule(st, GUARD_LEVEL_LOW, cls, "%s inside a scratch folder: %s", verb, shown);
		return;
	case P_PROJECT_ROOT: case P_PROJECT:
		risk_rule(st, GUARD_LEVEL_MEDIUM, cls, "%s deletes matching files in the project: %s", verb, shown);
		return;
	case P_GIT_DIR: case P_GIT_INSIDE:
		risk_rule(st, GUARD_LEVEL_HIGH, cls, "%s inside git internals: %s", verb, shown);
		return;
	default:
		risk_rule(st, GUARD_LEVEL_HIGH, cls, "%s outside the project: %s", verb, shown);
	}
}

/* The path as the command wrote it, while path_from rates it (NULL elsewhere). */
static _Thread_local const char *path_written;

/*
 * shown, or for a reason a person must recognise the path in, the path
 * as written with where it lands: ".. (/home/me)".
 */
static const char *
as_written(const char *shown, char *buf, size_t size)
{
	if (!path_written || !strcmp(path_written, shown))
		return shown;
	snprintf(buf, size, "%s (%s)", path_written, shown);
	return buf;
}

/* The folder a path names, or for a last segment of only stars (everything in it) its folder; in buf. */
static const char *
folder_named(const char *abs, char *buf, size_t size)
{
	const char *last = strrchr(abs, '/');

	if (!last || !glob_all(last + 1))
		return abs;
	size_t n = (size_t)(last - abs);
	if (n + 2 > size)
		return abs;
	memcpy(buf, abs, n);
	buf[n ? n : 1] = '\0';
	if (!n)
		buf[0] = '/';
	return buf;
}

/*
 * Deleting (or moving away) a folder that holds the project or the home
 * directory: "..", everything in "../..", an ancestor, "/tmp" when the project is in
 * it. Recorded and true when it does; the project itself is P_PROJECT_ROOT.
 */
static bool
holds_project_or_home(struct risk_state *st, const char *verb, enum place pl, const char *abs, const char *shown)
{
	const char *project = st->ctx->project, *home = st->ctx->home;
	char buf[4096];
	const char *dir = folder_named(abs, buf, sizeof(buf));
	char wbuf[8192];

	if (st->remote || pl == P_ROOT)
		return false;
	shown = as_written(shown, wbuf, sizeof(wbuf));
	if (project && strcmp(dir, project) && guard_path_inside(dir, project)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s removes the folder that holds this project: %s",
			  verb, shown);
		return true;
	}
	if (home && strcmp(home, "/") && pl != P_HOME_ROOT && guard_path_inside(dir, home)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s removes the folder that holds the home directory: %s",
			  verb, shown);
		return true;
	}
	return false;
}

/* Deleting, moving away or changing permissions, by place. */
_Thread_local bool risk_rm_alone;

/* rm -r, alone on the line, of a project name that is not there: it deletes nothing. */
static bool
deletes_nothing(const struct risk_state *st, const char *abs)
{
	struct stat sb;

	return risk_rm_alone && !st->cwd_unknown && !strpbrk(abs, "*?[") && risk_memo_lstat(abs, &sb) != 0;
}

static void
rate_destroy(struct risk_state *st, const char *verb, enum place pl, const char *abs, const char *shown,
	     enum risk_path_op op)
{
	bool tree = op == PATH_DELETE_TREE || op == PATH_PERM_TREE;
	bool perm = op == PATH_PERM || op == PATH_PERM_TREE;
	char cls = perm ? GUARD_CLASS_WRITE : GUARD_CLASS_DELETE;

	if (!perm && holds_project_or_home(st, verb, pl, abs, shown))
		return;
	if (op == PATH_DELETE_UNDER) {
		rate_delete_under(st, verb, pl, shown);
		return;
	}
	switch (pl) {
	case P_ROOT:
		risk_rule(st, GUARD_LEVEL_CRITICAL, cls, "%s %s the filesystem root: %s", verb,
			  perm ? "changes permissions across" : "removes", shown);
		return;
	case P_HOME_ROOT: {
		char wbuf[8192];
		risk_rule(st, GUARD_LEVEL_CRITICAL, cls, "%s %s the home directory: %s", verb,
			  perm ? "changes permissions across" : "removes", as_written(shown, wbuf, sizeof(wbuf)));
		return;
	}
	case P_SYSTEM:
		risk_rule(st, GUARD_LEVEL_CRITICAL, cls, "%s on a system directory: %s", verb, shown);
		return;
	case P_DEVICE:
		risk_rule(st, GUARD_LEVEL_CRITICAL, cls, "%s on a raw device: %s", verb, shown);
		return;
	case P_PROJECT_ROOT:
		if (perm && !tree)
			risk_base(st, GUARD_LEVEL_LOW, cls);
		else
			risk_rule(st, perm ? GUARD_LEVEL_MEDIUM : GUARD_LEVEL_CRITICAL, cls,
				  "%s on the whole project: %s", verb, shown);
		return;
	case P_GIT_DIR:
		if (perm)
			risk_rule(st, GUARD_LEVEL_MEDIUM, cls, "%s on the git repository: %s", verb, shown);
		else
			risk_rule(st, GUARD_LEVEL_CRITICAL, cls, "%s destroys the git repository: %s", verb, shown);
		return;
	case P_GIT_INSIDE:
		risk_rule(st, GUARD_LEVEL_HIGH, cls, "%s inside git internals: %s", verb, shown);
		return;
	case P_SCRATCH: case P_TEMP:
		risk_rule(st, GUARD_LEVEL_LOW, cls, "%s inside a scratch folder: %s", verb, shown);
		return;
	case P_DEV_HARMLESS: case P_NET:
		risk_rule(st, perm || op == PATH_DELETE || op == PATH_DELETE_TREE ? GUARD_LEVEL_HIGH
			  : GUARD_LEVEL_LOW, cls, "%s on a device file: %s", verb, shown);
		return;
	case P_PROJECT:
		if (perm || op == PATH_MOVE)
			risk_base(st, GUARD_LEVEL_LOW, cls);
		else if (tree && deletes_nothing(st, abs))
			risk_rule(st, GUARD_LEVEL_LOW, cls, "%s deletes nothing: %s is not there", verb, shown);
		else if (tree && !is_regular_file(abs))
			risk_rule(st, GUARD_LEVEL_HIGH, cls, "%s deletes a project folder: %s", verb, shown);
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, cls, "%s deletes a project file: %s", verb, shown);
		return;
	default:
		if (perm && !tree && critical_file(abs))
			risk_rule(st, GUARD_LEVEL_CRITICAL, cls, "%s on a system file: %s", verb, shown);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, cls, "%s outside the project: %s", verb, shown);
	}
}

/*
 * A script that is not there when the line is rated, which a part before
 * it may make (python3 -c, tar x, an unknown program: attack9 J11): what
 * runs is what that part writes, which guard cannot read. High.
 */
static bool
unseen_script(struct risk_state *st, const char *verb, const char *abs, const char *shown)
{
	struct stat sb;
	const char *writer;

	if (st->remote || !st->later.len || strpbrk(abs, "*?[") || risk_memo_lstat(abs, &sb) == 0 ||
	    !(writer = risk_later_unseen_writer(st, abs)))
		return false;
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
		  "%s runs a script this line makes that guard cannot read: %s is not there when rated, and %s "
		  "runs before it", verb, shown, writer);
	return true;
}

static void
rate_place(struct risk_state *st, const char *verb, const char *abs, const char *display,
	   enum risk_path_op op)
{
	char shown[4096], root[4096];
	enum place pl;

	/* some files below a root folder: judged by the root folder's place */
	const char *deep = op == PATH_DELETE_UNDER ? strstr(abs, "/**") : NULL;
	if (deep && (size_t)(deep - abs) < sizeof(root)) {
		memcpy(root, abs, (size_t)(deep - abs));
		root[deep - abs] = '\0';
		if (!root[0])
			root[0] = '/', root[1] = '\0';
		char *rdisp = shown_path(st, root);
		pl = place_of(st, root, rdisp);
		free(rdisp);
	} else {
		pl = place_of(st, abs, display);
	}
	pretty(st, display, shown, sizeof(shown));
	switch (op) {
	case PATH_READ:
		rate_read(st, verb, pl, abs, shown);
		break;
	case PATH_EXEC:
		if (unseen_script(st, verb, abs, shown))
			break;
		if (pl == P_PROJECT || pl == P_SCRATCH || pl == P_TEMP)
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a script: %s", verb, shown);
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a script outside the project: %s",
				  verb, shown);
		break;
	case PATH_WRITE: case PATH_TRUNCATE:
		rate_write(st, verb, pl, abs, shown, op == PATH_TRUNCATE);
		break;
	default:
		rate_destroy(st, verb, pl, abs, shown, op);
	}
}

/* What an operation does to a secret, for its reason. */
static const char *
secret_verb(enum risk_path_op op)
{
	switch (op) {
	case PATH_READ: case PATH_EXEC: return "reads credentials or keys from a sensitive path";
	case PATH_WRITE: case PATH_TRUNCATE: return "writes credentials or keys at a sensitive path";
	case PATH_MOVE: return "moves credentials or keys from a sensitive path";
	case PATH_PERM: case PATH_PERM_TREE: return "changes permissions of a sensitive path";
	default: return "deletes credentials or keys at a sensitive path";
	}
}

/* Places inside guard's folders that stay the agent's to write (policy/default.yaml: .ai/plans/). */
static const char *const guard_writable[] = { ".ai/plans", NULL };

/*
 * The guard folder abs is inside (a folder above one of guard's own files:
 * .ai, .claude, .git, ~/.claude; the project root and above are none), or
 * NULL; .ai/plans/ and below are the agent's. Freed by the caller.
 */
static char *
guard_folder_holding(const struct risk_state *st, const char *abs, const char *display)
{
	const char *home = st->ctx->home;
	char *dir = guard_xstrdup(abs);

	for (size_t i = 0; guard_writable[i]; i++) {
		size_t n = strlen(guard_writable[i]);
		if (!strncmp(display, guard_writable[i], n) && (!display[n] || display[n] == '/')) {
			free(dir);
			return NULL;
		}
	}
	for (char *slash = strrchr(dir, '/'); slash && slash > dir; slash = strrchr(dir, '/')) {
		*slash = '\0';
		if (!strcmp(dir, "/") || (home && !strcmp(dir, home)) ||
		    (st->ctx->project && guard_path_inside(dir, st->ctx->project)))
			break;
		char *ddisp = shown_path(st, dir);
		bool guards = protected_above(st, ddisp, dir, in_common_git(st, dir));
		if (guards) {
			free(dir);
			return ddisp;
		}
		free(ddisp);
	}
	free(dir);
	return NULL;
}

/*
 * A folder a program makes (git's new repositories and work trees) judged
 * for guard's state and folders only: other places keep the program's own
 * rating (a worktree beside the project stays as it was).
 */
void
risk_path_guard_write(struct risk_state *st, const char *verb, const char *path)
{
	bool relative = path[0] != '/' && path[0] != '~';

	if (!*path)
		return;
	for (size_t i = 0; i < (relative ? st->ncwds : 1); i++) {
		char *abs = guard_path_resolve(st->cwds[i], path, st->ctx->home);
		char *display = shown_path(st, abs);
		if (risk_guard_place(st, path))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s changes guard's own state: %s", verb, display);
		char *folder = guard_folder_holding(st, abs, display);
		if (folder)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s writes into guard's folder %s/: %s", verb, folder,
				  display);
		free(folder);
		free(display);
		free(abs);
	}
}

/* Secrets and guard's own state, whatever the place. */
static void
rate_special(struct risk_state *st, const char *verb, const char *abs, const char *display,
	     enum risk_path_op op)
{
	char shown[4096];
	bool sensitive = risk_is_sensitive(st, display, abs);
	bool removes = op == PATH_DELETE || op == PATH_DELETE_TREE || op == PATH_DELETE_UNDER || op == PATH_MOVE;
	bool prot = op != PATH_READ && op != PATH_EXEC && is_protected(st, display, abs, removes);
	const char *program = op != PATH_READ && op != PATH_EXEC ? risk_guard_installed(abs, removes) : NULL;

	if (!prot && !program && op != PATH_READ && op != PATH_EXEC) {
		/* a new or changed name in guard's folder: not guard's file, still no place for the agent (left12) */
		char *folder = guard_folder_holding(st, abs, display);
		if (folder) {
			pretty(st, display, shown, sizeof(shown));
			risk_rule(st, GUARD_LEVEL_HIGH, removes ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE,
				  "%s %s guard's folder %s/: %s", verb, removes ? "removes a name in" : "writes into", folder,
				  shown);
		}
		free(folder);
	}
	if (!sensitive && !prot && !program)
		return;
	pretty(st, display, shown, sizeof(shown));
	if (program)
		risk_rule(st, GUARD_LEVEL_CRITICAL, removes ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE,
			  "%s changes guard's program (%s): the hook runs it, so it is guard's state: %s", verb, program, shown);
	char wbuf[8192];
	if (sensitive)
		risk_rule(st, GUARD_LEVEL_CRITICAL, op == PATH_READ || op == PATH_EXEC ? GUARD_CLASS_READ
			  : GUARD_CLASS_WRITE, "%s %s: %s", verb, secret_verb(op), as_written(shown, wbuf, sizeof(wbuf)));
	if (prot)
		risk_rule(st, GUARD_LEVEL_CRITICAL, op == PATH_DELETE || op == PATH_DELETE_TREE
			  ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE, "%s changes guard's own state: %s", verb, shown);
}

static void
record(struct risk_state *st, const char *display, const char *abs, enum risk_path_op op)
{
	struct stat sb;

	if (st->remote)
		return;
	for (size_t i = 0; harmless_dev[i]; i++)
		if (!strcmp(display, harmless_dev[i]))
			return;
	if (op == PATH_READ || op == PATH_EXEC)
		guard_list_add_unique(&st->out->reads, display);
	else
		guard_list_add_unique(&st->out->targets, display);
	/* a write to what is not there makes a new file (or folder): the unattended rules limit where */
	if ((op == PATH_WRITE || op == PATH_TRUNCATE) && !strpbrk(display, "*?[") && risk_memo_lstat(abs, &sb) != 0 &&
	    !guard_list_has(&st->out->creates, display)) {
		guard_list_add(&st->out->creates, display);
		risk_written_name(st, abs, display);
	}
}

static void glob_could_match(struct risk_state *st, const char *verb, const char *abs, enum risk_path_op op);

/* Does path hold a ".." component (where text and a symlink may disagree)? */
static bool
has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == path || p[-1] == '/') && (!p[2] || p[2] == '/'))
			return true;
	return false;
}

#define LINK_HOPS 4 /* links made on the line followed from one to the next */

/* "x/", "x/." or "x/./": the name is followed into the folder (a link to one too). */
static bool
names_inside(const char *text)
{
	size_t n = strlen(text);

	while (n > 1 && (text[n - 1] == '/' || (text[n - 1] == '.' && text[n - 2] == '/')))
		if (text[--n] == '/')
			return true;
	return false;
}

/*
 * abs is a link made earlier on this line (ln, ln -s, cp -l, cp -s), or
 * lies below one: the write lands where the link leads, and is judged
 * there too (a link to guard's state made and written through on one
 * line; ln -s ~/.bashrc x; echo ... >> x). Deleting or moving the link
 * touches only the link, unless its name is followed: rm -rf x/ empties
 * the folder x leads to (ln -s ~ x; rm -rf x/ empties home).
 */
static void
through_line_link(struct risk_state *st, const char *verb, const char *abs, const char *shown, enum risk_path_op op)
{
	static _Thread_local unsigned hops;
	size_t rest = 0;
	const char *to = risk_later_link(st, abs, &rest);

	/* rm -r LINK removes the link (below it, the files); chmod/chown follow it */
	if (!to || hops >= LINK_HOPS ||
	    ((op == PATH_DELETE_TREE || op == PATH_DELETE_UNDER) && !abs[rest] && !names_inside(shown)))
		return;
	char *target = guard_xasprintf("%s%s", to, abs + rest);
	risk_explain(st, "    %s is reached through a link made earlier on this line: %s", shown, target);
	hops++;
	risk_path_str(st, verb, target, op);
	hops--;
	free(target);
}

/*
 * /proc/PID/root/R or /proc/PID/cwd/R (or /proc/PID/task/TID/...), PID any
 * word ($$, $!, 1, a pid not running yet): guard cannot tell where that root or folder is, so it
 * could be the project's (G1). Guard's state is named when R read from
 * "/" is, or any tail of R (from a '/') read from the project root is;
 * that tail, or NULL (caller frees).
 */
static const char *
proc_kind(const char *text, size_t *kl)
{
	if (strncmp(text, "/proc/", 6))
		return NULL;
	/* each "/root" or "/cwd" whose folder is /proc/ONE-WORD as the kernel walks it (/proc/thread-self/../$$) */
	for (const char *k = strchr(text + 1, '/'); k; k = strchr(k + 1, '/')) {
		/* "root$P/x": the variable is part of what follows the root */
		*kl = !strncmp(k + 1, "root", 4) ? 4 : !strncmp(k + 1, "cwd", 3) ? 3 : 0;
		if (!*kl || (k[1 + *kl] && k[1 + *kl] != '/' && k[1 + *kl] != '$'))
			continue;
		char *dir = guard_xstrndup(text, (size_t)(k - text)), *norm = guard_path_lexical("/", dir, NULL);
		const char *pid = norm + 6, *sl = strchr(pid, '/');
		/* /proc/PID or /proc/PID/task/TID */
		bool one = !strncmp(norm, "/proc/", 6) && *pid && *pid != '/' &&
			   (!sl || (!strncmp(sl, "/task/", 6) && sl[6] && !strchr(sl + 6, '/')));
		free(dir);
		free(norm);
		if (one)
			return k + 1;
	}
	return NULL;
}

/* guard's state, or (a write: cp and mv put a file into it) a folder that holds it: "/proc/$$/cwd/.ai/" */
static bool
proc_names_state(const struct risk_state *st, const char *display, const char *abs, bool removes)
{
	return is_protected(st, display, abs, removes) || (!removes && risk_guard_place(st, abs) == RISK_GUARD_FOLDER);
}

static char *
proc_state_tail(const struct risk_state *st, const char *text, bool removes)
{
	size_t kl = 0;
	const char *kind = st->ctx->cfg ? proc_kind(text, &kl) : NULL;

	if (!kind)
		return NULL;
	char *tail = guard_xasprintf("/%s", kind + kl);
	char *rest = guard_path_lexical("/", tail, NULL), *hit = NULL;
	free(tail);
	char *display = shown_path(st, rest);
	if (strcmp(rest, "/") && proc_names_state(st, display, rest, removes))
		hit = guard_xstrdup(rest);
	free(display);
	for (const char *t = rest; !hit && t && t[1] && st->ctx->project; t = strchr(t + 1, '/')) {
		char *abs = guard_path_lexical(st->ctx->project, t + 1, NULL);
		display = shown_path(st, abs);
		if (proc_names_state(st, display, abs, removes))
			hit = guard_xstrdup(t + 1);
		free(abs);
		free(display);
	}
	free(rest);
	return hit;
}

/* A write, move or deletion through /proc/PID/{root,cwd} of guard's state: critical, and the state a target. */
static void
proc_state(struct risk_state *st, const char *verb, const char *text, enum risk_path_op op)
{
	bool removes = op == PATH_DELETE || op == PATH_DELETE_TREE || op == PATH_DELETE_UNDER || op == PATH_MOVE;
	char *tail;

	if (op == PATH_READ || op == PATH_EXEC || st->remote || !(tail = proc_state_tail(st, text, removes)))
		return;
	risk_rule(st, GUARD_LEVEL_CRITICAL, removes ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE,
		  "%s changes guard's own state through another process's root or folder (it could be this "
		  "project's): %s (%s)", verb, text, tail);
	guard_list_add_unique(&st->out->targets, tail);
	free(tail);
}

/* One literal path from one starting directory. */
static void
path_from(struct risk_state *st, const char *verb, const char *cwd, const char *path,
	  enum risk_path_op op, bool first)
{
	char *abs = guard_path_resolve(cwd, path, st->ctx->home);
	char *display = shown_path(st, abs);

	if (first)
		record(st, display, abs, op);
	if (first)
		proc_state(st, verb, path[0] == '/' ? path : abs, op);
	if (op == PATH_EXEC && !strpbrk(abs, "*?["))
		risk_bind_file(st, abs); /* what runs, for an approval (A5) */
	path_written = path;
	rate_place(st, verb, abs, display, op);
	if (!st->remote)
		rate_special(st, verb, abs, display, op);
	/*
	 * Where the kernel lands: "src/l/../.ai/x" through a symlink src/l is
	 * not src/.ai/x (N3). Both are judged; a hit on either is a hit.
	 */
	char *phys = st->remote ? NULL : has_dotdot(path) ? guard_path_physical(cwd, path, st->ctx->home)
		     : guard_xstrdup(abs); /* without "..", text and kernel agree */
	char *pdisp = phys && strcmp(phys, abs) ? shown_path(st, phys) : NULL;
	if (pdisp) {
		risk_explain(st, "    %s lands at %s through a symlink", path, pdisp);
		rate_place(st, verb, phys, pdisp, op);
		rate_special(st, verb, phys, pdisp, op);
	}
	if (phys && (op == PATH_WRITE || op == PATH_TRUNCATE || op == PATH_PERM || op == PATH_PERM_TREE)) {
		char shown[4096];
		pretty(st, pdisp ? pdisp : display, shown, sizeof(shown));
		risk_link_write(st, verb, phys, shown);
	}
	free(pdisp);
	free(phys);
	path_written = NULL;
	/* ".env*" could be ".env": check the glob with its stars removed. */
	const char *lastseg = strrchr(display, '/');
	if (strchr(lastseg ? lastseg : display, '*') && !strstr(display, "**") && !st->remote) {
		struct guard_buf bare = GUARD_BUF_INIT;
		for (const char *p = display; *p; p++)
			if (*p != '*')
				guard_buf_addch(&bare, *p);
		char *babs = guard_path_resolve(cwd, bare.buf, st->ctx->home);
		rate_special(st, verb, babs, bare.buf, op);
		free(babs);
		guard_buf_release(&bare);
	}
	if (!st->remote && strpbrk(abs, "*?["))
		glob_could_match(st, verb, abs, op);
	if (op == PATH_EXEC && guard_list_has(&st->downloads, abs))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "downloaded code executed: %s runs %s", verb,
			  display);
	/* a read too: ln -s .env x; cat x reads .env (H18) */
	if (op != PATH_EXEC && op != PATH_DELETE && op != PATH_MOVE && st->later.len && !st->remote)
		through_line_link(st, verb, abs, path, op);
	free(abs);
	free(display);
}

/* ---- globs ------------------------------------------------------------ */

/* Rate the path abs (a name a glob could stand for) as sensitive or protected. */
static void
special_abs(struct risk_state *st, const char *verb, const char *abs, enum risk_path_op op)
{
	char *display = shown_path(st, abs);
	rate_special(st, verb, abs, display, op);
	free(display);
}

/* A list glob as an absolute path into out: "~/x" under home, "x" under the project (false: none, or too long). */
static bool
list_glob_abs(const struct risk_state *st, const char *g, char *out, size_t size)
{
	const char *base = "", *sep = "", *rest = g;

	if (g[0] == '~' && g[1] == '/') {
		if (!st->ctx->home)
			return false;
		base = st->ctx->home;
		rest = g + 1;
	} else if (g[0] != '/') {
		if (!st->ctx->project)
			return false;
		base = st->ctx->project;
		sep = "/";
	}
	size_t bl = strlen(base), sl = strlen(sep), rl = strlen(rest);
	if (bl + sl + rl >= size)
		return false;
	memcpy(out, base, bl);
	memcpy(out + bl, sep, sl);
	memcpy(out + bl + sl, rest, rl + 1);
	return true;
}

/*
 * The glob pattern abs (e.g. /p/.e*, ~/.ss?/id_*) checked against names it
 * could match whether or not they exist now: the file names of the
 * sensitive and protected lists (the entry for .env files gives ".env"
 * in the pattern's folder), and their literal folders (~/.ssh, which the
 * pattern's folders could match).
 */
/* Does the glob segment name something ("*", ".*", "?*" name anything)? */
static bool
glob_specific(const char *seg)
{
	for (const char *p = seg; *p; p++) {
		if (*p == '[') {
			const char *close = strchr(p + 1 + (p[1] == ']'), ']');
			if (!close)
				return true;
			p = close;
		} else if (*p != '*' && *p != '?' && *p != '.') {
			return true;
		}
	}
	return false;
}

static void
check_glob_list(struct risk_state *st, const char *verb, const char *abs, enum risk_path_op op,
		const char *const *globs, size_t n)
{
	const char *slash = strrchr(abs, '/');
	const char *seg = slash ? slash + 1 : abs;
	size_t dirlen = slash ? (size_t)(slash - abs) : 0;
	/* abs's literal start: a root it does not begin is matched by none of its prefixes (no escapes in it) */
	size_t meta = strcspn(abs, "*?[");
	bool literal_start = !memchr(abs, '\\', meta);
	char root[8192]; /* a project or home path (PATH_MAX) and a glob of the policy */

	for (size_t i = 0; i < n; i++) {
		const char *g = globs[i];
		if (g[0] == '!')
			continue;
		const char *gslash = strrchr(g, '/');
		const char *gseg = gslash ? gslash + 1 : g;
		/* 1. the last segment against the list's file name (".env.*" gives ".env.") */
		if (strpbrk(seg, "*?[") && strcmp(gseg, "**") && glob_specific(seg)) {
			char cand[256];
			size_t k = 0;
			for (const char *q = gseg; *q && k + 1 < sizeof(cand); q++)
				if (*q != '*')
					cand[k++] = *q;
			cand[k] = '\0';
			if (k && cand[k - 1] != '.' && !strpbrk(cand, "?[{") && !fnmatch(seg, cand, FNM_PERIOD)) {
				char *c = guard_xasprintf("%.*s/%s", (int)dirlen, abs, cand);
				special_abs(st, verb, c, op);
				free(c);
			}
		}
		/* 2. a literal path or folder of the list against the pattern and its folders */
		size_t gl = strlen(g);
		bool folder = gl > 3 && !strcmp(g + gl - 3, "/**");
		size_t lit = strcspn(g, "*?[{");
		if (lit < gl - (folder ? 3 : 0) || (g[0] != '/' && g[0] != '~' && !strncmp(g, "**", 2)))
			continue;
		if (!list_glob_abs(st, g, root, sizeof(root)))
			continue;
		if (folder)
			root[strlen(root) - 3] = '\0';
		if (literal_start && strncmp(root, abs, meta))
			continue;
		for (size_t end = 1; abs[end - 1]; end++) {
			if (abs[end] != '/' && abs[end])
				continue;
			if (!abs[end] || folder) {
				char prefix[4096];
				if (end >= sizeof(prefix))
					break;
				memcpy(prefix, abs, end);
				prefix[end] = '\0';
				if (strpbrk(prefix, "*?[") && !fnmatch(prefix, root, FNM_PATHNAME | FNM_PERIOD)) {
					char *c = guard_xasprintf("%s%s", root, abs + end);
					special_abs(st, verb, c, op);
					free(c);
					break;
				}
			}
			if (!abs[end])
				break;
		}
	}
}

static void
glob_could_match(struct risk_state *st, const char *verb, const char *abs, enum risk_path_op op)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;

	if (!cfg)
		return;
	check_glob_list(st, verb, abs, op, cfg->sensitive_paths, cfg->nsensitive_paths);
	if (op != PATH_READ && op != PATH_EXEC)
		check_glob_list(st, verb, abs, op, cfg->protected_paths, cfg->nprotected_paths);
}

static void
add_escaped(struct guard_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("*?[]\\", *s))
			guard_buf_addch(b, '\\');
		guard_buf_addch(b, *s);
	}
}

/* The level path alone would get, without recording anything. */
static enum guard_level
quiet_level(struct risk_state *st, const char *verb, const char *cwd, const char *path, enum risk_path_op op)
{
	struct guard_risk scratch;
	struct risk_state quiet = risk_quiet(st, &scratch, st->remote);
	enum guard_level level;

	path_from(&quiet, verb, cwd, path, op, false);
	level = scratch.level;
	guard_risk_release(&scratch);
	return level;
}

/*
 * An unquoted glob word: the files it names now (glob(3) from cwd, within
 * the rating's budget: risk_glob), each recorded and checked while the
 * budget's matches last; one that rates higher than the pattern itself
 * (a secret, a system folder) adds its own reasons.
 */
bool
risk_glob_word(const struct risk_state *st, const char *cwd, const char *text, bool tilde, struct guard_list *out)
{
	struct guard_buf pat = GUARD_BUF_INIT;
	bool whole;

	if (tilde && text[0] == '~' && (text[1] == '/' || !text[1])) {
		if (!st->ctx->home)
			return true;
		add_escaped(&pat, st->ctx->home);
		guard_buf_addstr(&pat, text + 1);
	} else if (text[0] == '/') {
		guard_buf_addstr(&pat, text);
	} else {
		add_escaped(&pat, cwd);
		guard_buf_addch(&pat, '/');
		guard_buf_addstr(&pat, text);
	}
	whole = risk_glob(pat.buf, GLOB_NOSORT, out);
	guard_buf_release(&pat);
	return whole;
}

static void
expand_glob(struct risk_state *st, const char *verb, const char *cwd, const char *text, bool tilde,
	    enum risk_path_op op)
{
	struct guard_list matches = GUARD_LIST_INIT;

	if (tilde && text[0] == '~' && (text[1] == '/' || !text[1]) && !st->ctx->home)
		return;
	bool whole = risk_glob_word(st, cwd, text, tilde, &matches);
	risk_explain(st, "    glob %s matches %zu path%s%s", text, matches.len, matches.len == 1 ? "" : "s",
		     whole ? "" : " (cut short: the rating's budget)");
	enum guard_level seen = matches.len ? quiet_level(st, verb, cwd, text, op) : GUARD_LEVEL_LOW;
	for (size_t i = 0; i < matches.len && risk_walk_match(); i++) {
		const char *m = matches.items[i];
		const char *base = strrchr(m, '/');
		base = base ? base + 1 : m;
		if (!strcmp(base, ".") || !strcmp(base, ".."))
			continue; /* bash skips them (globskipdots); rm refuses them */
		enum guard_level level = quiet_level(st, verb, "/", m, op);
		char *display = shown_path(st, m);
		record(st, display, m, op);
		free(display);
		if (level > seen) {
			path_from(st, verb, "/", m, op, false);
			seen = level;
		}
	}
	guard_list_clear(&matches);
}

static void
risk_path_glob(struct risk_state *st, const char *verb, const struct guard_shell_word *w, const char *text,
	       enum risk_path_op op)
{
	bool relative = text[0] != '/' && !(text[0] == '~' && (w->flags & GUARD_WORD_TILDE));

	if (st->remote || !strpbrk(text, "*?["))
		return;
	/*
	 * A recursive "**" pattern (what find -name records) already critical:
	 * no match can change the outcome, glob(3) reads "**" as "*" anyway,
	 * and from / it would read thousands of folders for nothing.
	 */
	if (st->out->level >= GUARD_LEVEL_CRITICAL && strstr(text, "**"))
		return;
	for (size_t i = 0; i < (relative ? st->ncwds : 1); i++)
		expand_glob(st, verb, st->cwds[i], text, (w->flags & GUARD_WORD_TILDE) != 0, op);
}

void
risk_path_str(struct risk_state *st, const char *verb, const char *path, enum risk_path_op op)
{
	bool relative = path[0] != '/' && path[0] != '~';

	if (!*path)
		return;
	if (relative && st->cwd_unknown && op != PATH_READ) {
		risk_rule(st, GUARD_LEVEL_HIGH, op == PATH_WRITE ? GUARD_CLASS_WRITE : GUARD_CLASS_DELETE,
			  "%s on %s after cd to a computed place", verb, path);
	}
	for (size_t i = 0; i < (relative ? st->ncwds : 1); i++)
		path_from(st, verb, st->cwds[i], path, op, true);
}

/*
 * "$TMPDIR/x", "${TMPDIR}", "${TMPDIR:-/tmp}/x": the temp area, known
 * here as the environment's TMPDIR (the agent's, inherited) or /tmp.
 * The resolved path in buf, or NULL when text is no such word.
 */
static const char *
tmpdir_word(const char *text, char *buf, size_t size)
{
	static const char *const forms[] = { "${TMPDIR:-/tmp}", "${TMPDIR-/tmp}", "${TMPDIR:-/tmp/}", "${TMPDIR}",
					     "$TMPDIR", NULL };
	const char *env = getenv("TMPDIR");

	for (size_t i = 0; forms[i]; i++) {
		size_t n = strlen(forms[i]);
		const char *rest = text + n;
		if (strncmp(text, forms[i], n) || strchr(rest, '$') || strchr(rest, '`') ||
		    (forms[i][1] != '{' && (isalnum((unsigned char)*rest) || *rest == '_')))
			continue;
		const char *base = env && *env ? env : NULL;
		if (!base && strstr(forms[i], "/tmp"))
			base = "/tmp"; /* ${TMPDIR:-/tmp} (and ${TMPDIR-/tmp} unless set empty: rare) */
		if (!base)
			return NULL; /* $TMPDIR unset: judged as a variable (its bare form too) */
		if ((size_t)snprintf(buf, size, "%s%s", base, rest) >= size)
			return NULL;
		return buf;
	}
	return NULL;
}

void
risk_path(struct risk_state *st, const char *verb, const struct guard_shell_word *w,
	  enum risk_path_op op)
{
	const char *text = w->text;
	struct guard_buf tmp = GUARD_BUF_INIT;
	char resolved[4096];

	if ((w->flags & GUARD_WORD_DYNAMIC) && tmpdir_word(text, resolved, sizeof(resolved)) && resolved[0]) {
		risk_explain(st, "    %s is the temp area: %s", text, resolved);
		risk_path_str(st, verb, resolved, op);
		return;
	}

	/* A quoted "~" is a file named ~, not the home directory. */
	if (text[0] == '~' && !(w->flags & GUARD_WORD_TILDE)) {
		guard_buf_addstr(&tmp, "./");
		guard_buf_addstr(&tmp, text);
		text = tmp.buf;
	}
	if (w->flags & GUARD_WORD_DYNAMIC) {
		proc_state(st, verb, text, op);
		if (!st->remote)
			guard_list_add_unique(op == PATH_READ || op == PATH_EXEC ? &st->out->reads : &st->out->targets,
					      text);
		if (op == PATH_READ || op == PATH_EXEC)
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s reads a path that depends on a variable: %s",
				  verb, text);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, op == PATH_WRITE || op == PATH_TRUNCATE ? GUARD_CLASS_WRITE
				  : GUARD_CLASS_DELETE, "%s target depends on a variable: %s", verb, text);
		/* What it becomes when the variables are empty: "$DIR/" is "/". */
		if (w->bare && *w->bare && op != PATH_READ) {
			struct guard_risk scratch;
			struct risk_state quiet = risk_quiet(st, &scratch, true);
			risk_path_str(&quiet, verb, w->bare, op);
			if (scratch.level == GUARD_LEVEL_CRITICAL)
				risk_rule(st, GUARD_LEVEL_CRITICAL, scratch.cls,
					  "%s could hit %s when the variable is empty", verb, w->bare);
			guard_risk_release(&scratch);
		}
		guard_buf_release(&tmp);
		return;
	}
	risk_path_str(st, verb, text, op);
	risk_path_glob(st, verb, w, text, op);
	guard_buf_release(&tmp);
}

void
risk_sniff_arg(struct risk_state *st, const char *verb, const struct guard_shell_word *w)
{
	const char *t = w->text, *p;

	if (w->flags & GUARD_WORD_DYNAMIC)
		return;
	/* --opt=PATH, name=@PATH, @PATH */
	if ((p = strchr(t, '@')) != NULL)
		t = p + 1;
	else if (t[0] == '-' && (p = strchr(t, '=')) != NULL)
		t = p + 1;
	if (!*t || t[0] == '-' || strchr(t, ' ') || strstr(t, "://"))
		return;
	struct guard_buf tmp = GUARD_BUF_INIT;
	if (t[0] == '~' && !(w->flags & GUARD_WORD_TILDE) && t == w->text) {
		guard_buf_addstr(&tmp, "./");
		guard_buf_addstr(&tmp, t);
		t = tmp.buf;
	}
	char *abs = guard_path_resolve(st->cwds[0], t, st->ctx->home);
	char *display = shown_path(st, abs);
	guard_buf_release(&tmp);
	if (risk_is_sensitive(st, display, abs)) {
		char shown[4096];
		pretty(st, display, shown, sizeof(shown));
		if (!st->remote)
			guard_list_add_unique(&st->out->reads, display);
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s %s: %s", verb, secret_verb(PATH_READ), shown);
	}
	free(abs);
	free(display);
}
