/* Unit tests: approval digests, signatures, ids, the state machine. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "unit.h"
#include "guard_approval.h"
#include "guard_approval_int.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"

static cJSON *
event(const char *tool, const char *command, const char *cwd, const char *project)
{
	cJSON *ev = cJSON_CreateObject();
	cJSON *in = cJSON_AddObjectToObject(ev, "input");

	cJSON_AddStringToObject(ev, "tool", tool);
	cJSON_AddStringToObject(in, "command", command);
	cJSON_AddStringToObject(ev, "cwd", cwd);
	cJSON_AddStringToObject(ev, "project", project);
	return ev;
}

static void
digest_of(cJSON *ev, char out[65])
{
	CHECK(guard_approval_digest(ev, out) == 0);
	cJSON_Delete(ev);
}

TEST(digest_binds_tool_input_cwd_and_project)
{
	char a[65], b[65];

	digest_of(event("Bash", "rm -rf build", "/p", "/p"), a);
	digest_of(event("Bash", "rm -rf build", "/p", "/p"), b);
	CHECK_STR(a, b);
	digest_of(event("Bash", "rm -rf build2", "/p", "/p"), b);
	CHECK(strcmp(a, b));
	digest_of(event("Bash", "rm -rf build", "/p/src", "/p"), b);
	CHECK(strcmp(a, b));
	digest_of(event("Bash", "rm -rf build", "/p", "/q"), b);
	CHECK(strcmp(a, b));
	digest_of(event("Shell", "rm -rf build", "/p", "/p"), b);
	CHECK(strcmp(a, b));
}

TEST(digest_ignores_key_order_and_bash_description_only)
{
	char a[65], b[65];
	cJSON *ev = event("Bash", "make", "/p", "/p");

	digest_of(cJSON_Duplicate(ev, 1), a);
	cJSON_AddStringToObject(cJSON_GetObjectItem(ev, "input"), "description", "Build it");
	digest_of(cJSON_Duplicate(ev, 1), b);
	CHECK_STR(a, b);
	cJSON_AddBoolToObject(cJSON_GetObjectItem(ev, "input"), "run_in_background", 1);
	digest_of(ev, b);
	CHECK(strcmp(a, b));
}

TEST(digest_needs_the_whole_action)
{
	char d[65];
	cJSON *ev = cJSON_Parse("{\"tool\":\"Bash\",\"input\":{\"command\":\"x\"}}");

	CHECK(guard_approval_digest(ev, d) == GUARD_EUSAGE);
	cJSON_Delete(ev);
}

/* An event rated with these reasons and files (JSON arrays). */
static cJSON *
rated(const char *reasons, const char *files)
{
	cJSON *ev = event("Bash", "bash s.sh", "/p", "/p"), *risk = cJSON_AddObjectToObject(ev, "risk");

	cJSON_AddStringToObject(risk, "level", "high");
	cJSON_AddItemToObject(risk, "reasons", cJSON_Parse(reasons));
	if (files)
		cJSON_AddItemToObject(risk, "files", cJSON_Parse(files));
	return ev;
}

TEST(digest_binds_the_reasons_and_the_files_run)
{
	char a[65], b[65], plain[65];

	digest_of(event("Bash", "bash s.sh", "/p", "/p"), plain);
	digest_of(rated("[\"x\"]", "[\"sha256:aa /p/s.sh\"]"), a);
	CHECK(strcmp(a, plain) != 0);
	digest_of(rated("[\"x\"]", "[\"sha256:aa /p/s.sh\"]"), b);
	CHECK(strcmp(a, b) == 0);
	digest_of(rated("[\"x\"]", "[\"sha256:bb /p/s.sh\"]"), b);
	CHECK(strcmp(a, b) != 0);
	digest_of(rated("[\"x\", \"y\"]", "[\"sha256:aa /p/s.sh\"]"), b);
	CHECK(strcmp(a, b) != 0);
	/* the level alone is not bound: it is checked against the approved one */
	cJSON *ev = rated("[\"x\"]", "[\"sha256:aa /p/s.sh\"]");
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(ev, "risk"), "level", cJSON_CreateString("low"));
	digest_of(ev, b);
	CHECK(strcmp(a, b) == 0);
	/* no files: the same as an empty list */
	digest_of(rated("[\"x\"]", NULL), a);
	digest_of(rated("[\"x\"]", "[]"), b);
	CHECK(strcmp(a, b) == 0);
}

static cJSON *
request(void)
{
	return cJSON_Parse("{\"id\":\"0a1b2c3d-0000-4000-8000-000000000000\",\"action_digest\":\"ab\","
			   "\"project\":\"/p\",\"status\":\"pending\"}");
}

TEST(signature_covers_verdict_request_and_action)
{
	unsigned char sk[GUARD_KEY_SECRET_BYTES], sk2[GUARD_KEY_SECRET_BYTES];
	char pub[128], pub2[128];
	cJSON *req = request(), *d = cJSON_Parse("{\"by\":\"a@x\",\"role\":\"admin\",\"verdict\":\"approve\",\"comment\":null,\"at\":\"t\"}");

	CHECK(guard_key_generate(sk, pub, sizeof(pub)) == 0);
	CHECK(guard_key_generate(sk2, pub2, sizeof(pub2)) == 0);
	CHECK(!strncmp(pub, "ed25519:", 8));
	CHECK(guard_approval_sign(req, d, sk) == 0);
	CHECK(guard_approval_check_sig(req, d, pub) == 0);
	/* another key */
	CHECK(guard_approval_check_sig(req, d, pub2) == GUARD_EDENY);
	/* the verdict changed */
	cJSON_ReplaceItemInObject(d, "verdict", cJSON_CreateString("reject"));
	CHECK(guard_approval_check_sig(req, d, pub) == GUARD_EDENY);
	cJSON_ReplaceItemInObject(d, "verdict", cJSON_CreateString("approve"));
	/* moved to another request or action */
	cJSON_ReplaceItemInObject(req, "action_digest", cJSON_CreateString("cd"));
	CHECK(guard_approval_check_sig(req, d, pub) == GUARD_EDENY);
	cJSON_ReplaceItemInObject(req, "action_digest", cJSON_CreateString("ab"));
	CHECK(guard_approval_check_sig(req, d, pub) == 0);
	/* a malformed key or signature */
	CHECK(guard_approval_check_sig(req, d, "ed25519:short") == GUARD_EPOLICY);
	cJSON_ReplaceItemInObject(d, "sig", cJSON_CreateString("!!!"));
	CHECK(guard_approval_check_sig(req, d, pub) == GUARD_EDENY);
	cJSON_DeleteItemFromObject(d, "sig");
	CHECK(guard_approval_check_sig(req, d, pub) == GUARD_EDENY);
	cJSON_Delete(req);
	cJSON_Delete(d);
}

TEST(public_line_round_trips)
{
	unsigned char sk[GUARD_KEY_SECRET_BYTES];
	char a[128], b[128];

	CHECK(guard_key_generate(sk, a, sizeof(a)) == 0);
	CHECK(guard_key_public_line(sk, b, sizeof(b)) == 0);
	CHECK_STR(a, b);
	CHECK(guard_key_generate(sk, a, 10) == GUARD_EUSAGE);
}

TEST(sealed_key_round_trips_and_refuses_a_wrong_passphrase)
{
	unsigned char sk[GUARD_KEY_SECRET_BYTES], back[GUARD_KEY_SECRET_BYTES];
	char pub[128], pub2[128], *text, *edited;

	CHECK(guard_key_generate(sk, pub, sizeof(pub)) == 0);
	CHECK(guard_key_text(sk, "pw", 2, &text) == 0);
	CHECK(guard_key_text_sealed(text));
	CHECK(guard_key_text_public(text, pub2, sizeof(pub2)) == 0);
	CHECK_STR(pub, pub2);
	CHECK(guard_key_text_open(text, "pw", 2, back) == 0);
	CHECK(!memcmp(sk, back, sizeof(sk)));
	CHECK(guard_key_text_open(text, "px", 2, back) == GUARD_EDENY);
	CHECK(guard_key_text_open(text, NULL, 0, back) == GUARD_EUSAGE);
	/* the public line is checked against the secret */
	edited = guard_xstrdup(text);
	edited[strlen("guard ed25519 secret key, sealed\npublic: ed25519:") + 3] ^= 1;
	CHECK(guard_key_text_open(edited, "pw", 2, back) == GUARD_EPOLICY);
	free(edited);
	/* costs out of bounds are refused before any work */
	edited = guard_xasprintf("guard ed25519 secret key, sealed\npublic: %s\nkdf: argon2id13 2 99999999999 "
				 "AAAAAAAAAAAAAAAAAAAAAA==\nbox: x y\n", pub);
	CHECK(guard_key_text_open(edited, "pw", 2, back) == GUARD_EPOLICY);
	free(edited);
	free(text);
	/* unsealed: the format of every older key file */
	CHECK(guard_key_text(sk, NULL, 0, &text) == 0);
	CHECK(!guard_key_text_sealed(text));
	CHECK(!strncmp(text, "guard ed25519 secret key\n", 25));
	CHECK(guard_key_text_open(text, NULL, 0, back) == 0);
	CHECK(!memcmp(sk, back, sizeof(sk)));
	free(text);
}

TEST(signature_covers_expiry_and_the_state_left)
{
	struct guard_approval_config c = { .enabled = true, .timeout = 60, .min = { 1, 1, 1, 2 }, .single_use = true };
	unsigned char sk[GUARD_KEY_SECRET_BYTES];
	char pub[128];
	struct guard_reviewer alice = { "alice", "admin", NULL };
	struct guard_verdict approve = { "approve", NULL, sk };
	char why[GUARD_APPROVAL_WHY_MAX];
	cJSON *req = cJSON_Parse("{\"id\":\"0a1b2c3d-0000-4000-8000-000000000000\",\"status\":\"pending\","
				 "\"action_digest\":\"ab\",\"requested_by\":\"claude\",\"expires_at\":\"2099-01-01T00:00:00Z\","
				 "\"risk\":{\"level\":\"high\"},\"decisions\":[],\"decided_at\":null}");
	cJSON *d;

	CHECK(guard_key_generate(sk, pub, sizeof(pub)) == 0);
	CHECK(guard_approval_decide(req, &c, &alice, &approve) == 0);
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(req, "decisions"), 0);
	CHECK(guard_approval_check_sig(req, d, pub) == 0);
	CHECK(guard_approval_consistent(req, why));
	CHECK_STR(cJSON_GetObjectItem(d, "result")->valuestring, "approved");
	CHECK_STR(cJSON_GetObjectItem(d, "expires_at")->valuestring, cJSON_GetObjectItem(req, "expires_at")->valuestring);
	/* the request's own fields must agree with the signed decision */
	cJSON_ReplaceItemInObject(req, "expires_at", cJSON_CreateString("2099-01-01T00:00:00Z"));
	CHECK(!guard_approval_consistent(req, why));
	cJSON_ReplaceItemInObject(req, "expires_at", cJSON_CreateString(cJSON_GetObjectItem(d, "expires_at")->valuestring));
	cJSON_ReplaceItemInObject(req, "decided_at", cJSON_CreateString("2001-01-01T00:00:00.000Z"));
	CHECK(!guard_approval_consistent(req, why));
	cJSON_ReplaceItemInObject(req, "decided_at", cJSON_CreateString(cJSON_GetObjectItem(d, "at")->valuestring));
	CHECK(guard_approval_consistent(req, why));
	/* and the decision's own expiry and result are signed */
	cJSON_ReplaceItemInObject(d, "result", cJSON_CreateString("pending"));
	CHECK(guard_approval_check_sig(req, d, pub) == GUARD_EDENY);
	cJSON_ReplaceItemInObject(d, "result", cJSON_CreateString("approved"));
	cJSON_ReplaceItemInObject(d, "expires_at", cJSON_CreateString("2099-01-01T00:00:00Z"));
	CHECK(guard_approval_check_sig(req, d, pub) == GUARD_EDENY);
	/* an old-format signature is refused and named */
	cJSON_DeleteItemFromObject(d, "sig_v");
	CHECK(guard_approval_check_sig(req, d, pub) == GUARD_EDENY);
	CHECK(strstr(guard_error_last(), "old-format") != NULL);
	cJSON_Delete(req);
}

static char tmpdir[256];

TEST(resolve_refuses_what_is_not_an_id)
{
	struct guard_approval_store s;
	char id[GUARD_APPROVAL_ID_LEN];
	cJSON *req;

	CHECK(guard_approval_store_open(&s, tmpdir, true) == 0);
	CHECK(guard_approval_resolve(&s, "../etc", id) == GUARD_EUSAGE);
	CHECK(guard_approval_resolve(&s, "/abs", id) == GUARD_EUSAGE);
	CHECK(guard_approval_resolve(&s, "", id) == GUARD_EUSAGE);
	CHECK(guard_approval_resolve(&s, "0a1b2c3d-0000-4000-8000-000000000000-", id) == GUARD_EUSAGE);
	CHECK(guard_approval_resolve(&s, "0a1b", id) == GUARD_ENOTFOUND);
	CHECK(guard_approval_load(&s, "0a1b2c3d-0000-4000-8000-00000000000/", &req) == GUARD_EUSAGE);
	CHECK(guard_approval_load(&s, "0a1b2c3d-0000-4000-8000-00000000000", &req) == GUARD_EUSAGE);
	guard_approval_store_close(&s);
}

TEST(a_nul_in_an_id_names_no_other_file)
{
	struct guard_approval_store s;
	const char *id = "0a1b2c3d-0000-4000-8000-000000000001";
	char *path = guard_xasprintf("%s/.ai/approvals/%s.json", tmpdir, id);
	char *text = guard_xasprintf("{\"id\":\"%s\\u0000x\",\"status\":\"pending\",\"action_digest\":\"%064d\","
				     "\"requested_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2036-01-01T00:00:00Z\","
				     "\"requested_by\":\"x\",\"decisions\":[],\"risk\":{\"level\":\"high\"}}", id, 0);
	cJSON *req = NULL;

	CHECK(guard_approval_store_open(&s, tmpdir, true) == 0);
	CHECK(guard_file_write_atomic(path, text, strlen(text), 0644) == 0);
	/* the NUL cannot smuggle another name: what loads is this file, by its own id */
	CHECK(guard_approval_load(&s, id, &req) == 0);
	CHECK_STR(cJSON_GetObjectItem(req, "id")->valuestring, id);
	cJSON_Delete(req);
	CHECK(guard_approval_load(&s, "0a1b2c3d-0000-4000-8000-000000000002", &req) == GUARD_ENOTFOUND);
	cJSON_Delete(req);
	guard_approval_store_close(&s);
	unlink(path);
	free(path);
	free(text);
}

/*
 * Writers rename side by side under the shared store lock; the id list
 * stays complete by order alone. Two writers, their three steps (check
 * and list the new id, rename the file in, record the stamp) in all 20
 * orders, with and without a clock tick between steps: whenever the list
 * counts as current afterwards, it names every file in the folder.
 */
struct writer {
	const char *id;
	bool current;
};

static void
writer_step(struct guard_approval_store *s, struct writer *w, int k)
{
	if (k == 0) {
		w->current = gap_ids_before_write(s, w->id);
	} else if (k == 1) {
		char *tmp = guard_xasprintf("%s/.tmp/%s", s->dir, w->id), *path = guard_xasprintf("%s/%s.json", s->dir, w->id);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0 && write(fd, "{}\n", 3) == 3);
		close(fd);
		CHECK(rename(tmp, path) == 0);
		free(tmp);
		free(path);
	} else {
		gap_ids_after_write(s, w->current);
	}
}

TEST(id_list_complete_for_writers_side_by_side)
{
	static const char *const base = "0b0b0b0b-0000-4000-8000-000000000000";
	char *root = guard_xasprintf("%s/ids", tmpdir), *path;
	struct guard_approval_store s;
	char id[GUARD_APPROVAL_ID_LEN];
	int orders = 0, current_after = 0;

	CHECK(mkdir(root, 0755) == 0);
	CHECK(guard_approval_store_open(&s, root, true) == 0);
	path = guard_xasprintf("%s/.tmp", s.dir);
	mkdir(path, 0755);
	free(path);
	path = guard_xasprintf("%s/.digest", s.dir);
	mkdir(path, 0755);
	free(path);
	path = guard_xasprintf("%s/%s.json", s.dir, base);
	CHECK(guard_file_write_atomic(path, "{}\n", 3, 0644) == 0);
	free(path);
	/* the store lock's file, made once (its creation moves the folder's stamp) */
	CHECK(guard_approval_lock(&s) == 0);
	guard_approval_unlock(&s);
	for (int tick = 0; tick < 2; tick++)
		for (unsigned mask = 0; mask < 64; mask++) {
			struct writer w[2] = { { "0a0a0a0a-0000-4000-8000-00000000000a", false },
					       { "0c0c0c0c-0000-4000-8000-00000000000c", false } };
			int next[2] = { 0, 0 };
			if (__builtin_popcount(mask) != 3)
				continue;
			for (int i = 0; i < 2; i++) {
				path = guard_xasprintf("%s/%s.json", s.dir, w[i].id);
				unlink(path);
				free(path);
			}
			/* a lookup that finds the list stale reads the folder and writes it afresh */
			guard_approval_resolve(&s, "ffff", id);
			CHECK(gap_ids_before_write(&s, NULL)); /* current, before the writers */
			for (int k = 0; k < 6; k++) {
				int who = mask >> k & 1;
				writer_step(&s, &w[who], next[who]++);
				if (tick)
					usleep(5000); /* past the file system's clock tick: the folder's stamp moves */
			}
			struct guard_list m = GUARD_LIST_INIT;
			if (gap_ids_lookup(&s, "0", &m) == 1) {
				current_after++;
				CHECK(guard_list_has(&m, base) && guard_list_has(&m, w[0].id) && guard_list_has(&m, w[1].id));
			}
			guard_list_clear(&m);
			orders++;
		}
	CHECK(orders == 40);
	CHECK(current_after > 0); /* the invariant was put to the test */
	printf("# list current after %d of %d orders\n", current_after, orders);
	guard_approval_store_close(&s);
	free(root);
}

TEST(only_pending_moves)
{
	struct guard_approval_config c = { .enabled = true, .timeout = 60, .min = { 1, 1, 1, 2 }, .single_use = true };
	struct guard_reviewer alice = { "alice", "admin", NULL }, bob = { "bob", "admin", NULL };
	struct guard_verdict approve = { "approve", NULL, NULL }, reject = { "reject", "no", NULL };
	cJSON *req = cJSON_Parse("{\"id\":\"0a1b2c3d-0000-4000-8000-000000000000\",\"status\":\"pending\","
				 "\"requested_by\":\"claude\",\"expires_at\":\"2099-01-01T00:00:00Z\","
				 "\"risk\":{\"level\":\"critical\"},\"decisions\":[],\"decided_at\":null}");

	CHECK_STR(guard_approval_status(req, NULL), "pending");
	CHECK(guard_approval_decide(req, &c, &alice, &approve) == 0);
	CHECK_STR(guard_approval_status(req, NULL), "pending"); /* critical: two needed */
	CHECK(guard_approval_decide(req, &c, &alice, &approve) == GUARD_ECONFLICT);
	CHECK(guard_approval_decide(req, &c, &bob, &approve) == 0);
	CHECK_STR(guard_approval_status(req, NULL), "approved");
	CHECK(guard_approval_decide(req, &c, &bob, &reject) == GUARD_ECONFLICT);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(req, "decisions")) == 2);
	/* an expired request is never pending, whatever the file says */
	cJSON_ReplaceItemInObject(req, "status", cJSON_CreateString("pending"));
	cJSON_ReplaceItemInObject(req, "expires_at", cJSON_CreateString("2001-01-01T00:00:00Z"));
	CHECK_STR(guard_approval_status(req, NULL), "expired");
	CHECK(guard_approval_mark_expired(req) == 1);
	CHECK_STR(cJSON_GetObjectItem(req, "decided_at")->valuestring, "2001-01-01T00:00:00Z");
	CHECK(guard_approval_mark_expired(req) == 0);
	cJSON_Delete(req);
}

TEST(self_approval_is_refused)
{
	struct guard_approval_config c = { .enabled = true, .timeout = 60, .min = { 1, 1, 1, 2 } };
	struct guard_reviewer claude = { "claude", "admin", NULL };
	struct guard_verdict approve = { "approve", NULL, NULL };
	cJSON *req = cJSON_Parse("{\"id\":\"x\",\"status\":\"pending\",\"requested_by\":\"claude\","
				 "\"expires_at\":\"2099-01-01T00:00:00Z\",\"risk\":{\"level\":\"low\"},\"decisions\":[]}");

	CHECK(guard_approval_decide(req, &c, &claude, &approve) == GUARD_EDENY);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(req, "decisions")) == 0);
	cJSON_Delete(req);
}

int
main(void)
{
	char *dir;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/guard-unit-approval.XXXXXX");
	if (!(dir = mkdtemp(tmpdir)))
		return 1;
	RUN(digest_binds_tool_input_cwd_and_project);
	RUN(digest_ignores_key_order_and_bash_description_only);
	RUN(digest_needs_the_whole_action);
	RUN(digest_binds_the_reasons_and_the_files_run);
	RUN(signature_covers_verdict_request_and_action);
	RUN(sealed_key_round_trips_and_refuses_a_wrong_passphrase);
	RUN(signature_covers_expiry_and_the_state_left);
	RUN(public_line_round_trips);
	RUN(resolve_refuses_what_is_not_an_id);
	RUN(a_nul_in_an_id_names_no_other_file);
	RUN(id_list_complete_for_writers_side_by_side);
	RUN(only_pending_moves);
	RUN(self_approval_is_refused);
	char *cmd = guard_xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	return unit_done();
}
