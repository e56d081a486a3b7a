/*
 * test_assets.c - the embedded web files (ui/assets.h): lookup by exact
 * name, Content-Type by extension, If-None-Match parsing (lists, weak
 * tags, "*", malformed headers that must never earn a 304), and the
 * answer itself: 200 from the table without a copy, or 304 with no body,
 * both with ETag, Cache-Control and the security headers.
 */
#include "testutil.h"

#include <sodium.h>

#include "http/http.h"
#include "ui/assets.h"

/* The value of response header `name`, or NULL. */
static const char *header(const struct http_response *resp, const char *name)
{
	const char *p = resp->headers.data;
	const char *end = p ? p + resp->headers.len : NULL;

	while (p && p < end) {
		const char *value = p + strlen(p) + 1;

		if (strcmp(p, name) == 0)
			return value;
		p = value + strlen(value) + 1;
	}
	return NULL;
}

static void test_find(void **state)
{
	static const char *present[] = {
		"report.html", "follow.html", "assets/app.css",
		"assets/leaflet/leaflet.js",
		"assets/leaflet/images/marker-icon.png",
	};
	static const char *absent[] = {
		"", "/report.html", "report.htm", "REPORT.HTML", "assets",
		"assets/", "./report.html", "assets/../report.html",
		"assets//app.css", "report.html/",
	};
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	(void)state;
	for (size_t i = 0; i < sizeof present / sizeof present[0]; i++) {
		const struct embedded_file *f = asset_find(present[i]);

		if (!f)
			fail_msg("%s is not embedded", present[i]);
		assert_string_equal(f->name, present[i]);
		assert_true(f->size > 0);
		assert_int_equal(f->data[f->size], '\0');
		/* The build-time digest is the SHA-256 of the bytes. */
		crypto_hash_sha256(digest, f->data, f->size);
		sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
		assert_string_equal(f->sha256, hex);
	}
	for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
		if (asset_find(absent[i]))
			fail_msg("\"%s\" found", absent[i]);
}

static void test_content_type(void **state)
{
	static const struct {
		const char *name, *type;
	} cases[] = {
		{ "report.html", "text/html; charset=utf-8" },
		{ "assets/app.css", "text/css; charset=utf-8" },
		{ "assets/report.js", "text/javascript; charset=utf-8" },
		{ "a/b/c.PNG", "image/png" },
		{ "x.svg", "image/svg+xml" },
		{ "x.webp", "image/webp" },
		{ "x.json", "application/json" },
		{ "assets/leaflet/LICENSE", "text/plain; charset=utf-8" },
		{ "README", "text/plain; charset=utf-8" },
		{ "a.d/LICENSE", "text/plain; charset=utf-8" }, /* dot in a folder */
		{ "x.exe", "application/octet-stream" },
		{ "x.", "application/octet-stream" },
		{ "x.html.gz", "application/octet-stream" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(asset_content_type(cases[i].name),
				    cases[i].type);
}

static void test_etag_match(void **state)
{
	static const char *sha = "ab12";
	static const char *match[] = {
		"\"ab12\"", "W/\"ab12\"", "*", " \"ab12\"", "\"x\", \"ab12\"",
		"\"x\",\"ab12\"", "W/\"x\" ,\tW/\"ab12\" , \"y\"", ", ,\"ab12\"",
	};
	static const char *no_match[] = {
		"", " ", "\"ab1\"", "\"ab123\"", "\"AB12\"", "ab12", "W/ab12",
		"\"ab12", "\"x\"junk, \"ab12\"", "w/\"ab12\"", "\"\"",
		"\"x\", ab12", "W/\"ab", "\"x\"\"ab12\"",
	};

	(void)state;
	assert_false(http_etag_match(NULL, sha));
	for (size_t i = 0; i < sizeof match / sizeof match[0]; i++)
		if (!http_etag_match(match[i], sha))
			fail_msg("[%s] did not match", match[i]);
	for (size_t i = 0; i < sizeof no_match / sizeof no_match[0]; i++)
		if (http_etag_match(no_match[i], sha))
			fail_msg("[%s] matched", no_match[i]);
}

static void test_reply(void **state)
{
	const struct embedded_file *f = asset_find("assets/app.css");
	struct http_response resp;
	char etag[80];

	(void)state;
	assert_non_null(f);
	snprintf(etag, sizeof etag, "\"%s\"", f->sha256);

	memset(&resp, 0, sizeof resp);
	asset_reply(&resp, f, NULL);
	assert_int_equal(resp.status, 200);
	assert_ptr_equal(resp.static_data, f->data); /* no copy */
	assert_int_equal(resp.static_len, f->size);
	assert_string_equal(resp.content_type, "text/css; charset=utf-8");
	assert_string_equal(header(&resp, "ETag"), etag);
	assert_string_equal(header(&resp, "Cache-Control"), "no-cache");
	assert_string_equal(header(&resp, "Content-Security-Policy"),
			    ASSET_CSP);
	assert_string_equal(header(&resp, "Referrer-Policy"), "no-referrer");
	buf_free(&resp.headers);

	memset(&resp, 0, sizeof resp);
	asset_reply(&resp, f, etag);
	assert_int_equal(resp.status, 304);
	assert_null(resp.static_data);
	assert_int_equal(resp.body.len, 0);
	assert_string_equal(header(&resp, "ETag"), etag);
	assert_string_equal(header(&resp, "Cache-Control"), "no-cache");
	buf_free(&resp.headers);

	memset(&resp, 0, sizeof resp);
	asset_reply(&resp, f, "\"stale\"");
	assert_int_equal(resp.status, 200);
	assert_ptr_equal(resp.static_data, f->data);
	buf_free(&resp.headers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_etag_match),
		cmocka_unit_test(test_reply),
	};

	return cmocka_run_group_tests_name("assets", tests, NULL, NULL);
}
