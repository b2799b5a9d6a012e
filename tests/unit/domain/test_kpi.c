/* test_kpi.c: dashboard aggregates on a small shop whose figures are worked
 * out by hand below (domain/kpi.h has the definitions). */
#include "testutil.h"
#include "core/arena.h"
#include "core/datetime.h"
#include "domain/kpi.h"

#include <math.h>

static store *st;

static int64_t day(int y, int m, int d)
{
	return days_from_civil(y, m, d) * 86400;
}

static void exec(const char *sql)
{
	err e;
	if (store_exec(st, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

static void order(const char *id, const char *cust, const char *state, int64_t at, const char *cur,
		  int total)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO orders (external_id, customer_id, status, placed_at, currency, "
		 "total, created_at, updated_at) VALUES ('%s', %s, '%s', %" PRId64
		 ", '%s', %d, 0, 0)",
		 id, cust, state, at + 3600, cur, total);
	exec(sql);
}

static void ret(const char *id, int64_t at, const char *cur, int amount)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO returns (external_id, customer_id, amount, currency, returned_at) "
		 "VALUES ('%s', 1, %d, '%s', %" PRId64 ")",
		 id, amount, cur, at + 7200);
	exec(sql);
}

/* Customers 1-4. Customer 1 bought in December and January, 2 twice in
 * January, 3 in January (in USD) and February, 4 only a cancelled order;
 * one January order is a guest's. */
static int setup(void **state)
{
	(void)state;
	st = test_open_store("kpi.db");
	exec("INSERT INTO customers (id, name, created_at, updated_at) VALUES "
	     "(1, 'a', 0, 0), (2, 'b', 0, 0), (3, 'c', 0, 0), (4, 'd', 0, 0)");
	order("o1", "1", "completed", day(2023, 12, 10), "GBP", 1000);
	order("o2", "1", "completed", day(2024, 1, 5), "GBP", 2000);
	order("o3", "2", "completed", day(2024, 1, 20), "GBP", 3000);
	order("o4", "2", "completed", day(2024, 1, 25), "GBP", 500);
	order("o5", "3", "completed", day(2024, 2, 3), "GBP", 4000);
	order("o6", "4", "cancelled", day(2024, 1, 10), "GBP", 700);
	order("o7", "NULL", "completed", day(2024, 1, 15), "GBP", 800);
	order("o8", "3", "completed", day(2024, 1, 12), "USD", 900);
	exec("INSERT INTO customers (id, name, created_at, updated_at, merged_into) VALUES "
	     "(5, 'e', 0, 0, 1)");
	/* Scores: profits 50, 30, 10, 10 (customer 5 is merged away but still
	 * has a stale row, which lists must not show). */
	exec("INSERT INTO customer_scores (customer_id, as_of, computed_at, profit, rfm_segment, "
	     "value_tier, lifecycle_stage, recency_days, frequency, monetary, clv, p_alive) VALUES "
	     "(1, 0, 0, 5000, 'champions', 'key', 'mature', 3, 4, 6000, 12345.5, 0.9), "
	     "(2, 0, 0, 3000, 'loyal', 'key', 'growing', 10, 2, 3500, NULL, NULL), "
	     "(3, 0, 0, 1000, 'champions', 'normal', 'new', 5, 1, 4900, 100.0, 0.5), "
	     "(4, 0, 0, 1000, 'lost', 'small', 'churned', NULL, NULL, NULL, NULL, NULL), "
	     "(5, 0, 0, NULL, 'champions', NULL, NULL, 1, 1, 1, NULL, NULL)");
	ret("r1", day(2024, 1, 7), "GBP", 300);
	ret("r2", day(2024, 2, 10), "GBP", 100);
	ret("r3", day(2024, 1, 8), "USD", 50);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static void currency_and_range(void **state)
{
	arena a;
	const char *cur;
	int64_t first, last;
	err e;
	(void)state;
	arena_init(&a, 1024);
	assert_int_equal(kpi_main_currency(st, &a, &cur, &e), E_OK);
	assert_string_equal(cur, "GBP"); /* 7 orders against 1 */
	assert_int_equal(kpi_order_range(st, &first, &last, &e), E_OK);
	assert_int_equal(first, day(2023, 12, 10) + 3600);
	assert_int_equal(last, day(2024, 2, 3) + 3600);
	arena_release(&a);
}

static void january(void **state)
{
	kpi_values v;
	err e;
	(void)state;
	assert_int_equal(kpi_period(st, day(2024, 1, 1), day(2024, 2, 1), "GBP", &v, &e), E_OK);
	assert_int_equal(v.customers, 3);	 /* 1, 2, 3; not 4 (cancelled only) */
	assert_int_equal(v.active, 3);		 /* 1, 2, 3 (in USD) */
	assert_int_equal(v.new_customers, 2);	 /* 2 and 3 */
	assert_int_equal(v.repeat_customers, 2); /* 1 and 2 */
	assert_int_equal(v.orders, 4);		 /* o2 o3 o4 o7 */
	assert_int_equal(v.gross, 6300);
	assert_int_equal(v.returns, 300);
	assert_int_equal(kpi_period(st, day(2024, 1, 1), day(2024, 2, 1), "USD", &v, &e), E_OK);
	assert_int_equal(v.orders, 1);
	assert_int_equal(v.gross, 900);
	assert_int_equal(v.returns, 50);
	assert_int_equal(v.active, 3); /* customer counts ignore the currency */
}

static void december(void **state)
{
	kpi_values v;
	err e;
	(void)state;
	assert_int_equal(kpi_period(st, day(2023, 12, 1), day(2024, 1, 1), "GBP", &v, &e), E_OK);
	assert_int_equal(v.customers, 1);
	assert_int_equal(v.active, 1);
	assert_int_equal(v.new_customers, 1);
	assert_int_equal(v.repeat_customers, 0);
	assert_int_equal(v.orders, 1);
	assert_int_equal(v.gross, 1000);
	assert_int_equal(v.returns, 0);
	/* Before any order: all zero. */
	assert_int_equal(kpi_period(st, day(2023, 1, 1), day(2023, 2, 1), "GBP", &v, &e), E_OK);
	assert_int_equal(v.customers + v.active + v.orders + v.gross, 0);
}

static void months(void **state)
{
	int64_t starts[4];
	kpi_month m[3];
	err e;
	(void)state;
	kpi_month_starts(2023, 12, 3, starts);
	assert_int_equal(starts[0], day(2023, 12, 1));
	assert_int_equal(starts[1], day(2024, 1, 1));
	assert_int_equal(starts[3], day(2024, 3, 1));
	for (int i = 0; i < 3; i++)
		m[i].start = starts[i];
	assert_int_equal(kpi_monthly(st, "GBP", m, 3, starts[3], &e), E_OK);
	assert_int_equal(m[0].orders, 1);
	assert_int_equal(m[0].gross, 1000);
	assert_int_equal(m[0].new_customers, 1);
	assert_int_equal(m[0].returning, 0);
	assert_int_equal(m[1].orders, 4);
	assert_int_equal(m[1].gross, 6300);
	assert_int_equal(m[1].returns, 300);
	assert_int_equal(m[1].new_customers, 2); /* 2, and 3 by the USD order */
	assert_int_equal(m[1].returning, 1);	 /* 1, once though two orders */
	assert_int_equal(m[2].orders, 1);
	assert_int_equal(m[2].gross, 4000);
	assert_int_equal(m[2].returns, 100);
	assert_int_equal(m[2].new_customers, 0);
	assert_int_equal(m[2].returning, 1);
}

static void pareto(void **state)
{
	double share[5];
	int64_t customers, total;
	err e;
	(void)state;
	/* Four customers, profits 50, 30, 10, 10 (hundreds). */
	assert_int_equal(kpi_pareto(st, share, 4, &customers, &total, &e), E_OK);
	assert_int_equal(customers, 4);
	assert_int_equal(total, 10000);
	assert_true(share[0] == 0.0);
	assert_true(share[1] == 0.5);
	assert_true(share[2] == 0.8);
	assert_true(share[3] == 0.9);
	assert_true(share[4] == 1.0);
	/* Thirds of four customers: ceil(4/3) = 2, ceil(8/3) = 3, 4. */
	assert_int_equal(kpi_pareto(st, share, 3, &customers, &total, &e), E_OK);
	assert_true(share[1] == 0.8);
	assert_true(share[2] == 0.9);
	assert_true(share[3] == 1.0);
}

static void members(void **state)
{
	arena a;
	kpi_member *rows;
	size_t n;
	bool more;
	err e;
	(void)state;
	arena_init(&a, 4096);
	assert_int_equal(
		kpi_members(st, KPI_BY_SEGMENT, "champions", 0, 10, &a, &rows, &n, &more, &e),
		E_OK);
	assert_int_equal(n, 2); /* 1 and 3; not 5, merged away */
	assert_false(more);
	assert_int_equal(rows[0].id, 1);
	assert_string_equal(rows[0].tier, "key");
	assert_int_equal(rows[0].monetary, 6000);
	assert_true(rows[0].clv == 12345.5);
	assert_int_equal(rows[1].id, 3);
	/* Pages of one. */
	assert_int_equal(
		kpi_members(st, KPI_BY_SEGMENT, "champions", 0, 1, &a, &rows, &n, &more, &e), E_OK);
	assert_int_equal(n, 1);
	assert_true(more);
	assert_int_equal(kpi_members(st, KPI_BY_SEGMENT, "champions", rows[0].id, 1, &a, &rows, &n,
				     &more, &e),
			 E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 3);
	assert_false(more);
	assert_int_equal(kpi_members(st, KPI_BY_TIER, "key", 0, 10, &a, &rows, &n, &more, &e),
			 E_OK);
	assert_int_equal(n, 2);
	assert_true(isnan(rows[1].clv));
	assert_int_equal(kpi_members(st, KPI_BY_STAGE, "churned", 0, 10, &a, &rows, &n, &more, &e),
			 E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 4);
	assert_false(rows[0].has_rfm);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(currency_and_range),
		cmocka_unit_test(january),
		cmocka_unit_test(december),
		cmocka_unit_test(months),
		cmocka_unit_test(pareto),
		cmocka_unit_test(members),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
