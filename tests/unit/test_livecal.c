/*
 * test_livecal.c - the live working calendar (domain/calendar/livecal.h): a
 * change in the store is picked up by a refresh (forced, or at most once
 * a second), a new local year or a database put back rebuilds too, a
 * table held by a request outlives the swap and goes when released (ASan
 * in `make test-asan` sees any use after free or leak), a rebuild that
 * fails keeps the table there is, and threads acquiring and releasing
 * while the table is swapped under them always hold a working one.
 */
#include "testutil.h"

#include <pthread.h>

#include "domain/calendar/livecal.h"
#include "domain/calendar/workcal.h"
#include "lib/util.h"

#define CN CALENDAR_UTC_OFFSET_CHINA

/* 2026-06-15 12:00 +08:00 */
#define NOW calendar_utc_from_local(CN, 2026, 6, 15, 12, 0, 0)
/* Saturday 2026-06-13 09:00 +08:00 */
#define SAT calendar_utc_from_local(CN, 2026, 6, 13, 9, 0, 0)

static int set1(struct db *db, const char *key, const char *value)
{
	struct workcal_change ch = { key, value };
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(workcal_settings_set(db, tu_actor("test"), &ch, 1, 0, NULL,
					  &err), err);
	return 0;
}

/* One working hour from Saturday 09:00 in the view's table. */
static int64_t saturday_plus_hour(const struct livecal_view *v)
{
	struct ug_error err;
	int64_t due;

	ug_error_clear(&err);
	tu_assert_ok(calendar_add_working(v->calendar, SAT, 3600, &due, &err),
		     err);
	return due;
}

static struct livecal *open_ok(struct db *db, int64_t now)
{
	struct livecal *lc;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(livecal_open(db, now, &lc, &err), err);
	return lc;
}

static void refresh_ok(struct livecal *lc, struct db *db, int64_t now,
		       int force)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(livecal_refresh(lc, db, now, force, &err), err);
}

static void test_follows_the_store(void **state)
{
	struct db *db = ((struct tu_env *)*state)->db;
	struct livecal *lc = open_ok(db, NOW);
	const struct livecal_view *v = livecal_acquire(lc), *w;
	int64_t t0;

	assert_int_equal(v->revision, 0);
	assert_int_equal(v->utc_offset, CN);
	/* Saturday is off: the hour falls on Monday. */
	assert_int_equal(saturday_plus_hour(v),
			 calendar_utc_from_local(CN, 2026, 6, 15, 9, 30, 0));
	livecal_release(lc, v);

	/* No change: a forced refresh keeps the very same table. */
	refresh_ok(lc, db, NOW, 1);
	w = livecal_acquire(lc);
	assert_ptr_equal(w, v);
	livecal_release(lc, w);

	t0 = ug_monotonic_us();
	set1(db, "week.sat", "09:00-12:00");
	refresh_ok(lc, db, NOW, 0);
	w = livecal_acquire(lc);
	/* Within a second of the last check nothing is read. */
	if (ug_monotonic_us() - t0 < 900000)
		assert_int_equal(w->revision, 0);
	livecal_release(lc, w);
	refresh_ok(lc, db, NOW, 1);
	w = livecal_acquire(lc);
	assert_int_equal(w->revision, 1);
	assert_int_equal(saturday_plus_hour(w), SAT + 3600);
	livecal_release(lc, w);

	/* The offset comes along. */
	set1(db, "utc_offset", "+09:00");
	refresh_ok(lc, db, NOW, 1);
	w = livecal_acquire(lc);
	assert_int_equal(w->utc_offset, 9 * 3600);
	assert_int_equal(w->revision, 2);
	livecal_release(lc, w);
	livecal_free(lc);
}

/* A request holding a table keeps it through a swap. */
static void test_held_table_outlives_the_swap(void **state)
{
	struct db *db = ((struct tu_env *)*state)->db;
	struct livecal *lc = open_ok(db, NOW);
	const struct livecal_view *old = livecal_acquire(lc), *again, *fresh;

	again = livecal_acquire(lc); /* two requests on the same table */
	set1(db, "week.sat", "09:00-12:00");
	refresh_ok(lc, db, NOW, 1);
	fresh = livecal_acquire(lc);
	assert_ptr_not_equal(fresh, old);
	assert_int_equal(saturday_plus_hour(fresh), SAT + 3600);
	/* The old table still answers as it did. */
	assert_int_equal(saturday_plus_hour(old),
			 calendar_utc_from_local(CN, 2026, 6, 15, 9, 30, 0));
	livecal_release(lc, old);
	assert_int_equal(saturday_plus_hour(again),
			 calendar_utc_from_local(CN, 2026, 6, 15, 9, 30, 0));
	livecal_release(lc, again); /* the last holder frees it */
	/* Swapped twice while held: each retired table goes with its last
	 * holder. */
	set1(db, "week.sun", "09:00-10:00");
	refresh_ok(lc, db, NOW, 1);
	set1(db, "week.sun", "off");
	refresh_ok(lc, db, NOW, 1);
	livecal_release(lc, fresh);
	livecal_release(lc, NULL);
	livecal_free(lc);
}

/* A new local year, or a database put back, rebuilds too.  The table
 * always covers the years the holiday rules do (1901-2099) and at least
 * the year of now and the next, so a new year only shows in the range
 * past 2099. */
static void test_year_and_put_back(void **state)
{
	struct db *db = ((struct tu_env *)*state)->db;
	struct livecal *lc = open_ok(db, NOW);
	const struct livecal_view *v;
	struct ug_error err;
	int64_t first, end;
	int64_t later = calendar_utc_from_local(CN, 2100, 1, 2, 12, 0, 0);
	struct db_stmt *st;

	v = livecal_acquire(lc);
	calendar_range(v->calendar, &first, &end);
	assert_true(end <= later); /* 1901..2099 */
	livecal_release(lc, v);
	refresh_ok(lc, db, later, 1);
	v = livecal_acquire(lc);
	calendar_range(v->calendar, &first, &end);
	assert_true(end > later); /* 1901..2101 */
	assert_int_equal(v->revision, 0);
	livecal_release(lc, v);

	set1(db, "week.sat", "09:00-12:00");
	set1(db, "week.sat", "10:00-12:00");
	refresh_ok(lc, db, later, 1);
	/* A backup restored under the running server: an older revision. */
	ug_error_clear(&err);
	tu_assert_ok(db_prepare(db, "UPDATE calendar_rev SET value = 1", &st,
				&err),
		     err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	tu_assert_ok(store_calendar_setting_set(db, "week.sat", "09:00-12:00",
						&err),
		     err);
	refresh_ok(lc, db, later, 1);
	v = livecal_acquire(lc);
	assert_int_equal(v->revision, 1);
	livecal_release(lc, v);
	livecal_free(lc);
}

/* A rebuild that fails keeps the table there is. */
static void test_failed_rebuild(void **state)
{
	struct db *db = ((struct tu_env *)*state)->db;
	struct livecal *lc = open_ok(db, NOW);
	const struct livecal_view *v;
	struct ug_error err;
	int64_t rev;

	ug_error_clear(&err);
	tu_assert_ok(store_calendar_setting_set(db, "week.mon", "broken",
						&err),
		     err);
	tu_assert_ok(store_calendar_next_rev(db, &rev, &err), err);
	tu_assert_err(livecal_refresh(lc, db, NOW, 1, &err), err, UG_EINVAL,
		      "week.mon");
	v = livecal_acquire(lc);
	assert_int_equal(v->revision, 0);
	assert_non_null(v->calendar);
	livecal_release(lc, v);
	/* Nor does a bad stored calendar open. */
	livecal_free(lc);
	tu_assert_err(livecal_open(db, NOW, &lc, &err), err, UG_EINVAL,
		      "week.mon");
	livecal_free(NULL);
}

struct worker {
	struct livecal *lc;
	int stop;
	pthread_mutex_t mu;
	long rounds;
	int bad;
};

static void *use_tables(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		const struct livecal_view *v;
		int64_t due;
		int stop;

		pthread_mutex_lock(&w->mu);
		stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (stop)
			break;
		v = livecal_acquire(w->lc);
		/* Either week: Saturday works 09:00-12:00 or not at all. */
		if (calendar_add_working(v->calendar, SAT, 3600, &due, NULL) ||
		    (due != SAT + 3600 &&
		     due != calendar_utc_from_local(CN, 2026, 6, 15, 9, 30, 0))) {
			pthread_mutex_lock(&w->mu);
			w->bad++;
			pthread_mutex_unlock(&w->mu);
		}
		livecal_release(w->lc, v);
		pthread_mutex_lock(&w->mu);
		w->rounds++;
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct db *db = ((struct tu_env *)*state)->db;
	struct worker w = { .lc = open_ok(db, NOW) };
	pthread_t th[4];

	pthread_mutex_init(&w.mu, NULL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, use_tables, &w),
				 0);
	for (int i = 0; i < 40; i++) {
		set1(db, "week.sat", i % 2 ? "off" : "09:00-12:00");
		refresh_ok(w.lc, db, NOW, 1);
	}
	pthread_mutex_lock(&w.mu);
	w.stop = 1;
	pthread_mutex_unlock(&w.mu);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(w.bad, 0);
	assert_true(w.rounds > 0);
	pthread_mutex_destroy(&w.mu);
	livecal_free(w.lc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_setup_db, tu_teardown_db)
		T(test_follows_the_store),
		T(test_held_table_outlives_the_swap),
		T(test_year_and_put_back),
		T(test_failed_rebuild),
		T(test_threads),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
