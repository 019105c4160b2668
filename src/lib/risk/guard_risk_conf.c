/*
 * Writers whose files are not on the command line but in a file they
 * read (share/doc/trust.md section 2, "config-driven writers"):
 * systemd-tmpfiles creates, writes, copies, links and removes the paths
 * its configs name; logrotate renames, truncates and deletes the logs its
 * config names and runs its scripts; cmake -E is cp, mv, rm and tar under
 * another name; rsync --files-from copies the files a list names. Each is
 * rated as the shell command it amounts to (the same rules as cp -r,
 * tar -x, rm, printf > FILE), with the config named in the reason. A
 * config guard cannot read now is at least ask; an unknown program given
 * a file that names guard's state is asked.
 */
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

#define CONF_MAX (1u << 20)  /* bytes of one config read */
#define CONF_LINES 512       /* lines of one config rated */
#define CONF_FILES 64        /* configs of one command (a folder, includes) */

/* A word for the shell command: its text single-quoted, a computed word as a variable. */
static void
add_word(struct guard_buf *b, const struct guard_shell_word *w)
{
	guard_buf_addch(b, ' ');
	if (w->flags & GUARD_WORD_DYNAMIC)
		guard_buf_addstr(b, "\"$computed\"");
	else
		risk_add_single_quoted(b, w->text);
}

static void
add_text(struct guard_buf *b, const char *t)
{
	guard_buf_addch(b, ' ');
	risk_add_single_quoted(b, t);
}

/* Rate cmd as what the writer does; when that is high or more, say which config line asked for it. */
static void
rate_as(struct risk_state *st, const char *what, const char *where, const struct guard_buf *cmd)
{
	enum guard_level before = st->out->level;

	const char *outer = st->from_file;

	st->from_file = where; /* the config's words are not quoted as they are */
	risk_explain(st, "    %s: %s", where, cmd->buf);
	risk_nested(st, what, cmd->buf, cmd->len);
	st->from_file = outer;
	if (st->out->level >= GUARD_LEVEL_HIGH && st->out->level > before) {
		/* the reason a person reads first names the config line */
		struct guard_list *l = &st->out->reasons;
		size_t had = l->len;
		risk_rule(st, st->out->level, GUARD_CLASS_WRITE, "%s writes what %s names", what, where);
		if (l->len > had) {
			char *top = l->items[l->len - 1];
			memmove(l->items + 1, l->items, (l->len - 1) * sizeof(*l->items));
			l->items[0] = top;
		}
	}
}

/*
 * The text of config file (as written on c's line): the text written into
 * it earlier on the line, or the file now (owned). NULL when there is
 * nothing to read (the command fails); *unknown when it cannot be read now.
 */
static char *
config_text(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *file, bool *unknown)
{
	char *data = NULL;
	size_t len = 0;

	*unknown = false;
	if (file->flags & GUARD_WORD_DYNAMIC) {
		*unknown = true;
		return NULL;
	}
	const char *earlier = risk_later_text(st, file->text);
	if (earlier)
		return guard_xstrdup(earlier);
	char *src = risk_input_now(st, c, file->text, unknown);
	if (!src)
		return NULL;
	if (risk_secret_source(st, c->name, file->text, src)) {
		free(src);
		return NULL;
	}
	if (risk_memo_read(src, CONF_MAX, &data, &len) < 0) {
		*unknown = guard_error_code() != GUARD_ENOTFOUND;
		guard_error_clear();
		data = NULL;
	}
	free(src);
	return data;
}

static void
config_unknown(struct risk_state *st, const char *verb, const char *file)
{
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
		  "%s applies %s, which guard cannot read now (named by a variable, a FIFO, or written on this line): "
		  "the files it writes are unknown", verb, file);
}

/* ---- systemd-tmpfiles ------------------------------------------------ */

/* One field of a tmpfiles line (C-style quotes allowed) into out; the rest of the line after it. */
static const char *
tmp_field(const char *p, char *out, size_t size)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"' || *p == '\'') {
		const char *end = risk_read_literal(p, out, size);
		return end ? end : p + strlen(p);
	}
	for (; *p && *p != ' ' && *p != '\t'; p++)
		if (n + 1 < size)
			out[n++] = *p;
	out[n] = '\0';
	return p;
}

/* Specifiers tmpfiles resolves: %h, %T, %V, %t, %%; false for any other (guard cannot tell the path). */
static bool
tmp_specifiers(const struct risk_state *st, const char *in, char *out, size_t size)
{
	struct guard_buf b = GUARD_BUF_INIT;
	bool ok = true;

	for (const char *p = in; *p && ok; p++) {
		if (*p != '%') {
			guard_buf_addch(&b, *p);
			continue;
		}
		switch (*++p) {
		case '%': guard_buf_addch(&b, '%'); break;
		case 'h': guard_buf_addstr(&b, st->ctx->home ? st->ctx->home : "~"); break;
		case 'T': guard_buf_addstr(&b, "/tmp"); break;
		case 'V': guard_buf_addstr(&b, "/var/tmp"); break;
		case 't': guard_buf_addf(&b, "/run/user/%u", (unsigned)getuid()); break;
		default: ok = false;
		}
		if (!*p)
			break;
	}
	ok = ok && b.len < size;
	snprintf(out, size, "%s", ok ? b.buf : "");
	guard_buf_release(&b);
	return ok;
}

/* One tmpfiles line as the shell command it amounts to (empty when it writes nothing). */
static void
tmp_line_command(char type, bool recursive_age, const char *path, const char *arg, struct guard_buf *cmd)
{
	char factory[PATH_MAX + 32];

	snprintf(factory, sizeof(factory), "/usr/share/factory%s", path);
	switch (type) {
	case 'f': case 'F': case 'w':
		if (arg[0]) {
			guard_buf_addstr(cmd, "printf %s");
			add_text(cmd, arg);
			guard_buf_addstr(cmd, type == 'w' ? " >>" : " >");
		} else {
			guard_buf_addstr(cmd, type == 'F' ? ": >" : "touch");
		}
		add_text(cmd, path);
		break;
	case 'd': case 'D': case 'v': case 'q': case 'Q': case 'e':
		guard_buf_addstr(cmd, "mkdir -p");
		add_text(cmd, path);
		if (type == 'D' || type == 'e' || recursive_age) {
			/* --remove empties D's folder, an age cleans the folder's contents */
			guard_buf_addstr(cmd, " && rm -rf");
			char below[PATH_MAX + 8];
			snprintf(below, sizeof(below), "%s/", path);
			add_text(cmd, below);
			guard_buf_addstr(cmd, "*");
		}
		break;
	case 'r':
		guard_buf_addstr(cmd, "rm -f");
		add_text(cmd, path);
		break;
	case 'R':
		guard_buf_addstr(cmd, "rm -rf");
		add_text(cmd, path);
		break;
	case 'L':
		guard_buf_addstr(cmd, "ln -sfn");
		add_text(cmd, arg[0] ? arg : factory);
		add_text(cmd, path);
		break;
	case 'C':
		guard_buf_addstr(cmd, "cp -rT");
		add_text(cmd, arg[0] ? arg : factory);
		add_text(cmd, path);
		break;
	case 'p':
		guard_buf_addstr(cmd, "mkfifo");
		add_text(cmd, path);
		break;
	case 'c': case 'b':
		guard_buf_addstr(cmd, "mknod");
		add_text(cmd, path);
		guard_buf_addstr(cmd, " c 1 3");
		break;
	case 'z': case 'm':
		guard_buf_addstr(cmd, "chmod 600");
		add_text(cmd, path);
		break;
	case 'Z':
		guard_buf_addstr(cmd, "chmod -R 600");
		add_text(cmd, path);
		break;
	case 'h': case 'H':
		guard_buf_addstr(cmd, type == 'H' ? "chattr -R +i" : "chattr +i");
		add_text(cmd, path);
		break;
	case 't': case 'T': case 'a': case 'A':
		guard_buf_addstr(cmd, (type == 'T' || type == 'A') ? "setfacl -R -m u::rwx" : "setfacl -m u::rwx");
		add_text(cmd, path);
		break;
	default: /* x, X: exclusions */
		break;
	}
}

static void
tmpfiles_text(struct risk_state *st, const char *conf, const char *text, const char *root)
{
	unsigned lineno = 0;

	for (const char *line = text; line && *line && lineno < CONF_LINES;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char buf[8192], type[32], path[PATH_MAX], field[256], full[PATH_MAX], resolved[PATH_MAX], arg[4096] = "";
		lineno++;
		snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), line);
		line = end ? end + 1 : NULL;
		const char *p = tmp_field(buf, type, sizeof(type));
		if (!type[0] || type[0] == '#')
			continue;
		p = tmp_field(p, path, sizeof(path));
		char age[256] = "";
		for (int f = 0; f < 4; f++) /* mode user group age */
			p = tmp_field(p, f == 3 ? age : field, f == 3 ? sizeof(age) : sizeof(field));
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && strcmp(p, "-"))
			snprintf(arg, sizeof(arg), "%s", p);
		char where[PATH_MAX + 64];
		snprintf(where, sizeof(where), "%s line %u", conf, lineno);
		snprintf(full, sizeof(full), "%s%s", root ? root : "", path);
		if (!tmp_specifiers(st, full, resolved, sizeof(resolved)) ||
		    (arg[0] && !tmp_specifiers(st, arg, arg, sizeof(arg)))) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "systemd-tmpfiles: %s names a path through a specifier guard does not resolve: %s", where, path);
			continue;
		}
		struct guard_buf cmd = GUARD_BUF_INIT;
		tmp_line_command(type[0], age[0] && strcmp(age, "-"), resolved, arg, &cmd);
		if (cmd.len)
			rate_as(st, "systemd-tmpfiles", where, &cmd);
		guard_buf_release(&cmd);
	}
}

/* Every *.conf in dir, read and rated (the folders tmpfiles reads when given no config). */
static void
conf_folder(struct risk_state *st, const char *dir, const char *suffix, unsigned *files,
	    void (*rate)(struct risk_state *, const char *, const char *, const char *), const char *root)
{
	void *d = risk_memo_opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = risk_memo_readdir(d)) && *files < CONF_FILES) {
		size_t n = strlen(e->d_name), sl = strlen(suffix);
		if (e->d_name[0] == '.' || (sl && (n < sl || strcmp(e->d_name + n - sl, suffix))))
			continue;
		char *path = guard_xasprintf("%s/%s", dir, e->d_name);
		char *data = NULL;
		size_t len = 0;
		if (risk_memo_read(path, CONF_MAX, &data, &len) == 0) {
			(*files)++;
			rate(st, path, data, root);
		}
		guard_error_clear();
		free(data);
		free(path);
	}
	risk_memo_closedir(d);
}

/*
 * The value c's program sees for variable name, when set on the line: in
 * front of the command, through env NAME=V, or assigned or exported
 * earlier. NULL when the line does not set it; *computed when it does
 * with a value guard cannot know.
 */
static const char *
env_value(const struct risk_cmd *c, const char *name, bool *computed)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	size_t n = strlen(name);

	uintptr_t at = (uintptr_t)c->argv, from = (uintptr_t)cmd->argv, to = (uintptr_t)(cmd->argv + cmd->argc);
	size_t before = at >= from && at < to ? (size_t)(c->argv - cmd->argv) : cmd->argc; /* wrapper words */

	*computed = false;
	for (size_t i = cmd->nassigns + before; i-- > 0;) {
		const struct guard_shell_word *w = i < cmd->nassigns ? &cmd->assigns[i] : &cmd->argv[i - cmd->nassigns];
		if (!strncmp(w->text, name, n) && w->text[n] == '=') {
			*computed = (w->flags & GUARD_WORD_DYNAMIC) != 0;
			return w->text + n + 1;
		}
	}
	for (size_t i = c->sh ? c->sh->known_names.len : 0; i-- > 0;)
		if (!strcmp(c->sh->known_names.items[i], name)) {
			const char *v = c->sh->known_values.items[i];
			*computed = v[0] == '\x01';
			return *computed ? NULL : v;
		}
	return NULL;
}

/* The file a command reads on stdin (< FILE, literal), or NULL. */
static const struct guard_shell_word *
stdin_redirect(const struct risk_cmd *c)
{
	for (size_t i = 0; i < c->cmd->nredirs; i++)
		if (c->cmd->redirs[i].op == GUARD_REDIR_IN)
			return &c->cmd->redirs[i].target;
	return NULL;
}

/*
 * A config given as "-" or /dev/stdin: the literal text on stdin (a
 * here-string, a printer piped in) or the file redirected in, rated;
 * unknown otherwise. True when the word was such a config.
 */
static bool
config_stdin(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w, const char *verb,
	     void (*rate)(struct risk_state *, const char *, const char *, const char *), const char *root)
{
	if (!risk_word_is(w, "-") && !risk_word_is(w, "/dev/stdin") && !risk_word_is(w, "/dev/fd/0") &&
	    !risk_word_is(w, "/proc/self/fd/0"))
		return false;
	const struct guard_shell_word *from = stdin_redirect(c);
	bool unknown = false;
	char *in = from ? config_text(st, c, from, &unknown) : risk_literal_stdin(c);
	if (in)
		rate(st, from ? from->text : "its input", in, root);
	else if (unknown || !from)
		config_unknown(st, verb, from ? from->text : "its input");
	free(in);
	return true;
}

/*
 * Does a word of c spell the long option opt as getopt_long takes it
 * (whole, or cut to at least min characters: --rem is --remove)? An
 * ambiguous cut is refused by the program; counting it is the safe side.
 */
static bool
tmp_option(const struct risk_cmd *c, const char *opt, size_t min)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		size_t n = strlen(t);
		if (!strcmp(t, "--"))
			break;
		if (!(c->argv[i].flags & GUARD_WORD_DYNAMIC) && n >= min && n <= strlen(opt) && !strncmp(t, opt, n))
			return true;
	}
	return false;
}

/* The mode that makes systemd-tmpfiles write (create, clean, remove, purge), or NULL. */
static const char *
tmp_writing_mode(const struct risk_cmd *c)
{
	static const char *const modes[] = { "--create", "--clean", "--remove", "--purge", NULL };

	for (size_t k = 0; modes[k]; k++)
		if (tmp_option(c, modes[k], 4))
			return modes[k];
	return NULL;
}

/*
 * A folder systemd-tmpfiles reads with no config given: base (a variable's
 * value, or the default below home when the line does not set it) plus
 * sub, under root; read and rated when known.
 */
static void
tmp_folder(struct risk_state *st, const struct risk_cmd *c, const char *var, const char *dflt, const char *sub,
	   const char *root, unsigned *files)
{
	bool computed = false;
	const char *v = var ? env_value(c, var, &computed) : NULL;
	char *home = NULL;

	if (computed)
		return; /* the folder is unknown: the caller's ask stands */
	if (!v && dflt && dflt[0] == '~') {
		bool hc = false;
		const char *h = env_value(c, "HOME", &hc);
		if (hc || !(h = h ? h : st->ctx->home))
			return;
		v = home = guard_xasprintf("%s%s", h, dflt + 1);
	} else if (!v) {
		v = dflt;
	}
	if (!v || !v[0])
		return;
	char *dir = guard_xasprintf("%s%s%s", root ? root : "", v, sub);
	char *abs = guard_path_resolve(st->cwds[0], dir, st->ctx->home);
	risk_explain(st, "    systemd-tmpfiles reads the configs in %s", dir);
	conf_folder(st, abs, ".conf", files, tmpfiles_text, root);
	free(abs);
	free(dir);
	free(home);
}

/*
 * systemd-tmpfiles MODE CONFIG...: each config read and rated. With no
 * config it applies every *.conf of its folders (the user's with --user,
 * which XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR and HOME move; the
 * system's under --root): configs guard does not all see when it rates
 * (written by an earlier call, in a folder the line points elsewhere), so
 * a writing mode is at least ask, and the folders it can name are read.
 */
static void
systemd_tmpfiles(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	const char *root = risk_opt_value(c, NULL, "--root");
	const char *mode = tmp_writing_mode(c);
	unsigned files = 0;

	if (risk_arg_has(c, "--cat-config") || risk_arg_has(c, "--tldr") || risk_flag(c, 'h', "help") ||
	    risk_arg_has(c, "--version"))
		return;
	size_t k = risk_operands_all(st, c, 1, "--root --image --prefix --exclude-prefix --replace -E", &ops);
	if (root && strpbrk(root, "$`"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "systemd-tmpfiles --root is computed: the files it writes are unknown");
	for (size_t i = 0; i < k; i++) {
		bool unknown = false;
		if (config_stdin(st, c, ops[i], "systemd-tmpfiles", tmpfiles_text, root))
			continue;
		char *text = config_text(st, c, ops[i], &unknown);
		if (unknown)
			config_unknown(st, "systemd-tmpfiles", ops[i]->text);
		else if (text)
			tmpfiles_text(st, ops[i]->text, text, root);
		free(text);
	}
	/* --replace=PATH: the configs given stand in for one of the folders', which are all read */
	if (!mode || (k && !risk_opt_value(c, NULL, "--replace")))
		return; /* no mode: it refuses to run */
	bool user = tmp_option(c, "--user", 3);
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
		  "systemd-tmpfiles %s%s with no config file applies every config in %s: guard does not see them all "
		  "when it rates (one written by an earlier call, a folder the line moves)", user ? "--user " : "", mode,
		  user ? "the user's tmpfiles folders (~/.config/user-tmpfiles.d, $XDG_CONFIG_HOME, ...)"
		       : "the system's tmpfiles folders (/etc/tmpfiles.d, /run/tmpfiles.d, /usr/lib/tmpfiles.d)");
	if (user) {
		tmp_folder(st, c, "XDG_CONFIG_HOME", "~/.config", "/user-tmpfiles.d", root, &files);
		tmp_folder(st, c, "XDG_RUNTIME_DIR", NULL, "/user-tmpfiles.d", root, &files);
		tmp_folder(st, c, "XDG_DATA_HOME", "~/.local/share", "/user-tmpfiles.d", root, &files);
	} else {
		/* the system's own /usr/lib configs are the vendor's; under a --root the agent's */
		static const char *const dirs[] = { "/etc/tmpfiles.d", "/run/tmpfiles.d", "/usr/local/lib/tmpfiles.d",
						    "/usr/lib/tmpfiles.d", NULL };
		for (size_t i = 0; dirs[i] && (root || i < 2); i++)
			tmp_folder(st, c, NULL, dirs[i], "", root, &files);
	}
}

/* ---- logrotate --------------------------------------------------------- */

static void logrotate_text(struct risk_state *st, const char *conf, const char *text, const char *unused);

static _Thread_local unsigned logrotate_depth; /* include nesting (one analysis per thread at a time) */

static void
logrotate_include(struct risk_state *st, const char *conf, const char *what)
{
	struct stat sb;
	unsigned files = 0;
	char *data = NULL;
	size_t len = 0;

	if (logrotate_depth >= 3 || stat(what, &sb) < 0)
		return;
	logrotate_depth++;
	if (S_ISDIR(sb.st_mode)) {
		conf_folder(st, what, "", &files, logrotate_text, NULL);
	} else if (risk_memo_read(what, CONF_MAX, &data, &len) == 0) {
		logrotate_text(st, what, data, NULL);
	} else {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "logrotate: %s includes %s, which guard cannot read",
			  conf, what);
	}
	guard_error_clear();
	free(data);
	logrotate_depth--;
}

/*
 * A logrotate config: the logs before each "{" are renamed, truncated or
 * removed (rated as rm of each), olddir receives them, and the scripts
 * (postrotate ... endscript) run in a shell.
 */
static void
logrotate_text(struct risk_state *st, const char *conf, const char *text, const char *unused)
{
	unsigned lineno = 0, script_line = 0;
	bool in_script = false;
	struct guard_buf script = GUARD_BUF_INIT;

	(void)unused;
	for (const char *line = text; line && *line && lineno < CONF_LINES;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char buf[8192], word[PATH_MAX], where[PATH_MAX + 64];
		lineno++;
		snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), line);
		line = end ? end + 1 : NULL;
		const char *p = tmp_field(buf, word, sizeof(word));
		snprintf(where, sizeof(where), "%s line %u", conf, lineno);
		if (in_script) {
			if (!strcmp(word, "endscript")) {
				snprintf(where, sizeof(where), "%s line %u", conf, script_line);
				rate_as(st, "logrotate script", where, &script);
				script.len = 0;
				if (script.buf)
					script.buf[0] = '\0';
				in_script = false;
			} else {
				guard_buf_addstr(&script, buf);
				guard_buf_addch(&script, '\n');
			}
			continue;
		}
		if (!word[0] || word[0] == '#' || !strcmp(word, "{") || !strcmp(word, "}"))
			continue;
		if (!strcmp(word, "postrotate") || !strcmp(word, "prerotate") || !strcmp(word, "firstaction") ||
		    !strcmp(word, "lastaction") || !strcmp(word, "preremove")) {
			in_script = true;
			script_line = lineno;
			continue;
		}
		struct guard_buf cmd = GUARD_BUF_INIT;
		if (!strcmp(word, "include")) {
			tmp_field(p, word, sizeof(word));
			if (word[0])
				logrotate_include(st, conf, word);
		} else if (!strcmp(word, "olddir")) {
			tmp_field(p, word, sizeof(word));
			char *into = guard_xasprintf("%s/rotated.1", word);
			guard_buf_addstr(&cmd, "touch");
			add_text(&cmd, into);
			free(into);
		} else if (strchr("/~\"'*.$", word[0])) {
			/* the logs this block rotates: each may be renamed, truncated or removed */
			for (const char *q = buf; word[0] && strcmp(word, "{");) {
				q = tmp_field(q, word, sizeof(word));
				if (!word[0] || !strcmp(word, "{"))
					break;
				guard_buf_addstr(&cmd, cmd.len ? "; rm -f" : "rm -f");
				if (word[0] == '$' || strchr(word, '`'))
					guard_buf_addstr(&cmd, " \"$computed\"");
				else if (strpbrk(word, "*?["))
					guard_buf_addf(&cmd, " %s", word); /* a glob the shell rules expand */
				else
					add_text(&cmd, word);
			}
		}
		if (cmd.len)
			rate_as(st, "logrotate", where, &cmd);
		guard_buf_release(&cmd);
	}
	if (in_script && script.len) /* a script never ended: logrotate refuses it, guard rates it anyway */
		rate_as(st, "logrotate script", conf, &script);
	guard_buf_release(&script);
}

static void
logrotate(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;

	if (risk_flag(c, 'd', "debug") || risk_arg_has(c, "--help") || risk_arg_has(c, "--version") ||
	    risk_arg_has(c, "--usage"))
		return; /* -d: nothing is changed */
	size_t k = risk_operands_all(st, c, 1, "-s -l -m --state --log --mail", &ops);
	for (size_t i = 0; i < k; i++) {
		bool unknown = false;
		if (config_stdin(st, c, ops[i], "logrotate", logrotate_text, NULL))
			continue;
		char *text = config_text(st, c, ops[i], &unknown);
		if (unknown)
			config_unknown(st, "logrotate", ops[i]->text);
		else if (text)
			logrotate_text(st, ops[i]->text, text, NULL);
		free(text);
	}
	const char *state = risk_opt_value(c, "-s", "--state");
	if (state) {
		struct guard_buf cmd = GUARD_BUF_INIT;
		guard_buf_addstr(&cmd, "touch");
		add_text(&cmd, state);
		rate_as(st, "logrotate", "its -s", &cmd);
		guard_buf_release(&cmd);
	}
}

/* ---- cmake -E -------------------------------------------------------- */

/*
 * cmake -E SUB ARGS: the portable spellings of cp, cp -r, mv, rm, tar,
 * ln, mkdir, touch and cd; rated as those.
 */
static void
cmake_tool(struct risk_state *st, const struct risk_cmd *c)
{
	size_t e = 1;

	while (e < c->argc && strcmp(c->argv[e].text, "-E"))
		e++;
	if (e + 1 >= c->argc)
		return;
	const char *sub = c->argv[e + 1].text;
	size_t from = e + 2, n = c->argc > from ? c->argc - from : 0;
	const struct guard_shell_word *a = c->argv + from;
	struct guard_buf cmd = GUARD_BUF_INIT;

	if (!strcmp(sub, "copy_directory") || !strcmp(sub, "copy_directory_if_different")) {
		for (size_t i = 0; n >= 2 && i + 1 < n; i++) {
			guard_buf_addstr(&cmd, cmd.len ? "; cp -rT" : "cp -rT");
			add_word(&cmd, &a[i]);
			add_word(&cmd, &a[n - 1]);
		}
	} else if (!strcmp(sub, "tar") && n >= 2 && strchr(a[0].text, 'x')) {
		guard_buf_addstr(&cmd, "tar -x -f");
		add_word(&cmd, &a[1]);
	} else {
		static const struct {
			const char *sub, *as;
		} same[] = {
			{ "copy", "cp" }, { "copy_if_different", "cp" }, { "copy_if_newer", "cp" }, { "rename", "mv -T" },
			{ "remove", "rm" }, { "remove_directory", "rm -rf" }, { "rm", "rm" }, { "make_directory", "mkdir -p" },
			{ "touch", "touch" }, { "touch_nocreate", "touch -c" }, { "create_symlink", "ln -s" },
			{ "create_hardlink", "ln" }, { "chdir", "cd" }, { "env", "env" }, { "time", "" }, { NULL, NULL },
		};
		for (size_t k = 0; same[k].sub && !cmd.len; k++) {
			if (strcmp(same[k].sub, sub))
				continue;
			guard_buf_addstr(&cmd, same[k].as);
			for (size_t i = 0; i < n; i++) {
				if (!strcmp(sub, "chdir") && i == 1)
					guard_buf_addstr(&cmd, " &&");
				add_word(&cmd, &a[i]);
			}
			if (!cmd.len)
				guard_buf_addstr(&cmd, ":");
		}
	}
	if (cmd.len) {
		char what[96];
		snprintf(what, sizeof(what), "cmake -E %s", sub);
		rate_as(st, what, "its arguments", &cmd);
	}
	guard_buf_release(&cmd);
}

/* ---- lists of files (rsync --files-from, tar -T) ---------------------- */

/*
 * rsync --files-from=LIST SRC DEST: every name in LIST is copied from SRC
 * to DEST/NAME. A name that lands on guard's state is a write of it.
 */
static void
rsync_files_from(struct risk_state *st, const struct risk_cmd *c)
{
	const char *list = risk_opt_value(c, NULL, "--files-from");
	const struct guard_shell_word **ops;

	if (!list)
		return;
	size_t k = risk_operands_all(st, c, 1, "--files-from -e --rsh --exclude --include --filter -f --backup-dir "
				 "--partial-dir -T --temp-dir", &ops);
	if (!k)
		return;
	const struct guard_shell_word *dest = ops[k - 1];
	struct guard_shell_word lw = { (char *)list, NULL, strpbrk(list, "$`") ? GUARD_WORD_DYNAMIC : 0 };
	bool unknown = false;
	char *text = strcmp(list, "-") ? config_text(st, c, &lw, &unknown) : NULL;
	if (!strcmp(list, "-"))
		unknown = !(text = risk_literal_stdin(c));
	if (unknown) {
		config_unknown(st, "rsync --files-from", list);
		free(text);
		return;
	}
	unsigned lines = 0;
	for (char *line = text; line && *line && lines < CONF_LINES * 8; lines++) {
		char *end = strpbrk(line, "\n");
		if (end)
			*end = '\0';
		if (*line && !(dest->flags & GUARD_WORD_DYNAMIC)) {
			char *into = guard_xasprintf("%s/%s", dest->text, line[0] == '/' ? line + 1 : line);
			struct guard_buf cmd = GUARD_BUF_INIT;
			guard_buf_addstr(&cmd, "touch");
			add_text(&cmd, into);
			if (risk_guard_place(st, into))
				rate_as(st, "rsync --files-from", list, &cmd);
			guard_buf_release(&cmd);
			free(into);
		}
		line = end ? end + 1 : NULL;
	}
	free(text);
}

void
risk_config_writers(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;

	if (st->remote)
		return;
	if (!strcmp(n, "systemd-tmpfiles"))
		systemd_tmpfiles(st, c);
	else if (!strcmp(n, "logrotate"))
		logrotate(st, c);
	else if (!strcmp(n, "cmake"))
		cmake_tool(st, c);
	else if (!strcmp(n, "rsync"))
		rsync_files_from(st, c);
}

/*
 * An unknown program given a file that names guard's state (a config, a
 * list, an archive): guard cannot tell what the program does with the
 * paths it names, so a person looks.
 */
void
risk_config_unknown(struct risk_state *st, const struct risk_cmd *c)
{
	if (st->remote)
		return;
	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *t = w->text;
		if (t[0] == '-') {
			const char *eq = strchr(t, '=');
			if (!eq)
				continue;
			t = eq + 1; /* --config=FILE */
		}
		if (!*t || (w->flags & GUARD_WORD_DYNAMIC))
			continue;
		char *abs = guard_path_resolve(st->cwds[0], t, st->ctx->home);
		struct stat sb;
		char *data = NULL;
		size_t len = 0;
		char token[1024];
		const char *earlier = risk_later_text(st, t);
		if (earlier)
			data = guard_xstrdup(earlier);
		else if (risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size <= (off_t)CONF_MAX &&
			 risk_memo_read(abs, CONF_MAX, &data, &len) < 0)
			data = NULL;
		guard_error_clear();
		free(abs);
		for (size_t k = 0; data && !earlier && k < len; k++)
			if (!data[k])
				data[k] = '\n'; /* an archive: its names stand between NULs */
		if (data && risk_text_names_state(st, data, token, sizeof(token))) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "%s reads %s, which names guard's own state (%s): what %s does with it is unknown",
				  c->name, t, token, c->name);
			free(data);
			return;
		}
		free(data);
	}
}
