/*
 * The governing step of guard mcp, one code path for both transports
 * (the stdio proxy, src/mcp_proxy.c, and the Streamable HTTP proxy,
 * src/guard-mcp-http.c): a tools/call becomes guard's event and goes
 * through the hook's pipeline (risk, policy, approval gate, session
 * counters, audit); its answer is audited as tool.result. The policy is
 * loaded again as soon as a layer file changes. Not thread-safe: the
 * HTTP proxy holds its lock around every call.
 */
#ifndef GUARD_MCP_GOVERN_H
#define GUARD_MCP_GOVERN_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "guard_approval.h"
#include "guard_audit.h"
#include "guard_mcp.h"
#include "guard_policy.h"
#include "guard_stage.h"

struct mcp_gov {
	const char *name;             /* the server's name: tools are mcp__NAME__TOOL */
	char *cwd, *project;
	bool propose_flag;            /* --propose */
	size_t max_flag;              /* --max-frame, or 0 */
	const char *session;          /* $GUARD_SESSION: the unattended session calls count against */
	struct guard_policy_mcp cfg;  /* mcp: of the policy in force */
	struct guard_stages stages;   /* the policy, kept while its files stay the same */
	bool stages_on;
	struct guard_audit *log;      /* the audit log, open while the policy stays */
	char sig[4][96];              /* what each layer file looked like when it was loaded */
	struct guard_mcp_tools tools; /* what the server's tools/list said */
	struct guard_list roots;      /* the folders the server was started with (mcp_gov_roots) */
	bool spawned_local;           /* guard spawned the server from a local command (mcp_gov_spawned) */
	cJSON *later;                 /* result events not recorded yet (mcp_gov_result_later), oldest first */
};

#define MCP_LATER_MAX 64 /* results held for later at most: the next one writes them all */

#define MCP_ROOTS_MAX 16 /* folders of a server's command and the client's roots kept; the risk stage judges
			    against 7 and asks past them */
#define MCP_ROOTS_READ 64      /* roots read from one roots/list answer */
#define MCP_ROOT_URI_MAX 4096  /* bytes of a root's URI */

/* What to do with a call. */
enum mcp_verdict {
	MCP_FORWARD, /* allowed: send it on; *ev is the decided event, for mcp_gov_result */
	MCP_ANSWER,  /* answer it with a tool error: *text (denied, a proposal, or a failure) */
	MCP_WAIT,    /* an ask with approval.hook_wait: *ev waits; mcp_gov_settle or decide again */
};

/* How long a call may wait for a person, and how often to look. */
struct mcp_wait {
	char appr[GUARD_APPROVAL_ID_LEN]; /* the approval request */
	long long wait_s, poll_ms;
};

/* The options both transports take. */
struct mcp_opts {
	const char *name;  /* --name */
	bool propose;      /* --propose */
	size_t max_frame;  /* --max-frame, or 0 */
};

/*
 * One common option at argv[*i] (*i moves past its value): 1 when taken,
 * 0 when it is not one of them, GUARD_EUSAGE on a bad value.
 */
int mcp_opt_common(struct mcp_opts *o, int argc, char **argv, int *i);

/* The id's JSON text, or "" when it is not a string or number (or too long). */
void mcp_id_text(const cJSON *id, char out[GUARD_MCP_ID_MAX]);

/*
 * A message's id (idv, the member "id" of the message whose bytes are
 * data, len): raw gets the token as the sender spelled it (1e400, -0,
 * 12345678901234567890, "\u0041"), which guard's own answers carry byte
 * for byte; key gets what answers are matched by: cJSON's text of the
 * value (so 1.50 and 1.5 match), or the raw token when cJSON cannot print
 * the value (a number beyond a double's range). Both "" when the id is
 * not a string or number, or too long. raw may be NULL (key alone: the
 * bytes are scanned only when the key needs them).
 */
void mcp_id_take(const cJSON *idv, const char *data, size_t len, char *raw, char key[GUARD_MCP_ID_MAX]);

/*
 * The key of the call a notifications/cancelled (msg parsed, data its
 * bytes) names in params.requestId, as mcp_id_take keys the call's own
 * id (so 1e400 is 1e400 as spelled, not cJSON's null); "" when none.
 */
void mcp_cancel_key(const cJSON *msg, const char *data, size_t len, char key[GUARD_MCP_ID_MAX]);

/* A server name fit for mcp__NAME__TOOL, or GUARD_EUSAGE saying what fits. */
int mcp_name_check(const char *name);

/* name, cwd (taken), project (taken), flags: then the policy is loaded on first use. */
int mcp_gov_init(struct mcp_gov *g, const char *name, bool propose, size_t max_frame);
void mcp_gov_release(struct mcp_gov *g);

/*
 * The folders the server command argv (NULL-terminated) names: each
 * argument (or the value of --opt=VALUE) that is an existing directory
 * other than guard's own. A server such as the reference filesystem one
 * resolves a relative path against its first folder, so every call's
 * event carries them (mcp_roots) and the risk stage judges relative paths
 * against each as well as guard's directory.
 */
void mcp_gov_roots(struct mcp_gov *g, char *const *argv);

/*
 * The stdio server guard spawns from argv (NULL-terminated): it runs on
 * this machine, with guard's files in reach, unless its program is a
 * known remote-exec client (kubectl, docker, ssh, ...: see the list in
 * mcp_govern.c; a container with a bind mount counts as local). A
 * tool whose name says it runs commands (exec, shell, run_command) then
 * has its command judged as the Bash tool's is, not as run in a pod
 * (the event says mcp_local). The trusted layers' mcp.servers.NAME.remote
 * says otherwise either way; nothing the server or client says does.
 */
void mcp_gov_spawned(struct mcp_gov *g, char *const *argv);

/* Does a call's command run on this machine (mcp_gov_spawned and the policy in force)? */
bool mcp_gov_local(const struct mcp_gov *g);

/*
 * The client's roots (the result of its answer to the server's
 * roots/list: {roots: [{uri: "file:///..."}...]}): each local file:// URI
 * (at most MCP_ROOT_URI_MAX bytes, percent-decoded by
 * guard_mcp_file_uri_path) joins the server's folders, so relative paths
 * are judged and counted against it too. Untrusted, so they only add: a
 * later answer never takes a folder away, guard's directory stays, and
 * the first MCP_ROOTS_READ of an answer are read. Returns how many were
 * new.
 */
size_t mcp_gov_learn_roots(struct mcp_gov *g, const cJSON *result);

/* The policy in force (loaded again when a layer file changed); g->cfg follows it. */
int mcp_gov_policy(struct mcp_gov *g, const struct guard_policy **p);

/*
 * Judge a tools/call (msg parsed, len its bytes). may_wait lets an ask
 * wait for a person (MCP_WAIT, with w filled); otherwise it is settled
 * now. Never fails: a failure is an MCP_ANSWER naming it (fail closed).
 */
enum mcp_verdict mcp_gov_decide(struct mcp_gov *g, const cJSON *msg, size_t len, bool may_wait, cJSON **ev,
				char **text, struct mcp_wait *w);

/* A wait that ended without an approval (ev taken): the hook's deny, why added; *text to answer with. */
void mcp_gov_settle(struct mcp_gov *g, cJSON *ev, const char *why, char **text);

/* The answer to a forwarded call (answer NULL: none, why says why), audited now; pre is kept. */
void mcp_gov_result(struct mcp_gov *g, const cJSON *pre, const cJSON *answer, const char *why, double ms);

/*
 * The same, recorded later: both transports relay a call's answer to the
 * client first and record its result after (mcp_gov_results_write once
 * the answer is on its way). The decision record was synced before the
 * call was forwarded (write-ahead), so a proxy killed between the two
 * loses the result record only. Held results are bounded
 * (MCP_LATER_MAX: past it they are written at once) and written by
 * mcp_gov_release at the latest.
 */
void mcp_gov_result_later(struct mcp_gov *g, const cJSON *pre, const cJSON *answer, const char *why, double ms);
/* Record the results held for later, oldest first; true when there were any. */
bool mcp_gov_results_write(struct mcp_gov *g);

/* A line on stderr, which the client shows as the server's log. */
void mcp_gov_note(const struct mcp_gov *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The status of an approval request: "pending", "approved", ... ("pending" when it cannot be read). */
const char *mcp_gov_approval_state(const char *project, const char *id, char *buf, size_t size);

#endif
