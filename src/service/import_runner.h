/* import_runner.h: the background thread that runs import jobs
 * (domain/import_job.h) on its own store handle. Each server runs one; they
 * share the queue through the database, so any server may run a job that
 * another accepted. It polls for queued jobs, and on stop puts a job it has
 * not finished back in the queue (committed batches stay: importing is
 * idempotent, so the next run completes it). */
#ifndef ECRM_SERVICE_IMPORT_RUNNER_H
#define ECRM_SERVICE_IMPORT_RUNNER_H

#include "core/config.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "store/db.h"

#include <stdatomic.h>

typedef struct import_runner import_runner;

/* Starts the runner on `db_uri`; settings from [import] of `cfg` (may be
 * NULL): poll_ms (250), batch (rows per transaction, 5000), max_errors
 * (bad rows kept per job, 10000), region (GB), stale_after (seconds
 * without a heartbeat before another runner takes a job over, 600). */
struct pii_keys;
/* `keys` (borrowed) are attached to the runner's own store handle. */
status import_runner_start(const char *db_uri, const struct pii_keys *keys, const config *cfg,
			   import_runner **out,
			   err *e) MUST_CHECK;
/* Stops the thread (a job in progress is stopped at its next batch and
 * queued again) and frees the runner; NULL is harmless. */
void import_runner_stop(import_runner *r);

/* Runs one job now on `st` (the runner's loop body; also for tests).
 * `stop` (may be NULL) is polled between batches. */
status import_runner_run_job(store *st, int64_t id, const config *cfg, const atomic_bool *stop,
			     err *e) MUST_CHECK;

/* The /metrics collector: ecrm_import_jobs{state="..."} gauges. */
status import_runner_metrics(store *st, strbuf *out, err *e) MUST_CHECK;

#endif
