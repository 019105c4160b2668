#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_hash.h"
#include "guard_json.h"

/* Members a record takes as they are, or summarises, or leaves out. */
static const char *const taken[] = {
	"event", "id", "session", "actor", "tool", "risk", "decision", "approval", "policy_rev", "summary",
};
static const char *const dropped[] = {
	/* the writer's own, redundant, or summarised */
	"v", "ts", "seq", "prev", "hash", "erased", "project", "phase", "hook", "permission_mode",
	"hints", "input", "result", "duration_ms", "session_source", "data",
};

/* The members build() reads from the event: taken[] in its order, then these. */
enum { M_EVENT = 0, M_DECISION = 6, M_POLICY_REV = 8, M_SUMMARY = 9 }; /* in taken[] */
enum { M_TAKEN = sizeof(taken) / sizeof(taken[0]), M_INPUT = M_TAKEN, M_PHASE, M_DATA, M_COUNT };
static const char *const read_names[M_COUNT - M_TAKEN] = { "input", "phase", "data" };

/*
 * The first member of each name build() reads, in one walk of the event
 * (what cJSON_GetObjectItemCaseSensitive finds for each, as long as none
 * was detached: only members read here are, and only after this).
 */
static void
find_members(const cJSON *event, const cJSON *at[M_COUNT])
{
	for (size_t i = 0; i < M_COUNT; i++)
		at[i] = NULL;
	for (const cJSON *c = event->child; c; c = c->next) {
		const char *name = c->string;
		if (!name)
			continue;
		for (size_t i = 0; i < M_COUNT; i++) {
			const char *want = i < M_TAKEN ? taken[i] : read_names[i - M_TAKEN];
			if (name[0] == want[0] && !at[i] && !strcmp(name, want)) {
				at[i] = c;
				break;
			}
		}
	}
}

static bool
listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (name[0] == list[i][0] && !strcmp(name, list[i]))
			return true;
	return false;
}

/* Cut s to at most max bytes without splitting a UTF-8 sequence. */
static void
truncate_utf8(char *s, size_t max)
{
	size_t len = strlen(s);
	if (len <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}

static const char *
str_at(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* What a person reads first: the command, the path, the url. */
static char *
summarise_input(const cJSON *input)
{
	static const char *const keys[] = {
		"command", "file_path", "notebook_path", "url", "query", "pattern", "path", "description",
	};
	const char *s;

	if (!cJSON_IsObject(input))
		return NULL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((s = str_at(input, keys[i])))
			return guard_xstrdup(s);
	char *all = guard_json_canonical(input);
	return all;
}

/* success, duration_ms and error of a post-phase event. */
static void
add_result(cJSON *data, const cJSON *event)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(event, "result");
	const cJSON *dur = cJSON_GetObjectItemCaseSensitive(event, "duration_ms");
	const char *hook = str_at(event, "hook"), *err = NULL;
	bool ok = !(hook && !strcmp(hook, "PostToolUseFailure"));
	const cJSON *v;

	if (cJSON_IsObject(res)) {
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(res, "success")) ||
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "is_error")) ||
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "interrupted")))
			ok = false;
		if ((v = cJSON_GetObjectItemCaseSensitive(res, "error")) && !cJSON_IsNull(v) && !cJSON_IsFalse(v)) {
			ok = false;
			err = cJSON_IsString(v) ? v->valuestring : "error";
		}
		if (!ok && !err)
			err = str_at(res, "stderr");
	} else if (cJSON_IsString(res) && !ok) {
		err = res->valuestring;
	}
	if (!err && !ok)
		err = str_at(event, "error");
	cJSON_AddItemToObjectCS(data, "success", cJSON_CreateBool(ok));
	if (cJSON_IsNumber(dur))
		cJSON_AddItemToObjectCS(data, "duration_ms", cJSON_CreateNumber(dur->valuedouble));
	else
		cJSON_AddItemToObjectCS(data, "duration_ms", cJSON_CreateNull());
	if (err && *err)
		cJSON_AddItemToObjectCS(data, "error", cJSON_CreateString(err));
}

/* v itself, moved out of the event, when the event is ours to take apart; else a copy. */
static cJSON *
take_or_copy(cJSON *event, const cJSON *v, bool take)
{
	if (!take)
		return cJSON_Duplicate(v, 1);
	return cJSON_DetachItemViaPointer(event, (cJSON *)v);
}

/* Keys the record's tree takes are string literals or taken[]: added without a copy (cJSON_AddItemToObjectCS). */
static void
add_copy(cJSON *rec, const char *key, cJSON *event, const cJSON *v, bool take)
{
	cJSON_AddItemToObjectCS(rec, key, v ? take_or_copy(event, v, take) : cJSON_CreateNull());
}

/* Member c of obj into data under its name: moved when take, else copied. */
static void
add_member(cJSON *data, cJSON *obj, cJSON *c, bool take)
{
	if (!take) {
		cJSON_AddItemToObject(data, c->string, cJSON_Duplicate(c, 1));
		return;
	}
	cJSON_DetachItemViaPointer(obj, c);
	/* c keeps its name: add it as it is (cJSON_AddItemToObject would copy the name). */
	cJSON_AddItemToArray(data, c);
}

/* "sha256:<hex>" of the canonical input, so an approval or a dispute can match it. */
static void
add_digest(cJSON *rec, const cJSON *input, struct guard_buf *scratch)
{
	struct guard_buf own = GUARD_BUF_INIT, *canon = scratch ? scratch : &own;
	char d[sizeof("sha256:") - 1 + GUARD_SHA256_HEX] = "sha256:";

	if (!input) {
		cJSON_AddItemToObjectCS(rec, "input_digest", cJSON_CreateNull());
		return;
	}
	guard_buf_reset(canon);
	guard_json_canonical_append(canon, input);
	guard_sha256_hex(canon->buf, canon->len, d + sizeof("sha256:") - 1);
	guard_buf_reset(canon);
	guard_buf_release(&own);
	cJSON_AddItemToObjectCS(rec, "input_digest", cJSON_CreateString(d));
}

/*
 * An event that names a member twice anywhere says two things: cJSON
 * (query, the gate) reads the first, jq and Python the last. Refused.
 */
static int
check_unique(const cJSON *event)
{
	struct guard_buf path = GUARD_BUF_INIT;
	int rc = 0;

	if (guard_json_dup_key(event, &path))
		rc = guard_error(GUARD_EUSAGE, "the event names a member twice (%s): refused, it would read one "
				 "way here and another elsewhere", path.buf);
	guard_buf_release(&path);
	return rc;
}

int
guard_audit_event_name_check(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > GUARD_AUDIT_EVENT_NAME_MAX)
		return guard_error(GUARD_EUSAGE, "event name of %zu bytes: an event name has 1 to %d", n,
				   GUARD_AUDIT_EVENT_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (alnum || (i && (c == '.' || c == '_' || c == '-' || c == ':')))
			continue;
		/* the name as given when it is printable, else only what comes before the bad byte */
		size_t shown = n;
		for (size_t k = 0; k < n && shown == n; k++)
			if ((unsigned char)name[k] < 0x20 || (unsigned char)name[k] > 0x7e)
				shown = i;
		return guard_error(GUARD_EUSAGE, "event name '%.*s': byte %zu (0x%02x) is not a letter, digit, '.', '_', "
				   "'-' or ':' (an event name begins with a letter or digit)", (int)shown, name, i + 1, c);
	}
	return 0;
}

static int
build(const struct guard_redactor *r, const char *event_name, const cJSON *event, bool take, bool own,
      struct guard_buf *scratch, cJSON **out)
{
	cJSON *ev = (cJSON *)event; /* changed only when take */
	const cJSON *at[M_COUNT];
	const char *name = event_name, *summary;
	cJSON *rec, *data, *dec, *erased, *c;

	*out = NULL;
	if (!cJSON_IsObject(event))
		return guard_error(GUARD_EUSAGE, "an audit event must be a JSON object");
	if (check_unique(event) < 0)
		return GUARD_EUSAGE;
	find_members(event, at);
	const cJSON *input = at[M_INPUT], *decision = at[M_DECISION], *rev = at[M_POLICY_REV];
	if (!name)
		name = cJSON_IsString(at[M_EVENT]) ? at[M_EVENT]->valuestring : NULL;
	if (!name) {
		const char *phase = cJSON_IsString(at[M_PHASE]) ? at[M_PHASE]->valuestring : NULL;
		name = phase && !strcmp(phase, "post") ? "tool.result" : decision ? "decision" : NULL;
	}
	if (!name || !*name)
		return guard_error(GUARD_EUSAGE, "the event has no \"event\" name (and is no decision or tool result)");
	if (guard_audit_event_name_check(name) < 0)
		return GUARD_EUSAGE;
	if (!own && !strncmp(name, AUDIT_OWN_PREFIX, sizeof(AUDIT_OWN_PREFIX) - 1))
		return guard_error(GUARD_EUSAGE, "event '%s': names starting with '" AUDIT_OWN_PREFIX "' are "
				   "written by the audit log itself (a torn write, a prune)", name);

	rec = cJSON_CreateObject();
	cJSON_AddItemToObjectCS(rec, "event", cJSON_CreateString(name));
	for (size_t i = 1; i < 8; i++) /* id .. approval */
		add_copy(rec, taken[i], ev, at[i], take);
	dec = cJSON_GetObjectItemCaseSensitive(rec, "decision");
	if (cJSON_IsObject(dec)) {
		cJSON *pr = cJSON_DetachItemFromObjectCaseSensitive(dec, "policy_rev");
		if (!rev)
			rev = pr;
		cJSON_AddItemToObjectCS(rec, "policy_rev", rev ? cJSON_Duplicate(rev, 1) : cJSON_CreateNull());
		cJSON_Delete(pr);
	} else {
		add_copy(rec, "policy_rev", ev, rev, take);
	}
	summary = cJSON_IsString(at[M_SUMMARY]) ? at[M_SUMMARY]->valuestring : NULL;
	char *sum = summary ? guard_xstrdup(summary) : summarise_input(input);
	if (sum)
		cJSON_AddItemToObjectCS(rec, "summary", cJSON_CreateString(sum));
	else
		cJSON_AddItemToObjectCS(rec, "summary", cJSON_CreateNull());
	free(sum);
	add_digest(rec, input, scratch);

	data = cJSON_CreateObject();
	if (!strcmp(name, "tool.result"))
		add_result(data, event);
	cJSON *next;
	for (c = ev->child; c; c = next) {
		next = c->next;
		if (!c->string || listed(c->string, taken, sizeof(taken) / sizeof(taken[0])) ||
		    listed(c->string, dropped, sizeof(dropped) / sizeof(dropped[0])))
			continue;
		if (!cJSON_GetObjectItemCaseSensitive(data, c->string))
			add_member(data, ev, c, take);
	}
	/* A "data" object the producer gave is merged in (log key=value uses it). */
	cJSON *given = (cJSON *)at[M_DATA];
	if (cJSON_IsObject(given)) {
		for (cJSON *g = given->child; g; g = next) {
			next = g->next;
			if (g->string && !cJSON_GetObjectItemCaseSensitive(data, g->string))
				add_member(data, given, g, take);
		}
	}
	if (cJSON_GetArraySize(data))
		cJSON_AddItemToObjectCS(rec, "data", data);
	else
		cJSON_Delete(data);

	/* Redact first, then cut: a cut could leave half a secret unmatched. */
	erased = cJSON_CreateArray();
	guard_redact_json(r, rec, "", erased);
	cJSON_AddItemToObjectCS(rec, "erased", erased);
	if ((c = cJSON_GetObjectItemCaseSensitive(rec, "summary")) && cJSON_IsString(c))
		truncate_utf8(c->valuestring, GUARD_AUDIT_SUMMARY_MAX);
	if ((c = cJSON_GetObjectItemCaseSensitive(rec, "data")) &&
	    (c = cJSON_GetObjectItemCaseSensitive(c, "error")) && cJSON_IsString(c))
		truncate_utf8(c->valuestring, GUARD_AUDIT_SUMMARY_MAX);
	*out = rec;
	return 0;
}

int
audit_build(const struct guard_redactor *r, const char *event_name, const cJSON *event, cJSON **out)
{
	return build(r, event_name, event, false, false, NULL, out);
}

struct guard_audit_rec *
guard_audit_rec_new(void)
{
	struct guard_audit_rec *rec = guard_xcalloc(1, sizeof(*rec));
	guard_buf_init(&rec->text);
	return rec;
}

void
guard_audit_rec_free(struct guard_audit_rec *rec)
{
	if (!rec)
		return;
	guard_buf_release(&rec->text);
	free(rec);
}

int
guard_audit_redactor_new(const struct guard_policy *policy, struct guard_redactor **out)
{
	const cJSON *redact = policy ? cJSON_GetObjectItemCaseSensitive(guard_policy_tree(policy), "redact") : NULL;
	return guard_redactor_new(out, redact);
}

static int
prepare(const struct guard_redactor *r, const char *event_name, const cJSON *event, bool take, bool own,
	struct guard_audit_rec *out)
{
	static const char marks[AUDIT_MARKS][2] = { { AUDIT_MARK_PREV }, { AUDIT_MARK_SEQ }, { AUDIT_MARK_TS } };
	cJSON *rec;
	size_t at = 0;
	int rc;

	guard_buf_reset(&out->text);
	/* out->text, empty until the record is printed, holds the input's canonical text meanwhile */
	if ((rc = build(r, event_name, event, take, own, &out->text, &rec)) < 0)
		return rc;
	/* Placeholders printed as they are: sorted with the other members, so the marks land where the values go. */
	cJSON_AddItemToObjectCS(rec, "v", cJSON_CreateNumber(1));
	cJSON_AddItemToObjectCS(rec, "seq", cJSON_CreateRaw(marks[1]));
	cJSON_AddItemToObjectCS(rec, "ts", cJSON_CreateRaw(marks[2]));
	cJSON_AddItemToObjectCS(rec, "prev", cJSON_CreateRaw(marks[0]));
	guard_json_canonical_append(&out->text, rec);
	cJSON_Delete(rec);
	for (int i = 0; i < AUDIT_MARKS; i++) {
		const char *m = memchr(out->text.buf + at, marks[i][0], out->text.len - at);
		if (!m)
			return guard_error(GUARD_EIO, "cannot print the audit record (no place for its %s)",
					   i == 0 ? "prev" : i == 1 ? "seq" : "ts");
		out->mark[i] = (size_t)(m - out->text.buf);
		at = out->mark[i] + 1;
	}
	crypto_hash_sha256_init(&out->head);
	crypto_hash_sha256_update(&out->head, (const unsigned char *)out->text.buf, out->mark[0]);
	return 0;
}

int
guard_audit_prepare(const struct guard_redactor *r, const char *event_name, const cJSON *event,
		    struct guard_audit_rec *out)
{
	return prepare(r, event_name, event, false, false, out);
}

int
audit_prepare_own(const struct guard_redactor *r, const char *event_name, const cJSON *event,
		  struct guard_audit_rec *out)
{
	return prepare(r, event_name, event, false, true, out);
}

int
guard_audit_prepare_owned(const struct guard_redactor *r, const char *event_name, cJSON *event,
			  struct guard_audit_rec *out)
{
	return prepare(r, event_name, event, true, false, out);
}
