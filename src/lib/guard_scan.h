/*
 * The scanner: secrets and forbidden patterns in text (a file, a diff's
 * added lines, an agent's edit). One rule set: the redactor's built-in
 * secret shapes (guard_redact_builtin) plus the policy's
 * forbidden_patterns (id, regex, message, severity, paths, keywords); a
 * policy entry with a built-in's id replaces it. Every rule has keywords,
 * and a text holding none of a rule's (either case) is not matched
 * against it: one pass of one JIT-compiled pattern finds the candidates.
 *
 * A finding never holds the matched text: only its first characters (at
 * most 4, at most half of it), a hash of it and a fingerprint (rule and
 * hash) that a baseline keeps.
 */
#ifndef GUARD_SCAN_H
#define GUARD_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "guard_buf.h"

struct guard_scanner; /* one thread at a time */

/* Rules from the policy tree (NULL: the built-ins only). GUARD_EPOLICY naming a rule that does not compile. */
int guard_scanner_new(const cJSON *policy_tree, struct guard_scanner **out);
/*
 * Stop scanning once max_findings are found (0: find them all), from now
 * on; guard_scanner_capped says whether it stopped. A hook needs one
 * finding to deny, and must answer before the agent's timeout whatever
 * the text holds (attack8 I12).
 */
void guard_scanner_limit(struct guard_scanner *s, size_t max_findings);
/* A scan running past the call's deadline (guard_deadline_set) fails with GUARD_EEXPIRED: a hook's answer is a deny, never late. */
bool guard_scanner_capped(const struct guard_scanner *s);
void guard_scanner_free(struct guard_scanner *s);

/* Honour inline "guard-scan:allow RULE-ID reason" comments (default on; the hook turns them off). */
void guard_scanner_inline_allow(struct guard_scanner *s, bool on);

/*
 * A scanner kept for many texts (the analyzer's, one per policy) scans
 * each text as a new scanner would: a rule's JIT code, made when it first
 * met a large text, is used for large texts only.
 */
void guard_scanner_jit_each_text(struct guard_scanner *s);

/*
 * How the scanner asks whether a new name's folders are there (lstat(2)
 * by default): the analyzer's scanner asks its one-second memory, as it
 * does for every other look (guard_risk_memo.c).
 */
struct stat;
void guard_scanner_lstat(struct guard_scanner *s, int (*fn)(const char *path, struct stat *sb));

/* Whether the policy's scan.exclude globs name path (such a file is not scanned). */
bool guard_scanner_excluded(const struct guard_scanner *s, const char *path);

/*
 * Scan text (len bytes) found at path. Line i of text (from 0) is line
 * lines[i] of the file when lines is given, first_line + i otherwise.
 * Appends one object per finding to findings: rule, path, line, column,
 * severity, message, kind ("secret" or "pattern"), preview, hash,
 * fingerprint. Returns the number appended, or GUARD_EPOLICY when a
 * rule's regex (compiled on first use) does not compile.
 */
int guard_scanner_scan(struct guard_scanner *s, const char *path, const char *text, size_t len, long first_line,
		       const long *lines, cJSON *findings);

/*
 * Scan the name of the file or folder path names (its last part) as its
 * own text (attack8: a file named after a key is committed and pushed
 * with its key in every listing). Findings name path, line 0, the column
 * within the name, and "in": "name". Inline allow comments do not count
 * in a name. Returns the number appended, or GUARD_EPOLICY.
 */
int guard_scanner_scan_name(struct guard_scanner *s, const char *path, cJSON *findings);
/*
 * The names a write to path creates, scanned so: its file's and its
 * folders' that are not there yet (a Write makes the folders it needs).
 */
int guard_scanner_scan_new_names(struct guard_scanner *s, const char *path, cJSON *findings);

/*
 * A file's added lines gathered from a diff, to be scanned as one text
 * with their line numbers (so multi-line rules match across them):
 * guard-scan range/staged and the session's PR scan.
 */
struct guard_scan_lines {
	char *path;            /* the file they belong to; NULL before the first */
	struct guard_buf text; /* the lines, each ending in '\n' */
	long *lines;           /* text's line i is the file's line lines[i] */
	size_t n, cap;
};
#define GUARD_SCAN_LINES_INIT { NULL, GUARD_BUF_INIT, NULL, 0, 0 }
/* Does path name another file than the one being gathered (flush it, then guard_scan_lines_start)? */
bool guard_scan_lines_other(const struct guard_scan_lines *g, const char *path);
/* Forget what was gathered and start gathering path's lines. */
void guard_scan_lines_start(struct guard_scan_lines *g, const char *path);
void guard_scan_lines_add(struct guard_scan_lines *g, long lineno, const char *text, size_t len);
void guard_scan_lines_release(struct guard_scan_lines *g);

/*
 * Scan what one Write/Edit/MultiEdit/NotebookEdit would write: in is a
 * hook payload (tool_input), an event (input) or the tool input itself.
 * Findings name the input's file_path and a line, and say in "line_in"
 * which: "file", the line of the file after the edit (a Write's content;
 * an Edit's new_string when the file exists and holds its old_string,
 * MultiEdit's edits applied in turn), or "text", the line within the
 * text written (a new file, an old_string not found, a notebook cell).
 * Returns the number found.
 */
int guard_scanner_tool_input(struct guard_scanner *s, const cJSON *in, cJSON *findings);
/*
 * Does a Write/Edit/MultiEdit/NotebookEdit input (as for tool_input) add a
 * "guard-scan:allow" comment to its file: more of them in the file after
 * it than before (or, the file unread, in the texts written than in the
 * texts replaced)?
 */
bool guard_scan_adds_allow(const cJSON *in);
/*
 * The same, for the input s last scanned with guard_scanner_tool_input:
 * the file its edits built is not built again.
 */
bool guard_scanner_adds_allow(const struct guard_scanner *s, const cJSON *in);

/* The rules, for "guard-scan rules" and SARIF's rule list: [{id, severity, message, kind, keywords}]. */
cJSON *guard_scanner_rules(const struct guard_scanner *s);

#endif
