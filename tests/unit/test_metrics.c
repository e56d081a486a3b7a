/*
 * test_metrics.c - the operator's numbers (web/metrics.h): requests are
 * counted by door, route and exact status, their times land in the right
 * bucket of a cumulative histogram whose +Inf bucket is the count, a
 * request no route matched has its own row, a door the counters were not
 * made for is not counted, and the process's numbers read from /proc.
 */
#include "testutil.h"

#include <string.h>

#include "web/metrics.h"
#include "web/web.h"

static void h_none(struct web_ctx *c)
{
	(void)c;
}

static const struct web_route routes_a[] = {
	{ { "GET", "/a" }, h_none, 0, RS_PUBLIC, 0 },
	{ { "POST", "/a/{id}" }, h_none, 0, RS_PUBLIC, 0 },
};
static const struct web_door door_a = {
	.name = "alpha", .routes = routes_a, .nroutes = 2,
};
static const struct web_route routes_b[] = {
	{ { "GET", "/b" }, h_none, 0, RS_PUBLIC, 0 },
};
static const struct web_door door_b = {
	.name = "beta", .routes = routes_b, .nroutes = 1,
};
static const struct web_door door_c = {
	.name = "gamma", .routes = routes_b, .nroutes = 1,
};

/* The value of the series line that starts with `series` + " ", or -1. */
static double value_of(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

static void test_counts_and_histogram(void **state)
{
	const struct web_door *doors[] = { &door_a, &door_b, NULL };
	struct metrics *m = metrics_new(doors);
	struct buf out = BUF_INIT;
	const char *t;

	(void)state;
	assert_non_null(m);
	metrics_request(m, &door_a, &routes_a[0], 200, 300);     /* 0.5 ms */
	metrics_request(m, &door_a, &routes_a[0], 200, 500);     /* edge: 0.5 ms */
	metrics_request(m, &door_a, &routes_a[0], 304, 7000);    /* 10 ms */
	metrics_request(m, &door_a, &routes_a[1], 409, 20000000); /* +Inf */
	metrics_request(m, &door_a, NULL, 404, 10);              /* no route */
	metrics_request(m, &door_b, &routes_b[0], 503, 1000);
	metrics_request(m, &door_c, NULL, 200, 10); /* not given: ignored */
#define REQ "urbangrid_http_requests_total"
#define BUCKET "urbangrid_http_request_duration_seconds_bucket"
	/* Cumulative buckets: 2 at 0.5 ms (500 us is inside its bound), 3
	 * from 10 ms, the 20 s one only in +Inf. */
	static const struct {
		const char *series;
		double want;
	} expect[] = {
		{ REQ "{door=\"alpha\",route=\"GET /a\",status=\"200\"}", 2 },
		{ REQ "{door=\"alpha\",route=\"GET /a\",status=\"304\"}", 1 },
		{ REQ "{door=\"alpha\",route=\"POST /a/{id}\",status=\"409\"}", 1 },
		{ REQ "{door=\"alpha\",route=\"\",status=\"404\"}", 1 },
		{ REQ "{door=\"beta\",route=\"GET /b\",status=\"503\"}", 1 },
		{ BUCKET "{door=\"alpha\",route=\"GET /a\",le=\"0.0005\"}", 2 },
		{ BUCKET "{door=\"alpha\",route=\"GET /a\",le=\"0.005\"}", 2 },
		{ BUCKET "{door=\"alpha\",route=\"GET /a\",le=\"0.01\"}", 3 },
		{ BUCKET "{door=\"alpha\",route=\"GET /a\",le=\"+Inf\"}", 3 },
		{ BUCKET "{door=\"alpha\",route=\"POST /a/{id}\",le=\"10\"}", 0 },
		{ BUCKET "{door=\"alpha\",route=\"POST /a/{id}\",le=\"+Inf\"}", 1 },
		{ "urbangrid_http_request_duration_seconds_count"
		  "{door=\"alpha\",route=\"GET /a\"}", 3 },
		{ "urbangrid_http_request_duration_seconds_sum"
		  "{door=\"alpha\",route=\"GET /a\"}", 0.0078 },
	};

	assert_int_equal(metrics_render_requests(m, &out), 0);
	t = buf_str(&out);
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		double got = value_of(t, expect[i].series);

		if (got != expect[i].want)
			fail_msg("%s: %g, not %g", expect[i].series, got,
				 expect[i].want);
	}
	/* No line for a status that never happened, nor for door c. */
	assert_null(strstr(t, "status=\"500\""));
	assert_null(strstr(t, "door=\"gamma\""));
	/* Rows without a request have no histogram. */
	assert_null(strstr(t, "_count{door=\"beta\",route=\"\"}"));
	assert_non_null(strstr(t, "# TYPE urbangrid_http_request_duration_seconds histogram\n"));
	buf_free(&out);
	metrics_free(m);
	metrics_free(NULL);
}

static void test_process(void **state)
{
	struct buf out = BUF_INIT;
	const char *t;

	(void)state;
	assert_int_equal(metrics_render_process(&out), 0);
	t = buf_str(&out);
	assert_true(value_of(t, "process_resident_memory_bytes") > 1e5);
	assert_true(value_of(t, "process_cpu_seconds_total") >= 0);
	/* stdin, stdout, stderr at least. */
	assert_true(value_of(t, "process_open_fds") >= 3);
	assert_true(value_of(t, "process_start_time_seconds") > 1.7e9);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_histogram),
		cmocka_unit_test(test_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
