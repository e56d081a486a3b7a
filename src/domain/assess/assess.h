/*
 * assess.h - the counters of assessment (综合评价), kept as the history is
 * written and rebuilt from it.
 *
 * Every line of a case's history is written through the case module's
 * one function (domain/cases/case.c, event_insert), which calls
 * assess_upkeep() in the same transaction: the counters can never drift
 * from the history.  What counts what is one table (domain/assess/rules.c,
 * docs/assessment.md); the upkeep and assess_rebuild() both replay a
 * case's lines through it, so they cannot disagree either.  Days are the
 * city's local days (its UTC offset, struct case_env).
 */
#ifndef UG_ASSESS_H
#define UG_ASSESS_H

#include <stdint.h>

#include "domain/assess/rules.h"
#include "store/assess/assess.h"
#include "store/cases/cases.h"

/* Count line e of case c, just inserted (e->id set; c as it is after the
 * line), into the counters of its local day and month at utc_offset.  In
 * the caller's write transaction.  Lines of actions that count nothing
 * read nothing.  UG_ENOMEM, UG_EDB. */
int assess_upkeep(struct db *db, int32_t utc_offset, const struct case_row *c,
		  const struct case_event_row *e, struct ug_error *err);

struct assess_rebuild_result {
	int64_t cases;  /* cases replayed */
	int64_t lines;  /* history lines read */
	int64_t rows;   /* counter rows written (flushes may write a row
			   more than once) */
	int64_t differ; /* assess_check: rows that differ */
};

/* Recompute every counter from the whole history in one write
 * transaction (the tables are emptied first), at utc_offset. */
int assess_rebuild(struct db *db, int32_t utc_offset,
		   struct assess_rebuild_result *res, struct ug_error *err);

/* assess_rebuild() in the caller's write transaction: for a writer of
 * many lines at once (an import of case history, domain/cases/history.h)
 * that counts them all in one pass at its end rather than line by
 * line. */
int assess_recount(struct db *db, int32_t utc_offset,
		   struct assess_rebuild_result *res, struct ug_error *err);

/* Counting lines as a writer of many writes them (an import of case
 * history, domain/cases/history.h): each line just inserted is counted
 * in memory - the lines of a case in order, case after case, none of
 * them counted by the upkeep - and every counter row is added to the
 * tables once, in key order, by assess_batch_finish() (or, past about a
 * million rows held, by a flush on the way).  The history written
 * before is not read again: its counters are already kept. */
struct assess_batch;

int assess_batch_new(struct db *db, int32_t utc_offset,
		     struct assess_batch **out, struct ug_error *err);
/* Count line e of case c (as in assess_upkeep()). */
int assess_batch_line(struct assess_batch *b, const struct case_row *c,
		      const struct case_event_row *e, struct ug_error *err);
/* Add the rows held to the tables; *rows: how many were written in
 * all.  In the caller's write transaction. */
int assess_batch_finish(struct assess_batch *b, int64_t *rows,
			struct ug_error *err);
void assess_batch_free(struct assess_batch *b);

/* Recompute as assess_rebuild() does, compare with the counters kept,
 * and roll back: res->differ counts the day and month rows that are not
 * what the history says (0: none drifted). */
int assess_check(struct db *db, int32_t utc_offset,
		 struct assess_rebuild_result *res, struct ug_error *err);

/* Replaying a history read case by case (lines in case order): take
 * line l - a new case's first line starts k again (*started set, 1 in
 * *new_case) - then, when its action matters, read it (a filing with the
 * inspector whose beat held the place then: 漏报), count it against k
 * (cb for each counter when `count` is set) and take it into k.  The
 * upkeep, the rebuild and assess_hours() (hours.c) all read lines so.
 * Returns cb's first non-zero answer, UG_EDB, else 0. */
int assess_replay_next(struct db *db, struct assess_case *k, int *started,
		       const struct assess_line *l, int count, int *new_case,
		       assess_count_cb cb, void *ctx, struct ug_error *err);

/* The local day (YYYYMMDD) of instant t at utc_offset. */
int32_t assess_day_of(int64_t t, int32_t utc_offset);

/* The counters of dimension `kind` and `code` (every code under it when
 * `prefix` is set) summed over the local days [from, to] (YYYYMMDD).
 * kind is one of assess_kind_names, or grid, community, street or
 * district: the place rows of that code (a grid's own, every code under
 * the others').  UG_EINVAL naming "kind" for an unknown kind. */
int assess_sum(struct db *db, const char *kind, const char *code,
	       int prefix, int32_t from, int32_t to, struct assess_counts *out,
	       struct ug_error *err);

#endif
