/*
 * pages.c - the handlers of the public pages and their static files, the
 * redirect from "/", and the HTML error page (see pages.h).  Everything
 * served here is compiled into the binary (ui/assets.h).
 */
#include "ui/pages.h"

#include <string.h>

#include "ui/assets.h"

#define PAGES_HOME "/public/"

int page_path(const char *path)
{
	/* What the pages call, not what a person types: JSON and photos. */
	static const char *not_pages[] = { "/public/api/", "/public/media/" };

	if (strcmp(path, "/") == 0 || strcmp(path, "/public") == 0)
		return 1;
	if (strncmp(path, PAGES_HOME, strlen(PAGES_HOME)) != 0)
		return 0;
	for (size_t i = 0; i < sizeof not_pages / sizeof not_pages[0]; i++)
		if (strncmp(path, not_pages[i], strlen(not_pages[i])) == 0)
			return 0;
	return 1;
}

/* A small bilingual HTML error page for status 404 or 405 (any other
 * status gets the 404 wording's shape with a generic line), with the
 * security headers and Cache-Control no-store. */
static void page_error(struct http_response *resp, int status)
{
	static const struct {
		int status;
		const char *zh, *en;
	} texts[] = {
		{ 404, "页面不存在", "Page not found" },
		{ 405, "此地址不接受该请求方法", "Method not allowed" },
	};
	const char *zh = "请求无法完成", *en = "The request cannot be served";

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i].status == status) {
			zh = texts[i].zh;
			en = texts[i].en;
		}
	resp->status = status;
	resp->content_type = "text/html; charset=utf-8";
	resp->static_data = NULL;
	buf_reset(&resp->body);
	buf_printf(&resp->body,
		   "<!doctype html>\n<html lang=\"zh-CN\"><head>"
		   "<meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, "
		   "initial-scale=1\">"
		   "<title>%d %s</title>"
		   "<link rel=\"stylesheet\" href=\"/public/assets/app.css\">"
		   "</head><body><main class=\"page\">"
		   "<h1>%s</h1><p lang=\"en\">%s</p>"
		   "<p><a href=\"" PAGES_HOME "\">我要举报</a> · "
		   "<a href=\"" PAGES_HOME "follow\">查询进度</a></p>"
		   "</main></body></html>\n",
		   status, zh, zh, en);
	http_response_header(resp, "Cache-Control", "no-store");
	asset_security_headers(resp);
}

/* Answer with the embedded file `name`; one that is missing is a 404 page
 * (a typo in an asset address, or a page left out of the build). */
static void serve_file(struct web_ctx *c, const char *name)
{
	const struct embedded_file *f = asset_find(name);

	if (!f) {
		page_error(c->resp, 404);
		return;
	}
	asset_reply(c->resp, f, http_header(c->req, "If-None-Match"));
}

static void h_page_report(struct web_ctx *c)
{
	serve_file(c, "report.html");
}

static void h_page_follow(struct web_ctx *c)
{
	serve_file(c, "follow.html");
}

static void h_page_asset(struct web_ctx *c)
{
	const char *file = api_param(c, "file");
	struct buf name = BUF_INIT;

	/* Pages live beside assets/ in the table; only assets/ is served
	 * under this route, so each page has exactly one address. */
	buf_printf(&name, "assets/%s", file ? file : "");
	serve_file(c, buf_str(&name));
	buf_free(&name);
}

static void h_redirect_home(struct web_ctx *c)
{
	/* The staff console will live at "/" later; until then the public
	 * pages are the only thing a browser can use. */
	c->resp->status = 302;
	c->resp->content_type = "text/html; charset=utf-8";
	http_response_header(c->resp, "Location", PAGES_HOME);
	http_response_header(c->resp, "Cache-Control", "no-store");
	asset_security_headers(c->resp);
	buf_reset(&c->resp->body);
	buf_puts(&c->resp->body, "<!doctype html>\n<title>302</title>"
				 "<a href=\"" PAGES_HOME "\">" PAGES_HOME
				 "</a>\n");
}

static void pages_error(struct web_ctx *c, int status, const char *code,
			const char *message, const char *field)
{
	(void)code;
	(void)message;
	(void)field;
	page_error(c->resp, status);
}

static const struct web_route routes[] = {
#define R_PAGE(method, pattern, handler) \
	{ { method, pattern }, handler, 0, RS_PUBLIC, ROUTE_PAGE }
	R_PAGE("GET", "/", h_redirect_home),
	R_PAGE("GET", "/public", h_redirect_home),
	R_PAGE("GET", "/public/", h_page_report),
	R_PAGE("GET", "/public/follow", h_page_follow),
	R_PAGE("GET", "/public/assets/{file...}", h_page_asset),
#undef R_PAGE
};

const struct web_door pages_door = {
	.name = "pages",
	.claims = page_path,
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.error = pages_error,
};
