#include <sodium.h>

#include "guard_error.h"
#include "guard_hash.h"

int
guard_crypto_init(void)
{
	if (sodium_init() < 0)
		return guard_error(GUARD_EIO, "cannot initialise libsodium");
	return 0;
}

void
guard_sha256_hex(const void *data, size_t len, char out[GUARD_SHA256_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, data, len);
	sodium_bin2hex(out, GUARD_SHA256_HEX, digest, sizeof(digest));
}
