/* analyze_clv.c: the "clv" model of `ecrm analyze`: BG/NBD (purchases,
 * P(alive)), Gamma-Gamma (spend per purchase) and CLV over a horizon, with
 * an optional hold-out check of a calibration fit.
 *
 * Meaning of the options (clv_run.h has the exact definitions):
 *  --period day|week|month   the model's time unit: t_x, T, alpha, the
 *                            horizon and the hold-out length are in it.
 *                            Purchases are always counted per customer-day
 *                            (same-day orders merge), whatever the period.
 *  --as-of DATE              orders before DATE count; scores are as of it.
 *  --calibration-end DATE    fit on the orders up to and including DATE,
 *                            compare predictions with the orders after it
 *                            (up to --as-of), then score every customer
 *                            from her history up to --as-of with the same
 *                            fitted parameters (the check belongs to the
 *                            model that scores).
 *  --horizon N               periods ahead for expected purchases and CLV.
 *  --clv-step day|week|month the discount step of CLV: the horizon is cut
 *                            into round(N periods / step) equal steps whose
 *                            purchases are discounted at the step's end.
 *  --discount-rate R         per year.
 *  [analytics] clv_margin    margin ratio for every customer; unset: each
 *                            customer's own (profit / order totals, see
 *                            clv_run.h).
 * Spend is modelled in major currency units (minor units / 10^decimals of
 * [import] currency, USD by default), so gamma reads in money; expected
 * spend and CLV are stored in minor units like every amount. */
#include "service/analyze.h"
#include "analytics/clv_run.h"
#include "analytics/radix.h"
#include "analytics/rfm.h"
#include "analytics/value_tier.h"
#include "core/xalloc.h"
#include "ingest/normalize.h"

#include <math.h>
#include <pthread.h>

/* Below these the fits say "insufficient data" instead of running: a
 * maximum-likelihood fit on a handful of customers is noise. */
enum { MIN_CUSTOMERS = 10, MIN_REPEATERS = 2, MIN_SPENDERS = 3 };

/* ---- distributions ---- */

/* Order-preserving int64 key of a double: negative values have their
 * non-sign bits flipped so signed comparison sorts like the doubles. */
static int64_t dkey(double v)
{
	int64_t k;
	memcpy(&k, &v, sizeof(k));
	return k < 0 ? k ^ INT64_MAX : k;
}

static double dval(int64_t k)
{
	double v;
	if (k < 0)
		k ^= INT64_MAX;
	memcpy(&v, &k, sizeof(v));
	return v;
}

/* Count, sum, mean and quantiles (the lower order statistic) of the finite
 * values of v[0..n); `top_share` adds the shares of the sum held by the
 * largest 10 % and 1 % of them. O(n) (radix sort). */
static json_t *distribution(const double *v, size_t n, bool top_share)
{
	int64_t *k = xmalloc((n ? n : 1) * sizeof(*k)), *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));
	static const struct {
		const char *name;
		double q;
	} qs[] = { { "min", 0 },    { "p10", 0.10 }, { "p25", 0.25 }, { "median", 0.50 },
		   { "p75", 0.75 }, { "p90", 0.90 }, { "p99", 0.99 }, { "max", 1 } };
	size_t m = 0;
	long double sum = 0;
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++) {
		if (isfinite(v[i])) {
			k[m++] = dkey(v[i]);
			sum += v[i];
		}
	}
	radix_sort_i64(k, m, tmp);
	json_object_set_new(o, "customers", json_integer((json_int_t)m));
	json_object_set_new(o, "sum", analyze_jreal((double)sum));
	json_object_set_new(o, "mean", m ? analyze_jreal((double)(sum / m)) : json_null());
	for (size_t j = 0; j < ARRAY_SIZE(qs); j++) {
		size_t at = (size_t)floor(qs[j].q * (double)(m ? m - 1 : 0));
		json_object_set_new(o, qs[j].name, m ? analyze_jreal(dval(k[at])) : json_null());
	}
	if (top_share) {
		static const struct {
			const char *name;
			double share;
		} tops[] = { { "top10_share", 0.10 }, { "top1_share", 0.01 } };
		for (size_t j = 0; j < ARRAY_SIZE(tops); j++) {
			size_t c = (size_t)ceil(tops[j].share * (double)m);
			long double top = 0;
			for (size_t i = m - c; i < m; i++)
				top += dval(k[i]);
			json_object_set_new(o, tops[j].name,
					    sum > 0 ? analyze_jreal((double)(top / sum))
						    : json_null());
		}
	}
	free(k);
	free(tmp);
	return o;
}

/* P(alive) in ten bins of width 0.1 (1.0 in the last). */
static json_t *histogram10(const double *v, size_t n)
{
	int64_t bins[10] = { 0 };
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		int b = (int)(v[i] * 10);
		bins[b < 0 ? 0 : b > 9 ? 9 : b]++;
	}
	for (int b = 0; b < 10; b++)
		json_array_append_new(arr,
				      json_pack("{s:f, s:f, s:I}", "from", b / 10.0, "to",
						(b + 1) / 10.0, "customers", (json_int_t)bins[b]));
	return arr;
}

/* CLV and customers by a segment column (value tier or RFM segment). */
static json_t *by_segment(const analyze_run *a, const uint8_t *seg, int nseg,
			  const char *(*name)(int), const char *key)
{
	int64_t *cust = xcalloc((size_t)nseg, sizeof(*cust));
	double *sum = xcalloc((size_t)nseg, sizeof(*sum));
	json_t *arr = json_array();

	for (int32_t c = 0; c < a->snap->n_customers; c++) {
		if (!isfinite(a->clv[c]) || seg[c] >= nseg)
			continue;
		cust[seg[c]]++;
		sum[seg[c]] += a->clv[c];
	}
	for (int g = 0; g < nseg; g++) {
		if (!cust[g])
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:I, s:o, s:o}", key, name(g),
						     "customers", (json_int_t)cust[g], "clv",
						     analyze_jreal(sum[g]), "clv_mean",
						     analyze_jreal(sum[g] / (double)cust[g])));
	}
	free(cust);
	free(sum);
	return arr;
}

static const char *tier_name(int t)
{
	return value_tier_name((value_tier)t);
}

static const char *segment_name(int s)
{
	return rfm_segment_name((rfm_segment)s);
}

/* ---- the model ---- */

static void say(analyze_run *a, json_t *res, const char *state, const char *msg)
{
	json_object_set_new(res, "status", json_string(state));
	json_object_set_new(res, "note", json_string(msg));
	if (a->text)
		printf("\nLifetime value: %s\n", msg);
}

static json_t *bgnbd_json(const bgnbd_fit_result *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "r", analyze_jreal(f->p.r));
	json_object_set_new(o, "alpha", analyze_jreal(f->p.alpha));
	json_object_set_new(o, "a", analyze_jreal(f->p.a));
	json_object_set_new(o, "b", analyze_jreal(f->p.b));
	json_object_set_new(o, "loglik", analyze_jreal(f->loglik));
	json_object_set_new(o, "customers", json_integer((json_int_t)f->customers));
	json_object_set_new(o, "converged", json_boolean(f->converged));
	json_object_set_new(o, "iterations", json_integer(f->iterations));
	json_object_set_new(o, "se",
			    json_pack("{s:o, s:o, s:o, s:o}", "r", analyze_jreal(f->se.r), "alpha",
				      analyze_jreal(f->se.alpha), "a", analyze_jreal(f->se.a), "b",
				      analyze_jreal(f->se.b)));
	return o;
}

static json_t *gammagamma_json(const gammagamma_fit_result *f, double money_scale)
{
	json_t *o = json_object();
	double q = f->p.q;
	json_object_set_new(o, "p", analyze_jreal(f->p.p));
	json_object_set_new(o, "q", analyze_jreal(q));
	json_object_set_new(o, "gamma", analyze_jreal(f->p.gamma));
	json_object_set_new(o, "loglik", analyze_jreal(f->loglik));
	json_object_set_new(o, "customers", json_integer((json_int_t)f->customers));
	json_object_set_new(o, "skipped", json_integer((json_int_t)f->skipped));
	json_object_set_new(o, "converged", json_boolean(f->converged));
	json_object_set_new(o, "iterations", json_integer(f->iterations));
	/* the population mean spend per purchase, p gamma / (q - 1), minor units */
	json_object_set_new(
		o, "mean_spend",
		analyze_jreal(q > 1 ? f->p.p * f->p.gamma / (q - 1) * money_scale : NAN));
	json_object_set_new(o, "se",
			    json_pack("{s:o, s:o, s:o}", "p", analyze_jreal(f->se.p), "q",
				      analyze_jreal(f->se.q), "gamma", analyze_jreal(f->se.gamma)));
	return o;
}

static json_t *holdout_json(const analyze_run *a, const clv_holdout *h)
{
	json_t *o = json_object(), *groups = json_array(), *track = json_array();
	char day[16];

	json_object_set_new(o, "from", json_string(analyze_day(a->calibration_end, day)));
	json_object_set_new(o, "to", json_string(analyze_day(a->as_of - 1, day)));
	json_object_set_new(o, "periods", analyze_jreal(h->t));
	json_object_set_new(o, "actual", analyze_jreal(h->actual));
	json_object_set_new(o, "predicted", analyze_jreal(h->predicted));
	json_object_set_new(o, "mae", analyze_jreal(h->mae));
	json_object_set_new(o, "not_predicted", json_integer((json_int_t)h->expected_failed));
	for (int g = 0; g < CLV_HOLDOUT_GROUPS; g++) {
		double n = (double)h->customers[g];
		char label[8];
		snprintf(label, sizeof(label), g == CLV_HOLDOUT_GROUPS - 1 ? "%d+" : "%d", g);
		json_array_append_new(
			groups,
			json_pack("{s:s, s:I, s:o, s:o}", "x", label, "customers",
				  (json_int_t)h->customers[g], "actual_mean",
				  n ? analyze_jreal(h->actual_sum[g] / n) : json_null(),
				  "predicted_mean",
				  n ? analyze_jreal(h->predicted_sum[g] / n) : json_null()));
	}
	for (size_t i = 0; i < h->points; i++)
		json_array_append_new(track,
				      json_pack("{s:s, s:o, s:o}", "end",
						analyze_day(h->end_day[i] - 1, day), "actual",
						analyze_jreal(h->track_actual[i]), "expected",
						analyze_jreal(h->track_expected[i])));
	json_object_set_new(o, "by_x", groups);
	json_object_set_new(o, "tracking", track);
	return o;
}

static void print_holdout(const analyze_run *a, const clv_holdout *h)
{
	char d1[16], d2[16];

	printf("  hold-out %s .. %s (%.1f %ss): %.0f repeat purchases, %.1f predicted, "
	       "MAE %.3f per customer\n",
	       analyze_day(a->calibration_end, d1), analyze_day(a->as_of - 1, d2), h->t, a->period,
	       h->actual, h->predicted, h->mae);
	printf("  %-4s %10s %12s %12s\n", "x", "customers", "actual", "predicted");
	for (int g = 0; g < CLV_HOLDOUT_GROUPS; g++) {
		double n = (double)h->customers[g];
		if (!n)
			continue;
		printf("  %d%-3s %10" PRId64 " %12.3f %12.3f\n", g,
		       g == CLV_HOLDOUT_GROUPS - 1 ? "+" : "", h->customers[g],
		       h->actual_sum[g] / n, h->predicted_sum[g] / n);
	}
}

/* What runs beside the BG/NBD fit: the Gamma-Gamma fit on the repeat
 * buyers with spend, and the sorts for scoring and the hold-out check. */
typedef struct {
	const clv_history *hist, *sc;
	clv_sorted *srt, *srt_cal; /* srt_cal NULL: no hold-out */
	size_t spenders;
	gammagamma_fit_result gf;
	status rc;
	err e;
} side_work;

static void *side_main(void *arg)
{
	side_work *w = arg;

	for (size_t i = 0; i < w->hist->n; i++)
		w->spenders += w->hist->x[i] > 0 && w->hist->spend[i] > 0;
	err_clear(&w->e);
	if (w->spenders >= MIN_SPENDERS) {
		gammagamma_data gd = clv_history_gammagamma(w->hist);
		w->rc = gammagamma_fit(&gd, NULL, &w->gf, &w->e);
	}
	clv_sorted_build(w->sc, w->srt);
	if (w->srt_cal)
		clv_sorted_build(w->hist, w->srt_cal);
	return NULL;
}

static void alloc_nan(double **v, size_t n)
{
	*v = xmalloc((n ? n : 1) * sizeof(double));
	for (size_t i = 0; i < n; i++)
		(*v)[i] = NAN;
}

status analyze_clv(analyze_run *a, json_t *params, json_t *res, err *e)
{
	size_t n = (size_t)a->snap->n_customers;
	const char *currency = config_str(a->cfg, "import", "currency", "USD");
	double money_scale = pow(10, currency_decimals(currency));
	clv_history_params hp = { a->calibration_end, a->as_of, a->period_days, money_scale };
	clv_history hist = { 0 }, now = { 0 };
	clv_sorted srt = { 0 }, srt_cal = { 0 };
	bgnbd_fit_result bf = { 0 };
	gammagamma_fit_result gf = { 0 };
	bool have_gg = false;
	char day[16], msg[512];
	status rc = E_OK;
	err fe;

	int64_t steps = llround((double)a->horizon * a->period_days / a->clv_step_days);
	if (steps < 1)
		steps = 1;
	json_object_set_new(params, "period", json_string(a->period));
	json_object_set_new(params, "period_days", json_real(a->period_days));
	json_object_set_new(params, "horizon", json_integer(a->horizon));
	json_object_set_new(params, "clv_step", json_string(a->clv_step));
	json_object_set_new(params, "clv_steps", json_integer(steps));
	json_object_set_new(params, "discount_rate", json_real(a->discount_rate));
	json_object_set_new(params, "margin",
			    a->clv_margin >= 0 ? json_real(a->clv_margin)
					       : json_string("customer"));
	json_object_set_new(params, "currency", json_string(currency));
	json_object_set_new(params, "money_unit", json_real(money_scale));
	json_object_set_new(params, "calibration_end",
			    json_string(analyze_day(a->calibration_end - 1, day)));

	/* All NaN until fitted: a run that cannot fit clears the columns
	 * instead of leaving an older run's values beside this as_of. */
	alloc_nan(&a->p_alive, n);
	alloc_nan(&a->expected_purchases, n);
	alloc_nan(&a->expected_spend, n);
	alloc_nan(&a->clv, n);

	clv_history_build(a->snap, &hp, a->threads, &hist);
	json_object_set_new(res, "customers", json_integer((json_int_t)hist.n));
	json_object_set_new(res, "repeat_customers", json_integer((json_int_t)hist.repeaters));
	if (hist.n < MIN_CUSTOMERS || hist.repeaters < MIN_REPEATERS) {
		snprintf(msg, sizeof(msg),
			 "too little data to fit BG/NBD: %zu customers, %zu with a repeat "
			 "purchase before %s (at least %d and %d needed)",
			 hist.n, hist.repeaters, analyze_day(a->calibration_end, day),
			 MIN_CUSTOMERS, MIN_REPEATERS);
		say(a, res, "insufficient_data", msg);
		goto out;
	}

	/* Scores come from each customer's history up to as_of, with the
	 * parameters fitted on the calibration. */
	const clv_history *sc = &hist;
	if (a->calibration_end < a->as_of) {
		clv_history_params np = hp;
		np.calib_end = a->as_of;
		clv_history_build(a->snap, &np, a->threads, &now);
		sc = &now;
	}
	if (a->clv_margin >= 0) {
		for (size_t i = 0; i < sc->n; i++)
			sc->margin[i] = a->clv_margin;
	}

	/* Gamma-Gamma and the sorts do not need BG/NBD's parameters: with two
	 * threads they run beside its fit, the longest step. */
	side_work side = { .hist = &hist,
			   .sc = sc,
			   .srt = &srt,
			   .srt_cal = a->has_calibration && a->calibration_end < a->as_of ? &srt_cal
											  : NULL };
	pthread_t tid;
	bool started = a->threads > 1 && pthread_create(&tid, NULL, side_main, &side) == 0;
	if (!started)
		side_main(&side);
	bgnbd_data bd = clv_history_bgnbd(&hist);
	err_clear(&fe);
	rc = bgnbd_fit(&bd, NULL, &bf, &fe);
	if (started)
		pthread_join(tid, NULL);
	if (rc) {
		rc = E_OK;
		if (bf.customers > 0)
			json_object_set_new(res, "bgnbd", bgnbd_json(&bf));
		say(a, res, bf.converged ? "failed" : "not_converged", fe.msg);
		goto out;
	}
	json_object_set_new(res, "bgnbd", bgnbd_json(&bf));

	const char *gg_status = "ok";
	msg[0] = 0;
	if (side.spenders < MIN_SPENDERS) {
		gg_status = "insufficient_data";
		snprintf(msg, sizeof(msg),
			 "too little data to fit Gamma-Gamma: %zu repeat buyers with spend "
			 "(at least %d needed); no expected spend or CLV",
			 side.spenders, MIN_SPENDERS);
	} else {
		if (side.rc) {
			gg_status = side.gf.converged ? "failed" : "not_converged";
			snprintf(msg, sizeof(msg), "%s; no expected spend or CLV", side.e.msg);
		} else if (!(side.gf.p.q > 1)) {
			gg_status = "no_mean";
			snprintf(msg, sizeof(msg),
				 "Gamma-Gamma: q = %.4g <= 1, so the mean spend does not exist; "
				 "no expected spend or CLV",
				 side.gf.p.q);
		} else {
			have_gg = true;
		}
		json_object_set_new(res, "gammagamma", gammagamma_json(&side.gf, money_scale));
	}
	gf = side.gf;
	json_object_set_new(res, "gammagamma_status", json_string(gg_status));
	json_object_set_new(res, "status", json_string(have_gg ? "ok" : "partial"));
	if (msg[0])
		json_object_set_new(res, "note", json_string(msg));

	{
		clv_score_params sp = {
			.bg = bf.p,
			.gg = have_gg ? &gf.p : NULL,
			.money_scale = money_scale,
			.horizon = (double)a->horizon,
			.cp = { .margin = 1,
				.annual_discount = a->discount_rate,
				.unit_days = a->period_days,
				.step = (double)a->horizon / (double)steps,
				.horizon = (int)steps },
		};
		double *pa = xmalloc((sc->n ? sc->n : 1) * sizeof(double));
		double *ex = xmalloc((sc->n ? sc->n : 1) * sizeof(double));
		double *sp_ = xmalloc((sc->n ? sc->n : 1) * sizeof(double));
		double *cl = xmalloc((sc->n ? sc->n : 1) * sizeof(double));
		clv_outputs outs = { pa, ex, have_gg ? sp_ : NULL, have_gg ? cl : NULL };
		clv_score_summary sum;

		rc = clv_score(&srt, &sp, a->threads, &outs, &sum, e);
		if (!rc) {
			for (size_t i = 0; i < sc->n; i++) {
				int32_t c = sc->idx[i];
				a->p_alive[c] = pa[i];
				a->expected_purchases[c] = ex[i];
				if (have_gg) {
					a->expected_spend[c] = sp_[i];
					a->clv[c] = cl[i];
				}
			}
			json_object_set_new(res, "scored", json_integer((json_int_t)sc->n));
			json_object_set_new(res, "groups", json_integer((json_int_t)sum.groups));
			json_object_set_new(res, "not_scored",
					    json_pack("{s:I, s:I, s:I}", "expected_purchases",
						      (json_int_t)sum.expected_failed,
						      "expected_spend",
						      (json_int_t)sum.spend_failed, "clv",
						      (json_int_t)sum.clv_failed));
		}
		free(pa);
		free(ex);
		free(sp_);
		free(cl);
		if (rc)
			goto out;
	}
	a->p_alive_fitted = true;
	json_object_set_new(res, "p_alive", distribution(a->p_alive, n, false));
	json_object_set_new(res, "p_alive_histogram", histogram10(a->p_alive, n));
	json_object_set_new(res, "expected_purchases",
			    distribution(a->expected_purchases, n, false));
	if (have_gg) {
		json_object_set_new(res, "expected_spend",
				    distribution(a->expected_spend, n, false));
		json_object_set_new(res, "clv", distribution(a->clv, n, true));
		if (a->tier)
			json_object_set_new(
				res, "clv_by_tier",
				by_segment(a, a->tier, VALUE_TIER__COUNT, tier_name, "tier"));
		if (a->rfm_save)
			json_object_set_new(
				res, "clv_by_segment",
				by_segment(a, a->rfm.segment, RFM__COUNT, segment_name, "segment"));
	}

	clv_holdout ho;
	bool holdout = a->has_calibration && a->calibration_end < a->as_of;
	if (holdout) {
		clv_holdout_check(a->snap, &hist, &srt_cal, &hp, &bf.p, a->threads, &ho);
		json_object_set_new(res, "holdout", holdout_json(a, &ho));
	}

	if (a->text) {
		json_t *cd = json_object_get(res, "clv");
		printf("\nLifetime value (BG/NBD%s, time in %ss; fitted on orders to %s)\n",
		       have_gg ? " + Gamma-Gamma" : "", a->period,
		       analyze_day(a->calibration_end - 1, day));
		printf("  BG/NBD       r %.4f  alpha %.4f  a %.4f  b %.4f  log-lik %.2f  "
		       "(%zu customers)\n",
		       bf.p.r, bf.p.alpha, bf.p.a, bf.p.b, bf.loglik, hist.n);
		if (have_gg)
			printf("  Gamma-Gamma  p %.4f  q %.4f  gamma %.4f  log-lik %.2f  "
			       "(%.0f repeat buyers)\n",
			       gf.p.p, gf.p.q, gf.p.gamma, gf.loglik, gf.customers);
		else
			printf("  %s\n", msg);
		if (cd) {
			char b1[32], b2[32], b3[32];
			printf("  CLV over %" PRId64 " %ss (%" PRId64 " discount steps, %.1f %% a "
			       "year): total %s, mean %s, median %s, top 10 %% hold %.1f %%\n",
			       a->horizon, a->period, steps, 100 * a->discount_rate,
			       analyze_money(llround(json_real_value(json_object_get(cd, "sum"))),
					     b1),
			       analyze_money(llround(json_real_value(json_object_get(cd, "mean"))),
					     b2),
			       analyze_money(
				       llround(json_real_value(json_object_get(cd, "median"))), b3),
			       100 * json_real_value(json_object_get(cd, "top10_share")));
		}
		if (holdout)
			print_holdout(a, &ho);
	}
out:
	clv_sorted_release(&srt);
	clv_sorted_release(&srt_cal);
	clv_history_release(&hist);
	clv_history_release(&now);
	return rc;
}
