/*
 * demo_live.c - the moving demo (see demo_live.h).  A move is either a new
 * report or one step of an open case drawn at random, taken by whoever
 * would take it: the street's inspector verifies and checks, the shift
 * leader files and closes, the dispatcher dispatches, the department's
 * handler handles.  Each step asks case_actions_allowed() first, so it is
 * only ever what that user's console would offer.
 */
#include "tools/demo/demo_live.h"

#include <stdlib.h>
#include <string.h>

#include "domain/cases/view.h"
#include "lib/log.h"
#include "tools/demo/demo.h"
#include "domain/patrol/patrol.h"
#include "store/patrol/patrol.h"
#include "tools/demo/demo_cases.h"
#include "tools/demo/demo_patrol.h"
#include "tools/demo/demo_rand.h"

/* Of the moves, per mille: new reports (the rest move cases along; a
 * case takes five or six steps, so this keeps the open cases about
 * level). */
#define NEW_REPORT_PM 160
/* One case in ten is slow: nobody takes it up until its stage is
 * overdue (so the lights turn red, the overdue lines appear). */
#define SLOW_ONE_IN 10
#define MOVES_PER_TICK_MAX 4

/* An inspector walking its beat while the server runs. */
struct patroller {
	const struct user *who; /* in beats[] */
	struct demo_walker walk;
	int64_t shift_id;       /* 0: off shift */
	int64_t next_t;         /* when the next point is due */
};

struct demo_live {
	struct demo_live_config cfg;
	struct demo_staff staff;
	struct demo_beat_walk *beats; /* loaded at the first working turn */
	size_t nbeats;
	int beats_loaded;
	struct patroller *walkers;
	uint64_t seed;
	int64_t next_us;     /* when the next move is due */
	int64_t interval_us; /* on average between moves */
	struct demo_live_stats stats;
};

int demo_live_new(struct db *db, const struct demo_live_config *cfg,
		  int64_t now, int64_t mono_us, struct demo_live **out,
		  struct ug_error *err)
{
	struct demo_live *dl;
	int rc;

	*out = NULL;
	if (cfg->rate <= 0)
		return ug_fail(err, UG_EINVAL, "demo-live-rate",
			       "the pace must be above 0 a minute");
	if ((rc = demo_check(db, err)))
		return rc;
	if (!(dl = calloc(1, sizeof *dl)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	dl->cfg = *cfg;
	dl->seed = cfg->seed ? cfg->seed
			     : (uint64_t)now * 0x9E3779B97F4A7C15ULL | 1;
	dl->interval_us = (int64_t)(60e6 / cfg->rate);
	dl->next_us = mono_us + dl->interval_us;
	if ((rc = demo_staff_load(db, now, &dl->staff, err))) {
		free(dl);
		return rc;
	}
	*out = dl;
	return 0;
}

void demo_live_get_stats(const struct demo_live *dl,
			 struct demo_live_stats *out)
{
	*out = dl->stats;
}

void demo_live_free(struct demo_live *dl)
{
	if (!dl)
		return;
	demo_beat_walks_free(dl->beats, dl->nbeats);
	free(dl->walkers);
	free(dl);
}

/* ---- the inspectors on patrol ------------------------------------------ */

static int load_walkers(struct demo_live *dl, struct db *db,
			const struct case_env *env, int64_t now,
			struct ug_error *err)
{
	struct point_row last;
	int rc;

	dl->beats_loaded = 1;
	if ((rc = demo_beat_walks(db, env, now, &dl->seed, &dl->beats,
				  &dl->nbeats, err)))
		return rc;
	if (!(dl->walkers = calloc(dl->nbeats + 1, sizeof *dl->walkers)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < dl->nbeats; i++) {
		struct patroller *p = &dl->walkers[i];

		p->who = &dl->beats[i].inspector;
		demo_walker_init(&p->walk, (const double (*)[2])dl->beats[i].way,
				 dl->beats[i].n,
				 DEMO_WALK_MIN_MS +
					 (DEMO_WALK_MAX_MS - DEMO_WALK_MIN_MS) *
						 demo_rnd_unit(&dl->seed));
		/* On from where the inspector was last seen (the demo's
		 * walk, or a live demo before this one). */
		if ((rc = store_point_before(db, p->who->id, now + 1, &last,
					     err)) < 0)
			return rc;
		if (rc)
			demo_walker_resume(&p->walk, last.lon, last.lat);
		/* Not all in the same second. */
		p->next_t = now + demo_rnd_below(&dl->seed, DEMO_TRACK_STEP_S);
	}
	return 0;
}

/* Start the shift, or take up the one left open (a server stopped while
 * its inspectors were out). */
static int shift_on(struct db *db, const struct case_env *env,
		    struct patroller *p, const struct actor *a, int64_t now,
		    struct ug_error *err)
{
	struct shift_row shift;
	struct patrol_day day;
	struct patrol_me me;
	int rc = patrol_shift_start(db, a, now, now, &shift, err);

	if (rc == 0) {
		p->shift_id = shift.id;
		return 0;
	}
	if (rc != -UG_ECONFLICT)
		return rc;
	ug_error_clear(err);
	if ((rc = patrol_day_parse(env, NULL, now, "date", &day, err)) ||
	    (rc = patrol_me(db, env, a, &day, now, NULL, NULL, &me, err)))
		return rc;
	if (me.has_shift && !me.shift.ended_at)
		p->shift_id = me.shift.id;
	patrol_figures_free(&me.figures);
	return p->shift_id ? 0 : ug_fail(err, UG_ECONFLICT, "shift",
					 "an open shift that is not today's");
}

/* Each inspector on shift posts its position every 30 s, as the field
 * page does; off hours, the shifts end.  A point refused is logged and
 * let be: the next goes 30 s later. */
static void patrol(struct demo_live *dl, struct db *db,
		   const struct case_env *env, int64_t now, int working)
{
	for (size_t i = 0; i < dl->nbeats; i++) {
		struct patroller *p = &dl->walkers[i];
		struct patrol_point_in pt;
		struct shift_row shift;
		struct ug_error err;
		struct actor a;
		size_t accepted;

		ug_error_clear(&err);
		actor_of(p->who, "", &a);
		if (!working) {
			if (p->shift_id &&
			    patrol_shift_end(db, &a, p->shift_id, now, now,
					     &shift, &err) &&
			    err.code != UG_ECONFLICT)
				log_warn("demo-live: %s", err.message);
			p->shift_id = 0;
			continue;
		}
		if (now < p->next_t)
			continue;
		p->next_t = now + DEMO_TRACK_STEP_S;
		if (!p->shift_id && shift_on(db, env, p, &a, now, &err)) {
			log_warn("demo-live: %s", err.message);
			continue;
		}
		demo_walker_fix(&p->walk, &dl->seed, &pt.lon, &pt.lat);
		pt.t = now;
		pt.accuracy = 5 + 10 * demo_rnd_unit(&dl->seed);
		if (patrol_track_add(db, env, &a, 0, &pt, 1, now, &accepted,
				     &err) == 0)
			dl->stats.points++;
		else
			log_warn("demo-live: %s's track point: %s",
				 p->who->username, err.message);
		demo_walker_step(&p->walk, now + DEMO_TRACK_STEP_S, &dl->seed);
	}
}

/* A new report: mostly an inspector's from the street, some from the
 * public (the account anonymous public reports are filed as). */
static int new_report(struct demo_live *dl, struct db *db,
		      const struct case_env *env, int64_t now,
		      struct ug_error *err)
{
	int public_ = demo_rnd_below(&dl->seed, 10) < 3;
	enum case_source src = public_ ? SRC_PUBLIC : SRC_INSPECTOR;
	const struct user *who;
	struct demo_report r;
	struct case_row c;
	struct actor a;
	int rc;

	rc = demo_report_draw(env, &dl->staff, src, now, &dl->seed, &r, err);
	who = public_ ? &dl->staff.public_
		      : demo_inspector_of(&dl->staff, r.street->code);
	actor_of(who, "", &a);
	if (rc == 0)
		rc = case_intake(db, env, &a, &r.in, now, &c, NULL, err);
	demo_report_free(&r);
	if (rc)
		return rc;
	dl->stats.reports++;
	if (dl->cfg.files_dir &&
	    (rc = demo_photo_attach(db, dl->cfg.files_dir, who, &c, "report",
				    now, err)) == 0)
		dl->stats.photos++;
	return rc;
}

struct pick {
	struct case_row c;
	int found;
};

static int take_case(void *ctx, const struct case_row *c)
{
	struct pick *p = ctx;

	p->c = *c;
	p->found = 1;
	return 0;
}

/* An open case that someone can move, drawn at random: 0 with none. */
static int pick_case(struct demo_live *dl, struct db *db, int64_t now,
		     struct case_row *out, struct ug_error *err)
{
	static const char *const movable[] = { "reported", "verified",
					       "filed",    "dispatched",
					       "returned", "handled",
					       "checked",  NULL };
	struct case_filter f;
	struct pick p;
	struct actor a;
	int64_t total = 0;
	int rc;

	memset(&f, 0, sizeof f);
	memcpy(f.states, movable, sizeof movable);
	f.open_only = 1;
	f.now = now;
	f.limit = 1;
	actor_of(&dl->staff.shift_leader, "", &a);
	memset(&p, 0, sizeof p);
	if ((rc = case_list(db, &a, &f, take_case, &p, &total, err)) ||
	    total == 0)
		return rc;
	f.offset = (int64_t)(demo_rnd(&dl->seed) % (uint64_t)total);
	p.found = 0;
	if ((rc = case_list(db, &a, &f, take_case, &p, &total, err)))
		return rc;
	*out = p.c;
	return p.found;
}

/* Act as `who` if its console would offer the action. */
static int act(struct demo_live *dl, struct db *db,
	       const struct case_env *env, const struct user *who,
	       struct case_row *c, enum case_action action,
	       struct case_action_input *in, int64_t now,
	       struct ug_error *err)
{
	struct actor a;
	int rc;

	actor_of(who, "", &a);
	if (!(case_actions_allowed(&a, c) & CA_BIT(action)))
		return 0;
	in->version = c->version;
	if ((rc = case_act(db, env, &a, c->id, action, in, now, c, err)))
		return rc;
	dl->stats.actions++;
	return 1;
}

static int photo(struct demo_live *dl, struct db *db, const struct user *who,
		 const struct case_row *c, const char *kind, int64_t now,
		 struct ug_error *err)
{
	int rc;

	if (!dl->cfg.files_dir)
		return 0;
	if ((rc = demo_photo_attach(db, dl->cfg.files_dir, who, c, kind, now,
				    err)) == 0)
		dl->stats.photos++;
	return rc;
}

/* One step of case c by the user whose turn it is. */
static int step(struct demo_live *dl, struct db *db,
		const struct case_env *env, struct case_row *c, int64_t now,
		struct ug_error *err)
{
	const struct demo_staff *st = &dl->staff;
	const struct user *insp = demo_inspector_of(st, c->street);
	const struct user *h = demo_handler_of(st, c->department);
	struct case_action_input in;
	struct routing_suggestion sug;
	int roll = demo_rnd_below(&dl->seed, 100), rc;

	memset(&in, 0, sizeof in);
	switch (case_state_parse(c->state)) {
	case CS_REPORTED:
		if (roll < 4) {
			in.reason = "经核实，不属于城市管理范围";
			return act(dl, db, env, &st->shift_leader, c, CA_REJECT,
				   &in, now, err);
		}
		/* An inspector's own report is filed at once; others are
		 * verified on site first. */
		if (strcmp(c->source, "inspector") == 0)
			return act(dl, db, env, &st->shift_leader, c, CA_FILE,
				   &in, now, err);
		in.note = "现场核实属实";
		return act(dl, db, env, insp, c, CA_VERIFY, &in, now, err);
	case CS_VERIFIED:
		return act(dl, db, env, &st->shift_leader, c, CA_FILE, &in, now,
			   err);
	case CS_FILED:
	case CS_RETURNED:
		if ((rc = case_suggestion(db, c, &sug, err)) < 0)
			return rc;
		if (rc == 0 || !sug.department[0])
			return 0;
		in.department = sug.department;
		return act(dl, db, env, &st->dispatcher, c, CA_DISPATCH, &in,
			   now, err);
	case CS_DISPATCHED:
		if (!h)
			return 0;
		/* An extension asked for waits for the shift leader. */
		if ((rc = act(dl, db, env, &st->shift_leader, c,
			      CA_EXTEND_APPROVE, &in, now, err)))
			return rc;
		if (roll < 6) {
			in.reason = "非本单位职责，请改派属地街道";
			return act(dl, db, env, h, c, CA_RETURN, &in, now, err);
		}
		if (roll < 12) {
			in.reason = "需协调专业设备，申请延期";
			in.hours = 4;
			return act(dl, db, env, h, c, CA_EXTEND_REQUEST, &in,
				   now, err);
		}
		if ((rc = photo(dl, db, h, c, "handle", now, err)))
			return rc;
		in.note = "已处置完毕，现场已恢复";
		return act(dl, db, env, h, c, CA_HANDLE, &in, now, err);
	case CS_HANDLED:
		if ((rc = photo(dl, db, insp, c, "check", now, err)))
			return rc;
		in.has_passed = 1;
		in.passed = roll >= 12; /* some rework */
		in.note = in.passed ? "现场核查，已处置到位"
				    : "处置不到位，请返工";
		return act(dl, db, env, insp, c, CA_CHECK, &in, now, err);
	case CS_CHECKED:
		return act(dl, db, env, &st->shift_leader, c, CA_CLOSE, &in, now,
			   err);
	default:
		return 0;
	}
}

static int in_working_hours(const struct case_env *env, int64_t now)
{
	int64_t worked = 0;

	return env->calendar &&
	       calendar_elapsed_working(env->calendar, now, now + 60, &worked,
					NULL) == 0 &&
	       worked > 0;
}

static int move(struct demo_live *dl, struct db *db,
		const struct case_env *env, int64_t now, struct ug_error *err)
{
	struct case_row c;
	int rc;

	if (demo_rnd_below(&dl->seed, 1000) < NEW_REPORT_PM)
		return new_report(dl, db, env, now, err);
	if ((rc = pick_case(dl, db, now, &c, err)) <= 0)
		return rc ? rc : new_report(dl, db, env, now, err);
	if (c.id % SLOW_ONE_IN == 3 && c.deadline > now)
		return 0;
	rc = step(dl, db, env, &c, now, err);
	return rc < 0 ? rc : 0;
}

void demo_live_stop(struct demo_live *dl, struct db *db,
		    const struct case_env *env, int64_t now)
{
	patrol(dl, db, env, now, 0);
}

int demo_live_tick(struct demo_live *dl, struct db *db,
		   const struct case_env *env, int64_t now, int64_t mono_us,
		   struct ug_error *err)
{
	int working = dl->cfg.anytime || in_working_hours(env, now);
	int rc;

	if (working && !dl->beats_loaded &&
	    (rc = load_walkers(dl, db, env, now, err)))
		return rc;
	patrol(dl, db, env, now, working);
	if (mono_us < dl->next_us)
		return 0;
	if (!working) {
		dl->next_us = mono_us + dl->interval_us;
		return 0;
	}
	for (int i = 0; i < MOVES_PER_TICK_MAX && mono_us >= dl->next_us; i++) {
		struct ug_error merr;

		ug_error_clear(&merr);
		if (move(dl, db, env, now, &merr)) {
			dl->stats.failures++;
			log_warn("demo-live: %s", merr.message);
		}
		/* Irregular, as people are: 0.5 to 1.5 of the interval. */
		dl->next_us += dl->interval_us / 2 +
			       (int64_t)(demo_rnd_unit(&dl->seed) *
					 (double)dl->interval_us);
	}
	if (dl->next_us < mono_us) /* behind (a paused clock): no burst */
		dl->next_us = mono_us + dl->interval_us;
	return 0;
}
