/* The audit log's checkpoints on refs/guard/audit (guard_audit_ref.h), through libgit2. */
#include <git2.h>

#include "guard_audit_int.h"
#include "guard_audit_ref.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_list.h"

/* How long a seal waits for another to finish moving the ref. */
#define REF_LOCK_MS 30000

/* Bounds what is read back: the same as seals.jsonl's. */
#define REF_TEXT_MAX ((size_t)64 << 20)

static int
ref_fail(int code, const char *what)
{
	const git_error *e = git_error_last();
	return guard_error(code, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

static int
ref_open(const char *root, git_repository **repo)
{
	int err;

	git_libgit2_init();
	if ((err = git_repository_open_ext(repo, root, 0, NULL)) < 0) {
		*repo = NULL;
		git_libgit2_shutdown();
		if (err == GIT_ENOTFOUND)
			return guard_error(GUARD_ENOTFOUND, "'%s' is not in a git repository", root);
		return ref_fail(GUARD_EIO, "cannot open the repository");
	}
	return 0;
}

static void
ref_close(git_repository *repo)
{
	if (repo) {
		git_repository_free(repo);
		git_libgit2_shutdown();
	}
}

/* The checkpoints file of a commit (its blob, caller frees). */
static int
commit_file(git_repository *repo, const git_commit *c, const char *ref, git_blob **blob)
{
	git_tree *tree = NULL;
	const git_tree_entry *e;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0;

	*blob = NULL;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	if (git_commit_tree(&tree, c) < 0)
		return ref_fail(GUARD_EIO, "cannot read a commit's tree");
	e = git_tree_entry_byname(tree, GUARD_AUDIT_REF_FILE);
	if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB || git_tree_entrycount(tree) != 1 ||
	    git_commit_parentcount(c) > 1)
		rc = guard_error(GUARD_EDENY, "%s: commit %.12s is not guard-audit's (one file, %s, and one parent)",
				 ref, hex, GUARD_AUDIT_REF_FILE);
	else if (git_blob_lookup(blob, repo, git_tree_entry_id(e)) < 0)
		rc = ref_fail(GUARD_EIO, "cannot read a checkpoints file");
	git_tree_free(tree);
	return rc;
}

/* The hash of the last checkpoint in a commit's file, into last (65 bytes). */
static int
last_checkpoint(git_repository *repo, const git_oid *tip, const char *ref, char *last)
{
	git_commit *c = NULL;
	git_blob *blob = NULL;
	int rc;

	last[0] = '\0';
	if (git_commit_lookup(&c, repo, tip) < 0)
		return ref_fail(GUARD_EDENY, "the ref does not name a commit");
	if ((rc = commit_file(repo, c, ref, &blob)) == 0) {
		const char *p = git_blob_rawcontent(blob);
		size_t len = (size_t)git_blob_rawsize(blob);
		while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
			len--;
		size_t start = len;
		while (start && p[start - 1] != '\n')
			start--;
		cJSON *o = cJSON_ParseWithLength(p + start, len - start);
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "hash");
		if (cJSON_IsString(h) && strlen(h->valuestring) == GUARD_AUDIT_HASH_LEN)
			memcpy(last, h->valuestring, GUARD_AUDIT_HASH_LEN + 1);
		else
			rc = guard_error(GUARD_EDENY, "%s: its last commit holds no checkpoint", ref);
		cJSON_Delete(o);
	}
	git_blob_free(blob);
	git_commit_free(c);
	return rc;
}

/* One try: commit what seals.jsonl holds after the ref's value and move the ref if it did not move. */
static int
ref_try(git_repository *repo, const char *dir, const char *ref, size_t *added, git_oid *now)
{
	struct guard_buf text = GUARD_BUF_INIT, msg = GUARD_BUF_INIT;
	struct audit_seals_span span;
	char last[GUARD_AUDIT_HASH_LEN + 1] = "";
	git_oid tip, blob_id, tree_id, commit_id;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	git_reference *out = NULL;
	int err, rc;
	bool have = (err = git_reference_name_to_id(&tip, repo, ref)) == 0;

	*added = 0;
	if (err < 0 && err != GIT_ENOTFOUND)
		return ref_fail(GUARD_EIO, "cannot read the ref");
	if (have && (rc = last_checkpoint(repo, &tip, ref, last)) < 0)
		return rc;
	if (have)
		*now = tip;
	if ((rc = audit_seals_after(dir, last, &text, &span)) < 0 || !span.n)
		goto out;
	guard_buf_addf(&msg, "guard-audit seal: seq %lu..%lu, last hash %.12s\n\n%zu checkpoint%s, %s", span.first_seq,
		       span.last_seq, span.last_hash, span.n, span.n == 1 ? "" : "s", span.first_file);
	if (strcmp(span.first_file, span.last_file))
		guard_buf_addf(&msg, " to %s", span.last_file);
	guard_buf_addf(&msg, "; last record %s\ncheckpoint %s\n", span.last_hash, span.hash);
	if (git_blob_create_from_buffer(&blob_id, repo, text.buf, text.len) < 0 ||
	    git_treebuilder_new(&tb, repo, NULL) < 0 ||
	    git_treebuilder_insert(NULL, tb, GUARD_AUDIT_REF_FILE, &blob_id, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree_id, tb) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0 ||
	    (have && git_commit_lookup(&parent, repo, &tip) < 0) ||
	    git_signature_now(&sig, "guard-audit", "guard-audit@localhost") < 0 ||
	    git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, msg.buf, tree, have ? 1 : 0,
			      (const git_commit **)&parent) < 0) {
		rc = ref_fail(GUARD_EIO, "cannot write the checkpoint commit");
		goto out;
	}
	/* compare and swap: only from the value read (or only if there is none) */
	err = have ? git_reference_create_matching(&out, repo, ref, &commit_id, 1, &tip, "guard-audit seal")
		   : git_reference_create(&out, repo, ref, &commit_id, 0, "guard-audit seal");
	if (err == GIT_EMODIFIED || err == GIT_EEXISTS || err == GIT_ELOCKED)
		rc = GUARD_ECONFLICT;
	else if (err < 0)
		rc = ref_fail(GUARD_EIO, "cannot move the ref");
	else {
		*added = span.n;
		*now = commit_id;
	}
out:
	git_reference_free(out);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	guard_buf_release(&msg);
	guard_buf_release(&text);
	return rc;
}

/*
 * The ref as the last seal left it (guard_audit_ref_expected), or
 * GUARD_EDENY saying what happened to it and what a person does.
 */
static int
ref_as_left(git_repository *repo, const char *root, const char *dir, const char *ref)
{
	char want[GIT_OID_HEXSZ + 1], hex[GIT_OID_HEXSZ + 1], *path = NULL;
	bool found;
	git_oid now;
	int err, rc;

	if ((rc = guard_audit_ref_expected(root, dir, want, &found)) < 0 || !found)
		return rc;
	if ((err = git_reference_name_to_id(&now, repo, ref)) < 0 && err != GIT_ENOTFOUND)
		return ref_fail(GUARD_EIO, "cannot read the ref");
	if (err == 0) {
		git_oid_tostr(hex, sizeof(hex), &now);
		if (!strcmp(hex, want))
			return 0;
	}
	if (guard_audit_ref_expected_path(root, dir, false, &path) < 0)
		guard_error_clear();
	rc = guard_error(GUARD_EDENY, "%s %s%.12s%s, but the last seal left it at commit %.12s: the ref was %s behind "
			 "guard-audit's back (a fetch of refs/<star> with --prune, update-ref); a person checks the log "
			 "against a remote copy (verify --checkpoint-ref refs/remotes/origin/guard/audit), then puts the "
			 "ref back (git update-ref %s %s) or, when that commit is gone, removes '%s' so the next seal "
			 "starts the ref afresh", ref, err ? "is missing" : "points at ", err ? "" : hex,
			 err ? "" : "", want, err ? "deleted" : "moved or replaced", ref, want, path ? path : "?");
	free(path);
	return rc;
}

int
guard_audit_ref_check(const char *root, const char *dir, const char *ref)
{
	git_repository *repo;
	int rc;

	if ((rc = ref_open(root, &repo)) == GUARD_ENOTFOUND) {
		guard_error_clear();
		return 0;
	}
	if (rc == 0)
		rc = ref_as_left(repo, root, dir, ref);
	ref_close(repo);
	return rc;
}

int
guard_audit_ref_update(const char *root, const char *dir, const char *ref, size_t *added, char *oid)
{
	git_repository *repo;
	git_oid now;
	char *state = NULL, *lockpath = NULL, hex[GIT_OID_HEXSZ + 1];
	int rc, lockfd = -1;

	*added = 0;
	if (oid)
		oid[0] = '\0';
	if ((rc = ref_open(root, &repo)) < 0)
		return rc;
	/* one seal at a time moves the ref and records where it left it */
	if ((rc = guard_audit_ref_expected_path(root, dir, true, &state)) < 0)
		goto out;
	lockpath = guard_xasprintf("%s.lock", state);
	if ((rc = guard_lock_acquire(lockpath, REF_LOCK_MS, &lockfd)) < 0 ||
	    (rc = ref_as_left(repo, root, dir, ref)) < 0)
		goto out;
	memset(&now, 0, sizeof(now));
	for (int attempt = 0; attempt < 2; attempt++)
		if ((rc = ref_try(repo, dir, ref, added, &now)) != GUARD_ECONFLICT)
			break;
	if (rc == GUARD_ECONFLICT)
		rc = guard_error(GUARD_ECONFLICT, "%s moved under guard-audit twice: run guard-audit seal --ref-only again",
				 ref);
	if (rc == 0 && !git_oid_is_zero(&now)) {
		git_oid_tostr(hex, sizeof(hex), &now);
		if (oid)
			memcpy(oid, hex, sizeof(hex));
		rc = guard_audit_ref_expected_write(root, dir, hex);
	}
out:
	if (lockfd >= 0)
		guard_lock_release(lockfd);
	free(lockpath);
	free(state);
	ref_close(repo);
	return rc;
}

int
guard_audit_ref_read(const char *root, const char *ref, char **text, size_t *commits)
{
	git_repository *repo;
	git_object *obj = NULL;
	git_commit *c = NULL;
	struct guard_list parts = GUARD_LIST_INIT;
	size_t total = 0;
	int rc;

	*text = NULL;
	*commits = 0;
	if ((rc = ref_open(root, &repo)) < 0)
		return rc;
	if (git_revparse_single(&obj, repo, ref) < 0) {
		rc = guard_error(GUARD_ENOTFOUND, "%s: no such ref in the repository of %s (fetch it first: "
				 "git fetch origin %s:%s)", ref, root, GUARD_AUDIT_REF, ref);
		goto out;
	}
	if (git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0) {
		rc = ref_fail(GUARD_EDENY, "the ref does not name a commit");
		goto out;
	}
	while (c) {
		git_blob *blob = NULL;
		git_commit *up = NULL;
		if ((rc = commit_file(repo, c, ref, &blob)) < 0)
			break;
		size_t n = (size_t)git_blob_rawsize(blob);
		total += n + 1;
		if (total > REF_TEXT_MAX) {
			git_blob_free(blob);
			rc = guard_error(GUARD_EUSAGE, "%s: over %zu MiB of checkpoints", ref, REF_TEXT_MAX >> 20);
			break;
		}
		char *part = guard_xmalloc(n + 2);
		memcpy(part, git_blob_rawcontent(blob), n);
		if (n && part[n - 1] != '\n')
			part[n++] = '\n';
		part[n] = '\0';
		guard_list_take(&parts, part);
		git_blob_free(blob);
		(*commits)++;
		if (git_commit_parentcount(c) && git_commit_parent(&up, c, 0) < 0) {
			rc = ref_fail(GUARD_EIO, "cannot read a parent commit (a shallow fetch? fetch the whole ref)");
			break;
		}
		git_commit_free(c);
		c = up;
	}
	if (rc == 0) {
		struct guard_buf b = GUARD_BUF_INIT;
		for (size_t i = parts.len; i-- > 0;)
			guard_buf_addstr(&b, parts.items[i]);
		guard_buf_addch(&b, '\0');
		*text = b.buf;
	}
out:
	git_commit_free(c);
	git_object_free(obj);
	guard_list_clear(&parts);
	ref_close(repo);
	return rc;
}
