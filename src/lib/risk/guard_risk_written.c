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
#include <strings.h>
#include <sys/stat.h>

#include <sodium.h>

#include "guard_error.h"
#include "guard_json.h"
#include "guard_patch.h"
#include "guard_path.h"
#include "guard_risk_int.h"
#include "guard_scan.h"

#define WRITTEN_NEST 8 /* pipeline steps followed back to the literal */
#define WRITTEN_FILE_MAX (64u << 10) /* bytes of a file copied onto git's attribute files read */

/* ---- the text a command prints or copies ------------------------------- */

static char *written_stdin(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth);
static char *compound_output(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth);

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
 * command, builtin, nohup, time, nice [-n N], env [-i] [VAR=value...],
 * stdbuf, busybox (risk_wrapped_at). view shares cmd's words.
 */
static const struct guard_shell_cmd *
unwrapped(const struct guard_shell_cmd *cmd, struct guard_shell_cmd *view)
{
	size_t i = cmd->argc ? risk_wrapped_at(cmd) : 0;

	if (!i)
		return cmd;
	*view = *cmd;
	view->argv = cmd->argv + i;
	view->argc = cmd->argc - i;
	return view;
}

/*
 * printf -v NAME FORMAT ARGS earlier on the line: $NAME and ${NAME} in
 * text stand for what it printed (the shell keeps no other record of it).
 */
static char *
printf_v_values(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, char *text)
{
	if (!sh || cmd < sh->cmds || cmd >= sh->cmds + sh->ncmds)
		return text;
	for (size_t i = 0; text && strchr(text, '$') && &sh->cmds[i] < cmd; i++) {
		const struct guard_shell_cmd *pv = &sh->cmds[i];
		if (pv->argc < 4 || strcmp(pv->argv[0].text, "printf") || strcmp(pv->argv[1].text, "-v") ||
		    (pv->argv[2].flags & GUARD_WORD_DYNAMIC))
			continue;
		struct guard_shell_word words[32];
		struct guard_shell_cmd as = *pv;
		size_t n = pv->argc - 2 < 32 ? pv->argc - 2 : 32;
		words[0] = pv->argv[0];
		memcpy(words + 1, pv->argv + 3, (n - 1) * sizeof(*words));
		as.argv = words;
		as.argc = n;
		char *value = risk_printed_text(&as);
		if (!value)
			continue;
		struct guard_buf b = GUARD_BUF_INIT;
		const char *name = pv->argv[2].text;
		size_t nl = strlen(name);
		for (const char *p = text; *p;) {
			if (p[0] == '$' && !strncmp(p + 1, name, nl) && !isalnum((unsigned char)p[nl + 1]) && p[nl + 1] != '_') {
				guard_buf_addstr(&b, value);
				p += nl + 1;
			} else if (!strncmp(p, "${", 2) && !strncmp(p + 2, name, nl) && p[nl + 2] == '}') {
				guard_buf_addstr(&b, value);
				p += nl + 3;
			} else {
				guard_buf_addch(&b, *p++);
			}
		}
		free(value);
		free(text);
		text = guard_buf_detach(&b);
	}
	return text;
}

/* Hex (xxd -r -p) to text; NULL when it is not hex or holds a NUL. */
char *
risk_hex_decode(const char *in)
{
	size_t n = strlen(in), len = 0;
	unsigned char *bin = guard_xmalloc(n / 2 + 1);

	if (sodium_hex2bin(bin, n / 2 + 1, in, n, " \t\r\n:", &len, NULL) != 0 || memchr(bin, '\0', len)) {
		free(bin);
		return NULL;
	}
	bin[len] = '\0';
	return (char *)bin;
}

/*
 * A normal xxd dump to text (xxd -r): per line, the hex after the
 * address's colon up to the two blanks before the characters column.
 * NULL when no line holds any, or the bytes hold a NUL.
 */
static char *
dump_decode(const char *in)
{
	struct guard_buf hex = GUARD_BUF_INIT;

	for (const char *line = in; *line;) {
		const char *end = line + strcspn(line, "\n"), *p = memchr(line, ':', (size_t)(end - line));
		for (p = p ? p + 1 : end; p < end;) {
			if (p[0] == ' ' && p + 1 < end && p[1] == ' ' && hex.len)
				break;
			if (p[0] == ' ' || p[0] == '\t') {
				p++;
			} else if (p + 1 < end && isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1])) {
				guard_buf_add(&hex, p, 2);
				p += 2;
			} else {
				break;
			}
		}
		line = *end ? end + 1 : end;
	}
	char *text = hex.len ? risk_hex_decode(hex.buf) : NULL;
	guard_buf_release(&hex);
	return text;
}

enum { DEC_HEX = RADIX_BASE32HEX + 1, DEC_DUMP };

/* What a decoder passes on: its input decoded (a risk_radix, DEC_HEX or DEC_DUMP), or the input as it is when it cannot be. */
static char *
decoded(char *in, int how)
{
	char *out = !in ? NULL : how == DEC_HEX ? risk_hex_decode(in) : how == DEC_DUMP ? dump_decode(in)
		: risk_radix_decode(in, (enum risk_radix)how);

	if (!out)
		return in;
	free(in);
	return out;
}

/* basenc --ENCODING -d: the encoding as decoded() takes it, or -1 (none, or one not decoded here). */
static int
basenc_decoding(const struct guard_shell_cmd *cmd)
{
	static const char *const names[] = { "--base64", "--base64url", "--base32", "--base32hex", "--base16", NULL };
	static const int how[] = { RADIX_BASE64, RADIX_BASE64URL, RADIX_BASE32, RADIX_BASE32HEX, DEC_HEX };
	int found = -1;

	for (size_t i = 1; i < cmd->argc; i++)
		for (size_t k = 0; names[k]; k++)
			if (!strcmp(cmd->argv[i].text, names[k]))
				found = how[k];
	return found;
}

/* openssl base64 -d, openssl enc -d -base64 (-a, -A) reading its input: a base64 decoder. */
static bool
openssl_decodes(const struct guard_shell_cmd *cmd)
{
	static const char *const decode[] = { "-d", "-D", NULL };
	static const char *const b64[] = { "-base64", "-a", "-A", NULL };
	static const char *const infile[] = { "-in", NULL };

	if (cmd->argc < 3 || has_option(cmd, infile))
		return false;
	if (!strcmp(cmd->argv[1].text, "base64"))
		return has_option(cmd, decode);
	return !strcmp(cmd->argv[1].text, "enc") && has_option(cmd, decode) && has_option(cmd, b64);
}

/* The decoding decoder (base64/base32/basenc -d, xxd -r [-p], openssl base64 -d) applies, or -1. */
static int
decoding_of(const struct guard_shell_cmd *cmd)
{
	static const char *const decode[] = { "-d", "--decode", "-D", "-di", "-id", NULL };
	static const char *const revert[] = { "-r", "-revert", "-rp", "-pr", NULL };
	static const char *const plain[] = { "-p", "-ps", "-plain", "-postscript", "-rp", "-pr", NULL };
	const char *n = risk_basename(cmd->argv[0].text);

	if (!strcmp(n, "base64") || !strcmp(n, "base32") || !strcmp(n, "basenc"))
		return !has_option(cmd, decode) ? -1 : !strcmp(n, "base64") ? RADIX_BASE64
			: !strcmp(n, "base32") ? RADIX_BASE32 : basenc_decoding(cmd);
	if (!strcmp(n, "xxd"))
		return !has_option(cmd, revert) ? -1 : has_option(cmd, plain) ? DEC_HEX : DEC_DUMP;
	return !strcmp(n, "openssl") && openssl_decodes(cmd) ? RADIX_BASE64 : -1;
}

char *
risk_decode_as(const struct guard_shell_cmd *decoder, const char *encoded)
{
	struct guard_shell_cmd view;
	const struct guard_shell_cmd *cmd = decoder && decoder->argc ? unwrapped(decoder, &view) : NULL;
	int how = cmd && !(cmd->argv[0].flags & GUARD_WORD_DYNAMIC) ? decoding_of(cmd) : -1;

	if (how < 0 || !encoded)
		return NULL;
	return how == DEC_HEX ? risk_hex_decode(encoded) : how == DEC_DUMP ? dump_decode(encoded)
		: risk_radix_decode(encoded, (enum risk_radix)how);
}

/*
 * iconv re-encodes its input: the text stays what it was (a key saved as
 * UTF-16 is still the key, for the file's scans too). Does cmd read its
 * input (no file operand, or "-")? *out: its -o/--output file, or NULL.
 */
static bool
iconv_reads_input(const struct guard_shell_cmd *cmd, const char **out)
{
	static const char *const valued[] = { "-f", "-t", "-o", "--from-code", "--to-code", "--output", NULL };

	*out = NULL;
	for (size_t i = 1; i < cmd->argc; i++) {
		const char *w = cmd->argv[i].text;
		if (risk_name_in(valued, w)) {
			if (++i < cmd->argc && (!strcmp(w, "-o") || !strcmp(w, "--output")))
				*out = cmd->argv[i].text;
		} else if (!strncmp(w, "--output=", 9) || (!strncmp(w, "-o", 2) && w[2] != '-')) {
			*out = w + (w[1] == '-' ? 9 : 2);
		} else if (w[0] != '-' || (w[1] == '-' && !w[2])) {
			return false; /* a file's text, not written by this line ("--" ends the options) */
		}
	}
	return true;
}

/* What cmd prints: echo/printf's words, or what cat/tee/dd/base64 -d/xxd -r/openssl/iconv pass on from their input. */
static char *
written_output(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth)
{
	static const char *const decode[] = { "-d", "--decode", "-D", "-di", "-id", NULL };
	struct guard_shell_cmd view;
	const struct guard_shell_cmd *line_cmd = cmd; /* in sh->cmds; cmd may become a view */

	if (!cmd || !cmd->argc || depth > WRITTEN_NEST)
		return NULL;
	cmd = unwrapped(cmd, &view);
	if (cmd->argv[0].flags & GUARD_WORD_DYNAMIC)
		return NULL;
	const char *n = risk_basename(cmd->argv[0].text);
	if (!strcmp(n, "echo") || !strcmp(n, "printf")) {
		char *t = risk_printed_text(cmd);
		return t ? t : printf_v_values(sh, line_cmd, words_text(cmd, 1));
	}
	if (!strcmp(n, "cat")) {
		for (size_t i = 1; i < cmd->argc; i++)
			if (cmd->argv[i].text[0] != '-')
				return NULL; /* a file's text: not written by this line; - is the input */
		return written_stdin(sh, line_cmd, depth + 1);
	}
	const char *iconv_out;
	if (!strcmp(n, "tee") || !strcmp(n, "dd") || (!strcmp(n, "iconv") && iconv_reads_input(cmd, &iconv_out)))
		return written_stdin(sh, line_cmd, depth + 1);
	int how = decoding_of(cmd);
	if (how >= 0 || ((!strcmp(n, "base32") || !strcmp(n, "basenc")) && has_option(cmd, decode)))
		/* an encoding not decoded here (basenc --z85 -d) passes its input on as it is */
		return how < 0 ? written_stdin(sh, line_cmd, depth + 1) : decoded(written_stdin(sh, line_cmd, depth + 1), how);
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
	if (!sh)
		return NULL;
	const struct guard_shell_cmd *prev = guard_shell_prev_in_pipe(sh, cmd);
	if (!prev && cmd->pipe_pos && cmd->compound_from)
		return compound_output(sh, cmd, depth); /* ( ... ) | cat > f, done | tee f */
	if (prev && !prev->argc && prev->compound_from)
		return compound_output(sh, prev, depth); /* done < in | tee f: the redirections' command */
	return written_output(sh, prev, depth);
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

bool
risk_git_settings_file(const char *path)
{
	return git_file(path) != GIT_FILE_NONE;
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
			/* git config syntax: keys in any case, [section "x"] key = value on one line, "quoted" values */
			const char *u = p;
			while (u < end && isspace((unsigned char)*u))
				u++;
			if (u < end && *u == '[') {
				const char *close = memchr(u, ']', (size_t)(end - u));
				u = close ? close + 1 : end;
				while (u < end && isspace((unsigned char)*u))
					u++;
			}
			if (end - u >= 6 && !strncasecmp(u, "update", 6)) {
				u += 6;
				while (u < end && isspace((unsigned char)*u))
					u++;
				if (u < end && *u == '=') {
					u++;
					while (u < end && (isspace((unsigned char)*u) || *u == '"'))
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
		guard_scanner_lstat(*st->scanner, risk_memo_lstat); /* a new name's folders: the stream's memory */
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

/* s with its %XX decoded (a URL's query: ?t=%67hp_...), one more line of b; nothing when s has none. */
static void
add_percent_decoded(struct guard_buf *b, const char *s)
{
	unsigned v;

	if (!strchr(s, '%'))
		return;
	for (; *s; s++)
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
		    sscanf(s + 1, "%2x", &v) == 1 && v) {
			guard_buf_addch(b, (char)v);
			s += 2;
		} else {
			guard_buf_addch(b, *s);
		}
	guard_buf_addch(b, '\n');
}

/*
 * Every string of v, one a line: what a call carries out (a command line,
 * a URL, an MCP tool's arguments), and again percent-decoded (K4).
 */
static void
strings_of(const cJSON *v, struct guard_buf *b, int depth)
{
	const cJSON *c;

	if (cJSON_IsString(v)) {
		guard_buf_addstr(b, v->valuestring);
		guard_buf_addch(b, '\n');
		add_percent_decoded(b, v->valuestring);
	}
	if (depth < 32)
		cJSON_ArrayForEach(c, v)
			strings_of(c, b, depth + 1);
}

void
risk_secret_outbound(struct risk_state *st, const char *tool, const cJSON *input)
{
	const char *foreign = NULL;
	struct guard_scanner *sc;

	for (size_t i = 0; !foreign && i < st->out->hosts.len; i++)
		if (risk_host_foreign(st, st->out->hosts.items[i]))
			foreign = st->out->hosts.items[i];
	if (!foreign || !(sc = scanner(st)))
		return;
	struct guard_buf text = GUARD_BUF_INIT;
	cJSON *found = cJSON_CreateArray();
	strings_of(input, &text, 0);
	/* the scan's own rules, on the call's text as if it were a file's: a path no exclusion names */
	int n = text.len ? guard_scanner_scan(sc, "(the call's text)", text.buf, text.len, 1, NULL, found) : 0;
	const cJSON *f = found->child;
	while (f && strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind")) ?: "", "secret"))
		f = f->next;
	if (n > 0 && f)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ,
			  "%s sends %s (guard-scan rule %s) to a host not in allowed_hosts: %s", tool,
			  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "message")) ?: "a secret",
			  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "rule")) ?: "?", foreign);
	else if (n < 0)
		guard_error_clear(); /* a text past the scan's limits: the host rule stands as it is */
	cJSON_Delete(found);
	guard_buf_release(&text);
}

/*
 * A file or folder the line creates, at abs (shown as display): a name
 * holding a secret (touch src/AKIA..., mkdir ghp_...) is committed and
 * pushed like a file holding it, and is critical the same way.
 */
void
risk_written_name(struct risk_state *st, const char *abs, const char *display)
{
	struct guard_scanner *sc;
	cJSON *found;

	if (!(sc = scanner(st)) || guard_scanner_excluded(sc, display))
		return;
	found = cJSON_CreateArray();
	int n = guard_scanner_scan_new_names(sc, abs, found);
	const cJSON *f = found->child;
	if (n > 0 && f)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE,
			  "guard-scan: this creates %s, whose name holds %s (rule %s); keep secrets out of file names",
			  display, guard_json_str(f, "message", "a finding"), guard_json_str(f, "rule", "?"));
	guard_error_clear();
	cJSON_Delete(found);
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
	/* CI's scans honour the comment: one the agent writes hides a finding from them, as a Write's would */
	if (strstr(text, "guard-scan:allow"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "this %s writes a guard-scan:allow comment into %s: guard-scan in CI and pre-commit would stop "
			  "reporting what it names; a person decides", who, path);
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
 * What a group, subshell, loop, if or case prints when its output is
 * redirected as a whole or piped on (finding M4): the parser marks the
 * command that takes it (the empty command holding the redirections after
 * } ) done fi esac, or the next command of the pipe) with the compound's
 * first command. Only its own commands count (a command printing to its
 * own file or into a pipe does not).
 */
static char *
compound_output(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, unsigned depth)
{
	struct guard_buf b = GUARD_BUF_INIT;

	if (!sh || cmd < sh->cmds || cmd >= sh->cmds + sh->ncmds || !cmd->compound_from || depth > WRITTEN_NEST)
		return NULL;
	size_t at = (size_t)(cmd - sh->cmds);
	for (size_t i = cmd->compound_from - 1; i < at; i++) {
		const struct guard_shell_cmd *in = &sh->cmds[i];
		if (in->depth < cmd->depth || in->substituted || in->piped_out || prints_to_file(in))
			continue;
		char *t = in->argc ? written_output(sh, in, depth + 1) : NULL;
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

#define FD_HOPS 8 /* fds duplicated from fds followed back to a file */

/* word names fd n (3 and up) or the named fd $NAME / ${NAME}: *n and *name set; false when it names neither. */
static bool
fd_word(const char *word, long *n, char *name, size_t size)
{
	char *end;
	size_t len = strlen(word);

	name[0] = '\0';
	*n = -1;
	if (isdigit((unsigned char)word[0])) {
		*n = strtol(word, &end, 10);
		return !*end && *n >= 3;
	}
	const char *v = word[0] == '$' ? word + 1 + (word[1] == '{') : NULL;
	size_t vl = v ? len - (size_t)(v - word) - (word[1] == '{') : 0;
	if (!v || !vl || vl >= size || (word[1] == '{' && word[len - 1] != '}'))
		return false;
	for (size_t i = 0; i < vl; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_')
			return false;
	memcpy(name, v, vl);
	name[vl] = '\0';
	return true;
}

static const char *fd_lookup(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, size_t before,
			     const char *word, unsigned hops);

/* In cmd's redirections before index before: the file fd word is open on, or NULL; *closed when >&- closed it. */
static const char *
fd_in_redirs(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, size_t before, const char *word,
	     unsigned hops, bool *closed)
{
	char name[32];
	long n;

	if (hops > FD_HOPS || !fd_word(word, &n, name, sizeof(name)))
		return NULL;
	for (size_t i = before; i-- > 0;) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		if (name[0] ? strcmp(r->fd_name, name) != 0 : r->fd != n)
			continue;
		if (r->op == GUARD_REDIR_OUT || r->op == GUARD_REDIR_APPEND || r->op == GUARD_REDIR_RW)
			return r->target.text;
		if (r->op == GUARD_REDIR_DUP && r->target.text[0] == '-') {
			*closed = true;
			return NULL;
		}
		if (r->op == GUARD_REDIR_DUP || (r->op == GUARD_REDIR_OUT_ALL && r->dup_word)) /* 4>&3: what 3 is */
			return fd_lookup(sh, cmd, i, r->target.text, hops + 1);
	}
	return NULL;
}

/*
 * The file fd word (3 and up, or $NAME of {NAME}>FILE) writes into for
 * cmd: its own redirections before index before, those of a group, loop
 * or if around it (after its end), or an earlier exec's; an fd duplicated
 * from another (4>&3) is followed to the file.
 */
static const char *
fd_lookup(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, size_t before, const char *word, unsigned hops)
{
	bool closed = false;
	const char *f = fd_in_redirs(sh, cmd, before, word, hops, &closed);

	if (f || closed || !sh || cmd < sh->cmds || cmd >= sh->cmds + sh->ncmds)
		return f;
	size_t at = (size_t)(cmd - sh->cmds);
	for (size_t j = at + 1; j < sh->ncmds; j++) {
		const struct guard_shell_cmd *g = &sh->cmds[j];
		if (!g->argc && g->compound_from && g->compound_from - 1 <= at && g->depth <= cmd->depth) {
			f = fd_in_redirs(sh, g, g->nredirs, word, hops, &closed);
			if (f || closed)
				return f;
		}
	}
	for (size_t k = at; k-- > 0;) {
		const struct guard_shell_cmd *e = &sh->cmds[k];
		if (e->argc != 1 || strcmp(e->argv[0].text, "exec"))
			continue;
		f = fd_in_redirs(sh, e, e->nredirs, word, hops, &closed);
		if (f || closed)
			return f;
	}
	return NULL;
}

const char *
risk_fd_file(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, size_t before)
{
	const struct guard_shell_redir *r = &cmd->redirs[before];

	if (!(r->op == GUARD_REDIR_DUP || (r->op == GUARD_REDIR_OUT_ALL && r->dup_word)))
		return NULL;
	return fd_lookup(sh, cmd, before, r->target.text, 0);
}

static void unknown_onto_git_file(struct risk_state *st, const struct risk_cmd *c, const char *out,
				  const struct guard_shell_word *target);

void
risk_written_part(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	char *out = NULL;
	bool have_out = false;

	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &cmd->redirs[i];
		const char *target = r->target.text;
		if ((r->op == GUARD_REDIR_DUP || (r->op == GUARD_REDIR_OUT_ALL && r->dup_word)) && r->fd <= 1 &&
		    risk_fd_file(c->sh, cmd, i)) {
			/* >&3 after 3>FILE here, around a group or loop or in an earlier exec, >&$fd after {fd}>FILE,
			   >&4 after 4>&3: the text lands in FILE */
			target = risk_fd_file(c->sh, cmd, i);
		} else if (r->op == GUARD_REDIR_DUP) {
			continue;
		} else if (!(r->op == GUARD_REDIR_OUT || r->op == GUARD_REDIR_APPEND || r->op == GUARD_REDIR_OUT_ALL) ||
			   (r->op != GUARD_REDIR_OUT_ALL && r->fd > 1)) {
			continue;
		}
		if (!have_out) {
			out = cmd->argc ? written_output(c->sh, cmd, 0) : compound_output(c->sh, cmd, 0);
			have_out = true;
		}
		struct guard_shell_word through = { (char *)target, NULL, 0 };
		unknown_onto_git_file(st, c, out, target == r->target.text ? &r->target : &through);
		const char *before = out && r->op == GUARD_REDIR_APPEND && !(r->target.flags & GUARD_WORD_DYNAMIC)
			? risk_later_text(st, target) : NULL;
		if (before) {
			/* a key split over two >> into one file: the file holds them joined */
			char *joined = guard_xasprintf("%s%s", before, out);
			written(st, c->argc ? c->name : "redirect", target, joined, false);
			free(joined);
		} else {
			written(st, c->argc ? c->name : "redirect", target, out, false);
		}
	}
	free(out);
}

/* Is path (as written, or where it lands) one of git's attribute or module files? */
static bool
is_git_file(struct risk_state *st, const char *path, bool dynamic)
{
	if (git_file(path) != GIT_FILE_NONE)
		return true;
	if (dynamic)
		return false;
	char *norm = guard_path_lexical(st->cwds[0], path, st->ctx->home);
	bool git = git_file(norm) != GIT_FILE_NONE;
	free(norm);
	return git;
}

/*
 * who puts the text of file src onto named, one of git's attribute or
 * module files: text written earlier on the line or a file readable now is
 * judged as a Write of it; anything else is text of unknown content that
 * may name drivers git runs: high, as such a Write is.
 */
static void
source_onto_git_file(struct risk_state *st, const char *who, const struct guard_shell_word *src, const char *named)
{
	const char *text = src && !(src->flags & GUARD_WORD_DYNAMIC) ? risk_later_text(st, src->text) : NULL;
	char *data = NULL, *abs = NULL;
	size_t len = 0;
	struct stat sb;

	if (!text && src && !(src->flags & GUARD_WORD_DYNAMIC) && !st->remote) {
		abs = guard_path_resolve(st->cwds[0], src->text, st->ctx->home);
		if (risk_memo_stat(abs, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    risk_memo_read(abs, WRITTEN_FILE_MAX, &data, &len) == 0 && !memchr(data, '\0', len))
			text = data;
		guard_error_clear();
	}
	if (text) {
		const char *outer = st->from_file;
		risk_explain(st, "    %s puts the text of %s into %s", who, src->text, named);
		st->from_file = data ? src->text : outer; /* read from the file now: not quoted as it is */
		git_drivers(st, who, named, text);
		st->from_file = outer;
	} else if (src) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s puts %s, whose text guard cannot read now, onto %s: it may name a filter, diff or merge "
			  "driver (or a submodule update command) that git runs", who, src->text, named);
	} else {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s writes text guard cannot read now onto %s: it may name a filter, diff or merge driver (or a "
			  "submodule update command) that git runs", who, named);
	}
	free(data);
	free(abs);
}

/* cp/mv/install/ln/rsync SRC DST onto git's attribute or module files: DST holds SRC's text. */
static void
copied_onto_git_file(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[3];
	size_t n = risk_operands(c, 1, !strcmp(c->name, "rsync")
		? "-e -f -T -B -M --rsh --filter --exclude --include --temp-dir --block-size --remote-option --backup-dir "
		  "--partial-dir --link-dest --compare-dest --copy-dest --rsync-path --chmod --chown --suffix"
		: "-t -S -m -o -g -Z --target-directory --suffix --mode --owner --group", ops, 3);

	if (n != 2)
		return;
	const char *dst = ops[1]->text;
	size_t dl = strlen(dst);
	char *named = (!strcmp(dst, ".") || (dl && dst[dl - 1] == '/'))
		? guard_xasprintf("%s%s%s", dst, dl && dst[dl - 1] == '/' ? "" : "/", risk_basename(ops[0]->text))
		: guard_xstrdup(dst);
	if (is_git_file(st, named, ops[1]->flags & GUARD_WORD_DYNAMIC))
		source_onto_git_file(st, c->name, ops[0], named);
	free(named);
}

/*
 * cmd > .gitattributes with text not known here (cat FILE, git show,
 * curl, echo "$X"): cat's one file is read as a copy is; the rest asks.
 * An empty command only truncates.
 */
static void
unknown_onto_git_file(struct risk_state *st, const struct risk_cmd *c, const char *out, const struct guard_shell_word *target)
{
	const struct guard_shell_cmd *cmd = c->cmd;
	bool dynamic = false;

	static const char *const silent[] = { ":", "true", "false", NULL };

	if (!is_git_file(st, target->text, target->flags & GUARD_WORD_DYNAMIC) || (!cmd->argc && !cmd->compound_from) ||
	    (c->argc && risk_name_in(silent, c->name)))
		return;
	for (size_t i = 0; i < cmd->argc; i++)
		dynamic |= (cmd->argv[i].flags & GUARD_WORD_DYNAMIC) != 0;
	if (out && !dynamic)
		return;
	const struct guard_shell_word *ops[2];
	if (c->argc && !strcmp(c->name, "cat") && risk_operands(c, 1, "", ops, 2) == 1 && strcmp(ops[0]->text, "-"))
		source_onto_git_file(st, "cat", ops[0], target->text);
	else
		source_onto_git_file(st, c->argc && c->name[0] ? c->name : "redirect", NULL, target->text);
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
	} else if (!strcmp(c->name, "iconv")) {
		const char *out;
		char *in = iconv_reads_input(cmd, &out) && out ? written_stdin(c->sh, cmd, 1) : NULL;
		if (in)
			written(st, "iconv", out, in, false);
		free(in);
	} else if ((!strcmp(c->name, "cp") || !strcmp(c->name, "install")) && c->argc >= 3 &&
		   (!strcmp(c->argv[c->argc - 2].text, "/dev/stdin") || !strcmp(c->argv[c->argc - 2].text, "-"))) {
		/* cp /dev/stdin FILE <<< TEXT: the input lands in FILE (finding M4) */
		char *in = written_stdin(c->sh, cmd, 1);
		written(st, c->name, c->argv[c->argc - 1].text, in, false);
		free(in);
	} else if (!strcmp(c->name, "cp") || !strcmp(c->name, "mv") || !strcmp(c->name, "install") ||
		   !strcmp(c->name, "ln") || !strcmp(c->name, "rsync")) {
		copied_onto_git_file(st, c);
	}
}

/* ---- interpreter code and file tools ----------------------------------- */

/* The quoted literal at p (after blanks), or NULL. */
static char *
literal_at(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\'' && *p != '"')
		return NULL;
	const char *end = strchr(p + 1, *p);
	return end && end > p + 1 ? guard_xstrndup(p + 1, (size_t)(end - p - 1)) : NULL;
}

/*
 * The file the code opens with a literal name, or NULL: the first literal
 * after open( (python, ruby, perl; perl's mode ">" or ">file" stripped),
 * writeFileSync(, createWriteStream(, Path(..., or awk's print > "file".
 */
static char *
opened_file(const char *lang, const char *code)
{
	static const char *const opens[] = { "open(", "writeFileSync(", "appendFileSync(", "writeFile(", "appendFile(",
					     "createWriteStream(", "file_put_contents(", "File.write(", "Path(", NULL };

	if (!strcmp(lang, "awk")) {
		for (const char *p = strchr(code, '>'); p; p = strchr(p + 1, '>')) {
			char *f = literal_at(p + (p[1] == '>' ? 2 : 1));
			if (f)
				return f;
		}
		return NULL;
	}
	for (size_t k = 0; opens[k]; k++) {
		const char *p = strstr(code, opens[k]);
		if (!p)
			continue;
		p += strlen(opens[k]);
		if (!strcmp(lang, "perl")) {
			/* open(F, ">f"), open(my $f, ">", "f"): past the handle to the mode or name */
			const char *comma = strchr(p, ',');
			if (!comma)
				continue;
			char *f = literal_at(comma + 1);
			if (f && strspn(f, "+<>&= ") == strlen(f)) {
				const char *open_q = comma + 1 + strspn(comma + 1, " \t");
				const char *close_q = strchr(open_q + 1, *open_q);
				const char *next = close_q ? strchr(close_q + 1, ',') : NULL;
				free(f);
				f = next ? literal_at(next + 1) : NULL;
			}
			if (f && strspn(f, "+<>&= ") && f[strspn(f, "+<>&= ")]) {
				char *name = guard_xstrdup(f + strspn(f, "+<>&= "));
				free(f);
				f = name;
			}
			if (f)
				return f;
			continue;
		}
		char *f = literal_at(p);
		if (f)
			return f;
	}
	return NULL;
}

void
risk_written_code(struct risk_state *st, const char *lang, const char *code)
{
	static const char *const writes[] = { ".write(", "write_text(", "write_bytes(", "writeFileSync",
					      "appendFileSync", "writeFile(", "appendFile(", "createWriteStream(",
					      "file_put_contents", "File.write", "fputs(", "fwrite(", "print $fh",
					      "print {$", "syswrite", "json.dump(", "writelines(", "file=", ".puts",
					      ".print(", "<<", NULL };
	bool awk = !strcmp(lang, "awk");
	char *file = NULL;

	if (awk ? !strchr(code, '>') : !risk_text_has_any(code, writes)) {
		/* perl: open(F, ">f"); print F "..." */
		if (strcmp(lang, "perl") || !strstr(code, "open") || !strstr(code, "print"))
			return;
	}
	file = opened_file(lang, code);
	if (awk && !file)
		return;
	if (!strcmp(lang, "perl") && !file && !risk_text_has_any(code, writes))
		return;
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

struct patch_rate {
	struct risk_state *st;
	const char *tool;
};

/* A git attributes or modules file an apply_patch adds or updates: its added lines rated as a Write's (G6). */
static int
rate_patch_file(void *arg, const char *path, const char *added, size_t len, bool whole)
{
	struct patch_rate *pr = arg;

	(void)len, (void)whole;
	if (git_file(path) != GIT_FILE_NONE)
		git_drivers(pr->st, pr->tool, path, added);
	return 0;
}

void
risk_written_tool(struct risk_state *st, const char *tool, const cJSON *input)
{
	const char *path = input_text(input, "file_path");
	const cJSON *e;

	for (const char *const *k = (const char *const[]){ "input", "patch", NULL }; *k; k++)
		if (input_text(input, *k))
			guard_patch_added(input_text(input, *k), rate_patch_file, &(struct patch_rate){ st, tool });

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
