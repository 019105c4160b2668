/*
 * The text lines inside a file git calls binary, for LOC budgets.
 */
#include <stdbool.h>
#include <string.h>

#include "guard_textlines.h"

/* The length of the valid UTF-8 sequence at s (at most n bytes), 0 when there is none. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t want = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
		    : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;

	if (!want || want > n)
		return 0;
	for (size_t i = 1; i < want; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return want;
}

/* One line (no newline): its text bytes appended to out; is it a text line? */
static bool
text_line(const unsigned char *s, size_t n, struct guard_buf *out)
{
	size_t text = 0, mark = out ? out->len : 0;

	for (size_t i = 0; i < n;) {
		size_t k = s[i] < 0x80 ? (s[i] >= 0x20 && s[i] < 0x7F) || s[i] == '\t' || s[i] == '\r' : utf8_seq(s + i, n - i);
		if (k) {
			if (out)
				guard_buf_add(out, (const char *)s + i, k);
			text += k;
			i += k;
		} else {
			i++;
		}
	}
	if (text >= GUARD_TEXT_LINE_MIN && text * 5 >= n * 4) {
		if (out)
			guard_buf_add(out, "\n", 1);
		return true;
	}
	if (out && out->buf) {
		out->len = mark; /* not a line: what was added goes */
		out->buf[mark] = '\0';
	}
	return false;
}

size_t
guard_text_lines(const char *data, size_t len, struct guard_buf *out)
{
	const unsigned char *s = (const unsigned char *)data, *end = s + len;
	size_t count = 0;

	while (s < end) {
		const unsigned char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		count += text_line(s, n, out);
		s += n + (nl != NULL);
	}
	return count;
}
