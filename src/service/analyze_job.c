/* analyze_job.c: analytics runs in the background (POST /api/analytics/run):
 * a detached thread with its own store handle and its own copy of the
 * config runs analyze_execute and reports its progress in its
 * analytics_runs row (scores.h), which every server sharing the store
 * reads. A server that stops mid-run leaves the row unfinished; its
 * heartbeat then goes stale and the next request marks it abandoned. */
#include "service/analyze.h"
#include "analytics/scores.h"
#include "core/datetime.h"
#include "core/log.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <time.h>

typedef struct {
	char *uri;
	config *cfg;
	unsigned models;
	char *as_of; /* NULL: the default */
	int64_t id;
	store *st;
	double t0;
} job;

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *dump(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(v);
	return s;
}

static void set_state(job *j, json_t *state, int32_t as_of, bool finished)
{
	char *s;
	err e;

	json_object_set_new(state, "updated_at", json_integer((json_int_t)time(NULL)));
	s = dump(state);
	err_clear(&e);
	if (scores_job_update(j->st, j->id, s, as_of, finished ? (int64_t)time(NULL) : 0, &e))
		log_warn("analytics run %" PRId64 ": cannot record its state: %s", j->id, e.msg);
	free(s);
}

static void on_progress(void *arg, const char *stage, int done, int total, const char *note)
{
	job *j = arg;

	if (note)
		log_info("analytics run %" PRId64 ": %s", j->id, note);
	if (!stage)
		return;
	set_state(j,
		  json_pack("{s:s, s:s, s:i, s:i}", "state", "running", "stage", stage, "done",
			    done, "total", total),
		  0, false);
}

static void job_free(job *j)
{
	store_close(j->st);
	config_free(j->cfg);
	free(j->uri);
	free(j->as_of);
	free(j);
}

static void *job_main(void *arg)
{
	job *j = arg;
	analyze_options o;
	json_t *root = NULL;
	err e;

	err_clear(&e);
	if (store_open(j->uri, 0, &j->st, &e)) {
		log_error("analytics run %" PRId64 ": %s", j->id, e.msg);
		/* no handle to record the failure with: the heartbeat goes stale */
		job_free(j);
		return NULL;
	}
	analyze_options_default(&o, j->cfg);
	o.models = j->models;
	o.as_of = j->as_of;
	j->t0 = now_seconds();
	if (analyze_execute(j->st, j->uri, j->cfg, &o, false, on_progress, j, &root, &e)) {
		log_warn("analytics run %" PRId64 " failed: %s", j->id, e.msg);
		set_state(j, json_pack("{s:s, s:s}", "state", "failed", "error", e.msg), 0, true);
	} else {
		json_t *st = json_pack("{s:s, s:f, s:o}", "state", "done", "seconds",
				       now_seconds() - j->t0, "models", json_array());
		const char *name, *as_of = NULL;
		json_t *res;
		json_object_foreach(root, name, res)
		{
			json_array_append_new(json_object_get(st, "models"), json_string(name));
			as_of = json_string_value(json_object_get(res, "as_of"));
		}
		int64_t t = 0;
		int32_t day = 0;
		if (as_of) {
			err e2;
			err_clear(&e2);
			json_object_set_new(st, "as_of", json_string(as_of));
			if (datetime_parse(as_of, strlen(as_of), DATE_YMD, &t, &e2) == E_OK)
				day = snapshot_day(t);
		}
		set_state(j, st, day, true);
		log_info("analytics run %" PRId64 " done in %.1f s", j->id, now_seconds() - j->t0);
	}
	json_decref(root);
	job_free(j);
	return NULL;
}

status analyze_job_start(store *st, const char *uri, const config *cfg, const analyze_options *o,
			 const char *requested_by, int64_t *id, int64_t *running, err *e)
{
	int64_t now = (int64_t)time(NULL);
	int64_t stale = config_int(cfg, "analytics", "run_stale_seconds", 900);
	json_t *params = json_pack("{s:[], s:s?, s:s}", "models", "as_of", o->as_of, "requested_by",
				   requested_by ? requested_by : "");
	char *p, *s;
	pthread_attr_t attr;
	pthread_t tid;
	status rc;

	for (size_t i = 0; analyze_model_name(i); i++) {
		if ((o->models >> i) & 1)
			json_array_append_new(json_object_get(params, "models"),
					      json_string(analyze_model_name(i)));
	}
	p = dump(params);
	s = dump(json_pack("{s:s, s:I}", "state", "queued", "updated_at", (json_int_t)now));
	rc = scores_job_create(st, p, s, now, now - stale, id, running, e);
	free(p);
	free(s);
	if (rc)
		return rc;

	job *j = xcalloc(1, sizeof(*j));
	j->uri = xstrdup(uri);
	j->cfg = config_copy(cfg);
	j->models = o->models;
	j->as_of = o->as_of ? xstrdup(o->as_of) : NULL;
	j->id = *id;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, job_main, j) != 0) {
		rc = err_set(e, E_IO, "cannot start a thread for analytics run %" PRId64, *id);
		s = dump(json_pack("{s:s, s:s}", "state", "failed", "error", e->msg));
		err e2;
		err_clear(&e2);
		if (scores_job_update(st, *id, s, 0, now, &e2))
			log_warn("analytics run %" PRId64 ": %s", *id, e2.msg);
		free(s);
		j->st = NULL;
		job_free(j);
	}
	pthread_attr_destroy(&attr);
	return rc;
}
