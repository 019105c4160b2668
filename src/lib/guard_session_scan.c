/*
 * The session's scan of the added lines for its PR body: guard-scan's
 * rules (guard_scanner), one line at a time as guard_git_changes gives
 * them, findings kept as the PR body lists them.
 */
#include "guard_error.h"
#include "guard_scan.h"
#include "guard_session.h"

#define FINDINGS_MAX 200 /* a PR body lists this many at most */

struct guard_scan {
	struct guard_scanner *sc;
	size_t rules;
	cJSON *findings;
	cJSON *one; /* a line's, before they are kept */
};

int
guard_scan_new(const cJSON *tree, struct guard_scan **out)
{
	struct guard_scan *s = guard_xcalloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if ((rc = guard_scanner_new(tree, &s->sc)) < 0) {
		free(s);
		return rc;
	}
	cJSON *rules = guard_scanner_rules(s->sc);
	s->rules = (size_t)cJSON_GetArraySize(rules);
	cJSON_Delete(rules);
	/* the agent wrote these lines: its own allow comments do not clear them */
	guard_scanner_inline_allow(s->sc, false);
	s->findings = cJSON_CreateArray();
	s->one = cJSON_CreateArray();
	*out = s;
	return 0;
}

void
guard_scan_line(void *scan, const char *path, long lineno, const char *text, size_t len)
{
	struct guard_scan *s = scan;
	cJSON *f;

	if (cJSON_GetArraySize(s->findings) >= FINDINGS_MAX || guard_scanner_excluded(s->sc, path))
		return;
	guard_scanner_scan(s->sc, path, text, len, lineno, NULL, s->one);
	while ((f = cJSON_DetachItemFromArray(s->one, 0))) {
		cJSON *k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "id", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "rule")));
		cJSON_AddStringToObject(k, "path", path);
		cJSON_AddNumberToObject(k, "line", (double)lineno);
		cJSON_AddStringToObject(k, "message", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "message")));
		cJSON_AddStringToObject(k, "severity", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "severity")));
		cJSON_AddStringToObject(k, "kind", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind")));
		cJSON_Delete(f);
		if (cJSON_GetArraySize(s->findings) < FINDINGS_MAX)
			cJSON_AddItemToArray(s->findings, k);
		else
			cJSON_Delete(k);
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
	return s->rules;
}

void
guard_scan_free(struct guard_scan *s)
{
	if (!s)
		return;
	guard_scanner_free(s->sc);
	cJSON_Delete(s->findings);
	cJSON_Delete(s->one);
	free(s);
}
