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

struct guard_redactor; /* opaque; immutable once made */

/*
 * Compile the built-in set plus policy_redact (the policy's "redact"
 * list, may be NULL). GUARD_EPOLICY naming the id when a regex does not
 * compile. Caller frees *out with guard_redactor_free.
 */
int guard_redactor_new(struct guard_redactor **out, const cJSON *policy_redact);
void guard_redactor_free(struct guard_redactor *r);

/* Ids of the built-in patterns, NULL-terminated (for docs and tests). */
extern const char *const guard_redact_builtin_ids[];

/*
 * Mask every secret in s (len bytes). Returns the number of matches
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
