/*
 * guard's own files, as the agent would reach for them
 * (share/doc/trust.md section 2): a word that names guard's protected
 * state, or a folder that holds it, makes the command a write of that
 * state unless the command is a known read-only use. Writers whose files
 * are not on the command line (patches, archives, tree copies) are opened
 * up where guard can read what they would write. Copying a guard program
 * is a write of guard's state too.
 */
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_hash.h"
#include "guard_path.h"
#include "guard_risk_int.h"

/* ---- words that name guard's state ------------------------------------ */

#define STEMS_MAX 32

struct stems {
	char text[STEMS_MAX][128];
	size_t n;
	/* bit i: stem i starts with this byte / has it second (a word's bytes rule most stems out at once) */
	uint32_t first[256], second[256];
	size_t folder_len[STEMS_MAX]; /* of the first name: ".ai" of ".ai/audit" */
};

/* The literal start of each protected glob: ".ai/approvals", ".claude/settings", "/etc/guard". */
static void
stems_of(const struct risk_state *st, struct stems *s)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;

	s->n = 0;
	for (size_t i = 0; cfg && i < cfg->nprotected_paths && s->n < STEMS_MAX; i++) {
		const char *g = cfg->protected_paths[i];
		if (g[0] == '!')
			continue;
		if (g[0] == '~' && g[1] == '/')
			g += 2;
		while (!strncmp(g, "**/", 3))
			g += 3;
		size_t n = strcspn(g, "*?[{");
		while (n && g[n - 1] == '/')
			n--;
		if (n < 4 || n >= sizeof(s->text[0]))
			continue;
		memcpy(s->text[s->n], g, n);
		s->text[s->n++][n] = '\0';
	}
	memset(s->first, 0, sizeof(s->first));
	memset(s->second, 0, sizeof(s->second));
	for (size_t i = 0; i < s->n; i++) {
		s->folder_len[i] = strcspn(s->text[i], "/");
		s->first[(unsigned char)s->text[i][0]] |= (uint32_t)1 << i;
		s->second[(unsigned char)s->text[i][1]] |= (uint32_t)1 << i;
	}
}

/*
 * The stems of the policy this thread rated with last, kept (keyed on the
 * compiled policy's serial): they were made again for every command. A
 * config made by hand (serial 0) has them made into own each time.
 */
static const struct stems *
stems_for(const struct risk_state *st, struct stems *own)
{
	static _Thread_local struct stems *kept; /* made on first use (guard_thread_calloc) */
	static _Thread_local unsigned long kept_serial;
	unsigned long serial = st->ctx->cfg ? st->ctx->cfg->serial : 0;

	if (!serial) {
		stems_of(st, own);
		return own;
	}
	if (!kept)
		kept = guard_thread_calloc(sizeof(*kept));
	if (kept_serial != serial) {
		stems_of(st, kept);
		kept_serial = serial;
	}
	return kept;
}

/* The stems text may hold: those whose first two bytes stand side by side somewhere in it. */
static uint32_t
stems_maybe(const struct stems *s, const char *text)
{
	uint32_t maybe = 0;

	for (const unsigned char *p = (const unsigned char *)text; p[0] && p[1]; p++)
		maybe |= s->first[p[0]] & s->second[p[1]];
	return maybe;
}

/* (a table, not strchr over the set: it runs for every byte of every word) */
static const bool path_stop[256] = {
	['\0'] = true, [' '] = true, ['\t'] = true, ['\n'] = true, ['\''] = true, ['"'] = true, ['`'] = true,
	['='] = true, [','] = true, [':'] = true, [';'] = true, ['('] = true, [')'] = true, ['['] = true,
	[']'] = true, ['{'] = true, ['}'] = true, ['<'] = true, ['>'] = true, ['|'] = true, ['&'] = true,
};

static inline bool
path_char(char ch)
{
	return !path_stop[(unsigned char)ch];
}

/* The path-like token of text around [at, at+len): out, cut at a '$' or '`'. */
static void
token_around(const char *text, const char *at, size_t len, char *out, size_t size)
{
	const char *b = at, *e = at + len;

	while (b > text && path_char(b[-1]))
		b--;
	while (path_char(*e) && *e != '$')
		e++;
	size_t n = (size_t)(e - b) < size - 1 ? (size_t)(e - b) : size - 1;
	memcpy(out, b, n);
	out[n] = '\0';
}

/* Does text hold a stem, with no name character right before it? */
static const char *
find_stem(const char *text, const char *stem)
{
	for (const char *p = text; (p = strstr(p, stem)) != NULL; p++)
		if (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-'))
			return p;
	return NULL;
}

/* The folders that hold guard's state, as bare words (".ai", ".claude/"). */
static bool
bare_folder(const struct stems *s, const char *text, char *out, size_t size)
{
	const char *base = text;
	size_t n = strlen(text);

	while (n > 1 && text[n - 1] == '/')
		n--;
	for (const char *p = text; p < text + n; p++)
		if (*p == '/' && p + 1 < text + n)
			base = p + 1;
	size_t bn = (size_t)(text + n - base);
	for (size_t i = 0; i < s->n; i++) {
		size_t fn = s->folder_len[i];
		if (fn == bn && !strncmp(base, s->text[i], fn) && s->text[i][0] != '/') {
			if (n >= size)
				return false;
			memcpy(out, text, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

/*
 * Every place in text that names guard's state: calls found(st, c, token)
 * for each (the token is a path as written). Returns how many.
 */
typedef void (*mention_fn)(struct risk_state *st, const char *verb, const char *token, int place);
static void mention_write(struct risk_state *st, const char *verb, const char *token, int place);

static unsigned
scan_state(struct risk_state *st, const struct stems *s, const char *verb, const char *text, mention_fn found)
{
	unsigned hits = 0;
	char token[1024];
	uint32_t maybe = stems_maybe(s, text);

	for (uint32_t left = maybe; left; left &= left - 1) { /* the stems maybe names, in order */
		size_t i = (size_t)__builtin_ctz(left);
		for (const char *p = text; (p = find_stem(p, s->text[i])) != NULL; p += strlen(s->text[i])) {
			token_around(text, p, strlen(s->text[i]), token, sizeof(token));
			int place = risk_guard_place(st, token);
			if (!place && found == mention_write && s->text[i][0] != '/') {
				/* "../.ai/policy.yaml" from a link's folder: the name is guard's */
				const char *at = strstr(token, s->text[i]);
				if (at && at != token)
					memmove(token, at, strlen(at) + 1);
				place = risk_guard_place(st, token);
			}
			if (place) {
				found(st, verb, token, place);
				hits++;
			}
		}
	}
	/* bare folders, one path-like token at a time: "--directory=.ai", join('.ai', ...) */
	for (const char *p = text; !hits && *p;) {
		while (*p && !path_char(*p))
			p++;
		size_t n = 0;
		while (path_char(p[n]))
			n++;
		/* its last name (bare_folder's base) must begin as a stem does */
		size_t m = n;
		while (m > 1 && p[m - 1] == '/')
			m--;
		const char *base = p;
		for (const char *q = p; q < p + m; q++)
			if (*q == '/' && q + 1 < p + m)
				base = q + 1;
		if (n && n < sizeof(token) && s->first[(unsigned char)*base]) {
			char one[1024];
			memcpy(one, p, n);
			one[n] = '\0';
			int place;
			if (bare_folder(s, one, token, sizeof(token)) && (place = risk_guard_place(st, token))) {
				found(st, verb, token, place);
				hits++;
			}
		}
		p += n;
	}
	return hits;
}

static void
mention_write(struct risk_state *st, const char *verb, const char *token, int place)
{
	risk_path_str(st, verb, token, PATH_WRITE);
	if (place == RISK_GUARD_FOLDER)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s names a folder of guard's own state and may write into it: %s", verb, token);
	else
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s names guard's own state and is no read-only use: %s", verb, token);
}

static void
mention_read(struct risk_state *st, const char *verb, const char *token, int place)
{
	(void)verb, (void)token, (void)place;
	st->guard_mentioned = true;
}

/* ---- guard's program files as operands --------------------------------- */

#define PROGRAM_GLOB_MAX 64 /* files a pattern naming a guard program is checked against */

/*
 * guard's installed file (a program, a helper, its data or manual page)
 * that the word names: as written, the value of --opt=VALUE or of=VALUE,
 * or a pattern the shell expands to it. Its name, or NULL.
 */
static const char *
installed_named_now(const struct risk_state *st, const struct guard_shell_word *w)
{
	const char *t = w->text, *eq = strchr(t, '=');
	const char *found = NULL;

	for (int pass = 0; pass < 2 && !found; pass++, t = eq + 1) {
		if (pass && !eq)
			break;
		if (!*t)
			continue;
		char *abs = guard_path_resolve(st->cwds[0], t, st->ctx->home);
		found = risk_guard_installed(abs, false);
		if (!found && (w->flags & GUARD_WORD_GLOB) && strpbrk(t, "*?[") &&
		    risk_guard_program_glob(risk_basename(t))) {
			struct guard_list g = GUARD_LIST_INIT;
			risk_glob(abs, GLOB_NOSORT, &g);
			for (size_t i = 0; i < g.len && i < PROGRAM_GLOB_MAX && !found; i++)
				found = risk_guard_installed(g.items[i], false);
			guard_list_clear(&g);
		}
		free(abs);
	}
	return found;
}

/*
 * installed_named's answers in a stream, for the second the file-system
 * memories keep theirs (risk_memo_second): every operand of most commands
 * is resolved and stat'ed against guard's files, and a stream sees the
 * same words in the same folders event after event. An answer depends on
 * the folder, the home, the word and whether the shell globs it, the
 * key; the names it returns are guard's own, static.
 */
#define INSTALLED_SLOTS 1024 /* at most (64 at first: guard_table_ready) */
#define INSTALLED_KEY_MAX 1024

struct installed_slot {
	char *key;
	size_t klen;
	time_t at;
	const char *found;
};

static _Thread_local struct guard_table installed_table;

static void
installed_drop(void *slot)
{
	free(((struct installed_slot *)slot)->key);
}

static const char *
installed_named(const struct risk_state *st, const struct guard_shell_word *w)
{
	static _Thread_local struct installed_slot *memo;
	const char *parts[3] = { st->cwds[0], st->ctx->home ? st->ctx->home : "", w->text };
	char key[INSTALLED_KEY_MAX];
	size_t klen = 0;
	time_t now;

	if (!risk_memo_second(&now))
		return installed_named_now(st, w);
	/* the glob flag and whether home is NULL, then the strings with their NULs */
	key[klen++] = (char)(((w->flags & GUARD_WORD_GLOB) ? 1 : 0) | (st->ctx->home ? 2 : 0));
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(parts[i]) + 1;
		if (klen + n > sizeof(key))
			return installed_named_now(st, w);
		memcpy(key + klen, parts[i], n);
		klen += n;
	}
	memo = guard_table_ready(memo, &installed_table, sizeof(*memo), 64, INSTALLED_SLOTS, installed_drop);
	struct installed_slot *m = &memo[guard_table_hash(key, klen, 0) % installed_table.n];
	if (m->key && m->at == now && m->klen == klen && !memcmp(m->key, key, klen))
		return m->found;
	const char *found = installed_named_now(st, w);
	free(m->key);
	m->key = guard_xmalloc(klen);
	memcpy(m->key, key, klen);
	m->klen = klen;
	m->at = now;
	m->found = found;
	installed_table.writes++;
	return found;
}

/*
 * Programs that run the program they are given (a debugger, a profiler,
 * the loader, a scheduler): a guard program among their words is what
 * runs, rated by its verb. gdb --write patches the file: a writer then.
 */
static bool
runs_program_word(const struct risk_cmd *c)
{
	static const char *const runners[] = { "gdb", "lldb", "perf", "taskset", "chrt", "numactl", "prlimit", "rr",
					       "ld.so", NULL };

	if (!strncmp(c->name, "ld-linux", 8) || !strncmp(c->name, "ld64.so", 7))
		return true;
	if (!risk_name_in(runners, c->name))
		return false;
	for (size_t i = 1; i < c->argc; i++)
		if (!strcmp(c->argv[i].text, "--write") || strstr(c->argv[i].text, "set write"))
			return false;
	return true;
}

/* ---- a pattern the shell expands to guard's state ---------------------- */

/* Does the glob prefix (absolute, the shell's rules: a leading dot matched only by a dot) expand to cand? */
static bool
glob_expands_to(const char *prefix, const char *cand)
{
	return strpbrk(prefix, "*?[") && fnmatch(prefix, cand, FNM_PATHNAME | FNM_PERIOD) == 0;
}

/*
 * The name pat (absolute) expands to when one of its leading folders
 * matches cand: cand and pat's rest into out (false when none does).
 */
static bool
glob_through(const char *pat, const char *cand, char *out, size_t size)
{
	char prefix[PATH_MAX];
	size_t n = strlen(pat);

	for (size_t end = 1; end <= n; end++) {
		if (pat[end] && pat[end] != '/')
			continue;
		if (end >= sizeof(prefix))
			return false;
		memcpy(prefix, pat, end);
		prefix[end] = '\0';
		if (glob_expands_to(prefix, cand))
			return (size_t)snprintf(out, size, "%s%s", cand, pat + end) < size;
	}
	return false;
}

/*
 * A glob word guard's folders may answer (".a[i]/", "./.cl*", ".?i",
 * "/p/.a*"): its pattern matched, folder by folder, against the names guard's
 * state has whether they exist now or not (the folders of every protected
 * entry: .ai, .ai/audit, .claude, .git/hooks, ~/.config/guard, ...). The
 * name it expands to into out; RISK_GUARD_STATE or RISK_GUARD_FOLDER, or 0.
 * *root (when given): it may expand to the project's root or a folder above
 * it instead, which a tree copy fills with whatever its source holds.
 */
static int
glob_guard_place(const struct risk_state *st, const char *text, char *out, size_t size, bool *root)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	const char *project = st->ctx->project, *home = st->ctx->home;
	int place = 0;

	if (root)
		*root = false;
	if (!cfg || st->remote || !strpbrk(text, "*?[") || (text[0] == '~' && !home))
		return 0;
	for (size_t c = 0; c < st->ncwds && !place; c++) {
		char *pat = guard_path_lexical(st->cwds[c], text, home);
		size_t pl = strlen(pat);
		while (pl > 1 && pat[pl - 1] == '/')
			pat[--pl] = '\0';
		for (size_t i = 0; i < cfg->nprotected_paths && !place; i++) {
			const char *g = cfg->protected_paths[i];
			char cand[PATH_MAX], name[PATH_MAX];
			if (g[0] == '!' || !strncmp(g, "**", 2))
				continue;
			const char *base = g[0] == '/' ? "" : g[0] == '~' ? home : project;
			if (!base || (g[0] == '~' && g[1] != '/'))
				continue;
			const char *rel = g[0] == '~' ? g + 1 : g;
			size_t lit = strcspn(rel, "*?[{");
			int len = snprintf(cand, sizeof(cand), "%s%s%.*s", base, rel[0] == '/' ? "" : "/", (int)lit, rel);
			if (len < 0 || (size_t)len >= sizeof(cand))
				continue;
			/* each folder of the literal start, and the whole name: /p/.ai, /p/.ai/audit */
			for (size_t k = strlen(base) + 1; cand[k - 1] && !place; k++) {
				if (cand[k] && cand[k] != '/')
					continue;
				char saved = cand[k];
				cand[k] = '\0';
				if (glob_through(pat, cand, name, sizeof(name)) && (place = risk_guard_place(st, name)) != 0)
					snprintf(out, size, "%s", name);
				cand[k] = saved;
				if (!saved)
					break;
			}
		}
		/* the project's root and the folders above it */
		if (!place && root && project) {
			char up[PATH_MAX];
			snprintf(up, sizeof(up), "%s", project);
			for (;;) {
				if (glob_expands_to(pat, up)) {
					*root = true;
					snprintf(out, size, "%s", up);
					break;
				}
				char *slash = strrchr(up, '/');
				if (!slash || slash == up)
					break;
				*slash = '\0';
			}
		}
		free(pat);
	}
	return place;
}

/* A glob word of a writer that may expand to guard's state (name: what it expands to). */
static void
mention_glob(struct risk_state *st, const char *verb, const char *word, const char *name, int place)
{
	char *shown = guard_path_display(st->ctx->project, name);
	risk_path_str(st, verb, name, PATH_WRITE);
	risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
		  "%s names %s, a pattern the shell may expand to %s of guard's own state: %s", verb, word,
		  place == RISK_GUARD_FOLDER ? "a folder" : "a file", shown);
	free(shown);
}

/* ---- read-only uses ---------------------------------------------------- */

/* Verbs whose operands are only read (or only shown: a text, a name). */
static const char *const readonly_verbs[] = {
	"cat", "less", "more", "head", "tail", "wc", "nl", "tac", "od", "xxd", "hexdump", "strings", "file",
	"stat", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum",
	"sha3sum", "shasum", "sum", "cut", "column", "fold", "fmt", "diff", "cmp", "comm", "bat", "batcat",
	"readlink", "realpath", "ls", "tree", "du", "base64", "colordiff", "diff3", "lsattr", "getfacl", "exa",
	"eza", "lsd", "grep", "egrep", "fgrep", "rg", "ag", "ack", "jq", "gojq", "jaq", "zgrep", "zcat", "bzcat",
	"xzcat", "zless", "echo", "printf", "test", "[", "[[", "cd", "pushd", "popd", "basename", "dirname",
	"which", "type", "whereis", "man", "ldd", "readelf", "objdump", "nm", "size", "true", "false", ":", "sort",
	"uniq", "find", "sed", "awk", "gawk", "mawk", "nawk", "yq", "wait", "shellcheck", "glow", "mdcat", "view",
	"hexyl", "yamllint", "jsonlint", "gh", "glab", "hub", "tldr", "apropos",
	/* declarations name values; what uses them is rated where it does */
	"local", "declare", "typeset", "readonly", "export", NULL
};

/* Of those, the ones that print a file's bytes: a copy of a guard program. */
static const char *const content_verbs[] = {
	"cat", "less", "more", "head", "tail", "tac", "od", "xxd", "hexdump", "base64", "bat", "batcat",
	"sort", "uniq", "sed", "awk", "gawk", "mawk", "nawk", "cut", "fold", "fmt", "column", "zcat", NULL
};

/* Verbs whose words are text or patterns, never run: a guard verb named there is not run. */
static const char *const text_verbs[] = {
	"echo", "printf", "gh", "glab", "hub", "grep", "egrep", "fgrep", "rg", "ag", "ack", "zgrep", "jq", "gojq",
	"jaq", "test", "[", "[[", "man", "which", "type", "whereis", "apropos", "tldr", "cowsay", "figlet",
	"notify-send", "logger", "wc", "git", NULL
};

/* Verbs that copy, link or pack the files they name. */
static const char *const copy_verbs[] = { "cp", "ln", "link", "install", "rsync", "dd", "tar", "zip", "cpio", "scp",
	"mv", "tee", "ditto", "pax", "objcopy", "strip", "gzip", "bzip2", "xz", "zstd", "7z", "7za", "ar", "rclone",
	"hash", NULL };

/* Archive tools: every operand that is a readable archive has its names checked. */
static const char *const extract_verbs[] = { "unzip", "7z", "7za", "bsdtar", "cpio", "unrar", "unar", "jar",
	"pax", "atool", "aunpack", "ditto", NULL };

/* The interpreters whose code the interpreter module reads (it calls risk_guard_code). */
static bool
interp_known(const char *n)
{
	return !strncmp(n, "python", 6) || !strcmp(n, "node") || !strcmp(n, "perl") || !strcmp(n, "ruby") ||
	       !strcmp(n, "php") || !strcmp(n, "lua");
}

/* Interpreters: their code is judged by risk_guard_code; every other word is a write. */
static bool
is_interp(const char *n)
{
	if (!strchr("pnrdbljt", n[0]) || !n[0])
		return false; /* none starts so: asked for every word of every command */
	return !strncmp(n, "python", 6) || !strcmp(n, "node") || !strcmp(n, "perl") || !strcmp(n, "ruby") ||
	       !strcmp(n, "php") || !strcmp(n, "deno") || !strcmp(n, "bun") || !strcmp(n, "lua") ||
	       !strcmp(n, "julia") || !strcmp(n, "tclsh");
}

/* git's subcommand is sub? */
static bool
git_subcommand(const struct risk_cmd *c, const char *sub)
{
	size_t i = risk_git_sub_index(c);
	return i < c->argc && !strcmp(c->argv[i].text, sub);
}

static bool
git_readonly(const struct risk_cmd *c)
{
	static const char *const subs[] = { "status", "log", "diff", "show", "blame", "ls-files", "ls-tree", "grep",
					    "cat-file", "rev-parse", "check-ignore", "check-attr", "add", "commit",
					    "shortlog", "describe", "annotate", "rev-list", "whatchanged",
					    "update-index", NULL };
	size_t i = risk_git_sub_index(c);
	const char *sub = i < c->argc ? c->argv[i].text : "";

	/* the index only: git rm --cached, git hash-object without -w */
	return risk_name_in(subs, sub) || (!strcmp(sub, "rm") && risk_arg_has(c, "--cached")) ||
	       (!strcmp(sub, "hash-object") && !risk_arg_has(c, "-w")) || risk_git_clean_dry_run(c);
}

/* Does a long option word abbreviate opt, as getopt_long takes it ("--in-pl")? */
static bool
abbreviates(const char *word, const char *opt, size_t min)
{
	size_t n = strcspn(word, "=");
	return n >= min && n <= strlen(opt) && !strncmp(word, opt, n);
}

/* An option that makes an otherwise read-only verb write its files. */
static bool
writes_in_place(const struct risk_cmd *c)
{
	const char *n = c->name;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(n, "sed") || !strcmp(n, "yq")) &&
		    (abbreviates(a, "--in-place", 5) || (a[0] == '-' && a[1] != '-' && strchr(a, 'i'))))
			return true;
		if (strstr(n, "awk") && ((!strcmp(a, "-i") && i + 1 < c->argc && !strcmp(c->argv[i + 1].text, "inplace")) ||
					 !strcmp(a, "-iinplace") || abbreviates(a, "--include", 5)))
			return true;
		if (!strcmp(n, "xxd") && (!strcmp(a, "-r") || abbreviates(a, "-revert", 3)))
			return true;
		if (!strcmp(n, "find") && (!strcmp(a, "-delete") || !strncmp(a, "-fprint", 7) || !strcmp(a, "-fls")))
			return true;
	}
	if (!strcmp(n, "sort") && risk_opt_value(c, "-o", "--output"))
		return true;
	/* uniq IN OUT writes OUT */
	const struct guard_shell_word *ops[4];
	if (!strcmp(n, "uniq") && risk_operands(c, 1, "-f -s -w --skip-fields --skip-chars --check-chars", ops, 4) >= 2)
		return true;
	/* sed -f / awk -f: a program guard does not read; a computed program */
	if ((!strcmp(n, "sed") || strstr(n, "awk")) && (risk_opt_value(c, "-f", "--file") ||
							  (c->argc > 1 && (c->argv[c->argc - 1].flags & GUARD_WORD_DYNAMIC))))
		return true;
	return false;
}

/* The program text of sed / awk: the first operand unless -e / -f gave it. */
static bool
is_program_word(const struct risk_cmd *c, size_t i)
{
	const char *n = c->name;

	if (is_interp(n))
		return i > 1 && c->argv[i - 1].text[0] == '-' && strpbrk(c->argv[i - 1].text, "ceE") &&
		       c->argv[i - 1].text[1] != '-';
	if (strcmp(n, "sed") && !strstr(n, "awk"))
		return false;
	if (i > 1 && (!strcmp(c->argv[i - 1].text, "-e") || !strcmp(c->argv[i - 1].text, "--expression")))
		return true;
	for (size_t k = 1; k < c->argc; k++) {
		const char *a = c->argv[k].text;
		if (a[0] == '-' && a[1]) {
			if (!strcmp(a, "-e") || !strcmp(a, "-f") || !strcmp(a, "--expression") || !strcmp(a, "-v") ||
			    !strcmp(a, "-F"))
				k++;
			continue;
		}
		return k == i && !risk_opt_value(c, "-e", "--expression") && !risk_opt_value(c, "-f", "--file");
	}
	return false;
}

/* Does a program text write (or run) anything? Then naming guard's state in it is a write. */
static bool
code_writes(const char *code)
{
	static const char *const marks[] = { "rename", "replace(", "copy", "move", "symlink", "link(", "link ", "link\t", "link'", "link\"", "chmod",
		"chown", "truncate", "mkdir", "makedirs", "write", "Write", "dump", "remove", "unlink", "rmtree",
		"rmdir", "system", "exec", "spawn", "popen", "Popen", "subprocess", "child_process", "'w", "\"w",
		"'a", "\"a", "'x", "\"x", "+'", "+\"", "'>", "\">", "O_WR", "O_RDWR", "O_TRUNC", "O_CREAT", "inplace",
		"extract", "cpSync", "touch", "utime", "FileUtils", "print >", "print>", "printf >", "printf>", "w ",
		"| getline", "|getline", "> ARGV", ">ARGV", "> FILENAME", ">FILENAME", "\" >", "\">", NULL };
	return risk_text_has_any(code, marks);
}

/* sed's e command or s///e flag: the text runs in a shell. */
static bool
sed_execs(const char *script)
{
	for (const char *p = script; *p; p++)
		if (*p == 'e' && (p == script || strchr(";\n0123456789$ ", p[-1]) || (p[-1] == '/' && p > script + 1)) &&
		    (!p[1] || strchr(" ;\n", p[1])))
			return true;
	return false;
}

/* Does a program text run other programs? */
static bool
code_execs(const char *code)
{
	static const char *const marks[] = { "system", "exec", "spawn", "popen", "Popen", "subprocess",
		"child_process", "run(", "Command", "`", "getline", "qx", "shell_exec", "passthru", "proc_open",
		"Open3", "IO.popen", "%x", NULL };
	return risk_text_has_any(code, marks);
}

/*
 * An awk program's writes, not counting "constant command" | getline: that
 * command is rated as a command line of its own (awk 'BEGIN{"cat
 * .ai/policy.yaml" | getline}' reads as cat does).
 */
static bool
awk_writes(const char *code)
{
	char *copy = guard_xstrdup(code);

	for (char *p = copy; (p = strstr(p, "getline")) != NULL; p += 7) {
		char *q = p;
		while (q > copy && q[-1] == ' ')
			q--;
		if (q == copy || q[-1] != '|')
			continue;
		q--;
		while (q > copy && q[-1] == ' ')
			q--;
		if (q == copy || q[-1] != '"')
			continue;
		char *open = q - 1;
		while (open > copy && (open[-1] != '"' || (open - 1 > copy && open[-2] == '\\')))
			open--;
		if (open == copy)
			continue;
		memset(open - 1, ' ', (size_t)(p + 7 - (open - 1))); /* blank "cmd" | getline */
	}
	bool w = code_writes(copy);
	free(copy);
	return w;
}

void
risk_guard_code(struct risk_state *st, const char *lang, const char *code)
{
	struct stems own;
	bool writes = code_writes(code);

	if (code_execs(code)) {
		if (risk_guard_runs_human_verb(st, code))
			return;
		/* "guard-" + "approve": the name is built, the verb cannot be checked */
		if (strstr(code, "guard"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "%s code runs programs and names guard: what it runs cannot be checked", lang);
	}
	if (writes && risk_guard_names_program(code))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s code copies or runs one of guard's programs: guard's programs are guard's state", lang);
	scan_state(st, stems_for(st, &own), lang, code, writes ? mention_write : mention_read);
}

/* ---- writers whose files guard cannot list from the command -------- */

/* Does a word of a command on the line name the file abs? */
static bool
names_file(const struct risk_state *st, const struct guard_shell_word *w, const char *abs)
{
	if (w->flags & GUARD_WORD_DYNAMIC)
		return false;
	char *p = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	bool same = !strcmp(p, abs);
	free(p);
	return same;
}

/*
 * The one file "cat SRC > FILE" or "cp SRC FILE" on cmd copies into abs
 * (resolved, owned); NULL when cmd writes abs some other way.
 */
static char *
copied_from(const struct risk_state *st, const struct guard_shell_cmd *cmd, const char *abs)
{
	const struct guard_shell_word *ops[3];
	size_t n = 0;

	if (!cmd->argc)
		return NULL;
	const char *name = risk_basename(cmd->argv[0].text);
	for (size_t i = 1; i < cmd->argc && n < 3; i++)
		if (cmd->argv[i].text[0] != '-')
			ops[n++] = &cmd->argv[i];
	bool cat = !strcmp(name, "cat") && n == 1, cp = (!strcmp(name, "cp") || !strcmp(name, "install")) && n == 2;
	if ((!cat && !cp) || (ops[0]->flags & GUARD_WORD_DYNAMIC) || (cp && !names_file(st, ops[1], abs)))
		return NULL;
	return guard_path_resolve(st->cwds[0], ops[0]->text, st->ctx->home);
}

/*
 * The file guard reads for the patch or archive c applies from file
 * (resolved, owned): file itself when it is a regular file readable now and
 * nothing on the line writes it, the source of a same-line copy
 * ("cat SRC > FILE", "cp SRC FILE", also into a FIFO). NULL with *unknown
 * when its content cannot be known now: a FIFO or device, not there yet, or
 * written on this line by another program.
 */
static char *
input_now(struct risk_state *st, const struct risk_cmd *c, const char *file, bool *unknown)
{
	return risk_input_now(st, c, file, unknown);
}

char *
risk_input_now(struct risk_state *st, const struct risk_cmd *c, const char *file, bool *unknown)
{
	char *abs = guard_path_resolve(st->cwds[0], file, st->ctx->home), *src = NULL;
	bool written = false;
	struct stat sb;

	*unknown = false;
	for (size_t i = 0; c->sh && i < c->sh->ncmds && !*unknown; i++) {
		const struct guard_shell_cmd *w = &c->sh->cmds[i];
		bool hit = false;
		for (size_t r = 0; r < w->nredirs && !hit; r++) {
			const struct guard_shell_redir *rd = &w->redirs[r];
			hit = (rd->op == GUARD_REDIR_OUT || rd->op == GUARD_REDIR_APPEND || rd->op == GUARD_REDIR_OUT_ALL) &&
			      (rd->fd < 0 || rd->fd == 1) && names_file(st, &rd->target, abs);
		}
		if (!hit && w != c->cmd && w->argc == 3 && (!strcmp(risk_basename(w->argv[0].text), "cp") ||
							     !strcmp(risk_basename(w->argv[0].text), "install")))
			hit = names_file(st, &w->argv[2], abs);
		if (!hit || w == c->cmd)
			continue;
		char *from = copied_from(st, w, abs);
		if (!from || written) /* another program, or two writers */
			*unknown = true;
		free(src);
		src = from;
		written = true;
	}
	if (!written && !*unknown && risk_memo_stat(abs, &sb) < 0) {
		/* not there: the command fails, unless another command on the line makes it (mkfifo F) */
		for (size_t i = 0; c->sh && i < c->sh->ncmds && !*unknown; i++)
			for (size_t k = 1; &c->sh->cmds[i] != c->cmd && k < c->sh->cmds[i].argc && !*unknown; k++)
				*unknown = names_file(st, &c->sh->cmds[i].argv[k], abs);
		if (!*unknown) {
			free(abs);
			return NULL;
		}
	} else if (!written && !*unknown && (!S_ISREG(sb.st_mode) || risk_memo_access(abs, R_OK) < 0)) {
		*unknown = true;
	}
	if (*unknown) {
		free(src);
		src = NULL;
	}
	if (!written && !*unknown)
		src = guard_xstrdup(abs);
	free(abs);
	return src;
}

/* Is the place a command's files land (a folder, "." for its working directory) the project's root or a folder holding it? */
static bool
into_project(const struct risk_state *st, const char *dir)
{
	bool in = false;

	/* any working directory the line may be in: "(cd /tmp/x && ...) && cp -r S/. ." is in the project */
	for (size_t i = 0; i < st->ncwds && !in; i++) {
		char *abs = guard_path_resolve(st->cwds[i], dir, st->ctx->home);
		in = st->ctx->project && guard_path_inside(abs, st->ctx->project);
		free(abs);
	}
	return in;
}

/* What guard reads of an archive's names before it is unpacked. */
struct archive_look {
	bool state;        /* names guard's state (a tar or zip keeps names in the clear) */
	const char *packed; /* compressed (gzip, xz, ...): the compressor; its names cannot be read without unpacking */
	const char *git;   /* names one of git's attribute or module files (static text), or NULL */
	char folder[128];  /* names a name in one of guard's folders (".ai/"), or empty */
};

/* The compressor whose magic starts data, or NULL (7z and its headers count: its names are packed too). */
static const char *
packed_by(const char *data, size_t len)
{
	static const struct { const char *magic; size_t n; const char *name; } magic[] = {
		{ "\x1f\x8b", 2, "gzip" }, { "\xfd" "7zXZ\0", 6, "xz" }, { "BZh", 3, "bzip2" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd" }, { "\x04\x22\x4d\x18", 4, "lz4" }, { "\x1f\x9d", 2, "compress" },
		{ "\x5d\0\0", 3, "lzma" }, { "LZIP", 4, "lzip" }, { "\x89LZO", 4, "lzop" }, { "7z\xbc\xaf\x27\x1c", 6, "7z" },
	};

	for (size_t i = 0; i < sizeof(magic) / sizeof(*magic); i++)
		if (len >= magic[i].n && !memcmp(data, magic[i].magic, magic[i].n))
			return magic[i].name;
	return NULL;
}

/* Read the archive's bytes: what they name, or that they are compressed (nothing when unreadable). */
static struct archive_look
archive_look(const char *file, const struct stems *s)
{
	static const char *const git_files[] = { ".gitattributes", ".gitmodules", NULL };
	struct archive_look look = { false, NULL, NULL, "" };
	char *data = NULL;
	size_t len = 0;

	if (!file || risk_memo_read(file, 64u << 20, &data, &len) < 0) {
		guard_error_clear();
		return look; /* missing: the command fails */
	}
	if ((look.packed = packed_by(data, len)) == NULL) {
		for (size_t i = 0; i < s->n && !look.state; i++)
			look.state = s->text[i][0] != '/' && memmem(data, len, s->text[i], strlen(s->text[i])) != NULL;
		for (size_t i = 0; i < s->n && !look.state && !look.folder[0]; i++) {
			size_t fl = s->folder_len[i];
			if (s->text[i][0] != '/' && s->text[i][fl] == '/' && memmem(data, len, s->text[i], fl + 1))
				snprintf(look.folder, sizeof(look.folder), "%.*s", (int)fl + 1, s->text[i]);
		}
		for (size_t i = 0; git_files[i] && !look.git; i++)
			if (memmem(data, len, git_files[i], strlen(git_files[i])))
				look.git = git_files[i];
	}
	free(data);
	return look;
}

/*
 * An archive unpacked into the home folder ("tar -C ~", "unzip -d ~"):
 * guard's state there (~/.config/guard, ~/.claude/settings.json, the
 * policy's "~/" entries) is named relative to home in it. The entry it
 * names, or NULL.
 */
static const char *
home_state_named(const struct risk_state *st, const char *dir, const char *file, char *lit, size_t size)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	const char *home = st->ctx->home, *hit = NULL;
	char *data = NULL;
	size_t len = 0;

	if (!cfg || !home || !file)
		return NULL;
	char *abs = guard_path_resolve(st->cwds[0], dir, home);
	bool at_home = !strcmp(abs, home);
	free(abs);
	if (!at_home || risk_memo_read(file, 64u << 20, &data, &len) < 0) {
		guard_error_clear();
		return NULL;
	}
	for (size_t i = 0; i < cfg->nprotected_paths && !hit; i++) {
		const char *g = cfg->protected_paths[i];
		if (strncmp(g, "~/", 2))
			continue;
		size_t n = strcspn(g + 2, "*?[{");
		while (n && g[2 + n - 1] == '/')
			n--;
		if (n && n < size) {
			snprintf(lit, size, "%.*s", (int)n, g + 2);
			if (memmem(data, len, lit, n))
				hit = lit;
		}
	}
	free(data);
	return hit;
}

/* Is dir (resolved) in the project's tree, its root or a folder below (where git reads .gitattributes)? */
static bool
in_work_tree(const struct risk_state *st, const char *dir)
{
	char *abs = guard_path_resolve(st->cwds[0], dir, st->ctx->home);
	bool in = st->ctx->project && guard_path_inside(st->ctx->project, abs);
	free(abs);
	return in;
}

/*
 * What lands in dir cannot be listed from the command line: a folder of
 * guard's state is denied; the project's root only when the archive (when
 * guard can read its names) holds guard's state. A compressed archive's
 * names cannot be read without unpacking it: into the project's root (or
 * a folder holding it) a person looks; into a folder below, it may still
 * put a .gitattributes there (medium, recorded). Names of git's attribute
 * or module files in the archive, or given as members, are text guard
 * does not read landing where git runs the drivers they name: high.
 */
static void
unknown_into(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *dir, const char *archive,
	     const struct stems *s)
{
	int place = risk_guard_place(st, dir);

	if (place) {
		mention_write(st, verb, dir, place);
		return;
	}
	bool unknown = false;
	if (archive && strpbrk(archive, "$`") && into_project(st, dir)) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s unpacks an archive named at run time (%s) into %s, where guard's state lives: its names "
			  "cannot be checked", verb, archive, dir);
		return;
	}
	char *src = archive && strcmp(archive, "-") ? input_now(st, c, archive, &unknown) : NULL;
	char lit[PATH_MAX];
	if (home_state_named(st, dir, src, lit, sizeof(lit)))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s unpacks guard's own state into the home folder (%s names ~/%s)", verb, archive, lit);
	if (unknown && into_project(st, dir))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s unpacks %s, which guard cannot read now (a FIFO, not there yet, or written on this line): "
			  "what lands in %s is unknown", verb, archive, dir);
	struct archive_look look = archive_look(src, s);
	if (!look.state && !look.packed)
		risk_tar_members(st, verb, dir, src, archive); /* names split over fields, written through a link member */
	char *link = look.state || look.packed ? NULL : risk_archive_link(st, dir, src);
	if (link)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s unpacks through %s, a symlink to guard's own state (%s names it)", verb, link, archive);
	free(link);
	free(src);
	if (look.packed && into_project(st, dir))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s unpacks %s, a %s-compressed archive, into %s, where guard's state lives: its names cannot be "
			  "listed without decompressing it (a person looks; unpack it into another folder to have it "
			  "checked)", verb, archive, look.packed, dir);
	else if (look.packed && in_work_tree(st, dir))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
			  "%s unpacks %s, a %s-compressed archive whose names guard cannot list, into %s: it may put a "
			  ".gitattributes or .gitmodules there", verb, archive, look.packed, dir);
	if (look.git && !look.state && (in_work_tree(st, dir) || into_project(st, dir)))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s puts %s from %s, whose text guard does not read, into %s: it may name a filter, diff or merge "
			  "driver (or a submodule update command) that git runs", verb, look.git, archive, dir);
	if (look.state && into_project(st, dir))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s unpacks guard's own state (%s names it) into %s", verb, archive, dir);
	else if (look.folder[0] && into_project(st, dir))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s writes into guard's folder %s: %s names a file there", verb, look.folder, archive);
}

/* A patch or archive named by a variable: nothing can be checked. */
static void
unknown_source(struct risk_state *st, const char *verb, const char *what)
{
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s applies %s guard cannot read", verb, what);
}

void
risk_unpack_unknown(struct risk_state *st, const char *verb, const char *dir)
{
	int place = risk_guard_place(st, dir);

	if (place)
		mention_write(st, verb, dir, place);
	else if (into_project(st, dir))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s unpacks an archive named by a variable: guard cannot read what lands in %s", verb, dir);
}

static _Thread_local char *named_token; /* where note_named puts what scan_state found */
static _Thread_local size_t named_size;

static void
note_named(struct risk_state *st, const char *verb, const char *token, int place)
{
	(void)st, (void)verb, (void)place;
	if (named_token && !named_token[0])
		snprintf(named_token, named_size, "%s", token);
}

bool
risk_text_names_state(struct risk_state *st, const char *text, char *token, size_t size)
{
	struct stems own;

	token[0] = '\0';
	named_token = token;
	named_size = size;
	unsigned hits = scan_state(st, stems_for(st, &own), "", text, note_named);
	named_token = NULL;
	return hits > 0 && token[0];
}

static void patch_text_targets(struct risk_state *st, const struct risk_cmd *c, const char *verb, char *data);
static void unknown_source(struct risk_state *st, const char *verb, const char *what);

/* A patch's target files ("+++ b/x", "rename to x"), each checked as a write. */
static void
patch_targets(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *file)
{
	char *data = NULL;
	size_t len = 0;
	bool unknown = false;
	char *src = input_now(st, c, file, &unknown);

	if (!src) {
		if (unknown && into_project(st, "."))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "%s applies %s, which guard cannot read now (a FIFO, not there yet, or written on this "
				  "line): the files it changes are unknown", verb, file);
		return;
	}
	int rc = risk_memo_read(src, 8u << 20, &data, &len);
	if (rc == 0)
		risk_bind_bytes(st, src, data, len); /* what it writes, for an approval */
	else
		risk_bind_failed(st, src);
	free(src);
	if (rc < 0) {
		bool missing = guard_error_code() == GUARD_ENOTFOUND;
		guard_error_clear();
		if (!missing) /* a missing patch fails to apply */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s applies a patch guard cannot read: %s", verb,
				  file);
		return;
	}
	patch_text_targets(st, c, verb, data);
	free(data);
}

/*
 * A patch fed on a pipe (cat P | patch -p1, printf ... | git apply,
 * attack12 M12): its text read where guard knows it, else high.
 */
static void
patch_from_pipe(struct risk_state *st, const struct risk_cmd *c, const char *verb)
{
	char *data = risk_stdin_data(st, c);

	if (!data) {
		unknown_source(st, verb, "a patch from a pipe");
		return;
	}
	patch_text_targets(st, c, verb, data);
	free(data);
}

/* The files patch text data (changed in place) names, each checked as a write. */
static void
patch_text_targets(struct risk_state *st, const struct risk_cmd *c, const char *verb, char *data)
{
	for (char *line = data; line && *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		const char *path = !strncmp(line, "+++ ", 4) || !strncmp(line, "--- ", 4) ? line + 4
				   : !strncmp(line, "rename to ", 10) ? line + 10
				   : !strncmp(line, "copy to ", 8) ? line + 8 : NULL;
		if (path && strcmp(path, "/dev/null")) {
			char target[1024];
			size_t n = strcspn(path, "\t");
			if (n < sizeof(target)) {
				memcpy(target, path, n);
				target[n] = '\0';
				/* -p1: "a/x" and "b/x" are x */
				const char *rel = (target[0] == 'a' || target[0] == 'b') && target[1] == '/' ? target + 2 : target;
				int place = risk_guard_place(st, rel);
				if (!place)
					place = risk_guard_place(st, target);
				if (place)
					mention_write(st, verb, rel, place);
				if (!strcmp(verb, "patch"))
					risk_patch_backups(st, c, rel);
			}
		}
		line = end ? end + 1 : NULL;
	}
}

/* A here-string or heredoc on c's stdin. */
static bool
literal_stdin(const struct risk_cmd *c)
{
	char *t = risk_literal_stdin_nul(c);
	bool got = t != NULL;

	free(t);
	/* a computed here-string or heredoc is stdin too: unknown, so asked (git apply <<< "$(cat P)") */
	for (size_t i = 0; !got && i < c->cmd->nredirs; i++)
		got = c->cmd->redirs[i].op == GUARD_REDIR_HEREDOC || c->cmd->redirs[i].op == GUARD_REDIR_HERESTRING ||
		      (c->cmd->redirs[i].op == GUARD_REDIR_IN && (c->cmd->redirs[i].target.flags & GUARD_WORD_DYNAMIC));
	return got;
}

/* patch --dry-run, not as the value of an option before it (patch -o --dry-run writes a file so named). */
static bool
patch_dry_run(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		if (!strcmp(c->argv[i].text, "--"))
			return false;
		if (strcmp(c->argv[i].text, "--dry-run"))
			continue;
		const char *before = c->argv[i - 1].text;
		size_t bl = strlen(before);
		const char *with = RISK_PATCH_WITH_ARG;
		for (const char *p = with; (p = strstr(p, before)) != NULL; p += bl)
			if (bl && (p == with || p[-1] == ' ') && (!p[bl] || p[bl] == ' '))
				return false;
		return true;
	}
	return false;
}

/* The file a command reads on stdin (< FILE), or NULL. */
static const char *
stdin_file(const struct risk_cmd *c)
{
	for (size_t i = 0; i < c->cmd->nredirs; i++)
		if (c->cmd->redirs[i].op == GUARD_REDIR_IN && !(c->cmd->redirs[i].target.flags & GUARD_WORD_DYNAMIC))
			return c->cmd->redirs[i].target.text;
	return NULL;
}

bool
risk_recursive_copy(const struct risk_cmd *c)
{
	return risk_flag(c, 'r', "recursive") || risk_flag(c, 'R', NULL) || risk_flag(c, 'a', "archive");
}

/*
 * Does word w (a path, or code holding the path text) name the folder abs
 * (its text: text) or a path below it? *lands: guard's state (a place) that
 * the path below abs lands on in dest, that path into landing.
 */
static bool
word_reaches(struct risk_state *st, const struct guard_shell_word *w, const char *abs, const char *text,
	     const char *dest, int *lands, char *landing, size_t lsize)
{
	if (w->flags & GUARD_WORD_DYNAMIC)
		return false;
	bool in = false;
	for (size_t i = 0; i < st->ncwds && !in; i++) {
		char *p = guard_path_resolve(st->cwds[i], w->text, st->ctx->home);
		if ((in = guard_path_inside(abs, p)) && p[strlen(abs)] == '/' && !*lands) {
			char into[PATH_MAX];
			snprintf(into, sizeof(into), "%s%s", dest, p + strlen(abs));
			if ((*lands = risk_guard_place(st, into)) != 0)
				snprintf(landing, lsize, "%s", into);
		}
		free(p);
	}
	/* code holding the path: os.makedirs('/tmp/x/.a'+'i') */
	return in || (strlen(text) >= 4 && strchr(text, '/') && strstr(w->text, text));
}

/*
 * A copy's source folder guard cannot list now (attack10 K6): not there,
 * or reached by a command before the copy on the line (made, cloned,
 * unpacked or written into: "mkdir S && (cd S && ...) && cp -r S/. .").
 * *names: those commands name guard's state (mkdir .claude), into token.
 */
static bool
source_unknown(struct risk_state *st, const struct risk_cmd *c, const char *text, const char *dest, bool *names, char *token,
	       size_t size)
{
	char *abs = guard_path_resolve(st->cwds[0], text, st->ctx->home);
	struct stat sb;
	bool unknown = risk_memo_lstat(abs, &sb) < 0;

	int lands = 0;
	char landing[PATH_MAX];

	*names = false;
	for (size_t i = 0; c->sh && i < c->sh->ncmds && &c->sh->cmds[i] != c->cmd; i++) {
		const struct guard_shell_cmd *w = &c->sh->cmds[i];
		for (size_t k = 1; k < w->argc; k++)
			unknown |= word_reaches(st, &w->argv[k], abs, text, dest, &lands, landing, sizeof(landing));
		for (size_t r = 0; r < w->nredirs; r++)
			unknown |= word_reaches(st, &w->redirs[r].target, abs, text, dest, &lands, landing, sizeof(landing));
		for (size_t k = 1; k < w->argc && !*names; k++)
			*names = !(w->argv[k].flags & GUARD_WORD_DYNAMIC) && risk_text_names_state(st, w->argv[k].text, token, size);
		for (size_t r = 0; r < w->nredirs && !*names; r++)
			*names = risk_text_names_state(st, w->redirs[r].target.text, token, size);
	}
	if (lands && !*names) {
		*names = true;
		snprintf(token, size, "%s", landing);
	}
	free(abs);
	return unknown;
}

/* A recursive copy from a source guard cannot list now into the project's root or guard's state. */
static void
copy_unknown(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *src, const char *dest)
{
	char token[PATH_MAX];
	bool names;
	int place = risk_guard_place(st, dest);

	if ((!place && !into_project(st, dest)) || !source_unknown(st, c, src, dest, &names, token, sizeof(token)))
		return;
	if (place)
		mention_write(st, verb, dest, place);
	else if (names)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s copies %s, made on this line with guard's own state in it (%s), into %s", verb, src, token, dest);
	else
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s copies %s, which guard cannot list now (not there yet, or made on this line): what lands in "
			  "%s is unknown", verb, src, dest);
}

/* Does the folder src hold something that would land on guard's state below dest? */
static void
copy_tree_into(struct risk_state *st, const struct risk_cmd *c, const char *verb, const struct guard_shell_word *src,
	       const char *dest, const struct stems *s)
{
	if (src->flags & GUARD_WORD_DYNAMIC) {
		int place = risk_guard_place(st, dest);
		if (place)
			mention_write(st, verb, dest, place);
		else
			unknown_source(st, verb, "a folder named by a variable");
		return;
	}
	if (strpbrk(src->text, "*?[")) {
		char *abs = guard_path_resolve(st->cwds[0], dest, st->ctx->home);
		if (st->ctx->project && guard_path_inside(abs, st->ctx->project))
			unknown_source(st, verb, "a folder named by a glob");
		free(abs);
	}
	/* cp -r /x/.ai . : the folder itself lands as dest/.ai */
	char base[PATH_MAX], into0[PATH_MAX];
	size_t bl = strlen(src->text);
	while (bl > 1 && src->text[bl - 1] == '/')
		bl--;
	snprintf(base, sizeof(base), "%.*s", (int)bl, src->text);
	if (strcmp(risk_basename(base), ".") && strcmp(risk_basename(base), "..")) {
		snprintf(into0, sizeof(into0), "%s/%s", dest, risk_basename(base));
		int place0 = risk_guard_place(st, into0);
		if (place0) {
			mention_write(st, verb, into0, place0);
			return;
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->text[i][0] == '/')
			continue;
		const char *slash = strchr(s->text[i], '/');
		size_t fn = slash ? (size_t)(slash - s->text[i]) : strlen(s->text[i]);
		char probe[PATH_MAX], into[PATH_MAX];
		struct stat sb;
		snprintf(probe, sizeof(probe), "%s/%.*s", src->text, (int)fn, s->text[i]);
		char *abs = guard_path_resolve(st->cwds[0], probe, st->ctx->home);
		bool there = risk_memo_lstat(abs, &sb) == 0;
		free(abs);
		snprintf(into, sizeof(into), "%s/%.*s", dest, (int)fn, s->text[i]);
		int place = there ? risk_guard_place(st, into) : 0;
		if (place) {
			mention_write(st, verb, into, place);
			return;
		}
	}
	copy_unknown(st, c, verb, base, dest);
}

/*
 * rsync --link-dest=DIR: each file that is the same in DIR is hard-linked
 * into the copy, not copied. A DIR holding the project (or guard's state,
 * named: denied as a mention) gives guard's files second names that a
 * later write changes them through. DIR is read from the destination.
 */
static void
rsync_link_dest(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	size_t k = risk_operands_all(st, c, 1, "-e -f -T -B -M --rsh --filter --exclude --include --temp-dir --link-dest "
				 "--compare-dest --copy-dest --backup-dir --partial-dir", &ops);
	const char *dest = k ? ops[k - 1]->text : ".";

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *dir = NULL;
		if (!strncmp(a, "--link-dest=", 12))
			dir = a + 12;
		else if (!strcmp(a, "--link-dest") && i + 1 < c->argc)
			dir = c->argv[++i].text;
		if (!dir || !*dir)
			continue;
		if (c->argv[i].flags & GUARD_WORD_DYNAMIC) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "rsync --link-dest names a computed folder: the files it hard-links may be guard's state");
			continue;
		}
		char *base = guard_path_resolve(st->cwds[0], dest, st->ctx->home);
		char *abs = guard_path_resolve(base, dir, st->ctx->home);
		if (into_project(st, abs))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "rsync --link-dest=%s hard-links the files it finds unchanged there, guard's state among them, "
				  "into %s: they become guard's files under other names, as ln makes them", dir, dest);
		free(abs);
		free(base);
	}
}

/* A destination pattern that may expand to the project's root or above (../p[r]oj): that folder (owned), or NULL. */
static char *
root_pattern(const struct risk_state *st, const char *dir)
{
	char expanded[PATH_MAX];
	bool root = false;

	if (dir && !strpbrk(dir, "$`") && !glob_guard_place(st, dir, expanded, sizeof(expanded), &root) && root)
		return guard_xstrdup(expanded);
	return NULL;
}

/*
 * A program writes files whose names match the pattern (csplit -f PREFIX:
 * PREFIX*): a critical write when one of guard's files can be among them,
 * or when they land in a folder of guard's state.
 */
void
risk_named_outputs(struct risk_state *st, const char *verb, const char *pattern)
{
	char name[PATH_MAX];
	int place = glob_guard_place(st, pattern, name, sizeof(name), NULL);

	if (place) {
		mention_write(st, verb, name, place);
		return;
	}
	/* the folder: the pattern up to the last "/" before its first wildcard */
	size_t lit = strcspn(pattern, "*?["), cut = 0;
	for (size_t i = 0; i < lit; i++)
		if (pattern[i] == '/')
			cut = i + 1;
	snprintf(name, sizeof(name), "%.*s", (int)(cut ? cut : 1), cut ? pattern : ".");
	if (risk_guard_place(st, name) == RISK_GUARD_STATE)
		mention_write(st, verb, name, RISK_GUARD_STATE);
}

/*
 * A program writes PREFIX + a suffix it is not told here (a backup suffix
 * from the environment): a critical write when some ending makes it one
 * of guard's files. The endings tried are the tails of each protected
 * path ("s*.json" of .claude/settings*.json, its '*' dropped), so
 * .claude/setting + "s.json" is found as a pattern's prefix is not.
 */
void
risk_suffixed_outputs(struct risk_state *st, const char *verb, const char *prefix)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	char cand[PATH_MAX];

	for (size_t i = 0; cfg && i < cfg->nprotected_paths; i++) {
		const char *g = cfg->protected_paths[i];
		for (const char *t = g + strlen(g); t > g && t[-1] != '/'; t--) {
			size_t at = (size_t)snprintf(cand, sizeof(cand), "%s", prefix);
			for (const char *q = t - 1; *q && at + 1 < sizeof(cand); q++)
				if (*q != '*')
					cand[at++] = *q;
			cand[at < sizeof(cand) ? at : sizeof(cand) - 1] = '\0';
			int place = strpbrk(t - 1, "?[{") ? 0 : risk_guard_place(st, cand);
			if (place) {
				mention_write(st, verb, cand, place);
				return;
			}
		}
	}
}

/*
 * tar -x --backup (or --suffix, which asks for one) renames a file a
 * member replaces to NAME+SUFFIX (left12): with a literal suffix, a member
 * named as guard's file less it is a write of that file; a suffix from the
 * environment (SIMPLE_BACKUP_SUFFIX, "~") makes names guard cannot list.
 */
static void
tar_backups(struct risk_state *st, const struct risk_cmd *c, const char *dir, const char *archive,
	    const struct stems *s)
{
	const char *control = risk_opt_value(c, NULL, "--backup");
	struct guard_shell_word sw;
	bool has_suffix = risk_opt_word(c, NULL, "--suffix", &sw);
	bool unknown = false;
	char *data = NULL;
	size_t len = 0, sl = has_suffix ? strlen(sw.text) : 0;

	if ((!risk_arg_has(c, "--backup") && !control && !has_suffix) ||
	    (control && (!strcmp(control, "none") || !strcmp(control, "off"))))
		return;
	if (!has_suffix || (sw.flags & GUARD_WORD_DYNAMIC)) {
		if (into_project(st, dir))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "tar -x --backup renames the files it replaces in "
				  "%s to names with a suffix not on the line: guard cannot list them", dir);
		return;
	}
	char *src = archive && strcmp(archive, "-") ? input_now(st, c, archive, &unknown) : NULL;
	if (!src || risk_memo_read(src, 64u << 20, &data, &len) < 0) {
		guard_error_clear();
		free(src);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		size_t tl = strlen(s->text[i]);
		if (s->text[i][0] != '/' && tl > sl && sl && !strcmp(s->text[i] + tl - sl, sw.text) &&
		    memmem(data, len, s->text[i], tl - sl)) {
			mention_write(st, "tar -x --backup", s->text[i], RISK_GUARD_STATE);
			break;
		}
	}
	free(data);
	free(src);
}

static void
bulk_writers(struct risk_state *st, const struct risk_cmd *c, const struct stems *s)
{
	const char *n = c->name;
	const struct guard_shell_word **ops;
	char *root_dest = NULL;

	if (!strcmp(n, "tar")) {
		const char *first = c->argc > 1 ? c->argv[1].text : "";
		bool extract = risk_flag(c, 'x', "extract") || risk_arg_has(c, "--get") ||
			       (first[0] != '-' && strchr(first, 'x'));
		/* -O / --to-stdout: the members go to stdout, no file is made (attack13 P23) */
		bool to_stdout = risk_flag(c, 'O', "to-stdout") || (first[0] != '-' && strchr(first, 'O'));
		if (extract && !to_stdout) {
			const struct guard_shell_word *kc = risk_tar_key(c, 'C', NULL), *kf = risk_tar_key(c, 'f', NULL);
			const char *dir = kc ? kc->text : risk_opt_value(c, "-C", "--directory");
			if ((root_dest = root_pattern(st, dir)) != NULL)
				dir = root_dest; /* tar -x -C ../p[r]oj: into the root */
			/* old-style keys take their values in key order ("xbf 20 A"), tar -xzf FILE */
			const char *f = kf ? kf->text : risk_opt_value(c, "-f", "--file");
			for (size_t i = 1; !f && i + 1 < c->argc; i++) {
				const char *a = c->argv[i].text;
				size_t al = strlen(a);
				if (a[0] == '-' && a[1] != '-' && al && a[al - 1] == 'f')
					f = c->argv[i + 1].text;
			}
			if (!f || !strcmp(f, "-"))
				f = stdin_file(c); /* tar -x < FILE, tar -xf - < FILE */
			if (!f && c->cmd->pipe_pos && !risk_guard_place(st, dir ? dir : "."))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
					  "tar -x unpacks an archive from a pipe into %s: guard cannot list it", dir ? dir : ".");
			if (f && strpbrk(f, "$`"))
				risk_unpack_unknown(st, "tar -x", dir ? dir : ".");
			else
				unknown_into(st, c, "tar -x", dir ? dir : ".", f, s);
			tar_backups(st, c, dir ? dir : ".", f, s);
		}
	} else if (risk_name_in(extract_verbs, n) || (is_interp(n) && (risk_arg_has(c, "zipfile") || risk_arg_has(c, "tarfile")))) {
		/* unzip A -d D, 7z x A -oD, jar xf A, python3 -m zipfile -e A D: each readable operand */
		if (!strcmp(n, "unzip") && (risk_flag(c, 'l', NULL) || risk_flag(c, 'v', NULL) || risk_flag(c, 't', NULL)))
			return;
		const char *dir = risk_opt_value(c, "-d", NULL);
		if ((root_dest = root_pattern(st, dir)) != NULL)
			dir = root_dest;
		size_t k = risk_operands_all(st, c, 1, "-d -x -P", &ops);
		for (size_t i = 0; i < k; i++)
			if (!(ops[i]->flags & GUARD_WORD_DYNAMIC))
				unknown_into(st, c, n, dir ? dir : ".", ops[i]->text, s);
			else if (i == 0 || strcmp(n, "unzip"))
				risk_unpack_unknown(st, n, dir ? dir : ".");
		if (stdin_file(c))
			unknown_into(st, c, n, dir ? dir : ".", stdin_file(c), s);
	} else if (!strcmp(n, "patch") && patch_dry_run(c)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ); /* --dry-run: it only says what it would do */
	} else if (!strcmp(n, "patch")) {
		const char *in = risk_opt_value(c, "-i", "--input");
		size_t k = risk_operands_all(st, c, 1, RISK_PATCH_WITH_ARG, &ops);
		bool dynamic = k >= 2 && (ops[1]->flags & GUARD_WORD_DYNAMIC);
		if (!in)
			in = k >= 2 && !dynamic ? ops[1]->text : stdin_file(c);
		if (in)
			patch_targets(st, c, "patch", in);
		else if (!dynamic && (c->cmd->pipe_pos || literal_stdin(c)))
			patch_from_pipe(st, c, "patch");
		else
			unknown_source(st, "patch", "a patch");
	} else if (!strcmp(n, "git") && (git_subcommand(c, "apply") || git_subcommand(c, "am"))) {
		size_t k = risk_operands_all(st, c, 1, "-C -c -p --directory --exclude --include --git-dir --work-tree", &ops);
		bool any = false, from_stdin = false;
		for (size_t i = 0; i < k; i++) {
			if (risk_word_is(ops[i], "apply") || risk_word_is(ops[i], "am"))
				continue;
			if (risk_word_is(ops[i], "-")) { /* git apply - : the patch on stdin (attack13 P2) */
				from_stdin = true;
				continue;
			}
			any = true;
			if (ops[i]->flags & GUARD_WORD_DYNAMIC)
				unknown_source(st, "git apply", "a patch");
			else
				patch_targets(st, c, "git apply", ops[i]->text);
		}
		if ((!any || from_stdin) && stdin_file(c))
			patch_targets(st, c, "git apply", stdin_file(c));
		else if ((!any || from_stdin) && (c->cmd->pipe_pos || literal_stdin(c)))
			patch_from_pipe(st, c, "git apply"); /* a pipe, a heredoc or a here-string */
		else if (from_stdin)
			unknown_source(st, "git apply", "a patch");
	} else if ((!strcmp(n, "cp") || !strcmp(n, "rsync")) && risk_recursive_copy(c)) {
		if (!strcmp(n, "rsync"))
			rsync_link_dest(st, c);
		size_t k = risk_operands_all(st, c, 1, "-t -S --target-directory --suffix -e --rsh --exclude --include "
					 "--filter -f --backup-dir --partial-dir", &ops);
		const char *t = risk_opt_value(c, "-t", "--target-directory");
		const char *dest = t ? t : k ? ops[k - 1]->text : NULL;
		/* a pattern for the project's root (../pro[j], /p*): the tree lands there as it would in "." */
		if (dest && (t || !(ops[k - 1]->flags & GUARD_WORD_DYNAMIC)) && (root_dest = root_pattern(st, dest)) != NULL)
			dest = root_dest;
		for (size_t i = 0; dest && i + (t ? 0 : 1) < k; i++)
			copy_tree_into(st, c, n, ops[i], dest, s);
	}
	free(root_dest);
}

/* Is any working directory other than the project's root (which is no guard folder)? */
static bool
away_from_root(const struct risk_state *st)
{
	for (size_t i = 0; i < st->ncwds; i++)
		if (!st->ctx->project || strcmp(st->cwds[i], st->ctx->project))
			return true;
	return st->cwd_unknown;
}

/* cp -l / --link / -al / -la, cp -s / --symbolic-link: the sources get a second name, as ln (-s) gives them (N2) */
static bool
cp_links(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--link") || !strcmp(a, "--symbolic-link") ||
		    (a[0] == '-' && a[1] != '-' && strpbrk(a + 1, "ls")))
			return true;
	}
	return false;
}

/*
 * Where a word of c stands: a source only read (cp SRC... DEST, tar -c,
 * zip ARCHIVE SRC..., gzip -c), a filter (--exclude, find -name), or
 * something c may write.
 */
static bool
only_read_here(const struct risk_cmd *c, size_t k)
{
	const char *n = c->name, *a = c->argv[k].text, *prev = k > 1 ? c->argv[k - 1].text : "";
	const struct guard_shell_word *ops[64]; /* past 64 a word is taken as written: the safe side */

	if (!strncmp(a, "--exclude", 9) || !strcmp(prev, "--exclude") || !strcmp(prev, "--exclude-dir") ||
	    !strncmp(a, "--ignore", 8) || !strcmp(prev, "--ignore") || (!strcmp(n, "zip") && !strcmp(prev, "-x")))
		return true;
	if (!strcmp(n, "find") && (!strcmp(prev, "-path") || !strcmp(prev, "-name") || !strcmp(prev, "-iname") ||
				   !strcmp(prev, "-wholename") || !strcmp(prev, "-ipath") || !strcmp(prev, "-regex") ||
				   !strcmp(prev, "-not") || !strcmp(prev, "!")))
		return true;
	if (!strcmp(n, "perl") || !strcmp(n, "ruby")) {
		/* perl -ne / -pe without -i: the files after the code are the loop's input */
		bool loop = false;
		for (size_t i = 1; i < c->argc && c->argv[i].text[0] == '-'; i++) {
			const char *o = c->argv[i].text;
			if (o[1] == '-' || strchr("MmIx", o[1]))
				continue;
			if (strchr(o, 'i'))
				return false;
			loop |= strpbrk(o + 1, "np") != NULL;
		}
		return loop;
	}
	if (!strcmp(n, "parallel"))
		return risk_parallel_judged(c, k); /* parallel cat ::: .ai/policy.yaml: cat's read, rated nested */
	if (risk_is_shell(n) && k >= 1) {
		/* sh SCRIPT / bash -n SCRIPT: the script is run or read, its words analysed */
		size_t got = risk_operands(c, 1, "-o -O --rcfile --init-file", ops, 2);
		return got && ops[0] == &c->argv[k] && !risk_flag(c, 'c', NULL);
	}
	if (!strcmp(n, "cp") && cp_links(c))
		return false; /* a hard link's source is written through it, as ln's */
	if (!strcmp(n, "rsync"))
		for (size_t i = 1; i < c->argc && strcmp(c->argv[i].text, "--"); i++)
			if (abbreviates(c->argv[i].text, "--remove-source-files", 5) ||
			    abbreviates(c->argv[i].text, "--remove-sent-files", 10))
				return false; /* the sources are deleted once sent: a move, as mv's */
	if (!strcmp(n, "cp") || !strcmp(n, "rsync") || !strcmp(n, "scp")) {
		const char *t = risk_opt_value(c, "-t", "--target-directory");
		size_t got = risk_operands(c, 1, "-t -S --target-directory --suffix -e --rsh --exclude --include --filter "
					   "-f --backup-dir --partial-dir", ops, 64);
		for (size_t i = 0; i + (t ? 0 : 1) < got; i++)
			if (ops[i] == &c->argv[k])
				return true;
		return false;
	}
	if (!strcmp(n, "tar")) {
		const char *first = c->argc > 1 ? c->argv[1].text : "";
		bool create = risk_flag(c, 'c', "create") || (first[0] != '-' && strchr(first, 'c'));
		size_t keyed;
		const struct guard_shell_word *kf = risk_tar_key(c, 'f', &keyed);
		/* the archive (-f A, an f cluster, the key's f word) is written; the key's other values are no file */
		if (kf == &c->argv[k] || (k > 1 && k <= keyed))
			return !(kf == &c->argv[k]) && create;
		return create && !(k > 1 && (!strcmp(prev, "-f") || (prev[0] == '-' && prev[strlen(prev) - 1] == 'f')));
	}
	if (!strcmp(n, "zip")) {
		size_t got = risk_operands(c, 1, "-x -i -b -n -t -tt -P -O --exclude --include", ops, 64);
		return got && ops[0] != &c->argv[k];
	}
	if (!strcmp(n, "gzip") || !strcmp(n, "bzip2") || !strcmp(n, "xz") || !strcmp(n, "zstd"))
		return risk_flag(c, 'c', "stdout") || risk_flag(c, 'k', "keep") || risk_flag(c, 'l', "list") ||
		       risk_flag(c, 't', "test");
	return false;
}

/* ---- find over guard's state ------------------------------------------- */

#define FIND_STATE_MAX 4096 /* real names looked at: .ai/ and .git/guard/ stay small */

/* Every file and folder below DIR (relative names from the project, depth <= 4) into out. */
static void
list_state(const char *project, const char *rel, unsigned depth, struct guard_list *out)
{
	char *abs = guard_xasprintf("%s/%s", project, rel);
	void *d = risk_memo_opendir(abs);
	struct dirent *e;

	free(abs);
	if (!d)
		return;
	while ((e = risk_memo_readdir(d)) && out->len < FIND_STATE_MAX) {
		/* .tmp/ is the approval store's staging folder: remade on each save, nothing to lose */
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".tmp"))
			continue;
		char *sub = guard_xasprintf("%s/%s", rel, e->d_name);
		guard_list_add(out, sub);
		if (depth < 4 && e->d_type == DT_DIR)
			list_state(project, sub, depth + 1, out);
		free(sub);
	}
	risk_memo_closedir(d);
}

/*
 * Does some start folder of find hold guard's state? find src -name x
 * never reaches .ai/; find ., find .., find ~ and find -L do.
 */
static bool
find_reaches_state(const struct risk_state *st, const struct risk_cmd *c)
{
	const char *project = st->ctx->project;
	bool any = false;

	if (!project || st->cwd_unknown || risk_flag(c, 'L', NULL) || risk_flag(c, 'H', NULL))
		return true;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-' || t[0] == '(' || t[0] == '!')
			break;
		any = true;
		if (c->argv[i].flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_GLOB))
			return true;
		char *abs = guard_path_resolve(st->cwds[0], t, st->ctx->home);
		bool reaches = guard_path_inside(abs, project); /* the project or a folder above it */
		if (!reaches && guard_path_inside(project, abs)) {
			/* inside the project: only .ai/, .git/ and .claude/ hold state */
			const char *r = abs + strlen(project);
			reaches = !strncmp(r, "/.ai", 4) || !strncmp(r, "/.git", 5) || !strncmp(r, "/.claude", 8);
		} else if (!reaches) {
			/* elsewhere: the user's and the machine's layers */
			reaches = (st->ctx->home && guard_path_inside(abs, st->ctx->home)) || !strncmp(abs, "/etc", 4);
		}
		free(abs);
		if (reaches)
			return true;
	}
	return !any; /* find with no start folder: "." */
}

/* Does find's pattern (o: -name, -iname, -path, ...) match the project-relative name rel? */
static bool
find_pattern_hits(const char *o, const char *pat, const char *rel)
{
	bool name = !strcmp(o, "-name") || !strcmp(o, "-iname");
	int flags = !strcmp(o, "-iname") || !strcmp(o, "-ipath") ? FNM_CASEFOLD : 0;
	char p[PATH_MAX];

	if (name)
		return fnmatch(pat, risk_basename(rel), flags) == 0;
	snprintf(p, sizeof(p), "./%s", rel);
	return fnmatch(pat, p, flags) == 0 || fnmatch(pat, rel, flags) == 0;
}

/*
 * find whose -name/-path could pick guard's files, with -delete or a
 * writing -exec: the patterns are matched against the names guard's
 * state really has here (.ai/, .git/guard/, the hooks), and against
 * typical names for state not made yet.
 */
static void
find_picks_state(struct risk_state *st, const struct risk_cmd *c, const struct stems *s)
{
	static const char *const samples[] = { ".ai/policy.yaml", ".ai/approvals/x.json", ".ai/audit/x.jsonl",
		".ai/audit/2026-01-01.jsonl", ".ai/sessions/x.json", ".ai/audit", ".ai/approvals", ".ai/sessions", ".ai",
		".claude/settings.json", ".claude/settings.local.json", "PENDING_PLANS.md", ".git/hooks/pre-commit",
		".git/hooks/reference-transaction", ".git/guard", ".git/guard/sessions/x.json", ".git/guard/audit-x.synced",
		".git/guard/consumed", ".git/config", NULL };
	struct guard_list real = GUARD_LIST_INIT;
	bool listed = false;

	(void)s;
	if (!find_reaches_state(st, c))
		return;
	for (size_t i = 1; i + 1 < c->argc; i++) {
		const char *o = c->argv[i].text, *pat = c->argv[i + 1].text;
		if (strcmp(o, "-name") && strcmp(o, "-iname") && strcmp(o, "-path") && strcmp(o, "-wholename") &&
		    strcmp(o, "-ipath"))
			continue;
		if (i > 1 && (!strcmp(c->argv[i - 1].text, "-not") || !strcmp(c->argv[i - 1].text, "!")))
			continue;
		if (!listed && st->ctx->project) {
			list_state(st->ctx->project, ".ai", 1, &real);
			list_state(st->ctx->project, ".git/guard", 1, &real);
			list_state(st->ctx->project, ".git/hooks", 4, &real);
			listed = true;
		}
		const char *hit = NULL;
		for (size_t k = 0; !hit && samples[k]; k++)
			if (find_pattern_hits(o, pat, samples[k]) && risk_guard_place(st, samples[k]) == RISK_GUARD_STATE)
				hit = samples[k];
		for (size_t k = 0; !hit && k < real.len; k++)
			if (find_pattern_hits(o, pat, real.items[k]) && risk_guard_place(st, real.items[k]) == RISK_GUARD_STATE)
				hit = real.items[k];
		if (hit) {
			risk_path_str(st, "find", hit, PATH_WRITE);
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "find %s %s would pick guard's own state (%s) for a writer", o, pat, hit);
			break;
		}
	}
	guard_list_clear(&real);
}

/* find -exec CMD ... where CMD is no read-only verb, or edits in place. */
static bool
find_execs_writer(const struct risk_cmd *c)
{
	for (size_t i = 1; i + 1 < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (strcmp(a, "-exec") && strcmp(a, "-execdir") && strcmp(a, "-ok") && strcmp(a, "-okdir"))
			continue;
		if (!risk_name_in(readonly_verbs, risk_basename(c->argv[i + 1].text)))
			return true;
		for (size_t k = i + 2; k < c->argc && strcmp(c->argv[k].text, ";") && strcmp(c->argv[k].text, "+"); k++)
			if (!strncmp(c->argv[k].text, "-i", 2) || abbreviates(c->argv[k].text, "--in-place", 5))
				return true;
	}
	return false;
}

/*
 * -rt.ai, -xC.a[i], -fS./.claude: a value attached inside a cluster of short
 * options is a word of its own (guard_risk_getopt.c); without the program's
 * option table each suffix after a letter may be one.
 */
static void
cluster_values(struct risk_state *st, const struct stems *s, const struct risk_cmd *c,
	       const struct guard_shell_word *w, mention_fn found)
{
	size_t from = 1, tries;
	const char *opts, *v;

	if (w->text[0] != '-' || w->text[1] == '-' || (w->flags & GUARD_WORD_DYNAMIC))
		return; /* before the option table is looked up: most words are no cluster */
	opts = risk_optstring(c->name);
	tries = strlen(w->text) <= 256 ? 256 : 16; /* a long word: its first letters only */
	while (tries-- && (v = risk_cluster_attached(opts, w->text, &from)) != NULL) {
		char name[PATH_MAX];
		int place;
		if (!scan_state(st, s, c->name, v, found) && found == mention_write && (w->flags & GUARD_WORD_GLOB) &&
		    (place = glob_guard_place(st, v, name, sizeof(name), NULL)))
			mention_glob(st, c->name, v, name, place);
	}
}

void
risk_guard_mentions(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;
	bool interp = is_interp(n);
	bool readonly = risk_name_in(readonly_verbs, n) || (!strcmp(n, "git") && git_readonly(c)) ||
			risk_guard_program_name(n);
	bool copies = risk_name_in(copy_verbs, n) || risk_name_in(content_verbs, n);
	bool text = risk_name_in(text_verbs, n) || risk_guard_program_name(n);
	const struct guard_shell_cmd *cmd = c->cmd;
	struct stems made;
	const struct stems *s;

	if (readonly && writes_in_place(c))
		readonly = false;
	/* f ARGS, every use of f a plain call: what its body does with them is rated there */
	if (c->sh && c->argc && !cmd->defines_function && !strcmp(c->argv[0].text, n) &&
	    guard_list_has(&c->sh->functions, n) &&
	    risk_function_deferred(c->sh, n))
		readonly = true;
	if (!strcmp(n, "sed") || strstr(n, "awk"))
		for (size_t i = 1; readonly && i < c->argc; i++)
			if (is_program_word(c, i) && (strstr(n, "awk") ? awk_writes(c->argv[i].text) :
						      (code_writes(c->argv[i].text) || sed_execs(c->argv[i].text))))
				readonly = false; /* print > f, w FILE, s///e: every name it is given may be written */
	/* echo/printf into a file: whatever names a guard verb is a script for later */
	if ((!strcmp(n, "echo") || !strcmp(n, "printf")) && cmd->nredirs)
		text = false;
	/* git commit -m / tag -m hold text; other git subcommands run hooks, pagers, editors */
	if (!strcmp(n, "git") && !git_subcommand(c, "commit") && !git_subcommand(c, "tag"))
		text = false;
	/* VAR=value in front: PAGER=, GIT_EDITOR=, BASH_ENV=, PROMPT_COMMAND= run what they name */
	for (size_t i = 0; i < cmd->nassigns; i++)
		if (risk_guard_runs_human_verb(st, cmd->assigns[i].text))
			return;
	/* interpreters guard has no code rules for: their code and stdin judged here */
	if (interp && !interp_known(n)) {
		char *in = risk_literal_stdin(c);
		if (in)
			risk_guard_code(st, n, in);
		free(in);
		for (size_t i = 1; i < c->argc; i++)
			if (is_program_word(c, i) || (i > 1 && !strcmp(c->argv[i - 1].text, "eval")))
				risk_guard_code(st, n, c->argv[i].text);
	}
	/* run from inside a folder of guard's state: any relative name may be its state */
	int here = readonly || st->remote || !away_from_root(st) ? 0 : risk_guard_place(st, ".");
	if (here)
		mention_write(st, n, ".", here);
	s = stems_for(st, &made);
	/* every word of the simple command: a wrapper's -C DIR too */
	for (size_t i = 1; i < cmd->argc; i++) {
		const struct guard_shell_word *w = &cmd->argv[i];
		size_t k = (size_t)(w - c->argv);
		bool own = w >= c->argv && k < c->argc;
		if (own && k == 0)
			continue;
		bool program_text = own && is_program_word(c, k);
		/* an option's value that is run, inside a text verb: git -c core.pager=, man -P */
		bool runs_value = k > 1 && (!strcmp(c->argv[k - 1].text, "-c") || !strcmp(c->argv[k - 1].text, "-P") ||
					    !strncmp(c->argv[k - 1].text, "--pager", 7) || !strncmp(w->text, "--pager=", 8));
		if ((!text || runs_value) && !(program_text && interp) && risk_guard_runs_human_verb(st, w->text))
			return; /* chrt ... guard-approve approve, sed 's/x/guard-audit prune/e' */
		if (program_text && interp)
			continue; /* risk_guard_code judges it */
		bool reads = readonly || (own && only_read_here(c, k));
		scan_state(st, s, n, w->text, reads ? mention_read : mention_write);
		if (own)
			cluster_values(st, s, c, w, reads ? mention_read : mention_write);
		const char *installed = own && !(w->flags & GUARD_WORD_DYNAMIC) && !runs_program_word(c)
			? installed_named(st, w) : NULL;
		if (installed && readonly) {
			st->guard_mentioned = true; /* ls BIN/guard | xargs ed: a later writer fed its name */
			installed = NULL;
		}
		if (installed) {
			/* ed, vim -es, patchelf, truncate, an unknown program: guard's programs are its state */
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "%s names guard's program (%s) and is no read-only use: the hook runs it, so it is "
				  "guard's state: %s", n, installed, w->text);
			continue;
		}
		if (!reads && (w->flags & GUARD_WORD_GLOB) && !(w->flags & GUARD_WORD_DYNAMIC)) {
			/* cp -r x/. .a[i]/, rsync -a x/ .cl*, --target-directory=.a?: the folder the shell makes of it */
			const char *eq = w->text[0] == '-' ? strchr(w->text, '=') : NULL;
			char name[PATH_MAX];
			int place = glob_guard_place(st, eq ? eq + 1 : w->text, name, sizeof(name), NULL);
			if (place)
				mention_glob(st, n, w->text, name, place);
		}
		if (own && !readonly && !text && !(w->flags & GUARD_WORD_DYNAMIC)) {
			/* a guard program among another command's words is what it runs (taskset, gdb --args, ld.so) */
			const char *prog = risk_guard_program_name(risk_basename(w->text));
			if (prog && !copies && (strchr(w->text, '/') || k + 1 < c->argc)) {
				risk_guard_rate_program(st, c, prog, k + 1);
				continue;
			}
		}
		if (copies && (w->flags & GUARD_WORD_DYNAMIC) && risk_guard_names_program(w->text))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "%s copies or links one of guard's programs: %s", n, w->text);
		if (copies && !(w->flags & GUARD_WORD_DYNAMIC)) {
			const char *eq = !strncmp(w->text, "if=", 3) ? w->text + 3 : w->text;
			const char *prog = risk_guard_program_at(st, eq);
			if (prog)
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "%s copies or links guard's program %s: guard's programs are guard's state", n, prog);
		}
	}
	/* tee < guard-approve, strip -o x < ...: a guard program on stdin */
	for (size_t i = 0; copies && i < cmd->nredirs; i++)
		if (cmd->redirs[i].op == GUARD_REDIR_IN && !(cmd->redirs[i].target.flags & GUARD_WORD_DYNAMIC) &&
		    risk_guard_program_at(st, cmd->redirs[i].target.text))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s copies one of guard's programs from stdin", n);
	if (!readonly)
		bulk_writers(st, c, s);
	if (!strcmp(n, "find") && (!readonly || find_execs_writer(c)))
		find_picks_state(st, c, s);
	if (!strcmp(n, "at") || !strcmp(n, "batch"))
		risk_stdin_program(st, c, n, STDIN_SHELL); /* at reads a shell script on stdin */
	/* names of guard's state fed to a writer on stdin (ls .ai/x | xargs sed -i) */
	if (c->xargs && !readonly && st->guard_mentioned)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s writes files named on its input after guard's state was listed", n);
}
