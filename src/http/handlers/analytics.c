/* analytics.c: /api/analytics: the latest results of each model (what
 * `ecrm analyze` stored in analytics_runs: distributions and per-segment
 * counts and revenue, read, never recomputed), and runs of `analyze` in
 * the background with their progress. */
#include "http/handlers/handlers.h"
#include "analytics/scores.h"
#include "service/analyze.h"
#include "core/datetime.h"
#include "http/server.h"

#include <time.h>

/* Models the dashboard asks for. */
static const char *const known[] = { "rfm", "tiers", "clv", "churn", "lifecycle", "clusters" };

/* Members left out of the summary: long series a dashboard tile does not
 * need (they stay in /api/analytics/MODEL). */
static const char *const summary_drop[] = {
	"params",      "holdout", "p_alive_histogram", "silhouette_by_k", "clv_by_segment",
	"calibration", "weights"
};

static json_t *parsed(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);
	return v ? v : json_object();
}

static json_t *day_json(int64_t unix_seconds)
{
	char buf[16];
	if (unix_seconds <= 0)
		return json_null();
	datetime_format_date(unix_seconds, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *model_json(const scores_run *run, bool full)
{
	json_t *res = parsed(run->results);
	json_t *o =
		json_pack("{s:s, s:I, s:o, s:I, s:I}", "model", run->model, "run_id",
			  (json_int_t)run->id, "as_of", day_json(run->as_of), "started_at",
			  (json_int_t)run->started_at, "finished_at", (json_int_t)run->finished_at);
	if (full) {
		json_object_set_new(o, "params", parsed(run->params));
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(summary_drop); i++)
			json_object_del(res, summary_drop[i]);
	}
	json_object_set_new(o, "results", res);
	return o;
}

/* A run's row as the API shows it: jobs with their state and progress,
 * model rows as finished runs of that model. */
static json_t *run_json(const scores_run *run, int64_t stale_before)
{
	json_t *st = parsed(run->results), *params = parsed(run->params), *o;
	bool is_job = strcmp(run->model, SCORES_JOB_MODEL) == 0;
	const char *state = json_string_value(json_object_get(st, "state"));
	int64_t beat = json_integer_value(json_object_get(st, "updated_at"));
	int64_t done = json_integer_value(json_object_get(st, "done"));
	int64_t total = json_integer_value(json_object_get(st, "total"));

	if (!is_job)
		state = "done";
	else if (!state)
		state = "unknown";
	else if (run->finished_at == 0 && beat < stale_before)
		state = "abandoned"; /* its server stopped; the next POST marks it */
	o = json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)run->id, "kind",
		      is_job ? "analyze" : run->model, "state", state, "started_at",
		      (json_int_t)run->started_at, "finished_at", (json_int_t)run->finished_at);
	if (is_job) {
		const char *keys[] = {
			"stage", "error", "seconds", "models", "as_of", "updated_at"
		};
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			json_t *v = json_object_get(st, keys[i]);
			if (v)
				json_object_set(o, keys[i], v);
		}
		if (total > 0)
			json_object_set_new(o, "progress", json_real((double)done / (double)total));
		else if (run->finished_at > 0 && strcmp(state, "done") == 0)
			json_object_set_new(o, "progress", json_real(1.0));
		json_object_set(o, "params", params);
	} else {
		json_object_set_new(o, "as_of", day_json(run->as_of));
		json_object_set(o, "results", st);
	}
	json_decref(st);
	json_decref(params);
	return o;
}

static int64_t stale_before(const http_req *r)
{
	return (int64_t)time(NULL) -
	       config_int(r->ctx->settings->cfg, "analytics", "run_stale_seconds", 900);
}

static status summary(http_req *r, err *e)
{
	json_t *models = json_object();
	status rc;

	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		scores_run run;
		rc = scores_latest_run(r->st, r->arena, known[i], &run, e);
		if (rc == E_NOTFOUND) {
			json_object_set_new(models, known[i], json_null());
			continue;
		}
		if (rc) {
			json_decref(models);
			return rc;
		}
		json_object_set_new(models, known[i], model_json(&run, false));
	}
	http_reply_json(r, 200, json_pack("{s:o}", "models", models));
	return E_OK;
}

status h_analytics_get(http_req *r, err *e)
{
	const char *model = http_param(r, "model");
	scores_run run;
	status rc;

	if (strcmp(model, "summary") == 0)
		return summary(r, e);
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		if (strcmp(model, known[i]) != 0)
			continue;
		if ((rc = scores_latest_run(r->st, r->arena, model, &run, e))) {
			if (rc == E_NOTFOUND)
				err_set(e, E_NOTFOUND,
					"%s has not run yet: run `ecrm analyze` or POST "
					"/api/analytics/run",
					model);
			return rc;
		}
		http_reply_json(r, 200, model_json(&run, true));
		return E_OK;
	}
	return err_set(e, E_NOTFOUND,
		       "no analytics model '%s'; one of summary, rfm, tiers, clv, churn, "
		       "lifecycle, clusters",
		       model);
}

/* HTTP_OWN_TXN: the job row commits before its thread starts. */
status h_analytics_run_start(http_req *r, err *e)
{
	static const char *const keys[] = { "models", "as_of", NULL };
	analyze_options o;
	int64_t id, running;
	const char *as_of = NULL;
	json_t *body = NULL, *list;
	status rc;

	analyze_options_default(&o, r->ctx->settings->cfg);
	if (r->body.len) {
		if ((rc = http_body_json(r, &body, e)) || (rc = http_json_keys(r, body, keys, e)) ||
		    (rc = http_json_str(r, body, "as_of", false, &as_of, e)))
			return rc;
	}
	list = body ? json_object_get(body, "models") : NULL;
	if (list && !json_is_array(list))
		return http_bad_request(r, e, "models", "models: must be an array of model names");
	for (size_t i = 0; list && i < json_array_size(list); i++) {
		const char *name = json_string_value(json_array_get(list, i));
		if (!name)
			return http_bad_request(r, e, "models",
						"models: must be an array of model names");
		if (!analyze_select(&o, name)) {
			http_error_field(r, "models");
			return err_set(e, E_INVAL,
				       "models: '%s' is not a model (all, rfm, tiers, clv, churn, "
				       "lifecycle, clusters)",
				       name);
		}
	}
	if (!o.models)
		analyze_select(&o, "all");
	if (as_of) {
		int64_t t;
		if ((rc = datetime_parse(as_of, strlen(as_of), DATE_YMD, &t, e))) {
			http_error_field(r, "as_of");
			err_prefix(e, "as_of");
			return rc;
		}
		o.as_of = as_of;
	}
	rc = analyze_job_start(r->st, r->ctx->db_uri, r->ctx->settings->cfg, &o, http_actor(r), &id,
			       &running, e);
	if (rc == E_CONFLICT) {
		http_reply_json(r, 409,
				json_pack("{s:{s:s, s:s, s:I}}", "error", "code", "conflict",
					  "message", e->msg, "running_id", (json_int_t)running));
		http_add_header(r, "Location",
				arena_printf(r->arena, "/api/analytics/runs/%" PRId64, running));
		return E_OK;
	}
	if (rc)
		return rc;
	http_audit(r, "analytics.run", arena_printf(r->arena, "analytics_run:%" PRId64, id), NULL);
	http_add_header(r, "Location", arena_printf(r->arena, "/api/analytics/runs/%" PRId64, id));
	{
		scores_run run;
		if ((rc = scores_get_run(r->st, r->arena, id, &run, e)))
			return rc;
		http_reply_json(r, 202, json_pack("{s:o}", "run", run_json(&run, stale_before(r))));
	}
	return E_OK;
}

status h_analytics_run_get(http_req *r, err *e)
{
	int64_t id;
	scores_run run;
	status rc;

	if ((rc = http_param_id(r, "id", &id, e)) ||
	    (rc = scores_get_run(r->st, r->arena, id, &run, e)))
		return rc;
	http_reply_json(r, 200, json_pack("{s:o}", "run", run_json(&run, stale_before(r))));
	return E_OK;
}
