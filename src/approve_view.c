/*
 * What guard-approve prints, and its approver key files.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "approve_view.h"
#include "cli.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_glob.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_time.h"

static const char *
str(const cJSON *obj, const char *key)
{
	return guard_json_str(obj, key, "");
}

static long long
epoch(const cJSON *obj, const char *key)
{
	struct timespec ts;
	return guard_time_parse(str(obj, key), &ts) < 0 ? 0 : (long long)ts.tv_sec;
}

/* "3m", "2h", "4d": short ages for a table. */
static void
short_duration(long long s, char *out, size_t size)
{
	if (s < 0)
		s = 0;
	if (s > 99999999LL * 86400)
		s = 99999999LL * 86400;
	if (s < 120)
		snprintf(out, size, "%llds", s);
	else if (s < 7200)
		snprintf(out, size, "%lldm", s / 60);
	else if (s < 172800)
		snprintf(out, size, "%lldh", s / 3600);
	else
		snprintf(out, size, "%lldd", s / 86400);
}

/* ---- list ---- */

void
approve_filter_init(struct approve_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->status = "pending";
}

void
approve_filter_release(struct approve_filter *f)
{
	free(f->args);
	f->args = NULL;
	f->nargs = 0;
}

void
approve_args_add(struct approve_filter *f, char *arg)
{
	f->args = guard_xrealloc(f->args, (f->nargs + 1) * sizeof(*f->args));
	f->args[f->nargs++] = arg;
}

static int
parse_count(const char *name, const char *value, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(value, &end, 10);
	if (errno || *end || !*value || *out < 0)
		return guard_error(GUARD_EUSAGE, "--%s %s: expected a whole number", name, value);
	return 0;
}

int
approve_filter_option(struct approve_filter *f, const char *name, const char *value)
{
	static const char *const states[] = { "pending", "approved", "rejected", "expired", "cancelled", "consumed", "all" };

	if (!strcmp(name, "status")) {
		for (size_t i = 0; i < sizeof(states) / sizeof(*states); i++)
			if (!strcmp(value, states[i])) {
				f->status = states[i];
				return 0;
			}
		return guard_error(GUARD_EUSAGE, "--status %s: expected pending, approved, rejected, expired, cancelled, consumed or all", value);
	}
	if (!strcmp(name, "requester") || !strcmp(name, "user")) {
		f->requester = value;
		return 0;
	}
	if (!strcmp(name, "risk")) {
		char level[16];
		size_t n = strlen(value);
		f->risk_plus = n && value[n - 1] == '+';
		snprintf(level, sizeof(level), "%.*s", (int)(n - f->risk_plus), value);
		if (guard_level_parse(level, &f->risk) < 0)
			return guard_error(GUARD_EUSAGE, "--risk %s: expected low, medium, high or critical (a final + means at least)", value);
		f->risk_set = true;
		return 0;
	}
	if (!strcmp(name, "older-than") || !strcmp(name, "newer-than")) {
		long long *d = name[0] == 'o' ? &f->older : &f->newer;
		if (guard_duration_parse(value, d) < 0)
			return guard_error(GUARD_EUSAGE, "--%s %s: %s", name, value, guard_error_last());
		return 0;
	}
	if (!strcmp(name, "limit"))
		return parse_count(name, value, &f->limit);
	if (!strcmp(name, "offset"))
		return parse_count(name, value, &f->offset);
	return guard_error(GUARD_EUSAGE, "--%s is not an option of this verb", name);
}

/* What list shows of a request, read in one walk of its members. */
struct row {
	const char *id, *state, *level, *requested_at, *tool, *by, *summary;
	long long age, left;
	cJSON *req;   /* the strings point into it */
	char *text;   /* for --json: the file as it is */
};

struct collect {
	struct guard_approval_store *s;
	const struct approve_filter *f;
	long long now;
	bool json;
	struct row *rows;
	size_t n, alloc;
};

static const char *
member_str(const cJSON *m)
{
	return cJSON_IsString(m) ? m->valuestring : "";
}

static int
collect_one(cJSON *req, void *arg)
{
	static const char *const names[] = { "id", "requested_at", "tool", "requested_by", "summary", "risk" };
	struct collect *c = arg;
	const struct approve_filter *f = c->f;
	const cJSON *m[6];
	struct row r;
	enum guard_level level = GUARD_LEVEL_LOW;

	guard_event_members(req, names, 6, m);
	r.state = guard_approval_status(req, &r.left);
	if (strcmp(f->status, "all") && strcmp(f->status, r.state))
		return 0;
	r.id = member_str(m[0]);
	r.requested_at = member_str(m[1]);
	r.tool = member_str(m[2]);
	r.by = member_str(m[3]);
	r.summary = member_str(m[4]);
	r.level = str(m[5], "level");
	r.age = c->now - epoch(req, "requested_at");
	guard_level_parse(r.level, &level);
	if ((f->tool && !guard_glob_match(f->tool, r.tool)) || (f->requester && strcmp(f->requester, r.by)) ||
	    (f->risk_set && (f->risk_plus ? level < f->risk : level != f->risk)) ||
	    (f->older && r.age < f->older) || (f->newer && r.age > f->newer))
		return 0;
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 256;
		c->rows = guard_xrealloc(c->rows, c->alloc * sizeof(*c->rows));
	}
	/* the strings point into req, which is kept until the rows are printed */
	r.req = req;
	r.text = c->json ? guard_xstrdup(c->s->text) : NULL;
	c->rows[c->n++] = r;
	return 1;
}

/* Rows are sorted through pointers: moving the rows themselves was a fifth of a 10,000-request list. */
static int
by_time(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
	int d = strcmp(x->requested_at, y->requested_at);
	return d ? d : strcmp(x->id, y->id);
}

static void
skip_bad(const char *file, const char *why, void *arg)
{
	(void)arg;
	cli_error("skipping %s: %s", file, why);
}

/* s with control characters shown (a file older than the summary's own quoting, or edited), at most max bytes. */
static void
print_visible(const char *label, const char *s, int max)
{
	struct guard_buf b = GUARD_BUF_INIT;

	guard_buf_add_visible(&b, s);
	printf("%s%.*s\n", label, max, b.buf ? b.buf : "");
	guard_buf_release(&b);
}

static int
terminal_width(void)
{
	struct winsize w;
	return isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 40 ? w.ws_col : 0;
}

/*
 * s made visible for the line being printed: every string a request file
 * holds may come from the agent (its tool input's member names, the
 * requester's git user.email) or from an edit, and a terminal must show
 * it, never obey it. VIS_SLOTS strings at once, freed as the ring turns.
 */
#define VIS_SLOTS 12
static const char *
vis(const char *s)
{
	static char *ring[VIS_SLOTS];
	static unsigned next;
	char **slot = &ring[next++ % VIS_SLOTS];

	free(*slot);
	*slot = cli_visible(s);
	return *slot;
}

/* The widths of the columns that hold names: whole names, never cut (mcp__github__create_pull_request). */
struct widths {
	int tool, by;
};

static void
print_row(const struct row *r, int width, const struct widths *w, bool color)
{
	char age[24], left_s[24];
	const char *c = color ? cli_color_of(r->state) : "";
	int n;

	short_duration(r->age, age, sizeof(age));
	if (r->left)
		short_duration(r->left, left_s, sizeof(left_s));
	else
		snprintf(left_s, sizeof(left_s), "-");
	char *tool = cli_visible(r->tool), *by = cli_visible(r->by);
	n = printf("%-8.8s  %s%s%s%-9s%s  %-8s  %5s  %5s  %-*.200s  %-*.200s  ", vis(r->id), *c ? "\033[" : "", c,
		   *c ? "m" : "", r->state, *c ? "\033[0m" : "", vis(r->level), age, left_s, w->tool, tool, w->by, by);
	free(tool);
	free(by);
	if (*c)
		n -= (int)strlen(c) + 7; /* the escape codes take no columns */
	print_visible("", r->summary, width > n + 8 ? width - n : 1000);
}

/*
 * The request with its state as of now: the file as it is (pretty, sorted
 * keys), printed again only when expiry changed its state.
 */
static void
print_json(const struct row *r, bool first)
{
	cJSON *st = cJSON_GetObjectItemCaseSensitive(r->req, "status");
	char *text = NULL;
	size_t len;

	fputs(first ? "[\n" : ",\n", stdout);
	if (strcmp(member_str(st), r->state) || !r->text) {
		cJSON_ReplaceItemInObjectCaseSensitive(r->req, "status", cJSON_CreateString(r->state));
		text = guard_json_pretty(r->req, 1);
	}
	len = strlen(text ? text : r->text);
	while (len && (text ? text : r->text)[len - 1] == '\n')
		len--;
	fwrite(text ? text : r->text, 1, len, stdout);
	free(text);
}

/* The request with its state as of now, on one line (JSON Lines for a pipe). */
static void
print_jsonl(const struct row *r)
{
	cJSON_ReplaceItemInObjectCaseSensitive(r->req, "status", cJSON_CreateString(r->state));
	char *text = cJSON_PrintUnformatted(r->req);
	puts(text);
	cJSON_free(text);
}

int
approve_list(struct guard_approval_store *s, const struct approve_filter *f, enum approve_form form)
{
	bool json = form == APPROVE_JSON;
	struct collect c = { s, f, (long long)time(NULL), json, NULL, 0, 0 };
	struct row **sorted;
	size_t from, to;
	int rc;

	if ((rc = guard_approval_each(s, collect_one, &c, skip_bad)) < 0) {
		free(c.rows);
		return rc;
	}
	sorted = guard_xcalloc(c.n ? c.n : 1, sizeof(*sorted));
	for (size_t i = 0; i < c.n; i++)
		sorted[i] = &c.rows[i];
	if (c.n)
		qsort(sorted, c.n, sizeof(*sorted), by_time);
	from = (size_t)f->offset < c.n ? (size_t)f->offset : c.n;
	to = f->limit && from + (size_t)f->limit < c.n ? from + (size_t)f->limit : c.n;
	if (json) {
		for (size_t i = from; i < to; i++)
			print_json(sorted[i], i == from);
		fputs(to > from ? "\n]\n" : "[]\n", stdout);
	} else if (form == APPROVE_JSONL) {
		for (size_t i = from; i < to; i++)
			print_jsonl(sorted[i]);
	} else if (to > from) {
		int width = terminal_width();
		struct widths w = { 4, 12 };
		for (size_t i = from; i < to; i++) {
			char *tool = cli_visible(sorted[i]->tool), *by = cli_visible(sorted[i]->by);
			int t = (int)strlen(tool), b = (int)strlen(by);
			free(tool);
			free(by);
			w.tool = t > w.tool ? (t > 200 ? 200 : t) : w.tool;
			w.by = b > w.by ? (b > 200 ? 200 : b) : w.by;
		}
		printf("%-8s  %-9s  %-8s  %5s  %5s  %-*s  %-*s  %s\n", "ID", "STATUS", "RISK", "AGE", "LEFT", w.tool, "TOOL",
		       w.by, "REQUESTED BY", "SUMMARY");
		for (size_t i = from; i < to; i++)
			print_row(sorted[i], width, &w, cli_color(STDOUT_FILENO));
	}
	if (form == APPROVE_TABLE && isatty(STDERR_FILENO))
		fprintf(stderr, "%zu of %zu %s request%s shown\n", to - from, c.n,
			strcmp(f->status, "all") ? f->status : "", c.n == 1 ? "" : "s");
	/* in bulk mode the requests go with the program's other allocations */
	for (size_t i = 0; i < c.n; i++) {
		if (!cli_bulk_on())
			cJSON_Delete(c.rows[i].req);
		free(c.rows[i].text);
	}
	free(sorted);
	free(c.rows);
	return 0;
}

/* ---- one request ---- */

int
approve_state_status(const char *state)
{
	if (!strcmp(state, "approved"))
		return GUARD_OK;
	if (!strcmp(state, "pending"))
		return GUARD_EPENDING;
	if (!strcmp(state, "consumed"))
		return GUARD_ECONFLICT;
	if (!strcmp(state, "expired"))
		return GUARD_EEXPIRED;
	return GUARD_EDENY;
}

/* The whole stored input, each member shown visibly, the risk reasons and the files bound. */
static void
print_input(const cJSON *req)
{
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(req, "input"), *m;
	const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(req, "risk"), "reasons");
	bool first = true;

	cJSON_ArrayForEach(m, in) {
		/* the member's name is the agent's too: an escape in it would rewrite the lines a person reads */
		char *label = guard_xasprintf("%-10s%s: ", first ? "input" : "", vis(m->string)), *text = NULL;
		print_visible(label, cJSON_IsString(m) ? m->valuestring : (text = cJSON_PrintUnformatted(m)), INT_MAX);
		cJSON_free(text); /* cJSON's allocator (an arena under cli_init), not libc's */
		free(label);
		first = false;
	}
	if (!in)
		printf("input     (not stored: a request made by an older guard; the digest binds it)\n");
	first = true;
	cJSON_ArrayForEach(m, reasons) {
		print_visible(first ? "reasons   " : "          ", cJSON_IsString(m) ? m->valuestring : "", INT_MAX);
		first = false;
	}
	/* the files the action runs, bound by their hash: a changed file is another action */
	first = true;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(req, "risk"), "files")) {
		print_visible(first ? "runs      " : "          ", cJSON_IsString(m) ? m->valuestring : "", INT_MAX);
		first = false;
	}
}

void
approve_print_request(const cJSON *req, bool json)
{
	const cJSON *d;
	long long left;
	const char *state = guard_approval_status(req, &left);

	if (json) {
		cJSON *r = cJSON_Duplicate(req, 1);
		cJSON_ReplaceItemInObjectCaseSensitive(r, "status", cJSON_CreateString(state));
		char *text = guard_json_pretty(r, 1);
		fputs(text, stdout);
		free(text);
		cJSON_Delete(r);
		return;
	}
	printf("request   %s\n", vis(str(req, "id")));
	printf("status    %s", state);
	if (left)
		printf(" (%llds left)", left);
	printf("\n");
	print_visible("action    ", str(req, "summary"), INT_MAX);
	print_input(req);
	printf("risk      %s%s%s\n", vis(str(cJSON_GetObjectItemCaseSensitive(req, "risk"), "level")),
	       *str(req, "rule") ? ", asked by rule " : "", vis(str(req, "rule")));
	printf("by        %s at %s\n", vis(str(req, "requested_by")), vis(str(req, "requested_at")));
	const cJSON *direct = cJSON_GetObjectItemCaseSensitive(req, "direct"), *r;
	if (cJSON_IsObject(direct)) {
		printf("asked     directly (guard-approve request), not by guard's hook: the risk above is guard's rating\n");
		if (*str(direct, "claimed_level") &&
		    strcmp(str(direct, "claimed_level"), str(cJSON_GetObjectItemCaseSensitive(req, "risk"), "level")))
			print_visible("claimed   risk ", str(direct, "claimed_level"), INT_MAX);
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(direct, "claimed_reasons"))
			if (cJSON_IsString(r))
				print_visible("claimed   reason ", r->valuestring, INT_MAX);
		if (*str(direct, "claimed_by") && strcmp(str(direct, "claimed_by"), str(req, "requested_by")))
			print_visible("claimed   by ", str(direct, "claimed_by"), INT_MAX);
	}
	printf("expires   %s\n", vis(str(req, "expires_at")));
	printf("digest    %s\n", vis(str(req, "action_digest")));
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		printf("decision  %s by %s (%s) at %s%s%s%s\n", vis(str(d, "verdict")), vis(str(d, "by")),
		       vis(*str(d, "role") ? str(d, "role") : "no role"), vis(str(d, "at")),
		       *str(d, "sig") ? ", signed" : "", *str(d, "comment") ? ": " : "", vis(str(d, "comment")));
	if (*str(req, "consumed_at"))
		printf("consumed  %s\n", vis(str(req, "consumed_at")));
}

void
approve_print_decided(const cJSON *req, const char *who, bool signed_it)
{
	const char *state = guard_approval_status(req, NULL);
	const cJSON *d;
	int n = 0;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions"))
		n += !strcmp(str(d, "verdict"), "approve");
	if (!strcmp(state, "pending"))
		printf("%s pending: approval %d recorded by %s%s; more approvers needed\n", vis(str(req, "id")), n,
		       vis(who), signed_it ? " (signed)" : "");
	else
		printf("%s %s by %s%s\n", vis(str(req, "id")), state, vis(who), signed_it ? " (signed)" : "");
	/* what was decided, said back as sudo says the command: an id prefix names it only by chance */
	print_visible("  action  ", str(req, "summary"), 400);
	printf("  risk    %s\n", vis(str(cJSON_GetObjectItemCaseSensitive(req, "risk"), "level")));
}

/* ---- wait ---- */

void
approve_progress_tick(const cJSON *req, const char *state, long long left, void *arg)
{
	struct approve_progress *p = arg;
	long long total = epoch(req, "expires_at") - epoch(req, "requested_at");
	char l[24];

	if (p->tty && !strcmp(state, "pending")) {
		int cells = 20, done = total > 0 ? (int)((total - left) * cells / total) : cells;
		char bar[21];
		if (done < 0)
			done = 0;
		if (done > cells)
			done = cells;
		memset(bar, '#', (size_t)done);
		memset(bar + done, '-', (size_t)(cells - done));
		bar[cells] = '\0';
		short_duration(left, l, sizeof(l));
		fprintf(stderr, "\r\033[K[%s] %s left  %.8s  %.60s", bar, l, vis(str(req, "id")), vis(str(req, "summary")));
		fflush(stderr);
		p->drawn = 1;
		return;
	}
	if (p->last && !strcmp(p->last, state))
		return;
	if (p->drawn)
		fputc('\n', stderr), p->drawn = 0;
	free(p->last);
	p->last = guard_xstrdup(state);
	if (!strcmp(state, "pending"))
		fprintf(stderr, "%s pending, %llds left: %s\n", vis(str(req, "id")), left, vis(str(req, "summary")));
	else
		fprintf(stderr, "%s %s\n", vis(str(req, "id")), state);
}

void
approve_progress_done(struct approve_progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = 0;
	free(p->last);
	p->last = NULL;
}

/* ---- verify ---- */

/* The file's own fields against its last decision and its consumption marker. */
static void
verify_state(const cJSON *req, const struct approve_verify *v, struct guard_buf *why)
{
	const char *status = str(req, "status");
	char diff[GUARD_APPROVAL_WHY_MAX];
	char *at = NULL;
	int rc;

	if (!guard_approval_consistent(req, diff))
		guard_buf_addf(why, "; %s (edited or restored)", diff);
	rc = guard_approval_consumed(v->root, str(req, "id"), &at);
	if (rc < 0)
		guard_buf_addf(why, "; %s", guard_error_last());
	else if (rc == 1 && strcmp(status, "consumed"))
		guard_buf_addf(why, "; the file says %s, but the approval was used at %s (restored or edited after use)",
			       status, at);
	free(at);
}

int
approve_verify_one(cJSON *req, void *arg)
{
	struct approve_verify *v = arg;
	const cJSON *d;
	struct guard_buf why = GUARD_BUF_INIT;
	int decisions = 0, signed_ok = 0;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(req, "decisions")) {
		struct guard_reviewer who;
		const char *by = str(d, "by");
		decisions++;
		if (guard_approval_reviewer(v->policy, v->cfg, by, &who) < 0 && strcmp(str(d, "verdict"), "cancel")) {
			guard_buf_addf(&why, "; %s: %s", by, guard_error_last());
			continue;
		}
		if (who.key) {
			if (guard_approval_check_sig(req, d, who.key) < 0)
				guard_buf_addf(&why, "; %s", guard_error_last());
			else
				signed_ok++;
		} else if (*str(d, "sig")) {
			guard_buf_addf(&why, "; %s signed, but the policy lists no key for them", by);
		} else if (v->cfg->require_signature && strcmp(str(d, "verdict"), "cancel")) {
			guard_buf_addf(&why, "; the decision by %s is not signed (approval.require_signature)", by);
		}
	}
	verify_state(req, v, &why);
	if (why.len) {
		printf("BAD %s: %s\n", vis(str(req, "id")), vis(why.buf + 2));
		v->bad++;
	} else {
		printf("ok  %s: %d decision%s, %d signed and verified\n", vis(str(req, "id")), decisions,
		       decisions == 1 ? "" : "s", signed_ok);
		v->ok++;
	}
	guard_buf_release(&why);
	return 0;
}
