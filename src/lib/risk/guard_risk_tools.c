/*
 * Rating an event by its tool: the policy's tool table (first match),
 * then what the tool's input says: paths read or written, URLs fetched,
 * shell commands (analysed), MCP annotations and names, Kubernetes
 * namespaces and replica counts.
 */
#include <ctype.h>

#include "guard_error.h"
#include "guard_glob.h"
#include "guard_hash.h"
#include "guard_json.h"
#include "guard_mcp.h"
#include "guard_patch.h"
#include "guard_risk_int.h"

#define GUARD_MCP_DECODE_MAX (4u << 20) /* encoded text decoded for the scan, at most */

/* Does a '|'-separated list of globs match the tool name? */
static bool
pattern_matches(const char *pattern, const char *tool)
{
	char alt[256];

	for (const char *p = pattern; *p;) {
		size_t n = strcspn(p, "|");
		if (n < sizeof(alt)) {
			memcpy(alt, p, n);
			alt[n] = '\0';
			if (guard_glob_match(alt, tool))
				return true;
		}
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}

/* Built-in kinds for tools the policy does not list. */
static const struct guard_tool_rating builtin_tools[] = {
	{ "Bash|run_shell_command|shell|local_shell|exec_command|container.exec", GUARD_TOOL_ANALYSE, GUARD_LEVEL_HIGH, 'X' },
	{ "mcp__*", GUARD_TOOL_ANNOTATIONS, GUARD_LEVEL_MEDIUM, 'X' },
	{ "Read|Glob|Grep|LS|NotebookRead|read_file|read_many_files|list_directory|glob|search_file_content",
	  GUARD_TOOL_RATED, GUARD_LEVEL_LOW, 'R' },
	{ "Write|Edit|MultiEdit|NotebookEdit|write_file|replace|apply_patch", GUARD_TOOL_RATED, GUARD_LEVEL_MEDIUM, 'W' },
	{ "WebFetch|WebSearch|web_fetch|google_web_search", GUARD_TOOL_RATED, GUARD_LEVEL_LOW, 'R' },
	{ "Task|Agent|TodoWrite|TodoRead|ExitPlanMode|save_memory|BashOutput|KillShell|KillBash|SlashCommand",
	  GUARD_TOOL_RATED, GUARD_LEVEL_LOW, 'X' },
};

static const struct guard_tool_rating *
find_rating_now(const struct guard_risk_config *cfg, const char *tool, bool *from_policy)
{
	*from_policy = true;
	for (size_t i = 0; cfg && i < cfg->ntools; i++)
		if (cfg->tools[i].pattern && pattern_matches(cfg->tools[i].pattern, tool))
			return &cfg->tools[i];
	*from_policy = false;
	for (size_t i = 0; i < sizeof(builtin_tools) / sizeof(*builtin_tools); i++)
		if (pattern_matches(builtin_tools[i].pattern, tool))
			return &builtin_tools[i];
	return NULL;
}

/*
 * The tool table's answer for a tool name, kept for the compiled policy
 * it came from: every event of a stream matches its tool against each
 * pattern's alternatives again (about 600 instructions), for the same few
 * names. Keyed on the policy's serial (never reused; a config made by
 * hand, serial 0, is not kept) and the whole name.
 */
#define RATING_SLOTS 16
#define RATING_NAME_MAX 64

static const struct guard_tool_rating *
find_rating(const struct guard_risk_config *cfg, const char *tool, bool *from_policy)
{
	static _Thread_local struct rating_slot {
		unsigned long serial;
		char tool[RATING_NAME_MAX];
		const struct guard_tool_rating *r;
		bool from_policy;
	} *memo; /* made on first use: a _Thread_local array is cleared at every program's start */
	size_t n = strlen(tool);

	if (!cfg || !cfg->serial || n >= RATING_NAME_MAX)
		return find_rating_now(cfg, tool, from_policy);
	if (!memo)
		memo = guard_thread_calloc(RATING_SLOTS * sizeof(*memo));
	struct rating_slot *m = &memo[guard_table_hash(tool, n, 0) % RATING_SLOTS];
	if (m->serial != cfg->serial || strcmp(m->tool, tool)) {
		m->r = find_rating_now(cfg, tool, &m->from_policy);
		m->serial = cfg->serial;
		memcpy(m->tool, tool, n + 1);
	}
	*from_policy = m->from_policy;
	return m->r;
}

static const char *
input_str(const cJSON *input, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(input, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
tool_path(struct risk_state *st, const char *tool, const char *path, enum risk_path_op op)
{
	struct guard_shell_word w = { (char *)path, NULL, path[0] == '~' ? GUARD_WORD_TILDE : 0 };
	if (*path)
		risk_path(st, tool, &w, op);
}

/*
 * Codex's apply_patch text (input "input" or "patch"): each "*** Add File:",
 * "*** Update File:", "*** Delete File:" and "*** Move to:" header is a
 * file the patch writes or deletes. How many it named.
 */
static size_t
patch_paths(struct risk_state *st, const char *tool, const char *patch)
{
	size_t named = 0;

	for (const char *line = patch; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *p;
		size_t n;
		char kind = guard_patch_header(line, strcspn(line, "\n"), &p, &n);
		if (!kind || kind == 'E' || !n)
			continue;
		enum risk_path_op op = kind == 'A' ? PATH_TRUNCATE : kind == 'D' ? PATH_DELETE : PATH_WRITE;
		char *path = guard_xstrndup(p, n);
		risk_rule(st, op == PATH_DELETE ? GUARD_LEVEL_MEDIUM : GUARD_LEVEL_LOW,
			  op == PATH_DELETE ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE, "%s %s %s", tool,
			  op == PATH_DELETE ? "deletes" : "writes", path);
		tool_path(st, tool, path, op);
		free(path);
		named++;
	}
	return named;
}

/* The paths a file tool reads or writes. */
static void
file_tool_paths(struct risk_state *st, const char *tool, const cJSON *input)
{
	static const char *const read_keys[] = { "file_path", "path", "absolute_path", "notebook_path", NULL };
	bool writes = !strcmp(tool, "Write") || !strcmp(tool, "Edit") || !strcmp(tool, "MultiEdit") ||
		      !strcmp(tool, "NotebookEdit") || !strcmp(tool, "write_file") || !strcmp(tool, "replace") ||
		      !strcmp(tool, "apply_patch");
	size_t named = 0;

	for (size_t i = 0; read_keys[i]; i++) {
		const char *p = input_str(input, read_keys[i]);
		if (p)
			tool_path(st, tool, p, writes ? (strcmp(tool, "Write") ? PATH_WRITE : PATH_TRUNCATE) : PATH_READ);
		named += p && *p;
	}
	if (writes)
		for (const char *const *k = (const char *const[]){ "input", "patch", NULL }; *k; k++)
			if (input_str(input, *k))
				named += patch_paths(st, tool, input_str(input, *k));
	/* a writing tool whose file guard cannot read: a person looks */
	if (writes && !named)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s names no file guard can read", tool);
	if (writes)
		risk_written_tool(st, tool, input);
	/* Glob's pattern may itself reach elsewhere (an absolute or ~ pattern). */
	const char *pat = input_str(input, "pattern");
	if (pat && (!strcmp(tool, "Glob") || !strcmp(tool, "glob")) &&
	    (pat[0] == '/' || pat[0] == '~' || strstr(pat, "..")))
		tool_path(st, tool, pat, PATH_READ);
	const cJSON *paths = cJSON_GetObjectItemCaseSensitive(input, "paths");
	const cJSON *it;
	cJSON_ArrayForEach(it, paths)
		if (cJSON_IsString(it))
			tool_path(st, tool, it->valuestring, PATH_READ);
}

void
risk_fetch_url(struct risk_state *st, const char *tool, const char *url)
{
	char host[256];

	if (!strncasecmp(url, "file:", 5)) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s reads a local file by URL: %s", tool, url);
		char *path = guard_mcp_file_uri_loose(url); /* and the file it names is read (H6) */
		if (path)
			tool_path(st, tool, path, PATH_READ);
		free(path);
		return;
	}
	if (!strstr(url, "://") && !risk_url_authority(url)) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s with an unusual URL: %s", tool, url);
		return;
	}
	risk_host(st, tool, url);
	risk_url_host(url, host, sizeof(host)); /* [::1], [::ffff:127.0.0.1], [fe80::1%25eth0] too (H8) */
	if (risk_host_local(host) || risk_host_private(host) || risk_host_metadata(host))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s reaches a private, loopback or metadata address: %s",
			  tool, host);
}

static bool
name_has(const char *tool, const char *word)
{
	char lower[256];
	size_t n = 0;
	for (; tool[n] && n + 1 < sizeof(lower); n++)
		lower[n] = (char)tolower((unsigned char)tool[n]);
	lower[n] = '\0';
	return strstr(lower, word) != NULL;
}

static void analyse_command(struct risk_state *st, const char *tool, const cJSON *input);

/* An MCP annotation: 1 true, 0 false, -1 not given (short or Hint name). */
static int
hint(const cJSON *event, const char *a, const char *b)
{
	const cJSON *h = guard_json_get(event, "hints");
	const cJSON *v = guard_json_get(h, a);
	if (!cJSON_IsBool(v))
		v = guard_json_get(h, b);
	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

/* A replica count given as a number or a string ("0", "00"). */
static bool
replicas_zero(const cJSON *rep)
{
	if (cJSON_IsNumber(rep))
		return rep->valuedouble == 0;
	return cJSON_IsString(rep) && risk_count_zero(rep->valuestring);
}

/* Kubernetes through an MCP tool: namespace, replicas, secrets; writes escalate in a critical namespace. */
static void
kube_fields(struct risk_state *st, const char *tool, const cJSON *input, bool reads)
{
	const cJSON *rep = cJSON_GetObjectItemCaseSensitive(input, "replicas");
	const char *ns = input_str(input, "namespace");
	const char *res = input_str(input, "resource");
	if (!res)
		res = input_str(input, "kind");

	if (replicas_zero(rep))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s sets replicas to 0: stops the workload", tool);
	else if (name_has(tool, "patch") && risk_patch_zero_replicas(input_str(input, "patch")))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s patches replicas to 0: stops the workload", tool);
	bool secrets = res && !strncasecmp(res, "secret", 6);
	if (secrets)
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s reads Kubernetes secrets", tool);
	/* writes escalate in a critical namespace; of the reads only secrets (as kubectl get secrets) */
	if ((!reads || secrets) && ns && risk_namespace_critical(st, ns) && st->out->level < GUARD_LEVEL_CRITICAL)
		risk_rule(st, st->out->level + 1, st->out->cls, "%s in critical namespace %s", tool, ns);
}

/* A tool that runs a command somewhere else (a pod, a container, a host). */
static bool
exec_tool(const char *tool)
{
	return name_has(tool, "exec") || name_has(tool, "run_command") || name_has(tool, "shell");
}

/*
 * An MCP tool that is not read-only by a trusted server's hint: every
 * string of its arguments that names a path is a target (whatever its key,
 * file:// URIs decoded), and the text it writes is scanned for each as the
 * Write tool's content is (attacker findings H1, H4).
 */
struct mcp_args {
	struct risk_state *st;
	const char *tool;
	enum risk_path_op op;
	struct guard_list paths;
	char encoding; /* an "encoding" argument says base64 ('b') or hex ('h'): the texts are decoded for the scan too (G7, H22) */
};

/* What an "encoding" (contentEncoding, content_encoding) member anywhere in v says: 'b' base64, 'h' hex, 0 none. */
static char
says_encoding(const cJSON *v, unsigned depth)
{
	static const char *const keys[] = { "encoding", "contentEncoding", "content_encoding", NULL };
	const cJSON *e;

	if (depth > GUARD_MCP_ARGS_DEPTH || !(cJSON_IsObject(v) || cJSON_IsArray(v)))
		return 0;
	cJSON_ArrayForEach(e, v) {
		if (cJSON_IsString(e) && e->string && risk_name_in(keys, e->string) &&
		    (strcasestr(e->valuestring, "base64") || !strcasecmp(e->valuestring, "b64")))
			return 'b';
		if (cJSON_IsString(e) && e->string && risk_name_in(keys, e->string) &&
		    (!strcasecmp(e->valuestring, "hex") || !strcasecmp(e->valuestring, "base16")))
			return 'h';
		char inner = says_encoding(e, depth + 1);
		if (inner)
			return inner;
	}
	return 0;
}

/* A key whose text is encoded by its name (contentBase64, blob, bytes, data): decoded by its shape (H22). */
static bool
encoded_key(const char *key)
{
	static const char *const keys[] = { "contentBase64", "content_base64", "blob", "bytes", "data", "base64",
					    "contentHex", "content_hex", "hex", NULL };
	return key && risk_name_in(keys, key);
}

/* text decoded (a data: URL's base64; any text as the arguments' encoding says; an encoded key's by shape), or NULL. */
static char *
mcp_decoded(const struct mcp_args *a, const char *key, const char *text)
{
	const char *comma;
	size_t n = strlen(text);

	/* data:[type][;param];base64,DATA */
	if (!strncasecmp(text, "data:", 5) && (comma = strchr(text, ',')) && comma - text >= 12 &&
	    !strncasecmp(comma - 7, ";base64", 7))
		return risk_base64_decode(comma + 1) ?: risk_radix_decode(comma + 1, RADIX_BASE64URL);
	if (n > GUARD_MCP_DECODE_MAX)
		return NULL; /* bounded: the plain text is scanned still */
	if (a->encoding == 'h')
		return risk_hex_decode(text);
	if (a->encoding == 'b')
		return risk_base64_decode(text) ?: risk_radix_decode(text, RADIX_BASE64URL);
	if (!encoded_key(key))
		return NULL;
	/* hex first: every hex text is base64-shaped too */
	return (n % 2 == 0 && text[strspn(text, "0123456789abcdefABCDEF")] == '\0' ? risk_hex_decode(text) : NULL)
	       ?: risk_base64_decode(text) ?: risk_radix_decode(text, RADIX_BASE64URL);
}

static void
mcp_arg_path(void *arg, const char *key, const char *path)
{
	struct mcp_args *a = arg;
	(void)key;
	tool_path(a->st, a->tool, path, a->op);
	if (a->paths.len < 8)
		guard_list_add_unique(&a->paths, path);
}

static void
mcp_arg_text(void *arg, const char *key, const char *text)
{
	struct mcp_args *a = arg;
	char *decoded = mcp_decoded(a, key, text); /* undecodable (or binary): scanned as it is only */
	for (size_t i = 0; i < a->paths.len; i++) {
		risk_written_text(a->st, a->tool, a->paths.items[i], text);
		if (decoded)
			risk_written_text(a->st, a->tool, a->paths.items[i], decoded);
	}
	if (!a->paths.len) {
		risk_written_text(a->st, a->tool, "the file it names", text);
		if (decoded)
			risk_written_text(a->st, a->tool, "the file it names", decoded);
	}
	free(decoded);
}

/*
 * A path the arguments make when joined (the split-path family, issue 17):
 * a target like the others when it reaches guard's own files or rates high
 * on its own (git internals, outside the project); the joins of an
 * everyday call (a folder and a name in the project) change nothing. A
 * part under a place relative names start from (folder: guard's
 * directory or the server's) counts only when it reaches guard's files:
 * any word ("hello") is a name there.
 */
static void
mcp_arg_join(void *arg, const char *folder, const char *path)
{
	struct mcp_args *a = arg;

	if (!risk_guard_place(a->st, path)) {
		if (folder)
			return;
		struct guard_risk scratch;
		struct risk_state quiet = risk_quiet(a->st, &scratch, a->st->remote);
		tool_path(&quiet, a->tool, path, a->op);
		bool high = scratch.level >= GUARD_LEVEL_HIGH;
		guard_risk_release(&scratch);
		if (!high)
			return;
	}
	risk_explain(a->st, "    %s: its arguments joined name %s", a->tool, path);
	tool_path(a->st, a->tool, path, a->op);
	if (a->paths.len < 8)
		guard_list_add_unique(&a->paths, path);
}

static void
mcp_arg_targets(struct risk_state *st, const char *tool, const cJSON *input)
{
	struct mcp_args a = { st, tool, name_has(tool, "delete") || name_has(tool, "remove") ? PATH_DELETE : PATH_WRITE,
			      GUARD_LIST_INIT, says_encoding(input, 0) };

	guard_mcp_arg_paths(input, st->cwds[0], mcp_arg_path, &a);
	if (guard_mcp_arg_joins(input, st->cwds, st->ncwds, mcp_arg_join, &a) < 0)
		risk_rule(st, GUARD_LEVEL_HIGH, a.op == PATH_DELETE ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE,
			  "%s has more than %d path-like arguments (or nests them deeper than %d): the paths they join "
			  "into are not all judged", tool, GUARD_MCP_JOIN_MAX, GUARD_MCP_ARGS_DEPTH);
	guard_mcp_arg_texts(input, mcp_arg_text, &a);
	guard_list_clear(&a.paths);
}

/*
 * An MCP argument that is a web URL as a WHATWG parser reads it (Node
 * servers: leading blanks dropped, "https:host" and "https:\\\\host" are
 * https://host): into url as "scheme://rest"; false when it is none.
 */
static bool
mcp_web_url(const char *s, struct guard_buf *url)
{
	const char *rest = risk_url_authority(s);

	if (!rest)
		return false;
	s += strspn(s, " \t\r\n\f\v");
	guard_buf_addf(url, "%.*s://%s", (int)strcspn(s, ":"), s, rest);
	return true;
}

/*
 * Every string of an MCP tool's arguments that is a web URL, whatever its
 * key (url, uri, href, endpoint, nested): a host the call reaches, for
 * allowed_hosts, the session's host count and the secret rule (attack10 K5).
 */
static void
mcp_arg_hosts(struct risk_state *st, const char *tool, const cJSON *v, int depth)
{
	const cJSON *c;

	if (cJSON_IsString(v)) {
		struct guard_buf url = GUARD_BUF_INIT;
		if (mcp_web_url(v->valuestring, &url))
			risk_host(st, tool, url.buf);
		guard_buf_release(&url);
	}
	if (depth < 32)
		cJSON_ArrayForEach(c, v)
			mcp_arg_hosts(st, tool, c, depth + 1);
}

/*
 * The folders the MCP server was started with (guard mcp puts them in the
 * event as mcp_roots): the server resolves a relative path against its
 * own folder, so each is a place relative paths start from, as guard's
 * directory is; a hit under any is a hit. More than there is room for:
 * relative paths are not all judged, and a person looks.
 */
static void
mcp_roots(struct risk_state *st, const char *tool, const cJSON *event)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(event, "mcp_roots")) {
		if (!cJSON_IsString(it) || it->valuestring[0] != '/')
			continue;
		if (!risk_add_cwd(st, it->valuestring)) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s: its server was started with more than %d "
				  "folders: relative paths are not judged against them all", tool, RISK_MAX_CWDS - 1);
			return;
		}
		risk_explain(st, "    relative paths may also start at %s (the server's folder)", it->valuestring);
	}
}

/* A key whose value a runner runs: its name without case, '_' or '-' is in the list. */
static bool
command_key(const char *key)
{
	static const char *const keys[] = { "cmd", "cmds", "commands", "cmdline", "commandline", "script", "scripts",
					    "shellcommand", "shellcmd", "bash", "sh", "shell", "exec", "run", NULL };
	char k[32];
	size_t n = 0;

	for (; *key && n + 1 < sizeof(k); key++)
		if (*key != '_' && *key != '-')
			k[n++] = (char)tolower((unsigned char)*key);
	if (*key)
		return false;
	k[n] = '\0';
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

/*
 * A tool whose name says it runs what it is given: a whole word of the
 * tool's own name (after the server's, split at '_', '-', '.' and
 * lowerUpper), so "retrieval" or "truncate" are not "eval" or "run".
 */
static bool
runner_tool(const char *tool)
{
	static const char *const words[] = { "exec", "execute", "run", "shell", "terminal", "command", "cmd", "bash",
					     "sh", "console", "tty", "spawn", "eval", "script", NULL };
	const char *name = tool, *p;
	char word[32];
	size_t n = 0;

	for (p = tool; (p = strstr(p, "__")); p += 2)
		name = p + 2;
	for (p = name;; p++) {
		bool boundary = !*p || *p == '_' || *p == '-' || *p == '.' ||
				(n && isupper((unsigned char)*p) && islower((unsigned char)p[-1]));
		if (boundary && n) {
			word[n] = '\0';
			for (size_t i = 0; words[i]; i++)
				if (!strcmp(word, words[i]))
					return true;
			n = 0;
		}
		if (!*p)
			return false;
		if (isalnum((unsigned char)*p) && n + 1 < sizeof(word))
			word[n++] = (char)tolower((unsigned char)*p);
	}
}

static void
command_text(struct risk_state *st, const char *tool, const char *key, const char *text)
{
	risk_explain(st, "%s (%s): %s", tool, key, text);
	risk_command_line(st, text, strlen(text));
}

/* An array of strings as one argv line (shell-quoted), after its program when one is named. */
static void
command_argv(struct risk_state *st, const char *tool, const char *key, const char *program, const cJSON *arr)
{
	struct guard_buf line = GUARD_BUF_INIT;
	const cJSON *it;

	if (program)
		risk_add_single_quoted(&line, program);
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it))
			continue;
		if (line.len)
			guard_buf_addch(&line, ' ');
		risk_add_single_quoted(&line, it->valuestring);
	}
	if (line.len)
		command_text(st, tool, key, line.buf);
	guard_buf_release(&line);
}

/*
 * The command an MCP tool runs, under whatever key its server chose
 * (attacker finding N12): `script`, `commands`, `shell_command`,
 * `program` + `args`... are run as the `command` key is. A tool whose
 * name says it runs things has every top-level string (and each string
 * of an array, and the array as one argv) read as a command line too:
 * what it is given is what it runs. `command` itself is analysed above.
 */
static void
mcp_commands(struct risk_state *st, const char *tool, const cJSON *input)
{
	bool runner = runner_tool(tool);
	const char *program = input_str(input, "program");
	const cJSON *it;

	if (!program)
		program = input_str(input, "executable");
	if (!cJSON_IsObject(input))
		return;
	cJSON_ArrayForEach(it, input) {
		const char *key = it->string ? it->string : "";
		if (!strcmp(key, "command") || !(runner || command_key(key) || (program && (!strcmp(key, "args") ||
											   !strcmp(key, "argv")))))
			continue;
		if (cJSON_IsString(it)) {
			command_text(st, tool, key, it->valuestring);
		} else if (cJSON_IsArray(it)) {
			const cJSON *el;
			bool argv = !strcmp(key, "args") || !strcmp(key, "argv");
			if (!argv || !program)
				cJSON_ArrayForEach(el, it) if (cJSON_IsString(el)) command_text(st, tool, key, el->valuestring);
			command_argv(st, tool, key, argv ? program : NULL, it);
		}
	}
	if (program && runner && !cJSON_GetObjectItemCaseSensitive(input, "args") &&
	    !cJSON_GetObjectItemCaseSensitive(input, "argv"))
		command_text(st, tool, "program", program);
}

static void
annotations(struct risk_state *st, const char *tool, const cJSON *event, const cJSON *input)
{
	static const char *const destroy_words[] = { "delete", "drop", "destroy", "remove", "purge", "truncate",
						     "wipe", "erase", NULL };
	int destructive = hint(event, "destructive", "destructiveHint");
	int readonly = hint(event, "readOnly", "readOnlyHint");
	int idempotent = hint(event, "idempotent", "idempotentHint");
	bool exec = exec_tool(tool);

	if (destructive == 1)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s is marked destructive%s", tool,
			  idempotent == 1 ? " (idempotent: repeating it changes nothing more)" : "");
	else if (readonly == 1)
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	else if (exec)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs commands and has no read-only hint", tool);
	else if (hint(event, "untrustedReadOnlyHint", "untrustedReadOnlyHint") == 1)
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s says it is read-only, but its MCP server is not "
			  "trusted (mcp.trusted_servers)", tool);
	else if (destructive == 0)
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s changes things but is marked not destructive%s", tool,
			  idempotent == 1 ? " and idempotent" : "");
	else
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s has no read-only or destructive hint", tool);
	for (size_t i = 0; destroy_words[i]; i++)
		if (name_has(tool, destroy_words[i])) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "tool name says %s: %s", destroy_words[i], tool);
			break;
		}
	const cJSON *cmdv = cJSON_GetObjectItemCaseSensitive(input, "command");
	/*
	 * An exec tool's command runs in the pod or container: its paths are
	 * not ours. Unless guard mcp spawned the server here from a local
	 * command (mcp_local, its own word: never the server's): then it runs
	 * on this machine, as the Bash tool's does.
	 */
	bool local = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(event, "mcp_local"));
	bool was = st->remote;
	st->remote = st->remote || (exec && !local);
	if (cJSON_IsString(cmdv) || cJSON_IsArray(cmdv)) {
		if (exec)
			risk_explain(st, local ? "    %s: the command runs on this machine (guard spawned its server from a "
					 "local command)" : "    %s: the command runs remotely", tool);
		analyse_command(st, tool, input);
	}
	mcp_commands(st, tool, input);
	st->remote = was;
	const char *sql = input_str(input, "sql");
	if (!sql && (name_has(tool, "sql") || name_has(tool, "postgres") || name_has(tool, "mysql") ||
		     name_has(tool, "database") || name_has(tool, "bigquery") || name_has(tool, "supabase") ||
		     name_has(tool, "snowflake") || name_has(tool, "_db")))
		sql = input_str(input, "query");
	if (sql)
		risk_sql_text(st, tool, sql);
	if (readonly == 1) {
		/* read-only by a trusted server's word: its path arguments are reads, as before */
		static const char *const path_keys[] = { "path", "file_path", "filePath", "filename", NULL };
		for (size_t i = 0; path_keys[i]; i++) {
			const char *p = input_str(input, path_keys[i]);
			char *uri = p ? guard_mcp_file_uri_loose(p) : NULL; /* file:/ABS, file:REL too (H6) */
			if (uri)
				p = uri;
			if (p && (p[0] == '/' || p[0] == '~' || p[0] == '.' || strchr(p, '/')))
				tool_path(st, tool, p, PATH_READ);
			free(uri);
		}
	} else {
		mcp_arg_targets(st, tool, input);
	}
	kube_fields(st, tool, input, readonly == 1);
}

/* input.command as a string, or as argv (Codex): joined and analysed. */
static void
analyse_command(struct risk_state *st, const char *tool, const cJSON *input)
{
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(input, "command");

	if (cJSON_IsString(cmd)) {
		risk_explain(st, "command: %s", cmd->valuestring);
		risk_command_line(st, cmd->valuestring, strlen(cmd->valuestring));
		return;
	}
	if (cJSON_IsArray(cmd) && cJSON_GetArraySize(cmd) > 0) {
		struct guard_buf line = GUARD_BUF_INIT;
		const cJSON *it;
		cJSON_ArrayForEach(it, cmd) {
			if (!cJSON_IsString(it)) {
				guard_buf_release(&line);
				risk_unparsed(st, "%s command array holds a non-string", tool);
				return;
			}
			if (line.len)
				guard_buf_addch(&line, ' ');
			risk_add_single_quoted(&line, it->valuestring);
		}
		risk_explain(st, "command: %s", line.buf);
		risk_command_line(st, line.buf, line.len);
		guard_buf_release(&line);
		return;
	}
	risk_unparsed(st, "%s without a command string", tool);
}

int
guard_risk_rate(const struct guard_risk_ctx *ctx, const cJSON *event, struct guard_risk *out)
{
	struct risk_state st;
	const cJSON *tv = guard_json_get(event, "tool");
	const cJSON *input = guard_json_get(event, "input");
	bool from_policy;

	if (!ctx || !event || !out)
		return guard_error(GUARD_EUSAGE, "guard_risk_rate: missing argument");
	risk_state_begin(&st, ctx, out);
	if (!cJSON_IsString(tv) || !*tv->valuestring) {
		/* Before an action, an event that names no tool cannot be judged: fail closed. */
		const cJSON *ph = guard_json_get(event, "phase");
		const char *phase = cJSON_IsString(ph) ? ph->valuestring : NULL;
		if (!phase || (strcmp(phase, "post") && strcmp(phase, "other"))) {
			st.out->unparsed = true;
			risk_rule(&st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "event names no tool");
		} else {
			risk_explain(&st, "no tool: nothing to rate");
		}
		return risk_state_end(&st);
	}
	const char *tool = tv->valuestring;
	const cJSON *at = guard_json_get(event, "agent_tool"); /* the agent's own name (Gemini's web_fetch) */
	const char *agent_tool = cJSON_IsString(at) && *at->valuestring ? at->valuestring : tool;
	const struct guard_tool_rating *r = find_rating(ctx->cfg, tool, &from_policy);
	/* text typed into a running exec session (Codex write_stdin): its folder is unknown (attack7 H16) */
	if (cJSON_IsTrue(guard_json_get(event, "stdin_write"))) {
		st.cwd_unknown = true;
		risk_explain(&st, "typed into a running command: its folder is unknown, later relative paths are uncertain");
	}
	if (cJSON_IsTrue(guard_json_get(event, "stdin_partial")))
		risk_rule(&st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "text typed into a running command without Enter: the line a later write completes cannot be read");
	if (!strncmp(tool, "mcp__", 5))
		mcp_roots(&st, tool, event);
	if (!r) {
		risk_explain(&st, "tool: %s (not in the tool table)", tool);
		risk_rule(&st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "unknown tool: %s", tool);
	} else {
		static const char *const kinds[] = { "rated", "analyse", "annotations" };
		risk_explain(&st, "tool: %s (%s %s: %s)", tool, from_policy ? "policy" : "built-in", kinds[r->kind],
			     r->pattern);
		switch (r->kind) {
		case GUARD_TOOL_RATED:
			risk_base(&st, r->level, guard_class_valid(r->cls) ? r->cls : GUARD_CLASS_EXEC);
			risk_explain(&st, "    rated %s/%c by the tool table", guard_level_name(r->level), r->cls);
			/* an MCP tool rated by name (policy/examples/k8s-mcp.yaml) still escalates by namespace */
			if (!strncmp(tool, "mcp__", 5))
				kube_fields(&st, tool, input, r->cls == GUARD_CLASS_READ);
			/* a rating is a level, not a licence: what a non-read MCP tool names is still its target */
			if (!strncmp(tool, "mcp__", 5) && r->cls != GUARD_CLASS_READ && cJSON_IsObject(input))
				mcp_arg_targets(&st, tool, input);
			break;
		case GUARD_TOOL_ANALYSE:
			analyse_command(&st, tool, input);
			break;
		case GUARD_TOOL_ANNOTATIONS:
			annotations(&st, tool, event, input);
			break;
		}
	}
	if (cJSON_IsObject(input) && (!r || r->kind == GUARD_TOOL_RATED)) {
		/* a non-read MCP tool's paths are its targets already (mcp_arg_targets), not reads too */
		if (!r || strncmp(tool, "mcp__", 5) || r->cls == GUARD_CLASS_READ)
			file_tool_paths(&st, tool, input);
		risk_tree_tool(&st, agent_tool, input); /* Grep, search_file_content, read_many_files over a folder (H18) */
		const char *url = input_str(input, "url");
		if (url)
			risk_fetch_url(&st, tool, url);
		/* Gemini's web_fetch (canonical WebFetch) names its URLs in its prompt: a fetch without a url (H25) */
		if (!url && input_str(input, "prompt") && (!strcmp(tool, "WebFetch") || !strcmp(tool, "web_fetch")))
			risk_fetch_prompt(&st, agent_tool, input_str(input, "prompt"));
	}
	if (!strncmp(tool, "mcp__", 5))
		mcp_arg_hosts(&st, tool, input, 0);
	/* a token in the text of a call that goes out: the secret reaches a host no one allowed (attack9 J20) */
	if (st.out->hosts.len && cJSON_IsObject(input))
		risk_secret_outbound(&st, agent_tool, input);
	return risk_state_end(&st);
}
