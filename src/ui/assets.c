/*
 * assets.c - looking up, typing and answering the embedded web files (see
 * assets.h).
 */
#include "ui/assets.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Generated from the staged web tree by tools/embed.c (Makefile). */
extern const struct embedded_file web_public[];

const struct embedded_file *asset_find(const char *name)
{
	/* A linear scan: a few tens of files, each compare ends at the first
	 * differing byte. */
	for (const struct embedded_file *f = web_public; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const char *asset_content_type(const char *name)
{
	static const struct {
		const char *ext;
		const char *type;
	} types[] = {
		{ "html", "text/html; charset=utf-8" },
		{ "css", "text/css; charset=utf-8" },
		{ "js", "text/javascript; charset=utf-8" },
		{ "json", "application/json" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "webp", "image/webp" },
		{ "svg", "image/svg+xml" },
		{ "ico", "image/x-icon" },
		{ "woff2", "font/woff2" },
	};
	const char *base = strrchr(name, '/');
	const char *dot = strrchr(base ? base : name, '.');

	/* Files without an extension (LICENSE) are the packages' texts. */
	if (!dot)
		return "text/plain; charset=utf-8";
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcasecmp(dot + 1, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

void asset_security_headers(struct http_response *resp)
{
	asset_security_headers_img(resp, NULL);
}

void asset_security_headers_img(struct http_response *resp,
				const char *img_origin)
{
	struct buf csp = BUF_INIT;

	if (img_origin && *img_origin) {
		/* ASSET_CSP with the origin added to img-src only. */
		buf_printf(&csp,
			   "default-src 'self'; img-src 'self' blob: %s; "
			   "object-src 'none'; base-uri 'none'; form-action "
			   "'self'; frame-ancestors 'none'",
			   img_origin);
		http_response_header(resp, "Content-Security-Policy",
				     buf_str(&csp));
		buf_free(&csp);
	} else {
		http_response_header(resp, "Content-Security-Policy",
				     ASSET_CSP);
	}
	http_response_header(resp, "Referrer-Policy", "no-referrer");
}

void asset_reply(struct http_response *resp, const struct embedded_file *f,
		 const char *if_none_match)
{
	asset_reply_cached(resp, f, if_none_match, "no-cache", NULL);
}

void asset_reply_cached(struct http_response *resp,
			const struct embedded_file *f,
			const char *if_none_match, const char *cache_control,
			const char *img_origin)
{
	char etag[80];

	snprintf(etag, sizeof etag, "\"%s\"", f->sha256);
	resp->content_type = asset_content_type(f->name);
	http_response_header(resp, "ETag", etag);
	http_response_header(resp, "Cache-Control", cache_control);
	asset_security_headers_img(resp, img_origin);
	buf_reset(&resp->body);
	if (http_etag_match(if_none_match, f->sha256)) {
		resp->status = 304;
		return;
	}
	resp->status = 200;
	resp->static_data = f->data;
	resp->static_len = f->size;
}
