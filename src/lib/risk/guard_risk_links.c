/*
 * Writes through a hard link (attacker's finding N2, share/doc/trust.md
 * section 2): `cp -l .ai/policy.yaml src/p` makes src/p the policy under
 * another name, and a write to src/p rewrites the policy. The name says
 * nothing; the inode does. A file written with more than one name is
 * compared, by device and inode, with every file of guard's state (the
 * protected_paths list, walked where it names folders); a match is
 * guard's state written.
 */
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define LINK_WALK_MAX 4000 /* entries read per check: guard's folders stay small */
#define LINK_WALK_DEPTH 6

struct link_walk {
	const struct risk_state *st;
	const char *target; /* the file written (physical): its own name is not "another name" */
	dev_t dev;
	ino_t ino;
	unsigned budget;
	char *found; /* display name of the state file sharing the inode (owned) */
};

/* abs (lstat'ed as sb) shares the inode and is guard's state: remember it. */
static void
link_try(struct link_walk *w, const char *abs, const struct stat *sb)
{
	if (w->found || !S_ISREG(sb->st_mode) || sb->st_dev != w->dev || sb->st_ino != w->ino ||
	    !strcmp(abs, w->target))
		return;
	char *display = guard_path_display(w->st->ctx->project, abs);
	if (risk_is_protected(w->st, display, abs))
		w->found = display;
	else
		free(display);
}

static void
link_walk_dir(struct link_walk *w, const char *dir, unsigned depth, bool deep)
{
	void *d = risk_memo_opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while (!w->found && w->budget && (e = risk_memo_readdir(d)) != NULL) {
		w->budget--;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *abs = guard_xasprintf("%s/%s", dir, e->d_name);
		struct stat sb;
		if (lstat(abs, &sb) == 0) {
			if (S_ISDIR(sb.st_mode) && deep && depth < LINK_WALK_DEPTH)
				link_walk_dir(w, abs, depth + 1, deep);
			else
				link_try(w, abs, &sb);
		}
		free(abs);
	}
	risk_memo_closedir(d);
}

/* The files one protected glob can name: its literal start, walked when a folder. */
static void
link_walk_glob(struct link_walk *w, const char *g, const char *base)
{
	const struct risk_state *st = w->st;
	size_t lit = strcspn(g, "*?[{");
	char *start;

	if (g[0] == '~' && g[1] == '/')
		start = st->ctx->home ? guard_xasprintf("%s/%.*s", st->ctx->home, (int)(lit - 2), g + 2) : NULL;
	else if (g[0] == '/')
		start = guard_xasprintf("%.*s", (int)lit, g);
	else
		start = base && *base ? guard_xasprintf("%s/%.*s", base, (int)lit, g) : NULL;
	if (!start)
		return;
	struct stat sb;
	if (!g[lit] && lstat(start, &sb) == 0) {
		link_try(w, start, &sb); /* a file named whole: .ai/policy.yaml */
	} else if (g[lit]) {
		char *slash = strrchr(start, '/');
		if (slash && slash != start)
			*slash = '\0';
		/* "**" reaches every level below; "settings*.json" only this folder */
		link_walk_dir(w, start, 0, strstr(g + lit, "**") != NULL || strchr(g + lit, '/') != NULL);
	}
	free(start);
}

void
risk_link_write(struct risk_state *st, const char *verb, const char *abs, const char *shown)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	struct stat sb;

	if (st->remote || !cfg || risk_memo_stat(abs, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_nlink < 2)
		return;
	struct link_walk w = { st, abs, sb.st_dev, sb.st_ino, LINK_WALK_MAX, NULL };
	const char *common = risk_common_git_dir(st);
	char *own_git = guard_xasprintf("%s/.git", st->ctx->project ? st->ctx->project : "");
	if (!strcmp(common, own_git))
		common = ""; /* not a linked worktree: walked once */
	free(own_git);
	for (size_t i = 0; !w.found && i < cfg->nprotected_paths; i++) {
		const char *g = cfg->protected_paths[i];
		if (g[0] == '!')
			continue;
		link_walk_glob(&w, g, st->ctx->project);
		/* from a linked worktree, .git/... lives in the main repository's .git */
		if (*common && !strncmp(g, ".git/", 5))
			link_walk_glob(&w, g + 5, common);
	}
	if (w.found) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s changes guard's own state through a hard link: %s is %s under another name", verb, shown,
			  w.found);
		free(w.found);
	} else if (!w.budget) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s writes a file with %lu names, and guard's state is too large to compare: %s", verb,
			  (unsigned long)sb.st_nlink, shown);
	} else {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
			  "%s writes a file with %lu names (hard links): every name changes: %s", verb,
			  (unsigned long)sb.st_nlink, shown);
	}
}

/* ---- archives unpacked through a symlink (N7) ------------------------- */

#define LINK_TREE_MAX 20000 /* entries read looking for symlinks below the unpack folder */

struct link_tree {
	const struct risk_state *st;
	const char *data; /* the archive's bytes */
	size_t len;
	size_t root_len; /* length of the unpack folder's path, its '/' not counted */
	unsigned budget;
	char *hit; /* the link a member passes through (owned) */
};

/* Is needle in the archive where a member's name starts (not inside a longer path)? */
static bool
name_start(const struct link_tree *t, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = t->data, *end = t->data + t->len;

	while (p < end && (p = memmem(p, (size_t)(end - p), needle, n)) != NULL) {
		unsigned char before = p > t->data ? (unsigned char)p[-1] : 0;
		if (!before || !(isalnum(before) || strchr("._-/~", before)))
			return true;
		p++;
	}
	return false;
}

/* Does the archive name rel/ (or ./rel/) as the start of a member? */
static bool
names_below(const struct link_tree *t, const char *rel)
{
	char *a = guard_xasprintf("%s/", rel), *b = guard_xasprintf("./%s/", rel);
	bool hit = name_start(t, a) || name_start(t, b);
	free(a);
	free(b);
	return hit;
}

static void
link_tree_walk(struct link_tree *t, const char *dir, unsigned depth)
{
	void *d = risk_memo_opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while (!t->hit && t->budget && (e = risk_memo_readdir(d)) != NULL) {
		t->budget--;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git") ||
		    !strcmp(e->d_name, "node_modules"))
			continue;
		char *abs = guard_xasprintf("%s/%s", dir, e->d_name);
		struct stat sb;
		if (lstat(abs, &sb) == 0 && S_ISLNK(sb.st_mode)) {
			char *to = guard_path_physical("/", abs, NULL);
			if (risk_guard_place(t->st, to) && names_below(t, abs + t->root_len + 1))
				t->hit = guard_xstrdup(abs + t->root_len + 1);
			free(to);
		} else if (S_ISDIR(sb.st_mode) && depth < LINK_WALK_DEPTH + 2) {
			link_tree_walk(t, abs, depth + 1);
		}
		free(abs);
	}
	risk_memo_closedir(d);
}

char *
risk_archive_link(const struct risk_state *st, const char *dir, const char *archive)
{
	char *data = NULL;
	size_t len = 0;

	if (st->remote || !archive || risk_memo_read(archive, 64u << 20, &data, &len) < 0) {
		guard_error_clear();
		return NULL;
	}
	char *root = guard_path_physical(st->cwds[0], dir, st->ctx->home);
	struct link_tree t = { st, data, len, strlen(root), LINK_TREE_MAX, NULL };
	if (!strcmp(root, "/"))
		t.root_len = 0;
	link_tree_walk(&t, root, 0);
	free(root);
	free(data);
	return t.hit;
}
