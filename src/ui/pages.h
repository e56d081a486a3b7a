/*
 * pages.h - the public pages (report a problem, follow a report) as seen
 * by the dispatcher: which paths belong to them, and their error page.
 *
 * Page routes (ROUTE_PAGE in api/app.h) read no body, borrow no database
 * connection and answer HTML, so a browser that mistypes an address gets
 * a page it can read, not a JSON error.  Their handlers are declared with
 * the others in api/handlers.h.
 */
#ifndef UG_PAGES_H
#define UG_PAGES_H

#include "http/http.h"

/* 1 when path belongs to the pages: "/", "/public" and everything under
 * "/public/" except the JSON API ("/public/api/") and the public photos
 * ("/public/media/"), which answer their errors in JSON. */
int page_path(const char *path);

/* Answer a small bilingual HTML error page for status 404 or 405 (any
 * other status gets the 404 wording's shape with a generic line), with
 * the security headers and Cache-Control no-store.  405 needs the caller
 * to add Allow. */
void page_error(struct http_response *resp, int status);

#endif
