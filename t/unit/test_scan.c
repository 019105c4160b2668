/* The scanner: built-in and policy rules, keywords, lines, previews, allow comments, tool inputs. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
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

/*
 * An Edit/MultiEdit is scanned in the lines it can change (windows); what
 * it reports must be what scanning both files whole reports: the texts
 * written, then the findings the file after the edits holds and the file
 * before does not (rule and fingerprint), in the whole scan's order and
 * lines. Random files (CRLF too, PEM pieces, keys split into parts, eval)
 * and random edits (replace_all, MultiEdit, deletions that join lines).
 */
static const char *const pieces[] = {
	"x = compute(a, b)", "AWS = 'AKIA", "QWERTYUIOPASDFGH'", "AKIAQWERTYUIOPASDFGH", "password = 'hunter2xyzzyq'",
	"tok = ghp_abcdefghijklmnopqrstuvwxyz0123456789AB", "r = eval(data)", "obj.eval(x)", "eval", "(y)",
	"-----BEGIN RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA1234abcd", "-----END RSA PRIVATE KEY-----",
	"# a comment", "", "url = 'https://user:s3cr3tpw@host/db'", "secret_key = 'Zq8vT2mR9xW4kL7pN3bH6jF1'",
	"value = items[index]", "K", "EY", "\n", "\r\n", "pass", "word = 'Qx7Rt9Lm2Vb8Nc4Zp6Wy'", "markword",
	"k = 'AKIAQWERTYX", "UIOPASDFGH'", "k2 = 'AKIAQWERTYUIOPAS_DFGH'", "k3 = 'AKIAQWERTYXUIOPASDFGH'",
	"t = 'ghp_abcdefghijklmnopqrsXtuvwxyz0123456789AB'",
};
/* what an edit writes, often a little: the missing part of a key, nothing (a deletion that joins) */
static const char *const small[] = { "", "", "U", "Y", "QWERTYUIOP", "AKIA", "\n", "DFGH'", "=", "eval(" };
static const char *const plain[] = { "x = compute(a, b)", "# a comment", "value = items[index]", "", "y = 2" };
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static unsigned rnd_state = 12345;
static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static char *
apply_edit(const char *text, const char *old, const char *new, int all)
{
	struct guard_buf b = GUARD_BUF_INIT;
	const char *from = text, *at = strstr(text, old);
	if (!at)
		return NULL;
	do {
		guard_buf_add(&b, from, (size_t)(at - from));
		guard_buf_addstr(&b, new);
		from = at + strlen(old);
	} while (all && (at = strstr(from, old)));
	guard_buf_addstr(&b, from);
	return guard_buf_detach(&b);
}

static const char *
member_of(const cJSON *f, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, k)) ?: "";
}

static int
has_fp(const cJSON *a, const cJSON *f)
{
	const cJSON *g;
	cJSON_ArrayForEach(g, a)
		if (!strcmp(member_of(g, "rule"), member_of(f, "rule")) &&
		    !strcmp(member_of(g, "fingerprint"), member_of(f, "fingerprint")))
			return 1;
	return 0;
}

/* One edit of a MultiEdit's list. */
static void
add_edit(cJSON *edits, const char *old, const char *new, int all)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "old_string", old);
	cJSON_AddStringToObject(e, "new_string", new);
	if (all)
		cJSON_AddTrueToObject(e, "replace_all");
	cJSON_AddItemToArray(edits, e);
}

static int edit_cases_found; /* cases where the edits made a finding of their own in the file */

/* One random file and MultiEdit: 0 when the windowed result is the whole scans'. */
static int
edit_case(struct guard_scanner *s, const char *path, int pem)
{
	struct guard_buf b = GUARD_BUF_INIT;
	unsigned lines = 20 + rnd(280), crlf = rnd(4) == 0;
	for (unsigned i = 0; i < lines; i++) {
		unsigned k = rnd(NPIECES);
		if (!pem && strstr(pieces[k], "-----"))
			k = 0;
		guard_buf_addstr(&b, rnd(2) ? plain[rnd(5)] : pieces[k]);
		if (rnd(3) == 0)
			guard_buf_addstr(&b, pieces[rnd(NPIECES - 13) + 13]);
		guard_buf_addstr(&b, crlf ? "\r\n" : "\n");
	}
	char *before = guard_buf_detach(&b), *now = guard_xstrdup(before);
	cJSON *edits = cJSON_CreateArray(), *written = cJSON_CreateArray();
	unsigned ne = 1 + rnd(3);
	for (unsigned i = 0; i < ne; i++) {
		size_t len = strlen(now), at = rnd((unsigned)len), olen = 1 + rnd(rnd(2) ? 3 : 30);
		/* often at a key's break or a line's end, after a random place */
		static const char *const breaks[] = { "X", "_D", "\n", "\r\n", "EY" };
		const char *brk = rnd(2) ? strstr(now + at, breaks[rnd(5)]) : NULL;
		if (brk) {
			at = (size_t)(brk - now);
			olen = at + 1 + rnd(2) > len ? len - at : 1 + rnd(2);
		}
		olen = at + olen > len ? len - at : olen;
		char *old = guard_xstrndup(now + at, olen), *new;
		struct guard_buf nb = GUARD_BUF_INIT;
		for (unsigned k = rnd(3); k > 0; k--)
			guard_buf_addstr(&nb, pieces[rnd(NPIECES)]);
		if (brk && rnd(2))
			guard_buf_reset(&nb); /* a deletion at the break */
		if (rnd(2))
			guard_buf_addstr(&nb, small[rnd(sizeof(small) / sizeof(small[0]))]);
		new = guard_buf_detach(&nb);
		int all = rnd(5) == 0;
		add_edit(edits, old, new, all);
		guard_scanner_scan(s, path, new, strlen(new), 1, NULL, written);
		char *next = apply_edit(now, old, new, all);
		free(now);
		now = next;
		free(old);
		free(new);
	}
	FILE *fp = fopen(path, "w");
	fputs(before, fp);
	fclose(fp);
	cJSON *was = cJSON_CreateArray(), *after = cJSON_CreateArray(), *got = cJSON_CreateArray();
	guard_scanner_scan(s, path, before, strlen(before), 1, NULL, was);
	guard_scanner_scan(s, path, now, strlen(now), 1, NULL, after);
	cJSON *in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "file_path", path);
	cJSON_AddItemToObject(in, "edits", edits);
	int n = guard_scanner_tool_input(s, in, got), bad = n != cJSON_GetArraySize(got);
	int k = cJSON_GetArraySize(written);
	for (int i = 0; i < k && !bad; i++)
		bad = strcmp(fstr(got, i, "fingerprint") ?: "", fstr(written, i, "fingerprint"));
	const cJSON *f;
	cJSON *added = cJSON_CreateArray(); /* a second finding of the same rule and match is not new */
	cJSON_ArrayForEach(f, after) {
		if (has_fp(was, f) || has_fp(written, f) || has_fp(added, f))
			continue;
		cJSON_AddItemReferenceToArray(added, (cJSON *)f);
		bad |= k >= n || strcmp(fstr(got, k, "fingerprint") ?: "", member_of(f, "fingerprint")) ||
		       fnum(got, k, "line") != cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f, "line")) ||
		       fnum(got, k, "column") != cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f, "column"));
		k++;
	}
	bad |= k != n;
	edit_cases_found += n > cJSON_GetArraySize(written);
	if (bad) {
		char *e = cJSON_PrintUnformatted(in), *g = cJSON_PrintUnformatted(got);
		printf("# differs (seed state %u): %s\n# got %s\n", rnd_state, e, g);
		cJSON_ArrayForEach(f, after)
			if (!has_fp(was, f) && !has_fp(written, f))
				printf("# want %s %s line %.0f col %.0f\n", member_of(f, "rule"), member_of(f, "fingerprint"),
				       cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f, "line")),
				       cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(f, "column")));
		if (getenv("UNIT_SCAN_DUMP")) {
			FILE *d = fopen(getenv("UNIT_SCAN_DUMP"), "w");
			fputs(before, d);
			fclose(d);
		}
		free(e);
		free(g);
	}
	cJSON_Delete(added);
	cJSON_Delete(in);
	cJSON_Delete(was);
	cJSON_Delete(after);
	cJSON_Delete(got);
	cJSON_Delete(written);
	free(before);
	free(now);
	return bad;
}

/* A key whose halves lie either side of a deleted "X", far down a file: the window holds the whole line. */
TEST(scan_edit_key_across_the_window_edge)
{
	char dir[] = "/tmp/guard-unit-scan-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *path = guard_xasprintf("%s/k.py", dir);
	FILE *fp = fopen(path, "w");
	for (int i = 0; i < 500; i++)
		fprintf(fp, "x = %d\n", i);
	fputs("k = 'AKIAQWERTYXUIOPASDFGH'\n", fp);
	for (int i = 0; i < 500; i++)
		fprintf(fp, "y = %d\n", i);
	fclose(fp);
	struct guard_scanner *s;
	CHECK(guard_scanner_new(NULL, &s) == 0);
	cJSON *in = cJSON_CreateObject(), *f = cJSON_CreateArray();
	cJSON_AddStringToObject(in, "file_path", path);
	cJSON_AddStringToObject(in, "old_string", "X");
	cJSON_AddStringToObject(in, "new_string", "");
	CHECK(guard_scanner_tool_input(s, in, f) == 1);
	CHECK_STR(fstr(f, 0, "rule"), "aws-access-key");
	CHECK(fnum(f, 0, "line") == 501 && fnum(f, 0, "column") == 6);
	cJSON_Delete(f);
	cJSON_Delete(in);
	guard_scanner_free(s);
	unlink(path);
	rmdir(dir);
	free(path);
}

TEST(scan_edit_windows_as_whole_files)
{
	char dir[] = "/tmp/guard-unit-scan-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *path = guard_xasprintf("%s/t.py", dir);
	/* the default rules; then a rule looking back further than a window's lines, and a policy multi-line rule */
	const char *const policies[] = {
		"{\"forbidden_patterns\":[{\"id\":\"eval-call\",\"regex\":\"(?<![\\\\w.$])eval\\\\s*\\\\(\",\"keywords\":[\"eval\"]}]}",
		"{\"forbidden_patterns\":[{\"id\":\"far\",\"regex\":\"(?<=K.{299})markword\",\"keywords\":[\"markword\"]}]}",
		"{\"forbidden_patterns\":[{\"id\":\"ml\",\"regex\":\"AKIA\\\\s*QWERTY\",\"keywords\":[\"akia\"],\"multiline\":true}]}",
	};
	int fails = 0;
	for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++) {
		cJSON *tree = cJSON_Parse(policies[p]);
		struct guard_scanner *s;
		CHECK(guard_scanner_new(tree, &s) == 0);
		guard_scanner_inline_allow(s, false);
		for (int i = 0; i < (p ? 300 : 1500); i++)
			fails += edit_case(s, path, i % 4 == 0);
		guard_scanner_free(s);
		cJSON_Delete(tree);
	}
	printf("# %d of 2100 random edits made a finding in the file after them\n", edit_cases_found);
	CHECK(fails == 0 && edit_cases_found > 100);
	unlink(path);
	rmdir(dir);
	free(path);
}

static size_t
marks_in(const char *t)
{
	size_t n = 0;
	for (const char *p = t; (p = strstr(p, "guard-scan:allow")); p += 16)
		n++;
	return n;
}

/*
 * Whether edits add an allow comment, as the scan of the same input left
 * it (the file built once) and as guard_scan_adds_allow builds it again:
 * both say what counting the markers in the whole file before and after says.
 */
TEST(scan_adds_allow_as_built_once)
{
	static const char *const lines[] = { "x = 1", "y = 2  # guard-scan:allow eval-call t", "# guard-scan:",
					      "allow aws k", "z = 3" };
	static const char *const news[] = { "", "guard-scan:allow a b", "guard-scan:", "allow", "q", "\n" };
	char dir[] = "/tmp/guard-unit-scan-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *path = guard_xasprintf("%s/a.py", dir);
	struct guard_scanner *s;
	CHECK(guard_scanner_new(NULL, &s) == 0);
	guard_scanner_inline_allow(s, false);
	int wrong = 0, added = 0, placed = 0;
	for (int c = 0; c < 600; c++) {
		struct guard_buf b = GUARD_BUF_INIT;
		for (unsigned i = 0, n = 3 + rnd(40); i < n; i++) {
			guard_buf_addstr(&b, lines[rnd(5)]);
			guard_buf_addstr(&b, rnd(4) ? "\n" : "");
		}
		char *before = guard_buf_detach(&b), *now = guard_xstrdup(before);
		cJSON *in = cJSON_CreateObject(), *edits = cJSON_AddArrayToObject(in, "edits"), *f = cJSON_CreateArray();
		cJSON_AddStringToObject(in, "file_path", path);
		for (unsigned i = 0, ne = 1 + rnd(3); i < ne && now; i++) {
			size_t len = strlen(now), at = len ? rnd((unsigned)len) : 0, olen = 1 + rnd(12);
			olen = at + olen > len ? len - at : olen;
			char *old = guard_xstrndup(now + at, olen);
			const char *new = news[rnd(6)];
			int all = rnd(6) == 0;
			add_edit(edits, old, new, all);
			char *next = *old ? apply_edit(now, old, new, all) : NULL;
			free(now);
			now = next;
			free(old);
		}
		FILE *fp = fopen(path, "w");
		fputs(before, fp);
		fclose(fp);
		guard_scanner_tool_input(s, in, f);
		bool once = guard_scanner_adds_allow(s, in), again = guard_scan_adds_allow(in);
		wrong += once != again;
		if (now) {
			bool truth = marks_in(now) > marks_in(before);
			wrong += once != truth;
			added += truth;
			placed++;
		}
		free(before);
		free(now);
		cJSON_Delete(in);
		cJSON_Delete(f);
	}
	printf("# %d of %d placed edits added an allow comment\n", added, placed);
	CHECK(wrong == 0 && added > 30 && placed > 300);
	guard_scanner_free(s);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* attack8: a file or folder named after a secret; its benign twins (names about secrets) stay quiet */
TEST(scan_names)
{
	struct guard_scanner *s;
	static const char *const named[] = {
		"src/AKIAQWERTYUIOPASDFGH.txt", "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB.md",
		"keys/ghp_abcdefghijklmnopqrstuvwxyz0123456789AB/", "backup-AKIAQWERTYUIOPASDFGH-old",
		"a/AKIAQWERTYUIOPASDFGH guard-scan:allow aws-access-key reviewed", "xoxb-918273645501-5647382910564-qwertyuiopasdfghjklzxcvb",
		"glpat-abcdefghij0123456789", NULL,
	};
	static const char *const twins[] = {
		"deploy/aws-access-key.json", "src/secret_key.py", "password_reset.html", "token.go", "AKIA.md",
		"Authen::SASL::Perl.3pm.gz", "HTTP::Cookies::Netscape.3pm.gz", "credentials.example", ".", "..", "a/", "",
		"session_key_rotation.md", "api_key=$API_KEY", NULL,
	};
	CHECK(guard_scanner_new(NULL, &s) == 0);
	for (size_t i = 0; named[i]; i++) {
		cJSON *f = cJSON_CreateArray();
		CHECK(guard_scanner_scan_name(s, named[i], f) == 1);
		CHECK_STR(fstr(f, 0, "path"), named[i]);
		CHECK_STR(fstr(f, 0, "in"), "name");
		CHECK(fnum(f, 0, "line") == 0 && fnum(f, 0, "column") >= 1);
		cJSON_Delete(f);
	}
	for (size_t i = 0; twins[i]; i++) {
		cJSON *f = cJSON_CreateArray();
		CHECK(guard_scanner_scan_name(s, twins[i], f) == 0);
		cJSON_Delete(f);
	}
	/* the folder a path is in is its own name: not scanned with the file's */
	cJSON *f = cJSON_CreateArray();
	CHECK(guard_scanner_scan_name(s, "AKIAQWERTYUIOPASDFGH/notes.txt", f) == 0);
	/* a new file's name and its new folders' (those there keep theirs) */
	char dir[] = "/tmp/guard-names-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *there = guard_xasprintf("%s/AKIAQWERTYUIOPASDFGH", dir), *fresh = guard_xasprintf("%s/ghp_abcdefghijklmnopqrstuvwxyz0123456789AB/x/AKIAQWERTYUIOPASDFGZ.txt", dir);
	CHECK(mkdir(there, 0700) == 0);
	CHECK(guard_scanner_scan_new_names(s, there, f) == 0);
	CHECK(guard_scanner_scan_new_names(s, fresh, f) == 2);
	CHECK_STR(fstr(f, 0, "rule"), "github-token");
	CHECK_STR(fstr(f, 1, "rule"), "aws-access-key");
	rmdir(there);
	rmdir(dir);
	free(there);
	free(fresh);
	cJSON_Delete(f);
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
	RUN(scan_edit_key_across_the_window_edge);
	RUN(scan_edit_windows_as_whole_files);
	RUN(scan_adds_allow_as_built_once);
	RUN(scan_names);
	return unit_done();
}
