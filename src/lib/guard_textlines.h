#ifndef GUARD_TEXTLINES_H
#define GUARD_TEXTLINES_H

#include <stdbool.h>
#include <stddef.h>

#include "guard_buf.h"

/*
 * The lines of a binary file that read as text (attack8 I3: one NUL byte
 * makes a file binary to git, which then counts none of its lines). A
 * line (bytes up to a newline or a bare CR) reads as text when it holds
 * at least GUARD_TEXT_LINE_MIN bytes of printable ASCII, tab or valid
 * UTF-8 and those are at least four fifths of its bytes (code with a NUL
 * planted in every line), or when it holds GUARD_TEXT_RUN_MIN printable
 * ASCII bytes in a row, whatever else it holds (code with junk bytes in
 * a comment after it, attack9 J21). The near-random bytes of a picture or
 * an archive make few such lines (about one in 30 KiB; a run of 12 about
 * one in 200 KiB), an object file one per string of its tables. Appends each text line (its text bytes only,
 * then a newline) to out when out is not NULL; returns their count.
 */
#define GUARD_TEXT_LINE_MIN 4
#define GUARD_TEXT_RUN_MIN 12
size_t guard_text_lines(const char *data, size_t len, struct guard_buf *out);

/*
 * Text saved as UTF-16 or UTF-32 (Windows tools and PowerShell write
 * these): a NUL byte makes it binary to git and to a scan, which then
 * reads none of it. When data starts with a UTF-16/32 byte order mark, or
 * has no mark but the NUL bytes of such text (ASCII in UTF-16LE puts a
 * NUL in every odd byte), it is decoded by iconv(3) into out as UTF-8,
 * its lines where they were (a unit that is no character becomes U+FFFD),
 * and true returned. False for anything else (UTF-8 text, a binary file
 * without that NUL pattern); out is then left empty.
 */
bool guard_text_wide_utf8(const char *data, size_t len, struct guard_buf *out);

#endif
