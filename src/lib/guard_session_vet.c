#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_glob.h"
#include "guard_json.h"
#include "guard_session.h"
#include "guard_shell.h"
#include "guard_state.h"

/*
 * Package vetting in unattended sessions (seed 004, 2.2: "패키지 설치 -
 * 주간 다운로드 10K+, CVE 0건"). A package a command adds (npm, pnpm,
 * yarn add/install X; pip install X; cargo add X; go get X) is allowed
 * only when the project's lockfile already has it, a trusted layer's
 * packages.allow names it, or its metadata, cached as
 * "<state dir>/packages/<ecosystem>/<name>.json" ({weekly_downloads,
 * advisories}), shows 10,000 weekly downloads or more and no advisory.
 * Nothing is fetched: without metadata the answer is a deny that says so.
 */

#define VET_MIN_DOWNLOADS 10000
#define VET_FILE_MAX ((size_t)32 << 20)

static const struct eco {
	const char *tool, *verb1, *verb2, *name;
	const char *locks[4];
} ecos[] = {
	{ "npm", "install", "add", "npm", { "package-lock.json", "npm-shrinkwrap.json", NULL } },
	{ "npm", "i", NULL, "npm", { "package-lock.json", "npm-shrinkwrap.json", NULL } },
	{ "pnpm", "add", "install", "npm", { "pnpm-lock.yaml", NULL } },
	{ "yarn", "add", NULL, "npm", { "yarn.lock", NULL } },
	{ "pip", "install", NULL, "pypi", { "requirements.txt", "poetry.lock", "Pipfile.lock", NULL } },
	{ "pip3", "install", NULL, "pypi", { "requirements.txt", "poetry.lock", "Pipfile.lock", NULL } },
	{ "cargo", "add", NULL, "crates", { "Cargo.lock", NULL } },
	{ "go", "get", NULL, "go", { "go.sum", NULL } },
};

/* The package's bare name: "react@18" -> "react", "@types/node@1" -> "@types/node", "x==1.0" -> "x". */
static char *
bare_name(const char *arg, const char *eco)
{
	size_t n = strlen(arg);
	const char *at = !strcmp(eco, "npm") ? strchr(arg + (arg[0] == '@'), '@') : !strcmp(eco, "go") ? strchr(arg, '@') : NULL;

	if (at)
		n = (size_t)(at - arg);
	if (!strcmp(eco, "pypi"))
		n = strcspn(arg, "=<>!~[; ");
	if (!strcmp(eco, "crates"))
		n = strcspn(arg, "@");
	return guard_xstrndup(arg, n);
}

static bool
name_ok(const char *s)
{
	return *s && strlen(s) <= 214 && !strstr(s, "..") && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@/._-") == strlen(s);
}

/* Whether a lockfile of the project names the package (quoted, or as a TOML/requirements entry). */
static bool
in_lockfile(const char *root, const struct eco *e, const char *name)
{
	char *quoted = guard_xasprintf("\"%s\"", name), *npm = guard_xasprintf("node_modules/%s\"", name);
	char *line = guard_xasprintf("\n%s", name), *space = guard_xasprintf("%s ", name);
	bool found = false;

	for (size_t i = 0; e->locks[i] && !found; i++) {
		char *path = guard_xasprintf("%s/%s", root, e->locks[i]), *text = NULL;
		size_t len;
		if (guard_file_read(path, VET_FILE_MAX, 1, &text, &len) >= 0)
			found = strstr(text, quoted) || strstr(text, npm) || strstr(text, line) ||
				(!strcmp(e->name, "go") && strstr(text, space)) || !strncmp(text, name, strlen(name));
		guard_error_clear();
		free(text);
		free(path);
	}
	free(quoted);
	free(npm);
	free(line);
	free(space);
	return found;
}

static bool
allowlisted(const cJSON *tree, const char *eco, const char *name)
{
	const cJSON *v;
	char *full = guard_xasprintf("%s:%s", eco, name);
	bool yes = false;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tree, "packages"), "allow"))
		if (cJSON_IsString(v) && (guard_glob_match(v->valuestring, full) || guard_glob_match(v->valuestring, name)))
			yes = true;
	free(full);
	return yes;
}

/* Why the package may not be added (caller frees), or NULL. */
static char *
vet_one(const char *root, const cJSON *tree, const struct eco *e, const char *name)
{
	char *dir = NULL, *path, *text = NULL, *why = NULL, *file;
	size_t len;
	cJSON *meta = NULL;

	if (!name_ok(name))
		return guard_xasprintf("'%s' is not a package name guard can vet", name);
	if (in_lockfile(root, e, name) || allowlisted(tree, e->name, name))
		return NULL;
	if (guard_state_dir(root, false, &dir) < 0) {
		guard_error_clear();
		return guard_xasprintf("package %s (%s) is not in the lockfile or the allowlist, and there is no state "
				       "folder for its metadata", name, e->name);
	}
	file = guard_xstrdup(name);
	for (char *p = file; *p; p++)
		if (*p == '/')
			*p = '%';
	path = guard_xasprintf("%s/packages/%s/%s.json", dir, e->name, file);
	free(file);
	if (guard_file_read(path, (size_t)1 << 20, 1, &text, &len) < 0 || !(meta = cJSON_ParseWithLength(text, len))) {
		guard_error_clear();
		why = guard_xasprintf("package %s (%s) is not in the lockfile or on packages.allow, and no metadata is "
				      "cached in %s to show 10,000+ weekly downloads and no advisories", name, e->name, path);
	} else {
		const cJSON *dl = cJSON_GetObjectItemCaseSensitive(meta, "weekly_downloads");
		const cJSON *adv = cJSON_GetObjectItemCaseSensitive(meta, "advisories");
		if (!cJSON_IsNumber(dl) || dl->valuedouble < VET_MIN_DOWNLOADS)
			why = guard_xasprintf("package %s (%s) has %.0f weekly downloads, under the 10,000 unattended runs "
					      "need", name, e->name, cJSON_IsNumber(dl) ? dl->valuedouble : 0);
		else if (!cJSON_IsArray(adv) || cJSON_GetArraySize(adv) > 0)
			why = guard_xasprintf("package %s (%s) has %s known advisories", name, e->name,
					      cJSON_IsArray(adv) ? "open" : "no record of its");
	}
	cJSON_Delete(meta);
	free(text);
	free(path);
	free(dir);
	return why;
}

/* pip options whose value names no package (a folder, a log, a number); -i and -f keep theirs vetted. */
static bool
pip_plain_value(const char *opt)
{
	static const char *const opts[] = { "-t", "--target", "--prefix", "--root", "--src", "--cache-dir", "--log",
					    "--timeout", "--retries", "--progress-bar", "--upgrade-strategy",
					    "--report", "--exists-action", NULL };
	for (size_t i = 0; opts[i]; i++)
		if (!strcmp(opt, opts[i]))
			return true;
	return false;
}

/* pip -r FILE / -c FILE (-rFILE, --requirement=FILE): FILE, or NULL when arg is no such option. */
static const char *
pip_list_file(const struct guard_shell_cmd *c, size_t *a)
{
	static const char *const opts[] = { "--requirement", "--constraint", "-r", "-c", NULL };
	const char *t = c->argv[*a].text;

	for (size_t i = 0; opts[i]; i++) {
		size_t n = strlen(opts[i]);
		if (strncmp(t, opts[i], n))
			continue;
		if (!t[n])
			return *a + 1 < c->argc ? c->argv[++*a].text : "";
		if (t[n] == '=' || n == 2)
			return t + n + (t[n] == '=');
	}
	return NULL;
}

/*
 * pip install -r FILE installs what FILE lists: allowed unvetted only when
 * FILE is the project's own lockfile (requirements.txt in its root, the
 * file every other name is vetted against) and the line runs there (no
 * cd). Why not, or NULL.
 */
static char *
vet_list_file(const char *root, const cJSON *ev, const struct guard_shell *sh, const struct eco *e,
	      const struct guard_shell_word *w, const char *file)
{
	const char *cwd = guard_event_str(ev, "cwd"), *name = strncmp(file, "./", 2) ? file : file + 2;
	bool moved = false;

	for (size_t i = 0; i < sh->ncmds; i++)
		moved = moved || (sh->cmds[i].argc && (!strcmp(sh->cmds[i].argv[0].text, "cd") ||
						       !strcmp(sh->cmds[i].argv[0].text, "pushd")));
	for (size_t i = 0; e->locks[i] && !(w->flags & GUARD_WORD_DYNAMIC) && !moved && cwd && !strcmp(cwd, root); i++)
		if (!strcmp(name, e->locks[i]))
			return NULL;
	return guard_xasprintf("'%s' lists packages guard does not vet one by one: only the project's own %s, "
			       "installed from its root, is taken as vetted", file, e->locks[0]);
}

char *
guard_session_vet(const char *root, const cJSON *tree, const cJSON *ev)
{
	const char *command = guard_event_str(ev, "input.command");
	struct guard_shell sh;
	char *why = NULL;

	if (!command)
		return NULL;
	memset(&sh, 0, sizeof(sh));
	guard_shell_parse(&sh, command, strlen(command), NULL);
	for (size_t i = 0; i < sh.ncmds && !why; i++) {
		const struct guard_shell_cmd *c = &sh.cmds[i];
		size_t k = 0;
		/* python -m pip install X is pip install X */
		if (c->argc > 3 && !strncmp(c->argv[0].text, "python", 6) && !strcmp(c->argv[1].text, "-m"))
			k = 2;
		if (c->argc < k + 3)
			continue;
		const char *tool = strrchr(c->argv[k].text, '/') ? strrchr(c->argv[k].text, '/') + 1 : c->argv[k].text;
		for (size_t j = 0; j < sizeof(ecos) / sizeof(ecos[0]) && !why; j++) {
			const struct eco *e = &ecos[j];
			const char *verb = c->argv[k + 1].text;
			if (strcmp(tool, e->tool) || (strcmp(verb, e->verb1) && (!e->verb2 || strcmp(verb, e->verb2))))
				continue;
			for (size_t a = k + 2; a < c->argc && !why; a++) {
				const char *arg = c->argv[a].text, *list;
				if (!strcmp(e->name, "pypi") && (list = pip_list_file(c, &a))) {
					why = vet_list_file(root, ev, &sh, e, &c->argv[a], list);
					continue;
				}
				if (!strcmp(e->name, "pypi") && pip_plain_value(arg)) {
					a++;
					continue;
				}
				if (arg[0] == '-' || strchr(arg, '/') == arg || !strncmp(arg, "./", 2) || !strncmp(arg, "..", 2))
					continue; /* options and local paths */
				if (c->argv[a].flags & (GUARD_WORD_DYNAMIC)) {
					why = guard_xasprintf("'%s' is a package name guard cannot know before the call", arg);
					break;
				}
				char *name = bare_name(arg, e->name);
				why = vet_one(root, tree, e, name);
				free(name);
			}
			break;
		}
	}
	if (!why && sh.unparsed && strstr(command, "install"))
		why = guard_xasprintf("the command could not be parsed (%s), so its packages cannot be vetted",
				      sh.reason ? sh.reason : "unparsed");
	guard_shell_release(&sh);
	return why;
}
