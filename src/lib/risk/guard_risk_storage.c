/*
 * Object storage clients: gsutil, gcloud storage, rclone, s3cmd, the MinIO
 * client, azcopy and b2 (aws s3 is rate_cloud's). A bucket has no undo, so
 * the family is rated by what each verb does to what it names, not by the
 * tool's name:
 *   - a bucket removed (rb, buckets delete, delete-bucket): critical;
 *   - objects removed (rm, del, delete, purge, cleanup, dedupe), a sync that
 *     removes what the source lacks (rsync -d, sync --delete-removed, rclone
 *     sync, mirror --remove), a move (its source is removed), public access
 *     or access rules set: high;
 *   - a copy or upload: medium write; a listing or download: medium read.
 * A local path where the verb removes or writes (rclone purge ./x, gsutil
 * rsync -d gs://b ./src, rclone copy remote: ~/) is the file system change
 * it is, rated as rm -r, a deletion below or a write of that path.
 */
#include "guard_risk_int.h"

const char *const risk_storage_verbs[] = { "gsutil", "gcloud", "rclone", "s3cmd", "mc", "mcli", "azcopy", "b2", "s5cmd", NULL };

enum what { LIST, COPY, MOVE, REMOVE, SYNC_REMOVE, BUCKET, SETTINGS };

static const struct storage_verb {
	const char *tool, *verb;
	enum what what;
} storage_verbs[] = {
	{ "gsutil", "rm", REMOVE },          { "gsutil", "del", REMOVE },        { "gsutil", "delete", REMOVE },
	{ "gsutil", "remove", REMOVE },      { "gsutil", "rb", BUCKET },         { "gsutil", "mv", MOVE },
	{ "gsutil", "rd", BUCKET },          { "gsutil", "removebucket", BUCKET }, { "gsutil", "deletebucket", BUCKET },
	{ "gsutil", "rmdir", BUCKET },       { "gsutil", "move", MOVE },         { "gsutil", "ren", MOVE },
	{ "gsutil", "rename", MOVE },        { "gsutil", "copy", COPY },
	{ "s5cmd", "rm", REMOVE },           { "s5cmd", "rb", BUCKET },          { "s5cmd", "mv", MOVE },
	{ "s5cmd", "cp", COPY },             { "s5cmd", "sync", COPY },          { "s5cmd", "mb", COPY },
	{ "s5cmd", "run", SETTINGS },        /* a file of commands: not read here */
	{ "gsutil", "cp", COPY },            { "gsutil", "compose", COPY },      { "gsutil", "rewrite", COPY },
	{ "gsutil", "mb", COPY },            { "gsutil", "acl", SETTINGS },      { "gsutil", "iam", SETTINGS },
	{ "gsutil", "defacl", SETTINGS },    { "gsutil", "lifecycle", SETTINGS }, { "gsutil", "retention", SETTINGS },
	{ "gsutil", "setmeta", SETTINGS },   { "gsutil", "cors", SETTINGS },     { "gsutil", "web", SETTINGS },
	{ "gsutil", "versioning", SETTINGS }, { "gsutil", "rsync", COPY },      /* -d: SYNC_REMOVE */
	{ "gcloud", "rm", REMOVE },          { "gcloud", "mv", MOVE },           { "gcloud", "cp", COPY },
	{ "gcloud", "rsync", COPY },         { "gcloud", "delete", BUCKET },     /* gcloud storage buckets delete */
	{ "gcloud", "update", SETTINGS },    { "gcloud", "add-iam-policy-binding", SETTINGS },
	{ "gcloud", "set-iam-policy", SETTINGS }, { "gcloud", "create", COPY },
	{ "rclone", "delete", REMOVE },      { "rclone", "deletefile", REMOVE }, { "rclone", "purge", REMOVE },
	{ "rclone", "rmdir", REMOVE },       { "rclone", "rmdirs", REMOVE },     { "rclone", "cleanup", REMOVE },
	{ "rclone", "dedupe", REMOVE },      { "rclone", "sync", SYNC_REMOVE },  { "rclone", "bisync", SYNC_REMOVE },
	{ "rclone", "move", MOVE },          { "rclone", "moveto", MOVE },       { "rclone", "copy", COPY },
	{ "rclone", "copyto", COPY },        { "rclone", "copyurl", COPY },      { "rclone", "rcat", COPY },
	{ "rclone", "mkdir", COPY },         { "rclone", "touch", COPY },        { "rclone", "settier", SETTINGS },
	{ "rclone", "link", SETTINGS },
	{ "s3cmd", "del", REMOVE },          { "s3cmd", "rm", REMOVE },          { "s3cmd", "delete", REMOVE },
	{ "s3cmd", "rb", BUCKET },           { "s3cmd", "mv", MOVE },            { "s3cmd", "put", COPY },
	{ "s3cmd", "cp", COPY },             { "s3cmd", "sync", COPY },          /* --delete-removed: SYNC_REMOVE */
	{ "s3cmd", "mb", COPY },             { "s3cmd", "setacl", SETTINGS },    { "s3cmd", "setpolicy", SETTINGS },
	{ "s3cmd", "delpolicy", SETTINGS },  { "s3cmd", "setcors", SETTINGS },   { "s3cmd", "expire", SETTINGS },
	{ "s3cmd", "setlifecycle", SETTINGS }, { "s3cmd", "get", COPY },
	{ "mc", "rm", REMOVE },              { "mc", "rb", BUCKET },             { "mc", "mv", MOVE },
	{ "mc", "cp", COPY },                { "mc", "mirror", COPY },           /* --remove: SYNC_REMOVE */
	{ "mc", "mb", COPY },                { "mc", "anonymous", SETTINGS },    { "mc", "policy", SETTINGS },
	{ "mc", "ilm", SETTINGS },           { "mc", "retention", SETTINGS },    { "mc", "ls", LIST },
	{ "mc", "cat", LIST },               { "mc", "stat", LIST },             { "mc", "du", LIST },
	{ "mc", "find", LIST },              { "mc", "tree", LIST },             { "mc", "alias", LIST },
	{ "azcopy", "remove", REMOVE },      { "azcopy", "rm", REMOVE },         { "azcopy", "copy", COPY },
	{ "azcopy", "cp", COPY },            { "azcopy", "sync", COPY },         /* --delete-destination: SYNC_REMOVE */
	{ "azcopy", "make", COPY },          { "azcopy", "set-properties", SETTINGS },
	{ "b2", "delete-bucket", BUCKET },   { "b2", "delete-file-version", REMOVE }, { "b2", "rm", REMOVE },
	{ "b2", "hide-file", REMOVE },       { "b2", "sync", COPY },             /* --delete: SYNC_REMOVE */
	{ "b2", "upload-file", COPY },       { "b2", "download-file-by-name", COPY },
	{ "b2", "update-bucket", SETTINGS },
};

/* Options of each tool that take the next word as their value (before and after the verb). */
static const char *
with_arg(const char *tool)
{
	if (!strcmp(tool, "gsutil"))
		return "-o -h -u -i -p -x -j -z -a -s -c";
	if (!strcmp(tool, "rclone"))
		return "--config --include --exclude --filter --include-from --exclude-from --filter-from --files-from "
		       "--backup-dir --suffix --transfers --checkers --bwlimit --max-age --min-age --max-size "
		       "--min-size --log-file --log-level --drive-root-folder-id --max-delete --compare-dest "
		       "--copy-dest --order-by --max-depth --dedupe-mode -c";
	if (!strcmp(tool, "s3cmd"))
		return "-c --config --acl-grant --acl-revoke --exclude --include --rexclude --rinclude "
		       "--exclude-from --include-from --region --bucket-location --storage-class --mime-type "
		       "--add-header";
	if (!strcmp(tool, "azcopy"))
		return "--include-pattern --exclude-pattern --include-path --exclude-path --from-to --log-level "
		       "--cap-mbps --block-size-mb --list-of-files --list-of-versions";
	if (!strcmp(tool, "b2"))
		return "--threads --exclude-regex --include-regex --compare-versions --keep-days --replace-newer "
		       "--content-type --info";
	if (!strcmp(tool, "gcloud"))
		return "--project --account --configuration --impersonate-service-account --billing-project "
		       "--verbosity --format --flags-file --filter --trace-token";
	return "--config-dir -C"; /* mc */
}

/* A local path, not a remote: "gs://b", "remote:path", ":s3:b", "alias/bucket" for mc are remotes. */
static bool
local_path(const char *tool, const char *arg)
{
	if (strstr(arg, "://"))
		return false;
	if (!strcmp(tool, "mc") || !strcmp(tool, "mcli") || !strcmp(tool, "b2"))
		return arg[0] == '/' || arg[0] == '.' || arg[0] == '~'; /* ALIAS/BUCKET, bucket names otherwise */
	if (!strcmp(tool, "rclone")) {
		const char *colon = strchr(arg, ':'), *slash = strchr(arg, '/');
		return !colon || (slash && slash < colon) || !strncmp(arg, ":local:", 7);
	}
	return true;
}

static bool
has_opt(const struct risk_cmd *c, const char *const *names)
{
	for (size_t i = 1; i < c->argc; i++)
		for (const char *const *n = names; *n; n++) {
			size_t len = strlen(*n);
			const char *t = c->argv[i].text;
			if (strncmp(t, *n, len) || (t[len] && t[len] != '='))
				continue;
			/* --delete-destination=false, --delete-destination false: off */
			const char *v = t[len] ? t + len + 1 : i + 1 < c->argc ? c->argv[i + 1].text : "";
			return strcasecmp(v, "false") != 0;
		}
	return false;
}

static bool
recursive(const struct risk_cmd *c)
{
	static const char *const opts[] = { "-r", "-R", "--recursive", "-rf", "-fr", "-Rf", "-fR", NULL };
	if (has_opt(c, opts))
		return true;
	for (size_t i = 1; i < c->argc; i++)
		if (strstr(c->argv[i].text, "**"))
			return true;
	return false;
}

/* The verbs whose sync removes at the destination what the source lacks, by their options. */
static bool
sync_removes(const struct risk_cmd *c)
{
	/* gsutil rsync -rd, -dr: a cluster of its short switches */
	for (size_t i = 1; !strcmp(c->name, "gsutil") && i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-' && t[1] != '-' && strchr(t + 1, 'd') && strspn(t + 1, "acCdeiJjnpPrRUux") == strlen(t + 1))
			return true;
	}
	static const char *const opts[] = { "-d", "--delete", "--delete-removed", "--delete-after",
		"--delete-unmatched-destination-objects", "--delete-destination", "--remove", "--overwrite", NULL };
	return has_opt(c, opts);
}

static const struct storage_verb *
verb_of(const char *tool, const char *verb)
{
	const char *t = !strcmp(tool, "mcli") ? "mc" : tool;
	for (size_t i = 0; i < sizeof(storage_verbs) / sizeof(*storage_verbs); i++)
		if (!strcmp(storage_verbs[i].tool, t) && !strcmp(storage_verbs[i].verb, verb))
			return &storage_verbs[i];
	return NULL;
}

/* The local paths among ops are rated as the change op makes to them. */
static void
local_paths(struct risk_state *st, const char *verb, const char *tool, const struct guard_shell_word *const *ops,
	    size_t n, enum risk_path_op op)
{
	for (size_t i = 0; i < n; i++) {
		if (!local_path(tool, ops[i]->text))
			continue;
		struct guard_shell_word w = *ops[i];
		if (!strncmp(w.text, ":local:", 7)) { /* rclone's on-the-fly local backend: the rest is the path */
			w.text += 7;
			w.flags = w.text[0] == '~' ? w.flags | GUARD_WORD_TILDE : w.flags & ~GUARD_WORD_TILDE;
		}
		risk_path(st, verb, &w, op);
	}
}

/*
 * gcloud's storage group, `gcloud [flags] storage VERB` or `... storage
 * buckets|objects|folders VERB`: the index of VERB in ops, n when the
 * command is no storage command. *objects: a delete removes objects, not a bucket.
 */
static size_t
gcloud_storage_verb(const struct guard_shell_word *const *ops, size_t n, bool *objects)
{
	static const char *const groups[] = { "buckets", "objects", "managed-folders", "folders", NULL };

	size_t k = n && (!strcmp(ops[0]->text, "alpha") || !strcmp(ops[0]->text, "beta")); /* gcloud alpha storage */

	*objects = false;
	if (n < k + 2 || strcmp(ops[k]->text, "storage"))
		return n;
	if (n >= k + 3 && risk_name_in(groups, ops[k + 1]->text)) {
		*objects = strcmp(ops[k + 1]->text, "buckets") != 0;
		return k + 2;
	}
	return k + 1;
}

bool
risk_verb_storage(struct risk_state *st, struct risk_cmd *c)
{
	const char *tool = c->name;
	const struct guard_shell_word **ops; /* all of them: the last is where a copy lands (attack13 P26) */
	size_t n = risk_operands_all(st, c, 1, with_arg(tool), &ops), at = 0;

	bool objects = false;
	if (!strcmp(tool, "gcloud") && (at = gcloud_storage_verb(ops, n, &objects)) == n)
		return false; /* other gcloud groups: rate_cloud */
	/* --help (and -h, but for gsutil, where -h is a header) prints the usage and runs nothing (attack13 P23) */
	if (risk_help_asked(c, strcmp(tool, "gsutil") ? "-h" : NULL)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return true;
	}
	const struct storage_verb *v = NULL;
	/* b2's newer spelling: b2 bucket delete, b2 file delete (rm) */
	if (!strcmp(tool, "b2") && at + 1 < n && (!strcmp(ops[at]->text, "bucket") || !strcmp(ops[at]->text, "file")) &&
	    (!strcmp(ops[at + 1]->text, "delete") || !strcmp(ops[at + 1]->text, "rm")))
		v = verb_of(tool, !strcmp(ops[at]->text, "bucket") ? "delete-bucket" : "rm"), at++;
	/* the first operand that is a verb: an option's value guard does not list may come first (rclone --retries 3 purge) */
	for (size_t k = at; !v && k < n && (k == at || strcmp(tool, "gcloud")); k++)
		if ((v = verb_of(tool, objects && !strcmp(ops[k]->text, "delete") ? "rm" : ops[k]->text)) != NULL)
			at = k;
	if (!v) {
		if (!strcmp(tool, "mc") || !strcmp(tool, "mcli"))
			return false; /* Midnight Commander, or a MinIO verb not known: as any program */
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s reads cloud storage", tool);
		return true;
	}
	char shown[96];
	snprintf(shown, sizeof(shown), "%s%s %s", tool, !strcmp(tool, "gcloud") ? " storage" : "", ops[at]->text);
	const struct guard_shell_word *const *args = ops + at + 1;
	size_t nargs = n - at - 1;
	enum what what = v->what == COPY && (!strcmp(v->verb, "rsync") || !strcmp(v->verb, "sync") ||
					     !strcmp(v->verb, "mirror")) && sync_removes(c) ? SYNC_REMOVE : v->what;
	switch (what) {
	case BUCKET:
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s removes a storage bucket", shown);
		break;
	case REMOVE:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s deletes stored objects%s", shown,
			  recursive(c) || !strcmp(v->verb, "purge") ? " recursively" : "");
		local_paths(st, shown, tool, args, nargs,
			    !strcmp(v->verb, "deletefile") ? PATH_DELETE
			    : !strcmp(v->verb, "purge") || recursive(c) ? PATH_DELETE_TREE : PATH_DELETE_UNDER);
		break;
	case SYNC_REMOVE:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s deletes at the destination what the source lacks",
			  shown);
		if (nargs)
			local_paths(st, shown, tool, args + nargs - 1, 1, PATH_DELETE_UNDER);
		break;
	case MOVE:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s moves stored data (its source is removed)", shown);
		if (nargs) {
			local_paths(st, shown, tool, args, nargs - 1, PATH_MOVE);
			local_paths(st, shown, tool, args + nargs - 1, 1, PATH_WRITE);
		}
		break;
	case SETTINGS:
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes a bucket's access or settings", shown);
		break;
	case COPY:
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s copies data to or from cloud storage", shown);
		if (nargs > 1 || !strcmp(v->verb, "mkdir") || !strcmp(v->verb, "touch"))
			local_paths(st, shown, tool, args + (nargs ? nargs - 1 : 0), nargs ? 1 : 0, PATH_WRITE);
		for (size_t i = 0; i + 1 < nargs; i++)
			if (local_path(tool, args[i]->text))
				risk_path(st, shown, args[i], PATH_READ);
		break;
	case LIST:
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s reads cloud storage", shown);
		break;
	}
	return true;
}
