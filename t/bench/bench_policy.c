/*
 * bench_policy: how long guard_policy_decide takes with a 1,000-rule policy.
 *
 *   bench_policy [-r RULES] [-n ITERATIONS] [-b BATCHES] [-s SCENARIO] DIR
 *
 * Writes DIR/policy-RULES.yaml, a policy of RULES rules with varied
 * conditions (tool globs, PCRE2 regexes on the command, path globs with
 * access, risk levels, classes, hosts, roles), loads it as the only layer
 * through guard_policy_load, then times guard_policy_decide on events that
 * already carry their risk (so only the policy stage is measured):
 *
 *   last   a Bash event that only the very last rule (an allow) matches:
 *          every deny and ask rule is tried first, the worst case
 *   none   an event no rule matches: the policy default
 *   first  an event the first deny rule matches: the best case
 *
 * Each scenario runs BATCHES batches of ITERATIONS decides; the report is
 * the median and the slowest batch in µs per decide (a batch median is
 * robust against the noisy neighbours of a shared machine). -s runs one
 * scenario only (for callgrind: run with two -n values and subtract).
 */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard_error.h"
#include "guard_list.h"
#include "guard_policy.h"

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/*
 * One rule of eight kinds, in turn. Ids and patterns carry the index, so
 * no two rules are alike and none of them matches the benchmark events
 * (except rule 0, the "first" scenario's, and the last one).
 */
static void
write_rule(FILE *f, int i, int last)
{
	static const char *const effects[] = { "deny", "deny", "deny", "ask", "ask", "ask", "ask", "allow" };
	const char *effect = effects[i % 8];

	if (i == 0) {
		fprintf(f, "  - id: r0-no-prod-db\n    effect: deny\n"
			   "    when: {tool: Bash, regex: \"\\\\bpsql\\\\b.*\\\\bprod-db\\\\b\"}\n"
			   "    reason: \"no production database from the agent\"\n");
		return;
	}
	if (i == last) {
		fprintf(f, "  - id: r%d-bench-target\n    effect: allow\n"
			   "    when: {tool: Bash, class: W, regex: \"^make bench-target\\\\b\", path: \"src/**\", access: write}\n"
			   "    reason: \"the benchmark's own target\"\n", i);
		return;
	}
	fprintf(f, "  - id: r%d-%s\n    effect: %s\n    when: ", i, effect, effect);
	switch (i % 8) {
	case 0:
		fprintf(f, "{tool: \"Deploy%d|Release%d\", risk: \">=high\"}\n", i, i);
		break;
	case 1:
		fprintf(f, "{tool: Bash, regex: \"\\\\bdeploy-%d\\\\b.*--env=(prod|production)\"}\n", i);
		break;
	case 2:
		fprintf(f, "{path: [\"/srv/data%d/**\", \"**/secret-%d.txt\", \"~/.cred%d/**\"], access: write}\n", i, i, i);
		break;
	case 3:
		fprintf(f, "{tool: \"mcp__svc%d__*\", risk: [high, critical]}\n", i);
		break;
	case 4:
		fprintf(f, "{class: [D, W], path: \"vendor%d/**\"}\n", i);
		break;
	case 5:
		fprintf(f, "{host: [\"api%d.example.com\", \"*.svc%d.internal\"]}\n", i, i);
		break;
	case 6:
		fprintf(f, "{tool: \"Bash|Task\", regex: \"^(sudo )?tool%d (apply|destroy)\"}\n", i);
		break;
	case 7:
		if (i % 16 == 7)
			fprintf(f, "{role: \"reviewer%d\", tool: \"Read|Grep\"}\n", i);
		else
			fprintf(f, "{tool: \"Write|Edit\", class: W, path: \"src/gen%d/**\"}\n", i);
		break;
	}
	fprintf(f, "    reason: \"rule number %d\"\n", i);
}

static int
write_policy(const char *path, int nrules)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "version: 1\nmode: enforce\nprofile: attended\ndefault: allow\n"
		   "roles: {agent: [tool.use], reviewer: [approval.view], admin: [tool.use, approval.view, approval.manage]}\n"
		   "risk:\n  tools: {\"Read|Glob|Grep\": low/R, \"Write|Edit\": medium/W, Bash: analyse, \"mcp__*\": annotations}\n"
		   "  sensitive_paths: [\"**/.env\", \"~/.ssh/**\"]\n"
		   "  allowed_hosts: [github.com]\n"
		   "rules:\n");
	for (int i = 0; i < nrules; i++)
		write_rule(f, i, nrules - 1);
	if (fclose(f) == EOF)
		return -1;
	chmod(path, 0600);
	return 0;
}

/* Events with their risk already rated, as guard-risk would leave them. */
#define EVENT(cmd, risk) \
	"{\"v\":1,\"id\":\"6f1f7b3e-8a4c-4a8e-9a55-1c2d3e4f5a6b\",\"ts\":\"2026-11-21T03:04:05.678Z\"," \
	"\"source\":\"claude\",\"phase\":\"pre\",\"session\":\"s1\",\"cwd\":\"/work/app\",\"project\":\"/work/app\"," \
	"\"actor\":{\"user\":\"claude\",\"role\":\"agent\"},\"tool\":\"Bash\",\"input\":{\"command\":\"" cmd "\"}," \
	"\"risk\":" risk "}"

static const struct scenario {
	const char *name;
	const char *event;
	const char *want_rule; /* a prefix of the rule id expected, or "default" */
} scenarios[] = {
	{ "last",
	  EVENT("make bench-target && cp build/app src/app.c",
		"{\"level\":\"medium\",\"class\":\"W\",\"reasons\":[\"writes src/app.c\"],"
		"\"targets\":[\"src/app.c\"],\"reads\":[\"build/app\"],\"hosts\":[]}"),
	  "r999-bench-target" },
	{ "none",
	  EVENT("make -j4 all && ./build/app --selftest",
		"{\"level\":\"low\",\"class\":\"X\",\"reasons\":[],"
		"\"targets\":[\"build/app\"],\"reads\":[\"src/main.c\"],\"hosts\":[\"github.com\"]}"),
	  "default" },
	{ "first",
	  EVENT("psql -h prod-db -c 'select 1'",
		"{\"level\":\"medium\",\"class\":\"X\",\"reasons\":[\"database client\"],"
		"\"targets\":[],\"reads\":[],\"hosts\":[\"prod-db\"]}"),
	  "r0-no-prod-db" },
};

int
main(int argc, char **argv)
{
	struct guard_policy_sources src = { 0 };
	struct guard_list errors = GUARD_LIST_INIT;
	struct guard_policy *p = NULL;
	const char *only = NULL;
	char path[4096], want_last[64];
	int nrules = 1000, opt;
	long iters = 20000, batches = 15;
	double t0, load_ms;

	while ((opt = getopt(argc, argv, "r:n:b:s:")) != -1) {
		switch (opt) {
		case 'r': nrules = atoi(optarg); break;
		case 'n': iters = atol(optarg); break;
		case 'b': batches = atol(optarg); break;
		case 's': only = optarg; break;
		default:
			fprintf(stderr, "usage: bench_policy [-r RULES] [-n ITERATIONS] [-b BATCHES] [-s last|none|first] DIR\n");
			return 2;
		}
	}
	if (optind >= argc || nrules < 2 || iters < 1 || batches < 1) {
		fprintf(stderr, "usage: bench_policy [-r RULES] [-n ITERATIONS] [-b BATCHES] [-s last|none|first] DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/policy-%d.yaml", argv[optind], nrules);
	snprintf(want_last, sizeof(want_last), "r%d-bench-target", nrules - 1);
	if (write_policy(path, nrules) < 0) {
		perror(path);
		return 8;
	}

	guard_policy_jit(true); /* decides by the thousand, as a stream does */
	src.builtin = path;
	src.user = src.managed = src.project = src.nightbuilder = "";
	src.profile = "attended";
	t0 = now_us();
	if (guard_policy_load(&p, &src, &errors) < 0) {
		fprintf(stderr, "bench_policy: %s does not load:\n", path);
		for (size_t i = 0; i < errors.len && i < 20; i++)
			fprintf(stderr, "  %s\n", errors.items[i]);
		return 7;
	}
	load_ms = (now_us() - t0) / 1e3;
	printf("policy %s: %d rules, loaded in %.2f ms\n", path, nrules, load_ms);
	printf("%-6s %10s %12s %12s %12s  %s\n", "event", "decides", "median_us", "max_us", "min_us", "rule");

	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		const struct scenario *sc = &scenarios[s];
		const char *want = !strcmp(sc->name, "last") ? want_last : sc->want_rule;
		cJSON *ev = cJSON_Parse(sc->event);
		double *per = calloc((size_t)batches, sizeof(double));
		const char *rule;
		char rule_id[128];

		if (only && strcmp(only, sc->name))
			goto next;
		if (!ev || !per)
			abort();
		/* The benchmark is only honest if the expected rule decides. */
		guard_policy_decide(p, ev);
		rule = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "decision"), "rule"));
		if (!rule || strcmp(rule, want)) {
			fprintf(stderr, "bench_policy: scenario %s decided by rule %s, expected %s\n", sc->name,
				rule ? rule : "(none)", want);
			return 1;
		}
		/* A copy: each decide below replaces the decision the id lives in. */
		snprintf(rule_id, sizeof(rule_id), "%s", rule);
		for (long b = 0; b < batches; b++) {
			t0 = now_us();
			for (long i = 0; i < iters; i++)
				guard_policy_decide(p, ev); /* replaces the event's decision each time */
			per[b] = (now_us() - t0) / (double)iters;
		}
		qsort(per, (size_t)batches, sizeof(double), cmp_double);
		printf("%-6s %10ld %12.3f %12.3f %12.3f  %s\n", sc->name, iters * batches, per[batches / 2],
		       per[batches - 1], per[0], rule_id);
next:
		free(per);
		cJSON_Delete(ev);
	}
	guard_policy_free(p);
	guard_list_clear(&errors);
	return fflush(stdout) == EOF ? 8 : 0;
}
