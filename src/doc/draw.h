/*
 * draw.h - the pictures both the PDF and the XLSX renderers need, drawn
 * once with cairo + pango (draw.c): a chart's plot (axes, ticks, bars or
 * lines, legend), the map of classed areas with its legend, and a photo
 * decoded (gdk-pixbuf: JPEG, PNG, WebP; turned upright by its EXIF
 * orientation; scaled down).  Private to doc/: the renderers' contract is
 * render.h.
 *
 * A picture is a raster (an opaque RGB image, white where nothing is
 * drawn): the PDF paints it as one embedded image, the XLSX inserts its
 * PNG (charts in XLSX are native; only the map and photos are rasters).
 */
#ifndef UG_DOC_DRAW_H
#define UG_DOC_DRAW_H

#include <stddef.h>

#include "doc/doc.h"
#include "lib/buf.h"
#include "lib/error.h"

/* The fonts (fonts-noto-cjk): serif for official bodies, sans elsewhere. */
#define DRAW_SANS "Noto Sans CJK SC"
#define DRAW_SERIF "Noto Serif CJK SC"

struct draw_raster {
	void *surface;        /* cairo_surface_t (CAIRO_FORMAT_RGB24) */
	int width, height;    /* pixels */
	unsigned char *jpeg;  /* photos: the pixels as JPEG, for the PDF to
				 embed as such and the XLSX to insert; or NULL */
	size_t jpeg_len;
};

/* The plot of chart c in w × h pixels at `scale` pixels per point (fonts
 * and strokes are sized in points).  The chart's title is not drawn: the
 * renderers write it as text. */
int draw_chart(const struct doc_chart *c, int w, int h, double scale,
	       struct draw_raster *out, struct ug_error *err);

/* Map m fitted into w pixels wide (the height follows the extent, at most
 * max_h, plus the legend below), equirectangular with the longitudes
 * shrunk by cos(latitude) at the extent's middle. */
int draw_map(const struct doc_map *m, int w, int max_h, double scale,
	     struct draw_raster *out, struct ug_error *err);

/* Photo im decoded, upright, its longer side at most max_side pixels, and
 * its JPEG.  UG_EINVAL when its bytes are not a JPEG, PNG or WebP that
 * decodes (the renderers then write a placeholder); UG_ENOMEM. */
int draw_photo(const struct doc_image *im, int max_side,
	       struct draw_raster *out, struct ug_error *err);

/* draw_photo(), and for a photo whose bytes are not a picture 1 with
 * the words to put in its place in `placeholder` ("［照片无法显示：图3
 * 损坏的照片］"): a broken photo never stops a report.  0 when decoded,
 * 1, or a negative UG_E* code in err. */
int draw_photo_or_placeholder(const struct doc *d, const struct doc_image *im,
			      int max_side, struct draw_raster *out,
			      char *placeholder, size_t size,
			      struct ug_error *err);

/* The raster as a PNG file, appended to png. */
int draw_png(const struct draw_raster *r, struct buf *png,
	     struct ug_error *err);

void draw_raster_free(struct draw_raster *r);

/* s as text every library takes: bytes that are not UTF-8 become U+FFFD
 * and control characters (but tab and newline) spaces — pango warns of
 * the first, cairo's PDF metadata and Excel refuse both.  s itself when
 * it is clean, else a copy in scratch (valid until its next use); ""
 * for NULL. */
const char *draw_clean(const char *s, struct buf *scratch);

/* pango_layout_set_text() with draw_clean()'s text. */
struct _PangoLayout;
void draw_layout_text(struct _PangoLayout *l, const char *s);

/* Words the renderers write themselves, in the document's language. */
const char *draw_word(const struct doc *d, const char *zh, const char *en);

#endif
