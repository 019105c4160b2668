/*
 * guard-approve's side of the library line: what it prints (tables,
 * progress, reports). Key files are approve_key.h's.
 */
#ifndef APPROVE_VIEW_H
#define APPROVE_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "guard_approval.h"
#include "guard_types.h"

/* ---- list ---- */

struct approve_filter {
	const char *status;      /* "pending" by default; "all" for any */
	const char *tool;        /* glob */
	const char *requester;
	enum guard_level risk;   /* with risk_set: this level, or at least it with risk_plus */
	bool risk_set, risk_plus;
	long long older, newer;  /* seconds; 0: no bound */
	long limit, offset;      /* limit 0: all */
	char **args;             /* the verb's operands */
	size_t nargs;
};

void approve_filter_init(struct approve_filter *f);
void approve_filter_release(struct approve_filter *f);
void approve_args_add(struct approve_filter *f, char *arg);

/* Set the filter named by a long option ("status", "risk", ...). */
int approve_filter_option(struct approve_filter *f, const char *name, const char *value);

/* How list prints: the table, one compact request a line, or one pretty JSON array (--json). */
enum approve_form { APPROVE_TABLE, APPROVE_JSONL, APPROVE_JSON };

/* Print the matching requests, oldest first, in form. */
int approve_list(struct guard_approval_store *s, const struct approve_filter *f, enum approve_form form);

/* ---- one request ---- */

void approve_print_request(const cJSON *req, bool json);
void approve_print_decided(const cJSON *req, const char *who, bool signed_it);

/*
 * The answer for a state, as an outcome code: 0 approved, GUARD_EDENY
 * rejected or cancelled, GUARD_EPENDING, GUARD_ECONFLICT consumed,
 * GUARD_EEXPIRED.
 */
int approve_state_status(const char *state);

/* ---- wait ---- */

struct approve_progress {
	bool tty;
	char *last;   /* the state last printed */
	int drawn;    /* a bar is on the line */
};

void approve_progress_tick(const cJSON *req, const char *state, long long left, void *arg);
void approve_progress_done(struct approve_progress *p);

/* ---- verify ---- */

struct approve_verify {
	const struct guard_policy *policy;
	const struct guard_approval_config *cfg;
	const char *root;  /* the project: where its consumption markers are */
	int ok, bad;
};

/*
 * guard_approval_each callback: check every decision's signature, that
 * the file agrees with its last decision, and with its consumption marker.
 */
int approve_verify_one(cJSON *req, void *arg);

#endif
