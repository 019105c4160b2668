/*
 * guard-audit: write, check and read the tamper-evident audit log.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <unistd.h>

#include <sodium.h>
#include <syslog.h>

#include "cli.h"
#include "guard_audit.h"
#include "guard_audit_ref.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
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
	"query, stats, export and report verify what they read first and warn\n"
	"when it does not (--no-verify: do not).\n"
	"\n"
	"  -p, --policy FILE   use FILE as the built-in policy layer\n"
	"      --fsync MODE    always, batch or never (append, log, --tee)\n"
	"  -h, --help          this text (or VERB --help);  -V, --version\n"
	"\n"
	"Exit: 0 ok / verified, 1 verify found tampering or prune met an unsealed\n"
	"file, 2 usage or bad input, 4 a sealing key exists, 5 no audit log or\n"
	"no project, 6 lock timed out, 7 policy invalid, 8 I/O failure.";

struct ctx {
	struct guard_stages stages;
	const struct guard_policy *policy;
	char *root;
	struct guard_audit_config cfg;
	const char *fsync;
};

/*
 * The project, its policy and its log's settings. Every verb needs a
 * project: outside one a writer would make .ai/ wherever it was run and
 * a reader would read whatever .ai/ it found there, so it says so
 * instead (exit 5; GUARD_DIR names one).
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
	if (rc == GUARD_ENOTFOUND) {
		char *why = guard_xstrdup(guard_error_last());
		rc = guard_error(GUARD_ENOTFOUND, "%s; %s (run guard-audit inside your repository, or set GUARD_DIR to "
				 "the project)", why, writes ? "not writing an audit log here" : "no audit log to read here");
		free(why);
		return rc;
	}
	if (rc < 0)
		return rc;
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

static void
tee_out(void *arg, const char *buf, size_t len)
{
	(void)arg;
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
}

static void
stream_error(void *arg, const char *msg)
{
	(void)arg;
	cli_error("%s", msg);
}

static int
append_events(struct ctx *c, bool tee, const char *event_name)
{
	struct guard_audit_stream s = GUARD_AUDIT_STREAM_INIT;
	struct guard_audit *log;
	int rc;

	if ((rc = open_log(c, &log)) < 0)
		return rc;
	s.event_name = event_name;
	s.tee = tee;
	s.out = tee_out;
	s.error = stream_error;
	s.arena_begin = cli_arena_begin;
	s.arena_end = cli_arena_end;
	s.arena_release = cli_arena_release;
	rc = guard_audit_append_stream(log, c->policy, &s);
	guard_audit_close(log);
	return rc;
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

/* --key: the verification key itself, or a file whose first line holds it. */
static int
load_key(const char *arg, char **out)
{
	size_t len;
	int rc;

	*out = NULL;
	if (!arg)
		return 0;
	if (!strncmp(arg, "guard-seal-v1:", 14)) {
		*out = guard_xstrdup(arg);
		return 0;
	}
	if ((rc = guard_file_read(arg, 4096, 0, out, &len)) < 0)
		return rc;
	(*out)[strcspn(*out, "\r\n")] = '\0';
	return 0;
}

/* What --key found: how far the log is sealed. */
static void
print_sealed(const struct guard_audit_verify_result *r)
{
	char len[32];

	guard_duration_format(r->epoch_len, len, sizeof(len));
	if (!r->seal_tags) {
		printf("sealed: no seal tag yet (epochs of %s from %lld): nothing is protected by the key\n", len,
		       r->epoch_start);
		return;
	}
	printf("sealed: %lu tag%s good, epochs %llu..%llu (of %s from %lld), through seq %lu", r->seal_tags,
	       r->seal_tags == 1 ? "" : "s", r->first_epoch, r->last_epoch, len, r->epoch_start, r->sealed_seq);
	if (r->last_seq > r->sealed_seq + 1)
		printf("; seq %lu..%lu not sealed yet", r->sealed_seq + 2, r->last_seq);
	putchar('\n');
}

static int
verify_log(struct ctx *c, const char *from, const char *to, const char *checkpoint, const char *ref, const char *key,
	   bool quiet)
{
	struct guard_audit_verify_opts o = { from, to, ref ? ref : checkpoint, c->root, NULL, NULL };
	struct guard_audit_verify_result r = GUARD_AUDIT_VERIFY_RESULT_INIT;
	char *k, *text = NULL;
	size_t commits = 0;
	int rc = load_key(key, &k);

	o.key = k;
	/* --checkpoint-ref: the checkpoints the ref's commits hold, oldest first, checked as a file's are */
	if (rc == 0 && ref && (rc = guard_audit_ref_read(c->root, ref, &text, &commits)) == 0)
		o.checkpoint_text = text;
	if (rc == 0)
		rc = guard_audit_verify(c->cfg.dir, &o, &r);
	/* the witness ref where the last seal left it: not deleted or replaced behind guard's back (attack7 H21) */
	if (rc == 0)
		rc = guard_audit_ref_check(c->root, c->cfg.dir, GUARD_AUDIT_REF);
	free(text);
	if (k)
		sodium_memzero(k, strlen(k));
	free(k);
	checkpoint = o.checkpoint_path;
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
		if (key)
			print_sealed(&r);
	}
	guard_audit_verify_release(&r);
	return 0;
}

/*
 * Each checkpoint also goes to syslog(3), a witness outside the project
 * (facility and tag: the trusted layers' audit.witness.syslog; authpriv,
 * readable by root only on Debian, and "guard-audit" by default). One
 * message a checkpoint, the JSON line as seal printed it, which
 * verify --checkpoint reads back from a syslog or journal export.
 */
/* audit.witness.NAME as the trusted layers set it (the project layer's is ignored when merged). */
static const cJSON *
witness_key(const struct ctx *c, const char *name)
{
	const cJSON *audit = cJSON_GetObjectItemCaseSensitive(guard_policy_tree(c->policy), "audit");

	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(audit, "witness"), name);
}

static void
witness_syslog(const struct ctx *c, const cJSON *cps)
{
	static const struct { const char *name; int facility; } facilities[] = {
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	const cJSON *sl = witness_key(c, "syslog");
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(sl, "facility"), *t = cJSON_GetObjectItemCaseSensitive(sl, "tag");
	int facility = LOG_AUTHPRIV;
	const cJSON *cp;

	if (cJSON_IsFalse(sl))
		return;

	for (size_t i = 0; cJSON_IsString(f) && i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcmp(f->valuestring, facilities[i].name))
			facility = facilities[i].facility;
	openlog(cJSON_IsString(t) && *t->valuestring ? t->valuestring : "guard-audit", LOG_PID, facility);
	cJSON_ArrayForEach(cp, cps) {
		char *line = cJSON_PrintUnformatted(cp);
		syslog(LOG_NOTICE, "%s", line);
		cJSON_free(line);
	}
	closelog();
}

/*
 * The checkpoints in seals.jsonl that refs/guard/audit does not hold yet,
 * as one commit on it (every one of them: a seal made with --no-ref, or
 * whose ref update failed, is carried by the next). Outside a git
 * repository (GUARD_DIR) there is no ref to keep: a note says so.
 */
static int
seal_ref(struct ctx *c)
{
	char oid[41];
	size_t added;
	int rc = guard_audit_ref_update(c->root, c->cfg.dir, GUARD_AUDIT_REF, &added, oid);

	if (rc == GUARD_ENOTFOUND) {
		cli_error("note: %s is in no git repository, so no %s witness (use --no-ref to say so)", c->root,
			  GUARD_AUDIT_REF);
		guard_error_clear();
		return 0;
	}
	if (rc < 0)
		return guard_error(rc, "%s; the checkpoints are in seals.jsonl, and the next seal (or seal --ref-only) "
				   "records them on %s", guard_error_last(), GUARD_AUDIT_REF);
	return 0;
}

/* The seq the checkpoints in out reach: the state automatic seals start from. */
static void
seal_mark(struct ctx *c, const cJSON *out)
{
	const cJSON *cp;
	double seq = 0;

	cJSON_ArrayForEach(cp, out) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(cp, "last_seq");
		if (cJSON_IsNumber(s) && s->valuedouble > seq)
			seq = s->valuedouble;
	}
	if (seq > 0 && guard_audit_witness_sealed(c->root, c->cfg.dir, (unsigned long)seq) < 0) {
		cli_error("warning: %s", guard_error_last());
		guard_error_clear();
	}
}

static int
seal_log(struct ctx *c, bool ref, bool ref_only)
{
	cJSON *out, *cp;
	struct guard_audit *log;
	bool tagged = false;
	int rc;

	if (cJSON_IsFalse(witness_key(c, "ref")))
		ref = false;
	if (ref_only)
		return ref ? seal_ref(c) : guard_error(GUARD_EUSAGE, "--ref-only, but %s", cJSON_IsFalse(witness_key(c, "ref"))
						       ? "audit.witness.ref is false" : "--no-ref too");
	/* With a sealing key, the tail is tagged first, so the checkpoint covers the tag. */
	if ((rc = open_log(c, &log)) < 0)
		return rc;
	rc = guard_audit_seal_now(log, &tagged);
	guard_audit_close(log);
	if (rc < 0)
		return rc;
	if (tagged)
		cli_error("the tail is sealed with this epoch's key (an audit.seal record)");
	out = cJSON_CreateArray();
	rc = guard_audit_seal(c->cfg.dir, out);

	if (rc == 0) {
		cJSON_ArrayForEach(cp, out)
			guard_event_write(stdout, cp);
		if (!cJSON_GetArraySize(out))
			cli_error("nothing new to seal");
		else
			witness_syslog(c, out);
		seal_mark(c, out);
		if (ref)
			rc = seal_ref(c);
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

static struct ctx ctx = { .stages = GUARD_STAGES_INIT, .cfg = GUARD_AUDIT_CONFIG_INIT };

/* The options, wherever they stood on the command line. */
static struct {
	const char *from, *to, *checkpoint, *checkpoint_ref, *before, *event_name, *key;
	bool tee, quiet, follow, csv, json, table, help, no_verify, html, anomalies, no_ref, ref_only;
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
	if (strcmp(argv[0], "log") && strcmp(argv[0], "seal-key") && argc > 1)
		return guard_error(GUARD_EUSAGE, "unexpected argument '%s'", argv[1]);
	if (opt.html && strcmp(argv[0], "report"))
		return guard_error(GUARD_EUSAGE, "--html is report's (guard-audit report --html)");
	if (opt.anomalies && strcmp(argv[0], "stats"))
		return guard_error(GUARD_EUSAGE, "--anomalies is stats' (guard-audit stats --anomalies)");
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

	if (rc == 0 && opt.checkpoint && opt.checkpoint_ref)
		rc = guard_error(GUARD_EUSAGE, "verify takes --checkpoint FILE or --checkpoint-ref REF, not both");
	return rc < 0 ? rc : verify_log(&ctx, opt.from, opt.to, opt.checkpoint, opt.checkpoint_ref, opt.key, opt.quiet);
}

static int
cmd_seal(int argc, char **argv)
{
	int rc = begin(argc, argv, true);

	return rc < 0 ? rc : seal_log(&ctx, !opt.no_ref, opt.ref_only);
}

/* seal-key init: the sealing key in the state folder, the verification key shown once. */
static int
cmd_seal_key(int argc, char **argv)
{
	char *vkey, len[32];
	int rc = check_args(argc, argv);

	if (rc == 0 && (argc != 2 || strcmp(argv[1], "init")))
		rc = guard_error(GUARD_EUSAGE, "seal-key takes one action: init");
	if (rc == 0)
		rc = ctx_load(&ctx, true);
	if (rc == 0)
		rc = guard_audit_seal_key_init(ctx.root, ctx.cfg.dir, ctx.cfg.seal_epoch, &vkey);
	if (rc < 0)
		return rc;
	guard_duration_format(ctx.cfg.seal_epoch, len, sizeof(len));
	printf("%s\n", vkey);
	fflush(stdout);
	cli_error("the line above is the verification key: keep it off this machine (a password manager, paper); "
		  "it is shown once and kept nowhere here. The sealing key evolves every %s in the state folder. "
		  "Check the log with: guard-audit verify --key KEY", len);
	sodium_memzero(vkey, strlen(vkey));
	free(vkey);
	return 0;
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

/*
 * What query, stats and export read is verified first, at verify's pace
 * (the same day files, held to the synced-record watermark): a log that
 * does not verify is still read, under a warning on stderr naming the
 * first broken record. --no-verify skips it.
 */
static char *read_warning; /* what check_read warned, for the report's page */

static int
check_read(void)
{
	struct guard_audit_verify_opts o = { *opt.f.from_day ? opt.f.from_day : NULL,
					     *opt.f.to_day ? opt.f.to_day : NULL, NULL, ctx.root, NULL, NULL };
	struct guard_audit_verify_result r = GUARD_AUDIT_VERIFY_RESULT_INIT;
	int rc;

	if (opt.no_verify)
		return 0;
	rc = guard_audit_verify(ctx.cfg.dir, &o, &r);
	guard_audit_verify_release(&r);
	if (rc == GUARD_EDENY) {
		read_warning = guard_xasprintf("the log does not verify: %s; the records shown may have been changed "
					       "(run guard-audit verify)", guard_error_last());
		cli_error("warning: %s", read_warning);
		guard_error_clear();
		return 0;
	}
	return rc;
}

/* begin, then check_read. */
static int
begin_read(int argc, char **argv)
{
	int rc = begin(argc, argv, false);

	return rc < 0 ? rc : check_read();
}

static int
cmd_query(int argc, char **argv)
{
	int rc = begin_read(argc, argv);
	bool table = cli_table_out(opt.json, opt.table);

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
	if (rc == 0)
		rc = check_read();
	return rc < 0 ? rc : audit_query(ctx.cfg.dir, &opt.f, opt.csv ? AUDIT_OUT_CSV : AUDIT_OUT_JSON);
}

static int
cmd_stats(int argc, char **argv)
{
	int rc = opt.anomalies && opt.json
			 ? guard_error(GUARD_EUSAGE, "stats --anomalies prints JSON lines already: drop --json")
			 : begin_read(argc, argv);

	if (rc < 0)
		return rc;
	return opt.anomalies ? audit_anomalies(ctx.cfg.dir, &opt.f) : audit_stats(ctx.cfg.dir, &opt.f, opt.json);
}

static int
cmd_report(int argc, char **argv)
{
	int rc = check_args(argc, argv);

	if (rc == 0 && !opt.html)
		rc = guard_error(GUARD_EUSAGE, "report takes --html (the one format so far): guard-audit report --html > report.html");
	if (rc == 0 && isatty(STDOUT_FILENO))
		rc = guard_error(GUARD_EUSAGE, "report --html writes a page: send it to a file (> report.html)");
	if (rc == 0)
		rc = ctx_load(&ctx, false);
	if (rc == 0)
		rc = check_read();
	return rc < 0 ? rc : audit_report(ctx.cfg.dir, &opt.f, read_warning);
}

static int
cmd_tail(int argc, char **argv)
{
	int rc = begin(argc, argv, false);

	bool table = cli_table_out(opt.json, opt.table);

	return rc < 0 ? rc : audit_tail(ctx.cfg.dir, (unsigned long)opt.lines, opt.follow, table);
}

static const struct cli_command commands[] = {
	{ "append", cmd_append, CLI_HUMAN, "[--tee] [--event NAME] < events.jsonl", "append each JSON event on stdin" },
	{ "log", cmd_log, CLI_HUMAN, "EVENT [KEY=VALUE...]", "append one record from the shell" },
	{ "verify", cmd_verify, 0, "[--from D] [--to D] [--checkpoint FILE|--checkpoint-ref REF] [--key KEY|FILE] [-q]",
	  "recompute the chain (and the seal tags, with the verification key)" },
	{ "seal", cmd_seal, CLI_HUMAN, "[--no-ref|--ref-only]",
	  "tag the tail (with a sealing key), print checkpoints of what is not sealed yet, commit them on refs/guard/audit" },
	{ "seal-key", cmd_seal_key, CLI_HUMAN, "init", "make the forward-secure sealing key; print the verification key once" },
	{ "query", cmd_query, 0, "[FILTERS] [--table|--json]", "records that match, JSONL or a table" },
	{ "stats", cmd_stats, 0, "[FILTERS] [--json|--anomalies]",
	  "counts, success rate, latency p50/p95; --anomalies: spikes, repeated denials, activity outside a session (JSONL)" },
	{ "report", cmd_report, 0, "--html [FILTERS] > report.html",
	  "one self-contained page: timeline, each call's trace, stats, anomalies" },
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
	       O_SESSION, O_ACTOR, O_APPROVAL, O_SINCE, O_UNTIL, O_CSV, O_JSON, O_TABLE, O_NO_VERIFY, O_KEY,
	       O_HTML, O_ANOMALIES, O_CHECKPOINT_REF, O_NO_REF, O_REF_ONLY };
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "fsync", required_argument, NULL, O_FSYNC },
		{ "tee", no_argument, NULL, O_TEE },
		{ "event", required_argument, NULL, O_EVENT },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "checkpoint", required_argument, NULL, O_CHECKPOINT },
		{ "checkpoint-ref", required_argument, NULL, O_CHECKPOINT_REF },
		{ "no-ref", no_argument, NULL, O_NO_REF },
		{ "ref-only", no_argument, NULL, O_REF_ONLY },
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
		{ "no-verify", no_argument, NULL, O_NO_VERIFY },
		{ "key", required_argument, NULL, O_KEY },
		{ "html", no_argument, NULL, O_HTML },
		{ "anomalies", no_argument, NULL, O_ANOMALIES },
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
		case O_CHECKPOINT_REF: opt.checkpoint_ref = optarg; break;
		case O_NO_REF: opt.no_ref = true; break;
		case O_REF_ONLY: opt.ref_only = true; break;
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
		case O_NO_VERIFY: opt.no_verify = true; break;
		case O_KEY: opt.key = optarg; break;
		case O_HTML: opt.html = true; break;
		case O_ANOMALIES: opt.anomalies = true; break;
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
	free(read_warning);
	guard_stages_release(&ctx.stages);
	return status;
}
