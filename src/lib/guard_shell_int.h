/* Internal to guard_shell*.c: the parser state shared by grammar and lexer. */
#ifndef GUARD_SHELL_INT_H
#define GUARD_SHELL_INT_H

#include "guard_buf.h"
#include "guard_shell.h"

#define SHELL_MAX_HEREDOCS 16
#define SHELL_MAX_BRACE_WORDS 64

struct shell_pending_heredoc {
	unsigned serial;  /* the command being built when the << was seen */
	size_t cmd;       /* its index in sh->cmds once appended, or SIZE_MAX */
	size_t redir;
	char *delim;
	bool strip_tabs;
};

struct shell_parser {
	const char *s;
	size_t len, pos;
	struct guard_shell *sh;
	const struct guard_shell_vars *vars;
	unsigned depth;
	bool substituted;
	const char *function;
	unsigned *serial_next;   /* shared with sub-parsers (backticks) */
	struct shell_pending_heredoc pending[SHELL_MAX_HEREDOCS];
	size_t npending;
	/* Loops and ifs open (for/while/until/if: the index of their first
	 * command), the first command of the compound just closed (index + 1,
	 * 0 none), and what the next command appended takes its output from. */
	size_t open[GUARD_SHELL_MAX_DEPTH];
	size_t nopen;
	size_t closed_from;
	size_t next_from;
};

/* A word being lexed: text, text without unresolved expansions, and a
 * per-byte mask of text ('u' unquoted, 'q' quoted) for globs and braces. */
struct shell_wordbuf {
	struct guard_buf text, bare, mask;
	unsigned flags;
};

void shell_fail(struct shell_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool shell_failed(const struct shell_parser *p) { return p->sh->unparsed; }
static inline int shell_peek(const struct shell_parser *p, size_t off)
{
	return p->pos + off < p->len ? (unsigned char)p->s[p->pos + off] : -1;
}
bool shell_is_meta(int c);
void shell_token(struct shell_parser *p, const char *text, size_t n);

/* Lex one word at p->pos into w (initialised by the caller). */
void shell_lex_word(struct shell_parser *p, struct shell_wordbuf *w);
void shell_wordbuf_init(struct shell_wordbuf *w);
void shell_wordbuf_release(struct shell_wordbuf *w);
/* Move the result into out (owned strings); w is left empty. */
void shell_wordbuf_take(struct shell_wordbuf *w, struct guard_shell_word *out);
/* Brace-expand w into up to max words; returns the count (0: no expansion). */
size_t shell_brace_expand(const struct shell_wordbuf *w, struct guard_shell_word *out, size_t max);

/* Parse the commands of each $( ) and `..` in p->s[from, to) (arithmetic, ${..} bodies); p->pos is kept. */
void shell_lex_substs(struct shell_parser *p, size_t from, size_t to);
/* Parse a command list until term (')' or '}', or 0 for end of input). */
void shell_parse_list(struct shell_parser *p, int term);
/* Run a nested parse of a separate buffer (backtick contents). */
void shell_parse_sub(struct shell_parser *outer, const char *src, size_t len);
/* Parse the substitutions of a separate buffer, a value bash expands as a prompt (${x@P}). */
void shell_parse_prompt(struct shell_parser *outer, const char *src, size_t len);

/* Variable lookup: the value when known, else NULL. */
const char *shell_var_value(const struct shell_parser *p, const char *name, size_t n);
const char *shell_latest_value(const struct guard_shell *sh, const char *name, size_t n);
void shell_note_set(struct guard_shell *sh, const char *how, const char *name, size_t n, const char *value);
void shell_note_arith(struct guard_shell *sh, const char *how, const char *s, size_t n);

#endif
