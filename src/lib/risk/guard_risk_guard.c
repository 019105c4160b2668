/*
 * guard's own programs, as the agent would reach for them
 * (share/doc/trust.md section 1): a human-only verb of a guard program
 * (approve, prune, plans resolve, ...) is denied however it is reached:
 * any argument order, an abbreviated option or a glob that selects it, a
 * verb that is computed or arrives on stdin, a guard program named inside
 * another command or an interpreter's code, or a guard program under
 * another name (a link or a copy, found by inode and by its bytes).
 * guard_risk_state.c does the same for guard's files.
 */
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <sys/stat.h>
#include <threads.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

/* ---- guard's programs and their verbs ------------------------------- */

/* every name starts with "guard": risk_guard_runs_human_verb and risk_guard_names_program look for that first */
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
	{ "guard-audit", "seal" },      { "guard-audit", "--tee" },    { "guard-audit", "seal-key" },
	{ "guard-session", "start" },   { "guard-session", "end" },    { "guard-session", "run" },
	{ "guard-session", "resolve" }, { "guard-session", "track" },  { "guard-session", "plans" },
	{ "guard-git", "install" },     { "guard-git", "uninstall" },  { "guard-git", "cleanup" },
	/* an option that writes a file: the baseline decides what the scan stops reporting */
	{ "guard-scan", "--write-baseline" },
	{ NULL, NULL },
};

/*
 * Verbs that only read (or, for request and defer, speak for the agent).
 * A program's verb in neither list is denied: a verb added to a program
 * is a person's until it is named here (t/redteam.bats holds every
 * program's --help to these lists).
 */
static const struct {
	const char *prog, *verb;
} plain_verbs[] = {
	{ "guard", "explain" },        { "guard", "doctor" },          { "guard", "demo" },
	{ "guard", "help" },           { "guard", "version" },
	{ "guard-approve", "request" }, { "guard-approve", "list" },   { "guard-approve", "show" },
	{ "guard-approve", "status" },  { "guard-approve", "wait" },   { "guard-approve", "verify" },
	{ "guard-audit", "verify" },    { "guard-audit", "query" },    { "guard-audit", "stats" },
	{ "guard-audit", "export" },    { "guard-audit", "tail" },     { "guard-audit", "report" },
	{ "guard-session", "status" },  { "guard-session", "list" },   { "guard-session", "check" },
	{ "guard-session", "defer" },
	{ "guard-git", "check" },       { "guard-git", "base" },       { "guard-git", "hook" },
	{ "guard-git", "reviewers" },   { "guard", "mcp" },
	{ NULL, NULL },
};

const char *
risk_guard_program_name(const char *name)
{
	if (name[0] == 'g')
		for (size_t i = 0; programs[i]; i++)
			if (!strcmp(programs[i], name))
				return programs[i];
	/* "gu*-approve", "guard-appro?e": a glob that could name one (not "*") */
	if (strpbrk(name, "*?[") && strlen(name) - strspn(name, "*?[]") >= 4 && strcspn(name, "*?[") + strlen(name) > 4)
		for (size_t i = 0; programs[i]; i++)
			if (fnmatch(name, programs[i], 0) == 0)
				return programs[i];
	return NULL;
}

/*
 * Could word select verb? The same word, a long option getopt_long would
 * take as an abbreviation ("--ga" for "--gate"), or a glob the shell could
 * expand to it ("a?prove", "[h]ook").
 */
static bool
word_selects(const char *word, const char *verb)
{
	size_t n = strlen(word);

	if (!strcmp(word, verb))
		return true;
	/* --opt=VALUE, --op=VALUE: the option's part is what selects */
	if (verb[0] == '-' && verb[1] == '-' && word[0] == '-' && strchr(word, '='))
		n = (size_t)(strchr(word, '=') - word);
	if (verb[0] == '-' && verb[1] == '-' && n >= 3 && word[1] == '-' && n <= strlen(verb) && !strncmp(word, verb, n))
		return true;
	return strpbrk(word, "*?[") && fnmatch(word, verb, 0) == 0;
}

static bool
verb_in(const char *prog, const char *word, bool human)
{
	if (human) {
		for (size_t i = 0; human_verbs[i].prog; i++)
			if (!strcmp(human_verbs[i].prog, prog) && word_selects(word, human_verbs[i].verb))
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

/* Is any word of argv[from..argc) one of prog's plain verbs? (Options may come before the verb.) */
static bool
plain_word(const struct risk_cmd *c, const char *prog, size_t from)
{
	for (size_t i = from; i < c->argc; i++)
		if (c->argv[i].text[0] != '-' && verb_in(prog, c->argv[i].text, false))
			return true;
	return false;
}

/* ---- a guard program under another name ----------------------------- */

#define GUARD_IDS_MAX 32

struct prog_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	const char *name;
	char *path; /* kept for the life of the process (a table of PATH_MAX arrays cost a page fault each) */
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
	ids[nids].path = guard_xstrdup(path);
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

	if (risk_memo_read(path, 256u << 20, &a, &la) == 0 && risk_memo_read(id->path, 256u << 20, &b, &lb) == 0)
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
	if (risk_memo_stat(abs, &sb) < 0 || !S_ISREG(sb.st_mode))
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
	size_t wl = strlen(word);
	for (const char *p = path; p && *p;) {
		size_t len = strcspn(p, ":");
		char file[PATH_MAX];
		if (len && p[0] == '/' && len + 1 + wl < sizeof(file)) {
			/* DIR/word, copied (not printed: asked for each folder of PATH) */
			memcpy(file, p, len);
			file[len] = '/';
			memcpy(file + len + 1, word, wl + 1);
			if (risk_memo_access(file, X_OK) == 0)
				return identify(file);
		}
		p += len + (p[len] == ':');
	}
	return NULL;
}

/* ---- guard's installed files ----------------------------------------- */

#ifndef GUARD_LIBEXECDIR
#define GUARD_LIBEXECDIR "/usr/local/lib/guard"
#endif
#ifndef GUARD_DATADIR
#define GUARD_DATADIR "/usr/local/share/guard"
#endif

/* guard's programs without verbs of their own: the git hooks' front, the helpers. */
static const char *const other_programs[] = { "guard-githook", "guard-mcp-http", NULL };

static struct {
	char exe_dir[PATH_MAX]; /* the running program's folder: the hook runs guard from there */
	char bin_dir[PATH_MAX]; /* PREFIX/bin, PREFIX/share/man, from the compiled-in data folder */
	char man_dir[PATH_MAX];
	struct {
		dev_t dev;
		ino_t ino;
		const char *name;
	} f[2 * GUARD_IDS_MAX];
	size_t n;
} inst;
static once_flag inst_once = ONCE_FLAG_INIT;

static void
inst_add(const char *dir, const char *name)
{
	struct stat sb;
	char path[PATH_MAX];

	if (!dir[0] || inst.n == sizeof(inst.f) / sizeof(inst.f[0]) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) || stat(path, &sb) < 0 ||
	    !S_ISREG(sb.st_mode))
		return;
	inst.f[inst.n].dev = sb.st_dev;
	inst.f[inst.n].ino = sb.st_ino;
	inst.f[inst.n++].name = name;
}

static void
inst_build(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *data = GUARD_DATADIR;
	size_t dl = strlen(data);

	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash && slash > exe) {
			*slash = '\0';
			snprintf(inst.exe_dir, sizeof(inst.exe_dir), "%s", exe);
		}
	}
	/* PREFIX/share/guard: PREFIX/bin and PREFIX/share/man beside it */
	if (dl > 12 && !strcmp(data + dl - 12, "/share/guard")) {
		snprintf(inst.bin_dir, sizeof(inst.bin_dir), "%.*s/bin", (int)(dl - 12), data);
		snprintf(inst.man_dir, sizeof(inst.man_dir), "%.*s/share/man", (int)(dl - 12), data);
	}
	for (int k = 0; k < 2; k++) {
		const char *const *names = k ? other_programs : programs;
		for (size_t i = 0; names[i]; i++) {
			inst_add(inst.exe_dir, names[i]);
			inst_add(inst.bin_dir, names[i]);
			inst_add(GUARD_LIBEXECDIR, names[i]);
		}
	}
}

/* One of guard's program names (with or without verbs)? */
static const char *
program_named(const char *name)
{
	for (int k = 0; k < 2; k++) {
		const char *const *names = k ? other_programs : programs;
		for (size_t i = 0; names[i]; i++)
			if (!strcmp(names[i], name))
				return names[i];
	}
	return NULL;
}

bool
risk_guard_program_glob(const char *pattern)
{
	for (int k = 0; k < 2; k++) {
		const char *const *names = k ? other_programs : programs;
		for (size_t i = 0; names[i]; i++)
			if (fnmatch(pattern, names[i], 0) == 0)
				return true;
	}
	return false;
}

/* Is abs dir itself, or below it (below only: "" never matches)? */
static bool
at_or_below(const char *abs, const char *dir)
{
	size_t n = strlen(dir);
	return n > 1 && !strncmp(abs, dir, n) && (!abs[n] || abs[n] == '/');
}

const char *
risk_guard_installed(const char *abs, bool holds)
{
	const char *base = risk_basename(abs);
	size_t dn = base > abs ? (size_t)(base - abs - 1) : 0;
	struct stat sb;

	call_once(&inst_once, inst_build);
	if (!abs[0] || !strcmp(abs, "/"))
		return NULL;
	const char *dirs[] = { inst.exe_dir, inst.bin_dir, GUARD_LIBEXECDIR };
	for (size_t i = 0; i < 3; i++)
		if (dirs[i][0] && strlen(dirs[i]) == dn && !strncmp(abs, dirs[i], dn) && program_named(base))
			return program_named(base);
	if (at_or_below(abs, GUARD_LIBEXECDIR))
		return "guard's helper programs (" GUARD_LIBEXECDIR ")";
	if (at_or_below(abs, GUARD_DATADIR))
		return "guard's built-in policy (" GUARD_DATADIR ")";
	if (inst.man_dir[0] && (!strncmp(abs, inst.man_dir, strlen(inst.man_dir))) &&
	    (fnmatch("*/man1/guard*.1*", abs, 0) == 0 || fnmatch("*/man5/guard*.5*", abs, 0) == 0))
		return "guard's manual page";
	if (risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode))
		for (size_t i = 0; i < inst.n; i++)
			if (inst.f[i].dev == sb.st_dev && inst.f[i].ino == sb.st_ino)
				return inst.f[i].name; /* a link to it */
	if (holds && inst.exe_dir[0] && at_or_below(inst.exe_dir, abs))
		return "the folder of guard's programs";
	return NULL;
}

/* ---- the verb a guard program runs ------------------------------------ */

static void
human(struct risk_state *st, const char *prog, const char *verb)
{
	risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
		  "%s %s decides, erases or speaks for a person: an agent cannot run it", prog, verb);
}

/* guard mcp [--name N] -- SERVER ARGS: the proxy runs the server command here, rated as such. */
static void
guard_mcp_server(struct risk_state *st, const struct risk_cmd *c, size_t from)
{
	for (size_t i = from; i < c->argc; i++)
		if (!strcmp(c->argv[i].text, "--") && i + 1 < c->argc) {
			struct risk_cmd inner = *c;
			inner.argv += i + 1;
			inner.argc -= i + 1;
			risk_explain(st, "    guard mcp runs the server: %s", inner.argv[0].text);
			risk_analyse_cmd(st, &inner);
			return;
		}
}

/*
 * A program whose verbs all only read, with a human-only option
 * (guard-scan --write-baseline): an argument that could become that
 * option when the shell or xargs supplies it ("$opt", "--wr$x", words on
 * stdin) is denied, as a computed verb is. True when rated so.
 */
static bool
plain_option_unknown(struct risk_state *st, const struct risk_cmd *c, const char *prog, size_t from)
{
	for (size_t k = 0; human_verbs[k].prog; k++) {
		if (strcmp(human_verbs[k].prog, prog))
			continue;
		const char *opt = human_verbs[k].verb;
		if (c->xargs) {
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
				  "%s takes arguments from its input: one could be %s (a person's option)", prog, opt);
			return true;
		}
		for (size_t i = from; i < c->argc; i++) {
			const struct guard_shell_word *w = &c->argv[i];
			size_t lit = strcspn(w->text, "$`");
			if ((w->flags & GUARD_WORD_DYNAMIC) && lit < strlen(opt) && !strncmp(w->text, opt, lit)) {
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
					  "%s takes a computed argument that could be %s (a person's option): %s", prog, opt,
					  w->text);
				return true;
			}
		}
	}
	return false;
}

/*
 * Rate prog with the words argv[from..argc): denied when any word is one
 * of its human-only verbs, or when its verb cannot be known (computed,
 * or arriving on stdin through xargs).
 */
void
risk_guard_rate_program(struct risk_state *st, const struct risk_cmd *c, const char *prog, size_t from)
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
		if (!plain_option_unknown(st, c, prog, from))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (!strcmp(prog, "guard") && verb && !(verb->flags & GUARD_WORD_DYNAMIC)) {
		char sub[80];
		if (snprintf(sub, sizeof(sub), "guard-%s", verb->text) < (int)sizeof(sub) && risk_guard_program_name(sub)) {
			risk_guard_rate_program(st, c, risk_guard_program_name(sub), (size_t)(verb - c->argv) + 1);
			return;
		}
	}
	if (verb && (verb->flags & GUARD_WORD_DYNAMIC)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "%s runs a computed verb: %s", prog, verb->text);
		return;
	}
	/* xargs, find -exec: unless a plain verb is written, it arrives at run time */
	if ((c->xargs || c->find_items) && !(verb && verb_in(prog, verb->text, false))) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "%s takes its verb from its input: it cannot be checked",
			  prog);
		return;
	}
	if (verb && !plain_word(c, prog, from)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
			  "%s %s is not a verb guard lets an agent run (a person's verbs are denied)", prog, verb->text);
		return;
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	if (!strcmp(prog, "guard") && verb && !strcmp(verb->text, "mcp"))
		guard_mcp_server(st, c, (size_t)(verb - c->argv) + 1);
	/* guard-git hook --chain FILE runs FILE (and FILE.guard-chained): a script run by path */
	for (size_t i = from; !strcmp(prog, "guard-git") && i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i].text, "--chain")) {
			struct risk_cmd inner = *c;
			inner.argv += i + 1;
			inner.argc = 1;
			risk_file_script(st, &inner);
			char *chained = guard_xasprintf("%s.guard-chained", inner.argv[0].text);
			struct guard_shell_word w = inner.argv[0];
			w.text = chained;
			inner.argv = &w;
			if (!risk_later_run(st, NULL, &w, "guard-git hook --chain")) {
				risk_file_script(st, &inner);
				risk_path(st, "guard-git hook --chain", &w, PATH_EXEC);
			}
			free(chained);
			break;
		}
}

bool
risk_guard_program(struct risk_state *st, struct risk_cmd *c, bool known_verb)
{
	const char *prog = risk_guard_program_name(c->name);

	if (!prog && (strchr(c->argv[0].text, '/') || !known_verb) && !st->remote)
		prog = identify_command(st, c->argv[0].text);
	if (!prog)
		return false;
	if (strcmp(prog, c->name))
		risk_explain(st, "    %s is guard's %s", c->argv[0].text, prog);
	risk_guard_rate_program(st, c, prog, 1);
	/* a file a guard verb reads for the agent (defer --plan F, guard-scan files F, guard-policy test F)
	   is read as cat F would be: a secret is denied (G4) */
	for (size_t i = 1; i < c->argc; i++)
		risk_sniff_arg(st, prog, &c->argv[i]);
	return true;
}

/* ---- guard programs named inside other commands and code ------------ */

const char *
risk_guard_program_at(const struct risk_state *st, const char *text)
{
	const char *base = risk_basename(text);

	if (risk_guard_program_name(base) && (strchr(text, '/') || strcmp(base, "guard")))
		return risk_guard_program_name(base);
	if (strchr(text, '/') && !st->remote) {
		char *abs = guard_path_resolve(st->cwds[0], text, st->ctx->home);
		const char *name = identify(abs);
		/* the folder that holds guard's programs: copying it copies them */
		call_once(&ids_once, ids_build);
		for (size_t i = 0; !name && i < nids; i++) {
			const char *slash = strrchr(ids[i].path, '/');
			size_t dl = slash ? (size_t)(slash - ids[i].path) : 0;
			if (dl && strlen(abs) == dl && !strncmp(abs, ids[i].path, dl))
				name = "guard";
		}
		free(abs);
		return name;
	}
	return NULL;
}

/* A guard program named in text with one of its human-only verbs after it. */
bool
risk_guard_runs_human_verb(struct risk_state *st, const char *text)
{
	if (!strstr(text, "guard"))
		return false; /* every program's name starts so (asked for every word of every command) */
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
bool
risk_guard_names_program(const char *text)
{
	if (!strstr(text, "guard"))
		return false; /* every program's name starts so */
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

