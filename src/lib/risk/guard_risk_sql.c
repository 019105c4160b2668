/*
 * SQL through database clients (psql -c, mysql -e, sqlite3 db "..",
 * mongosh --eval, redis-cli): DROP and TRUNCATE are critical, DELETE or
 * UPDATE without WHERE critical, with WHERE high / medium; plus the
 * migration tools that wipe databases.
 */
#include <ctype.h>
#include <glob.h>
#include <sys/stat.h>

#include "guard_error.h"
#include "guard_path.h"
#include "guard_risk_int.h"

/* Next statement keyword at p (comments and blanks skipped); NULL at end. */
static const char *
skip_noise(const char *p)
{
	for (;;) {
		while (*p && (isspace((unsigned char)*p) || *p == '(' || *p == ';'))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			return *p ? p : NULL;
		}
	}
}

/* End of the statement starting at p (the ';' outside quotes, or the end). */
static const char *
statement_end(const char *p)
{
	char q = 0;
	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			q = *p;
		} else if (*p == ';') {
			return p;
		}
	}
	return p;
}

static bool
keyword(const char *p, const char *kw)
{
	size_t n = strlen(kw);
	return !strncasecmp(p, kw, n) && !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/* The keyword in the statement [p, end) outside quotes, or NULL. */
static const char *
find_keyword(const char *p, const char *end, const char *kw)
{
	char q = 0;
	for (const char *s = p; s < end; s++) {
		if (q) {
			if (*s == q)
				q = 0;
		} else if (*s == '\'' || *s == '"' || *s == '`') {
			q = *s;
		} else if ((s == p || !isalnum((unsigned char)s[-1])) && keyword(s, kw)) {
			return s;
		}
	}
	return NULL;
}

static bool
has_keyword(const char *p, const char *end, const char *kw)
{
	return find_keyword(p, end, kw) != NULL;
}

/* The SQL string at k ('...', '' for a quote) into out; past it, or NULL when it does not end before end. */
static const char *
sql_string(const char *k, const char *end, char *out, size_t size)
{
	size_t n = 0;

	for (k++; k < end; k++) {
		if (*k == '\'' && (k + 1 >= end || k[1] != '\''))
			break;
		k += *k == '\'';
		if (n + 1 < size)
			out[n++] = *k;
	}
	out[n] = '\0';
	return k < end ? k + 1 : NULL;
}

/*
 * The command of "COPY ... PROGRAM 'CMD'" / psql's "\copy ... program
 * 'CMD'" in [p, end) into out (SQL quoting: '' is a quote): 1; 0 without
 * PROGRAM; -1 when its text is not a plain '...' string (E'..', $$..$$).
 */
static int
copy_program(const char *p, const char *end, char *out, size_t size)
{
	const char *k = find_keyword(p, end, "PROGRAM");

	if (!k)
		return 0;
	for (k += 7; k < end && isspace((unsigned char)*k); k++)
		;
	return k < end && *k == '\'' && sql_string(k, end, out, size) ? 1 : -1;
}

/* A copy to or from a program (attack10 K8): where is "on the client" (\\copy) or "on the database server". */
static void
copy_program_rule(struct risk_state *st, const char *client, const char *p, const char *end, bool server)
{
	char cmd[4096];
	int got = copy_program(p, end, cmd, sizeof(cmd));

	if (!got)
		return;
	risk_rule(st, server ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s: COPY runs a program %s: %.*s",
		  client, server ? "on the database server, as its user" : "through the shell", (int)(end - p), p);
	if (got < 0)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s: COPY runs a program guard cannot read: %.*s", client,
			  (int)(end - p), p);
	else
		risk_nested(st, client, cmd, strlen(cmd));
}

/* Does word (length n) abbreviate full, as sqlite3 takes its dot-commands (".sh" is .shell)? */
static bool
abbreviates(const char *word, size_t n, const char *full)
{
	return n >= 2 && n <= strlen(full) && !strncasecmp(word, full, n); /* mysql's SYSTEM as system (attack12 M7) */
}

/*
 * The shell text a client command hands to a pipe (".once '|CMD'", "\\o
 * |CMD"; a quoted one with its backslash escapes taken, as sqlite3 does)
 * into out, or false.
 */
static bool
piped_command(const char *args, const char *end, char *out, size_t size)
{
	for (const char *a = args; a < end; a++) {
		bool q = *a == '\'' || *a == '"';
		if (a[q] != '|' || (a > args && !isspace((unsigned char)a[-1])))
			continue;
		if (q) {
			risk_read_literal(a, out, size);
			memmove(out, out + 1, strlen(out)); /* the '|' */
		} else {
			snprintf(out, size, "%.*s", (int)(end - a - 1), a + 1);
		}
		return true;
	}
	return false;
}

/*
 * psql's "\\copy TABLE|(QUERY) to|from FILE": the file is written or read
 * here, as the agent's user (attack10 K8). stdin, stdout, pstdin and pstdout
 * are no file.
 */
static void
copy_file(struct risk_state *st, const char *client, const char *args, const char *end)
{
	int depth = 0;
	char q = 0, file[4096];

	for (const char *s = args; s < end; s++) {
		if (q) {
			q = *s == q ? 0 : q;
		} else if (*s == '\'' || *s == '"') {
			q = *s;
		} else if (*s == '(' || *s == ')') {
			depth += *s == '(' ? 1 : -1;
		} else if (!depth && isspace((unsigned char)s[-1]) && (keyword(s, "to") || keyword(s, "from"))) {
			bool to = keyword(s, "to");
			const char *f = s + (to ? 2 : 4);
			while (f < end && isspace((unsigned char)*f))
				f++;
			size_t n = *f == '\'' ? 0 : strcspn(f, " \t\r\n;");
			if (*f == '\'')
				sql_string(f, end, file, sizeof(file));
			else
				snprintf(file, sizeof(file), "%.*s", (int)(n < (size_t)(end - f) ? n : (size_t)(end - f)), f);
			if (file[0] && strcasecmp(file, "stdin") && strcasecmp(file, "stdout") &&
			    strcasecmp(file, "pstdin") && strcasecmp(file, "pstdout"))
				risk_path_str(st, client, file, to ? PATH_TRUNCATE : PATH_READ);
			return;
		}
	}
}

/* The client's output piped into cmd (.once |CMD, \\o |CMD, psql -o '|CMD'). */
static void
pipe_into(struct risk_state *st, const char *client, const char *cmd)
{
	char first[64];

	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s pipes into a shell command: %s", client, cmd);
	risk_nested(st, client, cmd, strlen(cmd));
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(cmd, " \t"), cmd);
	if (risk_is_shell(risk_basename(first))) /* .once |sh: the query's output is the script */
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s pipes query output into a shell: %s", client, cmd);
}

static bool
is_psql(const char *client)
{
	return !strncmp(client, "psql", 4) || !strcmp(client, "pgcli") || !strcmp(client, "PSQLRC") ||
	       !strncmp(client, "usql", 4) || !strncmp(client, "ysqlsh", 6) || !strncmp(client, "vsql", 4); /* psql's forks and kin */
}

/*
 * psql runs every `...` span in a backslash command's arguments with
 * popen() and puts its output in their place, whatever the command
 * (\\set x `CMD`, \\echo, \\setenv, \\cd, \\gset, attack11 L8): each span
 * is a shell line. One that holds :NAME, :'NAME' or :"NAME" is filled from
 * psql's variables first: a computed command. Quotes are not followed: a
 * backquote inside '...' is rated too, on the safe side.
 */
static void
backquoted(struct risk_state *st, const char *client, const char *args, const char *end)
{
	for (const char *a = memchr(args, '`', (size_t)(end - args)); a && a < end;) {
		const char *b = memchr(a + 1, '`', (size_t)(end - a - 1));
		const char *close = b ? b : end;
		size_t n = (size_t)(close - a - 1);
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs backquoted text through the shell: %.*s", client,
			  (int)n, a + 1);
		bool var = false;
		for (const char *v = a + 1; v + 1 < close && !var; v++)
			var = v[0] == ':' && (isalpha((unsigned char)v[1]) || v[1] == '_' || v[1] == '\'' || v[1] == '"');
		if (var)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs a command filled from its variables: %.*s",
				  client, (int)n, a + 1);
		risk_nested(st, client, a + 1, n);
		a = b ? memchr(b + 1, '`', (size_t)(end - b - 1)) : NULL;
	}
}

/* The last word of [args, end), unquoted, into out (\\o FILE, \\lo_export OID FILE, tee FILE). */
static void
last_word(const char *args, const char *end, char *out, size_t size)
{
	const char *w = end;
	while (w > args && isspace((unsigned char)w[-1]))
		end = --w;
	while (w > args && !isspace((unsigned char)w[-1]))
		w--;
	snprintf(out, size, "%.*s", (int)(end - w), w);
	size_t wl = strlen(out);
	if (wl > 1 && (out[0] == '\'' || out[0] == '"') && out[wl - 1] == out[0]) {
		out[wl - 1] = '\0';
		memmove(out, out + 1, wl - 1);
	}
}

/*
 * A client command that writes its output to a file (attack11 L8): psql's
 * \\o/\\out, \\w/\\write, \\g/\\gx FILE, \\s FILE, \\lo_export OID FILE;
 * mysql's tee/\\T FILE. True when name is one.
 */
static bool
writes_file(struct risk_state *st, const char *client, const char *name, size_t n, const char *args, const char *end)
{
	static const char *const psql[] = { "o", "out", "w", "write", "g", "gx", "s", "lo_export", NULL };
	char cmd[16], file[4096];
	bool mysql = !is_psql(client);

	snprintf(cmd, sizeof(cmd), "%.*s", (int)(n < 15 ? n : 15), name);
	if (mysql ? strcmp(cmd, "T") && strcasecmp(cmd, "tee") : !risk_name_in(psql, cmd))
		return false;
	last_word(args, end, file, sizeof(file));
	if (file[0])
		risk_path_str(st, client, file, mysql ? PATH_WRITE : PATH_TRUNCATE);
	return true;
}

/* Files included from files followed at once, and in all from one top-level include (a file may include itself). */
#define SQL_INCLUDE_DEPTH 4
#define SQL_INCLUDE_COUNT 32

/*
 * The file of "\\i FILE", mysql's "source FILE" / "\\. FILE", sqlite3's
 * ".read FILE" (attack12 M22): its text rated as the client runs it. True
 * when read; false leaves it to the caller (a file guard does not read).
 */
static bool
included_file(struct risk_state *st, const char *client, const char *args, const char *end)
{
	static _Thread_local unsigned depth, count;
	char file[4096];
	bool seen = false;

	last_word(args, end, file, sizeof(file));
	size_t fl = strlen(file);
	if (fl && file[fl - 1] == ';' && !is_psql(client)) /* mysql: "source f.sql;" */
		file[--fl] = '\0';
	if (!depth)
		count = 0;
	if (!fl || depth >= SQL_INCLUDE_DEPTH || count >= SQL_INCLUDE_COUNT)
		return false;
	struct guard_shell_word w = { file, NULL, 0 };
	depth++;
	count++;
	seen = risk_sql_file(st, client, &w);
	depth--;
	return seen;
}

/*
 * A client's own command, to the end of its line (attack9 J7): sqlite3's
 * .shell/.system (or a prefix: .sh) and a pipe in .once/.output/.read/
 * .import, psql's and mysql's \\! and \\o |CMD, mysql's system: shell
 * text run here. .read, .load, \\i, \\. and source take a file guard does
 * not read.
 */
static void
client_command(struct risk_state *st, const char *client, const char *p, const char *end)
{
	bool slash = p[0] == '\\', word = isalpha((unsigned char)p[0]); /* mysql: system CMD, source FILE */
	const char *name = word ? p : p + 1;
	size_t n = slash && name[0] == '!' ? 1 : strcspn(name, " \t\r\n");
	char cmd[4096];

	if (n > (size_t)(end - name))
		n = (size_t)(end - name);
	const char *args = name + n;
	while (args < end && isspace((unsigned char)*args))
		args++;
	bool psql = is_psql(client);
	bool shell = slash ? name[0] == '!' || (!psql && n == 1 && name[0] == 'P')
			   : abbreviates(name, n, "shell") || abbreviates(name, n, "system") || (word && keyword(p, "pager"));
	bool file = slash ? name[0] == 'i' || name[0] == '.'
			  : abbreviates(name, n, "read") || abbreviates(name, n, "load") || (word && keyword(p, "source"));
	/* \\i, \\ir, \\include, \\. (mysql), .read, source: SQL from a file (M22); .load is a native library */
	bool include = slash ? (n <= 2 && (name[0] == '.' || !strncmp(name, "ir", n))) ||
				       (n >= 7 && !strncmp(name, "include_relative", n))
			     : file && !abbreviates(name, n, "load");
	if (slash && psql)
		backquoted(st, client, args, end);
	if (shell) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs a shell command: %.*s", client, (int)(end - p), p);
		risk_nested(st, client, args, (size_t)(end - args));
	} else if (piped_command(args, end, cmd, sizeof(cmd))) {
		pipe_into(st, client, cmd);
	} else if (p[0] == '.' && (abbreviates(name, n, "output") || abbreviates(name, n, "once") ||
				   abbreviates(name, n, "save") || abbreviates(name, n, "backup")) && args < end) {
		/* .output FILE, .backup [DB] FILE: the last word is a file written */
		last_word(args, end, cmd, sizeof(cmd));
		if (cmd[0] != '-' && cmd[0])
			risk_path_str(st, client, cmd, PATH_TRUNCATE);
	} else if ((slash || word) && writes_file(st, client, name, n, args, end)) {
		/* its path rated */
	} else if (slash && n == 4 && !strncasecmp(name, "copy", 4) && copy_program(args, end, cmd, sizeof(cmd))) {
		copy_program_rule(st, client, p, end, false);
	} else if (slash && n == 4 && !strncasecmp(name, "copy", 4)) {
		copy_file(st, client, args, end);
	} else if (file && !(include && included_file(st, client, args, end))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs commands or code from a file guard does not read: %.*s",
			  client, (int)(end - p), p);
	} else if (!file) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	}
}

/* p starts a client command (a line of its own, not SQL). */
static bool
is_client_command(const char *p)
{
	return (p[0] == '.' && isalpha((unsigned char)p[1])) || (p[0] == '\\' && (isalpha((unsigned char)p[1]) || p[1] == '!' || p[1] == '.')) ||
	       keyword(p, "system") || keyword(p, "source") || keyword(p, "tee") || keyword(p, "pager");
}

static void
sql_statement(struct risk_state *st, const char *client, const char *p, const char *end)
{
	char head[48];
	size_t n = 0;
	while (p + n < end && n + 1 < sizeof(head) && !isspace((unsigned char)p[n]))
		n++;
	memcpy(head, p, n);
	head[n] = '\0';

	if (keyword(p, "DROP"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s: DROP destroys data", client);
	else if (keyword(p, "TRUNCATE"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s: TRUNCATE empties a table", client);
	else if (keyword(p, "DELETE") && has_keyword(p, end, "WHERE"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s: DELETE with WHERE", client);
	else if (keyword(p, "DELETE"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s: DELETE without WHERE empties a table", client);
	else if (keyword(p, "UPDATE") && has_keyword(p, end, "WHERE"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s: UPDATE with WHERE", client);
	else if (keyword(p, "UPDATE"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s: UPDATE without WHERE rewrites a table", client);
	else if (keyword(p, "ALTER") || keyword(p, "GRANT") || keyword(p, "REVOKE") || keyword(p, "RENAME"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s: %s changes the schema or permissions", client, head);
	else if (keyword(p, "FLUSHALL") || keyword(p, "FLUSHDB"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s: %s wipes the database", client, head);
	else if (keyword(p, "DO") && (has_keyword(p, end, "DROP") || has_keyword(p, end, "TRUNCATE")))
		/* DO $$ ... EXECUTE $q$DROP ...$q$ $$: dollar quotes are no quotes here, the words are seen (M10) */
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s: a DO block drops or empties tables", client);
	else if (keyword(p, "COPY") && has_keyword(p, end, "PROGRAM"))
		copy_program_rule(st, client, p, end, true);
	else if (keyword(p, "SELECT") || keyword(p, "SHOW") || keyword(p, "EXPLAIN") || keyword(p, "DESCRIBE") ||
		 keyword(p, "DESC") || keyword(p, "WITH") || keyword(p, "VALUES") || keyword(p, "PRAGMA") ||
		 keyword(p, "BEGIN") || keyword(p, "COMMIT") || keyword(p, "ROLLBACK") || keyword(p, "SET") ||
		 keyword(p, "USE") || p[0] == '\\' || p[0] == '.')
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	else if (keyword(p, "INSERT") || keyword(p, "CREATE") || keyword(p, "REPLACE") || keyword(p, "MERGE") ||
		 keyword(p, "COPY") || keyword(p, "UPSERT") || keyword(p, "VACUUM") || keyword(p, "ANALYZE") ||
		 keyword(p, "REINDEX"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s: %s writes data", client, head);
	else
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s: statement %s", client, head);
}

/* MongoDB shell code: drops and unfiltered deletes. */
static bool
mongo_text(struct risk_state *st, const char *client, const char *code)
{
	if (strstr(code, "dropDatabase") || strstr(code, ".drop(") || strstr(code, "deleteMany({})") ||
	    strstr(code, "remove({})") || strstr(code, "deleteMany( {} )")) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s: drops or empties a collection", client);
		return true;
	}
	if (strstr(code, "deleteMany") || strstr(code, ".remove(") || strstr(code, "updateMany({}")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s: deletes or rewrites many documents", client);
		return true;
	}
	if (strstr(code, "deleteOne") || strstr(code, "updateOne") || strstr(code, "updateMany") ||
	    strstr(code, "insert")) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s: writes documents", client);
		return true;
	}
	return false;
}

void
risk_sql_text(struct risk_state *st, const char *client, const char *sql)
{
	const char *p = sql;
	unsigned count = 0;

	if (mongo_text(st, client, sql))
		return;
	/* psql's \\g |CMD, \\! CMD after a statement on its line; \\! glued to what is before it too (attack12 M7) */
	for (const char *b = strchr(sql, '\\'); b; b = strchr(b + 1, '\\'))
		if ((b == sql || isspace((unsigned char)b[-1]) || b[-1] == ';' || b[1] == '!') && is_client_command(b))
			client_command(st, client, b, b + strcspn(b, "\n"));
	while ((p = skip_noise(p)) != NULL) {
		bool own = is_client_command(p);
		const char *end = own ? p + strcspn(p, "\n") : statement_end(p);
		if (++count > 256) {
			risk_unparsed(st, "more than 256 SQL statements");
			return;
		}
		if (own && p[0] != '\\')
			client_command(st, client, p, end);
		else if (!own)
			sql_statement(st, client, p, end);
		if (!own && strstr(client, "sqlite") && has_keyword(p, end, "edit"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s: edit() runs an editor program", client);
		if (!own && strstr(client, "sqlite") && has_keyword(p, end, "load_extension")) /* the CLI allows it */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s: load_extension() runs a native library", client);
		p = *end ? end + 1 : end;
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

static void
sql_word(struct risk_state *st, const char *client, const struct guard_shell_word *w)
{
	if (w->flags & GUARD_WORD_DYNAMIC)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs computed SQL: %s", client, w->text);
	else
		risk_sql_text(st, client, w->text);
}

/* What is done with one value of a client's option: its SQL rated, its file read. */
typedef void (*value_fn)(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w);

/*
 * Each value of the option, every time it is given (psql -f a -f b runs
 * both): "-c V", "-tAc V" and "-cV" as getopt reads a cluster (sqlite3's
 * -csv is a word), "--long=V", "--long V". multi: the words after a value
 * that are no option are values too (boost's multitoken: clickhouse
 * --queries-file a.sql b.sql; sqlcmd -i a.sql b.sql). The count.
 */
static size_t
each_value(struct risk_state *st, const struct risk_cmd *c, const char *shortopt, const char *longopt, bool multi,
	   value_fn fn)
{
	size_t ll = longopt ? strlen(longopt) : 0, found = 0;
	const char *opts = risk_optstring(c->name); /* the clients that read clusters */

	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text, *v = NULL;
		bool next = false;
		if (!strcmp(t, "--"))
			break;
		if ((shortopt && !strcmp(t, shortopt)) || (longopt && !strcmp(t, longopt)))
			next = true;
		else if (shortopt && shortopt[1] && !shortopt[2] && opts)
			v = risk_cluster_value(opts, t, shortopt[1], &next);
		if (!v && !next && longopt && !strncmp(t, longopt, ll) && t[ll] == '=')
			v = t + ll + 1;
		if (v) {
			struct guard_shell_word w = c->argv[i];
			w.text = (char *)v;
			fn(st, c, &w);
		} else if (next && i + 1 < c->argc) {
			fn(st, c, &c->argv[++i]);
		} else {
			continue;
		}
		found++;
		while (multi && i + 1 < c->argc && c->argv[i + 1].text[0] != '-')
			fn(st, c, &c->argv[++i]);
	}
	return found;
}

static void
sql_value(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w)
{
	sql_word(st, c->name, w);
}

/* The SQL given by option (-c, -e, --eval, ...); true when found. */
static bool
sql_option(struct risk_state *st, const struct risk_cmd *c, const char *shortopt, const char *longopt)
{
	return each_value(st, c, shortopt, longopt, false, sql_value) > 0;
}

#define SQL_FILE_MAX (256u << 10)

bool
risk_sql_file(struct risk_state *st, const char *client, const struct guard_shell_word *w)
{
	char *data = NULL;
	size_t len = 0;
	struct stat sb;
	bool seen = false;

	if (st->remote || (w->flags & GUARD_WORD_DYNAMIC) || !strcmp(w->text, "-"))
		return false;
	const char *earlier = risk_later_text(st, w->text);
	if (earlier) {
		risk_sql_text(st, client, earlier);
		return true;
	}
	char *copy = risk_later_copy(st, w->text); /* cp F ~/.psqlrc; psql: F is what runs (attack12 M9) */
	char *abs = copy ? copy : guard_path_resolve(st->cwds[0], w->text, st->ctx->home);
	const char *who = NULL;
	if (copy)
		risk_explain(st, "    %s is a copy of %s made earlier on this line", w->text, copy);
	if (risk_memo_read(abs, SQL_FILE_MAX, &data, &len) == 0) {
		seen = true;
		risk_bind_bytes(st, abs, data, len);
		if (memchr(data, '\0', len)) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs %s, which holds a NUL byte: not read past it",
				  client, w->text);
		} else {
			risk_explain(st, "    %s reads the SQL file %s", client, w->text);
			risk_sql_text(st, client, data);
		}
	} else if (risk_memo_stat(abs, &sb) == 0) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s runs %s, which guard cannot read now (unreadable, no plain file or over %u KiB)", client,
			  w->text, SQL_FILE_MAX >> 10);
	} else if (!copy && (who = risk_later_writer(st, abs)) != NULL) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s runs %s, written earlier on this line by %s: its text is not known here", client, w->text, who);
	}
	guard_error_clear();
	free(data);
	free(abs);
	return seen;
}

/*
 * One SQL file a client runs (psql -f, cqlsh -f, cockroach sql --file,
 * clickhouse --queries-file, sqlcmd -i, duckdb -f; attack12 M22): its
 * text rated as the client runs it. sqlcmd -i takes a list "a.sql,b.sql".
 */
static void
file_value(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w)
{
	const char *comma = strcmp(c->name, "sqlcmd") ? NULL : strchr(w->text, ',');

	if (comma) {
		struct guard_shell_word part = *w;
		part.text = guard_xasprintf("%.*s", (int)(comma - w->text), w->text);
		file_value(st, c, &part);
		free(part.text);
		part.text = (char *)comma + 1;
		file_value(st, c, &part);
		return;
	}
	if (!w->text[0])
		return;
	risk_path(st, c->name, w, PATH_READ);
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s runs an SQL file: %s", c->name, w->text);
	if (w->flags & GUARD_WORD_DYNAMIC)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s runs an SQL file named by a computed word: %s", c->name,
			  w->text);
	else
		risk_sql_file(st, c->name, w);
}

/* The SQL files given by option (every one); true when one is. */
static bool
sql_files(struct risk_state *st, const struct risk_cmd *c, const char *shortopt, const char *longopt, bool multi)
{
	bool found = each_value(st, c, shortopt, longopt, multi, file_value) > 0;

	risk_bind_opts(st, c, shortopt, longopt); /* what runs is what was approved (J16) */
	return found;
}

/* sqlite3/duckdb -init FILE, run in place of the start-up file: read; one guard cannot read is high. */
static void
init_value(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w)
{
	if (!risk_sql_file(st, c->name, w))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s -init runs commands from a file guard does not read: %s",
			  c->name, w->text);
}

static void
rate_redis(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[8];
	size_t n = risk_operands(c, 1, "-h -p -a -n -u --user --pass -s --tls", ops, 8);

	if (!n) {
		risk_stdin_program(st, c, "redis-cli", STDIN_SQL);
		return;
	}
	const char *cmd = ops[0]->text;
	if (!strcasecmp(cmd, "FLUSHALL") || !strcasecmp(cmd, "FLUSHDB"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "redis-cli %s wipes the database", cmd);
	else if (!strcasecmp(cmd, "SHUTDOWN") || !strcasecmp(cmd, "CONFIG") || !strcasecmp(cmd, "DEBUG") ||
		 !strcasecmp(cmd, "SLAVEOF") || !strcasecmp(cmd, "REPLICAOF"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "redis-cli %s changes the server", cmd);
	else if (!strcasecmp(cmd, "DEL") || !strcasecmp(cmd, "UNLINK") || !strcasecmp(cmd, "EXPIRE"))
		/* fed by xargs (redis-cli --scan --pattern 'x*' | xargs redis-cli DEL): every key a listing names */
		risk_rule(st, c->xargs ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "redis-cli %s deletes %s",
			  cmd, c->xargs ? "every key a listing names" : "keys");
	else if (!strcasecmp(cmd, "SET") || !strcasecmp(cmd, "HSET") || !strcasecmp(cmd, "LPUSH") ||
		 !strcasecmp(cmd, "RPUSH") || !strcasecmp(cmd, "SADD") || !strcasecmp(cmd, "INCR"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "redis-cli %s writes", cmd);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

/*
 * sqlite3's operands (the database, then SQL): its options are words
 * ("-cmd", "--init") and some take a value. *init: -init is one of the
 * options, not a value ("-separator -init": attack12 M4).
 */
static size_t
sqlite_operands(const struct risk_cmd *c, const struct guard_shell_word **out, size_t max, bool *init)
{
	static const char *const valued[] = { "cmd", "separator", "nullvalue", "c", "init", "newline", "escape", "vfs",
					      "maxsize", "mmap", "lookaside", "pagecache", "heap", "A", "f", "s", NULL };
	size_t n = 0;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (a[0] != '-' || !a[1]) {
			if (n < max)
				out[n++] = &c->argv[i];
			continue;
		}
		*init = *init || !strcmp(a + 1 + (a[1] == '-'), "init");
		if (risk_name_in(valued, a + 1 + (a[1] == '-')))
			i++;
	}
	return n;
}

/*
 * psql's own options (attack11 L8): -o/--output and -L/--log-file FILE are
 * written; a -v/--set/--variable NAME=VALUE is text psql puts in place of
 * :NAME in what it runs, so VALUE is rated as that text.
 */
static void
psql_options(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const writes[][2] = { { "-o", "--output" }, { "-L", "--log-file" } };
	static const char *const vars[][2] = { { "-v", "--set" }, { NULL, "--variable" } };

	for (size_t k = 0; k < 2; k++) {
		const char *f = risk_opt_value(c, writes[k][0], writes[k][1]);
		if (f && f[0] == '|')
			pipe_into(st, c->name, f + 1);
		else if (f)
			risk_path_str(st, c->name, f, PATH_TRUNCATE);
	}
	for (size_t i = 1; i + 1 < c->argc; i++)
		for (size_t k = 0; k < 2; k++) {
			const char *t = c->argv[i].text, *v = NULL;
			size_t ll = strlen(vars[k][1]);
			if ((vars[k][0] && !strcmp(t, vars[k][0])) || !strcmp(t, vars[k][1]))
				v = c->argv[i + 1].text;
			else if (!strncmp(t, vars[k][1], ll) && t[ll] == '=')
				v = t + ll + 1;
			else if (vars[k][0] && !strncmp(t, vars[k][0], 2) && t[2])
				v = t + 2;
			const char *eq = v ? strchr(v, '=') : NULL;
			if (eq && eq[1] && (strpbrk(eq + 1, " \t\n`") || eq[1] == '\\')) { /* ON_ERROR_STOP=1 is a name */
				struct guard_shell_word w = c->argv[i + (v == c->argv[i + 1].text)];
				w.text = (char *)eq + 1;
				sql_word(st, c->name, &w);
			}
		}
}

/*
 * The start-up file a client runs before anything it is given, from a
 * home folder: psql's ~/.psqlrc and ~/.psqlrc-VERSION (the most specific
 * one it finds; each is read here), sqlite3's ~/.sqliterc, duckdb's
 * ~/.duckdbrc. A \\! or .shell line in one runs on every start (a file
 * left by an earlier call; one written earlier on this line is read as
 * written). The client's label names the file: "psql's ~/.psqlrc"; a
 * home set on the line (attack12 M5) is named as it is.
 */
static void
startup_files_in(struct risk_state *st, const char *client, const char *dir, const char *name, bool versions)
{
	struct guard_list found = GUARD_LIST_INIT;
	const char *home = st->ctx->home;
	bool own = home && !strcmp(dir, home);

	if (*dir != '/' || st->remote)
		return;
	guard_list_take(&found, guard_xasprintf("%s/%s", dir, name));
	if (versions) {
		char *pattern = guard_xasprintf("%s/%s-*", dir, name);
		risk_glob(pattern, GLOB_NOSORT, &found);
		free(pattern);
	}
	for (size_t i = 0; i < found.len; i++) {
		const char *base = found.items[i] + strlen(dir) + 1;
		char *label = own ? guard_xasprintf("%s's ~/%s", client, base) : guard_xasprintf("%s's %s", client, found.items[i]);
		struct guard_shell_word w = { found.items[i], NULL, 0 };
		if (risk_sql_file(st, label, &w))
			risk_explain(st, "    %s runs %s first", client, label + strlen(client) + 3);
		free(label);
	}
	guard_list_clear(&found);
}

static void
startup_files(struct risk_state *st, const char *client, const char *name, bool versions)
{
	const char *home = st->ctx->home;

	if (home && *home == '/')
		startup_files_in(st, client, home, name, versions);
}

/* --NAME=VALUE where NAME (past a --loose- prefix) is full or a start of opt of at least min letters: VALUE. */
static const char *
mysql_long_value(const char *arg, const char *opt, size_t min)
{
	const char *name = arg + 2, *eq = strchr(arg, '=');

	if (strncmp(arg, "--", 2) || !eq)
		return NULL;
	if (!strncmp(name, "loose-", 6) || !strncmp(name, "loose_", 6))
		name += 6;
	size_t n = (size_t)(eq - name);
	return n >= min && n <= strlen(opt) && !strncmp(name, opt, n) ? eq + 1 : NULL;
}

/* A client command line (pager CMD, tee FILE) as the client reads it in SQL. */
static void
as_client_command(struct risk_state *st, const char *client, const char *verb, const char *value)
{
	char *line = guard_xasprintf("%s %s", verb, value);
	client_command(st, client, line, line + strlen(line));
	free(line);
}

/*
 * One mysql option NAME=VALUE as my_getopt reads it, from the command
 * line or an option file (attack12 M6): "_" is "-", a "loose-" or
 * "maximum-" in front is dropped, NAME may be cut short. pager= is shell
 * text, tee= a file appended to, execute= and init-command= SQL run.
 */
static void
mysql_option(struct risk_state *st, const char *client, const char *name, size_t n, const char *value)
{
	static const struct {
		const char *opt, *verb;
		size_t min;
	} opts[] = { { "pager", "pager", 3 }, { "tee", "tee", 3 }, { "execute", NULL, 2 }, { "init-command", NULL, 2 } };
	char key[64];

	snprintf(key, sizeof(key), "%.*s", (int)(n < 63 ? n : 63), name);
	for (char *p = key; *p; p++)
		*p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
	const char *k = key;
	while (!strncmp(k, "loose-", 6) || !strncmp(k, "maximum-", 8))
		k += k[0] == 'l' ? 6 : 8;
	size_t kl = strlen(k);
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts) && *value; i++) {
		if (kl < opts[i].min || kl > strlen(opts[i].opt) || strncmp(k, opts[i].opt, kl))
			continue;
		if (opts[i].verb)
			as_client_command(st, client, opts[i].verb, value);
		else
			risk_sql_text(st, client, value);
	}
}

#define MYSQL_CNF_MAX (1u << 20)
#define MYSQL_CNF_DEPTH 4

static void mysql_defaults(struct risk_state *st, const char *client, const char *file, unsigned depth);

/* An option file's line: [group], # comment, !include FILE, !includedir DIR, NAME = "VALUE". */
static void
mysql_cnf_line(struct risk_state *st, const char *client, const char *file, char *line, unsigned depth)
{
	line += strspn(line, " \t");
	char *end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!strncmp(line, "!include", 8) && isspace((unsigned char)line[8 + (line[8] == 'd' ? 3 : 0)])) {
		bool dir = !strncmp(line, "!includedir", 11);
		char *arg = line + (dir ? 11 : 8);
		arg += strspn(arg, " \t");
		char *from = guard_xstrdup(file), *slash = strrchr(from, '/');
		if (slash)
			*slash = '\0';
		char *path = guard_path_resolve(slash ? from : st->cwds[0], arg, st->ctx->home);
		if (dir) { /* every *.cnf file there */
			struct guard_list found = GUARD_LIST_INIT;
			char *pattern = guard_xasprintf("%s/*.cnf", path);
			risk_glob(pattern, 0, &found);
			for (size_t i = 0; i < found.len; i++)
				mysql_defaults(st, client, found.items[i], depth + 1);
			guard_list_clear(&found);
			free(pattern);
		} else {
			mysql_defaults(st, client, path, depth + 1);
		}
		free(path);
		free(from);
		return;
	}
	if (!*line || *line == '#' || *line == ';' || *line == '[')
		return;
	size_t n = strcspn(line, "=");
	if (!line[n])
		return;
	char *value = line + n + 1;
	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	value += strspn(value, " \t");
	size_t vl = strlen(value);
	if (vl >= 2 && (value[0] == '"' || value[0] == '\'') && value[vl - 1] == value[0]) { /* mysql strips the quotes */
		value[vl - 1] = '\0';
		value++;
	}
	mysql_option(st, client, line, n, value);
}

/*
 * An option file mysql reads (~/.my.cnf, --defaults-file, --defaults-extra-file,
 * MYSQL_HOME's my.cnf, !include): every group's lines rated as the
 * options (attack12 M6); one written earlier on the line as written; one
 * there but unreadable or over 1 MiB is high.
 */
static void
mysql_defaults(struct risk_state *st, const char *client, const char *file, unsigned depth)
{
	char *data = NULL, *copy = risk_later_copy(st, file);
	char *abs = copy ? copy : guard_path_resolve(st->cwds[0], file, st->ctx->home);
	const char *earlier = risk_later_text(st, file), *who = NULL;
	size_t len = 0;
	struct stat sb;

	if (depth > MYSQL_CNF_DEPTH) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s: option files include each other too deep to follow: %s",
			  client, file);
	} else if (earlier) {
		data = guard_xstrdup(earlier);
	} else if (risk_memo_read(abs, MYSQL_CNF_MAX, &data, &len) == 0) {
		risk_bind_bytes(st, abs, data, len);
	} else if (risk_memo_stat(abs, &sb) == 0) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s reads the option file %s, which guard cannot read now (unreadable, no plain file or over %u KiB)",
			  client, file, MYSQL_CNF_MAX >> 10);
	} else if (!copy && (who = risk_later_writer(st, abs)) != NULL) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
			  "%s reads the option file %s, written earlier on this line by %s: its text is not known here", client,
			  file, who);
	}
	guard_error_clear();
	for (char *line = data; line && *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		mysql_cnf_line(st, client, abs, line, depth);
		line = end ? end + 1 : NULL;
	}
	free(data);
	free(abs);
}

/*
 * HOME, XDG_CONFIG_HOME, MYSQL_HOME or MARIADB_HOME set on the line
 * (assigned, exported, given to env; attack12 M5): the clients read their
 * start-up files there (psql's .psqlrc, duckdb's .duckdbrc, mysql's
 * .my.cnf and my.cnf, sqlite3's sqlite3/sqliterc): read as theirs.
 */
void
risk_sql_home(struct risk_state *st, const char *word)
{
	size_t n = strcspn(word, "=");

	if (word[n] != '=' || !word[n + 1] || st->remote)
		return;
	bool home = n == 4 && !strncmp(word, "HOME", 4), xdg = n == 15 && !strncmp(word, "XDG_CONFIG_HOME", 15);
	bool my = (n == 10 && !strncmp(word, "MYSQL_HOME", 10)) || (n == 12 && !strncmp(word, "MARIADB_HOME", 12));
	if (!home && !xdg && !my)
		return;
	char *dir = guard_path_resolve(st->cwds[0], word + n + 1, st->ctx->home);
	if (home && (!st->ctx->home || strcmp(dir, st->ctx->home))) {
		char *cnf = guard_xasprintf("%s/.my.cnf", dir);
		startup_files_in(st, "psql", dir, ".psqlrc", true);
		startup_files_in(st, "duckdb", dir, ".duckdbrc", false);
		mysql_defaults(st, "mysql", cnf, 0);
		free(cnf);
	} else if (xdg) {
		char *sub = guard_xasprintf("%s/sqlite3", dir);
		startup_files_in(st, "sqlite3", sub, "sqliterc", false);
		free(sub);
	} else if (my) {
		char *cnf = guard_xasprintf("%s/my.cnf", dir);
		mysql_defaults(st, "mysql", cnf, 0);
		free(cnf);
	}
	free(dir);
}

/* HOME=$X psql ...: the client's start-up file is in a folder guard cannot know (attack12 M5). */
static void
home_computed(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const homes[] = { "HOME", "XDG_CONFIG_HOME", "MYSQL_HOME", "MARIADB_HOME", NULL };
	static const char *const readers[] = { "psql", "mysql", "mariadb", "sqlite3", "sqlite", "duckdb", NULL };

	for (size_t i = 0; c->cmd && risk_name_in(readers, c->name) && i < c->cmd->nassigns; i++) {
		const struct guard_shell_word *w = &c->cmd->assigns[i];
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(w->text, "="), w->text);
		if ((w->flags & GUARD_WORD_DYNAMIC) && risk_name_in(homes, name))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC,
				  "%s reads its start-up files from a folder guard cannot know: %s", c->name, w->text);
	}
}

/*
 * mysql/mariadb --pager=CMD hands the output to CMD through the shell, and
 * --tee=FILE appends it to FILE, as the pager and tee commands do in SQL
 * (left12); a long option may be cut short (--pag=) or marked --loose-. The
 * same lines in a --defaults-file or --defaults-extra-file, and in
 * ~/.my.cnf, which mysql reads at start-up.
 */
static void
mysql_options(struct risk_state *st, const struct risk_cmd *c)
{
	const char *home = st->ctx->home;
	char *mycnf = home ? guard_xasprintf("%s/.my.cnf", home) : NULL;

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *v;
		if ((v = mysql_long_value(a, "pager", 3)) != NULL && *v)
			as_client_command(st, c->name, "pager", v);
		else if ((v = mysql_long_value(a, "tee", 3)) != NULL && *v)
			as_client_command(st, c->name, "tee", v);
		else if ((v = mysql_long_value(a, "defaults-file", 10)) || (v = mysql_long_value(a, "defaults-extra-file", 10)))
			mysql_defaults(st, c->name, v, 0);
	}
	if (mycnf && !risk_arg_has(c, "--no-defaults"))
		mysql_defaults(st, c->name, mycnf, 0);
	free(mycnf);
}

/* rails db:drop, prisma migrate reset, dropdb, ... */
/* risk_verb_sql: the clients, then rate_migrations. */
const char *const risk_sql_verbs[] = {
	"psql", "pgcli", "mysql", "mariadb", "mycli", "cqlsh", "cockroach", "sqlite3", "sqlite", "duckdb",
	"mongo", "mongosh", "redis-cli", "valkey-cli", "clickhouse-client", "clickhouse", "sqlcmd",
	/* the other clients (attack12 M10) */
	"usql", "ysqlsh", "vsql", "litecli", "clickhouse-local", "snowsql", "trino", "presto", "influx", "bq", "sqlplus",
	/* migrations */
	"rails", "rake", "bin/rails", "dropdb", "mysqladmin", "prisma", "alembic", "knex", "sequelize",
	"flyway", "liquibase", "migrate", "goose", "dbmate", "pg_restore", "pg_dump", "mysqldump",
	"createdb", "pg_isready", NULL
};

/* sqlplus @FILE (@@FILE): SQL*Plus runs FILE, or FILE.sql when the name has no extension. */
static void
sqlplus_scripts(struct risk_state *st, const struct risk_cmd *c)
{
	bool found = false;

	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] != '@')
			continue;
		struct guard_shell_word w = c->argv[i];
		t += 1 + (t[1] == '@');
		const char *base = risk_basename(t);
		char *name = strchr(base, '.') ? guard_xstrdup(t) : guard_xasprintf("%s.sql", t);
		w.text = name;
		file_value(st, c, &w);
		free(name);
		found = true;
	}
	if (!found)
		risk_stdin_program(st, c, c->name, STDIN_SQL);
}

/* bq query 'SQL' (its operands), bq rm (a dataset or table deleted), the rest reads or changes little. */
static void
rate_bq(struct risk_state *st, const struct risk_cmd *c)
{
	size_t i = 1;

	while (i < c->argc && c->argv[i].text[0] == '-')
		i++;
	const char *sub = i < c->argc ? c->argv[i].text : "";
	if (!strcmp(sub, "query")) {
		bool found = false;
		for (size_t k = i + 1; k < c->argc; k++)
			if (c->argv[k].text[0] != '-') {
				sql_word(st, c->name, &c->argv[k]);
				found = true;
			}
		if (!found)
			risk_stdin_program(st, c, c->name, STDIN_SQL);
	} else if (!strcmp(sub, "rm")) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "bq rm deletes a dataset, table or model");
	} else if (!strcmp(sub, "ls") || !strcmp(sub, "show") || !strcmp(sub, "head") || !strcmp(sub, "help")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "bq %s changes data or settings", sub);
	}
}

/*
 * The other database clients (attack12 M10): litecli -e, snowsql -q/-f,
 * trino/presto --execute/-f, influx -execute, bq query, sqlplus @FILE.
 * False: not one of them.
 */
static bool
rate_other_clients(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;
	bool found;

	if (!strcmp(n, "litecli")) {
		found = sql_option(st, c, "-e", "--execute");
	} else if (!strcmp(n, "snowsql")) {
		found = sql_option(st, c, "-q", "--query") | sql_files(st, c, "-f", "--filename", false);
	} else if (!strcmp(n, "trino") || !strcmp(n, "presto")) {
		found = sql_option(st, c, NULL, "--execute") | sql_files(st, c, "-f", "--file", false);
	} else if (!strcmp(n, "influx")) { /* Go's flag package: -execute and --execute alike */
		found = sql_option(st, c, NULL, "-execute") | sql_option(st, c, NULL, "--execute");
		const struct guard_shell_word *sub[1];
		if (!found && risk_operands(c, 1, "-host -port -username -password -database -format -precision", sub, 1))
			return false; /* the 2.x CLI's subcommands (influx delete, bucket delete): guard_risk_stores.c */
	} else if (!strcmp(n, "bq")) {
		rate_bq(st, c);
		return true;
	} else if (!strcmp(n, "sqlplus")) {
		sqlplus_scripts(st, c);
		return true;
	} else {
		return false;
	}
	if (!found)
		risk_stdin_program(st, c, n, STDIN_SQL);
	return true;
}

static bool
rate_migrations(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;
	bool rails = !strcmp(n, "rails") || !strcmp(n, "rake") || !strcmp(n, "bin/rails");

	if (!strcmp(n, "dropdb") || (!strcmp(n, "mysqladmin") && risk_arg_has(c, "drop"))) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s drops a database", n);
	} else if (rails && (risk_arg_has(c, "db:drop") || risk_arg_has(c, "db:reset") || risk_arg_has(c, "db:schema:load") ||
			     risk_arg_has(c, "db:purge") || risk_arg_has(c, "db:setup"))) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s wipes the database", n);
	} else if (rails && (risk_arg_has(c, "db:migrate") || risk_arg_has(c, "db:rollback"))) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s changes the database schema", n);
	} else if (rails) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	} else if (!strcmp(n, "prisma")) {
		if ((risk_arg_has(c, "migrate") && risk_arg_has(c, "reset")) || risk_arg_has(c, "--force-reset") ||
		    risk_arg_has(c, "--accept-data-loss"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "prisma resets the database");
		else if (risk_arg_has(c, "migrate") || (risk_arg_has(c, "db") && risk_arg_has(c, "push")))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "prisma changes the database schema");
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	} else if (!strcmp(n, "alembic") || !strcmp(n, "knex") || !strcmp(n, "sequelize") || !strcmp(n, "flyway") ||
		   !strcmp(n, "liquibase") || !strcmp(n, "migrate") || !strcmp(n, "goose") || !strcmp(n, "dbmate")) {
		bool down = risk_arg_has(c, "downgrade") || risk_arg_has(c, "down") || risk_arg_has(c, "clean") ||
			    risk_arg_has(c, "migrate:rollback") || risk_arg_has(c, "db:drop") || risk_arg_has(c, "drop") ||
			    risk_arg_has(c, "reset");
		if (down)
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s rolls back or drops the database", n);
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s changes the database schema", n);
	} else if (!strcmp(n, "pg_restore") && (risk_flag(c, 'c', "clean"))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "pg_restore --clean drops objects first");
	} else if (!strcmp(n, "pg_dump") || !strcmp(n, "mysqldump") || !strcmp(n, "pg_restore") ||
		   !strcmp(n, "createdb") || !strcmp(n, "pg_isready")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else {
		return false;
	}
	return true;
}

bool
risk_verb_sql(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;
	bool found;

	home_computed(st, c);
	if (!strcmp(n, "psql") || !strcmp(n, "pgcli") || !strcmp(n, "usql") || !strcmp(n, "ysqlsh") || !strcmp(n, "vsql")) {
		/* psql 15's long options taking the next word: "-F -X", "--set -X" give no -X (attack12 M4) */
		static const char *const valued[] = { "command", "dbname", "file", "field-separator", "host", "log-file",
						      "output", "port", "pset", "record-separator", "table-attr", "username",
						      "set", "variable", NULL };
		psql_options(st, c);
		bool psqlrc = !strcmp(n, "psql") || !strcmp(n, "ysqlsh"); /* ysqlsh is a fork of psql; usql and vsql have their own */
		if (strcmp(n, "pgcli") && !risk_getopt_flag(c, 'X', "no-psqlrc", valued))
			startup_files(st, n, psqlrc ? ".psqlrc" : !strcmp(n, "usql") ? ".usqlrc" : ".vsqlrc", psqlrc);
		found = sql_option(st, c, "-c", "--command") | sql_files(st, c, "-f", "--file", false);
		if (!found && !risk_getopt_flag(c, 'l', "list", valued))
			risk_stdin_program(st, c, n, STDIN_SQL);
	} else if (!strcmp(n, "mysql") || !strcmp(n, "mariadb") || !strcmp(n, "mycli") || !strcmp(n, "cqlsh") ||
		   !strcmp(n, "cockroach")) {
		if (!strcmp(n, "mysql") || !strcmp(n, "mariadb")) {
			mysql_options(st, c);
			sql_option(st, c, NULL, "--init-command"); /* SQL run at connect (M8); the start stays interactive */
		}
		found = sql_option(st, c, "-e", "--execute");
		if (!strcmp(n, "cqlsh") || !strcmp(n, "cockroach")) /* cqlsh -f, cockroach sql -f/--file (M22) */
			found |= sql_files(st, c, "-f", "--file", false);
		if (!found)
			risk_stdin_program(st, c, n, STDIN_SQL);
	} else if (!strcmp(n, "sqlite3") || !strcmp(n, "sqlite") || !strcmp(n, "duckdb")) {
		/* every operand after the database is run, as -cmd's values are (attack9 J7) */
		const struct guard_shell_word *ops[64];
		bool init = false;
		size_t k = sqlite_operands(c, ops, 64, &init);
		found = sql_option(st, c, "-cmd", "--cmd") | sql_option(st, c, "-c", NULL) |
			sql_option(st, c, "-s", NULL) | sql_files(st, c, "-f", NULL, false); /* duckdb 1.x */
		each_value(st, c, "-init", "--init", false, init_value);
		if (!init) /* -init replaces the start-up file */
			startup_files(st, n, strcmp(n, "duckdb") ? ".sqliterc" : ".duckdbrc", false);
		if (!init && strcmp(n, "duckdb")) /* sqlite3 3.44+: the XDG place first (attack12 M5) */
			startup_files(st, n, ".config/sqlite3/sqliterc", false);
		risk_bind_opts(st, c, "-init", "--init");
		if (k >= 1)
			risk_path(st, n, ops[0], PATH_WRITE);
		for (size_t i = 1; i < k; i++)
			sql_word(st, n, ops[i]);
		if (k < 2 && !found)
			risk_stdin_program(st, c, n, STDIN_SQL);
	} else if (!strcmp(n, "mongo") || !strcmp(n, "mongosh")) {
		found = sql_option(st, c, NULL, "--eval");
		if (!found)
			risk_stdin_program(st, c, n, STDIN_SQL);
	} else if (!strcmp(n, "redis-cli") || !strcmp(n, "valkey-cli")) {
		rate_redis(st, c);
	} else if (!strcmp(n, "clickhouse-client") || !strcmp(n, "clickhouse") || !strcmp(n, "clickhouse-local")) {
		found = sql_option(st, c, "-q", "--query") | sql_files(st, c, NULL, "--queries-file", true);
		if (!found)
			risk_stdin_program(st, c, n, STDIN_SQL);
	} else if (!strcmp(n, "sqlcmd")) {
		found = sql_option(st, c, "-Q", NULL) | sql_option(st, c, "-q", NULL) |
			sql_files(st, c, "-i", "--input-file", true);
		if (!found)
			risk_stdin_program(st, c, n, STDIN_SQL);
	} else {
		return rate_other_clients(st, c) || rate_migrations(st, c);
	}
	return true;
}
