/* test_gammagamma.c: Gamma-Gamma against the published CDNOW fit (Fader,
 * Hardie and Lee 2005, "RFM and CLV"), its density, hand-computed expected
 * spend, parameter recovery on simulated customers, large x, bad input. */
#include "testutil.h"
#include "analytics/btyd_sim.h"
#include "analytics/cdnow.h"
#include "analytics/gammagamma.h"
#include "core/xalloc.h"

#include <math.h>

static void assert_rel(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s: got %.12g, want %.12g (relative tolerance %g)", what, got, want, tol);
}

static void cdnow_fit_matches_published(void **state)
{
	cdnow_customers c;
	gammagamma_fit_result f;
	err e = {0};
	(void)state;

	if (cdnow_load(test_data("cdnow/CDNOW_sample.txt"), cdnow_day(19970930), 7, &c, &e))
		fail_msg("%s", e.msg);
	/* all 2,357 customers go in; the 1,411 without repeats are skipped */
	gammagamma_data d = {.n = c.n, .x = c.x, .m = c.spend};
	assert_int_equal(gammagamma_fit(&d, NULL, &f, &e), E_OK);
	assert_true(f.converged);
	assert_true(f.customers == 946);
	assert_true(f.skipped == 0);
	assert_rel(f.p.p, 6.2493, 1e-3, "p");
	assert_rel(f.p.q, 3.7443, 1e-3, "q");
	assert_rel(f.p.gamma, 15.4443, 1e-3, "gamma");
	assert_rel(f.loglik, -4055.92, 1e-6, "log-likelihood");
	assert_rel(gammagamma_loglik(&f.p, &d), f.loglik, 1e-10, "ungrouped log-likelihood");
	/* every customer counted twice: same optimum, twice the likelihood
	 * (and the fit's weighted path against the row-by-row sum) */
	double *two = xmalloc(c.n * sizeof(double));
	for (size_t i = 0; i < c.n; i++)
		two[i] = 2;
	gammagamma_data d2 = {.n = c.n, .x = c.x, .m = c.spend, .w = two};
	gammagamma_fit_result f2;
	assert_int_equal(gammagamma_fit(&d2, NULL, &f2, &e), E_OK);
	assert_rel(f2.loglik, 2 * f.loglik, 1e-12, "doubled ll");
	assert_rel(f2.loglik, gammagamma_loglik(&f2.p, &d2), 1e-12, "weighted ll, row by row");
	assert_rel(f2.p.p, f.p.p, 1e-6, "p with weights 2");
	assert_rel(f2.se.p, f.se.p / sqrt(2), 1e-3, "se p with weights 2");
	free(two);
	/* p, q and gamma lie on a ridge (the population mean p gamma / (q - 1)
	 * is what the data pin down): large standard errors, but finite */
	assert_true(f.se.p > 0.5 && f.se.p < 3);
	assert_true(f.se.gamma > 1 && f.se.gamma < 10);
	cdnow_customers_release(&c);
}

/* The likelihood is the density of the mean of x purchases: it integrates
 * to 1 over m (trapezoid in u = log m; the integrand vanishes at both ends). */
static void loglik_is_a_density(void **state)
{
	const gammagamma_params p = {.p = 6, .q = 4, .gamma = 15};
	const double xs[] = {1, 3, 40};
	(void)state;

	for (size_t k = 0; k < ARRAY_SIZE(xs); k++) {
		double sum = 0, h = 1e-3;
		for (double u = -15; u <= 15; u += h) {
			double m = exp(u);
			gammagamma_data d = {.n = 1, .x = &xs[k], .m = &m};
			sum += exp(gammagamma_loglik(&p, &d)) * m * h;
		}
		assert_rel(sum, 1.0, 1e-6, "integral of the density");
	}
}

static void expected_spend_by_hand(void **state)
{
	const gammagamma_params p = {.p = 6, .q = 4, .gamma = 15};
	(void)state;

	/* p (gamma + x m) / (p x + q - 1) = 6 (15 + 2 * 20) / (12 + 3) = 22 */
	assert_rel(gammagamma_expected_spend(&p, 2, 20), 22, 1e-15, "x 2, m 20");
	/* no purchases: the population mean p gamma / (q - 1) = 90 / 3 = 30 */
	assert_rel(gammagamma_expected_spend(&p, 0, 0), 30, 1e-15, "x 0");
	/* many purchases: close to the customer's own mean */
	assert_rel(gammagamma_expected_spend(&p, 1000, 20), 20, 2e-3, "x 1000");
	/* p x + q <= 1: no finite mean */
	const gammagamma_params thin = {.p = 0.1, .q = 0.5, .gamma = 1};
	assert_true(isnan(gammagamma_expected_spend(&thin, 1, 5)));

	double x[] = {2, 0}, m[] = {20, 0}, out[2];
	gammagamma_data d = {.n = 2, .x = x, .m = m};
	gammagamma_expected_spend_all(&p, &d, out);
	assert_true(out[0] == gammagamma_expected_spend(&p, 2, 20) && out[1] == 30.0);
}

/*
 * Parameter recovery: 100,000 BG/NBD customers (about 39,000 repeat buyers)
 * with spend drawn from p = 6, q = 4, gamma = 15. Gamma-Gamma's ridge makes
 * the standard errors about 3-4 % of p and gamma here: each estimate must be
 * within 4 of its standard errors (chance failure ~6e-5 each) and within
 * 15 % of the truth. Then the expected spend of each customer, with the true
 * parameters, against one more simulated purchase: sums within 4 s.e.
 */
static void recovers_simulated_parameters(void **state)
{
	const bgnbd_params bg = {.r = 0.25, .alpha = 4, .a = 0.8, .b = 2.5};
	const gammagamma_params truth = {.p = 6, .q = 4, .gamma = 15};
	const size_t n = 100000;
	double *T = xmalloc(n * sizeof(double)), *x = xmalloc(n * sizeof(double));
	double *tx = xmalloc(n * sizeof(double)), *m = xmalloc(n * sizeof(double));
	double *next = xmalloc(n * sizeof(double)), *pred = xmalloc(n * sizeof(double));
	gammagamma_fit_result f;
	err e = {0};
	(void)state;

	for (size_t i = 0; i < n; i++)
		T[i] = 26 + 52 * (double)i / (double)n;
	btyd_sim_bgnbd(&bg, n, T, 0, 11, &(btyd_sim_out){.x = x, .tx = tx});
	btyd_sim_spend(&truth, n, x, 12, m, next);
	gammagamma_data d = {.n = n, .x = x, .m = m};
	assert_int_equal(gammagamma_fit(&d, NULL, &f, &e), E_OK);
	assert_true(f.customers > 30000);

	const double tv[3] = {truth.p, truth.q, truth.gamma};
	const double fv[3] = {f.p.p, f.p.q, f.p.gamma};
	const double sv[3] = {f.se.p, f.se.q, f.se.gamma};
	const char *names[3] = {"p", "q", "gamma"};
	for (int k = 0; k < 3; k++) {
		assert_true(sv[k] > 0 && sv[k] < 0.06 * tv[k]);
		if (!(fabs(fv[k] - tv[k]) <= 4 * sv[k]))
			fail_msg("%s: %.4f is more than 4 s.e. (%.4f) from %.4f", names[k], fv[k],
				 sv[k], tv[k]);
		assert_rel(fv[k], tv[k], 0.15, names[k]);
	}

	double sp = 0, sa = 0, ss = 0;
	for (size_t i = 0; i < n; i++) {
		pred[i] = gammagamma_expected_spend(&truth, x[i], m[i]);
		sp += pred[i];
		sa += next[i];
		ss += (next[i] - pred[i]) * (next[i] - pred[i]);
	}
	if (!(fabs(sp - sa) <= 4 * sqrt(ss)))
		fail_msg("expected spend %.1f, simulated %.1f (4 s.e. %.1f)", sp, sa, 4 * sqrt(ss));
	free(T);
	free(x);
	free(tx);
	free(m);
	free(next);
	free(pred);
}

static void fit_is_stable_with_x_in_thousands(void **state)
{
	const gammagamma_params truth = {.p = 3, .q = 5, .gamma = 40};
	const size_t n = 4000;
	double *x = xmalloc(n * sizeof(double)), *m = xmalloc(n * sizeof(double));
	gammagamma_fit_result f;
	err e = {0};
	(void)state;

	for (size_t i = 0; i < n; i++)
		x[i] = i % 2 ? 1 + (double)(i % 7) : 1000 + (double)(i % 5000);
	btyd_sim_spend(&truth, n, x, 5, m, NULL);
	gammagamma_data d = {.n = n, .x = x, .m = m};
	assert_int_equal(gammagamma_fit(&d, NULL, &f, &e), E_OK);
	assert_true(isfinite(f.loglik));
	assert_true(fabs(f.p.p - truth.p) < 4 * f.se.p);
	assert_true(fabs(f.p.q - truth.q) < 4 * f.se.q);
	assert_true(fabs(f.p.gamma - truth.gamma) < 4 * f.se.gamma);
	assert_true(isfinite(gammagamma_expected_spend(&f.p, 5000, m[1])));
	free(x);
	free(m);
}

static void weights_zero_spend_and_bad_input(void **state)
{
	const double x[] = {1, 3, 0, 2, 5}, m[] = {10, 20, 0, 0, 12};
	const double w[] = {2, 1, 7, 4, 3};
	const double xx[] = {1, 1, 3, 5, 5, 5}, mm[] = {10, 10, 20, 12, 12, 12};
	const gammagamma_params p = {.p = 2, .q = 3, .gamma = 10};
	gammagamma_fit_result f;
	err e = {0};
	(void)state;

	/* weights are repeated rows; x = 0 rows and free repeat orders are out */
	gammagamma_data d = {.n = 5, .x = x, .m = m, .w = w};
	gammagamma_data dd = {.n = 6, .x = xx, .m = mm};
	assert_rel(gammagamma_loglik(&p, &d), gammagamma_loglik(&p, &dd), 1e-12, "weighted ll");
	status rc = gammagamma_fit(&d, NULL, &f, &e);
	assert_true(rc == E_OK || rc == E_INVAL); /* 6 customers may not converge */
	assert_true(f.customers == 6);
	assert_true(f.skipped == 4);

	const double neg[] = {10, -1}, two[] = {1, 2};
	d = (gammagamma_data){.n = 2, .x = two, .m = neg};
	assert_int_equal(gammagamma_fit(&d, NULL, &f, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "row 1"));

	const double none[] = {0, 0};
	d = (gammagamma_data){.n = 2, .x = none, .m = neg};
	assert_int_equal(gammagamma_fit(&d, NULL, &f, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "no customer with repeat purchases"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cdnow_fit_matches_published),
		cmocka_unit_test(loglik_is_a_density),
		cmocka_unit_test(expected_spend_by_hand),
		cmocka_unit_test(recovers_simulated_parameters),
		cmocka_unit_test(fit_is_stable_with_x_in_thousands),
		cmocka_unit_test(weights_zero_spend_and_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
