/*
 * Approver key files, sealed with a passphrase the way signify seals its
 * keys: the Ed25519 secret key is encrypted (crypto_secretbox) under a
 * key derived from the passphrase with Argon2id (crypto_pwhash), whose
 * salt and costs are stored beside it. The public key is stored in the
 * clear, so it can be reprinted without the passphrase; it is checked
 * against the secret on every unseal.
 *
 *   guard ed25519 secret key, sealed
 *   public: ed25519:<base64>
 *   kdf: argon2id13 <opslimit> <memlimit> <base64 salt>
 *   box: <base64 nonce> <base64 sealed secret key>
 *
 * An unsealed file (for CI and test keys, and every key of older guard) is
 * the secret in base64 after the line "guard ed25519 secret key".
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "guard_approval.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_hash.h"

#define B64 sodium_base64_VARIANT_ORIGINAL
#define PLAIN_HEADER "guard ed25519 secret key\n"
#define SEALED_HEADER "guard ed25519 secret key, sealed\n"
/* bounds on costs read from a file: an edited file must not exhaust the machine */
#define OPS_MAX 64ULL
#define MEM_MAX ((size_t)1 << 30)

static void
add_b64(struct guard_buf *b, const unsigned char *bin, size_t len)
{
	char out[sodium_base64_ENCODED_LEN(GUARD_KEY_SECRET_BYTES + crypto_secretbox_MACBYTES, B64)];

	sodium_bin2base64(out, sizeof(out), bin, len, B64);
	guard_buf_addstr(b, out);
}

/* Exactly len bytes of base64 text s (n chars). */
static bool
from_b64(unsigned char *bin, size_t len, const char *s, size_t n)
{
	size_t got = 0;
	return sodium_base642bin(bin, len, s, n, NULL, &got, NULL, B64) == 0 && got == len;
}

static int
derive(unsigned char key[crypto_secretbox_KEYBYTES], const char *pass, size_t pass_len,
       const unsigned char salt[crypto_pwhash_SALTBYTES], unsigned long long ops, size_t mem)
{
	if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, pass, pass_len, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13))
		return guard_error(GUARD_EIO, "not enough memory to derive the key from the passphrase (%zu bytes)", mem);
	return 0;
}

bool
guard_key_text_sealed(const char *text)
{
	return !strncmp(text, SEALED_HEADER, strlen(SEALED_HEADER));
}

int
guard_key_text(const unsigned char sk[GUARD_KEY_SECRET_BYTES], const char *pass, size_t pass_len, char **out)
{
	unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES], key[crypto_secretbox_KEYBYTES];
	unsigned char box[GUARD_KEY_SECRET_BYTES + crypto_secretbox_MACBYTES];
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	struct guard_buf b = GUARD_BUF_INIT;
	char pub[128];
	int rc;

	*out = NULL;
	if ((rc = guard_key_public_line(sk, pub, sizeof(pub))) < 0)
		return rc;
	if (!pass) {
		guard_buf_addstr(&b, PLAIN_HEADER);
		add_b64(&b, sk, GUARD_KEY_SECRET_BYTES);
		guard_buf_addstr(&b, "\n");
		*out = guard_buf_detach(&b);
		return 0;
	}
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	if ((rc = derive(key, pass, pass_len, salt, ops, mem)) < 0)
		return rc;
	crypto_secretbox_easy(box, sk, GUARD_KEY_SECRET_BYTES, nonce, key);
	sodium_memzero(key, sizeof(key));
	guard_buf_addf(&b, SEALED_HEADER "public: %s\nkdf: argon2id13 %llu %zu ", pub, ops, mem);
	add_b64(&b, salt, sizeof(salt));
	guard_buf_addstr(&b, "\nbox: ");
	add_b64(&b, nonce, sizeof(nonce));
	guard_buf_addstr(&b, " ");
	add_b64(&b, box, sizeof(box));
	guard_buf_addstr(&b, "\n");
	*out = guard_buf_detach(&b);
	return 0;
}

/* The value after "name: " on the line starting at *p; advances *p past it. NUL-terminates in place. */
static char *
field(char **p, const char *name)
{
	size_t n = strlen(name);
	char *line = *p, *end;

	if (strncmp(line, name, n) || line[n] != ':' || line[n + 1] != ' ')
		return NULL;
	end = line + strcspn(line, "\n");
	*p = *end ? end + 1 : end;
	*end = '\0';
	return line + n + 2;
}

struct sealed {
	char *pub;
	unsigned long long ops;
	size_t mem;
	unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
	unsigned char box[GUARD_KEY_SECRET_BYTES + crypto_secretbox_MACBYTES];
};

/* Parse a sealed file's fields from copy (modified in place). */
static bool
parse_sealed(char *copy, struct sealed *s)
{
	char *p = copy + strlen(SEALED_HEADER), *kdf, *box, salt[128], nonce[128], sealed[256];
	unsigned long long mem;

	if (!(s->pub = field(&p, "public")) || !(kdf = field(&p, "kdf")) || !(box = field(&p, "box")))
		return false;
	if (sscanf(kdf, "argon2id13 %llu %llu %127s", &s->ops, &mem, salt) != 3 ||
	    sscanf(box, "%127s %255s", nonce, sealed) != 2)
		return false;
	s->mem = (size_t)mem;
	return s->ops >= crypto_pwhash_OPSLIMIT_MIN && s->ops <= OPS_MAX && mem >= crypto_pwhash_MEMLIMIT_MIN &&
	       mem <= MEM_MAX && from_b64(s->salt, sizeof(s->salt), salt, strlen(salt)) &&
	       from_b64(s->nonce, sizeof(s->nonce), nonce, strlen(nonce)) &&
	       from_b64(s->box, sizeof(s->box), sealed, strlen(sealed));
}

int
guard_key_text_public(const char *text, char *pub_line, size_t size)
{
	unsigned char sk[GUARD_KEY_SECRET_BYTES];
	int rc;

	if (guard_key_text_sealed(text)) {
		char *copy = guard_xstrdup(text);
		struct sealed s;
		rc = parse_sealed(copy, &s) && (size_t)snprintf(pub_line, size, "%s", s.pub) < size ? 0
		   : guard_error(GUARD_EPOLICY, "not a guard secret key");
		free(copy);
		return rc;
	}
	if ((rc = guard_key_text_open(text, NULL, 0, sk)) == 0)
		rc = guard_key_public_line(sk, pub_line, size);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

int
guard_key_text_open(const char *text, const char *pass, size_t pass_len, unsigned char sk[GUARD_KEY_SECRET_BYTES])
{
	unsigned char key[crypto_secretbox_KEYBYTES];
	char *copy, pub[128];
	struct sealed s;
	int rc;

	if ((rc = guard_crypto_init()) < 0)
		return rc;
	if (!guard_key_text_sealed(text)) {
		const char *b64 = strncmp(text, PLAIN_HEADER, strlen(PLAIN_HEADER)) ? NULL : text + strlen(PLAIN_HEADER);
		if (!b64 || !from_b64(sk, GUARD_KEY_SECRET_BYTES, b64, strcspn(b64, "\r\n")))
			return guard_error(GUARD_EPOLICY, "not a guard secret key");
		return 0;
	}
	copy = guard_xstrdup(text);
	if (!parse_sealed(copy, &s)) {
		rc = guard_error(GUARD_EPOLICY, "not a guard secret key (a sealed key with a bad or out-of-bounds field)");
	} else if (!pass) {
		rc = guard_error(GUARD_EUSAGE, "the key is sealed with a passphrase, and none was given");
	} else if ((rc = derive(key, pass, pass_len, s.salt, s.ops, s.mem)) == 0) {
		if (crypto_secretbox_open_easy(sk, s.box, sizeof(s.box), s.nonce, key))
			rc = guard_error(GUARD_EDENY, "wrong passphrase");
		else if (guard_key_public_line(sk, pub, sizeof(pub)) < 0 || strcmp(pub, s.pub))
			rc = guard_error(GUARD_EPOLICY, "the key's public line does not match its secret (the file was edited)");
		sodium_memzero(key, sizeof(key));
	}
	if (rc < 0)
		sodium_memzero(sk, GUARD_KEY_SECRET_BYTES);
	free(copy);
	return rc;
}
