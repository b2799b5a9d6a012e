/* churn_features.h: the per-customer features and labels of the churn model,
 * computed from event columns as they stood at a cut-off day.
 *
 * Input layout (the snapshot's, so the analyze command passes its columns
 * as they are): n customers, each one's events contiguous (CSR):
 * customer c's orders are rows [order_start[c], order_start[c + 1]) of the
 * order columns, sorted by day within the customer. Returns and
 * interactions use the same layout; their days need not be sorted.
 * Days are Unix days; money is int64 minor units.
 *
 * The history at cut-off day `t` is every event with day <= t; nothing
 * after t is read, so features at t can be paired with labels from
 * (t, t + H] without leakage. A customer gets a row when she has at least
 * one order on or before t. In what follows: orders are those on or before
 * t, "days" are the distinct days with an order, gaps are the differences
 * between consecutive such days, W is the trend window (default 90 days),
 * log1p(x) = ln(1 + x) (used for counts, money and durations, whose
 * distributions have long right tails).
 *
 * Features (columns in this order; the optional blocks appear only when
 * their input is given):
 *   recency_days       t - day of the last order
 *   recency_log        log1p(recency_days)
 *   frequency_log      log1p(number of orders)
 *   spend_total_log    log1p(sum of order amounts), gross of returns
 *   spend_avg_log      log1p(sum of order amounts / number of orders)
 *   tenure_log         log1p(t - day of the first order)
 *   single_day         1 when the orders fall on fewer than 2 distinct days
 *                      (so the gap features below are undefined), else 0
 *   gap_mean_log       log1p(mean gap), 0 when single_day
 *   gap_std_log        log1p(population std of the gaps), 0 when single_day
 *   last_gap_ratio     last gap / mean gap, capped at 10; 0 when single_day
 *                      (above 1: the customer was slowing down)
 *   overdue_log        log1p(recency_days / mean gap), 0 when single_day
 *                      (how many usual gaps she is late)
 *   orders_recent_log  log1p(orders in (t - W, t])
 *   spend_recent_log   log1p(spend in (t - W, t])
 *   spend_prev_log     log1p(spend in (t - 2W, t - W])
 *   spend_trend        (recent - prev) / (recent + prev) in [-1, 1],
 *                      0 when both are 0
 *   [margin given]
 *   margin_rate        sum of margins / sum of amounts, clamped to [-1, 1],
 *                      0 when the amounts sum to <= 0
 *   [returns given]
 *   returns_log        log1p(returns on or before t)
 *   return_share       returned amount / order amount, clamped to [0, 1],
 *                      0 when the amounts sum to <= 0
 *   [interactions given]
 *   interactions_recent_log  log1p(interactions in (t - W, t]), any channel
 *   complaints_log     log1p(interactions flagged as complaints on or
 *                      before t)  (only when flags are given)
 *   recent_<channel>_log     log1p(interactions in (t - W, t]) per channel
 *                      (one column per channel, channels 0..n_channels-1)
 *
 * Label: 1 (churned) when the customer places no order in (t, t + H],
 * else 0. */
#ifndef ECRM_ANALYTICS_CHURN_FEATURES_H
#define ECRM_ANALYTICS_CHURN_FEATURES_H

#include "core/err.h"

enum {
	CHURN_MAX_FEATURES = 32,
	CHURN_MAX_CHANNELS = 8,
	CHURN_FEATURE_NAME = 40, /* bytes of a feature name, with the NUL */
};

/* Flag bits of an interaction. */
enum { CHURN_INTERACTION_COMPLAINT = 1 };

/* Event columns of n customers. Borrowed; never written. */
typedef struct {
	size_t n;
	/* orders (required) */
	const int64_t *order_start; /* [n + 1] */
	const int32_t *order_day;   /* sorted within each customer */
	const int64_t *order_amount;
	const int64_t *order_margin; /* or NULL */
	/* returns (optional: return_start NULL when there are none to give) */
	const int64_t *return_start; /* [n + 1] */
	const int32_t *return_day;
	const int64_t *return_amount; /* positive: given back */
	/* interactions (optional: interaction_start NULL) */
	const int64_t *interaction_start; /* [n + 1] */
	const int32_t *interaction_day;
	const uint8_t *interaction_channel; /* 0..n_channels-1, or NULL */
	const uint8_t *interaction_flags;   /* CHURN_INTERACTION_*, or NULL */
	int n_channels;			    /* 0..CHURN_MAX_CHANNELS */
	const char *const *channel_names;   /* [n_channels] for the column
					     * names, or NULL: "ch<k>" */
} churn_events;

typedef struct {
	int trend_days; /* W above; 0: 90 */
} churn_feature_options;

/* A feature matrix: one row per customer with an order on or before the
 * cut-off. Owned; churn_matrix_release. */
typedef struct {
	size_t rows;
	int cols;
	int32_t cutoff;
	double *x;	   /* [rows * cols], row-major */
	int64_t *customer; /* [rows]: the customer index of each row */
	char names[CHURN_MAX_FEATURES][CHURN_FEATURE_NAME];
} churn_matrix;

/* Checks the columns: offsets non-decreasing from 0, order days sorted
 * within each customer, channels in range. E_INVAL naming the customer
 * and what is wrong. O(events). */
status churn_events_check(const churn_events *ev, err *e) MUST_CHECK;

/* The number of feature columns `ev` yields (which optional blocks are
 * present), and their names into names[0..cols-1] when `names` is not NULL.
 * O(1). */
int churn_feature_names(const churn_events *ev, char (*names)[CHURN_FEATURE_NAME]);

/* Whether customer c has an order on or before `cutoff`, i.e. gets a row.
 * O(1): days are sorted. */
bool churn_has_history(const churn_events *ev, size_t c, int32_t cutoff);

/* Computes the feature matrix at cut-off day `cutoff` into `out` (replaced;
 * the caller releases it), one row per customer with history. `opt` may be
 * NULL. The columns are assumed checked (churn_events_check). O(n + orders
 * of those customers + their returns and interactions) time; allocates the
 * matrix only (8 * cols bytes per row). */
void churn_features(const churn_events *ev, int32_t cutoff, const churn_feature_options *opt,
		    churn_matrix *out);

/* The same for customers[0..count-1] only (indices below ev->n, in any
 * order; rows follow that order), skipping those without history. Lets a
 * caller bound memory by computing a sample, or stream in chunks. */
void churn_features_of(const churn_events *ev, int32_t cutoff, const churn_feature_options *opt,
		       const int64_t *customers, size_t count, churn_matrix *out);

/* Labels the rows of `m` (computed at m->cutoff from the same `ev`):
 * label[r] = 1 when customer m->customer[r] has no order in
 * (cutoff, cutoff + horizon_days], else 0. O(rows + their orders). */
void churn_labels(const churn_events *ev, const churn_matrix *m, int horizon_days, uint8_t *label);

/* Frees the matrix and leaves it empty; NULL-safe. */
void churn_matrix_release(churn_matrix *m);

#endif
