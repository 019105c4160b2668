/*
 * Programs that read a file without being known as readers (attack7 H18):
 * `git diff --no-index A B` prints both, `git hash-object -w F` stores F
 * in the object store (git cat-file prints it back), `xargs -a F` passes
 * F's lines on, `cpio -o` archives the names on its standard input, `ln
 * F X` makes a second name of F (a hard link is a copy: `cat X` reads F),
 * and `diff -r` prints every file of two folders. Their files are read
 * as `cat` reads its operands, so a listed secret among them is denied
 * as `cat .env` is.
 */
#include "guard_risk_int.h"

static void
read_word(struct risk_state *st, const char *verb, const struct guard_shell_word *w)
{
	if (strcmp(w->text, "-") && strcmp(w->text, "/dev/null"))
		risk_path(st, verb, w, PATH_READ);
}

/* git's subcommand, past its own options (-C DIR, -c K=V, --git-dir=...): index, or 0. */
static size_t
git_subcommand(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (a[0] != '-')
			return i;
		if (!strcmp(a, "-C") || !strcmp(a, "-c") || !strcmp(a, "--git-dir") || !strcmp(a, "--work-tree") ||
		    !strcmp(a, "--namespace") || !strcmp(a, "--exec-path") || !strcmp(a, "--config-env"))
			i++;
	}
	return 0;
}

static void
git_readers(struct risk_state *st, const struct risk_cmd *c)
{
	size_t s = git_subcommand(c);
	bool no_index = false, write = false, dashdash = false;

	if (!s)
		return;
	const char *sub = c->argv[s].text;
	bool diff = !strcmp(sub, "diff"), hash = !strcmp(sub, "hash-object");
	if (!diff && !hash)
		return;
	for (size_t i = s + 1; i < c->argc; i++) {
		no_index |= !strcmp(c->argv[i].text, "--no-index");
		write |= !strcmp(c->argv[i].text, "-w");
	}
	if ((diff && !no_index) || (hash && !write))
		return;
	for (size_t i = s + 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		if (!dashdash && !strcmp(w->text, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && w->text[0] == '-')
			continue;
		read_word(st, diff ? "git diff --no-index" : "git hash-object -w", w);
	}
	if (hash && risk_arg_has(c, "--stdin-paths")) {
		char *names = risk_literal_stdin(c);
		for (char *line = names, *next; line && *line; line = next) {
			next = line + strcspn(line, "\n");
			if (*next)
				*next++ = '\0';
			if (*line)
				risk_path_str(st, "git hash-object --stdin-paths", line, PATH_READ);
		}
		free(names);
	}
}

/* xargs -a FILE, -aFILE, --arg-file=FILE, --arg-file FILE (the part's own words: xargs was stripped). */
static void
xargs_file(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	bool in_xargs = false;

	for (size_t i = 0; i < cmd->argc; i++) {
		const struct guard_shell_word *w = &cmd->argv[i];
		const char *a = w->text;
		if (!in_xargs) {
			in_xargs = !strcmp(risk_basename(a), "xargs");
			continue;
		}
		if (a[0] != '-' || !strcmp(a, "--"))
			return; /* the command xargs runs */
		struct guard_shell_word v = { NULL, NULL, w->flags };
		if ((!strcmp(a, "-a") || !strcmp(a, "--arg-file")) && i + 1 < cmd->argc)
			v = cmd->argv[++i];
		else if (!strncmp(a, "--arg-file=", 11))
			v.text = (char *)a + 11;
		else if (!strncmp(a, "-a", 2) && a[2])
			v.text = (char *)a + 2;
		if (v.text && *v.text)
			read_word(st, "xargs -a", &v);
	}
}

/* cpio -o / -p: every name on its standard input (literal: a here-string, echo/printf before it) is read. */
static void
cpio_names(struct risk_state *st, const struct risk_cmd *c)
{
	bool out = risk_flag(c, 'o', "create") || risk_flag(c, 'p', "pass-through");

	if (!out)
		return;
	char *names = risk_literal_stdin(c);
	char sep = risk_flag(c, '0', "null") ? '\0' : '\n';
	size_t len = names ? strlen(names) : 0;
	for (char *line = names; line && line < names + len;) {
		char *next = sep ? line + strcspn(line, "\n") : line + strlen(line);
		if (*next)
			*next++ = '\0';
		else
			next++;
		if (*line)
			risk_path_str(st, "cpio -o", line, PATH_READ);
		line = next;
	}
	free(names);
}

/* ln SRC... DEST, ln -t DIR SRC...: a hard link's source is copied (read); ln -s makes only a name. */
static void
ln_sources(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;

	if (risk_flag(c, 's', "symbolic"))
		return;
	bool into = risk_opt_value(c, "-t", "--target-directory") != NULL;
	size_t n = risk_operands_all(st, c, 1, "-t --target-directory -S --suffix", &ops);
	size_t last = into || n == 1 ? n : n - 1;
	for (size_t i = 0; i < last; i++)
		read_word(st, "ln (a hard link is a copy)", ops[i]);
}

/* diff -r A B: every file below both folders is printed (a secret file among them). */
static void
diff_tree(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[8];

	if (!risk_flag(c, 'r', "recursive"))
		return;
	size_t n = risk_operands(c, 1, "-x --exclude -X --exclude-from -S --starting-file -I --ignore-matching-lines "
				 "-C -U -W --width --label --to-file --from-file --color --palette --tabsize", ops, 8);
	if (n)
		risk_tree_reader(st, c, ops, n);
}

void
risk_secret_readers(struct risk_state *st, const struct risk_cmd *c)
{
	if (c->xargs_file)
		xargs_file(st, c);
	if (!strcmp(c->name, "git"))
		git_readers(st, c);
	else if (!strcmp(c->name, "cpio"))
		cpio_names(st, c);
	else if (!strcmp(c->name, "ln"))
		ln_sources(st, c);
	else if (!strcmp(c->name, "diff"))
		diff_tree(st, c);
}
