/*
 * What guard mcp knows of a server's tools, the event a tools/call
 * becomes, and the answers guard gives in the server's place.
 */
#include "guard_error.h"
#include "guard_event.h"
#include "guard_json.h"
#include "guard_mcp.h"

static const char *const hint_names[] = { "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint" };
#define NHINTS (sizeof(hint_names) / sizeof(hint_names[0]))

void
guard_mcp_tools_release(struct guard_mcp_tools *t)
{
	cJSON_Delete(t->known);
	t->known = NULL;
}

size_t
guard_mcp_tools_learn(struct guard_mcp_tools *t, const cJSON *result)
{
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(result, "tools"), *tool;
	size_t n = 0;

	if (!cJSON_IsArray(tools))
		return 0;
	if (!t->known)
		t->known = cJSON_CreateObject();
	cJSON_ArrayForEach(tool, tools) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(tool, "name");
		const cJSON *ann = cJSON_GetObjectItemCaseSensitive(tool, "annotations");
		if (!cJSON_IsString(name) || !*name->valuestring)
			continue;
		cJSON *old = cJSON_GetObjectItemCaseSensitive(t->known, name->valuestring);
		cJSON *h = cJSON_CreateObject();
		for (size_t i = 0; i < NHINTS; i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, hint_names[i]);
			bool on = cJSON_IsTrue(v);
			/* an untrusted server cannot take back a destructive hint */
			if (!t->trusted && i == 1 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(old, hint_names[i])))
				on = true;
			if (cJSON_IsBool(v) || on)
				cJSON_AddBoolToObject(h, hint_names[i], on);
		}
		guard_json_set(t->known, name->valuestring, h);
		n++;
	}
	return n;
}

cJSON *
guard_mcp_tools_hints(const struct guard_mcp_tools *t, const char *tool)
{
	const cJSON *h = t->known ? cJSON_GetObjectItemCaseSensitive(t->known, tool) : NULL;
	cJSON *out = cJSON_CreateObject();

	for (size_t i = 0; i < NHINTS; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(h, hint_names[i]);
		if (!cJSON_IsBool(v))
			continue;
		/* readOnlyHint lowers risk: believed only from a trusted server */
		if (i == 0 && !t->trusted)
			continue;
		cJSON_AddBoolToObject(out, hint_names[i], cJSON_IsTrue(v));
	}
	if (h && !t->trusted && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "readOnlyHint")))
		cJSON_AddBoolToObject(out, "untrustedReadOnlyHint", true);
	return out;
}

int
guard_mcp_call_event(const cJSON *msg, const char *server, const struct guard_mcp_tools *tools,
		     const char *cwd, cJSON **out)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "arguments");
	cJSON *ev, *actor;

	*out = NULL;
	if (!cJSON_IsObject(params))
		return guard_error(GUARD_EUSAGE, "tools/call without a params object");
	if (!cJSON_IsString(name) || !*name->valuestring)
		return guard_error(GUARD_EUSAGE, "tools/call without a tool name (params.name)");
	if (args && !cJSON_IsObject(args) && !cJSON_IsNull(args))
		return guard_error(GUARD_EUSAGE, "tools/call arguments are not an object");
	ev = cJSON_CreateObject();
	cJSON_AddNumberToObject(ev, "v", 1);
	cJSON_AddStringToObject(ev, "source", "mcp");
	cJSON_AddStringToObject(ev, "phase", "pre");
	if (cwd)
		cJSON_AddStringToObject(ev, "cwd", cwd);
	actor = cJSON_AddObjectToObject(ev, "actor");
	cJSON_AddStringToObject(actor, "user", "mcp");
	cJSON_AddStringToObject(actor, "role", "agent");
	char *tool = guard_xasprintf("mcp__%s__%s", server, name->valuestring);
	cJSON_AddStringToObject(ev, "tool", tool);
	free(tool);
	cJSON_AddItemToObject(ev, "input", cJSON_IsObject(args) ? cJSON_Duplicate(args, 1) : cJSON_CreateObject());
	cJSON_AddItemToObject(ev, "hints", guard_mcp_tools_hints(tools, name->valuestring));
	cJSON_AddStringToObject(ev, "mcp_server", server);
	*out = ev;
	return 0;
}

/* The text of a tool result's first text content, or NULL. */
static const char *
first_text(const cJSON *result)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(result, "content")) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "text");
		if (cJSON_IsString(t))
			return t->valuestring;
	}
	return NULL;
}

cJSON *
guard_mcp_result_event(const cJSON *pre, const cJSON *answer, const char *why, double duration_ms)
{
	static const char *const keep[] = { "v", "source", "session", "cwd", "project", "actor", "tool", "input",
					    "hints", "mcp_server", NULL };
	cJSON *ev = cJSON_CreateObject(), *res = cJSON_CreateObject();
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(answer, "result");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(answer, "error");

	for (size_t i = 0; keep[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(pre, keep[i]);
		if (v)
			cJSON_AddItemToObject(ev, keep[i], cJSON_Duplicate(v, 1));
	}
	cJSON_AddStringToObject(ev, "phase", "post");
	if (!answer) {
		cJSON_AddBoolToObject(res, "success", false);
		cJSON_AddStringToObject(res, "error", why ? why : "no answer");
	} else if (err) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(err, "message");
		cJSON_AddBoolToObject(res, "success", false);
		cJSON_AddStringToObject(res, "error", cJSON_IsString(m) ? m->valuestring : "JSON-RPC error");
	} else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "isError"))) {
		cJSON_AddBoolToObject(res, "success", false);
		cJSON_AddStringToObject(res, "error", first_text(result) ? first_text(result) : "the tool reported an error");
	} else {
		cJSON_AddBoolToObject(res, "success", result != NULL);
		if (!result)
			cJSON_AddStringToObject(res, "error", "an answer with neither result nor error");
	}
	cJSON_AddItemToObject(ev, "result", res);
	cJSON_AddNumberToObject(ev, "duration_ms", duration_ms);
	return ev;
}

void
guard_mcp_tool_error(struct guard_buf *b, const char *id_json, const char *text)
{
	guard_buf_addf(b, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"content\":[{\"type\":\"text\",\"text\":", id_json);
	guard_json_add_string(b, text);
	guard_buf_addstr(b, "}],\"isError\":true}}\n");
}

void
guard_mcp_rpc_error(struct guard_buf *b, const char *id_json, int code, const char *message)
{
	guard_buf_addf(b, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":%d,\"message\":", id_json, code);
	guard_json_add_string(b, message);
	guard_buf_addstr(b, "}}\n");
}

static void
add_reasons(struct guard_buf *b, const cJSON *ev)
{
	const cJSON *r;
	int n = 0;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "risk"), "reasons"))
		if (cJSON_IsString(r))
			guard_buf_addf(b, "%s%s", n++ ? "; " : "", r->valuestring);
	if (!n)
		guard_buf_addstr(b, "-");
}

char *
guard_mcp_refusal_text(const cJSON *ev, bool propose)
{
	struct guard_buf b = GUARD_BUF_INIT;
	const char *rule = guard_event_str(ev, "decision.rule");
	const char *reason = guard_event_str(ev, "decision.reason");
	const char *asked = guard_event_str(ev, "decision.asked");
	const char *id = guard_event_str(ev, "approval.id");
	const char *status = guard_event_str(ev, "approval.status");
	bool pending = id && status && !strcmp(status, "pending");

	if (propose && pending) {
		char *args = guard_json_canonical(cJSON_GetObjectItemCaseSensitive(ev, "input"));
		guard_buf_addf(&b, "PROPOSAL (not run): %s %s\nrisk: %s/%s: ", guard_event_str(ev, "tool"), args ? args : "{}",
			       guard_event_str(ev, "risk.level") ?: "?", guard_event_str(ev, "risk.class") ?: "?");
		free(args);
		add_reasons(&b, ev);
		guard_buf_addf(&b, "\napproval: request %s (rule %s). A person approves it with: guard-approve approve %.8s\n"
			       "It runs only when this exact call (same tool, same arguments) is made again after the approval, once.",
			       id, asked ? asked : rule ? rule : "-", id);
		return guard_buf_detach(&b);
	}
	guard_buf_addf(&b, "guard denied %s (rule %s): %s", guard_event_str(ev, "tool"), rule ? rule : "-",
		       reason && *reason ? reason : "no reason given");
	return guard_buf_detach(&b);
}
