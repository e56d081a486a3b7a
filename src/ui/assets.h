/*
 * assets.h - the web files compiled into the binary and how they are
 * answered.
 *
 * The Makefile stages web/public/ and the front-end packages the pages use
 * (Leaflet, from npm) in one tree and tools/embed.c compiles it into the
 * table web_public[]; names are paths inside that tree ("report.html",
 * "assets/app.css", "assets/leaflet/leaflet.js").  Nothing is read from
 * disk at run time and nothing is hashed: the SHA-256 taken at build time
 * is the strong ETag.  The http layer adds X-Content-Type-Options.
 */
#ifndef UG_ASSETS_H
#define UG_ASSETS_H

#include "http/http.h"
#include "lib/embed.h"

/* The Content-Security-Policy of every page: only this origin, no inline
 * script or style, photos previewed from blob: URLs before upload, never
 * framed. */
#define ASSET_CSP                                                          \
	"default-src 'self'; img-src 'self' blob:; object-src 'none'; "    \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* The embedded file called `name`, or NULL.  Names are matched exactly:
 * "../x" or "a//b" simply find nothing. */
const struct embedded_file *asset_find(const char *name);

/* Content-Type for a file name, by its extension (text types with
 * charset=utf-8); application/octet-stream when the extension is not
 * known. */
const char *asset_content_type(const char *name);

/* Headers every HTML answer carries: Content-Security-Policy (ASSET_CSP)
 * and Referrer-Policy no-referrer (the follow page's address can hold a
 * report's token, which must not leave in a Referer). */
void asset_security_headers(struct http_response *resp);

/* The same with one more origin allowed for pictures ("https://tiles.
 * city.lan:8443", from serve --tiles: the map's tiles), NULL for none. */
void asset_security_headers_img(struct http_response *resp,
				const char *img_origin);

/* Answer resp with file f: 200 with its bytes (served from the table, no
 * copy), or 304 with no body when if_none_match matches.  Both carry
 * Content-Type, ETag, Cache-Control "no-cache" (names are not versioned,
 * so a browser asks each time and a 304 costs one small round trip) and
 * the security headers. */
void asset_reply(struct http_response *resp, const struct embedded_file *f,
		 const char *if_none_match);

/* The same with another Cache-Control - the console's fingerprinted
 * files (their names carry a hash of their content, so an address never
 * changes meaning) go out as ASSET_IMMUTABLE - and one more origin for
 * pictures (asset_security_headers_img; NULL for none). */
#define ASSET_IMMUTABLE "public, max-age=31536000, immutable"
void asset_reply_cached(struct http_response *resp,
			const struct embedded_file *f,
			const char *if_none_match, const char *cache_control,
			const char *img_origin);

#endif
