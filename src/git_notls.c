/*
 * guard-git never talks to a network, yet git_libgit2_init parses the
 * system's CA bundle through mbedTLS (~8 ms and 50 million instructions
 * on Debian 12's libgit2 1.5.1, REFERENCE.md), seeds mbedTLS's random
 * generator from a HAVEGE entropy source (1.1 million instructions) and
 * starts libssh2, which starts OpenSSL (1.0 million), on every hook call
 * and every check. These definitions in the program take the place of
 * mbedTLS's and libssh2's for libgit2, so none of that runs. Linked only
 * into programs that never open a TLS stream or an SSH transport: with no
 * entropy source and an unseeded generator, a TLS handshake would fail.
 *
 * Each is defined under two names. With the libraries shared (the
 * default), the plain name: the dynamic linker looks in the executable
 * first. With libgit2 linked in (make STATIC_GIT=1), libgit2's calls are
 * sent to the __wrap_ name by the linker's --wrap, and the plain name is
 * weak so that mbedTLS's own definition in its archive is no duplicate.
 */
#include <string.h>

#include <libssh2.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);

/* name, weakly, and __wrap_name, both for notls_name */
#define NOTLS(name)                                                                  \
	extern __typeof(notls_##name) name __attribute__((weak, alias("notls_" #name))); \
	extern __typeof(notls_##name) __wrap_##name __attribute__((alias("notls_" #name)))

/* No certificates: libgit2 only keeps the (empty) chain for streams it never opens here. */
static int
notls_mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
NOTLS(mbedtls_x509_crt_parse_file);

static int
notls_mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
NOTLS(mbedtls_x509_crt_parse_path);

/* An entropy pool with no source (mbedtls_entropy_free accepts it): HAVEGE is not started. */
static void
notls_mbedtls_entropy_init(mbedtls_entropy_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}
NOTLS(mbedtls_entropy_init);

/* Not seeded: the generator is left as mbedtls_ctr_drbg_init made it (no entropy callback, nothing to free). */
static int
notls_mbedtls_ctr_drbg_seed(mbedtls_ctr_drbg_context *ctx, int (*f_entropy)(void *, unsigned char *, size_t),
			    void *p_entropy, const unsigned char *custom, size_t len)
{
	(void)ctx;
	(void)f_entropy;
	(void)p_entropy;
	(void)custom;
	(void)len;
	return 0;
}
NOTLS(mbedtls_ctr_drbg_seed);

/* libssh2 (and OpenSSL behind it) not started; libssh2_exit then does nothing either. */
static int
notls_libssh2_init(int flags)
{
	(void)flags;
	return 0;
}
NOTLS(libssh2_init);
