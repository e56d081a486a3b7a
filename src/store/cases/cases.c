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
	CASE_INSERT_COLUMNS ") VALUES (" CASE_INSERT_VALUES ")";
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

int store_case_insert(struct db *db, struct case_row *c, struct ug_error *err)
{
	return db_run_insert(db, SQL_CASE_INSERT, DB_ARGS(CASE_INSERT_ARGS(c)),
			     &c->id, err);
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

/* ---- a filter's WHERE clause ---------------------------------------- */

/*
 * A list, count, map or overview of the cases states only the terms of
 * its filter that are on: the planner then sees what is asked (a list
 * of everything counts from the table alone, a queue from the open
 * cases' index), and no row pays for a term that is off.  With one text
 * for every filter, each term switched off by a parameter (`? = '' OR
 * category = ?`), every row evaluated all of them: a count of 14,000
 * cases took 3.1 ms against 0.005 ms stated plainly, and of the 13,000
 * open ones 5.1 ms against 1.0 (sqlite3 3.40, best of seven).
 *
 * The text is made for the request and interned (db_intern: db_prepare
 * keeps statements by their text's address).  Past DB_INTERN_MAX texts -
 * a client trying every combination of filters - the filter is stated
 * `guarded` instead: every term present, each switched by a parameter
 * (the old form), a fixed few texts whatever the filter.  Both forms
 * come from the one builder below, term by term.
 */

/* The most parameters a case statement takes: a guarded WHERE (55),
 * two before it and eight after. */
#define WHERE_ARGS_MAX 72

struct case_where {
	struct buf sql;
	struct db_arg args[WHERE_ARGS_MAX + 1]; /* DB_ARG_END-terminated */
	int nargs;
	int nterms;
	int guarded;
	int oom;      /* an append failed: the text is not whole */
	int too_many; /* more parameters than WHERE_ARGS_MAX */
	struct buf like; /* q as a LIKE pattern: args point into it */
};

static void where_sql(struct case_where *w, const char *text)
{
	if (buf_puts(&w->sql, text))
		w->oom = 1;
}

static void where_arg(struct case_where *w, struct db_arg a)
{
	/* WHERE_ARGS_MAX counts every statement below; past it the
	 * statement is refused (where_prepare), never bound short. */
	if (w->nargs < WHERE_ARGS_MAX)
		w->args[w->nargs++] = a;
	else
		w->too_many = 1;
}

static void where_int(struct case_where *w, int64_t v)
{
	where_arg(w, (struct db_arg)DB_INT(v));
}

static void where_text(struct case_where *w, const char *v)
{
	where_arg(w, (struct db_arg)DB_TEXT(v ? v : ""));
}

/* One term of the filter.  Plain: written when on, and the caller then
 * adds its values.  Guarded: always written, behind its switch (`on`,
 * the first value), and the caller adds its values, on or not. */
static int where_term(struct case_where *w, int on, const char *term)
{
	if (!on && !w->guarded)
		return 0;
	where_sql(w, w->nterms++ ? " AND " : " WHERE ");
	if (w->guarded) {
		where_int(w, on);
		where_sql(w, "(? = 0 OR ");
	}
	where_sql(w, term);
	if (w->guarded)
		where_sql(w, ")");
	return 1;
}

/* A term that is part of the statement itself, not of the filter. */
static void where_always(struct case_where *w, const char *term)
{
	where_sql(w, w->nterms++ ? " AND " : " WHERE ");
	where_sql(w, term);
}

/* Added when every state asked for is open (f->open_only): the very term
 * of the partial index case_file_open (schemas 0011, 0028), which the
 * planner uses only when the query states it - so the queues never read
 * the closed cases, however many years of them the table holds. */
#define CASE_OPEN "state NOT IN ('closed', 'rejected', 'void', 'merged')"

/* The light at now (domain/cases/case.c, case_light).  Plain: the one
 * asked for (an unknown one matches nothing); guarded: all four behind
 * their names. */
static void where_light(struct case_where *w, const char *light, int64_t now)
{
	static const char guarded[] =
		"((? = 'none' AND deadline IS NULL)"
		" OR (? = 'red' AND deadline <= ?)"
		" OR (? = 'yellow' AND warn_at <= ? AND deadline > ?)"
		" OR (? = 'green' AND warn_at > ? AND deadline > ?))";

	if (w->guarded) {
		where_term(w, *light != '\0', guarded);
		where_text(w, light);
		where_text(w, light);
		where_int(w, now);
		for (int k = 0; k < 2; k++) {
			where_text(w, light);
			where_int(w, now);
			where_int(w, now);
		}
	} else if (!*light) {
		return;
	} else if (strcmp(light, "none") == 0) {
		where_term(w, 1, "deadline IS NULL");
	} else if (strcmp(light, "red") == 0) {
		where_term(w, 1, "deadline <= ?");
		where_int(w, now);
	} else if (strcmp(light, "yellow") == 0) {
		where_term(w, 1, "warn_at <= ? AND deadline > ?");
		where_int(w, now);
		where_int(w, now);
	} else if (strcmp(light, "green") == 0) {
		where_term(w, 1, "warn_at > ? AND deadline > ?");
		where_int(w, now);
		where_int(w, now);
	} else {
		where_term(w, 1, "0");
	}
}

/* f's terms, with their parameters, into the statement being made. */
static void where_filter(struct case_where *w, const struct case_filter *f)
{
	const char *q = f->q ? f->q : "";
	const char *light = f->light ? f->light : "";
	int nstates = 0;

	while (nstates < 16 && f->states[nstates])
		nstates++;
	/* The states: one IN list of 16 parameters, NULL past the last
	 * asked for - one text whatever their number. */
	if (where_term(w, nstates > 0,
		       "state IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		       " ?)"))
		for (int k = 0; k < 16; k++)
			where_arg(w, k < nstates
					     ? (struct db_arg)DB_TEXT(f->states[k])
					     : (struct db_arg)DB_NULL);
	if (where_term(w, f->category && *f->category, "category = ?"))
		where_text(w, f->category);
	if (where_term(w, f->area_prefix && *f->area_prefix,
		       "substr(area, 1, length(?)) = ?")) {
		where_text(w, f->area_prefix);
		where_text(w, f->area_prefix);
	}
	if (where_term(w, f->department && *f->department, "department = ?"))
		where_text(w, f->department);
	/* q is matched literally: LIKE's wildcards escaped. */
	buf_reset(&w->like);
	if (*q) {
		w->oom |= buf_putc(&w->like, '%') != 0;
		for (const char *p = q; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				w->oom |= buf_putc(&w->like, '\\') != 0;
			w->oom |= buf_putc(&w->like, *p) != 0;
		}
		w->oom |= buf_putc(&w->like, '%') != 0;
	}
	if (where_term(w, *q,
		       "(description LIKE ? ESCAPE '\\' OR address LIKE ?"
		       " ESCAPE '\\' OR number = ?)")) {
		where_text(w, buf_str(&w->like));
		where_text(w, buf_str(&w->like));
		where_text(w, q);
	}
	if (where_term(w, f->overdue,
		       "(deadline IS NOT NULL AND deadline < ?)"))
		where_int(w, f->now);
	if (where_term(w, f->from != 0, "created_at >= ?"))
		where_int(w, f->from);
	if (where_term(w, f->to != 0, "created_at < ?"))
		where_int(w, f->to);
	if (where_term(w, f->scope_area && *f->scope_area,
		       "substr(area, 1, length(?)) = ?")) {
		where_text(w, f->scope_area);
		where_text(w, f->scope_area);
	}
	if (where_term(w, f->scope_department && *f->scope_department,
		       "department = ?"))
		where_text(w, f->scope_department);
	if (where_term(w, f->source && *f->source, "source = ?"))
		where_text(w, f->source);
	where_term(w, f->extension_pending, "extension_hours > 0");
	where_term(w, f->supervised, "priority > 0");
	if (where_term(w, f->assignee && *f->assignee, "assignee = ?"))
		where_text(w, f->assignee);
	where_light(w, light, f->now);
	if (f->open_only)
		where_always(w, CASE_OPEN);
}

/* Prepare `prefix` + f's WHERE + `suffix` with its parameters: before
 * (n_before of them, for the prefix's own), the filter's, then after
 * (n_after) - plainly stated, or guarded past db_intern's bound.  `extra`
 * (NULL: none) is a term of the statement's own. */
static int where_prepare(struct db *db, struct case_where *w,
			 const char *prefix, const struct db_arg *before,
			 int n_before, const struct case_filter *f,
			 const char *extra, const char *suffix,
			 const struct db_arg *after, int n_after,
			 struct db_stmt **st, struct ug_error *err)
{
	const char *sql;

	/* Plainly, unless f asks otherwise; guarded when db_intern has no
	 * room left for the plain text: at most two rounds. */
	for (w->guarded = !!f->guarded;; w->guarded = 1) {
		buf_reset(&w->sql);
		w->nargs = w->nterms = w->oom = w->too_many = 0;
		where_sql(w, prefix);
		for (int k = 0; k < n_before; k++)
			where_arg(w, before[k]);
		where_filter(w, f);
		if (extra)
			where_always(w, extra);
		where_sql(w, suffix);
		for (int k = 0; k < n_after; k++)
			where_arg(w, after[k]);
		if (w->oom)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		if (w->too_many)
			return ug_fail(err, UG_EINTERNAL, NULL,
				       "a case statement with more than %d "
				       "parameters", WHERE_ARGS_MAX);
		if ((sql = db_intern(buf_str(&w->sql), w->guarded)) ||
		    w->guarded)
			break;
	}
	if (!sql)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	w->args[w->nargs].kind = DB_ARG_END;
	return db_prepare_args(db, sql, w->args, st, err);
}

static void where_free(struct case_where *w)
{
	buf_free(&w->sql);
	buf_free(&w->like);
}

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

int store_case_list(struct db *db, const struct case_filter *f,
		    store_case_cb cb, void *ctx, int64_t *total,
		    struct ug_error *err)
{
	struct case_where w = { .sql = BUF_INIT, .like = BUF_INIT };
	struct db_arg after[8];
	const char *order;
	struct db_stmt *st;
	int n = 0, rc;

	if ((rc = where_prepare(db, &w, "SELECT COUNT(*) FROM case_file", NULL,
				0, f, NULL, "", NULL, 0, &st, err)) ||
	    (rc = db_step(st, err)) < 0)
		goto out;
	*total = db_column_int64(st, 0);
	db_reset(st);
	if (f->near) {
		order = CASE_NEAREST;
		after[n++] = (struct db_arg)DB_REAL(f->near_lon);
		after[n++] = (struct db_arg)DB_REAL(f->near_lon_scale);
		after[n++] = (struct db_arg)DB_REAL(f->near_lon);
		after[n++] = (struct db_arg)DB_REAL(f->near_lon_scale);
		after[n++] = (struct db_arg)DB_REAL(f->near_lat);
		after[n++] = (struct db_arg)DB_REAL(f->near_lat);
	} else {
		order = f->by_deadline ? CASE_URGENT : CASE_NEWEST;
	}
	after[n++] = (struct db_arg)DB_INT(f->limit);
	after[n++] = (struct db_arg)DB_INT(f->offset);
	if ((rc = where_prepare(db, &w, "SELECT " CASE_COLUMNS " FROM case_file",
				NULL, 0, f, NULL, order, after, n, &st, err)))
		goto out;
	rc = each_case(st, cb, ctx, err);
out:
	where_free(&w);
	return rc < 0 ? rc : 0;
}

/* The light now of a case, as a column (the map's points, the
 * overview's numbers): two parameters, now and now. */
#define CASE_LIGHT_COLUMN                                                   \
	"CASE WHEN deadline IS NULL THEN 'none' WHEN deadline <= ? THEN 'red'" \
	" WHEN warn_at <= ? THEN 'yellow' ELSE 'green' END"

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

/* The map's points: the located cases matching f with their light. */
int store_case_points(struct db *db, const struct case_filter *f,
		      int64_t limit, store_case_point_cb cb, void *ctx,
		      struct ug_error *err)
{
	struct case_where w = { .sql = BUF_INIT, .like = BUF_INIT };
	struct db_arg now[2] = { DB_INT(f->now), DB_INT(f->now) };
	struct db_arg after[1] = { DB_INT(limit) };
	struct db_stmt *st;
	int rc;

	if ((rc = where_prepare(db, &w,
				"SELECT id, lon, lat, " CASE_LIGHT_COLUMN
				" FROM case_file", now, 2, f,
				"lon IS NOT NULL AND lat IS NOT NULL",
				" ORDER BY id LIMIT ?", after, 1, &st, err)))
		goto out;
	rc = db_each(st, point_visit, &(struct point_visit){ cb, ctx }, err);
out:
	where_free(&w);
	return rc < 0 ? rc : 0;
}

/* The numbers of an overview: matching cases by state (or department)
 * and light now.  Grouped by light first: grouped by state first, the
 * planner (without ANALYZE's statistics) walks the whole state index for
 * its order instead of the open cases' partial index: over a million
 * cases of which 14,000 are open, 170-240 ms instead of 40 ms (the
 * sqlite3 shell's timer, medians of three). */
int store_case_stats(struct db *db, const struct case_filter *f,
		     int by_department, store_case_stat_cb cb, void *ctx,
		     struct ug_error *err)
{
	struct case_where w = { .sql = BUF_INIT, .like = BUF_INIT };
	struct db_arg now[2] = { DB_INT(f->now), DB_INT(f->now) };
	struct db_stmt *st;
	int rc;

	if ((rc = where_prepare(db, &w,
				by_department
					? "SELECT coalesce(department, ''), "
					  CASE_LIGHT_COLUMN " AS light, COUNT(*)"
					  " FROM case_file"
					: "SELECT state, " CASE_LIGHT_COLUMN
					  " AS light, COUNT(*) FROM case_file",
				now, 2, f, NULL,
				" GROUP BY light, 1 ORDER BY 1, light", NULL, 0,
				&st, err)))
		goto out;
	while ((rc = db_step(st, err)) == DB_ROW)
		if ((rc = cb(ctx, db_column_text(st, 0), db_column_text(st, 1),
			     db_column_int64(st, 2))) != 0) {
			db_reset(st);
			break;
		}
out:
	where_free(&w);
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

/* The public list's own terms: the category open to the public (a
 * lookup per row by primary key), of `categories` and in `states`. */
#define PUBLIC_FILTER                                                       \
	" (SELECT public FROM category k WHERE k.code = category) = 1"      \
	" AND (?3 = '' OR ?3 LIKE '%,' || category || ',%')"                \
	" AND (?4 = '' OR ?4 LIKE '%,' || state || ',%')"
/* created_at drives the scan (case_file_created), newest first. */
static const char SQL_CASE_LIST_PUBLIC[] =
	"SELECT " CASE_COLUMNS " FROM case_file"
	" WHERE created_at >= ?1 AND created_at <= ?2 AND" PUBLIC_FILTER
	" ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6";

/* The same when no final state is asked for but `merged` (Open311's
 * status=open: a merged report is listed by the case it joined, so it
 * is always fetched).  Read newest first through every case of the
 * window, that list went through all the closed ones to find the few
 * open: 15-50 ms a list with 14,000 rejected cases, growing with each
 * (the soak, bench/README.md).  Here the open cases come from their
 * own index (case_file_open: its very term) and the merged ones from
 * theirs (case_file_merged, schema 0031), then sorted: 1.2-1.8 ms for
 * the same list.  `+created_at`, in the window and in the order, keeps
 * the planner from walking the filing-time index for the order instead
 * (through every case again): test_public_open_plan checks the plan. */
static const char SQL_CASE_LIST_PUBLIC_OPEN[] =
	"SELECT " CASE_COLUMNS " FROM ("
	"SELECT * FROM case_file WHERE " CASE_OPEN
	" AND +created_at >= ?1 AND +created_at <= ?2"
	" UNION ALL SELECT * FROM case_file WHERE state = 'merged'"
	" AND created_at >= ?1 AND created_at <= ?2) WHERE"
	PUBLIC_FILTER " ORDER BY +created_at DESC, id DESC LIMIT ?5 OFFSET ?6";

const char *store_case_list_public_open_sql(void)
{
	return SQL_CASE_LIST_PUBLIC_OPEN;
}

int store_case_list_public(struct db *db, const char *categories,
			   const char *states, int64_t from, int64_t to,
			   int64_t limit, int64_t offset, store_case_cb cb,
			   void *ctx, struct ug_error *err)
{
	/* No final state asked for but merged: CASE_OPEN's states. */
	int open = *states && !strstr(states, ",closed,") &&
		   !strstr(states, ",rejected,") && !strstr(states, ",void,");
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, open ? SQL_CASE_LIST_PUBLIC_OPEN
					   : SQL_CASE_LIST_PUBLIC,
				  DB_ARGS(DB_INT(from), DB_INT(to),
					  DB_TEXT(categories), DB_TEXT(states),
					  DB_INT(limit), DB_INT(offset)),
				  &st, err)))
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
static const char SQL_EVENT_INSERT[] = EVENT_INSERT;

#define EVENT_INSERT_ARGS(e)                                              \
	DB_ARGS(DB_INT((e)->case_id), DB_INT((e)->at), DB_TEXT((e)->actor), \
		DB_TEXT((e)->actor_role), DB_TEXT((e)->action),           \
		DB_OPT_TEXT((e)->from_state), DB_TEXT((e)->to_state),     \
		DB_TEXT((e)->note),                                       \
		DB_TEXT((e)->data[0] ? (e)->data : "{}"))

int store_case_event_insert_bulk(struct db *db, const struct case_event_row *e,
				 struct ug_error *err)
{
	return db_run(db, SQL_EVENT_INSERT, EVENT_INSERT_ARGS(e), err);
}

int store_case_event_insert(struct db *db, struct case_event_row *e,
			    struct ug_error *err)
{
	return db_run_insert(db, SQL_EVENT_INSERT, EVENT_INSERT_ARGS(e), &e->id,
			     err);
}

/* Every field set, without a memset: the row is 16 KB, and Open311's
 * list of 1,000 cases reads some 6,000 lines for their notes. */
static void event_from_row(struct db_stmt *st, struct case_event_row *e)
{
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
 * longitude and age too (schema 0027), so only the cases that pass are
 * read from the table, and the open cases alone (0032: CASE_OPEN, the
 * very term of its WHERE, which is what lets the planner take it), so
 * the band does not grow with the city's closed history.
 * test_nearby_plan checks the plan. */
static const char SQL_CASE_NEARBY[] =
	"SELECT " CASE_COLUMNS " FROM case_file WHERE category = ?"
	" AND +created_at >= ? AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
	" AND " CASE_OPEN " ORDER BY created_at DESC LIMIT 50";

const char *store_case_nearby_sql(void)
{
	return SQL_CASE_NEARBY;
}

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
