/* Unit tests: the YAML loader (guard_yaml.c). */
#include <time.h>

#include "unit.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_yaml.h"

static struct guard_yaml_doc doc;
static struct guard_list errors = GUARD_LIST_INIT;

/* Parse text; 0 or the error code. errors keeps the messages. */
static int
parse(const char *text)
{
	guard_list_clear(&errors);
	guard_yaml_release(&doc);
	return guard_yaml_parse(&doc, "t.yaml", text, strlen(text), &errors);
}

static bool
has_error(const char *needle)
{
	for (size_t i = 0; i < errors.len; i++)
		if (strstr(errors.items[i], needle))
			return true;
	return false;
}

TEST(yaml_scalars_resolve)
{
	const cJSON *v;

	CHECK(parse("a: true\nb: false\nc: ~\nd: null\ne:\nf: 42\ng: -1.5\nh: '42'\ni: \"true\"\nj: hello\n"
		    "k: 0x10\nl: 1e3\nm: yes\nn: |\n  block\n") == 0);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(doc.root, "a")));
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(doc.root, "b")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(doc.root, "c")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(doc.root, "d")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(doc.root, "e")));
	v = cJSON_GetObjectItem(doc.root, "f");
	CHECK(cJSON_IsNumber(v) && v->valuedouble == 42);
	v = cJSON_GetObjectItem(doc.root, "g");
	CHECK(cJSON_IsNumber(v) && v->valuedouble == -1.5);
	CHECK(cJSON_IsString(cJSON_GetObjectItem(doc.root, "h")));
	CHECK(cJSON_IsString(cJSON_GetObjectItem(doc.root, "i")));
	CHECK_STR(cJSON_GetObjectItem(doc.root, "j")->valuestring, "hello");
	CHECK(cJSON_GetObjectItem(doc.root, "k")->valuedouble == 16);
	CHECK(cJSON_GetObjectItem(doc.root, "l")->valuedouble == 1000);
	CHECK(cJSON_IsString(cJSON_GetObjectItem(doc.root, "m"))); /* YAML 1.2: yes is a string */
	CHECK_STR(cJSON_GetObjectItem(doc.root, "n")->valuestring, "block\n");
}

TEST(yaml_positions_of_keys_and_values)
{
	const cJSON *rules, *first, *effect;
	struct guard_yaml_mark m;

	CHECK(parse("version: 1\nrules:\n  - id: x\n    effect: deny\n") == 0);
	rules = cJSON_GetObjectItem(doc.root, "rules");
	first = cJSON_GetArrayItem(rules, 0);
	effect = cJSON_GetObjectItem(first, "effect");
	m = guard_yaml_key_mark(&doc, effect);
	CHECK(m.line == 4 && m.col == 5);
	m = guard_yaml_value_mark(&doc, effect);
	CHECK(m.line == 4 && m.col == 13);
	m = guard_yaml_value_mark(&doc, first);
	CHECK(m.line == 3 && m.col == 5);
	guard_yaml_error(&doc, effect, false, &errors, "bad %s", "thing");
	CHECK(has_error("t.yaml:4:13: bad thing"));
}

TEST(yaml_syntax_error_has_line_and_column)
{
	CHECK(parse("a: 1\nb: [1, 2\nc: 3\n") == GUARD_EPOLICY);
	CHECK(errors.len == 1);
	CHECK(has_error("t.yaml:3:"));
	CHECK(has_error("flow sequence"));
	CHECK(doc.root == NULL);
	CHECK(parse("a: b: c\n") == GUARD_EPOLICY);
	CHECK(has_error("t.yaml:1:5: mapping values are not allowed"));
}

TEST(yaml_duplicate_keys_all_reported)
{
	CHECK(parse("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n") == GUARD_EPOLICY);
	CHECK(errors.len == 2);
	CHECK(has_error("t.yaml:4:3: duplicate key 'c' (first at line 3)"));
	CHECK(has_error("t.yaml:5:1: duplicate key 'a' (first at line 1)"));
}

TEST(yaml_one_document_only)
{
	CHECK(parse("a: 1\n---\nb: 2\n") == GUARD_EPOLICY);
	CHECK(has_error("t.yaml:2:1:"));
	CHECK(has_error("one document"));
}

TEST(yaml_empty_document_is_null)
{
	CHECK(parse("# only a comment\n") == 0);
	CHECK(cJSON_IsNull(doc.root));
	CHECK(parse("") == 0);
	CHECK(cJSON_IsNull(doc.root));
}

TEST(yaml_aliases_expand)
{
	CHECK(parse("base: &b {x: 1, y: [a, b]}\ncopy: *b\n") == 0);
	CHECK(cJSON_Compare(cJSON_GetObjectItem(doc.root, "base"), cJSON_GetObjectItem(doc.root, "copy"), 1));
	CHECK(guard_yaml_value_mark(&doc, cJSON_GetObjectItem(doc.root, "copy")).line == 2);
	CHECK(parse("a: *nope\n") == GUARD_EPOLICY);
	CHECK(has_error("unknown or unfinished anchor 'nope'"));
}

TEST(yaml_alias_bomb_refused_fast)
{
	const char *bomb =
		"a: &a [x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(parse(bomb) == GUARD_EPOLICY);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(has_error("alias bomb"));
	CHECK((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
}

TEST(yaml_alias_count_bounded)
{
	struct guard_buf b = GUARD_BUF_INIT;

	guard_buf_addstr(&b, "a: &a 1\nl:\n");
	for (int i = 0; i < GUARD_YAML_MAX_ALIASES + 1; i++)
		guard_buf_addstr(&b, "  - *a\n");
	CHECK(parse(b.buf) == GUARD_EPOLICY);
	CHECK(has_error("more than 64 aliases"));
	guard_buf_release(&b);
}

TEST(yaml_depth_bounded)
{
	struct guard_buf b = GUARD_BUF_INIT;

	guard_buf_addstr(&b, "a: ");
	for (int i = 0; i < 70; i++)
		guard_buf_addch(&b, '[');
	for (int i = 0; i < 70; i++)
		guard_buf_addch(&b, ']');
	CHECK(parse(b.buf) == GUARD_EPOLICY);
	CHECK(has_error("nesting deeper than 64 levels"));
	guard_buf_release(&b);
	/* 60 levels are fine */
	guard_buf_addstr(&b, "a: ");
	for (int i = 0; i < 60; i++)
		guard_buf_addch(&b, '[');
	for (int i = 0; i < 60; i++)
		guard_buf_addch(&b, ']');
	CHECK(parse(b.buf) == 0);
	guard_buf_release(&b);
}

TEST(yaml_size_bounded)
{
	size_t n = GUARD_YAML_MAX_BYTES + 10;
	char *big = guard_xmalloc(n + 1);

	memset(big, '#', n);
	big[n] = '\0';
	guard_list_clear(&errors);
	CHECK(guard_yaml_parse(&doc, "big.yaml", big, n, &errors) == GUARD_EPOLICY);
	CHECK(has_error("larger than"));
	free(big);
}

TEST(yaml_complex_keys_and_nul_refused)
{
	CHECK(parse("? [a, b]\n: 1\n") == GUARD_EPOLICY);
	CHECK(has_error("mapping key must be a plain value"));
	CHECK(parse("a: \"x\\0y\"\n") == GUARD_EPOLICY);
	CHECK(has_error("NUL"));
	CHECK(parse("a: !!python/object x\n") == GUARD_EPOLICY);
	CHECK(has_error("unsupported tag"));
}

TEST(yaml_missing_file)
{
	guard_list_clear(&errors);
	CHECK(guard_yaml_parse_file(&doc, "/nonexistent/x.yaml", &errors) == GUARD_ENOTFOUND);
	CHECK(errors.len == 0);
}

TEST(yaml_detach_transfers_ownership)
{
	cJSON *root;

	CHECK(parse("a: [1, 2]\n") == 0);
	root = guard_yaml_detach(&doc);
	CHECK(root && doc.root == NULL);
	cJSON_Delete(root);
}

int
main(void)
{
	guard_yaml_init(&doc);
	RUN(yaml_scalars_resolve);
	RUN(yaml_positions_of_keys_and_values);
	RUN(yaml_syntax_error_has_line_and_column);
	RUN(yaml_duplicate_keys_all_reported);
	RUN(yaml_one_document_only);
	RUN(yaml_empty_document_is_null);
	RUN(yaml_aliases_expand);
	RUN(yaml_alias_bomb_refused_fast);
	RUN(yaml_alias_count_bounded);
	RUN(yaml_depth_bounded);
	RUN(yaml_size_bounded);
	RUN(yaml_complex_keys_and_nul_refused);
	RUN(yaml_missing_file);
	RUN(yaml_detach_transfers_ownership);
	guard_yaml_release(&doc);
	guard_list_clear(&errors);
	return unit_done();
}
