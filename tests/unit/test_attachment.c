/*
 * test_attachment.c - photos of a case (domain/cases/attachment.h): the type is
 * decided by the bytes; which kind of photo a case takes in which state
 * and from whom (report / handle / check / other, none once it is
 * closed); the input checks that come before any lookup; and that a
 * refused photo leaves neither a row nor a file.  Cases are written
 * straight into the store in the state a test needs: the workflow that
 * moves them there is test_case.c's business.
 */
#include "testutil.h"

#include "domain/cases/attachment.h"
#include "domain/org/org.h"
#include "domain/cases/standards.h"
#include "domain/cases/workflow.h"

#define NOW 1790000000 /* 2026-09-21 14:13 UTC */

static const unsigned char JPEG[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10,
				      'J',  'F',  'I',  'F',  0x00, 0xFF,
				      0xD9 };

enum who { INSP1, INSP2, RECEP, DISP, HW, SZ, LEADER_HW, NWHO };

static const struct tu_person people[NWHO] = {
	[INSP1] = { "insp1", "inspector", "110101001" },
	[INSP2] = { "insp2", "inspector", "110101002" },
	[RECEP] = { "recep", "receptionist", "110101" },
	[DISP] = { "disp", "dispatcher", "110101" },
	[HW] = { "hw.handler", "handler", "110101-HW" },
	[SZ] = { "sz.handler", "handler", "110101-SZ" },
	[LEADER_HW] = { "leader.hw", "leader", "110101-HW" },
};

struct fx {
	struct tu_env *t;
	char files[400];
	struct user u[NWHO];
	struct actor a[NWHO]; /* of u[], for the access layer */
	int64_t standard_id;
	int ncases;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct case_standard std;
	struct ug_error err;

	assert_non_null(f);
	ug_error_clear(&err);
	f->t = tu_env_new(1);
	tu_path(f->files, sizeof f->files, f->t->dir, "files");
	tu_city(f->t->db, NOW, people, NWHO, f->u, f->a);
	tu_assert_ok(store_standard_current(f->t->db, "06010", &std, &err),
		     err);
	f->standard_id = std.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_env_free(f->t);
	free(f);
	return 0;
}

/* Does a case in this state lie with a department? */
static int with_department(int state)
{
	return state == CS_DISPATCHED || state == CS_HUNG ||
	       state == CS_HANDLED || state == CS_CHECKED ||
	       state == CS_CLOSED;
}

/* A case of street 110101001 in `state`, with 110101-HW when the state
 * has a department. */
static int64_t case_in(struct fx *f, int state)
{
	struct case_row *c = calloc(1, sizeof *c);
	struct ug_error err;
	int64_t id;

	assert_non_null(c);
	ug_error_clear(&err);
	snprintf(c->number, sizeof c->number, "20260921%05d", ++f->ncases);
	c->version = 1;
	snprintf(c->state, sizeof c->state, "%s", case_states[state].name);
	snprintf(c->source, sizeof c->source, "inspector");
	snprintf(c->category, sizeof c->category, "06010");
	c->standard_id = f->standard_id;
	snprintf(c->urgency, sizeof c->urgency, "normal");
	snprintf(c->description, sizeof c->description, "暴露垃圾");
	snprintf(c->area, sizeof c->area, "110101001");
	snprintf(c->street, sizeof c->street, "110101001");
	snprintf(c->district, sizeof c->district, "110101");
	if (with_department(state))
		snprintf(c->department, sizeof c->department, "110101-HW");
	snprintf(c->created_by, sizeof c->created_by, "insp1");
	c->created_at = c->updated_at = NOW;
	tu_assert_ok(store_case_insert(f->t->db, c, &err), err);
	id = c->id;
	free(c);
	return id;
}

static int add(struct fx *f, enum who who, int64_t case_id, const char *kind,
	       struct attachment_row *a, struct ug_error *err)
{
	ug_error_clear(err);
	return attachment_add(f->t->db, f->files, &f->a[who], case_id, kind,
			      JPEG, sizeof JPEG, 1024, NOW, a, err);
}

static int64_t photo_count(struct fx *f)
{
	return tu_query_int(f->t->db, "SELECT COUNT(*) FROM attachment");
}

/* Files below the attachments folder (0 when it does not exist). */
static int file_count(const char *dir)
{
	char path[1024];
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		tu_path(path, sizeof path, dir, e->d_name);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			n += file_count(path);
		else
			n++;
	}
	closedir(d);
	return n;
}

static void test_sniff(void **state)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					     0x1a, '\n', 0 };
	(void)state;
	assert_string_equal(attachment_sniff(JPEG, sizeof JPEG), "image/jpeg");
	assert_string_equal(attachment_sniff(png, sizeof png), "image/png");
	assert_string_equal(attachment_sniff("RIFF\x24\0\0\0WEBPVP8 ", 16),
			    "image/webp");
	assert_null(attachment_sniff("RIFF\x24\0\0\0WAVEfmt ", 16));
	assert_null(attachment_sniff("GIF89a", 6));
	assert_null(attachment_sniff(JPEG, 2));
	assert_null(attachment_sniff("", 0));
}

/* Every kind in every state, each by a user the kind fits: accepted in
 * its states, a conflict naming the state in the others, and none at all
 * once the case is closed (rejected, closed, void, merged). */
static void test_kind_by_state(void **state)
{
	static const struct {
		const char *kind;
		enum who who;
		unsigned states;
	} kinds[] = {
		{ "report", RECEP,
		  CS_BIT(CS_REPORTED) | CS_BIT(CS_VERIFIED) | CS_BIT(CS_FILED) },
		{ "handle", HW,
		  CS_BIT(CS_DISPATCHED) | CS_BIT(CS_HUNG) |
			  CS_BIT(CS_HANDLED) },
		{ "check", INSP1, CS_BIT(CS_HANDLED) | CS_BIT(CS_CHECKED) },
		{ "other", RECEP, CS_OPEN },
	};
	struct fx *f = *state;
	struct attachment_row a;
	struct ug_error err;
	int64_t ids[CS_COUNT];
	int accepted = 0, refused = 0;

	for (int s = 0; s < CS_COUNT; s++)
		ids[s] = case_in(f, s);
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		for (int s = 0; s < CS_COUNT; s++) {
			int rc = add(f, kinds[k].who, ids[s], kinds[k].kind, &a,
				     &err);
			char want[64];

			if (kinds[k].who == HW && !with_department(s)) {
				/* not the department's: out of its sight */
				tu_assert_err(rc, err, UG_ENOTFOUND, NULL);
				continue;
			}
			if (kinds[k].states & CS_BIT(s)) {
				tu_assert_ok(rc, err);
				assert_string_equal(a.kind, kinds[k].kind);
				assert_int_equal(a.case_id, ids[s]);
				assert_string_equal(a.created_by,
						    people[kinds[k].who].name);
				accepted++;
				continue;
			}
			tu_assert_err(rc, err, UG_ECONFLICT, "state");
			if (case_state_terminal(s)) {
				snprintf(want, sizeof want, "is %s: it takes "
					 "no more photos", case_states[s].name);
			} else {
				snprintf(want, sizeof want, "in state %s",
					 case_states[s].name);
				tu_assert_contains(err.message, kinds[k].kind);
			}
			tu_assert_contains(err.message, want);
			refused++;
		}
	}
	/* report 3, handle 3, check 2, other 8 */
	assert_int_equal(accepted, 3 + 3 + 2 + 8);
	assert_int_equal(photo_count(f), accepted);
	assert_true(refused > 20);
}

/* Who takes which photo: after-photos from the handling department, check
 * photos from inspectors. */
static void test_kind_by_user(void **state)
{
	struct fx *f = *state;
	struct attachment_row a;
	struct ug_error err;
	int64_t handled = case_in(f, CS_HANDLED);
	int64_t closed = case_in(f, CS_CLOSED);

	/* handle: the department the case is dispatched to, its leader
	 * included; area staff who see the case may not. */
	tu_assert_ok(add(f, HW, handled, "handle", &a, &err), err);
	tu_assert_ok(add(f, LEADER_HW, handled, "handle", &a, &err), err);
	tu_assert_err(add(f, INSP1, handled, "handle", &a, &err), err,
		      UG_EFORBIDDEN, "kind");
	tu_assert_contains(err.message, "department handling");
	tu_assert_err(add(f, DISP, handled, "handle", &a, &err), err,
		      UG_EFORBIDDEN, "kind");
	/* Another department does not even see it. */
	tu_assert_err(add(f, SZ, handled, "handle", &a, &err), err,
		      UG_ENOTFOUND, NULL);
	/* check: inspectors of the area only. */
	tu_assert_ok(add(f, INSP1, handled, "check", &a, &err), err);
	tu_assert_err(add(f, HW, handled, "check", &a, &err), err,
		      UG_EFORBIDDEN, "kind");
	tu_assert_contains(err.message, "inspectors");
	tu_assert_err(add(f, RECEP, handled, "check", &a, &err), err,
		      UG_EFORBIDDEN, "kind");
	tu_assert_err(add(f, INSP2, handled, "check", &a, &err), err,
		      UG_ENOTFOUND, NULL);
	/* A closed case refuses everyone, naming its state. */
	tu_assert_err(add(f, HW, closed, "handle", &a, &err), err,
		      UG_ECONFLICT, "state");
	tu_assert_contains(err.message, "closed");
	tu_assert_err(add(f, INSP1, closed, "check", &a, &err), err,
		      UG_ECONFLICT, "state");
	assert_int_equal(photo_count(f), 3);
	assert_int_equal(file_count(f->files), 1); /* one content */
}

/* Bad input is refused before anything is read or written. */
static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct attachment_row a;
	struct ug_error err;
	int64_t filed = case_in(f, CS_FILED);

	tu_assert_err(add(f, RECEP, filed, "selfie", &a, &err), err, UG_EINVAL,
		      "kind");
	ug_error_clear(&err);
	tu_assert_err(attachment_add(f->t->db, f->files, &f->a[RECEP], filed,
				     "report", JPEG, sizeof JPEG, 8, NOW, &a,
				     &err),
		      err, UG_ETOOBIG, "body");
	ug_error_clear(&err);
	tu_assert_err(attachment_add(f->t->db, f->files, &f->a[RECEP], filed,
				     "report", "hello", 5, 1024, NOW, &a,
				     &err),
		      err, UG_EINVAL, "body");
	tu_assert_err(add(f, RECEP, filed + 1000, "report", &a, &err), err,
		      UG_ENOTFOUND, "id");
	tu_assert_err(add(f, INSP2, filed, "report", &a, &err), err,
		      UG_ENOTFOUND, "id");
	assert_int_equal(photo_count(f), 0);
	assert_int_equal(file_count(f->files), 0);
	/* The same photo twice: two rows, one file. */
	tu_assert_ok(add(f, RECEP, filed, "report", &a, &err), err);
	tu_assert_ok(add(f, INSP1, filed, "report", &a, &err), err);
	assert_int_equal(photo_count(f), 2);
	assert_int_equal(file_count(f->files), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_kind_by_state),
		T(test_kind_by_user),
		T(test_bad_input),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
