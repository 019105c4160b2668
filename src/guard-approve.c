/*
 * guard-approve: the approval store and its verbs; as a filter, the gate
 * that turns an approved `ask` into allow, once.
 */
#include <errno.h>
#include <pwd.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "approve_key.h"
#include "approve_view.h"
#include "cli.h"
#include "guard_approval.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_time.h"

/* Under "usage:" in the full help; each verb's line comes from the table. */
static const char summary[] =
	"Human approval bound to one exact action: one JSON file per request in\n"
	".ai/approvals/. IDs may be shortened to any unique prefix. Options may\n"
	"come before or after the verb.\n"
	"\n"
	"  --as USER       who is acting (default: git's user.email, else $USER)\n"
	"  --reason TEXT   the comment recorded with a decision\n"
	"  --json          JSON (list: one array) instead of a table\n"
	"  --table         list: the table even in a pipe (the default on a terminal;\n"
	"                  a pipe gets one JSON request a line)\n"
	"  -h, --help      this text;  -V, --version  the version\n"
	"\n"
	"Exit: 0 ok/approved, 1 rejected or not permitted, 2 usage or bad input,\n"
	"3 pending, 4 already decided (or consumed), 5 unknown id, 6 expired,\n"
	"7 configuration invalid, 8 I/O failure.";

struct ctx {
	struct guard_stages stages;
	const struct guard_policy *policy;
	struct guard_approval_config cfg;
	struct guard_approval_store store;
	char *root;
	const char *as;
};

/* The options, wherever they stood on the command line. */
struct keygen_opts {
	bool force, no_passphrase, install, public_only;
};

static struct opts {
	const char *reason, *command, *tool, *input, *cwd;
	bool json, table, all, gate;
	struct keygen_opts kg;
	long long timeout;
	struct approve_filter f;  /* list's filters; the verb's operands */
} opt;

static struct ctx ctx = { .stages = GUARD_STAGES_INIT, .store = GUARD_APPROVAL_STORE_INIT };

/* The project, its policy and its store (created only when asked). */
static int
open_project(struct ctx *c, bool create)
{
	char *here = getcwd(NULL, 0);
	int rc;

	if (!here)
		return guard_error(GUARD_EIO, "cannot find the current directory: %s", strerror(errno));
	rc = guard_project_root(here, &c->root);
	if (rc < 0) /* no store to make here: say where one is */
		rc = guard_error(GUARD_ENOTFOUND, "no project here (no .git or .ai/policy.yaml above %s): run guard-approve "
				 "inside your repository, or set GUARD_DIR to it", here);
	free(here);
	if (rc < 0)
		return rc;
	if ((rc = guard_stages_policy(&c->stages, c->root, &c->policy)) < 0 ||
	    (rc = guard_approval_config(c->policy, &c->cfg)) < 0)
		return rc;
	return guard_approval_store_open(&c->store, c->root, create);
}

/* --as, else git's user.email, else $USER. */
static const char *
identity(struct ctx *c)
{
	static char email[256];
	FILE *p;

	if (c->as)
		return c->as;
	if (!email[0] && (p = popen("git config --get user.email 2>/dev/null", "r"))) {
		if (fgets(email, sizeof(email), p))
			email[strcspn(email, "\r\n")] = '\0';
		pclose(p);
	}
	if (email[0])
		return email;
	if (getenv("USER") && *getenv("USER"))
		return getenv("USER");
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : "unknown";
}

static int
need_view(struct ctx *c)
{
	const char *who = identity(c);

	if (guard_policy_principal_can(c->policy, who, "approval.view"))
		return 0;
	return guard_error(GUARD_EDENY, "'%s' lacks the permission approval.view (principals are read from the user "
			   "and managed policy layers only): 'guard-approve keygen --install' makes you an approver; "
			   "--as USER names another principal", who);
}

/* ---- request ---- */

static int
request_action(struct ctx *c, const char *command, const char *tool, const char *input, const char *cwd)
{
	cJSON *ev = NULL, *req = NULL;
	char digest[65];
	bool created;
	int rc;

	if (command) {
		ev = cli_command_event(command, cwd);
	} else if (tool) {
		cJSON *in = input ? cJSON_Parse(input) : cJSON_CreateObject();
		if (!cJSON_IsObject(in)) {
			cJSON_Delete(in);
			return guard_error(GUARD_EUSAGE, "--input must be a JSON object");
		}
		ev = cJSON_CreateObject();
		cJSON_AddStringToObject(ev, "source", "cli");
		cJSON_AddStringToObject(ev, "tool", tool);
		cJSON_AddItemToObject(ev, "input", in);
		if (cwd)
			cJSON_AddStringToObject(ev, "cwd", cwd);
	} else if ((rc = cli_read_one(GUARD_AGENT_CLAUDE, &ev)) < 0) {
		return rc;
	}
	/*
	 * Asked directly, not by guard's hook: the requester is the caller and
	 * the risk is guard's own rating of the action. What the event claimed
	 * (risk, reasons, requester) is kept apart as "claimed", for the person
	 * to see beside guard's, never used.
	 */
	cJSON *claimed = cJSON_CreateObject(), *was;
	if ((was = cJSON_DetachItemFromObjectCaseSensitive(ev, "risk")))
		cJSON_AddItemToObject(claimed, "risk", was);
	if ((was = cJSON_DetachItemFromObjectCaseSensitive(ev, "actor")))
		cJSON_AddItemToObject(claimed, "actor", was);
	cJSON_DeleteItemFromObjectCaseSensitive(ev, "claimed");
	cJSON_AddItemToObject(ev, "claimed", claimed);
	cJSON *actor = cJSON_AddObjectToObject(ev, "actor");
	cJSON_AddStringToObject(actor, "user", identity(c));
	cJSON_AddStringToObject(actor, "role", "agent");
	if ((rc = guard_event_complete(ev, "cli")) < 0 || (rc = guard_stage_risk(&c->stages, ev, NULL)) < 0)
		goto out;
	free(c->root);
	c->root = guard_xstrdup(guard_event_str(ev, "project"));
	if ((rc = guard_stages_policy(&c->stages, c->root, &c->policy)) < 0 ||
	    (rc = guard_approval_config(c->policy, &c->cfg)) < 0 ||
	    (rc = guard_approval_store_open(&c->store, c->root, true)) < 0 ||
	    (rc = guard_approval_digest(ev, digest)) < 0 ||
	    (rc = guard_approval_lock_action(&c->store, digest)) < 0 ||
	    (rc = guard_approval_request(&c->store, &c->cfg, ev, digest, &req, &created)) < 0 ||
	    (created && (rc = guard_approval_audit(c->policy, c->root, req, "approval.required", NULL)) < 0))
		goto out;
	guard_approval_unlock_action(&c->store);
	if (!created)
		cli_error("a pending request for this exact action exists: %s", guard_event_str(req, "id"));
	printf("%s\n", guard_event_str(req, "id"));
	rc = 0;
out:
	cJSON_Delete(req);
	cJSON_Delete(ev);
	return rc;
}

/* ---- deciding ---- */

static int
load_secret_key(const char *user, const char *key_line, unsigned char sk[GUARD_KEY_SECRET_BYTES])
{
	char *path = approve_key_path(user), pub[128];
	int rc = approve_key_read(path, sk);

	if (rc == GUARD_ENOTFOUND)
		rc = guard_error(GUARD_EPOLICY, "the policy gives %s a key, but %s does not exist (guard-approve keygen --as %s)",
				 user, path, user);
	else if (rc == 0 && (rc = guard_key_public_line(sk, pub, sizeof(pub))) == 0 && strcmp(pub, key_line))
		rc = guard_error(GUARD_EPOLICY, "%s is not the key the policy lists for %s", path, user);
	free(path);
	return rc;
}

static int
decide(struct ctx *c, const char *verdict, const char *prefix, const char *reason)
{
	struct guard_reviewer who;
	struct guard_verdict v = { verdict, reason, NULL };
	unsigned char sk[GUARD_KEY_SECRET_BYTES];
	char id[GUARD_APPROVAL_ID_LEN];
	const char *me = identity(c);
	cJSON *req = NULL;
	int rc;

	if ((rc = guard_approval_resolve(&c->store, prefix, id)) < 0)
		return rc;
	if (!strcmp(verdict, "cancel")) {
		/* the requester withdraws, or a reviewer does */
		memset(&who, 0, sizeof(who));
		who.user = me;
	} else if ((rc = guard_approval_reviewer(c->policy, &c->cfg, me, &who)) < 0) {
		return rc;
	}
	/* a decision that could not count is refused before anything is written */
	if (!who.key && c->cfg.require_signature && strcmp(verdict, "cancel"))
		return guard_error(GUARD_EPOLICY, "approval.require_signature is on and the policy lists no key for %s, so an "
				   "unsigned decision would not count; nothing was written (make one with: guard-approve keygen "
				   "--as %s --install)", me, me);
	if (who.key) {
		if ((rc = load_secret_key(me, who.key, sk)) < 0)
			return rc;
		v.secret_key = sk;
	}
	/* the request's action lock, then the request as it is under it */
	if ((rc = guard_approval_load(&c->store, id, &req)) < 0 ||
	    (rc = guard_approval_lock_action(&c->store, guard_event_str(req, "action_digest"))) < 0)
		goto out;
	cJSON_Delete(req);
	req = NULL;
	if ((rc = guard_approval_load(&c->store, id, &req)) < 0)
		goto out;
	if (!strcmp(verdict, "cancel") && strcmp(guard_event_str(req, "requested_by"), me)) {
		struct guard_reviewer mgr;
		if ((rc = guard_approval_reviewer(c->policy, &c->cfg, me, &mgr)) < 0) {
			rc = guard_error(GUARD_EDENY, "only the requester (%s) or a reviewer may cancel %s: %s",
					 guard_event_str(req, "requested_by"), id, guard_error_last());
			goto out;
		}
		who = mgr;
	}
	if (guard_approval_mark_expired(req) && (rc = guard_approval_save(&c->store, req)) < 0)
		goto out;
	char was[32];
	snprintf(was, sizeof(was), "%s", guard_approval_status(req, NULL));
	if ((rc = guard_approval_decide(req, &c->cfg, &who, &v)) < 0 ||
	    (rc = guard_approval_audit_save(&c->store, c->policy, c->root, req, "approval.status_changed", me,
					    was)) < 0)
		goto out;
	guard_approval_unlock_action(&c->store);
	approve_print_decided(req, me, v.secret_key != NULL);
	if (c->store.unsynced)
		cli_error("warning: %s is decided, but a crash could undo it: %s", id, guard_error_last());
	rc = 0;
out:
	sodium_memzero(sk, sizeof(sk));
	cJSON_Delete(req);
	return rc;
}

/* ---- reading ---- */

static int
load_one(struct ctx *c, const char *prefix, cJSON **req)
{
	char id[GUARD_APPROVAL_ID_LEN];
	int rc = guard_approval_resolve(&c->store, prefix, id);

	return rc < 0 ? rc : guard_approval_load(&c->store, id, req);
}

/*
 * A request with a consumption marker is consumed, whatever its file says
 * (guard_approval_consumed): shown so, with a warning when they differ.
 */
static int
apply_marker(struct ctx *c, cJSON *req)
{
	char *at = NULL;
	int rc = guard_approval_consumed(c->root, guard_event_str(req, "id"), &at);

	if (rc == 1 && strcmp(guard_event_str(req, "status"), "consumed")) {
		cli_error("warning: %s says %s, but it was used at %s (its file was restored or edited)",
			  guard_event_str(req, "id"), guard_event_str(req, "status"), at);
		guard_json_set(req, "status", cJSON_CreateString("consumed"));
		guard_json_set(req, "consumed_at", cJSON_CreateString(at));
	}
	free(at);
	return rc < 0 ? rc : 0;
}

static int
show_one(struct ctx *c, const char *prefix, bool json)
{
	cJSON *req;
	int rc;

	if ((rc = need_view(c)) < 0 || (rc = load_one(c, prefix, &req)) < 0)
		return rc;
	if ((rc = apply_marker(c, req)) < 0) {
		cJSON_Delete(req);
		return rc;
	}
	approve_print_request(req, json);
	cJSON_Delete(req);
	return 0;
}

static int
status_one(struct ctx *c, const char *prefix)
{
	long long left;
	const char *state;
	cJSON *req;
	int rc;

	if ((rc = load_one(c, prefix, &req)) < 0)
		return rc;
	if ((rc = apply_marker(c, req)) < 0) {
		cJSON_Delete(req);
		return rc;
	}
	state = guard_approval_status(req, &left);
	if (left)
		printf("%s %s %llds\n", guard_event_str(req, "id"), state, left);
	else
		printf("%s %s\n", guard_event_str(req, "id"), state);
	rc = approve_state_status(state);
	cJSON_Delete(req);
	guard_error_clear(); /* the state is the answer */
	return rc;
}

static int
wait_one(struct ctx *c, const char *prefix, long long timeout)
{
	char id[GUARD_APPROVAL_ID_LEN];
	struct approve_progress prog = { cli_terminal(STDERR_FILENO), NULL, 0 };
	cJSON *req = NULL;
	int rc;

	if ((rc = guard_approval_resolve(&c->store, prefix, id)) < 0)
		return rc;
	rc = guard_approval_wait(&c->store, id, timeout, c->cfg.poll_ms, approve_progress_tick, &prog, &req);
	approve_progress_done(&prog);
	if (req)
		printf("%s %s\n", id, guard_approval_status(req, NULL));
	cJSON_Delete(req);
	if (rc == GUARD_EEXPIRED && !req)
		return rc; /* our own time-out: the message says so */
	if (rc == GUARD_EDENY || rc == GUARD_EEXPIRED)
		guard_error_clear(); /* the state printed is the answer */
	return rc;
}

struct sweep {
	struct ctx *c;
	int expired, failed;
};

static int
sweep_one(cJSON *req, void *arg)
{
	struct sweep *s = arg;
	struct guard_approval_store *st = &s->c->store;
	cJSON *now = NULL;
	char id[GUARD_APPROVAL_ID_LEN];

	if (strcmp(guard_approval_status(req, NULL), "expired") || !strcmp(guard_event_str(req, "status"), "expired"))
		return 0;
	/* under the action's lock, the request as it is now */
	snprintf(id, sizeof(id), "%s", guard_event_str(req, "id"));
	if (guard_approval_lock_action(st, guard_event_str(req, "action_digest")) < 0 ||
	    guard_approval_load(st, id, &now) < 0) {
		cli_error("%s", guard_error_last());
		s->failed++;
	} else if (guard_approval_mark_expired(now)) {
		if (guard_approval_audit_save(st, s->c->policy, s->c->root, now, "approval.status_changed", NULL,
					      "pending") < 0) {
			cli_error("%s", guard_error_last());
			s->failed++;
		} else {
			printf("expired %s  %s\n", id, guard_event_str(now, "summary"));
			s->expired++;
		}
	}
	guard_approval_unlock_action(st);
	cJSON_Delete(now);
	return 0;
}

static void
report_bad(const char *file, const char *why, void *arg)
{
	(void)arg;
	cli_error("skipping %s: %s", file, why);
}

static int
expire_all(struct ctx *c)
{
	struct sweep s = { c, 0, 0 };
	int rc;

	if ((rc = guard_approval_each(&c->store, sweep_one, &s, report_bad)) < 0)
		return rc;
	fprintf(stderr, "%d request%s expired\n", s.expired, s.expired == 1 ? "" : "s");
	return s.failed ? GUARD_EIO : 0;
}

static int
verify_some(struct ctx *c, int argc, char **argv, bool all)
{
	struct approve_verify v = { c->policy, &c->cfg, c->root, 0, 0 };
	int rc;

	if (all) {
		if ((rc = guard_approval_each(&c->store, approve_verify_one, &v, report_bad)) < 0)
			return rc;
	} else {
		if (argc == 0)
			return guard_error(GUARD_EUSAGE, "verify needs request ids, or --all");
		for (int i = 0; i < argc; i++) {
			cJSON *req;
			if ((rc = load_one(c, argv[i], &req)) < 0)
				return rc;
			approve_verify_one(req, &v);
			cJSON_Delete(req);
		}
	}
	fflush(stdout);
	fprintf(stderr, "%d request%s verified, %d with problems\n", v.ok, v.ok == 1 ? "" : "s", v.bad);
	return v.bad ? guard_error(GUARD_EDENY, "verification failed") : 0;
}

/* The lines a person adds to the user or managed policy. */
static void
print_principal(const char *me, const char *pub)
{
	printf("principals:\n  %s:\n    roles: [admin]\n    key: \"%s\"\n", me, pub);
}

static int
install(const char *me, const char *pub, bool dry_run)
{
	char *where = NULL;
	int rc = approve_install_principal(me, pub, dry_run, &where);

	if (dry_run)
		;
	else if (rc == 1)
		fprintf(stderr, "%s already lists %s with this key\n", where, me);
	else if (rc == 0)
		fprintf(stderr, "added %s (roles [admin]) with this key to %s\n", me, where);
	free(where);
	return rc < 0 ? rc : 0;
}

/* keygen --public [--install]: the lines of the key that exists. */
static int
keygen_public(const char *me, const char *path, const struct keygen_opts *o)
{
	char pub[128];
	int rc = approve_key_public(path, pub, sizeof(pub));

	if (rc == GUARD_ENOTFOUND)
		return guard_error(GUARD_ENOTFOUND, "%s does not exist (guard-approve keygen --as %s makes it)", path, me);
	if (rc < 0 || (o->install && (rc = install(me, pub, false)) < 0))
		return rc;
	print_principal(me, pub);
	return 0;
}

static int
keygen(struct ctx *c, const struct keygen_opts *o)
{
	const char *me = identity(c);
	unsigned char sk[GUARD_KEY_SECRET_BYTES];
	char pub[128], *path = approve_key_path(me);
	int rc;

	if (!path)
		return guard_error(GUARD_EUSAGE, "'%s' cannot name a key file (letters, digits, . _ @ + - only)", me);
	if (o->public_only) {
		rc = keygen_public(me, path, o);
		free(path);
		return rc;
	}
	if (!o->force && access(path, F_OK) == 0) {
		rc = guard_error(GUARD_ECONFLICT, "%s exists; --public reprints its policy lines (--public --install adds them "
				 "to your user policy), --force replaces it (and every decision it signed stops verifying "
				 "once the policy lists the new key)", path);
		free(path);
		return rc;
	}
	/* an entry that cannot be installed is found before a key is written */
	if ((rc = guard_key_generate(sk, pub, sizeof(pub))) == 0 && (!o->install || (rc = install(me, pub, true)) == 0))
		rc = approve_key_write(path, sk, o->no_passphrase);
	sodium_memzero(sk, sizeof(sk));
	if (rc == 0)
		fprintf(stderr, "secret key written to %s (mode 0600, %s)\n", path,
			o->no_passphrase ? "NOT sealed: whoever can read it can sign; for CI and test keys only"
					 : "sealed with your passphrase");
	if (rc == 0 && o->install)
		rc = install(me, pub, false);
	else if (rc == 0)
		fprintf(stderr, "Add the public key to the user (~/.config/guard/policy.yaml) or managed\n"
			"(/etc/guard/policy.yaml) policy, never to the project's (--install does the first):\n\n");
	if (rc == 0)
		print_principal(me, pub);
	free(path);
	return rc;
}

static int
list_some(struct ctx *c, struct approve_filter *f, bool json, bool table)
{
	int rc;

	if ((rc = need_view(c)) < 0)
		return rc;
	return approve_list(&c->store, f, cli_table_out(json, table) ? APPROVE_TABLE : json ? APPROVE_JSON : APPROVE_JSONL);
}

/* ---- the verbs ---- */

/* A verb on the project's store; the listing verbs make the store when it is missing. */
static int
open_verb(bool create_missing)
{
	int rc;

	/* a short-lived process: nothing cJSON allocates is freed one by one */
	cli_bulk_begin();
	rc = open_project(&ctx, false);
	if (rc == GUARD_ENOTFOUND && create_missing && ctx.policy)
		rc = guard_approval_store_open(&ctx.store, ctx.root, true);
	return rc;
}

/* The verbs on one request: the store, then exactly one id. */
static int
open_one(int argc, char **argv)
{
	int rc = open_verb(false);

	if (rc == 0 && argc != 2)
		rc = guard_error(GUARD_EUSAGE, "%s needs one request id", argv[0]);
	return rc;
}

static int
cmd_request(int argc, char **argv)
{
	(void)argc, (void)argv;
	cli_bulk_begin();
	return request_action(&ctx, opt.command, opt.tool, opt.input, opt.cwd);
}

static int
cmd_list(int argc, char **argv)
{
	int rc = open_verb(true);

	(void)argc, (void)argv;
	return rc < 0 ? rc : list_some(&ctx, &opt.f, opt.json, opt.table);
}

static int
cmd_show(int argc, char **argv)
{
	int rc = open_one(argc, argv);

	return rc < 0 ? rc : show_one(&ctx, argv[1], opt.json);
}

static int
cmd_status(int argc, char **argv)
{
	int rc = open_one(argc, argv);

	return rc < 0 ? rc : status_one(&ctx, argv[1]);
}

static int
cmd_decide(int argc, char **argv)
{
	int rc = open_one(argc, argv);

	return rc < 0 ? rc : decide(&ctx, argv[0], argv[1], opt.reason);
}

static int
cmd_wait(int argc, char **argv)
{
	int rc = open_one(argc, argv);

	return rc < 0 ? rc : wait_one(&ctx, argv[1], opt.timeout);
}

static int
cmd_gate(int argc, char **argv)
{
	int status = cli_filter(&ctx.stages, guard_stage_gate, GUARD_AGENT_CLAUDE);

	(void)argc, (void)argv;
	guard_error_clear(); /* each bad line was reported on its own */
	return -status;
}

static int
cmd_expire(int argc, char **argv)
{
	int rc = open_verb(true);

	(void)argc, (void)argv;
	return rc < 0 ? rc : expire_all(&ctx);
}

static int
cmd_keygen(int argc, char **argv)
{
	(void)argc, (void)argv;
	cli_bulk_begin();
	return keygen(&ctx, &opt.kg);
}

static int
cmd_verify(int argc, char **argv)
{
	int rc = open_verb(opt.all);

	return rc < 0 ? rc : verify_some(&ctx, argc - 1, argv + 1, opt.all);
}

static const struct cli_command commands[] = {
	{ "request", cmd_request, 0, "[--command CMD | --tool T --input JSON] [--cwd DIR] < event.json",
	  "ask a person to approve one exact action; prints its id" },
	{ "list", cmd_list, 0, "[--status S] [--tool T] [--requester U] [--risk L] [--older-than DUR] "
	  "[--newer-than DUR] [--limit N] [--offset N] [--json|--table]",
	  "the requests, oldest first (pending by default): a table on a terminal, JSON Lines in a pipe" },
	{ "show", cmd_show, 0, "ID [--json]", "one request in full" },
	{ "status", cmd_status, 0, "ID", "one request's state, in the exit code too" },
	{ "approve", cmd_decide, CLI_HUMAN, "ID [--reason TEXT] [--as USER]", "approve a request" },
	{ "reject", cmd_decide, CLI_HUMAN, "ID [--reason TEXT] [--as USER]", "reject a request" },
	{ "cancel", cmd_decide, CLI_HUMAN, "ID [--reason TEXT] [--as USER]", "withdraw a request" },
	{ "wait", cmd_wait, 0, "ID [--timeout DUR]", "wait for a request to be decided" },
	{ "gate", cmd_gate, CLI_HUMAN, "< events.jsonl  (also: guard-approve --gate)",
	  "the filter: an approved ask becomes allow, once" },
	{ "expire", cmd_expire, CLI_HUMAN, "", "mark the requests past their time expired" },
	{ "keygen", cmd_keygen, CLI_HUMAN, "[--as USER] [--no-passphrase] [--install] [--force] | --show|--public [--install]",
	  "make a signing key and print its policy lines" },
	{ "verify", cmd_verify, 0, "ID... | --all", "check the decisions' signatures" },
	{ NULL, NULL, 0, NULL, NULL },
};

/*
 * Options may come before or after the verb: read them all here, then
 * hand the table the verb and its operands. Returns -1 to go on, else
 * the exit status.
 */
static int
parse_options(int argc, char **argv, const char **verb)
{
	enum { O_AS = 256, O_REASON, O_JSON, O_STATUS, O_TOOL, O_REQUESTER, O_RISK, O_OLDER, O_NEWER,
	       O_LIMIT, O_OFFSET, O_TIMEOUT, O_FORCE, O_ALL, O_COMMAND, O_INPUT, O_CWD, O_GATE,
	       O_NO_PASS, O_INSTALL, O_PUBLIC, O_TABLE };
	static const struct option opts[] = {
		{ "as", required_argument, NULL, O_AS },
		{ "reason", required_argument, NULL, O_REASON },
		{ "comment", required_argument, NULL, O_REASON },
		{ "json", no_argument, NULL, O_JSON },
		{ "table", no_argument, NULL, O_TABLE },
		{ "status", required_argument, NULL, O_STATUS },
		{ "tool", required_argument, NULL, O_TOOL },
		{ "requester", required_argument, NULL, O_REQUESTER },
		{ "user", required_argument, NULL, O_REQUESTER },
		{ "risk", required_argument, NULL, O_RISK },
		{ "older-than", required_argument, NULL, O_OLDER },
		{ "newer-than", required_argument, NULL, O_NEWER },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "force", no_argument, NULL, O_FORCE },
		{ "all", no_argument, NULL, O_ALL },
		{ "command", required_argument, NULL, O_COMMAND },
		{ "input", required_argument, NULL, O_INPUT },
		{ "cwd", required_argument, NULL, O_CWD },
		{ "gate", no_argument, NULL, O_GATE },
		{ "no-passphrase", no_argument, NULL, O_NO_PASS },
		{ "install", no_argument, NULL, O_INSTALL },
		{ "public", no_argument, NULL, O_PUBLIC },
		{ "show", no_argument, NULL, O_PUBLIC },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	opterr = 0; /* cli_bad_option says it in one line */
	while ((o = getopt_long(argc, argv, "-hV", opts, NULL)) != -1) {
		switch (o) {
		case 1:
			if (!*verb)
				*verb = optarg;
			else
				approve_args_add(&opt.f, optarg);
			break;
		case O_AS: ctx.as = optarg; break;
		case O_REASON: opt.reason = optarg; break;
		case O_JSON: opt.json = true; break;
		case O_TABLE: opt.table = true; break;
		case O_FORCE: opt.kg.force = true; break;
		case O_NO_PASS: opt.kg.no_passphrase = true; break;
		case O_INSTALL: opt.kg.install = true; break;
		case O_PUBLIC: opt.kg.public_only = true; break;
		case O_ALL: opt.all = true; break;
		case O_COMMAND: opt.command = optarg; break;
		case O_INPUT: opt.input = optarg; break;
		case O_CWD: opt.cwd = optarg; break;
		case O_GATE: opt.gate = true; break;
		case O_TOOL: opt.tool = optarg; opt.f.tool = optarg; break;
		case O_TIMEOUT:
			if (guard_duration_parse(optarg, &opt.timeout) < 0) {
				cli_error("--timeout %s: %s", optarg, guard_error_last());
				return GUARD_EXIT_USAGE;
			}
			break;
		case 'h': *verb = *verb ? *verb : "--help"; return -2;
		case 'V': cli_version(); return cli_finish(0);
		case '?': return cli_bad_option(argv, opts);
		default: {
			const char *name = NULL;
			for (const struct option *p = opts; p->name && o != '?'; p++)
				if (p->val == o && !name)
					name = p->name;
			if (!name || approve_filter_option(&opt.f, name, optarg) < 0) {
				if (name)
					cli_error("%s", guard_error_last());
				cli_usage(stderr, commands, summary);
				return GUARD_EXIT_USAGE;
			}
		}
		}
	}
	if (opt.gate)
		*verb = "gate";
	return -1;
}

int
main(int argc, char **argv)
{
	const char *verb = NULL;
	int status;

	cli_init("guard-approve");
	approve_filter_init(&opt.f);
	if ((status = parse_options(argc, argv, &verb)) >= 0)
		goto out;
	/* the table sees PROG VERB OPERANDS... (PROG VERB --help after -h) */
	char **args = guard_xcalloc(opt.f.nargs + 4, sizeof(*args));
	int n = 0;
	args[n++] = argv[0];
	if (verb)
		args[n++] = (char *)verb;
	for (size_t i = 0; i < opt.f.nargs; i++)
		args[n++] = opt.f.args[i];
	if (status == -2 && strcmp(verb, "--help"))
		args[n++] = "--help";
	status = cli_dispatch(commands, summary, n, args);
	free(args);
out:
	guard_approval_store_close(&ctx.store);
	guard_stages_release(&ctx.stages);
	approve_filter_release(&opt.f);
	free(ctx.root);
	cli_bulk_end();
	return status;
}
