/* test_analytics.c: /api/analytics against a real server on the CDNOW
 * sample: nothing before a run, roles, a background run started over HTTP
 * that reports its progress and ends done, its results (the published
 * BG/NBD and Gamma-Gamma values, read back, not recomputed), the summary,
 * one unfinished run at a time (shared through the store), abandoned runs,
 * bad requests and the audit entry. */
#include "harness.h"
#include "analytics/scores.h"
#include "domain/user.h"

#include <jansson.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

static api_server srv;
static const char *db;
static char keys[ROLE__COUNT][128];

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = api_new_db("analytics.db");
	if (api_cli(db, NULL, NULL, "--quiet", "import", "orders",
		    test_data("cdnow/CDNOW_sample.txt"), NULL) != 0)
		fail_msg("importing the CDNOW sample failed");
	for (int r = 0; r < ROLE__COUNT; r++) {
		strbuf out = STRBUF_INIT;
		if (api_cli(db, NULL, &out, "apikey", "create", "--role",
			    user_role_name((user_role)r), "--name", user_role_name((user_role)r),
			    NULL) != 0)
			fail_msg("ecrm apikey create failed");
		snprintf(keys[r], sizeof(keys[r]), "%.*s", (int)strcspn(out.buf, "\n"), out.buf);
		strbuf_release(&out);
	}
	api_start(&srv, db, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(api_stop(&srv), 0);
	curl_global_cleanup();
	return 0;
}

/* One request as `role`; returns the parsed body (NULL when empty). */
static json_t *call(user_role role, const char *method, const char *path, const char *body,
		    long *code)
{
	char auth[192];
	const char *h[] = { "Content-Type: application/json", auth, NULL };
	api_resp r;
	json_t *v = NULL;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", keys[role]);
	api_request(&srv, method, path, body, h, &r);
	*code = r.status;
	if (r.body.len)
		v = api_json(&r);
	api_resp_release(&r);
	return v;
}

static double num(json_t *o, const char *path)
{
	char buf[128], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = json_object_get(o, k);
	if (!json_is_number(o))
		fail_msg("%s is not a number", path);
	return json_number_value(o);
}

static void assert_near(double got, double want, double rel, const char *what)
{
	if (!(fabs(got - want) <= rel * fabs(want)))
		fail_msg("%s: got %.6g, want %.6g within %g", what, got, want, rel);
}

static void nothing_before_a_run(void **state)
{
	long st;
	json_t *v;
	(void)state;

	v = call(ROLE_ANALYST, "GET", "/api/analytics/summary", NULL, &st);
	assert_int_equal(st, 200);
	assert_true(json_is_null(json_object_get(json_object_get(v, "models"), "clv")));
	assert_true(json_is_null(json_object_get(json_object_get(v, "models"), "rfm")));
	json_decref(v);
	v = call(ROLE_ANALYST, "GET", "/api/analytics/clv", NULL, &st);
	assert_int_equal(st, 404);
	assert_non_null(
		strstr(json_string_value(json_object_get(json_object_get(v, "error"), "message")),
		       "has not run yet"));
	json_decref(v);
	v = call(ROLE_ANALYST, "GET", "/api/analytics/nosuchmodel", NULL, &st);
	assert_int_equal(st, 404);
	json_decref(v);
}

static void roles(void **state)
{
	long st;
	(void)state;

	json_decref(call(ROLE_VIEWER, "GET", "/api/analytics/summary", NULL, &st));
	assert_int_equal(st, 403);
	json_decref(call(ROLE_ANALYST, "POST", "/api/analytics/run", "{}", &st));
	assert_int_equal(st, 403);
	json_decref(call(ROLE_AGENT, "POST", "/api/analytics/run", "{}", &st));
	assert_int_equal(st, 403);
}

static void bad_requests(void **state)
{
	long st;
	json_t *v;
	(void)state;

	/* unreadable: 400; a value refused: 422 */
	v = call(ROLE_MANAGER, "POST", "/api/analytics/run", "{\"models\":\"rfm\"}", &st);
	assert_int_equal(st, 400);
	json_decref(v);
	v = call(ROLE_MANAGER, "POST", "/api/analytics/run", "{\"models\":[\"nope\"]}", &st);
	assert_int_equal(st, 422);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "error"), "field")), "models");
	json_decref(v);
	v = call(ROLE_MANAGER, "POST", "/api/analytics/run", "{\"as_of\":\"1997-02-30\"}", &st);
	assert_int_equal(st, 422);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(v, "error"), "field")), "as_of");
	json_decref(v);
	v = call(ROLE_MANAGER, "POST", "/api/analytics/run", "{\"when\":1}", &st);
	assert_int_equal(st, 400);
	json_decref(v);
	json_decref(call(ROLE_ANALYST, "GET", "/api/analytics/runs/999999", NULL, &st));
	assert_int_equal(st, 404);
	json_decref(call(ROLE_ANALYST, "GET", "/api/analytics/runs/abc", NULL, &st));
	assert_int_equal(st, 400);
}

/* Waits for run `id` to end; returns its final JSON. */
static json_t *wait_run(int64_t id, bool *saw_running)
{
	char path[64];
	json_t *v = NULL;
	long st;

	snprintf(path, sizeof(path), "/api/analytics/runs/%" PRId64, id);
	for (int i = 0; i < 1200; i++) {
		json_decref(v);
		v = call(ROLE_ANALYST, "GET", path, NULL, &st);
		assert_int_equal(st, 200);
		const char *s =
			json_string_value(json_object_get(json_object_get(v, "run"), "state"));
		assert_non_null(s);
		if (strcmp(s, "running") == 0 && saw_running)
			*saw_running = true;
		if (strcmp(s, "queued") != 0 && strcmp(s, "running") != 0)
			return v;
		usleep(50 * 1000);
	}
	fail_msg("analytics run %" PRId64 " did not finish in 60 s", id);
	return v;
}

static void run_in_background_and_read_results(void **state)
{
	long st;
	json_t *v, *run, *res;
	int64_t id;
	(void)state;

	v = call(ROLE_MANAGER, "POST", "/api/analytics/run",
		 "{\"models\":[\"all\"],\"as_of\":\"1997-10-01\"}", &st);
	assert_int_equal(st, 202);
	run = json_object_get(v, "run");
	id = json_integer_value(json_object_get(run, "id"));
	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(run, "kind")), "analyze");
	assert_string_equal(json_string_value(json_object_get(run, "state")), "queued");
	assert_int_equal(json_array_size(json_object_get(json_object_get(run, "params"), "models")),
			 6);
	json_decref(v);

	v = wait_run(id, NULL);
	run = json_object_get(v, "run");
	assert_string_equal(json_string_value(json_object_get(run, "state")), "done");
	assert_near(num(run, "progress"), 1.0, 1e-12, "progress");
	assert_string_equal(json_string_value(json_object_get(run, "as_of")), "1997-10-01");
	assert_true(json_integer_value(json_object_get(run, "finished_at")) >= time(NULL) - 120);
	json_decref(v);

	/* the clv results: the published CDNOW fits, through the server's run */
	v = call(ROLE_ANALYST, "GET", "/api/analytics/clv", NULL, &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_string_value(json_object_get(v, "as_of")), "1997-10-01");
	res = json_object_get(v, "results");
	assert_near(num(res, "bgnbd.r"), 0.2426, 1e-3, "r");
	assert_near(num(res, "bgnbd.alpha"), 4.4137, 1e-3, "alpha");
	assert_near(num(res, "bgnbd.a"), 0.7930, 1e-3, "a");
	assert_near(num(res, "bgnbd.b"), 2.4262, 1e-3, "b");
	assert_near(num(res, "gammagamma.p"), 6.2493, 1e-3, "p");
	assert_near(num(res, "gammagamma.q"), 3.7443, 1e-3, "q");
	assert_near(num(res, "gammagamma.gamma"), 15.4443, 1e-3, "gamma");
	assert_near(num(res, "clv.customers"), 2357, 0, "customers with a CLV");
	assert_true(num(res, "clv.sum") > 0);
	assert_near(num(v, "params.horizon"), 52, 0, "horizon");
	/* the run's own row is readable as a run too */
	{
		char path[64];
		json_t *w;
		snprintf(path, sizeof(path), "/api/analytics/runs/%" PRId64,
			 (int64_t)json_integer_value(json_object_get(v, "run_id")));
		w = call(ROLE_ANALYST, "GET", path, NULL, &st);
		assert_int_equal(st, 200);
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(w, "run"), "kind")),
			"clv");
		json_decref(w);
	}
	json_decref(v);

	/* rfm: segment counts add up to the customers scored */
	v = call(ROLE_ANALYST, "GET", "/api/analytics/rfm", NULL, &st);
	assert_int_equal(st, 200);
	res = json_object_get(v, "results");
	json_t *segs = json_object_get(res, "segments");
	assert_int_equal(json_array_size(segs), 11);
	int64_t sum = 0;
	for (size_t i = 0; i < json_array_size(segs); i++)
		sum += json_integer_value(json_object_get(json_array_get(segs, i), "customers"));
	assert_int_equal(sum, 2357);
	assert_near(num(res, "scored"), 2357, 0, "scored");
	json_decref(v);

	/* lifecycle used the run's P(alive); stages with revenue */
	v = call(ROLE_ANALYST, "GET", "/api/analytics/lifecycle", NULL, &st);
	assert_int_equal(st, 200);
	assert_true(json_is_true(json_object_get(json_object_get(v, "results"), "used_p_alive")));
	assert_non_null(json_object_get(
		json_array_get(json_object_get(json_object_get(v, "results"), "stages"), 0),
		"revenue"));
	json_decref(v);

	/* the summary: every model that ran, without the long series */
	v = call(ROLE_ANALYST, "GET", "/api/analytics/summary", NULL, &st);
	assert_int_equal(st, 200);
	json_t *models = json_object_get(v, "models");
	const char *names[] = { "rfm", "tiers", "clv", "churn", "lifecycle", "clusters" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_true(json_is_object(json_object_get(models, names[i])));
	res = json_object_get(json_object_get(models, "churn"), "results");
	assert_true(num(res, "auc") > 0.6 && num(res, "auc") < 0.95);
	res = json_object_get(json_object_get(models, "clv"), "results");
	assert_near(num(res, "bgnbd.r"), 0.2426, 1e-3, "summary r");
	assert_null(json_object_get(res, "params"));
	assert_null(json_object_get(res, "p_alive_histogram"));
	json_decref(v);

	/* the POST is in the audit log */
	v = call(ROLE_ADMIN, "GET", "/api/audit", NULL, &st);
	assert_int_equal(st, 200);
	bool found = false;
	json_t *en = json_object_get(v, "entries");
	for (size_t i = 0; i < json_array_size(en); i++)
		found |= strcmp(json_string_value(json_object_get(json_array_get(en, i), "action")),
				"analytics.run") == 0;
	assert_true(found);
	json_decref(v);
}

/* A run another server started (a job row with a fresh heartbeat) blocks
 * a new one; once its heartbeat is stale it shows as abandoned and a new
 * run may start. */
static void one_run_at_a_time(void **state)
{
	store *st = NULL;
	int64_t other, running, now = (int64_t)time(NULL);
	long code;
	char state_json[96], path[64];
	json_t *v;
	err e = { 0 };
	(void)state;

	assert_int_equal(store_open(db, 0, &st, &e), E_OK);
	snprintf(state_json, sizeof(state_json),
		 "{\"state\":\"running\",\"stage\":\"clv\",\"done\":2,\"total\":4,"
		 "\"updated_at\":%" PRId64 "}",
		 now);
	assert_int_equal(
		scores_job_create(st, "{}", state_json, now, now - 900, &other, &running, &e),
		E_OK);
	v = call(ROLE_MANAGER, "POST", "/api/analytics/run", NULL, &code);
	assert_int_equal(code, 409);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(v, "error"), "running_id")),
		other);
	json_decref(v);
	snprintf(path, sizeof(path), "/api/analytics/runs/%" PRId64, other);
	v = call(ROLE_ANALYST, "GET", path, NULL, &code);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "run"), "stage")),
			    "clv");
	assert_near(num(json_object_get(v, "run"), "progress"), 0.5, 1e-12, "progress");
	json_decref(v);

	/* its server went away an hour ago */
	snprintf(state_json, sizeof(state_json),
		 "{\"state\":\"running\",\"stage\":\"clv\",\"updated_at\":%" PRId64 "}",
		 now - 3600);
	assert_int_equal(scores_job_update(st, other, state_json, 0, 0, &e), E_OK);
	v = call(ROLE_ANALYST, "GET", path, NULL, &code);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "run"), "state")),
			    "abandoned");
	json_decref(v);
	v = call(ROLE_MANAGER, "POST", "/api/analytics/run", "{\"models\":[\"rfm\"]}", &code);
	assert_int_equal(code, 202);
	int64_t id = json_integer_value(json_object_get(json_object_get(v, "run"), "id"));
	json_decref(v);
	json_decref(wait_run(id, NULL));
	v = call(ROLE_ANALYST, "GET", path, NULL, &code);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "run"), "state")),
			    "abandoned");
	assert_true(json_integer_value(json_object_get(json_object_get(v, "run"), "finished_at")) >
		    0);
	json_decref(v);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_before_a_run),
		cmocka_unit_test(roles),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(run_in_background_and_read_results),
		cmocka_unit_test(one_run_at_a_time),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
