/*
 * guard's own programs and state, as the agent would reach for them
 * (share/doc/trust.md). Three rules, each written for the family of
 * spellings rather than one:
 *
 *  - a human-only verb of a guard program (approve, prune, plans resolve,
 *    ...) is denied however it is reached: any argument order, a verb
 *    that is computed or arrives on stdin, an interpreter's code, or a
 *    guard program under another name (a link or a copy, found by inode
 *    and by content);
 *  - a word that names guard's protected state (or a folder holding it)
 *    makes the command a write of that state, unless the command is a
 *    known read-only use;
 *  - copying or linking a guard program touches guard's state.
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <threads.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

/* ---- guard's programs and their verbs ------------------------------- */

static const char *const programs[] = { "guard", "guard-risk", "guard-policy", "guard-approve", "guard-audit",
					"guard-session", "guard-git", "guard-scan", NULL };

/* Verbs that decide, erase or speak for a person, per program. */
static const struct {
	const char *prog, *verb;
} human_verbs[] = {
	{ "guard", "hook" },          { "guard", "init" },
	{ "guard-approve", "approve" }, { "guard-approve", "reject" }, { "guard-approve", "cancel" },
	{ "guard-approve", "expire" },  { "guard-approve", "keygen" }, { "guard-approve", "--gate" },
	{ "guard-approve", "gate" },
	{ "guard-audit", "prune" },     { "guard-audit", "append" },   { "guard-audit", "log" },
	{ "guard-audit", "seal" },      { "guard-audit", "--tee" },
	{ "guard-session", "start" },   { "guard-session", "end" },    { "guard-session", "run" },
	{ "guard-session", "resolve" }, { "guard-session", "track" },
	{ "guard-git", "install" },     { "guard-git", "uninstall" },
	{ NULL, NULL },
};

/* Verbs that only read (or, for request and defer, speak for the agent). */
static const struct {
	const char *prog, *verb;
} plain_verbs[] = {
	{ "guard", "explain" },        { "guard", "doctor" },          { "guard", "demo" },
	{ "guard", "help" },           { "guard", "version" },
	{ "guard-approve", "request" }, { "guard-approve", "list" },   { "guard-approve", "show" },
	{ "guard-approve", "status" },  { "guard-approve", "wait" },   { "guard-approve", "verify" },
	{ "guard-audit", "verify" },    { "guard-audit", "query" },    { "guard-audit", "stats" },
	{ "guard-audit", "export" },    { "guard-audit", "tail" },
	{ "guard-session", "status" },  { "guard-session", "list" },   { "guard-session", "briefing" },
	{ "guard-session", "check" },   { "guard-session", "defer" },  { "guard-session", "plans" },
	{ NULL, NULL },
};

static const char *
program_name(const char *name)
{
	for (size_t i = 0; programs[i]; i++)
		if (!strcmp(programs[i], name))
			return programs[i];
	return NULL;
}

static bool
verb_in(const char *prog, const char *word, bool human)
{
	if (human) {
		for (size_t i = 0; human_verbs[i].prog; i++)
			if (!strcmp(human_verbs[i].prog, prog) && !strcmp(human_verbs[i].verb, word))
				return true;
		return false;
	}
	for (size_t i = 0; plain_verbs[i].prog; i++)
		if (!strcmp(plain_verbs[i].prog, prog) && !strcmp(plain_verbs[i].verb, word))
			return true;
	return false;
}

/* guard-risk, guard-policy and guard-scan only read: every verb is plain. */
static bool
all_plain(const char *prog)
{
	return !strcmp(prog, "guard-risk") || !strcmp(prog, "guard-policy") || !strcmp(prog, "guard-scan");
}

/* ---- a guard program under another name ----------------------------- */

#define GUARD_IDS_MAX 32

struct prog_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	const char *name;
	char path[PATH_MAX];
};

static struct prog_id ids[GUARD_IDS_MAX];
static size_t nids;
static once_flag ids_once = ONCE_FLAG_INIT;

static void
id_add(const char *dir, const char *name)
{
	struct stat sb;
	char path[PATH_MAX];

	if (nids == GUARD_IDS_MAX || snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
		return;
	for (size_t i = 0; i < nids; i++)
		if (ids[i].dev == sb.st_dev && ids[i].ino == sb.st_ino)
			return;
	ids[nids].dev = sb.st_dev;
	ids[nids].ino = sb.st_ino;
	ids[nids].size = sb.st_size;
	ids[nids].name = name;
	memcpy(ids[nids].path, path, strlen(path) + 1);
	nids++;
}

/* guard's programs beside the running one, found once. */
static void
ids_build(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			for (size_t i = 0; programs[i]; i++)
				id_add(exe[0] ? exe : "/", programs[i]);
		}
	}
	/*
	 * Only the running program's folder: scanning $PATH for every name
	 * costs more than the rest of a hook call, and a copy elsewhere is
	 * still found by its bytes.
	 */
}

/* Same bytes as the guard program at ids[i]? Only called when sizes agree. */
static bool
same_content(const char *path, const struct prog_id *id)
{
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	bool same = false;

	if (guard_file_read(path, 256u << 20, 0, &a, &la) == 0 && guard_file_read(id->path, 256u << 20, 0, &b, &lb) == 0)
		same = la == lb && !memcmp(a, b, la);
	guard_error_clear();
	free(a);
	free(b);
	return same;
}

/* The guard program the file at abs is (a link, or a byte-for-byte copy), or NULL. */
static const char *
identify(const char *abs)
{
	struct stat sb;

	call_once(&ids_once, ids_build);
	if (stat(abs, &sb) < 0 || !S_ISREG(sb.st_mode))
		return NULL;
	for (size_t i = 0; i < nids; i++)
		if (ids[i].dev == sb.st_dev && ids[i].ino == sb.st_ino)
			return ids[i].name;
	for (size_t i = 0; i < nids; i++)
		if (ids[i].size == sb.st_size && same_content(abs, &ids[i]))
			return ids[i].name;
	return NULL;
}

/* Where the word would run from: a path, or the first hit on $PATH. */
static const char *
identify_command(const struct risk_state *st, const char *word)
{
	if (strchr(word, '/')) {
		char *abs = guard_path_resolve(st->cwds[0], word, st->ctx->home);
		const char *name = identify(abs);
		free(abs);
		return name;
	}
	const char *path = getenv("PATH");
	for (const char *p = path; p && *p;) {
		size_t len = strcspn(p, ":");
		char file[PATH_MAX];
		if (len && p[0] == '/' && snprintf(file, sizeof(file), "%.*s/%s", (int)len, p, word) < (int)sizeof(file) &&
		    access(file, X_OK) == 0)
			return identify(file);
		p += len + (p[len] == ':');
	}
	return NULL;
}

/* ---- the verb a guard program runs ------------------------------------ */

static void
human(struct risk_state *st, const char *prog, const char *verb)
{
	risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
		  "%s %s decides, erases or speaks for a person: an agent cannot run it", prog, verb);
}

/*
 * Rate prog with the words argv[from..argc): denied when any word is one
 * of its human-only verbs, or when its verb cannot be known (computed,
 * or arriving on stdin through xargs).
 */
static void
rate_program(struct risk_state *st, const struct risk_cmd *c, const char *prog, size_t from)
{
	const struct guard_shell_word *verb = NULL;

	for (size_t i = from; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		if (!(w->flags & GUARD_WORD_DYNAMIC) && verb_in(prog, w->text, true)) {
			human(st, prog, w->text);
			return;
		}
		if (!verb && (w->text[0] != '-' || (w->flags & GUARD_WORD_DYNAMIC)))
			verb = w;
	}
	if (all_plain(prog)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (!strcmp(prog, "guard") && verb && !(verb->flags & GUARD_WORD_DYNAMIC)) {
		char sub[80];
		if (snprintf(sub, sizeof(sub), "guard-%s", verb->text) < (int)sizeof(sub) && program_name(sub)) {
			rate_program(st, c, program_name(sub), (size_t)(verb - c->argv) + 1);
			return;
		}
	}
	if (verb && (verb->flags & GUARD_WORD_DYNAMIC)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "%s runs a computed verb: %s", prog, verb->text);
		return;
	}
	if (c->xargs || c->find_items) {
		/* the verb, or words after it, arrive at run time */
		if (!verb || !verb_in(prog, verb->text, false) || c->xargs) {
			bool known = verb && verb_in(prog, verb->text, false);
			if (!known) {
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
					  "%s takes its verb from its input: it cannot be checked", prog);
				return;
			}
		}
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

bool
risk_guard_program(struct risk_state *st, struct risk_cmd *c, bool known_verb)
{
	const char *prog = program_name(c->name);

	if (!prog && (strchr(c->argv[0].text, '/') || !known_verb) && !st->remote)
		prog = identify_command(st, c->argv[0].text);
	if (!prog)
		return false;
	if (strcmp(prog, c->name))
		risk_explain(st, "    %s is guard's %s", c->argv[0].text, prog);
	rate_program(st, c, prog, 1);
	return true;
}

/* ---- words that name guard's state or programs ------------------------ */

#define STEMS_MAX 32

struct stems {
	char text[STEMS_MAX][128];
	size_t n;
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
}

static bool
path_char(char ch)
{
	return ch && !strchr(" \t\n'\"`=,:;()[]{}<>|&", ch);
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
		const char *slash = strchr(s->text[i], '/');
		size_t fn = slash ? (size_t)(slash - s->text[i]) : strlen(s->text[i]);
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

	for (size_t i = 0; i < s->n; i++)
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
	/* bare folders, one path-like token at a time: "--directory=.ai", join('.ai', ...) */
	for (const char *p = text; !hits && *p;) {
		while (*p && !path_char(*p))
			p++;
		size_t n = 0;
		while (path_char(p[n]))
			n++;
		if (n && n < sizeof(token)) {
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

/* ---- read-only uses --------------------------------------------------- */

/* Verbs whose file operands are only read, and that print nothing they could copy to a file. */
static const char *const readonly_verbs[] = {
	"cat", "less", "more", "head", "tail", "wc", "nl", "tac", "od", "xxd", "hexdump", "strings", "file",
	"stat", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum",
	"sum", "cut", "column", "fold", "fmt", "diff", "cmp", "comm", "bat", "batcat", "readlink", "realpath",
	"ls", "tree", "du", "base64", "colordiff", "diff3", "lsattr", "getfacl", "exa", "eza", "lsd", "grep",
	"egrep", "fgrep", "rg", "ag", "ack", "jq", "gojq", "jaq", "zgrep", "echo", "printf", "test", "[", "[[",
	"cd", "pushd", "popd", "basename", "dirname", "which", "type", "whereis", "man", "ldd", "readelf",
	"objdump", "nm", "size", "true", "false", ":", "sort", "uniq", "find", "sed", "awk", "gawk", "mawk",
	"nawk", "yq", "python", "python3", "node", "perl", "ruby", "wait", NULL
};

/* Of those, the ones that print a file's bytes: a copy of a guard program. */
static const char *const content_verbs[] = {
	"cat", "less", "more", "head", "tail", "tac", "od", "xxd", "hexdump", "base64", "bat", "batcat",
	"sort", "uniq", "sed", "awk", "gawk", "mawk", "nawk", "python", "python3", "node", "perl", "ruby",
	"cut", "fold", "fmt", "column", NULL
};

static bool
in_table(const char *const *t, const char *name)
{
	for (size_t i = 0; t[i]; i++)
		if (!strcmp(t[i], name))
			return true;
	return false;
}

/* git's subcommand (after -C DIR, -c KEY=VAL and other global options) is sub? */
static bool
git_subcommand(const struct risk_cmd *c, const char *sub)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "-C") || !strcmp(a, "-c") || !strcmp(a, "--git-dir") || !strcmp(a, "--work-tree")) {
			i++;
			continue;
		}
		if (a[0] != '-')
			return !strcmp(a, sub);
	}
	return false;
}

static bool
git_readonly(const struct risk_cmd *c)
{
	static const char *const subs[] = { "status", "log", "diff", "show", "blame", "ls-files", "ls-tree", "grep",
					    "cat-file", "rev-parse", "check-ignore", "check-attr", "add", "commit",
					    "shortlog", "describe", "annotate", "rev-list", "whatchanged", NULL };
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "-C") || !strcmp(a, "-c") || !strcmp(a, "--git-dir") || !strcmp(a, "--work-tree")) {
			i++;
			continue;
		}
		if (a[0] == '-')
			continue;
		return in_table(subs, a);
	}
	return false;
}

/* An option that makes an otherwise read-only verb write its files. */
static bool
writes_in_place(const struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "sed") || !strcmp(n, "perl") || !strcmp(n, "yq"))
		for (size_t i = 1; i < c->argc; i++) {
			const char *a = c->argv[i].text;
			if (!strcmp(a, "--"))
				break;
			if (!strncmp(a, "--in-place", 10) || !strncmp(a, "--inplace", 9) ||
			    (a[0] == '-' && a[1] != '-' && strchr(a, 'i')))
				return true;
		}
	if (strstr(n, "awk"))
		for (size_t i = 1; i < c->argc; i++)
			if ((!strcmp(c->argv[i].text, "-i") && i + 1 < c->argc && !strcmp(c->argv[i + 1].text, "inplace")) ||
			    !strcmp(c->argv[i].text, "-iinplace") || !strncmp(c->argv[i].text, "--include", 9))
				return true;
	if (!strcmp(n, "sort") && risk_opt_value(c, "-o", "--output"))
		return true;
	if (!strcmp(n, "find"))
		for (size_t i = 1; i < c->argc; i++)
			if (!strcmp(c->argv[i].text, "-delete") || !strncmp(c->argv[i].text, "-fprint", 7) ||
			    !strcmp(c->argv[i].text, "-fls"))
				return true;
	return false;
}

/* The program text of sed / awk / an interpreter's -c / -e: written, not read. */
static bool
is_program_word(const struct risk_cmd *c, size_t i)
{
	const char *n = c->name;
	bool interp = !strcmp(n, "python") || !strcmp(n, "python3") || !strcmp(n, "node") || !strcmp(n, "perl") ||
		      !strcmp(n, "ruby");

	if (interp)
		return i > 1 && c->argv[i - 1].text[0] == '-' && strpbrk(c->argv[i - 1].text, "ce");
	if (strcmp(n, "sed") && !strstr(n, "awk"))
		return false;
	if (i > 1 && (!strcmp(c->argv[i - 1].text, "-e") || !strcmp(c->argv[i - 1].text, "--expression")))
		return true;
	for (size_t k = 1; k < c->argc; k++) {
		const char *a = c->argv[k].text;
		if (a[0] == '-' && a[1]) {
			if (!strcmp(a, "-e") || !strcmp(a, "-f") || !strcmp(a, "--expression") || !strcmp(a, "-v"))
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
	static const char *const marks[] = { "rename", "replace(", "copy", "move", "symlink", "link(", "chmod",
		"chown", "truncate", "mkdir", "makedirs", "write", "dump", "remove", "unlink", "rmtree", "rmdir",
		"system", "exec", "spawn", "popen", "Popen", "subprocess", "child_process", "'w", "\"w", "'a", "\"a",
		"'x", "\"x", "+'", "+\"", "touch", "utime", "FileUtils", "print >", "print>", "printf >", "w ", NULL };
	for (size_t i = 0; marks[i]; i++)
		if (strstr(code, marks[i]))
			return true;
	return false;
}

/* A guard program named in text with one of its human-only verbs after it. */
static bool
code_runs_human_verb(struct risk_state *st, const char *text)
{
	for (size_t i = 0; programs[i]; i++) {
		const char *prog = programs[i];
		size_t pl = strlen(prog);
		for (const char *p = text; (p = strstr(p, prog)) != NULL; p += pl) {
			bool left = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-');
			if (!left || isalnum((unsigned char)p[pl]) || p[pl] == '-' || p[pl] == '_')
				continue;
			for (size_t k = 0; human_verbs[k].prog; k++) {
				const char *v = human_verbs[k].verb;
				size_t vl = strlen(v);
				if (strcmp(human_verbs[k].prog, prog) &&
				    !(strcmp(prog, "guard") == 0 && !strncmp(human_verbs[k].prog, "guard-", 6)))
					continue;
				for (const char *q = p + pl; (q = strstr(q, v)) != NULL; q += vl)
					if (!isalnum((unsigned char)q[-1]) && q[-1] != '-' && q[-1] != '_' &&
					    !isalnum((unsigned char)q[vl]) && q[vl] != '-' && q[vl] != '_') {
						human(st, human_verbs[k].prog, v);
						return true;
					}
			}
		}
	}
	return false;
}

/* Does text name a guard program ("guard-approve", ".../bin/guard")? */
static bool
names_program_in(const char *text)
{
	for (size_t i = 0; programs[i]; i++) {
		size_t pl = strlen(programs[i]);
		for (const char *p = text; (p = strstr(p, programs[i])) != NULL; p += pl) {
			bool left = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-' ||
						   p[-1] == '.');
			bool right = !(isalnum((unsigned char)p[pl]) || p[pl] == '_' || p[pl] == '-' || p[pl] == '.');
			/* bare "guard" is a common word: only as a path's last part */
			if (left && right && (i > 0 || (p > text && p[-1] == '/')))
				return true;
		}
	}
	return false;
}

void
risk_guard_code(struct risk_state *st, const char *lang, const char *code)
{
	struct stems s;

	if (code_runs_human_verb(st, code))
		return;
	if (code_writes(code) && names_program_in(code))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s code copies or runs one of guard's programs: guard's programs are guard's state", lang);
	stems_of(st, &s);
	scan_state(st, &s, lang, code, code_writes(code) ? mention_write : mention_read);
}

/* Verbs that copy, link or pack the files they name. */
static const char *const copy_verbs[] = { "cp", "ln", "link", "install", "rsync", "dd", "tar", "zip", "cpio", "scp",
	"mv", "tee", "ditto", "pax", "objcopy", "gzip", "bzip2", "xz", "zstd", "7z", "7za", "ar", "rclone", NULL };

/* Verbs that run the command in their arguments (a guard verb in there is run). */
static const char *const runner_verbs[] = { "parallel", "script", "tmux", "screen", "busybox", "toybox",
	"chronic", "unbuffer", "systemd-run", "at", "batch", "expect", "dtach", "abduco", "entr", "watchexec",
	"sg", "newgrp", "bwrap", "unshare", "nsenter", "flatpak-spawn", "distrobox", "su", "runuser", "ssh", NULL };

/* A word naming a guard program: its name, or a path to one (a link or copy too). */
static const char *
names_program(const struct risk_state *st, const char *text)
{
	const char *base = risk_basename(text);

	if (program_name(base) && (strchr(text, '/') || strcmp(base, "guard")))
		return program_name(base);
	if (strchr(text, '/') && !st->remote) {
		char *abs = guard_path_resolve(st->cwds[0], text, st->ctx->home);
		const char *name = identify(abs);
		free(abs);
		return name;
	}
	return NULL;
}

/* The words of c from from on, joined by spaces (for a runner's command). */
static void
joined(const struct risk_cmd *c, size_t from, struct guard_buf *out)
{
	for (size_t i = from; i < c->argc; i++)
		guard_buf_addf(out, "%s%s", i > from ? " " : "", c->argv[i].text);
}

/* ---- writers whose files guard cannot list from the command -------- */

/* Does the archive's bytes name guard's state (a tar or zip keeps names in the clear)? */
static bool
archive_names_state(const char *file, const struct stems *s)
{
	char *data = NULL;
	size_t len = 0;
	bool hit = false;

	if (!file || guard_file_read(file, 64u << 20, 0, &data, &len) < 0) {
		guard_error_clear();
		return false; /* missing: the command fails; compressed: see trust.md */
	}
	for (size_t i = 0; i < s->n && !hit; i++)
		hit = s->text[i][0] != '/' && memmem(data, len, s->text[i], strlen(s->text[i])) != NULL;
	free(data);
	return hit;
}

/*
 * What lands in dir cannot be listed from the command line: a folder of
 * guard's state is denied; the project's root only when the archive (when
 * guard can read its names) holds guard's state.
 */
static void
unknown_into(struct risk_state *st, const char *verb, const char *dir, const char *archive, const struct stems *s)
{
	int place = risk_guard_place(st, dir);

	if (place) {
		mention_write(st, verb, dir, place);
		return;
	}
	if (archive_names_state(archive, s)) {
		char *abs = guard_path_resolve(st->cwds[0], dir, st->ctx->home);
		if (st->ctx->project && guard_path_inside(abs, st->ctx->project))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "%s unpacks guard's own state (%s names it) into %s", verb, archive, dir);
		free(abs);
	}
}

/* A patch or archive named by a variable: nothing can be checked. */
static void
unknown_source(struct risk_state *st, const char *verb, const char *what)
{
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s applies %s guard cannot read", verb, what);
}

/* A patch's target files ("+++ b/x", "rename to x"), each checked as a write. */
static void
patch_targets(struct risk_state *st, const char *verb, const char *file)
{
	char *data = NULL;
	size_t len = 0;

	if (guard_file_read(file, 8u << 20, 0, &data, &len) < 0) {
		bool missing = guard_error_code() == GUARD_ENOTFOUND;
		guard_error_clear();
		if (!missing) /* a missing patch fails to apply */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s applies a patch guard cannot read: %s", verb,
				  file);
		return;
	}
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
			}
		}
		line = end ? end + 1 : NULL;
	}
	free(data);
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

static bool
recursive_copy(const struct risk_cmd *c)
{
	return risk_flag(c, 'r', "recursive") || risk_flag(c, 'R', NULL) || risk_flag(c, 'a', "archive");
}

/* Does the folder src hold something that would land on guard's state below dest? */
static void
copy_tree_into(struct risk_state *st, const char *verb, const struct guard_shell_word *src, const char *dest,
	       const struct stems *s)
{
	if (src->flags & GUARD_WORD_DYNAMIC) {
		int place = risk_guard_place(st, dest);
		if (place)
			mention_write(st, verb, dest, place);
		else
			unknown_source(st, verb, "a folder named by a variable");
		return;
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
		bool there = lstat(abs, &sb) == 0;
		free(abs);
		snprintf(into, sizeof(into), "%s/%.*s", dest, (int)fn, s->text[i]);
		int place = there ? risk_guard_place(st, into) : 0;
		if (place) {
			mention_write(st, verb, into, place);
			return;
		}
	}
}

static void
bulk_writers(struct risk_state *st, const struct risk_cmd *c, const struct stems *s)
{
	const char *n = c->name;
	const struct guard_shell_word *ops[64];

	if (!strcmp(n, "tar")) {
		const char *first = c->argc > 1 ? c->argv[1].text : "";
		bool extract = risk_flag(c, 'x', "extract") || risk_arg_has(c, "--get") ||
			       (first[0] != '-' && strchr(first, 'x'));
		if (extract) {
			const char *dir = risk_opt_value(c, "-C", "--directory");
			const char *f = risk_opt_value(c, "-f", "--file");
			/* tar xf FILE, tar -xzf FILE: a bundle ending in f takes the next word */
			for (size_t i = 1; !f && i + 1 < c->argc; i++) {
				const char *a = c->argv[i].text;
				size_t al = strlen(a);
				if ((i == 1 || (a[0] == '-' && a[1] != '-')) && al && a[al - 1] == 'f')
					f = c->argv[i + 1].text;
			}
			unknown_into(st, "tar -x", dir ? dir : ".", f, s);
		}
	} else if (!strcmp(n, "unzip") || !strcmp(n, "7z") || !strcmp(n, "7za") || !strcmp(n, "bsdtar") ||
		   !strcmp(n, "cpio") || !strcmp(n, "unrar")) {
		if (strcmp(n, "unzip") || (!risk_flag(c, 'l', NULL) && !risk_flag(c, 'v', NULL) && !risk_flag(c, 't', NULL))) {
			const char *dir = risk_opt_value(c, "-d", NULL);
			size_t k = risk_operands(c, 1, "-d -x -P", ops, 64);
			unknown_into(st, n, dir ? dir : ".", k && !(ops[0]->flags & GUARD_WORD_DYNAMIC) ? ops[0]->text : NULL, s);
		}
	} else if (!strcmp(n, "patch")) {
		const char *in = risk_opt_value(c, "-i", "--input");
		size_t k = risk_operands(c, 1, "-i -p -d -o -D -B -F -r -V -Y -z -g --input --strip --directory --output "
					 "--reject-file --backup-if-mismatch", ops, 64);
		bool dynamic = k >= 2 && (ops[1]->flags & GUARD_WORD_DYNAMIC);
		if (!in)
			in = k >= 2 && !dynamic ? ops[1]->text : stdin_file(c);
		if (in)
			patch_targets(st, "patch", in);
		else if (dynamic || !c->cmd->pipe_pos)
			unknown_source(st, "patch", "a patch");
	} else if (!strcmp(n, "git") && git_subcommand(c, "apply")) {
		size_t k = risk_operands(c, 1, "-C -c -p --directory --exclude --include --git-dir --work-tree", ops, 64);
		bool any = false;
		for (size_t i = 0; i < k; i++) {
			if (risk_word_is(ops[i], "apply"))
				continue;
			any = true;
			if (ops[i]->flags & GUARD_WORD_DYNAMIC)
				unknown_source(st, "git apply", "a patch");
			else
				patch_targets(st, "git apply", ops[i]->text);
		}
		if (!any && stdin_file(c))
			patch_targets(st, "git apply", stdin_file(c));
	} else if ((!strcmp(n, "cp") || !strcmp(n, "rsync")) && recursive_copy(c)) {
		size_t k = risk_operands(c, 1, "-t -S --target-directory --suffix -e --rsh --exclude --include "
					 "--filter -f --backup-dir --partial-dir", ops, 64);
		const char *t = risk_opt_value(c, "-t", "--target-directory");
		const char *dest = t ? t : k ? ops[k - 1]->text : NULL;
		for (size_t i = 0; dest && i + (t ? 0 : 1) < k; i++)
			copy_tree_into(st, n, ops[i], dest, s);
	}
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

void
risk_guard_mentions(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;
	bool readonly = in_table(readonly_verbs, n) || (!strcmp(n, "git") && git_readonly(c)) || program_name(n);
	bool copies = in_table(copy_verbs, n) || in_table(content_verbs, n);
	const struct guard_shell_cmd *cmd = c->cmd;
	struct stems s;

	if (readonly && writes_in_place(c))
		readonly = false;
	/* run from inside a folder of guard's state: any relative name may be its state */
	int here = readonly || st->remote || !away_from_root(st) ? 0 : risk_guard_place(st, ".");
	if (here)
		mention_write(st, n, ".", here);
	/* echo/printf into a file: whatever names a guard verb is a script for later */
	if ((!strcmp(n, "echo") || !strcmp(n, "printf")) && cmd->nredirs)
		for (size_t i = 1; i < c->argc; i++)
			if (code_runs_human_verb(st, c->argv[i].text))
				return;
	stems_of(st, &s);
	/* every word of the simple command: a wrapper's -C DIR too */
	for (size_t i = 1; i < cmd->argc; i++) {
		const struct guard_shell_word *w = &cmd->argv[i];
		size_t k = (size_t)(w - c->argv);
		bool own = w >= c->argv && k < c->argc;
		bool program_text = own && is_program_word(c, k);
		if (program_text) {
			/* the interpreter module scans code; sed/awk programs here */
			if (strcmp(n, "sed") && !strstr(n, "awk"))
				continue;
			scan_state(st, &s, n, w->text, code_writes(w->text) ? mention_write : mention_read);
			continue;
		}
		if (!(own && k == 0))
			scan_state(st, &s, n, w->text, readonly ? mention_read : mention_write);
		if (copies && !(own && k == 0) && (w->flags & GUARD_WORD_DYNAMIC) && names_program_in(w->text))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "%s copies or links one of guard's programs: %s", n, w->text);
		if (copies && !(own && k == 0) && !(w->flags & GUARD_WORD_DYNAMIC)) {
			const char *eq = w->text[0] == 'i' && w->text[1] == 'f' && w->text[2] == '=' ? w->text + 3 : w->text;
			const char *prog = names_program(st, eq);
			if (prog)
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "%s copies or links guard's program %s: guard's programs are guard's state", n, prog);
		}
	}
	if (!readonly)
		bulk_writers(st, c, &s);
	if (in_table(runner_verbs, n)) {
		struct guard_buf all = GUARD_BUF_INIT;
		joined(c, 1, &all);
		code_runs_human_verb(st, all.buf);
		guard_buf_release(&all);
	}
	/* names of guard's state fed to a writer on stdin (ls .ai/x | xargs sed -i) */
	if (c->xargs && !readonly && st->guard_mentioned)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s writes files named on its input after guard's state was listed", n);
}
