/*
 * What a command reads from a file the line names, bound for an approval
 * like a script it runs (J16: `ssh prod < d.sh`, `cat d.sh | ssh prod`,
 * `node -e "$(cat d.js)"`, `python3 -c "exec(open('d.py').read())"` were
 * approved, then d.sh was rewritten and ran as approved). The file is the
 * program whatever reads it (a remote shell, mysql, kubectl -f -), so
 * every input redirection, every file a printer (cat, head, tail, tac)
 * sends into a pipe or a substitution, and every file interpreter code
 * opens by a literal name is bound. A character device (/dev/null) holds
 * nothing anyone wrote; /dev/stdin is the stream, judged where it comes from.
 * A here-document or here-string is the line's own text: its variables
 * are words of the line, and a substitution in it counts only when it
 * prints a bound file ($(cat F), $(< F)).
 */
#include <string.h>
#include <sys/stat.h>

#include "guard_path.h"
#include "guard_risk_int.h"

static const char *const printers[] = { "cat", "tac", "head", "tail", "zcat", "gzcat", "bat", "batcat", NULL };

static void
bind_input(struct risk_state *st, const struct guard_shell_word *w)
{
	struct stat sb;

	if ((w->flags & GUARD_WORD_DYNAMIC) || !strcmp(w->text, "-") || !*w->text)
		return;
	char *abs = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	bool stream = !strncmp(abs, "/dev/fd/", 8) || !strcmp(abs, "/dev/stdin") || !strncmp(abs, "/proc/self/fd/", 14);
	/* a folder is no input (Path('.'), cat DIR fail or list it): not bound, as a device is not */
	if (!stream && !(risk_memo_stat(abs, &sb) == 0 && (S_ISCHR(sb.st_mode) || S_ISDIR(sb.st_mode))))
		risk_bind_file(st, abs);
	free(abs);
}

/* cat F..., head -n 5 F: its file operands into out (at most max); 0 when c is no printer. */
static size_t
printer_files(const struct risk_cmd *c, const struct guard_shell_word **out, size_t max)
{
	if (!c->argc || !risk_name_in(printers, c->name))
		return 0;
	return risk_operands(c, 1, "-n -c --lines --bytes -s --sleep-interval --pid -l --line-range -r --range "
			     "--language --theme", out, max);
}

void
risk_bind_feeds(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	if (!st->files || st->remote)
		return;
	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if ((r->op == GUARD_REDIR_IN || r->op == GUARD_REDIR_RW) && !(r->target.flags & GUARD_WORD_SUBST))
			bind_input(st, &r->target);
	}
	if (!cmd->piped_out && !cmd->substituted)
		return;
	const struct guard_shell_word *ops[32];
	size_t n = printer_files(c, ops, sizeof(ops) / sizeof(ops[0]));
	for (size_t i = 0; i < n; i++)
		bind_input(st, ops[i]);
}

/* A printer, a literal echo or a kustomize/helm render: what it sends is bound or in the line. */
static bool
feeder_bound(const struct guard_shell *sh, const struct guard_shell_cmd *prev)
{
	char *text = risk_printed_text(prev);
	const char *name = prev->argc ? risk_basename(prev->argv[0].text) : "";
	const char *verb = prev->argc > 1 ? prev->argv[1].text : "";

	if (text) {
		free(text);
		return true;
	}
	if (!prev->argc || (prev->argv[0].flags & GUARD_WORD_DYNAMIC))
		return false;
	if ((!strcmp(name, "kustomize") && !strcmp(verb, "build")) ||
	    (!strcmp(name, "kubectl") && !strcmp(verb, "kustomize")) || (!strcmp(name, "helm") && !strcmp(verb, "template")))
		return true; /* they bind what they render (remote content as remote) */
	if (!risk_name_in(printers, name))
		return false;
	struct risk_cmd pc = { .sh = sh, .cmd = prev, .argv = prev->argv, .argc = prev->argc };
	snprintf(pc.name, sizeof(pc.name), "%s", name);
	const struct guard_shell_word *ops[32];
	size_t n = printer_files(&pc, ops, sizeof(ops) / sizeof(ops[0]));
	for (size_t i = 0; i < n; i++)
		if ((ops[i]->flags & GUARD_WORD_DYNAMIC) || !strcmp(ops[i]->text, "-"))
			return false;
	return n > 0 && n < sizeof(ops) / sizeof(ops[0]);
}

/* Text of the line fed on stdin: no substitution but $(cat F) / $(< F), whose F is bound. */
static bool
text_bound(const char *t)
{
	if (strchr(t, '`'))
		return false;
	for (const char *p = strstr(t, "$("); p; p = strstr(p + 2, "$("))
		if (strncmp(p + 2, "cat ", 4) && p[2] != '<')
			return false;
	return true;
}

bool
risk_stdin_bound(const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	for (size_t i = cmd->nredirs; i-- > 0;) { /* the last one is stdin */
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if (r->fd > 0)
			continue;
		if (r->op == GUARD_REDIR_IN || r->op == GUARD_REDIR_RW)
			return !(r->target.flags & GUARD_WORD_DYNAMIC) && strcmp(r->target.text, "/dev/stdin");
		if (r->op == GUARD_REDIR_HEREDOC)
			return r->body_literal || text_bound(r->body ? r->body : "");
		if (r->op == GUARD_REDIR_HERESTRING)
			return !(r->target.flags & GUARD_WORD_DYNAMIC) || text_bound(r->target.text);
	}
	const struct guard_shell_cmd *prev = guard_shell_prev_in_pipe(c->sh, cmd);
	return prev && feeder_bound(c->sh, prev);
}

/* open('F'), Path('F').read_text(), readFileSync('F'), runpy.run_path('F'), require('./F'). */
void
risk_bind_code_reads(struct risk_state *st, const char *code)
{
	static const char *const calls[] = { "open(", "Path(", "readFileSync(", "run_path(", "require(",
					     "File.read(", "file_get_contents(", "loadfile(", "dofile(", NULL };
	char lit[4096];

	if (!st->files || st->remote)
		return;
	for (size_t k = 0; calls[k]; k++)
		for (const char *p = strstr(code, calls[k]); p; p = strstr(p + 1, calls[k])) {
			const char *q = p + strlen(calls[k]);
			while (*q == ' ')
				q++;
			if ((*q != '\'' && *q != '"') || !risk_read_literal(q, lit, sizeof(lit)) || !*lit)
				continue;
			if (!strcmp(calls[k], "require(") && lit[0] != '.' && lit[0] != '/')
				continue; /* a package by name */
			struct guard_shell_word w = { lit, NULL, 0 };
			bind_input(st, &w);
		}
}
