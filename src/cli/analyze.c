/* analyze.c: `ecrm analyze [MODEL...]`: loads the analytics snapshot, runs
 * the models (a table of {name, run}), stores per-customer results in
 * customer_scores and one analytics_runs row per model, and prints a
 * summary (or, with --json, one object with a member per model). */
#include "cli/cli.h"
#include "analytics/kmeans.h"
#include "analytics/lifecycle.h"
#include "analytics/parallel.h"
#include "analytics/rfm.h"
#include "analytics/scores.h"
#include "analytics/snapshot.h"
#include "analytics/value_tier.h"
#include "core/xalloc.h"

#include <jansson.h>
#include <math.h>
#include <time.h>

/* What a model run sees and leaves behind. Results are NULL (or zero)
 * until the model producing them has run in this invocation; a model may
 * use the results of models before it in the table. */
typedef struct {
	cli_ctx *ctx;
	const snapshot *snap;
	int32_t as_of; /* Unix day; orders before it count */
	int threads;
	/* Options for the models that forecast (BG/NBD, Gamma-Gamma, CLV). */
	const char *period;   /* day, week, month */
	int64_t horizon;      /* periods */
	double discount_rate; /* per year */
	int64_t k;            /* clusters; 0: choose by silhouette */

	rfm_result rfm; /* rfm (also computed for clusters) */
	bool rfm_done;
	bool rfm_save; /* the rfm model ran: store its columns */
	int64_t *profit; /* tiers */
	uint8_t *tier;
	uint8_t *stage; /* lifecycle */
	/* Filled by BG/NBD, Gamma-Gamma, CLV and churn when they run (NaN for
	 * a customer they do not score); lifecycle uses p_alive. */
	double *p_alive, *expected_purchases, *expected_spend, *clv, *churn_risk;
	int32_t *cluster; /* clusters; -1 for customers without orders */
} analysis;

/* A model fills `params` (what it ran with) and `res` (its summary: the
 * JSON member and the analytics_runs row) and prints its text summary
 * unless --json. */
typedef status (*model_run_fn)(analysis *a, json_t *params, json_t *res, err *e);

static status run_rfm(analysis *a, json_t *params, json_t *res, err *e);
static status run_tiers(analysis *a, json_t *params, json_t *res, err *e);
static status run_lifecycle(analysis *a, json_t *params, json_t *res, err *e);
static status run_clusters(analysis *a, json_t *params, json_t *res, err *e);

/* In run order: a model may use the results of the ones above it. */
static const struct {
	const char *name;
	model_run_fn run;
} models[] = {
	{ "rfm", run_rfm },
	{ "tiers", run_tiers },
	/* BG/NBD, Gamma-Gamma, CLV and churn go here, before lifecycle
	 * (which uses P(alive) when it has been computed). */
	{ "lifecycle", run_lifecycle },
	{ "clusters", run_clusters },
};

#define N_MODELS ARRAY_SIZE(models)

/* ---- dates (YYYY-MM-DD <-> Unix day, proleptic Gregorian) ---- */

/* Days from 1970-01-01 to y-m-d, by counting whole 400-year eras. */
static int64_t days_from_date(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void date_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Strict YYYY-MM-DD (a real calendar day); false otherwise. */
static bool parse_day(const char *s, int32_t *out)
{
	int y, m, d, n = 0;
	int64_t yy;
	int mm, dd;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return false;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	int64_t day = days_from_date(y, m, d);
	date_from_days(day, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d) /* 2023-02-30 and the like */
		return false;
	*out = (int32_t)day;
	return true;
}

static const char *format_day(int32_t day, char buf[16])
{
	int64_t y;
	int m, d;

	date_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04" PRId64 "-%02d-%02d", y, m, d);
	return buf;
}

/* ---- output helpers ---- */

/* Minor units as major units with two decimals (the usual currency). */
static const char *money(int64_t v, char buf[32])
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	snprintf(buf, 32, "%s%" PRIu64 ".%02u", v < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
	return buf;
}

static double pct(int64_t part, int64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static json_t *jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(const analysis *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void progress(const analysis *a, const char *fmt, ...)
{
	va_list ap;

	if (a->ctx->quiet)
		return;
	va_start(ap, fmt);
	fputs("analyze: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- models ---- */

static void ensure_rfm(analysis *a)
{
	if (a->rfm_done)
		return;
	rfm_compute(a->snap, a->as_of, a->threads, &a->rfm);
	a->rfm_done = true;
}

static status run_rfm(analysis *a, json_t *params, json_t *res, err *e)
{
	rfm_summary s;
	json_t *segs = json_array();
	char b1[32];

	(void)e;
	(void)params;
	ensure_rfm(a);
	a->rfm_save = true;
	rfm_summarize(&a->rfm, &s);
	json_object_set_new(res, "scored", json_integer(a->rfm.n_scored));
	json_object_set_new(res, "not_scored", json_integer(a->rfm.n - a->rfm.n_scored));
	if (!a->ctx->json)
		printf("\nRFM segments (%d customers with orders)\n  %-20s %10s %7s %10s %16s %7s\n",
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
		if (!a->ctx->json)
			printf("  %-20s %10" PRId64 " %6.1f%% %10" PRId64 " %16s %6.1f%%\n",
			       rfm_segment_label((rfm_segment)g), s.customers[g],
			       pct(s.customers[g], a->rfm.n_scored), s.orders[g],
			       money(s.monetary[g], b1), pct(s.monetary[g], revenue));
	}
	json_object_set_new(res, "segments", segs);
	return E_OK;
}

static status run_tiers(analysis *a, json_t *params, json_t *res, err *e)
{
	size_t n = (size_t)a->snap->n_customers, alloc = n ? n : 1;
	uint8_t *has_orders = xmalloc(alloc);
	value_tier_params p;
	value_tier_summary s;
	json_t *tiers = json_array();
	status rc;
	char b1[32];

	value_tier_params_default(&p, a->ctx->cfg);
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
	if (!a->ctx->json) {
		printf("\nValue tiers (key: first %.0f %% of profit, normal: next %.0f %%)\n",
		       100 * p.key_share, 100 * p.normal_share);
		if (a->snap->orders_cost_unknown)
			printf("  %" PRId64 " orders without cost counted at a margin of %.1f %% of "
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
		json_object_set_new(o, "profit_share", jreal(share));
		json_array_append_new(tiers, o);
		if (!a->ctx->json)
			printf("  %-8s %10" PRId64 " %6.1f%% %16s %6.1f%%\n",
			       value_tier_name((value_tier)t), s.customers[t],
			       pct(s.customers[t], scored), money(s.profit[t], b1), 100 * share);
	}
	json_object_set_new(res, "tiers", tiers);
	return E_OK;
}

static status run_lifecycle(analysis *a, json_t *params, json_t *res, err *e)
{
	lifecycle_params p;
	lifecycle_summary s;
	json_t *stages = json_array();
	status rc;

	lifecycle_params_default(&p, a->ctx->cfg);
	if ((rc = lifecycle_params_check(&p, e))) {
		json_decref(stages);
		return rc;
	}
	a->stage = xmalloc(a->snap->n_customers ? (size_t)a->snap->n_customers : 1);
	lifecycle_classify(a->snap, a->as_of, &p, a->p_alive, a->threads, a->stage, &s);

	json_object_set_new(params, "new_days", json_integer(p.new_days));
	json_object_set_new(params, "new_max_orders", json_integer(p.new_max_orders));
	json_object_set_new(params, "churn_factor", json_real(p.churn_factor));
	json_object_set_new(params, "churn_min_days", json_integer(p.churn_min_days));
	json_object_set_new(params, "churn_p_alive", json_real(p.churn_p_alive));
	json_object_set_new(params, "trend_days", json_integer(p.trend_days));
	json_object_set_new(params, "growth_ratio", json_real(p.growth_ratio));
	json_object_set_new(params, "decline_ratio", json_real(p.decline_ratio));
	json_object_set_new(params, "trend_by_orders", json_boolean(p.trend_by_orders));
	json_object_set_new(res, "used_p_alive", json_boolean(a->p_alive != NULL));
	json_object_set_new(res, "median_ipt_days", json_real(s.median_ipt_days));
	json_object_set_new(res, "churned_by_p_alive", json_integer(s.churned_by_p_alive));
	if (!a->ctx->json)
		printf("\nLifecycle stages (median days between orders %.1f%s)\n  %-10s %10s %7s\n",
		       s.median_ipt_days, a->p_alive ? ", P(alive) used" : "", "stage",
		       "customers", "%");
	for (int t = 0; t < LIFECYCLE__COUNT; t++) {
		json_t *o = json_object();
		json_object_set_new(o, "stage", json_string(lifecycle_stage_name((lifecycle_stage)t)));
		json_object_set_new(o, "customers", json_integer(s.customers[t]));
		json_array_append_new(stages, o);
		if (!a->ctx->json)
			printf("  %-10s %10" PRId64 " %6.1f%%\n",
			       lifecycle_stage_name((lifecycle_stage)t), s.customers[t],
			       pct(s.customers[t], a->snap->n_customers));
	}
	json_object_set_new(res, "stages", stages);
	return E_OK;
}

/* Clusters customers with orders on recency, log(1 + frequency) and
 * log(1 + max(monetary, 0)): the logs keep a few very large buyers from
 * taking clusters of their own. Clusters are described by their members'
 * mean recency, frequency and monetary in plain units. */
static status run_clusters(analysis *a, json_t *params, json_t *res, err *e)
{
	const rfm_result *r;
	size_t n = (size_t)a->snap->n_customers, m = 0, alloc = n ? n : 1;
	double *x = xmalloc(alloc * 3 * sizeof(*x));
	int32_t *lab = xmalloc(alloc * sizeof(*lab));
	double(*mean)[3] = NULL;
	kmeans_params p;
	kmeans_result km = { 0 };
	json_t *clusters = json_array(), *byk = json_object();
	status rc = E_OK;
	char b1[32];

	ensure_rfm(a);
	r = &a->rfm;
	for (size_t i = 0; i < n; i++) {
		if (!r->frequency[i])
			continue;
		x[m * 3] = r->recency[i];
		x[m * 3 + 1] = log1p((double)r->frequency[i]);
		x[m * 3 + 2] = log1p(r->monetary[i] > 0 ? (double)r->monetary[i] : 0.0);
		m++;
	}
	kmeans_params_default(&p);
	p.k = (int)a->k;
	p.threads = a->threads;
	p.seed = (uint64_t)config_int(a->ctx->cfg, "analytics", "seed", 1);
	if (p.k_max >= (int)m)
		p.k_max = (int)m - 1;
	json_object_set_new(params, "k", json_integer(a->k));
	json_object_set_new(params, "seed", json_integer((json_int_t)p.seed));
	json_object_set_new(params, "features",
			    json_pack("[sss]", "recency_days", "log1p_frequency", "log1p_monetary"));
	if (m < 3 || (p.k && (size_t)p.k >= m)) {
		/* Too few buyers to cluster: say so instead of failing the run. */
		json_object_set_new(res, "k", json_integer(0));
		json_object_set_new(res, "clusters", clusters);
		clusters = NULL;
		if (!a->ctx->json)
			printf("\nClusters: too few customers with orders (%zu) to cluster\n", m);
		goto out;
	}
	if ((rc = kmeans_fit(x, m, 3, &p, lab, &km, e))) {
		err_prefix(e, "clusters");
		goto out;
	}
	a->cluster = xmalloc(alloc * sizeof(*a->cluster));
	mean = xcalloc((size_t)km.k, sizeof(*mean));
	for (size_t i = 0, j = 0; i < n; i++) {
		if (!r->frequency[i]) {
			a->cluster[i] = -1;
			continue;
		}
		int c = lab[j++];
		a->cluster[i] = c;
		mean[c][0] += r->recency[i];
		mean[c][1] += r->frequency[i];
		mean[c][2] += (double)r->monetary[i];
	}
	json_object_set_new(res, "k", json_integer(km.k));
	json_object_set_new(res, "silhouette", jreal(km.silhouette));
	json_object_set_new(res, "silhouette_exact", json_boolean(km.silhouette_exact));
	for (int k = 2; k <= KMEANS_MAX_K; k++) {
		char key[8];
		snprintf(key, sizeof(key), "%d", k);
		if (!isnan(km.silhouette_by_k[k]))
			json_object_set_new(byk, key, json_real(km.silhouette_by_k[k]));
	}
	if (!a->ctx->json)
		printf("\nClusters (k = %d%s, silhouette %.3f%s)\n  %-7s %10s %7s %9s %9s %14s\n",
		       km.k, a->k ? "" : " by best silhouette", km.silhouette,
		       km.silhouette_exact ? "" : " on a sample", "cluster", "customers", "%",
		       "recency", "orders", "monetary");
	for (int c = 0; c < km.k; c++) {
		json_t *o = json_object();
		double sz = (double)km.size[c];
		json_object_set_new(o, "cluster", json_integer(c));
		json_object_set_new(o, "customers", json_integer(km.size[c]));
		json_object_set_new(o, "recency_days", json_real(mean[c][0] / sz));
		json_object_set_new(o, "frequency", json_real(mean[c][1] / sz));
		json_object_set_new(o, "monetary", json_real(mean[c][2] / sz));
		json_array_append_new(clusters, o);
		if (!a->ctx->json)
			printf("  %-7d %10" PRId64 " %6.1f%% %9.1f %9.2f %14s\n", c, km.size[c],
			       pct(km.size[c], (int64_t)m), mean[c][0] / sz, mean[c][1] / sz,
			       money(llround(mean[c][2] / sz), b1));
	}
	json_object_set_new(res, "silhouette_by_k", byk);
	json_object_set_new(res, "clusters", clusters);
	byk = clusters = NULL;
out:
	kmeans_result_release(&km);
	json_decref(byk);
	json_decref(clusters);
	free(mean);
	free(x);
	free(lab);
	return rc;
}

/* ---- the command ---- */

typedef struct {
	const char *as_of, *period;
	int64_t horizon, threads, k;
	double discount_rate;
} options;

enum { OPT_STR, OPT_INT, OPT_DOUBLE };

static const struct {
	const char *name;
	int type;
	size_t off;
} option_table[] = {
	{ "--as-of", OPT_STR, offsetof(options, as_of) },
	{ "--period", OPT_STR, offsetof(options, period) },
	{ "--horizon", OPT_INT, offsetof(options, horizon) },
	{ "--discount-rate", OPT_DOUBLE, offsetof(options, discount_rate) },
	{ "--threads", OPT_INT, offsetof(options, threads) },
	{ "--k", OPT_INT, offsetof(options, k) },
};

static bool set_option(options *o, int type, size_t off, const char *v)
{
	char *end;

	errno = 0;
	switch (type) {
	case OPT_STR:
		*(const char **)((char *)o + off) = v;
		return true;
	case OPT_INT:
		*(int64_t *)((char *)o + off) = strtoll(v, &end, 10);
		break;
	default:
		*(double *)((char *)o + off) = strtod(v, &end);
		break;
	}
	return !errno && end != v && !*end;
}

/* Parses argv into `o` and the selected models; returns CLI_OK or the
 * usage status after printing why. */
static int parse_args(int argc, char **argv, options *o, bool selected[N_MODELS])
{
	bool any = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t j;

		if (a[0] == '-') {
			const char *eq = strchr(a, '=');
			size_t len = eq ? (size_t)(eq - a) : strlen(a);
			for (j = 0; j < ARRAY_SIZE(option_table); j++) {
				if (strlen(option_table[j].name) == len &&
				    strncmp(option_table[j].name, a, len) == 0)
					break;
			}
			if (j == ARRAY_SIZE(option_table))
				return cli_usage("analyze", "unknown option '%s'", a);
			const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v)
				return cli_usage("analyze", "%s needs a value", option_table[j].name);
			if (!set_option(o, option_table[j].type, option_table[j].off, v))
				return cli_usage("analyze", "%s: '%s' is not a number",
						 option_table[j].name, v);
			continue;
		}
		any = true;
		if (strcmp(a, "all") == 0) {
			for (j = 0; j < N_MODELS; j++)
				selected[j] = true;
			continue;
		}
		for (j = 0; j < N_MODELS && strcmp(models[j].name, a) != 0; j++)
			;
		if (j == N_MODELS)
			return cli_usage("analyze", "no model named '%s'", a);
		selected[j] = true;
	}
	if (!any) {
		for (size_t j = 0; j < N_MODELS; j++)
			selected[j] = true;
	}
	if (strcmp(o->period, "day") != 0 && strcmp(o->period, "week") != 0 &&
	    strcmp(o->period, "month") != 0)
		return cli_usage("analyze", "--period must be day, week or month, not '%s'",
				 o->period);
	if (o->horizon < 1)
		return cli_usage("analyze", "--horizon must be at least 1 period");
	if (!(o->discount_rate >= 0 && o->discount_rate < 10))
		return cli_usage("analyze", "--discount-rate must be between 0 and 10 (per year)");
	if (o->threads < 1 || o->threads > 64)
		return cli_usage("analyze", "--threads must be between 1 and 64");
	if (o->k != 0 && (o->k < 2 || o->k > KMEANS_MAX_K))
		return cli_usage("analyze", "--k must be between 2 and %d", KMEANS_MAX_K);
	return CLI_OK;
}

static void release(analysis *a)
{
	rfm_result_release(&a->rfm);
	free(a->profit);
	free(a->tier);
	free(a->stage);
	free(a->p_alive);
	free(a->expected_purchases);
	free(a->expected_spend);
	free(a->clv);
	free(a->churn_risk);
	free(a->cluster);
}

/* Stores the per-customer columns of the models that ran, and one
 * analytics_runs row each, in one transaction. */
static status save(store *st, const analysis *a, json_t *root, json_t *const run_params[N_MODELS],
		   const int64_t started[N_MODELS], const int64_t finished[N_MODELS], err *e)
{
	const snapshot *s = a->snap;
	scores_columns c = { .n = (size_t)s->n_customers,
			     .customer_id = s->customer_id,
			     .as_of = a->as_of };
	status rc;

	if (a->rfm_save) {
		c.recency_days = a->rfm.recency;
		c.frequency = a->rfm.frequency;
		c.monetary = a->rfm.monetary;
		c.r = a->rfm.r;
		c.f = a->rfm.f;
		c.m = a->rfm.m;
		c.rfm_segment = a->rfm.segment;
	}
	c.value_tier = a->tier;
	c.profit = a->tier ? a->profit : NULL;
	c.lifecycle_stage = a->stage;
	c.p_alive = a->p_alive;
	c.expected_purchases = a->expected_purchases;
	c.expected_spend = a->expected_spend;
	c.clv = a->clv;
	c.churn_risk = a->churn_risk;
	c.cluster = a->cluster;
	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = scores_write(st, &c, (int64_t)time(NULL), e)))
		goto out;
	for (size_t i = 0; i < N_MODELS; i++) {
		json_t *res = json_object_get(root, models[i].name);
		if (!res)
			continue;
		char *p = json_dumps(run_params[i], JSON_COMPACT | JSON_SORT_KEYS);
		char *r = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS);
		rc = scores_record_run(st, models[i].name, a->as_of, p, r, started[i], finished[i],
				       NULL, e);
		free(p);
		free(r);
		if (rc)
			goto out;
	}
	return store_commit(st, e);
out:
	store_rollback(st);
	return rc;
}

int cmd_analyze(cli_ctx *ctx, int argc, char **argv)
{
	const config *cfg = ctx->cfg;
	options o = {
		.period = config_str(cfg, "analytics", "period", "week"),
		.horizon = config_int(cfg, "analytics", "horizon", 52),
		.discount_rate = config_double(cfg, "analytics", "discount_rate", 0.10),
		.threads = config_int(cfg, "analytics", "threads", parallel_cpus()),
		.k = config_int(cfg, "analytics", "k", 0),
	};
	bool selected[N_MODELS] = { false };
	int64_t started[N_MODELS] = { 0 }, finished[N_MODELS] = { 0 };
	json_t *run_params[N_MODELS] = { NULL };
	snapshot_options so;
	snapshot snap = { 0 };
	analysis a = { .ctx = ctx, .snap = &snap };
	json_t *root = json_object();
	store *st = NULL;
	int rc = CLI_OK;
	double t0 = now_seconds(), t;
	char day[16];
	err e;

	err_clear(&e);
	if ((rc = parse_args(argc, argv, &o, selected)))
		goto out;
	a.threads = (int)o.threads;
	a.period = o.period;
	a.horizon = o.horizon;
	a.discount_rate = o.discount_rate;
	a.k = o.k;
	if (o.as_of && !parse_day(o.as_of, &a.as_of)) {
		rc = cli_usage("analyze", "--as-of: '%s' is not a date (YYYY-MM-DD)", o.as_of);
		goto out;
	}
	if (!(st = cli_open_store(ctx, 0))) {
		rc = CLI_FAIL;
		goto out;
	}
	snapshot_options_default(&so);
	so.margin_ratio = config_double(cfg, "analytics", "margin_ratio", -1.0);
	so.threads = a.threads;
	if (snapshot_load(st, &so, &snap, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	if (!o.as_of)
		a.as_of = snap.n_orders ? snap.last_order_day + 1 : snapshot_day(time(NULL));
	t = now_seconds();
	progress(&a, "snapshot: %d customers, %" PRId64 " orders, %" PRId64 " returns in %.2f s",
		 snap.n_customers, snap.n_orders, snap.n_returns, t - t0);
	if (snap.orders_skipped || snap.returns_skipped)
		progress(&a, "skipped %" PRId64 " orders and %" PRId64
			 " returns of unknown or merged-away customers",
			 snap.orders_skipped, snap.returns_skipped);
	if (!ctx->json)
		printf("as of %s (orders before that day count)\n", format_day(a.as_of, day));

	for (size_t i = 0; i < N_MODELS; i++) {
		json_t *res;
		if (!selected[i])
			continue;
		run_params[i] = json_object();
		res = json_object();
		started[i] = (int64_t)time(NULL);
		t = now_seconds();
		if (models[i].run(&a, run_params[i], res, &e)) {
			json_decref(res);
			rc = cli_fail(&e);
			goto out;
		}
		finished[i] = (int64_t)time(NULL);
		json_object_set_new(res, "as_of", json_string(format_day(a.as_of, day)));
		json_object_set(res, "params", run_params[i]);
		json_object_set_new(root, models[i].name, res);
		progress(&a, "%s: %.2f s", models[i].name, now_seconds() - t);
	}
	t = now_seconds();
	if (save(st, &a, root, run_params, started, finished, &e)) {
		rc = cli_fail(&e);
		goto out;
	}
	progress(&a, "saved %d customer scores in %.2f s", snap.n_customers, now_seconds() - t);
	if (ctx->json) {
		json_dumpf(root, stdout, JSON_COMPACT);
		fputc('\n', stdout);
	}
out:
	for (size_t i = 0; i < N_MODELS; i++)
		json_decref(run_params[i]);
	json_decref(root);
	release(&a);
	snapshot_release(&snap);
	store_close(st);
	return rc;
}
