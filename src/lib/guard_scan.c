#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <time.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_file.h"
#include "guard_glob.h"
#include "guard_hash.h"
#include "guard_patch.h"
#include "guard_redact.h"
#include "guard_regex.h"
#include "guard_scan.h"
#include "guard_time.h"

#define SCAN_MATCH_LIMIT 1000000 /* as the redactor's: a hostile line cannot stall a scan */
#define SCAN_DEPTH_LIMIT 10000
#define PREVIEW_MAX 4

/* What a built-in secret rule is called and which words any match holds (lower case). */
struct builtin_info {
	const char *id, *message, *severity;
	const char *keywords; /* '|'-separated */
};

static const struct builtin_info infos[] = {
	{ "private-key", "a private key", "critical", "private key" },
	{ "aws-access-key", "an AWS access key id", "high", "akia|asia|agpa|aida|aroa|anpa" },
	{ "aws-secret-key", "an AWS secret access key", "critical", "secret" },
	{ "gcp-api-key", "a Google API key", "high", "aiza" },
	{ "azure-storage-key", "an Azure storage account key", "critical", "accountkey" },
	{ "azure-client-secret", "an Azure client secret", "high", "8q~" },
	{ "github-token", "a GitHub token", "high", "ghp_|gho_|ghu_|ghs_|ghr_|github_pat_" },
	{ "gitlab-token", "a GitLab token", "high", "glpat-|gldt-|glrt-|glptt-|glcbt-" },
	{ "slack-token", "a Slack token", "high", "xox" },
	{ "slack-webhook", "a Slack webhook URL", "high", "hooks.slack.com" },
	{ "npm-token", "an npm token", "high", "npm_" },
	{ "pypi-token", "a PyPI token", "high", "pypi-" },
	{ "sendgrid-key", "a SendGrid API key", "high", "sg." },
	{ "twilio-key", "a Twilio API key", "high", "sk0|sk1|sk2|sk3|sk4|sk5|sk6|sk7|sk8|sk9|ska|skb|skc|skd|ske|skf" },
	{ "gcp-private-key-id", "a Google service-account private_key_id", "high", "private_key_id" },
	{ "stripe-key", "a Stripe key", "high", "_live_|_test_" },
	{ "openai-anthropic-key", "an OpenAI or Anthropic API key", "high", "sk-" },
	{ "jwt", "a JSON Web Token", "medium", "eyj" },
	{ "basic-auth", "credentials in a basic-auth header", "high", "basic" },
	{ "mysql-password", "a MySQL password on the command line", "high", "mysql|mariadb" },
	{ "user-password", "a password in -u user:password", "high", "curl|wget|lftp|http" },
	{ "bearer-token", "a bearer token", "high", "bearer|token" },
	{ "url-credentials", "a password in a URL", "high", "://" },
	{ "password-assignment", "a hard-coded credential", "high",
	  "pass|pwd|secret|key|token|auth|credential|cookie|session" },
	{ "password-option", "a password given as an option", "high", "--pass|--token|--secret|--api-key" },
	{ "high-entropy", "a high-entropy value named like a secret", "medium",
	  "key|secret|token|pass|pwd|auth|credential|cookie|session|signature|salt" },
	{ NULL, NULL, NULL, NULL },
};

struct rule {
	char *id, *message, *severity;
	bool secret;
	cJSON *paths;		/* globs the rule is limited to (NULL: every path) */
	char *regex;
	pcre2_code *re;         /* compiled on first use: most texts are candidates for few rules */
	bool jit, jit_tried;
	bool (*check)(const char *s, size_t len);
	bool always;            /* no keywords: matched against every text */
	bool multiline;         /* a match may run past its keyword's line (a PEM block; a policy entry's multiline: true) */
	bool pem;               /* the built-in private-key rule: no match without "-----BEGIN" */
	size_t *hits;           /* while scanning: starts of the lines holding one of its keywords */
	size_t nhits, caphits;
};

/* A keyword, lower case, and the rules it stands for (one keyword, however many rules name it). */
struct keyword {
	char *word;
	size_t len;
	size_t *rules, nrules;
};

struct guard_scanner {
	struct rule *r;
	size_t n;
	/*
	 * The keywords, found in one pass over a text by their byte pairs:
	 * for each pair of bytes (either case) that a keyword is filed
	 * under, at its offset j or j + 1 (j chosen by pair_cost), the list
	 * of those keywords (bucket, lists). Only even offsets of the text
	 * are looked at: a keyword of 3 bytes or more has one of the two
	 * pairs on an even one, whatever its own offset.
	 */
	struct keyword *kws;
	size_t nkws;
	uint16_t *bucket;     /* per pair: 0, or 1 + the index of its list in lists */
	struct pair_list { size_t *kw; unsigned char *off; size_t n; } *lists;
	size_t nlists;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	cJSON *exclude;       /* scan.exclude globs */
	bool allow_inline;
	signed char edit_adds_allow; /* the last tool input's edits add an allow comment: -1 not known */
	bool jit_each_text;   /* JIT only for a text of JIT_FROM bytes, whatever came before (a reused scanner) */
	size_t max_findings;  /* stop at this many (0: all); capped says it stopped */
	size_t nfound;
	bool capped;
	int (*lstat)(const char *path, struct stat *sb); /* NULL: lstat(2) */
};

/* Past the call's deadline (guard_deadline_set)? The error says so: a hook denies rather than answer after the agent stops waiting. */
static bool
past_deadline(void)
{
	if (!guard_deadline_past())
		return false;
	guard_error(GUARD_EEXPIRED, "the secret scan did not finish in time (the text holds too much to scan before the "
				    "agent stops waiting)");
	return true;
}

static const struct builtin_info *
info_of(const char *id)
{
	for (const struct builtin_info *i = infos; i->id; i++)
		if (!strcmp(i->id, id))
			return i;
	return NULL;
}

static pcre2_code *
compile_with(const char *id, const char *regex, uint32_t flags, int *rc)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, flags, &code, &off, NULL);

	*rc = 0;
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof(msg));
		*rc = guard_error(GUARD_EPOLICY, "scan rule '%s': regex does not compile at offset %zu: %s", id,
				  (size_t)off, (char *)msg);
		return NULL;
	}
	return re;
}

/*
 * JIT compiling costs more than interpreting a short text (an agent's
 * edit, a diff's lines), so a pattern is JIT-compiled when it first meets
 * a text of JIT_FROM bytes or more.
 */
#define JIT_FROM ((size_t)16 << 10)

static bool
jit_now(pcre2_code *re)
{
	size_t size = 0;
	return pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0 && pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &size) == 0 &&
	       size > 0;
}

/* ASCII lower case of every byte, by table: the pair scan reads two per step */
#define L4(c) (c), (c) + 1, (c) + 2, (c) + 3
#define L16(c) L4(c), L4((c) + 4), L4((c) + 8), L4((c) + 12)
#define L64(c) L16(c), L16((c) + 16), L16((c) + 32), L16((c) + 48)
static const unsigned char lower_table[256] = {
	L64(0),
	'@', L4('a'), L4('e'), L4('i'), L4('m'), L4('q'), L4('u'), 'y', 'z', '[', '\\', ']', '^', '_',
	L16(96), L16(112), L64(128), L64(192),
};

static unsigned char
lower(unsigned char c)
{
	return lower_table[c];
}

static unsigned char
upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c & ~0x20) : c;
}

/* Two bytes as the pair scan reads them: one 16-bit load, in the machine's byte order. */
static unsigned
raw_pair(unsigned char a, unsigned char b)
{
	unsigned char two[2] = { a, b };
	uint16_t p;

	memcpy(&p, two, 2);
	return p;
}

/*
 * How common a pair of (lower-case) bytes is: the 160 most common pairs
 * without a space in 30 MB of this machine's /usr/include, perl, python,
 * node and doc files, most common first, cost the most; a pair with a
 * space costs more still ("e "); any other pair costs 1. The pair scan
 * stops at every text pair a keyword is filed under, so a keyword is
 * filed under its rarest two adjacent pairs ("session" under "ss" and
 * "si", not "se" and "es").
 */
static unsigned
pair_cost(unsigned char a, unsigned char b)
{
	static const char common[] =
		"th in re er te he on an or se le en at es ti li 00 co st ar is it de nt al ed nd ri me et io il "
		"ng ra tr to ns ta ic pa ma ce >< as fi ut di la of ve el ro lt </ ll ne ou ha pr fo si .0 pe ss "
		"om ef hi od un ex if na 20 ac ca ec ct sl us ur xs -> ib ht am no op ch 02 ea mp lo wi ge em ot "
		"rs ig so ts tt nc ad ty su be cl ## rn :: ab ul po -- pl sh ho id bu bl ap 12 tu $s ml ee ); wa "
		"($ rt rm my mo ub 11 ni im ia bi xt sp do oc ag ls ir tm 0. ke ft ie lf ck 01 pt va da ai ol == ";
	char pair[4] = { (char)a, (char)b, ' ', 0 };

	if (isspace(a) || isspace(b))
		return sizeof(common) + 1;
	for (const char *at = common; (at = strstr(at, pair)); at++)
		if ((at - common) % 3 == 0)
			return (unsigned)(sizeof(common) - (size_t)(at - common));
	return 1;
}

/* Keyword kw (len bytes) of rule i; one shorter than 3 bytes would be missed at odd offsets, so it is refused. */
static int
add_keyword(struct guard_scanner *s, const char *kw, size_t len, size_t i)
{
	struct keyword *k;
	size_t at = 0;
	unsigned best = UINT_MAX;

	if (len < 3)
		return guard_error(GUARD_EPOLICY, "scan rule '%s': keyword '%.*s' is shorter than 3 characters",
				   s->r[i].id, (int)len, kw);
	char *word = guard_xstrndup(kw, len);
	for (size_t j = 0; j < len; j++)
		word[j] = (char)lower((unsigned char)word[j]);
	for (size_t j = 0; j < s->nkws; j++) {
		k = &s->kws[j];
		if (k->len == len && !memcmp(k->word, word, len)) {
			free(word);
			k->rules = guard_xrealloc(k->rules, (k->nrules + 1) * sizeof(*k->rules));
			k->rules[k->nrules++] = i;
			return 0;
		}
	}
	s->kws = guard_xrealloc(s->kws, (s->nkws + 1) * sizeof(*s->kws));
	k = &s->kws[s->nkws++];
	k->word = word;
	k->len = len;
	k->rules = guard_xmalloc(sizeof(*k->rules));
	k->rules[0] = i;
	k->nrules = 1;
	if (!s->bucket)
		s->bucket = guard_xcalloc(65536, sizeof(*s->bucket));
	/*
	 * Pairs at and + 1: the keyword starts at an even or an odd offset
	 * of the text, and one of its two pairs then lies on an even one.
	 */
	for (size_t j = 0; j + 3 <= len && j < 250; j++) {
		const unsigned char *w = (const unsigned char *)k->word;
		unsigned c = pair_cost(w[j], w[j + 1]) + pair_cost(w[j + 1], w[j + 2]);
		if (c < best) {
			best = c;
			at = j;
		}
	}
	for (size_t off = at; off < at + 2; off++) {
		unsigned char a = (unsigned char)k->word[off], b = (unsigned char)k->word[off + 1];
		unsigned p = raw_pair(a, b);
		struct pair_list *l;
		if (!s->bucket[p]) {
			s->lists = guard_xrealloc(s->lists, (s->nlists + 1) * sizeof(*s->lists));
			memset(&s->lists[s->nlists], 0, sizeof(*s->lists));
			s->nlists++;
			/* the same list for every case of the two bytes */
			for (int ca = 0; ca < 2; ca++)
				for (int cb = 0; cb < 2; cb++)
					s->bucket[raw_pair(ca ? upper(a) : a, cb ? upper(b) : b)] = (uint16_t)s->nlists;
		}
		l = &s->lists[s->bucket[p] - 1];
		l->kw = guard_xrealloc(l->kw, (l->n + 1) * sizeof(*l->kw));
		l->off = guard_xrealloc(l->off, l->n + 1);
		l->kw[l->n] = s->nkws - 1;
		l->off[l->n++] = (unsigned char)off;
	}
	return 0;
}

static int
add_keywords_text(struct guard_scanner *s, const char *list, size_t i)
{
	int rc = 0;

	while (*list && rc == 0) {
		size_t n = strcspn(list, "|");
		rc = add_keyword(s, list, n, i);
		list += n;
		if (*list)
			list++;
	}
	return rc;
}

static const char *
member(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* A policy entry into rule r (its keywords into b). */
static int
policy_rule(struct guard_scanner *s, const cJSON *e, size_t i)
{
	struct rule *r = &s->r[i];
	const char *id = member(e, "id"), *regex = member(e, "regex");
	const cJSON *kws = cJSON_GetObjectItemCaseSensitive(e, "keywords"), *k;
	const struct builtin_info *bi = id ? info_of(id) : NULL;

	if (!id || !regex)
		return guard_error(GUARD_EPOLICY, "forbidden pattern without id and regex strings");
	r->regex = guard_xstrdup(regex);
	r->id = guard_xstrdup(id);
	r->message = guard_xstrdup(member(e, "message") ?: bi ? bi->message : "forbidden pattern");
	r->severity = guard_xstrdup(member(e, "severity") ?: bi ? bi->severity : "high");
	r->secret = bi != NULL;
	if (cJSON_GetObjectItemCaseSensitive(e, "paths"))
		r->paths = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "paths"), 1);
	r->always = !cJSON_GetArraySize(kws);
	r->multiline = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "multiline"));
	cJSON_ArrayForEach(k, kws) {
		int rc;
		if (!cJSON_IsString(k) || strlen(k->valuestring) < 3)
			r->always = true; /* a keyword this short prefilters nothing (and the pair scan needs 3 bytes) */
		else if ((rc = add_keyword(s, k->valuestring, strlen(k->valuestring), i)) < 0)
			return rc;
	}
	return 0;
}

int
guard_scanner_new(const cJSON *tree, struct guard_scanner **out)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(tree, "forbidden_patterns"), *e;
	const cJSON *scan = cJSON_GetObjectItemCaseSensitive(tree, "scan");
	struct guard_scanner *s = guard_xcalloc(1, sizeof(*s));
	const char *id, *regex;
	bool (*check)(const char *, size_t);
	size_t cap = (size_t)cJSON_GetArraySize(list);
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; guard_redact_builtin(i, &id, &regex, &check); i++)
		cap++;
	s->r = guard_xcalloc(cap + 1, sizeof(*s->r));
	s->allow_inline = true;
	s->edit_adds_allow = -1;
	for (size_t i = 0; guard_redact_builtin(i, &id, &regex, &check); i++) {
		const struct builtin_info *bi = info_of(id);
		struct rule *r = &s->r[s->n];
		r->regex = guard_xstrdup(regex);
		r->id = guard_xstrdup(id);
		r->message = guard_xstrdup(bi ? bi->message : id);
		r->severity = guard_xstrdup(bi ? bi->severity : "high");
		r->secret = true;
		r->check = check;
		r->always = !bi;
		r->multiline = !strcmp(id, "private-key");
		r->pem = r->multiline && !strncmp(regex, "-----BEGIN ", 11);
		s->n++;
		if (bi && (rc = add_keywords_text(s, bi->keywords, s->n - 1)) < 0)
			goto fail;
	}
	cJSON_ArrayForEach(e, list) {
		s->n++;
		if ((rc = policy_rule(s, e, s->n - 1)) < 0)
			goto fail;
	}
	s->md = pcre2_match_data_create(2, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	if (!s->md || !s->mctx) {
		rc = guard_error(GUARD_EIO, "out of memory for the scan rules");
		goto fail;
	}
	pcre2_set_match_limit(s->mctx, SCAN_MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, SCAN_DEPTH_LIMIT);
	if (cJSON_GetObjectItemCaseSensitive(scan, "exclude"))
		s->exclude = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(scan, "exclude"), 1);
	*out = s;
	return 0;
fail:
	guard_scanner_free(s);
	return rc;
}

void
guard_scanner_free(struct guard_scanner *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->r[i].id);
		free(s->r[i].message);
		free(s->r[i].severity);
		free(s->r[i].regex);
		cJSON_Delete(s->r[i].paths);
		pcre2_code_free(s->r[i].re);
		free(s->r[i].hits);
	}
	free(s->r);
	for (size_t i = 0; i < s->nkws; i++) {
		free(s->kws[i].word);
		free(s->kws[i].rules);
	}
	free(s->kws);
	for (size_t i = 0; i < s->nlists; i++) {
		free(s->lists[i].kw);
		free(s->lists[i].off);
	}
	free(s->lists);
	free(s->bucket);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	cJSON_Delete(s->exclude);
	free(s);
}

void
guard_scanner_inline_allow(struct guard_scanner *s, bool on)
{
	s->allow_inline = on;
}

void
guard_scanner_jit_each_text(struct guard_scanner *s)
{
	s->jit_each_text = true;
}

void
guard_scanner_lstat(struct guard_scanner *s, int (*fn)(const char *path, struct stat *sb))
{
	s->lstat = fn;
}

static bool
globs_match(const cJSON *globs, const char *path)
{
	const cJSON *g;

	if (cJSON_IsString(globs))
		return guard_glob_match_path(globs->valuestring, path, NULL);
	cJSON_ArrayForEach(g, globs)
		if (cJSON_IsString(g) && guard_glob_match_path(g->valuestring, path, NULL))
			return true;
	return false;
}

bool
guard_scanner_excluded(const struct guard_scanner *s, const char *path)
{
	return s->exclude && globs_match(s->exclude, path);
}

static int
match(const struct guard_scanner *s, const pcre2_code *re, bool jit, const char *text, size_t len, size_t from)
{
	return jit ? pcre2_jit_match(re, (PCRE2_SPTR)text, len, from, 0, s->md, s->mctx)
		   : pcre2_match(re, (PCRE2_SPTR)text, len, from, 0, s->md, s->mctx);
}

/* Note that the line starting at start holds a keyword of rule r (once per line). */
static void
add_hit(struct rule *r, size_t start)
{
	if (r->nhits && r->hits[r->nhits - 1] == start)
		return;
	if (r->nhits == r->caphits)
		r->hits = guard_xrealloc(r->hits, (r->caphits = r->caphits ? r->caphits * 2 : 16) * sizeof(*r->hits));
	r->hits[r->nhits++] = start;
}

/* Whether kw is at text + at (either case). */
static bool
keyword_at(const struct keyword *k, const char *text, size_t len, size_t at)
{
	if (at + k->len > len)
		return false;
	for (size_t j = 0; j < k->len; j++)
		if (lower((unsigned char)text[at + j]) != (unsigned char)k->word[j])
			return false;
	return true;
}

/* What the pair scan keeps while it goes: the start of the line holding offset seen, and how many rules have hits. */
struct pair_scan {
	size_t line, seen, n;
};

/* The text pair at i is filed under list b: note each of its keywords that is there. */
static inline __attribute__((always_inline)) void
pair_hit(struct guard_scanner *s, struct pair_scan *ps, const char *text, size_t len, size_t i, uint16_t b)
{
	const struct pair_list *l = &s->lists[b - 1];

	for (size_t j = 0; j < l->n; j++) {
		const struct keyword *kw = &s->kws[l->kw[j]];
		size_t at = i - l->off[j];
		if (i < l->off[j] || !keyword_at(kw, text, len, at))
			continue;
		if (at > ps->seen) {
			const char *nl = memrchr(text + ps->seen, '\n', at - ps->seen);
			if (nl)
				ps->line = (size_t)(nl - text) + 1;
			ps->seen = at;
		}
		for (size_t k = 0; k < kw->nrules; k++) {
			struct rule *r = &s->r[kw->rules[k]];
			ps->n += !r->nhits;
			add_hit(r, ps->line);
		}
	}
}

/*
 * Find every keyword in text, noting for each rule the lines that hold
 * one of its keywords. Returns how many rules have a hit or no keywords.
 */
static size_t
candidates(struct guard_scanner *s, const char *text, size_t len)
{
	struct pair_scan ps = { 0, 0, 0 };

	for (size_t i = 0; i < s->n; i++) {
		s->r[i].nhits = 0;
		ps.n += s->r[i].always;
	}
	if (!s->nkws || len < 3)
		return ps.n;
	const unsigned char *t = (const unsigned char *)text;
	const uint16_t *bucket = s->bucket;
	size_t i = 0, last = len - 1; /* the pairs start at even offsets below last */
	for (;;) {
		uint16_t pair, b = 0;
		/* the hot loop: two bytes as one 16-bit index, as raw_pair filed them; four pairs a step */
		for (; i + 8 <= last; i += 8) {
			uint16_t q[4];
			memcpy(q, t + i, 8);
			if (bucket[q[0]] | bucket[q[1]] | bucket[q[2]] | bucket[q[3]])
				break;
		}
		for (; i < last; i += 2) {
			memcpy(&pair, t + i, 2);
			if ((b = bucket[pair]))
				break;
		}
		if (i >= last)
			break;
		pair_hit(s, &ps, text, len, i, b);
		i += 2;
	}
	return ps.n;
}

/* Line starts of text, found once per text when a rule first matches. */
struct lines {
	size_t *start;
	size_t n;
};

static void
index_lines(struct lines *l, const char *text, size_t len)
{
	size_t cap = 64;

	l->start = guard_xmalloc(cap * sizeof(*l->start));
	l->start[l->n++] = 0;
	for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
		if (l->n == cap)
			l->start = guard_xrealloc(l->start, (cap *= 2) * sizeof(*l->start));
		l->start[l->n++] = (size_t)(p - text) + 1;
	}
}

static size_t
line_of(const struct lines *l, size_t off)
{
	size_t lo = 0, hi = l->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (l->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Whether line ln (from 0) or the one above says "guard-scan:allow ID reason". */
static bool
allowed(const struct lines *l, const char *text, size_t len, size_t ln, const char *id)
{
	for (size_t k = ln >= 1 ? ln - 1 : 0; k <= ln; k++) {
		size_t a = l->start[k], z = k + 1 < l->n ? l->start[k + 1] : len;
		const char *p = text + a, *end = text + z;
		while ((p = memmem(p, (size_t)(end - p), "guard-scan:allow", 16))) {
			p += 16;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			size_t idlen = strlen(id);
			if ((size_t)(end - p) > idlen && !strncmp(p, id, idlen) && (p[idlen] == ' ' || p[idlen] == '\t')) {
				const char *r = p + idlen;
				while (r < end && (*r == ' ' || *r == '\t'))
					r++;
				if (r < end && *r != '\n' && *r != '\r' && *r != '*' && *r != '-')
					return true; /* a reason follows */
			}
		}
	}
	return false;
}

/* Whether s (len bytes) holds needle, either case. */
static bool
holds(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (!strncasecmp(s + i, needle, n))
			return true;
	return false;
}

/*
 * A secret rule's match that is no secret: a placeholder, a documented
 * example, a test key marked as such, a reference to where the secret
 * lives (an environment variable, a template), or a type name where a
 * value would be. The match is the rule's (after \K: the value alone for
 * assignments). Redaction masks these all the same; a scan does not
 * report them.
 */
/*
 * A value that is a well-known default, not a secret someone chose: the
 * password images and tutorials ship with (POSTGRES_PASSWORD: postgres)
 * or one named for tests or development ('test-password', dev_secret).
 */
static bool
default_value(const char *v, size_t n)
{
	static const char *const defaults[] = { "postgres", "root", "admin", "pass", "dev", "test", "guest", "mysql",
		"redis", "user", "demo", "local", "default", "secret123", "password123", "123456", NULL };
	static const char *const prefixes[] = { "test-", "test_", "dev-", "dev_", "local-", "local_", NULL };

	while (n && strchr("\"'`", *v))
		v++, n--;
	while (n && strchr("\"'`;,)", v[n - 1]))
		n--;
	for (size_t i = 0; defaults[i]; i++)
		if (n == strlen(defaults[i]) && !strncasecmp(v, defaults[i], n))
			return true;
	for (size_t i = 0; prefixes[i]; i++)
		if (n > strlen(prefixes[i]) && !strncasecmp(v, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* scheme://USER:PASS@ whose password is the user name or a default (postgres://dev:dev@localhost). */
static bool
url_default_login(const char *m, size_t len)
{
	const char *user = memmem(m, len, "://", 3);
	if (!user)
		return false;
	user += 3;
	const char *end = m + len, *colon = memchr(user, ':', (size_t)(end - user));
	const char *at = colon ? memchr(colon, '@', (size_t)(end - colon)) : NULL;
	if (!at)
		return false;
	size_t ul = (size_t)(colon - user), pl = (size_t)(at - colon - 1);
	return (ul == pl && !memcmp(user, colon + 1, ul)) || default_value(colon + 1, pl);
}

static bool
not_a_secret(const char *m, size_t len)
{
	static const char *const marks[] = {
		"example", "xxxx", "****", "<", ">", "${", "{{", "%(", "$(", "your_", "your-", "placeholder", "changeme",
		"change_me", "dummy", "redacted", "os.environ", "process.env", "getenv", "env(", "env[", "sk_test_",
		"pk_test_", "pk_live_", "rk_test_", "fake", "0000000000", "1234567890",
	};
	static const char *const words[] = {
		"string", "str", "none", "null", "nil", "true", "false", "undefined", "password", "passwd", "secret",
		"token", "required", "optional", "int", "bool", "boolean", "number", "text", "hidden", "self",
	};

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (holds(m, len, marks[i]))
			return true;
	if (default_value(m, len) || url_default_login(m, len))
		return true;
	/* a value that is a bare word of the language (type hints, field kinds) */
	size_t n = len;
	while (n && strchr("\"';,)", m[n - 1]))
		n--;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (n == strlen(words[i]) && !strncasecmp(m, words[i], n))
			return true;
	/* a variable or call (os.getenv(...), config.password, $VAR) rather than a literal */
	if (m[0] == '$' || (n > 2 && m[n - 1] == '(') || memchr(m, '(', n))
		return true;
	return false;
}

/*
 * A password-assignment match (the value, after \\K, at text + a) whose
 * key or value says it is no credential (finding M5): a key naming what
 * the secret is about rather than holding it (auth_method, secret_name,
 * cookie_name, token_url, passwd_file, PWD_DIR, authDomain), or a value
 * that is a URL, a path, a dotted reference (settings.API_KEY) or a type
 * (list[str]).
 */
static bool
assignment_not_secret(const char *text, size_t a, const char *m, size_t len)
{
	static const char *const about[] = { "name", "names", "method", "methods", "url", "uri", "urls", "endpoint",
		"file", "files", "path", "paths", "dir", "directory", "type", "types", "field", "header", "domain",
		"provider", "mode", "kind", "label", "format", "length", "len", "count", "ttl", "timeout", "expiry",
		"expires", "scope", "scopes", "version", "algorithm", "env", "var", "host", "port", NULL };
	size_t n = len, k = a;

	while (n && strchr("\"';,)", m[n - 1]))
		n--;
	/* a scope, not an assignment: Authen::SASL (a Perl module's man page), auth::Token */
	if (m[0] == ':' && a && text[a - 1] == ':')
		return true;
	if (memmem(m, n, "://", 3) || m[0] == '/' || !strncmp(m, "~/", 2) || !strncmp(m, "./", 2) ||
	    !strncmp(m, "../", 3))
		return true;
	/* identifier.identifier... without digits, or identifier[identifier] */
	size_t dots = 0, i = 0;
	bool ident = true, bracket = false;
	for (; i < n && ident; i++) {
		char ch = m[i];
		if (ch == '.' && i && m[i - 1] != '.')
			dots++;
		else if (ch == '[' && i && !bracket)
			bracket = true;
		else if (!(isalpha((unsigned char)ch) || ch == '_' || (bracket && (ch == ']' || ch == ',' || ch == ' '))))
			ident = false;
	}
	if (ident && (dots || (bracket && m[n - 1] == ']')) && m[n - 1] != '.')
		return true;
	/* the key: back over quotes, spaces and = or : */
	while (k > 0 && strchr("\"' \t=:", text[k - 1]))
		k--;
	size_t end = k;
	while (k > 0 && (isalnum((unsigned char)text[k - 1]) || text[k - 1] == '_' || text[k - 1] == '-'))
		k--;
	/* its last part: after _ or -, or a camelCase hump */
	size_t last = k;
	for (size_t j = k + 1; j < end; j++)
		if (text[j - 1] == '_' || text[j - 1] == '-' ||
		    (isupper((unsigned char)text[j]) && islower((unsigned char)text[j - 1])))
			last = j;
	if (last == k)
		return false;
	for (size_t w = 0; about[w]; w++)
		if (end - last == strlen(about[w]) && !strncasecmp(text + last, about[w], end - last))
			return true;
	return false;
}

static void
add_finding(const struct rule *r, const char *path, long line, size_t col, const char *m, size_t mlen,
	    cJSON *findings)
{
	char hash[GUARD_SHA256_HEX], fp[GUARD_SHA256_HEX], preview[PREVIEW_MAX * 4 + 8];
	size_t show = mlen / 2 < PREVIEW_MAX ? mlen / 2 : PREVIEW_MAX, o = 0;
	cJSON *f = cJSON_CreateObject();

	guard_sha256_hex(m, mlen, hash);
	char *key = guard_xasprintf("%s:%s", r->id, hash);
	guard_sha256_hex(key, strlen(key), fp);
	free(key);
	for (size_t i = 0; i < show; i++)
		preview[o++] = m[i] >= 0x20 && m[i] < 0x7f ? m[i] : '?';
	preview[o] = 0;
	cJSON_AddStringToObject(f, "rule", r->id);
	cJSON_AddStringToObject(f, "path", path);
	cJSON_AddNumberToObject(f, "line", (double)line);
	cJSON_AddNumberToObject(f, "column", (double)col);
	cJSON_AddStringToObject(f, "severity", r->severity);
	cJSON_AddStringToObject(f, "kind", r->secret ? "secret" : "pattern");
	cJSON_AddStringToObject(f, "message", r->message);
	cJSON_AddStringToObject(f, "preview", preview);
	hash[16] = 0;
	cJSON_AddStringToObject(f, "hash", hash);
	fp[32] = 0;
	cJSON_AddStringToObject(f, "fingerprint", fp);
	cJSON_AddItemToArray(findings, f);
}

/*
 * The secrets found so far in a text, as byte spans: pairwise apart,
 * sorted by start, so a match is looked up in log time (attack8 I12: a
 * linear look made 40,000 findings cost 8 G instructions, past the agent's
 * hook timeout). A rule's own new spans come in order and are merged in
 * when the rule is done.
 */
struct spans {
	size_t (*v)[2];
	size_t n, alloc;
};

/* Does [a, z) meet a span of sp? */
static bool
spans_meet(const struct spans *sp, size_t a, size_t z)
{
	size_t lo = 0, hi = sp->n;

	while (lo < hi) { /* the first span that ends after a */
		size_t mid = lo + (hi - lo) / 2;
		if (sp->v[mid][1] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sp->n && sp->v[lo][0] < z;
}

static void
spans_add(struct spans *sp, size_t a, size_t z)
{
	if (sp->n == sp->alloc)
		sp->v = guard_xrealloc(sp->v, (sp->alloc = sp->alloc ? 2 * sp->alloc : 16) * sizeof(*sp->v));
	sp->v[sp->n][0] = a;
	sp->v[sp->n++][1] = z;
}

/* all's spans and more's (both sorted, apart from each other) into all, sorted; more emptied */
static void
spans_merge(struct spans *all, struct spans *more)
{
	if (!more->n)
		return;
	size_t (*v)[2] = guard_xmalloc((all->n + more->n) * sizeof(*v)), i = 0, j = 0, k = 0;
	while (i < all->n || j < more->n) {
		bool mine = j == more->n || (i < all->n && all->v[i][0] < more->v[j][0]);
		size_t *from = mine ? all->v[i++] : more->v[j++];
		v[k][0] = from[0];
		v[k++][1] = from[1];
	}
	free(all->v);
	all->v = v;
	all->n = all->alloc = k;
	more->n = 0;
}

int
guard_scanner_scan(struct guard_scanner *s, const char *path, const char *text, size_t len, long first_line,
		   const long *linemap, cJSON *findings)
{
	struct lines l = { NULL, 0 };
	int found = 0;
	/* the secrets found so far: a later (broader) rule's match over one of them is the same secret */
	struct spans spans = { NULL, 0, 0 }, fresh = { NULL, 0, 0 };
	size_t vlen;
	char *visible = len ? guard_redact_visible(text, len, &vlen) : NULL;

	if (visible) {
		/* a key split by zero-width characters is scanned as it reads (its lines stay where they were) */
		found = guard_scanner_scan(s, path, visible, vlen, first_line, linemap, findings);
		free(visible);
		return found;
	}
	if (!len || s->capped || !candidates(s, text, len))
		return 0;
	for (size_t i = 0; i < s->n && !s->capped; i++) {
		struct rule *r = &s->r[i];
		int rc;
		if ((!r->always && !r->nhits) || (r->paths && !globs_match(r->paths, path)))
			continue;
		/* a multi-line rule's ^ and $ match at each line's start and end */
		if (!r->re && !(r->re = compile_with(r->id, r->regex,
						     guard_regex_flags() | PCRE2_MATCH_INVALID_UTF |
							     (r->multiline ? PCRE2_MULTILINE : 0),
						     &rc))) {
			free(l.start);
			free(spans.v);
			free(fresh.v);
			return rc;
		}
		if (len >= JIT_FROM && !r->jit_tried) {
			r->jit_tried = true;
			r->jit = jit_now(r->re);
		}
		/*
		 * Each line holding one of the rule's keywords (a match holds
		 * one), to its end, or to the text's for a multi-line rule;
		 * every line for a rule without keywords.
		 */
		size_t done = 0; /* matched up to here */
		for (size_t h = 0; h < (r->always ? 1 : r->nhits) && !s->capped; h++) {
			size_t from = r->always ? 0 : r->hits[h], end = len;
			if (from < done)
				from = done;
			if (!r->always && !r->multiline) {
				const char *nl = memchr(text + from, '\n', len - from);
				end = nl ? (size_t)(nl - text) + 1 : len;
			}
			while (from <= end) {
				int m = match(s, r->re, r->jit && (len >= JIT_FROM || !s->jit_each_text), text, end, from);
				if (m == PCRE2_ERROR_NOMATCH)
					break;
				if (past_deadline()) {
					found = GUARD_EEXPIRED;
					goto out;
				}
				const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
				size_t a = m < 0 ? from : ov[0], z = m < 0 ? end : ov[1];
				if (m >= 0 && (z <= a || (r->check && !r->check(text + a, z - a)) ||
					       (r->secret && not_a_secret(text + a, z - a)) ||
					       (!strcmp(r->id, "password-assignment") &&
						assignment_not_secret(text, a, text + a, z - a)))) {
					from = a + 1;
					continue;
				}
				/* this rule's matches come in order, apart: only earlier rules' spans can hold one */
				bool seen = r->secret && spans_meet(&spans, a, z);
				if (r->secret && !seen)
					spans_add(&fresh, a, z);
				/* over the match limit: the rest cannot be cleared, so it counts as found */
				if (!l.start)
					index_lines(&l, text, len);
				size_t ln = line_of(&l, a);
				if (!seen && (!s->allow_inline || !allowed(&l, text, len, ln, r->id))) {
					add_finding(r, path, linemap ? linemap[ln] : first_line + (long)ln,
						    a - l.start[ln] + 1, text + a, z - a, findings);
					found++;
					if (s->max_findings && ++s->nfound >= s->max_findings) {
						s->capped = true;
						break;
					}
				}
				if (m < 0)
					break;
				from = z;
			}
			done = from > end ? from : end;
		}
		spans_merge(&spans, &fresh);
	}
out:
	free(l.start);
	free(spans.v);
	free(fresh.v);
	return found;
}

int
guard_scanner_scan_name(struct guard_scanner *s, const char *path, cJSON *findings)
{
	size_t end = strlen(path);

	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t at = end;
	while (at > 0 && path[at - 1] != '/')
		at--;
	if (at == end || (end - at <= 2 && !strncmp(path + at, "..", end - at)))
		return 0; /* "", "." or ".." */
	int before = cJSON_GetArraySize(findings);
	bool allow = s->allow_inline;
	/* a name holds no reviewed comment: "guard-scan:allow" in a name is a name's part, not a person's word */
	s->allow_inline = false;
	int n = guard_scanner_scan(s, path, path + at, end - at, 0, NULL, findings);
	s->allow_inline = allow;
	for (cJSON *f = cJSON_GetArrayItem(findings, before); n > 0 && f; f = f->next) {
		cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(f, "line"), 0); /* a name with a newline too */
		cJSON_AddStringToObject(f, "in", "name");
	}
	return n;
}

void
guard_scanner_limit(struct guard_scanner *s, size_t max_findings)
{
	s->max_findings = max_findings;
	s->nfound = 0;
	s->capped = false;
}

bool
guard_scanner_capped(const struct guard_scanner *s)
{
	return s->capped;
}

cJSON *
guard_scanner_rules(const struct guard_scanner *s)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < s->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", s->r[i].id);
		cJSON_AddStringToObject(o, "severity", s->r[i].severity);
		cJSON_AddStringToObject(o, "kind", s->r[i].secret ? "secret" : "pattern");
		cJSON_AddStringToObject(o, "message", s->r[i].message);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* Mark findings from index from on as numbered in the file ("file") or within the text written ("text"). */
static void
mark_lines(cJSON *findings, int from, const char *in)
{
	for (cJSON *f = cJSON_GetArrayItem(findings, from); f; f = f->next)
		cJSON_AddStringToObject(f, "line_in", in);
}

/* One text of an edit, its lines numbered from first_line. */
static int
scan_member(struct guard_scanner *s, const char *path, const cJSON *v, long first_line, const char *in,
	    cJSON *findings)
{
	int before = cJSON_GetArraySize(findings), n;

	if (!cJSON_IsString(v) || !v->valuestring)
		return 0;
	n = guard_scanner_scan(s, path, v->valuestring, strlen(v->valuestring), first_line, NULL, findings);
	if (n > 0)
		mark_lines(findings, before, in);
	return n;
}

#define EDIT_FILE_MAX ((size_t)16 << 20) /* a larger file is not read: its edits are numbered within their text */

/*
 * The file an Edit/MultiEdit changes, as it is now (NULL when it cannot
 * be read: a new file, too large, not a regular file).
 */
static char *
edit_target(const char *path, size_t *len)
{
	char *text = NULL;
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > EDIT_FILE_MAX ||
	    guard_file_read(path, EDIT_FILE_MAX, 0, &text, len) < 0) {
		guard_error_clear();
		return NULL;
	}
	return text;
}

/*
 * What edits changed, in the text they leave: sorted, disjoint spans
 * [a0, a1) of that text, each standing for blen bytes of the file as it
 * was; every other byte is the file's own, in order. More than
 * CHANGES_MAX spans (a replace_all of a common string): over is set, and
 * the file is scanned whole.
 */
#define CHANGES_MAX 4096
struct change {
	size_t a0, a1, blen;
};
struct changes {
	struct change *c;
	size_t n;
	bool over;
};
#define CHANGES_INIT { NULL, 0, false }

/* Note that olen bytes at p of the text (as the spans so far number it) became nlen bytes. */
static void
note_change(struct changes *ch, size_t p, size_t olen, size_t nlen)
{
	size_t q = p + olen, i = 0, j, a0 = p, a1 = q, was = 0, now = 0;

	if (!ch || ch->over)
		return;
	while (i < ch->n && ch->c[i].a1 < p)
		i++;
	/* spans this one touches become one: its bytes that were the file's, and theirs */
	for (j = i; j < ch->n && ch->c[j].a0 <= q; j++) {
		a0 = ch->c[j].a0 < a0 ? ch->c[j].a0 : a0;
		a1 = ch->c[j].a1 > a1 ? ch->c[j].a1 : a1;
		now += ch->c[j].a1 - ch->c[j].a0;
		was += ch->c[j].blen;
	}
	if (j == i && ch->n == CHANGES_MAX) {
		ch->over = true;
		return;
	}
	if (j == i) {
		ch->c = guard_xrealloc(ch->c, (ch->n + 1) * sizeof(*ch->c));
		memmove(&ch->c[i + 1], &ch->c[i], (ch->n - i) * sizeof(*ch->c));
		ch->n++;
		j = i + 1;
	} else if (j > i + 1) {
		memmove(&ch->c[i + 1], &ch->c[j], (ch->n - j) * sizeof(*ch->c));
		ch->n -= j - i - 1;
		j = i + 1;
	}
	ch->c[i] = (struct change){ a0, a1 - olen + nlen, a1 - a0 - now + was };
	for (; j < ch->n; j++) {
		ch->c[j].a0 = ch->c[j].a0 - olen + nlen;
		ch->c[j].a1 = ch->c[j].a1 - olen + nlen;
	}
}

/*
 * Where edit e (old_string -> new_string) lands in file (flen bytes;
 * NULL: unknown): the file's line of old_string, and *out the file after
 * the edit, so that the next edit of a MultiEdit is found where it will
 * be (each replacement noted in ch when given). 0 and *out NULL when the
 * file does not hold old_string. place_edit does the same in place (the
 * file is then forgotten: later edits cannot be placed either).
 */
static long
edit_copy(const char *file, size_t flen, const cJSON *e, char **out, size_t *outlen, struct changes *ch)
{
	const char *old = member(e, "old_string"), *new = member(e, "new_string");
	const char *at = file && old && *old && new ? memmem(file, flen, old, strlen(old)) : NULL;
	long line = 1;

	*out = NULL;
	if (!at)
		return 0;
	for (const char *p = file; (p = memchr(p, '\n', (size_t)(at - p))); p++)
		line++;
	/* the file after this edit: every occurrence with replace_all, else the first */
	bool all = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "replace_all"));
	size_t olen = strlen(old), nlen = strlen(new);
	struct guard_buf b = GUARD_BUF_INIT;
	const char *from = file, *end = file + flen;
	guard_buf_grow(&b, flen + (nlen > olen ? nlen - olen : 0)); /* one edit's size: no copy while it grows */
	do {
		guard_buf_add(&b, from, (size_t)(at - from));
		/* the text so far is b and then the file from at on: the replacement is at b.len */
		note_change(ch, b.len, olen, nlen);
		guard_buf_add(&b, new, nlen);
		from = at + olen;
	} while (all && (at = memmem(from, (size_t)(end - from), old, olen)));
	guard_buf_add(&b, from, (size_t)(end - from));
	*outlen = b.len;
	*out = guard_buf_detach(&b);
	return line;
}

static long
place_edit(const cJSON *e, char **file, size_t *flen, struct changes *ch)
{
	char *out;
	long line = edit_copy(*file, *flen, e, &out, flen, ch);

	free(*file);
	*file = out;
	return line;
}

/* The file (len bytes) after edits[0..n) into *out (NULL: an old_string not found); file itself is kept. */
static void
apply_edits(const char *file, size_t len, const cJSON *const *edits, size_t n, char **out, size_t *outlen,
	    struct changes *ch)
{
	*out = NULL;
	*outlen = len;
	if (n && edit_copy(file, len, edits[0], out, outlen, ch))
		for (size_t i = 1; i < n && *out; i++)
			place_edit(edits[i], out, outlen, ch);
}

/*
 * An Edit's or MultiEdit's findings (from index first on, numbered within
 * each new_string; upto[i] is where edit i's end) renumbered by the
 * file's lines after the edits, for the edits whose old_string the file
 * holds. The file is read only when an edit has a finding: a clean edit
 * costs no read.
 */
static void
renumber_edits(const char *path, const cJSON *const *edits, const int *upto, size_t n, int first, cJSON *findings)
{
	size_t flen = 0;
	char *file = strcmp(path, "-") ? edit_target(path, &flen) : NULL;
	cJSON *f = cJSON_GetArrayItem(findings, first);

	for (size_t i = 0; i < n; i++) {
		long line = place_edit(edits[i], &file, &flen, NULL);
		for (int k = i ? upto[i - 1] : first; k < upto[i] && f; k++, f = f->next) {
			cJSON *ln = cJSON_GetObjectItemCaseSensitive(f, "line");
			if (line > 0 && cJSON_IsNumber(ln))
				cJSON_SetNumberValue(ln, ln->valuedouble + (double)(line - 1));
			cJSON_ReplaceItemInObjectCaseSensitive(f, "line_in", cJSON_CreateString(line > 0 ? "file" : "text"));
		}
	}
	free(file);
}

/* Is there a finding with f's rule and fingerprint in a (from index from on)? */
static bool
has_finding(const cJSON *a, int from, const cJSON *f)
{
	const char *rule = member(f, "rule"), *fp = member(f, "fingerprint");

	for (const cJSON *g = cJSON_GetArrayItem(a, from); g && rule && fp; g = g->next)
		if (!strcmp(member(g, "rule") ?: "", rule) && !strcmp(member(g, "fingerprint") ?: "", fp))
			return true;
	return false;
}

/*
 * The lines an edit can change, in the file after the edits (a0, a1) and
 * before them (b0, b1): the lines of a changed span, widened by
 * WINDOW_LINES whole lines above and at least WINDOW_BYTES bytes (ctx:
 * how many there are above the first changed line; the file's start
 * stops it), and the line below. Outside its windows the file is the
 * same text before and after. Why that is enough:
 *  - a rule that is not multi-line matches within the line of its
 *    keyword (guard_scanner_scan's subject ends there) and looks back at
 *    most its PCRE2_INFO_MAXLOOKBEHIND characters (4 bytes each at most),
 *    checked against ctx after the scan: a match in a line the edits did
 *    not touch is the same match before and after, so never new;
 *  - a window's first line is one the edits did not touch, so ^ and \A,
 *    which match there in the window's text and not in the file, make the
 *    same match before and after;
 *  - the one built-in multi-line rule (private-key) has no match without
 *    "-----BEGIN", and its lazy match runs to an END or the end of the
 *    file, as far as it likes: a file holding "-----BEGIN" before or after
 *    the edits is scanned whole, as is one under a policy's multi-line
 *    rule or a rule without keywords (matched against the whole text).
 */
#define WINDOW_LINES 2
#define WINDOW_BYTES ((size_t)256)
struct window {
	size_t a0, a1, b0, b1, ctx;
};

static size_t
line_start(const char *t, size_t at)
{
	const char *nl = at ? memrchr(t, '\n', at) : NULL;

	return nl ? (size_t)(nl - t) + 1 : 0;
}

static size_t
line_end(const char *t, size_t len, size_t at)
{
	const char *nl = at < len ? memchr(t + at, '\n', len - at) : NULL;

	return nl ? (size_t)(nl - t) + 1 : len;
}

/* Offset at (outside the spans, or at one's edge) of the text after the edits, in the file before them. */
static size_t
before_offset(const struct changes *ch, size_t at)
{
	size_t b = at;

	for (size_t i = 0; i < ch->n && ch->c[i].a1 <= at; i++)
		b = b - (ch->c[i].a1 - ch->c[i].a0) + ch->c[i].blen;
	return b;
}

/* The windows of ch in text (len bytes, after the edits), merged; their count. */
static size_t
edit_windows(const struct changes *ch, const char *text, size_t len, struct window *w)
{
	size_t n = 0;

	for (size_t i = 0; i < ch->n; i++) {
		size_t first = line_start(text, ch->c[i].a0), a0 = first, a1;
		for (int k = 0; a0 > 0 && (k < WINDOW_LINES || first - a0 < WINDOW_BYTES); k++)
			a0 = line_start(text, a0 - 1);
		a1 = line_end(text, len, ch->c[i].a1);
		a1 = line_end(text, len, a1);
		if (n && a0 <= w[n - 1].a1) {
			w[n - 1].a1 = a1 > w[n - 1].a1 ? a1 : w[n - 1].a1;
			continue;
		}
		w[n++] = (struct window){ a0, a1, 0, 0, a0 ? first - a0 : SIZE_MAX };
	}
	for (size_t i = 0; i < n; i++) {
		w[i].b0 = before_offset(ch, w[i].a0);
		w[i].b1 = before_offset(ch, w[i].a1);
	}
	return n;
}

/* Whether text holds "-----BEGIN" (by memchr: glibc's memmem costs several times more on a MiB of text). */
static bool
holds_begin(const char *text, size_t len)
{
	static const char begin[] = "-----BEGIN";
	const size_t n = sizeof(begin) - 1;

	for (const char *p = text, *end = text + len; end - p >= (ptrdiff_t)n; p++) {
		if (!(p = memchr(p, '-', (size_t)(end - p) - n + 1)))
			return false;
		if (!memcmp(p, begin, n))
			return true;
	}
	return false;
}

/* Whether the windows can stand for the whole file (see struct window); false: scan it whole. */
static bool
windows_enough(const struct guard_scanner *s, const struct changes *ch, const char *after, size_t alen,
	       const char *before, size_t blen)
{
	const size_t nb = sizeof("-----BEGIN") - 1;
	bool pem = false;

	if (ch->over)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		if (s->r[i].always || (s->r[i].multiline && !s->r[i].pem))
			return false;
		pem |= s->r[i].pem;
	}
	if (!pem || holds_begin(after, alen))
		return !pem;
	/* the file before is the text after but in the spans: "-----BEGIN" there, or across their edges */
	for (size_t i = 0; i < ch->n; i++) {
		size_t b0 = before_offset(ch, ch->c[i].a0), z = b0 + ch->c[i].blen + nb;
		b0 = b0 >= nb ? b0 - nb : 0;
		if (holds_begin(before + b0, (z < blen ? z : blen) - b0))
			return false;
	}
	return true;
}

/* Whether every rule compiled so far looks back at most ctx bytes. */
static bool
lookbehind_within(const struct guard_scanner *s, size_t ctx)
{
	for (size_t i = 0; i < s->n; i++) {
		uint32_t lb = 0;
		if (s->r[i].re && pcre2_pattern_info(s->r[i].re, PCRE2_INFO_MAXLOOKBEHIND, &lb) == 0 &&
		    (size_t)lb * 4 > ctx)
			return false;
	}
	return true;
}

/* Scan the windows of text (their a0..a1, or b0..b1 when before), numbering lines in the file; < 0 GUARD_E*. */
static int
scan_windows(struct guard_scanner *s, const char *path, const char *text, const struct window *w, size_t nw,
	     bool before, cJSON *out)
{
	size_t counted = 0;
	long line = 1;

	for (size_t i = 0; i < nw; i++) {
		size_t from = before ? w[i].b0 : w[i].a0, to = before ? w[i].b1 : w[i].a1;
		int had = cJSON_GetArraySize(out), rc = guard_scanner_scan(s, path, text + from, to - from, 1, NULL, out);
		if (rc < 0)
			return rc;
		if (rc == 0 || before)
			continue;
		/* the file's line of the window's first (counted only when a window has a finding) */
		for (const char *p = text + counted; (p = memchr(p, '\n', from - (size_t)(p - text))); p++)
			line++;
		counted = from;
		for (cJSON *f = cJSON_GetArrayItem(out, had); f; f = f->next) {
			cJSON *ln = cJSON_GetObjectItemCaseSensitive(f, "line");
			if (cJSON_IsNumber(ln))
				cJSON_SetNumberValue(ln, ln->valuedouble + (double)(line - 1));
		}
	}
	return 0;
}

/* The index of the rule a finding names (the order a whole scan lists findings in). */
static size_t
rule_index(const struct guard_scanner *s, const cJSON *f)
{
	const char *id = member(f, "rule") ?: "";

	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->r[i].id, id))
			return i;
	return s->n;
}

struct ordered {
	const cJSON *f;
	size_t rule, seq;
	double line, col;
};

static int
by_rule_then_place(const void *x, const void *y)
{
	const struct ordered *a = x, *b = y;

	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Put now's findings in the order a scan of the whole file gives: by rule, then line and column. */
static void
order_as_whole(const struct guard_scanner *s, cJSON *now)
{
	size_t n = (size_t)cJSON_GetArraySize(now), i = 0;
	struct ordered *o;
	const cJSON *f;

	if (n < 2)
		return;
	o = guard_xcalloc(n, sizeof(*o));
	cJSON_ArrayForEach(f, now) {
		o[i] = (struct ordered){ f, rule_index(s, f), i, guard_json_num(f, "line"), guard_json_num(f, "column") };
		i++;
	}
	qsort(o, n, sizeof(*o), by_rule_then_place);
	/* relink the array's items in the new order */
	for (i = 0; i < n; i++) {
		cJSON *g = (cJSON *)o[i].f;
		g->prev = i ? (cJSON *)o[i - 1].f : (cJSON *)o[n - 1].f; /* cJSON: the first's prev is the last */
		g->next = i + 1 < n ? (cJSON *)o[i + 1].f : NULL;
	}
	now->child = (cJSON *)o[0].f;
	free(o);
}

static bool marks_added(const char *was, size_t blen, const char *file, size_t flen, const struct changes *ch);

/*
 * The file as it will be after the edits (applied in order, as the agent's
 * tool does: the first occurrence of old_string, or all with replace_all):
 * a secret the edits assemble from parts (an "X" taken out of a key, a key
 * split across two edits) is found there. Only findings the file did not
 * hold before count (an edit near an old secret is not held to it), and
 * none already found in the text written (from first on). The lines the
 * edits can change (struct window) are scanned, after the edits and, when
 * they hold a finding, before; a finding not in a window's before is
 * looked for in the whole file before, so "new" means what it meant when
 * both files were scanned whole: a rule and match the file before did not
 * hold anywhere. Nothing when the file cannot be read (a new file, too
 * large) or an old_string is not in it (the tool refuses that edit): the
 * texts written were scanned. The count added, or a negative GUARD_E*.
 */
static int
scan_after_edits(struct guard_scanner *s, const char *path, const cJSON *const *edits, size_t n, int first,
		 cJSON *findings)
{
	size_t flen = 0, blen = 0, nw = 0;
	char *before = strcmp(path, "-") ? edit_target(path, &blen) : NULL, *file;
	struct changes ch = CHANGES_INIT;
	struct window *w = NULL;
	cJSON *was, *now, *whole_before = NULL;
	int added = 0, rc;

	if (!before)
		return 0;
	apply_edits(before, blen, edits, n, &file, &flen, &ch);
	if (!file) {
		free(before);
		free(ch.c);
		return 0;
	}
	/* the file before and after are compared finding by finding: a cap would make old ones look new */
	size_t cap = s->max_findings;
	s->max_findings = 0;
	/* the file is built: whether it gains an allow comment is known now (guard_scanner_adds_allow) */
	s->edit_adds_allow = marks_added(before, blen, file, flen, &ch);
	was = cJSON_CreateArray();
	now = cJSON_CreateArray();
	if (windows_enough(s, &ch, file, flen, before, blen)) {
		w = guard_xcalloc(ch.n + 1, sizeof(*w));
		nw = edit_windows(&ch, file, flen, w);
		rc = scan_windows(s, path, file, w, nw, false, now);
		size_t ctx = SIZE_MAX;
		for (size_t i = 0; i < nw; i++)
			ctx = w[i].ctx < ctx ? w[i].ctx : ctx;
		if (rc >= 0 && !lookbehind_within(s, ctx)) {
			/* a rule that looks back further than the lines above: the whole file, as before */
			cJSON_Delete(now);
			now = cJSON_CreateArray();
			free(w);
			w = NULL;
		}
		if (rc >= 0 && w && cJSON_GetArraySize(now) > 0)
			rc = scan_windows(s, path, before, w, nw, true, was);
	}
	if (!w && (rc = guard_scanner_scan(s, path, file, flen, 1, NULL, now)) > 0)
		rc = guard_scanner_scan(s, path, before, blen, 1, NULL, was);
	if (rc >= 0 && w)
		order_as_whole(s, now);
	cJSON *f;
	while (rc >= 0 && (f = cJSON_DetachItemFromArray(now, 0)) != NULL) {
		if (past_deadline()) {
			cJSON_Delete(f);
			rc = GUARD_EEXPIRED;
			break;
		}
		bool old = has_finding(was, 0, f) || has_finding(findings, first, f);
		if (!old && w) {
			/* not in the window's lines before: in the file before anywhere? */
			if (!whole_before) {
				whole_before = cJSON_CreateArray();
				rc = guard_scanner_scan(s, path, before, blen, 1, NULL, whole_before);
			}
			old = has_finding(whole_before, 0, f);
		}
		if (old || rc < 0) {
			cJSON_Delete(f);
			continue;
		}
		cJSON_AddStringToObject(f, "line_in", "file");
		cJSON_AddItemToArray(findings, f);
		added++;
	}
	s->max_findings = cap;
	cJSON_Delete(whole_before);
	cJSON_Delete(was);
	cJSON_Delete(now);
	free(w);
	free(ch.c);
	free(before);
	free(file);
	return rc < 0 ? rc : added;
}

/* An Edit is one edit, a MultiEdit's its edits in turn (*n of them; the array is the caller's to free). */
static const cJSON **
edits_of(const cJSON *input, size_t *n)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(input, "edits"), *e;
	size_t cap = (size_t)cJSON_GetArraySize(list) + 1;
	const cJSON **edits = guard_xcalloc(cap, sizeof(*edits));

	*n = 0;
	if (member(input, "new_string"))
		edits[(*n)++] = input;
	cJSON_ArrayForEach(e, list)
		if (*n < cap)
			edits[(*n)++] = e;
	return edits;
}

/* A file already there keeps its name: its edits are not refused for it. */
int
guard_scanner_scan_new_names(struct guard_scanner *s, const char *path, cJSON *findings)
{
	struct stat st;
	int n = 0, m;
	char *part = guard_xstrdup(path); /* each prefix ended in place, one copy for them all */

	for (size_t i = 0; path[i] && n >= 0; i++) {
		if (path[i + 1] && path[i + 1] != '/')
			continue;
		part[i + 1] = '\0';
		if ((s->lstat ? s->lstat(part, &st) : lstat(part, &st)) < 0 && errno == ENOENT)
			n = (m = guard_scanner_scan_name(s, part, findings)) < 0 ? m : n + m;
		part[i + 1] = path[i + 1];
	}
	free(part);
	return n;
}

struct patch_scan {
	struct guard_scanner *s;
	cJSON *findings;
	int n;
};

/* The lines one file of a patch adds: an added file's are the file's, an update's numbered within them. */
static int
scan_patch_file(void *arg, const char *path, const char *added, size_t len, bool whole)
{
	struct patch_scan *ps = arg;
	int before = cJSON_GetArraySize(ps->findings), n;

	if (guard_scanner_excluded(ps->s, path))
		return 0;
	if ((n = guard_scanner_scan(ps->s, path, added, len, 1, NULL, ps->findings)) < 0)
		return n;
	if (n > 0)
		mark_lines(ps->findings, before, whole ? "file" : "text");
	/* an added file's name, and its new folders' */
	if (whole && (n = guard_scanner_scan_new_names(ps->s, path, ps->findings)) < 0)
		return n;
	ps->n += cJSON_GetArraySize(ps->findings) - before;
	return 0;
}

int
guard_scanner_tool_input(struct guard_scanner *s, const cJSON *in, cJSON *findings)
{
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(in, "tool_input");
	const char *path;
	int n = 0, m;

	if (!cJSON_IsObject(input))
		input = cJSON_GetObjectItemCaseSensitive(in, "input");
	if (!cJSON_IsObject(input))
		input = in;
	path = member(input, "file_path") ?: member(input, "notebook_path") ?: member(input, "path") ?: "-";
	s->edit_adds_allow = -1;
	/* Codex's apply_patch: the lines each file gains, as a Write of them would be scanned (G6) */
	for (const char *const *k = (const char *const[]){ "input", "patch", NULL }; *k; k++) {
		struct patch_scan ps = { s, findings, 0 };
		if (member(input, *k) && (m = guard_patch_added(member(input, *k), scan_patch_file, &ps)) < 0)
			return m;
		n += ps.n;
	}
	if (guard_scanner_excluded(s, path))
		return n;
	if ((m = strcmp(path, "-") ? guard_scanner_scan_new_names(s, path, findings) : 0) < 0)
		return m;
	n += m;
	/* a Write's content is the whole file: its lines are the file's */
	if ((m = scan_member(s, path, cJSON_GetObjectItemCaseSensitive(input, "content"), 1, "file", findings)) < 0)
		return m;
	n += m;
	if ((m = scan_member(s, path, cJSON_GetObjectItemCaseSensitive(input, "new_source"), 1, "text", findings)) < 0)
		return m;
	n += m;
	/* each edit's text scanned first, placed in the file if found */
	size_t ne;
	const cJSON **edits = edits_of(input, &ne);
	int *upto = guard_xcalloc(ne + 1, sizeof(*upto)), first = cJSON_GetArraySize(findings);
	for (size_t i = 0; i < ne && m >= 0; i++) {
		if ((m = scan_member(s, path, cJSON_GetObjectItemCaseSensitive(edits[i], "new_string"), 1, "text",
				     findings)) >= 0)
			n += m;
		upto[i] = cJSON_GetArraySize(findings);
	}
	if (m >= 0 && ne && upto[ne - 1] > first)
		renumber_edits(path, edits, upto, ne, first, findings);
	if (m >= 0 && ne && (m = scan_after_edits(s, path, edits, ne, first, findings)) > 0)
		n += m;
	free(edits);
	free(upto);
	return m < 0 ? m : n;
}

/* How many times text holds an allow comment's marker. */
static size_t
allow_marks(const char *text, size_t len)
{
	size_t n = 0;

	for (const char *p = text, *end = text + len; p && p < end; n++)
		if (!(p = memmem(p, (size_t)(end - p), "guard-scan:allow", 16)))
			break;
		else
			p += 16;
	return n;
}

static size_t
allow_marks_of(const cJSON *o, const char *k)
{
	const char *v = member(o, k);

	return v ? allow_marks(v, strlen(v)) : 0;
}

bool
guard_scan_adds_allow(const cJSON *in)
{
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(in, "tool_input");
	size_t flen = 0, blen = 0, before = 0, wrote = 0, took = 0, ne;

	if (!cJSON_IsObject(input))
		input = cJSON_GetObjectItemCaseSensitive(in, "input");
	if (!cJSON_IsObject(input))
		input = in;
	const char *path = member(input, "file_path") ?: member(input, "notebook_path") ?: member(input, "path") ?: "-";
	char *file = strcmp(path, "-") ? edit_target(path, &flen) : NULL, *was = NULL;
	const cJSON **edits = edits_of(input, &ne);
	struct changes ch = CHANGES_INIT;

	/* the texts written against the texts they replace (the file unread, or an edit not found in it) */
	wrote = allow_marks_of(input, "content") + allow_marks_of(input, "new_source");
	for (size_t i = 0; i < ne; i++) {
		wrote += allow_marks_of(edits[i], "new_string");
		took += allow_marks_of(edits[i], "old_string");
	}
	if (member(input, "content") || member(input, "new_source")) {
		/* a Write: the file becomes content; a notebook cell: its text (the cell it replaces is not read) */
		before = file ? allow_marks(file, flen) : 0;
		free(file);
		free(edits);
		return member(input, "content") ? wrote > before : wrote > 0;
	}
	was = file;
	blen = flen;
	apply_edits(was, blen, edits, ne, &file, &flen, &ch);
	bool placed = file != NULL, added = placed && marks_added(was, blen, file, flen, &ch);
	free(file);
	free(was);
	free(ch.c);
	free(edits);
	return placed ? added : wrote > took;
}

/* More allow comments in the file after the edits (file) than before them (was)? */
static bool
marks_added(const char *was, size_t blen, const char *file, size_t flen, const struct changes *ch)
{
	size_t before = 0, after = 0;

	if (ch->over)
		return allow_marks(file, flen) > allow_marks(was, blen);
	/* outside the windows the file is the same before and after, and a marker is 16 bytes */
	struct window *w = guard_xcalloc(ch->n + 1, sizeof(*w));
	size_t nw = edit_windows(ch, file, flen, w);
	for (size_t i = 0; i < nw; i++) {
		before += allow_marks(was + w[i].b0, w[i].b1 - w[i].b0);
		after += allow_marks(file + w[i].a0, w[i].a1 - w[i].a0);
	}
	free(w);
	return after > before;
}

bool
guard_scanner_adds_allow(const struct guard_scanner *s, const cJSON *in)
{
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(in, "tool_input");

	if (!cJSON_IsObject(input))
		input = cJSON_GetObjectItemCaseSensitive(in, "input");
	if (!cJSON_IsObject(input))
		input = in;
	/* a Write's content decides by itself (guard_scan_adds_allow) */
	if (s->edit_adds_allow >= 0 && !member(input, "content") && !member(input, "new_source"))
		return s->edit_adds_allow;
	return guard_scan_adds_allow(in);
}

/* ---- a file's added lines ---- */

bool
guard_scan_lines_other(const struct guard_scan_lines *g, const char *path)
{
	return !g->path || strcmp(g->path, path);
}

void
guard_scan_lines_start(struct guard_scan_lines *g, const char *path)
{
	free(g->path);
	g->path = path ? guard_xstrdup(path) : NULL;
	g->n = 0;
	guard_buf_reset(&g->text);
}

void
guard_scan_lines_add(struct guard_scan_lines *g, long lineno, const char *text, size_t len)
{
	if (g->n == g->cap)
		g->lines = guard_xrealloc(g->lines, (g->cap = g->cap ? g->cap * 2 : 256) * sizeof(*g->lines));
	g->lines[g->n++] = lineno;
	guard_buf_add(&g->text, text, len);
	if (!len || text[len - 1] != '\n')
		guard_buf_addch(&g->text, '\n');
}

void
guard_scan_lines_release(struct guard_scan_lines *g)
{
	free(g->path);
	g->path = NULL;
	guard_buf_release(&g->text);
	free(g->lines);
	g->lines = NULL;
	g->n = g->cap = 0;
}
