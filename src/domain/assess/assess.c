/*
 * assess.c - the counters kept as lines are written, and rebuilt from the
 * whole history (see assess.h).  Both replay a case's lines through the
 * rules (rules.c) into a tally - counts by local day and by month,
 * dimension and code; for a place by day, and the month row of its area;
 * for a category by day - that is then added to the tables in key order:
 * one write per row touched.  An import counts its new lines through the
 * same tally as it writes them (assess_batch_*).
 */
#include "domain/assess/assess.h"

#include <stdlib.h>
#include <string.h>

#include "lib/iso8601.h"
#include "lib/util.h"
#include "store/patrol/patrol.h"

/* ---- the tally ---------------------------------------------------------- */

/* The kinds of the tally: the dimensions (enum assess_kind), then the
 * area rows of places (store/assess/assess.h), month rows only. */
enum { TK_AREA = AK_COUNT, TK_COUNT };

static const char *tally_kind_name(int kind)
{
	return kind < AK_COUNT ? assess_kind_names[kind] : ASSESS_AREA_KIND;
}

/* A row of one table: a day's (month 0) or a month's. */
struct tally_row {
	int32_t period;               /* YYYYMMDD, or YYYYMM */
	int8_t month;
	int8_t kind;                  /* TK_* */
	char code[ASSESS_PERSON_MAX]; /* a username or a code */
	int64_t line;                 /* the last line counted in it */
	struct assess_counts counts;
};

/* The rows in the order they came, found through an open-addressing
 * table of slots - the row's index + 1 (0: empty) and the top half of
 * its hash, so that a probe rarely reads a row it does not want - a
 * power of two kept at most half full: a year of a city is millions of
 * rows. */
struct tally {
	struct db *db;
	struct tally_row *rows;
	size_t n, rows_cap;
	uint64_t *slots;
	size_t cap;
	size_t flush_at;   /* rows held before they are written (0: grow) */
	int32_t day;       /* of the line being counted */
	int64_t line;
	int64_t written;
	struct ug_error *err;
	/* The row each kind's day (0) and month (1) took last, index + 1:
	 * a line's counters come one after the other for the same rows. */
	size_t last[TK_COUNT][2];
};

static uint64_t row_hash(int32_t period, int month, int kind,
			 const char *code)
{
	uint64_t h = ug_hash_more(UG_HASH_START, code);

	h ^= (uint64_t)(uint32_t)period << 8 ^ (uint64_t)(kind * 2 + month);
	/* Mixed so that the low bits (the slot) depend on every input. */
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* The slot of row (period, month, kind, code): the row's index + 1 in
 * its low half, or 0 where it would go. */
static uint64_t *tally_slot(const struct tally *t, uint64_t h, int32_t period,
			    int month, int kind, const char *code)
{
	uint64_t tag = h >> 32 << 32;

	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		const struct tally_row *r;

		if (!t->slots[i])
			return &t->slots[i];
		if ((t->slots[i] & ~0xffffffffULL) != tag)
			continue;
		r = &t->rows[(t->slots[i] & 0xffffffffULL) - 1];
		if (r->period == period && r->month == month &&
		    r->kind == kind && strcmp(r->code, code) == 0)
			return &t->slots[i];
	}
}

static void tally_free(struct tally *t)
{
	free(t->rows);
	free(t->slots);
	t->rows = NULL;
	t->slots = NULL;
}

/* Room for one more row. */
static int tally_room(struct tally *t)
{
	if (t->n == t->rows_cap) {
		size_t cap = t->rows_cap * 2;
		struct tally_row *rows = realloc(t->rows, cap * sizeof *rows);

		if (!rows)
			return ug_fail(t->err, UG_ENOMEM, NULL, "out of memory");
		t->rows = rows;
		t->rows_cap = cap;
	}
	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap * 2;
		uint64_t *slots = calloc(cap, sizeof *slots);

		if (!slots)
			return ug_fail(t->err, UG_ENOMEM, NULL, "out of memory");
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
		for (size_t i = 0; i < t->n; i++) {
			const struct tally_row *r = &t->rows[i];
			uint64_t h = row_hash(r->period, r->month, r->kind,
					      r->code);

			*tally_slot(t, h, r->period, r->month, r->kind,
				    r->code) = (h >> 32 << 32) | (i + 1);
		}
	}
	return 0;
}

/* One more of `counter` in row (period, month, kind, code); the row's
 * `events` counts each line once. */
static int tally_add(struct tally *t, int32_t period, int month, int kind,
		     const char *code, enum assess_counter counter)
{
	size_t *last = &t->last[kind][month];
	struct tally_row *r = *last ? &t->rows[*last - 1] : NULL;

	if (!r || r->period != period || strcmp(r->code, code) != 0) {
		uint64_t *slot, h = row_hash(period, month, kind, code);
		int rc;

		if ((rc = tally_room(t)))
			return rc;
		slot = tally_slot(t, h, period, month, kind, code);
		if (!*slot) {
			r = &t->rows[t->n];
			r->period = period;
			r->month = (int8_t)month;
			r->kind = (int8_t)kind;
			UG_COPY(r->code, code);
			r->line = 0;
			memset(&r->counts, 0, sizeof r->counts);
			*slot = (h >> 32 << 32) | ++t->n;
		}
		*last = (size_t)(*slot & 0xffffffffULL);
		r = &t->rows[*last - 1];
	}
	if (r->line != t->line || r->counts.events == 0) {
		r->line = t->line;
		r->counts.events++;
	}
	r->counts.n[counter]++;
	return 0;
}

/* assess_count_cb: the line's day and month rows of (kind, code) - for
 * a place its day row and the month row of its area, for a category its
 * day row alone (store_assess_keeps_months).  Why: a report at a random
 * place of a city of 6,000 grids touches the day's place rows and its
 * category's, and every row a report writes is an upsert and often a
 * page of the log at its commit, which were most of what the counters
 * cost intake (bench/README.md, "intake-assess.sh").  A month of a level
 * reads its area rows; a month of grids or of a category, which no
 * target asks to be fast, sums their days (store_assess_group). */
static int tally_count(void *ctx, enum assess_kind kind, const char *code,
		       enum assess_counter counter)
{
	struct tally *t = ctx;
	char area[ASSESS_AREA_LEN + 1];
	int rc;

	if ((rc = tally_add(t, t->day, 0, (int)kind, code, counter)))
		return rc;
	if (kind == AK_PLACE) {
		UG_COPY(area, code);
		return tally_add(t, t->day / 100, 1, TK_AREA, area, counter);
	}
	if (!store_assess_keeps_months(assess_kind_names[kind]))
		return 0;
	return tally_add(t, t->day / 100, 1, (int)kind, code, counter);
}

/* The order of the tables' keys: day rows, then month rows, each by
 * (period, kind, code) - written so, each row once, the inserts walk
 * the trees in order. */
static int row_order(const void *a, const void *b)
{
	const struct tally_row *x = *(const struct tally_row *const *)a;
	const struct tally_row *y = *(const struct tally_row *const *)b;
	int c;

	if (x->month != y->month)
		return x->month - y->month;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	if ((c = strcmp(tally_kind_name(x->kind), tally_kind_name(y->kind))))
		return c;
	return strcmp(x->code, y->code);
}

/* Add every row held to the tables, in key order, and empty the
 * tally. */
static int tally_flush(struct tally *t)
{
	const struct tally_row **order;
	int rc = 0;

	if (!t->n)
		return 0;
	if (!(order = malloc(t->n * sizeof *order)))
		return ug_fail(t->err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < t->n; i++)
		order[i] = &t->rows[i];
	qsort(order, t->n, sizeof *order, row_order);
	for (size_t i = 0; rc == 0 && i < t->n; i++)
		rc = store_assess_add(t->db, order[i]->month, order[i]->period,
				      tally_kind_name(order[i]->kind),
				      order[i]->code, &order[i]->counts,
				      t->err);
	free(order);
	t->written += (int64_t)t->n;
	t->n = 0;
	memset(t->slots, 0, t->cap * sizeof *t->slots);
	memset(t->last, 0, sizeof t->last);
	return rc;
}

/* A tally room for `cap` rows before it grows (a power of two). */
static int tally_init(struct tally *t, struct db *db, size_t cap,
		      size_t flush_at, struct ug_error *err)
{
	memset(t, 0, sizeof *t);
	t->db = db;
	t->rows_cap = cap;
	t->cap = cap * 2;
	t->flush_at = flush_at;
	t->err = err;
	t->rows = malloc(cap * sizeof *t->rows);
	t->slots = calloc(t->cap, sizeof *t->slots);
	if (t->rows && t->slots)
		return 0;
	tally_free(t);
	return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
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

int assess_replay_next(struct db *db, struct assess_case *k, int *started,
		       const struct assess_line *l, int count, int *new_case,
		       assess_count_cb cb, void *ctx, struct ug_error *err)
{
	struct assess_event e;
	char beat[USERNAME_MAX + 1] = "";
	json_t *json;
	int rc;

	*new_case = !*started || l->case_id != k->id;
	if (*new_case) {
		assess_case_start(k, l);
		*started = 1;
	}
	if (!assess_action_matters(l->action))
		return 0;
	assess_event_read(l, &e, &json);
	/* 漏报: whose beat held the place when the case was filed. */
	if (strcmp(l->action, "file") == 0 &&
	    (rc = store_beat_holder(db, k->place, l->at, beat, err)) < 0) {
		json_decref(json);
		return rc;
	}
	e.beat_inspector = beat;
	rc = assess_replay_line(k, &e, count, cb, ctx);
	json_decref(json);
	return rc;
}

/* store_assess_line_cb: one line of the history, in case order. */
static int walk_line(void *ctx, const struct assess_line *l)
{
	struct walk *w = ctx;
	int rc, new_case;

	w->t->day = assess_day_of(l->at, w->utc_offset);
	w->t->line = l->id;
	rc = assess_replay_next(w->t->db, &w->k, &w->started, l,
				!w->only || l->id == w->only, &new_case,
				tally_count, w->t, w->t->err);
	if (w->res) {
		w->res->cases += new_case;
		w->res->lines++;
	}
	if (rc == 0 && w->t->flush_at && w->t->n >= w->t->flush_at)
		rc = tally_flush(w->t);
	return rc;
}

/* Line e of case c as the counting reads it. */
static struct assess_line line_of(const struct case_row *c,
				  const struct case_event_row *e)
{
	struct assess_line l = {
		e->id, c->id, e->at, e->actor, e->actor_role, e->action,
		e->from_state, e->data, c->source, c->category, c->created_by,
		c->area,
	};

	return l;
}

/* The rows of the tallies the transactions of a commit deferred, added
 * up and written once (db_defer): a batch of reports from many
 * inspectors and places shares its district, street, category and
 * person rows, which are then written once for the batch. */
static int tally_merge(struct tally *t, const struct tally *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct tally_row *r = &from->rows[i];
		uint64_t *slot, h = row_hash(r->period, r->month, r->kind,
					     r->code);
		struct tally_row *to;
		int rc;

		if ((rc = tally_room(t)))
			return rc;
		slot = tally_slot(t, h, r->period, r->month, r->kind, r->code);
		if (!*slot) {
			t->rows[t->n] = *r;
			*slot = (h >> 32 << 32) | ++t->n;
			continue;
		}
		to = &t->rows[(*slot & 0xffffffffULL) - 1];
		to->counts.events += r->counts.events;
		for (int k = 0; k < AC_COUNT; k++)
			to->counts.n[k] += r->counts.n[k];
	}
	return 0;
}

static int deferred_flush(struct db *db, void *const *items, size_t n,
			  struct ug_error *err)
{
	struct tally all;
	size_t rows = 0, cap = 16;
	int rc;

	for (size_t i = 0; i < n; i++)
		rows += ((const struct tally *)items[i])->n;
	while (cap < rows)
		cap *= 2;
	if ((rc = tally_init(&all, db, cap, 0, err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = tally_merge(&all, items[i]);
	if (rc == 0)
		rc = tally_flush(&all);
	tally_free(&all);
	return rc;
}

static void deferred_drop(void *item)
{
	struct tally *t = item;

	tally_free(t);
	free(t);
}

static const struct db_deferred_ops deferred_counts = {
	.flush = deferred_flush,
	.drop = deferred_drop,
};

int assess_upkeep(struct db *db, int32_t utc_offset, const struct case_row *c,
		  const struct case_event_row *e, struct ug_error *err)
{
	struct assess_line l = line_of(c, e);
	struct tally *t;
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
	/* A line touches at most two posts, its place and its levels, its
	 * category and its department: 16 rows without growing. */
	if (!(t = malloc(sizeof *t)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = tally_init(t, db, 16, 0, err))) {
		free(t);
		return rc;
	}
	memset(&w, 0, sizeof w);
	w.only = e->id;
	w.utc_offset = utc_offset;
	w.t = t;
	/* A report is a case's first line: nothing before it to replay. */
	rc = strcmp(e->action, "report") == 0
		     ? walk_line(&w, &l)
		     : store_assess_history(db, c->id, walk_line, &w, err);
	if (rc) {
		deferred_drop(t);
		return rc;
	}
	/* Written at the commit, with the rows of the other transactions
	 * committed with this one (db.h, db_defer). */
	t->err = NULL;	/* the caller's, gone once this returns */
	return db_defer(db, &deferred_counts, t, err);
}

struct assess_batch {
	struct tally t;
	struct walk w;
	int64_t lines; /* the lines' own numbers: their ids are not read */
};

int assess_batch_new(struct db *db, int32_t utc_offset,
		     struct assess_batch **out, struct ug_error *err)
{
	struct assess_batch *b = calloc(1, sizeof *b);
	int rc;

	*out = NULL;
	if (!b)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = tally_init(&b->t, db, 1024, 1 << 20, err))) {
		free(b);
		return rc;
	}
	b->w.utc_offset = utc_offset;
	b->w.t = &b->t;
	*out = b;
	return 0;
}

int assess_batch_line(struct assess_batch *b, const struct case_row *c,
		      const struct case_event_row *e, struct ug_error *err)
{
	struct assess_line l = line_of(c, e);

	/* A number of the line's own: the writer need not read back ids
	 * (the counting tells lines apart by it, nothing more). */
	l.id = ++b->lines;
	b->t.err = err;
	return walk_line(&b->w, &l);
}

int assess_batch_finish(struct assess_batch *b, int64_t *rows,
			struct ug_error *err)
{
	int rc;

	b->t.err = err;
	rc = tally_flush(&b->t);
	*rows = b->t.written;
	return rc;
}

void assess_batch_free(struct assess_batch *b)
{
	if (!b)
		return;
	tally_free(&b->t);
	free(b);
}

int assess_recount(struct db *db, int32_t utc_offset,
		   struct assess_rebuild_result *res, struct ug_error *err)
{
	struct tally t;
	struct walk w;
	int rc;

	memset(res, 0, sizeof *res);
	/* Rows are held until 1,048,576 of them (about 400 MB), then
	 * written in order: a year of a city is millions of (day,
	 * dimension) rows, and counts add. */
	if ((rc = tally_init(&t, db, 1024, 1 << 20, err)))
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
	if ((rc = assess_recount(db, utc_offset, res, err)) ||
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
	    (rc = assess_recount(db, utc_offset, res, err)) == 0)
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
