/*
 * Long options given as a unique prefix (attack8 I8/I9/I11): git's
 * parse-options, GNU getopt_long and Perl's Getopt::Long take "--no-verif"
 * for "--no-verify", "--force-w" for "--force-with-lease", "--outp=F" for
 * "--output=F". Before a command is rated, each such word is written out
 * in full, so every rule reads one spelling. A prefix of several options
 * (the program refuses it, but another version may not) becomes all of
 * them: the command is rated as the most severe reading.
 *
 * The option lists (src/lib/risk/longopts.txt) are generated from the
 * installed programs by src/tools/gen_longopts.sh: git per builtin (and
 * subcommand: "git worktree add"), the GNU programs from --help. Programs
 * whose parser takes no prefixes (curl, rsync, find, dd) are not listed.
 */
#include "guard_risk_int.h"

#include <stdlib.h>
#include <string.h>

#include "risk_longopts.h"

#define LONGOPT_MAX_CANDS 16  /* readings of one ambiguous prefix */

static const char *
table_of(const char *prog)
{
	for (size_t i = 0; i < sizeof(longopt_progs) / sizeof(*longopt_progs); i++) /* ~200 entries, once a command: no index needed */
		if (!strcmp(longopt_progs[i].prog, prog))
			return longopt_progs[i].opts;
	return NULL;
}

/* "git SUB" or "git SUB SUBSUB": the table, or NULL. */
static const char *
git_table(const char *sub, const char *subsub)
{
	char key[160];

	if (subsub)
		snprintf(key, sizeof(key), "git %s %s", sub, subsub);
	else
		snprintf(key, sizeof(key), "git %s", sub);
	return table_of(key);
}

/*
 * The options of table whose name starts with name[0..len) (the table's
 * options are "--x --y ..."): their count, their starts in cand[] (up to
 * max). An exact match is the only candidate, unless all (the word
 * goes on in an expansion: --force$X is --force or --force-with-lease).
 */
static size_t
candidates(const char *table, const char *name, size_t len, const char **cand, size_t *clen, size_t max, bool all)
{
	size_t n = 0;

	for (const char *p = table; *p;) {
		size_t l = strcspn(p, " ");
		if (!all && l == len && !strncmp(p, name, len)) {
			cand[0] = p;
			clen[0] = l;
			return 1;
		}
		if (l >= len && !strncmp(p, name, len)) {
			if (n < max) {
				cand[n] = p;
				clen[n] = l;
			}
			n++;
		}
		p += l;
		p += *p == ' ';
	}
	return n;
}

struct rewrite {
	struct guard_shell_word *words; /* grown as needed: any length is rewritten (J10: 256 words was a cap) */
	char **owned;
	size_t n, nowned, alloc;
	bool changed;
};

static void
keep(struct rewrite *r, const struct guard_shell_word *w)
{
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 64;
		r->words = guard_xrealloc(r->words, r->alloc * sizeof(*r->words));
		/* twice: a word respelled (expand_my) owns its text besides its expansions */
		r->owned = guard_xrealloc(r->owned, 2 * r->alloc * sizeof(*r->owned));
	}
	r->words[r->n++] = *w;
}

/* w (a long option) written out against table: appended to r. */
static void
expand(struct risk_state *st, struct rewrite *r, const struct guard_shell_word *w, const char *table)
{
	const char *t = w->text, *cand[LONGOPT_MAX_CANDS];
	size_t clen[LONGOPT_MAX_CANDS];
	size_t len = strcspn(t, "="), fixed = strcspn(t, "$`");
	bool open = (w->flags & GUARD_WORD_DYNAMIC) && fixed < len; /* --no-ver$X: any option --no-ver... */

	if (!table || strncmp(t, "--", 2) || len <= 2 || (open && fixed <= 2)) {
		keep(r, w);
		return;
	}
	if (open) {
		keep(r, w);
		len = fixed;
	}
	size_t n = candidates(table, t, len, cand, clen, LONGOPT_MAX_CANDS, open);
	if (n == 0 || (!open && n == 1 && clen[0] == len)) {
		if (!open)
			keep(r, w);
		return;
	}
	if (n > LONGOPT_MAX_CANDS)
		risk_explain(st, "    %.*s is a prefix of %zu options: the first %d are read", (int)len, t, n,
			     LONGOPT_MAX_CANDS);
	n = n < LONGOPT_MAX_CANDS ? n : LONGOPT_MAX_CANDS;
	for (size_t k = 0; k < n; k++) {
		struct guard_buf b = GUARD_BUF_INIT;
		guard_buf_addf(&b, "%.*s%s", (int)clen[k], cand[k], open ? "" : t + len);
		struct guard_shell_word nw = *w;
		if (open) { /* a whole option: the expansion is kept in the word before */
			nw.flags &= ~GUARD_WORD_DYNAMIC;
			nw.bare = NULL;
		}
		nw.text = guard_buf_detach(&b);
		keep(r, &nw);
		r->owned[r->nowned++] = (char *)nw.text;
	}
	risk_explain(st, "    %.*s is read as %.*s%s", (int)len, t, (int)clen[0], cand[0], n > 1 ? " (and the others it abbreviates)" : "");
	r->changed = true;
}

/*
 * my_getopt (mysql, mariadb) reads "--loose-NAME" and "--maximum-NAME"
 * as --NAME, and "_" in NAME as "-" (attack12 M8: --loose-execute=SQL
 * runs it): the plain spelling is written out, then its prefix.
 */
static void
expand_my(struct risk_state *st, struct rewrite *r, const struct guard_shell_word *w, const char *table)
{
	const char *t = w->text;
	size_t len = strcspn(t, "=");

	if (strncmp(t, "--", 2) || (w->flags & GUARD_WORD_DYNAMIC) || (!memchr(t, '_', len) &&
	    strncmp(t, "--loose-", 8) && strncmp(t, "--maximum-", 10) && strncmp(t, "--loose_", 8) &&
	    strncmp(t, "--maximum_", 10))) {
		expand(st, r, w, table);
		return;
	}
	char *name = guard_xasprintf("%.*s", (int)(len - 2), t + 2);
	for (char *p = name; *p; p++)
		*p = *p == '_' ? '-' : *p;
	const char *plain = name;
	for (bool more = true; more;) {
		more = !strncmp(plain, "loose-", 6) || !strncmp(plain, "maximum-", 8);
		plain += more ? (plain[0] == 'l' ? 6 : 8) : 0;
	}
	struct guard_shell_word nw = *w;
	nw.text = guard_xasprintf("--%s%s", plain, t + len);
	free(name);
	risk_explain(st, "    %s is read as %s", t, nw.text);
	r->changed = true;
	expand(st, r, &nw, table);
	r->owned[r->nowned++] = (char *)nw.text; /* after expand kept a word: room for it (keep) */
}

/* The first operand at or after i (not an option), or c->argc. */
static size_t
first_operand(const struct risk_cmd *c, size_t i)
{
	while (i < c->argc && c->argv[i].text[0] == '-' && strcmp(c->argv[i].text, "--"))
		i++;
	return i;
}

/* The words being rated after a rewrite: not rewritten again (--no-ver$X stays open in them). */
static _Thread_local const struct guard_shell_word *rewritten;

/* c as rewritten in r, rated when a word changed (true); r freed. */
static bool
rate_rewritten(struct risk_state *st, const struct risk_cmd *c, struct rewrite *r)
{
	bool done = r->changed;
	if (done) {
		struct risk_cmd as = *c;
		as.argv = r->words;
		as.argc = r->n;
		const struct guard_shell_word *outer = rewritten;
		rewritten = r->words;
		risk_analyse_cmd(st, &as);
		rewritten = outer;
	}
	for (size_t k = 0; k < r->nowned; k++)
		free(r->owned[k]);
	free(r->owned);
	free(r->words);
	free(r);
	return done;
}

/* A word that may be a long option ("--x..."): most commands have none, and are left as they are at once. */
static bool
long_option_word(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++)
		if (c->argv[i].text[0] == '-' && c->argv[i].text[1] == '-' && c->argv[i].text[2])
			return true;
	return false;
}

bool
risk_longopt_expand(struct risk_state *st, struct risk_cmd *c)
{
	struct rewrite *r;
	const char *table;
	size_t from = 1, switch_at = c->argc;
	const char *sub_table = NULL;

	if (!c->name[0] || c->argc < 2 || c->argv == rewritten || !long_option_word(c))
		return false;
	if (!strcmp(c->name, "git")) {
		from = risk_git_sub_index(c);
		if (from >= c->argc)
			return false;
		table = git_table(c->argv[from].text, NULL);
		switch_at = first_operand(c, from + 1);
		if (switch_at < c->argc)
			sub_table = git_table(c->argv[from].text, c->argv[switch_at].text);
		if (!sub_table)
			switch_at = c->argc;
		from++;
		if (!table && !sub_table)
			return false;
	} else if (!(table = table_of(c->name)))
		return false;
	r = guard_xcalloc(1, sizeof(*r));
	for (size_t i = 0; i < c->argc; i++) {
		if (i >= from && !strcmp(c->argv[i].text, "--")) {
			while (i < c->argc) /* operands from here */
				keep(r, &c->argv[i++]);
			break;
		}
		if (i < from)
			keep(r, &c->argv[i]);
		else if (!strcmp(c->name, "mysql") || !strcmp(c->name, "mariadb"))
			expand_my(st, r, &c->argv[i], table);
		else
			expand(st, r, &c->argv[i], i > switch_at ? sub_table : table);
	}
	return rate_rewritten(st, c, r);
}

/*
 * A wrapper's own options cut short (nice --adj 5 rm, timeout --kill-a 1
 * 5 rm, xargs --max-a 1 rm): written out before the wrapper is taken off,
 * so its value is not read as the program. Only the wrapper's words are
 * rewritten: options, and one word after an option without "=" (maybe
 * its value); the first other word is the program, and it stops there.
 */
bool
risk_longopt_wrapper(struct risk_state *st, struct risk_cmd *c)
{
	static const char *const wrappers[] = { "nice", "timeout", "xargs", "env", NULL };
	const char *table;
	struct rewrite *r;
	bool value = false;

	if (c->argc < 2 || c->argv == rewritten || !risk_name_in(wrappers, c->name) || !(table = table_of(c->name)))
		return false;
	r = guard_xcalloc(1, sizeof(*r));
	keep(r, &c->argv[0]);
	size_t i = 1;
	for (; i < c->argc && strcmp(c->argv[i].text, "--"); i++) {
		const char *t = c->argv[i].text;
		if (t[0] != '-' && !value)
			break;
		value = t[0] == '-' && !strchr(t, '=');
		expand(st, r, &c->argv[i], t[0] == '-' ? table : NULL);
	}
	while (i < c->argc)
		keep(r, &c->argv[i++]);
	return rate_rewritten(st, c, r);
}

/*
 * Options whose value is a command the program runs (attack8 I10/I11),
 * read once their spelling is whole: git grep -O/--open-files-in-pager=,
 * git send-email --to-cmd/--cc-cmd/--header-cmd/--sendmail-cmd and
 * --smtp-server=/PATH, split --filter, sort --compress-program,
 * rsync -e/--rsh. The text is rated as a shell line (sort and rsync split
 * it into words without a shell: reading it as a line reads at least as
 * much). tar's are read by the tar rules, git's remote programs by git's.
 */
static const struct runner_opt {
	const char *prog;   /* c->name, or "git SUB" */
	const char *shortopt; /* "-O", or NULL */
	const char *longopt;
	bool joined_only;   /* the value only as -Ocmd / --opt=cmd (a bare -O runs the default pager) */
	bool path_only;     /* only a value naming a file (smtp-server=/usr/bin/x) is a program */
} runner_opts[] = {
	{ "git grep", "-O", "--open-files-in-pager", true, false },
	{ "git send-email", NULL, "--to-cmd", false, false },
	{ "git send-email", NULL, "--cc-cmd", false, false },
	{ "git send-email", NULL, "--header-cmd", false, false },
	{ "git send-email", NULL, "--sendmail-cmd", false, false },
	{ "git send-email", NULL, "--smtp-server", false, true },
	{ "split", NULL, "--filter", false, false },
	{ "sort", NULL, "--compress-program", false, false },
	{ "rsync", "-e", "--rsh", false, false },
};

/* The value of the option r at word i (i moves past a separate value), or NULL. */
static const char *
runner_value(const struct runner_opt *r, const struct risk_cmd *c, size_t *i)
{
	const char *t = c->argv[*i].text;
	size_t ll = strlen(r->longopt);

	if (!strncmp(t, r->longopt, ll) && t[ll] == '=')
		return t + ll + 1;
	if (r->shortopt && !strncmp(t, r->shortopt, 2) && t[2])
		return t + 2;
	if (r->joined_only || (strcmp(t, r->longopt) && (!r->shortopt || strcmp(t, r->shortopt))))
		return NULL;
	return *i + 1 < c->argc ? c->argv[++*i].text : NULL;
}

void
risk_option_runners(struct risk_state *st, const struct risk_cmd *c)
{
	char prog[80];
	size_t from = 1;

	if (!c->name[0] || c->argc < 2)
		return;
	/* what snprintf "%s" makes of the name, without its format walk (every simple command comes here) */
	size_t n = strlen(c->name) < sizeof(prog) ? strlen(c->name) : sizeof(prog) - 1;
	memcpy(prog, c->name, n);
	prog[n] = '\0';
	if (!strcmp(c->name, "git")) {
		if ((from = risk_git_sub_index(c)) >= c->argc)
			return;
		snprintf(prog, sizeof(prog), "git %s", c->argv[from++].text);
	}
	for (size_t k = 0; k < sizeof(runner_opts) / sizeof(*runner_opts); k++) {
		const struct runner_opt *r = &runner_opts[k];
		if (strcmp(r->prog, prog))
			continue;
		for (size_t i = from; i < c->argc && strcmp(c->argv[i].text, "--"); i++) {
			const char *v = runner_value(r, c, &i);
			if (!v || !*v || (r->path_only && !strchr(v, '/')))
				continue;
			if (c->name[0] == 'g') { /* git's: as git's other runners (a program guard cannot read: critical) */
				char what[128];
				snprintf(what, sizeof(what), "%s %s", prog, r->longopt);
				risk_git_runs(st, what, &c->argv[i], v);
				continue;
			}
			if (c->argv[i].flags & GUARD_WORD_DYNAMIC) {
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s %s runs a computed command: %s", prog,
					  r->longopt, v);
				continue;
			}
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s %s runs a command: %s", prog, r->longopt, v);
			risk_nested(st, prog, v, strlen(v));
		}
	}
}
