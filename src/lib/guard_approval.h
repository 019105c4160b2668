/*
 * Approvals (DESIGN.md section 8): one JSON file per request in
 * <project>/.ai/approvals/<uuid>.json, bound to one exact action.
 *
 * A request is a cJSON object with the fields of the design: v, id,
 * project, session, trace_id, tool, summary, action_digest, risk,
 * requested_by, requested_at, expires_at, status, decisions[], decided_at,
 * consumed_at. Every read goes through guard_approval_status(), which
 * computes expiry, so an expired request is never seen as pending.
 */
#ifndef GUARD_APPROVAL_H
#define GUARD_APPROVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "guard_policy.h"
#include "guard_types.h"

#define GUARD_APPROVAL_ID_LEN 37 /* a uuid and its NUL */
#define GUARD_APPROVAL_LOCK_MS 5000

/* The approval settings in force (policy "approval:", then the seed's env). */
struct guard_approval_config {
	bool enabled;            /* APPROVAL_WORKFLOW_ENABLED */
	long long timeout;       /* seconds; APPROVAL_TIMEOUT */
	long long poll_ms;       /* APPROVAL_POLLING_INTERVAL (seconds) */
	long long hook_wait;     /* seconds */
	int min[4];              /* distinct approvers by risk level */
	const char *approver_role;
	bool require_signature;
	bool single_use;
	long long rejection_ttl;  /* seconds a rejection answers the same action; 0: not at all */
	bool agent_prompt;       /* attended: agent-prompt (an ask goes to Claude Code's own prompt) */
	const cJSON *redact;     /* the policy's redact list, for what a request stores */
	char overridden[96];     /* the env variables that changed the policy's word, or "" */
	bool unattended;         /* the profile in force: requests wait for the next briefing */
	long long unattended_max; /* seconds an unattended request lives at most (approval.unattended_max, 24h) */
};

/* Fill c from the policy and the environment (GUARD_EPOLICY on a bad env value). */
int guard_approval_config(const struct guard_policy *p, struct guard_approval_config *c);

/* ---- the store ---- */

struct guard_approval_store {
	char *root;   /* the project root */
	char *dir;    /* <root>/.ai/approvals */
	int lock_fd;  /* the store-wide lock, exclusive; -1 when not held */
	int action_fd; /* one action's lock; -1 when not held */
	const char *text; /* in a guard_approval_each callback: the file's bytes */
	bool unsynced; /* the last save is in place, but its folder could not be synced */
};

/* A store not open yet: closing it is a no-op, its locks are not held. */
#define GUARD_APPROVAL_STORE_INIT { .root = NULL, .dir = NULL, .lock_fd = -1, .action_fd = -1, .text = NULL, .unsynced = false }

/*
 * Open the store of a project. create makes .ai/approvals when missing.
 * A symlinked or non-directory approvals folder (or .ai) is refused.
 */
int guard_approval_store_open(struct guard_approval_store *s, const char *root, bool create);
void guard_approval_store_close(struct guard_approval_store *s);

/*
 * Locks. Every change of an action's requests happens under that action's
 * lock (the first three hex digits of its digest: 4,096 lock files), so different actions change
 * side by side and their fsyncs overlap. The store-wide lock is taken
 * shared while a file is renamed into place and the id list follows it
 * (writers of different actions never wait for each other), exclusive
 * while the id list or the digest index is written afresh. Take the
 * action's lock before the store's.
 */
int guard_approval_lock_action(struct guard_approval_store *s, const char *digest);
void guard_approval_unlock_action(struct guard_approval_store *s);
int guard_approval_lock(struct guard_approval_store *s);
void guard_approval_unlock(struct guard_approval_store *s);

/*
 * Resolve a full id or a unique prefix (hex digits and dashes only;
 * anything else, like "../x", is refused with GUARD_EUSAGE). An unknown id
 * is GUARD_ENOTFOUND; an ambiguous prefix GUARD_EUSAGE with the
 * candidates in the message.
 */
int guard_approval_resolve(struct guard_approval_store *s, const char *prefix, char id[GUARD_APPROVAL_ID_LEN]);

/*
 * Load and save one request. Save is atomic and durable; call it with the
 * request's action lock held (it takes the store lock for the rename).
 */
int guard_approval_load(struct guard_approval_store *s, const char *id, cJSON **out);
int guard_approval_save(struct guard_approval_store *s, const cJSON *req);

/*
 * Every request, each passed to fn (which may keep it by returning 1;
 * otherwise it is freed). A file that cannot be read or parsed is
 * reported through bad (when not NULL) and skipped.
 */
int guard_approval_each(struct guard_approval_store *s,
			int (*fn)(cJSON *req, void *arg), void *arg,
			void (*bad)(const char *file, const char *why, void *arg));

/* ---- requests and their state ---- */

/*
 * sha256 hex of the canonical {tool, input, cwd, project} of an event,
 * with {risk: {reasons, files}} when the event is rated: what the rating
 * found and the hashes of the files the command runs (risk "files").
 */
int guard_approval_digest(const cJSON *ev, char out[65]);

/*
 * 1 when req is a rejection still in force (approval.rejection_ttl from
 * the rejecting decision), with *reason "rejected by X at T: comment
 * (...)" (caller frees); 0 otherwise.
 */
int guard_approval_rejection(const cJSON *req, const struct guard_approval_config *c, char **reason);

/*
 * The pending request for the event's action (digest: its
 * guard_approval_digest, which the caller has for the action's lock), or
 * a new one (with that lock held). *created says which. GUARD_EDENY,
 * with guard_approval_rejection's reason, while the action's last
 * request is a rejection in force: asking again is refused.
 */
int guard_approval_request(struct guard_approval_store *s, const struct guard_approval_config *c,
			   const cJSON *ev, const char *digest, cJSON **out, bool *created);

/*
 * The state as of now: "expired" replaces "pending" (and "approved")
 * once expires_at has passed. *left receives the seconds until expiry
 * (0 when none).
 */
const char *guard_approval_status(const cJSON *req, long long *left);

/* A reviewer as the policy knows them (user and managed layers only). */
struct guard_reviewer {
	const char *user;
	const char *role;      /* the role recorded on the decision */
	const char *key;       /* "ed25519:..." from the policy, or NULL */
};

/*
 * Check that user may decide (approval.manage, and approver_role when set).
 * GUARD_EDENY with the missing permission or role named.
 */
int guard_approval_reviewer(const struct guard_policy *p, const struct guard_approval_config *c,
			    const char *user, struct guard_reviewer *out);

/* A verdict: "approve", "reject" or "cancel". */
struct guard_verdict {
	const char *verdict;
	const char *comment;   /* may be NULL */
	const unsigned char *secret_key; /* sign with it when not NULL */
};

/*
 * Record a decision on a loaded request (lock held; the caller saves).
 * GUARD_ECONFLICT when the request is no longer pending (message: who
 * decided and when) or the reviewer decided it before; GUARD_EDENY for a
 * self-approval. Approvals move the request to approved once min distinct
 * approvers agree; one rejection rejects it.
 */
int guard_approval_decide(cJSON *req, const struct guard_approval_config *c,
			  const struct guard_reviewer *who, const struct guard_verdict *v);

/* Record expiry on a request whose time has passed (lock held). 1 when changed. */
int guard_approval_mark_expired(cJSON *req);

/*
 * An unattended session's request (until_briefing) lives until the next
 * attended briefing has shown it, or approval.unattended_max: once shown,
 * it has after_briefing seconds (approval.timeout) left at most. Returns
 * 1 when req changed (the caller saves it under the store lock), else 0.
 */
int guard_approval_mark_shown(cJSON *req, time_t now);

/* Room for the reason guard_approval_consistent and _valid give. */
#define GUARD_APPROVAL_WHY_MAX 256

/*
 * Whether the request's status, decided_at and expires_at are what its
 * last decision recorded (and signed); why (the caller's) receives the
 * difference.
 */
bool guard_approval_consistent(const cJSON *req, char why[GUARD_APPROVAL_WHY_MAX]);

/*
 * Whether an approved request may allow its action now: every counted
 * approval is by a current principal with the right to decide, not the
 * requester, and correctly signed when the principal has a key (required
 * when require_signature) and not past its own expiry, min distinct
 * approvers agree for the higher of level (the action's rating now) and
 * the request's own, and the file agrees with its last decision. It does
 * not look for a consumption marker: the gate does (guard_approval_consumed).
 * why (the caller's) receives the reason when not.
 */
bool guard_approval_valid(const struct guard_policy *p, const struct guard_approval_config *c,
			  const cJSON *req, enum guard_level level, char why[GUARD_APPROVAL_WHY_MAX]);

/*
 * Record a change of a request in the project's audit log: name is
 * "approval.required" or "approval.status_changed"; by is who made the
 * change (NULL: the requester). A record that cannot be written is an
 * error unless the policy says audit.fail_closed: false.
 */
int guard_approval_audit(const struct guard_policy *p, const char *root, const cJSON *req, const char *name,
			 const char *by);

/*
 * Record a change of a request (as guard_approval_audit), then save it.
 * The record comes first: a decision the log cannot show is not made.
 * When the save then fails, a second record says the change did not take
 * effect and the request stays as it was, status `was`; the save's error
 * is returned.
 */
int guard_approval_audit_save(struct guard_approval_store *s, const struct guard_policy *p, const char *root,
			      const cJSON *req, const char *name, const char *by, const char *was);

/* ---- signatures (Ed25519, libsodium) ---- */

#define GUARD_KEY_SECRET_BYTES 64
#define GUARD_KEY_PUBLIC_BYTES 32

/* A new key pair; pub_line receives "ed25519:<base64>". */
int guard_key_generate(unsigned char sk[GUARD_KEY_SECRET_BYTES], char *pub_line, size_t size);

/* "ed25519:<base64>" of a secret key's public half. */
int guard_key_public_line(const unsigned char sk[GUARD_KEY_SECRET_BYTES], char *pub_line, size_t size);

/*
 * Key files (guard_key.c). guard_key_text makes a key file's text: sealed
 * under pass (Argon2id + secretbox, like signify) or, with pass NULL,
 * unsealed (CI and test keys; weaker: whoever reads it can sign). Caller
 * frees *out (and should wipe it). guard_key_text_open reads it back:
 * GUARD_EUSAGE when sealed and pass is NULL, GUARD_EDENY for a wrong
 * passphrase, GUARD_EPOLICY for a malformed file. guard_key_text_public
 * gives the public key line without the passphrase.
 */
int guard_key_text(const unsigned char sk[GUARD_KEY_SECRET_BYTES], const char *pass, size_t pass_len, char **out);
bool guard_key_text_sealed(const char *text);
int guard_key_text_open(const char *text, const char *pass, size_t pass_len, unsigned char sk[GUARD_KEY_SECRET_BYTES]);
int guard_key_text_public(const char *text, char *pub_line, size_t size);

/* The signature format guard writes: "sig_v" on a signed decision. */
#define GUARD_SIG_FORMAT 2

/* Whether a decision's signature is of the current format (older ones are refused). */
bool guard_approval_sig_current(const cJSON *decision);

/* The canonical text a decision's signature covers (caller frees). */
char *guard_approval_signed_text(const cJSON *req, const cJSON *decision);

/* Add sig_v, sig and key to a decision (its expires_at and result set first). */
int guard_approval_sign(const cJSON *req, cJSON *decision, const unsigned char sk[GUARD_KEY_SECRET_BYTES]);

/*
 * 0 when decision carries a valid current-format signature by key_line;
 * GUARD_EDENY otherwise (an old-format signature included).
 */
int guard_approval_check_sig(const cJSON *req, const cJSON *decision, const char *key_line);

/* ---- consumption (guard_approval_consume.c) ---- */

/*
 * A consumed approval leaves a create-once marker, <state>/consumed/<id>
 * (guard_state.h: in git's common directory), which no edit or restore
 * of the request file undoes. consumed returns 1 when id has a marker
 * (*at, when not NULL, receives its consumed_at, caller frees), 0 when
 * it has none, or a negative code when that cannot be told (the gate
 * then denies). One lstat when no marker exists.
 */
int guard_approval_consumed(const char *root, const char *id, char **at);

/*
 * Create id's marker (O_EXCL, fsync'd with its folder). GUARD_ECONFLICT
 * when one exists: the approval was used already.
 */
int guard_approval_consume_mark(const char *root, const cJSON *req, const char *at);

/* ---- the gate ---- */

/*
 * The gate stage, for an event carrying a decision. An ask (or an
 * unattended deny) whose exact action has a valid approval becomes allow,
 * consuming a single-use approval; otherwise a pending request is created
 * or reused and named in "approval" {id, status}. Other events pass.
 */
int guard_approval_gate(const struct guard_policy *p, const char *root, cJSON *ev);

/* Called on every look while waiting: the request, its state, seconds left. */
typedef void (*guard_approval_tick)(const cJSON *req, const char *state, long long left, void *arg);

/*
 * Wait for request id to leave pending, at most max_s seconds (0: until
 * it expires), looking every poll_ms (and at once on a change, through
 * inotify). *final receives the request as last read. Returns 0 when
 * approved (or consumed), GUARD_EDENY when rejected or cancelled,
 * GUARD_EEXPIRED when expired or out of time.
 */
int guard_approval_wait(struct guard_approval_store *s, const char *id, long long max_s, long long poll_ms,
			guard_approval_tick tick, void *arg, cJSON **final);

#endif
