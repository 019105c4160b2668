/* stdin_from FILE PROGRAM ARGS...: run PROGRAM with stdin from FILE (for perf stat -r N, which cannot redirect each run). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		return 2;
	close(fd);
	execv(argv[2], argv + 2);
	return 127;
}
