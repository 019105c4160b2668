/* Unit tests: event parsing and reading, agent adapters in and out. */
#include <unistd.h>

#include "unit.h"
#include "guard_adapter.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"

static int
parse(const char *s, cJSON **out)
{
	return guard_event_parse(s, strlen(s), GUARD_EVENT_MAX_DEFAULT, out);
}

TEST(parse_accepts_an_object)
{
	cJSON *ev;
	CHECK(parse("{\"tool\":\"Bash\",\"input\":{\"command\":\"ls\"}}", &ev) == 0);
	CHECK_STR(guard_event_str(ev, "input.command"), "ls");
	CHECK(guard_event_str(ev, "input.nope") == NULL);
	cJSON_Delete(ev);
}

TEST(parse_rejects_bad_input_with_reasons)
{
	cJSON *ev;
	CHECK(parse("{\"a\":", &ev) == GUARD_EUSAGE && ev == NULL);
	CHECK(strstr(guard_error_last(), "malformed JSON") != NULL);
	CHECK(parse("[1,2]", &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "expected a JSON object") != NULL);
	CHECK(parse("\"str\"", &ev) == GUARD_EUSAGE);
	CHECK(parse("", &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "empty input") != NULL);
	CHECK(parse("   \n", &ev) == GUARD_EUSAGE);
	CHECK(parse("{} {}", &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "trailing data") != NULL);
	CHECK(guard_event_parse("{\"a\":\"x\0y\"}", 11, 100, &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "NUL byte") != NULL);
	CHECK(parse("{\"a\":\"\xff\xfe\"}", &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "UTF-8") != NULL);
	CHECK(parse("{\"a\":\"\xc0\xaf\"}", &ev) == GUARD_EUSAGE); /* overlong '/' */
	CHECK(parse("{\"a\":\"\xed\xa0\x80\"}", &ev) == GUARD_EUSAGE); /* surrogate */
	CHECK(parse("{\"a\":\"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80\"}", &ev) == 0);
	cJSON_Delete(ev);
	CHECK(guard_event_parse("{\"a\":1}", 7, 6, &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "limit") != NULL);
}

TEST(parse_bounds_nesting)
{
	struct guard_buf b = GUARD_BUF_INIT;
	cJSON *ev;
	guard_buf_addstr(&b, "{\"a\":");
	for (int i = 0; i < 100000; i++)
		guard_buf_addch(&b, '[');
	CHECK(guard_event_parse(b.buf, b.len, GUARD_EVENT_MAX_DEFAULT, &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "deeper") != NULL);
	guard_buf_reset(&b);
	guard_buf_addstr(&b, "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}");
	CHECK(guard_event_parse(b.buf, b.len, GUARD_EVENT_MAX_DEFAULT, &ev) == 0);
	cJSON_Delete(ev);
	guard_buf_release(&b);
}

TEST(reader_skips_bad_lines_and_bounds_length)
{
	FILE *f = tmpfile();
	cJSON *ev;
	fputs("{\"n\":1}\n\nnot json\n{\"n\":2}\n", f);
	for (int i = 0; i < 200; i++)
		fputc('x', f);
	fputs("\n{\"n\":3}", f);
	rewind(f);
	struct guard_reader r;
	guard_reader_init(&r, f, 100);
	CHECK(guard_reader_next(&r, &ev) == 1);
	cJSON_Delete(ev);
	CHECK(guard_reader_next(&r, &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "line 3") != NULL);
	CHECK(guard_reader_next(&r, &ev) == 1);
	CHECK(cJSON_GetObjectItem(ev, "n")->valueint == 2);
	cJSON_Delete(ev);
	CHECK(guard_reader_next(&r, &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "line 5: longer than") != NULL);
	CHECK(guard_reader_next(&r, &ev) == 1); /* last line without newline */
	CHECK(cJSON_GetObjectItem(ev, "n")->valueint == 3);
	cJSON_Delete(ev);
	CHECK(guard_reader_next(&r, &ev) == 0);
	guard_reader_release(&r);
	fclose(f);
}

TEST(complete_fills_only_what_is_missing)
{
	cJSON *ev;
	CHECK(parse("{\"id\":\"keep\",\"cwd\":\"/tmp\",\"actor\":{\"user\":\"bob\",\"role\":\"admin\"}}", &ev) == 0);
	CHECK(guard_event_complete(ev, "cli") == 0);
	CHECK_STR(guard_event_str(ev, "id"), "keep");
	CHECK_STR(guard_event_str(ev, "actor.user"), "bob");
	CHECK_STR(guard_event_str(ev, "source"), "cli");
	CHECK(guard_event_str(ev, "ts") && strlen(guard_event_str(ev, "ts")) == 24);
	CHECK(guard_event_str(ev, "project") != NULL);
	cJSON_Delete(ev);
	CHECK(parse("{\"cwd\":\"relative\"}", &ev) == 0);
	CHECK(guard_event_complete(ev, "cli") == GUARD_EUSAGE);
	cJSON_Delete(ev);
	CHECK(parse("{\"cwd\":5}", &ev) == 0);
	CHECK(guard_event_complete(ev, "cli") == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "cwd must be a string") != NULL);
	cJSON_Delete(ev);
	/* a malformed project or actor is replaced, once */
	CHECK(parse("{\"cwd\":\"/tmp\",\"project\":1,\"actor\":\"me\"}", &ev) == 0);
	CHECK(guard_event_complete(ev, "cli") == 0);
	CHECK(guard_event_str(ev, "project") != NULL);
	CHECK_STR(guard_event_str(ev, "actor.role"), "agent");
	CHECK(cJSON_GetArraySize(ev) == 8);
	cJSON_Delete(ev);
}

TEST(deny_event_keeps_identity)
{
	cJSON *ev, *d;
	CHECK(parse("{\"id\":\"x1\",\"tool\":\"Bash\",\"input\":{\"command\":\"ls\"},\"secret\":1}", &ev) == 0);
	d = guard_event_deny(ev, "guard.invalid-input", "bad");
	CHECK_STR(guard_event_str(d, "id"), "x1");
	CHECK_STR(guard_event_str(d, "decision.effect"), "deny");
	CHECK_STR(guard_event_str(d, "decision.reason"), "bad");
	CHECK(!cJSON_GetObjectItem(d, "secret"));
	cJSON_Delete(d);
	cJSON_Delete(ev);
}

/* Write ev with write_since into a string. Caller frees. */
static char *
written_since(const cJSON *ev, const struct guard_event_mark *m, const char *line)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	CHECK(guard_event_write_since(f, ev, m, line, strlen(line)) == 0);
	fclose(f);
	return out;
}

TEST(write_since_passes_untouched_keys_byte_for_byte)
{
	const char *line = "{\"a\": 1.50,  \"b\" : \"x\\u0041\"}  ";
	struct guard_event_mark m = { 0 };
	cJSON *ev;
	CHECK(parse(line, &ev) == 0);
	guard_event_mark(&m, ev);
	cJSON_AddStringToObject(ev, "risk", "r");
	cJSON_AddNumberToObject(ev, "n", 2);
	char *out = written_since(ev, &m, line);
	CHECK_STR(out, "{\"a\": 1.50,  \"b\" : \"x\\u0041\",\"risk\":\"r\",\"n\":2}\n");
	cJSON *back = cJSON_Parse(out);
	CHECK(cJSON_Compare(back, ev, 1));
	cJSON_Delete(back);
	free(out);
	cJSON_Delete(ev);
	/* an empty object gets no leading comma */
	CHECK(parse("{ }", &ev) == 0);
	guard_event_mark(&m, ev);
	cJSON_AddTrueToObject(ev, "k");
	out = written_since(ev, &m, "{ }");
	CHECK_STR(out, "{ \"k\":true}\n");
	free(out);
	cJSON_Delete(ev);
	guard_event_mark_release(&m);
}

TEST(write_since_reprints_when_a_key_was_replaced)
{
	const char *line = "{\"risk\": \"forged\", \"a\": 1}";
	struct guard_event_mark m = { 0 };
	cJSON *ev;
	CHECK(parse(line, &ev) == 0);
	guard_event_mark(&m, ev);
	cJSON_DeleteItemFromObjectCaseSensitive(ev, "risk");
	cJSON_AddStringToObject(ev, "risk", "real");
	char *out = written_since(ev, &m, line);
	CHECK_STR(out, "{\"a\":1,\"risk\":\"real\"}\n");
	CHECK(strstr(out, "forged") == NULL);
	free(out);
	cJSON_Delete(ev);
	guard_event_mark_release(&m);
}

static const char claude_pre[] =
	"{\"session_id\":\"abc123\",\"transcript_path\":\"/t.jsonl\",\"cwd\":\"/tmp\","
	"\"permission_mode\":\"default\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
	"\"tool_input\":{\"command\":\"npm test\",\"timeout\":120000},\"tool_use_id\":\"toolu_01\"}";

TEST(claude_payload_becomes_event)
{
	cJSON *raw, *ev;
	CHECK(parse(claude_pre, &raw) == 0);
	CHECK(guard_adapter_is_payload(raw));
	CHECK(guard_adapter_event(GUARD_AGENT_CLAUDE, raw, &ev) == 0);
	CHECK_STR(guard_event_str(ev, "phase"), "pre");
	CHECK_STR(guard_event_str(ev, "hook"), "PreToolUse");
	CHECK_STR(guard_event_str(ev, "session"), "abc123");
	CHECK_STR(guard_event_str(ev, "tool"), "Bash");
	CHECK_STR(guard_event_str(ev, "input.command"), "npm test");
	CHECK_STR(guard_event_str(ev, "actor.role"), "agent");
	CHECK_STR(guard_event_str(ev, "source"), "claude");
	CHECK_STR(guard_event_str(ev, "tool_use_id"), "toolu_01");
	CHECK(!guard_adapter_is_payload(ev));
	cJSON_Delete(ev);
	cJSON_Delete(raw);
}

TEST(payload_missing_fields_is_an_error)
{
	cJSON *raw, *ev;
	CHECK(parse("{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/tmp\",\"tool_input\":{}}", &raw) == 0);
	CHECK(guard_adapter_event(GUARD_AGENT_CLAUDE, raw, &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "tool_name") != NULL);
	cJSON_Delete(raw);
	CHECK(parse("{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/tmp\",\"tool_name\":\"Bash\",\"tool_input\":\"x\"}", &raw) == 0);
	CHECK(guard_adapter_event(GUARD_AGENT_CLAUDE, raw, &ev) == GUARD_EUSAGE);
	cJSON_Delete(raw);
	CHECK(parse("{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"rel\",\"tool_name\":\"Bash\",\"tool_input\":{}}", &raw) == 0);
	CHECK(guard_adapter_event(GUARD_AGENT_CLAUDE, raw, &ev) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "cwd") != NULL);
	cJSON_Delete(raw);
	/* Other events need no tool. */
	CHECK(parse("{\"hook_event_name\":\"UserPromptSubmit\",\"cwd\":\"/tmp\",\"prompt\":\"hi\"}", &raw) == 0);
	CHECK(guard_adapter_event(GUARD_AGENT_CLAUDE, raw, &ev) == 0);
	CHECK_STR(guard_event_str(ev, "phase"), "other");
	CHECK_STR(guard_event_str(ev, "prompt"), "hi");
	cJSON_Delete(ev);
	cJSON_Delete(raw);
}

TEST(gemini_and_codex_inputs_normalise)
{
	cJSON *raw, *ev;
	CHECK(parse("{\"hook_event_name\":\"BeforeTool\",\"cwd\":\"/tmp\",\"tool_name\":\"run_shell_command\","
		    "\"tool_input\":{\"command\":\"ls\"}}", &raw) == 0);
	CHECK(guard_adapter_event(GUARD_AGENT_GEMINI, raw, &ev) == 0);
	CHECK_STR(guard_event_str(ev, "tool"), "Bash");
	CHECK_STR(guard_event_str(ev, "agent_tool"), "run_shell_command");
	CHECK_STR(guard_event_str(ev, "phase"), "pre");
	cJSON_Delete(ev);
	cJSON_Delete(raw);
	CHECK(parse("{\"hook_event_name\":\"BeforeTool\",\"cwd\":\"/tmp\",\"tool_name\":\"read_file\","
		    "\"tool_input\":{\"absolute_path\":\"/etc/hosts\"}}", &raw) == 0);
	CHECK(guard_adapter_event(GUARD_AGENT_GEMINI, raw, &ev) == 0);
	CHECK_STR(guard_event_str(ev, "input.file_path"), "/etc/hosts");
	cJSON_Delete(ev);
	cJSON_Delete(raw);
	CHECK(parse("{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/tmp\",\"tool_name\":\"shell\","
		    "\"tool_input\":{\"command\":[\"bash\",\"-lc\",\"rm -rf x; echo 'q'\"]}}", &raw) == 0);
	CHECK(guard_adapter_event(GUARD_AGENT_CODEX, raw, &ev) == 0);
	CHECK_STR(guard_event_str(ev, "input.command"), "bash -lc 'rm -rf x; echo '\\''q'\\'''");
	cJSON_Delete(ev);
	cJSON_Delete(raw);
}

static cJSON *
decided(const char *effect)
{
	cJSON *ev = cJSON_CreateObject(), *d;
	cJSON_AddStringToObject(ev, "phase", "pre");
	d = cJSON_AddObjectToObject(ev, "decision");
	cJSON_AddStringToObject(d, "effect", effect);
	cJSON_AddStringToObject(d, "rule", "r1");
	cJSON_AddStringToObject(d, "reason", "because");
	return ev;
}

TEST(claude_reply_mirrors_decision)
{
	struct guard_reply r;
	const char *effects[] = { "allow", "ask", "deny" };
	for (int i = 0; i < 3; i++) {
		cJSON *ev = decided(effects[i]);
		guard_adapter_reply(GUARD_AGENT_CLAUDE, ev, &r);
		CHECK(r.status == 0);
		cJSON *out = cJSON_Parse(r.out);
		CHECK_STR(guard_event_str(out, "hookSpecificOutput.permissionDecision"), effects[i]);
		CHECK_STR(guard_event_str(out, "hookSpecificOutput.hookEventName"), "PreToolUse");
		CHECK(strstr(guard_event_str(out, "hookSpecificOutput.permissionDecisionReason"), "because [rule r1]") != NULL);
		cJSON_Delete(out);
		guard_reply_release(&r);
		cJSON_Delete(ev);
	}
	/* An unknown effect is a deny. */
	cJSON *ev = decided("maybe");
	guard_adapter_reply(GUARD_AGENT_CLAUDE, ev, &r);
	CHECK(strstr(r.out, "\"deny\"") != NULL);
	guard_reply_release(&r);
	cJSON_Delete(ev);
}

TEST(reply_names_what_the_risk_stage_found)
{
	struct guard_reply r;
	cJSON *ev = decided("deny");
	cJSON *why = cJSON_AddArrayToObject(cJSON_AddObjectToObject(ev, "risk"), "reasons");
	cJSON_AddItemToArray(why, cJSON_CreateString("first"));
	guard_adapter_reply(GUARD_AGENT_CLAUDE, ev, &r);
	CHECK(strstr(r.out, "because (first) [rule r1]") != NULL);
	guard_reply_release(&r);
	cJSON_AddItemToArray(why, cJSON_CreateString("second"));
	cJSON_AddItemToArray(why, cJSON_CreateString("third"));
	guard_adapter_reply(GUARD_AGENT_CLAUDE, ev, &r);
	CHECK(strstr(r.out, "because (first; second; ...) [rule r1]") != NULL);
	CHECK(strstr(r.out, "third") == NULL);
	guard_reply_release(&r);
	cJSON_Delete(ev);
}

TEST(gemini_and_codex_replies)
{
	struct guard_reply r;
	cJSON *ev = decided("ask");
	guard_adapter_reply(GUARD_AGENT_GEMINI, ev, &r);
	CHECK(r.status == 2 && strstr(r.out, "\"decision\":\"deny\"") && r.err);
	guard_reply_release(&r);
	guard_adapter_reply(GUARD_AGENT_CODEX, ev, &r);
	CHECK(r.status == 2 && strstr(r.out, "\"permissionDecision\":\"deny\""));
	guard_reply_release(&r);
	cJSON_Delete(ev);
	ev = decided("allow");
	guard_adapter_reply(GUARD_AGENT_CODEX, ev, &r);
	CHECK(r.status == 0 && r.out == NULL);
	guard_reply_release(&r);
	guard_adapter_reply(GUARD_AGENT_GEMINI, ev, &r);
	CHECK(r.status == 0 && strstr(r.out, "\"decision\":\"allow\""));
	guard_reply_release(&r);
	cJSON_Delete(ev);
}

TEST(failure_reply_blocks_every_agent)
{
	struct guard_reply r;
	for (int a = 0; a < 3; a++) {
		guard_adapter_reply_deny((enum guard_agent)a, "PreToolUse", "broken", &r);
		CHECK(r.status == 2);
		CHECK(r.err && strstr(r.err, "broken") && strstr(r.err, "failing closed"));
		guard_reply_release(&r);
	}
	guard_adapter_reply_deny(GUARD_AGENT_CLAUDE, NULL, "empty", &r);
	CHECK(r.status == 2 && r.out == NULL);
	guard_reply_release(&r);
}

TEST(stop_request_ends_the_agent)
{
	struct guard_reply r;
	cJSON *ev = decided("deny");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(ev, "stop"), "reason", "LOC limit");
	guard_adapter_reply(GUARD_AGENT_CLAUDE, ev, &r);
	cJSON *out = cJSON_Parse(r.out);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(out, "continue")));
	CHECK_STR(guard_event_str(out, "stopReason"), "LOC limit");
	CHECK_STR(guard_event_str(out, "hookSpecificOutput.permissionDecision"), "deny");
	cJSON_Delete(out);
	guard_reply_release(&r);
	cJSON_Delete(ev);
}

int
main(void)
{
	RUN(parse_accepts_an_object);
	RUN(parse_rejects_bad_input_with_reasons);
	RUN(parse_bounds_nesting);
	RUN(reader_skips_bad_lines_and_bounds_length);
	RUN(complete_fills_only_what_is_missing);
	RUN(deny_event_keeps_identity);
	RUN(write_since_passes_untouched_keys_byte_for_byte);
	RUN(write_since_reprints_when_a_key_was_replaced);
	RUN(claude_payload_becomes_event);
	RUN(payload_missing_fields_is_an_error);
	RUN(gemini_and_codex_inputs_normalise);
	RUN(claude_reply_mirrors_decision);
	RUN(reply_names_what_the_risk_stage_found);
	RUN(gemini_and_codex_replies);
	RUN(failure_reply_blocks_every_agent);
	RUN(stop_request_ends_the_agent);
	return unit_done();
}
