/* Unit tests: glob, path, time, duration, hash, buffers, files. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "../../src/cli.h" /* cli_dispatch, linked from build/cli.o */
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_glob.h"
#include "guard_textlines.h"
#include "guard_hash.h"
#include "guard_linked.h"
#include "guard_path.h"
#include "guard_state.h"
#include "guard_time.h"
#include "guard_types.h"

static char tmpdir[256];

static char *
tmp_path(const char *name)
{
	return guard_xasprintf("%s/%s", tmpdir, name);
}

TEST(glob_star_stays_in_segment)
{
	CHECK(guard_glob_match("*.c", "a.c"));
	CHECK(!guard_glob_match("*.c", "dir/a.c"));
	CHECK(guard_glob_match("src/*", "src/x"));
	CHECK(!guard_glob_match("src/*", "src/x/y"));
	CHECK(guard_glob_match("mcp__*", "mcp__kube__delete"));
}

TEST(glob_double_star)
{
	CHECK(guard_glob_match("src/**", "src/a/b/c.c"));
	CHECK(guard_glob_match("**/.env", ".env"));
	CHECK(guard_glob_match("**/.env", "a/b/.env"));
	CHECK(guard_glob_match("**/.env", "/home/u/p/.env"));
	CHECK(!guard_glob_match("**/.env", "a/.envrc"));
	CHECK(guard_glob_match(".ai/approvals/**", ".ai/approvals/x.json"));
	CHECK(!guard_glob_match(".ai/approvals/**", ".ai/plans/x.md"));
	CHECK(guard_glob_match("a/**/b", "a/b"));
	CHECK(guard_glob_match("a/**/b", "a/x/y/b"));
}

TEST(glob_classes_braces_escapes)
{
	CHECK(guard_glob_match("file[0-9].txt", "file7.txt"));
	CHECK(!guard_glob_match("file[!0-9].txt", "file7.txt"));
	CHECK(guard_glob_match("*.{yml,yaml}", "x.yaml"));
	CHECK(guard_glob_match("*.{yml,yaml}", "x.yml"));
	CHECK(!guard_glob_match("*.{yml,yaml}", "x.json"));
	CHECK(guard_glob_match("a\\*b", "a*b"));
	CHECK(!guard_glob_match("a\\*b", "axb"));
	CHECK(guard_glob_match("?", "x"));
	CHECK(!guard_glob_match("?", "/"));
	CHECK(guard_glob_match("[", "["));
}

TEST(glob_path_rules)
{
	CHECK(guard_glob_match_path("*.pem", "keys/a.pem", "/home/u"));
	CHECK(guard_glob_match_path("*.pem", "/etc/ssl/a.pem", "/home/u"));
	CHECK(guard_glob_match_path("~/.ssh/**", "/home/u/.ssh/id_rsa", "/home/u"));
	CHECK(!guard_glob_match_path("~/.ssh/**", "/home/uu/.ssh/id_rsa", "/home/u"));
	CHECK(!guard_glob_match_path("~/.ssh/**", ".ssh/id_rsa", "/home/u"));
	CHECK(guard_glob_match_path("~", "/home/u", "/home/u/"));
	CHECK(!guard_glob_match_path("~/x", "/home/u/x", NULL));
	CHECK(guard_glob_match_path(".claude/settings*.json", ".claude/settings.local.json", "/h"));
}

TEST(path_resolve_lexical_and_symlinks)
{
	char *a = guard_path_resolve("/x/y", "../z/./w", NULL);
	CHECK_STR(a, "/x/z/w");
	free(a);
	a = guard_path_resolve("/x", "~/k", "/home/u");
	CHECK_STR(a, "/home/u/k");
	free(a);
	a = guard_path_resolve("/x", "/../../etc", NULL);
	CHECK_STR(a, "/etc");
	free(a);

	char *dir = tmp_path("real"), *link = tmp_path("link");
	mkdir(dir, 0755);
	CHECK(symlink(dir, link) == 0);
	char *r = guard_path_resolve(tmpdir, "link/new/file", NULL);
	char *canon = realpath(dir, NULL);
	char *want = guard_xasprintf("%s/new/file", canon);
	CHECK_STR(r, want);
	free(r), free(want), free(canon), free(dir), free(link);
}

/* The answer guard_path_resolve gave before issue 11: realpath(3) of the longest existing prefix, the rest appended. */
static char *
resolve_by_prefix(const char *abs)
{
	char *p = guard_xstrdup(abs), *r = NULL;
	size_t n = strlen(p);

	for (;;) {
		char saved = p[n];
		p[n] = '\0';
		r = realpath(n ? p : "/", NULL);
		p[n] = saved;
		if (r || !n)
			break;
		while (n && p[n - 1] != '/')
			n--;
		if (n)
			n--;
	}
	char *out = guard_xasprintf("%s%s", r && strcmp(r, "/") ? r : "", p + n);
	free(r);
	free(p);
	return out;
}

TEST(path_resolve_through_the_folder_same_answers)
{
	char *real = tmp_path("rf"), *sub = tmp_path("rf/sub"), *file = tmp_path("rf/sub/f.c");
	char *dlink = tmp_path("dl"), *flink = tmp_path("rf/fl"), *dangling = tmp_path("rf/dangling");
	char *chain = tmp_path("rf/chain"), *rel = tmp_path("rf/sub/rel");
	struct guard_buf deep = GUARD_BUF_INIT, deeplink = GUARD_BUF_INIT;
	struct guard_list names = GUARD_LIST_INIT;
	const char *fixed[] = { "rf/sub/f.c", "dl/sub/f.c", "dl/sub/new.c", "rf/fl", "dl/fl", "rf/dangling",
				"rf/dangling/x", "rf/chain", "rf/sub/rel", "dl/sub/rel", "rf/sub/f.c/x", "rf/sub",
				"dl/sub", "dl", "rf/missing/deeper/x.c", "dl/sub/../fl", NULL };

	mkdir(real, 0755), mkdir(sub, 0755);
	int fd = open(file, O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK(symlink(real, dlink) == 0);
	CHECK(symlink(file, flink) == 0);
	CHECK(symlink("/nonexistent/target", dangling) == 0);
	CHECK(symlink(flink, chain) == 0);
	CHECK(symlink("../fl", rel) == 0);
	/* folders deeper than the walk through them (LEAF_DEPTH), a symlink at the bottom */
	guard_buf_addf(&deep, "%s/rf/sub", tmpdir);
	for (int i = 0; i < 70; i++) {
		guard_buf_addstr(&deep, "/x");
		mkdir(deep.buf, 0755);
	}
	guard_buf_addf(&deeplink, "%s/l", deep.buf);
	CHECK(symlink(file, deeplink.buf) == 0);
	for (const char **n = fixed; *n; n++)
		guard_list_add(&names, *n);
	guard_list_add(&names, deeplink.buf + strlen(tmpdir) + 1);
	guard_list_add(&names, deep.buf + strlen(tmpdir) + 1);
	guard_buf_addstr(&deep, "/new/file.c");
	guard_list_add(&names, deep.buf + strlen(tmpdir) + 1);
	guard_list_add(&names, "dl/sub/x/x/x/x/x/x/x/x");
	for (size_t i = 0; i < names.len; i++) {
		char *lex = guard_path_lexical(tmpdir, names.items[i], NULL), *want = resolve_by_prefix(lex);
		char *got = guard_path_resolve(tmpdir, names.items[i], NULL);
		if (strcmp(got, want))
			printf("# %s: got %s, want %s\n", names.items[i], got, want);
		CHECK_STR(got, want);
		free(got), free(want), free(lex);
	}
	guard_list_clear(&names);
	guard_buf_release(&deep), guard_buf_release(&deeplink);
	free(real), free(sub), free(file), free(dlink), free(flink), free(dangling), free(chain), free(rel);
}

TEST(path_physical_dotdot_after_symlink)
{
	/* tmp/proj/src/l -> ../src: "src/l/../x" is proj/x for the kernel, proj/src/x as text */
	char *proj = tmp_path("phys"), *src = guard_xasprintf("%s/src", proj), *l = guard_xasprintf("%s/l", src);
	mkdir(proj, 0755);
	mkdir(src, 0755);
	CHECK(symlink("../src", l) == 0);
	char *canon = realpath(proj, NULL);
	char *p = guard_path_physical(proj, "src/l/../.ai/policy.yaml", NULL);
	char *want = guard_xasprintf("%s/.ai/policy.yaml", canon);
	CHECK_STR(p, want);
	free(p), free(want);
	char *lex = guard_path_resolve(proj, "src/l/../.ai/policy.yaml", NULL);
	want = guard_xasprintf("%s/src/.ai/policy.yaml", canon);
	CHECK_STR(lex, want);
	free(lex), free(want);
	/* a missing component: the rest is text, as guard_path_resolve */
	p = guard_path_physical(proj, "nothere/../src/./y", NULL);
	want = guard_xasprintf("%s/src/y", canon);
	CHECK_STR(p, want);
	free(p), free(want);
	p = guard_path_physical("/x", "~/k/../j", "/nonexistent-home");
	CHECK_STR(p, "/nonexistent-home/j");
	free(p);
	p = guard_path_physical("/", "/", NULL);
	CHECK_STR(p, "/");
	free(p);
	free(canon), free(proj), free(src), free(l);
}

TEST(path_inside_and_display)
{
	CHECK(guard_path_inside("/p", "/p"));
	CHECK(guard_path_inside("/p", "/p/a"));
	CHECK(!guard_path_inside("/p", "/pa"));
	CHECK(!guard_path_inside("/p", "/"));
	CHECK(guard_path_inside("/", "/etc"));
	char *d = guard_path_display("/p", "/p/a/b");
	CHECK_STR(d, "a/b");
	free(d);
	d = guard_path_display("/p", "/p");
	CHECK_STR(d, ".");
	free(d);
	d = guard_path_display("/p", "/etc/passwd");
	CHECK_STR(d, "/etc/passwd");
	free(d);
}

TEST(project_root_walks_up)
{
	char *proj = tmp_path("proj"), *git = tmp_path("proj/.git"), *deep = tmp_path("proj/a/b");
	char *root = NULL;
	mkdir(proj, 0755);
	mkdir(git, 0755);
	guard_mkdirs(deep, 0755);
	unsetenv("GUARD_DIR");
	CHECK(guard_project_root(deep, &root) == 0);
	char *canon = realpath(proj, NULL);
	CHECK_STR(root, canon);
	free(root);
	setenv("GUARD_DIR", deep, 1);
	CHECK(guard_project_root("/", &root) == 0);
	char *cdeep = realpath(deep, NULL);
	CHECK_STR(root, cdeep);
	unsetenv("GUARD_DIR");
	free(root), free(canon), free(cdeep), free(proj), free(git), free(deep);
}

TEST(duration_parse)
{
	long long s;
	CHECK(guard_duration_parse("15m", &s) == 0 && s == 900);
	CHECK(guard_duration_parse("4h", &s) == 0 && s == 14400);
	CHECK(guard_duration_parse("1h30m", &s) == 0 && s == 5400);
	CHECK(guard_duration_parse("90", &s) == 0 && s == 90);
	CHECK(guard_duration_parse("2d", &s) == 0 && s == 172800);
	CHECK(guard_duration_parse("", &s) == GUARD_EUSAGE);
	CHECK(guard_duration_parse("-5m", &s) == GUARD_EUSAGE);
	CHECK(guard_duration_parse("5x", &s) == GUARD_EUSAGE);
	CHECK(guard_duration_parse("m", &s) == GUARD_EUSAGE);
	CHECK(guard_duration_parse("99999999999999999999h", &s) == GUARD_EUSAGE);
	char buf[32];
	guard_duration_format(5400, buf, sizeof(buf));
	CHECK_STR(buf, "1h30m");
	guard_duration_format(0, buf, sizeof(buf));
	CHECK_STR(buf, "0s");
}

TEST(time_format_and_parse)
{
	struct timespec ts = { 1795230245, 678000000 }, back;
	char buf[GUARD_TIME_LEN];
	guard_time_format(&ts, buf);
	CHECK_STR(buf, "2026-11-21T03:04:05.678Z");
	CHECK(guard_time_parse(buf, &back) == 0 && back.tv_sec == ts.tv_sec && back.tv_nsec == ts.tv_nsec);
	CHECK(guard_time_parse("2026-11-21T05:04:05+02:00", &back) == 0 && back.tv_sec == 1795230245);
	CHECK(guard_time_parse("2026-11-21", &back) == GUARD_EUSAGE);
	/* the hand-made date (no tzset) agrees with gmtime_r, leap days and centuries included */
	for (long long t = -86400LL * 365; t < 4102444800LL; t += 86400LL * 7 + 3599) {
		struct timespec at = { (time_t)t, 0 };
		struct tm tm;
		char want[64];
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		guard_time_format(&at, buf);
		if (strcmp(buf, want)) {
			CHECK(!strcmp(buf, want));
			break;
		}
	}
	struct timespec leap = { 951782400, 5000000 }; /* 2000-02-29 */
	guard_time_format(&leap, buf);
	CHECK(!strcmp(buf, "2000-02-29T00:00:00.005Z"));
	CHECK(guard_time_parse("2026-13-21T03:04:05Z", &back) == GUARD_EUSAGE);
	CHECK(guard_time_parse("2026-11-21T03:04:05", &back) == GUARD_EUSAGE);
	guard_time_now(buf);
	CHECK(strlen(buf) == 24 && buf[23] == 'Z');
}

/* The calendar arithmetic agrees with timegm(3) across centuries, leap days and days past a month's end. */
TEST(time_parse_agrees_with_timegm)
{
	static const int years[] = { 1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999 };
	int bad = 0;

	for (size_t yi = 0; yi < sizeof(years) / sizeof(years[0]); yi++)
		for (int mo = 1; mo <= 12; mo++)
			for (int d = 1; d <= 31; d++) {
				struct tm tm = { .tm_year = years[yi] - 1900, .tm_mon = mo - 1, .tm_mday = d,
						 .tm_hour = 23, .tm_min = 59, .tm_sec = 60 };
				struct timespec got;
				char s[40];
				snprintf(s, sizeof(s), "%04d-%02d-%02dT23:59:60Z", years[yi], mo, d);
				if (guard_time_parse(s, &got) < 0 || got.tv_sec != timegm(&tm))
					bad++;
			}
	CHECK(bad == 0);
}

TEST(sha256_and_canonical_json)
{
	char hex[GUARD_SHA256_HEX];
	guard_sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cJSON *a = cJSON_Parse("{\"b\":[1,{\"z\":null,\"a\":\"x\\\"y\"}],\"a\":true}");
	char *c = guard_json_canonical(a);
	CHECK_STR(c, "{\"a\":true,\"b\":[1,{\"a\":\"x\\\"y\",\"z\":null}]}");
	free(c);
	cJSON_Delete(a);
}

TEST(canonical_json_agrees_with_cjson)
{
	/* Without objects to sort, canonical must be byte-identical to cJSON's. */
	const char *docs[] = {
		"[1,-2,3.5,1e300,0.1,12345678901,-0.0,true,false,null]",
		"[\"tab\\there\",\"q\\\"uote\",\"back\\\\slash\",\"ctl\\u0001\",\"caf\u00e9\",\"nl\\n\"]",
		"[[],{},[[1]],\"\"]",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cJSON *j = cJSON_Parse(docs[i]);
		CHECK(j != NULL);
		char *ours = guard_json_canonical(j), *theirs = cJSON_PrintUnformatted(j);
		CHECK_STR(ours, theirs);
		free(ours);
		cJSON_free(theirs);
		cJSON_Delete(j);
	}
}

TEST(canonical_json_escapes_anywhere)
{
	/* An escape at every offset of a string, against cJSON's own printing; runs longer than eight bytes. */
	const char *specials[] = { "\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9", "/" };
	char s[64];
	for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
		for (size_t at = 0; at < 20; at++) {
			memset(s, 'a', at);
			snprintf(s + at, sizeof(s) - at, "%sbbbbbbbbbbbbbbbbb\x02z", specials[k]);
			cJSON *j = cJSON_CreateArray();
			cJSON_AddItemToArray(j, cJSON_CreateString(s));
			char *ours = guard_json_canonical(j), *theirs = cJSON_PrintUnformatted(j);
			CHECK_STR(ours, theirs);
			free(ours);
			cJSON_free(theirs);
			cJSON_Delete(j);
		}
	}
	/* More members than the printer sorts on its stack: the same order. */
	cJSON *o = cJSON_CreateObject();
	for (int i = 39; i >= 0; i--) {
		char key[16];
		snprintf(key, sizeof(key), "k%02d", i);
		cJSON_AddNumberToObject(o, key, i);
	}
	char *c = guard_json_canonical(o);
	CHECK(!strncmp(c, "{\"k00\":0,\"k01\":1,", sizeof("{\"k00\":0,\"k01\":1,") - 1));
	CHECK(strstr(c, "\"k38\":38,\"k39\":39}") != NULL);
	free(c);
	cJSON_Delete(o);
	/* Keys that differ past their first byte, and one that is a prefix of another. */
	o = cJSON_Parse("{\"ab\":1,\"a\":2,\"aa\":3,\"\\u00e9\":4,\"B\":5}");
	c = guard_json_canonical(o);
	CHECK_STR(c, "{\"B\":5,\"a\":2,\"aa\":3,\"ab\":1,\"\u00e9\":4}");
	free(c);
	cJSON_Delete(o);
	/* Hex as sodium_bin2hex writes it. */
	unsigned char bin[3] = { 0x00, 0xab, 0xff };
	char hex[7];
	guard_hex(hex, bin, sizeof(bin));
	CHECK_STR(hex, "00abff");
}

TEST(pretty_json_for_committed_files)
{
	cJSON *j = cJSON_Parse("{\"b\":[1,{\"y\":{},\"x\":[]}],\"a\":\"s\"}");
	char *p = guard_json_pretty(j, 0);
	CHECK_STR(p, "{\n  \"b\": [\n    1,\n    {\n      \"y\": {},\n      \"x\": []\n    }\n  ],\n  \"a\": \"s\"\n}\n");
	free(p);
	p = guard_json_pretty(j, 1);
	CHECK(!strncmp(p, "{\n  \"a\": \"s\",", 13));
	cJSON *back = cJSON_Parse(p);
	CHECK(cJSON_Compare(j, back, 1));
	cJSON_Delete(back);
	free(p);
	cJSON_Delete(j);
}

TEST(levels_and_effects)
{
	enum guard_level l;
	enum guard_effect e;
	CHECK(guard_level_parse("high", &l) == 0 && l == GUARD_LEVEL_HIGH);
	CHECK(guard_level_parse("severe", &l) == GUARD_EUSAGE);
	CHECK(strstr(guard_error_last(), "severe") != NULL);
	CHECK(guard_effect_parse("ask", &e) == 0 && e == GUARD_EFFECT_ASK);
	CHECK_STR(guard_level_name(GUARD_LEVEL_CRITICAL), "critical");
	CHECK_STR(guard_effect_name(GUARD_EFFECT_DENY), "deny");
}

TEST(buf_grows_and_formats)
{
	struct guard_buf b = GUARD_BUF_INIT;
	CHECK_STR(b.buf, "");
	for (int i = 0; i < 1000; i++)
		guard_buf_addf(&b, "%d,", i);
	CHECK(b.len == strlen(b.buf));
	CHECK(!strncmp(b.buf, "0,1,2,", 6));
	char *s = guard_buf_detach(&b);
	CHECK_STR(b.buf, "");
	free(s);
}

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

/* The prelude's strcmp/strncmp (first bytes inline) give libc's sign on every pair, high bytes and prefixes too. */
TEST(strcmp_inline_agrees_with_libc)
{
	static const char *const s[] = { "", "a", "b", "ab", "abc", "abd", "-c", "--pager", "\x01", "\xff", "\xff\x01",
					 "\x7f", "\x80", "git", "gitk", NULL };
	for (size_t i = 0; s[i]; i++)
		for (size_t j = 0; s[j]; j++) {
			CHECK(sign(strcmp(s[i], s[j])) == sign((strcmp)(s[i], s[j])));
			for (size_t n = 0; n < 5; n++)
				CHECK(sign(strncmp(s[i], s[j], n)) == sign((strncmp)(s[i], s[j], n)));
		}
	/* each argument once: a side effect happens once */
	const char *p = s[2];
	CHECK(strcmp(p++, "b") == 0 && p == s[2] + 1);
}

/* guard_json_get answers as cJSON_GetObjectItemCaseSensitive: the first member of the name, none for arrays or NULL. */
TEST(json_get_as_cjson)
{
	cJSON *o = cJSON_Parse("{\"tool\":1,\"ts\":2,\"tool_use_id\":3,\"t\":4,\"\":5,\"input\":{\"command\":\"ls\"}}");
	static const char *const keys[] = { "tool", "ts", "tool_use_id", "t", "", "input", "to", "tools", "x", NULL };
	CHECK(o);
	for (size_t i = 0; keys[i]; i++)
		CHECK(guard_json_get(o, keys[i]) == cJSON_GetObjectItemCaseSensitive(o, keys[i]));
	CHECK(guard_json_get(guard_json_get(o, "input"), "command") != NULL);
	CHECK(!guard_json_get(NULL, "tool") && !guard_json_get(o, NULL));
	cJSON *a = cJSON_Parse("[1,2]");
	CHECK(!guard_json_get(a, "tool") && !cJSON_GetObjectItemCaseSensitive(a, "tool"));
	cJSON_Delete(a);
	cJSON_Delete(o);
}

static size_t dropped;

static void
count_drop(void *slot)
{
	CHECK(*(int *)slot == 7 || *(int *)slot == 0);
	dropped++;
}

/* A memory table starts small, grows four times over after more than twice its slots were written, up to max. */
TEST(table_grows_with_its_writes)
{
	struct guard_table t = { 0, 0 };
	int *tab = guard_table_ready(NULL, &t, sizeof(int), 64, 1024, count_drop);
	CHECK(tab && t.n == 64 && dropped == 0);
	for (size_t i = 0; i < 128; i++, t.writes++)
		tab[i % t.n] = 7;
	CHECK(guard_table_ready(tab, &t, sizeof(int), 64, 1024, count_drop) == tab); /* 128 writes: not more than 2n */
	t.writes++;
	int *bigger = guard_table_ready(tab, &t, sizeof(int), 64, 1024, count_drop);
	CHECK(bigger != tab && t.n == 256 && t.writes == 0 && dropped == 64);
	for (size_t i = 0; i < t.n; i++)
		CHECK(bigger[i] == 0); /* a new table holds nothing */
	t.writes = 10000;
	bigger = guard_table_ready(bigger, &t, sizeof(int), 64, 1024, count_drop);
	CHECK(t.n == 1024);
	t.writes = 10000;
	CHECK(guard_table_ready(bigger, &t, sizeof(int), 64, 1024, count_drop) == bigger && t.n == 1024); /* at max */
}

/* A short text is printed on the stack first: every length around that buffer's size, alone and appended. */
TEST(buf_formats_around_the_stack_buffer)
{
	char text[1100];

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (size_t n = 250; n < 262; n++) {
		char *s = guard_xasprintf("%.*s", (int)n, text);
		CHECK(strlen(s) == n && !strncmp(s, text, n));
		free(s);
		/* appended after a few bytes, and to a buffer with a little room left */
		struct guard_buf b = GUARD_BUF_INIT;
		guard_buf_addstr(&b, "ab");
		guard_buf_addf(&b, "%.*s|%d", (int)n, text, 7);
		CHECK(b.len == n + 4 && b.len == strlen(b.buf) && !strncmp(b.buf, "ab", 2) && !strcmp(b.buf + 2 + n, "|7"));
		guard_buf_addf(&b, "%s", "");
		CHECK(b.len == n + 4);
		guard_buf_addf(&b, "%.*s", (int)n, text);
		CHECK(b.len == 2 * n + 4 && b.len == strlen(b.buf));
		guard_buf_release(&b);
	}
	char *big = guard_xasprintf("%s-%s", text, text);
	CHECK(strlen(big) == 2 * (sizeof(text) - 1) + 1 && big[sizeof(text) - 1] == '-');
	free(big);
	char *empty = guard_xasprintf("%s", "");
	CHECK_STR(empty, "");
	free(empty);
}

/* The formats added without vsnprintf write what snprintf writes; the others (and a NULL string) still go to it. */
TEST(buf_plain_formats_agree_with_snprintf)
{
	char want[512];
	const char *abc = "abc";
	int ints[] = { 0, 7, -1, 42, -2147483647 - 1, 2147483647 };

	for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
		char *s = guard_xasprintf("%d|%zu|%c%%%s", ints[i], (size_t)ints[i], 'q', "x");
		snprintf(want, sizeof(want), "%d|%zu|%c%%%s", ints[i], (size_t)ints[i], 'q', "x");
		CHECK_STR(s, want);
		free(s);
	}
	for (int prec = -2; prec < 5; prec++) {
		char *s = guard_xasprintf("<%.*s>%s", prec, abc, "/");
		snprintf(want, sizeof(want), "<%.*s>%s", prec, abc, "/");
		CHECK_STR(s, want);
		free(s);
	}
	struct guard_buf b = GUARD_BUF_INIT;
	guard_buf_addstr(&b, "ab");
	guard_buf_addf(&b, "%s|%5s|%ld", "x", "y", 3L); /* a width and a long: vsnprintf's, after a plain start */
	CHECK_STR(b.buf, "ab" "x|    y|3");
	const char *volatile none = NULL; /* unknown to the compiler: it warns of a NULL %s */
	guard_buf_addf(&b, "[%s]", none);
	snprintf(want, sizeof(want), "ab" "x|    y|3[%s]", none);
	CHECK_STR(b.buf, want);
	guard_buf_release(&b);
	guard_buf_addf(&b, "%c", 0); /* a NUL byte is written and counted, as vsnprintf does */
	CHECK(b.len == 1 && b.buf[0] == '\0');
	guard_buf_release(&b);
}

/* ".", "..", "//" and trailing slashes removed lexically; ".." never climbs above the root. */
TEST(path_lexical_forms)
{
	static const struct { const char *base, *path, *want; } cases[] = {
		{ "/", "a/b/../c", "/a/c" },
		{ "/x", "..", "/" },
		{ "/x", "../..", "/" },
		{ "/", "/a//b/./c/", "/a/b/c" },
		{ NULL, "a", "/a" },
		{ "/a", "", "/a" },
		{ "/", "/..", "/" },
		{ "/", "/", "/" },
		{ "/a/b", "../../../c/..", "/" },
		{ "/a/b", "./../b2/./x//", "/a/b2/x" },
		{ "//a///b", "c", "/a/b/c" },
		{ "/a", "...", "/a/..." },
		{ "/a", "..x/.y", "/a/..x/.y" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = guard_path_lexical(cases[i].base, cases[i].path, NULL);
		if (strcmp(got, cases[i].want)) {
			printf("#   lexical(%s, %s) is %s, want %s\n", cases[i].base ? cases[i].base : "NULL", cases[i].path, got,
			       cases[i].want);
			unit_current_failed = 1;
		}
		free(got);
	}
	char *h = guard_path_lexical("/x", "~/y/../z", "/home/u");
	CHECK_STR(h, "/home/u/z");
	free(h);
	/* long inputs: 2,000 "x/../" pairs, then 600 names kept */
	struct guard_buf b = GUARD_BUF_INIT, want = GUARD_BUF_INIT;
	for (int i = 0; i < 2000; i++)
		guard_buf_addstr(&b, "x/../");
	for (int i = 0; i < 600; i++) {
		guard_buf_addstr(&b, "seg/");
		guard_buf_addstr(&want, "/seg");
	}
	char *longp = guard_path_lexical("/base", b.buf, NULL);
	CHECK(!strncmp(longp, "/base/seg/", 10) && !strcmp(longp + 5, want.buf));
	free(longp);
	guard_buf_release(&b);
	guard_buf_release(&want);
}

TEST(file_atomic_write_and_bounded_read)
{
	char *p = tmp_path("state.json"), *out;
	size_t len;
	CHECK(guard_file_write_atomic(p, "one", 3, 0600) == 0);
	CHECK(guard_file_write_atomic(p, "two!", 4, 0600) == 0);
	CHECK(guard_file_read(p, 100, 1, &out, &len) == 0 && len == 4 && !strcmp(out, "two!"));
	free(out);
	CHECK(guard_file_read(p, 2, 1, &out, &len) == GUARD_EUSAGE);
	char *missing = tmp_path("nope");
	CHECK(guard_file_read(missing, 100, 1, &out, &len) == GUARD_ENOTFOUND);
	char *link = tmp_path("state.link");
	CHECK(symlink(p, link) == 0);
	CHECK(guard_file_read(link, 100, 1, &out, &len) == GUARD_EIO);
	CHECK(strstr(guard_error_last(), "symbolic link") != NULL);
	struct stat st;
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
	char *ro = tmp_path("ro");
	mkdir(ro, 0500);
	char *inro = guard_xasprintf("%s/x", ro);
	if (geteuid() != 0)
		CHECK(guard_file_write_atomic(inro, "x", 1, 0600) == GUARD_EIO);
	free(p), free(missing), free(link), free(ro), free(inro);
}

TEST(file_atomic_write_survives_sigkill)
{
	/* A writer killed at any point leaves the old or the new content. */
	char *p = tmp_path("torn.json");
	static char big[1 << 20];
	memset(big, 'n', sizeof(big));
	CHECK(guard_file_write_atomic(p, "old", 3, 0644) == 0);
	for (int round = 0; round < 20; round++) {
		pid_t pid = fork();
		if (pid == 0) {
			for (;;)
				guard_file_write_atomic(p, big, sizeof(big), 0644);
		}
		usleep(1000 + round * 500);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		char *out;
		size_t len;
		CHECK(guard_file_read(p, sizeof(big), 1, &out, &len) == 0);
		CHECK((len == 3 && !memcmp(out, "old", 3)) ||
		      (len == sizeof(big) && !memcmp(out, big, len)));
		free(out);
	}
	free(p);
}

TEST(lock_times_out_when_held)
{
	char *p = tmp_path("lock");
	int fd1, fd2;
	CHECK(guard_lock_acquire(p, 100, &fd1) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		int f;
		_exit(guard_lock_acquire(p, 50, &f) == GUARD_EEXPIRED ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	guard_lock_release(fd1);
	CHECK(guard_lock_acquire(p, 50, &fd2) == 0);
	guard_lock_release(fd2);
	free(p);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* State lives in git's common folder: a repo, a linked worktree, no git. */
TEST(state_dir_in_git_common_dir)
{
	char *repo = tmp_path("staterepo"), *wt = tmp_path("statewt"), *plain = tmp_path("stateplain");
	char *dotgit = guard_xasprintf("%s/.git", repo), *wtgit = guard_xasprintf("%s/.git/worktrees/wt", repo);
	char *out = NULL;

	CHECK(guard_mkdirs(wtgit, 0755) == 0);
	CHECK(guard_mkdirs(wt, 0755) == 0);
	CHECK(guard_mkdirs(plain, 0755) == 0);
	CHECK(guard_state_dir(repo, false, &out) == 0);
	char *want = guard_xasprintf("%s/.git/guard", repo);
	CHECK_STR(out, want);
	free(out);

	/* a worktree: .git is a file naming its gitdir, whose commondir is ../.. */
	char *wtfile = guard_xasprintf("%s/.git", wt), *line = guard_xasprintf("gitdir: %s\n", wtgit);
	char *cd = guard_xasprintf("%s/commondir", wtgit);
	write_text(wtfile, line);
	write_text(cd, "../..\n");
	CHECK(guard_state_dir(wt, true, &out) == 0);
	CHECK_STR(out, want);
	struct stat st;
	CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	free(out);

	CHECK(guard_state_dir(plain, false, &out) == 0);
	char *want2 = guard_xasprintf("%s/.ai/state", plain);
	CHECK_STR(out, want2);
	free(out);

	/* a file where the folder should be is an error, not a silent pass */
	char *bad = guard_xasprintf("%s/.ai", plain);
	CHECK(guard_mkdirs(bad, 0755) == 0);
	write_text(want2, "x");
	CHECK(guard_state_dir(plain, true, &out) == GUARD_EIO && !out);
	free(bad), free(want2), free(cd), free(line), free(wtfile), free(want);
	free(repo), free(wt), free(plain), free(dotgit), free(wtgit);
}

static int verb_calls, verb_argc;

static int
verb_ok(int argc, char **argv)
{
	verb_calls++;
	verb_argc = argc;
	return strcmp(argv[0], "ok") ? GUARD_EUSAGE : 0;
}

static int
verb_pending(int argc, char **argv)
{
	(void)argc, (void)argv;
	return GUARD_EPENDING;
}

/* One table, one dispatch: the verb's own argv, exit statuses from return codes. */
TEST(cli_dispatch_runs_the_table)
{
	static const struct cli_command cmds[] = {
		{ "ok", verb_ok, 0, "[ARG]", "succeeds" },
		{ "wait", verb_pending, CLI_HUMAN, "", "still pending" },
		{ NULL, NULL, 0, NULL, NULL },
	};
	char *ok[] = { "prog", "ok", "a", "b", NULL }, *wait[] = { "prog", "wait", NULL };
	char *bad[] = { "prog", "nope", NULL }, *none[] = { "prog", NULL };
	char *help[] = { "prog", "ok", "x", "--help", NULL }, *after[] = { "prog", "ok", "--", "--help", NULL };

	cli_init("prog");
	CHECK(cli_dispatch(cmds, NULL, 4, ok) == 0 && verb_calls == 1 && verb_argc == 3);
	CHECK(cli_dispatch(cmds, NULL, 2, wait) == GUARD_EXIT_PENDING);
	CHECK(cli_dispatch(cmds, NULL, 2, bad) == GUARD_EXIT_USAGE && verb_calls == 1);
	CHECK(cli_dispatch(cmds, NULL, 1, none) == GUARD_EXIT_USAGE);
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w");
	CHECK(cli_dispatch(cmds, NULL, 4, help) == 0 && verb_calls == 1); /* per-verb help, verb not run */
	fclose(stdout);
	stdout = saved;
	CHECK(cli_dispatch(cmds, NULL, 4, after) == 0 && verb_calls == 2); /* "--" ends the options */
}

/* attack8 I3: the text lines of a file git calls binary, for LOC budgets */
TEST(text_lines_in_binary_files)
{
	struct guard_buf b = GUARD_BUF_INIT;
	static const char code[] = "/* \0 */\nint a = 1;\nint b = 2; /*\0*/\n\xc3\xa9t\xc3\xa9 = 3;\nx\n";

	/* the NUL hides nothing: 4 lines hold text (the short "x" does not count) */
	CHECK(guard_text_lines(code, sizeof(code) - 1, &b) == 4);
	CHECK_STR(b.buf, "/*  */\nint a = 1;\nint b = 2; /**/\n\xc3\xa9t\xc3\xa9 = 3;\n");
	CHECK(guard_text_lines(code, sizeof(code) - 1, NULL) == 4);
	/* a last line without a newline counts; an empty input has none */
	CHECK(guard_text_lines("abcd", 4, NULL) == 1);
	CHECK(guard_text_lines(NULL, 0, NULL) == 0);
	/* more than a fifth of a line not text: not a line (invalid UTF-8 is not text either) */
	CHECK(guard_text_lines("abcd\x01\x02\n", 7, NULL) == 0);
	CHECK(guard_text_lines("abcdefgh\x01\x02\n", 11, NULL) == 1);
	CHECK(guard_text_lines("abcd\xc3\x28\xff\n", 8, NULL) == 0);
	/* a bare CR ends a line, a CRLF's CR stays in it (attack9 J21) */
	b.len = 0;
	CHECK(guard_text_lines("\0int a;\rint b;\rint c;\r\n", 23, &b) == 3);
	CHECK_STR(b.buf, "int a;\nint b;\nint c;\r\n");
	/* 12 printable bytes in a row count, whatever junk follows (attack9 J21) */
	CHECK(guard_text_lines("int f(void);\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\n", 28, NULL) == 1);
	CHECK(guard_text_lines("int f(void)\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\n", 27, NULL) == 0);
	/* near-random bytes (a compressed picture) make almost no line: fixed LCG bytes, 64 KiB */
	char *noise = guard_xmalloc(65536);
	unsigned long x = 7;
	for (size_t i = 0; i < 65536; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		noise[i] = (char)(x >> 56);
	}
	CHECK(guard_text_lines(noise, 65536, NULL) <= 2);
	free(noise);
	guard_buf_release(&b);
}

/* ASCII text as UTF-16 (unit 2) or UTF-32 (unit 4), big or little endian, with a byte order mark or not */
static char *
widen(const char *ascii, size_t unit, bool big, bool bom, size_t *len)
{
	size_t n = strlen(ascii) + bom, o = 0;
	char *w = guard_xcalloc(n * unit + 1, 1);

	for (size_t i = 0; i < n; i++, o += unit) {
		unsigned c = bom && i == 0 ? 0xFEFF : (unsigned char)ascii[i - bom];
		for (size_t k = 0; k < unit; k++)
			w[o + (big ? unit - 1 - k : k)] = (char)(c >> (8 * k));
	}
	*len = o;
	return w;
}

/* Text saved as UTF-16/32 is decoded (attack8: a key in such a file was binary to every scan) */
TEST(text_wide_decoded)
{
	static const char text[] = "x = 1\nkey = \"AKIAQWERTYUIOPASDFGH\"\n";
	struct guard_buf b = GUARD_BUF_INIT;
	size_t len;

	for (size_t unit = 2; unit <= 4; unit += 2)
		for (int big = 0; big < 2; big++)
			for (int bom = 0; bom < 2; bom++) {
				char *w = widen(text, unit, big, bom, &len);
				CHECK(guard_text_wide_utf8(w, len, &b));
				CHECK_STR(b.buf, text);
				/* an odd last byte (a truncated file) is left out, the rest decoded */
				CHECK(guard_text_wide_utf8(w, len - 1, &b) && b.len == strlen(text) - 1);
				free(w);
			}
	/* with a mark, text without ASCII (no NUL at all) and text mixing scripts */
	CHECK(guard_text_wide_utf8("\xFF\xFE\x2D\x4E\x87\x65", 6, &b));
	CHECK_STR(b.buf, "\xE4\xB8\xAD\xE6\x96\x87");
	CHECK(guard_text_wide_utf8("k\0=\0\xE9\0\n\0", 8, &b));
	CHECK_STR(b.buf, "k=\xC3\xA9\n");
	/* what is no character (a lone surrogate) or no text (control characters) hides nothing after it */
	CHECK(guard_text_wide_utf8("\xFF\xFEk\0\x00\xD8=\0\x00\xDC", 10, &b));
	CHECK_STR(b.buf, "k\xEF\xBF\xBD=\xEF\xBF\xBD");
	CHECK(guard_text_wide_utf8("\x01\0\x02\0k\0=\0", 8, &b));
	CHECK_STR(b.buf, "\x01\x02k=");
	/* not such text: UTF-8, noise */
	CHECK(!guard_text_wide_utf8(text, strlen(text), &b) && b.len == 0);
	char *noise = guard_xmalloc(65536);
	unsigned long x = 7;
	for (size_t i = 0; i < 65536; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		noise[i] = (char)(i % 3 ? 0 : x >> 56); /* NULs, but in no UTF-16 pattern */
	}
	CHECK(!guard_text_wide_utf8(noise, 65536, &b));
	free(noise);
	CHECK(!guard_text_wide_utf8("", 0, &b) && !guard_text_wide_utf8("\xFF", 1, &b));
	guard_buf_release(&b);
}

/* guard doctor's check of the archives linked in (Makefile STATIC_GIT): a changed or missing one is named. */
TEST(linked_archives_changed_since_the_build)
{
	char *a = tmp_path("lib a.a"), *b = tmp_path("libb.a"), *gone = tmp_path("libgone.a");
	struct stat sa, sb;
	struct guard_list changed = GUARD_LIST_INIT;

	CHECK(guard_file_write_atomic(a, "archive a", 9, 0644) == 0);
	CHECK(guard_file_write_atomic(b, "archive b!", 10, 0644) == 0);
	CHECK(stat(a, &sa) == 0 && stat(b, &sb) == 0);
	char *record = guard_xasprintf("%s %lld %lld\n%s %lld %lld\n", a, (long long)sa.st_size,
				       (long long)sa.st_mtime, b, (long long)sb.st_size, (long long)sb.st_mtime);
	CHECK(guard_linked_changed(record, &changed) == 0);
	CHECK(changed.len == 0);
	CHECK(guard_linked_changed("", &changed) == 0);

	/* an update: the same size, another time (as dpkg leaves the package's times) */
	struct timespec ts[2] = { { 1700000000, 0 }, { 1700000000, 0 } };
	CHECK(utimensat(AT_FDCWD, b, ts, 0) == 0);
	CHECK(guard_linked_changed(record, &changed) == 1);
	CHECK(changed.len == 1 && strstr(changed.items[0], b) == changed.items[0]);
	CHECK(strstr(changed.items[0], "(the file of 2") != NULL); /* the build's time, as a date */
	guard_list_clear(&changed);

	/* another size, the same time */
	CHECK(guard_file_write_atomic(a, "archive a, longer", 17, 0644) == 0);
	CHECK(utimensat(AT_FDCWD, a, (struct timespec[2]){ { sa.st_mtime, 0 }, { sa.st_mtime, 0 } }, 0) == 0);
	CHECK(guard_linked_changed(record, &changed) == 2);
	guard_list_clear(&changed);

	/* missing */
	char *r2 = guard_xasprintf("%s 10 1700000000", gone);
	CHECK(guard_linked_changed(r2, &changed) == 1);
	guard_list_clear(&changed);

	/* a record the build did not write */
	CHECK(guard_linked_changed("libgit2.a 10 1700000000\n", &changed) < 0); /* not absolute */
	CHECK(guard_linked_changed("/usr/lib/libgit2.a 10\n", &changed) < 0);
	CHECK(guard_linked_changed("/usr/lib/libgit2.a ten 1700000000\n", &changed) < 0);
	CHECK(guard_linked_changed("/usr/lib/libgit2.a 10 17x\n", &changed) < 0);
	CHECK(strstr(guard_error_last(), "line 1") != NULL);
	CHECK(changed.len == 0);
	guard_error_clear();
	free(r2);
	free(record);
	free(a);
	free(b);
	free(gone);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/guard-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	RUN(glob_star_stays_in_segment);
	RUN(glob_double_star);
	RUN(glob_classes_braces_escapes);
	RUN(glob_path_rules);
	RUN(path_resolve_lexical_and_symlinks);
	RUN(path_resolve_through_the_folder_same_answers);
	RUN(path_physical_dotdot_after_symlink);
	RUN(path_inside_and_display);
	RUN(project_root_walks_up);
	RUN(duration_parse);
	RUN(time_format_and_parse);
	RUN(time_parse_agrees_with_timegm);
	RUN(sha256_and_canonical_json);
	RUN(canonical_json_agrees_with_cjson);
	RUN(canonical_json_escapes_anywhere);
	RUN(pretty_json_for_committed_files);
	RUN(levels_and_effects);
	RUN(buf_grows_and_formats);
	RUN(buf_formats_around_the_stack_buffer);
	RUN(buf_plain_formats_agree_with_snprintf);
	RUN(strcmp_inline_agrees_with_libc);
	RUN(table_grows_with_its_writes);
	RUN(json_get_as_cjson);
	RUN(path_lexical_forms);
	RUN(file_atomic_write_and_bounded_read);
	RUN(file_atomic_write_survives_sigkill);
	RUN(lock_times_out_when_held);
	RUN(state_dir_in_git_common_dir);
	RUN(cli_dispatch_runs_the_table);
	RUN(text_lines_in_binary_files);
	RUN(text_wide_decoded);
	RUN(linked_archives_changed_since_the_build);
	char *cmd = guard_xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	free(cmd);
	return unit_done();
}
