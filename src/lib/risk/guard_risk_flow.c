/*
 * What one part of a command line leaves for a later one, and words the
 * shell re-splits: alias definitions expanded at a later command
 * position, files a downloader wrote (executed later: "downloaded code
 * executed"), and unquoted expansions split at $IFS into several words.
 */
#include "guard_path.h"
#include "guard_risk_int.h"

#define RISK_MAX_ALIASES 32
#define RISK_MAX_DOWNLOADS 64
#define RISK_MAX_SPLIT_WORDS 256

/* ---- words for a nested command line ----------------------------------- */

void
risk_add_single_quoted(struct guard_buf *b, const char *t)
{
	guard_buf_addch(b, '\'');
	for (; *t; t++) {
		if (*t == '\'')
			guard_buf_addstr(b, "'\\''");
		else
			guard_buf_addch(b, *t);
	}
	guard_buf_addch(b, '\'');
}

/*
 * w as it must be written for a nested parse to see the same word: literal
 * text quoted (a leading ~ kept), a computed word as an unknown expansion
 * followed by what is known of it, split fields as separate words.
 */
static void
add_word_source(struct guard_buf *b, const struct guard_shell_word *w)
{
	const char *t = w->text;

	if (w->flags & GUARD_WORD_DYNAMIC) {
		guard_buf_addstr(b, "\"${computed}\"");
		if (w->bare && *w->bare)
			risk_add_single_quoted(b, w->bare);
		return;
	}
	if (w->flags & GUARD_WORD_SPLIT) {
		bool first = true;
		for (const char *p = t; *p;) {
			size_t n = strcspn(p, " ");
			if (n) {
				char *field = guard_xstrndup(p, n);
				if (!first)
					guard_buf_addch(b, ' ');
				risk_add_single_quoted(b, field);
				free(field);
				first = false;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
		return;
	}
	if ((w->flags & GUARD_WORD_TILDE) && t[0] == '~') {
		/* ~/'x': the tilde and its slash bare (~'/x' is no tilde to bash) */
		guard_buf_addch(b, '~');
		t++;
		if (*t == '/')
			guard_buf_addch(b, *t++);
		if (!*t)
			return;
	}
	risk_add_single_quoted(b, t);
}

/* ---- word splitting ---------------------------------------------------- */

/*
 * a="-rf /"; rm $a  or  rm${IFS}-rf${IFS}/: an unquoted expansion split
 * into several words. Rate the command with the words the shell will see.
 * Returns true when c held such a word (and was rated).
 */
bool
risk_split_words(struct risk_state *st, struct risk_cmd *c)
{
	struct guard_shell_word words[RISK_MAX_SPLIT_WORDS];
	size_t n = 0;
	bool any = false;

	for (size_t i = 0; i < c->argc; i++)
		if ((c->argv[i].flags & GUARD_WORD_SPLIT) && !(c->argv[i].flags & GUARD_WORD_DYNAMIC))
			any = true;
	if (!any)
		return false;
	for (size_t i = 0; i < c->argc && n < RISK_MAX_SPLIT_WORDS; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		if (!(w->flags & GUARD_WORD_SPLIT) || (w->flags & GUARD_WORD_DYNAMIC)) {
			words[n] = *w;
			words[n].text = guard_xstrdup(w->text);
			words[n].bare = w->bare ? guard_xstrdup(w->bare) : NULL;
			n++;
			continue;
		}
		for (const char *p = w->text; *p && n < RISK_MAX_SPLIT_WORDS;) {
			size_t len = strcspn(p, " ");
			if (len) {
				words[n].text = guard_xstrndup(p, len);
				words[n].bare = NULL;
				words[n].flags = w->flags & ~(GUARD_WORD_SPLIT | GUARD_WORD_TILDE);
				n++;
			}
			p += len;
			while (*p == ' ')
				p++;
		}
	}
	if (n == RISK_MAX_SPLIT_WORDS)
		risk_unparsed(st, "more than %d words after splitting", RISK_MAX_SPLIT_WORDS);
	risk_explain(st, "    an unquoted expansion splits into %zu words", n);
	struct risk_cmd split = *c;
	split.argv = words;
	split.argc = n;
	if (n)
		risk_analyse_cmd(st, &split);
	for (size_t i = 0; i < n; i++) {
		free(words[i].text);
		free(words[i].bare);
	}
	return true;
}

/* ---- aliases ----------------------------------------------------------- */

static const char *const destructive_verbs[] = {
	"rm", "rmdir", "unlink", "shred", "dd", "mkfs", "mv", "cp", "chmod", "chown", "chgrp", "truncate",
	"find", "git", "kubectl", "docker", "podman", "helm", "terraform", "sudo", "doas", "su", "eval",
	"exec", "sh", "bash", "zsh", "dash", "ksh", "curl", "wget", "kill", "pkill", "killall", "reboot",
	"shutdown", "halt", "poweroff", "wipefs", "fdisk", "parted", "sfdisk", "mkswap", "crontab",
	"systemctl", "python", "python3", "perl", "ruby", "node", "xargs", "busybox", "rsync", "tee", NULL
};

static bool
destructive_verb(const char *name)
{
	if (!strncmp(name, "mkfs", 4))
		return true;
	for (size_t i = 0; destructive_verbs[i]; i++)
		if (!strcmp(destructive_verbs[i], name))
			return true;
	return false;
}

/* alias NAME=VALUE ...: remember each, and rate one for a destructive command. */
void
risk_alias_define(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *eq = strchr(w->text, '=');
		if (!eq || eq == w->text || w->text[0] == '-')
			continue;
		if (w->flags & GUARD_WORD_DYNAMIC) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "alias to a computed command: %s", w->text);
			continue;
		}
		if (st->aliases.len >= RISK_MAX_ALIASES) {
			risk_unparsed(st, "more than %d aliases", RISK_MAX_ALIASES);
			return;
		}
		guard_list_add(&st->aliases, w->text);
		risk_explain(st, "    alias: %.*s now runs %s", (int)(eq - w->text), w->text, eq + 1);
		/* the commands the alias stands for */
		struct guard_shell sh;
		memset(&sh, 0, sizeof(sh));
		guard_shell_parse(&sh, eq + 1, strlen(eq + 1), NULL);
		bool bad = sh.unparsed;
		for (size_t k = 0; k < sh.ncmds && !bad; k++)
			if (sh.cmds[k].argc && !(sh.cmds[k].argv[0].flags & GUARD_WORD_DYNAMIC))
				bad = destructive_verb(risk_basename(sh.cmds[k].argv[0].text));
			else if (sh.cmds[k].argc)
				bad = true;
		guard_shell_release(&sh);
		if (bad)
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "alias %.*s stands for a destructive command: %s",
				  (int)(eq - w->text), w->text, eq + 1);
	}
}

/* The value of the latest alias named by the plain word w (*index: its definition), or NULL. */
static const char *
alias_value(const struct risk_state *st, const struct guard_shell_word *w, size_t *index)
{
	size_t n = strlen(w->text);

	if ((w->flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_QUOTED)) || !n)
		return NULL;
	for (size_t i = st->aliases.len; i-- > 0;) {
		const char *def = st->aliases.items[i];
		if (!strncmp(def, w->text, n) && def[n] == '=') {
			*index = i;
			return def + n + 1;
		}
	}
	return NULL;
}

static bool
ends_in_blank(const char *v)
{
	size_t n = strlen(v);
	return n && (v[n - 1] == ' ' || v[n - 1] == '\t');
}

/* Append alias value v, its first word expanded when it names another alias not being expanded (as bash does). */
static void
add_alias_text(const struct risk_state *st, struct guard_buf *line, const char *v, unsigned active, unsigned depth)
{
	size_t first = strcspn(v, " \t"), j;
	struct guard_shell_word head = { guard_xstrndup(v, first), NULL, 0 };
	const char *inner = first && depth < RISK_MAX_ALIASES ? alias_value(st, &head, &j) : NULL;

	free(head.text);
	if (inner && !(j < 32 && (active & (1u << j)))) {
		add_alias_text(st, line, inner, active | (j < 32 ? 1u << j : 0), depth + 1);
		v += first;
	}
	guard_buf_addstr(line, v);
}

/*
 * x -rf / after alias x=rm: the alias's text replaces the command word
 * (the most recent definition; not inside its own expansion). Returns true
 * when c was an alias (and was rated). A value that ends in a blank makes
 * bash expand the next word as an alias too.
 */
bool
risk_alias_expand(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *w0 = &c->argv[0];
	size_t i, j, k = 1;
	const char *v = alias_value(st, w0, &i);

	if (!v)
		return false;
	if (i < 32 && (st->alias_active & (1u << i)))
		return false; /* bash does not expand an alias inside itself */
	struct guard_buf line = GUARD_BUF_INIT;
	guard_buf_addstr(&line, v);
	/* a value ending in a blank: bash alias-expands the next word too (alias s='sudo '; s e rm ...) */
	for (const char *next; ends_in_blank(v) && k < c->argc && (next = alias_value(st, &c->argv[k], &j)); k++) {
		add_alias_text(st, &line, next, j < 32 ? 1u << j : 0, 0);
		v = next;
	}
	for (; k < c->argc; k++) {
		guard_buf_addch(&line, ' ');
		add_word_source(&line, &c->argv[k]);
	}
	char what[96];
	snprintf(what, sizeof(what), "alias %.*s", 64, w0->text);
	unsigned saved = st->alias_active;
	if (i < 32)
		st->alias_active |= 1u << i;
	risk_nested(st, what, line.buf, line.len);
	st->alias_active = saved;
	guard_buf_release(&line);
	return true;
}

/* ---- downloads --------------------------------------------------------- */

static void
note_file(struct risk_state *st, const char *verb, const char *path)
{
	if (!path || !*path || !strcmp(path, "-") || st->remote)
		return;
	if (st->downloads.len >= RISK_MAX_DOWNLOADS) { /* a later run of this one would not be known as downloaded (J11) */
		risk_unparsed(st, "more than %d downloads saved on the line", RISK_MAX_DOWNLOADS);
		return;
	}
	char *abs = guard_path_resolve(st->cwds[0], path, st->ctx->home);
	risk_explain(st, "    %s saves a download to %s", verb, abs);
	guard_list_add_unique(&st->downloads, abs);
	free(abs);
}

/* The file name a URL saves to (curl -O, wget): its last path segment. */
static char *
url_file_name(const char *url, const char *fallback)
{
	const char *a = risk_url_authority(url), *sep = strstr(url, "://");
	const char *p = a ? a : sep ? sep + 3 : url;
	size_t n = strcspn(p, "?#");
	const char *slash = memchr(p, '/', n);
	if (!slash)
		return fallback ? guard_xstrdup(fallback) : NULL;
	const char *end = p + n, *last = slash;
	for (const char *q = slash; q < end; q++)
		if (*q == '/')
			last = q;
	if (last + 1 >= end)
		return fallback ? guard_xstrdup(fallback) : NULL;
	return guard_xstrndup(last + 1, (size_t)(end - last - 1));
}

static bool
looks_like_url(const char *t)
{
	return strstr(t, "://") != NULL || risk_url_authority(t) || (t[0] != '-' && strchr(t, '/') && strchr(t, '.'));
}

/*
 * Options of curl/wget: the output file and directory, whether files are
 * named after the URL, the URLs. shorts_with_value: the short options
 * taking a value (their value ends a cluster).
 */
struct dl_opts {
	const char *out;  /* -o FILE / -O FILE (wget) */
	const char *dir;  /* --output-dir / -P */
	bool remote_name; /* curl -O */
	const char *urls[16];
	size_t nurls;
};

static void
scan_options(const struct risk_cmd *c, bool wget, struct dl_opts *o)
{
	const char *shorts = wget ? "oaiBeOPtTwQUlARDIXY" : "oTdFHXuAebcKwmxErDCYyzQtP";
	char out_letter = wget ? 'O' : 'o';
	bool opts = true;

	memset(o, 0, sizeof(*o));
	for (size_t i = 1; i < c->argc; i++) {
		const struct guard_shell_word *w = &c->argv[i];
		const char *t = w->text;
		const char *next = i + 1 < c->argc ? c->argv[i + 1].text : NULL;
		if (opts && !strcmp(t, "--")) {
			opts = false;
			continue;
		}
		if (opts && t[0] == '-' && t[1] == '-') {
			const char *eq = strchr(t, '=');
			size_t n = eq ? (size_t)(eq - t) : strlen(t);
			const char *v = eq ? eq + 1 : next;
#define LONG(name) (n == strlen(name) && !strncmp(t, name, n))
			if (LONG("--output") || LONG("--output-document")) {
				o->out = v;
			} else if (LONG("--output-dir") || LONG("--directory-prefix")) {
				o->dir = v;
			} else if (LONG("--remote-name") || LONG("--remote-name-all")) {
				o->remote_name = true;
				continue;
			} else if (LONG("--url")) {
				if (v && o->nurls < 16)
					o->urls[o->nurls++] = v;
			} else {
				continue;
			}
#undef LONG
			if (!eq)
				i++;
			continue;
		}
		if (opts && t[0] == '-' && t[1]) {
			for (size_t k = 1; t[k]; k++) {
				if (!wget && t[k] == 'O') {
					o->remote_name = true;
					continue;
				}
				if (!strchr(shorts, t[k]))
					continue;
				const char *v = t[k + 1] ? t + k + 1 : next;
				if (t[k] == out_letter)
					o->out = v;
				else if (t[k] == 'P' && wget)
					o->dir = v;
				if (!t[k + 1])
					i++;
				break;
			}
			continue;
		}
		if (!(w->flags & GUARD_WORD_DYNAMIC) && looks_like_url(t) && o->nurls < 16)
			o->urls[o->nurls++] = t;
	}
}

static void
note_in_dir(struct risk_state *st, const char *verb, const char *dir, const char *name)
{
	if (!name)
		return;
	if (dir && *dir) {
		char *p = guard_xasprintf("%s/%s", dir, name);
		note_file(st, verb, p);
		free(p);
	} else {
		note_file(st, verb, name);
	}
}

/* Looked up through the verb index (risk_is_downloader). */
const char *const risk_downloaders[] = {
	"curl", "wget", "wget2", "aria2c", "http", "https", "xh", "fetch", "lwp-request", "GET", NULL
};

/* Output redirections of the part: where stdout goes. */
static void
note_redirs(struct risk_state *st, const char *verb, const struct guard_shell_cmd *cmd)
{
	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if ((r->op == GUARD_REDIR_OUT || r->op == GUARD_REDIR_APPEND || r->op == GUARD_REDIR_OUT_ALL) &&
		    (r->fd < 0 || r->fd == 1) && !(r->target.flags & GUARD_WORD_DYNAMIC))
			note_file(st, verb, r->target.text);
	}
}

/*
 * curl -o FILE, curl -O, wget [-O FILE], curl > FILE, curl | tee FILE:
 * remember the files written, so running one later is rated like curl | sh.
 */
void
risk_note_download(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "tee")) {
		const struct guard_shell_cmd *prev = guard_shell_prev_in_pipe(c->sh, c->cmd);
		if (prev && prev->argc && risk_is_downloader(risk_basename(prev->argv[0].text)))
			for (size_t i = 1; i < c->argc; i++)
				if (c->argv[i].text[0] != '-' && !(c->argv[i].flags & GUARD_WORD_DYNAMIC))
					note_file(st, "tee", c->argv[i].text);
		return;
	}
	if (!risk_is_downloader(n))
		return;
	note_redirs(st, n, c->cmd);
	if (strcmp(n, "curl") && strcmp(n, "wget") && strcmp(n, "wget2"))
		return;
	bool wget = strcmp(n, "curl") != 0;
	struct dl_opts o;
	scan_options(c, wget, &o);
	if (o.out) {
		if (o.out[0] == '/' || o.out[0] == '~')
			note_file(st, n, o.out);
		else
			note_in_dir(st, n, o.dir, o.out);
	}
	if (wget ? !o.out : o.remote_name)
		for (size_t i = 0; i < o.nurls; i++) {
			char *name = url_file_name(o.urls[i], wget ? "index.html" : NULL);
			note_in_dir(st, n, o.dir, name);
			free(name);
		}
}
