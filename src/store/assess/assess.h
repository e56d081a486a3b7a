/*
 * assess.h - storage of the assessment counters (综合评价): the rows of
 * assess_day and assess_month (schema 0014), and the history as the
 * counting reads it (store/assess/assess.c).
 *
 * The counters are columns, one list below (ASSESS_COUNTERS) that the
 * SQL, the domain's rules (domain/assess/rules.c) and the tests all
 * expand, so a counter cannot be in one and missing from another.  What
 * each counts is the domain's business and docs/assessment.md's.
 * Conventions in store/common.h.
 */
#ifndef UG_STORE_ASSESS_H
#define UG_STORE_ASSESS_H

#include "store/common.h"

/* X(column, 中文) - in the order of the table's columns. */
#define ASSESS_COUNTERS(X)                                               \
	X(reported, "上报数")                                            \
	X(valid_reported, "有效上报数")                                  \
	X(valid_public, "公众举报立案数")                                \
	X(missed, "漏报数")                                              \
	X(filed, "立案数")                                               \
	X(filed_on_time, "按时立案数")                                   \
	X(rejected, "不予立案数")                                        \
	X(merged, "合并数")                                              \
	X(voided, "作废数")                                              \
	X(filed_voided, "立案后作废数")                                  \
	X(verify_sent, "发核实数")                                       \
	X(verify_sent_on_time, "按时发核实数")                           \
	X(verify_assigned, "应核实数")                                   \
	X(verified, "核实数")                                            \
	X(verified_on_time, "按时核实数")                                \
	X(check_sent, "发核查数")                                        \
	X(checked, "核查数")                                             \
	X(checked_on_time, "按时核查数")                                 \
	X(dispatched, "派遣数")                                          \
	X(dispatched_on_time, "按时派遣数")                              \
	X(dispatched_correctly, "准确派遣数")                            \
	X(returned, "回退数")                                            \
	X(to_handle, "应处置数")                                         \
	X(handled, "处置数")                                             \
	X(handled_on_time, "按时处置数")                                 \
	X(overdue, "超时未处置数")                                       \
	X(rework, "返工数")                                              \
	X(extended, "延期数")                                            \
	X(hung, "挂账数")                                                \
	X(to_close, "应结案数")                                          \
	X(closed, "结案数")                                              \
	X(closed_on_time, "按时结案数")                                  \
	X(satisfied, "满意数")                                           \
	X(basically_satisfied, "基本满意数")                             \
	X(dissatisfied, "不满意数")

enum assess_counter {
#define ASSESS_ENUM(name, zh) AC_##name,
	ASSESS_COUNTERS(ASSESS_ENUM)
#undef ASSESS_ENUM
	AC_COUNT
};

/* What one row of counters adds up: a dimension's day (or month). */
struct assess_counts {
	int64_t events;       /* history lines counted in the row */
	int64_t n[AC_COUNT];  /* by enum assess_counter */
};

#define ASSESS_KIND_MAX 16

/* The month rows kept (schema 0025).  Every kind keeps its own, but for
 * two: places and categories keep day rows only, and a month of theirs
 * sums its days.  In their place, the month rows of kind "area" hold the
 * sums of the place day rows by their code's first ASSESS_AREA_LEN
 * characters - a grid's community, or a place coded above a community (a
 * street's or a district's own code) under its whole code - so that a
 * month of a community, a street or a district reads its communities'
 * rows: the 17 streets of a district of 6,000 grids are a month's 170
 * rows, not its grids' 180,000 day rows.  Why not a row per level and a
 * month row per category: a report is then 3 rows written, not 6, which
 * is most of what the counters cost intake (bench/README.md,
 * "intake-assess.sh"). */
#define ASSESS_AREA_KIND "area"
#define ASSESS_AREA_LEN 12

/* 1 when `kind` keeps month rows of its own (not "place", "category"). */
int store_assess_keeps_months(const char *kind);

/* Add `add` to the row (period, kind, code) of assess_month (month set:
 * period is YYYYMM) or of assess_day (period is a local date YYYYMMDD),
 * creating it at 0.  One row of one table: the caller adds to the day,
 * the month and the levels (domain/assess/assess.c).  In the caller's
 * transaction. */
int store_assess_add(struct db *db, int month, int32_t period,
		     const char *kind, const char *code,
		     const struct assess_counts *add, struct ug_error *err);

/* Empty both tables (the start of a rebuild, in its transaction). */
int store_assess_clear(struct db *db, struct ug_error *err);

/* The sum of the rows of `kind` whose code is `code` - or, when prefix
 * is set, starts with it - over the local days [from, to] (YYYYMMDD,
 * both included), into *out.  Whole months in between are read from
 * assess_month: for "place", from the area rows when prefix is set and
 * code is no longer than theirs; for the other places and for
 * categories every day is read. */
int store_assess_sum(struct db *db, const char *kind, const char *code,
		     int prefix, int32_t from, int32_t to,
		     struct assess_counts *out, struct ug_error *err);

/* The rows of the two tables that differ from the copy taken by
 * store_assess_snapshot() (in either direction), counted into *rows.
 * Both in the caller's transaction: the copy is a temporary table gone
 * with the connection. */
int store_assess_snapshot(struct db *db, struct ug_error *err);
int store_assess_compare(struct db *db, int64_t *rows, struct ug_error *err);

/* One history line with what the counting needs of its case.  The
 * strings live until the callback returns. */
struct assess_line {
	int64_t id;          /* case_event.id */
	int64_t case_id;
	int64_t at;
	const char *actor, *actor_role, *action, *from_state;
	const char *data;    /* the line's JSON */
	/* the case as it is now: what no line changes */
	const char *source, *category, *created_by;
	const char *area;    /* the most precise division known now */
};
typedef int (*store_assess_line_cb)(void *ctx, const struct assess_line *l);

/* The history of case `case_id` in order - or, with case_id 0, of every
 * case, case by case. */
int store_assess_history(struct db *db, int64_t case_id,
			 store_assess_line_cb cb, void *ctx,
			 struct ug_error *err);
/* The whole history, in order case by case, of the cases that have a
 * line at an instant in [from, to) (domain/assess/hours.c). */
int store_assess_history_touched(struct db *db, int64_t from, int64_t to,
				 store_assess_line_cb cb, void *ctx,
				 struct ug_error *err);

/* ---- rankings (domain/assess/rank.c) ------------------------------- */

/* The rows of `kind` over the local days [from, to] whose code starts
 * with `prefix` ("" for all) - with level_len > 0, those at least that
 * long, cut to their first level_len characters (the place rows of a
 * level: 12 for communities, 9 for streets, 6 for districts) - summed
 * per code and day or month (whole months from assess_month, the days
 * at either end from assess_day), to cb: a code comes once per day or
 * month it has rows in, and the caller adds them up.  Places keep no
 * month rows of their own: a whole month of a level (level_len no more
 * than ASSESS_AREA_LEN, and a prefix no longer) is read from the area
 * rows, the other place reads (grids) take every day from assess_day, as
 * categories do. */
typedef int (*store_assess_group_cb)(void *ctx, const char *code,
				     const struct assess_counts *c);
int store_assess_group(struct db *db, const char *kind, const char *prefix,
		       int level_len, int32_t from, int32_t to,
		       store_assess_group_cb cb, void *ctx,
		       struct ug_error *err);

/* What is ranked, as it exists now: accounts of a post ("inspector"...),
 * "department", "grid" or a division level ("community", "street",
 * "district"), whose code - for an account, whose unit - starts with
 * `prefix`; for "department", those serving a division that starts with
 * prefix or that prefix starts with (every one for ""). */
struct assess_unit {
	const char *code, *name;
	const char *unit;   /* an account's unit; "" otherwise */
	int64_t grids;      /* grids in an area (a grid: 1) */
};
typedef int (*store_assess_unit_cb)(void *ctx, const struct assess_unit *u);
int store_assess_units(struct db *db, const char *what, const char *prefix,
		       store_assess_unit_cb cb, void *ctx,
		       struct ug_error *err);

/* ---- the scheme's versions (schema 0015) ----------------------------- */

struct assess_scheme_row {
	int64_t version, effective_at, created_at;
	const char *created_by;
	const char *body;   /* the scheme as JSON */
};
typedef int (*store_assess_scheme_cb)(void *ctx,
				      const struct assess_scheme_row *r);

/* The version in force at `at` (the highest numbered whose effective_at
 * is at or before it) to cb; nothing (0, cb not called) when none is. */
int store_assess_scheme_at(struct db *db, int64_t at,
			   store_assess_scheme_cb cb, void *ctx,
			   struct ug_error *err);
/* Every version, newest first, to cb. */
int store_assess_scheme_list(struct db *db, store_assess_scheme_cb cb,
			     void *ctx, struct ug_error *err);
/* The last version's number and effective instant (0 and 0: none). */
int store_assess_scheme_last(struct db *db, int64_t *version,
			     int64_t *effective_at, struct ug_error *err);
/* Add version *version (the last + 1, set here). */
int store_assess_scheme_add(struct db *db, int64_t effective_at,
			    const char *body, const char *created_by,
			    int64_t created_at, int64_t *version,
			    struct ug_error *err);

/* ---- the published red and black lists (schema 0021) ---------------- */

struct honours_row {
	int64_t id, version, scheme_version, published_at;
	int32_t period_from, period_to;
	const char *kind, *period_name, *area;
	const char *body;          /* the list as drafted, JSON */
	const char *comment;       /* NULL: none */
	const char *published_by;
};
typedef int (*store_honours_cb)(void *ctx, const struct honours_row *r);

/* Add r as the next version of (kind, period_from, period_to, area): the
 * version (the last + 1, from 1) and the id into r.  In the caller's
 * write transaction. */
int store_honours_add(struct db *db, struct honours_row *r,
		      struct ug_error *err);

/* The published lists, newest first, whose kind is `kind` (NULL: any)
 * and whose period is [from, to] (from 0: any) - every version, or with
 * latest set the last of each (kind, period, area) - to cb. */
int store_honours_list(struct db *db, const char *kind, int32_t from,
		       int32_t to, int latest, store_honours_cb cb, void *ctx,
		       struct ug_error *err);

#endif
