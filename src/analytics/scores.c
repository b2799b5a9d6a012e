/* scores.c: the customer_scores upsert and the analytics_runs log. */
#include "analytics/scores.h"
#include "analytics/lifecycle.h"
#include "analytics/rfm.h"
#include "analytics/value_tier.h"

#include <jansson.h>
#include <math.h>

/* Column groups: bit i of the mask parameter says whether group i is
 * written. */
enum {
	G_RFM = 1 << 0,
	G_TIER = 1 << 1,
	G_LIFECYCLE = 1 << 2,
	G_P_ALIVE = 1 << 3,
	G_PURCHASES = 1 << 4,
	G_SPEND = 1 << 5,
	G_CLV = 1 << 6,
	G_CHURN = 1 << 7,
	G_CLUSTER = 1 << 8,
	G_ALL = (1 << 9) - 1,
};

/* Rows go 16 to a statement: one statement per row spends about half the
 * time starting and finishing statements (bench_analytics_scores). */
enum { COLS = 19, BATCH = 16 };

/* clang-format off: SQL text laid out by hand */
#define INSERT_SQL                                                                                 \
	"INSERT INTO customer_scores (customer_id, as_of, recency_days, frequency, monetary,"      \
	" r, f, m, rfm_segment, value_tier, profit, lifecycle_stage, p_alive,"                     \
	" expected_purchases, expected_spend, clv, churn_risk, cluster, computed_at) VALUES "
#define ROW_1                                                                                      \
	"($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
/* BATCH rows of COLS placeholders each */
#define ROWS_16                                                                                    \
	"($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "                                               \
	"$11, $12, $13, $14, $15, $16, $17, $18, $19), "                                           \
	"($20, $21, $22, $23, $24, $25, $26, $27, $28, $29, "                                      \
	"$30, $31, $32, $33, $34, $35, $36, $37, $38), "                                           \
	"($39, $40, $41, $42, $43, $44, $45, $46, $47, $48, "                                      \
	"$49, $50, $51, $52, $53, $54, $55, $56, $57), "                                           \
	"($58, $59, $60, $61, $62, $63, $64, $65, $66, $67, "                                      \
	"$68, $69, $70, $71, $72, $73, $74, $75, $76), "                                           \
	"($77, $78, $79, $80, $81, $82, $83, $84, $85, $86, "                                      \
	"$87, $88, $89, $90, $91, $92, $93, $94, $95), "                                           \
	"($96, $97, $98, $99, $100, $101, $102, $103, $104, $105, "                                \
	"$106, $107, $108, $109, $110, $111, $112, $113, $114), "                                  \
	"($115, $116, $117, $118, $119, $120, $121, $122, $123, $124, "                            \
	"$125, $126, $127, $128, $129, $130, $131, $132, $133), "                                  \
	"($134, $135, $136, $137, $138, $139, $140, $141, $142, $143, "                            \
	"$144, $145, $146, $147, $148, $149, $150, $151, $152), "                                  \
	"($153, $154, $155, $156, $157, $158, $159, $160, $161, $162, "                            \
	"$163, $164, $165, $166, $167, $168, $169, $170, $171), "                                  \
	"($172, $173, $174, $175, $176, $177, $178, $179, $180, $181, "                            \
	"$182, $183, $184, $185, $186, $187, $188, $189, $190), "                                  \
	"($191, $192, $193, $194, $195, $196, $197, $198, $199, $200, "                            \
	"$201, $202, $203, $204, $205, $206, $207, $208, $209), "                                  \
	"($210, $211, $212, $213, $214, $215, $216, $217, $218, $219, "                            \
	"$220, $221, $222, $223, $224, $225, $226, $227, $228), "                                  \
	"($229, $230, $231, $232, $233, $234, $235, $236, $237, $238, "                            \
	"$239, $240, $241, $242, $243, $244, $245, $246, $247), "                                  \
	"($248, $249, $250, $251, $252, $253, $254, $255, $256, $257, "                            \
	"$258, $259, $260, $261, $262, $263, $264, $265, $266), "                                  \
	"($267, $268, $269, $270, $271, $272, $273, $274, $275, $276, "                            \
	"$277, $278, $279, $280, $281, $282, $283, $284, $285), "                                  \
	"($286, $287, $288, $289, $290, $291, $292, $293, $294, $295, "                            \
	"$296, $297, $298, $299, $300, $301, $302, $303, $304)"

/* A column of a group that may not be written keeps its stored value. */
#define KEEP(col, bit, mask)                                                                       \
	" " col " = CASE WHEN (" mask " & " #bit ") <> 0 THEN excluded." col                       \
	" ELSE customer_scores." col " END,"
#define UPSERT_KEEP(mask)                                                                          \
	" ON CONFLICT (customer_id) DO UPDATE SET as_of = excluded.as_of," KEEP(                   \
		"recency_days", 1, mask) KEEP("frequency", 1, mask) KEEP("monetary", 1, mask)      \
		KEEP("r", 1, mask) KEEP("f", 1, mask) KEEP("m", 1, mask) KEEP(                     \
			"rfm_segment", 1, mask) KEEP("value_tier", 2, mask)                        \
			KEEP("profit", 2, mask) KEEP("lifecycle_stage", 4, mask) KEEP(             \
				"p_alive", 8, mask) KEEP("expected_purchases", 16, mask)           \
				KEEP("expected_spend", 32, mask) KEEP("clv", 64, mask)             \
					KEEP("churn_risk", 128, mask)                              \
						KEEP("cluster", 256,                               \
						     mask) " computed_at = excluded.computed_at"
/* Every group written: no per-column test. */
#define UPSERT_ALL                                                                                 \
	" ON CONFLICT (customer_id) DO UPDATE SET as_of = excluded.as_of,"                         \
	" recency_days = excluded.recency_days, frequency = excluded.frequency,"                   \
	" monetary = excluded.monetary, r = excluded.r, f = excluded.f, m = excluded.m,"           \
	" rfm_segment = excluded.rfm_segment, value_tier = excluded.value_tier,"                   \
	" profit = excluded.profit, lifecycle_stage = excluded.lifecycle_stage,"                   \
	" p_alive = excluded.p_alive, expected_purchases = excluded.expected_purchases,"           \
	" expected_spend = excluded.expected_spend, clv = excluded.clv,"                           \
	" churn_risk = excluded.churn_risk, cluster = excluded.cluster,"                           \
	" computed_at = excluded.computed_at"

/* clang-format on */
static const char *const sql_keep_1 = INSERT_SQL ROW_1 UPSERT_KEEP("$20");
static const char *const sql_keep_16 = INSERT_SQL ROWS_16 UPSERT_KEEP("$305");
static const char *const sql_all_1 = INSERT_SQL ROW_1 UPSERT_ALL;
static const char *const sql_all_16 = INSERT_SQL ROWS_16 UPSERT_ALL;

/* Where the store sends plain inserts together in bulk mode
 * (store_bulk_batches), rows are staged in a temporary table that way and
 * merged by one set-based upsert: on PostgreSQL an upsert statement per 16
 * rows cost a round trip, 304 parameters and an executor start each (42 s
 * of 1M customers' 62 s save, against 23 s staged). On SQLite staging
 * only adds the temporary table's inserts (1.5 s for 1M). */
static const char *const sql_stage_create =
	"CREATE TEMP TABLE scores_stage AS SELECT * FROM customer_scores WHERE 1 = 0";
static const char *const sql_stage_drop = "DROP TABLE scores_stage";
#define STAGE_SQL                                                                                  \
	"INSERT INTO scores_stage (customer_id, as_of, recency_days, frequency, monetary,"         \
	" r, f, m, rfm_segment, value_tier, profit, lifecycle_stage, p_alive,"                     \
	" expected_purchases, expected_spend, clv, churn_risk, cluster, computed_at) VALUES "
static const char *const sql_stage_1 = STAGE_SQL ROW_1;
static const char *const sql_stage_16 = STAGE_SQL ROWS_16;
/* WHERE true: SQLite would read ON CONFLICT as a join's ON without it. */
#define MERGE_SQL                                                                                  \
	"INSERT INTO customer_scores (customer_id, as_of, recency_days, frequency, monetary,"      \
	" r, f, m, rfm_segment, value_tier, profit, lifecycle_stage, p_alive,"                     \
	" expected_purchases, expected_spend, clv, churn_risk, cluster, computed_at)"              \
	" SELECT customer_id, as_of, recency_days, frequency, monetary, r, f, m, rfm_segment,"     \
	" value_tier, profit, lifecycle_stage, p_alive, expected_purchases, expected_spend, clv,"  \
	" churn_risk, cluster, computed_at FROM scores_stage WHERE true"
static const char *const sql_merge_keep = MERGE_SQL UPSERT_KEEP("$1");
static const char *const sql_merge_all = MERGE_SQL UPSERT_ALL;

static const char *const sql_drop_merged =
	"DELETE FROM customer_scores WHERE customer_id IN"
	" (SELECT id FROM customers WHERE merged_into IS NOT NULL)";

static const char *const sql_run =
	"INSERT INTO analytics_runs (model, as_of, params, results, started_at, finished_at)"
	" VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

/* Parameters left unbound are NULL: stmt_reset clears every binding. */
static void bind_real(stmt *s, int idx, const double *v, size_t i)
{
	if (v && !isnan(v[i]))
		stmt_bind_double(s, idx, v[i]);
}

static status groups_of(const scores_columns *c, unsigned *mask, err *e)
{
	const void *rfm[] = { c->recency_days, c->frequency, c->monetary, c->r, c->f, c->m,
			      c->rfm_segment };
	size_t given = 0;

	*mask = 0;
	for (size_t i = 0; i < ARRAY_SIZE(rfm); i++)
		given += rfm[i] != NULL;
	if (given && given != ARRAY_SIZE(rfm))
		return err_set(e, E_INVAL, "scores: the RFM columns must be given together");
	if (!c->value_tier != !c->profit)
		return err_set(e, E_INVAL, "scores: value_tier and profit must be given together");
	*mask = (given ? G_RFM : 0) | (c->value_tier ? G_TIER : 0) |
		(c->lifecycle_stage ? G_LIFECYCLE : 0) | (c->p_alive ? G_P_ALIVE : 0) |
		(c->expected_purchases ? G_PURCHASES : 0) | (c->expected_spend ? G_SPEND : 0) |
		(c->clv ? G_CLV : 0) | (c->churn_risk ? G_CHURN : 0) | (c->cluster ? G_CLUSTER : 0);
	return E_OK;
}

/* Binds row i of `c` to parameters base + 1 .. base + COLS. */
static void bind_row(stmt *s, int base, const scores_columns *c, size_t i, unsigned mask,
		     int64_t now)
{
	stmt_bind_int64(s, base + 1, c->customer_id[i]);
	stmt_bind_int64(s, base + 2, (int64_t)c->as_of * 86400);
	if ((mask & G_RFM) && c->frequency[i] > 0) {
		stmt_bind_int64(s, base + 3, c->recency_days[i]);
		stmt_bind_int64(s, base + 4, c->frequency[i]);
		stmt_bind_int64(s, base + 5, c->monetary[i]);
		stmt_bind_int64(s, base + 6, c->r[i]);
		stmt_bind_int64(s, base + 7, c->f[i]);
		stmt_bind_int64(s, base + 8, c->m[i]);
		stmt_bind_text(s, base + 9, rfm_segment_name((rfm_segment)c->rfm_segment[i]));
	}
	if ((mask & G_TIER) && c->value_tier[i] != VALUE_TIER_NONE) {
		stmt_bind_text(s, base + 10, value_tier_name((value_tier)c->value_tier[i]));
		stmt_bind_int64(s, base + 11, c->profit[i]);
	}
	if (mask & G_LIFECYCLE)
		stmt_bind_text(s, base + 12,
			       lifecycle_stage_name((lifecycle_stage)c->lifecycle_stage[i]));
	bind_real(s, base + 13, c->p_alive, i);
	bind_real(s, base + 14, c->expected_purchases, i);
	bind_real(s, base + 15, c->expected_spend, i);
	bind_real(s, base + 16, c->clv, i);
	bind_real(s, base + 17, c->churn_risk, i);
	if (c->cluster && c->cluster[i] >= 0)
		stmt_bind_int64(s, base + 18, c->cluster[i]);
	stmt_bind_int64(s, base + 19, now);
}

/* Writes rows [from, to) with `per` rows to a statement of `sql`; `keep`:
 * the statement takes the group mask after the rows' parameters. */
static status write_rows(store *st, const char *sql, int per, bool keep, const scores_columns *c,
			 size_t from, size_t to, unsigned mask, int64_t now, err *e)
{
	status rc = E_OK;
	stmt *s;

	if (from >= to)
		return E_OK;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	for (size_t i = from; i < to; i += (size_t)per) {
		for (int k = 0; k < per; k++)
			bind_row(s, k * COLS, c, i + (size_t)k, mask, now);
		if (keep)
			stmt_bind_int64(s, per * COLS + 1, mask);
		if ((rc = stmt_exec(s, e))) {
			err_prefix(e, "customers %" PRId64 "..", c->customer_id[i]);
			break;
		}
		stmt_reset(s);
	}
	stmt_done(s);
	return rc;
}

static status merge_staged(store *st, unsigned mask, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, mask == G_ALL ? sql_merge_all : sql_merge_keep, &s, e)))
		return rc;
	if (mask != G_ALL)
		stmt_bind_int64(s, 1, mask);
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

/* Upserts row by row, 16 to a statement. */
static status write_direct(store *st, const scores_columns *c, unsigned mask, int64_t now, err *e)
{
	size_t full = c->n - c->n % BATCH;
	bool all = mask == G_ALL;
	status rc;

	if ((rc = write_rows(st, all ? sql_all_16 : sql_keep_16, BATCH, !all, c, 0, full, mask, now,
			     e)))
		return rc;
	return write_rows(st, all ? sql_all_1 : sql_keep_1, 1, !all, c, full, c->n, mask, now, e);
}

/* Stages every row by plain inserts, then merges them in one statement. */
static status write_staged(store *st, const scores_columns *c, unsigned mask, int64_t now,
			   err *e)
{
	size_t full = c->n - c->n % BATCH;
	status rc;

	if ((rc = store_exec(st, sql_stage_create, e)) ||
	    (rc = write_rows(st, sql_stage_16, BATCH, false, c, 0, full, mask, now, e)) ||
	    (rc = write_rows(st, sql_stage_1, 1, false, c, full, c->n, mask, now, e)) ||
	    (rc = merge_staged(st, mask, e)))
		return rc;
	return store_exec(st, sql_stage_drop, e);
}

status scores_write(store *st, const scores_columns *c, int64_t now, err *e)
{
	unsigned mask;
	status rc;

	if ((rc = groups_of(c, &mask, e)))
		return rc;
	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_exec(st, sql_drop_merged, e)) ||
	    (rc = store_bulk_batches(st) ? write_staged(st, c, mask, now, e)
					 : write_direct(st, c, mask, now, e))) {
		store_rollback(st);
		err_prefix(e, "writing customer_scores");
		return rc;
	}
	return store_commit(st, e);
}

status scores_record_run(store *st, const char *model, int32_t as_of, const char *params,
			 const char *results, int64_t started_at, int64_t finished_at, int64_t *id,
			 err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql_run, &s, e)))
		return rc;
	stmt_bind_text(s, 1, model);
	stmt_bind_int64(s, 2, (int64_t)as_of * 86400);
	stmt_bind_text(s, 3, params ? params : "{}");
	stmt_bind_text(s, 4, results ? results : "{}");
	stmt_bind_int64(s, 5, started_at);
	stmt_bind_int64(s, 6, finished_at);
	if (stmt_row(s, e) && id)
		*id = stmt_int64(s, 0);
	rc = e->code;
	if (!rc)
		rc = stmt_exec(s, e); /* finish the statement so the insert is complete */
	stmt_done(s);
	return rc;
}

/* ---- reading runs, and background jobs ---- */

static const char *const sql_latest =
	"SELECT id, model, as_of, params, results, started_at, finished_at FROM analytics_runs"
	" WHERE model = $1 AND finished_at > 0 ORDER BY finished_at DESC, id DESC LIMIT 1";
static const char *const sql_get =
	"SELECT id, model, as_of, params, results, started_at, finished_at FROM analytics_runs"
	" WHERE id = $1";

static void read_run(stmt *s, arena *a, scores_run *out)
{
	out->id = stmt_int64(s, 0);
	out->model = arena_strdup(a, stmt_text(s, 1));
	out->as_of = stmt_int64(s, 2);
	out->params = arena_strdup(a, stmt_text(s, 3) ? stmt_text(s, 3) : "{}");
	out->results = arena_strdup(a, stmt_text(s, 4) ? stmt_text(s, 4) : "{}");
	out->started_at = stmt_int64(s, 5);
	out->finished_at = stmt_int64(s, 6);
}

static status one_run(store *st, arena *a, const char *sql, const char *model, int64_t id,
		      scores_run *out, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	if (model)
		stmt_bind_text(s, 1, model);
	else
		stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e))
		read_run(s, a, out);
	else if (!(rc = e->code))
		rc = model ? err_set(e, E_NOTFOUND, "%s has not run yet", model)
			   : err_set(e, E_NOTFOUND, "no analytics run %" PRId64, id);
	stmt_done(s);
	return rc;
}

status scores_latest_run(store *st, arena *a, const char *model, scores_run *out, err *e)
{
	return one_run(st, a, sql_latest, model, 0, out, e);
}

status scores_get_run(store *st, arena *a, int64_t id, scores_run *out, err *e)
{
	return one_run(st, a, sql_get, NULL, id, out, e);
}

static const char *const sql_unfinished =
	"SELECT id, results FROM analytics_runs WHERE model = '" SCORES_JOB_MODEL "'"
	" AND finished_at = 0 ORDER BY id";
static const char *const sql_abandon =
	"UPDATE analytics_runs SET results = $2, finished_at = $3 WHERE id = $1";
static const char *const sql_job =
	"INSERT INTO analytics_runs (model, as_of, params, results, started_at, finished_at)"
	" VALUES ('" SCORES_JOB_MODEL "', 0, $1, $2, $3, 0) RETURNING id";

/* The heartbeat of a job state; 0 when it has none. */
static int64_t heartbeat(const char *state)
{
	json_t *v = json_loads(state ? state : "{}", 0, NULL);
	int64_t t = (int64_t)json_integer_value(json_object_get(v, "updated_at"));
	json_decref(v);
	return t;
}

status scores_job_create(store *st, const char *params, const char *state, int64_t now,
			 int64_t stale_before, int64_t *id, int64_t *running, err *e)
{
	int64_t stale[16];
	size_t nstale = 0;
	status rc;
	stmt *s = NULL;

	*running = 0;
	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_prepare(st, sql_unfinished, &s, e)))
		goto out;
	while (stmt_row(s, e)) {
		if (heartbeat(stmt_text(s, 1)) >= stale_before)
			*running = stmt_int64(s, 0);
		else if (nstale < ARRAY_SIZE(stale))
			stale[nstale++] = stmt_int64(s, 0);
	}
	stmt_done(s);
	s = NULL;
	if ((rc = e->code))
		goto out;
	if (*running) {
		rc = err_set(e, E_CONFLICT, "analytics run %" PRId64 " is still running", *running);
		goto out;
	}
	for (size_t i = 0; i < nstale; i++) {
		if ((rc = store_prepare(st, sql_abandon, &s, e)))
			goto out;
		stmt_bind_int64(s, 1, stale[i]);
		stmt_bind_text(s, 2,
			       "{\"state\":\"abandoned\",\"error\":\"no progress reported "
			       "for too long (the server running it stopped?)\"}");
		stmt_bind_int64(s, 3, now);
		rc = stmt_exec(s, e);
		stmt_done(s);
		s = NULL;
		if (rc)
			goto out;
	}
	if ((rc = store_prepare(st, sql_job, &s, e)))
		goto out;
	stmt_bind_text(s, 1, params);
	stmt_bind_text(s, 2, state);
	stmt_bind_int64(s, 3, now);
	if (stmt_row(s, e))
		*id = stmt_int64(s, 0);
	if (!(rc = e->code))
		rc = stmt_exec(s, e);
	stmt_done(s);
	s = NULL;
	if (rc)
		goto out;
	return store_commit(st, e);
out:
	stmt_done(s);
	store_rollback(st);
	return rc;
}

static const char *const sql_job_state = "UPDATE analytics_runs SET results = $2 WHERE id = $1";
static const char *const sql_job_end =
	"UPDATE analytics_runs SET results = $2, as_of = $3, finished_at = $4 WHERE id = $1";

status scores_job_update(store *st, int64_t id, const char *state, int32_t as_of,
			 int64_t finished_at, err *e)
{
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, finished_at > 0 ? sql_job_end : sql_job_state, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_text(s, 2, state);
	if (finished_at > 0) {
		stmt_bind_int64(s, 3, (int64_t)as_of * 86400);
		stmt_bind_int64(s, 4, finished_at);
	}
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}
