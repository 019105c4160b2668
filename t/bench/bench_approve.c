/*
 * bench_approve: request-approve-gate cycles through the library, from
 * concurrent client processes: the store's own throughput (locking,
 * atomic writes, fsync), without a process start per verb.
 *
 *   bench_approve [-c CLIENTS] [-n CYCLES] PROJECT
 *
 * Each client loads the policy once (as a long-lived program linking
 * libguard would), then runs CYCLES cycles on distinct actions: request
 * (the gate on an ask event), approve (alice@example.com, who must be a
 * principal of the user policy), and the gate again, which must allow and
 * consume. Prints cycles/s over the wall time of all clients, and exits 1
 * if any cycle did not end in an allow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard_approval.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_stage.h"

static cJSON *
ask_event(const char *project, int client, int i)
{
	char cmd[128];
	cJSON *ev = cJSON_CreateObject(), *d;

	snprintf(cmd, sizeof(cmd), "git push --force origin lib%d-%d", client, i);
	cJSON_AddStringToObject(ev, "tool", "Bash");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(ev, "input"), "command", cmd);
	cJSON_AddStringToObject(ev, "cwd", project);
	cJSON_AddStringToObject(ev, "project", project);
	cJSON_AddStringToObject(ev, "phase", "pre");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(ev, "actor"), "user", "claude");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(ev, "risk"), "level", "high");
	d = cJSON_AddObjectToObject(ev, "decision");
	cJSON_AddStringToObject(d, "effect", "ask");
	cJSON_AddStringToObject(d, "rule", "approve-high");
	return ev;
}

static int
client(const char *project, int id, int cycles)
{
	struct guard_stages st;
	const struct guard_policy *p;
	struct guard_approval_config c;
	struct guard_reviewer who;
	struct guard_verdict v = { "approve", NULL, NULL };
	int bad = 0;

	guard_stages_init(&st);
	if (guard_stages_policy(&st, project, &p) < 0 || guard_approval_config(p, &c) < 0 ||
	    guard_approval_reviewer(p, &c, "alice@example.com", &who) < 0) {
		fprintf(stderr, "bench_approve: %s\n", guard_error_last());
		return 2;
	}
	for (int i = 0; i < cycles; i++) {
		struct guard_approval_store s;
		char req_id[GUARD_APPROVAL_ID_LEN];
		cJSON *ev = ask_event(project, id, i), *req = NULL;
		const char *got;

		/* 1. the ask opens a request */
		if (guard_approval_gate(p, project, ev) < 0 || !(got = guard_event_str(ev, "approval.id"))) {
			bad++;
			cJSON_Delete(ev);
			continue;
		}
		snprintf(req_id, sizeof(req_id), "%s", got);
		cJSON_Delete(ev);
		/* 2. a person approves it */
		if (guard_approval_store_open(&s, project, false) < 0 || guard_approval_load(&s, req_id, &req) < 0 ||
		    guard_approval_lock_action(&s, guard_event_str(req, "action_digest")) < 0 ||
		    guard_approval_decide(req, &c, &who, &v) < 0 || guard_approval_save(&s, req) < 0)
			bad++;
		cJSON_Delete(req);
		guard_approval_store_close(&s);
		/* 3. the retried call passes, once */
		ev = ask_event(project, id, i);
		if (guard_approval_gate(p, project, ev) < 0 ||
		    (got = guard_event_str(ev, "decision.effect")) == NULL || strcmp(got, "allow"))
			bad++;
		cJSON_Delete(ev);
	}
	guard_stages_release(&st);
	return bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	int clients = 50, cycles = 20, opt, failed = 0;
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "c:n:")) != -1) {
		if (opt == 'c')
			clients = atoi(optarg);
		else if (opt == 'n')
			cycles = atoi(optarg);
		else
			return 2;
	}
	if (optind != argc - 1 || clients < 1 || cycles < 1) {
		fprintf(stderr, "usage: bench_approve [-c CLIENTS] [-n CYCLES] PROJECT\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < clients; i++)
		if (fork() == 0)
			_exit(client(argv[optind], i, cycles));
	for (int i = 0; i < clients; i++) {
		int status;
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("library cycles: %d request-approve-gate cycles from %d concurrent clients in %.2f s: %.0f cycles/s "
	       "(%d clients with a failed cycle)\n", clients * cycles, clients, secs, clients * cycles / secs, failed);
	return failed ? 1 : 0;
}
