/*
 * Internal to guard_risk*.c: the analysis state, the rule helpers every
 * verb module uses, and the verb modules' entry points.
 */
#ifndef GUARD_RISK_INT_H
#define GUARD_RISK_INT_H

#include "guard_risk.h"
#include "guard_shell.h"

#define RISK_MAX_NEST 8   /* sh -c / eval / python -c inside each other */
#define RISK_MAX_CWDS 8   /* places a relative path may start from */

struct risk_state {
	const struct guard_risk_ctx *ctx;
	struct guard_risk *out;
	struct guard_buf *ex;       /* explanation, or NULL */
	unsigned nest;              /* nested shells entered */
	bool remote;                /* ssh / docker exec: paths are not ours */
	char *cwds[RISK_MAX_CWDS];  /* candidate working directories (owned) */
	size_t ncwds;
	bool cwd_unknown;           /* a cd to a computed place happened */
	unsigned cd_depth;          /* nesting depth of the last cd */
	char *cwd_before_cd;        /* to widen the candidates when a subshell ends */
	/* variables a trap's action sees from the line that set it (or NULL) */
	const struct guard_list *outer_names, *outer_values;
	enum guard_level part_level; /* highest level of the part being rated */
	/* What earlier parts of the line leave for later ones (owned by the
	 * outermost state; copies made for quiet ratings only read them). */
	struct guard_list aliases;   /* "NAME=VALUE" defined by alias, in order */
	unsigned alias_active;       /* bit i: alias i is being expanded */
	struct guard_list downloads; /* absolute paths a downloader wrote */
	bool guard_mentioned;        /* an earlier part named guard's state */
	struct guard_list *held;     /* the outermost state's arrays freed when the rating ends (risk_operands_all) */
	struct guard_list held_own;
	struct guard_list later;     /* files written, programs copied, npm scripts and
					git aliases set, for later parts (guard_risk_run.c) */
	size_t part_later;           /* later's length when the part being rated began */
	const char *secret_pipe;     /* what secret the current pipeline carries (static text), or NULL */
	unsigned fn_calls;           /* function calls followed into their bodies */
	const char *loader_set;      /* LD_PRELOAD/LD_AUDIT/LD_LIBRARY_PATH exported earlier on the line (static text) */
	struct guard_scanner **scanner; /* guard-scan's rules for text written by the line (made on first use) */
	struct guard_scanner *scanner_own; /* the outermost state's: scanner points here */
	struct guard_list *files;    /* the outermost result's files (guard_risk_bind.c); quiet copies share it */
	const char *from_file;       /* the file (as written) whose text is being rated, or NULL: its words are
					not quoted as they are in reasons and explanations (risk_file_text_clean) */
	struct guard_list hashed;    /* "NAME=PATH" set by hash -p / BASH_CMDS[NAME]= (guard_risk_shellforms.c) */
	struct risk_line_vars *vars; /* names by reference and folders the line left (guard_risk_envname.c,
					guard_risk_cd.c); made by the outermost state, quiet copies share it */
};

/* One simple command after the wrappers are stripped. */
struct risk_cmd {
	const struct guard_shell *sh;
	const struct guard_shell_cmd *cmd;
	const struct guard_shell_word *argv; /* argv[0] is the verb */
	size_t argc;
	char name[64];     /* argv[0] without directories, or "" when computed */
	bool elevated;     /* through sudo, doas, su */
	bool xargs;        /* more arguments arrive on stdin */
	bool find_items;   /* "{}" stands for files found by find */
	const char *find_root; /* their root, when find_items */
	bool find_filtered;    /* find selected some files (-name ...), not all */
	const char *xargs_repl; /* xargs -I/-i/--replace/-J: the replacement string */
	bool xargs_file;        /* xargs -a FILE: the items come from a file, not stdin */
	bool xargs_split;       /* xargs -0 / -d C: an item is all up to xargs_delim (blanks and quotes kept) */
	char xargs_delim;
	const char *xargs_from; /* that FILE (NULL: not known) */
	unsigned xargs_max;     /* xargs -n N / -L N: items (lines) a command gets; 0: as many as fit */
	bool xargs_lines;       /* that count is of lines (-L, -l) */
};

/* Record a rule: merge level/class into the result, add the reason. */
void risk_rule(struct risk_state *st, enum guard_level level, char cls, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Only raise the level/class, no reason (everyday commands). */
void risk_base(struct risk_state *st, enum guard_level level, char cls);

/*
 * A copy of st that rates into scratch (initialised here; the caller
 * releases it) and explains nothing: to ask what something would rate
 * without recording it. remote: treat paths as not on this machine.
 */
struct risk_state risk_quiet(const struct risk_state *st, struct guard_risk *scratch, bool remote);
/* One more place relative paths may start from (an MCP server's folder); false when there is no room. */
bool risk_add_cwd(struct risk_state *st, const char *dir);
/* A line of explanation at the current nesting (no-op without explain). */
void risk_explain(struct risk_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void risk_unparsed(struct risk_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Analyse a nested command line (sh -c, eval, heredoc scripts). */
void risk_nested(struct risk_state *st, const char *what, const char *script, size_t len);
/*
 * text (a reason or an explanation line) made while rating the text of
 * file: secret shapes masked (the built-in redaction), and each word over
 * 40 characters that is no plain path replaced by its length and file.
 */
struct guard_buf;
void risk_file_text_clean(const char *file, struct guard_buf *text);
/*
 * Before what reads the text of file (abs: resolved) to rate it: when the
 * file is a secret by guard's rules (sensitive_paths, guard's keys folder),
 * its run is rated as a read of a secret and true is returned: the caller
 * must not read it. Otherwise false.
 */
bool risk_secret_source(struct risk_state *st, const char *what, const char *file, const char *abs);

/* Paths. */
enum risk_path_op {
	PATH_READ,
	PATH_WRITE,
	PATH_TRUNCATE,     /* > file */
	PATH_DELETE,       /* one file */
	PATH_DELETE_TREE,  /* recursive */
	PATH_DELETE_UNDER, /* some files below (find -name x -delete) */
	PATH_MOVE,         /* mv source */
	PATH_PERM,         /* chmod/chown one path */
	PATH_PERM_TREE,    /* chmod/chown -R */
	PATH_EXEC          /* a script that is run */
};
void risk_path(struct risk_state *st, const char *verb, const struct guard_shell_word *w,
	       enum risk_path_op op);
/* Set by rm while it rates its operands when it is the line's only command (guard_risk_fs.c). */
extern _Thread_local bool risk_rm_alone;
void risk_path_str(struct risk_state *st, const char *verb, const char *path, enum risk_path_op op);
/* A path in an argument such as --file=PATH or @PATH: check it only if sensitive. */
void risk_sniff_arg(struct risk_state *st, const char *verb, const struct guard_shell_word *w);
bool risk_host_local(const char *host);
bool risk_remote_host(struct risk_state *st, const char *verb, const char *url);
/* url's host is neither local nor in allowed_hosts (nothing recorded). */
bool risk_url_foreign(const struct risk_state *st, const char *url);
/* A host (as recorded in out->hosts) neither local, allowed nor the metadata service (rated apart). */
bool risk_host_foreign(const struct risk_state *st, const char *host);
/*
 * A call that reaches a host not in allowed_hosts with a secret in its own
 * text (a token in the URL, a header, a here-string): critical, naming the
 * scan rule (guard_risk_written.c). input: the tool's input.
 */
void risk_secret_outbound(struct risk_state *st, const char *tool, const cJSON *input);
bool risk_host_private(const char *host);
bool risk_host_metadata(const char *host);
/* Numeric hosts through inet_pton (guard_risk_addr.c): IPv6 private/link-local/loopback, v4-mapped judged as v4. */
bool risk_addr_private(const char *host);
/* host without "[...]", in lower case, into out; its length, 0 when empty or too long for out. */
size_t risk_host_lower(const char *host, char *out, size_t size);
bool risk_addr_metadata(const char *host);
/* The host of a URL ("[::1]" without its brackets, lower case) into out; "" when none. */
void risk_url_host(const char *url, char *out, size_t size);
/*
 * An http:, https:, ws:, wss: or ftp: URL as WHATWG reads it (leading
 * blanks dropped, any run of '/' and '\\' after the colon, none too:
 * attack11 L4): where its authority starts; NULL for any other text.
 */
const char *risk_url_authority(const char *url);
/* Gemini's web_fetch: every http(s) URL its prompt names, rated as a WebFetch url (guard_risk_fetch.c). */
/*
 * Each match of PCRE2 pattern in text (bounded backtracking; at most max),
 * given to fn with its offsets (start/end pairs, RISK_MATCH_SUBS of them;
 * (size_t)-1 unset). The count, -1 for an error, -2 past max.
 */
#define RISK_MATCH_SUBS 8
typedef void risk_match_fn(void *arg, const char *text, const size_t *ov);
int risk_regex_each(const char *pattern, const char *text, size_t max, risk_match_fn *fn, void *arg);
/* Hosts and ports interpreter code reaches through socket/HTTP APIs that name them apart (guard_risk_sockets.c). */
void risk_code_sockets(struct risk_state *st, const char *lang, const char *code);
/* A URL a tool fetches (WebFetch url): host, local/private/metadata addresses, file: URIs read as paths. */
void risk_fetch_url(struct risk_state *st, const char *tool, const char *url);
void risk_fetch_prompt(struct risk_state *st, const char *tool, const char *prompt);
bool risk_is_sensitive(const struct risk_state *st, const char *display, const char *abs);
/* A sensitive glob below the folder (home holds ~/.ssh), or NULL; "/" holds them all. */
const char *risk_sensitive_below(const struct risk_state *st, const char *display, const char *abs);
void risk_host(struct risk_state *st, const char *verb, const char *url);
/* NAME=VALUE setting a proxy (http_proxy=, git's http.proxy=, wget's -e https_proxy=): its host is reached (K17). */
void risk_proxy_set(struct risk_state *st, const char *prog, const char *word);
/* --proxy V, --https-proxy=V, wget -e http_proxy=V on any command: the proxy's host is reached. */
void risk_proxy_options(struct risk_state *st, const struct risk_cmd *c);

/* Argument helpers. */
bool risk_flag(const struct risk_cmd *c, char letter, const char *longname);
const char *risk_opt_value(const struct risk_cmd *c, const char *shortopt, const char *longopt);
/* A git global option that is an environment variable (word "GIT_EXEC_PATH=DIR"): rated as setting it for git. */
void risk_env_option(struct risk_state *st, const char *word, const char *how);
/* Files named by pattern (PREFIX*SUFFIX) are written: critical when guard's state can be among them. */
void risk_named_outputs(struct risk_state *st, const char *verb, const char *pattern);
/* Files named PREFIX + a suffix not known here are written: critical when one can be guard's. */
void risk_suffixed_outputs(struct risk_state *st, const char *verb, const char *prefix);
/* patch's backups and rejects of FILE it changes (-b, -B, -Y, -z, -d, -r); its options taking a value. */
void risk_patch_backups(struct risk_state *st, const struct risk_cmd *c, const char *file);
#define RISK_PATCH_WITH_ARG                                                                                         \
	"-i -p -d -o -D -B -F -r -V -Y -z -g --input --strip --directory --output --reject-file --prefix "          \
	"--basename-prefix --suffix --version-control --ifdef --fuzz --get --quoting-style"
/* A folder a program makes, judged for guard's state (critical) and folders (high) only. */
void risk_path_guard_write(struct risk_state *st, const char *verb, const char *path);
/* cp/rsync -r, -R, -a: a tree is copied. */
bool risk_recursive_copy(const struct risk_cmd *c);
/* FILE's backup under a derived name (FILE+SUFFIX, '*' in SUFFIX: the name; SUFFIX NULL: any ending) is written. */
enum risk_backup_star { RISK_STAR_NONE, RISK_STAR_WHOLE };
void risk_backup_write(struct risk_state *st, const char *verb, const char *file, const char *suffix,
		       enum risk_backup_star star);
/* The compressors (guard_risk_packers.c): the names each makes from the names it is given. */
bool risk_is_packer(const char *name);
void risk_rate_packer(struct risk_state *st, const struct risk_cmd *c);
/* The option's value as a word: a separate word keeps its flags ("-C ~" is home); false: absent. */
bool risk_opt_word(const struct risk_cmd *c, const char *shortopt, const char *longopt,
		   struct guard_shell_word *out);
/*
 * Could word i be the value of the option before it (an option word with
 * no "=" that is not one of switches)? For flags that lower a rating
 * (--dry-run, --check): a program that takes the next word as a value
 * whatever it looks like reads `--tag --check` as a tag named --check.
 */
bool risk_after_value_option(const struct risk_cmd *c, size_t i, const char *const *switches);
/*
 * Operands (non-options) of c from index from, skipping the values of the
 * options listed in with_arg ("-t --target-directory ..."). Returns the count.
 */
size_t risk_operands(const struct risk_cmd *c, size_t from, const char *with_arg,
		     const struct guard_shell_word **out, size_t max);
/*
 * Every operand of c from word from on, however many (J9: a cap let a
 * target past the 256th go unrated). The array is owned by st's outermost
 * state and freed when the rating ends.
 */
size_t risk_operands_all(struct risk_state *st, const struct risk_cmd *c, size_t from, const char *with_arg,
			 const struct guard_shell_word ***out);
bool risk_word_is(const struct guard_shell_word *w, const char *s);
/*
 * Short option clusters as getopt reads them (guard_risk_getopt.c). The
 * program's optstring ("t:S:" take a value, "j::" an attached optional
 * one), or NULL when guard keeps none for it. The value of letter in the
 * cluster word ("-rt.ai" for t: ".ai"), or NULL with *next when it is the
 * next word; a letter taking a value before it ends the search (opts NULL:
 * only letter takes one). risk_cluster_has: letter is a switch of the
 * cluster, not inside a value. risk_cluster_attached: a value attached in
 * word at or after *from (1: all), *from moved past it; with opts the one
 * value, without each suffix after a letter in turn.
 */
const char *risk_optstring(const char *name);
/* How letter takes a value in opts: 0 not (a switch, or unknown), 1 required, 2 optional and attached. */
int risk_opt_kind(const char *opts, char letter);
const char *risk_cluster_value(const char *opts, const char *word, char letter, bool *next);
bool risk_cluster_has(const char *opts, const char *word, char letter);
const char *risk_cluster_attached(const char *opts, const char *word, size_t *from);
/*
 * Is -letter (in a cluster) or --longname given as an option, read as
 * getopt_long reads argv with c's optstring (attack12 M4): the word after
 * an option taking a value is that value whatever it looks like ("psql
 * -F -X": -X is the field separator). long_valued: the long options
 * (without "--") that take the next word, NULL-terminated.
 */
bool risk_getopt_flag(const struct risk_cmd *c, char letter, const char *longname, const char *const *long_valued);
/* tar's old-style key ("xbf 20 A"): the word the value letter takes, in key order; *used: words the key took. */
const struct guard_shell_word *risk_tar_key(const struct risk_cmd *c, char letter, size_t *used);
/* name is one of the NULL-terminated names. */
/* c->name: the basename of argv[0], cut to fit; empty when the word is computed */
void risk_set_name(struct risk_cmd *c);
bool risk_name_in(const char *const *names, const char *name);
/* text holds one of the NULL-terminated needles somewhere. */
bool risk_text_has_any(const char *text, const char *const *needles);
bool risk_arg_has(const struct risk_cmd *c, const char *s);
/* An argument starts with prefix (--rmi=all, --zero-superblock by --zero). */
bool risk_arg_prefix(const struct risk_cmd *c, const char *prefix);
/* --help (or shortopt, NULL: none) given before any "--": the program prints its usage and does nothing else. */
bool risk_help_asked(const struct risk_cmd *c, const char *shortopt);
bool risk_ieq(const char *a, const char *b);
const char *risk_basename(const char *path);

/*
 * Verb modules: each returns true when it knew the verb. A module is asked
 * only about the names in its list (NULL-terminated; "mkfs*" is a prefix),
 * so a verb added to a module's rules goes into its list too.
 */
extern const char *const risk_fs_verbs[];
extern const char *const risk_git_verbs[];
extern const char *const risk_shell_verbs[];
extern const char *const risk_interp_verbs[];
extern const char *const risk_k8s_verbs[];
extern const char *const risk_infra_verbs[];
extern const char *const risk_sql_verbs[];
extern const char *const risk_agent_verbs[];
extern const char *const risk_storage_verbs[];
extern const char *const risk_stores_verbs[];
extern const char *const risk_runners_verbs[];
extern const char *const risk_sys_verbs[];
extern const char *const risk_net_verbs[];
extern const char *const risk_run_verbs[];
extern const char *const risk_progs_verbs[];
extern const char *const risk_editor_verbs[];
/* Programs that download (guard_risk_flow.c), and a fast test for one. */
extern const char *const risk_downloaders[];
bool risk_is_downloader(const char *name);
/* Rate one part: its redirections, then the command (wrappers stripped). */
void risk_part(struct risk_state *st, struct risk_cmd *c);
/* Rate a command given as words (find -exec, xargs, wrappers): no redirections. */
void risk_analyse_cmd(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_fs(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_git(struct risk_state *st, struct risk_cmd *c);
/* The index of git's subcommand in c->argv, past -C DIR, -c K=V and the other global options (argc: none). */
size_t risk_git_sub_index(const struct risk_cmd *c);
/* Would a refspec destination (a '+' allowed) write refs/guard/audit: named, or a pattern covering it? */
bool risk_git_dst_guard_ref(const char *dst);
/* A push destination naming a protected branch as git resolves it (heads/main, refs/heads/<star>). */
bool risk_git_protected_dst(const char *dst);
/* A GIT_TRACE* / trace2.*Target value: a file git appends its trace to, rated as a write (J18). */
void risk_git_trace_target(struct risk_state *st, const char *how, const char *value);
/* git fetch / pull / remote update / remote prune: refspecs from git's settings covering refs/guard/audit. */
void risk_git_fetch_route(struct risk_state *st, const struct risk_cmd *c, size_t sub);
/* Long options given as a unique prefix written out in full; true: the rewritten command was rated. */
bool risk_longopt_expand(struct risk_state *st, struct risk_cmd *c);
/* Options whose value is a command the program runs (git grep -O, split --filter, ...): rated as a shell line. */
void risk_option_runners(struct risk_state *st, const struct risk_cmd *c);
/* A wrapper's own long options cut short (nice --adj 5 rm): true: the rewritten command was rated. */
bool risk_longopt_wrapper(struct risk_state *st, struct risk_cmd *c);
/* A command string git hands to a shell (what: "git rebase --exec"): rated as a nested line. */
void risk_git_runs(struct risk_state *st, const char *what, const struct guard_shell_word *w, const char *cmd);
/* git clean -n/--dry-run (its -e values read as values): it only lists the paths it names. */
bool risk_git_clean_dry_run(const struct risk_cmd *c);
/* git's work tree set to value (core.worktree relative to .git: from_gitdir; --work-tree, GIT_WORK_TREE): rated. */
void risk_git_worktree(struct risk_state *st, const char *how, const char *value, bool from_gitdir);
/* A repository other than the project's whose work tree reaches guard's state (guard_risk_git_repo.c). */
void risk_git_foreign(struct risk_state *st, const struct risk_cmd *c, size_t sub);
/* rsync -R: each source recreated below the destination (guard_risk_rsync.c). */
void risk_rsync_relative(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *const *ops,
			 size_t n);
/* The git folder of the repository git works in from FOLDER (walking up as git does), malloc'd; NULL: none readable (guard_risk_git_repo.c). */
char *risk_git_dir_of(const struct risk_state *st, const char *folder);
/* export GIT_WORK_TREE to the project or above (guard_risk_git_repo.c). */
void risk_git_worktree_export(struct risk_state *st, const char *value);
/* git init --separate-git-dir over an existing repository (guard_risk_git_repo.c). */
void risk_git_init_moves(struct risk_state *st, const struct risk_cmd *c, size_t sub);
/* The template folder git init/clone take from GIT_TEMPLATE_DIR or -c init.templateDir on c's line (NULL: none). */
const char *risk_git_template_env(const struct risk_cmd *c, size_t sub);
/* git clone/init --template DIR (and the cut-short and env spellings): the template's hooks run (attack9 J14). */
void risk_git_template(struct risk_state *st, const struct risk_cmd *c, size_t sub);
/* An ext:: command (words split on spaces, "% " a space, "%%" a percent sign) rated as the line git runs. */
void risk_git_ext_command(struct risk_state *st, const char *what, const struct guard_shell_word *w, const char *text);
/* git verbs that push, serve or run a transport by hand: send-pack, http-push, remote-ext, daemon, ... (attack9 J8, J13). */
bool risk_git_transport_verb(struct risk_state *st, const struct risk_cmd *c, size_t sub);
/* git-VERB (git-send-pack, /usr/lib/git-core/git-remote-ext): rated as git VERB too. */
void risk_git_dashed(struct risk_state *st, const struct risk_cmd *c);
/* A write of a nested repository's settings or of a gitfile (guard_risk_git_repo.c). */
void risk_git_nested_write(struct risk_state *st, const char *verb, const char *abs, const char *shown);
/*
 * Where a push goes and what git uploads (guard_risk_gitpush.c): the
 * settings files git reads here (owned, NULL when none), git -c /
 * --config-env and git config writes of the keys that route a push, a
 * push's refspecs and destination as git takes them, the uploads of other
 * git verbs (remote, submodule add, archive --remote, send-email,
 * request-pull), the resolvers (dig, ping, ...) and gh gist / pip download.
 */
void risk_git_config_files(const struct risk_state *st, char *files[4]);
/* A settings key (its first klen bytes) against "section.name" or "section.*.name" (any case). */
bool risk_git_key_matches(const char *kv, size_t klen, const char *pat);
void risk_git_route_options(struct risk_state *st, const struct risk_cmd *c, size_t sub);
void risk_git_config_route(struct risk_state *st, const struct guard_shell_word *w, size_t n);
void risk_git_push_route(struct risk_state *st, const struct risk_cmd *c, size_t sub);
void risk_git_uploads(struct risk_state *st, const struct risk_cmd *c, const char *sub, const struct guard_shell_word *w,
		      size_t n);
extern const char *const risk_resolver_verbs[];
bool risk_resolver(struct risk_state *st, const struct risk_cmd *c);
void risk_net_uploaders(struct risk_state *st, const struct risk_cmd *c);
bool risk_verb_shell(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_interp(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_infra(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_k8s(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_sql(struct risk_state *st, struct risk_cmd *c);
/* claude, gemini, codex run as commands (guard_risk_agents.c). */
bool risk_verb_agent(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_storage(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_stores(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_runners(struct risk_state *st, struct risk_cmd *c);
/* Frameworks' database tasks (artisan migrate:fresh, mix ecto.drop, ...), whatever module claims the program. */
void risk_db_tasks(struct risk_state *st, const struct risk_cmd *c);
bool risk_verb_sys(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_net(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_run(struct risk_state *st, struct risk_cmd *c);
bool risk_verb_progs(struct risk_state *st, struct risk_cmd *c);
/* Editors that run the commands they read (guard_risk_editors.c): vim/ex -c, stdin, -S/-u; ed's stdin. */
bool risk_verb_editor(struct risk_state *st, struct risk_cmd *c);
/*
 * The text of a script file a program runs (NUL-terminated, caller frees),
 * or NULL when rated instead: a secret, or a file guard cannot read now (high).
 */
char *risk_command_file_text(struct risk_state *st, const char *what, const char *file);

/* Runners (guard_risk_run.c). xargs CMD (wrapper stripped): true when rated. */
bool risk_xargs(struct risk_state *st, struct risk_cmd *c);
/* xargs WRAPPER with no command of its own (xargs nice): the command is xargs's input (K10). */
void risk_xargs_input_command(struct risk_state *st, struct risk_cmd *c);
/* Word k of parallel c is judged by the command parallel runs (or only read): not a write of parallel's own. */
bool risk_parallel_judged(const struct risk_cmd *c, size_t k);
/* docker exec, kubectl exec, npm scripts, git aliases: the command they run (never claims c). */
void risk_runs_inside(struct risk_state *st, const struct risk_cmd *c);
/* f ARGS, a function defined on the line: its body rated with $1 ... as ARGS. */
void risk_function_call(struct risk_state *st, const struct risk_cmd *c);
/* Is every use of function name a plain call, one at least outside any body? Then its body is rated at the calls only. */
bool risk_function_deferred(const struct guard_shell *sh, const char *name);
/* The text written earlier on the line into path (as written; appends joined), or NULL when not known. */
const char *risk_later_text(const struct risk_state *st, const char *path);
/* path was copied earlier on the line from a file on disk (cp, install, mv, cat F >, a link made): that file (owned), or NULL. */
char *risk_later_copy(const struct risk_state *st, const char *path);
/* abs (absent now) is written earlier on the line with text not known here (a program's output, a download): by what, or NULL. */
const char *risk_later_writer(const struct risk_state *st, const char *abs);
/* abs is a link made earlier on the line, or lies below one: where the link leads (*rest: abs's length matched), or NULL. */
const char *risk_later_link(const struct risk_state *st, const char *abs, size_t *rest);
/* What part c leaves for later parts: files written, programs copied. */
void risk_later_note(struct risk_state *st, const struct risk_cmd *c);
/* After c was rated: a link it made (ln, cp -l, cp -s), for writes through it later on the line. */
void risk_later_note_links(struct risk_state *st, const struct risk_cmd *c);
/* After a part guard cannot follow the writes of (python3 -c, make, tar x, an unknown program): what it is. */
void risk_later_note_writer(struct risk_state *st, const char *name);
/*
 * abs (absent when the line is rated) may be made by such a part before
 * the one being rated: the latest after anything the line is known to
 * write there, or NULL.
 */
const char *risk_later_unseen_writer(const struct risk_state *st, const char *abs);
/* file, run by c (or by a shell when c is NULL), was written earlier on the line: rated, true. */
bool risk_later_run(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *file,
		    const char *what);

/* Nested shells: is name a shell; what an interpreter reading stdin runs. */
bool risk_is_shell(const char *name);
/* What echo/printf print (NULs dropped); _nul: each NUL kept as RISK_NUL (a C string holds none). */
#define RISK_NUL '\x1e'
char *risk_printed_text(const struct guard_shell_cmd *c);
char *risk_printed_text_nul(const struct guard_shell_cmd *c);
/* What cmd (a part of sh) writes to its stdout when known: echo/printf, cat/tee passing their input on (NULs kept). */
char *risk_pipe_output_nul(const struct guard_shell *sh, const struct guard_shell_cmd *cmd);
/* The index of the word cmd runs through plain wrappers (env X=1, command, stdbuf -o0, busybox): 0 when none. */
size_t risk_wrapped_at(const struct guard_shell_cmd *cmd);
/* Base64 decode of text (whitespace skipped); NULL when it is not base64 or holds a NUL. Caller frees. */
char *risk_base64_decode(const char *text);
/* The same for the other RFC 4648 alphabets (base32 -d, basenc --base32/--base32hex/--base64url -d). */
enum risk_radix { RADIX_BASE64, RADIX_BASE64URL, RADIX_BASE32, RADIX_BASE32HEX };
char *risk_radix_decode(const char *text, enum risk_radix radix);
/* Hex (xxd -r -p; blanks and colons skipped) to text; NULL when it is not hex or holds a NUL. Caller frees. */
char *risk_hex_decode(const char *in);
/* encoded decoded as decoder (base64/base32/basenc -d, xxd -r [-p], openssl base64 -d) would; NULL when it cannot be. */
char *risk_decode_as(const struct guard_shell_cmd *decoder, const char *encoded);
char *risk_literal_stdin(const struct risk_cmd *c);
char *risk_literal_stdin_nul(const struct risk_cmd *c);
/* The same where echo decodes escapes by default (zsh, dash, bash's xpg_echo); NULL when no other than plain. */
char *risk_literal_stdin_xpg_nul(const struct risk_cmd *c, const char *plain);
/*
 * A data file's text for a program that uses it (xargs -a F, cat F | patch),
 * NULs as RISK_NUL: NULL when it is a secret, no plain file or not readable
 * now (nothing rated here: the caller falls back to "not known").
 */
char *risk_data_file_text(struct risk_state *st, const char *file);
/* The data on c's stdin when guard knows it: literal, < F, or what cat F (head F ...) prints. Caller frees. */
char *risk_stdin_data(struct risk_state *st, const struct risk_cmd *c);
enum risk_stdin_kind { STDIN_SHELL, STDIN_CODE, STDIN_SQL, STDIN_TCL };
/* Tcl code (expect, tclsh): what its spawn, exec and open "|..." run, as shell lines (guard_risk_progs.c). */
void risk_tcl_text(struct risk_state *st, const char *what, const char *text);
/* A Tcl file run (expect -f F, tclsh F, tclsh < F): its text read now or written earlier on the line. */
void risk_tcl_file(struct risk_state *st, const char *what, const struct guard_shell_word *w);
void risk_stdin_program(struct risk_state *st, const struct risk_cmd *c, const char *what,
			enum risk_stdin_kind kind);

/* The string literal starting at p (its quote at *p, backslash escapes) into out; past it, or NULL unended. */
const char *risk_read_literal(const char *p, char *out, size_t size);
/* SQL and interpreter text scans (also used by tool inputs). */
void risk_sql_text(struct risk_state *st, const char *client, const char *sql);
/*
 * The SQL file a client runs (sqlite3 db < F, psql -f F): its text, as
 * given with -c, when it can be read now (or was written earlier on the
 * line); a file there but not read is high. True when its text was rated.
 */
bool risk_sql_file(struct risk_state *st, const char *client, const struct guard_shell_word *w);
/* HOME, XDG_CONFIG_HOME, MYSQL_HOME or MARIADB_HOME=DIR set on the line: the database clients' start-up files in DIR rated (attack12 M5). */
void risk_sql_home(struct risk_state *st, const char *word);
void risk_code_text(struct risk_state *st, const char *lang, const char *code);
/* R's system2("rm", c("-rf", "~")) (after: past the name): the words joined as a shell line. */
void risk_code_joined_exec(struct risk_state *st, const char *lang, const char *after);
/* R code: shell runners called, passed or named; parse(text=), source(); file writers (guard_risk_rcode.c). */
void risk_r_code(struct risk_state *st, const char *code);
/*
 * Interpreter code with the other names of a copy/unpack/move/remove/run
 * function (an alias, getattr with a literal, an assignment, a destructured
 * require, a call without parentheses) spelled as the call scan knows them
 * (guard_risk_alias.c); NULL when nothing changed. A name computed at run
 * time is rated (high) here. Caller frees.
 */
char *risk_code_canon(struct risk_state *st, const char *lang, const char *code);
/*
 * Where an interpreter finds its code (guard_risk_interp_opts.c): its own
 * option table read as it reads it (python3 -uc, -W ignore -c, node -pe,
 * ruby -we, perl -lne, --eval=, -c'...'). at: each code word (w; text: the
 * code, attached or the whole word); module: python -m's value, the option
 * at module_at; end: the first word after the options; unsure: see below.
 */
#define RISK_INTERP_CODE_MAX 8
struct risk_interp_code {
	struct {
		const struct guard_shell_word *w;
		const char *text;
	} at[RISK_INTERP_CODE_MAX];
	size_t n;
	const char *module;
	size_t module_at;
	size_t end;
	bool unsure; /* a word after an unknown long option was read as its value: it may be the script */
	bool inplace;        /* perl/ruby -i[SUFFIX]: the files are edited in place */
	const char *backup;  /* its SUFFIX as written, NULL when none or computed */
	bool backup_unknown; /* the SUFFIX is computed */
};
void risk_interp_code(const struct risk_cmd *c, const char *lang, struct risk_interp_code *out);
/* An interpreter's script word that is no file and is shaped as code: high (asked). */
void risk_interp_script_unplaced(struct risk_state *st, const char *lang, const struct guard_shell_word *w);
/* Kubernetes namespace escalation: one level up in a critical namespace. */
bool risk_namespace_critical(const struct risk_state *st, const char *ns);
/* A replica count that is zero however written ("0", "00"); a patch text setting replicas to 0. */
bool risk_count_zero(const char *s);
bool risk_patch_zero_replicas(const char *patch);

/*
 * Readers of a whole folder (guard_risk_tree.c): grep -r/rg/ag/ack over
 * ops (none: "."), and Grep/search_file_content/read_many_files, print a
 * secret file below: critical; a folder too big to look at: high.
 */
void risk_tree_reader(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *const *ops,
		      size_t n);
void risk_tree_tool(struct risk_state *st, const char *tool, const cJSON *input);
/* Programs that read a file guard did not know as readers (git diff --no-index, xargs -a, cpio -o, ln, ...). */
void risk_secret_readers(struct risk_state *st, const struct risk_cmd *c);
/* Secrets that leave without a file path (guard_risk_secret.c): one part, before its verb is rated. */
void risk_secret_part(struct risk_state *st, const struct risk_cmd *c);
/*
 * Text the line writes into files (guard_risk_written.c): what echo/printf,
 * a heredoc or here-string, tee, dd, base64 -d or sed -i put in a file, and
 * the literals of interpreter code that writes files, scanned with
 * guard-scan's rules as a Write's content is; .gitattributes naming a
 * filter/diff/merge driver and .gitmodules naming an update command.
 */
void risk_written_part(struct risk_state *st, const struct risk_cmd *c);
/* Redirection before of cmd duplicates an fd (>&3, >&$fd, >&4 after 4>&3): the file it is open on, or NULL. */
const char *risk_fd_file(const struct guard_shell *sh, const struct guard_shell_cmd *cmd, size_t before);
/* path (as written) is .gitattributes, .git/info/attributes or .gitmodules (git reads programs to run from them). */
bool risk_git_settings_file(const char *path);
/* tee FILE, dd of=FILE, sed -i (wrappers stripped): the text they write. */
void risk_written_cmd(struct risk_state *st, const struct risk_cmd *c);
void risk_written_code(struct risk_state *st, const char *lang, const char *code);
/* A file tool's input (Write content, Edit new_string, MultiEdit edits) for its file_path. */
void risk_written_tool(struct risk_state *st, const char *tool, const cJSON *input);
/* text who writes into path: scanned (a finding is critical), git drivers named in .gitattributes/.gitmodules high */
void risk_written_text(struct risk_state *st, const char *who, const char *path, const char *text);
/* A file or folder the line creates at abs: its name scanned (a secret in it is critical). */
void risk_written_name(struct risk_state *st, const char *abs, const char *display);
/* Free a state's scanner unless it is the one kept for the policy (guard_risk_written.c). */
void risk_scanner_release(struct guard_scanner *s);
/* The environment as a whole sent over the network ($(env) in curl's arguments, os.environ to urlopen). */
void risk_secret_code(struct risk_state *st, const char *lang, const char *code);
/* Programs in files the command runs (guard_risk_files.c): a script by path; make's and npm's files. */
void risk_file_script(struct risk_state *st, const struct risk_cmd *c);
void risk_file_programs(struct risk_state *st, const struct risk_cmd *c);
/* make's makefiles and includes, as make reads them (guard_risk_make.c). */
void risk_make_files(struct risk_state *st, const struct risk_cmd *c);
/*
 * make's SHELL (its value, NULL: unknown) and .SHELLFLAGS (flags_set: set
 * at all; flags NULL: unknown) rated as what runs every recipe
 * (guard_risk_make_shell.c); the language each recipe is code of
 * (SHELL := python3), or NULL for a shell.
 */
const char *risk_make_shell(struct risk_state *st, const char *dir, const char *shell, const char *flags,
			    bool flags_set);
/* ansible-playbook --check (guard_risk_ansible.c): no play or task opts out of check mode (else rated, false). */
bool risk_ansible_check_honoured(struct risk_state *st, const struct risk_cmd *c);
/* Variables that steer guard or what git reads, set or cleared for what runs (guard_risk_env.c). */
void risk_env_part(struct risk_state *st, const struct risk_cmd *c);
void risk_env_wrapper(struct risk_state *st, const struct risk_cmd *c);

/*
 * Commands written as data that bash or a program runs (guard_risk_shellforms.c):
 * PROMPT_COMMAND/PS0-4 and bash-arithmetic subscripts in the words of a part;
 * mapfile/complete -C, bind -x, fc, history -s, zip -TT, hash -p, gdb/lldb/perf/rr/ld.so
 * for a command (wrappers stripped); a name hash -p made run a path (true: rated).
 */
void risk_shell_forms_part(struct risk_state *st, const struct risk_cmd *c);
void risk_shell_forms_cmd(struct risk_state *st, struct risk_cmd *c);
bool risk_hashed_run(struct risk_state *st, const struct risk_cmd *c);

/* Flow between parts (guard_risk_flow.c). */
/* Append t in single quotes, as one shell word. */
void risk_add_single_quoted(struct guard_buf *b, const char *t);
bool risk_split_words(struct risk_state *st, struct risk_cmd *c);
void risk_alias_define(struct risk_state *st, const struct risk_cmd *c);
bool risk_alias_expand(struct risk_state *st, const struct risk_cmd *c);
void risk_note_download(struct risk_state *st, const struct risk_cmd *c);
/* <( list ) or $( list ) as a program: what its list prints is run (false: w is no such word). */
bool risk_subst_program(struct risk_state *st, const struct guard_shell_word *w, const char *what,
			enum risk_stdin_kind kind);
/* The text of script file a shell runs, rated as sh -c of it; must: unreadable now is at least ask. */
void risk_script_text(struct risk_state *st, const char *what, const char *file, bool must);

/* guard's own programs and state (guard_risk_guard.c, share/doc/trust.md). */
enum { RISK_GUARD_STATE = 1, RISK_GUARD_FOLDER = 2 };
/* path (as written) is guard's protected state, a folder holding it (not the project root), or 0. */
int risk_guard_place(const struct risk_state *st, const char *path);
/* c runs a guard program (by name, link or copy): its verb rated; true when it did. */
bool risk_guard_program(struct risk_state *st, struct risk_cmd *c, bool known_verb);
/* c rated as if its command word were name (a copy, a link, a glob's match; its first 64 words). */
void risk_analyse_as(struct risk_state *st, const struct risk_cmd *c, const char *name);
/* The verb tables (guard_risk_cmd.c): name is known; a and b are rated alike. */
bool risk_verb_known(const char *name);
bool risk_verb_alike(const char *a, const char *b);
/*
 * c runs, by a path or a name on PATH, a program the tables know under
 * another name (a symlink, a hard link, a byte-for-byte copy;
 * guard_risk_renamed.c): rated as that program too. True when c's own
 * name is unknown and it was rated so (the caller stops there).
 */
bool risk_renamed_program(struct risk_state *st, struct risk_cmd *c, bool known_verb);
/* Words of c naming guard's state or programs, judged by what c does with them. */
void risk_guard_mentions(struct risk_state *st, const struct risk_cmd *c);
/* Is the path (display and absolute forms) guard's protected state itself? */
bool risk_is_protected(const struct risk_state *st, const char *display, const char *abs);
/* The main repository's .git seen from a linked worktree's project, or "". */
const char *risk_common_git_dir(const struct risk_state *st);
/*
 * A write through a hard link (guard_risk_links.c): abs (physical) is a
 * regular file with more than one name; the one it shares with guard's
 * state is named and denied.
 */
void risk_link_write(struct risk_state *st, const char *verb, const char *abs, const char *shown);
/*
 * The file guard reads for what c applies from file (guard_risk_state.c):
 * file itself, or the source of a same-line copy (owned); NULL with
 * *unknown when its content cannot be known now (a FIFO, written on the
 * line by another program, not there yet but made on the line).
 */
char *risk_input_now(struct risk_state *st, const struct risk_cmd *c, const char *file, bool *unknown);
/* An archive named by a variable unpacked into dir: a folder of guard's state denied, the project asked. */
void risk_unpack_unknown(struct risk_state *st, const char *verb, const char *dir);
/* Does text name guard's protected state? The first path that does into token. */
bool risk_text_names_state(struct risk_state *st, const char *text, char *token, size_t size);
/*
 * Writers whose files are named in a config file or by an API
 * (guard_risk_conf.c): systemd-tmpfiles, logrotate, cmake -E, rsync
 * --files-from; each line or call rated as the shell command it amounts to.
 */
void risk_config_writers(struct risk_state *st, const struct risk_cmd *c);
/* An unknown program given a file that names guard's state: what it does with it cannot be told. */
void risk_config_unknown(struct risk_state *st, const struct risk_cmd *c);
/* Could the file-name pattern match one of guard's program names (guard-githook, guard-mcp-http too)? */
bool risk_guard_program_glob(const char *pattern);
/* Is abs one of guard's installed files (a program beside the running one, libexec, data, man)? Its name, or NULL. */
const char *risk_guard_installed(const char *abs, bool holds);
/* A symlink below dir to guard's state that a member of archive unpacks through (owned), or NULL. */
char *risk_archive_link(const struct risk_state *st, const char *dir, const char *archive);
/* A tar's members as tar joins them and writes them, links followed (guard_risk_tarhdr.c): guard's state, folders. */
void risk_tar_members(struct risk_state *st, const char *verb, const char *dir, const char *file, const char *archive);

/*
 * The file system with a one-second memory (guard_risk_memo.c): stat(2),
 * lstat(2), access(2), a bounded read of a program file, a folder listed.
 */
struct stat;
struct dirent;
int risk_memo_stat(const char *path, struct stat *sb);
int risk_memo_lstat(const char *path, struct stat *sb);
int risk_memo_access(const char *path, int mode);
int risk_memo_read(const char *path, size_t max, char **data, size_t *len);
/* A stream only: the memory's stat(2) says path is not there (ENOENT, ENOTDIR); always false off a stream. */
bool risk_memo_absent(const char *path);
/* A stream only: true, with the second of the clock an answer kept now is good for; false off a stream. */
bool risk_memo_second(time_t *now);

/*
 * The files the rating depends on, into the result's "files" (an
 * approval's digest binds them): bytes the analyzer read, a read that
 * failed (absent or unreadable), or a file run by path, hashed here.
 */
void risk_bind_bytes(const struct risk_state *st, const char *abs, const char *data, size_t len);
void risk_bind_failed(const struct risk_state *st, const char *abs);
void risk_bind_file(const struct risk_state *st, const char *abs);
/* Content fetched when the command runs (a URL, a repository) or a stream guard cannot see: never approvable. */
void risk_bind_remote(const struct risk_state *st, const char *what);
/* A manifest, chart or folder a deploy tool reads: its files bound (a folder: each file below it, bounded). */
void risk_bind_path(const struct risk_state *st, const struct guard_shell_word *w);
/* Every option value of c given as shortopt/longopt (-f A -f B, --filename=C) bound with risk_bind_path. */
void risk_bind_opts(const struct risk_state *st, const struct risk_cmd *c, const char *shortopt, const char *longopt);
/* The same for a string-slice option (kubectl -f A,B, helm -f A,B): each comma-separated part bound. */
void risk_bind_list_opts(const struct risk_state *st, const struct risk_cmd *c, const char *shortopt,
			 const char *longopt);
void risk_bind_path_list(const struct risk_state *st, const struct guard_shell_word *w);
/* The folder abs and every file below it, bound (over the bound: unreadable). */
void risk_bind_tree(const struct risk_state *st, const char *abs);
/*
 * A kustomization (kubectl -k DIR, kustomize build DIR): its folder and,
 * recursively, the resources, bases, components, patches and generator
 * files it names; a remote base as remote (J16).
 */
void risk_bind_kustomization(const struct risk_state *st, const struct guard_shell_word *w);
/* Every option value of c given as shortopt/longopt bound as a kustomization. */
void risk_bind_kustomize_opts(const struct risk_state *st, const struct risk_cmd *c, const char *shortopt,
			      const char *longopt);
/* What the command reads on stdin from a file the line names (CMD < F, cat F | CMD, $(cat F)): bound (J16). */
void risk_bind_feeds(struct risk_state *st, const struct risk_cmd *c);
/* Is what c reads on stdin bound or written in the line (a file, literal text, a kustomize build)? */
bool risk_stdin_bound(const struct risk_cmd *c);
/* Files interpreter code reads by a literal name (open('F'), readFileSync('F')): bound (J16). */
void risk_bind_code_reads(struct risk_state *st, const char *code);
/* ansible-playbook's playbooks and what they include, bound (attack8 I18). */
void risk_ansible_bind(struct risk_state *st, const struct risk_cmd *c);
/* A folder listed through the memory; each opening and entry counts against the rating's budget (below). */
void *risk_memo_opendir(const char *path);
struct dirent *risk_memo_readdir(void *dir);
void risk_memo_closedir(void *dir);
/*
 * The rating's budget (guard_risk_memo.c): folders opened and entries
 * read, glob matches checked and bytes of files read, by the whole
 * rating, and the call's deadline (guard_deadline_set). risk_walk_start
 * when a rating begins; risk_walk_finish when it ends: past the budget
 * the call is not fully analysed (high), past the deadline
 * GUARD_EEXPIRED. risk_walk_match: may one more match be checked?
 * risk_walk_read: n bytes were read (0: may a file be read?).
 * risk_walk_expired: the deadline passed, stop. risk_glob: glob(3) of an absolute pattern through the memory and
 * the budget, its matches appended to out (a repeat of the pattern in the
 * rating is not read again); false when the budget or deadline cut it.
 */
void risk_walk_start(void);
int risk_walk_finish(struct risk_state *st);
bool risk_walk_match(void);
bool risk_walk_read(size_t n);
bool risk_walk_expired(void);
bool risk_glob(const char *pattern, int flags, struct guard_list *out);
/* An unquoted glob word's matches now, from cwd (~ from home when tilde): risk_glob's answer. */
bool risk_glob_word(const struct risk_state *st, const char *cwd, const char *text, bool tilde, struct guard_list *out);
/* Program text (python -c, a heredoc script): guard verbs it runs, state it writes. */
void risk_guard_code(struct risk_state *st, const char *lang, const char *code);
/* guard_risk_guard.c for guard_risk_state.c: a program's name (or a glob of one), or NULL. */
const char *risk_guard_program_name(const char *name);
/* The guard program text names as a path (by name, link, copy, or its folder), or NULL. */
const char *risk_guard_program_at(const struct risk_state *st, const char *text);
/* Does text name a guard program anywhere ("os.system('guard-audit ...')")? */
bool risk_guard_names_program(const char *text);
/* A guard program in text followed by one of its human-only verbs: recorded, true. */
bool risk_guard_runs_human_verb(struct risk_state *st, const char *text);
/* Rate guard program prog run with c's words from index from on. */
void risk_guard_rate_program(struct risk_state *st, const struct risk_cmd *c, const char *prog, size_t from);

/* The first entry of commands.txt a wrapper claims (a dead entry), or NULL. */
const char *risk_everyday_dead(void);

/* Start of an analysis: compiled glob lists are checked against the config again (not for the same serial). */
void risk_glob_cache_epoch(unsigned long serial);

void risk_state_begin(struct risk_state *st, const struct guard_risk_ctx *ctx, struct guard_risk *out);
/* The rating ends: risk_walk_finish's result (GUARD_EEXPIRED past the deadline). */
int risk_state_end(struct risk_state *st);
void risk_explain_result(struct risk_state *st);

/* cd / pushd / popd c changes where later relative paths start (guard_risk_cd.c); sh: its line, for variables. */
void risk_track_cd(struct risk_state *st, const struct guard_shell *sh, const struct guard_shell_cmd *c);
/* Words /proc/$$/cwd/... whose only expansion is the process id: read as the paths they spell. */
void risk_proc_words(struct guard_shell *sh);

/* Rate c with relative paths starting at dir (env -C DIR). */
void risk_in_dir(struct risk_state *st, const char *dir, struct risk_cmd *c);

/*
 * Variable names as bash takes them (guard_risk_envname.c): each word of
 * export/declare/env/... that sets a variable, its name worked out where
 * the line spells it by parts (${X:-NAME}, a known $N, a name reference),
 * rated as the literal spelling is (risk_env_set); a name that cannot be
 * known here is high. how: "export exports", "assigns", "sets", ...
 */
struct risk_line_vars *risk_line_vars_new(void);
void risk_line_vars_free(struct risk_line_vars *v);
void risk_env_set(struct risk_state *st, const char *word, const char *how, bool for_git, bool for_guard);
void risk_env_word(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word *w, const char *how,
		   bool for_git, bool for_guard);
/* declare -n, printf -v, read: the names they set or make other names of (declare -n: true, nothing else to rate). */
bool risk_env_builtins(struct risk_state *st, const struct risk_cmd *c);
/* The variables c's line assigns by for/select, arithmetic, mapfile, getopts, ${N:=V}, declare -n: rated once. */
void risk_line_sets(struct risk_state *st, const struct risk_cmd *c);
/* name (n bytes) made another name by declare -n: its target ("" when not known), or NULL. */
const char *risk_ref_target(const struct risk_state *st, const char *name, size_t n);
/* NAME set by how to value (NULL: not known here): rated if bash runs it (prompts, PROMPT_COMMAND, BASH_ALIASES). */
void risk_shell_variable_set(struct risk_state *st, const char *how, const char *name, const char *value);
/* name (n bytes) is a variable whose value git runs as a command (GIT_SSH_COMMAND, GIT_EDITOR, PAGER, ...). */
bool risk_git_runner_var(const char *name, size_t n);
/* git push's destination names a protected branch in a spelling the policy's text rules do not read. */
void risk_git_push_spelled(struct risk_state *st, const struct guard_shell_word *w);

/* Analyse a whole command line into st (used by the public API and nesting). */
void risk_command_line(struct risk_state *st, const char *command, size_t len);

#endif
