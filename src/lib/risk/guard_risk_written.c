/*
 * Text a command line writes into a file, judged as the Write tool's
 * content is (attacker report F8): what echo/printf print, a heredoc or a
 * here-string, what cat, tee and dd copy from their input, what base64 -d
 * decodes from a literal, the script of sed -i, and the literals of
 * interpreter code that writes files (python -c "open(...).write(...)").
 * The text goes through guard-scan's rules (the redactor's secret shapes
 * and the policy's forbidden_patterns, guard_scan.h) for the file it
 * lands in: a finding is critical, named by the rule, never by the text.
 *
 * The same text written to .gitattributes (or .git/info/attributes)
 * naming a filter, diff or merge driver, or to .gitmodules naming an
 * update command (update = !cmd), makes git run a program the settings
 * give it: high, whether the shell or a Write/Edit writes it.
 */
#include <ctype.h>

#include "guard_error.h"
#include "guard_path.h"
#include "guard_risk_int.h"
#include "guard_scan.h"

#define WRITTEN_NEST 8 /* pipeline steps followed back to the literal */

/* ---- the text a command prints or copies ------------------------------- */

static char *written_stdin(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth);

/* The words from index from on, joined by spaces, expansions kept as written. */
static char *
words_text(const struct guard_shell_cmd *cmd, size_t from)
{
	struct guard_buf b = GUARD_BUF_INIT;

	for (size_t i = from; i < cmd->argc; i++) {
		if (b.len)
			guard_buf_addch(&b, ' ');
		guard_buf_addstr(&b, cmd->argv[i].text);
	}
	return guard_buf_detach(&b);
}

static bool
has_option(const struct guard_shell_cmd *cmd, const char *const *opts)
{
	for (size_t i = 1; i < cmd->argc; i++)
		if (risk_name_in(opts, cmd->argv[i].text))
			return true;
	return false;
}

/*
 * cmd without the wrappers that run the rest as it is (finding M4):
 * command, builtin, nohup, time, nice [-n N], env [-i] [VAR=value...].
 * view shares cmd's words.
 */
static const struct guard_shell_cmd *
unwrapped(const struct guard_shell_cmd *cmd, struct guard_shell_cmd *view)
{
	static const char *const wrappers[] = { "command", "builtin", "nohup", "time", "nice", "env", NULL };
	size_t i = 0;

	while (i < cmd->argc && !(cmd->argv[i].flags & GUARD_WORD_DYNAMIC) &&
	       risk_name_in(wrappers, risk_basename(cmd->argv[i].text))) {
		const char *w = risk_basename(cmd->argv[i++].text);
		while (i < cmd->argc && (cmd->argv[i].text[0] == '-' || (!strcmp(w, "env") && strchr(cmd->argv[i].text, '=')))) {
			bool takes = !strcmp(w, "nice") && !strcmp(cmd->argv[i].text, "-n");
			i += takes ? 2 : 1;
		}
	}
	if (!i || i >= cmd->argc)
		return cmd;
	*view = *cmd;
	view->argv = cmd->argv + i;
	view->argc = cmd->argc - i;
	return view;
}

/* What cmd prints: echo/printf's words, or what cat/tee/dd/base64 -d pass on from their input. */
static char *
written_output(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth)
{
	static const char *const decode[] = { "-d", "--decode", "-D", "-di", "-id", NULL };
	struct guard_shell_cmd view;

	if (!cmd || !cmd->argc || depth > WRITTEN_NEST)
		return NULL;
	cmd = unwrapped(cmd, &view);
	if (cmd->argv[0].flags & GUARD_WORD_DYNAMIC)
		return NULL;
	const char *n = risk_basename(cmd->argv[0].text);
	if (!strcmp(n, "echo") || !strcmp(n, "printf")) {
		char *t = risk_printed_text(cmd);
		return t ? t : words_text(cmd, 1);
	}
	if (!strcmp(n, "cat")) {
		for (size_t i = 1; i < cmd->argc; i++)
			if (cmd->argv[i].text[0] != '-')
				return NULL; /* a file's text: not written by this line; - is the input */
		return written_stdin(sh, cmd, depth + 1);
	}
	if (!strcmp(n, "tee") || !strcmp(n, "dd"))
		return written_stdin(sh, cmd, depth + 1);
	if ((!strcmp(n, "base64") || !strcmp(n, "base32")) && has_option(cmd, decode)) {
		char *in = written_stdin(sh, cmd, depth + 1);
		char *out = in && !strcmp(n, "base64") ? risk_base64_decode(in) : NULL;
		if (!out)
			return in;
		free(in);
		return out;
	}
	return NULL;
}

/* The literal input of cmd: a heredoc (expanded or not), a here-string, or what its pipe gets. */
static char *
written_stdin(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth)
{
	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if (r->op == GUARD_REDIR_HEREDOC)
			return guard_xstrdup(r->body ? r->body : "");
		if (r->op == GUARD_REDIR_HERESTRING)
			return guard_xstrdup(r->target.text);
	}
	return sh ? written_output(sh, guard_shell_prev_in_pipe(sh, cmd), depth) : NULL;
}

/* ---- git settings files that name programs ----------------------------- */

enum git_file { GIT_FILE_NONE, GIT_FILE_ATTRIBUTES, GIT_FILE_MODULES };

static enum git_file
git_file(const char *path)
{
	const char *b = risk_basename(path);
	size_t n = strlen(path);

	if (!strcmp(b, ".gitattributes") || (n >= 15 && !strcmp(path + n - 15, ".git/info/attributes")) ||
	    !strcmp(path, "info/attributes"))
		return GIT_FILE_ATTRIBUTES;
	if (!strcmp(b, ".gitmodules"))
		return GIT_FILE_MODULES;
	return GIT_FILE_NONE;
}

/*
 * A driver name git runs a program for. Built-in diff drivers only choose
 * hunk headers, text/binary/union merges run nothing, and lfs is git-lfs's
 * own filter (its programs are set by git lfs install).
 */
static bool
runs_driver(const char *attr, const char *name, size_t n)
{
	static const char *const diff_builtin[] = { "ada", "bash", "bibtex", "cpp", "csharp", "css", "dts", "elixir",
		"fortran", "fountain", "golang", "html", "java", "kotlin", "markdown", "matlab", "objc", "pascal",
		"perl", "php", "python", "ruby", "rust", "scheme", "tex", "lfs", NULL };
	static const char *const merge_builtin[] = { "text", "binary", "union", "lfs", NULL };
	char word[64];

	if (!n || n >= sizeof(word))
		return n > 0;
	memcpy(word, name, n);
	word[n] = '\0';
	if (!strcmp(attr, "diff"))
		return !risk_name_in(diff_builtin, word);
	if (!strcmp(attr, "merge"))
		return !risk_name_in(merge_builtin, word);
	return strcmp(word, "lfs") != 0;
}

static void
git_drivers(struct risk_state *st, const char *who, const char *path, const char *text)
{
	enum git_file kind = git_file(path);

	if (kind == GIT_FILE_NONE)
		return;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		const char *end = p + len;
		if (kind == GIT_FILE_MODULES) {
			const char *u = p;
			while (u < end && isspace((unsigned char)*u))
				u++;
			if (!strncmp(u, "update", 6)) {
				u += 6;
				while (u < end && isspace((unsigned char)*u))
					u++;
				if (u < end && *u == '=') {
					u++;
					while (u < end && isspace((unsigned char)*u))
						u++;
					if (u < end && *u == '!') {
						risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
							  "%s writes %s with a submodule update command (update = !...): git "
							  "submodule update runs it", who, path);
						return;
					}
				}
			}
		} else if (*p != '#') {
			for (const char *w = p; w < end;) {
				while (w < end && isspace((unsigned char)*w))
					w++;
				size_t wn = 0;
				while (w + wn < end && !isspace((unsigned char)w[wn]))
					wn++;
				static const char *const attrs[] = { "filter", "diff", "merge", NULL };
				for (size_t a = 0; attrs[a]; a++) {
					size_t an = strlen(attrs[a]);
					if (wn > an && !strncmp(w, attrs[a], an) && w[an] == '=' &&
					    runs_driver(attrs[a], w + an + 1, wn - an - 1)) {
						risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
							  "%s writes %s naming the %s driver %.*s: git runs the program "
							  "its settings give it (%s.%.*s.*) on the files it matches",
							  who, path, attrs[a], (int)(wn - an - 1), w + an + 1, attrs[a],
							  (int)(wn - an - 1), w + an + 1);
						return;
					}
				}
				w += wn;
			}
		}
		p = *end ? end + 1 : end;
	}
}

/* ---- guard-scan's rules ------------------------------------------------ */

/*
 * The scanner of the policy this thread rated with last, kept for the
 * next events (a stream rates thousands with one policy, and making the
 * scanner costs more than rating most commands). Keyed on the compiled
 * policy's serial, never its address; a config made by hand (serial 0)
 * gets a scanner of its own each time.
 */
static _Thread_local struct guard_scanner *kept;
static _Thread_local unsigned long kept_serial;

static struct guard_scanner *
scanner(struct risk_state *st)
{
	if (!st->scanner)
		return NULL;
	if (!*st->scanner) {
		const cJSON *tree = st->ctx->cfg ? st->ctx->cfg->scan_tree : NULL;
		unsigned long serial = st->ctx->cfg ? st->ctx->cfg->serial : 0;
		if (serial && kept && kept_serial == serial)
			return *st->scanner = kept;
		if (guard_scanner_new(tree, st->scanner) < 0) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "the text written cannot be scanned: %s",
				  guard_error_last());
			guard_error_clear();
			st->scanner = NULL;
			return NULL;
		}
		guard_scanner_inline_allow(*st->scanner, false); /* the agent's own allow comments do not count */
		guard_scanner_jit_each_text(*st->scanner);
		if (serial) {
			guard_scanner_free(kept);
			kept = *st->scanner;
			kept_serial = serial;
		}
	}
	return *st->scanner;
}

void
risk_scanner_release(struct guard_scanner *s)
{
	if (s != kept)
		guard_scanner_free(s);
}

/*
 * Scan text that who writes into path (as written); a finding is critical.
 * secrets_only: the text is a program that writes (python -c), not what
 * lands in the file: only the secrets in it count, not code patterns
 * such as verify=False that the program itself uses.
 */
static void
scan_text(struct risk_state *st, const char *who, const char *path, const char *text, bool secrets_only)
{
	struct guard_scanner *sc;

	if (!text || !*text || !(sc = scanner(st)))
		return;
	char *abs = guard_path_resolve(st->cwds[0], path, st->ctx->home);
	char *display = st->ctx->project ? guard_path_display(st->ctx->project, abs) : guard_xstrdup(abs);
	cJSON *found = cJSON_CreateArray();
	int n = guard_scanner_excluded(sc, display) ? 0 :
		guard_scanner_scan(sc, display, text, strlen(text), 1, NULL, found);
	const cJSON *f = found->child;
	while (secrets_only && f && strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind")) ?: "", "secret"))
		f = f->next;
	if (n > 0 && f) {
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(f, "message");
		const cJSON *rule = cJSON_GetObjectItemCaseSensitive(f, "rule");
		const cJSON *line = cJSON_GetObjectItemCaseSensitive(f, "line");
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(f, "kind");
		bool secret = !cJSON_IsString(kind) || !strcmp(kind->valuestring, "secret");
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "guard-scan: this %s writes %s (rule %s, line %.0f of the text written; %d finding%s in all) "
			  "into %s; %s", who, cJSON_IsString(msg) ? msg->valuestring : "a finding",
			  cJSON_IsString(rule) ? rule->valuestring : "?", cJSON_IsNumber(line) ? line->valuedouble : 0.0,
			  n, n == 1 ? "" : "s", path,
			  secret ? "keep secrets out of files (read them from the environment or a secret store)" :
				   "the policy's forbidden_patterns keep it out of files, as for the Write tool");
	} else if (n < 0) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "the text %s writes into %s cannot be scanned: %s", who,
			  path, guard_error_last());
		guard_error_clear();
	}
	cJSON_Delete(found);
	free(display);
	free(abs);
}

/*
 * Where path lands, normalised lexically ("..", ".", "//" removed) before
 * any judgement (attacker report H2: /dev/../src/k.py is src/k.py), or
 * NULL when it is no file: only the terminal and the standard streams,
 * named exactly. /dev/fd/N, /dev/shm/... and the rest are files like any.
 */
static char *
written_target(struct risk_state *st, const char *path)
{
	static const char *const not_files[] = { "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", NULL };
	char *norm = guard_path_lexical(st->cwds[0], path, st->ctx->home);

	if (risk_name_in(not_files, norm)) {
		free(norm);
		return NULL;
	}
	return norm;
}

static void
written(struct risk_state *st, const char *who, const char *path, const char *text, bool secrets_only)
{
	char *norm;

	if (!text || !path || !*path || !(norm = written_target(st, path)))
		return;
	risk_explain(st, "    %s writes %zu bytes of text into %s: scanned", who, strlen(text), path);
	git_drivers(st, who, git_file(path) == GIT_FILE_NONE ? norm : path, text);
	scan_text(st, who, path, text, secrets_only);
	free(norm);
}

void
risk_written_text(struct risk_state *st, const char *who, const char *path, const char *text)
{
	written(st, who, path, text, false);
}


/* Skip a sed regex delimited by d from p (just past the opening d); NULL if unterminated. */
static const char *
sed_regex_end(const char *p, char d)
{
	for (; *p && *p != '\n'; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == d)
			return p;
	}
	return NULL;
}

/*
 * The text a sed script puts in the file (finding M5): the replacement of
 * s/OLD/NEW/, y's target, the text of a, i and c. OLD and the addresses
 * only match what is there (scrubbing a leaked key is allowed), d and p
 * write nothing. NULL when the script holds what this does not know (the
 * whole script is then scanned, as before).
 */
static char *
sed_new_text(const char *script)
{
	struct guard_buf out = GUARD_BUF_INIT;
	const char *p = script;

	while (*p) {
		while (*p && (isspace((unsigned char)*p) || *p == ';' || *p == '{' || *p == '}' || *p == '!'))
			p++;
		if (!*p)
			break;
		/* addresses: N, $, /re/, \cREc, first~step, addr,addr */
		for (;;) {
			if (isdigit((unsigned char)*p) || *p == '$' || *p == '~' || *p == '+') {
				p++;
				continue;
			}
			if (*p == '/' || (*p == '\\' && p[1] && p[1] != '\n')) {
				char d = *p == '/' ? '/' : p[1];
				const char *e = sed_regex_end(p + (*p == '/' ? 1 : 2), d);
				if (!e)
					goto unknown;
				p = e + 1;
				while (*p == 'I' || *p == 'M')
					p++;
				continue;
			}
			if (*p == ',' || *p == ' ' || *p == '!') {
				p++;
				continue;
			}
			break;
		}
		char c = *p;
		if (c == 's' || c == 'y') {
			char d = p[1];
			if (!d || d == '\n' || d == '\\')
				goto unknown;
			const char *old_end = sed_regex_end(p + 2, d);
			const char *new_end = old_end ? sed_regex_end(old_end + 1, d) : NULL;
			if (!new_end)
				goto unknown;
			guard_buf_add(&out, old_end + 1, (size_t)(new_end - old_end - 1));
			guard_buf_addch(&out, '\n');
			p = new_end + 1;
			while (*p && strchr("gpiImMe0123456789", *p))
				p++;
			if (*p == 'w' || *p == 'W')
				goto unknown;
		} else if (c == 'a' || c == 'i' || c == 'c') {
			p++;
			size_t n = strcspn(p, "\n");
			guard_buf_add(&out, p, n);
			guard_buf_addch(&out, '\n');
			p += n;
		} else if (c && strchr("dDpPnNgGhHxlqQz=", c)) {
			p++;
		} else {
			goto unknown;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != ';' && *p != '\n' && *p != '}')
			goto unknown;
	}
	if (!out.len)
		guard_buf_addch(&out, '\n'); /* writes nothing: not NULL, which means unknown */
	return guard_buf_detach(&out);
unknown:
	guard_buf_release(&out);
	return NULL;
}

/* sed -i SCRIPT FILE...: the script's new text lands in the files. */
static void
sed_in_place(struct risk_state *st, const struct risk_cmd *c)
{
	struct guard_buf script = GUARD_BUF_INIT;
	const char *file = NULL;
	bool in_place = false, given = false;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if ((!strcmp(a, "-e") || !strcmp(a, "--expression")) && i + 1 < c->argc) {
			guard_buf_addf(&script, "%s\n", c->argv[++i].text);
			given = true;
		} else if (!strncmp(a, "--expression=", 13)) {
			guard_buf_addf(&script, "%s\n", a + 13);
			given = true;
		} else if (!strncmp(a, "--in-place", 10) || (a[0] == '-' && a[1] != '-' && strchr(a, 'i'))) {
			in_place = true;
		} else if (a[0] == '-' && a[1]) {
			continue;
		} else if (!given) {
			guard_buf_addf(&script, "%s\n", a);
			given = true;
		} else if (!file) {
			file = a;
		}
	}
	if (in_place && file && script.len) {
		char *text = sed_new_text(script.buf);
		written(st, c->name, file, text ? text : script.buf, false);
		free(text);
	}
	guard_buf_release(&script);
}

static bool
prints_to_file(const struct guard_shell_cmd *cmd)
{
	for (size_t i = 0; i < cmd->nredirs; i++)
		if ((cmd->redirs[i].op == GUARD_REDIR_OUT || cmd->redirs[i].op == GUARD_REDIR_APPEND ||
		     cmd->redirs[i].op == GUARD_REDIR_OUT_ALL || cmd->redirs[i].op == GUARD_REDIR_DUP) &&
		    cmd->redirs[i].fd <= 1)
			return true;
	return false;
}

/*
 * What a group, subshell, loop or if redirected as a whole prints (finding
 * M4): the redirections after } ) done fi sit on an empty command after
 * the commands inside. A group's commands are the deeper ones just
 * before; loops and ifs are flat, so then every command before it in the
 * line at its depth or deeper counts (a command printing to its own file
 * does not).
 */
static char *
compound_output(const struct guard_shell *sh, const struct guard_shell_cmd *cmd)
{
	struct guard_buf b = GUARD_BUF_INIT;
	size_t at;

	if (!sh || cmd < sh->cmds || cmd >= sh->cmds + sh->ncmds)
		return NULL;
	at = (size_t)(cmd - sh->cmds);
	bool group = at > 0 && sh->cmds[at - 1].depth > cmd->depth;
	size_t from = at;
	while (from > 0 && (group ? sh->cmds[from - 1].depth > cmd->depth : sh->cmds[from - 1].depth >= cmd->depth))
		from--;
	for (size_t i = from; i < at; i++) {
		const struct guard_shell_cmd *in = &sh->cmds[i];
		if (in->substituted || in->piped_out || prints_to_file(in))
			continue;
		char *t = written_output(sh, in, 0);
		if (t) {
			guard_buf_addstr(&b, t);
			guard_buf_addch(&b, '\n');
			free(t);
		}
	}
	if (!b.len) {
		guard_buf_release(&b);
		return NULL;
	}
	return guard_buf_detach(&b);
}

void
risk_written_part(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	char *out = NULL;
	bool have_out = false;

	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if (!(r->op == GUARD_REDIR_OUT || r->op == GUARD_REDIR_APPEND || r->op == GUARD_REDIR_OUT_ALL) ||
		    (r->op != GUARD_REDIR_OUT_ALL && r->fd > 1))
			continue;
		if (!have_out) {
			out = cmd->argc ? written_output(c->sh, cmd, 0) : compound_output(c->sh, cmd);
			have_out = true;
		}
		written(st, c->argc ? c->name : "redirect", r->target.text, out, false);
	}
	free(out);
}

void
risk_written_cmd(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;

	if (!c->argc || !c->name[0] || c->xargs || c->find_items)
		return;
	if (!strcmp(c->name, "tee")) {
		char *in = written_stdin(c->sh, cmd, 1);
		for (size_t i = 1; in && i < c->argc; i++)
			if (c->argv[i].text[0] != '-')
				written(st, "tee", c->argv[i].text, in, false);
		free(in);
	} else if (!strcmp(c->name, "dd")) {
		for (size_t i = 1; i < c->argc; i++)
			if (!strncmp(c->argv[i].text, "of=", 3)) {
				char *in = written_stdin(c->sh, cmd, 1);
				written(st, "dd", c->argv[i].text + 3, in, false);
				free(in);
			}
	} else if (!strcmp(c->name, "sed")) {
		sed_in_place(st, c);
	} else if ((!strcmp(c->name, "cp") || !strcmp(c->name, "install")) && c->argc >= 3 &&
		   (!strcmp(c->argv[c->argc - 2].text, "/dev/stdin") || !strcmp(c->argv[c->argc - 2].text, "-"))) {
		/* cp /dev/stdin FILE <<< TEXT: the input lands in FILE (finding M4) */
		char *in = written_stdin(c->sh, cmd, 1);
		written(st, c->name, c->argv[c->argc - 1].text, in, false);
		free(in);
	}
}

/* ---- interpreter code and file tools ----------------------------------- */

/* The first quoted literal after "open(" (python, ruby, perl), or NULL. */
static char *
opened_file(const char *code)
{
	static const char *const opens[] = { "open(", "writeFileSync(", "appendFileSync(", "file_put_contents(",
					     "File.write(", "Path(", NULL };
	for (size_t k = 0; opens[k]; k++) {
		const char *p = strstr(code, opens[k]);
		if (!p)
			continue;
		p += strlen(opens[k]);
		while (*p == ' ')
			p++;
		if (*p != '\'' && *p != '"')
			continue;
		const char *end = strchr(p + 1, *p);
		if (end && end > p + 1)
			return guard_xstrndup(p + 1, (size_t)(end - p - 1));
	}
	return NULL;
}

void
risk_written_code(struct risk_state *st, const char *lang, const char *code)
{
	static const char *const writes[] = { ".write(", "write_text(", "write_bytes(", "writeFileSync",
					      "appendFileSync", "file_put_contents", "File.write", "fputs(", "fwrite(",
					      "print $fh", "print {$", "syswrite", NULL };

	if (!risk_text_has_any(code, writes))
		return;
	char *file = opened_file(code);
	char who[64];
	snprintf(who, sizeof(who), "%s code", lang);
	written(st, who, file ? file : "a file it opens", code, true);
	free(file);
}

static const char *
input_text(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

void
risk_written_tool(struct risk_state *st, const char *tool, const cJSON *input)
{
	const char *path = input_text(input, "file_path");
	const cJSON *e;

	if (!path)
		path = input_text(input, "path");
	if (!path || git_file(path) == GIT_FILE_NONE)
		return;
	if (input_text(input, "content"))
		git_drivers(st, tool, path, input_text(input, "content"));
	if (input_text(input, "new_string"))
		git_drivers(st, tool, path, input_text(input, "new_string"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(input, "edits"))
		if (input_text(e, "new_string"))
			git_drivers(st, tool, path, input_text(e, "new_string"));
}
