/*
 * guard-mcp-http: guard mcp's Streamable HTTP transport (MCP specification
 * 2025-06-18), exec'd by `guard mcp --listen ADDR:PORT --upstream URL`.
 * A client POSTs JSON-RPC messages (and GETs the server's SSE stream,
 * DELETEs its session) here; each request is relayed to the upstream MCP
 * server with libcurl and its answer, application/json or
 * text/event-stream, relayed back as it comes, Mcp-Session-Id passed
 * both ways. A tools/call is judged first by the same governing step as
 * the stdio proxy (src/mcp_govern.c): denied or waiting calls never reach
 * the server. libmicrohttpd serves the client side, one thread per
 * connection (a request that waits for a person or an SSE stream blocks
 * only its own); the governing step runs in the main thread, the
 * governor, that the others hand their jobs to (the library keeps caches
 * per thread: connection threads come and go, the governor stays). Bound to
 * loopback unless --listen names another address; Origin and Host are
 * checked (DNS rebinding), bodies are bounded (mcp.max_frame_bytes).
 * A program of its own so the hook never loads libcurl or libmicrohttpd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "cli.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_json.h"
#include "guard_mcp.h"
#include "mcp_govern.h"

#define HTTP_MAX_ORIGINS 16
#define HTTP_CONNECT_S 10       /* to reach the upstream */
#define HTTP_STEP_MS 1000       /* one wait for the upstream's bytes */
#define HTTP_STREAMS_DEFAULT 64 /* GET streams open at once (--max-streams): each holds a thread */
#define HTTP_LIST_PAGES 10      /* pages of our own tools/list followed */
#define HTTP_LIST_WAIT_MS 5000  /* a call waits this long at most for the tools' hints */
#define HTTP_LIST_GAP_MS 1000   /* an unknown tool fetches the list again at most this often */
#define HTTP_DRAIN_MS 60000     /* a call whose client left: its answer is still awaited this long, for the record */

static const char usage[] =
	"usage: guard mcp --listen [ADDR:]PORT --upstream URL [--name NAME] [--propose] [--max-frame BYTES]\n"
	"                 [--allow-origin ORIGIN]... [--max-streams N]\n"
	"Govern an MCP server reached over Streamable HTTP: clients connect to http://ADDR:PORT/ (any path),\n"
	"guard relays to URL. ADDR is 127.0.0.1 unless given (a non-loopback address must be named);\n"
	"PORT 0 picks a free port (printed on stderr). Browser origins other than localhost are refused\n"
	"unless --allow-origin names them. At most N (default 64) server-to-client streams (GET) are open at once:\n"
	"more are answered 503 until one ends (a client that leaves frees its stream within a second).\n";

struct gov_job;

/* A call waiting for a person, that the client may cancel (notifications/cancelled from its session). */
struct waiter {
	char key[GUARD_MCP_ID_MAX]; /* its id (mcp_id_take's key) */
	char sid[256];              /* the client's Mcp-Session-Id ("" when none) */
	int efd;                    /* an eventfd, written when cancelled */
	bool cancelled;
	struct waiter *next;
};

struct http_px {
	struct mcp_gov gov;          /* used by the governor thread only */
	pthread_mutex_t mu;          /* guards the job queue */
	pthread_cond_t work, done;
	struct gov_job *jobs;        /* waiting for the governor, oldest first */
	struct waiter *waiters;      /* calls waiting for a person (under mu) */
	pthread_mutex_t list_mu;     /* one tools/list of ours at a time; calls wait for it */
	struct timespec listed;      /* when our own tools/list last went out (under list_mu) */
	unsigned long list_seq;      /* its ids (under list_mu) */
	atomic_uint streams;         /* GET streams open */
	atomic_bool list_stale;      /* a notifications/tools/list_changed passed: list again before the next call */
	unsigned max_streams;        /* --max-streams */
	bool stop;
	pthread_t stopper;
	sigset_t mask;               /* the signals that stop it */
	size_t max;                  /* bytes a body may have (mcp.max_frame_bytes when guard started) */
	atomic_bool closing;         /* stopping: streams end */
	const char *upstream;
	const char *origins[HTTP_MAX_ORIGINS];
	size_t norigins;
	bool loopback;               /* bound to a loopback address: Host is checked too */
	unsigned port;
	struct MHD_Daemon *d;
	CURLSH *share;               /* the upstream's connections and names, kept between requests */
	pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST];
};

/* What a relayed request watches for in the answer. */
enum watch { W_NONE, W_CALL, W_LIST };

struct relay {
	struct http_px *px;
	CURL *e;
	CURLM *m;
	struct curl_slist *hdrs;
	char *body;                  /* what the upstream is sent (owned) */
	size_t body_len;
	struct guard_buf out;        /* the answer's bytes not passed on yet */
	size_t off;
	bool done, headers_done, over, sse;
	CURLcode result;
	long status;
	char ctype[128], sid[256], proto[64];
	size_t max;
	int cfd;                     /* the client's socket, to see it leave */
	bool stream;                 /* a GET stream, counted in px->streams */
	char *cursor;                /* W_LIST: the nextCursor of the list read */
	char tail[40];               /* an SSE answer's last bytes, to see a notification split across reads */
	size_t tlen;
	/* the answer awaited for a governed call (or a tools/list) */
	enum watch watch;
	char id[GUARD_MCP_ID_MAX];   /* the request's id: its answer is matched by it (mcp_id_take's key) */
	char raw[GUARD_MCP_ID_MAX];  /* as the client spelled it, for guard's own answers */
	cJSON *ev;                   /* W_CALL: the decided pre event (owned) */
	struct timespec t0;
	struct guard_buf line, data; /* the SSE event being read */
	bool data_over;
};

/* The state of one client request across libmicrohttpd's calls. */
struct conn {
	struct guard_buf body;
	bool too_big;
};

static double
ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- answers made here ---- */

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *ctype, const char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ok;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

/* A JSON-RPC error as the body of an HTTP error (id_json "null" when unknown). */
static enum MHD_Result
reply_rpc_error(struct MHD_Connection *c, unsigned status, const char *id_json, int code, const char *msg)
{
	struct guard_buf b = GUARD_BUF_INIT;
	enum MHD_Result ok;

	guard_mcp_rpc_error(&b, id_json, code, msg);
	ok = reply(c, status, "application/json", b.buf, b.len);
	guard_buf_release(&b);
	return ok;
}

static enum MHD_Result
reply_tool_error(struct MHD_Connection *c, const char *id_json, const char *text)
{
	struct guard_buf b = GUARD_BUF_INIT;
	enum MHD_Result ok;

	guard_mcp_tool_error(&b, id_json, text);
	ok = reply(c, MHD_HTTP_OK, "application/json", b.buf, b.len);
	guard_buf_release(&b);
	return ok;
}

/* ---- the governor: every use of the governing step, in one thread ---- */

enum job_kind { J_DECIDE, J_SETTLE, J_RESULT, J_LEARN, J_STATE, J_KNOWS, J_ROOTS };

struct gov_job {
	enum job_kind kind;
	const cJSON *msg;        /* J_DECIDE: the call; J_RESULT: the answer (or NULL); J_LEARN: the tools/list answer */
	size_t len;
	bool may_wait;
	cJSON *ev;               /* J_DECIDE: out; J_SETTLE: in (taken); J_RESULT: the pre event (kept) */
	char *text;              /* out: what to answer with */
	const char *why;
	double ms;
	struct mcp_wait w;       /* J_DECIDE: out; J_STATE: in */
	char state[32];          /* J_STATE: out */
	const char *tool;        /* J_KNOWS: in */
	bool known;              /* J_KNOWS: out (the server's tools/list named it) */
	enum mcp_verdict v;
	bool finished;
	bool detached;           /* nobody waits: the governor frees it (and its msg and ev) */
	struct gov_job *next;
};

static void
job_run(struct http_px *px, struct gov_job *j)
{
	switch (j->kind) {
	case J_DECIDE:
		j->v = mcp_gov_decide(&px->gov, j->msg, j->len, j->may_wait, &j->ev, &j->text, &j->w);
		break;
	case J_SETTLE:
		mcp_gov_settle(&px->gov, j->ev, j->why, &j->text);
		j->ev = NULL;
		j->v = MCP_ANSWER;
		break;
	case J_RESULT:
		if (j->detached) /* an answer on its way to the client: recorded once the governor is idle */
			mcp_gov_result_later(&px->gov, j->ev, j->msg, j->why, j->ms);
		else
			mcp_gov_result(&px->gov, j->ev, j->msg, j->why, j->ms);
		break;
	case J_LEARN:
		guard_mcp_tools_learn(&px->gov.tools, cJSON_GetObjectItemCaseSensitive(j->msg, "result"));
		break;
	case J_STATE:
		mcp_gov_approval_state(px->gov.project, j->w.appr, j->state, sizeof(j->state));
		break;
	case J_KNOWS:
		j->known = px->gov.tools.known && cJSON_GetObjectItemCaseSensitive(px->gov.tools.known, j->tool);
		break;
	case J_ROOTS:
		if (mcp_gov_learn_roots(&px->gov, cJSON_GetObjectItemCaseSensitive(j->msg, "result")))
			mcp_gov_note(&px->gov, "learnt folders of a client's roots: relative paths are judged against them too");
		break;
	}
}

static void *
governor(void *arg)
{
	struct http_px *px = arg;

	pthread_mutex_lock(&px->mu);
	for (;;) {
		while (!px->jobs && !px->stop)
			pthread_cond_wait(&px->work, &px->mu);
		if (!px->jobs)
			break;
		struct gov_job *j = px->jobs;
		px->jobs = j->next;
		bool idle = !px->jobs, detached = j->detached;
		pthread_mutex_unlock(&px->mu);
		job_run(px, j);
		if (detached) { /* nobody waits for it: freed here, and not looked at again */
			cJSON_Delete((cJSON *)j->msg);
			cJSON_Delete(j->ev);
			free(j->text);
			free(j);
		}
		/* nothing else asked for: the results held (answers already relayed) are recorded */
		if (idle)
			mcp_gov_results_write(&px->gov);
		pthread_mutex_lock(&px->mu);
		if (!detached) {
			j->finished = true;
			pthread_cond_broadcast(&px->done);
		}
	}
	pthread_mutex_unlock(&px->mu);
	return NULL;
}

/* Hand a job to the governor and wait for it (unless it is detached: then it is the governor's). */
static void
gov(struct http_px *px, struct gov_job *j)
{
	struct gov_job **tail;
	bool wait = !j->detached;

	pthread_mutex_lock(&px->mu);
	j->next = NULL;
	j->finished = false;
	for (tail = &px->jobs; *tail; tail = &(*tail)->next)
		;
	*tail = j;
	pthread_cond_signal(&px->work);
	while (wait && !j->finished)
		pthread_cond_wait(&px->done, &px->mu);
	pthread_mutex_unlock(&px->mu);
}

/* ---- the answer's messages: audit a governed call's, learn a tools/list ---- */

/*
 * The watched answer ends (msg NULL: none came, why says why). A call's
 * result goes to the governor without waiting for it: the answer is
 * relayed first, its result recorded after (mcp_gov_result_later, as on
 * stdio), whether or not the client is still there to read it.
 */
static void
watch_end(struct relay *r, const cJSON *msg, const char *why)
{
	struct gov_job j = { .kind = J_LEARN, .msg = msg };

	if (r->watch == W_CALL) {
		struct gov_job *res = guard_xcalloc(1, sizeof(*res));
		res->kind = J_RESULT;
		res->detached = true;
		res->msg = msg ? cJSON_Duplicate(msg, 1) : NULL;
		res->ev = r->ev; /* taken */
		r->ev = NULL;
		res->why = why ? (res->text = guard_xstrdup(why)) : NULL;
		res->ms = ms_since(&r->t0);
		gov(r->px, res);
	} else if (msg) {
		gov(r->px, &j);
	}
	if (r->watch == W_LIST && msg) {
		const cJSON *next = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(msg, "result"), "nextCursor");
		free(r->cursor);
		r->cursor = cJSON_IsString(next) ? guard_xstrdup(next->valuestring) : NULL;
	}
	cJSON_Delete(r->ev);
	r->ev = NULL;
	r->watch = W_NONE;
}

/* One message of the answer (a JSON body, or an SSE event's data). */
static void
watch_message(struct relay *r, const char *p, size_t n)
{
	cJSON *msg = NULL, *it;
	char id[GUARD_MCP_ID_MAX];

	if (r->watch == W_NONE || guard_event_parse(p, n, r->max, &msg) < 0) {
		guard_error_clear();
		return;
	}
	cJSON *one = cJSON_IsArray(msg) ? NULL : msg, *list = cJSON_IsArray(msg) ? msg : NULL;
	cJSON_ArrayForEach(it, list)
		if (!one) {
			mcp_id_take(cJSON_GetObjectItemCaseSensitive(it, "id"), p, n, NULL, id);
			if (!strcmp(id, r->id))
				one = it;
		}
	mcp_id_take(cJSON_GetObjectItemCaseSensitive(one, "id"), p, n, NULL, id);
	if (one && !cJSON_GetObjectItemCaseSensitive(one, "method") && !strcmp(id, r->id))
		watch_end(r, one, NULL);
	cJSON_Delete(msg);
}

/* SSE (text/event-stream): lines; "data:" lines join; a blank line ends the event. */
static void
sse_feed(struct relay *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n && r->watch != W_NONE; i++) {
		if (p[i] != '\n') {
			if (r->line.len < r->max)
				guard_buf_add(&r->line, p + i, 1);
			continue;
		}
		size_t len = r->line.len;
		if (len && r->line.buf[len - 1] == '\r')
			len--;
		if (len == 0) {
			if (r->data.len && !r->data_over)
				watch_message(r, r->data.buf, r->data.len);
			guard_buf_reset(&r->data);
			r->data_over = false;
		} else if (len >= 5 && !memcmp(r->line.buf, "data:", 5)) {
			size_t skip = len > 5 && r->line.buf[5] == ' ' ? 6 : 5;
			if (r->data.len + len - skip + 1 > r->max)
				r->data_over = true;
			else {
				if (r->data.len)
					guard_buf_add(&r->data, "\n", 1);
				guard_buf_add(&r->data, r->line.buf + skip, len - skip);
			}
		}
		guard_buf_reset(&r->line);
	}
}

/* ---- the upstream (libcurl) ---- */

/*
 * A notifications/tools/list_changed in an SSE answer (the GET stream
 * included): the tools are listed again before the next call, as the
 * stdio proxy does. Looked for in the bytes as they pass, whole or split
 * across two reads.
 */
static void
see_list_changed(struct relay *r, const char *p, size_t len)
{
	static const char pat[] = "notifications/tools/list_changed";
	const size_t pl = sizeof(pat) - 1;
	char joint[2 * sizeof(pat)];
	size_t head = len < pl - 1 ? len : pl - 1;

	memcpy(joint, r->tail, r->tlen);
	memcpy(joint + r->tlen, p, head);
	if (memmem(joint, r->tlen + head, pat, pl) || memmem(p, len, pat, pl))
		atomic_store(&r->px->list_stale, true);
	/* keep the last pl - 1 bytes seen */
	if (len >= pl - 1) {
		memcpy(r->tail, p + len - (pl - 1), pl - 1);
		r->tlen = pl - 1;
	} else {
		size_t all = r->tlen + len, drop = all > pl - 1 ? all - (pl - 1) : 0;
		memmove(joint, joint + drop, all - drop);
		memcpy(r->tail, joint, all - drop);
		r->tlen = all - drop;
	}
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct relay *r = arg;
	size_t len = size * n;

	if (!r->sse && r->out.len + len > r->max) {
		r->over = true;
		return 0; /* ends the transfer: the answer is over the limit */
	}
	guard_buf_add(&r->out, p, len);
	if (r->sse) {
		see_list_changed(r, p, len);
		sse_feed(r, p, len);
	}
	return len;
}

/* "Name: value" into out when the header is name (case aside). */
static void
header_value(const char *line, size_t len, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name);

	if (len <= nl + 1 || strncasecmp(line, name, nl) || line[nl] != ':')
		return;
	line += nl + 1;
	len -= nl + 1;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	if (len < size) {
		memcpy(out, line, len);
		out[len] = '\0';
	}
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct relay *r = arg;
	size_t len = size * n;

	if (len >= 5 && !memcmp(p, "HTTP/", 5)) { /* a new response (after a 100, say): its own headers */
		r->ctype[0] = r->sid[0] = r->proto[0] = '\0';
	} else if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		curl_easy_getinfo(r->e, CURLINFO_RESPONSE_CODE, &r->status);
		if (r->status >= 200) {
			r->headers_done = true;
			r->sse = !strncasecmp(r->ctype, "text/event-stream", 17);
		}
	} else {
		header_value(p, len, "Content-Type", r->ctype, sizeof(r->ctype));
		header_value(p, len, "Mcp-Session-Id", r->sid, sizeof(r->sid));
		header_value(p, len, "Mcp-Protocol-Version", r->proto, sizeof(r->proto));
	}
	return len;
}

/* The client's headers the upstream needs (never Host, Origin or cookies). */
static enum MHD_Result
copy_header(void *arg, enum MHD_ValueKind kind, const char *key, const char *value)
{
	static const char *const pass[] = { "Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version",
					    "Last-Event-ID", "Authorization" };
	struct relay *r = arg;

	(void)kind;
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++)
		if (!strcasecmp(key, pass[i]) && strlen(value) < 8192 && !strpbrk(value, "\r\n")) {
			char *h = guard_xasprintf("%s: %s", pass[i], value);
			r->hdrs = curl_slist_append(r->hdrs, h);
			free(h);
		}
	return MHD_YES;
}

static void relay_step(struct relay *r, int ms);

/*
 * A governed call whose client left before its answer: the server may
 * still run it, so the answer is read on (bounded by HTTP_DRAIN_MS, and
 * not while stopping) for the result record to say how it ended.
 */
static void
relay_drain(struct relay *r)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r->watch == W_CALL && !r->done && !atomic_load(&r->px->closing) && ms_since(&t0) < HTTP_DRAIN_MS) {
		relay_step(r, 100);
		if (r->sse) { /* sse_feed read it */
			guard_buf_reset(&r->out);
			r->off = 0;
		} else {
			r->off = r->out.len; /* kept whole for the end; nothing left to pass on */
		}
	}
	if (r->watch == W_CALL && r->done && !r->sse && r->headers_done && !r->over && r->result == CURLE_OK)
		watch_message(r, r->out.buf, r->out.len);
}

static void
relay_free(void *arg)
{
	struct relay *r = arg;

	if (r->watch == W_CALL && !r->done)
		relay_drain(r);
	if (r->watch != W_NONE)
		watch_end(r, NULL, "no answer: the stream ended (or the client left) before the answer came");
	if (r->stream)
		atomic_fetch_sub(&r->px->streams, 1);
	free(r->cursor);
	if (r->m && r->e)
		curl_multi_remove_handle(r->m, r->e);
	curl_easy_cleanup(r->e);
	curl_multi_cleanup(r->m);
	curl_slist_free_all(r->hdrs);
	free(r->body);
	guard_buf_release(&r->out);
	guard_buf_release(&r->line);
	guard_buf_release(&r->data);
	cJSON_Delete(r->ev);
	free(r);
}

/* libcurl's lock for what the relays share (one mutex per kind of data). */
static void
share_lock(CURL *e, curl_lock_data data, curl_lock_access access, void *arg)
{
	struct http_px *px = arg;

	(void)e;
	(void)access;
	pthread_mutex_lock(&px->share_mu[data]);
}

static void
share_unlock(CURL *e, curl_lock_data data, void *arg)
{
	struct http_px *px = arg;

	(void)e;
	pthread_mutex_unlock(&px->share_mu[data]);
}

/*
 * Each relay is its own transfer; sharing the connection cache lets the
 * next one reuse the upstream connection the last one left open instead
 * of connecting again (a connection per request cost most of a
 * pass-through's CPU). Without it every request still works, connecting.
 */
static void
share_start(struct http_px *px)
{
	if (!(px->share = curl_share_init()))
		return;
	if (curl_share_setopt(px->share, CURLSHOPT_LOCKFUNC, share_lock) != CURLSHE_OK ||
	    curl_share_setopt(px->share, CURLSHOPT_UNLOCKFUNC, share_unlock) != CURLSHE_OK ||
	    curl_share_setopt(px->share, CURLSHOPT_USERDATA, px) != CURLSHE_OK ||
	    curl_share_setopt(px->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
	    curl_share_setopt(px->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK) {
		curl_share_cleanup(px->share);
		px->share = NULL;
	}
}

static void
share_end(struct http_px *px)
{
	if (px->share)
		curl_share_cleanup(px->share);
	px->share = NULL;
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&px->share_mu[i]);
}

static struct relay *
relay_new(struct http_px *px, struct MHD_Connection *c, const char *method, const char *body, size_t len)
{
	struct relay *r = guard_xcalloc(1, sizeof(*r));

	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

	r->px = px;
	r->max = px->max;
	r->cfd = ci ? ci->connect_fd : -1;
	guard_buf_init(&r->out);
	guard_buf_init(&r->line);
	guard_buf_init(&r->data);
	r->e = curl_easy_init();
	r->m = curl_multi_init();
	if (!r->e || !r->m) {
		relay_free(r);
		return NULL;
	}
	MHD_get_connection_values(c, MHD_HEADER_KIND, copy_header, r);
	r->hdrs = curl_slist_append(r->hdrs, "Expect:");
	curl_easy_setopt(r->e, CURLOPT_URL, px->upstream);
	curl_easy_setopt(r->e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->e, CURLOPT_CONNECTTIMEOUT, (long)HTTP_CONNECT_S);
	curl_easy_setopt(r->e, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(r->e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->e, CURLOPT_HEADERDATA, r);
	if (px->share)
		curl_easy_setopt(r->e, CURLOPT_SHARE, px->share);
	if (!strcmp(method, "POST")) {
		r->body = guard_xmalloc(len + 1);
		memcpy(r->body, body, len);
		r->body_len = len;
		curl_easy_setopt(r->e, CURLOPT_POST, 1L);
		curl_easy_setopt(r->e, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(r->e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else if (!strcmp(method, "DELETE")) {
		curl_easy_setopt(r->e, CURLOPT_CUSTOMREQUEST, "DELETE");
	} else {
		curl_easy_setopt(r->e, CURLOPT_HTTPGET, 1L);
	}
	curl_multi_add_handle(r->m, r->e);
	return r;
}

/* Move the transfer on, waiting up to ms for the upstream. */
static void
relay_step(struct relay *r, int ms)
{
	int running = 0, left;
	CURLMsg *msg;

	curl_multi_perform(r->m, &running);
	if (running && !r->headers_done && !r->out.len)
		curl_multi_poll(r->m, NULL, 0, ms, NULL);
	else if (running && r->off >= r->out.len)
		curl_multi_poll(r->m, NULL, 0, ms, NULL);
	curl_multi_perform(r->m, &running);
	while ((msg = curl_multi_info_read(r->m, &left)))
		if (msg->msg == CURLMSG_DONE) {
			r->result = msg->data.result;
			r->done = true;
		}
}

/* Has the client closed its connection (fd its socket)? Looks without waiting. */
static bool
client_gone(int fd)
{
	struct pollfd p = { fd, POLLRDHUP, 0 };

	return fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

/* An SSE answer, passed on as it comes (this connection's thread may block here). */
static ssize_t
relay_read(void *arg, uint64_t pos, char *buf, size_t max)
{
	struct relay *r = arg;

	(void)pos;
	while (r->off >= r->out.len && !r->done && !atomic_load(&r->px->closing)) {
		if (client_gone(r->cfd))
			return MHD_CONTENT_READER_END_WITH_ERROR; /* the stream's thread is free again */
		relay_step(r, HTTP_STEP_MS);
	}
	if (r->off < r->out.len) {
		size_t n = r->out.len - r->off < max ? r->out.len - r->off : max;
		memcpy(buf, r->out.buf + r->off, n);
		r->off += n;
		if (r->off == r->out.len) {
			guard_buf_reset(&r->out);
			r->off = 0;
		}
		return (ssize_t)n;
	}
	return r->result == CURLE_OK ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void
add_headers(struct MHD_Response *resp, const struct relay *r)
{
	if (*r->ctype)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	if (*r->sid)
		MHD_add_response_header(resp, "Mcp-Session-Id", r->sid);
	if (*r->proto)
		MHD_add_response_header(resp, "Mcp-Protocol-Version", r->proto);
	if (r->sse)
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
}

/*
 * Relay one request (r taken) and answer the client: an SSE answer is
 * streamed, any other is read whole (bounded) and sent at once.
 */
static enum MHD_Result
relay_answer(struct MHD_Connection *c, struct relay *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	while (!r->headers_done && !r->done) {
		if (client_gone(r->cfd)) { /* it left before the upstream said anything */
			relay_free(r);
			return MHD_NO;
		}
		relay_step(r, HTTP_STEP_MS);
	}
	if (r->headers_done && r->sse) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, relay_read, r, relay_free);
		if (!resp) {
			relay_free(r);
			return MHD_NO;
		}
		add_headers(resp, r);
		ok = MHD_queue_response(c, (unsigned)r->status, resp);
		MHD_destroy_response(resp);
		return ok;
	}
	while (!r->done)
		relay_step(r, HTTP_STEP_MS);
	if (!r->headers_done || r->over || r->result != CURLE_OK) {
		char *why = r->over ? guard_xasprintf("guard mcp: the server's answer is over the %zu-byte limit "
						      "(mcp.max_frame_bytes)", r->max)
				    : guard_xasprintf("guard mcp: the upstream %s did not answer: %s", r->px->upstream,
						      curl_easy_strerror(r->result));
		mcp_gov_note(&r->px->gov, "%s", why);
		if (r->watch != W_NONE)
			watch_end(r, NULL, why);
		ok = reply_rpc_error(c, MHD_HTTP_BAD_GATEWAY, *r->raw ? r->raw : "null", -32603, why);
		free(why);
		relay_free(r);
		return ok;
	}
	if (r->watch != W_NONE && r->out.len)
		watch_message(r, r->out.buf, r->out.len);
	resp = MHD_create_response_from_buffer(r->out.len, r->out.buf, MHD_RESPMEM_MUST_COPY);
	if (resp) {
		add_headers(resp, r);
		ok = MHD_queue_response(c, (unsigned)r->status, resp);
		MHD_destroy_response(resp);
	} else {
		ok = MHD_NO;
	}
	relay_free(r);
	return ok;
}

/* ---- who may call: Origin and Host (DNS rebinding) ---- */

/* "http(s)://localhost|127.0.0.1|[::1][:port]" */
static bool
local_origin(const char *o)
{
	static const char *const hosts[] = { "localhost", "127.0.0.1", "[::1]" };
	const char *h = !strncmp(o, "http://", 7) ? o + 7 : !strncmp(o, "https://", 8) ? o + 8 : NULL;

	for (size_t i = 0; h && i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		size_t n = strlen(hosts[i]);
		if (!strncmp(h, hosts[i], n) && (h[n] == '\0' || (h[n] == ':' && strspn(h + n + 1, "0123456789") ==
								   strlen(h + n + 1) && h[n + 1])))
			return true;
	}
	return false;
}

/* NULL when the request may go on, else why not. */
static const char *
refuse_origin(const struct http_px *px, struct MHD_Connection *c)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");

	if (origin) {
		bool ok = local_origin(origin);
		for (size_t i = 0; !ok && i < px->norigins; i++)
			ok = !strcmp(origin, px->origins[i]);
		if (!ok)
			return "guard mcp: this Origin may not use the server (--allow-origin names the ones that may)";
	}
	if (px->loopback) {
		char origin_like[300];
		snprintf(origin_like, sizeof(origin_like), "http://%s", host ? host : "");
		if (!host || !local_origin(origin_like))
			return "guard mcp: the Host header is not a loopback name (a DNS rebinding attempt?)";
	}
	return NULL;
}

/* ---- a POST: the JSON-RPC message, judged when it is a tools/call ---- */

/* The client's Mcp-Session-Id, or "" (a cancellation must come from the session of the call). */
static void
session_of(struct MHD_Connection *c, char sid[256])
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");

	snprintf(sid, 256, "%s", v && strlen(v) < 256 ? v : "");
}

/*
 * A call is cancellable from before it is judged (a cancellation may
 * come as soon as the approval request it waits on exists) until it is
 * answered or forwarded.
 */
static void
waiter_add(struct http_px *px, struct MHD_Connection *c, const char *key, struct waiter *w)
{
	memset(w, 0, sizeof(*w));
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	snprintf(w->key, sizeof(w->key), "%s", key);
	session_of(c, w->sid);
	pthread_mutex_lock(&px->mu);
	w->next = px->waiters;
	px->waiters = w;
	pthread_mutex_unlock(&px->mu);
}

static bool
waiter_cancelled(struct http_px *px, struct waiter *w)
{
	pthread_mutex_lock(&px->mu);
	bool cancelled = w->cancelled;
	pthread_mutex_unlock(&px->mu);
	return cancelled;
}

static void
waiter_remove(struct http_px *px, struct waiter *w)
{
	pthread_mutex_lock(&px->mu);
	for (struct waiter **p = &px->waiters; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	pthread_mutex_unlock(&px->mu);
	if (w->efd >= 0)
		close(w->efd);
	w->efd = -1;
}

/* notifications/cancelled for a call of this session waiting for a person: true when one was waiting. */
static bool
cancel_wait(struct http_px *px, struct MHD_Connection *c, const cJSON *msg, const struct guard_buf *body)
{
	char key[GUARD_MCP_ID_MAX], sid[256];
	bool found = false;

	mcp_cancel_key(msg, body->buf, body->len, key);
	if (!*key)
		return false;
	session_of(c, sid);
	pthread_mutex_lock(&px->mu);
	for (struct waiter *w = px->waiters; w && !found; w = w->next)
		if (!w->cancelled && !strcmp(w->key, key) && !strcmp(w->sid, sid)) {
			uint64_t one = 1;
			w->cancelled = found = true;
			if (write(w->efd, &one, sizeof(one)) < 0) {
				/* the waiter looks at cancelled every poll interval too */
			}
		}
	pthread_mutex_unlock(&px->mu);
	return found;
}

/*
 * Wait in this request's thread for the person (mw), then judge the call
 * again or settle it. The client may cancel the call meanwhile
 * (notifications/cancelled from its session) or leave: the wait ends at
 * once, denied, and *silent says to answer nothing (the specification's
 * cancellation; a client gone reads nothing).
 */
static enum mcp_verdict
await_person(struct http_px *px, struct MHD_Connection *c, const cJSON *msg, size_t len, struct waiter *me, cJSON **ev,
	     char **text, const struct mcp_wait *mw, bool *silent)
{
	char dir[4200], state[32];
	struct timespec t0;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	int cfd = ci ? ci->connect_fd : -1;
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	const char *why = NULL;

	snprintf(dir, sizeof(dir), "%s/.ai/approvals", px->gov.project);
	if (ino >= 0 && inotify_add_watch(ino, dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		close(ino);
		ino = -1;
	}
	struct gov_job look = { .kind = J_STATE, .w = *mw };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		bool cancelled = waiter_cancelled(px, me);
		if (cancelled || client_gone(cfd)) {
			why = cancelled ? "cancelled by the client while it waited for a person"
					: "the client went away while the call waited for a person";
			snprintf(state, sizeof(state), "pending");
			break;
		}
		gov(px, &look);
		snprintf(state, sizeof(state), "%s", look.state);
		if (strcmp(state, "pending") || ms_since(&t0) >= (double)mw->wait_s * 1e3)
			break;
		struct pollfd pfd[3] = { { ino, POLLIN, 0 }, { me->efd, POLLIN, 0 }, { cfd, POLLRDHUP, 0 } };
		char buf[4096];
		if (poll(pfd, 3, (int)mw->poll_ms) > 0 && ino >= 0)
			while (read(ino, buf, sizeof(buf)) > 0)
				;
	}
	if (ino >= 0)
		close(ino);
	*silent = why != NULL;
	struct gov_job j = { .kind = J_SETTLE, .msg = msg, .len = len, .ev = *ev, .why = why };
	if (!why && (!strcmp(state, "approved") || !strcmp(state, "consumed"))) {
		cJSON_Delete(*ev);
		j.kind = J_DECIDE;
		j.ev = NULL;
	}
	gov(px, &j);
	*ev = j.ev;
	*text = j.text;
	return j.v;
}

/*
 * Our own tools/list, as the stdio proxy does after initialize: a call
 * to a tool guard has not seen listed (the client may never list) waits
 * for the server's list first (up to HTTP_LIST_WAIT_MS, pages followed),
 * so its annotations and schema are known when it is judged. Sent in the
 * client's session (its headers); the answer never reaches the client.
 */
static void
list_tools(struct http_px *px, struct MHD_Connection *c, const cJSON *msg)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(msg, "params"), "name");
	struct gov_job k = { .kind = J_KNOWS };
	struct timespec t0;
	char *cursor = NULL;

	if (!cJSON_IsString(name))
		return;
	k.tool = name->valuestring;
	gov(px, &k);
	if (k.known && !atomic_load(&px->list_stale))
		return;
	/*
	 * One list at a time: a call that comes while another's list is out
	 * waits for it and looks again (judged before it, the call would go
	 * without the hints the list brings).
	 */
	pthread_mutex_lock(&px->list_mu);
	gov(px, &k);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* a list_changed seen: listed again whatever is known (the one list that follows clears it) */
	bool stale = atomic_exchange(&px->list_stale, false);
	bool recent = !stale && (px->listed.tv_sec || px->listed.tv_nsec) && ms_since(&px->listed) < HTTP_LIST_GAP_MS;
	if ((k.known && !stale) || recent) {
		pthread_mutex_unlock(&px->list_mu);
		return;
	}
	px->listed = t0;
	unsigned long seq = ++px->list_seq;
	for (int page = 0; page < HTTP_LIST_PAGES; page++) {
		struct guard_buf b = GUARD_BUF_INIT;
		char id[GUARD_MCP_ID_MAX];
		snprintf(id, sizeof(id), "\"guard-mcp-%d-%lu-%d\"", (int)getpid(), seq, page);
		guard_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"tools/list\",\"params\":{", id);
		if (cursor) {
			guard_buf_addstr(&b, "\"cursor\":");
			guard_json_add_string(&b, cursor);
		}
		guard_buf_addstr(&b, "}}");
		free(cursor);
		cursor = NULL;
		struct relay *r = relay_new(px, c, "POST", b.buf, b.len);
		guard_buf_release(&b);
		if (!r)
			break;
		r->watch = W_LIST;
		snprintf(r->id, sizeof(r->id), "%s", id);
		do {
			relay_step(r, 100);
			if (r->sse)
				guard_buf_reset(&r->out); /* sse_feed read it */
		} while (!r->done && r->watch != W_NONE && ms_since(&t0) < HTTP_LIST_WAIT_MS);
		if (r->watch != W_NONE && !r->sse && r->done && !r->over && r->result == CURLE_OK)
			watch_message(r, r->out.buf, r->out.len);
		if (r->watch != W_NONE) {
			mcp_gov_note(&px->gov, "the upstream gave no tools/list (in %d ms): %s is judged without its hints",
				     HTTP_LIST_WAIT_MS, k.tool);
			r->watch = W_NONE; /* nothing learnt: no job */
		}
		cursor = r->cursor;
		r->cursor = NULL;
		relay_free(r);
		if (!cursor || ms_since(&t0) >= HTTP_LIST_WAIT_MS)
			break;
	}
	free(cursor);
	pthread_mutex_unlock(&px->list_mu);
}

static enum MHD_Result
post_call(struct http_px *px, struct MHD_Connection *c, const cJSON *msg, const char *id, const char *key,
	  const struct conn *cn)
{
	struct gov_job j = { .kind = J_DECIDE, .msg = msg, .len = cn->body.len, .may_wait = true };
	enum mcp_verdict v;
	enum MHD_Result ok;
	bool silent = false;
	struct waiter me;

	waiter_add(px, c, key, &me);
	list_tools(px, c, msg);
	gov(px, &j);
	cJSON *ev = j.ev;
	char *text = j.text;
	struct mcp_wait mw = j.w;
	v = j.v;
	if (v == MCP_WAIT) {
		v = await_person(px, c, msg, cn->body.len, &me, &ev, &text, &mw, &silent);
	} else if (v == MCP_FORWARD && waiter_cancelled(px, &me)) {
		/* cancelled while it was judged: it never reaches the server */
		struct gov_job res = { .kind = J_RESULT, .ev = ev, .why = "cancelled by the client before guard forwarded it" };
		gov(px, &res);
		cJSON_Delete(ev);
		v = MCP_ANSWER;
		text = NULL;
		silent = true;
	} else if (waiter_cancelled(px, &me)) {
		silent = true;
	}
	waiter_remove(px, &me);
	if (v == MCP_ANSWER && silent) {
		free(text);
		return MHD_NO; /* cancelled, or the client left: no answer, the connection closes */
	}
	if (v == MCP_ANSWER) {
		ok = reply_tool_error(c, id, text);
		free(text);
		return ok;
	}
	struct relay *r = relay_new(px, c, "POST", cn->body.buf, cn->body.len);
	if (!r) {
		struct gov_job res = { .kind = J_RESULT, .ev = ev, .why = "guard mcp: cannot start the request to the upstream" };
		gov(px, &res);
		cJSON_Delete(ev);
		return reply_rpc_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, id, -32603, "guard mcp: out of resources");
	}
	r->watch = W_CALL;
	r->ev = ev;
	snprintf(r->id, sizeof(r->id), "%s", key);
	snprintf(r->raw, sizeof(r->raw), "%s", id);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	return relay_answer(c, r);
}

/* A batch (2025-03-26): passed on unless it holds a call, which must come alone. */
static bool
batch_has_call(const cJSON *arr)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "method");
		if (!cJSON_IsObject(it) || !cJSON_IsString(m) || !strcmp(m->valuestring, "tools/call"))
			return true;
	}
	return false;
}

static enum MHD_Result
post(struct http_px *px, struct MHD_Connection *c, const struct conn *cn)
{
	cJSON *msg = NULL;
	char id[GUARD_MCP_ID_MAX], key[GUARD_MCP_ID_MAX];
	enum MHD_Result ok;
	const cJSON *method;

	size_t lead = strspn(cn->body.buf, " \t\r\n");
	if (lead < cn->body.len && cn->body.buf[lead] == '[') { /* a batch: guard's event parser takes objects only */
		if (!(msg = cJSON_ParseWithLength(cn->body.buf, cn->body.len)))
			guard_error(GUARD_EUSAGE, "the batch is not valid JSON");
	} else if (guard_event_parse(cn->body.buf, cn->body.len, cn->body.len + 1, &msg) < 0) {
		msg = NULL;
	}
	if (!msg) {
		char *m = guard_xasprintf("guard mcp: parse error: %s", guard_error_last());
		mcp_gov_note(&px->gov, "refused a malformed message from the client: %s", guard_error_last());
		ok = reply_rpc_error(c, MHD_HTTP_BAD_REQUEST, "null", -32700, m);
		free(m);
		return ok;
	}
	if (cJSON_IsArray(msg) && batch_has_call(msg)) {
		mcp_gov_note(&px->gov, "refused a batch holding a tools/call or an unreadable member");
		cJSON_Delete(msg);
		return reply_rpc_error(c, MHD_HTTP_BAD_REQUEST, "null", -32600,
				       "guard mcp: a batch may not hold tools/call (send each call alone) or members that are not requests");
	}
	method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	mcp_id_take(cJSON_GetObjectItemCaseSensitive(msg, "id"), cn->body.buf, cn->body.len, id, key);
	if (cJSON_IsString(method) && !strcmp(method->valuestring, "tools/call")) {
		if (!*id) {
			cJSON_Delete(msg);
			return reply_rpc_error(c, MHD_HTTP_BAD_REQUEST, "null", -32600,
					       "guard mcp: tools/call needs a string or number id, at most 127 bytes, under a plain \"id\" key");
		}
		ok = post_call(px, c, msg, id, key, cn);
		cJSON_Delete(msg);
		return ok;
	}
	if (cJSON_IsString(method) && !strcmp(method->valuestring, "notifications/cancelled") && cancel_wait(px, c, msg, &cn->body)) {
		cJSON_Delete(msg);
		return reply(c, MHD_HTTP_ACCEPTED, "application/json", "", 0); /* the server never saw the call */
	}
	/*
	 * A client's answer carrying roots (to the server's roots/list, which
	 * came in an SSE stream guard does not pair): its folders are learnt.
	 * Roots only add folders to judge against, so an answer to anything
	 * else that says roots can only add checks.
	 */
	if (!method && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(msg, "result"), "roots"))) {
		struct gov_job j = { .kind = J_ROOTS, .msg = msg };
		gov(px, &j);
	}
	struct relay *r = relay_new(px, c, "POST", cn->body.buf, cn->body.len);
	if (r && cJSON_IsString(method) && !strcmp(method->valuestring, "tools/list") && *id) {
		r->watch = W_LIST;
		snprintf(r->id, sizeof(r->id), "%s", key);
	}
	cJSON_Delete(msg);
	if (!r)
		return reply_rpc_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "null", -32603, "guard mcp: out of resources");
	return relay_answer(c, r);
}

/* ---- libmicrohttpd's entry points ---- */

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
	   const char *upload, size_t *upload_size, void **con_cls)
{
	struct http_px *px = cls;
	struct conn *cn = *con_cls;
	const char *why;

	(void)url;
	(void)version;
	if (!cn) { /* the headers are in: say no now, before reading any body */
		if (strcmp(method, "POST") && strcmp(method, "GET") && strcmp(method, "DELETE"))
			return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "POST, GET or DELETE\n", 20);
		if ((why = refuse_origin(px, c))) {
			mcp_gov_note(&px->gov, "%s (Origin %s, Host %s)", why,
				     MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin") ?: "-",
				     MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host") ?: "-");
			return reply_rpc_error(c, MHD_HTTP_FORBIDDEN, "null", -32600, why);
		}
		cn = guard_xcalloc(1, sizeof(*cn));
		guard_buf_init(&cn->body);
		*con_cls = cn;
		return MHD_YES;
	}
	if (*upload_size) {
		if (cn->body.len + *upload_size > px->max)
			cn->too_big = true;
		else
			guard_buf_add(&cn->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (cn->too_big) {
		char *m = guard_xasprintf("guard mcp: the request is over the %zu-byte limit (mcp.max_frame_bytes); not forwarded",
					  px->max);
		enum MHD_Result ok = reply_rpc_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "null", -32600, m);
		free(m);
		return ok;
	}
	if (!strcmp(method, "POST"))
		return post(px, c, cn);
	bool stream = !strcmp(method, "GET");
	if (stream && atomic_fetch_add(&px->streams, 1) >= px->max_streams) {
		atomic_fetch_sub(&px->streams, 1);
		mcp_gov_note(&px->gov, "refused a stream (GET): %u are open, the most --max-streams lets", px->max_streams);
		return reply_rpc_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "null", -32000,
				       "guard mcp: too many open streams (--max-streams); try again when one ends");
	}
	struct relay *r = relay_new(px, c, method, NULL, 0);
	if (!r) {
		if (stream)
			atomic_fetch_sub(&px->streams, 1);
		return MHD_NO;
	}
	r->stream = stream; /* relay_free gives the place back */
	return relay_answer(c, r);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (cn) {
		guard_buf_release(&cn->body);
		free(cn);
	}
	*con_cls = NULL;
}

/* ---- start and stop ---- */

/* A signal: streams end, the connections close (their jobs still served), then the governor stops. */
static void *
stopper(void *arg)
{
	struct http_px *px = arg;
	int sig = 0;

	sigwait(&px->mask, &sig);
	mcp_gov_note(&px->gov, "signal %d: stopping", sig);
	atomic_store(&px->closing, true); /* an idle stream would hold its thread, and the stop, forever */
	MHD_stop_daemon(px->d);
	pthread_mutex_lock(&px->mu);
	px->stop = true;
	pthread_cond_signal(&px->work);
	pthread_mutex_unlock(&px->mu);
	return NULL;
}

/* [ADDR:]PORT: loopback unless an address is named; only numeric addresses (or localhost). */
static int
parse_listen(const char *spec, struct sockaddr_storage *ss, bool *loopback)
{
	char host[64] = "127.0.0.1";
	const char *colon = strrchr(spec, ':'), *port = colon ? colon + 1 : spec;
	char *end;
	unsigned long p = strtoul(port, &end, 10);

	if (!*port || *end || p > 65535)
		return guard_error(GUARD_EUSAGE, "--listen '%s': give [ADDR:]PORT, PORT from 0 to 65535", spec);
	if (colon) {
		size_t n = (size_t)(colon - spec);
		if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']')
			spec++, n -= 2;
		if (n == 0 || n >= sizeof(host))
			return guard_error(GUARD_EUSAGE, "--listen '%s': the address is missing or too long", spec);
		memcpy(host, spec, n);
		host[n] = '\0';
	}
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
		*loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
		*loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
	} else {
		return guard_error(GUARD_EUSAGE, "--listen '%s': '%s' is not a numeric IPv4 or IPv6 address (or localhost)",
				   spec, host);
	}
	return 0;
}

static int
parse_args(struct http_px *px, struct mcp_opts *o, int argc, char **argv, struct sockaddr_storage *ss)
{
	const char *listen = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if ((rc = mcp_opt_common(o, argc, argv, &i)) < 0)
			return rc;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			listen = argv[++i];
		else if (!strcmp(argv[i], "--upstream") && i + 1 < argc)
			px->upstream = argv[++i];
		else if (!strcmp(argv[i], "--allow-origin") && i + 1 < argc && px->norigins < HTTP_MAX_ORIGINS)
			px->origins[px->norigins++] = argv[++i];
		else if (!strcmp(argv[i], "--max-streams") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);
			if (*end || !v || v > 200 || *argv[i] == '-')
				return guard_error(GUARD_EUSAGE, "--max-streams takes a count from 1 to 200, not '%s'", argv[i]);
			px->max_streams = (unsigned)v;
		}
		else
			return guard_error(GUARD_EUSAGE, "unknown or incomplete option '%s' (guard mcp --listen --help)", argv[i]);
	}
	if (!listen || !px->upstream)
		return guard_error(GUARD_EUSAGE, "guard mcp --listen needs both --listen [ADDR:]PORT and --upstream URL");
	if (strncmp(px->upstream, "http://", 7) && strncmp(px->upstream, "https://", 8))
		return guard_error(GUARD_EUSAGE, "--upstream '%s': give an http:// or https:// URL", px->upstream);
	if (!o->name)
		o->name = "http";
	if ((rc = mcp_name_check(o->name)) < 0)
		return rc;
	return parse_listen(listen, ss, &px->loopback);
}

static int
serve(int argc, char **argv)
{
	struct http_px px;
	struct mcp_opts o = { NULL, false, 0 };
	struct sockaddr_storage ss;
	const struct guard_policy *pol;
	int rc;

	memset(&px, 0, sizeof(px));
	px.max_streams = HTTP_STREAMS_DEFAULT;
	pthread_mutex_init(&px.mu, NULL);
	pthread_mutex_init(&px.list_mu, NULL);
	pthread_cond_init(&px.work, NULL);
	pthread_cond_init(&px.done, NULL);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&px.share_mu[i], NULL);
	if ((rc = parse_args(&px, &o, argc, argv, &ss)) < 0 || (rc = mcp_gov_init(&px.gov, o.name, o.propose, o.max_frame)) < 0)
		goto out;
	if (mcp_gov_policy(&px.gov, &pol) < 0) {
		mcp_gov_note(&px.gov, "%s (every tools/call will be denied until it is fixed)", guard_error_last());
		px.gov.cfg.max_frame_bytes = o.max_frame ? o.max_frame : GUARD_MCP_FRAME_MAX_DEFAULT;
	}
	px.max = px.gov.cfg.max_frame_bytes;
	if (!px.loopback)
		mcp_gov_note(&px.gov, "listening on a non-loopback address, as --listen asks: anyone who reaches it can use the server");
	sigemptyset(&px.mask);
	sigaddset(&px.mask, SIGTERM);
	sigaddset(&px.mask, SIGINT);
	sigaddset(&px.mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &px.mask, NULL); /* the threads inherit it: only sigwait takes them */
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	share_start(&px);
	px.d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				0, NULL, NULL, on_request, &px, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, &px, MHD_OPTION_CONNECTION_LIMIT, 256u,
				MHD_OPTION_END);
	if (!px.d) {
		rc = guard_error(GUARD_EIO, "cannot listen on the --listen address: %s (in use, or not an address of this "
				 "machine?)", strerror(errno));
		goto out;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(px.d, MHD_DAEMON_INFO_BIND_PORT);
	px.port = info ? info->port : 0;
	if ((errno = pthread_create(&px.stopper, NULL, stopper, &px))) {
		rc = guard_error(GUARD_EIO, "cannot start a thread: %s", strerror(errno));
		MHD_stop_daemon(px.d);
		goto out;
	}
	mcp_gov_note(&px.gov, "listening on port %u, relaying to %s", px.port, px.upstream);
	governor(&px); /* until the stopper says so */
	pthread_join(px.stopper, NULL);
	rc = 0;
out:
	share_end(&px);
	curl_global_cleanup();
	mcp_gov_release(&px.gov);
	pthread_cond_destroy(&px.work);
	pthread_cond_destroy(&px.done);
	pthread_mutex_destroy(&px.mu);
	pthread_mutex_destroy(&px.list_mu);
	return rc;
}

int
main(int argc, char **argv)
{
	cli_init("guard mcp");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return cli_finish(0);
		}
		if (!strcmp(argv[i], "--version")) {
			cli_version();
			return cli_finish(0);
		}
	}
	guard_policy_jit(true); /* a proxy judges call after call with one policy */
	int rc = serve(argc, argv);
	return rc < 0 ? cli_fail(rc) : 0;
}
