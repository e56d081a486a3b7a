/*
 * pages.h - the public pages' door (ui/pages.c): report a problem, follow
 * a report, their files under /public/assets/, and "/" → /public/.
 *
 * Its routes read no body, borrow no database connection and answer
 * HTML, so a browser that mistypes an address gets a page it can read,
 * not a JSON error.  It claims "/", "/public" and everything under
 * "/public/" except the JSON API ("/public/api/") and the public photos
 * ("/public/media/"), which belong to the API's door.
 */
#ifndef UG_PAGES_H
#define UG_PAGES_H

#include "web/web.h"

extern const struct web_door pages_door;

/* 1 when path belongs to the pages (see above). */
int page_path(const char *path);

#endif
