/*
 * R code (attack11 L10), read like python's and perl's: the functions
 * that run a shell line (system, shell, pipe) or a program with its
 * arguments (system2, processx, sys::exec_*) are commands; one of them
 * bound to a name, passed as a value (do.call, Reduce, lapply) or named
 * by a string (get, match.fun) is a computed shell command (high), and so
 * is eval(parse(text=)) of text guard cannot read; a literal text is read
 * as R again. File writers, movers and removers are writes for the path
 * rules; source(F) runs F's code.
 */
#include <ctype.h>
#include <string.h>

#include "guard_risk_int.h"

static bool
r_ident(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.';
}

/* Where p lies in code: 0 code, 1 inside a string, 2 inside a comment. */
static int
r_place(const char *code, const char *p)
{
	for (const char *c = code; c < p; c++) {
		if (*c == '#') {
			const char *nl = strchr(c, '\n');
			if (!nl || nl > p)
				return 2;
			c = nl;
		} else if (*c == '"' || *c == '\'') {
			char q = *c;
			for (c++; *c && *c != q; c += (*c == '\\' && c[1]) ? 2 : 1)
				if (c >= p)
					return 1;
			if (!*c || c >= p)
				return 1;
		}
	}
	return 0;
}

/* Is code[p..p+n) the name alone (base::system counts, system.file and Sys.system do not)? */
static bool
r_word_at(const char *code, const char *p, size_t n)
{
	return (p == code || !r_ident(p[-1])) && !r_ident(p[n]);
}

/* After a call's "(", the argument named name (name = V) or else the pos-th positional one (from 0). */
static const char *
r_arg(const char *args, const char *name, int pos)
{
	const char *p = args, *positional = NULL;
	int depth = 0, k = 0;

	for (const char *start = p;; p++) {
		if (*p == '"' || *p == '\'') {
			char q = *p;
			for (p++; *p && *p != q; p += (*p == '\\' && p[1]) ? 2 : 1)
				;
			if (!*p)
				return NULL;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
			continue;
		}
		if ((depth && (*p == ')' || *p == ']' || *p == '}')) || (depth && *p == ',')) {
			depth -= *p != ',';
			continue;
		}
		if (*p && *p != ',' && *p != ')')
			continue;
		/* one argument: start..p */
		const char *a = start + strspn(start, " \t\n");
		size_t nl = strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._");
		const char *eq = a + nl + strspn(a + nl, " \t");
		if (nl && *eq == '=' && eq[1] != '=') {
			if (name && nl == strlen(name) && !strncmp(a, name, nl))
				return eq + 1 + strspn(eq + 1, " \t");
		} else if (k++ == pos && !positional) {
			positional = a;
		}
		if (*p != ',')
			break;
		start = p + 1;
	}
	return positional;
}

/* The literal at p (spaces skipped) into out, or false. */
static bool
r_literal(const char *p, char *out, size_t size)
{
	if (!p)
		return false;
	p += strspn(p, " \t");
	return (*p == '"' || *p == '\'') && risk_read_literal(p, out, size);
}

/* system("CMD", intern = TRUE), pipe("CMD"), shell("CMD"): the first argument is a shell line. */
static void
r_shell_call(struct risk_state *st, const char *fn, const char *args)
{
	char lit[4096];

	const char *name = fn[0] == 'p' ? "description" : fn[1] == 'y' ? "command" : "cmd";

	if (!r_literal(r_arg(args, name, 0), lit, sizeof(lit))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "R %s runs a computed shell command", fn);
		return;
	}
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "R %s runs a shell command", fn);
	risk_nested(st, "R shell-out", lit, strlen(lit));
}

/* Text read as R code again (parse(text=), source()): the whole scan, one level deeper. */
static void
r_again(struct risk_state *st, const char *what, const char *code)
{
	if (st->nest >= RISK_MAX_NEST) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "R %s nested deeper than guard follows", what);
		return;
	}
	st->nest++;
	risk_code_text(st, "R", code);
	st->nest--;
}

/* parse(text = "CODE"), str2lang("CODE"): literal text is R code again; other text is high. */
static void
r_parse_call(struct risk_state *st, const char *fn, const char *args)
{
	char lit[4096];

	if (!strcmp(fn, "parse") && !r_arg(args, "text", -1))
		return; /* parse(file): reads code, runs nothing by itself */
	if (r_literal(r_arg(args, "text", strcmp(fn, "parse") ? 0 : -1), lit, sizeof(lit))) {
		r_again(st, fn, lit);
		return;
	}
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "R evaluates computed code (%s)", fn);
}

/* source("F"), sys.source("F"): F's code runs; a URL or a computed name is high. */
static void
r_source_call(struct risk_state *st, const char *fn, const char *args)
{
	char lit[1024];

	if (!r_literal(r_arg(args, "file", 0), lit, sizeof(lit)) || strstr(lit, "://")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "R %s runs code guard cannot read", fn);
		return;
	}
	const char *earlier = st->remote ? NULL : risk_later_text(st, lit);
	char *text = earlier ? guard_xstrdup(earlier) : risk_command_file_text(st, "R source", lit);
	if (earlier)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "R %s runs %s, written earlier on this line", fn, lit);
	if (text)
		r_again(st, fn, text);
	free(text);
}

/* R's file writers, movers and removers: which argument names the path and what happens to it. */
static const struct r_file_fn {
	const char *fn, *arg;
	int pos;
	enum risk_path_op op;
} r_file_fns[] = {
	{ "writeLines", "con", 1, PATH_WRITE },    { "cat", "file", -1, PATH_WRITE },
	{ "saveRDS", "file", 1, PATH_WRITE },      { "save", "file", -1, PATH_WRITE },
	{ "save.image", "file", 0, PATH_WRITE },   { "write", "file", 1, PATH_WRITE },
	{ "write.csv", "file", 1, PATH_WRITE },    { "write.table", "file", 1, PATH_WRITE },
	{ "writeBin", "con", 1, PATH_WRITE },      { "writeChar", "con", 1, PATH_WRITE },
	{ "sink", "file", 0, PATH_WRITE },         { "file.create", NULL, 0, PATH_WRITE },
	{ "file.append", "file1", 0, PATH_WRITE }, { "file.copy", "to", 1, PATH_WRITE },
	{ "file.rename", "to", 1, PATH_WRITE },    { "file.rename", "from", 0, PATH_MOVE },
	{ "file.symlink", "to", 1, PATH_WRITE },   { "file.link", "to", 1, PATH_WRITE },
	{ "file.remove", NULL, 0, PATH_DELETE },   { "Sys.chmod", "paths", 0, PATH_PERM },
	{ "download.file", "destfile", 1, PATH_WRITE }, { "dput", "file", 1, PATH_WRITE },
	{ "dump", "file", 1, PATH_WRITE },
};

static void
r_file_call(struct risk_state *st, const struct r_file_fn *f, const char *args)
{
	char lit[1024], verb[64];

	if (!r_literal(r_arg(args, f->arg, f->pos), lit, sizeof(lit)) || !lit[0])
		return; /* a computed name: not known here, as in python's open(name) */
	snprintf(verb, sizeof(verb), "R %s", f->fn);
	risk_path_str(st, verb, lit, f->op);
}

/* Functions that run a shell line or a program: called, they are rated; used as values, high. */
static const char *const r_shell_fns[] = { "system", "shell", "pipe", NULL };
static const char *const r_runner_fns[] = { "system2", "run", "process", "exec_wait", "exec_internal",
					    "exec_background", "shell.exec", NULL };

/* name (a runner) at p, not called: passed, bound or named by a string. */
static void
r_runner_value(struct risk_state *st, const char *code, const char *p, const char *name)
{
	size_t n = strlen(name);
	bool quoted = p > code && (p[-1] == '"' || p[-1] == '\'') && p[n] == p[-1];
	int place = r_place(code, p);

	if (!strcmp(name, "run") || !strcmp(name, "process") || place == 2 || (place == 1 && !quoted))
		return; /* ordinary words apart from their call; a comment; a word in a longer text */
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "R calls %s through a name or a value: a computed shell command",
		  name);
}

static void
r_calls(struct risk_state *st, const char *code, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);
		for (const char *p = code; (p = strstr(p, names[i])) != NULL; p += n) {
			if (!r_word_at(code, p, n))
				continue;
			const char *q = p + n + strspn(p + n, " \t");
			bool shell = names == r_shell_fns;
			if (*q == '(' && r_place(code, p))
				continue; /* "system(x)" printed, # system(x) */
			if (*q != '(')
				r_runner_value(st, code, p, names[i]);
			else if (shell)
				r_shell_call(st, names[i], q + 1);
			else if (!strcmp(names[i], "system2"))
				; /* read by the common call scan */
			else if (strcmp(names[i], "process"))
				risk_code_joined_exec(st, "R", q); /* processx::run("rm", c(...)), sys::exec_wait */
		}
	}
}

/*
 * The next call of name in code at or after *p (the word, then '(', not
 * in a string or a comment): its arguments (past the '('), *p moved past
 * the name; NULL when there is none.
 */
static const char *
r_next_call(const char *code, const char **p, const char *name)
{
	size_t n = strlen(name);

	for (; (*p = strstr(*p, name)) != NULL; *p += n) {
		const char *q = *p + n + strspn(*p + n, " \t");
		if (r_word_at(code, *p, n) && *q == '(' && !r_place(code, *p)) {
			*p += n;
			return q + 1;
		}
	}
	return NULL;
}

/* get(NAME), match.fun(NAME): a function fetched by a name built at run time may be system. */
static void
r_fetchers(struct risk_state *st, const char *code)
{
	static const char *const fetchers[] = { "get", "get0", "mget", "match.fun", "getFunction", "dynGet", NULL };
	char lit[256];

	for (size_t i = 0; fetchers[i]; i++)
		for (const char *p = code, *args; (args = r_next_call(code, &p, fetchers[i])) != NULL;) {
			const char *a = r_arg(args, "x", 0);
			if (!a || !r_literal(a, lit, sizeof(lit)))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
					  "R %s fetches a function by a computed name (it may run a shell)", fetchers[i]);
		}
}

void
risk_r_code(struct risk_state *st, const char *code)
{
	r_fetchers(st, code);
	static const char *const parsers[] = { "parse", "str2lang", "str2expression", NULL };
	static const char *const sources[] = { "source", "sys.source", NULL };

	r_calls(st, code, r_shell_fns);
	r_calls(st, code, r_runner_fns);
	for (size_t i = 0; parsers[i]; i++)
		for (const char *p = code, *args; (args = r_next_call(code, &p, parsers[i])) != NULL;)
			r_parse_call(st, parsers[i], args);
	for (size_t i = 0; sources[i]; i++)
		for (const char *p = code, *args; (args = r_next_call(code, &p, sources[i])) != NULL;)
			r_source_call(st, sources[i], args);
	for (size_t i = 0; i < sizeof(r_file_fns) / sizeof(*r_file_fns); i++)
		for (const char *p = code, *args; (args = r_next_call(code, &p, r_file_fns[i].fn)) != NULL;)
			r_file_call(st, &r_file_fns[i], args);
}
