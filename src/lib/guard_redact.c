#include <ctype.h>
#include <math.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "guard_error.h"
#include "guard_redact.h"

/* Bounds on one match, so a hostile string cannot stall the writer. */
#define REDACT_MATCH_LIMIT 1000000
#define REDACT_DEPTH_LIMIT 10000

struct redact_entry {
	char *id;
	char *replacement;
	pcre2_code *re;    /* NULL: a built-in not compiled yet (see entry_ready) */
	const char *regex; /* a built-in's, compiled when a string first passes its prefilter */
	size_t minlen; /* no match is possible in a shorter subject */
	bool jit;      /* JIT-compiled: matched with pcre2_jit_match directly */
	/*
	 * What PCRE2 knows any match contains (pcre2_pattern_info): one byte
	 * of first (the starting code unit or the start bitmap) and one of
	 * req (the required code unit, either case). An empty set says
	 * nothing. Only ASCII values are kept, and only ASCII subjects are
	 * filtered (caseless matching in UTF mode can pair an ASCII letter
	 * with a non-ASCII character), so a skipped call is one that could
	 * not have matched.
	 */
	uint64_t first[4], req[4];
	/*
	 * A built-in pattern's own knowledge (struct builtin's needs): any
	 * match holds one of these bytes. Empty for a policy's pattern.
	 */
	uint64_t needs[4];
	/* A built-in's words, '|'-separated, any match holds one of (either case); NULL: none claimed. */
	const char *words;
	bool (*check)(const char *s, size_t len); /* a built-in's (struct builtin's check) */
};

/*
 * JIT compiling every pattern costs more than a hook's one record takes
 * to scan (about 2M instructions), so patterns are interpreted until the
 * redactor has scanned JIT_AFTER bytes, then JIT-compiled for the stream.
 */
#define JIT_AFTER ((size_t)64 << 10)

/*
 * Strings found clean, so a value repeated in the records that follow
 * (tool, cwd, session, actor, ...) is not scanned again: CLEAN_SLOTS
 * slots, chosen by a hash of the bytes, each the last clean string of
 * at most CLEAN_MAX bytes that fell there. A hit is a string of the same
 * length and the same bytes (memcmp), so its result is the one already
 * found: every pattern ran to PCRE2_ERROR_NOMATCH or was skipped by its
 * prefilter, and neither depends on anything but the bytes and the
 * patterns. A match, or a match limit hit, is never stored.
 */
#define CLEAN_SLOTS 64
#define CLEAN_MAX 96

struct redact_clean {
	size_t len; /* 0: empty (an empty string is never scanned) */
	char s[CLEAN_MAX];
};

#define WORD_MAX 23      /* the longest built-in word */
#define WORDS_INDEXED 64 /* distinct built-in words (bits of word_at) */

struct redact_usage {
	size_t scanned;
	bool jitted;
	struct redact_clean clean[CLEAN_SLOTS];
};

struct guard_redactor {
	struct redact_entry *e;
	size_t n;
	struct redact_usage *usage; /* changes as a const redactor is used */
	size_t minlen; /* the smallest of the entries' */
	/*
	 * The prefilter sets of the first FILTERED entries turned around: for
	 * each ASCII byte, the entries (bit i for entry i) whose first, req
	 * and needs set hold it, and the entries whose set is empty (it says
	 * nothing). One walk of a string ORs its bytes' words together, and
	 * an entry is a candidate when each of its three sets is met.
	 */
	uint32_t by_byte[128][3];
	uint32_t no_set[3];
	/*
	 * The built-ins' words (struct builtin's), each once, lower case, and
	 * for each ASCII byte the words that begin with it in either case:
	 * one walk of a string tells which entries' words it holds.
	 */
	struct redact_word {
		char w[WORD_MAX + 1];
		size_t len;
		uint32_t entries; /* bit i: entry i claims this word */
	} word[WORDS_INDEXED];
	size_t nwords;
	uint64_t word_at[128];
	pcre2_match_context *mctx;
	pcre2_match_data *md; /* one is enough: the redactor is used by one thread */
};

struct builtin {
	const char *id;
	const char *regex;
	/*
	 * Bytes of which any match holds one, read off the regex where
	 * PCRE2's required code unit says nothing (a class such as [=:] or
	 * \s, which without PCRE2_UCP is ASCII white space only); NULL when
	 * nothing is claimed. Used as a prefilter, on ASCII subjects only.
	 */
	const char *needs;
	/*
	 * What PCRE2 reports for the compiled regex (pcre2_pattern_info),
	 * written down so a pattern is compiled only when a string may hold
	 * its match: the minimum match length, the possible first bytes and
	 * the required byte (either case added for a caseless pattern, as
	 * prefilter_of does); NULL says nothing. guard_redact_check_builtins
	 * (run by the unit tests) holds them to what PCRE2 says.
	 */
	unsigned minlen;
	const char *first, *req;
	/* NULL, or what a match must also be to count (the regex finds where to look): true to mask it */
	bool (*check)(const char *s, size_t len);
	/*
	 * Words, '|'-separated, of which any match holds one in either case,
	 * read off the regex's leading alternation; NULL says nothing. The
	 * byte sets above cannot tell "-p" in a uuid from a mysql password;
	 * these keep a hook's short strings from compiling such patterns.
	 */
	const char *words;
};

#define SPACES " \t\n\v\f\r" /* \s */

/*
 * A value that looks drawn at random: letters and digits both, few
 * separators (words-joined-by-dashes are names), not a path, and at
 * least ENTROPY_MIN bits of Shannon entropy per character. Random
 * base64 or hex of 20 characters or more is well above; identifiers,
 * version strings and sentences are below.
 */
#define ENTROPY_MIN 3.5

double
guard_redact_entropy(const char *s, size_t len)
{
	unsigned count[256] = { 0 };
	double h = 0;

	for (size_t i = 0; i < len; i++)
		count[(unsigned char)s[i]]++;
	for (unsigned c = 0; c < 256; c++) {
		if (!count[c])
			continue;
		double p = (double)count[c] / (double)len;
		h -= p * log2(p);
	}
	return h;
}

/* 8-4-4-4-12 hex digits: an identifier, not a secret */
static bool
uuid_shape(const char *s, size_t len)
{
	if (len != 36)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool
entropic(const char *s, size_t len)
{
	size_t digits = 0, letters = 0, seps = 0;

	if (!len || s[0] == '/' || s[0] == '.' || memmem(s, len, "//", 2) || uuid_shape(s, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			letters++;
		else if (c == '-' || c == '_' || c == '.')
			seps++;
	}
	return digits && letters && seps * 8 <= len && guard_redact_entropy(s, len) >= ENTROPY_MIN;
}

/*
 * Shapes published by the providers (and by gitleaks' rules). Broad
 * assignment patterns last: specific ids name what was found first.
 */
#define ALPHA "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define ALNUM "0123456789" ALPHA

static const struct builtin builtins[] = {
	{ "private-key", "-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\\s\\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\\z)", NULL,
	  27, "-", "-", NULL , "-----begin" },
	{ "aws-access-key", "\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\\b", NULL, 20, "A", "A", NULL , NULL },
	{ "aws-secret-key", "(?i)aws_?secret_?access_?key[\"']?\\s*[=:]\\s*[\"']?\\K[A-Za-z0-9/+=]{40}", "=:", 59, "a", "y", NULL , NULL },
	{ "gcp-api-key", "\\bAIza[0-9A-Za-z_-]{35}", NULL, 39, "A", "a", NULL , NULL },
	{ "azure-storage-key", "(?i)AccountKey=[A-Za-z0-9+/=]{40,}", NULL, 51, "A", "=", NULL , NULL },
	{ "azure-client-secret", "\\b[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{31,34}", NULL, 37, ALNUM "_~.-", "~", NULL , NULL },
	{ "github-token", "\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})", NULL, 33, "g", "_", NULL , NULL },
	{ "gitlab-token", "\\bgl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,}", NULL, 25, "g", "-", NULL , NULL },
	{ "slack-token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}", NULL, 15, "x", "-", NULL , NULL },
	{ "slack-webhook", "https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9/_+-]+", NULL, 34, "h", "/", NULL , NULL },
	{ "npm-token", "\\bnpm_[A-Za-z0-9]{36}", NULL, 40, "n", "_", NULL , NULL },
	{ "pypi-token", "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", NULL, 70, "p", "c", NULL , NULL },
	{ "sendgrid-key", "\\bSG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}", NULL, 36, "S", ".", NULL , NULL },
	{ "twilio-key", "\\bSK[0-9a-fA-F]{32}\\b", NULL, 34, "S", "K", NULL , NULL },
	{ "gcp-private-key-id", "(?i)private_key_id[\"']?\\s*[=:]\\s*[\"']?\\K[0-9a-f]{40}", "=:", 55, "p", "d", NULL , NULL },
	{ "stripe-key", "\\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}", NULL, 24, "prs", "_", NULL , NULL },
	{ "openai-anthropic-key", "\\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}", NULL, 35, "s", "-", NULL , NULL },
	{ "jwt", "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", NULL, 32, "e", ".", NULL , NULL },
	{ "basic-auth", "(?i)authorization[\"']?\\s*[=:]\\s*[\"']?basic\\s+\\K[A-Za-z0-9+/]{4,}={0,2}", "=:", 24, "a", "c", NULL , "authorization" },
	{ "mysql-password", "\\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb)\\b[^\\n|;&]*?\\s-p\\K(?:'[^'\\n]*'|\"[^\"\\n]*\"|[^\\s\"'|;&]+)", NULL, 9, "m", "p", NULL , "mysql|mariadb" },
	{ "user-password", "\\b(?:curl|wget|lftp|http|https)\\b[^\\n|;&]*?\\s(?:-u|--user|--proxy-user)(?:=|\\s*)[\"']?[^\\s:\"'-][^\\s:\"']*:\\K[^\\s\"'|;&]+", NULL, 10, "chlw", ":", NULL , "curl|wget|lftp|http" },
	{ "bearer-token", "(?i)\\b(?:bearer|token)\\s+[A-Za-z0-9._~+/-]{16,}=*", SPACES, 22, "BTbt", NULL, NULL , "bearer|token" },
	{ "url-credentials", "\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s/:@\"']+:[^\\s/@\"']+@", NULL, 8, ALPHA, "@", NULL , "://" },
	{ "password-assignment",
	  "(?i)(?:password|passwd|passphrase|pwd|secret|api[_-]?key|access[_-]?key|auth(?!or|ori)|token|credentials?|cookie|session[_-]?key)"
	  "[A-Za-z0-9_]*[\"']?\\s*[=:]\\s*[\"']?\\K[^\\s\"',;&|)]{4,}", "=:", 8, NULL, NULL, NULL , "pass|pwd|secret|api|access|auth|token|credential|cookie|session" },
	{ "password-option", "(?i)--(?:password|passwd|token|secret|api-key)(?:=|\\s+)\\K[^\\s\"']{4,}", "=" SPACES, 12, "-", "-", NULL , "--pass|--token|--secret|--api-key" },
	{ "high-entropy", "(?i)(?:key|secret|token|passw|pwd|auth|credential|cookie|session|signature|salt)[A-Za-z0-9_.-]*[\"']?(?:\\s*[=:]\\s*|\\s+)[\"']?\\K[A-Za-z0-9+/_.~=-]{20,}", NULL, 24, NULL, NULL, entropic , "key|secret|token|passw|pwd|auth|credential|cookie|session|signature|salt" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};

const char *const guard_redact_builtin_ids[] = {
	"private-key", "aws-access-key", "aws-secret-key", "gcp-api-key", "azure-storage-key",
	"azure-client-secret", "github-token", "gitlab-token", "slack-token", "slack-webhook",
	"npm-token", "stripe-key", "openai-anthropic-key", "jwt", "bearer-token", "url-credentials",
	"password-assignment", "password-option", "pypi-token", "sendgrid-key", "twilio-key", "gcp-private-key-id",
	"basic-auth", "mysql-password", "user-password", "high-entropy", NULL,
};

bool
guard_redact_builtin(size_t i, const char **id, const char **regex, bool (**check)(const char *s, size_t len))
{
	if (i >= sizeof(builtins) / sizeof(builtins[0]) - 1)
		return false;
	*id = builtins[i].id;
	*regex = builtins[i].regex;
	*check = builtins[i].check;
	return true;
}

void
guard_redactor_free(struct guard_redactor *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->e[i].id);
		free(r->e[i].replacement);
		pcre2_code_free(r->e[i].re);
	}
	free(r->e);
	free(r->usage);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	free(r);
}

/*
 * Whether any part of regex may match without regard to case: an inline
 * option run ('(', '?', then letters, '^' or '-'; white space allowed
 * anywhere in it) that holds an 'i'. Over-cautious (a literal "\\(?i" or
 * a class holding "(?i" count too), never the other way: PCRE2_CASELESS
 * is not passed to pcre2_compile here, and the inline option is the
 * only other way to set it.
 */
static bool
maybe_caseless(const char *regex)
{
	for (const char *p = strchr(regex, '('); p; p = strchr(p + 1, '(')) {
		const char *q = p + 1;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '?')
			continue;
		for (q++; isalpha((unsigned char)*q) || *q == '^' || *q == '-' || isspace((unsigned char)*q); q++)
			if (*q == 'i')
				return true;
	}
	return false;
}

/* Add c (ASCII only) to set, in both cases unless exact. */
static void
set_ascii_either_case(uint64_t set[4], uint32_t c, bool exact)
{
	if (c >= 128)
		return;
	set[c >> 6] |= (uint64_t)1 << (c & 63);
	if (!exact && (c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
		c ^= 0x20;
		set[c >> 6] |= (uint64_t)1 << (c & 63);
	}
}

static void
prefilter_of(struct redact_entry *e, const char *regex)
{
	/* A pattern that never ignores case: its first and required code units are exact. */
	bool exact = !maybe_caseless(regex);
	uint32_t type = 0, unit = 0, has_req = 0, req = 0;
	const uint8_t *bits = NULL;

	memset(e->first, 0, sizeof(e->first));
	memset(e->req, 0, sizeof(e->req));
	if (e->minlen == 0)
		return; /* an empty match masks nothing, but do not second-guess such a pattern */
	if (pcre2_pattern_info(e->re, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type == 1 &&
	    pcre2_pattern_info(e->re, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 && unit < 128) {
		set_ascii_either_case(e->first, unit, exact);
	} else if (type == 0 && pcre2_pattern_info(e->re, PCRE2_INFO_FIRSTBITMAP, &bits) == 0 && bits) {
		bool ascii_only = true;
		for (int i = 16; i < 32; i++)
			if (bits[i])
				ascii_only = false;
		/* A start with a non-ASCII byte is possible: no first set (ASCII subjects only are filtered, but stay simple). */
		for (int i = 0; ascii_only && i < 16; i++)
			e->first[i / 8] |= (uint64_t)bits[i] << (8 * (i % 8));
	}
	if (pcre2_pattern_info(e->re, PCRE2_INFO_LASTCODETYPE, &has_req) == 0 && has_req == 1 &&
	    pcre2_pattern_info(e->re, PCRE2_INFO_LASTCODEUNIT, &req) == 0)
		set_ascii_either_case(e->req, req, exact);
}

#define FILTERED 32 /* entries after these are always run */

static inline char
lower_ascii(char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static bool
has_byte(const uint64_t set[4], unsigned c)
{
	return set[c >> 6] >> (c & 63) & 1;
}

static bool
empty_set(const uint64_t set[4])
{
	return !(set[0] | set[1] | set[2] | set[3]);
}

/* Fill in r->by_byte and r->no_set from the entries' sets. */
static void
index_prefilters(struct guard_redactor *r)
{
	memset(r->by_byte, 0, sizeof(r->by_byte));
	memset(r->no_set, 0, sizeof(r->no_set));
	for (size_t i = 0; i < r->n && i < FILTERED; i++) {
		const uint64_t *sets[3] = { r->e[i].first, r->e[i].req, r->e[i].needs };
		uint32_t bit = (uint32_t)1 << i;
		for (int k = 0; k < 3; k++) {
			if (empty_set(sets[k])) {
				r->no_set[k] |= bit;
				continue;
			}
			for (unsigned c = 0; c < 128; c++)
				if (has_byte(sets[k], c))
					r->by_byte[c][k] |= bit;
		}
	}
}

/*
 * The entries among the first FILTERED that can match s (bit i for entry
 * i): each of whose first, req and needs sets is empty or holds a byte
 * of s. All of them when s has a byte that is not ASCII (caseless UTF
 * matching can pair an ASCII letter with a non-ASCII character).
 */
static uint32_t
candidates(const struct guard_redactor *r, const char *s, size_t len)
{
	uint32_t first = 0, req = 0, needs = 0;
	unsigned char hi = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const uint32_t *w = r->by_byte[c & 127];
		hi |= c;
		first |= w[0];
		req |= w[1];
		needs |= w[2];
	}
	if (hi & 0x80)
		return ~(uint32_t)0;
	return (first | r->no_set[0]) & (req | r->no_set[1]) & (needs | r->no_set[2]);
}

static pcre2_code *
compile_regex(const char *id, const char *regex, int *rc)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
				       &code, &off, NULL);

	*rc = 0;
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof(msg));
		*rc = guard_error(GUARD_EPOLICY, "redact '%s': regex does not compile at offset %zu: %s", id,
				  (size_t)off, (char *)msg);
	}
	return re;
}

static void
name_entry(struct redact_entry *e, const char *id, const char *replacement, const char *needs)
{
	memset(e->needs, 0, sizeof(e->needs));
	for (; needs && *needs; needs++)
		e->needs[(unsigned char)*needs >> 6] |= (uint64_t)1 << ((unsigned char)*needs & 63);
	e->id = guard_xstrdup(id);
	e->replacement = replacement ? guard_xstrdup(replacement) : guard_xasprintf("[REDACTED:%s]", id);
}

/* Compile regex into e, with the minimum length and prefilter sets PCRE2 reports of it. */
static int
compile_measured(struct redact_entry *e, const char *id, const char *regex)
{
	uint32_t minlen = 0;
	int rc;

	if (!(e->re = compile_regex(id, regex, &rc)))
		return rc;
	pcre2_pattern_info(e->re, PCRE2_INFO_MINLENGTH, &minlen);
	e->minlen = minlen;
	prefilter_of(e, regex);
	return 0;
}

/* Compile a policy's entry into slot e now, so a bad regex is reported when the policy is. */
static int
compile_entry(struct redact_entry *e, const char *id, const char *regex, const char *replacement)
{
	int rc = compile_measured(e, id, regex);

	if (rc == 0)
		name_entry(e, id, replacement, NULL);
	return rc;
}

/* The sets a built-in declares, made as prefilter_of makes them from PCRE2's answers. */
static void
declared_sets(const struct builtin *b, uint64_t first[4], uint64_t req[4])
{
	bool exact = !maybe_caseless(b->regex);

	memset(first, 0, 4 * sizeof(*first));
	memset(req, 0, 4 * sizeof(*req));
	for (const char *c = b->first; c && *c; c++)
		set_ascii_either_case(first, (unsigned char)*c, exact);
	for (const char *c = b->req; c && *c; c++)
		set_ascii_either_case(req, (unsigned char)*c, exact);
}

/*
 * A built-in into slot e without compiling it: compiling all eighteen
 * costs more than a hook's record takes to scan, and most strings pass
 * the prefilter of none of them.
 */
static void
declare_entry(struct redact_entry *e, const struct builtin *b)
{
	e->regex = b->regex;
	e->minlen = b->minlen;
	declared_sets(b, e->first, e->req);
	name_entry(e, b->id, NULL, b->needs);
	e->check = b->check;
	e->words = b->words;
}

/* Index the first FILTERED entries' words (built-ins claim them): see struct guard_redactor's word. */
static int
index_words(struct guard_redactor *r)
{
	memset(r->word_at, 0, sizeof(r->word_at));
	r->nwords = 0;
	for (size_t i = 0; i < r->n && i < FILTERED; i++) {
		for (const char *w = r->e[i].words; w && *w;) {
			size_t wl = strcspn(w, "|"), k;
			char low[WORD_MAX + 1];
			if (!wl || wl > WORD_MAX)
				return guard_error(GUARD_EPOLICY, "redact '%s': a word of %zu bytes (1 to %d)", r->e[i].id,
						   wl, WORD_MAX);
			for (k = 0; k < wl; k++)
				low[k] = lower_ascii(w[k]);
			low[wl] = '\0';
			for (k = 0; k < r->nwords && strcmp(r->word[k].w, low); k++)
				;
			if (k == r->nwords) {
				if (r->nwords == WORDS_INDEXED)
					return guard_error(GUARD_EPOLICY, "the built-ins claim over %d words", WORDS_INDEXED);
				memcpy(r->word[k].w, low, wl + 1);
				r->word[k].len = wl;
				r->word_at[(unsigned char)low[0] & 127] |= (uint64_t)1 << k;
				if (low[0] >= 'a' && low[0] <= 'z')
					r->word_at[(unsigned char)(low[0] - 'a' + 'A')] |= (uint64_t)1 << k;
				r->nwords++;
			}
			r->word[k].entries |= (uint32_t)1 << i;
			w += wl + (w[wl] == '|');
		}
	}
	return 0;
}

/*
 * The entries among the first FILTERED whose words s holds, in either
 * case (bit i for entry i), in one walk. Short ASCII strings only (what
 * a hook's record holds): over WORDS_MAX bytes, or with a non-ASCII byte
 * (caseless UTF matching pairs 'k' with the Kelvin sign), every entry,
 * and the regex decides alone.
 */
#define WORDS_MAX 4096
static uint32_t
words_present(const struct guard_redactor *r, const char *s, size_t len)
{
	uint32_t found = 0;

	if (len > WORDS_MAX)
		return ~(uint32_t)0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return ~(uint32_t)0;
		for (uint64_t m = r->word_at[c]; m; m &= m - 1) {
			const struct redact_word *w = &r->word[__builtin_ctzll(m)];
			size_t k = 1;
			if (w->len > len - i)
				continue;
			while (k < w->len && lower_ascii(s[i + k]) == w->w[k])
				k++;
			if (k == w->len)
				found |= w->entries;
		}
	}
	return found;
}

/* Compile a declared built-in on first use (and JIT it when the redactor already has). */
static int
entry_ready(const struct guard_redactor *r, struct redact_entry *e)
{
	int rc;

	if (e->re)
		return 0;
	if (!(e->re = compile_regex(e->id, e->regex, &rc)))
		return rc;
	if (r->usage->jitted && pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE) == 0) {
		size_t jitsize = 0;
		e->jit = pcre2_pattern_info(e->re, PCRE2_INFO_JITSIZE, &jitsize) == 0 && jitsize > 0;
	}
	return 0;
}

static bool
superset(const uint64_t a[4], const uint64_t b[4])
{
	return empty_set(a) || ((a[0] & b[0]) == b[0] && (a[1] & b[1]) == b[1] && (a[2] & b[2]) == b[2] &&
				(a[3] & b[3]) == b[3] && !empty_set(b));
}

int
guard_redact_check_builtins(struct guard_buf *why)
{
	int bad = 0;

	for (const struct builtin *b = builtins; b->id; b++) {
		struct redact_entry e;
		uint64_t first[4], req[4];

		memset(&e, 0, sizeof(e));
		if (compile_measured(&e, b->id, b->regex) < 0) {
			guard_buf_addf(why, "%s: %s\n", b->id, guard_error_last());
			bad++;
			continue;
		}
		declared_sets(b, first, req);
		/* declared no tighter than PCRE2: every match PCRE2 allows passes the declared filter */
		if (b->minlen > e.minlen || !superset(first, e.first) || !superset(req, e.req)) {
			guard_buf_addf(why, "%s: declared minlen %u first %s req %s, PCRE2 says minlen %zu%s%s\n", b->id,
				       b->minlen, b->first ? b->first : "(none)", b->req ? b->req : "(none)", e.minlen,
				       superset(first, e.first) ? "" : ", other first bytes",
				       superset(req, e.req) ? "" : ", another required byte");
			bad++;
		}
		pcre2_code_free(e.re);
	}
	return bad ? GUARD_EPOLICY : 0;
}

static const char *
str_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
guard_redactor_new(struct guard_redactor **out, const cJSON *policy_redact)
{
	struct guard_redactor *r = guard_xcalloc(1, sizeof(*r));
	size_t cap = sizeof(builtins) / sizeof(builtins[0]) + (size_t)cJSON_GetArraySize(policy_redact);
	const cJSON *it;
	int rc;

	*out = NULL;
	r->e = guard_xcalloc(cap, sizeof(*r->e));
	r->usage = guard_xcalloc(1, sizeof(*r->usage));
	r->minlen = (size_t)-1;
	/*
	 * Every built-in applies: a policy entry of the same id runs beside it,
	 * never instead (the project layer is the agent's to write, and must
	 * not be able to switch off the masking of a key).
	 */
	for (const struct builtin *b = builtins; b->id; b++)
		declare_entry(&r->e[r->n++], b);
	cJSON_ArrayForEach(it, policy_redact) {
		const char *id = str_member(it, "id"), *regex = str_member(it, "regex");
		if (!id || !regex) {
			rc = guard_error(GUARD_EPOLICY, "redact entry without id and regex strings");
			goto fail;
		}
		if ((rc = compile_entry(&r->e[r->n], id, regex, str_member(it, "replacement"))) < 0)
			goto fail;
		r->n++;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->e[i].minlen < r->minlen)
			r->minlen = r->e[i].minlen;
	index_prefilters(r);
	if ((rc = index_words(r)) < 0)
		goto fail;
	if (!(r->mctx = pcre2_match_context_create(NULL)) || !(r->md = pcre2_match_data_create(1, NULL))) {
		rc = guard_error(GUARD_EIO, "out of memory for the redaction patterns");
		goto fail;
	}
	pcre2_set_match_limit(r->mctx, REDACT_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, REDACT_DEPTH_LIMIT);
	*out = r;
	return 0;
fail:
	guard_redactor_free(r);
	return rc;
}

/*
 * Apply entry e to src, appending to dst. Returns matches masked, 0 when
 * none (dst untouched), or GUARD_EDENY when the match limit was hit.
 */
static int
apply_entry(const struct guard_redactor *r, const struct redact_entry *e, const char *src, size_t len,
	    struct guard_buf *dst)
{
	PCRE2_SIZE start = 0, from = 0; /* copied up to start; searching from from */
	int n = 0;

	while (from <= len) {
		/* The same match (limits included) without pcre2_match's checks and dispatch, each call. */
		int m = e->jit ? pcre2_jit_match(e->re, (PCRE2_SPTR)src, len, from, 0, r->md, r->mctx)
			       : pcre2_match(e->re, (PCRE2_SPTR)src, len, from, 0, r->md, r->mctx);
		if (m == PCRE2_ERROR_NOMATCH)
			break;
		if (m < 0)
			return GUARD_EDENY;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		if (ov[1] <= ov[0]) { /* an empty match masks nothing: step on */
			from = ov[0] + 1;
			continue;
		}
		if (e->check && !e->check(src + ov[0], ov[1] - ov[0])) {
			from = ov[0] + 1; /* not one: look again from within it (another keyword may start there) */
			continue;
		}
		guard_buf_add(dst, src + start, ov[0] - start);
		guard_buf_addstr(dst, e->replacement);
		start = from = ov[1];
		n++;
	}
	if (n)
		guard_buf_add(dst, src + start, len - start);
	return n;
}

/* JIT-compile every pattern compiled so far (later ones on compiling); without JIT the interpreter goes on. */
static void
jit_all(const struct guard_redactor *r)
{
	for (size_t i = 0; i < r->n; i++) {
		size_t jitsize = 0;
		if (r->e[i].re && pcre2_jit_compile(r->e[i].re, PCRE2_JIT_COMPLETE) == 0 &&
		    pcre2_pattern_info(r->e[i].re, PCRE2_INFO_JITSIZE, &jitsize) == 0 && jitsize > 0)
			r->e[i].jit = true;
	}
	r->usage->jitted = true;
}

/*
 * An invisible character at s (left bytes): its UTF-8 length, or 0. Soft
 * hyphen U+00AD, Mongolian vowel separator U+180E, zero-width space,
 * joiners and marks U+200B-U+200F, bidi embeddings U+202A-U+202E, word
 * joiner and invisible operators U+2060-U+2064, bidi isolates
 * U+2066-U+2069, and the byte order mark U+FEFF: none shows, so a key
 * split by one looks whole to a reader and is no key to a pattern.
 */
static size_t
invisible_at(const unsigned char *s, size_t left)
{
	if (left >= 2 && s[0] == 0xC2 && s[1] == 0xAD)
		return 2;
	if (left < 3)
		return 0;
	if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x8B && s[2] <= 0x8F) || (s[2] >= 0xAA && s[2] <= 0xAE)))
		return 3;
	if (s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA0 && s[2] <= 0xA9 && s[2] != 0xA5)
		return 3;
	if ((s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) || (s[0] == 0xE1 && s[1] == 0xA0 && s[2] == 0x8E))
		return 3;
	return 0;
}

char *
guard_redact_visible(const char *s, size_t len, size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	/* their lead bytes are rare in text: memchr finds each (kept until passed) before looking closer */
	static const unsigned char leads[] = { 0xC2, 0xE1, 0xE2, 0xEF };
	const unsigned char *at[4] = { NULL, NULL, NULL, NULL };
	for (;;) {
		const unsigned char *first = NULL;
		for (size_t k = 0; k < 4; k++) {
			if (at[k] != u + len && (!at[k] || at[k] < u + i))
				at[k] = i < len ? memchr(u + i, leads[k], len - i) : NULL;
			if (!at[k])
				at[k] = u + len;
			if (!first || at[k] < first)
				first = at[k];
		}
		if (first == u + len)
			return NULL;
		i = (size_t)(first - u);
		if (invisible_at(u + i, len - i))
			break;
		i++;
	}
	struct guard_buf b = GUARD_BUF_INIT;
	guard_buf_add(&b, s, i);
	while (i < len) {
		size_t n = invisible_at(u + i, len - i);
		if (n)
			i += n;
		else
			guard_buf_addch(&b, s[i++]);
	}
	*out_len = b.len;
	return guard_buf_detach(&b);
}

int
guard_redact_text(const struct guard_redactor *r, const char *s, size_t len, struct guard_buf *out)
{
	size_t vlen;
	char *visible = guard_redact_visible(s, len, &vlen);

	if (visible) {
		/* masked as it reads: the invisible characters go, the key they split is masked whole */
		int n = guard_redact_text(r, visible, vlen, out);
		free(visible);
		return n;
	}
	struct guard_buf cur = GUARD_BUF_INIT, next = GUARD_BUF_INIT;
	const char *src = s;
	size_t srclen = len;
	int total = 0;

	if (len < r->minlen)
		return 0;
	if (!r->usage->jitted && (r->usage->scanned += len) > JIT_AFTER)
		jit_all(r);
	struct redact_clean *slot = NULL;
	if (len <= CLEAN_MAX) {
		uint32_t h = 2166136261u; /* FNV-1a: picks the slot only; equality is memcmp */
		for (size_t i = 0; i < len; i++)
			h = (h ^ (unsigned char)s[i]) * 16777619u;
		slot = &r->usage->clean[(h ^ (h >> 16)) % CLEAN_SLOTS];
		if (slot->len == len && !memcmp(slot->s, s, len))
			return 0;
	}
	uint32_t cand = candidates(r, src, srclen), words = 0;
	bool words_known = false;
	for (size_t i = 0; i < r->n; i++) {
		if (srclen < r->e[i].minlen || (i < FILTERED && !(cand >> i & 1)))
			continue;
		if (i < FILTERED && r->e[i].words) {
			if (!words_known) {
				words = words_present(r, src, srclen);
				words_known = true;
			}
			if (!(words >> i & 1))
				continue;
		}
		int m = entry_ready(r, &r->e[i]) < 0 ? GUARD_EDENY : apply_entry(r, &r->e[i], src, srclen, &next);
		if (m < 0) {
			guard_buf_release(&cur);
			guard_buf_release(&next);
			return m;
		}
		if (m == 0)
			continue;
		total += m;
		struct guard_buf t = cur;
		cur = next;
		next = t;
		guard_buf_reset(&next);
		src = cur.buf;
		srclen = cur.len;
		cand = candidates(r, src, srclen); /* the masked text holds other bytes and words */
		words_known = false;
	}
	if (total) {
		guard_buf_add(out, cur.buf, cur.len);
	} else if (slot) {
		memcpy(slot->s, s, len);
		slot->len = len;
	}
	guard_buf_release(&cur);
	guard_buf_release(&next);
	return total;
}

/* Append key to a JSON pointer, escaping '~' and '/' (RFC 6901). */
static void
pointer_add(struct guard_buf *p, const char *key)
{
	guard_buf_addch(p, '/');
	for (;;) {
		size_t run = strcspn(key, "~/");
		guard_buf_add(p, key, run);
		key += run;
		if (!*key)
			break;
		guard_buf_addstr(p, *key == '~' ? "~0" : "~1");
		key++;
	}
}

/*
 * "auth" as a word of the key: "auth", "basic_auth", "X-Auth", "authKey",
 * not "author" or "oauth_client_id" (a lower-case letter on either side
 * makes it part of another word).
 */
static bool
auth_word(const char *key, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++) {
		if (lower_ascii(key[i]) != 'a' || lower_ascii(key[i + 1]) != 'u' || lower_ascii(key[i + 2]) != 't' ||
		    lower_ascii(key[i + 3]) != 'h')
			continue;
		bool before = i > 0 && key[i - 1] >= 'a' && key[i - 1] <= 'z';
		bool after = i + 4 < len && key[i + 4] >= 'a' && key[i + 4] <= 'z';
		if (!before && !after)
			return true;
	}
	return false;
}

/* A member named like a secret ("password", "api_key", ...) is masked whole, whatever it holds. */
static bool
secret_name(const char *key)
{
	static const char *const names[] = {
		"password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "credential", "private_key",
		"access_key", "passphrase", "cookie", "session_key", "sessionkey", "session-key",
	};
	size_t len;

	if (!key || (len = strlen(key)) < 4)
		return false;
	if (auth_word(key, len))
		return true;
	if (len < 5) /* the shortest name is "token" */
		return false;
	if (len >= 128) { /* a long key: the slow way */
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcasestr(key, names[i]))
				return true;
		return false;
	}
	/*
	 * One pass: at each position only the names that start with its
	 * letter (either case) are compared, byte by byte, lower-cased as
	 * they are read (a copy of the key and strncmp calls cost as much
	 * again as the walk).
	 */
	for (size_t i = 0; i + 5 <= len; i++) {
		char c = lower_ascii(key[i]);
		if (c != 'p' && c != 's' && c != 't' && c != 'a' && c != 'c')
			continue;
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			const char *n = names[j], *k = key + i;
			if (n[0] != c)
				continue;
			while (*n && lower_ascii(*k) == *n) /* stops at the key's NUL: no name holds one */
				n++, k++;
			if (!*n)
				return true;
		}
	}
	return false;
}

/*
 * Where the walk is: a chain of members up to the root, turned into a
 * JSON pointer only when a string is masked (most never are).
 */
struct walk_at {
	const struct walk_at *up; /* NULL at the root, whose key is the base pointer */
	const char *key;	  /* the member's name; NULL for an array element */
	size_t index;
};

static void
pointer_of(struct guard_buf *p, const struct walk_at *at)
{
	if (!at->up) {
		guard_buf_addstr(p, at->key);
		return;
	}
	pointer_of(p, at->up);
	if (at->key) {
		pointer_add(p, at->key);
	} else {
		char num[24], *d = num + sizeof(num);
		size_t v = at->index;
		do
			*--d = (char)('0' + v % 10);
		while ((v /= 10));
		*--d = '/';
		guard_buf_add(p, d, (size_t)(num + sizeof(num) - d));
	}
}

static void
add_erased(cJSON *erased, const struct walk_at *at)
{
	struct guard_buf ptr = GUARD_BUF_INIT;

	if (!erased)
		return;
	pointer_of(&ptr, at);
	cJSON_AddItemToArray(erased, cJSON_CreateString(ptr.buf));
	guard_buf_release(&ptr);
}

static int
redact_walk(const struct guard_redactor *r, cJSON *item, const struct walk_at *at, cJSON *erased)
{
	int total = 0;

	if (cJSON_IsString(item) && item->valuestring && secret_name(item->string) &&
	    strncmp(item->valuestring, "[REDACTED", 9)) {
		cJSON_SetValuestring(item, "[REDACTED:secret-field]");
		add_erased(erased, at);
		return 1;
	}
	if (cJSON_IsString(item) && item->valuestring) {
		struct guard_buf out = GUARD_BUF_INIT;
		int m = guard_redact_text(r, item->valuestring, strlen(item->valuestring), &out);
		if (m < 0) {
			guard_buf_reset(&out);
			guard_buf_addstr(&out, "[REDACTED:unscannable]");
		}
		if (m != 0) {
			cJSON_SetValuestring(item, out.buf);
			add_erased(erased, at);
			total++;
		}
		guard_buf_release(&out);
		return total;
	}
	if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
		bool object = cJSON_IsObject(item);
		struct walk_at below = { at, NULL, 0 };
		cJSON *c;
		cJSON_ArrayForEach(c, item) {
			below.key = object ? (c->string ? c->string : "") : NULL;
			total += redact_walk(r, c, &below, erased);
			below.index++;
		}
	}
	return total;
}

int
guard_redact_json(const struct guard_redactor *r, cJSON *item, const char *base, cJSON *erased)
{
	struct walk_at root = { NULL, base ? base : "", 0 };

	return redact_walk(r, item, &root, erased);
}
