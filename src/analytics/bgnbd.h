/* bgnbd.h: the BG/NBD model of repeat buying (Fader, Hardie and Lee 2005,
 * "Counting your customers the easy way"): maximum-likelihood fit, P(alive),
 * expected purchases in a horizon.
 *
 * The model. While alive, a customer buys as a Poisson process with rate
 * lambda ~ Gamma(shape r, rate alpha); after each repeat purchase she drops
 * out for good with probability p ~ Beta(a, b). Per customer the data are
 * x   = repeat purchases in the calibration window (the first purchase is
 *       not counted; it starts the clock),
 * t_x = time of the last repeat purchase, measured from the first purchase
 *       (0 when x = 0),
 * T   = time from the first purchase to the end of the calibration window,
 * all times in one unit of your choice ("periods": weeks for CDNOW). alpha is
 * in that unit: change the unit and alpha scales with it.
 *
 * Numerics: the likelihood is summed in log space (lgamma, log-sum-exp of its
 * two terms), so x in the thousands neither overflows nor loses precision.
 * The fit minimises the negative mean log-likelihood over the log-parameters
 * with GSL's BFGS2 and an analytic gradient. Expectations need the Gauss
 * hypergeometric function 2F1; it is always evaluated after Euler's
 * transformation, whose parameters stay small whatever x is (bgnbd.c).
 *
 * Every function here is pure and thread-safe: no globals are written (GSL's
 * error handler is switched off once, process-wide, under pthread_once). */
#ifndef ECRM_ANALYTICS_BGNBD_H
#define ECRM_ANALYTICS_BGNBD_H

#include "core/err.h"

typedef struct {
	double r;     /* shape of the purchase-rate gamma (> 0) */
	double alpha; /* rate of the purchase-rate gamma, in time units (> 0) */
	double a;     /* beta drop-out parameters (> 0) */
	double b;
} bgnbd_params;

/* Per-customer input columns, all of length n. Borrowed; never written. */
typedef struct {
	size_t n;
	const double *x;  /* repeat purchases: 0, or >= 1 (need not be integral) */
	const double *tx; /* time of the last repeat purchase, 0 <= tx <= T */
	const double *T;  /* age at the end of calibration, >= 0 */
	const double *w;  /* weight of each row (number of identical customers,
			   * >= 0), or NULL for 1 each */
} bgnbd_data;

typedef struct {
	bgnbd_params start; /* all 0: a start derived from the data */
	int max_iter;	    /* 0: 400 */
	double grad_tol;    /* norm of the gradient of the mean log-likelihood
			     * with respect to the log-parameters; 0: 1e-9 */
} bgnbd_options;

typedef struct {
	bgnbd_params p;
	double loglik;	  /* sum over customers (weighted) at p */
	double customers; /* sum of the weights */
	size_t groups;	  /* distinct (x, tx, T) rows the likelihood ran over */
	int iterations;	  /* BFGS iterations and Newton steps used */
	int evaluations;  /* likelihood evaluations (each with its gradient) */
	bool converged;	  /* the gradient test was met */
	double grad_norm; /* final gradient norm (see grad_tol) */
	bgnbd_params se;  /* asymptotic standard errors from the observed
			   * information (weights taken as customer counts);
			   * all 0 when the Hessian is not positive definite */
} bgnbd_fit_result;

/* Fits r, alpha, a, b by maximum likelihood. `opt` may be NULL (defaults).
 * Rows with the same (x, tx, T) are merged first, so cost is O(n log n) once
 * plus, per likelihood evaluation, O(rows + distinct x + distinct times).
 * Allocates its work arrays once per call. On E_INVAL the message names the
 * offending row, or says the fit did not converge; in that case `out` still
 * holds the last point with converged = false. */
status bgnbd_fit(const bgnbd_data *d, const bgnbd_options *opt, bgnbd_fit_result *out,
		 err *e) MUST_CHECK;

/* The log-likelihood of `d` at `p` (weighted sum; each row computed on its
 * own, O(n)); -inf or NaN only when p is outside the parameter space. */
double bgnbd_loglik(const bgnbd_params *p, const bgnbd_data *d);

/* P(alive at T | x, tx, T): 1 when x = 0. O(1). */
double bgnbd_p_alive(const bgnbd_params *p, double x, double tx, double T);

/* E[Y(t) | x, tx, T]: expected purchases in the next `t` time units of a
 * customer with history (x, tx, T) (FHL 2005, eq. 10). NaN when 2F1
 * cannot be evaluated: GSL failed and the plain series did not settle in
 * 10^6 terms (t ~1e5 times alpha + T or more; see bgnbd.c). O(1) to
 * O(terms of 2F1). */
double bgnbd_expected_conditional(const bgnbd_params *p, double x, double tx, double T, double t);

/* E[Y(t) | alive at T, x, T]: the same for a customer known to be alive;
 * it does not depend on tx, and E[Y(t) | x, tx, T] is this times P(alive).
 * NaN as above. */
double bgnbd_expected_if_alive(const bgnbd_params *p, double x, double T, double t);

/* E[X(t)]: expected repeat purchases of a new customer in her first `t`
 * time units (FHL 2005, eq. 9). NaN as above. */
double bgnbd_expected_unconditional(const bgnbd_params *p, double t);

/* P(alive) for every row of `d` into out[0..n-1]. O(n). */
void bgnbd_p_alive_all(const bgnbd_params *p, const bgnbd_data *d, double *out);

/* E[Y(t) | row] for every row of `d` into out[0..n-1]. O(n) 2F1 evaluations.
 * E_INVAL (naming the first row) when one could not be computed; the other
 * rows are still filled. */
status bgnbd_expected_all(const bgnbd_params *p, const bgnbd_data *d, double t, double *out,
			  err *e) MUST_CHECK;

#endif
