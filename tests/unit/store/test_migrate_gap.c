/* test_migrate_gap.c: a migration whose number lies below the newest one a
 * database already has (work merged out of order: 005_recommend reached
 * databases made at 006) is still applied, once, on both stores. */
#include "testutil.h"
#include "store/db.h"

static int64_t count(store *st, const char *sql)
{
	int64_t n = -1;
	err e;
	if (store_query_int64(st, sql, &n, &e, 0))
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

static void exec_or_fail(store *st, const char *sql)
{
	err e;
	if (store_exec(st, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

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
	newest = count(st, "SELECT MAX(version) FROM schema_version");
	assert_true(newest > 5);
	/* The database as an ecrm without 005 left it. */
	exec_or_fail(st, "DROP TABLE association_rule_items");
	exec_or_fail(st, "DROP TABLE association_rules");
	exec_or_fail(st, "DROP TABLE recommendations");
	exec_or_fail(st, "DROP TABLE similar_products");
	exec_or_fail(st, "DELETE FROM schema_version WHERE version = 5");
	assert_int_equal(store_migrate(st, &applied, &e), E_OK);
	assert_int_equal(applied, 1);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM schema_version WHERE version = 5"), 1);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM recommendations"), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM similar_products"), 0);
	assert_int_equal(count(st, "SELECT MAX(version) FROM schema_version"), newest);
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
