/*
 * JSON text guard writes itself: the canonical form that is hashed and
 * the pretty form of files people read and commit. (Parsing is cJSON's.)
 */
#ifndef GUARD_JSON_H
#define GUARD_JSON_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "guard_buf.h"

/*
 * Canonical JSON: keys sorted bytewise at every level, no insignificant
 * white space, numbers as cJSON prints them, strings escaped minimally
 * (", \ and control characters; UTF-8 as is). Caller frees.
 */
char *guard_json_canonical(const cJSON *item);

/* The same canonical text, appended to b (no allocation of its own). */
void guard_json_canonical_append(struct guard_buf *b, const cJSON *item);

/*
 * Pretty JSON for files that are committed: two-space indentation, one
 * member or element per line, a final newline; keys sorted when sort_keys
 * is set, else in their order. Caller frees.
 */
char *guard_json_pretty(const cJSON *item, int sort_keys);

/* Append item as compact JSON, keys in their order (what cJSON prints). */
void guard_json_append(struct guard_buf *b, const cJSON *item);

/* Append s as a JSON string literal. */
void guard_json_add_string(struct guard_buf *b, const char *s);

/*
 * obj's member key, as cJSON_GetObjectItemCaseSensitive (the first one;
 * NULL when obj or key is NULL or there is none), each name's first byte
 * compared before strcmp: an event's dozen members are looked up often.
 */
cJSON *guard_json_get(const cJSON *obj, const char *key);

/* obj's string member key, or dflt when it is absent or not a string. */
const char *guard_json_str(const cJSON *obj, const char *key, const char *dflt);

/* obj's number member key, or 0 when it is absent or not a number (never NaN in text). */
double guard_json_num(const cJSON *obj, const char *key);

/* Set obj's member key to item (taken over): replaced in place, or added. */
void guard_json_set(cJSON *obj, const char *key, cJSON *item);

/*
 * Whether an object anywhere in item names a member twice. cJSON keeps
 * both as children and its lookups return the first, while other readers
 * (jq, Python) take the last: a record or event that says two things must
 * be refused, not read one way. When path is not NULL it receives the
 * JSON pointer of the second member ("/decision/effect").
 */
bool guard_json_dup_key(const cJSON *item, struct guard_buf *path);

/*
 * The offset of the first \u0000 escape in the JSON text buf, or len.
 * cJSON's strings end at a NUL, the tool's do not ("ls\u0000; rm -rf ~"):
 * text about to be decided on is refused when it holds one.
 */
size_t guard_json_nul_escape_at(const char *buf, size_t len);

#endif
