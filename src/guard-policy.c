/*
 * guard-policy: decide allow / ask / deny for each event.
 */
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_path.h"
#include "guard_policy.h"
#include "guard_policy_test.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: guard-policy [--policy FILE] [--profile unattended] < events.jsonl\n"
		"       guard-policy --check [--command 'CMD'] < event.json\n"
		"       guard-policy --validate [--layer NAME] [FILE]\n"
		"       guard-policy test CASES.yaml...\n"
		"\n"
		"Adds \"decision\" {effect, rule, reason, missing, policy_rev} to each event\n"
		"(rating its risk first when it has none).\n"
		"\n"
		"  -k, --check         answer one event with one word: allow, ask or deny\n"
		"  -c, --command CMD   with --check: decide for this shell command\n"
		"  -v, --validate      lint FILE as a LAYER (builtin, user, managed, project),\n"
		"                      or every layer in force here; exit 7 with every error\n"
		"  -l, --layer NAME    the layer FILE is checked as (default: project)\n"
		"  -p, --policy FILE   use FILE as the built-in policy layer\n"
		"      --profile NAME  attended or unattended\n"
		"  -a, --agent NAME    payload format on stdin: claude, gemini, codex\n"
		"  -h, --help          this text;  -V, --version  the version\n"
		"\n"
		"Exit: 0 allow/ok, 1 deny (or a failed test case), 2 bad input, 3 ask,\n"
		"7 policy invalid, 8 I/O failure.\n");
}

static int
effect_status(const char *effect)
{
	if (effect && !strcmp(effect, "allow"))
		return GUARD_EXIT_OK;
	if (effect && !strcmp(effect, "ask"))
		return GUARD_EXIT_PENDING;
	return GUARD_EXIT_DENY;
}

static int
check(struct guard_stages *s, const char *command, enum guard_agent agent)
{
	cJSON *ev = NULL;
	int rc;

	if (command) {
		ev = cli_command_event(command, NULL);
		rc = 0;
	} else {
		rc = cli_read_one(agent, &ev);
	}
	if (rc >= 0)
		rc = guard_stage_decide(s, ev);
	if (rc < 0) {
		puts("deny");
		cJSON_Delete(ev);
		return cli_fail(rc);
	}
	const char *effect = guard_event_str(ev, "decision.effect");
	puts(effect ? effect : "deny");
	rc = effect_status(effect);
	cJSON_Delete(ev);
	return rc;
}

static int
print_errors(const struct guard_list *errors)
{
	for (size_t i = 0; i < errors->len; i++)
		cli_line(stderr, "%s", errors->items[i]);
	return GUARD_EXIT_POLICY;
}

static int
validate(struct guard_stages *s, const char *file, const char *layer_name)
{
	static const char *const names[] = { "builtin", "user", "managed", "project", NULL };
	struct guard_list errors = GUARD_LIST_INIT;
	int rc, status;

	enum guard_layer layer = GUARD_LAYER_PROJECT;
	bool found = !layer_name;
	for (int i = 0; layer_name && i < 4; i++)
		if (!strcmp(layer_name, names[i]))
			layer = (enum guard_layer)i, found = true;
	if (!found) {
		const char *close = cli_closest(layer_name, names);
		cli_error("unknown layer '%s'%s%s%s (builtin, user, managed, project)", layer_name, close ? " (did you mean " : "",
			  close ? close : "", close ? "?)" : "");
		return GUARD_EXIT_USAGE;
	}
	if (layer_name && !file) {
		cli_error("--layer %s names the layer of a FILE: guard-policy --validate --layer %s FILE", layer_name, layer_name);
		return GUARD_EXIT_USAGE;
	}
	if (file) {
		if ((rc = cli_need_file("--validate", file)))
			return rc;
		rc = guard_policy_validate_file(file, layer, &errors);
	} else {
		struct guard_policy *p = NULL;
		char *here = getcwd(NULL, 0), *root = NULL;
		guard_project_root(here ? here : ".", &root);
		s->src.project_root = root;
		rc = guard_policy_load(&p, &s->src, &errors);
		if (rc >= 0) {
			const struct guard_list *w = guard_policy_warnings(p);
			for (size_t i = 0; i < w->len; i++)
				cli_line(stderr, "warning: %s", w->items[i]);
			printf("policy ok: %s\n", guard_policy_rev(p));
		}
		s->src.project_root = NULL;
		guard_policy_free(p);
		free(root);
		free(here);
	}
	if (rc < 0 && !errors.len)
		guard_list_add(&errors, guard_error_last());
	status = rc < 0 ? print_errors(&errors) : 0;
	if (file && rc >= 0)
		printf("%s: ok\n", file);
	guard_list_clear(&errors);
	return status;
}

static int
run_tests(struct guard_stages *s, int argc, char **argv)
{
	int passed = 0, failed = 0, status = 0, ran = 0;

	if (argc == 0) {
		cli_error("test needs at least one CASES.yaml file");
		return GUARD_EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		struct guard_buf report = GUARD_BUF_INIT;
		int p = 0, f = 0, missing = cli_need_file("test", argv[i]);
		if (missing) {
			status = status == 0 || status == GUARD_EXIT_DENY ? missing : status;
			continue;
		}
		int rc = guard_policy_test_file(argv[i], &s->src, &report, &p, &f);
		fputs(report.buf, stdout);
		if (rc < 0) {
			if (!strstr(report.buf, guard_error_last())) /* said once */
				cli_error("%s", guard_error_last());
			guard_buf_release(&report);
			if (status == 0 || status == GUARD_EXIT_DENY)
				status = guard_exit_status(rc);
			continue;
		}
		guard_buf_release(&report);
		ran++;
		passed += p;
		failed += f;
		if (f && status == 0)
			status = GUARD_EXIT_DENY;
	}
	if (ran) /* a file that could not be read has no cases to count */
		printf("%d passed, %d failed\n", passed, failed);
	return status;
}

static int
stage_decide(struct guard_stages *s, cJSON *ev)
{
	return guard_stage_decide(s, ev);
}

struct opts {
	struct guard_stages *stages;
	enum guard_agent agent;
	const char *command, *layer;
	bool check, validate;
};

/* The options, checked together. Returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'k' },
		{ "command", required_argument, NULL, 'c' },
		{ "validate", no_argument, NULL, 'v' },
		{ "layer", required_argument, NULL, 'l' },
		{ "policy", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "agent", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0; /* cli_bad_option says it in one line */
	while ((c = getopt_long(argc, argv, "+kc:vl:p:a:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o->check = true; break;
		case 'c': o->command = optarg; break;
		case 'v': o->validate = true; break;
		case 'l': o->layer = optarg; break;
		case 'p':
			if ((c = cli_need_file("--policy", optarg)))
				return c;
			o->stages->src.builtin = optarg;
			break;
		case 'P':
			if (strcmp(optarg, "attended") && strcmp(optarg, "unattended")) {
				cli_error("unknown profile '%s' (attended, unattended)", optarg);
				return GUARD_EXIT_USAGE;
			}
			o->stages->src.profile = optarg;
			break;
		case 'a':
			if (guard_agent_parse(optarg, &o->agent) < 0)
				return cli_fail(GUARD_EUSAGE);
			break;
		case 'h': usage(stdout); return cli_finish(0);
		case 'V': cli_version(); return cli_finish(0);
		default: return cli_bad_option(argv, opts);
		}
	}
	if (o->check + o->validate > 1 || (o->command && !o->check) || (o->layer && !o->validate)) {
		cli_error("--check and --validate do not combine; --command goes with --check, --layer with --validate");
		return GUARD_EXIT_USAGE;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct guard_stages stages;
	struct opts o = { &stages, GUARD_AGENT_CLAUDE, NULL, NULL, false, false };
	int status;

	cli_init("guard-policy");
	guard_stages_init(&stages);
	if ((status = parse_options(argc, argv, &o)) >= 0)
		return status;
	argc -= optind;
	argv += optind;
	if (argc > 0 && !strcmp(argv[0], "test") && !o.check && !o.validate) {
		status = run_tests(&stages, argc - 1, argv + 1);
	} else if (o.validate) {
		if (argc > 1) {
			cli_error("--validate takes one FILE at most");
			return GUARD_EXIT_USAGE;
		}
		status = validate(&stages, argc ? argv[0] : NULL, o.layer);
	} else if (argc > 0) {
		cli_error("unexpected argument '%s'", argv[0]);
		usage(stderr);
		return GUARD_EXIT_USAGE;
	} else if (o.check) {
		status = check(&stages, o.command, o.agent);
	} else {
		status = cli_filter(&stages, stage_decide, o.agent);
	}
	guard_stages_release(&stages);
	return cli_finish(status);
}
