/*
 * Short options read as getopt(3) reads them (attacker-7 H1): in a
 * cluster "-rt.ai" each letter is an option until one that takes a value;
 * the rest of the word is that value ("-rt.ai": -r, then -t .ai), or the
 * next word when nothing is left ("-rt DIR"). Which letters take a value
 * is the program's own option table (its optstring), kept here for the
 * programs whose values guard reads; a program without a table is read
 * as if every other letter were a switch, so the value asked for is found
 * wherever getopt could find it (a misread value is rated, never lost).
 */
#include <string.h>

#include "guard_risk_int.h"

/*
 * getopt optstrings: "x:" takes a value, "x::" an optional value that
 * must be attached (sed -i.bak, make -j4). Only the letters taking a
 * value matter; the switches are listed where known.
 */
/* One program under two names (gmake, gsed, gunzip, unxz, mariadb, clickhouse client) reads the same options. */
#define MAKE_OPTS "bBdeiknpqrsStvwC:f:I:j::l::o:W:E:O::"
#define SED_OPTS "nrsuzEe:f:i::l:"
#define GZIP_OPTS "acdfhklLnNqrtvV123456789S:"
#define XZ_OPTS "zdtlkcfqvhHVe0123456789S:T:F:C:M:"
#define ZSTD_OPTS "zdtlkcfqvhHV0123456789o:D:T::"
#define PIGZ_OPTS "0123456789cdfhikKlLmMnNOqrRtTUvVYzFH" "b:p:S:I:J:C:A:"
#define LZ4_OPTS "0123456789cdfhHlmrtvqVz" "B::"
#define BROTLI_OPTS "0123456789cdfhjkntvZ" "o:q:w:S:D:"
#define LZIP_OPTS "0123456789acdfFhklqtvV" "b:m:o:s:S:n:B:"
#define LRZIP_OPTS "bcdDefghiklLnNqrtTUvVz" "S:o:O:L:N:p:w:m:"
#define MYSQL_OPTS "ABbCcEfGgHijkLnNoqrstUvVwWXx" "D:e:h:P:S:u:p::"
#define CLICKHOUSE_OPTS "nmtEV" "h:u:d:q:f:C:"
#define PSQL_OPTS "aAbeEHlnqsStVwWxXz01" "c:d:f:F:h:L:o:p:P:R:T:U:v:"

static const struct optstring {
	const char *name;
	const char *opts;
} optstrings[] = {
	{ "cp", "abdfHilLnprsuvxPRTZS:t:" },
	{ "mv", "bfinuvTZS:t:" },
	{ "ln", "bdfinrsvFLPTS:t:" },
	{ "install", "bcCsDdpTvZg:m:o:t:S:" },
	{ "tar", "AcdrtuxjJzZaBhiklmMOpPRsSvwWb:C:f:F:g:H:I:K:L:N:T:V:X:" },
	{ "rsync", "vqcaRrbulLkKHpEAXogDtOJSnWxyzCPFhe:B:f:T:M:@:" },
	{ "make", MAKE_OPTS },
	{ "gmake", MAKE_OPTS },
	{ "sed", SED_OPTS },
	{ "gsed", SED_OPTS },
	/* the compressors (attack12 M3: gzip -S.yaml is -S .yaml, not -l in ".yaml") */
	{ "gzip", GZIP_OPTS },
	{ "gunzip", GZIP_OPTS },
	{ "xz", XZ_OPTS },
	{ "unxz", XZ_OPTS },
	{ "lzma", XZ_OPTS },
	{ "unlzma", XZ_OPTS },
	{ "zstd", ZSTD_OPTS },
	{ "unzstd", ZSTD_OPTS },
	{ "pigz", PIGZ_OPTS },
	{ "unpigz", PIGZ_OPTS },
	{ "lz4", LZ4_OPTS },
	{ "unlz4", LZ4_OPTS },
	{ "lzop", "0123456789cdfhklLnNPqtUvV" "o:S:p::" },
	{ "brotli", BROTLI_OPTS },
	{ "unbrotli", BROTLI_OPTS },
	{ "lzip", LZIP_OPTS },
	{ "plzip", LZIP_OPTS },
	{ "lrzip", LRZIP_OPTS },
	{ "lrunzip", LRZIP_OPTS },
	{ "compress", "cdfrvV" "b:" },
	{ "pixz", "dxlptkhe0123456789" "i:o:f:q:" },
	{ "grep", "EFGPiywxvcLlmobHhnqsaIrRUZzTe:f:m:A:B:C:d:D:" },
	{ "sort", "bdfgiMhnRrVcCmsuzk:o:t:T:S:" },
	{ "awk", "f:v:F:" },
	{ "gawk", "f:v:F:e:i:l:E:" },
	{ "mawk", "f:v:F:W:" },
	{ "env", "0iv" "u:C:S:P:" },
	{ "unzip", "lvtzcpfuonqjCKLMVWXaAbBsd:x:P:" },
	{ "patch", "bcefElnNRstuZd:i:o:p:r:B:D:F:V:Y:z:" },
	{ "curl", "aBfGiIjJkLlMnNOqRsSvVZA:b:c:C:d:D:e:E:F:H:K:m:o:P:Q:r:t:T:u:U:w:x:X:y:Y:z:" },
	{ "wget", "bcdqvNSxrpkKmO:o:P:a:e:i:t:T:U:w:Q:l:A:R:D:I:X:B:" },
	{ "php", "ahHilmnqsvw" "c:d:f:r:B:R:F:E:S:t:z:" },
	{ "truncate", "cors:r:" },
	{ "xargs", "0prtxI:J:L:l::n:P:d:E:e::s:a:i::" },
	{ "split", "de" "a:b:C:l:n:t:" },
	/* psql 15's startup.c; mysql's and mariadb's my_getopt short options (-pSECRET only attached) */
	{ "psql", PSQL_OPTS },
	/* its fork and kin (attack12 M10): -c SQL and -f FILE as psql reads them */
	{ "ysqlsh", PSQL_OPTS },
	{ "vsql", PSQL_OPTS },
	{ "usql", PSQL_OPTS },
	{ "litecli", "vV" "D:R:l:e:" },
	{ "snowsql", "a:u:d:s:r:w:h:p:q:f:o:D:c:" },
	{ "clickhouse-local", CLICKHOUSE_OPTS },
	{ "mysql", MYSQL_OPTS },
	{ "mariadb", MYSQL_OPTS },
	/* argparse (cqlsh), click (mycli), pflag (cockroach), boost (clickhouse) group short options alike */
	{ "cqlsh", "CV" "u:p:k:f:e:" },
	{ "mycli", "vV" "h:P:u:S:p:D:e:R:l:d:" },
	{ "cockroach", "e:f:u:d:" },
	/* pgcli (click), sqlcmd (its own parser and go-sqlcmd's pflag): -c'SQL', -Q'SQL' attached (attack12 M8) */
	{ "pgcli", "lvwW" "h:p:U:u:d:D:c:" },
	{ "sqlcmd", "bCEeINpXrWAGM" "S:U:P:d:H:l:t:h:s:w:a:i:o:q:Q:v:f:K:y:Y:c:" },
	{ "clickhouse-client", CLICKHOUSE_OPTS },
	{ "clickhouse", CLICKHOUSE_OPTS },
	{ NULL, NULL }
};

static int letter_value(const char *opts, char letter);

const char *
risk_optstring(const char *name)
{
	for (const struct optstring *o = optstrings; o->name; o++)
		if (!strcmp(o->name, name))
			return o->opts;
	return NULL;
}

int
risk_opt_kind(const char *opts, char letter)
{
	return letter_value(opts, letter);
}

/* How letter takes a value in opts: 0 no (or unknown), 1 required, 2 optional attached. */
static int
letter_value(const char *opts, char letter)
{
	const char *p = opts && letter != ':' ? strchr(opts, letter) : NULL;

	if (!p || p[1] != ':')
		return 0;
	return p[2] == ':' ? 2 : 1;
}

const char *
risk_cluster_value(const char *opts, const char *word, char letter, bool *next)
{
	*next = false;
	if (word[0] != '-' || word[1] == '-' || !word[1])
		return NULL;
	for (const char *p = word + 1; *p; p++) {
		if (*p == letter) {
			if (p[1])
				return p + 1;
			*next = letter_value(opts, letter) != 2;
			return NULL;
		}
		if (letter_value(opts, *p))
			return NULL; /* the rest is another option's value */
	}
	return NULL;
}

bool
risk_cluster_has(const char *opts, const char *word, char letter)
{
	if (word[0] != '-' || word[1] == '-' || !word[1])
		return false;
	for (const char *p = word + 1; *p; p++) {
		if (*p == letter)
			return true;
		if (opts && letter_value(opts, *p))
			return false;
	}
	return false;
}

bool
risk_getopt_flag(const struct risk_cmd *c, char letter, const char *longname, const char *const *long_valued)
{
	const char *opts = risk_optstring(c->name);

	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text;
		if (!strcmp(a, "--"))
			return false;
		if (a[0] != '-' || !a[1])
			continue;
		if (a[1] == '-') {
			if (longname && !strcmp(a + 2, longname))
				return true;
			i += !strchr(a, '=') && risk_name_in(long_valued, a + 2); /* --set -X: -X is its value */
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			if (*p == letter)
				return true;
			int kind = risk_opt_kind(opts, *p);
			if (kind) { /* the rest, or the next word (-F -X), is its value */
				i += kind == 1 && !p[1];
				break;
			}
		}
	}
	return false;
}

const char *
risk_cluster_attached(const char *opts, const char *word, size_t *from)
{
	if (word[0] != '-' || word[1] == '-' || !word[1])
		return NULL;
	for (const char *p = word + 1; *p && p[1]; p++) {
		bool at = (size_t)(p - word) >= *from;
		if (opts && letter_value(opts, *p)) {
			if (!at)
				return NULL;
			*from = (size_t)-1; /* the rest is one value: nothing after it */
			return p + 1;
		}
		if (!opts && at) {
			*from = (size_t)(p - word) + 1;
			return p + 1;
		}
	}
	return NULL;
}

/*
 * tar's old-style key (a first word without '-', "xbf 20 A"): each letter
 * taking a value (tar's optstring) takes the next word after the key, in
 * the key's order (attack12 M11: "xbf 20 A" is -b 20 -f A). The word
 * letter takes, or NULL; *used (when asked) the words the key consumed.
 */
const struct guard_shell_word *
risk_tar_key(const struct risk_cmd *c, char letter, size_t *used)
{
	const char *key = c->argc > 1 ? c->argv[1].text : "";
	const char *opts = risk_optstring("tar");
	const struct guard_shell_word *hit = NULL;
	size_t k = 2;

	if (used)
		*used = 0;
	if (!key[0] || key[0] == '-')
		return NULL;
	for (const char *p = key; *p; p++) {
		if (!letter_value(opts, *p))
			continue;
		if (*p == letter && !hit && k < c->argc)
			hit = &c->argv[k];
		k++;
	}
	if (used)
		*used = (k < c->argc ? k : c->argc) - 1;
	return hit;
}
