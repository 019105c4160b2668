#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"

#define SETTINGS_MAX ((size_t)1 << 20)

static const char *const claude_tools[] = { "Bash", "Write", "Edit", "MultiEdit", "NotebookEdit",
					    "mcp__server__tool", NULL };
static const char *const gemini_tools[] = { "run_shell_command", "write_file", "replace", NULL };
static const char *const codex_tools[] = { "Bash", NULL };

const struct agent_conf agent_confs[3] = {
	{ GUARD_AGENT_CLAUDE, "claude", ".claude", "settings.json", "PreToolUse", false, claude_tools },
	{ GUARD_AGENT_GEMINI, "gemini", ".gemini", "settings.json", "BeforeTool", true, gemini_tools },
	{ GUARD_AGENT_CODEX, "codex", ".codex", "hooks.json", "PreToolUse", false, codex_tools },
};

int
agent_json_read(const char *path, cJSON **out)
{
	char *text = NULL;
	size_t len = 0;
	const char *end = NULL;
	int rc;

	*out = NULL;
	if ((rc = guard_file_read(path, SETTINGS_MAX, 1, &text, &len)) < 0)
		return rc;
	*out = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!*out) {
		/* where the parser stopped, as an editor counts it */
		size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		if (off > 0 && off < len && text[off - 1] == '/' && (text[off] == '/' || text[off] == '*'))
			off--; /* cJSON stops on the second character of a comment's opening */
		unsigned line = 1, col = 1;
		for (size_t i = 0; i < off; i++, col++)
			if (text[i] == '\n')
				line++, col = 0;
		const char *what = off < len && text[off] == '/' ? "a comment (JSON has none)" : "not JSON";
		rc = guard_error(GUARD_EUSAGE, "%s:%u:%u: %s", path,
				 line, col, what);
	} else if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		rc = guard_error(GUARD_EUSAGE, "'%s' is not a JSON object",
				 path);
	}
	free(text);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *
agent_duplicate_member(const cJSON *obj)
{
	size_t n = 0, i = 0;
	const char **names, *dup = NULL;

	if (!cJSON_IsObject(obj))
		return NULL;
	for (const cJSON *c = obj->child; c; c = c->next)
		n++;
	if (n < 2)
		return NULL;
	/* sorted, so a settings file of many members costs n log n, not n squared */
	names = guard_xmalloc(n * sizeof(*names));
	for (const cJSON *c = obj->child; c; c = c->next)
		names[i++] = c->string ? c->string : "";
	qsort(names, n, sizeof(*names), by_name);
	for (i = 1; i < n && !dup; i++)
		if (!strcmp(names[i - 1], names[i]))
			dup = names[i];
	free(names);
	return dup;
}

bool
agent_is_guard_command(const char *command)
{
	const char *g = command ? strstr(command, "guard") : NULL;
	return g && strstr(g, " hook");
}

void
agent_each_hook(const cJSON *settings, const char *event,
		void (*fn)(const cJSON *matcher, const cJSON *hook, void *arg), void *arg)
{
	const cJSON *entry, *h;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(settings, "hooks"), event);

	if (!cJSON_IsArray(list))
		return;
	cJSON_ArrayForEach(entry, list) {
		const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(entry, "hooks");
		if (!cJSON_IsArray(hooks))
			continue;
		cJSON_ArrayForEach(h, hooks)
			if (cJSON_IsObject(h))
				fn(cJSON_GetObjectItemCaseSensitive(entry, "matcher"), h, arg);
	}
}

struct shortest {
	const struct agent_conf *a;
	long long s; /* 0: none seen */
};

static void
shortest_hook(const cJSON *matcher, const cJSON *hook, void *arg)
{
	struct shortest *sh = arg;
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(hook, "timeout");
	long long t = AGENT_DEFAULT_TIMEOUT_S;

	(void)matcher;
	if (!agent_is_guard_command(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hook, "command"))))
		return;
	if (cJSON_IsNumber(to) && to->valuedouble > 0 && to->valuedouble < 1e9)
		t = sh->a->timeout_ms ? (long long)to->valuedouble / 1000 : (long long)to->valuedouble;
	if (!sh->s || t < sh->s)
		sh->s = t;
}

static void
shortest_toml(const char *command, void *arg)
{
	struct shortest *sh = arg;

	(void)command;
	if (!sh->s || AGENT_HOOK_TIMEOUT_S < sh->s)
		sh->s = AGENT_HOOK_TIMEOUT_S;
}

long long
agent_hook_timeout(const struct agent_conf *a, const char *root, const char *home)
{
	const char *files[] = { a->file, a->agent == GUARD_AGENT_CLAUDE ? "settings.local.json"
					 : a->agent == GUARD_AGENT_CODEX ? AGENT_CODEX_TOML : NULL };
	const char *bases[] = { root, home };
	struct shortest sh = { a, 0 };

	for (size_t b = 0; b < 2; b++)
		for (size_t f = 0; f < 2 && files[f] && bases[b] && *bases[b]; f++) {
			char *path = guard_xasprintf("%s/%s/%s", bases[b], a->dir, files[f]), *text = NULL;
			size_t len;
			cJSON *s = NULL;
			if (!strcmp(files[f], AGENT_CODEX_TOML)) {
				if (guard_file_read(path, SETTINGS_MAX, 1, &text, &len) >= 0)
					agent_toml_commands(text, a->pre_event, shortest_toml, &sh);
				free(text);
			} else if (agent_json_read(path, &s) == 0) {
				agent_each_hook(s, a->pre_event, shortest_hook, &sh);
			}
			guard_error_clear();
			cJSON_Delete(s);
			free(path);
		}
	return sh.s;
}

char *
agent_shell_quote(const char *word)
{
	struct guard_buf b = GUARD_BUF_INIT;

	if (*word && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@%=,") == strlen(word))
		return guard_xstrdup(word);
	guard_buf_addch(&b, '\'');
	for (const char *p = word; *p; p++)
		guard_buf_addstr(&b, *p == '\'' ? "'\\''" : (char[]){ *p, 0 });
	guard_buf_addch(&b, '\'');
	return guard_buf_detach(&b);
}

char *
agent_hook_command(const char *command, const char *agent)
{
	/* a guard that is gone (uninstalled, another machine) exits 127: turn that into a block */
	return guard_xasprintf("%s %s || exit 2", command, agent);
}

void
agent_toml_commands(const char *text, const char *event, void (*fn)(const char *command, void *arg), void *arg)
{
	const char *begin = strstr(text, AGENT_TOML_BEGIN), *end;
	char *table = guard_xasprintf("[[hooks.%s.hooks]]", event);
	bool in = false;

	if (!begin || !(end = strstr(begin, AGENT_TOML_END)))
		goto out;
	for (const char *l = begin; l < end;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (*l == '[')
			in = n == strlen(table) && !strncmp(l, table, n);
		/* guard writes each command as a basic string, which is JSON's string syntax */
		if (in && n > 10 && !strncmp(l, "command = ", 10)) {
			cJSON *s = cJSON_ParseWithLength(l + 10, n - 10);
			if (cJSON_IsString(s))
				fn(s->valuestring, arg);
			cJSON_Delete(s);
		}
		l += n + (nl != NULL);
	}
out:
	free(table);
}
