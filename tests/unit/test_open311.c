/*
 * test_open311.c - the public channel's domain (domain/public/open311.h) on a
 * fresh database with the synthetic 甲区 (110101): filing reports with
 * every field checked and every refusal naming its field and writing
 * nothing, photos stored with the report or not at all, finding by number
 * and token, what the public sees of a case through its whole life
 * (statuses, notes, reasons, the department, a merged report following
 * the case it joined), clients' comments, ratings, and tokens that wait
 * for verification.
 */
#include "testutil.h"

#include "domain/org/accounts.h"
#include "domain/calendar/calendar.h"
#include "domain/public/open311.h"
#include "domain/org/org.h"
#include "domain/cases/standards.h"
#include "domain/cases/workflow.h"

#define NOW 1790000000LL /* 2026-09-21 */

enum who { CLIENT, INSP, RECEP, SHIFT, DISP, HW, STREET_CLIENT, NWHO };

static const struct tu_person people[NWHO] = {
	[CLIENT] = { "public", "api_client", "110101" },
	[INSP] = { "insp", "inspector", "110101" },
	[RECEP] = { "recep", "receptionist", "110101" },
	[SHIFT] = { "shift", "shift_leader", "110101" },
	[DISP] = { "disp", "dispatcher", "110101" },
	[HW] = { "hw.handler", "handler", "110101-HW" },
	[STREET_CLIENT] = { "street.client", "api_client", "110101001" },
};

struct fx {
	struct tu_env *t;
	struct case_env cases;
	struct open311_env env;
	char files[400];
	struct user u[NWHO];
	struct actor a[NWHO]; /* of u[], for the access layer */
	struct case_row *c, *d;
	struct open311_row row;
	struct open311_view v;
	struct ug_error err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	ug_error_clear(&f->err);
	f->t = tu_env_new(1);
	tu_city(f->t->db, NOW - 86400, people, NWHO, f->u, f->a);
	case_env_defaults(&f->cases, TU_CALENDAR);
	tu_path(f->files, sizeof f->files, f->t->dir, "files");
	f->env.cases = &f->cases;
	f->env.files_dir = f->files;
	f->env.photo_limit = 1000;
	f->c = calloc(1, sizeof *f->c);
	f->d = calloc(1, sizeof *f->d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_env_free(f->t);
	free(f->c);
	free(f->d);
	free(f);
	return 0;
}

static const char SQL_CASES[] = "SELECT count(*) FROM case_file";
static const char SQL_ROWS[] = "SELECT count(*) FROM open311_request";
static const char SQL_PHOTOS[] = "SELECT count(*) FROM attachment";

/* A plain report: 私搭乱建 (06001) with a point and a description. */
static struct open311_report report(void)
{
	struct open311_report r = {
		.service_code = "06001",
		.description = "人行道上私搭棚子",
		.has_location = 1,
		.lat = 39.93,
		.lon = 116.41,
		.client_addr = "192.0.2.7",
	};

	return r;
}

static int submit(struct fx *f, const struct open311_report *r,
		  struct case_row *out)
{
	ug_error_clear(&f->err);
	return open311_submit(f->t->db, &f->env, &f->a[CLIENT], r, NOW, out,
			      &f->row, &f->err);
}

static void act(struct fx *f, enum who who, struct case_row *c,
		enum case_action a, const char *reason)
{
	struct case_action_input in = {
		.version = c->version,
		.reason = reason,
		.note = "已处理",
		.department = "110101-HW",
		.has_passed = 1,
		.passed = 1,
	};

	ug_error_clear(&f->err);
	tu_assert_ok(case_act(f->t->db, &f->cases, &f->a[who], c->id, a, &in,
			      NOW + 60, c, &f->err),
		     f->err);
}

static void test_submit(void **state)
{
	struct fx *f = *state;
	static const char *const codes[] = { "urgency", "impact", "impact",
					     "impact", "uprn" };
	static const char *const values[] = { "pressing", "traffic", "safety",
					      "traffic", "10001" };
	static const char *const links[] = { "https://example.org/p.jpg",
					     "https://example.org/q.jpg" };
	struct open311_report r = report();

	r.first_name = "Ann";
	r.last_name = "Lee";
	r.phone = "+86 138-1234-5678";
	r.email = "ann@example.org";
	r.device_id = "dev-1";
	r.media_url = links;
	r.nmedia_urls = 2;
	r.nattrs = 5;
	r.attr_code = codes;
	r.attr_value = values;
	tu_assert_ok(submit(f, &r, f->c), f->err);
	assert_string_equal(f->c->state, "reported");
	assert_string_equal(f->c->source, "public");
	assert_string_equal(f->c->category, "06001");
	assert_string_equal(f->c->urgency, "pressing");
	assert_string_equal(f->c->reporter_name, "Ann Lee");
	assert_string_equal(f->c->reporter_phone, "+86138-1234-5678");
	assert_string_equal(f->c->created_by, "public");
	assert_int_equal(strlen(f->row.token), OPEN311_TOKEN_LEN);
	/* The stored row, read back. */
	memset(&f->row, 0, sizeof f->row);
	tu_assert_ok(store_open311_get(f->t->db, f->c->id, &f->row, &f->err),
		     f->err);
	assert_string_equal(f->row.client, "public");
	assert_string_equal(f->row.client_addr, "192.0.2.7");
	assert_string_equal(f->row.email, "ann@example.org");
	assert_string_equal(f->row.device_id, "dev-1");
	assert_string_equal(f->row.media_url, "https://example.org/p.jpg\n"
					      "https://example.org/q.jpg");
	/* A multivaluelist is a set; codes we do not define are kept. */
	assert_string_equal(f->row.attributes,
			    "{\"urgency\":\"pressing\",\"impact\":[\"traffic\","
			    "\"safety\"],\"uprn\":\"10001\"}");
	/* Without a description, the service's name; without urgency,
	 * normal; an address alone is a location. */
	r = report();
	r.description = NULL;
	r.has_location = 0;
	r.address_string = "东城区某路 1 号";
	tu_assert_ok(submit(f, &r, f->d), f->err);
	assert_string_equal(f->d->description, "私搭乱建");
	assert_string_equal(f->d->urgency, "normal");
	assert_string_equal(f->d->address, "东城区某路 1 号");
	assert_int_equal(f->d->has_location, 0);
}

static void test_submit_refusals(void **state)
{
	struct fx *f = *state;
	static const char *const bad_urgency[] = { "urgency" };
	static const char *const bad_value[] = { "soon" };
	static const char *const two_codes[] = { "urgency", "urgency" };
	static const char *const two_values[] = { "normal", "urgent" };
	static const char *const comp_code[] = { "component" };
	static const char *const comp_value[] = { "12ab" };
	static const char *const bad_link[] = { "javascript:alert(1)" };
	char *long_text = malloc(4001 * 3 + 1);
	struct open311_report r;

	for (int i = 0; i < 4001; i++)
		memcpy(long_text + i * 3, "字", 3);
	long_text[4001 * 3] = '\0';
	tu_assert_ok(store_category_set_public(f->t->db, "06002", 0, &f->err),
		     f->err);
#define REFUSED(mutate, code, field)                                  \
	do {                                                          \
		r = report();                                         \
		mutate;                                               \
		tu_assert_err(submit(f, &r, f->c), f->err, code, field); \
	} while (0)
	REFUSED(r.service_code = NULL, UG_EINVAL, "service_code");
	REFUSED(r.service_code = "99999", UG_ENOTFOUND, "service_code");
	REFUSED(r.service_code = "06002", UG_ENOTFOUND, "service_code");
	REFUSED(r.has_location = 0, UG_EINVAL, "lat");
	REFUSED(r.lat = 91, UG_EINVAL, "lat");
	REFUSED(r.lon = -181, UG_EINVAL, "long");
	REFUSED(r.description = long_text, UG_EINVAL, "description");
	REFUSED(r.email = "ann", UG_EINVAL, "email");
	REFUSED(r.email = "a@b@c", UG_EINVAL, "email");
	REFUSED(r.phone = "call me", UG_EINVAL, "phone");
	REFUSED((r.media_url = bad_link, r.nmedia_urls = 1), UG_EINVAL,
		"media_url");
	REFUSED(r.first_name = long_text, UG_EINVAL, "first_name");
	REFUSED((r.nattrs = 1, r.attr_code = bad_urgency,
		 r.attr_value = bad_value),
		UG_EINVAL, "attribute[urgency]");
	REFUSED((r.nattrs = 2, r.attr_code = two_codes,
		 r.attr_value = two_values),
		UG_EINVAL, "attribute[urgency]");
	/* 01001 is a component class: its identifier is checked. */
	REFUSED((r.service_code = "01001", r.nattrs = 1, r.attr_code = comp_code,
		 r.attr_value = comp_value),
		UG_EINVAL, "attribute[component]");
#undef REFUSED
	assert_int_equal(tu_query_int(f->t->db, SQL_CASES), 0);
	assert_int_equal(tu_query_int(f->t->db, SQL_ROWS), 0);
	free(long_text);
}

static void test_photos(void **state)
{
	struct fx *f = *state;
	static const char png[] = "\x89PNG\r\n\x1a\n....";
	static const char text[] = "not a photo";
	char big[1001];
	const void *data[2] = { png, text };
	size_t len[2] = { sizeof png - 1, sizeof text - 1 };
	const char *fields[2] = { "photo1", "photo2" };
	struct open311_report r = report();

	memcpy(big, png, sizeof png - 1);
	memset(big + sizeof png - 1, 'x', sizeof big - (sizeof png - 1));
	r.nphotos = 2;
	r.photo = data;
	r.photo_len = len;
	r.photo_field = fields;
	/* One bad photo: nothing at all is stored. */
	tu_assert_err(submit(f, &r, f->c), f->err, UG_EINVAL, "photo2");
	data[1] = big;
	len[1] = sizeof big;
	tu_assert_err(submit(f, &r, f->c), f->err, UG_ETOOBIG, "photo2");
	assert_int_equal(tu_query_int(f->t->db, SQL_CASES), 0);
	assert_int_equal(tu_query_int(f->t->db, SQL_PHOTOS), 0);
	r.nphotos = 1;
	tu_assert_ok(submit(f, &r, f->c), f->err);
	assert_int_equal(tu_query_int(f->t->db, SQL_PHOTOS), 1);
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_ZH, &f->v, &f->err),
		     f->err);
	assert_int_equal(f->v.nphotos, 1);
}

static void test_find(void **state)
{
	struct fx *f = *state;
	struct open311_report r = report();

	tu_assert_ok(submit(f, &r, f->c), f->err);
	tu_assert_ok(open311_find(f->t->db, f->c->number, f->d, &f->err),
		     f->err);
	assert_int_equal(f->d->id, f->c->id);
	tu_assert_ok(open311_find_token(f->t->db, f->row.token, f->d, &f->row,
					&f->err),
		     f->err);
	assert_int_equal(f->d->id, f->c->id);
	tu_assert_err(open311_find(f->t->db, "2026", f->d, &f->err), f->err,
		      UG_ENOTFOUND, "service_request_id");
	tu_assert_err(open311_find(f->t->db, "1 OR 1=1", f->d, &f->err),
		      f->err, UG_ENOTFOUND, "service_request_id");
	tu_assert_err(open311_find_token(f->t->db, "0123456789abcdef01234567",
					 f->d, &f->row, &f->err),
		      f->err, UG_ENOTFOUND, "token");
	/* A category closed to the public hides its cases. */
	tu_assert_ok(store_category_set_public(f->t->db, "06001", 0, &f->err),
		     f->err);
	tu_assert_err(open311_find(f->t->db, f->c->number, f->d, &f->err),
		      f->err, UG_ENOTFOUND, "service_request_id");
}

struct notes {
	int n;
	char last[256];
	char actions[512];
};

static int collect(void *ctx, int64_t at, const char *action,
		   const char *text)
{
	struct notes *n = ctx;

	(void)at;
	n->n++;
	snprintf(n->last, sizeof n->last, "%s", text);
	strncat(n->actions, action, sizeof n->actions - strlen(n->actions) - 2);
	strcat(n->actions, " ");
	return 0;
}

static void test_life_as_the_public_sees_it(void **state)
{
	struct fx *f = *state;
	struct open311_report r = report();
	struct notes n = { 0 };

	tu_assert_ok(submit(f, &r, f->c), f->err);
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_ZH, &f->v, &f->err),
		     f->err);
	assert_string_equal(f->v.status, "open");
	assert_string_equal(f->v.status_notes, "已受理，等待核实");
	assert_string_equal(f->v.service_name, "私搭乱建");
	assert_true(f->v.expected > NOW);
	act(f, INSP, f->c, CA_VERIFY, NULL);
	act(f, SHIFT, f->c, CA_FILE, NULL);
	act(f, DISP, f->c, CA_DISPATCH, NULL);
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_ZH, &f->v, &f->err),
		     f->err);
	tu_assert_contains(f->v.status_notes, "已派遣至");
	assert_true(f->v.agency[0] != '\0');
	tu_assert_contains(f->v.status_notes, f->v.agency);
	act(f, SHIFT, f->c, CA_REMIND, NULL);
	act(f, HW, f->c, CA_HANDLE, NULL);
	act(f, INSP, f->c, CA_CHECK, NULL);
	act(f, SHIFT, f->c, CA_CLOSE, NULL);
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_EN, &f->v, &f->err),
		     f->err);
	assert_string_equal(f->v.status, "closed");
	assert_string_equal(f->v.status_notes, "Closed");
	assert_int_equal(f->v.updated, f->c->closed_at);
	assert_int_equal(f->v.expected, 0);
	/* The reminder is internal; every step of the work is told. */
	tu_assert_ok(open311_notes(f->t->db, f->c, LANG_ZH, collect, &n,
				   &f->err),
		     f->err);
	assert_string_equal(n.actions,
			    "report verify file dispatch handle check close ");
	assert_string_equal(n.last, "已结案");
	assert_string_equal(open311_update_status("closed"), "FIXED");
}

static void test_reasons_and_merge(void **state)
{
	struct fx *f = *state;
	struct open311_report r = report();

	tu_assert_ok(submit(f, &r, f->c), f->err);
	act(f, SHIFT, f->c, CA_REJECT, "不属于城市管理范围");
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_ZH, &f->v, &f->err),
		     f->err);
	assert_string_equal(f->v.status, "closed");
	assert_string_equal(f->v.status_notes, "不予立案：不属于城市管理范围");
	tu_assert_ok(submit(f, &r, f->c), f->err);
	act(f, RECEP, f->c, CA_VOID, "重复举报");
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_EN, &f->v, &f->err),
		     f->err);
	assert_string_equal(f->v.status_notes, "Cancelled: 重复举报");
	/* A merged report is followed through the case it joined. */
	tu_assert_ok(submit(f, &r, f->d), f->err);
	tu_assert_ok(submit(f, &r, f->c), f->err);
	{
		struct case_action_input in = { .version = f->c->version,
						.target = f->d->id };

		tu_assert_ok(case_act(f->t->db, &f->cases, &f->a[RECEP],
				      f->c->id, CA_MERGE, &in, NOW + 60, f->c,
				      &f->err),
			     f->err);
	}
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_ZH, &f->v, &f->err),
		     f->err);
	assert_string_equal(f->v.status, "open");
	assert_string_equal(f->v.parent, f->d->number);
	tu_assert_contains(f->v.status_notes, "已合并到案件");
	act(f, SHIFT, f->d, CA_REJECT, "不属于城市管理范围");
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_ZH, &f->v, &f->err),
		     f->err);
	assert_string_equal(f->v.status, "closed");
	tu_assert_contains(f->v.status_notes, "不予立案");
}

static void test_comments(void **state)
{
	struct fx *f = *state;
	struct open311_report r = report();
	int64_t id = 0;

	tu_assert_ok(submit(f, &r, f->c), f->err);
	tu_assert_ok(open311_comment(f->t->db, &f->a[CLIENT], f->c->number,
				     "fms-1", "还在", NOW, &id, &f->err),
		     f->err);
	assert_true(id > 0);
	tu_assert_err(open311_comment(f->t->db, &f->a[CLIENT], f->c->number,
				      "fms-1", "还在", NOW, &id, &f->err),
		      f->err, UG_ECONFLICT, "update_id");
	tu_assert_err(open311_comment(f->t->db, &f->a[CLIENT], "999",
				      "fms-2", "x", NOW, &id, &f->err),
		      f->err, UG_ENOTFOUND, "service_request_id");
	tu_assert_err(open311_comment(f->t->db, &f->a[CLIENT], f->c->number,
				      "fms-3", NULL, NOW, &id, &f->err),
		      f->err, UG_EINVAL, "description");
	tu_assert_err(open311_comment(f->t->db, &f->a[CLIENT], f->c->number,
				      NULL, "x", NOW, &id, &f->err),
		      f->err, UG_EINVAL, "update_id");
	/* A client speaks for its own area only (the case lies in the
	 * district, the client's unit is one street). */
	tu_assert_err(open311_comment(f->t->db, &f->a[STREET_CLIENT],
				      f->c->number, "s-1", "x", NOW, &id,
				      &f->err),
		      f->err, UG_EFORBIDDEN, "service_request_id");
	/* Comments are the client's own: not told back as news. */
	assert_int_equal(tu_query_int(f->t->db, "SELECT count(*) FROM case_event WHERE "
				  "action = 'comment'"),
			 1);
}

static void test_rating(void **state)
{
	struct fx *f = *state;
	struct open311_report r = report();
	char token[OPEN311_TOKEN_LEN + 1];

	tu_assert_ok(submit(f, &r, f->c), f->err);
	memcpy(token, f->row.token, sizeof token);
	tu_assert_err(open311_rate(f->t->db, &f->cases, token, "satisfied",
				   NULL, NOW, &f->err),
		      f->err, UG_ECONFLICT, "rating");
	act(f, INSP, f->c, CA_VERIFY, NULL);
	act(f, SHIFT, f->c, CA_FILE, NULL);
	act(f, DISP, f->c, CA_DISPATCH, NULL);
	act(f, HW, f->c, CA_HANDLE, NULL);
	act(f, INSP, f->c, CA_CHECK, NULL);
	act(f, SHIFT, f->c, CA_CLOSE, NULL);
	tu_assert_err(open311_rate(f->t->db, &f->cases, token, "great",
				   NULL, NOW, &f->err),
		      f->err, UG_EINVAL, "rating");
	tu_assert_err(open311_rate(f->t->db, &f->cases, "0123456789abcdef01234567",
				   "satisfied",
				   NULL, NOW, &f->err),
		      f->err, UG_ENOTFOUND, "token");
	tu_assert_ok(open311_rate(f->t->db, &f->cases, token,
				  "basically_satisfied", "处理及时", NOW,
				  &f->err),
		     f->err);
	tu_assert_err(open311_rate(f->t->db, &f->cases, token,
				   "dissatisfied", NULL, NOW, &f->err),
		      f->err, UG_ECONFLICT, "rating");
	tu_assert_ok(open311_view(f->t->db, f->c, LANG_ZH, &f->v, &f->err),
		     f->err);
	assert_true(f->v.has_rating);
	assert_string_equal(f->v.rating, "basically_satisfied");
}

static void test_ids_after_verify(void **state)
{
	struct fx *f = *state;
	struct open311_report r = report();

	f->env.ids_after_verify = 1;
	tu_assert_ok(submit(f, &r, f->c), f->err);
	assert_false(open311_id_released(&f->env, f->c));
	act(f, INSP, f->c, CA_VERIFY, NULL);
	assert_true(open311_id_released(&f->env, f->c));
	f->env.ids_after_verify = 0;
	tu_assert_ok(submit(f, &r, f->c), f->err);
	assert_true(open311_id_released(&f->env, f->c));
}

static void test_status_maps(void **state)
{
	(void)state;
	for (int s = 0; s < CS_COUNT; s++)
		assert_string_equal(open311_status(case_states[s].name),
				    case_state_terminal(s) ? "closed" : "open");
	assert_string_equal(open311_update_status("dispatched"), "IN_PROGRESS");
	assert_string_equal(open311_update_status("filed"), "ACTION_SCHEDULED");
	assert_string_equal(open311_update_status("merged"), "DUPLICATE");
	assert_string_equal(open311_update_status("rejected"),
			    "NOT_COUNCILS_RESPONSIBILITY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_submit),
		T(test_submit_refusals),
		T(test_photos),
		T(test_find),
		T(test_life_as_the_public_sees_it),
		T(test_reasons_and_merge),
		T(test_comments),
		T(test_rating),
		T(test_ids_after_verify),
		cmocka_unit_test(test_status_maps),
	};

	return cmocka_run_group_tests(tests, tu_group_calendar,
				      tu_group_calendar_free);
}
