/*
 * The library never prints or exits: a failing function records a message
 * here and returns a negative GUARD_E* code. Programs print
 * "progname: <guard_error_last()>".
 */
#ifndef GUARD_ERROR_H
#define GUARD_ERROR_H

#include "guard_exit.h"

/* Record a message (printf-style) and return code, for "return guard_error(...)". */
int guard_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The last message recorded in this thread; "" when there is none. */
const char *guard_error_last(void);

/* The code of the last recorded error; GUARD_OK when there is none. */
int guard_error_code(void);

void guard_error_clear(void);

/* The exit status for a library return code. */
static inline int guard_exit_status(int rc) { return rc < 0 ? -rc : 0; }

#endif
