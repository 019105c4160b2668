/*
 * Which repository a git command works in, and where its work tree is
 * (attacker-5 F7). A repository other than the project's own (a nested
 * one found by walking up from -C, one named by --git-dir or a gitfile,
 * one a config file of names) whose work tree is the project, a folder
 * above it or a folder holding guard's state (.ai, .claude, .git/guard)
 * writes guard's files through its merge or checkout, and guard-git's
 * hooks are not that repository's hooks. Such a work tree, or one guard
 * cannot tell, makes every work-tree-writing verb critical, and so does
 * setting core.worktree of such a repository to such a folder. A nested
 * repository whose work tree is its own folder (a vendor clone, a
 * submodule) stays everyday.
 *
 * core.worktree is read from the repository's config only in the form git
 * itself writes (a "[core]" line, then "worktree = VALUE"); any other
 * spelling of the key, an include, or quoting counts as "cannot tell".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "guard_path.h"
#include "guard_risk_int.h"

struct git_repo {
	char *gitdir;   /* its git folder (physical), or the one git init would make */
	char *natural;  /* the folder that holds it: its work tree unless moved */
	char *worktree; /* where git writes files, NULL: none (bare) or unknown */
	bool own;       /* the project's own repository (or one of its linked worktrees) */
	bool missing;   /* the folder git runs in does not exist yet (made on the same line) */
	bool unknown;   /* the work tree cannot be told */
	const char *how; /* what chose it, for the reason */
};
#define GIT_REPO_INIT { NULL, NULL, NULL, false, false, false, "" }

static void
repo_release(struct git_repo *r)
{
	free(r->gitdir);
	free(r->natural);
	free(r->worktree);
}

static bool
exists(const char *p, bool dir)
{
	struct stat sb;
	return risk_memo_stat(p, &sb) == 0 && (!dir || S_ISDIR(sb.st_mode));
}

static char *
parent_of(const char *p)
{
	char *s = guard_xstrdup(p), *slash = strrchr(s, '/');
	if (slash && slash != s)
		*slash = '\0';
	else if (slash)
		slash[1] = '\0';
	return s;
}

/*
 * A .git entry at path (in folder): a git folder, or a gitfile's "gitdir:
 * PATH" (relative to folder). NULL: nothing there, or (*unknown) a file
 * git would read and guard cannot.
 */
static char *
gitdir_at(const struct risk_state *st, const char *path, const char *folder, bool *unknown)
{
	char *data = NULL, *out = NULL;
	struct stat sb;
	size_t len = 0;

	if (risk_memo_stat(path, &sb) != 0)
		return NULL;
	if (S_ISDIR(sb.st_mode)) {
		out = guard_path_physical("/", path, st->ctx->home);
	} else if (risk_memo_read(path, 4096, &data, &len) == 0 && !strncmp(data, "gitdir:", 7)) {
		char *v = data + 7;
		v += strspn(v, " \t");
		v[strcspn(v, "\r\n")] = '\0';
		out = *v ? guard_path_physical(folder, v, st->ctx->home) : NULL;
		if (!out)
			*unknown = true;
	} else {
		*unknown = true;
	}
	free(data);
	return out;
}

/* FOLDER/.git, as gitdir_at. */
static char *
dotgit(const struct risk_state *st, const char *folder, bool *unknown)
{
	char *p = guard_xasprintf("%s/.git", folder), *out = gitdir_at(st, p, folder, unknown);
	free(p);
	return out;
}

/* A bare repository is its own git folder: HEAD, objects and refs in it. */
static bool
bare_here(const char *dir)
{
	static const char *const parts[] = { "HEAD", "objects", "refs", NULL };
	for (size_t i = 0; parts[i]; i++) {
		char *p = guard_xasprintf("%s/%s", dir, parts[i]);
		bool ok = exists(p, false);
		free(p);
		if (!ok)
			return false;
	}
	return true;
}

/* The section a "[...]" line opens is core (not core "x", not core.x). */
static bool
core_section(const char *line)
{
	line += strspn(line, " \t") + 1;
	line += strspn(line, " \t");
	if (strncasecmp(line, "core", 4))
		return false;
	line += 4;
	line += strspn(line, " \t");
	return *line == ']';
}

/*
 * core.worktree in one config file: 0 not set (or no file), 1 set (*value,
 * the last one), -1 cannot tell.
 */
static int
config_file_worktree(const char *path, char **value)
{
	char *data = NULL;
	size_t len = 0;
	int rc = 0;
	bool core = false;

	if (!exists(path, false))
		return 0;
	if (risk_memo_read(path, 1 << 20, &data, &len) != 0)
		return -1;
	if (strcasestr(data, "include") || memchr(data, '\0', len)) {
		free(data);
		return -1;
	}
	for (char *line = data, *next; line && *line && rc >= 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *t = line + strspn(line, " \t");
		if (*t == '[') {
			core = core_section(t);
			if (strcasestr(strchr(t, ']') ? strchr(t, ']') : t, "worktree"))
				rc = -1; /* a key on the section's line */
			continue;
		}
		if (!strcasestr(t, "worktree"))
			continue;
		size_t k = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		if (k != 8 || strncasecmp(t, "worktree", 8)) {
			if (!k || (t[k] != ' ' && t[k] != '\t' && t[k] != '='))
				rc = -1;
			continue; /* another key (worktreeConfig) */
		}
		if (!core)
			continue;
		char *v = t + k;
		v += strspn(v, " \t");
		if (*v != '=') {
			rc = -1;
			continue;
		}
		v++;
		v += strspn(v, " \t");
		size_t n = strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
			v[--n] = '\0';
		if (!n || strpbrk(v, "\"\\;#")) {
			rc = -1;
			continue;
		}
		free(*value);
		*value = guard_xstrdup(v);
		rc = 1;
	}
	free(data);
	if (rc < 0) {
		free(*value);
		*value = NULL;
	}
	return rc;
}

/* core.worktree of a git folder (config, then config.worktree): as config_file_worktree. */
static int
config_worktree(const char *gitdir, char **value)
{
	static const char *const files[] = { "config", "config.worktree", "commondir", NULL };
	int rc = 0;

	for (size_t i = 0; files[i] && rc >= 0; i++) {
		char *p = guard_xasprintf("%s/%s", gitdir, files[i]);
		if (i == 2) /* a linked worktree of a nested repository: its settings live elsewhere */
			rc = exists(p, false) ? -1 : rc;
		else {
			int r = config_file_worktree(p, value);
			rc = r ? r : rc;
		}
		free(p);
	}
	return rc;
}

/* Is a git folder the project's own (its .git, the common one, or a linked worktree's)? */
static bool
own_gitdir(const struct risk_state *st, const char *gitdir)
{
	const char *project = st->ctx->project, *common = risk_common_git_dir(st);
	bool unknown = false;
	char *mine = project ? dotgit(st, project, &unknown) : NULL;
	bool own = mine && !strcmp(mine, gitdir);

	if (*common && (!strcmp(common, gitdir) || !strncmp(gitdir, common, strlen(common)))) {
		const char *rest = gitdir + strlen(common);
		own = own || !*rest || !strncmp(rest, "/worktrees/", 11);
	}
	if (mine && !own && !strncmp(gitdir, mine, strlen(mine)) && !strncmp(gitdir + strlen(mine), "/worktrees/", 11))
		own = true;
	free(mine);
	return own;
}

/* The folder above a git folder named .git, or a bare one itself. */
static char *
natural_of(const char *gitdir)
{
	const char *last = strrchr(gitdir, '/');
	return last && !strcmp(last, "/.git") ? parent_of(gitdir) : guard_xstrdup(gitdir);
}

/* Find the repository git uses from dir (physical), or the one named by gitdir_opt. */
static void
repo_find(const struct risk_state *st, const char *dir, const char *gitdir_opt, const char *how, struct git_repo *r)
{
	if (gitdir_opt) {
		r->how = "--git-dir";
		if (strpbrk(gitdir_opt, "$`*?[")) {
			r->unknown = true;
			return;
		}
		r->gitdir = guard_path_physical(dir, gitdir_opt, st->ctx->home);
		struct stat sb;
		if (risk_memo_stat(r->gitdir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
			char *folder = parent_of(r->gitdir), *g = gitdir_at(st, r->gitdir, folder, &r->unknown);
			free(folder);
			free(r->gitdir);
			r->gitdir = g;
			if (!g)
				return;
		}
		r->missing = !exists(r->gitdir, true);
		r->natural = natural_of(r->gitdir);
		r->own = own_gitdir(st, r->gitdir);
		return;
	}
	r->how = how;
	const char *project = st->ctx->project;
	char *a = guard_xstrdup(dir);
	while (!exists(a, true) && strcmp(a, "/")) {
		/* made on this line (mkdir, git init, clone): inside the repository above it, or a new one */
		char *up = parent_of(a);
		free(a);
		a = up;
		r->missing = true;
	}
	for (;;) {
		char *g = dotgit(st, a, &r->unknown);
		if (g || r->unknown) {
			r->gitdir = g;
			r->natural = a;
			break;
		}
		if (bare_here(a)) {
			r->gitdir = guard_xstrdup(a);
			r->natural = a;
			break;
		}
		if ((project && !strcmp(a, project)) || !strcmp(a, "/")) {
			free(a);
			break;
		}
		char *up = parent_of(a);
		free(a);
		a = up;
	}
	r->own = r->gitdir && own_gitdir(st, r->gitdir);
	if (r->missing && (r->own || !r->gitdir)) {
		/* the repository git init or clone will make there */
		free(r->gitdir);
		free(r->natural);
		r->gitdir = guard_xasprintf("%s/.git", dir);
		r->natural = guard_xstrdup(dir);
		r->own = false;
	} else {
		r->missing = false;
	}
}

char *
risk_git_dir_of(const struct risk_state *st, const char *folder)
{
	struct git_repo r = GIT_REPO_INIT;
	char *out = NULL;

	repo_find(st, folder, NULL, "", &r);
	if (!r.missing && !r.unknown) {
		out = r.gitdir;
		r.gitdir = NULL;
	}
	repo_release(&r);
	return out;
}

/* Where the repository's work tree is (wt_opt: --work-tree or GIT_WORK_TREE; wt_c: git -c core.worktree). */
static void
repo_worktree(const struct risk_state *st, const char *dir, const char *wt_opt, const char *wt_c, bool named,
	      struct git_repo *r)
{
	char *value = NULL;

	if (r->unknown || !r->gitdir)
		return;
	if (wt_opt || wt_c) {
		const char *v = wt_opt ? wt_opt : wt_c;
		if (!*v || strpbrk(v, "$`*?["))
			r->unknown = true;
		else
			r->worktree = guard_path_physical(wt_opt ? dir : r->gitdir, v, st->ctx->home);
		return;
	}
	int rc = r->missing ? 0 : config_worktree(r->gitdir, &value);
	if (rc < 0)
		r->unknown = true;
	else if (rc > 0)
		r->worktree = strpbrk(value, "$`") ? NULL : guard_path_physical(r->gitdir, value, st->ctx->home);
	else if (named) /* --git-dir without a work tree: git takes the folder it runs in */
		r->worktree = guard_xstrdup(dir);
	else if (strcmp(r->gitdir, r->natural)) /* a bare repository has none */
		r->worktree = guard_xstrdup(r->natural);
	if (rc > 0 && !r->worktree)
		r->unknown = true;
	free(value);
}

/*
 * Does work tree wt of a repository other than the project's (whose own
 * folder is natural) reach guard's state? Returns what it holds, or NULL.
 */
static const char *
reaches_guard(const struct risk_state *st, const char *wt, const char *natural)
{
	static const char *const held[] = { ".ai", ".claude", ".git/guard", NULL };
	const char *project = st->ctx->project, *common = risk_common_git_dir(st);

	if (!project)
		return NULL;
	if (guard_path_inside(wt, project))
		return !strcmp(wt, project) ? "the project's root" : "a folder above the project";
	if (natural && guard_path_inside(natural, wt))
		return NULL; /* its own folder: a vendor clone, a submodule */
	char *git = guard_xasprintf("%s/.git", project);
	bool in = guard_path_inside(git, wt) || (*common && guard_path_inside(common, wt)) ||
		  risk_guard_place(st, wt);
	free(git);
	for (size_t i = 0; !in && held[i]; i++) {
		char *p = guard_xasprintf("%s/%s", project, held[i]);
		in = guard_path_inside(p, wt);
		free(p);
	}
	if (in)
		return "guard's state";
	struct stat sb;
	for (size_t i = 0; held[i]; i++) {
		char *p = guard_xasprintf("%s/%s", wt, held[i]);
		int rc = risk_memo_lstat(p, &sb);
		free(p);
		if (rc == 0)
			return "a folder that holds guard's state";
	}
	return NULL;
}

static bool
word_is(const struct guard_shell_word *w, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].text, s))
			return true;
	return false;
}

/* Does git SUB (with its words) write files of the work tree? */
static bool
writes_worktree(const char *sub, const struct guard_shell_word *w, size_t n)
{
	static const char *const verbs[] = { "merge", "pull", "checkout", "switch", "restore", "cherry-pick", "revert",
					     "rebase", "am", "checkout-index", "clean", "rm", "mv", "submodule", NULL };
	const char *first = n ? w[0].text : "";

	for (size_t i = 0; verbs[i]; i++)
		if (!strcmp(sub, verbs[i]))
			return !(!strcmp(sub, "rm") && word_is(w, n, "--cached"));
	if (!strcmp(sub, "reset"))
		return !word_is(w, n, "--soft");
	if (!strcmp(sub, "apply"))
		return !word_is(w, n, "--cached") && !word_is(w, n, "--check") && !word_is(w, n, "--stat") &&
		       !word_is(w, n, "--numstat") && !word_is(w, n, "--summary");
	if (!strcmp(sub, "stash"))
		return strcmp(first, "list") && strcmp(first, "show");
	if (!strcmp(sub, "read-tree")) {
		for (size_t i = 0; i < n; i++)
			if (w[i].text[0] == '-' && w[i].text[1] != '-' && strchr(w[i].text, 'u'))
				return true;
	}
	return false;
}

/* git config (its words): the core.worktree value it sets, and the file it writes (-f/--file). */
static const char *
config_sets_worktree(const struct guard_shell_word *w, size_t n, const char **file)
{
	static const char *const reads[] = { "--get", "--get-all", "--get-regexp", "-l", "--list", "--unset",
					     "--unset-all", "--show-origin", "--global", "--system", NULL };
	const char *value = NULL;

	*file = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *t = w[i].text;
		for (size_t k = 0; reads[k]; k++)
			if (!strcmp(t, reads[k]))
				return NULL;
		if ((!strcmp(t, "-f") || !strcmp(t, "--file")) && i + 1 < n)
			*file = w[++i].text;
		else if (!strncmp(t, "--file=", 7))
			*file = t + 7;
		else if (!strncasecmp(t, "core.worktree", 13) && t[13] == '=')
			value = t + 14;
		else if (!strcasecmp(t, "core.worktree") && i + 1 < n)
			value = w[++i].text;
	}
	return value;
}

/* The nested repository's core.worktree set to value: where it lands (relative to its git folder). */
static void
config_rule(struct risk_state *st, const char *dir, const char *gitdir_opt, const char *how, const char *file,
	    const char *value)
{
	struct git_repo r = GIT_REPO_INIT;

	if (file) {
		char *abs = guard_path_physical(dir, file, st->ctx->home);
		r.gitdir = parent_of(abs);
		r.natural = natural_of(r.gitdir);
		r.own = own_gitdir(st, r.gitdir);
		r.how = "--file";
		free(abs);
	} else {
		repo_find(st, dir, gitdir_opt, how, &r);
	}
	if (r.own || (!r.gitdir && !r.unknown)) {
		repo_release(&r);
		return; /* the project's own: risk_git_worktree rates it */
	}
	char *wt = r.gitdir && !strpbrk(value, "$`*?[") && *value ? guard_path_physical(r.gitdir, value, st->ctx->home)
								 : NULL;
	const char *what = wt ? reaches_guard(st, wt, r.natural) : "a place guard cannot tell";
	if (what)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "git config core.worktree %s in the repository %s (not the project's): its work tree would be "
			  "%s (%s), so its merge, checkout or reset writes guard's policy and settings, and guard's git "
			  "hooks are not that repository's", value, r.gitdir ? r.gitdir : "(unknown)", what,
			  wt ? wt : value);
	free(wt);
	repo_release(&r);
}

/* The value of git's global option o at argv[*i] ("o V" or "o=V"), or NULL. */
static const char *
global_opt(const struct risk_cmd *c, size_t *i, const char *o)
{
	const char *t = c->argv[*i].text;
	size_t n = strlen(o);

	if (strncmp(t, o, n))
		return NULL;
	if (t[n] == '=')
		return t + n + 1;
	if (!t[n] && *i + 1 < c->argc)
		return c->argv[++*i].text;
	return NULL;
}

/* The folder git runs in from base: each -C before the subcommand taken in turn (physical, malloc'd). */
static char *
run_dir(const struct risk_state *st, const struct risk_cmd *c, size_t sub, const char *base)
{
	char *dir = guard_path_physical("/", base, st->ctx->home);

	for (size_t i = 1; i < sub; i++) {
		const char *v = global_opt(c, &i, "-C");
		if (v) {
			char *next = guard_path_physical(dir, v, st->ctx->home);
			free(dir);
			dir = next;
		}
	}
	return dir;
}

/* Does git SUB (with its words) send refs to another repository: push, send-pack, subtree push (not a dry run)? */
static bool
sends_refs(const char *sub, const struct guard_shell_word *w, size_t n)
{
	static const char *const valued[] = { "-P", "--prefix", "-m", "--message", "-b", "--branch", "--onto", NULL };

	if (!strcmp(sub, "push"))
		return !word_is(w, n, "--dry-run") && !word_is(w, n, "-n");
	if (!strcmp(sub, "send-pack"))
		return !word_is(w, n, "--dry-run");
	for (size_t i = 0; !strcmp(sub, "subtree") && i < n; i++) {
		if (risk_name_in(valued, w[i].text))
			i++;
		else if (w[i].text[0] != '-')
			return !strcmp(w[i].text, "push");
	}
	return false;
}

/* Has the project a repository of its own (whose hooks guard-git installs)? */
static bool
project_repo(const struct risk_state *st)
{
	bool unknown = false;
	char *mine = dotgit(st, st->ctx->project, &unknown);
	bool has = mine || *risk_common_git_dir(st);

	free(mine);
	return has;
}

/*
 * A push from a repository other than the project's (attack8 I16: git -C
 * src/x push, cd src/x && git push, a clone of origin made on the line):
 * guard-git's pre-push (the session's branch, budgets, scans) runs in the
 * project's repository and its linked worktrees only, so a person looks.
 * Every folder the shell may be in counts; one guard cannot work out too.
 */
static void
push_elsewhere(struct risk_state *st, const struct risk_cmd *c, size_t sub, const char *gitdir_opt)
{
	const char *verb = !strcmp(c->argv[sub].text, "subtree") ? "subtree push" : c->argv[sub].text;

	if (!project_repo(st))
		return;
	bool computed = st->cwd_unknown;
	for (size_t i = 1; i < sub; i++)
		computed |= !strcmp(c->argv[i].text, "-C") && i + 1 < sub && (c->argv[i + 1].flags & GUARD_WORD_DYNAMIC);
	if (computed) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git %s runs in a folder guard cannot work out (a computed cd or -C): its repository may not be "
			  "the project's, whose git hooks (pre-push) guard watches", verb);
		return;
	}
	for (size_t k = 0; k < st->ncwds; k++) {
		struct git_repo r = GIT_REPO_INIT;
		char *dir = run_dir(st, c, sub, st->cwds[k]);
		repo_find(st, dir, gitdir_opt, "", &r);
		if (!r.own && (r.gitdir || r.unknown))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git %s runs in %s, in the repository %s (not the project's%s): guard's git hooks do not "
				  "watch that repository (no pre-push: the session's branch, budgets and scans do not apply)",
				  verb, dir, r.gitdir ? r.gitdir : "(a .git guard cannot read)",
				  r.missing ? "; a folder made on this line" : "");
		free(dir);
		repo_release(&r);
	}
}

void
risk_git_foreign(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	const char *gitdir_opt = NULL, *wt_opt = NULL, *wt_c = NULL, *v, *how = "the folder it runs in";

	if (!st->ctx->project || st->remote || sub >= c->argc)
		return;
	for (size_t i = 1; i < sub; i++)
		if ((v = global_opt(c, &i, "--git-dir")))
			gitdir_opt = v;
	if (sends_refs(c->argv[sub].text, c->argv + sub + 1, c->argc - sub - 1))
		push_elsewhere(st, c, sub, gitdir_opt);
	if (st->cwd_unknown)
		return;
	char *dir = run_dir(st, c, sub, st->cwds[0]);
	for (size_t i = 1; i < sub; i++) {
		if ((v = global_opt(c, &i, "-C"))) {
			how = "-C";
		} else if ((v = global_opt(c, &i, "--git-dir"))) {
			gitdir_opt = v;
		} else if ((v = global_opt(c, &i, "--work-tree"))) {
			wt_opt = v;
		} else if (!strcmp(c->argv[i].text, "-c") && i + 1 < sub) {
			const char *kv = c->argv[++i].text;
			if (!strncasecmp(kv, "core.worktree=", 14))
				wt_c = kv + 14;
		}
	}
	/* GIT_WORK_TREE in front of git: an assignment, or env's operand */
	for (size_t i = 0; i < c->cmd->nassigns + c->cmd->argc; i++) {
		const struct guard_shell_word *w = i < c->cmd->nassigns ? &c->cmd->assigns[i]
									: &c->cmd->argv[i - c->cmd->nassigns];
		if (i >= c->cmd->nassigns && (w->text == c->argv[0].text || !strcmp(w->text, c->argv[0].text)))
			break;
		if (!strncmp(w->text, "GIT_WORK_TREE=", 14))
			wt_opt = w->text + 14;
	}

	const char *name = c->argv[sub].text, *file = NULL;
	const struct guard_shell_word *w = c->argv + sub + 1;
	size_t n = c->argc - sub - 1;
	if (!strcmp(name, "config")) {
		const char *value = config_sets_worktree(w, n, &file);
		if (value)
			config_rule(st, dir, gitdir_opt, how, file, value);
	} else if (writes_worktree(name, w, n)) {
		struct git_repo r = GIT_REPO_INIT;
		repo_find(st, dir, gitdir_opt, how, &r);
		if (!r.own && !(r.missing && !gitdir_opt && !wt_opt && !wt_c)) {
			repo_worktree(st, dir, wt_opt, wt_c, gitdir_opt != NULL, &r);
			const char *what = r.unknown ? "a place guard cannot tell (its settings are not in a form guard reads)"
				: r.worktree ? reaches_guard(st, r.worktree, r.natural) : NULL;
			if (what)
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "git %s runs in the repository %s (not the project's; chosen by %s) whose work "
					  "tree is %s%s%s%s: it writes guard's policy and settings there, and guard's git "
					  "hooks are not that repository's", name, r.gitdir ? r.gitdir : "(unknown)", r.how,
					  what, r.worktree ? " (" : "", r.worktree ? r.worktree : "",
					  r.worktree ? ")" : "");
		}
		repo_release(&r);
	}
	free(dir);
}

/*
 * A write to a nested repository's settings (DIR/.git/config,
 * config.worktree, a bare repository's config) or of a gitfile (a file
 * named .git): core.worktree or "gitdir:" there can point a repository's
 * work tree at the project, and guard cannot read what is written.
 */
void
risk_git_nested_write(struct risk_state *st, const char *verb, const char *abs, const char *shown)
{
	const char *last = strrchr(abs, '/');

	if (!last)
		return;
	last++;
	bool gitfile = !strcmp(last, ".git");
	bool settings = !strcmp(last, "config") || !strcmp(last, "config.worktree") || !strcmp(last, "commondir") ||
			!strcmp(last, "gitdir");
	if (settings) {
		char *folder = parent_of(abs);
		const char *fl = strrchr(folder, '/');
		settings = (fl && !strcmp(fl, "/.git")) || strstr(folder, "/.git/") || bare_here(folder);
		free(folder);
	}
	if (settings)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s writes %s, the settings of a nested repository: a core.worktree there makes that "
			  "repository's work tree the project, whose merge or checkout then writes guard's files", verb,
			  shown);
	else if (gitfile) /* its target is rated when git runs there; on the same line a person looks */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s writes %s, a gitfile: it makes the folder a work tree of the repository it names, whose "
			  "core.worktree may be the project", verb, shown);
}

/*
 * git init --separate-git-dir DIR where a repository already is: git moves
 * that repository's git folder to DIR and leaves a gitfile. For the project
 * that moves guard's .git/guard and guard-git's hooks out of the project.
 */
void
risk_git_init_moves(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	const char *where = NULL, *sep = NULL, *tpl = risk_git_template_env(c, sub);
	size_t i = sub + 1;

	if (sub >= c->argc || strcmp(c->argv[sub].text, "init") || !st->ctx->project || st->cwd_unknown)
		return;
	for (; i < c->argc; i++) {
		const char *t = c->argv[i].text, *v;
		if ((v = global_opt(c, &i, "--separate-git-dir")))
			sep = v;
		else if ((v = global_opt(c, &i, "--template")))
			tpl = v;
		else if ((v = global_opt(c, &i, "--object-format")) ||
			 (v = global_opt(c, &i, "-b")) || (v = global_opt(c, &i, "--initial-branch")))
			continue;
		else if (t[0] != '-')
			where = t;
	}
	if (!sep && !(tpl && *tpl))
		return;
	char *dir = run_dir(st, c, sub, st->cwds[0]);
	char *target = where ? guard_path_physical(dir, where, st->ctx->home) : guard_xstrdup(dir);
	bool unknown = false;
	char *g = dotgit(st, target, &unknown);
	bool own = (g && own_gitdir(st, g)) || unknown;
	if (own && sep)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "git init --separate-git-dir %s moves the git folder of the repository in %s%s and leaves a "
			  "gitfile: guard's .git/guard and git hooks leave with it", sep, target,
			  unknown ? " (a .git guard cannot read)" : " (the project's)");
	else if (own) /* attack9 J15: git init again copies every template file the repository lacks */
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "git init with the template %s over the repository in %s%s copies its hook files into .git/hooks "
			  "(guard's state): they run at the next commit, merge or checkout", tpl, target,
			  unknown ? " (a .git guard cannot read)" : " (the project's)");
	free(g);
	free(target);
	free(dir);
}

/*
 * export GIT_WORK_TREE=DIR: every later git command on the line takes DIR
 * as its work tree, a nested repository's merge among them. DIR the
 * project or a folder above it: a person looks (into guard's state or
 * where guard cannot tell, risk_git_worktree denies it).
 */
void
risk_git_worktree_export(struct risk_state *st, const char *value)
{
	const char *project = st->ctx->project;

	if (!project || !*value || strpbrk(value, "$`*?[") || st->cwd_unknown)
		return;
	char *wt = guard_path_physical(st->cwds[0], value, st->ctx->home);
	if (guard_path_inside(wt, project))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "export GIT_WORK_TREE=%s makes %s the work tree of every later git command, a nested "
			  "repository's merge or checkout among them, which then writes guard's files", value, wt);
	free(wt);
}
