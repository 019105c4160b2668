/*
 * The event: one JSON object per line (DESIGN.md section 3).
 */
#ifndef GUARD_EVENT_H
#define GUARD_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#define GUARD_EVENT_MAX_DEFAULT ((size_t)8 << 20) /* 8 MiB a line */
#define GUARD_EVENT_MAX_DEPTH 64                  /* nesting of objects/arrays */

/*
 * Parse one event: rejects (GUARD_EUSAGE, message says which) NUL bytes,
 * invalid UTF-8, nesting deeper than GUARD_EVENT_MAX_DEPTH, more than max
 * bytes, malformed JSON and anything but an object. *out is owned by the
 * caller.
 */
int guard_event_parse(const char *buf, size_t len, size_t max, cJSON **out);

/*
 * A bounded JSON Lines reader. When flush is set, that stream is flushed
 * each time the reader is about to wait for more input: a filter's output
 * then goes out in batches while input is plentiful, and at once when the
 * input pauses, so interactive use never sees a held-back event.
 */
struct guard_reader {
	FILE *in;
	FILE *flush;
	size_t max;
	char *line;   /* the last line read, NUL-terminated */
	size_t len;   /* its length */
	size_t cap;
	unsigned long lineno;
};

/* A reader of in, lines of at most max bytes (as guard_reader_init). */
#define GUARD_READER_INIT(in_, max_) \
	{ .in = (in_), .flush = NULL, .max = (max_), .line = NULL, .len = 0, .cap = 0, .lineno = 0 }

void guard_reader_init(struct guard_reader *r, FILE *in, size_t max);
/*
 * Next event: 1 with *out set, 0 at end of input, or a negative code for
 * a bad line (the message names the line number); the reader has then
 * skipped that line, so a filter can emit a deny and go on. Blank lines
 * are skipped.
 */
int guard_reader_next(struct guard_reader *r, cJSON **out);
void guard_reader_release(struct guard_reader *r);

/*
 * Write ev as one line (flushed by the reader's flush, or the caller);
 * GUARD_EIO when the stream has failed.
 */
int guard_event_write(FILE *out, const cJSON *ev);

/*
 * What a stage added. Mark an event's top-level members before a stage;
 * guard_event_write_since then copies the line the event was parsed from
 * and prints only the members added after the mark, so every key a stage
 * did not touch passes through byte for byte (and a stream is spared
 * printing it again). When the marked members are no longer the event's
 * first ones, in order (a stage replaced or removed one), the whole event
 * is printed instead.
 */
struct guard_event_mark {
	const cJSON **members;
	size_t n;
	size_t alloc;
};

void guard_event_mark(struct guard_event_mark *m, const cJSON *ev);
void guard_event_mark_release(struct guard_event_mark *m);
int guard_event_write_since(FILE *out, const cJSON *ev, const struct guard_event_mark *m,
			    const char *line, size_t len);

/*
 * Fill what a stage needs and the producer left out: v, id (uuid), ts,
 * source, phase ("pre"), cwd (process cwd), project (root of cwd),
 * actor {user: $USER, role: "agent"}. Never overwrites a present key.
 */
int guard_event_complete(cJSON *ev, const char *source);

/*
 * What a stage adds to an event that lives no longer than the event (the
 * risk object), allocated where the event was parsed: a stream
 * (cli_filter) passes the calls that turn its per-event cJSON arena on
 * and off for this thread; NULL, the default, leaves cJSON on the heap.
 * Nothing kept past the event may be made between the two.
 */
void guard_event_arena(void (*on)(void), void (*off)(void));
void guard_event_arena_on(void);
void guard_event_arena_off(void);

/*
 * The fail-closed answer for input a stage could not handle: a new event
 * (a copy of orig's id/tool/input when orig is given) whose decision is
 * deny with the rule (e.g. "guard.invalid-input") and the reason.
 */
cJSON *guard_event_deny(const cJSON *orig, const char *rule, const char *reason);

/*
 * Several top-level members of obj in one walk (a lookup each would walk
 * every key again): out[i] is the first member named names[i], or NULL.
 */
void guard_event_members(const cJSON *obj, const char *const *names, size_t n, const cJSON **out);

/* String at a dotted path ("input.command"), or NULL. */
const char *guard_event_str(const cJSON *ev, const char *path);

/* A fresh random uuid string (libuuid). */
void guard_uuid(char out[37]);

#endif
