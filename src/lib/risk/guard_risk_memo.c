/*
 * The file system as the analyzer looks at it, with a one-second memory
 * (as guard_path_resolve's realpath): a stream rates the same commands in
 * the same project again and again, and each look (a stat, an access on
 * every $PATH folder, a folder listed, a Makefile read) is a system call
 * that costs more than the rest of the analysis of an event. An answer is
 * reused within the same second of the monotonic clock only, so a change
 * is seen again almost at once; any answer is already stale the moment it
 * is given (the action runs after the analysis). Only a stream turns it on
 * (guard_risk_memo_stream, from cli_filter): a hook call, a test or an
 * explain rates with what the file system says now.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_hash.h"
#include "guard_file.h"
#include "guard_risk_int.h"
#include "guard_time.h"

#define MEMO_SLOTS 4096 /* at most (64 at first: guard_table_ready) */
#define MEMO_READ_MAX (64u << 10) /* files larger than this are read every time */
#define MEMO_DIR_MAX 512          /* folders with more entries are listed every time */

enum memo_kind { MEMO_STAT = 1, MEMO_LSTAT, MEMO_ACCESS, MEMO_READ, MEMO_DIR };

/* A folder's names, shared by the memory and the listings in progress. */
struct memo_names {
	size_t refs, n;
	struct memo_name {
		ino_t ino;
		unsigned char type;
		char *name;
	} *at;
};

struct memo {
	char *path;      /* NULL: empty slot */
	int kind, mode;  /* mode: access(2)'s, or the read's bound */
	time_t at;       /* second of CLOCK_MONOTONIC_COARSE */
	int rc, err;     /* the call's result and errno */
	struct stat sb;
	char *data;      /* MEMO_READ */
	size_t len;
	struct memo_names *names; /* MEMO_DIR */
};

/* slots made on first use: a hook call touches a few, not a table's worth of pages */
static _Thread_local struct memo **memo; /* a table of slot pointers, grown up to MEMO_SLOTS */
static _Thread_local struct guard_table memo_table;
static _Thread_local bool memo_on;

void
guard_risk_memo_stream(bool on)
{
	memo_on = on;
}

static void
names_put(struct memo_names *n)
{
	if (!n || --n->refs)
		return;
	for (size_t i = 0; i < n->n; i++)
		free(n->at[i].name);
	free(n->at);
	free(n);
}

static time_t
now_sec(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return now.tv_sec;
}

bool
risk_memo_second(time_t *now)
{
	if (memo_on)
		*now = now_sec();
	return memo_on;
}

static void
memo_drop(void *at)
{
	struct memo *m = *(struct memo **)at;

	if (!m)
		return;
	free(m->path);
	free(m->data);
	names_put(m->names); /* a listing in progress holds its own reference */
	free(m);
}

/* The slot for (kind, mode, path): *fresh when it holds a current answer. */
static struct memo *
slot(int kind, int mode, const char *path, bool *fresh)
{
	unsigned h = guard_table_hash(path, strlen(path), (uint64_t)kind << 32 | (unsigned)mode);
	time_t now = now_sec();

	memo = guard_table_ready(memo, &memo_table, sizeof(*memo), 64, MEMO_SLOTS, memo_drop);
	struct memo **at = &memo[h % memo_table.n];
	if (!*at)
		*at = guard_xcalloc(1, sizeof(**at));
	struct memo *m = *at;
	*fresh = m->path && m->kind == kind && m->mode == mode && m->at == now && !strcmp(m->path, path);
	if (*fresh)
		return m;
	free(m->path);
	free(m->data);
	names_put(m->names);
	memset(m, 0, sizeof(*m));
	m->path = guard_xstrdup(path);
	m->kind = kind;
	m->mode = mode;
	m->at = now;
	memo_table.writes++;
	return m;
}

static int
answer(const struct memo *m)
{
	errno = m->err;
	return m->rc;
}

/* stat(2) (kind MEMO_STAT) or lstat(2) (MEMO_LSTAT) */
static int
memo_stat(int kind, const char *path, struct stat *sb)
{
	int (*call)(const char *, struct stat *) = kind == MEMO_STAT ? stat : lstat;
	bool fresh;

	if (!memo_on)
		return call(path, sb);
	struct memo *m = slot(kind, 0, path, &fresh);
	if (!fresh) {
		m->rc = call(path, &m->sb);
		m->err = m->rc < 0 ? errno : 0;
	}
	*sb = m->sb;
	return answer(m);
}

int
risk_memo_stat(const char *path, struct stat *sb)
{
	return memo_stat(MEMO_STAT, path, sb);
}

int
risk_memo_lstat(const char *path, struct stat *sb)
{
	return memo_stat(MEMO_LSTAT, path, sb);
}

int
guard_risk_memo_stat(const char *path, struct stat *sb)
{
	return memo_stat(MEMO_STAT, path, sb);
}

bool
risk_memo_absent(const char *path)
{
	struct stat sb;

	return memo_on && memo_stat(MEMO_STAT, path, &sb) < 0 && (errno == ENOENT || errno == ENOTDIR);
}

int
risk_memo_access(const char *path, int mode)
{
	bool fresh;

	if (!memo_on)
		return access(path, mode);
	struct memo *m = slot(MEMO_ACCESS, mode, path, &fresh);

	if (!fresh) {
		m->rc = access(path, mode);
		m->err = m->rc < 0 ? errno : 0;
	}
	return answer(m);
}

/*
 * guard_file_read(path, max, 0, ...) for the analyzer's reads of programs
 * (a Makefile, package.json, a script): 0 with a copy of the bytes, or -1
 * (the error is not kept: the analyzer only asks whether it could read).
 */
int
risk_memo_read(const char *path, size_t max, char **data, size_t *len)
{
	bool fresh;

	if (!risk_walk_read(0))
		return -1;
	if (!memo_on) {
		int rc = guard_file_read(path, max, 0, data, len) < 0 ? -1 : 0;
		guard_error_clear();
		if (rc == 0)
			risk_walk_read(*len);
		return rc;
	}
	struct memo *m = slot(MEMO_READ, (int)(max > INT_MAX ? INT_MAX : max), path, &fresh);

	if (!fresh) {
		m->rc = guard_file_read(path, max, 0, &m->data, &m->len) < 0 ? -1 : 0;
		guard_error_clear();
		if (m->rc == 0)
			risk_walk_read(m->len);
		if (m->rc == 0 && m->len > MEMO_READ_MAX) {
			/* too big to keep: hand it over and forget it */
			*data = m->data, *len = m->len;
			m->data = NULL;
			free(m->path);
			m->path = NULL;
			return 0;
		}
	}
	if (m->rc < 0)
		return -1;
	*data = guard_xmalloc(m->len + 1);
	memcpy(*data, m->data, m->len + 1);
	*len = m->len;
	return 0;
}

/* ---- the rating's budget ----------------------------------------------- */

/*
 * One rating (one payload, whatever it holds: several lines, heredocs,
 * nested shells, functions rated at each call) may open folders and read
 * their entries WALK_ENTRIES times in all, check WALK_MATCHES glob
 * matches one by one and read WALK_BYTES of files (scripts, archives,
 * patches, configs), shared by every word, pattern, folder reader and
 * file (attack9 J17: a bound per word let many patterns hold the hook for
 * minutes). Past it the walks stop and the call is not fully analysed;
 * past the call's deadline (guard_deadline_set) they stop too, and the
 * rating fails. Outside a rating nothing is counted.
 */
#define WALK_ENTRIES 50000
#define WALK_MATCHES 2048
#define WALK_BYTES (128ul << 20)
#define WALK_KEPT 256 /* expansions kept for a repeat of their pattern */

struct kept_glob {
	char *key; /* "FLAGS PATTERN" */
	struct guard_list paths;
	bool cut;
};

static _Thread_local struct {
	bool on;
	unsigned long entries, matches, bytes; /* left */
	bool cut, cut_here;             /* the budget stopped a walk: in the rating, in this expansion */
	bool expired;
	struct kept_glob *kept;
	size_t nkept, kept_cap;
} walk;

static void
walk_forget(void)
{
	for (size_t i = 0; i < walk.nkept; i++) {
		free(walk.kept[i].key);
		guard_list_clear(&walk.kept[i].paths);
	}
	free(walk.kept);
	memset(&walk, 0, sizeof(walk));
}

void
risk_walk_start(void)
{
	walk_forget();
	walk.on = true;
	walk.entries = WALK_ENTRIES;
	walk.matches = WALK_MATCHES;
	walk.bytes = WALK_BYTES;
}

bool
risk_walk_expired(void)
{
	return walk.on && (walk.expired || (walk.expired = guard_deadline_past()));
}

/* One more folder opened or entry read: false when the budget or the deadline says stop. */
static bool
walk_charge(void)
{
	if (!walk.on)
		return true;
	if (risk_walk_expired())
		return false;
	if (!walk.entries) {
		walk.cut = walk.cut_here = true;
		return false;
	}
	walk.entries--;
	return true;
}

bool
risk_walk_match(void)
{
	if (!walk.on)
		return true;
	if (!walk.matches || risk_walk_expired()) {
		walk.cut = walk.cut_here = true;
		return false;
	}
	walk.matches--;
	return true;
}

bool
risk_walk_read(size_t n)
{
	if (!walk.on)
		return true;
	if (!walk.bytes || risk_walk_expired()) {
		walk.cut = true;
		return false;
	}
	walk.bytes -= n < walk.bytes ? n : walk.bytes;
	return true;
}

int
risk_walk_finish(struct risk_state *st)
{
	bool expired = risk_walk_expired(), cut = walk.cut;

	walk_forget();
	if (expired) {
		risk_unparsed(st, "the analysis ran past the hook's deadline");
		return guard_error(GUARD_EEXPIRED, "the analysis of the call did not finish in time (its patterns, "
				   "folders or files take too long to look at before the agent stops waiting)");
	}
	if (cut)
		risk_unparsed(st, "its patterns, folder readers and files reach more than %d folder entries, %d "
			      "matches or %lu MiB in all; the rest was not looked at", WALK_ENTRIES, WALK_MATCHES,
			      WALK_BYTES >> 20);
	return 0;
}

/* from's items from index start on, appended to to */
static void
add_from(struct guard_list *to, const struct guard_list *from, size_t start)
{
	for (size_t i = start; i < from->len; i++)
		guard_list_add(to, from->items[i]);
}

bool
risk_glob(const char *pattern, int flags, struct guard_list *out)
{
	char *key = guard_xasprintf("%d %s", flags, pattern);
	size_t from = out->len;
	glob_t g;

	for (size_t i = 0; i < walk.nkept; i++)
		if (!strcmp(walk.kept[i].key, key)) {
			free(key);
			add_from(out, &walk.kept[i].paths, 0);
			return !walk.kept[i].cut;
		}
	memset(&g, 0, sizeof(g));
	g.gl_opendir = risk_memo_opendir;
	g.gl_readdir = risk_memo_readdir;
	g.gl_closedir = risk_memo_closedir;
	g.gl_lstat = risk_memo_lstat;
	g.gl_stat = risk_memo_stat;
	walk.cut_here = false;
	if (glob(pattern, flags | GLOB_ALTDIRFUNC, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			guard_list_add(out, g.gl_pathv[i]);
	globfree(&g);
	bool whole = !walk.cut_here && !risk_walk_expired();
	if (walk.on && walk.nkept < WALK_KEPT) {
		/* grown as patterns come: most ratings expand one or two, and 256 cleared slots cost 10 k instructions */
		if (walk.nkept == walk.kept_cap) {
			walk.kept_cap = walk.kept_cap ? walk.kept_cap * 4 : 4;
			walk.kept = guard_xrealloc(walk.kept, walk.kept_cap * sizeof(*walk.kept));
		}
		struct kept_glob *k = &walk.kept[walk.nkept++];
		memset(k, 0, sizeof(*k));
		k->key = key;
		add_from(&k->paths, out, from);
		k->cut = !whole;
	} else {
		free(key);
	}
	return whole;
}

/* ---- folders ----------------------------------------------------------- */

struct risk_memo_dir {
	struct memo_names *names; /* from the memory, or NULL: */
	DIR *d;                   /* a folder too big to keep, read as it goes */
	size_t next;
	struct dirent ent;
};

static struct memo_names *
list_names(const char *path, int *err)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct memo_names *n;

	if (!d) {
		*err = errno;
		return NULL;
	}
	n = guard_xmalloc(sizeof(*n));
	n->refs = 1;
	n->n = 0;
	n->at = NULL;
	size_t cap = 0;
	while ((e = readdir(d))) {
		if (n->n == MEMO_DIR_MAX) {
			closedir(d);
			names_put(n);
			*err = 0;
			return NULL;
		}
		if (n->n == cap) {
			cap = cap ? cap * 2 : 16;
			n->at = guard_xrealloc(n->at, cap * sizeof(*n->at));
		}
		n->at[n->n].ino = e->d_ino;
		n->at[n->n].type = e->d_type;
		n->at[n->n].name = guard_xstrdup(e->d_name);
		n->n++;
	}
	closedir(d);
	return n;
}

void *
risk_memo_opendir(const char *path)
{
	bool fresh;
	struct memo *m;
	struct risk_memo_dir *it;

	if (!walk_charge())
		return errno = EACCES, NULL;
	m = memo_on ? slot(MEMO_DIR, 0, path, &fresh) : NULL;
	if (!m) {
		DIR *d = opendir(path);
		if (!d)
			return NULL;
		it = guard_xcalloc(1, sizeof(*it));
		it->d = d;
		return it;
	}
	if (!fresh) {
		int err = 0;
		m->names = list_names(path, &err);
		m->rc = m->names || !err ? 0 : -1;
		m->err = err;
	}
	if (m->rc < 0)
		return errno = m->err, NULL;
	it = guard_xmalloc(sizeof(*it));
	memset(it, 0, sizeof(*it));
	if (m->names) {
		it->names = m->names;
		m->names->refs++;
	} else if (!(it->d = opendir(path))) {
		free(it);
		return NULL;
	}
	return it;
}

struct dirent *
risk_memo_readdir(void *dir)
{
	struct risk_memo_dir *it = dir;

	if (!walk_charge())
		return NULL;
	if (it->d)
		return readdir(it->d);
	if (it->next == it->names->n)
		return NULL;
	const struct memo_name *e = &it->names->at[it->next++];
	it->ent.d_ino = e->ino;
	it->ent.d_type = e->type;
	size_t n = strlen(e->name);
	if (n >= sizeof(it->ent.d_name))
		n = sizeof(it->ent.d_name) - 1; /* cut like snprintf (readdir's names fit) */
	memcpy(it->ent.d_name, e->name, n);
	it->ent.d_name[n] = '\0';
	return &it->ent;
}

void
risk_memo_closedir(void *dir)
{
	struct risk_memo_dir *it = dir;

	if (!it)
		return;
	if (it->d)
		closedir(it->d);
	names_put(it->names);
	free(it);
}
