/* The scanner: built-in and policy rules, keywords, lines, previews, allow comments, tool inputs. */
#include "guard_error.h"
#include "guard_scan.h"
#include "unit.h"

static cJSON *
scan(struct guard_scanner *s, const char *path, const char *text)
{
	cJSON *f = cJSON_CreateArray();
	CHECK(guard_scanner_scan(s, path, text, strlen(text), 1, NULL, f) == cJSON_GetArraySize(f));
	return f;
}

static const char *
fstr(const cJSON *f, int i, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(f, i), k));
}

static double
fnum(const cJSON *f, int i, const char *k)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(f, i), k));
}

TEST(scan_builtins_lines_previews)
{
	struct guard_scanner *s;
	CHECK(guard_scanner_new(NULL, &s) == 0);
	cJSON *f = scan(s, "a.env", "A=1\nB=2\nAWS=AKIAQWERTYUIOPASDFGH\n");
	CHECK(cJSON_GetArraySize(f) == 1);
	CHECK_STR(fstr(f, 0, "rule"), "aws-access-key");
	CHECK(fnum(f, 0, "line") == 3 && fnum(f, 0, "column") == 5);
	CHECK_STR(fstr(f, 0, "preview"), "AKIA");
	CHECK(strlen(fstr(f, 0, "hash")) == 16 && strlen(fstr(f, 0, "fingerprint")) == 32);
	char *all = cJSON_PrintUnformatted(f);
	CHECK(!strstr(all, "QWERTYUIOP"));
	free(all);
	cJSON_Delete(f);
	/* a short secret shows at most half of itself */
	f = scan(s, "x.sh", "mysql -u r -pab12 db");
	CHECK(cJSON_GetArraySize(f) == 1);
	CHECK_STR(fstr(f, 0, "rule"), "mysql-password");
	CHECK_STR(fstr(f, 0, "preview"), "ab");
	cJSON_Delete(f);
	/* no keyword of any rule: nothing found, nothing matched */
	f = scan(s, "x.c", "int main(void) { return 0; }\n");
	CHECK(cJSON_GetArraySize(f) == 0);
	cJSON_Delete(f);
	/* line numbers from a map (a diff's added lines) */
	long lines[] = { 10, 42 };
	f = cJSON_CreateArray();
	CHECK(guard_scanner_scan(s, "d.py", "x = 1\nk = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'\n", 51, 1, lines, f) == 1);
	CHECK(fnum(f, 0, "line") == 42);
	cJSON_Delete(f);
	guard_scanner_free(s);
}

TEST(scan_policy_rules_paths_keywords)
{
	cJSON *tree = cJSON_Parse("{\"forbidden_patterns\":["
				  "{\"id\":\"todo\",\"regex\":\"TODO-[0-9]+\",\"severity\":\"low\",\"paths\":[\"*.c\"],\"keywords\":[\"todo-\"]},"
				  "{\"id\":\"aws-access-key\",\"regex\":\"NEVERMATCHES\"},"
				  "{\"id\":\"nokw\",\"regex\":\"zz[0-9]{3}\"}],"
				  "\"scan\":{\"exclude\":[\"vendor/**\"]}}");
	struct guard_scanner *s;
	CHECK(guard_scanner_new(tree, &s) == 0);
	cJSON *f = scan(s, "a.c", "// todo-12 and TODO-12\n");
	CHECK(cJSON_GetArraySize(f) == 1);
	CHECK_STR(fstr(f, 0, "rule"), "todo");
	CHECK_STR(fstr(f, 0, "kind"), "pattern");
	cJSON_Delete(f);
	f = scan(s, "a.h", "TODO-12\n"); /* outside the rule's paths */
	CHECK(cJSON_GetArraySize(f) == 0);
	cJSON_Delete(f);
	/* a policy entry with a built-in's id does not replace it */
	f = scan(s, "a.txt", "AKIAQWERTYUIOPASDFGH zz123");
	CHECK(cJSON_GetArraySize(f) == 2);
	cJSON_Delete(f);
	CHECK(guard_scanner_excluded(s, "vendor/x/y.go"));
	CHECK(!guard_scanner_excluded(s, "src/y.go"));
	guard_scanner_free(s);
	cJSON_Delete(tree);

	/* a regex that does not compile is named when first needed */
	tree = cJSON_Parse("{\"forbidden_patterns\":[{\"id\":\"bad\",\"regex\":\"(x\",\"keywords\":[\"xyz\"]}]}");
	CHECK(guard_scanner_new(tree, &s) == 0);
	f = cJSON_CreateArray();
	CHECK(guard_scanner_scan(s, "a", "nothing here", 12, 1, NULL, f) == 0); /* not needed: not compiled */
	CHECK(guard_scanner_scan(s, "a", "an XYZ", 6, 1, NULL, f) == GUARD_EPOLICY);
	CHECK(strstr(guard_error_last(), "'bad'") != NULL);
	cJSON_Delete(f);
	guard_scanner_free(s);
	cJSON_Delete(tree);

	/* a keyword under 3 bytes cannot prefilter: the rule runs on every line; keywords at odd and even offsets */
	tree = cJSON_Parse("{\"forbidden_patterns\":[{\"id\":\"short\",\"regex\":\"qq[0-9]\",\"keywords\":[\"qq\"]},"
			   "{\"id\":\"kw\",\"regex\":\"abc[0-9]\",\"keywords\":[\"abc\"]}]}");
	CHECK(guard_scanner_new(tree, &s) == 0);
	f = scan(s, "a", "qq1 abc1\n.abc2\n..ABC3 ...abc4");
	CHECK(cJSON_GetArraySize(f) == 4);
	CHECK(fnum(f, 3, "line") == 3 && fnum(f, 3, "column") == 11); /* at an odd offset */
	cJSON_Delete(f);
	guard_scanner_free(s);
	cJSON_Delete(tree);
}

TEST(scan_inline_allow)
{
	struct guard_scanner *s;
	const char *text = "a = 'AKIAQWERTYUIOPASDFGH' # guard-scan:allow aws-access-key doc example\n"
			   "# guard-scan:allow aws-access-key fixture\nb = 'AKIAQWERTYUIOPASDFGZ'\n"
			   "c = 'AKIAQWERTYUIOPASDFGY' # guard-scan:allow aws-access-key\n"
			   "d = 'AKIAQWERTYUIOPASDFGX' # guard-scan:allow github-token wrong rule\n";
	CHECK(guard_scanner_new(NULL, &s) == 0);
	cJSON *f = scan(s, "t.py", text);
	CHECK(cJSON_GetArraySize(f) == 2);
	CHECK(fnum(f, 0, "line") == 4 && fnum(f, 1, "line") == 5);
	cJSON_Delete(f);
	guard_scanner_inline_allow(s, false);
	f = scan(s, "t.py", text);
	CHECK(cJSON_GetArraySize(f) == 4);
	cJSON_Delete(f);
	guard_scanner_free(s);
}

TEST(scan_tool_inputs)
{
	struct guard_scanner *s;
	CHECK(guard_scanner_new(NULL, &s) == 0);
	cJSON *in = cJSON_Parse("{\"tool_name\":\"MultiEdit\",\"tool_input\":{\"file_path\":\"/p/a.py\",\"edits\":["
				"{\"old_string\":\"AKIAQWERTYUIOPASDFGH\",\"new_string\":\"ok\"},"
				"{\"old_string\":\"x\",\"new_string\":\"1\\n2\\nK=AKIAQWERTYUIOPASDFGH\"}]}}");
	cJSON *f = cJSON_CreateArray();
	CHECK(guard_scanner_tool_input(s, in, f) == 1); /* what is written, not what is replaced */
	CHECK_STR(fstr(f, 0, "path"), "/p/a.py");
	CHECK(fnum(f, 0, "line") == 3);
	cJSON_Delete(f);
	cJSON_Delete(in);
	in = cJSON_Parse("{\"tool\":\"Write\",\"input\":{\"file_path\":\"k.pem\",\"content\":"
			 "\"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEE\\n-----END EC PRIVATE KEY-----\\n\"}}");
	f = cJSON_CreateArray();
	CHECK(guard_scanner_tool_input(s, in, f) == 1);
	CHECK_STR(fstr(f, 0, "rule"), "private-key");
	cJSON_Delete(f);
	cJSON_Delete(in);
	guard_scanner_free(s);
}

/* A key split by an invisible character is found, on its own line; a Write's content too. */
TEST(scan_invisible_characters)
{
	struct guard_scanner *s;
	CHECK(guard_scanner_new(NULL, &s) == 0);
	cJSON *f = scan(s, "a.py", "x = 1\nk = 'AKIAQWER\u200bTYUIOP\u00adASDFGH'\n");
	CHECK(cJSON_GetArraySize(f) == 1);
	CHECK_STR(fstr(f, 0, "rule"), "aws-access-key");
	CHECK(fnum(f, 0, "line") == 2);
	cJSON_Delete(f);
	f = scan(s, "a.txt", "caf\u00ade \u200b \u2014 nothing here\n");
	CHECK(cJSON_GetArraySize(f) == 0);
	cJSON_Delete(f);
	cJSON *in = cJSON_Parse("{\"tool\":\"Write\",\"input\":{\"file_path\":\"src/k.py\",\"content\":"
				"\"t = 'ghp_abcdefghij\\ufeffklmnopqrstuvwxyz0123456789AB'\\n\"}}");
	f = cJSON_CreateArray();
	CHECK(guard_scanner_tool_input(s, in, f) == 1);
	CHECK_STR(fstr(f, 0, "rule"), "github-token");
	cJSON_Delete(f);
	cJSON_Delete(in);
	guard_scanner_free(s);
}

int
main(void)
{
	RUN(scan_builtins_lines_previews);
	RUN(scan_invisible_characters);
	RUN(scan_policy_rules_paths_keywords);
	RUN(scan_inline_allow);
	RUN(scan_tool_inputs);
	return unit_done();
}
