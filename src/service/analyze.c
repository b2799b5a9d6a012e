/* analyze.c: the analytics run (analyze.h): loads the snapshot, runs the
 * models of the table, stores per-customer results in customer_scores and
 * one analytics_runs row per model. */
#include "service/analyze.h"
#include "analytics/kmeans.h"
#include "analytics/parallel.h"
#include "analytics/scores.h"
#include "core/datetime.h"
#include "core/xalloc.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

/* In run order: a model may use the results of the ones above it (clv
 * before lifecycle, which uses P(alive)). */
static const struct {
	const char *name;
	analyze_model_fn run;
} models[] = {
	{ "rfm", analyze_rfm },
	{ "tiers", analyze_tiers },
	{ "clv", analyze_clv },
	{ "churn", analyze_churn },
	{ "lifecycle", analyze_lifecycle },
	{ "clusters", analyze_clusters },
};

#define N_MODELS ARRAY_SIZE(models)


const char *analyze_model_name(size_t i)
{
	return i < N_MODELS ? models[i].name : NULL;
}

bool analyze_select(analyze_options *o, const char *name)
{
	if (strcmp(name, "all") == 0) {
		o->models = (1u << N_MODELS) - 1;
		return true;
	}
	for (size_t i = 0; i < N_MODELS; i++) {
		if (strcmp(models[i].name, name) == 0) {
			o->models |= 1u << i;
			return true;
		}
	}
	return false;
}

void analyze_options_default(analyze_options *o, const config *cfg)
{
	*o = (analyze_options){
		.period = config_str(cfg, "analytics", "period", "week"),
		.clv_step = config_str(cfg, "analytics", "clv_step", "month"),
		.horizon = config_int(cfg, "analytics", "horizon", 52),
		.discount_rate = config_double(cfg, "analytics", "discount_rate", 0.10),
		.clv_margin = config_double(cfg, "analytics", "clv_margin", -1.0),
		.threads = config_int(cfg, "analytics", "threads", parallel_cpus()),
		.k = config_int(cfg, "analytics", "k", 0),
	};
}

const char *analyze_day(int32_t day, char buf[16])
{
	datetime_format_date((int64_t)day * 86400, buf, 16);
	return buf;
}

double analyze_period_days(const char *name)
{
	if (strcmp(name, "day") == 0)
		return 1;
	if (strcmp(name, "week") == 0)
		return 7;
	if (strcmp(name, "month") == 0)
		return 365.25 / 12;
	return 0;
}

/* A date (any layout datetime_parse reads, year first when all-numeric)
 * into its Unix day. */
static status parse_day(const char *opt, const char *s, int32_t *out, err *e)
{
	int64_t t;

	if (datetime_parse(s, strlen(s), DATE_YMD, &t, e)) {
		err_prefix(e, "%s", opt);
		return e->code;
	}
	*out = snapshot_day(t);
	return E_OK;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bit of the model named `name` in analyze_options.models. */
static unsigned model_bit(const char *name)
{
	for (size_t i = 0; i < N_MODELS; i++) {
		if (strcmp(models[i].name, name) == 0)
			return 1u << i;
	}
	return 0;
}

/* The clusters' fit made ahead on its own thread (see analyze_execute). */
typedef struct {
	const analyze_run *a;
	analyze_cluster_fit *fit;
	pthread_t tid;
	bool started;
	int64_t started_at;
} fit_ahead;

static void *fit_ahead_main(void *arg)
{
	fit_ahead *f = arg;

	f->fit = analyze_clusters_fit(f->a);
	return NULL;
}

/* Waits for the fit made ahead, if any, and hands it to the clusters
 * model. */
static void fit_ahead_join(fit_ahead *f, analyze_run *a)
{
	if (!f->started)
		return;
	pthread_join(f->tid, NULL);
	f->started = false;
	a->cluster_fit = f->fit;
	f->fit = NULL;
}

static void release(analyze_run *a)
{
	analyze_cluster_fit_free(a->cluster_fit);
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
static status save(store *st, const analyze_run *a, json_t *root,
		   json_t *const run_params[N_MODELS], const int64_t started[N_MODELS],
		   const int64_t finished[N_MODELS], err *e)
{
	const snapshot *s = a->snap;
	scores_columns c = { .n = (size_t)s->n_customers,
			     .customer_id = s->customer_id,
			     .as_of = a->as_of };
	bool bulk;
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
	/* Bulk mode lets the store send the staged score rows together (COPY
	 * on PostgreSQL); it is switched outside transactions only. */
	bulk = !store_in_transaction(st);
	if (bulk && (rc = store_bulk_mode(st, true, e)))
		return rc;
	if ((rc = store_begin(st, e)))
		goto out_bulk;
	rc = scores_write(st, &c, (int64_t)time(NULL), e);
	for (size_t i = 0; !rc && i < N_MODELS; i++) {
		json_t *res = json_object_get(root, models[i].name);
		if (!res)
			continue;
		char *p = json_dumps(run_params[i],
				     JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
		char *r = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
		rc = scores_record_run(st, models[i].name, a->as_of, p, r, started[i], finished[i],
				       NULL, e);
		free(p);
		free(r);
	}
	rc = store_end(st, rc, e);
out_bulk:
	if (bulk) {
		err off;
		if (store_bulk_mode(st, false, &off) && !rc) {
			*e = off;
			rc = off.code;
		}
	}
	return rc;
}

static status check_options(const analyze_options *o, analyze_run *a, err *e)
{
	status rc;

	if (!(a->period_days = analyze_period_days(o->period)))
		return err_set(e, E_INVAL, "--period must be day, week or month, not '%s'",
			       o->period);
	if (!(a->clv_step_days = analyze_period_days(o->clv_step)))
		return err_set(e, E_INVAL, "--clv-step must be day, week or month, not '%s'",
			       o->clv_step);
	if (o->horizon < 1 || o->horizon > 100000)
		return err_set(e, E_INVAL, "--horizon must be 1 to 100000 periods");
	if ((double)o->horizon * a->period_days / a->clv_step_days > 100000)
		return err_set(e, E_INVAL,
			       "--horizon of %" PRId64 " %ss in %s steps makes more than 100000 "
			       "discount steps; use a longer --clv-step",
			       o->horizon, o->period, o->clv_step);
	if (!(o->discount_rate >= 0 && o->discount_rate < 10))
		return err_set(e, E_INVAL, "--discount-rate must be between 0 and 10 (per year)");
	if (!(o->clv_margin < 0 || o->clv_margin <= 1))
		return err_set(e, E_INVAL, "[analytics] clv_margin must be between 0 and 1");
	if (o->threads < 1 || o->threads > 64)
		return err_set(e, E_INVAL, "--threads must be between 1 and 64");
	if (o->k != 0 && (o->k < 2 || o->k > KMEANS_MAX_K))
		return err_set(e, E_INVAL, "--k must be between 2 and %d", KMEANS_MAX_K);
	if (!(o->models & ((1u << N_MODELS) - 1)))
		return err_set(e, E_INVAL, "no model selected");
	if (o->as_of && (rc = parse_day("--as-of", o->as_of, &a->as_of, e)))
		return rc;
	if (o->calibration_end) {
		if ((rc = parse_day("--calibration-end", o->calibration_end, &a->calibration_end,
				    e)))
			return rc;
		a->calibration_end++; /* the day after the last calibration day */
		a->has_calibration = true;
	}
	a->threads = (int)o->threads;
	a->period = o->period;
	a->clv_step = o->clv_step;
	a->horizon = o->horizon;
	a->discount_rate = o->discount_rate;
	a->clv_margin = o->clv_margin;
	a->k = o->k;
	return E_OK;
}

static void note(analyze_progress_fn fn, void *arg, const char *stage, int done, int total,
		 const char *fmt, ...) PRINTF_LIKE(6, 7);
static void note(analyze_progress_fn fn, void *arg, const char *stage, int done, int total,
		 const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fn(arg, stage, done, total, buf[0] ? buf : NULL);
}

status analyze_execute(store *st, const char *uri, const config *cfg, const analyze_options *o,
		       bool text, analyze_progress_fn progress, void *arg, json_t **out, err *e)
{
	int64_t started[N_MODELS] = { 0 }, finished[N_MODELS] = { 0 };
	json_t *run_params[N_MODELS] = { NULL };
	snapshot_options so;
	snapshot snap = { 0 };
	analyze_run a = { .cfg = cfg, .text = text, .snap = &snap, .uri = uri };
	json_t *root = json_object();
	fit_ahead ahead = { .a = &a };
	double t0 = now_seconds(), t;
	int total = 2, done = 0;
	status rc;
	char day[16];

	if (out)
		*out = NULL;
	if ((rc = check_options(o, &a, e)))
		goto out;
	for (size_t i = 0; i < N_MODELS; i++)
		total += (o->models >> i) & 1;
	note(progress, arg, "snapshot", done, total, "%s", "");
	snapshot_options_default(&so);
	so.margin_ratio = config_double(cfg, "analytics", "margin_ratio", -1.0);
	so.threads = a.threads;
	so.uri = uri;
	if ((rc = snapshot_load(st, &so, &snap, e)))
		goto out;
	if (!o->as_of)
		a.as_of = snap.n_orders ? snap.last_order_day + 1 : snapshot_day(time(NULL));
	if (!a.has_calibration)
		a.calibration_end = a.as_of;
	if (a.calibration_end > a.as_of) {
		rc = err_set(e, E_INVAL, "--calibration-end must be before --as-of");
		goto out;
	}
	t = now_seconds();
	done++;
	note(progress, arg, NULL, done, total,
	     "snapshot: %d customers, %" PRId64 " orders, %" PRId64 " returns in %.2f s",
	     snap.n_customers, snap.n_orders, snap.n_returns, t - t0);
	if (snap.orders_skipped || snap.returns_skipped)
		note(progress, arg, NULL, done, total,
		     "skipped %" PRId64 " orders and %" PRId64
		     " returns of unknown or merged-away customers",
		     snap.orders_skipped, snap.returns_skipped);
	if (text)
		printf("as of %s (orders before that day count): %d customers, %" PRId64
		       " orders, %" PRId64 " returns\n",
		       analyze_day(a.as_of, day), snap.n_customers, snap.n_orders, snap.n_returns);

	/* The clusters' k-means depends on RFM only: with clv or churn to run
	 * too, it runs on a thread of its own beside them, using the time their
	 * one-threaded stretches (the BG/NBD fit, the churn model) leave a
	 * core idle. Its results do not depend on the threads that ran it. */
	bool want_ahead = a.threads > 1 && (o->models & model_bit("clusters")) &&
			  (o->models & (model_bit("clv") | model_bit("churn")));
	for (size_t i = 0; i < N_MODELS; i++) {
		json_t *res;
		if (!((o->models >> i) & 1))
			continue;
		if (want_ahead && ((1u << i) & (model_bit("clv") | model_bit("churn")))) {
			want_ahead = false;
			analyze_ensure_rfm(&a);
			ahead.started_at = (int64_t)time(NULL);
			ahead.started =
				pthread_create(&ahead.tid, NULL, fit_ahead_main, &ahead) == 0;
		}
		note(progress, arg, models[i].name, done, total, "%s", "");
		run_params[i] = json_object();
		res = json_object();
		started[i] = (int64_t)time(NULL);
		t = now_seconds();
		if (models[i].run == analyze_clusters && ahead.started) {
			started[i] = ahead.started_at;
			fit_ahead_join(&ahead, &a);
		}
		if ((rc = models[i].run(&a, run_params[i], res, e))) {
			json_decref(res);
			goto out;
		}
		finished[i] = (int64_t)time(NULL);
		json_object_set_new(res, "as_of", json_string(analyze_day(a.as_of, day)));
		json_object_set(res, "params", run_params[i]);
		json_object_set_new(root, models[i].name, res);
		done++;
		note(progress, arg, NULL, done, total, "%s: %.2f s", models[i].name,
		     now_seconds() - t);
	}
	note(progress, arg, "save", done, total, "%s", "");
	t = now_seconds();
	if ((rc = save(st, &a, root, run_params, started, finished, e)))
		goto out;
	done++;
	note(progress, arg, NULL, done, total, "saved %d customer scores in %.2f s",
	     snap.n_customers, now_seconds() - t);
	if (out) {
		*out = root;
		root = NULL;
	}
out:
	fit_ahead_join(&ahead, &a); /* a model failed before clusters: wait for it */
	for (size_t i = 0; i < N_MODELS; i++)
		json_decref(run_params[i]);
	json_decref(root);
	release(&a);
	snapshot_release(&snap);
	return rc;
}
