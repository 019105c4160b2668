/* guard-audit's reading side: filters, query/export, stats, tail (they print). */
#ifndef GUARD_AUDIT_READ_H
#define GUARD_AUDIT_READ_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "guard_time.h"

struct audit_filter {
	const char *since, *until;          /* as given */
	const char *event, *tool, *risk, *decision, *session, *actor, *approval;
	char since_ts[GUARD_TIME_LEN], until_ts[GUARD_TIME_LEN]; /* normalised; "" for none */
	char from_day[11], to_day[11];      /* day files to read; "" for all */
};

enum audit_out { AUDIT_OUT_JSONL, AUDIT_OUT_TABLE, AUDIT_OUT_CSV, AUDIT_OUT_JSON };

/* Check and normalise since/until (RFC 3339 or YYYY-MM-DD; until a date means its whole day). */
int audit_filter_prepare(struct audit_filter *f);

/* Print the matching records; 0 or a negative GUARD_E*. */
int audit_query(const char *dir, const struct audit_filter *f, enum audit_out out);
int audit_stats(const char *dir, const struct audit_filter *f, bool json);
/*
 * report --html: the page (share/report/report.html) with the data of
 * the matching records, warning (may be NULL) shown on it. anomalies:
 * the same records' anomaly list, one JSON object a line.
 */
int audit_report(const char *dir, const struct audit_filter *f, const char *warning);
int audit_anomalies(const char *dir, const struct audit_filter *f);
/* The last n records, then new ones while follow; as query's table with table (on a terminal). */
int audit_tail(const char *dir, unsigned long n, bool follow, bool table);

#endif
