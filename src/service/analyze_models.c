/* analyze_models.c: the RFM, value tier, lifecycle and cluster models of
 * `ecrm analyze`: each runs its kernel, fills its JSON summary and prints
 * a table. */
#include "service/analyze.h"
#include "analytics/kmeans.h"
#include "analytics/lifecycle.h"
#include "analytics/value_tier.h"
#include "core/xalloc.h"

#include <math.h>

const char *analyze_money(int64_t v, char buf[32])
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	snprintf(buf, 32, "%s%" PRIu64 ".%02u", v < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
	return buf;
}

double analyze_pct(int64_t part, int64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

json_t *analyze_jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

void analyze_ensure_rfm(analyze_run *a)
{
	if (a->rfm_done)
		return;
	rfm_compute(a->snap, a->as_of, a->threads, &a->rfm);
	a->rfm_done = true;
}

status analyze_rfm(analyze_run *a, json_t *params, json_t *res, err *e)
{
	rfm_summary s;
	json_t *segs = json_array();
	char b1[32];

	(void)e;
	(void)params;
	analyze_ensure_rfm(a);
	a->rfm_save = true;
	rfm_summarize(&a->rfm, &s);
	json_object_set_new(res, "scored", json_integer(a->rfm.n_scored));
	json_object_set_new(res, "not_scored", json_integer(a->rfm.n - a->rfm.n_scored));
	if (a->text)
		printf("\nRFM segments (%d customers with orders)\n  %-20s %10s %7s %10s %16s "
		       "%7s\n",
		       a->rfm.n_scored, "segment", "customers", "%", "orders", "revenue", "%");
	int64_t revenue = 0;
	for (int g = 1; g < RFM__COUNT; g++)
		revenue += s.monetary[g];
	for (int g = 1; g < RFM__COUNT; g++) {
		json_t *o = json_object();
		json_object_set_new(o, "segment", json_string(rfm_segment_name((rfm_segment)g)));
		json_object_set_new(o, "label", json_string(rfm_segment_label((rfm_segment)g)));
		json_object_set_new(o, "customers", json_integer(s.customers[g]));
		json_object_set_new(o, "orders", json_integer(s.orders[g]));
		json_object_set_new(o, "revenue", json_integer(s.monetary[g]));
		json_array_append_new(segs, o);
		if (a->text)
			printf("  %-20s %10" PRId64 " %6.1f%% %10" PRId64 " %16s %6.1f%%\n",
			       rfm_segment_label((rfm_segment)g), s.customers[g],
			       analyze_pct(s.customers[g], a->rfm.n_scored), s.orders[g],
			       analyze_money(s.monetary[g], b1),
			       analyze_pct(s.monetary[g], revenue));
	}
	json_object_set_new(res, "segments", segs);
	return E_OK;
}

status analyze_tiers(analyze_run *a, json_t *params, json_t *res, err *e)
{
	size_t n = (size_t)a->snap->n_customers, alloc = n ? n : 1;
	uint8_t *has_orders = xmalloc(alloc);
	value_tier_params p;
	value_tier_summary s;
	json_t *tiers = json_array();
	status rc;
	char b1[32];

	value_tier_params_default(&p, a->cfg);
	if ((rc = value_tier_params_check(&p, e))) {
		free(has_orders);
		json_decref(tiers);
		return rc;
	}
	a->profit = xmalloc(alloc * sizeof(*a->profit));
	a->tier = xmalloc(alloc);
	value_tier_profit(a->snap, a->as_of, a->threads, a->profit, has_orders);
	value_tier_assign(a->profit, has_orders, n, &p, a->tier, &s);
	free(has_orders);

	json_object_set_new(params, "key_share", json_real(p.key_share));
	json_object_set_new(params, "normal_share", json_real(p.normal_share));
	json_object_set_new(params, "margin_ratio", json_real(a->snap->margin_ratio));
	json_object_set_new(res, "orders_cost_unknown", json_integer(a->snap->orders_cost_unknown));
	json_object_set_new(res, "total_profit", json_integer(s.total_profit));
	json_object_set_new(res, "key_min_profit", json_integer(s.key_min_profit));
	json_object_set_new(res, "normal_min_profit", json_integer(s.normal_min_profit));
	if (a->text) {
		printf("\nValue tiers (key: first %.0f %% of profit, normal: next %.0f %%)\n",
		       100 * p.key_share, 100 * p.normal_share);
		if (a->snap->orders_cost_unknown)
			printf("  %" PRId64
			       " orders without cost counted at a margin of %.1f %% of "
			       "their total\n",
			       a->snap->orders_cost_unknown, 100 * a->snap->margin_ratio);
		printf("  %-8s %10s %7s %16s %7s\n", "tier", "customers", "%", "profit", "share");
	}
	int64_t scored = 0;
	for (int t = 1; t < VALUE_TIER__COUNT; t++)
		scored += s.customers[t];
	for (int t = 1; t < VALUE_TIER__COUNT; t++) {
		json_t *o = json_object();
		double share = s.total_profit ? (double)s.profit[t] / (double)s.total_profit : 0;
		json_object_set_new(o, "tier", json_string(value_tier_name((value_tier)t)));
		json_object_set_new(o, "customers", json_integer(s.customers[t]));
		json_object_set_new(o, "profit", json_integer(s.profit[t]));
		json_object_set_new(o, "profit_share", analyze_jreal(share));
		json_array_append_new(tiers, o);
		if (a->text)
			printf("  %-8s %10" PRId64 " %6.1f%% %16s %6.1f%%\n",
			       value_tier_name((value_tier)t), s.customers[t],
			       analyze_pct(s.customers[t], scored), analyze_money(s.profit[t], b1),
			       100 * share);
	}
	json_object_set_new(res, "tiers", tiers);
	return E_OK;
}

status analyze_lifecycle(analyze_run *a, json_t *params, json_t *res, err *e)
{
	lifecycle_params p;
	lifecycle_summary s;
	json_t *stages = json_array();
	status rc;

	lifecycle_params_default(&p, a->cfg);
	if ((rc = lifecycle_params_check(&p, e))) {
		json_decref(stages);
		return rc;
	}
	a->stage = xmalloc(a->snap->n_customers ? (size_t)a->snap->n_customers : 1);
	lifecycle_classify(a->snap, a->as_of, &p, a->p_alive_fitted ? a->p_alive : NULL, a->threads,
			   a->stage, &s);
	/* revenue per stage for the dashboards: RFM's net revenue */
	analyze_ensure_rfm(a);
	int64_t revenue[LIFECYCLE__COUNT] = { 0 };
	for (int32_t c = 0; c < a->snap->n_customers; c++)
		revenue[a->stage[c]] += a->rfm.monetary[c];

	json_object_set_new(params, "new_days", json_integer(p.new_days));
	json_object_set_new(params, "new_max_orders", json_integer(p.new_max_orders));
	json_object_set_new(params, "churn_factor", json_real(p.churn_factor));
	json_object_set_new(params, "churn_min_days", json_integer(p.churn_min_days));
	json_object_set_new(params, "churn_p_alive", json_real(p.churn_p_alive));
	json_object_set_new(params, "trend_days", json_integer(p.trend_days));
	json_object_set_new(params, "growth_ratio", json_real(p.growth_ratio));
	json_object_set_new(params, "decline_ratio", json_real(p.decline_ratio));
	json_object_set_new(params, "trend_by_orders", json_boolean(p.trend_by_orders));
	json_object_set_new(res, "used_p_alive", json_boolean(a->p_alive_fitted));
	json_object_set_new(res, "median_ipt_days", json_real(s.median_ipt_days));
	json_object_set_new(res, "churned_by_p_alive", json_integer(s.churned_by_p_alive));
	if (a->text)
		printf("\nLifecycle stages (median days between orders %.1f%s)\n  %-10s %10s %7s\n",
		       s.median_ipt_days, a->p_alive_fitted ? ", P(alive) used" : "", "stage",
		       "customers", "%");
	for (int t = 0; t < LIFECYCLE__COUNT; t++) {
		json_t *o = json_object();
		json_object_set_new(o, "stage",
				    json_string(lifecycle_stage_name((lifecycle_stage)t)));
		json_object_set_new(o, "customers", json_integer(s.customers[t]));
		json_object_set_new(o, "revenue", json_integer(revenue[t]));
		json_array_append_new(stages, o);
		if (a->text)
			printf("  %-10s %10" PRId64 " %6.1f%%\n",
			       lifecycle_stage_name((lifecycle_stage)t), s.customers[t],
			       analyze_pct(s.customers[t], a->snap->n_customers));
	}
	json_object_set_new(res, "stages", stages);
	return E_OK;
}

/* The heavy part of the clusters model: the fit. */
struct analyze_cluster_fit {
	kmeans_params p;
	size_t m;	/* customers with orders: the points */
	bool too_few;	/* too few buyers to cluster: reported, not an error */
	int32_t *lab;	/* [m] */
	kmeans_result km;
	status rc;
	err e;
};

/* Clusters customers with orders on recency, log(1 + frequency) and
 * log(1 + max(monetary, 0)): the logs keep a few very large buyers from
 * taking clusters of their own. */
analyze_cluster_fit *analyze_clusters_fit(const analyze_run *a)
{
	analyze_cluster_fit *f = xcalloc(1, sizeof(*f));
	const rfm_result *r = &a->rfm;
	size_t n = (size_t)a->snap->n_customers, m = 0, alloc = n ? n : 1;
	double *x = xmalloc(alloc * 3 * sizeof(*x));

	err_clear(&f->e);
	for (size_t i = 0; i < n; i++) {
		if (!r->frequency[i])
			continue;
		x[m * 3] = r->recency[i];
		x[m * 3 + 1] = log1p((double)r->frequency[i]);
		x[m * 3 + 2] = log1p(r->monetary[i] > 0 ? (double)r->monetary[i] : 0.0);
		m++;
	}
	kmeans_params_default(&f->p);
	f->p.k = (int)a->k;
	f->p.threads = a->threads;
	f->p.seed = (uint64_t)config_int(a->cfg, "analytics", "seed", 1);
	if (f->p.k_max >= (int)m)
		f->p.k_max = (int)m - 1;
	f->m = m;
	f->lab = xmalloc(alloc * sizeof(*f->lab));
	if (m < 3 || (f->p.k && (size_t)f->p.k >= m))
		f->too_few = true;
	else if ((f->rc = kmeans_fit(x, m, 3, &f->p, f->lab, &f->km, &f->e)))
		err_prefix(&f->e, "clusters");
	free(x);
	return f;
}

void analyze_cluster_fit_free(analyze_cluster_fit *f)
{
	if (!f)
		return;
	kmeans_result_release(&f->km);
	free(f->lab);
	free(f);
}

/* Reports the fit (a->cluster_fit when it was made ahead, else made now).
 * Clusters are described by their members' mean recency, frequency and
 * monetary in plain units. */
status analyze_clusters(analyze_run *a, json_t *params, json_t *res, err *e)
{
	const rfm_result *r;
	size_t n = (size_t)a->snap->n_customers, alloc = n ? n : 1;
	analyze_cluster_fit *f;
	double(*mean)[3] = NULL;
	json_t *clusters = json_array(), *byk = json_object();
	status rc = E_OK;
	char b1[32];

	analyze_ensure_rfm(a);
	r = &a->rfm;
	f = a->cluster_fit ? a->cluster_fit : analyze_clusters_fit(a);
	a->cluster_fit = NULL;
	const kmeans_result *km = &f->km;
	json_object_set_new(params, "k", json_integer(a->k));
	json_object_set_new(params, "seed", json_integer((json_int_t)f->p.seed));
	json_object_set_new(
		params, "features",
		json_pack("[sss]", "recency_days", "log1p_frequency", "log1p_monetary"));
	if (f->too_few) {
		/* Too few buyers to cluster: say so instead of failing the run. */
		json_object_set_new(res, "k", json_integer(0));
		json_object_set_new(res, "clusters", clusters);
		clusters = NULL;
		if (a->text)
			printf("\nClusters: too few customers with orders (%zu) to cluster\n", f->m);
		goto out;
	}
	if ((rc = f->rc)) {
		*e = f->e;
		goto out;
	}
	a->cluster = xmalloc(alloc * sizeof(*a->cluster));
	mean = xcalloc((size_t)km->k, sizeof(*mean));
	for (size_t i = 0, j = 0; i < n; i++) {
		if (!r->frequency[i]) {
			a->cluster[i] = -1;
			continue;
		}
		int c = f->lab[j++];
		a->cluster[i] = c;
		mean[c][0] += r->recency[i];
		mean[c][1] += r->frequency[i];
		mean[c][2] += (double)r->monetary[i];
	}
	json_object_set_new(res, "k", json_integer(km->k));
	json_object_set_new(res, "silhouette", analyze_jreal(km->silhouette));
	json_object_set_new(res, "silhouette_exact", json_boolean(km->silhouette_exact));
	for (int k = 2; k <= KMEANS_MAX_K; k++) {
		char key[8];
		snprintf(key, sizeof(key), "%d", k);
		if (!isnan(km->silhouette_by_k[k]))
			json_object_set_new(byk, key, json_real(km->silhouette_by_k[k]));
	}
	if (a->text)
		printf("\nClusters (k = %d%s, silhouette %.3f%s)\n  %-7s %10s %7s %9s %9s %14s\n",
		       km->k, a->k ? "" : " by best silhouette", km->silhouette,
		       km->silhouette_exact ? "" : " on a sample", "cluster", "customers", "%",
		       "recency", "orders", "monetary");
	for (int c = 0; c < km->k; c++) {
		json_t *o = json_object();
		double sz = (double)km->size[c];
		json_object_set_new(o, "cluster", json_integer(c));
		json_object_set_new(o, "customers", json_integer(km->size[c]));
		json_object_set_new(o, "recency_days", json_real(mean[c][0] / sz));
		json_object_set_new(o, "frequency", json_real(mean[c][1] / sz));
		json_object_set_new(o, "monetary", json_real(mean[c][2] / sz));
		json_array_append_new(clusters, o);
		if (a->text)
			printf("  %-7d %10" PRId64 " %6.1f%% %9.1f %9.2f %14s\n", c, km->size[c],
			       analyze_pct(km->size[c], (int64_t)f->m), mean[c][0] / sz,
			       mean[c][1] / sz, analyze_money(llround(mean[c][2] / sz), b1));
	}
	json_object_set_new(res, "silhouette_by_k", byk);
	json_object_set_new(res, "clusters", clusters);
	byk = clusters = NULL;
out:
	analyze_cluster_fit_free(f);
	json_decref(byk);
	json_decref(clusters);
	free(mean);
	return rc;
}
