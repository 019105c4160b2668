/*
 * The fuzz entry points, shared by the libFuzzer targets (t/fuzz/fuzz_*.c,
 * built with clang by t/fuzz/run.sh) and by the replay of the kept
 * regressions (t/unit/test_fuzz_regressions.c, built with gcc by the
 * Makefile and run plain and under ASan+UBSan by make test). Included as
 * source by both, so the replay runs exactly what the fuzzer ran.
 *
 * Each entry takes arbitrary bytes, must never crash, leak, hang or read
 * outside the buffer (it is not NUL-terminated), and returns 0.
 *
 * Policy files come from $GUARD_FUZZ_ROOT (default: the current
 * directory, which is the repository root for make test and make fuzz).
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "guard_adapter.h"
#include "guard_buf.h"
#include "guard_error.h"
#include "guard_event.h"
#include "guard_hook.h"
#include "guard_mcp.h"
#include "guard_policy.h"
#include "guard_risk.h"
#include "guard_yaml.h"

static char fuzz_default_policy[4096];
static char fuzz_nightbuilder[4096];
static char fuzz_project[4096];
static char fuzz_cwd[4200];
static char fuzz_policy_tmp[4096];
static struct guard_policy *fuzz_shell_policy;
static FILE *fuzz_null;

/* Where the filters' writer prints to: the bytes do not matter, the printing does. */
static FILE *
fuzz_sink(void)
{
	if (!fuzz_null && !(fuzz_null = fopen("/dev/null", "w")))
		abort();
	return fuzz_null;
}

static void
fuzz_paths(void)
{
	const char *root = getenv("GUARD_FUZZ_ROOT");

	if (fuzz_default_policy[0])
		return;
	if (!root || !*root)
		root = ".";
	snprintf(fuzz_default_policy, sizeof(fuzz_default_policy), "%s/policy/default.yaml", root);
	snprintf(fuzz_nightbuilder, sizeof(fuzz_nightbuilder), "%s/policy/nightbuilder.yaml", root);
	if (!realpath(root, fuzz_project))
		snprintf(fuzz_project, sizeof(fuzz_project), "/work/app");
	snprintf(fuzz_cwd, sizeof(fuzz_cwd), "%s/src", fuzz_project);
}

/* The layers for the hook and the loader: the shipped default only. */
static struct guard_policy_sources
fuzz_sources(void)
{
	struct guard_policy_sources src;

	fuzz_paths();
	memset(&src, 0, sizeof(src));
	src.builtin = fuzz_default_policy;
	src.user = "";
	src.managed = "";
	src.project = "";
	src.nightbuilder = fuzz_nightbuilder;
	return src;
}

/*
 * (a) The event reader and parser, the three adapters, the event writer
 * (what guard-risk and guard-policy print), and the whole hook (Claude
 * Code) with the default policy.
 */
int
fuzz_hook_one(const uint8_t *data, size_t size)
{
	static const enum guard_agent agents[] = { GUARD_AGENT_CLAUDE, GUARD_AGENT_GEMINI, GUARD_AGENT_CODEX };
	struct guard_policy_sources src = fuzz_sources();
	struct guard_reply reply;
	cJSON *obj = NULL;

	/* The parser on its own, then every adapter on what it accepts. */
	if (guard_event_parse((const char *)data, size, (size_t)1 << 20, &obj) == 0) {
		(void)guard_adapter_is_payload(obj);
		guard_event_write(fuzz_sink(), obj);
		for (size_t i = 0; i < sizeof(agents) / sizeof(agents[0]); i++) {
			cJSON *ev = NULL;
			if (guard_adapter_event(agents[i], obj, &ev) == 0) {
				(void)guard_event_str(ev, "input.command");
				guard_event_write(fuzz_sink(), ev);
				guard_adapter_reply(agents[i], ev, &reply);
				guard_reply_release(&reply);
			}
			cJSON_Delete(ev);
		}
		cJSON_Delete(obj);
	}

	/* The bytes as JSON Lines, with a small line limit to reach the skip path. */
	if (size) {
		FILE *f = fmemopen((void *)data, size, "r");
		if (f) {
			struct guard_reader r;
			guard_reader_init(&r, f, 512);
			for (int n = 0; n < 4096; n++) {
				cJSON *ev = NULL;
				int rc = guard_reader_next(&r, &ev);
				cJSON_Delete(ev);
				if (rc == 0 || rc == GUARD_EIO)
					break;
			}
			guard_reader_release(&r);
			fclose(f);
		}
	}

	/* The whole hook, as guard hook claude runs it (writing no approval files). */
	guard_hook_stateless(true);
	guard_hook_run(GUARD_AGENT_CLAUDE, &src, (const char *)data, size, &reply);
	guard_reply_release(&reply);
	return 0;
}

/* Events with a rating, to run a fuzzed policy that loaded. */
static const char *const fuzz_events[] = {
	"{\"v\":1,\"source\":\"claude\",\"phase\":\"pre\",\"tool\":\"Bash\","
	"\"actor\":{\"user\":\"claude\",\"role\":\"agent\"},\"input\":{\"command\":\"rm -rf build\"},"
	"\"risk\":{\"level\":\"medium\",\"class\":\"D\",\"reasons\":[\"deletes build\"],\"targets\":[\"build\"]}}",
	"{\"v\":1,\"source\":\"cli\",\"phase\":\"pre\",\"tool\":\"Read\","
	"\"actor\":{\"user\":\"alice\",\"role\":[\"agent\",\"admin\"]},\"input\":{\"file_path\":\"/p/.env\"},"
	"\"risk\":{\"level\":\"low\",\"class\":\"R\",\"reasons\":[],\"targets\":[],\"reads\":[\".env\",\"~/.ssh/id_rsa\"]}}",
	"{\"v\":1,\"source\":\"gemini\",\"phase\":\"pre\",\"tool\":\"WebFetch\","
	"\"actor\":{\"user\":\"gemini\",\"role\":\"agent\"},\"input\":{\"url\":\"https://x.example/\"},"
	"\"risk\":{\"level\":\"critical\",\"class\":\"X\",\"reasons\":[\"r\"],\"targets\":[],\"hosts\":[\"x.example\"],\"unparsed\":true}}",
};

static void
fuzz_use_policy(const struct guard_policy *p)
{
	const struct guard_risk_config *cfg;

	(void)guard_policy_rev(p);
	(void)guard_policy_tree(p);
	(void)guard_policy_warnings(p);
	(void)guard_policy_unattended(p);
	(void)guard_policy_audit_mode(p);
	(void)guard_policy_max_event_bytes(p);
	for (size_t i = 0; i < sizeof(fuzz_events) / sizeof(fuzz_events[0]); i++) {
		cJSON *ev = cJSON_Parse(fuzz_events[i]);
		if (ev)
			guard_policy_decide(p, ev);
		cJSON_Delete(ev);
	}
	cfg = guard_policy_risk(p);
	if (cfg) {
		/* The fuzzed path lists, through the analyzer that reads them. */
		struct guard_risk_ctx ctx = { cfg, "/p", "/p", "/home/dev", NULL };
		struct guard_risk r;
		guard_risk_init(&r);
		(void)guard_risk_command(&ctx, "cat .env ~/.ssh/id_rsa; rm -rf .ai build", &r);
		guard_risk_release(&r);
	}
}

static void
fuzz_policy_tmp_remove(void)
{
	if (fuzz_policy_tmp[0])
		unlink(fuzz_policy_tmp);
}

/*
 * Write the input to this process's own temp file (mode 0600), in $TMPDIR
 * (t/fuzz/run.sh points it into build/fuzz/: a crashing run cannot remove
 * its file).
 */
static const char *
fuzz_policy_file(const uint8_t *data, size_t size)
{
	int fd;

	if (!fuzz_policy_tmp[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(fuzz_policy_tmp, sizeof(fuzz_policy_tmp), "%s/guard-fuzz-policy-XXXXXX",
			 dir && *dir ? dir : "/tmp");
		fd = mkstemp(fuzz_policy_tmp);
		if (fd < 0)
			abort();
		close(fd);
		atexit(fuzz_policy_tmp_remove);
	}
	fd = open(fuzz_policy_tmp, O_WRONLY | O_TRUNC);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	close(fd);
	return fuzz_policy_tmp;
}

/*
 * (b) The policy loader: the YAML reader on the buffer, the linter for a
 * builtin and a project layer, the loader with the input as the only
 * layer (then decisions with it), and the input as the project layer
 * over the shipped default (the merge and the may-only-tighten rules).
 */
int
fuzz_policy_one(const uint8_t *data, size_t size)
{
	struct guard_list errors = GUARD_LIST_INIT;
	struct guard_yaml_doc doc;
	struct guard_policy_sources src;
	struct guard_policy *p = NULL;
	const char *path;

	fuzz_paths();
	guard_yaml_init(&doc);
	guard_yaml_parse(&doc, "fuzz.yaml", (const char *)data, size, &errors);
	guard_yaml_release(&doc);
	guard_list_clear(&errors);

	path = fuzz_policy_file(data, size);
	guard_policy_validate_file(path, GUARD_LAYER_BUILTIN, &errors);
	guard_list_clear(&errors);
	guard_policy_validate_file(path, GUARD_LAYER_PROJECT, &errors);
	guard_list_clear(&errors);

	memset(&src, 0, sizeof(src));
	src.builtin = path;
	src.user = src.managed = src.project = src.nightbuilder = "";
	src.project_root = fuzz_project;
	if (guard_policy_load(&p, &src, &errors) == 0) {
		fuzz_use_policy(p);
		guard_policy_free(p);
		p = NULL;
	}
	guard_list_clear(&errors);

	src = fuzz_sources();
	src.project = path;
	src.project_root = fuzz_project;
	if (guard_policy_load(&p, &src, &errors) == 0) {
		fuzz_use_policy(p);
		guard_policy_free(p);
	}
	guard_list_clear(&errors);
	return 0;
}

/*
 * (c) The shell analyzer: the input as one command line, rated with the
 * risk configuration of the shipped default policy (loaded once), as the
 * hook rates it and as guard explain does (with the step-by-step text).
 */
int
fuzz_shell_one(const uint8_t *data, size_t size)
{
	struct guard_risk_ctx ctx;
	struct guard_risk risk;
	struct guard_buf explain = GUARD_BUF_INIT;
	char *cmd;

	if (!fuzz_shell_policy) {
		struct guard_policy_sources src = fuzz_sources();
		struct guard_list errors = GUARD_LIST_INIT;
		src.nightbuilder = "";
		if (guard_policy_load(&fuzz_shell_policy, &src, &errors) < 0) {
			fprintf(stderr, "fuzz: %s does not load: %s\n", src.builtin,
				errors.len ? errors.items[0] : guard_error_last());
			abort();
		}
		guard_list_clear(&errors);
	}
	/* A command is a C string: what follows a NUL never reaches the analyzer. */
	cmd = malloc(size + 1);
	if (!cmd)
		abort();
	memcpy(cmd, data, size);
	cmd[size] = '\0';

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = guard_policy_risk(fuzz_shell_policy);
	ctx.cwd = fuzz_cwd;
	ctx.project = fuzz_project;
	ctx.home = "/home/dev";
	for (int pass = 0; pass < 2; pass++) {
		ctx.explain = pass ? &explain : NULL;
		guard_risk_init(&risk);
		if (guard_risk_command(&ctx, cmd, &risk) == 0)
			cJSON_Delete(guard_risk_to_json(&risk));
		guard_risk_release(&risk);
	}
	guard_buf_release(&explain);
	free(cmd);
	return 0;
}

/*
 * (d) guard mcp's frame reader: the bytes arrive in reads of sizes the
 * input's first byte picks (1..16, or 4096), against a small limit so
 * oversized frames and their id scan are exercised; every frame is parsed
 * as the proxy does, a tools/call becomes its event and its refusal text,
 * a tools/list result teaches the tool table.
 */
struct fuzz_mcp {
	struct guard_mcp_tools tools;
	size_t frames;
};

static void
fuzz_mcp_frame(void *arg, const struct guard_mcp_frame *f)
{
	struct fuzz_mcp *st = arg;
	cJSON *msg = NULL, *ev = NULL;

	st->frames++;
	if (f->oversized) {
		cJSON_Delete(*f->scan->id ? cJSON_Parse(f->scan->id) : NULL);
		return;
	}
	if (guard_event_parse(f->data, f->len, 1 << 20, &msg) < 0)
		return;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
	if (cJSON_IsString(m) && !strcmp(m->valuestring, "tools/call") &&
	    guard_mcp_call_event(msg, "fz", &st->tools, "/work/app", &ev) == 0) {
		struct guard_buf b = GUARD_BUF_INIT;
		char *text = guard_mcp_refusal_text(ev, (st->frames & 1) != 0);
		guard_mcp_tool_error(&b, "1", text);
		cJSON *post = guard_mcp_result_event(ev, msg, NULL, 1.0);
		cJSON_Delete(post);
		free(text);
		guard_buf_release(&b);
		cJSON_Delete(ev);
	}
	guard_mcp_tools_learn(&st->tools, cJSON_GetObjectItemCaseSensitive(msg, "result"));
	st->tools.trusted = !st->tools.trusted;
	cJSON_Delete(msg);
}

int
fuzz_mcp_one(const uint8_t *data, size_t size)
{
	struct guard_mcp_frames fr;
	struct fuzz_mcp st = { GUARD_MCP_TOOLS_INIT, 0 };
	size_t step = size ? (data[0] & 0x10 ? 4096 : (size_t)(data[0] & 0x0f) + 1) : 1;

	guard_mcp_frames_init(&fr, 512);
	for (size_t i = 0; i < size; i += step)
		guard_mcp_frames_feed(&fr, (const char *)data + i, size - i < step ? size - i : step, fuzz_mcp_frame, &st);
	guard_mcp_frames_feed(&fr, "\n", 1, fuzz_mcp_frame, &st);
	guard_mcp_frames_release(&fr);
	guard_mcp_tools_release(&st.tools);
	return 0;
}

/* Free what the entries keep between calls (for leak checkers). */
void
fuzz_cleanup(void)
{
	guard_policy_free(fuzz_shell_policy);
	fuzz_shell_policy = NULL;
	fuzz_policy_tmp_remove();
	fuzz_policy_tmp[0] = '\0';
	if (fuzz_null)
		fclose(fuzz_null);
	fuzz_null = NULL;
}
