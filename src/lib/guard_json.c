#include <math.h>
#include <stdbool.h>

#include "guard_json.h"

/* Bytes a JSON string cannot hold as they are: controls, '"' and '\\'. */
static const unsigned char must_escape[256] = {
	[0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

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
		for (run = i; i < len && !must_escape[(unsigned char)s[i]]; i++)
			;
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
			while (at > 0 && strcmp(kids[at - 1]->string, k->string) > 0) {
				kids[at] = kids[at - 1];
				at--;
			}
			kids[at] = k;
		}
	}
	*n = count;
	return kids;
}

static void
add_scalar(struct guard_buf *b, const cJSON *item)
{
	if (cJSON_IsString(item))
		guard_json_add_string(b, item->valuestring);
	else if (cJSON_IsNumber(item))
		add_number(b, item);
	else if (cJSON_IsTrue(item))
		guard_buf_addstr(b, "true");
	else if (cJSON_IsFalse(item))
		guard_buf_addstr(b, "false");
	else if (cJSON_IsRaw(item) && item->valuestring)
		guard_buf_addstr(b, item->valuestring);
	else
		guard_buf_addstr(b, "null");
}

/* indent < 0: compact. */
static void
emit(struct guard_buf *b, const cJSON *item, int sort_keys, int indent)
{
	bool pretty = indent >= 0;
	size_t n;

	if (cJSON_IsObject(item) && !sort_keys) {
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
	} else if (cJSON_IsObject(item)) {
		const cJSON *stack[MEMBERS_ON_STACK];
		const cJSON **kids = members(item, sort_keys, &n, stack);
		guard_buf_addch(b, '{');
		for (size_t i = 0; i < n; i++) {
			if (i)
				guard_buf_addch(b, ',');
			if (pretty)
				guard_buf_addf(b, "\n%*s", (indent + 1) * 2, "");
			guard_json_add_string(b, kids[i]->string);
			guard_buf_addstr(b, pretty ? ": " : ":");
			emit(b, kids[i], sort_keys, pretty ? indent + 1 : -1);
		}
		if (pretty && n)
			guard_buf_addf(b, "\n%*s", indent * 2, "");
		guard_buf_addch(b, '}');
		if (kids != stack)
			free(kids);
	} else if (cJSON_IsArray(item)) {
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
