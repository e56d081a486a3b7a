/*
 * test_forwarded.c - the client's address behind trusted proxies
 * (lib/forwarded.h): parsing the proxy list, networks, and the
 * right-to-left walk over X-Forwarded-For with forged entries, untrusted
 * peers, malformed entries and IPv6.
 */
#include "testutil.h"

#include "lib/forwarded.h"

static struct forwarded_proxies proxies(const char *list)
{
	struct forwarded_proxies p;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(forwarded_parse(list, "trusted-proxy", &p, &err), err);
	return p;
}

static void expect(const struct forwarded_proxies *p, const char *peer,
		   const char *xff, const char *want)
{
	char out[64];

	forwarded_client(p, peer, xff, out);
	assert_string_equal(out, want);
}

static void test_parse(void **state)
{
	struct forwarded_proxies p;
	struct ug_error err;

	(void)state;
	p = proxies("127.0.0.1, 10.0.0.0/8,::1,fd00::/8");
	assert_int_equal(p.n, 4);
	assert_true(forwarded_trusted(&p, "10.20.30.40"));
	assert_true(forwarded_trusted(&p, "127.0.0.1"));
	assert_false(forwarded_trusted(&p, "127.0.0.2"));
	assert_false(forwarded_trusted(&p, "11.0.0.1"));
	assert_true(forwarded_trusted(&p, "fd12:3456::1"));
	assert_false(forwarded_trusted(&p, "fe80::1"));
	assert_false(forwarded_trusted(&p, "not an address"));
	p = proxies("192.168.1.0/23");
	assert_true(forwarded_trusted(&p, "192.168.0.200"));
	assert_false(forwarded_trusted(&p, "192.168.2.1"));
	p = proxies("");
	assert_int_equal(p.n, 0);
	ug_error_clear(&err);
	tu_assert_err(forwarded_parse("10.0.0.1,nginx", "trusted-proxy", &p,
				      &err),
		      err, UG_EINVAL, "trusted-proxy");
	tu_assert_err(forwarded_parse("10.0.0.0/33", "trusted-proxy", &p, &err),
		      err, UG_EINVAL, "trusted-proxy");
	tu_assert_err(forwarded_parse("10.0.0.0/x", "trusted-proxy", &p, &err),
		      err, UG_EINVAL, "trusted-proxy");
}

static void test_walk(void **state)
{
	struct forwarded_proxies p = proxies("127.0.0.1,10.0.0.0/8");

	(void)state;
	/* No proxies configured, or an untrusted peer: the header is the
	 * client's to forge and is ignored. */
	expect(NULL, "203.0.113.9", "1.2.3.4", "203.0.113.9");
	expect(&p, "203.0.113.9", "1.2.3.4", "203.0.113.9");
	/* From our proxy: the address it appended. */
	expect(&p, "127.0.0.1", "198.51.100.7", "198.51.100.7");
	/* A forged entry to the left of it changes nothing. */
	expect(&p, "127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7");
	/* Two of our hops (load balancer then nginx) are stepped over. */
	expect(&p, "127.0.0.1", "198.51.100.7,10.1.2.3", "198.51.100.7");
	expect(&p, "127.0.0.1", " 6.6.6.6 ,  198.51.100.7 , 10.1.2.3 ",
	       "198.51.100.7");
	/* Nothing but our hops: the leftmost. */
	expect(&p, "127.0.0.1", "10.9.9.9, 10.1.2.3", "10.9.9.9");
	/* Garbage stops the walk at the last trusted hop. */
	expect(&p, "127.0.0.1", "198.51.100.7, unknown", "127.0.0.1");
	expect(&p, "127.0.0.1", "198.51.100.7, nonsense, 10.1.2.3", "10.1.2.3");
	/* No header, an empty one. */
	expect(&p, "127.0.0.1", NULL, "127.0.0.1");
	expect(&p, "127.0.0.1", "", "127.0.0.1");
	/* IPv6 clients. */
	expect(&p, "127.0.0.1", "2001:db8::1", "2001:db8::1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
