/*
 * fault.c - countdown fault injection (see fault.h).
 */
#include "lib/fault.h"

#include <stdatomic.h>

static atomic_int fault_countdown[FAULT_KIND_COUNT];

void fault_arm(enum fault_kind kind, int nth)
{
	atomic_store(&fault_countdown[kind], nth);
}

int fault_should_fail(enum fault_kind kind)
{
	int n = atomic_load_explicit(&fault_countdown[kind],
				     memory_order_relaxed);

	if (n <= 0)
		return 0;
	/* Several threads may race here in a test; exactly one of them sees
	 * the counter go from 1 to 0 and fails. */
	return atomic_fetch_sub(&fault_countdown[kind], 1) == 1;
}
