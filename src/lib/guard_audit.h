/*
 * The audit log (DESIGN.md section 9): daily JSON Lines files
 * <project>/.ai/audit/YYYY-MM-DD.jsonl (UTC; policy audit.dir may move
 * them), one record a line, chained by hash across files.
 *
 * A record holds v, seq, ts, event, id, session, actor, tool, summary,
 * input_digest, risk, decision, approval, policy_rev, erased, data, prev
 * and hash. The line is the canonical JSON (guard_json_canonical) of the
 * record without "hash", with ,"hash":"<hex>" added as its last member;
 * hash is the SHA-256 of that canonical text, prev the hash of the record
 * before (64 zeros for the first). seq counts up by one from 1.
 *
 * Writers serialise on <dir>/.lock. Under it a writer finds the tail from
 * the last line of the newest file (cached per handle while the file has
 * not changed under it), so an append costs the same at any log size. A
 * torn last line (a writer killed mid-write) is moved to <file>.torn and
 * recorded in the chain as an "audit.torn" record before the next one.
 */
#ifndef GUARD_AUDIT_H
#define GUARD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "guard_buf.h"
#include "guard_policy.h"

#define GUARD_AUDIT_HASH_LEN 64
#define GUARD_AUDIT_LOCK_TIMEOUT_MS 5000 /* $GUARD_AUDIT_LOCK_TIMEOUT_MS overrides */
#define GUARD_AUDIT_SUMMARY_MAX 1024     /* bytes of summary / error text kept */

enum guard_audit_fsync {
	GUARD_AUDIT_FSYNC_NEVER,  /* leave it to the kernel */
	GUARD_AUDIT_FSYNC_BATCH,  /* at the end of a stream, and at most ~1 s apart */
	GUARD_AUDIT_FSYNC_ALWAYS  /* before every append returns */
};

/* What the policy's audit: section says, with the defaults filled in. */
struct guard_audit_config {
	char *dir;                    /* absolute; owned */
	enum guard_audit_fsync fsync;
	bool fail_closed;
	int lock_timeout_ms;
	long long seal_epoch;         /* seconds a sealing key lasts (audit.seal_epoch, 15m) */
	/* audit.witness: seal on its own once this many records or seconds passed since the last seal (0: never) */
	unsigned long witness_records;
	long long witness_seconds;
};
#define GUARD_AUDIT_CONFIG_INIT \
	{ .dir = NULL, .fsync = GUARD_AUDIT_FSYNC_BATCH, .fail_closed = true, .lock_timeout_ms = GUARD_AUDIT_LOCK_TIMEOUT_MS, \
	  .seal_epoch = 900 }

/*
 * Read audit.{dir,fsync,fail_closed} from the policy (NULL: defaults:
 * .ai/audit, batch, fail closed) for the project root. Release with
 * guard_audit_config_release.
 */
int guard_audit_config(struct guard_audit_config *out, const char *project_root,
		       const struct guard_policy *policy);
void guard_audit_config_release(struct guard_audit_config *c);

/* ---------------------------------------------------------------- writing */

struct guard_audit; /* an open log: one writer, one thread */

/*
 * Open the log of project_root under policy (NULL: the defaults, built-in
 * redaction only). Creates the directory (0700). Nothing is locked until
 * an append. Free with guard_audit_close.
 */
int guard_audit_open(struct guard_audit **out, const char *project_root, const struct guard_policy *policy);

/*
 * Append one record for event (a guard event, DESIGN.md section 3, or
 * any object; not modified). event_name: "decision", "tool.result",
 * "approval.required", "session.start", ...; NULL takes the event's
 * "event" string, else "tool.result" for a post-phase event, else
 * "decision". The record takes id, session, actor, tool, risk, decision,
 * approval and policy_rev from the event; summary and input_digest from
 * its input; any other top-level member goes into "data". For a
 * tool.result, data holds success, duration_ms and error (from result).
 * Every string is redacted before it is written.
 *
 * Outside guard_audit_begin/commit the record is on disk (synced per
 * audit.fsync) when this returns 0. Errors: GUARD_EIO (cannot write,
 * the log's tail is unreadable), GUARD_EEXPIRED (lock time-out),
 * GUARD_EUSAGE (event_name missing or not a string; an "audit.*" name,
 * which only the log itself writes; a member named twice anywhere in the
 * event, which readers would take two ways).
 */
int guard_audit_append(struct guard_audit *log, const char *event_name, const cJSON *event);

/*
 * An event name is 1..GUARD_AUDIT_EVENT_NAME_MAX letters, digits, '.',
 * '_', '-' or ':', beginning with a letter or digit ("decision",
 * "tool.result", "session.start"). 0, or GUARD_EUSAGE saying what is
 * wrong. Every append checks it, and the readers' --event filter.
 */
#define GUARD_AUDIT_EVENT_NAME_MAX 64
int guard_audit_event_name_check(const char *name);

/*
 * The same in two steps, so the work can be spread over threads.
 * guard_audit_prepare builds, redacts and prints the record (all but its
 * prev, seq, ts and hash) and hashes the part of the canonical text that
 * comes before prev; it touches no log and is safe from any thread that
 * has its own redactor (guard_audit_redactor_new) and its own cJSON
 * allocation. guard_audit_append_rec then adds the prepared record to the
 * log exactly as guard_audit_append does (same lock, batches, errors);
 * the record can be reused for the next prepare. A record from
 * guard_audit_rec_new is freed with guard_audit_rec_free; a redactor from
 * guard_audit_redactor_new (the policy's redact patterns and the
 * built-in set) with guard_redactor_free.
 */
struct guard_redactor;
struct guard_audit_rec;
struct guard_audit_rec *guard_audit_rec_new(void);
void guard_audit_rec_free(struct guard_audit_rec *rec);
int guard_audit_redactor_new(const struct guard_policy *policy, struct guard_redactor **out);
int guard_audit_prepare(const struct guard_redactor *r, const char *event_name, const cJSON *event,
			struct guard_audit_rec *out);
/* The same for an event the caller deletes right after: its members are moved into the record, not copied. */
int guard_audit_prepare_owned(const struct guard_redactor *r, const char *event_name, cJSON *event,
			      struct guard_audit_rec *out);
int guard_audit_append_rec(struct guard_audit *log, const struct guard_audit_rec *rec);

/*
 * A batch: begin takes the lock; appends in between are buffered and
 * written by commit with one write, then synced (per audit.fsync) and the
 * lock released. On a failed commit nothing of the batch stays in the log
 * (the file is cut back), and the error says so. A batch never spans
 * more than one day file: an append that starts a new day writes the
 * buffered records first.
 */
int guard_audit_begin(struct guard_audit *log);
int guard_audit_commit(struct guard_audit *log);

/*
 * A stream of events, one JSON object a line (guard-audit append): read
 * from in_fd to its end and appended in the order read, in batches (one
 * lock and one write each; one record a batch under audit.fsync always),
 * committed whenever the input pauses, so what was read is on disk before
 * the stream waits for more. Records are built on two threads, each with
 * its own redactor from policy. A bad line (not JSON, no event name, over
 * GUARD_EVENT_MAX_DEFAULT bytes, an audit.* name) goes by: error gets
 * "stdin:LINE: why" and the stream goes on; a write, sync or lock failure
 * stops it (error gets why). With tee every line read, good or bad, goes
 * to out once the batch it came in is committed.
 *
 * The arena callbacks (may be NULL) bracket each event's parse on the
 * thread that parses it, and arena_release runs as a builder thread ends:
 * a program that gives cJSON a per-thread arena passes its own.
 *
 * Returns 0, GUARD_EUSAGE when some line was bad, or the error that
 * stopped the stream (each already passed to error; the error state is
 * clear on return).
 */
struct guard_audit_stream {
	int in_fd;
	const char *event_name;  /* every record's event name (NULL: each event's own) */
	bool tee;
	void *arg;               /* for the callbacks */
	void (*out)(void *arg, const char *buf, size_t len);
	void (*error)(void *arg, const char *msg);
	void (*arena_begin)(void), (*arena_end)(void), (*arena_release)(void);
};
#define GUARD_AUDIT_STREAM_INIT { .in_fd = 0, .event_name = NULL, .tee = false, .arg = NULL, .out = NULL, .error = NULL }
int guard_audit_append_stream(struct guard_audit *log, const struct guard_policy *policy,
			      const struct guard_audit_stream *s);

/* Override audit.fsync for this handle (a command-line --fsync). */
void guard_audit_set_fsync(struct guard_audit *log, enum guard_audit_fsync mode);

/* Records appended and committed through this handle. */
unsigned long guard_audit_written(const struct guard_audit *log);

/* Whether a failure to write must deny the action (audit.fail_closed). */
bool guard_audit_fail_closed(const struct guard_audit *log);

/* Commit what is pending (errors are lost: commit first to see them), sync, free. */
void guard_audit_close(struct guard_audit *log);

/*
 * One record in one call: open, append, close. For a stage that writes
 * now and then (approval.required, session.start, ...).
 */
int guard_audit_record(const char *project_root, const struct guard_policy *policy,
		       const char *event_name, const cJSON *event);

/*
 * Automatic seals (audit.witness every_records / every_minutes / every,
 * trusted layers only). After an append, guard_audit_witness decides
 * from the seq just written and a small state file (the last seal's seq
 * and time, in the state folder) whether a seal is due, and if so
 * records the claim and starts `guard-audit seal` (beside the running
 * program) detached, never waiting for it. Costs one small read when not
 * due. Returns 0 or the error of a write of the state file; a seal that
 * could not be started is no error (the next append tries again).
 */
int guard_audit_witness(struct guard_audit *log);
/* A seal covered the log through seq (guard-audit seal): the state the next decision starts from. */
int guard_audit_witness_sealed(const char *root, const char *dir, unsigned long seq);
/* The state file's path (caller frees), for tests and doctor. */
int guard_audit_witness_path(const char *root, const char *dir, char **out);
/*
 * The last automatic seal's errors (its stderr, and how it ended when it
 * failed), at most 1 KiB, and when they were written; *text NULL when the
 * last one said nothing (or none ran). The file is emptied at each start.
 */
int guard_audit_witness_error(const char *root, const char *dir, char **text, time_t *when);
int guard_audit_witness_error_path(const char *root, const char *dir, char **out);

/*
 * What guard-audit last put on refs/guard/audit (attack7 H21): the
 * commit id a seal moved the ref to, kept in the state folder beside the
 * watermark, so a ref deleted (a fetch --prune of refs/<star>) or replaced
 * behind guard's back is told apart from one never made. *found false
 * when no seal wrote the ref here; oid gets 41 bytes. GUARD_EDENY when
 * the file is damaged. _write records oid (a seal, under its lock).
 */
int guard_audit_ref_expected(const char *root, const char *dir, char *oid, bool *found);
int guard_audit_ref_expected_write(const char *root, const char *dir, const char *oid);
int guard_audit_ref_expected_path(const char *root, const char *dir, bool create, char **out);

/* ---------------------------------------------------------------- reading */

/*
 * The day files of dir, sorted ("YYYY-MM-DD.jsonl" names only), limited
 * to from..to (inclusive "YYYY-MM-DD", either NULL). names are malloc'd;
 * release with guard_list_clear. GUARD_ENOTFOUND when dir is missing.
 */
int guard_audit_files(const char *dir, const char *from, const char *to, struct guard_list *names);

/* A line reader over one file: mmap'd, so reading a line copies nothing. */
struct guard_audit_file {
	char *path;
	const char *name;      /* the "YYYY-MM-DD.jsonl" part of path */
	const char *data;      /* the whole file */
	size_t size;
	size_t off;            /* where the next line starts */
	unsigned long lineno;  /* of the line last returned */
};
#define GUARD_AUDIT_FILE_INIT { .path = NULL, .name = NULL, .data = NULL, .size = 0, .off = 0, .lineno = 0 }

int guard_audit_file_open(struct guard_audit_file *f, const char *dir, const char *name);
/*
 * Next line: 1 with *line and *len set (without the newline; *complete
 * false when the file ended before one), 0 at the end.
 */
int guard_audit_file_next(struct guard_audit_file *f, const char **line, size_t *len, bool *complete);
void guard_audit_file_close(struct guard_audit_file *f);

/*
 * Check one line as a record: it ends in ,"hash":"<64 hex>"} and the
 * SHA-256 of the text before it (closed with "}") is that hash. hash_out
 * (65 bytes) receives it. GUARD_EDENY with a message saying what is wrong.
 */
int guard_audit_line_check(const char *line, size_t len, char hash_out[GUARD_AUDIT_HASH_LEN + 1]);

/* -------------------------------- verify and seal */

struct guard_audit_verify_opts {
	const char *from, *to;        /* "YYYY-MM-DD" or NULL */
	const char *checkpoint_path;  /* checkpoints to hold the log to, or NULL */
	const char *root;             /* the project, whose state folder keeps the synced-record
				       * watermark to hold the log to; NULL: none */
	const char *key;              /* a verification key (guard_audit_seal_key_init) to check every
				       * audit.seal tag with; NULL: tags are not checked */
	const char *checkpoint_text;  /* the checkpoints themselves (JSON Lines), named checkpoint_path
				       * in messages (a ref's), instead of reading that file; or NULL */
};

struct guard_audit_verify_result {
	unsigned long records;        /* records checked */
	unsigned long files;
	unsigned long first_seq, last_seq;
	unsigned long checkpoints;    /* checkpoints the log was held to */
	char last_hash[GUARD_AUDIT_HASH_LEN + 1];
	/* The audit.pruned record that accounts for the records before first_seq (0: none needed). */
	unsigned long pruned_seq;
	char pruned_hash[GUARD_AUDIT_HASH_LEN + 1];
	struct guard_list notes;      /* things worth saying that are no failure */
	/* With a key: the audit.seal tags checked, the epochs they span, the last sealed record. */
	unsigned long seal_tags, sealed_seq;
	unsigned long long first_epoch, last_epoch;
	long long epoch_start, epoch_len;
};
#define GUARD_AUDIT_VERIFY_RESULT_INIT { .records = 0, .notes = GUARD_LIST_INIT }

/*
 * Recompute the chain. 0 when every record checks out; GUARD_EDENY with
 * "FILE:LINE: seq N: what is wrong" for the first bad record: a hash,
 * prev or seq that does not follow, a member named twice, a record the
 * synced-record watermark or a checkpoint says was there and is not, a
 * start of the log no audit.pruned record accounts for, a torn last line
 * that is not a crash's (see torn_end). GUARD_EIO when a file cannot be
 * read; GUARD_EUSAGE for a malformed checkpoint file. Release the result
 * with guard_audit_verify_release.
 */
int guard_audit_verify(const char *dir, const struct guard_audit_verify_opts *o,
		       struct guard_audit_verify_result *res);
void guard_audit_verify_release(struct guard_audit_verify_result *res);

/*
 * Whether data, found committed as the day file name of the log in dir
 * (root's project), holds only records guard's writer wrote there
 * (attack11 L11): each line a record whose hash is right and is in the
 * ledger the writer keeps of that day's records in the state folder (the
 * agent writes neither), in the ledger's order. The day file itself is in
 * the work tree, where git can put a chain of records of its own.
 */
bool guard_audit_owns(const char *root, const char *dir, const char *name, const void *data, size_t len);

/*
 * Seal: for each day file whose end no checkpoint in <dir>/seals.jsonl
 * covers yet, make a checkpoint {v, type, file, records, first_seq,
 * last_seq, last_hash, ts, prev, hash} chained (prev) to the one before,
 * append it to seals.jsonl and add it to out (an array; the caller
 * prints it for a witness the agent cannot write to). Takes the lock.
 */
int guard_audit_seal(const char *dir, cJSON *out);

/*
 * Forward-secure sealing. Make the sealing key of the log in dir, in the
 * state folder of root, evolving every epoch_seconds from now; *vkey
 * (malloc'd) gets the verification key "guard-seal-v1:START:SECONDS:HEX",
 * which is kept nowhere else: the caller shows it to a person once.
 * From then on each writer, before its first record in a new epoch,
 * appends an "audit.seal" record whose data {epoch, sealed_seq, sealed_hash, tag} tags
 * the last record of the epoch before (tag: keyed BLAKE2b-256 of
 * "guard-seal-v1:EPOCH:SEQ:HASH" under that epoch's key), then moves the
 * key on to the current epoch, the old key overwritten. guard_audit_seal
 * tags the tail at once. GUARD_ECONFLICT when a key exists.
 */
#define GUARD_AUDIT_SEAL_EPOCH_DEFAULT 900
/* Tag the log's tail now (an audit.seal record) unless it is tagged; *tagged says whether one was written. */
int guard_audit_seal_now(struct guard_audit *log, bool *tagged);
int guard_audit_seal_key_init(const char *root, const char *dir, long long epoch_seconds, char **vkey);

/*
 * Prune: remove the day files older than before (and than today, whose
 * file takes the record) that are sealed as they stand, oldest first,
 * stopping at the first that is not (kept, with every later one, so what
 * stays is one chain). First the log must verify, held to seals.jsonl;
 * then an "audit.pruned" record by actor goes into the chain and is
 * synced before anything is removed. It names the files (each with its
 * records, first and last seq, last hash and the checkpoint that sealed
 * it), the counts, the range of seq, the prev of the first removed
 * record, the hash of the last, and the prune record that accounted for
 * earlier records (null when the log started at seq 1). verify holds the
 * start of the log to it: a file gone without one was deleted.
 *
 * log must not be in a batch. out (an object) receives the record's
 * data, its seq and hash, and "removed" (the files actually removed).
 * GUARD_EDENY when the log does not verify, or at the first file that is
 * not sealed (what came before it is pruned all the same); GUARD_EIO
 * when the record cannot be written (nothing is removed) or a file cannot
 * be removed (the record stands; verify accepts the files left).
 */
int guard_audit_prune(struct guard_audit *log, const char *before, const cJSON *actor, cJSON *out);

/*
 * Whether the file (name) is sealed as it stands: the last checkpoint for
 * it in seals.jsonl has its current record count and last hash.
 */
int guard_audit_sealed(const char *dir, const char *name, bool *sealed);

#endif
