/*
 * guard mcp: a stdio proxy between an MCP client (on our stdin/stdout)
 * and an MCP server (a child on pipes). Every message passes byte for
 * byte, in order, except tools/call requests, which go through the hook's
 * pipeline (risk, policy, approval gate, audit) first: allowed ones are
 * forwarded and their answers audited; others are answered here with a
 * tool error the model reads. One poll(2) loop, non-blocking pipes with
 * queues both ways (no deadlock when both sides write at once).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "guard_audit.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_hook.h"
#include "guard_json.h"
#include "guard_mcp.h"
#include "guard_path.h"
#include "guard_session.h"
#include "mcp.h"
#include "mcp_govern.h"

#define MCP_MAX_PENDING 4096            /* requests tracked in flight */
#define MCP_QUEUE_HIGH ((size_t)4 << 20) /* stop reading a side while its peer's queue holds this much */
#define MCP_GRACE_MS 2000               /* after stdin closes: before SIGTERM, then before SIGKILL */
#define MCP_LIST_PAGES 100              /* tools/list pages followed for ourselves */
#define MCP_LIST_WAIT_MS 5000           /* calls wait this long at most for the tools' hints */

/* P_WAIT: a call that asks a person, waiting (approval.hook_wait) without blocking the relay */
enum pending_kind { P_CALL, P_LIST, P_OWN_LIST, P_INIT, P_WAIT };

struct mcp_pending {
	char id[GUARD_MCP_ID_MAX];  /* the request id as the client spelled it (guard's answers carry it) */
	char key[GUARD_MCP_ID_MAX]; /* what its answer is matched by (mcp_id_take) */
	enum pending_kind kind;
	cJSON *ev;                  /* P_CALL: the decided pre event; P_WAIT: the ask, not settled yet */
	long long t0;               /* P_CALL: when it was forwarded (ns) */
	struct guard_buf frame;     /* P_WAIT: the request, judged again once approved */
	char appr[GUARD_APPROVAL_ID_LEN]; /* P_WAIT: the approval request it waits on */
	long long deadline;         /* P_WAIT: when the wait ends (ns) */
};

struct mcp_queue {
	struct guard_buf b;
	size_t off;
};

struct mcp_proxy {
	struct mcp_gov gov;           /* the governing step, shared with the HTTP transport */
	pid_t pid;
	int pidfd, sigfd, to_server, from_server;
	bool client_eof, server_eof, server_exited, initialized, client_gone;
	int server_status;
	long long deadline;   /* ns: next step of the shutdown, or 0 */
	int kill_step;        /* 0 none, 1 SIGTERM sent, 2 SIGKILL sent */
	struct mcp_queue to_client, to_server_q;
	struct guard_mcp_frames rd_client, rd_server;
	struct mcp_pending *pending;
	size_t npending, apending;
	/* calls held while our tools/list is out, so they are rated with the hints it brings */
	struct guard_buf *held;
	size_t nheld;
	long long list_deadline; /* ns: while set, a tools/list of ours is out */
	char own_prefix[32];
	unsigned long own_seq;
	int list_pages;
	bool io_error;
	size_t nwait;           /* P_WAIT entries */
	long long wait_next;    /* ns: the next look at the approvals waited on */
	long long wait_poll_ns; /* how often (approval.poll_interval) */
	int ino;                /* inotify on the approvals folder while calls wait, or -1 */
	struct guard_list roots_asked; /* ids of the server's roots/list requests not answered yet (newest last) */
};

#define MCP_ROOTS_ASKED 16 /* roots/list requests of the server's awaited at once */

static long long
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- queues ---- */

static void
queue_add(struct mcp_queue *q, const char *p, size_t n)
{
	guard_buf_add(&q->b, p, n);
}

static size_t
queue_len(const struct mcp_queue *q)
{
	return q->b.len - q->off;
}

/* Write what the fd takes now; -1 on a closed peer or an error. */
static int
queue_flush(struct mcp_queue *q, int fd)
{
	while (queue_len(q)) {
		ssize_t w = write(fd, q->b.buf + q->off, queue_len(q));
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		q->off += (size_t)w;
	}
	if (q->b.alloc > ((size_t)1 << 20))
		guard_buf_release(&q->b);
	else
		guard_buf_reset(&q->b);
	q->off = 0;
	return 0;
}

/* Write what waits for the client now, as far as its pipe takes it; a client that stopped reading is gone. */
static void
flush_client(struct mcp_proxy *px)
{
	if (!px->client_gone && queue_flush(&px->to_client, 1) < 0) {
		px->client_gone = px->client_eof = true;
		px->to_client.off = px->to_client.b.len;
	}
}

/* ---- requests in flight ---- */

static struct mcp_pending *
pending_find(struct mcp_proxy *px, const char *key)
{
	for (size_t i = 0; i < px->npending; i++)
		if (!strcmp(px->pending[i].key, key))
			return &px->pending[i];
	return NULL;
}

static struct mcp_pending *
pending_add(struct mcp_proxy *px, const char *id, const char *key, enum pending_kind kind)
{
	struct mcp_pending *p = pending_find(px, key);

	if (p) { /* an id used again: the newer request is the one answered next */
		if (p->kind == P_CALL)
			mcp_gov_result(&px->gov, p->ev, NULL, "no answer paired: the client used its id again", 0);
		cJSON_Delete(p->ev);
		guard_buf_release(&p->frame);
		px->nwait -= p->kind == P_WAIT;
	} else {
		if (px->npending == px->apending) {
			px->apending = px->apending ? px->apending * 2 : 16;
			px->pending = guard_xrealloc(px->pending, px->apending * sizeof(*px->pending));
		}
		p = &px->pending[px->npending++];
	}
	memset(p, 0, sizeof(*p));
	guard_buf_init(&p->frame);
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->key, sizeof(p->key), "%s", key);
	p->kind = kind;
	return p;
}

static void
pending_drop(struct mcp_proxy *px, struct mcp_pending *p)
{
	cJSON_Delete(p->ev);
	guard_buf_release(&p->frame);
	px->nwait -= p->kind == P_WAIT;
	*p = px->pending[--px->npending];
}

/* Take an entry out of the table (its owner frees ev and frame). */
static struct mcp_pending
pending_take(struct mcp_proxy *px, struct mcp_pending *p)
{
	struct mcp_pending w = *p;

	px->nwait -= p->kind == P_WAIT;
	*p = px->pending[--px->npending];
	return w;
}

/* The policy in force; the frame readers follow its limit. */
static int
load_policy(struct mcp_proxy *px, const struct guard_policy **p)
{
	int rc = mcp_gov_policy(&px->gov, p);

	if (rc == 0)
		px->rd_client.max = px->rd_server.max = px->gov.cfg.max_frame_bytes;
	return rc;
}

/* The answer to a forwarded call, audited once what waits for the client is written (the loop's end). */
static void
audit_result(struct mcp_proxy *px, struct mcp_pending *p, const cJSON *answer, const char *why)
{
	mcp_gov_result_later(&px->gov, p->ev, answer, why, (double)(now_ns() - p->t0) / 1e6);
}

/* ---- our own tools/list, to know the tools whatever the client asks ---- */

static void
own_list(struct mcp_proxy *px, const cJSON *cursor)
{
	struct guard_buf b = GUARD_BUF_INIT;
	char id[GUARD_MCP_ID_MAX];

	if (!px->initialized || px->to_server < 0 || px->npending >= MCP_MAX_PENDING)
		return;
	snprintf(id, sizeof(id), "\"%s-%lu\"", px->own_prefix, ++px->own_seq);
	guard_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"tools/list\",\"params\":{", id);
	if (cJSON_IsString(cursor)) {
		guard_buf_addstr(&b, "\"cursor\":");
		guard_json_add_string(&b, cursor->valuestring);
	}
	guard_buf_addstr(&b, "}}\n");
	queue_add(&px->to_server_q, b.buf, b.len);
	guard_buf_release(&b);
	pending_add(px, id, id, P_OWN_LIST);
	px->list_deadline = now_ns() + MCP_LIST_WAIT_MS * 1000000LL;
}

static void on_client_frame(void *arg, const struct guard_mcp_frame *f);

/* The tools are known (or will not be soon): judge the calls held meanwhile, in order. */
static void
release_held(struct mcp_proxy *px)
{
	struct guard_buf *held = px->held;
	size_t n = px->nheld;

	px->list_deadline = 0;
	px->held = NULL;
	px->nheld = 0;
	for (size_t i = 0; i < n; i++) {
		struct guard_mcp_frame f = { held[i].buf, held[i].len, false, NULL };
		on_client_frame(px, &f);
		guard_buf_release(&held[i]);
	}
	free(held);
}

static void
hold(struct mcp_proxy *px, const char *data, size_t len)
{
	px->held = guard_xrealloc(px->held, (px->nheld + 1) * sizeof(*px->held));
	guard_buf_init(&px->held[px->nheld]);
	guard_buf_add(&px->held[px->nheld++], data, len);
}

/* ---- tools/call ---- */

static void
refuse(struct mcp_proxy *px, const char *id, const char *text)
{
	struct guard_buf b = GUARD_BUF_INIT;
	guard_mcp_tool_error(&b, id, text);
	queue_add(&px->to_client, b.buf, b.len);
	guard_buf_release(&b);
}

static void
rpc_error(struct mcp_queue *q, const char *id, int code, const char *msg)
{
	struct guard_buf b = GUARD_BUF_INIT;
	guard_mcp_rpc_error(&b, *id ? id : "null", code, msg);
	queue_add(q, b.buf, b.len);
	guard_buf_release(&b);
}

/*
 * An ask with approval.hook_wait: the call waits in the table while the
 * relay goes on; the loop looks at the request every poll interval (and
 * at once when the approvals folder changes). ev is taken.
 */
static void
park(struct mcp_proxy *px, cJSON *ev, const struct mcp_wait *mw, const char *id, const char *key, const char *data,
     size_t len)
{
	if (px->ino < 0) {
		char *dir = guard_xasprintf("%s/.ai/approvals", px->gov.project);
		px->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (px->ino >= 0 && inotify_add_watch(px->ino, dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
			close(px->ino); /* polling alone, then */
			px->ino = -1;
		}
		free(dir);
	}
	struct mcp_pending *w = pending_add(px, id, key, P_WAIT);
	w->ev = ev;
	guard_buf_add(&w->frame, data, len);
	snprintf(w->appr, sizeof(w->appr), "%s", mw->appr);
	w->deadline = now_ns() + mw->wait_s * 1000000000LL;
	px->nwait++;
	px->wait_poll_ns = mw->poll_ms * 1000000LL;
	if (!px->wait_next || px->wait_next > now_ns() + px->wait_poll_ns)
		px->wait_next = now_ns() + px->wait_poll_ns;
}

/*
 * Decide one tools/call: forward it (allow) or answer it here, or let it
 * wait for a person (may_wait). Every failure answers with a tool error
 * naming it: nothing unjudged reaches the server.
 */
static void
govern(struct mcp_proxy *px, const cJSON *msg, const char *id, const char *key, const char *data, size_t len,
       bool may_wait)
{
	struct mcp_wait mw;
	cJSON *ev;
	char *text;

	if (px->npending >= MCP_MAX_PENDING) {
		refuse(px, id, "guard denied this call: too many calls in flight (try again when some have answered)");
		return;
	}
	switch (mcp_gov_decide(&px->gov, msg, len, may_wait, &ev, &text, &mw)) {
	case MCP_FORWARD: {
		struct mcp_pending *pp = pending_add(px, id, key, P_CALL);
		pp->ev = ev;
		pp->t0 = now_ns();
		queue_add(&px->to_server_q, data, len);
		queue_add(&px->to_server_q, "\n", 1);
		break;
	}
	case MCP_WAIT:
		park(px, ev, &mw, id, key, data, len);
		break;
	case MCP_ANSWER:
		refuse(px, id, text);
		free(text);
		break;
	}
}

/*
 * A waiting call is over (w taken from the table): approved, it is judged
 * again (the gate consumes the approval); otherwise it gets the hook's
 * deny (why, when set, says more), answered when answer is set.
 */
static void
wait_end(struct mcp_proxy *px, struct mcp_pending *w, bool approved, const char *why, bool answer)
{
	cJSON *msg = NULL;
	char *text = NULL;

	if (approved && guard_event_parse(w->frame.buf, w->frame.len, w->frame.len + 1, &msg) == 0) {
		govern(px, msg, w->id, w->key, w->frame.buf, w->frame.len, false);
		cJSON_Delete(msg);
		cJSON_Delete(w->ev);
	} else {
		mcp_gov_settle(&px->gov, w->ev, why, &text);
		if (answer)
			refuse(px, w->id, text);
		free(text);
	}
	guard_buf_release(&w->frame);
}

/* Every waiting call ends, denied (why says why). */
static void
waits_end_all(struct mcp_proxy *px, const char *why, bool answer)
{
	for (size_t i = px->npending; i-- > 0;) {
		if (i >= px->npending || px->pending[i].kind != P_WAIT)
			continue;
		struct mcp_pending w = pending_take(px, &px->pending[i]);
		wait_end(px, &w, false, why, answer);
	}
}

/* Look at the requests the waiting calls wait on; end the waits decided or out of time. */
static void
waits_check(struct mcp_proxy *px)
{
	struct guard_approval_store st = GUARD_APPROVAL_STORE_INIT;
	bool open = guard_approval_store_open(&st, px->gov.project, false) == 0;
	long long now = now_ns();

	if (!open)
		guard_error_clear();
	for (size_t i = 0; i < px->npending;) {
		struct mcp_pending *p = &px->pending[i];
		cJSON *req = NULL;
		const char *state = "pending";
		long long left;

		if (p->kind != P_WAIT) {
			i++;
			continue;
		}
		if (open && guard_approval_load(&st, p->appr, &req) == 0)
			state = guard_approval_status(req, &left);
		else
			guard_error_clear();
		bool approved = !strcmp(state, "approved") || !strcmp(state, "consumed");
		bool over = strcmp(state, "pending") || now >= p->deadline;
		cJSON_Delete(req);
		if (!over) {
			i++;
			continue;
		}
		struct mcp_pending w = pending_take(px, p); /* may move another entry to i: look at i again */
		wait_end(px, &w, approved, NULL, true);
	}
	guard_approval_store_close(&st);
	px->wait_next = px->nwait ? now_ns() + px->wait_poll_ns : 0;
}

/* ---- messages from the client ---- */

static void
forward(struct mcp_queue *q, const char *data, size_t len)
{
	queue_add(q, data, len);
	queue_add(q, "\n", 1);
}

/*
 * The id of a message too long to parse, from the scan of its bytes: raw
 * the token as spelled, key what answers are matched by (mcp_id_take's).
 */
static void
scanned_id(const struct guard_mcp_idscan *scan, char raw[GUARD_MCP_ID_MAX], char key[GUARD_MCP_ID_MAX])
{
	cJSON *v = *scan->id ? cJSON_Parse(scan->id) : NULL;

	mcp_id_text(v, key);
	snprintf(raw, GUARD_MCP_ID_MAX, "%s", *key ? scan->id : "");
	if (!strcmp(key, "null")) /* beyond a double: the token itself */
		snprintf(key, GUARD_MCP_ID_MAX, "%s", raw);
	cJSON_Delete(v);
}

static void
client_oversized(struct mcp_proxy *px, const struct guard_mcp_frame *f)
{
	char id[GUARD_MCP_ID_MAX], key[GUARD_MCP_ID_MAX];
	char *msg = guard_xasprintf("guard mcp: a message of %zu bytes is over the %zu-byte limit (mcp.max_frame_bytes); "
				    "not forwarded", f->len, px->rd_client.max);

	scanned_id(f->scan, id, key);
	mcp_gov_note(&px->gov, "refused a %zu-byte message from the client (method %s, id %s)", f->len,
	     *f->scan->method ? f->scan->method : "?", *id ? id : "?");
	if (*id || !*f->scan->method)
		rpc_error(&px->to_client, id, -32600, msg);
	free(msg);
}

/* A batch (JSON array): passed on unless it holds a call, which must come alone. */
static void
client_batch(struct mcp_proxy *px, const char *data, size_t len)
{
	cJSON *arr = cJSON_ParseWithLength(data, len), *it;
	bool call = !cJSON_IsArray(arr);
	cJSON *items = call ? NULL : arr;

	cJSON_ArrayForEach(it, items) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "method");
		if (!cJSON_IsObject(it) || !cJSON_IsString(m) || !strcmp(m->valuestring, "tools/call"))
			call = true;
	}
	cJSON_Delete(arr);
	if (call) {
		mcp_gov_note(&px->gov, "refused a batch holding a tools/call or an unreadable member");
		rpc_error(&px->to_client, "", -32600,
			  "guard mcp: a batch may not hold tools/call (send each call alone) or members that are not requests");
		return;
	}
	forward(&px->to_server_q, data, len);
}

/*
 * notifications/cancelled for a call waiting for a person: stop waiting
 * and answer nothing (the MCP specification's cancellation). The request
 * stays for the person; the audit records the call as cancelled.
 */
static bool
cancel_wait(struct mcp_proxy *px, const char *rid)
{
	struct mcp_pending *p;

	if (!*rid || !(p = pending_find(px, rid)) || p->kind != P_WAIT)
		return false;
	struct mcp_pending w = pending_take(px, p);
	wait_end(px, &w, false, "cancelled by the client while it waited for a person", false);
	return true;
}

static void
asked_drop(struct mcp_proxy *px, size_t i)
{
	struct guard_list *l = &px->roots_asked;

	free(l->items[i]);
	memmove(&l->items[i], &l->items[i + 1], (l->len - i - 1) * sizeof(char *));
	l->len--;
}

/*
 * The client's answer to a roots/list the server asked (msg, its bytes
 * data): its folders join the server's (mcp_gov_learn_roots), so the
 * relative paths of later calls are judged against them too.
 */
static void
client_roots(struct mcp_proxy *px, const cJSON *msg, const char *data, size_t len)
{
	char key[GUARD_MCP_ID_MAX];

	mcp_id_take(cJSON_GetObjectItemCaseSensitive(msg, "id"), data, len, NULL, key);
	for (size_t i = 0; *key && i < px->roots_asked.len; i++) {
		if (strcmp(px->roots_asked.items[i], key))
			continue;
		asked_drop(px, i);
		size_t n = mcp_gov_learn_roots(&px->gov, cJSON_GetObjectItemCaseSensitive(msg, "result"));
		if (n)
			mcp_gov_note(&px->gov, "%zu folder%s of the client's roots: relative paths are judged against %s too", n,
				     n == 1 ? "" : "s", n == 1 ? "it" : "them");
		return;
	}
}

static void
on_client_frame(void *arg, const struct guard_mcp_frame *f)
{
	struct mcp_proxy *px = arg;
	cJSON *msg = NULL;
	char id[GUARD_MCP_ID_MAX], key[GUARD_MCP_ID_MAX];
	size_t lead = 0;

	if (f->oversized) {
		client_oversized(px, f);
		return;
	}
	while (lead < f->len && memchr(" \t\r", f->data[lead], 3))
		lead++;
	if (lead < f->len && f->data[lead] == '[') {
		client_batch(px, f->data, f->len);
		return;
	}
	if (guard_event_parse(f->data, f->len, px->rd_client.max, &msg) < 0) {
		/* what guard cannot read, the server may read another way: not forwarded */
		mcp_gov_note(&px->gov, "refused a malformed message from the client: %s", guard_error_last());
		char *m = guard_xasprintf("guard mcp: parse error: %s", guard_error_last());
		rpc_error(&px->to_client, "", -32700, m);
		free(m);
		return;
	}
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const char *m = cJSON_IsString(method) ? method->valuestring : NULL;
	/* the id of a request guard answers or pairs, as the client spelled it (others pass unread) */
	if (m && (!strcmp(m, "tools/call") || !strcmp(m, "tools/list") || !strcmp(m, "initialize")))
		mcp_id_take(idv, f->data, f->len, id, key);
	else
		id[0] = key[0] = '\0';
	if (m && !strcmp(m, "tools/call")) {
		if (!*id) {
			mcp_gov_note(&px->gov, "dropped a tools/call without a usable id (a notification cannot be judged and answered)");
			if (idv)
				rpc_error(&px->to_client, "", -32600, "guard mcp: tools/call needs a string or number id, at most 127 bytes, under a plain \"id\" key");
		} else if (px->list_deadline && px->nheld < MCP_MAX_PENDING) {
			hold(px, f->data, f->len);
		} else {
			govern(px, msg, id, key, f->data, f->len, true);
		}
		cJSON_Delete(msg);
		return;
	}
	if (!method && px->roots_asked.len)
		client_roots(px, msg, f->data, f->len);
	char rid[GUARD_MCP_ID_MAX] = "";
	if (m && !strcmp(m, "notifications/cancelled"))
		mcp_cancel_key(msg, f->data, f->len, rid);
	if (m && !strcmp(m, "notifications/cancelled") && cancel_wait(px, rid)) {
		cJSON_Delete(msg);
		return; /* the server never saw the call: nothing to tell it */
	}
	if (m && *id && !strcmp(m, "tools/list"))
		pending_add(px, id, key, P_LIST);
	else if (m && *id && !strcmp(m, "initialize"))
		pending_add(px, id, key, P_INIT);
	forward(&px->to_server_q, f->data, f->len);
	if (m && !strcmp(m, "notifications/initialized") && !px->initialized) {
		px->initialized = true;
		own_list(px, NULL);
	} else if (m && !strcmp(m, "notifications/cancelled")) {
		struct mcp_pending *p = *rid ? pending_find(px, rid) : NULL;
		if (p && p->kind == P_CALL) {
			audit_result(px, p, NULL, "cancelled by the client");
			pending_drop(px, p);
		}
	}
	cJSON_Delete(msg);
}

/* ---- messages from the server ---- */

static void
server_oversized(struct mcp_proxy *px, const struct guard_mcp_frame *f)
{
	char raw[GUARD_MCP_ID_MAX], id[GUARD_MCP_ID_MAX];
	struct mcp_pending *p;

	scanned_id(f->scan, raw, id);
	mcp_gov_note(&px->gov, "dropped a %zu-byte message from the server (over the %zu-byte limit; id %s)", f->len,
	     px->rd_server.max, *id ? id : "?");
	if (!*id || *f->scan->method)
		return; /* a notification or a request of the server's: nobody waits on us for it */
	char *msg = guard_xasprintf("guard mcp: the server's answer of %zu bytes is over the %zu-byte limit "
				    "(mcp.max_frame_bytes)", f->len, px->rd_server.max);
	p = pending_find(px, id);
	if (p && p->kind == P_CALL)
		audit_result(px, p, NULL, msg);
	if (!p || p->kind != P_OWN_LIST)
		rpc_error(&px->to_client, p ? p->id : raw, -32603, msg); /* the request's id as the client spelled it */
	if (p && p->kind == P_OWN_LIST)
		release_held(px);
	if (p)
		pending_drop(px, p);
	free(msg);
}

static void
server_answer(struct mcp_proxy *px, struct mcp_pending *p, const cJSON *msg, const char *data, size_t len)
{
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(msg, "result");

	if (p->kind == P_CALL) {
		/*
		 * The answer is the client's before its result is recorded
		 * (mcp_gov_result_later, written at the loop's end: the decision
		 * record was synced before the call went out, the write-ahead
		 * guarantee). A kill between the two loses the result record
		 * only (share/doc/decisions.md).
		 */
		forward(&px->to_client, data, len);
		flush_client(px);
		audit_result(px, p, msg, NULL);
		pending_drop(px, p);
		return;
	}
	switch (p->kind) {
	case P_CALL:
		break;
	case P_LIST:
	case P_OWN_LIST:
		guard_mcp_tools_learn(&px->gov.tools, result);
		break;
	case P_INIT:
	case P_WAIT:
		break;
	}
	if (p->kind == P_OWN_LIST) {
		const cJSON *next = cJSON_GetObjectItemCaseSensitive(result, "nextCursor");
		pending_drop(px, p);
		if (cJSON_IsString(next) && ++px->list_pages < MCP_LIST_PAGES)
			own_list(px, next);
		else
			release_held(px);
		return; /* ours: the client never asked */
	}
	pending_drop(px, p);
	forward(&px->to_client, data, len);
}

static void
on_server_frame(void *arg, const struct guard_mcp_frame *f)
{
	struct mcp_proxy *px = arg;
	cJSON *msg = NULL;
	char id[GUARD_MCP_ID_MAX] = "";

	if (f->oversized) {
		server_oversized(px, f);
		return;
	}
	if (guard_event_parse(f->data, f->len, px->rd_server.max, &msg) < 0) {
		forward(&px->to_client, f->data, f->len); /* not ours to judge: the client's parser decides */
		return;
	}
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	if (!method)
		mcp_id_take(cJSON_GetObjectItemCaseSensitive(msg, "id"), f->data, f->len, NULL, id);
	if (!method && *id) {
		struct mcp_pending *p = pending_find(px, id);
		if (p && p->kind != P_WAIT) {
			server_answer(px, p, msg, f->data, f->len);
			cJSON_Delete(msg);
			return;
		}
	}
	forward(&px->to_client, f->data, f->len);
	if (cJSON_IsString(method) && !strcmp(method->valuestring, "roots/list")) {
		/* the server asks the client for its roots: the answer is read on its way back (client_roots) */
		mcp_id_take(cJSON_GetObjectItemCaseSensitive(msg, "id"), f->data, f->len, NULL, id);
		if (*id && px->roots_asked.len >= MCP_ROOTS_ASKED)
			asked_drop(px, 0); /* the oldest: a server that asks and asks keeps what it asked last */
		if (*id)
			guard_list_add(&px->roots_asked, id);
	}
	if (cJSON_IsString(method) && !strcmp(method->valuestring, "notifications/tools/list_changed")) {
		px->list_pages = 0;
		own_list(px, NULL);
	}
	cJSON_Delete(msg);
}

/* ---- the server process ---- */

static int
spawn(struct mcp_proxy *px, char **argv, const sigset_t *oldmask)
{
	int in[2], out[2];
	pid_t parent = getpid();

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return guard_error(GUARD_EIO, "cannot make pipes: %s", strerror(errno));
	px->pid = fork();
	if (px->pid < 0)
		return guard_error(GUARD_EIO, "cannot fork: %s", strerror(errno));
	if (px->pid == 0) {
		/* its own process group, so a shutdown reaches its children too */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		dup2(in[0], 0);
		dup2(out[1], 1);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "guard mcp: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(px->pid, px->pid);
	close(in[0]);
	close(out[1]);
	px->to_server = in[1];
	px->from_server = out[0];
	fcntl(px->to_server, F_SETFL, fcntl(px->to_server, F_GETFL) | O_NONBLOCK);
	fcntl(px->from_server, F_SETFL, fcntl(px->from_server, F_GETFL) | O_NONBLOCK);
	px->pidfd = (int)syscall(SYS_pidfd_open, px->pid, 0);
	if (px->pidfd < 0)
		return guard_error(GUARD_EIO, "pidfd_open: %s", strerror(errno));
	return 0;
}

static void
close_to_server(struct mcp_proxy *px)
{
	if (px->to_server >= 0) {
		close(px->to_server);
		px->to_server = -1;
		px->deadline = now_ns() + MCP_GRACE_MS * 1000000LL;
	}
}

static void
reap(struct mcp_proxy *px)
{
	int status;

	if (waitpid(px->pid, &status, WNOHANG) == px->pid) {
		px->server_exited = true;
		px->server_status = status;
		kill(-px->pid, SIGTERM); /* what it left behind in its group */
	}
}

/* The shutdown's next step when its deadline passed: SIGTERM, then SIGKILL. */
static void
shutdown_step(struct mcp_proxy *px)
{
	if (!px->deadline || now_ns() < px->deadline || px->server_exited)
		return;
	if (px->kill_step == 0) {
		kill(-px->pid, SIGTERM);
		px->kill_step = 1;
		px->deadline = now_ns() + MCP_GRACE_MS * 1000000LL;
	} else {
		kill(-px->pid, SIGKILL);
		px->kill_step = 2;
		px->deadline = 0;
	}
}

/*
 * guard mcp --listen: exec guard-mcp-http, the Streamable HTTP proxy (it
 * links libmicrohttpd and libcurl, which the hook never loads): beside
 * this program in a build tree, else where make install put it.
 */
static int
mcp_exec_http(char **argv)
{
	char self[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 32);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			snprintf(slash + 1, sizeof(self) - (size_t)(slash + 1 - self), "guard-mcp-http");
			if (access(self, X_OK) == 0) {
				argv[0] = self;
				execv(self, argv);
			}
		}
	}
	argv[0] = (char *)GUARD_LIBEXECDIR "/guard-mcp-http";
	execv(argv[0], argv);
	return guard_error(GUARD_EIO, "cannot run %s for guard mcp --listen: %s (is guard installed whole?)", argv[0],
			   strerror(errno));
}

/* ---- the loop ---- */

static void
read_side(struct mcp_proxy *px, int fd, bool client)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (client)
			px->client_eof = true;
		else
			px->server_eof = true;
		return;
	}
	if (client)
		guard_mcp_frames_feed(&px->rd_client, buf, (size_t)n, on_client_frame, px);
	else
		guard_mcp_frames_feed(&px->rd_server, buf, (size_t)n, on_server_frame, px);
}

static void
on_signal(struct mcp_proxy *px)
{
	struct signalfd_siginfo si;

	if (read(px->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	mcp_gov_note(&px->gov, "signal %u: stopping the server", si.ssi_signo);
	px->client_eof = true;
	if (!px->server_exited)
		kill(-px->pid, SIGTERM);
	px->kill_step = 1;
	px->deadline = now_ns() + MCP_GRACE_MS * 1000000LL;
	close_to_server(px);
	px->deadline = now_ns() + MCP_GRACE_MS * 1000000LL;
}

static bool
done(const struct mcp_proxy *px)
{
	return px->server_exited && px->server_eof && (px->client_gone || !queue_len(&px->to_client));
}

static void
loop(struct mcp_proxy *px)
{
	while (!done(px)) {
		struct pollfd fds[7];
		int nfds = 0, ci = -1, co = -1, si = -1, so = -1, pi = -1, gi = -1, wi = -1;
		long long timeout = -1;

		if (!px->client_eof && queue_len(&px->to_server_q) < MCP_QUEUE_HIGH)
			fds[ci = nfds++] = (struct pollfd){ 0, POLLIN, 0 };
		if (!px->client_gone && queue_len(&px->to_client))
			fds[co = nfds++] = (struct pollfd){ 1, POLLOUT, 0 };
		if (!px->server_eof && queue_len(&px->to_client) < MCP_QUEUE_HIGH)
			fds[si = nfds++] = (struct pollfd){ px->from_server, POLLIN, 0 };
		if (px->to_server >= 0 && queue_len(&px->to_server_q))
			fds[so = nfds++] = (struct pollfd){ px->to_server, POLLOUT, 0 };
		if (!px->server_exited)
			fds[pi = nfds++] = (struct pollfd){ px->pidfd, POLLIN, 0 };
		fds[gi = nfds++] = (struct pollfd){ px->sigfd, POLLIN, 0 };
		if (px->nwait && px->ino >= 0)
			fds[wi = nfds++] = (struct pollfd){ px->ino, POLLIN, 0 };
		if (px->deadline)
			timeout = (px->deadline - now_ns()) / 1000000 + 1;
		if (px->list_deadline) {
			long long t = (px->list_deadline - now_ns()) / 1000000 + 1;
			timeout = timeout < 0 || t < timeout ? t : timeout;
		}
		if (px->nwait) {
			long long t = (px->wait_next - now_ns()) / 1000000 + 1;
			timeout = timeout < 0 || t < timeout ? t : timeout;
		}
		if (px->server_exited && !px->server_eof) /* a leftover holds its stdout: not for long */
			timeout = timeout < 0 || timeout > MCP_GRACE_MS ? MCP_GRACE_MS : timeout;
		if (timeout < -1)
			timeout = 0;
		int r = poll(fds, (nfds_t)nfds, (int)timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (r == 0 && px->server_exited && !px->server_eof)
			px->server_eof = true;
		if (gi >= 0 && fds[gi].revents)
			on_signal(px);
		if (pi >= 0 && fds[pi].revents)
			reap(px);
		if (si >= 0 && fds[si].revents)
			read_side(px, px->from_server, false);
		if (ci >= 0 && fds[ci].revents)
			read_side(px, 0, true);
		/* what the reads queued is written at once (a pipe with room takes it): no poll round for it */
		if (so < 0 && px->to_server >= 0 && queue_len(&px->to_server_q))
			so = -2;
		if (co < 0 && !px->client_gone && queue_len(&px->to_client))
			co = -2;
		if (so != -1 && (so == -2 || fds[so].revents) && queue_flush(&px->to_server_q, px->to_server) < 0) {
			/* the server stopped reading: what it was sent is lost with it */
			px->to_server_q.off = px->to_server_q.b.len;
			close_to_server(px);
		}
		if (co != -1 && (co == -2 || fds[co].revents))
			flush_client(px);
		/* the answers are on their way: their results are recorded now */
		mcp_gov_results_write(&px->gov);
		if (wi >= 0 && fds[wi].revents) {
			char buf[4096];
			while (read(px->ino, buf, sizeof(buf)) > 0)
				;
			px->wait_next = now_ns(); /* a decision may have come: look now */
		}
		/* the client shut down (or left), or the server did: the waits end, denied */
		if (px->nwait && (px->client_eof || px->server_eof))
			waits_end_all(px, px->client_eof ? "the client closed its side while the call waited for a person"
				       : "the server went away while the call waited for a person", !px->client_gone);
		if (px->nwait && now_ns() >= px->wait_next)
			waits_check(px);
		/* the client is gone and all it sent is with the server: close its stdin */
		if (px->client_eof && !queue_len(&px->to_server_q))
			close_to_server(px);
		if (px->list_deadline && (now_ns() >= px->list_deadline || px->server_eof))
			release_held(px); /* no list came: judge them without its hints */
		shutdown_step(px);
	}
}

static int
parse_args(struct mcp_opts *o, int argc, char **argv, int *first)
{
	int i, rc;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if ((rc = mcp_opt_common(o, argc, argv, &i)) < 0)
			return rc;
		if (rc == 0)
			return guard_error(GUARD_EUSAGE, "usage: guard mcp [--name NAME] [--propose] [--max-frame BYTES] -- "
					   "SERVER-COMMAND [ARGS...] (unknown '%s')", argv[i]);
	}
	if (i + 1 >= argc)
		return guard_error(GUARD_EUSAGE, "usage: guard mcp [--name NAME] [--propose] [--max-frame BYTES] -- "
				   "SERVER-COMMAND [ARGS...] (no server command after --)");
	*first = i + 1;
	if (!o->name) {
		const char *slash = strrchr(argv[*first], '/');
		o->name = slash ? slash + 1 : argv[*first];
	}
	return mcp_name_check(o->name);
}

static void
finish(struct mcp_proxy *px)
{
	/* calls the server never answered are recorded too */
	while (px->npending) {
		struct mcp_pending *p = &px->pending[px->npending - 1];
		if (p->kind == P_WAIT) {
			waits_end_all(px, "no answer: the proxy stopped while the call waited for a person", false);
			continue;
		}
		if (p->kind == P_CALL)
			audit_result(px, p, NULL, "no answer: the server or the client went away");
		pending_drop(px, p);
	}
	free(px->pending);
	guard_list_clear(&px->roots_asked);
	for (size_t i = 0; i < px->nheld; i++)
		guard_buf_release(&px->held[i]);
	free(px->held);
	guard_mcp_frames_release(&px->rd_client);
	guard_mcp_frames_release(&px->rd_server);
	guard_buf_release(&px->to_client.b);
	guard_buf_release(&px->to_server_q.b);
	if (px->to_server >= 0)
		close(px->to_server);
	if (px->from_server >= 0)
		close(px->from_server);
	if (px->pidfd >= 0)
		close(px->pidfd);
	if (px->sigfd >= 0)
		close(px->sigfd);
	if (px->ino >= 0)
		close(px->ino);
	mcp_gov_release(&px->gov);
}

int
cmd_mcp(int argc, char **argv)
{
	struct mcp_proxy px;
	struct mcp_opts o = { NULL, false, 0 };
	const struct guard_policy *pol;
	sigset_t mask, old;
	int first = 0, rc, fl_in, fl_out;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--listen"))
			return mcp_exec_http(argv); /* the Streamable HTTP transport, its own program */
	guard_policy_jit(true); /* a proxy judges call after call with one policy */
	memset(&px, 0, sizeof(px));
	px.to_server = px.from_server = px.pidfd = px.sigfd = px.ino = -1;
	guard_buf_init(&px.to_client.b);
	guard_buf_init(&px.to_server_q.b);
	guard_mcp_frames_init(&px.rd_client, GUARD_MCP_FRAME_MAX_DEFAULT);
	guard_mcp_frames_init(&px.rd_server, GUARD_MCP_FRAME_MAX_DEFAULT);
	if ((rc = parse_args(&o, argc, argv, &first)) < 0 || (rc = mcp_gov_init(&px.gov, o.name, o.propose, o.max_frame)) < 0)
		goto out;
	mcp_gov_roots(&px.gov, argv + first);
	mcp_gov_spawned(&px.gov, argv + first);
	/* a policy that does not load now still lets the proxy run: every call is then denied, saying why */
	if (load_policy(&px, &pol) < 0)
		mcp_gov_note(&px.gov, "%s (every tools/call will be denied until it is fixed)", guard_error_last());
	char rnd[37];
	guard_uuid(rnd);
	snprintf(px.own_prefix, sizeof(px.own_prefix), "guard-mcp-%.8s", rnd);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	signal(SIGPIPE, SIG_IGN);
	px.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if ((rc = spawn(&px, argv + first, &old)) < 0)
		goto out;
	fl_in = fcntl(0, F_GETFL);
	fl_out = fcntl(1, F_GETFL);
	fcntl(0, F_SETFL, fl_in | O_NONBLOCK);
	fcntl(1, F_SETFL, fl_out | O_NONBLOCK);
	loop(&px);
	fcntl(0, F_SETFL, fl_in);
	fcntl(1, F_SETFL, fl_out);
	if (!px.server_exited && waitpid(px.pid, &px.server_status, 0) == px.pid)
		px.server_exited = true;
	rc = 0;
	/* a failing server is reported; one our shutdown stopped is not */
	if (px.server_exited && WIFEXITED(px.server_status) && WEXITSTATUS(px.server_status))
		rc = guard_error(GUARD_EIO, "the server %s exited with status %d", argv[first], WEXITSTATUS(px.server_status));
	else if (px.server_exited && WIFSIGNALED(px.server_status) && !px.kill_step)
		rc = guard_error(GUARD_EIO, "the server %s was killed by signal %d", argv[first], WTERMSIG(px.server_status));
out:
	finish(&px);
	return rc;
}
