/*
 * A tar's members read as tar reads them (attack12 M29, M30): the path is
 * the ustar prefix + "/" + name, a GNU long name ('L'/'K' members) or a
 * pax "path="/"linkpath=" record, never a substring of the bytes. A
 * symlink member is followed by the members after it, as GNU tar writes
 * through a link it has just made: "l -> .ai" then "l/policy.yaml" is
 * .ai/policy.yaml.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "guard_error.h"
#include "guard_risk_int.h"

#define TAR_BLOCK 512
#define TAR_LINKS 256     /* symlink members remembered */
#define TAR_MEMBERS 65536 /* members looked at */
#define TAR_FOLLOW 8      /* links followed one after another */

struct tar_member {
	char name[PATH_MAX];
	char link[PATH_MAX];
	char type;
};

/* A numeric field: octal text, or base-256 when its first byte has the high bit. */
static unsigned long long
tar_number(const unsigned char *f, size_t n)
{
	unsigned long long v = 0;

	if (f[0] & 0x80) {
		for (size_t i = 1; i < n && v < (1ull << 48); i++)
			v = v << 8 | f[i];
		return v;
	}
	for (size_t i = 0; i < n && (f[i] == ' ' || (f[i] >= '0' && f[i] <= '7')); i++)
		if (f[i] != ' ')
			v = v * 8 + (unsigned)(f[i] - '0');
	return v;
}

/* Is the block a header whose checksum holds (the sum of its bytes, the checksum field as blanks)? */
static bool
tar_header(const unsigned char *h)
{
	unsigned long sum = 0;

	for (size_t i = 0; i < TAR_BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return sum != 8 * ' ' && sum == tar_number(h + 148, 8);
}

/* The field's text (not NUL-terminated when full) into out. */
static void
tar_field(char *out, size_t size, const unsigned char *f, size_t n)
{
	size_t l = strnlen((const char *)f, n);
	snprintf(out, size, "%.*s", (int)l, (const char *)f);
}

/* pax records "LEN key=value\n": path= and linkpath= into the next member's names. */
static void
tar_pax(const char *d, size_t n, char *path, char *linkpath)
{
	for (size_t at = 0; at < n;) {
		char *end;
		unsigned long len = strtoul(d + at, &end, 10);
		if (!len || at + len > n || *end != ' ')
			return;
		const char *kv = end + 1, *stop = d + at + len - 1; /* the '\n' */
		if (!strncmp(kv, "path=", 5) && stop > kv + 5)
			snprintf(path, PATH_MAX, "%.*s", (int)(stop - kv - 5), kv + 5);
		else if (!strncmp(kv, "linkpath=", 9) && stop > kv + 9)
			snprintf(linkpath, PATH_MAX, "%.*s", (int)(stop - kv - 9), kv + 9);
		at += len;
	}
}

/* Each member of the tar in data, in order; stops at the end, a bad header or when fn says so. */
static void
tar_walk(const char *data, size_t len, bool (*fn)(const struct tar_member *m, void *ctx), void *ctx)
{
	char *longname = guard_xcalloc(2, PATH_MAX), *longlink = longname + PATH_MAX;
	struct tar_member *m = guard_xcalloc(1, sizeof(*m));
	size_t at = 0;

	for (unsigned count = 0; at + TAR_BLOCK <= len && count < TAR_MEMBERS; count++) {
		const unsigned char *h = (const unsigned char *)data + at;
		if (!tar_header(h))
			break;
		unsigned long long size = tar_number(h + 124, 12);
		size_t body = at + TAR_BLOCK, blocks = (size_t)((size + TAR_BLOCK - 1) / TAR_BLOCK);
		size_t have = body < len ? len - body : 0, n = size < have ? (size_t)size : have;
		char type = (char)h[156];
		if (type == 'L' || type == 'K') {
			snprintf(type == 'L' ? longname : longlink, PATH_MAX, "%.*s", (int)strnlen(data + body, n),
				 data + body);
		} else if (type == 'x') {
			tar_pax(data + body, n, longname, longlink);
		} else if (type != 'g') {
			char name[101], prefix[156];
			tar_field(name, sizeof(name), h, 100);
			/* POSIX ustar ("ustar\0"): the prefix field before the name */
			bool ustar = !memcmp(h + 257, "ustar", 6);
			tar_field(prefix, sizeof(prefix), h + 345, ustar ? 155 : 0);
			if (longname[0])
				snprintf(m->name, sizeof(m->name), "%s", longname);
			else
				snprintf(m->name, sizeof(m->name), "%s%s%s", prefix, prefix[0] ? "/" : "", name);
			if (longlink[0])
				snprintf(m->link, sizeof(m->link), "%s", longlink);
			else
				tar_field(m->link, sizeof(m->link), h + 157, 100);
			m->type = type;
			longname[0] = longlink[0] = '\0';
			if (!fn(m, ctx))
				break;
		}
		if (blocks > (len - body) / TAR_BLOCK)
			break;
		at = body + blocks * TAR_BLOCK;
	}
	free(m);
	free(longname);
}

/* What the walk judges: where the archive lands, the links met so far. */
struct tar_judge {
	struct risk_state *st;
	const char *verb, *dir, *archive;
	char (*links)[2][PATH_MAX]; /* name, target */
	size_t nlinks;
	int worst;
	char hit[PATH_MAX];
};

/* name with a leading link member's name replaced by where that link leads (its folder + target), or NULL. */
static char *
through_link(const struct tar_judge *j, const char *name)
{
	for (size_t i = j->nlinks; i-- > 0;) {
		const char *ln = j->links[i][0], *to = j->links[i][1];
		size_t l = strlen(ln);
		if (strncmp(name, ln, l) || name[l] != '/')
			continue;
		const char *base = risk_basename(ln);
		if (to[0] == '/')
			return guard_xasprintf("%s%s", to, name + l);
		return guard_xasprintf("%.*s%s%s", (int)(base - ln), ln, to, name + l);
	}
	return NULL;
}

/* Where a member lands: DIR/NAME, NAME with its leading links followed; the worst place kept (shown as shown). */
static void
member_place(struct tar_judge *j, const char *name, const char *shown)
{
	char *cur = guard_xstrdup(name), *next, *path;

	for (int k = 0; k < TAR_FOLLOW && (next = through_link(j, cur)) != NULL; k++) {
		free(cur);
		cur = next;
	}
	path = cur[0] == '/' ? guard_xstrdup(cur) : guard_xasprintf("%s/%s", j->dir, cur);
	int place = risk_guard_place(j->st, path);
	if (place && (!j->worst || place < j->worst)) {
		j->worst = place;
		snprintf(j->hit, sizeof(j->hit), "%s", shown);
	}
	free(path);
	free(cur);
}

static bool
judge_member(const struct tar_member *m, void *ctx)
{
	struct tar_judge *j = ctx;

	member_place(j, m->name, m->name);
	if ((m->type == '2' || m->type == '1') && m->link[0]) {
		/* a symlink's target is beside it; a hard link's names another member from the top */
		const char *base = risk_basename(m->name);
		char *target = m->type == '2' && m->link[0] != '/'
				       ? guard_xasprintf("%.*s%s", (int)(base - m->name), m->name, m->link)
				       : guard_xstrdup(m->link);
		char *shown = guard_xasprintf("%s (a link to %s)", m->name, m->link);
		member_place(j, target, shown);
		free(shown);
		free(target);
	}
	if (m->type == '2' && j->nlinks < TAR_LINKS) {
		snprintf(j->links[j->nlinks][0], PATH_MAX, "%s", m->name);
		snprintf(j->links[j->nlinks][1], PATH_MAX, "%s", m->link);
		j->nlinks++;
	}
	return j->worst != RISK_GUARD_STATE;
}

/*
 * The tar file (resolved, readable now) unpacked into dir: a member that
 * lands on guard's state, by its joined name or through a link member
 * before it, is critical; one in guard's folders, or a link leading
 * there, high.
 */
void
risk_tar_members(struct risk_state *st, const char *verb, const char *dir, const char *file, const char *archive)
{
	char *data = NULL;
	size_t len = 0;

	if (!file || risk_memo_read(file, 64u << 20, &data, &len) < 0) {
		guard_error_clear();
		return;
	}
	struct tar_judge j = { st, verb, dir, archive, guard_xcalloc(TAR_LINKS, sizeof(*j.links)), 0, 0, "" };
	tar_walk(data, len, judge_member, &j);
	if (j.worst == RISK_GUARD_STATE)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s unpacks guard's own state: %s's member %s "
			  "lands on it (its path as tar joins it, or through a link member)", verb, archive, j.hit);
	else if (j.worst == RISK_GUARD_FOLDER)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s writes into guard's folders: %s's member %s "
			  "lands there (its path as tar joins it, or through a link member)", verb, archive, j.hit);
	free(j.links);
	free(data);
}
