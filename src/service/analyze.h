/* analyze.h: the customer analytics run behind `ecrm analyze` and
 * POST /api/analytics/run: load the snapshot, run the selected models (a
 * table of {name, run} in analyze.c), store per-customer results in
 * customer_scores and one analytics_runs row per model.
 *
 * A new model is a function of type analyze_model_fn (in its own
 * src/service/analyze_<name>.c) plus one line in the model table. */
#ifndef ECRM_SERVICE_ANALYZE_H
#define ECRM_SERVICE_ANALYZE_H

#include "analytics/rfm.h"
#include "analytics/snapshot.h"
#include "core/config.h"
#include "core/err.h"
#include "store/db.h"

#include <jansson.h>

/* What to run, and with what. Defaults from the [analytics] section. */
typedef struct {
	unsigned models;	     /* bit i: model i of the table (analyze_model_name) */
	const char *as_of;	     /* a date; NULL: the day after the last order */
	const char *calibration_end; /* clv: last day of the fit; NULL: as_of - 1 */
	const char *period;	     /* day, week, month: clv's time unit */
	const char *clv_step;	     /* day, week, month: clv's discount step */
	int64_t horizon;	     /* clv: periods ahead */
	double discount_rate;	     /* clv: per year */
	double clv_margin;	     /* clv: margin ratio; < 0: each customer's own */
	int64_t threads;
	int64_t k; /* clusters; 0: choose by silhouette */
} analyze_options;

void analyze_options_default(analyze_options *o, const config *cfg);
/* Selects model `name`, or every model for "all"; false when unknown. */
bool analyze_select(analyze_options *o, const char *name);
/* Models in run order: name i, or NULL past the end. */
const char *analyze_model_name(size_t i);

/* Called before each stage ("snapshot", a model name, "save") and once
 * at the end (stage NULL): `done` of `total` stages are finished, `note`
 * is a line for people (timings, counts) about the stage just finished,
 * or NULL. */
typedef void (*analyze_progress_fn)(void *arg, const char *stage, int done, int total,
				    const char *note);

/* Runs the selected models on `st` (a second handle on `uri` reads part of
 * the snapshot in parallel when threads > 1; `uri` may be NULL). `text`:
 * print each model's table on stdout. `*out` (may be NULL) receives the
 * result object, one member per model (the caller decrefs). E_INVAL for
 * bad options (the message names the option). */
status analyze_execute(store *st, const char *uri, const config *cfg, const analyze_options *o,
		       bool text, analyze_progress_fn progress, void *arg, json_t **out,
		       err *e) MUST_CHECK;

/* Starts analyze_execute in a detached thread with its own handle on `uri`
 * and its own copy of `cfg`; from `o` only the models and as_of are used
 * (the rest comes from the config). The run's state lives in an
 * analytics_runs row (scores.h) whose id goes to `*id`; E_CONFLICT with
 * `*running` set when another run is unfinished and still reporting
 * (heartbeat within [analytics] run_stale_seconds, default 900). */
status analyze_job_start(store *st, const char *uri, const config *cfg, const analyze_options *o,
			 const char *requested_by, int64_t *id, int64_t *running,
			 err *e) MUST_CHECK;

/* ---- for the models ---- */

/* What a model run sees and leaves behind. Results are NULL (or zero)
 * until the model producing them has run in this invocation; a model may
 * use the results of models before it in the table. */
typedef struct {
	const config *cfg;
	bool text; /* print tables on stdout */
	const snapshot *snap;
	const char *uri; /* may be NULL */
	int32_t as_of;	 /* Unix day; orders before it count */
	int threads;
	/* clv */
	bool has_calibration;
	int32_t calibration_end; /* first day after the calibration */
	const char *period;
	double period_days;
	const char *clv_step;
	double clv_step_days;
	int64_t horizon;
	double discount_rate;
	double clv_margin;
	int64_t k; /* clusters */

	rfm_result rfm; /* rfm (also computed for clusters) */
	bool rfm_done;
	bool rfm_save;	 /* the rfm model ran: store its columns */
	int64_t *profit; /* tiers */
	uint8_t *tier;
	uint8_t *stage; /* lifecycle */
	/* Filled by clv and churn (NaN for a customer they do not score). A
	 * model that ran but could not fit leaves all-NaN arrays, which clears
	 * the columns; lifecycle uses p_alive when p_alive_fitted. */
	double *p_alive, *expected_purchases, *expected_spend, *clv, *churn_risk;
	bool p_alive_fitted;
	int32_t *cluster; /* clusters; -1 for customers without orders */
	/* The clusters' fit when analyze.c made it ahead, on another thread
	 * beside clv and churn; analyze_clusters takes it over. */
	struct analyze_cluster_fit *cluster_fit;
} analyze_run;

/* A model fills `params` (what it ran with) and `res` (its summary: the
 * JSON member and the analytics_runs row), leaves per-customer results in
 * `a` for analyze.c to store, and prints its table when a->text. The
 * caller owns `params` and `res`. */
typedef status (*analyze_model_fn)(analyze_run *a, json_t *params, json_t *res, err *e);

status analyze_rfm(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_tiers(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_clv(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_churn(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_lifecycle(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_clusters(analyze_run *a, json_t *params, json_t *res, err *e);

/* The clusters model's fit (k-means on the RFM features), apart from its
 * report so it can run on another thread while other models run: reads
 * a->rfm (computed before), a->snap, a->cfg, a->k and a->threads only.
 * analyze_clusters reports it and frees it. */
typedef struct analyze_cluster_fit analyze_cluster_fit;
analyze_cluster_fit *analyze_clusters_fit(const analyze_run *a);
void analyze_cluster_fit_free(analyze_cluster_fit *f);

/* Computes RFM into a->rfm unless a model did already (clusters use it
 * without storing it). */
void analyze_ensure_rfm(analyze_run *a);

/* Minor units as major units with two decimals, into buf. */
const char *analyze_money(int64_t v, char buf[32]);
/* 100 * part / whole; 0 when whole is 0. */
double analyze_pct(int64_t part, int64_t whole);
/* A JSON real, or null for NaN and infinities (JSON has neither). */
json_t *analyze_jreal(double v);
/* "YYYY-MM-DD" of a Unix day, into buf. */
const char *analyze_day(int32_t day, char buf[16]);
/* Days in a period named day, week or month (365.25 / 12); 0 otherwise. */
double analyze_period_days(const char *name);

#endif
