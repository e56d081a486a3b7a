/*
 * demo_photo.c - the demo's drawn photos (see demo_photo.h).  Every scene
 * is a street: sky, buildings, pavement; then the thing reported, drawn
 * by the scene's own function in the middle of the picture.
 */
#include "tools/demo/demo_photo.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include "tools/demo/demo_rand.h"

#define W DEMO_PHOTO_W
#define H DEMO_PHOTO_H
#define GROUND 190.0 /* where the pavement starts */

static void rgb(cairo_t *cr, double r, double g, double b)
{
	cairo_set_source_rgb(cr, r, g, b);
}

/* A colour of the seed's own, dimmed to `k`. */
static void any_colour(cairo_t *cr, uint64_t *s, double k)
{
	rgb(cr, k * (0.2 + 0.8 * demo_rnd_unit(s)),
	    k * (0.2 + 0.8 * demo_rnd_unit(s)),
	    k * (0.2 + 0.8 * demo_rnd_unit(s)));
}

static void box(cairo_t *cr, double x, double y, double w, double h)
{
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

static void disc(cairo_t *cr, double x, double y, double r)
{
	cairo_arc(cr, x, y, r, 0, 2 * M_PI);
	cairo_fill(cr);
}

/* A filled shape through n corners (x, y pairs). */
static void shape(cairo_t *cr, const double *xy, int n)
{
	cairo_move_to(cr, xy[0], xy[1]);
	for (int i = 1; i < n; i++)
		cairo_line_to(cr, xy[2 * i], xy[2 * i + 1]);
	cairo_close_path(cr);
	cairo_fill(cr);
}

static void street(cairo_t *cr, uint64_t *s)
{
	double x = 0;

	rgb(cr, 0.55 + 0.3 * demo_rnd_unit(s), 0.7 + 0.2 * demo_rnd_unit(s),
	    0.9);
	box(cr, 0, 0, W, GROUND);
	while (x < W) { /* buildings of varied heights and colours */
		double bw = 50 + 60 * demo_rnd_unit(s);
		double bh = 60 + 90 * demo_rnd_unit(s);

		any_colour(cr, s, 0.8);
		box(cr, x, GROUND - bh, bw, bh);
		rgb(cr, 0.85, 0.9, 0.95);
		for (double wy = GROUND - bh + 10; wy < GROUND - 25; wy += 22)
			for (double wx = x + 8; wx < x + bw - 14; wx += 18)
				box(cr, wx, wy, 9, 12);
		x += bw + 4;
	}
	rgb(cr, 0.62, 0.6, 0.58); /* pavement */
	box(cr, 0, GROUND, W, H - GROUND);
	rgb(cr, 0.5, 0.48, 0.47);
	for (double px = 0; px < W; px += 40) {
		cairo_move_to(cr, px, GROUND);
		cairo_line_to(cr, px - 30, H);
	}
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
}

static void litter(cairo_t *cr, uint64_t *s)
{
	for (int i = 0; i < 28; i++) {
		any_colour(cr, s, 1);
		disc(cr, 120 + 170 * demo_rnd_unit(s),
		     215 + 60 * demo_rnd_unit(s), 5 + 12 * demo_rnd_unit(s));
	}
}

static void stall(cairo_t *cr, uint64_t *s)
{
	any_colour(cr, s, 1); /* the awning */
	shape(cr, (const double[]){ 110, 150, 290, 150, 310, 185, 90, 185 }, 4);
	rgb(cr, 0.4, 0.25, 0.1);
	box(cr, 100, 185, 6, 75);
	box(cr, 294, 185, 6, 75);
	box(cr, 95, 230, 210, 14); /* the table */
	for (int i = 0; i < 9; i++) { /* fruit */
		any_colour(cr, s, 1);
		disc(cr, 115 + i * 21, 222, 9);
	}
	rgb(cr, 0.2, 0.2, 0.2); /* a cart's wheels */
	disc(cr, 120, 272, 12);
	disc(cr, 280, 272, 12);
}

static void pile(cairo_t *cr, uint64_t *s)
{
	for (int i = 0; i < 9; i++) {
		any_colour(cr, s, 0.9);
		box(cr, 110 + 150 * demo_rnd_unit(s),
		    200 + 50 * demo_rnd_unit(s), 30 + 40 * demo_rnd_unit(s),
		    20 + 30 * demo_rnd_unit(s));
	}
	rgb(cr, 0.9, 0.8, 0.1); /* the tactile paving it blocks */
	box(cr, 0, 278, W, 10);
}

static void car(cairo_t *cr, uint64_t *s)
{
	any_colour(cr, s, 1);
	box(cr, 90, 215, 220, 45);
	shape(cr, (const double[]){ 140, 215, 165, 180, 250, 180, 275, 215 }, 4);
	rgb(cr, 0.75, 0.85, 0.95);
	box(cr, 168, 186, 35, 26);
	box(cr, 210, 186, 35, 26);
	rgb(cr, 0.1, 0.1, 0.1);
	disc(cr, 140, 262, 18);
	disc(cr, 265, 262, 18);
}

static void poster(cairo_t *cr, uint64_t *s)
{
	rgb(cr, 0.85, 0.82, 0.75); /* a wall */
	box(cr, 60, 60, 280, 180);
	for (int i = 0; i < 14; i++) {
		double x = 70 + 230 * demo_rnd_unit(s);
		double y = 70 + 130 * demo_rnd_unit(s);

		rgb(cr, 1, 1, 1);
		box(cr, x, y, 38, 28);
		any_colour(cr, s, 0.8);
		box(cr, x + 4, y + 5, 30, 4);
		box(cr, x + 4, y + 13, 22, 3);
	}
}

static void road(cairo_t *cr, uint64_t *s)
{
	rgb(cr, 0.25, 0.25, 0.27); /* asphalt */
	box(cr, 0, 205, W, 95);
	rgb(cr, 0.95, 0.95, 0.95);
	for (double x = 10; x < W; x += 70)
		box(cr, x, 250, 40, 6);
	rgb(cr, 0.12, 0.1, 0.08); /* the hole or the stain */
	cairo_save(cr);
	cairo_translate(cr, 150 + 100 * demo_rnd_unit(s), 265);
	cairo_scale(cr, 1.0, 0.4);
	disc(cr, 0, 0, 30 + 20 * demo_rnd_unit(s));
	cairo_restore(cr);
}

static void bin(cairo_t *cr, uint64_t *s)
{
	for (int i = 0; i < 2; i++) {
		double x = 130 + i * 80;

		if (i)
			rgb(cr, 0.2, 0.5, 0.25);
		else
			rgb(cr, 0.2, 0.35, 0.65);
		box(cr, x, 180, 60, 85);
		rgb(cr, 0.15, 0.15, 0.15);
		box(cr, x - 4, 176, 68, 8);
	}
	for (int i = 0; i < 22; i++) { /* what overflows */
		any_colour(cr, s, 1);
		disc(cr, 120 + 160 * demo_rnd_unit(s),
		     150 + 30 * demo_rnd_unit(s) + (i > 14 ? 110 : 0),
		     6 + 8 * demo_rnd_unit(s));
	}
}

static void bikes(cairo_t *cr, uint64_t *s)
{
	cairo_set_line_width(cr, 4);
	for (int i = 0; i < 7; i++) {
		double x = 70 + i * 40 + 10 * demo_rnd_unit(s);

		rgb(cr, 0.1, 0.1, 0.1);
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, 260, 14, 0, 2 * M_PI);
		cairo_new_sub_path(cr);
		cairo_arc(cr, x + 40, 260, 14, 0, 2 * M_PI);
		cairo_stroke(cr);
		any_colour(cr, s, 1);
		cairo_move_to(cr, x, 260);
		cairo_line_to(cr, x + 18, 232);
		cairo_line_to(cr, x + 40, 260);
		cairo_stroke(cr);
	}
}

static void laundry(cairo_t *cr, uint64_t *s)
{
	rgb(cr, 0.3, 0.2, 0.1);
	box(cr, 70, 110, 8, 150);
	box(cr, 322, 110, 8, 150);
	cairo_set_line_width(cr, 2);
	cairo_move_to(cr, 74, 120);
	cairo_line_to(cr, 326, 120);
	cairo_stroke(cr);
	for (int i = 0; i < 6; i++) {
		any_colour(cr, s, 1);
		box(cr, 90 + i * 38, 122, 30, 40 + 30 * demo_rnd_unit(s));
	}
}

static void works(cairo_t *cr, uint64_t *s)
{
	rgb(cr, 0.55, 0.4, 0.25); /* dug earth */
	cairo_move_to(cr, 80, 280);
	cairo_curve_to(cr, 150, 160 + 40 * demo_rnd_unit(s), 250, 170, 330,
		       280);
	cairo_fill(cr);
	for (int i = 0; i < 5; i++) { /* cones, no fence */
		double x = 70 + i * 65;

		rgb(cr, 1, 0.45, 0.05);
		shape(cr, (const double[]){ x, 285, x + 12, 245, x + 24, 285 }, 3);
		rgb(cr, 1, 1, 1);
		box(cr, x + 7, 262, 10, 5);
	}
	rgb(cr, 0.95, 0.75, 0.1); /* a digger's arm */
	cairo_set_line_width(cr, 10);
	cairo_move_to(cr, 300, 200);
	cairo_line_to(cr, 250, 130);
	cairo_line_to(cr, 200, 190);
	cairo_stroke(cr);
}

static void lamp(cairo_t *cr, uint64_t *s)
{
	rgb(cr, 0.3, 0.32, 0.35);
	box(cr, 195, 60, 10, 220);
	cairo_set_line_width(cr, 8);
	cairo_move_to(cr, 200, 65);
	cairo_curve_to(cr, 220, 40, 260, 40, 275, 60);
	cairo_stroke(cr);
	any_colour(cr, s, 0.6); /* a dark or broken head */
	box(cr, 258, 58, 36, 14);
	rgb(cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(cr, 2);
	cairo_move_to(cr, 262, 74); /* a crack */
	cairo_line_to(cr, 270, 90);
	cairo_line_to(cr, 266, 100);
	cairo_stroke(cr);
}

static void tree(cairo_t *cr, uint64_t *s)
{
	rgb(cr, 0.4, 0.25, 0.1); /* a fallen trunk across the way */
	cairo_save(cr);
	cairo_translate(cr, 200, 240);
	cairo_rotate(cr, -0.3 + 0.2 * demo_rnd_unit(s));
	box(cr, -140, -10, 230, 20);
	for (int i = 0; i < 8; i++) {
		rgb(cr, 0.1 + 0.2 * demo_rnd_unit(s),
		    0.45 + 0.3 * demo_rnd_unit(s), 0.1);
		disc(cr, 60 + 40 * demo_rnd_unit(s) + i * 6,
		     -30 + 50 * demo_rnd_unit(s), 25);
	}
	cairo_restore(cr);
}

static void manhole(cairo_t *cr, uint64_t *s)
{
	rgb(cr, 0.25, 0.25, 0.27);
	box(cr, 0, 205, W, 95);
	cairo_save(cr);
	cairo_translate(cr, 200, 252);
	cairo_scale(cr, 1.0, 0.45);
	rgb(cr, 0.05, 0.05, 0.05); /* the hole */
	disc(cr, 0, 0, 70);
	any_colour(cr, s, 0.5); /* the broken cover beside it */
	disc(cr, 40 + 20 * demo_rnd_unit(s), -10, 55);
	rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, 3);
	for (int r = 15; r < 55; r += 12) {
		cairo_new_sub_path(cr);
		cairo_arc(cr, 50, -10, r, 0, 2 * M_PI);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
	rgb(cr, 1, 0.45, 0.05); /* a cone warns */
	shape(cr, (const double[]){ 300, 270, 318, 205, 336, 270 }, 3);
}

static void shed(cairo_t *cr, uint64_t *s)
{
	any_colour(cr, s, 1); /* corrugated steel */
	box(cr, 100, 150, 200, 120);
	rgb(cr, 0.9, 0.9, 0.9);
	cairo_set_line_width(cr, 2);
	for (double x = 108; x < 300; x += 10) {
		cairo_move_to(cr, x, 150);
		cairo_line_to(cr, x, 270);
	}
	cairo_stroke(cr);
	any_colour(cr, s, 0.7);
	shape(cr, (const double[]){ 90, 150, 200, 110, 310, 150 }, 3);
	rgb(cr, 0.3, 0.2, 0.1);
	box(cr, 180, 210, 40, 60);
}

static const struct {
	const char *name;
	void (*draw)(cairo_t *cr, uint64_t *s);
} scenes[] = {
	{ "litter", litter }, { "stall", stall },     { "pile", pile },
	{ "car", car },       { "poster", poster },   { "road", road },
	{ "bin", bin },       { "bikes", bikes },     { "laundry", laundry },
	{ "works", works },   { "lamp", lamp },       { "tree", tree },
	{ "manhole", manhole }, { "shed", shed },
};

size_t demo_photo_scene_count(void)
{
	return sizeof scenes / sizeof scenes[0];
}

const char *demo_photo_scene_name(size_t i)
{
	return i < demo_photo_scene_count() ? scenes[i].name : NULL;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data,
			     unsigned int len)
{
	return buf_append(closure, data, len) ? CAIRO_STATUS_NO_MEMORY
					      : CAIRO_STATUS_SUCCESS;
}

/* A 5 x 7 pixel font of the characters a stamp needs: drawn by hand,
 * not by a font library (cairo's text would load fontconfig, whose
 * caches live until the process ends, and depend on the fonts installed). */
static const struct {
	char c;
	unsigned char rows[7];
} glyphs[] = {
	{ '0', { 0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E } },
	{ '1', { 0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E } },
	{ '2', { 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F } },
	{ '3', { 0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E } },
	{ '4', { 0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02 } },
	{ '5', { 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E } },
	{ '6', { 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E } },
	{ '7', { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
	{ '8', { 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E } },
	{ '9', { 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C } },
	{ 'A', { 0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11 } },
	{ 'E', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F } },
	{ 'F', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10 } },
	{ 'O', { 0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E } },
	{ 'P', { 0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10 } },
	{ 'R', { 0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11 } },
	{ 'T', { 0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
};

/* Text at (x, y), its top left, in pixels of `px`; other characters are
 * spaces. */
static void text(cairo_t *cr, double x, double y, double px, const char *t)
{
	for (; t && *t; t++, x += 6 * px)
		for (size_t g = 0; g < sizeof glyphs / sizeof *glyphs; g++) {
			if (glyphs[g].c != *t)
				continue;
			for (int r = 0; r < 7; r++)
				for (int c = 0; c < 5; c++)
					if (glyphs[g].rows[r] & (0x10 >> c))
						cairo_rectangle(cr, x + c * px,
								y + r * px, px,
								px);
			cairo_fill(cr);
		}
}

/* The case number on a dark band, as a camera app stamps its photos. */
static void stamp(cairo_t *cr, const char *label, int after)
{
	cairo_set_source_rgba(cr, 0, 0, 0, 0.6);
	box(cr, 0, 0, W, 30);
	rgb(cr, 1, 1, 1);
	text(cr, 10, 8, 2, label);
	text(cr, W - 80, 8, 2, after ? "AFTER" : "REPORT");
}

int demo_photo_png(const char *scene, const char *label, int after,
		   uint64_t seed, struct buf *out, struct ug_error *err)
{
	cairo_surface_t *sf;
	cairo_status_t st;
	cairo_t *cr;
	uint64_t s = seed | 1;

	sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	cr = cairo_create(sf);
	street(cr, &s);
	if (!after) {
		for (size_t i = 0; i < demo_photo_scene_count(); i++)
			if (scene && strcmp(scenes[i].name, scene) == 0)
				scenes[i].draw(cr, &s);
	} else { /* handled: clean, a worker's green vest beside it */
		rgb(cr, 0.2, 0.75, 0.3);
		box(cr, 185, 200, 30, 45);
		rgb(cr, 0.95, 0.8, 0.65);
		disc(cr, 200, 190, 12);
	}
	stamp(cr, label, after);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(sf, to_buf, out);
	cairo_surface_destroy(sf);
	if (st == CAIRO_STATUS_NO_MEMORY)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (st != CAIRO_STATUS_SUCCESS)
		return ug_fail(err, UG_EIO, NULL, "drawing a demo photo: %s",
			       cairo_status_to_string(st));
	return 0;
}
