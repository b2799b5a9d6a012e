/* test_arena.c: alignment, big allocations, clearing and reuse. */
#include "testutil.h"
#include "core/arena.h"

static void allocations_are_aligned_and_distinct(void **state)
{
	arena a;
	(void)state;
	arena_init(&a, 128);
	char *p = arena_alloc(&a, 3);
	char *q = arena_alloc(&a, 5);
	assert_true(((uintptr_t)p % _Alignof(max_align_t)) == 0);
	assert_true(((uintptr_t)q % _Alignof(max_align_t)) == 0);
	assert_true(q >= p + 3);
	char *big = arena_alloc(&a, 10000); /* larger than a block */
	memset(big, 'x', 10000);
	assert_string_equal(arena_strdup(&a, "hello"), "hello");
	assert_string_equal(arena_strndup(&a, "hello", 2), "he");
	assert_string_equal(arena_printf(&a, "%d-%s", 7, "x"), "7-x");
	arena_release(&a);
}

static void clear_keeps_one_block(void **state)
{
	arena a;
	(void)state;
	arena_init(&a, 0);
	for (int i = 0; i < 100; i++)
		memset(arena_alloc(&a, 4000), 0, 4000);
	assert_true(a.used >= 400000);
	arena_clear(&a);
	assert_int_equal(a.used, 0);
	assert_non_null(a.head);
	int *z = arena_zalloc(&a, 64 * sizeof(int));
	for (int i = 0; i < 64; i++)
		assert_int_equal(z[i], 0);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocations_are_aligned_and_distinct),
		cmocka_unit_test(clear_keeps_one_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
