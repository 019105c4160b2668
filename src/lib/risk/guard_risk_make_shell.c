/*
 * make's SHELL and .SHELLFLAGS (attacker-7 H9): make runs every recipe as
 * `$(SHELL) $(.SHELLFLAGS) RECIPE`. A SHELL that is a system shell with
 * plain flags (-c, -ec, -o pipefail ...) runs the recipes as guard rates
 * them. Anything else is what runs every recipe: a script (a path, or a
 * name that is no shell) is read as a script is read (unreadable: asked);
 * an interpreter (SHELL := python3) runs each recipe as its code; flags
 * that are more than options (`.SHELLFLAGS := -c 'rm -rf .ai'`, a script
 * name) are rated as the command line they make.
 */
#include <stdlib.h>
#include <string.h>

#include "guard_buf.h"
#include "guard_path.h"
#include "guard_risk_int.h"

/* A shell or interpreter the system provides: a bare name (PATH) or one in the system's folders. */
static bool
system_program(const char *prog)
{
	static const char *const dirs[] = { "/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/", NULL };

	if (!strchr(prog, '/'))
		return true;
	for (size_t i = 0; dirs[i]; i++)
		if (!strncmp(prog, dirs[i], strlen(dirs[i])) && !strchr(prog + strlen(dirs[i]), '/') &&
		    !strstr(prog, ".."))
			return true;
	return false;
}

/* Flags that only set options of a shell: -c, -e, -ec, -o pipefail, +x ... */
static bool
plain_flags(const char *flags)
{
	static const char *const names[] = { "pipefail", "errexit", "nounset", "xtrace", "posix", "noglob",
					     "verbose", NULL };
	const char *p = flags;

	while (*p) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (!n)
			break;
		char w[32];
		if (n >= sizeof(w))
			return false;
		memcpy(w, p, n);
		w[n] = '\0';
		bool opt = (w[0] == '-' || w[0] == '+') && n > 1 && strspn(w + 1, "abcefhkmnoptuvxBCEHPTlri") == n - 1;
		if (!opt && !risk_name_in(names, w) && strcmp(w, "--norc") && strcmp(w, "--noprofile"))
			return false;
		p += n;
	}
	return true;
}

static const char *
interp_lang(const char *base)
{
	if (!strncmp(base, "python", 6) || !strncmp(base, "pypy", 4))
		return "python";
	if (!strcmp(base, "node") || !strcmp(base, "nodejs"))
		return "node";
	if (!strcmp(base, "perl") || !strcmp(base, "ruby") || !strcmp(base, "php"))
		return base;
	return NULL;
}

const char *
risk_make_shell(struct risk_state *st, const char *dir, const char *shell, const char *flags, bool flags_set)
{
	if (!shell) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "make runs its recipes with a SHELL guard cannot work out (a make function or the environment)");
		return NULL;
	}
	if (flags_set && !flags) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "make runs its recipes with .SHELLFLAGS guard cannot work out");
		return NULL;
	}
	size_t n = strcspn(shell + strspn(shell, " \t"), " \t");
	char *prog = guard_xstrndup(shell + strspn(shell, " \t"), n);
	const char *base = risk_basename(prog);
	const char *lang = NULL;

	if (!*prog || (system_program(prog) && risk_is_shell(base))) {
		if (flags_set && !plain_flags(flags)) {
			/* bash -c 'rm -rf .ai' RECIPE, bash script.sh RECIPE: the flags run before any recipe */
			struct guard_buf line = GUARD_BUF_INIT;
			const char *run = *prog ? prog : "/bin/sh";
			if (strspn(run, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == strlen(run))
				guard_buf_addstr(&line, run);
			else
				risk_add_single_quoted(&line, run);
			guard_buf_addf(&line, " %s :", flags);
			guard_buf_addch(&line, '\0');
			risk_explain(st, "    make runs each recipe as: %s", line.buf);
			risk_nested(st, "make .SHELLFLAGS", line.buf, strlen(line.buf));
			guard_buf_release(&line);
		}
	} else if (system_program(prog) && (lang = interp_lang(base)) != NULL) {
		risk_explain(st, "    make's SHELL is %s: each recipe is %s code", prog, lang);
	} else if (strchr(prog, '/')) {
		char *abs = guard_path_resolve(dir, prog, st->ctx->home);
		risk_explain(st, "    make's SHELL is %s: it runs every recipe", prog);
		risk_script_text(st, "make SHELL", abs, true);
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "make runs every recipe through SHELL=%s", prog);
		free(abs);
	} else {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "make runs every recipe through SHELL=%s, a program guard does not read", prog);
	}
	free(prog);
	return lang;
}
