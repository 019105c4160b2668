#include <sys/stat.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_session.h"

#define PENDING_MAX_BYTES ((size_t)4 << 20)

static const char pending_header[] =
	"# Pending plans\n\n"
	"Plans that did not converge in an unattended run wait here for a person\n"
	"(format: DESIGN.md section 9). The next attended session's briefing lists\n"
	"every `[보류]` item with its four choices: revise, proceed, keep, discard.\n";

/* The choices of DESIGN.md section 9, with the tag and word they leave. */
static const struct { const char *as, *tag, *word; } choices[] = {
	{ "revised", "[수정]", "수정" },
	{ "proceed", "[진행]", "진행" },
	{ "keep", "[보류]", "유지" },
	{ "discard", "[폐기]", "폐기" },
};

static void
stamp(time_t now, const char *fmt, char *out, size_t size)
{
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, size, fmt, &tm);
}

/* The summary as a file name: UTF-8 kept, separators and controls as '-'. */
static char *
file_slug(const char *s)
{
	struct guard_buf b = GUARD_BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)s; *p && b.len < 80; p++) {
		bool keep = *p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.';
		if (keep && !(*p == '.' && !b.len))
			guard_buf_addch(&b, *p);
		else if (b.len && b.buf[b.len - 1] != '-')
			guard_buf_addch(&b, '-');
	}
	/* Do not end inside a UTF-8 sequence or on a dash. */
	while (b.len && (((unsigned char)b.buf[b.len - 1] & 0xC0) == 0xC0 || b.buf[b.len - 1] == '-'))
		b.buf[--b.len] = '\0';
	if (!b.len)
		guard_buf_addstr(&b, "plan");
	return guard_buf_detach(&b);
}

static int
one_line(const char *what, const char *s)
{
	if (!s || !*s || strpbrk(s, "\r\n"))
		return guard_error(GUARD_EUSAGE, "%s must be one non-empty line", what);
	return 0;
}

static int
read_pending(const char *root, char **text, size_t *len)
{
	char *path = guard_xasprintf("%s/PENDING_PLANS.md", root);
	int rc = guard_file_read(path, PENDING_MAX_BYTES, 1, text, len);
	if (rc == GUARD_ENOTFOUND) {
		*text = guard_xstrdup(pending_header);
		*len = strlen(*text);
		rc = 0;
	}
	free(path);
	return rc;
}

static int
write_pending(const char *root, const char *text, size_t len)
{
	char *path = guard_xasprintf("%s/PENDING_PLANS.md", root);
	int rc = guard_file_write_atomic(path, text, len, 0644);
	free(path);
	return rc;
}

static int
plans_lock(const char *root, int *fd)
{
	char *dir = guard_xasprintf("%s/.ai/plans", root), *lock = guard_xasprintf("%s/.lock", dir);
	int rc = guard_mkdirs(dir, 0755);
	if (rc >= 0)
		rc = guard_lock_acquire(lock, 5000, fd);
	free(lock);
	free(dir);
	return rc;
}

int
guard_plan_defer(const char *root, const struct guard_defer *d, time_t now, char **id_out)
{
	static const char *const gates[][2] = { { "pass", "통과" }, { "fail", "실패" }, { "na", "해당없음" } };
	static const char *const reasons[][2] = { { "stall", "정체" }, { "rounds", "라운드 초과" }, { "gate", "C6 Hard Gate 실패" } };
	const char *gate = NULL, *reason = NULL;
	char when[32], file_when[32], *slug = NULL, *id = NULL, *path = NULL, *text = NULL;
	struct guard_buf entry = GUARD_BUF_INIT, all = GUARD_BUF_INIT;
	struct stat st;
	size_t len;
	int fd = -1, rc;

	*id_out = NULL;
	for (int i = 0; i < 3; i++) {
		if (d->gate && !strcmp(d->gate, gates[i][0]))
			gate = gates[i][1];
		if (d->reason && !strcmp(d->reason, reasons[i][0]))
			reason = reasons[i][1];
	}
	if (!gate)
		return guard_error(GUARD_EUSAGE, "--gate must be pass, fail or na");
	if (!reason)
		return guard_error(GUARD_EUSAGE, "--reason must be stall, rounds or gate");
	if (d->round < 1 || d->ratio < 0 || d->ratio > 100 || d->ratio != d->ratio)
		return guard_error(GUARD_EUSAGE, "--round must be 1 or more and --ratio a percentage (0 to 100)");
	if ((rc = one_line("--summary", d->summary)) < 0 || (rc = one_line("--critique", d->critique[0])) < 0)
		return rc;
	for (int i = 1; i < 3; i++)
		if (d->critique[i] && (rc = one_line("--critique", d->critique[i])) < 0)
			return rc;
	if ((rc = plans_lock(root, &fd)) < 0)
		return rc;

	stamp(now, "%Y-%m-%d %H:%M", when, sizeof(when));
	stamp(now, "%Y-%m-%d_%H%M", file_when, sizeof(file_when));
	slug = file_slug(d->summary);
	for (int n = 1; n < 100; n++) {
		free(id);
		free(path);
		id = n == 1 ? guard_xasprintf("%s_%s", file_when, slug) : guard_xasprintf("%s_%s-%d", file_when, slug, n);
		path = guard_xasprintf("%s/.ai/plans/%s.md", root, id);
		if (lstat(path, &st) < 0)
			break;
	}
	if (d->plan_text)
		rc = guard_file_write_atomic(path, d->plan_text, d->plan_len, 0644);
	else {
		char *stub = guard_xasprintf("# %s\n\n(no plan text was given to guard-session defer)\n", d->summary);
		rc = guard_file_write_atomic(path, stub, strlen(stub), 0644);
		free(stub);
	}
	if (rc < 0 || (rc = read_pending(root, &text, &len)) < 0)
		goto out;

	guard_buf_addf(&entry, "\n## [보류] %s - %s\n", when, d->summary);
	guard_buf_addf(&entry, "- **상태**: 미수렴 (라운드 %d, 가중 비율 %.1f%%)\n", d->round, d->ratio);
	guard_buf_addf(&entry, "- **C6 Hard Gate**: %s\n", gate);
	guard_buf_addf(&entry, "- **저장된 계획서**: `.ai/plans/%s.md`\n", id);
	guard_buf_addf(&entry, "- **사유**: %s\n", reason);
	guard_buf_addf(&entry, "- **마지막 비평 요약**: %s", d->critique[0]);
	for (int i = 1; i < 3; i++)
		if (d->critique[i])
			guard_buf_addf(&entry, "; %s", d->critique[i]);
	guard_buf_addch(&entry, '\n');
	guard_buf_add(&all, text, len);
	if (all.len && all.buf[all.len - 1] != '\n')
		guard_buf_addch(&all, '\n');
	guard_buf_add(&all, entry.buf, entry.len);
	if ((rc = write_pending(root, all.buf, all.len)) >= 0) {
		*id_out = id;
		id = NULL;
	}
out:
	guard_lock_release(fd);
	guard_buf_release(&entry);
	guard_buf_release(&all);
	free(text);
	free(slug);
	free(id);
	free(path);
	return rc;
}

/* The span [start, end) of the entry whose saved plan is id. */
static int
find_entry(const char *text, const char *id, size_t *start, size_t *end)
{
	char *needle = guard_xasprintf("`.ai/plans/%s.md`", id);
	const char *hit = strstr(text, needle), *h, *next;

	free(needle);
	if (!hit)
		return guard_error(GUARD_ENOTFOUND, "no deferred plan '%s' in PENDING_PLANS.md", id);
	for (h = hit; h > text && !(h[-1] == '\n' && !strncmp(h, "## [", 4)); h--)
		;
	if (strncmp(h, "## [", 4))
		return guard_error(GUARD_EUSAGE, "PENDING_PLANS.md: the entry of '%s' has no heading", id);
	next = strstr(hit, "\n## ");
	*start = (size_t)(h - text);
	*end = next ? (size_t)(next - text) + 1 : strlen(text);
	return 0;
}

static char *
plan_path(const char *root, const char *id)
{
	return guard_xasprintf("%s/.ai/plans/%s.md", root, id);
}

#define DISCARD_MARK "- **결정**: 폐기"

/* Whether the plan file records that the plan was discarded. */
static bool
discarded(const char *root, const char *id)
{
	char *path = plan_path(root, id), *text = NULL;
	size_t len;
	bool yes = guard_file_read(path, PENDING_MAX_BYTES, 1, &text, &len) >= 0 && strstr(text, "\n" DISCARD_MARK);

	guard_error_clear();
	free(text);
	free(path);
	return yes;
}

/* The decision, appended to the plan file. */
static int
note_discard(const char *root, const char *id, const char *when)
{
	char *path = plan_path(root, id), *text = NULL;
	size_t len = 0;
	struct guard_buf b = GUARD_BUF_INIT;
	int rc = guard_file_read(path, PENDING_MAX_BYTES, 1, &text, &len);

	if (rc == GUARD_ENOTFOUND) {
		guard_error_clear();
		rc = 0;
	}
	if (rc >= 0) {
		guard_buf_add(&b, text ? text : "", len);
		guard_buf_addf(&b, "%s\n---\n" DISCARD_MARK " (%s UTC); the entry was removed from PENDING_PLANS.md\n",
			       b.len && b.buf[b.len - 1] != '\n' ? "\n" : "", when);
		rc = guard_file_write_atomic(path, b.buf, b.len, 0644);
	}
	guard_buf_release(&b);
	free(text);
	free(path);
	return rc;
}

int
guard_plan_resolve(const char *root, const char *id, const char *as, time_t now)
{
	const char *tag = NULL, *word = NULL;
	struct guard_buf out = GUARD_BUF_INIT;
	char *text = NULL, when[32];
	size_t len, start = 0, end = 0;
	int fd = -1, rc;

	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++)
		if (!strcmp(as, choices[i].as))
			tag = choices[i].tag, word = choices[i].word;
	if (!tag)
		return guard_error(GUARD_EUSAGE, "--as must be revised, proceed, keep or discard");
	if (!*id || strpbrk(id, "/`\n") || strstr(id, ".."))
		return guard_error(GUARD_EUSAGE, "'%s' is not a plan id", id);
	if ((rc = plans_lock(root, &fd)) < 0)
		return rc;
	if ((rc = read_pending(root, &text, &len)) < 0)
		goto out;
	if ((rc = find_entry(text, id, &start, &end)) < 0) {
		if (rc == GUARD_ENOTFOUND && discarded(root, id))
			rc = guard_error(GUARD_ECONFLICT, "plan '%s' was already decided (discarded; see .ai/plans/%s.md)", id, id);
		else if (rc == GUARD_ENOTFOUND) /* discarded() cleared the message */
			rc = guard_error(GUARD_ENOTFOUND, "no plan '%s' in PENDING_PLANS.md ('guard-session briefing' lists "
					 "the deferred plans)", id);
		goto out;
	}
	if (strncmp(text + start, "## [보류]", strlen("## [보류]"))) {
		rc = guard_error(GUARD_ECONFLICT, "plan '%s' was already decided (%.*s)", id,
				 (int)(strchr(text + start, '\n') - (text + start)), text + start);
		goto out;
	}
	stamp(now, "%Y-%m-%d %H:%M", when, sizeof(when));
	guard_buf_add(&out, text, start);
	if (!strcmp(as, "discard")) {
		/* Discarded: the entry leaves PENDING_PLANS.md; the decision stays in the plan file (and the audit log). */
		if ((rc = note_discard(root, id, when)) < 0)
			goto out;
		/* the last entry gone: no blank line left at the end */
		if (end >= len && out.len > 1 && out.buf[out.len - 1] == '\n' && out.buf[out.len - 2] == '\n')
			out.buf[--out.len] = '\0';
		guard_buf_addstr(&out, text + end);
		rc = write_pending(root, out.buf, out.len);
		goto out;
	}
	guard_buf_addf(&out, "## %s", tag);
	const char *body = text + start + strlen("## [보류]");
	const char *decided = strstr(body, "- **결정**: ");
	if (decided && decided < text + end) {
		/* Kept before: replace the earlier decision line. */
		const char *eol = strchr(decided, '\n');
		guard_buf_add(&out, body, (size_t)(decided - body));
		guard_buf_addf(&out, "- **결정**: %s (%s UTC)\n", word, when);
		body = eol ? eol + 1 : text + end;
		guard_buf_add(&out, body, (size_t)(text + end - body));
	} else {
		size_t n = (size_t)(text + end - body);
		while (n && body[n - 1] == '\n')
			n--;
		guard_buf_add(&out, body, n);
		guard_buf_addf(&out, "\n- **결정**: %s (%s UTC)\n", word, when);
		if (end < len)
			guard_buf_addch(&out, '\n');
	}
	guard_buf_addstr(&out, text + end);
	rc = write_pending(root, out.buf, out.len);
out:
	guard_lock_release(fd);
	guard_buf_release(&out);
	free(text);
	return rc;
}
