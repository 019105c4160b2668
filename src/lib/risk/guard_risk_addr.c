/*
 * Numeric addresses as the resolver reads them (attack7 H8): a host
 * spelled as an IPv6 literal ([::1], [0:0:0:0:0:0:0:1], [fe80::1%25eth0])
 * or as an IPv4 address mapped into IPv6 ([::ffff:169.254.169.254],
 * [::ffff:7f00:1], ::a9fe:a9fe) is parsed with inet_pton(3) (IPv4 forms
 * with inet_aton(3), as curl and the C library take them), never by hand,
 * and a mapped or compatible IPv4 address is judged as that IPv4 address.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>

#include "guard_risk_int.h"

enum addr_family { ADDR_NONE, ADDR_V4, ADDR_V6 };

size_t
risk_host_lower(const char *host, char *out, size_t size)
{
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		host++, n -= 2;
	if (!n || n >= size)
		return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)host[i]);
	out[n] = '\0';
	return n;
}

/* host ("[...]" and a "%zone" or "%25zone" allowed) as an address: v4 in host order, or v6. */
static enum addr_family
addr_parse(const char *host, uint32_t *v4, struct in6_addr *v6)
{
	char h[256];
	struct in_addr a4;

	if (!risk_host_lower(host, h, sizeof(h)))
		return ADDR_NONE;
	if (!strchr(h, ':')) {
		if (!inet_aton(h, &a4))
			return ADDR_NONE;
		*v4 = ntohl(a4.s_addr);
		return ADDR_V4;
	}
	char *zone = strchr(h, '%');
	if (zone)
		*zone = '\0'; /* fe80::1%eth0, fe80::1%25eth0 (URL-encoded) */
	if (inet_pton(AF_INET6, h, v6) != 1)
		return ADDR_NONE;
	if (IN6_IS_ADDR_V4MAPPED(v6) || (IN6_IS_ADDR_V4COMPAT(v6) && !IN6_IS_ADDR_UNSPECIFIED(v6) &&
					 !IN6_IS_ADDR_LOOPBACK(v6))) {
		const uint8_t *b = v6->s6_addr + 12;
		*v4 = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		return ADDR_V4;
	}
	return ADDR_V6;
}

bool
risk_addr_private(const char *host)
{
	uint32_t x = 0;
	struct in6_addr a;

	switch (addr_parse(host, &x, &a)) {
	case ADDR_V4:
		return x >> 24 == 10 || x >> 20 == (172u << 4 | 1) || x >> 16 == (192u << 8 | 168) ||
		       x >> 16 == (169u << 8 | 254) || x >> 24 == 127 || x == 0;
	case ADDR_V6:
		/* fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local, loopback, any */
		return (a.s6_addr[0] & 0xfe) == 0xfc || IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_SITELOCAL(&a) ||
		       IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_UNSPECIFIED(&a);
	default:
		return false;
	}
}

bool
risk_addr_metadata(const char *host)
{
	static const char aws6[] = "fd00:ec2::254";
	uint32_t x = 0;
	struct in6_addr a, m;

	switch (addr_parse(host, &x, &a)) {
	case ADDR_V4:
		/* 169.254.169.254 (AWS, GCP, Azure, ...), 100.100.100.200 (Alibaba) */
		return x == 0xa9fea9feu || x == 0x646464c8u;
	case ADDR_V6:
		return inet_pton(AF_INET6, aws6, &m) == 1 && !memcmp(&a, &m, sizeof(a));
	default:
		return false;
	}
}
