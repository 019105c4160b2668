/* guard mcp's library parts: the frame reader, the id scan, tools' hints, answers. */
#include <stdlib.h>

#include "guard_buf.h"
#include "guard_event.h"
#include "guard_mcp.h"
#include "unit.h"

struct seen {
	char frames[8][256];
	size_t lens[8];
	bool over[8];
	char ids[8][GUARD_MCP_ID_MAX];
	char methods[8][64];
	size_t n;
};

static void
collect(void *arg, const struct guard_mcp_frame *f)
{
	struct seen *s = arg;
	if (s->n >= 8)
		return;
	s->over[s->n] = f->oversized;
	s->lens[s->n] = f->len;
	if (f->oversized) {
		snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", f->scan->id);
		snprintf(s->methods[s->n], sizeof(s->methods[0]), "%s", f->scan->method);
	} else {
		snprintf(s->frames[s->n], sizeof(s->frames[0]), "%.*s", (int)f->len, f->data);
	}
	s->n++;
}

TEST(frames_whole_split_and_blank)
{
	struct guard_mcp_frames f;
	struct seen s = { 0 };
	const char *in = "{\"id\":1}\n\n  \n{\"id\":2,\"x\":\"a\"}\r\n{\"id\":3}";

	guard_mcp_frames_init(&f, 1024);
	/* one byte at a time: every split point */
	for (size_t i = 0; in[i]; i++)
		guard_mcp_frames_feed(&f, in + i, 1, collect, &s);
	CHECK(s.n == 2);
	CHECK_STR(s.frames[0], "{\"id\":1}");
	CHECK_STR(s.frames[1], "{\"id\":2,\"x\":\"a\"}\r"); /* the \r stays: byte for byte */
	CHECK(guard_mcp_frames_pending(&f) == 8);
	guard_mcp_frames_feed(&f, "\n", 1, collect, &s);
	CHECK(s.n == 3);
	CHECK_STR(s.frames[2], "{\"id\":3}");
	CHECK(guard_mcp_frames_pending(&f) == 0);
	guard_mcp_frames_release(&f);
}

TEST(frames_oversized_is_scanned_not_kept)
{
	struct guard_mcp_frames f;
	struct seen s = { 0 };
	struct guard_buf big = GUARD_BUF_INIT;

	/* the id comes last, after a params object that holds an "id" of its own */
	guard_buf_addstr(&big, "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"id\":\"inner\",\"arguments\":{\"s\":\"");
	for (int i = 0; i < 5000; i++)
		guard_buf_addstr(&big, "ab\\\"c,:{[");
	guard_buf_addstr(&big, "\"}},\"id\":42}\n{\"id\":\"next\"}\n");
	guard_mcp_frames_init(&f, 4096);
	for (size_t i = 0; i < big.len; i += 1000)
		guard_mcp_frames_feed(&f, big.buf + i, big.len - i < 1000 ? big.len - i : 1000, collect, &s);
	CHECK(s.n == 2);
	CHECK(s.over[0]);
	CHECK_STR(s.ids[0], "42");
	CHECK_STR(s.methods[0], "\"tools/call\"");
	CHECK(!s.over[1]);
	CHECK_STR(s.frames[1], "{\"id\":\"next\"}");
	CHECK(f.line.alloc <= 8192); /* the big one was never held */
	guard_mcp_frames_release(&f);
	guard_buf_release(&big);
}

TEST(idscan_string_ids_and_nesting)
{
	struct guard_mcp_idscan s;
	const char *msg = "{\"params\":{\"id\":1,\"method\":\"x\"},\"id\" : \"a\\\"b\", \"method\":\"ping\"}";

	guard_mcp_idscan_reset(&s);
	guard_mcp_idscan_feed(&s, msg, strlen(msg));
	CHECK_STR(s.id, "\"a\\\"b\"");
	CHECK_STR(s.method, "\"ping\"");
	/* an object or array id is no id */
	guard_mcp_idscan_reset(&s);
	guard_mcp_idscan_feed(&s, "{\"id\":{\"a\":1}}", 14);
	CHECK_STR(s.id, "");
}

/* A cancellation's params.requestId as spelled; the same key elsewhere, or in a string, is not taken. */
TEST(idscan_member_of_params)
{
	struct guard_mcp_idscan s;
	const char *msg = "{\"requestId\":2,\"params\":{\"_meta\":{\"requestId\":3},\"x\":\"\\\"requestId\\\":4\","
			  "\"requestId\" : 1e400 },\"id\":5}";
	const char *wrong = "{\"params\":[{\"requestId\":6}],\"requestId\":7}";

	guard_mcp_idscan_member(&s, "params", "requestId");
	guard_mcp_idscan_feed(&s, msg, strlen(msg));
	CHECK_STR(s.id, "1e400");
	CHECK_STR(s.method, "");
	guard_mcp_idscan_member(&s, "params", "requestId");
	guard_mcp_idscan_feed(&s, wrong, strlen(wrong));
	CHECK_STR(s.id, "");
	/* split into single bytes: the same */
	guard_mcp_idscan_member(&s, "params", "requestId");
	for (const char *p = msg; *p; p++)
		guard_mcp_idscan_feed(&s, p, 1);
	CHECK_STR(s.id, "1e400");
}

TEST(untrusted_hints_only_raise)
{
	struct guard_mcp_tools t = GUARD_MCP_TOOLS_INIT;
	cJSON *list = cJSON_Parse("{\"tools\":[{\"name\":\"read\",\"annotations\":{\"readOnlyHint\":true}},"
				  "{\"name\":\"zap\",\"annotations\":{\"destructiveHint\":true}},{\"name\":7}]}");
	cJSON *again = cJSON_Parse("{\"tools\":[{\"name\":\"zap\",\"annotations\":{\"destructiveHint\":false,\"readOnlyHint\":true}}]}");
	cJSON *h;

	CHECK(guard_mcp_tools_learn(&t, list) == 2);
	h = guard_mcp_tools_hints(&t, "read");
	CHECK(!cJSON_GetObjectItem(h, "readOnlyHint"));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(h, "untrustedReadOnlyHint")));
	cJSON_Delete(h);
	guard_mcp_tools_learn(&t, again);
	h = guard_mcp_tools_hints(&t, "zap"); /* a new list cannot take destructive back */
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(h, "destructiveHint")));
	cJSON_Delete(h);
	guard_mcp_tools_release(&t);
	/* trusted: believed as said */
	t.trusted = true;
	guard_mcp_tools_learn(&t, list);
	guard_mcp_tools_learn(&t, again);
	h = guard_mcp_tools_hints(&t, "zap");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(h, "destructiveHint")));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(h, "readOnlyHint")));
	cJSON_Delete(h);
	guard_mcp_tools_release(&t);
	cJSON_Delete(list);
	cJSON_Delete(again);
}

TEST(call_event_and_answers)
{
	struct guard_mcp_tools t = GUARD_MCP_TOOLS_INIT;
	cJSON *msg = cJSON_Parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"get\",\"arguments\":{\"ns\":\"prod\"}}}");
	cJSON *bad = cJSON_Parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"arguments\":[]}}");
	cJSON *ev = NULL, *ans, *post;
	struct guard_buf b = GUARD_BUF_INIT;

	CHECK(guard_mcp_call_event(msg, "k8s", &t, "/tmp", &ev) == 0);
	CHECK_STR(guard_event_str(ev, "tool"), "mcp__k8s__get");
	CHECK_STR(guard_event_str(ev, "input.ns"), "prod");
	CHECK_STR(guard_event_str(ev, "source"), "mcp");
	CHECK(guard_mcp_call_event(bad, "k8s", &t, "/tmp", &post) < 0);
	ans = cJSON_Parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"boom\"}],\"isError\":true}}");
	post = guard_mcp_result_event(ev, ans, NULL, 2.5);
	CHECK_STR(guard_event_str(post, "phase"), "post");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(post, "result"), "success")));
	CHECK_STR(guard_event_str(post, "result.error"), "boom");
	cJSON_Delete(post);
	guard_mcp_tool_error(&b, "3", "no \"way\"\n");
	cJSON *line = cJSON_Parse(b.buf);
	CHECK(line && cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(line, "result"), "isError")));
	CHECK(b.buf[b.len - 1] == '\n' && !memchr(b.buf, '\n', b.len - 1)); /* one line */
	cJSON_Delete(line);
	guard_buf_reset(&b);
	guard_mcp_rpc_error(&b, "null", -32700, "parse error");
	CHECK_STR(b.buf, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse error\"}}\n");
	guard_buf_release(&b);
	cJSON_Delete(ans);
	cJSON_Delete(ev);
	cJSON_Delete(msg);
	cJSON_Delete(bad);
}

int
main(void)
{
	RUN(frames_whole_split_and_blank);
	RUN(frames_oversized_is_scanned_not_kept);
	RUN(idscan_string_ids_and_nesting);
	RUN(idscan_member_of_params);
	RUN(untrusted_hints_only_raise);
	RUN(call_event_and_answers);
	return unit_done();
}
