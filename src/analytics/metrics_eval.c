/* metrics_eval.c: ROC AUC by average ranks, calibration bins, Brier score
 * and log-loss for binary outcomes. */
#include "analytics/metrics_eval.h"
#include "core/xalloc.h"

#include <math.h>

typedef struct {
	double s;
	uint8_t y;
} scored;

static int cmp_scored(const void *pa, const void *pb)
{
	const scored *u = pa, *v = pb;
	return (u->s > v->s) - (u->s < v->s);
}

/* Copies (score, label) pairs and sorts them by score; NULL when a score is
 * NaN (no order exists then). */
static scored *sorted_pairs(const double *score, const uint8_t *label, size_t n)
{
	scored *p = xmalloc((n ? n : 1) * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		if (isnan(score[i])) {
			free(p);
			return NULL;
		}
		p[i] = (scored){score[i], label[i] != 0};
	}
	qsort(p, n, sizeof(*p), cmp_scored);
	return p;
}

double metrics_eval_auc(const double *score, const uint8_t *label, size_t n)
{
	size_t npos = 0;
	for (size_t i = 0; i < n; i++)
		npos += label[i] != 0;
	size_t nneg = n - npos;
	if (npos == 0 || nneg == 0)
		return NAN;
	scored *p = sorted_pairs(score, label, n);
	if (!p)
		return NAN;

	/* Sum of the positives' ranks (1-based), each tie group given its
	 * average rank: exactly the 1/2 credit per tied positive-negative pair.
	 * Ranks are summed as twice their value so they stay integers. */
	double rank2_pos = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, pos = 0;
		while (j < n && p[j].s == p[i].s)
			pos += p[j++].y;
		/* ranks i+1 .. j average (i + 1 + j) / 2 */
		rank2_pos += (double)pos * (double)(i + 1 + j);
		i = j;
	}
	free(p);
	double np = (double)npos;
	double u = rank2_pos / 2 - np * (np + 1) / 2;
	return u / (np * (double)nneg);
}

status metrics_eval_calibration(const double *score, const uint8_t *label, size_t n, int bins,
				metrics_eval_bin *out, err *e)
{
	if (bins < 1)
		return err_set(e, E_INVAL, "calibration needs at least one bin, got %d", bins);
	scored *p = sorted_pairs(score, label, n);
	if (!p)
		return err_set(e, E_INVAL, "calibration: a score is NaN");
	for (int b = 0; b < bins; b++) {
		size_t lo = (size_t)b * n / (size_t)bins, hi = (size_t)(b + 1) * n / (size_t)bins;
		metrics_eval_bin *o = &out[b];
		double sum = 0;

		memset(o, 0, sizeof(*o));
		o->count = hi - lo;
		for (size_t i = lo; i < hi; i++) {
			sum += p[i].s;
			o->positives += p[i].y;
		}
		if (o->count) {
			o->mean_score = sum / (double)o->count;
			o->rate = (double)o->positives / (double)o->count;
			o->min_score = p[lo].s;
			o->max_score = p[hi - 1].s;
		}
	}
	free(p);
	return E_OK;
}

double metrics_eval_brier(const double *prob, const uint8_t *label, size_t n)
{
	double s = 0;
	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double d = prob[i] - (label[i] != 0);
		s += d * d;
	}
	return s / (double)n;
}

double metrics_eval_log_loss(const double *prob, const uint8_t *label, size_t n)
{
	const double lo = 1e-15, hi = 1 - 1e-15;
	double s = 0;
	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double q = prob[i] < lo ? lo : prob[i] > hi ? hi : prob[i];
		s -= label[i] ? log(q) : log1p(-q);
	}
	return s / (double)n;
}
