/*
 * Programs kept in files a command runs without spelling them out: a
 * script run by its path (./run.sh), a Makefile's recipes (make, make -C
 * DIR, make -f FILE: read as make reads them in guard_risk_make.c) and
 * package.json's scripts (npm test, npm run X, yarn X, pnpm X). A shell
 * script run by path is analysed whole, as `sh FILE` is. In package.json
 * and other scripts only the lines that name guard's programs or state
 * are analysed, so an everyday build is rated as before while `npm test`
 * cannot carry guard-git install --uninstall past the analyzer.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define FILE_PROGRAM_MAX (256u << 10) /* bytes of a Makefile, package.json or script read */

/* Does a line name guard's programs or state? (cheap: a few memmem) */
static bool
names_guard(const char *s, size_t n)
{
	static const char *const words[] = { "guard", ".ai/", ".ai ", ".git/", "PENDING_PLANS", ".claude", NULL };
	for (size_t i = 0; words[i]; i++)
		if (memmem(s, n, words[i], strlen(words[i])))
			return true;
	return n >= 3 && !memcmp(s + n - 3, ".ai", 3);
}

/* Analyse the lines of text that name guard (recipe prefixes @ - + and tabs dropped). */
static void
guard_lines(struct risk_state *st, const char *what, const char *text, size_t len)
{
	const char *outer = st->from_file;

	st->from_file = what;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (names_guard(p, n)) {
			const char *s = p;
			while (s < p + n && strchr("\t @-+", *s))
				s++;
			risk_explain(st, "    %s holds: %.*s", what, (int)(p + n - s), s);
			risk_nested(st, what, s, (size_t)(p + n - s));
		}
		p += n + 1;
	}
	st->from_file = outer;
}

/*
 * Would a shell refuse the file as a binary? A program the kernel loads
 * (ELF), or a NUL in its first line (bash's own test, on its first 80
 * bytes). A NUL further on does not stop a shell: the text before it runs.
 */
static bool
looks_binary(const char *data, size_t len)
{
	if (len >= 4 && !memcmp(data, "\177ELF", 4))
		return true;
	if (len >= 2 && !memcmp(data, "#!", 2))
		return false;
	for (size_t i = 0; i < len && i < 80; i++) {
		if (data[i] == '\n')
			return false;
		if (!data[i])
			return true;
	}
	return false;
}

/*
 * A file that is there but was not read (over FILE_PROGRAM_MAX,
 * unreadable): does it hold text a shell or make would run? A binary
 * (a NUL in its first bytes, no #!) does not.
 */
static bool
unread_text(const char *abs)
{
	struct stat sb;
	char head[4096];
	ssize_t n = -1;

	if (risk_memo_stat(abs, &sb) < 0 || !S_ISREG(sb.st_mode))
		return false;
	int fd = open(abs, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		n = read(fd, head, sizeof(head));
		close(fd);
	}
	if (n < 0)
		return true; /* unreadable now: not known to be a binary */
	return !looks_binary(head, (size_t)n);
}

/* Read a file relative to the command's folder; NULL when absent or too big (*unseen: there, text, not read). */
static char *
read_here(struct risk_state *st, const char *dir, const char *name, size_t *len, bool *unseen)
{
	char *base = dir ? guard_path_resolve(st->cwds[0], dir, st->ctx->home) : NULL;
	char *abs = guard_path_resolve(base ? base : st->cwds[0], name, st->ctx->home);
	char *data = NULL;

	if (unseen)
		*unseen = false;
	if (risk_secret_source(st, name, name, abs)) {
		data = NULL; /* a secret is not read to rate it */
	} else if (risk_memo_read(abs, FILE_PROGRAM_MAX, &data, len) < 0) {
		guard_error_clear();
		data = NULL;
		risk_bind_failed(st, abs);
		if (unseen)
			*unseen = unread_text(abs);
	} else {
		risk_bind_bytes(st, abs, data, *len);
	}
	free(abs);
	free(base);
	return data;
}

static bool
is_shell_script(const char *data, size_t len)
{
	if (looks_binary(data, len))
		return false;
	if (len < 2 || memcmp(data, "#!", 2))
		return true; /* no #!: the shell runs it */
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;
	/* #!/bin/sh, #!/usr/bin/env bash, #!/usr/bin/env -S bash -e */
	for (size_t i = 2; i < n;) {
		while (i < n && (data[i] == ' ' || data[i] == '\t'))
			i++;
		size_t w = i;
		while (i < n && data[i] != ' ' && data[i] != '\t')
			i++;
		if (i == w)
			break;
		char word[128];
		snprintf(word, sizeof(word), "%.*s", (int)(i - w), data + w);
		const char *b = risk_basename(word);
		if (!strcmp(b, "env") || word[0] == '-')
			continue;
		return risk_is_shell(b) || !strcmp(b, "busybox");
	}
	return false;
}

/* ./run.sh, src/tool: the file's program, when it can be read now. */
void
risk_file_script(struct risk_state *st, const struct risk_cmd *c)
{
	size_t len = 0;
	char *data;
	bool unseen = false;

	if ((c->argv[0].flags & GUARD_WORD_DYNAMIC) || st->remote)
		return;
	if (!(data = read_here(st, NULL, c->argv[0].text, &len, &unseen))) {
		if (unseen) /* a script too big to read runs unseen: as bash BIG.sh is */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "run runs the script %s, which guard cannot read now (unreadable or over %u KiB): its "
				  "text is unseen", c->argv[0].text, FILE_PROGRAM_MAX >> 10);
		return;
	}
	if (is_shell_script(data, len)) {
		const char *outer = st->from_file;
		risk_explain(st, "    run reads the script %s", c->argv[0].text);
		st->from_file = c->argv[0].text;
		risk_nested(st, c->argv[0].text, data, len);
		st->from_file = outer;
	} else if (!memchr(data, '\0', len)) {
		guard_lines(st, c->argv[0].text, data, len);
	}
	free(data);
}

/* npm test, npm run X, yarn X, pnpm run X: X and its pre/post scripts from package.json. */
static void
package_scripts(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const own[] = { "install", "add", "remove", "uninstall", "ci", "exec", "dlx", "init",
					   "create", "publish", "pack", "view", "info", "audit", "outdated",
					   "update", "upgrade", "config", "set", "pkg", "link", "why", "list", "ls",
					   "help", "version", "login", "logout", "whoami", "cache", "x", NULL };
	const char *script = NULL;
	size_t i = 1;

	while (i < c->argc && c->argv[i].text[0] == '-')
		i++;
	if (i >= c->argc)
		return;
	const char *v = c->argv[i].text;
	if (!strcmp(v, "run") || !strcmp(v, "run-script") || !strcmp(v, "rum") || !strcmp(v, "urn")) {
		while (++i < c->argc && c->argv[i].text[0] == '-')
			;
		script = i < c->argc ? c->argv[i].text : NULL;
	} else if (!strcmp(v, "test") || !strcmp(v, "t") || !strcmp(v, "tst") || !strcmp(v, "start") ||
		   !strcmp(v, "stop") || !strcmp(v, "restart")) {
		script = !strcmp(v, "t") || !strcmp(v, "tst") ? "test" : v;
	} else if (strcmp(c->name, "npm") && !risk_name_in(own, v)) {
		script = v; /* yarn build, pnpm lint */
	}
	if (!script)
		return;
	size_t len = 0;
	char *data = read_here(st, risk_opt_value(c, "-C", "--prefix"), "package.json", &len, NULL);
	cJSON *pkg = data ? cJSON_ParseWithLength(data, len) : NULL;
	const cJSON *scripts = cJSON_GetObjectItemCaseSensitive(pkg, "scripts");
	for (int k = 0; k < 3; k++) {
		char name[256];
		snprintf(name, sizeof(name), "%s%s", k == 0 ? "pre" : k == 2 ? "post" : "", script);
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(scripts, name);
		if (cJSON_IsString(s)) {
			char what[300];
			snprintf(what, sizeof(what), "package.json script %s", name);
			guard_lines(st, what, s->valuestring, strlen(s->valuestring));
		}
	}
	cJSON_Delete(pkg);
	free(data);
}

void
risk_file_programs(struct risk_state *st, const struct risk_cmd *c)
{
	if (st->remote)
		return;
	if (!strcmp(c->name, "make") || !strcmp(c->name, "gmake"))
		risk_make_files(st, c);
	else if (!strcmp(c->name, "npm") || !strcmp(c->name, "yarn") || !strcmp(c->name, "pnpm") ||
		 !strcmp(c->name, "bun"))
		package_scripts(st, c);
}
