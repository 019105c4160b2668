/*
 * A growable byte buffer, after git's strbuf. Invariants: buf is never
 * NULL and always NUL-terminated; len excludes the NUL.
 *
 * Allocation failure ends the process with guard_oom_status: the only
 * place the library stops the process, because there is no safe way to
 * go on. Programs leave it at 8 (system failure); the hook sets 2, the
 * status that blocks in every agent, so running out of memory is a deny.
 */
#ifndef GUARD_BUF_H
#define GUARD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct guard_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern int guard_oom_status;

#define GUARD_BUF_INIT { guard_buf_empty, 0, 0 }
extern char guard_buf_empty[];

void guard_buf_init(struct guard_buf *b);
void guard_buf_release(struct guard_buf *b);
void guard_buf_reset(struct guard_buf *b);
void guard_buf_grow_slow(struct guard_buf *b, size_t extra);

/* Make room for extra more bytes (and the NUL). */
static inline void
guard_buf_grow(struct guard_buf *b, size_t extra)
{
	/* alloc > len whenever alloc is set, so this cannot overflow */
	if (!b->alloc || extra >= b->alloc - b->len)
		guard_buf_grow_slow(b, extra);
}
void guard_buf_add(struct guard_buf *b, const void *data, size_t len);
void guard_buf_addstr(struct guard_buf *b, const char *s);
void guard_buf_addch_slow(struct guard_buf *b, int c);

static inline void
guard_buf_addch(struct guard_buf *b, int c)
{
	if (b->len + 1 < b->alloc) {
		b->buf[b->len++] = (char)c;
		b->buf[b->len] = '\0';
	} else {
		guard_buf_addch_slow(b, c);
	}
}
void guard_buf_addf(struct guard_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void guard_buf_vaddf(struct guard_buf *b, const char *fmt, va_list ap);
/* Take ownership of the string; b is left empty. Caller frees. */
char *guard_buf_detach(struct guard_buf *b);

/*
 * Out of memory: end the process with guard_oom_status. For allocations
 * made by other libraries (cJSON, pcre2, libyaml) that return NULL.
 */
__attribute__((noreturn)) void guard_oom(void);

/* xmalloc family: guard_oom() on exhaustion. */
void *guard_xmalloc(size_t n);
void *guard_xcalloc(size_t n, size_t size);
void *guard_xrealloc(void *p, size_t n);
char *guard_xstrdup(const char *s);
char *guard_xstrndup(const char *s, size_t n);
char *guard_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Zeroed memory for one thread's cache, freed when the thread ends. A
 * cache kept as a _Thread_local array is zeroed page by page when every
 * program starts (each page a fault, ~25 us here), used or not; this is
 * made on first use only.
 */
void *guard_thread_calloc(size_t size);

/*
 * A per-thread table of slots (a memory of answers) that starts at min
 * slots and grows four times over, up to max, once more than twice its
 * slots were written since it last grew: a one-shot program touches a
 * page or two, a stream grows it to what its paths need. Call before
 * picking a slot (tab NULL: made now), count each write in t->writes;
 * on growth drop(slot) releases what each slot owns, and the new table
 * is zeroed (the old block goes with the thread's, guard_thread_calloc).
 */
struct guard_table {
	size_t n, writes;
};
void *guard_table_ready(void *tab, struct guard_table *t, size_t size, size_t min, size_t max,
			void (*drop)(void *slot));

/*
 * Append s as a person should see it before approving it: unchanged when
 * it is printable UTF-8, else quoted the way bash writes $'...', with
 * newlines, tabs, other control bytes, invalid UTF-8 and the invisible
 * or reordering code points (bidi overrides, zero-width spaces) escaped,
 * so "ls -la\nrm -rf x" cannot pass for "ls -la".
 */
void guard_buf_add_visible(struct guard_buf *b, const char *s);

/*
 * The bytes of the code point at s when it shows nothing or reorders the
 * text around it (C1 controls, bidi overrides, zero-width spaces: the set
 * guard_buf_add_visible escapes), its value in *cp; else 0.
 */
size_t guard_utf8_invisible(const char *s, unsigned *cp);

/* JSON text (len bytes) for a terminal: those code points, control bytes and DEL as \uXXXX escapes (JSON reads them back the same). */
void guard_buf_add_json_shown(struct guard_buf *b, const char *s, size_t len);

/* Free text for a terminal, on one line: the same escapes, a tab kept (a name in it cannot move the cursor or fake a line). */
void guard_buf_add_text_shown(struct guard_buf *b, const char *s);

#endif
