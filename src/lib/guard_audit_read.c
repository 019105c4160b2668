#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "guard_audit_int.h"
#include "guard_error.h"
#include "guard_hash.h"
#include "guard_list.h"

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
guard_audit_files(const char *dir, const char *from, const char *to, struct guard_list *names)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		if (errno == ENOENT)
			return guard_error(GUARD_ENOTFOUND, "no audit log in '%s'", dir);
		return guard_error(GUARD_EIO, "cannot read '%s': %s", dir, strerror(errno));
	}
	while ((e = readdir(d))) {
		if (!audit_is_day_file(e->d_name))
			continue;
		if ((from && strncmp(e->d_name, from, 10) < 0) || (to && strncmp(e->d_name, to, 10) > 0))
			continue;
		guard_list_add(names, e->d_name);
	}
	closedir(d);
	if (names->len)
		qsort(names->items, names->len, sizeof(*names->items), cmp_names);
	return 0;
}

int
guard_audit_file_open(struct guard_audit_file *f, const char *dir, const char *name)
{
	struct stat st;
	int fd;

	memset(f, 0, sizeof(*f));
	f->path = guard_xasprintf("%s/%s", dir, name);
	f->name = strrchr(f->path, '/') + 1;
	if ((fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		int rc;
		/* A link or anything but a file where a day file belongs: put there, not written by guard. */
		if (fd < 0 && errno == ELOOP)
			rc = guard_error(GUARD_EDENY, "'%s' is a symbolic link, not a day file the log wrote: tampering",
					 f->path);
		else if (fd >= 0 && !S_ISREG(st.st_mode))
			rc = guard_error(GUARD_EDENY, "'%s' is not a regular file, not a day file the log wrote: tampering",
					 f->path);
		else
			rc = guard_error(errno == ENOENT ? GUARD_ENOTFOUND : GUARD_EIO, "cannot open '%s': %s", f->path,
					 strerror(errno));
		if (fd >= 0)
			close(fd);
		free(f->path);
		f->path = NULL;
		return rc;
	}
	f->size = (size_t)st.st_size;
	if (f->size) {
		void *m = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			int rc = guard_error(GUARD_EIO, "cannot map '%s': %s", f->path, strerror(errno));
			close(fd);
			free(f->path);
			f->path = NULL;
			return rc;
		}
		madvise(m, f->size, MADV_SEQUENTIAL);
		f->data = m;
	}
	close(fd);
	return 0;
}

int
guard_audit_file_next(struct guard_audit_file *f, const char **line, size_t *len, bool *complete)
{
	if (f->off >= f->size)
		return 0;
	const char *start = f->data + f->off;
	const char *nl = memchr(start, '\n', f->size - f->off);
	*line = start;
	*complete = nl != NULL;
	*len = nl ? (size_t)(nl - start) : f->size - f->off;
	f->off += *len + (nl != NULL);
	f->lineno++;
	return 1;
}

void
guard_audit_file_close(struct guard_audit_file *f)
{
	if (f->data)
		munmap((void *)f->data, f->size);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

static bool
is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int
audit_line_verify(const char *line, size_t len, char hash_out[GUARD_AUDIT_HASH_LEN + 1])
{
	static const char key[] = ",\"hash\":\"";
	char got[GUARD_SHA256_HEX];
	size_t body;

	hash_out[0] = '\0';
	if (len < AUDIT_HASH_TAIL + 2 || line[0] != '{')
		return AUDIT_LINE_NOT_RECORD;
	body = len - AUDIT_HASH_TAIL;
	if (memcmp(line + body, key, sizeof(key) - 1) || memcmp(line + len - 2, "\"}", 2) ||
	    !is_hex(line + body + sizeof(key) - 1, GUARD_AUDIT_HASH_LEN))
		return AUDIT_LINE_NO_HASH;
	memcpy(hash_out, line + body + sizeof(key) - 1, GUARD_AUDIT_HASH_LEN);
	hash_out[GUARD_AUDIT_HASH_LEN] = '\0';
	/* The hashed text is the line up to the hash member, closed again. */
	crypto_hash_sha256_state st;
	unsigned char md[32];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)line, body);
	crypto_hash_sha256_update(&st, (const unsigned char *)"}", 1);
	crypto_hash_sha256_final(&st, md);
	guard_hex(got, md, sizeof(md));
	if (memcmp(got, hash_out, GUARD_AUDIT_HASH_LEN))
		return AUDIT_LINE_MISMATCH;
	return AUDIT_LINE_OK;
}

int
audit_line_error(int why)
{
	switch (why) {
	case AUDIT_LINE_OK:
		return 0;
	case AUDIT_LINE_NOT_RECORD:
		return guard_error(GUARD_EDENY, "not a record (too short or not a JSON object)");
	case AUDIT_LINE_NO_HASH:
		return guard_error(GUARD_EDENY, "the line does not end in its \"hash\" member");
	default:
		return guard_error(GUARD_EDENY, "hash mismatch: the record was changed after it was written");
	}
}

int
guard_audit_line_check(const char *line, size_t len, char hash_out[GUARD_AUDIT_HASH_LEN + 1])
{
	return audit_line_error(audit_line_verify(line, len, hash_out));
}
