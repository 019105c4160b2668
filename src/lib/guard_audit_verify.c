#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_time.h"

#define SEALS_MAX ((size_t)64 << 20)

/* ---------------------------------------------------------------- checkpoints */

struct checkpoint {
	char file[32];
	unsigned long records, first_seq, last_seq;
	char last_hash[GUARD_AUDIT_HASH_LEN + 1];
	char hash[GUARD_AUDIT_HASH_LEN + 1];
	char ts[GUARD_TIME_LEN];
	unsigned long lineno;
};

struct checkpoints {
	struct checkpoint *c;
	size_t n;
};

static const char *
str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
count_of(const cJSON *o, const char *k, unsigned long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0)
		return false;
	*out = (unsigned long)v->valuedouble;
	return true;
}

/* sha256 hex of the canonical object without its "hash" member. */
static void
self_hash(const cJSON *obj, char out[GUARD_SHA256_HEX])
{
	cJSON *copy = cJSON_Duplicate(obj, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "hash");
	char *canon = guard_json_canonical(copy);
	guard_sha256_hex(canon, strlen(canon), out);
	free(canon);
	cJSON_Delete(copy);
}

#define CHECKPOINT_TYPE "guard.audit.checkpoint"

/*
 * One line of a witness file as JSON: a checkpoint line as seal printed
 * it; a journal export's record (journalctl -o json) whose MESSAGE is one;
 * a syslog line ("... guard-audit[PID]: {...}") holding one. NULL for a
 * line of an export that holds no checkpoint (another program's), which
 * is skipped; any other line is parsed as it is (and refused if no
 * checkpoint).
 */
static cJSON *
witness_line(const char *p, size_t len)
{
	const char *brace = memchr(p, '{', len);
	bool ours = memmem(p, len, CHECKPOINT_TYPE, sizeof(CHECKPOINT_TYPE) - 1) != NULL;
	cJSON *o;

	if (brace == p) {
		o = cJSON_ParseWithLength(p, len);
		const char *msg = str_of(o, "MESSAGE");
		if (msg && !str_of(o, "type")) {
			cJSON *m = strstr(msg, CHECKPOINT_TYPE) ? witness_line(msg, strlen(msg)) : NULL;
			cJSON_Delete(o);
			return m;
		}
		return o ? o : cJSON_CreateNull();
	}
	if (!ours || !brace)
		return NULL;
	o = cJSON_ParseWithLength(brace, len - (size_t)(brace - p));
	return o ? o : cJSON_CreateNull();
}

/* Parse checkpoints (JSON Lines, or an export holding them), each checked against its own hash and the one before. */
static int
checkpoints_parse(const char *path, const char *text, struct checkpoints *cps)
{
	const char *p = text;
	unsigned long lineno = 0;
	char prev[GUARD_AUDIT_HASH_LEN + 1] = "";

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (len == 0) {
			p += nl ? 1 : 0;
			if (!nl)
				break;
			continue;
		}
		cJSON *o = witness_line(p, len);
		if (!o) { /* a line of a syslog or journal export that is not guard's */
			if (!nl)
				break;
			p = nl + 1;
			continue;
		}
		struct checkpoint c = { .lineno = lineno };
		const char *file = str_of(o, "file"), *lh = str_of(o, "last_hash"), *h = str_of(o, "hash");
		const char *pv = str_of(o, "prev"), *type = str_of(o, "type"), *ts = str_of(o, "ts");
		char want[GUARD_SHA256_HEX];
		if (!cJSON_IsObject(o) || !type || strcmp(type, "guard.audit.checkpoint") || !file ||
		    !audit_is_day_file(file) || !lh || strlen(lh) != GUARD_AUDIT_HASH_LEN || !h || !pv || !ts ||
		    !count_of(o, "records", &c.records) || !count_of(o, "first_seq", &c.first_seq) ||
		    !count_of(o, "last_seq", &c.last_seq)) {
			cJSON_Delete(o);
			return guard_error(GUARD_EUSAGE, "%s:%lu: not an audit checkpoint", path, lineno);
		}
		self_hash(o, want);
		if (strcmp(want, h)) {
			cJSON_Delete(o);
			return guard_error(GUARD_EDENY, "%s:%lu: checkpoint hash mismatch: the checkpoint was changed",
					   path, lineno);
		}
		if (*prev && strcmp(pv, prev)) {
			cJSON_Delete(o);
			return guard_error(GUARD_EDENY, "%s:%lu: checkpoint does not chain to the one before it", path,
					   lineno);
		}
		snprintf(c.file, sizeof(c.file), "%s", file);
		memcpy(c.last_hash, lh, sizeof(c.last_hash));
		snprintf(c.hash, sizeof(c.hash), "%s", h);
		snprintf(c.ts, sizeof(c.ts), "%s", ts);
		memcpy(prev, c.hash, sizeof(prev));
		cps->c = guard_xrealloc(cps->c, (cps->n + 1) * sizeof(*cps->c));
		cps->c[cps->n++] = c;
		cJSON_Delete(o);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

static int
checkpoints_load(const char *path, bool missing_ok, struct checkpoints *cps)
{
	char *text;
	size_t len;
	int rc = guard_file_read(path, SEALS_MAX, 1, &text, &len);

	if (rc == GUARD_ENOTFOUND && missing_ok)
		return 0;
	if (rc < 0)
		return rc;
	rc = checkpoints_parse(path, text, cps);
	free(text);
	return rc;
}

/* ---------------------------------------------------------------- verify */

struct chain {
	bool started;
	unsigned long seq;
	char hash[GUARD_AUDIT_HASH_LEN + 1];
	/* Where the log starts, and the audit.pruned record that accounts for what came before. */
	unsigned long start_seq;
	char start_prev[GUARD_AUDIT_HASH_LEN + 1];
	char start_file[32];
	unsigned long cover_seq;        /* 0: none (yet) */
	char cover_hash[GUARD_AUDIT_HASH_LEN + 1];
	cJSON *cover_files;             /* the covering record's data.files; owned */
	unsigned long last_prune_seq, last_prune_through; /* the newest prune seen, for messages */
	unsigned long prune_through;    /* the highest seq any prune record says it removed */
	/* The synced-record watermark (guard_audit_synced.c), when there is one. */
	bool wm, wm_seen;
	struct audit_synced w;
	const char *newest;             /* the newest day file: the only one a torn end may be in */
	/* With a verification key: the key of fss.epoch, derived as the tags need it. */
	bool fss_on;
	struct audit_fss fss;
	bool fss_open;                  /* records of rec_epoch since the last tag */
	unsigned long long rec_epoch;
	unsigned long open_seq;         /* the first of them */
};


/* An audit.pruned record's data: what it removed, for the start of the log to be held to. */
static void
note_prune(const char *line, size_t len, unsigned long seq, const char *hash, struct chain *ch)
{
	cJSON *rec = cJSON_ParseWithLength(line, len);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(rec, "data"), *f;
	unsigned long last;
	const char *lh = str_of(data, "last_hash");
	bool covers = false;

	if (!count_of(data, "last_seq", &last) || !lh) {
		cJSON_Delete(rec);
		return;
	}
	ch->last_prune_seq = seq;
	ch->last_prune_through = last;
	if (last > ch->prune_through)
		ch->prune_through = last;
	/* The start is accounted for when its prev is the last removed record (or, after a
	 * prune that stopped part way, the last record of one of the files it removed). */
	if (!ch->cover_seq && ch->start_seq > 1) {
		covers = last + 1 == ch->start_seq && !strcmp(lh, ch->start_prev);
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(data, "files")) {
			unsigned long fl;
			const char *fh = str_of(f, "last_hash");
			if (count_of(f, "last_seq", &fl) && fh && fl + 1 == ch->start_seq && !strcmp(fh, ch->start_prev))
				covers = true;
		}
	}
	if (covers) {
		ch->cover_seq = seq;
		memcpy(ch->cover_hash, hash, sizeof(ch->cover_hash));
		ch->cover_files = cJSON_DetachItemFromObjectCaseSensitive((cJSON *)data, "files");
	}
	cJSON_Delete(rec);
}

static int
bad(const struct guard_audit_file *f, unsigned long seq, const char *what)
{
	if (seq)
		return guard_error(GUARD_EDENY, "%s:%lu: seq %lu: %s", f->path, f->lineno, seq, what);
	return guard_error(GUARD_EDENY, "%s:%lu: %s", f->path, f->lineno, what);
}

/* The epoch a record's ts falls in under the verification key (-1: before the key, or no ts). */
static long long
ts_epoch(const struct chain *ch, const char *ts)
{
	struct timespec t;

	if (guard_time_parse(ts, &t) < 0 || t.tv_sec < ch->fss.start)
		return -1;
	return (long long)audit_fss_epoch_at(&ch->fss, t.tv_sec);
}

/*
 * An audit.seal record under a verification key: it tags the record before
 * it (seq and hash), with the key of its epoch; epochs never go back. And
 * a record of a later epoch than the records before it follows a tag of
 * theirs (every writer tags an epoch's tail before the next epoch's first
 * record): else a tag was removed.
 */
static int
check_seal(const struct guard_audit_file *f, const char *line, size_t len, unsigned long seq, const char *ts,
	   bool is_seal, struct chain *ch, struct guard_audit_verify_result *res)
{
	long long e = ts_epoch(ch, ts);
	char *why = NULL;
	int rc = 0;

	if (!is_seal) {
		if (e < 0)
			return 0;
		if (ch->fss_open && (unsigned long long)e > ch->rec_epoch)
			why = guard_xasprintf("a record of epoch %lld follows records of epoch %llu (from seq %lu) with no "
					      "seal tag of that epoch between them: a seal was removed", e, ch->rec_epoch,
					      ch->open_seq);
		else if (!ch->fss_open || (unsigned long long)e > ch->rec_epoch) {
			ch->fss_open = true;
			ch->rec_epoch = (unsigned long long)e;
			ch->open_seq = seq;
		}
		goto out;
	}
	cJSON *rec = cJSON_ParseWithLength(line, len);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(rec, "data");
	const cJSON *je = cJSON_GetObjectItemCaseSensitive(d, "epoch"), *js = cJSON_GetObjectItemCaseSensitive(d, "sealed_seq");
	const char *h = str_of(d, "sealed_hash"), *tag = str_of(d, "tag");
	char want[GUARD_AUDIT_HASH_LEN + 1];

	if (!cJSON_IsNumber(je) || je->valuedouble < 0 || !cJSON_IsNumber(js) || !h || !tag) {
		why = guard_xstrdup("a seal record without its epoch, seq, hash and tag");
	} else if ((unsigned long)js->valuedouble != ch->seq || strcmp(h, ch->hash)) {
		why = guard_xasprintf("the seal tags seq %.0f, but the record before it is seq %lu (hash %.12s...): "
				      "records were moved", js->valuedouble, ch->seq, ch->hash);
	} else if ((unsigned long long)je->valuedouble < ch->fss.epoch) {
		why = guard_xasprintf("a seal of epoch %.0f after one of epoch %llu: epochs never go back",
				      je->valuedouble, ch->fss.epoch);
	} else {
		unsigned long long epoch = (unsigned long long)je->valuedouble;
		for (; ch->fss.epoch < epoch; ch->fss.epoch++)
			audit_fss_evolve(ch->fss.key);
		audit_fss_tag(ch->fss.key, epoch, ch->seq, ch->hash, want);
		if (strlen(tag) != GUARD_AUDIT_HASH_LEN || sodium_memcmp(want, tag, GUARD_AUDIT_HASH_LEN)) {
			why = guard_xasprintf("the seal tag of epoch %llu does not verify with this key: the records up to "
					      "seq %lu were changed after they were sealed, or the tag was forged "
					      "(first bad epoch: %llu)", epoch, ch->seq, epoch);
		} else {
			if (!res->seal_tags++)
				res->first_epoch = epoch;
			res->last_epoch = epoch;
			res->sealed_seq = ch->seq;
			ch->fss_open = false;
		}
	}
	cJSON_Delete(rec);
out:
	if (why) {
		rc = bad(f, seq, why);
		free(why);
	}
	return rc;
}

/* The seq a damaged line claims, for the message (0 when it says none). */
static unsigned long
claimed_seq(const char *line, size_t len)
{
	const char *s = memmem(line, len, "\"seq\":", 6);
	return s ? strtoul(s + 6, NULL, 10) : 0;
}

/* A byte span of the line. */
struct span {
	const char *p;
	size_t n;
};

/* End of the JSON string that starts at p[i] == '"' (index after its closing quote), 0 when unclosed. */
static size_t
string_end(const char *p, size_t len, size_t i)
{
	for (i++; i < len;) {
		/* memchr to the next quote; it closes the string unless an odd run of backslashes escapes it */
		const char *q = memchr(p + i, '"', len - i);
		if (!q)
			return 0;
		size_t at = (size_t)(q - p), bs = 0;
		while (at - bs > i && p[at - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return at + 1;
		i = at + 1;
	}
	return 0;
}

static size_t
skip_ws(const char *p, size_t len, size_t i)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

/* End of the value starting at p[i]: a string, a nested object or array, or a bare number/literal. */
static size_t
value_end(const char *p, size_t len, size_t i)
{
	size_t depth = 0;

	if (i >= len)
		return 0;
	if (p[i] == '"')
		return string_end(p, len, i);
	if (p[i] != '{' && p[i] != '[') {
		size_t j = i;
		while (j < len && p[j] != ',' && p[j] != '}' && p[j] != ']' && p[j] != ' ' && p[j] != '"' &&
		       p[j] != '{' && p[j] != '[' && p[j] != ':')
			j++;
		return j > i ? j : 0;
	}
	while (i < len) {
		char c = p[i];
		if (c == '"') {
			if (!(i = string_end(p, len, i)))
				return 0;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return i + 1;
		i++;
	}
	return 0;
}

/*
 * The spans of the top-level members named in names[] (NULL spans for the
 * ones missing) of the one JSON object that is the whole line. Only the
 * structure is scanned (strings with their escapes, nesting): the bytes
 * are bound by the hash just checked, and the chain needs no more than
 * these members, so the record is not parsed whole. A line that is not
 * shaped like one object, or names a member twice, is refused.
 */
static bool
top_members(const char *p, size_t len, const char *const *names, size_t n, struct span *out)
{
	size_t i, nlen[8];

	if (n > 8)
		return false;
	for (size_t k = 0; k < n; k++)
		nlen[k] = strlen(names[k]);
	memset(out, 0, n * sizeof(*out));
	if (!len || p[0] != '{')
		return false;
	i = skip_ws(p, len, 1);
	if (i < len && p[i] == '}')
		return skip_ws(p, len, i + 1) == len;
	for (;;) {
		size_t kend, vstart, vend;
		if (i >= len || p[i] != '"' || !(kend = string_end(p, len, i)))
			return false;
		vstart = skip_ws(p, len, kend);
		if (vstart >= len || p[vstart] != ':')
			return false;
		vstart = skip_ws(p, len, vstart + 1);
		if (!(vend = value_end(p, len, vstart)))
			return false;
		for (size_t k = 0; k < n; k++) {
			if (kend - i - 2 == nlen[k] && !memcmp(p + i + 1, names[k], nlen[k])) {
				if (out[k].p)
					return false; /* a member twice: not a record guard wrote */
				out[k].p = p + vstart;
				out[k].n = vend - vstart;
			}
		}
		i = skip_ws(p, len, vend);
		if (i < len && p[i] == ',') {
			i = skip_ws(p, len, i + 1);
			continue;
		}
		return i < len && p[i] == '}' && skip_ws(p, len, i + 1) == len;
	}
}

/* A positive integer written in digits only, as the writer prints seq. */
static bool
span_seq(struct span s, unsigned long *out)
{
	unsigned long v = 0;

	if (!s.p || !s.n || s.n > 19 || s.p[0] == '0')
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s.p[i] - '0');
	}
	*out = v;
	return true;
}

/* A JSON string without escapes (prev, ts and event never hold any), copied out without its quotes. */
static bool
span_plain(struct span s, char *out, size_t size)
{
	if (!s.p || s.n < 2 || s.p[0] != '"' || s.p[s.n - 1] != '"' || s.n - 2 >= size ||
	    memchr(s.p + 1, '\\', s.n - 2))
		return false;
	memcpy(out, s.p + 1, s.n - 2);
	out[s.n - 2] = '\0';
	return true;
}

/* One record, its line already hashed: why is its AUDIT_LINE_* and hash the hash it carries. */
static int
check_record(const struct guard_audit_file *f, const char *line, size_t len, int why_bad, const char *hash,
	     struct chain *ch, const struct checkpoints *cps, struct guard_audit_verify_result *res)
{
	struct span k[5];
	static const char *const names[5] = { "seq", "prev", "ts", "event", "v" };
	char prev[GUARD_AUDIT_HASH_LEN + 2], ts[64], event[64];
	unsigned long seq;
	int rc = 0;

	if (why_bad != AUDIT_LINE_OK) {
		audit_line_error(why_bad);
		char *why = guard_xstrdup(guard_error_last());
		rc = bad(f, claimed_seq(line, len), why);
		free(why);
		return rc;
	}
	if (!top_members(line, len, names, 5, k))
		return bad(f, claimed_seq(line, len), "not a JSON object");
	if (!span_seq(k[0], &seq) || !span_plain(k[1], prev, sizeof(prev)) || !span_plain(k[2], ts, sizeof(ts)) ||
	    !k[3].p || k[3].p[0] != '"' || !k[4].p || k[4].n != 1 || k[4].p[0] != '1')
		return bad(f, claimed_seq(line, len), "a record needs v 1, seq, prev, ts and event");
	/* The event name only matters when it is audit.torn; any other (escapes and all) passes. */
	if (!span_plain(k[3], event, sizeof(event)))
		event[0] = '\0';
	if (!ch->started) {
		if (seq == 1 && strcmp(prev, AUDIT_ZERO_HASH)) {
			rc = bad(f, seq, "the first record's prev is not zero");
			goto out;
		}
		for (size_t i = 0; seq > 1 && i < cps->n; i++) {
			if (cps->c[i].last_seq + 1 == seq && strcmp(cps->c[i].last_hash, prev)) {
				rc = bad(f, seq, "prev does not match the checkpoint of the record before it");
				goto out;
			}
		}
		ch->start_seq = seq;
		memcpy(ch->start_prev, prev, sizeof(ch->start_prev));
		snprintf(ch->start_file, sizeof(ch->start_file), "%s", f->name);
		res->first_seq = seq;
	} else if (seq != ch->seq + 1) {
		char *why = guard_xasprintf("expected seq %lu: a record was removed, inserted or reordered", ch->seq + 1);
		rc = bad(f, seq, why);
		free(why);
		goto out;
	} else if (strcmp(prev, ch->hash)) {
		char *why = guard_xasprintf("prev is not the hash of seq %lu: the chain is broken", ch->seq);
		rc = bad(f, seq, why);
		free(why);
		goto out;
	}
	if (strncmp(ts, f->name, 10)) {
		rc = bad(f, seq, "its ts is not of this file's day");
		goto out;
	}
	/* A file's first record never changes (a prune removes whole files): a later one was cut from the head. */
	for (size_t i = 0; f->lineno == 1 && i < cps->n; i++) {
		const struct checkpoint *c = &cps->c[i];
		if (strcmp(c->file, f->name) || seq <= c->first_seq)
			continue;
		char *why = guard_xasprintf("the file starts here, but the checkpoint sealed %s says it started at seq "
					    "%lu: seq %lu..%lu were cut from the head of the file", c->ts, c->first_seq,
					    c->first_seq, seq - 1);
		rc = bad(f, seq, why);
		free(why);
		goto out;
	}
	if (ch->wm && seq == ch->w.seq && !strcmp(f->name, ch->w.file)) {
		if (strcmp(hash, ch->w.hash)) {
			char *why = guard_xasprintf("was synced with hash %.12s... (ending at byte %lld) and now has hash "
						    "%.12s...: records were cut or rewritten after they were on disk",
						    ch->w.hash, (long long)ch->w.size, hash);
			rc = bad(f, seq, why);
			free(why);
			goto out;
		}
		ch->wm_seen = true;
	}
	if (ch->fss_on && (rc = check_seal(f, line, len, seq, ts, !strcmp(event, AUDIT_SEAL_EVENT), ch, res)) < 0)
		goto out;
	if (!strcmp(event, "audit.torn"))
		guard_list_take(&res->notes, guard_xasprintf("%s:%lu: seq %lu records a torn write that was moved aside",
							     f->path, f->lineno, seq));
	else if (!strcmp(event, "audit.pruned"))
		note_prune(line, len, seq, hash, ch);
	for (size_t i = 0; i < cps->n; i++) {
		const struct checkpoint *c = &cps->c[i];
		if (strcmp(c->file, f->name) || c->records != f->lineno)
			continue;
		if (c->last_seq != seq || strcmp(c->last_hash, hash)) {
			char *why = guard_xasprintf("does not match the checkpoint sealed %s (seq %lu, hash %.12s...): "
						    "the log was rewritten", c->ts, c->last_seq, c->last_hash);
			rc = bad(f, seq, why);
			free(why);
			goto out;
		}
		res->checkpoints++;
	}
	ch->started = true;
	ch->seq = seq;
	memcpy(ch->hash, hash, sizeof(ch->hash));
	res->records++;
	res->last_seq = seq;
	memcpy(res->last_hash, hash, sizeof(res->last_hash));
out:
	return rc;
}

/*
 * Lines are read and hashed a batch at a time, the batch split between
 * this thread and a helper (hashing is most of verify's time and each
 * line's hash stands alone); the chain is then checked in order.
 */
#define VERIFY_BATCH 8192
#define VERIFY_SPLIT_MIN 256 /* smaller batches are hashed here alone */

struct vline {
	const char *line;
	size_t len;
	unsigned long lineno;
	bool complete;
	int why;
	char *dup;      /* the JSON pointer of a member named twice (malloc'd), or NULL */
	char hash[GUARD_AUDIT_HASH_LEN + 1];
};

struct vrange {
	struct vline *v;
	size_t from, to;
};

#define PLAIN_DEPTH_MAX 64

/*
 * Whether the object or array at p[i], and all it holds, has its member
 * names in strictly rising byte order with no escape or NUL in them, as
 * the canonical writer prints every record: then no object in it names
 * a member twice. *end gets the index after it. False says only "not
 * plainly canonical", and cJSON decides (dup_of). This keeps verify's
 * pace: a parse of every record would double its cost.
 */
static bool
plainly_unique(const char *p, size_t len, size_t i, size_t *end, int depth)
{
	const bool obj = p[i] == '{';
	const char close = obj ? '}' : ']';
	const char *prev = NULL;
	size_t prevn = 0;
	bool seen_hash = false;

	if (depth > PLAIN_DEPTH_MAX)
		return false;
	i = skip_ws(p, len, i + 1);
	if (i < len && p[i] == close) {
		*end = i + 1;
		return true;
	}
	for (;;) {
		if (obj) {
			size_t kend;
			if (i >= len || p[i] != '"' || !(kend = string_end(p, len, i)))
				return false;
			const char *k = p + i + 1;
			size_t kn = kend - i - 2;
			if (memchr(k, '\\', kn) || memchr(k, '\0', kn))
				return false;
			if (depth == 0 && kn == 4 && !memcmp(k, "hash", 4)) {
				/* the writer puts the record's own hash last, out of order: once */
				if (seen_hash)
					return false;
				seen_hash = true;
			} else {
				int c = prev ? memcmp(prev, k, prevn < kn ? prevn : kn) : -1;
				if (c > 0 || (c == 0 && prevn >= kn))
					return false;
				prev = k;
				prevn = kn;
			}
			i = skip_ws(p, len, kend);
			if (i >= len || p[i] != ':')
				return false;
			i = skip_ws(p, len, i + 1);
		}
		if (i >= len)
			return false;
		if (p[i] == '{' || p[i] == '[') {
			if (!plainly_unique(p, len, i, &i, depth + 1))
				return false;
		} else if (!(i = value_end(p, len, i))) {
			return false;
		}
		i = skip_ws(p, len, i);
		if (i < len && p[i] == ',') {
			i = skip_ws(p, len, i + 1);
			continue;
		}
		if (i < len && p[i] == close) {
			*end = i + 1;
			return true;
		}
		return false;
	}
}

/*
 * A member named twice anywhere in a record: the hash binds the bytes,
 * but readers would disagree on what they say. cJSON keeps both members,
 * so a parse and a walk find it; done here, beside the hash, on both
 * threads, for the records not plainly canonical.
 */
static char *
dup_of(const char *line, size_t len)
{
	struct guard_buf path = GUARD_BUF_INIT;
	cJSON *o = cJSON_ParseWithLength(line, len);
	char *out = NULL;

	if (o && guard_json_dup_key(o, &path))
		out = guard_buf_detach(&path);
	guard_buf_release(&path);
	cJSON_Delete(o);
	return out;
}

static void *
hash_range(void *arg)
{
	struct vrange *r = arg;
	for (size_t i = r->from; i < r->to; i++) {
		struct vline *l = &r->v[i];
		l->dup = NULL;
		if (!l->complete)
			continue;
		l->why = audit_line_verify(l->line, l->len, l->hash);
		size_t end;
		if (l->why == AUDIT_LINE_OK && !plainly_unique(l->line, l->len, 0, &end, 0))
			l->dup = dup_of(l->line, l->len);
	}
	return NULL;
}

static void
hash_batch(struct vline *v, size_t n)
{
	struct vrange lo = { v, 0, n / 2 }, hi = { v, n / 2, n }, all = { v, 0, n };
	pthread_t t;

	if (n < VERIFY_SPLIT_MIN || pthread_create(&t, NULL, hash_range, &lo) != 0) {
		hash_range(&all);
		return;
	}
	hash_range(&hi);
	pthread_join(t, NULL);
}

/* The longest record the writer makes (an event line at its limit, plus what the record adds): one write. */
#define AUDIT_RECORD_MAX (GUARD_EVENT_MAX_DEFAULT + ((size_t)64 << 10))

/*
 * A last line without its newline. A writer that stopped mid-write
 * leaves one: never synced (it lies past the watermark), no longer than
 * one record, at the end of the newest file; it was never acknowledged,
 * so it is noted, and the next append moves it aside. Anything else is a
 * record that was once complete, cut.
 */
static int
torn_end(const struct guard_audit_file *f, const char *line, size_t len, const struct chain *ch,
	 struct guard_audit_verify_result *res)
{
	off_t at = (off_t)(line - f->data);
	char *why = NULL;
	int rc = 0;

	if (ch->newest && strcmp(f->name, ch->newest))
		why = guard_xasprintf("a record without its newline (%zu bytes) in a file a later one follows: it "
				      "was cut", len);
	else if (len > AUDIT_RECORD_MAX)
		why = guard_xasprintf("a torn last record of %zu bytes, longer than one write (%zu): it was not "
				      "torn by a writer", len, AUDIT_RECORD_MAX);
	else if (ch->wm && !strcmp(ch->w.file, f->name) && at < ch->w.size)
		why = guard_xasprintf("a torn last record at byte %lld, but the log was synced up to byte %lld "
				      "(seq %lu): a record that was once complete was cut", (long long)at,
				      (long long)ch->w.size, ch->w.seq);
	if (why) {
		rc = bad(f, claimed_seq(line, len), why);
		free(why);
		return rc;
	}
	guard_list_take(&res->notes, guard_xasprintf("%s:%lu: a torn last record (%zu bytes, never synced): a writer "
						     "stopped mid-write; the next append moves it to %s.torn", f->path,
						     f->lineno, len, f->name));
	return 0;
}

static int
verify_file(const char *dir, const char *name, struct chain *ch, const struct checkpoints *cps,
	    struct guard_audit_verify_result *res)
{
	struct guard_audit_file f = GUARD_AUDIT_FILE_INIT;
	struct vline *v;
	size_t n;
	int rc;

	if ((rc = guard_audit_file_open(&f, dir, name)) < 0)
		return rc;
	v = guard_xcalloc(VERIFY_BATCH, sizeof(*v));
	do {
		for (n = 0; n < VERIFY_BATCH; n++) {
			if (guard_audit_file_next(&f, &v[n].line, &v[n].len, &v[n].complete) <= 0)
				break;
			v[n].lineno = f.lineno;
		}
		hash_batch(v, n);
		unsigned long read_to = f.lineno;
		for (size_t i = 0; i < n && rc == 0; i++) {
			f.lineno = v[i].lineno; /* for the messages */
			if (!v[i].complete) {
				rc = torn_end(&f, v[i].line, v[i].len, ch, res);
				break;
			}
			if (v[i].dup) {
				char *why = guard_xasprintf("the record names a member twice (%s): readers would disagree "
							    "on what it says", v[i].dup);
				rc = bad(&f, claimed_seq(v[i].line, v[i].len), why);
				free(why);
				break;
			}
			rc = check_record(&f, v[i].line, v[i].len, v[i].why, v[i].hash, ch, cps, res);
		}
		for (size_t i = 0; i < n; i++) {
			free(v[i].dup);
			v[i].dup = NULL;
		}
		if (rc == 0)
			f.lineno = read_to;
	} while (rc == 0 && n == VERIFY_BATCH);
	free(v);
	if (rc == 0) {
		for (size_t i = 0; i < cps->n; i++) {
			if (strcmp(cps->c[i].file, name) || cps->c[i].records <= f.lineno)
				continue;
			rc = guard_error(GUARD_EDENY, "%s:%lu: the file ends at seq %lu, but the checkpoint sealed %s "
					 "says %lu records up to seq %lu: records were cut from the tail",
					 f.path, f.lineno, ch->seq, cps->c[i].ts, cps->c[i].records, cps->c[i].last_seq);
			break;
		}
	}
	guard_audit_file_close(&f);
	res->files++;
	return rc;
}

void
guard_audit_verify_release(struct guard_audit_verify_result *res)
{
	guard_list_clear(&res->notes);
}

/*
 * A checkpointed file that is gone from before the first kept one: a
 * prune when an audit.pruned record in the chain accounts for its last
 * record (and, when the one that accounts for the start of the log lists
 * the file, says what the checkpoint says); else the file was deleted.
 */
static int
check_removed(const char *dir, const struct guard_audit_verify_opts *o, const struct checkpoint *c,
	      const struct chain *ch)
{
	const cJSON *f;

	if (ch->started && c->last_seq >= ch->start_seq)
		return guard_error(GUARD_EDENY, "%s/%s: missing; the checkpoint sealed %s (%s:%lu) says it held seq "
				   "%lu..%lu, but the log now starts at seq %lu: the log was rewritten", dir, c->file,
				   c->ts, o->checkpoint_path, c->lineno, c->first_seq, c->last_seq, ch->start_seq);
	if (c->last_seq > ch->prune_through)
		return guard_error(GUARD_EDENY, "%s/%s: missing, but the checkpoint sealed %s (%s:%lu) covers it "
				   "(seq %lu..%lu), and no audit.pruned record accounts for its removal: the file was deleted",
				   dir, c->file, c->ts, o->checkpoint_path, c->lineno, c->first_seq, c->last_seq);
	cJSON_ArrayForEach(f, ch->cover_files) {
		unsigned long last;
		const char *name = str_of(f, "file"), *lh = str_of(f, "last_hash");
		if (!name || strcmp(name, c->file) || !count_of(f, "last_seq", &last) || !lh)
			continue;
		if (last < c->last_seq || (last == c->last_seq && strcmp(lh, c->last_hash)))
			return guard_error(GUARD_EDENY, "%s/%s: the prune record (seq %lu) says it ended at seq %lu "
					   "(hash %.12s...), but the checkpoint sealed %s (%s:%lu) says seq %lu (hash %.12s...)",
					   dir, c->file, ch->cover_seq, last, lh, c->ts, o->checkpoint_path, c->lineno,
					   c->last_seq, c->last_hash);
	}
	return 0;
}

/*
 * The watermark's record must still be there (check_record compared its
 * hash when it met it): else it was cut, or its file deleted (unless a
 * prune removed it).
 */
static int
check_synced(const char *dir, const struct guard_audit_verify_opts *o, const struct guard_list *names,
	     const struct chain *ch)
{
	const struct audit_synced *w = &ch->w;

	if (!ch->wm || ch->wm_seen)
		return 0;
	if ((o->from && strncmp(w->file, o->from, 10) < 0) || (o->to && strncmp(w->file, o->to, 10) > 0))
		return 0;
	if (guard_list_has(names, w->file))
		return guard_error(GUARD_EDENY, "%s/%s: seq %lu was synced (hash %.12s..., ending at byte %lld) and "
				   "the file no longer holds it: records that were once complete were cut", dir,
				   w->file, w->seq, w->hash, (long long)w->size);
	if (w->seq <= ch->prune_through)
		return 0;
	return guard_error(GUARD_EDENY, "%s/%s: missing, but seq %lu was synced in it (hash %.12s...): the file "
			   "was deleted", dir, w->file, w->seq, w->hash);
}

/* The watermark of the log, when the caller named the project; a note when there is none. */
static int
load_synced(const char *dir, const struct guard_audit_verify_opts *o, struct chain *ch,
	    struct guard_audit_verify_result *res)
{
	char *path = NULL;
	int rc;

	if (!o->root)
		return 0;
	if ((rc = audit_synced_path(o->root, dir, false, &path)) < 0)
		return rc;
	if ((rc = audit_synced_read(path, &ch->w, &ch->wm)) == 0 && !ch->wm)
		guard_list_add(&res->notes, "no synced-record watermark yet: a cut tail is caught only against a "
			       "checkpoint");
	free(path);
	return rc;
}

/*
 * The records before the first kept one: none (seq 1), pruned (an
 * audit.pruned record later in the chain names the record the first
 * kept one follows), outside a partial range, or deleted.
 */
static int
check_start(const char *dir, bool whole, const struct chain *ch, struct guard_audit_verify_result *res)
{
	if (!ch->started || ch->start_seq <= 1)
		return 0;
	if (ch->cover_seq) {
		res->pruned_seq = ch->cover_seq;
		memcpy(res->pruned_hash, ch->cover_hash, sizeof(res->pruned_hash));
		guard_list_take(&res->notes, guard_xasprintf("the log starts at seq %lu (%s): seq 1..%lu were pruned, "
							     "as seq %lu (audit.pruned) records", ch->start_seq,
							     ch->start_file, ch->start_seq - 1, ch->cover_seq));
		return 0;
	}
	if (!whole) {
		guard_list_take(&res->notes, guard_xasprintf("the log starts at seq %lu (%s); earlier records are "
							     "outside the range (verify the whole log to hold them to a "
							     "prune record)", ch->start_seq, ch->start_file));
		return 0;
	}
	char *last = ch->last_prune_seq ? guard_xasprintf("; the last prune (seq %lu) accounts up to seq %lu",
							  ch->last_prune_seq, ch->last_prune_through)
					: guard_xstrdup("");
	int rc = guard_error(GUARD_EDENY, "%s/%s:1: seq %lu: seq 1..%lu are missing (its prev %.12s... is a "
			     "record that is gone) and no audit.pruned record accounts for them: an older day file "
			     "was deleted, or the head of %s was cut (verify --checkpoint tells which)%s", dir,
			     ch->start_file, ch->start_seq, ch->start_seq - 1, ch->start_prev, ch->start_file, last);
	free(last);
	return rc;
}

int
guard_audit_verify(const char *dir, const struct guard_audit_verify_opts *o, struct guard_audit_verify_result *res)
{
	struct guard_list names = GUARD_LIST_INIT, all = GUARD_LIST_INIT;
	struct checkpoints cps = { 0 };
	struct chain ch = { 0 };
	bool whole;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (o->key) {
		if ((rc = audit_fss_parse_vkey(o->key, &ch.fss)) < 0)
			goto out;
		ch.fss_on = true;
		res->epoch_start = ch.fss.start;
		res->epoch_len = ch.fss.len;
	}
	if (o->checkpoint_text && o->checkpoint_path)
		rc = checkpoints_parse(o->checkpoint_path, o->checkpoint_text, &cps);
	else if (o->checkpoint_path)
		rc = checkpoints_load(o->checkpoint_path, false, &cps);
	if (rc < 0)
		goto out;
	if ((rc = guard_audit_files(dir, o->from, o->to, &names)) < 0 ||
	    (rc = guard_audit_files(dir, NULL, NULL, &all)) < 0)
		goto out;
	/* The range holds the first and the last file: the start of the log is checked, not noted. */
	whole = names.len == all.len;
	ch.newest = all.len ? all.items[all.len - 1] : NULL;
	if ((rc = load_synced(dir, o, &ch, res)) < 0)
		goto out;
	/* A checkpointed file that is gone after the first kept one was deleted; before it, see check_removed. */
	for (size_t i = 0; i < cps.n; i++) {
		const char *f = cps.c[i].file;
		if ((o->from && strncmp(f, o->from, 10) < 0) || (o->to && strncmp(f, o->to, 10) > 0))
			continue;
		if (!guard_list_has(&names, f) && names.len && strcmp(f, names.items[0]) > 0) {
			rc = guard_error(GUARD_EDENY, "%s/%s: missing, but the checkpoint sealed %s (%s:%lu) covers it",
					 dir, f, cps.c[i].ts, o->checkpoint_path, cps.c[i].lineno);
			goto out;
		}
	}
	for (size_t i = 0; i < names.len; i++)
		if ((rc = verify_file(dir, names.items[i], &ch, &cps, res)) < 0)
			goto out;
	if (!res->records && cps.n && !names.len) {
		rc = guard_error(GUARD_EDENY, "%s: no audit records, but %zu checkpoint%s cover some", dir, cps.n,
				 cps.n == 1 ? "" : "s");
		goto out;
	}
	for (size_t i = 0; i < cps.n; i++) {
		const struct checkpoint *c = &cps.c[i];
		if ((o->from && strncmp(c->file, o->from, 10) < 0) || (o->to && strncmp(c->file, o->to, 10) > 0) ||
		    guard_list_has(&names, c->file))
			continue;
		if ((rc = check_removed(dir, o, c, &ch)) < 0)
			goto out;
	}
	if ((rc = check_synced(dir, o, &names, &ch)) < 0)
		goto out;
	rc = check_start(dir, whole, &ch, res);
out:
	cJSON_Delete(ch.cover_files);
	sodium_memzero(&ch.fss, sizeof(ch.fss));
	guard_list_clear(&names);
	guard_list_clear(&all);
	free(cps.c);
	return rc;
}

/* ---------------------------------------------------------------- seal */

/* seq and prev of a record line, read as verify reads them (0 and "" when it has none). */
void
audit_seq_prev_of(const char *line, size_t len, unsigned long *seq, char prev[GUARD_AUDIT_HASH_LEN + 1])
{
	static const char *const names[2] = { "seq", "prev" };
	struct span k[2];

	*seq = 0;
	prev[0] = '\0';
	if (!top_members(line, len, names, 2, k))
		return;
	if (!span_seq(k[0], seq))
		*seq = 0;
	if (!span_plain(k[1], prev, GUARD_AUDIT_HASH_LEN + 1))
		prev[0] = '\0';
}

/* Records, first and last seq, last hash (and first prev, when asked) of one (verified) day file. */
static int
file_head(const char *dir, const char *name, struct checkpoint *c, char *first_prev)
{
	struct guard_audit_file f = GUARD_AUDIT_FILE_INIT;
	const char *line, *last = NULL;
	size_t len, lastlen = 0;
	bool complete;
	char prev[GUARD_AUDIT_HASH_LEN + 1];
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", name);
	if ((rc = guard_audit_file_open(&f, dir, name)) < 0)
		return rc;
	while ((rc = guard_audit_file_next(&f, &line, &len, &complete)) > 0) {
		if (!complete) {
			rc = guard_error(GUARD_EDENY, "%s:%lu: torn last record; append once or verify first", f.path,
					 f.lineno);
			break;
		}
		if (f.lineno == 1) {
			audit_seq_prev_of(line, len, &c->first_seq, prev);
			if (first_prev)
				memcpy(first_prev, prev, sizeof(prev));
		}
		last = line;
		lastlen = len;
		c->records = f.lineno;
	}
	if (rc == 0 && last) {
		audit_seq_prev_of(last, lastlen, &c->last_seq, prev);
		rc = guard_audit_line_check(last, lastlen, c->last_hash);
	}
	guard_audit_file_close(&f);
	return rc;
}

static const struct checkpoint *
latest_for(const struct checkpoints *cps, const char *name)
{
	for (size_t i = cps->n; i-- > 0;)
		if (!strcmp(cps->c[i].file, name))
			return &cps->c[i];
	return NULL;
}

int
guard_audit_sealed(const char *dir, const char *name, bool *sealed)
{
	struct checkpoints cps = { 0 };
	struct checkpoint now;
	char *path = guard_xasprintf("%s/" AUDIT_SEALS, dir);
	int rc;

	*sealed = false;
	if ((rc = checkpoints_load(path, true, &cps)) == 0 && (rc = file_head(dir, name, &now, NULL)) == 0) {
		const struct checkpoint *c = latest_for(&cps, name);
		*sealed = c && c->records == now.records && !strcmp(c->last_hash, now.last_hash);
	}
	free(cps.c);
	free(path);
	return rc;
}

int
audit_file_head(const char *dir, const char *name, struct audit_head *h)
{
	struct checkpoints cps = { 0 };
	struct checkpoint now;
	char *path = guard_xasprintf("%s/" AUDIT_SEALS, dir);
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = checkpoints_load(path, true, &cps)) == 0 && (rc = file_head(dir, name, &now, h->first_prev)) == 0) {
		const struct checkpoint *c = latest_for(&cps, name);
		snprintf(h->file, sizeof(h->file), "%s", name);
		h->records = now.records;
		h->first_seq = now.first_seq;
		h->last_seq = now.last_seq;
		memcpy(h->last_hash, now.last_hash, sizeof(h->last_hash));
		if (c && c->records == now.records && !strcmp(c->last_hash, now.last_hash))
			memcpy(h->sealed_by, c->hash, sizeof(h->sealed_by));
	}
	free(cps.c);
	free(path);
	return rc;
}

static cJSON *
checkpoint_json(const struct checkpoint *c, const char *prev, const char *ts)
{
	char hex[GUARD_SHA256_HEX];
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "v", 1);
	cJSON_AddStringToObject(o, "type", "guard.audit.checkpoint");
	cJSON_AddStringToObject(o, "file", c->file);
	cJSON_AddNumberToObject(o, "records", (double)c->records);
	cJSON_AddNumberToObject(o, "first_seq", (double)c->first_seq);
	cJSON_AddNumberToObject(o, "last_seq", (double)c->last_seq);
	cJSON_AddStringToObject(o, "last_hash", c->last_hash);
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "prev", prev);
	self_hash(o, hex);
	cJSON_AddStringToObject(o, "hash", hex);
	return o;
}

static int
append_seals(const char *dir, const struct guard_buf *text)
{
	char *path = guard_xasprintf("%s/" AUDIT_SEALS, dir);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600), rc = 0;

	if (fd < 0 || write(fd, text->buf, text->len) != (ssize_t)text->len || fsync(fd) < 0)
		rc = guard_error(GUARD_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

int
guard_audit_seal(const char *dir, cJSON *out)
{
	struct guard_audit_verify_opts vo = { 0 };
	struct guard_audit_verify_result vr = GUARD_AUDIT_VERIFY_RESULT_INIT;
	struct guard_list names = GUARD_LIST_INIT;
	struct checkpoints cps = { 0 };
	struct guard_buf text = GUARD_BUF_INIT;
	char *seals = guard_xasprintf("%s/" AUDIT_SEALS, dir), prev[GUARD_AUDIT_HASH_LEN + 1], ts[GUARD_TIME_LEN];
	int lockfd = -1, rc;
	struct guard_audit_config cfg;

	if ((rc = guard_audit_config(&cfg, dir, NULL)) < 0)
		goto out;
	rc = audit_lock(dir, cfg.lock_timeout_ms, &lockfd);
	guard_audit_config_release(&cfg);
	if (rc < 0)
		goto out;
	if ((rc = checkpoints_load(seals, true, &cps)) < 0)
		goto out;
	/* Never seal a log that does not verify: the seal would bless the damage. */
	vo.checkpoint_path = cps.n ? seals : NULL;
	rc = guard_audit_verify(dir, &vo, &vr);
	guard_audit_verify_release(&vr);
	if (rc < 0)
		goto out;
	if ((rc = guard_audit_files(dir, NULL, NULL, &names)) < 0)
		goto out;
	memcpy(prev, cps.n ? cps.c[cps.n - 1].hash : AUDIT_ZERO_HASH, sizeof(prev));
	guard_time_now(ts);
	for (size_t i = 0; i < names.len; i++) {
		struct checkpoint now;
		const struct checkpoint *last = latest_for(&cps, names.items[i]);
		if ((rc = file_head(dir, names.items[i], &now, NULL)) < 0)
			goto out;
		if (!now.records || (last && last->records == now.records && !strcmp(last->last_hash, now.last_hash)))
			continue;
		cJSON *cp = checkpoint_json(&now, prev, ts);
		char *line = guard_json_canonical(cp);
		guard_buf_addstr(&text, line);
		guard_buf_addch(&text, '\n');
		free(line);
		memcpy(prev, cJSON_GetObjectItemCaseSensitive(cp, "hash")->valuestring, sizeof(prev));
		cJSON_AddItemToArray(out, cp);
	}
	if (text.len)
		rc = append_seals(dir, &text);
out:
	guard_lock_release(lockfd);
	guard_buf_release(&text);
	guard_list_clear(&names);
	free(cps.c);
	free(seals);
	return rc;
}

/* ---------------------------------------------------------------- the witness ref's side */

int
audit_seals_after(const char *dir, const char *after, struct guard_buf *out, struct audit_seals_span *span)
{
	char *path = guard_xasprintf("%s/" AUDIT_SEALS, dir), *text = NULL;
	struct checkpoints cps = { 0 };
	size_t len, from = 0;
	int rc = guard_file_read(path, SEALS_MAX, 1, &text, &len);

	memset(span, 0, sizeof(*span));
	if (rc == GUARD_ENOTFOUND && !*after) {
		rc = 0;
		goto out;
	}
	if (rc < 0 || (rc = checkpoints_parse(path, text, &cps)) < 0)
		goto out;
	if (*after) {
		while (from < cps.n && strcmp(cps.c[from].hash, after))
			from++;
		if (from == cps.n) {
			rc = guard_error(GUARD_EDENY, "%s does not hold the last checkpoint the ref has (%.12s...): one "
					 "of the two was rewritten", path, after);
			goto out;
		}
		from++;
	}
	/* seals.jsonl is one checkpoint a line: take the lines of cps.c[from..] as they are */
	const char *p = text;
	unsigned long lineno = 0;
	for (size_t i = from; i < cps.n; i++) {
		const char *nl;
		while (lineno + 1 < cps.c[i].lineno && (nl = strchr(p, '\n'))) {
			p = nl + 1;
			lineno++;
		}
		nl = strchr(p, '\n');
		guard_buf_add(out, p, nl ? (size_t)(nl - p) : strlen(p));
		guard_buf_addch(out, '\n');
		if (i == from) {
			span->first_seq = cps.c[i].first_seq;
			snprintf(span->first_file, sizeof(span->first_file), "%s", cps.c[i].file);
		}
		span->last_seq = cps.c[i].last_seq;
		snprintf(span->last_file, sizeof(span->last_file), "%s", cps.c[i].file);
		memcpy(span->last_hash, cps.c[i].last_hash, sizeof(span->last_hash));
		memcpy(span->hash, cps.c[i].hash, sizeof(span->hash));
		span->n++;
	}
out:
	free(cps.c);
	free(text);
	free(path);
	return rc;
}
