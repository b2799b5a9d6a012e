/* scores.h: writing analytics results to customer_scores (one row per
 * customer) and model summaries to analytics_runs (migration 003).
 *
 * A write is one transaction of upserts, 16 customers to a statement (one
 * statement per row spent about half its time starting and finishing
 * statements: bench_analytics_scores); on a store whose bulk mode batches
 * inserts (store_bulk_batches), the rows are staged in a temporary table
 * and merged by one statement instead, which pays when the caller has bulk
 * mode on. Only the column groups whose arrays
 * are given are written; the others keep
 * what an earlier run stored, so `ecrm analyze rfm` does not wipe the CLV
 * that `ecrm analyze clv` wrote. as_of and computed_at always take the
 * values of this write. Rows of customers merged away since are deleted in
 * the same transaction. */
#ifndef ECRM_ANALYTICS_SCORES_H
#define ECRM_ANALYTICS_SCORES_H

#include "core/arena.h"
#include "core/common.h"
#include "core/err.h"
#include "store/db.h"

/* Columns by customer, each array indexed 0..n-1 like customer_id. A NULL
 * array leaves its column(s) as stored. Per-customer NULLs: RFM columns
 * where frequency[i] == 0, value_tier and profit where value_tier[i] is
 * VALUE_TIER_NONE, a double that is NaN, a cluster below 0. */
typedef struct {
	size_t n;
	const int64_t *customer_id;
	int32_t as_of; /* Unix day */

	/* RFM group: all seven or none (rfm.h) */
	const int32_t *recency_days, *frequency;
	const int64_t *monetary;
	const uint8_t *r, *f, *m, *rfm_segment;
	/* tiers: both or none (value_tier.h) */
	const uint8_t *value_tier;
	const int64_t *profit;
	const uint8_t *lifecycle_stage; /* lifecycle.h */
	/* BG/NBD, Gamma-Gamma, CLV, churn: each its own column */
	const double *p_alive, *expected_purchases, *expected_spend, *clv, *churn_risk;
	const int32_t *cluster;
} scores_columns;

/* Upserts every customer of `c` with computed_at = `now` (Unix seconds),
 * in one transaction (joined when one is open). E_INVAL when a group is
 * half given. About 3-5 us of CPU per row on SQLite (docs/bench/analytics.md). */
status scores_write(store *st, const scores_columns *c, int64_t now, err *e) MUST_CHECK;

/* Records a model run: `params` and `results` are JSON texts (NULL: "{}").
 * `*id` (may be NULL) receives the new row's id. */
status scores_record_run(store *st, const char *model, int32_t as_of, const char *params,
			 const char *results, int64_t started_at, int64_t finished_at, int64_t *id,
			 err *e) MUST_CHECK;

/* One analytics_runs row. Strings live in the arena given. */
typedef struct {
	int64_t id;
	const char *model;
	int64_t as_of;		      /* Unix seconds */
	const char *params, *results; /* JSON texts */
	int64_t started_at, finished_at;
} scores_run;

/* The latest finished row of `model` (largest finished_at, then id).
 * E_NOTFOUND when the model never ran. One index lookup. */
status scores_latest_run(store *st, arena *a, const char *model, scores_run *out,
			 err *e) MUST_CHECK;
/* Row `id`; E_NOTFOUND when there is none. */
status scores_get_run(store *st, arena *a, int64_t id, scores_run *out, err *e) MUST_CHECK;

/* Background runs ("jobs") are analytics_runs rows with model "run" whose
 * finished_at is 0 until they end; their state is JSON in `results` with
 * a heartbeat "updated_at" (Unix seconds), so every server sharing the
 * store sees the same state. */
#define SCORES_JOB_MODEL "run"

/* In one write transaction: refuses (E_CONFLICT, *running = its id) when a
 * job is unfinished and its heartbeat is at or after `stale_before`;
 * otherwise marks unfinished stale jobs abandoned and inserts a new job
 * row with `params` and `state` (JSON texts), started at `now`. */
status scores_job_create(store *st, const char *params, const char *state, int64_t now,
			 int64_t stale_before, int64_t *id, int64_t *running, err *e) MUST_CHECK;
/* Replaces a job's state; `finished_at` > 0 ends it, and then `as_of`
 * (Unix day) is stored too. */
status scores_job_update(store *st, int64_t id, const char *state, int32_t as_of,
			 int64_t finished_at, err *e) MUST_CHECK;

#endif
