/*
 * The grammar: lists, and-or lists, pipelines, simple commands,
 * subshells, groups, function definitions, the reserved words of
 * if/while/for (skipped: their bodies are commands like any other),
 * redirections and heredoc bodies. Words are lexed in guard_shell_lex.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>

#include "guard_shell_int.h"

void
shell_fail(struct shell_parser *p, const char *fmt, ...)
{
	va_list ap;
	struct guard_buf b = GUARD_BUF_INIT;

	if (p->sh->unparsed)
		return; /* the first reason is the useful one */
	va_start(ap, fmt);
	guard_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	p->sh->unparsed = true;
	p->sh->reason = guard_buf_detach(&b);
	p->pos = p->len; /* stop everything */
}

void
shell_token(struct shell_parser *p, const char *text, size_t n)
{
	if (++p->sh->ntokens > GUARD_SHELL_MAX_TOKENS)
		shell_fail(p, "more than %d tokens", GUARD_SHELL_MAX_TOKENS);
	else if (p->sh->want_tokens)
		guard_list_take(&p->sh->tokens, guard_xstrndup(text, n));
}

const char *
shell_var_value(const struct shell_parser *p, const char *name, size_t n)
{
	const struct guard_shell *sh = p->sh;

	for (size_t i = sh->known_names.len; i-- > 0;)
		if (strlen(sh->known_names.items[i]) == n && !memcmp(sh->known_names.items[i], name, n))
			return sh->known_values.items[i][0] == '\x01' ? NULL : sh->known_values.items[i];
	for (size_t i = p->vars && p->vars->names ? p->vars->names->len : 0; i-- > 0;)
		if (strlen(p->vars->names->items[i]) == n && !memcmp(p->vars->names->items[i], name, n))
			return p->vars->values->items[i];
	if (p->vars && p->vars->home && n == 4 && !memcmp(name, "HOME", 4))
		return p->vars->home;
	if (p->vars && p->vars->pwd && n == 3 && !memcmp(name, "PWD", 3))
		return p->vars->pwd;
	return NULL;
}

/* The latest value of NAME (n bytes) in sh: the value, "\x01" when unknown, NULL when never set. */
const char *
shell_latest_value(const struct guard_shell *sh, const char *name, size_t n)
{
	for (size_t i = sh->known_names.len; i-- > 0;)
		if (strlen(sh->known_names.items[i]) == n && !memcmp(sh->known_names.items[i], name, n))
			return sh->known_values.items[i];
	return NULL;
}

/* Record that the line assigns NAME (n bytes) by how: value, or NULL when not known here. */
void
shell_note_set(struct guard_shell *sh, const char *how, const char *name, size_t n, const char *value)
{
	guard_list_take(&sh->sets, guard_xasprintf("%s\x1f%.*s=%s", how, (int)n, name, value ? value : "\x01"));
}

/* An arithmetic assignment operator at s (=, +=, <<=, ..., not ==): its length, or 0. */
static size_t
arith_assign_op(const char *s, size_t n)
{
	size_t k = 0;

	if (n >= 2 && (s[0] == '<' || s[0] == '>') && s[1] == s[0])
		k = 2;
	else if (n >= 1 && strchr("+-*/%&|^", s[0]))
		k = 1;
	if (k < n && s[k] == '=' && (k + 1 >= n || s[k + 1] != '='))
		return k + 1;
	return 0;
}

/*
 * Names bash arithmetic assigns in s (n bytes): NAME= and the other
 * assignment operators, ++NAME, NAME--, with or without a subscript.
 * Each becomes unknown and is recorded as set by how.
 */
void
shell_note_arith(struct guard_shell *sh, const char *how, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		bool start = (isalpha((unsigned char)s[i]) || s[i] == '_') &&
			     (!i || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'));
		if (!start) {
			i++;
			continue;
		}
		/* (( $n=0 )): $n expands to the name assigned, one guard reads as computed */
		size_t from = i && s[i - 1] == '$' ? i - 1 : i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		size_t len = i - from, k = i;
		for (int depth = 0; k < n && (depth || s[k] == '['); k++) {
			if (s[k] == '[')
				depth++;
			else if (s[k] == ']' && --depth == 0) {
				k++;
				break;
			}
		}
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		size_t b = from;
		while (b && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		bool incdec = (b >= 2 && (s[b - 1] == '+' || s[b - 1] == '-') && s[b - 2] == s[b - 1]) ||
			      (k + 1 < n && (s[k] == '+' || s[k] == '-') && s[k + 1] == s[k]);
		if (incdec || arith_assign_op(s + k, n - k)) {
			char *name = guard_xstrndup(s + from, len);
			shell_note_set(sh, how, name, len, NULL);
			guard_list_take(&sh->known_names, name);
			guard_list_add(&sh->known_values, "\x01");
		}
	}
}

/* Remember NAME=value (unknown when the value is computed); NAME+=value appends. */
static void
remember_var(struct guard_shell *sh, const struct guard_shell_word *assign)
{
	const char *eq = strchr(assign->text, '=');
	if (!eq)
		return;
	bool append = eq > assign->text && eq[-1] == '+';
	size_t n = (size_t)(eq - assign->text) - append;
	const char *old = append ? shell_latest_value(sh, assign->text, n) : "";
	char *name = guard_xstrndup(assign->text, n);
	bool ref = guard_list_has(&sh->namerefs, name);
	guard_list_take(&sh->known_names, name);
	size_t len = (old ? strlen(old) : 0) + strlen(eq + 1);
	if (ref || (assign->flags & GUARD_WORD_DYNAMIC) || (old && old[0] == '\x01') || len > GUARD_SHELL_VALUE_MAX ||
	    sh->known_bytes + len > GUARD_SHELL_KNOWN_MAX) {
		guard_list_add(&sh->known_values, "\x01");
	} else {
		guard_list_take(&sh->known_values, guard_xasprintf("%s%s", old ? old : "", eq + 1));
		sh->known_bytes += len;
	}
}

static bool
is_name(const char *t)
{
	if (!(isalpha((unsigned char)*t) || *t == '_'))
		return false;
	return t[strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")] == '\0';
}

/*
 * eval TEXT, . FILE, source FILE (after builtin or command): code run in
 * this shell that guard reads apart from the line, so the variables it
 * sets are not seen here.
 */
static bool
runs_text_here(const struct guard_shell_cmd *c)
{
	size_t i = 0;

	while (i + 1 < c->argc && (!strcmp(c->argv[i].text, "builtin") || !strcmp(c->argv[i].text, "command") ||
				   (i && c->argv[i].text[0] == '-')))
		i++;
	const char *t = c->argv[i].text;
	return (c->argv[i].flags & GUARD_WORD_DYNAMIC) || !strcmp(t, "eval") || !strcmp(t, ".") || !strcmp(t, "source");
}

/* Every variable assigned so far becomes unknown (eval "T=~" may have set any of them). */
static void
forget_all(struct guard_shell *sh)
{
	for (size_t i = 0, n = sh->known_names.len; i < n; i++) {
		guard_list_add(&sh->known_names, sh->known_names.items[i]);
		guard_list_add(&sh->known_values, "\x01");
	}
}

/*
 * read NAME, printf -v NAME, mapfile NAME, getopts S NAME, unset NAME:
 * builtins that set variables to values not known here. Every name among
 * their words becomes unknown (a later $NAME is computed, not the value
 * an earlier NAME=value gave).
 */
static void
forget_vars(struct guard_shell *sh, const struct guard_shell_cmd *c)
{
	static const char *const setters[] = { "read", "printf", "mapfile", "readarray", "getopts", "unset", NULL };
	size_t k = 0;

	if (!c->argc || (c->argv[0].flags & GUARD_WORD_DYNAMIC))
		return;
	if (runs_text_here(c)) {
		forget_all(sh);
		return;
	}
	while (setters[k] && strcmp(setters[k], c->argv[0].text))
		k++;
	if (!setters[k])
		return;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (k == 1 && (strncmp(t, "-v", 2) || (!t[2] && ++i >= c->argc)))
			continue; /* printf: only -v NAME / -vNAME */
		if (k == 1)
			t = t[2] ? t + 2 : c->argv[i].text;
		char *name = guard_xstrndup(t, strcspn(t, "["));
		if (is_name(name)) {
			if (k == 2 || k == 3 || k == 4) /* mapfile, readarray, getopts (read, printf -v, unset: rated where they are) */
				shell_note_set(sh, setters[k], name, strlen(name), NULL);
			guard_list_take(&sh->known_names, name);
			guard_list_add(&sh->known_values, "\x01");
		} else {
			free(name);
		}
	}
	if (k == 2 || k == 3) { /* mapfile's default array */
		shell_note_set(sh, setters[k], "MAPFILE", 7, NULL);
		guard_list_add(&sh->known_names, "MAPFILE");
		guard_list_add(&sh->known_values, "\x01");
	}
}

/* [[ ]]'s integer comparisons: their operands are arithmetic. */
static bool
int_test(const char *t)
{
	static const char *const ops[] = { "-eq", "-ne", "-lt", "-le", "-gt", "-ge", NULL };

	for (size_t i = 0; ops[i]; i++)
		if (!strcmp(t, ops[i]))
			return true;
	return false;
}

/*
 * Builtins whose words bash evaluates as arithmetic: let's operands, and
 * the subscripts of the names the others take (test -v 'a[X=0]', [[ -v
 * .. ]], declare, unset, read, printf -v): the names assigned there.
 */
static void
arith_words(struct guard_shell *sh, const struct guard_shell_cmd *c)
{
	static const char *const subscripted[] = { "declare", "typeset", "local", "export", "readonly", "test", "[",
						   "[[", "unset", "read", "printf", "mapfile", "readarray", "getopts",
						   "wait", NULL };
	if (!c->argc || (c->argv[0].flags & GUARD_WORD_DYNAMIC))
		return;
	const char *verb = c->argv[0].text;
	bool let = !strcmp(verb, "let");
	size_t k = 0;
	while (subscripted[k] && strcmp(subscripted[k], verb))
		k++;
	if (!let && !subscripted[k])
		return;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		const char *open = strchr(t, '[');
		bool operand = !strcmp(verb, "[[") && ((i + 1 < c->argc && int_test(c->argv[i + 1].text)) ||
						       int_test(c->argv[i - 1].text));
		if (let || operand) /* [[ A -eq B ]] evaluates A and B as arithmetic */
			shell_note_arith(sh, let ? "let assigns" : "[[ -eq ]] assigns", t, strlen(t));
		else if (open && strchr(open, ']'))
			shell_note_arith(sh, "bash arithmetic (a subscript) assigns", open + 1,
					 (size_t)(strrchr(t, ']') - open - 1));
	}
}

/*
 * declare -n NAME[=OTHER] (typeset, local; -n in any option cluster):
 * NAME names another variable from now on, a later NAME=OTHER too, so
 * its value is not known here ($NAME and ${NAME@P} are computed).
 */
static void
note_namerefs(struct guard_shell *sh, const struct guard_shell_cmd *c)
{
	static const char *const declarers[] = { "declare", "typeset", "local", NULL };
	size_t k = 0, i = 1;
	bool ref = false;

	if (!c->argc || (c->argv[0].flags & GUARD_WORD_DYNAMIC))
		return;
	while (declarers[k] && strcmp(declarers[k], c->argv[0].text))
		k++;
	for (; declarers[k] && i < c->argc &&
	       ((c->argv[i].text[0] == '-' && c->argv[i].text[1]) || (c->argv[i].flags & GUARD_WORD_DYNAMIC));
	     i++) {
		if (!strcmp(c->argv[i].text, "--")) {
			i++;
			break;
		}
		ref = ref || strchr(c->argv[i].text, 'n') || (c->argv[i].flags & GUARD_WORD_DYNAMIC);
	}
	for (; ref && i < c->argc; i++) {
		char *name = guard_xstrndup(c->argv[i].text, strcspn(c->argv[i].text, "=[+"));
		if (!is_name(name)) {
			free(name);
			continue;
		}
		const char *eq = strchr(c->argv[i].text, '=');
		const char *to = eq && !(c->argv[i].flags & GUARD_WORD_DYNAMIC) ? shell_latest_value(sh, eq + 1, strlen(eq + 1)) : NULL;
		/* NAME's value is now OTHER's: known when the line gave OTHER a literal one */
		shell_note_set(sh, "declare -n makes", name, strlen(name), to && to[0] != '\x01' ? to : NULL);
		guard_list_add(&sh->namerefs, name);
		guard_list_take(&sh->known_names, name);
		guard_list_add(&sh->known_values, "\x01");
	}
}

static void
word_release(struct guard_shell_word *w)
{
	free(w->text);
	free(w->bare);
}

static void
cmd_release(struct guard_shell_cmd *c)
{
	for (size_t i = 0; i < c->argc; i++)
		word_release(&c->argv[i]);
	for (size_t i = 0; i < c->nassigns; i++)
		word_release(&c->assigns[i]);
	for (size_t i = 0; i < c->nredirs; i++) {
		word_release(&c->redirs[i].target);
		free(c->redirs[i].body);
	}
	free(c->argv);
	free(c->assigns);
	free(c->redirs);
}

void
guard_shell_release(struct guard_shell *sh)
{
	for (size_t i = 0; i < sh->ncmds; i++)
		cmd_release(&sh->cmds[i]);
	free(sh->cmds);
	free(sh->reason);
	guard_list_clear(&sh->tokens);
	guard_list_clear(&sh->functions);
	guard_list_clear(&sh->known_names);
	guard_list_clear(&sh->known_values);
	guard_list_clear(&sh->prompts);
	guard_list_clear(&sh->namerefs);
	guard_list_clear(&sh->sets);
	memset(sh, 0, sizeof(*sh));
}

static void
push_word(struct guard_shell_word **v, size_t *n, size_t *alloc, struct guard_shell_word w)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 4;
		*v = guard_xrealloc(*v, *alloc * sizeof(**v));
	}
	(*v)[(*n)++] = w;
}

static struct guard_shell_redir *
push_redir(struct guard_shell_cmd *c)
{
	if (c->nredirs == c->alloc_redirs) {
		c->alloc_redirs = c->alloc_redirs ? c->alloc_redirs * 2 : 2;
		c->redirs = guard_xrealloc(c->redirs, c->alloc_redirs * sizeof(*c->redirs));
	}
	struct guard_shell_redir *r = &c->redirs[c->nredirs++];
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	return r;
}

/* Move the finished command c into the result; returns its index. */
static size_t
append_cmd(struct shell_parser *p, struct guard_shell_cmd *c, unsigned serial)
{
	struct guard_shell *sh = p->sh;

	if (sh->ncmds >= GUARD_SHELL_MAX_CMDS) {
		shell_fail(p, "more than %d commands", GUARD_SHELL_MAX_CMDS);
		cmd_release(c);
		return SIZE_MAX;
	}
	if (sh->ncmds == sh->alloc) {
		sh->alloc = sh->alloc ? sh->alloc * 2 : 8;
		sh->cmds = guard_xrealloc(sh->cmds, sh->alloc * sizeof(*sh->cmds));
	}
	if (p->next_from && c->depth == p->depth) {
		c->compound_from = p->next_from;
		p->next_from = 0;
	}
	c->nknown = sh->known_names.len;
	sh->cmds[sh->ncmds] = *c;
	for (size_t i = 0; i < p->npending; i++)
		if (p->pending[i].serial == serial && p->pending[i].cmd == SIZE_MAX)
			p->pending[i].cmd = sh->ncmds;
	if (!c->argc && c->nassigns)
		for (size_t i = 0; i < c->nassigns; i++)
			remember_var(sh, &c->assigns[i]);
	forget_vars(sh, c);
	arith_words(sh, c);
	/* export/readonly/declare NAME=value set the variable too (local: the function binding does) */
	static const char *const setters[] = { "export", "readonly", "declare" };
	for (size_t k = 0; c->argc && !(c->argv[0].flags & GUARD_WORD_DYNAMIC) && k < 3; k++)
		if (!strcmp(c->argv[0].text, setters[k]))
			for (size_t i = 1; i < c->argc; i++) {
				const char *t = c->argv[i].text;
				size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
				if (n && !isdigit((unsigned char)t[0]) && t[n] == '=')
					remember_var(sh, &c->argv[i]);
			}
	note_namerefs(sh, c);
	return sh->ncmds++;
}

static void
skip_blanks(struct shell_parser *p)
{
	for (;;) {
		int c = shell_peek(p, 0);
		if (c == ' ' || c == '\t') /* bash's blanks; CR is a word character */
			p->pos++;
		else if (c == '\\' && shell_peek(p, 1) == '\n')
			p->pos += 2;
		else
			return;
	}
}

/* Read the bodies of the heredocs started on the line just ended. */
static void
read_heredocs(struct shell_parser *p)
{
	for (size_t i = 0; i < p->npending; i++) {
		struct shell_pending_heredoc *h = &p->pending[i];
		struct guard_buf body = GUARD_BUF_INIT;
		size_t dl = strlen(h->delim);
		while (p->pos < p->len) {
			const char *line = p->s + p->pos;
			const char *nl = memchr(line, '\n', p->len - p->pos);
			size_t n = nl ? (size_t)(nl - line) : p->len - p->pos;
			p->pos += n + (nl ? 1 : 0);
			const char *cmp = line;
			size_t cn = n;
			while (h->strip_tabs && cn && *cmp == '\t')
				cmp++, cn--;
			if (cn == dl && !memcmp(cmp, h->delim, dl))
				break;
			guard_buf_add(&body, cmp, cn);
			guard_buf_addch(&body, '\n');
		}
		if (h->cmd < p->sh->ncmds && h->redir < p->sh->cmds[h->cmd].nredirs) {
			struct guard_shell_redir *r = &p->sh->cmds[h->cmd].redirs[h->redir];
			free(r->body);
			r->body = guard_buf_detach(&body);
		} else {
			guard_buf_release(&body);
		}
		free(h->delim);
	}
	p->npending = 0;
}

/* Blanks, comments and newlines between commands. */
static void
skip_separators(struct shell_parser *p, bool semicolons)
{
	for (;;) {
		skip_blanks(p);
		int c = shell_peek(p, 0);
		if (c == '#') {
			while (p->pos < p->len && p->s[p->pos] != '\n')
				p->pos++;
		} else if (c == '\n') {
			p->pos++;
			read_heredocs(p);
		} else if (semicolons && c == ';' && shell_peek(p, 1) != ';' && shell_peek(p, 1) != '&') {
			p->pos++;
		} else {
			return;
		}
	}
}

static bool
at_word(const struct shell_parser *p, const char *w)
{
	/* the first byte first: the parser asks for a dozen keywords at each word */
	if (p->pos >= p->len || p->s[p->pos] != w[0])
		return false;
	size_t n = strlen(w);
	if (p->pos + n > p->len || memcmp(p->s + p->pos, w, n))
		return false;
	int after = shell_peek(p, n);
	return after < 0 || shell_is_meta(after);
}

static bool
is_assignment(const struct guard_shell_word *w)
{
	const char *t = w->text;
	if (!(isalpha((unsigned char)*t) || *t == '_'))
		return false;
	while (isalnum((unsigned char)*t) || *t == '_')
		t++;
	if (*t == '+' && t[1] == '=')
		t++;
	return *t == '=';
}

static bool
word_is_assignment(const struct shell_wordbuf *w)
{
	struct guard_shell_word tmp = { w->text.buf ? w->text.buf : (char *)"", NULL, 0 };
	return is_assignment(&tmp);
}

/* The redirection operator at p->pos (after an optional fd); 0 if none. */
static int
lex_redir_op(struct shell_parser *p, struct guard_shell_redir *r, bool *heredoc_strip)
{
	const char *s = p->s + p->pos;
	size_t left = p->len - p->pos;
#define OP(str, code) if (left >= strlen(str) && !memcmp(s, str, strlen(str))) { \
		p->pos += strlen(str); r->op = code; return 1; }
	*heredoc_strip = false;
	OP("<<<", GUARD_REDIR_HERESTRING);
	if (left >= 3 && !memcmp(s, "<<-", 3)) {
		p->pos += 3;
		r->op = GUARD_REDIR_HEREDOC;
		*heredoc_strip = true;
		return 1;
	}
	OP("<<", GUARD_REDIR_HEREDOC);
	OP("&>>", GUARD_REDIR_OUT_ALL);
	OP("&>", GUARD_REDIR_OUT_ALL);
	OP(">>", GUARD_REDIR_APPEND);
	OP(">&", GUARD_REDIR_DUP);
	OP("<&", GUARD_REDIR_DUP);
	OP(">|", GUARD_REDIR_OUT);
	OP("<>", GUARD_REDIR_RW);
	OP(">", GUARD_REDIR_OUT);
	OP("<", GUARD_REDIR_IN);
#undef OP
	return 0;
}

/* {NAME} right before < or > at p->pos (bash's named fd): the length of {NAME}, or 0. */
static size_t
named_fd_ahead(const struct shell_parser *p)
{
	size_t i = p->pos + 1;

	if (shell_peek(p, 0) != '{' || i >= p->len || !(isalpha((unsigned char)p->s[i]) || p->s[i] == '_'))
		return 0;
	while (i < p->len && (isalnum((unsigned char)p->s[i]) || p->s[i] == '_'))
		i++;
	if (i + 1 >= p->len || p->s[i] != '}' || i - p->pos - 1 >= sizeof(((struct guard_shell_redir *)0)->fd_name) ||
	    (p->s[i + 1] != '<' && p->s[i + 1] != '>') || (i + 2 < p->len && p->s[i + 2] == '('))
		return 0;
	return i + 1 - p->pos;
}

/* Is there a redirection at p->pos ("2>", ">", "&>", "<<", "{fd}>"...)? */
static bool
redir_ahead(const struct shell_parser *p)
{
	size_t i = p->pos;
	if (named_fd_ahead(p))
		return true;
	while (i < p->len && isdigit((unsigned char)p->s[i]))
		i++;
	if (i >= p->len)
		return false;
	char c = p->s[i];
	if (c == '&' && i == p->pos)
		return i + 1 < p->len && p->s[i + 1] == '>';
	if ((c == '<' || c == '>') && i + 1 < p->len && p->s[i + 1] == '(' && i == p->pos)
		return false; /* process substitution */
	return c == '<' || c == '>';
}

/*
 * <( list ) or >( list ) at p->pos: a word (the source text) whose
 * commands run, parsed one level deeper. w is initialised here.
 */
static void
lex_procsub(struct shell_parser *p, struct shell_wordbuf *w)
{
	size_t start = p->pos;
	bool saved = p->substituted;

	shell_wordbuf_init(w);
	if (p->depth + 1 > GUARD_SHELL_MAX_DEPTH) {
		shell_fail(p, "nesting deeper than %d", GUARD_SHELL_MAX_DEPTH);
		return;
	}
	p->pos += 2;
	p->depth++;
	p->substituted = true;
	shell_parse_list(p, ')');
	p->depth--;
	p->substituted = saved;
	guard_buf_add(&w->text, p->s + start, p->pos - start);
	guard_buf_add(&w->mask, p->s + start, p->pos - start);
	w->flags = GUARD_WORD_DYNAMIC | GUARD_WORD_SUBST;
}

static void
parse_redir(struct shell_parser *p, struct guard_shell_cmd *c, unsigned serial)
{
	struct guard_shell_redir *r = push_redir(c);
	struct shell_wordbuf w;
	bool strip;
	size_t start = p->pos, named = named_fd_ahead(p);

	if (named) {
		/* {fd}>file: the shell opens file on a free fd and puts its number in $fd */
		memcpy(r->fd_name, p->s + p->pos + 1, named - 2);
		r->fd_name[named - 2] = '\0';
		r->fd = GUARD_REDIR_FD_NAMED;
		p->pos += named;
		start = p->pos; /* the operator, as an unnamed one's */
	}
	if (!named && isdigit(shell_peek(p, 0)))
		r->fd = (int)strtol(p->s + p->pos, NULL, 10) & 0xFFFF;
	while (isdigit(shell_peek(p, 0)))
		p->pos++;
	lex_redir_op(p, r, &strip);
	shell_token(p, p->s + start, p->pos - start);
	skip_blanks(p);
	int ch = shell_peek(p, 0);
	if ((ch == '<' || ch == '>') && shell_peek(p, 1) == '(' && r->op != GUARD_REDIR_HEREDOC) {
		/* cmd < <(list): reads what the list prints */
		lex_procsub(p, &w);
		shell_wordbuf_take(&w, &r->target);
		return;
	}
	if (ch < 0 || shell_is_meta(ch)) {
		shell_fail(p, "redirection without a target");
		r->target.text = guard_xstrdup("");
		return;
	}
	shell_wordbuf_init(&w);
	shell_lex_word(p, &w);
	shell_wordbuf_take(&w, &r->target);
	/* ">&word" with a non-number is "&>word" in bash. */
	if (r->op == GUARD_REDIR_DUP && p->s[start + (r->fd >= 0 && !named)] == '>' && r->target.text[0] &&
	    strspn(r->target.text, "0123456789-") != strlen(r->target.text)) {
		r->op = GUARD_REDIR_OUT_ALL;
		r->dup_word = true;
	}
	if (r->op == GUARD_REDIR_HEREDOC) {
		if (p->npending == SHELL_MAX_HEREDOCS) {
			shell_fail(p, "more than %d heredocs on one line", SHELL_MAX_HEREDOCS);
			return;
		}
		struct shell_pending_heredoc *h = &p->pending[p->npending++];
		h->serial = serial;
		h->cmd = SIZE_MAX;
		h->redir = c->nredirs - 1;
		h->delim = guard_xstrdup(r->target.text);
		h->strip_tabs = strip;
		r->body_literal = (r->target.flags & GUARD_WORD_QUOTED) != 0;
	}
}

static void
cmd_init(struct shell_parser *p, struct guard_shell_cmd *c, unsigned pipeline, unsigned pos)
{
	memset(c, 0, sizeof(*c));
	c->depth = p->depth;
	c->pipeline = pipeline;
	c->pipe_pos = pos;
	c->substituted = p->substituted;
	c->function = p->function;
}

/* Push one lexed word onto argv, or onto the assignments before argv[0]. */
static void
add_word(struct guard_shell_cmd *c, struct shell_wordbuf *w)
{
	struct guard_shell_word one;

	shell_wordbuf_take(w, &one);
	if (!c->argc && is_assignment(&one))
		push_word(&c->assigns, &c->nassigns, &c->alloc_assigns, one);
	else
		push_word(&c->argv, &c->argc, &c->alloc_argv, one);
}

static void parse_command(struct shell_parser *p, int term, unsigned pipeline, unsigned pos,
			  size_t *last);

/* The body of a compound command: ( list ) or { list; }, one level deeper. */
static void
parse_compound(struct shell_parser *p, int open, const char *function)
{
	const char *saved = p->function;

	if (p->depth + 1 > GUARD_SHELL_MAX_DEPTH) {
		shell_fail(p, "nesting deeper than %d", GUARD_SHELL_MAX_DEPTH);
		return;
	}
	shell_token(p, open == '(' ? "(" : "{", 1);
	p->pos++;
	p->depth++;
	if (function)
		p->function = function;
	shell_parse_list(p, open == '(' ? ')' : '}');
	p->function = saved;
	p->depth--;
}

/* Redirections after ) or }: kept on an empty command so their targets count. */
static void
parse_trailing_redirs(struct shell_parser *p, unsigned pipeline, unsigned pos, size_t *last)
{
	struct guard_shell_cmd c;
	unsigned serial = ++*p->serial_next;

	cmd_init(p, &c, pipeline, pos);
	for (;;) {
		skip_blanks(p);
		if (!redir_ahead(p) || shell_failed(p))
			break;
		parse_redir(p, &c, serial);
	}
	if (c.nredirs) {
		size_t i = append_cmd(p, &c, serial);
		if (i != SIZE_MAX)
			*last = i;
	} else {
		cmd_release(&c);
	}
}

/* for NAME [in WORDS]: the loop variable becomes unknown; each word is recorded as its value. */
static void
parse_for_head(struct shell_parser *p, const char *how)
{
	struct shell_wordbuf w;

	skip_blanks(p);
	if (shell_peek(p, 0) == '(' && shell_peek(p, 1) == '(') {
		/* for (( A; B; C )): arithmetic, but its substitutions run */
		size_t depth = 0, from = p->pos + 2;
		for (; p->pos < p->len; p->pos++) {
			if (p->s[p->pos] == '(')
				depth++;
			else if (p->s[p->pos] == ')' && --depth == 0) {
				p->pos++;
				shell_lex_substs(p, from, p->pos - 2);
				shell_note_arith(p->sh, "for (( )) assigns", p->s + from, p->pos - 2 - from);
				break;
			}
		}
		return;
	}
	shell_wordbuf_init(&w);
	shell_lex_word(p, &w);
	char *name = guard_xstrdup(w.text.buf);
	guard_list_add(&p->sh->known_names, name);
	guard_list_add(&p->sh->known_values, "\x01");
	shell_wordbuf_release(&w);
	bool words = false;
	for (size_t n = 0;; n++) {
		skip_blanks(p);
		int c = shell_peek(p, 0);
		if (c < 0 || c == ';' || c == '\n' || shell_failed(p) || at_word(p, "do"))
			break;
		if (shell_is_meta(c)) {
			shell_fail(p, "unexpected '%c' in for loop", c);
			break;
		}
		shell_wordbuf_init(&w);
		shell_lex_word(p, &w);
		if (n == 0 && !strcmp(w.text.buf, "in"))
			words = true;
		else if (words) /* a computed word (or one that splits or globs): not known */
			shell_note_set(p->sh, how, name, strlen(name),
				       w.flags & GUARD_WORD_DYNAMIC || strpbrk(w.text.buf, "*?[") ? NULL : w.text.buf);
		shell_wordbuf_release(&w);
	}
	if (!words) /* for NAME; do: the positional parameters */
		shell_note_set(p->sh, how, name, strlen(name), NULL);
	free(name);
}

/*
 * case WORD in [(]PAT[|PAT]...) LIST ;; ... esac. The patterns are data;
 * each branch's list is parsed like any other (until ;; ;& ;;& or esac).
 */
static void
parse_case(struct shell_parser *p)
{
	struct shell_wordbuf w;

	shell_token(p, "case", 4);
	p->pos += 4;
	skip_blanks(p);
	if (shell_peek(p, 0) < 0 || shell_is_meta(shell_peek(p, 0))) {
		shell_fail(p, "case without a word");
		return;
	}
	shell_wordbuf_init(&w);
	shell_lex_word(p, &w);
	shell_wordbuf_release(&w);
	skip_separators(p, false);
	if (!at_word(p, "in")) {
		shell_fail(p, "case without 'in'");
		return;
	}
	shell_token(p, "in", 2);
	p->pos += 2;
	for (;;) {
		skip_separators(p, false);
		if (shell_failed(p))
			return;
		if (shell_peek(p, 0) < 0) {
			shell_fail(p, "missing 'esac'");
			return;
		}
		if (at_word(p, "esac")) {
			shell_token(p, "esac", 4);
			p->pos += 4;
			return;
		}
		if (shell_peek(p, 0) == '(')
			p->pos++;
		/* PAT | PAT ... ) */
		for (;;) {
			skip_blanks(p);
			int ch = shell_peek(p, 0);
			if (ch == ')') {
				p->pos++;
				break;
			}
			if (ch == '|') {
				p->pos++;
				continue;
			}
			if (ch < 0 || shell_is_meta(ch)) {
				shell_fail(p, "bad case pattern");
				return;
			}
			shell_wordbuf_init(&w);
			shell_lex_word(p, &w);
			shell_wordbuf_release(&w);
			if (shell_failed(p))
				return;
		}
		shell_parse_list(p, 'c');
		if (shell_failed(p))
			return;
		/* ;;  ;&  ;;& */
		if (shell_peek(p, 0) == ';') {
			p->pos += shell_peek(p, 1) == ';' ? 2 : 1;
			if (shell_peek(p, 0) == '&')
				p->pos++;
		}
	}
}

static const char *const reserved_skip[] = {
	"if", "then", "elif", "else", "fi", "do", "done", "while", "until", "!", NULL
};

/*
 * coproc CMD / coproc NAME COMPOUND: bash runs the command (in the
 * background, its input and output on pipes). The keyword and the NAME
 * before a compound command are skipped: what follows is rated as itself.
 */
static void
skip_coproc(struct shell_parser *p)
{
	static const char *const compound[] = { "{", "while", "until", "for", "select", "if", "case", "[[", NULL };

	shell_token(p, "coproc", 6);
	p->pos += 6;
	skip_blanks(p);
	size_t at = p->pos, n = 0;
	while (at + n < p->len && (isalnum((unsigned char)p->s[at + n]) || p->s[at + n] == '_'))
		n++;
	if (!n || at + n >= p->len || (p->s[at + n] != ' ' && p->s[at + n] != '\t'))
		return;
	p->pos = at + n;
	skip_blanks(p);
	bool named = shell_peek(p, 0) == '(';
	for (size_t i = 0; !named && compound[i]; i++)
		named = at_word(p, compound[i]);
	if (!named)
		p->pos = at; /* coproc cat: cat is the command */
}

/*
 * time [-p] before a compound command or another keyword ({ }, ( ), (( )),
 * [[ ]], a loop, if, case, coproc, !): bash's keyword, which times what
 * follows; skipped so that is parsed and rated. (time before a simple
 * command stays a word: the analyzer sees through it as /usr/bin/time.)
 */
static bool
time_before_compound(struct shell_parser *p)
{
	static const char *const keywords[] = { "{", "[[", "while", "until", "for", "select", "if", "case", "coproc",
						"function", "!", NULL };
	size_t save = p->pos;

	p->pos += 4;
	skip_blanks(p);
	while (at_word(p, "-p") || at_word(p, "--")) {
		p->pos += 2;
		skip_blanks(p);
	}
	bool compound = shell_peek(p, 0) == '(';
	for (size_t i = 0; !compound && keywords[i]; i++)
		compound = at_word(p, keywords[i]);
	if (compound)
		shell_token(p, "time", 4);
	else
		p->pos = save;
	return compound;
}

/* A reserved word at command position that is only structure: skip it. */
static bool
skip_reserved(struct shell_parser *p)
{
	for (size_t i = 0; reserved_skip[i]; i++)
		if (at_word(p, reserved_skip[i])) {
			const char *r = reserved_skip[i];
			if ((!strcmp(r, "if") || !strcmp(r, "while") || !strcmp(r, "until")) && p->nopen < GUARD_SHELL_MAX_DEPTH)
				p->open[p->nopen++] = p->sh->ncmds;
			else if ((!strcmp(r, "fi") || !strcmp(r, "done")) && p->nopen)
				p->closed_from = p->open[--p->nopen] + 1;
			shell_token(p, p->s + p->pos, strlen(reserved_skip[i]));
			p->pos += strlen(reserved_skip[i]);
			return true;
		}
	if (at_word(p, "coproc")) {
		skip_coproc(p);
		return true;
	}
	if (at_word(p, "time") && time_before_compound(p))
		return true;
	if (at_word(p, "for") || at_word(p, "select")) {
		if (p->nopen < GUARD_SHELL_MAX_DEPTH)
			p->open[p->nopen++] = p->sh->ncmds;
		bool select = !at_word(p, "for");
		p->pos += select ? 6 : 3;
		parse_for_head(p, select ? "select assigns" : "for assigns");
		return true;
	}
	return false;
}

/* name() body, or "function name [()] body". */
static void
parse_function(struct shell_parser *p, struct guard_shell_cmd *c, unsigned serial,
	       unsigned pipeline, unsigned pos, size_t *last)
{
	const char *name;
	size_t idx;

	c->defines_function = true;
	skip_blanks(p);
	if (shell_peek(p, 0) == '(') {
		p->pos++;
		skip_blanks(p);
		if (shell_peek(p, 0) != ')') {
			shell_fail(p, "bad function definition");
			cmd_release(c);
			return;
		}
		p->pos++;
	}
	guard_list_add(&p->sh->functions, c->argv[0].text);
	name = p->sh->functions.items[p->sh->functions.len - 1];
	idx = append_cmd(p, c, serial);
	if (idx != SIZE_MAX)
		*last = idx;
	skip_separators(p, false);
	int ch = shell_peek(p, 0);
	if (ch == '(' || (ch == '{' && at_word(p, "{")))
		parse_compound(p, ch, name);
	else
		shell_fail(p, "function body is not ( ) or { }");
	(void)pipeline, (void)pos;
}

/* [[ ... ]]: words only; < > && || ( ) are operators of the test. */
static void
parse_double_bracket(struct shell_parser *p, struct guard_shell_cmd *c)
{
	struct shell_wordbuf w;

	for (;;) {
		skip_blanks(p);
		int ch = shell_peek(p, 0);
		if (ch < 0 || ch == '\n') {
			shell_fail(p, "unterminated [[");
			return;
		}
		if (at_word(p, "]]")) {
			p->pos += 2;
			return;
		}
		shell_wordbuf_init(&w);
		if (shell_is_meta(ch)) {
			size_t n = 1;
			while (shell_peek(p, n) == ch)
				n++;
			guard_buf_add(&w.text, p->s + p->pos, n);
			p->pos += n;
		} else {
			shell_lex_word(p, &w);
		}
		add_word(c, &w);
		if (shell_failed(p))
			return;
	}
}

/* Words and redirections of one simple command, until an operator. */
static void
parse_simple(struct shell_parser *p, int term, unsigned pipeline, unsigned pos, size_t *last)
{
	struct guard_shell_cmd c;
	unsigned serial = ++*p->serial_next;

	cmd_init(p, &c, pipeline, pos);
	for (;;) {
		skip_blanks(p);
		int ch = shell_peek(p, 0);
		if (ch < 0 || shell_failed(p))
			break;
		if (ch == '#') {
			/* a comment runs to the end of the line */
			while (p->pos < p->len && p->s[p->pos] != '\n')
				p->pos++;
			break;
		}
		if (redir_ahead(p)) {
			parse_redir(p, &c, serial);
			continue;
		}
		if ((ch == '<' || ch == '>') && shell_peek(p, 1) == '(') {
			struct shell_wordbuf w;
			lex_procsub(p, &w);
			add_word(&c, &w);
			continue;
		}
		if (ch == '(' && c.argc == 1 && !c.nassigns) {
			parse_function(p, &c, serial, pipeline, pos, last);
			return;
		}
		if (shell_is_meta(ch)) {
			if (ch == ')' && term != ')')
				shell_fail(p, "unexpected ')'");
			else if (ch == '(')
				shell_fail(p, "unexpected '('");
			break;
		}
		struct shell_wordbuf w;
		struct guard_shell_word expanded[SHELL_MAX_BRACE_WORDS];
		shell_wordbuf_init(&w);
		shell_lex_word(p, &w);
		/* {rm,-rf,/} at the command position expands too; NAME={a,b} does not */
		size_t n = c.argc || !word_is_assignment(&w) ? shell_brace_expand(&w, expanded, SHELL_MAX_BRACE_WORDS)
							     : 0;
		if (n) {
			shell_wordbuf_release(&w);
			for (size_t i = 0; i < n; i++)
				push_word(&c.argv, &c.argc, &c.alloc_argv, expanded[i]);
		} else {
			add_word(&c, &w);
		}
		if (c.argc == 1 && !strcmp(c.argv[0].text, "[[") && !(c.argv[0].flags & GUARD_WORD_QUOTED))
			parse_double_bracket(p, &c);
	}
	if (c.argc || c.nassigns || c.nredirs) {
		size_t i = append_cmd(p, &c, serial);
		if (i != SIZE_MAX)
			*last = i;
	} else {
		cmd_release(&c);
	}
}

/* A compound that started at command index from just ended: its output goes to the redirections or pipe next. */
static void
compound_ended(struct shell_parser *p, size_t from)
{
	skip_blanks(p);
	if (redir_ahead(p) || (shell_peek(p, 0) == '|' && shell_peek(p, 1) != '|'))
		p->next_from = from + 1;
}

static void
parse_command(struct shell_parser *p, int term, unsigned pipeline, unsigned pos, size_t *last)
{
	for (;;) {
		skip_blanks(p);
		if (shell_failed(p))
			return;
		p->closed_from = 0;
		if (!skip_reserved(p))
			break;
		if (p->closed_from)
			compound_ended(p, p->closed_from - 1);
		skip_separators(p, true);
	}
	/* a group's end right after a reserved word ({ if x; then y; fi; }): the list ends it, as bash does */
	if (term == '}' && at_word(p, "}"))
		return;
	int ch = shell_peek(p, 0);
	size_t from = p->sh->ncmds;
	size_t arith = ch == '(' && shell_peek(p, 1) == '(' ? guard_shell_arith_end(p->s, p->len, p->pos) : 0;
	if (arith) {
		/* (( arithmetic )): only the commands of its substitutions run.
		 * bash reads "((" any other way ("((cmd) )") as two subshells: below. */
		shell_lex_substs(p, p->pos + 2, arith - 2);
		shell_note_arith(p->sh, "(( )) assigns", p->s + p->pos + 2, arith - 2 - (p->pos + 2));
		p->pos = arith;
		return;
	}
	if (ch == '(' || (ch == '{' && at_word(p, "{"))) {
		parse_compound(p, ch, NULL);
		compound_ended(p, from);
		parse_trailing_redirs(p, pipeline, pos, last);
		return;
	}
	if (at_word(p, "case")) {
		parse_case(p);
		compound_ended(p, from);
		parse_trailing_redirs(p, pipeline, pos, last);
		return;
	}
	if (at_word(p, "function")) {
		struct guard_shell_cmd c;
		struct shell_wordbuf w;
		unsigned serial = ++*p->serial_next;
		p->pos += 8;
		skip_blanks(p);
		cmd_init(p, &c, pipeline, pos);
		shell_wordbuf_init(&w);
		shell_lex_word(p, &w);
		push_word(&c.argv, &c.argc, &c.alloc_argv, (struct guard_shell_word){ 0 });
		shell_wordbuf_take(&w, &c.argv[0]);
		parse_function(p, &c, serial, pipeline, pos, last);
		return;
	}
	parse_simple(p, term, pipeline, pos, last);
}

/* cmd1 | cmd2 |& cmd3 */
static void
parse_pipeline(struct shell_parser *p, int term)
{
	unsigned id = p->sh->npipelines++, pos = 0;
	size_t first = p->sh->ncmds;

	p->next_from = 0; /* a compound's output reaches only its own pipeline */

	for (;;) {
		size_t last = SIZE_MAX;
		parse_command(p, term, id, pos++, &last);
		skip_blanks(p);
		if (shell_failed(p))
			return;
		if (shell_peek(p, 0) == '|' && shell_peek(p, 1) != '|') {
			p->pos += shell_peek(p, 1) == '&' ? 2 : 1;
			shell_token(p, "|", 1);
			if (last != SIZE_MAX)
				p->sh->cmds[last].piped_out = true;
			skip_separators(p, false);
			continue;
		}
		break;
	}
	if (shell_peek(p, 0) == '&' && shell_peek(p, 1) != '&' && shell_peek(p, 1) != '>')
		for (size_t i = first; i < p->sh->ncmds; i++)
			p->sh->cmds[i].background = true;
}

void
shell_parse_list(struct shell_parser *p, int term)
{
	for (;;) {
		skip_separators(p, true);
		if (shell_failed(p))
			return;
		int c = shell_peek(p, 0);
		if (c < 0) {
			if (term && term != 'c') /* parse_case reports a missing esac */
				shell_fail(p, "missing '%c'", term);
			return;
		}
		if (term == ')' && c == ')') {
			shell_token(p, ")", 1);
			p->pos++;
			return;
		}
		if (term == '}' && at_word(p, "}")) {
			shell_token(p, "}", 1);
			p->pos++;
			return;
		}
		if (term == 'c' && ((c == ';' && (shell_peek(p, 1) == ';' || shell_peek(p, 1) == '&')) ||
				    at_word(p, "esac")))
			return; /* the end of a case branch */
		if (c == ';' && shell_peek(p, 1) == ';') {
			shell_fail(p, "unexpected ';;'");
			return;
		}
		size_t before = p->pos;
		parse_pipeline(p, term);
		skip_blanks(p);
		c = shell_peek(p, 0);
		if ((c == '&' && shell_peek(p, 1) == '&') || (c == '|' && shell_peek(p, 1) == '|')) {
			shell_token(p, p->s + p->pos, 2);
			p->pos += 2;
			skip_separators(p, false);
		} else if (c == '&' || (c == ';' && shell_peek(p, 1) != ';' && shell_peek(p, 1) != '&')) {
			shell_token(p, p->s + p->pos, 1);
			p->pos++;
		} else if (p->pos == before && c >= 0 && c != '\n' && !(term == ')' && c == ')') &&
			   !(term == '}' && at_word(p, "}")) && !(term == 'c' && c == ';')) {
			shell_fail(p, "unexpected '%c'", c);
			return;
		}
	}
}

/* A parser of src one level below outer, into the same result. */
static void
sub_parser(struct shell_parser *p, const struct shell_parser *outer, const char *src, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->s = src;
	p->len = len;
	p->sh = outer->sh;
	p->vars = outer->vars;
	p->depth = outer->depth + 1;
	p->substituted = true;
	p->function = outer->function;
	p->serial_next = outer->serial_next;
}

void
shell_parse_sub(struct shell_parser *outer, const char *src, size_t len)
{
	struct shell_parser p;

	sub_parser(&p, outer, src, len);
	shell_parse_list(&p, 0);
	read_heredocs(&p);
}

void
shell_parse_prompt(struct shell_parser *outer, const char *src, size_t len)
{
	struct shell_parser p;

	if (outer->depth + 1 > GUARD_SHELL_MAX_DEPTH) {
		shell_fail(outer, "nesting deeper than %d", GUARD_SHELL_MAX_DEPTH);
		return;
	}
	sub_parser(&p, outer, src, len);
	shell_lex_substs(&p, 0, len);
}

int
guard_shell_parse(struct guard_shell *sh, const char *src, size_t len,
		  const struct guard_shell_vars *vars)
{
	struct shell_parser p;
	unsigned serial = 0;

	memset(&p, 0, sizeof(p));
	p.s = src;
	p.len = len;
	p.sh = sh;
	p.vars = vars;
	p.serial_next = &serial;
	if (len > GUARD_SHELL_MAX_INPUT) {
		shell_fail(&p, "command longer than %d bytes", GUARD_SHELL_MAX_INPUT);
		return 0;
	}
	if (memchr(src, '\0', len)) {
		shell_fail(&p, "NUL byte in command");
		return 0;
	}
	shell_parse_list(&p, 0);
	read_heredocs(&p);
	return 0;
}

const struct guard_shell_cmd *
guard_shell_prev_in_pipe(const struct guard_shell *sh, const struct guard_shell_cmd *c)
{
	if (!c->pipe_pos)
		return NULL;
	for (size_t i = (size_t)(c - sh->cmds); i-- > 0;)
		if (sh->cmds[i].pipeline == c->pipeline && sh->cmds[i].pipe_pos == c->pipe_pos - 1)
			return &sh->cmds[i];
	return NULL;
}
