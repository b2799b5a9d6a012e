/* test_snapshot_load.c: snapshot_load from a real store (SQLite file or
 * PostgreSQL database) reads the same snapshot on one handle and on two
 * handles in parallel (the split of the orders table must keep table order
 * for same-day orders), inside a caller's transaction, and while another
 * handle holds a write transaction (SQLite cannot line two read
 * transactions up then and reads on one handle). The pair of read
 * transactions (store_begin_read_pair) sees one state: a commit made after
 * it began shows on neither handle. */
#include "testutil.h"
#include "analytics/snapshot.h"

static const char *make_db(const char *name)
{
	static const char *const sql =
		"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < "
		"10000)"
		" INSERT INTO customers (id, external_id, name, created_at, updated_at)"
		" SELECT i, 'c' || i, 'C' || i, 1600000000 + i * 1000, 0 FROM seq;"
		"UPDATE customers SET merged_into = id - 1 WHERE id % 97 = 0;"
		/* customers in scattered order, a few unknown (> 2000) or guest;
		 * three orders a day for some, with different totals */
		"WITH RECURSIVE seq(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM seq"
		" WHERE i < 60000)"
		" INSERT INTO orders (id, external_id, customer_id, placed_at, currency, total, "
		"cogs,"
		" item_count, created_at, updated_at)"
		" SELECT i, 'o' || i, CASE WHEN i % 101 = 0 THEN NULL"
		"  ELSE (i * 7919) % 10000 + 1 END,"
		" 1600000000 + ((i * 104729) % 400) * 86400 + (i % 3) * 3600, 'EUR',"
		" 100 + (i * 31) % 5000, CASE WHEN i % 10 = 0 THEN NULL ELSE (100 + (i * 31) % "
		"5000) / 2 END,"
		" 1 + i % 4, 0, 0 FROM seq;"
		"INSERT INTO returns (external_id, order_id, customer_id, amount, currency, "
		"returned_at)"
		" SELECT 'r' || id, id, CASE WHEN id % 2 = 0 THEN customer_id END, total / 3, "
		"'EUR',"
		" placed_at + 86400 FROM orders WHERE id % 50 = 0;";
	const char *path = test_store_uri(name);
	store *st = NULL;
	err e = { 0 };

	assert_int_equal(store_open(path, STORE_CREATE, &st, &e), E_OK);
	assert_int_equal(store_exec(st, sql, &e), E_OK);
	store_close(st);
	return path;
}

static void assert_same(const snapshot *a, const snapshot *b)
{
	size_t nc = (size_t)a->n_customers, no = (size_t)a->n_orders, nr = (size_t)a->n_returns;

	assert_int_equal(a->n_customers, b->n_customers);
	assert_int_equal(a->n_orders, b->n_orders);
	assert_int_equal(a->n_returns, b->n_returns);
	assert_int_equal(a->orders_skipped, b->orders_skipped);
	assert_int_equal(a->returns_skipped, b->returns_skipped);
	assert_int_equal(a->orders_cost_unknown, b->orders_cost_unknown);
	assert_true(a->margin_ratio == b->margin_ratio);
	assert_memory_equal(a->customer_id, b->customer_id, nc * sizeof(int64_t));
	assert_memory_equal(a->created_day, b->created_day, nc * sizeof(int32_t));
	assert_memory_equal(a->order_start, b->order_start, (nc + 1) * sizeof(int64_t));
	assert_memory_equal(a->order_cust, b->order_cust, no * sizeof(int32_t));
	assert_memory_equal(a->order_day, b->order_day, no * sizeof(int32_t));
	assert_memory_equal(a->order_total, b->order_total, no * sizeof(int64_t));
	assert_memory_equal(a->order_margin, b->order_margin, no * sizeof(int64_t));
	assert_memory_equal(a->order_items, b->order_items, no * sizeof(int32_t));
	assert_memory_equal(a->return_start, b->return_start, (nc + 1) * sizeof(int64_t));
	assert_memory_equal(a->return_day, b->return_day, nr * sizeof(int32_t));
	assert_memory_equal(a->return_amount, b->return_amount, nr * sizeof(int64_t));
}

static void one_and_two_handles_agree(void **state)
{
	const char *path = make_db("agree.db");
	store *st = NULL;
	snapshot one, two, joined;
	snapshot_options o;
	err e = { 0 };
	(void)state;

	assert_int_equal(store_open(path, 0, &st, &e), E_OK);
	snapshot_options_default(&o);
	assert_int_equal(snapshot_load(st, &o, &one, &e), E_OK);
	assert_int_equal(one.read_handles, 1);
	/* 10000 customers less 103 merged; guest orders not read; orders of
	 * merged-away customers skipped */
	assert_int_equal(one.n_customers, 10000 - 103);
	assert_true(one.orders_skipped > 0);
	assert_true(one.n_orders + one.orders_skipped == 60000 - 594);

	o.threads = 2;
	o.uri = path;
	assert_int_equal(snapshot_load(st, &o, &two, &e), E_OK);
	assert_int_equal(two.read_handles, 2);
	assert_same(&one, &two);

	/* inside the caller's transaction: that one is used */
	assert_int_equal(store_begin_read(st, &e), E_OK);
	assert_int_equal(snapshot_load(st, &o, &joined, &e), E_OK);
	store_rollback(st);
	assert_int_equal(joined.read_handles, 1);
	assert_same(&one, &joined);

	snapshot_release(&one);
	snapshot_release(&two);
	snapshot_release(&joined);
	store_close(st);
}

/* Another handle holds a write transaction: on SQLite (its write lock held
 * past the busy timeout) the load cannot line two handles up and reads on
 * one; PostgreSQL pairs them without the lock. Either way the uncommitted
 * write is not seen. */
static void falls_back_when_the_write_lock_is_held(void **state)
{
	const char *path = make_db("locked.db");
	store *st = NULL, *writer = NULL;
	snapshot s;
	snapshot_options o;
	err e = { 0 };
	(void)state;

	assert_int_equal(store_open(path, 0, &st, &e), E_OK);
	assert_int_equal(store_open(path, 0, &writer, &e), E_OK);
	assert_int_equal(store_begin(writer, &e), E_OK);
	assert_int_equal(store_exec(writer, "UPDATE customers SET name = 'x' WHERE id = 1", &e),
			 E_OK);
	snapshot_options_default(&o);
	o.threads = 2;
	o.uri = path;
	assert_int_equal(store_exec(writer, "UPDATE customers SET merged_into = 1 WHERE id = 2",
				    &e),
			 E_OK);
	assert_int_equal(snapshot_load(st, &o, &s, &e), E_OK);
	assert_int_equal(s.read_handles, strcmp(test_store_kind(), "sqlite") == 0 ? 1 : 2);
	assert_int_equal(s.n_customers, 10000 - 103);
	store_rollback(writer);
	store_close(writer);
	snapshot_release(&s);
	store_close(st);
}

/* Two handles in a read pair; a third commits a change after the pair
 * began, before either handle read the table: neither sees it. */
static void read_pair_sees_one_state(void **state)
{
	static const char *const live = "SELECT COUNT(*) FROM customers WHERE merged_into IS NULL";
	const char *path = make_db("pair.db");
	store *a = NULL, *b = NULL, *w = NULL;
	err e = { 0 };
	(void)state;

	assert_int_equal(store_open(path, 0, &a, &e), E_OK);
	assert_int_equal(store_open(path, 0, &b, &e), E_OK);
	assert_int_equal(store_open(path, 0, &w, &e), E_OK);
	assert_int_equal(store_begin_read_pair(a, b, &e), E_OK);
	assert_true(store_in_transaction(a) && store_in_transaction(b));
	/* a handle in a transaction cannot join a pair */
	assert_int_equal(store_begin_read_pair(a, w, &e), E_INTERNAL);
	assert_int_equal(store_exec(w, "UPDATE customers SET merged_into = 1 WHERE id = 3", &e),
			 E_OK);
	assert_int_equal(test_query_int64(a, live), 10000 - 103);
	assert_int_equal(test_query_int64(b, live), 10000 - 103);
	assert_int_equal(store_commit(a, &e), E_OK);
	assert_int_equal(store_commit(b, &e), E_OK);
	/* after the pair, both see the commit */
	assert_int_equal(test_query_int64(a, live), 10000 - 104);
	assert_int_equal(test_query_int64(b, live), 10000 - 104);
	store_close(w);
	store_close(b);
	store_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_and_two_handles_agree),
		cmocka_unit_test(falls_back_when_the_write_lock_is_held),
		cmocka_unit_test(read_pair_sees_one_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
