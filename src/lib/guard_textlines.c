/*
 * The text lines inside a file git calls binary, for LOC budgets.
 */
#include <stdbool.h>
#include <errno.h>
#include <iconv.h>
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
	size_t text = 0, run = 0, longest = 0, mark = out ? out->len : 0;

	for (size_t i = 0; i < n;) {
		size_t k = s[i] < 0x80 ? (s[i] >= 0x20 && s[i] < 0x7F) || s[i] == '\t' || s[i] == '\r' : utf8_seq(s + i, n - i);
		run = s[i] < 0x80 && k ? run + 1 : 0; /* printable ASCII in a row */
		longest = run > longest ? run : longest;
		if (k) {
			if (out)
				guard_buf_add(out, (const char *)s + i, k);
			text += k;
			i += k;
		} else {
			i++;
		}
	}
	if ((text >= GUARD_TEXT_LINE_MIN && text * 5 >= n * 4) || longest >= GUARD_TEXT_RUN_MIN) {
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

/*
 * The length of the line at s: up to a newline or a CR that ends no CRLF
 * (compilers take a bare CR as a line end, attack9 J21), kept in a CRLF
 * line as git keeps it.
 */
static size_t
line_end(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			return i;
	return n;
}

size_t
guard_text_lines(const char *data, size_t len, struct guard_buf *out)
{
	const unsigned char *s = (const unsigned char *)data, *end = s + len;
	size_t count = 0;

	while (s < end) {
		size_t n = line_end(s, (size_t)(end - s));
		count += text_line(s, n, out);
		s += n + (s + n < end);
	}
	return count;
}

#define WIDE_PEEK 8000 /* the NUL pattern is judged on this many bytes, as git's binary test */

/* The encoding a byte order mark at s names (its length in *bom), or NULL. */
static const char *
wide_bom(const unsigned char *s, size_t len, size_t *bom)
{
	*bom = 4;
	if (len >= 4 && !memcmp(s, "\xFF\xFE\0\0", 4))
		return "UTF-32LE";
	if (len >= 4 && !memcmp(s, "\0\0\xFE\xFF", 4))
		return "UTF-32BE";
	*bom = 2;
	if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE)
		return "UTF-16LE";
	if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
		return "UTF-16BE";
	*bom = 0;
	return NULL;
}

/*
 * The encoding the NUL bytes of s say, without a mark: text in UTF-16 or
 * UTF-32 is mostly ASCII (code, keys), whose characters have NUL high
 * bytes, and its low bytes are never NUL. At least half the characters
 * must be such, and a NUL where a low byte is a rarity (1 in 16).
 */
static const char *
wide_pattern(const unsigned char *s, size_t len)
{
	size_t zero[4] = { 0, 0, 0, 0 }, n = (len < WIDE_PEEK ? len : WIDE_PEEK) & ~(size_t)3;

	for (size_t i = 0; i < n; i++)
		zero[i & 3] += !s[i];
	size_t chars4 = n / 4, chars2 = n / 2, z_even = zero[0] + zero[2], z_odd = zero[1] + zero[3];
	if (!n)
		return NULL;
	if (zero[2] * 2 >= chars4 && zero[3] * 2 >= chars4 && zero[0] * 16 <= zero[3])
		return zero[1] * 2 >= chars4 ? "UTF-32LE" : NULL;
	if (zero[0] * 2 >= chars4 && zero[1] * 2 >= chars4 && zero[3] * 16 <= zero[0])
		return zero[2] * 2 >= chars4 ? "UTF-32BE" : NULL;
	if (z_odd * 2 >= chars2 && z_even * 16 <= z_odd)
		return "UTF-16LE";
	if (z_even * 2 >= chars2 && z_odd * 16 <= z_even)
		return "UTF-16BE";
	return NULL;
}

bool
guard_text_wide_utf8(const char *data, size_t len, struct guard_buf *out)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t bom;
	const char *enc = wide_bom(s, len, &bom);

	out->len = 0;
	if (!enc && !(enc = wide_pattern(s, len)))
		return false;
	size_t unit = enc[4] == '3' ? 4 : 2, in_left = (len - bom) / unit * unit;
	/* UTF-8 takes at most 3 bytes per UTF-16 unit, 4 per UTF-32 one */
	guard_buf_grow(out, in_left / unit * (unit == 2 ? 3 : 4) + 1);
	iconv_t cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return false;
	char *in = (char *)data + bom, *o = out->buf;
	size_t o_left = out->alloc - 1;
	/*
	 * A unit that is no character (a lone surrogate planted after a key)
	 * becomes U+FFFD and the rest is decoded: stopping there would hide
	 * what follows, and a text that "does not read as text" is the
	 * attacker's to make.
	 */
	while (iconv(cd, &in, &in_left, &o, &o_left) == (size_t)-1 && (errno == EILSEQ || errno == EINVAL) &&
	       in_left >= unit && o_left >= 3) {
		memcpy(o, "\xEF\xBF\xBD", 3);
		o += 3;
		o_left -= 3;
		in += unit;
		in_left -= unit;
	}
	iconv_close(cd);
	out->len = (size_t)(o - out->buf);
	out->buf[out->len] = '\0';
	return true;
}
