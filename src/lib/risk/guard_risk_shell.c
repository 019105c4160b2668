/*
 * Nested shells: sh -c / bash -lc strings, eval, source, heredoc scripts,
 * and a shell reading its commands from a pipe (echo ... | sh, curl ... |
 * bash, base64 -d | sh); remote shells (ssh host cmd, su -c).
 */
#include <ctype.h>
#include <sys/stat.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define SHELL_NAMES "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "busybox", "toybox", \
	"yash", "oksh", "pdksh"

static const char *const shells[] = { SHELL_NAMES, NULL };

#define SCRIPT_MAX (256u << 10) /* a script file read to be analysed */

bool
risk_is_shell(const char *name)
{
	return risk_name_in(shells, name);
}

/*
 * RFC 4648 decode of text with the alphabet's 2^bits symbols (base64,
 * base64url, base32, base32hex), padding and whitespace skipped; NULL
 * when text holds another byte or decodes to a NUL.
 */
static char *
radix_decode(const char *text, const char *alphabet, unsigned bits)
{
	struct guard_buf out = GUARD_BUF_INIT;
	unsigned acc = 0, have = 0;
	size_t n = strlen(alphabet);

	for (const char *p = text; *p; p++) {
		if (*p == '=' || *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			continue;
		const char *k = memchr(alphabet, *p, n);
		if (!k) {
			guard_buf_release(&out);
			return NULL;
		}
		acc = (acc << bits) | (unsigned)(k - alphabet);
		have += bits;
		if (have >= 8) {
			have -= 8;
			char ch = (char)((acc >> have) & 0xFF);
			if (!ch) {
				guard_buf_release(&out);
				return NULL;
			}
			guard_buf_addch(&out, ch);
		}
	}
	return guard_buf_detach(&out);
}

char *
risk_base64_decode(const char *text)
{
	return radix_decode(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 6);
}

char *
risk_radix_decode(const char *text, enum risk_radix radix)
{
	switch (radix) {
	case RADIX_BASE64URL:
		return radix_decode(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6);
	case RADIX_BASE32:
		return radix_decode(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5);
	case RADIX_BASE32HEX:
		return radix_decode(text, "0123456789ABCDEFGHIJKLMNOPQRSTUV", 5);
	default:
		return risk_base64_decode(text);
	}
}

/* Append t to out with printf/echo -e escapes decoded (\n, \t, \x72, \0162). */
static void
add_unescaped(struct guard_buf *out, const char *t, bool zero_octal)
{
	struct guard_buf dec = GUARD_BUF_INIT;

	/* a NUL (\0, \x00, \000) kept as RISK_NUL: xargs -0 splits there, a shell drops it */
	if (strchr(t, '\\') && guard_shell_unescape_nul(t, strlen(t), zero_octal, RISK_NUL, &dec))
		t = dec.buf;
	for (const char *p = t; *p; p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			guard_buf_addch(out, '\n');
			p++;
		} else {
			guard_buf_addch(out, *p);
		}
	}
	guard_buf_release(&dec);
}

/*
 * What printf FORMAT ARGS... prints (finding M4): each conversion takes
 * the next argument (%s and %d as written, %b with its escapes decoded,
 * %c its first character, a precision cuts %s and %b), and the format is
 * used again while arguments are left, as printf does.
 */
static char *
printf_text(const struct guard_shell_cmd *c, size_t i)
{
	struct guard_buf fmt = GUARD_BUF_INIT, out = GUARD_BUF_INIT;

	if (i < c->argc && !strcmp(c->argv[i].text, "--"))
		i++;
	if (i >= c->argc)
		return guard_buf_detach(&out);
	add_unescaped(&fmt, c->argv[i++].text, false);
	const char *f = fmt.buf ? fmt.buf : "";
	do {
		bool took = false;
		for (const char *p = f; *p; p++) {
			if (*p != '%') {
				guard_buf_addch(&out, *p);
				continue;
			}
			if (p[1] == '%') {
				guard_buf_addch(&out, '%');
				p++;
				continue;
			}
			const char *q = p + 1;
			long prec = -1;
			q += strspn(q, "-+ #0'123456789*");
			if (*q == '.') {
				prec = strtol(q + 1, NULL, 10);
				q++;
				q += strspn(q, "0123456789*");
			}
			q += strspn(q, "hlLqjzt");
			if (!*q)
				break;
			/* a * width or precision takes an argument of its own */
			for (const char *star = p + 1; star < q; star++)
				if (*star == '*' && i < c->argc) {
					if (star[-1] == '.')
						prec = strtol(c->argv[i].text, NULL, 10);
					i++;
				}
			const char *arg = i < c->argc ? c->argv[i++].text : "";
			took = true;
			struct guard_buf a = GUARD_BUF_INIT;
			if (*q == 'b')
				add_unescaped(&a, arg, true);
			else if (*q == 'c')
				guard_buf_add(&a, arg, *arg ? 1 : 0);
			else
				guard_buf_addstr(&a, arg);
			size_t n = a.len;
			if (prec >= 0 && (*q == 's' || *q == 'b') && (size_t)prec < n)
				n = (size_t)prec;
			guard_buf_add(&out, a.buf ? a.buf : "", n);
			guard_buf_release(&a);
			p = q;
		}
		if (!took)
			break;
	} while (i < c->argc);
	guard_buf_release(&fmt);
	return guard_buf_detach(&out);
}

/* The literal text echo/printf would print, or NULL. Caller frees. */
/* text less the NULs printed in it (as bash reads a script: it drops them). */
static char *
without_nul(char *text)
{
	char *w = text;

	for (const char *r = text; r && *r; r++)
		if (*r != RISK_NUL)
			*w++ = *r;
	if (w)
		*w = '\0';
	return text;
}

char *
risk_printed_text(const struct guard_shell_cmd *c)
{
	return without_nul(risk_printed_text_nul(c));
}

/*
 * What echo/printf print; xpg: echo decodes escapes without -e, as zsh's,
 * dash's (sh) and bash's with xpg_echo do (attack12 M14).
 */
static char *
printed_text(const struct guard_shell_cmd *cmd, bool xpg)
{
	struct guard_buf out = GUARD_BUF_INIT;
	size_t i = 1, at = cmd->argc ? risk_wrapped_at(cmd) : 0;
	/* env printf, command echo, stdbuf -o0 printf, busybox echo: the same text (M16) */
	struct guard_shell_cmd view = *cmd;
	const struct guard_shell_cmd *c = &view;
	view.argv += at;
	view.argc -= at;
	const char *name = c->argc ? risk_basename(c->argv[0].text) : "";

	if (strcmp(name, "echo") && strcmp(name, "printf"))
		return NULL;
	for (size_t k = 1; k < c->argc; k++)
		if (c->argv[k].flags & GUARD_WORD_DYNAMIC)
			return NULL;
	if (!strcmp(name, "printf"))
		return c->argc > 1 && !strcmp(c->argv[1].text, "-v") ? guard_xstrdup("") : printf_text(c, 1);
	bool escapes = xpg;
	while (i < c->argc && c->argv[i].text[0] == '-' && strspn(c->argv[i].text + 1, "neE") ==
	       strlen(c->argv[i].text + 1))
		escapes |= strchr(c->argv[i++].text, 'e') != NULL;
	for (; i < c->argc; i++) {
		if (out.len)
			guard_buf_addch(&out, ' ');
		/* echo -e: escapes decoded (\t, \x72, \0162); \n read as a line break either way */
		if (escapes) {
			add_unescaped(&out, c->argv[i].text, true);
			continue;
		}
		for (const char *p = c->argv[i].text; *p; p++) {
			if (p[0] == '\\' && p[1] == 'n')
				guard_buf_addch(&out, '\n'), p++;
			else
				guard_buf_addch(&out, *p);
		}
	}
	return guard_buf_detach(&out);
}

char *
risk_printed_text_nul(const struct guard_shell_cmd *cmd)
{
	return printed_text(cmd, false);
}

static bool
is_decoder(const struct guard_shell_cmd *c)
{
	if (!c->argc)
		return false;
	const char *n = risk_basename(c->argv[0].text);
	bool decode = false;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "-d") || !strcmp(t, "--decode") || !strcmp(t, "-D") || !strcmp(t, "-r"))
			decode = true;
	}
	return (!strcmp(n, "base64") || !strcmp(n, "base32") || !strcmp(n, "basenc") || !strcmp(n, "xxd") || !strcmp(n, "openssl") ||
		!strcmp(n, "uudecode")) && (decode || !strcmp(n, "uudecode"));
}

static bool
is_download(const struct guard_shell_cmd *c)
{
	static const char *const dl[] = { "curl", "wget", "fetch", "http", "https", "aria2c", "lwp-request",
					   "GET", "xh", "invoke-webrequest", "iwr", NULL };
	if (!c->argc)
		return false;
	const char *n = risk_basename(c->argv[0].text);
	size_t i = 0;
	/* sudo curl, env curl */
	while (i + 1 < c->argc && (!strcmp(n, "sudo") || !strcmp(n, "env") || !strcmp(n, "command")))
		n = risk_basename(c->argv[++i].text);
	return risk_name_in(dl, n);
}

static void
stdin_text(struct risk_state *st, const char *what, const char *text, enum risk_stdin_kind kind)
{
	if (kind == STDIN_SHELL)
		risk_nested(st, what, text, strlen(text));
	else if (kind == STDIN_SQL)
		risk_sql_text(st, what, text);
	else if (kind == STDIN_TCL)
		risk_tcl_text(st, what, text);
	else
		risk_code_text(st, what, text);
}

static void program_from(struct risk_state *st, const struct guard_shell *sh, const struct guard_shell_cmd *prev,
			 const char *what, enum risk_stdin_kind kind, const char *via);

/* The literal data on a command's stdin (here-string, heredoc, echo |), or NULL. Caller frees. */
char *
risk_literal_stdin(const struct risk_cmd *c)
{
	return without_nul(risk_literal_stdin_nul(c));
}

#define PIPE_DEPTH 8 /* cat | tee x | cat |...: links followed back */

/* tee, and cat with no file of its own (wrappers seen through): their input passes on as it is. */
static bool
passes_input(const struct guard_shell_cmd *cmd)
{
	size_t at = cmd->argc ? risk_wrapped_at(cmd) : 0;

	if (at >= cmd->argc || (cmd->argv[at].flags & GUARD_WORD_DYNAMIC))
		return false;
	const char *n = risk_basename(cmd->argv[at].text);
	if (!strcmp(n, "tee"))
		return true; /* its files get a copy; stdout the same text */
	if (strcmp(n, "cat"))
		return false;
	for (size_t i = at + 1; i < cmd->argc; i++) /* cat -v/-A/-n change the text; cat FILE prints FILE */
		if (strcmp(cmd->argv[i].text, "-") && strcmp(cmd->argv[i].text, "-u") && strcmp(cmd->argv[i].text, "--"))
			return false;
	return true;
}

static char *pipe_output(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth, bool xpg);

/* The literal data on cmd's stdin: a here-string, heredoc, or what the command before it in a pipe prints. */
static char *
stdin_of(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth, bool xpg)
{
	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if (r->op == GUARD_REDIR_HERESTRING && !(r->target.flags & GUARD_WORD_DYNAMIC))
			return guard_xstrdup(r->target.text);
		if (r->op == GUARD_REDIR_HEREDOC && r->body && r->body_literal)
			return guard_xstrdup(r->body);
	}
	const struct guard_shell_cmd *prev = guard_shell_prev_in_pipe(sh, cmd);
	return prev ? pipe_output(sh, prev, depth + 1, xpg) : NULL;
}

static char *
pipe_output(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth, bool xpg)
{
	if (depth > PIPE_DEPTH)
		return NULL;
	return passes_input(cmd) ? stdin_of(sh, cmd, depth, xpg) : printed_text(cmd, xpg);
}

char *
risk_pipe_output_nul(const struct guard_shell *sh, const struct guard_shell_cmd *cmd)
{
	return pipe_output(sh, cmd, 0, false);
}

/* The other reading of the text piped on: echo's escapes decoded; NULL when it is the same text. */
static char *
other_reading(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, const char *plain, bool from_stdin)
{
	char *alt = from_stdin ? stdin_of(sh, cmd, 0, true) : pipe_output(sh, cmd, 0, true);

	if (alt && plain && !strcmp(alt, plain)) {
		free(alt);
		return NULL;
	}
	return alt;
}

char *
risk_literal_stdin_xpg_nul(const struct risk_cmd *c, const char *plain)
{
	return other_reading(c->sh, c->cmd, plain, true);
}

char *
risk_literal_stdin_nul(const struct risk_cmd *c)
{
	return stdin_of(c->sh, c->cmd, 0, false);
}

/*
 * A script a shell runs from a file (sh FILE, . FILE, sh < FILE): read and
 * analysed like sh -c when it exists now; its place is rated apart.
 */
static void
nest_script(struct risk_state *st, const char *what, const struct guard_shell_word *w)
{
	if (w->flags & GUARD_WORD_GLOB && !(w->flags & GUARD_WORD_DYNAMIC) && !st->remote)
		/* the shell picks the file when it runs: its text is not read here */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a script named by a pattern (%s): its text "
			  "is not read", what, w->text);
	else if (!(w->flags & GUARD_WORD_DYNAMIC) && !st->remote && !risk_later_run(st, NULL, w, what))
		risk_script_text(st, what, w->text, false);
}

/*
 * How a printer prints its file (cat F, head -n 5 F, tail -n +2 F,
 * sed -n '2,9p' F, awk 1 F, tac F, cut -c1- F): lines from..to (from 1;
 * to 0: to the end), or the last `last`, reversed or not. The text run is
 * what the printer prints, not the whole file: a heredoc's first line cut
 * off by tail makes its body commands.
 */
struct printer {
	const struct guard_shell_word *file;
	long from, to, last;
	bool reverse;
};

/* The script's lines as the printer prints them (a new string). */
static char *
printed_lines(const struct printer *p, const char *data, size_t len)
{
	struct guard_buf b = GUARD_BUF_INIT;
	size_t n = 0, cap = 64, (*at)[2] = guard_xmalloc(cap * sizeof(*at));

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - data) + 1 : len;
		if (n == cap)
			at = guard_xrealloc(at, (cap *= 2) * sizeof(*at));
		at[n][0] = i;
		at[n++][1] = end;
		i = end;
	}
	size_t a = p->from > 0 ? (size_t)p->from - 1 : 0, z = p->to > 0 && (size_t)p->to < n ? (size_t)p->to : n;
	if (p->last >= 0)
		a = (size_t)p->last < n ? n - (size_t)p->last : 0;
	for (size_t k = a; k < z; k++) {
		size_t i = p->reverse ? z - 1 - (k - a) : k;
		guard_buf_add(&b, data + at[i][0], at[i][1] - at[i][0]);
		if (p->reverse && data[at[i][1] - 1] != '\n')
			guard_buf_addch(&b, '\n');
	}
	free(at);
	return guard_buf_detach(&b);
}

/* Read the script file a shell runs (as printer p prints it; NULL: whole) and rate its text as sh -c's. */
static void
script_text_of(struct risk_state *st, const char *what, const char *file, bool must, const struct printer *p)
{
	char *data = NULL;
	size_t len = 0;
	bool got = false;

	if (!strcmp(file, "/dev/null"))
		return;
	char *abs = guard_path_resolve(st->cwds[0], file, st->ctx->home);
	if (risk_secret_source(st, what, file, abs)) {
		free(abs);
		return;
	}
	struct stat sb;
	/* a FIFO, a device or an inherited descriptor (/dev/fd/3): its text arrives when it runs */
	bool descriptor = (!strncmp(file, "/dev/fd/", 8) && strcmp(file + 8, "0")) ||
			  (!strncmp(file, "/proc/", 6) && strstr(file, "/fd/") && strcmp(strstr(file, "/fd/") + 4, "0"));
	if (descriptor || (risk_memo_stat(abs, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s runs the text of %s, a FIFO, device or open descriptor: it is read when it runs, never by guard",
			  what, file);
		risk_bind_failed(st, abs);
		free(abs);
		return;
	}
	const char *outer = st->from_file;
	if (risk_memo_read(abs, SCRIPT_MAX, &data, &len) == 0) {
		got = true;
		risk_bind_bytes(st, abs, data, len);
		risk_explain(st, "    %s reads the script %s", what, file);
		st->from_file = file;
		if (p) {
			char *text = printed_lines(p, data, len);
			risk_nested(st, what, text, strlen(text));
			free(text);
		} else {
			risk_nested(st, what, data, len);
		}
		st->from_file = outer;
	} else {
		risk_bind_failed(st, abs);
	}
	/* a script that is there but not read (over the size, unreadable, no plain file) runs unseen */
	if (!got && (must || risk_memo_stat(abs, &sb) == 0)) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s runs the text of %s, which guard cannot read now (missing, unreadable or over %u KiB)", what,
			  file, SCRIPT_MAX >> 10);
	}
	guard_error_clear();
	free(data);
	free(abs);
}

/*
 * The text of the script file a shell runs (bash -c "$(cat F)", cat F |
 * sh, --rcfile F, BASH_ENV=F), rated as sh -c of it. must: a file guard
 * cannot read now is at least ask (its text would be run unseen).
 */
void
risk_script_text(struct risk_state *st, const char *what, const char *file, bool must)
{
	script_text_of(st, what, file, must, NULL);
}

/* A count of lines: digits only, at most 9 of them (anything else: -1). */
static long
line_count(const char *s)
{
	size_t n = s ? strspn(s, "0123456789") : 0;

	return n && n <= 9 && !s[n] ? strtol(s, NULL, 10) : -1;
}

/* sed -n's script for lines: p, Np, N,Mp, N,$p; into p. */
static bool
sed_lines(const char *script, struct printer *p)
{
	char *end;

	if (!strcmp(script, "p"))
		return true;
	if (!isdigit((unsigned char)script[0]))
		return false;
	long a = strtol(script, &end, 10);
	if (a < 1 || a > 999999999)
		return false;
	p->from = a;
	p->to = a;
	if (!strcmp(end, "p"))
		return true;
	if (!strcmp(end, ",$p")) {
		p->to = 0;
		return true;
	}
	if (*end != ',' || !isdigit((unsigned char)end[1]))
		return false;
	long z = strtol(end + 1, &end, 10);
	p->to = z;
	return z >= a && z <= 999999999 && !strcmp(end, "p");
}

/* head's or tail's count of lines, as given (NULL when the words are no such form). */
static const char *
lines_given(const char *const *words, size_t n, bool head)
{
	if (n == 1)
		return "10";
	if (n == 3 && !strcmp(words[1], "-n"))
		return words[2];
	if (n == 2 && !strncmp(words[1], "-n", 2) && words[1][2])
		return words[1] + 2;
	if (n == 2 && !strncmp(words[1], "--lines=", 8))
		return words[1] + 8;
	if (n == 2 && words[1][0] == '-' && isdigit((unsigned char)words[1][1]))
		return words[1] + 1;
	if (n == 2 && !head && words[1][0] == '+')
		return words[1];
	return NULL;
}

/*
 * Whether prev prints a file (a literal operand, or < F) the way p says:
 * cat F; head [-n N | -N | -nN | --lines=N] F; tail [the same | -n +N |
 * +N] F; sed -n SCRIPT F (p, Np, N,Mp, N,$p); sed '' F; awk 1 F (or
 * {print}, {print $0}); tac F; cut -c1- F (or -b1-). Anything else: false.
 */
static bool
printer_of(const struct guard_shell_cmd *prev, struct printer *p)
{
	const char *words[6];
	size_t n = 0;

	*p = (struct printer){ NULL, 0, 0, -1, false };
	if (!prev->argc || prev->argc > 5 || prev->nredirs > 1)
		return false;
	for (size_t i = 0; i < prev->argc; i++) {
		if (prev->argv[i].flags & GUARD_WORD_DYNAMIC)
			return false;
		words[n++] = prev->argv[i].text;
	}
	/* the file: < F, or the last word (not an option) */
	if (prev->nredirs == 1) {
		if (prev->redirs[0].op != GUARD_REDIR_IN || (prev->redirs[0].target.flags & GUARD_WORD_DYNAMIC))
			return false;
		p->file = &prev->redirs[0].target;
	} else if (n >= 2 && words[n - 1][0] != '-' && words[n - 1][0] != '+') {
		p->file = &prev->argv[--n];
	} else {
		return false;
	}
	const char *name = risk_basename(words[0]);
	if (!strcmp(name, "cat") || !strcmp(name, "tac")) {
		p->reverse = !strcmp(name, "tac");
		return n == 1;
	}
	if (!strcmp(name, "head") || !strcmp(name, "tail")) {
		bool head = !strcmp(name, "head");
		const char *v = lines_given(words, n, head);
		if (!v)
			return false;
		if (!head && v[0] == '+')
			return (p->from = line_count(v + 1)) >= 0;
		long c = line_count(v);
		if (head)
			p->to = c;
		else
			p->last = c;
		/* head -n 0 prints nothing: to = 0 would be "to the end" */
		if (head && c == 0)
			p->from = 1, p->to = 0, p->last = 0;
		return c >= 0;
	}
	if (!strcmp(name, "sed"))
		return (n == 3 && !strcmp(words[1], "-n") && sed_lines(words[2], p)) || (n == 2 && !*words[1]);
	if (!strcmp(name, "awk") || !strcmp(name, "gawk") || !strcmp(name, "mawk"))
		return n == 2 && (!strcmp(words[1], "1") || !strcmp(words[1], "{print}") ||
				  !strcmp(words[1], "{ print }") || !strcmp(words[1], "{print $0}"));
	if (!strcmp(name, "cut"))
		return n == 2 && (!strcmp(words[1], "-c1-") || !strcmp(words[1], "-b1-"));
	return false;
}

char *
risk_data_file_text(struct risk_state *st, const char *file)
{
	char *abs = guard_path_resolve(st->cwds[0], file, st->ctx->home), *real = NULL, *data = NULL;
	size_t len = 0;
	struct stat sb;

	if (!abs || risk_is_sensitive(st, file, abs) || ((real = guard_path_real(abs)) && risk_is_sensitive(st, real, real)) ||
	    risk_memo_stat(abs, &sb) != 0 || !S_ISREG(sb.st_mode) || risk_memo_read(abs, SCRIPT_MAX, &data, &len) != 0) {
		guard_error_clear();
		free(real);
		free(abs);
		return NULL;
	}
	risk_bind_bytes(st, abs, data, len);
	for (size_t i = 0; i < len; i++)
		if (!data[i])
			data[i] = RISK_NUL;
	free(real);
	free(abs);
	return data;
}

char *
risk_stdin_data(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	struct printer p;

	for (size_t i = 0; i < cmd->nredirs; i++)
		if (cmd->redirs[i].op == GUARD_REDIR_IN)
			return cmd->redirs[i].target.flags & GUARD_WORD_DYNAMIC ? NULL
				: risk_data_file_text(st, cmd->redirs[i].target.text);
	char *lit = risk_literal_stdin_nul(c);
	if (lit)
		return lit;
	const struct guard_shell_cmd *prev = guard_shell_prev_in_pipe(c->sh, cmd);
	if (!prev || !printer_of(prev, &p))
		return NULL;
	char *data = risk_data_file_text(st, p.file->text);
	if (!data)
		return NULL;
	char *text = printed_lines(&p, data, strlen(data));
	free(data);
	return text;
}

/*
 * What an interpreter reading stdin (sh, bash, python -) will run: the
 * previous command of its pipeline, a heredoc, a here-string or a file.
 */
void
risk_stdin_program(struct risk_state *st, const struct risk_cmd *c, const char *what,
		   enum risk_stdin_kind kind)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if (r->op == GUARD_REDIR_HEREDOC || r->op == GUARD_REDIR_HERESTRING) {
			const char *body = r->op == GUARD_REDIR_HEREDOC ? (r->body ? r->body : "") : r->target.text;
			if (r->op == GUARD_REDIR_HERESTRING && (r->target.flags & GUARD_WORD_DYNAMIC))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed here-string", what);
			else
				stdin_text(st, what, body, kind);
			return;
		}
		if (r->op == GUARD_REDIR_IN) {
			/* python3 < /dev/stdin <<< CODE: the here-string is the program */
			if (!strcmp(r->target.text, "/dev/stdin") || !strcmp(r->target.text, "/dev/fd/0"))
				continue;
			if (risk_subst_program(st, &r->target, what, kind))
				return;
			if (kind == STDIN_TCL) {
				risk_tcl_file(st, what, &r->target);
				return;
			}
			if (kind == STDIN_SHELL)
				nest_script(st, what, &r->target);
			risk_path(st, what, &r->target, kind == STDIN_SQL ? PATH_READ : PATH_EXEC);
			if (kind == STDIN_SQL) {
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs an SQL file", what);
				risk_sql_file(st, what, &r->target);
			}
			return;
		}
	}
	const struct guard_shell_cmd *prev = guard_shell_prev_in_pipe(c->sh, cmd);
	if (!cmd->pipe_pos) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s started without a script%s", what,
			  kind == STDIN_SQL ? " (interactive)" : "");
		return;
	}
	if (!prev) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs commands from a pipe", what);
		return;
	}
	program_from(st, c->sh, prev, what, kind, "a pipe");
}

/*
 * eval "$(ssh-agent -s)", source <(kubectl completion bash), eval "$(pyenv
 * init -)": a known tool printing its own shell setup (completion, init,
 * hook, env). Not a shell, an interpreter or anything that prints data.
 */
static bool
prints_shell_setup(const struct guard_shell_cmd *prev)
{
	static const char *const tools[] = {
		"ssh-agent", "direnv", "pyenv", "rbenv", "nodenv", "goenv", "jenv", "plenv", "fnm", "zoxide",
		"starship", "brew", "opam", "mise", "rtx", "asdf", "conda", "micromamba", "mamba", "kubectl",
		"helm", "gh", "glab", "docker", "podman", "npm", "pnpm", "pip", "pip3", "rustup", "poetry", "uv",
		"just", "oh-my-posh", "thefuck", "atuin", "mcfly", "keychain", "luarocks", "dircolors",
		"register-python-argcomplete", "minikube", "fzf", "kind", "k3d", "terraform", "aws", "gcloud",
		"az", "stern", "kustomize", "argocd", "flux", "cargo", "deno", "bun", "rye", "pixi", NULL
	};
	static const char *const verbs[] = { "completion", "completions", "init", "hook", "env", "shellenv",
					     "activate", "docker-env", "-s", "--sh", "shell-init", "--bash", "--zsh",
					     NULL };
	if (!prev->argc || prev->nredirs || (prev->argv[0].flags & GUARD_WORD_DYNAMIC) ||
	    !risk_name_in(tools, prev->argv[0].text))
		return false;
	for (size_t i = 1; i < prev->argc; i++)
		if (!(prev->argv[i].flags & GUARD_WORD_DYNAMIC) && risk_name_in(verbs, prev->argv[i].text))
			return true;
	return false;
}

/* The output of prev (a command of sh) is the program what runs. */
static void
program_from(struct risk_state *st, const struct guard_shell *sh, const struct guard_shell_cmd *prev,
	     const char *what, enum risk_stdin_kind kind, const char *via)
{
	if (is_download(prev)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "downloaded script piped to %s", what);
		return;
	}
	if (prints_shell_setup(prev)) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs the shell setup %s prints", what,
			  prev->argv[0].text);
		return;
	}
	char *text = without_nul(risk_pipe_output_nul(sh, prev));
	if (!text && is_decoder(prev)) {
		const struct guard_shell_cmd *src = guard_shell_prev_in_pipe(sh, prev);
		char *encoded = src ? without_nul(risk_pipe_output_nul(sh, src)) : NULL;
		for (size_t i = 0; !encoded && i < prev->nredirs; i++)
			if (prev->redirs[i].op == GUARD_REDIR_HERESTRING && !(prev->redirs[i].target.flags & GUARD_WORD_DYNAMIC))
				encoded = guard_xstrdup(prev->redirs[i].target.text);
		text = risk_decode_as(prev, encoded);
		free(encoded);
		if (!text) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "decoded data piped to %s", what);
			return;
		}
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "obfuscated (encoded) command piped to %s", what);
	}
	if (text) {
		risk_explain(st, "    %s reads from the pipe: %s", what, text);
		stdin_text(st, what, text, kind);
		/* the agent's shell may be zsh, or sh, or bash with xpg_echo: echo's escapes read too (M14) */
		char *alt = other_reading(sh, prev, text, false);
		if (alt && strcmp(without_nul(alt), text)) {
			risk_explain(st, "    %s reads, where echo decodes escapes: %s", what, alt);
			stdin_text(st, what, alt, kind);
		}
		free(alt);
		free(text);
		return;
	}
	/* cat F, or another printer of F's lines (head, tail, sed -n, awk 1, tac, cut -c1-): what it prints */
	struct printer p;
	if (printer_of(prev, &p) && kind != STDIN_SHELL) {
		/* cat drop.sql | psql: the printed lines are SQL (or code), not a shell script */
		char *data = st->remote || (p.file->flags & GUARD_WORD_DYNAMIC) ? NULL : risk_data_file_text(st, p.file->text);
		risk_path(st, what, p.file, PATH_READ);
		if (!data) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs what %s prints, which guard cannot read now: %s",
				  what, prev->argv[0].text, p.file->text);
			return;
		}
		char *printed = printed_lines(&p, data, strlen(data));
		free(data);
		risk_explain(st, "    %s reads what %s prints of %s", what, prev->argv[0].text, p.file->text);
		stdin_text(st, what, without_nul(printed), kind);
		free(printed);
		return;
	}
	if (printer_of(prev, &p)) {
		bool whole = !p.reverse && p.from <= 1 && p.to == 0 && p.last < 0;
		if (!st->remote && !risk_later_run(st, NULL, p.file, what))
			script_text_of(st, what, p.file->text, true, whole ? NULL : &p);
		risk_path(st, what, p.file, PATH_EXEC);
		return;
	}
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs commands from %s: %s", what, via,
		  prev->argc ? prev->argv[0].text : "(subshell)");
}

/* Index just past the ')' matching the '(' at t[open], honouring quotes; 0 if none. */
static size_t
close_paren(const char *t, size_t open)
{
	int depth = 0;
	for (size_t i = open; t[i]; i++) {
		if (t[i] == '\\' && t[i + 1]) {
			i++;
		} else if (t[i] == '\'') {
			const char *q = strchr(t + i + 1, '\'');
			if (!q)
				return 0;
			i = (size_t)(q - t);
		} else if (t[i] == '(') {
			depth++;
		} else if (t[i] == ')' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

/*
 * sh <(curl URL), bash < <(echo ...), source <(...), bash -c "$(curl URL)":
 * the whole word is one substitution whose list prints the program. Its
 * commands were rated as parts already; here what they print is run.
 */
bool
risk_subst_program(struct risk_state *st, const struct guard_shell_word *w, const char *what,
		   enum risk_stdin_kind kind)
{
	const char *t = w->text;
	size_t n = strlen(t);

	/* `list`: one pair of backticks around the whole word (no escapes inside, which would nest) */
	bool ticks = n >= 3 && t[0] == '`' && t[n - 1] == '`' && !memchr(t + 1, '`', n - 2) && !memchr(t, '\\', n);

	if (!(w->flags & GUARD_WORD_SUBST) || n < 3 ||
	    !(ticks || (n >= 4 && ((t[0] == '<' && t[1] == '(') || (t[0] == '$' && t[1] == '(' &&
							 !(t[2] == '(' && guard_shell_dollar_arith_end(t, n, 1)))))))
		return false;
	if (!ticks && close_paren(t, 1) != n)
		return false;
	struct guard_shell sh;
	struct guard_shell_vars vars = { st->ctx->home, st->cwds[0], NULL, NULL };
	const struct guard_shell_cmd *last = NULL;
	const char *via = t[0] == '<' ? "a process substitution" : "a command substitution";

	memset(&sh, 0, sizeof(sh));
	if (ticks)
		guard_shell_parse(&sh, t + 1, n - 2, &vars);
	else
		guard_shell_parse(&sh, t + 2, n - 3, &vars);
	for (size_t i = 0; i < sh.ncmds; i++)
		if (sh.cmds[i].depth == 0 && !sh.cmds[i].piped_out)
			last = &sh.cmds[i];
	if (sh.unparsed || !last)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs commands from %s", what, via);
	else
		program_from(st, &sh, last, what, kind, via);
	guard_shell_release(&sh);
	return true;
}

/* A command string: analysed recursively, unless computed. */
static void
nested_word(struct risk_state *st, const char *what, const struct guard_shell_word *w)
{
	if (w->flags & GUARD_WORD_DYNAMIC) {
		if (risk_subst_program(st, w, what, STDIN_SHELL))
			return;
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command: %s", what, w->text);
		return;
	}
	risk_nested(st, what, w->text, strlen(w->text));
}

/*
 * The script a shell or source runs, named by w: <(list) or $(list) is
 * rated as a program, /dev/stdin or "-" is the shell's stdin, a file is
 * read and analysed (when it exists now) and rated by its place.
 */
static void
script_operand(struct risk_state *st, const struct risk_cmd *c, const char *what, const struct guard_shell_word *w)
{
	const char *f = w->text;

	if (risk_subst_program(st, w, c->name, STDIN_SHELL))
		return;
	if (!strcmp(f, "/dev/stdin") || !strcmp(f, "/dev/fd/0") || !strcmp(f, "/proc/self/fd/0") || !strcmp(f, "-")) {
		risk_stdin_program(st, c, what, STDIN_SHELL);
		return;
	}
	nest_script(st, what, w);
	risk_path(st, c->name, w, PATH_EXEC);
}

/* bash --rcfile F / --init-file F (w NULL: the value follows '=' in opt): F is read and run. */
static void
rc_file(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *opt,
	const struct guard_shell_word *w)
{
	struct guard_shell_word v;
	char what[96];

	if (!w) {
		v = *opt;
		v.text = strchr(opt->text, '=') + 1;
		v.bare = NULL;
		w = &v;
	}
	snprintf(what, sizeof(what), "%.40s %.12s", c->name, !strncmp(opt->text, "--init", 6) ? "--init-file" : "--rcfile");
	if (w->flags & GUARD_WORD_DYNAMIC) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed file: %s", what, w->text);
		return;
	}
	if (!st->remote && !risk_later_run(st, NULL, w, what))
		risk_script_text(st, what, w->text, true);
	risk_path(st, what, w, PATH_EXEC);
}

static void
rate_shell(struct risk_state *st, const struct risk_cmd *c)
{
	char what[96];
	bool dash_c = false;
	size_t i = 1;

	if (!strcmp(c->name, "busybox") || !strcmp(c->name, "toybox")) {
		/* busybox sh -c / toybox rm: the applet is the command */
		if (c->argc < 2)
			return;
		struct risk_cmd inner = *c;
		inner.argv++;
		inner.argc--;
		risk_analyse_cmd(st, &inner);
		return;
	}
	for (; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "--")) {
			i++;
			break;
		}
		if ((t[0] != '-' && t[0] != '+') || !t[1])
			break;
		if (t[1] != '-' && strchr(t + 1, 'c'))
			dash_c = true;
		/* bash --rcfile F -i: F's text runs first (an interactive shell's rc file) */
		if ((!strcmp(t, "--rcfile") || !strcmp(t, "--init-file")) && i + 1 < c->argc)
			rc_file(st, c, &c->argv[i], &c->argv[i + 1]);
		else if (!strncmp(t, "--rcfile=", 9) || !strncmp(t, "--init-file=", 12))
			rc_file(st, c, &c->argv[i], NULL);
		if (!strcmp(t, "-o") || !strcmp(t, "+o") || !strcmp(t, "-O") || !strcmp(t, "+O") ||
		    !strcmp(t, "--rcfile") || !strcmp(t, "--init-file"))
			i++;
	}
	snprintf(what, sizeof(what), "%s%s", c->name, dash_c ? " -c" : "");
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	if (dash_c) {
		if (i < c->argc)
			nested_word(st, what, &c->argv[i]);
		else
			risk_unparsed(st, "%s without a command string", what);
		return;
	}
	if (i < c->argc) {
		script_operand(st, c, what, &c->argv[i]);
		return;
	}
	risk_stdin_program(st, c, what, STDIN_SHELL);
}

static void
rate_eval(struct risk_state *st, const struct risk_cmd *c)
{
	struct guard_buf script = GUARD_BUF_INIT;

	for (size_t i = 1; i < c->argc; i++) {
		if (c->argv[i].flags & GUARD_WORD_DYNAMIC) {
			if (c->argc == 2 && risk_subst_program(st, &c->argv[i], "eval", STDIN_SHELL)) {
				guard_buf_release(&script);
				return;
			}
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "eval of a computed string: %s", c->argv[i].text);
			guard_buf_release(&script);
			return;
		}
		guard_buf_addf(&script, "%s%s", i > 1 ? " " : "", c->argv[i].text);
	}
	risk_nested(st, "eval", script.buf, script.len);
	guard_buf_release(&script);
}

static void
rate_ssh(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-p -i -l -o -F -J -L -R -D -b -c -E -e -I -m -O -Q -S -W -w -B", &ops);
	struct guard_buf script = GUARD_BUF_INIT;
	bool saved = st->remote;

	if (!n) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	const char *host = ops[0]->text, *at = strrchr(host, '@');
	bool foreign = risk_remote_host(st, "ssh", at ? at + 1 : host);
	enum guard_level level = foreign ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM;
	if (n == 1) {
		risk_rule(st, level, GUARD_CLASS_EXEC, "ssh opens a shell on another machine: %s", at ? at + 1 : host);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		if (ops[i]->flags & GUARD_WORD_DYNAMIC) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "ssh runs a computed command");
			guard_buf_release(&script);
			return;
		}
		guard_buf_addf(&script, "%s%s", i > 1 ? " " : "", ops[i]->text);
	}
	risk_rule(st, level, GUARD_CLASS_EXEC, "ssh runs a command on another machine: %s", at ? at + 1 : host);
	st->remote = true;
	risk_nested(st, "ssh (remote)", script.buf, script.len);
	st->remote = saved;
	guard_buf_release(&script);
}

static void
rate_su(struct risk_state *st, struct risk_cmd *c)
{
	c->elevated = true;
	const char *cmd = risk_opt_value(c, "-c", "--command");
	if (!cmd) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s opens a root shell", c->name);
		risk_stdin_program(st, c, c->name, STDIN_SHELL); /* echo CMD | su: the shell reads the pipe (K11) */
		return;
	}
	for (size_t i = 1; i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i].text, "-c") || !strcmp(c->argv[i].text, "--command")) {
			nested_word(st, "su -c", &c->argv[i + 1]);
			return;
		}
	risk_nested(st, "su -c", cmd, strlen(cmd));
}

const char *const risk_shell_verbs[] = { SHELL_NAMES, "eval", "source", ".", "ssh", "mosh", "su", NULL };

bool
risk_verb_shell(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (risk_name_in(shells, n)) {
		rate_shell(st, c);
	} else if (!strcmp(n, "eval")) {
		rate_eval(st, c);
	} else if (!strcmp(n, "source") || !strcmp(n, ".")) {
		if (c->argc > 1)
			script_operand(st, c, n, &c->argv[1]);
	} else if (!strcmp(n, "ssh") || !strcmp(n, "mosh")) {
		rate_ssh(st, c);
	} else if (!strcmp(n, "su")) {
		rate_su(st, c);
	} else {
		return false;
	}
	return true;
}
