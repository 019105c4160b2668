/*
 * The policy's branch: section as guard-git reads it. No libgit2 here.
 */
#include <stdlib.h>
#include <string.h>

#include "guard_buf.h"
#include "guard_error.h"
#include "guard_glob.h"
#include "guard_gitrules.h"
#include "guard_session.h"

#define DEFAULT_PATTERN "ai/nightbuilder/{date}/{slug}"

void
guard_branch_rules_load(struct guard_branch_rules *r, const cJSON *tree)
{
	const cJSON *br = cJSON_GetObjectItemCaseSensitive(tree, "branch"), *p;
	const char *pattern = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(br, "pattern"));
	const char *base = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(br, "base"));
	const cJSON *prot = cJSON_GetObjectItemCaseSensitive(br, "protected");

	r->pattern = guard_xstrdup(pattern && *pattern ? pattern : DEFAULT_PATTERN);
	r->base = base && *base ? guard_xstrdup(base) : NULL;
	r->allow_ai_merge = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(br, "allow_ai_merge"));
	r->allow_agent_commit = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(br, "allow_agent_commit"));
	if (!cJSON_IsArray(prot)) {
		guard_list_add(&r->protected, "main");
		guard_list_add(&r->protected, "master");
		guard_list_add(&r->protected, "develop");
	}
	cJSON_ArrayForEach(p, prot)
		if (cJSON_IsString(p) && *p->valuestring)
			guard_list_add_unique(&r->protected, p->valuestring);
}

void
guard_branch_rules_release(struct guard_branch_rules *r)
{
	guard_list_clear(&r->protected);
	free(r->pattern);
	free(r->base);
	r->pattern = r->base = NULL;
}

bool
guard_branch_protected(const struct guard_branch_rules *r, const char *name)
{
	for (size_t i = 0; i < r->protected.len; i++)
		if (guard_glob_match(r->protected.items[i], name))
			return true;
	return false;
}

bool
guard_branch_ai(const struct guard_branch_rules *r, const char *name)
{
	const char *brace = strchr(r->pattern, '{');
	size_t n = brace ? (size_t)(brace - r->pattern) : strlen(r->pattern);
	/* A pattern without a fixed prefix would make every branch an AI branch. */
	return n > 0 && !strncmp(name, r->pattern, n) && (brace || !name[n]);
}

bool
guard_branch_name_ok(const struct guard_branch_rules *r, const char *name)
{
	struct guard_buf glob = GUARD_BUF_INIT;
	bool ok;

	for (const char *p = r->pattern; *p; p++) {
		if (!strncmp(p, "{date}", 6)) {
			guard_buf_addstr(&glob, "[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]");
			p += 5;
		} else if (!strncmp(p, "{slug}", 6)) {
			guard_buf_addstr(&glob, "[a-z0-9]*");
			p += 5;
		} else {
			if (strchr("*?[]{}\\", *p))
				guard_buf_addch(&glob, '\\');
			guard_buf_addch(&glob, *p);
		}
	}
	ok = guard_glob_match(glob.buf, name);
	/* A slug is what guard-session accepts: a-z, 0-9, '.', '_', '-'. */
	if (ok && strstr(r->pattern, "{slug}")) {
		const char *slash = strrchr(name, '/');
		const char *slug = slash ? slash + 1 : name;
		ok = strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(slug) && !strstr(slug, "..");
	}
	guard_buf_release(&glob);
	return ok;
}

const char *
guard_git_agent_marker(void)
{
	static const char *const markers[] = { "CLAUDECODE", "GEMINI_CLI" };
	const char *actor = getenv("GUARD_ACTOR");

	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		const char *v = getenv(markers[i]);
		if (v && *v && strcmp(v, "0"))
			return markers[i];
	}
	return actor && (!strcmp(actor, "agent") || !strcmp(actor, "ai")) ? "GUARD_ACTOR" : NULL;
}

/* Here, not beside the ref check: the hook front (guard-githook) reads it without libgit2. */
int
guard_git_running_sessions(const char *root, cJSON **out)
{
	struct guard_list damaged = GUARD_LIST_INIT;
	cJSON *all = NULL, *running = cJSON_CreateArray(), *s, *next;
	int rc;

	*out = NULL;
	/*
	 * A state file that cannot be read or is not a session's ({} , empty,
	 * cut short, a folder, unreadable) may be a running session damaged by
	 * the agent: it never reads as "no session" (trust.md, N6).
	 */
	if ((rc = guard_session_list(root, &all, &damaged)) == 0 && damaged.len)
		rc = guard_error(GUARD_EIO,
				 "%s; guard-git takes it for a running unattended session and refuses ref updates "
				 "(a person repairs or removes it, then runs git again)",
				 damaged.items[0]);
	guard_list_clear(&damaged);
	if (rc < 0) {
		cJSON_Delete(all);
		cJSON_Delete(running);
		return rc;
	}
	for (s = all->child; s; s = next) {
		next = s->next;
		if (!strcmp(guard_session_status(s), "running"))
			cJSON_AddItemToArray(running, cJSON_DetachItemViaPointer(all, s));
	}
	cJSON_Delete(all);
	*out = running;
	return 0;
}
