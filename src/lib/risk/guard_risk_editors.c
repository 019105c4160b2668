/*
 * Editors that run what they read (attack11 L3): vim/ex/nvim take Ex
 * commands from -c/+CMD/--cmd, from a script (-S FILE, -u FILE, -s FILE
 * of keys, :source FILE) and, when stdin is no terminal, from stdin; ed
 * and red read their commands from stdin. `:!CMD`, `:r !CMD`, `:w !CMD`,
 * system(), `py3`/`lua`/`perl`/`ruby` lines, ed's `!CMD`, `r !CMD`,
 * `w !CMD`, `e !CMD` run programs; `w FILE` writes. Text guard cannot
 * read is high.
 */
#include <string.h>

#include "guard_risk_int.h"

#define EDITOR_DEPTH 3 /* scripts sourced by scripts, g/RE/ lists */

typedef void (*editor_line_fn)(struct risk_state *st, const char *what, const char *line, unsigned depth);

/* Each line of text (changed in place) to fn. */
static void
each_line(struct risk_state *st, const char *what, char *text, editor_line_fn fn, unsigned depth)
{
	for (char *line = text, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		fn(st, what, line, depth);
		if (!end)
			break;
	}
}

/* A script file the editor runs (vim -S F, -u F, :source F): its lines, as written on the line or now. */
static void
editor_script(struct risk_state *st, const char *what, const struct guard_shell_word *w, editor_line_fn fn,
	      unsigned depth)
{
	if (w->flags & GUARD_WORD_DYNAMIC) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed script: %s", what, w->text);
		return;
	}
	if (depth > EDITOR_DEPTH) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s scripts nested too deep: %s", what, w->text);
		return;
	}
	const char *earlier = st->remote ? NULL : risk_later_text(st, w->text);
	char *text = earlier ? guard_xstrdup(earlier) : risk_command_file_text(st, what, w->text);
	if (earlier)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s, written earlier on this line", what,
			  w->text);
	if (text)
		each_line(st, what, text, fn, depth + 1);
	free(text);
}

/*
 * The commands an editor reads on stdin: a literal pipe, here-string or
 * heredoc, or < FILE, line by line; another program's output or computed
 * text is high.
 */
static void
editor_stdin(struct risk_state *st, const struct risk_cmd *c, const char *what, editor_line_fn fn)
{
	char *in = risk_literal_stdin(c);

	if (in) {
		each_line(st, what, in, fn, 0);
		free(in);
		return;
	}
	for (size_t i = 0; i < c->cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &c->cmd->redirs[i];
		if (r->op == GUARD_REDIR_IN) {
			editor_script(st, what, &r->target, fn, 0);
			return;
		}
		if (r->op == GUARD_REDIR_HEREDOC || r->op == GUARD_REDIR_HERESTRING) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s reads computed commands on its input", what);
			return;
		}
	}
	if (c->cmd->pipe_pos)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s reads its commands from another program's output",
			  what);
}

/* A shell command an editor runs (ed !CMD, vim :!CMD): rated as sh -c CMD. */
static void
editor_shell(struct risk_state *st, const char *what, const char *cmd)
{
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a shell command: %s", what, cmd);
	if (*cmd)
		risk_nested(st, what, cmd, strlen(cmd));
}

/*
 * ed's w !CMD, vim's :w !CMD: the text being edited is CMD's stdin. A
 * shell or an interpreter there runs that text, which guard does not read
 * as a script: high.
 */
static void
editor_pipe(struct risk_state *st, const char *what, const char *cmd)
{
	static const char *const interps[] = { "python", "python3", "perl", "ruby", "node", "php", "lua", "Rscript",
					       "R", "tclsh", "awk", "gawk", "ed", "ex", "vim", NULL };
	char word[64];
	size_t n = strspn(cmd, " \t");

	cmd += n;
	n = strcspn(cmd, " \t");
	snprintf(word, sizeof(word), "%.*s", (int)(n < 63 ? n : 63), cmd);
	const char *base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;
	bool runs = risk_is_shell(base);
	for (size_t i = 0; !runs && interps[i]; i++)
		runs = !strcmp(base, interps[i]);
	if (runs)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s pipes the text it edits to %s, which runs it", what,
			  base);
	editor_shell(st, what, cmd);
}

/* ---- ed ------------------------------------------------------------------ */

/* Past ed's addresses: numbers, . $ , ; + - ^, 'x marks, /RE/ and ?RE?. */
static const char *
ed_address(const char *p)
{
	for (;;) {
		if (*p && strchr(" \t0123456789.,;$+-^%", *p)) {
			p++;
		} else if (*p == '\'' && p[1]) {
			p += 2;
		} else if (*p == '/' || *p == '?') {
			char d = *p++;
			while (*p && *p != d)
				p += (*p == '\\' && p[1]) ? 2 : 1;
			if (*p)
				p++;
		} else {
			return p;
		}
	}
}

static _Thread_local bool *ed_writes; /* a plain w/wq met: the edited file is written (rate_ed) */

/* One ed command line: !CMD; e/E/f/r/w/W/wq with !CMD or a FILE; g/RE/CMD and v/RE/CMD's command. */
static void
ed_command(struct risk_state *st, const char *what, const char *line, unsigned depth)
{
	const char *p = ed_address(line);

	if (*p && strchr("gGvV", *p) && p[1] && !strchr(" \t\n", p[1])) {
		char d = p[1];
		for (p += 2; *p && *p != d; p += (*p == '\\' && p[1]) ? 2 : 1)
			;
		if (*p && depth < EDITOR_DEPTH)
			ed_command(st, what, p + 1, depth + 1);
		return;
	}
	char cmd = *p;
	if (cmd == '!') {
		editor_shell(st, what, p + 1);
		return;
	}
	if (!cmd || !strchr("eEfrwW", cmd))
		return;
	p++;
	if ((cmd == 'w' || cmd == 'W') && *p == 'q')
		p++;
	if (*p && !strchr(" \t!", *p))
		return; /* another command (ed has none of two letters but wq) */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '!' && (cmd == 'w' || cmd == 'W'))
		editor_pipe(st, what, p + 1);
	else if (*p == '!')
		editor_shell(st, what, p + 1); /* f !CMD names the command later w/r/e run: the same */
	else if (*p && (cmd == 'w' || cmd == 'W' || cmd == 'f'))
		risk_path_str(st, what, p, PATH_WRITE); /* f FILE: the name a later w writes */
	else if (*p)
		risk_path_str(st, what, p, PATH_READ);
	else if ((cmd == 'w' || cmd == 'W') && ed_writes)
		*ed_writes = true;
}

/* ed/red [-s] [FILE]: the commands on stdin are read; a plain w among them writes FILE. */
static void
rate_ed(struct risk_state *st, const struct risk_cmd *c)
{
	bool writes = false, *outer = ed_writes;
	const struct guard_shell_word **ops;

	ed_writes = &writes;
	editor_stdin(st, c, c->name, ed_command);
	ed_writes = outer;
	size_t n = risk_operands_all(st, c, 1, "-p --prompt", &ops);
	for (size_t i = 0; writes && i < n; i++)
		risk_path(st, c->name, ops[i], PATH_WRITE); /* ed -s FILE <<< w (attack12 M17) */
}

/* ---- vim, ex, nvim ------------------------------------------------------- */

struct vim_writes;
static void vim_commands(struct risk_state *st, const struct risk_cmd *c);
static void vim_files(struct risk_state *st, const struct risk_cmd *c, const struct vim_writes *vw);

static void vim_line(struct risk_state *st, const char *what, const char *line, unsigned depth);

/* :py3 CODE, :lua CODE ...: the language a vim command runs, and the code's start. */
static const char *
vim_code(const char *p, const char **code)
{
	static const struct {
		const char *cmd, *lang;
	} langs[] = { { "python3", "python" }, { "pythonx", "python" }, { "python", "python" }, { "py3do", "python" },
		      { "pydo", "python" },     { "pyxdo", "python" },   { "py3", "python" },    { "pyx", "python" },
		      { "py", "python" },       { "luado", "lua" },      { "lua", "lua" },       { "perldo", "perl" },
		      { "perl", "perl" },       { "rubydo", "ruby" },    { "ruby", "ruby" },     { "rub", "ruby" } };

	for (size_t i = 0; i < sizeof(langs) / sizeof(*langs); i++) {
		size_t n = strlen(langs[i].cmd);
		if (!strncmp(p, langs[i].cmd, n) && (p[n] == ' ' || p[n] == '\t' || p[n] == '!')) {
			*code = p + n + 1;
			return langs[i].lang;
		}
	}
	return NULL;
}

/* :so FILE, :source FILE, :runtime is not a file here; :py3file F ...: a script run. */
static bool
vim_source(struct risk_state *st, const char *what, const char *p, unsigned depth)
{
	static const char *const cmds[] = { "source", "so", "py3file", "pyfile", "pyxfile", "luafile", "rubyfile",
					     "perlfile", NULL };
	for (size_t i = 0; cmds[i]; i++) {
		size_t n = strlen(cmds[i]);
		if (strncmp(p, cmds[i], n) || (p[n] != ' ' && p[n] != '\t' && p[n] != '!'))
			continue;
		const char *f = p + n + 1;
		while (*f == ' ' || *f == '\t')
			f++;
		struct guard_shell_word w = { (char *)f, NULL, 0 };
		if (i < 2)
			editor_script(st, what, &w, vim_line, depth);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a script file: %s", what, f);
		return true;
	}
	return false;
}

/* What vim's commands make it write, gathered while they are read (rate_vim). */
struct vim_writes {
	bool backup;     /* set backup/bk, patchmode/pm: FILE's old text kept */
	bool computed;   /* the suffix or folder set by :let or otherwise not known */
	bool writes;     /* :w, :wq, :x, :up ...: the edited files are written */
	char ext[256];   /* backupext/bex ("~" unless set), patchmode's suffix */
	char dir[1024];  /* backupdir/bdir's first folder, "" for the file's own */
};
static _Thread_local struct vim_writes *vim_out;

/* :set OPTIONS: backup, bk, backupext=, bex=, patchmode=, pm=, backupdir=, bdir= (the first folder). */
static void
vim_set(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, " 	|");
		char opt[1280];
		snprintf(opt, sizeof(opt), "%.*s", (int)n, p);
		char *eq = strchr(opt, '=');
		if (eq && eq > opt && strchr("+-^", eq[-1]))
			vim_out->computed = true, eq[-1] = '\0'; /* bex+=X: added to a value guard may not know */
		if (eq)
			*eq++ = '\0';
		if (!strcmp(opt, "backup") || !strcmp(opt, "bk"))
			vim_out->backup = true;
		else if (eq && (!strcmp(opt, "backupext") || !strcmp(opt, "bex")))
			snprintf(vim_out->ext, sizeof(vim_out->ext), "%s", eq);
		else if (eq && (!strcmp(opt, "patchmode") || !strcmp(opt, "pm")) && *eq)
			vim_out->backup = true, snprintf(vim_out->ext, sizeof(vim_out->ext), "%s", eq);
		else if (eq && (!strcmp(opt, "backupdir") || !strcmp(opt, "bdir")))
			snprintf(vim_out->dir, sizeof(vim_out->dir), "%.*s", (int)strcspn(eq, ","), eq);
		p += n;
		if (*p == '|')
			break;
		p += strspn(p, " 	");
	}
}

/* :w FILE, :w >> FILE, :sav FILE, :wq, :x, :up ...: a file vim writes (its name, "" the buffer's). */
static void
vim_write(struct risk_state *st, const char *name, const char *p)
{
	static const char *const cmds[] = { "w", "write", "wq", "x", "xit", "exi", "exit", "sav", "saveas",
					    "up", "update", "wa", "wall", "wqa", "wqall", "xa", "xall", NULL };
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
	char word[16];

	snprintf(word, sizeof(word), "%.*s", (int)(n < 15 ? n : 15), p);
	if (!n || n > 6 || !risk_name_in(cmds, word))
		return;
	vim_out->writes = true;
	p += n;
	p += strspn(p, "! 	");
	if (!strncmp(p, ">>", 2))
		p += 2 + strspn(p + 2, " 	");
	size_t fl = strcspn(p, "|");
	while (fl && (p[fl - 1] == ' ' || p[fl - 1] == '	'))
		fl--;
	if (fl && p[0] != '!') {
		char *file = guard_xasprintf("%.*s", (int)fl, p);
		char verb[96];
		snprintf(verb, sizeof(verb), "%s :w", name);
		risk_path_str(st, verb, file, PATH_WRITE);
		free(file);
	}
}

/* :set / :let &opt / a write command, noted for rate_vim. */
static void
vim_options(struct risk_state *st, const char *name, const char *p)
{
	if (!vim_out)
		return;
	if (!strncmp(p, "se ", 3) || !strncmp(p, "set ", 4) || !strncmp(p, "setl ", 5) || !strncmp(p, "setlocal ", 9) ||
	    !strncmp(p, "setg ", 5) || !strncmp(p, "setglobal ", 10))
		vim_set(p + strcspn(p, " ") + 1);
	else if (!strncmp(p, "let", 3) && (strstr(p, "&b") || strstr(p, "&pm") || strstr(p, "&patchmode")))
		vim_out->backup = vim_out->computed = true; /* let &bex = ..., &backup = 1: computed */
	else
		vim_write(st, name, p);
}

/* One vim command (-c CMD, +CMD, --cmd CMD, a script's line): :!cmd, :r !cmd, :w !cmd, system(), py3 ... */
static void
vim_command(struct risk_state *st, const char *name, const struct guard_shell_word *w, unsigned depth)
{
	const char *p = w->text;

	while (*p == ':' || *p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "silent", 6)) {
		p += 6;
		while (*p == '!' || *p == ' ')
			p++;
	}
	while (*p == '%' || *p == '.' || *p == ',' || *p == '$' || (*p >= '0' && *p <= '9'))
		p++; /* a range: :%!sort filters the buffer through sort */
	const char *bang = NULL, *code = NULL, *lang = vim_code(p, &code);
	if (*p == '!')
		bang = p + 1;
	else if ((p[0] == 'r' || p[0] == 'w') && (bang = strchr(p, '!')) != NULL && strspn(p, "readwrit ") >= (size_t)(bang - p))
		bang++;
	else
		bang = NULL;
	bool calls = strstr(p, "system(") || strstr(p, "systemlist(") || strstr(p, "jobstart(") || strstr(p, "termopen(");
	if (!bang && !(w->flags & GUARD_WORD_DYNAMIC))
		vim_options(st, name, p);
	if (!bang && !calls && !lang) {
		if (!(w->flags & GUARD_WORD_DYNAMIC))
			vim_source(st, name, p, depth);
		return;
	}
	if (w->flags & GUARD_WORD_DYNAMIC) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed shell command", name);
		return;
	}
	if (bang && p[0] == 'w')
		editor_pipe(st, name, bang);
	else if (bang)
		editor_shell(st, name, bang);
	if (bang)
		return;
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs code: %s", name, w->text);
	risk_code_text(st, lang ? lang : name, lang ? code : p);
}

/* A line of Ex commands or keys (stdin, -S/-u/-s FILE): each command in it, after a : or | too (keys). */
static void
vim_line(struct risk_state *st, const char *what, const char *line, unsigned depth)
{
	struct guard_shell_word w = { (char *)line, NULL, 0 };

	vim_command(st, what, &w, depth);
	for (const char *p = line + strcspn(line, ":|"); *p; p += 1 + strcspn(p + 1, ":|")) {
		w.text = (char *)p + 1;
		vim_command(st, what, &w, depth);
	}
}

/* -u NONE, NORC, DEFAULTS, NOPLUGIN: no vimrc read. */
static bool
vimrc_none(const char *f)
{
	return !strcmp(f, "NONE") || !strcmp(f, "NORC") || !strcmp(f, "DEFAULTS") || !strcmp(f, "NOPLUGIN");
}

/*
 * vim [opts] [FILES]: the -c/+/--cmd commands, -S/-u/-s scripts and,
 * unless `-` makes stdin the text, the commands or keys stdin holds (vim
 * reads them when stdin is no terminal, in Ex mode and out of it).
 */
static void
rate_vim(struct risk_state *st, const struct risk_cmd *c)
{
	struct vim_writes vw = { false, false, false, "~", "" }, *outer = vim_out;

	vim_out = &vw;
	vim_commands(st, c);
	vim_out = outer;
	vim_files(st, c, &vw);
}

static void
vim_commands(struct risk_state *st, const struct risk_cmd *c)
{
	bool text_in = false, ex_mode = !strncmp(c->name, "ex", 2);

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			break;
		ex_mode |= a[0] == '-' && a[1] != '-' && strspn(a + 1, "eEs") == strlen(a + 1) && strpbrk(a, "eE");
	}

	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *a = w->text;
		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "-")) {
			text_in = true;
		} else if ((!strcmp(a, "-c") || !strcmp(a, "--cmd")) && i + 1 < c->argc) {
			vim_command(st, c->name, &c->argv[++i], 0);
		} else if (a[0] == '+' && a[1]) {
			struct guard_shell_word pw = *w;
			pw.text = (char *)a + 1;
			vim_command(st, c->name, &pw, 0);
		} else if (!strcmp(a, "-S") && i + 1 < c->argc && c->argv[i + 1].text[0] != '-') {
			editor_script(st, c->name, &c->argv[++i], vim_line, 0);
		} else if (!strcmp(a, "-S")) {
			struct guard_shell_word session = { "Session.vim", NULL, 0 };
			editor_script(st, c->name, &session, vim_line, 0);
		} else if ((!strcmp(a, "-u") || (!strcmp(a, "-s") && !ex_mode)) && i + 1 < c->argc) {
			/* -u VIMRC; -s FILE of keys (in Ex mode -s is silent and takes no file) */
			if (!vimrc_none(c->argv[++i].text))
				editor_script(st, c->name, &c->argv[i], vim_line, 0);
		}
	}
	if (!text_in)
		editor_stdin(st, c, c->name, vim_line);
}

/* The edited files vim's commands write, and the backups its options keep (attack12 M17). */
static void
vim_files(struct risk_state *st, const struct risk_cmd *c, const struct vim_writes *vw)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-c --cmd -S -u -U -i -T -w -W -t -q -r -L --servername --remote "
				     "--remote-silent --startuptime", &ops);
	char verb[96];

	snprintf(verb, sizeof(verb), "%s (its backup)", c->name);
	for (size_t i = 0; i < n; i++) {
		const char *f = ops[i]->text;
		if (f[0] == '+' || (ops[i]->flags & GUARD_WORD_DYNAMIC))
			continue;
		if (vw->writes)
			risk_path(st, c->name, ops[i], PATH_WRITE);
		if (!vw->backup)
			continue;
		/* backupdir's first folder (".": the file's own; "//" at its end: a name made of the path) */
		size_t dl = strlen(vw->dir);
		bool own = !dl || !strcmp(vw->dir, ".") || !strncmp(vw->dir, "./", 2);
		char *at = own ? guard_xstrdup(f) : guard_xasprintf("%s/%s", vw->dir, risk_basename(f));
		bool computed = vw->computed || (dl >= 2 && !strcmp(vw->dir + dl - 2, "//")) || strpbrk(vw->dir, "$~");
		risk_backup_write(st, verb, at, computed ? NULL : vw->ext, RISK_STAR_NONE);
		free(at);
	}
}

/* ---- the module ------------------------------------------------------- */

const char *const risk_editor_verbs[] = { "vim", "vi", "nvim", "ex", "view", "gvim", "vimdiff", "rvim", "rview",
					  "ed", "red", NULL };

bool
risk_verb_editor(struct risk_state *st, struct risk_cmd *c)
{
	if (!strcmp(c->name, "ed") || !strcmp(c->name, "red"))
		rate_ed(st, c);
	else
		rate_vim(st, c);
	return false; /* the everyday rules still see its files */
}
