/* test_migrate_gap.c: a migration whose number lies below the newest one a
 * database already has (work merged out of order: 005_recommend reached
 * databases made at 006) is still applied, once, on both stores. */
#include "testutil.h"
#include "store/db.h"

static void a_number_filled_in_later_is_applied(void **state)
{
	const char *uri = test_store_uri("gap.db");
	store *st = NULL;
	int applied = -1;
	int64_t newest;
	err e;
	(void)state;
	if (store_open(uri, STORE_CREATE, &st, &e))
		fail_msg("store_open: %s", e.msg);
	newest = test_query_int64(st, "SELECT MAX(version) FROM schema_version");
	assert_true(newest > 5);
	/* The database as an ecrm without 005 left it. */
	test_exec(st, "DROP TABLE association_rule_items");
	test_exec(st, "DROP TABLE association_rules");
	test_exec(st, "DROP TABLE recommendations");
	test_exec(st, "DROP TABLE similar_products");
	test_exec(st, "DELETE FROM schema_version WHERE version = 5");
	assert_int_equal(store_migrate(st, &applied, &e), E_OK);
	assert_int_equal(applied, 1);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM schema_version WHERE version = 5"), 1);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM recommendations"), 0);
	assert_int_equal(test_query_int64(st, "SELECT COUNT(*) FROM similar_products"), 0);
	assert_int_equal(test_query_int64(st, "SELECT MAX(version) FROM schema_version"), newest);
	/* And only once. */
	assert_int_equal(store_migrate(st, &applied, &e), E_OK);
	assert_int_equal(applied, 0);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_number_filled_in_later_is_applied),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
