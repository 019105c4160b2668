/* The audit log through the library: append, batches, verify, the line check. */
#include <fcntl.h>
#include <unistd.h>

#include "guard_audit.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_list.h"
#include "guard_redact.h"
#include "unit.h"

/* ,"hash":"<64 hex>"} */
#define AUDIT_HASH_TAIL_LEN (sizeof(",\"hash\":\"\"}") - 1 + GUARD_AUDIT_HASH_LEN)

static char root[] = "/tmp/guard-audit-unit.XXXXXX";

static cJSON *
event(const char *name, int n)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "event", name);
	cJSON_AddNumberToObject(e, "n", n);
	return e;
}

TEST(audit_append_and_verify)
{
	struct guard_audit *log;
	struct guard_audit_verify_opts o = { 0 };
	struct guard_audit_verify_result res;
	char *dir = guard_xasprintf("%s/.ai/audit", root);

	CHECK(guard_audit_open(&log, root, NULL) == 0);
	for (int i = 0; i < 5; i++) {
		cJSON *e = event("unit", i);
		CHECK(guard_audit_append(log, NULL, e) == 0);
		cJSON_Delete(e);
	}
	/* A batch: nothing is visible before commit, all of it after. */
	CHECK(guard_audit_begin(log) == 0);
	for (int i = 0; i < 100; i++) {
		cJSON *e = event("batch", i);
		CHECK(guard_audit_append(log, NULL, e) == 0);
		cJSON_Delete(e);
	}
	CHECK(guard_audit_commit(log) == 0);
	CHECK(guard_audit_written(log) == 105);
	guard_audit_close(log);

	cJSON *e = event("oneshot", 0);
	CHECK(guard_audit_record(root, NULL, NULL, e) == 0);
	cJSON_Delete(e);

	CHECK(guard_audit_verify(dir, &o, &res) == 0);
	CHECK(res.records == 106 && res.first_seq == 1 && res.last_seq == 106);
	guard_audit_verify_release(&res);
	free(dir);
}

/* The chain continues after a last record longer than one read of the file's tail (4 KiB). */
TEST(audit_continues_after_a_long_record)
{
	char *sub = guard_xasprintf("%s/long", root), *dir = guard_xasprintf("%s/.ai/audit", sub);
	struct guard_audit_verify_opts o = { 0 };
	struct guard_audit_verify_result res;
	size_t sizes[] = { 4000, 4096, 20000, 70000 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		char *big = guard_xmalloc(sizes[k] + 1);
		memset(big, 'x', sizes[k]);
		big[sizes[k]] = '\0';
		cJSON *e = event("long", (int)k);
		cJSON_AddStringToObject(e, "text", big);
		CHECK(guard_audit_record(sub, NULL, NULL, e) == 0);
		cJSON_Delete(e);
		e = event("after", (int)k);
		CHECK(guard_audit_record(sub, NULL, NULL, e) == 0);
		cJSON_Delete(e);
		free(big);
	}
	CHECK(guard_audit_verify(dir, &o, &res) == 0);
	CHECK(res.records == 8 && res.first_seq == 1 && res.last_seq == 8);
	guard_audit_verify_release(&res);
	free(dir);
	free(sub);
}

TEST(audit_needs_an_event_name)
{
	struct guard_audit *log;
	cJSON *e = cJSON_Parse("{\"x\":1}");

	CHECK(guard_audit_open(&log, root, NULL) == 0);
	CHECK(guard_audit_append(log, NULL, e) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "no \"event\" name") != NULL);
	CHECK(guard_audit_append(log, "named", e) == 0);
	guard_audit_close(log);
	cJSON_Delete(e);
}

TEST(audit_line_check)
{
	char hash[GUARD_AUDIT_HASH_LEN + 1];
	/* sha256("{\"a\":1}") */
	const char *good = "{\"a\":1,\"hash\":\"015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862\"}";
	CHECK(guard_audit_line_check(good, strlen(good), hash) == 0);
	CHECK_STR(hash, "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");
	const char *bad = "{\"a\":2,\"hash\":\"015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862\"}";
	CHECK(guard_audit_line_check(bad, strlen(bad), hash) == GUARD_EDENY);
	CHECK(guard_audit_line_check("{}", 2, hash) == GUARD_EDENY);
}

TEST(audit_config_defaults)
{
	struct guard_audit_config c;
	CHECK(guard_audit_config(&c, "/p", NULL) == 0);
	CHECK_STR(c.dir, "/p/.ai/audit");
	CHECK(c.fsync == GUARD_AUDIT_FSYNC_BATCH && c.fail_closed);
	guard_audit_config_release(&c);
}

/*
 * A record's line is its canonical text (prev, seq and ts filled in by
 * the writer) with the hash member before the closing brace, through
 * guard_audit_append and through prepare + append_rec alike.
 */
TEST(audit_record_is_canonical)
{
	struct guard_audit *log;
	struct guard_redactor *red;
	struct guard_audit_rec *rec = guard_audit_rec_new();
	struct guard_list names = GUARD_LIST_INIT;
	char *proj = guard_xasprintf("%s/canon", root), *dir = guard_xasprintf("%s/.ai/audit", proj);
	const char *text = "{\"id\":\"e1\",\"session\":\"s\",\"actor\":{\"user\":\"u\"},\"tool\":\"Bash\","
			   "\"risk\":{\"level\":\"high\"},\"decision\":{\"verdict\":\"ask\",\"policy_rev\":\"r1\"},"
			   "\"approval\":null,\"input\":{\"command\":\"echo \\u0001\\u0002\\u0003 \\\"q\\\" "
			   "AKIAABCDEFGHIJKLMNOP\"},\"cwd\":\"/x\",\"zz\":{\"prev\":\"\",\"seq\":1,\"ts\":\"t\"}}";
	cJSON *e = cJSON_Parse(text);

	CHECK(e != NULL);
	CHECK(guard_mkdirs(proj, 0700) == 0);
	CHECK(guard_audit_open(&log, proj, NULL) == 0);
	CHECK(guard_audit_redactor_new(NULL, &red) == 0);
	CHECK(guard_audit_append(log, "decision", e) == 0);
	for (int i = 0; i < 12; i++) {
		CHECK(guard_audit_prepare(red, i % 2 ? "tool.result" : NULL, e, rec) == 0);
		CHECK(guard_audit_append_rec(log, rec) == 0);
	}
	guard_audit_close(log);
	guard_redactor_free(red);
	guard_audit_rec_free(rec);
	cJSON_Delete(e);

	CHECK(guard_audit_files(dir, NULL, NULL, &names) == 0 && names.len == 1);
	char *path = guard_xasprintf("%s/%s", dir, names.items[0]), *all = NULL, *line, *next;
	size_t len;
	int n = 0;
	CHECK(guard_file_read(path, (size_t)1 << 24, 1, &all, &len) == 0);
	CHECK(strstr(all, "AKIAABCDEFGHIJKLMNOP") == NULL);
	for (line = all; *line; line = next, n++) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		char hash[GUARD_AUDIT_HASH_LEN + 1];
		cJSON *r = cJSON_Parse(line);
		CHECK(r && guard_audit_line_check(line, strlen(line), hash) == 0);
		CHECK_STR(cJSON_GetObjectItemCaseSensitive(r, "hash")->valuestring, hash);
		CHECK(cJSON_GetObjectItemCaseSensitive(r, "seq")->valuedouble == n + 1);
		cJSON_DeleteItemFromObjectCaseSensitive(r, "hash");
		char *canon = guard_json_canonical(r);
		size_t clen = strlen(canon);
		CHECK(clen == strlen(line) - AUDIT_HASH_TAIL_LEN + 1);
		CHECK(!strncmp(canon, line, clen - 1) && canon[clen - 1] == '}');
		free(canon);
		cJSON_Delete(r);
	}
	CHECK(n == 13);
	free(all);
	free(path);
	guard_list_clear(&names);
	free(dir);
	free(proj);
}

/* A member named twice, anywhere: found with its JSON pointer; unique ones, however many, are not. */
TEST(json_dup_key)
{
	static const struct { const char *json, *path; } cases[] = {
		{ "{\"a\":1,\"b\":2}", NULL },
		{ "{\"b\":1,\"a\":2,\"c\":{\"y\":1,\"x\":[1,{\"q\":1}]}}", NULL },
		{ "{\"effect\":\"allow\",\"effect\":\"deny\"}", "/effect" },
		{ "{\"d\":{\"r\":1,\"e\":2,\"r\":3}}", "/d/r" },
		{ "{\"l\":[0,{\"k\":1},{\"a/b\":1,\"a/b\":2}]}", "/l/2/a~1b" },
		{ "[{\"x\":1,\"x\":1}]", "/0/x" },
		{ "{\"eff\\u0065ct\":1,\"effect\":2}", "/effect" }, /* the same name, escaped */
	};
	struct guard_buf path = GUARD_BUF_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *j = cJSON_Parse(cases[i].json);
		CHECK(j != NULL);
		bool dup = guard_json_dup_key(j, &path);
		CHECK(dup == (cases[i].path != NULL));
		if (dup && cases[i].path)
			CHECK(!strcmp(path.buf, cases[i].path));
		cJSON_Delete(j);
	}
	/* A wide object takes the sorted path: 100 members, one repeated at the end. */
	cJSON *wide = cJSON_CreateObject();
	char key[16];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%03d", (i * 37) % 100);
		cJSON_AddNumberToObject(wide, key, i);
	}
	CHECK(!guard_json_dup_key(wide, NULL));
	cJSON_AddNumberToObject(wide, "k050", 1);
	CHECK(guard_json_dup_key(wide, &path) && !strcmp(path.buf, "/k050"));
	cJSON_Delete(wide);
	guard_buf_release(&path);
}

struct captured {
	struct guard_buf out, err;
	int errors;
};

static void
cap_out(void *arg, const char *buf, size_t len)
{
	guard_buf_add(&((struct captured *)arg)->out, buf, len);
}

static void
cap_err(void *arg, const char *msg)
{
	struct captured *c = arg;
	guard_buf_addstr(&c->err, msg);
	guard_buf_addch(&c->err, '\n');
	c->errors++;
}

/* The bulk append through the library: records in order, bad lines named, tee'd lines passed on. */
TEST(audit_append_stream)
{
	static const char input[] = "{\"event\":\"a\",\"n\":1}\nnot json\n\n{\"event\":\"audit.x\"}\n{\"event\":\"b\"}";
	char *sub = guard_xasprintf("%s/stream", root), *dir = guard_xasprintf("%s/.ai/audit", sub);
	struct guard_audit_stream s = GUARD_AUDIT_STREAM_INIT;
	struct guard_audit_verify_opts o = { 0 };
	struct guard_audit_verify_result res = GUARD_AUDIT_VERIFY_RESULT_INIT;
	struct captured c = { GUARD_BUF_INIT, GUARD_BUF_INIT, 0 };
	struct guard_audit *log;
	int fds[2];

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], input, sizeof(input) - 1) == (ssize_t)(sizeof(input) - 1));
	close(fds[1]);
	s.in_fd = fds[0];
	s.tee = true;
	s.arg = &c;
	s.out = cap_out;
	s.error = cap_err;
	CHECK(guard_audit_open(&log, sub, NULL) == 0);
	CHECK(guard_audit_append_stream(log, NULL, &s) == GUARD_EUSAGE);
	CHECK(!*guard_error_last());
	CHECK(guard_audit_written(log) == 2);
	guard_audit_close(log);
	close(fds[0]);
	CHECK(c.errors == 2);
	CHECK(strstr(c.err.buf, "stdin:2: ") != NULL);
	CHECK(strstr(c.err.buf, "stdin:4: ") != NULL);
	/* every non-blank line read, good or bad, is passed on */
	CHECK_STR(c.out.buf, "{\"event\":\"a\",\"n\":1}\nnot json\n{\"event\":\"audit.x\"}\n{\"event\":\"b\"}\n");
	CHECK(guard_audit_verify(dir, &o, &res) == 0);
	CHECK(res.records == 2 && res.last_seq == 2);
	guard_audit_verify_release(&res);
	guard_buf_release(&c.out);
	guard_buf_release(&c.err);
	free(dir);
	free(sub);
}

int
main(void)
{
	if (!mkdtemp(root))
		return 1;
	RUN(audit_append_and_verify);
	RUN(audit_continues_after_a_long_record);
	RUN(audit_needs_an_event_name);
	RUN(audit_line_check);
	RUN(audit_config_defaults);
	RUN(audit_record_is_canonical);
	RUN(json_dup_key);
	RUN(audit_append_stream);
	char *cmd = guard_xasprintf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
	free(cmd);
	return unit_done();
}
