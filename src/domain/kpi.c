/* kpi.c: dashboard aggregates (see kpi.h). Periods are done in SQL, one
 * grouped scan each; month series stream indexed rows and bucket them here,
 * because month arithmetic is not written the same in SQLite and
 * PostgreSQL. */
#include "domain/kpi.h"
#include "core/datetime.h"

#include <math.h>

/* Orders that count: everything but cancelled ones. */
#define COUNTED "status NOT IN ('cancelled', 'canceled')"

/* Reads the first row of `s`, when there is one, into *cols[0..n-1] (int64
 * columns from the first), and gives `s` back: the statement's status. */
static status read_row(stmt *s, int64_t *const *cols, size_t n, err *e)
{
	status rc;

	if (stmt_row(s, e)) {
		for (size_t i = 0; i < n; i++)
			*cols[i] = stmt_int64(s, (int)i);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status kpi_main_currency(store *st, arena *a, const char **out, err *e)
{
	static const char *const sql = "SELECT currency FROM orders GROUP BY currency"
				       " ORDER BY COUNT(*) DESC, currency LIMIT 1";
	status rc;
	stmt *s;

	*out = NULL;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	if (stmt_row(s, e))
		*out = arena_strdup(a, stmt_text(s, 0));
	rc = e->code;
	stmt_done(s);
	return rc;
}

status kpi_order_range(store *st, int64_t *first, int64_t *last, err *e)
{
	static const char *const sql = "SELECT COALESCE(MIN(placed_at), 0),"
				       " COALESCE(MAX(placed_at), 0) FROM orders";
	int64_t *const cols[] = { first, last };
	status rc;
	stmt *s;

	*first = *last = 0;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	return read_row(s, cols, ARRAY_SIZE(cols), e);
}

/* Customer counts of [$1, $2): one pass over each customer's orders up to
 * the end. */
static status period_customers(store *st, int64_t from, int64_t to, kpi_values *out, err *e)
{
	static const char *const sql =
		"SELECT COUNT(*),"
		" COALESCE(SUM(CASE WHEN last_at >= $1 THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN first_at >= $1 THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN last_at >= $1 AND n >= 2 THEN 1 ELSE 0 END), 0)"
		" FROM (SELECT customer_id, MIN(placed_at) AS first_at, MAX(placed_at) AS last_at,"
		" COUNT(*) AS n FROM orders WHERE customer_id IS NOT NULL AND placed_at < $2"
		" AND " COUNTED " GROUP BY customer_id) AS c";
	/* first_at >= from implies last_at >= from: new ones are active. */
	int64_t *const cols[] = { &out->customers, &out->active, &out->new_customers,
				  &out->repeat_customers };
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, from);
	stmt_bind_int64(s, 2, to);
	return read_row(s, cols, ARRAY_SIZE(cols), e);
}

static status period_money(store *st, int64_t from, int64_t to, const char *currency,
			   kpi_values *out, err *e)
{
	static const char *const sql =
		"SELECT (SELECT COUNT(*) FROM orders WHERE placed_at >= $1 AND placed_at < $2"
		" AND currency = $3 AND " COUNTED "),"
		" (SELECT COALESCE(SUM(total), 0) FROM orders WHERE placed_at >= $1"
		" AND placed_at < $2 AND currency = $3 AND " COUNTED "),"
		" (SELECT COALESCE(SUM(amount), 0) FROM returns WHERE returned_at >= $1"
		" AND returned_at < $2 AND currency = $3)";
	int64_t *const cols[] = { &out->orders, &out->gross, &out->returns };
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, from);
	stmt_bind_int64(s, 2, to);
	stmt_bind_text(s, 3, currency);
	return read_row(s, cols, ARRAY_SIZE(cols), e);
}

status kpi_period(store *st, int64_t from, int64_t to, const char *currency, kpi_values *out,
		  err *e)
{
	status rc;

	memset(out, 0, sizeof(*out));
	if ((rc = period_customers(st, from, to, out, e)))
		return rc;
	return period_money(st, from, to, currency, out, e);
}

void kpi_month_starts(int y, int mon, size_t n, int64_t *starts)
{
	for (size_t i = 0; i <= n; i++) {
		starts[i] = days_from_civil(y, mon, 1) * 86400;
		if (++mon > 12) {
			mon = 1;
			y++;
		}
	}
}

/* The month [m[i].start, next) holding `t`, or -1 outside [m[0], end). */
static ptrdiff_t month_of(const kpi_month *m, size_t n, int64_t end, int64_t t)
{
	size_t lo = 0, hi = n;

	if (n == 0 || t < m[0].start || t >= end)
		return -1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].start <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo;
}

/* New and returning customers per month: each customer's orders in time
 * order (the orders_customer index), the first one telling when they were
 * new. A customer counts once per month. */
static status monthly_customers(store *st, kpi_month *m, size_t n, int64_t end, err *e)
{
	static const char *const sql = "SELECT customer_id, placed_at FROM orders"
				       " WHERE customer_id IS NOT NULL AND placed_at < $1"
				       " AND " COUNTED " ORDER BY customer_id, placed_at";
	int64_t cust = 0, first = 0;
	ptrdiff_t seen = -1;
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, end);
	while (stmt_row(s, e)) {
		int64_t c = stmt_int64(s, 0), t = stmt_int64(s, 1);
		ptrdiff_t k;

		if (c != cust) {
			cust = c;
			first = t;
			seen = -1;
		}
		if ((k = month_of(m, n, end, t)) < 0 || k == seen)
			continue;
		seen = k;
		if (month_of(m, n, end, first) == k)
			m[k].new_customers++;
		else
			m[k].returning++;
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

/* What month_sums adds a row's amount to. */
typedef enum { SUM_ORDERS, SUM_RETURNS } month_sum;

/* Adds the rows of `sql` (a time and an amount each; $1 the first month's
 * start, $2 `end`, $3 the currency) to the months holding their times: as
 * an order and its total, or as a return's amount. */
static status month_sums(store *st, const char *sql, month_sum what, const char *currency,
			 kpi_month *m, size_t n, int64_t end, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, m[0].start);
	stmt_bind_int64(s, 2, end);
	stmt_bind_text(s, 3, currency);
	while (stmt_row(s, e)) {
		ptrdiff_t k = month_of(m, n, end, stmt_int64(s, 0));
		if (k < 0)
			continue;
		if (what == SUM_ORDERS) {
			m[k].orders++;
			m[k].gross += stmt_int64(s, 1);
		} else {
			m[k].returns += stmt_int64(s, 1);
		}
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status kpi_monthly(store *st, const char *currency, kpi_month *m, size_t n, int64_t end, err *e)
{
	static const char *const orders_sql = "SELECT placed_at, total FROM orders"
					      " WHERE placed_at >= $1 AND placed_at < $2"
					      " AND currency = $3 AND " COUNTED;
	static const char *const returns_sql = "SELECT returned_at, amount FROM returns"
					       " WHERE returned_at >= $1 AND returned_at < $2"
					       " AND currency = $3";
	status rc;

	for (size_t i = 0; i < n; i++) {
		int64_t start = m[i].start;
		memset(&m[i], 0, sizeof(m[i]));
		m[i].start = start;
	}
	if (n == 0)
		return E_OK;
	if ((rc = month_sums(st, orders_sql, SUM_ORDERS, currency, m, n, end, e)) ||
	    (rc = month_sums(st, returns_sql, SUM_RETURNS, currency, m, n, end, e)))
		return rc;
	return monthly_customers(st, m, n, end, e);
}

status kpi_pareto(store *st, double *profit_share, size_t n, int64_t *customers, int64_t *total,
		  err *e)
{
	static const char *const totals_sql = "SELECT COUNT(*), COALESCE(SUM(profit), 0)"
					      " FROM customer_scores WHERE profit IS NOT NULL";
	static const char *const rows_sql = "SELECT profit FROM customer_scores"
					    " WHERE profit IS NOT NULL ORDER BY profit DESC";
	int64_t *const totals[] = { customers, total };
	int64_t seen = 0, running = 0;
	size_t k = 1;
	status rc;
	stmt *s;

	*customers = *total = 0;
	for (size_t i = 0; i <= n; i++)
		profit_share[i] = 0;
	if ((rc = store_prepare(st, totals_sql, &s, e)) ||
	    (rc = read_row(s, totals, ARRAY_SIZE(totals), e)))
		return rc;
	if (*customers == 0 || *total == 0 || n == 0)
		return E_OK;
	if ((rc = store_prepare(st, rows_sql, &s, e)))
		return rc;
	while (stmt_row(s, e)) {
		running += stmt_int64(s, 0);
		seen++;
		/* Point k closes once k/n of the customers are counted. */
		while (k <= n && seen * (int64_t)n >= (int64_t)k * *customers)
			profit_share[k++] = (double)running / (double)*total;
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}
