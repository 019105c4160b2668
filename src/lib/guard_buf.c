#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guard_buf.h"

#include <unistd.h>

char guard_buf_empty[1];
int guard_oom_status = 8;

void
guard_oom(void)
{
	static const char msg[] = "guard: out of memory (failing closed)\n";
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(guard_oom_status);
}

void *
guard_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		guard_oom();
	return p;
}

void *
guard_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		guard_oom();
	return p;
}

/* ---- per-thread caches -------------------------------------------------- */

struct thread_block {
	struct thread_block *next;
	max_align_t data[];
};

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

static void
thread_blocks_free(void *head)
{
	for (struct thread_block *b = head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
}

static void
thread_key_make(void)
{
	(void)pthread_key_create(&thread_key, thread_blocks_free);
}

void *
guard_thread_calloc(size_t size)
{
	struct thread_block *b;

	pthread_once(&thread_once, thread_key_make);
	b = guard_xcalloc(1, sizeof(*b) + size);
	b->next = pthread_getspecific(thread_key);
	(void)pthread_setspecific(thread_key, b);
	return b->data;
}

void *
guard_table_ready(void *tab, struct guard_table *t, size_t size, size_t min, size_t max, void (*drop)(void *slot))
{
	if (tab && (t->writes <= 2 * t->n || t->n >= max))
		return tab;
	if (tab) {
		for (size_t i = 0; i < t->n; i++)
			drop((char *)tab + i * size);
		t->n = t->n * 4 < max ? t->n * 4 : max;
	} else {
		t->n = min;
	}
	t->writes = 0;
	return guard_thread_calloc(t->n * size);
}

void *
guard_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		guard_oom();
	return q;
}

char *
guard_xstrdup(const char *s)
{
	return guard_xstrndup(s, strlen(s));
}

char *
guard_xstrndup(const char *s, size_t n)
{
	char *p = guard_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
guard_xasprintf(const char *fmt, ...)
{
	struct guard_buf b = GUARD_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	guard_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return guard_buf_detach(&b);
}

void
guard_buf_init(struct guard_buf *b)
{
	b->buf = guard_buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void
guard_buf_release(struct guard_buf *b)
{
	if (b->alloc)
		free(b->buf);
	guard_buf_init(b);
}

void
guard_buf_reset(struct guard_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

void
guard_buf_grow_slow(struct guard_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		guard_oom();
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	size_t alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	if (b->alloc) {
		b->buf = guard_xrealloc(b->buf, alloc);
	} else {
		b->buf = guard_xmalloc(alloc);
		b->buf[0] = '\0';
	}
	b->alloc = alloc;
}

void
guard_buf_add(struct guard_buf *b, const void *data, size_t len)
{
	guard_buf_grow(b, len);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void
guard_buf_addstr(struct guard_buf *b, const char *s)
{
	guard_buf_add(b, s, strlen(s));
}

void
guard_buf_addch_slow(struct guard_buf *b, int c)
{
	guard_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

/* v in decimal, as printf's %d / %zu write it. */
static void
add_decimal(struct guard_buf *b, bool neg, unsigned long long v)
{
	char d[24];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		d[--i] = '-';
	guard_buf_add(b, d + i, sizeof(d) - i);
}

/*
 * The formats the analyzer builds its names and reasons with (text, %s,
 * %.*s, %c, %d, %zu, %%), added without vsnprintf, byte for byte what it
 * writes: most of the few calls an event makes are "%s/%s" or "runs %s",
 * and vsnprintf's own set-up costs more than the copying. Anything else
 * (a width, a flag, a NULL string) returns false with b as it was, for
 * vsnprintf to do.
 */
static bool
vaddf_plain(struct guard_buf *b, const char *fmt, va_list *ap)
{
	size_t start = b->len;
	const char *s;

	for (const char *p = fmt;;) {
		const char *q = strchrnul(p, '%');
		if (q > p)
			guard_buf_add(b, p, (size_t)(q - p));
		if (!*q)
			return true;
		if (q[1] == 's' && (s = va_arg(*ap, const char *))) {
			guard_buf_addstr(b, s);
			p = q + 2;
		} else if (q[1] == '.' && q[2] == '*' && q[3] == 's') {
			int prec = va_arg(*ap, int);
			if (!(s = va_arg(*ap, const char *)))
				break;
			guard_buf_add(b, s, prec < 0 ? strlen(s) : strnlen(s, (size_t)prec));
			p = q + 4;
		} else if (q[1] == 'c' || q[1] == '%') {
			guard_buf_addch(b, q[1] == 'c' ? (unsigned char)va_arg(*ap, int) : '%');
			p = q + 2;
		} else if (q[1] == 'd') {
			int v = va_arg(*ap, int);
			add_decimal(b, v < 0, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
			p = q + 2;
		} else if (q[1] == 'z' && q[2] == 'u') {
			add_decimal(b, false, va_arg(*ap, size_t));
			p = q + 3;
		} else {
			break;
		}
	}
	b->len = start;
	if (b->alloc)
		b->buf[start] = '\0';
	return false;
}

void
guard_buf_vaddf(struct guard_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	bool plain = vaddf_plain(b, fmt, &cp);
	va_end(cp);
	if (plain)
		return;
	if (!b->alloc || b->alloc - b->len < 256) {
		/* little or no room: printed once on the stack, not measured and printed again */
		char small[256];
		va_copy(cp, ap);
		n = vsnprintf(small, sizeof(small), fmt, cp);
		va_end(cp);
		if (n < 0)
			return;
		if ((size_t)n < sizeof(small)) {
			guard_buf_grow(b, (size_t)n);
			memcpy(b->buf + b->len, small, (size_t)n + 1);
			b->len += (size_t)n;
			return;
		}
	}
	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (!b->alloc || (size_t)n >= b->alloc - b->len) {
		guard_buf_grow(b, (size_t)n);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
guard_buf_addf(struct guard_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guard_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *
guard_buf_detach(struct guard_buf *b)
{
	char *s;

	if (!b->alloc)
		return guard_xstrdup("");
	s = b->buf;
	guard_buf_init(b);
	return s;
}

/* Length of a valid UTF-8 sequence at s (1-4), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* A code point that shows nothing or reorders what follows: U+0080-009F, 200B-200F, 202A-202E, 2066-2069, FEFF. */
static bool
invisible(const unsigned char *s, size_t n, unsigned *cp)
{
	*cp = n == 2 ? (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F)
	    : n == 3 ? (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F) : 0;
	return (*cp >= 0x80 && *cp <= 0x9F) || (*cp >= 0x200B && *cp <= 0x200F) || (*cp >= 0x202A && *cp <= 0x202E) ||
	       (*cp >= 0x2066 && *cp <= 0x2069) || *cp == 0xFEFF;
}

size_t
guard_utf8_invisible(const char *str, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = *s < 0x80 ? 0 : utf8_len(s);

	return n > 1 && invisible(s, n, cp) ? n : 0;
}

static void
add_shown(struct guard_buf *b, const char *s, size_t len, bool tabs)
{
	const char *end = s + len, *from = s;
	unsigned cp;

	while (s < end) {
		unsigned char c = (unsigned char)*s;
		/* the set is of 2- and 3-byte sequences; a lead byte's sequence must fit before end */
		size_t want = (c == '\t' && tabs) ? 0 : c == 0x7F || c < 0x20 ? 1 : c >= 0xC2 && c < 0xE0 ? 2
			    : c >= 0xE0 && c < 0xF0 ? 3 : 0;
		size_t n = want == 1 ? 1 : want && (size_t)(end - s) >= want ? guard_utf8_invisible(s, &cp) : 0;
		if (!n) {
			s++;
			continue;
		}
		guard_buf_add(b, from, (size_t)(s - from));
		guard_buf_addf(b, "\\u%04X", n == 1 ? (unsigned)c : cp);
		s += n;
		from = s;
	}
	guard_buf_add(b, from, (size_t)(s - from));
}

void
guard_buf_add_json_shown(struct guard_buf *b, const char *s, size_t len)
{
	add_shown(b, s, len, false);
}

void
guard_buf_add_text_shown(struct guard_buf *b, const char *s)
{
	add_shown(b, s, strlen(s), true);
}

static bool
needs_quoting(const unsigned char *s)
{
	unsigned cp;

	while (*s) {
		size_t n = *s < 0x80 ? 1 : utf8_len(s);
		if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7F)) || (n > 1 && invisible(s, n, &cp)))
			return true;
		s += n;
	}
	return false;
}

void
guard_buf_add_visible(struct guard_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp;

	if (!needs_quoting(s)) {
		guard_buf_addstr(b, str);
		return;
	}
	guard_buf_addstr(b, "$'");
	while (*s) {
		size_t n = *s < 0x80 ? 1 : utf8_len(s);
		if (n == 1) {
			switch (*s) {
			case '\n': guard_buf_addstr(b, "\\n"); break;
			case '\t': guard_buf_addstr(b, "\\t"); break;
			case '\r': guard_buf_addstr(b, "\\r"); break;
			case 0x1B: guard_buf_addstr(b, "\\E"); break;
			case '\\': guard_buf_addstr(b, "\\\\"); break;
			case '\'': guard_buf_addstr(b, "\\'"); break;
			default:
				if (*s < 0x20 || *s == 0x7F)
					guard_buf_addf(b, "\\x%02X", *s);
				else
					guard_buf_add(b, (const char *)s, 1);
			}
		} else if (n == 0) {
			guard_buf_addf(b, "\\x%02X", *s);
			n = 1;
		} else if (invisible(s, n, &cp)) {
			guard_buf_addf(b, "\\u%04X", cp);
		} else {
			guard_buf_add(b, (const char *)s, n);
		}
		s += n;
	}
	guard_buf_addstr(b, "'");
}
