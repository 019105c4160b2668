/*
 * guard-git never talks to a network, yet git_libgit2_init parses the
 * system's CA bundle through mbedTLS (~8 ms and 50 million instructions
 * on Debian 12's libgit2 1.5.1, REFERENCE.md), seeds mbedTLS's random
 * generator from a HAVEGE entropy source (1.1 million instructions) and
 * starts libssh2, which starts OpenSSL (1.0 million), on every hook call
 * and every check. These definitions in the program take the place of
 * mbedTLS's and libssh2's for libgit2 (the dynamic linker looks in the
 * executable first), so none of that runs. Linked only into programs
 * that never open a TLS stream or an SSH transport: with no entropy
 * source and an unseeded generator, a TLS handshake would fail.
 */
#include <string.h>

#include <libssh2.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);

int
mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int
mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

/* An entropy pool with no source (mbedtls_entropy_free accepts it): HAVEGE is not started. */
void
mbedtls_entropy_init(mbedtls_entropy_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

/* Not seeded: the generator is left as mbedtls_ctr_drbg_init made it (no entropy callback, nothing to free). */
int
mbedtls_ctr_drbg_seed(mbedtls_ctr_drbg_context *ctx, int (*f_entropy)(void *, unsigned char *, size_t),
		      void *p_entropy, const unsigned char *custom, size_t len)
{
	(void)ctx;
	(void)f_entropy;
	(void)p_entropy;
	(void)custom;
	(void)len;
	return 0;
}

/* libssh2 (and OpenSSL behind it) not started; libssh2_exit then does nothing either. */
int
libssh2_init(int flags)
{
	(void)flags;
	return 0;
}
