/*
 * git verbs that push, serve or run a transport by hand (attack9 J8, J13):
 * the helpers git push and fetch start for themselves (remote-ext runs
 * its command as the ext:: transport does, remote-fd talks over inherited
 * descriptors, remote-https reaches a host), servers (daemon, instaweb),
 * fetch-pack to a host, remote add of a host's URL, a fetch run in
 * another repository that writes its protected branch (a push into it no
 * pre-push hook sees), and the dashed spellings (git-send-pack,
 * /usr/lib/git-core/git-remote-ext) rated as the verb they are.
 * git send-pack and http-push are rated with git push (guard_risk_git.c).
 */
#include <stdlib.h>
#include <string.h>

#include "guard_path.h"
#include "guard_risk_int.h"

/* The words of c after the verb at sub that are not options, at most max. */
static size_t
operands(const struct risk_cmd *c, size_t sub, const struct guard_shell_word **out, size_t max)
{
	size_t m = 0;

	for (size_t i = sub + 1; i < c->argc && m < max; i++)
		if (c->argv[i].text[0] != '-')
			out[m++] = &c->argv[i];
	return m;
}

/* A URL or scp-like "host:path" that reaches another machine. */
static bool
remote_url(const char *t)
{
	const char *colon = strchr(t, ':'), *slash = strchr(t, '/');

	if (!strncmp(t, "file://", 7))
		return false;
	return strstr(t, "://") || (colon && colon > t && (!slash || colon < slash));
}

static bool
has_opt(const struct risk_cmd *c, size_t sub, const char *prefix)
{
	for (size_t i = sub + 1; i < c->argc; i++)
		if (!strncmp(c->argv[i].text, prefix, strlen(prefix)))
			return true;
	return false;
}

/* git daemon: every repository under its paths served to anyone, pushes into them too with receive-pack. */
static void
git_daemon(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	if (has_opt(c, sub, "--enable=receive-pack") || has_opt(c, sub, "--export-all"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git daemon %s serves repositories to anyone on the network%s",
			  has_opt(c, sub, "--export-all") ? "--export-all" : "--enable=receive-pack",
			  has_opt(c, sub, "--enable=receive-pack") ? " and lets them push into them" : "");
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "git daemon starts a server on the network");
}

/*
 * git -C OTHER fetch SRC +main:main run in another repository writes that
 * repository's protected branch: a push into it that no pre-push hook of
 * the project sees (attack9 J8).
 */
static void
foreign_fetch(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	const struct guard_shell_word *ops[64];
	size_t m = operands(c, sub, ops, 64);

	if (!st->ctx->project || st->cwd_unknown || guard_path_inside(st->ctx->project, st->cwds[0]))
		return;
	for (size_t k = 1; k < m; k++) {
		const char *colon = strrchr(ops[k]->text, ':');
		if (colon && risk_git_protected_dst(colon + 1)) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git %s %s in %s writes the protected branch of another repository: a push into it that "
				  "no pre-push hook sees", c->argv[sub].text, ops[k]->text, st->cwds[0]);
			return;
		}
	}
}

bool
risk_git_transport_verb(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	const char *verb = c->argv[sub].text;
	const struct guard_shell_word *ops[3];
	size_t m = operands(c, sub, ops, 3);

	if (!strcmp(verb, "remote-ext")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git remote-ext runs its command as the ext:: transport does");
		if (m >= 2)
			risk_git_ext_command(st, "git remote-ext", ops[1], ops[1]->text);
	} else if (!strcmp(verb, "remote-fd")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git remote-fd talks to a remote over inherited descriptors");
	} else if (!strncmp(verb, "remote-", 7)) {
		/* git remote-https NAME URL: pushes and fetches as its input says */
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git %s, a transport helper run by hand, pushes or "
			  "fetches as its input says", verb);
		for (size_t k = 0; k < m; k++)
			if (remote_url(ops[k]->text))
				risk_host(st, "git", ops[k]->text);
	} else if (!strcmp(verb, "daemon")) {
		git_daemon(st, c, sub);
	} else if (!strcmp(verb, "instaweb")) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "git instaweb starts a web server");
	} else if (!strcmp(verb, "fetch-pack")) {
		if (m && remote_url(ops[0]->text))
			risk_host(st, "git fetch-pack", ops[0]->text);
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else {
		if (!strcmp(verb, "fetch") || !strcmp(verb, "pull"))
			foreign_fetch(st, c, sub);
		else if (!strcmp(verb, "remote") && m >= 3 && (!strcmp(ops[0]->text, "add") || !strcmp(ops[0]->text, "set-url")) &&
			 remote_url(ops[2]->text))
			risk_host(st, "git remote", ops[2]->text); /* as git -c remote.NAME.url=URL: the host is checked */
		return false;
	}
	return true;
}

void
risk_git_dashed(struct risk_state *st, const struct risk_cmd *c)
{
	const char *base = c->argc ? risk_basename(c->argv[0].text) : "";

	if (strncmp(base, "git-", 4) || !base[4] || (c->argv[0].flags & GUARD_WORD_DYNAMIC))
		return;
	struct guard_shell_word *words = calloc(c->argc + 1, sizeof(*words));
	if (!words)
		return;
	words[0].text = (char *)"git";
	words[1] = c->argv[0];
	words[1].text = (char *)base + 4;
	for (size_t i = 1; i < c->argc; i++)
		words[i + 1] = c->argv[i];
	struct risk_cmd as = *c;
	as.argv = words;
	as.argc = c->argc + 1;
	risk_explain(st, "    %s is git's %s: rated as git %s", c->argv[0].text, base + 4, base + 4);
	risk_analyse_cmd(st, &as);
	free(words);
}
