/* import_job.c: background import jobs in the store (see import_job.h). */
#include "domain/import_job.h"
#include "core/xalloc.h"

#include <time.h>

static const char *const state_names[] = {"queued", "running", "done", "failed"};

const char *import_job_state_name(import_job_state s)
{
	return (unsigned)s < ARRAY_SIZE(state_names) ? state_names[s] : "unknown";
}

static import_job_state parse_state(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(state_names); i++) {
		if (strcmp(s, state_names[i]) == 0)
			return (import_job_state)i;
	}
	return IMPORT_JOB_FAILED;
}

#define JOB_COLS                                                                                   \
	"SELECT id, kind, format, dry_run, state, filename, created_by, created_at, "              \
	"COALESCE(started_at, 0), COALESCE(finished_at, 0), COALESCE(heartbeat_at, 0), runner, "   \
	"bytes_total, bytes_done, rows, rows_failed, summary, error FROM import_jobs "

static void read_job(stmt *s, arena *a, import_job *j)
{
	memset(j, 0, sizeof(*j));
	j->id = stmt_int64(s, 0);
	j->kind = domain_col_str(s, 1, a);
	j->format = domain_col_str(s, 2, a);
	j->dry_run = stmt_int64(s, 3) != 0;
	j->state = parse_state(stmt_text(s, 4));
	j->filename = domain_col_str(s, 5, a);
	j->created_by = domain_col_str(s, 6, a);
	j->created_at = stmt_int64(s, 7);
	j->started_at = stmt_int64(s, 8);
	j->finished_at = stmt_int64(s, 9);
	j->heartbeat_at = stmt_int64(s, 10);
	j->runner = domain_col_str(s, 11, a);
	j->bytes_total = stmt_int64(s, 12);
	j->bytes_done = stmt_int64(s, 13);
	j->rows = stmt_int64(s, 14);
	j->rows_failed = stmt_int64(s, 15);
	j->summary = domain_col_str(s, 16, a);
	j->error = domain_col_str(s, 17, a);
}

status import_job_create(store *st, import_job *job, const void *data, size_t n, err *e)
{
	static const char *const ins =
		"INSERT INTO import_jobs (kind, format, dry_run, state, filename, created_by, "
		"created_at, bytes_total) VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7) RETURNING "
		"id";
	static const char *const data_sql =
		"INSERT INTO import_job_data (job_id, body) VALUES ($1, $2)";
	status rc;
	stmt *s;

	if (!job->created_at)
		job->created_at = (int64_t)time(NULL);
	job->bytes_total = (int64_t)n;
	job->state = IMPORT_JOB_QUEUED;
	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_prepare(st, ins, &s, e)))
		goto out;
	stmt_bind_text(s, 1, job->kind);
	stmt_bind_text(s, 2, job->format);
	stmt_bind_int64(s, 3, job->dry_run);
	stmt_bind_text(s, 4, job->filename);
	stmt_bind_text(s, 5, job->created_by ? job->created_by : "unknown");
	stmt_bind_int64(s, 6, job->created_at);
	stmt_bind_int64(s, 7, (int64_t)n);
	if (stmt_row(s, e))
		job->id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	if (rc || (rc = store_prepare(st, data_sql, &s, e)))
		goto out;
	stmt_bind_int64(s, 1, job->id);
	stmt_bind_blob(s, 2, n ? data : "", n);
	rc = stmt_exec(s, e);
	stmt_done(s);
out:
	return store_end(st, rc, e);
}

status import_job_load(store *st, int64_t id, arena *a, import_job *out, err *e)
{
	static const char *const sql = JOB_COLS "WHERE id = $1";
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e))
		read_job(s, a, out);
	else if (e->code == E_OK)
		err_set(e, E_NOTFOUND, "no import job %" PRId64, id);
	rc = e->code;
	stmt_done(s);
	return rc;
}

status import_job_list(store *st, int64_t before_id, int limit, arena *a, import_job **rows,
		       size_t *n, bool *more, err *e)
{
	static const char *const sql = JOB_COLS "WHERE id < $1 ORDER BY id DESC LIMIT $2";
	status rc;
	stmt *s;

	*rows = arena_alloc(a, (size_t)(limit + 1) * sizeof(**rows));
	*n = 0;
	*more = false;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, before_id > 0 ? before_id : INT64_MAX);
	stmt_bind_int64(s, 2, limit + 1);
	while (domain_page_row(s, *n, limit, more, e))
		read_job(s, a, &(*rows)[(*n)++]);
	rc = e->code;
	stmt_done(s);
	return rc;
}

status import_job_errors(store *st, int64_t id, int64_t after_seq, int limit, arena *a,
			 import_job_error **rows, size_t *n, bool *more, err *e)
{
	static const char *const sql =
		"SELECT seq, line, column_no, column_name, reason FROM import_job_errors "
		"WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
	status rc;
	stmt *s;

	*rows = arena_alloc(a, (size_t)(limit + 1) * sizeof(**rows));
	*n = 0;
	*more = false;
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_int64(s, 2, after_seq);
	stmt_bind_int64(s, 3, limit + 1);
	while (domain_page_row(s, *n, limit, more, e)) {
		import_job_error *r;
		r = &(*rows)[(*n)++];
		r->seq = stmt_int64(s, 0);
		r->line = stmt_int64(s, 1);
		r->column = (int)stmt_int64(s, 2);
		r->column_name = domain_col_str(s, 3, a);
		r->reason = domain_col_str(s, 4, a);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status import_job_claim(store *st, const char *runner, int64_t now, int64_t stale_before,
			int64_t *id, err *e)
{
	/* One statement: of several servers polling, one wins each job. */
	static const char *const sql =
		"UPDATE import_jobs SET state = 'running', runner = $1, started_at = $2, "
		"heartbeat_at = $2, bytes_done = 0, rows = 0, rows_failed = 0 "
		"WHERE id = (SELECT id FROM import_jobs WHERE state = 'queued' "
		"OR (state = 'running' AND heartbeat_at < $3) ORDER BY id LIMIT 1) "
		"AND (state = 'queued' OR heartbeat_at < $3) RETURNING id";
	static const char *const clear = "DELETE FROM import_job_errors WHERE job_id = $1";
	status rc;
	stmt *s;

	*id = 0;
	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_prepare(st, sql, &s, e)))
		goto out;
	stmt_bind_text(s, 1, runner);
	stmt_bind_int64(s, 2, now);
	stmt_bind_int64(s, 3, stale_before);
	if (stmt_row(s, e))
		*id = stmt_int64(s, 0);
	rc = e->code;
	stmt_done(s);
	/* A job taken over from a dead runner starts again from scratch. */
	if (rc == E_OK && *id)
		rc = domain_exec_int(st, clear, *id, e);
out:
	return store_end(st, rc, e);
}

status import_job_data(store *st, int64_t id, void **data, size_t *n, err *e)
{
	status rc;
	stmt *s;

	*data = NULL;
	*n = 0;
	if ((rc = store_prepare(st, "SELECT body FROM import_job_data WHERE job_id = $1", &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	if (stmt_row(s, e)) {
		const void *b = stmt_blob(s, 0, n);
		*data = xmalloc(*n + 1);
		if (*n)
			memcpy(*data, b, *n);
	} else if (e->code == E_OK) {
		err_set(e, E_NOTFOUND, "import job %" PRId64 " has no upload", id);
	}
	rc = e->code;
	stmt_done(s);
	return rc;
}

status import_job_progress(store *st, int64_t id, int64_t bytes_done, int64_t rows,
			   int64_t rows_failed, int64_t now, err *e)
{
	static const char *const sql =
		"UPDATE import_jobs SET bytes_done = $2, rows = $3, rows_failed = $4, "
		"heartbeat_at = $5 WHERE id = $1";
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_int64(s, 2, bytes_done);
	stmt_bind_int64(s, 3, rows);
	stmt_bind_int64(s, 4, rows_failed);
	stmt_bind_int64(s, 5, now);
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

status import_job_add_error(store *st, int64_t id, const import_job_error *er, err *e)
{
	static const char *const sql =
		"INSERT INTO import_job_errors (job_id, seq, line, column_no, column_name, reason) "
		"VALUES ($1, $2, $3, $4, $5, $6)";
	status rc;
	stmt *s;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	stmt_bind_int64(s, 1, id);
	stmt_bind_int64(s, 2, er->seq);
	stmt_bind_int64(s, 3, er->line);
	stmt_bind_int64(s, 4, er->column);
	stmt_bind_text(s, 5, er->column_name);
	stmt_bind_text(s, 6, er->reason ? er->reason : "");
	rc = stmt_exec(s, e);
	stmt_done(s);
	return rc;
}

status import_job_finish(store *st, int64_t id, import_job_state state, int64_t bytes_done,
			 int64_t rows, int64_t rows_failed, const char *summary, const char *error,
			 int64_t now, err *e)
{
	static const char *const sql =
		"UPDATE import_jobs SET state = $2, bytes_done = $3, rows = $4, rows_failed = $5, "
		"summary = $6, error = $7, finished_at = $8, heartbeat_at = $8 WHERE id = $1";
	static const char *const drop = "DELETE FROM import_job_data WHERE job_id = $1";
	status rc;
	stmt *s;

	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_prepare(st, sql, &s, e)))
		goto out;
	stmt_bind_int64(s, 1, id);
	stmt_bind_text(s, 2, import_job_state_name(state));
	stmt_bind_int64(s, 3, bytes_done);
	stmt_bind_int64(s, 4, rows);
	stmt_bind_int64(s, 5, rows_failed);
	stmt_bind_text(s, 6, summary);
	stmt_bind_text(s, 7, error);
	stmt_bind_int64(s, 8, now);
	rc = stmt_exec(s, e);
	stmt_done(s);
	if (rc == E_OK)
		rc = domain_exec_int(st, drop, id, e);
out:
	return store_end(st, rc, e);
}

status import_job_requeue(store *st, int64_t id, err *e)
{
	static const char *const sql =
		"UPDATE import_jobs SET state = 'queued', runner = NULL, started_at = NULL "
		"WHERE id = $1 AND state = 'running'";

	return domain_exec_int(st, sql, id, e);
}

status import_job_counts(store *st, int64_t counts[4], err *e)
{
	static const char *const sql = "SELECT state, COUNT(*) FROM import_jobs GROUP BY state";
	status rc;
	stmt *s;

	memset(counts, 0, 4 * sizeof(*counts));
	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	while (stmt_row(s, e))
		counts[parse_state(stmt_text(s, 0))] = stmt_int64(s, 1);
	rc = e->code;
	stmt_done(s);
	return rc;
}
