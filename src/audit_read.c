#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_read.h"
#include "cli.h"
#include "guard_audit.h"
#include "guard_audit_report.h"
#include "guard_error.h"
#include "guard_buf.h"
#include "guard_list.h"
#include "guard_suggest.h"
#include "guard_policy.h"
#include "guard_types.h"

static int
normalise(const char *in, bool end_of_day, char out[GUARD_TIME_LEN], char day[11])
{
	struct timespec ts;
	char buf[40];

	if (strlen(in) == 10) {
		snprintf(buf, sizeof(buf), "%sT%s", in, end_of_day ? "23:59:59.999Z" : "00:00:00Z");
		in = buf;
	}
	if (guard_time_parse(in, &ts) < 0)
		return guard_error(GUARD_EUSAGE, "'%s' is not a time (RFC 3339 or YYYY-MM-DD)", in);
	guard_time_format(&ts, out);
	memcpy(day, out, 10);
	day[10] = '\0';
	return 0;
}

/* A filter value that must be one of names: else exit 2 naming them, with a "did you mean". */
static int
one_of(const char *opt, const char *what, const char *v, const char *const *names)
{
	struct guard_buf list = GUARD_BUF_INIT;
	const char *hint;
	int rc;

	if (!v)
		return 0;
	for (const char *const *n = names; *n; n++)
		if (!strcmp(v, *n))
			return 0;
	for (const char *const *n = names; *n; n++)
		guard_buf_addf(&list, "%s%s", n == names ? "" : ", ", *n);
	hint = guard_suggest(v, names);
	rc = guard_error(GUARD_EUSAGE, "%s '%s' is not %s (%s)%s%s%s", opt, v, what, list.buf,
			 hint ? ", did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
	guard_buf_release(&list);
	return rc;
}

/* Event names guard itself writes: a filter a letter or two from one is a typo. */
static const char *const known_events[] = {
	"decision", "tool.result", "approval.required", "approval.status_changed", "session.start",
	"session.end", "session.terminate", "audit.torn", "audit.pruned", NULL,
};

int
audit_filter_prepare(struct audit_filter *f)
{
	int rc;

	if ((rc = one_of("--risk", "a risk level", f->risk, guard_level_names)) < 0 ||
	    (rc = one_of("--decision", "a decision effect", f->decision, guard_effect_names)) < 0)
		return rc;
	if (f->event) {
		const char *hint = guard_suggest(f->event, known_events);
		if (guard_audit_event_name_check(f->event) < 0)
			return guard_error(GUARD_EUSAGE, "--event: %s", guard_error_last());
		for (const char *const *n = known_events; hint && *n; n++)
			if (!strcmp(*n, f->event))
				hint = NULL;
		if (hint)
			cli_error("warning: --event '%s' is no event guard writes, did you mean '%s'?", f->event, hint);
	}

	if (f->since && (rc = normalise(f->since, false, f->since_ts, f->from_day)) < 0)
		return rc;
	if (f->until && (rc = normalise(f->until, true, f->until_ts, f->to_day)) < 0)
		return rc;
	return 0;
}

static const char *
str_at(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *
str_in(const cJSON *o, const char *k, const char *k2)
{
	return str_at(cJSON_GetObjectItemCaseSensitive(o, k), k2);
}

static bool
eq(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

/* A cheap test before parsing: a wanted value must appear as a JSON string somewhere. */
static bool
may_match(const struct audit_filter *f, const char *line, size_t len)
{
	const char *const wanted[] = { f->event, f->tool, f->session, f->decision, f->risk };
	char pat[256];

	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (!wanted[i])
			continue;
		int n = snprintf(pat, sizeof(pat), "\"%s\"", wanted[i]);
		if (n > 0 && (size_t)n < sizeof(pat) && !memmem(line, len, pat, (size_t)n))
			return false;
	}
	return true;
}

/* Members are looked up only for the filters given: each lookup walks the record's keys. */
static bool
matches(const struct audit_filter *f, const cJSON *r)
{
	if (*f->since_ts || *f->until_ts) {
		const char *ts = str_at(r, "ts");
		if (*f->since_ts && (!ts || strcmp(ts, f->since_ts) < 0))
			return false;
		if (*f->until_ts && (!ts || strcmp(ts, f->until_ts) > 0))
			return false;
	}
	if (f->approval && !eq(f->approval, str_in(r, "approval", "status")) &&
	    !eq(f->approval, str_in(r, "approval", "id")))
		return false;
	return (!f->event || eq(f->event, str_at(r, "event"))) && (!f->tool || eq(f->tool, str_at(r, "tool"))) &&
	       (!f->risk || eq(f->risk, str_in(r, "risk", "level"))) &&
	       (!f->decision || eq(f->decision, str_in(r, "decision", "effect"))) &&
	       (!f->session || eq(f->session, str_at(r, "session"))) &&
	       (!f->actor || eq(f->actor, str_in(r, "actor", "user")));
}

/*
 * Call fn for each record that matches (line and its parse); stop on a
 * negative return. A line that does not parse is skipped with a warning
 * naming it (verify is the tool that judges it).
 */
static int
each_record(const char *dir, const struct audit_filter *f,
	    int (*fn)(void *arg, const char *line, size_t len, const cJSON *rec), void *arg)
{
	struct guard_list names = GUARD_LIST_INIT;
	int rc;

	if ((rc = guard_audit_files(dir, *f->from_day ? f->from_day : NULL, *f->to_day ? f->to_day : NULL, &names)) < 0)
		return rc;
	for (size_t i = 0; i < names.len && rc >= 0; i++) {
		struct guard_audit_file af = GUARD_AUDIT_FILE_INIT;
		const char *line;
		size_t len;
		bool complete;
		if ((rc = guard_audit_file_open(&af, dir, names.items[i])) < 0)
			break;
		while (rc >= 0 && guard_audit_file_next(&af, &line, &len, &complete) > 0) {
			if (!may_match(f, line, len))
				continue;
			/* Parsed into the arena (emptied at the next record); fn runs on the heap. */
			cli_arena_begin();
			cJSON *rec = cJSON_ParseWithLength(line, len);
			cli_arena_end();
			if (!cJSON_IsObject(rec)) {
				cli_error("warning: %s:%lu: not a record, skipped (run guard-audit verify)", af.path, af.lineno);
			} else if (matches(f, rec)) {
				rc = fn(arg, line, len, rec);
			}
			cJSON_Delete(rec);
		}
		guard_audit_file_close(&af);
	}
	guard_list_clear(&names);
	return rc;
}

/* ---------------------------------------------------------------- query, export */

struct qstate {
	enum audit_out out;
	unsigned long n;
	bool color; /* the effect coloured (a terminal, NO_COLOR unset) */
	bool tty;   /* stdout a terminal: JSON shown with its invisible code points escaped */
};

/* A record's line as JSON: as it is, or on a terminal with nothing of the agent's that moves the cursor or reorders text. */
static void
json_line(const struct qstate *q, const char *line, size_t len)
{
	struct guard_buf b = GUARD_BUF_INIT;

	if (!q->tty) {
		fwrite(line, 1, len, stdout);
		return;
	}
	guard_buf_add_json_shown(&b, line, len);
	fwrite(b.buf, 1, b.len, stdout);
	guard_buf_release(&b);
}

/*
 * One CSV cell. A text cell beginning with = + - @ tab or CR is a formula
 * to a spreadsheet (=HYPERLINK(...) in a command the agent ran): it gets
 * a leading ' (OWASP's advice), so it is shown as text, never run. text
 * is false for the cells guard makes from numbers.
 */
static void
csv_cell(const char *s, bool text, bool last)
{
	bool formula;

	if (!s)
		s = "";
	formula = text && *s && strchr("=+-@\t\r", *s);
	if (formula || strpbrk(s, ",\"\n\r")) {
		putchar('"');
		if (formula)
			putchar('\'');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
	putchar(last ? '\n' : ',');
}

/* s (or dflt when NULL), at most size-1 bytes, each control byte (and DEL) shown as '?'. */
static const char *
shown(const char *s, const char *dflt, char *buf, size_t size)
{
	size_t n = 0;

	unsigned cp;

	for (s = s ? s : dflt; *s && n + 1 < size; n++) {
		size_t k = guard_utf8_invisible(s, &cp);
		buf[n] = k || (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
		s += k ? k : 1;
	}
	buf[n] = '\0';
	return buf;
}

static const char *
num_text(const cJSON *v, char *buf, size_t size)
{
	if (cJSON_IsNumber(v)) {
		snprintf(buf, size, "%.15g", v->valuedouble);
		return buf;
	}
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	return "";
}

static void
table_header(void)
{
	printf("%-24s %7s  %-18s %-10s %-8s %-6s %s\n", "TS", "SEQ", "EVENT", "TOOL", "RISK", "EFFECT", "SUMMARY");
}

static int
print_one(void *arg, const char *line, size_t len, const cJSON *r)
{
	struct qstate *q = arg;
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(r, "data");
	char seq[32], dur[32], succ[8], erased[16];

	switch (q->out) {
	case AUDIT_OUT_JSONL:
		json_line(q, line, len);
		putchar('\n');
		break;
	case AUDIT_OUT_JSON:
		fputs(q->n ? ",\n" : "[\n", stdout);
		json_line(q, line, len);
		break;
	case AUDIT_OUT_TABLE: {
		/* a terminal shows the table: no control byte of the agent's reaches it */
		char ts[64], ev[128], tool[128], risk[32], eff[32], sum[64];
		const char *c = q->color ? cli_color_of(str_in(r, "decision", "effect")) : "";
		printf("%-24s %7s  %-18s %-10s %-8s %s%s%s%-6s%s %s\n", shown(str_at(r, "ts"), "-", ts, sizeof(ts)),
		       num_text(cJSON_GetObjectItemCaseSensitive(r, "seq"), seq, sizeof(seq)),
		       shown(str_at(r, "event"), "(null)", ev, sizeof(ev)), shown(str_at(r, "tool"), "-", tool, sizeof(tool)),
		       shown(str_in(r, "risk", "level"), "-", risk, sizeof(risk)), *c ? "\033[" : "", c, *c ? "m" : "",
		       shown(str_in(r, "decision", "effect"), "-", eff, sizeof(eff)), *c ? "\033[0m" : "",
		       shown(str_at(r, "summary"), "", sum, 61));
		break;
	}
	case AUDIT_OUT_CSV:
		snprintf(erased, sizeof(erased), "%d", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "erased")));
		snprintf(succ, sizeof(succ), "%s", num_text(cJSON_GetObjectItemCaseSensitive(data, "success"), succ, sizeof(succ)));
		csv_cell(num_text(cJSON_GetObjectItemCaseSensitive(r, "seq"), seq, sizeof(seq)), false, false);
		csv_cell(str_at(r, "ts"), true, false);
		csv_cell(str_at(r, "event"), true, false);
		csv_cell(str_at(r, "session"), true, false);
		csv_cell(str_in(r, "actor", "user"), true, false);
		csv_cell(str_at(r, "tool"), true, false);
		csv_cell(str_in(r, "risk", "level"), true, false);
		csv_cell(str_in(r, "decision", "effect"), true, false);
		csv_cell(str_in(r, "decision", "rule"), true, false);
		csv_cell(str_in(r, "approval", "status"), true, false);
		csv_cell(str_at(r, "summary"), true, false);
		csv_cell(succ, false, false);
		csv_cell(num_text(cJSON_GetObjectItemCaseSensitive(data, "duration_ms"), dur, sizeof(dur)), false, false);
		csv_cell(erased, false, false);
		csv_cell(str_at(r, "hash"), true, true);
		break;
	}
	q->n++;
	return ferror(stdout) ? guard_error(GUARD_EIO, "cannot write output: %s", strerror(errno)) : 0;
}

int
audit_query(const char *dir, const struct audit_filter *f, enum audit_out out)
{
	struct qstate q = { out, 0, cli_color(STDOUT_FILENO), isatty(STDOUT_FILENO) };
	static char obuf[1 << 16];
	int rc;

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (out == AUDIT_OUT_TABLE)
		table_header();
	if (out == AUDIT_OUT_CSV)
		puts("seq,ts,event,session,actor,tool,risk,decision,rule,approval,summary,success,duration_ms,erased,hash");
	rc = each_record(dir, f, print_one, &q);
	if (out == AUDIT_OUT_JSON)
		puts(q.n ? "\n]" : "[]");
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- stats */

struct counter {
	cJSON *by; /* object: name -> count */
};

struct sstate {
	cJSON *event, *tool, *risk, *decision, *day, *session;
	unsigned long records, ok, failed;
	struct guard_samples dur;  /* tool.result duration_ms */
	struct guard_samples hook; /* hook_ms: guard's own time per hook call */
};

static void
bump(cJSON *obj, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key ? key : "-");
	if (v)
		cJSON_SetNumberValue(v, v->valuedouble + 1);
	else
		cJSON_AddNumberToObject(obj, key ? key : "-", 1);
}

static int
stat_one(void *arg, const char *line, size_t len, const cJSON *r)
{
	struct sstate *s = arg;
	const char *ts = str_at(r, "ts"), *event = str_at(r, "event");
	char day[11] = "-";

	(void)line;
	(void)len;
	if (ts && strlen(ts) >= 10)
		snprintf(day, sizeof(day), "%.10s", ts);
	s->records++;
	double hook = guard_record_data_ms(r, "hook_ms");
	if (hook >= 0)
		guard_samples_add(&s->hook, hook);
	bump(s->event, event);
	bump(s->day, day);
	bump(s->session, str_at(r, "session"));
	if (event && !strcmp(event, "decision")) {
		bump(s->tool, str_at(r, "tool"));
		bump(s->risk, str_in(r, "risk", "level"));
		bump(s->decision, str_in(r, "decision", "effect"));
	}
	if (event && !strcmp(event, "tool.result")) {
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(r, "data");
		double d = guard_record_data_ms(r, "duration_ms");
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data, "success")))
			s->ok++;
		else
			s->failed++;
		if (d >= 0)
			guard_samples_add(&s->dur, d);
	}
	return 0;
}

static void
print_counts(const char *title, const cJSON *obj)
{
	const cJSON *c;
	char name[256];

	printf("%s:\n", title);
	cJSON_ArrayForEach(c, obj) /* a tool or session name is the agent's: shown, never obeyed */
		printf("  %-36s %10.0f\n", shown(c->string, "", name, sizeof(name)), c->valuedouble);
}

int
audit_stats(const char *dir, const struct audit_filter *f, bool json)
{
	struct sstate s = { 0 };
	cJSON *all = cJSON_CreateObject(), *res;
	int rc;

	s.event = cJSON_AddObjectToObject(all, "by_event");
	s.tool = cJSON_AddObjectToObject(all, "by_tool");
	s.risk = cJSON_AddObjectToObject(all, "by_risk");
	s.decision = cJSON_AddObjectToObject(all, "by_decision");
	s.day = cJSON_AddObjectToObject(all, "by_day");
	s.session = cJSON_AddObjectToObject(all, "by_session");
	if ((rc = each_record(dir, f, stat_one, &s)) < 0) {
		cJSON_Delete(all);
		free(s.dur.v);
		free(s.hook.v);
		return rc;
	}
	cJSON_AddNumberToObject(all, "records", (double)s.records);
	res = cJSON_AddObjectToObject(all, "tool_results");
	cJSON_AddNumberToObject(res, "success", (double)s.ok);
	cJSON_AddNumberToObject(res, "failure", (double)s.failed);
	if (s.ok + s.failed)
		cJSON_AddNumberToObject(res, "success_rate", round(1000.0 * (double)s.ok / (double)(s.ok + s.failed)) / 1000);
	if (s.dur.n) {
		guard_sort_doubles(s.dur.v, s.dur.n);
		cJSON_AddNumberToObject(res, "duration_ms_p50", guard_percentile(s.dur.v, s.dur.n, 50));
		cJSON_AddNumberToObject(res, "duration_ms_p95", guard_percentile(s.dur.v, s.dur.n, 95));
	}
	res = cJSON_AddObjectToObject(all, "hook_latency");
	cJSON_AddNumberToObject(res, "calls", (double)s.hook.n);
	if (s.hook.n) {
		guard_sort_doubles(s.hook.v, s.hook.n);
		cJSON_AddNumberToObject(res, "ms_p50", guard_percentile(s.hook.v, s.hook.n, 50));
		cJSON_AddNumberToObject(res, "ms_p95", guard_percentile(s.hook.v, s.hook.n, 95));
	}
	if (json) {
		char *text = cJSON_PrintUnformatted(all);
		puts(text);
		cJSON_free(text);
	} else {
		printf("records: %lu\n", s.records);
		print_counts("by event", s.event);
		print_counts("decisions by tool", s.tool);
		print_counts("decisions by risk", s.risk);
		print_counts("decisions by effect", s.decision);
		print_counts("by day", s.day);
		print_counts("by session", s.session);
		printf("tool results: %lu succeeded, %lu failed", s.ok, s.failed);
		if (s.ok + s.failed)
			printf(" (%.1f%% success)", 100.0 * (double)s.ok / (double)(s.ok + s.failed));
		putchar('\n');
		if (s.dur.n)
			printf("duration: p50 %.0f ms, p95 %.0f ms (%zu results)\n", guard_percentile(s.dur.v, s.dur.n, 50),
			       guard_percentile(s.dur.v, s.dur.n, 95), s.dur.n);
		if (s.hook.n)
			printf("hook latency (guard's own time): p50 %.2f ms, p95 %.2f ms (%zu hook calls)\n",
			       guard_percentile(s.hook.v, s.hook.n, 50), guard_percentile(s.hook.v, s.hook.n, 95), s.hook.n);
	}
	cJSON_Delete(all);
	free(s.dur.v);
	free(s.hook.v);
	return 0;
}

/* ---------------------------------------------------------------- report, anomalies */

/* The page: share/report/report.html, compiled in (src/report_html.S). */
extern const char guard_report_template[];
#define REPORT_DATA_MARK "@@GUARD_REPORT_DATA@@"
#define REPORT_HASH_MARK "@@GUARD_REPORT_SCRIPT_HASH@@"

static int
report_one(void *arg, const char *line, size_t len, const cJSON *rec)
{
	(void)line;
	(void)len;
	guard_report_add(arg, rec);
	return 0;
}

static struct guard_report *
report_read(const char *dir, const struct audit_filter *f, int *rc)
{
	struct guard_report *r = guard_report_new();

	if ((*rc = each_record(dir, f, report_one, r)) < 0) {
		guard_report_free(r);
		return NULL;
	}
	return r;
}

/*
 * The page's Content-Security-Policy allows one script, named by the
 * SHA-256 of its text (the template's only executable script, after the
 * data): a script element or handler that got into the page any other
 * way would not run. Written into the template at its mark.
 */
static int
script_hash(const char *after_data, char b64[64])
{
	const char *open = strstr(after_data, "<script>"), *close;
	unsigned char h[crypto_hash_sha256_BYTES];

	if (!open || !(close = strstr(open, "</script>")))
		return guard_error(GUARD_EIO, "the report template has no script after its data");
	open += strlen("<script>");
	crypto_hash_sha256(h, (const unsigned char *)open, (unsigned long long)(close - open));
	sodium_bin2base64(b64, 64, h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int
audit_report(const char *dir, const struct audit_filter *f, const char *warning)
{
	const char *csp = strstr(guard_report_template, REPORT_HASH_MARK);
	const char *mark = strstr(guard_report_template, REPORT_DATA_MARK);
	struct guard_report *r;
	char *data, hash[64];
	int rc;

	if (!mark || !csp || csp > mark)
		return guard_error(GUARD_EIO, "the report template lacks %s or %s", REPORT_HASH_MARK, REPORT_DATA_MARK);
	if ((rc = script_hash(mark + strlen(REPORT_DATA_MARK), hash)) < 0)
		return rc;
	if (!(r = report_read(dir, f, &rc)))
		return rc;
	data = guard_report_json(r, warning);
	guard_report_free(r);
	fwrite(guard_report_template, 1, (size_t)(csp - guard_report_template), stdout);
	fputs(hash, stdout);
	csp += strlen(REPORT_HASH_MARK);
	fwrite(csp, 1, (size_t)(mark - csp), stdout);
	fputs(data, stdout);
	fputs(mark + strlen(REPORT_DATA_MARK), stdout);
	free(data);
	return ferror(stdout) ? guard_error(GUARD_EIO, "cannot write output: %s", strerror(errno)) : 0;
}

int
audit_anomalies(const char *dir, const struct audit_filter *f)
{
	cJSON *list, *a;
	int rc;
	struct guard_report *r = report_read(dir, f, &rc);

	if (!r)
		return rc;
	list = guard_report_anomalies(r);
	guard_report_free(r);
	cJSON_ArrayForEach(a, list) {
		char *text = cJSON_PrintUnformatted(a);
		puts(text);
		cJSON_free(text);
	}
	cJSON_Delete(list);
	return ferror(stdout) ? guard_error(GUARD_EIO, "cannot write output: %s", strerror(errno)) : 0;
}

/* ---------------------------------------------------------------- tail */

/* tail's lines: as they are, or (on a terminal) as query's table */
static struct qstate tail_q;

static void
tail_line(const char *line, size_t len)
{
	cJSON *r;

	if (tail_q.out != AUDIT_OUT_TABLE || !(r = cJSON_ParseWithLength(line, len))) {
		json_line(&tail_q, line, len);
		putchar('\n');
		return;
	}
	print_one(&tail_q, line, len, r);
	cJSON_Delete(r);
}

/* Print the complete lines of path from *off on; *off moves past them. */
static void
print_from(const char *path, off_t *off)
{
	FILE *fp = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!fp)
		return;
	fseeko(fp, *off, SEEK_SET);
	while ((n = getline(&line, &cap, fp)) > 0 && line[n - 1] == '\n') {
		tail_line(line, (size_t)n - 1);
		*off += n;
	}
	free(line);
	fclose(fp);
	fflush(stdout);
}

int
audit_tail(const char *dir, unsigned long n, bool follow, bool table)
{
	struct guard_list names = GUARD_LIST_INIT, keep = GUARD_LIST_INIT;
	char *current = NULL;
	off_t off = 0;
	int rc;

	if ((rc = guard_audit_files(dir, NULL, NULL, &names)) < 0 && !(follow && rc == GUARD_ENOTFOUND))
		return rc;
	/* Follow from the end of the newest file's complete lines. */
	if (names.len) {
		struct guard_audit_file af = GUARD_AUDIT_FILE_INIT;
		current = guard_xasprintf("%s/%s", dir, names.items[names.len - 1]);
		if (guard_audit_file_open(&af, dir, names.items[names.len - 1]) == 0) {
			const char *nl = af.size ? memrchr(af.data, '\n', af.size) : NULL;
			off = nl ? (off_t)(nl - af.data + 1) : 0;
			guard_audit_file_close(&af);
		}
	}
	/* The last n lines, newest file first until there are enough. */
	for (size_t i = names.len; i-- > 0 && keep.len < n;) {
		struct guard_audit_file af = GUARD_AUDIT_FILE_INIT;
		struct guard_list lines = GUARD_LIST_INIT;
		const char *line;
		size_t len;
		bool complete;
		if (guard_audit_file_open(&af, dir, names.items[i]) < 0)
			continue;
		while (guard_audit_file_next(&af, &line, &len, &complete) > 0)
			if (complete)
				guard_list_take(&lines, guard_xstrndup(line, len));
		guard_audit_file_close(&af);
		for (size_t k = lines.len; k-- > 0 && keep.len < n;)
			guard_list_add(&keep, lines.items[k]);
		guard_list_clear(&lines);
	}
	tail_q.out = table ? AUDIT_OUT_TABLE : AUDIT_OUT_JSONL;
	tail_q.color = table && cli_color(STDOUT_FILENO);
	tail_q.tty = isatty(STDOUT_FILENO);
	if (table)
		table_header();
	for (size_t k = keep.len; k-- > 0;)
		tail_line(keep.items[k], strlen(keep.items[k]));
	fflush(stdout);
	guard_list_clear(&keep);
	while (follow && !ferror(stdout)) {
		struct timespec pause = { 0, 200 * 1000 * 1000 };
		struct guard_list now = GUARD_LIST_INIT;
		nanosleep(&pause, NULL);
		if (current)
			print_from(current, &off);
		guard_audit_files(dir, NULL, NULL, &now);
		if (now.len) {
			char *newest = guard_xasprintf("%s/%s", dir, now.items[now.len - 1]);
			if (!current || strcmp(newest, current)) {
				free(current);
				current = newest;
				off = 0;
				print_from(current, &off);
			} else {
				free(newest);
			}
		}
		guard_list_clear(&now);
	}
	free(current);
	guard_list_clear(&names);
	return 0;
}
