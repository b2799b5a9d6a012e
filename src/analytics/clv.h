/* clv.h: customer lifetime value as the discounted expected margin over a
 * horizon, from a BG/NBD purchase model and an expected spend per purchase.
 *
 * For customer i with history (x, t_x, T) and expected spend per purchase
 * s_i (e.g. gammagamma_expected_spend):
 *
 *   CLV_i = sum_{k=1..H} margin * s_i * (E_i(k L) - E_i((k-1) L)) / (1 + d)^k
 *
 *   E_i(t) = bgnbd_expected_conditional(p, x, t_x, T, t), E_i(0) = 0
 *   L      = step: model time units per discount period
 *   H      = horizon: number of discount periods
 *   d      = (1 + annual_discount)^(L * unit_days / 365.25) - 1
 *
 * So purchases expected in period k are discounted by k whole periods (paid
 * at the period's end), and spend is assumed independent of the purchase
 * process, as Gamma-Gamma assumes. */
#ifndef ECRM_ANALYTICS_CLV_H
#define ECRM_ANALYTICS_CLV_H

#include "analytics/bgnbd.h"

typedef struct {
	double margin;		/* share of spend that is profit, e.g. 0.3 */
	double annual_discount; /* yearly discount rate, e.g. 0.1 for 10 % (> -1) */
	double unit_days;	/* days in one model time unit: 7 when weeks */
	double step;		/* model time units per discount period (> 0) */
	int horizon;		/* discount periods to sum over (0..100000) */
} clv_params;

/* d, the discount rate per period of `step` time units. */
double clv_period_rate(const clv_params *cp);

/* CLV of every row of `d` into out[0..n-1]; spend[i] is row i's expected
 * spend per purchase. O(n * horizon) evaluations of 2F1, no allocation;
 * consecutive rows with equal (x, T) share them, so rows sorted by (x, T)
 * cost O(distinct (x, T) * horizon + n). E_INVAL for bad parameters, or naming the first row whose
 * spend is not a finite number >= 0 or whose expectation failed (that row
 * gets NaN, the others are filled). */
status clv_bgnbd(const bgnbd_params *p, const bgnbd_data *d, const double *spend,
		 const clv_params *cp, double *out, err *e) MUST_CHECK;

#endif
