/* Durations and RFC 3339 UTC timestamps. */
#ifndef GUARD_TIME_H
#define GUARD_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Parse a duration: "90" (seconds), "30s", "15m", "4h", "2d", "1w",
 * or a sum like "1h30m". *out in seconds. GUARD_EUSAGE on anything else
 * (negative, empty, unknown unit, overflow).
 */
int guard_duration_parse(const char *s, long long *out);

/* Format seconds back as the shortest such string ("1h30m", "0s"). */
void guard_duration_format(long long seconds, char *out, size_t size);

#define GUARD_TIME_LEN 25 /* "2026-11-21T03:04:05.678Z" + NUL */

/* Current time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void guard_time_now(char out[GUARD_TIME_LEN]);
/* The same, with the clock reading it was made from in *at (one reading for both). */
void guard_time_now_at(char out[GUARD_TIME_LEN], struct timespec *at);
void guard_time_format(const struct timespec *ts, char out[GUARD_TIME_LEN]);

/*
 * Parse RFC 3339 ("2026-11-21T03:04:05Z", fractional seconds and a
 * "+hh:mm" offset allowed) into UTC. GUARD_EUSAGE when malformed.
 */
int guard_time_parse(const char *s, struct timespec *out);

/*
 * The call's deadline (this thread): a hook must answer before the agent
 * stops waiting, and one that does not runs the call unrated (attack8 I12,
 * attack9 J17). The hook sets it when a call arrives; the secret scan and
 * the risk analysis (its walks, file reads, parts) stop and fail with
 * GUARD_EEXPIRED past it. ms 0: no deadline (a stream, a test, an explain).
 */
void guard_deadline_set(unsigned ms);
/* Move it later by ms (a wait for a person is not the call's own time). */
void guard_deadline_shift(double ms);
bool guard_deadline_past(void);

#endif
