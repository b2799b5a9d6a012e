/* test_bgnbd.c: BG/NBD against the published CDNOW results (Fader, Hardie and
 * Lee 2005), parameter recovery and prediction checks on simulated customers,
 * large x, weights, input errors; and the CDNOW summary loader. */
#include "testutil.h"
#include "analytics/bgnbd.h"
#include "analytics/btyd_sim.h"
#include "analytics/cdnow.h"
#include "core/xalloc.h"

#include <math.h>

static void assert_rel(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s: got %.12g, want %.12g (relative tolerance %g)", what, got, want, tol);
}

/* FHL 2005, section 5: the CDNOW sample, calibration to 1997-09-30, weeks */
static const bgnbd_params published = {.r = 0.2426, .alpha = 4.4137, .a = 0.7930, .b = 2.4262};

static void load_sample(cdnow_customers *c)
{
	err e = {0};
	if (cdnow_load(test_data("cdnow/CDNOW_sample.txt"), cdnow_day(19970930), 7, c, &e))
		fail_msg("%s", e.msg);
}

static void cdnow_summary_matches_source(void **state)
{
	cdnow_customers c;
	double sx = 0;
	int repeaters = 0;
	(void)state;

	load_sample(&c);
	/* counts stated in data/cdnow/SOURCE.txt for lifetimes' summary file */
	assert_int_equal(c.n, 2357);
	for (size_t i = 0; i < c.n; i++) {
		sx += c.x[i];
		repeaters += c.x[i] > 0;
		assert_true(c.tx[i] >= 0 && c.tx[i] <= c.T[i]);
	}
	assert_true(sx == 2457);
	assert_int_equal(repeaters, 946);
	/* customer 1 (master id 4): first purchase 1997-01-01, repeats on 01-18
	 * and 08-02 (12-12 is after calibration): x 2, t_x 213 days, T 272 days,
	 * mean repeat spend (29.73 + 14.96) / 2 */
	assert_int_equal(c.id[0], 4);
	assert_true(c.x[0] == 2);
	assert_rel(c.tx[0], 213.0 / 7, 1e-12, "t_x");
	assert_rel(c.T[0], 272.0 / 7, 1e-12, "T");
	assert_rel(c.spend[0], (29.73 + 14.96) / 2, 1e-12, "spend");
	assert_true(c.x_hold[0] == 1);
	cdnow_customers_release(&c);
}

static void cdnow_merges_same_day_purchases(void **state)
{
	/* customer 7: two orders on the first day, two on one later day, one
	 * after the calibration end; customer 9 starts after it and is left out */
	const char *path = test_write_file("log.txt", "00007 0001 19970101 1 10.00\n"
						      "00007 0001 19970101 1 5.00\r\n"
						      "00007 0001 19970115 2 20.00\n"
						      "00007 0001 19970115 1 1.50\n"
						      "\n"
						      "00007 0001 19970301 1 7.00\n"
						      "00009 0002 19970301 1 7.00\n");
	cdnow_customers c;
	err e = {0};
	(void)state;

	assert_int_equal(cdnow_load(path, cdnow_day(19970131), 7, &c, &e), E_OK);
	assert_int_equal(c.n, 1);
	assert_true(c.x[0] == 1);
	assert_rel(c.tx[0], 2.0, 1e-12, "t_x");
	assert_rel(c.T[0], 30.0 / 7, 1e-12, "T");
	assert_rel(c.spend[0], 21.5, 1e-12, "spend");
	assert_true(c.x_hold[0] == 1);
	cdnow_customers_release(&c);

	path = test_write_file("bad.txt", "00007 0001 19970101 1 10.00\n00007 0001 19970231 1 1\n");
	assert_int_equal(cdnow_load(path, cdnow_day(19970131), 7, &c, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "line 2"));
	assert_int_equal(cdnow_day(19700101), 0);
	assert_int_equal(cdnow_day(20000301) - cdnow_day(20000228), 2); /* 2000 is leap */
	assert_int_equal(cdnow_day(19000301) - cdnow_day(19000228), 1); /* 1900 is not */
}

static void cdnow_fit_matches_published(void **state)
{
	cdnow_customers c;
	bgnbd_fit_result f;
	err e = {0};
	(void)state;

	load_sample(&c);
	bgnbd_data d = {.n = c.n, .x = c.x, .tx = c.tx, .T = c.T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_OK);
	assert_true(f.converged);
	assert_rel(f.p.r, published.r, 1e-3, "r");
	assert_rel(f.p.alpha, published.alpha, 1e-3, "alpha");
	assert_rel(f.p.a, published.a, 1e-3, "a");
	assert_rel(f.p.b, published.b, 1e-3, "b");
	assert_rel(f.loglik, -9582.43, 1e-6, "log-likelihood");
	assert_true(f.customers == 2357);
	/* the reported likelihood is the ungrouped one */
	assert_rel(bgnbd_loglik(&f.p, &d), f.loglik, 1e-10, "ungrouped log-likelihood");
	/* the published fit has standard errors of about 0.0126, 0.378, 0.186,
	 * 0.705 (lifetimes prints these for this data) */
	assert_rel(f.se.r, 0.0126, 0.02, "se r");
	assert_rel(f.se.alpha, 0.378, 0.02, "se alpha");
	assert_rel(f.se.a, 0.186, 0.02, "se a");
	assert_rel(f.se.b, 0.705, 0.02, "se b");

	/* the same customers given as distinct rows with weights (the fit's
	 * objective then takes its weighted path) */
	double *w = xcalloc(c.n, sizeof(double));
	double *ux = xmalloc(c.n * sizeof(double)), *utx = xmalloc(c.n * sizeof(double));
	double *uT = xmalloc(c.n * sizeof(double));
	size_t u = 0;
	for (size_t i = 0; i < c.n; i++) {
		size_t j = 0;
		while (j < u && !(ux[j] == c.x[i] && utx[j] == c.tx[i] && uT[j] == c.T[i]))
			j++;
		if (j == u) {
			ux[u] = c.x[i];
			utx[u] = c.tx[i];
			uT[u++] = c.T[i];
		}
		w[j]++;
	}
	assert_true(u < c.n);
	bgnbd_data dw = {.n = u, .x = ux, .tx = utx, .T = uT, .w = w};
	bgnbd_fit_result fw;
	assert_int_equal(bgnbd_fit(&dw, NULL, &fw, &e), E_OK);
	assert_true(fw.customers == 2357);
	assert_rel(fw.loglik, f.loglik, 1e-12, "weighted ll");
	assert_rel(fw.loglik, bgnbd_loglik(&fw.p, &dw), 1e-12, "weighted ll, row by row");
	assert_rel(fw.p.r, f.p.r, 1e-7, "weighted r");
	assert_rel(fw.p.b, f.p.b, 1e-7, "weighted b");
	free(w);
	free(ux);
	free(utx);
	free(uT);

	/* any other start reaches the same optimum */
	bgnbd_options o = {.start = {.r = 3, .alpha = 0.5, .a = 5, .b = 0.2}};
	bgnbd_fit_result f2;
	assert_int_equal(bgnbd_fit(&d, &o, &f2, &e), E_OK);
	assert_rel(f2.p.b, f.p.b, 1e-5, "b from another start");
	cdnow_customers_release(&c);
}

static void published_predictions(void **state)
{
	static const struct {
		double t, want;
	} ex[] = {{1, 0.0532}, {3, 0.1506}, {32, 1.0437}, {78, 1.8576}};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(ex); i++)
		assert_rel(bgnbd_expected_unconditional(&published, ex[i].t), ex[i].want, 1e-3,
			   "E[X(t)]");
	/* FHL 2005's example customer: 26 repeats, the last at 30.857 weeks,
	 * observed for 31 weeks */
	assert_rel(bgnbd_p_alive(&published, 26, 30.857, 31), 0.96885, 1e-4, "P(alive)");
	assert_rel(bgnbd_expected_conditional(&published, 26, 30.857, 31, 52), 25.757, 1e-3,
		   "E[Y(52) | 26, 30.857, 31]");
	/* with no history the conditional is the unconditional expectation */
	assert_rel(bgnbd_expected_conditional(&published, 0, 0, 0, 39),
		   bgnbd_expected_unconditional(&published, 39), 1e-12, "E[Y | nothing]");
	assert_true(bgnbd_expected_unconditional(&published, 0) == 0);
	/* expectations grow with the horizon */
	double prev = 0;
	for (double t = 1; t < 1000; t *= 1.7) {
		double v = bgnbd_expected_conditional(&published, 3, 20, 39, t);
		assert_true(v > prev);
		prev = v;
	}
}

static void p_alive_is_one_without_repeats(void **state)
{
	(void)state;
	for (double T = 0; T < 100; T += 7.5)
		assert_true(bgnbd_p_alive(&published, 0, 0, T) == 1.0);
	assert_true(bgnbd_p_alive(&published, 1, 1, 100) < 1.0);
	/* a buyer seen recently is more likely alive than one gone quiet */
	assert_true(bgnbd_p_alive(&published, 5, 38, 39) > bgnbd_p_alive(&published, 5, 10, 39));
}

static void a_near_one_is_continuous(void **state)
{
	/* the expectation has (a - 1) in a denominator; at a = 1 it is taken
	 * as the limit, which must sit between its neighbours */
	bgnbd_params p = published;
	(void)state;

	double v[5];
	const double as[5] = {0.999, 0.99995, 1.0, 1.00005, 1.001};
	for (int i = 0; i < 5; i++) {
		p.a = as[i];
		v[i] = bgnbd_expected_conditional(&p, 2, 20, 39, 52);
		assert_true(isfinite(v[i]));
	}
	for (int i = 1; i < 5; i++)
		assert_true(v[i] < v[i - 1]); /* more drop-out with larger a */
	assert_rel(v[2], 0.5 * (v[0] + v[4]), 1e-5, "E at a = 1");
}

/* Draws n customers observed between Tlo and Thi. Caller frees cols. */
typedef struct {
	size_t n;
	double *T, *x, *tx, *alive, *future;
} sim;

static void sim_draw(sim *s, const bgnbd_params *p, size_t n, double Tlo, double Thi,
		     double horizon, uint64_t seed)
{
	s->n = n;
	s->T = xmalloc(n * sizeof(double));
	s->x = xmalloc(n * sizeof(double));
	s->tx = xmalloc(n * sizeof(double));
	s->alive = xmalloc(n * sizeof(double));
	s->future = xmalloc(n * sizeof(double));
	for (size_t i = 0; i < n; i++)
		s->T[i] = Tlo + (Thi - Tlo) * (double)i / (double)n;
	btyd_sim_out o = {.x = s->x, .tx = s->tx, .alive = s->alive, .future = s->future};
	btyd_sim_bgnbd(p, n, s->T, horizon, seed, &o);
}

static void sim_free(sim *s)
{
	free(s->T);
	free(s->x);
	free(s->tx);
	free(s->alive);
	free(s->future);
}

/* Sum of the model's prediction against the simulated outcome: they must
 * agree within 4 standard errors of the sum (estimated from the squared
 * residuals), a bound a correct model breaks with probability ~6e-5. */
static void assert_sum_matches(const double *pred, const double *actual, size_t n, const char *what)
{
	double sp = 0, sa = 0, ss = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(isfinite(pred[i]));
		sp += pred[i];
		sa += actual[i];
		ss += (actual[i] - pred[i]) * (actual[i] - pred[i]);
	}
	if (!(fabs(sp - sa) <= 4 * sqrt(ss)))
		fail_msg("%s: predicted %.1f, simulated %.1f (4 s.e. = %.1f)", what, sp, sa,
			 4 * sqrt(ss));
}

/*
 * Parameter recovery. 100,000 customers from CDNOW-like parameters, observed
 * 26 to 78 weeks. With this design the asymptotic standard errors are about
 * 0.7 % (r), 1.1 % (alpha), 2.5 % (a) and 3.3 % (b) of the true values, so
 * the test demands both: each estimate within 4 of its own standard errors
 * of the truth (fails by chance with probability ~6e-5 per parameter; the
 * seed is fixed anyway) and within 5 % (r, alpha) or 12 % (a, b) of it.
 */
static void recovers_simulated_parameters(void **state)
{
	const bgnbd_params truth = {.r = 0.25, .alpha = 4, .a = 0.8, .b = 2.5};
	const double *tp[4] = {&truth.r, &truth.alpha, &truth.a, &truth.b};
	const double cap[4] = {0.05, 0.05, 0.12, 0.12};
	const char *names[4] = {"r", "alpha", "a", "b"};
	sim s;
	bgnbd_fit_result f;
	err e = {0};
	(void)state;

	sim_draw(&s, &truth, 100000, 26, 78, 52, 20240601);
	bgnbd_data d = {.n = s.n, .x = s.x, .tx = s.tx, .T = s.T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_OK);
	const double *fp[4] = {&f.p.r, &f.p.alpha, &f.p.a, &f.p.b};
	const double *se[4] = {&f.se.r, &f.se.alpha, &f.se.a, &f.se.b};
	for (int k = 0; k < 4; k++) {
		assert_true(*se[k] > 0 && *se[k] < 0.05 * *tp[k]);
		if (!(fabs(*fp[k] - *tp[k]) <= 4 * *se[k]))
			fail_msg("%s: %.4f is more than 4 s.e. (%.4f) from %.4f", names[k], *fp[k],
				 *se[k], *tp[k]);
		assert_rel(*fp[k], *tp[k], cap[k], names[k]);
	}

	/* the predictions, with the true parameters, against what happened:
	 * alive at T, and purchases in the 52 weeks after T */
	double *pred = xmalloc(s.n * sizeof(double));
	bgnbd_p_alive_all(&truth, &d, pred);
	assert_sum_matches(pred, s.alive, s.n, "customers alive");
	assert_int_equal(bgnbd_expected_all(&truth, &d, 52, pred, &e), E_OK);
	assert_sum_matches(pred, s.future, s.n, "purchases in the hold-out");
	free(pred);
	sim_free(&s);
}

/* New customers (T = 0): future purchases are X(t), whose mean is
 * E[X(t)]; a = 20 takes 2F1 outside GSL's range, onto our own series. */
static void unconditional_matches_simulation(void **state)
{
	const bgnbd_params ps[] = {{.r = 0.25, .alpha = 4, .a = 0.8, .b = 2.5},
				   {.r = 0.5, .alpha = 4, .a = 20, .b = 60},
				   {.r = 2, .alpha = 1, .a = 1.5, .b = 0.7}};
	(void)state;

	for (size_t k = 0; k < ARRAY_SIZE(ps); k++) {
		sim s;
		sim_draw(&s, &ps[k], 50000, 0, 0, 52, 7 + k);
		double *pred = xmalloc(s.n * sizeof(double));
		double e52 = bgnbd_expected_unconditional(&ps[k], 52);
		for (size_t i = 0; i < s.n; i++)
			pred[i] = e52;
		assert_sum_matches(pred, s.future, s.n, "E[X(52)]");
		free(pred);
		sim_free(&s);
	}
}

/* Heavy buyers: about 50 purchases a week for a year, x up to ~7000. The
 * fit must stay finite and still find the truth (here a and b are poorly
 * identified: drop-out after ~1500 purchases is rarely seen in a year, so
 * only r and alpha are held to a few percent). */
static void fit_is_stable_with_x_in_thousands(void **state)
{
	const bgnbd_params truth = {.r = 5, .alpha = 0.1, .a = 2, .b = 3000};
	sim s;
	bgnbd_fit_result f;
	err e = {0};
	double maxx = 0;
	(void)state;

	sim_draw(&s, &truth, 3000, 40, 60, 52, 99);
	for (size_t i = 0; i < s.n; i++)
		maxx = fmax(maxx, s.x[i]);
	assert_true(maxx > 5000);
	bgnbd_data d = {.n = s.n, .x = s.x, .tx = s.tx, .T = s.T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_OK);
	assert_true(isfinite(f.loglik) && isfinite(bgnbd_loglik(&f.p, &d)));
	assert_rel(f.p.r, truth.r, 0.05, "r");
	assert_rel(f.p.alpha, truth.alpha, 0.05, "alpha");
	assert_true(fabs(f.p.a - truth.a) < 4 * f.se.a);
	assert_true(fabs(f.p.b - truth.b) < 4 * f.se.b);

	double *pred = xmalloc(s.n * sizeof(double));
	bgnbd_p_alive_all(&f.p, &d, pred);
	for (size_t i = 0; i < s.n; i++)
		assert_true(pred[i] >= 0 && pred[i] <= 1);
	assert_int_equal(bgnbd_expected_all(&f.p, &d, 52, pred, &e), E_OK);
	assert_sum_matches(pred, s.future, s.n, "heavy buyers' hold-out purchases");
	/* a single extreme row: 10^4 purchases, none lately */
	double v = bgnbd_expected_conditional(&f.p, 10000, 30, 60, 52);
	assert_true(isfinite(v) && v >= 0);
	assert_true(bgnbd_p_alive(&f.p, 10000, 30, 60) < 1e-6);
	free(pred);
	sim_free(&s);
}

static void weights_equal_repeated_rows(void **state)
{
	/* 3 distinct customers given as weights, and the same 6 rows spelt out */
	const double x[] = {0, 2, 5}, tx[] = {0, 10, 30}, T[] = {39, 35, 38};
	const double w[] = {3, 2, 1};
	const double xx[] = {0, 2, 0, 5, 0, 2}, ttx[] = {0, 10, 0, 30, 0, 10};
	const double TT[] = {39, 35, 39, 38, 39, 35};
	bgnbd_fit_result f1, f2;
	err e = {0};
	(void)state;

	bgnbd_data d1 = {.n = 3, .x = x, .tx = tx, .T = T, .w = w};
	bgnbd_data d2 = {.n = 6, .x = xx, .tx = ttx, .T = TT};
	assert_rel(bgnbd_loglik(&published, &d1), bgnbd_loglik(&published, &d2), 1e-12, "ll");
	status r1 = bgnbd_fit(&d1, NULL, &f1, &e);
	status r2 = bgnbd_fit(&d2, NULL, &f2, &e);
	/* 6 customers barely identify 4 parameters: both fits must at least
	 * agree, converged or not */
	assert_int_equal(r1, r2);
	assert_true(f1.customers == 6 && f2.customers == 6);
	assert_int_equal(f2.groups, 3);
	assert_rel(f1.loglik, f2.loglik, 1e-9, "fitted ll");
}

static void rejects_bad_input(void **state)
{
	const double x[] = {1, 2}, tx[] = {5, 50}, T[] = {10, 40};
	const double zero[] = {0, 0}, neg[] = {1, -1};
	bgnbd_fit_result f;
	err e = {0};
	(void)state;

	bgnbd_data d = {.n = 2, .x = x, .tx = tx, .T = T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "row 1"));
	assert_non_null(strstr(e.msg, "t_x"));

	d = (bgnbd_data){.n = 2, .x = neg, .tx = zero, .T = T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "x (-1)"));
	const double half[] = {0.5, 2};
	d = (bgnbd_data){.n = 2, .x = half, .tx = zero, .T = T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "row 0"));

	d = (bgnbd_data){.n = 2, .x = zero, .tx = zero, .T = T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "no customer made a repeat purchase"));

	d = (bgnbd_data){.n = 0, .x = zero, .tx = zero, .T = T};
	assert_int_equal(bgnbd_fit(&d, NULL, &f, &e), E_INVAL);

	/* an iteration cap too small to converge is reported, with the point */
	cdnow_customers c;
	load_sample(&c);
	d = (bgnbd_data){.n = c.n, .x = c.x, .tx = c.tx, .T = c.T};
	bgnbd_options o = {.max_iter = 2};
	assert_int_equal(bgnbd_fit(&d, &o, &f, &e), E_INVAL);
	assert_false(f.converged);
	assert_non_null(strstr(e.msg, "did not converge"));
	assert_true(f.p.r > 0 && isfinite(f.loglik));
	cdnow_customers_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cdnow_summary_matches_source),
		cmocka_unit_test(cdnow_merges_same_day_purchases),
		cmocka_unit_test(cdnow_fit_matches_published),
		cmocka_unit_test(published_predictions),
		cmocka_unit_test(p_alive_is_one_without_repeats),
		cmocka_unit_test(a_near_one_is_continuous),
		cmocka_unit_test(recovers_simulated_parameters),
		cmocka_unit_test(unconditional_matches_simulation),
		cmocka_unit_test(fit_is_stable_with_x_in_thousands),
		cmocka_unit_test(weights_equal_repeated_rows),
		cmocka_unit_test(rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
