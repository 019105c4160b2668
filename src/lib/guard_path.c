#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_hash.h"
#include "guard_path.h"

const char *
guard_home(void)
{
	const char *h = getenv("HOME");
	if (h && *h == '/')
		return h;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir && *pw->pw_dir == '/' ? pw->pw_dir : "/";
}

/*
 * Normalise an absolute path lexically: "//", "." and ".." removed. One
 * allocation: every segment kept costs its '/' in the input, but for a
 * first one without it, so the result takes at most strlen + 1 bytes.
 */
static char *
normalise(const char *abs)
{
	char *out = guard_xmalloc(strlen(abs) + 2);
	size_t len = 0;
	const char *p = abs;

	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 1 && p[0] == '.') {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* back to the last '/' kept, if any ("/a" becomes "", then "/" below) */
			size_t k = len;
			while (k > 0 && out[k - 1] != '/')
				k--;
			if (k > 0)
				len = k - 1;
		} else {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p = end;
	}
	if (!len)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

/*
 * realpath(3) with a short memory: a stream rates many paths under the
 * same few directories, and each realpath costs a readlink per component.
 * An answer is reused for one second at most, so a changed symlink is
 * seen again almost at once (any answer is already stale the moment it is
 * given: the action runs after the analysis).
 */
#define RESOLVE_CACHE 4096 /* slots at most (64 at first: guard_table_ready) */

struct resolve_slot {
	char *path, *resolved; /* resolved NULL: did not resolve */
	time_t at;
};

static _Thread_local struct guard_table resolve_table;

static void
resolve_drop(void *slot)
{
	struct resolve_slot *s = slot;
	free(s->path);
	free(s->resolved);
}

/* path's slot, and whether it holds path's answer of this second (*fresh). */
static struct resolve_slot *
resolve_slot(const char *path, time_t *now, bool *fresh)
{
	static _Thread_local struct resolve_slot *cache;
	struct timespec ts;

	cache = guard_table_ready(cache, &resolve_table, sizeof(*cache), 64, RESOLVE_CACHE, resolve_drop);
	unsigned h = guard_table_hash(path, strlen(path), 0) % resolve_table.n;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	*now = ts.tv_sec;
	*fresh = cache[h].path && cache[h].at == *now && !strcmp(cache[h].path, path);
	return &cache[h];
}

/* The answer for path, kept in its slot (resolved is taken); a copy returned. */
static char *
resolve_keep(const char *path, char *resolved)
{
	time_t now;
	bool fresh;
	struct resolve_slot *s = resolve_slot(path, &now, &fresh);

	free(s->path);
	free(s->resolved);
	s->path = guard_xstrdup(path);
	s->resolved = resolved;
	s->at = now;
	resolve_table.writes++;
	return resolved ? guard_xstrdup(resolved) : NULL;
}

/* A fresh answer for path (*fresh), a copy returned. */
static char *
resolve_known(const char *path, bool *fresh)
{
	time_t now;
	struct resolve_slot *s = resolve_slot(path, &now, fresh);

	return *fresh && s->resolved ? guard_xstrdup(s->resolved) : NULL;
}

static char *
realpath_cached(const char *path)
{
	bool fresh;
	char *known = resolve_known(path, &fresh);

	return fresh ? known : resolve_keep(path, realpath(path, NULL));
}

/*
 * realpath_cached of a path through its folder's, asked the same way
 * (issue 11: check decides 50 paths in a few folders, and realpath(3)
 * costs a readlink per component of each): a name that is no symlink
 * resolves to its folder's answer and the name, one that is not there to
 * nothing, as realpath(3) says; a symlink, or any other answer of lstat,
 * goes to realpath(3) itself. Each folder costs one lstat a second; the
 * folders past LEAF_DEPTH one realpath(3).
 */
#define LEAF_DEPTH 64 /* deeper folders go to realpath(3) whole */

static char *
realpath_leaf(const char *path, int depth)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	bool fresh, missing;
	char *known, *resolved = NULL;

	if (!slash || slash == path || !slash[1] || !strcmp(slash, "/..") || !strcmp(slash, "/.") || depth >= LEAF_DEPTH)
		return realpath_cached(path);
	known = resolve_known(path, &fresh);
	if (fresh)
		return known;
	missing = lstat(path, &st) < 0;
	if (missing ? errno != ENOENT : S_ISLNK(st.st_mode)) {
		resolved = realpath(path, NULL);
	} else if (!missing) {
		char *dir = guard_xstrndup(path, (size_t)(slash - path));
		char *rdir = realpath_leaf(dir, depth + 1);
		resolved = rdir ? guard_xasprintf("%s%s", strcmp(rdir, "/") ? rdir : "", slash) : realpath(path, NULL);
		free(rdir);
		free(dir);
	}
	return resolve_keep(path, resolved);
}

char *
guard_path_real(const char *path)
{
	return realpath_leaf(path, 0);
}

/* path made absolute against base (or home for "~/"), as written: nothing removed. */
static void
join(struct guard_buf *joined, const char *base, const char *path, const char *home)
{
	if (path[0] == '~' && (path[1] == '/' || !path[1]) && home) {
		guard_buf_addstr(joined, home);
		guard_buf_addstr(joined, path + 1);
	} else if (path[0] == '/') {
		guard_buf_addstr(joined, path);
	} else {
		guard_buf_addstr(joined, base && *base ? base : "/");
		guard_buf_addch(joined, '/');
		guard_buf_addstr(joined, path);
	}
}

char *
guard_path_lexical(const char *base, const char *path, const char *home)
{
	struct guard_buf joined = GUARD_BUF_INIT;

	join(&joined, base, path, home);
	char *norm = normalise(joined.buf);
	guard_buf_release(&joined);
	return norm;
}

char *
guard_path_physical(const char *base, const char *path, const char *home)
{
	struct guard_buf joined = GUARD_BUF_INIT, out = GUARD_BUF_INIT;
	char *resolved = NULL;

	join(&joined, base, path, home);
	/* the longest prefix, as written, that the kernel can walk; ".." in it climbs physically */
	size_t n = joined.len;
	while (n > 0) {
		char saved = joined.buf[n];
		joined.buf[n] = '\0';
		resolved = realpath_cached(joined.buf);
		joined.buf[n] = saved;
		if (resolved)
			break;
		while (n > 0 && joined.buf[n - 1] != '/')
			n--;
		while (n > 0 && joined.buf[n - 1] == '/')
			n--;
	}
	guard_buf_addstr(&out, resolved ? resolved : "");
	guard_buf_addch(&out, '/');
	guard_buf_addstr(&out, joined.buf + n);
	free(resolved);
	guard_buf_release(&joined);
	char *final = normalise(out.buf);
	guard_buf_release(&out);
	return final;
}

/*
 * The whole answer of guard_path_resolve kept as the realpath answers it
 * is made of are (one second): a stream resolves the same few words from
 * the same folder again and again. The key is base, path and home as
 * given; one that does not fit the buffer is not kept.
 */
#define RESOLVED_MEMO 1024 /* slots at most (64 at first) */
#define RESOLVED_KEY_MAX 2048

struct resolved_slot {
	char *key, *out; /* key: base NUL path NUL home, klen bytes */
	size_t klen;
	time_t at;
};

static _Thread_local struct guard_table resolved_table;

static void
resolved_drop(void *slot)
{
	struct resolved_slot *s = slot;
	free(s->key);
	free(s->out);
}

static struct resolved_slot *
resolved_slot(const char *key, size_t klen, time_t now, bool *fresh)
{
	static _Thread_local struct resolved_slot *memo;
	unsigned h = guard_table_hash(key, klen, 0);

	memo = guard_table_ready(memo, &resolved_table, sizeof(*memo), 64, RESOLVED_MEMO, resolved_drop);
	struct resolved_slot *s = &memo[h % resolved_table.n];
	*fresh = s->key && s->at == now && s->klen == klen && !memcmp(s->key, key, klen);
	return s;
}

static char *resolve_now(const char *base, const char *path, const char *home);

char *
guard_path_resolve(const char *base, const char *path, const char *home)
{
	char key[RESOLVED_KEY_MAX];
	const char *parts[3] = { base ? base : "", path, home ? home : "" };
	size_t klen = 0;
	struct timespec ts;
	bool fresh;

	/* base and home NULL are kept apart from "" by a flag byte */
	key[klen++] = (char)((base ? 1 : 0) | (home ? 2 : 0));
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(parts[i]) + 1;
		if (klen + n > sizeof(key))
			return resolve_now(base, path, home);
		memcpy(key + klen, parts[i], n);
		klen += n;
	}
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	struct resolved_slot *s = resolved_slot(key, klen, ts.tv_sec, &fresh);
	if (fresh)
		return guard_xstrdup(s->out);
	char *out = resolve_now(base, path, home);
	free(s->key);
	free(s->out);
	s->key = guard_xmalloc(klen);
	memcpy(s->key, key, klen);
	s->klen = klen;
	s->out = guard_xstrdup(out);
	s->at = ts.tv_sec;
	resolved_table.writes++;
	return out;
}

static char *
resolve_now(const char *base, const char *path, const char *home)
{
	char *norm = guard_path_lexical(base, path, home), *resolved = NULL;

	/*
	 * realpath(3) on the longest existing prefix, then the rest appended.
	 * Lexical ".." removal first is what a shell user means by "a/../b"
	 * unless a is a symlink; the symlink case is caught because the
	 * remaining prefix is resolved for real below.
	 */
	size_t n = strlen(norm);
	for (;;) {
		char saved = norm[n];
		norm[n] = '\0';
		resolved = n ? realpath_leaf(norm, 0) : realpath_cached("/");
		norm[n] = saved;
		if (resolved || n == 0)
			break;
		while (n > 0 && norm[n - 1] != '/')
			n--;
		if (n > 0)
			n--; /* drop the slash too */
	}
	if (!resolved)
		return norm;
	struct guard_buf out = GUARD_BUF_INIT;
	guard_buf_addstr(&out, resolved);
	if (norm[n]) {
		if (out.len > 1)
			guard_buf_addstr(&out, norm + n);
		else
			guard_buf_addstr(&out, norm + n + (norm[n] == '/'));
	}
	free(resolved);
	free(norm);
	/* The appended tail may hold ".." only if the input did; normalise again. */
	char *final = normalise(out.buf[0] == '/' ? out.buf : "/");
	guard_buf_release(&out);
	return final;
}

bool
guard_path_inside(const char *root, const char *abs)
{
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n == 1 && root[0] == '/')
		return abs[0] == '/';
	return !strncmp(root, abs, n) && (abs[n] == '\0' || abs[n] == '/');
}

char *
guard_path_display(const char *root, const char *abs)
{
	if (root && *root && guard_path_inside(root, abs)) {
		size_t n = strlen(root);
		while (n > 1 && root[n - 1] == '/')
			n--;
		if (n == 1)
			return guard_xstrdup(abs[1] ? abs + 1 : ".");
		return guard_xstrdup(abs[n] ? abs + n + 1 : ".");
	}
	return guard_xstrdup(abs);
}

static bool
exists(const char *dir, const char *name)
{
	struct stat st;
	char *p = guard_xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", name);
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

int
guard_project_root(const char *start, char **out)
{
	const char *env = getenv("GUARD_DIR");
	char *dir;

	*out = NULL;
	if (env && *env) {
		char *r = realpath(env, NULL);
		if (!r)
			return guard_error(GUARD_ENOTFOUND, "GUARD_DIR '%s': %s", env, strerror(errno));
		*out = r;
		return 0;
	}
	dir = realpath(start, NULL);
	if (!dir)
		dir = guard_path_resolve("/", start, NULL);
	char *cur = guard_xstrdup(dir);
	for (;;) {
		if (exists(cur, ".git") || exists(cur, ".ai/policy.yaml")) {
			free(dir);
			*out = cur;
			return 0;
		}
		char *slash = strrchr(cur, '/');
		if (!slash || slash == cur) {
			if (!strcmp(cur, "/"))
				break;
			cur[1] = '\0';
			continue;
		}
		*slash = '\0';
	}
	free(cur);
	*out = dir;
	return guard_error(GUARD_ENOTFOUND, "no project root (.git or .ai/policy.yaml) above '%s'", start);
}

/*
 * The project the agent's hooks were set up for, as the agent names it to
 * its hooks ($CLAUDE_PROJECT_DIR; Gemini CLI's $GEMINI_PROJECT_DIR): its
 * canonical folder when it holds .git or .ai/policy.yaml, else NULL.
 */
static char *
agent_project_dir(void)
{
	static const char *const names[] = { "CLAUDE_PROJECT_DIR", "GEMINI_PROJECT_DIR" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);
		char *dir = v && *v ? realpath(v, NULL) : NULL;
		if (dir && (exists(dir, ".git") || exists(dir, ".ai/policy.yaml")))
			return dir;
		free(dir);
	}
	return NULL;
}

int
guard_event_project_root(const char *cwd, char **out)
{
	const char *env = getenv("GUARD_DIR");
	char *agent = NULL;
	int rc;

	if (env && *env)
		return guard_project_root(cwd, out);
	/*
	 * The project the hook is installed for, wherever the call's folder is
	 * (G8): a cwd outside it (an added folder, "/", $HOME) neither moves
	 * guard's state nor makes that folder the project; a nested repository
	 * inside it is not another project (F26).
	 */
	if ((agent = agent_project_dir())) {
		*out = agent;
		return 0;
	}
	if ((rc = guard_project_root(cwd, out)) < 0)
		return rc;
	/* else the outermost repository with a policy above the nearest root: a nested .git is not another project */
	char *cur = guard_xstrdup(*out), *outer = NULL;
	for (char *slash; (slash = strrchr(cur, '/')) && slash != cur;) {
		*slash = '\0';
		if (exists(cur, ".git") && exists(cur, ".ai/policy.yaml")) {
			free(outer);
			outer = guard_xstrdup(cur);
		}
	}
	free(cur);
	if (outer) {
		free(*out);
		*out = outer;
	}
	return 0;
}
