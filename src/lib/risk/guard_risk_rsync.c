/*
 * rsync -R (--relative): each source is recreated below the destination
 * with its path, or with the part after a "/./" in it (and after a leading
 * "./"). `rsync -aR src/fake/./.ai/policy.yaml .` writes ./.ai/policy.yaml:
 * the written path is DEST/PART, judged as any write (attacker-5 notes).
 */
#include <stdlib.h>
#include <string.h>

#include "guard_risk_int.h"

static bool
relative_on(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "--"))
			break;
		if (!strcmp(t, "--relative"))
			return true;
		if (!strcmp(t, "--no-relative") || !strcmp(t, "--no-R"))
			return false;
		if (t[0] == '-' && t[1] != '-' && strchr(t, 'R'))
			return true;
	}
	return false;
}

void
risk_rsync_relative(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *const *ops,
		    size_t n)
{
	if (n < 2 || !relative_on(c) || strchr(ops[n - 1]->text, ':'))
		return;
	const char *dest = ops[n - 1]->text;
	for (size_t i = 0; i + 1 < n; i++) {
		const char *src = ops[i]->text, *mark = strstr(src, "/./"), *part;
		if (strchr(src, ':'))
			continue;
		if (mark)
			part = mark + 3;
		else if (!strncmp(src, "./", 2))
			part = src + 2;
		else
			part = src + strspn(src, "/");
		part += strspn(part, "/");
		if (!*part)
			continue;
		char *to = guard_xasprintf("%s%s%s", dest, dest[0] && dest[strlen(dest) - 1] == '/' ? "" : "/", part);
		risk_path_str(st, "rsync -R", to, PATH_WRITE);
		free(to);
	}
}
