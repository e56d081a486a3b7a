/*
 * demo_photo.h - photos for the demo's reports, drawn with cairo: a
 * street scene per kind of problem (a manhole cover, an overflowing bin,
 * a street lamp, a stall...) in simple shapes and varied colours, with
 * the case number printed on it, as a PNG.  Made-up pictures, plainly:
 * they show a console, a phone page and a report what a photo looks like.
 */
#ifndef UG_DEMO_PHOTO_H
#define UG_DEMO_PHOTO_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/error.h"

#define DEMO_PHOTO_W 400
#define DEMO_PHOTO_H 300

/* The scenes, 0 .. demo_photo_scene_count()-1 (names as in
 * demo_text.h's categories). */
size_t demo_photo_scene_count(void);
const char *demo_photo_scene_name(size_t i);

/* Draw `scene` (an unknown name draws a plain street) with `label` (the
 * case number; ASCII is printed, may be NULL) and the colours and
 * placement that `seed` gives; `after` draws the place once handled (the
 * problem gone).  The PNG is appended to out.  0, or UG_ENOMEM / UG_EIO
 * (cairo failed) with err set. */
int demo_photo_png(const char *scene, const char *label, int after,
		   uint64_t seed, struct buf *out, struct ug_error *err);

#endif
