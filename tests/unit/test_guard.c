/*
 * test_guard.c - per-peer connection limits and request deadlines
 * (http/guard.h): admission counts open connections per address and
 * forgets closed ones, trusted proxies are not limited, and the reaper
 * shuts down exactly the connections past their deadline in each phase
 * (headers, body, answer, kept alive) - seen from the other end of a
 * socket pair as the end of the stream.
 */
#include "testutil.h"

#include <sys/socket.h>
#include <unistd.h>

#include "http/guard.h"

static const struct guard_config cfg = {
	.per_peer = 2,
	.header_ms = 1000,
	.request_ms = 5000,
	.idle_ms = 30000,
};

static void test_per_peer_limit(void **state)
{
	struct guard *g = guard_new(&cfg);
	struct guard_conn *a, *b, *c;

	(void)state;
	assert_non_null(g);
	assert_true(guard_admit(g, "10.0.0.1"));
	a = guard_open(g, "10.0.0.1", -1, 0);
	assert_true(guard_admit(g, "10.0.0.1"));
	b = guard_open(g, "10.0.0.1", -1, 0);
	assert_int_equal(guard_peer_count(g, "10.0.0.1"), 2);
	/* The third from the same address is refused; another address is
	 * not affected. */
	assert_false(guard_admit(g, "10.0.0.1"));
	assert_true(guard_admit(g, "10.0.0.2"));
	c = guard_open(g, "10.0.0.2", -1, 0);
	/* A closed connection makes room. */
	guard_close(g, a);
	assert_int_equal(guard_peer_count(g, "10.0.0.1"), 1);
	assert_true(guard_admit(g, "10.0.0.1"));
	guard_close(g, b);
	guard_close(g, c);
	assert_int_equal(guard_peer_count(g, "10.0.0.1"), 0);
	assert_int_equal(guard_peer_count(g, "10.0.0.2"), 0);
	guard_close(g, NULL);
	guard_free(g);
}

/* Three connections of one peer admitted at the same moment (three
 * worker threads each looked before any counted): the one opened past
 * the limit is ended at once - its socket's other end sees the end of
 * the stream - and not counted, so the limit holds exactly. */
static void test_raced_admission(void **state)
{
	struct guard *g = guard_new(&cfg);
	struct guard_conn *conn[3];
	int sv[3][2];
	char byte;

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]), 0);
		assert_true(guard_admit(g, "10.0.0.1"));
	}
	for (int i = 0; i < 3; i++)
		conn[i] = guard_open(g, "10.0.0.1", sv[i][0], 0);
	assert_int_equal(guard_peer_count(g, "10.0.0.1"), 2);
	assert_int_equal(read(sv[2][1], &byte, 1), 0);  /* ended */
	assert_int_equal(write(sv[0][1], "x", 1), 1);
	assert_int_equal(read(sv[0][0], &byte, 1), 1);  /* the first two live */
	/* Not shut down twice by the reaper; closing it leaves the count. */
	assert_int_equal(guard_reap(g, 1), 0);
	guard_close(g, conn[2]);
	assert_int_equal(guard_peer_count(g, "10.0.0.1"), 2);
	guard_close(g, conn[0]);
	guard_close(g, conn[1]);
	assert_int_equal(guard_peer_count(g, "10.0.0.1"), 0);
	for (int i = 0; i < 3; i++) {
		close(sv[i][0]);
		close(sv[i][1]);
	}
	guard_free(g);
}

static void test_trusted_and_unlimited(void **state)
{
	struct forwarded_proxies proxies;
	struct guard_config c = cfg;
	struct guard_conn *held[10];
	struct ug_error err;
	struct guard *g;

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(forwarded_parse("192.0.2.0/24", "--trusted-proxy",
				     &proxies, &err),
		     err);
	c.trusted = &proxies;
	g = guard_new(&c);
	for (int i = 0; i < 10; i++) {
		assert_true(guard_admit(g, "192.0.2.7"));
		held[i] = guard_open(g, "192.0.2.7", -1, 0);
	}
	assert_int_equal(guard_peer_count(g, "192.0.2.7"), 0); /* uncounted */
	for (int i = 0; i < 10; i++)
		guard_close(g, held[i]);
	guard_free(g);
	/* per_peer 0: no limit at all. */
	c = cfg;
	c.per_peer = 0;
	g = guard_new(&c);
	for (int i = 0; i < 10; i++) {
		assert_true(guard_admit(g, "10.0.0.9"));
		held[i] = guard_open(g, "10.0.0.9", -1, 0);
	}
	for (int i = 0; i < 10; i++)
		guard_close(g, held[i]);
	guard_free(g);
}

/* Has the server side of pair been shut down?  (The client end reads the
 * end of the stream at once.) */
static int was_shut(int client)
{
	char ch;

	return recv(client, &ch, 1, MSG_DONTWAIT) == 0;
}

static void test_deadlines(void **state)
{
	struct guard *g = guard_new(&cfg);
	int hdr[2], body[2], answer[2], idle[2];
	struct guard_conn *h, *b, *a, *k;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, hdr), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, body), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, answer), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, idle), 0);
	/* All open at 0 ms; headers due at 1,000 ms. */
	h = guard_open(g, "10.0.0.1", hdr[0], 0);
	b = guard_open(g, "10.0.0.2", body[0], 0);
	a = guard_open(g, "10.0.0.3", answer[0], 0);
	k = guard_open(g, "10.0.0.4", idle[0], 0);
	guard_headers_in(g, b, 500);      /* body due at 5,500 */
	guard_headers_in(g, a, 500);
	guard_request_in(a);              /* answering: no deadline */
	guard_headers_in(g, k, 200);
	guard_request_in(k);
	guard_answered(g, k, 300);        /* next headers due at 31,300 */
	assert_int_equal(guard_reap(g, 999), 0);
	assert_false(was_shut(hdr[1]));
	/* The headers' deadline passes: that one alone. */
	assert_int_equal(guard_reap(g, 1000), 1);
	assert_true(was_shut(hdr[1]));
	assert_false(was_shut(body[1]));
	/* Shut once: not counted again. */
	assert_int_equal(guard_reap(g, 2000), 0);
	assert_int_equal(guard_reap(g, 5500), 1);
	assert_true(was_shut(body[1]));
	assert_int_equal(guard_reap(g, 31299), 0);
	assert_false(was_shut(idle[1]));
	assert_int_equal(guard_reap(g, 31300), 1);
	assert_true(was_shut(idle[1]));
	/* An answer is never cut, however long. */
	assert_int_equal(guard_reap(g, INT64_MAX - 1), 0);
	assert_false(was_shut(answer[1]));
	guard_close(g, h);
	guard_close(g, b);
	guard_close(g, a);
	guard_close(g, k);
	for (int i = 0; i < 2; i++) {
		close(hdr[i]);
		close(body[i]);
		close(answer[i]);
		close(idle[i]);
	}
	guard_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_peer_limit),
		cmocka_unit_test(test_raced_admission),
		cmocka_unit_test(test_trusted_and_unlimited),
		cmocka_unit_test(test_deadlines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
