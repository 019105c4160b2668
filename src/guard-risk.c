/*
 * guard-risk: rate the risk of each event (or of one command).
 */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>

#include "cli.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_risk.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: guard-risk [--policy FILE] [--agent NAME] < events.jsonl\n"
		"       guard-risk --command 'CMD' [--explain] [--cwd DIR]\n"
		"       guard-risk --explain < event.json\n"
		"\n"
		"Adds \"risk\" {level, class, reasons, targets} to each JSON Lines event\n"
		"(or agent hook payload) on stdin and writes it to stdout.\n"
		"\n"
		"  -c, --command CMD   rate one shell command, print its risk as JSON\n"
		"  -e, --explain       print the step-by-step analysis instead\n"
		"  -C, --cwd DIR       directory the command runs in (default: here)\n"
		"  -p, --policy FILE   use FILE as the built-in policy layer\n"
		"  -a, --agent NAME    payload format on stdin: claude, gemini, codex\n"
		"  -h, --help          this text;  -V, --version  the version\n"
		"\n"
		"Exit: 0 ok, 2 bad input (each bad line still yields a deny event),\n"
		"7 policy invalid, 8 I/O failure.\n");
}

static int
stage_risk(struct guard_stages *s, cJSON *ev)
{
	return guard_stage_risk(s, ev, NULL);
}

/* Rate one event and print the analysis (with --explain) or the event. */
static int
rate_one(struct guard_stages *s, cJSON *ev, bool explain)
{
	struct guard_buf text = GUARD_BUF_INIT;
	int rc = guard_stage_risk(s, ev, explain ? &text : NULL);

	if (rc < 0) {
		guard_buf_release(&text);
		return cli_fail(rc);
	}
	if (explain) {
		fputs(text.buf, stdout);
		if (text.len && text.buf[text.len - 1] != '\n')
			putchar('\n');
	} else {
		char *s_risk = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(ev, "risk"));
		puts(s_risk);
		cJSON_free(s_risk);
	}
	guard_buf_release(&text);
	return 0;
}

struct opts {
	struct guard_stages *stages;
	enum guard_agent agent;
	const char *command, *cwd;
	bool explain;
};

/* The options, checked together. Returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "explain", no_argument, NULL, 'e' },
		{ "cwd", required_argument, NULL, 'C' },
		{ "policy", required_argument, NULL, 'p' },
		{ "agent", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0; /* cli_bad_option says it in one line */
	while ((c = getopt_long(argc, argv, "c:eC:p:a:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->command = optarg; break;
		case 'e': o->explain = true; break;
		case 'C': o->cwd = optarg; break;
		case 'p':
			if ((c = cli_need_file("--policy", optarg)))
				return c;
			o->stages->src.builtin = optarg;
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
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return GUARD_EXIT_USAGE;
	}
	if (o->cwd && !o->command) {
		cli_error("--cwd goes with --command");
		return GUARD_EXIT_USAGE;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct guard_stages stages;
	struct opts o = { &stages, GUARD_AGENT_CLAUDE, NULL, NULL, false };
	int status;
	cJSON *ev = NULL;

	cli_init("guard-risk");
	guard_stages_init(&stages);
	if ((status = parse_options(argc, argv, &o)) >= 0)
		return status;
	if (o.command) {
		char *abs = NULL;
		if (o.cwd && !(abs = realpath(o.cwd, NULL))) {
			bool missing = errno == ENOENT || errno == ENOTDIR;
			cli_error("--cwd %s: %s", o.cwd, missing ? "no such directory (check the path)" : strerror(errno));
			return missing ? GUARD_EXIT_NOTFOUND : GUARD_EXIT_USAGE;
		}
		ev = cli_command_event(o.command, abs);
		free(abs);
		status = rate_one(&stages, ev, o.explain);
	} else if (o.explain) {
		int rc = cli_read_one(o.agent, &ev);
		status = rc < 0 ? cli_fail(rc) : rate_one(&stages, ev, true);
	} else {
		status = cli_filter(&stages, stage_risk, o.agent);
	}
	cJSON_Delete(ev);
	guard_stages_release(&stages);
	return cli_finish(status);
}
