/* test_clv_run.c: lifetime-value histories from a snapshot (a case worked
 * by hand: same-day merging, t_x and T, spend, margin ratio, hold-out),
 * parallel scoring equal to the kernels row by row and to itself on any
 * number of threads, and the hold-out check against direct sums. */
#include "testutil.h"
#include "analytics/cdnow.h"
#include "analytics/clv_run.h"

#include <math.h>

static void assert_rel(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol * fabs(want)))
		fail_msg("%s: got %.15g, want %.15g (relative tolerance %g)", what, got, want, tol);
}

#define DAY 86400

/*
 * Customers (days are Unix days; calibration: days < 38; hold-out to 50):
 *  id 1: orders on day 10 (1000, cost 600), day 10 (500, cost 300),
 *        day 24 (2000, cost unknown), day 31 (700, cost 350),
 *        day 45 (300: hold-out), day 60 (after as_of: ignored);
 *        a return of 350 on day 20.
 *  id 2: no order (not in the model).
 *  id 3: first order on day 40 (after the calibration: not in the model).
 *  id 4: one order on day 37, the last calibration day (100, cost unknown).
 * With margin_ratio 0.5 for unknown costs, weeks, cents:
 *  id 1: purchase days 10 (1500), 24 (2000), 31 (700): x = 2,
 *        t_x = (31 - 10) / 7 = 3, T = (37 - 10) / 7 = 27 / 7,
 *        spend = (2000 + 700) / 2 / 100 = 13.5, one hold-out day;
 *        totals 4200, margins 400 + 200 + 1000 + 350 = 1950, returns 350:
 *        ratio = 1950 / 4200 * (1 - 350 / 4200).
 *  id 4: x = 0, t_x = 0, T = 0, spend 0, ratio 50 / 100 = 0.5.
 */
static void build_snapshot(snapshot *s)
{
	snapshot_builder *b = snapshot_builder_new();
	snapshot_options o;
	err e = { 0 };

	for (int64_t id = 1; id <= 4; id++)
		assert_int_equal(snapshot_add_customer(b, id, 0, &e), E_OK);
	snapshot_add_order(b, 1, 31 * DAY + 5, 700, 350, true, 1);
	snapshot_add_order(b, 1, 10 * DAY + 100, 1000, 600, true, 1);
	snapshot_add_order(b, 1, 24 * DAY, 2000, 0, false, 1);
	snapshot_add_order(b, 1, 10 * DAY + 7000, 500, 300, true, 1);
	snapshot_add_order(b, 1, 45 * DAY, 300, 0, false, 1);
	snapshot_add_order(b, 1, 60 * DAY, 999, 0, false, 1);
	snapshot_add_order(b, 3, 40 * DAY, 100, 0, false, 1);
	snapshot_add_order(b, 4, 37 * DAY + 86399, 100, 0, false, 1);
	snapshot_add_return(b, 1, 20 * DAY, 350);
	snapshot_options_default(&o);
	o.margin_ratio = 0.5;
	snapshot_builder_finish(b, &o, s);
}

static void history_by_hand(void **state)
{
	snapshot s;
	clv_history h;
	const clv_history_params p = {
		.calib_end = 38, .as_of = 50, .unit_days = 7, .money_scale = 100
	};
	(void)state;

	build_snapshot(&s);
	for (int threads = 1; threads <= 3; threads++) {
		clv_history_build(&s, &p, threads, &h);
		assert_int_equal(h.n, 2);
		assert_int_equal(h.repeaters, 1);
		assert_int_equal(h.hold_total, 1);
		assert_int_equal(h.idx[0], 0);
		assert_int_equal(h.idx[1], 3);
		assert_int_equal(h.first_day[0], 10);
		assert_int_equal(h.first_day[1], 37);
		assert_true(h.x[0] == 2);
		assert_rel(h.tx[0], 3.0, 1e-15, "t_x");
		assert_rel(h.T[0], 27.0 / 7, 1e-15, "T");
		assert_rel(h.spend[0], 13.5, 1e-15, "spend");
		assert_rel(h.margin[0], 1950.0 / 4200 * (1 - 350.0 / 4200), 1e-15, "margin");
		assert_true(h.x_hold[0] == 1);
		assert_true(h.x[1] == 0 && h.tx[1] == 0 && h.T[1] == 0 && h.spend[1] == 0);
		assert_rel(h.margin[1], 0.5, 1e-15, "margin of id 4");
		assert_true(h.x_hold[1] == 0);
		clv_history_release(&h);
	}

	/* Everything a calibration: id 1 now has its day-45 purchase as a
	 * repeat (x = 3, T = (49 - 10) / 7), id 3 joins. */
	const clv_history_params all = {
		.calib_end = 50, .as_of = 50, .unit_days = 1, .money_scale = 1
	};
	clv_history_build(&s, &all, 1, &h);
	assert_int_equal(h.n, 3);
	assert_true(h.x[0] == 3);
	assert_rel(h.tx[0], 35.0, 1e-15, "t_x in days");
	assert_rel(h.T[0], 39.0, 1e-15, "T in days");
	assert_rel(h.spend[0], 1000.0, 1e-15, "spend in cents");
	assert_int_equal(h.hold_total, 0);
	clv_history_release(&h);
	snapshot_release(&s);
}

/* The CDNOW sample as history rows, with varied margins. */
static void cdnow_history(cdnow_customers *c, clv_history *h)
{
	err e = { 0 };

	assert_int_equal(
		cdnow_load(test_data("cdnow/CDNOW_sample.txt"), cdnow_day(19970930), 7, c, &e),
		E_OK);
	memset(h, 0, sizeof(*h));
	h->n = c->n;
	h->x = c->x;
	h->tx = c->tx;
	h->T = c->T;
	h->spend = c->spend;
	h->x_hold = c->x_hold;
	h->margin = malloc(c->n * sizeof(double));
	for (size_t i = 0; i < c->n; i++)
		h->margin[i] = 0.2 + 0.1 * (double)(i % 5);
}

static const bgnbd_params published = { .r = 0.2426, .alpha = 4.4137, .a = 0.7930, .b = 2.4262 };
static const gammagamma_params published_gg = { .p = 6.2493, .q = 3.7443, .gamma = 15.4443 };

static void score_equals_kernels_and_threads(void **state)
{
	cdnow_customers c;
	clv_history h;
	clv_sorted srt;
	clv_score_params sp = { .bg = published,
				.gg = &published_gg,
				.money_scale = 100,
				.horizon = 52,
				.cp = { .margin = 1,
					.annual_discount = 0.1,
					.unit_days = 7,
					.step = 52.0 / 12,
					.horizon = 12 } };
	double *out[3][4];
	clv_score_summary sum;
	size_t groups = 0;
	err e = { 0 };
	(void)state;

	cdnow_history(&c, &h);
	clv_sorted_build(&h, &srt);
	assert_int_equal(srt.n, h.n);
	for (size_t i = 1; i < srt.n; i++)
		assert_true(srt.x[i - 1] < srt.x[i] ||
			    (srt.x[i - 1] == srt.x[i] && srt.T[i - 1] <= srt.T[i]));
	for (int t = 0; t < 3; t++) {
		for (int k = 0; k < 4; k++)
			out[t][k] = malloc(h.n * sizeof(double));
		clv_outputs o = { out[t][0], out[t][1], out[t][2], out[t][3] };
		assert_int_equal(clv_score(&srt, &sp, t + 1, &o, &sum, &e), E_OK);
		assert_int_equal(sum.expected_failed + sum.spend_failed + sum.clv_failed, 0);
		assert_true(sum.groups > 100 && sum.groups < h.n);
		if (t == 0)
			groups = sum.groups;
		assert_int_equal(sum.groups, groups);
	}
	/* any number of threads: the same bits */
	for (int t = 1; t < 3; t++)
		for (int k = 0; k < 4; k++)
			assert_memory_equal(out[t][k], out[0][k], h.n * sizeof(double));

	/* row by row, the kernels on the unsorted rows */
	bgnbd_data d = { .n = h.n, .x = h.x, .tx = h.tx, .T = h.T };
	double *ey = malloc(h.n * sizeof(double)), *cl = malloc(h.n * sizeof(double));
	double *s = malloc(h.n * sizeof(double));
	assert_int_equal(bgnbd_expected_all(&published, &d, 52, ey, &e), E_OK);
	for (size_t i = 0; i < h.n; i++)
		s[i] = gammagamma_expected_spend(&published_gg, h.x[i], h.spend[i]) * 100;
	assert_int_equal(clv_bgnbd(&published, &d, s, &sp.cp, cl, &e), E_OK);
	for (size_t i = 0; i < h.n; i++) {
		assert_true(out[0][0][i] == bgnbd_p_alive(&published, h.x[i], h.tx[i], h.T[i]));
		assert_true(out[0][1][i] == ey[i]);
		assert_true(out[0][2][i] == s[i]);
		assert_rel(out[0][3][i], cl[i] * h.margin[i], 1e-14, "CLV");
	}
	/* first CDNOW customer: x = 2, t_x = 30.43, T = 38.86 (FHL 2005):
	 * E[Y(52)] by the kernel, CLV positive */
	assert_rel(out[0][1][0], ey[0], 0, "E[Y] of customer 1");
	assert_true(out[0][3][0] > 0);

	/* without a spend model: P(alive) and E[Y] only */
	sp.gg = NULL;
	clv_outputs o = { out[1][0], out[1][1], NULL, NULL };
	assert_int_equal(clv_score(&srt, &sp, 2, &o, NULL, &e), E_OK);
	assert_memory_equal(out[1][1], out[0][1], h.n * sizeof(double));

	for (int t = 0; t < 3; t++)
		for (int k = 0; k < 4; k++)
			free(out[t][k]);
	free(ey);
	free(cl);
	free(s);
	free(h.margin);
	clv_sorted_release(&srt);
	cdnow_customers_release(&c);
}

/* Rows of a history built from a snapshot sort by (x, T, row) with the
 * counting sort; the same rows without first days take the comparison
 * sort, with the same order. */
static void sorted_by_x_then_T(void **state)
{
	snapshot_builder *b = snapshot_builder_new();
	snapshot s;
	clv_history h;
	clv_sorted a, q;
	uint64_t z = 88172645463325252u;
	err e = { 0 };
	(void)state;

	for (int64_t id = 1; id <= 3000; id++)
		assert_int_equal(snapshot_add_customer(b, id, 0, &e), E_OK);
	for (int i = 0; i < 12000; i++) {
		z ^= z << 13, z ^= z >> 7, z ^= z << 17; /* xorshift */
		snapshot_add_order(b, 1 + (int64_t)(z % 3000), (int64_t)(z >> 20 & 511) * DAY, 100,
				   0, false, 1);
	}
	snapshot_builder_finish(b, NULL, &s);
	const clv_history_params p = {
		.calib_end = 400, .as_of = 512, .unit_days = 7, .money_scale = 1
	};
	clv_history_build(&s, &p, 2, &h);
	assert_true(h.n > 2000 && h.repeaters > 500);
	clv_sorted_build(&h, &a);
	char *seen = calloc(h.n, 1);
	for (size_t i = 0; i < a.n; i++) {
		assert_false(seen[a.row[i]]);
		seen[a.row[i]] = 1;
		assert_true(a.x[i] == h.x[a.row[i]] && a.T[i] == h.T[a.row[i]]);
		if (i > 0) {
			bool before = a.x[i - 1] < a.x[i] ||
				      (a.x[i - 1] == a.x[i] &&
				       (a.T[i - 1] < a.T[i] ||
					(a.T[i - 1] == a.T[i] && a.row[i - 1] < a.row[i])));
			assert_true(before);
		}
	}
	free(seen);
	int32_t *first = h.first_day;
	h.first_day = NULL;
	clv_sorted_build(&h, &q);
	h.first_day = first;
	assert_memory_equal(q.row, a.row, h.n * sizeof(int32_t));
	clv_sorted_release(&a);
	clv_sorted_release(&q);
	clv_history_release(&h);
	snapshot_release(&s);
}

static void bad_clv_parameters(void **state)
{
	clv_history h = { 0 };
	clv_sorted srt;
	clv_score_params sp = {
		.bg = published,
		.gg = &published_gg,
		.money_scale = 1,
		.horizon = 1,
		.cp = { .annual_discount = 0.1, .unit_days = 7, .step = 0, .horizon = 1 }
	};
	double v[1];
	clv_outputs o = { v, v, v, v };
	err e = { 0 };
	(void)state;

	clv_sorted_build(&h, &srt);
	assert_int_equal(clv_score(&srt, &sp, 1, &o, NULL, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "step"));
	clv_sorted_release(&srt);
}

/* The hold-out check sums what the kernels say, by x group. */
static void holdout_sums(void **state)
{
	snapshot s;
	clv_history h;
	clv_sorted srt;
	clv_holdout ho;
	const clv_history_params p = {
		.calib_end = 38, .as_of = 50, .unit_days = 7, .money_scale = 100
	};
	(void)state;

	build_snapshot(&s);
	clv_history_build(&s, &p, 1, &h);
	clv_sorted_build(&h, &srt);
	clv_holdout_check(&s, &h, &srt, &p, &published, 2, &ho);
	double t = 12.0 / 7;
	double e1 = bgnbd_expected_conditional(&published, 2, 3, 27.0 / 7, t);
	double e4 = bgnbd_expected_conditional(&published, 0, 0, 0, t);
	assert_rel(ho.t, t, 1e-15, "hold-out length");
	assert_int_equal(ho.customers[0], 1);
	assert_int_equal(ho.customers[2], 1);
	assert_rel(ho.predicted_sum[2], e1, 1e-15, "x = 2 group");
	assert_rel(ho.predicted_sum[0], e4, 1e-15, "x = 0 group");
	assert_true(ho.actual_sum[2] == 1 && ho.actual_sum[0] == 0);
	assert_rel(ho.predicted, e1 + e4, 1e-15, "predicted");
	assert_true(ho.actual == 1);
	assert_rel(ho.mae, (fabs(e1 - 1) + e4) / 2, 1e-15, "MAE");

	/* tracking from day 10 (the first purchase) in weeks to day 50:
	 * points end on days 17, 24, ..., 45 and 50; actual repeat purchase
	 * days by then: day 24, 31 (calibration) and 45 (hold-out); id 4's
	 * purchase on day 37 is a first one. */
	assert_int_equal(ho.points, 6);
	const int32_t ends[] = { 17, 24, 31, 38, 45, 50 };
	const double act[] = { 0, 0, 1, 2, 2, 3 };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(ho.end_day[i], ends[i]);
		assert_true(ho.track_actual[i] == act[i]);
	}
	/* expected at day 50: E[X] of id 1 over (49 - 10) / 7 and of id 4
	 * over (49 - 37) / 7 */
	assert_rel(ho.track_expected[5],
		   bgnbd_expected_unconditional(&published, 39.0 / 7) +
			   bgnbd_expected_unconditional(&published, 12.0 / 7),
		   1e-14, "tracking expected");
	clv_sorted_release(&srt);
	clv_history_release(&h);
	snapshot_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(history_by_hand),
		cmocka_unit_test(score_equals_kernels_and_threads),
		cmocka_unit_test(sorted_by_x_then_T),
		cmocka_unit_test(bad_clv_parameters),
		cmocka_unit_test(holdout_sums),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
