/*
 * One part: its redirections, the wrappers in front of the real verb
 * (sudo, env, nohup, timeout, xargs, ...), the policy's command entries,
 * then the verb modules; what none of them knows is rated by a table of
 * everyday commands or as an unknown program.
 */
#include <stdint.h>
#include <ctype.h>
#include <fnmatch.h>
#include <threads.h>

#include "guard_buf.h"
#include "guard_glob.h"
#include "guard_path.h"
#include "guard_risk_int.h"

bool
risk_word_is(const struct guard_shell_word *w, const char *s)
{
	return !strcmp(w->text, s);
}

/*
 * A name list as a hash set, made on first use per thread: the lists are
 * static arrays (their address is their identity) and a stream asks ~200
 * times an event, most of it of lists of dozens of names.
 */
#define NAMESET_DIR 128 /* more lists than the analyzer has */

struct nameset {
	const char *const *names;
	size_t mask;              /* slots - 1 */
	const char *slot[];       /* a name, or NULL */
};

/* FNV-1a of a name (the name sets here, the verb table below) */
static unsigned
name_hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const struct nameset *
nameset_of(const char *const *names)
{
	static _Thread_local struct nameset **dir; /* NAMESET_DIR entries, made on first use (guard_thread_calloc) */
	size_t n = 0, slots = 16;

	if (!dir)
		dir = guard_thread_calloc(NAMESET_DIR * sizeof(*dir));
	size_t k = ((uintptr_t)names >> 3) & (NAMESET_DIR - 1);
	for (size_t probe = 0; probe < NAMESET_DIR; probe++, k = (k + 1) & (NAMESET_DIR - 1)) {
		if (dir[k] && dir[k]->names == names)
			return dir[k];
		if (dir[k])
			continue;
		while (names[n])
			n++;
		while (slots < 2 * n)
			slots *= 2;
		struct nameset *set = guard_thread_calloc(sizeof(*set) + slots * sizeof(set->slot[0]));
		set->names = names;
		set->mask = slots - 1;
		for (size_t i = 0; i < n; i++)
			for (size_t h = name_hash(names[i]);; h++)
				if (!set->slot[h & set->mask] || !strcmp(set->slot[h & set->mask], names[i])) {
					set->slot[h & set->mask] = names[i];
					break;
				}
		return dir[k] = set;
	}
	return NULL; /* the directory is full: searched in order */
}

bool
risk_name_in(const char *const *names, const char *name)
{
	const struct nameset *set = nameset_of(names);

	if (!set) {
		for (size_t i = 0; names[i]; i++)
			if (names[i][0] == name[0] && !strcmp(names[i], name))
				return true;
		return false;
	}
	for (size_t h = name_hash(name);; h++) {
		const char *s = set->slot[h & set->mask];
		if (!s)
			return false;
		if (s[0] == name[0] && !strcmp(s, name))
			return true;
	}
}

bool
risk_text_has_any(const char *text, const char *const *needles)
{
	for (size_t i = 0; needles[i]; i++)
		if (strstr(text, needles[i]))
			return true;
	return false;
}

bool
risk_ieq(const char *a, const char *b)
{
	return !strcasecmp(a, b);
}

const char *
risk_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

bool
risk_arg_has(const struct risk_cmd *c, const char *s)
{
	for (size_t i = 1; i < c->argc; i++)
		if (!strcmp(c->argv[i].text, s))
			return true;
	return false;
}

bool
risk_arg_prefix(const struct risk_cmd *c, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 1; i < c->argc; i++)
		if (!strncmp(c->argv[i].text, prefix, n))
			return true;
	return false;
}

bool
risk_help_asked(const struct risk_cmd *c, const char *shortopt)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "--"))
			return false; /* after --, --help is an operand */
		if (!strcmp(t, "--help") || (shortopt && !strcmp(t, shortopt)))
			return !(c->argv[i].flags & GUARD_WORD_DYNAMIC);
	}
	return false;
}

bool
risk_flag(const struct risk_cmd *c, char letter, const char *longname)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			return false;
		if (longname && a[0] == '-' && a[1] == '-' && !strcmp(a + 2, longname))
			return true;
		/* -S.bTk holds no -T: a letter taking a value ends the cluster (guard_risk_getopt.c) */
		if (letter && risk_cluster_has(risk_optstring(c->name), a, letter))
			return true;
	}
	return false;
}

bool
risk_after_value_option(const struct risk_cmd *c, size_t i, const char *const *switches)
{
	const char *p = i > 1 ? c->argv[i - 1].text : "";

	return p[0] == '-' && p[1] && strcmp(p, "--") && !strchr(p, '=') && !risk_name_in(switches, p);
}

const char *
risk_opt_value(const struct risk_cmd *c, const char *shortopt, const char *longopt)
{
	size_t ll = longopt ? strlen(longopt) : 0;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			return NULL;
		if (shortopt && !strcmp(a, shortopt))
			return i + 1 < c->argc ? c->argv[i + 1].text : NULL;
		if (shortopt && strlen(shortopt) == 2 && shortopt[1] != '-') {
			/* -t.ai, -rt.ai, -rt DIR, -xvf- -C.ai: read as getopt does (guard_risk_getopt.c) */
			bool next;
			const char *v = risk_cluster_value(risk_optstring(c->name), a, shortopt[1], &next);
			if (v)
				return v;
			if (next)
				return i + 1 < c->argc ? c->argv[i + 1].text : NULL;
		}
		if (longopt && !strncmp(a, longopt, ll)) {
			if (a[ll] == '=')
				return a + ll + 1;
			if (!a[ll])
				return i + 1 < c->argc ? c->argv[i + 1].text : NULL;
		}
	}
	return NULL;
}

/*
 * risk_opt_value as a word: a value given as the next word keeps that
 * word's flags (the shell expands "-C ~" and "-d ~/x": the home folder),
 * one glued to its option ("-C~", "--directory=~") is no word of its own
 * and its "~" stays a name (bash expands neither). False: no such option.
 */
bool
risk_opt_word(const struct risk_cmd *c, const char *shortopt, const char *longopt, struct guard_shell_word *out)
{
	const char *v = risk_opt_value(c, shortopt, longopt);

	if (!v)
		return false;
	for (size_t i = 1; i < c->argc; i++)
		if (c->argv[i].text == v) {
			*out = c->argv[i];
			return true;
		}
	/* glued: inside the option's word; its expansions are the option word's */
	out->text = (char *)v;
	out->bare = NULL;
	out->flags = 0;
	for (size_t i = 1; i < c->argc; i++)
		if (v > c->argv[i].text && v <= c->argv[i].text + strlen(c->argv[i].text))
			out->flags = c->argv[i].flags & ~GUARD_WORD_TILDE;
	return true;
}

/* Is opt (e.g. "-t" or "--target") in the space-separated list? */
static bool
in_list(const char *list, const char *opt, size_t n)
{
	if (!list)
		return false;
	for (const char *p = list; (p = strstr(p, opt)) != NULL; p += n) {
		bool start = p == list || p[-1] == ' ';
		bool end = p[n] == ' ' || !p[n];
		if (start && end && (size_t)(strlen(opt)) >= n)
			return true;
	}
	return false;
}

static bool
option_takes_value(const char *optstr, const char *with_arg, const char *a)
{
	if (a[1] == '-') {
		if (strchr(a, '='))
			return false;
		return in_list(with_arg, a, strlen(a));
	}
	/* "-abc" as getopt reads it: the first letter taking a value takes the rest, or the next word */
	for (const char *p = a + 1; *p; p++) {
		char one[3] = { '-', *p, '\0' };
		if (optstr && risk_opt_kind(optstr, *p) == 2)
			return false; /* sed -i.yml: the rest is -i's own value, not -l's (attack11 L5) */
		if (in_list(with_arg, one, 2))
			return !p[1];
	}
	return false;
}

size_t
risk_operands(const struct risk_cmd *c, size_t from, const char *with_arg,
	      const struct guard_shell_word **out, size_t max)
{
	size_t n = 0;
	bool opts = true;
	const char *optstr = risk_optstring(c->name);

	for (size_t i = from; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (opts && !strcmp(a, "--")) {
			opts = false;
			continue;
		}
		if (opts && a[0] == '-' && a[1]) {
			if (option_takes_value(optstr, with_arg, a))
				i++;
			continue;
		}
		if (n < max)
			out[n] = &c->argv[i];
		n++;
	}
	return n < max ? n : max;
}

size_t
risk_operands_all(struct risk_state *st, const struct risk_cmd *c, size_t from, const char *with_arg,
		  const struct guard_shell_word ***out)
{
	const struct guard_shell_word **ops = guard_xcalloc(c->argc + 1, sizeof(*ops));

	guard_list_take(st->held, (char *)ops);
	*out = ops;
	return risk_operands(c, from, with_arg, ops, c->argc + 1);
}

/* ---- redirections -------------------------------------------------- */

static void
rate_redirs(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		const char *t = r->target.text;
		/* > >(tee log), < <(list): a pipe to or from commands rated as parts */
		if ((r->target.flags & GUARD_WORD_SUBST) && (t[0] == '<' || t[0] == '>') && t[1] == '(')
			continue;
		switch (r->op) {
		case GUARD_REDIR_OUT: case GUARD_REDIR_OUT_ALL:
			if (r->dup_word && risk_fd_file(c->sh, cmd, i)) {
				/* >&$fd after {fd}>FILE: FILE was judged where it was opened */
				risk_explain(st, "    >&%s writes into %s, opened earlier", t, risk_fd_file(c->sh, cmd, i));
				break;
			}
			risk_path(st, cmd->argc ? "redirect >" : "truncate >", &r->target, PATH_TRUNCATE);
			break;
		case GUARD_REDIR_APPEND: case GUARD_REDIR_RW:
			risk_path(st, "redirect >>", &r->target, PATH_WRITE);
			break;
		case GUARD_REDIR_IN:
			risk_path(st, "redirect <", &r->target, PATH_READ);
			break;
		default:
			break;
		}
	}
}

/* ---- wrappers ------------------------------------------------------ */

struct wrapper {
	const char *name;
	const char *with_arg;  /* options taking a value */
	unsigned positional;   /* words to skip after the options (timeout's duration) */
	unsigned flags;
};

#define W_ELEVATE 0x01
#define W_XARGS 0x02
#define W_ASSIGN 0x04     /* NAME=value words may follow (env) */
#define W_ALONE_SHELL 0x08 /* with no command: an interactive (root) shell */
#define W_LEAD 0x10        /* one operand before the options (setarch ARCH -R CMD) */
#define W_SHELL_TEXT 0x20  /* the rest is shell text (sg GROUP [-c] 'CMD') */
#define W_BARE_SHELL 0x40  /* with no command: a shell that reads stdin (echo CMD | sg root, K11) */
#define W_CAPSH 0x80       /* capsh: -- / -+ hand the rest to a shell, == / =+ to capsh again (K19) */

/* bwrap's options taking one value, and two (--bind SRC DEST) */
#define BWRAP_ONE "--args --argv0 --chdir --uid --gid --hostname --dir --tmpfs --proc --dev --mqueue --remount-ro " \
	"--seccomp --add-seccomp-fd --info-fd --block-fd --userns-block-fd --sync-fd --json-status-fd --lock-file " \
	"--cap-add --cap-drop --perms --size --exec-label --file-label --userns --userns2 --pidns --unsetenv " \
	"--overlay-src --tmp-overlay --ro-overlay"
#define BWRAP_TWO "--bind --ro-bind --dev-bind --bind-try --ro-bind-try --dev-bind-try --symlink --setenv --file " \
	"--bind-data --ro-bind-data --chmod --bind-fd --ro-bind-fd"

static const struct wrapper wrappers[] = {
	{ "sudo", "-u -g -h -p -C -D -r -t -T -U --user --group --host --prompt --close-from --chdir --role --type --command-timeout --other-user", 0, W_ELEVATE | W_ASSIGN | W_ALONE_SHELL | W_BARE_SHELL },
	{ "doas", "-u -C", 0, W_ELEVATE | W_ALONE_SHELL | W_BARE_SHELL },
	{ "run0", "-u --user", 0, W_ELEVATE | W_ALONE_SHELL | W_BARE_SHELL },
	{ "env", "-u -C -S -P --unset --chdir --split-string", 0, W_ASSIGN },
	{ "command", NULL, 0, 0 },
	{ "builtin", NULL, 0, 0 },
	{ "exec", "-a", 0, 0 },
	{ "nohup", NULL, 0, 0 },
	{ "time", "-f -o --format --output", 0, 0 },
	{ "nice", "-n --adjustment", 0, 0 },
	{ "ionice", "-c -n --class --classdata", 0, 0 },
	{ "timeout", "-s -k --signal --kill-after", 1, 0 },
	{ "stdbuf", "-i -o -e --input --output --error", 0, 0 },
	{ "chroot", "--userspec --groups", 1, W_ELEVATE | W_BARE_SHELL },
	{ "xargs", "-I -J -L -n -P -d -E -s -a --arg-file --delimiter --max-args --max-procs --max-chars --process-slot-var", 0, W_XARGS },
	{ "setsid", NULL, 0, 0 },
	{ "unbuffer", NULL, 0, 0 },
	{ "caffeinate", "-t -w", 0, 0 },
	{ "proxychains", "-f", 0, 0 },
	{ "proxychains4", "-f", 0, 0 },
	{ "torsocks", NULL, 0, 0 },
	{ "strace", "-o -e -p -s -u -E -I -S -X -P -a -b", 0, 0 },
	{ "ltrace", "-o -e -p -s -u -n -a", 0, 0 },
	{ "valgrind", NULL, 0, 0 },
	{ "fakeroot", NULL, 0, W_BARE_SHELL },
	{ "catchsegv", NULL, 0, 0 },
	{ "npx", "-p --package -c --call", 0, 0 },
	{ "bunx", "-p --package", 0, 0 },
	{ "pnpx", NULL, 0, 0 },
	{ "dotenv", "-e -v -c", 0, 0 },
	{ "noglob", NULL, 0, 0 },
	{ "nocorrect", NULL, 0, 0 },
	{ "xvfb-run", "-n -s -f -e --server-num --server-args --auth-file --error-file", 0, 0 },
	{ "dbus-run-session", NULL, 0, 0 },
	{ "firejail", NULL, 0, W_BARE_SHELL },
	{ "flock", "-w -E --timeout --conflict-exit-code", 1, 0 },
	{ "runuser", "-u -g -G --user --group -s --shell -w --whitelist-environment", 0, W_ELEVATE | W_BARE_SHELL },
	{ "chronic", NULL, 0, 0 },
	{ "pkexec", "--user", 0, W_ELEVATE | W_ALONE_SHELL | W_BARE_SHELL },
	{ "watch", "-n -d -g -q --interval --differences --chgexit", 0, 0 },
	/* schedulers and namespaces: the command after the mask, priority or options runs as itself */
	{ "taskset", NULL, 1, 0 },
	{ "chrt", "-T -P -D --sched-runtime --sched-period --sched-deadline", 1, 0 },
	{ "prlimit", "-p --pid -o --output", 0, 0 },
	{ "numactl", "-C -N -m -p -i -P --cpunodebind --physcpubind --membind --preferred --interleave --localalloc", 0, 0 },
	{ "unshare", "-S -G -R -w --setuid --setgid --root --wd --propagation --setgroups --map-user --map-group --map-users --map-groups", 0, W_BARE_SHELL },
	{ "dbus-launch", NULL, 0, 0 },
	/* attack9 J6: more programs that exec their arguments, with their options' arity */
	{ "setarch", NULL, 0, W_LEAD | W_BARE_SHELL }, /* its options are flags; its aliases take no ARCH */
	{ "i386", NULL, 0, W_BARE_SHELL },
	{ "x86_64", NULL, 0, W_BARE_SHELL },
	{ "linux32", NULL, 0, W_BARE_SHELL },
	{ "linux64", NULL, 0, W_BARE_SHELL },
	{ "uname26", NULL, 0, W_BARE_SHELL },
	{ "setpriv", "--reuid --regid --groups --inh-caps --ambient-caps --bounding-set --securebits --selinux-label "
		     "--apparmor-profile --landlock-access --landlock-rule --pdeathsig --ptracer --seccomp-filter", 0, 0 },
	{ "nsenter", "-t --target -S --setuid -G --setgid -W --wdns", 0, W_ELEVATE | W_BARE_SHELL },
	{ "sg", NULL, 1, W_SHELL_TEXT | W_BARE_SHELL },
	{ "newgrp", NULL, 1, W_SHELL_TEXT | W_BARE_SHELL }, /* newgrp [-] [GROUP]: always a shell */
	/* capsh's options are --name[=value] words; what runs follows --, -+, == or =+ */
	{ "capsh", NULL, 0, W_CAPSH },
	{ "ssh-agent", "-a -E -O -P -t", 0, 0 },
	{ "gpg-agent", "--homedir --options --log-file --debug-level --debug --pinentry-program --scdaemon-program "
		       "--default-cache-ttl --max-cache-ttl --default-cache-ttl-ssh --max-cache-ttl-ssh "
		       "--min-passphrase-len --min-passphrase-nonalpha --check-passphrase-pattern --max-passphrase-days "
		       "--ssh-fingerprint-digest --extra-socket --browser-socket --pinentry-timeout --s2k-count "
		       "--s2k-calibration --listen-backlog --ttyname --display --lc-ctype --lc-messages --xauthority "
		       "--ttytype", 0, 0 },
	{ "systemd-inhibit", "--what --who --why --mode", 0, 0 },
	{ "faketime", "-p --date-prog", 1, 0 },
	{ "chpst", "-u -U -b -e -/ -n -l -L -m -d -o -p -f -c -t", 0, 0 },
	{ "eatmydata", NULL, 0, 0 },
	{ "nocache", "-n", 0, 0 },
	{ "trickle", "-d -u -w -t -l -n", 0, 0 },
	{ "cpulimit", "-l --limit -p --pid -e --exe -P --path -s --signal -c --cpu", 0, 0 },
	{ "uvx", "--from --with --with-editable --with-requirements -p --python --index --default-index --index-url -i "
		 "--extra-index-url -f --find-links --upgrade-package -P --reinstall-package --index-strategy "
		 "--keyring-provider --resolution --prerelease --exclude-newer -C --config-setting --link-mode "
		 "--cache-dir --python-preference --directory --project --config-file --color --allow-insecure-host "
		 "--env-file", 0, 0 },
	{ "flatpak-spawn", NULL, 0, 0 },
	{ "bwrap", BWRAP_ONE, 0, 0 },
	{ NULL, NULL, 0, 0 },
};


static const struct wrapper *find_wrapper(const char *name); /* in the verb index below */

void
risk_set_name(struct risk_cmd *c)
{
	c->name[0] = '\0';
	if (!c->argc || (c->argv[0].flags & GUARD_WORD_DYNAMIC))
		return;
	const char *base = risk_basename(c->argv[0].text);
	size_t n = strlen(base);
	if (n >= sizeof(c->name))
		n = sizeof(c->name) - 1; /* cut like snprintf */
	memcpy(c->name, base, n);
	c->name[n] = '\0';
}

/* Words of a command string given to watch / flock -c / env -S: a nested shell. */
static void
nested_string(struct risk_state *st, struct risk_cmd *c, size_t at, const char *what)
{
	struct guard_buf script = GUARD_BUF_INIT;

	for (size_t i = at; i < c->argc; i++) {
		if (c->argv[i].flags & GUARD_WORD_DYNAMIC) {
			guard_buf_release(&script);
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed command: %s", what,
				  c->argv[i].text);
			return;
		}
		guard_buf_addf(&script, "%s%s", i > at ? " " : "", c->argv[i].text);
	}
	risk_nested(st, what, script.buf, script.len);
	guard_buf_release(&script);
}

/* xargs -d C: C, or one of the escapes xargs reads (\n, \t, \0, \\, \xHH, \NNN). */
static void
xargs_delimiter(struct risk_cmd *c, const char *v)
{
	if (!v)
		return;
	c->xargs_split = true;
	c->xargs_delim = v[0];
	if (v[0] != '\\' || !v[1])
		return;
	const char *esc = "n\nt\tr\rf\fv\va\ab\b";
	const char *e = strchr(esc, v[1]);
	if (e && (e - esc) % 2 == 0)
		c->xargs_delim = e[1];
	else if (v[1] == 'x' || isdigit((unsigned char)v[1]))
		c->xargs_delim = (char)strtol(v + (v[1] == 'x' ? 2 : 1), NULL, v[1] == 'x' ? 16 : 8);
	else
		c->xargs_delim = v[1];
}

/* xargs -n N / -L N / -l[N]: how many items (or lines) one command gets (M15). */
static void
xargs_count(struct risk_cmd *c, const char *v, bool lines)
{
	long n = v ? strtol(v, NULL, 10) : 1;

	c->xargs_max = n > 0 && n < 100000 ? (unsigned)n : 1;
	c->xargs_lines = lines;
}

/* A short-option cluster of xargs (-0n1, -rI{}, -ta FILE), read as getopt does. */
static void
xargs_short(struct risk_cmd *c, const char *a, const char *next)
{
	const char *opts = risk_optstring("xargs"), *v;
	bool nx;

	if (risk_cluster_has(opts, a, '0'))
		c->xargs_split = true, c->xargs_delim = '\0';
	if ((v = risk_cluster_value(opts, a, 'I', &nx)) || nx)
		c->xargs_repl = v ? v : next;
	if ((v = risk_cluster_value(opts, a, 'J', &nx)) || nx)
		c->xargs_repl = v ? v : next;
	if (risk_cluster_has(opts, a, 'i'))
		c->xargs_repl = (v = risk_cluster_value(opts, a, 'i', &nx)) ? v : "{}";
	if ((v = risk_cluster_value(opts, a, 'a', &nx)) || nx)
		c->xargs_file = true, c->xargs_from = v ? v : next;
	if ((v = risk_cluster_value(opts, a, 'd', &nx)) || nx)
		xargs_delimiter(c, v ? v : next);
	if ((v = risk_cluster_value(opts, a, 'n', &nx)) || nx)
		xargs_count(c, v ? v : next, false);
	if ((v = risk_cluster_value(opts, a, 'L', &nx)) || nx)
		xargs_count(c, v ? v : next, true);
	if (risk_cluster_has(opts, a, 'l'))
		xargs_count(c, risk_cluster_value(opts, a, 'l', &nx), true);
}

/*
 * xargs's options that say where items go (-I R, -i[R], --replace[=R], -J R),
 * come from (-a FILE) and how many a command gets (-n, -L, -l).
 */
static void
xargs_option(struct risk_cmd *c, const char *a, const char *next)
{
	const char *eq = strchr(a, '=');
	const char *v = eq ? eq + 1 : next;

	if (a[0] == '-' && a[1] != '-') {
		xargs_short(c, a, next);
		return;
	}
	if (!strcmp(a, "--replace"))
		c->xargs_repl = "{}";
	else if (!strncmp(a, "--replace=", 10))
		c->xargs_repl = a + 10;
	else if (!strncmp(a, "--arg-file", 10))
		c->xargs_file = true, c->xargs_from = v;
	else if (!strcmp(a, "--null"))
		c->xargs_split = true, c->xargs_delim = '\0';
	else if (!strncmp(a, "--delimiter", 11))
		xargs_delimiter(c, v);
	else if (!strncmp(a, "--max-args", 10))
		xargs_count(c, v, false);
	else if (!strncmp(a, "--max-lines", 11))
		xargs_count(c, eq ? v : NULL, true); /* --max-lines takes an optional attached value */
}

/* xargs ... xargs: the words reaching the inner command were split by the outer xargs's options. */
static void
xargs_keep_outer(struct risk_cmd *c, const struct risk_cmd *outer)
{
	c->xargs_repl = outer->xargs_repl;
	c->xargs_file = outer->xargs_file;
	c->xargs_split = outer->xargs_split;
	c->xargs_delim = outer->xargs_delim;
	c->xargs_from = outer->xargs_from;
	c->xargs_max = outer->xargs_max;
	c->xargs_lines = outer->xargs_lines;
}

/*
 * capsh [--OPT[=V]...] -- ARGS: /bin/bash (or --shell=PATH) runs with ARGS;
 * == ARGS: capsh again. Without either capsh only reports and exits.
 */
static int
strip_capsh(struct risk_state *st, struct risk_cmd *c)
{
	const char *shell = "bash";

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		bool to_shell = !strcmp(a, "--") || !strcmp(a, "-+"), again = !strcmp(a, "==") || !strcmp(a, "=+");
		if (!strncmp(a, "--shell=", 8)) {
			if (c->argv[i].flags & GUARD_WORD_DYNAMIC) {
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "capsh runs a computed shell: %s", a);
				return -1;
			}
			shell = a + 8;
		} else if (!strncmp(a, "--chroot=", 9) || !strncmp(a, "--user=", 7) || !strncmp(a, "--uid=", 6)) {
			c->elevated = true; /* changing root or user: capsh runs as root */
		}
		if (!to_shell && !again)
			continue;
		struct risk_cmd inner = *c;
		inner.argv += i;
		inner.argc -= i;
		risk_explain(st, "    capsh %s: rated as %s with the words after it", a, again ? "capsh" : shell);
		risk_analyse_as(st, &inner, again ? "capsh" : shell);
		return -1;
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ); /* capsh --print, --decode=: reports */
	return -1;
}

/* flock FILE -c CMD: flock reads -c or --command (cut short too) after its FILE. */
static bool
flock_command(const char *a)
{
	size_t n = strlen(a);
	return !strcmp(a, "-c") || (n >= 4 && !strncmp(a, "--command", n));
}

/*
 * env -S TEXT split as env splits it: blanks part words, '..' and ".."
 * quote, \_ is a blank (a space in ".."), \t \n \f \r \v \\ \" \' \$ \#
 * escape, \c ends the text, # at a word's start comments out the rest.
 * False when TEXT holds ${NAME} (a value from the environment).
 */
static bool
env_split_text(const char *t, struct guard_list *out)
{
	struct guard_buf w = GUARD_BUF_INIT;
	bool in_word = false;
	char q = 0;

	for (; *t; t++) {
		if (*t == '$') {
			guard_buf_release(&w);
			return false;
		}
		if (!q && (*t == ' ' || *t == '\t' || *t == '\n' || (t[0] == '\\' && t[1] == '_'))) {
			if (in_word)
				guard_list_add(out, w.buf ? w.buf : "");
			guard_buf_release(&w);
			in_word = false;
			t += *t == '\\';
			continue;
		}
		if (!q && !in_word && *t == '#')
			break;
		in_word = true;
		if (*t == q) {
			q = 0;
		} else if (!q && (*t == '\'' || *t == '"')) {
			q = *t;
		} else if (*t == '\\' && t[1] && (q != '\'' || t[1] == '\\' || t[1] == '\'')) {
			const char *esc = "n\nt\tr\rf\fv\v_ ", *e = strchr(esc, *++t);
			if (*t == 'c')
				break;
			guard_buf_addch(&w, e && (e - esc) % 2 == 0 ? e[1] : *t);
		} else {
			guard_buf_addch(&w, *t);
		}
	}
	if (in_word)
		guard_list_add(out, w.buf ? w.buf : "");
	guard_buf_release(&w);
	return true;
}

/* env -S's words: argv with the option at i replaced by env's flags clustered in front of S and the split text. */
struct env_split {
	struct guard_shell_word *words;
	size_t n;
	char *flags;
	struct guard_list split;
	const char *text; /* the option's text (for a computed one's reason) */
};

static void
env_split_release(struct env_split *es)
{
	free(es->words);
	free(es->flags);
	guard_list_clear(&es->split);
}

/*
 * env's -S at argv[i] (-S, -STEXT, -viS, -iSTEXT, --split-string[=TEXT],
 * cut to --s) split into es: 1; 0 no -S there; -1 a computed text.
 */
static int
env_split_words(const struct guard_shell_word *argv, size_t argc, size_t i, struct env_split *es)
{
	const char *a = argv[i].text, *text, *eq = strchr(a, '=');
	size_t rest = i + 1, len = eq ? (size_t)(eq - a) : strlen(a), lead = 0;

	memset(es, 0, sizeof(*es));
	if (a[0] != '-')
		return 0;
	if (a[1] == '-') {
		if (len < 3 || strncmp(a, "--split-string", len))
			return 0;
		text = eq ? eq + 1 : NULL;
	} else {
		while (a[1 + lead] && strchr("iv0", a[1 + lead]))
			lead++; /* -iS, -vS: env's flags clustered in front */
		if (a[1 + lead] != 'S')
			return 0;
		text = a[2 + lead] ? a + 2 + lead : NULL;
	}
	const struct guard_shell_word *tw = &argv[i];
	if (!text && i + 1 < argc)
		tw = &argv[rest++], text = tw->text;
	if (!text)
		return 0;
	es->text = text;
	if ((tw->flags & GUARD_WORD_DYNAMIC) || !env_split_text(text, &es->split))
		return -1;
	/* env, the words before -S, its clustered flags, the split words, the words after TEXT */
	es->words = guard_xcalloc(argc + es->split.len + 2, sizeof(*es->words));
	es->flags = guard_xasprintf("-%.*s", (int)lead, a + 1);
	memcpy(es->words, argv, i * sizeof(*es->words));
	es->n = i;
	if (lead)
		es->words[es->n++] = (struct guard_shell_word){ es->flags, NULL, 0 };
	/* env leaves ~ as it is; read as the home folder all the same (the safe side, as before) */
	for (size_t k = 0; k < es->split.len; k++)
		es->words[es->n++] = (struct guard_shell_word){ es->split.items[k], NULL,
								es->split.items[k][0] == '~' ? GUARD_WORD_TILDE : 0 };
	for (size_t k = rest; k < argc; k++)
		es->words[es->n++] = argv[k];
	return 1;
}

/*
 * env -S behind env (or its wrappers) in a part's own words: the split
 * words stand in the part's parse while the part is rated, so the readers
 * of the words in front of the program (GIT_EXTERNAL_DIFF= for git,
 * BASH_ENV=, PSQLRC=, LD_PRELOAD=, PATH= ...) read them as for a plain
 * env A=b (attack12 M25). es holds the words; the caller puts back
 * saved / saved_n and releases es. False: no -S to split.
 */
static bool
env_split_part(struct risk_cmd *c, struct env_split *es, struct guard_shell_word **saved, size_t *saved_n)
{
	struct guard_shell_cmd *sc = (struct guard_shell_cmd *)c->cmd;

	if (c->argv != sc->argv)
		return false;
	for (size_t e = 0; e < sc->argc; e++) {
		if ((sc->argv[e].flags & GUARD_WORD_DYNAMIC) || strcmp(risk_basename(sc->argv[e].text), "env"))
			continue;
		for (size_t i = e + 1; i < sc->argc && sc->argv[i].text[0] == '-' && strcmp(sc->argv[i].text, "--"); i++) {
			int r = env_split_words(sc->argv, sc->argc, i, es);
			if (r < 0)
				env_split_release(es);
			if (r <= 0)
				continue;
			*saved = sc->argv;
			*saved_n = sc->argc;
			sc->argv = es->words;
			sc->argc = es->n;
			c->argv = es->words;
			c->argc = es->n;
			return true;
		}
	}
	return false;
}

/*
 * env's -S in c->argv[i] met while stripping wrappers (an -S the part did
 * not split: inside the split text, or of a command built from other
 * text): its text is split and read as env's arguments again, its options
 * first (env -S "-i -C / rm -rf x", K12). False: no -S there.
 */
static bool
env_split_string(struct risk_state *st, struct risk_cmd *c, size_t i)
{
	struct env_split es;
	int r = env_split_words(c->argv, c->argc, i, &es);

	if (r < 0)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "env -S runs a computed command: %s", es.text);
	if (r > 0) {
		risk_explain(st, "    env -S splits its text into env's arguments");
		struct risk_cmd inner = *c;
		inner.argv = es.words;
		inner.argc = es.n;
		risk_analyse_cmd(st, &inner);
	}
	env_split_release(&es);
	return r != 0;
}

/*
 * A wrapper given no command (w: its entry, c: from it on): what runs then.
 * fed: an xargs came before w, so its input words follow w's options.
 */
static void
wrapper_alone(struct risk_state *st, struct risk_cmd *c, const struct wrapper *w, bool fed)
{
	if (fed) {
		/* xargs nice, xargs xargs, xargs env xargs: the command word and its arguments come from the outer
		 * xargs's input (K10, L2) */
		risk_xargs_input_command(st, c);
		return;
	}
	if (w->flags & W_ALONE_SHELL)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s opens a root shell", w->name);
	else if (!strcmp(w->name, "env"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "env prints the environment (may hold secrets)");
	else if (w->flags & W_XARGS)
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ); /* xargs alone is echo */
	/* echo CMD | sg root, | setarch x86_64, | unshare: the shell started reads the pipe (K11) */
	if (w->flags & W_BARE_SHELL)
		risk_stdin_program(st, c, w->name, STDIN_SHELL);
}

/*
 * The files a wrapper writes itself (attack12 M1), whatever it runs:
 * time -o/--output, strace and ltrace -o (strace's "|CMD" or "!CMD" a
 * command the shell runs), xvfb-run -e/-f, valgrind's --log-file,
 * --xml-file and its tools' --*-out-file; flock's lock FILE is made when
 * missing. Each is rated as a redirection's file is: trace output over
 * .claude/settings.json leaves the agent's hooks unloaded.
 */
static const struct {
	const char *wrapper, *opts;
} wrapper_outputs[] = {
	{ "time", "-o --output" },
	{ "strace", "-o --output" },
	{ "ltrace", "-o --output" },
	{ "xvfb-run", "-e -f --error-file --auth-file" },
	{ NULL, NULL },
};

static void
wrapper_output(struct risk_state *st, const char *wrapper, const struct guard_shell_word *arg, const char *value,
	       enum risk_path_op op)
{
	struct guard_shell_word w = *arg;

	w.text = (char *)value;
	if (!strcmp(wrapper, "strace") && (*value == '|' || *value == '!')) {
		risk_nested(st, "strace -o |CMD", value + 1, strlen(value + 1));
		return;
	}
	if (*value)
		risk_path(st, wrapper, &w, op);
}

static void
wrapper_outputs_of(struct risk_state *st, const struct risk_cmd *c, const struct wrapper *w)
{
	const char *opts = NULL;

	for (size_t k = 0; wrapper_outputs[k].wrapper; k++)
		if (!strcmp(wrapper_outputs[k].wrapper, w->name))
			opts = wrapper_outputs[k].opts;
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		if (!strcmp(a, "--") || a[0] != '-' || !a[1])
			break;
		if (!strcmp(w->name, "valgrind")) {
			/* --log-file=F, --xml-file=F, --callgrind-out-file=F, --massif-out-file=F, ... */
			if (eq && n > 7 && !strncmp(eq - 5, "-file", 5))
				wrapper_output(st, w->name, &c->argv[i], eq + 1, PATH_TRUNCATE);
			continue;
		}
		if (!opts)
			break;
		char name[32], one[3] = { '-', a[1], '\0' };
		snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : 0), a);
		if (a[1] != '-' && a[2] && in_list(opts, one, 2)) /* -o.ai/x: attached */
			wrapper_output(st, w->name, &c->argv[i], a + 2, PATH_TRUNCATE);
		else if (eq && a[1] == '-' && in_list(opts, name, strlen(name)))
			wrapper_output(st, w->name, &c->argv[i], eq + 1, PATH_TRUNCATE);
		else if (in_list(opts, a, strlen(a)) && i + 1 < c->argc)
			wrapper_output(st, w->name, &c->argv[i + 1], c->argv[i + 1].text, PATH_TRUNCATE);
		if (option_takes_value(NULL, w->with_arg, a))
			i++;
	}
}

/* The words a wrapper's option a takes after it (bwrap --bind SRC DEST: 2). */
static size_t
option_values(const struct wrapper *w, const char *a)
{
	if (option_takes_value(NULL, w->with_arg, a))
		return 1;
	return !strcmp(w->name, "bwrap") && in_list(BWRAP_TWO, a, strlen(a)) ? 2 : 0;
}

/* Past env's NAME=value words from i. */
static size_t
past_assignments(const struct guard_shell_word *argv, size_t argc, size_t i)
{
	while (i < argc && strchr(argv[i].text, '=') && argv[i].text[0] != '=' && argv[i].text[0] != '-')
		i++;
	return i;
}

/*
 * Strip one wrapper from the front of c. Returns 1 when stripped, 0 when
 * argv[0] is no wrapper, -1 when the wrapper settled the part itself.
 */
static int
strip_wrapper(struct risk_state *st, struct risk_cmd *c)
{
	const struct wrapper *w = find_wrapper(c->name);
	size_t i = 1;

	if (!w)
		return 0;
	/* xargs xargs: the outer one splits the input; the inner one's options bear on its own (empty) stdin */
	bool fed = c->xargs;
	struct risk_cmd outer = *c;
	if (w->flags & W_CAPSH)
		return strip_capsh(st, c);
	wrapper_outputs_of(st, c, w);
	if (!strcmp(w->name, "command") && (risk_flag(c, 'v', NULL) || risk_flag(c, 'V', NULL))) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return -1;
	}
	if (!strcmp(w->name, "ionice") && risk_flag(c, 'p', NULL))
		return -1;
	/* runuser [-l] USER -c CMD: the command string, wherever it is */
	for (size_t k = 1; !strcmp(w->name, "runuser") && k + 1 < c->argc; k++)
		if (!strcmp(c->argv[k].text, "-c") || !strcmp(c->argv[k].text, "--command")) {
			c->elevated = true;
			nested_string(st, c, k + 1, "runuser -c");
			return -1;
		}
	if ((w->flags & W_LEAD) && i < c->argc && c->argv[i].text[0] != '-')
		i++; /* setarch ARCH */
	for (; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-") && (!strcmp(w->name, "env") || (w->flags & W_SHELL_TEXT)))
			continue; /* env -: an empty environment, like -i; sg -: a login group */
		if (a[0] != '-' || !a[1] || (w->positional && isdigit((unsigned char)a[1])))
			break; /* faketime -1d CMD: the time, not an option */
		if (!strcmp(w->name, "env") && env_split_string(st, c, i))
			return -1;
		if (!strcmp(w->name, "flock") && (!strcmp(a, "-c") || !strcmp(a, "--command"))) {
			for (size_t k = i + 2; k < c->argc; k++) /* flock -c CMD FILE: the lock file after it */
				if (c->argv[k].text[0] != '-') {
					risk_path(st, "flock", &c->argv[k], PATH_WRITE);
					break;
				}
			nested_string(st, c, i + 1, "flock -c");
			return -1;
		}
		if (w->flags & W_XARGS)
			xargs_option(c, a, i + 1 < c->argc ? c->argv[i + 1].text : NULL);
		if (!strcmp(w->name, "npx") && (!strcmp(a, "-c") || !strcmp(a, "--call"))) {
			nested_string(st, c, i + 1, "npx -c");
			return -1;
		}
		if ((!strcmp(w->name, "sudo") || !strcmp(w->name, "doas")) && (!strcmp(a, "-s") || !strcmp(a, "-i")) &&
		    i + 1 >= c->argc) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s opens a root shell", w->name);
			risk_stdin_program(st, c, w->name, STDIN_SHELL); /* echo CMD | sudo -s (K11) */
			return -1;
		}
		i += option_values(w, a);
	}
	if (w->flags & W_ASSIGN)
		i = past_assignments(c->argv, c->argc, i);
	const char *dir = !strcmp(w->name, "env") ? risk_opt_value(c, "-C", "--chdir") : NULL;
	if (dir && i < c->argc) {
		/* env -C DIR CMD: CMD's relative paths start at DIR */
		struct risk_cmd inner = *c;
		inner.argv += i;
		inner.argc -= i;
		risk_in_dir(st, dir, &inner);
		return -1;
	}
	if (!strcmp(w->name, "flock") && i < c->argc)
		risk_path(st, "flock", &c->argv[i], PATH_WRITE); /* the lock file, made when missing */
	for (unsigned k = 0; k < w->positional && i < c->argc; k++)
		i++;
	if (!strcmp(w->name, "flock") && i < c->argc && flock_command(c->argv[i].text)) {
		nested_string(st, c, i + 1, "flock -c"); /* flock FILE -c CMD: sh -c CMD (K9) */
		return -1;
	}
	if ((w->flags & W_SHELL_TEXT) && i < c->argc) {
		/* sg GROUP [-c] 'CMD': sh -c runs the text */
		if (!strcmp(c->argv[i].text, "-c"))
			i++;
		nested_string(st, c, i, w->name);
		return -1;
	}
	if (w->flags & W_ELEVATE)
		c->elevated = true;
	if (w->flags & W_XARGS)
		c->xargs = true;
	if (fed && (w->flags & W_XARGS))
		xargs_keep_outer(c, &outer);
	risk_explain(st, "    wrapper: %s (seen through)", w->name);
	if (i >= c->argc) {
		wrapper_alone(st, c, w, fed);
		return -1;
	}
	if (!strcmp(w->name, "watch")) {
		nested_string(st, c, i, "watch");
		return -1;
	}
	c->argv += i;
	c->argc -= i;
	risk_set_name(c);
	return 1;
}

/* Past one plain wrapper at argv[i] (its options, assignments, operands): the next word, or i when none. */
static size_t
past_wrapper(const struct guard_shell_cmd *cmd, size_t i)
{
	const char *name = risk_basename(cmd->argv[i].text);
	const struct wrapper *w = find_wrapper(name);

	if (!strcmp(name, "busybox") || !strcmp(name, "toybox"))
		return i + 1; /* busybox APPLET ARGS */
	if (!w || (w->flags & (W_XARGS | W_SHELL_TEXT | W_CAPSH)) || !strcmp(w->name, "watch"))
		return i; /* these run their words some other way */
	size_t k = i + 1;
	if ((w->flags & W_LEAD) && k < cmd->argc && cmd->argv[k].text[0] != '-')
		k++;
	for (; k < cmd->argc; k++) {
		const char *a = cmd->argv[k].text;
		if (cmd->argv[k].flags & GUARD_WORD_DYNAMIC)
			return i;
		if (!strcmp(a, "--")) {
			k++;
			break;
		}
		if (a[0] != '-' || !a[1] || (w->positional && isdigit((unsigned char)a[1])))
			break;
		if (!strcmp(w->name, "env") && (a[1] == 'S' || !strncmp(a, "--split-string", 14)))
			return i; /* env -S: the words are in a string */
		if (!strcmp(w->name, "command") && (strchr(a, 'v') || strchr(a, 'V')))
			return i; /* command -v: names, runs nothing */
		k += option_values(w, a);
	}
	if (w->flags & W_ASSIGN)
		k = past_assignments(cmd->argv, cmd->argc, k);
	k += w->positional;
	return k < cmd->argc ? k : i;
}

size_t
risk_wrapped_at(const struct guard_shell_cmd *cmd)
{
	size_t i = 0;

	for (unsigned n = 0; n < 16 && i < cmd->argc && !(cmd->argv[i].flags & GUARD_WORD_DYNAMIC); n++) {
		size_t next = past_wrapper(cmd, i);
		if (next == i)
			break;
		i = next;
	}
	return i;
}

/* ---- policy command entries ------------------------------------------ */

static void
policy_commands(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;

	for (size_t i = 0; cfg && i < cfg->ncommands; i++) {
		const struct guard_command_rating *e = &cfg->commands[i];
		const char *p = e->match;
		size_t k = 0;
		bool ok = p && *p;
		while (ok && *p) {
			char word[256];
			size_t n = strcspn(p, " \t");
			if (n >= sizeof(word) || k >= c->argc) {
				ok = false;
				break;
			}
			memcpy(word, p, n);
			word[n] = '\0';
			const char *arg = k == 0 ? c->name : c->argv[k].text;
			ok = guard_glob_match(word, arg) || (k == 0 && guard_glob_match(word, c->argv[0].text));
			k++;
			p += n;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		if (ok)
			risk_rule(st, e->level, e->cls, "%s", e->reason && *e->reason ? e->reason : e->match);
	}
}

/* ---- everyday commands ------------------------------------------------ */

/*
 * Everyday commands that no verb module claims: readers, pattern readers,
 * harmless commands (with the argument shapes they are looked at for) and
 * development tools, compiled from src/lib/risk/commands.txt.
 */
enum everyday { EV_NONE, EV_READER, EV_PATTERN_READER, EV_HARMLESS, EV_DEVTOOL };
enum shape { SHAPE_ANY, SHAPE_SHELL_FIRST, SHAPE_DC, SHAPE_IP, SHAPE_ENABLE };

struct everyday_entry {
	const char *name;
	enum everyday table;
	enum shape shape;
};

#include "risk_tables.h"

/* ---- the verb index ---------------------------------------------------- */

/*
 * Every name in the tables above and in the verb modules' lists, hashed
 * once: a command's verb is looked up once instead of being compared with
 * each list in turn.
 */

/* The verb modules, in the order they are asked. */
static const struct verb_module {
	bool (*rate)(struct risk_state *st, struct risk_cmd *c);
	const char *const *names;
} verb_modules[] = {
	{ risk_verb_fs, risk_fs_verbs },
	{ risk_verb_git, risk_git_verbs },
	{ risk_verb_shell, risk_shell_verbs },
	{ risk_verb_interp, risk_interp_verbs },
	{ risk_verb_k8s, risk_k8s_verbs },
	{ risk_verb_runners, risk_runners_verbs }, /* before infra: uv run, poetry run, conda run */
	{ risk_verb_storage, risk_storage_verbs }, /* before infra: gcloud storage */
	{ risk_verb_infra, risk_infra_verbs },
	{ risk_verb_sql, risk_sql_verbs },
	{ risk_verb_sys, risk_sys_verbs },
	{ risk_verb_net, risk_net_verbs },
	{ risk_verb_run, risk_run_verbs },
	{ risk_verb_progs, risk_progs_verbs },
	{ risk_verb_editor, risk_editor_verbs },
	{ risk_verb_agent, risk_agent_verbs },
	{ risk_verb_stores, risk_stores_verbs },
};
#define N_VERB_MODULES (sizeof(verb_modules) / sizeof(*verb_modules))

/* 16 bytes: the table is made at every start, and each of its pages is a page fault */
struct verb {
	const char *name;
	uint16_t modules; /* bit i: verb_modules[i] knows the name */
	uint8_t everyday; /* enum everyday */
	uint8_t shape;    /* enum shape */
	bool downloader;
	uint8_t wrapper;  /* index + 1 into wrappers, 0: none */
};
_Static_assert(N_VERB_MODULES <= 16, "struct verb's modules holds one bit a module");

#define VERB_MAX 1024     /* names (about 800 today) */
#define VERB_SLOTS 2048   /* hash slots: a power of two, at most half full */
#define VERB_PREFIX_MAX 8 /* "mkfs*" entries */

static struct verb verbs[VERB_MAX];
static size_t nverbs;
static unsigned short verb_slots[VERB_SLOTS]; /* index into verbs + 1; 0: empty */
static struct {
	const char *text;
	size_t len;
	unsigned modules;
} verb_prefixes[VERB_PREFIX_MAX];
static size_t nverb_prefixes;
static once_flag verb_once = ONCE_FLAG_INIT;


/* The entry for name; with add, created when missing. */
static struct verb *
verb_slot(const char *name, bool add)
{
	for (unsigned h = name_hash(name);; h++) {
		unsigned short k = verb_slots[h & (VERB_SLOTS - 1)];
		if (!k) {
			if (!add)
				return NULL;
			if (nverbs == VERB_MAX)
				abort(); /* the tables outgrew VERB_MAX */
			verbs[nverbs].name = name;
			verb_slots[h & (VERB_SLOTS - 1)] = (unsigned short)++nverbs;
			return &verbs[nverbs - 1];
		}
		if (!strcmp(verbs[k - 1].name, name))
			return &verbs[k - 1];
	}
}

static void
verb_everyday(void)
{
	for (const struct everyday_entry *e = everyday_entries; e->name; e++) {
		struct verb *v = verb_slot(e->name, true);
		v->everyday = (uint8_t)e->table;
		v->shape = (uint8_t)e->shape;
	}
}

static void
verb_index_build(void)
{
	for (size_t m = 0; m < N_VERB_MODULES; m++)
		for (const char *const *n = verb_modules[m].names; *n; n++) {
			size_t len = strlen(*n);
			if (len && (*n)[len - 1] == '*') {
				if (nverb_prefixes == VERB_PREFIX_MAX)
					abort(); /* more prefixes than VERB_PREFIX_MAX */
				verb_prefixes[nverb_prefixes].text = *n;
				verb_prefixes[nverb_prefixes].len = len - 1;
				verb_prefixes[nverb_prefixes++].modules = 1u << m;
				continue;
			}
			verb_slot(*n, true)->modules |= (uint16_t)(1u << m);
		}
	for (size_t i = 0; wrappers[i].name; i++) {
		struct verb *v = verb_slot(wrappers[i].name, true);
		if (i + 1 > UINT8_MAX)
			abort(); /* the wrappers outgrew struct verb's index */
		if (!v->wrapper)
			v->wrapper = (uint8_t)(i + 1);
	}
	for (size_t i = 0; risk_downloaders[i]; i++)
		verb_slot(risk_downloaders[i], true)->downloader = true;
	verb_everyday();
}

/* What the tables know about name, or NULL. */
static const struct verb *
verb_find(const char *name)
{
	call_once(&verb_once, verb_index_build);
	return verb_slot(name, false);
}

/* The modules that know name (its entry v, if any, plus prefix matches). */
static unsigned
verb_modules_of(const struct verb *v, const char *name)
{
	unsigned m = v ? v->modules : 0;

	for (size_t i = 0; i < nverb_prefixes; i++)
		if (name[0] == verb_prefixes[i].text[0] && !strncmp(name, verb_prefixes[i].text, verb_prefixes[i].len))
			m |= verb_prefixes[i].modules;
	return m;
}

bool
risk_verb_known(const char *name)
{
	const struct verb *v = verb_find(name);
	return v || verb_modules_of(v, name);
}

bool
risk_verb_alike(const char *a, const char *b)
{
	const struct verb *va = verb_find(a), *vb = verb_find(b);

	if (va == vb && va)
		return true;
	return verb_modules_of(va, a) == verb_modules_of(vb, b) && (va ? va->everyday : 0) == (vb ? vb->everyday : 0) &&
	       (va ? va->wrapper : 0) == (vb ? vb->wrapper : 0);
}

static const struct wrapper *
find_wrapper(const char *name)
{
	const struct verb *v = verb_find(name);
	return v && v->wrapper ? &wrappers[v->wrapper - 1] : NULL;
}

bool
risk_is_downloader(const char *name)
{
	const struct verb *v = verb_find(name);
	return v && v->downloader;
}

/* No pipe, redirection or substitution on the whole line: what ls prints goes only to the agent. */
static bool
output_stays(const struct risk_state *st, const struct risk_cmd *c)
{
	if (st->nest)
		return false;
	for (size_t i = 0; i < c->sh->ncmds; i++) {
		const struct guard_shell_cmd *k = &c->sh->cmds[i];
		if (k->piped_out || k->substituted || k->nredirs || k->depth || k->compound_from)
			return false;
	}
	return true;
}

/*
 * ls and stat show a project file's name and metadata, never its bytes:
 * `ls -la .env` or `stat .env` reads no secret (cat .env still does).
 * Outside the project the operand is rated as before (an access there),
 * and so is a listing whose output goes on (ls .env | xargs cat,
 * cat $(ls .env), ls .env > f): there the name picks what is read.
 */
static bool
secret_name_only(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w)
{
	if ((strcmp(c->name, "ls") && strcmp(c->name, "stat")) || (w->flags & GUARD_WORD_DYNAMIC) ||
	    strpbrk(w->text, "*?[") || st->cwd_unknown || st->remote || !output_stays(st, c))
		return false;
	char *abs = guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	char *display = guard_path_display(st->ctx->project, abs);
	bool name_only = display[0] != '/' && display[0] != '~' && risk_is_sensitive(st, display, abs);
	if (name_only)
		risk_explain(st, "    %s shows only the name and metadata of %s", c->name, display);
	free(display);
	free(abs);
	return name_only;
}

/* Files read by a reader: its operands (after the pattern, for some). */
static void
rate_reader(struct risk_state *st, const struct risk_cmd *c, bool pattern_first)
{
	const struct guard_shell_word **ops;
	const char *with_arg = pattern_first
		? "-A -B -C -m -e -f -t -g -T -F -v --max-count --context --after-context --before-context "
		  "--regexp --file --glob --type --type-not --max-depth --arg --argjson --slurpfile --rawfile "
		  "--indent --field-separator -M --max-columns -j --threads"
		: !strcmp(c->name, "cut")
		? "-f -b -c -d --fields --bytes --characters --delimiter --output-delimiter"
		: "-n -c -k -t -o -T -S -w -W -I -L -P --lines --bytes --key --field-separator --output "
		  "--width -s --separator";
	size_t n = risk_operands_all(st, c, 1, with_arg, &ops);
	bool explicit_pattern = risk_opt_value(c, "-e", "--regexp") || risk_opt_value(c, "-f", "--file");
	size_t first = pattern_first && !explicit_pattern ? 1 : 0;

	/* awk -f prog / jq --arg: the pattern is not an operand then */
	if (pattern_first && (!strcmp(c->name, "awk") || !strcmp(c->name, "gawk")) && risk_opt_value(c, "-f", NULL))
		first = 0;
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	for (size_t i = first; i < n; i++)
		if (strcmp(ops[i]->text, "-") && !secret_name_only(st, c, ops[i]))
			risk_path(st, c->name, ops[i], PATH_READ);
	/* grep -r ~, rg --hidden ~, find ~ ... -exec cat {}: every file below, keys among them */
	bool hidden_too = strcmp(c->name, "rg") && strcmp(c->name, "ag") ? true
			  : risk_flag(c, 'u', "hidden") || risk_arg_has(c, "-uu") || risk_arg_has(c, "-uuu") ||
				    risk_arg_has(c, "-.") || risk_arg_has(c, "--no-ignore-dot");
	/* -r is grep's recursion only: jq -r is --raw-output, sort -r reverses */
	bool grep = !strcmp(c->name, "grep") || !strcmp(c->name, "egrep") || !strcmp(c->name, "fgrep") ||
		    !strcmp(c->name, "zgrep");
	bool tree = pattern_first && (!strcmp(c->name, "rg") || !strcmp(c->name, "ag") || !strcmp(c->name, "ack") ||
				      (grep && (risk_flag(c, 'r', "recursive") || risk_flag(c, 'R', "dereference-recursive"))));
	for (size_t i = first; i < n && (tree || c->find_items); i++) {
		bool found = c->find_items && !strcmp(ops[i]->text, "{}") && c->find_root;
		const char *dir = found ? c->find_root : ops[i]->text;
		if ((!found && !tree) || !hidden_too || (ops[i]->flags & GUARD_WORD_DYNAMIC))
			continue;
		char *abs = guard_path_resolve(st->cwds[0], dir, st->ctx->home);
		char *display = guard_path_display(st->ctx->project, abs);
		/* find ROOT -name X: "ROOT/ **" + "/X", judged by X's name */
		const char *g = found && c->find_filtered && strstr(dir, "/**/")
			? (risk_is_sensitive(st, display, abs) ? dir : NULL)
			: risk_sensitive_below(st, display, abs);
		if (g)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s reads %s %s: credentials or keys among them (%s)",
				  c->name, found ? "the files find picks," : "every file below", dir, g);
		free(display);
		free(abs);
	}
	if (tree) /* a folder holding a secret file (.env in the project, guard's keys folder): H18 */
		risk_tree_reader(st, c, ops + first, n > first ? n - first : 0);
	const char *f = risk_opt_value(c, "-f", "--file");
	struct guard_shell_word fw;
	if (f && pattern_first && risk_opt_word(c, "-f", "--file", &fw))
		risk_path(st, c->name, &fw, PATH_READ);
	/* sort -o FILE, awk > is a redirect; sort -o writes. */
	struct guard_shell_word ow;
	if (!strcmp(c->name, "sort") && risk_opt_word(c, "-o", "--output", &ow))
		risk_path(st, "sort -o", &ow, PATH_TRUNCATE);
}

/*
 * The variables a trap's action can count on (T=$(mktemp -d); trap
 * 'rm -rf "$T"' EXIT): set before the trap, and to one known value
 * wherever the line sets them, so whenever the action runs it sees that
 * value. A name set twice to different values, by eval or read, or only
 * after the trap stays unknown.
 */
static void
trap_vars(const struct risk_cmd *c, struct guard_list *names, struct guard_list *values)
{
	const struct guard_list *kn = &c->sh->known_names, *kv = &c->sh->known_values;

	for (size_t i = 0; i < c->cmd->nknown && i < kn->len; i++) {
		bool one = kv->items[i][0] != '\x01' && !guard_list_has(names, kn->items[i]);
		for (size_t j = 0; one && j < kn->len; j++)
			one = strcmp(kn->items[j], kn->items[i]) || !strcmp(kv->items[j], kv->items[i]);
		if (one) {
			guard_list_add(names, kn->items[i]);
			guard_list_add(values, kv->items[i]);
		}
	}
}

/* trap ACTION SIGNAL...: the action is a command line run later. */
static void
shape_trap(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[2];
	size_t n = risk_operands(c, 1, NULL, ops, 2);

	if (!n || risk_flag(c, 'p', NULL) || risk_flag(c, 'l', NULL) || !strcmp(ops[0]->text, "-"))
		return; /* trap -p, trap - SIG (reset) */
	if (ops[0]->flags & GUARD_WORD_DYNAMIC)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "trap runs a computed command: %s", ops[0]->text);
	else if (n > 1 || ops[0]->text[0]) {
		struct guard_list names = { 0 }, values = { 0 };
		trap_vars(c, &names, &values);
		st->outer_names = &names, st->outer_values = &values;
		risk_nested(st, "trap", ops[0]->text, strlen(ops[0]->text));
		st->outer_names = st->outer_values = NULL;
		guard_list_clear(&names);
		guard_list_clear(&values);
	}
}

/* dc: '!' runs the rest of the line in a shell. */
static void
shape_dc(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *bang = strchr(c->argv[i].text, '!');
		/* "!<", "!=", "!>" are comparisons */
		while (bang && strchr("<=>", bang[1]) && bang[1])
			bang = strchr(bang + 2, '!');
		if (!bang)
			continue;
		size_t len = strcspn(bang + 1, "\n");
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "dc runs a shell command ('!')");
		risk_nested(st, "dc !", bang + 1, len);
	}
}

/* ip: show/list/get read; anything else changes this machine's network; netns exec runs a command. */
static void
shape_ip(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const reads[] = { "show", "list", "ls", "lst", "get", "help", "monitor", NULL };
	const struct guard_shell_word *ops[3];
	size_t n = risk_operands(c, 1, "-n -netns -b -batch -rc -rcvbuf -l -loops -f -family", ops, 3);

	if (risk_arg_has(c, "-b") || risk_arg_has(c, "-batch")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "ip -batch runs commands from a file");
		return;
	}
	if (n >= 2 && !strcmp(ops[0]->text, "netns") && !strcmp(ops[1]->text, "exec")) {
		for (size_t i = 1; i + 1 < c->argc; i++)
			if (&c->argv[i] == ops[1] && i + 2 < c->argc) {
				struct risk_cmd inner = *c;
				inner.argv = c->argv + i + 2;
				inner.argc = c->argc - i - 2;
				inner.elevated = true; /* ip netns exec needs root */
				risk_analyse_cmd(st, &inner);
				return;
			}
		return;
	}
	if (n < 2 || !strcmp(ops[0]->text, "help"))
		return;
	for (size_t i = 0; reads[i]; i++)
		if (!strcmp(ops[1]->text, reads[i]))
			return;
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "ip %s %s changes this machine's network configuration",
		  ops[0]->text, ops[1]->text);
}

static void
harmless_shape(struct risk_state *st, const struct risk_cmd *c, enum shape shape)
{
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	switch (shape) {
	case SHAPE_SHELL_FIRST:
		shape_trap(st, c);
		break;
	case SHAPE_DC:
		shape_dc(st, c);
		break;
	case SHAPE_IP:
		shape_ip(st, c);
		break;
	case SHAPE_ENABLE:
		if (risk_opt_value(c, "-f", NULL))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "enable -f loads a shared object into the shell: %s",
				  risk_opt_value(c, "-f", NULL));
		break;
	case SHAPE_ANY:
		break;
	}
}

/*
 * The first everyday entry a wrapper claims, or NULL: a wrapper is always
 * stripped first, so such an entry is never used. (A verb module may
 * decline a command, so an entry beside a module is its fallback.)
 */
const char *
risk_everyday_dead(void)
{
	call_once(&verb_once, verb_index_build);
	for (const struct everyday_entry *e = everyday_entries; e->name; e++) {
		const struct verb *v = verb_slot(e->name, false);
		if (v && v->wrapper)
			return e->name;
	}
	return NULL;
}

/* c calls a function defined on the line (by its plain name, not ./f). */
static bool
calls_function(const struct risk_cmd *c)
{
	return c->sh && c->argc && !c->cmd->defines_function && !strcmp(c->argv[0].text, c->name) &&
	       guard_list_has(&c->sh->functions, c->name);
}

static void
generic(struct risk_state *st, const struct risk_cmd *c, const struct verb *v)
{
	enum everyday e = v ? (enum everyday)v->everyday : EV_NONE;

	if (e == EV_READER) {
		rate_reader(st, c, false);
		return;
	}
	if (e == EV_PATTERN_READER) {
		rate_reader(st, c, true);
		return;
	}
	if (e == EV_HARMLESS) {
		harmless_shape(st, c, (enum shape)v->shape);
		return;
	}
	for (size_t i = 1; i < c->argc; i++)
		risk_sniff_arg(st, c->name, &c->argv[i]);
	if (e == EV_DEVTOOL) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
		return;
	}
	if (c->argv[0].text[0] == '.' || strchr(c->argv[0].text, '/')) {
		if (!risk_later_run(st, c, &c->argv[0], "run")) {
			risk_file_script(st, c);
			risk_path(st, "run", &c->argv[0], PATH_EXEC);
		}
		return;
	}
	/* A function defined on the line: its body is rated with the call (risk_analyse_cmd). */
	if (c->cmd->defines_function || calls_function(c)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
		return;
	}
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "unknown command: %s", c->name);
	risk_config_unknown(st, c);
}

/* $(echo rm) -rf /: the verb is unknown, so judge the arguments as a delete. */
static void
computed_verb(struct risk_state *st, const struct risk_cmd *c)
{
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "command name is computed at run time: %s",
		  c->argv[0].text);
	for (size_t i = 1; i < c->argc; i++) {
		if (c->argv[i].text[0] == '-')
			continue;
		struct guard_risk scratch;
		struct risk_state quiet = risk_quiet(st, &scratch, true);
		risk_path(&quiet, "computed command", &c->argv[i], PATH_DELETE_TREE);
		if (scratch.level == GUARD_LEVEL_CRITICAL)
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "computed command on a critical path: %s", c->argv[i].text);
		guard_risk_release(&scratch);
	}
}

/*
 * /usr/bin/r[m] -rf ~, /???/?m: the shell globs the command word, so each
 * known program it could name is rated with these arguments.
 */
static bool
glob_verb(struct risk_state *st, struct risk_cmd *c)
{
	const char *pattern = c->name;
	size_t hits = 0;

	if (!(c->argv[0].flags & GUARD_WORD_GLOB) || !strpbrk(pattern, "*?["))
		return false;
	call_once(&verb_once, verb_index_build);
	for (size_t i = 0; i < nverbs && hits <= 8; i++)
		if (!fnmatch(pattern, verbs[i].name, 0))
			hits++;
	if (!hits)
		return false; /* no known program (a script named by a glob): rated by its path */
	hits = 0;
	for (size_t i = 0; i < nverbs && hits <= 8; i++) {
		if (fnmatch(pattern, verbs[i].name, 0) || ++hits > 8)
			continue;
		risk_explain(st, "    the command word %s could be %s", c->argv[0].text, verbs[i].name);
		risk_analyse_as(st, c, verbs[i].name);
	}
	if (hits > 8)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "command name is a glob matching many programs: %s",
			  c->argv[0].text);
	else
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "command name is a glob: %s", c->argv[0].text);
	return true;
}

/*
 * a=ev; b=al; $a$b "...", e=eval; $e, "e""val", $(printf %s e val): a
 * command word that spells a runner only once variables, quotes or a
 * printed text are put together hides what runs. eval, source and . so
 * built are high whatever their text (code that hides its runner is not
 * trusted with a known one); a shell or interpreter so named is medium
 * (PY=python3; $PY -m pytest is everyday), never low.
 */
static void
built_runner(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const evals[] = { "eval", "source", ".", NULL };
	static const char *const runners[] = { "exec", "python", "python2", "python3", "perl", "ruby", "node", "php",
						"lua", "deno", "bun", "env", "xargs", "command", "builtin", NULL };
	const char *how = (c->argv[0].flags & GUARD_WORD_FOLDED) ? "a printed text" :
			  (c->argv[0].flags & GUARD_WORD_VALUE) ? "variables" : "quotes";

	if (!(c->argv[0].flags & (GUARD_WORD_VALUE | GUARD_WORD_FOLDED | GUARD_WORD_QUOTED)))
		return;
	if (risk_name_in(evals, c->name))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "the command word is put together from %s to spell %s: code that hides its runner, rated as "
			  "%s of text guard cannot trust", how, c->name, c->name);
	else if (risk_is_shell(c->name) || risk_name_in(runners, c->name))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
			  "the command word is put together from %s to spell %s, which runs other commands", how, c->name);
}

void
risk_analyse_as(struct risk_state *st, const struct risk_cmd *c, const char *name)
{
	/* every word, however many: a cut here dropped what came after the 64th */
	struct guard_shell_word *words = guard_xcalloc(c->argc ? c->argc : 1, sizeof(*words));

	memcpy(words, c->argv, c->argc * sizeof(*words));
	words[0].text = (char *)name;
	words[0].flags = 0;
	struct risk_cmd as = *c;
	as.argv = words;
	risk_analyse_cmd(st, &as);
	free(words);
}

void
risk_analyse_cmd(struct risk_state *st, struct risk_cmd *c)
{
	int stripped;

	risk_set_name(c);
	if (c->argc && c->argv == c->cmd->argv && risk_alias_expand(st, c))
		return;
	if (risk_split_words(st, c))
		return;
	if (risk_longopt_wrapper(st, c)) /* nice --adj 5 rm: rated as nice --adjustment 5 rm */
		return;
	/* No count limit: each strip drops at least one word, so it ends (J4: 18 x env was medium). */
	while (c->argc && c->name[0]) {
		risk_env_wrapper(st, c); /* env -i / exec -c behind any wrappers (J19) */
		if ((stripped = strip_wrapper(st, c)) < 0)
			return;
		if (!stripped)
			break;
	}
	if (!c->argc)
		return;
	if (!c->name[0]) {
		computed_verb(st, c);
		return;
	}
	if (risk_longopt_expand(st, c)) /* git push --no-verif: rated as --no-verify */
		return;
	if (risk_hashed_run(st, c))
		return;
	risk_shell_forms_cmd(st, c);
	risk_option_runners(st, c);
	risk_proxy_options(st, c); /* --proxy V, wget -e https_proxy=V: the proxy's host is reached */
	built_runner(st, c);
	risk_secret_readers(st, c); /* git diff --no-index, xargs -a, cpio -o, ln of a secret (H18) */
	if (c->xargs && !c->find_items && risk_xargs(st, c))
		return;
	if (!strcmp(c->name, "alias"))
		risk_alias_define(st, c);
	risk_note_download(st, c);
	policy_commands(st, c);
	const struct verb *v = verb_find(c->name);
	unsigned modules = verb_modules_of(v, c->name);
	risk_guard_mentions(st, c);
	risk_written_cmd(st, c);
	if (calls_function(c))
		risk_function_call(st, c); /* ls() { ...; }; ls: the body runs, not ls */
	if (risk_guard_program(st, c, v || modules))
		return;
	risk_git_dashed(st, c); /* git-send-pack, .../git-core/git-remote-ext: rated as git VERB as well */
	if (risk_renamed_program(st, c, v || modules))
		return;
	if (!v && glob_verb(st, c))
		return;
	risk_runs_inside(st, c);
	risk_db_tasks(st, c);
	risk_file_programs(st, c);
	risk_config_writers(st, c);
	for (size_t m = 0; m < N_VERB_MODULES; m++)
		if ((modules & 1u << m) && verb_modules[m].rate(st, c))
			return;
	generic(st, c, v);
}

/*
 * BASH_ENV=FILE / ENV=FILE (in front, or given to env): every bash this
 * command starts runs FILE first. It is rated as a script that runs (one
 * written earlier on the line is followed there).
 */
/*
 * HOME=DIR or ZDOTDIR=DIR in front of a shell (attack13 P1b): zsh runs
 * DIR/.zshenv first, always; a login bash DIR/.bash_profile (or
 * .bash_login, .profile), an interactive one DIR/.bashrc; a login sh
 * DIR/.profile. Those files, when there, are rated as the script they are.
 */
static void
shell_startup_env(struct risk_state *st, const struct guard_shell_cmd *cmd, size_t env)
{
	const char *home = NULL, *zdot = NULL, *shell = NULL;
	bool login = false, inter = false;
	size_t n = cmd->nassigns + (env ? cmd->argc - env : 0);

	for (size_t i = 0; i < n; i++) {
		const struct guard_shell_word *w = i < cmd->nassigns ? &cmd->assigns[i] : &cmd->argv[env + i - cmd->nassigns];
		if (w->flags & GUARD_WORD_DYNAMIC)
			continue;
		if (!strncmp(w->text, "HOME=", 5))
			home = w->text + 5;
		else if (!strncmp(w->text, "ZDOTDIR=", 8))
			zdot = w->text + 8;
	}
	if (!home && !zdot)
		return;
	for (size_t i = 0; i < cmd->argc; i++) {
		const char *t = cmd->argv[i].text;
		if (!shell && risk_is_shell(risk_basename(t)))
			shell = risk_basename(t);
		else if (shell && t[0] == '-' && t[1] != '-' && t[1])
			login |= strchr(t, 'l') != NULL, inter |= strchr(t, 'i') != NULL;
		else if (shell && (!strcmp(t, "--login") || !strcmp(t, "-")))
			login = true;
	}
	if (!shell)
		return;
	const char *files[4] = { NULL };
	const char *dir = home;
	if (!strcmp(shell, "zsh")) {
		dir = zdot ? zdot : home;
		files[0] = ".zshenv";
		files[1] = login ? ".zprofile" : NULL;
		files[2] = inter ? ".zshrc" : NULL;
	} else if (!strcmp(shell, "bash") && home) {
		files[0] = login ? ".bash_profile" : inter ? ".bashrc" : NULL;
		files[1] = login ? ".bash_login" : NULL;
		files[2] = login ? ".profile" : NULL;
	} else if (home && login) {
		files[0] = ".profile";
	}
	for (size_t k = 0; dir && k < 3; k++) {
		if (!files[k])
			continue;
		char *path = guard_xasprintf("%s/%s", dir, files[k]), *what = guard_xasprintf("%s's %s", shell, files[k]);
		if (!st->remote)
			risk_script_text(st, what, path, false);
		free(path);
		free(what);
	}
}

static void
script_env(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	size_t env = 0; /* env's place + 1: first, or behind other wrappers (nice env BASH_ENV=F bash) */
	bool shell = false;

	for (size_t i = 0; i < cmd->argc && !env; i++)
		if (!(cmd->argv[i].flags & GUARD_WORD_DYNAMIC) && !strcmp(risk_basename(cmd->argv[i].text), "env"))
			env = i + 1;
	size_t n = cmd->nassigns + (env ? cmd->argc - env : 0);
	for (size_t i = 0; i < cmd->argc && !shell; i++) /* only a shell reads ENV (ENV=production make is a name) */
		shell = risk_is_shell(risk_basename(cmd->argv[i].text));
	if (shell)
		shell_startup_env(st, cmd, env);

	for (size_t i = 0; i < n; i++) {
		const struct guard_shell_word *w = i < cmd->nassigns ? &cmd->assigns[i] : &cmd->argv[env + i - cmd->nassigns];
		if (!strncmp(w->text, "BASH_FUNC_", 10) && strchr(w->text, '=')) {
			/* BASH_FUNC_NAME%%=() { ...; }: every bash started imports NAME, which then runs in place of
			 * the command of that name (attack13 P1) */
			const char *body = strchr(w->text, '=') + 1;
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%.*s exports a function every bash this starts runs",
				  (int)(strchr(w->text, '=') - w->text), w->text);
			if (!(w->flags & GUARD_WORD_DYNAMIC) && !strncmp(body, "()", 2))
				risk_nested(st, "an exported bash function", body + 2, strlen(body + 2));
			continue;
		}
		size_t off = !strncmp(w->text, "BASH_ENV=", 9) ? 9 : !strncmp(w->text, "ENV=", 4) ? 4 : 0;
		if (!off || !w->text[off] || (off == 4 && !shell))
			continue;
		struct guard_shell_word v = { w->text + off, NULL, w->flags & ~GUARD_WORD_TILDE };
		if (w->text[off] == '~')
			v.flags |= GUARD_WORD_TILDE;
		if (w->flags & GUARD_WORD_DYNAMIC)
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%.*s names a computed script every bash runs first: %s",
				  (int)off - 1, w->text, v.text);
		else if (!risk_later_run(st, NULL, &v, off == 9 ? "BASH_ENV" : "ENV")) {
			if (!st->remote)
				risk_script_text(st, off == 9 ? "BASH_ENV" : "ENV", v.text, true);
			risk_path(st, off == 9 ? "BASH_ENV" : "ENV", &v, PATH_EXEC);
		}
	}
}

/*
 * Commands that make no file guard does not know the text of: readers,
 * harmless commands, shells (what they run is rated part by part), and
 * these. Anything else (python3 -c, tar x, git checkout, an unknown
 * program) may write a script a later part runs (attack9 J11).
 */
static const char *const no_unseen_writes[] = {
	"cd", "pushd", "popd", "chmod", "chown", "chgrp", "mkdir", "rmdir", "rm", "touch", "echo", "printf", "test",
	"[", "[[", "true", "false", ":", "export", "set", "unset", "source", ".", "eval", "exec", "env", "alias",
	"read", "shift", "return", "exit", "wait", "sleep", "local", "declare", "typeset", "readonly", NULL
};

/*
 * Builders: what they make is the project's code built (gcc -o t t.c &&
 * ./t, make && ./build/app), rated as running the project's code is.
 */
static const char *const builders[] = { "make", "gmake", "cmake", "ninja", "meson", "gcc", "cc", "clang", "g++", "c++",
					"clang++", "ld", "go", "cargo", "rustc", "javac", "mvn", "gradle", "gradlew",
					"dotnet", "tsc", "zig", "swiftc", "nvcc", "bazel", "autoreconf", "configure", NULL };

/* Writers whose writes the line follows when they are plain (risk_later_note, risk_note_download). */
static const char *const followed_writers[] = { "cp", "mv", "ln", "link", "install", "tee", "curl", "wget", NULL };

/*
 * python -m venv DIR, virtualenv DIR, uv venv [DIR]: the files it makes
 * (DIR/bin/activate ...) are the interpreter's own templates, so a later
 * `. DIR/bin/activate` runs no text the agent chose. Only with plain
 * words: the folder's name and --prompt are written into the activate
 * script, unquoted by older Pythons (CVE-2024-9287).
 */
static bool
venv_maker(const struct risk_cmd *c)
{
	size_t from;

	if (!strncmp(c->name, "python", 6) && c->argc > 2 && !strcmp(c->argv[1].text, "-m") &&
	    (!strcmp(c->argv[2].text, "venv") || !strcmp(c->argv[2].text, "virtualenv")))
		from = 3;
	else if (!strcmp(c->name, "virtualenv"))
		from = 1;
	else if (!strcmp(c->name, "uv") && c->argc > 1 && !strcmp(c->argv[1].text, "venv"))
		from = 2;
	else
		return false;
	for (size_t i = from; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if ((c->argv[i].flags & GUARD_WORD_DYNAMIC) || t[strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
							  "0123456789._-/=")])
			return false;
	}
	return true;
}

/*
 * After c was rated: may it have written files guard cannot read (a
 * redirect to a computed name too)? followed: c's writes were recorded.
 */
static void
note_unseen_writer(struct risk_state *st, const struct risk_cmd *c, bool followed)
{
	for (size_t i = 0; i < c->cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &c->cmd->redirs[i];
		if ((r->op == GUARD_REDIR_OUT || r->op == GUARD_REDIR_APPEND || r->op == GUARD_REDIR_OUT_ALL) &&
		    (r->target.flags & GUARD_WORD_DYNAMIC)) {
			risk_later_note_writer(st, "a redirect to a computed name");
			return;
		}
	}
	if (!c->argc)
		return;
	const struct verb *v = c->name[0] ? verb_find(c->name) : NULL;
	enum everyday e = v ? (enum everyday)v->everyday : EV_NONE;
	if (e == EV_READER || e == EV_PATTERN_READER || e == EV_HARMLESS || risk_name_in(no_unseen_writes, c->name) ||
	    risk_is_shell(c->name) || risk_name_in(builders, c->name) ||
	    (followed && risk_name_in(followed_writers, c->name)) || venv_maker(c))
		return;
	risk_later_note_writer(st, c->name[0] ? c->name : "a computed command");
}

static void
part_rate(struct risk_state *st, struct risk_cmd *c)
{
	enum guard_level outer = st->part_level;
	size_t outer_later = st->part_later, downloads = st->downloads.len;

	st->part_level = GUARD_LEVEL_LOW;
	st->part_later = st->later.len;
	risk_secret_part(st, c);
	risk_env_part(st, c);
	rate_redirs(st, c);
	risk_set_name(c);
	risk_bind_feeds(st, c);
	risk_written_part(st, c);
	risk_later_note(st, c);
	if (c->cmd->nassigns || c->cmd->argc)
		script_env(st, c); /* env may stand behind other wrappers (nice env BASH_ENV=F bash) */
	risk_shell_forms_part(st, c);
	if (c->argc)
		risk_analyse_cmd(st, c);
	else
		risk_base(st, GUARD_LEVEL_LOW, c->cmd->nredirs ? GUARD_CLASS_WRITE : GUARD_CLASS_READ);
	if (c->elevated && st->part_level < GUARD_LEVEL_HIGH)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "runs as root: %s", c->name[0] ? c->name : "command");
	risk_later_note_links(st, c);
	note_unseen_writer(st, c, st->later.len > st->part_later || st->downloads.len > downloads);
	st->part_later = outer_later;
	if (st->part_level < outer)
		st->part_level = outer;
}

void
risk_part(struct risk_state *st, struct risk_cmd *c)
{
	struct env_split es;
	struct guard_shell_word *saved = NULL;
	size_t saved_n = 0;

	if (!env_split_part(c, &es, &saved, &saved_n)) {
		part_rate(st, c);
		return;
	}
	risk_explain(st, "    env -S splits its text into env's arguments");
	part_rate(st, c);
	((struct guard_shell_cmd *)c->cmd)->argv = saved;
	((struct guard_shell_cmd *)c->cmd)->argc = saved_n;
	env_split_release(&es);
}
