/*
 * draw.c - charts, the map and photos as rasters (see draw.h), shared by
 * the PDF and XLSX renderers.  Cairo draws, pango sets the CJK text at 72
 * dots per inch (so a font's size in points is its size in user units),
 * gdk-pixbuf decodes photos: only JPEG, PNG and WebP, recognised by their
 * first bytes, scaled down while decoding so a 50-megapixel upload never
 * becomes a 200 MB bitmap.
 */
#include "doc/draw.h"
#include "doc/render.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

/* Series colours: distinct in print and for the colour-blind (Okabe–Ito). */
static const unsigned palette[] = {
	0x0072b2, 0xe69f00, 0x009e73, 0xd55e00, 0xcc79a7, 0x56b4e9,
	0xf0e442, 0x000000,
};
#define NPALETTE (sizeof palette / sizeof palette[0])

static int is_control(unsigned char c)
{
	return c < 0x20 && c != '\n' && c != '\t';
}

const char *draw_clean(const char *s, struct buf *scratch)
{
	if (!s)
		return "";
	int clean = g_utf8_validate(s, -1, NULL);
	for (const char *p = s; clean && *p; p++)
		clean = !is_control((unsigned char)*p);
	if (clean)
		return s;
	gchar *valid = g_utf8_make_valid(s, -1);
	buf_reset(scratch);
	int rc = 0;
	for (const char *p = valid; *p && !rc; p++)
		rc = buf_putc(scratch, is_control((unsigned char)*p) ? ' ' : *p);
	g_free(valid);
	return !rc && scratch->data ? scratch->data : "";
}

void draw_layout_text(PangoLayout *l, const char *s)
{
	struct buf scratch = BUF_INIT;
	pango_layout_set_text(l, draw_clean(s, &scratch), -1);
	buf_free(&scratch);
}

const char *draw_word(const struct doc *d, const char *zh, const char *en)
{
	return d->meta.lang && strcmp(d->meta.lang, "en") == 0 ? en : zh;
}

static void set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0,
			     ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/* A layout for cr in family at size points (72 dpi: points are units). */
static PangoLayout *layout_new(cairo_t *cr, const char *family, double size,
			       int bold)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	pango_cairo_context_set_resolution(pango_layout_get_context(l), 72);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_context_changed(l);
	return l;
}

/* Text at (x, y): ax 0 left, 0.5 centred, 1 right of x; y is the top. */
static void text_at(cairo_t *cr, PangoLayout *l, const char *s, double x,
		    double y, double ax)
{
	int w, h;
	draw_layout_text(l, s);
	pango_layout_get_size(l, &w, &h);
	cairo_move_to(cr, x - ax * w / PANGO_SCALE, y);
	pango_cairo_show_layout(cr, l);
}

static double text_width(PangoLayout *l, const char *s)
{
	int w, h;
	draw_layout_text(l, s);
	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

static int canvas(int w, int h, struct draw_raster *out, cairo_t **cr,
		  struct ug_error *err)
{
	memset(out, 0, sizeof *out);
	if (w < 1 || h < 1 || w > 20000 || h > 20000)
		return ug_fail(err, UG_EINVAL, "size", "picture of %d × %d",
			       w, h);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
							w, h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return ug_fail(err, UG_ENOMEM, NULL, "picture of %d × %d",
			       w, h);
	}
	*cr = cairo_create(s);
	cairo_set_source_rgb(*cr, 1, 1, 1);
	cairo_paint(*cr);
	out->surface = s;
	out->width = w;
	out->height = h;
	return 0;
}

static int finish(cairo_t *cr, struct draw_raster *out, struct ug_error *err)
{
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(out->surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		draw_raster_free(out);
		return ug_fail(err, st == CAIRO_STATUS_NO_MEMORY ? UG_ENOMEM
								: UG_EIO,
			       NULL, "drawing: %s", cairo_status_to_string(st));
	}
	return 0;
}

static void tick_label(double v, double step, char *out, size_t size)
{
	int decimals = step >= 1 ? 0 : (int)ceil(-log10(step));
	if (decimals > 6)
		decimals = 6;
	snprintf(out, size, "%.*f", decimals, fabs(v) < step / 1e6 ? 0 : v);
}

int draw_chart(const struct doc_chart *c, int w, int h, double scale,
	       struct draw_raster *out, struct ug_error *err)
{
	cairo_t *cr;
	int rc = canvas(w, h, out, &cr, err);
	if (rc)
		return rc;
	cairo_scale(cr, scale, scale);
	double W = w / scale, H = h / scale, fs = 8;
	PangoLayout *l = layout_new(cr, DRAW_SANS, fs, 0);

	double lo = 0, hi = 0;
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->ncats; i++) {
			double v = c->series[s].values[i];
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
	if (hi == lo)
		hi = lo + 1;
	double step = doc_axis_step(hi - lo);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;

	/* Left margin: the widest tick label (and the unit above them). */
	char lab[64];
	double lw = 0;
	for (double v = lo; v <= hi + step / 2; v += step) {
		tick_label(v, step, lab, sizeof lab);
		double tw = text_width(l, lab);
		if (tw > lw) lw = tw;
	}
	double line_h = fs * 1.5;
	double left = lw + 8, right = W - 6, top = line_h * 2 + 4;
	/* Category labels slant when they do not fit under their group. */
	double cw = 0;
	for (size_t i = 0; i < c->ncats; i++)
		cw = fmax(cw, text_width(l, c->cats[i]));
	cw = fmin(cw, H / 3);
	int slant = c->ncats && cw + 4 > (right - left) / (double)c->ncats;
	double bottom = H - 6 - (slant ? cw * M_SQRT1_2 + line_h : line_h);
	if (right - left < 20 || bottom - top < 20) {
		g_object_unref(l);
		return finish(cr, out, err);
	}

	/* Legend, top right: a swatch and the name of each series. */
	double lx = right;
	for (size_t s = c->nseries; s-- > 0;) {
		double tw = text_width(l, c->series[s].name);
		lx -= tw;
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		text_at(cr, l, c->series[s].name, lx, 2, 0);
		lx -= 12;
		set_rgb(cr, palette[s % NPALETTE]);
		cairo_rectangle(cr, lx, 2 + fs * 0.3, 9, fs * 0.8);
		cairo_fill(cr);
		lx -= 10;
	}
	if (c->unit && *c->unit) {
		cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
		snprintf(lab, sizeof lab, "(%s)", c->unit);
		text_at(cr, l, lab, 2, line_h + 2, 0);
	}

	/* Grid lines and ticks. */
	double ky = (bottom - top) / (hi - lo);
	cairo_set_line_width(cr, 0.4);
	for (double v = lo; v <= hi + step / 2; v += step) {
		double y = bottom - (v - lo) * ky;
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, left, y);
		cairo_line_to(cr, right, y);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_move_to(cr, left - 3, y);
		cairo_line_to(cr, left, y);
		cairo_stroke(cr);
		tick_label(v, step, lab, sizeof lab);
		text_at(cr, l, lab, left - 5, y - line_h / 2 + 1, 1);
	}
	/* Axes. */
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, left, top);
	cairo_line_to(cr, left, bottom);
	double y0 = bottom - (0 - lo) * ky;
	cairo_move_to(cr, left, y0);
	cairo_line_to(cr, right, y0);
	cairo_stroke(cr);

	double gw = c->ncats ? (right - left) / (double)c->ncats : 0;
	pango_layout_set_width(l, (int)((slant ? cw : gw) * PANGO_SCALE));
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_alignment(l, slant ? PANGO_ALIGN_RIGHT
					    : PANGO_ALIGN_CENTER);
	cairo_set_line_width(cr, 0.4);
	for (size_t i = 0; i < c->ncats; i++) {
		double cx = left + gw * (i + 0.5);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_move_to(cr, cx, bottom);
		cairo_line_to(cr, cx, bottom + 3);
		cairo_stroke(cr);
		draw_layout_text(l, c->cats[i]);
		if (slant) {	/* ending under its tick, rising to the left */
			cairo_save(cr);
			cairo_translate(cr, cx, bottom + 4);
			cairo_rotate(cr, -M_PI / 4);
			cairo_move_to(cr, -cw, -fs * 0.7);
			pango_cairo_show_layout(cr, l);
			cairo_restore(cr);
		} else {
			cairo_move_to(cr, left + gw * i, bottom + 4);
			pango_cairo_show_layout(cr, l);
		}
	}
	g_object_unref(l);

	if (c->kind == DOC_CHART_BAR && c->nseries) {
		double bw = gw * 0.7 / (double)c->nseries;
		for (size_t s = 0; s < c->nseries; s++) {
			set_rgb(cr, palette[s % NPALETTE]);
			for (size_t i = 0; i < c->ncats; i++) {
				double v = c->series[s].values[i];
				double x = left + gw * i + gw * 0.15 + bw * s;
				double yv = bottom - (v - lo) * ky;
				cairo_rectangle(cr, x, fmin(yv, y0), bw,
						fabs(y0 - yv));
			}
			cairo_fill(cr);
		}
	} else {
		cairo_set_line_width(cr, 1.5);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		for (size_t s = 0; s < c->nseries; s++) {
			set_rgb(cr, palette[s % NPALETTE]);
			for (size_t i = 0; i < c->ncats; i++) {
				double x = left + gw * (i + 0.5);
				double y = bottom - (c->series[s].values[i] - lo) * ky;
				if (i == 0)
					cairo_move_to(cr, x, y);
				else
					cairo_line_to(cr, x, y);
			}
			cairo_stroke(cr);
			for (size_t i = 0; i < c->ncats; i++) {
				double x = left + gw * (i + 0.5);
				double y = bottom - (c->series[s].values[i] - lo) * ky;
				cairo_new_sub_path(cr);
				cairo_arc(cr, x, y, 2, 0, 2 * M_PI);
			}
			cairo_fill(cr);
		}
	}
	return finish(cr, out, err);
}

int draw_map(const struct doc_map *m, int w, int max_h, double scale,
	     struct draw_raster *out, struct ug_error *err)
{
	/* The legend's rows: as many swatches as fit across, in points. */
	double W = w / scale, fs = 8, row_h = fs * 1.8, sw = 0;
	{
		cairo_surface_t *probe = cairo_image_surface_create(
			CAIRO_FORMAT_RGB24, 1, 1);
		cairo_t *pc = cairo_create(probe);
		PangoLayout *l = layout_new(pc, DRAW_SANS, fs, 0);
		for (size_t i = 0; i < m->nclasses; i++) {
			double tw = text_width(l, m->classes[i].label) + 24;
			if (tw > sw) sw = tw;
		}
		g_object_unref(l);
		cairo_destroy(pc);
		cairo_surface_destroy(probe);
	}
	int per_row = sw > 0 ? (int)((W - 8) / sw) : 1;
	if (per_row < 1)
		per_row = 1;
	double legend_h = m->nclasses
		? ceil((double)m->nclasses / per_row) * row_h + 6 : 0;

	double mid = (m->min_lat + m->max_lat) / 2 * M_PI / 180;
	double kx = cos(mid);
	double dx = (m->max_lon - m->min_lon) * kx, dy = m->max_lat - m->min_lat;
	double pad = 4, avail_h = max_h / scale - legend_h - 2 * pad;
	double k = 1;
	if (dx > 0 && dy > 0)
		k = fmin((W - 2 * pad) / dx, avail_h / dy);
	else if (dx > 0)
		k = (W - 2 * pad) / dx;
	else if (dy > 0)
		k = avail_h / dy;
	double map_h = m->nareas ? dy * k + 2 * pad : 0;
	if (map_h < 20)
		map_h = 20;
	int h = (int)ceil((map_h + legend_h) * scale);
	cairo_t *cr;
	int rc = canvas(w, h, out, &cr, err);
	if (rc)
		return rc;
	cairo_scale(cr, scale, scale);
	double ox = (W - dx * k) / 2;

	/* Areas, one fill per area; outlines once for them all. */
	cairo_set_line_width(cr, m->nareas > 500 ? 0.15 : 0.5);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	for (const struct doc_map_area *a = m->areas; a; a = a->next) {
		for (size_t i = 0; i < a->npoints; i++) {
			double x = ox + (a->lonlat[2 * i] - m->min_lon) * kx * k;
			double y = pad + (m->max_lat - a->lonlat[2 * i + 1]) * k;
			if (i == 0)
				cairo_move_to(cr, x, y);
			else
				cairo_line_to(cr, x, y);
		}
		cairo_close_path(cr);
		set_rgb(cr, m->classes[a->cls].rgb);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
		cairo_stroke(cr);
	}
	/* Labels where the area's box holds them. */
	PangoLayout *l = layout_new(cr, DRAW_SANS, fs * 0.9, 0);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	for (const struct doc_map_area *a = m->areas; a; a = a->next) {
		if (!a->label || !*a->label)
			continue;
		double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
		for (size_t i = 0; i < a->npoints; i++) {
			x0 = fmin(x0, a->lonlat[2 * i]);
			x1 = fmax(x1, a->lonlat[2 * i]);
			y0 = fmin(y0, a->lonlat[2 * i + 1]);
			y1 = fmax(y1, a->lonlat[2 * i + 1]);
		}
		double bw = (x1 - x0) * kx * k, bh = (y1 - y0) * k;
		if (bh < fs * 1.4 || text_width(l, a->label) > bw)
			continue;
		double cx = ox + ((x0 + x1) / 2 - m->min_lon) * kx * k;
		double cy = pad + (m->max_lat - (y0 + y1) / 2) * k;
		text_at(cr, l, a->label, cx, cy - fs * 0.65, 0.5);
	}
	g_object_unref(l);

	/* Legend below. */
	l = layout_new(cr, DRAW_SANS, fs, 0);
	for (size_t i = 0; i < m->nclasses; i++) {
		double x = 4 + (double)(i % (size_t)per_row) * sw;
		double y = map_h + 3 + (double)(i / (size_t)per_row) * row_h;
		set_rgb(cr, m->classes[i].rgb);
		cairo_rectangle(cr, x, y + 2, 16, fs);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
		cairo_set_line_width(cr, 0.4);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		text_at(cr, l, m->classes[i].label, x + 20, y, 0);
	}
	g_object_unref(l);
	return finish(cr, out, err);
}

/* Scale down while decoding: the longer side to at most *max. */
static void on_size(GdkPixbufLoader *loader, int w, int h, gpointer data)
{
	int max = *(int *)data;
	if (w <= max && h <= max)
		return;
	double k = (double)max / (w > h ? w : h);
	int nw = (int)(w * k), nh = (int)(h * k);
	gdk_pixbuf_loader_set_size(loader, nw > 0 ? nw : 1, nh > 0 ? nh : 1);
}

/* The pixbuf's pixels over white, as cairo's RGB24. */
static cairo_surface_t *surface_from_pixbuf(const GdkPixbuf *pb)
{
	int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
	int n = gdk_pixbuf_get_n_channels(pb);
	int rs = gdk_pixbuf_get_rowstride(pb);
	const guint8 *px = gdk_pixbuf_read_pixels(pb);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
							w, h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
	    gdk_pixbuf_get_bits_per_sample(pb) != 8 || n < 3) {
		cairo_surface_destroy(s);
		return NULL;
	}
	cairo_surface_flush(s);
	unsigned char *dst = cairo_image_surface_get_data(s);
	int ds = cairo_image_surface_get_stride(s);
	for (int y = 0; y < h; y++) {
		const guint8 *p = px + (size_t)y * rs;
		uint32_t *q = (uint32_t *)(void *)(dst + (size_t)y * ds);
		for (int x = 0; x < w; x++, p += n) {
			unsigned a = n == 4 ? p[3] : 255;
			unsigned r = (p[0] * a + 255 * (255 - a)) / 255;
			unsigned g = (p[1] * a + 255 * (255 - a)) / 255;
			unsigned b = (p[2] * a + 255 * (255 - a)) / 255;
			q[x] = 0xff000000u | r << 16 | g << 8 | b;
		}
	}
	cairo_surface_mark_dirty(s);
	return s;
}

int draw_photo(const struct doc_image *im, int max_side,
	       struct draw_raster *out, struct ug_error *err)
{
	memset(out, 0, sizeof *out);
	/* only the loaders of these three ever see an upload: the loader's
	 * name is the MIME type's subtype */
	const char *mime = ug_image_mime(im->data, im->len);
	const char *type = mime ? mime + strlen("image/") : NULL;
	if (!type)
		return ug_fail(err, UG_EINVAL, "photo",
			       "photo is not a JPEG, PNG or WebP");
	GError *ge = NULL;
	GdkPixbufLoader *ld = gdk_pixbuf_loader_new_with_type(type, &ge);
	if (!ld) {
		int rc = ug_fail(err, UG_EINVAL, "photo", "no %s decoder: %s",
				 type, ge ? ge->message : "?");
		g_clear_error(&ge);
		return rc;
	}
	g_signal_connect(ld, "size-prepared", G_CALLBACK(on_size), &max_side);
	int ok = gdk_pixbuf_loader_write(ld, im->data, im->len, &ge);
	/* close even after a failed write (else gdk-pixbuf warns) */
	ok = gdk_pixbuf_loader_close(ld, ok ? &ge : NULL) && ok;
	GdkPixbuf *pb = ok ? gdk_pixbuf_loader_get_pixbuf(ld) : NULL;
	GdkPixbuf *up = pb ? gdk_pixbuf_apply_embedded_orientation(pb) : NULL;
	int rc = 0;
	if (!up) {
		rc = ug_fail(err, UG_EINVAL, "photo", "photo does not decode: %s",
			     ge ? ge->message : "no picture");
		goto out;
	}
	out->surface = surface_from_pixbuf(up);
	if (!out->surface) {
		rc = ug_fail(err, UG_ENOMEM, "photo", "photo's pixels");
		goto out;
	}
	out->width = gdk_pixbuf_get_width(up);
	out->height = gdk_pixbuf_get_height(up);
	gchar *jpeg = NULL;
	gsize jlen = 0;
	GdkPixbuf *opaque = gdk_pixbuf_get_has_alpha(up) ? NULL : up;
	if (!opaque) {	/* JPEG has no alpha: flatten over white first */
		opaque = gdk_pixbuf_composite_color_simple(
			up, out->width, out->height, GDK_INTERP_NEAREST, 255,
			out->width, 0xffffff, 0xffffff);
	}
	if (opaque && gdk_pixbuf_save_to_buffer(opaque, &jpeg, &jlen, "jpeg",
						&ge, "quality", "85", NULL)) {
		out->jpeg = (unsigned char *)jpeg;
		out->jpeg_len = jlen;
	}
	if (opaque && opaque != up)
		g_object_unref(opaque);
	if (!out->jpeg) {
		draw_raster_free(out);
		rc = ug_fail(err, UG_ENOMEM, "photo", "photo as JPEG: %s",
			     ge ? ge->message : "?");
	}
out:
	g_clear_error(&ge);
	if (up)
		g_object_unref(up);
	g_object_unref(ld);
	return rc;
}

int draw_photo_or_placeholder(const struct doc *d, const struct doc_image *im,
			      int max_side, struct draw_raster *out,
			      char *placeholder, size_t size,
			      struct ug_error *err)
{
	struct ug_error why = { 0 };
	int rc = draw_photo(im, max_side, out, &why);
	if (rc == -UG_EINVAL) {
		snprintf(placeholder, size, "［%s%s%s］",
			 draw_word(d, "照片无法显示", "photo not shown"),
			 im->caption ? draw_word(d, "：", ": ") : "",
			 im->caption ? im->caption : "");
		return 1;
	}
	if (rc && err)
		*err = why;
	return rc;
}

static cairo_status_t png_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	return buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
						   : CAIRO_STATUS_WRITE_ERROR;
}

int draw_png(const struct draw_raster *r, struct buf *png,
	     struct ug_error *err)
{
	cairo_status_t st = cairo_surface_write_to_png_stream(r->surface,
							      png_write, png);
	if (st != CAIRO_STATUS_SUCCESS)
		return ug_fail(err, UG_EIO, NULL, "PNG: %s",
			       cairo_status_to_string(st));
	return 0;
}

void draw_raster_free(struct draw_raster *r)
{
	if (r->surface)
		cairo_surface_destroy(r->surface);
	g_free(r->jpeg);
	memset(r, 0, sizeof *r);
}

void doc_render_cleanup(void)
{
	/* the fonts pango keeps for this thread, cairo's caches, then
	 * fontconfig's configuration: in that order, each held by the one
	 * before */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}
