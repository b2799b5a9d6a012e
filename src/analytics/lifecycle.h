/* lifecycle.h: the lifecycle stage of every customer, from parameters.
 *
 * For a customer as of day A, over orders before A: n orders, first order
 * on day F, last on day L, tenure T = A - F, silence S = A - L (both >= 1).
 * The first rule that matches decides:
 *
 *  1. PROSPECT  n = 0 (no order before A).
 *  2. CHURNED   S > max(churn_factor * IPT, churn_min_days), where IPT is
 *               the customer's expected inter-purchase time: (L - F) / (n - 1)
 *               when n >= 2, else the median of that value over all customers
 *               with n >= 2 (the lower median; 0 when there are none, which
 *               leaves churn_min_days);
 *               or P(alive) < churn_p_alive, when a P(alive) array is given
 *               and the customer's value is not NaN.
 *  3. NEW       T <= new_days and n <= new_max_orders.
 *  4. By trend: the recent window is W = min(trend_days, floor(T / 2)) days,
 *               [A - W, A); the earlier period is [F, A - W). Activity is
 *               the sum of order totals (or the number of orders when
 *               trend_by_orders) in each, divided by its length in days.
 *               W < 1 (T = 1: several orders within the last day): GROWING.
 *               No earlier activity: GROWING when there is recent activity,
 *               else MATURE. Otherwise with ratio = recent rate / earlier rate:
 *     GROWING   ratio >= growth_ratio
 *     DECLINING ratio <= decline_ratio
 *     MATURE    otherwise.
 *  A one-order customer past the new rule and not churned has no recent
 *  activity (its order is in the earlier period), so it is DECLINING.
 *
 * Defaults (config [analytics] keys in brackets): new_days 90
 * [lifecycle_new_days], new_max_orders 1 [lifecycle_new_max_orders],
 * churn_factor 3 [lifecycle_churn_factor], churn_min_days 180
 * [lifecycle_churn_min_days], churn_p_alive 0.1 [lifecycle_churn_p_alive],
 * trend_days 180 [lifecycle_trend_days], growth_ratio 1.25
 * [lifecycle_growth_ratio], decline_ratio 0.75 [lifecycle_decline_ratio],
 * trend_by_orders 0 [lifecycle_trend_by_orders]. */
#ifndef ECRM_ANALYTICS_LIFECYCLE_H
#define ECRM_ANALYTICS_LIFECYCLE_H

#include "analytics/snapshot.h"
#include "core/config.h"

typedef enum {
	LIFECYCLE_PROSPECT = 0,
	LIFECYCLE_NEW,
	LIFECYCLE_GROWING,
	LIFECYCLE_MATURE,
	LIFECYCLE_DECLINING,
	LIFECYCLE_CHURNED,
	LIFECYCLE__COUNT
} lifecycle_stage;

typedef struct {
	int64_t new_days;
	int64_t new_max_orders;
	double churn_factor;
	int64_t churn_min_days;
	double churn_p_alive;
	int64_t trend_days;
	double growth_ratio;
	double decline_ratio;
	int64_t trend_by_orders; /* 0: spend; 1: number of orders */
} lifecycle_params;

typedef struct {
	int64_t customers[LIFECYCLE__COUNT];
	double median_ipt_days; /* the IPT used for one-order customers */
	int64_t churned_by_p_alive; /* churned by rule 2's P(alive) test alone */
} lifecycle_summary;

/* The defaults above, overridden by the [analytics] keys in `cfg` (NULL:
 * defaults only). */
void lifecycle_params_default(lifecycle_params *p, const config *cfg);
/* E_INVAL naming the parameter when one is out of range. */
status lifecycle_params_check(const lifecycle_params *p, err *e) MUST_CHECK;

/* Stages every customer of `s` as of day `as_of` into stage[n_customers].
 * `p_alive` is NULL or has n_customers entries (NaN: not computed).
 * `summary` may be NULL. O(O + C) plus a radix sort of the repeat
 * customers' IPT for the median; parallel over customers. */
void lifecycle_classify(const snapshot *s, int32_t as_of, const lifecycle_params *p,
			const double *p_alive, int threads, uint8_t *stage,
			lifecycle_summary *summary);

/* "prospect", "new", "growing", "mature", "declining", "churned". */
const char *lifecycle_stage_name(lifecycle_stage st);

#endif
