/* SHA-256 (libsodium); the canonical JSON it is taken over is in guard_json.h. */
#ifndef GUARD_HASH_H
#define GUARD_HASH_H

#include <stddef.h>

#include "guard_json.h"

#define GUARD_SHA256_HEX 65

/* Initialise libsodium once; GUARD_EIO if it cannot. */
int guard_crypto_init(void);

void guard_sha256_hex(const void *data, size_t len, char out[GUARD_SHA256_HEX]);

#endif
