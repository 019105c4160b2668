/* SHA-256 (libsodium); the canonical JSON it is taken over is in guard_json.h. */
#ifndef GUARD_HASH_H
#define GUARD_HASH_H

#include <stddef.h>

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

#endif
