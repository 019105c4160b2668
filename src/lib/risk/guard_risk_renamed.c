/*
 * A program the analyzer knows, run under another name (attack5 F13):
 * `cp /usr/bin/systemd-tmpfiles src/tf2` in one call, `src/tf2 --remove
 * x.conf` in a later one; `ln -s /bin/rm src/del2` then `src/del2 -rf
 * .a[i]`. The file a command runs (its path, or the first hit on PATH for
 * a name the tables do not know) is identified by what it is, not by its
 * name: a symbolic link by where it leads, a hard link by device and
 * inode, a copy by size and then bytes, against the known programs in the
 * system's program folders. The command is then rated as that program
 * too. Unknown executables stay as they were. The same-line copy (cp X y
 * && ./y) is followed by guard_risk_run.c; guard's own programs by
 * guard_risk_guard.c.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <threads.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define RENAMED_MAX (64u << 20) /* bytes of a copy compared with a known program */
#define RENAMED_CMP 4           /* known programs of the same size compared, at most */
#define RENAMED_CACHE 16        /* files identified, remembered for the call */

struct known {
	dev_t dev;
	ino_t ino;
	off_t size;
	const char *name; /* its file name, a name the analyzer models (kept for the life of the process) */
	char *path;       /* kept for the life of the process */
};

/* Programs rated by name outside the verb tables (guard_risk_conf.c's config-driven writers). */
static const char *const modeled[] = { "systemd-tmpfiles", "logrotate", NULL };

/* Does the analyzer model a program so named? */
static bool
modeled_name(const char *name)
{
	for (size_t i = 0; modeled[i]; i++)
		if (!strcmp(modeled[i], name))
			return true;
	return risk_verb_known(name);
}

static struct known *known;
static size_t nknown;
static once_flag known_once = ONCE_FLAG_INIT;

/*
 * Every program the analyzer models, in the system's program folders
 * (each folder once: /bin is /usr/bin on a merged system): each folder
 * listed, and only the files it models looked at. Once a process, and
 * only when a file must be identified.
 */
static void
known_build(void)
{
	static const char *const dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin",
					    "/bin", NULL };
	char seen[6][PATH_MAX];
	size_t nseen = 0, alloc = 0;

	for (size_t d = 0; dirs[d]; d++) {
		char real[PATH_MAX];
		bool dup = false;
		DIR *dir;
		struct dirent *e;
		if (!realpath(dirs[d], real))
			continue;
		for (size_t k = 0; k < nseen; k++)
			dup = dup || !strcmp(seen[k], real);
		if (dup || !(dir = opendir(real)))
			continue;
		snprintf(seen[nseen++], PATH_MAX, "%s", real);
		while ((e = readdir(dir)) != NULL) {
			char path[PATH_MAX];
			struct stat sb;
			if (e->d_name[0] == '.' || !modeled_name(e->d_name) ||
			    snprintf(path, sizeof(path), "%s/%s", real, e->d_name) >= (int)sizeof(path) ||
			    stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
				continue;
			bool same = false;
			for (size_t k = 0; k < nknown && !same; k++)
				same = known[k].dev == sb.st_dev && known[k].ino == sb.st_ino;
			if (same)
				continue;
			if (nknown == alloc)
				known = guard_xrealloc(known, (alloc = alloc ? 2 * alloc : 256) * sizeof(*known));
			known[nknown++] = (struct known){ sb.st_dev, sb.st_ino, sb.st_size, guard_xstrdup(e->d_name),
							  guard_xstrdup(path) };
		}
		closedir(dir);
	}
}

/* Does the file start as a program the kernel loads (ELF)? Scripts are read for their text elsewhere. */
static bool
is_elf(const char *path)
{
	char head[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool elf = fd >= 0 && read(fd, head, 4) == 4 && !memcmp(head, "\177ELF", 4);

	if (fd >= 0)
		close(fd);
	return elf;
}

/* The known program whose bytes the regular file at path (size bytes) holds, or NULL. */
static const struct known *
copy_of(const char *path, off_t size)
{
	char *data = NULL, *other = NULL;
	size_t len = 0, olen = 0, tried = 0;
	const struct known *found = NULL;

	if (size <= 0 || size > (off_t)RENAMED_MAX)
		return NULL;
	for (size_t i = 0; i < nknown && !found && tried < RENAMED_CMP; i++) {
		if (known[i].size != size)
			continue;
		tried++;
		if (!data && risk_memo_read(path, RENAMED_MAX, &data, &len) < 0)
			break;
		if (risk_memo_read(known[i].path, RENAMED_MAX, &other, &olen) == 0 && olen == len &&
		    !memcmp(data, other, len))
			found = &known[i];
		free(other);
		other = NULL;
	}
	guard_error_clear();
	free(data);
	return found;
}

/* The files identified in this call: device, inode, size and change time to the answer. */
static _Thread_local struct {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec ctime;
	const char *name; /* static: a table name, or NULL */
	char how;         /* 'l' a symbolic link, 'h' a hard link, 'c' a copy */
} cache[RENAMED_CACHE];
static _Thread_local size_t ncache;
static _Thread_local char cache_names[RENAMED_CACHE][64]; /* names found through a link's target */

/*
 * What the file at abs is: the name of a known program (static) and how
 * (into *how), or NULL. A program folder's own file is itself.
 */
static const char *
identify(const char *abs, const char *lexical, char *how)
{
	struct stat sb, lsb;
	char real[PATH_MAX];

	if (risk_memo_stat(abs, &sb) < 0 || !S_ISREG(sb.st_mode) || !(sb.st_mode & 0111) || !realpath(abs, real))
		return NULL;
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].dev == sb.st_dev && cache[i].ino == sb.st_ino && cache[i].size == sb.st_size &&
		    cache[i].ctime.tv_sec == sb.st_ctim.tv_sec && cache[i].ctime.tv_nsec == sb.st_ctim.tv_nsec) {
			*how = cache[i].how;
			return cache[i].name;
		}
	const char *name = NULL;
	bool linked = risk_memo_lstat(lexical, &lsb) == 0 && S_ISLNK(lsb.st_mode);
	*how = linked ? 'l' : 'h';
	if (is_elf(real)) {
		call_once(&known_once, known_build);
		for (size_t i = 0; i < nknown && !name; i++)
			if (known[i].dev == sb.st_dev && known[i].ino == sb.st_ino)
				name = known[i].name;
		const struct known *k = name ? NULL : copy_of(real, sb.st_size);
		if (k) {
			name = k->name;
			*how = 'c';
		}
	}
	if (!name) {
		/* a link to a known program outside the folders (or a script): by the name it leads to */
		if (linked && modeled_name(risk_basename(real)))
			name = risk_basename(real);
	}
	size_t slot = ncache < RENAMED_CACHE ? ncache++ : 0;
	if (name && name == risk_basename(real)) {
		snprintf(cache_names[slot], sizeof(cache_names[slot]), "%s", name);
		name = cache_names[slot];
	}
	cache[slot].dev = sb.st_dev;
	cache[slot].ino = sb.st_ino;
	cache[slot].size = sb.st_size;
	cache[slot].ctime = sb.st_ctim;
	cache[slot].name = name;
	cache[slot].how = *how;
	return name;
}

/* Where a name the tables do not know runs from: the first executable on PATH (owned), or NULL. */
static char *
on_path(const char *word)
{
	const char *path = getenv("PATH");

	for (const char *p = path; p && *p;) {
		size_t len = strcspn(p, ":");
		if (len && p[0] == '/') {
			char *file = guard_xasprintf("%.*s/%s", (int)len, p, word);
			if (risk_memo_access(file, X_OK) == 0)
				return file;
			free(file);
		}
		p += len + (p[len] == ':');
	}
	return NULL;
}

bool
risk_renamed_program(struct risk_state *st, struct risk_cmd *c, bool known_verb)
{
	const struct guard_shell_word *w = &c->argv[0];
	bool path = strchr(w->text, '/') != NULL;
	char how = 0;

	if (st->remote || (w->flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_GLOB)) || (!path && known_verb))
		return false;
	char *abs = path ? guard_path_resolve(st->cwds[0], w->text, st->ctx->home) : on_path(w->text);
	/* the word as written below its folder: is the name itself a symbolic link? */
	char *lexical = !path || w->text[0] == '/' ? NULL : guard_xasprintf("%s/%s", st->cwds[0], w->text);
	const char *as = abs ? identify(abs, lexical ? lexical : path ? w->text : abs, &how) : NULL;
	free(lexical);
	free(abs);
	if (!as || !strcmp(as, c->name) || (known_verb && risk_verb_alike(as, c->name)))
		return false;
	const char *what = how == 'l' ? "a symbolic link to" : how == 'h' ? "a hard link to" : "a copy of";
	if (known_verb)
		risk_explain(st, "    %s is %s %s: rated as that too", w->text, what, as);
	else
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s is %s %s: rated as %s", w->text, what, as, as);
	risk_analyse_as(st, c, as);
	return !known_verb;
}
