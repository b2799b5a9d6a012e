/* analyze.h: what the models of `ecrm analyze` share: the run state a
 * model reads and fills, and the output helpers. A new model is a function
 * of type analyze_model_fn (in its own src/cli/analyze_<name>.c) plus one
 * line in the model table in analyze.c. */
#ifndef ECRM_CLI_ANALYZE_H
#define ECRM_CLI_ANALYZE_H

#include "cli/cli.h"
#include "analytics/rfm.h"
#include "analytics/snapshot.h"

#include <jansson.h>

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
} analyze_run;

/* A model fills `params` (what it ran with) and `res` (its summary: the
 * JSON member and the analytics_runs row), leaves per-customer results in
 * `a` for analyze.c to store, and prints its text summary unless --json.
 * The caller owns `params` and `res`. */
typedef status (*analyze_model_fn)(analyze_run *a, json_t *params, json_t *res, err *e);

status analyze_rfm(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_tiers(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_lifecycle(analyze_run *a, json_t *params, json_t *res, err *e);
status analyze_clusters(analyze_run *a, json_t *params, json_t *res, err *e);

/* Computes RFM into a->rfm unless a model did already (clusters use it
 * without storing it). */
void analyze_ensure_rfm(analyze_run *a);

/* Minor units as major units with two decimals, into buf. */
const char *analyze_money(int64_t v, char buf[32]);
/* 100 * part / whole; 0 when whole is 0. */
double analyze_pct(int64_t part, int64_t whole);
/* A JSON real, or null for NaN and infinities (JSON has neither). */
json_t *analyze_jreal(double v);

#endif
