/*
 * guard-git never talks to a network, yet git_libgit2_init parses the
 * system's CA bundle through mbedTLS (~8 ms and 50 million instructions
 * on Debian 12's libgit2 1.5.1, REFERENCE.md), on every hook call. These
 * definitions in the program take the place of mbedTLS's for libgit2
 * (the dynamic linker looks in the executable first), so no certificate
 * is loaded. Linked only into programs that never open a TLS stream.
 */
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
