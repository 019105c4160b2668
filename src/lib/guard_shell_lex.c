/*
 * Words: quoting ('', "", $'..', backslash), expansions ($VAR, ${..},
 * $( ), $(( )), backticks) and brace expansion. Quote removal happens
 * here; an expansion that cannot be resolved is kept as written and
 * flags the word, and the commands inside $( ) and backticks are parsed
 * into the same result.
 */
#include <ctype.h>
#include <stdint.h>

#include "guard_shell_int.h"

/*
 * A word's bare and mask buffers are scratch (only a dynamic word keeps
 * its bare form): released ones wait here for the next word, a malloc
 * and a free fewer each, a few thousand a stream's second. Not under
 * ASan, which should see each buffer come and go.
 */
#define SPARE_BUFS 8
#define SPARE_MAX 4096 /* larger buffers are freed */
#if !defined(__SANITIZE_ADDRESS__)
static _Thread_local struct guard_buf spare[SPARE_BUFS];
static _Thread_local unsigned nspare;
#endif

static void
buf_from_spare(struct guard_buf *b)
{
	guard_buf_init(b);
#if !defined(__SANITIZE_ADDRESS__)
	if (nspare) {
		*b = spare[--nspare];
		b->len = 0;
		b->buf[0] = '\0';
	}
#endif
}

static void
buf_to_spare(struct guard_buf *b)
{
#if !defined(__SANITIZE_ADDRESS__)
	if (b->buf && b->alloc <= SPARE_MAX && nspare < SPARE_BUFS) {
		spare[nspare++] = *b;
		guard_buf_init(b);
		return;
	}
#endif
	guard_buf_release(b);
}

void
shell_wordbuf_init(struct shell_wordbuf *w)
{
	guard_buf_init(&w->text);
	buf_from_spare(&w->bare);
	buf_from_spare(&w->mask);
	w->flags = 0;
}

void
shell_wordbuf_release(struct shell_wordbuf *w)
{
	guard_buf_release(&w->text);
	buf_to_spare(&w->bare);
	buf_to_spare(&w->mask);
}

void
shell_wordbuf_take(struct shell_wordbuf *w, struct guard_shell_word *out)
{
	out->flags = w->flags;
	out->text = guard_buf_detach(&w->text);
	out->bare = (w->flags & GUARD_WORD_DYNAMIC) ? guard_buf_detach(&w->bare) : NULL;
	shell_wordbuf_release(w);
}

/* bash's metacharacters: a CR is none (x\r#... is one word, not a comment) */
bool
shell_is_meta(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
	       c == '(' || c == ')' || c == '<' || c == '>';
}

/* Literal text: goes to text and bare alike. */
static void
add_lit(struct shell_wordbuf *w, const char *s, size_t n, bool quoted)
{
	if (n == 1) { /* most calls (add_ch): inline, no call a character */
		guard_buf_addch(&w->text, s[0]);
		guard_buf_addch(&w->bare, s[0]);
	} else {
		guard_buf_add(&w->text, s, n);
		guard_buf_add(&w->bare, s, n);
	}
	if (n == 1) {
		guard_buf_addch(&w->mask, quoted ? 'q' : 'u');
	} else if (n > 1) { /* a run (plain_run) */
		guard_buf_grow(&w->mask, n + 1);
		memset(w->mask.buf + w->mask.len, quoted ? 'q' : 'u', n);
		w->mask.len += n;
		w->mask.buf[w->mask.len] = '\0';
	}
	if (quoted)
		w->flags |= GUARD_WORD_QUOTED;
}

/*
 * The bytes from s on that shell_lex_word adds as they are, with no other
 * meaning (s[0] is one, as the caller found): a run of them is added at once.
 */
static size_t
plain_run(const char *s, size_t len)
{
	static const unsigned char stop[256] = {
		[' '] = 1, ['\t'] = 1, ['\n'] = 1, [';'] = 1, ['&'] = 1, ['|'] = 1, ['('] = 1, [')'] = 1, ['<'] = 1,
		['>'] = 1, /* shell_is_meta's */
		['\\'] = 1, ['\''] = 1, ['"'] = 1, ['$'] = 1, ['`'] = 1, ['~'] = 1, ['*'] = 1, ['?'] = 1, ['['] = 1,
	};
	size_t n = 1;

	while (n < len && !stop[(unsigned char)s[n]])
		n++;
	return n;
}

static void
add_ch(struct shell_wordbuf *w, int c, bool quoted)
{
	char ch = (char)c;
	add_lit(w, &ch, 1, quoted);
}

/* An unresolved expansion: shown as written in text, absent from bare. */
static void
add_unresolved(struct shell_wordbuf *w, const char *s, size_t n, unsigned flags)
{
	guard_buf_add(&w->text, s, n);
	for (size_t i = 0; i < n; i++)
		guard_buf_addch(&w->mask, 'q');
	w->flags |= GUARD_WORD_DYNAMIC | flags;
}

/*
 * The value of an expansion the parser knows. Quoted, it is literal text.
 * Unquoted, the shell splits it at $IFS (shown as spaces, flagged SPLIT)
 * and expands its globs.
 */
/* May v (known) go into a word? Past the parse's budget the expansion is left unresolved (attack11 L1). */
static bool
value_fits(struct shell_parser *p, const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (!v || p->sh->expanded + n > GUARD_SHELL_EXPAND_MAX)
		return false;
	p->sh->expanded += n;
	return true;
}

static void
add_value(struct shell_parser *p, struct shell_wordbuf *w, const char *v, size_t n, bool quoted)
{
	w->flags |= GUARD_WORD_VALUE;
	if (quoted) {
		add_lit(w, v, n, true);
		return;
	}
	const char *ifs = shell_var_value(p, "IFS", 3);
	if (!ifs)
		ifs = " \t\n";
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];
		if (ch == ' ' || ch == '\t' || ch == '\n' || strchr(ifs, ch)) {
			ch = ' ';
			w->flags |= GUARD_WORD_SPLIT;
		} else if (ch == '*' || ch == '?' || ch == '[') {
			w->flags |= GUARD_WORD_GLOB;
		}
		add_lit(w, &ch, 1, false);
	}
}

static bool
is_name_start(int c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

#define PAREN_MAX_DEPTH 64

static size_t paren_end(const char *s, size_t len, size_t open, int depth);

/*
 * Index of the character closing the quoted part that starts at s[i]:
 * '..', $'..' (a backslash takes the next character), ".." (whose $( )
 * and `..` nest) or `..`; 0 when it does not end. bash's
 * parse_matched_pair reads a group's quotes so.
 */
static size_t
quote_end(const char *s, size_t len, size_t i, int depth)
{
	bool ansi = s[i] == '$';
	char q = s[i + ansi];

	for (size_t k = i + ansi + 1; k < len; k++) {
		if (s[k] == '\\' && (q != '\'' || ansi)) {
			k++;
		} else if (s[k] == q) {
			return k;
		} else if (q == '"' && s[k] == '$' && k + 1 < len && s[k + 1] == '(') {
			size_t e = paren_end(s, len, k + 1, depth + 1);
			if (!e)
				return 0;
			k = e - 1;
		} else if (q == '"' && s[k] == '`') {
			if (!(k = quote_end(s, len, k, depth + 1)))
				return 0;
		}
	}
	return 0;
}

/* Index just past the ')' matching the '(' at open, quoting as bash; 0 if none. */
static size_t
paren_end(const char *s, size_t len, size_t open, int depth)
{
	int level = 0;

	if (depth > PAREN_MAX_DEPTH)
		return 0;
	for (size_t i = open; i < len; i++) {
		char c = s[i];
		if (c == '\\') {
			i++;
		} else if (c == '\'' || c == '"' || c == '`' || (c == '$' && i + 1 < len && s[i + 1] == '\'')) {
			if (!(i = quote_end(s, len, i, depth)))
				return 0;
		} else if (c == '(') {
			level++;
		} else if (c == ')' && --level == 0) {
			return i + 1;
		}
	}
	return 0;
}

size_t
guard_shell_arith_end(const char *s, size_t len, size_t open)
{
	size_t close = open + 1 < len ? paren_end(s, len, open + 1, 0) : 0;

	return close && close < len && s[close] == ')' ? close + 1 : 0;
}

/*
 * bash's chk_arithsub: a $(( )) is arithmetic only when its text's
 * parentheses also balance as that check quotes ('..' to the next quote,
 * $'..' not known, ".." with backslashes); otherwise it is a command
 * substitution of a subshell.
 */
static bool
arith_balanced(const char *s, size_t len)
{
	int level = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\') {
			i++;
		} else if (s[i] == '\'') {
			const char *q = memchr(s + i + 1, '\'', len - i - 1);
			i = q ? (size_t)(q - s) : len;
		} else if (s[i] == '"') {
			while (++i < len && s[i] != '"')
				i += s[i] == '\\';
		} else if (s[i] == '(') {
			level++;
		} else if (s[i] == ')' && --level < 0) {
			return false;
		}
	}
	return level == 0;
}

size_t
guard_shell_dollar_arith_end(const char *s, size_t len, size_t open)
{
	size_t end = guard_shell_arith_end(s, len, open);

	return end && arith_balanced(s + open + 2, end - 2 - (open + 2)) ? end : 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#define SHELL_MAX_FOLD 4096

/* Code point cp as UTF-8 in b; its length (0 past U+10FFFF). */
static size_t
utf8_encode(uint32_t cp, char b[4])
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return 0;
	b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Append the words of c from i, joined by sep; false on anything not literal. */
static bool
fold_words(const struct shell_parser *p, const struct guard_shell_cmd *c, size_t i, size_t end, const char *sep,
	   bool quoted, bool backslash_ok, struct guard_buf *out)
{
	for (size_t k = i; k < end && k < c->argc; k++) {
		const struct guard_shell_word *a = &c->argv[k];
		const char *t = a->text;
		/* echo's backslashes differ between shells; printf's arguments are given apart */
		if ((a->flags & GUARD_WORD_DYNAMIC) || (strchr(t, '\\') && !backslash_ok))
			return false;
		/* echo .e*: the shell globbed it first; only an unquoted result globs again */
		if ((a->flags & GUARD_WORD_GLOB) && quoted)
			return false;
		if (k > i)
			guard_buf_addstr(out, sep);
		if (a->flags & GUARD_WORD_TILDE) {
			if (!p->vars || !p->vars->home)
				return false;
			guard_buf_addstr(out, p->vars->home);
			t++;
		}
		guard_buf_addstr(out, t);
		if (out->len > SHELL_MAX_FOLD)
			return false;
	}
	return true;
}

/*
 * The backslash escapes of printf's format and %b arguments (octal
 * \NNN, and \0NNN for %b and echo -e), \xHH, \n and the other letters.
 * Appends to out; false when the text holds a NUL byte or stops output
 * (\c), which the callers do not model.
 */
bool
guard_shell_unescape(const char *s, size_t n, bool zero_octal, struct guard_buf *out)
{
	return guard_shell_unescape_nul(s, n, zero_octal, '\0', out);
}

bool
guard_shell_unescape_nul(const char *s, size_t n, bool zero_octal, char nul, struct guard_buf *out)
{
	static const char from[] = "abefnrtv\\\"'", to[] = "\a\b\033\f\n\r\t\v\\\"'";

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			guard_buf_addch(out, s[i]);
			continue;
		}
		char c = s[++i];
		const char *k = strchr(from, c);
		unsigned v = 0;
		int digits = 0;
		if (c && k) {
			guard_buf_addch(out, to[k - from]);
			continue;
		}
		if (c == 'x') {
			while (digits < 2 && i + 1 < n && hexval((unsigned char)s[i + 1]) >= 0)
				v = v * 16 + (unsigned)hexval((unsigned char)s[++i]), digits++;
			if (!digits) {
				guard_buf_addstr(out, "\\x");
				continue;
			}
		} else if (c >= '0' && c <= '7') {
			int max = 3;
			if (zero_octal && c == '0')
				max = 3; /* \0NNN: the 0 is a prefix */
			else
				i--, max = zero_octal ? 0 : 3;
			if (!max) { /* echo -e \1: not an escape */
				guard_buf_addch(out, '\\');
				continue;
			}
			while (digits < max && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7')
				v = v * 8 + (unsigned)(s[++i] - '0'), digits++;
		} else if (c == 'u' || c == 'U') {
			/* bash: \u with 1-4 hex digits, \U with 1-8, a code point (\u0 is a NUL) */
			uint32_t cp = 0;
			while (digits < (c == 'u' ? 4 : 8) && i + 1 < n && hexval((unsigned char)s[i + 1]) >= 0)
				cp = cp * 16 + (uint32_t)hexval((unsigned char)s[++i]), digits++;
			if (!digits) {
				guard_buf_addch(out, '\\');
				guard_buf_addch(out, c);
				continue;
			}
			if (cp) {
				char b[4];
				guard_buf_add(out, b, utf8_encode(cp, b));
				continue;
			}
		} else if (c == 'c') {
			return false;
		} else {
			guard_buf_addch(out, '\\');
			guard_buf_addch(out, c);
			continue;
		}
		if (!(v & 0xFF) && !nul)
			return false;
		guard_buf_addch(out, v & 0xFF ? (char)(v & 0xFF) : nul);
	}
	return true;
}

/*
 * printf FORMAT ARGS of literal words: %s and %b take the next argument
 * (%b decoding its escapes), %% is a percent sign, the format is reused
 * while arguments remain. false on any other conversion.
 */
static bool
fold_printf(const struct shell_parser *p, const struct guard_shell_cmd *c, bool quoted, struct guard_buf *out)
{
	const char *fmt = c->argv[1].text;
	size_t arg = 2;

	do {
		size_t used = arg;
		for (const char *f = fmt; *f; f++) {
			if (*f == '\\') {
				size_t n = 1;
				while (f[n] && f[n] != '\\' && f[n] != '%')
					n++;
				if (!guard_shell_unescape(f, n, false, out))
					return false;
				f += n - 1;
				continue;
			}
			if (*f != '%') {
				guard_buf_addch(out, *f);
				continue;
			}
			f++;
			if (*f == '%') {
				guard_buf_addch(out, '%');
				continue;
			}
			if (*f != 's' && *f != 'b')
				return false;
			if (arg >= c->argc)
				continue; /* a missing argument prints nothing */
			struct guard_buf one = GUARD_BUF_INIT;
			bool ok = fold_words(p, c, arg, arg + 1, "", quoted, true, &one) &&
				  (*f == 's' ? (guard_buf_add(out, one.buf, one.len), true)
					     : guard_shell_unescape(one.buf, one.len, true, out));
			guard_buf_release(&one);
			if (!ok)
				return false;
			arg++;
		}
		if (arg == used)
			break; /* the format took no argument: not reused */
	} while (arg < c->argc && out->len <= SHELL_MAX_FOLD);
	return out->len <= SHELL_MAX_FOLD;
}

/*
 * mktemp [-d] [-t|-p DIR|--tmpdir[=DIR]] [TEMPLATE]: the name it prints is
 * not known, but where it is: below the temporary folder (taken as /tmp),
 * below DIR, or TEMPLATE in the working folder. Its X's stay as written.
 */
static bool
fold_mktemp(const struct guard_shell_cmd *c, struct guard_buf *out)
{
	const char *dir = NULL, *tmpl = NULL;
	bool tmp = false;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (c->argv[i].flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_GLOB))
			return false;
		if (!strcmp(a, "-p") || !strcmp(a, "--tmpdir")) {
			if (i + 1 >= c->argc || (c->argv[i + 1].flags & GUARD_WORD_DYNAMIC))
				return false;
			dir = c->argv[++i].text;
		} else if (!strncmp(a, "--tmpdir=", 9)) {
			dir = a + 9;
		} else if (!strncmp(a, "-p", 2)) {
			dir = a + 2;
		} else if (!strcmp(a, "-t")) {
			tmp = true;
		} else if (!strcmp(a, "--suffix") || (a[0] == '-' && a[1] != '-' && strspn(a + 1, "dqut") != strlen(a + 1))) {
			return false; /* options this does not model */
		} else if (a[0] == '-' && a[1]) {
			if (strchr(a, 't') && a[1] != '-')
				tmp = true;
		} else if (!tmpl) {
			tmpl = a;
		} else {
			return false;
		}
	}
	if (tmpl && (tmpl[0] == '/' || tmpl[0] == '~') && !dir && !tmp) {
		guard_buf_addstr(out, tmpl);
		return tmpl[0] == '/';
	}
	if (!tmpl || tmp || dir) {
		guard_buf_addstr(out, dir && *dir ? dir : "/tmp");
		guard_buf_addch(out, '/');
	}
	guard_buf_addstr(out, tmpl ? tmpl : "tmp.XXXXXXXXXX");
	return true;
}

/*
 * $(echo x) / `printf x`: the single command just parsed (from index
 * first) prints constant text. Returns that text without its trailing
 * newlines (caller frees), or NULL when it is anything else.
 */
static char *
fold_subst(const struct shell_parser *p, size_t first, bool quoted)
{
	const struct guard_shell *sh = p->sh;
	struct guard_buf out = GUARD_BUF_INIT;
	bool ok = false;

	if (shell_failed(p) || sh->ncmds != first + 1)
		return NULL;
	const struct guard_shell_cmd *c = &sh->cmds[first];
	if (!c->argc || c->nredirs || c->nassigns || c->piped_out || c->pipe_pos || c->background ||
	    c->defines_function || (c->argv[0].flags & GUARD_WORD_DYNAMIC))
		return NULL;
	const char *name = strrchr(c->argv[0].text, '/');
	name = name ? name + 1 : c->argv[0].text;
	if (guard_list_has(&sh->functions, name))
		return NULL; /* echo() { ...; }: not the builtin */
	if (!strcmp(name, "echo")) {
		size_t i = 1;
		while (i < c->argc && c->argv[i].text[0] == '-' && c->argv[i].text[1] &&
		       strspn(c->argv[i].text + 1, "neE") == strlen(c->argv[i].text + 1))
			i++;
		ok = fold_words(p, c, i, c->argc, " ", quoted, false, &out);
	} else if (!strcmp(name, "printf") && c->argc >= 2 && !(c->argv[1].flags & GUARD_WORD_DYNAMIC) &&
		   strcmp(c->argv[1].text, "-v")) {
		ok = fold_printf(p, c, quoted, &out);
	} else if (!strcmp(name, "mktemp")) {
		ok = fold_mktemp(c, &out);
	}
	if (!ok) {
		guard_buf_release(&out);
		return NULL;
	}
	while (out.len && out.buf[out.len - 1] == '\n')
		out.buf[--out.len] = '\0';
	return guard_buf_detach(&out);
}

/* After a substitution's commands were parsed: its constant output, or unresolved. */
static void
add_subst(struct shell_parser *p, struct shell_wordbuf *w, size_t first, size_t start, bool quoted)
{
	char *v = fold_subst(p, first, quoted);

	if (!value_fits(p, v)) {
		free(v);
		add_unresolved(w, p->s + start, p->pos - start, GUARD_WORD_SUBST);
		return;
	}
	add_value(p, w, v, strlen(v), quoted);
	w->flags |= GUARD_WORD_FOLDED;
	free(v);
}

/* $( ... ): parse the commands inside, in place, one level deeper. */
static void
lex_command_subst(struct shell_parser *p, struct shell_wordbuf *w, size_t start, bool quoted)
{
	bool saved_subst = p->substituted;
	size_t first = p->sh->ncmds;

	if (p->depth + 1 > GUARD_SHELL_MAX_DEPTH) {
		shell_fail(p, "nesting deeper than %d", GUARD_SHELL_MAX_DEPTH);
		return;
	}
	p->depth++;
	p->substituted = true;
	shell_parse_list(p, ')');
	p->substituted = saved_subst;
	p->depth--;
	add_subst(p, w, first, start, quoted);
}

/* `...`: unescape \` \\ \$ and parse the result as a nested command list. */
static void
lex_backtick(struct shell_parser *p, struct shell_wordbuf *w, bool quoted)
{
	size_t start = p->pos++, first = p->sh->ncmds;
	struct guard_buf inner = GUARD_BUF_INIT;

	for (;;) {
		int c = shell_peek(p, 0);
		if (c < 0) {
			guard_buf_release(&inner);
			shell_fail(p, "unterminated backquote");
			return;
		}
		p->pos++;
		if (c == '`')
			break;
		if (c == '\\' && (shell_peek(p, 0) == '`' || shell_peek(p, 0) == '\\' ||
				  shell_peek(p, 0) == '$')) {
			c = shell_peek(p, 0);
			p->pos++;
		}
		guard_buf_addch(&inner, c);
	}
	if (p->depth + 1 > GUARD_SHELL_MAX_DEPTH) {
		guard_buf_release(&inner);
		shell_fail(p, "nesting deeper than %d", GUARD_SHELL_MAX_DEPTH);
		return;
	}
	shell_parse_sub(p, inner.buf, inner.len);
	guard_buf_release(&inner);
	add_subst(p, w, first, start, quoted);
}

/* Index just past the "}" closing the "${" at s[at], or 0. */
static size_t
brace_end(const char *s, size_t len, size_t at)
{
	int depth = 1;

	for (size_t i = at + 2; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* Is body (of ${body}) the prompt transformation [!]NAME[SUBSCRIPT]@P? *k: NAME's length. */
static bool
prompt_body(const char *body, size_t n, size_t *k)
{
	if (n < 3 || body[n - 2] != '@' || body[n - 1] != 'P')
		return false;
	n -= 2;
	size_t from = body[0] == '!';
	*k = from;
	if (*k < n && (body[*k] == '@' || body[*k] == '*'))
		(*k)++;
	else
		while (*k < n && is_name_char((unsigned char)body[*k]))
			(*k)++;
	if (*k == from)
		return false;
	return *k == n || (body[*k] == '[' && body[n - 1] == ']');
}

bool
guard_shell_prompt_decode(const char *v, struct guard_buf *out)
{
	for (size_t i = 0; v[i]; i++) {
		int digits = 0;
		unsigned c = 0;
		if (v[i] != '\\' || !v[i + 1]) {
			guard_buf_addch(out, v[i]);
			continue;
		}
		if (v[i + 1] == 'D' && v[i + 2] == '{' && strpbrk(v, "(`"))
			return false; /* strftime's text (maybe none) between $ and (: not known here */
		if (v[i + 1] == '[' || v[i + 1] == ']') {
			i++; /* readline's invisible-text markers: gone before the expansion */
			continue;
		}
		while (digits < 3 && v[i + 1 + digits] >= '0' && v[i + 1 + digits] <= '7')
			c = c * 8 + (unsigned)(v[i + 1 + digits++] - '0');
		if (digits && (c & 0xFF))
			guard_buf_addch(out, (char)c);
		else
			guard_buf_add(out, v + i, digits ? (size_t)digits + 1 : 2);
		i += digits ? (size_t)digits : 1;
	}
	return true;
}

/*
 * ${NAME@P}, ${NAME[@]@P}, ${!REF@P}: bash expands the value as a prompt
 * (octal escapes decoded first), so the $( ) and `..` in it run. A known
 * value's are parsed; an unknown value is noted for the analyzer.
 */
static void
prompt_transform(struct shell_parser *p, const char *body, size_t n)
{
	size_t k;

	if (!prompt_body(body, n, &k))
		return;
	bool indirect = body[0] == '!';
	const char *v = is_name_start((unsigned char)body[indirect]) ? shell_var_value(p, body + indirect, k - indirect)
								     : NULL;
	if (v && indirect) {
		size_t m = strlen(v);
		bool name = m && is_name_start((unsigned char)v[0]);
		for (size_t i = 0; name && i < m; i++)
			name = is_name_char((unsigned char)v[i]);
		v = name ? shell_var_value(p, v, m) : NULL;
	}
	if (!v) {
		guard_list_take(&p->sh->prompts, guard_xasprintf("${%.*s}", (int)n, body));
		return;
	}
	struct guard_buf text = GUARD_BUF_INIT;
	if (guard_shell_prompt_decode(v, &text))
		shell_parse_prompt(p, text.buf, text.len);
	else
		guard_list_take(&p->sh->prompts, guard_xasprintf("${%.*s}", (int)n, body));
	guard_buf_release(&text);
}

/* ${NAME:=WORD}, ${NAME=WORD} (k: NAME's length) assign WORD when NAME is unset (or empty). */
static void
param_assigns(struct shell_parser *p, const char *body, size_t n, size_t k)
{
	size_t op = k < n && body[k] == ':' ? k + 1 : k;

	if (!k || op >= n || body[op] != '=' || !is_name_start((unsigned char)body[0]))
		return;
	char *name = guard_xstrndup(body, k);
	char *word = guard_xstrndup(body + op + 1, n - op - 1);
	bool literal = !strpbrk(word, "$`'\"\\");
	shell_note_set(p->sh, "${NAME:=WORD} assigns", name, k, literal ? word : NULL);
	/* unset on the line (the environment's is taken as unset), or empty with ":=": now WORD */
	const char *old = shell_latest_value(p->sh, name, k);
	if (!old || (op > k && !old[0])) {
		guard_list_take(&p->sh->known_names, name);
		guard_list_take(&p->sh->known_values, literal ? word : guard_xstrdup("\x01"));
		if (!literal)
			free(word);
		return;
	}
	free(name);
	free(word);
}

/* ${...}: a known plain variable resolves; anything else stays unresolved. */
static void
lex_brace_param(struct shell_parser *p, struct shell_wordbuf *w, bool quoted)
{
	size_t start = p->pos, i = brace_end(p->s, p->len, p->pos);

	if (!i) {
		shell_fail(p, "unterminated ${");
		return;
	}
	const char *body = p->s + start + 2;
	size_t n = i - 1 - (start + 2);
	p->pos = i;
	prompt_transform(p, body, n);
	/* A command hidden in a default value, an offset or a subscript: its
	 * commands are parsed (they run, and are rated), the rest refused. */
	if (memmem(body, n, "$(", 2) || memchr(body, '`', n)) {
		shell_lex_substs(p, start + 2, i - 1);
		p->pos = i;
		shell_fail(p, "command substitution inside ${...}");
		return;
	}
	size_t k = 0;
	while (k < n && is_name_char((unsigned char)body[k]))
		k++;
	param_assigns(p, body, n, k);
	const char *v = k == n && k ? shell_var_value(p, body, k) : NULL;
	if (!v && !quoted && n == 3 && !memcmp(body, "IFS", 3))
		v = " "; /* ${IFS} unquoted: a field separator */
	if (value_fits(p, v))
		add_value(p, w, v, strlen(v), quoted);
	else
		add_unresolved(w, p->s + start, p->pos - start, 0);
}

static void lex_dollar(struct shell_parser *p, struct shell_wordbuf *w, bool quoted);

/*
 * $(( $(cmd) + `cmd` )), (( )), for (( )), ${x:$(cmd)}: the value is
 * unknown, but the commands inside run; they are parsed (into a scratch
 * word) so they are rated too. p->pos is left where it was.
 */
void
shell_lex_substs(struct shell_parser *p, size_t from, size_t to)
{
	size_t saved = p->pos;

	size_t k, end;

	for (size_t i = from; i < to && !shell_failed(p);) {
		char c = p->s[i];
		/* ${x@P} in arithmetic or a prompt's value: expanded, its value's substitutions run */
		bool prompt = c == '$' && i + 1 < to && p->s[i + 1] == '{' && (end = brace_end(p->s, to, i)) &&
			      prompt_body(p->s + i + 2, end - i - 3, &k);
		if ((c == '$' && i + 1 < to && p->s[i + 1] == '(') || c == '`' || prompt) {
			struct shell_wordbuf scratch;
			shell_wordbuf_init(&scratch);
			p->pos = i;
			if (c == '`')
				lex_backtick(p, &scratch, true);
			else
				lex_dollar(p, &scratch, true);
			shell_wordbuf_release(&scratch);
			i = p->pos > i ? p->pos : i + 1;
		} else {
			i++;
		}
	}
	if (!shell_failed(p))
		p->pos = saved;
}

/* The index of the "]" closing the "[" at s[open] (nested pairs skipped), or 0. */
static size_t
bracket_close(const char *s, size_t len, size_t open)
{
	int depth = 0;

	for (size_t i = open; i < len; i++)
		if (s[i] == '[')
			depth++;
		else if (s[i] == ']' && --depth == 0)
			return i;
	return 0;
}

/* After '$' at p->pos: every kind of parameter or substitution. */
static void
lex_dollar(struct shell_parser *p, struct shell_wordbuf *w, bool quoted)
{
	size_t start = p->pos;
	int c = shell_peek(p, 1);

	size_t close;
	/* $((: arithmetic only when bash reads it so; $((cmd) ) is a command substitution */
	size_t end = c == '(' && shell_peek(p, 2) == '(' ? guard_shell_dollar_arith_end(p->s, p->len, p->pos + 1) : 0;

	if (end) {
		shell_lex_substs(p, start + 3, end - 2);
		shell_note_arith(p->sh, "$(( )) assigns", p->s + start + 3, end - 2 - (start + 3));
		p->pos = end;
		add_unresolved(w, p->s + start, end - start, 0);
	} else if (c == '(') {
		p->pos += 2;
		lex_command_subst(p, w, start, quoted);
	} else if (c == '{') {
		lex_brace_param(p, w, quoted);
	} else if (c >= 0 && is_name_start(c)) {
		size_t i = p->pos + 1;
		while (i < p->len && is_name_char((unsigned char)p->s[i]))
			i++;
		const char *v = shell_var_value(p, p->s + start + 1, i - start - 1);
		if (!v && !quoted && i - start - 1 == 3 && !memcmp(p->s + start + 1, "IFS", 3))
			v = " "; /* $IFS unquoted: a field separator */
		p->pos = i;
		if (value_fits(p, v))
			add_value(p, w, v, strlen(v), quoted);
		else
			add_unresolved(w, p->s + start, i - start, 0);
	} else if (c >= 0 && (isdigit(c) || strchr("@*#?$!-", c))) {
		p->pos += 2;
		add_unresolved(w, p->s + start, 2, 0);
	} else if (c == '[' && (close = bracket_close(p->s, p->len, start + 1))) {
		/* $[ ]: bash's old arithmetic, read as $(( )) is */
		shell_lex_substs(p, start + 2, close);
		shell_note_arith(p->sh, "$[ ] assigns", p->s + start + 2, close - start - 2);
		p->pos = close + 1;
		add_unresolved(w, p->s + start, close + 1 - start, 0);
	} else {
		p->pos++;
		add_ch(w, '$', quoted);
	}
}


/* Append code point cp as UTF-8. */
static void
add_utf8(struct shell_wordbuf *w, uint32_t cp)
{
	char b[4];
	add_lit(w, b, utf8_encode(cp, b), true);
}

/* Read up to max digits of the given base at p->pos; returns the value. */
static uint32_t
read_digits(struct shell_parser *p, int base, int max, int *count)
{
	uint32_t v = 0;
	*count = 0;
	while (*count < max) {
		int c = shell_peek(p, 0), d = c < 0 ? -1 : hexval(c);
		if (d < 0 || d >= base)
			break;
		v = v * (uint32_t)base + (uint32_t)d;
		p->pos++;
		(*count)++;
	}
	return v;
}

/*
 * \cX inside $'..' (p->pos at X). bash finds the string's end first (a
 * backslash takes one character), so a quote right after \c closes the
 * string and the \c stays as written; \c\\ is one control character,
 * and \c\' is ^\ followed by a quote that does not close.
 */
static void
lex_ansi_control(struct shell_parser *p, struct shell_wordbuf *w)
{
	int x = shell_peek(p, 0);

	if (x < 0 || x == '\'') {
		add_lit(w, "\\c", 2, true);
		return;
	}
	add_ch(w, x & 0x1F, true);
	p->pos++;
	if (x == '\\' && (shell_peek(p, 0) == '\\' || shell_peek(p, 0) == '\'')) {
		if (shell_peek(p, 0) == '\'')
			add_ch(w, '\'', true);
		p->pos++;
	}
}

/* One escape inside $'..' (p->pos just after the backslash). */
static void
lex_ansi_escape(struct shell_parser *p, struct shell_wordbuf *w)
{
	static const char from[] = "abeEfnrtv\\'\"?", to[] = "\a\b\033\033\f\n\r\t\v\\'\"?";
	int c = shell_peek(p, 0), n;
	const char *k;

	if (c < 0)
		return;
	p->pos++;
	if ((k = strchr(from, c)) != NULL) {
		add_ch(w, to[k - from], true);
	} else if (c == 'x') {
		uint32_t v = read_digits(p, 16, 2, &n);
		if (!n)
			add_lit(w, "\\x", 2, true);
		else if (v)
			add_ch(w, (int)v, true);
	} else if (c == 'u' || c == 'U') {
		uint32_t v = read_digits(p, 16, c == 'u' ? 4 : 8, &n);
		if (n && v)
			add_utf8(w, v);
	} else if (c >= '0' && c <= '7') {
		p->pos--;
		uint32_t v = read_digits(p, 8, 3, &n);
		if (v)
			add_ch(w, (int)(v & 0xFF), true);
	} else if (c == 'c') {
		lex_ansi_control(p, w);
	} else {
		add_ch(w, '\\', true);
		add_ch(w, c, true);
	}
}

static void
lex_ansi(struct shell_parser *p, struct shell_wordbuf *w)
{
	p->pos += 2; /* $' */
	for (;;) {
		int c = shell_peek(p, 0);
		if (c < 0) {
			shell_fail(p, "unterminated $'");
			return;
		}
		p->pos++;
		if (c == '\'')
			break;
		if (c == '\\')
			lex_ansi_escape(p, w);
		else
			add_ch(w, c, true);
	}
	w->flags |= GUARD_WORD_QUOTED;
}

static void
lex_single(struct shell_parser *p, struct shell_wordbuf *w)
{
	const char *q = memchr(p->s + p->pos + 1, '\'', p->len - p->pos - 1);
	if (!q) {
		shell_fail(p, "unterminated single quote");
		return;
	}
	size_t n = (size_t)(q - (p->s + p->pos + 1));
	add_lit(w, p->s + p->pos + 1, n, true);
	w->flags |= GUARD_WORD_QUOTED;
	p->pos += n + 2;
}

static void
lex_double(struct shell_parser *p, struct shell_wordbuf *w)
{
	p->pos++;
	w->flags |= GUARD_WORD_QUOTED;
	while (!shell_failed(p)) {
		int c = shell_peek(p, 0);
		if (c < 0) {
			shell_fail(p, "unterminated double quote");
			return;
		}
		if (c == '"') {
			p->pos++;
			return;
		}
		if (c == '\\') {
			int d = shell_peek(p, 1);
			if (d == '\n') {
				p->pos += 2;
			} else if (d == '$' || d == '`' || d == '"' || d == '\\') {
				add_ch(w, d, true);
				p->pos += 2;
			} else {
				add_ch(w, '\\', true);
				p->pos++;
			}
		} else if (c == '$') {
			lex_dollar(p, w, true);
		} else if (c == '`') {
			lex_backtick(p, w, true);
		} else {
			add_ch(w, c, true);
			p->pos++;
		}
	}
}

/* ~ or ~/... at the start of a word: kept as "~" for path resolution. */
static void
lex_tilde(struct shell_parser *p, struct shell_wordbuf *w)
{
	size_t i = p->pos + 1;
	while (i < p->len && !shell_is_meta((unsigned char)p->s[i]) && p->s[i] != '/' && !strchr("'\"\\$`", p->s[i]))
		i++;
	if (i < p->len && strchr("'\"\\$`", p->s[i])) {
		/* ~'/x', ~root"/", ~$u: a quoted or expanded prefix is not
		 * expanded (the ~ is literal); the quote is left to the word */
		add_ch(w, '~', true);
		p->pos++;
		return;
	}
	if (i == p->pos + 1) {
		add_ch(w, '~', false);
		w->flags |= GUARD_WORD_TILDE;
		p->pos++;
		return;
	}
	/* ~user: root's home is known; others are somebody's home. */
	size_t n = i - p->pos - 1;
	char first = p->s[p->pos + 1];
	if (n == 1 && first == '+') {
		/* ~+ is $PWD: where relative paths already resolve */
		add_ch(w, '.', false);
	} else if (first == '+' || first == '-' || (first >= '0' && first <= '9')) {
		/* ~- ($OLDPWD), ~N, ~+N, ~-N (the directory stack): not known here */
		add_lit(w, p->s + p->pos, n + 1, false);
		w->flags |= GUARD_WORD_DYNAMIC;
	} else if (n == 4 && !memcmp(p->s + p->pos + 1, "root", 4))
		add_lit(w, "/root", 5, false);
	else {
		add_lit(w, "/home/", 6, false);
		add_lit(w, p->s + p->pos + 1, n, false);
	}
	p->pos = i;
}

/* A ~ just after NAME= (unquoted so far) followed by the end of the word or '/'. */
static bool
assignment_tilde(const struct shell_parser *p, const struct shell_wordbuf *w)
{
	const char *t = w->text.buf;
	size_t n = w->text.len;
	int next = shell_peek(p, 1);

	if (!n || t[n - 1] != '=' || w->flags || (next >= 0 && next != '/' && !shell_is_meta(next)))
		return false;
	if (!is_name_start((unsigned char)t[0]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!is_name_char((unsigned char)t[i]))
			return false;
	return true;
}

void
shell_lex_word(struct shell_parser *p, struct shell_wordbuf *w)
{
	size_t start = p->pos;

	while (!shell_failed(p)) {
		int c = shell_peek(p, 0);
		if (c < 0 || shell_is_meta(c))
			break;
		if (c == '\\') {
			int d = shell_peek(p, 1);
			if (d == '\n') {
				p->pos += 2;
				continue;
			}
			p->pos += d < 0 ? 1 : 2;
			if (d >= 0)
				add_ch(w, d, true);
		} else if (c == '\'') {
			lex_single(p, w);
		} else if (c == '"') {
			lex_double(p, w);
		} else if (c == '$' && shell_peek(p, 1) == '\'') {
			lex_ansi(p, w);
		} else if (c == '$' && shell_peek(p, 1) == '"') {
			p->pos++;
			lex_double(p, w);
		} else if (c == '$') {
			lex_dollar(p, w, false);
		} else if (c == '`') {
			lex_backtick(p, w, false);
		} else if (c == '~' && p->pos == start) {
			lex_tilde(p, w);
		} else if (c == '~' && assignment_tilde(p, w) && p->vars && p->vars->home) {
			/* h=~ and h=~/x: the shell expands the tilde of an assignment */
			add_lit(w, p->vars->home, strlen(p->vars->home), false);
			p->pos++;
		} else if (c == '*' || c == '?' || c == '[' || c == '~') {
			if (c != '~')
				w->flags |= GUARD_WORD_GLOB;
			add_ch(w, c, false);
			p->pos++;
		} else {
			size_t n = plain_run(p->s + p->pos, p->len - p->pos);
			add_lit(w, p->s + p->pos, n, false);
			p->pos += n;
		}
	}
	shell_token(p, p->s + start, p->pos - start);
}

/*
 * Brace expansion of one unquoted {a,b,...} group (the first one found),
 * applied again to each result so "{a,b}/{c,d}" gives four words.
 */
static size_t
expand_text(const char *text, const char *mask, size_t len, unsigned flags,
	    struct guard_shell_word *out, size_t max, size_t count)
{
	size_t open = SIZE_MAX, close = SIZE_MAX, depth = 0;
	bool comma = false;

	for (size_t i = 0; i < len; i++) {
		if (mask[i] != 'u')
			continue;
		if (text[i] == '{') {
			if (!depth++)
				open = i, comma = false;
		} else if (text[i] == '}' && depth) {
			if (!--depth) {
				if (comma) {
					close = i;
					break;
				}
				open = SIZE_MAX;
			}
		} else if (text[i] == ',' && depth == 1) {
			comma = true;
		}
	}
	if (close == SIZE_MAX) {
		if (count < max) {
			out[count].text = guard_xstrndup(text, len);
			out[count].bare = NULL;
			out[count].flags = flags & ~GUARD_WORD_TILDE;
			/* {rm,-rf,~}: a word the expansion starts with ~ is the home directory */
			if (len && text[0] == '~' && mask[0] == 'u' && (len == 1 || text[1] == '/'))
				out[count].flags |= GUARD_WORD_TILDE;
			count++;
		}
		return count;
	}
	size_t alt = open + 1;
	depth = 0;
	for (size_t i = open + 1; i <= close && count < max; i++) {
		if (mask[i] == 'u' && text[i] == '{')
			depth++;
		else if (mask[i] == 'u' && text[i] == '}' && depth && i != close)
			depth--;
		else if (i == close || (mask[i] == 'u' && text[i] == ',' && !depth)) {
			struct guard_buf t = GUARD_BUF_INIT, m = GUARD_BUF_INIT;
			guard_buf_add(&t, text, open);
			guard_buf_add(&t, text + alt, i - alt);
			guard_buf_add(&t, text + close + 1, len - close - 1);
			guard_buf_add(&m, mask, open);
			guard_buf_add(&m, mask + alt, i - alt);
			guard_buf_add(&m, mask + close + 1, len - close - 1);
			count = expand_text(t.buf, m.buf, t.len, flags, out, max, count);
			guard_buf_release(&t);
			guard_buf_release(&m);
			alt = i + 1;
		}
	}
	return count;
}

size_t
shell_brace_expand(const struct shell_wordbuf *w, struct guard_shell_word *out, size_t max)
{
	if ((w->flags & GUARD_WORD_DYNAMIC) || !memchr(w->text.buf, '{', w->text.len) ||
	    w->mask.len != w->text.len)
		return 0;
	size_t n = expand_text(w->text.buf, w->mask.buf, w->text.len, w->flags, out, max, 0);
	if (n == 1 && !strcmp(out[0].text, w->text.buf)) {
		free(out[0].text);
		return 0;
	}
	return n;
}
