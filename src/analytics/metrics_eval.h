/* metrics_eval.h: how well a score separates and predicts a binary outcome:
 * ROC AUC (exact Mann-Whitney), a calibration table by quantile bins of the
 * score, Brier score and log-loss. Used to report the churn model on its
 * hold-out; nothing here is churn-specific.
 *
 * Labels are 0/1 (any non-zero byte counts as 1). Scores are any finite
 * doubles; for the calibration table, Brier score and log-loss they are
 * predicted probabilities in [0, 1]. All functions are pure and
 * thread-safe. */
#ifndef ECRM_ANALYTICS_METRICS_EVAL_H
#define ECRM_ANALYTICS_METRICS_EVAL_H

#include "core/err.h"

/* Area under the ROC curve of `score` for `label` over n rows: the
 * probability that a random positive scores above a random negative, ties
 * counting one half. Computed exactly from average ranks (Mann-Whitney U /
 * (n_pos * n_neg)), so every tie group, however large, is handled exactly.
 * NaN when either class is empty or a score is NaN. O(n log n) time; one
 * O(n) allocation. */
double metrics_eval_auc(const double *score, const uint8_t *label, size_t n);

/* One bin of a calibration table. */
typedef struct {
	size_t count;	   /* rows in the bin */
	size_t positives;  /* rows with label 1 */
	double mean_score; /* mean predicted probability */
	double rate;	   /* observed share of label 1 (positives / count) */
	double min_score;  /* smallest and largest score in the bin */
	double max_score;
} metrics_eval_bin;

/* Calibration table: rows sorted by score, cut into `bins` groups of
 * (as near as possible) equal size, lowest scores first; bin b holds the
 * rows of rank [b * n / bins, (b + 1) * n / bins). Rows with equal scores
 * may fall into two adjacent bins; the table stays a partition of the rows.
 * out[0..bins-1] is written; bins beyond n are empty (count 0). E_INVAL when
 * bins < 1 or a score is NaN. O(n log n); one O(n) allocation. */
status metrics_eval_calibration(const double *score, const uint8_t *label, size_t n, int bins,
				metrics_eval_bin *out, err *e) MUST_CHECK;

/* Mean squared error of probabilities against the 0/1 labels; NaN when
 * n = 0. O(n). */
double metrics_eval_brier(const double *prob, const uint8_t *label, size_t n);

/* Mean negative log-likelihood of the labels under the probabilities,
 * natural log, each probability clamped into [1e-15, 1 - 1e-15] so one
 * confident mistake costs about 34.5 rather than infinity; NaN when
 * n = 0. O(n). */
double metrics_eval_log_loss(const double *prob, const uint8_t *label, size_t n);

#endif
