/*
 * timeit: time whole hook processes, one payload file on stdin each.
 *
 *   timeit [-C DIR] [-w WARMUP] -l FILELIST -o OUT.tsv LABEL:ROUNDS:ARGV ...
 *
 * Each command (ARGV split on spaces; the first word is a path, exec'd
 * without a shell so no shell start-up is measured) runs once per payload
 * file per round, stdin redirected from the file, stdout and stderr to
 * /dev/null, in DIR when -C is given. Rounds are interleaved between the
 * commands (round 1 of every command, then round 2, ...) so a noisy
 * neighbour on this shared machine hurts all of them alike.
 *
 * The time is the wall clock (CLOCK_MONOTONIC) from just before fork() to
 * just after wait4() returned: what the agent waits for, minus the agent's
 * own pipe handling. Every sample goes to OUT.tsv (label, file, round,
 * microseconds, exit status, max RSS in KiB from wait4); the summary per
 * command (n, median, p90, p99, mean, min, max in ms; exit statuses) goes
 * to stdout.
 *
 * Why C and not hyperfine: hyperfine 1.15 (Debian 12) has no --input, and
 * `sh -c 'exec cmd < f'` adds a shell start-up as large as guard itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_ARGS 32

struct cmd {
	const char *label;
	int rounds;
	char *argv[MAX_ARGS + 1];
	double *us;      /* samples, microseconds */
	size_t n;
	int status[256]; /* exit status histogram; 255 also counts signals */
	long maxrss;     /* KiB, the largest seen */
};

static void
die(const char *msg)
{
	fprintf(stderr, "timeit: %s: %s\n", msg, strerror(errno));
	exit(2);
}

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Run argv once with stdin from path; returns the wall time in µs. */
static double
run_once(struct cmd *c, const char *path, int *status, long *maxrss)
{
	struct rusage ru;
	int wstatus;
	double t0, t1;
	pid_t pid;

	t0 = now_us();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int in = open(path, O_RDONLY);
		int null = open("/dev/null", O_WRONLY);
		if (in < 0 || null < 0)
			_exit(126);
		dup2(in, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(in);
		close(null);
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	if (wait4(pid, &wstatus, 0, &ru) < 0)
		die("wait4");
	t1 = now_us();
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 255;
	*maxrss = ru.ru_maxrss;
	return t1 - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v. */
static double
pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void
usage(void)
{
	fprintf(stderr, "usage: timeit [-C DIR] [-w WARMUP] -l FILELIST -o OUT.tsv LABEL:ROUNDS:ARGV ...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *list = NULL, *outpath = NULL;
	struct cmd cmds[MAX_CMDS];
	size_t ncmds = 0, nfiles = 0, fcap = 0;
	char **files = NULL;
	char line[4096];
	int warmup = 1, opt, maxrounds = 0;
	FILE *f, *out;

	while ((opt = getopt(argc, argv, "C:w:l:o:")) != -1) {
		switch (opt) {
		case 'C': dir = optarg; break;
		case 'w': warmup = atoi(optarg); break;
		case 'l': list = optarg; break;
		case 'o': outpath = optarg; break;
		default: usage();
		}
	}
	if (!list || !outpath || optind >= argc)
		usage();

	/* The payload files, absolute paths (we chdir later). */
	if (!(f = fopen(list, "r")))
		die(list);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (nfiles == fcap) {
			fcap = fcap ? 2 * fcap : 128;
			files = realloc(files, fcap * sizeof(*files));
			if (!files)
				die("realloc");
		}
		files[nfiles++] = strdup(line);
	}
	fclose(f);
	if (!nfiles) {
		fprintf(stderr, "timeit: no files in %s\n", list);
		return 2;
	}

	/* LABEL:ROUNDS:ARGV */
	for (int i = optind; i < argc && ncmds < MAX_CMDS; i++) {
		struct cmd *c = &cmds[ncmds];
		char *spec = strdup(argv[i]), *p, *q, *w;
		int k = 0;

		memset(c, 0, sizeof(*c));
		if (!(p = strchr(spec, ':')) || !(q = strchr(p + 1, ':')))
			usage();
		*p = *q = '\0';
		c->label = spec;
		c->rounds = atoi(p + 1);
		/* the words of the command, split on spaces (runs of them count as one) */
		for (w = q + 1; k < MAX_ARGS; ) {
			w += strspn(w, " ");
			if (!*w)
				break;
			c->argv[k++] = w;
			w += strcspn(w, " ");
			if (*w)
				*w++ = '\0';
		}
		if (!k || c->rounds < 1)
			usage();
		if (access(c->argv[0], X_OK) < 0)
			die(c->argv[0]);
		c->us = calloc((size_t)c->rounds * nfiles, sizeof(double));
		if (!c->us)
			die("calloc");
		if (c->rounds > maxrounds)
			maxrounds = c->rounds;
		ncmds++;
	}
	if (!(out = fopen(outpath, "w")))
		die(outpath);
	if (dir && chdir(dir) < 0)
		die(dir);

	/* Warm the page cache and the dynamic loader's files: not recorded. */
	for (size_t ci = 0; ci < ncmds; ci++)
		for (int w = 0; w < warmup; w++)
			for (size_t fi = 0; fi < nfiles && fi < 10; fi++) {
				int st;
				long rss;
				run_once(&cmds[ci], files[fi], &st, &rss);
			}

	fprintf(out, "label\tfile\tround\tus\tstatus\tmaxrss_kib\n");
	for (int r = 0; r < maxrounds; r++) {
		for (size_t ci = 0; ci < ncmds; ci++) {
			struct cmd *c = &cmds[ci];
			if (r >= c->rounds)
				continue;
			for (size_t fi = 0; fi < nfiles; fi++) {
				int st;
				long rss;
				double us = run_once(c, files[fi], &st, &rss);
				c->us[c->n++] = us;
				c->status[st]++;
				if (rss > c->maxrss)
					c->maxrss = rss;
				fprintf(out, "%s\t%s\t%d\t%.1f\t%d\t%ld\n", c->label, files[fi], r, us, st, rss);
			}
		}
	}
	if (fclose(out) == EOF)
		die(outpath);

	printf("%-10s %6s %8s %8s %8s %8s %8s %8s %9s  %s\n", "command", "n", "median", "p90", "p99", "mean",
	       "min", "max", "maxrssKiB", "exit statuses");
	for (size_t ci = 0; ci < ncmds; ci++) {
		struct cmd *c = &cmds[ci];
		double sum = 0;
		qsort(c->us, c->n, sizeof(double), cmp_double);
		for (size_t i = 0; i < c->n; i++)
			sum += c->us[i];
		printf("%-10s %6zu %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %9ld ", c->label, c->n,
		       pct(c->us, c->n, 50) / 1e3, pct(c->us, c->n, 90) / 1e3, pct(c->us, c->n, 99) / 1e3,
		       sum / c->n / 1e3, c->us[0] / 1e3, c->us[c->n - 1] / 1e3, c->maxrss);
		for (int s = 0; s < 256; s++)
			if (c->status[s])
				printf(" %d:%d", s, c->status[s]);
		printf("\n");
	}
	if (fflush(stdout) == EOF)
		return 2;
	return 0;
}
