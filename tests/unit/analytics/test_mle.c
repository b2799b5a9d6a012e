/* test_mle.c: what analytics/mle.h gives the fits beside the minimiser:
 * the fit of positive parameters with standard errors (on a normal sample,
 * where both are known in closed form), log Gamma and digamma at values
 * known in closed form, and the +inf an objective returns where it is
 * undefined. */
#include "testutil.h"
#include "analytics/mle.h"

#include <math.h>

#define EULER_GAMMA 0.57721566490153286061

static void special_functions(void **state)
{
	(void)state;
	mle_gsl_quiet();
	/* Gamma(1) = Gamma(2) = 1, Gamma(1/2) = sqrt(pi), Gamma(5) = 24 */
	assert_true(fabs(mle_lgamma(1)) < 1e-15);
	assert_true(fabs(mle_lgamma(2)) < 1e-15);
	assert_true(fabs(mle_lgamma(0.5) - 0.5 * log(M_PI)) < 1e-15);
	assert_true(fabs(mle_lgamma(5) - log(24)) < 1e-14);
	/* log |Gamma(-1/2)| = log(2 sqrt(pi)) */
	assert_true(fabs(mle_lgamma(-0.5) - log(2 * sqrt(M_PI))) < 1e-14);
	/* psi(1) = -gamma, psi(1/2) = -gamma - 2 log 2, psi(n + 1) = psi(n) + 1/n */
	assert_true(fabs(mle_digamma(1) + EULER_GAMMA) < 1e-15);
	assert_true(fabs(mle_digamma(0.5) + EULER_GAMMA + 2 * log(2)) < 1e-14);
	assert_true(fabs(mle_digamma(4) - (-EULER_GAMMA + 1 + 0.5 + 1.0 / 3)) < 1e-14);
	/* a pole: GSL reports a domain error */
	assert_true(isnan(mle_digamma(0)));
	assert_true(isnan(mle_digamma(-2)));
}

static void finite_or_inf(void **state)
{
	double g[3] = { 1, -2, 3 };
	(void)state;

	assert_true(mle_finite_or_inf(1.5, g, 3) == 1.5);
	assert_true(g[0] == 1 && g[1] == -2 && g[2] == 3);
	assert_true(mle_finite_or_inf(-0.25, NULL, 3) == -0.25);
	/* only the first n components count */
	g[2] = NAN;
	assert_true(mle_finite_or_inf(1.5, g, 2) == 1.5);
	assert_true(isnan(g[2]));
	/* a component not finite: +inf and the whole gradient zeroed */
	assert_true(mle_finite_or_inf(1.5, g, 3) == INFINITY);
	assert_true(g[0] == 0 && g[1] == 0 && g[2] == 0);
	/* f not finite */
	g[0] = 4;
	g[1] = 5;
	g[2] = 6;
	assert_true(mle_finite_or_inf(NAN, g, 3) == INFINITY);
	assert_true(g[0] == 0 && g[1] == 0 && g[2] == 0);
	assert_true(mle_finite_or_inf(-INFINITY, NULL, 3) == INFINITY);
	g[1] = INFINITY;
	assert_true(mle_finite_or_inf(2, g, 3) == INFINITY);
	assert_true(g[1] == 0);
}

/* A sample of N values with mean 3 and (population) variance 4. */
typedef struct {
	double mean, var;
} sample;

/* Negative mean normal log-likelihood (without the constant) at
 * th = (log mu, log sigma), and its gradient in th. */
static double normal_objective(void *ctx, const double *th, double *g)
{
	const sample *s = ctx;
	double mu = exp(th[0]), sigma = exp(th[1]), d = s->mean - mu;
	double ss = s->var + d * d;

	if (g) {
		g[0] = mu * (-d / (sigma * sigma));
		g[1] = sigma * (1 / sigma - ss / (sigma * sigma * sigma));
	}
	return mle_finite_or_inf(log(sigma) + ss / (2 * sigma * sigma), g, 2);
}

static double nowhere_finite(void *ctx, const double *th, double *g)
{
	(void)ctx;
	(void)th;
	return mle_finite_or_inf(NAN, g, 2);
}

static void fit_positive(void **state)
{
	sample s = { 3, 4 };
	const double start[2] = { 1, 1 };
	double est[2], se[2];
	mle_result r;
	(void)state;

	/* MLE: mu = mean, sigma = sqrt(var); standard errors sigma / sqrt(N)
	 * and sigma / sqrt(2 N), with N = 50 */
	assert_true(mle_fit_positive(normal_objective, &s, start, 2, 0, 0, 50, est, se, &r));
	assert_true(r.converged);
	assert_true(r.grad_norm < 1e-9);
	assert_true(fabs(est[0] - 3) < 1e-8);
	assert_true(fabs(est[1] - 2) < 1e-8);
	assert_true(fabs(se[0] - 2 / sqrt(50)) < 1e-4);
	assert_true(fabs(se[1] - 2 / sqrt(100)) < 1e-4);
	assert_true(fabs(r.f - (log(2) + 0.5)) < 1e-12);
	/* max_iter and grad_tol are passed on */
	assert_true(mle_fit_positive(normal_objective, &s, start, 2, 1, 0, 50, est, se, &r));
	assert_int_equal(r.iterations, 1);
	assert_false(r.converged);
	assert_true(mle_fit_positive(normal_objective, &s, start, 2, 0, 10, 50, est, se, &r));
	assert_true(r.converged);
	assert_true(r.grad_norm >= 1e-9);

	/* not finite at the start: false, est and se untouched */
	est[0] = se[0] = -1;
	assert_false(mle_fit_positive(nowhere_finite, NULL, start, 2, 0, 0, 50, est, se, &r));
	assert_true(est[0] == -1 && se[0] == -1);
	assert_false(mle_fit_positive(normal_objective, &s, start, 0, 0, 0, 50, est, se, &r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_positive),
		cmocka_unit_test(special_functions),
		cmocka_unit_test(finite_or_inf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
