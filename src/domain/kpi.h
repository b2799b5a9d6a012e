/* kpi.h: the dashboard's aggregates over orders and returns: a period's KPI
 * values and month-by-month series (revenue, new and returning customers).
 *
 * Definitions (docs/openapi.yaml repeats them for API users):
 * - an order counts unless its status is cancelled (cancellations that come
 *   as return documents are returns, below);
 * - customers: distinct customers with an order placed before the period's
 *   end (the customer base by then); guest orders have no customer;
 * - active: distinct customers with an order in the period;
 * - new: active customers whose first order ever is in the period;
 *   returning = active - new;
 * - repeat: active customers with two or more orders by the period's end;
 * - gross: order totals placed in the period; returns: amounts given back
 *   in the period; both in one currency, minor units; net revenue = gross -
 *   returns. Customer counts do not depend on the currency.
 * Periods are half-open [from, to) in Unix seconds. */
#ifndef ECRM_DOMAIN_KPI_H
#define ECRM_DOMAIN_KPI_H

#include "core/arena.h"
#include "store/db.h"

typedef struct {
	int64_t customers;
	int64_t active;
	int64_t new_customers;
	int64_t repeat_customers;
	int64_t orders;
	int64_t gross;	 /* minor units */
	int64_t returns; /* minor units */
} kpi_values;

typedef struct {
	int64_t start; /* first second of the month (UTC), set by the caller */
	int64_t orders;
	int64_t gross;
	int64_t returns;
	int64_t new_customers;
	int64_t returning;
} kpi_month;

/* The currency most orders are in, in `a`; NULL when there is no order. */
status kpi_main_currency(store *st, arena *a, const char **out, err *e) MUST_CHECK;
/* The first and last order times; both 0 when there is no order. */
status kpi_order_range(store *st, int64_t *first, int64_t *last, err *e) MUST_CHECK;
/* The KPI values of [from, to); money in `currency`. */
status kpi_period(store *st, int64_t from, int64_t to, const char *currency, kpi_values *out,
		  err *e) MUST_CHECK;
/* Fills `n` consecutive months whose starts the caller set (ascending);
 * `end` closes the last one. Money in `currency`. */
status kpi_monthly(store *st, const char *currency, kpi_month *m, size_t n, int64_t end,
		   err *e) MUST_CHECK;
/* The Pareto curve of customer profit (customer_scores.profit, written by
 * the value-tier model): `n` + 1 points, point k giving the share of the
 * total profit made by the ceil(k/n x customers) most profitable ones. `*customers`
 * and `*total` (minor units) are 0 when nothing is scored; the curve is
 * then all zeros. */
status kpi_pareto(store *st, double *profit_share, size_t n, int64_t *customers, int64_t *total,
		  err *e) MUST_CHECK;

typedef enum { KPI_BY_SEGMENT, KPI_BY_TIER, KPI_BY_STAGE } kpi_member_kind;

/* A scored customer, for the lists behind the dashboard's charts. */
typedef struct {
	int64_t id;
	const char *name, *city, *country;
	const char *segment, *tier, *stage; /* NULL when that model has not run */
	int64_t recency_days, frequency, monetary;
	double clv, p_alive; /* NaN when not computed */
	bool has_rfm;
} kpi_member;

/* Live customers whose RFM segment, value tier or lifecycle stage is
 * `value`, by id after `after_id`, at most `limit`; `*more` when another
 * page follows. Rows and strings come from `a`. */
status kpi_members(store *st, kpi_member_kind by, const char *value, int64_t after_id, int limit,
		   arena *a, kpi_member **rows, size_t *n, bool *more, err *e) MUST_CHECK;

/* Writes the starts of `n` consecutive months from year `y`, month `mon`
 * (1-12) into `starts` (n + 1 values: the last closes the series). */
void kpi_month_starts(int y, int mon, size_t n, int64_t *starts);

#endif
