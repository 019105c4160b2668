/*
 * Programs that run a command under a subcommand: `bundle exec CMD`,
 * `direnv exec DIR CMD`, `conda run -n ENV CMD`, `aws-vault exec PROFILE --
 * CMD`, `nix develop -c CMD`, `nix-shell --run 'CMD'`... The command after
 * the subcommand, its options (with their values) and its own operands
 * (an environment's folder, a profile) is rated as if typed alone. A
 * program listed here without its runner subcommand falls through to the
 * module that knows it (uv pip, conda install) or to the generic rating.
 */
#include "guard_risk_int.h"

/* How the command follows: as words, or as one word of shell text (after opt). */
enum how { ARGV, TEXT };

static const struct runner {
	const char *prog, *sub;  /* sub NULL: the program itself runs the rest */
	const char *with_arg;    /* options taking a value (before the command) */
	unsigned positional;     /* operands before the command (direnv exec DIR) */
	enum how how;
	const char *text_opt;    /* the option whose value is the command as one string ("--run") */
	const char *text_short;  /* its short spelling, or NULL */
	bool shell_text;         /* the command's words are joined into one shell line */
} runners[] = {
	{ "bundle", "exec", "--gemfile", 0, ARGV, NULL, NULL, false },
	{ "bundler", "exec", "--gemfile", 0, ARGV, NULL, NULL, false },
	{ "direnv", "exec", NULL, 1, ARGV, NULL, NULL, false },
	{ "rbenv", "exec", NULL, 0, ARGV, NULL, NULL, false },
	{ "pyenv", "exec", NULL, 0, ARGV, NULL, NULL, false },
	{ "nodenv", "exec", NULL, 0, ARGV, NULL, NULL, false },
	{ "goenv", "exec", NULL, 0, ARGV, NULL, NULL, false },
	{ "asdf", "exec", NULL, 0, ARGV, NULL, NULL, false },
	{ "mise", "exec", "-C --cd -j --jobs -E --env", 0, ARGV, "--command", "-c", false },
	{ "mise", "x", "-C --cd -j --jobs -E --env", 0, ARGV, "--command", "-c", false },
	{ "rtx", "exec", "-C --cd -j --jobs", 0, ARGV, NULL, NULL, false },
	{ "pdm", "run", "-p --project", 0, ARGV, NULL, NULL, false },
	{ "hatch", "run", "-e --env", 0, ARGV, NULL, NULL, false },
	{ "rye", "run", "--pyproject", 0, ARGV, NULL, NULL, false },
	{ "pixi", "run", "--manifest-path -e --environment", 0, ARGV, NULL, NULL, false },
	{ "uv", "run", "--with --with-editable --with-requirements -p --python --index --default-index --index-url -i "
		       "--extra-index-url -f --find-links --package --extra --group --only-group --no-group "
		       "--env-file --directory --project --config-file --cache-dir -C --config-setting",
	  0, ARGV, NULL, NULL, false },
	{ "poetry", "run", "-C --directory -P --project", 0, ARGV, NULL, NULL, false },
	{ "pipenv", "run", NULL, 0, ARGV, NULL, NULL, false },
	{ "conda", "run", "-n --name -p --prefix --cwd", 0, ARGV, NULL, NULL, false },
	{ "mamba", "run", "-n --name -p --prefix --cwd", 0, ARGV, NULL, NULL, false },
	{ "micromamba", "run", "-n --name -p --prefix --cwd -r --root-prefix", 0, ARGV, NULL, NULL, false },
	{ "devbox", "run", "-c --config -e --env --env-file", 0, ARGV, NULL, NULL, false },
	{ "foreman", "run", "-e --env -f --procfile -d --root", 0, ARGV, NULL, NULL, false },
	{ "dotenvx", "run", "-f --env-file -e --env --convention", 0, ARGV, NULL, NULL, false },
	{ "op", "run", "--env-file --account --session --config --encoding --cache", 0, ARGV, NULL, NULL, false },
	{ "doppler", "run", "-p --project -c --config --token --mount --mount-format --name-transformer --scope --configuration --config-dir", 0, ARGV, "--command", NULL, false },
	{ "aws-vault", "exec", "--duration -d --region --mfa-token -t --prompt", 1, ARGV, NULL, NULL, false },
	{ "chamber", "exec", NULL, 0, ARGV, NULL, NULL, false }, /* its services end at -- */
	{ "envchain", NULL, NULL, 1, ARGV, NULL, NULL, false },
	{ "env-cmd", NULL, "-f --file -e --environments -r --rc-file", 0, ARGV, NULL, NULL, false },
	{ "cross-env", NULL, NULL, 0, ARGV, NULL, NULL, false },
	{ "cross-env-shell", NULL, NULL, 0, ARGV, NULL, NULL, true },
	{ "proot", NULL, "-r --rootfs -R -S -b --bind -m --mount -w --pwd --cwd -q --qemu -k --kernel-release", 0, ARGV, NULL, NULL, false },
	{ "fakechroot", NULL, "-l --lib -d --elfloader -s --use-system-libs -e --environment -c --config-dir", 0, ARGV, NULL, NULL, false },
	{ "schroot", NULL, "-c --chroot -u --user -d --directory -p --preserve-environment -o --option -n --session-name", 0, ARGV, NULL, NULL, false },
	{ "distrobox", "enter", "-n --name -e --exec", 1, ARGV, NULL, NULL, false },
	{ "toolbox", "run", "-c --container -d --distro -r --release", 0, ARGV, NULL, NULL, false },
	{ "tsocks", NULL, NULL, 0, ARGV, NULL, NULL, false },
	{ "pixi", "exec", "-s --spec -c --channel --platform", 0, ARGV, NULL, NULL, false },
	{ "sem", NULL, "-j --jobs --id --semaphorename --semaphoretimeout --st", 0, ARGV, NULL, NULL, false },
	{ "nix", "develop", "--profile -i --ignore-environment -k --keep --unset --arg --argstr -I --include", 0, ARGV, NULL, NULL, false },
	{ "nix", "shell", "--arg --argstr -I --include", 0, ARGV, NULL, NULL, false },
	{ "nix-shell", NULL, "-p --packages -A --attr --arg --argstr -I --include --keep", 0, TEXT, "--run", NULL, false },
	{ "nix-shell", NULL, "-p --packages -A --attr --arg --argstr -I --include --keep", 0, TEXT, "--command", NULL, false },
};

/*
 * The index of word sub (the subcommand) among c's words, 0 when absent.
 * Global options may stand before it, with or without a value (poetry -C
 * DIR run, uv --color always run, hatch -e test run): a word right after
 * an option may be its value (attack13 P4).
 */
static size_t
sub_at(const struct risk_cmd *c, const char *sub)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, sub))
			return i;
		const char *before = c->argv[i - 1].text;
		if (t[0] != '-' && !(i > 1 && before[0] == '-' && before[1] && !strchr(before, '=')))
			return 0; /* another subcommand: not the runner */
	}
	return 0;
}

static bool
in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

/* Do the operands before a later "--" name services or tools, not the command? */
static bool
until_dashdash(const struct risk_cmd *c, size_t i, const struct runner *r)
{
	if (!strcmp(r->prog, "chamber"))
		return true;
	if (strcmp(r->prog, "mise") && strcmp(r->prog, "rtx"))
		return false;
	for (; i < c->argc; i++)
		if (!strcmp(c->argv[i].text, "--"))
			return true;
	return false;
}

/* The first word of the command run, c->argc when none. */
static size_t
command_at(const struct risk_cmd *c, size_t from, const struct runner *r)
{
	unsigned skip = r->positional;
	bool dashdash = false;

	for (size_t i = from; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!dashdash && !strcmp(t, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && t[0] == '-' && t[1]) {
			if (in_list(r->with_arg, t) && !strchr(t, '='))
				i++;
			continue;
		}
		/* cross-env A=b CMD, env-cmd: assignments before the command */
		if (!dashdash && strchr(t, '=') && (t[0] != '=') && !strcmp(r->prog, "cross-env"))
			continue;
		if (skip && !dashdash) { /* distrobox enter -n box -- CMD: the command after -- is no name */
			skip--;
			continue;
		}
		/* chamber exec SVC... -- CMD, mise exec TOOL@VER... -- CMD: the command starts after -- */
		if (!dashdash && until_dashdash(c, i, r))
			continue;
		return i;
	}
	return c->argc;
}

/* Rate c's words from at on as the command the runner runs (shell_text: joined, as one shell line). */
static void
run_from(struct risk_state *st, const struct risk_cmd *c, size_t at, const char *what, bool shell_text)
{
	if (shell_text) { /* cross-env-shell, env-cmd --use-shell: the words are joined into a shell line */
		struct guard_buf line = GUARD_BUF_INIT;
		for (size_t i = at; i < c->argc; i++)
			guard_buf_addf(&line, "%s%s", i > at ? " " : "", c->argv[i].text);
		risk_nested(st, what, line.buf ? line.buf : "", line.len);
		guard_buf_release(&line);
		return;
	}
	struct risk_cmd inner = *c;
	inner.argv = c->argv + at;
	inner.argc = c->argc - at;
	risk_set_name(&inner);
	risk_explain(st, "    %s runs: %s", what, inner.argv[0].text);
	risk_analyse_cmd(st, &inner);
}

/* runners inside runners (tsocks tsocks ... CMD): each level re-reads the rest, so the depth is bounded */
#define RUNNERS_MAX_DEPTH 16
static _Thread_local unsigned runner_depth;

static bool runners_rate(struct risk_state *st, struct risk_cmd *c);

bool
risk_verb_runners(struct risk_state *st, struct risk_cmd *c)
{
	if (runner_depth >= RUNNERS_MAX_DEPTH) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s: runners nested more than %d deep are not followed",
			  c->name, RUNNERS_MAX_DEPTH);
		return true;
	}
	runner_depth++;
	bool done = runners_rate(st, c);
	runner_depth--;
	return done;
}

/*
 * direnv allow [PATH]: the folder's .envrc then runs in every shell that
 * enters it, outside any hook (attack13 P22): its text is rated as the
 * script it is.
 */
static bool
direnv_allow(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[3];
	size_t n = risk_operands(c, 1, NULL, ops, 3);

	if (strcmp(c->name, "direnv") || !n || (strcmp(ops[0]->text, "allow") && strcmp(ops[0]->text, "permit") &&
						 strcmp(ops[0]->text, "grant")))
		return false;
	const char *dir = n > 1 ? ops[1]->text : ".";
	size_t len = strlen(dir);
	char *envrc = len > 6 && !strcmp(dir + len - 6, ".envrc") ? guard_xstrdup(dir) : guard_xasprintf("%s/.envrc", dir);
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "direnv allow lets %s run in every shell that enters its folder",
		  envrc);
	if (!st->remote && !(n > 1 && (ops[1]->flags & GUARD_WORD_DYNAMIC)))
		risk_script_text(st, "direnv's .envrc", envrc, false);
	free(envrc);
	return true;
}

static bool
runners_rate(struct risk_state *st, struct risk_cmd *c)
{
	if (direnv_allow(st, c))
		return true;
	for (size_t k = 0; k < sizeof(runners) / sizeof(*runners); k++) {
		const struct runner *r = &runners[k];
		size_t from = 1;
		if (strcmp(c->name, r->prog) || (r->sub && !(from = sub_at(c, r->sub))))
			continue;
		if (r->sub)
			from++;
		char what[96];
		snprintf(what, sizeof(what), "%s%s%s", r->prog, r->sub ? " " : "", r->sub ? r->sub : "");
		if (r->how == TEXT) {
			struct guard_shell_word w;
			if (!risk_opt_word(c, NULL, r->text_opt, &w))
				continue; /* nix-shell without --run: the next row, or a shell */
			if (w.flags & GUARD_WORD_DYNAMIC)
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command: %s", what, w.text);
			else
				risk_nested(st, what, w.text, strlen(w.text));
			return true;
		}
		/* nix develop -c CMD / --command CMD, nix shell ... -c CMD */
		if (!strcmp(r->prog, "nix")) {
			size_t i = from;
			while (i < c->argc && strcmp(c->argv[i].text, "-c") && strcmp(c->argv[i].text, "--command"))
				i++;
			from = i + 1;
			if (from >= c->argc) {
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s starts a shell", what);
				return true;
			}
			struct risk_cmd inner = *c;
			inner.argv = c->argv + from;
			inner.argc = c->argc - from;
			risk_set_name(&inner);
			risk_analyse_cmd(st, &inner);
			return true;
		}
		if (r->text_opt) { /* a runner that also takes the command as one string (mise x -c 'CMD') */
			struct guard_shell_word w;
			if (risk_opt_word(c, NULL, r->text_opt, &w) ||
			    (r->text_short && risk_opt_word(c, r->text_short, NULL, &w))) {
				if (w.flags & GUARD_WORD_DYNAMIC)
					risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command: %s", what,
						  w.text);
				else
					risk_nested(st, what, w.text, strlen(w.text));
				return true;
			}
		}
		size_t at = command_at(c, from, r);
		if (at >= c->argc) {
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs no command guard can see", what);
			return true;
		}
		bool shell_text = r->shell_text || (!strcmp(r->prog, "env-cmd") && risk_arg_has(c, "--use-shell"));
		run_from(st, c, at, what, shell_text);
		/*
		 * An option guard does not list right before the command word may
		 * take it as its value (op run --session T -- CMD): the next word
		 * is rated as the command too (attack13 P4).
		 */
		const char *before = c->argv[at - 1].text;
		if (before[0] == '-' && before[1] && strcmp(before, "--") && !strchr(before, '=') &&
		    !in_list(r->with_arg, before)) {
			size_t next = command_at(c, at + 1, &(struct runner){ r->prog, r->sub, r->with_arg, 0, ARGV, NULL, NULL, false });
			if (next < c->argc)
				run_from(st, c, next, what, shell_text);
		}
		return true;
	}
	return false;
}

const char *const risk_runners_verbs[] = { "bundle", "bundler", "direnv", "rbenv", "pyenv", "nodenv", "goenv", "asdf",
	"mise", "rtx", "pdm", "hatch", "rye", "pixi", "uv", "poetry", "pipenv", "conda", "mamba", "micromamba", "devbox",
	"foreman", "dotenvx", "op", "doppler", "aws-vault", "chamber", "envchain", "env-cmd", "cross-env",
	"cross-env-shell", "proot", "fakechroot", "schroot", "distrobox", "toolbox", "tsocks", "nix", "nix-shell", "sem", NULL };
