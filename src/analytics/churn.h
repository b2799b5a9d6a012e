/* churn.h: churn risk, the probability that a customer places no order in
 * the next H days, from an L2-regularised logistic regression (liblinear,
 * solver L2R_LR) trained on the business's own history and reported with
 * its AUC on customers or a period it was not trained on.
 *
 * Protocol (churn_run). Let A = as_of and H = horizon_days. Features at a
 * cut-off t read events on or before t only; labels read orders in
 * (t, t + H] only (churn_features.h), so no row ever sees its own label.
 *
 *  CHURN_SPLIT_CUSTOMER (default). Rows: customers with an order on or
 *    before t = A - H; labels from (A - H, A]. A seeded hash of the customer
 *    index puts about holdout_share (default 25 %) of them in the hold-out.
 *    The model (standardisation, choice of C, weights) is fitted on the
 *    other rows only; AUC, calibration and base rate are measured on the
 *    hold-out. That same model then scores every customer with an order on
 *    or before A from features at A: the reported AUC belongs to the very
 *    model that scores. It needs only customers who ordered by A - H,
 *    which a young shop has soonest.
 *
 *  CHURN_SPLIT_TIME. Train on features at A - 2H with labels from
 *    (A - 2H, A - H]; test on every customer with an order on or before
 *    A - H, features at A - H, labels from (A - H, A]. The test period
 *    lies wholly after everything the model saw, so the AUC also includes
 *    drift from one period to the next: the honest estimate of "fit on the
 *    last window, predict the next". It needs customers who ordered by
 *    A - 2H, H days earlier than the customer split. The scoring model
 *    is then refitted, with the same penalty per row, on the test window
 *    (features at A - H, labels to A), the most recent labelled data, and
 *    scores features at A; the reported AUC is that of the same recipe one
 *    window earlier.
 *
 * Sizes. When the training rows exceed max_train a seeded sample of that
 * many is used: a 20-odd-column linear model gains nothing measurable from
 * more (on 1M synthetic customers, bench/churn.c, the hold-out AUC with
 * 20000 training rows was within 0.001 of that with 200000), and each
 * liblinear pass reads 16 bytes per feature per row, so fit time grows
 * with them. At most max_test hold-out rows are evaluated (the
 * AUC's standard error is then about 0.001).
 *
 * C. The given value, or when 0 the best of a small grid (1e-3 .. 1e2) by
 * log-loss on a seeded 20 % validation part of a sample of grid_rows
 * training rows, carried to the full training set as the same penalty per
 * row (C * grid fit rows / training rows), and refitted on all of them.
 * Features are standardised with the training rows' means and standard
 * deviations (a constant column gets weight 0); the bias is liblinear's
 * bias column (value 1), so it is regularised too, negligibly at these
 * sizes.
 *
 * Too little data is an outcome, not an error: when the training rows are
 * fewer than min_train, or either class there has fewer than min_class, or
 * either class in the hold-out fewer than ceil(min_class / 4) (with the
 * time split, whose test window is refitted on: the training thresholds),
 * churn_run returns E_OK with outcome CHURN_INSUFFICIENT_DATA and a
 * sentence in `note` to print instead of scores; risks are NaN.
 *
 * Threads. The final pass (features at A and risk for every customer, the
 * larger part of the time on big shops) runs on o->threads threads; the
 * fits are liblinear's and single-threaded. liblinear reports progress
 * through one process-wide print function; it is silenced once
 * (pthread_once) and never touched again, so churn_run and churn_model_fit
 * may also run on several threads at once (e.g. beside other models).
 * Everything else is pure: no globals, no I/O. */
#ifndef ECRM_ANALYTICS_CHURN_H
#define ECRM_ANALYTICS_CHURN_H

#include "analytics/churn_features.h"
#include "analytics/metrics_eval.h"

enum {
	CHURN_CALIB_BINS = 10, /* deciles of predicted risk */
	CHURN_MAX_TOP = 5,     /* explanations per customer */
};

/* A fitted model: risk = 1 / (1 + exp(-(intercept + sum_j weight[j] *
 * (x[j] - mean[j]) / std[j]))). */
typedef struct {
	int cols;
	double mean[CHURN_MAX_FEATURES];
	double std[CHURN_MAX_FEATURES]; /* 1 for a constant column */
	double weight[CHURN_MAX_FEATURES];
	double intercept;
	double C; /* the regularisation it was fitted with */
	char names[CHURN_MAX_FEATURES][CHURN_FEATURE_NAME];
} churn_model;

/* Fits a model on rows[0..nrows-1] of `m` (row indices; NULL: every row)
 * with labels label[row] (indexed by matrix row, 1 = churned) and
 * regularisation C (> 0; liblinear's: larger is weaker). Both classes must
 * be present. Memory: about 16 * (cols + 2) bytes per row for liblinear's
 * copy. E_INVAL for bad arguments, E_INTERNAL when liblinear refuses.
 * O(nrows * cols * Newton iterations). */
status churn_model_fit(const churn_matrix *m, const uint8_t *label, const size_t *rows,
		       size_t nrows, double C, churn_model *out, err *e) MUST_CHECK;

/* Risk of rows[0..nrows-1] of `m` (NULL: all rows) into risk[0..nrows-1].
 * `m` must have the model's columns. O(nrows * cols). */
void churn_model_predict(const churn_model *mdl, const churn_matrix *m, const size_t *rows,
			 size_t nrows, double *risk);

/* The `k` (<= CHURN_MAX_TOP) features that push row `row` of `m` most
 * towards churn (largest positive weight * standardised value), most
 * first, into top[0..k-1]; -1 fills the places with no positive
 * contribution. O(cols * k). */
void churn_model_explain(const churn_model *mdl, const churn_matrix *m, size_t row, int k,
			 int16_t *top);

typedef enum { CHURN_SPLIT_CUSTOMER, CHURN_SPLIT_TIME } churn_split;

typedef struct {
	int32_t as_of;	      /* A: the last day of data (Unix day) */
	int horizon_days;     /* H; 0: 90 */
	churn_split split;    /* see above */
	double holdout_share; /* CHURN_SPLIT_CUSTOMER; 0: 0.25 (0 < s < 1) */
	uint64_t seed;	      /* split and sampling; same seed, same result */
	double C;	      /* > 0: fixed; 0: grid on a validation part */
	size_t max_train;     /* training rows sampled at most; 0: 20000 */
	size_t grid_rows;     /* rows sampled for choosing C; 0: 20000 */
	size_t max_test;      /* hold-out rows sampled at most; 0: 200000 */
	size_t min_train;     /* 0: 200 */
	size_t min_class;     /* 0: 20 */
	int top_k;	      /* explanations per customer (0..CHURN_MAX_TOP) */
	int threads;	      /* for scoring every customer; < 2: one */
	churn_feature_options features;
} churn_options;

typedef enum { CHURN_SCORED, CHURN_INSUFFICIENT_DATA } churn_outcome;

typedef struct {
	churn_outcome outcome;
	char note[256]; /* why there are no scores (CHURN_INSUFFICIENT_DATA) */

	int32_t train_cutoff; /* features of the training rows */
	int32_t test_cutoff;  /* features of the hold-out rows */
	int32_t score_cutoff; /* = as_of */
	int horizon_days;
	churn_split split;

	size_t train_rows, train_churned; /* rows the model was fitted on */
	size_t train_eligible;		  /* before the max_train sample */
	size_t test_rows, test_churned;	  /* the hold-out rows scored */
	size_t test_eligible;		  /* before the max_test sample */
	size_t scored;			  /* customers given a risk */

	double auc;				  /* on the hold-out */
	double auc_train;			  /* on the training rows (in-sample) */
	double base_rate;			  /* churned share of the hold-out */
	double mean_risk_test;			  /* mean predicted risk on the hold-out */
	double brier, log_loss;			  /* on the hold-out */
	metrics_eval_bin calib[CHURN_CALIB_BINS]; /* hold-out, by risk decile */
	double mean_risk;			  /* over the scored customers */
	/* the C grid: validation log-loss per C tried on grid_rows fit rows
	 * (model.C is the best one carried to the training rows) */
	double grid_C[8], grid_loss[8];
	int grid_n;	  /* 0 when C was given */
	size_t grid_rows; /* rows the grid fits used */

	churn_model model; /* the model that produced `risk` */
} churn_result;

/* Defaults: H 90, customer split, hold-out 25 %, seed 1, C by grid,
 * max_train 20000, grid_rows 20000, max_test 200000, min_train 200, min_class 20, no
 * explanations. */
void churn_options_default(churn_options *o);

/* Runs the protocol above on the events of ev->n customers. risk[c] (length
 * ev->n) gets customer c's risk of no order in (A, A + H], or NaN when she
 * has no order on or before A or when the outcome is insufficient data.
 * top (NULL, or length ev->n * o->top_k) gets churn_model_explain's
 * indices per customer (-1 where none). E_INVAL for bad options or
 * columns (the message says which), E_INTERNAL if liblinear fails.
 * Time: O(events) per feature pass (two or three), plus model fits on at
 * most max_train rows, plus O(max_test log max_test) for the AUC. Memory is
 * bounded by the samples, not by n: feature matrices of 8 * cols bytes per
 * row for at most max_train + max_test rows, liblinear's copy of the
 * training rows, and one chunk of 16384 customers per thread while scoring. */
status churn_run(const churn_events *ev, const churn_options *o, double *risk, int16_t *top,
		 churn_result *out, err *e) MUST_CHECK;

#endif
