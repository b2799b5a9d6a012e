/* mle.c: the minimiser shared by the maximum-likelihood fits: GSL BFGS2 to
 * get close, then Newton steps on a finite-difference Hessian of the
 * analytic gradient to finish, and the Hessian for standard errors. */
#include "analytics/mle.h"

#include <math.h>
#include <pthread.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_psi.h>

/* Why Newton at the end: likelihood surfaces such as Gamma-Gamma's have
 * long flat ridges where BFGS2 zig-zags and, near the bottom, stalls because
 * the decrease it looks for is below the rounding of f; Newton needs only
 * the gradient, which stays accurate. */
#define NEWTON_STEPS 12
/* forward differences of the gradient, in log-parameters: error O(1e-5)
 * relative, ample for Newton steps and standard errors */
#define FD_STEP 1e-5

/* GSL asks for f and then, at the same point, for the gradient; the
 * objective yields both in one pass, so the adapter keeps the last pair.
 * It also counts evaluations. */
typedef struct {
	mle_objective fn;
	void *ctx;
	size_t n;
	int evals;
	bool have;
	double x[MLE_MAX_PARAMS], f, g[MLE_MAX_PARAMS];
} adapter;

static double call(adapter *ad, const double *x, double *g)
{
	ad->evals++;
	return ad->fn(ad->ctx, x, g);
}

static void eval(adapter *ad, const double *x)
{
	if (ad->have && memcmp(ad->x, x, ad->n * sizeof(double)) == 0)
		return;
	memcpy(ad->x, x, ad->n * sizeof(double));
	ad->f = call(ad, x, ad->g);
	ad->have = true;
}

double mle_finite_or_inf(double f, double *g, size_t n)
{
	bool ok = isfinite(f);

	for (size_t i = 0; g && ok && i < n; i++)
		ok = isfinite(g[i]);
	if (ok)
		return f;
	for (size_t i = 0; g && i < n; i++)
		g[i] = 0;
	return INFINITY;
}

double mle_lgamma(double v)
{
	int sign;
	return lgamma_r(v, &sign);
}

double mle_digamma(double v)
{
	gsl_sf_result res;
	if (gsl_sf_psi_e(v, &res) != GSL_SUCCESS)
		return NAN;
	return res.val;
}

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void quiet(void)
{
	gsl_set_error_handler_off();
}

void mle_gsl_quiet(void)
{
	pthread_once(&quiet_once, quiet);
}

static double gsl_f(const gsl_vector *v, void *p)
{
	adapter *ad = p;
	eval(ad, v->data);
	return ad->f;
}

static void gsl_fdf(const gsl_vector *v, void *p, double *f, gsl_vector *gr)
{
	adapter *ad = p;
	eval(ad, v->data);
	*f = ad->f;
	for (size_t i = 0; i < ad->n; i++)
		gsl_vector_set(gr, i, ad->g[i]);
}

static void gsl_df(const gsl_vector *v, void *p, gsl_vector *gr)
{
	double f;
	gsl_fdf(v, p, &f, gr);
}

static double norm(const double *g, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += g[i] * g[i];
	return sqrt(s);
}

/* The Hessian at th (where the gradient is g) by forward differences of
 * the gradient, symmetrised, into h (n x n, row-major). False if a gradient
 * was not finite. */
static bool hessian(adapter *ad, const double *th, const double *g, double *h)
{
	double t[MLE_MAX_PARAMS], gp[MLE_MAX_PARAMS];
	size_t n = ad->n;

	memcpy(t, th, n * sizeof(double));
	for (size_t j = 0; j < n; j++) {
		t[j] = th[j] + FD_STEP;
		double fp = call(ad, t, gp);
		t[j] = th[j];
		if (!isfinite(fp))
			return false;
		for (size_t i = 0; i < n; i++)
			h[i * n + j] = (gp[i] - g[i]) / FD_STEP;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			h[i * n + j] = h[j * n + i] = 0.5 * (h[i * n + j] + h[j * n + i]);
	return true;
}

/* Newton step: solves h d = -g through a Cholesky factor (h is overwritten).
 * False when h is not positive definite (not near a minimum). */
static bool newton_dir(double *h, const double *g, double *d, size_t n)
{
	gsl_matrix_view hv = gsl_matrix_view_array(h, n, n);
	gsl_vector_const_view gv = gsl_vector_const_view_array(g, n);
	gsl_vector_view dv = gsl_vector_view_array(d, n);

	if (gsl_linalg_cholesky_decomp1(&hv.matrix) != GSL_SUCCESS)
		return false;
	if (gsl_linalg_cholesky_solve(&hv.matrix, &gv.vector, &dv.vector) != GSL_SUCCESS)
		return false;
	for (size_t i = 0; i < n; i++)
		d[i] = -d[i];
	return true;
}

/* Inverts the Hessian h into cov, or false if it is not positive definite. */
static bool inverse_hessian(const double *h, size_t n, double *cov)
{
	gsl_matrix_view hv = gsl_matrix_view_array(cov, n, n);

	memcpy(cov, h, n * n * sizeof(double));
	if (gsl_linalg_cholesky_decomp1(&hv.matrix) != GSL_SUCCESS)
		return false;
	return gsl_linalg_cholesky_invert(&hv.matrix) == GSL_SUCCESS;
}

/* BFGS2 from th until the gradient norm is below `until`, it stalls, or
 * *budget iterations are spent (they are taken off the budget). */
static void run_bfgs(adapter *ad, double *th, int *budget, double until)
{
	gsl_multimin_function_fdf gf = {
		.f = gsl_f, .df = gsl_df, .fdf = gsl_fdf, .n = ad->n, .params = ad};
	gsl_vector_view start = gsl_vector_view_array(th, ad->n);
	gsl_multimin_fdfminimizer *s;
	int restarts = 0;

	s = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, ad->n);
	/* first step 0.1 in log-parameters (10 %); line-search tolerance 0.1 as
	 * the GSL manual advises for BFGS2 */
	if (gsl_multimin_fdfminimizer_set(s, &gf, &start.vector, 0.1, 0.1) == GSL_SUCCESS) {
		while (*budget > 0) {
			(*budget)--;
			int gs = gsl_multimin_fdfminimizer_iterate(s);
			if (gsl_multimin_test_gradient(s->gradient, until) == GSL_SUCCESS)
				break;
			/* no better point along the direction: forget the Hessian
			 * estimate and try again a few times */
			if (gs != GSL_SUCCESS) {
				if (++restarts > 3)
					break;
				gsl_multimin_fdfminimizer_restart(s);
			}
		}
		for (size_t i = 0; i < ad->n; i++)
			th[i] = gsl_vector_get(s->x, i);
	}
	gsl_multimin_fdfminimizer_free(s);
}

/* Newton steps from th (f, g: objective and gradient there) until the
 * gradient norm is below tol or a step fails; returns the norm. The last
 * Hessian computed goes to hf (*have_h set). */
static double run_newton(adapter *ad, double *th, double *f, double *g, double tol, int *budget,
			 double *hf, bool *have_h)
{
	double h[MLE_MAX_PARAMS * MLE_MAX_PARAMS], d[MLE_MAX_PARAMS];
	double t[MLE_MAX_PARAMS], gt[MLE_MAX_PARAMS];
	size_t n = ad->n;
	double gn = norm(g, n);

	for (int k = 0; k < NEWTON_STEPS && gn >= tol && *budget > 0; k++) {
		(*budget)--;
		if (!hessian(ad, th, g, h))
			break;
		/* kept for the covariance: a last step this close to the optimum
		 * moves th too little to change it beyond the differencing error */
		memcpy(hf, h, n * n * sizeof(double));
		*have_h = true;
		if (!newton_dir(h, g, d, n))
			break;
		/* a full step unless it would move a parameter by more than a
		 * factor e; halve while it does not lower the gradient */
		double big = 0, scale = 1;
		for (size_t i = 0; i < n; i++)
			big = fmax(big, fabs(d[i]));
		if (big > 1)
			scale = 1 / big;
		bool moved = false;
		for (int half = 0; half < 8 && !moved; half++, scale /= 2) {
			for (size_t i = 0; i < n; i++)
				t[i] = th[i] + scale * d[i];
			double ft = call(ad, t, gt), gnt = norm(gt, n);
			if (isfinite(ft) && gnt < gn && ft <= *f + 1e-12 * fabs(*f)) {
				memcpy(th, t, n * sizeof(double));
				memcpy(g, gt, n * sizeof(double));
				*f = ft;
				gn = gnt;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	return gn;
}

bool mle_minimize(mle_objective fn, void *ctx, double *th, size_t n, int max_iter, double grad_tol,
		  mle_result *out)
{
	/* BFGS hands over to Newton at these gradient norms: early is cheap
	 * when Newton takes it from there; if Newton cannot (Hessian not
	 * positive definite yet, or no progress), BFGS goes on to the next */
	static const double handover[] = {1e-1, 1e-4};
	adapter ad = {.fn = fn, .ctx = ctx, .n = n};
	double g[MLE_MAX_PARAMS] = {0}, hf[MLE_MAX_PARAMS * MLE_MAX_PARAMS];
	bool have_h = false;
	int budget = max_iter;
	double f = INFINITY, gn = INFINITY;

	mle_gsl_quiet();
	if (n == 0 || n > MLE_MAX_PARAMS || !isfinite(call(&ad, th, NULL)))
		return false;
	memset(out, 0, sizeof(*out));
	for (size_t stage = 0; stage < ARRAY_SIZE(handover) && gn >= grad_tol; stage++) {
		run_bfgs(&ad, th, &budget, fmax(grad_tol, handover[stage]));
		f = call(&ad, th, g);
		have_h = false;
		gn = run_newton(&ad, th, &f, g, grad_tol, &budget, hf, &have_h);
	}
	out->iterations = max_iter - budget;
	out->converged = gn < grad_tol;
	out->f = f;
	out->grad_norm = gn;
	if (!have_h)
		have_h = hessian(&ad, th, g, hf);
	out->cov_ok = have_h && inverse_hessian(hf, n, out->cov);
	out->evaluations = ad.evals;
	return true;
}

bool mle_fit_positive(mle_objective fn, void *ctx, const double *start, size_t n, int max_iter,
		      double grad_tol, double count, double *est, double *se, mle_result *out)
{
	double th[MLE_MAX_PARAMS];

	if (n == 0 || n > MLE_MAX_PARAMS)
		return false;
	for (size_t i = 0; i < n; i++)
		th[i] = log(start[i]);
	if (!mle_minimize(fn, ctx, th, n, max_iter > 0 ? max_iter : 400,
			  grad_tol > 0 ? grad_tol : 1e-9, out))
		return false;
	for (size_t i = 0; i < n; i++) {
		est[i] = exp(th[i]);
		/* cov is for the mean log-likelihood in log-parameters: divide by
		 * the customer count, then the delta method back to the parameter */
		se[i] = out->cov_ok ? est[i] * sqrt(out->cov[i * n + i] / count) : 0;
	}
	return true;
}
