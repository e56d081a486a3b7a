/*
 * cases.c - SQL for cases, their history and their numbers (see store.h).
 *
 * The case list is one cached statement whose filters are switched on and
 * off by their parameters ("? = '' OR column = ?"), so any combination of
 * filters runs the same prepared plan, with every value bound, never
 * spliced into the SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "store/org/org.h"
#include "store/cases/cases.h"


#define CASE_COLUMNS                                                        \
	"id, number, version, state, source, category, standard_id, urgency," \
	" priority, description, address, lon, lat, grid, community, street," \
	" district, area, component, reporter_name, reporter_phone,"        \
	" department, stage, stage_started_at, deadline, rework_count,"     \
	" extension_hours, merged_into, created_by, created_at, updated_at,"  \
	" closed_at, clock, warn_at, assignee, overdue_at, rating"

/* History columns, read by event_from_row(); the table is aliased e. */
#define EVENT_COLUMNS \
	"e.id, e.case_id, e.at, e.actor, e.actor_role, e.action," \
	" e.from_state, e.to_state, e.note, e.data"

static void event_from_row(struct db_stmt *st, struct case_event_row *e);

static void case_from_row(struct db_stmt *st, struct case_row *c)
{
	memset(c, 0, sizeof *c);
	c->id = db_column_int64(st, 0);
	UG_COPY(c->number, db_column_text(st, 1));
	c->version = db_column_int64(st, 2);
	UG_COPY(c->state, db_column_text(st, 3));
	UG_COPY(c->source, db_column_text(st, 4));
	UG_COPY(c->category, db_column_text(st, 5));
	c->standard_id = db_column_int64(st, 6);
	UG_COPY(c->urgency, db_column_text(st, 7));
	c->priority = (int)db_column_int64(st, 8);
	UG_COPY(c->description, db_column_text(st, 9));
	UG_COPY(c->address, db_column_text(st, 10));
	c->has_location = !db_column_is_null(st, 11);
	c->lon = db_column_double(st, 11);
	c->lat = db_column_double(st, 12);
	UG_COPY(c->grid, db_column_text(st, 13));
	UG_COPY(c->community, db_column_text(st, 14));
	UG_COPY(c->street, db_column_text(st, 15));
	UG_COPY(c->district, db_column_text(st, 16));
	UG_COPY(c->area, db_column_text(st, 17));
	UG_COPY(c->component, db_column_text(st, 18));
	UG_COPY(c->reporter_name, db_column_text(st, 19));
	UG_COPY(c->reporter_phone, db_column_text(st, 20));
	UG_COPY(c->department, db_column_text(st, 21));
	UG_COPY(c->stage, db_column_text(st, 22));
	c->stage_started_at = db_column_int64(st, 23);
	c->deadline = db_column_int64(st, 24);
	c->rework_count = (int)db_column_int64(st, 25);
	c->extension_hours = db_column_int64(st, 26);
	c->merged_into = db_column_int64(st, 27);
	UG_COPY(c->created_by, db_column_text(st, 28));
	c->created_at = db_column_int64(st, 29);
	c->updated_at = db_column_int64(st, 30);
	c->closed_at = db_column_int64(st, 31);
	UG_COPY(c->clock, db_column_text(st, 32));
	c->warn_at = db_column_int64(st, 33);
	UG_COPY(c->assignee, db_column_text(st, 34));
	c->overdue_at = db_column_int64(st, 35);
	UG_COPY(c->rating, db_column_text(st, 36));
}

DB_VISITOR(case, store_case_cb, struct case_row, case_from_row)

/* Every row of a prepared case query, to cb (see db_each()). */
static int each_case(struct db_stmt *st, store_case_cb cb, void *ctx,
		     struct ug_error *err)
{
	/* A case row is ~20 KB: keep it off the worker's stack. */
	struct case_row *c = malloc(sizeof *c);
	int rc;

	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = db_each(st, case_visit, &(struct case_visit){ cb, ctx, c }, err);
	free(c);
	return rc;
}

static const char SQL_COUNTER_NEXT[] =
	"INSERT INTO case_number_counter (day, last) VALUES (?, 1)"
	" ON CONFLICT (day) DO UPDATE SET last = case_number_counter.last + 1"
	" RETURNING last";

int store_case_number_format(const char *day, int64_t n, char out[24],
			     struct ug_error *err)
{
	if (n > 99999)
		return ug_fail(err, UG_ELIMIT, NULL,
			       "more than 99999 cases on %s", day);
	snprintf(out, 24, "%s%05lld", day, (long long)n);
	return 0;
}

int store_case_next_number(struct db *db, const char *day, char out[24],
			   struct ug_error *err)
{
	struct db_stmt *st;
	int64_t n;
	int rc;

	rc = db_row(db, SQL_COUNTER_NEXT, DB_ARGS(DB_TEXT(day)), &st, err);
	if (rc < 0)
		return rc;
	n = db_column_int64(st, 0);
	db_reset(st);
	return store_case_number_format(day, n, out, err);
}

static const char SQL_COUNTER_LAST[] =
	"SELECT last FROM case_number_counter WHERE day = ?";
static const char SQL_COUNTER_SET[] =
	"INSERT INTO case_number_counter (day, last) VALUES (?, ?)"
	" ON CONFLICT (day) DO UPDATE SET last = excluded.last";

int store_case_number_last(struct db *db, const char *day, int64_t *last,
			   struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_COUNTER_LAST, DB_ARGS(DB_TEXT(day)), &st, err);

	*last = 0;
	if (rc != DB_ROW)
		return rc;
	*last = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

int store_case_number_set(struct db *db, const char *day, int64_t last,
			  struct ug_error *err)
{
	return db_run(db, SQL_COUNTER_SET, DB_ARGS(DB_TEXT(day), DB_INT(last)),
		      err);
}

/* The immutable columns first, then the mutable ones in the order of
 * CASE_MUTABLE_ARGS(), so insert and update bind the same list. */
#define CASE_INSERT_COLUMNS                                                 \
	"INSERT INTO case_file (number, source, category, standard_id,"     \
	" reporter_name, reporter_phone, created_by, created_at, version,"  \
	" state, priority, description, address, lon, lat, grid, community," \
	" street, district, area, component, department, stage,"            \
	" stage_started_at, deadline, rework_count, extension_hours,"       \
	" merged_into, updated_at, closed_at, urgency, clock, warn_at,"     \
	" assignee, overdue_at, rating"
#define CASE_INSERT_VALUES                                                  \
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?," \
	" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
static const char SQL_CASE_INSERT[] =
	CASE_INSERT_COLUMNS ") VALUES (" CASE_INSERT_VALUES ") RETURNING id";
/* An imported case keeps the id it had in its source (schema 0019); its
 * own id is given by the batch (store_case_next_id), not read back. */
static const char SQL_CASE_INSERT_IMPORTED[] =
	CASE_INSERT_COLUMNS ", source_ref, id) VALUES (" CASE_INSERT_VALUES
	", ?, ?)";

/* The mutable columns' values, in the order of the UPDATE statement's
 * SET list. */
#define CASE_MUTABLE_ARGS(c)                                                \
	DB_INT((c)->version), DB_TEXT((c)->state), DB_INT((c)->priority),   \
	DB_TEXT((c)->description), DB_TEXT((c)->address),                   \
	DB_REAL_OR_NULL((c)->has_location, (c)->lon),                       \
	DB_REAL_OR_NULL((c)->has_location, (c)->lat),                       \
	DB_OPT_TEXT((c)->grid), DB_OPT_TEXT((c)->community),                \
	DB_OPT_TEXT((c)->street), DB_OPT_TEXT((c)->district),               \
	DB_TEXT((c)->area), DB_OPT_TEXT((c)->component),                    \
	DB_OPT_TEXT((c)->department), DB_OPT_TEXT((c)->stage),              \
	DB_OPT_INT((c)->stage_started_at), DB_OPT_INT((c)->deadline),       \
	DB_INT((c)->rework_count), DB_OPT_INT((c)->extension_hours),        \
	DB_OPT_INT((c)->merged_into), DB_INT((c)->updated_at),              \
	DB_OPT_INT((c)->closed_at), DB_TEXT((c)->urgency),                  \
	DB_OPT_TEXT((c)->clock), DB_OPT_INT((c)->warn_at),                  \
	DB_OPT_TEXT((c)->assignee), DB_OPT_INT((c)->overdue_at),              \
	DB_OPT_TEXT((c)->rating)
#define CASE_INSERT_ARGS(c)                                                 \
	DB_TEXT((c)->number), DB_TEXT((c)->source), DB_TEXT((c)->category), \
	DB_INT((c)->standard_id), DB_OPT_TEXT((c)->reporter_name),          \
	DB_OPT_TEXT((c)->reporter_phone), DB_TEXT((c)->created_by),         \
	DB_INT((c)->created_at), CASE_MUTABLE_ARGS(c)

/* The insert's one row back: c->id. */
static int case_inserted(int rc, struct db_stmt *st, struct case_row *c)
{
	if (rc < 0)
		return rc;
	c->id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

int store_case_insert(struct db *db, struct case_row *c, struct ug_error *err)
{
	struct db_stmt *st = NULL;
	int rc = db_row(db, SQL_CASE_INSERT, DB_ARGS(CASE_INSERT_ARGS(c)), &st,
			err);

	return case_inserted(rc, st, c);
}

int store_case_insert_imported(struct db *db, const struct case_row *c,
			       const char *source_ref, struct ug_error *err)
{
	return db_run(db, SQL_CASE_INSERT_IMPORTED,
		      DB_ARGS(CASE_INSERT_ARGS(c), DB_TEXT(source_ref),
			      DB_INT(c->id)),
		      err);
}

static const char SQL_CASE_NEXT_ID[] =
	"SELECT COALESCE(MAX(id), 0) + 1 FROM case_file";

int store_case_next_id(struct db *db, int64_t *next, struct ug_error *err)
{
	return db_query_int64(db, SQL_CASE_NEXT_ID, next, err);
}

static const char SQL_CASE_REF_EXISTS[] =
	"SELECT 1 FROM case_file WHERE source_ref = ?";

int store_case_ref_exists(struct db *db, const char *source_ref,
			  struct ug_error *err)
{
	return db_row_exists(db, SQL_CASE_REF_EXISTS, source_ref, err);
}

/* A bulk write touches every index of case_file and case_event at random
 * places (cases of any day, any place): with SQLite's default 2 MB page
 * cache the pages go back and forth between the cache and the WAL.  The
 * size is the connection's, until set back. */
static const char SQL_BULK_CACHE[] = "PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY";
static const char SQL_NORMAL_CACHE[] =
	"PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT";

int store_case_bulk(struct db *db, int on, struct ug_error *err)
{
	return db_exec(db, on ? SQL_BULK_CACHE : SQL_NORMAL_CACHE, err);
}

/* The indexes a bulk write sets aside: every one of case_file and
 * case_event but the unique ones (checked as rows go in) and the
 * history's by case (written in its order anyway).  Their definitions
 * wait in a temporary table of the connection. */
static const char SQL_BULK_SAVE[] =
	"CREATE TEMP TABLE bulk_index AS SELECT name, sql FROM sqlite_schema"
	" WHERE type = 'index' AND tbl_name IN ('case_file', 'case_event')"
	" AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
	" AND name <> 'case_event_case'";
static const char SQL_BULK_SAVED[] = "SELECT name, sql FROM temp.bulk_index";
static const char SQL_BULK_FORGET[] = "DROP TABLE temp.bulk_index";

/* Append "DROP INDEX name;" (drop) or "sql;" of a saved index to a buf. */
static int bulk_drop_visit(void *v, struct db_stmt *st)
{
	return buf_printf(v, "DROP INDEX \"%s\";", db_column_text(st, 0))
		       ? -UG_ENOMEM
		       : 0;
}

static int bulk_create_visit(void *v, struct db_stmt *st)
{
	return buf_printf(v, "%s;", db_column_text(st, 1)) ? -UG_ENOMEM : 0;
}

static int bulk_indexes(struct db *db, int restore, struct ug_error *err)
{
	struct buf sql = BUF_INIT;
	int rc = restore ? 0 : db_exec(db, SQL_BULK_SAVE, err);

	if (rc == 0)
		rc = db_list(db, SQL_BULK_SAVED, DB_NOARGS,
			     restore ? bulk_create_visit : bulk_drop_visit, &sql,
			     err);
	if (rc == -UG_ENOMEM)
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (rc == 0 && sql.len)
		rc = db_exec(db, buf_str(&sql), err);
	if (rc == 0 && restore)
		rc = db_exec(db, SQL_BULK_FORGET, err);
	buf_free(&sql);
	return rc;
}

int store_case_bulk_indexes_off(struct db *db, struct ug_error *err)
{
	return bulk_indexes(db, 0, err);
}

int store_case_bulk_indexes_on(struct db *db, struct ug_error *err)
{
	return bulk_indexes(db, 1, err);
}

static const char SQL_CASE_GET[] =
	"SELECT " CASE_COLUMNS " FROM case_file WHERE id = ?";

int store_case_get(struct db *db, int64_t id, struct case_row *c,
		   struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_id(db, SQL_CASE_GET, id, "case", &st, err)))
		return rc;
	case_from_row(st, c);
	db_reset(st);
	return 0;
}

static const char SQL_CASE_RATE[] =
	"UPDATE case_file SET rating = ? WHERE id = ? AND rating IS NULL";

int store_case_set_rating(struct db *db, int64_t id, const char *rating,
			  struct ug_error *err)
{
	int rc = db_run(db, SQL_CASE_RATE, DB_ARGS(DB_TEXT(rating), DB_INT(id)),
			err);

	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return ug_fail(err, UG_ECONFLICT, "rating",
			       "case %lld has been rated already",
			       (long long)id);
	return 0;
}

static const char SQL_CASE_UPDATE[] =
	"UPDATE case_file SET version = ?, state = ?, priority = ?,"
	" description = ?, address = ?, lon = ?, lat = ?, grid = ?,"
	" community = ?, street = ?, district = ?, area = ?, component = ?,"
	" department = ?, stage = ?, stage_started_at = ?, deadline = ?,"
	" rework_count = ?, extension_hours = ?, merged_into = ?,"
	" updated_at = ?, closed_at = ?, urgency = ?, clock = ?, warn_at = ?,"
	" assignee = ?, overdue_at = ?, rating = ? WHERE id = ? AND version = ?";

int store_case_update(struct db *db, const struct case_row *c,
		      int64_t expected_version, struct ug_error *err)
{
	int rc = db_run(db, SQL_CASE_UPDATE,
			DB_ARGS(CASE_MUTABLE_ARGS(c), DB_INT(c->id),
				DB_INT(expected_version)),
			err);

	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return ug_fail(err, UG_ECONFLICT, "version",
			       "case %s was changed by someone else (version "
			       "%lld is no longer current)", c->number,
			       (long long)expected_version);
	return 0;
}

/* Filters, each switched off by an empty / zero first parameter. */
#define CASE_WHERE                                                          \
	/* the states: how many, then 16 (NULL for none) - an IN list of \
	 * parameters, not a string built for each row */                 \
	" WHERE (? = 0 OR state IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"\
	"      ?, ?, ?))"                                                   \
	" AND (? = '' OR category = ?)"                                     \
	" AND (? = '' OR substr(area, 1, length(?)) = ?)"                   \
	" AND (? = '' OR department = ?)"                                   \
	" AND (? = '' OR description LIKE ? ESCAPE '\\'"                    \
	"      OR address LIKE ? ESCAPE '\\' OR number = ?)"                \
	" AND (? = 0 OR (deadline IS NOT NULL AND deadline < ?))"           \
	" AND (? = 0 OR created_at >= ?) AND (? = 0 OR created_at < ?)"     \
	" AND (? = '' OR substr(area, 1, length(?)) = ?)"                   \
	" AND (? = '' OR department = ?)"                                   \
	" AND (? = '' OR source = ?)"                                       \
	" AND (? = 0 OR extension_hours > 0) AND (? = 0 OR priority > 0)"   \
	" AND (? = '' OR assignee = ?)"                                     \
	/* the light at now (domain/cases/case.c, case_light) */            \
	" AND (? = '' OR (? = 'none' AND deadline IS NULL)"                 \
	"      OR (? = 'red' AND deadline <= ?)"                            \
	"      OR (? = 'yellow' AND warn_at <= ? AND deadline > ?)"         \
	"      OR (? = 'green' AND warn_at > ? AND deadline > ?))"

/* Added when every state asked for is open (f->open_only): the very term
 * of the partial index case_file_open (schemas 0011, 0028), which the
 * planner uses only when the query states it - so the queues never read
 * the closed cases, however many years of them the table holds. */
#define CASE_OPEN " AND state NOT IN ('closed', 'rejected', 'void', 'merged')"

#define CASE_NEWEST " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
/* The queues: the most urgent first - the earliest deadline, cases with
 * no clock running last.  The very terms of case_file_open (schema
 * 0028), so an open-only list reads its page in index order and sorts
 * nothing. */
#define CASE_URGENT " ORDER BY deadline IS NULL, deadline, id LIMIT ? OFFSET ?"

/* The phone's worklists: nearest first to a point (lon, scale, lon,
 * scale, lat, lat), an equirectangular plane distance - exact enough to
 * order the cases of a city - and cases without a point last. */
#define CASE_NEAREST                                                        \
	" ORDER BY lon IS NULL, ((lon - ?) * ?) * ((lon - ?) * ?)"          \
	" + (lat - ?) * (lat - ?), id LIMIT ? OFFSET ?"

enum { ORDER_NEWEST, ORDER_URGENT, ORDER_NEAREST };
/* [open_only][order] */
static const char *const SQL_CASE_LIST[2][3] = {
	{ "SELECT " CASE_COLUMNS " FROM case_file" CASE_WHERE CASE_NEWEST,
	  "SELECT " CASE_COLUMNS " FROM case_file" CASE_WHERE CASE_URGENT,
	  "SELECT " CASE_COLUMNS " FROM case_file" CASE_WHERE CASE_NEAREST },
	{ "SELECT " CASE_COLUMNS " FROM case_file" CASE_WHERE CASE_OPEN
	  CASE_NEWEST,
	  "SELECT " CASE_COLUMNS " FROM case_file" CASE_WHERE CASE_OPEN
	  CASE_URGENT,
	  "SELECT " CASE_COLUMNS " FROM case_file" CASE_WHERE CASE_OPEN
	  CASE_NEAREST },
};
static const char *const SQL_CASE_COUNT[2] = {
	"SELECT COUNT(*) FROM case_file" CASE_WHERE,
	"SELECT COUNT(*) FROM case_file" CASE_WHERE CASE_OPEN,
};
/* The numbers of an overview: matching cases by state (or department)
 * and light now.  Grouped by light first: grouped by state first, the
 * planner (without ANALYZE's statistics) walks the whole state index for
 * its order instead of the open cases' partial index: over a million
 * cases of which 14,000 are open, 170-240 ms instead of 40 ms (the
 * sqlite3 shell's timer, medians of three). */
#define CASE_STATS(col, open)                                               \
	"SELECT " col ", CASE WHEN deadline IS NULL THEN 'none'"            \
	" WHEN deadline <= ? THEN 'red' WHEN warn_at <= ? THEN 'yellow'"    \
	" ELSE 'green' END AS light, COUNT(*) FROM case_file" CASE_WHERE    \
	open " GROUP BY light, 1 ORDER BY 1, light"
/* [open_only][by_department] */
static const char *const SQL_CASE_STATS[2][2] = {
	{ CASE_STATS("state", ""), CASE_STATS("coalesce(department, '')", "") },
	{ CASE_STATS("state", CASE_OPEN),
	  CASE_STATS("coalesce(department, '')", CASE_OPEN) },
};

static int bind_filter_at(struct db_stmt *st, int i,
			  const struct case_filter *f, struct buf *like,
			  struct ug_error *err);

/* Bind CASE_WHERE's parameters from 1 on; the next free index, or a
 * negative error. */
static int bind_filter(struct db_stmt *st, const struct case_filter *f,
		       struct buf *like, struct ug_error *err)
{
	return bind_filter_at(st, 1, f, like, err);
}

/* ... from index i on. */
static int bind_filter_at(struct db_stmt *st, int i,
			  const struct case_filter *f, struct buf *like,
			  struct ug_error *err)
{
	const char *cat = f->category ? f->category : "";
	const char *area = f->area_prefix ? f->area_prefix : "";
	const char *dept = f->department ? f->department : "";
	const char *q = f->q ? f->q : "";
	const char *sarea = f->scope_area ? f->scope_area : "";
	const char *sdept = f->scope_department ? f->scope_department : "";
	const char *src = f->source ? f->source : "";
	const char *light = f->light ? f->light : "";
	const char *assignee = f->assignee ? f->assignee : "";
	int nstates = 0, rc;

	while (nstates < 16 && f->states[nstates])
		nstates++;
	if ((rc = db_bind_int64(st, i++, nstates, err)))
		return rc;
	for (int k = 0; k < 16; k++)
		if ((rc = k < nstates ? db_bind_text(st, i++, f->states[k], err)
				      : db_bind_null(st, i++, err)))
			return rc;
	/* q is matched literally: escape LIKE's wildcards. */
	buf_reset(like);
	if (*q) {
		buf_putc(like, '%');
		for (const char *p = q; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				buf_putc(like, '\\');
			buf_putc(like, *p);
		}
		buf_putc(like, '%');
	}
	if ((rc = db_bind_text(st, i++, cat, err)) ||
	    (rc = db_bind_text(st, i++, cat, err)) ||
	    (rc = db_bind_text(st, i++, area, err)) ||
	    (rc = db_bind_text(st, i++, area, err)) ||
	    (rc = db_bind_text(st, i++, area, err)) ||
	    (rc = db_bind_text(st, i++, dept, err)) ||
	    (rc = db_bind_text(st, i++, dept, err)) ||
	    (rc = db_bind_text(st, i++, q, err)) ||
	    (rc = db_bind_text(st, i++, buf_str(like), err)) ||
	    (rc = db_bind_text(st, i++, buf_str(like), err)) ||
	    (rc = db_bind_text(st, i++, q, err)) ||
	    (rc = db_bind_int64(st, i++, f->overdue, err)) ||
	    (rc = db_bind_int64(st, i++, f->now, err)) ||
	    (rc = db_bind_int64(st, i++, f->from, err)) ||
	    (rc = db_bind_int64(st, i++, f->from, err)) ||
	    (rc = db_bind_int64(st, i++, f->to, err)) ||
	    (rc = db_bind_int64(st, i++, f->to, err)) ||
	    (rc = db_bind_text(st, i++, sarea, err)) ||
	    (rc = db_bind_text(st, i++, sarea, err)) ||
	    (rc = db_bind_text(st, i++, sarea, err)) ||
	    (rc = db_bind_text(st, i++, sdept, err)) ||
	    (rc = db_bind_text(st, i++, sdept, err)) ||
	    (rc = db_bind_text(st, i++, src, err)) ||
	    (rc = db_bind_text(st, i++, src, err)) ||
	    (rc = db_bind_int64(st, i++, f->extension_pending, err)) ||
	    (rc = db_bind_int64(st, i++, f->supervised, err)) ||
	    (rc = db_bind_text(st, i++, assignee, err)) ||
	    (rc = db_bind_text(st, i++, assignee, err)))
		return rc;
	/* The light's test: '' / none / red (at now) / yellow (now twice) /
	 * green (now twice). */
	for (int k = 0; k < 3; k++)
		if ((rc = db_bind_text(st, i++, light, err)))
			return rc;
	if ((rc = db_bind_int64(st, i++, f->now, err)) ||
	    (rc = db_bind_text(st, i++, light, err)) ||
	    (rc = db_bind_int64(st, i++, f->now, err)) ||
	    (rc = db_bind_int64(st, i++, f->now, err)) ||
	    (rc = db_bind_text(st, i++, light, err)) ||
	    (rc = db_bind_int64(st, i++, f->now, err)) ||
	    (rc = db_bind_int64(st, i++, f->now, err)))
		return rc;
	return i;
}

int store_case_list(struct db *db, const struct case_filter *f,
		    store_case_cb cb, void *ctx, int64_t *total,
		    struct ug_error *err)
{
	struct buf like = BUF_INIT;
	struct db_stmt *st;
	int order = f->near ? ORDER_NEAREST
		    : f->by_deadline ? ORDER_URGENT : ORDER_NEWEST;
	int rc, i;

	if ((rc = db_prepare(db, SQL_CASE_COUNT[!!f->open_only], &st, err)) ||
	    (rc = bind_filter(st, f, &like, err)) < 0)
		goto out;
	if ((rc = db_step(st, err)) < 0)
		goto out;
	*total = db_column_int64(st, 0);
	db_reset(st);
	if ((rc = db_prepare(db, SQL_CASE_LIST[!!f->open_only][order], &st,
			     err)) ||
	    (i = rc = bind_filter(st, f, &like, err)) < 0)
		goto out;
	if (order == ORDER_NEAREST &&
	    ((rc = db_bind_double(st, i++, f->near_lon, err)) ||
	     (rc = db_bind_double(st, i++, f->near_lon_scale, err)) ||
	     (rc = db_bind_double(st, i++, f->near_lon, err)) ||
	     (rc = db_bind_double(st, i++, f->near_lon_scale, err)) ||
	     (rc = db_bind_double(st, i++, f->near_lat, err)) ||
	     (rc = db_bind_double(st, i++, f->near_lat, err))))
		goto out;
	if ((rc = db_bind_int64(st, i, f->limit, err)) ||
	    (rc = db_bind_int64(st, i + 1, f->offset, err)))
		goto out;
	rc = each_case(st, cb, ctx, err);
out:
	buf_free(&like);
	return rc < 0 ? rc : 0;
}

/* The map's points: the located cases matching f with their light. */
#define CASE_POINTS(open)                                                   \
	"SELECT id, lon, lat, CASE WHEN deadline IS NULL THEN 'none'"       \
	" WHEN deadline <= ? THEN 'red' WHEN warn_at <= ? THEN 'yellow'"    \
	" ELSE 'green' END FROM case_file" CASE_WHERE open                  \
	" AND lon IS NOT NULL AND lat IS NOT NULL ORDER BY id LIMIT ?"
static const char *const SQL_CASE_POINTS[2] = { CASE_POINTS(""),
						 CASE_POINTS(CASE_OPEN) };

struct point_visit {
	store_case_point_cb cb;
	void *ctx;
};

static int point_visit(void *v, struct db_stmt *st)
{
	struct point_visit *p = v;

	return p->cb(p->ctx, db_column_int64(st, 0), db_column_double(st, 1),
		     db_column_double(st, 2), db_column_text(st, 3));
}

int store_case_points(struct db *db, const struct case_filter *f,
		      int64_t limit, store_case_point_cb cb, void *ctx,
		      struct ug_error *err)
{
	struct buf like = BUF_INIT;
	struct db_stmt *st;
	int rc, i;

	if ((rc = db_prepare(db, SQL_CASE_POINTS[!!f->open_only], &st, err)) ||
	    (rc = db_bind_int64(st, 1, f->now, err)) ||
	    (rc = db_bind_int64(st, 2, f->now, err)) ||
	    (i = rc = bind_filter_at(st, 3, f, &like, err)) < 0 ||
	    (rc = db_bind_int64(st, i, limit, err)))
		goto out;
	rc = db_each(st, point_visit, &(struct point_visit){ cb, ctx }, err);
out:
	buf_free(&like);
	return rc < 0 ? rc : 0;
}

int store_case_stats(struct db *db, const struct case_filter *f,
		     int by_department, store_case_stat_cb cb, void *ctx,
		     struct ug_error *err)
{
	struct buf like = BUF_INIT;
	struct db_stmt *st;
	int rc;

	/* The filter's parameters follow the two of the light's CASE. */
	if ((rc = db_prepare(db, SQL_CASE_STATS[!!f->open_only][!!by_department],
			     &st, err)) ||
	    (rc = db_bind_int64(st, 1, f->now, err)) ||
	    (rc = db_bind_int64(st, 2, f->now, err)) ||
	    (rc = bind_filter_at(st, 3, f, &like, err)) < 0)
		goto out;
	while ((rc = db_step(st, err)) == DB_ROW)
		if ((rc = cb(ctx, db_column_text(st, 0), db_column_text(st, 1),
			     db_column_int64(st, 2))) != 0) {
			db_reset(st);
			break;
		}
out:
	buf_free(&like);
	return rc < 0 ? rc : 0;
}

static const char SQL_CASE_CHANGES[] =
	"SELECT e.id, e.case_id, e.at, e.action, e.actor, e.actor_role,"
	" c.number, c.state, coalesce(c.department, ''), c.area, e.data"
	" FROM case_event e JOIN case_file c ON c.id = e.case_id"
	" WHERE e.id > ? ORDER BY e.id LIMIT ?";

struct change_visit {
	store_case_change_cb cb;
	void *ctx;
};

static int change_visit(void *v, struct db_stmt *st)
{
	struct change_visit *p = v;
	struct case_change ch = {
		db_column_int64(st, 0), db_column_int64(st, 1),
		db_column_int64(st, 2), db_column_text(st, 3),
		db_column_text(st, 4), db_column_text(st, 5),
		db_column_text(st, 6), db_column_text(st, 7),
		db_column_text(st, 8), db_column_text(st, 9),
		db_column_text(st, 10),
	};

	return p->cb(p->ctx, &ch);
}

int store_case_changes(struct db *db, int64_t after, int64_t limit,
		       store_case_change_cb cb, void *ctx,
		       struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_CASE_CHANGES,
				  DB_ARGS(DB_INT(after), DB_INT(limit)), &st,
				  err)))
		return rc;
	return db_each(st, change_visit, &(struct change_visit){ cb, ctx },
		       err);
}

static const char SQL_EVENT_LATEST[] =
	"SELECT coalesce(MAX(id), 0) FROM case_event";

int store_case_event_latest(struct db *db, int64_t *id, struct ug_error *err)
{
	return db_query_int64(db, SQL_EVENT_LATEST, id, err);
}

static const char SQL_CASE_BY_NUMBER[] =
	"SELECT " CASE_COLUMNS " FROM case_file WHERE number = ?";

int store_case_by_number(struct db *db, const char *number,
			 struct case_row *c, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_CASE_BY_NUMBER, number, "number",
				"case numbered", &st, err)))
		return rc;
	case_from_row(st, c);
	db_reset(st);
	return 0;
}

/* created_at drives the scan (case_file_created), newest first; the
 * category's public flag is a lookup per row by primary key. */
static const char SQL_CASE_LIST_PUBLIC[] =
	"SELECT " CASE_COLUMNS " FROM case_file"
	" WHERE created_at >= ? AND created_at <= ?"
	" AND (SELECT public FROM category k WHERE k.code = category) = 1"
	" AND (? = '' OR ? LIKE '%,' || category || ',%')"
	" AND (? = '' OR ? LIKE '%,' || state || ',%')"
	" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

int store_case_list_public(struct db *db, const char *categories,
			   const char *states, int64_t from, int64_t to,
			   int64_t limit, int64_t offset, store_case_cb cb,
			   void *ctx, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_CASE_LIST_PUBLIC,
				  DB_ARGS(DB_INT(from), DB_INT(to),
					  DB_TEXT(categories),
					  DB_TEXT(categories), DB_TEXT(states),
					  DB_TEXT(states), DB_INT(limit),
					  DB_INT(offset)), &st, err)))
		return rc;
	return each_case(st, cb, ctx, err);
}

static const char SQL_EVENTS_PUBLIC[] =
	"SELECT " EVENT_COLUMNS ", c.number FROM case_event e"
	" JOIN case_file c ON c.id = e.case_id"
	" WHERE e.at >= ? AND e.at <= ?"
	" AND e.from_state <> e.to_state AND e.action <> 'report'"
	" AND (SELECT public FROM category k WHERE k.code = c.category) = 1"
	" ORDER BY e.at, e.id LIMIT ?";

/* A public event comes with its case's number (column 10). */
struct public_event_visit {
	store_public_event_cb cb;
	void *ctx;
	struct case_event_row *row;
};

static int public_event_visit(void *v, struct db_stmt *st)
{
	struct public_event_visit *p = v;
	char number[24];

	event_from_row(st, p->row);
	UG_COPY(number, db_column_text(st, 10));
	return p->cb(p->ctx, p->row, number);
}

int store_case_events_public(struct db *db, int64_t from, int64_t to,
			     int64_t limit, store_public_event_cb cb,
			     void *ctx, struct ug_error *err)
{
	struct case_event_row *e;
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_EVENTS_PUBLIC,
				  DB_ARGS(DB_INT(from), DB_INT(to),
					  DB_INT(limit)), &st, err)))
		return rc;
	e = malloc(sizeof *e);
	if (!e)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = db_each(st, public_event_visit,
		     &(struct public_event_visit){ cb, ctx, e }, err);
	free(e);
	return rc;
}

#define EVENT_INSERT                                                      \
	"INSERT INTO case_event (case_id, at, actor, actor_role, action,"  \
	" from_state, to_state, note, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
static const char SQL_EVENT_INSERT[] = EVENT_INSERT " RETURNING id";
static const char SQL_EVENT_INSERT_BULK[] = EVENT_INSERT;

#define EVENT_INSERT_ARGS(e)                                              \
	DB_ARGS(DB_INT((e)->case_id), DB_INT((e)->at), DB_TEXT((e)->actor), \
		DB_TEXT((e)->actor_role), DB_TEXT((e)->action),           \
		DB_OPT_TEXT((e)->from_state), DB_TEXT((e)->to_state),     \
		DB_TEXT((e)->note),                                       \
		DB_TEXT((e)->data[0] ? (e)->data : "{}"))

int store_case_event_insert_bulk(struct db *db, const struct case_event_row *e,
				 struct ug_error *err)
{
	return db_run(db, SQL_EVENT_INSERT_BULK, EVENT_INSERT_ARGS(e), err);
}

int store_case_event_insert(struct db *db, struct case_event_row *e,
			    struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_EVENT_INSERT, EVENT_INSERT_ARGS(e),
				  &st, err)))
		return rc;
	rc = db_step(st, err);
	if (rc < 0)
		return rc;
	e->id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

static void event_from_row(struct db_stmt *st, struct case_event_row *e)
{
	memset(e, 0, sizeof *e);
	e->id = db_column_int64(st, 0);
	e->case_id = db_column_int64(st, 1);
	e->at = db_column_int64(st, 2);
	UG_COPY(e->actor, db_column_text(st, 3));
	UG_COPY(e->actor_role, db_column_text(st, 4));
	UG_COPY(e->action, db_column_text(st, 5));
	UG_COPY(e->from_state, db_column_text(st, 6));
	UG_COPY(e->to_state, db_column_text(st, 7));
	UG_COPY(e->note, db_column_text(st, 8));
	UG_COPY(e->data, db_column_text(st, 9));
}

DB_VISITOR(event, store_case_event_cb, struct case_event_row, event_from_row)

static const char SQL_EVENTS[] =
	"SELECT " EVENT_COLUMNS " FROM case_event e WHERE e.case_id = ?"
	" ORDER BY e.id";

int store_case_events(struct db *db, int64_t case_id, store_case_event_cb cb,
		      void *ctx, struct ug_error *err)
{
	struct case_event_row *e;
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_EVENTS, DB_ARGS(DB_INT(case_id)), &st,
				  err)))
		return rc;
	e = malloc(sizeof *e);
	if (!e)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = db_each(st, event_visit, &(struct event_visit){ cb, ctx, e }, err);
	free(e);
	return rc;
}

/* The unary + keeps created_at out of index selection, so the planner
 * takes case_file_nearby (a 60 m band of latitude) rather than walking
 * three days of the category in created_at order; the index holds the
 * longitude, age and state too (schema 0027), so only the cases that
 * pass are read from the table. */
static const char SQL_CASE_NEARBY[] =
	"SELECT " CASE_COLUMNS " FROM case_file WHERE category = ?"
	" AND +created_at >= ? AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
	" AND state NOT IN ('rejected', 'closed', 'void', 'merged')"
	" ORDER BY created_at DESC LIMIT 50";

int store_case_nearby(struct db *db, const char *category, int64_t since,
		      double lon0, double lat0, double lon1, double lat1,
		      store_case_cb cb, void *ctx, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_CASE_NEARBY,
				  DB_ARGS(DB_TEXT(category), DB_INT(since),
					  DB_REAL(lon0), DB_REAL(lon1),
					  DB_REAL(lat0), DB_REAL(lat1)), &st,
				  err)))
		return rc;
	return each_case(st, cb, ctx, err);
}

struct id_visit {
	store_case_id_cb cb;
	void *ctx;
};

static int id_visit(void *v, struct db_stmt *st)
{
	struct id_visit *p = v;

	return p->cb(p->ctx, db_column_int64(st, 0));
}

/* Every id a prepared id query returns, to cb (see db_each()). */
static int each_id(struct db_stmt *st, store_case_id_cb cb, void *ctx,
		   struct ug_error *err)
{
	return db_each(st, id_visit, &(struct id_visit){ cb, ctx }, err);
}

static const char SQL_CASES_UNLOCATED[] =
	"SELECT id FROM case_file WHERE lon IS NOT NULL AND lat IS NOT NULL"
	" AND (grid IS NULL OR grid = '') ORDER BY id";

int store_cases_unlocated(struct db *db, store_case_id_cb cb, void *ctx,
			  struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_CASES_UNLOCATED, &st, err)))
		return rc;
	return each_id(st, cb, ctx, err);
}

static const char SQL_CASE_SET_WARN[] =
	"UPDATE case_file SET warn_at = ? WHERE id = ?";

int store_case_set_warn(struct db *db, int64_t id, int64_t warn_at,
			struct ug_error *err)
{
	return db_run_changed(db, SQL_CASE_SET_WARN,
			      DB_ARGS(DB_OPT_INT(warn_at), DB_INT(id)), "case",
			      id, err);
}

static const char SQL_CASE_NOTE_OVERDUE[] =
	"UPDATE case_file SET overdue_at = ? WHERE id = ? AND deadline = ?"
	" AND overdue_at IS NULL";

int store_case_note_overdue(struct db *db, int64_t id, int64_t deadline,
			    int64_t at, struct ug_error *err)
{
	return db_run_changed(db, SQL_CASE_NOTE_OVERDUE,
			      DB_ARGS(DB_INT(at), DB_INT(id), DB_INT(deadline)),
			      "case", id, err);
}

/* The terms of the partial index case_file_overdue_due (schema 0013),
 * repeated so that the planner takes it. */
static const char SQL_CASES_OVERDUE_DUE[] =
	"SELECT id FROM case_file WHERE overdue_at IS NULL"
	" AND deadline IS NOT NULL AND deadline <= ? ORDER BY deadline, id"
	" LIMIT ?";

int store_cases_overdue_due(struct db *db, int64_t now, int64_t limit,
			    store_case_id_cb cb, void *ctx,
			    struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_CASES_OVERDUE_DUE,
				  DB_ARGS(DB_INT(now), DB_INT(limit)), &st,
				  err)))
		return rc;
	return each_id(st, cb, ctx, err);
}

/* A clock runs exactly when deadline is set (terminal and hung cases
 * have none). */
static const char SQL_CASES_WORKING_CLOCK[] =
	"SELECT id FROM case_file WHERE clock = 'working'"
	" AND deadline IS NOT NULL AND deadline >= ? AND stage_started_at <= ?"
	" ORDER BY id";

int store_cases_working_clock(struct db *db, int64_t from, int64_t to,
			      store_case_id_cb cb, void *ctx,
			      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_CASES_WORKING_CLOCK,
				  DB_ARGS(DB_INT(from), DB_INT(to)), &st, err)))
		return rc;
	return each_id(st, cb, ctx, err);
}
