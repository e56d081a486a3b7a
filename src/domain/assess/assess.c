/*
 * assess.c - the counters kept as lines are written, and rebuilt from the
 * whole history (see assess.h).  Both replay a case's lines through the
 * rules (rules.c) into a tally - counts by local day, dimension and code
 * - that is then added to the tables: one upsert per row touched, the
 * day's and the month's.
 */
#include "domain/assess/assess.h"

#include <stdlib.h>
#include <string.h>

#include "lib/iso8601.h"
#include "store/patrol/patrol.h"

/* ---- the tally ---------------------------------------------------------- */

struct tally_row {
	int used;
	int32_t day;
	int kind;                     /* enum assess_kind */
	char code[ASSESS_PERSON_MAX]; /* a username or a code */
	int64_t line;                 /* the last line counted in it */
	struct assess_counts counts;
};

/* Open addressing over a power-of-two table kept at most half full. */
struct tally {
	struct db *db;
	struct tally_row *rows;
	int owned;         /* rows are the tally's to free */
	size_t cap, n;
	size_t flush_at;   /* rows held before they are written (0: grow) */
	int32_t day;       /* of the line being counted */
	int64_t line;
	int64_t written;
	struct ug_error *err;
};

static uint64_t row_hash(int32_t day, int kind, const char *code)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uint32_t)day;

	h = (h ^ (uint64_t)kind) * 1099511628211ULL;
	for (const unsigned char *p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static struct tally_row *tally_slot(struct tally_row *rows, size_t cap,
				    int32_t day, int kind, const char *code)
{
	size_t i = row_hash(day, kind, code) & (cap - 1);

	while (rows[i].used && !(rows[i].day == day && rows[i].kind == kind &&
				 strcmp(rows[i].code, code) == 0))
		i = (i + 1) & (cap - 1);
	return &rows[i];
}

static void tally_free(struct tally *t)
{
	if (t->owned)
		free(t->rows);
}

static int tally_grow(struct tally *t)
{
	size_t cap = t->cap * 2;
	struct tally_row *rows = calloc(cap, sizeof *rows);

	if (!rows)
		return ug_fail(t->err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < t->cap; i++)
		if (t->rows[i].used)
			*tally_slot(rows, cap, t->rows[i].day, t->rows[i].kind,
				    t->rows[i].code) = t->rows[i];
	tally_free(t);
	t->rows = rows;
	t->owned = 1;
	t->cap = cap;
	return 0;
}

/* assess_count_cb: one more of `counter` for (the line's day, kind,
 * code); the row's `events` counts each line once. */
static int tally_count(void *ctx, enum assess_kind kind, const char *code,
		       enum assess_counter counter)
{
	struct tally *t = ctx;
	struct tally_row *r;
	int rc;

	if ((t->n + 1) * 2 > t->cap && (rc = tally_grow(t)))
		return rc;
	r = tally_slot(t->rows, t->cap, t->day, kind, code);
	if (!r->used) {
		r->used = 1;
		r->day = t->day;
		r->kind = kind;
		snprintf(r->code, sizeof r->code, "%s", code);
		t->n++;
	}
	if (r->line != t->line || r->counts.events == 0) {
		r->line = t->line;
		r->counts.events++;
	}
	r->counts.n[counter]++;
	return 0;
}

/* Add every row held to the tables and empty the tally. */
static int tally_flush(struct tally *t)
{
	int rc = 0;

	for (size_t i = 0; i < t->cap && t->n; i++) {
		struct tally_row *r = &t->rows[i];

		if (!r->used)
			continue;
		if (rc == 0)
			rc = store_assess_add(t->db, r->day,
					      assess_kind_names[r->kind], r->code,
					      &r->counts, t->err);
		t->written++;
		memset(r, 0, sizeof *r);
		t->n--;
	}
	return rc;
}

/* A tally over `rows` (cap of them, zeroed, a power of two), or over a
 * table of its own when rows is NULL (then tally_free() it). */
static int tally_init(struct tally *t, struct db *db, struct tally_row *rows,
		      size_t cap, size_t flush_at, struct ug_error *err)
{
	memset(t, 0, sizeof *t);
	t->db = db;
	t->cap = cap;
	t->flush_at = flush_at;
	t->err = err;
	t->rows = rows ? rows : calloc(cap, sizeof *t->rows);
	t->owned = !rows;
	return t->rows ? 0 : ug_fail(err, UG_ENOMEM, NULL, "out of memory");
}

/* ---- replaying lines ----------------------------------------------------- */

int32_t assess_day_of(int64_t t, int32_t utc_offset)
{
	int64_t local = t + utc_offset, days = local / 86400, y;
	unsigned m, d;

	if (local % 86400 < 0)
		days--;
	iso8601_civil_from_days(days, &y, &m, &d);
	return (int32_t)(y * 10000 + m * 100 + d);
}

struct walk {
	struct assess_case k;
	int started;
	int64_t only;      /* count this line alone (0: every line) */
	int32_t utc_offset;
	struct tally *t;
	struct assess_rebuild_result *res;
};

/* store_assess_line_cb: one line of the history, in case order. */
static int walk_line(void *ctx, const struct assess_line *l)
{
	struct walk *w = ctx;
	struct assess_event e;
	char beat[USERNAME_MAX + 1] = "";
	json_t *json;
	int rc;

	if (!w->started || l->case_id != w->k.id) {
		assess_case_start(&w->k, l);
		w->started = 1;
		if (w->res)
			w->res->cases++;
	}
	if (w->res)
		w->res->lines++;
	if (!assess_action_matters(l->action))
		return 0;
	assess_event_read(l, &e, &json);
	/* 漏报: whose beat held the place when the case was filed. */
	if (strcmp(l->action, "file") == 0 &&
	    (rc = store_beat_holder(w->t->db, w->k.place, l->at, beat,
				    w->t->err)) < 0) {
		json_decref(json);
		return rc;
	}
	e.beat_inspector = beat;
	w->t->day = assess_day_of(l->at, w->utc_offset);
	w->t->line = l->id;
	rc = assess_replay_line(&w->k, &e, !w->only || l->id == w->only,
				tally_count, w->t);
	json_decref(json);
	if (rc == 0 && w->t->flush_at && w->t->n >= w->t->flush_at)
		rc = tally_flush(w->t);
	return rc;
}

int assess_upkeep(struct db *db, int32_t utc_offset, const struct case_row *c,
		  const struct case_event_row *e, struct ug_error *err)
{
	struct assess_line l = {
		e->id, c->id, e->at, e->actor, e->actor_role, e->action,
		e->from_state, e->data, c->source, c->category, c->created_by,
		c->area,
	};
	/* A line touches at most two posts, its place, its category and its
	 * department: 16 rows keep the table at most half full, on the
	 * stack. */
	struct tally_row rows[16];
	struct tally t;
	struct walk w;
	int rc;

#ifdef ASSESS_UPKEEP_OFF
	/* Only for bench/intake-assess.sh: the same binary without the
	 * upkeep, to measure what it costs intake.  Never in a build that
	 * serves (the counters would drift from the history). */
	return 0;
#endif
	if (!assess_action_counts(e->action))
		return 0;
	memset(rows, 0, sizeof rows);
	if ((rc = tally_init(&t, db, rows, 16, 0, err)))
		return rc;
	memset(&w, 0, sizeof w);
	w.only = e->id;
	w.utc_offset = utc_offset;
	w.t = &t;
	/* A report is a case's first line: nothing before it to replay. */
	rc = strcmp(e->action, "report") == 0
		     ? walk_line(&w, &l)
		     : store_assess_history(db, c->id, walk_line, &w, err);
	if (rc == 0)
		rc = tally_flush(&t);
	tally_free(&t);
	return rc;
}

/* Replay the whole history into the emptied tables, in the caller's
 * write transaction. */
static int recount(struct db *db, int32_t utc_offset,
		   struct assess_rebuild_result *res, struct ug_error *err)
{
	struct tally t;
	struct walk w;
	int rc;

	memset(res, 0, sizeof *res);
	/* Rows are held until 65,536 of them, then written: a year of a
	 * city is millions of (day, dimension) rows, and counts add. */
	if ((rc = tally_init(&t, db, NULL, 1024, 65536, err)))
		return rc;
	memset(&w, 0, sizeof w);
	w.utc_offset = utc_offset;
	w.t = &t;
	w.res = res;
	if ((rc = store_assess_clear(db, err)) == 0 &&
	    (rc = store_assess_history(db, 0, walk_line, &w, err)) == 0)
		rc = tally_flush(&t);
	res->rows = t.written;
	tally_free(&t);
	return rc;
}

int assess_rebuild(struct db *db, int32_t utc_offset,
		   struct assess_rebuild_result *res, struct ug_error *err)
{
	int rc;

	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = recount(db, utc_offset, res, err)) ||
	    (rc = db_commit(db, err)))
		db_rollback(db);
	return rc;
}

int assess_check(struct db *db, int32_t utc_offset,
		 struct assess_rebuild_result *res, struct ug_error *err)
{
	int64_t differ = 0;
	int rc;

	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = store_assess_snapshot(db, err)) == 0 &&
	    (rc = recount(db, utc_offset, res, err)) == 0)
		rc = store_assess_compare(db, &differ, err);
	db_rollback(db);
	res->differ = differ;
	return rc;
}

int assess_sum(struct db *db, const char *kind, const char *code,
	       int prefix, int32_t from, int32_t to, struct assess_counts *out,
	       struct ug_error *err)
{
	/* The levels of the place are ranges of the place codes: a grid
	 * its own code (and, asked so, the codes under it), the others
	 * every code under theirs. */
	static const char *const levels[] = { "community", "street",
					      "district" };
	int k;

	if (!kind)
		kind = "";
	if (strcmp(kind, "grid") == 0) {
		kind = "place";
	} else {
		for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
			if (strcmp(kind, levels[i]) == 0) {
				kind = "place";
				prefix = 1;
			}
	}
	k = assess_kind_parse(kind);
	if (k < 0)
		return ug_fail(err, UG_EINVAL, "kind",
			       "kind must be inspector, receptionist, "
			       "shift_leader, dispatcher, department, place, "
			       "grid, community, street, district or category");
	return store_assess_sum(db, kind, code ? code : "", prefix, from, to,
				out, err);
}
