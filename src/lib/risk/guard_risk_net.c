/*
 * Network: hosts reached (checked against the policy's allowed hosts),
 * downloads written to disk, uploads of local files, raw sockets and
 * reverse shells.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>

#include <cJSON.h>

#include "guard_glob.h"
#include "guard_risk_int.h"

/*
 * Where a URL's authority starts (past "scheme://"; the whole text for
 * "user@host:path" or a bare host). special: a scheme WHATWG (Node, so
 * WebFetch and Node MCP servers) ends the authority at a backslash for.
 * After "http:" (any special scheme but file) WHATWG skips every '/' and
 * '\' there are, none at all too, and curl takes one to three slashes:
 * "https:///h/", "https:h/", "https:\\h/" and "https:/\h/" all name host
 * h (attack11 L4).
 */
static const char *
authority_start(const char *url, bool *special)
{
	static const char *const specials[] = { "http", "https", "ws", "wss", "ftp", "file", NULL };
	size_t n = 0;

	*special = false;
	while (isalnum((unsigned char)url[n]) || url[n] == '+' || url[n] == '.' || url[n] == '-')
		n++;
	if (!n || !isalpha((unsigned char)url[0]) || url[n] != ':')
		return url;
	for (size_t i = 0; specials[i]; i++)
		if (strlen(specials[i]) == n && !strncasecmp(url, specials[i], n))
			*special = true;
	if (*special && strncasecmp(url, "file", 4))
		return url + n + 1 + strspn(url + n + 1, "/\\");
	if (strncmp(url + n, "://", 3)) {
		*special = false;
		return url;
	}
	return url + n + 3;
}

const char *
risk_url_authority(const char *url)
{
	bool special;

	url += strspn(url, " \t\r\n\f\v"); /* WHATWG drops leading blanks */
	const char *a = authority_start(url, &special);
	return a != url && special && strncasecmp(url, "file", 4) ? a : NULL;
}

/*
 * The host part of a URL as a client reads it (attack10 K4): the authority
 * ends at the first '/', '?' or '#' (RFC 3986, curl, wget), and also at
 * a backslash for a special scheme when whatwg; its userinfo ends at the LAST '@'
 * inside it. *end: the end of the authority.
 */
static const char *
url_host_start(const char *url, bool whatwg, const char **end)
{
	bool special;
	const char *p = authority_start(url, &special), *at = NULL;

	*end = p + strcspn(p, whatwg && special ? "/?#\\" : "/?#");
	for (const char *q = p; q < *end; q++)
		if (*q == '@')
			at = q;
	return at ? at + 1 : p;
}

/* The host of a URL or "user@host:path" or bare host, lowercased; "" when none. */
static void
host_of_as(const char *url, bool whatwg, char *out, size_t size)
{
	const char *end, *p = url_host_start(url, whatwg, &end);
	size_t n = 0;

	if (p == url && p[0] == ':' && (isdigit((unsigned char)p[1]) || p[1] == '/' || !p[1])) {
		snprintf(out, size, "localhost"); /* httpie and xh: ":3001/mcp" is localhost */
		return;
	}
	if (*p == '[') { /* [::1]:8080 */
		p++;
		while (p + n < end && p[n] != ']')
			n++;
	} else {
		while (p + n < end && p[n] != ':')
			n++;
	}
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[n] = '\0';
}

static void
host_of(const char *url, char *out, size_t size)
{
	host_of_as(url, false, out, size);
}

/*
 * The host WHATWG reads when it is not the one curl reads
 * ("https://evil.example\\@allowed.host/": curl and wget go to
 * allowed.host, Node and Python's urllib3 to evil.example); "" when both agree.
 */
static void
host_other(const char *url, char *out, size_t size)
{
	char first[256];

	host_of_as(url, true, out, size);
	host_of(url, first, sizeof(first));
	if (!strcmp(first, out))
		out[0] = '\0';
}

void
risk_url_host(const char *url, char *out, size_t size)
{
	host_of_as(url, true, out, size);
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

/*
 * A host that is this machine however it is spelled: localhost (a final
 * dot, any case, *.localhost), every IPv4 form inet_aton(3) reads as
 * 127/8 or 0.0.0.0 (2130706433, 0x7f000001, 017700000001, 127.1, 0), and
 * the IPv6 loopback, unspecified and IPv4-mapped forms as getaddrinfo(3)
 * reads them with AI_NUMERICHOST (nothing is looked up). A name whose
 * address guard cannot know without asking DNS is not local.
 */
bool
risk_host_local(const char *host)
{
	char h[256];
	size_t n = risk_host_lower(host, h, sizeof(h));

	if (!n)
		return false;
	if (h[n - 1] == '.' && n > 1)
		h[--n] = '\0'; /* localhost. is localhost */
	if (!strcmp(h, "localhost") || (n > 10 && !strcmp(h + n - 10, ".localhost")) ||
	    (n > 6 && !strcmp(h + n - 6, ".local")) || !strcmp(h, "host.docker.internal"))
		return true;
	struct in_addr a4;
	if (inet_aton(h, &a4)) {
		uint32_t x = ntohl(a4.s_addr);
		return x >> 24 == 127 || x == 0;
	}
	char *zone = strchr(h, '%');
	if (zone)
		*zone = '\0'; /* fe80::1%eth0 */
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_family = AF_INET6 }, *res = NULL;
	if (!strchr(h, ':') || getaddrinfo(h, NULL, &hints, &res) != 0 || !res)
		return false;
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)res->ai_addr)->sin6_addr;
	bool local = IN6_IS_ADDR_LOOPBACK(a6) || IN6_IS_ADDR_UNSPECIFIED(a6);
	if (IN6_IS_ADDR_V4MAPPED(a6) || IN6_IS_ADDR_V4COMPAT(a6)) /* ::ffff:127.0.0.1 */
		local |= a6->s6_addr[12] == 127 || !memcmp(a6->s6_addr + 12, "\0\0\0\0", 4);
	freeaddrinfo(res);
	return local;
}

bool
risk_host_private(const char *host)
{
	if (risk_addr_private(host))
		return true;
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
	return risk_addr_metadata(host) || !strcmp(host, "169.254.169.254") || !strcmp(host, "metadata.google.internal") ||
	       !strcmp(host, "metadata") || !strcmp(host, "fd00:ec2::254") || !strcmp(host, "100.100.100.200");
}

/* The port of a URL: written, or the scheme's (80 for http and a bare host, 443 for https). */
static long
port_of(const char *url)
{
	const char *p, *end;
	bool tls = !strncasecmp(url, "https:", 6) || !strncasecmp(url, "wss:", 4);

	p = url_host_start(url, false, &end);
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

static void host_record(struct risk_state *st, const char *verb, const char *url, const char *host);

/* A host the call reaches: the one curl reads, and the one WHATWG reads when that differs (K4). */
void
risk_host(struct risk_state *st, const char *verb, const char *url)
{
	char host[256];

	host_of(url, host, sizeof(host));
	if (*host)
		host_record(st, verb, url, host);
	host_other(url, host, sizeof(host));
	if (*host)
		host_record(st, verb, url, host);
}

static void
host_record(struct risk_state *st, const char *verb, const char *url, const char *host)
{
	char *server;

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
	char host[256], other[256];
	host_of(url, host, sizeof(host));
	host_other(url, other, sizeof(other));
	return (*host && !risk_host_local(host) && !host_allowed(st, host)) ||
	       (*other && !risk_host_local(other) && !host_allowed(st, other));
}

bool
risk_host_foreign(const struct risk_state *st, const char *host)
{
	return *host && !risk_host_local(host) && !host_allowed(st, host) && !risk_host_metadata(host);
}

bool
risk_remote_host(struct risk_state *st, const char *verb, const char *url)
{
	risk_host(st, verb, url);
	return risk_url_foreign(st, url);
}

/*
 * A setting named n bytes of name that names a proxy: http_proxy,
 * HTTPS_PROXY, ALL_PROXY, npm_config_proxy, PIP_PROXY, git's http.proxy
 * and remote.NAME.proxy, pip's and npm's --proxy/--https-proxy; not
 * no_proxy, use_proxy or --noproxy (which name no host).
 */
static bool
proxy_name(const char *name, size_t n)
{
	while (n && *name == '-')
		name++, n--;
	if (n < 5 || strncasecmp(name + n - 5, "proxy", 5))
		return false;
	if (n == 5)
		return true;
	char sep = name[n - 6];
	size_t stem = n - 6;
	if (sep != '_' && sep != '.' && sep != '-')
		return false;
	return !(stem == 2 && !strncasecmp(name, "no", 2)) && !(stem == 3 && !strncasecmp(name, "use", 3));
}

/*
 * NAME=VALUE setting a proxy (a variable, git -c, wget -e, --proxy=V): the
 * proxy's host is a host the call reaches, and over http it reads every
 * header and URL (attack10 K17). The reason names prog (or nothing) and NAME.
 */
void
risk_proxy_set(struct risk_state *st, const char *prog, const char *word)
{
	size_t n = strcspn(word, "=");
	char verb[128];

	if (word[n] != '=' || !word[n + 1] || !proxy_name(word, n))
		return;
	snprintf(verb, sizeof(verb), "%s%s%.*s", prog ? prog : "", prog ? " " : "", (int)(n < 64 ? n : 64), word);
	risk_host(st, verb, word + n + 1);
}

/*
 * A wgetrc command NAME=VALUE: wget drops '_' and '-' from NAME and reads
 * it in any case (httpproxy, HTTPS-Proxy, h_t_t_p_s_proxy are https_proxy:
 * attack11 L14), so the proxy names are matched that way.
 */
static void
wgetrc_proxy(struct risk_state *st, const char *word)
{
	static const char *const names[] = { "httpproxy", "httpsproxy", "ftpproxy", NULL };
	size_t n = strcspn(word, "="), k = 0;
	char name[64];

	for (size_t i = 0; i < n && k + 1 < sizeof(name); i++)
		if (word[i] != '_' && word[i] != '-')
			name[k++] = (char)tolower((unsigned char)word[i]);
	name[k] = '\0';
	for (size_t i = 0; names[i] && word[n] == '=' && word[n + 1]; i++)
		if (!strcmp(name, names[i])) {
			char verb[96];
			snprintf(verb, sizeof(verb), "wget -e %.*s", (int)(n < 48 ? n : 48), word);
			risk_host(st, verb, word + n + 1);
			return;
		}
}

/*
 * Options that send a command's traffic through a proxy: --proxy[=]V,
 * --https-proxy V (pip, npm, pnpm, yarn, curl), wget -e/--execute
 * http_proxy=V (wgetrc syntax: blanks around '=' allowed).
 */
void
risk_proxy_options(struct risk_state *st, const struct risk_cmd *c)
{
	char buf[1024];

	if (!strcmp(c->name, "curl"))
		return; /* -x/--proxy/--preproxy/--socks5: curl_redirected */
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text, *v = NULL;
		size_t n = strcspn(t, "=");
		if (!strcmp(t, "--"))
			break;
		if (!strncmp(c->name, "wget", 4) && (!strcmp(t, "-e") || !strcmp(t, "--execute")) && i + 1 < c->argc)
			v = c->argv[++i].text;
		else if (!strncmp(c->name, "wget", 4) && (!strncmp(t, "-e", 2) || !strncmp(t, "--execute=", 10)))
			v = t + (t[1] == 'e' ? 2 : 10);
		if (v) { /* wgetrc "https_proxy = URL": its blanks dropped */
			size_t k = 0;
			for (; *v && k + 1 < sizeof(buf); v++)
				if (*v != ' ' && *v != '\t')
					buf[k++] = *v;
			buf[k] = '\0';
			wgetrc_proxy(st, buf);
		} else if (t[0] == '-' && t[1] == '-' && proxy_name(t, n)) {
			if (!t[n] && i + 1 < c->argc)
				snprintf(buf, sizeof(buf), "%s=%s", t, c->argv[++i].text);
			else
				snprintf(buf, sizeof(buf), "%s", t);
			risk_proxy_set(st, c->name, buf);
		}
	}
}

static bool
looks_like_url(const char *t)
{
	return strstr(t, "://") != NULL || risk_url_authority(t) || (!strchr(t, ' ') && strchr(t, '.') && t[0] != '-' && t[0] != '.' &&
					   t[0] != '/' && t[0] != '@' && !strchr(t, '='));
}

/* Field k of a colon-separated option value ("[::1]" kept whole), into out; false when missing. */
static bool
colon_field(const char *v, size_t k, char *out, size_t size)
{
	for (size_t i = 0;; i++) {
		const char *end = v;
		if (*v == '[' && strchr(v, ']'))
			end = strchr(v, ']') + 1;
		end += strcspn(end, ":");
		if (i == k) {
			snprintf(out, size, "%.*s", (int)(end - v), v);
			return true;
		}
		if (!*end)
			return false;
		v = end + 1;
	}
}

/* host and port as a URL risk_host reads ("[v6]" bracketed). */
static void
host_port(struct risk_state *st, const char *verb, const char *host, const char *port)
{
	char url[600];
	bool v6 = strchr(host, ':') && host[0] != '[';
	snprintf(url, sizeof(url), "tcp://%s%s%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "", *port ? ":" : "", port);
	risk_host(st, verb, url);
}

/*
 * Where curl connects when told to elsewhere: --resolve HOST:PORT:ADDR
 * (ADDR for HOST), --connect-to H1:P1:H2:P2 (H2:P2 instead; an empty
 * part keeps the URL's), --proxy/-x and --preproxy.
 */
static void
curl_redirected(struct risk_state *st, const struct risk_cmd *c, const struct guard_shell_word **ops, size_t n)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *a = c->argv[i].text, *v = NULL;
		bool eq = false;
		static const char *const opts[] = { "--resolve", "--connect-to", "-x", "--proxy", "--preproxy",
						    "--socks4", "--socks4a", "--socks5", "--socks5-hostname", NULL };
		size_t which = 0;
		for (size_t k = 0; opts[k] && !v; k++) {
			size_t on = strlen(opts[k]);
			which = k;
			if (!strcmp(a, opts[k]) && i + 1 < c->argc)
				v = c->argv[i + 1].text;
			else if (!strncmp(a, opts[k], on) && a[on] == '=' && opts[k][1] == '-')
				v = a + on + 1, eq = true;
			else if (on == 2 && !strncmp(a, opts[k], 2) && a[2])
				v = a + 2, eq = true;
		}
		if (!v)
			continue;
		char port[64], h2[300], p2[64];
		if (which == 0) { /* --resolve [+]HOST:PORT:ADDR[,ADDR] */
			char addrs[600];
			if (colon_field(v, 1, port, sizeof(port)) && colon_field(v, 2, addrs, sizeof(addrs))) {
				const char *rest = strchr(v, ':');
				rest = rest ? strchr(rest + 1, ':') : NULL;
				for (const char *p = rest ? rest + 1 : ""; *p;) {
					size_t k = strcspn(p, ",");
					snprintf(h2, sizeof(h2), "%.*s", (int)k, p);
					host_port(st, "curl --resolve", h2, port);
					p += k + (p[k] == ',');
				}
			}
		} else if (which == 1) { /* --connect-to H1:P1:H2:P2 */
			char p1[64];
			if (!colon_field(v, 1, p1, sizeof(p1)) || !colon_field(v, 2, h2, sizeof(h2)) ||
			    !colon_field(v, 3, p2, sizeof(p2)))
				continue;
			for (size_t k = 0; k < n || (!n && k == 0); k++) {
				char uh[300];
				const char *url = k < n ? ops[k]->text : "";
				host_of(url, uh, sizeof(uh));
				snprintf(port, sizeof(port), "%s", *p2 ? p2 : *p1 ? p1 : "");
				if (!*port && *url)
					snprintf(port, sizeof(port), "%ld", port_of(url));
				if (*h2 || *uh)
					host_port(st, "curl --connect-to", *h2 ? h2 : uh, port);
			}
		} else {
			risk_host(st, "curl --proxy", v);
		}
		if (!eq)
			i++;
	}
}

/*
 * curl and wget take a long option by any unique start ("--upload-f",
 * "--post-f"): the option t names among names, exact first, else the one
 * name t starts (NULL: none or several). Only the names that read or write
 * files are listed, so a start they share with another option of the
 * program is taken for theirs: rated higher, where the program refuses it.
 * With eq, "--opt=VALUE" is read too (wget; curl has no such form) and
 * *value points at VALUE.
 */
static const char *
long_name(const char *t, const char *const *names, bool eq, const char **value)
{
	size_t tl = strlen(t);
	const char *e = eq ? strchr(t, '=') : NULL, *hit = NULL;

	*value = NULL;
	if (strncmp(t, "--", 2) || tl < 3)
		return NULL;
	if (e)
		tl = (size_t)(e - t), *value = e + 1;
	for (size_t i = 0; names[i]; i++) {
		if (strlen(names[i]) == tl && !strncmp(names[i], t, tl))
			return names[i];
		if (!strncmp(names[i], t, tl))
			hit = hit ? "" : names[i];
	}
	return hit && *hit ? hit : NULL;
}

/* curl's file readers: what a value names is sent (*file: a file's content, not text as written). */
static void
curl_sent(struct risk_state *st, const char *opt, const struct guard_shell_word *v, bool *sends, const char **file)
{
	*sends = true;
	if (!strcmp(opt, "-T") || !strcmp(opt, "--upload-file")) {
		risk_path(st, "curl upload", v, PATH_READ);
		*file = !strcmp(v->text, "-") || !strcmp(v->text, ".") ? "what is piped in" : v->text;
		return;
	}
	if (!strcmp(opt, "--form-string") || !strcmp(opt, "--data-raw"))
		return; /* taken as written */
	/* -d @FILE, --data-urlencode name@FILE, -F name=@FILE or name=<FILE, --json @FILE */
	const char *at = strchr(v->text, '@');
	if ((!strcmp(opt, "-F") || !strcmp(opt, "--form")) && (!at || (strchr(v->text, '<') && strchr(v->text, '<') < at)))
		at = strchr(v->text, '<');
	if (at && !strcmp(at + 1, "-"))
		*file = "what is piped in"; /* -d @- , --data-binary @-: git archive HEAD | curl -d @- HOST */
	if (at && at[1] && strcmp(at + 1, "-")) {
		struct guard_shell_word w = { (char *)at + 1, NULL, at[1] == '~' ? GUARD_WORD_TILDE : 0 };
		char *semi = strchr(w.text, ';');
		if (!semi)
			risk_path(st, "curl upload", &w, PATH_READ);
		*file = at + 1;
	}
}

/*
 * A file's content sent to a host outside allowed_hosts (curl -T/-d @F/-F
 * x=@F, wget --post-file): the project's code or data leaves to a place
 * no one listed. Inline text (-d '{"a":1}') stays medium.
 */
static void
file_to_foreign(struct risk_state *st, const char *verb, const char *file, const struct guard_shell_word *const *urls,
		size_t n)
{
	for (size_t i = 0; file && i < n; i++)
		if (strcmp(urls[i]->text, "-") && risk_url_foreign(st, urls[i]->text)) {
			char host[256];
			risk_url_host(urls[i]->text, host, sizeof(host));
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s sends a file to a host not in allowed_hosts: %s to %s",
				  verb, file, *host ? host : urls[i]->text);
			return;
		}
}

static void
rate_curl(struct risk_state *st, const struct risk_cmd *c)
{
	static const char *const longs[] = { "--output", "--dump-header", "--cookie-jar", "--upload-file", "--config",
					     "--data", "--data-ascii", "--data-binary", "--data-raw", "--data-urlencode",
					     "--form", "--form-string", "--json", "--url", "--request", NULL };
	const char *with_arg = "-o --output -T --upload-file -d --data --data-binary --data-raw --data-urlencode "
			       "-F --form -H --header -X --request -u --user -A --user-agent -e --referer -b "
			       "--cookie -c --cookie-jar -K --config -w --write-out --connect-timeout -m --max-time "
			       "--retry -x --proxy --cacert --cert --key -E -r --range -P --output-dir --resolve "
			       "-D --dump-header --json --url --connect-to --preproxy --socks4 --socks4a --socks5 "
			       "--socks5-hostname --noproxy";
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, with_arg, &ops);
	bool sends = false;
	const char *n0 = c->name, *file = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(ops[i]->text, "-"))
			risk_host(st, n0, ops[i]->text);
	const char *u = risk_opt_value(c, NULL, "--url");
	if (u)
		risk_host(st, n0, u);
	curl_redirected(st, c, ops, n);
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text, *unused, *opt = NULL;
		char shortopt[3] = "-?";
		struct guard_shell_word v = { NULL, NULL, 0 };
		if (!strcmp(t, "--"))
			break;
		if (t[0] == '-' && t[1] == '-') {
			if (!(opt = long_name(t, longs, false, &unused)) || i + 1 >= c->argc)
				continue;
			v = c->argv[++i];
		} else if (t[0] == '-' && t[1]) {
			/* a cluster of short options: -sT FILE, -T.env, -sd@.env; the first that takes a value ends it */
			for (const char *p = t + 1; *p && !opt; p++) {
				if (!strchr("AbcCdDeEFHKmoPQrtTuUwxXyYz", *p))
					continue;
				shortopt[1] = *p, opt = shortopt;
				if (p[1])
					v.text = (char *)p + 1, v.flags = c->argv[i].flags & ~GUARD_WORD_TILDE;
				else if (i + 1 < c->argc)
					v = c->argv[++i];
				else
					opt = NULL;
			}
			if (!opt)
				continue;
		} else {
			continue;
		}
		if (!strcmp(opt, "-o") || !strcmp(opt, "--output") || !strcmp(opt, "-D") || !strcmp(opt, "--dump-header") ||
		    !strcmp(opt, "-c") || !strcmp(opt, "--cookie-jar")) {
			if (strcmp(v.text, "-"))
				risk_path(st, "curl -o", &v, PATH_TRUNCATE);
		} else if (!strcmp(opt, "-K") || !strcmp(opt, "--config")) {
			risk_path(st, "curl -K", &v, PATH_READ);
		} else if (!strcmp(opt, "-T") || !strcmp(opt, "-d") || !strcmp(opt, "-F") || !strncmp(opt, "--upload", 8) ||
			   !strncmp(opt, "--data", 6) || !strncmp(opt, "--form", 6) || !strcmp(opt, "--json")) {
			curl_sent(st, opt, &v, &sends, &file);
		}
	}
	file_to_foreign(st, n0, file, ops, n);
	struct guard_shell_word url;
	if (risk_opt_word(c, NULL, "--url", &url)) /* curl --url HOST -d @F */
		file_to_foreign(st, n0, file, (const struct guard_shell_word *[]){ &url }, 1);
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
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-O --output-document -o --output-file -P --directory-prefix "
				     "-i --input-file -U --user-agent --header --post-data --post-file -t --tries "
				     "-T --timeout -e --execute", &ops);
	for (size_t i = 0; i < n; i++)
		risk_host(st, "wget", ops[i]->text);
	struct guard_shell_word w;
	if (risk_opt_word(c, "-O", "--output-document", &w) && strcmp(w.text, "-"))
		risk_path(st, "wget -O", &w, PATH_TRUNCATE);
	if (risk_opt_word(c, "-P", "--directory-prefix", &w))
		risk_path(st, "wget -P", &w, PATH_WRITE);
	/* --post-file=F, --body-file F (with --method), any unique start of them: F is sent */
	static const char *const sent[] = { "--post-file", "--post-data", "--body-file", "--body-data", NULL };
	for (size_t i = 1; i < c->argc; i++) {
		const char *value, *opt = long_name(c->argv[i].text, sent, true, &value);
		if (!strcmp(c->argv[i].text, "--"))
			break;
		if (!opt || (!value && i + 1 >= c->argc))
			continue;
		if (value) /* glued: its "~" is no home (the shell expands none there) */
			w = (struct guard_shell_word){ (char *)value, NULL, c->argv[i].flags & ~GUARD_WORD_TILDE };
		else
			w = c->argv[++i];
		if (strstr(opt, "-data"))
			continue;
		risk_path(st, opt, &w, PATH_READ);
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "wget uploads a file");
		file_to_foreign(st, "wget", w.text, ops, n);
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

/* socat's addresses TCP:HOST:PORT, TCP4-CONNECT:..., OPENSSL:..., ([v6] or HOST, options after a comma). */
static void
socat_hosts(struct risk_state *st, const struct guard_shell_word **ops, size_t k)
{
	static const char *const kinds[] = { "tcp", "tcp4", "tcp6", "tcp-connect", "tcp4-connect", "tcp6-connect",
					     "openssl", "openssl-connect", "ssl", "udp", "udp4", "udp6", "sctp",
					     "sctp-connect", NULL };
	for (size_t i = 0; i < k; i++) {
		const char *t = ops[i]->text, *colon = strchr(t, ':');
		char kind[32], host[300], port[64];
		if (!colon || (size_t)(colon - t) >= sizeof(kind))
			continue;
		for (size_t j = 0; j < (size_t)(colon - t); j++)
			kind[j] = (char)tolower((unsigned char)t[j]);
		kind[colon - t] = '\0';
		if (!risk_name_in(kinds, kind) || !colon_field(colon + 1, 0, host, sizeof(host)))
			continue;
		if (!colon_field(colon + 1, 1, port, sizeof(port)))
			port[0] = '\0';
		port[strcspn(port, ",")] = '\0';
		host[strcspn(host, ",")] = '\0';
		host_port(st, "socat", host, port);
	}
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
	if (!strcmp(n, "socat")) {
		socat_hosts(st, ops, k);
	} else if (k && !risk_flag(c, 'l', "listen") && ops[0]->text[0] != '/' && strcmp(ops[0]->text, "-") &&
		   (looks_like_url(ops[0]->text) || strspn(ops[0]->text, "0123456789abcdefxABCDEFX.:[]%") ==
									strlen(ops[0]->text) || risk_host_local(ops[0]->text))) {
		/* nc HOST PORT, telnet HOST PORT: the port is the second word */
		bool port = k > 1 && strspn(ops[1]->text, "0123456789") == strlen(ops[1]->text) && *ops[1]->text;
		host_port(st, n, ops[0]->text, port ? ops[1]->text : "");
		/* tar c . | nc HOST PORT, nc HOST PORT < F: what is fed in leaves for a host no one listed */
		bool fed = c->cmd->pipe_pos > 0;
		for (size_t i = 0; i < c->cmd->nredirs && !fed; i++)
			fed = c->cmd->redirs[i].op == GUARD_REDIR_IN || c->cmd->redirs[i].op == GUARD_REDIR_HEREDOC ||
			      c->cmd->redirs[i].op == GUARD_REDIR_HERESTRING;
		if (fed && risk_host_foreign(st, ops[0]->text))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s sends what is fed in to a host not in allowed_hosts: %s",
				  n, ops[0]->text);
	}
}

static void
rate_scp(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-P -i -l -o -F -J -S -c", &ops);

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

/*
 * ssh-keygen's files: -R removes a host from known_hosts (-f FILE, else
 * ~/.ssh/known_hosts), a new key or a passphrase change writes -f FILE
 * and FILE.pub (else ~/.ssh/id_TYPE); -l, -y, -e, -F and the rest read
 * -f FILE. The paths are rated as what is done to them (~/.ssh is a
 * sensitive folder).
 */
static void
rate_ssh_keygen(struct risk_state *st, const struct risk_cmd *c)
{
	struct guard_shell_word f;
	bool has_f = risk_opt_word(c, "-f", NULL, &f);
	const char *type = risk_opt_value(c, "-t", NULL);

	struct guard_shell_word ca;
	if (risk_opt_word(c, "-s", NULL, &ca)) /* signs with a CA key: the key is read */
		risk_path(st, "ssh-keygen -s", &ca, PATH_READ);
	if (risk_opt_value(c, "-R", NULL) || risk_flag(c, 'H', NULL)) { /* -H hashes known_hosts in place */
		risk_path_str(st, risk_flag(c, 'H', NULL) ? "ssh-keygen -H" : "ssh-keygen -R",
			      has_f ? f.text : "~/.ssh/known_hosts", PATH_WRITE);
	} else if (type || risk_flag(c, 'p', NULL) || risk_flag(c, 'A', NULL) || (!has_f && c->argc == 1)) {
		char def[64];
		snprintf(def, sizeof(def), "~/.ssh/id_%s", type ? type : "ed25519");
		const char *key = has_f ? f.text : def;
		char *pub = guard_xasprintf("%s.pub", key);
		risk_path_str(st, "ssh-keygen", key, PATH_WRITE);
		risk_path_str(st, "ssh-keygen", pub, PATH_WRITE);
		free(pub);
	} else if (has_f) {
		risk_path(st, "ssh-keygen", &f, PATH_READ);
	}
	risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

/* ssh-copy-id [-i KEY] [-p PORT] [-o OPT] [USER@]HOST: this machine's key let into another one. */
static void
rate_ssh_copy_id(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word *ops[4];
	size_t n = risk_operands(c, 1, "-i -p -o -F -t", ops, 4);
	const char *host = n ? ops[n - 1]->text : "";
	const char *at = strrchr(host, '@');

	if (risk_help_asked(c, "-h") || risk_help_asked(c, "-?")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ); /* its usage only */
		return;
	}
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "ssh-copy-id lets this machine's SSH key into %s", *host ? host : "another machine");
	if (*host)
		risk_host(st, "ssh-copy-id", at ? at + 1 : host);
}

const char *const risk_net_verbs[] = {
	"curl", "http", "https", "xh", "httpie", "wget", "wget2", "aria2c", "nc", "ncat", "netcat", "socat",
	"telnet", "scp", "sftp", "ftp", "lftp", "tftp", "dig", "nslookup", "host", "ping", "ping6", "traceroute",
	"tracepath", "mtr", "whois", "drill", "ssh-keygen", "ssh-copy-id", NULL
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
	else if (!strcmp(n, "ssh-keygen"))
		rate_ssh_keygen(st, c);
	else if (!strcmp(n, "ssh-copy-id"))
		rate_ssh_copy_id(st, c);
	else if (!strcmp(n, "ftp") || !strcmp(n, "lftp") || !strcmp(n, "tftp"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s transfers files", n);
	else if (!risk_resolver(st, c))
		return false;
	return true;
}
