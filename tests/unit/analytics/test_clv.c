/* test_clv.c: CLV as discounted expected margin: a case worked by hand, the
 * undiscounted sum telescoping to E[Y(horizon)], step lengths, bad input. */
#include "testutil.h"
#include "analytics/cdnow.h"
#include "analytics/clv.h"
#include "analytics/gammagamma.h"

#include <math.h>

static void assert_rel(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s: got %.10g, want %.10g (relative tolerance %g)", what, got, want, tol);
}

/*
 * By hand. Take r = 2, alpha = 1, a = 2, b = 1: then a + b - 1 - r = 0, so
 * the hypergeometric factor is 1, and with a - 1 = 1
 *   E[Y(t) | x, t_x, T] = (a + b + x - 1) * z * P(alive),  z = t / (alpha + T + t).
 * Customer A: x = 0, T = 0: P(alive) = 1, E(t) = 2 t / (1 + t):
 *   E(1) = 1, E(2) = 4/3; purchases in period 1: 1, in period 2: 1/3.
 * Customer B: x = 1, t_x = 1, T = 1:
 *   P(alive) = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))
 *            = 1 / (1 + 2 * 1) = 1/3,
 *   E(t) = 3 * t / (2 + t) / 3 = t / (2 + t): E(1) = 1/3, E(2) = 1/2;
 *   per period: 1/3, 1/6.
 * Spend 10, margin 0.5, one time unit = one year (365.25 days) and 10 % a
 * year, so d = 0.1 per period; horizon 2 periods:
 *   CLV_A = 0.5 * 10 * (1 / 1.1 + (1/3) / 1.21) = 5 * 1.18457300... = 5.92286501...
 *   CLV_B = 0.5 * 10 * ((1/3) / 1.1 + (1/6) / 1.21) = 5 * 0.44077135... = 2.20385675...
 */
static void hand_computed_case(void **state)
{
	const bgnbd_params p = {.r = 2, .alpha = 1, .a = 2, .b = 1};
	const double x[] = {0, 1}, tx[] = {0, 1}, T[] = {0, 1}, spend[] = {10, 10};
	const clv_params cp = {.margin = 0.5,
			       .annual_discount = 0.1,
			       .unit_days = 365.25,
			       .step = 1,
			       .horizon = 2};
	bgnbd_data d = {.n = 2, .x = x, .tx = tx, .T = T};
	double out[2];
	err e = {0};
	(void)state;

	assert_rel(bgnbd_expected_conditional(&p, 0, 0, 0, 1), 1.0, 1e-12, "E_A(1)");
	assert_rel(bgnbd_expected_conditional(&p, 0, 0, 0, 2), 4.0 / 3, 1e-12, "E_A(2)");
	assert_rel(bgnbd_p_alive(&p, 1, 1, 1), 1.0 / 3, 1e-12, "P(alive) B");
	assert_rel(bgnbd_expected_conditional(&p, 1, 1, 1, 1), 1.0 / 3, 1e-12, "E_B(1)");
	assert_rel(bgnbd_expected_conditional(&p, 1, 1, 1, 2), 0.5, 1e-12, "E_B(2)");
	assert_rel(clv_period_rate(&cp), 0.1, 1e-12, "d");

	assert_int_equal(clv_bgnbd(&p, &d, spend, &cp, out, &e), E_OK);
	assert_rel(out[0], 5 * (1 / 1.1 + (1.0 / 3) / 1.21), 1e-12, "CLV A");
	assert_rel(out[0], 5.922865014, 1e-9, "CLV A by hand");
	assert_rel(out[1], 5 * ((1.0 / 3) / 1.1 + (1.0 / 6) / 1.21), 1e-12, "CLV B");
	assert_rel(out[1], 2.203856749, 1e-9, "CLV B by hand");
}

static void period_rate_from_annual(void **state)
{
	(void)state;
	/* weekly periods at 10 % a year: 1.1^(7 / 365.25) - 1 */
	clv_params cp = {
		.margin = 1, .annual_discount = 0.1, .unit_days = 7, .step = 1, .horizon = 1};
	assert_rel(clv_period_rate(&cp), 0.00182828463, 1e-8, "weekly");
	/* 52.18 weeks compound back to the annual rate */
	cp.step = 365.25 / 7;
	assert_rel(clv_period_rate(&cp), 0.1, 1e-12, "a year of weeks");
	cp.annual_discount = 0;
	assert_true(clv_period_rate(&cp) == 0);
}

/* Without discounting the differences telescope: CLV = margin * spend *
 * E[Y(horizon * step)], whatever the step. On the CDNOW sample, with FHL's
 * published parameters. */
static void undiscounted_clv_telescopes(void **state)
{
	const bgnbd_params p = {.r = 0.2426, .alpha = 4.4137, .a = 0.7930, .b = 2.4262};
	const gammagamma_params gp = {.p = 6.2493, .q = 3.7443, .gamma = 15.4443};
	cdnow_customers c;
	err e = {0};
	(void)state;

	if (cdnow_load(test_data("cdnow/CDNOW_sample.txt"), cdnow_day(19970930), 7, &c, &e))
		fail_msg("%s", e.msg);
	size_t n = 200; /* the first 200 customers keep the test quick */
	double spend[200], weekly[200], monthly[200], disc[200];
	bgnbd_data d = {.n = n, .x = c.x, .tx = c.tx, .T = c.T};
	for (size_t i = 0; i < n; i++)
		spend[i] = gammagamma_expected_spend(&gp, c.x[i], c.spend[i]);

	clv_params cp = {
		.margin = 0.3, .annual_discount = 0, .unit_days = 7, .step = 1, .horizon = 52};
	assert_int_equal(clv_bgnbd(&p, &d, spend, &cp, weekly, &e), E_OK);
	cp.step = 4;
	cp.horizon = 13;
	assert_int_equal(clv_bgnbd(&p, &d, spend, &cp, monthly, &e), E_OK);
	cp.annual_discount = 0.15;
	assert_int_equal(clv_bgnbd(&p, &d, spend, &cp, disc, &e), E_OK);
	for (size_t i = 0; i < n; i++) {
		double want = 0.3 * spend[i] *
			      bgnbd_expected_conditional(&p, c.x[i], c.tx[i], c.T[i], 52);
		assert_rel(weekly[i], want, 1e-9, "weekly, undiscounted");
		assert_rel(monthly[i], want, 1e-9, "4-weekly, undiscounted");
		/* discounting lowers it, by less than a year's worth of 15 % */
		assert_true(disc[i] < want && disc[i] > want / 1.15);
	}
	cdnow_customers_release(&c);
}

/* Rows that repeat the previous row's (x, T) reuse its discounted purchases
 * (P(alive) still comes from each row's own t_x): the result must be what
 * each row gives alone. */
static void shared_rows_give_row_by_row_results(void **state)
{
	const bgnbd_params p = {.r = 0.2426, .alpha = 4.4137, .a = 0.7930, .b = 2.4262};
	const double x[] = {2, 2, 2, 0, 2}, tx[] = {30, 5, 5, 0, 30};
	const double T[] = {38, 38, 20, 38, 38}, spend[] = {20, 30, 30, 25, 20};
	const clv_params cp = {
		.margin = 0.3, .annual_discount = 0.1, .unit_days = 7, .step = 1, .horizon = 26};
	bgnbd_data d = {.n = 5, .x = x, .tx = tx, .T = T};
	double all[5], one;
	err e = {0};
	(void)state;

	assert_int_equal(clv_bgnbd(&p, &d, spend, &cp, all, &e), E_OK);
	for (size_t i = 0; i < 5; i++) {
		bgnbd_data di = {.n = 1, .x = &x[i], .tx = &tx[i], .T = &T[i]};
		assert_int_equal(clv_bgnbd(&p, &di, &spend[i], &cp, &one, &e), E_OK);
		assert_rel(all[i], one, 1e-14, "row alone");
	}
	assert_true(all[0] > all[1]); /* same x, T: the recent buyer is worth more */
	assert_rel(all[0], all[4], 1e-15, "identical rows");
}

static void rejects_bad_input(void **state)
{
	const bgnbd_params p = {.r = 0.2426, .alpha = 4.4137, .a = 0.7930, .b = 2.4262};
	const double x[] = {1, 2}, tx[] = {5, 20}, T[] = {30, 30};
	const double spend[] = {10, NAN};
	bgnbd_data d = {.n = 2, .x = x, .tx = tx, .T = T};
	clv_params ok = {
		.margin = 0.3, .annual_discount = 0.1, .unit_days = 7, .step = 1, .horizon = 10};
	double out[2];
	err e = {0};
	(void)state;

	assert_int_equal(clv_bgnbd(&p, &d, spend, &ok, out, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "row 1"));
	assert_true(out[0] > 0 && isnan(out[1]));

	const double good[] = {10, 20};
	clv_params bad = ok;
	bad.annual_discount = -1;
	assert_int_equal(clv_bgnbd(&p, &d, good, &bad, out, &e), E_INVAL);
	bad = ok;
	bad.step = 0;
	assert_int_equal(clv_bgnbd(&p, &d, good, &bad, out, &e), E_INVAL);
	bad = ok;
	bad.horizon = -3;
	assert_int_equal(clv_bgnbd(&p, &d, good, &bad, out, &e), E_INVAL);
	bad = ok;
	bad.horizon = 0;
	assert_int_equal(clv_bgnbd(&p, &d, good, &bad, out, &e), E_OK);
	assert_true(out[0] == 0 && out[1] == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_computed_case),
		cmocka_unit_test(period_rate_from_annual),
		cmocka_unit_test(undiscounted_clv_telescopes),
		cmocka_unit_test(shared_rows_give_row_by_row_results),
		cmocka_unit_test(rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
