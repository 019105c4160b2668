/*
 * What every guard program shares on its side of the library line:
 * messages on stderr, checked stdout, the streaming filter loop.
 */
#ifndef GUARD_CLI_H
#define GUARD_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "guard_adapter.h"
#include "guard_stage.h"

extern const char *cli_progname;

/* Name the program and route cJSON's allocations through guard_xmalloc. */
void cli_init(const char *progname);

/*
 * Between these, cJSON allocates from large chunks and frees nothing;
 * cli_bulk_end releases every tree parsed since at once (so the caller
 * must not use them after, nor delete them).
 */
void cli_bulk_begin(void);
void cli_bulk_end(void);

/* Whether bulk allocation is in effect (not under ASan, which checks every free). */
bool cli_bulk_on(void);

/*
 * Between these, cJSON allocates from a reused arena (big requests still
 * go to the heap); cli_arena_begin empties it, so every tree made under
 * the previous begin must be deleted (or dropped) by then. For one event
 * or record at a time: a few dozen mallocs and frees saved per line.
 */
void cli_arena_begin(void);
void cli_arena_end(void);
/* Free the calling thread's arena (a thread that used one, before it ends). */
void cli_arena_release(void);

/* "progname: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line of text for a terminal, what the arguments name shown escaped (cli_error's way); the newline is added. */
void cli_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_vline(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* s on stdout with GitHub's workflow-command escapes: data, or a property (also ':' and ','). */
void cli_github_escaped(const char *s, bool property);

/* s as a person's terminal should get it (guard_buf_add_visible: a name of the agent's cannot move the cursor), malloc'd. */
char *cli_visible(const char *s);

/* JSON text as one line on stdout, the code points that reorder or hide text escaped (guard_buf_add_json_shown). */
void cli_json_line(const char *json);

/* Print the last library error and return its exit status. */
int cli_fail(int rc);

/* Flush stdout; a write error (full disk, closed pipe) becomes exit 8. */
int cli_finish(int status);

void cli_version(void);

/*
 * A program is a table of verbs, as git's commands[]: one entry per verb,
 * one dispatch, per-verb help from the table. fn gets the verb's own
 * argv (argv[0] is the verb) and returns 0 or a negative GUARD_E* (an
 * outcome too: GUARD_EDENY for violations found, GUARD_EPENDING for
 * still pending). On an error the library's last message is printed for
 * it; a verb returning an outcome clears any message it handled
 * (guard_error_clear). Only cli_dispatch maps the result to an exit
 * status.
 */
struct cli_command {
	const char *name;                   /* the verb; NULL ends the table */
	int (*fn)(int argc, char **argv);
	unsigned flags;
	const char *usage;                  /* what follows the verb: "ID [--as WHO]" */
	const char *help;                   /* one line */
};

/* The verb decides, erases or speaks for a person (share/doc/trust.md). */
#define CLI_HUMAN 0x01
/* The verb's arguments are its own: "--help" among them is not taken as a help request. */
#define CLI_RAW 0x02
/*
 * An agent's hook: CLI_RAW, and its status stands even when stdout fails
 * (the verb flushes and says so itself): a mis-wired or failing hook must
 * still block with its own code, not turn into another.
 */
#define CLI_HOOK (0x04 | CLI_RAW)

/*
 * Run the verb argv[1] of cmds: "PROG VERB --help" prints the verb's
 * usage, "PROG --help" / "help" every verb, "--version" the version; an
 * unknown or missing verb is a usage error listing the verbs. Returns the
 * exit status, stdout flushed and checked. summary: the text under
 * "usage:" in the full help. When the entry that ends the table has an
 * fn, a verb not in the table goes to it (guard runs guard-VERB so).
 */
int cli_dispatch(const struct cli_command *cmds, const char *summary, int argc, char **argv);

/* The candidate closest to word, for "did you mean" (guard_suggest); NULL when none is close. */
const char *cli_closest(const char *word, const char *const *candidates);

struct option;
/*
 * getopt_long returned '?' (with opterr = 0): say what was wrong in one
 * line, "unknown option '--polcy' (did you mean --policy?)" or
 * "option '--policy' needs a value", and return the usage exit status.
 */
int cli_bad_option(char **argv, const struct option *opts);

/* An option's FILE must exist: 0, or the error said and exit 5 (not found). */
int cli_need_file(const char *option, const char *path);

/*
 * The program prog beside this executable (malloc'd) when it is there and
 * executable, else NULL (the caller falls back to $PATH).
 */
char *cli_sibling(const char *prog);

/* Whether fd is a terminal that takes escape codes (TERM set and not "dumb"). */
bool cli_terminal(int fd);

/* Colour on fd: cli_terminal, and NO_COLOR unset or empty (no-color.org). */
bool cli_color(int fd);

/*
 * A listing verb's form, the same for every program: the table when
 * --table was given, JSON when --json was, else the table on a terminal
 * and JSON (Lines, unless the verb documents one array) in a pipe. Colour
 * is a separate question (cli_color: NO_COLOR, TERM=dumb).
 */
bool cli_table_out(bool json, bool table);

/* The SGR code for a decision or state word ("deny", "rejected", ...), "" for none. */
const char *cli_color_of(const char *word);

/* The full help of a program's table, to f. */
void cli_usage(FILE *f, const struct cli_command *cmds, const char *summary);

/*
 * Run stage over JSON Lines on stdin, one event out per event in. An agent
 * payload is normalised first (as agent). A line that cannot be parsed
 * or staged becomes a deny event on stdout and an error on stderr, and the
 * stream goes on. Returns the exit status: 0, or 2 when any line was bad,
 * 8 on an output failure.
 */
int cli_filter(struct guard_stages *s, int (*stage)(struct guard_stages *, cJSON *),
	       enum guard_agent agent);

/* Read one event (or agent payload) from stdin, bounded; completes it. */
int cli_read_one(enum guard_agent agent, cJSON **out);

/* Build a Bash event for a command line, run from cwd (NULL: here). */
cJSON *cli_command_event(const char *command, const char *cwd);

#endif
