/* test_snapshot.c: the analytics snapshot from a real SQLite database
 * (prospects, merged-away customers, guest orders, unknown costs, returns
 * charged through their order) and from the builder. */
#include "testutil.h"
#include "analytics/snapshot.h"

#include <math.h>

#define DAY 86400
#define D0 18262 /* 2020-01-01 */

static store *open_new(const char *name)
{
	store *st = NULL;
	err e;
	if (store_open(test_store_uri(name), STORE_CREATE, &st, &e))
		fail_msg("store_open: %s", e.msg);
	return st;
}

static void add_customer(store *st, int64_t id, int64_t created, int64_t merged_into)
{
	static const char *const sql =
		"INSERT INTO customers (id, external_id, created_at, updated_at, merged_into)"
		" VALUES ($1, 'c' || $1, $2, $2, $3)";
	stmt *s;
	err e;
	assert_int_equal(store_prepare(st, sql, &s, &e), E_OK);
	stmt_bind_int64(s, 1, id);
	stmt_bind_int64(s, 2, created);
	stmt_bind_opt_int64(s, 3, merged_into, merged_into == 0);
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
}

/* cust 0 means a guest order; cogs < 0 means unknown. */
static void add_order(store *st, int64_t id, int64_t cust, int64_t placed, int64_t total,
		      int64_t cogs, int64_t items)
{
	static const char *const sql =
		"INSERT INTO orders (id, external_id, customer_id, placed_at, currency, total,"
		" cogs, item_count, created_at, updated_at)"
		" VALUES ($1, 'o' || $1, $2, $3, 'EUR', $4, $5, $6, 0, 0)";
	stmt *s;
	err e;
	assert_int_equal(store_prepare(st, sql, &s, &e), E_OK);
	stmt_bind_int64(s, 1, id);
	stmt_bind_opt_int64(s, 2, cust, cust == 0);
	stmt_bind_int64(s, 3, placed);
	stmt_bind_int64(s, 4, total);
	stmt_bind_opt_int64(s, 5, cogs, cogs < 0);
	stmt_bind_int64(s, 6, items);
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
}

/* cust 0 / order 0 mean NULL. */
static void add_return(store *st, int64_t id, int64_t cust, int64_t order, int64_t at,
		       int64_t amount)
{
	static const char *const sql =
		"INSERT INTO returns (id, external_id, customer_id, order_id, amount, currency,"
		" returned_at) VALUES ($1, 'r' || $1, $2, $3, $4, 'EUR', $5)";
	stmt *s;
	err e;
	assert_int_equal(store_prepare(st, sql, &s, &e), E_OK);
	stmt_bind_int64(s, 1, id);
	stmt_bind_opt_int64(s, 2, cust, cust == 0);
	stmt_bind_opt_int64(s, 3, order, order == 0);
	stmt_bind_int64(s, 4, amount);
	stmt_bind_int64(s, 5, at);
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
}

static store *shop(void)
{
	store *st = open_new("shop.db");
	err e;

	assert_int_equal(store_begin(st, &e), E_OK);
	add_customer(st, 1, (int64_t)D0 * DAY + 3600, 0);
	add_customer(st, 2, (int64_t)(D0 + 5) * DAY, 0);          /* prospect */
	add_customer(st, 3, (int64_t)(D0 + 6) * DAY, 1);          /* merged into 1 */
	add_customer(st, 7, (int64_t)(D0 + 7) * DAY + 86399, 0); /* id gap */
	/* Customer 1's orders arrive out of day order; one has no cost. */
	add_order(st, 10, 1, (int64_t)(D0 + 30) * DAY + 100, 3000, 1000, 3);
	add_order(st, 11, 1, (int64_t)(D0 + 10) * DAY + 100, 1000, 600, 1);
	add_order(st, 12, 1, (int64_t)(D0 + 20) * DAY + 100, 2000, -1, 2);
	add_order(st, 13, 0, (int64_t)(D0 + 21) * DAY, 999, 0, 1); /* guest */
	add_order(st, 14, 3, (int64_t)(D0 + 22) * DAY, 500, 100, 1); /* not re-pointed */
	add_order(st, 15, 7, (int64_t)(D0 + 40) * DAY, 4000, 3000, 4);
	add_return(st, 20, 1, 10, (int64_t)(D0 + 31) * DAY, 500);
	add_return(st, 21, 0, 15, (int64_t)(D0 + 41) * DAY, 700); /* via its order */
	add_return(st, 22, 0, 0, (int64_t)(D0 + 42) * DAY, 50);   /* nobody's */
	add_return(st, 23, 7, 0, (int64_t)(D0 + 39) * DAY, 10);
	assert_int_equal(store_commit(st, &e), E_OK);
	return st;
}

static void loads_customers_orders_and_returns(void **state)
{
	store *st = shop();
	snapshot s;
	err e;
	(void)state;

	assert_int_equal(snapshot_load(st, NULL, &s, &e), E_OK);
	/* Customers 1, 2, 7; the merged-away 3 is not there. */
	assert_int_equal(s.n_customers, 3);
	assert_int_equal(s.customer_id[0], 1);
	assert_int_equal(s.customer_id[1], 2);
	assert_int_equal(s.customer_id[2], 7);
	assert_int_equal(s.created_day[0], D0);
	assert_int_equal(s.created_day[2], D0 + 7);
	assert_int_equal(snapshot_find(&s, 7), 2);
	assert_int_equal(snapshot_find(&s, 3), -1);

	/* Orders: 1 has three (sorted by day), 2 none, 7 one; the guest order
	 * is not read, the merged-away customer's order is skipped. */
	assert_int_equal(s.n_orders, 4);
	assert_int_equal(s.orders_skipped, 1);
	assert_int_equal(s.order_start[0], 0);
	assert_int_equal(s.order_start[1], 3);
	assert_int_equal(s.order_start[2], 3);
	assert_int_equal(s.order_start[3], 4);
	assert_int_equal(s.order_day[0], D0 + 10);
	assert_int_equal(s.order_day[1], D0 + 20);
	assert_int_equal(s.order_day[2], D0 + 30);
	assert_int_equal(s.order_day[3], D0 + 40);
	assert_int_equal(s.order_total[0], 1000);
	assert_int_equal(s.order_total[1], 2000);
	assert_int_equal(s.order_items[1], 2);
	assert_int_equal(s.order_cust[3], 2);
	/* Known costs: margins 400, 2000, 1000 over totals 1000, 3000, 4000:
	 * ratio 3400 / 8000 = 0.425, so the order without cost has 850. */
	assert_int_equal(s.orders_cost_unknown, 1);
	assert_true(fabs(s.margin_ratio - 0.425) < 1e-12);
	assert_int_equal(s.order_margin[0], 400);
	assert_int_equal(s.order_margin[1], 850);
	assert_int_equal(s.order_margin[2], 2000);
	assert_int_equal(s.order_margin[3], 1000);
	assert_int_equal(s.first_order_day, D0 + 10);
	assert_int_equal(s.last_order_day, D0 + 40);

	/* Returns: 1 has one; 7 has two (one charged through its order),
	 * sorted by day; the one without customer or order is skipped. */
	assert_int_equal(s.n_returns, 3);
	assert_int_equal(s.returns_skipped, 1);
	assert_int_equal(s.return_start[1], 1);
	assert_int_equal(s.return_start[2], 1);
	assert_int_equal(s.return_start[3], 3);
	assert_int_equal(s.return_amount[0], 500);
	assert_int_equal(s.return_day[1], D0 + 39);
	assert_int_equal(s.return_amount[1], 10);
	assert_int_equal(s.return_amount[2], 700);
	assert_int_equal(s.return_cust[2], 2);
	snapshot_release(&s);

	/* A configured ratio replaces the inferred one. */
	snapshot_options o;
	snapshot_options_default(&o);
	o.margin_ratio = 0.5;
	o.threads = 3;
	assert_int_equal(snapshot_load(st, &o, &s, &e), E_OK);
	assert_int_equal(s.order_margin[1], 1000);
	snapshot_release(&s);
	store_close(st);
}

static void no_known_cost_means_margin_is_revenue(void **state)
{
	store *st = open_new("nocost.db");
	snapshot s;
	err e;
	(void)state;

	add_customer(st, 1, 0, 0);
	add_order(st, 1, 1, (int64_t)D0 * DAY, 1234, -1, 1);
	assert_int_equal(snapshot_load(st, NULL, &s, &e), E_OK);
	assert_true(s.margin_ratio == 1.0);
	assert_int_equal(s.order_margin[0], 1234);
	snapshot_release(&s);
	store_close(st);
}

static void empty_database_gives_empty_snapshot(void **state)
{
	store *st = open_new("empty.db");
	snapshot s;
	err e;
	(void)state;

	assert_int_equal(snapshot_load(st, NULL, &s, &e), E_OK);
	assert_int_equal(s.n_customers, 0);
	assert_int_equal(s.n_orders, 0);
	assert_int_equal(s.order_start[0], 0);
	snapshot_release(&s);
	snapshot_release(&s); /* a released snapshot is harmless */
	store_close(st);
}

static void builder_handles_sparse_ids_and_order(void **state)
{
	snapshot_builder *b = snapshot_builder_new();
	snapshot s;
	err e;
	(void)state;

	/* Ids far apart: the builder uses binary search, not a table. */
	assert_int_equal(snapshot_add_customer(b, -5, 0, &e), E_OK);
	assert_int_equal(snapshot_add_customer(b, 4000000000LL, 0, &e), E_OK);
	assert_int_equal(snapshot_add_customer(b, 4000000000LL, 0, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "ascend"));
	snapshot_add_order(b, 4000000000LL, 5 * DAY, 10, 0, true, 1);
	snapshot_add_order(b, 4000000000LL, 5 * DAY - 1, 20, 0, true, 1);
	snapshot_add_order(b, -5, -1, 30, 0, false, 1); /* a second before 1970 */
	snapshot_add_order(b, 12, 0, 40, 0, true, 1);   /* unknown customer */
	assert_int_equal(snapshot_add_customer(b, 5000000000LL, 0, &e), E_INVAL);
	snapshot_builder_finish(b, NULL, &s);
	assert_int_equal(s.n_orders, 3);
	assert_int_equal(s.orders_skipped, 1);
	assert_int_equal(s.order_day[0], -1);
	assert_int_equal(s.order_day[1], 4);
	assert_int_equal(s.order_total[1], 20);
	assert_int_equal(s.order_day[2], 5);
	snapshot_release(&s);

	assert_int_equal(snapshot_day(-1), -1);
	assert_int_equal(snapshot_day(-DAY), -1);
	assert_int_equal(snapshot_day(-DAY - 1), -2);
	assert_int_equal(snapshot_day(DAY - 1), 0);
}

static void many_unsorted_orders_sort_stably(void **state)
{
	snapshot_builder *b = snapshot_builder_new();
	snapshot s;
	err e;
	(void)state;

	for (int c = 1; c <= 3; c++)
		assert_int_equal(snapshot_add_customer(b, c, 0, &e), E_OK);
	/* 200 orders of customer 2 in descending day order, pairs per day:
	 * the sort must put days ascending and keep each pair's table order. */
	for (int i = 0; i < 200; i++)
		snapshot_add_order(b, 2, (int64_t)(100 - i / 2) * DAY, i, 0, true, 1);
	snapshot_options o;
	snapshot_options_default(&o);
	o.threads = 2;
	snapshot_builder_finish(b, &o, &s);
	assert_int_equal(s.order_start[1], 0);
	assert_int_equal(s.order_start[2], 200);
	for (int k = 0; k < 200; k++) {
		assert_int_equal(s.order_day[k], 1 + k / 2);
		/* day 1 + j holds orders 198 - 2j and 199 - 2j, in that order */
		assert_int_equal(s.order_total[k], 198 - 2 * (k / 2) + k % 2);
	}
	snapshot_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_customers_orders_and_returns),
		cmocka_unit_test(no_known_cost_means_margin_is_revenue),
		cmocka_unit_test(empty_database_gives_empty_snapshot),
		cmocka_unit_test(builder_handles_sparse_ids_and_order),
		cmocka_unit_test(many_unsorted_orders_sort_stably),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
