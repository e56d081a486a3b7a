/*
 * test_roles.c - roles and scopes (domain/org/roles.h): the role table and
 * role_parse(), division code prefixes for province/city/district/street
 * codes, the scope of admin, division and department users, what a scope
 * covers, and division levels by code shape.
 */
#include "testutil.h"

#include "domain/org/roles.h"

static void test_role_table_and_parse(void **state)
{
	(void)state;
	for (int i = 0; i < ROLE_COUNT; i++) {
		assert_int_equal(role_table[i].role, i); /* enum order */
		assert_int_equal(role_parse(role_table[i].name), i);
		assert_true(strcmp(role_table[i].unit_kind, "division") == 0 ||
			    strcmp(role_table[i].unit_kind, "department") == 0 ||
			    strcmp(role_table[i].unit_kind, "any") == 0);
	}
	assert_int_equal(role_parse("inspector"), ROLE_INSPECTOR);
	assert_int_equal(role_parse("handler"), ROLE_HANDLER);
	assert_int_equal(role_parse("admin"), ROLE_ADMIN);
	assert_int_equal(role_parse("api_client"), ROLE_API_CLIENT);
	assert_int_equal(role_parse(""), -1);
	assert_int_equal(role_parse("Admin"), -1);
	assert_int_equal(role_parse("admin "), -1);
	assert_int_equal(role_parse("admins"), -1);
	assert_int_equal(role_parse("adm"), -1);
	assert_int_equal(role_parse("监督员"), -1);
	/* The unit kinds the account rules rely on. */
	assert_string_equal(role_table[ROLE_HANDLER].unit_kind, "department");
	assert_string_equal(role_table[ROLE_INSPECTOR].unit_kind, "division");
	assert_string_equal(role_table[ROLE_ADMIN].unit_kind, "any");
	assert_int_equal(ROLES_ALL, (1u << ROLE_COUNT) - 1);
	assert_false(ROLES_STAFF & ROLE_BIT(ROLE_API_CLIENT));
	assert_true(ROLES_STAFF & ROLE_BIT(ROLE_ADMIN));
}

static void assert_prefix(const char *code, const char *want)
{
	char out[CODE_MAX + 1];

	memset(out, '#', sizeof out);
	division_code_prefix(code, out);
	assert_string_equal(out, want);
}

static void test_division_code_prefix(void **state)
{
	(void)state;
	assert_prefix("110000", "11");         /* province */
	assert_prefix("110100", "1101");       /* city */
	assert_prefix("110101", "110101");     /* district */
	assert_prefix("110101001", "110101001"); /* street */
	assert_prefix("110101001001", "110101001001"); /* community */
	assert_prefix("110101001001003", "110101001001003"); /* grid */
	/* Longer codes carry every digit, zeros included. */
	assert_prefix("110100000", "110100000");
	/* Not GB/T 2260 shaped: unchanged. */
	assert_prefix("1100", "1100");
	assert_prefix("11000a", "11000a");
	assert_prefix("110101-HW", "110101-HW");
	assert_prefix("", "");
}

static struct user make_user(const char *role, const char *kind,
			     const char *unit)
{
	struct user u;

	memset(&u, 0, sizeof u);
	snprintf(u.username, sizeof u.username, "u");
	snprintf(u.role, sizeof u.role, "%s", role);
	snprintf(u.unit_kind, sizeof u.unit_kind, "%s", kind);
	snprintf(u.unit_code, sizeof u.unit_code, "%s", unit);
	return u;
}

static void test_scope_of_user(void **state)
{
	struct user u;
	struct scope s;

	(void)state;
	u = make_user("admin", "division", "110101");
	scope_of_user(&u, &s);
	assert_int_equal(s.kind, SCOPE_ALL);
	u = make_user("admin", "department", "110101-HW");
	scope_of_user(&u, &s);
	assert_int_equal(s.kind, SCOPE_ALL); /* admin sees all, wherever */

	u = make_user("inspector", "division", "110101001");
	scope_of_user(&u, &s);
	assert_int_equal(s.kind, SCOPE_AREA);
	assert_string_equal(s.code, "110101001");

	u = make_user("leader", "division", "110100");
	scope_of_user(&u, &s);
	assert_int_equal(s.kind, SCOPE_AREA);
	assert_string_equal(s.code, "1101");

	u = make_user("leader", "division", "110000");
	scope_of_user(&u, &s);
	assert_string_equal(s.code, "11");

	u = make_user("handler", "department", "110101-HW");
	scope_of_user(&u, &s);
	assert_int_equal(s.kind, SCOPE_DEPARTMENT);
	assert_string_equal(s.code, "110101-HW");

	u = make_user("leader", "department", "110101-SZ");
	scope_of_user(&u, &s);
	assert_int_equal(s.kind, SCOPE_DEPARTMENT);
	assert_string_equal(s.code, "110101-SZ");
}

static void test_scope_covers_area(void **state)
{
	struct scope all = { .kind = SCOPE_ALL, .code = "" };
	struct scope city = { .kind = SCOPE_AREA, .code = "1101" };
	struct scope district = { .kind = SCOPE_AREA, .code = "110101" };
	struct scope street = { .kind = SCOPE_AREA, .code = "110101001" };
	struct scope dept = { .kind = SCOPE_DEPARTMENT, .code = "110101-HW" };

	(void)state;
	assert_true(scope_covers_area(&all, "310101"));
	assert_true(scope_covers_area(&all, "110101001001003"));

	assert_true(scope_covers_area(&city, "110100"));
	assert_true(scope_covers_area(&city, "110101"));
	assert_true(scope_covers_area(&city, "110102001"));
	assert_false(scope_covers_area(&city, "120101"));
	assert_false(scope_covers_area(&city, "110"));

	assert_true(scope_covers_area(&district, "110101"));
	assert_true(scope_covers_area(&district, "110101001001"));
	assert_true(scope_covers_area(&district, "110101001001003"));
	assert_false(scope_covers_area(&district, "110102001"));
	assert_false(scope_covers_area(&district, "110100")); /* the city */
	assert_false(scope_covers_area(&district, "1101"));

	assert_true(scope_covers_area(&street, "110101001002"));
	assert_false(scope_covers_area(&street, "110101002001"));
	assert_false(scope_covers_area(&street, "110101"));

	/* A department's users see cases by dispatch, not by area. */
	assert_false(scope_covers_area(&dept, "110101"));
	assert_false(scope_covers_area(&dept, "110101001"));
}

static void test_scope_covers_department(void **state)
{
	struct scope all = { .kind = SCOPE_ALL, .code = "" };
	struct scope area = { .kind = SCOPE_AREA, .code = "110101" };
	struct scope dept = { .kind = SCOPE_DEPARTMENT, .code = "110101-HW" };

	(void)state;
	assert_true(scope_covers_department(&all, "110101-HW"));
	assert_true(scope_covers_department(&dept, "110101-HW"));
	assert_false(scope_covers_department(&dept, "110101-SZ"));
	assert_false(scope_covers_department(&dept, "110101-HW2"));
	assert_false(scope_covers_department(&dept, "110101-H"));
	assert_false(scope_covers_department(&area, "110101-HW"));
}

static void test_division_level_of_code(void **state)
{
	(void)state;
	assert_string_equal(division_level_of_code("110000"), "province");
	assert_string_equal(division_level_of_code("110100"), "city");
	assert_string_equal(division_level_of_code("110101"), "district");
	assert_string_equal(division_level_of_code("110101001"), "street");
	assert_string_equal(division_level_of_code("110101001001"),
			    "community");
	assert_string_equal(division_level_of_code("110101001001003"), "grid");
	assert_null(division_level_of_code(""));
	assert_null(division_level_of_code("11"));
	assert_null(division_level_of_code("1101"));
	assert_null(division_level_of_code("1101010"));
	assert_null(division_level_of_code("1101010010"));
	assert_null(division_level_of_code("1101010010010030"));
	assert_null(division_level_of_code("11010a"));
	assert_null(division_level_of_code("110101-HW"));
	assert_null(division_level_of_code(" 10101"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_table_and_parse),
		cmocka_unit_test(test_division_code_prefix),
		cmocka_unit_test(test_scope_of_user),
		cmocka_unit_test(test_scope_covers_area),
		cmocka_unit_test(test_scope_covers_department),
		cmocka_unit_test(test_division_level_of_code),
	};

	return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
