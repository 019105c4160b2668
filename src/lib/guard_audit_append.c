/*
 * The bulk append: a stream of JSON events, one a line, appended as
 * records (guard-audit append and --tee; any program that imports a
 * stream). The caller's callbacks say what happens to each failure and
 * to the tee'd lines: the library prints nothing.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_event.h"

/* stdin in big reads; lines found with memchr. */
struct input {
	int fd;
	char *buf;
	size_t len, off, cap;
	bool eof;
	unsigned long lineno;
};

static bool
input_ready(const struct input *in)
{
	struct pollfd p = { .fd = in->fd, .events = POLLIN };
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
		ssize_t n = read(in->fd, in->buf + in->len, in->cap - in->len);
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
#define BATCH_RECORDS 4096 /* records a batch (one lock, one write) at most */

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
	const struct guard_audit_stream *s;
	int nthreads;
	struct builder {
		struct pipeline *p;
		struct guard_redactor *red;
		pthread_t thread;
	} b[BUILDERS];
};

struct appender {
	struct guard_audit *log;
	const struct guard_audit_stream *s;
	unsigned long batch, limit;
	int status;
	bool stop;
	struct guard_buf out;
};

static void
arena(void (*fn)(void))
{
	if (fn)
		fn();
}

static void
build_chunk(struct chunk *ch, const struct guard_redactor *red, const struct guard_audit_stream *s)
{
	for (size_t i = 0; i < ch->n; i++) {
		cJSON *ev = NULL;
		int rc;
		/* The event and the record built from it live in the arena, gone at the next event. */
		arena(s->arena_begin);
		if ((rc = guard_event_parse(ch->text.buf + ch->off[i], ch->len[i], GUARD_EVENT_MAX_DEFAULT, &ev)) == 0)
			rc = guard_audit_prepare_owned(red, s->event_name, ev, ch->rec[i]);
		cJSON_Delete(ev);
		arena(s->arena_end);
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
		build_chunk(ch, b->red, p->s);
		pthread_mutex_lock(&p->mu);
		ch->built = true;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	arena(p->s->arena_release);
	return NULL;
}

static void
submit(struct pipeline *p, struct chunk *ch)
{
	if (!p->nthreads) { /* no thread could be started: build here */
		build_chunk(ch, p->b[0].red, p->s);
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
static void
say(const struct guard_audit_stream *s, const char *msg)
{
	if (s->error)
		s->error(s->arg, msg);
}

static int
reported(const struct guard_audit_stream *s, int rc)
{
	say(s, guard_error_last());
	return rc;
}

static void
pass_on(struct appender *a)
{
	if (a->s->out)
		a->s->out(a->s->arg, a->out.buf, a->out.len);
	guard_buf_reset(&a->out);
}

/* Commit the batch (the lock is released) and pass the tee'd lines on. */
static int
commit_batch(struct appender *a)
{
	int rc = guard_audit_commit(a->log);

	if (rc < 0) {
		a->status = reported(a->s, rc);
		a->stop = true;
		return rc;
	}
	a->batch = 0;
	if (a->out.len)
		pass_on(a);
	return 0;
}

static void
append_chunk(struct appender *a, struct chunk *ch)
{
	for (size_t i = 0; i < ch->n && !a->stop; i++) {
		int rc = ch->rc[i];
		if (rc == 0) {
			if (!a->batch && (rc = guard_audit_begin(a->log)) < 0) {
				a->status = reported(a->s, rc);
				a->stop = true;
				break;
			}
			rc = guard_audit_append_rec(a->log, ch->rec[i]);
			if (rc == GUARD_EIO || rc == GUARD_EEXPIRED) {
				a->status = reported(a->s, rc);
				a->stop = true;
				break;
			}
			if (rc == 0)
				a->batch++;
		}
		if (a->s->tee) {
			guard_buf_add(&a->out, ch->text.buf + ch->off[i], ch->len[i]);
			guard_buf_addch(&a->out, '\n');
		}
		if (rc < 0) {
			char *msg = guard_xasprintf("stdin:%lu: %s", ch->lineno[i],
						    ch->rc[i] < 0 ? ch->err[i] : guard_error_last());
			say(a->s, msg);
			free(msg);
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

static void
pipeline_start(struct pipeline *p, struct appender *a, const struct guard_policy *policy)
{
	int rc;

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->s = a->s;
	for (int i = 0; i < CHUNKS; i++)
		guard_buf_init(&p->chunk[i].text);
	for (int i = 0; i < BUILDERS; i++) {
		p->b[i].p = p;
		if ((rc = guard_audit_redactor_new(policy, &p->b[i].red)) < 0) {
			a->status = reported(a->s, rc);
			a->stop = true;
			break;
		}
	}
	for (int i = 0; i < BUILDERS && !a->stop; i++)
		if (pthread_create(&p->b[p->nthreads].thread, NULL, builder, &p->b[p->nthreads]) == 0)
			p->nthreads++;
}

static void
pipeline_stop(struct pipeline *p)
{
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
}

/* A line that failed to read: a bad one goes by, a read error stops the stream. */
static void
input_failed(struct pipeline *p, struct appender *a, struct chunk **cur, int rc)
{
	char *msg = guard_xstrdup(guard_error_last());

	drain(p, a, cur);
	if (!a->stop && rc == GUARD_EIO) {
		guard_error(rc, "%s", msg);
		a->status = reported(a->s, rc);
		a->stop = true;
	} else if (!a->stop) {
		say(a->s, msg);
		a->status = GUARD_EUSAGE;
	}
	free(msg);
}

int
guard_audit_append_stream(struct guard_audit *log, const struct guard_policy *policy,
			  const struct guard_audit_stream *s)
{
	struct appender a = { .log = log, .s = s, .out = GUARD_BUF_INIT };
	struct pipeline *p = guard_xcalloc(1, sizeof(*p));
	struct input in = { .fd = s->in_fd };
	struct chunk *cur = NULL;
	char *line = NULL;
	size_t len = 0;
	int rc;

	a.limit = audit_fsync_mode(log) == GUARD_AUDIT_FSYNC_ALWAYS ? 1 : BATCH_RECORDS;
	pipeline_start(p, &a, policy);

	while (!a.stop) {
		/* The input pauses: what was read goes to disk (and on, with tee) before we wait; a pipeline never waits on us. */
		if ((cur || p->tail < p->head || a.batch || a.out.len) && !input_buffered(&in) && !input_ready(&in)) {
			drain(p, &a, &cur);
			if (a.stop || commit_batch(&a) < 0)
				break;
		}
		rc = input_next(&in, &line, &len);
		if (rc == 0)
			break;
		if (rc < 0) {
			input_failed(p, &a, &cur, rc);
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
		a.status = reported(s, rc);
	if (a.out.len && a.status != GUARD_EIO)
		pass_on(&a);

	pipeline_stop(p);
	free(p);
	guard_buf_release(&a.out);
	free(in.buf);
	guard_error_clear(); /* each failure was reported where it happened */
	return a.status;
}
