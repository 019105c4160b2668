/*
 * The session's scan of the added lines for its PR body: guard-scan's
 * rules (guard_scanner). guard_git_changes gives one line at a time; a
 * file's added lines are gathered and scanned as one text with their line
 * numbers, as `guard-scan range` does, so multi-line rules (a PEM block)
 * match here too. Findings are kept as the PR body lists them.
 */
#include "guard_error.h"
#include "guard_scan.h"
#include "guard_session.h"

#define FINDINGS_MAX 200 /* a PR body lists this many at most */

struct guard_scan {
	struct guard_scanner *sc;
	size_t rules;
	cJSON *findings;
	cJSON *one; /* a file's, before they are kept */
	struct guard_scan_lines g;
};

int
guard_scan_new(const cJSON *tree, struct guard_scan **out)
{
	struct guard_scan *s = guard_xcalloc(1, sizeof(*s));
	int rc;

	s->g = (struct guard_scan_lines)GUARD_SCAN_LINES_INIT;
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

/* Scan the gathered file and keep its findings (up to FINDINGS_MAX). */
static void
scan_flush(struct guard_scan *s)
{
	const struct guard_scan_lines *g = &s->g;
	cJSON *f;

	if (g->path && g->n && cJSON_GetArraySize(s->findings) < FINDINGS_MAX && !guard_scanner_excluded(s->sc, g->path) &&
	    guard_scanner_scan(s->sc, g->path, g->text.buf, g->text.len, 1, g->lines, s->one) < 0)
		guard_error_clear(); /* a rule that does not compile was named when the policy loaded */
	while ((f = cJSON_DetachItemFromArray(s->one, 0))) {
		cJSON *k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "id", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "rule")));
		cJSON_AddStringToObject(k, "path", g->path);
		cJSON_AddItemToObject(k, "line", cJSON_DetachItemFromObjectCaseSensitive(f, "line"));
		cJSON_AddStringToObject(k, "message", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "message")));
		cJSON_AddStringToObject(k, "severity", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "severity")));
		cJSON_AddStringToObject(k, "kind", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind")));
		cJSON_Delete(f);
		if (cJSON_GetArraySize(s->findings) < FINDINGS_MAX)
			cJSON_AddItemToArray(s->findings, k);
		else
			cJSON_Delete(k);
	}
	guard_scan_lines_start(&s->g, NULL);
}

void
guard_scan_line(void *scan, const char *path, long lineno, const char *text, size_t len)
{
	struct guard_scan *s = scan;

	if (guard_scan_lines_other(&s->g, path)) {
		scan_flush(s);
		guard_scan_lines_start(&s->g, path);
	}
	guard_scan_lines_add(&s->g, lineno, text, len);
}

const cJSON *
guard_scan_findings(struct guard_scan *s)
{
	scan_flush(s);
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
	guard_scan_lines_release(&s->g);
	free(s);
}
