#include <string.h>

#include "guard_buf.h"
#include "guard_patch.h"

char
guard_patch_header(const char *line, size_t len, const char **path, size_t *plen)
{
	static const struct {
		const char *head;
		char kind;
	} heads[] = {
		{ "*** Add File:", 'A' },  { "*** Update File:", 'U' }, { "*** Move to:", 'M' },
		{ "*** Delete File:", 'D' }, { "*** End Patch", 'E' },   { "*** Begin Patch", 'E' },
	};

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		size_t h = strlen(heads[i].head);
		if (len < h || strncmp(line, heads[i].head, h))
			continue;
		const char *p = line + h;
		size_t n = len - h;
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		*path = p;
		*plen = n;
		return heads[i].kind;
	}
	return 0;
}

static int
flush(struct guard_buf *path, struct guard_buf *added, bool whole, guard_patch_fn fn, void *arg)
{
	int rc = 0;

	if (path->len)
		rc = fn(arg, path->buf, added->buf, added->len, whole);
	guard_buf_reset(path);
	guard_buf_reset(added);
	return rc;
}

int
guard_patch_added(const char *patch, guard_patch_fn fn, void *arg)
{
	struct guard_buf path = GUARD_BUF_INIT, added = GUARD_BUF_INIT;
	bool whole = false;
	int rc = 0;

	for (const char *line = patch; rc >= 0 && line && *line;) {
		const char *nl = strchr(line, '\n'), *p;
		size_t len = nl ? (size_t)(nl - line) : strlen(line), plen;
		char kind = guard_patch_header(line, len, &p, &plen);

		if (kind == 'M' && path.len) {
			guard_buf_reset(&path);
			guard_buf_add(&path, p, plen);
		} else if (kind) {
			rc = flush(&path, &added, whole, fn, arg);
			whole = kind == 'A';
			if ((kind == 'A' || kind == 'U') && plen)
				guard_buf_add(&path, p, plen);
		} else if (path.len && line[0] == '+') {
			guard_buf_add(&added, line + 1, len - 1);
			guard_buf_addch(&added, '\n');
		}
		line = nl ? nl + 1 : NULL;
	}
	if (rc >= 0)
		rc = flush(&path, &added, whole, fn, arg);
	guard_buf_release(&path);
	guard_buf_release(&added);
	return rc;
}
