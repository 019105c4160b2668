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
guard_hex(char *out, const unsigned char *bin, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[2 * n] = '\0';
}

void
guard_sha256_hex(const void *data, size_t len, char out[GUARD_SHA256_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, data, len);
	guard_hex(out, digest, sizeof(digest));
}
