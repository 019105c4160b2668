/*
 * What guard-audit report --html shows and stats --anomalies prints,
 * built from audit records fed one at a time (in the log's order).
 *
 * A decision and the tool.result that followed it (same session and
 * input_digest) make one call. The anomaly list is one function for both
 * the page and the JSONL:
 *
 *   call_spike     a minute of a session with at least 3x and at least
 *                  10 more calls than the session's baseline (the median
 *                  calls a minute over its active minutes; a session needs
 *                  3 active minutes to have one)
 *   denial_spike   the same for denials (3x and 5 more than the median
 *                  denials a minute)
 *   repeated_denial the same action (input_digest, else tool and summary)
 *                  denied 2 times or more in a session
 *   outside_window records of a session before its session.start or
 *                  after its session.end
 *
 * Each anomaly: {kind, session, from, to, count, baseline (spikes),
 * minutes (spikes), tool and summary (repeated_denial), seqs (the
 * records', at most GUARD_REPORT_SEQS_MAX)}. Consecutive spiking minutes
 * are one anomaly. Records of no session are judged together as session
 * "-" (an agent that leaves out its session id hides nothing).
 */
#ifndef GUARD_AUDIT_REPORT_H
#define GUARD_AUDIT_REPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define GUARD_REPORT_SUMMARY_MAX 96   /* bytes of an input summary kept in the page */
#define GUARD_REPORT_SEQS_MAX 1000    /* seqs named by one anomaly */
#define GUARD_REPORT_CALL_SPIKE_MIN 10
#define GUARD_REPORT_DENIAL_SPIKE_MIN 5

struct guard_report;

struct guard_report *guard_report_new(void);
void guard_report_free(struct guard_report *r);

/* Take one record (an object as the log holds it; nothing of it is kept). */
void guard_report_add(struct guard_report *r, const cJSON *rec);

/* The anomalies, oldest first: a new array the caller deletes. */
cJSON *guard_report_anomalies(const struct guard_report *r);

/*
 * The page's data (its format is described in share/report/report.html),
 * as JSON in which '<', '>', '&', U+2028 and U+2029 are \u escapes and a
 * byte that is not UTF-8 is U+FFFD, so it can stand inside a <script>
 * block whatever the records hold. warning (may be NULL) is shown on the
 * page. malloc'd.
 */
char *guard_report_json(const struct guard_report *r, const char *warning);

/* Sort v ascending; its nearest-rank p-th percentile (n > 0): stats and the report agree. */
void guard_sort_doubles(double *v, size_t n);
double guard_percentile(const double *sorted, size_t n, double p);

/* A growing list of numbers (durations), for their percentiles. */
struct guard_samples {
	double *v;
	size_t n, a;
};
#define GUARD_SAMPLES_INIT { NULL, 0, 0 }
void guard_samples_add(struct guard_samples *s, double x);
/* The number at data.KEY of an audit record, or -1 when there is none or it is negative. */
double guard_record_data_ms(const cJSON *rec, const char *key);

#endif
