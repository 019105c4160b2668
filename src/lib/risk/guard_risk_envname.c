/*
 * The name a word sets as bash takes it (attack7 H5/H19/H20). export,
 * declare -x, typeset -x, local -x, readonly, env NAME=V and assignments
 * set the variable their word names once the shell has expanded it:
 * `export ${X:-GIT_CONFIG_PARAMETERS}=...` sets GIT_CONFIG_PARAMETERS when
 * X is unset, `N=BASH_ENV; export $N=...` sets BASH_ENV, and after
 * `declare -n r=GUARD_DIR` an assignment to r sets GUARD_DIR. The name is
 * worked out where the line spells its parts (the parser already joins
 * known parts of a word: quotes, backslashes, braces, variables assigned
 * on the line), then rated exactly as the literal spelling is. A name the
 * line does not spell (an unknown $N, $(...) kept, ${!X}) is high: guard
 * cannot tell which variable it sets.
 *
 * A variable the line does not set, used as ${X:-NAME}, is taken as unset
 * (its default): the shell a tool call runs in starts from the agent's
 * environment, which an earlier call cannot change (its exports end with
 * it), and a variable set on the line is known here.
 *
 * BASH_ENV (and ENV, read by a later shell of the line) exported or
 * assigned, however spelled, names a script every later bash runs first:
 * it is read and rated as one (unreadable or computed: at least ask), as
 * `BASH_ENV=FILE cmd` in front of a command already was.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard_buf.h"
#include "guard_risk_int.h"
#include "guard_risk_vars.h"

#define NAME_MAX_LEN 128

struct risk_line_vars *
risk_line_vars_new(void)
{
	return guard_xcalloc(1, sizeof(struct risk_line_vars));
}

void
risk_line_vars_free(struct risk_line_vars *v)
{
	if (!v)
		return;
	guard_list_clear(&v->refs);
	free(v->cdpath);
	free(v->oldpwd);
	for (size_t i = 0; i < v->nstack; i++)
		free(v->stack[i]);
	free(v);
}

/* The value of variable name (n bytes) as the line last assigned it; *on_line: it did; NULL also when computed. */
static const char *
line_value(const struct risk_cmd *c, const char *name, size_t n, bool *on_line)
{
	*on_line = false;
	for (size_t i = c->sh ? c->sh->known_names.len : 0; i-- > 0;) {
		const char *k = c->sh->known_names.items[i];
		if (strlen(k) == n && !memcmp(k, name, n)) {
			*on_line = true;
			const char *v = c->sh->known_values.items[i];
			return v[0] == '\x01' ? NULL : v;
		}
	}
	return NULL;
}

/* The name being built. */
struct spelled {
	char v[NAME_MAX_LEN];
	size_t len;
	bool overflow;
};

static void
spelled_add(struct spelled *a, const char *s, size_t n)
{
	if (a->len + n >= NAME_MAX_LEN) {
		a->overflow = true;
		return;
	}
	memcpy(a->v + a->len, s, n);
	a->len += n;
	a->v[a->len] = 0;
}

/* The word of ${VAR-WORD} with its quotes taken off; false when it holds an expansion itself. */
static bool
param_word(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '\'' || ch == '"')
			continue;
		if (ch == '$' || ch == '`')
			return false;
		if (ch == '\\' && i + 1 < n)
			ch = s[++i];
		if (o + 1 >= size)
			return false;
		out[o++] = ch;
	}
	out[o] = 0;
	return true;
}

/* ${body}: what it gives as part of a name, into a; false when that cannot be known here. */
static bool
param(const struct risk_cmd *c, const char *body, size_t n, struct spelled *a)
{
	size_t k = 0;
	char word[NAME_MAX_LEN];
	bool on_line;

	while (k < n && (isalnum((unsigned char)body[k]) || body[k] == '_'))
		k++;
	if (!k)
		return false; /* ${!X}, ${#X}, ${@}: not a name guard can read */
	const char *v = line_value(c, body, k, &on_line);
	if (on_line && !v)
		return false;
	if (k == n) {
		if (!v)
			return false; /* ${X} of the environment */
		spelled_add(a, v, strlen(v));
		return true;
	}
	bool colon = body[k] == ':';
	char op = body[k + colon];
	if (k + colon >= n || !strchr("-=+", op) || !param_word(body + k + colon + 1, n - k - colon - 1, word, sizeof(word)))
		return false;
	bool set = on_line && (!colon || *v);
	const char *r = op == '+' ? (set ? word : "") : set ? v : word;
	spelled_add(a, r, strlen(r));
	return true;
}

/*
 * The "NAME[=VALUE]" words w sets, its name worked out (see the top);
 * false when a part of the name cannot be known here.
 */
static bool
word_names(const struct risk_cmd *c, const struct guard_shell_word *w, struct guard_list *out)
{
	const char *t = w->text;
	struct spelled a = { .len = 0 };
	size_t i = 0;

	if (!(w->flags & GUARD_WORD_DYNAMIC)) {
		guard_list_add(out, t);
		return true;
	}
	while (t[i] && t[i] != '=') {
		if (t[i] == '`')
			return false;
		if (t[i] != '$') {
			spelled_add(&a, t + i, 1);
			i++;
			continue;
		}
		if (t[i + 1] != '{')
			return false; /* $N the parser could not resolve, $(...), $1 */
		size_t j = i + 2;
		for (int depth = 1; t[j] && depth; j++) {
			if (t[j] == '\\' && t[j + 1])
				j++;
			else if (t[j] == '{')
				depth++;
			else if (t[j] == '}')
				depth--;
		}
		if (t[j - 1] != '}' || !param(c, t + i + 2, j - 1 - (i + 2), &a))
			return false;
		i = j;
	}
	if (a.overflow)
		return false;
	guard_list_take(out, guard_xasprintf("%s%s", a.v, t + i));
	return true;
}

/* name (n bytes) made another name by declare -n: its target ("" when not known), or NULL. */
const char *
risk_ref_target(const struct risk_state *st, const char *name, size_t n)
{
	const struct guard_list *refs = st->vars ? &st->vars->refs : NULL;

	for (size_t i = refs ? refs->len : 0; i-- > 0;) {
		const char *e = refs->items[i], *sep = strchr(e, '\x1f');
		if ((size_t)(sep - e) == n && !memcmp(e, name, n))
			return sep + 1;
	}
	return NULL;
}

/* A later command of the line (after c) starts a shell: it reads ENV. */
static bool
later_shell(const struct risk_cmd *c)
{
	uintptr_t at = (uintptr_t)c->cmd, from = c->sh ? (uintptr_t)c->sh->cmds : 0;

	if (!c->sh || at < from || at >= (uintptr_t)(c->sh->cmds + c->sh->ncmds))
		return true; /* a function's body rebuilt for a call: any shell after it is not known here */
	for (size_t i = (size_t)(c->cmd - c->sh->cmds) + 1; i < c->sh->ncmds; i++) {
		const struct guard_shell_cmd *o = &c->sh->cmds[i];
		for (size_t k = 0; k < o->argc && k < 4; k++)
			if (risk_is_shell(risk_basename(o->argv[k].text)))
				return true;
	}
	return false;
}

/*
 * BASH_ENV=FILE (or ENV=FILE with a later shell) set for what runs: every
 * later bash runs FILE first. The literal spelling in front of a command
 * or given to env is rated where the command is (script_env).
 */
static void
script_var(struct risk_state *st, const struct risk_cmd *c, const char *word, const char *how, bool respelled)
{
	size_t n = strcspn(word, "=");
	bool bash_env = n == 8 && !strncmp(word, "BASH_ENV", 8);
	const char *what = bash_env ? "BASH_ENV" : "ENV";

	if (!word[n] || !word[n + 1] || strstr(how, "unset") || (!bash_env && !(n == 3 && !strncmp(word, "ENV", 3))))
		return;
	if (!respelled && (!strcmp(how, "sets") || !c->argc))
		return; /* script_env: BASH_ENV=F cmd, env BASH_ENV=F cmd */
	if (!bash_env && !later_shell(c))
		return; /* ENV=production: only a shell reads it */
	const char *value = word + n + 1;
	if (strpbrk(value, "$`")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s %s=%s, a computed file: every later %s runs it first, unseen", how, what, value,
			  bash_env ? "bash" : "shell");
		return;
	}
	struct guard_shell_word v = { (char *)value, NULL, value[0] == '~' ? GUARD_WORD_TILDE : 0 };
	risk_explain(st, "    %s %s: every later %s runs %s first", how, what, bash_env ? "bash" : "shell", value);
	if (!risk_later_run(st, NULL, &v, what)) {
		if (!st->remote)
			risk_script_text(st, what, value, true);
		risk_path(st, what, &v, PATH_EXEC);
	}
}

/*
 * GIT_SSH_COMMAND, GIT_EDITOR, PAGER, ... exported or assigned: git runs
 * the value as a command, in this line's later git or in one a later
 * program starts (npm install of a git dependency, a Makefile recipe).
 * Literal in front of git it is rated there (git_runner_env).
 */
static void
runner_var(struct risk_state *st, const char *word, const char *how, bool respelled)
{
	size_t n = strcspn(word, "=");
	const char *value = word + n + 1;

	if (!word[n] || !*value || strstr(how, "unset") || !risk_git_runner_var(word, n))
		return;
	if (!respelled && !strcmp(how, "sets"))
		return;
	if (strpbrk(value, "$`")) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s %.*s=%s: git runs a computed command later", how,
			  (int)n, word, value);
		return;
	}
	char what[96];
	snprintf(what, sizeof(what), "%s %.*s (git runs it)", how, (int)n, word);
	risk_nested(st, what, value, strlen(value));
}

void
risk_env_word(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w, const char *how,
	      bool for_git, bool for_guard)
{
	struct guard_list names = GUARD_LIST_INIT;

	if (!word_names(c, w, &names)) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s a computed name (%.*s): guard cannot tell which variable it sets (GUARD_*, GIT_CONFIG_*, "
			  "GIT_DIR, HOME, LD_PRELOAD, BASH_ENV set so would reach around guard)", how,
			  (int)strcspn(w->text, "="), w->text);
		guard_list_clear(&names);
		return;
	}
	for (size_t i = 0; i < names.len; i++) {
		const char *word = names.items[i];
		size_t n = strcspn(word, "=");
		const char *target = risk_ref_target(st, word, n);
		char *through = NULL;
		if (target && !*target) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "%s %.*s, a name reference (declare -n) to a computed name: guard cannot tell which "
				  "variable it sets", how, (int)n, word);
			continue;
		}
		if (target)
			word = through = guard_xasprintf("%s%s", target, word + n);
		bool respelled = strcmp(word, w->text) != 0;
		if (respelled)
			risk_explain(st, "    %s sets %.*s", w->text, (int)strcspn(word, "="), word);
		risk_env_set(st, word, how, for_git, for_guard);
		script_var(st, c, word, how, respelled);
		runner_var(st, word, how, respelled);
		if (!strncmp(word, "GIT_TRACE", 9) && word[n] == '=' && !strstr(how, "unset")) {
			char *what = guard_xasprintf("%s %.*s", how, (int)n, word);
			risk_git_trace_target(st, what, word + n + 1); /* attack9 J18: git appends there */
			free(what);
		}
		if (n == 16 && !strncmp(word, "GIT_TEMPLATE_DIR", 16) && word[n] == '=' && word[n + 1] && (strcmp(how, "sets") || !c->argc))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "%s GIT_TEMPLATE_DIR=%s: every later git init and clone copies hooks from there (attack9 J14)",
				  how, word + n + 1);
		free(through);
	}
	guard_list_clear(&names);
}

/* An option word of c holds letter (declare -n, -xn). */
static bool
has_option(const struct risk_cmd *c, char letter)
{
	for (size_t i = 1; i < c->argc && c->argv[i].text[0] == '-'; i++)
		if (c->argv[i].text[1] != '-' && strchr(c->argv[i].text + 1, letter))
			return true;
	return false;
}

/* Rate name (a word of c) set to a value guard does not see here (for_git: git runs on the line). */
static void
set_unseen_for(struct risk_state *st, const struct risk_cmd *c, const char *name, const char *how, bool known,
	       const char *value, bool for_git)
{
	char *t = known ? guard_xasprintf("%s=%s", name, value) : guard_xasprintf("%s=$(%s)", name, how);
	struct guard_shell_word w = { t, NULL, known ? 0 : GUARD_WORD_DYNAMIC };
	/* a computed name was kept as written: the word says so itself */
	if (strpbrk(name, "$`"))
		w.flags |= GUARD_WORD_DYNAMIC;
	risk_env_word(st, c, &w, how, for_git, for_git);
	free(t);
}

static void
set_unseen(struct risk_state *st, const struct risk_cmd *c, const char *name, const char *how, bool known, const char *value)
{
	set_unseen_for(st, c, name, how, known, value, false);
}

/* printf -v NAME FORMAT ARGS: NAME set to the formatted text (known when FORMAT is plain and alone). */
static void
printf_v(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "--") || t[0] != '-')
			return;
		const char *name = !strcmp(t, "-v") ? (i + 1 < c->argc ? c->argv[++i].text : NULL)
			: !strncmp(t, "-v", 2) ? t + 2 : NULL;
		if (!name)
			continue;
		size_t f = i + 1 < c->argc && !strcmp(c->argv[i + 1].text, "--") ? i + 2 : i + 1;
		const char *fmt = f < c->argc ? c->argv[f].text : "";
		bool plain = f + 1 >= c->argc && !strpbrk(fmt, "%\\$`");
		set_unseen(st, c, name, "printf -v assigns", plain, fmt);
		return;
	}
}

/* read NAME...: each NAME set from what read takes in. */
static void
read_names(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-' && t[1]) {
			if (strchr("pdnNtui", t[strlen(t) - 1]))
				i++; /* -p PROMPT, -rd DELIM, ... */
			continue;
		}
		set_unseen(st, c, t, "read assigns", false, NULL);
	}
}

/* declare -n NAME=TARGET: later uses of NAME are TARGET's. */
static void
name_refs(struct risk_state *st, const struct risk_cmd *c)
{
	if (!st->vars)
		return;
	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *eq = strchr(w->text, '=');
		if (w->text[0] == '-' || !eq)
			continue;
		bool known = !(w->flags & GUARD_WORD_DYNAMIC) && !strpbrk(w->text, "$`");
		guard_list_take(&st->vars->refs, guard_xasprintf("%.*s\x1f%s", (int)(eq - w->text), w->text, known ? eq + 1 : ""));
		risk_explain(st, "    %.*s is another name of %s", (int)(eq - w->text), w->text, known ? eq + 1 : "a computed name");
	}
}

/* A command of sh runs git or one of guard's programs (in its first words: past env, sudo, timeout). */
static bool
line_runs_guarded(const struct guard_shell *sh)
{
	for (size_t i = 0; i < sh->ncmds; i++)
		for (size_t k = 0; k < sh->cmds[i].argc && k < 4; k++) {
			const char *b = risk_basename(sh->cmds[i].argv[k].text);
			if (!strcmp(b, "git") || risk_guard_program_name(b))
				return true;
		}
	return false;
}

/* Whether the sets of sh were rated already; marks them so. */
static bool
sets_rated(struct risk_state *st, const struct guard_shell *sh)
{
	struct risk_line_vars *v = st->vars;

	if (!v)
		return false;
	for (size_t i = 0; i < v->nsets_rated; i++)
		if (v->sets_rated[i] == sh)
			return true;
	if (v->nsets_rated < sizeof(v->sets_rated) / sizeof(v->sets_rated[0]))
		v->sets_rated[v->nsets_rated++] = sh;
	return false;
}

/*
 * Variables the line assigns in ways no word spells as NAME=VALUE
 * (attack11 L1/L9): for/select loop names, arithmetic ((( )), $(( )),
 * let, subscripts), mapfile/readarray/getopts, ${NAME:=WORD}, declare -n
 * NAME=OTHER. The parser lists them (sh->sets, the one answer to "does
 * this line set NAME"); each is rated as that assignment is: the agent's
 * markers, git's and the loader's variables, the prompts, PROMPT_COMMAND,
 * BASH_ALIASES. A value not known here counts as computed.
 */
void
risk_line_sets(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell *sh = c->sh;

	if (!sh || !sh->sets.len || sets_rated(st, sh))
		return;
	bool git = line_runs_guarded(sh);
	for (size_t i = 0; i < sh->sets.len; i++) {
		const char *e = sh->sets.items[i], *sep = strchr(e, '\x1f'), *eq = strchr(sep, '=');
		char *how = guard_xstrndup(e, (size_t)(sep - e)), *name = guard_xstrndup(sep + 1, (size_t)(eq - sep - 1));
		const char *value = eq[1] == '\x01' ? NULL : eq + 1;
		set_unseen_for(st, c, name, how, value != NULL, value, git);
		if (!value && !strcmp(name, "PATH"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
				  "%s PATH to a value guard does not know: later commands may run programs from a folder "
				  "the agent wrote", how);
		if (strncmp(how, "mapfile", 7) && strncmp(how, "readarray", 9)) /* rated with read's */
			risk_shell_variable_set(st, how, name, value);
		free(how);
		free(name);
	}
}

bool
risk_env_builtins(struct risk_state *st, const struct risk_cmd *c)
{
	const char *verb = c->argc ? risk_basename(c->argv[0].text) : "";

	if ((!strcmp(verb, "declare") || !strcmp(verb, "typeset") || !strcmp(verb, "local")) && has_option(c, 'n')) {
		name_refs(st, c);
		return true; /* the names become references: nothing is set or exported */
	}
	if (!strcmp(verb, "printf"))
		printf_v(st, c);
	else if (!strcmp(verb, "read"))
		read_names(st, c);
	return false;
}

void
risk_git_push_spelled(struct risk_state *st, const struct guard_shell_word *w)
{
	if (w->flags & (GUARD_WORD_QUOTED | GUARD_WORD_VALUE | GUARD_WORD_FOLDED))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git push to the protected branch of %s, spelled with quotes or a variable: the policy's "
			  "branch rules read the literal name (a person pushes there)", w->text);
}
