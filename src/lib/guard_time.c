#include <ctype.h>
#include <limits.h>

#include "guard_error.h"
#include "guard_time.h"

static const struct { char unit; long long seconds; } units[] = {
	{ 'w', 604800 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

int
guard_duration_parse(const char *s, long long *out)
{
	long long total = 0;
	const char *p = s;

	if (!s || !*s)
		return guard_error(GUARD_EUSAGE, "empty duration");
	while (*p) {
		long long n = 0, mult = 0;
		if (!isdigit((unsigned char)*p))
			return guard_error(GUARD_EUSAGE, "bad duration '%s' (use e.g. 30s, 15m, 4h, 1h30m)", s);
		while (isdigit((unsigned char)*p)) {
			if (n > (LLONG_MAX - 9) / 10)
				return guard_error(GUARD_EUSAGE, "duration '%s' is too large", s);
			n = n * 10 + (*p++ - '0');
		}
		if (!*p && p == s + strspn(s, "0123456789")) {
			mult = 1; /* a bare number is seconds */
		} else {
			for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
				if (*p == units[i].unit)
					mult = units[i].seconds;
			if (!mult)
				return guard_error(GUARD_EUSAGE, "bad duration '%s': unknown unit '%c' (s, m, h, d, w)", s, *p);
			p++;
		}
		if (n > (LLONG_MAX - total) / mult)
			return guard_error(GUARD_EUSAGE, "duration '%s' is too large", s);
		total += n * mult;
	}
	*out = total;
	return 0;
}

void
guard_duration_format(long long seconds, char *out, size_t size)
{
	size_t len = 0;

	if (seconds <= 0) {
		snprintf(out, size, "0s");
		return;
	}
	out[0] = '\0';
	for (size_t i = 1; i < sizeof(units) / sizeof(units[0]); i++) { /* d h m s */
		long long n = seconds / units[i].seconds;
		if (!n)
			continue;
		seconds -= n * units[i].seconds;
		int w = snprintf(out + len, len < size ? size - len : 0, "%lld%c", n, units[i].unit);
		if (w > 0)
			len += (size_t)w;
	}
}

/* y-m-d of a day count from 1970-01-01 (H. Hinnant's civil_from_days, the inverse of days_from_civil below). */
static void
civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);                          /* [0, 146096] */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
	unsigned mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

void
guard_time_format(const struct timespec *ts, char out[GUARD_TIME_LEN])
{
	/*
	 * Not gmtime_r/strftime: the first call of either runs tzset, which
	 * reads /etc/localtime (seven system calls in every hook) for a UTC time.
	 */
	long long t = (long long)ts->tv_sec, days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), y;
	long long sec = t - days * 86400;
	unsigned m, d;
	size_t n;

	civil_from_days(days, &y, &m, &d);
	n = (size_t)snprintf(out, GUARD_TIME_LEN, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", y, m, d, sec / 3600,
			     sec / 60 % 60, sec % 60);
	if (n >= GUARD_TIME_LEN)
		n = GUARD_TIME_LEN - 1;
	snprintf(out + n, GUARD_TIME_LEN - n, ".%03uZ", (unsigned)(ts->tv_nsec / 1000000) % 1000u);
}

void
guard_time_now(char out[GUARD_TIME_LEN])
{
	struct timespec ts;

	guard_time_now_at(out, &ts);
}

void
guard_time_now_at(char out[GUARD_TIME_LEN], struct timespec *at)
{
	/* The date and time of day change once a second: format them once. */
	static _Thread_local char second[GUARD_TIME_LEN];
	static _Thread_local time_t second_of;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*at = ts;
	if (!second[0] || ts.tv_sec != second_of) {
		guard_time_format(&ts, second);
		second_of = ts.tv_sec;
	}
	memcpy(out, second, 20); /* "YYYY-MM-DDTHH:MM:SS" */
	snprintf(out + 19, GUARD_TIME_LEN - 19, ".%03uZ", (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

/*
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). A day past the month's end counts on
 * into the next month, as timegm(3) normalises it; timegm also converts
 * through the time zone machinery and was a seventh of a 10,000-request
 * list.
 */
static long long
days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;                               /* [0, 399] */
	long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;       /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

int
guard_time_parse(const char *s, struct timespec *out)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	long nsec = 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' ') || !*p++ ||
	    digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &sec))
		goto bad;
	if (*p == '.') {
		long scale = 100000000;
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			nsec += scale ? (*p - '0') * scale : 0;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
			goto bad;
		oh *= sign, om *= sign;
	} else {
		goto bad;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		goto bad;
	out->tv_sec = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - (time_t)oh * 3600 -
		      (time_t)om * 60;
	out->tv_nsec = nsec;
	return 0;
bad:
	return guard_error(GUARD_EUSAGE, "bad time '%s' (want RFC 3339, e.g. 2026-11-21T03:04:05Z)", s);
}

static _Thread_local struct timespec deadline; /* CLOCK_MONOTONIC; tv_sec 0: none */

/* ts moved by ms (may be fractional), normalised. */
static void
add_ms(struct timespec *ts, double ms)
{
	long long ns = (long long)ts->tv_nsec + (long long)(ms * 1e6);

	ts->tv_sec += (time_t)(ns / 1000000000LL);
	ts->tv_nsec = (long)(ns % 1000000000LL);
	if (ts->tv_nsec < 0) {
		ts->tv_sec--;
		ts->tv_nsec += 1000000000L;
	}
}

void
guard_deadline_set(unsigned ms)
{
	memset(&deadline, 0, sizeof(deadline));
	if (!ms)
		return;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	add_ms(&deadline, ms);
}

void
guard_deadline_shift(double ms)
{
	if (deadline.tv_sec && ms > 0)
		add_ms(&deadline, ms);
}

bool
guard_deadline_past(void)
{
	struct timespec now;

	if (!deadline.tv_sec)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}
