/*
 * forwarded.c - the client's address behind trusted proxies (see
 * forwarded.h).
 */
#include "lib/forwarded.h"
#include "lib/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text of one address (no port, no brackets) into family + bytes. */
static int parse_addr(const char *s, size_t n, int *family,
		      unsigned char addr[16])
{
	char buf[64];

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int forwarded_parse(const char *list, const char *field,
		    struct forwarded_proxies *p, struct ug_error *err)
{
	const char *s = list;

	memset(p, 0, sizeof *p);
	while (s && *s) {
		size_t n = strcspn(s, ",");
		const char *slash = memchr(s, '/', n);
		struct forwarded_net *net;
		size_t alen = slash ? (size_t)(slash - s) : n;

		while (alen && *s == ' ')
			s++, alen--, n--;
		while (alen && s[alen - 1] == ' ')
			alen--;
		if (p->n == FORWARDED_PROXIES_MAX)
			return ug_fail(err, UG_EINVAL, field,
				       "at most %d proxies in %s",
				       FORWARDED_PROXIES_MAX, field);
		net = &p->net[p->n];
		if (parse_addr(s, alen, &net->family, net->addr))
			return ug_fail(err, UG_EINVAL, field,
				       "%s: \"%.*s\" is not an IP address",
				       field, (int)(alen < 64 ? alen : 64), s);
		net->prefix = net->family == AF_INET ? 32 : 128;
		if (slash) {
			char *end;
			long bits = strtol(slash + 1, &end, 10);

			if (end == slash + 1 || end > s + n ||
			    (end < s + n && *end != ' ') || bits < 0 ||
			    bits > net->prefix)
				return ug_fail(err, UG_EINVAL, field,
					       "%s: bad network prefix in "
					       "\"%.*s\"", field, (int)n, s);
			net->prefix = (int)bits;
		}
		p->n++;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

static int in_net(const struct forwarded_net *net, int family,
		  const unsigned char addr[16])
{
	int full = net->prefix / 8, rest = net->prefix % 8;

	if (family != net->family || memcmp(addr, net->addr, (size_t)full))
		return 0;
	return rest == 0 ||
	       ((addr[full] ^ net->addr[full]) & (0xFF << (8 - rest))) == 0;
}

static int trusted_bytes(const struct forwarded_proxies *p, int family,
			 const unsigned char addr[16])
{
	for (size_t i = 0; i < p->n; i++)
		if (in_net(&p->net[i], family, addr))
			return 1;
	return 0;
}

int forwarded_trusted(const struct forwarded_proxies *p, const char *addr)
{
	unsigned char a[16];
	int family;

	return parse_addr(addr, strlen(addr), &family, a) == 0 &&
	       trusted_bytes(p, family, a);
}

void forwarded_client(const struct forwarded_proxies *p, const char *peer,
		      const char *xff, char out[64])
{
	const char *end = xff ? xff + strlen(xff) : NULL;

	ug_copy(out, 64, peer);
	if (!p || !p->n || !xff || !forwarded_trusted(p, peer))
		return;
	/* Right to left over the entries: [start, end) is one, between
	 * commas. */
	while (end > xff) {
		const char *start = end, *s;
		unsigned char a[16];
		int family;
		size_t n;

		while (start > xff && start[-1] != ',')
			start--;
		s = start;
		n = (size_t)(end - start);
		while (n && *s == ' ')
			s++, n--;
		while (n && s[n - 1] == ' ')
			n--;
		if (parse_addr(s, n, &family, a))
			return; /* not an address: stop at the last trusted hop */
		snprintf(out, 64, "%.*s", (int)n, s);
		if (!trusted_bytes(p, family, a) || start == xff)
			return;
		end = start - 1; /* the comma before this entry */
	}
}
