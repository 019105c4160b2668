/*
 * Forward-secure sealing of the audit log (the idea of journald's FSS, on
 * libsodium's keyed BLAKE2b).
 *
 * seal-key init draws a random 32-byte key K0: the verification key, given
 * once to a person (with the epoch's start and length) and not kept. The
 * sealing key in the state folder starts as K0 and moves one-way each
 * epoch: K(e+1) = BLAKE2b-256(key K(e), "guard-seal-evolve"), written over
 * the old one in place. Whoever reads today's sealing key cannot compute
 * an earlier epoch's key, so cannot forge an earlier epoch's tags; the
 * holder of K0 can compute every key, so checks every tag.
 *
 * The key file: one line of fixed width, rewritten in place and synced:
 *   guard-audit-sealkey 1 <start> <len> <epoch> <tagged> <key hex>
 * (start, len, epoch, tagged: 20 digits each).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_hash.h"

#define KEY_TAG "guard-audit-sealkey 1 "
#define KEY_LINE_LEN (sizeof(KEY_TAG) - 1 + 4 * 21 + 64 + 1)
#define VKEY_PREFIX "guard-seal-v1:"

void
audit_fss_tag(const unsigned char key[32], unsigned long long epoch, unsigned long seq, const char *hash,
	      char out[GUARD_AUDIT_HASH_LEN + 1])
{
	char msg[128];
	unsigned char mac[32];
	int n = snprintf(msg, sizeof(msg), "guard-seal-v1:%llu:%lu:%.64s", epoch, seq, hash);

	crypto_generichash(mac, sizeof(mac), (const unsigned char *)msg, (size_t)n, key, 32);
	guard_hex(out, mac, sizeof(mac));
}

void
audit_fss_evolve(unsigned char key[32])
{
	static const char step[] = "guard-seal-evolve";
	unsigned char next[32];

	crypto_generichash(next, sizeof(next), (const unsigned char *)step, sizeof(step) - 1, key, 32);
	memcpy(key, next, 32);
	sodium_memzero(next, sizeof(next));
}

static bool
unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t got;

	return sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 && got == n;
}

static bool
field(const char *p, unsigned long long *out)
{
	*out = 0;
	for (int i = 0; i < 20; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*out = *out * 10 + (unsigned long long)(p[i] - '0');
	}
	return p[20] == ' ';
}

int
audit_fss_load(int fd, const char *path, struct audit_fss *k)
{
	char line[KEY_LINE_LEN + 1];
	unsigned long long v[4];
	const char *p = line + sizeof(KEY_TAG) - 1;

	if (pread(fd, line, KEY_LINE_LEN, 0) != (ssize_t)KEY_LINE_LEN || memcmp(line, KEY_TAG, sizeof(KEY_TAG) - 1) ||
	    line[KEY_LINE_LEN - 1] != '\n')
		return guard_error(GUARD_EIO, "the sealing key '%s' is damaged (run guard-audit seal-key init "
				   "after moving it aside)", path);
	for (int i = 0; i < 4; i++, p += 21)
		if (!field(p, &v[i]))
			return guard_error(GUARD_EIO, "the sealing key '%s' is damaged", path);
	if (!unhex(p, k->key, 32) || !v[1])
		return guard_error(GUARD_EIO, "the sealing key '%s' is damaged", path);
	sodium_memzero(line, sizeof(line));
	k->start = (long long)v[0];
	k->len = (long long)v[1];
	k->epoch = v[2];
	k->tagged = (unsigned long)v[3];
	k->loaded = true;
	return 0;
}

/* Write the key over the old one, in place, and sync: the old key is gone from the file. */
int
audit_fss_store(int fd, const char *path, const struct audit_fss *k)
{
	char line[KEY_LINE_LEN + 1], hex[65];
	int n;

	guard_hex(hex, k->key, 32);
	n = snprintf(line, sizeof(line), KEY_TAG "%020lld %020lld %020llu %020lu %s\n", k->start, k->len, k->epoch,
		     k->tagged, hex);
	sodium_memzero(hex, sizeof(hex));
	if (n != (int)KEY_LINE_LEN || pwrite(fd, line, KEY_LINE_LEN, 0) != (ssize_t)KEY_LINE_LEN || fdatasync(fd) < 0) {
		sodium_memzero(line, sizeof(line));
		return guard_error(GUARD_EIO, "cannot write the sealing key '%s': %s", path, strerror(errno));
	}
	sodium_memzero(line, sizeof(line));
	return 0;
}

unsigned long long
audit_fss_epoch_at(const struct audit_fss *k, long long now)
{
	return now <= k->start ? 0 : (unsigned long long)((now - k->start) / k->len);
}

int
guard_audit_seal_key_init(const char *root, const char *dir, long long epoch_seconds, char **vkey)
{
	struct audit_fss k = { 0 };
	char *path = NULL, hex[65];
	int fd, rc;

	*vkey = NULL;
	if (epoch_seconds < 1 || epoch_seconds > 366LL * 86400)
		return guard_error(GUARD_EUSAGE, "a seal epoch of %lld s: it must be 1 s to 366 days", epoch_seconds);
	if ((rc = audit_state_path(root, dir, AUDIT_FSS_EXT, true, &path)) < 0)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? guard_error(GUARD_ECONFLICT, "a sealing key exists already ('%s'); move it aside "
						   "by hand to start a new one (the old verification key then checks "
						   "the tags written before)", path)
				     : guard_error(GUARD_EIO, "cannot create the sealing key '%s': %s", path, strerror(errno));
		free(path);
		return rc;
	}
	randombytes_buf(k.key, sizeof(k.key));
	k.start = (long long)time(NULL);
	k.len = epoch_seconds;
	if ((rc = audit_fss_store(fd, path, &k)) < 0) {
		close(fd);
		unlink(path);
	} else {
		guard_hex(hex, k.key, 32);
		*vkey = guard_xasprintf(VKEY_PREFIX "%lld:%lld:%s", k.start, k.len, hex);
		sodium_memzero(hex, sizeof(hex));
		close(fd);
	}
	sodium_memzero(&k, sizeof(k));
	free(path);
	return rc;
}

int
audit_fss_parse_vkey(const char *text, struct audit_fss *k)
{
	char *end;
	const char *p = text;

	memset(k, 0, sizeof(*k));
	if (strncmp(p, VKEY_PREFIX, sizeof(VKEY_PREFIX) - 1))
		goto bad;
	p += sizeof(VKEY_PREFIX) - 1;
	errno = 0;
	k->start = strtoll(p, &end, 10);
	if (errno || end == p || *end != ':' || k->start < 0)
		goto bad;
	p = end + 1;
	k->len = strtoll(p, &end, 10);
	if (errno || end == p || *end != ':' || k->len < 1)
		goto bad;
	p = end + 1;
	if (strspn(p, "0123456789abcdef") != 64 || (p[64] && p[64] != '\n') || !unhex(p, k->key, 32))
		goto bad;
	k->loaded = true;
	return 0;
bad:
	return guard_error(GUARD_EUSAGE, "not a verification key: it reads " VKEY_PREFIX "START:SECONDS:64 hex "
			   "(as guard-audit seal-key init printed it)");
}
