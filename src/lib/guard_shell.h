/*
 * A POSIX-shell-like parser for risk analysis (DESIGN.md section 6).
 *
 * It does not run anything and expands nothing it cannot know: it turns
 * a command line into the simple commands a shell would run, with their
 * words after quote removal, their redirections and their nesting. A word
 * that holds an expansion it cannot resolve ($VAR, $(..), `..`) keeps the
 * expansion's source text and is flagged, so the analyzer can be careful
 * with it. Commands inside $( ), backticks and <( ) are listed too.
 *
 * Everything is bounded (input, tokens, commands, nesting). Past a bound,
 * or on an unterminated quote, the result is marked unparsed with a reason
 * and holds what was parsed so far.
 */
#ifndef GUARD_SHELL_H
#define GUARD_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#include "guard_list.h"

#define GUARD_SHELL_MAX_INPUT (64 * 1024)
#define GUARD_SHELL_MAX_TOKENS 8192
#define GUARD_SHELL_MAX_CMDS 1024
#define GUARD_SHELL_MAX_DEPTH 32
/*
 * Values followed through a line (attack11 L1: x="$x; $x" 26 times made a
 * 640 MiB value, the hook ran 50 s in 3 GB): one value past VALUE_MAX, or
 * past KNOWN_MAX of them all, is unknown (as a value read from a file);
 * known values expanded into words past EXPAND_MAX stop the parse (high).
 */
#define GUARD_SHELL_VALUE_MAX (64 * 1024)
#define GUARD_SHELL_KNOWN_MAX (1024 * 1024)
#define GUARD_SHELL_EXPAND_MAX (4 * 1024 * 1024)

/* Word flags. */
#define GUARD_WORD_DYNAMIC 0x01 /* holds an expansion the parser cannot resolve */
#define GUARD_WORD_SUBST 0x02   /* holds $( ), backticks or <( ) */
#define GUARD_WORD_GLOB 0x04    /* unquoted * ? or [ */
#define GUARD_WORD_QUOTED 0x08  /* some part was quoted or escaped */
#define GUARD_WORD_TILDE 0x10   /* starts with an unquoted ~ */
#define GUARD_WORD_SPLIT 0x20   /* an unquoted expansion put field separators in
				   text (shown as spaces): the shell splits it */
#define GUARD_WORD_FOLDED 0x40  /* held $( ) or backticks of a constant echo/printf,
				   replaced by its output */
#define GUARD_WORD_VALUE 0x80   /* holds a variable's value known from the line ($a$b after a=ev b=al) */

struct guard_shell_word {
	char *text;   /* after quote removal; unresolved expansions kept as written */
	char *bare;   /* text with unresolved expansions removed (NULL unless DYNAMIC) */
	unsigned flags;
};

enum guard_redir_op {
	GUARD_REDIR_OUT,        /* >  >|  */
	GUARD_REDIR_APPEND,     /* >> */
	GUARD_REDIR_OUT_ALL,    /* &>  &>>  >&file */
	GUARD_REDIR_IN,         /* <  */
	GUARD_REDIR_RW,         /* <> */
	GUARD_REDIR_HEREDOC,    /* << and <<-: body holds the data */
	GUARD_REDIR_HERESTRING, /* <<< word */
	GUARD_REDIR_DUP         /* >&N  <&N  >&-  */
};

#define GUARD_REDIR_FD_NAMED 1000 /* fd of {NAME}>file: the shell picks one (10 and up) into $NAME */

struct guard_shell_redir {
	int fd;                       /* explicit fd, GUARD_REDIR_FD_NAMED, or -1 */
	char fd_name[32];             /* {NAME}>file: NAME (fd is GUARD_REDIR_FD_NAMED), else "" */
	bool dup_word;                /* written >&WORD with WORD not a number (op is OUT_ALL):
					 a dup when WORD expands to one (>&$fd) */
	enum guard_redir_op op;
	struct guard_shell_word target; /* file, fd, heredoc delimiter or here-string */
	char *body;                   /* heredoc body (NULL otherwise) */
	bool body_literal;            /* quoted delimiter: no expansion in body */
};

struct guard_shell_cmd {
	struct guard_shell_word *argv;
	size_t argc;
	struct guard_shell_word *assigns; /* VAR=value prefixes */
	size_t nassigns;
	struct guard_shell_redir *redirs;
	size_t nredirs;
	unsigned depth;      /* 0 top level; +1 per ( ), { }, $( ), `..` */
	unsigned pipeline;   /* id shared by the commands of one pipeline */
	unsigned pipe_pos;   /* 0 for the first command of its pipeline */
	bool piped_out;      /* stdout feeds the next command */
	bool background;     /* ended by & */
	bool substituted;    /* inside $( ), backticks or <( ) */
	const char *function;/* name of the function whose body this is, or NULL */
	bool defines_function; /* "name() ..." : argv[0] is the name */
	size_t compound_from; /* index + 1 of the first command of the loop, if,
				 case, group or subshell whose output this command
				 takes: redirected after its end (an empty command
				 holding the redirections) or piped into it; 0 none */
	size_t nknown;       /* variables known (sh->known_names) before this command */
	size_t alloc_argv, alloc_assigns, alloc_redirs;
};

/* Variables the parser may expand (others stay unresolved). */
struct guard_shell_vars {
	const char *home; /* $HOME and ~ */
	const char *pwd;  /* $PWD */
	/* values known from an enclosing line (a trap's action), or NULL */
	const struct guard_list *names, *values;
};

struct guard_shell {
	struct guard_shell_cmd *cmds;
	size_t ncmds;
	size_t alloc;
	size_t ntokens;
	size_t known_bytes;      /* of known_values */
	size_t expanded;         /* bytes of known values put into words */
	unsigned npipelines;
	bool unparsed;
	char *reason;            /* why unparsed (owned), or NULL */
	struct guard_list tokens;/* token texts, only when asked for */
	struct guard_list functions; /* names of functions defined */
	bool want_tokens;
	struct guard_list known_names;  /* variables assigned in the line */
	struct guard_list known_values;
	struct guard_list prompts; /* ${NAME@P} of values not known: bash expands them
				      as prompts, running the substitutions in them */
	struct guard_list namerefs; /* declare -n NAME: another variable's name,
				       so NAME's value is never known here */
	struct guard_list sets; /* "HOW\x1fNAME=VALUE" assigned by for/select,
				   arithmetic, let, mapfile, getopts, ${N:=V} or
				   declare -n (VALUE "\x01": not known here) */
};

/*
 * Parse src (len bytes). sh must have been zeroed (or released). Always
 * returns 0: failures are reported through sh->unparsed and sh->reason.
 * Set sh->want_tokens first to collect sh->tokens for an explanation.
 * Caller releases sh with guard_shell_release.
 */
int guard_shell_parse(struct guard_shell *sh, const char *src, size_t len,
		      const struct guard_shell_vars *vars);

void guard_shell_release(struct guard_shell *sh);

struct guard_buf;
/*
 * Append s (n bytes) with printf's backslash escapes decoded (zero_octal:
 * %b / echo -e, where octal is \0NNN). false when the text would hold a
 * NUL byte or stop output (\c).
 */
bool guard_shell_unescape(const char *s, size_t n, bool zero_octal, struct guard_buf *out);
/* The same, a NUL byte written as nul (not '\0') instead of failing. */
bool guard_shell_unescape_nul(const char *s, size_t n, bool zero_octal, char nul, struct guard_buf *out);

/*
 * s[open] and s[open + 1] are "((" (the "((" of $(( too): the index just
 * past the "))" when bash reads them as arithmetic, 0 when it reads them
 * as two nested "(" (a subshell, or a command substitution of one): the
 * ")" matching the second "(" must be followed at once by ")".
 */
/*
 * A prompt's value as bash has it before expanding it: \[ and \] dropped,
 * octal \NNN decoded, other escapes kept as written (bash's text for them
 * is quoted). false when text not known here (\D{..}) may join a $( ).
 */
bool guard_shell_prompt_decode(const char *v, struct guard_buf *out);
size_t guard_shell_arith_end(const char *s, size_t len, size_t open);
/* the same for $(( )): bash also checks its parentheses balance as arithmetic */
size_t guard_shell_dollar_arith_end(const char *s, size_t len, size_t open);

/* The command's pipeline predecessor in sh, or NULL. */
const struct guard_shell_cmd *guard_shell_prev_in_pipe(const struct guard_shell *sh,
							const struct guard_shell_cmd *c);

#endif
