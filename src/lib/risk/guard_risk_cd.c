/*
 * Where later relative paths start: the folder as bash moves it (attack7
 * H2/H23/H17). cd, pushd and popd change it; their folder may be spelled
 * as a pattern (cd .a[i]: bash expands it first), found through CDPATH
 * (given on the line, or the environment's, which guard cannot see),
 * read from a variable (shopt -s cdable_vars: cd A with A=.ai), taken
 * from $OLDPWD (cd -, cd ~-, cd "$OLDPWD") or from the directory stack
 * (pushd +N, popd). Every folder bash could land in is kept as a place
 * relative paths may start from (at most RISK_MAX_CWDS); a folder guard
 * cannot work out makes later relative writes ask ("after cd to a
 * computed place"), and one of guard's folders among the candidates makes
 * a later write there denied, naming guard's file.
 *
 * A cd inside ( ) ends with it, so once a shallower part runs both
 * places stay possible.
 */
#include <ctype.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guard_buf.h"
#include "guard_path.h"
#include "guard_risk_int.h"
#include "guard_risk_vars.h"

#define CD_MAX_MATCHES 8

/* Folders a cd may land in, built for each place the shell may be in now. */
struct landing {
	char *dirs[RISK_MAX_CWDS];
	size_t n;
	bool unknown;
};

static void
land(struct landing *l, char *dir)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->dirs[i], dir)) {
			free(dir);
			return;
		}
	if (l->n >= RISK_MAX_CWDS) {
		l->unknown = true;
		free(dir);
		return;
	}
	l->dirs[l->n++] = dir;
}

static bool
is_dir(const char *abs)
{
	struct stat sb;
	return risk_memo_stat(abs, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void
unknown_place(struct risk_state *st, const char *why)
{
	st->cwd_unknown = true;
	risk_explain(st, "    cd to a computed place (%s): later relative paths are uncertain", why);
}

/* The one folder the shell is in, or NULL when there are several candidates. */
static const char *
only_cwd(const struct risk_state *st)
{
	return st->ncwds == 1 && !st->cwd_unknown ? st->cwds[0] : NULL;
}

/* The variable's value as the line last assigned it (NULL: not on the line, or computed). */
static const char *
line_var(const struct guard_shell *sh, const char *name)
{
	for (size_t i = sh ? sh->known_names.len : 0; i-- > 0;)
		if (!strcmp(sh->known_names.items[i], name))
			return sh->known_values.items[i][0] == '\x01' ? NULL : sh->known_values.items[i];
	return NULL;
}

static bool
line_var_set(const struct guard_shell *sh, const char *name)
{
	for (size_t i = sh ? sh->known_names.len : 0; i-- > 0;)
		if (!strcmp(sh->known_names.items[i], name))
			return true;
	return false;
}

/* The pattern's matches from base (glob(3) on the memo), into l; false when none. */
static bool
land_pattern(const char *base, const char *pattern, struct landing *l)
{
	char *full = pattern[0] == '/' ? guard_xstrdup(pattern) : guard_xasprintf("%s/%s", base, pattern);
	struct guard_list g = GUARD_LIST_INIT;
	bool any = false;

	if (!risk_glob(full, GLOB_NOSORT | GLOB_ONLYDIR, &g))
		l->unknown = true; /* cut short by the rating's budget */
	for (size_t i = 0; i < g.len && i < CD_MAX_MATCHES; i++) {
		const char *b = strrchr(g.items[i], '/');
		if (b && (!strcmp(b, "/.") || !strcmp(b, "/..")))
			continue;
		land(l, guard_path_resolve("/", g.items[i], NULL));
		any = true;
	}
	if (g.len > CD_MAX_MATCHES)
		l->unknown = true;
	guard_list_clear(&g);
	free(full);
	return any;
}

/* A name bash may look up in CDPATH: relative, not starting with . or .. as a whole component. */
static bool
cdpath_applies(const char *to)
{
	if (to[0] == '/' || to[0] == '~')
		return false;
	if (to[0] == '.' && (!to[1] || to[1] == '/' || (to[1] == '.' && (!to[2] || to[2] == '/'))))
		return false;
	return true;
}

static bool
is_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Where cd TO lands from base, into l (cdpath: CDPATH given on the line, or NULL: not known). */
static void
land_from(struct risk_state *st, const struct guard_shell *sh, const char *base, const struct guard_shell_word *w,
	  const char *to, const char *cdpath, struct landing *l)
{
	const char *home = st->ctx->home;

	if ((w->flags & GUARD_WORD_GLOB) && land_pattern(base, to, l))
		return;
	land(l, guard_path_resolve(base, to, home));
	if (!cdpath_applies(to))
		return;
	if (cdpath) {
		for (const char *p = cdpath;; p++) {
			size_t n = strcspn(p, ":");
			char *entry = guard_xstrndup(p, n);
			char *dir = guard_path_resolve(base, *entry ? entry : ".", home);
			free(entry);
			if ((w->flags & GUARD_WORD_GLOB) && land_pattern(dir, to, l)) {
				free(dir);
			} else {
				land(l, guard_path_resolve(dir, to, home));
				free(dir);
			}
			if (!p[n])
				break;
			p += n;
		}
	} else {
		/* the environment's CDPATH, not seen here: what would land in guard's state */
		const char *roots[] = { st->ctx->project, home };
		for (size_t i = 0; i < 2; i++) {
			if (!roots[i])
				continue;
			char *dir = guard_path_resolve(roots[i], to, home);
			if (risk_guard_place(st, dir))
				land(l, dir);
			else
				free(dir);
		}
	}
	/* shopt -s cdable_vars: cd A goes to $A when A is no folder here */
	if (is_name(to) && (st->vars->cdable_vars || line_var_set(sh, to))) {
		const char *v = line_var(sh, to);
		if (v && *v)
			land(l, guard_path_resolve(base, v, home));
		else if (st->vars->cdable_vars && l->n && !is_dir(l->dirs[0]))
			l->unknown = true;
	}
}

/* The folder word w names by $OLDPWD or ~- / ~+ (into *out), or false. */
static bool
oldpwd_word(struct risk_state *st, const struct guard_shell_word *w, char **out)
{
	static const char *const forms[] = { "${OLDPWD}", "$OLDPWD", "~-", "~+", NULL };
	const char *t = w->text;

	for (size_t i = 0; forms[i]; i++) {
		size_t n = strlen(forms[i]);
		const char *rest = t + n;
		if (strncmp(t, forms[i], n) || (*rest && *rest != '/') || strpbrk(rest, "$`"))
			continue;
		const char *base = forms[i][1] == '+' ? only_cwd(st) : st->vars->oldpwd;
		*out = base ? guard_xasprintf("%s%s", base, rest) : NULL;
		return true;
	}
	return false;
}

/*
 * cd "$(git rev-parse --show-toplevel)": the top of the work tree around
 * each place (the nearest folder up with a .git entry), not a computed
 * place (a push after it is judged by its repository). True when w is so.
 */
static bool
toplevel_word(struct risk_state *st, const struct guard_shell_word *w, struct landing *l)
{
	static const char *const forms[] = { "$(git rev-parse --show-toplevel)", "`git rev-parse --show-toplevel`", NULL };
	struct stat sb;

	if (!risk_name_in(forms, w->text))
		return false;
	for (size_t i = 0; i < st->ncwds && !l->unknown; i++) {
		char *a = guard_xstrdup(st->cwds[i]), *git = guard_xasprintf("%s/.git", a);
		while (risk_memo_lstat(git, &sb) != 0 && strcmp(a, "/")) {
			char *slash = strrchr(a, '/');
			slash[slash == a] = '\0';
			free(git);
			git = guard_xasprintf("%s/.git", a);
		}
		free(git);
		if (!strcmp(a, "/")) {
			free(a);
			l->unknown = true;
		} else {
			land(l, a);
		}
	}
	return true;
}

/* The new places: every candidate of l; the old folder (one, or none known) becomes $OLDPWD. */
static void
move_to(struct risk_state *st, struct landing *l, const char *why)
{
	const char *old = only_cwd(st);

	free(st->vars->oldpwd);
	st->vars->oldpwd = old ? guard_xstrdup(old) : NULL;
	if (l->unknown || !l->n) {
		for (size_t i = 0; i < l->n; i++)
			free(l->dirs[i]);
		unknown_place(st, why);
		return;
	}
	for (size_t i = 0; i < st->ncwds; i++)
		free(st->cwds[i]);
	memcpy(st->cwds, l->dirs, l->n * sizeof(l->dirs[0]));
	st->ncwds = l->n;
	for (size_t i = 0; i < l->n; i++)
		risk_explain(st, "    %s: relative paths %s start at %s", why, l->n > 1 ? "may" : "now", l->dirs[i]);
}

/* cd to word w (NULL: home), with CDPATH cdpath (NULL: the environment's). */
static void
cd_to(struct risk_state *st, const struct guard_shell *sh, const struct guard_shell_word *w, const char *cdpath,
      const char *why)
{
	struct landing l = { .n = 0 };
	char *dir = NULL;

	if (w && !strcmp(w->text, "-")) {
		if (!st->vars->oldpwd) {
			move_to(st, &l, "cd - to a folder guard does not know ($OLDPWD)");
			return;
		}
		land(&l, guard_xstrdup(st->vars->oldpwd));
	} else if (w && oldpwd_word(st, w, &dir)) {
		if (dir)
			land(&l, dir);
		else
			l.unknown = true;
	} else if (w && toplevel_word(st, w, &l)) {
		;
	} else if (w && (w->flags & GUARD_WORD_DYNAMIC)) {
		l.unknown = true;
	} else {
		struct guard_shell_word home = { (char *)"~", NULL, GUARD_WORD_TILDE };
		if (!w)
			w = &home;
		for (size_t i = 0; i < st->ncwds && !l.unknown; i++)
			land_from(st, sh, st->cwds[i], w, w->text, cdpath, &l);
	}
	move_to(st, &l, why);
}

/* +N / -N of pushd, popd, dirs: its number and sign, or false. */
static bool
stack_index(const char *t, long *n, bool *from_right)
{
	char *end;
	if ((t[0] != '+' && t[0] != '-') || !isdigit((unsigned char)t[1]))
		return false;
	*n = strtol(t + 1, &end, 10);
	*from_right = t[0] == '-';
	return !*end && *n >= 0 && *n < 1000;
}

static void
stack_push(struct risk_line_vars *v, const char *dir)
{
	if (v->nstack == RISK_MAX_DIRSTACK)
		free(v->stack[--v->nstack]);
	memmove(v->stack + 1, v->stack, v->nstack * sizeof(v->stack[0]));
	v->stack[0] = dir ? guard_xstrdup(dir) : NULL;
	v->nstack++;
}

/* Entry i (0: the top below the current folder) taken off; owned by the caller (NULL: not known). */
static char *
stack_take(struct risk_line_vars *v, size_t i)
{
	if (i >= v->nstack)
		return NULL;
	char *e = v->stack[i];
	memmove(v->stack + i, v->stack + i + 1, (v->nstack - i - 1) * sizeof(v->stack[0]));
	v->nstack--;
	return e;
}

/* Go to dir (owned, NULL: a folder guard does not know). */
static void
go(struct risk_state *st, char *dir, const char *why)
{
	struct landing l = { .n = 0 };
	if (dir)
		land(&l, dir);
	move_to(st, &l, why);
}

static void
pushd(struct risk_state *st, const struct guard_shell *sh, const struct guard_shell_cmd *c, const char *cdpath)
{
	struct risk_line_vars *v = st->vars;
	bool no_cd = false;
	size_t i = 1;
	long n;
	bool right;

	for (; i < c->argc && c->argv[i].text[0] == '-' && !stack_index(c->argv[i].text, &n, &right); i++)
		no_cd |= !strcmp(c->argv[i].text, "-n");
	char *here = only_cwd(st) ? guard_xstrdup(only_cwd(st)) : NULL;
	if (i >= c->argc) { /* the top two swapped */
		char *top = stack_take(v, 0);
		stack_push(v, here);
		go(st, top, "pushd (the top two folders swapped)");
	} else if (stack_index(c->argv[i].text, &n, &right)) {
		/* rotated: entry N becomes the folder; what was above it goes below what guard knows */
		if (right || (size_t)n > v->nstack) {
			go(st, NULL, "pushd to a folder of the stack guard does not know");
		} else if (n > 0) {
			char *to = stack_take(v, (size_t)n - 1);
			for (size_t k = 0; k + 1 < (size_t)n && v->nstack; k++)
				free(stack_take(v, 0));
			go(st, to, "pushd (the stack rotated)");
		}
	} else if (no_cd) {
		char *d = c->argv[i].flags & GUARD_WORD_DYNAMIC ? NULL
			: here ? guard_path_resolve(here, c->argv[i].text, st->ctx->home) : NULL;
		stack_push(v, d);
		free(d);
	} else {
		stack_push(v, here);
		cd_to(st, sh, &c->argv[i], cdpath, "pushd");
	}
	free(here);
}

static void
popd(struct risk_state *st, const struct guard_shell_cmd *c)
{
	struct risk_line_vars *v = st->vars;
	bool no_cd = false;
	long n = 0;
	bool right = false;

	for (size_t i = 1; i < c->argc; i++) {
		if (!strcmp(c->argv[i].text, "-n"))
			no_cd = true;
		else if (!stack_index(c->argv[i].text, &n, &right))
			break;
	}
	if (right) {
		go(st, NULL, "popd -N on a stack guard does not know in full");
	} else if (n > 0) {
		free(stack_take(v, (size_t)n - 1));
	} else if (no_cd) {
		free(stack_take(v, 0));
	} else {
		char *top = v->nstack ? stack_take(v, 0) : NULL;
		go(st, top, "popd");
	}
}

/* CDPATH given by an assignment word, into the line's vars. */
static void
note_cdpath(struct risk_state *st, const struct guard_shell_word *w)
{
	if (strncmp(w->text, "CDPATH=", 7))
		return;
	free(st->vars->cdpath);
	st->vars->cdpath = guard_xstrdup((w->flags & GUARD_WORD_DYNAMIC) ? "\x01" : w->text + 7);
}

void
risk_track_cd(struct risk_state *st, const struct guard_shell *sh, const struct guard_shell_cmd *c)
{
	if (c->depth < st->cd_depth && st->cwd_before_cd) {
		risk_add_cwd(st, st->cwd_before_cd);
		free(st->cwd_before_cd);
		st->cwd_before_cd = NULL;
		st->cd_depth = 0;
	}
	if (!st->vars)
		return;
	const char *verb = c->argc ? c->argv[0].text : "";
	if (!c->argc || !strcmp(verb, "export") || !strcmp(verb, "declare") || !strcmp(verb, "typeset") ||
	    !strcmp(verb, "readonly") || !strcmp(verb, "local")) {
		for (size_t i = 0; i < c->nassigns; i++)
			note_cdpath(st, &c->assigns[i]);
		for (size_t i = 1; i < c->argc; i++)
			note_cdpath(st, &c->argv[i]);
		return;
	}
	if (!strcmp(verb, "shopt")) {
		bool set = false;
		for (size_t i = 1; i < c->argc; i++) {
			set |= !strcmp(c->argv[i].text, "-s");
			if (set && !strcmp(c->argv[i].text, "cdable_vars"))
				st->vars->cdable_vars = true;
		}
		return;
	}
	bool is_cd = !strcmp(verb, "cd"), is_pushd = !strcmp(verb, "pushd"), is_popd = !strcmp(verb, "popd");
	if (!is_cd && !is_pushd && !is_popd)
		return;
	/* CDPATH=... in front of this cd only, else the line's, else the environment's (not known) */
	const char *cdpath = st->vars->cdpath;
	for (size_t i = 0; i < c->nassigns; i++)
		if (!strncmp(c->assigns[i].text, "CDPATH=", 7))
			cdpath = (c->assigns[i].flags & GUARD_WORD_DYNAMIC) ? "\x01" : c->assigns[i].text + 7;
	if (c->depth > 0 && !st->cwd_before_cd) {
		st->cwd_before_cd = guard_xstrdup(st->cwds[0]);
		st->cd_depth = c->depth;
	}
	if (cdpath && cdpath[0] == '\x01') {
		unknown_place(st, "CDPATH is computed");
		return;
	}
	if (is_pushd) {
		pushd(st, sh, c, cdpath);
		return;
	}
	if (is_popd) {
		popd(st, c);
		return;
	}
	const struct guard_shell_word *to = NULL;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "--")) {
			to = i + 1 < c->argc ? &c->argv[i + 1] : NULL;
			break;
		}
		if (t[0] != '-' || !t[1]) {
			to = &c->argv[i];
			break;
		}
	}
	cd_to(st, sh, to, cdpath, "cd");
}

/*
 * /proc/$$/cwd/..., /proc/${PPID}/root/...: a word whose only expansion
 * is the process id of /proc/PID/{root,cwd} is read as the path it spells
 * (the /proc/PID rule of guard_risk_path.c judges any PID alike), not as
 * a path that depends on a variable.
 */
void
risk_proc_words(struct guard_shell *sh)
{
	static const char *const pids[] = { "$$", "${$}", "$BASHPID", "${BASHPID}", "$PPID", "${PPID}", "$!", "${!}", NULL };

	for (size_t i = 0; i < sh->ncmds; i++)
		for (size_t k = 0; k < sh->cmds[i].argc; k++) {
			struct guard_shell_word *w = &sh->cmds[i].argv[k];
			if (!(w->flags & GUARD_WORD_DYNAMIC) || (w->flags & GUARD_WORD_SUBST) || strncmp(w->text, "/proc/", 6))
				continue;
			for (size_t p = 0; pids[p]; p++) {
				size_t n = strlen(pids[p]);
				const char *rest = w->text + 6 + n;
				size_t kl = !strncmp(rest, "/cwd", 4) ? 4 : !strncmp(rest, "/root", 5) ? 5 : 0;
				if (strncmp(w->text + 6, pids[p], n) || !kl || (rest[kl] && rest[kl] != '/') ||
				    strpbrk(rest, "$`"))
					continue; /* /proc/$$/environ, /proc/$$/fd/3: as before */
				w->flags &= ~(unsigned)GUARD_WORD_DYNAMIC;
				free(w->bare);
				w->bare = NULL;
				break;
			}
		}
}
