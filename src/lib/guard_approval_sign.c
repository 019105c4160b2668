/*
 * Signed decisions: Ed25519 (libsodium) over the canonical decision
 * record, so a decision cannot be moved to another request or action,
 * nor its verdict, its expiry or the state it left the request in
 * changed, without the approver's secret key.
 *
 * Format 2 (decisions carrying "sig_v": 2) signs the request id, action
 * digest, project, reviewer, role, verdict, comment, at, the expiry the
 * decision set and the state it left the request in (with decided_at).
 * Format 1 (older guard) signed only the first eight: a file edited to
 * revive or extend such an approval still verified, so a format-1
 * signature is refused, never trusted (share/doc/decisions.md).
 */
#include <string.h>

#include <sodium.h>

#include "guard_approval.h"
#include "guard_approval_int.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_hash.h"
#include "guard_json.h"

#define KEY_PREFIX "ed25519:"
#define B64 sodium_base64_VARIANT_ORIGINAL

static int
public_line(const unsigned char pk[GUARD_KEY_PUBLIC_BYTES], char *line, size_t size)
{
	char b64[sodium_base64_ENCODED_LEN(GUARD_KEY_PUBLIC_BYTES, B64)];

	sodium_bin2base64(b64, sizeof(b64), pk, GUARD_KEY_PUBLIC_BYTES, B64);
	if ((size_t)snprintf(line, size, KEY_PREFIX "%s", b64) >= size)
		return guard_error(GUARD_EUSAGE, "no room for a public key");
	return 0;
}

int
guard_key_generate(unsigned char sk[GUARD_KEY_SECRET_BYTES], char *pub_line, size_t size)
{
	unsigned char pk[GUARD_KEY_PUBLIC_BYTES];
	int rc;

	if ((rc = guard_crypto_init()) < 0)
		return rc;
	crypto_sign_keypair(pk, sk);
	return public_line(pk, pub_line, size);
}

int
guard_key_public_line(const unsigned char sk[GUARD_KEY_SECRET_BYTES], char *pub_line, size_t size)
{
	unsigned char pk[GUARD_KEY_PUBLIC_BYTES];
	int rc;

	if ((rc = guard_crypto_init()) < 0)
		return rc;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	return public_line(pk, pub_line, size);
}

/* The public key of an "ed25519:<base64>" line. */
static int
parse_key(const char *line, unsigned char pk[GUARD_KEY_PUBLIC_BYTES])
{
	size_t len = 0;

	if (strncmp(line, KEY_PREFIX, strlen(KEY_PREFIX)) ||
	    sodium_base642bin(pk, GUARD_KEY_PUBLIC_BYTES, line + strlen(KEY_PREFIX), strlen(line + strlen(KEY_PREFIX)),
			      NULL, &len, NULL, B64) < 0 || len != GUARD_KEY_PUBLIC_BYTES)
		return guard_error(GUARD_EPOLICY, "'%.80s' is not an Ed25519 public key (ed25519:<base64 of 32 bytes>)", line);
	return 0;
}

bool
guard_approval_sig_current(const cJSON *decision)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(decision, "sig_v");
	return cJSON_IsNumber(v) && v->valuedouble == GUARD_SIG_FORMAT;
}

char *
guard_approval_signed_text(const cJSON *req, const cJSON *decision)
{
	static const char *const v1[] = { "by", "role", "verdict", "comment", "at", NULL };
	static const char *const v2[] = { "by", "role", "verdict", "comment", "at", "expires_at", "result", NULL };
	bool current = guard_approval_sig_current(decision);
	const char *const *fields = current ? v2 : v1;
	cJSON *rec = cJSON_CreateObject();
	char *text;

	if (current) {
		const char *result = gap_str(decision, "result");
		cJSON_AddStringToObject(rec, "format", "guard-decision/2");
		/* a decision that moved the request out of pending decided it at its own time */
		if (*result && strcmp(result, "pending"))
			cJSON_AddStringToObject(rec, "decided_at", gap_str(decision, "at"));
		else
			cJSON_AddNullToObject(rec, "decided_at");
	}
	cJSON_AddStringToObject(rec, "request", gap_str(req, "id"));
	cJSON_AddStringToObject(rec, "action_digest", gap_str(req, "action_digest"));
	cJSON_AddStringToObject(rec, "project", gap_str(req, "project"));
	for (size_t i = 0; fields[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(decision, fields[i]);
		cJSON_AddItemToObject(rec, fields[i], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	}
	text = guard_json_canonical(rec);
	cJSON_Delete(rec);
	return text;
}

int
guard_approval_sign(const cJSON *req, cJSON *decision, const unsigned char sk[GUARD_KEY_SECRET_BYTES])
{
	unsigned char sig[crypto_sign_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, B64)], key[128];
	char *text;
	int rc;

	if ((rc = guard_key_public_line(sk, key, sizeof(key))) < 0)
		return rc;
	guard_json_set(decision, "sig_v", cJSON_CreateNumber(GUARD_SIG_FORMAT));
	text = guard_approval_signed_text(req, decision);
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), sk);
	free(text);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), B64);
	cJSON_AddStringToObject(decision, "sig", b64);
	cJSON_AddStringToObject(decision, "key", key);
	return 0;
}

int
guard_approval_check_sig(const cJSON *req, const cJSON *decision, const char *key_line)
{
	unsigned char pk[GUARD_KEY_PUBLIC_BYTES], sig[crypto_sign_BYTES];
	const char *b64 = gap_str(decision, "sig");
	size_t len = 0;
	char *text;
	int rc, bad;

	if ((rc = guard_crypto_init()) < 0 || (rc = parse_key(key_line, pk)) < 0)
		return rc;
	if (!*b64)
		return guard_error(GUARD_EDENY, "the decision by %s is not signed", gap_str(decision, "by"));
	if (sodium_base642bin(sig, sizeof(sig), b64, strlen(b64), NULL, &len, NULL, B64) < 0 || len != sizeof(sig))
		return guard_error(GUARD_EDENY, "the decision by %s carries a malformed signature", gap_str(decision, "by"));
	if (!guard_approval_sig_current(decision))
		return guard_error(GUARD_EDENY, "the decision by %s carries an old-format signature, which does not cover its "
				   "expiry or the request's state, so it no longer counts (ask for a new decision)",
				   gap_str(decision, "by"));
	text = guard_approval_signed_text(req, decision);
	bad = crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), pk);
	free(text);
	if (bad)
		return guard_error(GUARD_EDENY, "the signature on the decision by %s does not verify against its policy key",
				   gap_str(decision, "by"));
	return 0;
}
