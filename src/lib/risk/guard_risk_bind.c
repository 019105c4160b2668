/*
 * The files a rating depends on: a script a shell or an interpreter runs,
 * a Makefile, package.json, a patch or an archive the analyzer read. Each
 * is kept in the result's "files" list with the SHA-256 of its bytes as
 * read at rating time, so an approval (whose action digest takes the
 * list) binds what runs, not only the command's text: a script rewritten
 * after its approval makes a new action (A5). A file that is not there is
 * bound as absent; one guard cannot read (permissions, not a regular
 * file) as unreadable, which no approval can match. A program over
 * BIND_HASH_MAX (a built binary run by path) is bound by its identity
 * instead of a hash, so the hook does not read megabytes on every call:
 * device, inode, size, mtime and ctime, which any write or replacement
 * changes and no one but root can set back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "guard_hash.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define BIND_HASH_MAX (4ull << 20) /* bytes of a program hashed; a larger one is bound by identity */

static void
add(const struct risk_state *st, const char *what, const char *abs)
{
	char *entry;

	if (!st->files || st->remote)
		return;
	entry = guard_xasprintf("%s %s", what, abs);
	guard_list_add_unique(st->files, entry);
	free(entry);
}

void
risk_bind_bytes(const struct risk_state *st, const char *abs, const char *data, size_t len)
{
	char hex[GUARD_SHA256_HEX], what[GUARD_SHA256_HEX + 8];

	if (risk_is_sensitive(st, abs, abs)) {
		add(st, "secret", abs); /* no digest of a secret's bytes in what the agent can read */
		return;
	}
	guard_sha256_hex(data, len, hex);
	snprintf(what, sizeof(what), "sha256:%s", hex);
	add(st, what, abs);
}

/*
 * Content the tool fetches from elsewhere when it runs (a URL, a chart
 * repository, a remote kustomize base) or reads from a stream guard
 * cannot see (what: "stdin of kubectl -f -"): there are no bytes to bind,
 * so no approval can hold for it (J16), as for an unreadable file.
 */
void
risk_bind_remote(const struct risk_state *st, const char *what)
{
	add(st, "remote", what);
}

/* abs could not be read by the analyzer (absent, or over its bound): hashed here when it is there. */
void
risk_bind_failed(const struct risk_state *st, const char *abs)
{
	risk_bind_file(st, abs);
}

void
risk_bind_file(const struct risk_state *st, const char *abs)
{
	crypto_hash_sha256_state h;
	unsigned char md[crypto_hash_sha256_BYTES], buf[65536];
	char hex[GUARD_SHA256_HEX], what[GUARD_SHA256_HEX + 8];
	unsigned long long total = 0;
	struct stat sb;
	ssize_t n;
	int fd;

	if (!st->files || st->remote)
		return;
	if (risk_is_sensitive(st, abs, abs)) {
		add(st, "secret", abs);
		return;
	}
	/* a stream: what its memory saw missing this second is absent without another open (as open would say) */
	if (risk_memo_absent(abs)) {
		add(st, "absent", abs);
		return;
	}
	/* O_NONBLOCK: a FIFO named as a script must not hang the hook */
	if ((fd = open(abs, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		add(st, errno == ENOENT || errno == ENOTDIR ? "absent" : "unreadable", abs);
		return;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		add(st, "unreadable", abs);
		return;
	}
	if ((unsigned long long)sb.st_size > BIND_HASH_MAX) {
		char id[160];
		close(fd);
		snprintf(id, sizeof(id), "stat:%llx:%llu:%lld:%lld.%09ld:%lld.%09ld", (unsigned long long)sb.st_dev,
			 (unsigned long long)sb.st_ino, (long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
			 sb.st_mtim.tv_nsec, (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec);
		add(st, id, abs);
		return;
	}
	crypto_hash_sha256_init(&h);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (total += (unsigned long long)n) > BIND_HASH_MAX) {
			close(fd);
			add(st, "unreadable", abs);
			return;
		}
		crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
	}
	close(fd);
	crypto_hash_sha256_final(&h, md);
	guard_hex(hex, md, sizeof(md));
	snprintf(what, sizeof(what), "sha256:%s", hex);
	add(st, what, abs);
}

#define BIND_TREE_FILES 512 /* files bound below one folder named to a deploy tool */
#define BIND_TREE_DEPTH 8

static void
bind_tree(const struct risk_state *st, const char *abs, unsigned depth, size_t *count, bool *over)
{
	struct stat sb;

	if (*over)
		return;
	if (lstat(abs, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		if (++*count > BIND_TREE_FILES)
			*over = true;
		else
			risk_bind_file(st, abs);
		return;
	}
	void *d = depth < BIND_TREE_DEPTH ? risk_memo_opendir(abs) : NULL;
	if (!d) {
		*over = true;
		return;
	}
	for (struct dirent *e; !*over && (e = risk_memo_readdir(d)) != NULL;) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git"))
			continue;
		char *p = guard_xasprintf("%s/%s", abs, e->d_name);
		bind_tree(st, p, depth + 1, count, over);
		free(p);
	}
	risk_memo_closedir(d);
}

/*
 * A manifest, chart, values file or folder a deploy tool reads (kubectl -f
 * FILE|DIR, -k DIR, helm's chart folder and -f values, docker compose -f,
 * terraform's *.tf): bound like a script (attack8 I18: a manifest
 * rewritten after its approval ran as approved). A folder binds every file
 * below it (.git aside); one too big or too deep to walk is bound as
 * unreadable, which no approval matches; a URL as remote, which none matches
 * either (J16). A value the shell computes is not bound (the command's text is).
 */
void
risk_bind_path(const struct risk_state *st, const struct guard_shell_word *w)
{
	if (!st->files || st->remote || !strcmp(w->text, "-"))
		return;
	if (strstr(w->text, "://")) {
		risk_bind_remote(st, w->text); /* kubectl -f https://..., helm -f URL: the server's bytes (J16) */
		return;
	}
	if (w->flags & GUARD_WORD_DYNAMIC) {
		/* ${F:-k/d.yaml}, $F: a name the shell makes when it runs; nothing to bind now (attack11 L12) */
		char *what = guard_xasprintf("a file named at run time: %s", w->text);
		risk_bind_remote(st, what);
		free(what);
		return;
	}
	if (w->flags & GUARD_WORD_GLOB) {
		/* what bash hands the tool: every match now, each bound; a new match makes another list (L12) */
		struct guard_list m = GUARD_LIST_INIT;
		bool whole = risk_glob_word(st, st->cwds[0], w->text, w->flags & GUARD_WORD_TILDE, &m);
		if (!whole) {
			risk_bind_remote(st, w->text);
		} else if (m.len) {
			for (size_t i = 0; i < m.len; i++)
				risk_bind_tree(st, m.items[i]);
			guard_list_clear(&m);
			return;
		}
		guard_list_clear(&m);
	}
	char *abs = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	risk_bind_tree(st, abs);
	free(abs);
}

/* kubectl's -f and helm's -f/--values are string slices: A,B names two files (attack11 L12). */
void
risk_bind_path_list(const struct risk_state *st, const struct guard_shell_word *w)
{
	const char *comma = strchr(w->text, ',');

	if (!comma || strstr(w->text, "://") || (w->flags & GUARD_WORD_DYNAMIC)) {
		risk_bind_path(st, w);
		return;
	}
	for (const char *p = w->text, *end; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		char *part = guard_xstrndup(p, (size_t)(end - p));
		struct guard_shell_word one = { part, NULL, w->flags };
		if (*part)
			risk_bind_path(st, &one);
		free(part);
	}
}

void
risk_bind_tree(const struct risk_state *st, const char *abs)
{
	size_t count = 0;
	bool over = false;

	if (!st->files || st->remote)
		return;
	bind_tree(st, abs, 0, &count, &over);
	if (over)
		add(st, "unreadable", abs);
}

static void
bind_opts_with(const struct risk_state *st, const struct risk_cmd *c, const char *shortopt, const char *longopt,
	       void (*bind)(const struct risk_state *, const struct guard_shell_word *))
{
	size_t sl = shortopt ? strlen(shortopt) : 0, ll = longopt ? strlen(longopt) : 0;

	for (size_t i = 1; i < c->argc && strcmp(c->argv[i].text, "--"); i++) {
		const char *a = c->argv[i].text;
		struct guard_shell_word w = { NULL, NULL, c->argv[i].flags & ~GUARD_WORD_TILDE };
		if ((shortopt && !strcmp(a, shortopt)) || (longopt && !strcmp(a, longopt))) {
			if (i + 1 < c->argc)
				bind(st, &c->argv[++i]);
			continue;
		}
		if (longopt && !strncmp(a, longopt, ll) && a[ll] == '=')
			w.text = (char *)a + ll + 1;
		else if (shortopt && sl == 2 && !strncmp(a, shortopt, 2) && a[2])
			w.text = (char *)a + 2 + (a[2] == '=');
		if (w.text)
			bind(st, &w);
	}
}

void
risk_bind_opts(const struct risk_state *st, const struct risk_cmd *c, const char *shortopt, const char *longopt)
{
	bind_opts_with(st, c, shortopt, longopt, risk_bind_path);
}

void
risk_bind_list_opts(const struct risk_state *st, const struct risk_cmd *c, const char *shortopt, const char *longopt)
{
	bind_opts_with(st, c, shortopt, longopt, risk_bind_path_list);
}

void
risk_bind_kustomize_opts(const struct risk_state *st, const struct risk_cmd *c, const char *shortopt,
			 const char *longopt)
{
	bind_opts_with(st, c, shortopt, longopt, risk_bind_kustomization);
}
