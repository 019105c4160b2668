/* SHA-256 (libsodium) and canonical JSON. */
#ifndef GUARD_HASH_H
#define GUARD_HASH_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define GUARD_SHA256_HEX 65

/* Initialise libsodium once; GUARD_EIO if it cannot. */
int guard_crypto_init(void);

void guard_sha256_hex(const void *data, size_t len, char out[GUARD_SHA256_HEX]);

/*
 * Canonical JSON: keys sorted bytewise at every level, no insignificant
 * white space, numbers as cJSON prints them. Caller frees.
 */
char *guard_json_canonical(const cJSON *item);

#endif
