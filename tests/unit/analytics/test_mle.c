/* test_mle.c: what analytics/mle.h gives the likelihoods beside the
 * minimiser: log Gamma and digamma at values known in closed form, and the
 * +inf an objective returns where it is undefined. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(special_functions),
		cmocka_unit_test(finite_or_inf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
