/*
 * The risk result, its merging rules and the command-line analysis loop:
 * parse, then rate every simple command (part) and keep the highest.
 */
#include <stdarg.h>

#include "guard_error.h"
#include "guard_json.h"
#include "guard_event.h"
#include "guard_path.h"
#include "guard_redact.h"
#include "guard_risk_int.h"
#include "guard_scan.h"

void
guard_risk_init(struct guard_risk *r)
{
	memset(r, 0, sizeof(*r));
	r->level = GUARD_LEVEL_LOW;
	r->cls = GUARD_CLASS_READ;
}

void
guard_risk_release(struct guard_risk *r)
{
	guard_list_clear(&r->reasons);
	guard_list_clear(&r->targets);
	guard_list_clear(&r->reads);
	guard_list_clear(&r->hosts);
	guard_list_clear(&r->creates);
	guard_list_clear(&r->files);
	guard_risk_init(r);
}

/* Ties between parts of equal level go to the more harmful class. */
static int
class_weight(char cls)
{
	switch (cls) {
	case GUARD_CLASS_DELETE: return 4;
	case GUARD_CLASS_WRITE: return 3;
	case GUARD_CLASS_EXEC: return 2;
	default: return 1;
	}
}

void
risk_base(struct risk_state *st, enum guard_level level, char cls)
{
	struct guard_risk *r = st->out;

	if (level > st->part_level)
		st->part_level = level;
	if (level > r->level || (level == r->level && class_weight(cls) > class_weight(r->cls))) {
		r->level = level;
		r->cls = cls;
	}
}

static void
indent(struct risk_state *st)
{
	for (unsigned i = 0; i < st->nest; i++)
		guard_buf_addstr(st->ex, "    ");
}

/*
 * Text read from a file (a script, a Makefile, a config) is not quoted as
 * it is in what the agent reads (G10): the built-in redaction masks the
 * secret shapes, and a word longer than RISK_FILE_WORD_MAX that is no
 * plain path is named by its length and file instead of shown.
 */
#define RISK_FILE_WORD_MAX 40

static _Thread_local struct guard_redactor *file_redactor;

/* A path as guard shows one: a '/' in it, short parts, none of base64's '+' or '='. */
static bool
plain_path(const char *w, size_t n)
{
	size_t part = 0;
	bool slash = false;

	for (size_t i = 0; i < n; i++) {
		if (w[i] == '+' || w[i] == '=')
			return false;
		if (w[i] == '/') {
			slash = true;
			part = 0;
		} else if (++part > RISK_FILE_WORD_MAX) {
			return false;
		}
	}
	return slash;
}

void
risk_file_text_clean(const char *file, struct guard_buf *text)
{
	struct guard_buf masked = GUARD_BUF_INIT, out = GUARD_BUF_INIT;
	const char *s = text->buf ? text->buf : "";
	size_t len = text->len;

	if (!file_redactor && guard_redactor_new(&file_redactor, NULL) < 0) {
		guard_error_clear();
		file_redactor = NULL;
	}
	int n = file_redactor ? guard_redact_text(file_redactor, s, len, &masked) : -1;
	if (n < 0) {
		/* no redactor, or a pattern could not finish: the text is not shown */
		guard_buf_reset(text);
		guard_buf_addf(text, "[text of %.60s not shown]", file);
		guard_buf_release(&masked);
		return;
	}
	if (n > 0)
		s = masked.buf, len = masked.len;
	for (size_t i = 0; i < len;) {
		size_t w = i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
			i++;
		if (i - w > RISK_FILE_WORD_MAX && !plain_path(s + w, i - w))
			guard_buf_addf(&out, "[%zu characters of %.60s]", i - w, file);
		else
			guard_buf_add(&out, s + w, i - w);
		for (; i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'); i++)
			guard_buf_addch(&out, s[i]);
	}
	guard_buf_reset(text);
	guard_buf_add(text, out.buf ? out.buf : "", out.len);
	guard_buf_release(&out);
	guard_buf_release(&masked);
}

void
risk_explain(struct risk_state *st, const char *fmt, ...)
{
	struct guard_buf line = GUARD_BUF_INIT;
	va_list ap;

	if (!st->ex)
		return;
	indent(st);
	va_start(ap, fmt);
	guard_buf_vaddf(&line, fmt, ap);
	va_end(ap);
	/* "tokens: " is guard's label, not the file's (the redaction would read it as "token: VALUE") */
	size_t label = line.len >= 8 && !memcmp(line.buf, "tokens: ", 8) ? 8 : 0;
	struct guard_buf rest = GUARD_BUF_INIT;
	if (st->from_file && label) {
		guard_buf_add(&rest, line.buf + label, line.len - label);
		risk_file_text_clean(st->from_file, &rest);
		line.len = label;
		guard_buf_add(&line, rest.buf ? rest.buf : "", rest.len);
	} else if (st->from_file) {
		risk_file_text_clean(st->from_file, &line);
	}
	guard_buf_release(&rest);
	guard_buf_add(st->ex, line.buf ? line.buf : "", line.len);
	guard_buf_addch(st->ex, '\n');
	guard_buf_release(&line);
}

struct risk_state
risk_quiet(const struct risk_state *st, struct guard_risk *scratch, bool remote)
{
	struct risk_state quiet = *st;

	guard_risk_init(scratch);
	quiet.out = scratch;
	quiet.ex = NULL;
	quiet.remote = remote;
	return quiet;
}

void
risk_rule(struct risk_state *st, enum guard_level level, char cls, const char *fmt, ...)
{
	struct guard_buf reason = GUARD_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	guard_buf_vaddf(&reason, fmt, ap);
	va_end(ap);
	if (st->from_file)
		risk_file_text_clean(st->from_file, &reason);
	/* The reason a person reads first is the first one found at the highest level. */
	bool first = level > st->out->level && st->out->reasons.len && !guard_list_has(&st->out->reasons, reason.buf);
	risk_base(st, level, cls);
	guard_list_add_unique(&st->out->reasons, reason.buf);
	if (first) {
		struct guard_list *l = &st->out->reasons;
		char *top = l->items[l->len - 1];
		memmove(l->items + 1, l->items, (l->len - 1) * sizeof(*l->items));
		l->items[0] = top;
	}
	risk_explain(st, "    rule: %s  =>  %s/%c", reason.buf, guard_level_name(level), cls);
	guard_buf_release(&reason);
}

void
risk_unparsed(struct risk_state *st, const char *fmt, ...)
{
	struct guard_buf why = GUARD_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	guard_buf_vaddf(&why, fmt, ap);
	va_end(ap);
	st->out->unparsed = true;
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "not fully analysed (%s): rated high", why.buf);
	guard_buf_release(&why);
}

static void
explain_part(struct risk_state *st, size_t n, const struct guard_shell_cmd *c)
{
	struct guard_buf line = GUARD_BUF_INIT;

	if (!st->ex)
		return;
	for (size_t i = 0; i < c->nassigns; i++)
		guard_buf_addf(&line, "%s%s", line.len ? " " : "", c->assigns[i].text);
	for (size_t i = 0; i < c->argc; i++)
		guard_buf_addf(&line, "%s%s", line.len ? " " : "", c->argv[i].text);
	for (size_t i = 0; i < c->nredirs; i++) {
		static const char *const ops[] = { ">", ">>", "&>", "<", "<>", "<<", "<<<", ">&" };
		char fd[16] = "";
		if (c->redirs[i].fd >= 0)
			snprintf(fd, sizeof(fd), "%d", c->redirs[i].fd);
		guard_buf_addf(&line, "%s%s%s%s", line.len ? " " : "", fd, ops[c->redirs[i].op],
			       c->redirs[i].target.text);
	}
	risk_explain(st, "part %zu (depth %u%s%s%s): %s", n, c->depth, c->substituted ? ", substituted" : "",
		     c->pipe_pos ? ", reads the pipe" : "", c->background ? ", background" : "", line.buf);
	guard_buf_release(&line);
}

bool
risk_add_cwd(struct risk_state *st, const char *dir)
{
	for (size_t i = 0; i < st->ncwds; i++)
		if (!strcmp(st->cwds[i], dir))
			return true;
	if (st->ncwds >= RISK_MAX_CWDS)
		return false;
	st->cwds[st->ncwds++] = guard_xstrdup(dir);
	return true;
}

/* Rate c as run in dir (env -C DIR): relative paths start there, then the old places return. */
void
risk_in_dir(struct risk_state *st, const char *dir, struct risk_cmd *c)
{
	char *saved[RISK_MAX_CWDS];
	size_t nsaved = st->ncwds;

	memcpy(saved, st->cwds, sizeof(saved));
	st->cwds[0] = guard_path_resolve(saved[0], dir, st->ctx->home);
	st->ncwds = 1;
	risk_explain(st, "    relative paths start at %s for this command", st->cwds[0]);
	risk_analyse_cmd(st, c);
	for (size_t i = 0; i < st->ncwds; i++)
		free(st->cwds[i]);
	memcpy(st->cwds, saved, sizeof(saved));
	st->ncwds = nsaved;
}

/* A function that calls itself in a pipe or in the background forks forever. */
static void
check_fork_bomb(struct risk_state *st, const struct guard_shell_cmd *c)
{
	if (c->function && c->argc && !strcmp(c->argv[0].text, c->function) &&
	    (c->piped_out || c->pipe_pos || c->background))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC,
			  "fork bomb: function %s calls itself in a pipe or background", c->function);
}

static void
explain_tokens(struct risk_state *st, const struct guard_shell *sh)
{
	struct guard_buf line = GUARD_BUF_INIT;

	if (!st->ex)
		return;
	for (size_t i = 0; i < sh->tokens.len; i++)
		guard_buf_addf(&line, "%s[%s]", i ? " " : "", sh->tokens.items[i]);
	risk_explain(st, "tokens: %s", line.len ? line.buf : "(none)");
	guard_buf_release(&line);
}

void
risk_command_line(struct risk_state *st, const char *command, size_t len)
{
	struct guard_shell sh;
	struct guard_shell_vars vars = { st->ctx->home, st->cwds[0], st->outer_names, st->outer_values };

	st->outer_names = st->outer_values = NULL; /* a shell the action starts does not see them */
	memset(&sh, 0, sizeof(sh));
	sh.want_tokens = st->ex != NULL;
	guard_shell_parse(&sh, command, len, &vars);
	risk_proc_words(&sh);
	explain_tokens(st, &sh);
	const char *body_of = NULL; /* the function whose body was last asked about */
	bool deferred = false;
	for (size_t i = 0; i < sh.ncmds && !risk_walk_expired(); i++) {
		const struct guard_shell_cmd *c = &sh.cmds[i];
		struct risk_cmd rc;
		explain_part(st, i + 1, c);
		check_fork_bomb(st, c);
		if (c->function && c->function != body_of)
			body_of = c->function, deferred = risk_function_deferred(&sh, c->function);
		if (c->function && deferred) {
			risk_explain(st, "    in the body of %s: rated where it is called", c->function);
			continue;
		}
		risk_track_cd(st, &sh, c);
		memset(&rc, 0, sizeof(rc));
		rc.sh = &sh;
		rc.cmd = c;
		rc.argv = c->argv;
		rc.argc = c->argc;
		risk_part(st, &rc);
	}
	if (sh.unparsed)
		risk_unparsed(st, "%s", sh.reason);
	if (sh.prompts.len)
		risk_unparsed(st, "%s expands a value guard does not know as a prompt, running the commands in it",
			      sh.prompts.items[0]);
	guard_shell_release(&sh);
}

void
risk_nested(struct risk_state *st, const char *what, const char *script, size_t len)
{
	if (st->nest >= RISK_MAX_NEST) {
		risk_unparsed(st, "%s nested more than %d deep", what, RISK_MAX_NEST);
		return;
	}
	risk_explain(st, "    entering nested shell: %s", what);
	st->nest++;
	risk_command_line(st, script, len);
	st->nest--;
	risk_explain(st, "    leaving nested shell: %s", what);
}

static void
state_init(struct risk_state *st, const struct guard_risk_ctx *ctx, struct guard_risk *out)
{
	memset(st, 0, sizeof(*st));
	risk_glob_cache_epoch(ctx->cfg ? ctx->cfg->serial : 0);
	st->ctx = ctx;
	st->out = out;
	st->ex = ctx->explain;
	st->cwds[0] = guard_xstrdup(ctx->cwd && *ctx->cwd ? ctx->cwd : (ctx->project ? ctx->project : "/"));
	st->ncwds = 1;
	st->scanner = &st->scanner_own;
	st->files = &out->files;
	st->held = &st->held_own;
	st->vars = risk_line_vars_new();
	risk_walk_start();
}

static void
state_release(struct risk_state *st)
{
	for (size_t i = 0; i < st->ncwds; i++)
		free(st->cwds[i]);
	free(st->cwd_before_cd);
	guard_list_clear(&st->aliases);
	guard_list_clear(&st->hashed);
	guard_list_clear(&st->downloads);
	guard_list_clear(&st->later);
	guard_list_clear(&st->held_own);
	risk_scanner_release(st->scanner_own);
	risk_line_vars_free(st->vars);
}

static void
explain_list(struct risk_state *st, const char *title, const struct guard_list *l)
{
	if (!l->len)
		return;
	risk_explain(st, "%s:", title);
	for (size_t i = 0; i < l->len; i++)
		risk_explain(st, "  - %s", l->items[i]);
}

void
risk_explain_result(struct risk_state *st)
{
	const struct guard_risk *r = st->out;

	if (!st->ex)
		return;
	risk_explain(st, "result: %s/%c%s", guard_level_name(r->level), r->cls,
		     r->unparsed ? " (not fully analysed)" : "");
	explain_list(st, "reasons", &r->reasons);
	explain_list(st, "targets (written, moved or deleted)", &r->targets);
	explain_list(st, "reads", &r->reads);
	explain_list(st, "hosts", &r->hosts);
	explain_list(st, "creates (did not exist)", &r->creates);
	explain_list(st, "files (an approval binds their bytes)", &r->files);
}

int
guard_risk_command(const struct guard_risk_ctx *ctx, const char *command, struct guard_risk *out)
{
	struct risk_state st;

	if (!ctx || !command || !out)
		return guard_error(GUARD_EUSAGE, "guard_risk_command: missing argument");
	state_init(&st, ctx, out);
	risk_explain(&st, "command: %s", command);
	risk_command_line(&st, command, strlen(command));
	return risk_state_end(&st);
}

/* For guard_risk_tools.c: a state over ctx/out with explanation. */
void
risk_state_begin(struct risk_state *st, const struct guard_risk_ctx *ctx, struct guard_risk *out)
{
	state_init(st, ctx, out);
}

int
risk_state_end(struct risk_state *st)
{
	int rc = risk_walk_finish(st);

	risk_explain_result(st);
	state_release(st);
	return rc;
}

static cJSON *
list_json(const struct guard_list *l)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < l->len; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->items[i]));
	return a;
}

/*
 * The member names are literals: added as cJSON's constant keys (not
 * copied, never freed), which every event's risk object spares.
 */
cJSON *
guard_risk_to_json(const struct guard_risk *r)
{
	cJSON *o = cJSON_CreateObject();
	char cls[2] = { r->cls, '\0' };

	cJSON_AddItemToObjectCS(o, "level", cJSON_CreateString(guard_level_name(r->level)));
	cJSON_AddItemToObjectCS(o, "class", cJSON_CreateString(cls));
	cJSON_AddItemToObjectCS(o, "reasons", list_json(&r->reasons));
	cJSON_AddItemToObjectCS(o, "targets", list_json(&r->targets));
	if (r->reads.len)
		cJSON_AddItemToObjectCS(o, "reads", list_json(&r->reads));
	if (r->hosts.len)
		cJSON_AddItemToObjectCS(o, "hosts", list_json(&r->hosts));
	if (r->creates.len)
		cJSON_AddItemToObjectCS(o, "creates", list_json(&r->creates));
	if (r->files.len)
		cJSON_AddItemToObjectCS(o, "files", list_json(&r->files));
	if (r->unparsed)
		cJSON_AddItemToObjectCS(o, "unparsed", cJSON_CreateTrue());
	return o;
}

int
guard_risk_event(const struct guard_risk_ctx *ctx, cJSON *event)
{
	struct guard_risk r;
	int rc;

	if (!cJSON_IsObject(event))
		return guard_error(GUARD_EUSAGE, "event is not a JSON object");
	guard_risk_init(&r);
	rc = guard_risk_rate(ctx, event, &r);
	if (rc == 0) {
		cJSON *old = guard_json_get(event, "risk");
		if (old)
			cJSON_Delete(cJSON_DetachItemViaPointer(event, old));
		guard_event_arena_on(); /* the risk object goes with the event */
		cJSON_AddItemToObjectCS(event, "risk", guard_risk_to_json(&r));
		guard_event_arena_off();
	}
	guard_risk_release(&r);
	return rc;
}
