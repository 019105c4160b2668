#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "guard_audit_report.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_time.h"
#include "guard_types.h"

/*
 * The report's data (guard_audit_report.h): strings are interned once
 * (an input summary or a rule repeats across calls), each call is a row
 * of numbers, and the page gets them as arrays of numbers indexing the
 * strings, so 100,000 records stay a few megabytes.
 */

/* ---------------------------------------------------------------- interned strings */

struct strtab {
	char **s;        /* by index */
	size_t len, alloc;
	int *slot;       /* open addressing: index + 1, 0 empty */
	size_t cap;      /* a power of two */
};

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
strtab_grow(struct strtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	int *slot = guard_xcalloc(cap, sizeof(*slot));

	for (size_t i = 0; i < t->len; i++) {
		size_t k = fnv(t->s[i]) & (cap - 1);
		while (slot[k])
			k = (k + 1) & (cap - 1);
		slot[k] = (int)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
}

/* The index of s, added when new; *added says which. -1 for NULL. */
static int
strtab_find(struct strtab *t, const char *s, bool *added)
{
	size_t k;

	if (added)
		*added = false;
	if (!s)
		return -1;
	if (2 * (t->len + 1) > t->cap)
		strtab_grow(t);
	for (k = fnv(s) & (t->cap - 1); t->slot[k]; k = (k + 1) & (t->cap - 1))
		if (!strcmp(t->s[t->slot[k] - 1], s))
			return t->slot[k] - 1;
	if (t->len == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 1024;
		t->s = guard_xrealloc(t->s, t->alloc * sizeof(*t->s));
	}
	t->s[t->len] = guard_xstrdup(s);
	t->slot[k] = (int)t->len + 1;
	if (added)
		*added = true;
	return (int)t->len++;
}

static void
strtab_release(struct strtab *t)
{
	for (size_t i = 0; i < t->len; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slot);
}

/* ---------------------------------------------------------------- rows and sessions */

/* One call (a decision and its result) or one other record. -1: none. */
struct row {
	unsigned long seq, rseq;  /* rseq: the merged tool.result's */
	long long ms;             /* ts, milliseconds since the epoch (-1: unreadable) */
	int sess, ev, tool, sum, eff, risk, rule, why, reasons, appr, err, key;
	double dur;               /* -1: none */
	double hook;              /* the decision's hook_ms, guard's own time; -1: none */
	int res;                  /* -1 none, 0 failed, 1 succeeded */
};

struct session {
	int id;                   /* string */
	long long first, last, start, end; /* ms; start/end -1 without session.start/.end */
	unsigned long calls, denies, records;
	size_t *rows;             /* its rows, in log order */
	size_t nrows, arows;
};

struct guard_report {
	struct strtab str;        /* every string the page shows */
	struct strtab keys;       /* session + action, to pair a result with its decision */
	int *open;                /* by key: the row of the decision waiting for its result + 1 */
	size_t aopen;
	struct row *rows;
	size_t nrows, arows;
	struct session *sess;
	size_t nsess, asess;
	int *sess_of;             /* by string index: session + 1 */
	size_t asess_of;
	unsigned long records, calls, denies, asks, allows, results;
	int ev_decision, ev_result;
	struct guard_samples dur;       /* tool.result duration_ms */
	struct guard_samples hook;      /* hook_ms of every hook call (decisions and results) */
};

struct guard_report *
guard_report_new(void)
{
	struct guard_report *r = guard_xcalloc(1, sizeof(*r));

	r->ev_decision = strtab_find(&r->str, "decision", NULL);
	r->ev_result = strtab_find(&r->str, "tool.result", NULL);
	return r;
}

void
guard_report_free(struct guard_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsess; i++)
		free(r->sess[i].rows);
	strtab_release(&r->str);
	strtab_release(&r->keys);
	free(r->open);
	free(r->rows);
	free(r->sess);
	free(r->sess_of);
	free(r->dur.v);
	free(r->hook.v);
	free(r);
}

static const char *
str_at(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const char *
str_in(const cJSON *o, const char *k, const char *k2)
{
	return str_at(cJSON_GetObjectItemCaseSensitive(o, k), k2);
}

static int
name_index(const char *const *names, const char *v)
{
	for (int i = 0; v && names[i]; i++)
		if (!strcmp(names[i], v))
			return i;
	return -1;
}

static long long
ms_of(const char *ts)
{
	struct timespec t;

	if (!ts || guard_time_parse(ts, &t) < 0) {
		guard_error_clear();
		return -1;
	}
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* s cut to at most max bytes at a character boundary, "..." marking a cut; in buf. */
static const char *
cut(const char *s, char *buf, size_t max)
{
	size_t n;

	if (!s || strlen(s) <= max)
		return s;
	n = max - 3;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

static int
session_of(struct guard_report *r, const char *id)
{
	bool added;
	int k = strtab_find(&r->str, id ? id : "-", &added);
	struct session *s;

	if ((size_t)k >= r->asess_of) {
		size_t n = r->asess_of ? r->asess_of : 256;
		while (n <= (size_t)k)
			n *= 2;
		r->sess_of = guard_xrealloc(r->sess_of, n * sizeof(*r->sess_of));
		memset(r->sess_of + r->asess_of, 0, (n - r->asess_of) * sizeof(*r->sess_of));
		r->asess_of = n;
	}
	if (r->sess_of[k])
		return r->sess_of[k] - 1;
	if (r->nsess == r->asess) {
		r->asess = r->asess ? r->asess * 2 : 16;
		r->sess = guard_xrealloc(r->sess, r->asess * sizeof(*r->sess));
	}
	s = &r->sess[r->nsess];
	memset(s, 0, sizeof(*s));
	s->id = k;
	s->first = s->last = s->start = s->end = -1;
	r->sess_of[k] = (int)++r->nsess;
	return (int)r->nsess - 1;
}

static void
session_take(struct session *s, size_t row, long long ms)
{
	if (s->nrows == s->arows) {
		s->arows = s->arows ? s->arows * 2 : 64;
		s->rows = guard_xrealloc(s->rows, s->arows * sizeof(*s->rows));
	}
	s->rows[s->nrows++] = row;
	s->records++;
	if (ms >= 0 && (s->first < 0 || ms < s->first))
		s->first = ms;
	if (ms > s->last)
		s->last = ms;
}

/* The key pairing a result with its decision: session and action. */
static int
action_key(struct guard_report *r, const char *session, const cJSON *rec)
{
	const char *digest = str_at(rec, "input_digest");
	char *k = digest ? guard_xasprintf("%s\x1f%s", session ? session : "", digest)
			 : guard_xasprintf("%s\x1f%s\x1f%s", session ? session : "", str_at(rec, "tool") ? str_at(rec, "tool") : "",
					   str_at(rec, "summary") ? str_at(rec, "summary") : "");
	int i = strtab_find(&r->keys, k, NULL);

	free(k);
	if ((size_t)i >= r->aopen) {
		size_t n = r->aopen ? r->aopen * 2 : 1024;
		while (n <= (size_t)i)
			n *= 2;
		r->open = guard_xrealloc(r->open, n * sizeof(*r->open));
		memset(r->open + r->aopen, 0, (n - r->aopen) * sizeof(*r->open));
		r->aopen = n;
	}
	return i;
}

/* The risk reasons, one string ("; " between). */
static int
reasons_of(struct guard_report *r, const cJSON *risk)
{
	const cJSON *it;
	struct guard_buf b = GUARD_BUF_INIT;
	char buf[GUARD_REPORT_SUMMARY_MAX * 4 + 4];
	int i;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(risk, "reasons"))
		if (cJSON_IsString(it))
			guard_buf_addf(&b, "%s%s", b.len ? "; " : "", it->valuestring);
	if (!b.len)
		return -1;
	i = strtab_find(&r->str, cut(b.buf, buf, sizeof(buf) - 1), NULL);
	guard_buf_release(&b);
	return i;
}

static int
approval_of(struct guard_report *r, const cJSON *rec)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(rec, "approval");
	const char *status = str_at(a, "status"), *id = str_at(a, "id");
	char buf[160];

	if (!status && !id)
		return -1;
	snprintf(buf, sizeof(buf), "%.40s%s%.40s", status ? status : "", status && id ? " " : "", id ? id : "");
	return strtab_find(&r->str, buf, NULL);
}

static void
merge_result(struct guard_report *r, struct row *w, const cJSON *rec, unsigned long seq)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(rec, "data");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(data, "success");
	const char *err = str_at(data, "error");
	double d = guard_record_data_ms(rec, "duration_ms");
	char buf[GUARD_REPORT_SUMMARY_MAX * 2 + 4];

	r->results++;
	w->rseq = seq;
	w->res = cJSON_IsBool(ok) ? cJSON_IsTrue(ok) : -1;
	w->err = strtab_find(&r->str, cut(err, buf, sizeof(buf) - 1), NULL);
	if (d >= 0) {
		w->dur = d;
		guard_samples_add(&r->dur, d);
	}
}

void
guard_report_add(struct guard_report *r, const cJSON *rec)
{
	const char *event = str_at(rec, "event"), *session = str_at(rec, "session");
	const cJSON *seqv = cJSON_GetObjectItemCaseSensitive(rec, "seq");
	unsigned long seq = cJSON_IsNumber(seqv) && seqv->valuedouble >= 0 ? (unsigned long)seqv->valuedouble : 0;
	long long ms = ms_of(str_at(rec, "ts"));
	char buf[GUARD_REPORT_SUMMARY_MAX + 4];
	struct session *s;
	struct row *w;
	int si;

	r->records++;
	double hook = guard_record_data_ms(rec, "hook_ms");
	if (hook >= 0)
		guard_samples_add(&r->hook, hook);
	si = session_of(r, session);
	s = &r->sess[si];
	if (event && !strcmp(event, "session.start") && ms >= 0 && (s->start < 0 || ms < s->start))
		s->start = ms;
	if (event && !strcmp(event, "session.end") && ms > s->end)
		s->end = ms;
	if (event && !strcmp(event, "tool.result")) {
		int k = action_key(r, session, rec);
		if (r->open[k]) {
			w = &r->rows[r->open[k] - 1];
			r->open[k] = 0;
			merge_result(r, w, rec, seq);
			if (ms > s->last)
				s->last = ms;
			s->records++;
			return;
		}
	}
	if (r->nrows == r->arows) {
		r->arows = r->arows ? r->arows * 2 : 4096;
		r->rows = guard_xrealloc(r->rows, r->arows * sizeof(*r->rows));
	}
	w = &r->rows[r->nrows];
	*w = (struct row){ .seq = seq, .ms = ms, .sess = si, .dur = -1, .hook = hook, .res = -1, .err = -1, .key = -1 };
	w->ev = strtab_find(&r->str, event ? event : "-", NULL);
	w->tool = strtab_find(&r->str, str_at(rec, "tool"), NULL);
	w->sum = strtab_find(&r->str, cut(str_at(rec, "summary"), buf, GUARD_REPORT_SUMMARY_MAX), NULL);
	w->eff = name_index(guard_effect_names, str_in(rec, "decision", "effect"));
	w->risk = name_index(guard_level_names, str_in(rec, "risk", "level"));
	w->rule = strtab_find(&r->str, str_in(rec, "decision", "rule"), NULL);
	w->why = strtab_find(&r->str, cut(str_in(rec, "decision", "reason"), buf, GUARD_REPORT_SUMMARY_MAX), NULL);
	w->reasons = reasons_of(r, cJSON_GetObjectItemCaseSensitive(rec, "risk"));
	w->appr = approval_of(r, rec);
	if (w->ev == r->ev_result)
		merge_result(r, w, rec, seq);
	if (w->ev == r->ev_decision) {
		w->key = action_key(r, session, rec);
		r->open[w->key] = (int)r->nrows + 1;
		r->calls++;
		s->calls++;
		if (w->eff == GUARD_EFFECT_DENY) {
			r->denies++;
			s->denies++;
		}
		r->asks += w->eff == GUARD_EFFECT_ASK;
		r->allows += w->eff == GUARD_EFFECT_ALLOW;
	}
	session_take(s, r->nrows++, ms);
}

/* ---------------------------------------------------------------- anomalies */

static int
cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return (x > y) - (x < y);
}

static double
median(unsigned long *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_ulong);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static cJSON *
time_item(long long ms)
{
	struct timespec t = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
	char ts[GUARD_TIME_LEN];

	if (ms < 0)
		return cJSON_CreateNull();
	guard_time_format(&t, ts);
	return cJSON_CreateString(ts);
}

static void
add_time(cJSON *o, const char *key, long long ms)
{
	cJSON_AddItemToObject(o, key, time_item(ms));
}

static cJSON *
anomaly(const struct guard_report *r, const char *kind, const struct session *s, long long from, long long to)
{
	cJSON *a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "kind", kind);
	cJSON_AddStringToObject(a, "session", r->str.s[s->id]);
	add_time(a, "from", from);
	add_time(a, "to", to);
	return a;
}

static void
add_seq(cJSON *seqs, unsigned long seq)
{
	if (cJSON_GetArraySize(seqs) < GUARD_REPORT_SEQS_MAX)
		cJSON_AddItemToArray(seqs, cJSON_CreateNumber((double)seq));
}

static bool
is_call(const struct guard_report *r, const struct row *w)
{
	return w->ev == r->ev_decision;
}

/* A minute of a session: its calls and denials. */
struct minute {
	long long m;
	unsigned long calls, denies;
	size_t first, last;   /* the session's rows, sorted by time, of this minute */
};

static int
cmp_rows_by_time(const void *a, const void *b, void *arg)
{
	const struct row *rows = arg, *x = &rows[*(const size_t *)a], *y = &rows[*(const size_t *)b];

	if (x->ms != y->ms)
		return (x->ms > y->ms) - (x->ms < y->ms);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Spikes of calls (denials false) or denials against the session's median minute. */
static void
spikes(const struct guard_report *r, const struct session *s, const size_t *order, const struct minute *mins,
       size_t nmin, bool denials, cJSON *out)
{
	unsigned long *v = guard_xmalloc(nmin * sizeof(*v));
	double base, need;
	size_t i = 0;

	for (size_t k = 0; k < nmin; k++)
		v[k] = denials ? mins[k].denies : mins[k].calls;
	base = median(v, nmin);
	free(v);
	need = fmax(3 * base, base + (denials ? GUARD_REPORT_DENIAL_SPIKE_MIN : GUARD_REPORT_CALL_SPIKE_MIN));
	while (i < nmin) {
		size_t j = i;
		unsigned long count = 0;
		long long from = -1, to = -1;
		cJSON *a, *seqs;
		if ((double)(denials ? mins[i].denies : mins[i].calls) < need) {
			i++;
			continue;
		}
		while (j + 1 < nmin && mins[j + 1].m == mins[j].m + 1 &&
		       (double)(denials ? mins[j + 1].denies : mins[j + 1].calls) >= need)
			j++;
		seqs = cJSON_CreateArray();
		for (size_t k = mins[i].first; k <= mins[j].last; k++) {
			const struct row *w = &r->rows[order[k]];
			if (!is_call(r, w) || (denials && w->eff != GUARD_EFFECT_DENY))
				continue;
			count++;
			if (from < 0)
				from = w->ms;
			to = w->ms;
			add_seq(seqs, w->seq);
		}
		a = anomaly(r, denials ? "denial_spike" : "call_spike", s, from, to);
		cJSON_AddNumberToObject(a, "count", (double)count);
		cJSON_AddNumberToObject(a, "baseline", base);
		cJSON_AddNumberToObject(a, "minutes", (double)(j - i + 1));
		cJSON_AddItemToObject(a, "seqs", seqs);
		cJSON_AddItemToArray(out, a);
		i = j + 1;
	}
}

static void
session_spikes(const struct guard_report *r, const struct session *s, cJSON *out)
{
	size_t *order = guard_xmalloc((s->nrows ? s->nrows : 1) * sizeof(*order)), n = 0, nmin = 0;
	struct minute *mins = guard_xmalloc((s->nrows ? s->nrows : 1) * sizeof(*mins));

	for (size_t i = 0; i < s->nrows; i++)
		if (is_call(r, &r->rows[s->rows[i]]) && r->rows[s->rows[i]].ms >= 0)
			order[n++] = s->rows[i];
	qsort_r(order, n, sizeof(*order), cmp_rows_by_time, r->rows);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &r->rows[order[i]];
		long long m = w->ms / 60000;
		if (!nmin || mins[nmin - 1].m != m)
			mins[nmin++] = (struct minute){ .m = m, .first = i };
		mins[nmin - 1].calls++;
		mins[nmin - 1].denies += w->eff == GUARD_EFFECT_DENY;
		mins[nmin - 1].last = i;
	}
	if (nmin >= 3) {
		spikes(r, s, order, mins, nmin, false, out);
		spikes(r, s, order, mins, nmin, true, out);
	}
	free(order);
	free(mins);
}

/* Each action denied twice or more in its session (the key holds the session): one pass over every row. */
static void
repeated_denials(const struct guard_report *r, cJSON *out)
{
	unsigned long *count = guard_xcalloc(r->keys.len + 1, sizeof(*count));
	cJSON **found = guard_xcalloc(r->keys.len + 1, sizeof(*found));

	for (size_t i = 0; i < r->nrows; i++)
		if (is_call(r, &r->rows[i]) && r->rows[i].eff == GUARD_EFFECT_DENY && r->rows[i].key >= 0)
			count[r->rows[i].key]++;
	for (size_t i = 0; i < r->nrows; i++) {
		const struct row *w = &r->rows[i];
		cJSON *a;
		if (!is_call(r, w) || w->eff != GUARD_EFFECT_DENY || w->key < 0 || count[w->key] < 2)
			continue;
		if (!(a = found[w->key])) {
			a = found[w->key] = anomaly(r, "repeated_denial", &r->sess[w->sess], w->ms, w->ms);
			cJSON_AddNumberToObject(a, "count", (double)count[w->key]);
			cJSON_AddStringToObject(a, "tool", w->tool >= 0 ? r->str.s[w->tool] : "");
			cJSON_AddStringToObject(a, "summary", w->sum >= 0 ? r->str.s[w->sum] : "");
			cJSON_AddItemToObject(a, "seqs", cJSON_CreateArray());
			cJSON_AddItemToArray(out, a);
		}
		cJSON_ReplaceItemInObjectCaseSensitive(a, "to", time_item(w->ms));
		add_seq(cJSON_GetObjectItemCaseSensitive(a, "seqs"), w->seq);
	}
	free(count);
	free(found);
}

/* Records before the session's start (after false) or after its end. */
static void
outside(const struct guard_report *r, const struct session *s, bool after, cJSON *out)
{
	long long edge = after ? s->end : s->start, from = -1, to = -1;
	unsigned long count = 0;
	cJSON *seqs, *a;

	if (edge < 0)
		return;
	seqs = cJSON_CreateArray();
	for (size_t i = 0; i < s->nrows; i++) {
		const struct row *w = &r->rows[s->rows[i]];
		const char *ev = r->str.s[w->ev];
		if (w->ms < 0 || !strncmp(ev, "session.", 8) || (after ? w->ms <= edge : w->ms >= edge))
			continue;
		count++;
		if (from < 0 || w->ms < from)
			from = w->ms;
		if (w->ms > to)
			to = w->ms;
		add_seq(seqs, w->seq);
	}
	if (!count) {
		cJSON_Delete(seqs);
		return;
	}
	a = anomaly(r, "outside_window", s, from, to);
	cJSON_AddNumberToObject(a, "count", (double)count);
	add_time(a, after ? "session_end" : "session_start", edge);
	cJSON_AddItemToObject(a, "seqs", seqs);
	cJSON_AddItemToArray(out, a);
}

struct found {
	cJSON *a;
	size_t n; /* the order found: equal times keep it */
};

static int
cmp_anomaly(const void *pa, const void *pb)
{
	const struct found *x = pa, *y = pb;
	const char *fx = str_at(x->a, "from"), *fy = str_at(y->a, "from");
	int c = strcmp(fx ? fx : "", fy ? fy : "");

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

cJSON *
guard_report_anomalies(const struct guard_report *r)
{
	cJSON *all = cJSON_CreateArray(), *sorted = cJSON_CreateArray();
	struct found *v;
	size_t n = 0;

	for (size_t i = 0; i < r->nsess; i++) {
		/* records of no session are judged together as "-": leaving out the session id hides nothing */
		const struct session *s = &r->sess[i];
		session_spikes(r, s, all);
		outside(r, s, false, all);
		outside(r, s, true, all);
	}
	repeated_denials(r, all);
	v = guard_xmalloc(((size_t)cJSON_GetArraySize(all) + 1) * sizeof(*v));
	while (cJSON_GetArraySize(all)) {
		v[n].a = cJSON_DetachItemFromArray(all, 0);
		v[n].n = n;
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_anomaly);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(sorted, v[i].a);
	free(v);
	cJSON_Delete(all);
	return sorted;
}

/* ---------------------------------------------------------------- the page's data */

/* s as a JSON string that can stand inside <script>: see guard_report_json. */
static void
json_str(struct guard_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	guard_buf_addch(b, '"');
	while (*p) {
		unsigned c = *p;
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = n > 0;
		for (size_t k = 1; ok && k < n; k++)
			ok = (p[k] & 0xc0) == 0x80;
		/* overlong forms, surrogates and past U+10FFFF are not UTF-8 either */
		if (ok && n == 2)
			ok = c >= 0xc2;
		if (ok && n == 3)
			ok = !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0);
		if (ok && n == 4)
			ok = c <= 0xf4 && !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90);
		if (!ok) {
			guard_buf_addstr(b, "\\ufffd");
			p++;
		} else if (n == 3 && c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			guard_buf_addstr(b, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 3;
		} else if (n > 1) {
			guard_buf_add(b, p, n);
			p += n;
		} else {
			if (c == '"' || c == '\\') {
				guard_buf_addch(b, '\\');
				guard_buf_addch(b, (int)c);
			} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
				guard_buf_addf(b, "\\u%04x", c);
			} else {
				guard_buf_addch(b, (int)c);
			}
			p++;
		}
	}
	guard_buf_addch(b, '"');
}

/* v printed shortest, or -1 */
static void
num(struct guard_buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		guard_buf_addf(b, "%lld", (long long)v);
	else
		guard_buf_addf(b, "%.15g", v);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void
guard_sort_doubles(double *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), cmp_double);
}

double
guard_percentile(const double *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p / 100.0 * (double)n);
	return v[k ? k - 1 : 0];
}

void
guard_samples_add(struct guard_samples *s, double x)
{
	if (s->n == s->a) {
		s->a = s->a ? s->a * 2 : 1024;
		s->v = guard_xrealloc(s->v, s->a * sizeof(*s->v));
	}
	s->v[s->n++] = x;
}

double
guard_record_data_ms(const cJSON *rec, const char *key)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rec, "data"), key);
	return cJSON_IsNumber(d) && d->valuedouble >= 0 ? d->valuedouble : -1;
}

struct tally {
	int str;
	unsigned long n;
};

static int
cmp_tally(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return (x->str > y->str) - (x->str < y->str);
}

/* The top (at most max) strings of the rows rows[0..n) picked by pick, as [[str, count], ...]. */
static void
top(struct guard_buf *b, const struct guard_report *r, const size_t *idx, size_t n, bool (*pick)(const struct guard_report *, const struct row *),
    int (*field)(const struct row *), size_t max)
{
	unsigned long *count = guard_xcalloc(r->str.len, sizeof(*count));
	struct tally *t = guard_xmalloc((n ? n : 1) * sizeof(*t));
	size_t nt = 0;

	for (size_t i = 0; i < n; i++) {
		const struct row *w = &r->rows[idx ? idx[i] : i];
		int f = field(w);
		if (!pick(r, w) || f < 0)
			continue;
		if (!count[f]++)
			t[nt++] = (struct tally){ f, 0 };
	}
	for (size_t i = 0; i < nt; i++)
		t[i].n = count[t[i].str];
	qsort(t, nt, sizeof(*t), cmp_tally);
	guard_buf_addch(b, '[');
	for (size_t i = 0; i < nt && i < max; i++)
		guard_buf_addf(b, "%s[%d,%lu]", i ? "," : "", t[i].str, t[i].n);
	guard_buf_addch(b, ']');
	free(count);
	free(t);
}

static bool pick_call(const struct guard_report *r, const struct row *w) { return is_call(r, w); }
static bool pick_deny(const struct guard_report *r, const struct row *w) { return is_call(r, w) && w->eff == GUARD_EFFECT_DENY; }
static int field_rule(const struct row *w) { return w->rule; }
static int field_sum(const struct row *w) { return w->sum; }

/* ,"P50":x,"P95":y of the samples (a sorted copy), nothing when there are none */
static void
percentiles(struct guard_buf *b, const struct guard_samples *s, const char *p50, const char *p95)
{
	if (!s->n)
		return;
	double *d = guard_xmalloc(s->n * sizeof(*d));
	memcpy(d, s->v, s->n * sizeof(*d));
	guard_sort_doubles(d, s->n);
	guard_buf_addf(b, ",\"%s\":", p50);
	num(b, guard_percentile(d, s->n, 50));
	guard_buf_addf(b, ",\"%s\":", p95);
	num(b, guard_percentile(d, s->n, 95));
	free(d);
}

static void
stats(struct guard_buf *b, const struct guard_report *r)
{
	unsigned long sessions = 0;

	for (size_t i = 0; i < r->nsess; i++)
		sessions += strcmp(r->str.s[r->sess[i].id], "-") != 0;
	guard_buf_addf(b, "\"stats\":{\"records\":%lu,\"calls\":%lu,\"allows\":%lu,\"asks\":%lu,\"denies\":%lu,"
		       "\"results\":%lu,\"sessions\":%lu,\"durations\":%zu",
		       r->records, r->calls, r->allows, r->asks, r->denies, r->results, sessions, r->dur.n);
	percentiles(b, &r->dur, "p50", "p95");
	guard_buf_addf(b, ",\"hooks\":%zu", r->hook.n);
	percentiles(b, &r->hook, "hook_p50", "hook_p95");
	guard_buf_addstr(b, ",\"rules\":");
	top(b, r, NULL, r->nrows, pick_call, field_rule, 10);
	guard_buf_addch(b, '}');
}

/*
 * Each row: [seq, ms since the row before, session, event, tool, summary,
 * effect, risk, rule, decision reason, risk reasons, duration, success,
 * result seq, approval, error, hook ms], -1 for none and trailing -1s left out;
 * strings and sessions are indexes.
 */
static void
row_json(struct guard_buf *b, const struct row *w, long long dt)
{
	double v[] = { (double)w->seq, (double)dt, w->sess, w->ev, w->tool, w->sum, w->eff, w->risk, w->rule, w->why,
		       w->reasons, w->dur, w->res, w->rseq ? (double)w->rseq : -1, w->appr, w->err, w->hook };
	size_t n = sizeof(v) / sizeof(v[0]);

	while (n > 2 && v[n - 1] == -1)
		n--;
	guard_buf_addch(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			guard_buf_addch(b, ',');
		num(b, v[i]);
	}
	guard_buf_addch(b, ']');
}

char *
guard_report_json(const struct guard_report *r, const char *warning)
{
	struct guard_buf b = GUARD_BUF_INIT;
	cJSON *an = guard_report_anomalies(r);
	char *text, now[GUARD_TIME_LEN];
	long long t0 = -1, prev;

	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].ms >= 0 && (t0 < 0 || r->rows[i].ms < t0))
			t0 = r->rows[i].ms;
	if (t0 < 0)
		t0 = 0;
	guard_time_now(now);
	guard_buf_addstr(&b, "{\"v\":1,\"generated\":");
	json_str(&b, now);
	guard_buf_addstr(&b, ",\"warning\":");
	if (warning)
		json_str(&b, warning);
	else
		guard_buf_addstr(&b, "null");
	guard_buf_addf(&b, ",\"t0\":%lld,\"levels\":[", t0);
	for (int i = 0; guard_level_names[i]; i++) {
		guard_buf_addstr(&b, i ? "," : "");
		json_str(&b, guard_level_names[i]);
	}
	guard_buf_addstr(&b, "],\"effects\":[");
	for (int i = 0; guard_effect_names[i]; i++) {
		guard_buf_addstr(&b, i ? "," : "");
		json_str(&b, guard_effect_names[i]);
	}
	guard_buf_addstr(&b, "],");
	stats(&b, r);
	/* [id, first, last, start, end (ms from t0, -1 none), calls, denies, records, top denied] */
	guard_buf_addstr(&b, ",\"sessions\":[");
	for (size_t i = 0; i < r->nsess; i++) {
		const struct session *s = &r->sess[i];
		guard_buf_addf(&b, "%s[%d,%lld,%lld,%lld,%lld,%lu,%lu,%lu,", i ? "," : "", s->id,
			       s->first < 0 ? -1 : s->first - t0, s->last < 0 ? -1 : s->last - t0,
			       s->start < 0 ? -1 : s->start - t0, s->end < 0 ? -1 : s->end - t0, s->calls, s->denies,
			       s->records);
		top(&b, r, s->rows, s->nrows, pick_deny, field_sum, 5);
		guard_buf_addch(&b, ']');
	}
	text = cJSON_PrintUnformatted(an);
	cJSON_Delete(an);
	guard_buf_addstr(&b, "],\"anomalies\":");
	{
		/* already JSON: only the characters a <script> block must not hold are escaped */
		for (const char *p = text; *p; p++) {
			if (*p == '<' || *p == '>' || *p == '&')
				guard_buf_addf(&b, "\\u%04x", (unsigned)*p);
			else if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
				 ((unsigned char)p[2] == 0xa8 || (unsigned char)p[2] == 0xa9)) {
				guard_buf_addstr(&b, (unsigned char)p[2] == 0xa8 ? "\\u2028" : "\\u2029");
				p += 2;
			} else
				guard_buf_addch(&b, *p);
		}
	}
	cJSON_free(text);
	guard_buf_addstr(&b, ",\"str\":[");
	for (size_t i = 0; i < r->str.len; i++) {
		if (i)
			guard_buf_addch(&b, ',');
		json_str(&b, r->str.s[i]);
	}
	guard_buf_addstr(&b, "],\"rows\":[");
	prev = t0;
	for (size_t i = 0; i < r->nrows; i++) {
		const struct row *w = &r->rows[i];
		long long ms = w->ms < 0 ? prev : w->ms;
		if (i)
			guard_buf_addch(&b, ',');
		row_json(&b, w, ms - prev);
		prev = ms;
	}
	guard_buf_addstr(&b, "]}");
	return guard_buf_detach(&b);
}
