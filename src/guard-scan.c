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
#include <pthread.h>
#include <stdatomic.h>
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
#include "guard_textlines.h"

#define FILE_MAX ((size_t)16 << 20)  /* a larger file is reported as skipped, not read */
#define STDIN_MAX ((size_t)64 << 20)
#define BINARY_PEEK 8000             /* as git: a NUL in the first 8000 bytes is a binary file */

struct run {
	struct guard_stages stages;
	char *root;
	const struct guard_policy *policy;
	struct guard_scanner *sc;
	git_repository *repo;
	cJSON *findings;
	const char *format, *baseline, *write_baseline, *stdin_path;
	struct guard_list args;
	long files, skipped;
	struct guard_list todo;  /* files: the walk's files, in order */
	struct guard_list ign;   /* files: what .gitignore ignores, sorted (loaded on first use) */
	char *prefix;            /* files: the current folder within the work tree ("" at its top) */
	bool ign_loaded;
};

#define RUN_INIT { { { NULL, NULL, NULL, NULL, NULL, NULL, NULL }, NULL, NULL, GUARD_LIST_INIT }, NULL, NULL, NULL, NULL, \
		   NULL, NULL, NULL, NULL, NULL, GUARD_LIST_INIT, 0, 0, GUARD_LIST_INIT, GUARD_LIST_INIT, NULL, false }

static int
run_start(struct run *r)
{
	char *here = getcwd(NULL, 0);
	int rc;

	if (!here)
		return guard_error(GUARD_EIO, "cannot read the current directory: %s", strerror(errno));
	rc = guard_project_root(here, &r->root);
	free(here);
	if (rc < 0 && rc != GUARD_ENOTFOUND)
		return rc;
	if ((rc = guard_stages_policy(&r->stages, r->root, &r->policy)) < 0) {
		for (size_t i = 0; i < r->stages.errors.len; i++)
			cli_error("%s", r->stages.errors.items[i]);
		return rc;
	}
	if ((rc = guard_scanner_new(guard_policy_tree(r->policy), &r->sc)) < 0)
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
	guard_list_clear(&r->todo);
	guard_list_clear(&r->ign);
	free(r->prefix);
	guard_stages_release(&r->stages);
	free(r->root);
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

/* A finding in a file's or folder's name, not in its text (line 0, "in": "name")? */
static bool
in_name(const cJSON *f)
{
	return !strcmp(str(f, "in"), "name");
}

/* What is shown of the matched text: its first characters and a hash, never the whole; where, for a name. */
static char *
shown(const cJSON *f)
{
	return guard_xasprintf("%s… sha256:%s%s", str(f, "preview"), str(f, "hash"), in_name(f) ? ", in the name" : "");
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
		/* a name's finding is the file's: an annotation without a line */
		if (!in_name(f))
			printf(",line=%.0f,col=%.0f", guard_json_num(f, "line"), guard_json_num(f, "column"));
		fputs(",title=", stdout);
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
		/* every string may come from the agent: a file's name, its text in the preview (attack10 K21) */
		char *s = shown(f), *path = cli_visible(str(f, "path")), *rule = cli_visible(str(f, "rule")),
		     *msg = cli_visible(str(f, "message")), *seen = cli_visible(s);
		printf("%s:%.0f:%.0f  %-8s  %-22s  %s  [%s]\n", path, guard_json_num(f, "line"), guard_json_num(f, "column"),
		       str(f, "severity"), rule, msg, seen);
		free(s);
		free(path);
		free(rule);
		free(msg);
		free(seen);
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
		/* a name's finding is the whole artifact's (a region's lines start at 1) */
		if (!in_name(f)) {
			region = cJSON_AddObjectToObject(phys, "region");
			cJSON_AddNumberToObject(region, "startLine", guard_json_num(f, "line"));
			cJSON_AddNumberToObject(region, "startColumn", guard_json_num(f, "column"));
		}
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
			cli_json_line(line);
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

/*
 * The text to scan in a file's bytes: they themselves, or, for text saved
 * as UTF-16/32, that text decoded into wide (its lines where they were);
 * NULL for a binary file.
 */
static const char *
text_of(const char *data, size_t *len, struct guard_buf *wide)
{
	if (!binary(data, *len))
		return data;
	if (!guard_text_wide_utf8(data, *len, wide))
		return NULL;
	*len = wide->len;
	return wide->buf;
}

static int
scan_text(struct run *r, const char *path, const char *data, size_t len, const long *lines)
{
	struct guard_buf wide = GUARD_BUF_INIT;
	/* lines gathered from a diff are text (a NUL in them hides nothing) and keep their numbers: only a whole file is decoded */
	const char *text = lines ? data : text_of(data, &len, &wide);
	int rc = 0;

	r->files++;
	r->skipped += !text;
	if (text)
		rc = guard_scanner_scan(r->sc, path, text, len, 1, lines, r->findings);
	guard_buf_release(&wide);
	return rc < 0 ? rc : 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk entries are "d"/"f" and the name: sorted by the name. */
static int
by_name_after_kind(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static int
on_status(const char *path, unsigned int flags, void *arg)
{
	if (flags & GIT_STATUS_IGNORED)
		guard_list_add(arg, path);
	return 0;
}

/*
 * What .gitignore ignores, found once by one libgit2 status walk (which
 * reads each folder's .gitignore once): the ignored files and folders
 * ("dir/"), relative to the work tree, sorted. A tracked file is never
 * ignored, as in git. Asking git_ignore_path_is_ignored about each file
 * instead cost a dozen stat calls per file.
 */
static int
load_ignored(struct run *r)
{
	git_status_options o;
	const char *wd = git_repository_workdir(r->repo);
	char *here;

	r->ign_loaded = true;
	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	if (!wd || !(here = realpath(".", NULL)))
		return 0;
	size_t n = strlen(wd);
	/* the current folder within the work tree, as "sub/dir/" ("" at its top; NULL outside it) */
	if (!strncmp(here, wd, n - 1) && (!here[n - 1] || here[n - 1] == '/'))
		r->prefix = here[n - 1] ? guard_xasprintf("%s/", here + n) : guard_xstrdup("");
	free(here);
	o.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	o.flags = GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		  GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_foreach_ext(r->repo, &o, on_status, &r->ign) < 0)
		return git_fail("cannot list what .gitignore ignores");
	if (r->ign.len)
		qsort(r->ign.items, r->ign.len, sizeof(*r->ign.items), by_name);
	return 0;
}

static bool
in_ignored(const struct run *r, const char *rel)
{
	return r->ign.len && bsearch(&rel, r->ign.items, r->ign.len, sizeof(*r->ign.items), by_name);
}

/*
 * Whether .gitignore ignores path (a folder when dir): it or a folder
 * above it is on the ignored list. A path that does not lie under the
 * work tree ("..", a link, outside it) is not ignored: scanned, which
 * errs safe.
 */
static int
ignored(struct run *r, const char *path, bool dir, bool *out)
{
	int rc;

	*out = false;
	if (!r->repo)
		return 0;
	if (!r->ign_loaded && (rc = load_ignored(r)) < 0)
		return rc;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!r->prefix || !r->ign.len || path[0] == '/' || !strcmp(path, "..") || !strncmp(path, "../", 3) ||
	    strstr(path, "/../"))
		return 0;
	char *rel = guard_xasprintf("%s%s/", r->prefix, path);
	size_t len = strlen(rel);
	for (size_t i = 0; i < len && !*out; i++) {
		if (rel[i] != '/' || (i == len - 1 && !dir))
			continue;
		char c = rel[i + 1];
		rel[i + 1] = '\0'; /* "a/", "a/b/", ...: a folder above */
		*out = in_ignored(r, rel);
		rel[i + 1] = c;
	}
	if (!*out && !dir) {
		rel[len - 1] = '\0';
		*out = in_ignored(r, rel);
	}
	free(rel);
	return 0;
}

/* The folder a path is in ("." for a bare name). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? guard_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : guard_xstrdup(".");
}

/* Scan the name of a file or folder the scan visits: a key can be a name (found at line 0, "in": "name"). */
static int
scan_name(struct run *r, const char *path)
{
	int rc = guard_scanner_scan_name(r->sc, path, r->findings);
	return rc < 0 ? rc : 0;
}

/* Whether the walk leaves path out: ignored or excluded by policy. */
static int
left_out(struct run *r, const char *path, bool dir, bool *out)
{
	int rc = ignored(r, path, dir, out);

	if (rc == 0 && !*out)
		*out = guard_scanner_excluded(r->sc, path);
	return rc;
}

/*
 * The walk: the regular files to scan, in order, into r->todo. A folder's
 * entries are sorted by name; their types come from readdir (a stat only
 * where the file system does not say). Links inside a folder are not
 * followed (they may leave the tree), nor is .git entered.
 */
static int
walk_dir(struct run *r, const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct guard_list names = GUARD_LIST_INIT;
	int rc = 0;

	if (!d)
		return guard_error(GUARD_EIO, "cannot read the folder %s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		unsigned char type = e->d_type;
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git"))
			continue;
		if (type == DT_UNKNOWN && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		if (type != DT_DIR && type != DT_REG)
			continue;
		/* the kind rides in front of the name: 'd' or 'f' */
		char *n = guard_xasprintf("%c%s", type == DT_DIR ? 'd' : 'f', e->d_name);
		guard_list_take(&names, n);
	}
	closedir(d);
	if (names.len)
		qsort(names.items, names.len, sizeof(*names.items), by_name_after_kind);
	for (size_t i = 0; i < names.len && rc == 0; i++) {
		const char *name = names.items[i] + 1;
		bool dir = names.items[i][0] == 'd', out = false;
		char *sub = strcmp(path, ".") ? guard_xasprintf("%s/%s", path, name) : guard_xstrdup(name);
		if ((rc = left_out(r, sub, dir, &out)) == 0 && !out && (rc = scan_name(r, sub)) == 0) {
			if (dir)
				rc = walk_dir(r, sub);
			else
				guard_list_take(&r->todo, guard_xstrdup(sub));
		}
		free(sub);
	}
	guard_list_clear(&names);
	return rc;
}

/* A path named on the command line: a file is scanned even when ignored (the user asked for it). */
static int
walk_top(struct run *r, const char *path)
{
	struct stat st;
	int rc;

	if (stat(path, &st) < 0 && errno == ENOENT)
		return guard_error(GUARD_ENOTFOUND, "cannot scan %s: no such file or folder (check the path)", path);
	if (stat(path, &st) < 0)
		return guard_error(GUARD_EUSAGE, "cannot scan %s: %s", path, strerror(errno));
	if ((S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) && (rc = scan_name(r, path)) < 0)
		return rc;
	if (S_ISDIR(st.st_mode))
		return walk_dir(r, path);
	if (S_ISREG(st.st_mode))
		guard_list_add(&r->todo, path);
	return 0;
}

/* What one scanning thread found in one file. */
struct result {
	cJSON *found;
	char *error;
	int rc;
	bool skipped, big; /* binary or too large; too large (not counted as scanned) */
};

/* The threads share the file list; each has its own scanner (one is not to be shared) and buffer. */
struct pool {
	struct run *r;
	struct result *res;
	atomic_size_t next;
	atomic_bool stop;
};

struct worker {
	struct pool *p;
	struct guard_scanner *sc;
	struct guard_buf buf, wide; /* the file; its text decoded from UTF-16/32 */
	pthread_t thread;
};

/* Read path into b (reused): NUL-terminated; GUARD_EUSAGE past FILE_MAX (the caller skips it). */
static int
read_into(struct guard_buf *b, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

	b->len = 0;
	if (fd < 0 && errno == ENOENT)
		return guard_error(GUARD_ENOTFOUND, "'%s' does not exist", path);
	if (fd < 0 && errno == ELOOP)
		return guard_error(GUARD_EIO, "'%s' is a symbolic link; refusing to follow it", path);
	if (fd < 0)
		return guard_error(GUARD_EIO, "cannot open '%s': %s", path, strerror(errno));
	for (;;) {
		/* 256 KiB at first, doubled when full: one read for most files */
		if (!b->alloc)
			guard_buf_grow(b, (size_t)256 << 10);
		else if (b->alloc - b->len <= 1)
			guard_buf_grow(b, b->alloc);
		size_t room = b->alloc - b->len - 1;
		ssize_t n = read(fd, b->buf + b->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			close(fd);
			return guard_error(GUARD_EIO, "cannot read '%s': %s", path, strerror(err));
		}
		b->len += (size_t)n;
		if (b->len > FILE_MAX) {
			close(fd);
			return GUARD_EUSAGE;
		}
		/* a regular file reads short only at its end: no read just to see 0 */
		if (n == 0 || (size_t)n < room)
			break;
	}
	close(fd);
	b->buf[b->len] = '\0';
	return 0;
}

static void
scan_one(struct worker *w, size_t i)
{
	struct result *res = &w->p->res[i];
	const char *path = w->p->r->todo.items[i];
	int rc = read_into(&w->buf, path);
	size_t len = w->buf.len;
	const char *text = rc == 0 ? text_of(w->buf.buf, &len, &w->wide) : NULL;

	res->found = cJSON_CreateArray();
	if (rc == GUARD_EUSAGE || (rc == 0 && !text)) {
		res->skipped = true;
		res->big = rc == GUARD_EUSAGE;
		return;
	}
	if (rc == 0)
		rc = guard_scanner_scan(w->sc, path, text, len, 1, NULL, res->found);
	if (rc < 0) {
		res->rc = rc;
		res->error = guard_xstrdup(guard_error_last());
		atomic_store(&w->p->stop, true);
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	size_t i;

	while (!atomic_load(&w->p->stop) && (i = atomic_fetch_add(&w->p->next, 1)) < w->p->r->todo.len)
		scan_one(w, i);
	return NULL;
}

#define THREADS 2
#define THREADS_FROM 64 /* fewer files are not worth a second scanner */

/*
 * Scan the files of the walk, on two threads when there are many; the
 * findings come out in the walk's order whatever thread found them, and
 * the first file (in that order) that fails stops the scan with its error.
 */
static int
scan_todo(struct run *r, const cJSON *tree)
{
	struct pool p = { r, guard_xcalloc(r->todo.len + 1, sizeof(struct result)), 0, false };
	struct worker w[THREADS];
	size_t nw = r->todo.len >= THREADS_FROM ? THREADS : 1, started = 0;
	int rc = 0;

	memset(w, 0, sizeof(w));
	for (size_t t = 0; t < nw && rc == 0; t++) {
		w[t].p = &p;
		if (t == 0)
			w[t].sc = r->sc;
		else if ((rc = guard_scanner_new(tree, &w[t].sc)) < 0)
			break;
		if (t > 0 && pthread_create(&w[t].thread, NULL, work, &w[t]) != 0) {
			guard_scanner_free(w[t].sc);
			w[t].sc = NULL;
			break; /* one thread less */
		}
		started = t + 1;
	}
	if (rc == 0)
		work(&w[0]);
	for (size_t t = 1; t < started; t++) {
		pthread_join(w[t].thread, NULL);
		guard_scanner_free(w[t].sc);
	}
	for (size_t t = 0; t < started || t == 0; t++) {
		guard_buf_release(&w[t].buf);
		guard_buf_release(&w[t].wide);
	}
	for (size_t i = 0; i < r->todo.len; i++) {
		struct result *res = &p.res[i];
		if (rc == 0 && res->rc < 0)
			rc = guard_error(res->rc, "%s", res->error);
		if (rc == 0 && res->found) {
			r->files += !res->big;
			r->skipped += res->skipped;
			for (cJSON *f; (f = res->found->child);)
				cJSON_AddItemToArray(r->findings, cJSON_DetachItemViaPointer(res->found, f));
		}
		cJSON_Delete(res->found);
		free(res->error);
	}
	free(p.res);
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
			rc = walk_top(&r, r.args.items[i]);
		free(dir);
	}
	if (rc == 0)
		rc = scan_todo(&r, guard_policy_tree(r.policy));
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
	struct guard_scan_lines g;
	char *named; /* the last path whose names were scanned */
	int rc;
};

static void
added_flush(struct added *a)
{
	if (a->g.path && a->g.n && !guard_scanner_excluded(a->r->sc, a->g.path) && a->rc == 0)
		a->rc = scan_text(a->r, a->g.path, a->g.text.buf, a->g.text.len, a->g.lines);
	guard_scan_lines_start(&a->g, NULL);
}

static int
on_line(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l, void *arg)
{
	struct added *a = arg;

	(void)h;
	if (guard_scan_lines_other(&a->g, d->new_file.path)) {
		added_flush(a);
		guard_scan_lines_start(&a->g, d->new_file.path);
	}
	if (l->origin != GIT_DIFF_LINE_ADDITION || (d->flags & GIT_DIFF_FLAG_BINARY))
		return 0;
	guard_scan_lines_add(&a->g, l->new_lineno, l->content, l->content_len);
	return 0;
}

/*
 * The names in a path a diff adds: its file's, and its folders' but those
 * the last added path had (a diff comes sorted by path: a new folder's
 * files come together, and its name is scanned once).
 */
static int
on_file(const git_diff_delta *d, float progress, void *arg)
{
	struct added *a = arg;
	const char *path = d->new_file.path, *last = a->named ? a->named : "";

	(void)progress;
	if (a->rc < 0 || (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_RENAMED && d->status != GIT_DELTA_COPIED))
		return 0;
	for (size_t i = 0; path[i] && a->rc == 0; i++) {
		if (path[i + 1] != '/' && path[i + 1])
			continue;
		bool shared = !strncmp(path, last, i + 1) && last[i + 1] == '/';
		char *part = guard_xstrndup(path, i + 1);
		if (!shared && !guard_scanner_excluded(a->r->sc, part))
			a->rc = scan_name(a->r, part);
		free(part);
	}
	free(a->named);
	a->named = guard_xstrdup(path);
	return 0;
}

/* A blob's text to scan: as it is, or decoded from UTF-16/32 into wide; NULL when binary, too large or missing. */
static const char *
blob_text(git_repository *repo, const git_oid *id, git_blob **blob, struct guard_buf *wide, size_t *len)
{
	*blob = NULL;
	if (git_oid_is_zero(id) || git_blob_lookup(blob, repo, id) < 0 || git_blob_rawsize(*blob) > (git_object_size_t)FILE_MAX)
		return NULL;
	*len = (size_t)git_blob_rawsize(*blob);
	return text_of(git_blob_rawcontent(*blob), len, wide);
}

/*
 * A file git calls binary that is text saved as UTF-16/32 (or text that
 * .gitattributes calls binary): its text's added lines (against the old
 * side's text), gathered as a text file's are.
 */
static int
on_binary(const git_diff_delta *d, const git_diff_binary *bin, void *arg)
{
	struct added *a = arg;
	git_blob *old = NULL, *new = NULL;
	struct guard_buf wold = GUARD_BUF_INIT, wnew = GUARD_BUF_INIT;
	size_t olen = 0, nlen = 0;
	git_diff_options opts;
	const char *ntext = blob_text(a->r->repo, &d->new_file.id, &new, &wnew, &nlen), *otext = NULL;

	(void)bin;
	if (ntext && !(otext = blob_text(a->r->repo, &d->old_file.id, &old, &wold, &olen)))
		olen = 0;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_FORCE_TEXT; /* a NUL the text holds (U+0000) does not make it binary again */
	if (ntext &&
	    git_diff_buffers(otext, olen, d->old_file.path, ntext, nlen, d->new_file.path, &opts, NULL, NULL, NULL, on_line, a) < 0 &&
	    a->rc == 0)
		a->rc = git_fail("cannot diff a UTF-16 file's text");
	git_blob_free(old);
	git_blob_free(new);
	guard_buf_release(&wold);
	guard_buf_release(&wnew);
	return 0;
}

static int
scan_diff(struct run *r, git_diff *diff)
{
	struct added a = { r, GUARD_SCAN_LINES_INIT, NULL, 0 };
	int rc = git_diff_foreach(diff, on_file, on_binary, NULL, on_line, &a) < 0 ? git_fail("cannot read the diff") : 0;

	added_flush(&a);
	if (rc == 0)
		rc = a.rc;
	guard_scan_lines_release(&a.g);
	free(a.named);
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
			cli_json_line(text);
			cJSON_free(text);
		} else {
			char *id = cli_visible(str(v, "id")), *msg = cli_visible(str(v, "message"));
			printf("%-22s %-8s %-7s %s\n", id, str(v, "severity"), str(v, "kind"), msg);
			free(id);
			free(msg);
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
