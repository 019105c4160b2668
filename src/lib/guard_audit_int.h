/* Shared between the audit log's writer and readers; not public. */
#ifndef GUARD_AUDIT_INT_H
#define GUARD_AUDIT_INT_H

#include <sys/types.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "guard_audit.h"
#include "guard_redact.h"

/* ,"hash":"<64 hex>"} closing every line */
#define AUDIT_HASH_TAIL (sizeof(",\"hash\":\"") - 1 + GUARD_AUDIT_HASH_LEN + 2)
#define AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_SEALS "seals.jsonl"
#define AUDIT_LOCK ".lock"
/* The hex of a record's hash its writer's ledger keeps: 128 bits, beyond reach of a second preimage. */
#define AUDIT_LEDGER_HEX 32

/* Event names only the log itself writes (audit.torn, audit.pruned): append and log refuse them. */
#define AUDIT_OWN_PREFIX "audit."

/*
 * The record for event, without v, seq, ts, prev and hash (the writer
 * adds those under the lock), every string redacted. Caller owns *out.
 */
int audit_build(const struct guard_redactor *r, const char *event_name, const cJSON *event, cJSON **out);

/*
 * A prepared record: its canonical text with one marker byte (AUDIT_MARK_*,
 * control bytes that canonical JSON always escapes inside strings) where
 * the values of prev, seq and ts go, and the SHA-256 state after the text
 * before prev. The writer fills in the three values and hashes the rest.
 */
enum { AUDIT_MARK_PREV = 1, AUDIT_MARK_SEQ, AUDIT_MARK_TS, AUDIT_MARKS = 3 };
struct guard_audit_rec {
	struct guard_buf text;
	size_t mark[AUDIT_MARKS];
	crypto_hash_sha256_state head;
};

/* guard_audit_prepare for the log's own records (an AUDIT_OWN_PREFIX name). */
int audit_prepare_own(const struct guard_redactor *r, const char *event_name, const cJSON *event,
		      struct guard_audit_rec *out);

/*
 * guard_audit_line_check without the error state, safe from any thread:
 * one of AUDIT_LINE_*; audit_line_error turns it into the error.
 */
enum { AUDIT_LINE_OK, AUDIT_LINE_NOT_RECORD, AUDIT_LINE_NO_HASH, AUDIT_LINE_MISMATCH };
int audit_line_verify(const char *line, size_t len, char hash_out[GUARD_AUDIT_HASH_LEN + 1]);
int audit_line_error(int why);

/* What a day file holds, and the checkpoint in seals.jsonl that seals it as it stands. */
struct audit_head {
	char file[32];
	unsigned long records, first_seq, last_seq;
	char first_prev[GUARD_AUDIT_HASH_LEN + 1]; /* the prev of its first record */
	char last_hash[GUARD_AUDIT_HASH_LEN + 1];
	char sealed_by[GUARD_AUDIT_HASH_LEN + 1];  /* the checkpoint's hash; "" when not sealed as it stands */
};
int audit_file_head(const char *dir, const char *name, struct audit_head *h);

/* Under a batch's lock: write what is pending and sync it now, keeping the lock. */
int audit_flush(struct guard_audit *log);

/* The audit.fsync in effect for an open log (after guard_audit_set_fsync). */
enum guard_audit_fsync audit_fsync_mode(const struct guard_audit *log);

/* The directory of an open log, and the project it belongs to. */
const char *audit_dir(const struct guard_audit *log);
const char *audit_root(const struct guard_audit *log);
const struct guard_audit_config *audit_config(const struct guard_audit *log);

/* seq and hash of the last record this handle appended (or found at the tail). */
void audit_last(const struct guard_audit *log, unsigned long *seq, char hash[GUARD_AUDIT_HASH_LEN + 1]);

/* Add a record of the log's own (an AUDIT_OWN_PREFIX name) to the batch begun. */
int audit_append_own(struct guard_audit *log, const char *event_name, const cJSON *event);

/* The synced-record watermark (guard_audit_synced.c): the last record known to be on disk. */
struct audit_synced {
	char file[32];  /* its day file */
	unsigned long seq;
	off_t size;     /* where it ends in the file (after its newline) */
	char hash[GUARD_AUDIT_HASH_LEN + 1];
};
/* <state folder of root>/audit-<hash of dir>.<ext>: a file of the log in dir kept out of the agent's reach. */
int audit_state_path(const char *root, const char *dir, const char *ext, bool create, char **out);

/*
 * Forward-secure sealing (guard_audit_fss.c). The sealing key as a writer
 * holds it; under the log's lock, before each record,
 * audit_fss_step tags the tail with the key of its epoch when a later
 * epoch has begun (an audit.seal record) and evolves the key to now,
 * erasing the old one. A log without a sealing key costs one failed open
 * per handle and epoch.
 */
struct audit_fss {
	bool loaded, none;
	unsigned long long checked;   /* the epoch of now when the key was last brought up to date */
	long long start, len;         /* epoch 0 starts at start (unix s); each lasts len s */
	unsigned long long epoch;     /* the key's */
	unsigned long tagged;         /* the seq of the last audit.seal record written with it */
	unsigned char key[32];
};
#define AUDIT_FSS_EXT "sealkey"
#define AUDIT_SEAL_EVENT "audit.seal"
/* The tag of (epoch, seq, hash) under key: keyed BLAKE2b-256, hex in out (65 bytes). */
void audit_fss_tag(const unsigned char key[32], unsigned long long epoch, unsigned long seq, const char *hash,
		   char out[GUARD_AUDIT_HASH_LEN + 1]);
/* The next epoch's key: a one-way step. */
void audit_fss_evolve(unsigned char key[32]);
/* Read / write (in place, synced) the key file open on fd. */
int audit_fss_load(int fd, const char *path, struct audit_fss *k);
int audit_fss_store(int fd, const char *path, const struct audit_fss *k);
/* The epoch a unix time falls in. */
unsigned long long audit_fss_epoch_at(const struct audit_fss *k, long long now);
/* A verification key's text (guard-seal-v1:START:SECONDS:HEX) as epoch 0's key; GUARD_EUSAGE when it is none. */
int audit_fss_parse_vkey(const char *text, struct audit_fss *k);

/* Where the watermark of the log in dir lives, in root's state folder (made when create). */
int audit_synced_path(const char *root, const char *dir, bool create, char **out);
/* *found false when there is none; GUARD_EDENY when it is damaged. */
int audit_synced_read(const char *path, struct audit_synced *w, bool *found);
int audit_synced_write(const char *path, const struct audit_synced *w);
bool audit_synced_intact(const char *dir, const struct audit_synced *w, int fd);

/* True when name is "YYYY-MM-DD.jsonl". */
bool audit_is_day_file(const char *name);

/*
 * The witness ref (guard_audit_ref.c): the lines of <dir>/seals.jsonl
 * after the checkpoint whose hash is after ("": all of them), checked as
 * verify --checkpoint checks them, appended to out; span says what they
 * cover. GUARD_EDENY when after is not in seals.jsonl.
 */
struct audit_seals_span {
	size_t n;                                 /* checkpoints */
	unsigned long first_seq, last_seq;
	char first_file[32], last_file[32];
	char last_hash[GUARD_AUDIT_HASH_LEN + 1]; /* of the last record covered */
	char hash[GUARD_AUDIT_HASH_LEN + 1];      /* of the last checkpoint */
};
int audit_seals_after(const char *dir, const char *after, struct guard_buf *out, struct audit_seals_span *span);

/* seq and prev of a record line, read as verify reads them (0 and "" when it has none). */
void audit_seq_prev_of(const char *line, size_t len, unsigned long *seq, char prev[GUARD_AUDIT_HASH_LEN + 1]);

/* Lock the log directory (timeout from $GUARD_AUDIT_LOCK_TIMEOUT_MS or the default). */
int audit_lock(const char *dir, int timeout_ms, int *fd);

#endif
