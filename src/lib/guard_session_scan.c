#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "guard_error.h"
#include "guard_glob.h"
#include "guard_regex.h"
#include "guard_session.h"

#define FINDINGS_MAX 200 /* a PR body lists this many at most */

struct pattern {
	const cJSON *def; /* the policy entry: id, message, severity, paths */
	pcre2_code *re;
};

struct guard_scan {
	struct pattern *p;
	size_t n;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	cJSON *findings;
};

int
guard_scan_new(const cJSON *tree, struct guard_scan **out)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(tree, "forbidden_patterns"), *e;
	struct guard_scan *s = guard_xcalloc(1, sizeof(*s));

	s->p = guard_xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*s->p));
	s->findings = cJSON_CreateArray();
	s->md = pcre2_match_data_create(4, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(s->mctx, GUARD_REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, GUARD_REGEX_DEPTH_LIMIT);
	cJSON_ArrayForEach(e, list) {
		const char *re = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "regex"));
		int code;
		PCRE2_SIZE off;
		if (!re)
			continue;
		/* The schema compiled these already; a failure here is not expected. */
		if (!(s->p[s->n].re = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, guard_regex_flags(), &code, &off, NULL))) {
			guard_scan_free(s);
			*out = NULL;
			return guard_error(GUARD_EPOLICY, "forbidden pattern '%s' does not compile",
					   cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "id")));
		}
		s->p[s->n++].def = e;
	}
	*out = s;
	return 0;
}

static bool
path_applies(const cJSON *def, const char *path)
{
	const cJSON *paths = cJSON_GetObjectItemCaseSensitive(def, "paths"), *g;
	bool any = false;

	if (cJSON_IsString(paths))
		return guard_glob_match_path(paths->valuestring, path, NULL);
	cJSON_ArrayForEach(g, paths) {
		any = true;
		if (cJSON_IsString(g) && guard_glob_match_path(g->valuestring, path, NULL))
			return true;
	}
	return !any;
}

void
guard_scan_line(void *scan, const char *path, long lineno, const char *text, size_t len)
{
	struct guard_scan *s = scan;

	for (size_t i = 0; i < s->n && cJSON_GetArraySize(s->findings) < FINDINGS_MAX; i++) {
		/* Invalid UTF-8 in a file is data, not an error: match it as is. */
		int rc = pcre2_match(s->p[i].re, (PCRE2_SPTR)text, len, 0, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_BADUTFOFFSET) {
			/* Over the match limit: report it rather than pass it silently. */
			rc = 1;
		}
		if (rc < 0 || !path_applies(s->p[i].def, path))
			continue;
		cJSON *f = cJSON_CreateObject();
		const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s->p[i].def, "message"));
		const char *sev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s->p[i].def, "severity"));
		cJSON_AddStringToObject(f, "id", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s->p[i].def, "id")));
		cJSON_AddStringToObject(f, "path", path);
		cJSON_AddNumberToObject(f, "line", (double)lineno);
		cJSON_AddStringToObject(f, "message", msg ? msg : "forbidden pattern");
		cJSON_AddStringToObject(f, "severity", sev ? sev : "high");
		cJSON_AddItemToArray(s->findings, f);
	}
}

const cJSON *
guard_scan_findings(const struct guard_scan *s)
{
	return s->findings;
}

size_t
guard_scan_patterns(const struct guard_scan *s)
{
	return s->n;
}

void
guard_scan_free(struct guard_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		pcre2_code_free(s->p[i].re);
	free(s->p);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	cJSON_Delete(s->findings);
	free(s);
}
