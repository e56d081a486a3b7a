/*
 * forwarded.h - the client's address behind reverse proxies we trust.
 *
 * Behind a proxy every request comes from the proxy's address, so the
 * login lock-out and the rate limits would count all clients as one.  A
 * proxy says whom it forwards for in X-Forwarded-For, appending the
 * address it saw to whatever the request already carried — which the
 * client may have forged.  So the header is believed only when the peer
 * is a proxy of ours, and read from the right: each trusted hop is
 * stepped over, and the first address that is not one of our proxies is
 * the client (a client can put anything to the left of it, nothing to the
 * right).  An entry that is not an IP address stops the walk: the hop to
 * its right, which we trust, is as far as we can see.
 */
#ifndef UG_FORWARDED_H
#define UG_FORWARDED_H

#include <stddef.h>

#include "lib/error.h"

#define FORWARDED_PROXIES_MAX 16

struct forwarded_net {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix;              /* bits */
};

struct forwarded_proxies {
	size_t n;
	struct forwarded_net net[FORWARDED_PROXIES_MAX];
};

/* Parse "127.0.0.1,10.0.0.0/8,::1" (addresses or CIDR networks, comma
 * separated) into p.  UG_EINVAL naming `field` for a bad entry or more
 * than FORWARDED_PROXIES_MAX. */
int forwarded_parse(const char *list, const char *field,
		    struct forwarded_proxies *p, struct ug_error *err);

/* 1 if the address text lies in one of p's networks. */
int forwarded_trusted(const struct forwarded_proxies *p, const char *addr);

/* The client's address into out (64 bytes): `peer` itself unless it is
 * trusted, else the walk described above over `xff` (the X-Forwarded-For
 * values in order, comma separated; NULL or "" for none). */
void forwarded_client(const struct forwarded_proxies *p, const char *peer,
		      const char *xff, char out[64]);

#endif
