/* The audit log through the library: append, batches, verify, the line check. */
#include <fcntl.h>
#include <unistd.h>

#include "guard_audit.h"
#include "guard_error.h"
#include "unit.h"

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

int
main(void)
{
	if (!mkdtemp(root))
		return 1;
	RUN(audit_append_and_verify);
	RUN(audit_needs_an_event_name);
	RUN(audit_line_check);
	RUN(audit_config_defaults);
	char *cmd = guard_xasprintf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
	free(cmd);
	return unit_done();
}
