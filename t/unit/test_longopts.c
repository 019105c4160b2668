/*
 * The long-option tables (src/lib/risk/longopts.txt, compiled in) against
 * the programs installed here: every long option git lists for a builtin
 * (--git-completion-helper-all) is in the table, and the table holds no
 * option git does not know (but the few a later git adds, kept by hand).
 * Skipped, saying why, where git is missing or another version than the
 * one the table was made from (rerun src/tools/gen_longopts.sh there).
 */
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "risk_longopts.h"

#define N_PROGS (sizeof(longopt_progs) / sizeof(*longopt_progs))

/* Options kept by hand for a later git (gen_longopts.sh later()). */
static const char *const later[][2] = { { "git am", "--no-verify" }, { "git am", "--verify" } };

static char repo[] = "/tmp/guard-longopts-XXXXXX";
static const char *skip_why;
static bool made;

static bool
in_list(const char *list, const char *opt, size_t len)
{
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, " ");
		if (l == len && !strncmp(p, opt, len))
			return true;
		p += l;
		p += *p == ' ';
	}
	return false;
}

static bool
kept_by_hand(const char *prog, const char *opt, size_t len)
{
	for (size_t k = 0; k < sizeof(later) / sizeof(*later); k++)
		if (!strcmp(later[k][0], prog) && strlen(later[k][1]) == len && !strncmp(later[k][1], opt, len))
			return true;
	return false;
}

/* What the installed git lists for "git SUB [SUBSUB]" (malloc'd, "--" and "=" dropped), or NULL. */
static char *
git_lists(const char *prog)
{
	char cmd[512], line[16384];
	snprintf(cmd, sizeof(cmd), "cd %s && %s --git-completion-helper-all </dev/null 2>/dev/null", repo, prog);
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	size_t got = fread(line, 1, sizeof(line) - 1, f);
	pclose(f);
	line[got] = '\0';
	char *out = calloc(1, got + 1);
	size_t n = 0;
	for (char *p = line; *p;) {
		p += strspn(p, " \n");
		size_t l = strcspn(p, " \n");
		if (l > 2 && !strncmp(p, "--", 2)) {
			size_t keep = p[l - 1] == '=' ? l - 1 : l;
			n += (size_t)snprintf(out + n, got + 1 - n, "%s%.*s", n ? " " : "", (int)keep, p);
		}
		p += l;
	}
	return out;
}

TEST(table_is_well_formed)
{
	CHECK(N_PROGS > 100);
	for (size_t i = 0; i < N_PROGS; i++) {
		CHECK(!strncmp(longopt_progs[i].opts, "--", 2));
		for (size_t k = i + 1; k < N_PROGS; k++)
			CHECK(strcmp(longopt_progs[i].prog, longopt_progs[k].prog));
	}
}

TEST(git_tables_match_installed_git)
{
	size_t compared = 0;

	for (size_t i = 0; i < N_PROGS && !skip_why; i++) {
		const char *prog = longopt_progs[i].prog, *table = longopt_progs[i].opts;
		if (strncmp(prog, "git ", 4) || !strcmp(prog, "git send-email") || !strcmp(prog, "git stash"))
			continue; /* send-email: Perl, kept by hand; git stash: git stash push's */
		char *listed = git_lists(prog);
		if (!listed || !*listed) {
			printf("#   %s lists no options (a table line for an unknown command)\n", prog);
			CHECK(0);
			free(listed);
			continue;
		}
		compared++;
		for (const char *p = listed; *p;) { /* git's in the table */
			size_t l = strcspn(p, " ");
			if (!in_list(table, p, l)) {
				printf("#   %s: git lists %.*s, the table does not\n", prog, (int)l, p);
				CHECK(0);
			}
			p += l;
			p += *p == ' ';
		}
		for (const char *p = table; *p;) { /* the table's in git (or kept by hand) */
			size_t l = strcspn(p, " ");
			if (!in_list(listed, p, l) && !kept_by_hand(prog, p, l)) {
				printf("#   %s: the table has %.*s, git does not\n", prog, (int)l, p);
				CHECK(0);
			}
			p += l;
			p += *p == ' ';
		}
		free(listed);
	}
	if (!skip_why)
		CHECK(compared > 100);
}

int
main(void)
{
	char ver[128] = "";
	FILE *f = popen("git --version 2>/dev/null", "r");
	if (f) {
		if (!fgets(ver, sizeof(ver), f))
			ver[0] = '\0';
		pclose(f);
	}
	ver[strcspn(ver, "\n")] = '\0';
	static char why[256];
	if (strncmp(ver, "git version ", 12)) {
		skip_why = "git is not installed here";
	} else if (strcmp(ver + 12, LONGOPT_GIT_VERSION)) {
		snprintf(why, sizeof(why), "installed %s, the table is from git %s: rerun src/tools/gen_longopts.sh",
			 ver, LONGOPT_GIT_VERSION);
		skip_why = why;
	} else if (!(made = mkdtemp(repo) != NULL)) {
		skip_why = "no temporary directory";
	} else {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "git init -q %s", repo);
		if (system(cmd) != 0)
			skip_why = "git init failed";
	}
	RUN(table_is_well_formed);
	if (skip_why) {
		unit_count++;
		printf("ok %d git_tables_match_installed_git # SKIP %s\n", unit_count, skip_why);
	} else {
		RUN(git_tables_match_installed_git);
	}
	if (made) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", repo);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", repo);
	}
	return unit_done();
}
