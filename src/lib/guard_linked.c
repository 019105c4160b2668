/*
 * Linked-in libraries that have changed since the build (Makefile: the git
 * programs link libgit2 and its libraries from Debian's archives). A
 * Debian security update replaces the archive, not the code already in
 * guard: guard doctor says so, from the record the build kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_linked.h"

/* One record line, "PATH SIZE MTIME": PATH may hold spaces, the two numbers may not. */
static int
parse_line(char *line, char **path, long long *size, long long *mtime)
{
	char *t = strrchr(line, ' '), *s, *end;

	if (!t || t == line)
		return -1;
	*t = '\0';
	if (!(s = strrchr(line, ' ')) || s == line)
		return -1;
	*s = '\0';
	errno = 0;
	*size = strtoll(s + 1, &end, 10);
	if (errno || *end || end == s + 1 || *size < 0)
		return -1;
	*mtime = strtoll(t + 1, &end, 10);
	if (errno || *end || end == t + 1)
		return -1;
	*path = line;
	return **path == '/' ? 0 : -1;
}

int
guard_linked_changed(const char *record, struct guard_list *changed)
{
	char *copy = guard_xstrdup(record), *line, *next;
	int n = 0, lineno = 0;

	for (line = copy; *line; line = next) {
		char *path, when[32] = "?";
		long long size, mtime;
		struct stat st;
		struct tm tm;
		time_t t;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		else
			next = line + strlen(line);
		lineno++;
		if (parse_line(line, &path, &size, &mtime) < 0) {
			free(copy);
			return guard_error(GUARD_EIO, "the build's record of linked archives, line %d: not \"PATH SIZE TIME\"",
					   lineno);
		}
		if (stat(path, &st) == 0 && st.st_size == size && st.st_mtime == mtime)
			continue;
		t = (time_t)mtime;
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		guard_list_take(changed, guard_xasprintf("%s (the file of %s)", path, when));
		n++;
	}
	free(copy);
	return n;
}
