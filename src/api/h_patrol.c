/*
 * h_patrol.c - patrol (定人定岗定责): beats, shifts, the phone's track,
 * my day, coverage and the day's tracks as a map layer.  Who may see or
 * do what is domain/patrol's; these parse and answer (docs/api.md).
 */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/assess/rules.h"
#include "domain/patrol/patrol.h"
#include "lib/iso8601.h"
#include "lib/util.h"

static json_t *json_person(int64_t id, const char *username,
			   const char *name)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "username",
			 username, "name", name);
}

static int add_beat(void *ctx, const struct beat_row *b)
{
	json_array_append_new(
		ctx, json_pack("{s:I, s:s, s:o, s:s, s:o}", "id",
			       (json_int_t)b->id, "grid", b->grid, "inspector",
			       json_person(b->inspector_id, b->username,
					   b->name),
			       "from", b->from_day, "to",
			       b->to_day[0] ? json_string(b->to_day)
					    : json_null()));
	return 0;
}

static json_t *json_shift(const struct web_ctx *c, const struct shift_row *s)
{
	return json_pack("{s:I, s:o, s:o}", "id", (json_int_t)s->id,
			 "started_at", json_local(c, s->started_at), "ended_at",
			 json_local(c, s->ended_at));
}

static json_t *json_figures(const struct patrol_figures *f)
{
	json_t *grids = json_array();

	for (size_t i = 0; i < f->assigned; i++)
		json_array_append_new(grids,
				      json_pack("{s:s, s:b}", "code",
						f->grids[i].code, "visited",
						f->grids[i].visited));
	return json_pack("{s:f, s:I, s:I, s:I, s:o, s:o}", "distance_m",
			 f->distance_m, "on_shift_s",
			 (json_int_t)f->on_shift_s, "assigned",
			 (json_int_t)f->assigned, "visited",
			 (json_int_t)f->visited, "coverage",
			 f->assigned ? json_real((double)f->visited /
						 (double)f->assigned)
				     : json_null(),
			 "grids", grids);
}

/* ?date= as a local day (default today); answers 400 when bad. */
static int query_day(struct web_ctx *c, const char *name,
		     struct patrol_day *d)
{
	struct ug_error err;

	ug_error_clear(&err);
	if (patrol_day_parse(&c->cases, http_query(c->req, name), ug_now_s(),
			     name, d, &err)) {
		reply_ug_error(c, &err);
		return -1;
	}
	return 0;
}

void h_patrol_beats(struct web_ctx *c)
{
	struct patrol_day day;
	struct ug_error err;
	int64_t inspector;
	json_t *list;

	ug_error_clear(&err);
	if (query_day(c, "date", &day))
		return;
	if (query_int(c, "inspector", 1, INT64_MAX, 0, &inspector, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	list = json_array();
	if (patrol_beats_list(c->db, &c->cases, &c->actor,
			      http_query(c->req, "area"), inspector, &day,
			      add_beat, list, &err)) {
		json_decref(list);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200,
		   json_pack("{s:s, s:o}", "date", day.text, "beats", list));
}

void h_patrol_beats_assign(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "inspector", FIELD_INT, 1, 1, INT64_MAX },
		{ "grids", FIELD_STRINGS, 1, 1, CODE_MAX },
		{ "from", FIELD_STRING, 0, 10, 10 },
	};
	struct field_value v[3];
	struct patrol_day from;
	struct ug_error err;
	const char **grids = NULL;
	json_t *root, *list = NULL, *item;
	size_t i, n;

	if (api_decode(c, spec, 3, v, &root))
		return;
	ug_error_clear(&err);
	n = json_array_size(v[1].obj);
	if (patrol_day_parse(&c->cases, v[2].present ? v[2].str : NULL,
			     ug_now_s(), "from", &from, &err))
		goto fail;
	if (!(grids = calloc(n ? n : 1, sizeof *grids)) ||
	    !(list = json_array())) {
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	json_array_foreach(v[1].obj, i, item)
		grids[i] = json_string_value(item);
	if (patrol_beats_assign(c->db, &c->cases, &c->actor, v[0].i, grids, n,
				&from, ug_now_s(), add_beat, list, &err))
		goto fail;
	free(grids);
	json_decref(root);
	reply_json(c, 201, json_pack("{s:o}", "beats", list));
	return;
fail:
	free(grids);
	json_decref(list);
	json_decref(root);
	reply_ug_error(c, &err);
}

void h_patrol_beat_end(struct web_ctx *c)
{
	struct patrol_day from;
	struct ug_error err;

	ug_error_clear(&err);
	if (query_day(c, "from", &from))
		return;
	if (patrol_beat_end(c->db, &c->cases, &c->actor, api_param(c, "grid"),
			    &from, ug_now_s(), &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_no_content(c);
}

/* {"at": ISO 8601}: 0 when absent; answers 400 when bad. */
static int body_at(struct web_ctx *c, int64_t *at)
{
	static const struct field_spec spec[] = {
		{ "at", FIELD_STRING, 0, 1, 40 },
	};
	struct field_value v[1];
	json_t *root = NULL;
	int rc = 0;

	*at = 0;
	if (c->req->body_len == 0)
		return 0;
	if (api_decode(c, spec, 1, v, &root))
		return -1;
	if (v[0].present && iso8601_parse(v[0].str, at)) {
		reply_error(c, 400, "invalid",
			    "at must be an ISO 8601 time with an offset",
			    "at");
		rc = -1;
	}
	json_decref(root);
	return rc;
}

void h_patrol_shift_start(struct web_ctx *c)
{
	struct shift_row s;
	struct ug_error err;
	int64_t at;

	if (body_at(c, &at))
		return;
	ug_error_clear(&err);
	if (patrol_shift_start(c->db, &c->actor, at, ug_now_s(), &s, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 201, json_shift(c, &s));
}

void h_patrol_shift_end(struct web_ctx *c)
{
	struct shift_row s;
	struct ug_error err;
	int64_t id, at;

	ug_error_clear(&err);
	if (path_id(c, "id", "shift", &id, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	if (body_at(c, &at))
		return;
	if (patrol_shift_end(c->db, &c->actor, id, at, ug_now_s(), &s, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_shift(c, &s));
}

/* One point of the body into *p: 400 naming points[i].<field>. */
static int track_point(json_t *o, size_t i, struct patrol_point_in *p,
		       struct ug_error *err)
{
	static const struct field_spec spec[] = {
		{ "lon", FIELD_NUMBER, 1, -180, 180 },
		{ "lat", FIELD_NUMBER, 1, -90, 90 },
		{ "t", FIELD_STRING, 1, 1, 40 },
		{ "accuracy", FIELD_NUMBER, 0, 0, 10000 },
	};
	struct field_value v[4];
	char field[sizeof err->field + 32];

	if (!json_is_object(o) || fields_decode(o, spec, 4, v, err)) {
		snprintf(field, sizeof field, "points[%zu]%s%s", i,
			 json_is_object(o) ? "." : "", json_is_object(o)
							       ? err->field
							       : "");
		return ug_fail(err, UG_EINVAL, field, "%s: %s", field,
			       json_is_object(o) ? err->message
						 : "must be an object");
	}
	p->lon = v[0].num;
	p->lat = v[1].num;
	p->accuracy = v[3].present ? v[3].num : -1;
	if (iso8601_parse(v[2].str, &p->t)) {
		snprintf(field, sizeof field, "points[%zu].t", i);
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be an ISO 8601 time with an offset",
			       field);
	}
	return 0;
}

const struct field_spec patrol_track_body[2] = {
	{ "crs", FIELD_STRING, 0, 1, 16 },
	{ "points", FIELD_ARRAY, 1, 1, PATROL_POINTS_MAX },
};

void h_patrol_track(struct web_ctx *c)
{
	const struct field_spec *spec = patrol_track_body;
	struct field_value v[2];
	struct patrol_point_in *pts = NULL;
	struct ug_error err;
	size_t i, n, accepted;
	json_t *root, *item;
	int gcj02 = 0;

	if (api_decode(c, spec, 2, v, &root))
		return;
	ug_error_clear(&err);
	if (v[0].present) {
		if (strcmp(v[0].str, "gcj02") == 0)
			gcj02 = 1;
		else if (strcmp(v[0].str, "wgs84") != 0) {
			ug_fail(&err, UG_EINVAL, "crs",
				"crs must be wgs84 or gcj02");
			goto fail;
		}
	}
	n = json_array_size(v[1].obj);
	if (!(pts = calloc(n, sizeof *pts))) {
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	json_array_foreach(v[1].obj, i, item)
		if (track_point(item, i, &pts[i], &err))
			goto fail;
	if (patrol_track_add(c->db, &c->cases, &c->actor, gcj02, pts, n,
			     ug_now_s(), &accepted, &err))
		goto fail;
	free(pts);
	json_decref(root);
	reply_json(c, 200, json_pack("{s:I}", "accepted", (json_int_t)accepted));
	return;
fail:
	free(pts);
	json_decref(root);
	reply_ug_error(c, &err);
}

void h_patrol_me(struct web_ctx *c)
{
	struct patrol_day day;
	struct patrol_me *me;
	struct ug_error err;
	json_t *beats, *counters;

	if (query_day(c, "date", &day))
		return;
	ug_error_clear(&err);
	beats = json_array();
	if (!(me = malloc(sizeof *me))) {
		json_decref(beats);
		reply_error(c, 500, "internal", "out of memory", NULL);
		return;
	}
	if (patrol_me(c->db, &c->cases, &c->actor, &day, ug_now_s(), add_beat,
		      beats, me, &err)) {
		free(me);
		json_decref(beats);
		reply_ug_error(c, &err);
		return;
	}
	counters = json_object();
	for (int k = 0; k < AC_COUNT; k++)
		json_object_set_new(counters, assess_counter_names[k],
				    json_integer(me->counters.n[k]));
	reply_json(c, 200,
		   json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "date",
			     day.text, "user",
			     json_person(c->user->id, c->user->username,
					 c->user->display_name),
			     "beats", beats, "shift",
			     me->has_shift ? json_shift(c, &me->shift)
					   : json_null(),
			     "figures", json_figures(&me->figures), "counters",
			     counters));
	patrol_figures_free(&me->figures);
	free(me);
}

static int add_row(void *ctx, const struct patrol_figures *f)
{
	json_t *row = json_figures(f);

	json_object_set_new(row, "inspector",
			    json_person(f->inspector_id, f->username, f->name));
	json_array_append_new(ctx, row);
	return 0;
}

void h_patrol_coverage(struct web_ctx *c)
{
	struct patrol_day day;
	struct ug_error err;
	json_t *rows;

	if (query_day(c, "date", &day))
		return;
	ug_error_clear(&err);
	rows = json_array();
	if (patrol_coverage(c->db, &c->cases, &c->actor,
			    http_query(c->req, "area"), &day, ug_now_s(),
			    add_row, rows, &err)) {
		json_decref(rows);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200,
		   json_pack("{s:s, s:o}", "date", day.text, "rows", rows));
}

struct tracks_ctx {
	const struct web_ctx *c;
	json_t *features;
};

static int add_line(void *ctx, const struct patrol_line *l)
{
	struct tracks_ctx *t = ctx;
	json_t *coords;

	if (l->n < 2)
		return 0;
	coords = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(coords,
				      json_pack("[f, f]", l->points[i].lon,
						l->points[i].lat));
	json_array_append_new(
		t->features,
		json_pack("{s:s, s:{s:s, s:o}, s:{s:o, s:I, s:o, s:o, s:I, "
			  "s:f}}",
			  "type", "Feature", "geometry", "type", "LineString",
			  "coordinates", coords, "properties", "inspector",
			  json_person(l->who->inspector_id, l->who->username,
				      l->who->name),
			  "shift", (json_int_t)l->shift->id, "started_at",
			  json_local(t->c, l->shift->started_at), "ended_at",
			  json_local(t->c, l->shift->ended_at), "points",
			  (json_int_t)l->n, "distance_m", l->distance_m));
	return 0;
}

void h_patrol_tracks(struct web_ctx *c)
{
	struct patrol_day day;
	struct ug_error err;
	struct tracks_ctx t = { c, NULL };

	if (query_day(c, "date", &day))
		return;
	ug_error_clear(&err);
	t.features = json_array();
	if (patrol_tracks(c->db, &c->cases, &c->actor,
			  http_query(c->req, "area"), &day, ug_now_s(),
			  add_line, &t, &err)) {
		json_decref(t.features);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200,
		   json_pack("{s:s, s:o}", "type", "FeatureCollection",
			     "features", t.features));
}
