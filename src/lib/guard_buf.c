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

void
guard_buf_vaddf(struct guard_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

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
