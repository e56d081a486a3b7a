/*
 * pages.c - the handlers of the public pages and their static files, the
 * redirect from "/", and the HTML error page (see pages.h).  Everything
 * served here is compiled into the binary (ui/assets.h).
 */
#include "ui/pages.h"

#include <string.h>

#include "ui/assets.h"

#define PAGES_HOME "/public/"
#define CONSOLE_HOME "/console/"
#define FIELD_HOME "/m/"

int page_path(const char *path)
{
	/* What the pages call, not what a person types: JSON and photos. */
	static const char *not_pages[] = { "/public/api/", "/public/media/" };

	if (strcmp(path, "/") == 0 || strcmp(path, "/public") == 0 ||
	    strcmp(path, "/console") == 0 ||
	    strncmp(path, CONSOLE_HOME, strlen(CONSOLE_HOME)) == 0 ||
	    strcmp(path, "/m") == 0 ||
	    strncmp(path, FIELD_HOME, strlen(FIELD_HOME)) == 0)
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

/* Answer with the embedded file `name` and that Cache-Control; one that
 * is missing is a 404 page (a typo in an asset address, or a page left
 * out of the build). */
static void serve_file_img(struct web_ctx *c, const char *name,
			   const char *cache_control, const char *img_origin)
{
	const struct embedded_file *f = asset_find(name);

	if (!f) {
		page_error(c->resp, 404);
		return;
	}
	asset_reply_cached(c->resp, f, http_header(c->req, "If-None-Match"),
			   cache_control, img_origin);
}

static void serve_file_cached(struct web_ctx *c, const char *name,
			      const char *cache_control)
{
	serve_file_img(c, name, cache_control, NULL);
}

static void serve_file(struct web_ctx *c, const char *name)
{
	serve_file_cached(c, name, "no-cache");
}

static void h_page_report(struct web_ctx *c)
{
	serve_file(c, "report.html");
}

static void h_page_follow(struct web_ctx *c)
{
	serve_file(c, "follow.html");
}

static void h_page_honours(struct web_ctx *c)
{
	serve_file(c, "honours.html");
}

/* The file under `dir` that the route's {file...} names, with that
 * Cache-Control.  Pages live beside assets/ in the table; only assets/
 * is served under these routes, so each page has exactly one address. */
static void serve_asset(struct web_ctx *c, const char *dir,
			const char *cache_control)
{
	const char *file = api_param(c, "file");
	struct buf name = BUF_INIT;

	buf_printf(&name, "%s%s", dir, file ? file : "");
	serve_file_cached(c, buf_str(&name), cache_control);
	buf_free(&name);
}

static void h_page_asset(struct web_ctx *c)
{
	serve_asset(c, "assets/", "no-cache");
}

static void redirect(struct web_ctx *c, const char *to)
{
	c->resp->status = 302;
	c->resp->content_type = "text/html; charset=utf-8";
	http_response_header(c->resp, "Location", to);
	http_response_header(c->resp, "Cache-Control", "no-store");
	asset_security_headers(c->resp);
	buf_reset(&c->resp->body);
	buf_printf(&c->resp->body,
		   "<!doctype html>\n<title>302</title><a href=\"%s\">%s</a>\n",
		   to, to);
}

/* "/": the console for a browser that holds a session cookie (the
 * console itself asks the server whether it is still good and shows the
 * login form when it is not), the public pages for everyone else. */
static void h_home(struct web_ctx *c)
{
	redirect(c, http_cookie(c->req, SESSION_COOKIE) ? CONSOLE_HOME
							 : PAGES_HOME);
}

static void h_redirect_public(struct web_ctx *c)
{
	redirect(c, PAGES_HOME);
}

static void h_redirect_console(struct web_ctx *c)
{
	redirect(c, CONSOLE_HOME);
}

/* The console: one page; its views are addressed after the # and drawn
 * by its script (web/console/). */
static void h_console(struct web_ctx *c)
{
	/* Its maps may show the intranet tile server's pictures (serve
	 * --tiles): that origin, and no other, is allowed. */
	serve_file_img(c, "console/index.html", "no-cache",
		       c->app->tiles.origin);
}

/* The command-centre screen (指挥大屏): a page of its own with its own
 * script (web/console/src/screen.js), the console's login and words;
 * its figures come from the API in the viewer's sight. */
static void h_console_screen(struct web_ctx *c)
{
	serve_file_img(c, "console/screen.html", "no-cache",
		       c->app->tiles.origin);
}

/* The console's script and style: fingerprinted by the build
 * (tools/build-console.mjs), so cached for good. */
static void h_console_asset(struct web_ctx *c)
{
	serve_asset(c, "console/assets/", ASSET_IMMUTABLE);
}

static void h_redirect_field(struct web_ctx *c)
{
	redirect(c, FIELD_HOME);
}

/* The phone pages (web/field/, docs/field.md): one page like the
 * console's, its views after the #; the same tile server allowed. */
static void h_field(struct web_ctx *c)
{
	serve_file_img(c, "field/index.html", "no-cache", c->app->tiles.origin);
}

static void h_field_asset(struct web_ctx *c)
{
	serve_asset(c, "field/assets/", ASSET_IMMUTABLE);
}

/* Their service worker: at a fixed address (a browser keeps checking it
 * for a new version, so no-cache: a new binary's worker is seen at the
 * next load), controlling /m/ and nothing else - Service-Worker-Allowed
 * says so, for a browser that asks the scope explicitly. */
static void h_field_worker(struct web_ctx *c)
{
	serve_file(c, "field/sw.js");
	if (c->resp->status == 200 || c->resp->status == 304)
		http_response_header(c->resp, "Service-Worker-Allowed",
				     FIELD_HOME);
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
	R_PAGE("GET", "/", h_home),
	R_PAGE("GET", "/public", h_redirect_public),
	R_PAGE("GET", "/console", h_redirect_console),
	R_PAGE("GET", "/console/", h_console),
	R_PAGE("GET", "/console/screen", h_console_screen),
	R_PAGE("GET", "/console/assets/{file...}", h_console_asset),
	R_PAGE("GET", "/m", h_redirect_field),
	R_PAGE("GET", "/m/", h_field),
	R_PAGE("GET", "/m/sw.js", h_field_worker),
	R_PAGE("GET", "/m/assets/{file...}", h_field_asset),
	R_PAGE("GET", "/public/", h_page_report),
	R_PAGE("GET", "/public/follow", h_page_follow),
	R_PAGE("GET", "/public/honours", h_page_honours),
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
