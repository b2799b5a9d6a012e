/* test_scores.c: customer_scores written and read back: NULLs where a model
 * does not apply, partial writes keep other models' columns, merged-away
 * customers' rows go, and analytics_runs rows. */
#include "testutil.h"
#include "analytics/lifecycle.h"
#include "analytics/rfm.h"
#include "analytics/scores.h"
#include "analytics/value_tier.h"

#include <math.h>

static store *open_new(const char *name)
{
	store *st = NULL;
	err e;
	if (store_open(test_store_uri(name), STORE_CREATE, &st, &e))
		fail_msg("store_open: %s", e.msg);
	return st;
}

static const char *const sql_row =
	"SELECT as_of, recency_days, frequency, monetary, r, f, m, rfm_segment, value_tier,"
	" profit, lifecycle_stage, p_alive, expected_purchases, expected_spend, clv, churn_risk,"
	" cluster, computed_at FROM customer_scores WHERE customer_id = $1";

/* Column numbers of sql_row. */
enum { AS_OF, RECENCY, FREQ, MON, R, F, M, SEG, TIER, PROFIT, STAGE, P_ALIVE, PURCH, SPEND,
       CLV, CHURN, CLUSTER, COMPUTED };

/* Reads customer `id`'s row into `s` (left prepared on the row). */
static stmt *row(store *st, int64_t id)
{
	stmt *s;
	err e;
	assert_int_equal(store_prepare(st, sql_row, &s, &e), E_OK);
	stmt_bind_int64(s, 1, id);
	if (!stmt_row(s, &e))
		fail_msg("no customer_scores row for %" PRId64 " (%s)", id, e.msg);
	return s;
}

static int64_t count_rows(store *st)
{
	int64_t n = -1;
	err e;
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM customer_scores", &n, &e, 0),
			 E_OK);
	return n;
}

static void writes_and_reads_back(void **state)
{
	store *st = open_new("scores.db");
	const int64_t ids[3] = { 1, 2, 4 };
	const int32_t rec[3] = { 5, -1, 40 }, freq[3] = { 3, 0, 1 };
	const int64_t mon[3] = { 12345, 0, -10 }, profit[3] = { 5000, 0, -3 };
	const uint8_t r[3] = { 5, 0, 1 }, f[3] = { 4, 0, 1 }, m[3] = { 5, 0, 1 };
	const uint8_t seg[3] = { RFM_CHAMPIONS, RFM_NONE, RFM_LOST };
	const uint8_t tier[3] = { VALUE_TIER_KEY, VALUE_TIER_NONE, VALUE_TIER_SMALL };
	const uint8_t stage[3] = { LIFECYCLE_GROWING, LIFECYCLE_PROSPECT, LIFECYCLE_CHURNED };
	stmt *s;
	err e;
	(void)state;

	test_exec(st, "INSERT INTO customers (id, created_at, updated_at) VALUES (1, 0, 0), (2, 0, 0),"
		 " (3, 0, 0), (4, 0, 0)");
	/* A stale row of customer 3, who is then merged into 1. */
	test_exec(st, "INSERT INTO customer_scores (customer_id, as_of, computed_at, clv)"
		 " VALUES (3, 0, 0, 99.5)");
	test_exec(st, "UPDATE customers SET merged_into = 1 WHERE id = 3");

	scores_columns c = { .n = 3,
			     .customer_id = ids,
			     .as_of = 19000,
			     .recency_days = rec,
			     .frequency = freq,
			     .monetary = mon,
			     .r = r,
			     .f = f,
			     .m = m,
			     .rfm_segment = seg,
			     .value_tier = tier,
			     .profit = profit,
			     .lifecycle_stage = stage };
	assert_int_equal(scores_write(st, &c, 1700000000, &e), E_OK);
	assert_int_equal(count_rows(st), 3);

	s = row(st, 1);
	assert_int_equal(stmt_int64(s, AS_OF), 19000LL * 86400);
	assert_int_equal(stmt_int64(s, RECENCY), 5);
	assert_int_equal(stmt_int64(s, FREQ), 3);
	assert_int_equal(stmt_int64(s, MON), 12345);
	assert_int_equal(stmt_int64(s, R), 5);
	assert_int_equal(stmt_int64(s, F), 4);
	assert_int_equal(stmt_int64(s, M), 5);
	assert_string_equal(stmt_text(s, SEG), "champions");
	assert_string_equal(stmt_text(s, TIER), "key");
	assert_int_equal(stmt_int64(s, PROFIT), 5000);
	assert_string_equal(stmt_text(s, STAGE), "growing");
	assert_true(stmt_null(s, P_ALIVE) && stmt_null(s, CLV) && stmt_null(s, CLUSTER));
	assert_int_equal(stmt_int64(s, COMPUTED), 1700000000);
	stmt_done(s);

	/* A prospect: no RFM, no tier, but a stage. */
	s = row(st, 2);
	for (int col = RECENCY; col <= PROFIT; col++)
		assert_true(stmt_null(s, col));
	assert_string_equal(stmt_text(s, STAGE), "prospect");
	stmt_done(s);
	s = row(st, 4);
	assert_string_equal(stmt_text(s, SEG), "lost");
	assert_string_equal(stmt_text(s, TIER), "small");
	assert_int_equal(stmt_int64(s, PROFIT), -3);
	stmt_done(s);

	/* A later run of other models keeps the RFM columns and sets its own;
	 * NaN and a negative cluster are NULL. */
	const double pa[3] = { 0.75, NAN, 0.1 };
	const int32_t cl[3] = { 2, -1, 0 };
	scores_columns c2 = { .n = 3, .customer_id = ids, .as_of = 19001, .p_alive = pa,
			      .cluster = cl };
	assert_int_equal(scores_write(st, &c2, 1700000100, &e), E_OK);
	s = row(st, 1);
	assert_int_equal(stmt_int64(s, AS_OF), 19001LL * 86400);
	assert_int_equal(stmt_int64(s, FREQ), 3);
	assert_string_equal(stmt_text(s, SEG), "champions");
	assert_string_equal(stmt_text(s, STAGE), "growing");
	assert_true(stmt_double(s, P_ALIVE) == 0.75);
	assert_int_equal(stmt_int64(s, CLUSTER), 2);
	assert_true(stmt_null(s, PURCH));
	assert_int_equal(stmt_int64(s, COMPUTED), 1700000100);
	stmt_done(s);
	s = row(st, 2);
	assert_true(stmt_null(s, P_ALIVE) && stmt_null(s, CLUSTER));
	stmt_done(s);
	assert_int_equal(count_rows(st), 3);

	/* Half an RFM group is a bug in the caller. */
	scores_columns bad = { .n = 3, .customer_id = ids, .frequency = freq };
	assert_int_equal(scores_write(st, &bad, 0, &e), E_INVAL);
	scores_columns bad2 = { .n = 3, .customer_id = ids, .value_tier = tier };
	assert_int_equal(scores_write(st, &bad2, 0, &e), E_INVAL);
	assert_false(store_in_transaction(st));
	store_close(st);
}

static void records_runs(void **state)
{
	store *st = open_new("runs.db");
	int64_t id1 = 0, id2 = 0, n = 0;
	stmt *s;
	err e;
	(void)state;

	assert_int_equal(scores_record_run(st, "rfm", 19000, "{\"k\":1}", "{\"scored\":3}", 10, 12,
					   &id1, &e),
			 E_OK);
	assert_int_equal(scores_record_run(st, "tiers", 19000, NULL, NULL, 12, 13, &id2, &e), E_OK);
	assert_true(id1 > 0 && id2 > id1);
	assert_int_equal(store_prepare(st,
				       "SELECT model, as_of, params, results, started_at, finished_at"
				       " FROM analytics_runs WHERE id = $1",
				       &s, &e),
			 E_OK);
	stmt_bind_int64(s, 1, id1);
	assert_true(stmt_row(s, &e));
	assert_string_equal(stmt_text(s, 0), "rfm");
	assert_int_equal(stmt_int64(s, 1), 19000LL * 86400);
	assert_string_equal(stmt_text(s, 2), "{\"k\":1}");
	assert_string_equal(stmt_text(s, 3), "{\"scored\":3}");
	assert_int_equal(stmt_int64(s, 4), 10);
	assert_int_equal(stmt_int64(s, 5), 12);
	stmt_done(s);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM analytics_runs WHERE"
					       " params = '{}' AND results = '{}'",
					   &n, &e, 0),
			 E_OK);
	assert_int_equal(n, 1);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_and_reads_back),
		cmocka_unit_test(records_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
