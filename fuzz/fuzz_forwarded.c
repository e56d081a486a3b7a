/*
 * fuzz_forwarded.c - libFuzzer target for the X-Forwarded-For walk
 * (lib/forwarded.h).  Input: a trusted-proxy list, a newline, and the
 * header value.  Invariants: a list either parses or fails naming the
 * field; the client found is the peer, or an IP address that appears in
 * the header; with the peer untrusted it is always the peer.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/forwarded.h"

#include "check.h"

static int is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct forwarded_proxies p;
	struct ug_error err;
	char *text = malloc(size + 1), *nl, out[64];
	static const char *const peers[] = { "127.0.0.1", "10.1.2.3", "::1",
					     "203.0.113.9" };

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	if (!nl || strlen(text) != size) { /* no separator, or a NUL inside */
		free(text);
		return 0;
	}
	*nl = '\0';
	ug_error_clear(&err);
	if (forwarded_parse(text, "trusted-proxy", &p, &err)) {
		CHECK(err.code == UG_EINVAL && strcmp(err.field, "trusted-proxy") == 0);
		free(text);
		return 0;
	}
	for (size_t i = 0; i < sizeof peers / sizeof *peers; i++) {
		forwarded_client(&p, peers[i], nl + 1, out);
		CHECK(strlen(out) < 64);
		if (!forwarded_trusted(&p, peers[i]))
			CHECK(strcmp(out, peers[i]) == 0);
		else
			CHECK(strcmp(out, peers[i]) == 0 ||
			      (is_ip(out) && strstr(nl + 1, out)));
	}
	free(text);
	return 0;
}
