/* Redaction: built-in patterns, policy patterns, JSON pointers of what was masked. */
#include "guard_error.h"
#include "guard_redact.h"
#include "unit.h"

static char *
masked(const struct guard_redactor *r, const char *s)
{
	struct guard_buf b = GUARD_BUF_INIT;
	int n = guard_redact_text(r, s, strlen(s), &b);
	if (n == 0)
		guard_buf_addstr(&b, s);
	return guard_buf_detach(&b);
}

static void
check_masked(const struct guard_redactor *r, const char *s, const char *secret, const char *id)
{
	char *m = masked(r, s);
	char *tag = guard_xasprintf("[REDACTED:%s]", id);
	CHECK(!strstr(m, secret));
	CHECK(strstr(m, tag) != NULL);
	if (strstr(m, secret) || !strstr(m, tag))
		printf("#   %s -> %s\n", s, m);
	free(tag);
	free(m);
}

TEST(redact_builtins)
{
	struct guard_redactor *r;
	CHECK(guard_redactor_new(&r, NULL) == 0);
	check_masked(r, "export K=AKIAQWERTYUIOPASDFGH", "AKIAQWERTYUIOPASDFGH", "aws-access-key");
	check_masked(r, "GH=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB gh pr list",
		     "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB", "github-token");
	check_masked(r, "glpat-abcdefghij0123456789", "glpat-abcdefghij0123456789", "gitlab-token");
	check_masked(r, "SLACK=xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij", "slack-token");
	check_masked(r, "npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm-token");
	check_masked(r, "sk_live_abcdefghijklmnop1234", "sk_live_abcdefghijklmnop1234", "stripe-key");
	check_masked(r, "key AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "gcp-api-key");
	check_masked(r, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----",
		     "b3BlbnNzaA", "private-key");
	check_masked(r, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
		     "dozjgNryP4J3jVmNHl0w5N", "jwt");
	check_masked(r, "mysql -u root --password hunter2hunter2", "hunter2hunter2", "password-option");
	check_masked(r, "DB_PASSWORD=correcthorse", "correcthorse", "password-assignment");
	check_masked(r, "psql postgres://app:s3cr3tpw@db/x", "s3cr3tpw", "url-credentials");
	check_masked(r, "curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz'", "abcdefghijklmnopqrstuvwxyz",
		     "bearer-token");
	/* Ordinary text is left alone. */
	char *m = masked(r, "git status && make test");
	CHECK_STR(m, "git status && make test");
	free(m);
	guard_redactor_free(r);
}

TEST(redact_policy_entries)
{
	cJSON *list = cJSON_Parse("[{\"id\":\"ticket\",\"regex\":\"TCK-[0-9]{4}\"},"
				  "{\"id\":\"jwt\",\"regex\":\"JWT[0-9]+\",\"replacement\":\"<jwt>\"}]");
	struct guard_redactor *r;
	CHECK(guard_redactor_new(&r, list) == 0);
	check_masked(r, "see TCK-1234 now", "TCK-1234", "ticket");
	char *m = masked(r, "a JWT123 b");
	CHECK_STR(m, "a <jwt> b"); /* a policy entry of a built-in's id adds its own pattern */
	free(m);
	guard_redactor_free(r);
	cJSON_Delete(list);

	/* ...and never switches the built-in off: the project layer is the agent's to write */
	list = cJSON_Parse("[{\"id\":\"aws-access-key\",\"regex\":\"x^\"}]");
	CHECK(guard_redactor_new(&r, list) == 0);
	m = masked(r, "key AKIAIOSFODNN7EXAMPLE here");
	CHECK(strstr(m, "AKIAIOSFODNN7EXAMPLE") == NULL);
	free(m);
	guard_redactor_free(r);
	cJSON_Delete(list);

	list = cJSON_Parse("[{\"id\":\"bad\",\"regex\":\"(unclosed\"}]");
	CHECK(guard_redactor_new(&r, list) == GUARD_EPOLICY);
	CHECK(strstr(guard_error_last(), "redact 'bad'") != NULL);
	cJSON_Delete(list);
}

TEST(redact_json_pointers)
{
	struct guard_redactor *r;
	cJSON *o = cJSON_Parse("{\"summary\":\"x AKIAQWERTYUIOPASDFGH\",\"data\":{\"a/b\":[\"ok\",\"token=abcdefgh\"],"
			       "\"api_key\":\"short\"}}");
	cJSON *erased = cJSON_CreateArray();
	CHECK(guard_redactor_new(&r, NULL) == 0);
	CHECK(guard_redact_json(r, o, "", erased) == 3);
	char *e = cJSON_PrintUnformatted(erased);
	CHECK_STR(e, "[\"/summary\",\"/data/a~1b/1\",\"/data/api_key\"]");
	free(e);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "data"), "api_key")->valuestring, "[REDACTED:secret-field]");
	cJSON_Delete(o);
	cJSON_Delete(erased);
	guard_redactor_free(r);
}

/* The words a built-in claims are found in one walk: any case, at either end, and not where they are not. */
TEST(redact_words_one_walk)
{
	struct guard_redactor *r;
	CHECK(guard_redactor_new(&r, NULL) == 0);
	check_masked(r, "PassWord=hunter2hunter2", "hunter2hunter2", "password-assignment");
	check_masked(r, "x SESSION_KEY: 9f8e7d6c5b4a39281706", "9f8e7d6c5b4a39281706", "password-assignment");
	check_masked(r, "mysql -uroot -phunter2hunter2", "hunter2hunter2", "mysql-password");
	check_masked(r, "curl -u alice:hunter2hunter2 https://x", "hunter2hunter2", "user-password");
	/* the word as the string's last bytes, and cut one byte short */
	char *m = masked(r, "tok");
	CHECK_STR(m, "tok");
	free(m);
	/* a non-ASCII byte: every entry is tried (the regex decides) */
	check_masked(r, "caf\xc3\xa9 password=hunter2hunter2", "hunter2hunter2", "password-assignment");
	guard_redactor_free(r);
}

TEST(redact_repeated_and_prefiltered)
{
	struct guard_redactor *r;
	CHECK(guard_redactor_new(&r, NULL) == 0);
	/* A string found clean is remembered; the same bytes again, and near misses, give what a first scan gives. */
	for (int round = 0; round < 3; round++) {
		char *m = masked(r, "/home/user/project");
		CHECK_STR(m, "/home/user/project");
		free(m);
		check_masked(r, "export K=AKIAQWERTYUIOPASDFGH", "AKIAQWERTYUIOPASDFGH", "aws-access-key");
		check_masked(r, "/home/user/project AKIAQWERTYUIOPASDFGH", "AKIAQWERTYUIOPASDFGH", "aws-access-key");
		check_masked(r, "/home/user/project?password=hunter22", "hunter22", "password-assignment");
		m = masked(r, "/home/user/projecT");
		CHECK_STR(m, "/home/user/projecT");
		free(m);
	}
	/* The bytes a built-in names: without '=' or ':' no assignment, without white space no bearer. */
	char *m = masked(r, "password hunter22");
	CHECK_STR(m, "password hunter22");
	free(m);
	check_masked(r, "password:hunter22", "hunter22", "password-assignment");
	check_masked(r, "Bearer\tabcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz", "bearer-token");
	check_masked(r, "token\x0b" "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz", "bearer-token");
	check_masked(r, "--token\fabcdefgh", "abcdefgh", "password-option");
	m = masked(r, "tokenabcdefghijklmnopqrstuvwxyz");
	CHECK_STR(m, "tokenabcdefghijklmnopqrstuvwxyz");
	free(m);
	guard_redactor_free(r);

	/* A pattern that ignores case in part of it keeps both cases in its prefilter; one that never does, only its own. */
	cJSON *list = cJSON_Parse("[{\"id\":\"q\",\"regex\":\"(?i:QWERTY)[0-9]{4}\"},"
				  "{\"id\":\"z\",\"regex\":\"[0-9]{4}(?i)ZXCV\"},"
				  "{\"id\":\"t\",\"regex\":\"TCK-[0-9]{4}\"}]");
	CHECK(guard_redactor_new(&r, list) == 0);
	check_masked(r, "id qwerty1234", "qwerty1234", "q");
	check_masked(r, "id QwErTy1234", "QwErTy1234", "q");
	check_masked(r, "id 1234zxcv", "1234zxcv", "z");
	check_masked(r, "TCK-1234", "TCK-1234", "t");
	m = masked(r, "tck-1234");
	CHECK_STR(m, "tck-1234");
	free(m);
	guard_redactor_free(r);
	cJSON_Delete(list);
}

/* The forms that once reached the log whole (issue 13), each masked, the rest of the text kept. */
TEST(redact_issue13_forms)
{
	struct guard_redactor *r;
	CHECK(guard_redactor_new(&r, NULL) == 0);
	check_masked(r, "curl -H 'Authorization: Basic dXNlcjpodW50ZXIy' https://x", "dXNlcjpodW50ZXIy", "basic-auth");
	check_masked(r, "{\"Authorization\": \"basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\"}", "QWxhZGRpbjpvcGVu", "basic-auth");
	check_masked(r, "mysql -u root -phunter2pw app", "hunter2pw", "mysql-password");
	check_masked(r, "mysqldump -h db -uadmin -p's3cr3t!' app > x.sql", "s3cr3t", "mysql-password");
	check_masked(r, "curl -u alice:Tr0ub4dor https://api.example.com", "Tr0ub4dor", "user-password");
	check_masked(r, "curl --user 'bob:correct-horse' https://x", "correct-horse", "user-password");
	check_masked(r, "SENDGRID=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",
		     "TwL2iGABf9DHoTf", "sendgrid-key");
	check_masked(r, "{\"type\": \"service_account\", \"private_key_id\": \"1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c\"}",
		     "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c", "gcp-private-key-id");
	check_masked(r, "deploy --signing-key 9fQ2xT7vLp3Zk8RmW4sBn6Yc1Hd5Je0G", "9fQ2xT7vLp3Zk8RmW4sBn6Yc1Hd5Je0G",
		     "high-entropy");
	check_masked(r, "twilio SK0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", "twilio-key");
	check_masked(r, "PASSPHRASE=opensesame1", "opensesame1", "password-assignment");
	check_masked(r, "export SESSION_KEY=abcdef123456", "abcdef123456", "password-assignment");
	check_masked(r, "cookie: sid=abcdef0123456789", "sid=abcdef0123456789", "password-assignment");
	check_masked(r, "AUTH=letmein99", "letmein99", "password-assignment");
	/* The keyword stays: only the secret goes. */
	char *m = masked(r, "mysql -u root -phunter2pw app");
	CHECK_STR(m, "mysql -u root -p[REDACTED:mysql-password] app");
	free(m);
	/* Look-alikes are left alone: other tools' -p and -u, prose, names, identifiers. */
	static const char *const clean[] = {
		"mkdir -p build/out && cp -p a b",
		"docker run -u 1000:1000 image",
		"git log --author=alice",
		"author: Jane Doe <jane@example.com>",
		"Basic authentication is disabled here",
		"session 3f2a8b1c-4d5e-6f70-8192-a3b4c5d6e7f8 resumed",
		"key /usr/lib/x86_64-linux-gnu/libfoo.so.1",
		"signing key release-2024-v1.2.3-final-build",
		"cache key build_linux_x86_64_release_2024",
		"the key component of this configuration_manager",
	};
	for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
		m = masked(r, clean[i]);
		CHECK_STR(m, clean[i]);
		free(m);
	}
	guard_redactor_free(r);
	CHECK(guard_redact_entropy("aaaa", 4) == 0);
	CHECK(guard_redact_entropy("abcd", 4) == 2);
}

/* Members named auth, passphrase, cookie, SESSION_KEY are masked whole; author and oauth_client_id are not. */
TEST(redact_secret_names)
{
	struct guard_redactor *r;
	cJSON *o = cJSON_Parse("{\"auth\":\"x1\",\"basic_auth\":\"x2\",\"X-Auth\":\"x3\",\"authKey\":\"x4\","
			       "\"passphrase\":\"x5\",\"Cookie\":\"x6\",\"SESSION_KEY\":\"x7\",\"author\":\"jane\","
			       "\"oauth_client_id\":\"cid\",\"session\":\"s1\"}");
	CHECK(guard_redactor_new(&r, NULL) == 0);
	CHECK(guard_redact_json(r, o, "", NULL) == 7);
	char *e = cJSON_PrintUnformatted(o);
	for (int i = 1; i <= 7; i++) {
		char v[16];
		snprintf(v, sizeof(v), "\"x%d\"", i);
		CHECK(!strstr(e, v));
	}
	CHECK(strstr(e, "\"jane\"") && strstr(e, "\"cid\"") && strstr(e, "\"s1\""));
	free(e);
	cJSON_Delete(o);
	guard_redactor_free(r);
}

/* What the built-ins declare of their matches, to be skipped uncompiled, is no tighter than PCRE2's own answer. */
TEST(redact_builtin_declarations)
{
	struct guard_buf why = GUARD_BUF_INIT;
	CHECK(guard_redact_check_builtins(&why) == 0);
	if (why.len)
		printf("#   %s", why.buf);
	guard_buf_release(&why);
}

/* A key split by an invisible character (zero-width space, joiners, word joiner, BOM, soft hyphen) is masked whole. */
TEST(redact_invisible_characters)
{
	static const char *const hide[] = { "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e",
					     "\u200b\u200d\u00ad" };
	struct guard_redactor *r;
	CHECK(guard_redactor_new(&r, NULL) == 0);
	for (size_t i = 0; i < sizeof(hide) / sizeof(*hide); i++) {
		char *s = guard_xasprintf("export K=AKIAQWER%sTYUIOPASDFGH; ghp_abcdefghij%sklmnopqrstuvwxyz0123456789AB",
					  hide[i], hide[i]);
		char *m = masked(r, s);
		CHECK(strstr(m, "[REDACTED:aws-access-key]") && strstr(m, "[REDACTED:github-token]"));
		CHECK(!strstr(m, "TYUIOP") && !strstr(m, "klmnop"));
		free(m);
		free(s);
	}
	/* text with invisible characters and no secret is left as it is, they included */
	struct guard_buf b = GUARD_BUF_INIT;
	CHECK(guard_redact_text(r, "caf\u00ade \u2014 \u201cok\u201d \u200bx", strlen("caf\u00ade \u2014 \u201cok\u201d \u200bx"), &b) == 0);
	CHECK(b.len == 0);
	size_t n = 0;
	char *v = guard_redact_visible("a\u200bb\u00adc\ufeffd\u2014e", strlen("a\u200bb\u00adc\ufeffd\u2014e"), &n);
	CHECK_STR(v, "abcd\u2014e");
	CHECK(v && n == strlen(v));
	free(v);
	CHECK(guard_redact_visible("plain \u2014 text \u00e9", strlen("plain \u2014 text \u00e9"), &n) == NULL);
	/* in JSON, as the audit log's records are */
	cJSON *o = cJSON_Parse("{\"command\":\"echo AKIAQWER\\u200bTYUIOPASDFGH > k\"}");
	CHECK(guard_redact_json(r, o, "", NULL) == 1);
	char *e = cJSON_PrintUnformatted(o);
	CHECK(strstr(e, "[REDACTED:aws-access-key]") && !strstr(e, "TYUIOP"));
	free(e);
	cJSON_Delete(o);
	guard_redactor_free(r);
}

int
main(void)
{
	RUN(redact_builtins);
	RUN(redact_invisible_characters);
	RUN(redact_policy_entries);
	RUN(redact_json_pointers);
	RUN(redact_repeated_and_prefiltered);
	RUN(redact_words_one_walk);
	RUN(redact_builtin_declarations);
	RUN(redact_issue13_forms);
	RUN(redact_secret_names);
	return unit_done();
}
