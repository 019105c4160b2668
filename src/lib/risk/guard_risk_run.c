/*
 * Command runners whose command is not simply the words that follow:
 * a string (script -c, tmux, screen -X stuff), words after a subcommand
 * (systemd-run, docker exec/run, kubectl exec), a list of arguments
 * (GNU parallel, xargs -I), or another machine (a container or pod).
 * And what one part of a line leaves for a later part to run: a script
 * written (echo ... > x.sh && sh x.sh), a program copied or linked
 * (cp /bin/rm ./del && ./del), an npm script or a git alias set.
 */
#include <ctype.h>

#include "guard_path.h"
#include "guard_risk_int.h"

#define XARGS_MAX_ITEMS 256 /* input items rated one by one (xargs -n/-L/-I, parallel) */
#define RUN_MAX_LATER 64  /* things recorded for later parts */
#define RUN_MAX_TEXT (64u << 10)

/* ---- helpers -------------------------------------------------------- */

static void
add_quoted(struct guard_buf *b, const char *t)
{
	if (*t)
		risk_add_single_quoted(b, t);
	else
		guard_buf_addstr(b, "''");
}

/* A word as shell text: quoted, a leading ~ (home) kept outside the quotes. */
static void
add_word(struct guard_buf *b, const char *t, bool tilde)
{
	if (tilde && t[0] == '~' && (!t[1] || t[1] == '/')) {
		guard_buf_addstr(b, t[1] ? "~/" : "~");
		if (t[1] && t[2])
			add_quoted(b, t + 2);
		return;
	}
	add_quoted(b, t);
}

/* The words of c from index from, each quoted, into a command line; false when one is computed. */
static bool
join_words(const struct risk_cmd *c, size_t from, size_t to, struct guard_buf *out)
{
	for (size_t i = from; i < to && i < c->argc; i++) {
		if (c->argv[i].flags & GUARD_WORD_DYNAMIC)
			return false;
		if (out->len)
			guard_buf_addch(out, ' ');
		add_word(out, c->argv[i].text, c->argv[i].flags & GUARD_WORD_TILDE);
	}
	return true;
}

/*
 * Rate a command line that runs somewhere else (a container, a pod,
 * another machine): paths are not this machine's, nothing it defines
 * is left for later parts here, and it is at most high.
 */
static void
rate_elsewhere(struct risk_state *st, const char *where, const char *script, size_t len)
{
	struct guard_risk scratch;
	struct risk_state quiet = risk_quiet(st, &scratch, true);

	memset(&quiet.aliases, 0, sizeof(quiet.aliases));
	memset(&quiet.downloads, 0, sizeof(quiet.downloads));
	memset(&quiet.later, 0, sizeof(quiet.later));
	risk_explain(st, "    runs %s: %.*s", where, (int)(len > 200 ? 200 : len), script);
	risk_nested(&quiet, where, script, len);
	if (scratch.level >= GUARD_LEVEL_HIGH || scratch.unparsed) {
		enum guard_level lv = scratch.level > GUARD_LEVEL_HIGH ? GUARD_LEVEL_HIGH : scratch.level;
		risk_rule(st, lv, scratch.cls, "runs %s: %s", where,
			  scratch.reasons.len ? scratch.reasons.items[scratch.reasons.len - 1] : "a command");
	}
	guard_list_clear(&quiet.aliases);
	guard_list_clear(&quiet.downloads);
	guard_list_clear(&quiet.later);
	guard_risk_release(&scratch);
}

/* Words of c from index from as a command line run elsewhere. */
static void
words_elsewhere(struct risk_state *st, const struct risk_cmd *c, size_t from, const char *where)
{
	struct guard_buf line = GUARD_BUF_INIT;

	if (from >= c->argc)
		return;
	if (!join_words(c, from, c->argc, &line))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "runs a computed command %s", where);
	else
		rate_elsewhere(st, where, line.buf, line.len);
	guard_buf_release(&line);
}

/* Words of c from index from as a command run here. */
static void
words_here(struct risk_state *st, const struct risk_cmd *c, size_t from)
{
	if (from >= c->argc)
		return;
	struct risk_cmd inner = *c;
	inner.argv = c->argv + from;
	inner.argc = c->argc - from;
	risk_analyse_cmd(st, &inner);
}

/* One word as a command string run here (script -c, tmux new-session 'cmd'). */
static void
string_here(struct risk_state *st, const char *what, const struct guard_shell_word *w)
{
	if (w->flags & GUARD_WORD_DYNAMIC) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command: %s", what, w->text);
		return;
	}
	risk_nested(st, what, w->text, strlen(w->text));
}

/* Index of the first operand from index from, skipping the options in with_arg (argc: none). */
static size_t
first_operand_at(const struct risk_cmd *c, size_t from, const char *with_arg)
{
	const struct guard_shell_word *ops[1];

	if (!risk_operands(c, from, with_arg, ops, 1))
		return c->argc;
	return (size_t)(ops[0] - c->argv);
}

/* ---- script, systemd-run, tmux, screen -------------------------------- */

/* script [-q] -c CMD [FILE]: CMD runs in a shell; without -c an interactive shell. */
static void
rate_script(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			break;
		bool cmd = !strcmp(a, "--command") || (a[0] == '-' && a[1] != '-' && a[strlen(a) - 1] == 'c');
		if (!strncmp(a, "--command=", 10)) {
			struct guard_shell_word w = c->argv[i];
			w.text = (char *)a + 10;
			string_here(st, "script -c", &w);
			return;
		}
		if (cmd && i + 1 < c->argc) {
			string_here(st, "script -c", &c->argv[i + 1]);
			return;
		}
	}
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "script starts a recorded interactive shell");
	risk_stdin_program(st, c, "script", STDIN_SHELL); /* echo CMD | script: its shell reads the pipe (K11) */
}

/* systemd-run [OPTIONS] CMD...: a transient service (root unless --user), maybe on another host. */
static void
rate_systemd_run(struct risk_state *st, struct risk_cmd *c)
{
	size_t at = first_operand_at(c, 1, "-u --unit -p --property -E --setenv -M --machine -H --host --slice "
				     "--description --uid --gid --nice --working-directory --on-active --on-boot "
				     "--on-startup --on-unit-active --on-unit-inactive --on-calendar --timer-property "
				     "--path-property --socket-property --service-type --slice-inherit");
	const char *host = risk_opt_value(c, "-H", "--host");
	const char *machine = risk_opt_value(c, "-M", "--machine");
	bool user = risk_arg_has(c, "--user");

	if (at >= c->argc) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "systemd-run without a command");
		return;
	}
	if (host || machine) {
		words_elsewhere(st, c, at, host ? "on another machine (systemd-run -H)" : "in a container (systemd-run -M)");
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "systemd-run runs a command on %s", host ? host : machine);
		return;
	}
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "systemd-run starts %s service: %s",
		  user ? "a user" : "a system (root)", c->argv[at].text);
	struct risk_cmd inner = *c;
	inner.argv = c->argv + at;
	inner.argc = c->argc - at;
	inner.elevated = c->elevated || !user;
	risk_analyse_cmd(st, &inner);
	if (inner.elevated)
		c->elevated = true;
}

/* Keys typed by tmux send-keys / screen -X stuff, as the text a shell reads. */
static void
typed_text(struct risk_state *st, const char *what, const struct risk_cmd *c, size_t from, size_t to, bool screen)
{
	struct guard_buf text = GUARD_BUF_INIT;

	for (size_t i = from; i < to; i++) {
		const char *k = c->argv[i].text;
		if (c->argv[i].flags & GUARD_WORD_DYNAMIC) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s types a computed command: %s", what, k);
			guard_buf_release(&text);
			return;
		}
		if (!screen && (!strcmp(k, "Enter") || !strcmp(k, "C-m") || !strcmp(k, "C-j") || !strcmp(k, "KPEnter"))) {
			guard_buf_addch(&text, '\n');
			continue;
		}
		if (!screen && !strcmp(k, "Space")) {
			guard_buf_addch(&text, ' ');
			continue;
		}
		for (const char *p = k; *p; p++) {
			if (p[0] == '\\' && p[1] == 'n')
				guard_buf_addch(&text, '\n'), p++;
			else if (p[0] == '\\' && p[1] == 'r')
				guard_buf_addch(&text, '\n'), p++;
			else if (screen && p[0] == '^' && (p[1] == 'M' || p[1] == 'J'))
				guard_buf_addch(&text, '\n'), p++;
			else if (p[0] == '\\' && p[1] == '0' && p[2] == '1' && p[3] == '5')
				guard_buf_addch(&text, '\n'), p += 3;
			else
				guard_buf_addch(&text, *p);
		}
	}
	if (text.len) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s types a command into a terminal", what);
		risk_nested(st, what, text.buf, text.len);
	}
	guard_buf_release(&text);
}

static const char *const tmux_runs[] = {
	"new-session", "new", "new-window", "neww", "split-window", "splitw", "respawn-pane", "respawnp",
	"respawn-window", "respawnw", "run-shell", "run", "display-popup", "popup", "pipe-pane", "pipep", NULL
};

/* tmux [-L S -S P -f F] CMD ARGS [; CMD ARGS]: send-keys types, new-session and friends run a command. */
static void
rate_tmux(struct risk_state *st, const struct risk_cmd *c)
{
	size_t i = 1;

	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	while (i < c->argc && c->argv[i].text[0] == '-') {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "-c") && i + 1 < c->argc) { /* tmux -c CMD: runs CMD in the default shell */
			string_here(st, "tmux -c", &c->argv[i + 1]);
			return;
		}
		i += (!strcmp(a, "-L") || !strcmp(a, "-S") || !strcmp(a, "-f") || !strcmp(a, "-T")) ? 2 : 1;
	}
	while (i < c->argc) {
		size_t end = i;
		while (end < c->argc && strcmp(c->argv[end].text, ";") && strcmp(c->argv[end].text, "\\;"))
			end++;
		const char *sub = c->argv[i].text;
		struct risk_cmd one = *c;
		one.argv = c->argv + i;
		one.argc = end - i;
		bool send = !strcmp(sub, "send-keys") || !strcmp(sub, "send");
		size_t at = first_operand_at(&one, 1, send ? "-t -N -c" : "-s -n -t -c -x -y -e -F -l -p -T -o");
		if (send && !risk_flag(&one, 'X', NULL))
			typed_text(st, "tmux send-keys", &one, at, one.argc, false);
		else if (risk_name_in(tmux_runs, sub) && at < one.argc) {
			struct guard_buf line = GUARD_BUF_INIT;
			char what[64];
			snprintf(what, sizeof(what), "tmux %s", sub);
			if (one.argc - at == 1) {
				string_here(st, what, &one.argv[at]);
			} else if (join_words(&one, at, one.argc, &line)) {
				risk_nested(st, what, line.buf, line.len);
			} else {
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command", what);
			}
			guard_buf_release(&line);
		}
		i = end + 1;
	}
}

/* screen [OPTIONS] [CMD ARGS]: runs CMD in a new terminal; -X stuff TEXT types into one. */
static void
rate_screen(struct risk_state *st, const struct risk_cmd *c)
{
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "-X")) {
			if (i + 1 < c->argc && !strcmp(c->argv[i + 1].text, "stuff"))
				typed_text(st, "screen stuff", c, i + 2, c->argc, true);
			else if (i + 1 < c->argc && (!strcmp(c->argv[i + 1].text, "exec") ||
						     !strcmp(c->argv[i + 1].text, "screen")))
				words_here(st, c, i + 2);
			return;
		}
		if (a[0] != '-') {
			words_here(st, c, i);
			return;
		}
		/* -S NAME, -dmS NAME: a cluster ending in an option with a value */
		if (!strcmp(a, "-Logfile") || (a[1] != '-' && strchr("Scehp" "Tts", a[strlen(a) - 1])))
			i++;
	}
}

/* ---- GNU parallel ----------------------------------------------------- */

static bool
parallel_sep(const char *t)
{
	return !strcmp(t, ":::") || !strcmp(t, "::::") || !strcmp(t, ":::+") || !strcmp(t, "::::+");
}

/* The command template tpl with each {...} replacement string (or the end) given item. */
static void
fill_template(struct guard_buf *line, const char *tpl, const char *item, bool item_is_code, bool tilde)
{
	bool used = false;

	for (const char *p = tpl; *p; p++) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t n = close ? (size_t)(close - p - 1) : 0;
			if (close && n <= 3 && strspn(p + 1, "./#%0123456789") >= n) {
				if (item_is_code)
					guard_buf_addstr(line, item);
				else
					add_word(line, item, tilde);
				used = true;
				p = close;
				continue;
			}
		}
		guard_buf_addch(line, *p);
	}
	if (!used) {
		guard_buf_addch(line, ' ');
		if (item_is_code)
			guard_buf_addstr(line, item);
		else
			add_word(line, item, tilde);
	}
}

static const char parallel_with_arg[] =
	" -j --jobs -S --sshlogin --sshloginfile -a --arg-file --colsep -C -d --delimiter -I "
	"--replace -E --eof --tmpdir --timeout --joblog --results --res --workdir --wd --env "
	"--tag-string --halt --memfree --load --delay --retries -N -n -L --max-args --max-lines "
	"--block --block-size --recstart --recend --basefile --bf --return --transferfile "
	"--trc --ssh --termseq --shebang-wrap --resume-failed -P --max-procs --nice ";

/* -a FILE, --arg-file=FILE: the arguments come from a file (word i is such an option). */
static bool
parallel_arg_file(const char *a)
{
	return !strncmp(a, "-a", 2) || !strcmp(a, "--arg-file") || !strncmp(a, "--arg-file=", 11);
}

/* Does option word a take the next word as its value? */
static bool
parallel_takes_value(const char *a)
{
	char opt[40];

	snprintf(opt, sizeof(opt), " %s ", a);
	return !strchr(a, '=') && strstr(parallel_with_arg, opt);
}

/* Index of parallel's command, past its options (and their values). */
static size_t
parallel_command_at(const struct risk_cmd *c)
{
	size_t i = 1;

	for (; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (parallel_sep(a) || a[0] != '-' || !a[1])
			break;
		if (parallel_takes_value(a))
			i++;
	}
	return i;
}

bool
risk_parallel_judged(const struct risk_cmd *c, size_t k)
{
	size_t from = parallel_command_at(c), i = from;

	if (k < from) { /* an option or its value: only -a FILE is read (--results DIR is written) */
		const char *a = c->argv[k].text, *prev = c->argv[k - 1].text;
		if (a[0] == '-')
			return parallel_arg_file(a) && strcmp(a, "-a") && strcmp(a, "--arg-file");
		return k > 1 && (!strcmp(prev, "-a") || !strcmp(prev, "--arg-file"));
	}
	for (size_t o = 1; o < from; o++)
		if (!strcmp(c->argv[o].text, "--pipe") || !strcmp(c->argv[o].text, "--pipepart"))
			return false; /* the command is rated as written, the arguments are not put in */
	for (; i < c->argc && !parallel_sep(c->argv[i].text); i++)
		if (c->argv[i].flags & GUARD_WORD_DYNAMIC)
			return false; /* a computed command: what it does with the words is not known */
	if (c->argv[k].flags & GUARD_WORD_DYNAMIC)
		return false;
	return true;
}

/* The arguments parallel hands out, where guard knows them. */
struct parallel_args {
	char *item[XARGS_MAX_ITEMS];
	bool tilde[XARGS_MAX_ITEMS];
	size_t n;
	bool known, over, from_file;
};

/* parallel's item separator: -0 / --null NUL, -d C (\n, \0 read), else a line break. */
static char
parallel_item_sep(const struct risk_cmd *c, size_t to)
{
	char sep = '\n';

	for (size_t i = 1; i < to; i++) {
		const char *a = c->argv[i].text, *v = NULL;
		if (!strcmp(a, "-0") || !strcmp(a, "--null"))
			sep = RISK_NUL;
		else if ((!strcmp(a, "-d") || !strcmp(a, "--delimiter")) && i + 1 < to)
			v = c->argv[i + 1].text;
		else if (!strncmp(a, "--delimiter=", 12))
			v = a + 12;
		if (v && *v)
			sep = v[0] != '\\' ? v[0] : v[1] == '0' ? RISK_NUL : v[1] == 't' ? '\t' : '\n';
	}
	return sep;
}

/* The items of data (split at sep, empty ones dropped) added to items; false when over the count rated. */
static bool
parallel_items(char *data, char sep, struct parallel_args *pa)
{
	if (sep != RISK_NUL) /* without -0 a NUL is text: split there too (one split more is safe) */
		for (char *p = data; (p = strchr(p, RISK_NUL)) != NULL; p++)
			*p = sep;
	for (char *s = data, *end; *s; s = end + (*end != '\0')) {
		end = strchr(s, sep);
		if (!end)
			end = s + strlen(s);
		if (end == s)
			continue;
		if (pa->n >= XARGS_MAX_ITEMS)
			return false;
		pa->tilde[pa->n] = false;
		pa->item[pa->n++] = guard_xstrndup(s, (size_t)(end - s));
	}
	return true;
}

/* A file of items (-a F, :::: F): read when guard can, else the items are not known. */
static void
parallel_file(struct risk_state *st, const struct guard_shell_word *w, const char *name, char sep,
	      struct parallel_args *pa)
{
	char *data = (w && (w->flags & GUARD_WORD_DYNAMIC)) || !name ? NULL : risk_data_file_text(st, name);

	if (!data)
		pa->known = false;
	else if (!parallel_items(data, sep, pa))
		pa->over = true;
	free(data);
}

/* parallel's -a FILE / --arg-file[=]FILE options before the command (at cmd_from). */
static void
parallel_option_files(struct risk_state *st, const struct risk_cmd *c, size_t cmd_from, char sep,
		      struct parallel_args *pa)
{
	for (size_t i = 1; i < cmd_from; i += parallel_takes_value(c->argv[i].text) ? 2 : 1) {
		const char *a = c->argv[i].text;
		if (!parallel_arg_file(a))
			continue;
		pa->from_file = true;
		if (!strcmp(a, "-a") || !strcmp(a, "--arg-file"))
			parallel_file(st, i + 1 < c->argc ? &c->argv[i + 1] : NULL,
				      i + 1 < c->argc ? c->argv[i + 1].text : NULL, sep, pa);
		else
			parallel_file(st, &c->argv[i], a[1] == '-' ? a + 11 : a + 2, sep, pa);
	}
}

/* The arguments after ::: (literal) and :::: (files of items), from word i on. */
static void
parallel_sources(struct risk_state *st, const struct risk_cmd *c, size_t i, char sep, struct parallel_args *pa)
{
	bool files = false;

	for (; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (parallel_sep(a)) {
			files = !strncmp(a, "::::", 4);
			continue;
		}
		if (files) {
			parallel_file(st, &c->argv[i], a, sep, pa);
			continue;
		}
		if (c->argv[i].flags & GUARD_WORD_DYNAMIC) {
			pa->known = false;
			continue;
		}
		if (pa->n >= XARGS_MAX_ITEMS) {
			pa->over = true;
			continue;
		}
		pa->tilde[pa->n] = c->argv[i].flags & GUARD_WORD_TILDE;
		pa->item[pa->n++] = guard_xstrdup(a);
	}
}

/*
 * parallel --pipe CMD: CMD reads chunks of parallel's stdin. Known data:
 * rated as CMD reading it (a heredoc); else CMD as written, a shell
 * reading code it is not shown at least high.
 */
static void
parallel_pipe(struct risk_state *st, const struct risk_cmd *c, const char *tpl)
{
	char *input = risk_stdin_data(st, c);

	if (input && !strstr(input, "GUARD_PARALLEL_PIPE") && !strchr(input, RISK_NUL)) {
		char *line = guard_xasprintf("%s <<'GUARD_PARALLEL_PIPE'\n%s\nGUARD_PARALLEL_PIPE\n", tpl, input);
		risk_nested(st, "parallel --pipe", line, strlen(line));
		free(line);
	} else {
		char *sp = strchr(tpl, ' ');
		char *first = guard_xstrndup(tpl, sp ? (size_t)(sp - tpl) : strlen(tpl));
		if (risk_is_shell(risk_basename(first)) && !strstr(tpl, " -c"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "parallel --pipe feeds %s commands from its input", first);
		free(first);
		risk_nested(st, "parallel --pipe", tpl, strlen(tpl));
	}
	free(input);
}

/*
 * parallel [OPTIONS] [CMD ...] [::: ARGS | :::: FILES]: the command
 * (joined into a shell line, as parallel does) runs once per argument,
 * {} standing for it (quoted, as parallel quotes it); without a command
 * each argument is a command line. Arguments from stdin, -a FILE or
 * :::: FILE are read where guard knows them (M15).
 */
static void
rate_parallel(struct risk_state *st, const struct risk_cmd *c)
{
	size_t i, cmd_from, cmd_to;
	bool pipe = false, have_sep = false;
	struct parallel_args pa = { .known = true };

	cmd_from = parallel_command_at(c);
	for (i = 1; i < cmd_from; i += parallel_takes_value(c->argv[i].text) ? 2 : 1) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--pipe") || !strcmp(a, "--pipepart") || !strcmp(a, "--spreadstdin"))
			pipe = true;
		if (!strcmp(a, "-S") || !strcmp(a, "--sshlogin") || !strcmp(a, "--sshloginfile") ||
		    !strncmp(a, "--sshlogin=", 11))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "parallel --sshlogin runs commands on other machines");
	}
	i = cmd_from;
	while (i < c->argc && !parallel_sep(c->argv[i].text))
		i++;
	cmd_to = i;
	have_sep = i < c->argc;
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);

	struct guard_buf tpl = GUARD_BUF_INIT;
	bool tpl_known = true;
	for (size_t k = cmd_from; k < cmd_to; k++) {
		if (c->argv[k].flags & GUARD_WORD_DYNAMIC)
			tpl_known = false;
		guard_buf_addf(&tpl, "%s%s", tpl.len ? " " : "", c->argv[k].text);
	}
	if (!tpl_known) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "parallel runs a computed command: %s", tpl.buf);
		guard_buf_release(&tpl);
		return;
	}
	if (pipe) {
		if (tpl.len)
			parallel_pipe(st, c, tpl.buf);
		guard_buf_release(&tpl);
		return;
	}
	/* the arguments: after ::: literal; :::: and -a name files; none of them: stdin */
	char sep = parallel_item_sep(c, cmd_from);
	parallel_option_files(st, c, cmd_from, sep, &pa);
	if (!have_sep && !pa.from_file) {
		char *input = risk_stdin_data(st, c);
		if (!input)
			pa.known = false;
		else if (!parallel_items(input, sep, &pa))
			pa.over = true;
		free(input);
	}
	parallel_sources(st, c, i, sep, &pa);
	if (pa.over)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "parallel gets more than %d arguments: not all rated",
			  XARGS_MAX_ITEMS);
	if (!tpl.len && !pa.known)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "parallel runs commands from its input");
	else if (!pa.known) {
		/* the template with an unknown argument */
		struct guard_buf line = GUARD_BUF_INIT;
		fill_template(&line, tpl.buf, "\"$parallel_input\"", true, false);
		risk_nested(st, "parallel", line.buf, line.len);
		guard_buf_release(&line);
	}
	for (size_t k = 0; k < pa.n; k++) {
		struct guard_buf line = GUARD_BUF_INIT;
		if (tpl.len)
			fill_template(&line, tpl.buf, pa.item[k], false, pa.tilde[k]);
		else
			guard_buf_addstr(&line, pa.item[k]);
		risk_nested(st, "parallel", line.buf, line.len);
		guard_buf_release(&line);
		free(pa.item[k]);
	}
	guard_buf_release(&tpl);
}

/* ---- xargs ------------------------------------------------------------ */

/* "-I R" and friends were read by the wrapper: R in a word of c. */
static bool
has_repl(const struct risk_cmd *c, const char *w)
{
	return c->xargs_repl && *c->xargs_repl && strstr(w, c->xargs_repl);
}

static void xargs_input(struct risk_state *st, const struct risk_cmd *c, char *input);

/* An item xargs hands out, and whether an input line ends with it (-L counts lines). */
struct xitem {
	char *text;
	bool eol;
};

/* One word of xargs's default input reading: blanks end it, '...' "..." and \C quote (into *w). */
static const char *
xargs_word(const char *p, struct guard_buf *w)
{
	while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
		if (*p == '\'' || *p == '"') {
			const char *q = strchr(p + 1, *p);
			size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
			guard_buf_add(w, p + 1, n);
			p = q ? q + 1 : p + 1 + n;
		} else if (*p == '\\' && p[1]) {
			guard_buf_addch(w, p[1]);
			p += 2;
		} else {
			guard_buf_addch(w, *p++);
		}
	}
	return p;
}

/*
 * The items of input as xargs reads them into it[]: -0/-d C split at C
 * (each item a line for -L); -I a line each (leading blanks dropped);
 * else words. Their count, or XARGS_MAX_ITEMS + 1 when there are more.
 */
static size_t
xargs_items(const struct risk_cmd *c, const char *input, struct xitem *it)
{
	size_t n = 0;
	char sep = c->xargs_split ? (c->xargs_delim ? c->xargs_delim : RISK_NUL) : '\n';

	for (const char *p = input; *p && n <= XARGS_MAX_ITEMS;) {
		if (c->xargs_split || c->xargs_repl) {
			const char *end = strchr(p, sep);
			size_t len = end ? (size_t)(end - p) : strlen(p);
			if (!c->xargs_split)
				for (; len && (*p == ' ' || *p == '\t'); len--)
					p++;
			if (len || c->xargs_split) /* -I skips empty lines */
				it[n++] = (struct xitem){ guard_xstrndup(p, len), true };
			p += len + (end != NULL);
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (*p++ == '\n' && n)
				it[n - 1].eol = true;
			continue;
		}
		struct guard_buf w = GUARD_BUF_INIT;
		p = xargs_word(p, &w);
		it[n++] = (struct xitem){ w.buf ? guard_buf_detach(&w) : guard_xstrdup(""), false };
	}
	return n;
}

/* Word i of c with each replacement string R in it replaced by item (-I R). */
static void
xargs_replace(const struct risk_cmd *c, size_t i, const char *item, struct guard_buf *word)
{
	size_t rl = strlen(c->xargs_repl);

	for (const char *t = c->argv[i].text; *t;) {
		if (rl && !strncmp(t, c->xargs_repl, rl)) {
			guard_buf_addstr(word, item);
			t += rl;
		} else {
			guard_buf_addch(word, *t++);
		}
	}
}

/* The command line of c run with items it[from..to): after c's words, or in place of -I's string. */
static void
xargs_line(const struct risk_cmd *c, const struct xitem *it, size_t from, size_t to, struct guard_buf *line)
{
	if (c->xargs_repl) {
		for (size_t i = 0; i < c->argc; i++) {
			struct guard_buf word = GUARD_BUF_INIT;
			xargs_replace(c, i, it[from].text, &word);
			if (i)
				guard_buf_addch(line, ' ');
			add_word(line, word.buf ? word.buf : "", true);
			guard_buf_release(&word);
		}
		return;
	}
	struct risk_cmd self = *c;
	join_words(&self, 0, c->argc, line);
	for (size_t k = from; k < to; k++) {
		guard_buf_addch(line, ' ');
		add_word(line, it[k].text, false);
	}
}

/*
 * xargs fed known data (<<< "/", echo a b |, cat F |, -a F): each command
 * it runs is rated, with the items it gets (-n N items, -L N lines, -I one
 * line each; all of them otherwise). Too many items to rate: high.
 */
static bool
xargs_literal(struct risk_state *st, const struct risk_cmd *c)
{
	char *input = c->xargs_file ? (c->xargs_from ? risk_data_file_text(st, c->xargs_from) : NULL)
				    : risk_stdin_data(st, c);

	if (!input)
		return false;
	/* zsh, sh (dash), bash with xpg_echo: echo decodes its escapes without -e (attack12 M14) */
	char *alt = c->xargs_file ? NULL : risk_literal_stdin_xpg_nul(c, input);
	xargs_input(st, c, input);
	if (alt)
		xargs_input(st, c, alt);
	return true;
}

/* Rate the commands xargs runs with input (freed here). */
static void
xargs_input(struct risk_state *st, const struct risk_cmd *c, char *input)
{
	if (!c->xargs_split) /* a NUL printed ends the argument it is in (one split more is safe) */
		for (char *p = input; (p = strchr(p, RISK_NUL)) != NULL; p++)
			*p = '\n';
	risk_explain(st, "    xargs input is known: %s", input);
	if (!c->xargs_split && !c->xargs_repl && !c->xargs_max) {
		/* all in one command, as the shell would split them (quotes read alike) */
		struct guard_buf line = GUARD_BUF_INIT;
		struct risk_cmd self = *c;
		join_words(&self, 0, c->argc, &line);
		for (char *s = input; *s; s++)
			if (*s == '\n')
				*s = ' ';
		guard_buf_addf(&line, " %s", input);
		risk_nested(st, "xargs", line.buf, line.len);
		guard_buf_release(&line);
		free(input);
		return;
	}
	struct xitem *it = guard_xmalloc((XARGS_MAX_ITEMS + 1) * sizeof(*it));
	size_t got = xargs_items(c, input, it), n = got;
	if (n > XARGS_MAX_ITEMS) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "xargs gets more than %d items: not all rated",
			  XARGS_MAX_ITEMS);
		n = XARGS_MAX_ITEMS;
	}
	unsigned per = c->xargs_repl ? 1 : c->xargs_max;
	for (size_t from = 0, to; from < n; from = to) {
		to = from + 1;
		if (!per)
			to = n;
		else if (c->xargs_lines && !c->xargs_repl)
			for (unsigned lines = it[from].eol; to < n && lines < per; to++)
				lines += it[to].eol;
		else
			to = from + per < n ? from + per : n;
		struct guard_buf line = GUARD_BUF_INIT;
		xargs_line(c, it, from, to, &line);
		risk_nested(st, c->xargs_repl ? "xargs -I" : "xargs", line.buf, line.len);
		guard_buf_release(&line);
	}
	for (size_t k = 0; k < got; k++)
		free(it[k].text);
	free(it);
	free(input);
}

/*
 * find ... | xargs CMD: the items are the files find printed, so CMD is
 * rated like find ... -exec CMD {} + (its filter, its root).
 */
static bool
xargs_from_find(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *prev = c->xargs_file ? NULL : guard_shell_prev_in_pipe(c->sh, c->cmd);
	struct guard_shell_word words[128];
	size_t n = 0;
	bool repl_used = false;

	if (!prev || !prev->argc || (prev->argv[0].flags & GUARD_WORD_DYNAMIC) ||
	    strcmp(risk_basename(prev->argv[0].text), "find") || prev->argc + c->argc + 3 > 128)
		return false;
	for (size_t i = 0; i < prev->argc; i++) {
		const char *a = prev->argv[i].text;
		if (!strncmp(a, "-exec", 5) || !strncmp(a, "-ok", 3) || !strcmp(a, "-delete") || !strncmp(a, "-fprint", 7))
			return false;
		if (!strcmp(a, "-print0") || !strcmp(a, "-print"))
			continue;
		words[n++] = prev->argv[i];
	}
	words[n++] = (struct guard_shell_word){ (char *)"-exec", NULL, 0 };
	for (size_t i = 0; i < c->argc; i++) {
		words[n] = c->argv[i];
		if (c->xargs_repl && !strcmp(c->argv[i].text, c->xargs_repl)) {
			words[n].text = (char *)"{}";
			repl_used = true;
		} else if (has_repl(c, c->argv[i].text)) {
			words[n].flags |= GUARD_WORD_DYNAMIC; /* part of the word comes from input */
		}
		n++;
	}
	if (!repl_used)
		words[n++] = (struct guard_shell_word){ (char *)"{}", NULL, 0 };
	words[n++] = (struct guard_shell_word){ (char *)"+", NULL, 0 };
	risk_explain(st, "    xargs takes the files find prints: rated as find -exec");
	struct risk_cmd as_find = *c;
	as_find.argv = words;
	as_find.argc = n;
	as_find.xargs = false;
	as_find.xargs_repl = NULL;
	risk_analyse_cmd(st, &as_find);
	return true;
}

/*
 * xargs CMD with input not known here: a shell or the command word
 * taken from the input runs commands from it; -I R words are input.
 */
static bool
xargs_runs_input(struct risk_state *st, const struct risk_cmd *c)
{
	bool repl_word0 = c->xargs_repl && has_repl(c, c->argv[0].text);

	if (repl_word0) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "xargs runs commands from its input");
		return true;
	}
	if (risk_is_shell(c->name)) {
		/* xargs sh -c [{}] / xargs -I{} bash -c {}: the command string is, or comes from, input */
		size_t i = 1;
		while (i < c->argc && c->argv[i].text[0] == '-' && !strchr(c->argv[i].text, 'c'))
			i++;
		bool dash_c = i < c->argc && c->argv[i].text[0] == '-';
		if (!dash_c || i + 1 >= c->argc || has_repl(c, c->argv[i + 1].text)) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "xargs runs %s with %s from its input", c->name,
				  dash_c ? "commands" : "scripts");
			return true;
		}
	}
	return false;
}

static bool
xargs_unknown(struct risk_state *st, struct risk_cmd *c)
{
	if (!c->xargs_repl)
		return false;
	/*
	 * -I R: words that are R come from input. A word holding R names
	 * an input item's relative neighbour ({}.bak): R stands for a name
	 * here. Inside an interpreter's code it stays unknown.
	 */
	struct guard_shell_word words[64];
	struct guard_buf texts[64];
	size_t n = 0;
	bool code = risk_is_shell(c->name) || risk_name_in((const char *const[]){ "python", "python3", "perl",
		"ruby", "node", "php", "awk", "eval", NULL }, c->name);
	for (size_t i = 0; i < c->argc && n < 64; i++) {
		if (!strcmp(c->argv[i].text, c->xargs_repl))
			continue;
		words[n] = c->argv[i];
		guard_buf_init(&texts[n]);
		if (has_repl(c, c->argv[i].text) && code) {
			words[n].flags |= GUARD_WORD_DYNAMIC;
			words[n].bare = (char *)"";
		} else if (has_repl(c, c->argv[i].text)) {
			size_t rl = strlen(c->xargs_repl);
			for (const char *t = c->argv[i].text; *t;)
				if (!strncmp(t, c->xargs_repl, rl))
					guard_buf_addstr(&texts[n], "xargs-item"), t += rl;
				else
					guard_buf_addch(&texts[n], *t++);
			words[n].text = texts[n].buf;
		}
		n++;
	}
	struct risk_cmd inner = *c;
	inner.argv = words;
	inner.argc = n;
	inner.xargs_repl = NULL;
	risk_analyse_cmd(st, &inner);
	for (size_t i = 0; i < n; i++)
		guard_buf_release(&texts[i]);
	return true;
}

void
risk_xargs_input_command(struct risk_state *st, struct risk_cmd *c)
{
	risk_explain(st, "    %s got no command: xargs's input is the command it runs", c->name);
	bool known = xargs_literal(st, c);
	/* -L1 / -n: a line (or a few words) a command; as a script, each line is one */
	if (!c->xargs_file)
		risk_stdin_program(st, c, "xargs", STDIN_SHELL);
	if (!known)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "xargs runs a command read from its input (%s gets no command of its own)", c->name);
}

bool
risk_xargs(struct risk_state *st, struct risk_cmd *c)
{
	if (xargs_literal(st, c) || xargs_runs_input(st, c) || xargs_from_find(st, c))
		return true;
	return xargs_unknown(st, c);
}

/* ---- containers and pods ---------------------------------------------- */

/* docker/podman exec [OPTIONS] CONTAINER CMD..., run [OPTIONS] IMAGE [CMD...]: CMD runs in the container. */
static void
container_command(struct risk_state *st, const struct risk_cmd *c)
{
	size_t sub = first_operand_at(c, 1, "-H --host --context -c --config -l --log-level");
	if (sub >= c->argc)
		return;
	const char *s = c->argv[sub].text;
	bool exec = !strcmp(s, "exec"), run = !strcmp(s, "run");
	if (!exec && !run)
		return;
	const char *with_arg = exec ? "-e --env --env-file -u --user -w --workdir --detach-keys"
		: "-v --volume -e --env --env-file -p --publish -w --workdir -u --user --name --network --net "
		  "--entrypoint -m --memory --cpus -l --label --mount --platform --pull --restart -h --hostname "
		  "--add-host --device --cap-add --cap-drop --security-opt --ulimit --log-driver --log-opt --tmpfs "
		  "--volumes-from --ipc --pid --uts --gpus --shm-size --cpu-shares --runtime --stop-signal "
		  "--health-cmd --label-file --cidfile --dns --expose --group-add --link --mac-address "
		  "--memory-swap --oom-score-adj --publish-all --storage-opt --sysctl --userns --cgroupns";
	size_t target = first_operand_at(c, sub + 1, with_arg);
	char where[192];
	if (target + 1 >= c->argc)
		return;
	snprintf(where, sizeof(where), "in the container (%s %s %.40s)", c->name, s, c->argv[target].text);
	words_elsewhere(st, c, target + 1, where);
}

/* kubectl exec [OPTIONS] POD -- CMD...: CMD runs in the pod, not here. */
static void
pod_command(struct risk_state *st, const struct risk_cmd *c)
{
	size_t dd = 0;
	bool exec = false;

	for (size_t i = 1; i < c->argc; i++) {
		if (!strcmp(c->argv[i].text, "exec"))
			exec = true;
		if (!strcmp(c->argv[i].text, "--")) {
			dd = i;
			break;
		}
	}
	if (exec && dd && dd + 1 < c->argc)
		words_elsewhere(st, c, dd + 1, "in the pod (kubectl exec)");
}

/* ---- what earlier parts leave for later ones ------------------------------- */

/*
 * st->later holds "KIND KEY\x1fVALUE": T a file written with text VALUE,
 * U a file written with unknown content, P a file that is a copy of or
 * link to program VALUE, N an npm script KEY running VALUE, G a git
 * alias KEY standing for VALUE, L a link KEY (made by ln, cp -l, cp -s)
 * to the absolute path VALUE, C a copy KEY of the file on disk VALUE
 * (cp, ln, install, mv, cat F > KEY), W a part (VALUE) that may write files
 * guard does not follow (KEY empty). A text over RUN_MAX_TEXT is kept as
 * U: a later run of the file is then high, not a run of a file unknown.
 */
static void
later_add(struct risk_state *st, char kind, const char *key, const char *value, bool append)
{
	if (strlen(value) > RUN_MAX_TEXT) {
		if (kind != 'T') {
			risk_unparsed(st, "a value over %u KiB set for later parts of the line", RUN_MAX_TEXT >> 10);
			return;
		}
		kind = 'U';
		value = "a command whose text is over 64 KiB (not read)";
		append = false;
	}
	if (st->later.len >= RUN_MAX_LATER) { /* what later parts run from here on is not followed (J11) */
		risk_unparsed(st, "more than %d things written for later parts of the line", RUN_MAX_LATER);
		return;
	}
	char *entry = guard_xasprintf("%c%s\x1f%s", kind, key, value);
	for (size_t i = st->later.len; append && i-- > 0;) {
		const char *e = st->later.items[i];
		size_t kl = strlen(key);
		if (e[0] == 'T' && kind == 'T' && !strncmp(e + 1, key, kl) && e[kl + 1] == '\x1f') {
			free(entry);
			entry = strlen(e + kl + 2) + strlen(value) > RUN_MAX_TEXT /* appends past the size: not read */
				? guard_xasprintf("U%s\x1f%s", key, "a command whose text is over 64 KiB (not read)")
				: guard_xasprintf("T%s\x1f%s%s", key, e + kl + 2, value);
			break;
		}
	}
	guard_list_take(&st->later, entry);
}

/* The value recorded for kind and key (the latest), with its kind in *kind_out; or NULL. */
static const char *
later_find(const struct risk_state *st, const char *kinds, const char *key, char *kind_out)
{
	size_t kl = strlen(key);

	for (size_t i = st->later.len; i-- > 0;) {
		const char *e = st->later.items[i];
		if (strchr(kinds, e[0]) && !strncmp(e + 1, key, kl) && e[kl + 1] == '\x1f') {
			if (kind_out)
				*kind_out = e[0];
			return e + kl + 2;
		}
	}
	return NULL;
}

const char *
risk_later_text(const struct risk_state *st, const char *path)
{
	char kind = 0;

	if (!st->later.len)
		return NULL;
	char *abs = guard_path_resolve(st->cwds[0], path, st->ctx->home);
	const char *v = later_find(st, "TUC", abs, &kind);
	free(abs);
	return v && kind == 'T' ? v : NULL;
}

char *
risk_later_copy(const struct risk_state *st, const char *path)
{
	char kind = 0;
	size_t rest = 0;

	if (!st->later.len)
		return NULL;
	char *abs = guard_path_resolve(st->cwds[0], path, st->ctx->home), *from = NULL;
	const char *v = later_find(st, "TUC", abs, &kind), *to = risk_later_link(st, abs, &rest);
	if (v && kind == 'C')
		from = guard_xstrdup(v);
	else if (!v && to)
		from = guard_xasprintf("%s%s", to, abs + rest);
	free(abs);
	return from;
}

const char *
risk_later_writer(const struct risk_state *st, const char *abs)
{
	char kind = 0;
	const char *v = st->later.len ? later_find(st, "TUC", abs, &kind) : NULL;

	if (v && kind == 'U')
		return v;
	if (guard_list_has(&st->downloads, abs))
		return "a download";
	return v ? NULL : risk_later_unseen_writer(st, abs);
}

static const char *const bin_dirs[] = { "/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin",
					"/usr/local/sbin", NULL };

/* ln, or cp -l/--link/-s/--symbolic-link: DST is a link to SRC. */
static bool
links_made(const struct risk_cmd *c)
{
	if (!strcmp(c->name, "ln") || !strcmp(c->name, "link"))
		return true;
	return !strcmp(c->name, "cp") && (risk_flag(c, 'l', "link") || risk_flag(c, 's', "symbolic-link"));
}

const char *
risk_later_link(const struct risk_state *st, const char *abs, size_t *rest)
{
	/* the link itself, or a folder link it lies below (ln -s .ai d; echo > d/policy.yaml) */
	for (size_t i = st->later.len; i-- > 0;) {
		const char *e = st->later.items[i], *sep = strchr(e, '\x1f');
		size_t kl = sep ? (size_t)(sep - e - 1) : 0;
		if (e[0] != 'L' || !sep || strncmp(abs, e + 1, kl) || (abs[kl] && abs[kl] != '/'))
			continue;
		*rest = kl;
		return sep + 1;
	}
	return NULL;
}

/* cp/ln/install SRC DST (two operands): DST becomes what SRC is; after c was rated, a link it made. */
static void
note_copy(struct risk_state *st, const struct risk_cmd *c, bool after)
{
	const struct guard_shell_word *ops[3];
	size_t n = risk_operands(c, 1, "-t -S -m -o -g -Z --target-directory --suffix --mode --owner --group", ops, 3);

	if (n != 2 || (ops[0]->flags & GUARD_WORD_DYNAMIC) || (ops[1]->flags & GUARD_WORD_DYNAMIC))
		return;
	char *src = guard_path_resolve(st->cwds[0], ops[0]->text, st->ctx->home);
	const char *dst_text = ops[1]->text;
	size_t dl = strlen(dst_text);
	char *dst = (!strcmp(dst_text, ".") || (dl && dst_text[dl - 1] == '/'))
		? guard_xasprintf("%s/%s", dst_text, risk_basename(ops[0]->text)) : guard_xstrdup(dst_text);
	char *dst_abs = guard_path_resolve(st->cwds[0], dst, st->ctx->home);
	char kind = 0;
	const char *what = later_find(st, !strcmp(c->name, "mv") ? "TUPLC" : "TUPC", src, &kind);
	if (links_made(c) && after) {
		/* ln -s T L: T is read from L's folder; ln T L, cp -l/-s: from here */
		char *dir = guard_xstrdup(dst_abs), *slash = strrchr(dir, '/');
		if (slash)
			slash[slash == dir] = '\0';
		bool sym = !strcmp(c->name, "cp") ? !risk_flag(c, 'l', "link") : risk_flag(c, 's', "symbolic");
		char *to = sym && ops[0]->text[0] != '/' && ops[0]->text[0] != '~'
			? guard_path_resolve(dir, ops[0]->text, st->ctx->home) : guard_xstrdup(src);
		later_add(st, 'L', dst_abs, to, false);
		free(to);
		free(dir);
	}
	if (after) {
		/* the rest was noted before c was rated */
	} else if (what) {
		later_add(st, kind, dst_abs, what, false);
	} else {
		char *dir = guard_xstrdup(src);
		char *slash = strrchr(dir, '/');
		bool program = false;
		if (slash && slash != dir) {
			*slash = '\0';
			program = risk_name_in(bin_dirs, dir);
			if (program)
				later_add(st, 'P', dst_abs, slash + 1, false);
		} else if (!strchr(ops[0]->text, '/') && !strcmp(c->name, "ln")) {
			/* ln -s rm x: a relative link names a file here, not a program */
		}
		if (!program && !links_made(c)) /* a link is noted after c (risk_later_link) */
			later_add(st, 'C', dst_abs, src, false);
		free(dir);
	}
	free(src);
	free(dst);
	free(dst_abs);
}

/* echo/printf/cat<<EOF > FILE (or >> FILE): FILE holds that text from now on. */
static void
note_redirect_writes(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if ((r->op != GUARD_REDIR_OUT && r->op != GUARD_REDIR_APPEND && r->op != GUARD_REDIR_OUT_ALL) ||
		    (r->fd >= 0 && r->fd != 1) || (r->target.flags & GUARD_WORD_DYNAMIC))
			continue;
		char *abs = guard_path_resolve(st->cwds[0], r->target.text, st->ctx->home);
		char *text = risk_printed_text(cmd);
		if (!text && cmd->argc && !strcmp(risk_basename(cmd->argv[0].text), "cat") && cmd->argc == 1)
			text = risk_literal_stdin(c);
		if (text && !strcmp(risk_basename(cmd->argv[0].text), "echo") && !risk_arg_has(c, "-n")) {
			char *line = guard_xasprintf("%s\n", text); /* echo ends its line */
			free(text);
			text = line;
		}
		bool cat = cmd->argc == 2 && !strcmp(risk_basename(cmd->argv[0].text), "cat") && cmd->argv[1].text[0] != '-' &&
			   !(cmd->argv[1].flags & GUARD_WORD_DYNAMIC) && r->op != GUARD_REDIR_APPEND;
		if (text) {
			later_add(st, 'T', abs, text, r->op == GUARD_REDIR_APPEND);
		} else if (cat) { /* cat F > X: a copy of F (attack12 M9); U too, for a run of X (risk_later_run) */
			char *src = guard_path_resolve(st->cwds[0], cmd->argv[1].text, st->ctx->home);
			char kind = 0;
			const char *known = later_find(st, "TUC", src, &kind); /* F itself written on the line */
			later_add(st, known && kind == 'T' ? 'T' : 'U', abs, known && kind == 'T' ? known : "cat", false);
			if (!known || kind == 'C')
				later_add(st, 'C', abs, known ? known : src, false);
			free(src);
		} else if (cmd->argc) {
			later_add(st, 'U', abs, cmd->argv[0].text, false);
		}
		free(text);
		free(abs);
	}
}

/* tee FILE... <<< TEXT / echo TEXT | tee FILE. */
static void
note_tee(struct risk_state *st, const struct risk_cmd *c)
{
	char *text = risk_literal_stdin(c);
	bool append = risk_flag(c, 'a', "append");

	for (size_t i = 1; i < c->argc; i++) {
		if (c->argv[i].text[0] == '-' || (c->argv[i].flags & GUARD_WORD_DYNAMIC))
			continue;
		char *abs = guard_path_resolve(st->cwds[0], c->argv[i].text, st->ctx->home);
		if (text)
			later_add(st, 'T', abs, text, append);
		else
			later_add(st, 'U', abs, "tee", false);
		free(abs);
	}
	free(text);
}

/* npm pkg set scripts.NAME=CMD: NAME runs CMD later (npm test, npm run NAME). */
static void
note_npm_script(struct risk_state *st, const struct risk_cmd *c, size_t set_at)
{
	for (size_t i = set_at + 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		if (strncmp(w->text, "scripts.", 8))
			continue;
		const char *eq = strchr(w->text, '=');
		if (!eq)
			continue;
		char *name = guard_xstrndup(w->text + 8, (size_t)(eq - w->text - 8));
		if (w->flags & GUARD_WORD_DYNAMIC) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "npm script %s set to a computed command", name);
		} else {
			later_add(st, 'N', name, eq + 1, false);
			char what[96];
			snprintf(what, sizeof(what), "npm script %.40s (runs later)", name);
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "npm pkg set %s: a command npm runs later", name);
			risk_nested(st, what, eq + 1, strlen(eq + 1));
		}
		free(name);
	}
}

/* npm test / npm run NAME / yarn NAME after the script was set on this line. */
static void
run_npm_script(struct risk_state *st, const struct risk_cmd *c, size_t sub)
{
	static const char *const direct[] = { "test", "t", "tst", "start", "stop", "restart", NULL };
	const char *s = c->argv[sub].text, *name = NULL;

	if (risk_name_in(direct, s))
		name = s;
	else if ((!strcmp(s, "run") || !strcmp(s, "run-script") || !strcmp(s, "rum") || !strcmp(s, "urn")) &&
		 sub + 1 < c->argc)
		name = first_operand_at(c, sub + 1, NULL) < c->argc ? c->argv[first_operand_at(c, sub + 1, NULL)].text : NULL;
	else if (strcmp(c->name, "npm"))
		name = s; /* yarn NAME, pnpm NAME, bun NAME */
	const char *cmd = name ? later_find(st, "N", name, NULL) : NULL;
	if (!cmd)
		return;
	char what[160];
	snprintf(what, sizeof(what), "%s %.60s (script set earlier on this line)", c->name, name);
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs the script %s set earlier on this line: %s",
		  c->name, name, cmd);
	risk_nested(st, what, cmd, strlen(cmd));
}

/* git -c alias.X=V, git config alias.X V: remembered; git X runs V. */
static void
git_aliases(struct risk_state *st, const struct risk_cmd *c)
{
	size_t sub = 0;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "-c") && i + 1 < c->argc) {
			const char *kv = c->argv[++i].text, *eq = strchr(kv, '=');
			if (!strncasecmp(kv, "alias.", 6) && eq && !(c->argv[i].flags & GUARD_WORD_DYNAMIC)) {
				char *name = guard_xstrndup(kv + 6, (size_t)(eq - kv - 6));
				later_add(st, 'G', name, eq + 1, false);
				free(name);
			}
			continue;
		}
		if (!strcmp(a, "-C") || !strcmp(a, "--git-dir") || !strcmp(a, "--work-tree") || !strcmp(a, "--namespace")) {
			i++;
			continue;
		}
		if (a[0] != '-') {
			sub = i;
			break;
		}
	}
	if (!sub)
		return;
	const char *s = c->argv[sub].text;
	if (!strcmp(s, "config")) {
		for (size_t i = sub + 1; i + 1 < c->argc; i++)
			if (!strncasecmp(c->argv[i].text, "alias.", 6) && !(c->argv[i + 1].flags & GUARD_WORD_DYNAMIC)) {
				later_add(st, 'G', c->argv[i].text + 6, c->argv[i + 1].text, false);
				break;
			}
		return;
	}
	const char *v = later_find(st, "G", s, NULL);
	if (!v)
		return;
	struct guard_buf line = GUARD_BUF_INIT;
	char what[96];
	snprintf(what, sizeof(what), "git alias %.40s (set earlier on this line)", s);
	if (v[0] == '!') {
		guard_buf_addstr(&line, v + 1);
	} else {
		guard_buf_addstr(&line, "git ");
		guard_buf_addstr(&line, v);
	}
	/* the alias's arguments follow its text */
	struct guard_buf rest = GUARD_BUF_INIT;
	if (join_words(c, sub + 1, c->argc, &rest) && rest.len)
		guard_buf_addf(&line, " %s", rest.buf);
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "git %s runs the alias set earlier on this line: %s", s, v);
	if (strncmp(v, s, strlen(s)) || v[0] == '!') /* not an alias of itself */
		risk_nested(st, what, line.buf, line.len);
	guard_buf_release(&rest);
	guard_buf_release(&line);
}

void
risk_later_note(struct risk_state *st, const struct risk_cmd *c)
{
	if (st->remote)
		return;
	note_redirect_writes(st, c);
	if (!c->argc || !c->name[0])
		return;
	if (!strcmp(c->name, "cp") || !strcmp(c->name, "ln") || !strcmp(c->name, "install") || !strcmp(c->name, "mv") ||
	    !strcmp(c->name, "link"))
		note_copy(st, c, false);
	else if (!strcmp(c->name, "tee"))
		note_tee(st, c);
}

void
risk_later_note_writer(struct risk_state *st, const char *name)
{
	if (st->remote || (st->later.len && st->later.items[st->later.len - 1][0] == 'W'))
		return; /* one after another: the first names them */
	later_add(st, 'W', "", name, false);
}

const char *
risk_later_unseen_writer(const struct risk_state *st, const char *abs)
{
	size_t kl = strlen(abs);

	/* what the part itself runs (the script's own text) came after it began */
	for (size_t i = st->part_later < st->later.len ? st->part_later : st->later.len; i-- > 0;) {
		const char *e = st->later.items[i];
		if (e[0] == 'W')
			return e + 2;
		if (!strncmp(e + 1, abs, kl) && e[kl + 1] == '\x1f' && strchr("TUPLC", e[0]))
			return NULL;
	}
	return NULL;
}

void
risk_later_note_links(struct risk_state *st, const struct risk_cmd *c)
{
	if (!st->remote && c->argc && c->name[0] && links_made(c))
		note_copy(st, c, true);
}

/*
 * file (as run: sh FILE, . FILE, ./FILE ARGS) was written earlier on this
 * line: rate what it holds. Returns true when it was.
 */
bool
risk_later_run(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *file, const char *what)
{
	char kind = 0;

	if (!st->later.len || (file->flags & GUARD_WORD_DYNAMIC))
		return false;
	char *abs = guard_path_resolve(st->cwds[0], file->text, st->ctx->home), *linked = NULL;
	const char *v = later_find(st, "TUPC", abs, &kind);
	size_t rest = 0;
	const char *to = v ? NULL : risk_later_link(st, abs, &rest);
	if (to) /* ln x.sh y.sh && . y.sh: the link's target runs */
		v = linked = guard_xasprintf("%s%s", to, abs + rest), kind = 'C';
	free(abs);
	if (!v)
		return false;
	if (kind == 'C') {
		/* cp x.sh y.sh && . y.sh: what runs is x.sh's text as it is on disk now (attack13 P3) */
		char nwhat[256];
		snprintf(nwhat, sizeof(nwhat), "%.40s %.60s (a copy of %.60s made earlier on this line)", what, file->text,
			 risk_basename(v));
		risk_explain(st, "    %s is a copy of %s: its text is run", file->text, v);
		if (!st->remote)
			risk_script_text(st, nwhat, v, false);
		free(linked);
		return true;
	}
	if (kind == 'U') {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s, written earlier on this line by %s",
			  what, file->text, v);
	} else if (kind == 'T') {
		char nwhat[128];
		snprintf(nwhat, sizeof(nwhat), "%s %.60s (written earlier on this line)", what, file->text);
		risk_explain(st, "    %s was written earlier on this line: its text is run", file->text);
		/* a #! line naming another interpreter is still read as shell */
		risk_nested(st, nwhat, v, strlen(v));
	} else if (c && c->argc && &c->argv[0] == file) {
		/* ./del -rf ~ after cp /bin/rm ./del: it is rm */
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s is a copy of %s made earlier on this line", file->text, v);
		risk_analyse_as(st, c, v);
	} else {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs %s, a copy of %s", what, file->text, v);
	}
	return true;
}

/*
 * Before the verb modules: runners inside commands they also rate
 * (docker exec, kubectl exec, npm scripts, git aliases). Never claims the
 * command: the module still rates it.
 */
void
risk_runs_inside(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "docker") || !strcmp(n, "podman") || !strcmp(n, "nerdctl")) {
		container_command(st, c);
	} else if (!strcmp(n, "kubectl") || !strcmp(n, "oc")) {
		pod_command(st, c);
	} else if (!strcmp(n, "git")) {
		git_aliases(st, c);
	} else if (!strcmp(n, "npm") || !strcmp(n, "yarn") || !strcmp(n, "pnpm") || !strcmp(n, "bun")) {
		size_t sub = first_operand_at(c, 1, "--prefix -C --dir --filter -w --workspace");
		if (sub >= c->argc)
			return;
		if (!strcmp(c->argv[sub].text, "pkg") && sub + 1 < c->argc && !strcmp(c->argv[sub + 1].text, "set"))
			note_npm_script(st, c, sub + 1);
		else if (st->later.len)
			run_npm_script(st, c, sub);
	}
}

/* ---- make and vim: programs that run shell lines from their input ------ */

/* Past the ')' matching the '(' at p[-1], or NULL. */
static const char *
paren_end(const char *p)
{
	int depth = 1;
	for (; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && !--depth)
			return p;
	}
	return NULL;
}

/*
 * Makefile text: recipe lines (a tab, or after "target: ;") and
 * $(shell ...) run in a shell; $$ is a dollar sign there.
 */
static void
makefile_text(struct risk_state *st, const char *what, const char *text)
{
	struct guard_buf line = GUARD_BUF_INIT;

	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		char *l = guard_xstrndup(p, n);
		const char *recipe = NULL;
		p += n + (p[n] == '\n');
		for (const char *sh = l; (sh = strstr(sh, "$(shell ")) != NULL;) {
			const char *end = paren_end(sh + 2);
			if (!end)
				break;
			risk_nested(st, what, sh + 8, (size_t)(end - sh - 8));
			sh = end;
		}
		if (l[0] == '\t') {
			recipe = l + 1;
		} else {
			const char *colon = strchr(l, ':');
			const char *semi = colon && colon[1] != '=' ? strchr(colon, ';') : NULL;
			if (semi)
				recipe = semi + 1;
		}
		if (recipe) {
			while (*recipe == ' ' || *recipe == '@' || *recipe == '-' || *recipe == '+')
				recipe++;
			guard_buf_reset(&line);
			for (const char *r = recipe; *r; r++) {
				guard_buf_addch(&line, *r);
				if (r[0] == '$' && r[1] == '$')
					r++;
			}
			if (line.len)
				risk_nested(st, what, line.buf, line.len);
		}
		free(l);
	}
	guard_buf_release(&line);
}

/* make -f /dev/stdin, -f -, --eval TEXT, -f FILE written earlier: the makefile is analysed. */
static bool
rate_make(struct risk_state *st, const struct risk_cmd *c)
{
	bool handled = false;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *v = NULL;
		const struct guard_shell_word *w = NULL;
		if (!strncmp(a, "--eval=", 7)) {
			v = a + 7, w = &c->argv[i];
		} else if ((!strcmp(a, "--eval") || !strcmp(a, "-E")) && i + 1 < c->argc) {
			w = &c->argv[++i], v = w->text;
		}
		if (v) {
			handled = true;
			if (w->flags & GUARD_WORD_DYNAMIC)
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "make --eval of computed text");
			else
				makefile_text(st, "make --eval", v);
			continue;
		}
		const char *f = NULL;
		if ((!strcmp(a, "-f") || !strcmp(a, "--file") || !strcmp(a, "--makefile")) && i + 1 < c->argc)
			w = &c->argv[++i], f = w->text;
		else if (!strncmp(a, "--file=", 7) || !strncmp(a, "--makefile=", 11))
			w = &c->argv[i], f = strchr(a, '=') + 1;
		else if (!strncmp(a, "-f", 2) && a[2])
			w = &c->argv[i], f = a + 2;
		if (!f)
			continue;
		if (!strcmp(f, "-") || !strcmp(f, "/dev/stdin") || !strcmp(f, "/dev/fd/0") ||
		    !strcmp(f, "/proc/self/fd/0")) {
			char *text = risk_literal_stdin(c);
			handled = true;
			if (text) {
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "make runs a makefile given on its input");
				makefile_text(st, "make -f -", text);
			} else {
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "make runs a makefile from its input");
			}
			free(text);
		} else if (!(w->flags & GUARD_WORD_DYNAMIC) && st->later.len) {
			char *abs = guard_path_resolve(st->cwds[0], f, st->ctx->home);
			char kind = 0;
			const char *text = later_find(st, "T", abs, &kind);
			if (text) {
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "make runs %s, written earlier on this line", f);
				makefile_text(st, "make -f", text);
			}
			free(abs);
		}
	}
	if (handled)
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	return handled;
}

/* ---- functions called with arguments ------------------------------------ */

#define RUN_MAX_CALLS 32 /* function calls rated with their arguments, per line */

static bool
name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' || ch == ':';
}

/* Does text hold name as a whole word (eval f, trap f EXIT, export -f f, alias x=f)? */
static bool
names_word(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; (p = strstr(p, name)) != NULL; p++)
		if ((p == text || !name_char(p[-1])) && !name_char(p[n]))
			return true;
	return false;
}

bool
risk_function_deferred(const struct guard_shell *sh, const char *name)
{
	size_t calls = 0;

	if (!strcmp(name, "command_not_found_handle"))
		return false; /* bash calls it for any unknown command */
	for (size_t i = 0; i < sh->ncmds; i++) {
		const struct guard_shell_cmd *c = &sh->cmds[i];
		for (size_t k = 0; k < c->argc; k++) {
			const struct guard_shell_word *w = &c->argv[k];
			if (k == 0 && (w->flags & GUARD_WORD_DYNAMIC))
				return false; /* $cmd could be the function */
			if (k == 0 && !strcmp(w->text, name)) {
				calls += !c->function && !c->defines_function;
				continue;
			}
			if (names_word(w->text, name))
				return false;
		}
		for (size_t k = 0; k < c->nassigns; k++)
			if (names_word(c->assigns[k].text, name))
				return false;
		for (size_t k = 0; k < c->nredirs; k++)
			if (names_word(c->redirs[k].target.text, name) ||
			    (c->redirs[k].body && names_word(c->redirs[k].body, name)))
				return false;
	}
	return calls > 0;
}

/* The call's arguments, as the body's words see them. */
struct fn_args {
	const struct guard_shell_word *w;
	size_t n;
	const char *home;            /* for an argument ~ that lands inside a word */
	struct guard_list locals;    /* "NAME=VALUE" set once in the body from known text */
};

/* The value of local NAME (n bytes) when known, or NULL. */
static const char *
fn_local(const struct fn_args *a, const char *name, size_t n)
{
	for (size_t i = 0; i < a->locals.len; i++)
		if (!strncmp(a->locals.items[i], name, n) && a->locals.items[i][n] == '=')
			return a->locals.items[i] + n + 1;
	return NULL;
}

/*
 * $1..$9 and ${1}..${9} in t replaced by the call's arguments (their bare
 * text when bare: what is left when they are empty); false when t holds none.
 */
static bool
fill_positional(const char *t, const struct fn_args *a, bool bare, struct guard_buf *out, bool *tilde,
		bool *dynamic)
{
	bool any = false;

	for (const char *p = t; *p; p++) {
		size_t k = 0, skip = 0;
		if (p[0] == '$' && p[1] >= '1' && p[1] <= '9')
			k = (size_t)(p[1] - '0'), skip = 1;
		else if (p[0] == '$' && p[1] == '{' && p[2] >= '1' && p[2] <= '9' && p[3] == '}')
			k = (size_t)(p[2] - '0'), skip = 3;
		if (!k && p[0] == '$' && a->locals.len) { /* $NAME, ${NAME}: a local set from known text */
			bool brace = p[1] == '{';
			const char *name = p + 1 + brace;
			size_t n = 0;
			while (isalnum((unsigned char)name[n]) || name[n] == '_')
				n++;
			const char *v = n && !isdigit((unsigned char)name[0]) && (!brace || name[n] == '}')
				? fn_local(a, name, n) : NULL;
			if (v) {
				guard_buf_addstr(out, v);
				any = true;
				p += n + 2 * brace;
				continue;
			}
		}
		if (!k) {
			guard_buf_addch(out, *p);
			continue;
		}
		if (k <= a->n) {
			const struct guard_shell_word *arg = &a->w[k - 1];
			bool home = (arg->flags & GUARD_WORD_TILDE) && a->home && arg->text[0] == '~';
			if (p == t && (arg->flags & GUARD_WORD_TILDE))
				*tilde = true;
			else if (home) /* the call expanded ~ before the body saw it */
				guard_buf_addstr(out, a->home);
			if (arg->flags & GUARD_WORD_DYNAMIC)
				*dynamic = true;
			guard_buf_addstr(out, bare && (arg->flags & GUARD_WORD_DYNAMIC) ? (arg->bare ? arg->bare : "")
					      : arg->text + (home && p != t));
		}
		any = true;
		p += skip;
	}
	return any;
}

/* Words of a body command with the call's arguments in place of $1 ... and "$@". */
struct fn_words {
	struct guard_shell_word w[64];
	struct guard_buf text[64], bare[64];
	size_t n;
};

static bool
is_all_args(const char *t)
{
	return !strcmp(t, "$@") || !strcmp(t, "${@}") || !strcmp(t, "$*") || !strcmp(t, "${*}");
}

/*
 * Made with fn_words_new: only the slots below n are set up (4 KiB
 * cleared for a call that uses a few words was most of its cost).
 */
static struct fn_words *
fn_words_new(size_t count)
{
	struct fn_words *fw = guard_xmalloc(count * sizeof(*fw));

	for (size_t i = 0; i < count; i++)
		fw[i].n = 0;
	return fw;
}

/* The next slot of out (n < 64), its buffers empty; counted. */
static size_t
fn_slot(struct fn_words *out)
{
	size_t k = out->n++;

	guard_buf_init(&out->text[k]);
	guard_buf_init(&out->bare[k]);
	return k;
}

/* One body word into out (several for "$@"); true when it changed. */
static bool
fill_word(const struct guard_shell_word *bw, const struct fn_args *a, struct fn_words *out)
{
	if (!(bw->flags & GUARD_WORD_DYNAMIC) || out->n >= 64) {
		if (out->n < 64)
			out->w[fn_slot(out)] = *bw;
		return false;
	}
	if (is_all_args(bw->text)) {
		for (size_t i = 0; i < a->n && out->n < 64; i++)
			out->w[fn_slot(out)] = a->w[i];
		return true;
	}
	size_t k = fn_slot(out);
	bool tilde = false, dynamic = false;
	out->w[k] = *bw;
	if (!fill_positional(bw->text, a, false, &out->text[k], &tilde, &dynamic))
		return false;
	out->w[k].text = out->text[k].buf ? out->text[k].buf : (char *)"";
	out->w[k].bare = NULL;
	out->w[k].flags = (tilde ? GUARD_WORD_TILDE : 0) | GUARD_WORD_QUOTED;
	if (dynamic || strpbrk(out->w[k].text, "$`")) {
		/* an argument or another expansion is still unknown */
		bool t2 = false, d2 = false;
		out->w[k].flags |= GUARD_WORD_DYNAMIC;
		if (fill_positional(bw->text, a, true, &out->bare[k], &t2, &d2) && !strpbrk(bw->text + 1, "$`"))
			out->w[k].bare = out->bare[k].buf ? out->bare[k].buf : (char *)"";
	}
	return true;
}

static void
fn_words_release(struct fn_words *fw)
{
	for (size_t i = 0; i < fw->n; i++) {
		guard_buf_release(&fw->text[i]);
		guard_buf_release(&fw->bare[i]);
	}
}

static bool
is_declaration(const struct guard_shell_cmd *c)
{
	static const char *const names[] = { "local", "declare", "typeset", "readonly", "export", NULL };
	return c->argc && risk_name_in(names, c->argv[0].text);
}

/* NAME of a NAME=VALUE word (n bytes), or 0. */
static size_t
assign_name(const char *t)
{
	size_t n = 0;
	while (isalnum((unsigned char)t[n]) || t[n] == '_')
		n++;
	return n && !isdigit((unsigned char)t[0]) && t[n] == '=' ? n : 0;
}

/*
 * Is NAME set exactly once in f's body (local d="$1", d=$1), and nowhere
 * else on the line (no for loop, read, unset, +=, another assignment)?
 */
static bool
local_stable(const struct guard_shell *sh, const char *fn, const char *name, size_t n)
{
	size_t sets = 0, known = 0;

	for (size_t i = 0; i < sh->known_names.len; i++)
		known += strlen(sh->known_names.items[i]) == n && !strncmp(sh->known_names.items[i], name, n);
	for (size_t k = 0; k < sh->ncmds; k++) {
		const struct guard_shell_cmd *c = &sh->cmds[k];
		bool body = c->function && !strcmp(c->function, fn);
		for (size_t i = 0; i < c->nassigns; i++)
			if (assign_name(c->assigns[i].text) == n && !strncmp(c->assigns[i].text, name, n)) {
				if (!body || c->argc)
					return false; /* set for one command, or outside the body */
				sets++, known--;
			}
		for (size_t i = 1; i < c->argc; i++) {
			const char *t = c->argv[i].text;
			if (!strncmp(t, name, n) && (!t[n] || t[n] == '+' || t[n] == '[' || t[n] == ' '))
				return false; /* read d, unset d, d+=, d[0]= */
			if (assign_name(t) == n && !strncmp(t, name, n)) {
				if (!body || !is_declaration(c))
					return false;
				sets++;
			}
		}
	}
	return sets == 1 && known == 0;
}

/* local d="$1" / d=$1 in the body: d's value for the commands after it, when known. */
static void
note_locals(const struct guard_shell *sh, const char *fn, const struct guard_shell_cmd *body, struct fn_args *a)
{
	bool decl = is_declaration(body);
	size_t n = decl ? body->argc : body->argc ? 0 : body->nassigns;

	for (size_t i = decl ? 1 : 0; i < n; i++) {
		const struct guard_shell_word *w = decl ? &body->argv[i] : &body->assigns[i];
		size_t len = assign_name(w->text);
		if (!len || !local_stable(sh, fn, w->text, len) || a->locals.len >= 16)
			continue;
		struct guard_buf v = GUARD_BUF_INIT;
		bool tilde = false, dynamic = false;
		if (w->flags & GUARD_WORD_DYNAMIC)
			fill_positional(w->text + len + 1, a, false, &v, &tilde, &dynamic);
		else
			guard_buf_addstr(&v, w->text + len + 1);
		if (!dynamic && !strpbrk(v.buf, "$`") && (!tilde || v.buf[0] == '~') && (!tilde || a->home))
			guard_list_take(&a->locals, guard_xasprintf("%.*s=%s%s", (int)len, w->text, tilde ? a->home : "",
								    v.buf + tilde));
		guard_buf_release(&v);
	}
}

/* Rate one command of f's body, run with the call's arguments (its redirections too). */
static void
rate_body_cmd(struct risk_state *st, const struct risk_cmd *call, const struct guard_shell_cmd *body,
	      const struct fn_args *a)
{
	struct fn_words *words = fn_words_new(3);
	struct fn_words *assigns = words + 1, *targets = words + 2;
	struct guard_shell_redir redirs[16];
	struct guard_shell_cmd one = *body;

	for (size_t w = 0; w < body->argc; w++)
		fill_word(&body->argv[w], a, words);
	for (size_t w = 0; w < body->nassigns && w < 64; w++)
		fill_word(&body->assigns[w], a, assigns);
	one.argv = words->w;
	one.argc = words->n;
	one.assigns = assigns->w;
	one.nassigns = assigns->n;
	one.nredirs = body->nredirs < 16 ? body->nredirs : 16;
	for (size_t r = 0; r < one.nredirs; r++) {
		redirs[r] = body->redirs[r];
		targets->n = r;
		fill_word(&body->redirs[r].target, a, targets);
		redirs[r].target = targets->w[r];
	}
	one.redirs = redirs;
	struct risk_cmd rc;
	memset(&rc, 0, sizeof(rc));
	rc.sh = call->sh;
	rc.cmd = &one;
	rc.argv = one.argv;
	rc.argc = one.argc;
	risk_track_cd(st, call->sh, &one);
	risk_part(st, &rc);
	for (size_t i = 0; i < 3; i++)
		fn_words_release(&words[i]);
	free(words);
}

/*
 * f ARGS, f defined on the line. When every use of f is a plain call, its
 * body was not rated where it was defined: each command of it is rated
 * here with $1 ... "$@" bound to this call's arguments. Otherwise the body
 * was rated with $1 ... unknown, and the commands that use them are rated
 * again with these arguments.
 */
void
risk_function_call(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell *sh = c->sh;
	bool deferred = risk_function_deferred(sh, c->name);
	struct fn_args a = { c->argv + 1, c->argc - 1, st->ctx->home, GUARD_LIST_INIT };

	if (!deferred) {
		if (c->argc < 2 || st->nest >= RISK_MAX_NEST)
			return;
		for (size_t i = 1; i < c->argc; i++)
			if (c->argv[i].flags & GUARD_WORD_DYNAMIC)
				return;
	} else if (st->nest >= RISK_MAX_NEST || st->fn_calls >= RUN_MAX_CALLS) {
		risk_unparsed(st, "function %s called deeper or more often than guard follows", c->name);
		return;
	}
	st->fn_calls++;
	risk_explain(st, "    %s is called%s: its body runs with them", c->name, a.n ? " with arguments" : "");
	st->nest++;
	for (size_t k = 0; k < sh->ncmds; k++) {
		const struct guard_shell_cmd *body = &sh->cmds[k];
		if (!body->function || strcmp(body->function, c->name) || body->defines_function)
			continue;
		if (deferred) {
			rate_body_cmd(st, c, body, &a);
			note_locals(sh, c->name, body, &a);
			continue;
		}
		if (!body->argc || body->argc > 64)
			continue;
		struct fn_words *fw = fn_words_new(1);
		bool changed = false;
		for (size_t w = 0; w < body->argc; w++)
			changed |= fill_word(&body->argv[w], &a, fw);
		if (changed) {
			struct risk_cmd call = *c;
			call.cmd = body;
			call.argv = fw->w;
			call.argc = fw->n;
			risk_analyse_cmd(st, &call);
		}
		fn_words_release(fw);
		free(fw);
	}
	st->nest--;
	guard_list_clear(&a.locals);
}

/* ---- the module ------------------------------------------------------- */

const char *const risk_run_verbs[] = { "parallel", "script", "systemd-run", "tmux", "screen", "make", "gmake", NULL };

bool
risk_verb_run(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "parallel"))
		rate_parallel(st, c);
	else if (!strcmp(n, "script"))
		rate_script(st, c);
	else if (!strcmp(n, "systemd-run"))
		rate_systemd_run(st, c);
	else if (!strcmp(n, "tmux"))
		rate_tmux(st, c);
	else if (!strcmp(n, "screen"))
		rate_screen(st, c);
	else if (!strcmp(n, "make") || !strcmp(n, "gmake"))
		return rate_make(st, c);
	else
		return false;
	return true;
}
