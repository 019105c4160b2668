#include <dirent.h>
#include <sys/stat.h>

#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_glob.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_shell.h"
#include "guard_session.h"

/*
 * What a call will do, as far as its input says (issue 14): the files a
 * delete names (a folder or a find pattern stands for every file under
 * it), the lines a Write or an Edit adds. The hook checks the counters
 * after the call against the limits before it runs, so the call that
 * would break a limit is denied instead of noticed afterwards.
 */

#define FILE_MAX ((size_t)8 << 20) /* a file read to predict an edit */

struct line {
	const char *p;
	size_t n;
};

static int
by_text(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);
	return c ? c : x->n < y->n ? -1 : x->n > y->n;
}

static struct line *
split(const char *s, size_t len, size_t *count)
{
	struct line *v = NULL;
	size_t n = 0, alloc = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (n == alloc)
			v = guard_xrealloc(v, (alloc = alloc ? 2 * alloc : 64) * sizeof(*v));
		v[n].p = s + i;
		v[n++].n = end - i;
		i = end + 1;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_text);
	*count = n;
	return v;
}

long
guard_lines_added(const char *old, size_t old_len, const char *now, size_t now_len)
{
	size_t a = 0, b = 0, i = 0, j = 0;
	struct line *x = split(old ? old : "", old ? old_len : 0, &a), *y = split(now ? now : "", now ? now_len : 0, &b);
	long added = 0;

	/* Lines of now that old does not have, counted with their repeats (what a diff adds, near enough). */
	while (j < b) {
		int c = i < a ? by_text(&x[i], &y[j]) : 1;
		if (c < 0)
			i++;
		else if (c == 0)
			i++, j++;
		else
			added++, j++;
	}
	free(x);
	free(y);
	return added;
}

static size_t
occurrences(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (const char *p = hay; len && (p = strstr(p, needle)); p += len)
		n++;
	return n;
}

/* Lines one old_string -> new_string edit adds to text (replace_all: every occurrence). */
static long
edit_added(const char *text, const cJSON *edit)
{
	const char *o = guard_event_str(edit, "old_string") ?: "", *n = guard_event_str(edit, "new_string") ?: "";
	long one = guard_lines_added(o, strlen(o), n, strlen(n));
	size_t times = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(edit, "replace_all")) && text ? occurrences(text, o) : 1;
	return one * (long)(times ? times : 1);
}

long
guard_session_predict_loc(const char *root, const cJSON *ev)
{
	const char *tool = guard_event_str(ev, "tool") ?: "";
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(ev, "input"), *e;
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "risk"), "targets");
	const char *rel = cJSON_GetStringValue(cJSON_GetArrayItem(targets, 0));
	char *path, *old = NULL;
	size_t old_len = 0;
	long added = 0;

	if (strcmp(tool, "Write") && strcmp(tool, "Edit") && strcmp(tool, "MultiEdit"))
		return 0;
	if (!rel || rel[0] == '/' || guard_session_own_path(rel))
		return 0; /* outside is counted elsewhere; guard's own state never counts */
	path = guard_xasprintf("%s/%s", root, rel);
	if (guard_file_read(path, FILE_MAX, 1, &old, &old_len) < 0) {
		guard_error_clear();
		old = NULL;
		old_len = 0;
	}
	free(path);
	if (!strcmp(tool, "Write")) {
		const char *content = guard_event_str(input, "content") ?: "";
		added = guard_lines_added(old, old_len, content, strlen(content));
	} else if (!strcmp(tool, "Edit")) {
		added = edit_added(old, input);
	} else {
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(input, "edits"))
			added += edit_added(old, e);
	}
	free(old);
	return added;
}

static bool
is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void
mark(cJSON *marks, const char *rel, bool existed)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "path", rel);
	cJSON_AddBoolToObject(m, "existed", existed);
	cJSON_AddItemToArray(marks, m);
}

/* Every file under dir (relative rel) that pattern matches (NULL: all), up to *left. */
static void
walk(const char *root, const char *rel, const char *pattern, cJSON *marks, size_t *left)
{
	char *dir = *rel ? guard_xasprintf("%s/%s", root, rel) : guard_xstrdup(root);
	DIR *d = opendir(dir);
	struct dirent *e;

	free(dir);
	while (d && *left && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || (!*rel && !strcmp(e->d_name, ".git")))
			continue;
		char *sub = *rel ? guard_xasprintf("%s/%s", rel, e->d_name) : guard_xstrdup(e->d_name);
		char *abs = guard_xasprintf("%s/%s", root, sub);
		struct stat st;
		if (!guard_session_own_path(sub) && lstat(abs, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(root, sub, pattern, marks, left);
			else if (!pattern || guard_glob_match(pattern, sub)) {
				mark(marks, sub, true);
				(*left)--;
			}
		}
		free(abs);
		free(sub);
	}
	if (d)
		closedir(d);
}

cJSON *
guard_session_marks(const char *root, const cJSON *risk, size_t max)
{
	const char *class = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(risk, "class"));
	bool deletes = class && !strcmp(class, "D");
	cJSON *marks = cJSON_CreateArray();
	const cJSON *v;
	size_t left = max;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(risk, "targets")) {
		struct stat st;
		if (!cJSON_IsString(v) || v->valuestring[0] == '/' || guard_session_own_path(v->valuestring) || !left)
			continue;
		if (deletes && is_pattern(v->valuestring)) {
			walk(root, "", v->valuestring, marks, &left);
			continue;
		}
		char *abs = guard_xasprintf("%s/%s", root, v->valuestring);
		bool exists = lstat(abs, &st) == 0;
		free(abs);
		if (deletes && exists && S_ISDIR(st.st_mode)) {
			walk(root, v->valuestring, NULL, marks, &left); /* a folder deleted is every file in it */
			continue;
		}
		if (is_pattern(v->valuestring) && !exists)
			continue; /* a pattern names no file to create */
		mark(marks, v->valuestring, exists);
		left--;
	}
	return marks;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * One simple command's words, normalised: its name, then the words that
 * are not options, sorted, with the value of a --flag=v among them (so
 * --flag=v and --flag v match, and an option added or moved does not
 * make a new action).
 */
static void
add_words(struct guard_buf *b, const struct guard_shell_cmd *c)
{
	char **w = guard_xmalloc((c->argc + c->nredirs + 1) * sizeof(*w));
	size_t n = 0;

	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text, *eq = strchr(t, '=');
		if (t[0] == '-' && t[1] && eq && eq[1])
			w[n++] = guard_xstrdup(eq + 1);
		else if (t[0] != '-' || !t[1])
			w[n++] = guard_xstrdup(t);
	}
	for (size_t i = 0; i < c->nredirs; i++)
		w[n++] = guard_xasprintf(">%d:%s", (int)c->redirs[i].op, c->redirs[i].target.text);
	if (n)
		qsort(w, n, sizeof(*w), by_str);
	guard_buf_addstr(b, c->argc ? c->argv[0].text : "");
	for (size_t i = 0; i < n; i++) {
		guard_buf_addch(b, '\x1f');
		guard_buf_addstr(b, w[i]);
		free(w[i]);
	}
	guard_buf_addch(b, '\x1e');
	free(w);
}

char *
guard_session_action_key(const cJSON *ev)
{
	const char *command = guard_event_str(ev, "input.command");
	const cJSON *risk = cJSON_GetObjectItemCaseSensitive(ev, "risk"), *v;
	struct guard_buf b = GUARD_BUF_INIT;
	struct guard_list targets = GUARD_LIST_INIT;

	guard_buf_addf(&b, "%s\x1e%s\x1e", guard_event_str(ev, "tool") ?: "", guard_event_str(ev, "decision.rule") ?: "");
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(risk, "targets"))
		if (cJSON_IsString(v))
			guard_list_add(&targets, v->valuestring);
	if (targets.len)
		qsort(targets.items, targets.len, sizeof(*targets.items), by_str);
	for (size_t i = 0; i < targets.len; i++)
		guard_buf_addf(&b, "%s\x1f", targets.items[i]);
	guard_buf_addch(&b, '\x1e');
	guard_list_clear(&targets);
	if (command) {
		struct guard_shell sh;
		memset(&sh, 0, sizeof(sh));
		guard_shell_parse(&sh, command, strlen(command), NULL);
		if (sh.unparsed)
			guard_buf_addstr(&b, command); /* bytes, as before, when the words are not known */
		else
			for (size_t i = 0; i < sh.ncmds; i++)
				add_words(&b, &sh.cmds[i]);
		guard_shell_release(&sh);
	} else {
		char *canon = guard_json_canonical(cJSON_GetObjectItemCaseSensitive(ev, "input"));
		guard_buf_addstr(&b, canon);
		free(canon);
	}
	return guard_buf_detach(&b);
}
