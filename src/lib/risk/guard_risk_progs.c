/*
 * Programs that run commands from their own languages (attack10: the
 * ninth pass's leftovers): run-parts runs a folder's scripts, expect and
 * tclsh run the commands of `spawn` and `exec`, emacs evaluates Lisp
 * that calls a shell. What they run is rated as the shell would run it
 * when it is written out; computed or unreadable, it is high.
 */
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>

#include "guard_error.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define PARTS_MAX 64          /* scripts of a run-parts folder read */
#define TCL_FILE_MAX (256u << 10)

/* ---- run-parts ---------------------------------------------------------- */

/* run-parts' own rule for the names it runs (without --regex or --lsbsysinit). */
static bool
part_name(const char *n, bool any)
{
	if (n[0] == '.')
		return false;
	return any || strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(n);
}

/* run-parts DIR: each script DIR holds is read as the shell would run it. */
static void
rate_run_parts(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[2];

	if (risk_arg_has(c, "--test") || risk_arg_has(c, "--list")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ); /* prints the names, runs nothing */
		return;
	}
	size_t n = risk_operands(c, 1, "-u --umask -a --arg --regex", ops, 2);
	bool any = risk_arg_has(c, "--lsbsysinit") || risk_opt_value(c, NULL, "--regex");
	if (n != 1 || (ops[0]->flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_GLOB))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "run-parts runs the scripts of a folder guard cannot name");
		return;
	}
	char *dir = guard_path_resolve(st->cwds[0], ops[0]->text, st->ctx->home);
	const char *writer = risk_later_unseen_writer(st, dir);
	void *d = st->remote ? NULL : risk_memo_opendir(dir);
	size_t read = 0;
	bool more = false;
	if (writer)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "run-parts runs the scripts of %s, which %s (earlier on "
			  "this line) may add to", ops[0]->text, writer);
	for (struct dirent *e; d && (e = risk_memo_readdir(d)) != NULL;) {
		struct stat sb;
		char *path = guard_xasprintf("%s/%s", ops[0]->text, e->d_name);
		char *abs = guard_xasprintf("%s/%s", dir, e->d_name);
		if (part_name(e->d_name, any) && risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (sb.st_mode & 0111)) {
			if (read++ < PARTS_MAX)
				risk_script_text(st, "run-parts", path, true);
			else
				more = true;
		}
		free(path);
		free(abs);
	}
	if (!d)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "run-parts runs the scripts of %s, which guard cannot "
			  "list now", ops[0]->text);
	else
		risk_memo_closedir(d);
	if (more)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "run-parts runs more than %d scripts of %s: not all read",
			  PARTS_MAX, ops[0]->text);
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "run-parts runs the scripts of %s", ops[0]->text);
	free(dir);
}

/* ---- expect, tclsh -------------------------------------------------------- */

/* The end of the Tcl command at p: a newline, ';' or the ']' closing it, outside quotes and braces. */
static const char *
tcl_command_end(const char *p)
{
	int brace = 0;
	bool quote = false;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (!brace && *p == '"')
			quote = !quote;
		else if (!quote && *p == '{')
			brace++;
		else if (!quote && *p == '}' && brace)
			brace--;
		else if (!quote && !brace && (*p == '\n' || *p == ';' || *p == ']' || *p == '}'))
			break;
	}
	return p;
}

/* Tcl words (plain, "quoted", {braced}) as shell words: false when one is computed ($, [). */
static bool
tcl_to_shell(const char *p, const char *end, struct guard_buf *out)
{
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end)
			break;
		char close = *p == '{' ? '}' : *p == '"' ? '"' : 0;
		const char *s = close ? p + 1 : p, *e = s;
		while (e < end && (close ? *e != close : !isspace((unsigned char)*e)))
			e += *e == '\\' && e + 1 < end ? 2 : 1;
		if (close != '}' && (memchr(s, '$', (size_t)(e - s)) || memchr(s, '[', (size_t)(e - s))))
			return false;
		struct guard_buf w = GUARD_BUF_INIT;
		guard_buf_add(&w, s, (size_t)(e - s));
		bool op = !close && strchr("<>|&2", s[0]); /* exec's redirections are the shell's */
		if (out->len)
			guard_buf_addch(out, ' ');
		if (op)
			guard_buf_addstr(out, w.buf ? w.buf : "");
		else
			risk_add_single_quoted(out, w.buf ? w.buf : "");
		guard_buf_release(&w);
		p = e + (close && e < end);
	}
	return true;
}

/* Is word (length n) at p a Tcl command name: at a command's start? */
static bool
tcl_command_at(const char *text, const char *p, const char *word)
{
	size_t n = strlen(word);
	const char *b = p;

	if (strncmp(p, word, n) || !(isspace((unsigned char)p[n])))
		return false;
	while (b > text && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	return b == text || strchr("\n;[{", b[-1]);
}

void
risk_tcl_text(struct risk_state *st, const char *what, const char *text)
{
	static const char *const runners[] = { "spawn", "exec", "system", "open", NULL };
	unsigned found = 0;

	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs Tcl code", what);
	for (const char *p = text; *p; p++) {
		const char *const *r = runners;
		while (*r && !tcl_command_at(text, p, *r))
			r++;
		if (!*r)
			continue;
		const char *args = p + strlen(*r), *end = tcl_command_end(args);
		struct guard_buf cmd = GUARD_BUF_INIT;
		if (!strcmp(*r, "open")) { /* open "|cmd ..." / open |cmd: a pipe to a command */
			while (isspace((unsigned char)*args))
				args++;
			char close = *args == '"' ? '"' : *args == '{' ? '}' : 0;
			args += close != 0;
			if (*args != '|') {
				p = end - 1;
				continue;
			}
			const char *q = ++args;
			while (q < end && (close ? *q != close : !isspace((unsigned char)*q)))
				q++;
			end = q;
		}
		/* the options of spawn and exec */
		while (isspace((unsigned char)*args) || (*args == '-' && args[1] != ' ')) {
			if (*args == '-') {
				bool valued = !strncmp(args, "-ignore ", 8) || !strncmp(args, "-open ", 6) || !strncmp(args, "-leaveopen ", 11);
				args += strcspn(args, " \t\n");
				if (valued) {
					args += strspn(args, " \t");
					args += strcspn(args, " \t\n");
				}
			} else {
				args++;
			}
		}
		if (++found > 64) {
			risk_unparsed(st, "more than 64 commands in %s's Tcl code", what);
			guard_buf_release(&cmd);
			return;
		}
		if (args < end && tcl_to_shell(args, end, &cmd) && cmd.len) {
			risk_explain(st, "    %s %s runs: %s", what, *r, cmd.buf);
			risk_nested(st, what, cmd.buf, cmd.len);
		} else if (args < end) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s %s runs a computed command", what, *r);
		}
		guard_buf_release(&cmd);
		p = end > p ? end - 1 : p;
	}
}

void
risk_tcl_file(struct risk_state *st, const char *what, const struct guard_shell_word *w)
{
	char *data = NULL;
	size_t len = 0;
	struct stat sb;

	if (w->flags & GUARD_WORD_DYNAMIC) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed Tcl file: %s", what, w->text);
		return;
	}
	risk_path(st, what, w, PATH_EXEC);
	const char *earlier = st->remote ? NULL : risk_later_text(st, w->text);
	if (earlier || st->remote) {
		if (earlier)
			risk_tcl_text(st, what, earlier);
		return;
	}
	char *abs = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	if (risk_memo_read(abs, TCL_FILE_MAX, &data, &len) == 0) {
		risk_bind_bytes(st, abs, data, len);
		if (memchr(data, '\0', len))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s, which holds a NUL byte", what, w->text);
		else
			risk_tcl_text(st, what, data);
	} else if (risk_memo_stat(abs, &sb) == 0) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s, which guard cannot read now", what, w->text);
	}
	guard_error_clear();
	free(data);
	free(abs);
}

/* expect -c CMDS, -f FILE, FILE, or its input; tclsh/wish FILE or its input. */
static void
rate_tcl(struct risk_state *st, const struct risk_cmd *c)
{
	bool expect = !strcmp(c->name, "expect"), given = false;

	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		if (expect && !strcmp(w->text, "-c") && i + 1 < c->argc) {
			w = &c->argv[++i];
			given = true;
			if (w->flags & GUARD_WORD_DYNAMIC)
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "expect runs computed Tcl code");
			else
				risk_tcl_text(st, "expect", w->text);
		} else if (expect && !strcmp(w->text, "-f") && i + 1 < c->argc) {
			risk_tcl_file(st, c->name, &c->argv[++i]);
			return;
		} else if (!strcmp(w->text, "--") || w->text[0] != '-' || !w->text[1]) {
			if (!strcmp(w->text, "--"))
				w = i + 1 < c->argc ? &c->argv[++i] : NULL;
			if (w && strcmp(w->text, "-"))
				risk_tcl_file(st, c->name, w); /* the script; the words after it are its arguments */
			else if (!given)
				risk_stdin_program(st, c, c->name, STDIN_TCL);
			return;
		}
	}
	if (!given)
		risk_stdin_program(st, c, c->name, STDIN_TCL);
}

/* ---- emacs ---------------------------------------------------------------- */

/* Lisp calls that run a program: the shell text, or the program and its argument list. */
static const struct {
	const char *call;
	unsigned skip; /* arguments before the program (start-process: NAME BUFFER) */
	unsigned after; /* arguments between the program and its own (call-process: INFILE DEST DISPLAY) */
	bool shell;
} lisp_runners[] = {
	{ "(shell-command-to-string", 0, 0, true }, { "(shell-command", 0, 0, true },
	{ "(async-shell-command", 0, 0, true }, { "(call-process-shell-command", 0, 0, true },
	{ "(start-process-shell-command", 2, 0, true }, { "(call-process", 0, 3, false },
	{ "(process-file", 0, 3, false }, { "(start-process", 2, 0, false }, { "(process-lines", 0, 0, false },
};

/* Past one Lisp argument at p (a string, a symbol, a list). */
static const char *
lisp_skip(const char *p)
{
	char lit[4096];
	int depth = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"')
		return risk_read_literal(p, lit, sizeof(lit));
	for (; *p; p++) {
		if (*p == '"') { /* a string inside a list */
			if (!(p = risk_read_literal(p, lit, sizeof(lit))))
				return NULL;
			p--;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (!depth)
				return p; /* the call's own ')' */
			if (!--depth)
				return p + 1; /* the end of a list argument */
		} else if (!depth && isspace((unsigned char)*p)) {
			return p;
		}
	}
	return p;
}

/* One runner call at p: its command rated, or high when computed. */
static void
lisp_runner(struct risk_state *st, const char *p, size_t k)
{
	char lit[4096];
	struct guard_buf cmd = GUARD_BUF_INIT;

	p += strlen(lisp_runners[k].call);
	for (unsigned i = 0; i < lisp_runners[k].skip && p; i++)
		p = lisp_skip(p);
	while (p && isspace((unsigned char)*p))
		p++;
	if (!p || *p != '"' || !(p = risk_read_literal(p, lit, sizeof(lit))))
		goto computed;
	if (lisp_runners[k].shell) {
		risk_nested(st, "emacs", lit, strlen(lit));
		return;
	}
	risk_add_single_quoted(&cmd, lit);
	for (unsigned i = 0; i < lisp_runners[k].after && p; i++)
		p = lisp_skip(p);
	while (p && *p) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ')')
			break;
		if (*p != '"' || !(p = risk_read_literal(p, lit, sizeof(lit))))
			goto computed;
		guard_buf_addch(&cmd, ' ');
		risk_add_single_quoted(&cmd, lit);
	}
	risk_nested(st, "emacs", cmd.buf, cmd.len);
	guard_buf_release(&cmd);
	return;
computed:
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "emacs runs a computed command: %.60s", lisp_runners[k].call + 1);
	guard_buf_release(&cmd);
}

static void
lisp_text(struct risk_state *st, const char *code)
{
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "emacs evaluates Lisp code (it can do anything): %.80s", code);
	for (const char *p = strchr(code, '('); p; p = strchr(p + 1, '('))
		for (size_t k = 0; k < sizeof(lisp_runners) / sizeof(*lisp_runners); k++) {
			size_t n = strlen(lisp_runners[k].call);
			if (!strncmp(p, lisp_runners[k].call, n) && (isspace((unsigned char)p[n]) || p[n] == ')')) {
				lisp_runner(st, p, k);
				break;
			}
		}
}

/* emacs --eval EXPR, -l FILE, --script FILE, -f FUNC: Lisp runs; a plain edit is a development tool's. */
static bool
rate_emacs(struct risk_state *st, const struct risk_cmd *c)
{
	bool lisp = false;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *eq = strchr(a, '=');
		size_t an = eq ? (size_t)(eq - a) : strlen(a);
		bool eval = (an == 6 && !strncmp(a, "--eval", 6)) || !strcmp(a, "-eval") || !strcmp(a, "--execute") ||
			    !strncmp(a, "--execute=", 10);
		bool load = !strcmp(a, "-l") || (an == 6 && !strncmp(a, "--load", 6)) || !strcmp(a, "-load") ||
			    !strcmp(a, "--script") || !strcmp(a, "-script") || !strcmp(a, "-x") || !strcmp(a, "-f") ||
			    (an == 9 && !strncmp(a, "--funcall", 9)) || !strcmp(a, "-funcall");
		if (!eval && !load)
			continue;
		lisp = true;
		const struct guard_shell_word *v = eq ? &c->argv[i] : i + 1 < c->argc ? &c->argv[++i] : NULL;
		const char *value = !v ? "" : eq ? eq + 1 : v->text;
		if (v && (v->flags & GUARD_WORD_DYNAMIC))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "emacs evaluates computed Lisp: %s", a);
		else if (eval)
			lisp_text(st, value);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "emacs runs Lisp guard does not read (%s %s)", a, value);
	}
	return lisp;
}

/* ---- the module ------------------------------------------------------- */

const char *const risk_progs_verbs[] = { "run-parts", "expect", "tclsh", "wish", "emacs", NULL };

bool
risk_verb_progs(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "run-parts"))
		rate_run_parts(st, c);
	else if (!strcmp(n, "emacs"))
		return rate_emacs(st, c);
	else
		rate_tcl(st, c);
	return true;
}
