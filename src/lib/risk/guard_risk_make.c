/*
 * make's files: what `make [TARGET]` runs, read as make reads it.
 *
 * The makefile make picks (GNUmakefile, makefile, Makefile; every -f;
 * MAKEFILES given to make) and the files it includes (include, -include,
 * sinclude, with -I folders and make's own search path, bounded in depth,
 * count and size) are joined into logical lines as make joins them
 * (backslash-newline). Simple variables (=, :=, ::=, ?=, +=, the command
 * line's NAME=VALUE, make's built-ins), substitution references and the
 * text functions (subst, patsubst, addprefix, wildcard, ...) are expanded;
 * what cannot be worked out ($(shell), $(call), the environment, a value
 * set inside a conditional) stays unknown.
 *
 * Every line is checked for guard's state by name, literal or as a shell
 * pattern (.a[i], .a?, .*), and such a line is rated as the shell command
 * it is. The recipes of the targets make would build (the goals, what
 * they depend on, pattern rules, rules for included files) are also
 * rated where they run a make (its files read in turn, $(MAKE) -f X) and
 * where a writer (rm, mv, cp, tee, >, ...) gets a name guard cannot work
 * out: at least asked. An include guard cannot name or read is asked.
 * Every file read is bound into an approval's digest.
 */
#include <fnmatch.h>
#include <glob.h>
#include <string.h>
#include <sys/stat.h>

#include "guard_glob.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define MK_FILE_MAX (4u << 20) /* bytes of one makefile */
#define MK_FILES_MAX 64	       /* makefiles read for one make */
#define MK_INCLUDE_DEPTH 8     /* include inside include */
#define MK_EXPAND_DEPTH 24     /* variables inside variables */
#define MK_UNKNOWN '\x01'      /* a part of an expansion guard cannot work out */

struct mk_var {
	char *name;
	size_t nlen;  /* strlen(name): every reference looks the names up */
	char *value; /* NULL: unknown */
};

struct mk_line {
	char *text;   /* logical line (continuations joined) */
	int rule;     /* recipe line of rules[rule], or -1 */
	const char *file; /* the makefile it is in (a name in mk.seen) */
};

struct mk_rule {
	char *targets; /* expanded */
	char *prereqs; /* expanded */
	bool always;   /* a pattern, suffix or special rule: may run for any goal */
	bool reached;
};

struct mk {
	struct risk_state *st;
	char *dir;		 /* the folder make runs in */
	struct guard_list incdirs;/* -I folders (absolute) */
	struct mk_var *vars;
	size_t nvars, avars;
	struct mk_line *lines;
	size_t nlines, alines;
	struct mk_rule *rules;
	size_t nrules, arules;
	struct guard_list seen;	 /* makefiles read (absolute) */
	struct guard_list goals;
	struct guard_list checked; /* texts already rated */
	bool everything;	 /* which recipes run cannot be told: all of them */
	unsigned cond;		 /* depth of ifeq/ifdef blocks */
	char prefix;		 /* .RECIPEPREFIX */
	/* automatic variables of the recipe being expanded */
	const char *at, *lt, *all;
};

#define MK_INIT { NULL, NULL, GUARD_LIST_INIT, NULL, 0, 0, NULL, 0, 0, NULL, 0, 0, GUARD_LIST_INIT, \
		  GUARD_LIST_INIT, GUARD_LIST_INIT, false, 0, '\t', NULL, NULL, NULL }

/* ---- variables ----------------------------------------------------------- */

static struct mk_var *
var_find(struct mk *m, const char *name, size_t n)
{
	for (size_t i = 0; i < m->nvars; i++)
		if (m->vars[i].nlen == n && !memcmp(m->vars[i].name, name, n))
			return &m->vars[i];
	return NULL;
}

/* op: '=' set, '?' set if unset, '+' append; value NULL: unknown. */
static void
var_set(struct mk *m, const char *name, size_t n, const char *value, char op)
{
	struct mk_var *v = var_find(m, name, n);

	if (v && op == '?')
		return;
	if (!v) {
		if (m->nvars == m->avars) {
			m->avars = m->avars ? m->avars * 2 : 32;
			m->vars = guard_xrealloc(m->vars, m->avars * sizeof(*m->vars));
		}
		v = &m->vars[m->nvars++];
		v->name = guard_xstrndup(name, n);
		v->nlen = n;
		/* a new name is set whatever op says: its value, or unknown in a branch or from the environment */
		v->value = !m->cond && value ? guard_xstrdup(value) : NULL;
		return;
	}
	if (m->cond || !value || !v->value) {
		/* set in a branch of a conditional, from the environment: either value may hold */
		free(v->value);
		v->value = NULL;
	} else if (op == '+') {
		char *j = guard_xasprintf("%s%s%s", v->value, *v->value ? " " : "", value);
		free(v->value);
		v->value = j;
	} else {
		free(v->value);
		v->value = guard_xstrdup(value);
	}
}

static const char *const mk_builtins[] = {
	"MAKE=make", "CC=cc", "CXX=g++", "CPP=cc -E", "AR=ar", "AS=as", "LD=ld", "RM=rm -f", "SHELL=/bin/sh",
	"ARFLAGS=rv", "CFLAGS=", "CXXFLAGS=", "CPPFLAGS=", "LDFLAGS=", "LDLIBS=", "LOADLIBES=", "TARGET_ARCH=",
	"MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=0", "INSTALL=install", "MKDIR_P=mkdir -p", NULL
};

/* ---- expansion ----------------------------------------------------------- */

static void expand(struct mk *m, const char *s, size_t n, struct guard_buf *out, unsigned depth);

/* The ')' or '}' closing the reference opened at s[-1] (close), or NULL. */
static const char *
ref_end(const char *s, const char *end, char open, char close)
{
	int d = 1;
	for (; s < end; s++) {
		if (*s == open)
			d++;
		else if (*s == close && !--d)
			return s;
	}
	return NULL;
}

/* Split s (n bytes) at top-level commas into at most max arguments. */
static size_t
split_args(const char *s, size_t n, const char **arg, size_t *len, size_t max)
{
	size_t k = 0;
	int d = 0;
	const char *start = s;
	for (size_t i = 0; i <= n; i++) {
		char ch = i < n ? s[i] : ',';
		if (ch == '(' || ch == '{')
			d++;
		else if ((ch == ')' || ch == '}') && d)
			d--;
		else if (ch == ',' && !d && (k + 1 < max || i == n)) {
			arg[k] = start, len[k] = (size_t)(s + i - start);
			k++;
			start = s + i + 1;
		}
	}
	return k;
}

static char *
expand_dup(struct mk *m, const char *s, size_t n, unsigned depth)
{
	struct guard_buf b = GUARD_BUF_INIT;
	expand(m, s, n, &b, depth);
	guard_buf_addch(&b, '\0');
	return guard_buf_detach(&b);
}

/* Words of s (whitespace separated) one at a time: *w, *wn; false at the end. */
static bool
next_word(const char **p, const char **w, size_t *wn)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return false;
	*w = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	*wn = (size_t)(s - *w);
	*p = s;
	return true;
}

static void
add_word(struct guard_buf *out, const char *w, size_t n)
{
	if (out->len && out->buf[out->len - 1] != ' ')
		guard_buf_addch(out, ' ');
	guard_buf_add(out, w, n);
}

/* make's % pattern against a word: the stem into *stem (length *sn). */
static bool
pattern_match(const char *pat, const char *w, size_t wn, const char **stem, size_t *sn)
{
	const char *pc = strchr(pat, '%');
	if (!pc) {
		*stem = w, *sn = 0;
		return strlen(pat) == wn && !memcmp(pat, w, wn);
	}
	size_t pre = (size_t)(pc - pat), post = strlen(pc + 1);
	if (wn < pre + post || memcmp(w, pat, pre) || memcmp(w + wn - post, pc + 1, post))
		return false;
	*stem = w + pre, *sn = wn - pre - post;
	return true;
}

static void
pattern_replace(struct guard_buf *out, const char *rep, const char *stem, size_t sn)
{
	const char *pc = strchr(rep, '%');
	if (!pc) {
		guard_buf_addstr(out, rep);
		return;
	}
	guard_buf_add(out, rep, (size_t)(pc - rep));
	guard_buf_add(out, stem, sn);
	guard_buf_addstr(out, pc + 1);
}

static void
patsubst(struct guard_buf *out, const char *pat, const char *rep, const char *text)
{
	const char *w;
	size_t wn;
	for (const char *p = text; next_word(&p, &w, &wn);) {
		const char *stem;
		size_t sn;
		if (out->len && out->buf[out->len - 1] != ' ')
			guard_buf_addch(out, ' ');
		if (pattern_match(pat, w, wn, &stem, &sn))
			pattern_replace(out, rep, stem, sn);
		else
			guard_buf_add(out, w, wn);
	}
}

static void rate_text(struct mk *m, const char *what, const char *text, bool runs);

/* $(wildcard PATTERNS): the files there now, relative to make's folder. */
static void
wildcard(struct mk *m, struct guard_buf *out, const char *pats)
{
	const char *w;
	size_t wn;
	for (const char *p = pats; next_word(&p, &w, &wn);) {
		char *pat = guard_xstrndup(w, wn);
		char *abs = guard_path_lexical(m->dir, pat, m->st->ctx->home);
		struct guard_list g = GUARD_LIST_INIT;
		risk_glob(abs, 0, &g);
		size_t dl = strlen(m->dir);
		for (size_t i = 0; i < g.len; i++) {
			const char *r = g.items[i];
			if (pat[0] != '/' && !strncmp(r, m->dir, dl) && r[dl] == '/')
				r += dl + 1;
			add_word(out, r, strlen(r));
		}
		guard_list_clear(&g);
		free(abs);
		free(pat);
	}
}

/* One function call $(NAME ARGS) (args unexpanded): its value into out. */
static bool
function(struct mk *m, const char *name, size_t nn, const char *args, size_t an, struct guard_buf *out,
	 unsigned depth)
{
	static const char *const known[] = { "subst", "patsubst", "addprefix", "addsuffix", "notdir", "dir",
					     "basename", "suffix", "sort", "strip", "firstword", "lastword",
					     "wildcard", "filter", "filter-out", "shell", "eval", "file", "call",
					     "foreach", "if", "or", "and", "origin", "flavor", "value", "error",
					     "warning", "info", "abspath", "realpath", "join", "word", "wordlist",
					     "words", "guile", "let", "intcmp", NULL };
	char fn[16];
	if (nn >= sizeof(fn))
		return false;
	memcpy(fn, name, nn);
	fn[nn] = '\0';
	if (!risk_name_in(known, fn))
		return false;
	const char *a[3];
	size_t al[3];
	size_t na = split_args(args, an, a, al, !strcmp(fn, "patsubst") || !strcmp(fn, "subst") ? 3 : 2);
	char *x[3] = { NULL, NULL, NULL };
	if (!strcmp(fn, "shell") || !strcmp(fn, "eval")) {
		char *body = expand_dup(m, args, an, depth + 1);
		rate_text(m, !strcmp(fn, "shell") ? "make $(shell)" : "make $(eval)", body, true);
		if (!strcmp(fn, "eval"))
			m->everything = true; /* rules made at run time */
		free(body);
		guard_buf_addch(out, MK_UNKNOWN);
		return true;
	}
	if (!strcmp(fn, "file")) {
		char *target = expand_dup(m, a[0], al[0], depth + 1);
		const char *t = target;
		while (*t == ' ')
			t++;
		if (*t == '>') {
			t += t[1] == '>' ? 2 : 1;
			while (*t == ' ')
				t++;
			if (strchr(t, MK_UNKNOWN))
				risk_rule(m->st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
					  "make's $(file >...) writes a file whose name guard cannot work out");
			else
				risk_path_str(m->st, "make $(file)", t, PATH_WRITE);
		}
		free(target);
		guard_buf_addch(out, MK_UNKNOWN);
		return true;
	}
	static const char *const text_fns[] = { "subst", "patsubst", "addprefix", "addsuffix", "notdir", "dir",
						"basename", "suffix", "sort", "strip", "firstword", "lastword",
						"wildcard", "filter", "filter-out", NULL };
	if (!risk_name_in(text_fns, fn)) {
		guard_buf_addch(out, MK_UNKNOWN); /* call, foreach, if, ...: not worked out */
		return true;
	}
	for (size_t i = 0; i < na; i++)
		x[i] = expand_dup(m, a[i], al[i], depth + 1);
	bool unknown = false;
	for (size_t i = 0; i < na; i++)
		unknown |= strchr(x[i], MK_UNKNOWN) != NULL;
	const char *w;
	size_t wn;
	if (unknown) {
		guard_buf_addch(out, MK_UNKNOWN);
	} else if (!strcmp(fn, "subst") && na == 3) {
		size_t fl = strlen(x[0]);
		for (const char *p = x[2]; *p;) {
			const char *hit = fl ? strstr(p, x[0]) : NULL;
			if (!hit) {
				guard_buf_addstr(out, p);
				break;
			}
			guard_buf_add(out, p, (size_t)(hit - p));
			guard_buf_addstr(out, x[1]);
			p = hit + fl;
		}
	} else if (!strcmp(fn, "patsubst") && na == 3) {
		patsubst(out, x[0], x[1], x[2]);
	} else if ((!strcmp(fn, "addprefix") || !strcmp(fn, "addsuffix")) && na == 2) {
		bool pre = fn[3] == 'p';
		for (const char *p = x[1]; next_word(&p, &w, &wn);) {
			if (out->len && out->buf[out->len - 1] != ' ')
				guard_buf_addch(out, ' ');
			if (pre)
				guard_buf_addstr(out, x[0]);
			guard_buf_add(out, w, wn);
			if (!pre)
				guard_buf_addstr(out, x[0]);
		}
	} else if (!strcmp(fn, "notdir") || !strcmp(fn, "dir") || !strcmp(fn, "basename") || !strcmp(fn, "suffix")) {
		for (const char *p = x[0]; next_word(&p, &w, &wn);) {
			const char *slash = w + wn;
			while (slash > w && slash[-1] != '/')
				slash--;
			const char *dot = NULL;
			for (const char *q = slash; q < w + wn; q++)
				if (*q == '.')
					dot = q;
			if (!strcmp(fn, "notdir"))
				add_word(out, slash, (size_t)(w + wn - slash));
			else if (!strcmp(fn, "dir"))
				add_word(out, slash > w ? w : "./", slash > w ? (size_t)(slash - w) : 2);
			else if (!strcmp(fn, "basename"))
				add_word(out, w, dot ? (size_t)(dot - w) : wn);
			else if (dot)
				add_word(out, dot, (size_t)(w + wn - dot));
		}
	} else if (!strcmp(fn, "wildcard")) {
		wildcard(m, out, x[0]);
	} else if (!strcmp(fn, "filter") || !strcmp(fn, "filter-out")) {
		bool keep = !strcmp(fn, "filter");
		for (const char *p = na == 2 ? x[1] : ""; next_word(&p, &w, &wn);) {
			bool hit = false;
			const char *pw, *stem;
			size_t pn, sn;
			for (const char *q = x[0]; !hit && next_word(&q, &pw, &pn);) {
				char *pat = guard_xstrndup(pw, pn);
				hit = pattern_match(pat, w, wn, &stem, &sn);
				free(pat);
			}
			if (hit == keep)
				add_word(out, w, wn);
		}
	} else { /* sort, strip, firstword, lastword: the words as they are (a superset) */
		for (const char *p = x[0]; next_word(&p, &w, &wn);)
			add_word(out, w, wn);
	}
	for (size_t i = 0; i < 3; i++)
		free(x[i]);
	return true;
}

/* A variable's value by (expanded) name, automatic variables included. */
static void
variable(struct mk *m, const char *name, size_t n, struct guard_buf *out, unsigned depth)
{
	const char *autov = NULL;
	if (n >= 1 && n <= 2 && strchr("@<^+?*%|", name[0]) && (n == 1 || name[1] == 'D' || name[1] == 'F')) {
		autov = name[0] == '@' ? m->at : name[0] == '<' ? m->lt : name[0] == '*' ? "stem" : name[0] == '%' ? ""
			: m->all;
		if (!autov) {
			guard_buf_addch(out, MK_UNKNOWN);
			return;
		}
		guard_buf_addstr(out, autov); /* $(@D) and $(@F) as the whole name: a superset of what is named */
		return;
	}
	if (memchr(name, MK_UNKNOWN, n)) {
		guard_buf_addch(out, MK_UNKNOWN);
		return;
	}
	struct mk_var *v = var_find(m, name, n);
	if (n == 6 && !memcmp(name, "CURDIR", 6)) {
		guard_buf_addstr(out, m->dir);
		return;
	}
	if (!v || !v->value) { /* unset here: make takes it from the environment */
		guard_buf_addch(out, MK_UNKNOWN);
		return;
	}
	char *val = guard_xstrdup(v->value); /* expanding may add variables and move the array */
	expand(m, val, strlen(val), out, depth + 1);
	free(val);
}

static void
expand(struct mk *m, const char *s, size_t n, struct guard_buf *out, unsigned depth)
{
	const char *end = s + n;

	if (depth > MK_EXPAND_DEPTH) {
		guard_buf_addch(out, MK_UNKNOWN);
		return;
	}
	while (s < end) {
		const char *d = memchr(s, '$', (size_t)(end - s));
		if (!d) {
			guard_buf_add(out, s, (size_t)(end - s));
			return;
		}
		guard_buf_add(out, s, (size_t)(d - s));
		if (d + 1 >= end) {
			guard_buf_addch(out, '$');
			return;
		}
		char c = d[1];
		if (c == '$') {
			guard_buf_addch(out, '$');
			s = d + 2;
			continue;
		}
		if (c != '(' && c != '{') {
			variable(m, d + 1, 1, out, depth);
			s = d + 2;
			continue;
		}
		const char *in = d + 2, *close = ref_end(in, end, c, c == '(' ? ')' : '}');
		if (!close) {
			guard_buf_addch(out, MK_UNKNOWN);
			return;
		}
		s = close + 1;
		size_t rn = (size_t)(close - in);
		size_t nn = strcspn(in, " \t");
		if (nn < rn && function(m, in, nn, in + nn + 1, rn - nn - 1, out, depth))
			continue;
		/* $(VAR:a=b), $(VAR:%.c=%.o): a substitution reference */
		const char *colon = NULL;
		int dd = 0;
		for (const char *q = in; q < close; q++) {
			if (*q == '(' || *q == '{')
				dd++;
			else if ((*q == ')' || *q == '}') && dd)
				dd--;
			else if (*q == ':' && !dd) {
				colon = q;
				break;
			}
		}
		const char *eq = colon ? memchr(colon, '=', (size_t)(close - colon)) : NULL;
		char *name = expand_dup(m, in, (size_t)((colon && eq ? colon : close) - in), depth + 1);
		if (colon && eq) {
			struct guard_buf val = GUARD_BUF_INIT;
			variable(m, name, strlen(name), &val, depth);
			guard_buf_addch(&val, '\0');
			char *from = expand_dup(m, colon + 1, (size_t)(eq - colon - 1), depth + 1);
			char *to = expand_dup(m, eq + 1, (size_t)(close - eq - 1), depth + 1);
			if (strchr(val.buf, MK_UNKNOWN) || strchr(from, MK_UNKNOWN) || strchr(to, MK_UNKNOWN)) {
				guard_buf_addch(out, MK_UNKNOWN);
			} else {
				char *pf = strchr(from, '%') ? guard_xstrdup(from) : guard_xasprintf("%%%s", from);
				char *pt = strchr(from, '%') ? guard_xstrdup(to) : guard_xasprintf("%%%s", to);
				patsubst(out, pf, pt, val.buf);
				free(pf);
				free(pt);
			}
			free(from);
			free(to);
			guard_buf_release(&val);
		} else {
			variable(m, name, strlen(name), out, depth);
		}
		free(name);
	}
}

/* ---- what a line does ------------------------------------------------------ */

static const char *const mk_guard_names[] = { ".ai", ".claude", ".git", ".mcp.json", "PENDING_PLANS.md", "guard",
					      "guard-approve", "guard-audit", "guard-git", "guard-githook",
					      "guard-policy", "guard-risk", "guard-scan", "guard-session", NULL };

/* Does text name guard's state or programs, literally or as a shell pattern (.a[i], .a?, .*, .{a,x}i)? */
static bool
names_guard(const char *text)
{
	static const char *const words[] = { "guard", ".ai/", ".ai ", ".git/", "PENDING_PLANS", ".claude", NULL };
	size_t n = strlen(text);
	for (size_t i = 0; words[i]; i++)
		if (strstr(text, words[i]))
			return true;
	if (n >= 3 && !memcmp(text + n - 3, ".ai", 3))
		return true;
	for (const char *p = text; *p;) {
		size_t k = strcspn(p, " \t\n'\"/;&|()<>=,`\\:");
		if (k && k < 256) {
			char tok[256];
			memcpy(tok, p, k);
			tok[k] = '\0';
			if (!strcmp(tok, ".ai"))
				return true;
			if (strpbrk(tok, "*?[{"))
				for (size_t i = 0; mk_guard_names[i]; i++)
					if (fnmatch(tok, mk_guard_names[i], FNM_PERIOD) == 0 ||
					    (strchr(tok, '{') && guard_glob_match(tok, mk_guard_names[i])))
						return true;
		}
		p += k ? k : 1;
	}
	return false;
}

/* Shell text with unknown parts dropped, $$ already a dollar. */
static char *
shell_text(const char *s)
{
	struct guard_buf b = GUARD_BUF_INIT;
	for (; *s; s++)
		if (*s != MK_UNKNOWN)
			guard_buf_addch(&b, *s);
	guard_buf_addch(&b, '\0');
	return guard_buf_detach(&b);
}

/* Rate text as the shell line it is, in make's folder (each text once). */
static void
nest(struct mk *m, const char *what, const char *text)
{
	char *sh = shell_text(text);
	if (strcmp(m->dir, m->st->cwds[0])) {
		struct guard_buf cd = GUARD_BUF_INIT;
		guard_buf_addstr(&cd, "(cd ");
		risk_add_single_quoted(&cd, m->dir);
		guard_buf_addf(&cd, " && %s)", sh);
		guard_buf_addch(&cd, '\0');
		free(sh);
		sh = guard_buf_detach(&cd);
	}
	if (!guard_list_has(&m->checked, sh)) {
		const char *outer = m->st->from_file;
		guard_list_add(&m->checked, sh);
		m->st->from_file = what; /* read from a makefile: its words are not quoted as they are */
		risk_explain(m->st, "    %s holds: %s", what, sh);
		risk_nested(m->st, what, sh, strlen(sh));
		m->st->from_file = outer;
	}
	free(sh);
}

#define MK_HOLE "__guard_make_unknown__"

/*
 * Expanded shell text that runs (a recipe, $(shell)): a writer given a
 * name guard cannot work out is asked; a make it runs is rated (its files
 * read); shell expansions in a writer's words are rated as the shell would.
 */
static void
rate_text(struct mk *m, const char *what, const char *text, bool runs)
{
	static const char *const writers[] = { "rm", "rmdir", "unlink", "mv", "cp", "ln", "install", "rsync", "tee",
					       "dd", "truncate", "shred", "touch", "chmod", "chown", "chgrp", "find",
					       "sed", "perl", "tar", "unzip", "cpio", "patch", "make", "gmake", "git",
					       "xargs", "sh", "bash", "eval", "source", ".", NULL };
	if (names_guard(text)) {
		nest(m, what, text);
		return;
	}
	if (!runs)
		return;
	struct guard_buf b = GUARD_BUF_INIT;
	for (const char *s = text; *s; s++)
		if (*s == MK_UNKNOWN)
			guard_buf_addstr(&b, MK_HOLE);
		else
			guard_buf_addch(&b, *s);
	struct guard_shell sh;
	memset(&sh, 0, sizeof(sh));
	guard_shell_parse(&sh, b.buf ? b.buf : "", b.len, NULL);
	bool ask = false, run_make = false, shell_words = false, runs_script = false;
	for (size_t i = 0; i < sh.ncmds && !ask; i++) {
		const struct guard_shell_cmd *c = &sh.cmds[i];
		if (!c->argc)
			continue;
		const char *verb = risk_basename(c->argv[0].text);
		bool unknown_verb = strstr(c->argv[0].text, MK_HOLE) != NULL;
		bool writer = risk_name_in(writers, verb) || unknown_verb;
		for (size_t k = 0; k < c->nredirs; k++)
			if (c->redirs[k].op != GUARD_REDIR_IN && c->redirs[k].op != GUARD_REDIR_HEREDOC &&
			    c->redirs[k].op != GUARD_REDIR_HERESTRING && strstr(c->redirs[k].target.text, MK_HOLE))
				ask = true;
		for (size_t k = 1; k < c->argc && writer; k++) {
			if (strstr(c->argv[k].text, MK_HOLE))
				ask = true;
			if (c->argv[k].flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_SUBST | GUARD_WORD_VALUE))
				shell_words = true;
		}
		if (!strcmp(verb, "make") || !strcmp(verb, "gmake"))
			run_make = true;
		/* bash src/mk/s[h].sh, . ./env.sh: the script's text is read as the shell reads it */
		if ((risk_is_shell(verb) || !strcmp(verb, "source") || !strcmp(verb, ".")) && c->argc > 1)
			runs_script = true;
	}
	guard_shell_release(&sh);
	if (ask) {
		char *shown = shell_text(b.buf);
		risk_rule(m->st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s writes or deletes a name guard cannot work out (a make function, $(shell) or a value "
			  "from the environment): %s", what, shown);
		free(shown);
	} else if (run_make || shell_words || runs_script) {
		nest(m, what, text);
	}
	guard_buf_release(&b);
}

/* ---- reading the makefiles ---------------------------------------------- */

static void read_makefile(struct mk *m, const char *abs, unsigned depth, bool optional);

static char *
strip(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return guard_xstrndup(s, n);
}

/* include NAMES: each file read (make's folder, then -I, then its own path); a name not worked out is asked. */
static void
include(struct mk *m, const char *names, bool optional, unsigned depth)
{
	static const char *const sys[] = { "/usr/local/include", "/usr/gnu/include", "/usr/include", NULL };
	char *x = expand_dup(m, names, strlen(names), 0);
	const char *w;
	size_t wn;

	if (strchr(x, MK_UNKNOWN)) {
		char *shown = shell_text(x);
		risk_rule(m->st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "make includes a makefile whose name guard cannot work out: %s", *shown ? shown : names);
		free(shown);
		free(x);
		return;
	}
	for (const char *p = x; next_word(&p, &w, &wn);) {
		char *name = guard_xstrndup(w, wn);
		guard_list_add(&m->goals, name); /* make remakes an included file first */
		if (strpbrk(name, "*?[")) {
			struct guard_list g = GUARD_LIST_INIT;
			char *abs = guard_path_lexical(m->dir, name, m->st->ctx->home);
			risk_glob(abs, 0, &g);
			for (size_t i = 0; i < g.len; i++)
				read_makefile(m, g.items[i], depth + 1, optional);
			guard_list_clear(&g);
			free(abs);
			free(name);
			continue;
		}
		char *found = NULL;
		struct stat sb;
		if (name[0] == '/' || name[0] == '~') {
			found = guard_path_lexical(m->dir, name, m->st->ctx->home);
		} else {
			found = guard_path_lexical(m->dir, name, NULL);
			for (size_t i = 0; risk_memo_lstat(found, &sb) != 0 && i < m->incdirs.len; i++) {
				free(found);
				found = guard_path_lexical(m->incdirs.items[i], name, NULL);
			}
			for (size_t i = 0; risk_memo_lstat(found, &sb) != 0 && sys[i]; i++) {
				free(found);
				found = guard_path_lexical(sys[i], name, NULL);
			}
			if (risk_memo_lstat(found, &sb) != 0) {
				free(found);
				found = guard_path_lexical(m->dir, name, NULL);
			}
		}
		read_makefile(m, found, depth + 1, optional);
		free(found);
		free(name);
	}
	free(x);
}

static void
add_line(struct mk *m, char *text, int rule, const char *file)
{
	if (m->nlines == m->alines) {
		m->alines = m->alines ? m->alines * 2 : 64;
		m->lines = guard_xrealloc(m->lines, m->alines * sizeof(*m->lines));
	}
	m->lines[m->nlines++] = (struct mk_line){ text, rule, file };
}

/* The index of the first of stops in s outside $(...) and ${...} (the end when none). */
static size_t
top_level(const char *s, const char *stops)
{
	size_t i = 0;
	int d = 0;
	for (; s[i]; i++) {
		if (s[i] == '$' && (s[i + 1] == '(' || s[i + 1] == '{'))
			d++, i++;
		else if ((s[i] == ')' || s[i] == '}') && d)
			d--;
		else if (!d && strchr(stops, s[i]))
			break;
	}
	return i;
}

/* An assignment "NAME OP VALUE" at s (export/override already dropped): recorded, true. */
static bool
assignment(struct mk *m, const char *s)
{
	size_t i = top_level(s, "=:#");
	if (s[i] != '=' && !(s[i] == ':' && (s[i + 1] == '=' || (s[i + 1] == ':' && (s[i + 2] == '=' ||
										    (s[i + 2] == ':' && s[i + 3] == '='))))))
		return false;
	size_t op_at = i;
	char op = '=';
	bool immediate = s[i] == ':';
	if (op_at && s[op_at - 1] == '?')
		op = '?', op_at--;
	else if (op_at && s[op_at - 1] == '+')
		op = '+', op_at--;
	else if (op_at && s[op_at - 1] == '!')
		op = '!', op_at--;
	char *name = strip(s, op_at);
	const char *v = s + i;
	while (*v == ':' || *v == '=')
		v++;
	char *value = strip(v, strlen(v));
	if (strpbrk(name, " \t")) { /* "x y = z" is no assignment */
		free(name);
		free(value);
		return false;
	}
	if (op == '!') { /* X != cmd: a shell runs cmd now */
		char *x = expand_dup(m, value, strlen(value), 0);
		rate_text(m, "make !=", x, true);
		free(x);
		var_set(m, name, strlen(name), NULL, '=');
	} else if (immediate) {
		char *x = expand_dup(m, value, strlen(value), 0);
		var_set(m, name, strlen(name), strchr(x, MK_UNKNOWN) ? NULL : x, op);
		free(x);
	} else {
		var_set(m, name, strlen(name), value, op);
	}
	if (!strcmp(name, ".RECIPEPREFIX"))
		m->prefix = *value ? value[0] : '\t';
	free(name);
	free(value);
	return true;
}

/* A rule line "TARGETS: PREREQS [; RECIPE]": recorded; its index, or -1. */
static int
rule(struct mk *m, const char *s, const char *file)
{
	size_t i = top_level(s, ":");
	if (s[i] != ':')
		return -1;
	const char *rest = s + i + 1 + (s[i + 1] == ':');
	const char *semi = strchr(rest, ';');
	char *pre = guard_xstrndup(rest, semi ? (size_t)(semi - rest) : strlen(rest));
	/* static pattern rule "objs: %.o: %.c": the prerequisites follow the second colon */
	char *second = strchr(pre, ':');
	if (strchr(pre, '=')) { /* a target-specific variable: t: X = y */
		assignment(m, pre);
		pre[0] = '\0';
	}
	if (m->nrules == m->arules) {
		m->arules = m->arules ? m->arules * 2 : 32;
		m->rules = guard_xrealloc(m->rules, m->arules * sizeof(*m->rules));
	}
	struct mk_rule *r = &m->rules[m->nrules];
	r->targets = expand_dup(m, s, i, 0);
	r->prereqs = expand_dup(m, second ? second + 1 : pre, strlen(second ? second + 1 : pre), 0);
	r->always = strchr(r->targets, '%') || r->targets[strspn(r->targets, " \t")] == '.' ||
		    strchr(r->targets, MK_UNKNOWN) || strpbrk(r->targets, "*?[");
	r->reached = false;
	free(pre);
	int idx = (int)m->nrules++;
	if (semi)
		add_line(m, guard_xstrdup(semi + 1), idx, file);
	return idx;
}

static bool
directive(const char *s, const char *word, const char **rest)
{
	size_t n = strlen(word);
	if (strncmp(s, word, n) || (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '('))
		return false;
	*rest = s + n;
	while (**rest == ' ' || **rest == '\t')
		(*rest)++;
	return true;
}

static void
parse(struct mk *m, const char *data, size_t len, const char *file, unsigned depth)
{
	struct guard_buf l = GUARD_BUF_INIT;
	int cur = -1;		/* the rule recipe lines belong to */
	bool in_define = false;
	struct guard_buf def = GUARD_BUF_INIT;
	char *def_name = NULL;

	for (const char *p = data, *end = data + len; p < end;) {
		guard_buf_reset(&l);
		bool recipe = *p == m->prefix && cur >= 0 && !in_define;
		/* a logical line: backslash-newline joins (in a recipe the next line's tab goes too) */
		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			size_t bs = 0;
			while (bs < n && p[n - 1 - bs] == '\\')
				bs++;
			bool cont = nl && bs % 2 == 1;
			guard_buf_add(&l, p, cont ? n - 1 : n);
			p += n + (nl ? 1 : 0);
			if (!cont || p >= end)
				break;
			if (recipe) {
				if (*p == m->prefix)
					p++;
			} else {
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				guard_buf_addch(&l, ' ');
			}
		}
		guard_buf_addch(&l, '\0');
		char *line = l.buf;
		if (in_define) {
			const char *rest;
			const char *t = line + strspn(line, " \t");
			if (directive(t, "endef", &rest)) {
				in_define = false;
				guard_buf_addch(&def, '\0');
				var_set(m, def_name, strlen(def_name), def.buf ? def.buf : "", '=');
				free(def_name);
				def_name = NULL;
				guard_buf_reset(&def);
			} else {
				if (def.len)
					guard_buf_addch(&def, '\n');
				guard_buf_addstr(&def, line);
				add_line(m, guard_xstrdup(line), -1, file); /* a canned recipe: its names checked */
			}
			continue;
		}
		if (recipe) {
			add_line(m, guard_xstrdup(line + 1), cur, file);
			continue;
		}
		/* a comment ends the line (not \#) */
		for (char *h = line; (h = strchr(h, '#')) != NULL; h++)
			if (h == line || h[-1] != '\\') {
				*h = '\0';
				break;
			}
		const char *t = line + strspn(line, " \t"), *rest;
		if (!*t)
			continue;
		add_line(m, guard_xstrdup(t), -1, file);
		if (directive(t, "include", &rest) || directive(t, "-include", &rest) ||
		    directive(t, "sinclude", &rest)) {
			if (depth >= MK_INCLUDE_DEPTH)
				risk_rule(m->st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
					  "make includes makefiles more than %d deep: %s", MK_INCLUDE_DEPTH, rest);
			else
				include(m, rest, t[0] != 'i', depth);
			cur = -1;
		} else if (directive(t, "ifeq", &rest) || directive(t, "ifneq", &rest) || directive(t, "ifdef", &rest) ||
			   directive(t, "ifndef", &rest)) {
			m->cond++;
		} else if (directive(t, "endif", &rest)) {
			if (m->cond)
				m->cond--;
		} else if (directive(t, "else", &rest)) {
			/* else ifeq ...: the same block */
		} else if (directive(t, "define", &rest)) {
			size_t n = strcspn(rest, " \t=:?+!");
			free(def_name);
			def_name = guard_xstrndup(rest, n);
			in_define = true;
		} else if (directive(t, "vpath", &rest) || directive(t, "unexport", &rest) ||
			   directive(t, "undefine", &rest)) {
			/* nothing runs */
		} else {
			const char *a = t;
			while (directive(a, "export", &rest) || directive(a, "override", &rest) ||
			       directive(a, "private", &rest))
				a = rest;
			if (!assignment(m, a) && a == t)
				cur = rule(m, t, file);
		}
	}
	if (def_name) /* define without endef: make stops; what was read is checked */
		free(def_name);
	guard_buf_release(&def);
	guard_buf_release(&l);
}

static void
read_makefile(struct mk *m, const char *abs, unsigned depth, bool optional)
{
	char *data = NULL;
	size_t len = 0;
	struct stat sb;

	if (guard_list_has(&m->seen, abs))
		return;
	if (m->seen.len >= MK_FILES_MAX) {
		risk_rule(m->st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "make reads more than %d makefiles: %s",
			  MK_FILES_MAX, abs);
		return;
	}
	guard_list_add(&m->seen, abs);
	if (risk_secret_source(m->st, "make", abs, abs))
		return; /* a secret is not read to rate it (share/doc/trust.md section 10) */
	bool regular = risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode); /* a FIFO reads as empty now */
	if (!regular || risk_memo_read(abs, MK_FILE_MAX, &data, &len) < 0) {
		bool missing = risk_memo_lstat(abs, &sb) != 0;
		risk_bind_failed(m->st, abs);
		if (!missing)
			risk_rule(m->st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "make reads a makefile guard cannot read (unreadable, not a regular file, or over %u MiB): %s",
				  MK_FILE_MAX >> 20, abs);
		(void)optional; /* a missing include stops make or is remade by a rule, which is rated */
		return;
	}
	risk_bind_bytes(m->st, abs, data, len);
	if (memchr(data, '\0', len)) {
		risk_rule(m->st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "make reads a makefile that is not text: %s", abs);
	} else {
		unsigned cond = m->cond;
		m->cond = 0;
		parse(m, data, len, m->seen.items[m->seen.len - 1], depth);
		m->cond = cond;
	}
	free(data);
}

/* ---- which recipes run ----------------------------------------------------- */

static bool
word_in(const char *list, const char *w, size_t wn)
{
	const char *x;
	size_t xn;
	for (const char *p = list; next_word(&p, &x, &xn);)
		if (xn == wn && !memcmp(x, w, wn))
			return true;
	return false;
}

static void
reach(struct mk *m)
{
	const char *def = NULL;
	struct mk_var *dg = var_find(m, ".DEFAULT_GOAL", 13);

	if (dg && !dg->value)
		m->everything = true;
	for (size_t i = 0; i < m->nrules && !def; i++)
		if (!m->rules[i].always)
			def = m->rules[i].targets;
	struct guard_list todo = GUARD_LIST_INIT;
	for (size_t i = 0; i < m->goals.len; i++)
		if (!strcmp(m->goals.items[i], "\x02")) { /* the default goal */
			const char *w;
			size_t wn;
			const char *p = dg && dg->value ? dg->value : def ? def : "";
			if (next_word(&p, &w, &wn)) {
				char *g = guard_xstrndup(w, wn);
				guard_list_add(&todo, g);
				free(g);
			}
		} else {
			guard_list_add(&todo, m->goals.items[i]);
		}
	for (size_t t = 0; t < todo.len && todo.len < 4096; t++) {
		const char *goal = todo.items[t];
		for (size_t i = 0; i < m->nrules; i++) {
			struct mk_rule *r = &m->rules[i];
			if (r->reached || !word_in(r->targets, goal, strlen(goal)))
				continue;
			r->reached = true;
			if (strchr(r->prereqs, MK_UNKNOWN))
				m->everything = true;
			const char *w;
			size_t wn;
			for (const char *p = r->prereqs; next_word(&p, &w, &wn);) {
				if (wn == 1 && *w == '|')
					continue;
				char *g = guard_xstrndup(w, wn);
				guard_list_add_unique(&todo, g);
				free(g);
			}
		}
	}
	guard_list_clear(&todo);
}

/* ---- the entry point ------------------------------------------------------- */

static void
mk_release(struct mk *m)
{
	for (size_t i = 0; i < m->nvars; i++) {
		free(m->vars[i].name);
		free(m->vars[i].value);
	}
	free(m->vars);
	for (size_t i = 0; i < m->nlines; i++)
		free(m->lines[i].text);
	free(m->lines);
	for (size_t i = 0; i < m->nrules; i++) {
		free(m->rules[i].targets);
		free(m->rules[i].prereqs);
	}
	free(m->rules);
	guard_list_clear(&m->seen);
	guard_list_clear(&m->goals);
	guard_list_clear(&m->checked);
	guard_list_clear(&m->incdirs);
	free(m->dir);
}

/* make's options that take the next word as their value. */
static bool
value_option(const char *a)
{
	static const char *const opts[] = { "-C", "-f", "-I", "-o", "-W", "-E", "--directory", "--file", "--makefile",
					    "--include-dir", "--old-file", "--assume-old", "--what-if", "--new-file",
					    "--assume-new", "--eval", NULL };
	return risk_name_in(opts, a);
}

/*
 * A cluster of make's short options (-kf FILE, -sCdir, -Etext): the first
 * letter taking a value, its value in *v (the next word: *i moves); 0 none.
 */
static char
make_cluster(const struct risk_cmd *c, size_t *i, const char **v)
{
	const char *opts = risk_optstring("make");
	const char *a = c->argv[*i].text;

	for (const char *p = a + 1; *p; p++) {
		int kind = risk_opt_kind(opts, *p);
		if (!kind)
			continue;
		if (kind == 2)
			return 0; /* -j4, -l2, -Oline: the rest is its value */
		const char *val = p[1] ? p + 1 : *i + 1 < c->argc ? c->argv[++*i].text : NULL;
		if (!val || !strchr("CfIE", *p))
			return 0; /* -o FILE, -W FILE: nothing make reads */
		*v = val;
		return *p;
	}
	return 0;
}

/* SHELL and .SHELLFLAGS as make will use them (guard_risk_make_shell.c); the recipes' language or NULL. */
static const char *
recipe_shell(struct mk *m)
{
	struct mk_var *flags = var_find(m, ".SHELLFLAGS", 11);
	char *sh = expand_dup(m, "$(SHELL)", 8, 0);
	char *fl = flags ? expand_dup(m, "$(.SHELLFLAGS)", 14, 0) : NULL;
	const char *lang = risk_make_shell(m->st, m->dir, strchr(sh, MK_UNKNOWN) ? NULL : sh,
					   fl && !strchr(fl, MK_UNKNOWN) ? fl : NULL, flags != NULL);
	free(sh);
	free(fl);
	return lang;
}

/* The makes being rated, outermost first ("DIR\nARG\nARG..."): a recipe that runs the same make again adds nothing. */
static _Thread_local struct guard_list mk_running;

static void rate_make_files(struct risk_state *st, const struct risk_cmd *c);

void
risk_make_files(struct risk_state *st, const struct risk_cmd *c)
{
	struct guard_buf key = GUARD_BUF_INIT;

	guard_buf_addstr(&key, st->cwds[0]);
	for (size_t i = 0; i < c->argc; i++) {
		guard_buf_addch(&key, '\n');
		guard_buf_addstr(&key, i ? c->argv[i].text : "make");
	}
	for (size_t i = 0; c->cmd && i < c->cmd->nassigns; i++) {
		guard_buf_addch(&key, '\n');
		guard_buf_addstr(&key, c->cmd->assigns[i].text);
	}
	guard_buf_addch(&key, '\0');
	if (guard_list_has(&mk_running, key.buf)) {
		risk_explain(st, "    make: the same make is being rated already");
	} else {
		guard_list_add(&mk_running, key.buf);
		rate_make_files(st, c);
		free(mk_running.items[--mk_running.len]);
		if (!mk_running.len)
			guard_list_clear(&mk_running);
	}
	guard_buf_release(&key);
}

static void
rate_make_files(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const names[] = { "GNUmakefile", "makefile", "Makefile", NULL };
	struct mk m = MK_INIT;
	struct guard_list files = GUARD_LIST_INIT;

	m.st = st;
	m.dir = guard_xstrdup(st->cwds[0]);
	for (size_t i = 0; mk_builtins[i]; i++) {
		const char *eq = strchr(mk_builtins[i], '=');
		var_set(&m, mk_builtins[i], (size_t)(eq - mk_builtins[i]), eq + 1, '=');
	}
	for (size_t i = 0; c->cmd && i < c->cmd->nassigns; i++) { /* NAME=VALUE make: from the environment */
		const struct guard_shell_word *w = &c->cmd->assigns[i];
		const char *eq = strchr(w->text, '=');
		if (eq)
			var_set(&m, w->text, (size_t)(eq - w->text),
				w->flags & GUARD_WORD_DYNAMIC ? NULL : eq + 1, '=');
	}
	bool dynamic = false;
	struct guard_list evals = GUARD_LIST_INIT;
	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *a = w->text, *v = NULL;
		char opt = 0;
		if (!strcmp(a, "--"))
			continue;
		if (value_option(a) && i + 1 < c->argc) {
			opt = a[1] == '-' ? a[2] : a[1];
			if (!strcmp(a, "--include-dir"))
				opt = 'I';
			else if (!strcmp(a, "--makefile"))
				opt = 'f';
			else if (!strcmp(a, "--eval"))
				opt = 'E';
			w = &c->argv[++i];
			v = w->text;
		} else if (a[0] == '-' && a[1] == '-' && strchr(a, '=')) {
			opt = !strncmp(a, "--directory=", 12) ? 'C' : !strncmp(a, "--file=", 7) || !strncmp(a, "--makefile=", 11) ? 'f'
			      : !strncmp(a, "--include-dir=", 14) ? 'I' : !strncmp(a, "--eval=", 7) ? 'E' : 0;
			v = strchr(a, '=') + 1;
		} else if (a[0] == '-' && a[1] && a[1] != '-' && (opt = make_cluster(c, &i, &v)) != 0) {
			w = &c->argv[i]; /* -kf FILE, -sCdir, -Einclude x.mk: as getopt reads them */
		} else if (a[0] == '-') {
			continue;
		} else if (strchr(a, '=')) { /* make NAME=VALUE: overrides the makefile */
			continue;
		} else {
			guard_list_add(&m.goals, a);
			continue;
		}
		if (!opt)
			continue;
		if ((w->flags & GUARD_WORD_DYNAMIC) && (opt == 'C' || opt == 'f' || opt == 'I'))
			dynamic = true;
		if (opt == 'C') {
			char *d = guard_path_resolve(m.dir, v, st->ctx->home);
			free(m.dir);
			m.dir = d;
		} else if (opt == 'I') {
			char *d = guard_path_resolve(m.dir, v, st->ctx->home);
			guard_list_add(&m.incdirs, d);
			free(d);
		} else if (opt == 'f') {
			guard_list_add(&files, v);
		} else if (opt == 'E') {
			if (w->flags & GUARD_WORD_DYNAMIC)
				dynamic = true;
			guard_list_add(&evals, v);
		}
	}
	if (dynamic) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "make reads a makefile or folder named by a value guard "
			  "cannot work out");
		goto out;
	}
	if (!m.goals.len)
		guard_list_add(&m.goals, "\x02");
	/* --eval TEXT: makefile text read before the makefiles */
	for (size_t i = 0; i < evals.len; i++) {
		risk_explain(st, "    make --eval: %s", evals.items[i]);
		parse(&m, evals.items[i], strlen(evals.items[i]), "make --eval", 0);
	}
	/* MAKEFILES=... make: read first, as included */
	for (size_t i = 0; c->cmd && i < c->cmd->nassigns; i++)
		if (!strncmp(c->cmd->assigns[i].text, "MAKEFILES=", 10)) {
			if (c->cmd->assigns[i].flags & GUARD_WORD_DYNAMIC)
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
					  "make reads MAKEFILES named by a value guard cannot work out");
			else
				include(&m, c->cmd->assigns[i].text + 10, true, 0);
		}
	if (files.len) {
		for (size_t i = 0; i < files.len; i++) {
			if (!strcmp(files.items[i], "-") || !strncmp(files.items[i], "/dev/", 5) ||
			    !strncmp(files.items[i], "/proc/", 6))
				continue; /* stdin: rated with make's input (guard_risk_run.c) */
			char *abs = guard_path_resolve(m.dir, files.items[i], st->ctx->home);
			read_makefile(&m, abs, 0, false);
			free(abs);
		}
	} else {
		for (size_t i = 0; names[i]; i++) {
			char *abs = guard_path_resolve(m.dir, names[i], NULL);
			struct stat sb;
			bool there = risk_memo_lstat(abs, &sb) == 0;
			if (there)
				read_makefile(&m, abs, 0, false);
			else
				risk_bind_failed(st, abs);
			free(abs);
			if (there)
				break;
		}
	}
	/* the command line's NAME=VALUE override the makefile's */
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *eq = strchr(a, '=');
		if (i > 1 && value_option(c->argv[i - 1].text))
			continue;
		if (a[0] != '-' && eq && eq > a) {
			size_t n = (size_t)(eq - a);
			if (n && (a[n - 1] == ':' || a[n - 1] == '+' || a[n - 1] == '?'))
				n--;
			if (n && a[n - 1] == ':')
				n--;
			unsigned cond = m.cond;
			m.cond = 0;
			var_set(&m, a, n, c->argv[i].flags & GUARD_WORD_DYNAMIC ? NULL : eq + 1, '=');
			m.cond = cond;
		}
	}
	reach(&m);
	const char *lang = recipe_shell(&m);
	for (size_t i = 0; i < m.nlines; i++) {
		struct mk_line *l = &m.lines[i];
		struct mk_rule *r = l->rule >= 0 ? &m.rules[l->rule] : NULL;
		const char *text = l->text;
		if (r)
			while (*text == ' ' || *text == '\t' || *text == '@' || *text == '-' || *text == '+')
				text++;
		/* as written ($$ is a dollar in the shell): guard's names, literal or a pattern */
		struct guard_buf raw = GUARD_BUF_INIT;
		for (const char *s = text; *s; s++) {
			guard_buf_addch(&raw, *s);
			if (s[0] == '$' && s[1] == '$')
				s++;
		}
		guard_buf_addch(&raw, '\0');
		if (names_guard(raw.buf))
			nest(&m, "make", raw.buf);
		guard_buf_release(&raw);
		if (!r || !(r->reached || r->always || m.everything))
			continue;
		/* a recipe make runs: expanded */
		char *targets = guard_xstrdup(r->targets);
		m.at = targets;
		m.lt = m.all = r->prereqs;
		char *x = expand_dup(&m, text, strlen(text), 0);
		rate_text(&m, "make recipe", x, true);
		if (lang) { /* SHELL := python3: the recipe is its code */
			char *code = shell_text(x);
			risk_code_text(st, lang, code);
			free(code);
		}
		free(x);
		free(targets);
		m.at = m.lt = m.all = NULL;
	}
out:
	guard_list_clear(&files);
	guard_list_clear(&evals);
	mk_release(&m);
}
