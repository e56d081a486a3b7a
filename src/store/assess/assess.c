/*
 * assess.c - SQL of the assessment counters (see store/assess/assess.h):
 * the upkeep's upsert, the sums, the rebuild's snapshot and comparison,
 * and the history as the counting reads it.  Every statement's column
 * list is expanded from ASSESS_COUNTERS, so the SQL has one column per
 * counter by construction.
 */
#include <stdio.h>
#include <string.h>

#include "lib/iso8601.h"
#include "store/assess/assess.h"

#define COLUMN(name, zh) ", " #name
#define VALUE(name, zh) ", ?"
#define ADD(name, zh) #name " = " #name " + excluded." #name ", "
#define SUM(name, zh) ", SUM(" #name ")"

/* Every counter is bound, 0 included: leaving the zeros unbound behind
 * ifnull(?, 0) measured three times slower per row. */
#define UPSERT(table, key)                                                 \
	"INSERT INTO " table " (" key ", kind, code, events"               \
	ASSESS_COUNTERS(COLUMN) ") VALUES (?, ?, ?, ?"                    \
	ASSESS_COUNTERS(VALUE) ") ON CONFLICT (" key ", kind, code)"       \
	" DO UPDATE SET " ASSESS_COUNTERS(ADD) "events = events + excluded.events"

static const char SQL_ADD_DAY[] = UPSERT("assess_day", "day");
static const char SQL_ADD_MONTH[] = UPSERT("assess_month", "month");

/* Most rows a line adds to move one counter (a report: `reported`):
 * for those, statements that name that column alone, which rewrite a
 * row measurably faster than adding 0 to the other 34. */
#define UPSERT_ONE(table, key, name)                                      \
	"INSERT INTO " table " (" key ", kind, code, events, " #name ")"  \
	" VALUES (?, ?, ?, ?, ?) ON CONFLICT (" key ", kind, code)"       \
	" DO UPDATE SET " #name " = " #name " + excluded." #name ","      \
	" events = events + excluded.events"
#define UPDATE_ONE(table, key, name)                                      \
	"UPDATE " table " SET " #name " = " #name " + ?5,"                \
	" events = events + ?4 WHERE " key " = ?1 AND kind = ?2"          \
	" AND code = ?3"
#define ONE_DAY(name, zh) UPSERT_ONE("assess_day", "day", name),
#define ONE_MONTH(name, zh) UPSERT_ONE("assess_month", "month", name),
#define UPDATE_DAY(name, zh) UPDATE_ONE("assess_day", "day", name),
#define UPDATE_MONTH(name, zh) UPDATE_ONE("assess_month", "month", name),
static const char *const SQL_ADD_ONE_DAY[AC_COUNT] = {
	ASSESS_COUNTERS(ONE_DAY)
};
static const char *const SQL_ADD_ONE_MONTH[AC_COUNT] = {
	ASSESS_COUNTERS(ONE_MONTH)
};
static const char *const SQL_UPDATE_ONE_DAY[AC_COUNT] = {
	ASSESS_COUNTERS(UPDATE_DAY)
};
static const char *const SQL_UPDATE_ONE_MONTH[AC_COUNT] = {
	ASSESS_COUNTERS(UPDATE_MONTH)
};

/* The one counter `add` moves, or -1 when it moves several. */
static int only_counter(const struct assess_counts *add)
{
	int only = -1;

	for (int i = 0; i < AC_COUNT; i++)
		if (add->n[i]) {
			if (only >= 0)
				return -1;
			only = i;
		}
	return only;
}

static int add_row(struct db *db, int month, int32_t period,
		   const char *kind, const char *code,
		   const struct assess_counts *add, struct ug_error *err)
{
	int one = only_counter(add);
	const char *sql = one < 0 ? (month ? SQL_ADD_MONTH : SQL_ADD_DAY)
			  : month ? SQL_ADD_ONE_MONTH[one]
				  : SQL_ADD_ONE_DAY[one];
	struct db_stmt *st;
	int rc;

	/* A row that is there takes an UPDATE: half the program of the
	 * upsert (105 steps against 221: the upsert builds and checks the
	 * whole new row before it finds the old one), 14 % fewer
	 * instructions over the rows of a report.  A place's day row is
	 * most often its grid's first of the day: the upsert at once. */
	if (one >= 0 && (month || strcmp(kind, "place") != 0)) {
		if ((rc = db_run(db, month ? SQL_UPDATE_ONE_MONTH[one]
					   : SQL_UPDATE_ONE_DAY[one],
				 DB_ARGS(DB_INT(period), DB_TEXT(kind),
					 DB_TEXT(code), DB_INT(add->events),
					 DB_INT(add->n[one])),
				 err)) < 0)
			return rc;
		if (db_changes(db) > 0)
			return 0;
	}
	/* The key and the events, then the counters: one, or every one. */
	if ((rc = db_prepare_args(db, sql,
				  DB_ARGS(DB_INT(period), DB_TEXT(kind),
					  DB_TEXT(code), DB_INT(add->events)),
				  &st, err)))
		return rc;
	if (one >= 0)
		rc = db_bind_int64(st, 5, add->n[one], err);
	for (int i = 0; one < 0 && rc == 0 && i < AC_COUNT; i++)
		rc = db_bind_int64(st, 5 + i, add->n[i], err);
	if (rc == 0)
		rc = db_step(st, err);
	return rc < 0 ? rc : 0;
}

int store_assess_add(struct db *db, int month, int32_t period,
		     const char *kind, const char *code,
		     const struct assess_counts *add, struct ug_error *err)
{
	return add_row(db, month, period, kind, code, add, err);
}

int store_assess_keeps_months(const char *kind)
{
	return strcmp(kind, "place") != 0 && strcmp(kind, "category") != 0;
}

int store_assess_clear(struct db *db, struct ug_error *err)
{
	return db_exec(db, "DELETE FROM assess_day; DELETE FROM assess_month",
		       err);
}

/* ---- sums ------------------------------------------------------------ */

/* The last day (28-31) of month ym (YYYYMM). */
static int32_t month_end(int32_t ym)
{
	int64_t y = ym / 100;
	unsigned m = (unsigned)(ym % 100);
	int64_t first = iso8601_days_from_civil(y, m, 1);
	int64_t next = m == 12 ? iso8601_days_from_civil(y + 1, 1, 1)
			       : iso8601_days_from_civil(y, m + 1, 1);

	return (int32_t)(next - first);
}

static int32_t month_next(int32_t ym)
{
	return ym % 100 == 12 ? (ym / 100 + 1) * 100 + 1 : ym + 1;
}

static int32_t month_prev(int32_t ym)
{
	return ym % 100 == 1 ? (ym / 100 - 1) * 100 + 12 : ym - 1;
}

/* The next day after YYYYMMDD. */
static int32_t day_next(int32_t day)
{
	return day % 100 < month_end(day / 100) ? day + 1
						: month_next(day / 100) * 100 + 1;
}

/* One day's or month's rows: the period is an equality, so the key
 * (period, kind, code) finds the code's row, or its prefix's range,
 * without reading the period's rows of every other kind and code. */
#define SUM_OF(table, key, codes)                                          \
	"SELECT SUM(events)" ASSESS_COUNTERS(SUM) " FROM " table            \
	" WHERE " key " = ? AND kind = ? AND " codes

static const char SQL_SUM_DAY[] = SUM_OF("assess_day", "day", "code = ?");
static const char SQL_SUM_DAY_PREFIX[] =
	SUM_OF("assess_day", "day", "code >= ? AND code < ?");
static const char SQL_SUM_MONTH[] =
	SUM_OF("assess_month", "month", "code = ?");
static const char SQL_SUM_MONTH_PREFIX[] =
	SUM_OF("assess_month", "month", "code >= ? AND code < ?");

/* Add the sum of one table's rows over [from, to] (days, or months) to
 * *out, a day or a month at a time. */
static int sum_rows(struct db *db, int month, const char *kind,
		    const char *code, int prefix, int32_t from, int32_t to,
		    struct assess_counts *out, struct ug_error *err)
{
	const char *sql = month ? (prefix ? SQL_SUM_MONTH_PREFIX : SQL_SUM_MONTH)
				: (prefix ? SQL_SUM_DAY_PREFIX : SQL_SUM_DAY);
	char upper[CODE_MAX + 2];
	struct db_stmt *st;
	int rc = 0;

	/* Codes are ASCII: every code that starts with the prefix sorts
	 * below the prefix followed by DEL. */
	snprintf(upper, sizeof upper, "%s\x7f", code);
	for (int32_t p = from; rc == 0 && p <= to;
	     p = month ? month_next(p) : day_next(p)) {
		rc = prefix ? db_row(db, sql,
				     DB_ARGS(DB_INT(p), DB_TEXT(kind),
					     DB_TEXT(code), DB_TEXT(upper)),
				     &st, err)
			    : db_row(db, sql,
				     DB_ARGS(DB_INT(p), DB_TEXT(kind),
					     DB_TEXT(code)),
				     &st, err);
		if (rc < 0)
			return rc;
		out->events += db_column_int64(st, 0);
		for (int i = 0; i < AC_COUNT; i++)
			out->n[i] += db_column_int64(st, 1 + i);
		db_reset(st);
		rc = 0;
	}
	return rc;
}

/* A range of days [from, to] read as the days before its first whole
 * month, its whole months and the days after them: each part's range is
 * empty (lo > hi) when there is none. */
struct day_split {
	int32_t day_lo, day_hi;     /* the days at the start */
	int32_t month_lo, month_hi; /* the whole months */
	int32_t tail_lo, tail_hi;   /* the days at the end */
};

static void day_split(int32_t from, int32_t to, struct day_split *p)
{
	/* The whole months inside [from, to]: first..last. */
	int32_t first = from % 100 == 1 ? from / 100 : month_next(from / 100);
	int32_t last = to % 100 == month_end(to / 100) ? to / 100
						       : month_prev(to / 100);

	if (first > last) {
		*p = (struct day_split){ from, to, 1, 0, 1, 0 };
		return;
	}
	*p = (struct day_split){ from, first * 100, first, last,
				 month_next(last) * 100 + 1, to };
}

int store_assess_sum(struct db *db, const char *kind, const char *code,
		     int prefix, int32_t from, int32_t to,
		     struct assess_counts *out, struct ug_error *err)
{
	const char *month_kind = kind;
	struct day_split p;
	int rc;

	memset(out, 0, sizeof *out);
	if (strcmp(kind, "place") == 0 && prefix &&
	    strlen(code) <= ASSESS_AREA_LEN) {
		/* Every code under it: the area rows under it. */
		month_kind = ASSESS_AREA_KIND;
	} else if (!store_assess_keeps_months(kind)) {
		return sum_rows(db, 0, kind, code, prefix, from, to, out, err);
	}
	day_split(from, to, &p);
	if ((rc = sum_rows(db, 0, kind, code, prefix, p.day_lo, p.day_hi, out,
			   err)) ||
	    (rc = sum_rows(db, 1, month_kind, code, prefix, p.month_lo,
			   p.month_hi, out, err)))
		return rc;
	return sum_rows(db, 0, kind, code, prefix, p.tail_lo, p.tail_hi, out,
			err);
}

/* ---- rankings -------------------------------------------------------- */

/* One day's or month's rows of a kind under a prefix, summed by their
 * code or its first ? characters (substr with 1000: the whole code):
 * the sums, not 6,000 grids' rows of 36 columns, cross into C.  The
 * period is an equality: a range of the key's first column (BETWEEN)
 * measured 5-20 times slower on a month of 6,000 grids. */
#define ROWS_OF(table, key)                                                \
	"SELECT substr(code, 1, ?) AS g, SUM(events)" ASSESS_COUNTERS(SUM)  \
	" FROM " table " WHERE " key " = ? AND kind = ?"                    \
	" AND code >= ? AND code < ? AND length(code) >= ? GROUP BY g"
static const char SQL_ROWS_DAY[] = ROWS_OF("assess_day", "day");
static const char SQL_ROWS_MONTH[] = ROWS_OF("assess_month", "month");

/* The same rows uncut: each code is once in a period (the key), so
 * they need no GROUP BY - whose sorter and 36 sums made a month of
 * 6,000 grids' days (30 reads) take 1.4 s against 0.1 s this way. */
#define ROWS_UNCUT(table, key)                                             \
	"SELECT code, events" ASSESS_COUNTERS(COLUMN) " FROM " table        \
	" WHERE " key " = ? AND kind = ? AND code >= ? AND code < ?"        \
	" AND length(code) >= ?"
static const char SQL_ROWS_DAY_UNCUT[] = ROWS_UNCUT("assess_day", "day");
static const char SQL_ROWS_MONTH_UNCUT[] =
	ROWS_UNCUT("assess_month", "month");

/* The longest place code, a grid's (divisions: 6, 9 and 12 digits): a
 * cut at this length or more leaves every code whole. */
#define PLACE_CODE_MAX 15

struct group_visit {
	store_assess_group_cb cb;
	void *ctx;
};

static int group_row(void *v, struct db_stmt *st)
{
	struct group_visit *g = v;
	struct assess_counts c;

	c.events = db_column_int64(st, 1);
	for (int i = 0; i < AC_COUNT; i++)
		c.n[i] = db_column_int64(st, 2 + i);
	return g->cb(g->ctx, db_column_text(st, 0), &c);
}

int store_assess_group(struct db *db, const char *kind, const char *prefix,
		       int level_len, int32_t from, int32_t to,
		       store_assess_group_cb cb, void *ctx,
		       struct ug_error *err)
{
	struct group_visit v = { cb, ctx };
	char upper[CODE_MAX + 2];
	int64_t len = level_len > 0 ? level_len : 1000;
	int64_t min = level_len > 0 ? level_len : 0;
	const char *day_kind = kind;
	/* A whole month of a level reads the area rows under the prefix,
	 * cut as the places' would be (a prefix longer than theirs asks
	 * for part of one: the days); grids and categories keep no month
	 * rows (store_assess_keeps_months). */
	int area = strcmp(kind, "place") == 0 && level_len > 0 &&
		   level_len <= ASSESS_AREA_LEN &&
		   strlen(prefix) <= ASSESS_AREA_LEN;
	struct day_split p;
	int rc = 0;

	/* Codes are ASCII: every code that starts with the prefix sorts
	 * below the prefix followed by DEL. */
	snprintf(upper, sizeof upper, "%s\x7f", prefix);
	if (area || store_assess_keeps_months(kind))
		day_split(from, to, &p);
	else
		p = (struct day_split){ from, to, 1, 0, 1, 0 };
#define ROWS(sql, key)                                                    \
	(len >= PLACE_CODE_MAX                                            \
		 ? db_list(db, sql##_UNCUT,                               \
			   DB_ARGS(DB_INT(key), DB_TEXT(kind),            \
				   DB_TEXT(prefix), DB_TEXT(upper),       \
				   DB_INT(min)),                          \
			   group_row, &v, err)                            \
		 : db_list(db, sql,                                       \
			   DB_ARGS(DB_INT(len), DB_INT(key), DB_TEXT(kind),\
				   DB_TEXT(prefix), DB_TEXT(upper),       \
				   DB_INT(min)),                          \
			   group_row, &v, err))
	for (int32_t d = p.day_lo; rc == 0 && d <= p.day_hi; d = day_next(d))
		rc = ROWS(SQL_ROWS_DAY, d);
	if (area)
		kind = ASSESS_AREA_KIND;
	for (int32_t m = p.month_lo; rc == 0 && m <= p.month_hi;
	     m = month_next(m))
		rc = ROWS(SQL_ROWS_MONTH, m);
	kind = day_kind;
	for (int32_t d = p.tail_lo; rc == 0 && d <= p.tail_hi; d = day_next(d))
		rc = ROWS(SQL_ROWS_DAY, d);
#undef ROWS
	return rc;
}

static const char SQL_UNITS_POST[] =
	"SELECT username, display_name, unit_code, 0 FROM app_user"
	" WHERE role = ? AND unit_code >= ? AND unit_code < ?"
	" ORDER BY username";
/* The departments serving an area inside the prefix's, or around it. */
static const char SQL_UNITS_DEPARTMENT[] =
	"SELECT code, name, '', 0 FROM department d WHERE ? = '' OR EXISTS"
	" (SELECT 1 FROM department_area a WHERE a.department = d.code AND"
	"  ((a.division >= ? AND a.division < ?)"
	"   OR substr(?, 1, length(a.division)) = a.division))"
	" ORDER BY code";
static const char SQL_UNITS_GRID[] =
	"SELECT code, code, '', 1 FROM grid"
	" WHERE deleted = 0 AND code >= ? AND code < ? ORDER BY code";
/* A division's grids are the codes that start with its own (a range of
 * the grid's key: codes are digits, and ':' sorts after '9'). */
static const char SQL_UNITS_LEVEL[] =
	"SELECT d.code, d.name, '', (SELECT COUNT(*) FROM grid g"
	" WHERE g.code > d.code AND g.code < d.code || ':' AND g.deleted = 0)"
	" FROM division d"
	" WHERE d.level = ? AND d.code >= ? AND d.code < ? ORDER BY d.code";

static void unit_decode(struct db_stmt *st, struct assess_unit *u)
{
	const char *unit = db_column_text(st, 2);

	u->code = db_column_text(st, 0);
	u->name = db_column_text(st, 1);
	u->unit = unit ? unit : "";
	u->grids = db_column_int64(st, 3);
}

DB_VISITOR(unit, store_assess_unit_cb, struct assess_unit, unit_decode)

int store_assess_units(struct db *db, const char *what, const char *prefix,
		       store_assess_unit_cb cb, void *ctx,
		       struct ug_error *err)
{
	static const char *const levels[] = { "community", "street",
					      "district" };
	struct assess_unit u;
	struct unit_visit v = { cb, ctx, &u };
	char upper[CODE_MAX + 2];

	snprintf(upper, sizeof upper, "%s\x7f", prefix);
	if (strcmp(what, "department") == 0)
		return db_list(db, SQL_UNITS_DEPARTMENT,
			       DB_ARGS(DB_TEXT(prefix), DB_TEXT(prefix),
				       DB_TEXT(upper), DB_TEXT(prefix)),
			       unit_visit, &v, err);
	if (strcmp(what, "grid") == 0)
		return db_list(db, SQL_UNITS_GRID,
			       DB_ARGS(DB_TEXT(prefix), DB_TEXT(upper)),
			       unit_visit, &v, err);
	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
		if (strcmp(what, levels[i]) == 0)
			return db_list(db, SQL_UNITS_LEVEL,
				       DB_ARGS(DB_TEXT(what), DB_TEXT(prefix),
					       DB_TEXT(upper)),
				       unit_visit, &v, err);
	return db_list(db, SQL_UNITS_POST,
		       DB_ARGS(DB_TEXT(what), DB_TEXT(prefix), DB_TEXT(upper)),
		       unit_visit, &v, err);
}

/* ---- the scheme's versions ------------------------------------------- */

#define SCHEME_COLUMNS \
	"SELECT version, effective_at, created_at, created_by, body" \
	" FROM assess_scheme"
static const char SQL_SCHEME_AT[] =
	SCHEME_COLUMNS " WHERE effective_at <= ? ORDER BY version DESC LIMIT 1";
static const char SQL_SCHEME_LIST[] = SCHEME_COLUMNS " ORDER BY version DESC";
static const char SQL_SCHEME_LAST[] =
	"SELECT version, effective_at FROM assess_scheme"
	" ORDER BY version DESC LIMIT 1";
static const char SQL_SCHEME_ADD[] =
	"INSERT INTO assess_scheme (version, effective_at, body, created_by,"
	" created_at) VALUES (?, ?, ?, ?, ?)";

static void scheme_decode(struct db_stmt *st, struct assess_scheme_row *r)
{
	r->version = db_column_int64(st, 0);
	r->effective_at = db_column_int64(st, 1);
	r->created_at = db_column_int64(st, 2);
	r->created_by = db_column_text(st, 3);
	r->body = db_column_text(st, 4);
}

DB_VISITOR(scheme, store_assess_scheme_cb, struct assess_scheme_row,
	   scheme_decode)

int store_assess_scheme_at(struct db *db, int64_t at,
			   store_assess_scheme_cb cb, void *ctx,
			   struct ug_error *err)
{
	struct assess_scheme_row r;
	struct scheme_visit v = { cb, ctx, &r };

	return db_list(db, SQL_SCHEME_AT, DB_ARGS(DB_INT(at)), scheme_visit,
		       &v, err);
}

int store_assess_scheme_list(struct db *db, store_assess_scheme_cb cb,
			     void *ctx, struct ug_error *err)
{
	struct assess_scheme_row r;
	struct scheme_visit v = { cb, ctx, &r };

	return db_list(db, SQL_SCHEME_LIST, DB_NOARGS, scheme_visit, &v, err);
}

int store_assess_scheme_last(struct db *db, int64_t *version,
			     int64_t *effective_at, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_SCHEME_LAST, DB_NOARGS, &st, err);

	*version = *effective_at = 0;
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		*version = db_column_int64(st, 0);
		*effective_at = db_column_int64(st, 1);
		db_reset(st);
	}
	return 0;
}

int store_assess_scheme_add(struct db *db, int64_t effective_at,
			    const char *body, const char *created_by,
			    int64_t created_at, int64_t *version,
			    struct ug_error *err)
{
	int64_t last, at;
	int rc = store_assess_scheme_last(db, &last, &at, err);

	if (rc)
		return rc;
	*version = last + 1;
	return db_run(db, SQL_SCHEME_ADD,
		      DB_ARGS(DB_INT(*version), DB_INT(effective_at),
			      DB_TEXT(body), DB_TEXT(created_by),
			      DB_INT(created_at)),
		      err);
}

/* ---- the rebuild's comparison ---------------------------------------- */

int store_assess_snapshot(struct db *db, struct ug_error *err)
{
	return db_exec(db,
		       "DROP TABLE IF EXISTS assess_day_before;"
		       " DROP TABLE IF EXISTS assess_month_before;"
		       " CREATE TEMP TABLE assess_day_before AS"
		       " SELECT * FROM assess_day;"
		       " CREATE TEMP TABLE assess_month_before AS"
		       " SELECT * FROM assess_month",
		       err);
}

static const char SQL_COMPARE[] =
	"SELECT (SELECT COUNT(*) FROM (SELECT * FROM assess_day"
	"  EXCEPT SELECT * FROM assess_day_before))"
	" + (SELECT COUNT(*) FROM (SELECT * FROM assess_day_before"
	"  EXCEPT SELECT * FROM assess_day))"
	" + (SELECT COUNT(*) FROM (SELECT * FROM assess_month"
	"  EXCEPT SELECT * FROM assess_month_before))"
	" + (SELECT COUNT(*) FROM (SELECT * FROM assess_month_before"
	"  EXCEPT SELECT * FROM assess_month))";

int store_assess_compare(struct db *db, int64_t *rows, struct ug_error *err)
{
	int rc = db_query_int64(db, SQL_COMPARE, rows, err);

	if (rc == 0)
		rc = db_exec(db,
			     "DROP TABLE assess_day_before;"
			     " DROP TABLE assess_month_before",
			     err);
	return rc;
}

/* ---- the history ------------------------------------------------------ */

#define HISTORY                                                          \
	"SELECT e.id, e.case_id, e.at, e.actor, e.actor_role, e.action,"  \
	" e.from_state, e.data, c.source, c.category, c.created_by, c.area" \
	" FROM case_event e JOIN case_file c ON c.id = e.case_id"

static const char SQL_HISTORY_CASE[] =
	HISTORY " WHERE e.case_id = ? ORDER BY e.id";
static const char SQL_HISTORY_ALL[] = HISTORY " ORDER BY e.case_id, e.id";
/* The cases come from the index on case_event.at. */
static const char SQL_HISTORY_TOUCHED[] =
	HISTORY " WHERE e.case_id IN (SELECT case_id FROM case_event"
	" WHERE at >= ? AND at < ?) ORDER BY e.case_id, e.id";

static void line_decode(struct db_stmt *st, struct assess_line *l)
{
	const char *from = db_column_text(st, 6);

	l->id = db_column_int64(st, 0);
	l->case_id = db_column_int64(st, 1);
	l->at = db_column_int64(st, 2);
	l->actor = db_column_text(st, 3);
	l->actor_role = db_column_text(st, 4);
	l->action = db_column_text(st, 5);
	l->from_state = from ? from : "";
	l->data = db_column_text(st, 7);
	l->source = db_column_text(st, 8);
	l->category = db_column_text(st, 9);
	l->created_by = db_column_text(st, 10);
	l->area = db_column_text(st, 11);
}

DB_VISITOR(line, store_assess_line_cb, struct assess_line, line_decode)

int store_assess_history(struct db *db, int64_t case_id,
			 store_assess_line_cb cb, void *ctx,
			 struct ug_error *err)
{
	struct assess_line l;
	struct line_visit v = { cb, ctx, &l };

	return case_id ? db_list(db, SQL_HISTORY_CASE, DB_ARGS(DB_INT(case_id)),
				 line_visit, &v, err)
		       : db_list(db, SQL_HISTORY_ALL, DB_NOARGS, line_visit,
				 &v, err);
}

int store_assess_history_touched(struct db *db, int64_t from, int64_t to,
				 store_assess_line_cb cb, void *ctx,
				 struct ug_error *err)
{
	struct assess_line l;
	struct line_visit v = { cb, ctx, &l };

	return db_list(db, SQL_HISTORY_TOUCHED,
		       DB_ARGS(DB_INT(from), DB_INT(to)), line_visit, &v, err);
}

/* ---- the published red and black lists ------------------------------- */

static const char SQL_HONOURS_NEXT[] =
	"SELECT COALESCE(MAX(version), 0) + 1 FROM honours_list"
	" WHERE kind = ? AND period_from = ? AND period_to = ? AND area = ?";
static const char SQL_HONOURS_ADD[] =
	"INSERT INTO honours_list (kind, period_from, period_to, period_name,"
	" area, version, scheme_version, body, comment, published_by,"
	" published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
/* ?1 kind or NULL, ?2 ?3 the period or 0, ?4 1 for the last versions. */
static const char SQL_HONOURS_LIST[] =
	"SELECT id, version, scheme_version, published_at, period_from,"
	" period_to, kind, period_name, area, body, comment, published_by"
	" FROM honours_list h"
	" WHERE (?1 IS NULL OR kind = ?1)"
	" AND (?2 = 0 OR (period_from = ?2 AND period_to = ?3))"
	" AND (?4 = 0 OR NOT EXISTS (SELECT 1 FROM honours_list n"
	" WHERE n.kind = h.kind AND n.period_from = h.period_from"
	" AND n.period_to = h.period_to AND n.area = h.area"
	" AND n.version > h.version))"
	" ORDER BY published_at DESC, id DESC";

int store_honours_add(struct db *db, struct honours_row *r,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_HONOURS_NEXT,
			DB_ARGS(DB_TEXT(r->kind), DB_INT(r->period_from),
				DB_INT(r->period_to), DB_TEXT(r->area)),
			&st, err);

	if (rc < 0)
		return rc;
	r->version = db_column_int64(st, 0);
	db_reset(st);
	if ((rc = db_row(db, SQL_HONOURS_ADD,
			 DB_ARGS(DB_TEXT(r->kind), DB_INT(r->period_from),
				 DB_INT(r->period_to), DB_TEXT(r->period_name),
				 DB_TEXT(r->area), DB_INT(r->version),
				 DB_INT(r->scheme_version), DB_TEXT(r->body),
				 DB_OPT_TEXT(r->comment),
				 DB_TEXT(r->published_by),
				 DB_INT(r->published_at)),
			 &st, err)) < 0)
		return rc;
	if (rc != DB_ROW)
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "no id back from the insert of a list");
	r->id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

static void honours_decode(struct db_stmt *st, struct honours_row *r)
{
	r->id = db_column_int64(st, 0);
	r->version = db_column_int64(st, 1);
	r->scheme_version = db_column_int64(st, 2);
	r->published_at = db_column_int64(st, 3);
	r->period_from = (int32_t)db_column_int64(st, 4);
	r->period_to = (int32_t)db_column_int64(st, 5);
	r->kind = db_column_text(st, 6);
	r->period_name = db_column_text(st, 7);
	r->area = db_column_text(st, 8);
	r->body = db_column_text(st, 9);
	r->comment = db_column_text(st, 10);
	r->published_by = db_column_text(st, 11);
}

DB_VISITOR(honours, store_honours_cb, struct honours_row, honours_decode)

int store_honours_list(struct db *db, const char *kind, int32_t from,
		       int32_t to, int latest, store_honours_cb cb, void *ctx,
		       struct ug_error *err)
{
	struct honours_row r;
	struct honours_visit v = { cb, ctx, &r };

	return db_list(db, SQL_HONOURS_LIST,
		       DB_ARGS(DB_OPT_TEXT(kind), DB_INT(from), DB_INT(to),
			       DB_INT(latest ? 1 : 0)),
		       honours_visit, &v, err);
}
