#include <errno.h>
#include <sys/stat.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_state.h"

/* The first line of a small file, trailing whitespace cut; NULL when unreadable. */
static char *
first_line(const char *path)
{
	char *data = NULL;
	size_t len = 0;

	if (guard_file_read(path, 4096, 0, &data, &len) < 0) {
		guard_error_clear();
		return NULL;
	}
	data[strcspn(data, "\r\n")] = '\0';
	size_t n = strlen(data);
	while (n && (data[n - 1] == ' ' || data[n - 1] == '\t'))
		data[--n] = '\0';
	return data;
}

/* gitdir's "commondir" file names the common folder (relative to gitdir). */
static char *
common_of(const char *gitdir)
{
	char *file = guard_xasprintf("%s/commondir", gitdir);
	char *rel = first_line(file);
	free(file);
	if (!rel || !*rel) {
		free(rel);
		return guard_xstrdup(gitdir);
	}
	char *abs = guard_path_resolve(gitdir, rel, NULL);
	free(rel);
	return abs;
}

/* The git common folder of root, or NULL when root has no .git. */
static char *
git_common_dir(const char *root)
{
	char *dotgit = guard_xasprintf("%s/.git", root);
	struct stat st;
	char *out = NULL;

	int there = lstat(dotgit, &st);

	if (there == 0 && S_ISDIR(st.st_mode)) {
		out = common_of(dotgit);
	} else if (there == 0 && S_ISREG(st.st_mode)) {
		char *line = first_line(dotgit);
		if (line && !strncmp(line, "gitdir:", 7)) {
			const char *p = line + 7;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p) {
				char *gitdir = guard_path_resolve(root, p, NULL);
				out = common_of(gitdir);
				free(gitdir);
			}
		}
		free(line);
	}
	free(dotgit);
	return out;
}

int
guard_state_dir(const char *root, bool create, char **out)
{
	char *common = git_common_dir(root);
	char *dir = common ? guard_xasprintf("%s/guard", common) : guard_xasprintf("%s/.ai/state", root);

	free(common);
	*out = NULL;
	if (create) {
		struct stat st;
		if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
			int rc = guard_error(GUARD_EIO, "state folder '%s' is not a folder", dir);
			free(dir);
			return rc;
		}
		int rc = guard_mkdirs(dir, 0700);
		if (rc < 0) {
			free(dir);
			return rc;
		}
	}
	*out = dir;
	return 0;
}
