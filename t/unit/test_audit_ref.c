/*
 * Unit tests: the audit log's checkpoints on refs/guard/audit (libgit2).
 * Logs are written and sealed through the library; the ref is read back
 * both through the library and through the git CLI, so the two cannot be
 * wrong together unnoticed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "guard_audit.h"
#include "guard_audit_ref.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"

static char tmpdir[256];
static char repo[300];
static char dir[400];
static int nrepo;

static int
sh(const char *fmt, ...)
{
	char body[4096], *cmd;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	cmd = guard_xasprintf("cd '%s' && { %s; } >/dev/null 2>&1", repo, body);
	rc = system(cmd);
	if (rc != 0)
		printf("#   command failed (%d): %s\n", rc, body);
	free(cmd);
	return rc;
}

/* A fresh project (a git repository when git is true) with an empty log. */
static void
fixture(bool git)
{
	snprintf(repo, sizeof(repo), "%s/r%d", tmpdir, ++nrepo);
	snprintf(dir, sizeof(dir), "%s/.ai/audit", repo);
	CHECK(mkdir(repo, 0755) == 0);
	if (git)
		CHECK(sh("git init -q -b main .") == 0);
}

/* n records, then a seal; the number of checkpoints it made. */
static int
log_and_seal(int n)
{
	struct guard_audit *log;
	cJSON *out = cJSON_CreateArray();
	int made;

	CHECK(guard_audit_open(&log, repo, NULL) == 0);
	for (int i = 0; i < n; i++) {
		cJSON *ev = cJSON_CreateObject();
		cJSON_AddStringToObject(ev, "event", "decision");
		cJSON_AddNumberToObject(ev, "n", i);
		CHECK(guard_audit_append(log, NULL, ev) == 0);
		cJSON_Delete(ev);
	}
	guard_audit_close(log);
	CHECK(guard_audit_seal(dir, out) == 0);
	made = cJSON_GetArraySize(out);
	cJSON_Delete(out);
	return made;
}

static char *
seals_text(void)
{
	char *path = guard_xasprintf("%s/seals.jsonl", dir), *text = NULL;
	size_t len;

	CHECK(guard_file_read(path, 1 << 20, 1, &text, &len) == 0);
	free(path);
	return text;
}

TEST(ref_follows_seals)
{
	char oid[41], *text = NULL, *seals;
	size_t added = 9, commits = 0;

	fixture(true);
	CHECK(log_and_seal(2) == 1);
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, oid) == 0);
	CHECK(added == 1 && strlen(oid) == 40);
	/* up to date: nothing more, the same commit */
	char again[41];
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, again) == 0);
	CHECK(added == 0);
	CHECK_STR(again, oid);
	CHECK(log_and_seal(3) == 1);
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, oid) == 0);
	CHECK(added == 1);
	/* read back: every checkpoint, oldest first, as seals.jsonl holds them */
	CHECK(guard_audit_ref_read(repo, GUARD_AUDIT_REF, &text, &commits) == 0);
	CHECK(commits == 2);
	seals = seals_text();
	CHECK_STR(text, seals);
	/* git sees the same: two commits by guard-audit, one file, the parent chain */
	CHECK(sh("test \"$(git rev-list --count refs/guard/audit)\" = 2") == 0);
	CHECK(sh("test \"$(git log -1 --format=%%an/%%cn refs/guard/audit)\" = guard-audit/guard-audit") == 0);
	CHECK(sh("test \"$(git ls-tree --name-only refs/guard/audit)\" = checkpoints.jsonl") == 0);
	CHECK(sh("git log -1 --format=%%s refs/guard/audit | grep -q '^guard-audit seal: seq 1..5, last hash '") == 0);
	/* no branch, no index, no working tree touched */
	CHECK(sh("! git rev-parse -q --verify HEAD && ! test -e .git/index && test -z \"$(git status --porcelain "
		 "--untracked-files=no)\"") == 0);
	free(text);
	free(seals);
}

TEST(seals_made_without_the_ref_are_carried_by_the_next)
{
	size_t added = 0, commits = 0;
	char *text = NULL, *seals;

	fixture(true);
	CHECK(log_and_seal(1) == 1);
	CHECK(log_and_seal(1) == 1);
	CHECK(log_and_seal(1) == 1);
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, NULL) == 0);
	CHECK(added == 3);
	CHECK(guard_audit_ref_read(repo, GUARD_AUDIT_REF, &text, &commits) == 0);
	CHECK(commits == 1);
	seals = seals_text();
	CHECK_STR(text, seals);
	free(text);
	free(seals);
}

TEST(ref_errors)
{
	size_t added = 0, commits = 0;
	char *text = NULL;

	/* no git repository: said as such, so guard-audit notes it and goes on */
	fixture(false);
	CHECK(log_and_seal(1) == 1);
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, NULL) == GUARD_ENOTFOUND);
	CHECK(guard_audit_ref_read(repo, GUARD_AUDIT_REF, &text, &commits) == GUARD_ENOTFOUND);
	guard_error_clear();

	fixture(true);
	CHECK(guard_audit_ref_read(repo, GUARD_AUDIT_REF, &text, &commits) == GUARD_ENOTFOUND);
	CHECK(strstr(guard_error_last(), "no such ref") != NULL);
	guard_error_clear();
	CHECK(log_and_seal(2) == 1);
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, NULL) == 0);
	/* seals.jsonl rewritten (a new chain): the ref's last checkpoint is not in it */
	CHECK(sh("rm .ai/audit/seals.jsonl") == 0);
	CHECK(log_and_seal(1) == 1);
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, NULL) == GUARD_EDENY);
	CHECK(strstr(guard_error_last(), "does not hold the last checkpoint the ref has") != NULL);
	guard_error_clear();
	/* a commit that is not guard-audit's on the ref */
	CHECK(sh("git -c user.name=a -c user.email=a@b commit -q --allow-empty -m x && "
		 "git update-ref refs/guard/audit HEAD") == 0);
	CHECK(guard_audit_ref_update(repo, dir, GUARD_AUDIT_REF, &added, NULL) == GUARD_EDENY);
	CHECK(guard_audit_ref_read(repo, GUARD_AUDIT_REF, &text, &commits) == GUARD_EDENY);
	CHECK(strstr(guard_error_last(), "is not guard-audit's") != NULL);
	guard_error_clear();
	CHECK(text == NULL);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/guard-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	char *home = guard_xasprintf("%s/home", tmpdir);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GUARD_DIR");
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	free(home);
	RUN(ref_follows_seals);
	RUN(seals_made_without_the_ref_are_carried_by_the_next);
	RUN(ref_errors);
	char *rm = guard_xasprintf("rm -rf '%s'", tmpdir);
	if (system(rm) != 0)
		printf("# could not remove %s\n", tmpdir);
	free(rm);
	return unit_done();
}
