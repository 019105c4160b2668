/*
 * Environment variables that steer guard itself or what git reads: the
 * agent setting, clearing or unsetting them reaches around guard's git
 * hooks without touching a file (GUARD_DIR=src git update-ref ...,
 * CLAUDECODE=0 git commit, GIT_CONFIG_GLOBAL=x.cfg git ...). The family
 * is every way a variable reaches a child: an assignment in front of a
 * command or on its own, export/declare/unset, env NAME=V / -u / -i,
 * sudo NAME=V.
 */
#include <string.h>

#include "guard_risk_int.h"

enum env_kind { ENV_NONE, ENV_GUARD, ENV_MARKER, ENV_GITCONF, ENV_HOME, ENV_LOADER, ENV_PATH, ENV_WORKTREE, ENV_GITFILE };

/*
 * git's file-location variables: the index and shallow file git writes,
 * the object folder it writes into, the alternates and graft file it reads
 * (attack10 K20). Their values are paths for the path rules.
 */
static const char *const gitfiles[] = { "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_SHALLOW_FILE",
					"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_GRAFT_FILE", NULL };

static enum env_kind
env_kind(const char *name, size_t n)
{
	static const char *const gitconf[] = { "GIT_CONFIG", "GIT_DIR", "GIT_COMMON_DIR", "GIT_EXEC_PATH", NULL };

	if (n > 6 && !strncmp(name, "GUARD_", 6))
		return ENV_GUARD;
	if ((n == 10 && !strncmp(name, "CLAUDECODE", 10)) || (n == 10 && !strncmp(name, "GEMINI_CLI", 10)))
		return ENV_MARKER;
	if (n > 11 && !strncmp(name, "GIT_CONFIG_", 11))
		return ENV_GITCONF;
	for (size_t i = 0; gitconf[i]; i++)
		if (n == strlen(gitconf[i]) && !strncmp(name, gitconf[i], n))
			return ENV_GITCONF;
	if ((n == 4 && !strncmp(name, "HOME", 4)) || (n == 15 && !strncmp(name, "XDG_CONFIG_HOME", 15)))
		return ENV_HOME;
	if ((n == 10 && !strncmp(name, "LD_PRELOAD", 10)) || (n == 8 && !strncmp(name, "LD_AUDIT", 8)) ||
	    (n == 15 && !strncmp(name, "LD_LIBRARY_PATH", 15)))
		return ENV_LOADER;
	if (n == 4 && !strncmp(name, "PATH", 4))
		return ENV_PATH;
	if (n == 13 && !strncmp(name, "GIT_WORK_TREE", 13))
		return ENV_WORKTREE;
	for (size_t i = 0; gitfiles[i]; i++)
		if (n == strlen(gitfiles[i]) && !strncmp(name, gitfiles[i], n))
			return ENV_GITFILE;
	return ENV_NONE;
}

/*
 * LD_PRELOAD, LD_AUDIT, LD_LIBRARY_PATH: the dynamic loader runs the
 * library's code inside every program started with it. In front of git or
 * guard's own programs that is attacker code inside guard's hooks;
 * exported (or assigned) it reaches the later commands of the line.
 */
static void
loader_set(struct risk_state *st, const char *word, size_t n, const char *how, bool for_guard)
{
	if (!strcmp(how, "unset unsets") || !strcmp(how, "env -u unsets"))
		return;
	if (for_guard) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
			  "%s %.*s for git or guard's own programs: the loader would run that library's code inside "
			  "them and guard's git hooks", how, (int)n, word);
		return;
	}
	if (!strcmp(how, "sets"))
		return; /* LD_LIBRARY_PATH=build/lib ./test: one program of the agent's own */
	st->loader_set = n == 10 ? "LD_PRELOAD" : n == 8 ? "LD_AUDIT" : "LD_LIBRARY_PATH";
	if (n != 15)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s %.*s for every later command: the loader runs that library's code inside each of them", how,
			  (int)n, word);
	else if (word[n] == '=')
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
			  "%s LD_LIBRARY_PATH=%s for every later command (later tool calls in this shell too): their "
			  "programs, git among them, load libraries from there first", how, word + n + 1);
}

/*
 * The first PATH entry of value that a later program is looked up in
 * although the agent may write there: relative (., ./bin, bin, an empty
 * entry), the project's folder ($PWD, $(pwd)) or the temp area. NULL when
 * every entry is a fixed place ($HOME/.local/bin, /usr/local/bin, $PATH).
 */
/* Bytes of p before the next ':' that separates PATH entries (one inside ${X:-Y} or $(...) does not). */
static size_t
entry_len(const char *p)
{
	size_t i = 0;
	int depth = 0;

	for (; p[i] && (depth || p[i] != ':'); i++) {
		if (p[i] == '$' && (p[i + 1] == '{' || p[i + 1] == '('))
			depth++, i++;
		else if (depth && (p[i] == '}' || p[i] == ')'))
			depth--;
	}
	return i;
}

static const char *
path_writable_entry(const struct risk_state *st, const char *value, char *buf, size_t size)
{
	const char *project = st->ctx->project, *home = st->ctx->home;
	size_t pl = project ? strlen(project) : 0, hl = home ? strlen(home) : 0;

	static const char *const agent_dirs[] = { "$PWD", "${PWD}", "$(pwd)", "`pwd`", "/tmp", "/var/tmp", "/dev/shm",
						  "$TMPDIR", "${TMPDIR}", NULL };

	for (const char *p = value;; p++) {
		size_t n = entry_len(p);
		snprintf(buf, size, "%.*s", (int)n, p);
		bool fixed = buf[0] == '/' || buf[0] == '~' || buf[0] == '$' || buf[0] == '`', home_dir = false;
		if (pl && !strncmp(buf, project, pl) && (!buf[pl] || buf[pl] == '/'))
			fixed = false; /* $PWD expanded: the project */
		else if (hl && !strncmp(buf, home, hl) && buf[hl] == '/')
			home_dir = true; /* $HOME/.local/bin, wherever home is */
		for (size_t i = 0; agent_dirs[i] && !home_dir; i++) {
			size_t l = strlen(agent_dirs[i]);
			if (!strncmp(buf, agent_dirs[i], l) && (!buf[l] || buf[l] == '/'))
				fixed = false;
		}
		if (!fixed)
			return buf[0] ? buf : "an empty entry (the current folder)";
		if (!p[n])
			return NULL;
		p += n;
	}
}

/* PATH=... exported or assigned (or set for git and guard): where later programs are looked up. */
static void
path_set(struct risk_state *st, const char *word, const char *how, bool for_guard)
{
	char entry[256];
	const char *e;

	if (strncmp(word, "PATH=", 5) || (!strcmp(how, "sets") && !for_guard))
		return; /* PATH=./node_modules/.bin:$PATH npm test: one program of the agent's own */
	if (!(e = path_writable_entry(st, word + 5, entry, sizeof(entry))))
		return;
	if (for_guard)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s PATH with %s for git or guard's own programs: a program placed there runs in their stead", how,
			  e);
	else
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
			  "%s PATH with %s, a folder the agent can write: later commands (later tool calls in this shell "
			  "too, git among them) may run programs put there", how, e);
}

/* GIT_INDEX_FILE=F and the like: each path of the value (a colon list for the alternates) written or read by git. */
static void
gitfile_set(struct risk_state *st, const char *word, size_t n, const char *how)
{
	bool read = !strncmp(word, "GIT_ALTERNATE_", 14) || !strncmp(word, "GIT_GRAFT_", 10);
	char verb[64], path[4096];

	if (word[n] != '=' || !word[n + 1] || !strcmp(how, "unset unsets") || !strcmp(how, "env -u unsets"))
		return;
	snprintf(verb, sizeof(verb), "git with %.*s", (int)n, word);
	for (const char *p = word + n + 1; *p; p += *p == ':') {
		size_t len = read ? strcspn(p, ":") : strlen(p);
		snprintf(path, sizeof(path), "%.*s", (int)len, p);
		if (path[0])
			risk_path_str(st, verb, path, read ? PATH_READ : PATH_WRITE);
		p += len;
	}
}

/* Rate setting (or unsetting, when how says so) the variable NAME[=...] for what runs (git, guard: for_guard). */
void
risk_env_set(struct risk_state *st, const char *word, const char *how, bool for_git, bool for_guard)
{
	size_t n = strcspn(word, "=");

	if (strcmp(how, "unset unsets") && strcmp(how, "env -u unsets")) {
		risk_proxy_set(st, NULL, word); /* http_proxy=, HTTPS_PROXY=, ALL_PROXY=: the proxy is reached (K17) */
		risk_sql_home(st, word);        /* HOME=DIR: psql runs DIR/.psqlrc (attack12 M5) */
	}
	switch (env_kind(word, n)) {
	case ENV_GUARD:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %.*s: guard's programs and git hooks would read another state or policy", how, (int)n, word);
		break;
	case ENV_MARKER:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %.*s, which tells guard's git hooks that an agent is at work", how, (int)n, word);
		break;
	case ENV_GITCONF:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s %.*s: git would read settings or refs guard does not see (core.hooksPath there bypasses "
			  "guard's git hooks)", how, (int)n, word);
		break;
	case ENV_HOME:
		if (for_git)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
				  "%s %.*s for git: git would read its global settings from another folder (core.hooksPath "
				  "there bypasses guard's git hooks)", how, (int)n, word);
		else if (strcmp(how, "sets"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "%s %.*s for every later command: git would read its settings from another folder", how,
				  (int)n, word);
		break;
	case ENV_LOADER:
		loader_set(st, word, n, how, for_guard);
		break;
	case ENV_PATH:
		path_set(st, word, how, for_guard);
		break;
	case ENV_WORKTREE:
		/* where git's work tree starts: relative to where git runs */
		if (word[n] == '=' && strcmp(how, "unset unsets") && strcmp(how, "env -u unsets"))
			risk_git_worktree(st, "GIT_WORK_TREE", word + n + 1, false);
		if (word[n] == '=' && !strcmp(how, "export exports"))
			risk_git_worktree_export(st, word + n + 1);
		break;
	case ENV_GITFILE:
		gitfile_set(st, word, n, how);
		break;
	case ENV_NONE:
		break;
	}
}

/*
 * git's global options that are its environment variables spelled on the
 * command line (git --exec-path=DIR is GIT_EXEC_PATH=DIR, --git-dir=DIR is
 * GIT_DIR=DIR): rated as that variable set for git.
 */
void
risk_env_option(struct risk_state *st, const char *word, const char *how)
{
	risk_env_set(st, word, how, true, true);
}

/* git, or one of guard's programs. */
static bool
is_guarded(const char *name)
{
	return !strcmp(name, "git") || risk_guard_program_name(name) != NULL;
}

/*
 * Does what runs from word i on reach git (or guard)? The program itself,
 * a wrapper's program (timeout 5 git ...), or a shell's script text
 * (sh -c 'git commit ...').
 */
static bool
reaches_guarded(const struct risk_cmd *c, size_t i)
{
	for (; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (is_guarded(risk_basename(t)))
			return true;
		for (const char *p = t; (p = strstr(p, "git")) != NULL; p += 3)
			if ((p == t || strchr(" \t;&|(`'\"/", p[-1])) && (!p[3] || strchr(" \t;&|)`'\"", p[3])))
				return true;
		if (risk_guard_names_program(t))
			return true;
	}
	return false;
}

/* The program a command line runs, past env/sudo and their options and NAME=V words. */
static const char *
runs_after(const struct risk_cmd *c, size_t i)
{
	for (; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-' || (strchr(t, '=') && t[0] != '='))
			continue;
		return risk_basename(t);
	}
	return "";
}

/* env's short options clustered (-i, -vi, -0i): i before any option that takes a value. */
static bool
clears_env(const char *t)
{
	if (t[0] != '-' || t[1] == '-' || !t[1])
		return false;
	for (const char *p = t + 1; *p; p++) {
		if (*p == 'i')
			return true;
		if (strchr("uCSP", *p))
			return false; /* the rest is the option's value */
	}
	return false;
}

static void
env_wrapper(struct risk_state *st, const struct risk_cmd *c, size_t at)
{
	const char *w = risk_basename(c->argv[at].text);
	bool env = !strcmp(w, "env");
	bool git = !strcmp(runs_after(c, at + 1), "git");
	bool guarded = reaches_guarded(c, at + 1);

	for (size_t i = at + 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (env && (!strcmp(t, "-u") || !strcmp(t, "--unset")) && i + 1 < c->argc) {
			risk_env_word(st, c, &c->argv[++i], "env -u unsets", git, guarded);
		} else if (env && (!strncmp(t, "--unset=", 8) || (!strncmp(t, "-u", 2) && t[2]))) {
			risk_env_set(st, t + (t[1] == 'u' ? 2 : 8), "env -u unsets", git, guarded);
		} else if (env && (!strcmp(t, "-") || !strcmp(t, "--ignore-environment") || clears_env(t))) {
			/* env -i make stays everyday: git itself, or a shell or wrapper whose words run git */
			if (guarded)
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "env -i clears the agent's markers for git: guard's git hooks would take it for a person");
		} else if (t[0] == '-') {
			continue;
		} else if (strchr(t, '=') && t[0] != '=') {
			risk_env_word(st, c, &c->argv[i], "sets", git, guarded);
		} else {
			break;
		}
	}
}

void
risk_env_part(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	const char *verb = c->argc ? risk_basename(c->argv[0].text) : "";
	bool git = !strcmp(verb, "git") || (c->argc && !strcmp(runs_after(c, 0), "git"));
	bool guarded = c->argc && reaches_guarded(c, 0);

	risk_line_sets(st, c);
	for (size_t i = 0; i < cmd->nassigns; i++)
		risk_env_word(st, c, &cmd->assigns[i], c->argc ? "sets" : "assigns", git, guarded);
	if (!c->argc || risk_env_builtins(st, c))
		return;
	if (st->loader_set && guarded && strcmp(verb, "export") && strcmp(verb, "unset"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
			  "%s, set earlier on the line, reaches %s: the loader would run that library's code inside it "
			  "and guard's git hooks", st->loader_set, c->name[0] ? c->name : verb);
	if (!strcmp(verb, "export") || !strcmp(verb, "declare") || !strcmp(verb, "typeset") ||
	    !strcmp(verb, "local") || !strcmp(verb, "readonly") || !strcmp(verb, "unset")) {
		const char *how = !strcmp(verb, "unset") ? "unset unsets" : "export exports";
		for (size_t i = 1; i < c->argc; i++)
			if (c->argv[i].text[0] != '-')
				risk_env_word(st, c, &c->argv[i], how, false, false);
		return;
	}
}

/*
 * setpriv --reset-env (cut to --res) keeps only TERM; systemd-run starts a
 * service with the service manager's environment (not with --scope, which
 * runs the command here). Either clears the agent's markers (K18, J19's rule).
 */
static void
launcher_env(struct risk_state *st, const struct risk_cmd *c, const char *w)
{
	bool setpriv = !strcmp(w, "setpriv"), clears = !setpriv;

	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		size_t n = strlen(t);
		if (!strcmp(t, "--") || t[0] != '-')
			break;
		if (setpriv && n >= 5 && !strncmp(t, "--reset-env", n))
			clears = true;
		/* --scope runs the command here; -H / -M on another machine or in a container */
		if (!setpriv && (!strcmp(t, "--scope") || !strncmp(t, "-H", 2) || !strncmp(t, "-M", 2) ||
				 !strncmp(t, "--host", 6) || !strncmp(t, "--machine", 9)))
			clears = false;
	}
	if (clears && reaches_guarded(c, 1))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "%s%s clears the agent's markers for git: guard's git hooks would take it for a person", w,
			  setpriv ? " --reset-env" : "");
}

/*
 * env / sudo / doas / exec -c as the program of c. Called for each stage of
 * the command rating's wrapper strip, so no wrapper count or wrapper argument
 * (timeout 5, nice -n 5, flock F) hides it (J19).
 */
void
risk_env_wrapper(struct risk_state *st, const struct risk_cmd *c)
{
	const char *w = c->argc ? risk_basename(c->argv[0].text) : "";

	if (!strcmp(w, "env") || !strcmp(w, "sudo") || !strcmp(w, "doas"))
		env_wrapper(st, c, 0);
	else if (!strcmp(w, "setpriv") || !strcmp(w, "systemd-run"))
		launcher_env(st, c, w);
	/* bash's exec -c runs the command with an empty environment */
	else if (!strcmp(w, "exec"))
		for (size_t i = 1; i < c->argc && c->argv[i].text[0] == '-' && strcmp(c->argv[i].text, "--"); i++) {
			if (!strcmp(c->argv[i].text, "-a")) { /* exec -a NAME: NAME is no option */
				i++;
				continue;
			}
			if (strchr(c->argv[i].text, 'c') && reaches_guarded(c, i)) {
				risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
					  "exec -c clears the agent's markers for git: guard's git hooks would take it for a person");
				break;
			}
		}
}
