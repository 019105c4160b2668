#include <stdlib.h>
#include <sys/stat.h>

#include "guard_adapter.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_json.h"
#include "guard_path.h"

static const char *const agent_names[] = { "claude", "gemini", "codex" };

int
guard_agent_parse(const char *name, enum guard_agent *out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, agent_names[i])) {
			*out = (enum guard_agent)i;
			return 0;
		}
	return guard_error(GUARD_EUSAGE, "unknown agent '%s' (claude, gemini, codex)", name);
}

const char *
guard_agent_name(enum guard_agent agent)
{
	return (unsigned)agent < 3 ? agent_names[agent] : "unknown";
}

bool
guard_adapter_is_payload(const cJSON *obj)
{
	const cJSON *hook = NULL;

	/* One walk over the members: this runs on every event of a stream. */
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (c->string[0] == 'v' && !c->string[1])
			return false;
		if (!hook && !strcmp(c->string, "hook_event_name"))
			hook = c;
	}
	return cJSON_IsString(hook);
}

/* Gemini CLI's built-in tools, by their canonical guard name. */
static const struct { const char *from, *to; } tool_aliases[] = {
	{ "run_shell_command", "Bash" }, { "write_file", "Write" }, { "replace", "Edit" },
	{ "read_file", "Read" }, { "read_many_files", "Read" }, { "list_directory", "LS" },
	{ "glob", "Glob" }, { "search_file_content", "Grep" }, { "web_fetch", "WebFetch" },
	{ "google_web_search", "WebSearch" }, { "save_memory", "Write" },
	/* Codex */
	{ "shell", "Bash" }, { "local_shell", "Bash" }, { "exec_command", "Bash" }, { "shell_command", "Bash" },
	{ "apply_patch", "Edit" },
};

static const char *
canonical_tool(const char *name)
{
	for (size_t i = 0; i < sizeof(tool_aliases) / sizeof(tool_aliases[0]); i++)
		if (!strcmp(name, tool_aliases[i].from))
			return tool_aliases[i].to;
	return name;
}

static const char *
phase_of(const char *hook)
{
	if (!strcmp(hook, "PreToolUse") || !strcmp(hook, "BeforeTool"))
		return "pre";
	if (!strcmp(hook, "PostToolUse") || !strcmp(hook, "AfterTool") ||
	    !strcmp(hook, "PostToolUseFailure"))
		return "post";
	return "other";
}

/* Quote one argv word for a POSIX shell, so an argv array reads as a command line. */
static void
add_shell_word(struct guard_buf *b, const char *w)
{
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./-_") == strlen(w)) {
		guard_buf_addstr(b, w);
		return;
	}
	guard_buf_addch(b, '\'');
	for (; *w; w++) {
		if (*w == '\'')
			guard_buf_addstr(b, "'\\''");
		else
			guard_buf_addch(b, *w);
	}
	guard_buf_addch(b, '\'');
}

/*
 * The input as guard's stages read it: Gemini's absolute_path is a
 * file_path; Codex may give the command as an argv array.
 */
static int
normalise_input(cJSON *input)
{
	cJSON *cmd = cJSON_GetObjectItemCaseSensitive(input, "command");
	cJSON *abs = cJSON_GetObjectItemCaseSensitive(input, "absolute_path");

	if (cJSON_IsArray(cmd)) {
		struct guard_buf b = GUARD_BUF_INIT;
		const cJSON *w;
		cJSON_ArrayForEach(w, cmd) {
			if (!cJSON_IsString(w)) {
				guard_buf_release(&b);
				return guard_error(GUARD_EUSAGE, "tool_input.command array holds a non-string");
			}
			if (b.len)
				guard_buf_addch(&b, ' ');
			add_shell_word(&b, w->valuestring);
		}
		cJSON_ReplaceItemInObjectCaseSensitive(input, "command", cJSON_CreateString(b.buf));
		guard_buf_release(&b);
	}
	if (cJSON_IsString(abs) && !cJSON_GetObjectItemCaseSensitive(input, "file_path"))
		cJSON_AddStringToObject(input, "file_path", abs->valuestring);
	return 0;
}

/*
 * The folder a shell tool runs its command in when the tool takes one:
 * Gemini's run_shell_command `directory` (or `dir_path`), Codex's shell
 * `workdir` (A14). Gemini's is relative to the project root of the
 * payload's cwd, Codex's to that cwd (a shell's own rule), resolved physically (symlinks as the kernel follows them); it must be
 * a folder that exists. The event keeps its project (root) and takes
 * this folder as its cwd, so the command is rated where it runs.
 * 0 with nothing to do when the input names no such folder.
 */
static int
shell_folder(enum guard_agent agent, const char *tool, const cJSON *input, const char *cwd, const char *root,
	     cJSON *ev)
{
	static const char *const keys[2][3] = { { "directory", "dir_path", NULL }, { "workdir", NULL, NULL } };
	const char *const *names = agent == GUARD_AGENT_GEMINI ? keys[0] : agent == GUARD_AGENT_CODEX ? keys[1] : NULL;
	const cJSON *v = NULL;
	const char *key = NULL;
	char *joined, *real;
	struct stat sb;

	if (!names || strcmp(canonical_tool(tool), "Bash"))
		return 0;
	for (size_t i = 0; names[i]; i++) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(input, names[i]);
		if (!m || cJSON_IsNull(m))
			continue;
		if (!cJSON_IsString(m))
			return guard_error(GUARD_EUSAGE, "tool_input.%s is not a string: the folder the command runs in "
					   "is unknown", names[i]);
		if (v && strcmp(v->valuestring, m->valuestring))
			return guard_error(GUARD_EUSAGE, "tool_input.%s and tool_input.%s name different folders", key,
					   names[i]);
		v = m, key = names[i];
	}
	if (!v || !*v->valuestring)
		return 0;
	/* Gemini's directory is relative to the project root; Codex's workdir to the session's folder */
	const char *base = agent == GUARD_AGENT_GEMINI ? root : cwd;
	joined = v->valuestring[0] == '/' ? guard_xstrdup(v->valuestring) : guard_xasprintf("%s/%s", base, v->valuestring);
	real = realpath(joined, NULL);
	if (!real || stat(real, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		int rc = guard_error(GUARD_EUSAGE, "tool_input.%s '%s' is not a folder that exists (%s): the command "
				     "cannot be rated where it would run", key, v->valuestring, joined);
		free(real), free(joined);
		return rc;
	}
	guard_json_set(ev, "cwd", cJSON_CreateString(real));
	free(real), free(joined);
	return 0;
}

/*
 * Codex's unified exec (attack7 H16): write_stdin {session_id, chars}
 * types chars into a command exec_command started and left running (a
 * shell, python3 -, cat | sh); unified_exec with a session_id does the
 * same with its input chunks. What is typed is rated as the shell command
 * line it is: the tool becomes Bash, the text its command, and the event
 * says where it came from (stdin_write: the session's folder is unknown,
 * since a cd typed earlier moved it; stdin_partial: a line not ended
 * yet, whose command a later write completes, so it cannot be read).
 * Nothing typed (a poll, control keys alone) stays the tool it is.
 */
static int
stdin_write(enum guard_agent agent, const char *tool, cJSON *input, cJSON *ev)
{
	struct guard_buf text = GUARD_BUF_INIT;
	const cJSON *v;
	bool printable = false;

	if (agent != GUARD_AGENT_CODEX || !input)
		return 0;
	if (!strcmp(tool, "write_stdin")) {
		v = cJSON_GetObjectItemCaseSensitive(input, "chars");
		if (v && !cJSON_IsNull(v) && !cJSON_IsString(v))
			return guard_error(GUARD_EUSAGE, "tool_input.chars is not a string: what write_stdin types is unknown");
		if (cJSON_IsString(v))
			guard_buf_addstr(&text, v->valuestring);
	} else if (!strcmp(tool, "unified_exec") && cJSON_GetObjectItemCaseSensitive(input, "session_id")) {
		const cJSON *w;
		v = cJSON_GetObjectItemCaseSensitive(input, "input");
		const cJSON *arr = cJSON_IsArray(v) ? v : NULL;
		cJSON_ArrayForEach(w, arr) {
			if (!cJSON_IsString(w)) {
				guard_buf_release(&text);
				return guard_error(GUARD_EUSAGE, "tool_input.input holds a non-string: what unified_exec types "
						   "is unknown");
			}
			guard_buf_addstr(&text, w->valuestring);
		}
		if (v && !cJSON_IsArray(v) && !cJSON_IsNull(v))
			return guard_error(GUARD_EUSAGE, "tool_input.input is not an array of strings: what unified_exec "
					   "types is unknown");
	} else {
		return 0;
	}
	/* Enter is "\n" or "\r" (a terminal's): each ends a line */
	for (size_t i = 0; i < text.len; i++) {
		if (text.buf[i] == '\r')
			text.buf[i] = '\n';
		printable |= (unsigned char)text.buf[i] >= 0x20 && text.buf[i] != 0x7f;
	}
	if (printable) {
		bool partial = text.buf[text.len - 1] != '\n';
		guard_json_set(ev, "tool", cJSON_CreateString("Bash"));
		guard_json_set(ev, "agent_tool", cJSON_CreateString(tool));
		guard_json_set(input, "command", cJSON_CreateString(text.buf));
		cJSON_AddBoolToObject(ev, "stdin_write", true);
		if (partial)
			cJSON_AddBoolToObject(ev, "stdin_partial", true);
	}
	guard_buf_release(&text);
	return 0;
}

int
guard_adapter_project(const char *cwd, char **root)
{
	const char *env = getenv("GUARD_DIR");
	int rc = guard_event_project_root(cwd, root);

	if (rc == GUARD_ENOTFOUND && !(env && *env))
		return guard_error(GUARD_ENOTFOUND, "the call's folder '%s' is in no project guard was set up in (no .git "
				   "or .ai/policy.yaml in it or above it, and neither $CLAUDE_PROJECT_DIR nor "
				   "$GEMINI_PROJECT_DIR names one): guard keeps no state there and cannot rate the call "
				   "against a project; start the agent in the project (guard init sets one up)", cwd);
	return rc;
}

static void
copy_string(cJSON *ev, const char *to, const cJSON *payload, const char *from)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(payload, from);
	if (cJSON_IsString(v))
		cJSON_AddStringToObject(ev, to, v->valuestring);
}

int
guard_adapter_event(enum guard_agent agent, const cJSON *payload, cJSON **out)
{
	const cJSON *hook = cJSON_GetObjectItemCaseSensitive(payload, "hook_event_name");
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(payload, "cwd");
	const cJSON *tool = cJSON_GetObjectItemCaseSensitive(payload, "tool_name");
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(payload, "tool_input");
	const cJSON *v;
	const char *phase;
	cJSON *ev, *actor;
	char *root = NULL;
	int rc;

	*out = NULL;
	if (!cJSON_IsString(hook))
		return guard_error(GUARD_EUSAGE, "payload has no hook_event_name string");
	if (!cJSON_IsString(cwd) || cwd->valuestring[0] != '/')
		return guard_error(GUARD_EUSAGE, "payload has no absolute cwd");
	phase = phase_of(hook->valuestring);
	if (strcmp(phase, "other")) {
		if (!cJSON_IsString(tool) || !*tool->valuestring)
			return guard_error(GUARD_EUSAGE, "%s payload has no tool_name string", hook->valuestring);
		if (!cJSON_IsObject(input))
			return guard_error(GUARD_EUSAGE, "%s payload has no tool_input object", hook->valuestring);
	}

	/* the hook refuses a call in no project (guard_adapter_project); a stream keeps the folder as its project */
	if ((rc = guard_adapter_project(cwd->valuestring, &root)) < 0 && !(rc == GUARD_ENOTFOUND && root)) {
		free(root);
		return rc;
	}
	guard_error_clear();
	ev = cJSON_CreateObject();
	cJSON_AddNumberToObject(ev, "v", 1);
	cJSON_AddStringToObject(ev, "source", guard_agent_name(agent));
	cJSON_AddStringToObject(ev, "phase", phase);
	cJSON_AddStringToObject(ev, "hook", hook->valuestring);
	copy_string(ev, "session", payload, "session_id");
	cJSON_AddStringToObject(ev, "cwd", cwd->valuestring);
	cJSON_AddStringToObject(ev, "project", root);
	free(root);
	actor = cJSON_AddObjectToObject(ev, "actor");
	cJSON_AddStringToObject(actor, "user", guard_agent_name(agent));
	cJSON_AddStringToObject(actor, "role", "agent");
	copy_string(actor, "agent_id", payload, "agent_id");
	copy_string(actor, "agent_type", payload, "agent_type");
	if (cJSON_IsString(tool)) {
		cJSON_AddStringToObject(ev, "tool", canonical_tool(tool->valuestring));
		if (strcmp(canonical_tool(tool->valuestring), tool->valuestring))
			cJSON_AddStringToObject(ev, "agent_tool", tool->valuestring);
	}
	if (cJSON_IsObject(input)) {
		cJSON *copy = cJSON_Duplicate(input, 1);
		if ((rc = normalise_input(copy)) < 0) {
			cJSON_Delete(copy);
			cJSON_Delete(ev);
			return rc;
		}
		cJSON_AddItemToObject(ev, "input", copy);
		if (cJSON_IsString(tool) && ((rc = shell_folder(agent, tool->valuestring, copy, cwd->valuestring,
								guard_event_str(ev, "project"), ev)) < 0 ||
					     (rc = stdin_write(agent, tool->valuestring, copy, ev)) < 0)) {
			cJSON_Delete(ev);
			return rc;
		}
	}
	copy_string(ev, "tool_use_id", payload, "tool_use_id");
	copy_string(ev, "permission_mode", payload, "permission_mode");
	copy_string(ev, "prompt", payload, "prompt");
	copy_string(ev, "session_source", payload, "source");
	if ((v = cJSON_GetObjectItemCaseSensitive(payload, "tool_response")))
		cJSON_AddItemToObject(ev, "result", cJSON_Duplicate(v, 1));
	if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(payload, "duration_ms")))
		cJSON_AddNumberToObject(ev, "duration_ms", v->valuedouble);
	if ((rc = guard_event_complete(ev, guard_agent_name(agent))) < 0) {
		cJSON_Delete(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

static char *
print_json(cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);
	char *copy = guard_xasprintf("%s\n", s ? s : "{}");
	cJSON_free(s);
	cJSON_Delete(obj);
	return copy;
}

/*
 * "guard: <reason> (<what the risk stage found>) [rule <id>]", the text an
 * agent or a person reads: the rule says why it matters, the risk
 * reasons what exactly was seen (at most two, so the text stays short).
 */
static char *
reason_text(const cJSON *event, const cJSON *decision)
{
	const char *reason = NULL, *rule = NULL;
	const cJSON *v, *why = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(event, "risk"), "reasons");
	const cJSON *reasons = cJSON_IsArray(why) ? why : NULL;
	struct guard_buf b = GUARD_BUF_INIT;
	int shown = 0;

	if ((v = cJSON_GetObjectItemCaseSensitive(decision, "reason")) && cJSON_IsString(v))
		reason = v->valuestring;
	if ((v = cJSON_GetObjectItemCaseSensitive(decision, "rule")) && cJSON_IsString(v))
		rule = v->valuestring;
	guard_buf_addf(&b, "guard: %s", reason && *reason ? reason : "no reason given");
	cJSON_ArrayForEach(v, reasons) {
		if (!cJSON_IsString(v) || shown == 2)
			continue;
		guard_buf_addstr(&b, shown++ ? "; " : " (");
		guard_buf_addstr(&b, v->valuestring);
	}
	if (shown)
		guard_buf_addf(&b, "%s)", cJSON_GetArraySize(why) > 2 ? "; ..." : "");
	if (rule)
		guard_buf_addf(&b, " [rule %s]", rule);
	return guard_buf_detach(&b);
}

static void
claude_pre(const char *effect, const char *reason, struct guard_reply *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *h = cJSON_AddObjectToObject(o, "hookSpecificOutput");
	cJSON_AddStringToObject(h, "hookEventName", "PreToolUse");
	cJSON_AddStringToObject(h, "permissionDecision", effect);
	cJSON_AddStringToObject(h, "permissionDecisionReason", reason);
	r->out = print_json(o);
	r->status = 0;
}

void
guard_adapter_reply(enum guard_agent agent, const cJSON *event, struct guard_reply *r)
{
	const cJSON *decision = cJSON_GetObjectItemCaseSensitive(event, "decision");
	const cJSON *stop = cJSON_GetObjectItemCaseSensitive(event, "stop");
	const char *phase = guard_event_str(event, "phase");
	const char *effect = guard_event_str(event, "decision.effect");
	char *reason;

	memset(r, 0, sizeof(*r));
	if (cJSON_IsObject(stop)) {
		/* An unattended session that must end: stop the agent entirely. */
		const char *why = guard_event_str(event, "stop.reason");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "continue", 0);
		cJSON_AddStringToObject(o, "stopReason", why ? why : "guard: session limit reached");
		if (phase && !strcmp(phase, "pre") && agent == GUARD_AGENT_CLAUDE) {
			cJSON *h = cJSON_AddObjectToObject(o, "hookSpecificOutput");
			cJSON_AddStringToObject(h, "hookEventName", "PreToolUse");
			cJSON_AddStringToObject(h, "permissionDecision", "deny");
			cJSON_AddStringToObject(h, "permissionDecisionReason", why ? why : "guard: session ended");
		}
		r->out = print_json(o);
		r->err = guard_xasprintf("%s\n", why ? why : "guard: session limit reached");
		r->status = agent == GUARD_AGENT_CLAUDE ? 0 : 2;
		return;
	}
	if (agent == GUARD_AGENT_CLAUDE && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(event, "context"))) {
		/* SessionStart: the briefing, as context for the agent. */
		cJSON *o = cJSON_CreateObject();
		cJSON *h = cJSON_AddObjectToObject(o, "hookSpecificOutput");
		cJSON_AddStringToObject(h, "hookEventName", guard_event_str(event, "hook") ?: "SessionStart");
		cJSON_AddStringToObject(h, "additionalContext", guard_event_str(event, "context"));
		r->out = print_json(o);
		return;
	}
	if (!phase || strcmp(phase, "pre") || !cJSON_IsObject(decision))
		return; /* nothing to decide: accepted */
	if (!effect || (strcmp(effect, "allow") && strcmp(effect, "ask")))
		effect = "deny"; /* anything unexpected is a deny */
	reason = reason_text(event, decision);
	switch (agent) {
	case GUARD_AGENT_CLAUDE:
		claude_pre(effect, reason, r);
		break;
	case GUARD_AGENT_GEMINI: {
		/* Gemini hooks cannot ask: ask is a deny that says approval is needed. */
		cJSON *o = cJSON_CreateObject();
		bool allow = !strcmp(effect, "allow");
		cJSON_AddStringToObject(o, "decision", allow ? "allow" : "deny");
		cJSON_AddStringToObject(o, "reason", reason);
		r->out = print_json(o);
		if (!allow)
			r->err = guard_xasprintf("%s\n", reason);
		r->status = allow ? 0 : 2;
		break;
	}
	case GUARD_AGENT_CODEX:
		/* Codex takes only deny from a hook; allow is silence. */
		if (!strcmp(effect, "allow"))
			break;
		claude_pre("deny", reason, r);
		r->err = guard_xasprintf("%s\n", reason);
		r->status = 2;
		break;
	}
	free(reason);
}

void
guard_adapter_reply_deny(enum guard_agent agent, const char *hook, const char *reason,
			 struct guard_reply *r)
{
	char *text = guard_xasprintf("guard: %s (failing closed)", reason);

	memset(r, 0, sizeof(*r));
	/* Exit 2 blocks in every agent, whatever the event; stderr is the reason. */
	if (agent == GUARD_AGENT_CLAUDE && hook && !strcmp(hook, "PreToolUse"))
		claude_pre("deny", text, r);
	else if (agent == GUARD_AGENT_GEMINI) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "decision", "deny");
		cJSON_AddStringToObject(o, "reason", text);
		r->out = print_json(o);
	}
	r->err = guard_xasprintf("%s\n", text);
	r->status = 2;
	free(text);
}

void
guard_reply_release(struct guard_reply *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
