#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "guard_json.h"

/* Bytes a JSON string cannot hold as they are: controls, '"' and '\\'. */
static const unsigned char must_escape[256] = {
	[0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

/* Eight bytes at a time: a byte below 0x20, a '"' or a '\\' in w (exact as a yes/no). */
#define ONES ((uint64_t)0x0101010101010101)
#define HIGHS ((uint64_t)0x8080808080808080)
#define HAS_ZERO(w) (((w) - ONES) & ~(w) & HIGHS)
#define HAS_BELOW(w, n) (((w) - ONES * (n)) & ~(w) & HIGHS)

/* The first index from i on of a byte that must be escaped, or len. */
static size_t
plain_run(const char *s, size_t i, size_t len)
{
	for (;;) {
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (HAS_BELOW(w, 0x20) | HAS_ZERO(w ^ (ONES * '"')) | HAS_ZERO(w ^ (ONES * '\\')))
				break;
			i += 8;
		}
		size_t end = len - i > 8 ? i + 8 : len;
		for (; i < end; i++)
			if (must_escape[(unsigned char)s[i]])
				return i;
		if (i == len)
			return len;
	}
}

void
guard_json_add_string(struct guard_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s), i = 0, run;
	char *d;

	/* Room for the string without escapes, written in runs; an escape grows it as needed. */
	guard_buf_grow(b, len + 2);
	d = b->buf + b->len;
	*d++ = '"';
	for (;;) {
		run = i;
		i = plain_run(s, i, len);
		memcpy(d, s + run, i - run);
		d += i - run;
		if (i == len)
			break;
		unsigned char c = (unsigned char)s[i++];
		/* At most 6 bytes for this escape, plus the rest unescaped and the closing quote. */
		b->len = (size_t)(d - b->buf);
		guard_buf_grow(b, 6 + (len - i) + 1);
		d = b->buf + b->len;
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		case '\n': *d++ = 'n'; break;
		case '\r': *d++ = 'r'; break;
		case '\t': *d++ = 't'; break;
		default:
			memcpy(d, "u00", 3);
			d += 3;
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
	}
	*d++ = '"';
	*d = '\0';
	b->len = (size_t)(d - b->buf);
}

/* Numbers exactly as cJSON 1.7.15 prints them, so the two forms agree. */
static void
add_number(struct guard_buf *b, const cJSON *item)
{
	double d = item->valuedouble, test;
	char tmp[32];

	if (isnan(d) || isinf(d)) {
		guard_buf_addstr(b, "null");
	} else if (fabs(d) < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d))) {
		/* What %1.15g prints for an integer this small, without printf. */
		long long v = (long long)d;
		unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
		char *p = tmp + sizeof(tmp);
		do
			*--p = (char)('0' + u % 10);
		while ((u /= 10));
		if (v < 0)
			*--p = '-';
		guard_buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
	} else {
		snprintf(tmp, sizeof(tmp), "%1.15g", d);
		if (sscanf(tmp, "%lg", &test) != 1 || test != d)
			snprintf(tmp, sizeof(tmp), "%1.17g", d);
		guard_buf_addstr(b, tmp);
	}
}

static int
compare_keys(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

/* Members an object may have before members() allocates their array. */
#define MEMBERS_ON_STACK 32

/*
 * The children of an object, sorted by key when asked: in stack (which
 * holds MEMBERS_ON_STACK) when they fit, else allocated. Caller frees
 * the result when it is not stack.
 */
static const cJSON **
members(const cJSON *obj, int sort_keys, size_t *n, const cJSON **stack)
{
	size_t count = 0, i = 0;
	const cJSON **kids;

	for (const cJSON *c = obj->child; c; c = c->next)
		count++;
	kids = count <= MEMBERS_ON_STACK ? stack : guard_xcalloc(count, sizeof(*kids));
	for (const cJSON *c = obj->child; c; c = c->next)
		kids[i++] = c;
	if (sort_keys && count > 24) {
		qsort(kids, count, sizeof(*kids), compare_keys);
	} else if (sort_keys) {
		/* Records have a dozen or so members: insertion sort (stable, as glibc's qsort is) beats its setup. */
		for (size_t j = 1; j < count; j++) {
			const cJSON *k = kids[j];
			size_t at = j;
			/* strcmp's order; most keys differ in their first byte */
			while (at > 0 && ((unsigned char)kids[at - 1]->string[0] != (unsigned char)k->string[0]
						  ? (unsigned char)kids[at - 1]->string[0] > (unsigned char)k->string[0]
						  : strcmp(kids[at - 1]->string, k->string) > 0)) {
				kids[at] = kids[at - 1];
				at--;
			}
			kids[at] = k;
		}
	}
	*n = count;
	return kids;
}

/* What cJSON_IsString and the others test, without a call into the library each; a null item is cJSON_Invalid. */
#define TYPE_OF(item) ((item) ? (item)->type & 0xFF : cJSON_Invalid)

static void
add_scalar(struct guard_buf *b, const cJSON *item)
{
	switch (TYPE_OF(item)) {
	case cJSON_String: guard_json_add_string(b, item->valuestring); break;
	case cJSON_Number: add_number(b, item); break;
	case cJSON_True: guard_buf_add(b, "true", 4); break;
	case cJSON_False: guard_buf_add(b, "false", 5); break;
	case cJSON_Raw:
		if (item->valuestring) {
			guard_buf_addstr(b, item->valuestring);
			break;
		}
		/* fall through */
	default: guard_buf_add(b, "null", 4);
	}
}

/* indent < 0: compact. */
static void
emit(struct guard_buf *b, const cJSON *item, int sort_keys, int indent)
{
	bool pretty = indent >= 0;
	int type = TYPE_OF(item);
	size_t n;

	if (type == cJSON_Object && !sort_keys) {
		guard_buf_addch(b, '{');
		for (const cJSON *c = item->child; c; c = c->next) {
			if (c != item->child)
				guard_buf_addch(b, ',');
			if (pretty)
				guard_buf_addf(b, "\n%*s", (indent + 1) * 2, "");
			guard_json_add_string(b, c->string);
			guard_buf_addstr(b, pretty ? ": " : ":");
			emit(b, c, sort_keys, pretty ? indent + 1 : -1);
		}
		if (pretty && item->child)
			guard_buf_addf(b, "\n%*s", indent * 2, "");
		guard_buf_addch(b, '}');
	} else if (type == cJSON_Object) {
		const cJSON *stack[MEMBERS_ON_STACK];
		const cJSON **kids = members(item, sort_keys, &n, stack);
		guard_buf_addch(b, '{');
		for (size_t i = 0; i < n; i++) {
			if (i)
				guard_buf_addch(b, ',');
			if (pretty)
				guard_buf_addf(b, "\n%*s", (indent + 1) * 2, "");
			guard_json_add_string(b, kids[i]->string);
			if (pretty)
				guard_buf_add(b, ": ", 2);
			else
				guard_buf_addch(b, ':');
			emit(b, kids[i], sort_keys, pretty ? indent + 1 : -1);
		}
		if (pretty && n)
			guard_buf_addf(b, "\n%*s", indent * 2, "");
		guard_buf_addch(b, '}');
		if (kids != stack)
			free(kids);
	} else if (type == cJSON_Array) {
		guard_buf_addch(b, '[');
		for (const cJSON *c = item->child; c; c = c->next) {
			if (c != item->child)
				guard_buf_addch(b, ',');
			if (pretty)
				guard_buf_addf(b, "\n%*s", (indent + 1) * 2, "");
			emit(b, c, sort_keys, pretty ? indent + 1 : -1);
		}
		if (pretty && item->child)
			guard_buf_addf(b, "\n%*s", indent * 2, "");
		guard_buf_addch(b, ']');
	} else {
		add_scalar(b, item);
	}
}

void
guard_json_append(struct guard_buf *b, const cJSON *item)
{
	emit(b, item, 0, -1);
}

void
guard_json_canonical_append(struct guard_buf *b, const cJSON *item)
{
	emit(b, item, 1, -1);
}

char *
guard_json_canonical(const cJSON *item)
{
	struct guard_buf b = GUARD_BUF_INIT;
	emit(&b, item, 1, -1);
	return guard_buf_detach(&b);
}

char *
guard_json_pretty(const cJSON *item, int sort_keys)
{
	struct guard_buf b = GUARD_BUF_INIT;
	emit(&b, item, sort_keys, 0);
	guard_buf_addch(&b, '\n');
	return guard_buf_detach(&b);
}

cJSON *
guard_json_get(const cJSON *obj, const char *key)
{
	if (!obj || !key)
		return NULL;
	/* cJSON's walk stops at a member without a name: only arrays' elements have none */
	for (cJSON *c = obj->child; c && c->string; c = c->next)
		if (c->string[0] == key[0] && !strcmp(c->string, key))
			return c;
	return NULL;
}

const char *
guard_json_str(const cJSON *obj, const char *key, const char *dflt)
{
	const char *s = cJSON_GetStringValue(guard_json_get(obj, key));
	return s ? s : dflt;
}

double
guard_json_num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

void
guard_json_set(cJSON *obj, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	else
		cJSON_AddItemToObject(obj, key, item);
}

/* ---------------------------------------------------------------- duplicate members */

/* Where the walk is: the chain of keys (or array indexes) from the root. */
struct dup_at {
	const struct dup_at *up;
	const char *key; /* NULL for an array element */
	size_t index;
};

static void
dup_pointer(struct guard_buf *p, const struct dup_at *at)
{
	char num[24];

	if (!at)
		return;
	dup_pointer(p, at->up);
	guard_buf_addch(p, '/');
	if (!at->key) {
		snprintf(num, sizeof(num), "%zu", at->index);
		guard_buf_addstr(p, num);
		return;
	}
	for (const char *k = at->key;;) {
		size_t run = strcspn(k, "~/");
		guard_buf_add(p, k, run);
		k += run;
		if (!*k)
			break;
		guard_buf_addstr(p, *k == '~' ? "~0" : "~1");
		k++;
	}
}

/*
 * The second member of obj whose name an earlier one has, or NULL.
 * Canonical objects (every record guard writes) have their keys in
 * strictly rising order, which one pass confirms; others are compared
 * pairwise when small, sorted when not.
 */
static const cJSON *
dup_member(const cJSON *obj)
{
	const cJSON *c, *d, *prev = NULL, *stack[MEMBERS_ON_STACK], **kids, *hit = NULL;
	size_t n = 0;

	for (c = obj->child; c; prev = c, c = c->next, n++)
		if (prev && strcmp(prev->string, c->string) >= 0)
			break;
	if (!c)
		return NULL;
	for (; c; c = c->next)
		n++;
	if (n <= MEMBERS_ON_STACK) {
		/*
		 * what the hook sees: a few members, compared in place, and only
		 * with the earlier ones that start with the same byte
		 */
		uint64_t seen[4] = { 0 };
		for (c = obj->child; c; c = c->next) {
			unsigned char b = (unsigned char)c->string[0];
			uint64_t bit = (uint64_t)1 << (b & 63);
			if (seen[b >> 6] & bit)
				for (d = obj->child; d != c; d = d->next)
					if (d->string[0] == c->string[0] && !strcmp(d->string, c->string))
						return c;
			seen[b >> 6] |= bit;
		}
		return NULL;
	}
	kids = members(obj, 1, &n, stack);
	for (size_t i = 1; i < n && !hit; i++)
		if (!strcmp(kids[i - 1]->string, kids[i]->string))
			hit = kids[i];
	free(kids);
	return hit;
}

static bool
dup_walk(const cJSON *item, const struct dup_at *at, struct guard_buf *path)
{
	const cJSON *hit;
	size_t i = 0;
	/* cJSON_IsObject and cJSON_IsArray, inline: this walks every value of every event */
	bool object = item && (item->type & 0xFF) == cJSON_Object;

	if (!object && (!item || (item->type & 0xFF) != cJSON_Array))
		return false;
	if (object && (hit = dup_member(item))) {
		if (path) {
			struct dup_at here = { at, hit->string, 0 };
			guard_buf_reset(path);
			dup_pointer(path, &here);
		}
		return true;
	}
	for (const cJSON *c = item->child; c; c = c->next, i++) {
		if ((c->type & 0xFF) != cJSON_Object && (c->type & 0xFF) != cJSON_Array)
			continue; /* a scalar holds no member */
		struct dup_at here = { at, object ? c->string : NULL, i };
		if (dup_walk(c, &here, path))
			return true;
	}
	return false;
}

bool
guard_json_dup_key(const cJSON *item, struct guard_buf *path)
{
	return dup_walk(item, NULL, path);
}

size_t
guard_json_nul_escape_at(const char *buf, size_t len)
{
	/* Backslashes occur only inside strings: skip escape pairs, no quote tracking. */
	for (const char *p = buf, *end = buf + len; (p = memchr(p, '\\', (size_t)(end - p))); p += 2) {
		if (end - p >= 6 && p[1] == 'u' && !memcmp(p + 2, "0000", 4))
			return (size_t)(p - buf);
		if (end - p < 2)
			break;
	}
	return len;
}
