/* Unit tests: policy load, schema, merge, decide, test runner. */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_policy.h"
#include "guard_policy_test.h"
#include "guard_risk.h"
#include "guard_yaml.h"

static char tmpdir[256];
static struct guard_list errors = GUARD_LIST_INIT;

/* Write name in the temp dir with mode 0600; returns the path (static buffer per slot). */
static const char *
put(const char *name, const char *text)
{
	static char paths[8][512];
	static int slot;
	char *path = paths[slot++ % 8];
	FILE *f;

	snprintf(path, 512, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return path;
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
	return path;
}

static bool
has_error(const struct guard_list *l, const char *needle)
{
	for (size_t i = 0; i < l->len; i++)
		if (strstr(l->items[i], needle))
			return true;
	return false;
}

static void
dump(const struct guard_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		printf("#     %s\n", l->items[i]);
}

/* Load builtin text plus optional user/managed/project texts (NULL: none). */
static struct guard_policy *
load4(const char *builtin, const char *user, const char *managed, const char *project)
{
	struct guard_policy_sources src = { 0 };
	struct guard_policy *p = NULL;

	guard_list_clear(&errors);
	src.builtin = put("builtin.yaml", builtin);
	src.user = user ? put("user.yaml", user) : "";
	src.managed = managed ? put("managed.yaml", managed) : "";
	src.project = project ? put("project.yaml", project) : "";
	src.nightbuilder = "";
	if (guard_policy_load(&p, &src, &errors) < 0)
		dump(&errors);
	return p;
}

static struct guard_policy *
load1(const char *builtin)
{
	return load4(builtin, NULL, NULL, NULL);
}

/* An event with the given risk JSON; decide and return decision.effect, rule in *rule. */
static cJSON *last;

static const char *
decide(const struct guard_policy *p, const char *event_json)
{
	cJSON_Delete(last);
	last = cJSON_Parse(event_json);
	if (!last || !p)
		return "(no event)";
	guard_policy_decide(p, last);
	return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "decision"), "effect"));
}

static const char *
rule(void)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "decision"), "rule"));
}

static const char *
decision_str(const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "decision"), key));
}

static bool
missing_has(const char *perm)
{
	const cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(last, "decision"), "missing");
	for (const cJSON *c = m ? m->child : NULL; c; c = c->next)
		if (!strcmp(c->valuestring, perm))
			return true;
	return false;
}

#define AGENT "\"actor\":{\"user\":\"claude\",\"role\":\"agent\"}"
#define EV(tool, risk) "{\"tool\":\"" tool "\"," AGENT ",\"input\":{\"command\":\"x\"},\"risk\":" risk "}"
#define LOW "{\"level\":\"low\",\"class\":\"R\",\"reasons\":[]}"
#define HIGH "{\"level\":\"high\",\"class\":\"X\",\"reasons\":[]}"
#define CRIT "{\"level\":\"critical\",\"class\":\"X\",\"reasons\":[]}"

#define ROLES "roles: {agent: [tool.use], admin: [tool.use, approval.view, approval.manage]}\n"
#define BASE "version: 1\ndefault: allow\n" ROLES

/* ---------------------------------------------------------------- schema */

TEST(policy_unknown_key_with_suggestion)
{
	struct guard_policy *p = load1(BASE "rules:\n  - id: r1\n    efect: deny\n");
	CHECK(!p);
	CHECK(has_error(&errors, "builtin.yaml:6:5: unknown key 'efect' in rule, did you mean 'effect'?"));
	CHECK(has_error(&errors, "needs 'effect'"));
	CHECK(!strcmp(guard_error_last(), errors.items[0]));
}

TEST(policy_all_errors_at_once)
{
	struct guard_policy *p = load1(
		"version: 1\n"
		"mode: enforced\n"                                 /* 2: bad enum */
		"defualt: allow\n"                                 /* 3: unknown key */
		"approval: {timeout: soon, min: {high: many}}\n"   /* 4: duration, type */
		"rules:\n"
		"  - id: a\n"
		"    effect: deny\n"
		"    when: {risk: hihg, class: Q, path: \"@secrets\"}\n" /* 8: level, class, list ref */
		"  - id: a\n"                                     /* 9: duplicate id */
		"    effect: allow\n"
		"    when: {regex: \"a(b\"}\n");                  /* 11: bad regex */
	CHECK(!p);
	dump(&errors);
	CHECK(errors.len >= 8);
	CHECK(has_error(&errors, "builtin.yaml:2:7: mode: 'enforced' is not one of enforce, audit, did you mean 'enforce'?"));
	CHECK(has_error(&errors, "builtin.yaml:3:1: unknown key 'defualt' in the policy, did you mean 'default'?"));
	CHECK(has_error(&errors, "builtin.yaml:4:21: approval.timeout: must be a duration"));
	CHECK(has_error(&errors, "approval.min.high: must be a whole number"));
	CHECK(has_error(&errors, "'hihg' is not a risk level"));
	CHECK(has_error(&errors, "did you mean 'high'"));
	CHECK(has_error(&errors, "'Q' is not an action class"));
	CHECK(has_error(&errors, "no path list '@secrets'"));
	CHECK(has_error(&errors, "builtin.yaml:9:9: duplicate rule id 'a' (first at line 6)"));
	CHECK(has_error(&errors, "builtin.yaml:11:19: rules[1].when.regex: bad regex at offset 3"));
}

TEST(policy_yaml_syntax_error_positioned)
{
	struct guard_policy *p = load1("version: 1\nrules: [\n");
	CHECK(!p);
	CHECK(errors.len == 1 && strstr(errors.items[0], "builtin.yaml:3:1:"));
}

TEST(policy_refuses_writable_file)
{
	struct guard_policy_sources src = { 0 };
	struct guard_policy *p = NULL;
	const char *user;

	guard_list_clear(&errors);
	src.builtin = put("builtin.yaml", BASE);
	user = put("user.yaml", "version: 1\n");
	chmod(user, 0664);
	src.user = user;
	src.managed = src.project = src.nightbuilder = "";
	CHECK(guard_policy_load(&p, &src, &errors) == GUARD_EPOLICY);
	CHECK(!p);
	CHECK(has_error(&errors, "writable by group or others"));
	chmod(user, 0646);
	guard_list_clear(&errors);
	CHECK(guard_policy_validate_file(user, GUARD_LAYER_PROJECT, &errors) == GUARD_EPOLICY);
	CHECK(has_error(&errors, "chmod go-w"));
	chmod(user, 0600);
	guard_list_clear(&errors);
	CHECK(guard_policy_load(&p, &src, &errors) == 0);
	guard_policy_free(p);
	/* the builtin layer is not checked: it may live in a build tree */
	guard_list_clear(&errors);
	chmod(src.builtin, 0666);
	CHECK(guard_policy_validate_file(src.builtin, GUARD_LAYER_BUILTIN, &errors) == 0);
}

TEST(policy_missing_layers_are_fine)
{
	struct guard_policy_sources src = { 0 };
	struct guard_policy *p = NULL;

	guard_list_clear(&errors);
	src.builtin = put("builtin.yaml", BASE);
	src.user = "/nonexistent/user.yaml";
	src.managed = "/nonexistent/managed.yaml";
	src.project_root = "/nonexistent";
	src.nightbuilder = "";
	CHECK(guard_policy_load(&p, &src, &errors) == 0);
	guard_policy_free(p);
	src.builtin = "/nonexistent/default.yaml";
	CHECK(guard_policy_load(&p, &src, &errors) == GUARD_EPOLICY);
	CHECK(has_error(&errors, "built-in policy not found"));
}

TEST(policy_shipped_files_validate)
{
	struct guard_policy_sources src = { 0 };
	struct guard_policy *p = NULL;

	guard_list_clear(&errors);
	CHECK(guard_policy_validate_file("policy/default.yaml", GUARD_LAYER_BUILTIN, &errors) == 0);
	CHECK(guard_policy_validate_file("policy/nightbuilder.yaml", GUARD_LAYER_BUILTIN, &errors) == 0);
	dump(&errors);
	/* the embedded copy, attended and unattended */
	src.user = src.managed = src.project = "";
	CHECK(guard_policy_load(&p, &src, &errors) == 0);
	CHECK(p && !guard_policy_unattended(p) && !guard_policy_audit_mode(p));
	CHECK(p && guard_policy_max_event_bytes(p) == (size_t)8 << 20);
	CHECK(p && guard_policy_risk(p)->ntools >= 7 && guard_policy_risk(p)->nsensitive_paths >= 17);
	guard_policy_free(p);
	src.profile = "unattended";
	CHECK(guard_policy_load(&p, &src, &errors) == 0);
	CHECK(p && guard_policy_unattended(p));
	CHECK(p && cJSON_GetObjectItem(guard_policy_tree(p), "session"));
	guard_policy_free(p);
	dump(&errors);
}

extern const char guard_embedded_default[], guard_embedded_default_json[];
extern const char guard_embedded_nightbuilder[], guard_embedded_nightbuilder_json[];

/* The trees compiled in beside the shipped YAML are what parsing that YAML gives. */
TEST(policy_shipped_tree_is_built_from_the_yaml)
{
	const char *yaml[] = { guard_embedded_default, guard_embedded_nightbuilder };
	const char *json[] = { guard_embedded_default_json, guard_embedded_nightbuilder_json };

	for (int i = 0; i < 2; i++) {
		struct guard_yaml_doc doc;
		cJSON *built = cJSON_Parse(json[i]);
		guard_yaml_init(&doc);
		guard_list_clear(&errors);
		CHECK(guard_yaml_parse(&doc, "shipped", yaml[i], strlen(yaml[i]), &errors) == 0);
		CHECK(built && cJSON_GetArraySize(built) > 5 && cJSON_Compare(built, doc.root, true));
		cJSON_Delete(built);
		guard_yaml_release(&doc);
	}
}

/*
 * A built-in file with the shipped bytes is read from the built tree;
 * one with other bytes is parsed and validated, so an edit is checked.
 */
TEST(policy_edited_builtin_is_validated)
{
	struct guard_policy_sources src = { 0 };
	struct guard_policy *p = NULL;
	char rev[80];

	src.user = src.managed = src.project = src.nightbuilder = "";
	guard_list_clear(&errors);
	CHECK(guard_policy_load(&p, &src, &errors) == 0);
	snprintf(rev, sizeof(rev), "%s", p ? guard_policy_rev(p) : "");
	guard_policy_free(p);

	src.builtin = put("default.yaml", guard_embedded_default);
	CHECK(guard_policy_load(&p, &src, &errors) == 0);
	CHECK(p && !strcmp(guard_policy_rev(p), rev));
	guard_policy_free(p);

	char *text = guard_xasprintf("%s\n# a comment changes the bytes, not the policy\n", guard_embedded_default);
	src.builtin = put("default.yaml", text);
	free(text);
	CHECK(guard_policy_load(&p, &src, &errors) == 0);
	CHECK(p && !strcmp(guard_policy_rev(p), rev));
	guard_policy_free(p);

	text = guard_xasprintf("%s\nbogus_section: 1\n", guard_embedded_default);
	src.builtin = put("default.yaml", text);
	free(text);
	p = NULL;
	CHECK(guard_policy_load(&p, &src, &errors) == GUARD_EPOLICY && !p);
	CHECK(has_error(&errors, "bogus_section"));
}

TEST(policy_load_time)
{
	struct guard_policy_sources src = { 0 };
	struct timespec t0, t1;
	int n = 20;

	src.user = src.managed = src.project = "";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++) {
		struct guard_policy *p = NULL;
		guard_list_clear(&errors);
		CHECK(guard_policy_load(&p, &src, &errors) == 0);
		guard_policy_free(p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# default.yaml load: %.0f us\n",
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n);
}

/* ---------------------------------------------------------------- decide */

TEST(policy_groups_deny_ask_allow)
{
	struct guard_policy *p = load1(BASE
		"rules:\n"
		"  - {id: allow-bash, effect: allow, when: {tool: Bash}}\n"
		"  - {id: ask-high, effect: ask, when: {risk: \">=high\"}}\n"
		"  - {id: deny-crit, effect: deny, when: {risk: critical}}\n"
		"  - {id: deny-crit-2, effect: deny, when: {risk: critical}}\n"
		"  - {id: ask-web, effect: ask, when: {tool: \"Web*|Fetch\"}}\n");
	CHECK(p);
	CHECK_STR(decide(p, EV("Bash", CRIT)), "deny");
	CHECK_STR(rule(), "deny-crit");      /* first match in the group */
	CHECK_STR(decide(p, EV("Bash", HIGH)), "ask");
	CHECK_STR(rule(), "ask-high");
	CHECK_STR(decide(p, EV("Bash", LOW)), "allow");
	CHECK_STR(rule(), "allow-bash");
	CHECK_STR(decide(p, EV("WebFetch", LOW)), "ask");
	CHECK_STR(decide(p, EV("Read", LOW)), "allow");
	CHECK_STR(rule(), "default");
	CHECK(decision_str("policy_rev") && !strcmp(decision_str("policy_rev"), guard_policy_rev(p)));
	guard_policy_free(p);
}

TEST(policy_conditions)
{
	struct guard_policy *p = load1(BASE
		"risk:\n"
		"  sensitive_paths: [\"**/.env\", \"**/.env.*\", \"!**/.env.example\", \"~/.ssh/**\"]\n"
		"  protected_paths: [\".ai/policy.yaml\", \".ai/approvals/**\"]\n"
		"  allowed_hosts: [github.com, \"*.npmjs.org\"]\n"
		"rules:\n"
		"  - {id: secrets, effect: deny, when: {path: \"@sensitive_paths\"}}\n"
		"  - {id: protect, effect: deny, when: {path: \"@protected_paths\", access: write}}\n"
		"  - {id: hosts, effect: deny, when: {host: [\"*\", \"!@allowed_hosts\"]}}\n"
		"  - {id: rx, effect: deny, when: {regex: \"^terraform\\\\s+apply\"}}\n"
		"  - {id: unparsed, effect: ask, when: {unparsed: true}}\n"
		"  - {id: git-src, effect: ask, when: {source: git, class: [W, D]}}\n");
	CHECK(p);
	CHECK_STR(decide(p, "{\"tool\":\"Read\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\"a/.env\"]}}"), "deny");
	CHECK_STR(rule(), "secrets");
	CHECK_STR(decide(p, "{\"tool\":\"Read\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\".env.local\"]}}"), "deny");
	CHECK_STR(decide(p, "{\"tool\":\"Read\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\".env.example\"]}}"), "allow");
	{
		char ev[512];
		snprintf(ev, sizeof(ev), "{\"tool\":\"Read\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\"%s/.ssh/id_ed25519\"]}}",
			 getenv("HOME") && *getenv("HOME") ? getenv("HOME") : "/");
		CHECK_STR(decide(p, ev), "deny");
	}
	/* protect: writes only; reads pass */
	CHECK_STR(decide(p, "{\"tool\":\"Read\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\".ai/policy.yaml\"]}}"), "allow");
	CHECK_STR(decide(p, "{\"tool\":\"Write\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"W\",\"targets\":[\".ai/policy.yaml\"]}}"), "deny");
	CHECK_STR(decide(p, "{\"tool\":\"Write\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"W\",\"targets\":[\".ai/plans/x.md\"]}}"), "allow");
	/* a folder glob covers the folder; a deletion above it counts */
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"risk\":{\"level\":\"high\",\"class\":\"D\",\"targets\":[\".ai/approvals\"]}}"), "deny");
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"risk\":{\"level\":\"high\",\"class\":\"D\",\"targets\":[\".ai\"]}}"), "deny");
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"W\",\"targets\":[\".ai\"]}}"), "allow");
	/* hosts */
	CHECK_STR(decide(p, "{\"tool\":\"WebFetch\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"R\",\"hosts\":[\"evil.example\"]}}"), "deny");
	CHECK_STR(rule(), "hosts");
	CHECK_STR(decide(p, "{\"tool\":\"WebFetch\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"R\",\"hosts\":[\"registry.npmjs.org\"]}}"), "allow");
	/* regex, unparsed, source + class */
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"input\":{\"command\":\"terraform  apply -auto-approve\"},\"risk\":" LOW "}"), "deny");
	CHECK_STR(rule(), "rx");
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"input\":{\"command\":\"echo terraform apply\"},\"risk\":" LOW "}"), "allow");
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"X\",\"unparsed\":true}}"), "ask");
	CHECK_STR(decide(p, "{\"tool\":\"Bash\",\"source\":\"git\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"D\"}}"), "ask");
	CHECK_STR(decide(p, "{\"tool\":\"Bash\",\"source\":\"cli\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"D\"}}"), "allow");
	guard_policy_free(p);
}

/* Regex rules decide alike with and without PCRE2's JIT (off for one-shot programs, on for streams). */
TEST(policy_regex_with_and_without_jit)
{
	static const char *const cmds[] = {
		"terraform  apply -auto-approve", "echo terraform apply", "TERRAFORM apply", "terraform\tapply x",
	};
	const char *want[4];
	for (int jit = 0; jit < 2; jit++) {
		guard_policy_jit(jit);
		struct guard_policy *p = load1(BASE "rules:\n"
			"  - {id: rx, effect: deny, when: {regex: \"^terraform\\\\s+apply\"}}\n");
		CHECK(p);
		for (int i = 0; p && i < 4; i++) {
			char ev[256];
			snprintf(ev, sizeof(ev), "{\"tool\":\"Bash\"," AGENT ",\"input\":{\"command\":\"%s\"},\"risk\":" LOW "}",
				 cmds[i]);
			const char *got = decide(p, ev);
			if (!jit)
				want[i] = got && !strcmp(got, "deny") ? "deny" : "allow";
			else
				CHECK_STR(got, want[i]);
		}
		guard_policy_free(p);
	}
	guard_policy_jit(false);
	CHECK_STR(want[0], "deny");
	CHECK_STR(want[1], "allow");
	CHECK_STR(want[3], "deny");
}

/* A literal "~/" path names a file in the home directory (was never matched). */
TEST(policy_literal_home_paths_match)
{
	struct guard_policy *p = load1(BASE
		"rules:\n"
		"  - {id: netrc, effect: deny, when: {path: \"~/.netrc\"}}\n"
		"  - {id: home-tools, effect: ask, when: {path: \"~/bin/tool\", access: write}}\n");
	const char *home = getenv("HOME") && *getenv("HOME") ? getenv("HOME") : "/";
	char ev[512];

	CHECK(p);
	snprintf(ev, sizeof(ev), "{\"tool\":\"Read\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\"%s/.netrc\"]}}", home);
	CHECK_STR(decide(p, ev), "deny");
	CHECK_STR(rule(), "netrc");
	snprintf(ev, sizeof(ev), "{\"tool\":\"Write\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"W\",\"targets\":[\"%s/bin/tool\"]}}", home);
	CHECK_STR(decide(p, ev), "ask");
	/* not the same name elsewhere */
	CHECK_STR(decide(p, "{\"tool\":\"Read\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\"/srv/x/.netrc\"]}}"), "allow");
	guard_policy_free(p);
}

TEST(policy_invalid_risk_fails_closed)
{
	struct guard_policy *p = load1(BASE);
	CHECK(p);
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT "}"), "deny");
	CHECK_STR(rule(), "guard.invalid-input");
	CHECK_STR(decide(p, EV("Bash", "{\"level\":\"huge\",\"class\":\"R\"}")), "deny");
	CHECK_STR(rule(), "guard.invalid-input");
	CHECK_STR(decide(p, EV("Bash", "{\"level\":\"low\",\"class\":\"RW\"}")), "deny");
	CHECK_STR(decide(p, EV("Bash", "{\"level\":\"low\",\"class\":\"R\",\"targets\":[1]}")), "deny");
	CHECK_STR(decide(p, EV("Bash", "\"low\"")), "deny");
	CHECK_STR(rule(), "guard.invalid-input");
	guard_policy_free(p);
}

TEST(policy_rbac_missing)
{
	struct guard_policy *p = load4(BASE
		"rules:\n"
		"  - {id: ask-high, effect: ask, when: {risk: high}}\n"
		"  - {id: deploy, effect: allow, when: {tool: Deploy}, require: [deploy.run]}\n",
		"version: 1\nprincipals: {alice: {roles: [admin], key: \"ed25519:AAAA\"}}\n", NULL, NULL);
	CHECK(p);
	CHECK_STR(decide(p, "{\"tool\":\"Bash\",\"actor\":{\"user\":\"x\",\"role\":\"visitor\"},\"risk\":" LOW "}"), "deny");
	CHECK_STR(rule(), "guard.rbac");
	CHECK(missing_has("tool.use"));
	CHECK_STR(decide(p, "{\"tool\":\"Deploy\"," AGENT ",\"risk\":" LOW "}"), "deny");
	CHECK_STR(rule(), "deploy");
	CHECK(missing_has("deploy.run"));
	CHECK_STR(decide(p, EV("Bash", HIGH)), "ask");
	CHECK(missing_has("approval.manage"));
	/* alice holds admin through her principal entry: can approve */
	CHECK_STR(decide(p, "{\"tool\":\"Bash\",\"actor\":{\"user\":\"alice\",\"role\":\"agent\"},\"risk\":" HIGH "}"), "ask");
	CHECK(!missing_has("approval.manage"));
	guard_policy_free(p);
}

TEST(policy_audit_mode)
{
	struct guard_policy *p = load1(BASE "mode: audit\nrules:\n  - {id: no-crit, effect: deny, when: {risk: critical}}\n");
	CHECK(p && guard_policy_audit_mode(p));
	CHECK_STR(decide(p, EV("Bash", CRIT)), "allow");
	CHECK_STR(decision_str("would"), "deny");
	CHECK_STR(rule(), "no-crit");
	CHECK(strstr(decision_str("reason"), "audit mode"));
	CHECK_STR(decide(p, EV("Bash", LOW)), "allow");
	CHECK(!decision_str("would"));
	guard_policy_free(p);
	/* audit mode set by the user layer: a managed deny stays final */
	p = load4(BASE, "version: 1\nmode: audit\n",
		  "version: 1\nrules:\n  - {id: m-deny, effect: deny, when: {risk: critical}}\n", NULL);
	CHECK(p);
	CHECK_STR(decide(p, EV("Bash", CRIT)), "deny");
	CHECK_STR(rule(), "m-deny");
	guard_policy_free(p);
}

TEST(policy_unattended_ask_becomes_deny)
{
	struct guard_policy *p = load1(BASE "profile: unattended\nrules:\n  - {id: ask-high, effect: ask, when: {risk: high}}\n");
	CHECK(p && guard_policy_unattended(p));
	CHECK_STR(decide(p, EV("Bash", HIGH)), "deny");
	CHECK_STR(rule(), "ask-high");
	CHECK(strstr(decision_str("reason"), "unattended"));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "decision"), "unattended")));
	guard_policy_free(p);
	/* $GUARD_PROFILE=unattended tightens an attended policy */
	setenv("GUARD_PROFILE", "unattended", 1);
	p = load1(BASE "rules:\n  - {id: ask-high, effect: ask, when: {risk: high}}\n");
	unsetenv("GUARD_PROFILE");
	CHECK(p && guard_policy_unattended(p));
	CHECK_STR(decide(p, EV("Bash", HIGH)), "deny");
	guard_policy_free(p);
	setenv("GUARD_PROFILE", "sometimes", 1);
	p = load1(BASE);
	unsetenv("GUARD_PROFILE");
	CHECK(!p && has_error(&errors, "GUARD_PROFILE"));
}

/* ---------------------------------------------------------------- layers */

#define BUILTIN_RULES BASE \
	"rules:\n" \
	"  - {id: no-crit, effect: deny, when: {risk: critical}}\n" \
	"  - {id: approve-high, effect: ask, when: {risk: high}}\n"

TEST(policy_user_replaces_builtin_rule)
{
	struct guard_policy *p = load4(BUILTIN_RULES,
		"version: 1\nrules:\n  - {id: approve-high, effect: allow, when: {risk: high}}\n", NULL, NULL);
	CHECK(p);
	CHECK_STR(decide(p, EV("Bash", HIGH)), "allow");
	CHECK_STR(rule(), "approve-high");
	guard_policy_free(p);
}

TEST(policy_managed_deny_is_final)
{
	struct guard_policy *p = load4(BUILTIN_RULES,
		"version: 1\nrules:\n  - {id: user-allow, effect: allow, when: {tool: Bash}}\n",
		"version: 1\nrules:\n  - {id: no-curl, effect: deny, when: {regex: curl}}\n",
		"version: 1\nrules:\n  - {id: no-curl, effect: allow, when: {regex: curl}}\n");
	CHECK(p);
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"input\":{\"command\":\"curl x\"},\"risk\":" LOW "}"), "deny");
	CHECK_STR(rule(), "no-curl");
	CHECK(has_error(guard_policy_warnings(p), "does not replace the managed rule"));
	guard_policy_free(p);
	/* the managed layer wins over the user layer on the same id */
	p = load4(BUILTIN_RULES, "version: 1\nrules:\n  - {id: x, effect: deny, when: {tool: Read}}\n",
		  "version: 1\nrules:\n  - {id: x, effect: allow, when: {tool: Read}}\n", NULL);
	CHECK(p);
	CHECK_STR(decide(p, EV("Read", LOW)), "allow");
	guard_policy_free(p);
}

TEST(policy_project_cannot_loosen)
{
	struct guard_policy *p = load4("version: 1\ndefault: ask\n" ROLES
		"rules:\n"
		"  - {id: no-crit, effect: deny, when: {risk: critical}}\n"
		"  - {id: approve-high, effect: ask, when: {risk: high}}\n"
		"approval: {timeout: 5m, min: {high: 1, critical: 2}}\n", NULL, NULL,
		"version: 1\n"
		"default: allow\n"
		"mode: audit\n"
		"profile: attended\n"
		"limits: {max_event_bytes: 64MiB}\n"
		"approval: {timeout: 1h, min: {critical: 1}, require_signature: true}\n"
		"risk: {scratch_paths: [\"src/**\"], sensitive_paths: [\"!**/.env\", \"secrets/**\"]}\n"
		"rules:\n"
		"  - {id: p-allow, effect: allow, when: {risk: high}}\n"
		"  - {id: p-allow-read, effect: allow, when: {tool: Read}}\n");
	const struct guard_list *w;
	const cJSON *approval;

	CHECK(p);
	if (!p)
		return;
	w = guard_policy_warnings(p);
	dump(w);
	CHECK(has_error(w, "project.yaml:2:1: project layer: 'default: allow' ignored"));
	CHECK(has_error(w, "'mode: audit' ignored"));
	CHECK(has_error(w, "limits.max_event_bytes ignored"));
	CHECK(has_error(w, "approval.timeout ignored"));
	CHECK(has_error(w, "approval.min.critical ignored"));
	CHECK(has_error(w, "risk.scratch_paths ignored"));
	CHECK(has_error(w, "'!**/.env' in sensitive_paths ignored"));
	CHECK(!guard_policy_audit_mode(p));
	CHECK(guard_policy_max_event_bytes(p) == (size_t)8 << 20);
	approval = cJSON_GetObjectItem(guard_policy_tree(p), "approval");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(approval, "require_signature"))); /* tighter: taken */
	CHECK(guard_policy_risk(p)->nscratch_paths == 0);
	CHECK(guard_policy_risk(p)->nsensitive_paths == 1);
	/* project allow vs builtin ask: stays ask; default stays ask */
	CHECK_STR(decide(p, EV("Bash", HIGH)), "ask");
	CHECK_STR(rule(), "approve-high");
	CHECK_STR(decide(p, EV("Read", LOW)), "ask");
	CHECK_STR(rule(), "default");
	guard_policy_free(p);
}

TEST(policy_project_tightens)
{
	struct guard_policy *p = load4(BUILTIN_RULES, NULL, NULL,
		"version: 1\n"
		"default: deny\n"
		"profile: unattended\n"
		"limits: {max_event_bytes: 1MiB}\n"
		"risk: {protected_paths: [\"deploy/**\"]}\n"
		"rules:\n"
		"  - {id: p-deny, effect: deny, when: {tool: Bash, regex: psql}}\n"
		"  - {id: p-protect, effect: deny, when: {path: \"@protected_paths\", access: write}}\n"
		"  - {id: p-ask, effect: ask, when: {tool: Read}}\n");
	CHECK(p);
	if (!p)
		return;
	CHECK(guard_policy_warnings(p)->len == 0);
	dump(guard_policy_warnings(p));
	CHECK(guard_policy_unattended(p));
	CHECK(guard_policy_max_event_bytes(p) == (size_t)1 << 20);
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"input\":{\"command\":\"psql prod\"},\"risk\":" LOW "}"), "deny");
	CHECK_STR(rule(), "p-deny");
	CHECK_STR(decide(p, "{\"tool\":\"Edit\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"W\",\"targets\":[\"deploy/x.sh\"]}}"), "deny");
	CHECK_STR(rule(), "p-protect");
	CHECK_STR(decide(p, EV("Grep", LOW)), "deny");
	CHECK_STR(rule(), "default");
	guard_policy_free(p);
}

TEST(policy_principals_only_user_managed)
{
	struct guard_policy *p = load4(BASE, NULL, NULL, "version: 1\nprincipals: {eve: {roles: [admin]}}\nroles: {agent: [approval.manage]}\n");
	CHECK(!p);
	CHECK(has_error(&errors, "project.yaml:2:1: principals are read only from the user and managed layers"));
	CHECK(has_error(&errors, "project.yaml:3:1: roles cannot be set in the project layer"));
	p = load1(BASE "principals: {eve: {roles: [admin]}}\n");
	CHECK(!p);
	CHECK(has_error(&errors, "principals are read only from the user and managed layers, not the builtin layer"));
	p = load4(BASE, NULL, "version: 1\nprincipals: {bob: {roles: [admin], key: \"rsa:x\"}}\n", NULL);
	CHECK(!p && has_error(&errors, "ed25519:"));
}

TEST(policy_rev_stable_and_sensitive)
{
	struct guard_policy *a = load1(BUILTIN_RULES), *b = load1(BUILTIN_RULES);
	struct guard_policy *c = load1(BUILTIN_RULES "  - {id: extra, effect: deny, when: {tool: Foo}}\n");
	struct guard_policy *d = load1("# a comment changes nothing\n" BUILTIN_RULES);

	CHECK(a && b && c && d);
	if (a && b && c && d) {
		CHECK(!strncmp(guard_policy_rev(a), "sha256:", 7) && strlen(guard_policy_rev(a)) == 71);
		CHECK_STR(guard_policy_rev(a), guard_policy_rev(b));
		CHECK_STR(guard_policy_rev(a), guard_policy_rev(d));
		CHECK(strcmp(guard_policy_rev(a), guard_policy_rev(c)));
	}
	guard_policy_free(a);
	guard_policy_free(b);
	guard_policy_free(c);
	guard_policy_free(d);
}

TEST(policy_thousand_rules)
{
	struct guard_buf y = GUARD_BUF_INIT;
	struct guard_policy *p;
	struct timespec t0, t1;
	cJSON *events[4];
	int n = 20000;

	guard_buf_addstr(&y, BASE "rules:\n");
	for (int i = 0; i < 1000; i++) {
		switch (i % 4) {
		case 0:
			guard_buf_addf(&y, "  - {id: r%d, effect: deny, when: {tool: \"Tool%d|Other%d\", risk: \">=medium\"}}\n", i, i, i);
			break;
		case 1:
			guard_buf_addf(&y, "  - {id: r%d, effect: ask, when: {path: [\"src/mod%d/**\", \"**/*.x%d\"], access: write}}\n", i, i, i);
			break;
		case 2:
			guard_buf_addf(&y, "  - {id: r%d, effect: allow, when: {regex: \"^cmd%d\\\\b\", class: X}}\n", i, i);
			break;
		default:
			guard_buf_addf(&y, "  - {id: r%d, effect: deny, when: {host: \"h%d.example\", source: [claude, cli]}}\n", i, i);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p = load1(y.buf);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	guard_buf_release(&y);
	CHECK(p);
	if (!p)
		return;
	printf("# 1000-rule policy load: %.0f us\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3);
	CHECK_STR(decide(p, "{\"tool\":\"Tool996\"," AGENT ",\"risk\":{\"level\":\"high\",\"class\":\"X\"}}"), "deny");
	CHECK_STR(rule(), "r996");
	CHECK_STR(decide(p, "{\"tool\":\"Write\"," AGENT ",\"risk\":{\"level\":\"medium\",\"class\":\"W\",\"targets\":[\"src/mod997/a.c\"]}}"), "ask");
	CHECK_STR(rule(), "r997");
	CHECK_STR(decide(p, "{\"tool\":\"Bash\"," AGENT ",\"input\":{\"command\":\"cmd998 --go\"},\"risk\":{\"level\":\"low\",\"class\":\"X\"}}"), "allow");
	CHECK_STR(rule(), "r998");
	CHECK_STR(decide(p, "{\"tool\":\"WebFetch\",\"source\":\"cli\"," AGENT ",\"risk\":{\"level\":\"low\",\"class\":\"R\",\"hosts\":[\"h999.example\"]}}"), "deny");
	CHECK_STR(rule(), "r999");

	/* timing: a Bash event that matches nothing walks all 1,000 rules */
	events[0] = cJSON_Parse("{\"tool\":\"Bash\",\"source\":\"claude\"," AGENT ",\"input\":{\"command\":\"make test && git status\"},"
				"\"risk\":{\"level\":\"medium\",\"class\":\"X\",\"reasons\":[],\"targets\":[\"build/out.o\"],\"reads\":[\"src/main.c\"]}}");
	events[1] = cJSON_Parse("{\"tool\":\"Write\",\"source\":\"claude\"," AGENT ",\"input\":{},"
				"\"risk\":{\"level\":\"medium\",\"class\":\"W\",\"targets\":[\"lib/x/y/z.c\"]}}");
	events[2] = cJSON_Parse("{\"tool\":\"WebFetch\",\"source\":\"claude\"," AGENT ",\"input\":{},"
				"\"risk\":{\"level\":\"low\",\"class\":\"R\",\"hosts\":[\"docs.rs\"]}}");
	events[3] = cJSON_Parse("{\"tool\":\"Read\",\"source\":\"claude\"," AGENT ",\"input\":{},"
				"\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reads\":[\"README.md\"]}}");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n; i++)
		guard_policy_decide(p, events[i % 4]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# 1000-rule decide: %.2f us/event\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n);
	for (int i = 0; i < 4; i++) {
		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(events[i], "decision"), "rule")), "default");
		cJSON_Delete(events[i]);
	}
	guard_policy_free(p);
}

/* ---------------------------------------------------------------- runner */

static void
run_cases(const char *file, int min_cases)
{
	struct guard_policy_sources src = { 0 };
	struct guard_buf report = GUARD_BUF_INIT;
	int passed = 0, failed = 0, rc;

	src.user = src.managed = src.project = "";
	rc = guard_policy_test_file(file, &src, &report, &passed, &failed);
	CHECK(rc == 0);
	CHECK(failed == 0);
	CHECK(passed >= min_cases);
	if (rc || failed)
		for (char *line = report.buf; *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			if (strncmp(line, "ok ", 3))
				printf("#   %s\n", line);
			if (!nl)
				break;
			line = nl + 1;
		}
	guard_buf_release(&report);
}

TEST(policy_cases_default)
{
	run_cases("t/policy/default.cases.yaml", 25);
}

TEST(policy_cases_nightbuilder)
{
	run_cases("t/policy/nightbuilder.cases.yaml", 25);
}

TEST(policy_case_runner_reports)
{
	struct guard_buf report = GUARD_BUF_INIT;
	int passed = 0, failed = 0;
	const char *builtin = put("builtin.yaml", BUILTIN_RULES);
	char text[1024];

	snprintf(text, sizeof(text),
		 "policy: %s\n"
		 "cases:\n"
		 "  - {name: crit, command: x, risk: {level: critical, class: X}, expect: deny, rule: no-crit}\n"
		 "  - {name: wrong, command: x, risk: {level: high, class: X}, expect: allow}\n", builtin);
	CHECK(guard_policy_test_file(put("c.yaml", text), NULL, &report, &passed, &failed) == 0);
	CHECK(passed == 1 && failed == 1);
	CHECK(strstr(report.buf, "ok   crit: deny (rule no-crit)"));
	CHECK(strstr(report.buf, "FAIL wrong"));
	CHECK(strstr(report.buf, "got ask (rule approve-high"));
	guard_buf_reset(&report);
	snprintf(text, sizeof(text), "policy: %s\ncases:\n  - {name: a, comand: x, expect: allow}\n", builtin);
	CHECK(guard_policy_test_file(put("c.yaml", text), NULL, &report, &passed, &failed) == GUARD_EUSAGE);
	CHECK(strstr(report.buf, "c.yaml:3:15: unknown key 'comand' in a case, did you mean 'command'?"));
	guard_buf_release(&report);
}

/* One command's risk reasons under policy p, joined by " | ". */
static char *
risk_reasons(const struct guard_policy *p, const char *command)
{
	struct guard_risk_ctx ctx = { guard_policy_risk(p), tmpdir, tmpdir, tmpdir, NULL };
	struct guard_risk r;
	struct guard_buf b = GUARD_BUF_INIT;

	guard_risk_init(&r);
	if (guard_risk_command(&ctx, command, &r) == 0)
		for (size_t i = 0; i < r.reasons.len; i++)
			guard_buf_addf(&b, "%s | ", r.reasons.items[i]);
	guard_risk_release(&r);
	return guard_buf_detach(&b);
}

#define RISK_POLICY(name, word) \
	"version: 1\nrisk:\n  protected_paths: [\"" name "state/**\"]\n" \
	"forbidden_patterns:\n  - {id: word-" name ", regex: \"" word "-[0-9]+\", message: a " word " number, " \
	"severity: high, keywords: [" word "]}\n"

/*
 * What the analyzer keeps from one event to the next (the secret scanner,
 * the protected-path stems) belongs to one compiled policy: a policy
 * loaded after another, even at the freed one's address, is rated by its
 * own rules, never by what was kept for the first.
 */
/* A tool's rating is the policy's it is rated under: a policy loaded after another rates the same name its own way. */
static char *
tool_rating(const struct guard_policy *p, const char *tool)
{
	struct guard_risk_ctx ctx = { guard_policy_risk(p), tmpdir, tmpdir, tmpdir, NULL };
	struct guard_risk r;
	char *ev_text = guard_xasprintf("{\"tool\":\"%s\",\"phase\":\"pre\",\"input\":{}}", tool);
	cJSON *ev = cJSON_Parse(ev_text);
	char *out;

	guard_risk_init(&r);
	out = guard_risk_rate(&ctx, ev, &r) == 0 ? guard_xasprintf("%s/%c", guard_level_name(r.level), r.cls)
						 : guard_xstrdup("error");
	guard_risk_release(&r);
	cJSON_Delete(ev);
	free(ev_text);
	return out;
}

TEST(policy_tool_rating_per_policy)
{
	for (int round = 0; round < 3; round++) {
		struct guard_policy *a = load1(BASE "risk:\n  tools:\n    \"Frob|Zap\": low/R\n");
		struct guard_policy *b = load1(BASE "risk:\n  tools:\n    Frob: high/W\n");
		CHECK(a && b);
		if (!a || !b)
			return;
		char *r[] = { tool_rating(a, "Frob"), tool_rating(b, "Frob"), tool_rating(a, "Frob"),
			      tool_rating(b, "Zap"), tool_rating(a, "Zap") };
		CHECK_STR(r[0], "low/R");
		CHECK_STR(r[1], "high/W");
		CHECK_STR(r[2], "low/R");
		CHECK(strcmp(r[3], "low/R") != 0); /* not in b's table */
		CHECK_STR(r[4], "low/R");
		for (size_t i = 0; i < sizeof(r) / sizeof(*r); i++)
			free(r[i]);
		guard_policy_free(a);
		guard_policy_free(b);
	}
}

TEST(policy_risk_kept_per_policy)
{
	struct guard_policy *a = load1(RISK_POLICY("zz", "zebra"));
	CHECK(a != NULL);
	if (!a)
		return;
	unsigned long serial_a = guard_policy_risk(a)->serial;
	char *s1 = risk_reasons(a, "echo 'zebra-42' > notes.txt");
	char *s2 = risk_reasons(a, "frobnicate --out=zzstate/f");
	CHECK(strstr(s1, "rule word-zz") != NULL);
	CHECK(strstr(s2, "names guard's own state and is no read-only use: zzstate/f") != NULL);
	free(s1), free(s2);
	guard_policy_free(a);

	for (int round = 0; round < 3; round++) {
		struct guard_policy *b = load1(RISK_POLICY("yy", "yak"));
		CHECK(b != NULL);
		if (!b)
			return;
		CHECK(guard_policy_risk(b)->serial != 0 && guard_policy_risk(b)->serial != serial_a);
		char *t1 = risk_reasons(b, "echo 'zebra-42' > notes.txt");
		char *t2 = risk_reasons(b, "echo 'yak-7' > notes.txt");
		char *t3 = risk_reasons(b, "frobnicate --out=zzstate/f");
		char *t4 = risk_reasons(b, "frobnicate --out=yystate/f");
		CHECK(strstr(t1, "guard-scan") == NULL);
		CHECK(strstr(t2, "rule word-yy") != NULL);
		CHECK(strstr(t3, "guard's own state") == NULL);
		CHECK(strstr(t4, "names guard's own state and is no read-only use: yystate/f") != NULL);
		if (unit_current_failed)
			printf("#   round %d: '%s' '%s' '%s' '%s'\n", round, t1, t2, t3, t4);
		free(t1), free(t2), free(t3), free(t4);
		guard_policy_free(b);
	}
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/guard-test-policy-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("GUARD_PROFILE");
	unsetenv("GUARD_DEFAULT_POLICY");
	setenv("GUARD_NIGHTBUILDER_POLICY", "policy/nightbuilder.yaml", 1);
	RUN(policy_unknown_key_with_suggestion);
	RUN(policy_all_errors_at_once);
	RUN(policy_yaml_syntax_error_positioned);
	RUN(policy_refuses_writable_file);
	RUN(policy_missing_layers_are_fine);
	RUN(policy_shipped_files_validate);
	RUN(policy_shipped_tree_is_built_from_the_yaml);
	RUN(policy_edited_builtin_is_validated);
	RUN(policy_load_time);
	RUN(policy_groups_deny_ask_allow);
	RUN(policy_conditions);
	RUN(policy_regex_with_and_without_jit);
	RUN(policy_literal_home_paths_match);
	RUN(policy_invalid_risk_fails_closed);
	RUN(policy_rbac_missing);
	RUN(policy_audit_mode);
	RUN(policy_unattended_ask_becomes_deny);
	RUN(policy_user_replaces_builtin_rule);
	RUN(policy_managed_deny_is_final);
	RUN(policy_project_cannot_loosen);
	RUN(policy_project_tightens);
	RUN(policy_principals_only_user_managed);
	RUN(policy_rev_stable_and_sensitive);
	RUN(policy_thousand_rules);
	RUN(policy_case_runner_reports);
	RUN(policy_cases_default);
	RUN(policy_cases_nightbuilder);
	RUN(policy_risk_kept_per_policy);
	RUN(policy_tool_rating_per_policy);
	cJSON_Delete(last);
	guard_list_clear(&errors);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
	return unit_done();
}
