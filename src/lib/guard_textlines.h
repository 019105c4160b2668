#ifndef GUARD_TEXTLINES_H
#define GUARD_TEXTLINES_H

#include <stddef.h>

#include "guard_buf.h"

/*
 * The lines of a binary file that read as text (attack8 I3: one NUL byte
 * makes a file binary to git, which then counts none of its lines). A
 * line (bytes up to a newline) reads as text when it holds at least
 * GUARD_TEXT_LINE_MIN bytes of printable ASCII, tab or valid UTF-8, and
 * those are at least four fifths of its bytes: code with a NUL planted in
 * every line still reads as code, while the near-random bytes of a
 * picture or an archive make almost no such line (about one in 64 KiB). Appends each text line (its text bytes
 * only, then a newline) to out when out is not NULL; returns their count.
 */
#define GUARD_TEXT_LINE_MIN 4
size_t guard_text_lines(const char *data, size_t len, struct guard_buf *out);

#endif
