/*
 * guard-audit: write, check and read the tamper-evident audit log.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include "cli.h"
#include "guard_audit.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_list.h"
#include "guard_path.h"
#include "guard_redact.h"
#include "guard_time.h"
#include "audit_read.h"

/* Under "usage:" in the full help; each verb's line comes from the table. */
static const char summary[] =
	"The project's audit log: .ai/audit/YYYY-MM-DD.jsonl, one hash-chained\n"
	"record a line, secrets redacted before the write. Options may come\n"
	"before or after the verb; --tee alone is append --tee.\n"
	"\n"
	"FILTERS: --since T --until T (RFC 3339 or YYYY-MM-DD), --event, --tool,\n"
	"--risk, --decision, --session, --actor, --approval (status or id).\n"
	"\n"
	"  -p, --policy FILE   use FILE as the built-in policy layer\n"
	"      --fsync MODE    always, batch or never (append, log, --tee)\n"
	"  -h, --help          this text (or VERB --help);  -V, --version\n"
	"\n"
	"Exit: 0 ok / verified, 1 verify found tampering or prune met an unsealed\n"
	"file, 2 usage or bad input, 5 no audit log, 6 lock timed out,\n"
	"7 policy invalid, 8 I/O failure.";

struct ctx {
	struct guard_stages stages;
	const struct guard_policy *policy;
	char *root;
	struct guard_audit_config cfg;
	const char *fsync;
};

/*
 * The project, its policy and its log's settings. A verb that writes the
 * log (writes) needs a project: outside one it would make .ai/ wherever
 * it was run, so it says so instead (exit 5; GUARD_DIR names one).
 */
static int
ctx_load(struct ctx *c, bool writes)
{
	char *here = getcwd(NULL, 0);
	int rc;

	if (!here)
		return guard_error(GUARD_EIO, "cannot determine the current directory: %s", strerror(errno));
	rc = guard_project_root(here, &c->root);
	free(here);
	if (rc == GUARD_ENOTFOUND && writes) {
		char *why = guard_xstrdup(guard_error_last());
		rc = guard_error(GUARD_ENOTFOUND, "%s; not writing an audit log here (set GUARD_DIR to the project)",
				 why);
		free(why);
		return rc;
	}
	guard_error_clear();
	if ((rc = guard_stages_policy(&c->stages, c->root, &c->policy)) < 0)
		return rc;
	return guard_audit_config(&c->cfg, c->root, c->policy);
}

static int
open_log(struct ctx *c, struct guard_audit **log)
{
	int rc = guard_audit_open(log, c->root, c->policy);

	if (rc == 0 && c->fsync)
		guard_audit_set_fsync(*log, !strcmp(c->fsync, "always") ? GUARD_AUDIT_FSYNC_ALWAYS :
					    !strcmp(c->fsync, "never") ? GUARD_AUDIT_FSYNC_NEVER : GUARD_AUDIT_FSYNC_BATCH);
	return rc;
}

/* ---------------------------------------------------------------- append, --tee */

/* stdin in big reads; lines found with memchr. */
struct input {
	char *buf;
	size_t len, off, cap;
	bool eof;
	unsigned long lineno;
};

static bool
input_ready(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

/* 1 with a line, 0 at the end, GUARD_EUSAGE for a line over the limit (skipped). */
static int
input_next(struct input *in, char **line, size_t *len)
{
	for (;;) {
		/* nothing read yet: buf may still be NULL, which memchr must not see */
		char *nl = in->len > in->off ? memchr(in->buf + in->off, '\n', in->len - in->off) : NULL;
		if (nl || (in->eof && in->off < in->len)) {
			*line = in->buf + in->off;
			*len = nl ? (size_t)(nl - *line) : in->len - in->off;
			in->off += *len + (nl != NULL);
			in->lineno++;
			return 1;
		}
		if (in->eof)
			return 0;
		if (in->off) {
			memmove(in->buf, in->buf + in->off, in->len - in->off);
			in->len -= in->off;
			in->off = 0;
		}
		if (in->len == in->cap) {
			if (in->cap >= GUARD_EVENT_MAX_DEFAULT + 1) {
				in->len = 0; /* drop the over-long line's start; the rest is skipped below */
				in->lineno++;
				return guard_error(GUARD_EUSAGE, "stdin:%lu: line longer than %zu bytes", in->lineno,
						   GUARD_EVENT_MAX_DEFAULT);
			}
			in->cap = in->cap ? in->cap * 2 : (size_t)1 << 20;
			in->buf = guard_xrealloc(in->buf, in->cap);
		}
		ssize_t n = read(0, in->buf + in->len, in->cap - in->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return guard_error(GUARD_EIO, "cannot read stdin: %s", strerror(errno));
		if (n == 0)
			in->eof = true;
		in->len += (size_t)n;
	}
}

static bool
input_buffered(const struct input *in)
{
	return memchr(in->buf + in->off, '\n', in->len - in->off) != NULL;
}

/*
 * append is a pipeline: this thread reads stdin into chunks of lines and
 * appends the records in the order read (seq, prev, ts, the hash of the
 * rest, the batches, the lock: all here, so the chain is as before);
 * BUILDERS threads parse, redact and print the records of each chunk
 * (guard_audit_prepare), each with its own redactor and cJSON arena.
 */
#define CHUNK_LINES 256
#define CHUNK_BYTES ((size_t)4 << 20)
#define CHUNKS 64
#define BUILDERS 2

struct chunk {
	struct guard_buf text;  /* the lines, back to back */
	size_t n;
	size_t off[CHUNK_LINES], len[CHUNK_LINES];
	unsigned long lineno[CHUNK_LINES];
	struct guard_audit_rec *rec[CHUNK_LINES];
	int rc[CHUNK_LINES];
	char *err[CHUNK_LINES]; /* what a failed prepare said */
	bool built;             /* under mu */
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct chunk chunk[CHUNKS];
	unsigned long tail, head, taken; /* [tail, head) submitted and not appended; taken: next to build */
	bool quit;
	const char *event_name;
	int nthreads;
	struct builder {
		struct pipeline *p;
		struct guard_redactor *red;
		pthread_t thread;
	} b[BUILDERS];
};

struct appender {
	struct guard_audit *log;
	unsigned long batch, limit;
	int status;
	bool stop, tee;
	struct guard_buf out;
};

static void
build_chunk(struct chunk *ch, const struct guard_redactor *red, const char *event_name)
{
	for (size_t i = 0; i < ch->n; i++) {
		cJSON *ev = NULL;
		int rc;
		/* The event and the record built from it live in the arena, gone at the next event. */
		cli_arena_begin();
		if ((rc = guard_event_parse(ch->text.buf + ch->off[i], ch->len[i], GUARD_EVENT_MAX_DEFAULT, &ev)) == 0)
			rc = guard_audit_prepare_owned(red, event_name, ev, ch->rec[i]);
		cJSON_Delete(ev);
		cli_arena_end();
		ch->rc[i] = rc;
		ch->err[i] = rc < 0 ? guard_xstrdup(guard_error_last()) : NULL;
	}
}

static void *
builder(void *arg)
{
	struct builder *b = arg;
	struct pipeline *p = b->p;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && p->taken == p->head)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		struct chunk *ch = &p->chunk[p->taken++ % CHUNKS];
		pthread_mutex_unlock(&p->mu);
		build_chunk(ch, b->red, p->event_name);
		pthread_mutex_lock(&p->mu);
		ch->built = true;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	cli_arena_release();
	return NULL;
}

static void
submit(struct pipeline *p, struct chunk *ch)
{
	if (!p->nthreads) { /* no thread could be started: build here */
		build_chunk(ch, p->b[0].red, p->event_name);
		ch->built = true;
		p->head++;
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->head++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

/* A stream goes on past a bad line: each failure is reported as it happens. */
static int
reported(int rc)
{
	cli_error("%s", guard_error_last());
	return rc;
}

/* Commit the batch (the lock is released) and pass the tee'd lines on. */
static int
commit_batch(struct appender *a)
{
	int rc = guard_audit_commit(a->log);

	if (rc < 0) {
		a->status = reported(rc);
		a->stop = true;
		return rc;
	}
	a->batch = 0;
	if (a->out.len) {
		fwrite(a->out.buf, 1, a->out.len, stdout);
		fflush(stdout);
		guard_buf_reset(&a->out);
	}
	return 0;
}

static void
append_chunk(struct appender *a, struct chunk *ch)
{
	for (size_t i = 0; i < ch->n && !a->stop; i++) {
		int rc = ch->rc[i];
		if (rc == 0) {
			if (!a->batch && (rc = guard_audit_begin(a->log)) < 0) {
				a->status = reported(rc);
				a->stop = true;
				break;
			}
			rc = guard_audit_append_rec(a->log, ch->rec[i]);
			if (rc == GUARD_EIO || rc == GUARD_EEXPIRED) {
				a->status = reported(rc);
				a->stop = true;
				break;
			}
			if (rc == 0)
				a->batch++;
		}
		if (a->tee) {
			guard_buf_add(&a->out, ch->text.buf + ch->off[i], ch->len[i]);
			guard_buf_addch(&a->out, '\n');
		}
		if (rc < 0) {
			cli_error("stdin:%lu: %s", ch->lineno[i], ch->rc[i] < 0 ? ch->err[i] : guard_error_last());
			a->status = GUARD_EUSAGE;
		}
		if (a->batch >= a->limit && commit_batch(a) < 0)
			break;
	}
	for (size_t i = 0; i < ch->n; i++) {
		free(ch->err[i]);
		ch->err[i] = NULL;
	}
	ch->n = 0;
	guard_buf_reset(&ch->text);
	ch->built = false;
}

/* Append the oldest submitted chunk, waiting for it to be built when asked. */
static bool
append_oldest(struct pipeline *p, struct appender *a, bool wait)
{
	struct chunk *ch = &p->chunk[p->tail % CHUNKS];
	bool built;

	pthread_mutex_lock(&p->mu);
	while (wait && !ch->built)
		pthread_cond_wait(&p->done, &p->mu);
	built = ch->built;
	pthread_mutex_unlock(&p->mu);
	if (!built)
		return false;
	append_chunk(a, ch);
	p->tail++;
	return true;
}

/* Everything read so far appended (unless an error stopped the stream). */
static void
drain(struct pipeline *p, struct appender *a, struct chunk **cur)
{
	if (*cur) {
		submit(p, *cur);
		*cur = NULL;
	}
	while (p->tail < p->head && !a->stop)
		append_oldest(p, a, true);
}

static int
append_events(struct ctx *c, bool tee, const char *event_name)
{
	struct appender a = { .tee = tee, .out = GUARD_BUF_INIT };
	struct pipeline *p = guard_xcalloc(1, sizeof(*p));
	struct input in = { 0 };
	struct chunk *cur = NULL;
	char *line = NULL;
	size_t len = 0;
	int rc;

	if ((rc = open_log(c, &a.log)) < 0) {
		free(p);
		return rc;
	}
	a.limit = c->fsync && !strcmp(c->fsync, "always") ? 1 : 4096;
	if (!c->fsync && c->cfg.fsync == GUARD_AUDIT_FSYNC_ALWAYS)
		a.limit = 1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->event_name = event_name;
	for (int i = 0; i < CHUNKS; i++)
		guard_buf_init(&p->chunk[i].text);
	for (int i = 0; i < BUILDERS; i++) {
		p->b[i].p = p;
		if ((rc = guard_audit_redactor_new(c->policy, &p->b[i].red)) < 0) {
			a.status = reported(rc);
			a.stop = true;
			break;
		}
	}
	for (int i = 0; i < BUILDERS && !a.stop; i++)
		if (pthread_create(&p->b[p->nthreads].thread, NULL, builder, &p->b[p->nthreads]) == 0)
			p->nthreads++;

	while (!a.stop) {
		/* The input pauses: what was read goes to disk (and on, with --tee) before we wait; a pipeline never waits on us. */
		if ((cur || p->tail < p->head || a.batch || a.out.len) && !input_buffered(&in) && !input_ready()) {
			drain(p, &a, &cur);
			if (a.stop || commit_batch(&a) < 0)
				break;
		}
		rc = input_next(&in, &line, &len);
		if (rc == 0)
			break;
		if (rc < 0) {
			char *msg = guard_xstrdup(guard_error_last());
			drain(p, &a, &cur);
			if (!a.stop && rc == GUARD_EIO) {
				guard_error(rc, "%s", msg);
				a.status = reported(rc);
				a.stop = true;
			} else if (!a.stop) {
				cli_error("%s", msg);
				a.status = GUARD_EUSAGE;
			}
			free(msg);
			continue;
		}
		size_t sp = 0;
		while (sp < len && (line[sp] == ' ' || line[sp] == '\t' || line[sp] == '\r'))
			sp++;
		if (sp == len)
			continue;
		if (!cur) {
			while (p->head - p->tail == CHUNKS && !a.stop)
				append_oldest(p, &a, true);
			if (a.stop)
				break;
			cur = &p->chunk[p->head % CHUNKS];
		}
		cur->off[cur->n] = cur->text.len;
		cur->len[cur->n] = len;
		cur->lineno[cur->n] = in.lineno;
		if (!cur->rec[cur->n])
			cur->rec[cur->n] = guard_audit_rec_new();
		cur->err[cur->n] = NULL;
		guard_buf_add(&cur->text, line, len);
		if (++cur->n == CHUNK_LINES || cur->text.len >= CHUNK_BYTES) {
			submit(p, cur);
			cur = NULL;
		}
		while (p->tail < p->head && !a.stop && append_oldest(p, &a, false))
			;
	}
	if (!a.stop)
		drain(p, &a, &cur);
	if (a.batch && (rc = guard_audit_commit(a.log)) < 0 && a.status != GUARD_EIO)
		a.status = reported(rc);
	if (a.out.len && a.status != GUARD_EIO)
		fwrite(a.out.buf, 1, a.out.len, stdout);

	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->b[i].thread, NULL);
	for (int i = 0; i < BUILDERS; i++)
		guard_redactor_free(p->b[i].red);
	for (int i = 0; i < CHUNKS; i++) {
		for (size_t j = 0; j < p->chunk[i].n; j++)
			free(p->chunk[i].err[j]);
		for (size_t j = 0; j < CHUNK_LINES; j++)
			guard_audit_rec_free(p->chunk[i].rec[j]);
		guard_buf_release(&p->chunk[i].text);
	}
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p);
	guard_audit_close(a.log);
	guard_buf_release(&a.out);
	free(in.buf);
	guard_error_clear(); /* each failure was reported where it happened */
	return a.status;
}

/* log EVENT key=value...: id, session, tool, summary at the top, actor=U as actor.user, the rest as data. */
static int
log_one(struct ctx *c, int argc, char **argv)
{
	static const char *const top[] = { "id", "session", "tool", "summary" };
	struct guard_audit *log;
	cJSON *ev, *data, *actor;
	char id[37];
	const char *user = getenv("USER");
	int rc;

	if (argc < 1 || !*argv[0])
		return guard_error(GUARD_EUSAGE, "log needs an EVENT name");
	ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "event", argv[0]);
	data = cJSON_AddObjectToObject(ev, "data");
	actor = cJSON_AddObjectToObject(ev, "actor");
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		bool placed = false;
		if (!eq || eq == argv[i]) {
			cJSON_Delete(ev);
			return guard_error(GUARD_EUSAGE, "'%s' is not KEY=VALUE", argv[i]);
		}
		*eq = '\0';
		for (size_t k = 0; k < sizeof(top) / sizeof(top[0]); k++)
			if (!strcmp(argv[i], top[k])) {
				cJSON_DeleteItemFromObjectCaseSensitive(ev, top[k]);
				cJSON_AddStringToObject(ev, top[k], eq + 1);
				placed = true;
			}
		if (!strcmp(argv[i], "actor")) {
			cJSON_AddStringToObject(actor, "user", eq + 1);
			placed = true;
		}
		if (!placed) {
			cJSON_DeleteItemFromObjectCaseSensitive(data, argv[i]);
			cJSON_AddStringToObject(data, argv[i], eq + 1);
		}
	}
	if (!cJSON_GetObjectItemCaseSensitive(actor, "user"))
		cJSON_AddStringToObject(actor, "user", user && *user ? user : "unknown");
	cJSON_AddStringToObject(actor, "role", "cli");
	if (!cJSON_GetObjectItemCaseSensitive(ev, "id")) {
		guard_uuid(id);
		cJSON_AddStringToObject(ev, "id", id);
	}
	if ((rc = open_log(c, &log)) == 0) {
		rc = guard_audit_append(log, NULL, ev);
		guard_audit_close(log);
	}
	cJSON_Delete(ev);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- verify, seal, prune */

static int
verify_log(struct ctx *c, const char *from, const char *to, const char *checkpoint, bool quiet)
{
	struct guard_audit_verify_opts o = { from, to, checkpoint, c->root };
	struct guard_audit_verify_result r;
	int rc = guard_audit_verify(c->cfg.dir, &o, &r);

	if (rc < 0) {
		guard_audit_verify_release(&r);
		return rc;
	}
	if (!quiet) {
		for (size_t i = 0; i < r.notes.len; i++)
			printf("note: %s\n", r.notes.items[i]);
		if (r.records)
			printf("ok: %lu records in %lu file%s, seq %lu..%lu, last hash %s%s\n", r.records, r.files,
			       r.files == 1 ? "" : "s", r.first_seq, r.last_seq, r.last_hash,
			       checkpoint ? (r.checkpoints ? ", held to the checkpoints" : ", no checkpoint in range") : "");
		else
			printf("ok: no records%s\n", from || to ? " in the range" : "");
	}
	guard_audit_verify_release(&r);
	return 0;
}

static int
seal_log(struct ctx *c)
{
	cJSON *out = cJSON_CreateArray(), *cp;
	int rc = guard_audit_seal(c->cfg.dir, out);

	if (rc == 0) {
		cJSON_ArrayForEach(cp, out)
			guard_event_write(stdout, cp);
		if (!cJSON_GetArraySize(out))
			cli_error("nothing new to seal");
	}
	cJSON_Delete(out);
	return rc < 0 ? rc : 0;
}

/* Who runs a verb that speaks for a person: $USER, as log does. */
static cJSON *
cli_actor(void)
{
	const char *user = getenv("USER");
	cJSON *actor = cJSON_CreateObject();

	cJSON_AddStringToObject(actor, "user", user && *user ? user : "unknown");
	cJSON_AddStringToObject(actor, "role", "cli");
	return actor;
}

static int
prune_log(struct ctx *c, const char *before)
{
	struct guard_audit *log;
	cJSON *out = cJSON_CreateObject(), *actor = cli_actor(), *f;
	int rc;

	if ((rc = open_log(c, &log)) == 0) {
		rc = guard_audit_prune(log, before, actor, out);
		guard_audit_close(log);
	}
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(out, "removed"))
		printf("removed %s/%s\n", c->cfg.dir, f->valuestring);
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(out, "seq");
	if (cJSON_IsNumber(seq))
		printf("recorded as seq %.0f (audit.pruned); run guard-audit seal so a witness holds it\n",
		       seq->valuedouble);
	else if (rc == 0)
		printf("nothing older than %s\n", before);
	cJSON_Delete(out);
	cJSON_Delete(actor);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- the verbs */

static struct ctx ctx;

/* The options, wherever they stood on the command line. */
static struct {
	const char *from, *to, *checkpoint, *before, *event_name;
	bool tee, quiet, follow, csv, json, table, help;
	long lines;
	struct audit_filter f;
} opt = { .lines = 10 };

static bool
is_date(const char *s)
{
	struct timespec ts;
	char buf[32];

	if (strlen(s) != 10)
		return false;
	snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
	return guard_time_parse(buf, &ts) == 0;
}

/*
 * What every verb checks before it loads the project: no stray operand
 * (log takes them), dates that are dates, filters that parse.
 */
static int
check_args(int argc, char **argv)
{
	if (strcmp(argv[0], "log") && argc > 1)
		return guard_error(GUARD_EUSAGE, "unexpected argument '%s'", argv[1]);
	if ((opt.from && !is_date(opt.from)) || (opt.to && !is_date(opt.to)) || (opt.before && !is_date(opt.before)))
		return guard_error(GUARD_EUSAGE, "dates are YYYY-MM-DD");
	return audit_filter_prepare(&opt.f);
}

/* check_args, then the project (writes: the verb writes the log). */
static int
begin(int argc, char **argv, bool writes)
{
	int rc = check_args(argc, argv);

	return rc < 0 ? rc : ctx_load(&ctx, writes);
}

static int
cmd_append(int argc, char **argv)
{
	int rc = begin(argc, argv, true);

	return rc < 0 ? rc : append_events(&ctx, opt.tee, opt.event_name);
}

static int
cmd_log(int argc, char **argv)
{
	int rc = begin(argc, argv, true);

	return rc < 0 ? rc : log_one(&ctx, argc - 1, argv + 1);
}

static int
cmd_verify(int argc, char **argv)
{
	int rc = begin(argc, argv, false);

	return rc < 0 ? rc : verify_log(&ctx, opt.from, opt.to, opt.checkpoint, opt.quiet);
}

static int
cmd_seal(int argc, char **argv)
{
	int rc = begin(argc, argv, true);

	return rc < 0 ? rc : seal_log(&ctx);
}

static int
cmd_prune(int argc, char **argv)
{
	int rc = check_args(argc, argv);

	if (rc == 0 && !opt.before)
		rc = guard_error(GUARD_EUSAGE, "prune needs --before DATE");
	if (rc == 0)
		rc = ctx_load(&ctx, true);
	return rc < 0 ? rc : prune_log(&ctx, opt.before);
}

static int
cmd_query(int argc, char **argv)
{
	int rc = begin(argc, argv, false);
	bool table = opt.table || (!opt.json && isatty(1));

	return rc < 0 ? rc : audit_query(ctx.cfg.dir, &opt.f, table ? AUDIT_OUT_TABLE : AUDIT_OUT_JSONL);
}

static int
cmd_export(int argc, char **argv)
{
	int rc = check_args(argc, argv);

	if (rc == 0 && opt.csv == opt.json)
		rc = guard_error(GUARD_EUSAGE, "export takes one of --csv or --json");
	if (rc == 0)
		rc = ctx_load(&ctx, false);
	return rc < 0 ? rc : audit_query(ctx.cfg.dir, &opt.f, opt.csv ? AUDIT_OUT_CSV : AUDIT_OUT_JSON);
}

static int
cmd_stats(int argc, char **argv)
{
	int rc = begin(argc, argv, false);

	return rc < 0 ? rc : audit_stats(ctx.cfg.dir, &opt.f, opt.json);
}

static int
cmd_tail(int argc, char **argv)
{
	int rc = begin(argc, argv, false);

	bool table = opt.table || (!opt.json && isatty(STDOUT_FILENO));

	return rc < 0 ? rc : audit_tail(ctx.cfg.dir, (unsigned long)opt.lines, opt.follow, table);
}

static const struct cli_command commands[] = {
	{ "append", cmd_append, CLI_HUMAN, "[--tee] [--event NAME] < events.jsonl", "append each JSON event on stdin" },
	{ "log", cmd_log, CLI_HUMAN, "EVENT [KEY=VALUE...]", "append one record from the shell" },
	{ "verify", cmd_verify, 0, "[--from D] [--to D] [--checkpoint FILE] [-q]", "recompute the chain" },
	{ "seal", cmd_seal, CLI_HUMAN, "", "print checkpoints of what is not sealed yet" },
	{ "query", cmd_query, 0, "[FILTERS] [--table|--json]", "records that match, JSONL or a table" },
	{ "stats", cmd_stats, 0, "[FILTERS] [--json]", "counts, success rate, latency p50/p95" },
	{ "export", cmd_export, 0, "--csv|--json [FILTERS]", "records as CSV or one JSON array" },
	{ "tail", cmd_tail, 0, "[-n N] [-f] [--table|--json]", "the last N records, then follow (a table on a terminal)" },
	{ "prune", cmd_prune, CLI_HUMAN, "--before DATE",
	  "remove sealed day files older than DATE, recorded in the chain (audit.pruned)" },
	{ NULL, NULL, 0, NULL, NULL },
};

/*
 * Options may come before or after the verb: "+" would stop at it, so
 * getopt permutes, leaving the verb and its operands at argv[optind..].
 * Returns -1 to go on, else the exit status.
 */
static int
parse_options(int argc, char **argv)
{
	enum { O_FSYNC = 256, O_FROM, O_TO, O_CHECKPOINT, O_BEFORE, O_TEE, O_EVENT, O_TOOL, O_RISK, O_DECISION,
	       O_SESSION, O_ACTOR, O_APPROVAL, O_SINCE, O_UNTIL, O_CSV, O_JSON, O_TABLE };
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "fsync", required_argument, NULL, O_FSYNC },
		{ "tee", no_argument, NULL, O_TEE },
		{ "event", required_argument, NULL, O_EVENT },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "checkpoint", required_argument, NULL, O_CHECKPOINT },
		{ "before", required_argument, NULL, O_BEFORE },
		{ "tool", required_argument, NULL, O_TOOL },
		{ "risk", required_argument, NULL, O_RISK },
		{ "decision", required_argument, NULL, O_DECISION },
		{ "session", required_argument, NULL, O_SESSION },
		{ "actor", required_argument, NULL, O_ACTOR },
		{ "approval", required_argument, NULL, O_APPROVAL },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "csv", no_argument, NULL, O_CSV },
		{ "json", no_argument, NULL, O_JSON },
		{ "table", no_argument, NULL, O_TABLE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "follow", no_argument, NULL, 'f' },
		{ "lines", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0; /* cli_bad_option says it in one line */
	while ((ch = getopt_long(argc, argv, "p:qfn:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if ((ch = cli_need_file("--policy", optarg)))
				return ch;
			ctx.stages.src.builtin = optarg;
			break;
		case O_FSYNC:
			if (strcmp(optarg, "always") && strcmp(optarg, "batch") && strcmp(optarg, "never")) {
				cli_error("--fsync takes always, batch or never, not '%s'", optarg);
				return GUARD_EXIT_USAGE;
			}
			ctx.fsync = optarg;
			break;
		case O_TEE: opt.tee = true; break;
		case O_EVENT: opt.event_name = optarg; opt.f.event = optarg; break;
		case O_FROM: opt.from = optarg; break;
		case O_TO: opt.to = optarg; break;
		case O_CHECKPOINT: opt.checkpoint = optarg; break;
		case O_BEFORE: opt.before = optarg; break;
		case O_TOOL: opt.f.tool = optarg; break;
		case O_RISK: opt.f.risk = optarg; break;
		case O_DECISION: opt.f.decision = optarg; break;
		case O_SESSION: opt.f.session = optarg; break;
		case O_ACTOR: opt.f.actor = optarg; break;
		case O_APPROVAL: opt.f.approval = optarg; break;
		case O_SINCE: opt.f.since = optarg; break;
		case O_UNTIL: opt.f.until = optarg; break;
		case O_CSV: opt.csv = true; break;
		case O_JSON: opt.json = true; break;
		case O_TABLE: opt.table = true; break;
		case 'q': opt.quiet = true; break;
		case 'f': opt.follow = true; break;
		case 'n': {
			char *end;
			opt.lines = strtol(optarg, &end, 10);
			if (*end || opt.lines < 0) {
				cli_error("-n takes a count, not '%s'", optarg);
				return GUARD_EXIT_USAGE;
			}
			break;
		}
		case 'h': opt.help = true; break;
		case 'V': cli_version(); return cli_finish(0);
		default: return cli_bad_option(argv, opts);
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	char *args[4] = { argv[0], NULL, NULL, NULL };
	int status, n = 1;

	cli_init("guard-audit");
	guard_stages_init(&ctx.stages);
	if ((status = parse_options(argc, argv)) >= 0)
		goto out;
	if (opt.help || optind == argc) {
		/* [VERB] --help, or --tee alone (append), or no verb at all */
		if (optind < argc)
			args[n++] = argv[optind];
		else if (opt.tee && !opt.help)
			args[n++] = "append";
		if (opt.help)
			args[n++] = "--help";
		status = cli_dispatch(commands, summary, n, args);
		goto out;
	}
	/* the table sees PROG VERB OPERANDS... */
	argv[optind - 1] = argv[0];
	status = cli_dispatch(commands, summary, argc - optind + 1, argv + optind - 1);
out:
	guard_audit_config_release(&ctx.cfg);
	free(ctx.root);
	guard_stages_release(&ctx.stages);
	return status;
}
