/*
 * demo_cases.c - the demo's month of cases (see demo_cases.h).
 */
#include "tools/demo/demo_cases.h"
#include "tools/demo/demo_geo.h"
#include "domain/spatial/spatial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org/accounts.h"
#include "tools/demo/demo.h"
#include "domain/org/org.h"
#include "domain/cases/attachment.h"
#include "domain/cases/routing.h"
#include "tools/demo/demo_photo.h"
#include "tools/demo/demo_rand.h"

/* Sources (per mille): mostly inspectors' own patrol reports. */
static const struct {
	enum case_source source;
	int weight;
} sources[] = {
	{ SRC_INSPECTOR, 700 }, { SRC_HOTLINE, 150 }, { SRC_PUBLIC, 100 },
	{ SRC_LEADER, 30 },     { SRC_MEDIA, 20 },
};

#define rnd_below demo_rnd_below
#define rnd_unit demo_rnd_unit

static int take_street(void *ctx, const struct division *d)
{
	struct division *list = ctx;
	int i;

	for (i = 0; i < DEMO_STREETS_MAX && list[i].code[0]; i++)
		;
	if (i < DEMO_STREETS_MAX)
		list[i] = *d;
	return 0;
}

struct dept_list {
	struct department d[64];
	int n;
};

static int take_department(void *ctx, const struct department *d,
			   const char *areas)
{
	struct dept_list *l = ctx;

	(void)areas;
	if (l->n < 64 && strcmp(d->kind, "centre") != 0)
		l->d[l->n++] = *d;
	return 0;
}

/* Find or create an actor account (random password, not shown; hashed
 * once, when the first account is missing: the hash is slow on purpose). */
static int actor(struct db *db, const char *username, const char *name,
		 const char *role, const char *unit, char *hash,
		 int64_t now, struct user *out, struct ug_error *err)
{
	char pw[GENERATED_PASSWORD_LEN + 1];
	struct account_new a;
	int rc = store_user_by_name(db, username, out, NULL, err);

	if (rc != -UG_ENOTFOUND)
		return rc;
	if (!hash[0]) {
		auth_password_generate(pw);
		if ((rc = auth_password_hash(pw, hash, err)))
			return rc;
	}
	memset(&a, 0, sizeof a);
	a.username = username;
	a.display_name = name;
	a.role = role;
	a.unit = unit;
	a.password_hash = hash;
	return account_create(db, demo_actor(), &a, now, out, NULL, err);
}

int demo_staff_load(struct db *db, int64_t now, struct demo_staff *ac,
		    struct ug_error *err)
{
	char username[USERNAME_MAX + 1];
	char hash[PASSWORD_HASH_MAX + 1] = "";
	struct division *streets = ac->streets;
	struct dept_list depts;
	int nstreets = 0, rc;

	memset(ac, 0, sizeof *ac);
	if ((rc = store_division_children(db, DEMO_DISTRICT, take_street,
					  streets, err)))
		return rc;
	while (nstreets < DEMO_STREETS_MAX && streets[nstreets].code[0])
		nstreets++;
	if (!nstreets)
		return ug_fail(err, UG_ENOTFOUND, NULL, "the demo has no streets");
	ac->nstreets = nstreets;
	memset(&depts, 0, sizeof depts);
	if ((rc = store_user_by_name(db, "receptionist", &ac->receptionist,
				     NULL, err)) ||
	    (rc = store_user_by_name(db, "shift_leader", &ac->shift_leader,
				     NULL, err)) ||
	    (rc = store_user_by_name(db, "dispatcher", &ac->dispatcher, NULL,
				     err)) ||
	    (rc = store_user_by_name(db, "leader", &ac->leader, NULL, err)) ||
	    (rc = store_user_by_name(db, "public", &ac->public_, NULL, err)) ||
	    (rc = store_department_list(db, take_department, &depts, err)))
		return rc;
	for (int i = 0; i < nstreets; i++) {
		snprintf(username, sizeof username, "inspector.%s",
			 streets[i].code + 6);
		if ((rc = actor(db, username, streets[i].name, "inspector",
				streets[i].code, hash, now,
				&ac->inspector[ac->ninspectors], err)))
			return rc;
		ac->ninspectors++;
	}
	for (int i = 0; i < depts.n; i++) {
		const char *dash = strchr(depts.d[i].code, '-');

		/* handler.hw for 110101-HW, handler.jd001 for 110101001-JD */
		if (strcmp(depts.d[i].kind, "street_team") == 0)
			snprintf(username, sizeof username, "handler.jd%.3s",
				 depts.d[i].code + 6);
		else
			snprintf(username, sizeof username, "handler.%s",
				 dash ? dash + 1 : depts.d[i].code);
		for (char *p = username; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if ((rc = actor(db, username, depts.d[i].name, "handler",
				depts.d[i].code, hash, now,
				&ac->handler[ac->nhandlers], err)))
			return rc;
		ac->nhandlers++;
	}
	return 0;
}

const struct user *demo_handler_of(const struct demo_staff *ac,
				     const char *department)
{
	for (int i = 0; i < ac->nhandlers; i++)
		if (strcmp(ac->handler[i].unit_code, department) == 0)
			return &ac->handler[i];
	return NULL;
}

const struct user *demo_inspector_of(const struct demo_staff *ac,
				       const char *street)
{
	for (int i = 0; i < ac->ninspectors; i++)
		if (strcmp(ac->inspector[i].unit_code, street) == 0)
			return &ac->inspector[i];
	return &ac->inspector[0];
}

/* The next moment something happens: a fraction of the way to the
 * current deadline (> 1: late), never before `t` + a minute. */
static int64_t later(const struct case_row *c, int64_t t, double fraction)
{
	int64_t span = c->deadline > t ? c->deadline - t : 3600;

	return t + 60 + (int64_t)((double)span * fraction);
}

struct walk {
	struct db *db;
	const struct case_env *env;
	const struct demo_staff *ac;
	struct case_row *c;
	int64_t now;   /* the real now: nothing happens after it */
	int64_t t;     /* simulated time */
	uint64_t *seed;
	struct demo_case_stats *stats;
	const char *files_dir; /* after-photos go here; NULL: none */
	struct ug_error *err;
};

/* Take one action at simulated time w->t; returns 1 if it happened, 0 if
 * its time is still in the future (the case stays where it is), or a
 * negative error. */
static int step(struct walk *w, const struct user *u, enum case_action a,
		struct case_action_input *in, double fraction)
{
	int64_t when = later(w->c, w->t, fraction);
	struct actor who;
	int rc;

	if (when >= w->now)
		return 0;
	w->t = when;
	in->version = w->c->version;
	actor_of(u, "", &who);
	rc = case_act(w->db, w->env, &who, w->c->id, a, in, w->t, w->c,
		      w->err);
	if (rc)
		return rc;
	w->stats->events++;
	return 1;
}

/* How the stage goes: mostly on time (0.2-0.8 of the limit), sometimes
 * late (1.1-2.5). */
static double pace(uint64_t *s)
{
	return rnd_below(s, 100) < 88 ? 0.2 + 0.6 * rnd_unit(s)
				      : 1.1 + 1.4 * rnd_unit(s);
}

static int walk_case(struct walk *w)
{
	const struct demo_staff *ac = w->ac;
	const struct user *insp = demo_inspector_of(ac, w->c->street);
	const struct user *h;
	struct case_action_input in;
	struct routing_suggestion sug;
	struct case_standard std;
	uint64_t *s = w->seed;
	int rc, roll = rnd_below(s, 1000);

#define STEP(u, a, f)                                                   \
	do {                                                            \
		rc = step(w, (u), (a), &in, (f));                       \
		if (rc <= 0)                                            \
			return rc;                                      \
	} while (0)

	memset(&in, 0, sizeof in);
	if (strcmp(w->c->source, "inspector") != 0) {
		if (roll < 30) { /* a report that is not a case */
			in.reason = "经核实，不属于城市管理范围";
			STEP(&ac->shift_leader, CA_REJECT, pace(s));
			return 0;
		}
		STEP(insp, CA_VERIFY, pace(s));
	}
	if (roll >= 30 && roll < 45) { /* a duplicate or a mistake */
		memset(&in, 0, sizeof in);
		in.reason = "重复上报，已有案件处理中";
		STEP(&ac->shift_leader, CA_VOID, pace(s));
		return 0;
	}
	memset(&in, 0, sizeof in);
	STEP(&ac->shift_leader, CA_FILE, pace(s));
	if ((rc = store_standard_by_id(w->db, w->c->standard_id, &std,
				       w->err)) ||
	    (rc = routing_suggest(w->db, w->c->category, w->c->area,
				  std.department_type, &sug, w->err)))
		return rc;
	if (!sug.department[0])
		return 0; /* nobody to send it to: stays filed */
	memset(&in, 0, sizeof in);
	in.department = sug.department;
	STEP(&ac->dispatcher, CA_DISPATCH, pace(s));
	h = demo_handler_of(ac, w->c->department);
	if (!h)
		return 0;
	if (roll >= 45 && roll < 60) { /* not ours: back to the centre */
		struct routing_suggestion street;

		memset(&in, 0, sizeof in);
		in.reason = "非本单位职责，请改派属地街道";
		STEP(h, CA_RETURN, pace(s));
		if ((rc = routing_suggest(w->db, "", w->c->area, "none", &street,
					  w->err)))
			return rc;
		memset(&in, 0, sizeof in);
		in.department = street.department[0] ? street.department
						     : sug.department;
		STEP(&ac->dispatcher, CA_DISPATCH, pace(s));
		h = demo_handler_of(ac, w->c->department);
		if (!h)
			return 0;
	}
	if (roll >= 60 && roll < 90) { /* needs more time */
		memset(&in, 0, sizeof in);
		in.reason = "需协调专业设备，申请延期";
		in.hours = 4;
		STEP(h, CA_EXTEND_REQUEST, 0.5);
		memset(&in, 0, sizeof in);
		STEP(&ac->shift_leader, CA_EXTEND_APPROVE, 0.05);
	}
	if (roll >= 90 && roll < 100) { /* long-running work */
		memset(&in, 0, sizeof in);
		in.reason = "需纳入年度维修计划，申请挂账";
		STEP(&ac->shift_leader, CA_HANG, 0.3);
		return 0;
	}
	if (roll >= 100 && roll < 130) { /* an urging leader */
		memset(&in, 0, sizeof in);
		in.note = "群众反映强烈，请加快处置";
		STEP(&ac->leader, CA_SUPERVISE, 0.3);
	}
	memset(&in, 0, sizeof in);
	in.note = "已处置完毕，现场已恢复";
	STEP(h, CA_HANDLE, pace(s));
	if (w->files_dir) {
		if ((rc = demo_photo_attach(w->db, w->files_dir, h, w->c,
					    "handle", w->t, w->err)))
			return rc;
		w->stats->photos++;
	}
	memset(&in, 0, sizeof in);
	in.has_passed = 1;
	in.passed = !(roll >= 130 && roll < 190); /* some rework */
	STEP(insp, CA_CHECK, pace(s));
	if (!in.passed) {
		memset(&in, 0, sizeof in);
		in.note = "返工后已处置完毕";
		STEP(h, CA_HANDLE, pace(s));
		memset(&in, 0, sizeof in);
		in.has_passed = 1;
		in.passed = 1;
		STEP(insp, CA_CHECK, pace(s));
	}
	memset(&in, 0, sizeof in);
	STEP(&ac->shift_leader, CA_CLOSE, pace(s));
#undef STEP
	return 0;
}

/* A random working moment of local day `day` (08:30-17:30). */
static int64_t working_moment(const struct case_env *env, int64_t day_start,
			      uint64_t *s)
{
	return day_start - env->utc_offset + 8 * 3600 + 1800 +
	       rnd_below(s, 9 * 3600);
}

static const struct demo_category *category_of(const char *code)
{
	for (size_t i = 0; i < demo_category_count(); i++)
		if (strcmp(demo_category_at(i)->code, code) == 0)
			return demo_category_at(i);
	return NULL;
}

int demo_photo_attach(struct db *db, const char *files_dir,
		      const struct user *who, const struct case_row *c,
		      const char *kind, int64_t now, struct ug_error *err)
{
	const struct demo_category *cat = category_of(c->category);
	struct buf png = BUF_INIT;
	struct attachment_row row;
	struct actor a;
	int rc;

	rc = demo_photo_png(cat ? cat->scene : NULL, c->number,
			    strcmp(kind, "handle") == 0,
			    (uint64_t)c->id * 0x9E3779B97F4A7C15ULL, &png, err);
	if (rc == 0) {
		actor_of(who, "", &a);
		rc = attachment_add(db, files_dir, &a, c->id, kind, png.data,
				    png.len, png.len, now, &row, err);
	}
	buf_free(&png);
	return rc;
}

void demo_report_free(struct demo_report *r)
{
	buf_free(&r->description);
	buf_free(&r->address);
}

int demo_report_draw(const struct case_env *env,
		     const struct demo_staff *staff, enum case_source source,
		     int64_t t, uint64_t *s, struct demo_report *r,
		     struct ug_error *err)
{
	const char *road = demo_road(s);
	struct case_intake *in = &r->in;
	int rc;

	memset(r, 0, sizeof *r);
	r->category = demo_category_pick(s);
	r->street = &staff->streets[rnd_below(s, staff->nstreets)];
	if ((rc = demo_address(road, s, &r->address)) ||
	    (rc = demo_describe(r->category, road, r->street->name, t,
				env->utc_offset, s, &r->description)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	in->category = r->category->code;
	in->description = buf_str(&r->description);
	in->source = case_source_names[source];
	in->urgency = rnd_below(s, 100) < 5	 ? "urgent"
		      : rnd_below(s, 100) < 15 ? "pressing"
					       : "normal";
	in->area = r->street->code;
	in->address = buf_str(&r->address);
	/* A point of the street: drawn in the demo's box until it falls in
	 * one of the street's grids (the point, not the area, places a
	 * located case). */
	in->has_location = 1;
	for (int tries = 0; tries < 1000; tries++) {
		struct spatial_place place;

		in->lon = DEMO_MIN_LON + (DEMO_MAX_LON - DEMO_MIN_LON) *
						 rnd_unit(s);
		in->lat = DEMO_MIN_LAT + (DEMO_MAX_LAT - DEMO_MIN_LAT) *
						 rnd_unit(s);
		if (!env->spatial ||
		    (spatial_locate(env->spatial, in->lon, in->lat, &place,
				    NULL) == 0 &&
		     strcmp(place.street, r->street->code) == 0))
			break;
	}
	if (source != SRC_INSPECTOR && source != SRC_LEADER) {
		snprintf(r->phone, sizeof r->phone, "13%09d",
			 rnd_below(s, 1000000000));
		in->reporter_phone = r->phone;
		in->reporter_name = "市民";
	}
	return 0;
}

/* Who files a report of `source`. */
static const struct user *reporter_of(const struct demo_staff *ac,
				      enum case_source source,
				      const char *street)
{
	switch (source) {
	case SRC_INSPECTOR:
		return demo_inspector_of(ac, street);
	case SRC_LEADER:
		return &ac->leader;
	default:
		return &ac->receptionist;
	}
}

int demo_cases(struct db *db, const struct case_env *env,
	       const char *files_dir, int64_t now, int days, uint64_t seed,
	       struct demo_case_stats *stats, struct ug_error *err)
{
	struct demo_staff *ac = calloc(1, sizeof *ac);
	struct case_row *c = malloc(sizeof *c);
	int rc = 0, source_weight = 0;
	uint64_t s = seed ? seed : 0x9E3779B97F4A7C15ULL;
	int64_t today = (now + env->utc_offset) / 86400 * 86400;

	memset(stats, 0, sizeof *stats);
	if (!ac || !c) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = demo_staff_load(db, now, ac, err)))
		goto out;
	for (size_t i = 0; i < sizeof sources / sizeof *sources; i++)
		source_weight += sources[i].weight;
	for (int d = days; d >= 0; d--) {
		int64_t day_start = today - (int64_t)d * 86400;
		int weekday = (int)(((day_start / 86400) % 7 + 10) % 7); /* Mon=0 */
		/* Fewer reports at weekends, as patrols are thinner. */
		int n = weekday >= 5 ? 15 + rnd_below(&s, 10)
				     : 45 + rnd_below(&s, 20);

		for (int k = 0; k < n; k++) {
			int spick = rnd_below(&s, source_weight), j = 0;
			struct demo_report r;
			const struct user *who;
			struct actor caller;
			struct walk w;
			int64_t t = working_moment(env, day_start, &s);

			if (t >= now)
				continue;
			while (spick >= sources[j].weight)
				spick -= sources[j++].weight;
			rc = demo_report_draw(env, ac, sources[j].source, t, &s,
					      &r, err);
			who = reporter_of(ac, sources[j].source, r.street->code);
			actor_of(who, "", &caller);
			if (rc == 0)
				rc = case_intake(db, env, &caller, &r.in, t, c,
						 NULL, err);
			demo_report_free(&r);
			if (rc)
				goto out;
			stats->cases++;
			stats->events++;
			memset(&w, 0, sizeof w);
			if (files_dir && d < DEMO_PHOTO_DAYS) {
				if ((rc = demo_photo_attach(db, files_dir, who, c,
							    "report", t, err)))
					goto out;
				stats->photos++;
				w.files_dir = files_dir;
			}
			w.db = db;
			w.env = env;
			w.ac = ac;
			w.c = c;
			w.now = now;
			w.t = t;
			w.seed = &s;
			w.stats = stats;
			w.err = err;
			if ((rc = walk_case(&w)) < 0)
				goto out;
			if (case_state_terminal(case_state_parse(c->state)))
				stats->closed++;
			else
				stats->open++;
		}
	}
	rc = 0;
out:
	free(ac);
	free(c);
	return rc;
}
