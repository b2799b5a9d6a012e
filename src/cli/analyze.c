/* analyze.c: `ecrm analyze [MODEL...]`: loads the analytics snapshot, runs
 * the models (a table of {name, run}), stores per-customer results in
 * customer_scores and one analytics_runs row per model, and prints a
 * summary (or, with --json, one object with a member per model). */
#include "cli/analyze.h"
#include "analytics/kmeans.h"
#include "analytics/parallel.h"
#include "analytics/scores.h"
#include "core/xalloc.h"

#include <math.h>
#include <time.h>

/* In run order: a model may use the results of the ones above it. */
static const struct {
	const char *name;
	analyze_model_fn run;
} models[] = {
	{ "rfm", analyze_rfm },
	{ "tiers", analyze_tiers },
	/* BG/NBD, Gamma-Gamma, CLV and churn go here, before lifecycle
	 * (which uses P(alive) when it has been computed). */
	{ "lifecycle", analyze_lifecycle },
	{ "clusters", analyze_clusters },
};

#define N_MODELS ARRAY_SIZE(models)

static const struct {
	const char *name;
	cli_run_fn run;
} subcommands[] = {
	{ "basket", cmd_analyze_basket },
	{ "recommend", cmd_analyze_recommend },
};

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

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(const analyze_run *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void progress(const analyze_run *a, const char *fmt, ...)
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

static void release(analyze_run *a)
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
static status save(store *st, const analyze_run *a, json_t *root, json_t *const run_params[N_MODELS],
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
		char *p = json_dumps(run_params[i], JSON_COMPACT | JSON_SORT_KEYS |
							    JSON_REAL_PRECISION(12));
		char *r = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
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
	analyze_run a = { .ctx = ctx, .snap = &snap };
	json_t *root = json_object();
	store *st = NULL;
	int rc = CLI_OK;
	double t0 = now_seconds(), t;
	char day[16];
	err e;

	/* Subcommands with options of their own (analyze_basket.c ...). */
	for (size_t i = 0; argc > 1 && i < ARRAY_SIZE(subcommands); i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			json_decref(root);
			return subcommands[i].run(ctx, argc - 1, argv + 1);
		}
	}
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
		printf("as of %s (orders before that day count): %d customers, %" PRId64
		       " orders, %" PRId64 " returns\n",
		       format_day(a.as_of, day), snap.n_customers, snap.n_orders, snap.n_returns);

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
		json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(12));
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
