/*
 * Replay every input kept in t/fuzz/regressions/<target>/ through the same
 * entry points the libFuzzer targets use (t/fuzz/targets.c), so a crash
 * once found stays tested by make test, plain and under ASan+UBSan,
 * without clang. One TAP test per file; a crash or leak fails the run.
 * Also checks that every target has its seed corpus, and runs the seeds
 * (one test), so every entry point is exercised even with no regression.
 *
 * Run from the repository root (t/run.sh does), or set GUARD_FUZZ_ROOT.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "unit.h"
#include "../fuzz/targets.c"

static const struct {
	const char *name;
	int (*one)(const uint8_t *, size_t);
} targets[] = {
	{ "hook", fuzz_hook_one },
	{ "policy", fuzz_policy_one },
	{ "shell", fuzz_shell_one },
	{ "mcp", fuzz_mcp_one },
};

#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static const char *
root_dir(void)
{
	const char *root = getenv("GUARD_FUZZ_ROOT");
	return root && *root ? root : ".";
}

/* A TAP line outside RUN(): the file name is the test's name. */
static void
report(bool ok, const char *what, const char *name)
{
	unit_count++;
	if (!ok)
		unit_failed++;
	printf("%s %d fuzz_regression %s/%s\n", ok ? "ok" : "not ok", unit_count, what, name);
	fflush(stdout);
}

/* Regular files of dir (no dot files), sorted; count in *n. */
static char **
list_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				abort();
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	for (size_t i = 1; i < *n; i++) /* insertion sort: a handful of files */
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static bool
read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long size;

	*data = NULL;
	*len = 0;
	if (!f)
		return false;
	if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return false;
	}
	/* An exactly sized copy: the fuzzer's buffers have no NUL after them either. */
	*data = malloc(size ? (size_t)size : 1);
	if (!*data || fread(*data, 1, (size_t)size, f) != (size_t)size) {
		free(*data);
		*data = NULL;
		fclose(f);
		return false;
	}
	*len = (size_t)size;
	fclose(f);
	return true;
}

TEST(seed_corpora_exist)
{
	for (size_t t = 0; t < NTARGETS; t++) {
		char dir[4096];
		size_t n;
		char **files;
		snprintf(dir, sizeof(dir), "%s/t/fuzz/seeds/%s", root_dir(), targets[t].name);
		files = list_files(dir, &n);
		if (!n)
			printf("#   no seed inputs in %s\n", dir);
		CHECK(n > 0);
		for (size_t i = 0; i < n; i++)
			free(files[i]);
		free(files);
	}
}

/*
 * Run every input in t/fuzz/<kind>/<target> through the target's entry
 * point; each() hears of every file, with whether it read and ran clean.
 */
static void
replay(const char *kind, size_t t, void (*each)(size_t t, const char *file, bool ok))
{
	char dir[4096];
	size_t n;
	char **files;

	snprintf(dir, sizeof(dir), "%s/t/fuzz/%s/%s", root_dir(), kind, targets[t].name);
	files = list_files(dir, &n);
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		uint8_t *data;
		size_t len;
		bool ok;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		ok = read_file(path, &data, &len);
		if (!ok)
			printf("#   cannot read %s\n", path);
		else
			ok = targets[t].one(data, len) == 0;
		each(t, files[i], ok);
		free(data);
		free(files[i]);
	}
	free(files);
}

static void
seed_checked(size_t t, const char *file, bool ok)
{
	if (!ok)
		printf("#   seed %s/%s failed\n", targets[t].name, file);
	CHECK(ok);
}

static void
regression_reported(size_t t, const char *file, bool ok)
{
	report(ok, targets[t].name, file);
}

TEST(seeds_replay)
{
	for (size_t t = 0; t < NTARGETS; t++)
		replay("seeds", t, seed_checked);
}

int
main(void)
{
	RUN(seed_corpora_exist);
	RUN(seeds_replay);
	/* One TAP line per regression input, so each names itself. */
	for (size_t t = 0; t < NTARGETS; t++)
		replay("regressions", t, regression_reported);
	fuzz_cleanup();
	return unit_done();
}
