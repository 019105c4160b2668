/*
 * runcmds: time CLI verbs, one process each, as a person would run them.
 *
 *   runcmds [-C DIR] LIST.tsv > SUMMARY
 *
 * Each line of LIST is LABEL<TAB>STDIN<TAB>ARG0<TAB>ARG1...: the command
 * (ARG0 looked up in PATH, no shell, so no shell start-up is measured)
 * runs once with standard input from the file STDIN ("-" for /dev/null)
 * and its output to /dev/null. The time is the wall clock from just
 * before fork() to just after wait4(). Per label it prints n, p50, p95,
 * max and mean in milliseconds, and how many exited with each status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LABELS 16
#define MAX_ARGS 32

struct label {
	char name[64];
	double *ms;
	size_t n, alloc;
	int status[256];
};

static struct label labels[MAX_LABELS];
static size_t nlabels;

static struct label *
label_of(const char *name)
{
	for (size_t i = 0; i < nlabels; i++)
		if (!strcmp(labels[i].name, name))
			return &labels[i];
	if (nlabels == MAX_LABELS) {
		fprintf(stderr, "runcmds: more than %d labels\n", MAX_LABELS);
		exit(2);
	}
	snprintf(labels[nlabels].name, sizeof(labels[nlabels].name), "%s", name);
	return &labels[nlabels++];
}

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double
pct(const double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

int
main(int argc, char **argv)
{
	char line[8192], *args[MAX_ARGS + 1];
	const char *dir = NULL;
	FILE *list;
	int opt;

	while ((opt = getopt(argc, argv, "C:")) != -1) {
		if (opt != 'C') {
			fprintf(stderr, "usage: runcmds [-C DIR] LIST.tsv\n");
			return 2;
		}
		dir = optarg;
	}
	if (optind != argc - 1 || !(list = fopen(argv[optind], "r"))) {
		fprintf(stderr, "usage: runcmds [-C DIR] LIST.tsv (%s)\n", strerror(errno));
		return 2;
	}
	if (dir && chdir(dir) < 0) {
		fprintf(stderr, "runcmds: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), list)) {
		char *save = NULL, *name, *in, *tok;
		struct label *l;
		size_t n = 0;
		int status;
		double t0, t1;
		pid_t pid;

		line[strcspn(line, "\n")] = '\0';
		if (!(name = strtok_r(line, "\t", &save)) || !(in = strtok_r(NULL, "\t", &save)))
			continue;
		while (n < MAX_ARGS && (tok = strtok_r(NULL, "\t", &save)))
			args[n++] = tok;
		args[n] = NULL;
		if (!n)
			continue;
		l = label_of(name);
		t0 = now_ms();
		if ((pid = fork()) == 0) {
			int fd = open(strcmp(in, "-") ? in : "/dev/null", O_RDONLY);
			int nul = open("/dev/null", O_WRONLY);
			if (fd < 0 || nul < 0)
				_exit(127);
			dup2(fd, 0);
			dup2(nul, 1);
			dup2(nul, 2);
			execvp(args[0], args);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0) {
			fprintf(stderr, "runcmds: %s\n", strerror(errno));
			return 2;
		}
		t1 = now_ms();
		if (l->n == l->alloc) {
			l->alloc = l->alloc ? 2 * l->alloc : 256;
			if (!(l->ms = realloc(l->ms, l->alloc * sizeof(*l->ms))))
				return 2;
		}
		l->ms[l->n++] = t1 - t0;
		l->status[WIFEXITED(status) ? WEXITSTATUS(status) : 255]++;
	}
	printf("%-10s %6s %8s %8s %8s %8s  exit statuses\n", "verb", "n", "p50", "p95", "max", "mean");
	for (size_t i = 0; i < nlabels; i++) {
		struct label *l = &labels[i];
		double sum = 0;
		for (size_t j = 0; j < l->n; j++)
			sum += l->ms[j];
		qsort(l->ms, l->n, sizeof(*l->ms), cmp);
		printf("%-10s %6zu %8.2f %8.2f %8.2f %8.2f ", l->name, l->n, pct(l->ms, l->n, 0.5), pct(l->ms, l->n, 0.95),
		       l->ms[l->n - 1], sum / (double)l->n);
		for (int s = 0; s < 256; s++)
			if (l->status[s])
				printf(" %d:%d", s, l->status[s]);
		printf("\n");
		free(l->ms);
	}
	return 0;
}
