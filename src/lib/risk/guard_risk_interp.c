/*
 * Interpreter one-liners (python -c, node -e, perl -e, ruby -e, php -r,
 * awk programs): a keyword scan for deletes, shell-outs, writes and
 * network use. A literal path or command string found in the call is
 * rated like the shell equivalent; anything else is rated conservatively.
 */
#include <ctype.h>
#include <strings.h>

#include "guard_risk_int.h"

#define CODE_MAX_FINDINGS 32

const char *
risk_read_literal(const char *p, char *out, size_t size)
{
	char q = *p++;
	size_t n = 0;

	while (*p && *p != q) {
		if (*p == '\\' && p[1])
			p++;
		if (n + 1 < size)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	return *p == q ? p + 1 : NULL;
}

static bool
is_quote(char c)
{
	return c == '\'' || c == '"' || c == '`';
}

/* First literal inside the call's parentheses (or after a perl-style space). */
static bool
call_literal(const char *after, char *out, size_t size)
{
	const char *p = after;
	int depth = 0;

	for (; *p && (size_t)(p - after) < 400; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth < 0)
			return false;
		else if (*p == ';' && depth <= 0)
			return false;
		else if (is_quote(*p))
			return risk_read_literal(p, out, size) != NULL;
	}
	return false;
}

static bool list_command(const char *after, struct guard_buf *cmd);

/*
 * A literal that is the call's whole first argument: system("ls"),
 * system "ls"; not execSync(Buffer.from('...').toString()) nor
 * system("guard-" + x), whose command is computed around the literal.
 */
static bool
whole_literal(const char *after, char *out, size_t size)
{
	const char *p = after;

	while (*p == '(' || *p == ' ' || *p == '\t')
		p++;
	if (!is_quote(*p) || !(p = risk_read_literal(p, out, size)))
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	/* spawn('sh', [...]), system("sh", "-c", x): the program's arguments must be literal too */
	while (*p == ',') {
		char arg[1024];
		do
			p++;
		while (*p == ' ' || *p == '\t');
		if (*p == '[') {
			struct guard_buf rest = GUARD_BUF_INIT;
			bool ok = list_command(p, &rest);
			if (ok && strlen(out) + rest.len + 2 < size)
				snprintf(out + strlen(out), size - strlen(out), " %s", rest.buf);
			guard_buf_release(&rest);
			return ok;
		}
		if (!is_quote(*p) || !(p = risk_read_literal(p, arg, sizeof(arg))) || strchr(arg, '\''))
			return false;
		if (strlen(out) + strlen(arg) + 4 < size)
			snprintf(out + strlen(out), size - strlen(out), " '%s'", arg);
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return !*p || strchr(");\n", *p);
}

/* The literal just before pos within one statement (Path('/x').unlink()). */
static bool
literal_before(const char *code, const char *pos, char *out, size_t size)
{
	const char *p = pos;
	while (p > code && (size_t)(pos - p) < 200 && p[-1] != ';' && p[-1] != '\n') {
		p--;
		if (is_quote(*p)) {
			const char *open = p - 1;
			while (open >= code && *open != *p)
				open--;
			if (open < code)
				return false;
			return risk_read_literal(open, out, size) != NULL;
		}
	}
	return false;
}

/* A list literal of strings, ['rm', '-rf', '/']: joined as a shell command. */
static bool
list_command(const char *after, struct guard_buf *cmd)
{
	const char *p = after;
	while (*p == '(' || *p == ' ')
		p++;
	if (*p != '[')
		return false;
	p++;
	for (;;) {
		char lit[1024];
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ']') {
			/* [...].pack(...): the list is only the start of a computed value */
			do
				p++;
			while (*p == ' ');
			return cmd->len > 0 && (!*p || strchr(",);\n", *p));
		}
		if (!is_quote(*p) || !(p = risk_read_literal(p, lit, sizeof(lit))))
			return false;
		/* single-quote each word so the shell parser sees it as one */
		guard_buf_addstr(cmd, cmd->len ? " '" : "'");
		for (const char *s = lit; *s; s++) {
			if (*s == '\'')
				guard_buf_addstr(cmd, "'\\''");
			else
				guard_buf_addch(cmd, *s);
		}
		guard_buf_addch(cmd, '\'');
	}
}

struct code_call {
	const char *needle;
	enum { CALL_DELETE, CALL_DELETE_TREE, CALL_EXEC, CALL_WRITE, CALL_LITERAL_BEFORE_DELETE, CALL_OPEN,
	       CALL_QUOTED_EXEC, CALL_EXEC_ARGV, CALL_TREE, CALL_EXEC_JOINED, CALL_COPY } kind;
};

static const struct code_call calls[] = {
	{ "rmtree", CALL_DELETE_TREE }, { "remove_tree", CALL_DELETE_TREE }, { "rm_rf", CALL_DELETE_TREE },
	{ "rm_r(", CALL_DELETE_TREE }, { "removedirs", CALL_DELETE_TREE }, { "rmSync", CALL_DELETE_TREE },
	{ "rmdirSync", CALL_DELETE_TREE }, { "fs.rm(", CALL_DELETE_TREE }, { "rimraf", CALL_DELETE_TREE },
	{ "deleteRecursively", CALL_DELETE_TREE }, { "Deno.remove", CALL_DELETE_TREE },
	{ "os.remove", CALL_DELETE }, { "os.unlink", CALL_DELETE }, { "os.rmdir", CALL_DELETE },
	{ "unlinkSync", CALL_DELETE }, { "fs.unlink", CALL_DELETE }, { "File.delete", CALL_DELETE },
	{ "FileUtils.rm", CALL_DELETE }, { "unlink", CALL_DELETE }, { "rmdir", CALL_DELETE },
	{ "send2trash", CALL_DELETE }, { ".unlink(", CALL_LITERAL_BEFORE_DELETE },
	{ ".rmdir(", CALL_LITERAL_BEFORE_DELETE },
	{ "os.system", CALL_EXEC }, { "subprocess", CALL_EXEC }, { "os.popen", CALL_EXEC },
	{ "os.exec", CALL_EXEC }, { "os.spawn", CALL_EXEC }, { "child_process", CALL_EXEC },
	{ "execSync", CALL_EXEC }, { "spawnSync", CALL_EXEC }, { "execFile", CALL_EXEC },
	{ "spawn(", CALL_EXEC }, { "system(", CALL_EXEC }, { "system ", CALL_EXEC }, { "exec(", CALL_EXEC },
	{ "shell_exec", CALL_EXEC }, { "passthru", CALL_EXEC }, { "popen", CALL_EXEC },
	{ "proc_open", CALL_EXEC }, { "IO.popen", CALL_EXEC }, { "Open3", CALL_EXEC }, { "qx", CALL_QUOTED_EXEC },
	{ "%x", CALL_QUOTED_EXEC }, { "exec ", CALL_EXEC }, { "spawn ", CALL_EXEC }, { "pcntl_exec", CALL_EXEC_ARGV },
	{ "posix_spawn", CALL_EXEC_ARGV }, { "Bun.$", CALL_EXEC }, { "Deno.run", CALL_EXEC }, { "Deno.Command", CALL_EXEC }, { "Bun.spawn", CALL_EXEC },
	{ "Runtime.getRuntime", CALL_EXEC }, { "do shell script", CALL_EXEC }, { "os.execute", CALL_EXEC },
	{ "io.popen", CALL_EXEC }, { "system2", CALL_EXEC_JOINED },
	{ "writeFileSync", CALL_WRITE }, { "write_text", CALL_LITERAL_BEFORE_DELETE }, { "File.write", CALL_WRITE },
	{ "file_put_contents", CALL_WRITE }, { "open(", CALL_OPEN }, { "execFileSync", CALL_EXEC },
	/* archives unpacked and folders copied by an API: rated as tar -x, unzip and cp -rT of the same names */
	{ "unpack_archive", CALL_TREE }, { "extractall", CALL_TREE }, { "extract_all", CALL_TREE },
	{ "extractAllTo", CALL_TREE }, { "extractAllToAsync", CALL_TREE }, { ".extract(", CALL_TREE },
	{ "extractEntryTo", CALL_TREE }, { "extract_archive", CALL_TREE }, { ".x(", CALL_TREE }, { "copytree", CALL_TREE }, { "copy_tree", CALL_TREE }, { "cpSync", CALL_TREE },
	{ "fs.cp(", CALL_TREE }, { "promises.cp(", CALL_TREE }, { "dircopy", CALL_TREE }, { "rcopy", CALL_TREE },
	{ "cp_r", CALL_TREE }, { "copy_entry", CALL_TREE }, { "fs-extra", CALL_TREE }, { "->extract", CALL_TREE },
	{ "extractTree", CALL_TREE }, { "fcopy", CALL_TREE }, { "shutil.move", CALL_TREE }, { "FileUtils.mv", CALL_TREE },
	{ "FileUtils.move", CALL_TREE },
	/* files copied, renamed and linked by an API: rated as cp, mv, ln of the same names (attack12 M31) */
	{ "shutil.copy(", CALL_COPY }, { "shutil.copy2(", CALL_COPY }, { "shutil.copyfile(", CALL_COPY },
	{ "copy(", CALL_COPY }, { "copy2(", CALL_COPY }, { "copyfile(", CALL_COPY }, { "move(", CALL_COPY },
	{ "rename(", CALL_COPY }, { "renames(", CALL_COPY }, { "os.replace(", CALL_COPY }, { "link(", CALL_COPY },
	{ "symlink(", CALL_COPY }, { "copyFileSync(", CALL_COPY }, { "copyFile(", CALL_COPY },
	{ "renameSync(", CALL_COPY }, { "symlinkSync(", CALL_COPY }, { "linkSync(", CALL_COPY },
	{ "FileUtils.cp(", CALL_COPY }, { "FileUtils.copy(", CALL_COPY }, { "FileUtils.copy_file(", CALL_COPY },
	{ "FileUtils.install(", CALL_COPY }, { "FileUtils.ln(", CALL_COPY }, { "FileUtils.ln_s(", CALL_COPY },
	{ "FileUtils.ln_sf(", CALL_COPY }, { "cp(", CALL_COPY }, { "mv(", CALL_COPY },
	{ ".rename(", CALL_COPY }, { ".replace(", CALL_COPY }, { ".symlink_to(", CALL_COPY },
	{ ".hardlink_to(", CALL_COPY }, { ".touch(", CALL_COPY }, { ".write_bytes(", CALL_LITERAL_BEFORE_DELETE },
	{ "appendFileSync(", CALL_WRITE }, { "appendFile(", CALL_WRITE }, { NULL, 0 },
};

/* Whole-identifier match for short needles ("unlink" not in "unlinkSync"). */
static bool
word_at(const char *code, const char *p, const char *needle)
{
	size_t n = strlen(needle);
	if (isalnum((unsigned char)needle[n - 1]) && (isalnum((unsigned char)p[n]) || p[n] == '_'))
		return false;
	if (p > code && isalnum((unsigned char)needle[0]) && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		return needle[0] == 'r' && p[-1] == '.' ? true : false;
	return true;
}

static void
code_exec(struct risk_state *st, const char *lang, const char *after)
{
	char lit[4096];
	struct guard_buf cmd = GUARD_BUF_INIT;
	char what[64];

	snprintf(what, sizeof(what), "%s shell-out", lang);
	/*
	 * subprocess.run([...]), os.system(...): look from the call's '(' (a
	 * needle that ends in '(' is there already: system(decode(...)) must
	 * not take decode's parenthesis for system's).
	 */
	const char *paren = after;
	while (after[-1] != '(' && *paren && (isalnum((unsigned char)*paren) || *paren == '.' || *paren == '_') &&
	       paren - after < 40)
		paren++;
	if (*paren == '(')
		after = paren;
	if (list_command(after, &cmd)) {
		risk_nested(st, what, cmd.buf, cmd.len);
	} else if (whole_literal(after, lit, sizeof(lit))) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a shell command", lang);
		risk_nested(st, what, lit, strlen(lit));
	} else {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed shell command", lang);
	}
	guard_buf_release(&cmd);
}

/*
 * A command given as its text: %x(...) %x{...} qx(...) `...` (after is
 * the delimiter). Interpolation (#{...}, $var) makes it computed.
 */
static void
quoted_exec(struct risk_state *st, const char *lang, const char *after)
{
	static const char opens[] = "({[<|!'\"`", closes[] = ")}]>|!'\"`";
	const char *d = strchr(opens, *after);
	struct guard_buf cmd = GUARD_BUF_INIT;
	int depth = 0;

	if (!*after || !d)
		return; /* qx as a name, not an operator */
	char open = *after, close = closes[d - opens];
	const char *p = after + 1;
	for (; *p && (*p != close || depth); p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (open != close && *p == open)
			depth++;
		else if (open != close && *p == close)
			depth--;
		guard_buf_addch(&cmd, *p);
	}
	if (!*p)
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a shell command it does not end", lang);
	else if ((open != '\'' && strchr(cmd.buf, '$')) || strstr(cmd.buf, "#{") || (strcmp(lang, "ruby") && strchr(cmd.buf, '@')))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed shell command: %s", lang, cmd.buf);
	else {
		char what[64];
		snprintf(what, sizeof(what), "%s shell-out", lang);
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a shell command", lang);
		risk_nested(st, what, cmd.buf, cmd.len);
	}
	guard_buf_release(&cmd);
}

/* Backquotes outside string literals: ruby, perl and php run their text. */
static void
backquote_exec(struct risk_state *st, const char *lang, const char *code)
{
	char q = 0;
	unsigned found = 0;

	for (const char *p = code; *p && found < CODE_MAX_FINDINGS; p++) {
		if (q && *p == '\\' && p[1])
			p++;
		else if (q && *p == q)
			q = 0;
		else if (!q && (*p == '\'' || *p == '"'))
			q = *p;
		else if (!q && *p == '`') {
			quoted_exec(st, lang, p);
			found++;
			const char *end = strchr(p + 1, '`');
			if (!end)
				return;
			p = end;
		}
	}
}

/* pcntl_exec('/bin/rm', ['-rf', '/']), os.posix_spawn(path, [argv0, ...]): a program and its words. */
static void
exec_argv(struct risk_state *st, const char *lang, const char *needle, const char *after)
{
	char path[1024];
	struct guard_buf cmd = GUARD_BUF_INIT, list = GUARD_BUF_INIT;
	const char *p = after;

	while (*p && *p != '(' && p - after < 4)
		p++;
	if (*p == '(')
		p++;
	while (*p == ' ')
		p++;
	if (!is_quote(*p) || !(p = risk_read_literal(p, path, sizeof(path)))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed program (%s)", lang, needle);
		return;
	}
	while (*p == ' ' || *p == ',')
		p++;
	risk_add_single_quoted(&cmd, path);
	if (*p == '[' && list_command(p, &list)) {
		const char *rest = list.buf;
		if (!strcmp(needle, "posix_spawn")) /* the list starts with argv[0] */
			rest = strchr(rest + 1, '\'') ? strstr(rest, "' '") : NULL;
		if (rest && *rest) {
			guard_buf_addch(&cmd, ' ');
			guard_buf_addstr(&cmd, rest[0] == '\'' && rest[1] == ' ' ? rest + 2 : rest);
		}
	} else if (*p && *p != ')') {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s with computed arguments", lang, path);
	}
	char what[64];
	snprintf(what, sizeof(what), "%s shell-out", lang);
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a program", lang);
	risk_nested(st, what, cmd.buf, cmd.len);
	guard_buf_release(&cmd);
	guard_buf_release(&list);
}

/*
 * R's system2("rm", c("-rf", "~")) or system2("rm", "-rf ~"): the
 * command and its arguments joined by spaces, as shell text (R pastes
 * them and runs the line through sh: "~" and "$(...)" in them count).
 */
void
risk_code_joined_exec(struct risk_state *st, const char *lang, const char *after)
{
	char lit[1024], what[64];
	struct guard_buf cmd = GUARD_BUF_INIT;
	const char *p = after;

	snprintf(what, sizeof(what), "%s shell-out", lang);
	while (*p == ' ' || *p == '(')
		p++;
	if (!is_quote(*p) || !(p = risk_read_literal(p, lit, sizeof(lit))))
		goto computed;
	guard_buf_addstr(&cmd, lit);
	while (*p == ' ' || *p == ',')
		p++;
	if (!strncmp(p, "args", 4) && p[4 + strspn(p + 4, " ")] == '=') /* args = ... */
		p += strspn(p + 4, " =") + 4;
	bool vector = p[0] == 'c' && p[1] == '(';
	if (!vector && *p && *p != ')' && !is_quote(*p))
		goto computed; /* system2("rm", args) */
	for (p += vector ? 2 : 0; *p && *p != ')';) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ')')
			break;
		if (!is_quote(*p) || !(p = risk_read_literal(p, lit, sizeof(lit))))
			goto computed;
		guard_buf_addf(&cmd, " %s", lit);
		if (!vector)
			break;
	}
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a shell command", lang);
	risk_nested(st, what, cmd.buf, cmd.len);
	guard_buf_release(&cmd);
	return;
computed:
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed shell command", lang);
	guard_buf_release(&cmd);
}

/* open("|cmd"), open(F, "cmd |"), open(F, "-|", "cmd"): perl and ruby run a command. */
static bool
open_pipe(struct risk_state *st, const char *lang, const char *lit, const char *rest)
{
	char cmd[4096];
	size_t n = strlen(lit);

	if (strcmp(lang, "perl") && strcmp(lang, "ruby"))
		return false;
	if (!strcmp(lit, "-|") || !strcmp(lit, "|-")) {
		while (*rest == ' ' || *rest == ',')
			rest++;
		if (!is_quote(*rest) || !risk_read_literal(rest, cmd, sizeof(cmd))) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s open runs a computed command", lang);
			return true;
		}
	} else if (n && (lit[0] == '|' || lit[n - 1] == '|')) {
		snprintf(cmd, sizeof(cmd), "%.*s", (int)(n - 1), lit[0] == '|' ? lit + 1 : lit);
	} else {
		return false;
	}
	char what[64];
	snprintf(what, sizeof(what), "%s open pipe", lang);
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s open runs a command", lang);
	risk_nested(st, what, cmd, strlen(cmd));
	return true;
}

/* ---- archives unpacked and folders copied by an API -------------------- */

#define TREE_ARGS 8

struct tree_arg {
	char name[24];   /* keyword (path=, cwd:), or "" for a positional argument */
	char text[1024]; /* the literal, when literal */
	bool literal;
};

struct tree_args {
	struct tree_arg a[TREE_ARGS];
	size_t n;
};

/* A literal whose text is computed where it stands: f'{x}', `${x}`, "#{x}", perl's "$x". */
static bool
literal_computed(char quote, const char *lang, const char *text)
{
	return strstr(text, "${") || strstr(text, "#{") ||
	       (quote == '"' && (!strcmp(lang, "perl") || !strcmp(lang, "php")) && strpbrk(text, "$@"));
}

/*
 * The arguments of the call whose '(' is at p (or after a name): positional
 * and keyword (name=, name:) ones, a JS object's members as keywords. False
 * when p starts no call.
 */
static bool
tree_args_parse(const char *lang, const char *p, struct tree_args *out, char open, char close)
{
	while (*p && *p != open && (isalnum((unsigned char)*p) || *p == '_' || *p == ' ' || *p == '.'))
		p++;
	if (*p != open)
		return false;
	p++;
	while (out->n < TREE_ARGS) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p || *p == close)
			return true;
		if (*p == '{' && open == '(') {
			/* {recursive: true, cwd: 'x'}: its members (the object is skipped below) */
			tree_args_parse(lang, p, out, '{', '}');
		} else {
			struct tree_arg *a = &out->a[out->n++];
			size_t id = 0;
			a->name[0] = a->text[0] = '\0';
			a->literal = false;
			while (isalnum((unsigned char)p[id]) || p[id] == '_')
				id++;
			const char *q = p + id;
			while (*q == ' ')
				q++;
			/* name=, name: and perl's name => (a fat comma) */
			bool fat = *q == '=' && q[1] == '>' && !strcmp(lang, "perl");
			if (id && id < sizeof(a->name) && ((*q == '=' && q[1] != '=' && (q[1] != '>' || fat)) || (*q == ':' && q[1] != ':'))) {
				memcpy(a->name, p, id);
				a->name[id] = '\0';
				p = q + 1 + fat;
				while (*p == ' ')
					p++;
			} else if (is_quote(p[id]) && id) {
				id = 0; /* f'...', r'...': a prefix */
			}
			if (is_quote(*p)) {
				const char *end = risk_read_literal(p, a->text, sizeof(a->text));
				const char *e = end;
				while (e && *e == ' ')
					e++;
				a->literal = e && (*e == ',' || *e == close) && !literal_computed(*p, lang, a->text);
			}
		}
		/* on to the next argument at this depth */
		int depth = 0;
		for (; *p; p++) {
			if (is_quote(*p)) {
				char skip[8];
				if (!(p = risk_read_literal(p, skip, 1)))
					return true;
				p--;
			} else if (*p == '(' || *p == '[' || *p == '{') {
				depth++;
			} else if ((*p == ')' || *p == ']' || *p == '}') && depth) {
				depth--;
			} else if (!depth && (*p == ',' || *p == close)) {
				break;
			}
		}
		if (*p != ',')
			return true;
		p++;
	}
	return true;
}

/* The n-th positional argument, or the keyword one named one of names ("path|cwd"). */
static const struct tree_arg *
tree_arg(const struct tree_args *t, size_t n, const char *names)
{
	size_t pos = 0;

	for (size_t i = 0; i < t->n; i++) {
		const char *nm = t->a[i].name;
		if (nm[0] && names) {
			size_t l = strlen(nm);
			for (const char *p = names; (p = strstr(p, nm)) != NULL; p += l)
				if ((p == names || p[-1] == '|') && (!p[l] || p[l] == '|'))
					return &t->a[i];
		}
	}
	for (size_t i = 0; i < t->n; i++)
		if (!t->a[i].name[0] && pos++ == n)
			return &t->a[i];
	return NULL;
}

/* Append an argument as one shell word: its literal, or a variable when computed. */
static void
tree_word(struct guard_buf *b, const struct tree_arg *a, const char *dflt)
{
	guard_buf_addch(b, ' ');
	if (a && a->literal)
		risk_add_single_quoted(b, a->text);
	else if (!a && dflt)
		risk_add_single_quoted(b, dflt);
	else
		guard_buf_addstr(b, "\"$computed\"");
}

/* The archive an extract() call works on: the literal opened before it (tarfile.open('x').extractall()). */
static bool
tree_archive_before(const char *code, const char *p, char *out, size_t size)
{
	static const char *const openers[] = { "open(", "ZipFile(", "TarFile(", "AdmZip(", "->new(", "Zip(",
					       "Archive::Tar->new", NULL };
	const char *best = NULL, *after = NULL;

	if (literal_before(code, p, out, size))
		return true;
	for (size_t i = 0; openers[i]; i++)
		for (const char *q = code; (q = strstr(q, openers[i])) != NULL && q < p; q += strlen(openers[i]))
			if (!best || q > best) {
				best = q;
				after = q + strlen(openers[i]);
			}
	return best && call_literal(after, out, size);
}

static bool
zip_name(const char *name)
{
	static const char *const exts[] = { ".zip", ".jar", ".whl", ".war", ".apk", ".nupkg", NULL };
	size_t n = strlen(name);

	for (size_t i = 0; exts[i]; i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcasecmp(name + n - e, exts[i]))
			return true;
	}
	return false;
}

/*
 * An archive unpacked or a folder copied by an interpreter's API: rated as
 * tar -x / unzip / cp -rT of the same names, so the same checks apply (a
 * folder of guard's state as the place, an archive or source folder that
 * holds guard's state, a name guard cannot read).
 */
static void
tree_call(struct risk_state *st, const char *lang, const char *code, const char *p, const char *needle)
{
	const char *after = p + strlen(needle);
	struct tree_args t = { .n = 0 };
	struct guard_buf cmd = GUARD_BUF_INIT;
	char what[96], archive[1024];
	bool move = strstr(needle, "move") || strstr(needle, ".mv");
	bool copy = move || strstr(needle, "cop") || strstr(needle, "cp") || strstr(needle, "dircopy") ||
		    strstr(needle, "fs-extra");

	if (!strcmp(needle, "fs-extra"))
		return; /* the module's name: its calls (copySync, ...) are named on their own */
	if (needle[strlen(needle) - 1] == '(')
		after--;
	if (!tree_args_parse(lang, after, &t, '(', ')')) {
		/* perl/ruby $t->extract at the statement's end: a call without arguments */
		const char *q = after;
		while (*q == ' ' || *q == '\t')
			q++;
		if ((strcmp(lang, "perl") && strcmp(lang, "ruby")) || (*q && !strchr(";\n}", *q)))
			return; /* the name, not a call */
	}
	snprintf(what, sizeof(what), "%s %s", lang, needle);
	if (what[strlen(what) - 1] == '(')
		what[strlen(what) - 1] = '\0';
	if (copy) {
		/* copytree(SRC, DST), cpSync(SRC, DST), cp_r(SRC, DST), dircopy(SRC, DST) */
		const struct tree_arg *src = tree_arg(&t, 0, "src|source"), *dst = tree_arg(&t, 1, "dst|dest|destination");
		if (!dst)
			goto out;
		guard_buf_addstr(&cmd, move ? "mv" : strstr(needle, "cp_r") ? "cp -r" : "cp -rT");
		tree_word(&cmd, src, NULL);
		tree_word(&cmd, dst, NULL);
	} else {
		const struct tree_arg *arch = NULL, *dir = NULL;
		bool have = false;
		if (!strcmp(needle, "unpack_archive") || !strcmp(needle, "extract_archive")) {
			arch = tree_arg(&t, 0, "filename|archive");
			dir = strcmp(needle, "extract_archive") ? tree_arg(&t, 1, "extract_dir") : NULL;
		} else if (tree_arg(&t, 99, "file|f") || !strcmp(needle, ".x(")) {
			/* node-tar: tar.x({file, cwd}), require('tar').extract({...}) */
			arch = tree_arg(&t, 99, "file|f");
			dir = tree_arg(&t, 99, "cwd|C");
			if (!arch)
				goto out; /* some other x() */
		} else {
			/* X.extractall(path), X.extract(member, path), zip.extractAllTo(path) */
			bool one = !strcmp(needle, ".extract(") || !strcmp(needle, "extractEntryTo") ||
				   !strcmp(needle, "extractTree");
			/* perl: Archive::Tar's extract(@members) into the working folder, Archive::Extract's extract(to => DIR) */
			dir = !strcmp(needle, "->extract") ? tree_arg(&t, 99, "to")
			      : tree_arg(&t, one ? 1 : 0, "path|targetPath|zipName|dest");
			have = tree_archive_before(code, p, archive, sizeof(archive));
		}
		if (arch && arch->literal) {
			snprintf(archive, sizeof(archive), "%s", arch->text);
			have = true;
		}
		if (!have) {
			/* the archive is computed: what lands in the folder is unknown */
			char d[1024];
			snprintf(d, sizeof(d), "%s", dir && dir->literal ? dir->text : dir ? "" : ".");
			if (d[0])
				risk_unpack_unknown(st, what, d);
			else
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s unpacks into a computed folder", what);
			goto out;
		}
		struct tree_arg a = { "", "", true };
		snprintf(a.text, sizeof(a.text), "%s", archive);
		if (zip_name(archive)) {
			guard_buf_addstr(&cmd, "unzip -o");
			tree_word(&cmd, &a, NULL);
			guard_buf_addstr(&cmd, " -d");
		} else {
			guard_buf_addstr(&cmd, "tar -x -f");
			tree_word(&cmd, &a, NULL);
			guard_buf_addstr(&cmd, " -C");
		}
		tree_word(&cmd, dir, ".");
	}
	risk_explain(st, "    %s is rated as: %s", what, cmd.buf);
	risk_nested(st, what, cmd.buf, cmd.len);
out:
	guard_buf_release(&cmd);
}

/* os.open(P, os.O_WRONLY | os.O_CREAT): flags that write (attack12 M31); rest is past P. */
static bool
os_open_writes(const char *code, const char *call, const char *rest)
{
	static const char *const flags[] = { "O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC", NULL };
	size_t n = strcspn(rest, ")");

	if (call - code < 3 || strncmp(call - 3, "os.", 3))
		return false;
	for (size_t i = 0; flags[i]; i++) {
		const char *f = strstr(rest, flags[i]);
		if (f && (size_t)(f - rest) < n)
			return true;
	}
	return false;
}

/* The shell command a copy/rename/link API is rated as (its needle names it). */
static const char *
copy_verb(const char *needle)
{
	if (strstr(needle, "symlink") || strstr(needle, "ln_s"))
		return "ln -s";
	if (strstr(needle, "link") || strstr(needle, ".ln("))
		return "ln";
	if (strstr(needle, "touch"))
		return "touch";
	if (strstr(needle, "rename") || strstr(needle, "replace") || strstr(needle, "move") || strstr(needle, "mv("))
		return "mv";
	return "cp";
}

/*
 * shutil.copy(SRC, DST), os.rename, os.link/symlink, fs.copyFileSync,
 * File.rename, FileUtils.cp/ln_s, perl's rename/link/symlink and
 * File::Copy's copy/move (attack12 M31): rated as cp/mv/ln SRC DST, so
 * DST is judged as the write it is. pathlib's P.rename(DST)/.replace(DST)
 * move P, P.symlink_to(T)/.hardlink_to(T) make P, P.touch() writes P. A
 * computed destination is left as it was rated before.
 */
static void
copy_call(struct risk_state *st, const char *lang, const char *code, const char *p, const char *needle)
{
	struct tree_args t = { .n = 0 };
	struct guard_buf cmd = GUARD_BUF_INIT;
	char what[96], recv[1024];
	bool method = needle[0] == '.';
	const char *verb = copy_verb(needle);

	/* copy(/move(/cp(/mv( after a dot: another object's method (the module's own needles cover shutil., FileUtils.) */
	if (!method && p > code && p[-1] == '.' && (!strcmp(needle, "copy(") || !strcmp(needle, "copy2(") ||
	    !strcmp(needle, "copyfile(") || !strcmp(needle, "move(") || !strcmp(needle, "cp(") || !strcmp(needle, "mv(")))
		return;
	if (method) {
		/* os.rename(, File.rename(, fs.rename(: two names, read by the plain needle */
		const char *id = p;
		while (id > code && (isalnum((unsigned char)id[-1]) || id[-1] == '_'))
			id--;
		static const char *const modules[] = { "os", "File", "fs", "promises", "FileUtils", NULL };
		char name[16];
		snprintf(name, sizeof(name), "%.*s", (int)(p - id < 15 ? p - id : 15), id);
		if (risk_name_in(modules, name) || !strstr(code, "Path") || !literal_before(code, p, recv, sizeof(recv)))
			return; /* pathlib's methods on a Path of a literal name only ("s".replace(a, b) is text) */
	}
	if (!tree_args_parse(lang, p + strlen(needle) - 1, &t, '(', ')'))
		return;
	const struct tree_arg *a0 = tree_arg(&t, 0, "src|source|target|existing|old"),
			      *a1 = tree_arg(&t, 1, "dst|dest|destination|link_name|new|to");
	struct tree_arg r = { "", "", true };
	snprintf(r.text, sizeof(r.text), "%s", recv);
	const struct tree_arg *src = method ? (!strcmp(verb, "mv") ? &r : a0) : a0;
	const struct tree_arg *dst = method ? (!strcmp(verb, "mv") ? a0 : &r) : a1;
	if (!dst || !dst->literal)
		return;
	snprintf(what, sizeof(what), "%s %.*s", lang, (int)strlen(needle) - 1, needle);
	guard_buf_addstr(&cmd, verb);
	if (strcmp(verb, "touch"))
		tree_word(&cmd, src, NULL);
	tree_word(&cmd, dst, NULL);
	risk_explain(st, "    %s is rated as: %s", what, cmd.buf);
	risk_nested(st, what, cmd.buf, cmd.len);
	guard_buf_release(&cmd);
}

static void
code_call(struct risk_state *st, const char *lang, const char *code, const char *p, const struct code_call *k)
{
	char lit[4096];
	const char *after = p + strlen(k->needle);
	char verb[96];

	switch (k->kind) {
	case CALL_EXEC:
		code_exec(st, lang, after);
		return;
	case CALL_QUOTED_EXEC:
		quoted_exec(st, lang, after);
		return;
	case CALL_EXEC_ARGV:
		exec_argv(st, lang, k->needle, after);
		return;
	case CALL_EXEC_JOINED:
		risk_code_joined_exec(st, lang, after);
		return;
	case CALL_TREE:
		tree_call(st, lang, code, p, k->needle);
		return;
	case CALL_COPY:
		copy_call(st, lang, code, p, k->needle);
		return;
	case CALL_OPEN: {
		/* open('path', 'w'): the mode says read or write */
		char mode[16] = "";
		const char *rest;
		snprintf(verb, sizeof(verb), "%s open", lang);
		const char *q = after;
		while (*q && !is_quote(*q) && *q != ')' && q - after < 40)
			q++;
		if (!is_quote(*q) || !(rest = risk_read_literal(q, lit, sizeof(lit))))
			return;
		if (open_pipe(st, lang, lit, rest))
			return;
		if (!strcmp(lang, "perl") && strchr("<>+", lit[0]) && strlen(lit) <= 3) {
			/* open(F, "<", "path"): the mode, then the path */
			snprintf(mode, sizeof(mode), "%s", lit[0] == '<' ? "r" : "w");
			while (*rest == ' ' || *rest == ',')
				rest++;
			if (is_quote(*rest) && risk_read_literal(rest, lit, sizeof(lit)))
				risk_path_str(st, verb, lit, mode[0] == 'w' ? PATH_TRUNCATE : PATH_READ);
			return;
		}
		while (*rest == ' ' || *rest == ',')
			rest++;
		if (is_quote(*rest))
			risk_read_literal(rest, mode, sizeof(mode));
		else if (os_open_writes(code, p, rest))
			snprintf(mode, sizeof(mode), "w");
		risk_path_str(st, verb, lit, strpbrk(mode, "wax+") ? PATH_TRUNCATE : PATH_READ);
		return;
	}
	case CALL_WRITE:
		snprintf(verb, sizeof(verb), "%s %s", lang, k->needle);
		if (call_literal(after, lit, sizeof(lit)))
			risk_path_str(st, verb, lit, PATH_TRUNCATE);
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s writes a file", verb);
		return;
	case CALL_LITERAL_BEFORE_DELETE:
		snprintf(verb, sizeof(verb), "%s %s", lang, k->needle);
		if (literal_before(code, p, lit, sizeof(lit)))
			risk_path_str(st, verb, lit, strstr(k->needle, "write") ? PATH_TRUNCATE : PATH_DELETE);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s on a computed path", verb);
		return;
	default:
		snprintf(verb, sizeof(verb), "%s %s", lang, k->needle);
		if (call_literal(after, lit, sizeof(lit)))
			risk_path_str(st, verb, lit, k->kind == CALL_DELETE_TREE ? PATH_DELETE_TREE : PATH_DELETE);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s deletes a computed path", verb);
	}
}

/* Path-like literals that name secrets; URLs' hosts. */
static void
code_literals(struct risk_state *st, const char *lang, const char *code)
{
	char lit[4096];
	for (const char *p = code; *p; p++) {
		if (!is_quote(*p))
			continue;
		const char *end = risk_read_literal(p, lit, sizeof(lit));
		if (!end)
			return;
		struct guard_shell_word w = { lit, NULL, 0 };
		if (risk_url_authority(lit)) /* https:host, https:///host too (L4) */
			risk_host(st, lang, lit);
		else if (lit[0] == '~')
			w.flags = GUARD_WORD_TILDE, risk_sniff_arg(st, lang, &w);
		else
			risk_sniff_arg(st, lang, &w);
		p = end - 1;
	}
}

/*
 * Is p inside a string literal that cannot run code ('...' or "..."
 * holding no interpolation: no $ @ { or backquote)? awk 'BEGIN{print
 * "system(rm)"}' prints text; "#{system('x')}" and f"{os.system(x)}" run.
 */
static bool
in_inert_literal(const char *code, const char *p)
{
	char q = 0;
	const char *open = NULL;

	for (const char *s = code; s < p; s++) {
		if (q && *s == '\\' && s[1]) {
			s++;
		} else if (q && *s == q) {
			q = 0;
		} else if (!q && (*s == '\'' || *s == '"')) {
			q = *s;
			open = s;
		}
	}
	if (!q)
		return false;
	for (const char *s = open + 1; *s && *s != q; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '$' || *s == '@' || *s == '{' || *s == '`')
			return false;
	}
	return true;
}

/* "import subprocess" ending its statement: a module imported, not a call (the calls name it again). */
static bool
imported_alone(const char *code, const char *p)
{
	const char *end = p + strlen("subprocess");

	return p - code >= 7 && !strncmp(p - 7, "import ", 7) && (!*end || strchr(";\n,", *end)) &&
	       strstr(end, "subprocess.") != NULL;
}

/* os.execvp, os.spawnlp, os.posix_spawnp with literal words: that argv run as a command (not os.system: a needle) */
static void
exec_family(struct risk_state *st, const char *lang, const char *code)
{
	static const char *const names[] = { "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp",
		"execvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
		"posix_spawnp", NULL };
	unsigned found = 0;

	if (strncmp(lang, "python", 6))
		return;
	for (const char *p = code; (p = strstr(p, "os.")) != NULL && found < CODE_MAX_FINDINGS; p += 3) {
		char name[16];
		size_t n = 0;
		while (n + 1 < sizeof(name) && (isalnum((unsigned char)p[3 + n]) || p[3 + n] == '_'))
			name[n] = p[3 + n], n++;
		name[n] = '\0';
		const char *q = p + 3 + n;
		while (*q == ' ')
			q++;
		if ((p > code && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.')) || *q != '(' ||
		    !risk_name_in(names, name) || in_inert_literal(code, p))
			continue;
		found++;
		bool spawn = name[0] == 's', list = strchr(name + (spawn ? 5 : 4), 'v') || !strcmp(name, "posix_spawnp");
		bool env = strchr(name + (spawn ? 5 : 4), 'e') != NULL;
		char what[64], path[1024], lit[1024];
		struct guard_buf cmd = GUARD_BUF_INIT, words = GUARD_BUF_INIT;
		bool computed = false;
		snprintf(what, sizeof(what), "%s os.%s", lang, name);
		q++;
		/* spawn*: the mode first (os.P_WAIT) */
		if (spawn) {
			while (*q && *q != ',' && *q != ')')
				q++;
			if (*q == ',')
				q++;
		}
		while (*q == ' ')
			q++;
		const char *e;
		if (!strchr("'\"", *q) || !(e = risk_read_literal(q, path, sizeof(path)))) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a computed program", what);
			continue;
		}
		q = e;
		while (*q == ' ' || *q == ',')
			q++;
		if (list) {
			computed = !list_command(q, &words);
		} else {
			/* the words one by one, argv[0] first; the e forms end in the environment */
			for (;;) {
				while (*q == ' ' || *q == ',')
					q++;
				if (*q == ')' || !*q)
					break;
				if (!strchr("'\"", *q) || !(e = risk_read_literal(q, lit, sizeof(lit)))) {
					/* not a literal: computed, unless it is the e form's environment (the last argument) */
					const char *r = q;
					int depth = 0;
					while (*r && (depth || (*r != ')' && *r != ','))) {
						depth += (*r == '(' || *r == '{' || *r == '[') - (*r == ')' || *r == '}' || *r == ']');
						r++;
					}
					computed = !env || *r != ')';
					break;
				}
				risk_add_single_quoted(&words, lit);
				guard_buf_addch(&words, ' ');
				q = e;
			}
		}
		if (computed) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s with computed arguments", what, path);
		} else {
			/* the program by its path, then argv[1...] */
			risk_add_single_quoted(&cmd, path);
			const char *rest = words.buf ? words.buf : "";
			const char *sp = rest[0] == '\'' ? strstr(rest, "' ") : NULL;
			if (sp && sp[2]) {
				guard_buf_addch(&cmd, ' ');
				guard_buf_addstr(&cmd, sp + 2);
			}
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a program", what);
			risk_explain(st, "    %s is rated as: %s", what, cmd.buf);
			risk_nested(st, what, cmd.buf, cmd.len);
		}
		guard_buf_release(&cmd);
		guard_buf_release(&words);
	}
}

void
risk_code_text(struct risk_state *st, const char *lang, const char *code)
{
	unsigned found = 0;
	char *canon = risk_code_canon(st, lang, code);
	const char *text = code;

	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	/* the calls as the scan knows them (aliases resolved); the literals and state as written */
	if (canon)
		code = canon;
	exec_family(st, lang, code);
	for (const struct code_call *k = calls; k->needle; k++) {
		for (const char *p = code; (p = strstr(p, k->needle)) != NULL && found < CODE_MAX_FINDINGS;
		     p += strlen(k->needle)) {
			if (!word_at(code, p, k->needle))
				continue;
			/* "unlink" inside "os.unlink" was handled by the longer needle */
			if ((!strcmp(k->needle, "unlink") || !strcmp(k->needle, "rmdir")) && p > code && p[-1] == '.')
				continue;
			if (!strcmp(k->needle, "exec(") && p > code && (p[-1] == '.' || p[-1] == '_'))
				continue;
			if ((!strcmp(k->needle, "system ") || !strcmp(k->needle, "exec ") || !strcmp(k->needle, "spawn ")) &&
			    strcmp(lang, "perl") && strcmp(lang, "ruby"))
				continue;
			if (!strcmp(k->needle, "open(") && p > code && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
				continue;
			if (in_inert_literal(code, p))
				continue; /* text the program prints, not a call */
			if (!strcmp(lang, "R") && !strcmp(k->needle, "system("))
				continue; /* R's system(CMD, intern = TRUE): its own reader (guard_risk_rcode.c) */
			if (!strcmp(k->needle, "subprocess") && imported_alone(code, p))
				continue; /* import subprocess; the calls follow as subprocess.run(...) */
			found++;
			code_call(st, lang, code, p, k);
		}
	}
	if (!strcmp(lang, "ruby") || !strcmp(lang, "perl") || !strcmp(lang, "php"))
		backquote_exec(st, lang, code);
	if (!strcmp(lang, "R"))
		risk_r_code(st, code);
	if (found >= CODE_MAX_FINDINGS)
		risk_unparsed(st, "%s code with too many calls", lang);
	code = text;
	free(canon);
	code_literals(st, lang, code);
	risk_bind_code_reads(st, code);
	risk_code_sockets(st, lang, code); /* HTTPConnection('H', P), net.connect(P, 'H'): H7 */
	risk_guard_code(st, lang, code);
	risk_written_code(st, lang, code);
	risk_secret_code(st, lang, code);
}

/* ---- awk: commands piped from or to ------------------------------------ */

static bool
awk_ident(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* p at an opening " or /: its closing one (past \\ escapes), or NULL at the end. */
static const char *
awk_skip(const char *p, char close)
{
	for (p++; *p && *p != close; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p : NULL;
}

/* Does a / at p start a regular expression (not a division)? */
static bool
awk_regex_at(const char *code, const char *p)
{
	while (p > code && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	return p == code || strchr("(,{;~!&|=<>?:\n}", p[-1]);
}

/* gawk -i inplace, -iinplace, --include[=]inplace (inplace.awk too): the files are rewritten. */
static bool
awk_inplace_on(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *v = NULL;
		if ((!strcmp(a, "-i") || !strcmp(a, "--include")) && i + 1 < c->argc)
			v = c->argv[i + 1].text;
		else if (!strncmp(a, "-i", 2) || !strncmp(a, "--include=", 10))
			v = a[1] == '-' ? a + 10 : a + 2;
		if (v && (!strcmp(v, "inplace") || !strcmp(v, "inplace.awk")))
			return true;
	}
	return false;
}

/* A word setting gawk's in-place suffix (INPLACE_SUFFIX=, inplace::suffix=): its value, else NULL. */
static const char *
awk_suffix_set(const char *w)
{
	if (!strncmp(w, "INPLACE_SUFFIX=", 15))
		return w + 15;
	return !strncmp(w, "inplace::suffix=", 16) ? w + 16 : NULL;
}

/*
 * gawk -i inplace rewrites each file operand, keeping FILE+SUFFIX when
 * INPLACE_SUFFIX (inplace::suffix) is set by -v or an operand assignment
 * (attack12 M17); set in the program or computed: any ending.
 */
static void
awk_inplace(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *const *ops, size_t n)
{
	const char *suffix = NULL;
	size_t first = risk_opt_value(c, "-f", "--file") || risk_opt_value(c, "-e", "--source") ? 0 : 1;
	bool any = first && n && (strstr(ops[0]->text, "INPLACE_SUFFIX") || strstr(ops[0]->text, "inplace::suffix"));

	if (!awk_inplace_on(c))
		return;
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *v = NULL;
		if (!strcmp(a, "-v") && i + 1 < c->argc)
			v = awk_suffix_set(c->argv[++i].text);
		else if (!strncmp(a, "-v", 2) || (a[0] != '-' && (!first || !n || &c->argv[i] != ops[0])))
			v = awk_suffix_set(a[0] == '-' ? a + 2 : a);
		if (v && (c->argv[i].flags & GUARD_WORD_DYNAMIC))
			any = true;
		else if (v)
			suffix = v;
	}
	for (size_t i = first; i < n; i++) {
		if (strchr(ops[i]->text, '=') || (ops[i]->flags & GUARD_WORD_DYNAMIC))
			continue; /* an assignment operand */
		risk_path(st, "gawk -i inplace", ops[i], PATH_WRITE);
		if (any || suffix)
			risk_backup_write(st, "gawk -i inplace (its backup)", ops[i]->text, any ? NULL : suffix,
					  RISK_STAR_NONE);
	}
}

/* The value of awk variable name: -v name=VALUE, or name = "literal" in the program; NULL when not known. */
static char *
awk_var(const struct risk_cmd *c, const char *code, const char *name, size_t n)
{
	char lit[4096];

	for (size_t i = 1; c && i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i].text, "-v") && !strncmp(c->argv[i + 1].text, name, n) &&
		    c->argv[i + 1].text[n] == '=' && !(c->argv[i + 1].flags & GUARD_WORD_DYNAMIC))
			return strstr(code, name) && awk_var(NULL, code, name, n) ? NULL /* set again */
										  : guard_xstrdup(c->argv[i + 1].text + n + 1);
	/* one assignment of a literal; every other use a pipe from or to it, or close() */
	const char *value = NULL;
	for (const char *p = code; (p = strstr(p, name)) != NULL; p += n) {
		if ((p > code && awk_ident(p[-1])) || awk_ident(p[n]))
			continue;
		const char *q = p + n;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '|' || (p - code >= 6 && !strncmp(p - 6, "close(", 6) && *q == ')'))
			continue;
		if (value || q[0] != '=' || q[1] == '=')
			return NULL; /* assigned twice, changed (sub, getline, +=) or used otherwise */
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		const char *end;
		if (*q != '"' || !(end = risk_read_literal(q, lit, sizeof(lit))))
			return NULL;
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end && !strchr(";}\n", *end))
			return NULL;
		value = q;
	}
	return value ? guard_xstrdup(lit) : NULL;
}

/*
 * The command of an expression between from and to: one string literal,
 * or a variable holding one. NULL when computed.
 */
static char *
awk_command(const struct risk_cmd *c, const char *code, const char *from, const char *to)
{
	char lit[4096];

	while (from < to && (*from == ' ' || *from == '\t' || *from == '('))
		from++;
	while (to > from && (to[-1] == ' ' || to[-1] == '\t' || to[-1] == ')'))
		to--;
	if (from < to && *from == '"') {
		const char *end = risk_read_literal(from, lit, sizeof(lit));
		return end == to ? guard_xstrdup(lit) : NULL;
	}
	for (const char *p = from; p < to; p++)
		if (!awk_ident(*p))
			return NULL;
	char name[64];
	if (from == to || (size_t)(to - from) >= sizeof(name))
		return NULL;
	memcpy(name, from, (size_t)(to - from));
	name[to - from] = '\0';
	return awk_var(c, code, name, strlen(name));
}

/* Start of the expression ending at p: after ( { ; newline, or the print keyword. */
static const char *
awk_expr_start(const char *code, const char *p, bool *printed)
{
	int depth = 0;

	*printed = false;
	while (p > code) {
		char ch = p[-1];
		if (ch == ')')
			depth++;
		else if (ch == '(' && depth-- == 0)
			return p;
		else if (depth <= 0 && strchr("{;\n}", ch))
			return p;
		else if (ch == '"') { /* skip a string literal backwards */
			p--;
			while (p > code && !(p[-1] == '"' && (p - 1 == code || p[-2] != '\\')))
				p--;
			if (p > code)
				p--;
			continue;
		}
		if (depth <= 0 && p - code >= 5 && !strncmp(p - 5, "print", 5) && (p - 5 == code || !awk_ident(p[-6])) &&
		    !awk_ident(*p)) {
			*printed = true;
			return p;
		}
		if (depth <= 0 && p - code >= 6 && !strncmp(p - 6, "printf", 6) && (p - 6 == code || !awk_ident(p[-7])) &&
		    !awk_ident(*p)) {
			*printed = true;
			return p;
		}
		p--;
	}
	return p;
}

/* End of the expression starting at start: before ; } newline or an unbalanced ). */
static const char *
awk_expr_end(const char *start)
{
	const char *p = start;
	int depth = 0;

	for (; *p; p++) {
		if (*p == '"') {
			if (!(p = awk_skip(p, '"')))
				return strchr(start, '\0');
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth-- == 0) {
			return p;
		} else if (depth <= 0 && strchr(";}\n", *p)) {
			return p;
		}
	}
	return p;
}

/* awk pipes what it prints into cmd: a shell runs the printed text. */
static void
awk_print_into(struct risk_state *st, const struct risk_cmd *c, const char *code, const char *cmd,
	       const char *what_from, const char *what_to)
{
	struct guard_shell sh;
	bool shell = false;

	memset(&sh, 0, sizeof(sh));
	guard_shell_parse(&sh, cmd, strlen(cmd), NULL);
	if (sh.ncmds == 1 && sh.cmds[0].argc && !(sh.cmds[0].argv[0].flags & GUARD_WORD_DYNAMIC))
		shell = risk_is_shell(risk_basename(sh.cmds[0].argv[0].text)) &&
			(sh.cmds[0].argc == 1 || !strcmp(sh.cmds[0].argv[1].text, "-s") ||
			 !strcmp(sh.cmds[0].argv[1].text, "-"));
	guard_shell_release(&sh);
	risk_nested(st, "awk print pipe", cmd, strlen(cmd));
	if (!shell)
		return;
	char *text = awk_command(c, code, what_from, what_to);
	if (text) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "awk prints a command into %s", cmd);
		risk_nested(st, "awk print | sh", text, strlen(text));
	} else {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "awk prints computed commands into %s", cmd);
	}
	free(text);
}

/*
 * awk runs a command by piping: "cmd" | getline, cmd |& getline (the
 * command on the left), print ... | "cmd", print |& "cmd" (on the
 * right). A literal command (or a variable set to one) is rated as a
 * shell command; a computed one is medium with the reason. A | inside a
 * string or a regular expression is text.
 */
static void
awk_pipes(struct risk_state *st, const struct risk_cmd *c, const char *code)
{
	unsigned found = 0;

	for (const char *p = code; *p && found < CODE_MAX_FINDINGS; p++) {
		if (*p == '"' || (*p == '/' && awk_regex_at(code, p))) { /* a string or a regular expression */
			if (!(p = awk_skip(p, *p)))
				return;
			continue;
		}
		if (*p == '#') { /* a comment to the end of the line */
			while (p[1] && p[1] != '\n')
				p++;
			continue;
		}
		if (*p != '|' || p[1] == '|' || (p > code && p[-1] == '|'))
			continue;
		const char *after = p + 1 + (p[1] == '&');
		const char *q = after;
		while (*q == ' ' || *q == '\t')
			q++;
		found++;
		bool printed;
		const char *start = awk_expr_start(code, p, &printed);
		while (start < p && (*start == ' ' || *start == '\t'))
			start++;
		char *cmd;
		if (!strncmp(q, "getline", 7) && !awk_ident(q[7])) {
			cmd = awk_command(c, code, start, p);
			if (cmd) {
				risk_explain(st, "    awk reads the output of: %s", cmd);
				risk_nested(st, "awk getline", cmd, strlen(cmd));
			} else {
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
					  "awk runs a computed command and reads its output: %.*s| getline", (int)(p - start), start);
			}
		} else {
			const char *end = awk_expr_end(q);
			cmd = awk_command(c, code, q, end);
			if (cmd)
				awk_print_into(st, c, code, cmd, start, p);
			else
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
					  "awk %s a computed command: | %.*s", printed ? "prints into" : "pipes into",
					  (int)(end - q), q);
		}
		free(cmd);
		p = after - 1;
	}
	if (found >= CODE_MAX_FINDINGS)
		risk_unparsed(st, "awk code with too many pipes");
}

/* Django's manage.py: flush and reset wipe the database. */
static void
risk_django(struct risk_state *st, const struct risk_cmd *c)
{
	if (risk_arg_has(c, "flush") || risk_arg_has(c, "reset_db") || risk_arg_has(c, "sqlflush"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "manage.py flush wipes the database");
	else if (risk_arg_has(c, "migrate"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "manage.py migrate changes the database schema");
}

/*
 * The arguments after the code or the script are the program's to read
 * (perl -ne 'print' .env, python3 x.py ~/.ssh/id_rsa): every one that is
 * not an option is checked as a path it may read.
 */
static void
program_args_read(struct risk_state *st, const struct risk_cmd *c, size_t from, const char *lang)
{
	for (size_t k = from; k < c->argc; k++)
		if (c->argv[k].text[0] != '-')
			risk_path(st, lang, &c->argv[k], PATH_READ);
}

static void
code_word(struct risk_state *st, const char *lang, const struct guard_shell_word *w, const char *text)
{
	if (w->flags & GUARD_WORD_DYNAMIC)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs computed code", lang);
	else
		risk_code_text(st, lang, text);
}

/* python -m MOD ARGS (the module's word at index at). */
static void
python_module(struct risk_state *st, const struct risk_cmd *c, const char *lang, const char *mod, size_t at)
{
	if (!strcmp(mod, "pip")) {
		struct risk_cmd pip = *c;
		pip.argv += at;
		pip.argc -= at;
		snprintf(pip.name, sizeof(pip.name), "pip");
		risk_analyse_cmd(st, &pip);
	} else if (!strcmp(mod, "http.server") || !strcmp(mod, "SimpleHTTPServer")) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s serves files over http", lang);
	} else if (!strcmp(mod, "twine") && at + 1 < c->argc && !strcmp(c->argv[at + 1].text, "upload")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "twine upload publishes a package");
	} else {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	}
}

/*
 * perl/ruby edit in place with -i, or when their code sets the in-place
 * variable ($^I, $INPLACE_EDIT; ruby's $-i) to a suffix guard cannot see.
 */
static bool
in_place(const char *lang, const struct risk_interp_code *found, const char **suffix, bool *unknown)
{
	bool perl = !strcmp(lang, "perl"), ruby = !strcmp(lang, "ruby");

	*suffix = found->backup;
	*unknown = found->backup_unknown;
	for (size_t k = 0; k < found->n && (perl || ruby); k++) {
		const char *t = found->at[k].text;
		if (perl ? strstr(t, "$^I") || strstr(t, "{^I}") || strstr(t, "INPLACE_EDIT") : strstr(t, "$-i") != NULL)
			*unknown = true;
	}
	return (perl || ruby) && (found->inplace || *unknown);
}

/*
 * The arguments after the code or the script: with -i each is rewritten and
 * its old text kept under the backup's name (perl: '*' is the name as
 * given; ruby appends), else each is read.
 */
static void
after_code(struct risk_state *st, const struct risk_cmd *c, const char *lang, size_t from,
	   const struct risk_interp_code *found)
{
	const char *suffix;
	bool unknown;
	char verb[32];

	if (!in_place(lang, found, &suffix, &unknown)) {
		program_args_read(st, c, from, lang);
		return;
	}
	snprintf(verb, sizeof(verb), "%s -i", lang);
	for (size_t k = from; k < c->argc; k++) {
		const struct guard_shell_word *w = &c->argv[k];
		if (w->text[0] == '-')
			continue;
		risk_path(st, verb, w, PATH_WRITE);
		if (!(w->flags & GUARD_WORD_DYNAMIC) && (suffix || unknown))
			risk_backup_write(st, verb, w->text, unknown ? NULL : suffix,
					  strcmp(lang, "perl") ? RISK_STAR_NONE : RISK_STAR_WHOLE);
	}
}

/*
 * -c CODE / -e CODE / -r CODE, or a script, or stdin. The code is where
 * the interpreter's option table puts it (guard_risk_interp_opts.c); the
 * older reading below (perl's -pie taken as code) is kept beside it.
 */
static void
rate_interp(struct risk_state *st, const struct risk_cmd *c, const char *lang, const char *code_opts,
	    const char *with_arg)
{
	struct risk_interp_code found;

	risk_interp_code(c, lang, &found);
	for (size_t k = 0; k < found.n; k++)
		code_word(st, lang, found.at[k].w, found.at[k].text);
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strcmp(t, "--"))
			break;
		if (t[0] != '-' || !t[1])
			break;
		/* "-c", "-e", and perl's clusters like "-pie", "-lne" */
		bool is_code = false;
		if (t[1] != '-') {
			char opt[3] = { '-', t[strlen(t) - 1], '\0' };
			/* perl -MFile::Path=rmtree / -Ilib take a value: no cluster ends in them */
			bool cluster = !strcmp(lang, "perl") && !strchr("MmIx", t[1]) && !strpbrk(t, ":=/.");
			is_code = strstr(code_opts, opt) != NULL && (strlen(t) == 2 || cluster);
		} else {
			is_code = strstr(code_opts, t) != NULL && t[2];
		}
		if (is_code && i + 1 < c->argc) {
			const struct guard_shell_word *w = &c->argv[i + 1];
			bool seen = false;
			for (size_t k = 0; k < found.n; k++)
				seen |= found.at[k].w == w && found.at[k].text == w->text;
			if (!seen)
				code_word(st, lang, w, w->text);
			after_code(st, c, lang, i + 2, &found);
			return;
		}
		if (!strcmp(t, "-m") && i + 1 < c->argc) {
			python_module(st, c, lang, c->argv[i + 1].text, i + 1);
			return;
		}
		if (strstr(with_arg, t) && i + 1 < c->argc)
			i++;
	}
	if (found.n && !found.unsure) {
		after_code(st, c, lang, found.end, &found);
		return;
	}
	if (found.module) {
		python_module(st, c, lang, found.module, found.module_at);
		return;
	}
	const struct guard_shell_word *ops[2];
	if (risk_operands(c, 1, with_arg, ops, 2) && strcmp(ops[0]->text, "-")) {
		if (risk_subst_program(st, ops[0], lang, STDIN_CODE))
			return;
		risk_path(st, lang, ops[0], PATH_EXEC);
		risk_interp_script_unplaced(st, lang, ops[0]);
		after_code(st, c, lang, (size_t)(ops[0] - c->argv) + 1, &found);
		if (!strcmp(risk_basename(ops[0]->text), "manage.py"))
			risk_django(st, c);
		return;
	}
	risk_stdin_program(st, c, lang, STDIN_CODE);
}

/*
 * bun -e/-p/--eval/--print CODE, deno eval [-p] CODE: JavaScript given on
 * the command line, rated as node's (true); other uses are not claimed.
 */
static bool
js_runtime_eval(struct risk_state *st, const struct risk_cmd *c)
{
	if (!strcmp(c->name, "bun")) {
		struct risk_interp_code found;
		risk_interp_code(c, "bun", &found);
		for (size_t k = 0; k < found.n; k++)
			code_word(st, "node", found.at[k].w, found.at[k].text);
		if (found.n)
			program_args_read(st, c, found.end, "bun");
		return found.n > 0;
	}
	size_t sub = 1;
	while (sub < c->argc && c->argv[sub].text[0] == '-')
		sub++;
	if (sub >= c->argc || strcmp(c->argv[sub].text, "eval"))
		return false;
	/* deno eval's options take their values with "=": every other word is the code */
	for (size_t k = sub + 1; k < c->argc; k++)
		if (c->argv[k].text[0] != '-')
			code_word(st, "node", &c->argv[k], c->argv[k].text);
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	return true;
}

/*
 * R without -e (K16): R CMD TOOL is one of R's tools, but R CMD PROG ARGS
 * runs any other program; R CMD BATCH FILE, R -f FILE and --file=FILE run
 * a script as Rscript FILE does; R given its code on stdin (a pipe, <<<,
 * a heredoc, < FILE) runs it. R alone at a terminal is the console.
 */
static bool
r_front_end(struct risk_state *st, struct risk_cmd *c)
{
	static const char *const tools[] = { "COMPILE", "SHLIB", "INSTALL", "REMOVE", "build", "check", "Rprof",
					     "Rdconv", "Rd2pdf", "Rd2txt", "Stangle", "Sweave", "config", "javareconf",
					     "rtags", "Rdiff", "LINK", "texify", "open", NULL };
	struct risk_cmd inner = *c;

	if (c->argc > 2 && !strcmp(c->argv[1].text, "CMD")) {
		inner.argv += 2;
		inner.argc -= 2;
		if (!strcmp(c->argv[2].text, "BATCH")) {
			risk_analyse_as(st, &inner, "Rscript");
			return true;
		}
		if (!(c->argv[2].flags & GUARD_WORD_DYNAMIC) && risk_name_in(tools, c->argv[2].text)) {
			static const char *const runs_package[] = { "INSTALL", "build", "check", NULL };
			if (risk_name_in(runs_package, c->argv[2].text)) /* as pip install does (attack11 L10) */
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC,
					  "R CMD %s runs the package's own code (configure, Makevars, tests)", c->argv[2].text);
			return false; /* R CMD build / check / INSTALL: a development tool */
		}
		risk_explain(st, "    R CMD runs %s as a program", c->argv[2].text);
		risk_analyse_cmd(st, &inner);
		return true;
	}
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if ((!strcmp(t, "-f") || !strcmp(t, "--file")) && i + 1 < c->argc) {
			struct guard_shell_word words[2] = { c->argv[0], c->argv[i + 1] };
			inner.argv = words;
			inner.argc = 2;
			risk_analyse_as(st, &inner, "Rscript");
			return true;
		}
		if (!strncmp(t, "--file=", 7)) {
			struct guard_shell_word words[2] = { c->argv[0], c->argv[i] };
			words[1].text = (char *)t + 7;
			inner.argv = words;
			inner.argc = 2;
			risk_analyse_as(st, &inner, "Rscript");
			return true;
		}
	}
	bool input = c->cmd->pipe_pos;
	for (size_t i = 0; i < c->cmd->nredirs; i++)
		input |= c->cmd->redirs[i].op == GUARD_REDIR_IN || c->cmd->redirs[i].op == GUARD_REDIR_HEREDOC ||
			 c->cmd->redirs[i].op == GUARD_REDIR_HERESTRING;
	if (!input)
		return false; /* R, R --vanilla > log: the console (a development tool) */
	risk_stdin_program(st, c, "R", STDIN_CODE);
	return true;
}

const char *const risk_interp_verbs[] = {
	"python*", "pypy*", "node", "nodejs", "perl", "ruby", "php", "lua", "luajit", "Rscript", "R", "osascript",
	"awk", "gawk", "mawk", "bun", "deno", NULL
};

bool
risk_verb_interp(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strncmp(n, "python", 6) || !strncmp(n, "pypy", 4)) {
		rate_interp(st, c, "python", "-c", "-W -X -Q");
	} else if (!strcmp(n, "node") || !strcmp(n, "nodejs")) {
		if (c->argc == 1 && !c->cmd->pipe_pos && !c->cmd->nredirs)
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
		else
			rate_interp(st, c, "node", "-e --eval -p --print", "-r --require --import --loader");
	} else if (!strcmp(n, "perl")) {
		rate_interp(st, c, "perl", "-e -E", "-I -M -m -x");
	} else if (!strcmp(n, "ruby")) {
		rate_interp(st, c, "ruby", "-e", "-I -r -C");
	} else if (!strcmp(n, "php")) {
		rate_interp(st, c, "php", "-r", "-d -c -f");
	} else if (!strcmp(n, "lua") || !strcmp(n, "luajit")) {
		rate_interp(st, c, "lua", "-e", "-l");
	} else if (!strcmp(n, "R") && !risk_opt_value(c, "-e", NULL)) {
		return r_front_end(st, c);
	} else if (!strcmp(n, "Rscript") || !strcmp(n, "R")) {
		rate_interp(st, c, "R", "-e", "");
	} else if (!strcmp(n, "osascript")) {
		rate_interp(st, c, "osascript", "-e", "-l");
	} else if (!strcmp(n, "bun") || !strcmp(n, "deno")) {
		return js_runtime_eval(st, c); /* else the package manager's rules */
	} else if (!strcmp(n, "awk") || !strcmp(n, "gawk") || !strcmp(n, "mawk")) {
		/* awk is a reader, unless its program calls system() or pipes from or to a command */
		const struct guard_shell_word *ops[1];
		for (size_t i = 1; i + 1 < c->argc; i++) /* awk -f FILE: a program that runs, its text not read */
			if (!strcmp(c->argv[i].text, "-f") || !strcmp(c->argv[i].text, "--file"))
				risk_path(st, "awk -f", &c->argv[i + 1], PATH_EXEC);
		const struct guard_shell_word **all;
		size_t nall = risk_operands_all(st, c, 1, "-f -v -F -i --include -e -l -E", &all);
		awk_inplace(st, c, all, nall);
		if (!risk_opt_value(c, "-f", "--file") && risk_operands(c, 1, "-f -v -F", ops, 1)) {
			if (ops[0]->flags & GUARD_WORD_DYNAMIC)
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "awk runs a computed program: %s", ops[0]->text);
			else if (strstr(ops[0]->text, "system"))
				risk_code_text(st, "awk", ops[0]->text);
			else if (strchr(ops[0]->text, '>'))
				risk_written_code(st, "awk", ops[0]->text); /* print "..." > "file" */
			if (!(ops[0]->flags & GUARD_WORD_DYNAMIC) && strchr(ops[0]->text, '|'))
				awk_pipes(st, c, ops[0]->text);
		}
		return false; /* the reader rules still apply to its files */
	} else {
		return false;
	}
	return true;
}
