/*
 * Shell forms that run a command written as data (attack7 H11-H15, gdb):
 * text bash or another program evaluates as a command line later, which
 * the parser sees only as a word. Each is rated as the command it runs.
 *
 *  - bash arithmetic evaluates array subscripts in literal text: a quoted
 *    'a[$(cmd)]' given to let, declare, test -v, [[ -eq ]], unset, read,
 *    printf -v, or held by a variable that arithmetic reads later, runs
 *    cmd. (Unquoted $( ) in (( )), for (( )) and ${..} is parsed by
 *    guard_shell.c and rated like any substitution.)
 *  - variables bash runs: PROMPT_COMMAND (an interactive shell, bash -i),
 *    PS0..PS4 (prompts are expanded: their substitutions run; PS4 at each
 *    line set -x traces, in any shell). Rated wherever they are set.
 *  - options that name a command: mapfile/readarray -C, complete/compgen
 *    -C, bind -x, fc -e, history -s (fc -s runs the entry), zip -TT and
 *    --unzip-command. (trap is guard_risk_cmd.c's.)
 *  - hash -p PATH NAME and BASH_CMDS[NAME]=PATH: NAME runs PATH, rated as
 *    PATH's program when it runs later on the line.
 *  - debuggers and profilers run a program: gdb --args / gdb PROG, the
 *    commands of -ex and -x files (shell, !, pipe, python, make, run
 *    ARGS through a shell), lldb -- PROG and -o/-s; perf record/stat/
 *    trace CMD, rr record CMD.
 */
#include <ctype.h>
#include <sys/stat.h>

#include "guard_error.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define HASH_MAX 64            /* hash -p names remembered */
#define DEBUG_SCRIPT_MAX (64u << 10)
#define DEBUG_SCRIPT_DEPTH 4   /* gdb source FILE inside -x FILE */

static void hash_note(struct risk_state *st, const char *how, const char *name, const char *path, bool dynamic);

/* ---- text that holds commands ---------------------------------------- */

/* Index of the ")" closing the "$(" whose "$" is t[i] (quotes and escapes skipped), or 0. */
static size_t
subst_close(const char *t, size_t len, size_t i)
{
	int depth = 0;
	char quote = 0;

	for (size_t k = i + 1; k < len; k++) {
		char c = t[k];
		if (c == '\\' && quote != '\'') {
			k++;
		} else if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return k;
		}
	}
	return 0;
}

/*
 * what runs the command line text: rated as itself; when that is medium
 * or more, a reason naming what ran it and the command.
 */
static void
runs_line(struct risk_state *st, const char *what, const char *text, size_t len)
{
	enum guard_level outer = st->part_level;

	while (len && isspace((unsigned char)*text))
		text++, len--;
	if (!len)
		return;
	st->part_level = GUARD_LEVEL_LOW;
	risk_nested(st, what, text, len);
	enum guard_level inner = st->part_level;
	if (inner >= GUARD_LEVEL_MEDIUM)
		risk_rule(st, inner, GUARD_CLASS_EXEC, "%s runs the command %.*s", what, (int)(len > 200 ? 200 : len),
			  text);
	if (st->part_level < outer)
		st->part_level = outer;
}

/* The commands of each $( ) and `..` in t[from, to): they run when the text is expanded. */
static bool
text_substs(struct risk_state *st, const char *what, const char *t, size_t from, size_t to)
{
	bool any = false;

	if (to - from >= 3 && memmem(t + from, to - from, "@P}", 3)) {
		/* ${x@P} inside: x's value is expanded as a prompt too, and is not known here */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s expands a value as a prompt (${..@P}): not analysed",
			  what);
		any = true;
	}
	for (size_t i = from; i < to; i++) {
		if (t[i] == '\\') {
			i++;
		} else if (t[i] == '$' && i + 2 < to && t[i + 1] == '(' && t[i + 2] == '(' &&
			   guard_shell_dollar_arith_end(t, to, i + 1)) {
			i += 2; /* $(( )): arithmetic; substitutions inside are found as the scan goes on */
		} else if (t[i] == '$' && i + 1 < to && t[i + 1] == '(') {
			size_t end = subst_close(t, to, i);
			if (!end) {
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s holds an unended command substitution: %s",
					  what, t + i);
				return true;
			}
			runs_line(st, what, t + i + 2, end - i - 2);
			any = true;
			i = end;
		} else if (t[i] == '`') {
			const char *end = memchr(t + i + 1, '`', to - i - 1);
			if (!end) {
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s holds an unended backquote: %s", what,
					  t + i);
				return true;
			}
			runs_line(st, what, t + i + 1, (size_t)(end - t) - i - 1);
			any = true;
			i = (size_t)(end - t);
		}
	}
	return any;
}

/*
 * NAME[SUBSCRIPT] in literal text whose subscript holds $( ) or `..`:
 * bash evaluates an indexed array's subscript as arithmetic, expanding
 * it, whenever the text reaches arithmetic (let, (( x )) of a variable
 * holding it, test -v, unset, read, printf -v, declare).
 */
static void
arith_subscripts(struct risk_state *st, const char *text)
{
	size_t len = strlen(text);

	if (!memchr(text, '[', len) || (!strstr(text, "$(") && !memchr(text, '`', len)))
		return;
	for (size_t i = 1; i < len; i++) {
		if (text[i] != '[' || !(isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_'))
			continue;
		size_t depth = 0, k = i;
		for (; k < len; k++) {
			if (text[k] == '[')
				depth++;
			else if (text[k] == ']' && --depth == 0)
				break;
		}
		size_t name = i;
		while (name && (isalnum((unsigned char)text[name - 1]) || text[name - 1] == '_'))
			name--;
		char what[96];
		snprintf(what, sizeof(what), "bash arithmetic (the subscript of %.*s)", (int)(i - name < 40 ? i - name : 40),
			 text + name);
		text_substs(st, what, text, i + 1, k);
		i = k;
	}
}

/* ---- variables bash runs ----------------------------------------------- */

/* NAME of NAME=, NAME+=, NAME[..]= (length n; *value past the "="), or 0 when word is no assignment. */
static size_t
assigned_name(const char *w, const char **value)
{
	size_t n = 0;

	if (!(isalpha((unsigned char)w[0]) || w[0] == '_'))
		return 0;
	while (isalnum((unsigned char)w[n]) || w[n] == '_')
		n++;
	const char *p = w + n;
	if (*p == '[') {
		p = strchr(p, ']');
		if (!p)
			return 0;
		p++;
	}
	if (*p == '+')
		p++;
	*value = p + 1;
	return *p == '=' ? n : 0;
}

/* A variable whose text bash runs (NAME, NAME[K]); n: its length. */
static bool
runs_variable(const char *name, size_t n)
{
	return (n == 14 && !strncmp(name, "PROMPT_COMMAND", 14)) || (n == 9 && !strncmp(name, "BASH_CMDS", 9)) ||
	       (n == 3 && !strncmp(name, "PS", 2) && name[2] >= '0' && name[2] <= '4');
}

/* NAME=VALUE: what bash runs from it (PROMPT_COMMAND, PS0..PS4, BASH_CMDS), and its subscripts. */
static void
shell_variable(struct risk_state *st, const struct guard_shell_word *w)
{
	const char *value = NULL;
	size_t n = assigned_name(w->text, &value);
	if (!n)
		return;
	char name[32];
	snprintf(name, sizeof(name), "%.*s", (int)(n < 31 ? n : 31), w->text);
	/* declare -n r=PS4; r=VALUE sets PS4 (a reference to a name not known here: any of them) */
	const char *target = risk_ref_target(st, name, n);
	if (target && !*target && strpbrk(value, "$`"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s, a name reference to a computed name, is set to text bash may expand (a prompt or "
			  "PROMPT_COMMAND): %s", name, value);
	size_t end = n; /* where NAME ends in the word */
	if (target && *target && strlen(target) < sizeof(name)) {
		snprintf(name, sizeof(name), "%s", target);
		n = strlen(name);
	}

	/* programs other than bash and git (guard_risk_env.c) run these through a shell: man, less, crontab -e, sudoedit */
	static const char *const command_vars[] = { "PAGER", "MANPAGER", "EDITOR", "VISUAL", "FCEDIT", "SUDO_EDITOR",
						    "SYSTEMD_PAGER", "SYSTEMD_EDITOR", "BROWSER", "LESSOPEN", "LESSCLOSE",
						    "KUBE_EDITOR", "PSQL_PAGER", "PSQL_EDITOR", NULL };

	arith_subscripts(st, w->text);
	if (risk_name_in(command_vars, name) && w->text[end] == '=') {
		char what[80];
		snprintf(what, sizeof(what), "%s (a program runs it as a command)", name);
		if (w->flags & GUARD_WORD_DYNAMIC) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s is set to a computed command: %s", what, value);
			return;
		}
		const char *v = value + strspn(value, "|- \t"); /* LESSOPEN='|cmd %s', '||cmd', '-|cmd' */
		for (size_t k = 0, len = strlen(v); k < len;) { /* BROWSER is a list: cmd1:cmd2 */
			size_t one = strcmp(name, "BROWSER") ? len : strcspn(v + k, ":");
			runs_line(st, what, v + k, one);
			k += one + 1;
		}
	} else if (!strcmp(name, "PSQLRC") && w->text[n] == '=' && *value) {
		/* every psql reads it first, -c or not (attack11 L8): its \\! and `..` lines run */
		struct guard_shell_word f = { (char *)value, NULL, w->flags };
		bool seen = risk_sql_file(st, "PSQLRC", &f);
		risk_rule(st, seen ? GUARD_LEVEL_MEDIUM : GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "PSQLRC names a file of commands psql runs first%s: %s", seen ? "" : " (one guard cannot read now)",
			  value);
	} else if (!strcmp(name, "PROMPT_COMMAND")) {
		if (w->flags & GUARD_WORD_DYNAMIC)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "PROMPT_COMMAND is set to a computed command (an interactive bash runs it): %s", value);
		else
			runs_line(st, "PROMPT_COMMAND (run by an interactive bash before each prompt)", value, strlen(value));
	} else if (n == 3 && !strncmp(name, "PS", 2) && name[2] >= '0' && name[2] <= '4') {
		char what[120];
		snprintf(what, sizeof(what), "%s (a prompt bash expands%s)", name,
			 name[2] == '4' ? " at each line set -x traces" : name[2] == '3' ? "" : " when interactive");
		if (w->flags & GUARD_WORD_SUBST) /* a program's output as the prompt: its $( ) run too */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s is set to a program's output, which bash expands: %s",
				  what, value);
		else if (w->flags & GUARD_WORD_DYNAMIC) /* $z filled by read, $1, a nameref: its $( ) run (attack11 L1) */
			/* PS0-PS2 only an interactive bash shows (a virtualenv's activate sets PS1="(.venv) ${PS1:-}");
			 * PS4 every set -x traced line expands, PS3 every select */
			risk_rule(st, name[2] >= '3' ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
				  "%s is set to a value guard does not know, which bash expands (its $( ) run): %s", what,
				  value);
		struct guard_buf dec = GUARD_BUF_INIT;
		if (!guard_shell_prompt_decode(value, &dec))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s holds text guard does not know (\\D{..}): %s",
				  what, value);
		text_substs(st, what, dec.buf ? dec.buf : "", 0, dec.len);
		guard_buf_release(&dec);
	} else if (!strcmp(name, "BASH_CMDS") && w->text[end] == '[') {
		/* BASH_CMDS[NAME]=PATH: hash -p PATH NAME */
		const char *close = strchr(w->text + end, ']');
		char *key = guard_xstrndup(w->text + end + 1, (size_t)(close - w->text - end - 1));
		hash_note(st, "BASH_CMDS", key, value, (w->flags & GUARD_WORD_DYNAMIC) != 0);
		free(key);
	}
}

void
risk_shell_variable_set(struct risk_state *st, const char *how, const char *name, const char *value)
{
	if (!strcmp(name, "BASH_ALIASES") || !strncmp(name, "BASH_ALIASES[", 13)) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "BASH_ALIASES is bash's alias table: writing it (%s) defines an alias guard does not follow", how);
		return;
	}
	if (!runs_variable(name, strcspn(name, "[")))
		return;
	char *t = value ? guard_xasprintf("%s=%s", name, value) : guard_xasprintf("%s=(%s, not known here)", name, how);
	struct guard_shell_word w = { t, NULL, value ? 0 : GUARD_WORD_DYNAMIC };
	shell_variable(st, &w);
	free(t);
}

/* strace -o '|CMD' / -o '!CMD' pipes its trace into CMD; valgrind --db-command=CMD runs CMD. */
static void
tracer_commands(struct risk_state *st, const struct guard_shell_cmd *cmd)
{
	bool strace = false, valgrind = false;

	for (size_t i = 0; i < cmd->argc; i++) {
		const char *a = cmd->argv[i].text;
		const char *b = risk_basename(a);
		if (!strcmp(b, "strace") || !strcmp(b, "ltrace")) {
			strace = true;
			continue;
		}
		if (!strcmp(b, "valgrind")) {
			valgrind = true;
			continue;
		}
		const char *v = NULL;
		if (strace && (!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < cmd->argc)
			v = cmd->argv[i + 1].text;
		else if (strace && !strncmp(a, "-o", 2))
			v = a + 2;
		else if (strace && !strncmp(a, "--output=", 9))
			v = a + 9;
		if (v && (*v == '|' || *v == '!'))
			runs_line(st, "strace -o |CMD (the trace is piped into it)", v + 1, strlen(v + 1));
		if (valgrind && !strncmp(a, "--db-command=", 13))
			runs_line(st, "valgrind --db-command", a + 13, strlen(a + 13));
	}
}

/*
 * BASH_ALIASES[NAME]=VALUE defines an alias as `alias NAME=VALUE` does
 * (attack10 K13), in any spelling that writes the array: an assignment,
 * declare/typeset, read, printf -v, mapfile, a nameref to it. guard does
 * not follow aliases made so: any word naming the array goes to a person.
 */
static bool
names_bash_aliases(const char *t)
{
	static const char name[] = "BASH_ALIASES";
	for (const char *p = strstr(t, name); p; p = strstr(p + 1, name)) {
		char before = p == t ? ' ' : p[-1], after = p[sizeof(name) - 1];
		if (!isalnum((unsigned char)before) && before != '_' && !isalnum((unsigned char)after) && after != '_')
			return true;
	}
	return false;
}

static void
bash_aliases(struct risk_state *st, const struct guard_shell_cmd *cmd)
{
	for (size_t i = 0; i < cmd->nassigns + cmd->argc; i++) {
		const char *t = i < cmd->nassigns ? cmd->assigns[i].text : cmd->argv[i - cmd->nassigns].text;
		if (names_bash_aliases(t)) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "BASH_ALIASES is bash's alias table: writing it defines an alias guard does not follow "
				  "(its name then runs the value as a command): %s", t);
			return;
		}
	}
}

void
risk_shell_forms_part(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	tracer_commands(st, cmd);
	bash_aliases(st, cmd);
	/* a here-document whose delimiter is unquoted is expanded: its $( ) and `..` run */
	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if (r->op == GUARD_REDIR_HEREDOC && r->body && !r->body_literal)
			text_substs(st, "a here-document (expanded as it is read)", r->body, 0, strlen(r->body));
	}
	for (size_t i = 0; i < cmd->nassigns; i++)
		shell_variable(st, &cmd->assigns[i]);
	/* export NAME=V, declare, local, readonly, env/sudo NAME=V, and a[k]=V (a word to the parser): the same
	 * variables; only where an assignment can stand (git commit -m 'PS1=...' is a message) */
	static const char *const assigners[] = { "export", "declare", "typeset", "local", "readonly", "env", "sudo",
						 "doas", "builtin", "command", "exec", "nohup", "nice", "setsid", "time",
						 NULL };
	bool nameref = false; /* declare -n NAME=OTHER names a variable: rated with the line's sets */
	for (size_t i = 0; i < cmd->argc; i++) {
		const char *t = cmd->argv[i].text;
		nameref = nameref || (t[0] == '-' && t[1] != '-' && strchr(t, 'n') && i && !strcmp(c->name, "declare")) ||
			  (t[0] == '-' && strchr(t, 'n') && i && (!strcmp(c->name, "typeset") || !strcmp(c->name, "local")));
		if (strchr(t, '=') && !nameref)
			shell_variable(st, &cmd->argv[i]);
		else if (t[0] != '-' && !risk_name_in(assigners, risk_basename(t)))
			break;
	}
}

/* ---- options and builtins that name a command --------------------------- */

/* Builtins whose operands bash evaluates as arithmetic or as variable names (with subscripts). */
static const char *const arith_builtins[] = { "let", "declare", "typeset", "local", "export", "readonly", "test", "[",
					      "[[", "unset", "read", "printf", "mapfile", "readarray", "getopts",
					      "wait", "eval", NULL };

/*
 * The value of short option letter of c in getopt style (clustered -tC CMD,
 * glued -CCMD); with_value: c's other letters taking a value. *at: the
 * index of the option's word. NULL when absent.
 */
static const char *
cluster_value(const struct risk_cmd *c, const char *with_value, char letter, size_t *at)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			return NULL;
		if (a[0] != '-' || a[1] == '-' || !a[1])
			continue;
		for (const char *p = a + 1; *p; p++) {
			if (*p == letter) {
				*at = i;
				return p[1] ? p + 1 : i + 1 < c->argc ? c->argv[i + 1].text : NULL;
			}
			if (strchr(with_value, *p)) {
				if (!p[1])
					i++;
				break;
			}
		}
	}
	return NULL;
}

/* A command string given to an option: rated as a command line (a computed one: high). */
static void
option_command(struct risk_state *st, const struct risk_cmd *c, const char *what, const char *value, size_t at)
{
	if (!value)
		return;
	/* the value is in word at (glued) or the next one */
	const struct guard_shell_word *w = at + 1 < c->argc && value == c->argv[at + 1].text ? &c->argv[at + 1] : &c->argv[at];
	if (w->flags & GUARD_WORD_DYNAMIC)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command: %s", what, value);
	else
		runs_line(st, what, value, strlen(value));
}

/* bind -x 'KEYSEQ: COMMAND' (also "KEYSEQ":COMMAND): the command after the key sequence. */
static void
bind_x(struct risk_state *st, const struct risk_cmd *c)
{
	bool x = false;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (a[0] == '-' && a[1] != '-' && strchr(a, 'x')) {
			x = true;
			const char *glued = strchr(a, 'x') + 1;
			if (*glued)
				a = glued;
			else
				continue;
		} else if (!x) {
			continue;
		}
		const char *colon = a[0] == '"' ? strchr(strchr(a + 1, '"') ? strchr(a + 1, '"') : a, ':') : strchr(a, ':');
		if (colon)
			runs_line(st, "bind -x (run when the key is pressed)", colon + 1, strlen(colon + 1));
		x = false;
	}
}

/* The word's text, or the here-string/heredoc c reads: for read/mapfile into a variable bash runs. */
static const char *
stdin_literal(const struct risk_cmd *c)
{
	for (size_t i = 0; i < c->cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &c->cmd->redirs[i];
		if (r->op == GUARD_REDIR_HERESTRING)
			return r->target.text;
		if (r->op == GUARD_REDIR_HEREDOC && r->body)
			return r->body;
	}
	return NULL;
}

/* printf -v NAME / read NAME / mapfile NAME of a variable bash runs: its text rated as the assignment would be. */
static void
variable_from(struct risk_state *st, const char *name, const char *value, unsigned flags)
{
	if (!name || !value)
		return;
	struct guard_buf w = GUARD_BUF_INIT;
	guard_buf_addf(&w, "%s=%s", name, value);
	struct guard_shell_word word = { w.buf, NULL, flags };
	shell_variable(st, &word);
	guard_buf_release(&w);
}

static void
builtin_variables(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "printf")) {
		size_t at = 0;
		const char *var = cluster_value(c, "", 'v', &at);
		/* printf -v VAR FORMAT ARGS: the format and arguments, joined, as the value */
		if (var && at + 2 < c->argc) {
			struct guard_buf v = GUARD_BUF_INIT;
			unsigned flags = 0;
			for (size_t i = at + 2; i < c->argc; i++) {
				guard_buf_addf(&v, "%s%s", i > at + 2 ? " " : "", c->argv[i].text);
				flags |= c->argv[i].flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_SUBST);
			}
			variable_from(st, var, v.buf, flags);
			guard_buf_release(&v);
		}
	} else if (!strcmp(n, "read") || !strcmp(n, "mapfile") || !strcmp(n, "readarray")) {
		const char *in = stdin_literal(c);
		for (size_t i = 1; i < c->argc; i++) {
			const char *v = c->argv[i].text;
			if (v[0] == '-')
				continue;
			if (in)
				variable_from(st, v, in, 0);
			else if (runs_variable(v, strcspn(v, "[")))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
					  "%s reads %s, text bash runs, from input guard does not see", n, v);
		}
		if (in)
			arith_subscripts(st, in);
	}
}

static void
history_forms(struct risk_state *st, const struct risk_cmd *c)
{
	if (!strcmp(c->name, "history")) {
		/* history -s TEXT: an entry fc -s (or !!) runs */
		size_t at = 1;
		while (at < c->argc && c->argv[at].text[0] == '-' && !strchr(c->argv[at].text, 's'))
			at++;
		if (at < c->argc && c->argv[at].text[0] == '-') {
			struct guard_buf line = GUARD_BUF_INIT;
			for (size_t i = at + 1; i < c->argc; i++)
				guard_buf_addf(&line, "%s%s", i > at + 1 ? " " : "", c->argv[i].text);
			if (line.len)
				runs_line(st, "history -s (an entry fc -s runs)", line.buf, line.len);
			guard_buf_release(&line);
		}
		return;
	}
	/* fc: -l lists; -e EDITOR runs the editor (a command line) and then the edited commands; -s re-runs */
	if (risk_flag(c, 'l', NULL))
		return;
	size_t at = 0;
	const char *ed = cluster_value(c, "", 'e', &at);
	if (ed && strcmp(ed, "-"))
		option_command(st, c, "fc -e (the editor fc runs)", ed, at);
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
		  "fc runs commands from the shell's history, which guard does not see");
}

/* ---- hash -p --------------------------------------------------------- */

/*
 * name runs path from now on (hash -p, BASH_CMDS[name]=path): remembered
 * for the rest of the line. The shell keeps it for later calls too, so a
 * command name guard knows made to run another program is high here.
 */
static void
hash_note(struct risk_state *st, const char *how, const char *name, const char *path, bool dynamic)
{
	const char *base = risk_basename(path);

	if (dynamic || st->hashed.len >= HASH_MAX) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s makes %s run a computed program: %s", how, name, path);
		return;
	}
	struct guard_buf def = GUARD_BUF_INIT;
	guard_buf_addf(&def, "%s=%s", name, path);
	guard_list_add(&st->hashed, def.buf);
	guard_buf_release(&def);
	risk_explain(st, "    %s: %s now runs %s", how, name, path);
	if (risk_verb_known(name) && strcmp(base, name) && !risk_verb_alike(base, name))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s makes the command %s run %s in this shell, for later commands too", how, name, path);
}

static void
hash_define(struct risk_state *st, const struct risk_cmd *c)
{
	size_t at = 0;
	const char *path = cluster_value(c, "", 'p', &at);

	if (!path)
		return;
	bool glued = !(at + 1 < c->argc && path == c->argv[at + 1].text);
	bool dynamic = (c->argv[at].flags & GUARD_WORD_DYNAMIC) ||
		       (!glued && at + 1 < c->argc && (c->argv[at + 1].flags & GUARD_WORD_DYNAMIC));
	for (size_t i = at + (glued ? 1 : 2); i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		if (w->text[0] == '-' && w->text[1]) {
			continue;
		}
		hash_note(st, "hash -p", w->text, path, dynamic || (w->flags & GUARD_WORD_DYNAMIC));
	}
}

bool
risk_hashed_run(struct risk_state *st, const struct risk_cmd *c)
{
	if (!st->hashed.len || !c->name[0] || strchr(c->argv[0].text, '/'))
		return false;
	size_t n = strlen(c->name);
	for (size_t i = st->hashed.len; i-- > 0;) {
		const char *def = st->hashed.items[i];
		if (strncmp(def, c->name, n) || def[n] != '=')
			continue;
		const char *path = def + n + 1;
		const char *base = risk_basename(path);
		risk_explain(st, "    %s was hashed to %s: rated as %s", c->name, path, base);
		if (!*base) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s (hash -p), a program guard does not know",
				  c->name, path);
			return true;
		}
		enum guard_level outer = st->part_level;
		st->part_level = GUARD_LEVEL_LOW;
		/* hash -p rm ls: the file rm in the working folder (never another hashed name) */
		struct guard_buf as = GUARD_BUF_INIT;
		guard_buf_addf(&as, "%s%s", strchr(path, '/') ? "" : "./", path);
		risk_analyse_as(st, c, as.buf);
		guard_buf_release(&as);
		if (!risk_verb_known(base) && st->part_level < GUARD_LEVEL_HIGH)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s (hash -p), a program guard does not know",
				  c->name, path);
		else if (st->part_level >= GUARD_LEVEL_MEDIUM)
			risk_rule(st, st->part_level, GUARD_CLASS_EXEC, "%s runs %s (hash -p): rated as %s", c->name, path,
				  base);
		if (st->part_level < outer)
			st->part_level = outer;
		return true;
	}
	return false;
}

/* ---- debuggers and profilers ------------------------------------------ */

static void debugger_command(struct risk_state *st, const char *dbg, const char *prog, const char *line,
			     unsigned depth);

/*
 * The text of a debugger's (or editor's) script file (NUL-terminated,
 * caller frees), or NULL when it was rated instead: a secret, or a file
 * guard cannot read now (its commands would run unseen: high).
 */
char *
risk_command_file_text(struct risk_state *st, const char *what, const char *file)
{
	char *abs = guard_path_resolve(st->cwds[0], file, st->ctx->home), *data = NULL;
	size_t len = 0;
	struct stat sb;
	bool read = false;

	if (risk_secret_source(st, what, file, abs))
		read = true; /* rated as a secret read */
	else if (risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode) &&
		 risk_memo_read(abs, DEBUG_SCRIPT_MAX, &data, &len) == 0)
		risk_bind_bytes(st, abs, data, len);
	else
		risk_bind_failed(st, abs);
	if (data && len && memchr(data, '\0', len)) { /* no text */
		free(data);
		data = NULL;
	}
	if (!data && !read)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s runs the commands of %s, which guard cannot read now (missing, unreadable, binary or over %u KiB)",
			  what, file, DEBUG_SCRIPT_MAX >> 10);
	guard_error_clear();
	free(abs);
	return data;
}

/* A gdb/lldb script file: each line a debugger command (python blocks as code; a .py file all python). */
static void
debugger_script(struct risk_state *st, const char *dbg, const char *prog, const char *file, unsigned depth)
{
	if (depth > DEBUG_SCRIPT_DEPTH) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s scripts nested too deep: %s", dbg, file);
		return;
	}
	char *data = risk_command_file_text(st, dbg, file);
	if (!data)
		return;
	size_t len = strlen(data);
	const char *outer = st->from_file;
	st->from_file = file;
	size_t fl = strlen(file);
	if (fl > 3 && !strcmp(file + fl - 3, ".py")) { /* gdb sources a .py file as python */
		risk_code_text(st, "python", data);
		st->from_file = outer;
		free(data);
		return;
	}
	struct guard_buf py = GUARD_BUF_INIT;
	bool in_python = false;
	for (char *line = data, *end; line < data + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(data + len - line));
		if (!end)
			end = data + len;
		*end = '\0';
		const char *t = line + strspn(line, " \t");
		if (in_python) {
			if (!strcmp(t, "end")) {
				risk_code_text(st, "python", py.buf ? py.buf : "");
				guard_buf_release(&py);
				in_python = false;
			} else {
				guard_buf_addf(&py, "%s\n", line);
			}
		} else if (!strcmp(t, "python") || !strcmp(t, "py") || !strcmp(t, "python-interactive")) {
			in_python = true;
		} else {
			debugger_command(st, dbg, prog, t, depth);
		}
	}
	if (in_python)
		risk_code_text(st, "python", py.buf ? py.buf : "");
	guard_buf_release(&py);
	st->from_file = outer;
	free(data);
}

/* word is a prefix of name at least min long (gdb takes unique abbreviations). */
static bool
abbrev(const char *word, size_t n, const char *name, size_t min)
{
	return n >= min && n <= strlen(name) && !strncmp(word, name, n);
}

/* One gdb or lldb command line: what it runs. prog: the program being debugged (or NULL). */
static void
debugger_command(struct risk_state *st, const char *dbg, const char *prog, const char *line, unsigned depth)
{
	char what[96];
	const char *t = line + strspn(line, " \t");
	size_t n = strcspn(t, " \t");
	const char *rest = t + n + strspn(t + n, " \t");

	if (!*t || *t == '#')
		return;
	snprintf(what, sizeof(what), "%s command %.40s", dbg, t);
	if (*t == '!') {
		runs_line(st, what, t + 1, strlen(t + 1));
	} else if (abbrev(t, n, "shell", 2) || (!strncmp(t, "platform", n) && n >= 4 && !strncmp(rest, "shell", 5))) {
		if (strncmp(t, "shell", n) != 0 || n < 2)
			rest += 5 + strspn(rest + 5, " \t"); /* lldb: platform shell [-h HOST] CMD */
		if (*rest)
			runs_line(st, what, rest, strlen(rest));
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s starts a shell that reads its input: %s", dbg, t);
	} else if (*t == '|' || abbrev(t, n, "pipe", 3)) {
		/* pipe [COMMAND] | SHELL_COMMAND, | [COMMAND] | SHELL_COMMAND, -d DELIM */
		const char *bar = strchr(*t == '|' ? t + 1 : rest, '|');
		if (bar)
			runs_line(st, what, bar + 1, strlen(bar + 1));
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s pipes into a shell command guard cannot find: %s",
				  dbg, t);
	} else if (abbrev(t, n, "python", 2) || abbrev(t, n, "python-interactive", 7) || !strncmp(t, "pi", n) ||
		   !strncmp(t, "script", n)) {
		if (*rest)
			risk_code_text(st, "python", rest);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s reads python code it is given later: %s", dbg, t);
	} else if (abbrev(t, n, "guile", 2) || abbrev(t, n, "eval", 4) || abbrev(t, n, "alias", 5) ||
		   (!strncmp(t, "command", n) && n >= 3 &&
		    (!strncmp(rest, "script", 6) || !strncmp(rest, "alias", 5) || !strncmp(rest, "regex", 5)))) {
		/* guile code, eval "FMT", ARGS (a command built at run time), a new name for a command */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs code guard does not read: %s", dbg, t);
	} else if (abbrev(t, n, "make", 4)) {
		runs_line(st, what, t, strlen(t)); /* gdb's make runs make with these arguments */
	} else if (abbrev(t, n, "source", 2) && *rest) {
		debugger_script(st, dbg, prog, rest, depth + 1);
	} else if (abbrev(t, n, "run", 1) || !strcmp(t, "start") || !strncmp(t, "start ", 6) || abbrev(t, n, "starti", 6) ||
		   (!strncmp(t, "process", n) && n >= 3 && !strncmp(rest, "launch", 6))) {
		/* gdb runs the program through a shell with these arguments */
		if (!strncmp(t, "process", n) && n >= 3)
			rest = strstr(rest, "--") ? strstr(rest, "--") + 2 : "";
		struct guard_buf l = GUARD_BUF_INIT;
		if (prog) {
			guard_buf_addstr(&l, "exec ");
			risk_add_single_quoted(&l, prog);
		} else {
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a program guard cannot name: %s", dbg, t);
			guard_buf_addstr(&l, ":");
		}
		guard_buf_addf(&l, " %s", rest);
		runs_line(st, what, l.buf, l.len);
		guard_buf_release(&l);
	} else if ((abbrev(t, n, "call", 4) || abbrev(t, n, "print", 1) || !strncmp(t, "expression", n) ||
		    abbrev(t, n, "set", 3)) &&
		   (strstr(rest, "system") || strstr(rest, "popen") || strstr(rest, "exec") || strstr(rest, "dlopen"))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s makes the program run a command: %s", dbg, t);
	}
}

/* gdb [options] [--args] PROG [ARGS | CORE | PID], its -ex/-iex commands and -x/-ix files. */
static void
rate_gdb(struct risk_state *st, struct risk_cmd *c)
{
	static const char *const with_value[] = { "ex", "eval-command", "iex", "init-eval-command", "x", "command",
						  "ix", "init-command", "p", "pid", "c", "core", "s", "symbols", "e", "exec",
						  "se", "d", "directory", "cd", "D", "data-directory", "i", "interpreter",
						  "b", "l", "tty", NULL };
	const char *prog = NULL;
	size_t prog_at = 0, args = 0, stop = c->argc;
	bool batch = false;

	/* first the program (gdb PROG, -e/--exec/-se PROG, --args PROG), then the commands that may run it */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 1; i < stop; i++) {
			const char *a = c->argv[i].text;
			if (a[0] != '-' || !a[1]) {
				if (!prog)
					prog = a, prog_at = i;
				continue;
			}
			const char *o = a + 1 + (a[1] == '-');
			char opt[32];
			size_t on = strcspn(o, "=");
			snprintf(opt, sizeof(opt), "%.*s", (int)(on < 31 ? on : 31), o);
			if (!strcmp(opt, "args")) {
				stop = i;
				if (i + 1 < c->argc)
					args = i + 1, prog = c->argv[i + 1].text, prog_at = i + 1;
				break;
			}
			batch |= !strcmp(opt, "batch") || !strcmp(opt, "batch-silent");
			if (!risk_name_in(with_value, opt))
				continue;
			const struct guard_shell_word *vw = o[on] == '=' ? &c->argv[i] : i + 1 < c->argc ? &c->argv[++i] : NULL;
			if (!vw)
				break;
			const char *v = o[on] == '=' ? o + on + 1 : vw->text;
			if (!pass) {
				if (!strcmp(opt, "e") || !strcmp(opt, "exec") || !strcmp(opt, "se"))
					prog = v, prog_at = 0;
				continue;
			}
			if (!strcmp(opt, "ex") || !strcmp(opt, "eval-command") || !strcmp(opt, "iex") ||
			    !strcmp(opt, "init-eval-command")) {
				if (vw->flags & GUARD_WORD_DYNAMIC)
					risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "gdb runs a computed command: %s", v);
				else
					debugger_command(st, "gdb", prog, v, 0);
			} else if (!strcmp(opt, "x") || !strcmp(opt, "command") || !strcmp(opt, "ix") ||
				   !strcmp(opt, "init-command")) {
				debugger_script(st, "gdb", prog, v, 0);
			}
		}
	if (args || prog_at) {
		/* gdb --args PROG ARGS: PROG runs with ARGS; gdb PROG [CORE|PID]: PROG, without arguments */
		struct risk_cmd inner = *c;
		inner.argv += args ? args : prog_at;
		inner.argc = args ? c->argc - args : 1;
		risk_explain(st, "    gdb runs %s", inner.argv[0].text);
		risk_analyse_cmd(st, &inner);
	} else if (prog) {
		struct guard_buf l = GUARD_BUF_INIT;
		risk_add_single_quoted(&l, prog);
		runs_line(st, "gdb -e", l.buf, l.len);
		guard_buf_release(&l);
	}
	/* commands from stdin: a literal text is read; another program's output is not known */
	if (batch)
		return;
	char *in = risk_literal_stdin(c);
	if (in) {
		for (char *line = in, *end; *line; line = end + 1) {
			end = strchr(line, '\n');
			if (end)
				*end = '\0';
			debugger_command(st, "gdb", prog, line, 0);
			if (!end)
				break;
		}
	} else if (c->cmd->pipe_pos) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "gdb reads its commands from another program's output");
	}
	free(in);
}

/* lldb [options] [--] PROG [ARGS]: the program, the -o/-O/-k commands and -s/-S files. */
static void
rate_lldb(struct risk_state *st, struct risk_cmd *c)
{
	static const char *const with_value[] = { "-o", "--one-line", "-O", "--one-line-before-file", "-k",
						  "--one-line-on-crash", "-K", "--source-on-crash", "-s", "--source", "-S",
						  "--source-before-file", "-f", "--file", "-a", "--arch", "-p",
						  "--attach-pid", "-n", "--attach-name", "-c", "--core", "-l", "--script-language",
						  "-r", "--repl", NULL };
	const char *prog = NULL;
	size_t i = 1, prog_at = 0;

	for (i = 1; i < c->argc && !prog; i++) { /* the program first: lldb PROG, -f PROG, -- PROG */
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--") || a[0] != '-')
			prog = i + (a[0] == '-') < c->argc ? c->argv[i + (a[0] == '-')].text : NULL;
		else if (!strcmp(a, "-f") || !strcmp(a, "--file"))
			prog = i + 1 < c->argc ? c->argv[i + 1].text : NULL;
		else if (risk_name_in(with_value, a))
			i++;
	}
	for (i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-') {
			if (!prog_at)
				prog_at = i;
			continue;
		}
		if (!risk_name_in(with_value, a) || i + 1 >= c->argc)
			continue;
		const char *v = c->argv[++i].text;
		if (!strcmp(a, "-o") || !strcmp(a, "--one-line") || !strcmp(a, "-O") || !strcmp(a, "--one-line-before-file") ||
		    !strcmp(a, "-k") || !strcmp(a, "--one-line-on-crash"))
			debugger_command(st, "lldb", prog, v, 0);
		else if (!strcmp(a, "-s") || !strcmp(a, "--source") || !strcmp(a, "-S") ||
			 !strcmp(a, "--source-before-file") || !strcmp(a, "-K") || !strcmp(a, "--source-on-crash"))
			debugger_script(st, "lldb", prog, v, 0);
		else if (!strcmp(a, "-f") || !strcmp(a, "--file"))
			prog_at = i;
	}
	struct risk_cmd inner = *c;
	if (i < c->argc) {
		inner.argv += i;
		inner.argc -= i;
	} else if (prog_at) {
		inner.argv += prog_at;
		inner.argc = 1;
	} else {
		return;
	}
	risk_explain(st, "    lldb runs %s", inner.argv[0].text);
	risk_analyse_cmd(st, &inner);
}

/* perf record|stat|trace|... [options] [--] CMD, rr record [options] CMD: CMD runs as itself. */
static void
rate_profiler(struct risk_state *st, struct risk_cmd *c)
{
	static const char *const perf_runs[] = { "record", "stat", "trace", "c2c", "mem", "sched", "lock", "kmem",
						 "kvm", "ftrace", "kwork", "timechart", NULL };
	static const char *const perf_values[] = { "-e", "--event", "-o", "--output", "-p", "--pid", "-t", "--tid",
						   "-c", "--count", "-F", "--freq", "-C", "--cpu", "-G", "--cgroup", "-m",
						   "--mmap-pages", "-u", "--uid", "-I", "--interval-print", "-x",
						   "--field-separator", "-r", "--repeat", "-j", "--branch-filter",
						   "--call-graph", "--filter", "-T", "--delay", "-D", NULL };
	static const char *const rr_other[] = { "replay", "ps", "dump", "pack", "sources", "traceinfo", "buildid",
						"cpufeatures", "help", "rerun", "explicit-sources", "mark", NULL };
	static const char *const ld_values[] = { "--library-path", "--inhibit-rpath", "--audit", "--preload", "--argv0",
						 "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask", NULL };
	size_t i = 1;
	bool perf = !strcmp(c->name, "perf"), ld = !perf && strcmp(c->name, "rr");

	if (ld) {
		/* ld.so [--library-path P ...] PROG ARGS: the loader runs PROG */
		while (i < c->argc && c->argv[i].text[0] == '-' && strcmp(c->argv[i].text, "--"))
			i += risk_name_in(ld_values, c->argv[i].text) ? 2 : 1;
		i += i < c->argc && !strcmp(c->argv[i].text, "--");
	} else if (!perf && i < c->argc && risk_name_in(rr_other, c->argv[i].text)) {
		return; /* rr replay / ps / dump: nothing new runs */
	} else if (perf && (i >= c->argc || !risk_name_in(perf_runs, c->argv[i].text))) {
		return;
	}
	if (!ld && i < c->argc && (perf || !strcmp(c->argv[i].text, "record")))
		i++;
	if (perf && i < c->argc && (!strcmp(c->argv[i].text, "record") || !strcmp(c->argv[i].text, "stat")))
		i++; /* perf sched record, perf kvm stat */
	for (; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (perf && risk_name_in(perf_values, a))
			i++;
	}
	if (i >= c->argc)
		return;
	struct risk_cmd inner = *c;
	inner.argv += i;
	inner.argc -= i;
	risk_explain(st, "    %s runs %s", c->name, inner.argv[0].text);
	risk_analyse_cmd(st, &inner);
}

/* enable -af FILE NAME (clustered; -f FILE alone is guard_risk_cmd.c's): a loadable builtin is code guard does not read. */
static void
enable_f(struct risk_state *st, const struct risk_cmd *c)
{
	size_t at = 0;
	const char *file = cluster_value(c, "", 'f', &at);

	if (file && !risk_opt_value(c, "-f", NULL))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "enable -f loads %s as a builtin: code guard does not read runs inside the shell", file);
}

void
risk_shell_forms_cmd(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;
	size_t at = 0;

	if (risk_name_in(arith_builtins, n))
		for (size_t i = 1; i < c->argc; i++)
			arith_subscripts(st, c->argv[i].text);
	if (!strcmp(n, "hash"))
		hash_define(st, c);
	else if (!strcmp(n, "mapfile") || !strcmp(n, "readarray"))
		option_command(st, c, "mapfile -C (the callback it runs)", cluster_value(c, "dnOsuc", 'C', &at), at);
	else if (!strcmp(n, "complete") || !strcmp(n, "compgen"))
		option_command(st, c, "complete -C (the command it runs)", cluster_value(c, "oAGWFXPS", 'C', &at), at);
	else if (!strcmp(n, "bind"))
		bind_x(st, c);
	else if (!strcmp(n, "man") || !strcmp(n, "sort"))
		for (size_t i = 1; i < c->argc; i++) {
			/* man -P PAGER / --pager=PAGER, sort --compress-program=PROG: a command man or sort runs */
			const char *a = c->argv[i].text;
			bool man = !strcmp(n, "man");
			if (man && (!strcmp(a, "-P") || !strcmp(a, "--pager")) && i + 1 < c->argc)
				option_command(st, c, "man -P (the pager man runs)", c->argv[i + 1].text, i);
			else if (man && !strncmp(a, "--pager=", 8))
				option_command(st, c, "man -P (the pager man runs)", a + 8, i);
			else if (man && !strncmp(a, "-P", 2) && a[2])
				option_command(st, c, "man -P (the pager man runs)", a + 2, i);
			else if (!man && !strncmp(a, "--compress-program=", 19))
				option_command(st, c, "sort --compress-program", a + 19, i);
			else if (!man && !strcmp(a, "--compress-program") && i + 1 < c->argc)
				option_command(st, c, "sort --compress-program", c->argv[i + 1].text, i);
		}
	else if (!strcmp(n, "fc") || !strcmp(n, "history"))
		history_forms(st, c);
	else if (!strcmp(n, "enable"))
		enable_f(st, c);
	else if (!strcmp(n, "zip"))
		for (size_t i = 1; i < c->argc; i++) {
			/* -TT CMD, --unzip-command CMD / =CMD: the command zip tests the archive with */
			const char *a = c->argv[i].text;
			if ((!strcmp(a, "-TT") || !strcmp(a, "--unzip-command")) && i + 1 < c->argc)
				option_command(st, c, "zip -TT (the test command zip runs)", c->argv[i + 1].text, i);
			else if (!strncmp(a, "--unzip-command=", 16) || !strncmp(a, "-TT=", 4))
				option_command(st, c, "zip -TT (the test command zip runs)", strchr(a, '=') + 1, i);
		}
	builtin_variables(st, c);
	if (!strcmp(n, "gdb"))
		rate_gdb(st, c);
	else if (!strcmp(n, "lldb"))
		rate_lldb(st, c);
	else if (!strcmp(n, "perf") || !strcmp(n, "rr") || !strcmp(n, "ld.so") || !strncmp(n, "ld-linux", 8) ||
		 !strncmp(n, "ld64.so", 7))
		rate_profiler(st, c);
}
