/*
 * test_arena.c - the region allocator (lib/arena.h): alignment, many small
 * allocations across blocks, allocations larger than a block, strndup,
 * the refused sizes and injected allocation failures, free and reuse.
 * ASan checks that nothing overlaps and that arena_free() leaks nothing.
 */
#include "testutil.h"

#include <stdalign.h>
#include <stdint.h>

#include "lib/arena.h"

static int teardown_fault(void **state)
{
	(void)state;
	fault_arm(FAULT_ALLOC, 0);
	return 0;
}

static void test_alignment(void **state)
{
	struct arena a = ARENA_INIT;
	static const size_t sizes[] = { 1, 3, 7, 8, 15, 16, 17, 31, 100, 4095 };

	(void)state;
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			void *p = arena_alloc(&a, sizes[i]);

			assert_non_null(p);
			assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
			memset(p, 0xab, sizes[i]);
		}
	arena_free(&a);
	assert_null(a.head);
}

static void test_many_allocations_keep_content(void **state)
{
	struct arena a = ARENA_INIT;
	unsigned char *p[2000];

	(void)state;
	/* 2000 x 100 bytes spans dozens of 4 KiB blocks. */
	for (int i = 0; i < 2000; i++) {
		p[i] = arena_alloc(&a, 100);
		assert_non_null(p[i]);
		memset(p[i], i & 0xff, 100);
	}
	for (int i = 0; i < 2000; i++)
		for (int k = 0; k < 100; k++)
			assert_int_equal(p[i][k], i & 0xff);
	arena_free(&a);
}

static void test_large_allocation(void **state)
{
	struct arena a = ARENA_INIT;
	unsigned char *small1, *big, *small2;

	(void)state;
	small1 = arena_alloc(&a, 10);
	big = arena_alloc(&a, 100000);
	small2 = arena_alloc(&a, 10);
	assert_non_null(small1);
	assert_non_null(big);
	assert_non_null(small2);
	memset(small1, 1, 10);
	memset(big, 2, 100000); /* ASan: the whole block is ours */
	memset(small2, 3, 10);
	assert_int_equal(small1[9], 1);
	assert_int_equal(big[0], 2);
	assert_int_equal(big[99999], 2);
	assert_int_equal(small2[0], 3);
	arena_free(&a);
}

static void test_huge_size_refused(void **state)
{
	struct arena a = ARENA_INIT;

	(void)state;
	assert_null(arena_alloc(&a, (size_t)-1));
	assert_null(arena_alloc(&a, (size_t)-1 / 2 + 1));
	assert_null(a.head); /* nothing was allocated */
	assert_non_null(arena_alloc(&a, 8));
	arena_free(&a);
}

static void test_strndup(void **state)
{
	struct arena a = ARENA_INIT;
	char *s;

	(void)state;
	s = arena_strndup(&a, "110101001/rest", 9);
	assert_string_equal(s, "110101001");
	s = arena_strndup(&a, "", 0);
	assert_string_equal(s, "");
	s = arena_strndup(&a, "东城区", strlen("东城区"));
	assert_string_equal(s, "东城区");
	arena_free(&a);
}

static void test_alloc_failure(void **state)
{
	static char text[5000];
	struct arena a = ARENA_INIT;
	void *p;

	(void)state;
	memset(text, 'x', sizeof text);
	fault_arm(FAULT_ALLOC, 1);
	assert_null(arena_alloc(&a, 16));
	assert_null(a.head);
	/* Once a block exists, allocations inside it need no new memory. */
	p = arena_alloc(&a, 16);
	assert_non_null(p);
	fault_arm(FAULT_ALLOC, 1);
	assert_non_null(arena_alloc(&a, 16));
	/* A request past the block's room needs a block, which fails. */
	assert_null(arena_alloc(&a, 8192));
	fault_arm(FAULT_ALLOC, 1);
	assert_null(arena_strndup(&a, text, sizeof text));
	fault_arm(FAULT_ALLOC, 0);
	assert_non_null(arena_strndup(&a, "ok", 2));
	arena_free(&a);
}

static void test_free_and_reuse(void **state)
{
	struct arena a = ARENA_INIT;

	(void)state;
	arena_free(&a); /* empty arena */
	assert_non_null(arena_alloc(&a, 5000));
	assert_non_null(arena_alloc(&a, 50));
	arena_free(&a);
	assert_null(a.head);
	assert_string_equal(arena_strndup(&a, "again", 5), "again");
	arena_free(&a);
	assert_null(a.head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_many_allocations_keep_content),
		cmocka_unit_test(test_large_allocation),
		cmocka_unit_test(test_huge_size_refused),
		cmocka_unit_test(test_strndup),
		cmocka_unit_test_teardown(test_alloc_failure, teardown_fault),
		cmocka_unit_test(test_free_and_reuse),
	};

	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
