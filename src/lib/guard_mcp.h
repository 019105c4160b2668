/*
 * MCP (Model Context Protocol) for guard mcp, the stdio proxy: the
 * bounded frame reader, the tools a server lists (and what its
 * annotations may say to guard), the event a tools/call becomes and the
 * JSON-RPC answers guard gives in the server's place. The loop, the
 * processes and the pipes are the program's (src/mcp_proxy.c).
 */
#ifndef GUARD_MCP_H
#define GUARD_MCP_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "guard_buf.h"
#include "guard_policy.h"

#define GUARD_MCP_FRAME_MAX_DEFAULT ((size_t)8 << 20) /* 8 MiB a message */
#define GUARD_MCP_ID_MAX 128                          /* bytes of an id's JSON text kept */

/*
 * A look at a frame too long to keep: its top-level "id" and "method"
 * found while the bytes stream past (strings and nesting followed, so a
 * "id" inside params is not taken), to answer the request it was. With
 * parent and idkey set after the reset (guard_mcp_idscan_member), the
 * member idkey of the top-level object parent is taken as the id instead
 * (params.requestId of a cancellation), and no method.
 */
struct guard_mcp_idscan {
	const char *parent, *idkey; /* NULL, NULL: the top-level "id" */
	bool parent_next, in_parent; /* the value after parent's key is next / being read */
	int depth;
	bool in_str, esc, str_is_key, want_key, val_str;
	int cap;                  /* 0, or capturing the value of 1 "id", 2 "method" */
	bool val_on, val_over;
	char key[16];
	size_t klen;
	bool key_over;
	char val[GUARD_MCP_ID_MAX];
	size_t vlen;
	char id[GUARD_MCP_ID_MAX];   /* the id's JSON text ("" when none) */
	char method[64];             /* the method's JSON text ("" when none) */
};

/* One message: a line without its newline, or the look at one over max. */
struct guard_mcp_frame {
	const char *data;  /* NULL when oversized */
	size_t len;        /* bytes (all of them when oversized) */
	bool oversized;
	const struct guard_mcp_idscan *scan; /* when oversized */
};

typedef void (*guard_mcp_frame_fn)(void *arg, const struct guard_mcp_frame *f);

/*
 * Newline-delimited messages from a byte stream, each at most max bytes:
 * a longer one is not kept (its bytes are only counted and scanned) and
 * comes out as oversized once its newline arrives. Blank lines are
 * skipped; a "\r" before the newline stays in the frame.
 */
struct guard_mcp_frames {
	size_t max;
	struct guard_buf line;   /* the partial message so far */
	bool over;
	size_t over_len;
	struct guard_mcp_idscan scan;
};

void guard_mcp_frames_init(struct guard_mcp_frames *f, size_t max);
void guard_mcp_frames_release(struct guard_mcp_frames *f);
/* Feed n bytes; fn is called for every message they complete, in order. */
void guard_mcp_frames_feed(struct guard_mcp_frames *f, const char *p, size_t n, guard_mcp_frame_fn fn, void *arg);
/* Bytes of an unfinished message held (or counted, when over max). */
size_t guard_mcp_frames_pending(const struct guard_mcp_frames *f);

void guard_mcp_idscan_reset(struct guard_mcp_idscan *s);
/* Reset s to take the member idkey of the top-level object parent as the id. */
void guard_mcp_idscan_member(struct guard_mcp_idscan *s, const char *parent, const char *idkey);
void guard_mcp_idscan_feed(struct guard_mcp_idscan *s, const char *p, size_t n);

/* ---- the tools a server lists ---- */

/*
 * What the server's tools/list said of each tool. For a server the
 * trusted layers name in mcp.trusted_servers, every hint is believed;
 * for any other, a hint may only raise risk: readOnlyHint is kept for
 * the record but never given to the risk stage, and destructiveHint once
 * seen stays (a new list cannot take it back).
 */
struct guard_mcp_tools {
	cJSON *known;   /* name -> {readOnlyHint, destructiveHint, idempotentHint, openWorldHint, trusted} */
	bool trusted;
};

#define GUARD_MCP_TOOLS_INIT { NULL, false }

void guard_mcp_tools_release(struct guard_mcp_tools *t);
/* Learn from a tools/list result ({tools: [...], nextCursor?}); returns the number of tools read. */
size_t guard_mcp_tools_learn(struct guard_mcp_tools *t, const cJSON *result);
/* The "hints" member an event gets for tool (a new object, maybe empty). */
cJSON *guard_mcp_tools_hints(const struct guard_mcp_tools *t, const char *tool);

/* ---- what a tool call's arguments name ---- */

#define GUARD_MCP_ARGS_MAX 256 /* strings looked at in one call's arguments */
#define GUARD_MCP_ARGS_DEPTH 8 /* objects and arrays followed down */

/* Called with the member name a string is under (an array's own name for its items) and the string. */
typedef void guard_mcp_arg_fn(void *arg, const char *key, const char *value);

/*
 * Each string in a tool call's arguments (objects and arrays followed,
 * bounded) that names a path, whatever its key: one with a '/', one that
 * starts with '.' or '~', or one naming a file that exists relative to
 * cwd; a file:// URI is given as its decoded path. The text a tool writes
 * (guard_mcp_text_key), the text an edit replaces and a command are not
 * paths; neither is a string with a newline or another URL. Returns how
 * many were given to fn.
 */
size_t guard_mcp_arg_paths(const cJSON *input, const char *cwd, guard_mcp_arg_fn *fn, void *arg);
#define GUARD_MCP_JOIN_MAX 32 /* parts joined in one call's arguments: at most 32 * 31 joins */

/*
 * The paths a call's arguments make when the server joins them (the
 * split-path family: {"dir": ".ai", "name": "policy.yaml"}): every string
 * that may be a part of a path (not written text, an edit's old text, a
 * command, a string with a newline or a URL other than file://, which is
 * decoded) joined as folder with every other one that is relative, as
 * "FOLDER/NAME"; and each array of 2 to GUARD_MCP_JOIN_MAX such strings
 * joined whole, in order (["a", "b", "c"] is "a/b/c"), all with key NULL;
 * then each relative part joined under each of folders (where the server
 * may resolve a relative name: guard's directory, the server's folders),
 * with that folder as key. Strings glued
 * without a separator (".a" + "i/x") are no join. Returns how many joins
 * were given to fn, or -1 when the arguments hold more than
 * GUARD_MCP_JOIN_MAX parts, more than GUARD_MCP_ARGS_MAX strings or
 * nest deeper than GUARD_MCP_ARGS_DEPTH: then not every join was seen
 * and the caller fails closed.
 */
int guard_mcp_arg_joins(const cJSON *input, char *const *folders, size_t nfolders, guard_mcp_arg_fn *fn, void *arg);
/*
 * file://[localhost]/p%20q -> "/p q" (the caller frees), or NULL when s
 * is no local file URI (another host's, or a %00 inside).
 */
char *guard_mcp_file_uri_path(const char *s);
/* The same, and the forms without "//" (file:/ABS, file:REL, file:./x, FILE:): relative stays relative. */
char *guard_mcp_file_uri_loose(const char *s);

/* Each string argument holding text the tool writes (guard_mcp_text_key), as above. */
size_t guard_mcp_arg_texts(const cJSON *input, guard_mcp_arg_fn *fn, void *arg);
/* content, text, data, newText, new_text, new_string, body (and contentBase64, blob, bytes, ...): text a tool writes. */
bool guard_mcp_text_key(const char *key);

/* ---- events and answers ---- */

/*
 * The pre-phase event for a tools/call request (parsed msg) from the
 * server named server: tool mcp__SERVER__TOOL, input = arguments, hints,
 * source "mcp", cwd. GUARD_EUSAGE (with the reason) when params are not
 * {name: string, arguments?: object}.
 */
int guard_mcp_call_event(const cJSON *msg, const char *server, const struct guard_mcp_tools *tools,
			 const char *cwd, cJSON **out);

/*
 * The post-phase event for the answer to a call whose pre event was pre:
 * result {success, error?} from the JSON-RPC result or error (answer may
 * be NULL: no answer, with why), and duration_ms.
 */
cJSON *guard_mcp_result_event(const cJSON *pre, const cJSON *answer, const char *why, double duration_ms);

/*
 * guard's answer in the server's place, one line with its newline, to b:
 * a tool result with isError true and text (what the model reads), or a
 * JSON-RPC error. id_json is the request's id as JSON text ("null" when
 * it could not be read).
 */
void guard_mcp_tool_error(struct guard_buf *b, const char *id_json, const char *text);
void guard_mcp_rpc_error(struct guard_buf *b, const char *id_json, int code, const char *message);

/*
 * The text the model reads for a decided event that is not an allow:
 * deny (with rule and reason, and how to get an approval when one is
 * pending), or with propose set and a pending approval, a proposal: what
 * would run, its risk and reasons, the approval id and what to do.
 */
char *guard_mcp_refusal_text(const cJSON *ev, bool propose);

#endif
