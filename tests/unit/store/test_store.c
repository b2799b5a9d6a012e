/* test_store.c: the SQLite store: migrations, version checks, $n parameters,
 * nested transactions, error mapping and the statement cache. */
#include "testutil.h"
#include "store/db.h"

static store *open_new(const char *name)
{
	store *st = NULL;
	err e;
	status rc = store_open(test_tmpfile(name), STORE_CREATE, &st, &e);
	if (rc)
		fail_msg("store_open: %s", e.msg);
	return st;
}

static void missing_database_says_run_init(void **state)
{
	store *st = NULL;
	err e;
	(void)state;
	assert_int_equal(store_open(test_tmpfile("nope.db"), 0, &st, &e), E_NOTFOUND);
	assert_null(st);
	assert_non_null(strstr(e.msg, "ecrm init"));
	assert_int_equal(store_open("", 0, &st, &e), E_INVAL);
}

static void migrations_bring_schema_to_latest(void **state)
{
	store *st = open_new("m.db");
	int applied = -1;
	err e;
	(void)state;
	assert_int_equal(store_schema_version(st), store_schema_latest(st));
	assert_true(store_schema_latest(st) >= 1);
	assert_int_equal(store_migrate(st, &applied, &e), E_OK);
	assert_int_equal(applied, 0);
	assert_string_equal(store_backend(st), "sqlite");
	store_close(st);
}

static void newer_database_is_refused(void **state)
{
	store *st = open_new("newer.db");
	err e;
	(void)state;
	assert_int_equal(store_exec(st,
				    "INSERT INTO schema_version (version, name, applied_at) "
				    "VALUES (9999, '9999_future.sql', 0)",
				    &e),
			 E_OK);
	store_close(st);
	assert_int_equal(store_open(test_tmpfile("newer.db"), 0, &st, &e), E_CONFLICT);
	assert_non_null(strstr(e.msg, "9999"));
	assert_non_null(strstr(e.msg, "newer ecrm"));
}

static void older_database_is_migrated_on_open(void **state)
{
	store *st = NULL;
	err e;
	(void)state;
	assert_int_equal(store_open(test_tmpfile("old.db"), STORE_CREATE | STORE_NO_MIGRATE, &st,
				    &e),
			 E_OK);
	assert_int_equal(store_exec(st, "CREATE TABLE schema_version (version INTEGER PRIMARY "
					"KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
				    &e),
			 E_OK);
	assert_int_equal(store_schema_version(st), 0);
	store_close(st);
	assert_int_equal(store_open(test_tmpfile("old.db"), 0, &st, &e), E_OK);
	assert_int_equal(store_schema_version(st), store_schema_latest(st));
	store_close(st);
}

static void parameters_are_positional(void **state)
{
	store *st = open_new("p.db");
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, "SELECT $2 || '-' || $1 || '-$1', $3, $4", &s, &e),
			 E_OK);
	stmt_bind_text(s, 1, "a");
	stmt_bind_text(s, 2, "b");
	stmt_bind_int64(s, 3, INT64_C(1) << 40);
	stmt_bind_null(s, 4);
	assert_true(stmt_row(s, &e));
	assert_string_equal(stmt_text(s, 0), "b-a-$1");
	assert_true(stmt_int64(s, 1) == INT64_C(1) << 40);
	assert_true(stmt_null(s, 2));
	assert_null(stmt_text(s, 2));
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	store_close(st);
}

static const char *const insert_product =
	"INSERT INTO products (sku, name, created_at, updated_at) VALUES ($1, $2, 0, 0)";

static void unique_violation_is_conflict(void **state)
{
	store *st = open_new("u.db");
	stmt *s;
	err e;
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
		stmt_bind_text(s, 1, "SKU-1");
		stmt_bind_text(s, 2, "thing");
		status rc = stmt_exec(s, &e);
		stmt_done(s);
		assert_int_equal(rc, i == 0 ? E_OK : E_CONFLICT);
	}
	assert_non_null(strstr(e.msg, "UNIQUE"));
	store_close(st);
}

static void nested_transactions_commit_once_and_roll_back_whole(void **state)
{
	store *st = open_new("t.db");
	int64_t n = -1;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, "A");
	stmt_bind_text(s, 2, "a");
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
	assert_int_equal(store_changes(st), 1);
	store_rollback(st); /* inner failure dooms the outer transaction */
	assert_true(store_in_transaction(st));
	assert_int_equal(store_commit(st, &e), E_DB);
	assert_false(store_in_transaction(st));
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, "B");
	stmt_bind_text(s, 2, "b");
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products WHERE id > $1", &n,
					   &e, 1, (int64_t)0),
			 E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_query_int64(st, "SELECT id FROM products WHERE sku = 'none'", &n,
					   &e, 0),
			 E_NOTFOUND);
	store_close(st);
}

static void cached_statement_is_reused_and_nested_use_works(void **state)
{
	static const char *const sql = "SELECT $1 + 1";
	store *st = open_new("c.db");
	stmt *a, *b, *c;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, sql, &a, &e), E_OK);
	/* The same SQL while `a` is in use gets its own statement. */
	assert_int_equal(store_prepare(st, sql, &b, &e), E_OK);
	assert_ptr_not_equal(a, b);
	stmt_bind_int64(a, 1, 1);
	stmt_bind_int64(b, 1, 10);
	assert_true(stmt_row(a, &e));
	assert_true(stmt_row(b, &e));
	assert_int_equal(stmt_int64(a, 0), 2);
	assert_int_equal(stmt_int64(b, 0), 11);
	stmt_done(b);
	stmt_done(a);
	assert_int_equal(store_prepare(st, sql, &c, &e), E_OK);
	assert_ptr_equal(c, a);
	stmt_done(c);
	stmt_done(NULL);
	store_close(st);
	store_close(NULL);
}

static void bad_sql_and_bad_bind_are_reported(void **state)
{
	store *st = open_new("b.db");
	stmt *s = NULL;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, "SELEC 1", &s, &e), E_DB);
	assert_non_null(strstr(e.msg, "SELEC 1"));
	assert_int_equal(store_prepare(st, "SELECT $1", &s, &e), E_OK);
	stmt_bind_int64(s, 5, 1);
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_INTERNAL);
	assert_non_null(strstr(e.msg, "$5"));
	stmt_done(s);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_database_says_run_init),
		cmocka_unit_test(migrations_bring_schema_to_latest),
		cmocka_unit_test(newer_database_is_refused),
		cmocka_unit_test(older_database_is_migrated_on_open),
		cmocka_unit_test(parameters_are_positional),
		cmocka_unit_test(unique_violation_is_conflict),
		cmocka_unit_test(nested_transactions_commit_once_and_roll_back_whole),
		cmocka_unit_test(cached_statement_is_reused_and_nested_use_works),
		cmocka_unit_test(bad_sql_and_bad_bind_are_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
