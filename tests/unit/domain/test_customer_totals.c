/* test_customer_totals.c: the per-customer totals kept by migration 007's
 * triggers agree with aggregating the orders, returns and interactions
 * themselves, through random inserts, moves between customers (as merges
 * do), amount and time changes and deletes; the 360 view's head
 * (customer_head_load) and the list rows read them. */
#include "testutil.h"
#include "core/arena.h"
#include "domain/customer_query.h"
#include "domain/customer_view.h"

#define CUSTOMERS 6

static store *st;
static err e;

static int setup(void **state)
{
	(void)state;
	st = test_open_store("totals.db");
	for (int i = 1; i <= CUSTOMERS; i++) {
		stmt *s;
		assert_int_equal(store_prepare(st,
					       "INSERT INTO customers (id, name, created_at, "
					       "updated_at) VALUES ($1, 'C', 0, 0)",
					       &s, &e),
				 E_OK);
		stmt_bind_int64(s, 1, i);
		assert_int_equal(stmt_exec(s, &e), E_OK);
		stmt_done(s);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

/* Runs `sql` with int64 parameters; NULL for a parameter < 0. */
static void run(const char *sql, int n, const int64_t *p)
{
	stmt *s;

	assert_int_equal(store_prepare(st, sql, &s, &e), E_OK);
	for (int i = 0; i < n; i++) {
		if (p[i] < 0)
			stmt_bind_null(s, i + 1);
		else
			stmt_bind_int64(s, i + 1, p[i]);
	}
	if (stmt_exec(s, &e))
		fail_msg("%s: %s", sql, e.msg);
	stmt_done(s);
}

/* Every customer's kept totals against the aggregates, computed here. */
static void check_all(int step)
{
	static const char *const truth =
		"SELECT c.id,"
		" (SELECT COUNT(*) FROM orders WHERE customer_id = c.id),"
		" (SELECT COALESCE(SUM(total), 0) FROM orders WHERE customer_id = c.id),"
		" (SELECT COALESCE(MIN(placed_at), 0) FROM orders WHERE customer_id = c.id),"
		" (SELECT COALESCE(MAX(placed_at), 0) FROM orders WHERE customer_id = c.id),"
		" (SELECT COUNT(*) FROM returns WHERE customer_id = c.id),"
		" (SELECT COALESCE(SUM(amount), 0) FROM returns WHERE customer_id = c.id),"
		" (SELECT COUNT(*) FROM interactions WHERE customer_id = c.id),"
		" COALESCE(t.orders, 0), COALESCE(t.order_total, 0),"
		" COALESCE(t.first_order_at, 0), COALESCE(t.last_order_at, 0),"
		" COALESCE(t.returns, 0), COALESCE(t.returned, 0), COALESCE(t.interactions, 0)"
		" FROM customers c LEFT JOIN customer_totals t ON t.customer_id = c.id ORDER BY "
		"c.id";
	int rows = 0;
	stmt *s;

	assert_int_equal(store_prepare(st, truth, &s, &e), E_OK);
	while (stmt_row(s, &e)) {
		rows++;
		for (int k = 1; k <= 7; k++) {
			if (stmt_int64(s, k) != stmt_int64(s, k + 7))
				fail_msg("step %d, customer %" PRId64 ", figure %d: kept %" PRId64
					 ", actual %" PRId64,
					 step, stmt_int64(s, 0), k, stmt_int64(s, k + 7),
					 stmt_int64(s, k));
		}
	}
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	assert_int_equal(rows, CUSTOMERS);
}

/* A customer id 1..CUSTOMERS, or -1 (none: a guest) now and then. */
static int64_t someone(void)
{
	return rand() % 8 == 0 ? -1 : 1 + rand() % CUSTOMERS;
}

static int64_t count_of(const char *table)
{
	char sql[64];
	int64_t n;

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	assert_int_equal(store_query_int64(st, sql, &n, &e, 0), E_OK);
	return n;
}

/* A random existing id of `table` (which has rows). */
static int64_t pick(const char *table)
{
	char sql[96];
	int64_t id;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s ORDER BY id LIMIT 1 OFFSET $1", table);
	assert_int_equal(store_query_int64(st, sql, &id, &e, 1, (int64_t)rand() % count_of(table)),
			 E_OK);
	return id;
}

static void random_changes_keep_totals(void **state)
{
	int64_t next_order = 1, next_return = 1, next_inter = 1;
	(void)state;

	srand(7);
	check_all(0);
	for (int step = 1; step <= 600; step++) {
		int op = rand() % 10;
		int64_t p[4];
		if (op <= 2) {
			char ext[32];
			stmt *s;
			snprintf(ext, sizeof(ext), "o-%" PRId64, next_order);
			assert_int_equal(
				store_prepare(st,
					      "INSERT INTO orders (id, external_id, "
					      "customer_id, placed_at, currency, total, "
					      "created_at, updated_at) VALUES ($1, $2, $3, "
					      "$4, 'EUR', $5, 0, 0)",
					      &s, &e),
				E_OK);
			stmt_bind_int64(s, 1, next_order++);
			stmt_bind_text(s, 2, ext);
			p[0] = someone();
			stmt_bind_opt_int64(s, 3, p[0], p[0] < 0);
			stmt_bind_int64(s, 4, 1000 + rand() % 500);
			stmt_bind_int64(s, 5, rand() % 10000);
			assert_int_equal(stmt_exec(s, &e), E_OK);
			stmt_done(s);
		} else if (op == 3) {
			char ext[32];
			stmt *s;
			snprintf(ext, sizeof(ext), "r-%" PRId64, next_return);
			assert_int_equal(
				store_prepare(st,
					      "INSERT INTO returns (id, external_id, "
					      "customer_id, amount, currency, returned_at) "
					      "VALUES ($1, $2, $3, $4, 'EUR', 5)",
					      &s, &e),
				E_OK);
			stmt_bind_int64(s, 1, next_return++);
			stmt_bind_text(s, 2, ext);
			p[0] = someone();
			stmt_bind_opt_int64(s, 3, p[0], p[0] < 0);
			stmt_bind_int64(s, 4, rand() % 3000);
			assert_int_equal(stmt_exec(s, &e), E_OK);
			stmt_done(s);
		} else if (op == 4) {
			p[0] = next_inter++;
			p[1] = someone();
			run("INSERT INTO interactions (id, customer_id, channel, occurred_at) "
			    "VALUES ($1, $2, 'email', 9)",
			    2, p);
		} else if (op == 5 && count_of("orders")) {
			/* What a merge does: move one customer's records to another. */
			p[0] = 1 + rand() % CUSTOMERS;
			p[1] = 1 + rand() % CUSTOMERS;
			run("UPDATE orders SET customer_id = $1 WHERE customer_id = $2", 2, p);
			run("UPDATE returns SET customer_id = $1 WHERE customer_id = $2", 2, p);
			run("UPDATE interactions SET customer_id = $1 WHERE customer_id = $2", 2,
			    p);
		} else if (op == 6 && count_of("orders")) {
			/* One column at a time, or all three. */
			static const char *const sets[] = {
				"UPDATE orders SET total = $2 WHERE id = $1",
				"UPDATE orders SET placed_at = $2 WHERE id = $1",
				"UPDATE orders SET customer_id = $2 WHERE id = $1",
				"UPDATE orders SET total = $2, placed_at = $3, customer_id = $4 "
				"WHERE id = $1",
			};
			int k = rand() % 4;
			p[0] = pick("orders");
			p[1] = k == 1 ? 900 + rand() % 800 : k == 2 ? someone() : rand() % 10000;
			p[2] = 900 + rand() % 800;
			p[3] = someone();
			run(sets[k], k == 3 ? 4 : 2, p);
		} else if (op == 7 && count_of("orders")) {
			p[0] = pick("orders");
			run("DELETE FROM order_items WHERE order_id = $1", 1, p);
			run("DELETE FROM orders WHERE id = $1", 1, p);
		} else if (op == 8 && count_of("returns")) {
			p[0] = pick("returns");
			if (rand() % 2) {
				run("DELETE FROM returns WHERE id = $1", 1, p);
			} else {
				p[1] = rand() % 3000;
				p[2] = someone();
				run("UPDATE returns SET amount = $2, customer_id = $3 WHERE id = "
				    "$1",
				    3, p);
			}
		} else if (op == 9 && count_of("interactions")) {
			p[0] = pick("interactions");
			if (rand() % 2) {
				run("DELETE FROM interactions WHERE id = $1", 1, p);
			} else {
				p[1] = someone();
				run("UPDATE interactions SET customer_id = $2 WHERE id = $1", 2, p);
			}
		}
		check_all(step);
	}
	assert_true(count_of("orders") > 50);
}

static void readers_use_the_totals(void **state)
{
	customer_query q = { .limit = 10 };
	customer_totals t;
	customer_head h;
	customer_row *rows;
	int64_t want;
	size_t n;
	bool more;
	arena a;
	(void)state;

	arena_init(&a, 0);
	for (int64_t id = 1; id <= CUSTOMERS; id++) {
		assert_int_equal(customer_head_load(st, id, &a, &h, &e), E_OK);
		t = h.totals;
		assert_int_equal(store_query_int64(st,
						   "SELECT (SELECT COALESCE(SUM(total), 0) FROM "
						   "orders WHERE customer_id = $1) - (SELECT "
						   "COALESCE(SUM(amount), 0) FROM returns WHERE "
						   "customer_id = $1)",
						   &want, &e, 1, id),
				 E_OK);
		assert_int_equal(t.revenue, want);
		assert_int_equal(
			store_query_int64(st, "SELECT COUNT(*) FROM orders WHERE customer_id = $1",
					  &want, &e, 1, id),
			E_OK);
		assert_int_equal(t.orders, want);
	}
	assert_int_equal(customer_list(st, &q, &a, &rows, &n, &more, &e), E_OK);
	assert_int_equal(n, CUSTOMERS);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(customer_head_load(st, rows[i].id, &a, &h, &e), E_OK);
		t = h.totals;
		assert_int_equal(rows[i].orders, t.orders);
		assert_int_equal(rows[i].revenue, t.revenue);
		assert_int_equal(rows[i].last_order_at, t.last_order_at);
	}
	/* No orders, returns or interactions: zeros, as before totals were kept. */
	run("INSERT INTO customers (id, name, created_at, updated_at) VALUES (99, 'New', 0, 0)", 0,
	    NULL);
	assert_int_equal(customer_head_load(st, 99, &a, &h, &e), E_OK);
	t = h.totals;
	assert_int_equal(t.orders + t.revenue + t.returns + t.interactions + t.first_order_at +
				 t.last_order_at,
			 0);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_changes_keep_totals),
		cmocka_unit_test(readers_use_the_totals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
