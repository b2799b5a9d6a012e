/* clv_run.h: the lifetime-value models over a snapshot: each customer's
 * repeat-purchase history in the form BG/NBD and Gamma-Gamma take, the
 * per-customer outputs (P(alive), expected purchases, expected spend, CLV)
 * computed in parallel, and the hold-out check of a calibration fit.
 *
 * Purchases. A purchase is a customer-DAY with at least one order: orders
 * of one customer on one day merge into one purchase whose value is the sum
 * of their totals (Fader, Hardie and Lee count CDNOW's transactions this
 * way). The first purchase day starts the customer's clock and is not a
 * repeat. Returns do not change the purchase count or value; they lower the
 * customer's margin ratio (below).
 *
 * Time. Days are counted in the snapshot's Unix days; model time is in
 * periods of `unit_days` days (1 day, 7 days, or 365.25 / 12 days for a
 * month). The calibration covers the days before `calib_end`; its last day
 * is calib_end - 1, and for a customer whose first purchase was on day F
 *   x   = repeat purchase days before calib_end,
 *   t_x = (last purchase day before calib_end - F) / unit_days (0 when x = 0),
 *   T   = (calib_end - 1 - F) / unit_days,
 * so a purchase on the last calibration day has t_x = T (with calib_end =
 * 1997-10-01 and weeks this is FHL's CDNOW summary: T = 38.86 for a
 * customer who first bought on 1997-01-01). Customers whose first purchase
 * is on or after calib_end are not in the model.
 *
 * Margin ratio of a customer: profit / order totals over the calibration,
 * with profit as value_tier.h defines it (margins less the margin share of
 * returns), clamped to [0, 1]; the snapshot's margin_ratio when the totals
 * are 0. CLV counts this share of the expected spend.
 *
 * Cost: the history is one pass over the orders (parallel over customers);
 * scoring sorts the customers by (x, T) once and evaluates the expensive
 * expectation (the Gauss hypergeometric function 2F1) once per distinct
 * (x, T) and discount step, not once per customer. Results do not depend
 * on the number of threads (each row is computed the same way). */
#ifndef ECRM_ANALYTICS_CLV_RUN_H
#define ECRM_ANALYTICS_CLV_RUN_H

#include "analytics/bgnbd.h"
#include "analytics/clv.h"
#include "analytics/gammagamma.h"
#include "analytics/snapshot.h"

typedef struct {
	int32_t calib_end;  /* first day after the calibration */
	int32_t as_of;	    /* end of the hold-out (exclusive), >= calib_end;
			     * equal: no hold-out */
	double unit_days;   /* days per model period (> 0) */
	double money_scale; /* minor units per money unit of `spend` (100 for
			     * cents): Gamma-Gamma's gamma is in that unit */
} clv_history_params;

/* The model's rows: customers with a first purchase before calib_end, in
 * ascending snapshot index. Owned; clv_history_release frees. */
typedef struct {
	size_t n;	    /* rows */
	size_t repeaters;   /* rows with x > 0 */
	int32_t *idx;	    /* snapshot customer index */
	int32_t *first_day; /* day of the first purchase */
	double *x, *tx, *T; /* see above */
	double *spend;	    /* mean value of the repeat purchases, money units (0 when x = 0) */
	double *margin;	    /* margin ratio, 0..1 */
	double *x_hold;	    /* purchase days in [calib_end, as_of) */
	int64_t hold_total; /* sum of x_hold */
} clv_history;

/* Builds the rows from `s`. O(orders + returns), parallel over customers. */
void clv_history_build(const snapshot *s, const clv_history_params *p, int threads,
		       clv_history *out);
/* NULL-safe; leaves `h` empty. */
void clv_history_release(clv_history *h);

/* The columns bgnbd_fit / gammagamma_fit take, borrowed from `h`. */
bgnbd_data clv_history_bgnbd(const clv_history *h);
gammagamma_data clv_history_gammagamma(const clv_history *h);

/* Rows sorted by (x, T) with the columns gathered in that order, so equal
 * (x, T) are neighbours: the expensive work is shared between them. */
typedef struct {
	size_t n;
	int32_t *row; /* history row of sorted position i */
	double *x, *tx, *T, *spend, *margin;
} clv_sorted;

/* Ties in (x, T) keep row order. O(n + range of x + range of first days)
 * for histories built by clv_history_build (two counting passes), else
 * O(n log n). */
void clv_sorted_build(const clv_history *h, clv_sorted *out);
void clv_sorted_release(clv_sorted *s);

/* What scoring computes, by history row (arrays of h->n, caller-owned;
 * any may be NULL to skip it). NaN where a value cannot be computed. */
typedef struct {
	double *p_alive;
	double *expected; /* E[Y(horizon) | x, t_x, T], purchases */
	double *spend;	  /* E[spend per purchase], MINOR units; NULL gg: skipped */
	double *clv;	  /* margin * spend * discounted purchases, minor units */
} clv_outputs;

typedef struct {
	bgnbd_params bg;
	const gammagamma_params *gg; /* NULL: no spend model, no spend or CLV */
	double money_scale;	     /* as in clv_history_params */
	double horizon;		     /* periods for `expected` */
	clv_params cp;		     /* CLV: step, horizon in steps, discount; margin is
				      * ignored (each row's own ratio is used) */
} clv_score_params;

typedef struct {
	size_t expected_failed; /* rows whose E[Y] was NaN */
	size_t spend_failed;	/* rows whose expected spend was NaN (q <= 1 ...) */
	size_t clv_failed;	/* rows whose CLV was not finite */
	size_t groups;		/* distinct (x, T) */
} clv_score_summary;

/* Fills `out` for every row of `srt` (built from the history). E_INVAL
 * only for bad CLV parameters; per-row failures are NaN and counted in
 * `sum` (may be NULL). O(groups * (cp.horizon + 1)) 2F1 evaluations plus
 * O(n), parallel over contiguous ranges of `srt`. */
status clv_score(const clv_sorted *srt, const clv_score_params *p, int threads,
		 const clv_outputs *out, clv_score_summary *sum, err *e) MUST_CHECK;

/* The hold-out check of a fit on the calibration days. */
enum { CLV_HOLDOUT_GROUPS = 8 }; /* x = 0 .. 6 and 7 or more, as FHL's figure 4 */
enum { CLV_TRACKING_MAX = 200 }; /* points of the tracking series */

typedef struct {
	double t;		  /* hold-out length in periods */
	double actual, predicted; /* repeat purchases in the hold-out, all rows */
	double mae;		  /* mean |predicted - actual| per customer */
	int64_t customers[CLV_HOLDOUT_GROUPS];
	double actual_sum[CLV_HOLDOUT_GROUPS], predicted_sum[CLV_HOLDOUT_GROUPS];
	/* Cumulative repeat purchases of the model's customers from the first
	 * purchase day to the point's end day (exclusive), actual and as the
	 * model expects for a new customer (E[X(t)], FHL eq. 9) summed over
	 * customers: FHL's tracking plot, calibration and hold-out together. */
	size_t points;
	int32_t end_day[CLV_TRACKING_MAX];
	double track_actual[CLV_TRACKING_MAX], track_expected[CLV_TRACKING_MAX];
	size_t expected_failed; /* rows whose prediction was NaN (left out) */
} clv_holdout;

/* Compares E[Y(t) | calibration history] with the purchase days in the
 * hold-out [calib_end, as_of) for every row, and builds the tracking series
 * with points every `step_periods` periods (>= 1; made larger when more than
 * CLV_TRACKING_MAX points would be needed). `s` is the snapshot `h` was
 * built from with `p`. O(groups) 2F1 plus O(orders + days). */
void clv_holdout_check(const snapshot *s, const clv_history *h, const clv_sorted *srt,
		       const clv_history_params *p, const bgnbd_params *bg, int threads,
		       clv_holdout *out);

#endif
