/*
 * Redaction: secrets masked before anything reaches the audit log.
 *
 * A built-in set (cloud keys, hosting-service tokens, private key blocks,
 * JWTs, password=/token: assignments, credentials in URLs) plus the
 * policy's "redact" list, compiled with PCRE2 (JIT when available). Each
 * match is replaced by the entry's replacement, "[REDACTED:<id>]" unless
 * the policy names one. A policy entry with a built-in id replaces it.
 */
#ifndef GUARD_REDACT_H
#define GUARD_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "guard_buf.h"

struct guard_redactor; /* opaque; one thread at a time (it compiles and remembers as it is used) */

/*
 * The built-in set plus policy_redact (the policy's "redact" list, may be
 * NULL). The policy's patterns are compiled now: GUARD_EPOLICY naming the
 * id when one does not. Caller frees *out with guard_redactor_free.
 */
int guard_redactor_new(struct guard_redactor **out, const cJSON *policy_redact);
void guard_redactor_free(struct guard_redactor *r);

/* Shannon entropy of s in bits per byte (the high-entropy rule's measure). */
double guard_redact_entropy(const char *s, size_t len);

/*
 * The i-th built-in (from 0): its id, regex and the check a match must
 * also pass (NULL: none). False past the last. guard-scan's secret rules
 * are these, so a shape added once is masked and found alike.
 */
bool guard_redact_builtin(size_t i, const char **id, const char **regex, bool (**check)(const char *s, size_t len));

/* Ids of the built-in patterns, NULL-terminated (for docs and tests). */
extern const char *const guard_redact_builtin_ids[];

/*
 * Built-ins are compiled on first use, skipped until then by what their
 * table declares of any match (length, first and required bytes). This
 * compiles each and checks the declaration is no tighter than PCRE2's own
 * answer; GUARD_EPOLICY with one line per wrong entry appended to why.
 */
int guard_redact_check_builtins(struct guard_buf *why);

/*
 * s (len bytes) without its invisible characters (zero-width space and
 * joiners, word joiner, soft hyphen, byte order mark, bidi controls), or
 * NULL when it holds none. Redaction and guard-scan match this text, so
 * a key split by one is still found. Caller frees.
 */
char *guard_redact_visible(const char *s, size_t len, size_t *out_len);
/*
 * Mask every secret in s (len bytes), as it reads without invisible
 * characters (then out holds the text without them). Returns the number of matches
 * masked (0: out is untouched) or a negative code when a pattern hit its
 * match limit (the string must then be treated as secret). The masked
 * text is appended to out.
 */
int guard_redact_text(const struct guard_redactor *r, const char *s, size_t len, struct guard_buf *out);

/*
 * Mask every string (values, not keys) inside item in place. erased, when
 * not NULL, receives the JSON pointer (RFC 6901) of each masked value,
 * prefixed with base (e.g. "" for the root). Returns the number of values
 * masked. A string a pattern cannot finish scanning is replaced whole by
 * "[REDACTED:unscannable]": failing closed, the text never reaches disk.
 */
int guard_redact_json(const struct guard_redactor *r, cJSON *item, const char *base, cJSON *erased);

#endif
