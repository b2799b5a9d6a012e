/* import_job.h: CSV imports run in the background. A job is created with
 * its upload (queued), claimed by one server's runner (running), and ends
 * done or failed with its summary and its bad rows (line, column, reason).
 * Everything lives in the database (migration 004), so every server on it
 * reports the same jobs. */
#ifndef ECRM_DOMAIN_IMPORT_JOB_H
#define ECRM_DOMAIN_IMPORT_JOB_H

#include "domain/domain.h"

typedef enum {
	IMPORT_JOB_QUEUED,
	IMPORT_JOB_RUNNING,
	IMPORT_JOB_DONE,
	IMPORT_JOB_FAILED
} import_job_state;

typedef struct {
	int64_t id;
	const char *kind;   /* "orders" or "customers" */
	const char *format; /* NULL: detect */
	bool dry_run;
	import_job_state state;
	const char *filename;
	const char *created_by;
	int64_t created_at, started_at, finished_at, heartbeat_at;
	const char *runner;
	int64_t bytes_total, bytes_done;
	int64_t rows, rows_failed;
	const char *summary; /* JSON object text, NULL until finished */
	const char *error;   /* why it failed */
} import_job;

typedef struct {
	int64_t seq; /* 1, 2 ... in file order */
	int64_t line;
	int column;		 /* 1-based; 0: the whole row */
	const char *column_name; /* NULL when unknown */
	const char *reason;
} import_job_error;

/* "queued", "running", "done", "failed". */
const char *import_job_state_name(import_job_state s);

/* Inserts a queued job with its upload `data` (n bytes); sets job->id.
 * created_at 0 means now. */
status import_job_create(store *st, import_job *job, const void *data, size_t n, err *e) MUST_CHECK;
/* E_NOTFOUND when there is no such job. Strings from `a`. */
status import_job_load(store *st, int64_t id, arena *a, import_job *out, err *e) MUST_CHECK;
/* Jobs newest first, with id < before_id (0: from the newest). */
status import_job_list(store *st, int64_t before_id, int limit, arena *a, import_job **rows,
		       size_t *n, bool *more, err *e) MUST_CHECK;
/* Bad rows of job `id` with seq > after_seq, in file order. */
status import_job_errors(store *st, int64_t id, int64_t after_seq, int limit, arena *a,
			 import_job_error **rows, size_t *n, bool *more, err *e) MUST_CHECK;

/* Claims the oldest queued job for `runner`, or a running one whose
 * runner showed no sign of life since `stale_before` (its server died):
 * *id = 0 when there is none. Its own write transaction. */
status import_job_claim(store *st, const char *runner, int64_t now, int64_t stale_before,
			int64_t *id, err *e) MUST_CHECK;
/* The upload of job `id` (malloc'd; the caller frees). */
status import_job_data(store *st, int64_t id, void **data, size_t *n, err *e) MUST_CHECK;
/* Records progress (and a heartbeat). */
status import_job_progress(store *st, int64_t id, int64_t bytes_done, int64_t rows,
			   int64_t rows_failed, int64_t now, err *e) MUST_CHECK;
/* Appends a bad row (seq is given by the caller, 1-based). */
status import_job_add_error(store *st, int64_t id, const import_job_error *er, err *e) MUST_CHECK;
/* Ends the job: done (with `summary`) or failed (with `error`); the
 * upload is deleted. */
status import_job_finish(store *st, int64_t id, import_job_state state, int64_t bytes_done,
			 int64_t rows, int64_t rows_failed, const char *summary, const char *error,
			 int64_t now, err *e) MUST_CHECK;
/* Puts a running job back in the queue (its runner is stopping); the
 * upload is kept, so another runner does it again. */
status import_job_requeue(store *st, int64_t id, err *e) MUST_CHECK;
/* How many jobs are in each state (indexed by import_job_state). */
status import_job_counts(store *st, int64_t counts[4], err *e) MUST_CHECK;

#endif
