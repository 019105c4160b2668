/*
 * git: everyday verbs are low; what loses work (reset --hard, clean -f,
 * checkout -- ., restore, stash drop), rewrites shared history (push
 * --force, filter-branch) or bypasses hooks is high; guard's own wiring
 * (core.hooksPath) is critical.
 */
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_glob.h"
#include "guard_path.h"
#include "guard_risk_int.h"

static const char *const protected_branches[] = { "main", "master", "develop", "production", "prod",
						   "release", "trunk", NULL };

/*
 * Does a push destination name a protected branch on the remote, resolved
 * as git does (attack9 J22)? A name not starting with refs/ is matched
 * through git's rev-parse rules, so "heads/main" is refs/heads/main; a
 * pattern ("refs/heads/<star>", "refs/heads/ma<star>") covering one is one.
 */
bool
risk_git_protected_dst(const char *dst)
{
	char full[512];

	if (*dst == '+')
		dst++;
	for (size_t i = 0; protected_branches[i]; i++) {
		snprintf(full, sizeof(full), "refs/heads/%s", protected_branches[i]);
		if (!strcmp(dst, protected_branches[i]) || !strcmp(dst, full) || !strcmp(dst, full + 5))
			return true;
		if (strchr(dst, '*') && (!fnmatch(dst, full, 0) || !fnmatch(dst, full + 5, 0)))
			return true;
	}
	return false;
}

/*
 * Whether ref (a refspec) updates a protected branch. A pattern counts when
 * forced, by its '+' or by the push's -f/--force/--force-with-lease (a
 * plain one only fast-forwards, and a person reads the line).
 */
static bool
protected_ref(const char *ref, bool forced)
{
	const char *colon = strrchr(ref, ':'), *dst = colon ? colon + 1 : ref;
	return (forced || ref[0] == '+' || !strchr(dst, '*')) && risk_git_protected_dst(dst);
}

static bool
protected_branch(const char *ref)
{
	return protected_ref(ref, false);
}

/* Words after the subcommand, options first. */
struct git_args {
	const struct guard_shell_word *w;
	size_t n;
};

/* An option before "--" (after it every word is a path or a branch name). */
static bool
has(const struct git_args *a, const char *opt)
{
	for (size_t i = 0; i < a->n && strcmp(a->w[i].text, "--"); i++)
		if (!strcmp(a->w[i].text, opt))
			return true;
	return false;
}

static bool
has_prefix(const struct git_args *a, const char *prefix)
{
	for (size_t i = 0; i < a->n && strcmp(a->w[i].text, "--"); i++)
		if (!strncmp(a->w[i].text, prefix, strlen(prefix)))
			return true;
	return false;
}

/*
 * A long option as git's parse-options takes it: whole, with "=value", or
 * cut short to at least min characters ("--har" is "--hard").
 */
static bool
has_long(const struct git_args *a, const char *opt, size_t min)
{
	size_t full = strlen(opt);

	for (size_t i = 0; i < a->n && strcmp(a->w[i].text, "--"); i++) {
		const char *t = a->w[i].text;
		size_t n = strcspn(t, "=");
		if (t[0] == '-' && t[1] == '-' && n >= min && n <= full && !strncmp(t, opt, n))
			return true;
	}
	return false;
}

/* A short flag in any cluster ("-fdx" has f, d and x). */
static bool
has_short(const struct git_args *a, char letter)
{
	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strcmp(t, "--"))
			return false;
		if (t[0] == '-' && t[1] != '-' && strchr(t + 1, letter))
			return true;
	}
	return false;
}

/*
 * git commit -n is --no-verify, in any cluster (-nm x, -an), unless it
 * is the value of an option before it: -m -n, -uno, --author -n.
 */
static bool
commit_short_n(const struct git_args *a)
{
	static const char *const vlong[] = { "--message", "--file", "--author", "--date", "--reuse-message",
					     "--reedit-message", "--fixup", "--squash", "--trailer", "--template",
					     "--cleanup", "--pathspec-from-file", NULL };

	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strcmp(t, "--"))
			return false;
		if (t[0] != '-' || !t[1])
			continue;
		if (t[1] == '-') {
			i += risk_name_in(vlong, t) && i + 1 < a->n;
			continue;
		}
		for (const char *p = t + 1; *p; p++) {
			if (*p == 'n')
				return true;
			if (strchr("mFCct", *p)) { /* the value: the rest of the word, or the next word */
				i += !p[1];
				break;
			}
			if (strchr("uS", *p)) /* an optional value, only joined: -uno */
				break;
		}
	}
	return false;
}

/*
 * A dry run (-n, --dry-run or a cut-short --dr), read as git's
 * parse-options reads the words: an option that takes a value (the
 * letters in vshort, the long names in vlong, cut short or not) eats the
 * rest of its cluster or the next word, so in `git clean -f -e -n` the
 * "-n" is an exclude pattern and nothing is a dry run. A later
 * --no-dry-run undoes it. Only ever used to lower a rating: a word it
 * cannot place counts as a value, never as the flag.
 */
static bool
dry_run(const struct git_args *a, const char *vshort, const char *const *vlong)
{
	bool dry = false;

	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strcmp(t, "--"))
			break;
		if (t[0] != '-' || !t[1])
			continue;
		if (t[1] == '-') {
			const char *name = t + 2;
			size_t len = strcspn(name, "=");
			bool no = !strncmp(name, "no-", 3) && len > 3;
			const char *base = no ? name + 3 : name;
			size_t blen = no ? len - 3 : len;
			if (blen >= 2 && blen <= 7 && !strncmp(base, "dry-run", blen) && !name[len]) {
				dry = !no;
				continue;
			}
			for (size_t k = 0; vlong && vlong[k] && !name[len]; k++)
				if (len && len <= strlen(vlong[k]) && !strncmp(name, vlong[k], len)) {
					i++; /* its value */
					break;
				}
			continue;
		}
		for (const char *p = t + 1; *p; p++) {
			if (*p == 'n') {
				dry = true;
			} else if (strchr(vshort, *p)) {
				if (!p[1])
					i++; /* the value is the next word; else the rest of the cluster */
				break;
			}
		}
	}
	return dry;
}

static const char *const clean_values[] = { "exclude", NULL };
static const char *const push_values[] = { "push-option", "repo", "receive-pack", "exec", NULL };

/* Does the project's work tree hold guard's state (.ai, .claude) that git can take away or write? */
static bool
guard_in_tree(const struct risk_state *st)
{
	static const char *const dirs[] = { ".ai", ".claude", NULL };
	struct stat sb;

	for (size_t i = 0; st->ctx->project && dirs[i]; i++) {
		char *p = guard_xasprintf("%s/%s", st->ctx->project, dirs[i]);
		int rc = risk_memo_lstat(p, &sb);
		free(p);
		if (rc == 0)
			return true;
	}
	return false;
}

/* A settings key as "git -c" or "git config" names it: "core.worktree" in any case, then "=" or the end. */
static bool
key_is(const char *t, const char *key)
{
	size_t n = strlen(key);
	return !strncasecmp(t, key, n) && (!t[n] || t[n] == '=');
}

/* Operands after "--" (pathspecs). */
static size_t
after_dashdash(const struct git_args *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->w[i].text, "--"))
			return i + 1;
	return a->n;
}

/*
 * The branch HEAD names ("ref: refs/heads/NAME") in the repository git
 * works in from folder, into out; false when detached or unreadable.
 */
static bool
head_branch_in(const struct risk_state *st, const char *folder, char *out, size_t size)
{
	char *dir = risk_git_dir_of(st, folder), *path = dir ? guard_xasprintf("%s/HEAD", dir) : NULL;
	char *text = NULL;
	size_t len = 0;
	bool ok = false;

	if (path && risk_memo_read(path, 4096, &text, &len) == 0 && !strncmp(text, "ref: refs/heads/", 16)) {
		text[strcspn(text, "\r\n")] = '\0';
		snprintf(out, size, "%s", text + 16);
		ok = out[0] != '\0';
	}
	free(text);
	free(path);
	free(dir);
	return ok;
}

/*
 * A push of HEAD, @ or no refspec at all sends the branch checked out
 * where the push runs (attack8 I17: `git push --force origin HEAD` on
 * main was rated as any force push; a linked worktree or a cd has its own
 * HEAD): into out, the first protected one among the folders the shell
 * may be in (git -C already applied), else any; false when none is read.
 */
static bool
head_branch(const struct risk_state *st, char *out, size_t size)
{
	bool found = false;

	for (size_t k = 0; k < st->ncwds; k++) {
		char b[256];
		if (!head_branch_in(st, st->cwds[k], b, sizeof(b)) || (found && !protected_branch(b)))
			continue;
		snprintf(out, size, "%s", b);
		found = true;
		if (protected_branch(b))
			break;
	}
	return found;
}

static void
git_push(struct risk_state *st, const struct git_args *a)
{
	bool lease = has_prefix(a, "--force-with-lease") || has(a, "--force-if-includes");
	bool force = has(a, "--force") || has_prefix(a, "--force=") || has_short(a, 'f');

	if (dry_run(a, "o", push_values)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	bool plus = false, to_protected = false, del = has(a, "--delete") || has_short(a, 'd');

	size_t positional = 0;
	bool head_sent = false;
	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (t[0] == '-')
			continue;
		if (t[0] == '+')
			plus = true;
		if (t[0] == ':' && t[1])
			del = true;
		if (protected_ref(t, force || lease)) {
			to_protected = true;
			risk_git_push_spelled(st, &a->w[i]);
		}
		/* the repository first; then HEAD or @ (to its own name) sends the branch checked out */
		const char *spec = t + (t[0] == '+');
		if (positional++ && (!strcmp(spec, "HEAD") || !strcmp(spec, "@")))
			head_sent = true;
	}
	char branch[256];
	bool via_head = false;
	/* only where the branch matters: a force, a lease or a delete (a plain push reads nothing) */
	if ((force || lease || plus || del) && (head_sent || positional < 2) && !to_protected &&
	    head_branch(st, branch, sizeof(branch)) &&
	    protected_branch(branch)) {
		to_protected = via_head = true;
		risk_explain(st, "    the push sends the branch checked out: %s", branch);
	}
	/* a mirror push forces every ref, the protected branches among them */
	if (has(a, "--mirror"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
			  "git push --mirror overwrites every remote ref, protected branches included: it rewrites shared "
			  "history");
	if (has(a, "--no-verify"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git push --no-verify skips the pre-push hook");
	if (has(a, "--recurse-submodules=on-demand") || has(a, "--recurse-submodules=only"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git push --recurse-submodules pushes each submodule from its own repository, which guard's git "
			  "hooks do not watch");
	if ((force && !lease) || plus) {
		if (via_head)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "git push --force sends the branch checked out, %s, a protected branch: it rewrites "
				  "shared history", branch);
		else if (to_protected)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "git push --force to a protected branch rewrites shared history");
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git push --force rewrites remote history");
	} else if (lease && to_protected) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
			  "git push --force-with-lease to a protected branch rewrites shared history");
	} else if (lease) {
		/* an everyday push of a rebased feature branch: it fails when someone else pushed */
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git push --force-with-lease");
	}
	if (del)
		risk_rule(st, to_protected ? GUARD_LEVEL_CRITICAL : GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "git push deletes a remote branch");
	risk_base(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE);
}

/* ---- pathspecs against guard's protected paths ----------------------- */

struct pathspec {
	char pat[1024]; /* project-relative, lower case under icase */
	bool glob, icase, literal, exclude;
};

/* Parse git's pathspec magic (":(glob,icase)x", ":/x", ":!x") and make it project-relative. */
static bool
pathspec_parse(const struct risk_state *st, const char *spec, struct pathspec *ps)
{
	const char *p = spec;
	bool top = false;

	memset(ps, 0, sizeof(*ps));
	if (p[0] == ':' && p[1] == '(') {
		const char *end = strchr(p, ')');
		if (!end)
			return false;
		for (const char *m = p + 2; m < end;) {
			size_t n = strcspn(m, ",)");
			ps->glob |= n == 4 && !strncmp(m, "glob", 4);
			ps->icase |= n == 5 && !strncmp(m, "icase", 5);
			ps->literal |= n == 7 && !strncmp(m, "literal", 7);
			ps->exclude |= n == 7 && !strncmp(m, "exclude", 7);
			top |= n == 3 && !strncmp(m, "top", 3);
			m += n + (m[n] == ',');
		}
		p = end + 1;
	} else if (p[0] == ':') {
		for (p++; *p == '/' || *p == '!' || *p == '^'; p++)
			top |= *p == '/', ps->exclude |= *p != '/';
		if (*p == ':')
			p++;
	}
	if (!strcmp(p, ".") || !strcmp(p, "./"))
		p = ""; /* the whole folder */
	char *here = st->ctx->project ? guard_path_display(st->ctx->project, st->cwds[0]) : guard_xstrdup(".");
	bool inside = strcmp(here, ".") && here[0] != '/' && strncmp(here, "../", 3);
	int n = snprintf(ps->pat, sizeof(ps->pat), "%s%s%s", !top && inside ? here : "", !top && inside && *p ? "/" : "",
			 p);
	free(here);
	if (n < 0 || (size_t)n >= sizeof(ps->pat))
		return false;
	for (char *c = ps->pat; ps->icase && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return !ps->exclude;
}

/* Exclude magic (":!x", ":^x", ":/!x", ":(exclude)x", ":(top,exclude,glob)x"): the word takes paths away. */
static bool
pathspec_exclude(const char *spec)
{
	if (spec[0] != ':')
		return false;
	if (spec[1] == '(') {
		const char *end = strchr(spec, ')');
		for (const char *m = spec + 2; end && m < end;) {
			size_t n = strcspn(m, ",)");
			if (n == 7 && !strncmp(m, "exclude", 7))
				return true;
			m += n + (m[n] == ',');
		}
		return false;
	}
	for (const char *p = spec + 1; *p == '/' || *p == '!' || *p == '^'; p++)
		if (*p != '/')
			return true;
	return false;
}

/*
 * Pathspecs from..end where every one excludes (a word guard cannot read
 * may be one too, when one plainly is): git then starts from the whole
 * tree, ":!src" is everything but src, guard's state with it.
 */
static bool
only_excludes(const struct git_args *a, size_t from)
{
	size_t dd = after_dashdash(a), excludes = 0;

	for (size_t i = from; i < a->n; i++) {
		const char *t = a->w[i].text;
		if ((t[0] == '-' && i < dd) || (!strcmp(t, "--") && i + 1 == dd))
			continue;
		if (pathspec_exclude(t))
			excludes++;
		else if (!(a->w[i].flags & GUARD_WORD_DYNAMIC))
			return false;
	}
	return excludes > 0;
}

/* Does one project-relative path match the pathspec as git matches it? */
static bool
pathspec_hits(const struct pathspec *ps, const char *path)
{
	char low[1024];
	size_t pl = strlen(ps->pat);

	if (snprintf(low, sizeof(low), "%s", path) >= (int)sizeof(low))
		return false;
	for (char *c = low; ps->icase && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	/* a leading folder names all below it */
	if (!pl || (!strncmp(low, ps->pat, pl) && (low[pl] == '\0' || low[pl] == '/' || ps->pat[pl - 1] == '/')))
		return true;
	if (ps->literal)
		return false;
	if (ps->glob)
		return guard_glob_match(ps->pat, low);
	return fnmatch(ps->pat, low, 0) == 0; /* git's default: '*' crosses '/' */
}

/*
 * Could the pathspec name a file under folder (project-relative, no
 * glob)? Each of the folder's components matched by the pattern's
 * ('.a[i]/state/x.py', '.a?/sta<star>/x.py'); a '*' that crosses '/' (git's
 * default: '.a*') is the samples' case in pathspec_guard.
 */
static bool
pathspec_under(const struct pathspec *ps, const char *folder)
{
	const char *p = ps->pat, *f = folder;

	if (ps->literal || !strpbrk(ps->pat, "*?["))
		return false; /* a plain path: risk_guard_place reads it */
	while (*f) {
		size_t pn = strcspn(p, "/"), fn = strcspn(f, "/");
		char pc[256], fc[256];
		if (!pn || pn >= sizeof(pc) || fn >= sizeof(fc))
			return false;
		snprintf(pc, sizeof(pc), "%.*s", (int)pn, p);
		snprintf(fc, sizeof(fc), "%.*s", (int)fn, f);
		if (fnmatch(pc, fc, 0) != 0)
			return false;
		p += pn + (p[pn] == '/');
		f += fn + (f[fn] == '/');
		if (!*p)
			return !*f; /* the folder itself: all below it */
	}
	return true;
}

/*
 * Does a pathspec name guard's protected state in the project? Each
 * project-relative protected glob is tried as a sample path and with the
 * entries its folder holds now.
 */
static const char *
pathspec_guard(struct risk_state *st, const char *spec)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	struct pathspec ps;

	if (!cfg || !st->ctx->project || !pathspec_parse(st, spec, &ps))
		return NULL;
	for (size_t i = 0; i < cfg->nprotected_paths; i++) {
		const char *g = cfg->protected_paths[i];
		char sample[1024], dir[1024];
		size_t k = 0;
		if (g[0] == '~' || g[0] == '/' || g[0] == '!')
			continue;
		for (const char *c = g; *c && k + 2 < sizeof(sample); c++)
			if (*c == '?' || (*c == '*' && c[1] == '*'))
				sample[k++] = 'x', c += *c == '*';
			else if (*c != '*')
				sample[k++] = *c;
		sample[k] = '\0';
		if (pathspec_hits(&ps, sample))
			return g;
		/* a pattern reaching below a protected folder: ".a[i]/state/x.py" under ".ai/state/" */
		size_t flen = strlen(g);
		if (flen > 3 && !strcmp(g + flen - 3, "/**")) {
			char folder[1024];
			snprintf(folder, sizeof(folder), "%.*s", (int)(flen - 3), g);
			if (!strpbrk(folder, "*?[{") && pathspec_under(&ps, folder))
				return g;
		}
		size_t lit = strcspn(g, "*?[{");
		if (!g[lit])
			continue;
		while (lit && g[lit - 1] != '/')
			lit--;
		snprintf(dir, sizeof(dir), "%s/%.*s", st->ctx->project, (int)lit, g);
		void *d = risk_memo_opendir(dir);
		struct dirent *e;
		for (unsigned n = 0; d && n < 256 && (e = risk_memo_readdir(d)); n++) {
			snprintf(sample, sizeof(sample), "%.*s%s", (int)lit, g, e->d_name);
			if (e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, "..")))
				if (guard_glob_match(g, sample) && pathspec_hits(&ps, sample)) {
					risk_memo_closedir(d);
					return g;
				}
		}
		risk_memo_closedir(d);
	}
	return NULL;
}

/* Is rev HEAD itself (what is committed now), so restoring from it rolls nothing back? */
static bool
rev_is_head(const char *rev)
{
	return !rev || !strcmp(rev, "HEAD") || !strcmp(rev, "@");
}

/*
 * git checkout REV -- SPEC, git restore --source REV SPEC: guard's state
 * brought back from history (or from the index) by a pathspec that names it
 * in another spelling ("*.yaml", ":(icase).AI", ":(glob)** /policy.yaml").
 */
static bool
restores_guard_state(struct risk_state *st, const char *verb, const char *rev, const struct guard_shell_word *w)
{
	const char *t = w->text, *g;
	bool whole = !strcmp(t, ".") || !strcmp(t, ":/") || !strcmp(t, "*") || !strcmp(t, ":(top)");
	bool spelled = strpbrk(t, "*?[") || t[0] == ':';

	if ((w->flags & GUARD_WORD_DYNAMIC) || (!spelled && rev_is_head(rev)) || (whole && rev_is_head(rev)))
		return false;
	if (!(g = pathspec_guard(st, t)))
		return false;
	if (whole) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s brings the whole tree back from %s: guard's committed state (%s) with it", verb, rev, g);
		return false;
	}
	risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s %s%s%s reaches guard's protected state (%s)", verb,
		  rev ? rev : "", rev ? " " : "", t, g);
	return true;
}

/* Pathspecs whose working-tree changes are thrown away. */
static void
discard_paths(struct risk_state *st, const char *verb, const struct git_args *a, size_t from, const char *rev)
{
	if (only_excludes(a, from)) {
		/* rated as "." is: the whole tree */
		struct guard_shell_word whole = { .text = (char *)".", .bare = NULL, .flags = 0 };
		restores_guard_state(st, verb, rev, &whole);
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "%s with only exclude pathspecs (':!x', ':(exclude)x') selects the whole tree: discards all "
			  "uncommitted changes%s", verb, rev_is_head(rev) ? "" : " and brings the rest back from history");
		return;
	}
	for (size_t i = from; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (t[0] == '-' && i < after_dashdash(a))
			continue;
		if (restores_guard_state(st, verb, rev, &a->w[i]))
			continue;
		if (rev && !rev_is_head(rev) && !(a->w[i].flags & GUARD_WORD_DYNAMIC) &&
		    (risk_git_settings_file(t) || (strpbrk(t, "*?[") && (!fnmatch(t, ".gitattributes", 0) ||
									   !fnmatch(t, ".gitmodules", 0)))))
			/* as cp of a file guard cannot read onto it: the text comes from a commit (git globs pathspecs) */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "%s: %s comes back from %s, text guard does not read; it may name a filter, diff or merge "
				  "driver (or a submodule update command) that git runs", verb, t, rev);
		if (!strcmp(t, ".") || !strcmp(t, ":/") || !strcmp(t, "*") || !strcmp(t, ":(top)")) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s discards all uncommitted changes", verb);
			continue;
		}
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "%s discards uncommitted changes: %s", verb, t);
		risk_path(st, verb, &a->w[i], PATH_WRITE);
	}
}

/* A revision, not a branch name: HEAD~2, main^, @{1}, a commit id. */
static bool
rev_expression(const char *t)
{
	size_t hex = strspn(t, "0123456789abcdef");

	if (!strcmp(t, "HEAD") || !strcmp(t, "@"))
		return false;
	return strpbrk(t, "~^") || strstr(t, "@{") || (hex >= 7 && !t[hex]);
}

/* Does a word name an existing file or folder (so checkout X restores it)? */
static bool
exists_here(const struct risk_state *st, const char *t)
{
	struct stat sb;
	char *abs = guard_path_resolve(st->cwds[0], t, st->ctx->home);
	bool ok = risk_memo_stat(abs, &sb) == 0;
	free(abs);
	return ok;
}

/*
 * git switch -d REV, git switch -c NEW REV, git checkout -b NEW REV: the
 * whole tree moves to REV, rated as git checkout REV is (a revision such
 * as HEAD~1 or a commit id; a branch or tag name is everyday). The values
 * of the options that name the new branch are skipped; REV is the first
 * operand left (a start point, or the commit detached at).
 */
static void
git_older_tree(struct risk_state *st, const char *verb, const struct git_args *a)
{
	static const char *const named[] = { "-c", "-C", "-b", "-B", "--create", "--force-create", "--orphan", NULL };
	size_t dd = after_dashdash(a);

	for (size_t i = 0; i < dd; i++) {
		const char *t = a->w[i].text;
		size_t n = strlen(t);
		/* git takes a long option cut short: --cr is --create, --orph is --orphan */
		bool cut = t[0] == '-' && t[1] == '-' && n > 2 && !strchr(t, '=') &&
			   (!strncmp("--create", t, n) || !strncmp("--force-create", t, n) || !strncmp("--orphan", t, n));
		if (risk_name_in(named, t) || cut ||
		    (t[0] == '-' && t[1] != '-' && n > 1 && strchr("cCbB", t[n - 1]))) {
			i++; /* the new branch's name */
			continue;
		}
		if (t[0] == '-')
			continue;
		if (rev_expression(t))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "%s %s moves the whole tree to another commit: guard's committed policy goes back with it",
				  verb, t);
		return;
	}
}

/* git bisect: start with revisions, good, bad, skip, reset REV, replay check other commits out. */
static void
git_bisect(struct risk_state *st, const struct git_args *a)
{
	static const char *const steps[] = { "good", "bad", "new", "old", "skip", "replay", NULL };
	const char *verb = a->n ? a->w[0].text : "";
	bool moves = risk_name_in(steps, verb);

	for (size_t i = 1; !moves && i < a->n && (!strcmp(verb, "start") || !strcmp(verb, "reset")); i++)
		if (a->w[i].text[0] != '-' && (strcmp(verb, "start") || i < after_dashdash(a)))
			moves = true;
	if (moves && !has(a, "--no-checkout"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git bisect %s checks another commit out: guard's committed policy goes back with it", verb);
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

/*
 * git checkout-index -a / --all / --stdin writes every file of the index
 * the work tree lacks (-f: every file): a .claude/settings.local.json or
 * .mcp.json put in the index with update-index --cacheinfo or read-tree
 * appears in the work tree. A --prefix that still lands on guard's state
 * ("./", "../proj/") is no prefix.
 */
static void
git_checkout_index(struct risk_state *st, const struct git_args *a)
{
	bool all = has_short(a, 'a') || has_long(a, "--all", 3) || has(a, "--stdin");
	bool force = has_short(a, 'f') || has_long(a, "--force", 3);
	const char *prefix = NULL;

	for (size_t i = 0; i < a->n && i < after_dashdash(a); i++)
		if (!strncmp(a->w[i].text, "--prefix=", 9))
			prefix = a->w[i].text + 9;
		else if (!strcmp(a->w[i].text, "--prefix") && i + 1 < a->n)
			prefix = a->w[++i].text;
	if (prefix) {
		char *p1 = guard_xasprintf("%s.ai/policy.yaml", prefix);
		char *p2 = guard_xasprintf("%s.claude/settings.local.json", prefix);
		if (!strpbrk(prefix, "$`") && !risk_guard_place(st, p1) && !risk_guard_place(st, p2))
			all = false; /* a copy exported elsewhere */
		free(p1);
		free(p2);
	}
	if (all && force)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "git checkout-index rewrites the work tree: uncommitted changes and guard's policy file among them");
	else if (all)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git checkout-index -a writes every file of the index the work tree lacks: guard's settings "
			  "(.claude/settings.local.json, .mcp.json) when the index holds them");
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

/* The path of one --cacheinfo entry: "MODE,SHA,PATH" in one word, or the third of three words. */
static const char *
cacheinfo_path(const struct git_args *a, size_t *i)
{
	const char *t = a->w[*i].text;
	const char *v = !strncmp(t, "--cacheinfo=", 12) ? t + 12 : NULL;

	if (!v && *i + 1 < a->n && strchr(a->w[*i + 1].text, ','))
		v = a->w[++*i].text;
	else if (!v && *i + 3 < a->n)
		return a->w[*i += 3].text;
	if (!v)
		return NULL;
	const char *comma = strchr(v, ',') ? strchr(strchr(v, ',') + 1, ',') : NULL;
	return comma ? comma + 1 : v;
}

/*
 * git update-index: --cacheinfo puts any blob in the index under a path
 * (guard's file, content guard never saw: a checkout-index, stash or
 * checkout then writes it); --index-info reads such entries from stdin;
 * --skip-worktree on guard's file lets a sparse checkout drop it.
 */
static void
git_update_index(struct risk_state *st, const struct git_args *a)
{
	bool skip = has(a, "--skip-worktree");
	/* flags on entries (not their content): --assume-unchanged, --no-skip-worktree, --refresh, ... */
	bool flags_only = has(a, "--assume-unchanged") || has(a, "--no-assume-unchanged") ||
			  has(a, "--no-skip-worktree") || has(a, "--refresh") || has(a, "--really-refresh") ||
			  has(a, "--fsmonitor-valid") || has(a, "--no-fsmonitor-valid");
	flags_only = flags_only && !has(a, "--add") && !has(a, "--remove") && !has(a, "--force-remove");

	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text, *path = NULL;
		if (!strcmp(t, "--index-info")) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git update-index --index-info puts entries read from stdin in the index (guard cannot see "
				  "which): a checkout-index or stash then writes them");
			continue;
		}
		if (!strcmp(t, "--cacheinfo") || !strncmp(t, "--cacheinfo=", 12)) {
			if (!(path = cacheinfo_path(a, &i)))
				continue;
			if (strpbrk(path, "$`"))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
					  "git update-index --cacheinfo puts a file guard cannot name in the index: %s", path);
			else if (pathspec_guard(st, path) || risk_guard_place(st, path))
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "git update-index --cacheinfo puts content guard never saw in the index as guard's "
					  "file %s: a checkout-index, stash or checkout then writes it", path);
			continue;
		}
		if (skip && (t[0] != '-' || i >= after_dashdash(a)) && strcmp(t, "--") &&
		    (pathspec_guard(st, t) || risk_guard_place(st, t)))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "git update-index --skip-worktree %s: a sparse checkout then takes guard's file out of the "
				  "work tree", t);
		else if (!skip && !flags_only && (t[0] != '-' || i >= after_dashdash(a)) && strcmp(t, "--") &&
			 guard_in_tree(st) &&
			 (pathspec_guard(st, t) || risk_guard_place(st, t)))
			/* update-index --add ignores .gitignore: as git add -f of guard's state (attack7 H24) */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git update-index %s stages guard's state, past .gitignore: a commit then carries it (and "
				  "hides its lines from the LOC budget), a stash or a switch takes it out of the work tree", t);
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

static void
git_checkout(struct risk_state *st, const struct git_args *a)
{
	size_t dd = after_dashdash(a), first = a->n, nops = 0;

	/* -qf, -tf, -fb: -f in any cluster */
	if (has_short(a, 'f') || has_long(a, "--force", 5))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git checkout --force discards uncommitted changes");
	if (has_prefix(a, "--pathspec-from-file"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "git checkout --pathspec-from-file discards uncommitted changes in the files it lists");
	if (has_short(a, 'b') || has_short(a, 'B') || has(a, "--orphan")) {
		git_older_tree(st, "git checkout", a);
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		return;
	}
	for (size_t i = 0; i < a->n && i < dd; i++)
		if (a->w[i].text[0] != '-') {
			if (first == a->n)
				first = i;
			nops++;
		}
	if (dd < a->n) {
		discard_paths(st, "git checkout --", a, dd, nops ? a->w[first].text : NULL);
		return;
	}
	/* "git checkout ." / "git checkout file.c" / "git checkout HEAD file.c" */
	if (nops >= 2)
		discard_paths(st, "git checkout", a, first + 1, a->w[first].text);
	else if (nops == 1 && (!strcmp(a->w[first].text, ".") || exists_here(st, a->w[first].text) ||
			       a->w[first].text[0] == ':'))
		discard_paths(st, "git checkout", a, first, NULL);
	else if (nops == 1 && (has(a, "--detach") || rev_expression(a->w[first].text)))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git checkout %s moves the whole tree to an older commit: guard's committed policy goes back with it",
			  a->w[first].text);
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

static void
git_restore(struct risk_state *st, const struct git_args *a)
{
	bool staged = has(a, "--staged") || has_short(a, 'S');
	bool worktree = has(a, "--worktree") || has_short(a, 'W');

	if (staged && !worktree) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		return;
	}
	const struct guard_shell_word *first = NULL;
	const char *rev = NULL;
	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strcmp(t, "--source") || !strcmp(t, "-s")) {
			rev = i + 1 < a->n ? a->w[i + 1].text : NULL;
			i++;
			continue;
		}
		if (!strncmp(t, "--source=", 9) || (!strncmp(t, "-s", 2) && t[2])) {
			rev = t + (t[1] == 's' ? 2 : 9);
			continue;
		}
		if (!strncmp(t, "--pathspec-from-file", 20)) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
				  "git restore --pathspec-from-file discards uncommitted changes in the files it lists");
			first = &a->w[i];
			break;
		}
		if (t[0] != '-' || i >= after_dashdash(a)) {
			first = &a->w[i];
			discard_paths(st, "git restore", a, i, rev);
			break;
		}
	}
	if (!first)
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

/* Does a git settings file that git reads here name clean.requireForce (or is it too big to tell)? */
static bool
config_names_requireforce(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	struct stat sb;

	if (!path || risk_memo_stat(path, &sb) != 0)
		return false;
	if (risk_memo_read(path, 1 << 20, &data, &len) != 0)
		return true; /* there but unreadable: cannot tell */
	bool named = strcasestr(data, "requireforce") != NULL;
	free(data);
	return named;
}

/*
 * Can git clean run without -f here? clean.requireForce set anywhere on
 * the line (git -c, git config, GIT_CONFIG_* with it in the value) or in
 * a settings file git reads: the repository's, the user's (the agent can
 * write it with git config --global), the system's.
 */
static bool
clean_unforced(const struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell *sh = c->sh;
	for (size_t k = 0; sh && k < sh->ncmds; k++) {
		const struct guard_shell_cmd *cmd = &sh->cmds[k];
		for (size_t i = 0; i < cmd->argc; i++)
			if (strcasestr(cmd->argv[i].text, "requireforce"))
				return true;
		for (size_t i = 0; i < cmd->nassigns; i++)
			if (strcasestr(cmd->assigns[i].text, "requireforce"))
				return true;
	}
	for (size_t i = 0; i < c->argc; i++)
		if (strcasestr(c->argv[i].text, "requireforce"))
			return true;
	char *files[4];
	bool named = false;

	risk_git_config_files(st, files);
	for (size_t i = 0; i < 4; i++) {
		named = named || config_names_requireforce(files[i]);
		free(files[i]);
	}
	return named;
}

/*
 * git clean's pathspecs when each is a plain folder or file (not computed,
 * no glob, no magic, not "."): how many there are, each rated as a
 * deletion under it when verb is given; 0 when there are none or one is
 * not plain. Each is rated as rm -r of it: with -d git takes whole
 * folders. The values of -e/--exclude are patterns, not pathspecs.
 */
static size_t
clean_paths(struct risk_state *st, const struct git_args *a, const char *verb)
{
	size_t dd = after_dashdash(a), n = 0;

	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (i < dd && t[0] == '-') {
			size_t len = strcspn(t, "=");
			if (t[1] == '-' ? len > 3 && !strncmp(t + 2, "exclude", len - 2) && !t[len]
					: t[strlen(t) - 1] == 'e')
				i++; /* --exclude VALUE, -e VALUE, -fde VALUE (a joined value is in its word) */
			continue;
		}
		if (i + 1 == dd && !strcmp(t, "--"))
			continue;
		if ((a->w[i].flags & GUARD_WORD_DYNAMIC) || !t[0] || t[0] == ':' || strpbrk(t, "*?[\\") ||
		    !strcmp(t, ".") || !strcmp(t, "./"))
			return 0;
		if (verb)
			risk_path_str(st, verb, t, PATH_DELETE_TREE);
		n++;
	}
	return n;
}

static void
git_clean(struct risk_state *st, const struct git_args *a, bool unforced)
{
	if (dry_run(a, "e", clean_values)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	bool force = has_short(a, 'f') || has(a, "--force");
	if (!force && unforced) {
		risk_explain(st, "    clean.requireForce is set on the line or in git's settings: rated as git clean -f");
		force = true;
	}
	bool x = has_short(a, 'x'), only_ignored = has_short(a, 'X');
	/*
	 * Plain pathspecs (git clean -fdX build/) limit it to those paths: each
	 * is rated as rm -r of it would be (a scratch folder low, a source
	 * folder high, guard's state critical).
	 */
	if ((force || x || only_ignored) && clean_paths(st, a, NULL)) {
		clean_paths(st, a, only_ignored ? "git clean -X" : x ? "git clean -x" : "git clean -f");
		return;
	}
	if (force)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git clean -f deletes untracked files%s",
			  x ? " (and ignored ones)" : only_ignored ? " (only ignored ones)" : "");
	/*
	 * Ignored files include guard's own audit log (.ai/audit); without
	 * -f too, since git -c clean.requireForce=false needs none.
	 */
	if (x || only_ignored)
		risk_path_str(st, only_ignored ? "git clean -X" : "git clean -x", ".", PATH_DELETE_UNDER);
	else if (!force)
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

/*
 * Do the pathspecs of git stash (push) leave guard's state out? After
 * "--", or push's operands (save's are its message); none, only
 * excludes, the whole tree, a computed one or one that reaches guard's
 * state ("*.json" is .claude/settings.json) take it.
 */
static bool
stash_elsewhere(struct risk_state *st, const struct git_args *a)
{
	size_t dd = after_dashdash(a), from = dd;
	bool push = a->n && !strcmp(a->w[0].text, "push");

	if (has_prefix(a, "--pathspec-from-file"))
		return false;
	for (size_t i = push ? 1 : a->n; from == a->n && i < dd; i++) {
		const char *t = a->w[i].text;
		if (!strcmp(t, "-m") || !strcmp(t, "--message"))
			i++;
		else if (t[0] != '-')
			from = i;
	}
	if (from >= a->n || only_excludes(a, from))
		return false;
	for (size_t i = from; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (i < dd && (t[0] == '-' || (i > 0 && (!strcmp(a->w[i - 1].text, "-m") ||
							  !strcmp(a->w[i - 1].text, "--message")))))
			continue;
		if (!strcmp(t, ".") || !strcmp(t, ":/") || !strcmp(t, "*") || !strcmp(t, ":(top)") ||
		    (a->w[i].flags & GUARD_WORD_DYNAMIC) || strstr(t, ".ai") || strstr(t, ".claude") ||
		    pathspec_guard(st, t) || risk_guard_place(st, t))
			return false;
	}
	return true;
}

/*
 * git stash (push, save, -u, --all): what it takes leaves the work tree.
 * Untracked files with -u, ignored ones (guard's audit log) with --all,
 * and with neither every staged or changed file: guard's policy and
 * settings once git add -A or git add -f .ai staged them.
 */
static void
git_stash_away(struct risk_state *st, const struct git_args *a)
{
	if (stash_elsewhere(st, a))
		return;
	if (has_short(a, 'a') || has(a, "--all")) {
		/* ignored files: guard's audit log among them */
		risk_path_str(st, "git stash --all", ".", PATH_DELETE_UNDER);
		return;
	}
	if (!guard_in_tree(st))
		return;
	if (has_short(a, 'u') || has(a, "--include-untracked"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git stash -u takes untracked files away: guard's policy and approvals among them when uncommitted");
	else
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git stash takes staged and changed files out of the work tree: guard's policy and settings "
			  "(.ai, .claude) among them once staged (git add -A, git add -f .ai); a pathspec that leaves "
			  "them out (git stash push -- src) does not");
}

/*
 * git's work tree moved (core.worktree in git config or git -c, relative to
 * the .git folder; --work-tree and GIT_WORK_TREE, relative to where git
 * runs): every later path git writes or deletes starts there, not where
 * the analyzer reads it. "git config core.worktree guard" is .git/guard,
 * and a clean there empties guard's state. Into guard's state, .git or
 * a place the hook cannot tell: critical; a folder above the project
 * (its clean reaches the project's .ai): high; the project itself or
 * elsewhere: nothing.
 */
void
risk_git_worktree(struct risk_state *st, const char *how, const char *value, bool from_gitdir)
{
	const char *project = st->ctx->project;
	struct stat sb;

	if (!project)
		return;
	char *git = guard_xasprintf("%s/.git", project);
	bool relative = value[0] != '/' && value[0] != '~';
	bool unknown = !*value || strpbrk(value, "$`*?[") ||
		       (from_gitdir && relative && (risk_memo_stat(git, &sb) != 0 || !S_ISDIR(sb.st_mode)));
	char *abs = unknown ? NULL : guard_path_physical(from_gitdir ? git : st->cwds[0], value, st->ctx->home);
	const char *common = risk_common_git_dir(st);
	char *ai = guard_xasprintf("%s/.ai", project), *claude = guard_xasprintf("%s/.claude", project);

	if (unknown)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %s moves git's work tree to a place guard cannot tell: a clean or checkout there may "
			  "reach guard's state", how, *value ? value : "(no value)");
	else if (strcmp(abs, project) &&
		 (guard_path_inside(git, abs) || guard_path_inside(ai, abs) || guard_path_inside(claude, abs) ||
		  (*common && guard_path_inside(common, abs)) || risk_guard_place(st, abs)))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %s moves git's work tree into guard's state or git's own folder (%s%s): a clean or "
			  "checkout there deletes or rewrites it", how, value, abs, from_gitdir && relative ?
			  ", relative to .git" : "");
	else if (strcmp(abs, project) && guard_path_inside(abs, project))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s %s moves git's work tree to a folder above the project (%s): its clean and checkout "
			  "reach the project's .ai and .claude", how, value, abs);
	free(abs);
	free(git);
	free(ai);
	free(claude);
}

/*
 * git config writes that change which files git reads its settings from
 * (include.path, includeIf.*.path) or move a whole section into core
 * (--rename-section foo core): core.hooksPath in another spelling.
 */
static bool
git_config_reroutes(struct risk_state *st, const struct git_args *a)
{
	bool reading = has(a, "--get") || has(a, "--get-all") || has(a, "--get-regexp") || has(a, "-l") ||
		       has(a, "--list") || has(a, "--get-urlmatch") || has(a, "--show-origin");

	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strcmp(t, "--rename-section") || !strcmp(t, "--remove-section")) {
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "git config %s moves whole sections: core.hooksPath in another spelling", t);
			return true;
		}
		if (!strcmp(t, "--edit") || !strcmp(t, "-e")) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "git config --edit rewrites git's settings freely");
			return true;
		}
		if (!reading && i + 1 < a->n && (!strncasecmp(t, "include.", 8) || !strncasecmp(t, "includeIf.", 10))) {
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "git config %s makes git read another settings file: core.hooksPath there bypasses "
				  "guard's git hooks", t);
			return true;
		}
	}
	return false;
}

static void git_config_runner(struct risk_state *st, const struct git_args *a);
static void git_c_setting(struct risk_state *st, const char *how, const struct guard_shell_word *w);

/*
 * git config writes that change which files git's work-tree commands
 * reach: core.worktree (relative to .git), sparse checkout turned on,
 * clean.requireForce off (git clean then deletes without -f).
 */
static void
git_config_worktree(struct risk_state *st, const struct git_args *a)
{
	if (has(a, "--get") || has(a, "--get-all") || has(a, "--get-regexp") || has(a, "-l") || has(a, "--list") ||
	    has_prefix(a, "--unset") || has(a, "--show-origin") || a->n < 2)
		return;
	for (size_t i = 0; i < a->n; i++) {
		const struct guard_shell_word *w = &a->w[i];
		const char *eq = strchr(w->text, '=');
		const struct guard_shell_word *v = eq ? w : i + 1 < a->n ? &a->w[i + 1] : NULL;
		if (!v)
			break;
		if (key_is(w->text, "core.worktree")) {
			risk_git_worktree(st, "git config core.worktree", eq ? eq + 1 : v->text, true);
		} else if (key_is(w->text, "clean.requireForce")) {
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
				  "git config clean.requireForce lets git clean delete without -f (rated as -f from now on)");
		} else if (key_is(w->text, "core.sparseCheckout") || key_is(w->text, "core.sparseCheckoutCone")) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
				  "git config %s: the next checkout leaves files out of the work tree, guard's policy "
				  "and settings among them", w->text);
		}
	}
}

static void
git_config(struct risk_state *st, const struct git_args *a)
{
	if (git_config_reroutes(st, a))
		return;
	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strcasecmp(t, "core.hooksPath") || !strncasecmp(t, "core.hooksPath=", 15)) {
			if (has(a, "--get") || has(a, "-l") || has(a, "--list") || a->n == 1)
				break;
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "git config core.hooksPath rewires guard's git hooks");
			return;
		}
	}
	git_config_worktree(st, a);
	git_config_runner(st, a);
	risk_git_config_route(st, a->w, a->n);
	if (has(a, "--global") || has(a, "--system"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git config changes settings outside the project");
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

/*
 * git add -f of guard's ignored state (.ai/audit, .ai/approvals) or of
 * everything (-A, "."): the audit log staged, so a plain git stash, a
 * commit and a switch take it out of the work tree.
 */
static void
git_add_guard(struct risk_state *st, const struct git_args *a)
{
	size_t dd = after_dashdash(a);
	const char *what = NULL;

	if (!(has_short(a, 'f') || has_long(a, "--force", 4)) || !guard_in_tree(st))
		return;
	if (has_short(a, 'A') || has_long(a, "--all", 3))
		what = "-A";
	for (size_t i = 0; !what && i < a->n; i++) {
		const char *t = a->w[i].text;
		if ((t[0] == '-' && i < dd) || (!strcmp(t, "--") && i + 1 == dd))
			continue;
		if (!strcmp(t, ".") || !strcmp(t, ":/") || !strcmp(t, "*") || !strcmp(t, ":(top)") ||
		    (a->w[i].flags & GUARD_WORD_DYNAMIC) || pathspec_guard(st, t) || risk_guard_place(st, t))
			what = t;
	}
	if (what)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git add -f %s stages guard's ignored state (the audit log): a stash or a switch then takes it "
			  "out of the work tree", what);
}

/* git add .env (with -f past .gitignore): the secret goes into a commit and out with the next push. */
static void
git_add(struct risk_state *st, const struct git_args *a)
{
	size_t dd = after_dashdash(a);

	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if ((t[0] == '-' && i < dd) || !strcmp(t, "--") || (a->w[i].flags & GUARD_WORD_DYNAMIC))
			continue;
		char *abs = guard_path_resolve(st->cwds[0], t, st->ctx->home);
		char *display = guard_path_display(st->ctx->project, abs);
		if (risk_is_sensitive(st, display, abs)) {
			if (!st->remote)
				guard_list_add_unique(&st->out->reads, display);
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ,
				  "git add%s stages a secrets file for commit (and the next push): %s",
				  has_short(a, 'f') || has(a, "--force") ? " -f" : "", t);
		}
		free(display);
		free(abs);
	}
	git_add_guard(st, a);
}

/* ---- commands git runs for us --------------------------------------- */

/*
 * Settings whose value git runs (share/doc/trust.md): one list for "git -c",
 * "git config" writes and --config-env. "*" stands for any subsection
 * (filter.<driver>.clean); "pager.*" for any last part.
 */
static const char *const runner_keys[] = { "core.pager", "core.editor", "core.sshcommand", "core.askpass",
					   "core.gitproxy", "core.alternaterefscommand", "diff.external",
					   "sequence.editor", "interactive.difffilter", "gpg.program",
					   "gpg.*.program", "credential.helper", "credential.*.helper",
					   "filter.*.clean", "filter.*.smudge", "filter.*.process",
					   "diff.*.textconv", "diff.*.command", "diff.*.cmd", "merge.*.driver",
					   "merge.*.cmd", "difftool.*.cmd", "mergetool.*.cmd", "pager.*",
					   "uploadpack.packobjectshook", "remote.*.uploadpack", "remote.*.receivepack",
					   "submodule.*.update", "mergetool.*.path", "difftool.*.path",
					   "sendemail.sendmailcmd", "sendemail.tocmd", "sendemail.cccmd",
					   "sendemail.smtpserver", "browser.*.cmd", "browser.*.path", "man.*.cmd",
					   "man.*.path", "trailer.*.command", "trailer.*.cmd", "hook.*.command",
					   "gpg.ssh.defaultkeycommand", "imap.tunnel", "instaweb.httpd", "instaweb.browser",
					   "web.browser", "help.browser", "tar.*.command", "guitool.*.cmd",
					   "sendemail.*.sendmailcmd", "sendemail.*.tocmd", "sendemail.*.cccmd",
					   "sendemail.*.smtpserver", NULL };
/*
 * Settings that name a file or folder git reads programs from: attributes
 * naming filter/diff/merge drivers, templates whose hooks git init and
 * clone copy into a repository.
 */
static const char *const code_file_keys[] = { "core.attributesfile", "init.templatedir", NULL };
/* Environment variables git runs the same way. */
static const char *const runner_vars[] = { "GIT_PAGER", "PAGER", "GIT_EDITOR", "EDITOR", "VISUAL",
					   "GIT_SEQUENCE_EDITOR", "GIT_EXTERNAL_DIFF", "GIT_SSH_COMMAND", "GIT_SSH",
					   "GIT_ASKPASS", "SSH_ASKPASS", "GIT_PROXY_COMMAND", NULL };

bool
risk_git_runner_var(const char *name, size_t n)
{
	for (size_t k = 0; runner_vars[k]; k++)
		if (n == strlen(runner_vars[k]) && !strncmp(name, runner_vars[k], n))
			return true;
	return false;
}

/* Does the key of kv ("KEY" or "KEY=VALUE", case-insensitive) match pattern pat of runner_keys? */
static bool
key_matches(const char *kv, size_t klen, const char *pat)
{
	const char *star = strchr(pat, '*');

	if (!star)
		return klen == strlen(pat) && !strncasecmp(kv, pat, klen);
	size_t pre = (size_t)(star - pat), post = strlen(star + 1);
	return klen > pre + post && !strncasecmp(kv, pat, pre) && !strncasecmp(kv + klen - post, star + 1, post);
}

bool
risk_git_key_matches(const char *kv, size_t klen, const char *pat)
{
	return key_matches(kv, klen, pat);
}

/* Does a KEY (or KEY=VALUE) name a file or folder git reads programs from? */
static const char *
code_file_key(const char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (size_t i = 0; code_file_keys[i]; i++)
		if (key_matches(kv, klen, code_file_keys[i]))
			return code_file_keys[i];
	return NULL;
}

static void
code_file_rule(struct risk_state *st, const char *how, const char *kv)
{
	const char *k = code_file_key(kv);

	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s %.*s: git would take %s from a place guard does not judge",
		  how, (int)strcspn(kv, "="), kv,
		  !strcmp(k, "init.templatedir") ? "the hooks git init and clone copy into new repositories"
						 : "attributes (the filter, diff and merge drivers it runs)");
}

/* Does a KEY (lower case compare) name a setting git runs? */
static bool
runner_key(const char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (size_t i = 0; runner_keys[i]; i++)
		if (key_matches(kv, klen, runner_keys[i]))
			return true;
	return false;
}

/* sendemail's smtpserver is a mail server's host name unless it is a path (a sendmail program). */
static bool
smtp_host(const char *key, size_t klen, const char *value)
{
	return (key_matches(key, klen, "sendemail.smtpserver") || key_matches(key, klen, "sendemail.*.smtpserver")) &&
	       !strchr(value, '/');
}

/*
 * The command a runner setting's value makes git run (allocated), or NULL
 * when the value is not one: an alias or a submodule update runs a shell
 * only after "!". A credential helper that is not "!TEXT" or an absolute
 * path still goes through the shell as "git credential-VALUE" (git's
 * credential.c; attack10 K7): "x; CMD" runs CMD.
 */
static char *
runner_command(const char *key, size_t klen, const char *value)
{
	bool bang_only = key_matches(key, klen, "submodule.*.update") || key_matches(key, klen, "alias.*");
	const char *bang = value + strspn(value, " \t"); /* a settings file drops the blanks before "!" */

	if (bang[0] == '!')
		return bang[1] ? guard_xstrdup(bang + 1) : NULL;
	if (bang_only || !value[0])
		return NULL;
	if (key_matches(key, klen, "credential.helper") || key_matches(key, klen, "credential.*.helper"))
		return value[0] == '/' ? guard_xstrdup(value) : guard_xasprintf("git credential-%s", value);
	if (smtp_host(key, klen, value))
		return NULL;
	return guard_xstrdup(value);
}

/* A command string git hands to a shell: rated as a nested line. */
void
risk_git_runs(struct risk_state *st, const char *what, const struct guard_shell_word *w, const char *cmd)
{
	if (w && (w->flags & GUARD_WORD_DYNAMIC)) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command: %s", what, cmd);
		return;
	}
	risk_explain(st, "    %s runs: %s", what, cmd);
	risk_nested(st, what, cmd, strlen(cmd));
	/* the program it names: a guard program, or a file not readable now (written later, a FIFO) */
	char prog[4096];
	size_t at = strspn(cmd, " \t"), len = strcspn(cmd + at, " \t");
	if (!len || len >= sizeof(prog))
		return;
	memcpy(prog, cmd + at, len);
	prog[len] = '\0';
	if (prog[0] == '\'' || prog[0] == '"') {
		memmove(prog, prog + 1, len);
		prog[strcspn(prog, "'\"")] = '\0';
	}
	if (risk_guard_program_at(st, prog)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "%s runs guard's program %s", what, prog);
	} else if (strchr(prog, '/')) {
		char *abs = guard_path_resolve(st->cwds[0], prog, st->ctx->home);
		struct stat sb;
		if (risk_memo_stat(abs, &sb) < 0 || !S_ISREG(sb.st_mode) || risk_memo_access(abs, R_OK) < 0)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
				  "%s runs %s, which guard cannot read now: what it does is unknown", what, prog);
		free(abs);
	}
}

/*
 * git config KEY VALUE (or "git config set KEY VALUE") for a key whose value
 * git runs later (a filter on "git add", a textconv on "git diff", an editor):
 * high, and the value is looked at as the command it becomes.
 */
static void
git_config_runner(struct risk_state *st, const struct git_args *a)
{
	static const char *const valued[] = { "-f", "--file", "--blob", "--type", "--default", "--comment", NULL };
	static const char *const not_set[] = { "--unset", "--unset-all", "--get", "--get-all", "--get-regexp", "-l",
					       "--list", "--get-urlmatch", "--get-color", "--get-colorbool",
					       "--show-origin", NULL };
	size_t op[3], n = 0;

	for (size_t i = 0; i < a->n && n < 3; i++) {
		const char *t = a->w[i].text;
		if (risk_name_in(not_set, t))
			return;
		if (risk_name_in(valued, t))
			i++;
		else if (t[0] != '-')
			op[n++] = i;
	}
	size_t k = n && !strcmp(a->w[op[0]].text, "set") ? 1 : 0;
	if (n && k == 0 && (!strcmp(a->w[op[0]].text, "get") || !strcmp(a->w[op[0]].text, "unset") ||
			    !strcmp(a->w[op[0]].text, "list")))
		return;
	if (n < k + 2)
		return;
	const char *key = a->w[op[k]].text, *value = a->w[op[k + 1]].text;
	size_t klen = strlen(key);
	if (!strncasecmp(key, "protocol.", 9) && klen > 6 && !strcasecmp(key + klen - 6, ".allow") &&
	    (!strcasecmp(value, "always") || !strcasecmp(value, "user"))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "git config %s %s lets git use transports that run commands (ext::)", key, value);
		return;
	}
	if (code_file_key(key)) {
		code_file_rule(st, "git config", key);
		return;
	}
	if (key_matches(key, klen, "trace2.*target"))
		risk_git_trace_target(st, "git config trace2", value);
	/* the value lands in a settings file as text: a key there is a secret in a file (git config user.token ...) */
	const char *file = NULL;
	for (size_t i = 0; i + 1 < a->n && !file; i++)
		if (!strcmp(a->w[i].text, "-f") || !strcmp(a->w[i].text, "--file"))
			file = a->w[i + 1].text;
	char *text = guard_xasprintf("[%.*s]\n\t%s = %s\n", (int)(strrchr(key, '.') ? strrchr(key, '.') - key : 0), key,
				     strrchr(key, '.') ? strrchr(key, '.') + 1 : key, value);
	risk_written_text(st, "git config", file ? file : has(a, "--global") ? "~/.gitconfig" : ".git/config", text);
	free(text);
	if (smtp_host(key, klen, value))
		return;
	if (!runner_key(key) && !key_matches(key, klen, "alias.*") && !key_matches(key, klen, "core.fsmonitor"))
		return;
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git config %s: git runs its value later", key);
	char *cmd = runner_command(key, klen, value);
	if (cmd && !key_matches(key, klen, "alias.*")) {
		char what[96];
		snprintf(what, sizeof(what), "git config %s", key);
		risk_git_runs(st, what, &a->w[op[k + 1]], cmd);
	} else if (cmd) {
		risk_git_runs(st, "a git alias", &a->w[op[k + 1]], cmd);
	}
	free(cmd);
}

/* NAME=VALUE words in front of git (assignments, or env's operands) that git runs. */
static void
git_runner_env(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	for (size_t i = 0; i < cmd->nassigns + cmd->argc; i++) {
		const struct guard_shell_word *w = i < cmd->nassigns ? &cmd->assigns[i] : &cmd->argv[i - cmd->nassigns];
		if (i >= cmd->nassigns && w >= c->argv)
			break;
		const char *eq = strchr(w->text, '=');
		if (!eq)
			continue;
		for (size_t k = 0; runner_vars[k]; k++)
			if ((size_t)(eq - w->text) == strlen(runner_vars[k]) && !strncmp(w->text, runner_vars[k], strlen(runner_vars[k])) &&
			    eq[1]) {
				char what[64];
				snprintf(what, sizeof(what), "git with %s", runner_vars[k]);
				risk_git_runs(st, what, w, eq + 1);
			}
	}
}

/* The value of an option given as "-x V", "--exec V" or "--exec=V" at index i (NULL: not it). */
static const char *
opt_at(const struct git_args *a, size_t *i, const char *shortopt, const char *longopt)
{
	const char *t = a->w[*i].text;
	size_t ll = strlen(longopt);

	if ((shortopt && !strcmp(t, shortopt)) || !strcmp(t, longopt))
		return *i + 1 < a->n ? a->w[++*i].text : NULL;
	if (!strncmp(t, longopt, ll) && t[ll] == '=')
		return t + ll + 1;
	if (shortopt && !strncmp(t, shortopt, 2) && t[2] && shortopt[1] != '-')
		return t + 2;
	return NULL;
}

/*
 * The program git starts for the other side of a transfer (--upload-pack,
 * --receive-pack, --exec; -u for clone and ls-remote only: push -u is
 * --set-upstream): run here for a local or ssh remote.
 */
static const char *
remote_program(const char *sub, const struct git_args *a, size_t *i)
{
	static const char *const upload[] = { "clone", "fetch", "pull", "ls-remote", "fetch-pack", NULL };
	static const char *const receive[] = { "push", "send-pack", NULL };
	static const char *const exec[] = { "push", "ls-remote", "archive", "fetch-pack", "send-pack", NULL };
	bool short_u = !strcmp(sub, "clone") || !strcmp(sub, "ls-remote");
	const char *v = NULL;

	if (risk_name_in(upload, sub))
		v = opt_at(a, i, short_u ? "-u" : NULL, "--upload-pack");
	if (!v && risk_name_in(receive, sub))
		v = opt_at(a, i, NULL, "--receive-pack");
	if (!v && risk_name_in(exec, sub))
		v = opt_at(a, i, NULL, "--exec");
	return v;
}

/* rebase --exec, difftool --extcmd, filter-branch --*-filter: option values git runs. */
static void
git_option_runners(struct risk_state *st, const char *sub, const struct git_args *a)
{
	static const char *const filters[] = { "--tree-filter", "--index-filter", "--env-filter", "--msg-filter",
					       "--commit-filter", "--parent-filter", "--tag-name-filter", NULL };
	char what[64];

	for (size_t i = 0; i < a->n && strcmp(a->w[i].text, "--"); i++) {
		const char *v = NULL;
		size_t at = i;
		if (!strcmp(sub, "rebase"))
			v = opt_at(a, &i, "-x", "--exec");
		else if (!strcmp(sub, "difftool") || !strcmp(sub, "mergetool"))
			v = opt_at(a, &i, "-x", "--extcmd");
		else if (!strcmp(sub, "filter-branch"))
			for (size_t k = 0; filters[k] && !v; k++)
				v = opt_at(a, &i, NULL, filters[k]);
		else if ((v = remote_program(sub, a, &i)))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git %s %.*s names a program git runs", sub,
				  (int)strcspn(a->w[at].text, "="), a->w[at].text);
		if (v) {
			snprintf(what, sizeof(what), "git %s %s", sub, a->w[at].text);
			what[strcspn(what, "=")] = '\0';
			risk_git_runs(st, what, &a->w[i], v);
		}
	}
}

/*
 * Files git writes by name (attack11 L6): --output=F of every verb that
 * takes diff or revision options (log, show, diff, whatchanged,
 * range-diff, rev-list, shortlog, bundle create... open it as they parse
 * it, whatever the verb), archive -o F, format-patch/bugreport/diagnose
 * -o DIR and --output-directory, bundle create FILE: writes for the path
 * rules, not the reads their verbs are.
 */
static void
git_named_output(struct risk_state *st, const char *sub, const char *opt, const struct guard_shell_word *word,
		 const char *v, enum risk_path_op op)
{
	struct guard_shell_word w = *word;
	char what[64];

	if (v != word->text) /* attached: --output=~/x keeps a literal ~, as bash does */
		w = (struct guard_shell_word){ (char *)v, NULL, word->flags & ~GUARD_WORD_TILDE };
	snprintf(what, sizeof(what), "git %s %.*s", sub, opt[1] == '-' ? (int)strcspn(opt, "=") : 2, opt);
	risk_path(st, what, &w, op);
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

static void
git_output_files(struct risk_state *st, const char *sub, const struct git_args *a)
{
	static const char *const dirs[] = { "format-patch", "bugreport", "diagnose", NULL };
	bool to_dir = risk_name_in(dirs, sub);
	bool bundle = !strcmp(sub, "bundle") && a->n && !strcmp(a->w[0].text, "create");

	for (size_t i = bundle; i < a->n && strcmp(a->w[i].text, "--"); i++) {
		const char *v;
		size_t at = i;
		if ((v = opt_at(a, &i, !strcmp(sub, "archive") ? "-o" : NULL, "--output")))
			git_named_output(st, sub, a->w[at].text, &a->w[i], v, PATH_TRUNCATE);
		else if (to_dir && (v = opt_at(a, &i, "-o", "--output-directory")))
			git_named_output(st, sub, a->w[at].text, &a->w[i], v, PATH_WRITE);
		else if (bundle && a->w[i].text[0] != '-') {
			git_named_output(st, sub, "create", &a->w[i], a->w[i].text, PATH_TRUNCATE);
			bundle = false; /* the file; the rest are revisions */
		}
	}
}

/* submodule foreach CMD (a shell line), bisect run CMD ARGS (a program). */
static void
git_operand_runners(struct risk_state *st, const struct risk_cmd *c, size_t sub_at, const char *sub,
		    const struct git_args *a)
{
	size_t i = 0;

	if (!strcmp(sub, "submodule")) {
		while (i < a->n && a->w[i].text[0] == '-')
			i++;
		if (i >= a->n || strcmp(a->w[i].text, "foreach"))
			return;
		for (i++; i < a->n && a->w[i].text[0] == '-' && strcmp(a->w[i].text, "--"); i++)
			;
		if (i < a->n && !strcmp(a->w[i].text, "--"))
			i++;
		struct guard_buf line = GUARD_BUF_INIT;
		for (size_t k = i; k < a->n; k++)
			guard_buf_addf(&line, "%s%s", k > i ? " " : "", a->w[k].text);
		if (line.len)
			risk_git_runs(st, "git submodule foreach", &a->w[i], line.buf);
		if (line.len && strstr(line.buf, "push"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git submodule foreach runs a push in each submodule: guard's git hooks do not watch "
				  "those repositories");
		guard_buf_release(&line);
	} else if (!strcmp(sub, "bisect") && a->n >= 2 && !strcmp(a->w[0].text, "run")) {
		struct risk_cmd inner = *c;
		inner.argv = c->argv + sub_at + 2;
		inner.argc = c->argc - sub_at - 2;
		risk_explain(st, "    git bisect run runs: %s", inner.argv[0].text);
		risk_analyse_cmd(st, &inner);
	}
}

/*
 * git symbolic-ref NAME REF: HEAD pointed at a branch is a checkout
 * without the files (a person looks: a reset --hard or a stash then
 * brings that branch's guard files, and no post-checkout runs); any other name made a pointer (refs/heads/main ->
 * refs/heads/mine) shows REF's commits under NAME, and git 2.39 runs no
 * reference-transaction hook for it. -d deletes NAME.
 */
static void
git_symbolic_ref(struct risk_state *st, const struct git_args *a)
{
	const char *ops[3] = { NULL, NULL, NULL };
	size_t n = 0, dd = after_dashdash(a);
	bool del = has_short(a, 'd') || has_long(a, "--delete", 3);

	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strcmp(t, "-m") && i < dd) {
			i++; /* the reflog message */
			continue;
		}
		if ((t[0] == '-' && i < dd) || (!strcmp(t, "--") && i + 1 == dd))
			continue;
		if (n < 3)
			ops[n] = t;
		n++;
	}
	bool head = ops[0] && !strcmp(ops[0], "HEAD");
	if (n >= 2 && !head)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git symbolic-ref %s %s makes %s show the commits of %s (no ref update hook sees it)", ops[0],
			  ops[1], ops[0], ops[1]);
	else if (del && n >= 1)
		risk_rule(st, head ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE,
			  "git symbolic-ref --delete %s deletes a symbolic ref", ops[0]);
	else if (n >= 2) /* HEAD to a branch: a checkout without the files, which no hook of git's sees */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git symbolic-ref HEAD %s switches to %s without its files: the next reset --hard, stash or "
			  "checkout brings them, guard's own among them, unseen by git's hooks", ops[1], ops[1]);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

/*
 * git send-pack / http-push: git push without its transport layer, so the
 * pre-push hook (guard-git's push.ref, budgets, secret scan, protected
 * branches) never runs (attack9 J8). Rated as git push with the same
 * refspecs and options, and never below high: unattended it is refused.
 */
static void
git_push_unhooked(struct risk_state *st, const char *sub, const struct git_args *a)
{
	git_push(st, a);
	if (has(a, "--dry-run"))
		return; /* sends nothing: rated as push's dry run */
	if (has_short(a, 'D'))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git %s -D deletes remote branches", sub);
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
		  "git %s pushes without git push: it skips guard's pre-push hook (push rules, budgets, secret scan)", sub);
}

/*
 * refs/stash and refs/replace/ written by a ref plumbing command or a
 * refspec (update-ref, fetch and push into this repository): a stash
 * made of any commit (its files come back with pop), an object replaced.
 */
static void
git_special_refs(struct risk_state *st, const char *sub, const struct git_args *a)
{
	if (strcmp(sub, "update-ref") && strcmp(sub, "fetch") && strcmp(sub, "push") && strcmp(sub, "pull"))
		return;
	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text, *colon = strrchr(t, ':');
		const char *dst = strcmp(sub, "update-ref") ? (colon ? colon + 1 : NULL) : t;
		if (!dst || (t[0] == '-' && !strcmp(sub, "update-ref")))
			continue;
		if (!strcmp(dst, "refs/stash") || !strcmp(dst, "stash") || strstr(dst, "refs/replace")) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git %s writes %s: %s", sub, dst, strstr(dst, "replace")
				  ? "a replaced object reads as another wherever it is used (main too)"
				  : "a stash made of any commit, whose files come back with stash pop or apply");
			return;
		}
	}
}

/*
 * The folder git clone makes from URL u alone, as git's git_url_basename
 * does (attack12 M28): the scheme and user@ skipped, trailing slashes and
 * "/.git" dropped, a bare host's :port dropped, the last name (after '/'
 * or ':') less ".bundle" (a bundle file) or ".git"; --bare/--mirror add
 * ".git". Caller frees.
 */
static char *
clone_dir_name(const char *u, bool bare)
{
	const char *start = strstr(u, "://"), *end;

	start = start ? start + 3 : u;
	const char *at = strchr(start, '@'), *slash = strchr(start, '/');
	if (at && (!slash || at < slash))
		start = at + 1;
	end = start + strlen(start);
	while (end > start && (end[-1] == '/' || isspace((unsigned char)end[-1])))
		end--;
	if (end - start > 5 && end[-5] == '/' && !strncmp(end - 4, ".git", 4)) {
		end -= 5;
		while (end > start && end[-1] == '/')
			end--;
	}
	size_t n = strcspn(start, "/"), colon = strcspn(start, ":");
	if (start + n >= end && start + colon < end) { /* a host alone: its :port is no name */
		while (end > start && isdigit((unsigned char)end[-1]))
			end--;
		if (end > start && end[-1] == ':')
			end--;
	}
	const char *b = end;
	while (b > start && b[-1] != '/' && b[-1] != ':')
		b--;
	size_t len = (size_t)(end - b);
	if (len > 7 && !strncmp(end - 7, ".bundle", 7))
		len -= 7;
	else if (len > 4 && !strncmp(end - 4, ".git", 4))
		len -= 4;
	return guard_xasprintf("%.*s%s", (int)len, b, bare ? ".git" : "");
}

/*
 * The folder a new repository or work tree is made in (left12: git init
 * .ai/x, clone R .ai/x, worktree add .ai/wt, submodule add R .ai/x, and
 * --separate-git-dir): a name written, judged as any write of it. A clone
 * or submodule named by its URL alone lands in the URL's last name.
 */
static void
git_new_tree(struct risk_state *st, const char *sub, const struct git_args *a)
{
	static const char *const with_value[] = {
		"-o", "--origin", "-b", "--branch", "-u", "--upload-pack", "--reference", "--reference-if-able",
		"--separate-git-dir", "--depth", "--shallow-since", "--shallow-exclude", "-c", "--config", "--template",
		"-j", "--jobs", "--filter", "--server-option", "--bundle-uri", "--ref-format", "--object-format",
		"--initial-branch", "-B", "--reason", "--name", "--shared", NULL };
	bool worktree = !strcmp(sub, "worktree"), submodule = !strcmp(sub, "submodule");
	bool url_first = !strcmp(sub, "clone") || submodule, bare = false;
	size_t i = worktree || submodule ? 1 : 0, got = 0;
	const struct guard_shell_word *ops[2] = { NULL, NULL };
	char verb[40];

	if ((worktree || submodule) && (!a->n || strcmp(a->w[0].text, "add")))
		return;
	snprintf(verb, sizeof(verb), "git %s", sub);
	for (; i < a->n; i++) {
		const char *t = a->w[i].text;
		if (!strncmp(t, "--separate-git-dir=", 19))
			risk_path_guard_write(st, verb, t + 19);
		else if (!strcmp(t, "--separate-git-dir") && i + 1 < a->n)
			risk_path_guard_write(st, verb, a->w[i + 1].text);
		if (!strcmp(t, "--") || t[0] != '-') {
			if (strcmp(t, "--") && got < 2)
				ops[got++] = &a->w[i];
			continue;
		}
		if (risk_name_in(with_value, t))
			i++;
		bare |= !strcmp(t, "--bare") || !strcmp(t, "--mirror");
	}
	const struct guard_shell_word *dir = url_first ? ops[1] : ops[0];
	if (dir) {
		risk_path_guard_write(st, verb, dir->text);
	} else if (url_first && ops[0] && !(ops[0]->flags & GUARD_WORD_DYNAMIC)) {
		char *name = clone_dir_name(ops[0]->text, bare && !submodule);
		risk_path_guard_write(st, verb, name);
		free(name);
	}
}

static void
git_sub(struct risk_state *st, const struct risk_cmd *c, const char *sub, const struct git_args *a)
{
	if (!strcmp(sub, "init") || !strcmp(sub, "clone") || !strcmp(sub, "worktree") || !strcmp(sub, "submodule"))
		git_new_tree(st, sub, a);
	if (!strcmp(sub, "push")) {
		git_push(st, a);
	} else if (!strcmp(sub, "send-pack") || !strcmp(sub, "http-push")) {
		git_push_unhooked(st, sub, a);
	} else if (!strcmp(sub, "reset")) {
		const char *how = has_long(a, "--hard", 4) ? "--hard" : has_long(a, "--merge", 4) ? "--merge"
			: has_long(a, "--keep", 4) ? "--keep" : NULL;
		if (how)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git reset %s discards uncommitted changes", how);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "clean")) {
		git_clean(st, a, clean_unforced(st, c));
	} else if (!strcmp(sub, "checkout")) {
		git_checkout(st, a);
	} else if (!strcmp(sub, "restore")) {
		git_restore(st, a);
	} else if (!strcmp(sub, "switch")) {
		if (has_long(a, "--discard-changes", 4) || has_short(a, 'f') || has_long(a, "--force", 5))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git switch --discard-changes throws away uncommitted changes");
		git_older_tree(st, "git switch", a);
		if (has_long(a, "--orphan", 4))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
				  "git switch --orphan empties the work tree: guard's committed files leave it");
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "branch")) {
		bool del = has_short(a, 'd') || has_long(a, "--delete", 5);
		bool force = has_short(a, 'f') || has_long(a, "--force", 5);
		if (has_short(a, 'D') || (del && force))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git branch -D deletes an unmerged branch");
		else if (del)
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "git branch -d deletes a merged branch");
		else if (force || has_short(a, 'M') || has_short(a, 'C'))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git branch --force moves a branch");
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(sub, "stash")) {
		const char *verb = a->n ? a->w[0].text : "push";
		if (!strcmp(verb, "drop") || !strcmp(verb, "clear"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git stash %s deletes stashed work", verb);
		else if (!strcmp(verb, "store"))
			/* hash-object, mktree, commit-tree, then this: any file, guard's policy too, waits for a pop */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git stash store puts any commit on the stash: its files come back with stash pop or apply");
		else if (!strcmp(verb, "pop") || !strcmp(verb, "apply") || !strcmp(verb, "branch"))
			/* allowed attended; nightbuilder.yaml refuses it unattended (share/doc/trust.md) */
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
				  "git stash %s writes back files guard did not see stashed", verb);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		if (verb[0] == '-' || !strcmp(verb, "push") || !strcmp(verb, "save"))
			git_stash_away(st, a);
	} else if (!strcmp(sub, "read-tree")) {
		/* plumbing that writes the work tree from a tree: uncommitted work is lost,
		   and an older committed .ai/policy.yaml can come back without being named */
		if (has_short(a, 'u'))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
				  "git read-tree -u rewrites the work tree: uncommitted changes and guard's policy file among them");
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "checkout-index")) {
		git_checkout_index(st, a);
	} else if (!strcmp(sub, "update-index")) {
		git_update_index(st, a);
	} else if (!strcmp(sub, "sparse-checkout")) {
		const char *verb = a->n ? a->w[0].text : "";
		if (!strcmp(verb, "set") || !strcmp(verb, "add") || !strcmp(verb, "init") || !strcmp(verb, "reapply")) {
			if (guard_in_tree(st))
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
					  "git sparse-checkout %s takes files out of the work tree: guard's policy and "
					  "settings (.ai, .claude) with them, and the project's rules stop applying", verb);
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		} else {
			risk_base(st, GUARD_LEVEL_LOW, !strcmp(verb, "list") ? GUARD_CLASS_READ : GUARD_CLASS_WRITE);
		}
	} else if (!strcmp(sub, "bisect")) {
		git_bisect(st, a);
	} else if (!strcmp(sub, "filter-branch") || !strcmp(sub, "filter-repo")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git %s rewrites the whole history", sub);
	} else if (!strcmp(sub, "reflog")) {
		if (a->n && (!strcmp(a->w[0].text, "expire") || !strcmp(a->w[0].text, "delete")))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git reflog %s drops recovery points", a->w[0].text);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(sub, "gc") || !strcmp(sub, "prune")) {
		if (has_prefix(a, "--prune=now") || has_prefix(a, "--prune=all") || (!strcmp(sub, "prune") && !has(a, "-n")))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git %s --prune=now drops unreachable objects", sub);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "update-ref")) {
		if (has(a, "-d"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git update-ref -d deletes a ref");
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git update-ref moves a ref");
	} else if (!strcmp(sub, "symbolic-ref")) {
		git_symbolic_ref(st, a);
	} else if (!strcmp(sub, "replace")) {
		if (has_short(a, 'l') || has_long(a, "--list", 3) || !a->n || (a->n == 1 && !strncmp(a->w[0].text, "--format", 8)))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else if (has_short(a, 'd') || has_long(a, "--delete", 3))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "git replace --delete drops a replacement");
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git replace shows another object in place of one: every branch holding it (main too) "
				  "reads as the agent's work");
	} else if (!strcmp(sub, "rm")) {
		if (has(a, "--cached")) {
			/* guard's state out of the index: the next commit deletes it from the branch (attack12 M23) */
			for (size_t i = 0; i < a->n; i++) {
				const char *t = a->w[i].text;
				/* the whole tree (git rm -r --cached . before git add .) stays everyday */
				/* .ai/audit: the log kept out of git, untracking it is everyday */
				if ((t[0] != '-' || i >= after_dashdash(a)) && strcmp(t, "--") && !strstr(t, ".ai/audit") &&
				    (risk_guard_place(st, t) || (strpbrk(t, "*?[:") && pathspec_guard(st, t))))
					risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
						  "git rm --cached %s takes guard's state out of the index: the next commit "
						  "deletes it from the branch (and from every clone that pulls it)", t);
			}
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
			return;
		}
		bool tree = has_short(a, 'r');
		for (size_t i = 0; i < a->n; i++)
			if (a->w[i].text[0] != '-' || i >= after_dashdash(a))
				risk_path(st, tree ? "git rm -r" : "git rm", &a->w[i], tree ? PATH_DELETE_TREE : PATH_DELETE);
	} else if (!strcmp(sub, "mv")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
		for (size_t i = 0; i < a->n; i++)
			if (a->w[i].text[0] != '-')
				risk_path(st, "git mv", &a->w[i], i + 1 == a->n ? PATH_WRITE : PATH_MOVE);
	} else if (!strcmp(sub, "commit") || !strcmp(sub, "merge") || !strcmp(sub, "am") || !strcmp(sub, "cherry-pick") ||
		   !strcmp(sub, "revert") || !strcmp(sub, "rebase")) {
		if (has(a, "--no-verify") || (!strcmp(sub, "commit") && commit_short_n(a)))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git %s --no-verify skips the commit hooks", sub);
		if (!strcmp(sub, "rebase"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git rebase rewrites local history");
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "config")) {
		git_config(st, a);
	} else if (!strcmp(sub, "tag")) {
		if (has_short(a, 'd') || has(a, "--delete"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "git tag -d deletes a tag");
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "worktree") || !strcmp(sub, "submodule")) {
		if (has(a, "--force") || has(a, "-f"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "git %s --force discards changes", sub);
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "clone") || !strcmp(sub, "fetch") || !strcmp(sub, "pull") || !strcmp(sub, "ls-remote")) {
		for (size_t i = 0; i < a->n; i++)
			if (strstr(a->w[i].text, "://") || (strchr(a->w[i].text, '@') && strchr(a->w[i].text, ':')))
				risk_host(st, "git", a->w[i].text);
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "add")) {
		git_add(st, a);
	} else if (!strcmp(sub, "subtree")) {
		/* subtree push runs git push (the hooks of the repository it runs in); add, merge, pull commit */
		if (has(a, "push"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "git subtree push sends commits to a remote");
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else if (!strcmp(sub, "apply") || !strcmp(sub, "init") || !strcmp(sub, "notes") ||
		   !strcmp(sub, "remote") ||
		   !strcmp(sub, "lfs") || !strcmp(sub, "maintenance")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	} else {
		/* status, log, diff, show, blame, grep, ls-files, rev-parse, describe, ... */
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	}
}

/*
 * refs/guard/audit holds the audit log's checkpoints (guard-audit seal):
 * guard's state, a witness the agent must not move, delete or replace.
 * A word naming it (or a remote-tracking copy, ".../guard/audit", or a
 * glob that could be it) in a git command that may write refs is
 * critical; reading it (log, show, rev-parse, for-each-ref, ...), a
 * fetch into another ref and a plain push (fast-forward only) are not.
 * git update-ref --stdin reads its refs where guard cannot see them:
 * high, as a ref rewrite whose target is unknown.
 */
static bool
names_guard_ref(const char *t)
{
	if (strstr(t, "refs/guard") || strstr(t, "guard/audit"))
		return true;
	return strpbrk(t, "*?[") && strchr(t, '/') &&
	       (fnmatch(t, "refs/guard/audit", 0) == 0 || fnmatch(t, "guard/audit", 0) == 0);
}

/*
 * Would a refspec's destination write refs/guard/audit? Named, or a
 * pattern whose star git expands across '/' ("refs/<star>", "refs/g<star>"):
 * a fetch of '+refs/<star>:refs/<star>' replaces the ref with the source's, and
 * with --prune deletes it when the source has none (attack7 H21).
 */
bool
risk_git_dst_guard_ref(const char *dst)
{
	if (dst[0] == '+')
		dst++;
	return names_guard_ref(dst) || (strchr(dst, '*') && fnmatch(dst, "refs/guard/audit", 0) == 0);
}

static void
git_guard_ref(struct risk_state *st, const char *sub, const struct git_args *a)
{
	static const char *const reads[] = { "log", "show", "rev-parse", "rev-list", "cat-file", "for-each-ref",
					     "show-ref", "ls-remote", "diff", "shortlog", "describe", "ls-tree",
					     "name-rev", "merge-base", "verify-commit", "grep", "blame", "status",
					     "show-branch", "cherry", "range-diff", "whatchanged", "archive", "bundle",
					     "format-patch", NULL };
	bool force = has(a, "--force") || has_prefix(a, "--force") || has_short(a, 'f') || has(a, "--mirror") ||
		     has(a, "--prune") || has(a, "--delete") || has_short(a, 'd');

	if (!strcmp(sub, "update-ref") && has(a, "--stdin")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "git update-ref --stdin moves refs named on its input (guard cannot see which)");
		return;
	}
	for (size_t i = 0; reads[i]; i++)
		if (!strcmp(sub, reads[i]))
			return;
	for (size_t i = 0; i < a->n; i++) {
		const char *t = a->w[i].text, *dst = t;
		const char *spec = !strncmp(t, "--refmap=", 9) ? t + 9 : t;
		const char *sdst = strrchr(spec, ':') ? strrchr(spec, ':') + 1 : NULL;
		if (sdst && (a->w[i].flags & GUARD_WORD_DYNAMIC) && strpbrk(sdst, "$`") &&
		    (!strcmp(sub, "fetch") || !strcmp(sub, "pull") || !strcmp(sub, "push"))) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "git %s %s: a refspec whose destination is computed may write refs/guard/audit, guard's "
				  "audit witness", sub, t);
			return;
		}
		if (sdst && strncmp(spec, "--", 2) && risk_git_dst_guard_ref(sdst) &&
		    (!strcmp(sub, "fetch") || !strcmp(sub, "pull") ||
		     /* a push's broad pattern ('refs/heads/<star>:refs/<star>', to "." too); naming refs/guard is below */
		     (!strcmp(sub, "push") && !strstr(sdst, "refs/guard") && !strstr(sdst, "guard/audit")))) {
			/* a pattern destination covering it: "refs/<star>" */
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "git %s %s writes every ref its destination pattern covers: refs/guard/audit, guard's "
				  "audit witness, among them (replaced, or deleted with --prune; share/doc/trust.md)",
				  sub, t);
			return;
		}
		if (!names_guard_ref(t))
			continue;
		if (!strcmp(sub, "fetch") || !strcmp(sub, "pull") || !strcmp(sub, "push")) {
			/* a refspec writes its destination (push: on the remote, forced or deleting) */
			const char *colon = strrchr(t, ':');
			if (colon)
				dst = colon + 1;
			if (strcmp(sub, "push") && (!colon || !names_guard_ref(dst)))
				continue;
			if (!strcmp(sub, "push") && !force && t[0] != '+' && t[0] != ':')
				continue;
		}
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "git %s would rewrite %s, guard's audit witness (share/doc/trust.md)", sub, t);
		return;
	}
}

/* Does "KEY=VALUE" turn on a transport that runs commands (protocol[.NAME].allow=always|user)? */
static bool
protocol_allowed(const char *kv)
{
	size_t klen = strcspn(kv, "=");
	const char *v = kv[klen] ? kv + klen + 1 : "";

	return (key_matches(kv, klen, "protocol.allow") || key_matches(kv, klen, "protocol.*.allow")) &&
	       (!strcasecmp(v, "always") || !strcasecmp(v, "user"));
}

/*
 * ext:: URLs name a command git runs to reach "the remote"; fd:: hands git
 * descriptors; protocol.ext.allow (git -c, GIT_ALLOW_PROTOCOL) lets them run.
 */
static void
git_transports(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	bool allow = false;
	const struct guard_shell_cmd *cmd = c->cmd;

	for (size_t i = 1; i < sub; i++)
		if (!strcmp(c->argv[i].text, "-c") && i + 1 < sub && protocol_allowed(c->argv[i + 1].text))
			allow = true;
	for (size_t i = 0; i < cmd->nassigns; i++)
		if (!strncmp(cmd->assigns[i].text, "GIT_ALLOW_PROTOCOL=", 19) && strstr(cmd->assigns[i].text, "ext"))
			allow = true;
	if (allow)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git is let use transports that run commands (ext::)");
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text, *ext = strstr(t, "ext::");
		if (!strncmp(t, "fd::", 4))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "git talks to a remote over inherited descriptors: %s", t);
		if (!ext)
			continue;
		risk_rule(st, allow ? GUARD_LEVEL_CRITICAL : GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "git's ext:: transport runs a command%s: %s", allow ? " (allowed on this line)" : "", t);
		risk_git_ext_command(st, "git's ext:: transport", &c->argv[i], ext + 5);
	}
}

void
risk_git_ext_command(struct risk_state *st, const char *what, const struct guard_shell_word *w, const char *text)
{
	/* words split on spaces, each quoted for the shell; "% " is a space inside a word, "%%" a percent sign */
	struct guard_buf line = GUARD_BUF_INIT;
	bool open = false, start = true;
	for (const char *p = text; *p; p++) {
		if (*p == ' ') {
			guard_buf_addf(&line, open ? "' " : " ");
			open = false;
			start = true;
			continue;
		}
		/* a word holding a "% " or a shell character is one argument: quoted */
		if (start && p[strcspn(p, "%'\"\\$`;&|<>()*?[]#!{}~")] && strcspn(p, "%'\"\\$`;&|<>()*?[]#!{}~") < strcspn(p, " ")) {
			guard_buf_addf(&line, "'");
			open = true;
		}
		start = false;
		if (p[0] == '%' && (p[1] == ' ' || p[1] == '%'))
			p++;
		guard_buf_addf(&line, "%s", *p == '\'' ? "'\\''" : (char[]){ *p, 0 });
	}
	if (open)
		guard_buf_addf(&line, "'");
	if (line.len)
		risk_git_runs(st, what, w, line.buf);
	guard_buf_release(&line);
}

/* GIT_TEMPLATE_DIR=DIR in front of git (or given to env), or -c init.templateDir=DIR before the verb. */
const char *
risk_git_template_env(const struct risk_cmd *c, size_t sub)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	for (size_t i = 0; i < cmd->nassigns + cmd->argc; i++) {
		const struct guard_shell_word *w = i < cmd->nassigns ? &cmd->assigns[i] : &cmd->argv[i - cmd->nassigns];
		if (i >= cmd->nassigns && w >= c->argv)
			break;
		if (!strncmp(w->text, "GIT_TEMPLATE_DIR=", 17) && w->text[17])
			return w->text + 17;
	}
	for (size_t i = 1; i + 1 < sub && i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i].text, "-c") && key_is(c->argv[i + 1].text, "init.templateDir") &&
		    strchr(c->argv[i + 1].text, '='))
			return strchr(c->argv[i + 1].text, '=') + 1;
	return NULL;
}

/*
 * git clone/init --template=DIR (GIT_TEMPLATE_DIR=DIR): the template's
 * hooks are copied into the repository and run at its checkout, commit
 * or merge, as with init.templateDir (attack9 J14). clone -c/--config
 * KEY=V writes KEY into the clone before its checkout: rated as git -c.
 */
void
risk_git_template(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	const char *verb = sub < c->argc ? c->argv[sub].text : "";
	bool clone = !strcmp(verb, "clone");

	if (!clone && strcmp(verb, "init") && strcmp(verb, "init-db"))
		return;
	const char *tpl = NULL, *how = "GIT_TEMPLATE_DIR";
	for (size_t i = sub + 1; i < c->argc && strcmp(c->argv[i].text, "--"); i++) {
		const char *t = c->argv[i].text;
		if (!strncmp(t, "--template=", 11))
			tpl = t + 11, how = "--template";
		else if (!strcmp(t, "--template") && i + 1 < c->argc)
			tpl = c->argv[++i].text, how = "--template";
		else if (clone && (!strcmp(t, "-c") || !strcmp(t, "--config")) && i + 1 < c->argc)
			git_c_setting(st, "git clone -c", &c->argv[++i]);
		else if (clone && (!strncmp(t, "--config=", 9) || (!strncmp(t, "-c", 2) && t[2]))) {
			struct guard_shell_word kv = c->argv[i];
			kv.text = (char *)t + (t[1] == 'c' ? 2 : 9);
			git_c_setting(st, "git clone -c", &kv);
		}
	}
	if (!tpl && !(tpl = risk_git_template_env(c, sub)))
		return;
	if (*tpl)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "git %s %s %s: git copies the template's hooks into the repository, and they run at its "
			  "checkout, commit or merge (a place guard does not judge)", verb, how, tpl);
}

/*
 * A value naming where git writes its trace (GIT_TRACE*, trace2.*Target):
 * an absolute path (or any other text but a descriptor number, a boolean or
 * a socket) is a file git appends to, guard's state too (attack9 J18).
 */
void
risk_git_trace_target(struct risk_state *st, const char *how, const char *value)
{
	static const char *const not_file[] = { "", "true", "false", "yes", "no", "on", "off", NULL };

	if (risk_name_in(not_file, value) || (isdigit((unsigned char)value[0]) && !value[1]) ||
	    !strncasecmp(value, "af_unix:", 8))
		return;
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s: git appends its trace to %s", how, value);
	risk_path_str(st, how, value, PATH_WRITE);
}

/*
 * One KEY=VALUE git takes for this run: "git -c", "git clone -c/--config"
 * (written into the clone's settings, which the clone's checkout reads).
 * A runner's value starting with "!" is shell text (credential.helper,
 * diff.<x>.textconv: attack9 J12).
 */
static void
git_c_setting(struct risk_state *st, const char *how, const struct guard_shell_word *w)
{
	const char *kv = w->text, *eq = strchr(kv, '=');
	int klen = (int)strcspn(kv, "=");

	if (!strncasecmp(kv, "core.hooksPath", 14) || !strncasecmp(kv, "include.", 8) || !strncasecmp(kv, "includeIf.", 10))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s %.*s bypasses guard's git hooks", how, klen, kv);
	else if (!strncasecmp(kv, "core.fsmonitor", 14) || !strncasecmp(kv, "alias.", 6))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s %s runs a command", how, kv);
	else if (key_is(kv, "core.worktree"))
		risk_git_worktree(st, "git -c core.worktree", eq ? eq + 1 : "", true);
	else if (key_is(kv, "core.sparseCheckout") || key_is(kv, "core.sparseCheckoutCone"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "%s %.*s leaves files out of the work tree: guard's policy and settings among them", how, klen, kv);
	else if (code_file_key(kv) && eq && eq[1])
		code_file_rule(st, how, kv);
	else if (key_matches(kv, (size_t)klen, "trace2.*target") && eq)
	{
		char what[96];
		snprintf(what, sizeof(what), "%s %.*s", how, klen, kv);
		risk_git_trace_target(st, what, eq + 1);
	} else if (runner_key(kv) && eq && eq[1]) {
		char *cmd = runner_command(kv, (size_t)klen, eq + 1);
		char what[96];
		snprintf(what, sizeof(what), "%s %.*s", how, klen, kv);
		if (cmd)
			risk_git_runs(st, what, w, cmd);
		free(cmd);
	}
}

const char *const risk_git_verbs[] = { "git", NULL };

bool
risk_git_clean_dry_run(const struct risk_cmd *c)
{
	size_t i = risk_git_sub_index(c);
	struct git_args a = { c->argv + i + 1, i < c->argc ? c->argc - i - 1 : 0 };

	return i < c->argc && !strcmp(c->argv[i].text, "clean") && dry_run(&a, "e", clean_values);
}

/*
 * git --exec-path=DIR (the folder git runs its git-* programs from, git-
 * receive-pack and hooks' helpers among them) and --git-dir DIR: their
 * environment spellings GIT_EXEC_PATH and GIT_DIR are critical, so are
 * they (attack8 I19). --git-dir naming the project's own .git changes
 * nothing. (--exec-path alone prints the folder; -c, --config-env and
 * --work-tree are read below.)
 */
static void
git_env_option(struct risk_state *st, const struct risk_cmd *c, size_t *i)
{
	const char *t = c->argv[*i].text;
	bool exec = !strncmp(t, "--exec-path", 11);
	const char *v = strchr(t, '=') ? strchr(t, '=') + 1 : c->argv[++*i].text;

	if (!exec && st->ctx->project) {
		char *abs = guard_path_resolve(st->cwds[0], v, st->ctx->home);
		char *own = guard_xasprintf("%s/.git", st->ctx->project);
		bool same = !strcmp(abs, own);
		free(abs);
		free(own);
		if (same)
			return;
	}
	char *word = guard_xasprintf("%s=%s", exec ? "GIT_EXEC_PATH" : "GIT_DIR", v);
	risk_env_option(st, word, exec ? "git --exec-path sets" : "git --git-dir sets");
	free(word);
}

size_t
risk_git_sub_index(const struct risk_cmd *c)
{
	size_t i = 1;

	for (; i < c->argc && c->argv[i].text[0] == '-'; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "-C") || !strcmp(t, "-c") || !strcmp(t, "--git-dir") || !strcmp(t, "--work-tree") ||
		    !strcmp(t, "--namespace") || !strcmp(t, "--config-env"))
			i++;
	}
	return i < c->argc ? i : c->argc;
}

bool
risk_verb_git(struct risk_state *st, struct risk_cmd *c)
{
	size_t i = 1;
	char *dir = NULL;

	if (strcmp(c->name, "git"))
		return false;
	size_t sub = risk_git_sub_index(c);
	for (; i < sub; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "-C") && i + 1 < c->argc) {
			/* each -C is taken from the one before (git -C src -C x) */
			char *next = guard_path_resolve(dir ? dir : st->cwds[0], c->argv[++i].text, st->ctx->home);
			free(dir);
			dir = next;
		} else if (!strncmp(t, "--exec-path=", 12) || !strncmp(t, "--git-dir=", 10) ||
			 (!strcmp(t, "--git-dir") && i + 1 < c->argc))
			git_env_option(st, c, &i);
		else if (!strncmp(t, "--work-tree", 11) && (t[11] == '=' || (!t[11] && i + 1 < c->argc))) {
			risk_git_worktree(st, "git --work-tree", t[11] == '=' ? t + 12 : c->argv[++i].text, false);
		}
		else if (!strncmp(t, "--config-env", 12) && (t[12] == '=' || (!t[12] && i + 1 < c->argc))) {
			/* --config-env=KEY=ENVVAR: the value comes from the environment, unseen here */
			const char *kv = t[12] == '=' ? t + 13 : c->argv[++i].text;
			if (!strncasecmp(kv, "core.hooksPath", 14) || !strncasecmp(kv, "include", 7))
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "git --config-env %s rewires guard's git hooks", kv);
			else if (code_file_key(kv))
				code_file_rule(st, "git --config-env", kv);
			else if (runner_key(kv) || !strncasecmp(kv, "core.fsmonitor", 14) || !strncasecmp(kv, "alias.", 6))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
					  "git --config-env %s runs a command taken from the environment", kv);
		} else if (!strcmp(t, "-c") && i + 1 < c->argc) {
			git_c_setting(st, "git -c", &c->argv[++i]);
		}
	}
	git_runner_env(st, c);
	git_transports(st, c, sub);
	risk_git_foreign(st, c, sub);
	risk_git_init_moves(st, c, sub);
	risk_git_template(st, c, sub);
	risk_git_route_options(st, c, sub);
	if (i >= c->argc) {
		free(dir);
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return true;
	}
	struct git_args a = { c->argv + i + 1, c->argc - i - 1 };
	char *saved = NULL;
	if (dir) {
		/* git -C DIR: paths start there */
		saved = st->cwds[0];
		st->cwds[0] = dir;
	}
	if (!risk_git_transport_verb(st, c, i))
		git_sub(st, c, c->argv[i].text, &a);
	git_special_refs(st, c->argv[i].text, &a);
	git_guard_ref(st, c->argv[i].text, &a);
	risk_git_fetch_route(st, c, i);
	git_option_runners(st, c->argv[i].text, &a);
	git_output_files(st, c->argv[i].text, &a);
	git_operand_runners(st, c, i, c->argv[i].text, &a);
	if (!strcmp(c->argv[i].text, "push") || !strcmp(c->argv[i].text, "send-pack") || !strcmp(c->argv[i].text, "http-push"))
		risk_git_push_route(st, c, i);
	risk_git_uploads(st, c, c->argv[i].text, a.w, a.n);
	if (dir) {
		free(st->cwds[0]);
		st->cwds[0] = saved;
	}
	return true;
}
