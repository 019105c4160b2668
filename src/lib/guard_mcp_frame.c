/*
 * The bounded frame reader of guard mcp: newline-delimited JSON-RPC
 * messages from a byte stream, a message split across reads joined, one
 * over the limit never held in memory (only scanned for its id, so the
 * request it was can still be answered).
 */
#include "guard_mcp.h"

void
guard_mcp_idscan_reset(struct guard_mcp_idscan *s)
{
	memset(s, 0, sizeof(*s));
}

void
guard_mcp_idscan_member(struct guard_mcp_idscan *s, const char *parent, const char *idkey)
{
	guard_mcp_idscan_reset(s);
	s->parent = parent;
	s->idkey = idkey;
}

/* At the level whose members are captured: the top level, or inside the parent object. */
static bool
at_level(const struct guard_mcp_idscan *s)
{
	return s->parent ? s->depth == 2 && s->in_parent : s->depth == 1;
}

/* Where member names are read: that level, and the top level for the parent's name. */
static bool
key_level(const struct guard_mcp_idscan *s)
{
	return s->depth == 1 || at_level(s);
}

static void
scan_key_char(struct guard_mcp_idscan *s, char c)
{
	if (s->klen + 1 < sizeof(s->key))
		s->key[s->klen++] = c;
	else
		s->key_over = true;
}

static void
scan_val_char(struct guard_mcp_idscan *s, char c)
{
	if (s->vlen + 1 < sizeof(s->val))
		s->val[s->vlen++] = c;
	else
		s->val_over = true;
}

/* The value being captured has ended: keep it when whole. */
static void
scan_val_end(struct guard_mcp_idscan *s)
{
	if (s->val_on && !s->val_over && s->vlen) {
		char *dst = s->cap == 1 ? s->id : s->method;
		size_t cap = s->cap == 1 ? sizeof(s->id) : sizeof(s->method);
		if (s->vlen < cap && !*dst) {
			memcpy(dst, s->val, s->vlen);
			dst[s->vlen] = '\0';
		}
	}
	s->cap = 0;
	s->val_on = s->val_over = s->val_str = false;
	s->vlen = 0;
}

static void
scan_string_char(struct guard_mcp_idscan *s, char c)
{
	if (s->esc) {
		s->esc = false;
	} else if (c == '\\') {
		s->esc = true;
	} else if (c == '"') {
		s->in_str = false;
		if (s->str_is_key) {
			s->key[s->klen] = '\0';
			s->str_is_key = false;
			s->want_key = false;
			return;
		}
		if (s->val_str) {
			scan_val_char(s, c);
			scan_val_end(s);
		}
		return;
	}
	if (s->str_is_key)
		scan_key_char(s, c);
	else if (s->val_str)
		scan_val_char(s, c);
}

void
guard_mcp_idscan_feed(struct guard_mcp_idscan *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (s->in_str) {
			scan_string_char(s, c);
			continue;
		}
		switch (c) {
		case ' ': case '\t': case '\r': case '\n':
			if (s->val_on && !s->val_str)
				scan_val_end(s);
			break;
		case '"':
			s->in_str = true;
			if (key_level(s) && s->want_key) {
				s->str_is_key = true;
				s->klen = 0;
				s->key_over = false;
			} else if (at_level(s) && s->cap && !s->val_on) {
				s->val_on = s->val_str = true;
				scan_val_char(s, c);
			}
			break;
		case ':':
			if (at_level(s) && !s->key_over)
				s->cap = !strcmp(s->key, s->idkey ? s->idkey : "id") ? 1
					 : !s->parent && !strcmp(s->key, "method") ? 2 : 0;
			else if (s->parent && s->depth == 1)
				s->parent_next = !s->key_over && !strcmp(s->key, s->parent);
			if (key_level(s)) {
				s->klen = 0;
				s->key[0] = '\0';
			}
			break;
		case ',':
			if (at_level(s))
				scan_val_end(s);
			if (key_level(s))
				s->want_key = true;
			if (s->depth == 1)
				s->parent_next = false;
			break;
		case '{': case '[':
			if (at_level(s))
				s->cap = 0; /* an object or array is no id */
			s->depth++;
			if (s->depth == 2 && s->parent_next && c == '{')
				s->in_parent = true;
			if (c == '{' && key_level(s))
				s->want_key = true;
			break;
		case '}': case ']':
			if (at_level(s))
				scan_val_end(s);
			if (s->depth == 2)
				s->in_parent = s->parent_next = false;
			s->depth--;
			break;
		default:
			if (at_level(s) && s->cap) {
				s->val_on = true;
				scan_val_char(s, c);
			}
			break;
		}
	}
}

void
guard_mcp_frames_init(struct guard_mcp_frames *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max ? max : GUARD_MCP_FRAME_MAX_DEFAULT;
	guard_buf_init(&f->line);
}

void
guard_mcp_frames_release(struct guard_mcp_frames *f)
{
	guard_buf_release(&f->line);
}

size_t
guard_mcp_frames_pending(const struct guard_mcp_frames *f)
{
	return f->over ? f->over_len : f->line.len;
}

/* Take n more bytes of the current message (no newline among them). */
static void
add_part(struct guard_mcp_frames *f, const char *p, size_t n)
{
	if (!f->over && f->line.len + n > f->max) {
		/* over the limit: from here on only counted and scanned */
		f->over = true;
		f->over_len = f->line.len;
		guard_mcp_idscan_reset(&f->scan);
		guard_mcp_idscan_feed(&f->scan, f->line.buf, f->line.len);
		guard_buf_release(&f->line);
	}
	if (f->over) {
		f->over_len += n;
		guard_mcp_idscan_feed(&f->scan, p, n);
	} else {
		guard_buf_add(&f->line, p, n);
	}
}

static bool
blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!memchr(" \t\r", p[i], 3))
			return false;
	return true;
}

static void
emit(struct guard_mcp_frames *f, const char *p, size_t n, guard_mcp_frame_fn fn, void *arg)
{
	struct guard_mcp_frame fr = { p, n, false, NULL };

	if (f->over) {
		fr.data = NULL;
		fr.len = f->over_len;
		fr.oversized = true;
		fr.scan = &f->scan;
		fn(arg, &fr);
		f->over = false;
		f->over_len = 0;
		return;
	}
	if (!blank(p, n))
		fn(arg, &fr);
}

void
guard_mcp_frames_feed(struct guard_mcp_frames *f, const char *p, size_t n, guard_mcp_frame_fn fn, void *arg)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		if (!nl) {
			add_part(f, p, n);
			return;
		}
		size_t k = (size_t)(nl - p);
		if (!f->over && !f->line.len && k <= f->max) {
			emit(f, p, k, fn, arg); /* whole in this read: no copy */
		} else {
			add_part(f, p, k);
			if (f->over) {
				emit(f, NULL, 0, fn, arg);
			} else {
				emit(f, f->line.buf, f->line.len, fn, arg);
				/* a big message's room is given back, so memory stays flat */
				if (f->line.alloc > ((size_t)1 << 20))
					guard_buf_release(&f->line);
				else
					guard_buf_reset(&f->line);
			}
		}
		p = nl + 1;
		n -= k + 1;
	}
}
