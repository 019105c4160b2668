/*
 * The command corpus (every .jsonl file in t/corpus/, one file per family) against the real default
 * policy: each line is rated by the risk stage and decided by the policy
 * in a fresh project (with .git/, build/, node_modules/) and home, and
 * must give its expected verdict. One TAP line per corpus line. Runs
 * from the repository root.
 *
 * A line: {"command": CMD, "expected": allow|ask|deny, "why": ...}, and
 * optionally "profile": "unattended" (decided by default.yaml with
 * nightbuilder.yaml), "tool": NAME with "input": {...} and "hints": {...}
 * for a tool other than Bash (then "command" is only the case's name),
 * and "mcp_local": true for an MCP server guard mcp spawned here.
 */
#include <errno.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_list.h"
#include "guard_policy.h"
#include "guard_risk.h"

#define CORPUS "t/corpus/*.jsonl"

static int count, failed;
static struct guard_risk_ctx corpus_ctx; /* project and home; cfg per profile */

static void
tap(bool ok, const char *name, const char *diag)
{
	count++;
	if (!ok)
		failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", count);
	for (const char *p = name; *p; p++)
		fputs(*p == '\n' ? "\\n" : (char[2]){ *p, 0 }, stdout);
	putchar('\n');
	if (!ok && diag)
		printf("#   %s\n", diag);
	fflush(stdout);
}

static char *
make_dir(const char *tmpl)
{
	char *t = guard_xstrdup(tmpl);
	if (!mkdtemp(t)) {
		free(t);
		return NULL;
	}
	char *real = realpath(t, NULL);
	free(t);
	return real;
}

static void
sub_dir(const char *root, const char *name)
{
	char *p = guard_xasprintf("%s/%s", root, name);
	mkdir(p, 0700);
	free(p);
}

/* Project folders the cases delete (rm -r of a name that is not there deletes nothing), parents first. */
static const char *const folders[] = { "src", "src/generated", "docs", "tests", "tests/fixtures", NULL };

static void
remove_dir(const char *root, const char *name)
{
	char *p = guard_xasprintf("%s/%s", root, name);
	rmdir(p);
	free(p);
}

/* The event for one case: Bash with the command, or the case's own tool, input and hints. */
static cJSON *
make_event(const cJSON *c, const char *command, const char *project)
{
	cJSON *ev = cJSON_CreateObject();
	cJSON *actor = cJSON_CreateObject();
	const cJSON *tool = cJSON_GetObjectItemCaseSensitive(c, "tool");
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(c, "input");
	const cJSON *hints = cJSON_GetObjectItemCaseSensitive(c, "hints");

	if (cJSON_IsString(tool)) {
		cJSON_AddStringToObject(ev, "tool", tool->valuestring);
		cJSON_AddItemToObject(ev, "input", cJSON_IsObject(input) ? cJSON_Duplicate(input, 1) : cJSON_CreateObject());
	} else {
		cJSON *in = cJSON_CreateObject();
		cJSON_AddStringToObject(ev, "tool", "Bash");
		cJSON_AddStringToObject(in, "command", command);
		cJSON_AddItemToObject(ev, "input", in);
	}
	if (cJSON_IsObject(hints))
		cJSON_AddItemToObject(ev, "hints", cJSON_Duplicate(hints, 1));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "mcp_local")))
		cJSON_AddTrueToObject(ev, "mcp_local");
	cJSON_AddStringToObject(ev, "cwd", project);
	cJSON_AddStringToObject(ev, "project", project);
	cJSON_AddStringToObject(actor, "user", "claude");
	cJSON_AddStringToObject(actor, "role", "agent");
	cJSON_AddItemToObject(ev, "actor", actor);
	cJSON_AddStringToObject(ev, "source", "claude");
	cJSON_AddStringToObject(ev, "phase", "pre");
	return ev;
}

/* One corpus line: rate, decide, compare. */
static void
run_case(struct guard_policy *const policies[2], const char *line, const char *file, unsigned long lineno,
	 unsigned *allow)
{
	cJSON *c = cJSON_Parse(line);
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(c, "command");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "expected");
	const char *profile = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "profile"));
	char diag[4096];

	if (!cJSON_IsString(cmd) || !cJSON_IsString(exp) ||
	    (profile && strcmp(profile, "attended") && strcmp(profile, "unattended"))) {
		snprintf(diag, sizeof(diag), "%s:%lu: needs \"command\" and \"expected\" (and \"profile\" attended or unattended)",
			 file, lineno);
		tap(false, "malformed corpus line", diag);
		cJSON_Delete(c);
		return;
	}
	const struct guard_policy *policy = policies[profile && !strcmp(profile, "unattended")];
	struct guard_risk_ctx ctx = corpus_ctx;
	ctx.cfg = guard_policy_risk(policy);
	if (!strcmp(exp->valuestring, "allow"))
		(*allow)++;
	cJSON *ev = make_event(c, cmd->valuestring, ctx.project);
	int rc = guard_risk_event(&ctx, ev);
	enum guard_effect eff = rc < 0 ? GUARD_EFFECT_DENY : guard_policy_decide(policy, ev);
	bool ok = rc == 0 && !strcmp(guard_effect_name(eff), exp->valuestring);
	char *risk = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(ev, "risk"));
	const char *rule = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(ev, "decision"), "rule"));
	snprintf(diag, sizeof(diag), "%s:%lu: got %s (rule %s), expected %s; risk %s", file, lineno,
		 guard_effect_name(eff), rule ? rule : "-", exp->valuestring, risk ? risk : "-");
	tap(ok, cmd->valuestring, diag);
	free(risk);
	cJSON_Delete(ev);
	cJSON_Delete(c);
}

int
main(void)
{
	struct guard_policy *policies[2] = { NULL, NULL }; /* attended, unattended */
	struct guard_list errors = GUARD_LIST_INIT;
	char *project = make_dir("/tmp/guard-corpus-proj-XXXXXX");
	char *home = make_dir("/tmp/guard-corpus-home-XXXXXX");
	unsigned lines = 0, allow = 0;
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;

	if (!project || !home) {
		printf("not ok 1 - temporary directories: %s\n1..1\n", strerror(errno));
		return 1;
	}
	sub_dir(project, ".git");
	sub_dir(project, "build");
	sub_dir(project, "node_modules");
	for (size_t i = 0; folders[i]; i++)
		sub_dir(project, folders[i]);
	setenv("HOME", home, 1);
	setenv("TMPDIR", "/tmp", 1); /* "$TMPDIR" resolves to the temp area that holds the project */

	static const char *const profiles[2] = { "attended", "unattended" };
	for (size_t i = 0; i < 2; i++) {
		struct guard_policy_sources src = { .builtin = "policy/default.yaml", .user = "", .managed = "",
						     .project = "", .project_root = project, .profile = profiles[i],
						     .nightbuilder = "policy/nightbuilder.yaml" };
		if (guard_policy_load(&policies[i], &src, &errors) < 0) {
			tap(false, profiles[i], errors.len ? errors.items[0] : "unknown error");
			goto out;
		}
	}
	corpus_ctx = (struct guard_risk_ctx){ NULL, project, project, home, NULL };
	glob_t files = { 0 };
	if (glob(CORPUS, 0, NULL, &files) != 0 || files.gl_pathc == 0) {
		tap(false, "find " CORPUS, "no corpus file");
		globfree(&files);
		goto out;
	}
	for (size_t i = 0; i < files.gl_pathc; i++) {
		if (!(f = fopen(files.gl_pathv[i], "r"))) {
			tap(false, files.gl_pathv[i], strerror(errno));
			continue;
		}
		ssize_t n;
		unsigned long lineno = 0;
		while ((n = getline(&line, &cap, f)) > 0) {
			lineno++;
			if (n <= 1 || line[0] == '#')
				continue;
			lines++;
			run_case(policies, line, files.gl_pathv[i], lineno, &allow);
		}
		fclose(f);
		f = NULL;
	}
	globfree(&files);
	char diag[128];
	snprintf(diag, sizeof(diag), "%u cases", lines);
	tap(lines >= 1450, "corpus has at least 1450 cases", diag);
	snprintf(diag, sizeof(diag), "%u of %u allow", allow, lines);
	tap(lines && allow * 100 >= lines * 40, "corpus is at least 40% everyday (allow) commands", diag);
out:
	if (f)
		fclose(f);
	free(line);
	guard_policy_free(policies[0]);
	guard_policy_free(policies[1]);
	guard_list_clear(&errors);
	remove_dir(project, ".git");
	remove_dir(project, "build");
	remove_dir(project, "node_modules");
	for (size_t i = sizeof(folders) / sizeof(*folders) - 1; i-- > 0;)
		remove_dir(project, folders[i]);
	rmdir(project);
	rmdir(home);
	free(project);
	free(home);
	printf("1..%d\n", count);
	return failed ? 1 : 0;
}
