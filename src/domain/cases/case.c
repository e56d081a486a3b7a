/*
 * case.c - case intake, actions, deadlines, lights, duplicates (see
 * case.h).
 */
#include "domain/cases/case.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "domain/assess/assess.h"
#include "geo/crs.h"
#include "lib/buf.h"
#include "lib/iso8601.h"
#include "lib/util.h"

const char *const case_source_names[SRC_COUNT] = {
	"inspector", "public", "hotline", "leader", "media", "external",
};
const char *const case_source_names_zh[SRC_COUNT] = {
	"监督员上报", "公众举报", "热线", "领导交办", "媒体曝光", "外部系统",
};

/* Which sources each role may file under: an inspector reports what it
 * saw; the centre enters calls, letters and leaders' instructions; an
 * external system files as itself or for the public. */
const unsigned case_source_roles[SRC_COUNT] = {
	[SRC_INSPECTOR] = ROLE_BIT(ROLE_INSPECTOR),
	[SRC_PUBLIC] = ROLE_BIT(ROLE_RECEPTIONIST) | ROLE_BIT(ROLE_API_CLIENT),
	[SRC_HOTLINE] = ROLE_BIT(ROLE_RECEPTIONIST),
	[SRC_LEADER] = ROLE_BIT(ROLE_RECEPTIONIST) | ROLE_BIT(ROLE_LEADER),
	[SRC_MEDIA] = ROLE_BIT(ROLE_RECEPTIONIST),
	[SRC_EXTERNAL] = ROLE_BIT(ROLE_API_CLIENT),
};

int case_source_parse(const char *name)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (strcmp(case_source_names[i], name) == 0)
			return i;
	return -1;
}

void case_env_defaults(struct case_env *env, const struct calendar *cal)
{
	/* Every field: a caller that sets no grid index has none (NULL),
	 * not whatever its stack held. */
	*env = (struct case_env){
		.calendar = cal,
		.utc_offset = CALENDAR_UTC_OFFSET_CHINA,
		.duplicate_radius_m = 30.0,
		.city_margin_m = 2000.0,
		.duplicate_window_s = 72 * 3600,
		.spatial = NULL,
	};
}

double geo_distance_m(double lon1, double lat1, double lon2, double lat2)
{
	const double r = 6371008.8, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) *
			   sin(dlon / 2);

	return 2 * r * asin(fmin(1.0, sqrt(a)));
}

void case_mask_phone(const char *phone, char out[32])
{
	size_t n = strlen(phone);

	if (n == 0) {
		out[0] = '\0';
	} else if (n >= 7) {
		/* 138****5678: first three, last four */
		snprintf(out, 32, "%.3s****%s", phone, phone + n - 4);
	} else {
		snprintf(out, 32, "%.1s****", phone);
	}
}

int case_role_sees_phone(const struct actor *a)
{
	return a->role == ROLE_RECEPTIONIST || a->role == ROLE_SHIFT_LEADER ||
	       a->role == ROLE_ADMIN;
}

int case_reader(const struct actor *a)
{
	/* The role itself, not actor_is(): a root actor (the command line,
	 * the server's own chores) "is" every role and reads every case. */
	return a->root || (a->role != ROLE_SECURITY_ADMIN &&
			   a->role != ROLE_AUDITOR);
}

int case_in_sight(const struct actor *a, const char *area,
		  const char *department)
{
	return case_reader(a) && actor_sees(a, area, department);
}

int case_visible(const struct actor *a, const struct case_row *c)
{
	return case_in_sight(a, c->area, c->department);
}

/* ---- deadlines ------------------------------------------------------ */

/* Due time of a standard's (amount, unit) limit from `start`. */
int case_limit_due(const struct calendar *cal, int64_t start,
		   const struct time_limit *l, int64_t *due,
		   struct ug_error *err)
{
	static const struct {
		enum calendar_unit unit;
		int64_t scale;
	} map[LIMIT_UNIT_COUNT] = {
		[LIMIT_MINUTES] = { CALENDAR_NATURAL_SECONDS, 60 },
		[LIMIT_HOURS] = { CALENDAR_NATURAL_SECONDS, 3600 },
		[LIMIT_DAYS] = { CALENDAR_NATURAL_DAYS, 1 },
		[LIMIT_WORK_MINUTES] = { CALENDAR_WORKING_SECONDS, 60 },
		[LIMIT_WORK_HOURS] = { CALENDAR_WORKING_SECONDS, 3600 },
		[LIMIT_WORK_DAYS] = { CALENDAR_WORKING_DAYS, 1 },
	};

	return calendar_due(cal, start, l->amount * map[l->unit].scale,
			    map[l->unit].unit, due, err);
}

/* Start the clock of `stage` for c at `now` from its standard's limits. */
/* When the light of c's running stage turns yellow: once 80 % of the
 * time from stage_started_at to the deadline is used, in working time
 * for a working clock - the earliest instant with used * 5 >= total * 4.
 * Outside the calendar's years the fraction is unknown: the deadline
 * itself (green until red) rather than a guess.  0 when no clock runs. */
static int64_t warn_time(const struct case_env *env, const struct case_row *c)
{
	int64_t total, at;

	if (!c->deadline || !c->stage_started_at)
		return 0;
	if (strcmp(c->clock, "working") != 0)
		return c->stage_started_at +
		       ((c->deadline - c->stage_started_at) * 4 + 4) / 5;
	if (calendar_elapsed_working(env->calendar, c->stage_started_at,
				     c->deadline, &total, NULL) ||
	    calendar_add_working(env->calendar, c->stage_started_at,
				 (total * 4 + 4) / 5, &at, NULL))
		return c->deadline;
	return at;
}

/* Set c's deadline, and with it the moment its light turns yellow. */
static void set_deadline(const struct case_env *env, struct case_row *c,
			 int64_t due)
{
	/* A new deadline has not been passed yet: the overdue sweep looks
	 * at it again. */
	if (due != c->deadline)
		c->overdue_at = 0;
	c->deadline = due;
	c->warn_at = warn_time(env, c);
}

static int clock_start(const struct case_env *env, const struct standard_limits *lim,
		       struct case_row *c, int stage, int64_t now,
		       struct ug_error *err)
{
	int u = urgency_parse(c->urgency);
	const struct time_limit *l;
	int64_t due;
	int rc;

	if (stage == STAGE_NONE) {
		c->stage[0] = '\0';
		c->clock[0] = '\0';
		c->stage_started_at = 0;
		set_deadline(env, c, 0);
		return 0;
	}
	l = &lim->at[u][stage];
	if ((rc = case_limit_due(env->calendar, now, l, &due, err)))
		return rc;
	UG_COPY(c->stage, case_stages[stage].name);
	snprintf(c->clock, sizeof c->clock, "%s",
		 l->unit >= LIMIT_WORK_MINUTES ? "working" : "natural");
	c->stage_started_at = now;
	set_deadline(env, c, due);
	return 0;
}

const char *case_light(const struct case_env *env, const struct case_row *c,
		       int64_t now)
{
	/* warn_at is stored with the deadline (and filtered on by the
	 * queues); a row that lacks it is read as it would be set. */
	int64_t warn = c->warn_at ? c->warn_at : warn_time(env, c);

	if (!c->deadline || !c->stage_started_at)
		return "none";
	if (now >= c->deadline)
		return "red";
	return now >= warn ? "yellow" : "green";
}

int case_deadline_provisional(const struct case_env *env,
			      const struct case_row *c)
{
	return c->deadline && c->stage_started_at && env->calendar &&
	       strcmp(c->clock, "working") == 0 &&
	       calendar_provisional_between(env->calendar, c->stage_started_at,
					    c->deadline);
}

/* ---- intake --------------------------------------------------------- */

/* Fill district/street/community from an area code (codes nest). */
void case_set_place(struct case_row *c, const char *area)
{
	size_t n = strlen(area);

	UG_COPY(c->area, area);
	if (n >= 6)
		snprintf(c->district, sizeof c->district, "%.6s", area);
	if (n >= 9)
		snprintf(c->street, sizeof c->street, "%.9s", area);
	if (n >= 12)
		snprintf(c->community, sizeof c->community, "%.12s", area);
	if (n >= 15)
		UG_COPY(c->grid, area);
}

static int check_text(const char *v, const char *field, size_t min_chars,
		      size_t max_chars, struct ug_error *err)
{
	size_t n = v ? ug_utf8_len(v) : 0;

	if (!v || n < min_chars)
		return ug_fail(err, UG_EINVAL, field, "%s is required", field);
	if (n > max_chars)
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be at most %zu characters", field,
			       max_chars);
	return 0;
}

/* A point off the city - a phone with no fix sends 0, 0; a swapped
 * lon/lat lands in the sea - would be filed to the reporter's own area
 * and sent to a department for nothing: refused.  The city is its unit
 * grids and env->city_margin_m around them; before any grid is loaded,
 * China's rough extent. */
int case_point_in_city(const struct case_env *env, double lon, double lat,
		       const char *field, struct ug_error *err)
{
	int near = env->spatial ? spatial_near_grids(env->spatial, lon, lat,
						     env->city_margin_m)
				: -1;

	if (near == 1 || (near < 0 && crs_in_china(lon, lat)))
		return 0;
	if (near < 0)
		return ug_fail(err, UG_EINVAL, field,
			       "the point %.6f, %.6f is not in China: lon "
			       "and lat are WGS84 degrees (east, north)",
			       lon, lat);
	return ug_fail(err, UG_EINVAL, field,
		       "the point %.6f, %.6f is outside the city: more than "
		       "%.0f m from every unit grid", lon, lat,
		       env->city_margin_m);
}

static int check_phone(const char *p, struct ug_error *err)
{
	size_t n = strlen(p);

	/* Digits with an optional leading +, and - separators: what a
	 * hotline operator types. */
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '-' ||
		      (i == 0 && p[i] == '+')))
			return ug_fail(err, UG_EINVAL, "reporter_phone",
				       "reporter_phone may hold only digits, "
				       "'-' and a leading '+'");
	if (n < 3 || n > 20)
		return ug_fail(err, UG_EINVAL, "reporter_phone",
			       "reporter_phone must be 3 to 20 characters");
	return 0;
}

struct dup_ctx {
	struct case_duplicates *d;
	double lon, lat, radius;
	const struct actor *viewer; /* only cases it may see are listed */
};

static int take_duplicate(void *ctx, const struct case_row *c)
{
	struct dup_ctx *x = ctx;
	double dist = geo_distance_m(x->lon, x->lat, c->lon, c->lat);
	int i;

	if (dist > x->radius || !x->d || !case_visible(x->viewer, c))
		return 0;
	/* Keep the nearest CASE_DUPLICATES_MAX, sorted by distance. */
	for (i = x->d->n; i > 0 && x->d->distance_m[i - 1] > dist; i--) {
		if (i < CASE_DUPLICATES_MAX) {
			x->d->id[i] = x->d->id[i - 1];
			x->d->distance_m[i] = x->d->distance_m[i - 1];
			memcpy(x->d->number[i], x->d->number[i - 1], 24);
		}
	}
	if (i >= CASE_DUPLICATES_MAX)
		return 0;
	x->d->id[i] = c->id;
	x->d->distance_m[i] = dist;
	memcpy(x->d->number[i], c->number, 24);
	if (x->d->n < CASE_DUPLICATES_MAX)
		x->d->n++;
	return 0;
}

static int find_duplicates(struct db *db, const struct case_env *env,
			   const struct actor *u, const struct case_row *c,
			   int64_t now, struct case_duplicates *out,
			   struct ug_error *err)
{
	struct dup_ctx x = { out, c->lon, c->lat, env->duplicate_radius_m,
			     u };
	/* A box a little larger than the circle; metres per degree of
	 * longitude shrink with the cosine of the latitude. */
	double dlat = env->duplicate_radius_m / 111000.0 * 1.01;
	double dlon = dlat / fmax(0.01, cos(c->lat * M_PI / 180.0));

	if (out)
		memset(out, 0, sizeof *out);
	if (!c->has_location)
		return 0;
	return store_case_nearby(db, c->category, now - env->duplicate_window_s,
				 c->lon - dlon, c->lat - dlat, c->lon + dlon,
				 c->lat + dlat, take_duplicate, &x, err);
}

int case_duplicates_near(struct db *db, const struct case_env *env,
			 const struct actor *a, const char *category,
			 double lon, double lat, int64_t now,
			 struct case_duplicates *out, struct ug_error *err)
{
	struct case_row *c = calloc(1, sizeof *c);
	int rc;

	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	UG_COPY(c->category, category);
	c->has_location = 1;
	c->lon = lon;
	c->lat = lat;
	rc = find_duplicates(db, env, a, c, now, out, err);
	free(c);
	return rc;
}

/* The local date of `t` in the city's zone as "YYYYMMDD". */
static void local_day(const struct case_env *env, int64_t t, char out[16])
{
	char local[32];

	calendar_format_local(env->utc_offset, t, local, sizeof local);
	snprintf(out, 16, "%.4s%.2s%.2s", local, local + 5, local + 8);
}

/* The one way a line enters a case's history: it is counted for the
 * assessment in the same transaction (domain/assess/assess.h), at the
 * city's offset from env - which the lines that count nothing (a comment,
 * a case located) may go without. */
static int event_insert(struct db *db, const struct case_env *env,
			const struct case_row *c, const struct user *u,
			const char *action, const char *from, const char *note,
			json_t *data, int64_t now, int64_t *id,
			struct ug_error *err)
{
	struct case_event_row *e;
	char *text;
	int rc;

	/* Refused before anything is written: a line must not be stored
	 * uncounted (the caller may have no transaction open). */
	if (!env && assess_action_counts(action))
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "a %s line is counted at the city's offset, and "
			       "none was given", action);
	e = calloc(1, sizeof *e);
	text = data ? json_dumps(data, JSON_COMPACT) : NULL;
	if (!e) {
		free(text);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	e->case_id = c->id;
	e->at = now;
	UG_COPY(e->actor, u->username);
	UG_COPY(e->actor_role, u->role);
	UG_COPY(e->action, action);
	UG_COPY(e->from_state, from ? from : "");
	UG_COPY(e->to_state, c->state);
	UG_COPY(e->note, note ? note : "");
	UG_COPY(e->data, text ? text : "{}");
	rc = store_case_event_insert(db, e, err);
	if (rc == 0 && env)
		rc = assess_upkeep(db, env->utc_offset, c, e, err);
	if (rc == 0 && id)
		*id = e->id;
	free(text);
	free(e);
	return rc;
}

/* Who the history names for what the server does by itself (a case
 * placed on its grid, a deadline recomputed, a stage gone overdue). */
static const struct user system_actor = { .username = "system",
					  .role = "system" };

static int event_add(struct db *db, const struct case_env *env,
		     const struct case_row *c, const struct user *u,
		     const char *action, const char *from, const char *note,
		     json_t *data, int64_t now, struct ug_error *err)
{
	return event_insert(db, env, c, u, action, from, note, data, now, NULL,
			    err);
}

int case_annotate(struct db *db, const struct case_env *env,
		  const struct actor *a, const struct case_row *c,
		  const char *action, const char *note, json_t *data,
		  int64_t now, int64_t *event_id, struct ug_error *err)
{
	return event_insert(db, env, c, a->user, action, c->state, note, data,
			    now, event_id, err);
}

/* The stage whose clock runs in `state` for this case: an inspector's own
 * report needs no verification, so its first clock is filing. */
static int stage_of(const struct case_row *c, int state)
{
	if (state == CS_REPORTED)
		return strcmp(c->source, "inspector") == 0 ? STAGE_FILE
							   : STAGE_VERIFY;
	return case_states[state].stage;
}

int case_intake(struct db *db, const struct case_env *env,
		const struct actor *a, const struct case_intake *in,
		int64_t now, struct case_row *out,
		struct case_duplicates *dups, struct ug_error *err)
{
	const struct user *u = a->user;
	struct case_row *c = calloc(1, sizeof *c);
	struct case_standard std;
	struct standard_limits lim;
	struct division div;
	struct category cat;
	struct scope scope;
	struct spatial_place place;
	json_t *reported = NULL;
	const char *area;
	char day[16];
	int src, rc, located = 0;

	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	scope = a->scope;
	if ((rc = check_text(in->category, "category", 1, CODE_MAX, err)) ||
	    (rc = check_text(in->description, "description", 1, 4000, err)) ||
	    (rc = check_text(in->source, "source", 1, 16, err)) ||
	    (in->address && (rc = check_text(in->address, "address", 0, 256,
					      err))) ||
	    (in->reporter_name &&
	     (rc = check_text(in->reporter_name, "reporter_name", 0, 100,
			      err))) ||
	    (in->reporter_phone && *in->reporter_phone &&
	     (rc = check_phone(in->reporter_phone, err))))
		goto out;
	src = case_source_parse(in->source);
	if (src < 0) {
		rc = ug_fail(err, UG_EINVAL, "source",
			     "source must be one of inspector, public, "
			     "hotline, leader, media, external");
		goto out;
	}
	if (a->role < 0 || !(case_source_roles[src] & ROLE_BIT(a->role))) {
		rc = ug_fail(err, UG_EFORBIDDEN, "source",
			     "a %s may not file reports with source %s",
			     u->role, in->source);
		goto out;
	}
	if (!in->urgency || urgency_parse(in->urgency) < 0) {
		rc = ug_fail(err, UG_EINVAL, "urgency",
			     "urgency must be urgent, pressing or normal");
		goto out;
	}
	if (in->has_location &&
	    (!isfinite(in->lon) || !isfinite(in->lat) || in->lon < -180 ||
	     in->lon > 180 || in->lat < -90 || in->lat > 90)) {
		rc = ug_fail(err, UG_EINVAL,
			     (in->lon < -180 || in->lon > 180) ? "lon" : "lat",
			     "lon must lie in [-180, 180] and lat in [-90, 90]");
		goto out;
	}
	if (in->component && *in->component &&
	    (strlen(in->component) > CODE_MAX ||
	     !ug_is_digits(in->component, 0))) {
		rc = ug_fail(err, UG_EINVAL, "component",
			     "component must be a numeric component "
			     "identifier of at most %d digits", CODE_MAX);
		goto out;
	}
	/* The place: the unit grid holding the point when there is one
	 * (the point is what the inspector saw), else the given area, else
	 * the reporter's own division. */
	if (in->has_location && env->spatial) {
		spatial_refresh(env->spatial, db, 0, NULL);
		located = spatial_locate(env->spatial, in->lon, in->lat, &place,
					 NULL) == 0;
	}
	if (in->has_location && !located &&
	    (rc = case_point_in_city(env, in->lon, in->lat, "lon", err)))
		goto out;
	area = in->area && *in->area ? in->area
	       : strcmp(u->unit_kind, "division") == 0 ? u->unit_code
	       : located ? place.community : NULL;
	if (!area) {
		rc = ug_fail(err, UG_EINVAL, "area",
			     "area is required: the division code of the "
			     "place (street or community)");
		goto out;
	}
	/* Reads first, outside the write lock: the writers of the server
	 * queue on it, so it is held only for the counter and the inserts.
	 * (A standard edited in between is harmless: versions are kept.) */
	if ((rc = store_category_get(db, in->category, &cat, err)) ||
	    (rc = store_standard_current(db, in->category, &std, err)) ||
	    (rc = standards_limits(db, std.id, &lim, err))) {
		if (rc == -UG_ENOTFOUND)
			rc = ug_fail(err, UG_EINVAL, "category",
				     "unknown category %s", in->category);
		goto fail;
	}
	rc = store_division_get(db, area, &div, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && (strcmp(div.level, "district") &&
						strcmp(div.level, "street") &&
						strcmp(div.level, "community")))) {
		rc = ug_fail(err, UG_EINVAL, "area",
			     "area %s is not a known district, street or "
			     "community", area);
		goto fail;
	}
	if (rc)
		goto fail;
	if (located) {
		/* A given area must hold the point; the grid then places the
		 * case more precisely than the area did. */
		if (in->area && *in->area &&
		    strncmp(place.grid, in->area, strlen(in->area)) != 0) {
			rc = ug_fail(err, UG_EINVAL, "area",
				     "area %s does not hold the point: it lies "
				     "in grid %s", in->area, place.grid);
			goto fail;
		}
		area = place.community;
	}
	if (scope.kind == SCOPE_AREA && !scope_covers_area(&scope, area)) {
		rc = ug_fail(err, UG_EFORBIDDEN, "area",
			     "area %s lies outside your area", area);
		goto fail;
	}
	UG_COPY(c->state, case_states[CS_REPORTED].name);
	UG_COPY(c->source, case_source_names[src]);
	UG_COPY(c->category, cat.code);
	c->standard_id = std.id;
	UG_COPY(c->urgency, in->urgency);
	UG_COPY(c->description, in->description);
	snprintf(c->address, sizeof c->address, "%s",
		 in->address ? in->address : "");
	c->has_location = in->has_location;
	c->lon = in->lon;
	c->lat = in->lat;
	case_set_place(c, located ? place.grid : area);
	snprintf(c->component, sizeof c->component, "%s",
		 in->component ? in->component : "");
	snprintf(c->reporter_name, sizeof c->reporter_name, "%s",
		 in->reporter_name ? in->reporter_name : "");
	snprintf(c->reporter_phone, sizeof c->reporter_phone, "%s",
		 in->reporter_phone ? in->reporter_phone : "");
	UG_COPY(c->created_by, u->username);
	c->version = 1;
	c->created_at = c->updated_at = now;
	local_day(env, now, day);
	/* The report line says where it was reported: a case located later
	 * is counted there until then (domain/assess). */
	if (!(reported = json_pack("{s:s}", "area", c->area))) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = clock_start(env, &lim, c, stage_of(c, CS_REPORTED), now,
			      err)) ||
	    (rc = find_duplicates(db, env, a, c, now, dups, err)) ||
	    (rc = db_begin_write(db, err)))
		goto out;
	if ((rc = store_case_next_number(db, day, c->number, err)) ||
	    (rc = store_case_insert(db, c, err)) ||
	    (rc = event_add(db, env, c, u, "report", NULL, NULL, reported, now,
			    err)) ||
	    (in->in_transaction &&
	     (rc = in->in_transaction(db, c, in->in_transaction_ctx, err))) ||
	    (rc = db_commit(db, err)))
		goto fail;
	*out = *c;
	goto out;
fail:
	db_rollback(db);
out:
	json_decref(reported);
	free(c);
	return rc;
}

/* ---- actions -------------------------------------------------------- */

/* An instant as the city's local ISO 8601, for history data. */
static json_t *json_local_time(const struct case_env *env, int64_t t)
{
	char buf[40];

	return json_string(iso8601_format(t, env->utc_offset, buf, sizeof buf));
}

static int need_text(const char *v, const char *field, const char *action,
		     struct ug_error *err)
{
	if (!v || !*v)
		return ug_fail(err, UG_EINVAL, field, "%s needs a %s", action,
			       field);
	if (ug_utf8_len(v) > 2000)
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be at most 2000 characters", field);
	return 0;
}

/* Check the inputs the action needs (enum action_need). */
static int check_needs(const struct case_transition *t,
		       const struct case_action_input *in,
		       struct ug_error *err)
{
	int rc;

	if ((t->needs & NEED_REASON) &&
	    (rc = need_text(in->reason, "reason", t->name, err)))
		return rc;
	if ((t->needs & NEED_NOTE) &&
	    (rc = need_text(in->note, "note", t->name, err)))
		return rc;
	if ((t->needs & NEED_DEPARTMENT) && (!in->department || !*in->department))
		return ug_fail(err, UG_EINVAL, "department",
			       "%s needs a department", t->name);
	if ((t->needs & NEED_PASSED) && !in->has_passed)
		return ug_fail(err, UG_EINVAL, "passed",
			       "%s needs passed: true or false", t->name);
	if ((t->needs & NEED_TARGET) && in->target <= 0)
		return ug_fail(err, UG_EINVAL, "target",
			       "%s needs the target case id", t->name);
	if ((t->needs & NEED_HOURS) && (in->hours <= 0 || in->hours > 2000))
		return ug_fail(err, UG_EINVAL, "hours",
			       "%s needs hours between 1 and 2000", t->name);
	if ((t->needs & NEED_INSPECTOR) && (!in->inspector || !*in->inspector))
		return ug_fail(err, UG_EINVAL, "inspector",
			       "%s needs the inspector's username", t->name);
	if ((t->needs & NEED_RATING) && case_rating_parse(in->rating) < 0)
		return ug_fail(err, UG_EINVAL, "rating",
			       "%s needs rating: satisfied, "
			       "basically_satisfied or dissatisfied", t->name);
	return 0;
}

/* Check the guards that read the case (enum action_guard). */
static int check_guards(const struct case_transition *t,
			const struct case_row *c, const struct actor *a,
			struct ug_error *err)
{
	const struct scope s = a->scope;

	if ((t->guards & GUARD_IN_AREA) && s.kind != SCOPE_ALL &&
	    !(s.kind == SCOPE_AREA && scope_covers_area(&s, c->area)))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "case %s lies outside your area", c->number);
	if ((t->guards & GUARD_OWN_DEPARTMENT) && s.kind != SCOPE_ALL &&
	    !(c->department[0] && scope_covers_department(&s, c->department)))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "case %s is not dispatched to your department",
			       c->number);
	if ((t->guards & GUARD_EXT_PENDING) && !c->extension_hours)
		return ug_fail(err, UG_ECONFLICT, NULL,
			       "case %s has no pending extension request",
			       c->number);
	if ((t->guards & GUARD_NO_EXT_PENDING) && c->extension_hours)
		return ug_fail(err, UG_ECONFLICT, NULL,
			       "case %s already has a pending extension "
			       "request", c->number);
	if ((t->guards & GUARD_NEEDS_VERIFY) &&
	    strcmp(c->source, "inspector") == 0)
		return ug_fail(err, UG_ECONFLICT, NULL,
			       "case %s is an inspector's own report: it needs "
			       "no verification on site", c->number);
	if ((t->guards & GUARD_UNRATED_REPORTER) && !c->reporter_phone[0])
		return ug_fail(err, UG_ECONFLICT, NULL,
			       "case %s has no reporter's phone to call back",
			       c->number);
	if ((t->guards & GUARD_UNRATED_REPORTER) && c->rating[0])
		return ug_fail(err, UG_ECONFLICT, "rating",
			       "case %s has been rated already (%s)", c->number,
			       c->rating);
	if ((t->guards & GUARD_SELF_VERIFIED) &&
	    strcmp(c->state, "reported") == 0 &&
	    strcmp(c->source, "inspector") != 0)
		return ug_fail(err, UG_ECONFLICT, NULL,
			       "case %s came from the %s and must be verified "
			       "on site before it is filed (state reported)",
			       c->number, c->source);
	return 0;
}

/* May action t be taken on c as it stands, by an actor of a role t
 * allows?  Its state, then its guards: the one statement of both, for
 * case_act() and for case_actions_allowed(). */
static int check_state_and_guards(const struct case_transition *t,
				  const struct case_row *c,
				  const struct actor *a, struct ug_error *err)
{
	int state = case_state_parse(c->state);

	if (state < 0 || !(t->from & CS_BIT(state)))
		return ug_fail(err, UG_ECONFLICT, "state",
			       "cannot %s case %s in state %s", t->name,
			       c->number, c->state);
	return check_guards(t, c, a, err);
}

unsigned case_actions_allowed(const struct actor *a, const struct case_row *c)
{
	struct ug_error ignored;
	unsigned allowed = 0;

	if (a->role < 0 || !case_visible(a, c))
		return 0;
	for (int i = 0; i < CA_COUNT; i++) {
		const struct case_transition *t = &case_transitions[i];

		if ((t->roles & ROLE_BIT(a->role)) &&
		    check_state_and_guards(t, c, a, &ignored) == 0)
			allowed |= CA_BIT(t->action);
	}
	return allowed;
}

/* 核实派遣: the report goes to inspector `username`, who must be an
 * inspector, enabled, whose place covers the case's; its verification
 * clock (the standard's 核实 limit) starts now. */
static int assign_verification(struct db *db, const struct case_env *env,
			       const struct standard_limits *lim,
			       struct case_row *c, const char *username,
			       int64_t now, json_t *data, struct ug_error *err)
{
	char hash[PASSWORD_HASH_MAX + 1];
	struct actor inspector;
	struct user u;
	int rc;

	rc = store_user_by_name(db, username, &u, hash, err);
	sodium_memzero(hash, sizeof hash);
	if (rc == -UG_ENOTFOUND || (rc == 0 && (u.disabled ||
		strcmp(u.role, "inspector") != 0)))
		return ug_fail(err, UG_EINVAL, "inspector",
			       "no inspector named %s", username);
	if (rc)
		return rc;
	actor_of(&u, "", &inspector);
	if (!case_visible(&inspector, c))
		return ug_fail(err, UG_EINVAL, "inspector",
			       "inspector %s does not work where case %s lies",
			       username, c->number);
	UG_COPY(c->assignee, u.username);
	json_object_set_new(data, "inspector", json_string(u.username));
	return clock_start(env, lim, c, STAGE_VERIFY, now, err);
}

/* The effect of an action beyond the state change.  `data` collects what
 * the history event records. */
static int apply(struct db *db, const struct case_env *env,
		 const struct standard_limits *lim, struct case_row *c,
		 const struct actor *a, enum case_action action,
		 const struct case_action_input *in, int next, int64_t now,
		 json_t *data, struct ug_error *err)
{
	struct department dep;
	struct case_row *target;
	int64_t due;
	int rc;

	switch (action) {
	case CA_DISPATCH:
		rc = store_department_get(db, in->department, &dep, err);
		if (rc == -UG_ENOTFOUND)
			return ug_fail(err, UG_EINVAL, "department",
				       "unknown department %s", in->department);
		if (rc)
			return rc;
		if (strcmp(dep.kind, "centre") == 0)
			return ug_fail(err, UG_EINVAL, "department",
				       "%s is the centre, not a department "
				       "that handles cases", dep.code);
		if (dep.disabled)
			return ug_fail(err, UG_EINVAL, "department",
				       "department %s is disabled and takes no "
				       "new cases", dep.code);
		UG_COPY(c->department, dep.code);
		json_object_set_new(data, "department", json_string(dep.code));
		break;
	case CA_RETURN:
		/* Not theirs: the department no longer lists or sees the case
		 * until a dispatcher sends it somewhere; the history keeps
		 * who returned it (the actor) and from where (data). */
		json_object_set_new(data, "department",
				    json_string(c->department));
		c->department[0] = '\0';
		break;
	case CA_CHECK:
		json_object_set_new(data, "passed", json_boolean(in->passed));
		if (!in->passed)
			c->rework_count++;
		break;
	case CA_EXTEND_REQUEST:
		c->extension_hours = in->hours;
		json_object_set_new(data, "hours", json_integer(in->hours));
		return 0; /* asking moves nothing: the clock goes on */
	case CA_EXTEND_APPROVE: {
		/* The hours are in the unit of the stage's limit: an urgent
		 * case's limit in natural hours runs around the clock, and so
		 * must its extension (8 working hours asked on a Friday
		 * evening would otherwise move it to Tuesday). */
		int natural = strcmp(c->clock, "natural") == 0;
		struct time_limit ext = {
			c->extension_hours,
			natural ? LIMIT_HOURS : LIMIT_WORK_HOURS
		};

		if ((rc = case_limit_due(env->calendar, c->deadline, &ext, &due,
					 err)))
			return rc;
		json_object_set_new(data, "hours",
				    json_integer(c->extension_hours));
		json_object_set_new(data, "clock",
				    json_string(natural ? "natural" : "working"));
		json_object_set_new(data, "old_deadline",
				    json_local_time(env, c->deadline));
		json_object_set_new(data, "new_deadline",
				    json_local_time(env, due));
		set_deadline(env, c, due);
		c->extension_hours = 0;
		return 0; /* the stage's clock goes on: no restart */
	}
	case CA_EXTEND_DENY:
		c->extension_hours = 0;
		return 0;
	case CA_SUPERVISE:
		if (c->priority < 3)
			c->priority++;
		json_object_set_new(data, "priority", json_integer(c->priority));
		return 0;
	case CA_REMIND:
		return 0;
	case CA_CALLBACK:
		UG_COPY(c->rating, in->rating);
		json_object_set_new(data, "rating", json_string(c->rating));
		return 0;
	case CA_VERIFY_ASSIGN:
		return assign_verification(db, env, lim, c, in->inspector, now,
					   data, err);
	case CA_MERGE:
		if (in->target == c->id)
			return ug_fail(err, UG_EINVAL, "target",
				       "a case cannot be merged into itself");
		target = malloc(sizeof *target);
		if (!target)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		/* A target the caller may not see answers as one that does
		 * not exist, before anything else is said of it. */
		rc = store_case_get(db, in->target, target, err);
		if (rc == -UG_ENOTFOUND || (rc == 0 && !case_visible(a, target)))
			rc = ug_fail(err, UG_EINVAL, "target",
				     "no case with id %lld",
				     (long long)in->target);
		else if (rc == 0 &&
			 case_state_terminal(case_state_parse(target->state)))
			rc = ug_fail(err, UG_ECONFLICT, "target",
				     "case %s is %s and cannot take merged "
				     "reports", target->number, target->state);
		if (rc == 0) {
			c->merged_into = target->id;
			json_object_set_new(data, "target",
					    json_integer(target->id));
			json_object_set_new(data, "target_number",
					    json_string(target->number));
		}
		free(target);
		if (rc)
			return rc;
		break;
	default:
		break;
	}
	if (case_state_terminal(next))
		c->closed_at = now;
	/* An extension request is about the handling under way: once the
	 * case moves on (returned, hung, handled, void) it lapses, so that
	 * no one approves it later for a department that never asked. */
	c->extension_hours = 0;
	/* Entering a state starts its stage's clock; a failed check starts
	 * a fresh handling clock (rework). */
	return clock_start(env, lim, c, stage_of(c, next), now, err);
}

int case_act(struct db *db, const struct case_env *env,
	     const struct actor *a, int64_t case_id, enum case_action action,
	     const struct case_action_input *in, int64_t now,
	     struct case_row *out, struct ug_error *err)
{
	const struct user *u = a->user;
	const struct case_transition *t = &case_transitions[action];
	struct case_row *c = malloc(sizeof *c);
	struct standard_limits lim;
	json_t *data = json_object();
	const char *note;
	char from[16], ended[16];
	int64_t ended_deadline;
	int state, next, role, rc;

	if (!c || !data) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	role = a->role;
	if (role < 0 || !(t->roles & ROLE_BIT(role))) {
		rc = ug_fail(err, UG_EFORBIDDEN, NULL,
			     "a %s may not %s a case", u->role, t->name);
		goto out;
	}
	if (in->version <= 0) {
		rc = ug_fail(err, UG_EINVAL, "version",
			     "version is required (the case version you saw)");
		goto out;
	}
	if ((rc = check_needs(t, in, err)))
		goto out;
	if ((rc = db_begin_write(db, err)))
		goto out;
	rc = store_case_get(db, case_id, c, err);
	if (rc == 0 && !case_visible(a, c))
		rc = ug_fail(err, UG_ENOTFOUND, "id", "no case with id %lld",
			     (long long)case_id);
	if (rc)
		goto fail;
	if (in->version != c->version) {
		rc = ug_fail(err, UG_ECONFLICT, "version",
			     "case %s is at version %lld (state %s), not %lld: "
			     "reload it", c->number, (long long)c->version,
			     c->state, (long long)in->version);
		goto fail;
	}
	state = case_state_parse(c->state);
	if ((rc = check_state_and_guards(t, c, a, err)) ||
	    (rc = standards_limits(db, c->standard_id, &lim, err)))
		goto fail;
	next = case_next_state(action, state, in->passed);
	UG_COPY(from, c->state);
	UG_COPY(ended, c->stage);
	ended_deadline = c->deadline;
	UG_COPY(c->state, case_states[next].name);
	if ((rc = apply(db, env, &lim, c, a, action, in, next, now, data, err)))
		goto fail;
	/* An action that changes the state (or verify-assign, which starts
	 * the verification clock again) ends the stage that ran: its line
	 * keeps that stage and the deadline then in force (an approved
	 * extension had moved it), which is what "on time" is judged by
	 * (docs/assessment.md). */
	if ((t->to >= 0 || action == CA_VERIFY_ASSIGN) && ended[0] &&
	    ended_deadline) {
		json_object_set_new(data, "stage", json_string(ended));
		json_object_set_new(data, "deadline",
				    json_local_time(env, ended_deadline));
	}
	c->version++;
	c->updated_at = now;
	/* The history keeps the text the action takes: the note of an
	 * action that needs one (handle, supervise), else the reason. */
	note = (t->needs & NEED_NOTE) || !(in->reason && *in->reason)
		       ? in->note
		       : in->reason;
	if ((rc = store_case_update(db, c, in->version, err)) ||
	    (rc = event_add(db, env, c, u, t->name, from, note, data, now,
			    err)))
		goto fail;
	if (action == CA_MERGE) {
		/* The target's history says which report joined it, so every
		 * reporter can be told the outcome of the one case. */
		struct case_row *target = malloc(sizeof *target);
		json_t *d2 = json_pack("{s:I, s:s}", "merged", (json_int_t)c->id,
				       "merged_number", c->number);

		rc = target ? store_case_get(db, c->merged_into, target, err)
			    : ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		if (rc == 0)
			rc = event_add(db, env, target, u, "merged-in",
				       target->state, note, d2, now, err);
		json_decref(d2);
		free(target);
		if (rc)
			goto fail;
	}
	if ((rc = db_commit(db, err)))
		goto fail;
	*out = *c;
	goto out;
fail:
	db_rollback(db);
out:
	json_decref(data);
	free(c);
	return rc;
}

/* ---- locating cases when grids arrive -------------------------------- */

struct id_list {
	int64_t *ids;
	size_t n, cap;
};

static int collect_id(void *ctx, int64_t id)
{
	struct id_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		int64_t *ids = realloc(l->ids, cap * sizeof *ids);

		if (!ids)
			return -UG_ENOMEM;
		l->ids = ids;
		l->cap = cap;
	}
	l->ids[l->n++] = id;
	return 0;
}

int case_locate_pending(struct db *db, int64_t now,
			struct case_locate_result *res, struct ug_error *err)
{
	struct case_row *c = malloc(sizeof *c);
	struct id_list l = {0};
	int rc;

	memset(res, 0, sizeof *res);
	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = store_cases_unlocated(db, collect_id, &l, err);
	if (rc == -UG_ENOMEM)
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		struct spatial_place place;
		struct ug_error e;
		int64_t version;
		json_t *data;

		if ((rc = db_begin_write(db, err)))
			break;
		if ((rc = store_case_get(db, l.ids[i], c, err)))
			goto fail;
		if (*c->grid || !c->has_location) { /* changed meanwhile */
			db_rollback(db);
			continue;
		}
		/* Outside every grid is an answer, not an error. */
		ug_error_clear(&e);
		if ((rc = spatial_locate_stored(db, c->lon, c->lat, &place,
						&e))) {
			if (rc != -UG_ENOTFOUND) {
				if (err)
					*err = e;
				goto fail;
			}
			rc = 0;
			res->outside++;
			db_rollback(db);
			continue;
		}
		if (strncmp(place.grid, c->area, strlen(c->area)) != 0) {
			res->conflicts++;
			db_rollback(db);
			continue;
		}
		version = c->version;
		case_set_place(c, place.grid);
		c->version++;
		c->updated_at = now;
		data = json_pack("{s:s}", "grid", place.grid);
		if ((rc = store_case_update(db, c, version, err)) ||
		    (rc = event_add(db, NULL, c, &system_actor, "locate",
				    c->state, NULL, data, now, err))) {
			json_decref(data);
			goto fail;
		}
		json_decref(data);
		if ((rc = db_commit(db, err)))
			break;
		res->located++;
		continue;
fail:
		db_rollback(db);
	}
	free(l.ids);
	free(c);
	return rc;
}

/* ---- deadlines after the holidays change ------------------------------ */

/* The stage's approved extensions, folded onto `due` in order: each was
 * added to the deadline of its moment, in the unit of the stage's limit
 * (see CA_EXTEND_APPROVE). */
struct refold {
	const struct calendar *cal;
	int64_t since; /* the stage's start: earlier ones were another's */
	int64_t due;
	struct ug_error *err;
};

static int refold_extension(void *ctx, const struct case_event_row *e)
{
	struct refold *r = ctx;
	struct time_limit ext;
	json_error_t je;
	json_t *data, *hours, *clock;
	int rc;

	if (strcmp(e->action, "extend-approve") != 0 || e->at < r->since)
		return 0;
	data = json_loads(e->data, 0, &je);
	hours = json_object_get(data, "hours");
	clock = json_object_get(data, "clock");
	if (!json_is_integer(hours) || json_integer_value(hours) < 0) {
		json_decref(data);
		return ug_fail(r->err, UG_EINVAL, "history",
			       "extension event %lld has no hours",
			       (long long)e->id);
	}
	ext.amount = json_integer_value(hours);
	ext.unit = json_is_string(clock) &&
				   strcmp(json_string_value(clock), "natural") == 0
			   ? LIMIT_HOURS
			   : LIMIT_WORK_HOURS;
	json_decref(data);
	rc = case_limit_due(r->cal, r->due, &ext, &r->due, r->err);
	return rc;
}

/* The deadline the current stage of c has under env's calendar: from the
 * stage's start by its limit, then its approved extensions. */
static int stage_deadline(struct db *db, const struct case_env *env,
			  const struct case_row *c, int64_t *out,
			  struct ug_error *err)
{
	struct standard_limits lim;
	struct refold r = { env->calendar, c->stage_started_at, 0, err };
	int stage = case_stage_parse(c->stage), u = urgency_parse(c->urgency);
	int rc;

	if (stage < 0 || u < 0)
		return ug_fail(err, UG_EINVAL, "stage",
			       "case %s has stage \"%s\", urgency \"%s\"",
			       c->number, c->stage, c->urgency);
	if ((rc = standards_limits(db, c->standard_id, &lim, err)) ||
	    (rc = case_limit_due(env->calendar, c->stage_started_at,
				 &lim.at[u][stage], &r.due, err)) ||
	    (rc = store_case_events(db, c->id, refold_extension, &r, err)))
		return rc;
	*out = r.due;
	return 0;
}

/* Does a changed date lie within the local dates of [from, to]? */
static int crosses(const struct case_env *env, int64_t from, int64_t to,
		   const int32_t *dates, size_t n)
{
	int64_t a = (from + env->utc_offset) / 86400;
	int64_t b = (to + env->utc_offset) / 86400;

	for (size_t i = 0; i < n; i++)
		if (dates[i] >= a && dates[i] <= b)
			return 1;
	return 0;
}

int case_deadlines_follow(struct db *db, const struct case_env *env,
			  const int32_t *dates, size_t n, const char *why,
			  int64_t now, struct case_follow_result *res,
			  struct ug_error *err)
{
	struct case_row *c;
	struct id_list l = {0};
	int64_t from, to;
	int rc;

	memset(res, 0, sizeof *res);
	if (n == 0)
		return 0;
	/* The instants of the first and the last changed date, whole days,
	 * narrow the search; crosses() decides. */
	from = (int64_t)dates[0] * 86400 - env->utc_offset;
	to = (int64_t)dates[n - 1] * 86400 + 86400 - env->utc_offset;
	rc = store_cases_working_clock(db, from, to, collect_id, &l, err);
	if (rc == -UG_ENOMEM)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (rc)
		return rc;
	if (!(c = malloc(sizeof *c))) {
		free(l.ids);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		struct ug_error why_not;
		int64_t due = 0, version;
		json_t *data;
		char note[512], was[40], now_due[40];

		if ((rc = store_case_get(db, l.ids[i], c, err)))
			break;
		if (!crosses(env, c->stage_started_at, c->deadline, dates, n))
			continue;
		res->examined++;
		ug_error_clear(&why_not);
		rc = stage_deadline(db, env, c, &due, &why_not);
		if (rc && rc != -UG_EINVAL && rc != -UG_ETOOBIG) {
			if (err)
				*err = why_not;
			break;
		}
		iso8601_format(c->deadline, env->utc_offset, was, sizeof was);
		if (rc) {
			/* Kept as it was, and said so: one case the new days
			 * cannot be applied to must not block the calendar. */
			rc = 0;
			res->kept++;
			snprintf(note, sizeof note,
				 "%.200s: deadline %s kept, it could not be "
				 "recomputed (%.200s)", why, was,
				 why_not.message);
			data = json_pack("{s:s, s:s}", "reason", why,
					 "error", why_not.message);
		} else if (due == c->deadline) {
			/* The deadline stands; the changed days may still move
			 * the moment the light turns yellow (a derived value:
			 * no new version, no history line). */
			int64_t warn = warn_time(env, c);

			if (warn != c->warn_at &&
			    (rc = store_case_set_warn(db, c->id, warn, err)))
				break;
			continue;
		} else {
			iso8601_format(due, env->utc_offset, now_due,
				       sizeof now_due);
			snprintf(note, sizeof note, "%.200s: deadline %s -> %s",
				 why, was, now_due);
			data = json_pack("{s:s, s:s, s:s}", "reason", why,
					 "old_deadline", was, "new_deadline",
					 now_due);
			set_deadline(env, c, due);
			res->moved++;
		}
		version = c->version++;
		c->updated_at = now;
		if ((rc = store_case_update(db, c, version, err)) == 0)
			rc = event_add(db, env, c, &system_actor, "recompute",
				       c->state, note, data, now, err);
		json_decref(data);
	}
	free(c);
	free(l.ids);
	return rc;
}

int case_warn_refresh(struct db *db, const struct case_env *env,
		      long *updated, struct ug_error *err)
{
	struct case_row *c = malloc(sizeof *c);
	struct id_list l = {0};
	int rc;

	*updated = 0;
	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = db_begin_write(db, err)))
		goto out;
	rc = store_cases_working_clock(db, INT64_MIN, INT64_MAX, collect_id,
				       &l, err);
	if (rc == -UG_ENOMEM)
		ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		int64_t warn;

		if ((rc = store_case_get(db, l.ids[i], c, err)))
			break;
		warn = warn_time(env, c);
		if (warn != c->warn_at) {
			rc = store_case_set_warn(db, c->id, warn, err);
			(*updated)++;
		}
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	free(c);
	free(l.ids);
	return rc;
}

/* ---- overdue: a change in time ------------------------------------------ */

int case_overdue_sweep(struct db *db, const struct case_env *env,
		       int64_t now, long *noted, struct ug_error *err)
{
	struct case_row *c = malloc(sizeof *c);
	struct id_list l = {0};
	int rc = 0;

	*noted = 0;
	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = db_begin_write(db, err)) == 0) {
		rc = store_cases_overdue_due(db, now, CASE_OVERDUE_BATCH,
					     collect_id, &l, err);
		if (rc == -UG_ENOMEM)
			ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		for (size_t i = 0; rc == 0 && i < l.n; i++) {
			char due[40], note[128];
			json_t *data;
			int stage;

			if ((rc = store_case_get(db, l.ids[i], c, err)))
				break;
			stage = case_stage_parse(c->stage);
			iso8601_format(c->deadline, env->utc_offset, due,
				       sizeof due);
			snprintf(note, sizeof note, "%s时限 %s 已过",
				 stage >= 0 ? case_stages[stage].name_zh
					    : c->stage,
				 due);
			data = json_pack("{s:s, s:s, s:I}", "stage", c->stage,
					 "deadline", due, "late",
					 (json_int_t)(now - c->deadline));
			if (!data)
				rc = ug_fail(err, UG_ENOMEM, NULL,
					     "out of memory");
			if (rc == 0 &&
			    (rc = store_case_note_overdue(db, c->id, c->deadline,
							  now, err)) == 0)
				rc = event_add(db, env, c, &system_actor, "overdue",
					       c->state, note, data, now, err);
			json_decref(data);
		}
		if (rc == 0 && (rc = db_commit(db, err)) == 0)
			*noted += (long)l.n;
		else if (rc)
			db_rollback(db);
	}
	free(c);
	free(l.ids);
	return rc;
}

static int follow_days(struct db *db, const struct calendar *cal,
		       int32_t utc_offset, const int32_t *dates, size_t n,
		       const char *why, int64_t now, long *moved, long *kept,
		       struct ug_error *err)
{
	struct case_follow_result r;
	struct case_env env;
	int rc;

	case_env_defaults(&env, cal);
	env.utc_offset = utc_offset;
	rc = case_deadlines_follow(db, &env, dates, n, why, now, &r, err);
	*moved = r.moved;
	*kept = r.kept;
	return rc;
}

const struct workcal_follower case_calendar_follower = { follow_days };
