/*
 * Gemini CLI's web_fetch names the pages it fetches inside its prompt
 * ({"prompt": "summarize http://169.254.169.254/..."}), not in a url
 * member (attack7 H25). Every http(s) URL the prompt holds is found with
 * PCRE2 and rated as a WebFetch url is: local, private and metadata
 * addresses, hosts outside allowed_hosts (counted under a session).
 */
#include "guard_regex.h"
#include "guard_risk_int.h"

#define FETCH_PROMPT_URLS 32 /* URLs rated in one prompt; more is asked */

int
risk_regex_each(const char *pattern, const char *text, size_t max, risk_match_fn *fn, void *arg)
{
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	int err, rc = 0;
	PCRE2_SIZE off, at = 0, len = strlen(text);
	size_t found = 0;

	if (!(re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL)))
		return -1;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, GUARD_REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(mc, GUARD_REGEX_DEPTH_LIMIT);
	while (at <= len) {
		int m = pcre2_match(re, (PCRE2_SPTR)text, len, at, 0, md, mc);
		if (m == PCRE2_ERROR_NOMATCH)
			break;
		if (m < 0 || ++found > max) {
			rc = m < 0 ? -1 : -2;
			break;
		}
		const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t subs[2 * RISK_MATCH_SUBS];
		for (int i = 0; i < 2 * RISK_MATCH_SUBS; i++)
			subs[i] = i < 2 * m && ov[i] != PCRE2_UNSET ? ov[i] : (size_t)-1;
		fn(arg, text, subs);
		rc++;
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc;
}

struct prompt_urls {
	struct risk_state *st;
	const char *tool;
};

static void
prompt_url(void *arg, const char *text, const size_t *ov)
{
	struct prompt_urls *p = arg;
	size_t n = ov[1] - ov[0];

	while (n && strchr(".,;:!?", text[ov[0] + n - 1]))
		n--; /* "see http://x/." ends the sentence, not the URL */
	char *url = guard_xstrndup(text + ov[0], n);
	risk_explain(p->st, "    %s: its prompt names %s", p->tool, url);
	risk_fetch_url(p->st, p->tool, url);
	free(url);
}

void
risk_fetch_prompt(struct risk_state *st, const char *tool, const char *prompt)
{
	/* scheme, then a bracketed IPv6 host or a run of host characters, then the rest up to a space or quote */
	static const char pattern[] = "(?i)https?://(?:\\[[^\\]\\s/]*\\]|[^\\s/?#\"'<>`\\\\)\\]}]+)"
				      "[^\\s\"'<>`\\\\]*";
	struct prompt_urls p = { st, tool };

	if (risk_regex_each(pattern, prompt, FETCH_PROMPT_URLS, prompt_url, &p) < 0)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s: its prompt names more URLs than guard rates (%d)",
			  tool, FETCH_PROMPT_URLS);
}
