/*
 * What an MCP tool call's arguments name, whatever their keys (attacker
 * findings H1, H4, M6): the paths it may write (every string that looks
 * like one, file:// URIs decoded) and the text it writes. The risk
 * analyzer rates the paths as targets and scans the text as the Write
 * tool's; guard mcp counts the paths to the session's max_files_*.
 */
#include <ctype.h>
#include <sys/stat.h>

#include "guard_error.h"
#include "guard_mcp.h"
#include "guard_risk.h"

struct walk {
	const char *cwd;
	guard_mcp_arg_fn *fn;
	void *arg;
	size_t seen, given;
	bool texts;
	struct guard_list *parts; /* collecting the parts of joins (guard_mcp_arg_joins) */
	struct guard_list *wholes; /* arrays of parts, joined whole */
	bool over;                /* more parts than GUARD_MCP_JOIN_MAX */
};

static bool
key_in(const char *key, const char *const *list)
{
	for (size_t i = 0; key && list[i]; i++)
		if (!strcmp(key, list[i]))
			return true;
	return false;
}

bool
guard_mcp_text_key(const char *key)
{
	static const char *const keys[] = { "content", "text", "data", "newText", "new_text", "new_string", "body",
					    "contentBase64", "content_base64", "blob", "bytes", "base64", "contentHex",
					    "content_hex", NULL };
	return key_in(key, keys);
}

/* The text an edit replaces, and a command (analysed as one): no path of the call. */
static bool
not_path_key(const char *key)
{
	static const char *const keys[] = { "oldText", "old_text", "old_string", "oldString", "command", NULL };
	return guard_mcp_text_key(key) || key_in(key, keys);
}

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

char *
guard_mcp_file_uri_path(const char *s)
{
	if (strncasecmp(s, "file://", 7))
		return NULL;
	s += 7;
	if (!strncasecmp(s, "localhost/", 10))
		s += 9;
	if (*s != '/')
		return NULL; /* another host's file */
	char *out = guard_xmalloc(strlen(s) + 1), *o = out;
	for (; *s && *s != '?' && *s != '#'; s++) {
		int hi, lo;
		if (*s == '%' && (hi = hexval((unsigned char)s[1])) >= 0 && (lo = hexval((unsigned char)s[2])) >= 0) {
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	if (strlen(out) != (size_t)(o - out)) { /* a %00 inside: no path */
		free(out);
		return NULL;
	}
	return out;
}

/*
 * A file URI however the server may read it (attack7 H6): file://[localhost]/p,
 * and the forms without "//" that URI parsers also take as local files:
 * file:/ABS, file:REL, file:./x (any case, %XX decoded, ?query and
 * #fragment cut). NULL for file://HOST/ (another host's) or no file URI.
 */
char *
guard_mcp_file_uri_loose(const char *s)
{
	char *strict = guard_mcp_file_uri_path(s);

	if (strict || strncasecmp(s, "file:", 5) || !strncmp(s + 5, "//", 2))
		return strict;
	/* decoded as file:///REST is: the same %XX, ? and # rules */
	char *as = guard_xasprintf("file://%s%s", s[5] == '/' ? "" : "/", s + 5);
	char *path = guard_mcp_file_uri_path(as);
	free(as);
	if (path && s[5] != '/') { /* file:REL: the leading "/" was ours */
		memmove(path, path + 1, strlen(path));
		if (!*path) {
			free(path);
			return NULL;
		}
	}
	return path;
}

static bool
exists_in(const char *cwd, const char *s)
{
	struct stat st;
	if (!cwd || strlen(cwd) + strlen(s) + 2 > 4096)
		return false;
	char *p = guard_xasprintf("%s/%s", cwd, s);
	bool e = guard_risk_memo_stat(p, &st) == 0; /* a stream asks again once a second */
	free(p);
	return e;
}

/* A string that may be a part of a path (a folder or a name), as the caller frees, or NULL. */
static char *
path_part(const char *key, const char *s)
{
	if (!*s || not_path_key(key) || strchr(s, '\n') || strlen(s) >= 4096)
		return NULL;
	char *uri = guard_mcp_file_uri_loose(s);
	return uri ? uri : strstr(s, "://") ? NULL : guard_xstrdup(s);
}

static void
one_part(struct walk *w, const char *key, const char *s)
{
	char *part = path_part(key, s);

	if (!part)
		return;
	if (w->parts->len < GUARD_MCP_JOIN_MAX)
		guard_list_add(w->parts, part);
	else
		w->over = true;
	free(part);
}

/* An array of two or more strings, every one a part: the path they make, in order. */
static void
whole_array(struct walk *w, const char *key, const cJSON *v)
{
	struct guard_buf b = GUARD_BUF_INIT;
	const cJSON *it;
	int n = cJSON_GetArraySize(v);

	if (n < 2 || n > GUARD_MCP_JOIN_MAX)
		return;
	cJSON_ArrayForEach(it, v) {
		char *part = cJSON_IsString(it) ? path_part(key, it->valuestring) : NULL;
		if (!part) {
			guard_buf_release(&b);
			return;
		}
		guard_buf_addf(&b, "%s%s", b.len ? "/" : "", part);
		free(part);
	}
	if (b.len < 4096)
		guard_list_add_unique(w->wholes, b.buf);
	guard_buf_release(&b);
}

static void
one_string(struct walk *w, const char *key, const char *s, bool in_edits)
{
	if (w->parts) {
		one_part(w, key, s);
		return;
	}
	if (w->texts) {
		static const char *const old[] = { "oldText", "old_text", "old_string", "oldString", NULL };
		if (*s && (guard_mcp_text_key(key) || (in_edits && !key_in(key, old)))) {
			w->fn(w->arg, key, s);
			w->given++;
		}
		return;
	}
	if (!*s || not_path_key(key) || strchr(s, '\n') || strlen(s) >= 4096)
		return;
	char *uri = guard_mcp_file_uri_loose(s);
	if (uri || (!strstr(s, "://") && (strchr(s, '/') || s[0] == '.' || s[0] == '~' || exists_in(w->cwd, s)))) {
		w->fn(w->arg, key, uri ? uri : s);
		w->given++;
	}
	free(uri);
}

static void
walk_value(struct walk *w, const char *key, const cJSON *v, unsigned depth, bool in_edits)
{
	const cJSON *it;

	if (depth > GUARD_MCP_ARGS_DEPTH) {
		w->over = true;
		return;
	}
	if (cJSON_IsString(v)) {
		if (w->seen++ < GUARD_MCP_ARGS_MAX)
			one_string(w, key, v->valuestring, in_edits);
		else
			w->over = true;
		return;
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return;
	bool edits = in_edits || (cJSON_IsArray(v) && key && !strcmp(key, "edits"));
	if (w->parts && cJSON_IsArray(v))
		whole_array(w, key, v);
	cJSON_ArrayForEach(it, v) {
		if (w->seen >= GUARD_MCP_ARGS_MAX) {
			w->over = true;
			return;
		}
		walk_value(w, cJSON_IsObject(v) ? it->string : key, it, depth + 1, edits);
	}
}

size_t
guard_mcp_arg_paths(const cJSON *input, const char *cwd, guard_mcp_arg_fn *fn, void *arg)
{
	struct walk w = { cwd, fn, arg, 0, 0, false, NULL, NULL, false };
	walk_value(&w, NULL, input, 0, false);
	return w.given;
}

size_t
guard_mcp_arg_texts(const cJSON *input, guard_mcp_arg_fn *fn, void *arg)
{
	struct walk w = { NULL, fn, arg, 0, 0, true, NULL, NULL, false };
	walk_value(&w, NULL, input, 0, false);
	return w.given;
}

/* "dir/" + "name" is "dir/name"; a name that starts at / or ~ is no part of another folder. */
static void
join_two(struct guard_buf *b, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	guard_buf_reset(b);
	guard_buf_add(b, dir, n);
	if (n != 1 || dir[0] != '/')
		guard_buf_addch(b, '/');
	guard_buf_addstr(b, name);
}

int
guard_mcp_arg_joins(const cJSON *input, char *const *folders, size_t nfolders, guard_mcp_arg_fn *fn, void *arg)
{
	struct guard_list parts = GUARD_LIST_INIT, wholes = GUARD_LIST_INIT;
	struct walk w = { NULL, fn, arg, 0, 0, false, &parts, &wholes, false };
	struct guard_buf b = GUARD_BUF_INIT;

	walk_value(&w, NULL, input, 0, false);
	for (size_t i = 0; i < parts.len; i++)
		for (size_t j = 0; j < parts.len; j++) {
			const char *name = parts.items[j];
			if (i == j || name[0] == '/' || name[0] == '~')
				continue;
			join_two(&b, parts.items[i], name);
			if (b.len < 4096) {
				fn(arg, NULL, b.buf);
				w.given++;
			}
		}
	for (size_t i = 0; i < nfolders; i++)
		for (size_t j = 0; j < parts.len; j++) {
			const char *name = parts.items[j];
			if (name[0] == '/' || name[0] == '~')
				continue;
			join_two(&b, folders[i], name);
			if (b.len < 4096) {
				fn(arg, folders[i], b.buf);
				w.given++;
			}
		}
	for (size_t i = 0; i < wholes.len; i++) {
		fn(arg, NULL, wholes.items[i]);
		w.given++;
	}
	guard_buf_release(&b);
	guard_list_clear(&parts);
	guard_list_clear(&wholes);
	return w.over ? -1 : (int)w.given;
}
