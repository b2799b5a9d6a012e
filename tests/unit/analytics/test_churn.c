/* test_churn.c: the churn model: AUC, calibration, Brier score and log-loss
 * on hand-computed cases; features and labels of hand-made customers; the
 * insufficient-data refusal; a synthetic shop with planted churn (high
 * AUC) and pure-noise labels (AUC near 0.5); liblinear kept silent and
 * safe on two threads; the CDNOW master file as real data. */
#include "testutil.h"
#include "analytics/cdnow.h"
#include "analytics/churn.h"
#include "analytics/churn_sim.h"
#include "core/xalloc.h"

#include <math.h>
#include <pthread.h>
#include <unistd.h>

static void assert_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.12g, want %.12g (tolerance %g)", what, got, want, tol);
}

/* ---- AUC ---------------------------------------------------------------- */

/* The definition: over all positive-negative pairs, 1 when the positive
 * scores higher, 1/2 on a tie. O(n^2), for checking the rank formula. */
static double auc_pairs(const double *s, const uint8_t *y, size_t n)
{
	double sum = 0, pairs = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (y[i] && !y[j]) {
				pairs++;
				sum += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
			}
	return sum / pairs;
}

static void auc_hand_cases(void **state)
{
	(void)state;
	/* perfect separation, and its mirror */
	const double sep[] = {0.1, 0.2, 0.8, 0.9};
	const uint8_t sep_y[] = {0, 0, 1, 1}, rev_y[] = {1, 1, 0, 0};
	assert_near(metrics_eval_auc(sep, sep_y, 4), 1.0, 0, "perfect");
	assert_near(metrics_eval_auc(sep, rev_y, 4), 0.0, 0, "reversed");

	/* all scores equal: every pair is a tie */
	const double flat[] = {0.3, 0.3, 0.3, 0.3, 0.3};
	const uint8_t flat_y[] = {1, 0, 0, 1, 0};
	assert_near(metrics_eval_auc(flat, flat_y, 5), 0.5, 0, "all equal");

	/* positives 0.35, 0.8 against negatives 0.1, 0.4: 3 of 4 pairs */
	const double a[] = {0.1, 0.4, 0.35, 0.8};
	const uint8_t ay[] = {0, 0, 1, 1};
	assert_near(metrics_eval_auc(a, ay, 4), 0.75, 1e-15, "3 of 4");

	/* ties across classes: positives 0.5, 0.9; negatives 0.5, 0.5, 0.2.
	 * 0.5: tie, tie, win = 2; 0.9: three wins; (2 + 3) / 6 */
	const double t[] = {0.5, 0.5, 0.5, 0.2, 0.9};
	const uint8_t ty[] = {1, 0, 0, 0, 1};
	assert_near(metrics_eval_auc(t, ty, 5), 5.0 / 6, 1e-15, "ties");

	/* one class only, or a NaN score: undefined */
	assert_true(isnan(metrics_eval_auc(sep, sep_y + 2, 2)));
	const double withnan[] = {0.1, NAN, 0.3};
	const uint8_t ny[] = {0, 1, 1};
	assert_true(isnan(metrics_eval_auc(withnan, ny, 3)));
}

static void auc_matches_pair_count(void **state)
{
	enum { N = 400 };
	double s[N];
	uint8_t y[N];
	uint64_t z = 12345;
	(void)state;

	/* scores on a coarse grid so there are many ties, labels loosely
	 * related to them */
	for (int i = 0; i < N; i++) {
		z = z * 6364136223846793005u + 1442695040888963407u;
		int level = (int)((z >> 33) % 7);
		z = z * 6364136223846793005u + 1442695040888963407u;
		s[i] = level / 7.0;
		y[i] = (int)((z >> 33) % 10) < level + 2;
	}
	assert_near(metrics_eval_auc(s, y, N), auc_pairs(s, y, N), 1e-12, "pairs");
}

/* ---- calibration, Brier, log-loss ------------------------------------- */

static void calibration_small_case(void **state)
{
	const double s[] = {0.6, 0.1, 0.4, 0.2, 0.5, 0.3};
	const uint8_t y[] = {1, 0, 0, 0, 1, 1};
	metrics_eval_bin b[8];
	err e = {0};
	(void)state;

	/* sorted: 0.1 0.2 | 0.3 0.4 | 0.5 0.6 with labels 0 0 | 1 0 | 1 1 */
	assert_int_equal(metrics_eval_calibration(s, y, 6, 3, b, &e), E_OK);
	assert_int_equal(b[0].count, 2);
	assert_int_equal(b[0].positives, 0);
	assert_near(b[0].mean_score, 0.15, 1e-15, "bin 0 mean");
	assert_near(b[0].rate, 0, 0, "bin 0 rate");
	assert_near(b[1].mean_score, 0.35, 1e-15, "bin 1 mean");
	assert_near(b[1].rate, 0.5, 0, "bin 1 rate");
	assert_near(b[1].min_score, 0.3, 0, "bin 1 min");
	assert_near(b[1].max_score, 0.4, 0, "bin 1 max");
	assert_near(b[2].mean_score, 0.55, 1e-15, "bin 2 mean");
	assert_near(b[2].rate, 1, 0, "bin 2 rate");

	/* 5 rows in 2 bins: ranks [0, 2) and [2, 5) */
	assert_int_equal(metrics_eval_calibration(s, y, 5, 2, b, &e), E_OK);
	assert_int_equal(b[0].count, 2);
	assert_int_equal(b[1].count, 3);
	assert_near(b[1].mean_score, (0.4 + 0.5 + 0.6) / 3, 1e-15, "bin of 3");
	assert_int_equal(b[1].positives, 2);

	/* more bins than rows: some stay empty, all rows are counted once */
	assert_int_equal(metrics_eval_calibration(s, y, 3, 8, b, &e), E_OK);
	size_t total = 0, empty = 0;
	for (int i = 0; i < 8; i++) {
		total += b[i].count;
		empty += b[i].count == 0;
	}
	assert_int_equal(total, 3);
	assert_int_equal(empty, 5);

	assert_int_equal(metrics_eval_calibration(s, y, 6, 0, b, &e), E_INVAL);

	const double p[] = {0.8, 0.3};
	const uint8_t py[] = {1, 0};
	assert_near(metrics_eval_brier(p, py, 2), (0.04 + 0.09) / 2, 1e-15, "brier");
	assert_near(metrics_eval_log_loss(p, py, 2), -(log(0.8) + log(0.7)) / 2, 1e-15, "log-loss");
	/* a certain mistake is clamped, not infinite */
	const double sure[] = {0.0};
	const uint8_t one[] = {1};
	assert_near(metrics_eval_log_loss(sure, one, 1), -log(1e-15), 1e-9, "clamped");
}

/* ---- features and labels ----------------------------------------------- */

/* Four customers, cut-off day 1000:
 *  0: orders on 700, 800, 900, 950 (amounts 1000, 2000, 3000, 1000;
 *     margins 300, 600, 900, 300) and 1010 (after the cut-off); returns on
 *     960 (500) and 1005 (after); interactions on 500 (ch 2, complaint),
 *     950 (ch 1, complaint), 990 (ch 0), 1002 (ch 0, complaint, after)
 *  1: two orders on day 1000 itself (500 and 300)
 *  2: first order on 1001: no row
 *  3: no orders: no row */
static const int64_t h_ostart[] = {0, 5, 7, 8, 8};
static const int32_t h_oday[] = {700, 800, 900, 950, 1010, 1000, 1000, 1001};
static const int64_t h_oamt[] = {1000, 2000, 3000, 1000, 4000, 500, 300, 900};
static const int64_t h_omar[] = {300, 600, 900, 300, 1200, 100, 100, 300};
static const int64_t h_rstart[] = {0, 2, 2, 2, 2};
static const int32_t h_rday[] = {1005, 960};
static const int64_t h_ramt[] = {4000, 500};
static const int64_t h_istart[] = {0, 4, 4, 4, 4};
static const int32_t h_iday[] = {500, 950, 990, 1002};
static const uint8_t h_ich[] = {2, 1, 0, 0};
static const uint8_t h_iflag[] = {1, 1, 0, 1};
static const char *const h_chnames[] = {"email", "chat", "phone"};

static churn_events hand_events(void)
{
	return (churn_events){.n = 4,
			      .order_start = h_ostart,
			      .order_day = h_oday,
			      .order_amount = h_oamt,
			      .order_margin = h_omar,
			      .return_start = h_rstart,
			      .return_day = h_rday,
			      .return_amount = h_ramt,
			      .interaction_start = h_istart,
			      .interaction_day = h_iday,
			      .interaction_channel = h_ich,
			      .interaction_flags = h_iflag,
			      .n_channels = 3,
			      .channel_names = h_chnames};
}

static int col(const churn_matrix *m, const char *name)
{
	for (int j = 0; j < m->cols; j++)
		if (!strcmp(m->names[j], name))
			return j;
	fail_msg("no feature column %s", name);
	return -1;
}

static double feat(const churn_matrix *m, size_t row, const char *name)
{
	return m->x[row * (size_t)m->cols + (size_t)col(m, name)];
}

static void features_of_hand_made_customers(void **state)
{
	churn_events ev = hand_events();
	churn_matrix m;
	err e = {0};
	(void)state;

	assert_int_equal(churn_events_check(&ev, &e), E_OK);
	churn_features(&ev, 1000, NULL, &m);
	assert_int_equal(m.rows, 2);
	assert_int_equal(m.cols, 15 + 1 + 2 + 2 + 3);
	assert_int_equal(churn_feature_names(&ev, NULL), m.cols);
	assert_int_equal(m.customer[0], 0);
	assert_int_equal(m.customer[1], 1);

	/* customer 0: gaps 100, 100, 50 */
	double gmean = 250.0 / 3;
	double gstd = sqrt((2 * pow(100 - gmean, 2) + pow(50 - gmean, 2)) / 3);
	assert_near(feat(&m, 0, "recency_days"), 50, 0, "recency");
	assert_near(feat(&m, 0, "recency_log"), log(51), 1e-12, "recency_log");
	assert_near(feat(&m, 0, "frequency_log"), log(5), 1e-12, "frequency");
	assert_near(feat(&m, 0, "spend_total_log"), log1p(7000), 1e-12, "spend");
	assert_near(feat(&m, 0, "spend_avg_log"), log1p(1750), 1e-12, "average");
	assert_near(feat(&m, 0, "tenure_log"), log1p(300), 1e-12, "tenure");
	assert_near(feat(&m, 0, "single_day"), 0, 0, "single_day");
	assert_near(feat(&m, 0, "gap_mean_log"), log1p(gmean), 1e-12, "gap mean");
	assert_near(feat(&m, 0, "gap_std_log"), log1p(gstd), 1e-12, "gap std");
	assert_near(feat(&m, 0, "last_gap_ratio"), 50 / gmean, 1e-12, "last gap");
	assert_near(feat(&m, 0, "overdue_log"), log1p(50 / gmean), 1e-12, "overdue");
	/* trend windows (910, 1000] and (820, 910]: 1000 against 3000 */
	assert_near(feat(&m, 0, "orders_recent_log"), log(2), 1e-12, "recent orders");
	assert_near(feat(&m, 0, "spend_recent_log"), log1p(1000), 1e-12, "recent spend");
	assert_near(feat(&m, 0, "spend_prev_log"), log1p(3000), 1e-12, "previous spend");
	assert_near(feat(&m, 0, "spend_trend"), -0.5, 1e-15, "trend");
	assert_near(feat(&m, 0, "margin_rate"), 0.3, 1e-15, "margin");
	assert_near(feat(&m, 0, "returns_log"), log(2), 1e-12, "returns");
	assert_near(feat(&m, 0, "return_share"), 500.0 / 7000, 1e-15, "return share");
	assert_near(feat(&m, 0, "interactions_recent_log"), log(3), 1e-12, "interactions");
	assert_near(feat(&m, 0, "complaints_log"), log(3), 1e-12, "complaints");
	assert_near(feat(&m, 0, "recent_email_log"), log(2), 1e-12, "email");
	assert_near(feat(&m, 0, "recent_chat_log"), log(2), 1e-12, "chat");
	assert_near(feat(&m, 0, "recent_phone_log"), 0, 0, "phone");

	/* customer 1: two orders on the cut-off day: one order day, no gaps */
	assert_near(feat(&m, 1, "recency_days"), 0, 0, "recency 1");
	assert_near(feat(&m, 1, "frequency_log"), log(3), 1e-12, "frequency 1");
	assert_near(feat(&m, 1, "spend_avg_log"), log1p(400), 1e-12, "average 1");
	assert_near(feat(&m, 1, "tenure_log"), 0, 0, "tenure 1");
	assert_near(feat(&m, 1, "single_day"), 1, 0, "single_day 1");
	assert_near(feat(&m, 1, "gap_mean_log"), 0, 0, "gap mean 1");
	assert_near(feat(&m, 1, "overdue_log"), 0, 0, "overdue 1");
	assert_near(feat(&m, 1, "spend_trend"), 1, 0, "trend 1");
	assert_near(feat(&m, 1, "return_share"), 0, 0, "return share 1");

	/* labels: customer 0 buys on 1010 (within 90 days and not within 5),
	 * customer 1 never again */
	uint8_t y[2];
	churn_labels(&ev, &m, 90, y);
	assert_int_equal(y[0], 0);
	assert_int_equal(y[1], 1);
	churn_labels(&ev, &m, 10, y);
	assert_int_equal(y[0], 0);
	churn_labels(&ev, &m, 9, y);
	assert_int_equal(y[0], 1);
	churn_matrix_release(&m);

	/* a later cut-off: customer 2 joins; a shorter trend window */
	churn_feature_options fo = {.trend_days = 30};
	churn_features(&ev, 1001, &fo, &m);
	assert_int_equal(m.rows, 3);
	assert_int_equal(m.customer[2], 2);
	/* (971, 1001]: no order of customer 0; (941, 971]: 950 */
	assert_near(feat(&m, 0, "spend_trend"), -1, 0, "trend, 30 days");
	churn_matrix_release(&m);

	/* a chosen subset, in the given order, skipping who has no history */
	const int64_t pick[] = {3, 1, 0};
	churn_features_of(&ev, 1000, NULL, pick, 3, &m);
	assert_int_equal(m.rows, 2);
	assert_int_equal(m.customer[0], 1);
	assert_int_equal(m.customer[1], 0);
	assert_near(feat(&m, 1, "recency_days"), 50, 0, "subset");
	churn_matrix_release(&m);

	/* without the optional blocks there are only the core columns */
	churn_events bare = {
		.n = 4, .order_start = h_ostart, .order_day = h_oday, .order_amount = h_oamt};
	assert_int_equal(churn_feature_names(&bare, NULL), 15);
}

static void rejects_bad_columns(void **state)
{
	const int64_t start[] = {0, 3};
	const int32_t day[] = {5, 9, 7};
	const int64_t amt[] = {1, 1, 1};
	churn_events ev = {.n = 1, .order_start = start, .order_day = day, .order_amount = amt};
	err e = {0};
	(void)state;

	assert_int_equal(churn_events_check(&ev, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "not sorted"));

	ev = hand_events();
	ev.n_channels = 2; /* channel 2 appears */
	assert_int_equal(churn_events_check(&ev, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "channel"));

	const int64_t bad_start[] = {0, 6, 5, 8, 8};
	ev = hand_events();
	ev.order_start = bad_start;
	assert_int_equal(churn_events_check(&ev, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "decrease"));

	/* and churn_run passes the complaint on, with bad options too */
	churn_options o;
	churn_result r;
	double risk[4];
	churn_options_default(&o);
	o.as_of = 1100;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &r, &e), E_INVAL);
	ev = hand_events();
	o.holdout_share = 1.5;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &r, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "hold-out"));
	churn_options_default(&o);
	o.top_k = CHURN_MAX_TOP + 1;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &r, &e), E_INVAL);
}

/* ---- the model ------------------------------------------------------------ */

static void explain_ranks_contributions(void **state)
{
	churn_model mdl = {.cols = 3, .mean = {0, 0, 0}, .std = {1, 1, 1}, .weight = {1, -1, 2}};
	double x[] = {1, 1, 0.5};
	churn_matrix m = {.rows = 1, .cols = 3, .x = x};
	int16_t top[4];
	(void)state;

	/* contributions 1, -1, 1: the tie keeps column order */
	churn_model_explain(&mdl, &m, 0, 3, top);
	assert_int_equal(top[0], 0);
	assert_int_equal(top[1], 2);
	assert_int_equal(top[2], -1);
	x[2] = 2; /* now 4 */
	churn_model_explain(&mdl, &m, 0, 1, top);
	assert_int_equal(top[0], 2);
	double risk;
	churn_model_predict(&mdl, &m, NULL, 0, &risk);
	assert_near(risk, 1 / (1 + exp(-(1 - 1 + 4))), 1e-15, "risk");
}

/* A shop of n customers; as_of 91 days before its end so the next 90 days
 * are known. */
static int32_t sim_shop(size_t n, uint64_t seed, churn_sim_data *d, churn_events *ev)
{
	churn_sim_params p;
	churn_sim_default(&p, n);
	churn_sim_run(&p, seed, d);
	churn_sim_events(d, ev);
	return p.first_day + p.days - 1 - 90;
}

static void refuses_too_little_data(void **state)
{
	churn_sim_data d;
	churn_events ev;
	churn_options o;
	churn_result r;
	err e = {0};
	(void)state;

	int32_t as_of = sim_shop(150, 7, &d, &ev);
	double *risk = xmalloc(ev.n * sizeof(double));
	churn_options_default(&o);
	o.as_of = as_of;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &r, &e), E_OK);
	assert_int_equal(r.outcome, CHURN_INSUFFICIENT_DATA);
	assert_non_null(strstr(r.note, "not enough history"));
	assert_non_null(strstr(r.note, "at least 200"));
	for (size_t c = 0; c < ev.n; c++)
		assert_true(isnan(risk[c]));

	/* thresholds are options: the same shop suffices for a lower bar */
	o.min_train = 50;
	o.min_class = 5;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &r, &e), E_OK);
	assert_int_equal(r.outcome, CHURN_SCORED);
	assert_true(r.scored > 0 && !isnan(r.auc));
	free(risk);
	churn_sim_release(&d);

	/* 400 customers who buy every 10 days: nobody churns */
	enum { N = 400, K = 60 };
	int64_t *start = xmalloc((N + 1) * sizeof(int64_t));
	int32_t *day = xmalloc(N * K * sizeof(int32_t));
	int64_t *amt = xmalloc(N * K * sizeof(int64_t));
	for (int c = 0; c <= N; c++)
		start[c] = (int64_t)c * K;
	for (int i = 0; i < N * K; i++) {
		day[i] = 10000 + (i % K) * 10 + (i / K) % 10;
		amt[i] = 1000;
	}
	churn_events loyal = {.n = N, .order_start = start, .order_day = day, .order_amount = amt};
	risk = xmalloc(N * sizeof(double));
	churn_options_default(&o);
	o.as_of = 10000 + K * 10 - 1;
	assert_int_equal(churn_run(&loyal, &o, risk, NULL, &r, &e), E_OK);
	assert_int_equal(r.outcome, CHURN_INSUFFICIENT_DATA);
	assert_non_null(strstr(r.note, "not enough churn"));
	assert_true(isnan(risk[0]));
	free(risk);
	free(start);
	free(day);
	free(amt);
}

static void planted_churn_is_found(void **state)
{
	churn_sim_data d;
	churn_events ev;
	churn_options o;
	churn_result r;
	err e = {0};
	(void)state;

	int32_t as_of = sim_shop(20000, 42, &d, &ev);
	double *risk = xmalloc(ev.n * sizeof(double));
	int16_t *top = xmalloc(ev.n * 3 * sizeof(int16_t));
	churn_options_default(&o);
	o.as_of = as_of;
	o.top_k = 3;
	assert_int_equal(churn_run(&ev, &o, risk, top, &r, &e), E_OK);
	assert_int_equal(r.outcome, CHURN_SCORED);
	print_message("planted churn, customer split: train %zu, hold-out %zu (%.3f churned), "
		      "C %g, AUC %.4f (train %.4f), Brier %.4f\n",
		      r.train_rows, r.test_rows, r.base_rate, r.model.C, r.auc, r.auc_train,
		      r.brier);
	assert_true(r.auc > 0.8);
	/* the hold-out is about a quarter of the customers with history */
	double share = (double)r.test_rows / (double)(r.test_rows + r.train_eligible);
	assert_true(share > 0.23 && share < 0.27);
	assert_true(r.grid_n == 6);
	/* calibrated on average and ordered by decile: a logistic model's mean
	 * prediction matches its training base rate, and the hold-out is a
	 * random sample of the same population */
	assert_near(r.mean_risk_test, r.base_rate, 0.03, "mean risk against base rate");
	assert_true(r.calib[0].rate < r.calib[CHURN_CALIB_BINS - 1].rate - 0.4);
	size_t in_bins = 0;
	for (int b = 0; b < CHURN_CALIB_BINS; b++) {
		in_bins += r.calib[b].count;
		if (b)
			assert_true(r.calib[b].mean_score >= r.calib[b - 1].mean_score);
	}
	assert_int_equal(in_bins, r.test_rows);
	/* a customer long silent is riskier: the recency weight is positive */
	for (int j = 0; j < r.model.cols; j++)
		if (!strcmp(r.model.names[j], "recency_days"))
			assert_true(r.model.weight[j] > 0);

	/* the as-of scores against what the simulation did next */
	churn_matrix m;
	churn_features(&ev, as_of, NULL, &m);
	uint8_t *y = xmalloc(m.rows);
	double *s = xmalloc(m.rows * sizeof(double));
	churn_labels(&ev, &m, 90, y);
	for (size_t k = 0; k < m.rows; k++) {
		s[k] = risk[m.customer[k]];
		assert_true(s[k] >= 0 && s[k] <= 1);
		for (int t = 0; t < 3; t++)
			assert_true(top[m.customer[k] * 3 + t] >= -1 &&
				    top[m.customer[k] * 3 + t] < r.model.cols);
	}
	assert_int_equal(r.scored, m.rows);
	double future = metrics_eval_auc(s, y, m.rows);
	print_message("planted churn, as-of scores against the next 90 days: AUC %.4f\n", future);
	assert_true(future > 0.8);

	/* the time split on the same shop */
	o.split = CHURN_SPLIT_TIME;
	churn_result rt;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &rt, &e), E_OK);
	assert_int_equal(rt.outcome, CHURN_SCORED);
	print_message("planted churn, time split: train %zu at day %d, test %zu at day %d, "
		      "AUC %.4f\n",
		      rt.train_rows, rt.train_cutoff, rt.test_rows, rt.test_cutoff, rt.auc);
	assert_int_equal(rt.train_cutoff, as_of - 180);
	assert_int_equal(rt.test_cutoff, as_of - 90);
	assert_true(rt.auc > 0.8);

	/* same seed, same result; on three threads the same risks */
	churn_result again;
	double *risk3 = xmalloc(ev.n * sizeof(double));
	o.split = CHURN_SPLIT_CUSTOMER;
	o.top_k = 0;
	o.threads = 3;
	assert_int_equal(churn_run(&ev, &o, risk3, NULL, &again, &e), E_OK);
	assert_true(again.auc == r.auc && again.model.C == r.model.C);
	assert_int_equal(again.scored, r.scored);
	for (size_t k = 0; k < m.rows; k++)
		assert_true(risk3[m.customer[k]] == s[k]);
	free(risk3);
	free(y);
	free(s);
	churn_matrix_release(&m);
	free(risk);
	free(top);
	churn_sim_release(&d);
}

/* Labels that are coin flips, independent of everything: the hold-out
 * labels are then independent of the hold-out scores, so the AUC follows
 * the Mann-Whitney null distribution, mean 1/2 and standard deviation
 * sqrt((n1 + n0 + 1) / (12 n1 n0)) (about 0.008 for 5000 rows split
 * evenly). Four standard deviations bound it with probability > 0.9999,
 * and the seed makes the run repeatable. */
static void noise_labels_give_half(void **state)
{
	churn_sim_data d;
	churn_events ev;
	churn_matrix m;
	churn_model mdl;
	err e = {0};
	(void)state;

	int32_t as_of = sim_shop(20000, 43, &d, &ev);
	churn_features(&ev, as_of, NULL, &m);
	uint8_t *y = xmalloc(m.rows);
	size_t *train = xmalloc(m.rows * sizeof(size_t)), *test = xmalloc(m.rows * sizeof(size_t));
	size_t ntrain = 0, ntest = 0;
	uint64_t z = 99;
	for (size_t r = 0; r < m.rows; r++) {
		z = z * 6364136223846793005u + 1442695040888963407u;
		y[r] = (z >> 63) != 0;
		if (r % 4 == 3)
			test[ntest++] = r;
		else
			train[ntrain++] = r;
	}
	assert_int_equal(churn_model_fit(&m, y, train, ntrain, 1, &mdl, &e), E_OK);
	double *risk = xmalloc(ntest * sizeof(double));
	uint8_t *ty = xmalloc(ntest);
	size_t n1 = 0;
	churn_model_predict(&mdl, &m, test, ntest, risk);
	for (size_t k = 0; k < ntest; k++)
		n1 += ty[k] = y[test[k]];
	double n0 = (double)(ntest - n1);
	double sd = sqrt(((double)ntest + 1) / (12 * (double)n1 * n0));
	double auc = metrics_eval_auc(risk, ty, ntest);
	print_message("noise labels: hold-out %zu rows, AUC %.4f (null sd %.4f)\n", ntest, auc, sd);
	assert_near(auc, 0.5, 4 * sd, "AUC on noise");
	free(y);
	free(train);
	free(test);
	free(risk);
	free(ty);
	churn_matrix_release(&m);
	churn_sim_release(&d);
}

/* ---- liblinear: silent, and safe on two threads ------------------------- */

typedef struct {
	const churn_matrix *m;
	const uint8_t *y;
	churn_model out;
	status rc;
} fit_job;

static void *fit_thread(void *p)
{
	fit_job *j = p;
	err e = {0};
	j->rc = churn_model_fit(j->m, j->y, NULL, 0, 0.5, &j->out, &e);
	return NULL;
}

static void liblinear_is_silent_and_reentrant(void **state)
{
	churn_sim_data d;
	churn_events ev;
	churn_matrix m;
	churn_model alone;
	err e = {0};
	(void)state;

	int32_t as_of = sim_shop(3000, 44, &d, &ev);
	churn_features(&ev, as_of - 90, NULL, &m);
	uint8_t *y = xmalloc(m.rows);
	churn_labels(&ev, &m, 90, y);

	/* stdout into a file while fitting: nothing may arrive there */
	const char *path = test_tmpfile("stdout.txt");
	fflush(stdout);
	int saved = dup(1);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	dup2(fileno(f), 1);
	status rc = churn_model_fit(&m, y, NULL, 0, 0.5, &alone, &e);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	fclose(f);
	assert_int_equal(rc, E_OK);
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	assert_int_equal(ftell(f), 0);
	fclose(f);

	/* two fits at once give what one alone gives */
	fit_job jobs[2] = {{&m, y}, {&m, y}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fit_thread, &jobs[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(jobs[i].rc, E_OK);
		assert_memory_equal(jobs[i].out.weight, alone.weight, sizeof(alone.weight));
		assert_true(jobs[i].out.intercept == alone.intercept);
	}
	free(y);
	churn_matrix_release(&m);
	churn_sim_release(&d);
}

/* ---- CDNOW ---------------------------------------------------------------- */

static int cmp_txn(const void *pa, const void *pb)
{
	const cdnow_txn *u = pa, *v = pb;
	if (u->customer != v->customer)
		return u->customer < v->customer ? -1 : 1;
	return (u->day > v->day) - (u->day < v->day);
}

/* The CDNOW master file as order columns: one order per line (id, date
 * YYYYMMDD, CDs, dollars; a header line), amounts in cents. */
typedef struct {
	size_t n;
	int64_t *start, *amount;
	int32_t *day;
} cdnow_orders;

static void load_cdnow_orders(const char *path, cdnow_orders *o)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t len = 0, n = 0, cap = 0;
	cdnow_txn *t = NULL;

	assert_non_null(f);
	while (getline(&line, &len, f) > 0) {
		long id, date, cds;
		double dollars;
		if (sscanf(line, "%ld %ld %ld %lf", &id, &date, &cds, &dollars) != 4)
			continue; /* the header */
		t = xgrow(t, &cap, n + 1, sizeof(*t));
		t[n] = (cdnow_txn){
			.customer = id, .day = cdnow_day((int32_t)date), .amount = dollars};
		assert_true(t[n].day != INT32_MIN);
		n++;
	}
	free(line);
	fclose(f);
	qsort(t, n, sizeof(*t), cmp_txn);
	size_t customers = 0;
	for (size_t i = 0; i < n; i++)
		customers += i == 0 || t[i].customer != t[i - 1].customer;
	o->n = customers;
	o->start = xmalloc((customers + 1) * sizeof(int64_t));
	o->day = xmalloc(n * sizeof(int32_t));
	o->amount = xmalloc(n * sizeof(int64_t));
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || t[i].customer != t[i - 1].customer)
			o->start[c++] = (int64_t)i;
		o->day[i] = t[i].day;
		o->amount[i] = llround(t[i].amount * 100);
	}
	o->start[c] = (int64_t)n;
	free(t);
}

static void cdnow_churn_auc(void **state)
{
	cdnow_orders co;
	churn_options o;
	churn_result r;
	err e = {0};
	(void)state;

	load_cdnow_orders(test_data("cdnow/CDNOW_master.txt"), &co);
	/* data/cdnow/SOURCE.txt: 23,570 customers, 69,659 rows */
	assert_int_equal(co.n, 23570);
	assert_int_equal(co.start[co.n], 69659);
	churn_events ev = {
		.n = co.n, .order_start = co.start, .order_day = co.day, .order_amount = co.amount};
	double *risk = xmalloc(co.n * sizeof(double));
	churn_options_default(&o);
	o.as_of = cdnow_day(19980630);
	o.horizon_days = 90;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &r, &e), E_OK);
	assert_int_equal(r.outcome, CHURN_SCORED);
	print_message("CDNOW, customer split, as of 1998-06-30, H 90: train %zu (%zu churned), "
		      "hold-out %zu (base rate %.3f), C %g, AUC %.4f (train %.4f), Brier %.4f, "
		      "log-loss %.4f\n",
		      r.train_rows, r.train_churned, r.test_rows, r.base_rate, r.model.C, r.auc,
		      r.auc_train, r.brier, r.log_loss);
	for (int b = 0; b < CHURN_CALIB_BINS; b++)
		print_message("  decile %d: %5zu rows, mean risk %.3f, churned %.3f\n", b + 1,
			      r.calib[b].count, r.calib[b].mean_score, r.calib[b].rate);
	/* every CDNOW customer bought in Q1 1997, so all are scored */
	assert_int_equal(r.scored, co.n);
	assert_true(r.test_rows > 5000);
	assert_true(r.auc > 0.75);

	o.split = CHURN_SPLIT_TIME;
	assert_int_equal(churn_run(&ev, &o, risk, NULL, &r, &e), E_OK);
	assert_int_equal(r.outcome, CHURN_SCORED);
	print_message("CDNOW, time split: train at 1998-01-01 (%zu rows), test at 1998-04-01 "
		      "(%zu rows), AUC %.4f\n",
		      r.train_rows, r.test_rows, r.auc);
	assert_true(r.auc > 0.75);
	free(risk);
	free(co.start);
	free(co.day);
	free(co.amount);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auc_hand_cases),
		cmocka_unit_test(auc_matches_pair_count),
		cmocka_unit_test(calibration_small_case),
		cmocka_unit_test(features_of_hand_made_customers),
		cmocka_unit_test(rejects_bad_columns),
		cmocka_unit_test(explain_ranks_contributions),
		cmocka_unit_test(refuses_too_little_data),
		cmocka_unit_test(planted_churn_is_found),
		cmocka_unit_test(noise_labels_give_half),
		cmocka_unit_test(liblinear_is_silent_and_reentrant),
		cmocka_unit_test(cdnow_churn_auc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
