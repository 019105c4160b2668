/*
 * guard init --mcp [--remove] and guard doctor's MCP lines: wrap every
 * stdio server of the project's .mcp.json (Claude Code's project MCP
 * configuration) in `guard mcp --name NAME --`, or take the wrapper off
 * again; tell which servers are wrapped.
 */
#include <errno.h>
#include <sys/stat.h>

#include "cli.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "init_mcp.h"

#define MCP_JSON_MAX ((size_t)4 << 20)

enum wrap_state { W_WRAPPED, W_STDIO, W_OTHER, W_BAD };

/* What a server entry is: wrapped already, a stdio server to wrap, another transport. */
static enum wrap_state
state_of(const cJSON *srv)
{
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(srv, "command");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(srv, "args");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(srv, "type");
	const cJSON *first = cJSON_IsArray(args) ? cJSON_GetArrayItem(args, 0) : NULL;

	if (cJSON_IsString(type) && strcmp(type->valuestring, "stdio"))
		return W_OTHER;
	if (!cJSON_IsString(cmd) || (args && !cJSON_IsArray(args)))
		return cJSON_GetObjectItemCaseSensitive(srv, "url") ? W_OTHER : W_BAD;
	const char *base = strrchr(cmd->valuestring, '/');
	base = base ? base + 1 : cmd->valuestring;
	if (!strcmp(base, "guard") && cJSON_IsString(first) && !strcmp(first->valuestring, "mcp"))
		return W_WRAPPED;
	return W_STDIO;
}

static bool
name_ok(const char *name)
{
	return *name && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == strlen(name) &&
	       !strstr(name, "__");
}

static void
wrap(cJSON *srv, const char *name)
{
	cJSON *cmd = cJSON_GetObjectItemCaseSensitive(srv, "command");
	cJSON *args = cJSON_GetObjectItemCaseSensitive(srv, "args");
	cJSON *neu = cJSON_CreateArray(), *it;

	cJSON_AddItemToArray(neu, cJSON_CreateString("mcp"));
	cJSON_AddItemToArray(neu, cJSON_CreateString("--name"));
	cJSON_AddItemToArray(neu, cJSON_CreateString(name));
	cJSON_AddItemToArray(neu, cJSON_CreateString("--"));
	cJSON_AddItemToArray(neu, cJSON_CreateString(cmd->valuestring));
	cJSON_ArrayForEach(it, args)
		cJSON_AddItemToArray(neu, cJSON_Duplicate(it, 1));
	guard_json_set(srv, "command", cJSON_CreateString("guard"));
	guard_json_set(srv, "args", neu);
}

/* Take the wrapper off: the command is what follows "--". False when there is none. */
static bool
unwrap(cJSON *srv)
{
	cJSON *args = cJSON_GetObjectItemCaseSensitive(srv, "args"), *it, *neu;
	int i = 0, sep = -1;

	cJSON_ArrayForEach(it, args) {
		if (sep < 0 && cJSON_IsString(it) && !strcmp(it->valuestring, "--"))
			sep = i;
		i++;
	}
	if (sep < 0 || sep + 1 >= i || !cJSON_IsString(cJSON_GetArrayItem(args, sep + 1)))
		return false;
	neu = cJSON_CreateArray();
	for (int k = sep + 2; k < i; k++)
		cJSON_AddItemToArray(neu, cJSON_Duplicate(cJSON_GetArrayItem(args, k), 1));
	guard_json_set(srv, "command", cJSON_CreateString(cJSON_GetArrayItem(args, sep + 1)->valuestring));
	guard_json_set(srv, "args", neu);
	return true;
}

/* The servers object of path's .mcp.json; *doc owns it. 0 with *doc NULL when there is no file. */
static int
load(const char *path, cJSON **doc, cJSON **servers)
{
	char *text = NULL;
	size_t len;
	int rc;

	*doc = *servers = NULL;
	rc = guard_file_read(path, MCP_JSON_MAX, 1, &text, &len);
	if (rc == GUARD_ENOTFOUND) {
		guard_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	*doc = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(*doc) || !cJSON_IsObject(*servers = cJSON_GetObjectItemCaseSensitive(*doc, "mcpServers"))) {
		cJSON_Delete(*doc);
		*doc = *servers = NULL;
		return guard_error(GUARD_EUSAGE, "'%s' is not a JSON object with an \"mcpServers\" object; left unchanged", path);
	}
	return 0;
}

int
init_mcp(const char *root, bool remove)
{
	char *path = guard_xasprintf("%s/.mcp.json", root);
	cJSON *doc, *servers, *srv;
	bool changed = false;
	struct stat st;
	int rc;

	if ((rc = load(path, &doc, &servers)) < 0 || !doc) {
		if (rc == 0)
			printf("no .mcp.json in %s: nothing to wrap (add servers with your client, then run guard init --mcp)\n", root);
		free(path);
		return rc;
	}
	cJSON_ArrayForEach(srv, servers) {
		const char *name = srv->string;
		enum wrap_state w = state_of(srv);
		if (remove) {
			if (w == W_WRAPPED && unwrap(srv)) {
				printf("unwrapped %s\n", name);
				changed = true;
			} else {
				printf("kept      %s (%s)\n", name, w == W_WRAPPED ? "a guard mcp entry without '--': fix it by hand" : "not wrapped");
			}
		} else if (w == W_WRAPPED) {
			printf("kept      %s (wrapped already)\n", name);
		} else if (w == W_OTHER) {
			printf("kept      %s (not a stdio server: guard mcp speaks stdio only)\n", name);
		} else if (w == W_BAD) {
			printf("kept      %s (no \"command\" string or \"args\" list)\n", name);
		} else if (!name_ok(name)) {
			printf("kept      %s (rename it: letters, digits, '-', '_', '.', no '__'; it names tools mcp__NAME__TOOL)\n", name);
		} else {
			wrap(srv, name);
			printf("wrapped   %s -> guard mcp --name %s -- ...\n", name, name);
			changed = true;
		}
	}
	if (changed) {
		char *text = guard_json_pretty(doc, 0);
		rc = guard_file_write_atomic(path, text, strlen(text), stat(path, &st) == 0 ? st.st_mode & 0777 : 0644);
		free(text);
	}
	if (rc == 0 && !remove)
		printf("\nOther clients (Claude Desktop, Cursor, VS Code, Gemini CLI): in each server's entry, make the\n"
		       "command \"guard\" and put \"mcp\", \"--name\", NAME, \"--\" before the server's own command and\n"
		       "arguments, e.g. {\"command\": \"guard\", \"args\": [\"mcp\", \"--name\", \"fs\", \"--\", \"npx\", \"-y\",\n"
		       "\"@modelcontextprotocol/server-filesystem\", \"/path\"]}.\n");
	cJSON_Delete(doc);
	free(path);
	return rc;
}

int
doctor_mcp(const char *root)
{
	char *path = guard_xasprintf("%s/.mcp.json", root);
	cJSON *doc, *servers, *srv;
	int rc, unwrapped = 0;

	if ((rc = load(path, &doc, &servers)) < 0) {
		printf("mcp servers: %s\n", guard_error_last());
		guard_error_clear();
		free(path);
		return 0;
	}
	if (!doc) {
		free(path);
		return 0; /* no project MCP servers: nothing to say */
	}
	cJSON_ArrayForEach(srv, servers) {
		enum wrap_state w = state_of(srv);
		printf("mcp server %s: %s\n", srv->string,
		       w == W_WRAPPED ? "wrapped (guard mcp)" :
		       w == W_OTHER ? "NOT governed (not stdio; guard mcp speaks stdio only)" :
		       "NOT wrapped (run guard init --mcp)");
		unwrapped += w != W_WRAPPED;
	}
	cJSON_Delete(doc);
	free(path);
	return unwrapped;
}
