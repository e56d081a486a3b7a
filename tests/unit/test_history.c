/*
 * test_history.c - the import of case history (domain/cases/history.h)
 * and its JSON reader (lib/jsonrows.h), on a fresh database with the
 * synthetic 甲区 (110101), its departments and one unit grid: both
 * formats, the mapping file, bad rows reported by line with their
 * reasons, strict writing nothing, a second run importing nothing twice,
 * the history lines each case gets, and the counters kept equal to the
 * ones recounted from the history (no drift), with figures worked out by
 * hand.
 */
#include "testutil.h"

#include "domain/assess/assess.h"
#include "domain/cases/case.h"
#include "domain/cases/history.h"
#include "domain/spatial/grids.h"
#include "domain/spatial/spatial.h"
#include "lib/jsonrows.h"

#define CN CALENDAR_UTC_OFFSET_CHINA
/* 2026-12-01 00:00 UTC: "now" of the imports (every source time before). */
#define NOW 1796083200

static const struct tu_person people[] = {
	{ "recep", "receptionist", "110101" },
};

/* One grid of community 110101001001 around (116.4105, 39.9105). */
static const char grid_json[] =
	"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
	"\"Feature\",\"properties\":{\"code\":\"110101001001001\"},"
	"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.41,"
	"39.91],[116.411,39.91],[116.411,39.911],[116.41,39.911],"
	"[116.41,39.91]]]}}]}";

static const char map_csv[] =
	"kind,source,code\n"
	"category,PTH,06010\n"
	"category,Graffiti,06011\n"
	"department,Public Works,110101-SZ\n"
	"department,Sanitation,110101-HW\n";

/* Line 2: closed, dispatched; 3: open, no agency, a number id and a time
 * without a zone; 4: an unknown code; 5: a bad status; 6: a point in the
 * sea; 7: closed without a time; 8: a nested value and null members
 * (left out), an agency: open and dispatched. */
static const char open311_json[] =
	"[\n"
	"{\"service_request_id\":\"A1\",\"status\":\"closed\",\"status_notes\":"
	"\"Fixed \\u2713\",\"service_name\":\"Pothole\",\"service_code\":\"PTH\","
	"\"description\":\"Hole\",\"agency_responsible\":\"Public Works\","
	"\"requested_datetime\":\"2026-03-02T09:00:00+08:00\","
	"\"updated_datetime\":\"2026-03-04T10:00:00+08:00\","
	"\"address\":\"1 Road\",\"lat\":39.9105,\"long\":116.4105},\n"
	"{\"service_request_id\":2,\"status\":\"open\",\"service_code\":"
	"\"Graffiti\",\"requested_datetime\":\"2026-03-05 08:00:00\","
	"\"lat\":\"39.9105\",\"long\":\"116.4105\"},\n"
	"{\"service_request_id\":\"A3\",\"status\":\"open\",\"service_code\":"
	"\"XYZ\",\"requested_datetime\":\"2026-03-05T08:00:00Z\"},\n"
	"{\"service_request_id\":\"A4\",\"status\":\"pending\",\"service_code\":"
	"\"PTH\",\"requested_datetime\":\"2026-03-05T08:00:00Z\"},\n"
	"{\"service_request_id\":\"A5\",\"status\":\"open\",\"service_code\":"
	"\"PTH\",\"requested_datetime\":\"2026-03-05T08:00:00Z\",\"lat\":0,"
	"\"long\":0},\n"
	"{\"service_request_id\":\"A6\",\"status\":\"closed\",\"service_code\":"
	"\"PTH\",\"requested_datetime\":\"2026-03-05T08:00:00Z\"},\n"
	"{\"service_request_id\":\"A7\",\"status\":\"open\",\"service_code\":"
	"\"PTH\",\"agency_responsible\":\"Sanitation\",\"media_url\":null,"
	"\"attributes\":{\"a\":[1,{\"b\":null}]},"
	"\"requested_datetime\":\"2026-03-06T08:00:00Z\","
	"\"lat\":39.9105,\"long\":116.4105}\n"
	"]\n";

struct fx {
	struct tu_env *t;
	struct case_env env;
	struct spatial *sp;
	struct user u[1];
	struct actor a[1];
	struct ug_error err;
	char map[320], file[320];
	struct buf reported; /* "line: reason\n" of each bad row */
	struct case_history_result res;
};

static void on_bad_row(void *ctx, long line, const char *message)
{
	struct buf *b = ctx;

	assert_int_equal(buf_printf(b, "%ld: %s\n", line, message), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct grid_import_opts gopts;
	struct grid_import_result gres;

	assert_non_null(f);
	ug_error_clear(&f->err);
	f->t = tu_env_new(1);
	tu_city(f->t->db, NOW - 400 * 86400, people, 1, f->u, f->a);
	memset(&gopts, 0, sizeof gopts);
	tu_assert_ok(grids_import_text(f->t->db, grid_json, strlen(grid_json),
				       &gopts, NOW - 400 * 86400, &gres, &f->err),
		     f->err);
	tu_assert_ok(spatial_open(f->t->db, &f->sp, &f->err), f->err);
	case_env_defaults(&f->env, NULL);
	f->env.spatial = f->sp;
	tu_write_file(f->t->dir, "map.csv", map_csv, strlen(map_csv));
	tu_path(f->map, sizeof f->map, f->t->dir, "map.csv");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	spatial_free(f->sp);
	tu_env_free(f->t);
	buf_free(&f->reported);
	free(f);
	return 0;
}

/* Import `text` as the file `name` with the mapping file (map set) and
 * the flags given; the answer, with f->res and f->reported. */
static int import(struct fx *f, const char *name, const char *text, int map,
		  int strict, const char *area)
{
	struct case_history_opts opts = {
		.map_path = map ? f->map : NULL,
		.area = area,
		.strict = strict,
		.report = on_bad_row,
		.report_ctx = &f->reported,
	};

	tu_write_file(f->t->dir, name, text, strlen(text));
	tu_path(f->file, sizeof f->file, f->t->dir, name);
	buf_reset(&f->reported);
	ug_error_clear(&f->err);
	return case_history_import_file(f->t->db, &f->env, tu_actor("cli"),
					f->file, &opts, NOW, &f->res, &f->err);
}

static int64_t count(struct fx *f, const char *sql)
{
	return tu_query_int(f->t->db, sql);
}

static int64_t drift(struct fx *f)
{
	struct assess_rebuild_result r;

	tu_assert_ok(assess_check(f->t->db, CN, &r, &f->err), f->err);
	return r.differ;
}

static int64_t total(struct fx *f, const char *kind, const char *code,
		     enum assess_counter counter)
{
	struct assess_counts s;

	tu_assert_ok(assess_sum(f->t->db, kind, code, 0, 20260101, 20261231,
				&s, &f->err),
		     f->err);
	return s.n[counter];
}

/* The one text `sql` (a literal: the statement cache is keyed by its
 * address) answers about the case imported as `ref` (its one ?). */
static const char *text_of(struct fx *f, const char *sql, const char *ref)
{
	static char out[1024];
	struct db_stmt *st;
	int rc;

	ug_error_clear(&f->err);
	tu_assert_ok(db_prepare_args(f->t->db, sql, DB_ARGS(DB_TEXT(ref)), &st,
				     &f->err),
		     f->err);
	rc = db_step(st, &f->err);
	if (rc != DB_ROW)
		fail_msg("%s: no row (%d): %s", sql, rc, f->err.message);
	snprintf(out, sizeof out, "%s",
		 db_column_text(st, 0) ? db_column_text(st, 0) : "(null)");
	db_reset(st);
	return out;
}

/* The actions of a case's history in order, "report:import,...". */
static void history_of(struct fx *f, const char *ref, char *out, size_t n)
{
	snprintf(out, n, "%s", text_of(f,
		 "SELECT group_concat(action || ':' || actor, ',') FROM "
		 "(SELECT e.action, e.actor FROM case_event e JOIN case_file c"
		 " ON c.id = e.case_id WHERE c.source_ref = ? ORDER BY e.id)",
		 ref));
}

/* ---- Open311 JSON --------------------------------------------------------- */

static void test_open311(void **state)
{
	struct fx *f = *state;
	char h[256];

	tu_assert_ok(import(f, "requests.json", open311_json, 1, 0, NULL),
		     f->err);
	assert_int_equal(f->res.rows, 7);
	assert_int_equal(f->res.imported, 3);
	assert_int_equal(f->res.present, 0);
	assert_int_equal(f->res.skipped, 4);
	/* 5 + 2 + 3 lines */
	assert_int_equal(f->res.lines, 10);
	assert_string_equal(
		buf_str(&f->reported),
		"4: service_code XYZ is neither in the mapping file nor a "
		"category code\n"
		"5: status must be open or closed, not \"pending\"\n"
		"6: the point 0.000000, 0.000000 is outside the city: more "
		"than 2000 m from every unit grid\n"
		"7: a closed request needs its closing time (updated_datetime) "
		"at or after requested_datetime\n");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_file"), 3);
	/* A1: the case as the source had it, on its grid. */
	assert_string_equal(text_of(f,
		"SELECT state || ' ' || category || ' ' || grid || ' ' || "
		"department || ' ' || description || ' ' || address || ' ' || "
		"created_by || ' ' || version FROM case_file "
		"WHERE source_ref = ?", "A1"),
		"closed 06010 110101001001001 110101-SZ Hole 1 Road import 5");
	assert_int_equal(count(f, "SELECT created_at FROM case_file WHERE "
				  "source_ref = 'A1'"),
			 1772413200); /* 2026-03-02T01:00:00Z */
	assert_int_equal(count(f, "SELECT closed_at FROM case_file WHERE "
				  "source_ref = 'A1'"),
			 1772589600); /* 2026-03-04T02:00:00Z */
	assert_string_equal(text_of(f,
		"SELECT number FROM case_file WHERE source_ref = ?", "A1"),
		"2026030200001");
	history_of(f, "A1", h, sizeof h);
	assert_string_equal(h, "report:import,file:import,dispatch:import,"
			       "handle:import,close:import");
	assert_string_equal(text_of(f,
		"SELECT e.note FROM case_event e JOIN case_file c ON "
		"c.id = e.case_id WHERE c.source_ref = ? AND "
		"e.action = 'close'", "A1"), "Fixed \xE2\x9C\x93");
	/* 2: a number id, a time without a zone read in the city's. */
	assert_string_equal(text_of(f,
		"SELECT state || ' ' || category FROM case_file WHERE "
		"source_ref = ?", "2"), "filed 06011");
	assert_int_equal(count(f, "SELECT created_at FROM case_file WHERE "
				  "source_ref = '2'"),
			 1772668800); /* 2026-03-05T00:00:00Z */
	history_of(f, "2", h, sizeof h);
	assert_string_equal(h, "report:import,file:import");
	/* A7: the nested and null members left out. */
	history_of(f, "A7", h, sizeof h);
	assert_string_equal(h, "report:import,file:import,dispatch:import");
	assert_string_equal(text_of(f,
		"SELECT state || ' ' || department FROM case_file WHERE "
		"source_ref = ?", "A7"), "dispatched 110101-HW");

	/* The counters: what the lines say, worked out by hand. */
	assert_int_equal(drift(f), 0);
	assert_int_equal(total(f, "category", "06010", AC_reported), 2);
	assert_int_equal(total(f, "category", "06011", AC_reported), 1);
	assert_int_equal(total(f, "category", "06010", AC_filed), 2);
	assert_int_equal(total(f, "category", "06010", AC_valid_public), 2);
	assert_int_equal(total(f, "department", "110101-SZ", AC_dispatched), 1);
	assert_int_equal(total(f, "department", "110101-HW", AC_to_handle), 1);
	assert_int_equal(total(f, "department", "110101-SZ", AC_handled), 1);
	assert_int_equal(total(f, "department", "110101-SZ", AC_closed), 1);
	assert_int_equal(total(f, "department", "110101-HW", AC_closed), 0);
	assert_int_equal(total(f, "grid", "110101001001001", AC_reported), 3);
	/* No deadline is known: nothing counts as on time. */
	assert_int_equal(total(f, "category", "06010", AC_filed_on_time), 0);
	/* Nobody's post: the actor import is no one's. */
	assert_int_equal(total(f, "receptionist", "import", AC_filed), 0);
}

/* ---- CSV --------------------------------------------------------------------- */

static const char cases_csv[] =
	"number,category,description,address,lon,lat,requested,updated,"
	"closed,status,department,notes\n"
	"C1,06010,\"Bins, overflowing\",2 Street,116.4105,39.9105,"
	"2026-05-01T08:00:00+08:00,2026-05-02T08:00:00+08:00,"
	"2026-05-02T07:00:00+08:00,closed,110101-HW,done\n"
	"C2,06010,no point,,,,2026-05-01 09:00:00,,2026-05-01 18:00:00,closed,,\n"
	"C3,06010,bad time,,,,yesterday,,,open,,\n"
	"C4,06010,future,,,,2027-05-01T08:00:00Z,,,open,,\n"
	"C5,06010,lon alone,,116.41,,2026-05-01T08:00:00Z,,,open,,\n"
	"C6,06010,unknown department,,,,2026-05-01T08:00:00Z,,,open,NOPE,\n"
	",06010,no number,,,,2026-05-01T08:00:00Z,,,open,,\n";

static void test_csv(void **state)
{
	struct fx *f = *state;
	char h[256];

	/* Without the mapping file: the codes are category and department
	 * codes themselves; --area places the row without a point. */
	tu_assert_ok(import(f, "cases.csv", cases_csv, 0, 0, "110101001"),
		     f->err);
	assert_int_equal(f->res.rows, 7);
	assert_int_equal(f->res.imported, 2);
	assert_int_equal(f->res.skipped, 5);
	assert_string_equal(
		buf_str(&f->reported),
		"4: requested must be an ISO 8601 date-time, not \"yesterday\"\n"
		"5: a date-time lies in the future\n"
		"6: lon and lat must be given together, as WGS84 degrees\n"
		"7: department NOPE is neither in the mapping file nor a "
		"department code\n"
		"8: number is required (at most 64 bytes)\n");
	history_of(f, "C1", h, sizeof h);
	assert_string_equal(h, "report:import,file:import,dispatch:import,"
			       "handle:import,close:import");
	assert_string_equal(text_of(f,
		"SELECT description || '|' || grid || '|' || closed_at || '|' "
		"|| updated_at FROM case_file WHERE source_ref = ?", "C1"),
		"Bins, overflowing|110101001001001|1777676400|1777680000");
	/* C2: no point, placed in the area given; closed without a
	 * department: report, file, close. */
	history_of(f, "C2", h, sizeof h);
	assert_string_equal(h, "report:import,file:import,close:import");
	assert_string_equal(text_of(f,
		"SELECT area || ' ' || state FROM case_file WHERE "
		"source_ref = ?", "C2"), "110101001 closed");
	assert_int_equal(drift(f), 0);
	assert_int_equal(total(f, "street", "110101001", AC_closed), 2);
	assert_int_equal(total(f, "department", "110101-HW", AC_closed), 1);
}

static void test_missing_column_and_bad_map(void **state)
{
	struct fx *f = *state;
	static const char bad_map[] = "kind,source,code\n"
				      "category,PTH,99999\n";

	tu_assert_err(import(f, "x.csv", "number,category,status\nC1,06010,"
					  "open\n", 0, 0, NULL),
		      f->err, UG_EINVAL, NULL);
	tu_assert_contains(f->err.message, "no column requested");
	tu_write_file(f->t->dir, "map.csv", bad_map, strlen(bad_map));
	tu_assert_err(import(f, "requests.json", open311_json, 1, 0, NULL),
		      f->err, UG_EINVAL, "map");
	tu_assert_contains(f->err.message, "map.csv:2: category 99999 is not "
					   "known here");
	tu_assert_err(import(f, "requests.json", "[{\"a\":1},]", 0, 0, NULL),
		      f->err, UG_EINVAL, NULL);
	tu_assert_contains(f->err.message, "requests.json:1: ");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_file"), 0);
	/* An unknown area for rows without a place. */
	tu_assert_err(import(f, "cases.csv", cases_csv, 0, 0, "999999"),
		      f->err, UG_EINVAL, "area");
}

/* ---- all or nothing, and never twice ------------------------------------- */

static void test_strict_writes_nothing(void **state)
{
	struct fx *f = *state;
	int64_t objects = tu_schema_objects(f->t->db);

	tu_assert_err(import(f, "requests.json", open311_json, 1, 1, NULL),
		      f->err, UG_EINVAL, NULL);
	tu_assert_contains(f->err.message, "4 bad rows; strict");
	assert_int_equal(f->res.imported, 0);
	assert_int_equal(f->res.skipped, 4);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_file"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_event"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM assess_day"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_number_counter"),
			 0);
	/* The indexes set aside for the writing are all back. */
	assert_int_equal(tu_schema_objects(f->t->db), objects);
	/* The same rows without the bad ones import whole. */
	tu_assert_ok(import(f, "good.csv",
			    "number,category,requested,status\n"
			    "G1,06010,2026-05-01T08:00:00Z,open\n",
			    0, 1, "110101001"),
		     f->err);
	assert_int_equal(f->res.imported, 1);
	assert_int_equal(tu_schema_objects(f->t->db), objects);
}

static void test_rerun_imports_nothing_twice(void **state)
{
	struct fx *f = *state;
	struct case_intake in = {
		.category = "06010", .description = "a case of today",
		.source = "hotline", .urgency = "normal",
		.area = "110101001001",
	};
	struct case_row *c = calloc(1, sizeof *c);
	int64_t lines, rows;

	assert_non_null(c);
	/* A case filed in UrbanGrid itself: its counters must survive the
	 * recount. */
	f->env.calendar = tu_calendar_plain();
	assert_non_null(f->env.calendar);
	tu_assert_ok(case_intake(f->t->db, &f->env, &f->a[0], &in,
				 NOW - 3600, c, NULL, &f->err),
		     f->err);
	tu_assert_ok(import(f, "requests.json", open311_json, 1, 0, NULL),
		     f->err);
	assert_int_equal(f->res.imported, 3);
	lines = count(f, "SELECT COUNT(*) FROM case_event");
	rows = count(f, "SELECT COUNT(*) FROM case_file");
	assert_int_equal(rows, 4);
	assert_int_equal(drift(f), 0);
	tu_assert_ok(import(f, "requests.json", open311_json, 1, 0, NULL),
		     f->err);
	assert_int_equal(f->res.imported, 0);
	assert_int_equal(f->res.present, 3);
	assert_int_equal(f->res.lines, 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_event"), lines);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_file"), rows);
	/* Numbers were not taken for rows left alone. */
	assert_int_equal(count(f, "SELECT SUM(last) FROM case_number_counter"),
			 4);
	assert_int_equal(drift(f), 0);
	assert_int_equal(total(f, "category", "06010", AC_reported), 3);
	calendar_free((struct calendar *)f->env.calendar);
	f->env.calendar = NULL;
	free(c);
}

/* The import numbers its cases itself and writes each day's last number
 * back once: a day that already had cases continues after them, and a
 * case filed after the import continues after the imported ones; so with
 * the cases' ids. */
static void test_numbers_continue_the_day(void **state)
{
	struct fx *f = *state;
	struct case_intake in = {
		.category = "06010", .description = "a case of that day",
		.source = "hotline", .urgency = "normal",
		.area = "110101001001",
	};
	/* 2026-03-02T03:00:00Z: 11:00 on the day A1 was requested. */
	const int64_t day = 1772420400;
	struct case_row *c = calloc(1, sizeof *c);

	assert_non_null(c);
	f->env.calendar = tu_calendar_plain();
	assert_non_null(f->env.calendar);
	tu_assert_ok(case_intake(f->t->db, &f->env, &f->a[0], &in, day, c,
				 NULL, &f->err),
		     f->err);
	assert_string_equal(c->number, "2026030200001");
	tu_assert_ok(import(f, "requests.json", open311_json, 1, 0, NULL),
		     f->err);
	assert_string_equal(text_of(f,
		"SELECT number FROM case_file WHERE source_ref = ?", "A1"),
		"2026030200002");
	/* Rows 2 and A7: the first of their days. */
	assert_string_equal(text_of(f,
		"SELECT number FROM case_file WHERE source_ref = ?", "A7"),
		"2026030600001");
	tu_assert_ok(case_intake(f->t->db, &f->env, &f->a[0], &in, day + 60,
				 c, NULL, &f->err),
		     f->err);
	assert_string_equal(c->number, "2026030200003");
	/* The ids the import gave itself: after the first case's, before
	 * the last's, each with its own lines. */
	assert_int_equal(count(f, "SELECT MIN(id) FROM case_file WHERE "
				  "source_ref IS NOT NULL"), 2);
	assert_int_equal(count(f, "SELECT MAX(id) FROM case_file WHERE "
				  "source_ref IS NOT NULL"), 4);
	assert_int_equal(c->id, 5);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM case_event e JOIN "
				  "case_file c ON c.id = e.case_id WHERE "
				  "c.source_ref = 'A1'"), 5);
	assert_int_equal(count(f, "SELECT last FROM case_number_counter "
				  "WHERE day = '20260306'"), 1);
	calendar_free((struct calendar *)f->env.calendar);
	f->env.calendar = NULL;
	free(c);
}

static void test_forbidden(void **state)
{
	struct fx *f = *state;
	struct case_history_opts opts = { 0 };
	struct case_history *h = NULL;
	static const char *const names[HF_COUNT] = { "a" };

	tu_assert_err(case_history_begin(f->t->db, &f->env, &f->a[0], &opts,
					 names, NOW, &h, &f->err),
		      f->err, UG_EFORBIDDEN, NULL);
	case_history_free(h);
}

/* ---- the JSON reader ------------------------------------------------------- */

struct jr {
	FILE *fp;
	struct jsonrows_reader r;
	struct ug_error err;
};

static void jr_open(struct jr *j, const char *text)
{
	j->fp = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(j->fp);
	jsonrows_init(&j->r, j->fp, "t.json");
	ug_error_clear(&j->err);
}

static void jr_close(struct jr *j)
{
	jsonrows_free(&j->r);
	fclose(j->fp);
}

static void test_jsonrows_values(void **state)
{
	struct jr j;

	(void)state;
	jr_open(&j, "\xEF\xBB\xBF [ {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\","
		    "\"n\":-1.5e3, \"t\":true,\"f\":false,\"z\":null,"
		    "\"o\":{\"x\":[1,2,{\"y\":\"\"}]},\"a\":[]},\n"
		    "\n  {}, {\"s\":\"\"} ]  \n");
	assert_int_equal(jsonrows_next(&j.r, &j.err), 1);
	assert_int_equal(j.r.line, 1);
	assert_int_equal(jsonrows_count(&j.r), 4);
	assert_string_equal(jsonrows_name(&j.r, 0), "s");
	assert_string_equal(jsonrows_value(&j.r, 0),
			    "a\"b\\c/\n\xC3\xA9\xF0\x9F\x98\x80");
	assert_string_equal(jsonrows_value(&j.r, 1), "-1.5e3");
	assert_string_equal(jsonrows_value(&j.r, 2), "true");
	assert_string_equal(jsonrows_name(&j.r, 3), "f");
	assert_null(jsonrows_name(&j.r, 4));
	assert_int_equal(jsonrows_next(&j.r, &j.err), 1);
	assert_int_equal(j.r.line, 3);
	assert_int_equal(jsonrows_count(&j.r), 0);
	assert_int_equal(jsonrows_next(&j.r, &j.err), 1);
	assert_string_equal(jsonrows_value(&j.r, 0), "");
	assert_int_equal(jsonrows_next(&j.r, &j.err), 0);
	assert_int_equal(jsonrows_next(&j.r, &j.err), 0);
	jr_close(&j);
	jr_open(&j, "[]");
	assert_int_equal(jsonrows_next(&j.r, &j.err), 0);
	jr_close(&j);
}

static void test_jsonrows_errors(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "", "t.json:1: not a JSON array" },
		{ "{}", "t.json:1: not a JSON array" },
		{ "[1]", "t.json:1: each element of the array must be an object" },
		{ "[{\"a\":1}", "t.json:1: ',' or ']' was expected" },
		{ "[{\"a\":1}] x", "t.json:1: text after the closing ']'" },
		{ "[{\"a\" 1}]", "t.json:1: ':' was expected" },
		{ "[{a:1}]", "t.json:1: a member name (a string) was expected" },
		{ "[{\"a\":01}]", "t.json:1: not a JSON value" },
		{ "[{\"a\":1.}]", "t.json:1: a number with no digits" },
		{ "[{\"a\":tru}]", "t.json:1: not a JSON value" },
		{ "[{\"a\":\"\\x\"}]", "t.json:1: an unknown escape" },
		{ "[{\"a\":\"\\u00\"}]", "t.json:1: \\u must be followed" },
		{ "[{\"a\":\"\\ud800\"}]", "t.json:1: a high surrogate" },
		{ "[{\"a\":\"\\udc00\"}]", "t.json:1: a lone low surrogate" },
		{ "[{\"a\":\"\\u0000\"}]", "t.json:1: \\u0000 (NUL)" },
		{ "[{\"a\":\"\xC3\"}]", "t.json:1: a string that is not valid" },
		{ "[{\"a\":\"\t\"}]", "t.json:1: a control character" },
		{ "[\n{\"a\":\"x", "t.json:2: unterminated string" },
		{ "[{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		  "[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		  "]]]]]]]]]]]]]]]]]}]", "t.json:1: values nested too deeply" },
		{ "[{\"a\":}]", "t.json:1: a value was expected" },
	};
	struct jr j;
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		jr_open(&j, cases[i].text);
		while ((rc = jsonrows_next(&j.r, &j.err)) == 1)
			;
		if (rc != -UG_EINVAL)
			fail_msg("%s: %d %s", cases[i].text, rc, j.err.message);
		tu_assert_contains(j.err.message, cases[i].message);
		jr_close(&j);
	}
	/* An object past the size limit. */
	jr_open(&j, "[{\"a\":\"0123456789\"}]");
	j.r.max_record = 8;
	assert_int_equal(jsonrows_next(&j.r, &j.err), -UG_ETOOBIG);
	jr_close(&j);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open311),
		T(test_csv),
		T(test_missing_column_and_bad_map),
		T(test_strict_writes_nothing),
		T(test_rerun_imports_nothing_twice),
		T(test_numbers_continue_the_day),
		T(test_forbidden),
		cmocka_unit_test(test_jsonrows_values),
		cmocka_unit_test(test_jsonrows_errors),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
