/* SHA-256 (libsodium); the canonical JSON it is taken over is in guard_json.h. */
#ifndef GUARD_HASH_H
#define GUARD_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guard_json.h"

#define GUARD_SHA256_HEX 65

/* Initialise libsodium once; GUARD_EIO if it cannot. */
int guard_crypto_init(void);

void guard_sha256_hex(const void *data, size_t len, char out[GUARD_SHA256_HEX]);

/*
 * n bytes as 2n lower-case hex digits and a NUL (what sodium_bin2hex
 * writes, without its constant-time arithmetic: digests are public).
 */
void guard_hex(char *out, const unsigned char *bin, size_t n);

/*
 * A slot's hash of n bytes for the in-memory tables (the stream's
 * memories), eight bytes a step: nothing an attacker could gain by a
 * collision but a miss, so no keyed hash is needed.
 */
static inline unsigned
guard_table_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = (seed ^ n) * 0x9e3779b97f4a7c15ull, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (w = 0; n > 0; n--)
		w = (w << 8) | s[n - 1];
	/*
	 * A full mix of the last step (MurmurHash3's finaliser): the slot is
	 * the low bits, and the bytes at the end of a short tail ("-n", "-b")
	 * land in high bits a multiply never carries down.
	 */
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (unsigned)h;
}

#endif
