/*
 * inject.so: make a system call fail on demand, to prove that guard fails
 * closed (STYLE.md habit 14; jq's src/inject_errors.c is the model).
 *
 *   LD_PRELOAD=build/inject.so GUARD_INJECT='write:1:*.jsonl' guard hook claude
 *
 * GUARD_INJECT is a comma-separated list of rules OP:N[+][:GLOB] (at most
 * 8); a rule it cannot read ends the process with exit 125.
 *   OP    open (open, openat, mkostemp)     fails with EACCES
 *         read (read, pread)                EIO
 *         write                             ENOSPC
 *         short (a write)                   writes the first half and returns that count
 *         fsync (fsync, fdatasync)          ENOSPC
 *         rename                            EIO
 *         flock                             ENOLCK
 *         ftruncate                         EIO
 *         malloc (malloc, calloc, realloc)  ENOMEM, returns NULL (GLOB is ignored)
 *         inotify (inotify_add_watch)       ENOSPC (the watch limit reached)
 *   N     the Nth matching call fails, counted from 1; "N+" fails it and every later one
 *   GLOB  fnmatch(3) on the absolute path, so "*" crosses "/"; any path when absent.
 *         A descriptor's path comes from /proc/self/fd; rename matches either name.
 * Each rule counts on its own; the first rule that fires decides the call.
 *
 * GUARD_INJECT_LOG=FILE appends "OP N PATH" for each failure injected, so
 * a test can tell that the failure it meant really happened (and a sweep
 * over N knows when it has passed the last call).
 *
 * Only calls made through the dynamic symbol are seen: libc's own inner
 * opens (fopen, opendir) and stdio's writes are not. The shim's own work
 * (readlink, fnmatch, the log) is not counted. Under ASan, preload it with
 * ASAN_OPTIONS=verify_asan_link_order=0: it must come before the runtime.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <unistd.h>

enum op { OP_OPEN, OP_READ, OP_WRITE, OP_SHORT, OP_FSYNC, OP_RENAME, OP_FLOCK, OP_FTRUNCATE, OP_MALLOC, OP_INOTIFY,
	  OP_N };

static const struct {
	const char *name;
	int err;
} ops[OP_N] = {
	[OP_OPEN] = { "open", EACCES },       [OP_READ] = { "read", EIO },
	[OP_WRITE] = { "write", ENOSPC },     [OP_SHORT] = { "short", 0 },
	[OP_FSYNC] = { "fsync", ENOSPC },     [OP_RENAME] = { "rename", EIO },
	[OP_FLOCK] = { "flock", ENOLCK },     [OP_FTRUNCATE] = { "ftruncate", EIO },
	[OP_MALLOC] = { "malloc", ENOMEM },   [OP_INOTIFY] = { "inotify", ENOSPC },
};

#define MAX_RULES 8

struct rule {
	enum op op;
	unsigned long nth;
	bool and_later;
	char glob[PATH_MAX];      /* "" matches any path */
	unsigned long seen;       /* matching calls so far (atomic) */
};

static struct rule rules[MAX_RULES];
static int nrules;

/* Set while the shim itself works, so its own calls pass and are not counted. */
static __thread volatile int busy __attribute__((tls_model("initial-exec")));

/* The real functions, found on first use. */
#define REAL(ret, name, args) static ret(*real_##name) args
REAL(int, open, (const char *, int, ...));
REAL(int, openat, (int, const char *, int, ...));
REAL(int, mkostemp, (char *, int));
REAL(ssize_t, read, (int, void *, size_t));
REAL(ssize_t, pread, (int, void *, size_t, off_t));
REAL(ssize_t, write, (int, const void *, size_t));
REAL(int, fsync, (int));
REAL(int, fdatasync, (int));
REAL(int, rename, (const char *, const char *));
REAL(int, renameat, (int, const char *, int, const char *));
REAL(int, flock, (int, int));
REAL(int, ftruncate, (int, off_t));
REAL(int, inotify_add_watch, (int, const char *, uint32_t));
REAL(void *, malloc, (size_t));
REAL(void *, calloc, (size_t, size_t));
REAL(void *, realloc, (void *, size_t));
REAL(void, free, (void *));

#define RESOLVE(name) ({ if (!real_##name) real_##name = resolve(#name); real_##name; })

/*
 * dlsym may itself allocate (calloc for its error state): while it runs,
 * allocations come from this pool, which free() then ignores.
 */
static _Alignas(16) char pool[8192];
static size_t pool_used;
static __thread volatile int resolving __attribute__((tls_model("initial-exec")));

static void *
pool_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(pool) - pool_used)
		return NULL;
	void *p = pool + pool_used;
	pool_used += n;
	return p; /* static, so already zero: fine for calloc */
}

static bool
in_pool(const void *p)
{
	return (const char *)p >= pool && (const char *)p < pool + sizeof(pool);
}

static void *
resolve(const char *name)
{
	resolving++;
	void *f = dlsym(RTLD_NEXT, name);
	resolving--;
	if (!f) {
		static const char msg[] = "inject.so: a real function is missing\n";
		if (write(2, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to say */
		}
		_exit(125);
	}
	return f;
}

/*
 * Read at load time, when the process is single-threaded. Calls made
 * before this (a sanitizer runtime starting up) pass untouched.
 */
__attribute__((constructor)) static void
parse_rules(void)
{
	const char *all = getenv("GUARD_INJECT"), *s = all;

	busy++;
	while (s && *s) {
		struct rule *r = &rules[nrules];
		if (nrules == MAX_RULES)
			goto bad;
		size_t len = strcspn(s, ":,");
		int i;

		for (i = 0; i < OP_N; i++)
			if (strlen(ops[i].name) == len && !strncmp(s, ops[i].name, len))
				break;
		s += len;
		if (i == OP_N || *s != ':')
			goto bad;
		r->op = (enum op)i;
		char *end;
		r->nth = strtoul(s + 1, &end, 10);
		if (end == s + 1 || r->nth == 0)
			goto bad;
		s = end;
		if (*s == '+') {
			r->and_later = true;
			s++;
		}
		if (*s == ':') {
			len = strcspn(++s, ",");
			if (len >= sizeof(r->glob))
				goto bad;
			memcpy(r->glob, s, len);
			s += len;
		}
		if (*s && *s != ',')
			goto bad;
		if (*s)
			s++;
		nrules++;
	}
	busy--;
	return;
bad:
	fprintf(stderr, "inject.so: cannot read GUARD_INJECT='%s' (OP:N[+][:GLOB],...)\n", all);
	_exit(125);
}

static void
inject_log(const struct rule *r, unsigned long n, const char *path)
{
	const char *log = getenv("GUARD_INJECT_LOG");
	char line[PATH_MAX + 64];

	if (!log || !*log)
		return;
	int len = snprintf(line, sizeof(line), "%s %lu %s\n", ops[r->op].name, n, path ? path : "-");
	int fd = RESOLVE(open)(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (RESOLVE(write)(fd, line, (size_t)len) < 0) {
			/* a test that reads the log will see it missing */
		}
		close(fd);
	}
}

/* The path of a descriptor, "" when it has none. */
static void
fd_path(int fd, char out[PATH_MAX])
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, out, PATH_MAX - 1);
	out[n > 0 ? n : 0] = '\0';
}

/* path as an absolute path, relative paths taken from dirfd. */
static void
abs_path(int dirfd, const char *path, char out[PATH_MAX])
{
	char dir[PATH_MAX];

	if (path[0] == '/') {
		snprintf(out, PATH_MAX, "%s", path);
		return;
	}
	if (dirfd == AT_FDCWD) {
		if (!getcwd(dir, sizeof(dir)))
			dir[0] = '\0';
	} else {
		fd_path(dirfd, dir);
	}
	snprintf(out, PATH_MAX, "%s/%s", dir, path);
}

/*
 * Should this call fail? path and path2 (for rename) may be NULL. Returns
 * the rule that fires, or NULL.
 */
static const struct rule *
should_fail(enum op op, const char *path, const char *path2)
{
	const struct rule *hit = NULL;

	for (int i = 0; i < nrules; i++) {
		struct rule *r = &rules[i];
		bool write_kind = op == OP_WRITE && r->op == OP_SHORT;
		if (r->op != op && !write_kind)
			continue;
		if (r->glob[0] && op != OP_MALLOC && !(path && !fnmatch(r->glob, path, 0)) &&
		    !(path2 && !fnmatch(r->glob, path2, 0)))
			continue;
		unsigned long n = __atomic_add_fetch(&r->seen, 1, __ATOMIC_SEQ_CST);
		if (!hit && (n == r->nth || (r->and_later && n > r->nth))) {
			hit = r;
			inject_log(r, n, path);
		}
	}
	return hit;
}

static bool
have_rule(enum op op)
{
	for (int i = 0; i < nrules; i++)
		if (rules[i].op == op || (op == OP_WRITE && rules[i].op == OP_SHORT))
			return true;
	return false;
}

/* A rule for this fd-based call fires: errno set, and the rule returned. */
static const struct rule *
fd_fails(enum op op, int fd)
{
	char path[PATH_MAX];

	if (busy || !have_rule(op))
		return NULL;
	busy++;
	fd_path(fd, path);
	const struct rule *r = should_fail(op, path, NULL);
	busy--;
	return r;
}

static const struct rule *
path_fails(enum op op, int dirfd, const char *p1, int dirfd2, const char *p2)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (busy || !have_rule(op))
		return NULL;
	busy++;
	abs_path(dirfd, p1, a);
	if (p2)
		abs_path(dirfd2, p2, b);
	const struct rule *r = should_fail(op, a, p2 ? b : NULL);
	busy--;
	return r;
}

#define FAIL_WITH(r) (errno = ops[(r)->op].err, -1)

/* ---------------------------------------------------------------- open */

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_arg(flags, ap);
	va_end(ap);
	const struct rule *r = path_fails(OP_OPEN, AT_FDCWD, path, 0, NULL);
	return r ? FAIL_WITH(r) : RESOLVE(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_arg(flags, ap);
	va_end(ap);
	const struct rule *r = path_fails(OP_OPEN, dirfd, path, 0, NULL);
	return r ? FAIL_WITH(r) : RESOLVE(openat)(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

/* guard's temporary files: the template, XXXXXX and all, is the path matched */
int
mkostemp(char *template, int flags)
{
	const struct rule *r = path_fails(OP_OPEN, AT_FDCWD, template, 0, NULL);
	return r ? FAIL_WITH(r) : RESOLVE(mkostemp)(template, flags);
}

/* ---------------------------------------------------------------- fd calls */

ssize_t
read(int fd, void *buf, size_t n)
{
	const struct rule *r = fd_fails(OP_READ, fd);
	return r ? FAIL_WITH(r) : RESOLVE(read)(fd, buf, n);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	const struct rule *r = fd_fails(OP_READ, fd);
	return r ? FAIL_WITH(r) : RESOLVE(pread)(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off) __attribute__((alias("pread")));

ssize_t
write(int fd, const void *buf, size_t n)
{
	const struct rule *r = fd_fails(OP_WRITE, fd);
	if (r && r->op == OP_SHORT)
		return RESOLVE(write)(fd, buf, n > 1 ? n / 2 : n); /* the disk filled up mid-record */
	return r ? FAIL_WITH(r) : RESOLVE(write)(fd, buf, n);
}

int
fsync(int fd)
{
	const struct rule *r = fd_fails(OP_FSYNC, fd);
	return r ? FAIL_WITH(r) : RESOLVE(fsync)(fd);
}

int
fdatasync(int fd)
{
	const struct rule *r = fd_fails(OP_FSYNC, fd);
	return r ? FAIL_WITH(r) : RESOLVE(fdatasync)(fd);
}

int
flock(int fd, int how)
{
	/* releasing a lock never fails: only taking one is tested */
	const struct rule *r = (how & LOCK_UN) ? NULL : fd_fails(OP_FLOCK, fd);
	return r ? FAIL_WITH(r) : RESOLVE(flock)(fd, how);
}

int
ftruncate(int fd, off_t len)
{
	const struct rule *r = fd_fails(OP_FTRUNCATE, fd);
	return r ? FAIL_WITH(r) : RESOLVE(ftruncate)(fd, len);
}

int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

/* ---------------------------------------------------------------- rename */

int
rename(const char *from, const char *to)
{
	const struct rule *r = path_fails(OP_RENAME, AT_FDCWD, from, AT_FDCWD, to);
	return r ? FAIL_WITH(r) : RESOLVE(rename)(from, to);
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	const struct rule *r = path_fails(OP_RENAME, fromfd, from, tofd, to);
	return r ? FAIL_WITH(r) : RESOLVE(renameat)(fromfd, from, tofd, to);
}

/* ---------------------------------------------------------------- inotify */

int
inotify_add_watch(int fd, const char *path, uint32_t mask)
{
	const struct rule *r = path_fails(OP_INOTIFY, AT_FDCWD, path, 0, NULL);
	return r ? FAIL_WITH(r) : RESOLVE(inotify_add_watch)(fd, path, mask);
}

/* ---------------------------------------------------------------- malloc */

static bool
malloc_fails(void)
{
	if (busy || resolving)
		return false;
	busy++;
	bool fail = have_rule(OP_MALLOC) && should_fail(OP_MALLOC, NULL, NULL);
	busy--;
	return fail;
}

void *
malloc(size_t n)
{
	if (resolving)
		return pool_alloc(n);
	if (malloc_fails())
		return errno = ENOMEM, NULL;
	return RESOLVE(malloc)(n);
}

void *
calloc(size_t n, size_t size)
{
	if (resolving)
		return size && n > SIZE_MAX / size ? NULL : pool_alloc(n * size);
	if (malloc_fails())
		return errno = ENOMEM, NULL;
	return RESOLVE(calloc)(n, size);
}

void *
realloc(void *p, size_t n)
{
	if (resolving)
		return in_pool(p) || !p ? pool_alloc(n) : NULL;
	if (malloc_fails())
		return errno = ENOMEM, NULL;
	if (in_pool(p)) {
		/* a block from the pool outlives dlsym: move it to the heap */
		void *q = RESOLVE(malloc)(n);
		size_t room = (size_t)(pool + sizeof(pool) - (char *)p);
		if (q)
			memcpy(q, p, n < room ? n : room);
		return q;
	}
	return RESOLVE(realloc)(p, n);
}

void
free(void *p)
{
	if (!p || in_pool(p))
		return;
	if (!real_free && resolving)
		return; /* dlsym freeing its old error text while free is being found: leak it */
	RESOLVE(free)(p);
}
