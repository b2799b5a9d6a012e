/* gammagamma.h: the Gamma-Gamma model of spend per purchase (Fader, Hardie
 * and Lee 2005, "RFM and CLV: using iso-value curves"; Colombo and Jiang
 * 1999): maximum-likelihood fit and expected average spend per customer.
 *
 * The model. Each purchase of a customer has value z ~ Gamma(shape p,
 * rate nu); across customers nu ~ Gamma(shape q, rate gamma). So the mean
 * m of her x purchases, given nu, is Gamma(p x, nu x), and the population
 * mean spend is p gamma / (q - 1). Spend is assumed independent of the
 * purchase process (check the correlation of x and m before relying on it).
 * The fit uses repeat purchases only (FHL: the first purchase is often
 * different); rows with x = 0 carry no spend and are skipped. Rows with
 * x > 0 and mean spend 0 (only free repeat orders) lie outside the model's
 * support: they are left out too, and counted.
 *
 * Pure and thread-safe, like bgnbd.h. */
#ifndef ECRM_ANALYTICS_GAMMAGAMMA_H
#define ECRM_ANALYTICS_GAMMAGAMMA_H

#include "core/err.h"

typedef struct {
	double p;     /* shape of the per-purchase value (> 0) */
	double q;     /* shape of the heterogeneity of nu (> 0) */
	double gamma; /* rate of the heterogeneity of nu, in money units (> 0) */
} gammagamma_params;

/* Per-customer input columns of length n. Borrowed; never written. */
typedef struct {
	size_t n;
	const double *x; /* repeat purchases, >= 0; rows with 0 are skipped */
	const double *m; /* mean value of those purchases, >= 0 */
	const double *w; /* weight per row (>= 0) or NULL for 1 each */
} gammagamma_data;

typedef struct {
	gammagamma_params start; /* all 0: p = 1, q = 2, gamma = mean of m */
	int max_iter;		 /* 0: 400 */
	double grad_tol;	 /* as in bgnbd_options; 0: 1e-9 */
} gammagamma_options;

typedef struct {
	gammagamma_params p;
	double loglik;	  /* weighted sum over the rows fitted (x > 0, m > 0) */
	double customers; /* sum of the weights of those rows */
	double skipped;	  /* weight of the rows with x > 0 but m = 0, left out */
	int iterations;
	int evaluations;
	bool converged;
	double grad_norm;
	gammagamma_params se; /* standard errors, as in bgnbd_fit_result */
} gammagamma_fit_result;

/* Fits p, q, gamma by maximum likelihood over the rows with x > 0. Cost:
 * O(n log n) once, then O(rows + distinct x) per evaluation. Allocates its
 * work arrays once per call. E_INVAL names a bad row, or says the fit did
 * not converge (out then holds the last point, converged = false). */
status gammagamma_fit(const gammagamma_data *d, const gammagamma_options *opt,
		      gammagamma_fit_result *out, err *e) MUST_CHECK;

/* The log-likelihood of the rows with x > 0 and m > 0 at `p` (weighted
 * sum), each row computed on its own. O(n). */
double gammagamma_loglik(const gammagamma_params *p, const gammagamma_data *d);

/* E[mean spend | x, m] = p (gamma + x m) / (p x + q - 1): the customer's
 * expected value per future purchase, a weighted average of her own mean m
 * and the population mean p gamma / (q - 1). With x = 0 it is the
 * population mean. NaN when p x + q <= 1 (the mean does not exist). O(1). */
double gammagamma_expected_spend(const gammagamma_params *p, double x, double m);

/* gammagamma_expected_spend for every row into out[0..n-1]. O(n). */
void gammagamma_expected_spend_all(const gammagamma_params *p, const gammagamma_data *d,
				   double *out);

#endif
