/* guard-git's hook scripts as text (guard_githook_text.h). */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_githook_text.h"

#define CHAINED ".guard-chained"
#define HOOK_MAX (1 << 16)

char *
guard_git_hook_script(const char *program, const char *name)
{
	struct guard_buf b = GUARD_BUF_INIT;

	guard_buf_addf(&b, "#!/bin/sh\n" GUARD_GIT_HOOK_MARK " %s, written by 'guard-git install'; 'guard-git install --uninstall'\n"
		       "# puts back the hook that was here (kept as %s" CHAINED ", run after guard's checks pass).\n",
		       name, name);
	/* committed and aborted are only told: no process for them unless a chained hook wants them */
	if (!strcmp(name, "reference-transaction"))
		guard_buf_addstr(&b, "[ \"$1\" = prepared ] || [ -x \"$0" CHAINED "\" ] || exit 0\n");
	guard_buf_addstr(&b, "exec '");
	for (const char *p = program; *p; p++)
		guard_buf_addstr(&b, *p == '\'' ? "'\\''" : (char[]){ *p, 0 });
	guard_buf_addf(&b, "' hook --chain \"$0\" %s \"$@\"\n", name);
	return guard_buf_detach(&b);
}

/* The program of the last line "exec 'P' hook --chain ...", unquoted, or NULL. */
static char *
exec_program(const char *text, size_t len)
{
	const char *last = text + len, *p;
	struct guard_buf b = GUARD_BUF_INIT;

	if (len && last[-1] == '\n')
		last--;
	for (p = last; p > text && p[-1] != '\n'; p--)
		;
	if (strncmp(p, "exec '", 6))
		return NULL;
	for (p += 6; p < last; p++) {
		if (*p != '\'') {
			guard_buf_addch(&b, *p);
		} else if (last - p >= 4 && !strncmp(p, "'\\''", 4)) {
			guard_buf_addch(&b, '\'');
			p += 3;
		} else {
			return guard_buf_detach(&b);
		}
	}
	guard_buf_release(&b);
	return NULL;
}

int
guard_git_hook_verify(const char *path, const char *name, char **why)
{
	char *text = NULL, *program = NULL, *want = NULL;
	size_t len = 0;
	struct stat st;
	int rc = 0;

	*why = NULL;
	if (lstat(path, &st) < 0)
		return 2;
	if (!S_ISREG(st.st_mode) || guard_file_read(path, HOOK_MAX, 1, &text, &len) < 0) {
		guard_error_clear();
		*why = guard_xasprintf("%s is not a regular file guard can read", name);
		return 0;
	}
	if (!strstr(text, "\n" GUARD_GIT_HOOK_MARK)) {
		free(text);
		return -1;
	}
	const char *base = (program = exec_program(text, len)) ? strrchr(program, '/') : NULL;
	base = base ? base + 1 : program;
	if (!program || program[0] != '/' || (strcmp(base, "guard-githook") && strcmp(base, "guard-git"))) {
		*why = guard_xasprintf("%s carries guard's marker but does not run guard-githook: it is not the script "
				       "'guard-git install' writes", name);
	} else if (strcmp(text, want = guard_git_hook_script(program, name)) || strlen(want) != len) {
		*why = guard_xasprintf("%s carries guard's marker but is not the script 'guard-git install' writes for "
				       "%s (edited)", name, program);
	} else if (access(path, X_OK) < 0 || !(st.st_mode & 0111)) {
		*why = guard_xasprintf("%s is not executable: git skips it", name);
	} else if (access(program, X_OK) < 0) {
		*why = guard_xasprintf("%s runs %s, which is not there or not executable", name, program);
	} else {
		rc = 1;
	}
	free(want);
	free(program);
	free(text);
	return rc;
}
