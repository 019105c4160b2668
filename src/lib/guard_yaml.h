/*
 * YAML to cJSON through libyaml's event parser, with a side table of
 * source positions so every later error can say "file:line:col: ...".
 *
 * Bounded against hostile input: size (GUARD_YAML_MAX_BYTES), nesting
 * depth, alias count and the node count after alias expansion, so an
 * alias bomb ("billion laughs") is refused quickly with a clear error.
 *
 * Scalars: quoted or block scalars are strings; plain true/false are
 * booleans, null, ~ and the empty scalar are null, integers and floats
 * are numbers, everything else is a string. Mapping keys must be
 * scalars and unique. One document per file. Merge keys ("<<") are not
 * special: a schema sees them as an ordinary (unknown) key.
 */
#ifndef GUARD_YAML_H
#define GUARD_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "guard_list.h"

#define GUARD_YAML_MAX_BYTES ((size_t)1 << 20)
#define GUARD_YAML_MAX_DEPTH 64
#define GUARD_YAML_MAX_ALIASES 64
#define GUARD_YAML_MAX_NODES 100000

/* A source position, 1-based; {0, 0} when unknown. */
struct guard_yaml_mark {
	unsigned line;
	unsigned col;
};

struct guard_yaml_pos; /* one entry of the side table (guard_yaml.c) */

struct guard_yaml_doc {
	char *name;                 /* the file name used in messages; owned */
	cJSON *root;                /* owned; a cJSON null for an empty document */
	struct guard_yaml_pos *pos; /* node -> marks, sorted by node after parsing */
	size_t npos;
	size_t alloc;
};

/* A document not parsed yet: releasing it is a no-op. */
#define GUARD_YAML_DOC_INIT { .name = NULL, .root = NULL, .pos = NULL, .npos = 0, .alloc = 0 }

void guard_yaml_init(struct guard_yaml_doc *doc);

/*
 * Parse text (len bytes, need not be NUL-terminated) as the document
 * called name. Every problem goes to errors as "name:line:col: message";
 * the return is then GUARD_EPOLICY and doc->root is NULL. On success the
 * doc owns the tree; release it with guard_yaml_release.
 */
int guard_yaml_parse(struct guard_yaml_doc *doc, const char *name, const char *text, size_t len,
		     struct guard_list *errors);

/*
 * Read path (at most GUARD_YAML_MAX_BYTES) and parse it. A missing file
 * is GUARD_ENOTFOUND with nothing added to errors; other read failures
 * are GUARD_EIO with the message in errors.
 */
int guard_yaml_parse_file(struct guard_yaml_doc *doc, const char *path, struct guard_list *errors);

/* Where node's value starts, and where its key starts (a mapping member). */
struct guard_yaml_mark guard_yaml_value_mark(const struct guard_yaml_doc *doc, const cJSON *node);
struct guard_yaml_mark guard_yaml_key_mark(const struct guard_yaml_doc *doc, const cJSON *node);

/*
 * Add "name:line:col: message" to errors, positioned at node's key
 * (at_key) or value. node may be NULL (position of the document).
 */
void guard_yaml_error(const struct guard_yaml_doc *doc, const cJSON *node, bool at_key,
		      struct guard_list *errors, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The same message as a malloc'd string (caller frees). */
char *guard_yaml_message(const struct guard_yaml_doc *doc, const cJSON *node, bool at_key,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Take the tree out of the doc (caller owns it); positions stay valid. */
cJSON *guard_yaml_detach(struct guard_yaml_doc *doc);

void guard_yaml_release(struct guard_yaml_doc *doc);

#endif
