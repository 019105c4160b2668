/*
 * Network: hosts reached (checked against the policy's allowed hosts),
 * downloads written to disk, uploads of local files, raw sockets and
 * reverse shells.
 */
#include <ctype.h>
#include <strings.h>

#include <cJSON.h>

#include "guard_glob.h"
#include "guard_risk_int.h"

/* The host of a URL or "user@host:path" or bare host; "" when none. */
static void
host_of(const char *url, char *out, size_t size)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at && (!slash || at < slash))
		p = at + 1;
	size_t n = 0;
	if (*p == '[') { /* [::1]:8080 */
		p++;
		while (p[n] && p[n] != ']')
			n++;
	} else {
		while (p[n] && p[n] != '/' && p[n] != ':' && p[n] != '?' && p[n] != '#')
			n++;
	}
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[n] = '\0';
}

static bool
host_allowed(const struct risk_state *st, const char *host)
{
	const struct guard_risk_config *cfg = st->ctx->cfg;
	for (size_t i = 0; cfg && i < cfg->nallowed_hosts; i++)
		if (guard_glob_match(cfg->allowed_hosts[i], host))
			return true;
	return false;
}

bool
risk_host_local(const char *host)
{
	return !strcmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "::1") ||
	       !strcmp(host, "0.0.0.0") || (strlen(host) > 6 && !strcmp(host + strlen(host) - 6, ".local")) ||
	       !strcmp(host, "host.docker.internal");
}

bool
risk_host_private(const char *host)
{
	if (!strncmp(host, "10.", 3) || !strncmp(host, "192.168.", 8) || !strncmp(host, "169.254.", 8) ||
	    !strncmp(host, "fd", 2) || !strncmp(host, "fe80", 4))
		return true;
	if (!strncmp(host, "172.", 4)) {
		int second = atoi(host + 4);
		return second >= 16 && second <= 31;
	}
	return false;
}

bool
risk_host_metadata(const char *host)
{
	return !strcmp(host, "169.254.169.254") || !strcmp(host, "metadata.google.internal") ||
	       !strcmp(host, "metadata") || !strcmp(host, "fd00:ec2::254") || !strcmp(host, "100.100.100.200");
}

/* The port of a URL: written, or the scheme's (80 for http and a bare host, 443 for https). */
static long
port_of(const char *url)
{
	const char *p = strstr(url, "://"), *end;
	bool tls = p && p - url == 5 && !strncasecmp(url, "https", 5);

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	const char *at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		p = close ? close + 1 : end;
	} else {
		p = memchr(p, ':', (size_t)(end - p)) ? memchr(p, ':', (size_t)(end - p)) : end;
	}
	if (p < end && *p == ':' && isdigit((unsigned char)p[1]))
		return strtol(p + 1, NULL, 10);
	return tls ? 443 : 80;
}

/*
 * A server guard mcp governs over HTTP (--upstream URL in the project's
 * .mcp.json): a call to the same host and port goes around the proxy to
 * the server itself (A11). Loopback names are one host. The server's
 * name, or NULL.
 */
static char *
governed_upstream(const struct risk_state *st, const char *host, long port)
{
	char *path, *data = NULL, *hit = NULL;
	size_t len = 0;
	cJSON *doc, *srv;

	if (!st->ctx->project || st->remote)
		return NULL;
	path = guard_xasprintf("%s/.mcp.json", st->ctx->project);
	if (risk_memo_read(path, 1u << 20, &data, &len) < 0 || !(doc = cJSON_ParseWithLength(data, len))) {
		free(data);
		free(path);
		return NULL;
	}
	cJSON_ArrayForEach(srv, cJSON_GetObjectItemCaseSensitive(doc, "mcpServers")) {
		const cJSON *a, *args = cJSON_GetObjectItemCaseSensitive(srv, "args");
		cJSON_ArrayForEach(a, args) {
			const char *t = cJSON_GetStringValue(a), *u = NULL;
			char uhost[256];
			if (t && !strncmp(t, "--upstream=", 11))
				u = t + 11;
			else if (t && !strcmp(t, "--upstream") && a->next)
				u = cJSON_GetStringValue(a->next);
			if (!u || hit)
				continue;
			host_of(u, uhost, sizeof(uhost));
			if (port_of(u) == port &&
			    (!strcmp(uhost, host) || (risk_host_local(uhost) && risk_host_local(host))))
				hit = guard_xstrdup(srv->string ? srv->string : "?");
		}
	}
	cJSON_Delete(doc);
	free(data);
	free(path);
	return hit;
}

void
risk_host(struct risk_state *st, const char *verb, const char *url)
{
	char host[256], *server;

	host_of(url, host, sizeof(host));
	if (!*host)
		return;
	guard_list_add_unique(&st->out->hosts, host);
	if ((server = governed_upstream(st, host, port_of(url)))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
			  "%s reaches the MCP server '%s' guard governs (its --upstream in .mcp.json) around guard mcp: %s",
			  verb, server, url);
		free(server);
	}
	if (risk_host_metadata(host))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s reaches the cloud metadata service: %s", verb, host);
	else if (risk_host_local(host) || host_allowed(st, host))
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	else
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s reaches a host not in allowed_hosts: %s", verb, host);
}

/* Record a remote host; true when it is neither local nor allowed. */
bool
risk_url_foreign(const struct risk_state *st, const char *url)
{
	char host[256];
	host_of(url, host, sizeof(host));
	return *host && !risk_host_local(host) && !host_allowed(st, host);
}

bool
risk_remote_host(struct risk_state *st, const char *verb, const char *url)
{
	risk_host(st, verb, url);
	return risk_url_foreign(st, url);
}

static bool
looks_like_url(const char *t)
{
	return strstr(t, "://") != NULL || (!strchr(t, ' ') && strchr(t, '.') && t[0] != '-' && t[0] != '.' &&
					   t[0] != '/' && t[0] != '@' && !strchr(t, '='));
}

static void
rate_curl(struct risk_state *st, const struct risk_cmd *c)
{
	const char *with_arg = "-o --output -T --upload-file -d --data --data-binary --data-raw --data-urlencode "
			       "-F --form -H --header -X --request -u --user -A --user-agent -e --referer -b "
			       "--cookie -c --cookie-jar -K --config -w --write-out --connect-timeout -m --max-time "
			       "--retry -x --proxy --cacert --cert --key -E -r --range -P --output-dir --resolve "
			       "-D --dump-header --json --url";
	const struct guard_shell_word *ops[32];
	size_t n = risk_operands(c, 1, with_arg, ops, 32);
	bool sends = false;
	const char *n0 = c->name;

	for (size_t i = 0; i < n; i++)
		if (strcmp(ops[i]->text, "-"))
			risk_host(st, n0, ops[i]->text);
	const char *u = risk_opt_value(c, NULL, "--url");
	if (u)
		risk_host(st, n0, u);
	for (size_t i = 1; i + 1 < c->argc; i++) {
		const char *t = c->argv[i].text;
		const struct guard_shell_word *v = &c->argv[i + 1];
		if (!strcmp(t, "-o") || !strcmp(t, "--output") || !strcmp(t, "-D") || !strcmp(t, "--dump-header") ||
		    !strcmp(t, "-c") || !strcmp(t, "--cookie-jar")) {
			if (strcmp(v->text, "-"))
				risk_path(st, "curl -o", v, PATH_TRUNCATE);
		} else if (!strcmp(t, "-T") || !strcmp(t, "--upload-file")) {
			risk_path(st, "curl upload", v, PATH_READ);
			sends = true;
		} else if (!strcmp(t, "-K") || !strcmp(t, "--config")) {
			risk_path(st, "curl -K", v, PATH_READ);
		} else if (!strncmp(t, "-d", 2) || !strncmp(t, "--data", 6) || !strcmp(t, "-F") || !strcmp(t, "--form") ||
			   !strcmp(t, "--json")) {
			sends = true;
			const char *at = strchr(v->text, '@');
			if (at && at[1] && strcmp(at + 1, "-")) {
				struct guard_shell_word w = { (char *)at + 1, NULL, at[1] == '~' ? GUARD_WORD_TILDE : 0 };
				char *semi = strchr(w.text, ';');
				if (!semi)
					risk_path(st, "curl upload", &w, PATH_READ);
			}
		}
	}
	const char *method = risk_opt_value(c, "-X", "--request");
	if (method && !strcasecmp(method, "DELETE"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s sends an HTTP DELETE", n0);
	else if (sends || (method && strcasecmp(method, "GET") && strcasecmp(method, "HEAD")))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s sends data to a server", n0);
	if (risk_flag(c, 'k', "insecure"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s skips TLS verification", n0);
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

static void
rate_wget(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[32];
	size_t n = risk_operands(c, 1, "-O --output-document -o --output-file -P --directory-prefix -i --input-file "
				 "-U --user-agent --header --post-data --post-file -t --tries -T --timeout -e --execute",
				 ops, 32);
	for (size_t i = 0; i < n; i++)
		risk_host(st, "wget", ops[i]->text);
	const char *o = risk_opt_value(c, "-O", "--output-document");
	if (o && strcmp(o, "-")) {
		struct guard_shell_word w = { (char *)o, NULL, 0 };
		risk_path(st, "wget -O", &w, PATH_TRUNCATE);
	}
	const char *dir = risk_opt_value(c, "-P", "--directory-prefix");
	if (dir) {
		struct guard_shell_word w = { (char *)dir, NULL, 0 };
		risk_path(st, "wget -P", &w, PATH_WRITE);
	}
	const char *post = risk_opt_value(c, NULL, "--post-file");
	if (post) {
		struct guard_shell_word w = { (char *)post, NULL, 0 };
		risk_path(st, "wget --post-file", &w, PATH_READ);
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "wget uploads a file");
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

static void
rate_netcat(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;
	const char *e = risk_opt_value(c, "-e", "--exec");
	if (!e)
		e = risk_opt_value(c, "-c", "--sh-exec");
	if (e || risk_arg_has(c, "EXEC:/bin/sh") || risk_arg_has(c, "EXEC:/bin/bash") || risk_arg_has(c, "exec:sh")) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "%s attaches a shell to a socket (reverse shell)", n);
		return;
	}
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (!strncasecmp(t, "exec:", 5) || !strncasecmp(t, "system:", 7)) {
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "%s runs a program on a socket", n);
			return;
		}
	}
	if (risk_flag(c, 'l', "listen"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s listens on a port (a way in from outside)", n);
	else
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s opens a raw connection", n);
	const struct guard_shell_word *ops[4];
	size_t k = risk_operands(c, 1, "-p -s -w -q -i -x -X -e -c", ops, 4);
	if (k && !risk_flag(c, 'l', "listen") && looks_like_url(ops[0]->text))
		risk_host(st, n, ops[0]->text);
}

static void
rate_scp(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[64];
	size_t n = risk_operands(c, 1, "-P -i -l -o -F -J -S -c", ops, 64);

	for (size_t i = 0; i < n; i++) {
		const char *t = ops[i]->text, *colon = strchr(t, ':');
		bool remote = colon && (!strchr(t, '/') || colon < strchr(t, '/'));
		if (remote && risk_remote_host(st, c->name, t))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s copies files to or from another machine", c->name);
		else if (remote)
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s copies files over the network", c->name);
		else
			risk_path(st, c->name, ops[i], i + 1 == n ? PATH_WRITE : PATH_READ);
	}
}

const char *const risk_net_verbs[] = {
	"curl", "http", "https", "xh", "httpie", "wget", "wget2", "aria2c", "nc", "ncat", "netcat", "socat",
	"telnet", "scp", "sftp", "ftp", "lftp", "tftp", "dig", "nslookup", "host", "ping", "ping6", "traceroute",
	"tracepath", "mtr", "whois", "drill", NULL
};

bool
risk_verb_net(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "curl") || !strcmp(n, "http") || !strcmp(n, "https") || !strcmp(n, "xh") || !strcmp(n, "httpie"))
		rate_curl(st, c);
	else if (!strcmp(n, "wget") || !strcmp(n, "wget2") || !strcmp(n, "aria2c"))
		rate_wget(st, c);
	else if (!strcmp(n, "nc") || !strcmp(n, "ncat") || !strcmp(n, "netcat") || !strcmp(n, "socat") ||
		 !strcmp(n, "telnet"))
		rate_netcat(st, c);
	else if (!strcmp(n, "scp") || !strcmp(n, "sftp"))
		rate_scp(st, c);
	else if (!strcmp(n, "ftp") || !strcmp(n, "lftp") || !strcmp(n, "tftp"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s transfers files", n);
	else if (!risk_resolver(st, c))
		return false;
	return true;
}
