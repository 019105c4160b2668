/*
 * Where a git push goes, and what git uploads (attack6 G2, G3).
 *
 * A push's destination and refspecs come from git's settings as much as
 * from its command line: remote.NAME.push (refspecs a refspec-less push
 * uses), remote.NAME.mirror (every ref, deletes included), the remote's
 * url/pushurl, push.default, branch.NAME.pushRemote/remote/merge,
 * remote.pushDefault, url.X.(push)insteadOf. The agent can write each of
 * them (git config, git -c, --config-env, git remote set-url), so:
 *
 * - setting one is itself high: it changes where a later push goes
 *   (GIT_CONFIG_* in the environment and writes to .git/config are rated
 *   elsewhere, higher);
 * - a push with no refspec on its line is rated with the refspecs git
 *   would take from the settings (the -c values on the line, then the
 *   settings files git reads, scanned line by line: a refspec found in
 *   any remote's section counts, which may overstate, never understate);
 * - --prune with a pattern refspec, a mirror from the settings (unseen on
 *   the line; --mirror written there stays high), --all/--branches forced
 *   or pruned are deletes or rewrites of the protected branches: critical,
 *   as "git push origin --delete main";
 * - a push to a URL, to a path or to a remote other than origin whose URL
 *   the settings name reaches that host (allowed_hosts and the session's
 *   network limit apply, as to curl) or writes that repository (outside
 *   the project: the session's outside limit). origin stays trusted as
 *   before: setting its URL in any spelling is the high step.
 *
 * Other git verbs that upload or reach a host (submodule add, archive
 * --remote, send-email, request-pull) and the resolvers (dig, ping, ...)
 * are rated as reaching their host too.
 */
#include <ctype.h>
#include <strings.h>

#include "guard_risk_int.h"

/* ---- settings keys ---------------------------------------------------- */

static const char *const route_keys[] = { "remote.*.push", "remote.*.mirror", "remote.*.url", "remote.*.pushurl",
					  "push.default", "branch.*.pushremote", "branch.*.remote", "branch.*.merge",
					  "remote.pushdefault", "url.*.insteadof", "url.*.pushinsteadof", NULL };

/* Does the settings key (up to "=" or the end) decide where a push goes? */
static bool
route_key(const char *kv)
{
	size_t klen = strcspn(kv, "=");
	for (size_t i = 0; route_keys[i]; i++)
		if (risk_git_key_matches(kv, klen, route_keys[i]))
			return true;
	return false;
}

/* A value git reads as true (a key given with no value is true). */
static bool
cfg_true(const char *v)
{
	return !v || (strcasecmp(v, "false") && strcasecmp(v, "no") && strcasecmp(v, "off") && strcmp(v, "0") && *v);
}

/* ---- the settings git reads ------------------------------------------- */

/* One setting: section (lower case), subsection (as written), name (lower case), value (NULL: none). */
struct cfg_item {
	char section[64], sub[256], name[64];
	const char *value;
};

typedef void (*cfg_fn)(const struct cfg_item *it, void *arg);

/* Copy the value after "=": blanks trimmed, a trailing comment cut, quotes removed. */
static void
cfg_value(const char *p, const char *end, char *out, size_t size)
{
	size_t n = 0;
	bool quoted = false;

	while (p < end && isspace((unsigned char)*p))
		p++;
	for (; p < end && n + 1 < size; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '#' || *p == ';'))
			break;
		else if (*p == '\\' && p + 1 < end)
			out[n++] = *++p;
		else
			out[n++] = *p;
	}
	while (n && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
}

/* "[section "sub"]" or "[section.sub]" into it. */
static void
cfg_header(const char *p, const char *end, struct cfg_item *it)
{
	size_t n = 0;

	it->section[0] = it->sub[0] = '\0';
	for (p++; p < end && *p != ']' && *p != '"' && *p != '.' && !isspace((unsigned char)*p) &&
		  n + 1 < sizeof(it->section); p++)
		it->section[n++] = (char)tolower((unsigned char)*p);
	it->section[n] = '\0';
	while (p < end && isspace((unsigned char)*p))
		p++;
	n = 0;
	if (p < end && (*p == '"' || *p == '.')) {
		char close = *p == '"' ? '"' : ']';
		for (p++; p < end && *p != close && n + 1 < sizeof(it->sub); p++)
			it->sub[n++] = *p;
	}
	it->sub[n] = '\0';
}

/* Each setting of the file at path (at most 1 MiB; an unreadable or absent file has none). */
static void
cfg_scan(const char *path, cfg_fn fn, void *arg)
{
	char *data = NULL, value[1024];
	size_t len = 0;
	struct cfg_item it = { .section = "", .sub = "", .name = "", .value = NULL };

	if (!path || risk_memo_read(path, 1u << 20, &data, &len) != 0)
		return;
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		while (p < eol && isspace((unsigned char)*p))
			p++;
		if (p < eol && *p == '[') {
			cfg_header(p, eol, &it);
		} else if (p < eol && isalpha((unsigned char)*p)) {
			size_t n = 0;
			for (; p < eol && (isalnum((unsigned char)*p) || *p == '-') && n + 1 < sizeof(it.name); p++)
				it.name[n++] = (char)tolower((unsigned char)*p);
			it.name[n] = '\0';
			while (p < eol && isspace((unsigned char)*p))
				p++;
			if (p < eol && *p == '=') {
				cfg_value(p + 1, eol, value, sizeof(value));
				it.value = value;
			} else {
				it.value = NULL;
			}
			fn(&it, arg);
		}
		p = eol + 1;
	}
	free(data);
}

/* The settings files git reads here: the repository's, the user's two, the system's (owned, NULL when none). */
void
risk_git_config_files(const struct risk_state *st, char *files[4])
{
	const char *home = st->ctx->home, *xdg = getenv("XDG_CONFIG_HOME");
	const char *common = risk_common_git_dir(st);

	files[0] = !st->ctx->project ? NULL : *common ? guard_xasprintf("%s/config", common)
						      : guard_xasprintf("%s/.git/config", st->ctx->project);
	files[1] = home ? guard_xasprintf("%s/.gitconfig", home) : NULL;
	files[2] = xdg && *xdg ? guard_xasprintf("%s/git/config", xdg)
		 : home	       ? guard_xasprintf("%s/.config/git/config", home)
			       : NULL;
	files[3] = guard_xstrdup("/etc/gitconfig");
}

static void
cfg_each(const struct risk_state *st, cfg_fn fn, void *arg)
{
	char *files[4];

	risk_git_config_files(st, files);
	for (size_t i = 0; i < 4; i++) {
		cfg_scan(files[i], fn, arg);
		free(files[i]);
	}
}

/* ---- setting the keys --------------------------------------------------- */

static void
route_rule(struct risk_state *st, const char *how, const char *kv)
{
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
		  "%s %.*s changes where a later git push goes (its remote, refspecs or mirroring)", how,
		  (int)strcspn(kv, "="), kv);
}

/* A URL or path git would push to, rated as where the data goes. */
static void
push_path(struct risk_state *st, const char *verb, const char *path)
{
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s writes the repository at %s", verb, path);
	risk_path_str(st, verb, path, PATH_WRITE);
}

/* A push to a host outside allowed_hosts sends the project's history where no one listed: high. */
static void
push_host(struct risk_state *st, const char *verb, const char *url)
{
	char host[256];

	if (!risk_remote_host(st, verb, url) || strcmp(verb, "git push"))
		return;
	risk_url_host(url, host, sizeof(host));
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ,
		  "git push sends the repository's commits to a host not in allowed_hosts: %s", *host ? host : url);
}

static void
push_target(struct risk_state *st, const char *verb, const char *url)
{
	if (!strncasecmp(url, "file://", 7)) {
		push_path(st, verb, url + 7);
	} else if (strstr(url, "://")) {
		push_host(st, verb, url);
	} else if (url[0] == '/' || url[0] == '.' || url[0] == '~') {
		push_path(st, verb, url);
	} else {
		/* scp-like "[user@]host:path"; a bare word is a path */
		const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
		if (colon && colon > url && (!slash || colon < slash))
			push_host(st, verb, url);
		else if (*url)
			push_path(st, verb, url);
	}
}

/* git -c KEY=VALUE and --config-env=KEY=VAR before the subcommand. */
void
risk_git_route_options(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	for (size_t i = 1; i < sub && i < c->argc; i++) {
		const char *t = c->argv[i].text, *kv = NULL, *how = "git -c";
		if (!strcmp(t, "-c") && i + 1 < sub)
			kv = c->argv[++i].text;
		else if (!strncmp(t, "--config-env=", 13))
			kv = t + 13, how = "git --config-env";
		else if (!strcmp(t, "--config-env") && i + 1 < sub)
			kv = c->argv[++i].text, how = "git --config-env";
		if (kv && !strcmp(how, "git -c"))
			risk_proxy_set(st, "git -c", kv); /* http.proxy, http.URL.proxy, remote.NAME.proxy (K17) */
		if (!kv || !route_key(kv))
			continue;
		route_rule(st, how, kv);
		size_t klen = strcspn(kv, "=");
		if (!strcmp(how, "git -c") && kv[klen] &&
		    (risk_git_key_matches(kv, klen, "remote.*.url") || risk_git_key_matches(kv, klen, "remote.*.pushurl")))
			push_target(st, "git push", kv + klen + 1);
	}
}

static void fetch_refspec_set(struct risk_state *st, const char *key, const char *value);

/* git config KEY VALUE (set, --add, --replace-all; not a read or --unset). */
void
risk_git_config_route(struct risk_state *st, const struct guard_shell_word *w, size_t n)
{
	static const char *const valued[] = { "-f", "--file", "--blob", "--type", "--default", "--comment", NULL };
	static const char *const not_set[] = { "--unset", "--unset-all", "--get", "--get-all", "--get-regexp", "-l",
					       "--list", "--get-urlmatch", "--show-origin", "--show-scope", NULL };
	size_t op[3], k = 0, m = 0;

	for (size_t i = 0; i < n && m < 3; i++) {
		const char *t = w[i].text;
		if (risk_name_in(not_set, t))
			return;
		if (risk_name_in(valued, t))
			i++;
		else if (t[0] != '-')
			op[m++] = i;
	}
	if (m && (!strcmp(w[op[0]].text, "set")))
		k = 1;
	else if (m && (!strcmp(w[op[0]].text, "get") || !strcmp(w[op[0]].text, "unset") ||
		       !strcmp(w[op[0]].text, "list")))
		return;
	if (m >= k + 2) {
		char *kv = guard_xasprintf("%s=%s", w[op[k]].text, w[op[k + 1]].text);
		risk_proxy_set(st, "git config", kv); /* http.proxy: every later fetch and push goes through it (K17) */
		free(kv);
		fetch_refspec_set(st, w[op[k]].text, w[op[k + 1]].text);
	}
	if (m < k + 2 || !route_key(w[op[k]].text))
		return;
	route_rule(st, "git config", w[op[k]].text);
}

/* git remote set-url, add origin / --mirror, rename to origin. */
static void
remote_route(struct risk_state *st, const struct guard_shell_word *w, size_t n)
{
	const struct guard_shell_word *ops[4];
	size_t m = 0;
	bool mirror = false;

	for (size_t i = 0; i < n; i++) {
		if (!strncmp(w[i].text, "--mirror", 8))
			mirror = true;
		else if (!strcmp(w[i].text, "-t") || !strcmp(w[i].text, "-m"))
			i++;
		else if (w[i].text[0] != '-' && m < 4)
			ops[m++] = &w[i];
	}
	if (!m)
		return;
	const char *verb = ops[0]->text;
	if (!strcmp(verb, "set-url") || (!strcmp(verb, "add") && (mirror || (m > 1 && !strcmp(ops[1]->text, "origin")))) ||
	    (!strcmp(verb, "rename") && m > 2 && !strcmp(ops[2]->text, "origin")))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git remote %s changes where a later git push goes (its remote's URL or mirroring)", verb);
}

/* ---- the push itself ------------------------------------------------------ */

struct push_cfg {
	const char *remote;    /* the repository operand (NULL: git picks one) */
	struct guard_list refspecs; /* "push" of the remote's section */
	struct guard_list remotes;  /* pushRemote/pushDefault/branch.*.remote values */
	struct guard_list urls;     /* url/pushurl of the remote named (not origin) */
	bool mirror, matching;
};

#define PUSH_CFG_INIT { .remote = NULL, .refspecs = GUARD_LIST_INIT, .remotes = GUARD_LIST_INIT, \
			.urls = GUARD_LIST_INIT, .mirror = false, .matching = false }

/* The section is the remote's, or any remote's when git picks it. */
static bool
cfg_for(const struct push_cfg *pc, const struct cfg_item *it)
{
	return !pc->remote || !strcmp(it->sub, pc->remote);
}

static void
push_cfg_item(const struct cfg_item *it, void *arg)
{
	struct push_cfg *pc = arg;

	if (!strcmp(it->section, "remote") && it->sub[0] && cfg_for(pc, it)) {
		if (!strcmp(it->name, "push") && it->value && *it->value)
			guard_list_add_unique(&pc->refspecs, it->value);
		else if (!strcmp(it->name, "mirror") && cfg_true(it->value))
			pc->mirror = true;
	}
	if (!strcmp(it->section, "push") && !strcmp(it->name, "default") && it->value &&
	    !strcasecmp(it->value, "matching"))
		pc->matching = true;
	if (it->value && *it->value && strcmp(it->value, "origin") && strcmp(it->value, ".") &&
	    ((!strcmp(it->section, "branch") && (!strcmp(it->name, "pushremote") || !strcmp(it->name, "remote"))) ||
	     (!strcmp(it->section, "remote") && !it->sub[0] && !strcmp(it->name, "pushdefault"))))
		guard_list_add_unique(&pc->remotes, it->value);
}

/* url/pushurl of the remote named arg (pushurl first: git pushes there). */
struct remote_url {
	const char *name;
	char url[1024], pushurl[1024];
};

static void
remote_url_item(const struct cfg_item *it, void *arg)
{
	struct remote_url *r = arg;

	if (strcmp(it->section, "remote") || strcmp(it->sub, r->name) || !it->value || !*it->value)
		return;
	if (!strcmp(it->name, "url") && !r->url[0])
		snprintf(r->url, sizeof(r->url), "%s", it->value);
	else if (!strcmp(it->name, "pushurl") && !r->pushurl[0])
		snprintf(r->pushurl, sizeof(r->pushurl), "%s", it->value);
}

/* "git remote add NAME URL" earlier on the same line: the URL (or NULL). */
static const char *
remote_added_on_line(const struct risk_cmd *c, const char *name)
{
	for (size_t k = 0; c->sh && k < c->sh->ncmds; k++) {
		const struct guard_shell_cmd *cmd = &c->sh->cmds[k];
		for (size_t i = 0; i + 3 < cmd->argc; i++)
			if (!strcmp(cmd->argv[i].text, "remote") && !strcmp(cmd->argv[i + 1].text, "add")) {
				size_t j = i + 2;
				while (j < cmd->argc && cmd->argv[j].text[0] == '-')
					j += !strcmp(cmd->argv[j].text, "-t") || !strcmp(cmd->argv[j].text, "-m") ? 2 : 1;
				if (j + 1 < cmd->argc && !strcmp(cmd->argv[j].text, name))
					return cmd->argv[j + 1].text;
			}
	}
	return NULL;
}

/* Where the remote named name sends a push (not origin: trusted as before). */
static void
push_to_remote(struct risk_state *st, const struct risk_cmd *c, const char *name)
{
	struct remote_url r = { .name = name, .url = "", .pushurl = "" };
	const char *added;

	if (!strcmp(name, "origin"))
		return;
	cfg_each(st, remote_url_item, &r);
	if (r.pushurl[0])
		push_target(st, "git push", r.pushurl);
	else if (r.url[0])
		push_target(st, "git push", r.url);
	else if ((added = remote_added_on_line(c, name)))
		push_target(st, "git push", added);
}

/* A refspec that deletes or forces, rated as if written on the line. */
static void
push_refspec(struct risk_state *st, const char *spec, const char *from, bool force, bool prune)
{
	const char *colon = strrchr(spec, ':');
	const char *dst = colon ? colon + 1 : spec[0] == '+' ? spec + 1 : spec;
	bool prot = risk_git_protected_dst(dst) || strchr(dst, '*') != NULL;

	if (prune && strchr(spec, '*'))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
			  "git push --prune with the pattern refspec %s%s deletes every remote branch with no local one, "
			  "protected branches among them", spec, from);
	else if (colon && colon == spec + (spec[0] == '+') && colon[1])
		risk_rule(st, prot ? GUARD_LEVEL_CRITICAL : GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "git push deletes the remote branch %s%s", dst, from);
	else if (spec[0] == '+' || force)
		risk_rule(st, prot ? GUARD_LEVEL_CRITICAL : GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "git push force-updates %s%s%s", dst, from, prot ? ": a protected branch's history rewritten" : "");
}

/* Operands of a push: the repository then refspecs (option values skipped). */
static size_t
push_operands(const struct guard_shell_word *w, size_t n, const struct guard_shell_word **out, size_t max,
	      const char **repo)
{
	size_t m = 0;
	bool dd = false;

	*repo = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *t = w[i].text;
		if (!dd && !strcmp(t, "--")) {
			dd = true;
		} else if (!dd && !strncmp(t, "--repo=", 7)) {
			*repo = t + 7;
		} else if (!dd && (!strcmp(t, "-o") || !strcmp(t, "--push-option") || !strcmp(t, "--repo") ||
				   !strcmp(t, "--receive-pack") || !strcmp(t, "--exec"))) {
			if (!strcmp(t, "--repo") && i + 1 < n)
				*repo = w[i + 1].text;
			i++;
		} else if (dd || t[0] != '-') {
			if (m < max)
				out[m++] = &w[i];
		}
	}
	return m;
}

static bool
push_opt(const struct guard_shell_word *w, size_t n, const char *opt, char letter)
{
	for (size_t i = 0; i < n && strcmp(w[i].text, "--"); i++) {
		const char *t = w[i].text;
		if (!strcmp(t, opt) || (!strncmp(t, opt, strlen(opt)) && t[strlen(opt)] == '='))
			return true;
		if (letter && t[0] == '-' && t[1] != '-' && strchr(t + 1, letter))
			return true;
	}
	return false;
}

/*
 * git push: the refspecs and the destination as git will take them. c is
 * the git command, sub the index of "push" in it.
 */
void
risk_git_push_route(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	const struct guard_shell_word *w = c->argv + sub + 1, *ops[64];
	size_t n = c->argc - sub - 1, nops;
	const char *repo;
	struct push_cfg pc = PUSH_CFG_INIT;
	bool force = push_opt(w, n, "--force", 'f') && !push_opt(w, n, "--force-with-lease", 0);
	bool prune = push_opt(w, n, "--prune", 0), all = push_opt(w, n, "--all", 0) || push_opt(w, n, "--branches", 0);

	if (push_opt(w, n, "--dry-run", 'n'))
		return;
	nops = push_operands(w, n, ops, 64, &repo);
	if (!repo && nops)
		repo = ops[0]->text;
	size_t nspecs = nops - (repo && nops && repo == ops[0]->text ? 1 : 0);
	const struct guard_shell_word *const *specs = ops + (nops - nspecs);

	/* explicit refspecs: --prune with a pattern deletes what has no local match */
	for (size_t i = 0; prune && i < nspecs; i++)
		push_refspec(st, specs[i]->text, "", false, true);
	/* --mirror written on the line stays high (git_push): the person sees it; a mirror from the settings does not show */
	if (all && (force || prune))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "git push --all %s: every branch, protected ones among them",
			  prune ? "--prune deletes remote branches with no local one" : "--force rewrites");

	/* where it goes */
	if (repo && !push_opt(w, n, "--dry-run", 'n')) {
		if (strstr(repo, "://") || repo[0] == '/' || repo[0] == '.' || repo[0] == '~' ||
		    (strchr(repo, ':') && (!strchr(repo, '/') || strchr(repo, ':') < strchr(repo, '/'))))
			push_target(st, "git push", repo);
		else
			push_to_remote(st, c, repo);
	}

	/* refspecs and mirroring from the settings: -c on the line, then the files */
	pc.remote = repo && !strstr(repo, "://") && !strchr(repo, '/') && !strchr(repo, ':') ? repo : NULL;
	for (size_t i = 1; i < sub; i++) {
		const char *kv = c->argv[i].text;
		size_t klen = strcspn(kv, "=");
		if (strcmp(c->argv[i - 1].text, "-c"))
			continue;
		if (risk_git_key_matches(kv, klen, "remote.*.push") && kv[klen] && kv[klen + 1])
			guard_list_add_unique(&pc.refspecs, kv + klen + 1);
		else if (risk_git_key_matches(kv, klen, "remote.*.mirror") && cfg_true(kv[klen] ? kv + klen + 1 : NULL))
			pc.mirror = true;
		else if (risk_git_key_matches(kv, klen, "push.default") && kv[klen] && !strcasecmp(kv + klen + 1, "matching"))
			pc.matching = true;
	}
	cfg_each(st, push_cfg_item, &pc);
	if (!repo)
		for (size_t i = 0; i < pc.remotes.len; i++)
			push_to_remote(st, c, pc.remotes.items[i]);
	if (!nspecs && !all && !push_opt(w, n, "--mirror", 0) && !push_opt(w, n, "--tags", 0)) {
		for (size_t i = 0; i < pc.refspecs.len; i++)
			push_refspec(st, pc.refspecs.items[i], " (a push refspec in git's settings)", force, prune);
		if (pc.mirror)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "git push to a remote git's settings mark as a mirror: every remote branch the clone "
				  "lacks is deleted, protected branches among them");
		if (pc.matching && force)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "git push --force with push.default matching rewrites every matching branch, protected "
				  "ones among them");
		if (prune && !pc.refspecs.len)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
				  "git push --prune with no refspec: what it deletes depends on settings guard cannot see");
	}
	guard_list_clear(&pc.refspecs);
	guard_list_clear(&pc.remotes);
	guard_list_clear(&pc.urls);
}

/* ---- fetches that write guard's audit ref (attack7 H21) ---------------------- */

struct fetch_cfg {
	const char *remote; /* the remote named, or NULL: any remote's section */
	char spec[512];     /* the first fetch refspec whose destination covers refs/guard/audit */
	char name[256];     /* its remote */
};

static void
fetch_cfg_item(const struct cfg_item *it, void *arg)
{
	struct fetch_cfg *fc = arg;
	const char *colon = it->value ? strrchr(it->value, ':') : NULL;

	if (fc->spec[0] || strcmp(it->section, "remote") || !it->sub[0] || strcmp(it->name, "fetch") || !colon ||
	    (fc->remote && strcmp(it->sub, fc->remote)))
		return;
	if (risk_git_dst_guard_ref(colon + 1)) {
		snprintf(fc->spec, sizeof(fc->spec), "%s", it->value);
		snprintf(fc->name, sizeof(fc->name), "%s", it->sub);
	}
}

static bool
has_word(const struct guard_shell_word *w, size_t n, const char *word)
{
	for (size_t i = 0; i < n && strcmp(w[i].text, "--"); i++)
		if (!strcmp(w[i].text, word))
			return true;
	return false;
}

/* fetch's and pull's options that take the next word as their value */
static bool
fetch_valued(const char *t)
{
	static const char *const valued[] = { "-j", "--jobs", "--depth", "--deepen", "--shallow-since",
					      "--shallow-exclude", "--upload-pack", "-o", "--server-option",
					      "--negotiation-tip", "--filter", "--refmap", "--recurse-submodules-default",
					      "-s", "--strategy", "-X", "--strategy-option", NULL };
	return risk_name_in(valued, t);
}

/*
 * A refspec-less fetch takes remote.NAME.fetch from the settings: one
 * whose destination covers refs/guard/audit ('+refs/<star>:refs/<star>', what
 * "git remote add --mirror=fetch" writes) replaces the ref with the
 * remote's, and --prune (-p, fetch.prune, remote.NAME.prune) deletes it.
 * Setting such a refspec, or adding a fetch mirror, is as critical as
 * the fetch: the two can share one line.
 */
void
risk_git_fetch_route(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	const char *verb = c->argv[sub].text;
	const struct guard_shell_word *w = c->argv + sub + 1;
	size_t n = c->argc - sub - 1, ops = 0;
	struct fetch_cfg fc = { NULL, "", "" };
	const char *first = NULL;
	bool remote_verb = !strcmp(verb, "remote"), many = false;

	if (strcmp(verb, "fetch") && strcmp(verb, "pull") && !remote_verb)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *t = w[i].text;
		if (!strcmp(t, "--")) {
			if (i + 1 < n && !first)
				first = w[i + 1].text;
			ops += n - i - 1;
			break;
		}
		if (t[0] == '-') {
			if (!strcmp(t, "--all") || !strcmp(t, "--multiple"))
				many = true;
			if (remote_verb && (!strcmp(t, "--mirror") || !strcmp(t, "--mirror=fetch")))
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "git remote add %s makes the remote a fetch mirror ('+refs/*:refs/*'): its next fetch "
					  "replaces every ref, refs/guard/audit (guard's audit witness) among them", t);
			i += fetch_valued(t) && !remote_verb;
			continue;
		}
		if (!ops++)
			first = t;
	}
	if (remote_verb) {
		/* remote update [--prune] [remote|group...], remote prune NAME: what those remotes' refspecs write */
		if (!first || (strcmp(first, "update") && strcmp(first, "prune")))
			return;
		for (size_t i = 0; !strcmp(first, "prune") && ops == 2 && i < n; i++)
			if (w[i].text[0] != '-' && strcmp(w[i].text, "prune"))
				fc.remote = w[i].text;
		many = !fc.remote;
	} else if (!strcmp(verb, "fetch") && has_word(w, n, "--stdin")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git fetch --stdin reads its refspecs where guard cannot see them (refs/guard/audit, guard's "
			  "audit witness, may be one)");
	}
	/* -c remote.NAME.fetch=... on the line, then the settings files */
	for (size_t i = 1; i < sub; i++) {
		const char *kv = c->argv[i].text, *eq = strchr(kv, '='), *colon;
		if (!strcmp(c->argv[i - 1].text, "-c") && eq &&
		    risk_git_key_matches(kv, (size_t)(eq - kv), "remote.*.fetch") && (colon = strrchr(eq, ':')) &&
		    risk_git_dst_guard_ref(colon + 1))
			snprintf(fc.spec, sizeof(fc.spec), "%s", eq + 1);
	}
	/* a path or URL operand is no remote: no refspec of the settings applies */
	if (!remote_verb && first && (strchr(first, '/') || strchr(first, ':') || first[0] == '.' || first[0] == '~'))
		return;
	if (!remote_verb)
		fc.remote = many || !first ? NULL : first;
	if (!fc.spec[0])
		cfg_each(st, fetch_cfg_item, &fc);
	if (fc.spec[0])
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "git %s%s%s takes the fetch refspec %s%s%s from git's settings: it writes refs/guard/audit, "
			  "guard's audit witness (replaced, or deleted by a prune; share/doc/trust.md)", verb,
			  remote_verb ? " " : "", remote_verb ? first : "", fc.spec, fc.name[0] ? " of remote " : " (git -c)",
			  fc.name);
}

/* git config remote.NAME.fetch VALUE whose destination covers refs/guard/audit. */
static void
fetch_refspec_set(struct risk_state *st, const char *key, const char *value)
{
	const char *colon = strrchr(value, ':');

	if (risk_git_key_matches(key, strlen(key), "remote.*.fetch") && colon && risk_git_dst_guard_ref(colon + 1))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "git config %s %s: the remote's next fetch writes refs/guard/audit, guard's audit witness "
			  "(replaced, or deleted by a prune)", key, value);
}

/* ---- other uploads ---------------------------------------------------------- */

/* The domain of "name@domain" (or of a bare domain), into a host the net rules can check. */
static void
mail_host(struct risk_state *st, const char *verb, const char *addr)
{
	const char *at = strrchr(addr, '@');
	char host[256];
	size_t n = 0;

	for (const char *p = at ? at + 1 : addr; *p && *p != '>' && *p != ',' && n + 1 < sizeof(host); p++)
		host[n++] = *p;
	host[n] = '\0';
	if (at && n)
		risk_host(st, verb, host);
}

/* git submodule add URL, archive --remote, send-email, request-pull: hosts they reach. */
void
risk_git_uploads(struct risk_state *st, const struct risk_cmd *c, const char *sub, const struct guard_shell_word *w,
		 size_t n)
{
	(void)c;
	if (!strcmp(sub, "remote")) {
		remote_route(st, w, n);
	} else if (!strcmp(sub, "submodule")) {
		bool add = false;
		for (size_t i = 0; i < n; i++) {
			const char *t = w[i].text;
			if (!add && !strcmp(t, "add"))
				add = true;
			else if (add && (!strcmp(t, "-b") || !strcmp(t, "--branch") || !strcmp(t, "--name") ||
					 !strcmp(t, "--reference") || !strcmp(t, "--depth")))
				i++;
			else if (add && t[0] != '-') {
				if (strstr(t, "://") || (strchr(t, ':') && (!strchr(t, '/') || strchr(t, ':') < strchr(t, '/'))))
					risk_host(st, "git submodule add", t);
				break;
			}
		}
	} else if (!strcmp(sub, "archive")) {
		for (size_t i = 0; i < n; i++)
			if (!strncmp(w[i].text, "--remote=", 9))
				push_target(st, "git archive --remote", w[i].text + 9);
			else if (!strcmp(w[i].text, "--remote") && i + 1 < n)
				push_target(st, "git archive --remote", w[++i].text);
	} else if (!strcmp(sub, "send-email")) {
		static const char *const to[] = { "--to", "--cc", "--bcc", "--smtp-server", NULL };
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			const char *t = w[i].text, *eq = strchr(t, '=');
			for (size_t k = 0; to[k]; k++) {
				size_t kl = strlen(to[k]);
				const char *v = !strncmp(t, to[k], kl) && t[kl] == '=' ? eq + 1
					      : !strcmp(t, to[k]) && i + 1 < n ? w[i + 1].text : NULL;
				if (!v)
					continue;
				if (k == 3)
					risk_host(st, "git send-email", v);
				else
					mail_host(st, "git send-email", v);
				any = true;
			}
		}
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git send-email mails commits out%s",
			  any ? "" : " (to recipients git's settings name)");
	} else if (!strcmp(sub, "request-pull")) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (w[i].text[0] != '-' && ++m == 2)
				push_target(st, "git request-pull", w[i].text);
	}
}

/* ---- resolvers and other uploaders -------------------------------------------- */

const char *const risk_resolver_verbs[] = { "dig", "nslookup", "host", "ping", "ping6", "traceroute", "tracepath",
					    "mtr", "whois", "drill", NULL };

/*
 * dig, ping and kin reach the name they are given (a DNS query carries
 * data out in the name itself): the name is a host like curl's.
 */
bool
risk_resolver(struct risk_state *st, const struct risk_cmd *c)
{
	if (!risk_name_in(risk_resolver_verbs, c->name))
		return false;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-') {
			/* options with a value: ping -c N -i S -W S -s N -I IF, dig -p/-t/-b/-q/-x ..., whois -h */
			if (!t[2] && strchr("ciWsItpbqxfkyhmwlQ", t[1]) && i + 1 < c->argc && strcmp(c->name, "dig"))
				i++;
			else if (!t[2] && strchr("ptbqxfky", t[1]) && i + 1 < c->argc && !strcmp(c->name, "dig"))
				i++;
			continue;
		}
		if (t[0] == '+' || (!strcmp(c->name, "dig") && (!strcasecmp(t, "a") || !strcasecmp(t, "aaaa") ||
								 !strcasecmp(t, "mx") || !strcasecmp(t, "txt") ||
								 !strcasecmp(t, "ns") || !strcasecmp(t, "any") ||
								 !strcasecmp(t, "cname") || !strcasecmp(t, "soa") ||
								 !strcasecmp(t, "in"))))
			continue;
		risk_host(st, c->name, t[0] == '@' ? t + 1 : t);
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	return true;
}

/* gh gist create (files to gist.github.com), pip download URL: uploads and downloads as network access. */
void
risk_net_uploaders(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;
	size_t i = 1;

	while (i < c->argc && c->argv[i].text[0] == '-')
		i += !strcmp(c->argv[i].text, "-R") || !strcmp(c->argv[i].text, "--repo") ? 2 : 1;
	if ((!strcmp(n, "gh") || !strcmp(n, "hub")) && i + 1 < c->argc && !strcmp(c->argv[i].text, "gist") &&
	    (!strcmp(c->argv[i + 1].text, "create") || !strcmp(c->argv[i + 1].text, "new") ||
	     !strcmp(c->argv[i + 1].text, "edit"))) {
		risk_host(st, "gh gist", "gist.github.com");
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "gh gist %s uploads files to gist.github.com",
			  c->argv[i + 1].text);
	} else if ((!strcmp(n, "pip") || !strcmp(n, "pip3")) && i < c->argc && !strcmp(c->argv[i].text, "download")) {
		for (size_t k = i + 1; k < c->argc; k++)
			if (strstr(c->argv[k].text, "://"))
				risk_host(st, "pip download", c->argv[k].text);
	}
}
