/*
 * Interpreter code that reaches a server through an API naming host and
 * port apart (attack7 H7): python http.client.HTTPConnection('H', P),
 * socket.create_connection(('H', P)), s.connect(('H', P)); node
 * http.request({host: 'H', port: P}), net.connect(P, 'H'),
 * net.connect(P); perl IO::Socket::INET->new("H:P") or PeerAddr => 'H',
 * PeerPort => P. Where host and port are literals they are read (PCRE2)
 * and rated as curl to http://H:P/ is: the MCP server guard mcp governs
 * (its --upstream in .mcp.json) reached around guard, cloud metadata,
 * hosts outside allowed_hosts.
 */
#include "guard_risk_int.h"

#define SOCKET_PAIRS 16 /* host/port pairs rated in one program */

struct sock_found {
	char hosts[SOCKET_PAIRS][256];
	long ports[SOCKET_PAIRS];
	size_t nhosts, nports;
	struct risk_state *st;
	const char *lang;
	bool port_first; /* sub 1 is the port, sub 2 the host (net.connect(P, 'H')) */
};

static void
copy_sub(const char *text, const size_t *ov, int k, char *out, size_t size)
{
	size_t n = ov[2 * k] == (size_t)-1 ? 0 : ov[2 * k + 1] - ov[2 * k];
	if (n >= size)
		n = size - 1;
	memcpy(out, text + (n ? ov[2 * k] : 0), n);
	out[n] = '\0';
}

/* A host as a URL names it: an IPv6 literal in brackets. */
static void
rate_pair(struct risk_state *st, const char *lang, const char *host, long port)
{
	char *url = guard_xasprintf(strchr(host, ':') && host[0] != '[' ? "http://[%s]:%ld/" : "http://%s:%ld/",
				    host, port);
	risk_explain(st, "    %s code connects to %s", lang, url);
	risk_host(st, lang, url);
	free(url);
}

static void
pair_match(void *arg, const char *text, const size_t *ov)
{
	struct sock_found *f = arg;
	char host[256], port[8];

	copy_sub(text, ov, f->port_first ? 2 : 1, host, sizeof(host));
	copy_sub(text, ov, f->port_first ? 1 : 2, port, sizeof(port));
	if (!*port || (!*host && !f->port_first))
		return;
	rate_pair(f->st, f->lang, *host ? host : "localhost", strtol(port, NULL, 10)); /* net.connect(P): here */
}

static void
port_only(void *arg, const char *text, const size_t *ov)
{
	struct sock_found *f = arg;
	char port[8];

	copy_sub(text, ov, 1, port, sizeof(port));
	if (f->nports < SOCKET_PAIRS)
		f->ports[f->nports++] = strtol(port, NULL, 10);
}

static void
host_only(void *arg, const char *text, const size_t *ov)
{
	struct sock_found *f = arg;

	if (f->nhosts < SOCKET_PAIRS)
		copy_sub(text, ov, 2, f->hosts[f->nhosts++], sizeof(f->hosts[0]));
}

void
risk_code_sockets(struct risk_state *st, const char *lang, const char *code)
{
	static const char *const apis[] = { "socket", "http.client", "HTTPConnection", "HTTPSConnection", "net.",
					    "createConnection", "http.request", "https.request", "http.get", "https.get",
					    "IO::Socket", "Net::HTTP", "TCPSocket", "fsockopen", "Socket", "require('net",
					    "require(\"net", "require('http", "require(\"http", "from 'net", "from \"net",
					    "from 'http", "from \"http", "telnetlib", "asyncio.open_connection", NULL };
	/* 'H', P after a connecting call (one tuple level): python, ruby TCPSocket.new('H', P), php fsockopen */
	static const char call_host_port[] =
		"(?:Connection|create_connection|connect|connect_ex|open_connection|TCPSocket\\.new|TCPSocket\\.open|"
		"fsockopen|Telnet|HTTP\\.new|HTTP\\.start)\\s*\\(\\s*\\(?\\s*(?:host\\s*=\\s*)?['\"]([^'\"\\s]{1,253})['\"]"
		"\\s*,\\s*(?:port\\s*=\\s*)?['\"]?(\\d{1,5})";
	/* net.connect(P, 'H'), net.createConnection(P, 'H'); net.connect(P) is this machine */
	static const char call_port_host[] =
		"(?:connect|createConnection)\\s*\\(\\s*(\\d{1,5})\\s*(?:,\\s*['\"]([^'\"\\s]{1,253})['\"])?\\s*[,)]";
	/* "H:P" in one string (IO::Socket::INET->new("H:P"), PeerAddr => "H:P", HTTPConnection("H:P")) */
	static const char joined[] = "['\"]((?:\\[[0-9a-fA-F:.]+\\]|(?![0-9]+:)[A-Za-z0-9.-]{1,253})):(\\d{1,5})['\"]";
	/* host: 'H' / hostname= / PeerAddr => / PeerHost =>, and port: P / PeerPort => P anywhere */
	static const char host_key[] = "(?i)\\b(host|hostname|peeraddr|peerhost)['\"]?\\s*(?:=>|[:=])\\s*"
				       "['\"]([^'\"\\s]{1,253})['\"]";
	static const char port_key[] = "(?i)\\b(?:port|peerport)['\"]?\\s*(?:=>|[:=])\\s*['\"]?(\\d{1,5})\\b";
	struct sock_found f = { .st = st, .lang = lang };

	if (st->remote || !risk_text_has_any(code, apis))
		return;
	int n = risk_regex_each(call_host_port, code, SOCKET_PAIRS, pair_match, &f);
	f.port_first = true;
	n |= risk_regex_each(call_port_host, code, SOCKET_PAIRS, pair_match, &f);
	f.port_first = false;
	n |= risk_regex_each(joined, code, SOCKET_PAIRS, pair_match, &f);
	n |= risk_regex_each(host_key, code, SOCKET_PAIRS, host_only, &f);
	n |= risk_regex_each(port_key, code, SOCKET_PAIRS, port_only, &f);
	for (size_t h = 0; h < f.nhosts; h++)
		for (size_t p = 0; p < f.nports; p++)
			rate_pair(st, lang, f.hosts[h], f.ports[p]);
	if (n < 0)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "%s code names more hosts and ports than guard rates (%d)",
			  lang, SOCKET_PAIRS);
}
