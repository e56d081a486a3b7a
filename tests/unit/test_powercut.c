/*
 * test_powercut.c - acknowledged intake survives a power cut.
 *
 * `kill -9` cannot show it: the kernel's page cache outlives the process
 * and writes what the process wrote.  So the test runs SQLite on a VFS of
 * its own (below, in this file only: never in the program), a shim over
 * the default unix VFS that remembers, for every write and truncation of
 * a database or log file since that file's last xSync, what the file held
 * before.  A simulated power cut stops all further I/O and puts back what
 * was not synced: every unsynced write is dropped, or (every other round)
 * a random subset of them is kept in order and the last one kept is torn
 * after a random number of 512-byte sectors - what a disk may do when the
 * power goes.  The -shm index is dropped too (it is rebuilt from the log).
 *
 * Each round: a fresh copy of a city's database, 16 threads reporting
 * cases through the domain (case_intake on a connection pool: the
 * server's write path, group commit included) as fast as they can; a cut
 * at a random moment (0-400 ms after the first acknowledgements, at the
 * first write not yet synced); the pool torn down; the files reopened.  Every
 * case whose intake returned 0 must be there with its number, and the
 * database must pass PRAGMA integrity_check.  The same rounds with
 * synchronous=NORMAL must lose at least one acknowledged case: the proof
 * that the test can fail.
 */
#include "testutil.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "domain/calendar/calendar.h"
#include "domain/cases/case.h"
#include "lib/util.h"

/* ---- the power-cut VFS -------------------------------------------------- */

/* What a file held before one write or truncation: `old` (n bytes at
 * off) and its size then. */
struct pc_undo {
	struct pc_undo *prev;
	sqlite3_int64 off, size_before;
	size_t n, new_n;
	unsigned char *old; /* n bytes, then new_n bytes written (redo) */
};

/* One file on disk, however many handles it has. */
struct pc_track {
	char path[512];
	struct pc_undo *last; /* newest first */
};

struct pc_file {
	sqlite3_file base;
	struct pc_track *t; /* NULL: not tracked (temp files) */
	sqlite3_file real[]; /* the unix VFS's file, szOsFile bytes */
};

#define PC_TRACKS 8
static struct {
	pthread_mutex_t lock;
	sqlite3_vfs vfs;
	sqlite3_vfs *unix_vfs;
	struct pc_track tracks[PC_TRACKS];
	int dead;        /* the power is off: every write fails */
	unsigned seed;
} pc = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct pc_track *pc_track(const char *path)
{
	for (int i = 0; i < PC_TRACKS; i++)
		if (strcmp(pc.tracks[i].path, path) == 0)
			return &pc.tracks[i];
	for (int i = 0; i < PC_TRACKS; i++)
		if (!pc.tracks[i].path[0]) {
			snprintf(pc.tracks[i].path, sizeof pc.tracks[i].path,
				 "%s", path);
			return &pc.tracks[i];
		}
	return NULL;
}

static void pc_forget(struct pc_track *t)
{
	while (t->last) {
		struct pc_undo *u = t->last;

		t->last = u->prev;
		free(u->old);
		free(u);
	}
}

/* Remember what [off, off + n) holds before it changes (and what will be
 * written there: `data`, new_n bytes; NULL for a truncation). */
static int pc_remember(struct pc_file *f, sqlite3_int64 off, size_t n,
		       const void *data, size_t new_n)
{
	struct pc_undo *u = calloc(1, sizeof *u);
	sqlite3_int64 size = 0;

	if (!u || f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK)
		return free(u), SQLITE_IOERR;
	u->off = off;
	u->size_before = size;
	u->n = off >= size ? 0 : (size_t)(size - off) < n ? (size_t)(size - off)
							   : n;
	u->new_n = new_n;
	u->old = malloc(u->n + new_n + 1);
	if (!u->old)
		return free(u), SQLITE_NOMEM;
	if (u->n && f->real->pMethods->xRead(f->real, u->old, (int)u->n, off) !=
			    SQLITE_OK)
		return free(u->old), free(u), SQLITE_IOERR;
	if (new_n)
		memcpy(u->old + u->n, data, new_n);
	u->prev = f->t->last;
	f->t->last = u;
	return SQLITE_OK;
}

static int pc_close(sqlite3_file *file)
{
	struct pc_file *f = (struct pc_file *)file;

	return f->real->pMethods ? f->real->pMethods->xClose(f->real)
				 : SQLITE_OK;
}

static int pc_read(sqlite3_file *file, void *buf, int n, sqlite3_int64 off)
{
	struct pc_file *f = (struct pc_file *)file;

	return f->real->pMethods->xRead(f->real, buf, n, off);
}

static int pc_write(sqlite3_file *file, const void *buf, int n,
		    sqlite3_int64 off)
{
	struct pc_file *f = (struct pc_file *)file;
	int rc = SQLITE_IOERR_WRITE;

	pthread_mutex_lock(&pc.lock);
	if (!pc.dead && (!f->t || (rc = pc_remember(f, off, (size_t)n, buf,
						     (size_t)n)) == SQLITE_OK))
		rc = f->real->pMethods->xWrite(f->real, buf, n, off);
	pthread_mutex_unlock(&pc.lock);
	return rc;
}

static int pc_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct pc_file *f = (struct pc_file *)file;
	sqlite3_int64 cur = 0;
	int rc = SQLITE_IOERR_TRUNCATE;

	pthread_mutex_lock(&pc.lock);
	if (!pc.dead &&
	    f->real->pMethods->xFileSize(f->real, &cur) == SQLITE_OK &&
	    (!f->t || cur <= size ||
	     (rc = pc_remember(f, size, (size_t)(cur - size), NULL, 0)) ==
		     SQLITE_OK))
		rc = f->real->pMethods->xTruncate(f->real, size);
	pthread_mutex_unlock(&pc.lock);
	return rc;
}

/* Forget `mark` and every change older than it (they reached the disk). */
static void pc_synced(struct pc_track *t, struct pc_undo *mark)
{
	struct pc_undo **p = &t->last;

	while (*p && *p != mark)
		p = &(*p)->prev;
	while (*p) {
		struct pc_undo *u = *p;

		*p = u->prev;
		free(u->old);
		free(u);
	}
}

/* What was written before the sync began is on the disk once it returns;
 * writes made meanwhile (other connections, other threads) are not.  The
 * lock is not held while the disk syncs, so a cut can come in between. */
static int pc_sync(sqlite3_file *file, int flags)
{
	struct pc_file *f = (struct pc_file *)file;
	struct pc_undo *mark = NULL;
	int rc;

	pthread_mutex_lock(&pc.lock);
	if (pc.dead) {
		pthread_mutex_unlock(&pc.lock);
		return SQLITE_IOERR_FSYNC;
	}
	if (f->t)
		mark = f->t->last;
	pthread_mutex_unlock(&pc.lock);
	rc = f->real->pMethods->xSync(f->real, flags);
	pthread_mutex_lock(&pc.lock);
	if (pc.dead) /* the power went first: not synced */
		rc = SQLITE_IOERR_FSYNC;
	else if (rc == SQLITE_OK && f->t && mark)
		pc_synced(f->t, mark);
	pthread_mutex_unlock(&pc.lock);
	return rc;
}

#define PC_PASS(name, args, call)                                       \
	static int pc_##name args                                       \
	{                                                               \
		struct pc_file *f = (struct pc_file *)file;             \
		return f->real->pMethods->x##call;                      \
	}
PC_PASS(size, (sqlite3_file *file, sqlite3_int64 *size),
	FileSize(f->real, size))
PC_PASS(lock, (sqlite3_file *file, int l), Lock(f->real, l))
PC_PASS(unlock, (sqlite3_file *file, int l), Unlock(f->real, l))
PC_PASS(check, (sqlite3_file *file, int *out),
	CheckReservedLock(f->real, out))
PC_PASS(sector, (sqlite3_file *file), SectorSize(f->real))
PC_PASS(devchar, (sqlite3_file *file), DeviceCharacteristics(f->real))
PC_PASS(shmmap,
	(sqlite3_file *file, int pg, int pgsz, int extend,
	 void volatile **p),
	ShmMap(f->real, pg, pgsz, extend, p))
PC_PASS(shmlock, (sqlite3_file *file, int off, int n, int flags),
	ShmLock(f->real, off, n, flags))
PC_PASS(shmunmap, (sqlite3_file *file, int del), ShmUnmap(f->real, del))

static void pc_shmbarrier(sqlite3_file *file)
{
	struct pc_file *f = (struct pc_file *)file;

	f->real->pMethods->xShmBarrier(f->real);
}

static int pc_fcntl(sqlite3_file *file, int op, void *arg)
{
	struct pc_file *f = (struct pc_file *)file;

	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static const sqlite3_io_methods pc_io = {
	.iVersion = 2,
	.xClose = pc_close,
	.xRead = pc_read,
	.xWrite = pc_write,
	.xTruncate = pc_truncate,
	.xSync = pc_sync,
	.xFileSize = pc_size,
	.xLock = pc_lock,
	.xUnlock = pc_unlock,
	.xCheckReservedLock = pc_check,
	.xFileControl = pc_fcntl,
	.xSectorSize = pc_sector,
	.xDeviceCharacteristics = pc_devchar,
	.xShmMap = pc_shmmap,
	.xShmLock = pc_shmlock,
	.xShmBarrier = pc_shmbarrier,
	.xShmUnmap = pc_shmunmap,
};

static int pc_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file,
		   int flags, int *out_flags)
{
	struct pc_file *f = (struct pc_file *)file;
	int rc;

	(void)vfs;
	memset(f, 0, sizeof *f);
	rc = pc.unix_vfs->xOpen(pc.unix_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK)
		return rc;
	f->base.pMethods = &pc_io;
	if (name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL))) {
		pthread_mutex_lock(&pc.lock);
		f->t = pc_track(name);
		pthread_mutex_unlock(&pc.lock);
	}
	return SQLITE_OK;
}

static int pc_delete(sqlite3_vfs *vfs, const char *name, int dirsync)
{
	int rc = SQLITE_IOERR_DELETE;

	(void)vfs;
	pthread_mutex_lock(&pc.lock);
	if (!pc.dead) {
		rc = pc.unix_vfs->xDelete(pc.unix_vfs, name, dirsync);
		for (int i = 0; i < PC_TRACKS; i++)
			if (strcmp(pc.tracks[i].path, name) == 0) {
				pc_forget(&pc.tracks[i]);
				pc.tracks[i].path[0] = 0;
			}
	}
	pthread_mutex_unlock(&pc.lock);
	return rc;
}

#define PC_VFS_PASS(name, args, call)                                   \
	static int pc_##name args                                       \
	{                                                               \
		(void)vfs;                                              \
		return pc.unix_vfs->x##call;                            \
	}
PC_VFS_PASS(access, (sqlite3_vfs *vfs, const char *n, int flags, int *out),
	    Access(pc.unix_vfs, n, flags, out))
PC_VFS_PASS(fullpath, (sqlite3_vfs *vfs, const char *n, int size, char *out),
	    FullPathname(pc.unix_vfs, n, size, out))
PC_VFS_PASS(random, (sqlite3_vfs *vfs, int n, char *out),
	    Randomness(pc.unix_vfs, n, out))
PC_VFS_PASS(sleep, (sqlite3_vfs *vfs, int us), Sleep(pc.unix_vfs, us))
PC_VFS_PASS(now, (sqlite3_vfs *vfs, double *out),
	    CurrentTime(pc.unix_vfs, out))
PC_VFS_PASS(lasterr, (sqlite3_vfs *vfs, int n, char *out),
	    GetLastError(pc.unix_vfs, n, out))
PC_VFS_PASS(now64, (sqlite3_vfs *vfs, sqlite3_int64 *out),
	    CurrentTimeInt64(pc.unix_vfs, out))

/* Make the power-cut VFS SQLite's default, for every connection the
 * program opens from now on. */
static void pc_install(void)
{
	pc.unix_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(pc.unix_vfs);
	pc.vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct pc_file) + pc.unix_vfs->szOsFile,
		.mxPathname = pc.unix_vfs->mxPathname,
		.zName = "powercut",
		.xOpen = pc_open,
		.xDelete = pc_delete,
		.xAccess = pc_access,
		.xFullPathname = pc_fullpath,
		.xRandomness = pc_random,
		.xSleep = pc_sleep,
		.xCurrentTime = pc_now,
		.xGetLastError = pc_lasterr,
		.xCurrentTimeInt64 = pc_now64,
	};
	assert_int_equal(sqlite3_vfs_register(&pc.vfs, 1), SQLITE_OK);
}

static void pc_pwrite(int fd, const void *p, size_t n, off_t off)
{
	if (n && pwrite(fd, p, n, off) != (ssize_t)n)
		fail_msg("cannot restore %zu bytes at %lld", n, (long long)off);
}

/* The power goes (at the first moment after the call that some write
 * is not synced yet): nothing more reaches the files, and what was not
 * synced is put back as it was at each file's last sync - all of it, or
 * with `torn`, a random subset of the unsynced writes survives in order,
 * the last of them cut after a random number of sectors.  Returns how
 * many unsynced writes were undone. */
static int pc_unsynced(void)
{
	for (int i = 0; i < PC_TRACKS; i++)
		if (pc.tracks[i].last)
			return 1;
	return 0;
}

static int pc_cut(int torn)
{
	struct timespec tick = { 0, 20000 };
	int undone = 0;

	/* At the first moment something is unsynced (within 2 s): a cut
	 * between a write and its sync is the one that tells. */
	pthread_mutex_lock(&pc.lock);
	for (int i = 0; i < 100000 && !pc_unsynced(); i++) {
		pthread_mutex_unlock(&pc.lock);
		nanosleep(&tick, NULL);
		pthread_mutex_lock(&pc.lock);
	}
	pc.dead = 1;
	for (int i = 0; i < PC_TRACKS; i++) {
		struct pc_track *t = &pc.tracks[i];
		struct pc_undo *u, *order = NULL;
		int fd;

		if (!t->path[0] || !t->last)
			continue;
		fd = open(t->path, O_RDWR | O_CLOEXEC);
		if (fd < 0) /* gone, by another way than xDelete */
			continue;
		/* Newest first: put every change back. */
		for (u = t->last; u; u = u->prev, undone++) {
			if (ftruncate(fd, u->size_before) != 0)
				fail_msg("cannot truncate %s", t->path);
			pc_pwrite(fd, u->old, u->n, u->off);
		}
		/* Oldest first again: the writes that made it anyway. */
		while (torn && t->last) {
			u = t->last;
			t->last = u->prev;
			u->prev = order;
			order = u;
		}
		for (u = order; u; u = u->prev) {
			if (!u->new_n || rand_r(&pc.seed) % 2)
				continue;
			if (!u->prev || rand_r(&pc.seed) % 4 == 0) {
				/* the last one kept: torn */
				size_t keep = (size_t)(rand_r(&pc.seed) %
						       (u->new_n / 512 + 1)) *
					      512;

				pc_pwrite(fd, u->old + u->n, keep, u->off);
				break;
			}
			pc_pwrite(fd, u->old + u->n, u->new_n, u->off);
		}
		for (u = order; u;) {
			struct pc_undo *next = u->prev;

			free(u->old);
			free(u);
			u = next;
		}
		close(fd);
		pc_forget(t);
	}
	pthread_mutex_unlock(&pc.lock);
	return undone;
}

/* The power is back: a fresh start, nothing tracked. */
static void pc_restore(void)
{
	pthread_mutex_lock(&pc.lock);
	for (int i = 0; i < PC_TRACKS; i++) {
		pc_forget(&pc.tracks[i]);
		pc.tracks[i].path[0] = 0;
	}
	pc.dead = 0;
	pthread_mutex_unlock(&pc.lock);
}

/* ---- the city and the reporters ----------------------------------------- */

enum { INSP, NWHO };
static const struct tu_person people[NWHO] = {
	[INSP] = { "insp1", "inspector", "110101001" },
};

#define CLIENTS 16
#define MAX_ACKS 200000

static struct {
	char base[320]; /* the city's database, built once */
	char dir[256];
	struct calendar *cal;
	struct user u[NWHO];
	struct actor a[NWHO];
} city;

struct round {
	struct db_pool *pool;
	struct case_env env;
	pthread_mutex_t lock;
	int64_t ids[MAX_ACKS];
	char numbers[MAX_ACKS][24];
	int nacks;
	int stop;
	int failures; /* intakes that answered an error (after the cut) */
};

static void *reporter(void *arg)
{
	struct round *r = arg;
	struct case_intake in = {
		.category = "06010",
		.description = "停电测试上报",
		.source = "inspector",
		.urgency = "normal",
		.address = "一号街道10号",
	};
	struct case_row *c = malloc(sizeof *c);
	struct ug_error err;
	struct db *db = NULL;

	ug_error_clear(&err);
	if (!c || db_pool_acquire(r->pool, &db, &err)) {
		free(c);
		return NULL;
	}
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		ug_error_clear(&err);
		if (case_intake(db, &r->env, &city.a[INSP], &in,
				ug_now_s(), c, NULL, &err) != 0) {
			pthread_mutex_lock(&r->lock);
			r->failures++;
			pthread_mutex_unlock(&r->lock);
			break; /* the power is off */
		}
		pthread_mutex_lock(&r->lock);
		if (r->nacks < MAX_ACKS) {
			r->ids[r->nacks] = c->id;
			snprintf(r->numbers[r->nacks], sizeof r->numbers[0],
				 "%s", c->number);
			r->nacks++;
		}
		pthread_mutex_unlock(&r->lock);
	}
	db_pool_release(r->pool, db);
	free(c);
	return NULL;
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (in < 0 || out < 0)
		fail_msg("cannot copy %s to %s", from, to);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail_msg("short write to %s", to);
	close(in);
	close(out);
}

static int city_setup(void **state)
{
	struct tu_env *t;
	struct ug_error err;

	(void)state;
	pc_install();
	city.cal = tu_calendar_plain();
	if (!city.cal)
		return -1;
	t = tu_env_new(1);
	tu_city(t->db, ug_now_s() - 86400, people, NWHO, city.u, city.a);
	ug_error_clear(&err);
	/* One file, no log beside it: each round starts from a copy. */
	if (db_exec(t->db, "PRAGMA wal_checkpoint(TRUNCATE)", &err))
		return -1;
	db_close(t->db);
	t->db = NULL;
	snprintf(city.dir, sizeof city.dir, "%s", t->dir);
	snprintf(city.base, sizeof city.base, "%s", t->db_path);
	pc_restore();
	free(t); /* the folder stays until the group's teardown */
	return 0;
}

static int city_teardown(void **state)
{
	(void)state;
	tu_rmdir_all(city.dir);
	calendar_free(city.cal);
	return 0;
}

struct outcome {
	int acked, lost, problems, undone;
};

/* One round: intake from CLIENTS threads, a cut after `cut_ms`, reopen,
 * count the acknowledged cases that are missing. */
static void run_round(int n, int relaxed, int torn, int cut_ms,
		      struct outcome *o)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000,
				       .background_checkpoint = 1,
				       .relaxed_sync = relaxed };
	struct round *r = calloc(1, sizeof *r);
	pthread_t th[CLIENTS];
	struct timespec pause = { cut_ms / 1000, (cut_ms % 1000) * 1000000L };
	struct ug_error err;
	struct db *db = NULL;
	char path[400], shm[420];
	int64_t problems = 0;

	assert_non_null(r);
	memset(o, 0, sizeof *o);
	snprintf(path, sizeof path, "%s/round%d.db", city.dir, n);
	snprintf(shm, sizeof shm, "%s-shm", path);
	copy_file(city.base, path);
	pthread_mutex_init(&r->lock, NULL);
	case_env_defaults(&r->env, city.cal);
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(path, &opt, &r->pool, &err), err);
	for (int i = 0; i < CLIENTS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reporter, r), 0);
	/* Once intake runs (a slow build takes a while to start: 5 s at
	 * most), cut_ms later. */
	for (int i = 0; i < 500; i++) {
		struct timespec ms10 = { 0, 10000000L };
		int acks;

		pthread_mutex_lock(&r->lock);
		acks = r->nacks;
		pthread_mutex_unlock(&r->lock);
		if (acks >= CLIENTS)
			break;
		nanosleep(&ms10, NULL);
	}
	nanosleep(&pause, NULL);
	o->undone = pc_cut(torn);
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(th[i], NULL);
	db_pool_destroy(r->pool); /* its closes fail: no power */
	pc_restore();
	unlink(shm); /* the index in shared memory is gone with the power */

	tu_assert_ok(db_open(path, &opt, &db, &err), err);
	tu_assert_ok(db_check(db, DB_CHECK_INTEGRITY, NULL, NULL, &problems,
			      &err),
		     err);
	o->problems = (int)problems;
	o->acked = r->nacks;
	for (int i = 0; i < r->nacks; i++) {
		struct db_stmt *st;
		int rc = db_row(db, "SELECT number FROM case_file WHERE id = ?",
				DB_ARGS(DB_INT(r->ids[i])), &st, &err);

		assert_true(rc >= 0);
		if (rc != DB_ROW) {
			o->lost++;
			continue;
		}
		assert_string_equal(db_column_text(st, 0), r->numbers[i]);
		db_reset(st);
	}
	db_close(db);
	print_message("round %d (%s, %s cut %d ms in): %d acknowledged, %d "
		      "lost, %d unsynced writes undone, integrity problems "
		      "%d, %d intakes failed at the cut\n",
		      n, relaxed ? "NORMAL" : "FULL",
		      torn ? "torn" : "clean", cut_ms, o->acked, o->lost,
		      o->undone, o->problems, r->failures);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

#define ROUNDS 4

/* synchronous=FULL with group commit: nothing acknowledged is lost. */
static void test_full_keeps_every_acknowledged_case(void **state)
{
	struct outcome o;
	int acked = 0, undone = 0;

	(void)state;
	pc.seed = (unsigned)time(NULL);
	print_message("seed %u\n", pc.seed);
	for (int i = 0; i < ROUNDS; i++) {
		run_round(i, 0, i % 2, (int)(rand_r(&pc.seed) % 400), &o);
		assert_int_equal(o.problems, 0);
		assert_int_equal(o.lost, 0);
		acked += o.acked;
		undone += o.undone;
	}
	/* The rounds did something: cases were acknowledged, and the cuts
	 * dropped writes (each came between a write and its sync). */
	assert_true(acked > 50);
	assert_true(undone >= ROUNDS);
}

/* synchronous=NORMAL: the same rounds lose acknowledged cases (commits
 * are synced only at checkpoints), so the test above can fail. */
static void test_normal_loses_acknowledged_cases(void **state)
{
	struct outcome o;
	int lost = 0;

	(void)state;
	pc.seed = (unsigned)time(NULL) + 1;
	print_message("seed %u\n", pc.seed);
	for (int i = 0; i < ROUNDS; i++) {
		run_round(100 + i, 1, i % 2, (int)(rand_r(&pc.seed) % 400),
			  &o);
		assert_int_equal(o.problems, 0); /* lost, never corrupt */
		lost += o.lost;
	}
	assert_true(lost > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_keeps_every_acknowledged_case),
		cmocka_unit_test(test_normal_loses_acknowledged_cases),
	};

	return cmocka_run_group_tests(tests, city_setup, city_teardown);
}
