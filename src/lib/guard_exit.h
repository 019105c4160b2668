/*
 * The exit-code table shared by every guard program (DESIGN.md section 4).
 * Library functions return 0 or the negated code, so a program's exit
 * status is simply -rc.
 */
#ifndef GUARD_EXIT_H
#define GUARD_EXIT_H

enum guard_exit {
	GUARD_EXIT_OK = 0,        /* ok / allow / approved / verified */
	GUARD_EXIT_DENY = 1,      /* deny / rejected / violations / limit exceeded */
	GUARD_EXIT_USAGE = 2,     /* usage error, or input that cannot be parsed */
	GUARD_EXIT_PENDING = 3,   /* approval required / still pending */
	GUARD_EXIT_CONFLICT = 4,  /* already decided */
	GUARD_EXIT_NOTFOUND = 5,  /* unknown approval id, no session */
	GUARD_EXIT_EXPIRED = 6,   /* expired / timed out */
	GUARD_EXIT_POLICY = 7,    /* policy or configuration invalid */
	GUARD_EXIT_IO = 8         /* I/O or system failure */
};

/* Library error codes: the negated exit code. */
enum guard_err {
	GUARD_OK = 0,
	GUARD_EDENY = -GUARD_EXIT_DENY,
	GUARD_EUSAGE = -GUARD_EXIT_USAGE,
	GUARD_EPENDING = -GUARD_EXIT_PENDING,
	GUARD_ECONFLICT = -GUARD_EXIT_CONFLICT,
	GUARD_ENOTFOUND = -GUARD_EXIT_NOTFOUND,
	GUARD_EEXPIRED = -GUARD_EXIT_EXPIRED,
	GUARD_EPOLICY = -GUARD_EXIT_POLICY,
	GUARD_EIO = -GUARD_EXIT_IO
};

#endif
