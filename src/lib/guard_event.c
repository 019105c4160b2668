#include <errno.h>
#include <stdint.h>
#include <sys/random.h>
#include <unistd.h>
#include <sodium.h>
#include <uuid/uuid.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_time.h"

/* Offset of the first invalid UTF-8 sequence, or len when all is valid. */
static size_t
utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned int cp;
		if (i + 8 <= len) { /* eight ASCII bytes at a time */
			uint64_t word;
			memcpy(&word, s + i, 8);
			if (!(word & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07;
		} else {
			return i;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return i;
		i += n + 1;
	}
	return len;
}

/*
 * Nesting deeper than limit? Checked on the parsed tree (cJSON bounds its
 * own recursion at 1000 levels), which is cheaper than a scan of the text.
 */
/* Only to word an error: does the text nest past cJSON's own limit? */
static bool
json_nesting_exceeded(const char *s, size_t len)
{
	int depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = false;
		} else if (s[i] == '"') {
			in_string = true;
		} else if ((s[i] == '{' || s[i] == '[') && ++depth > GUARD_EVENT_MAX_DEPTH) {
			return true;
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		}
	}
	return false;
}

static bool
too_deep(const cJSON *item, int depth, int limit)
{
	if (depth > limit)
		return true;
	for (const cJSON *c = item->child; c; c = c->next)
		if (((c->type & 0xFF) == cJSON_Object || (c->type & 0xFF) == cJSON_Array) && too_deep(c, depth + 1, limit))
			return true;
	return false;
}

int
guard_event_parse(const char *buf, size_t len, size_t max, cJSON **out)
{
	const char *end = NULL;
	size_t bad;
	cJSON *obj;

	*out = NULL;
	if (len > max)
		return guard_error(GUARD_EUSAGE, "event is %zu bytes, over the %zu-byte limit", len, max);
	if (memchr(buf, '\0', len))
		return guard_error(GUARD_EUSAGE, "event contains a NUL byte at offset %zu",
				   (size_t)((const char *)memchr(buf, '\0', len) - buf));
	if ((bad = utf8_invalid_at((const unsigned char *)buf, len)) < len)
		return guard_error(GUARD_EUSAGE, "event is not valid UTF-8 (offset %zu)", bad);
	obj = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!obj) {
		const char *at = end; /* where the parse stopped; cJSON_GetErrorPtr is shared by all threads */
		size_t off = at && at >= buf && at <= buf + len ? (size_t)(at - buf) : 0;
		size_t blank = 0;
		/* buf need not be NUL-terminated: no strspn here (found by t/fuzz) */
		while (blank < len && memchr(" \t\r\n", buf[blank], 4))
			blank++;
		if (blank == len)
			return guard_error(GUARD_EUSAGE, "empty input: expected a JSON object");
		if (json_nesting_exceeded(buf, len))
			return guard_error(GUARD_EUSAGE, "event nests deeper than %d levels", GUARD_EVENT_MAX_DEPTH);
		return guard_error(GUARD_EUSAGE, "malformed JSON near offset %zu", off);
	}
	if (too_deep(obj, 1, GUARD_EVENT_MAX_DEPTH)) {
		cJSON_Delete(obj);
		return guard_error(GUARD_EUSAGE, "event nests deeper than %d levels", GUARD_EVENT_MAX_DEPTH);
	}
	while (end && end < buf + len && memchr(" \t\r\n", *end, 4))
		end++;
	if (end && end < buf + len) {
		cJSON_Delete(obj);
		return guard_error(GUARD_EUSAGE, "trailing data after the JSON object at offset %zu",
				   (size_t)(end - buf));
	}
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return guard_error(GUARD_EUSAGE, "expected a JSON object, got another JSON value");
	}
	/* {"command":"ls","command":"rm -rf ~"}: guard would read one, the agent run the other */
	struct guard_buf dup = GUARD_BUF_INIT;
	if (guard_json_dup_key(obj, &dup)) {
		int rc = guard_error(GUARD_EUSAGE, "the event names a member twice (%s): refused, it would read one "
				     "way here and another elsewhere", dup.buf);
		guard_buf_release(&dup);
		cJSON_Delete(obj);
		return rc;
	}
	*out = obj;
	return 0;
}

void
guard_reader_init(struct guard_reader *r, FILE *in, size_t max)
{
	r->in = in;
	r->flush = NULL;
	r->max = max;
	r->line = NULL;
	r->len = 0;
	r->cap = 0;
	r->lineno = 0;
}

void
guard_reader_release(struct guard_reader *r)
{
	free(r->line);
	r->line = NULL;
	r->cap = 0;
}

/* True when the next getc would have to read(2), and so may block. */
static bool
input_drained(FILE *in)
{
#ifdef __GLIBC__
	return in->_IO_read_ptr >= in->_IO_read_end;
#else
	(void)in;
	return true;
#endif
}

/* Append n bytes to the line, or only count them once it is over max. */
static void
line_add(struct guard_reader *r, const char *p, size_t n, size_t *len, bool *too_long)
{
	if (*too_long || *len + n > r->max) {
		*too_long = true;
		return;
	}
	if (*len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < *len + n + 1)
			cap *= 2;
		r->line = guard_xrealloc(r->line, cap);
		r->cap = cap;
	}
	memcpy(r->line + *len, p, n);
	*len += n;
}

/*
 * Read one line without ever holding more than max + 1 bytes: a longer
 * line is consumed to its end and reported. With glibc, whole runs are
 * taken from the stream's buffer with memchr; elsewhere a byte at a time.
 */
static int
read_line(struct guard_reader *r, size_t *len, bool *too_long)
{
	bool any = false;
	int c;

	*len = 0;
	*too_long = false;
	for (;;) {
		if (input_drained(r->in)) {
			if (r->flush && fflush(r->flush) == EOF)
				return guard_error(GUARD_EIO, "cannot write output: %s", strerror(errno));
			if ((c = getc_unlocked(r->in)) == EOF)
				break;
			any = true;
			if (c == '\n')
				goto done;
			char ch = (char)c;
			line_add(r, &ch, 1, len, too_long);
			continue;
		}
#ifdef __GLIBC__
		char *start = r->in->_IO_read_ptr, *end = r->in->_IO_read_end;
		char *nl = memchr(start, '\n', (size_t)(end - start));
		any = true;
		line_add(r, start, (size_t)((nl ? nl : end) - start), len, too_long);
		r->in->_IO_read_ptr = nl ? nl + 1 : end;
		if (nl)
			goto done;
#endif
	}
	if (ferror(r->in))
		return guard_error(GUARD_EIO, "cannot read input: %s", strerror(errno));
	if (!any)
		return 0;
done:
	if (r->line)
		r->line[*len] = '\0';
	else
		r->line = guard_xcalloc(1, 1), r->cap = 1;
	return 1;
}

int
guard_reader_next(struct guard_reader *r, cJSON **out)
{
	*out = NULL;
	for (;;) {
		size_t len = 0;
		bool too_long;
		int rc = read_line(r, &len, &too_long);
		if (rc <= 0)
			return rc;
		r->len = len;
		r->lineno++;
		if (too_long)
			return guard_error(GUARD_EUSAGE, "line %lu: longer than the %zu-byte limit",
					   r->lineno, r->max);
		if (!len || strspn(r->line, " \t\r") == len)
			continue;
		rc = guard_event_parse(r->line, len, r->max, out);
		if (rc < 0) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s", guard_error_last());
			return guard_error(rc, "line %lu: %s", r->lineno, msg);
		}
		return 1;
	}
}

static _Thread_local void (*arena_on)(void), (*arena_off)(void);

void
guard_event_arena(void (*on)(void), void (*off)(void))
{
	arena_on = on;
	arena_off = off;
}

void
guard_event_arena_on(void)
{
	if (arena_on)
		arena_on();
}

void
guard_event_arena_off(void)
{
	if (arena_off)
		arena_off();
}

int
guard_event_write(FILE *out, const cJSON *ev)
{
	static _Thread_local struct guard_buf line = GUARD_BUF_INIT;

	guard_buf_reset(&line);
	guard_json_append(&line, ev);
	guard_buf_addch(&line, '\n');
	fwrite(line.buf, 1, line.len, out);
	if (line.alloc > ((size_t)1 << 20))
		guard_buf_release(&line); /* keep no huge buffer after a big event */
	if (ferror(out))
		return guard_error(GUARD_EIO, "cannot write output: %s", strerror(errno));
	return 0;
}

/*
 * A random (version 4) uuid: libsodium's CSPRNG for the bytes, libuuid to
 * write them. uuid_generate_random() reseeds its fallback PRNG with five
 * system calls on every call, which dominated a stream of events.
 */
void
guard_event_mark(struct guard_event_mark *m, const cJSON *ev)
{
	m->n = 0;
	for (const cJSON *c = ev->child; c; c = c->next) {
		if (m->n == m->alloc) {
			m->alloc = m->alloc ? m->alloc * 2 : 32;
			m->members = guard_xrealloc(m->members, m->alloc * sizeof(*m->members));
		}
		m->members[m->n++] = c;
	}
}

void
guard_event_mark_release(struct guard_event_mark *m)
{
	free(m->members);
	memset(m, 0, sizeof(*m));
}

int
guard_event_write_since(FILE *out, const cJSON *ev, const struct guard_event_mark *m,
			const char *line, size_t len)
{
	static _Thread_local struct guard_buf tail = GUARD_BUF_INIT;
	const cJSON *c = ev->child;

	/* The marked members must still lead, in order. */
	for (size_t i = 0; i < m->n; i++, c = c->next)
		if (c != m->members[i])
			return guard_event_write(out, ev);
	while (len && memchr(" \t\r\n", line[len - 1], 4))
		len--;
	if (!len || line[len - 1] != '}')
		return guard_event_write(out, ev);
	guard_buf_reset(&tail);
	for (bool first = m->n == 0; c; c = c->next, first = false) {
		if (!first)
			guard_buf_addch(&tail, ',');
		guard_json_add_string(&tail, c->string);
		guard_buf_addch(&tail, ':');
		guard_json_append(&tail, c);
	}
	guard_buf_addstr(&tail, "}\n");
	fwrite(line, 1, len - 1, out);
	fwrite(tail.buf, 1, tail.len, out);
	if (tail.alloc > ((size_t)1 << 20))
		guard_buf_release(&tail);
	if (ferror(out))
		return guard_error(GUARD_EIO, "cannot write output: %s", strerror(errno));
	return 0;
}

void
guard_uuid(char out[37])
{
	/*
	 * Random bytes from the kernel, 256 (16 ids) the first time and 4 KiB
	 * (256 ids) after: a hook call needs one id and one getrandom(2),
	 * where libsodium's randombytes made sixteen (256 bytes a call) after
	 * its own start-up; a stream makes one call per 256 ids.
	 */
	enum { POOL = 4096 };
	static _Thread_local unsigned char *pool; /* made on first use */
	static _Thread_local size_t left, size;
	uuid_t u;

	if (!pool)
		pool = guard_thread_calloc(POOL);
	if (left < sizeof(u)) {
		size = size ? POOL : 256;
		size_t got = 0;
		while (got < size) {
			ssize_t n = getrandom(pool + POOL - size + got, size - got, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got < size) {
			/* no getrandom(2): libsodium finds the kernel's randomness another way */
			(void)guard_crypto_init();
			randombytes_buf(pool + POOL - size, size);
		}
		left = size;
	}
	memcpy(u, pool + POOL - left, sizeof(u));
	sodium_memzero(pool + POOL - left, sizeof(u));
	left -= sizeof(u);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	uuid_unparse_lower(u, out);
}

/*
 * The project root of cwd. A stream's events mostly share one cwd, and
 * the walk up costs a stat per level, so the last answer is kept.
 */
static const char *
project_of(const char *cwd)
{
	static _Thread_local char *last_cwd, *last_root;

	if (!last_cwd || strcmp(last_cwd, cwd)) {
		free(last_cwd);
		free(last_root);
		last_cwd = guard_xstrdup(cwd);
		guard_event_project_root(cwd, &last_root);
	}
	return last_root;
}

void
guard_event_members(const cJSON *obj, const char *const *names, size_t n, const cJSON **out)
{
	size_t found = 0;

	memset(out, 0, n * sizeof(*out));
	for (const cJSON *c = obj->child; c && found < n; c = c->next)
		for (size_t i = 0; i < n; i++)
			if (!out[i] && c->string[0] == names[i][0] && !strcmp(c->string, names[i])) {
				out[i] = c;
				found++;
				break;
			}
}

/* The members guard_event_complete looks at, in this order. */
enum { K_V, K_ID, K_TS, K_SOURCE, K_PHASE, K_CWD, K_PROJECT, K_ACTOR, K_COUNT };
static const char *const known_names[K_COUNT] = {
	"v", "id", "ts", "source", "phase", "cwd", "project", "actor",
};

int
guard_event_complete(cJSON *ev, const char *source)
{
	char ts[GUARD_TIME_LEN], id[37];
	const cJSON *k[K_COUNT];
	const char *cwd;

	guard_event_members(ev, known_names, K_COUNT, k);
	if (!k[K_V])
		cJSON_AddNumberToObject(ev, "v", 1);
	if (!k[K_ID]) {
		guard_uuid(id);
		cJSON_AddStringToObject(ev, "id", id);
	}
	if (!k[K_TS]) {
		guard_time_now(ts);
		cJSON_AddStringToObject(ev, "ts", ts);
	}
	if (!k[K_SOURCE])
		cJSON_AddStringToObject(ev, "source", source ? source : "cli");
	if (!k[K_PHASE])
		cJSON_AddStringToObject(ev, "phase", "pre");
	if (k[K_CWD] && !cJSON_IsString(k[K_CWD])) {
		return guard_error(GUARD_EUSAGE, "event cwd must be a string (an absolute path)");
	} else if (!k[K_CWD]) {
		char *here = getcwd(NULL, 0);
		if (!here)
			return guard_error(GUARD_EIO, "cannot determine the current directory: %s", strerror(errno));
		cwd = cJSON_AddStringToObject(ev, "cwd", here)->valuestring;
		free(here);
	} else if ((cwd = k[K_CWD]->valuestring)[0] != '/') {
		return guard_error(GUARD_EUSAGE, "event cwd '%s' is not an absolute path", cwd);
	}
	if (!cJSON_IsString(k[K_PROJECT])) {
		cJSON_DeleteItemFromObjectCaseSensitive(ev, "project");
		cJSON_AddStringToObject(ev, "project", project_of(cwd));
	}
	if (!cJSON_IsObject(k[K_ACTOR])) {
		cJSON_DeleteItemFromObjectCaseSensitive(ev, "actor");
		cJSON *actor = cJSON_AddObjectToObject(ev, "actor");
		const char *user = getenv("USER");
		cJSON_AddStringToObject(actor, "user", user && *user ? user : "unknown");
		cJSON_AddStringToObject(actor, "role", "agent");
	}
	return 0;
}

cJSON *
guard_event_deny(const cJSON *orig, const char *rule, const char *reason)
{
	cJSON *ev = cJSON_CreateObject(), *d;
	static const char *const keep[] = { "v", "id", "ts", "source", "phase", "session",
					     "cwd", "project", "actor", "tool", "input" };

	if (cJSON_IsObject(orig))
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
			const cJSON *item = cJSON_GetObjectItemCaseSensitive(orig, keep[i]);
			if (item)
				cJSON_AddItemToObject(ev, keep[i], cJSON_Duplicate(item, 1));
		}
	if (!cJSON_GetObjectItemCaseSensitive(ev, "v"))
		cJSON_AddNumberToObject(ev, "v", 1);
	d = cJSON_AddObjectToObject(ev, "decision");
	cJSON_AddStringToObject(d, "effect", "deny");
	cJSON_AddStringToObject(d, "rule", rule);
	cJSON_AddStringToObject(d, "reason", reason);
	cJSON_AddArrayToObject(d, "missing");
	return ev;
}

const char *
guard_event_str(const cJSON *ev, const char *path)
{
	const cJSON *cur = ev;
	char key[64];

	while (cur && *path) {
		const char *dot = strchrnul(path, '.');
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		cur = guard_json_get(cur, key);
		path = *dot ? dot + 1 : dot;
	}
	return cJSON_IsString(cur) ? cur->valuestring : NULL;
}
