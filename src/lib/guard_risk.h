/*
 * Risk analysis (DESIGN.md section 6): the tool table, MCP annotations,
 * the shell analyzer, Kubernetes rules, path sensitivity and the policy's
 * command entries, combined into one rating.
 */
#ifndef GUARD_RISK_H
#define GUARD_RISK_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "guard_buf.h"
#include "guard_list.h"
#include "guard_policy.h"
#include "guard_types.h"

struct guard_risk {
	enum guard_level level;
	char cls;                  /* R W D X of the highest-rated part */
	struct guard_list reasons; /* every reason, in order found */
	struct guard_list targets; /* paths written, moved or deleted (display form) */
	struct guard_list reads;   /* paths only read (display form) */
	struct guard_list hosts;   /* network hosts reached */
	struct guard_list creates; /* targets that did not exist: files made new (display form) */
	struct guard_list files;   /* "sha256:HEX PATH", "absent PATH" or "unreadable PATH": files
				      the rating read or the command runs (an approval binds them);
				      "remote WHAT": content fetched when it runs (no approval holds) */
	bool unparsed;             /* part of the input could not be analysed */
};

struct guard_risk_ctx {
	const struct guard_risk_config *cfg;
	const char *cwd;           /* absolute; where relative paths start */
	const char *project;       /* canonical project root */
	const char *home;          /* for "~" */
	struct guard_buf *explain; /* when not NULL, the step-by-step analysis */
};

void guard_risk_init(struct guard_risk *r);
void guard_risk_release(struct guard_risk *r);

/*
 * Is the file (display as given, abs resolved) a secret by the policy's
 * sensitive_paths or in guard's keys folder? (What `cat FILE` is denied for.)
 */
bool guard_risk_path_secret(const struct guard_risk_ctx *ctx, const char *display, const char *abs);

/* Rate one shell command line. */
int guard_risk_command(const struct guard_risk_ctx *ctx, const char *command, struct guard_risk *out);

/* Rate one event by its tool and input. */
int guard_risk_rate(const struct guard_risk_ctx *ctx, const cJSON *event, struct guard_risk *out);

/*
 * The risk as the event's "risk" object: {level, class, reasons,
 * targets} plus reads, hosts, creates, files and unparsed when not empty.
 */
cJSON *guard_risk_to_json(const struct guard_risk *r);

/* Rate the event and set its "risk" key (replacing any present). */
int guard_risk_event(const struct guard_risk_ctx *ctx, cJSON *event);

/*
 * For a stream of events (this thread): the analyzer's looks at the file
 * system (stat, access, a folder listed, a Makefile read) are kept and
 * reused within the same second, as guard_path_resolve's realpath is.
 * Off by default: one call (a hook, a test, an explain) always looks now.
 */
void guard_risk_memo_stream(bool on);
/* stat(2) through that memory (a plain stat(2) when it is off), for the MCP arguments' names. */
struct stat;
int guard_risk_memo_stat(const char *path, struct stat *sb);

#endif
