/* mle.h: the minimiser the maximum-likelihood fits share: GSL's BFGS2 over
 * an unconstrained vector (the fits pass log-parameters), with an analytic
 * gradient, a gradient-norm stop and restarts when the line search stalls;
 * and the special functions their likelihoods are written in. */
#ifndef ECRM_ANALYTICS_MLE_H
#define ECRM_ANALYTICS_MLE_H

#include "core/common.h"

/* Returns the objective at th[0..n-1] and, when g is not NULL, writes its
 * gradient to g. Must return +inf (and a zero gradient) rather than NaN
 * where it is undefined, so the line search backs off. */
typedef double (*mle_objective)(void *ctx, const double *th, double *g);

/* What an objective returns at the end: f, or +inf (and g[0..n-1] zeroed)
 * when f or, if g is not NULL, a component of g is not finite. */
double mle_finite_or_inf(double f, double *g, size_t n);

#define MLE_MAX_PARAMS 8

typedef struct {
	int iterations;				     /* BFGS iterations plus Newton steps */
	int evaluations;			     /* calls of the objective */
	bool converged;				     /* gradient norm fell below the tolerance */
	double f;				     /* objective at th */
	double grad_norm;			     /* Euclidean norm of the gradient at th */
	bool cov_ok;				     /* the Hessian at th is positive definite */
	double cov[MLE_MAX_PARAMS * MLE_MAX_PARAMS]; /* its inverse, n x n
						      * row-major, if cov_ok */
} mle_result;

/* Minimises `fn` from th[0..n-1] (n <= MLE_MAX_PARAMS), leaving the best
 * point in th: BFGS2 until the gradient norm is small, then Newton steps on
 * a finite-difference Hessian of the gradient until it is below grad_tol
 * (back to BFGS for a while if Newton cannot yet); at most max_iter
 * iterations and steps in all. Also returns the inverse Hessian at the end
 * point (for standard errors). Returns false only when fn is not finite at
 * the start. Thread-safe; allocates a few small GSL objects. */
bool mle_minimize(mle_objective fn, void *ctx, double *th, size_t n, int max_iter, double grad_tol,
		  mle_result *out) MUST_CHECK;

/* A maximum-likelihood fit of n positive parameters, as the BG/NBD and
 * Gamma-Gamma fits run it: `fn` is the negative mean log-likelihood of
 * `count` (weighted) customers as a function of the log-parameters.
 * Minimises it from log(start[0..n-1]) with at most max_iter iterations
 * (<= 0: 400) to a gradient norm below grad_tol (<= 0: 1e-9). Writes the
 * estimates to est[0..n-1] and their asymptotic standard errors to
 * se[0..n-1] (the delta method on the observed information of `count`
 * customers; zeros when the Hessian is not positive definite); `*out` as
 * from mle_minimize. False, with est and se not written, when fn is not
 * finite at the start. */
bool mle_fit_positive(mle_objective fn, void *ctx, const double *start, size_t n, int max_iter,
		      double grad_tol, double count, double *est, double *se,
		      mle_result *out) MUST_CHECK;

/* log |Gamma(v)|, without writing the global `signgam` as lgamma() does
 * (so thread-safe). */
double mle_lgamma(double v);
/* The digamma function psi(v) = d/dv log Gamma(v) (GSL); NaN where GSL
 * reports an error (once mle_gsl_quiet has run, as mle_minimize does:
 * before that GSL's handler aborts). */
double mle_digamma(double v);

/* Turns off GSL's abort-on-error handler, once per process (pthread_once):
 * every GSL call in the analytics then reports errors by status. */
void mle_gsl_quiet(void);

#endif
