/*
 * The compressors (gzip, bzip2, xz, zstd, pigz, lz4, lzop, brotli, lzip,
 * lrzip, compress, pixz and their unpacking names): the name each one
 * makes is derived from the name it is given, by that program's own rule
 * (attack12 M27, M17), or taken from the file itself (gzip -N restores
 * the name kept in the header: M2). A name guard cannot build is high.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard_risk_int.h"

/* One family of programs sharing a file format and its naming rule. */
struct packer {
	const char *const *names; /* the programs: those starting "un"/"bun"/"gun"/"lrun" unpack */
	const char *strip;        /* suffixes unpacking removes, "SUF" or "SUF=REPLACEMENT", blank-separated */
	const char *fallback;     /* unpacking a name with none of them: FILE+fallback (bzip2's ".out"), or NULL */
	const char *values;       /* options taking a value, as separate words */
	const char *suffix_opt;   /* -S SUF (or NULL: the program has none) */
	const char *out_opt;      /* -o FILE: the one name written (or NULL) */
	const char *dir_opt;      /* -O DIR: the names land there (or NULL) */
	bool second_out;          /* "lz4 IN OUT", "pixz IN OUT": a second operand is the output */
	bool header_name;         /* gzip -N: the name stored in the file */
};

static const char *const gzips[] = { "gzip", "gunzip", "pigz", "unpigz", NULL };
static const char *const bzips[] = { "bzip2", "bunzip2", "pbzip2", "lbzip2", NULL };
static const char *const xzs[] = { "xz", "unxz", "lzma", "unlzma", NULL };
static const char *const zstds[] = { "zstd", "unzstd", "pzstd", "zstdmt", NULL };
static const char *const lz4s[] = { "lz4", "unlz4", NULL };
static const char *const lzops[] = { "lzop", NULL };
static const char *const brotlis[] = { "brotli", "unbrotli", NULL };
static const char *const lzips[] = { "lzip", "plzip", "clzip", "pdlzip", "lunzip", NULL };
static const char *const lrzips[] = { "lrzip", "lrunzip", NULL };
static const char *const compresses[] = { "compress", "uncompress", NULL };
static const char *const pixzs[] = { "pixz", NULL };

static const struct packer packers[] = {
	{ gzips, ".gz -gz .z -z _z .Z .zz -zz .zip .tgz=.tar .taz=.tar", NULL,
	  "-S --suffix -b --blocksize -p --processes -I --iterations -J --maxsplits -C --comment -A --alias",
	  "-S --suffix", NULL, NULL, false, true },
	{ bzips, ".bz2 .bz .tbz2=.tar .tbz=.tar", ".out", "-p -b -m", NULL, NULL, NULL, false, false },
	{ xzs, ".xz .lzma .lz .txz=.tar .tlz=.tar", NULL,
	  "-S --suffix -T --threads -F --format -C --check -M --memlimit -e", "-S --suffix", NULL, NULL, false, false },
	{ zstds, ".zst .tzst=.tar .gz .xz .lzma .lz4 .tgz=.tar .txz=.tar", NULL,
	  "-o -D -T -p --output-dir-flat --output-dir-mirror", NULL, "-o", "--output-dir-flat", false, false },
	{ lz4s, ".lz4", NULL, "-B", NULL, NULL, NULL, true, false },
	{ lzops, ".lzo .tzo=.tar", NULL, "-o --output -S --suffix --path", "-S --suffix", "-o --output", "--path",
	  false, false },
	{ brotlis, ".br", NULL, "-o --output -q --quality -w --lgwin -S --suffix -D --dictionary",
	  "-S --suffix", "-o --output", NULL, false, false },
	{ lzips, ".lz .tlz=.tar", ".out", "-o --output -b -m -s -S -n -B --member-size --volume-size",
	  NULL, "-o --output", NULL, false, false },
	{ lrzips, ".lrz", NULL, "-S --suffix -o --outfile -O --outdir -L --level -N --nice-level -p -w -m",
	  "-S --suffix", "-o --outfile", "-O --outdir", false, false },
	{ compresses, ".Z", NULL, "-b", NULL, NULL, NULL, false, false },
	{ pixzs, ".xz .tpxz=.tar", NULL, "-i -o -f -q", NULL, "-o", NULL, true, false },
};

static const struct packer *
packer_of(const char *name)
{
	for (size_t i = 0; i < sizeof(packers) / sizeof(*packers); i++)
		if (risk_name_in(packers[i].names, name))
			return &packers[i];
	return NULL;
}

bool
risk_is_packer(const char *name)
{
	return packer_of(name) != NULL;
}

/* The value of the first of opts ("-S --suffix", separate, attached or "--suffix=") given, as a word. */
static bool
packer_opt(const struct risk_cmd *c, const char *opts, struct guard_shell_word *out)
{
	char shortopt[32] = "", longopt[64] = "";

	if (!opts)
		return false;
	for (const char *p = opts; *p;) {
		size_t n = strcspn(p, " ");
		if (n > 2 && p[1] == '-')
			snprintf(longopt, sizeof(longopt), "%.*s", (int)n, p);
		else if (n == 2)
			snprintf(shortopt, sizeof(shortopt), "%.*s", (int)n, p);
		p += n + (p[n] == ' ');
	}
	return risk_opt_word(c, shortopt[0] ? shortopt : NULL, longopt[0] ? longopt : NULL, out);
}

/* gzip -N / --name (or a prefix of it, as getopt_long takes): the stored name is restored. */
static bool
restores_name(const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		size_t l = strlen(a);
		if (!strcmp(a, "--"))
			break;
		if (l >= 4 && !strncmp(a, "--name", l))
			return true;
	}
	return risk_flag(c, 'N', NULL);
}

#define GZ_HEAD_MAX (10 + 2 + 65535 + 4096) /* fixed header, FEXTRA, a name up to PATH_MAX */

/*
 * The name gzip's header keeps (FNAME, after FEXTRA when FLG has it):
 * 1 found (its base name in out), 0 none kept (or not gzip), -1 the file
 * cannot be read or the name runs past what is read.
 */
static int
gzip_stored_name(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	unsigned char *b;
	struct stat sb;
	size_t len = 0;
	int rc = -1;

	if (fd < 0)
		return -1;
	b = guard_xcalloc(1, GZ_HEAD_MAX);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		ssize_t r = 0;
		while (len < GZ_HEAD_MAX && ((r = read(fd, b + len, GZ_HEAD_MAX - len)) > 0 || (r < 0 && errno == EINTR)))
			len += r > 0 ? (size_t)r : 0;
		rc = r < 0 ? -1 : 0;
	}
	close(fd);
	risk_walk_read(len);
	if (rc == 0 && len >= 10 && b[0] == 0x1f && b[1] == 0x8b && (b[3] & 0x08)) {
		size_t at = 10;
		if (b[3] & 0x04)
			at = len >= 12 ? 12 + (size_t)(b[10] | b[11] << 8) : len;
		const unsigned char *nul = at < len ? memchr(b + at, 0, len - at) : NULL;
		if (!nul) {
			rc = -1;
		} else if (nul > b + at) {
			/* gzip restores the base name only, beside the .gz */
			const char *name = (const char *)b + at, *slash = strrchr(name, '/');
			snprintf(out, size, "%s", slash ? slash + 1 : name);
			rc = out[0] != '\0';
		}
	}
	free(b);
	return rc;
}

/* FILE's folder (with its '/'), to put a derived base name in. */
static int
folder_len(const char *file)
{
	return (int)(risk_basename(file) - file);
}

/* gzip -dN FILE: the name in FILE's header is written beside it; unreadable, a name guard cannot know. */
static void
header_name(struct risk_state *st, const struct risk_cmd *c, const char *verb, const char *file)
{
	bool unknown = false;
	char *src = risk_input_now(st, c, file, &unknown), stored[PATH_MAX];
	int got = src ? gzip_stored_name(src, stored, sizeof(stored)) : unknown ? -1 : 0;

	if (got > 0) {
		char *name = guard_xasprintf("%.*s%s", folder_len(file), file, stored);
		risk_path_str(st, verb, name, PATH_WRITE);
		free(name);
	} else if (got < 0) {
		char *dir = guard_xasprintf("%.*s", folder_len(file), file);
		if (risk_guard_place(st, dir[0] ? dir : "."))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s -N writes into guard's folder %s under "
				  "the name kept in %s, which guard cannot read", c->name, dir, file);
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s -N names the file it writes from %s's header, "
			  "which guard cannot read now: the name is unknown", c->name, file);
		free(dir);
	}
	free(src);
}

/* The name unpacking FILE makes with each suffix it strips (-S SUF first), else its fallback. */
static void
unpacked_names(struct risk_state *st, const struct packer *p, const char *verb, const char *file, const char *suffix)
{
	size_t fl = strlen(file), bl = strlen(risk_basename(file));
	bool any = false;

	if (suffix && suffix[0] && strlen(suffix) < bl && !strcmp(file + fl - strlen(suffix), suffix)) {
		char *name = guard_xasprintf("%.*s", (int)(fl - strlen(suffix)), file);
		risk_path_str(st, verb, name, PATH_WRITE);
		free(name);
		any = true;
	}
	for (const char *s = p->strip; *s;) {
		size_t n = strcspn(s, " "), sl = strcspn(s, "= ");
		const char *repl = s[sl] == '=' ? s + sl + 1 : "";
		if (sl < bl && !strncasecmp(file + fl - sl, s, sl)) {
			char *name = guard_xasprintf("%.*s%.*s", (int)(fl - sl), file, (int)(n - sl - (*repl ? 1 : 0)), repl);
			risk_path_str(st, verb, name, PATH_WRITE);
			free(name);
			any = true;
		}
		s += n + (s[n] == ' ');
	}
	if (!any && p->fallback) {
		char *name = guard_xasprintf("%s%s", file, p->fallback);
		risk_path_str(st, verb, name, PATH_WRITE);
		free(name);
	}
	/* the last extension cut, whatever it is: a name the program may still make */
	const char *dot = strrchr(risk_basename(file), '.');
	if (!any && dot && dot != risk_basename(file)) {
		char *name = guard_xasprintf("%.*s", (int)(dot - file), file);
		risk_path_str(st, verb, name, PATH_WRITE);
		free(name);
	}
}

/* -O DIR / --output-dir-flat DIR: FILE's derived name lands in DIR. */
static char *
in_out_dir(const struct guard_shell_word *dir, const char *file)
{
	if (!dir)
		return guard_xstrdup(file);
	return guard_xasprintf("%s/%s", dir->text, risk_basename(file));
}

/* The file the program makes for one operand. */
static void
derived_name(struct risk_state *st, const struct risk_cmd *c, const struct packer *p, const char *verb,
	     const char *file, bool unpack, const struct guard_shell_word *suffix, const struct guard_shell_word *dir)
{
	char *at = in_out_dir(dir, file);
	bool computed = (suffix && (suffix->flags & GUARD_WORD_DYNAMIC)) || (dir && (dir->flags & GUARD_WORD_DYNAMIC));

	if (computed)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s makes a file named with a value computed at run "
			  "time (%s): guard cannot build its name", c->name, suffix ? suffix->text : dir->text);
	if (unpack) {
		unpacked_names(st, p, verb, at, suffix && !computed ? suffix->text : NULL);
		if (p->header_name && restores_name(c))
			header_name(st, c, verb, file);
	} else {
		/* no -S: the program's own suffix, or one set in its environment (GZIP, XZ_OPT, LZOP): any ending */
		risk_backup_write(st, verb, at, !computed && suffix && suffix->text[0] ? suffix->text : NULL, RISK_STAR_NONE);
	}
	free(at);
}

/*
 * PROG FILE... replaces each FILE by the name it derives from it (FILE +
 * its suffix, or -S SUF; unpacking, FILE less one), or writes -o OUT,
 * or (lz4, pixz) its second operand. -k keeps FILE, -c/-l/-t write none.
 */
void
risk_rate_packer(struct risk_state *st, const struct risk_cmd *c)
{
	const struct packer *p = packer_of(c->name);
	const char *n = c->name;
	bool prints = risk_flag(c, 'c', "stdout") || risk_flag(c, 'l', "list") || risk_flag(c, 't', "test") ||
		      risk_arg_has(c, "--to-stdout");
	bool keep = risk_flag(c, 'k', "keep");
	bool unpack = !strncmp(n, "gun", 3) || !strncmp(n, "un", 2) || !strncmp(n, "bun", 3) || !strncmp(n, "lrun", 4) ||
		      !strcmp(n, "lunzip") || risk_flag(c, 'd', "decompress") || risk_flag(c, 0, "uncompress");
	struct guard_shell_word sw, ow, dw;
	bool has_suffix = packer_opt(c, p->suffix_opt, &sw), has_out = packer_opt(c, p->out_opt, &ow);
	bool has_dir = packer_opt(c, p->dir_opt, &dw);
	const struct guard_shell_word **ops;
	size_t k = risk_operands_all(st, c, 1, p->values, &ops);
	char verb[96];

	if (has_out && strcmp(ow.text, "-"))
		prints = false;
	risk_base(st, GUARD_LEVEL_LOW, prints ? GUARD_CLASS_READ : GUARD_CLASS_WRITE);
	snprintf(verb, sizeof(verb), "%s (the file it makes)", n);
	if (has_out && strcmp(ow.text, "-"))
		risk_path(st, n, &ow, PATH_WRITE);
	if (p->second_out && k == 2 && !risk_flag(c, 'm', "multiple")) {
		risk_path(st, n, ops[0], PATH_READ);
		risk_path(st, n, ops[1], PATH_WRITE);
		return;
	}
	for (size_t i = 0; i < k; i++) {
		risk_path(st, n, ops[i], prints || keep ? PATH_READ : PATH_WRITE);
		if (prints || has_out || !strcmp(ops[i]->text, "-"))
			continue;
		if (ops[i]->flags & GUARD_WORD_DYNAMIC) {
			if (unpack && p->header_name && restores_name(c))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s -N restores the name kept in a file "
					  "named at run time: guard cannot know it", n);
			continue;
		}
		derived_name(st, c, p, verb, ops[i]->text, unpack, has_suffix ? &sw : NULL, has_dir ? &dw : NULL);
	}
}
