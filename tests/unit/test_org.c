/*
 * test_org.c - the organisation model (domain/org/org.h) on a fresh database:
 * importing divisions from the synthetic fixture (counts, parents, names,
 * a second run that adds nothing, the municipality case), every refusal
 * (malformed or unknown county, missing folder or file, malformed CSV
 * naming file:line) leaving the database unchanged, the standard
 * departments and their idempotence, and department code rules.
 */
#include "testutil.h"

#include "domain/org/org.h"
#include "store/cases/cases.h"

#define NOW INT64_C(1795425011)

static int64_t count_level(struct db *db, const char *level)
{
	struct ug_error err;
	int64_t n = -1;

	ug_error_clear(&err);
	tu_assert_ok(store_division_count(db, level, &n, &err), err);
	return n;
}

static int64_t count_divisions(struct db *db)
{
	return tu_query_int(db, "SELECT COUNT(*) FROM division");
}

static void assert_division(struct db *db, const char *code, const char *name,
			    const char *level, const char *parent)
{
	struct division d;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(store_division_get(db, code, &d, &err), err);
	assert_string_equal(d.name, name);
	assert_string_equal(d.level, level);
	assert_string_equal(d.parent, parent);
}

static int import(struct db *db, const char *dir, const char *county,
		  struct division_import_stats *stats, struct ug_error *err)
{
	ug_error_clear(err);
	return org_import_divisions(db, dir, county, NOW, stats, err);
}

/* Importing dir's 甲区 (110101) fails with `code` on `field`, the
 * message holding `says` (and `also`, unless NULL), and writes nothing. */
static void assert_refused(struct db *db, const char *dir, int code,
			   const char *field, const char *says,
			   const char *also)
{
	struct division_import_stats st;
	struct ug_error err;

	tu_assert_err(import(db, dir, "110101", &st, &err), err, code, field);
	tu_assert_contains(err.message, says);
	if (also)
		tu_assert_contains(err.message, also);
	assert_int_equal(count_divisions(db), 0);
}

/* ---- importing the fixture ------------------------------------------- */

static void test_import_district(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	assert_int_equal(st.streets, 3);
	assert_int_equal(st.communities, 6);
	assert_int_equal(st.inserted, 1 + 1 + 3 + 6);
	assert_int_equal(st.updated, 0);

	assert_int_equal(count_level(env->db, "city"), 1);
	assert_int_equal(count_level(env->db, "district"), 1);
	assert_int_equal(count_level(env->db, "street"), 3);
	assert_int_equal(count_level(env->db, "community"), 6);
	assert_int_equal(count_level(env->db, "province"), 0);

	/* The city above the district, written in its 6-digit form. */
	assert_division(env->db, "110100", "测试市", "city", "");
	assert_division(env->db, "110101", "甲区", "district", "110100");
	assert_division(env->db, "110101002", "二号街道", "street", "110101");
	assert_division(env->db, "110101002001", "北一社区居委会", "community",
			"110101002");
	/* Doubled quotes in the CSV are one quote in the name. */
	assert_division(env->db, "110101003001", "\"引号\"社区", "community",
			"110101003");
	/* Nothing of the neighbouring district. */
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM division"
					       " WHERE code LIKE '110102%'"),
			 0);
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM audit_event"
					       " WHERE action ="
					       " 'divisions.import' AND"
					       " subject = '110101'"),
			 1);
}

static void test_import_twice_adds_nothing(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.updated, 11);
	assert_int_equal(st.streets, 3);
	assert_int_equal(st.communities, 6);
	assert_int_equal(count_divisions(env->db), 11);
}

static void test_import_second_district_shares_city(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	tu_assert_ok(import(env->db, TU_DIVISIONS, "110102", &st, &err), err);
	assert_int_equal(st.inserted, 1 + 1 + 1); /* district, street, community */
	assert_int_equal(st.updated, 1);          /* the shared city */
	assert_int_equal(count_level(env->db, "city"), 1);
	assert_int_equal(count_level(env->db, "district"), 2);
	assert_division(env->db, "110102", "乙区", "district", "110100");
}

static void test_import_municipality(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;

	/* The fixture's 31 lists its districts under a city named 市辖区:
	 * the city is then named after the municipality itself. */
	tu_assert_ok(import(env->db, TU_DIVISIONS, "310101", &st, &err), err);
	assert_division(env->db, "310100", "测试直辖市", "city", "");
	assert_division(env->db, "310101", "丙区", "district", "310100");
	assert_division(env->db, "310101002", "丙区二号街道", "street",
			"310101");
	assert_int_equal(st.streets, 1);
	assert_int_equal(st.communities, 0);
	assert_int_equal(st.inserted, 3);
}

/* ---- refusals -------------------------------------------------------- */

static void test_unknown_county(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;

	tu_assert_err(import(env->db, TU_DIVISIONS, "110199", &st, &err), err,
		      UG_ENOTFOUND, NULL);
	tu_assert_contains(err.message, "110199");
	tu_assert_contains(err.message, "areas.csv");
	assert_int_equal(count_divisions(env->db), 0);
}

static void test_malformed_county_code(void **state)
{
	static const char *const bad[] = {
		"", "11010", "1101010", "11010a", "110100", "110000",
		" 110101", "１１０１０１",
	};
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (import(env->db, TU_DIVISIONS, bad[i], &st, &err) !=
		    -UG_EINVAL)
			fail_msg("county \"%s\" was not refused", bad[i]);
		assert_string_equal(err.field, "area");
	}
	assert_int_equal(count_divisions(env->db), 0);
}

static void test_missing_folder(void **state)
{
	struct tu_env *env = *state;
	char dir[400];

	snprintf(dir, sizeof dir, "%s/no-such-folder", env->dir);
	assert_refused(env->db, dir, UG_EIO, "from", dir, NULL);
}

/* A copy of the fixture in env->dir/div, for tests that spoil one file
 * (the teardown deletes env->dir with everything in it). */
static const char *fixture_copy(struct tu_env *env, char *dir, size_t size)
{
	static const char *const files[] = {
		"provinces.csv", "cities.csv", "areas.csv", "streets.csv",
		"villages.csv",
	};

	snprintf(dir, size, "%s/div", env->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		tu_copy_file(TU_DIVISIONS, dir, files[i]);
	return dir;
}

#define WRITE(dir, name, lit) tu_write_file((dir), (name), (lit), sizeof(lit) - 1)

static void test_malformed_csv_all_or_nothing(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;
	char dir[400];

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	fixture_copy(env, dir, sizeof dir);
	/* New names everywhere, but line 5 of villages.csv is broken. */
	WRITE(dir, "areas.csv", "code,name,cityCode,provinceCode\n"
				"110101,\"改名区\",1101,11\n");
	WRITE(dir, "streets.csv", "code,name,areaCode\n"
				  "110101001,\"改名街道\",110101\n"
				  "110101004,\"新街道\",110101\n");
	WRITE(dir, "villages.csv", "code,name,streetCode,areaCode\n"
				   "110101001001,\"改名社区\",110101001,110101\n"
				   "110101004001,\"新社区\",110101004,110101\n"
				   "110101004002,新二社区,110101004,110101\n"
				   "110101004003,\"坏\"社区,110101004,110101\n");
	tu_assert_err(import(env->db, dir, "110101", &st, &err), err, UG_EINVAL,
		      NULL);
	tu_assert_contains(err.message, "villages.csv:5:");
	/* Nothing of the failed run is left: no new rows, no renames. */
	assert_int_equal(count_divisions(env->db), 11);
	assert_division(env->db, "110101", "甲区", "district", "110100");
	assert_division(env->db, "110101001", "一号街道", "street", "110101");
	assert_division(env->db, "110101001001", "东一社区居委会", "community",
			"110101001");
	tu_assert_rows(env->db, "audit_event", 1);
}

static void test_malformed_csv_in_fresh_database(void **state)
{
	struct tu_env *env = *state;
	char dir[400];

	fixture_copy(env, dir, sizeof dir);
	/* Unterminated quote on line 3 of streets.csv. */
	WRITE(dir, "streets.csv", "code,name,areaCode\n"
				  "110101001,一号街道,110101\n"
				  "110101002,\"二号街道,110101\n");
	assert_refused(env->db, dir, UG_EINVAL, NULL, "streets.csv:3:",
		       "unterminated");
	tu_assert_rows(env->db, "audit_event", 0);
}

static void test_code_not_under_parent(void **state)
{
	struct tu_env *env = *state;
	char dir[400];

	fixture_copy(env, dir, sizeof dir);
	/* A street listed under 110101 whose code belongs to 110102. */
	WRITE(dir, "streets.csv", "code,name,areaCode\n"
				  "110101001,一号街道,110101\n"
				  "110102009,错街道,110101\n");
	assert_refused(env->db, dir, UG_EINVAL, "from", "streets.csv:3: code 110102009",
		       NULL);

	/* A community code of the wrong length. */
	tu_copy_file(TU_DIVISIONS, dir, "streets.csv");
	WRITE(dir, "villages.csv", "code,name,streetCode,areaCode\n"
				   "11010100100,短码,110101001,110101\n");
	assert_refused(env->db, dir, UG_EINVAL, "from", "villages.csv:2:",
		       "12-digit");
}

static void test_bad_name_refused(void **state)
{
	struct tu_env *env = *state;
	char dir[400];

	fixture_copy(env, dir, sizeof dir);
	WRITE(dir, "villages.csv", "code,name,streetCode,areaCode\n"
				   "110101001001,,110101001,110101\n");
	assert_refused(env->db, dir, UG_EINVAL, "from", "110101001001", NULL);

	/* 401 bytes is more than a name may hold (NAME_MAX_BYTES). */
	{
		char csv[1024];
		int n = snprintf(csv, sizeof csv,
				 "code,name,streetCode,areaCode\n"
				 "110101001001,");

		memset(csv + n, 'x', NAME_MAX_BYTES + 1);
		n += NAME_MAX_BYTES + 1;
		n += snprintf(csv + n, sizeof csv - (size_t)n,
			      ",110101001,110101\n");
		tu_write_file(dir, "villages.csv", csv, (size_t)n);
	}
	assert_refused(env->db, dir, UG_EINVAL, "from", "over-long name", NULL);
}

static void test_missing_file_or_column(void **state)
{
	struct tu_env *env = *state;
	char dir[400], path[450];

	fixture_copy(env, dir, sizeof dir);
	/* villages.csv is read last, inside the transaction. */
	snprintf(path, sizeof path, "%s/villages.csv", dir);
	assert_int_equal(unlink(path), 0);
	assert_refused(env->db, dir, UG_EIO, "from", "villages.csv", NULL);

	/* A header without the column the import needs. */
	WRITE(dir, "villages.csv", "code,name,areaCode\n");
	assert_refused(env->db, dir, UG_EINVAL, "from", "no column named streetCode",
		       NULL);

	/* An empty file. */
	WRITE(dir, "cities.csv", "");
	assert_refused(env->db, dir, UG_EINVAL, "from", "cities.csv is empty",
		       NULL);
}

static void test_city_code_mismatch(void **state)
{
	struct tu_env *env = *state;
	char dir[400];

	fixture_copy(env, dir, sizeof dir);
	WRITE(dir, "areas.csv", "code,name,cityCode,provinceCode\n"
				"110101,甲区,3101,31\n");
	assert_refused(env->db, dir, UG_EINVAL, "from", "110101 has city code 3101",
		       NULL);
}

static void test_import_db_fault(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;
	int rc = -1, failures = 0;

	/* Fail each database step in turn: every failure is clean and
	 * leaves no division behind. */
	for (int nth = 1; nth <= 100; nth++) {
		fault_arm(FAULT_DB_STEP, nth);
		rc = import(env->db, TU_DIVISIONS, "110101", &st, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		failures++;
		tu_assert_err(rc, err, UG_EDB, NULL);
		assert_int_equal(count_divisions(env->db), 0);
	}
	assert_int_equal(rc, 0);
	/* Two steps per division (exists? + upsert) and the audit row. */
	assert_int_equal(failures, 2 * 11 + 1);
	assert_int_equal(count_divisions(env->db), 11);
}

/* ---- departments ----------------------------------------------------- */

static void test_seed_departments(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct department d;
	struct ug_error err;
	int count = -1;

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	tu_assert_ok(org_seed_departments(env->db, "110101", NOW, &count, &err),
		     err);
	/* The centre, one per standard type, a team per street. */
	assert_int_equal(count, 1 + (int)department_type_count + 3);
	tu_assert_rows(env->db, "department", count);
	tu_assert_rows(env->db, "department_area", count);

	tu_assert_ok(store_department_get(env->db, "110101-ZX", &d, &err), err);
	assert_string_equal(d.name, "甲区城市管理监督指挥中心");
	assert_string_equal(d.kind, "centre");
	tu_assert_ok(store_department_get(env->db, "110101-HW", &d, &err), err);
	assert_string_equal(d.name, "甲区环卫中心");
	assert_string_equal(d.kind, "professional");
	assert_string_equal(d.type, "sanitation");
	tu_assert_ok(store_department_get(env->db, "110101002-JD", &d, &err),
		     err);
	assert_string_equal(d.name, "二号街道城管执法队");
	assert_string_equal(d.kind, "street_team");
	assert_string_equal(d.parent, "110101-ZF");
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM"
					       " department_area WHERE"
					       " department = '110101002-JD'"
					       " AND division = '110101002'"),
			 1);
	/* Every code the seed makes is a valid department code. */
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM department"
					       " WHERE length(code) > 32"),
			 0);

	/* Idempotent: the same count again, no new rows. */
	tu_assert_ok(org_seed_departments(env->db, "110101", NOW + 1, &count,
					  &err),
		     err);
	assert_int_equal(count, 1 + (int)department_type_count + 3);
	tu_assert_rows(env->db, "department", count);
	tu_assert_rows(env->db, "department_area", count);
}

static void test_seed_departments_refusals(void **state)
{
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct ug_error err;
	int count = -1;

	ug_error_clear(&err);
	tu_assert_err(org_seed_departments(env->db, "110101", NOW, &count, &err),
		      err, UG_ENOTFOUND, NULL);
	assert_int_equal(count, 0);
	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	tu_assert_err(org_seed_departments(env->db, "110100", NOW, &count, &err),
		      err, UG_EINVAL, "area");
	tu_assert_contains(err.message, "city");
	tu_assert_err(org_seed_departments(env->db, "110101001", NOW, &count,
					   &err),
		      err, UG_EINVAL, "area");
	tu_assert_rows(env->db, "department", 0);

	/* A storage failure midway leaves no department behind. */
	fault_arm(FAULT_DB_STEP, 20);
	tu_assert_err(org_seed_departments(env->db, "110101", NOW, &count, &err),
		      err, UG_EDB, NULL);
	fault_arm(FAULT_DB_STEP, 0);
	tu_assert_rows(env->db, "department", 0);
}

static void test_department_code_valid(void **state)
{
	static const char *const good[] = {
		"110101-HW", "a", "Z", "0", "A.b_c-9", "110101001-JD",
		"12345678901234567890123456789012", /* 32 */
	};
	static const char *const bad[] = {
		"", "a b", "a/b", "a,b", "部门", "a\tb", "a%b", "'",
		"123456789012345678901234567890123", /* 33 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!org_department_code_valid(good[i]))
			fail_msg("\"%s\" was refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (org_department_code_valid(bad[i]))
			fail_msg("\"%s\" was accepted", bad[i]);
}

/* ---- adding and changing departments ---------------------------------- */

static int64_t count_departments(struct db *db)
{
	return tu_query_int(db, "SELECT COUNT(*) FROM department");
}

static int64_t count_audit(struct db *db, const char *action)
{
	return tu_query_int_s(db, "SELECT COUNT(*) FROM audit_event"
				  " WHERE action = ?",
			      action);
}

/* A valid new department of `code` serving 110101. */
static struct department_input new_department(const char *code,
					      const char *const *areas,
					      size_t nareas)
{
	struct department_input in = {
		.code = code, .name = "甲区环卫中心", .kind = "professional",
		.type = "sanitation", .has_areas = 1, .areas = areas,
		.nareas = nareas,
	};

	return in;
}

static void test_department_add(void **state)
{
	static const char *const district[] = { "110101" };
	static const char *const streets[] = { "110101001", "110101002" };
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct department_input in;
	struct department_result out;
	struct department d;
	struct ug_error err;

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	in = new_department("110101-HW", district, 1);
	tu_assert_ok(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		     err);
	assert_string_equal(out.d.code, "110101-HW");
	assert_string_equal(out.areas, "110101");
	assert_int_equal(out.d.disabled, 0);
	assert_int_equal(out.rules, 0);

	/* A team under it serving two streets. */
	in = new_department("T1", streets, 2);
	in.name = "一号街道城管执法队";
	in.kind = "street_team";
	in.type = "enforcement";
	in.has_parent = 1;
	in.parent = "110101-HW";
	tu_assert_ok(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		     err);
	assert_string_equal(out.areas, "110101001,110101002");
	tu_assert_ok(store_department_get(env->db, "T1", &d, &err), err);
	assert_string_equal(d.parent, "110101-HW");
	assert_string_equal(d.kind, "street_team");
	assert_int_equal(count_audit(env->db, "department.add"), 2);
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " actor = 'root' AND address = 'local'"
				      " AND subject = 'T1' AND before_state"
				      " IS NULL AND after_state LIKE"
				      " '{\"name\":\"一号%'"),
			 1);

	/* Every refusal names its field and writes nothing. */
	in = new_department("110101-HW", district, 1);
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_ECONFLICT, "code");
	in = new_department("a b", district, 1);
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_EINVAL, "code");
	in = new_department("N1", district, 1);
	in.kind = "bureau";
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_EINVAL, "kind");
	in = new_department("N1", district, 1);
	in.type = "cleaning";
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_EINVAL, "type");
	tu_assert_contains(err.message, "sanitation");
	in = new_department("N1", district, 1);
	in.name = "";
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_EINVAL, "name");
	in = new_department("N1", district, 1);
	in.has_parent = 1;
	in.parent = "nobody";
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_EINVAL, "parent");
	in = new_department("N1", district, 0);
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_EINVAL, "areas");
	in.has_areas = 0;
	tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		      err, UG_EINVAL, "areas");
	{
		static const char *const unknown[] = { "110101", "110102" };

		in = new_department("N1", unknown, 2);
		tu_assert_err(org_department_add(env->db, tu_actor("root"), &in, NOW,
						 &out, &err),
			      err, UG_EINVAL, "areas");
		tu_assert_contains(err.message, "110102");
	}
	assert_int_equal(count_departments(env->db), 2);
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM"
					       " department_area"),
			 3);
	assert_int_equal(count_audit(env->db, "department.add"), 2);
}

static void test_department_edit(void **state)
{
	static const char *const district[] = { "110101" };
	static const char *const street[] = { "110101003" };
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct department_input in;
	struct department_result out;
	struct ug_error err;

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	in = new_department("A", district, 1);
	tu_assert_ok(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		     err);
	in = new_department("B", district, 1);
	in.has_parent = 1;
	in.parent = "A";
	tu_assert_ok(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		     err);
	in = new_department("C", district, 1);
	in.has_parent = 1;
	in.parent = "B";
	tu_assert_ok(org_department_add(env->db, tu_actor("root"), &in, NOW, &out, &err),
		     err);

	/* Only what is given changes. */
	memset(&in, 0, sizeof in);
	in.name = "新名称";
	in.has_areas = 1;
	in.areas = street;
	in.nareas = 1;
	tu_assert_ok(org_department_edit(env->db, tu_actor("root"), "C", &in, NOW + 1,
					 &out, &err),
		     err);
	assert_string_equal(out.d.name, "新名称");
	assert_string_equal(out.d.kind, "professional");
	assert_string_equal(out.d.parent, "B");
	assert_string_equal(out.areas, "110101003");
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " action = 'department.edit' AND"
				      " subject = 'C' AND before_state LIKE"
				      " '{\"name\":\"甲区%'"
				      " AND after_state LIKE '{\"name\""
				      ":\"新名称%\"areas\":\"110101003\"}'"),
			 1);

	/* No loops: A under C (C under B under A) or itself. */
	memset(&in, 0, sizeof in);
	in.has_parent = 1;
	in.parent = "C";
	tu_assert_err(org_department_edit(env->db, tu_actor("root"), "A", &in, NOW, &out,
					  &err),
		      err, UG_EINVAL, "parent");
	tu_assert_contains(err.message, "loop");
	in.parent = "A";
	tu_assert_err(org_department_edit(env->db, tu_actor("root"), "A", &in, NOW, &out,
					  &err),
		      err, UG_EINVAL, "parent");
	/* Clearing the parent. */
	in.parent = "";
	tu_assert_ok(org_department_edit(env->db, tu_actor("root"), "C", &in, NOW, &out,
					 &err),
		     err);
	assert_string_equal(out.d.parent, "");
	/* Unknown department. */
	tu_assert_err(org_department_edit(env->db, tu_actor("root"), "Z", &in, NOW, &out,
					  &err),
		      err, UG_ENOTFOUND, "code");

	/* A storage failure at any step leaves it as it was. */
	memset(&in, 0, sizeof in);
	in.name = "失败";
	in.has_areas = 1;
	in.areas = district;
	in.nareas = 1;
	in.has_disabled = 1;
	in.disabled = 1;
	for (int step = 1; step < 40; step++) {
		int rc;

		fault_arm(FAULT_DB_STEP, step);
		ug_error_clear(&err);
		rc = org_department_edit(env->db, tu_actor("root"), "C", &in, NOW, &out,
					 &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		if (rc != -UG_EDB)
			fail_msg("step %d: rc %d: %s", step, rc, err.message);
		assert_int_equal(tu_query_int(env->db,
					      "SELECT COUNT(*) FROM department"
					      " WHERE code = 'C' AND name ="
					      " '新名称' AND disabled = 0"),
				 1);
		assert_int_equal(tu_query_int(env->db,
					      "SELECT COUNT(*) FROM"
					      " department_area WHERE"
					      " department = 'C' AND division"
					      " = '110101003'"),
				 1);
	}
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM department WHERE"
				      " code = 'C' AND name = '失败' AND"
				      " disabled = 1"),
			 1);
}

/* One request: department 110101-HW and major class 99 read on a
 * connection of the pool. */
static void pooled_read(struct db_pool *pool, struct department *d,
			char kind[16], char name[NAME_MAX_BYTES + 1])
{
	struct department none;
	struct ug_error err;
	struct db *db = NULL;

	ug_error_clear(&err);
	tu_assert_ok(db_pool_acquire(pool, &db, &err), err);
	tu_assert_ok(store_department_get(db, "110101-HW", d, &err), err);
	tu_assert_ok(store_category_major_get(db, "99", kind, name, &err),
		     err);
	/* An unknown code is still refused. */
	tu_assert_err(store_department_get(db, "NONE", &none, &err), err,
		      UG_ENOTFOUND, "code");
	db_pool_release(pool, db);
}

/* A department and a major class through a pool, as Open311's lists read
 * them: kept in memory (store/cached.h) and a change made elsewhere seen
 * by the next request. */
static void test_kept_department_and_major(void **state)
{
	static const char *const district[] = { "110101" };
	struct tu_env *env = *state;
	struct division_import_stats st;
	struct department_input in;
	struct department_result out;
	struct db_pool *pool = NULL;
	struct department d;
	struct ug_error err;
	uint64_t hits, misses;
	char kind[16], name[NAME_MAX_BYTES + 1];

	tu_assert_ok(import(env->db, TU_DIVISIONS, "110101", &st, &err), err);
	in = new_department("110101-HW", district, 1);
	tu_assert_ok(org_department_add(env->db, tu_actor("root"), &in, NOW,
					&out, &err),
		     err);
	tu_assert_ok(db_exec(env->db,
			     "INSERT INTO category_major (code, kind, name)"
			     " VALUES ('99', 'event', '测试大类')",
			     &err),
		     err);
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);
	for (int i = 0; i < 3; i++) {
		pooled_read(pool, &d, kind, name);
		assert_string_equal(d.code, "110101-HW");
		assert_string_equal(kind, "event");
		assert_string_equal(name, "测试大类");
	}
	/* The unknown code misses each time: it is not kept. */
	db_pool_memo_counts(pool, &hits, &misses);
	assert_int_equal(misses, 2 + 3);
	assert_int_equal(hits, 4);

	/* Renamed and disabled elsewhere: the next request sees it. */
	memset(&in, 0, sizeof in);
	in.name = "新名称";
	in.has_disabled = 1;
	in.disabled = 1;
	tu_assert_ok(org_department_edit(env->db, tu_actor("root"),
					 "110101-HW", &in, NOW + 1, &out, &err),
		     err);
	tu_assert_ok(db_exec(env->db,
			     "UPDATE category_major SET name = '改名大类'"
			     " WHERE code = '99'",
			     &err),
		     err);
	pooled_read(pool, &d, kind, name);
	assert_string_equal(d.name, "新名称");
	assert_int_equal(d.disabled, 1);
	assert_string_equal(name, "改名大类");
	db_pool_destroy(pool);
}

#define ORG_TEST(f) \
	cmocka_unit_test_setup_teardown(f, tu_setup_db, tu_teardown_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ORG_TEST(test_import_district),
		ORG_TEST(test_import_twice_adds_nothing),
		ORG_TEST(test_import_second_district_shares_city),
		ORG_TEST(test_import_municipality),
		ORG_TEST(test_unknown_county),
		ORG_TEST(test_malformed_county_code),
		ORG_TEST(test_missing_folder),
		ORG_TEST(test_malformed_csv_all_or_nothing),
		ORG_TEST(test_malformed_csv_in_fresh_database),
		ORG_TEST(test_code_not_under_parent),
		ORG_TEST(test_bad_name_refused),
		ORG_TEST(test_missing_file_or_column),
		ORG_TEST(test_city_code_mismatch),
		ORG_TEST(test_import_db_fault),
		ORG_TEST(test_seed_departments),
		ORG_TEST(test_kept_department_and_major),
		ORG_TEST(test_seed_departments_refusals),
		cmocka_unit_test(test_department_code_valid),
		ORG_TEST(test_department_add),
		ORG_TEST(test_department_edit),
	};

	return cmocka_run_group_tests_name("org", tests, NULL, NULL);
}
