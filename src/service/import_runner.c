/* import_runner.c: the import jobs thread (see import_runner.h). A job's
 * upload is written to a temporary file for the import engine; its bad rows
 * come back through the engine's errors file and are stored with the job. */
#include "service/import_runner.h"
#include "domain/pii.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "domain/import_job.h"
#include "ingest/csv.h"
#include "ingest/import.h"

#include <jansson.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

struct import_runner {
	char *db_uri;
	const config *cfg;
	store *st;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_bool stop;
	char name[128];
};

/* What the batch hook needs. */
typedef struct {
	store *st;
	int64_t id;
	const atomic_bool *stop;
} batch_ctx;

static status on_batch(void *user, int64_t bytes, const struct import_summary *sum, err *e)
{
	batch_ctx *b = user;

	if (b->stop && atomic_load(b->stop))
		return err_set(e, E_BUSY, "the server is stopping");
	return import_job_progress(b->st, b->id, bytes, sum->rows, sum->rows_failed,
				   (int64_t)time(NULL), e);
}

static char *summary_json(const import_summary *s)
{
	json_t *j = json_pack(
		"{s:s, s:I, s:I, s:{s:I, s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I, s:I}, s:I, s:I, "
		"s:I, "
		"s:{s:I, s:I, s:I}, s:f}",
		"format", s->format, "rows", (json_int_t)s->rows, "rows_failed",
		(json_int_t)s->rows_failed, "customers", "new", (json_int_t)s->customers_new,
		"updated", (json_int_t)s->customers_updated, "unchanged",
		(json_int_t)s->customers_unchanged, "products", "new", (json_int_t)s->products_new,
		"updated", (json_int_t)s->products_updated, "orders", "new",
		(json_int_t)s->orders_new, "updated", (json_int_t)s->orders_updated, "unchanged",
		(json_int_t)s->orders_unchanged, "guest_orders", (json_int_t)s->guest_orders,
		"guest_rows", (json_int_t)s->guest_rows, "items", (json_int_t)s->items, "returns",
		"new", (json_int_t)s->returns_new, "updated", (json_int_t)s->returns_updated,
		"unchanged", (json_int_t)s->returns_unchanged, "seconds", s->seconds);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return text;
}

/* Reading the engine's errors file back into the job. */
typedef struct {
	store *st;
	int64_t id;
	int64_t seq, max;
	char **header; /* the file's own columns, after line, column, reason */
	size_t nheader;
} errors_ctx;

static status on_error_row(void *user, const csv_row *row, err *e)
{
	errors_ctx *x = user;
	import_job_error er = {0};

	if (row->index == 0) {
		x->nheader = row->n > 3 ? row->n - 3 : 0;
		x->header = xcalloc(x->nheader + 1, sizeof(*x->header));
		for (size_t i = 0; i < x->nheader; i++)
			x->header[i] = xstrdup(row->field[i + 3]);
		return E_OK;
	}
	if (row->n < 3 || x->seq >= x->max)
		return E_OK;
	er.seq = ++x->seq;
	er.line = strtoll(row->field[0], NULL, 10);
	er.column = (int)strtol(row->field[1], NULL, 10);
	er.reason = row->field[2];
	if (er.column > 0 && (size_t)er.column <= x->nheader && x->header[er.column - 1][0])
		er.column_name = x->header[er.column - 1];
	return import_job_add_error(x->st, x->id, &er, e);
}

static status store_errors(store *st, int64_t id, const char *path, int64_t max, err *e)
{
	errors_ctx x = {.st = st, .id = id, .max = max};
	csv_options o = {.delim = ','};
	status rc;

	if (access(path, R_OK) != 0)
		return E_OK; /* no bad row, no file */
	if ((rc = store_begin(st, e)))
		return rc;
	rc = store_end(st, csv_read(path, &o, on_error_row, &x, e), e);
	for (size_t i = 0; i < x.nheader; i++)
		free(x.header[i]);
	free(x.header);
	return rc;
}

/* Writes the upload to a new temporary file; its path in `path`. */
static status spool(const void *data, size_t n, char *path, size_t size, err *e)
{
	const char *dir = getenv("TMPDIR");
	int fd;
	FILE *f;

	snprintf(path, size, "%s/ecrm-import-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return err_set(e, E_IO, "cannot create a temporary file in %s: %s",
			       dir && *dir ? dir : "/tmp", strerror(errno));
	if (!(f = fdopen(fd, "wb"))) {
		close(fd);
		unlink(path);
		return err_set(e, E_IO, "%s: %s", path, strerror(errno));
	}
	bool short_write = n && fwrite(data, 1, n, f) != n;
	if (fclose(f) != 0 || short_write) {
		unlink(path);
		return err_set(e, E_IO, "%s: cannot write the upload: %s", path, strerror(errno));
	}
	return E_OK;
}

status import_runner_run_job(store *st, int64_t id, const config *cfg, const atomic_bool *stop,
			     err *e)
{
	char csv_path[512] = "", errors_path[600] = "";
	import_summary sum;
	import_options opt = {0};
	batch_ctx bc = {.st = st, .id = id, .stop = stop};
	void *data = NULL;
	size_t n = 0;
	import_job job;
	arena a;
	char *summary = NULL;
	status rc, run_rc;
	err run_e;

	arena_init(&a, 0);
	memset(&sum, 0, sizeof(sum));
	if ((rc = import_job_load(st, id, &a, &job, e)) ||
	    (rc = import_job_data(st, id, &data, &n, e)) ||
	    (rc = spool(data, n, csv_path, sizeof(csv_path), e)))
		goto out;
	snprintf(errors_path, sizeof(errors_path), "%s.errors.csv", csv_path);
	opt.kind = strcmp(job.kind, "customers") == 0 ? IMPORT_CUSTOMERS : IMPORT_ORDERS;
	opt.path = csv_path;
	opt.format = job.format;
	opt.dry_run = job.dry_run;
	opt.errors_path = errors_path;
	opt.on_batch = on_batch;
	opt.on_batch_user = &bc;
	err_clear(&run_e);
	/* Smaller batches than the command line's: a request that writes
	 * waits for the batch in hand (docs/operations.md). A setting that is
	 * not valid fails the job, saying which. */
	run_rc = import_options_configure(&opt, cfg, 5000, &run_e);
	if (!run_rc)
		run_rc = import_run(st, &opt, &sum, &run_e);
	if (run_rc == E_BUSY && stop && atomic_load(stop)) {
		/* Stopping: back in the queue for whoever runs next. */
		rc = import_job_requeue(st, id, e);
		goto out;
	}
	if ((rc = store_errors(st, id, errors_path, config_int(cfg, "import", "max_errors", 10000),
			       e)))
		goto out;
	summary = summary_json(&sum);
	rc = import_job_finish(st, id, run_rc ? IMPORT_JOB_FAILED : IMPORT_JOB_DONE,
			       run_rc ? 0 : job.bytes_total, sum.rows, sum.rows_failed, summary,
			       run_rc ? run_e.msg : NULL, (int64_t)time(NULL), e);
out:
	if (rc && rc != E_BUSY) {
		/* The job cannot run (its upload is gone, the disk is full): say so
		 * rather than retry forever. */
		err fe;
		err_clear(&fe);
		if (import_job_finish(st, id, IMPORT_JOB_FAILED, 0, sum.rows, sum.rows_failed, NULL,
				      e->msg, (int64_t)time(NULL), &fe))
			log_error("import job %" PRId64 ": %s", id, fe.msg);
	}
	if (csv_path[0])
		unlink(csv_path);
	if (errors_path[0])
		unlink(errors_path);
	free(summary);
	free(data);
	arena_release(&a);
	return rc;
}

static void *loop(void *arg)
{
	import_runner *r = arg;
	int64_t poll_ms = config_int(r->cfg, "import", "poll_ms", 250);
	int64_t stale = config_int(r->cfg, "import", "stale_after", 600);

	while (!atomic_load(&r->stop)) {
		int64_t id = 0, now = (int64_t)time(NULL);
		err e;

		err_clear(&e);
		if (import_job_claim(r->st, r->name, now, now - stale, &id, &e))
			log_warn("import jobs: %s", e.msg);
		if (id) {
			log_info("import job %" PRId64 ": started", id);
			if (import_runner_run_job(r->st, id, r->cfg, &r->stop, &e))
				log_warn("import job %" PRId64 ": %s", id, e.msg);
			else
				log_info("import job %" PRId64 ": finished", id);
			continue;
		}
		pthread_mutex_lock(&r->mu);
		if (!atomic_load(&r->stop)) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(poll_ms % 1000) * 1000000;
			ts.tv_sec += poll_ms / 1000 + ts.tv_nsec / 1000000000;
			ts.tv_nsec %= 1000000000;
			pthread_cond_timedwait(&r->cv, &r->mu, &ts);
		}
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

status import_runner_start(const char *db_uri, const struct pii_keys *keys, const config *cfg,
			   import_runner **out, err *e)
{
	import_runner *r = xcalloc(1, sizeof(*r));
	char host[64] = "localhost";
	status rc;

	*out = NULL;
	if ((rc = store_open(db_uri, 0, &r->st, e)) || (rc = pii_attach(r->st, keys, e))) {
		store_close(r->st);
		free(r);
		return rc;
	}
	gethostname(host, sizeof(host) - 1);
	snprintf(r->name, sizeof(r->name), "%s:%ld", host, (long)getpid());
	r->db_uri = xstrdup(db_uri);
	r->cfg = cfg;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->thread, NULL, loop, r) != 0) {
		store_close(r->st);
		free(r->db_uri);
		free(r);
		return err_set(e, E_INTERNAL, "cannot start the import thread");
	}
	*out = r;
	return E_OK;
}

void import_runner_stop(import_runner *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	atomic_store(&r->stop, true);
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	store_close(r->st);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r->db_uri);
	free(r);
}

status import_runner_metrics(store *st, strbuf *out, err *e)
{
	int64_t counts[4];
	status rc;

	if ((rc = import_job_counts(st, counts, e)))
		return rc;
	strbuf_adds(out, "# HELP ecrm_import_jobs Import jobs by state.\n"
			 "# TYPE ecrm_import_jobs gauge\n");
	for (int s = 0; s < 4; s++)
		strbuf_addf(out, "ecrm_import_jobs{state=\"%s\"} %" PRId64 "\n",
			    import_job_state_name((import_job_state)s), counts[s]);
	return E_OK;
}
