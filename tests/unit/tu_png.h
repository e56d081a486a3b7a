/*
 * tu_png.h - a PNG held in a struct buf decoded by cairo, for the tests
 * of what draws pictures (the grid tiles, the demo's photos).
 */
#ifndef UG_TU_PNG_H
#define UG_TU_PNG_H

#include <cairo.h>
#include <string.h>

#include "lib/buf.h"

struct tu_png_source {
	const struct buf *b;
	size_t at;
};

static inline cairo_status_t tu_png_read(void *closure, unsigned char *data,
					 unsigned int len)
{
	struct tu_png_source *src = closure;

	if (src->at + len > src->b->len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, src->b->data + src->at, len);
	src->at += len;
	return CAIRO_STATUS_SUCCESS;
}

/* The image surface of png (check cairo_surface_status(); destroy it). */
static inline cairo_surface_t *tu_png_decode(const struct buf *png)
{
	struct tu_png_source src = { png, 0 };

	return cairo_image_surface_create_from_png_stream(tu_png_read, &src);
}

#endif
