/*
 * What every guard program shares on its side of the library line:
 * messages on stderr, checked stdout, the streaming filter loop.
 */
#ifndef GUARD_CLI_H
#define GUARD_CLI_H

#include <stdbool.h>

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

/* Print the last library error and return its exit status. */
int cli_fail(int rc);

/* Flush stdout; a write error (full disk, closed pipe) becomes exit 8. */
int cli_finish(int status);

void cli_version(void);

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
