/*
 * guard-scan: secrets and forbidden patterns in files and folders (as
 * .gitignore leaves them), the staged index, a commit range's added
 * lines, stdin, or one agent edit. The rules are the library's
 * (guard_scan.h): the redactor's secret shapes and the policy's
 * forbidden_patterns. Exit 1 on findings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "cli.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_json.h"
#include "guard_path.h"
#include "guard_policy.h"
#include "guard_scan.h"
#include "guard_stage.h"

#define FILE_MAX ((size_t)16 << 20)  /* a larger file is reported as skipped, not read */
#define STDIN_MAX ((size_t)64 << 20)
#define BINARY_PEEK 8000             /* as git: a NUL in the first 8000 bytes is a binary file */

struct run {
	struct guard_stages stages;
	char *root, *cwd;
	struct guard_scanner *sc;
	git_repository *repo;
	cJSON *findings;
	const char *format, *baseline, *write_baseline, *stdin_path;
	struct guard_list args;
	long files, skipped;
};

#define RUN_INIT { { { NULL, NULL, NULL, NULL, NULL, NULL, NULL }, NULL, NULL, GUARD_LIST_INIT }, NULL, NULL, NULL, NULL, \
		   NULL, NULL, NULL, NULL, NULL, GUARD_LIST_INIT, 0, 0 }

static int
run_start(struct run *r)
{
	const struct guard_policy *policy;
	char *here = getcwd(NULL, 0);
	int rc;

	if (!here)
		return guard_error(GUARD_EIO, "cannot read the current directory: %s", strerror(errno));
	rc = guard_project_root(here, &r->root);
	free(here);
	if (rc < 0 && rc != GUARD_ENOTFOUND)
		return rc;
	if ((rc = guard_stages_policy(&r->stages, r->root, &policy)) < 0) {
		for (size_t i = 0; i < r->stages.errors.len; i++)
			cli_error("%s", r->stages.errors.items[i]);
		return rc;
	}
	if ((rc = guard_scanner_new(guard_policy_tree(policy), &r->sc)) < 0)
		return rc;
	r->findings = cJSON_CreateArray();
	return 0;
}

static void
run_release(struct run *r)
{
	guard_scanner_free(r->sc);
	cJSON_Delete(r->findings);
	if (r->repo)
		git_repository_free(r->repo);
	guard_list_clear(&r->args);
	guard_stages_release(&r->stages);
	free(r->root);
	free(r->cwd);
}

static int
git_fail(const char *what)
{
	const git_error *e = git_error_last();
	return guard_error(GUARD_EIO, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

/* The repository around dir (for .gitignore and the index); none is fine for files. */
static int
open_repo(struct run *r, const char *dir, bool required)
{
	if (r->repo)
		return 0;
	git_libgit2_init();
	if (git_repository_open_ext(&r->repo, dir, 0, NULL) < 0) {
		r->repo = NULL;
		return required ? git_fail("not in a git repository") : 0;
	}
	return 0;
}

/* Options common to every verb; the rest are positional arguments (in r->args). */
static int
parse_opts(struct run *r, int argc, char **argv, bool takes_args)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], **dst = NULL;
		if (!strcmp(a, "--")) {
			for (i++; i < argc && takes_args; i++)
				guard_list_add(&r->args, argv[i]);
			if (i < argc)
				return guard_error(GUARD_EUSAGE, "%s: unexpected argument '%s'", argv[0], argv[i]);
			break;
		}
		if (!strcmp(a, "--format"))
			dst = &r->format;
		else if (!strcmp(a, "--baseline"))
			dst = &r->baseline;
		else if (!strcmp(a, "--write-baseline"))
			dst = &r->write_baseline;
		else if (!strcmp(a, "--path"))
			dst = &r->stdin_path;
		if (dst) {
			if (++i >= argc)
				return guard_error(GUARD_EUSAGE, "%s: %s needs a value", argv[0], a);
			*dst = argv[i];
		} else if (!strcmp(a, "--json")) {
			r->format = "jsonl";
		} else if (!strcmp(a, "--table")) {
			r->format = "table";
		} else if (a[0] == '-' && a[1]) {
			return guard_error(GUARD_EUSAGE, "%s: unknown option '%s' ('guard-scan %s --help')", argv[0], a, argv[0]);
		} else if (takes_args) {
			guard_list_add(&r->args, a);
		} else {
			return guard_error(GUARD_EUSAGE, "%s: unexpected argument '%s'", argv[0], a);
		}
	}
	if (!r->format)
		r->format = cli_table_out(false, false) ? "table" : "jsonl";
	if (strcmp(r->format, "table") && strcmp(r->format, "jsonl") && strcmp(r->format, "sarif") &&
	    strcmp(r->format, "github"))
		return guard_error(GUARD_EUSAGE, "%s: --format is table, jsonl, sarif or github, not '%s'", argv[0], r->format);
	return 0;
}

/* ------------------------------------------------------------- output */

static const char *
str(const cJSON *o, const char *k)
{
	return guard_json_str(o, k, "");
}

/* What is shown of the matched text: its first characters and a hash, never the whole. */
static char *
shown(const cJSON *f)
{
	return guard_xasprintf("%s… sha256:%s", str(f, "preview"), str(f, "hash"));
}

static void
print_github(const cJSON *findings)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, findings) {
		const char *sev = str(f, "severity");
		char *s = shown(f);
		printf("::%s file=", !strcmp(sev, "critical") || !strcmp(sev, "high") ? "error"
				     : !strcmp(sev, "medium")			     ? "warning"
										     : "notice");
		cli_github_escaped(str(f, "path"), true);
		printf(",line=%.0f,col=%.0f,title=", guard_json_num(f, "line"), guard_json_num(f, "column"));
		cli_github_escaped("guard-scan ", true);
		cli_github_escaped(str(f, "rule"), true);
		fputs("::", stdout);
		cli_github_escaped(str(f, "message"), false);
		fputs(" (", stdout);
		cli_github_escaped(s, false);
		fputs(")\n", stdout);
		free(s);
	}
}

static void
print_table(const struct run *r)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, r->findings) {
		char *s = shown(f);
		printf("%s:%.0f:%.0f  %-8s  %-22s  %s  [%s]\n", str(f, "path"), guard_json_num(f, "line"),
		       guard_json_num(f, "column"), str(f, "severity"), str(f, "rule"), str(f, "message"), s);
		free(s);
	}
	printf("%d finding%s in %ld file%s scanned%s\n", cJSON_GetArraySize(r->findings),
	       cJSON_GetArraySize(r->findings) == 1 ? "" : "s", r->files, r->files == 1 ? "" : "s",
	       r->skipped ? " (some skipped: binary or too large)" : "");
}

static const char *
sarif_level(const char *severity)
{
	return !strcmp(severity, "critical") || !strcmp(severity, "high") ? "error"
	       : !strcmp(severity, "medium")				   ? "warning"
									   : "note";
}

static void
print_sarif(const struct run *r)
{
	cJSON *doc = cJSON_CreateObject(), *runs, *run, *driver, *rules, *results, *rule;
	cJSON *all = guard_scanner_rules(r->sc);
	const cJSON *f;

	cJSON_AddStringToObject(doc, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(doc, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(doc, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
	cJSON_AddStringToObject(driver, "name", "guard-scan");
	cJSON_AddStringToObject(driver, "version", GUARD_VERSION);
	cJSON_AddStringToObject(driver, "informationUri", "https://example.invalid/guard");
	rules = cJSON_AddArrayToObject(driver, "rules");
	cJSON_ArrayForEach(rule, all) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", str(rule, "id"));
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "shortDescription"), "text", str(rule, "message"));
		char *full = guard_xasprintf("%s (%s rule, severity %s)", str(rule, "message"), str(rule, "kind"),
					     str(rule, "severity"));
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "fullDescription"), "text", full);
		free(full);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "help"), "text",
					"Remove the value (rotate a leaked secret), or mark a reviewed false finding with "
					"a 'guard-scan:allow RULE-ID reason' comment on its line.");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "defaultConfiguration"), "level",
					sarif_level(str(rule, "severity")));
		cJSON_AddItemToArray(rules, o);
	}
	results = cJSON_AddArrayToObject(run, "results");
	cJSON_ArrayForEach(f, r->findings) {
		cJSON *o = cJSON_CreateObject(), *loc = cJSON_CreateObject(), *phys, *region;
		char *s = shown(f), *msg = guard_xasprintf("%s (%s)", str(f, "message"), s);
		cJSON_AddStringToObject(o, "ruleId", str(f, "rule"));
		cJSON_AddStringToObject(o, "level", sarif_level(str(f, "severity")));
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "message"), "text", msg);
		phys = cJSON_AddObjectToObject(loc, "physicalLocation");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(phys, "artifactLocation"), "uri", str(f, "path"));
		region = cJSON_AddObjectToObject(phys, "region");
		cJSON_AddNumberToObject(region, "startLine", guard_json_num(f, "line"));
		cJSON_AddNumberToObject(region, "startColumn", guard_json_num(f, "column"));
		cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "locations"), loc);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "partialFingerprints"), "primaryLocationLineHash",
					str(f, "fingerprint"));
		cJSON_AddItemToArray(results, o);
		free(s);
		free(msg);
	}
	char *text = guard_json_pretty(doc, 0);
	puts(text);
	free(text);
	cJSON_Delete(all);
	cJSON_Delete(doc);
}

/* ----------------------------------------------------------- baseline */

static bool
in_baseline(const cJSON *base, const cJSON *f)
{
	const cJSON *b;
	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(base, "findings"))
		if (!strcmp(str(b, "rule"), str(f, "rule")) && !strcmp(str(b, "path"), str(f, "path")) &&
		    !strcmp(str(b, "fingerprint"), str(f, "fingerprint")))
			return true;
	return false;
}

static int
apply_baseline(struct run *r)
{
	char *text = NULL;
	size_t len;
	cJSON *base;
	int rc;

	if (!r->baseline)
		return 0;
	if ((rc = guard_file_read(r->baseline, FILE_MAX, 0, &text, &len)) < 0)
		return rc;
	base = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(base, "findings"))) {
		cJSON_Delete(base);
		return guard_error(GUARD_EUSAGE, "%s: not a guard-scan baseline (write one with --write-baseline)",
				   r->baseline);
	}
	for (cJSON *f = r->findings->child, *next; f; f = next) {
		next = f->next;
		if (in_baseline(base, f))
			cJSON_Delete(cJSON_DetachItemViaPointer(r->findings, f));
	}
	cJSON_Delete(base);
	return 0;
}

static int
write_baseline(const struct run *r)
{
	cJSON *doc = cJSON_CreateObject(), *list = cJSON_CreateArray();
	const cJSON *f;

	cJSON_AddNumberToObject(doc, "version", 1);
	cJSON_ArrayForEach(f, r->findings) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "rule", str(f, "rule"));
		cJSON_AddStringToObject(o, "path", str(f, "path"));
		cJSON_AddStringToObject(o, "fingerprint", str(f, "fingerprint"));
		cJSON_AddItemToArray(list, o);
	}
	cJSON_AddItemToObject(doc, "findings", list);
	char *text = guard_json_pretty(doc, 1);
	int rc = guard_file_write_atomic(r->write_baseline, text, strlen(text), 0644);
	free(text);
	cJSON_Delete(doc);
	return rc;
}

/* Print (or write the baseline) and give the outcome: GUARD_EDENY on findings. */
static int
finish(struct run *r)
{
	int rc;

	if ((rc = apply_baseline(r)) < 0)
		return rc;
	if (r->write_baseline) {
		if ((rc = write_baseline(r)) == 0)
			fprintf(stderr, "%s: %d finding%s written to %s\n", cli_progname, cJSON_GetArraySize(r->findings),
				cJSON_GetArraySize(r->findings) == 1 ? "" : "s", r->write_baseline);
		return rc;
	}
	if (!strcmp(r->format, "sarif")) {
		print_sarif(r);
	} else if (!strcmp(r->format, "github")) {
		print_github(r->findings);
	} else if (!strcmp(r->format, "table")) {
		print_table(r);
	} else {
		const cJSON *f;
		cJSON_ArrayForEach(f, r->findings) {
			char *line = cJSON_PrintUnformatted(f);
			puts(line);
			free(line);
		}
	}
	guard_error_clear();
	return cJSON_GetArraySize(r->findings) ? GUARD_EDENY : 0;
}

/* -------------------------------------------------------------- files */

static bool
binary(const char *text, size_t len)
{
	return memchr(text, 0, len < BINARY_PEEK ? len : BINARY_PEEK) != NULL;
}

static int
scan_text(struct run *r, const char *path, const char *text, size_t len, const long *lines)
{
	int rc;

	r->files++;
	if (binary(text, len)) {
		r->skipped++;
		return 0;
	}
	rc = guard_scanner_scan(r->sc, path, text, len, 1, lines, r->findings);
	return rc < 0 ? rc : 0;
}

/*
 * Whether the repository's .gitignore ignores path. The path is made
 * absolute from the current folder's real path (found once), not with
 * realpath(3): a readlink of every component of every file cost more than
 * the scan. A path that then does not lie under the work tree (a top
 * argument with "..", a link) is not ignored: scanned, which errs safe.
 */
static bool
ignored(struct run *r, const char *path)
{
	int ign = 0;
	const char *wd = r->repo ? git_repository_workdir(r->repo) : NULL;
	char *abs;

	if (!wd)
		return false;
	if (!r->cwd && !(r->cwd = realpath(".", NULL)))
		return false;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	abs = path[0] == '/' ? guard_xstrdup(path) : guard_xasprintf("%s/%s", r->cwd, path);
	size_t n = strlen(wd);
	if (!strncmp(abs, wd, n) && abs[n] && !strstr(abs + n, "/../"))
		git_ignore_path_is_ignored(&ign, r->repo, abs + n);
	free(abs);
	return ign == 1;
}

static int scan_path(struct run *r, const char *path, bool top);

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder a path is in ("." for a bare name). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? guard_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : guard_xstrdup(".");
}

static int
scan_dir(struct run *r, const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct guard_list names = GUARD_LIST_INIT;
	int rc = 0;

	if (!d)
		return guard_error(GUARD_EIO, "cannot read the folder %s: %s", path, strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".git"))
			guard_list_add(&names, e->d_name);
	closedir(d);
	if (names.len)
		qsort(names.items, names.len, sizeof(*names.items), by_name);
	for (size_t i = 0; i < names.len && rc == 0; i++) {
		char *sub = strcmp(path, ".") ? guard_xasprintf("%s/%s", path, names.items[i])
					      : guard_xstrdup(names.items[i]);
		rc = scan_path(r, sub, false);
		free(sub);
	}
	guard_list_clear(&names);
	return rc;
}

static int
scan_path(struct run *r, const char *path, bool top)
{
	struct stat st;
	char *text = NULL;
	size_t len;
	int rc;

	if (lstat(path, &st) < 0 && top && errno == ENOENT)
		return guard_error(GUARD_ENOTFOUND, "cannot scan %s: no such file or folder (check the path)", path);
	if (lstat(path, &st) < 0)
		return guard_error(top ? GUARD_EUSAGE : GUARD_EIO, "cannot scan %s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode) && !top)
		return 0; /* a link inside a folder is not followed (it may leave the tree) */
	if (!top && (ignored(r, path) || guard_scanner_excluded(r->sc, path)))
		return 0;
	if (top && stat(path, &st) < 0)
		return guard_error(GUARD_EUSAGE, "cannot scan %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return scan_dir(r, path);
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((size_t)st.st_size > FILE_MAX) {
		r->skipped++;
		return 0;
	}
	if ((rc = guard_file_read(path, FILE_MAX, 0, &text, &len)) < 0)
		return rc;
	rc = scan_text(r, path, text, len, NULL);
	free(text);
	return rc;
}

static int
cmd_files(int argc, char **argv)
{
	struct run r = RUN_INIT;
	int rc;

	/* "guard-scan PATH..." comes here too, the path in the verb's place */
	if (strcmp(argv[0], "files"))
		guard_list_add(&r.args, argv[0]);
	if ((rc = parse_opts(&r, argc, argv, true)) < 0 || (rc = run_start(&r)) < 0)
		goto out;
	if (!r.args.len)
		guard_list_add(&r.args, ".");
	for (size_t i = 0; i < r.args.len && rc == 0; i++) {
		struct stat st;
		char *dir = stat(r.args.items[i], &st) == 0 && S_ISDIR(st.st_mode) ? guard_xstrdup(r.args.items[i])
										 : dir_of(r.args.items[i]);
		if ((rc = open_repo(&r, dir, false)) == 0)
			rc = scan_path(&r, r.args.items[i], true);
		free(dir);
	}
	if (rc == 0)
		rc = finish(&r);
out:
	run_release(&r);
	return rc;
}

/* --------------------------------------------------------------- diff */

/* A file's added lines, gathered from a diff and scanned at once. */
struct added {
	struct run *r;
	char *path;
	struct guard_buf text;
	long *lines;
	size_t n, cap;
	int rc;
};

static void
added_flush(struct added *a)
{
	if (a->path && a->n && !guard_scanner_excluded(a->r->sc, a->path) && a->rc == 0)
		a->rc = scan_text(a->r, a->path, a->text.buf, a->text.len, a->lines);
	free(a->path);
	a->path = NULL;
	a->n = 0;
	guard_buf_reset(&a->text);
}

static int
on_line(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l, void *arg)
{
	struct added *a = arg;

	(void)h;
	if (!a->path || strcmp(a->path, d->new_file.path)) {
		added_flush(a);
		a->path = guard_xstrdup(d->new_file.path);
	}
	if (l->origin != GIT_DIFF_LINE_ADDITION || (d->flags & GIT_DIFF_FLAG_BINARY))
		return 0;
	if (a->n == a->cap)
		a->lines = guard_xrealloc(a->lines, (a->cap = a->cap ? a->cap * 2 : 256) * sizeof(*a->lines));
	a->lines[a->n++] = l->new_lineno;
	guard_buf_add(&a->text, l->content, l->content_len);
	if (!l->content_len || l->content[l->content_len - 1] != '\n')
		guard_buf_addch(&a->text, '\n');
	return 0;
}

static int
scan_diff(struct run *r, git_diff *diff)
{
	struct added a = { r, NULL, GUARD_BUF_INIT, NULL, 0, 0, 0 };
	int rc = git_diff_foreach(diff, NULL, NULL, NULL, on_line, &a) < 0 ? git_fail("cannot read the diff") : 0;

	added_flush(&a);
	if (rc == 0)
		rc = a.rc;
	guard_buf_release(&a.text);
	free(a.lines);
	return rc;
}

static int
tree_of(git_repository *repo, const char *spec, git_tree **out)
{
	git_object *o = NULL;
	int rc = 0;

	if (git_revparse_single(&o, repo, spec) < 0 || git_object_peel((git_object **)out, o, GIT_OBJECT_TREE) < 0)
		rc = guard_error(GUARD_EUSAGE, "'%s' names no commit here", spec);
	git_object_free(o);
	return rc;
}

static int
cmd_staged(int argc, char **argv)
{
	struct run r = RUN_INIT;
	git_tree *head = NULL;
	git_index *idx = NULL;
	git_diff *diff = NULL;
	int rc;

	if ((rc = parse_opts(&r, argc, argv, false)) < 0 || (rc = run_start(&r)) < 0 ||
	    (rc = open_repo(&r, ".", true)) < 0)
		goto out;
	if (!git_repository_head_unborn(r.repo) && (rc = tree_of(r.repo, "HEAD", &head)) < 0)
		goto out;
	if (git_repository_index(&idx, r.repo) < 0 || git_diff_tree_to_index(&diff, r.repo, head, idx, NULL) < 0) {
		rc = git_fail("cannot diff the index");
		goto out;
	}
	if ((rc = scan_diff(&r, diff)) == 0)
		rc = finish(&r);
out:
	git_diff_free(diff);
	git_index_free(idx);
	git_tree_free(head);
	run_release(&r);
	return rc;
}

static int
cmd_range(int argc, char **argv)
{
	struct run r = RUN_INIT;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	char *base = NULL;
	const char *dots;
	int rc;

	if ((rc = parse_opts(&r, argc, argv, true)) < 0)
		goto out;
	if (r.args.len != 1 || !(dots = strstr(r.args.items[0], "..")) || strstr(r.args.items[0], "...")) {
		rc = guard_error(GUARD_EUSAGE, "range: give one BASE..HEAD (e.g. origin/main..HEAD)");
		goto out;
	}
	base = guard_xstrndup(r.args.items[0], (size_t)(dots - r.args.items[0]));
	if ((rc = run_start(&r)) < 0 || (rc = open_repo(&r, ".", true)) < 0 ||
	    (rc = tree_of(r.repo, *base ? base : "HEAD", &a)) < 0 || (rc = tree_of(r.repo, dots[2] ? dots + 2 : "HEAD", &b)) < 0)
		goto out;
	if (git_diff_tree_to_tree(&diff, r.repo, a, b, NULL) < 0) {
		rc = git_fail("cannot diff the range");
		goto out;
	}
	if ((rc = scan_diff(&r, diff)) == 0)
		rc = finish(&r);
out:
	free(base);
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	run_release(&r);
	return rc;
}

/* -------------------------------------------------------- stdin, edit */

static int
cmd_stdin(int argc, char **argv)
{
	struct run r = RUN_INIT;
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = parse_opts(&r, argc, argv, false)) < 0 || (rc = run_start(&r)) < 0 ||
	    (rc = guard_stream_read(stdin, STDIN_MAX, &text, &len)) < 0)
		goto out;
	if ((rc = scan_text(&r, r.stdin_path ? r.stdin_path : "-", text, len, NULL)) == 0)
		rc = finish(&r);
out:
	free(text);
	run_release(&r);
	return rc;
}

static int
cmd_tool_input(int argc, char **argv)
{
	struct run r = RUN_INIT;
	char *text = NULL;
	size_t len;
	cJSON *in = NULL;
	int rc;

	if ((rc = parse_opts(&r, argc, argv, false)) < 0 || (rc = run_start(&r)) < 0 ||
	    (rc = guard_stream_read(stdin, STDIN_MAX, &text, &len)) < 0)
		goto out;
	if (!(in = cJSON_ParseWithLength(text, len)) || !cJSON_IsObject(in)) {
		rc = guard_error(GUARD_EUSAGE, "tool-input: stdin is not a JSON object (a hook payload or a tool input)");
		goto out;
	}
	if ((rc = guard_scanner_tool_input(r.sc, in, r.findings)) < 0)
		goto out;
	r.files++;
	rc = finish(&r);
out:
	cJSON_Delete(in);
	free(text);
	run_release(&r);
	return rc;
}

static int
cmd_rules(int argc, char **argv)
{
	struct run r = RUN_INIT;
	cJSON *rules = NULL;
	const cJSON *v;
	int rc;

	if ((rc = parse_opts(&r, argc, argv, false)) < 0 || (rc = run_start(&r)) < 0)
		goto out;
	if (strcmp(r.format, "table") && strcmp(r.format, "jsonl")) {
		rc = guard_error(GUARD_EUSAGE, "rules: --format is table or jsonl, not '%s'", r.format);
		goto out;
	}
	rules = guard_scanner_rules(r.sc);
	cJSON_ArrayForEach(v, rules) {
		if (strcmp(r.format, "table")) { /* a pipe: JSON Lines */
			char *text = cJSON_PrintUnformatted(v);
			puts(text);
			cJSON_free(text);
		} else {
			printf("%-22s %-8s %-7s %s\n", str(v, "id"), str(v, "severity"), str(v, "kind"), str(v, "message"));
		}
	}
out:
	cJSON_Delete(rules);
	run_release(&r);
	return rc;
}

/* ---------------------------------------------------------------- main */

#define OUT_OPTS "[--table | --json | --format table|jsonl|sarif|github] [--baseline FILE] [--write-baseline FILE]"

static const struct cli_command commands[] = {
	{ "files", cmd_files, 0, "[PATH...] " OUT_OPTS,
	  "scan files and folders (default: .), skipping what .gitignore ignores and scan.exclude names" },
	{ "staged", cmd_staged, 0, OUT_OPTS, "scan the lines the index adds to HEAD (for pre-commit)" },
	{ "range", cmd_range, 0, "BASE..HEAD " OUT_OPTS, "scan the lines a commit range adds" },
	{ "stdin", cmd_stdin, 0, "[--path NAME] " OUT_OPTS, "scan standard input (as NAME, for the paths rules)" },
	{ "tool-input", cmd_tool_input, 0, OUT_OPTS,
	  "scan one Write/Edit/MultiEdit tool input (or hook payload) given as JSON on stdin" },
	{ "rules", cmd_rules, 0, "[--json|--table]",
	  "list the rules: the built-in secret rules and the policy's forbidden_patterns (a table on a terminal, "
	  "JSON Lines in a pipe)" },
	{ NULL, cmd_files, 0, NULL, NULL },
};

int
main(int argc, char **argv)
{
	cli_init("guard-scan");
	return cli_dispatch(commands,
			    "Secrets and forbidden patterns in files, the index, a commit range, stdin or an agent's "
			    "edit; exit 1 on findings (guard-scan(1)). \"guard-scan PATH...\" is \"guard-scan files PATH...\".",
			    argc, argv);
}
