/*
 * open311.h - Open311 GeoReport v2's door (public/open311.c): the paths
 * under /open311/, their .json/.xml answers and the standard's error
 * lists (docs/open311.md).
 */
#ifndef UG_PUBLIC_OPEN311_H
#define UG_PUBLIC_OPEN311_H

#include "web/web.h"

extern const struct web_door open311_door;

#endif
