/* test_strmap.c: the string -> int64 map: growth, replace, add, the limit. */
#include "testutil.h"
#include "core/strmap.h"

static void put_get_replace_and_grow(void **state)
{
	strmap m;
	int64_t v;
	char key[32];
	(void)state;
	strmap_init(&m, 0);
	assert_false(strmap_get(&m, "x", 1, &v));
	for (int i = 0; i < 10000; i++) {
		int n = snprintf(key, sizeof(key), "k%d", i);
		strmap_put(&m, key, (size_t)n, i * 2);
	}
	assert_int_equal(m.count, 10000);
	for (int i = 0; i < 10000; i += 777) {
		int n = snprintf(key, sizeof(key), "k%d", i);
		assert_true(strmap_get(&m, key, (size_t)n, &v));
		assert_int_equal(v, i * 2);
	}
	strmap_put(&m, "k5", 2, -1);
	assert_true(strmap_get(&m, "k5", 2, &v));
	assert_int_equal(v, -1);
	assert_int_equal(m.count, 10000);
	/* Keys are byte ranges: a prefix is another key. */
	assert_false(strmap_get(&m, "k50000", 6, &v));
	assert_true(strmap_get(&m, "k50000", 2, &v));
	assert_int_equal(strmap_add(&m, "new", 3, 5), 5);
	assert_int_equal(strmap_add(&m, "new", 3, 5), 10);
	strmap_release(&m);
}

static void limit_forgets_everything_when_full(void **state)
{
	strmap m;
	int64_t v;
	(void)state;
	strmap_init(&m, 3);
	strmap_put(&m, "a", 1, 1);
	strmap_put(&m, "b", 1, 2);
	strmap_put(&m, "c", 1, 3);
	assert_int_equal(m.count, 3);
	strmap_put(&m, "d", 1, 4);
	assert_int_equal(m.count, 1);
	assert_false(strmap_get(&m, "a", 1, &v));
	assert_true(strmap_get(&m, "d", 1, &v));
	strmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_get_replace_and_grow),
		cmocka_unit_test(limit_forgets_everything_when_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
