#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_json.h"
#include "guard_file.h"
#include "guard_risk.h"
#include "guard_suggest.h"

const char *cli_progname = "guard";

/*
 * A filter parses an event, stages it and deletes it, a few dozen small
 * allocations a line. While it parses, cJSON allocates from this arena,
 * emptied after each event; everything else (what stages add, the policy)
 * comes from the heap, and the shared free hook tells the two apart.
 * Each thread has its own arena (guard-audit append builds records on
 * two), and the hooks are set once: they look at the calling thread's.
 */
static _Thread_local struct {
	char *base;
	size_t used, cap;
	bool on;
	unsigned long outside; /* cJSON allocations since the reset that are not in it */
} arena;

/* Under ASan the arena is poisoned between events: a stale event is a report. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

static void
arena_reset(void)
{
	arena.used = 0;
	arena.outside = 0;
	ASAN_POISON_MEMORY_REGION(arena.base, arena.cap);
}

static void *
arena_malloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > arena.cap - arena.used) {
		arena.outside++;
		return guard_xmalloc(n); /* a big event: the rest on the heap */
	}
	void *p = arena.base + arena.used;
	arena.used += n;
	ASAN_UNPOISON_MEMORY_REGION(p, n);
	return p;
}

/*
 * Bulk mode, for reading thousands of small files at once: cJSON
 * allocates from 1 MiB chunks and nothing is freed one by one; the
 * chunks go together at cli_bulk_end.
 */
#define BULK_CHUNK ((size_t)1 << 20)
#define BULK_FIRST ((size_t)64 << 10)
static struct {
	struct { char *base; size_t cap; } *chunks;
	size_t n, used;
	bool on; /* single-threaded programs only */
} bulk;

static void *
bulk_malloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > BULK_CHUNK / 4)
		return guard_xmalloc(n); /* a big string (a Write's text) on the heap, freed when its tree is */
	if (!bulk.n || n > bulk.chunks[bulk.n - 1].cap - bulk.used) {
		/* the first chunk from the heap (a hook's payload fits), then 1 MiB ones (each an mmap) */
		size_t chunk = bulk.n ? BULK_CHUNK : BULK_FIRST;
		size_t cap = n > chunk ? n : chunk;
		bulk.chunks = guard_xrealloc(bulk.chunks, (bulk.n + 1) * sizeof(*bulk.chunks));
		bulk.chunks[bulk.n].base = guard_xmalloc(cap);
		bulk.chunks[bulk.n++].cap = cap;
		bulk.used = 0;
	}
	void *p = bulk.chunks[bulk.n - 1].base + bulk.used;
	bulk.used += n;
	return p;
}

static void *
hooked_malloc(size_t n)
{
	if (arena.on)
		return arena_malloc(n);
	arena.outside++;
	if (bulk.on)
		return bulk_malloc(n);
	return guard_xmalloc(n);
}

static void
hooked_free(void *p)
{
	if ((char *)p >= arena.base && (char *)p < arena.base + arena.cap)
		return; /* freed with the arena */
	for (size_t i = bulk.n; i-- > 0;)
		if ((char *)p >= bulk.chunks[i].base && (char *)p < bulk.chunks[i].base + bulk.chunks[i].cap)
			return; /* freed with the chunks */
	free(p);
}

void
cli_bulk_begin(void)
{
#if defined(__SANITIZE_ADDRESS__)
	/* under ASan every tree is freed one by one, so the checks still see it */
	(void)bulk_malloc;
#else
	bulk.on = true;
#endif
}

bool
cli_bulk_on(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return false;
#else
	return true;
#endif
}

void
cli_bulk_end(void)
{
	for (size_t i = 0; i < bulk.n; i++)
		free(bulk.chunks[i].base);
	free(bulk.chunks);
	memset(&bulk, 0, sizeof(bulk));
}

void
cli_arena_begin(void)
{
	if (!arena.base) {
		arena.cap = (size_t)256 << 10;
		arena.base = guard_xmalloc(arena.cap);
	}
	arena_reset();
	arena.on = true;
}

void
cli_arena_end(void)
{
	arena.on = false;
}

void
cli_arena_release(void)
{
	ASAN_UNPOISON_MEMORY_REGION(arena.base, arena.cap);
	free(arena.base);
	memset(&arena, 0, sizeof(arena));
}

void
cli_init(const char *progname)
{
	cJSON_Hooks hooks = { hooked_malloc, hooked_free };

	cli_progname = progname;
	cJSON_InitHooks(&hooks);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_progname);
	va_start(ap, fmt);
	cli_vline(stderr, fmt, ap);
	va_end(ap);
}

/*
 * Messages name files, branches and reasons an agent chose: one with
 * control bytes or invisible code points is shown escaped, so it cannot
 * move the cursor, recolour the screen or fake a line (attack9 J23).
 */
void
cli_vline(FILE *f, const char *fmt, va_list ap)
{
	struct guard_buf b = GUARD_BUF_INIT;
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		fputs("(out of memory)\n", f);
		return;
	}
	guard_buf_add_text_shown(&b, s);
	fprintf(f, "%s\n", b.buf ? b.buf : "");
	guard_buf_release(&b);
	free(s);
}

void
cli_line(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vline(f, fmt, ap);
	va_end(ap);
}

void
cli_github_escaped(const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", stdout);
		else if (*s == '\r')
			fputs("%0D", stdout);
		else if (*s == '\n')
			fputs("%0A", stdout);
		else if (property && *s == ':')
			fputs("%3A", stdout);
		else if (property && *s == ',')
			fputs("%2C", stdout);
		else
			putchar(*s);
	}
}

char *
cli_visible(const char *s)
{
	struct guard_buf b = GUARD_BUF_INIT;

	guard_buf_add_visible(&b, s ? s : "");
	return guard_buf_detach(&b);
}

void
cli_json_line(const char *json)
{
	struct guard_buf b = GUARD_BUF_INIT;

	guard_buf_add_json_shown(&b, json, strlen(json));
	puts(b.buf ? b.buf : "");
	guard_buf_release(&b);
}

int
cli_fail(int rc)
{
	cli_error("%s", guard_error_last());
	return guard_exit_status(rc);
}

int
cli_finish(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_error("cannot write output: %s", strerror(errno ? errno : EIO));
		return GUARD_EXIT_IO;
	}
	return status;
}

void
cli_version(void)
{
	printf("%s %s\n", cli_progname, GUARD_VERSION);
}

void
cli_usage(FILE *f, const struct cli_command *cmds, const char *summary)
{
	fprintf(f, "usage: %s VERB [ARGS]\n%s%s\nverbs:\n", cli_progname, summary ? summary : "", summary ? "\n" : "");
	for (const struct cli_command *c = cmds; c->name; c++) {
		/* the verb with its arguments when they are short, as "hook AGENT" */
		char head[64];
		int n = snprintf(head, sizeof(head), "%s %s", c->name, c->usage ? c->usage : "");
		if (n < 0 || n > 18)
			snprintf(head, sizeof(head), "%s", c->name);
		fprintf(f, "  %-18s %s%s\n", head, c->help, c->flags & CLI_HUMAN ? " (people only)" : "");
	}
	fprintf(f, "'%s VERB --help' shows a verb's arguments. Exit codes: guard(1).\n", cli_progname);
}

const char *
cli_closest(const char *word, const char *const *candidates)
{
	return guard_suggest(word, candidates);
}

int
cli_bad_option(char **argv, const struct option *opts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	const char *names[64];
	size_t n = 0;

	if (optopt) {
		/* a known option without its value (as a long or a short one), or an unknown short one */
		for (const struct option *o = opts; o->name; o++)
			if (o->val == optopt && o->has_arg == required_argument) {
				if (!strncmp(arg, "--", 2))
					cli_error("option '--%s' needs a value ('%s --help' shows it)", o->name, cli_progname);
				else
					cli_error("option '-%c' needs a value ('%s --help' shows it)", optopt, cli_progname);
				return GUARD_EXIT_USAGE;
			}
		cli_error("unknown option '-%c' ('%s --help' lists them)", optopt > 0 && optopt < 128 && isprint(optopt) ? optopt : '?', cli_progname);
		return GUARD_EXIT_USAGE;
	}
	for (const struct option *o = opts; o->name && n < 63; o++)
		names[n++] = o->name;
	names[n] = NULL;
	const char *word = arg + strspn(arg, "-");
	char *bare = guard_xstrndup(word, strcspn(word, "="));
	const char *close = cli_closest(bare, names);
	free(bare);
	if (close)
		cli_error("unknown option '%s' (did you mean --%s?)", arg, close);
	else
		cli_error("unknown option '%s' ('%s --help' lists them)", arg, cli_progname);
	return GUARD_EXIT_USAGE;
}

char *
cli_sibling(const char *prog)
{
	char *exe = realpath("/proc/self/exe", NULL), *slash, *path;

	if (!exe || !(slash = strrchr(exe, '/'))) {
		free(exe);
		return NULL;
	}
	*slash = '\0';
	path = guard_xasprintf("%s/%s", exe, prog);
	free(exe);
	if (access(path, X_OK) == 0)
		return path;
	free(path);
	return NULL;
}

bool
cli_terminal(int fd)
{
	const char *term = getenv("TERM");
	return isatty(fd) && term && *term && strcmp(term, "dumb");
}

bool
cli_color(int fd)
{
	const char *no = getenv("NO_COLOR");
	return cli_terminal(fd) && !(no && *no);
}

bool
cli_table_out(bool json, bool table)
{
	return table || (!json && isatty(STDOUT_FILENO));
}

const char *
cli_color_of(const char *word)
{
	static const char *const red[] = { "deny", "rejected", "critical", "expired", NULL };
	static const char *const yellow[] = { "ask", "pending", "high", NULL };
	static const char *const green[] = { "allow", "approved", "low", "running", NULL };

	for (size_t i = 0; word && red[i]; i++)
		if (!strcmp(word, red[i]))
			return "31";
	for (size_t i = 0; word && yellow[i]; i++)
		if (!strcmp(word, yellow[i]))
			return "33";
	for (size_t i = 0; word && green[i]; i++)
		if (!strcmp(word, green[i]))
			return "32";
	return "";
}

int
cli_need_file(const char *option, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 || errno != ENOENT)
		return 0;
	cli_error("%s %s: no such file (check the path)", option, path);
	return GUARD_EXIT_NOTFOUND;
}

/* The verb names of a table, for "did you mean" (malloc'd, NULL-terminated). */
static const char **
verb_names(const struct cli_command *cmds)
{
	size_t n = 0;
	for (const struct cli_command *c = cmds; c->name; c++)
		n++;
	const char **names = guard_xcalloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = cmds[i].name;
	return names;
}

static const struct cli_command *
find_command(const struct cli_command *cmds, const char *name)
{
	for (const struct cli_command *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void
verb_usage(FILE *f, const struct cli_command *c)
{
	fprintf(f, "usage: %s %s %s\n%s%s\n", cli_progname, c->name, c->usage ? c->usage : "", c->help,
		c->flags & CLI_HUMAN ? "\nA person's verb: guard denies it to the agent (share/doc/trust.md)." : "");
}

int
cli_dispatch(const struct cli_command *cmds, const char *summary, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	const struct cli_command *c;

	if (!verb) {
		cli_usage(stderr, cmds, summary);
		return GUARD_EXIT_USAGE;
	}
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
		if (argc > 2 && (c = find_command(cmds, argv[2]))) {
			verb_usage(stdout, c);
			return cli_finish(0);
		}
		cli_usage(stdout, cmds, summary);
		return cli_finish(0);
	}
	if (!strcmp(verb, "--version") || !strcmp(verb, "-V")) {
		cli_version();
		return cli_finish(0);
	}
	if (!(c = find_command(cmds, verb))) {
		for (c = cmds; c->name; c++)
			;
		if (!c->fn || verb[0] == '-') {
			static const char *const global[] = { "help", "version", NULL };
			const char **names = verb_names(cmds);
			const char *close = cli_closest(verb + strspn(verb, "-"), verb[0] == '-' ? global : names);
			if (verb[0] == '-' && close)
				cli_error("unknown option '%s' (did you mean --%s?)", verb, close);
			else if (verb[0] == '-')
				cli_error("unknown option '%s' ('%s --help' lists the verbs)", verb, cli_progname);
			else if (close)
				cli_error("unknown verb '%s' (did you mean %s?)", verb, close);
			else
				cli_error("unknown verb '%s' ('%s --help' lists them)", verb, cli_progname);
			free(names);
			return GUARD_EXIT_USAGE;
		}
	}
	for (int i = 2; i < argc && c->name && !(c->flags & CLI_RAW) && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			verb_usage(stdout, c);
			return cli_finish(0);
		}
	guard_error_clear();
	int rc = c->fn(argc - 1, argv + 1);
	if (rc < 0 && *guard_error_last())
		cli_error("%s", guard_error_last());
	if (c->name && (c->flags & CLI_HOOK) == CLI_HOOK)
		return guard_exit_status(rc);
	return cli_finish(guard_exit_status(rc));
}

/* A payload becomes an event; an event is used as it is. */
static int
normalise(enum guard_agent agent, cJSON **ev)
{
	cJSON *converted;
	int rc;

	if (!guard_adapter_is_payload(*ev))
		return 0;
	if ((rc = guard_adapter_event(agent, *ev, &converted)) < 0)
		return rc;
	cJSON_Delete(*ev);
	*ev = converted;
	return 0;
}

/* Is every allocation of these items (and all below them) in [base, base + cap), so nothing is freed one by one? A constant key is no allocation. */
static bool
arena_holds(const cJSON *item, uintptr_t base, uintptr_t cap)
{
	/* p - base < cap, unsigned: inside; NULL (nothing to free) passes too */
#define IN(p) (!(p) || (uintptr_t)(p) - base < cap)
	for (; item; item = item->next)
		if (!IN(item) || (!(item->type & cJSON_StringIsConst) && !IN(item->string)) || !IN(item->valuestring) ||
		    (item->child && !arena_holds(item->child, base, cap)))
			return false;
	return true;
#undef IN
}

/*
 * The event deleted: an event all in the arena goes with it at the next
 * reset, without a walk of frees. It was parsed after the reset, and no
 * stage moves a node made before it into an event, so when every cJSON
 * allocation since the reset went into the arena the tree needs no walk.
 */
static void
event_delete(cJSON *ev)
{
	if (!ev || (arena.base && !arena.outside))
		return;
	if (!arena.base || !arena_holds(ev, (uintptr_t)arena.base, arena.cap))
		cJSON_Delete(ev);
}

static void
arena_resume(void)
{
	arena.on = true;
}

static void
arena_pause(void)
{
	arena.on = false;
}

int
cli_filter(struct guard_stages *s, int (*stage)(struct guard_stages *, cJSON *),
	   enum guard_agent agent)
{
	struct guard_reader r = GUARD_READER_INIT(stdin, GUARD_EVENT_MAX_DEFAULT);
	struct guard_event_mark mark = { 0 };
	int status = 0, rc;
	unsigned long seen = 0;
	cJSON *ev;

	guard_risk_memo_stream(true); /* a stream rates the same project again and again */
	guard_policy_jit(true);       /* and matches each rule's regex as often */
	/*
	 * Pipe-sized buffers: with glibc's 4 KiB ones, two filters in a
	 * pipeline hand over every few events and spend their time switching.
	 */
	static char inbuf[1 << 16], outbuf[1 << 16];
	setvbuf(stdin, inbuf, _IOFBF, sizeof(inbuf));
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	r.flush = stdout;
	if (!arena.base) {
		arena.cap = (size_t)256 << 10;
		arena.base = guard_xmalloc(arena.cap);
	}
	guard_event_arena(arena_resume, arena_pause); /* what a stage adds for the event only */
	for (;;) {
		arena_reset(); /* the previous event is deleted: start afresh */
		arena.on = true;
		rc = guard_reader_next(&r, &ev);
		arena.on = false;
		if (rc == 0 && seen == 0)
			rc = guard_error(GUARD_EUSAGE, "no event on stdin");
		if (rc == 0)
			break;
		seen++;
		if (rc == GUARD_EIO) {
			status = cli_fail(rc);
			break;
		}
		if (rc > 0)
			guard_event_mark(&mark, ev);
		if (rc > 0 && (rc = normalise(agent, &ev)) >= 0 && (rc = stage(s, ev)) >= 0) {
			if (guard_event_write_since(stdout, ev, &mark, r.line, r.len) < 0) {
				event_delete(ev);
				status = cli_fail(GUARD_EIO);
				break;
			}
			event_delete(ev);
			continue;
		}
		cli_error("%s", guard_error_last());
		ev = guard_stage_fail(ev, rc);
		if (guard_event_write(stdout, ev) < 0) {
			cJSON_Delete(ev);
			status = cli_fail(GUARD_EIO);
			break;
		}
		cJSON_Delete(ev);
		if (status == 0)
			status = guard_exit_status(rc);
	}
	guard_event_arena(NULL, NULL);
	guard_reader_release(&r);
	guard_event_mark_release(&mark);
	return status;
}

int
cli_read_one(enum guard_agent agent, cJSON **out)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = guard_stream_read(stdin, GUARD_EVENT_MAX_DEFAULT, &buf, &len)) < 0)
		return rc;
	rc = guard_event_parse(buf, len, GUARD_EVENT_MAX_DEFAULT, out);
	if (rc == 0 && guard_json_nul_escape_at(buf, len) < len) {
		rc = guard_error(GUARD_EUSAGE, "the event holds a \\u0000 (NUL) at offset %zu: refused, a tool would read "
				 "past what guard reads", guard_json_nul_escape_at(buf, len));
		cJSON_Delete(*out);
		*out = NULL;
	}
	free(buf);
	if (rc < 0)
		return rc;
	if ((rc = normalise(agent, out)) < 0 || (rc = guard_event_complete(*out, "cli")) < 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

cJSON *
cli_command_event(const char *command, const char *cwd)
{
	cJSON *ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "source", "cli");
	cJSON_AddStringToObject(ev, "tool", "Bash");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(ev, "input"), "command", command);
	if (cwd)
		cJSON_AddStringToObject(ev, "cwd", cwd);
	return ev;
}
