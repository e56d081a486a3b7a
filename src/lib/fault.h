/*
 * fault.h - fault injection for tests, in the manner of SQLite's.
 *
 * Tests arm a countdown ("fail the Nth allocation", "fail the Nth database
 * step") and check that the code under test answers with a clean error and
 * writes nothing half-done.  Disarmed, a check costs one relaxed atomic load.
 * This is the one piece of process-global mutable state in the program and it
 * exists only for tests: production code never arms it.
 */
#ifndef UG_FAULT_H
#define UG_FAULT_H

enum fault_kind {
	FAULT_ALLOC,   /* growable buffers and arena blocks */
	FAULT_DB_STEP, /* db_step() in the store layer */
	FAULT_KIND_COUNT
};

/* Make the `nth` next check of `kind` fail (1 = the very next one); 0
 * disarms. */
void fault_arm(enum fault_kind kind, int nth);

/* Called at each place that can fail: returns 1 when this call must fail. */
int fault_should_fail(enum fault_kind kind);

#endif
