/* The chained hook's run, for guard-git hook and guard-githook (git_hookchain.h). */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "git_hookchain.h"
#include "guard_buf.h"
#include "guard_error.h"

int
hook_run_chained(const char *hook, const char *input, size_t len, int argc, char **argv)
{
	char *chained = guard_xasprintf("%s.guard-chained", hook);
	int fd;

	if (access(chained, X_OK) < 0) {
		free(chained);
		return 0; /* none (git skips a hook that is not executable too) */
	}
	if ((fd = memfd_create("guard-git-hook", MFD_CLOEXEC)) < 0 || (len && write(fd, input, len) != (ssize_t)len) ||
	    lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, 0) < 0) {
		free(chained);
		return guard_error(GUARD_EIO, "cannot pass the hook's input on: %s", strerror(errno));
	}
	close(fd);
	int err = hook_exec(chained, argc, argv);
	guard_error(GUARD_EIO, "cannot run the chained hook '%s': %s", chained, strerror(err));
	free(chained);
	return GUARD_EIO;
}

int
hook_exec(char *prog, int argc, char **argv)
{
	char **args = guard_xcalloc((size_t)argc + 2, sizeof(*args));
	int err;

	args[0] = prog;
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	fflush(stdout);
	execv(prog, args);
	err = errno;
	free(args);
	return err;
}
