/* postgres_stmt.c: prepared statements of the PostgreSQL store.
 *
 * Each statement is prepared on the server once per connection under a
 * generated name (ecrm_1, ecrm_2 ...); store.c's cache keeps it. Parameters
 * travel as text (blobs, integers and doubles for parameters of their
 * types, binary). Results come in binary when every column is of a type
 * the accessors read in that form (binary_columns), else as text; int64
 * values and doubles are exact either way. Rows
 * stream in libpq's single-row mode, so a query of millions of rows holds
 * one row in memory at a time. SQLite lets a caller
 * run other statements while it walks a result; a connection cannot, so a
 * statement that needs the connection first parks the one streaming:
 * its remaining rows are read into its own queue, and it goes on from there.
 * A scan in a transaction reads through a cursor instead, SCAN_ROWS rows
 * a FETCH, the next FETCH sent before the caller reads the rows of the
 * last: one result per chunk rather than per row (libpq's single-row mode
 * makes a PGresult for each), the server producing while ecrm reads, and
 * a parked scan holds one chunk, not the rest of its rows.
 *
 * The SQL is SQLite's too, whose values have no fixed types, so parameter
 * types are settled late: the server infers them at store_prepare, and when
 * a bound value does not fit what it inferred (an int64 where it guessed a
 * 32-bit integer, say from `$1 > 0`), the statement is prepared again with
 * the bound type. */
#include "store/postgres_internal.h"
#include "core/xalloc.h"

#include <math.h>

enum { SCAN_ROWS = 8192 };

static pg_store *owner(pg_stmt *s)
{
	return (pg_store *)s->base.st;
}

/* The highest $n outside quotes and comments. */
static int count_params(const char *sql)
{
	int max = 0;

	for (const char *p = sql; *p; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			while (p[1] && p[1] != q)
				p++;
			if (p[1])
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			if (!end)
				break;
			p = end + 1;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			long n = strtol(p + 1, (char **)&p, 10);
			if (n > max && n < 65536)
				max = (int)n;
			p--;
		}
	}
	return max;
}

static void set_nparams(pg_stmt *s, int n)
{
	if (n <= s->nparams)
		return;
	s->par = xrealloc(s->par, (size_t)n * sizeof(*s->par));
	s->types = xrealloc(s->types, (size_t)n * sizeof(*s->types));
	s->values = xrealloc(s->values, (size_t)n * sizeof(*s->values));
	s->lengths = xrealloc(s->lengths, (size_t)n * sizeof(*s->lengths));
	s->formats = xrealloc(s->formats, (size_t)n * sizeof(*s->formats));
	for (int i = s->nparams; i < n; i++) {
		s->par[i] = (param){ .null = true };
		s->types[i] = 0;
	}
	s->nparams = n;
}

/* Whether every result column of `desc` has a binary form the accessors
 * read: integers, float8, booleans, text and bytea. Such a statement's
 * rows come in binary, which spares the server writing numbers as text
 * (and bytea as hex) and ecrm parsing them back: a tenth of ecrm's CPU
 * in the analytics snapshot went to strtoll. Any other type (numeric, as
 * SUM of a bigint returns) keeps the whole result in text. */
static bool binary_columns(const PGresult *desc)
{
	int n = PQnfields(desc);

	for (int i = 0; i < n; i++) {
		if (PQftype(desc, i) != OID_BYTEA && !store_pg_binary_type(PQftype(desc, i)))
			return false;
	}
	return n > 0;
}

/* Runs a savepoint command of the prepare guard; false when it failed. */
static bool guard_cmd(pg_store *ps, const char *sql)
{
	PGresult *r = PQexec(ps->conn, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	return ok;
}

/* Whether a PREPARE failed because the server guessed parameter types
 * wrongly or not at all, which the bound values can settle: SQLite's SQL
 * leaves them open (`SELECT $1 IS NULL`; `SELECT $1 UNION SELECT id`
 * makes $1 text, then text = bigint fails). */
static bool type_guess_failed(const char *state)
{
	static const char *const states[] = {
		"42P18", /* indeterminate_datatype: could not determine data type */
		"42P08", /* ambiguous_parameter: inconsistent types deduced */
		"42883", /* undefined_function: operator does not exist: bigint = text */
		"42804", /* datatype_mismatch */
		"42725", /* ambiguous_function */
	};

	for (size_t i = 0; state && i < ARRAY_SIZE(states); i++) {
		if (strcmp(state, states[i]) == 0)
			return true;
	}
	return false;
}

/* Prepares `s` on the server under a new name with `types` (0: inferred).
 * With `lenient`, parameter types the server cannot settle are not an
 * error (type_guess_failed): `*undetermined` says so and nothing is
 * prepared; the bound values will settle them at the first run. A failed PREPARE
 * would abort the open transaction, which no failed sqlite3_prepare does:
 * inside one, a savepoint catches it. */
static status server_prepare(pg_stmt *s, const Oid *types, bool lenient, bool *undetermined, err *e)
{
	pg_store *ps = owner(s);
	bool guard = PQtransactionStatus(ps->conn) == PQTRANS_INTRANS;
	PGresult *r;
	char name[32], before[sizeof(ps->txn_error)];
	status rc = E_OK;

	if (guard && !guard_cmd(ps, "SAVEPOINT ecrm_prepare"))
		return store_pg_fail(ps, NULL, e, "prepare");
	snprintf(name, sizeof(name), "ecrm_%" PRIu64, ++ps->names);
	r = PQprepare(ps->conn, name, s->base.sql, types ? s->nparams : 0, types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (lenient && type_guess_failed(state)) {
			*undetermined = true;
		} else {
			memcpy(before, ps->txn_error, sizeof(before));
			rc = store_pg_fail(ps, r, e, "prepare");
			err_prefix(e, "%.160s", s->base.sql);
			if (guard)
				memcpy(ps->txn_error, before, sizeof(before));
		}
		PQclear(r);
		if (guard &&
		    !guard_cmd(
			    ps,
			    "ROLLBACK TO SAVEPOINT ecrm_prepare; RELEASE SAVEPOINT ecrm_prepare"))
			rc = store_pg_fail(ps, NULL, e, "prepare");
		return rc;
	}
	PQclear(r);
	r = PQdescribePrepared(ps->conn, name);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = store_pg_fail(ps, r, e, "describe");
		PQclear(r);
		return rc;
	}
	if (guard && !guard_cmd(ps, "RELEASE SAVEPOINT ecrm_prepare")) {
		PQclear(r);
		return store_pg_fail(ps, NULL, e, "prepare");
	}
	PQclear(s->desc);
	s->desc = r;
	s->binary_rows = binary_columns(r);
	set_nparams(s, PQnparams(r));
	for (int i = 0; i < PQnparams(r); i++)
		s->types[i] = PQparamtype(r, i);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->generation = ps->generation;
	return E_OK;
}

/* Queues the server statement's DEALLOCATE for the next transaction
 * boundary: finalizing is often done while the connection is busy, and
 * at store_close the session's statements die with it anyway. */
static void unprepare(pg_stmt *s)
{
	pg_store *ps = owner(s);

	if (s->name[0] && s->generation == ps->generation)
		strbuf_addf(&ps->unprepare, "DEALLOCATE %s;", s->name);
	s->name[0] = '\0';
}

status store_pg_prepare(store *st, const char *sql, stmt **out, err *e)
{
	pg_store *ps = (pg_store *)st;
	pg_stmt *s = xcalloc(1, sizeof(*s));
	bool undetermined = false;
	status rc;

	s->base.st = st;
	s->base.sql = sql;
	set_nparams(s, count_params(sql));
	store_pg_parse_insert(sql, &s->shape);
	if ((rc = store_pg_claim(ps, e)) ||
	    (rc = store_pg_ensure_conn(ps, st->txn_depth == 0, e)) ||
	    (rc = server_prepare(s, NULL, true, &undetermined, e))) {
		store_pg_finalize(&s->base);
		*out = NULL;
		return rc;
	}
	/* When the types cannot be inferred (`SELECT $1 IS NULL`), the bound
	 * values will tell at the first run; errors show then. */
	*out = &s->base;
	return E_OK;
}

/* Whether the bound value `p` can go to a parameter of type `have`. An
 * int64 goes to a 32-bit parameter when it is in range: a function taking
 * an int (substr, pg_terminate_backend) would not take a bigint. */
static bool fits(const param *p, Oid have)
{
	switch (p->type) {
	case OID_INT8:
		if (have == OID_INT4)
			return p->ival >= INT32_MIN && p->ival <= INT32_MAX;
		if (have == OID_INT2)
			return p->ival >= INT16_MIN && p->ival <= INT16_MAX;
		return true;
	case OID_FLOAT8:
		return have != OID_INT2 && have != OID_INT4 && have != OID_INT8;
	case OID_BYTEA:
		return have == OID_BYTEA;
	default:
		return true;
	}
}

/* Whether the statement is ready to run without a word with the server
 * first: prepared on this connection for the types of its bound values. */
static bool ready(const pg_stmt *s)
{
	const pg_store *ps = (const pg_store *)s->base.st;

	if (!s->name[0] || s->generation != ps->generation)
		return false;
	for (int i = 0; i < s->nparams; i++) {
		if (s->par[i].type && !fits(&s->par[i], s->types[i]))
			return false;
	}
	return true;
}

/* Makes sure the server statement exists and takes the bound values. */
static status ensure_prepared(pg_stmt *s, err *e)
{
	pg_store *ps = owner(s);
	bool prepared = s->name[0] && s->generation == ps->generation, undetermined = false;
	Oid *types;
	status rc;

	if (ready(s))
		return E_OK;
	types = xmalloc((size_t)(s->nparams ? s->nparams : 1) * sizeof(*types));
	/* What the server inferred before (on this connection or the one
	 * before a reconnect) stands where the bound value fits it. */
	for (int i = 0; i < s->nparams; i++) {
		Oid want = s->par[i].type, have = s->types[i];
		types[i] = have && fits(&s->par[i], have) ? have : want;
	}
	if (prepared)
		unprepare(s);
	else
		s->name[0] = '\0';
	rc = server_prepare(s, types, true, &undetermined, e);
	if (rc == E_OK && undetermined) {
		/* Text, or NULL where nothing else tells the type. */
		for (int i = 0; i < s->nparams; i++) {
			if (!types[i])
				types[i] = OID_TEXT;
		}
		rc = server_prepare(s, types, false, NULL, e);
	}
	free(types);
	return rc;
}

static void clear_row(pg_stmt *s)
{
	for (int i = 0; i < s->nblobs; i++) {
		PQfreemem(s->blobs[i]);
		s->blobs[i] = NULL;
	}
	PQclear(s->cur);
	s->cur = NULL;
	s->row = 0;
}

static void push(pg_stmt *s, PGresult *r)
{
	s->queue = xgrow(s->queue, &s->capqueue, s->nqueue + 1, sizeof(*s->queue));
	s->queue[s->nqueue++] = r;
}

/* Keeps the first failure among the statements sent ahead (and the
 * transaction's, as store_pg_fail does); a statement the server skipped
 * after it (PGRES_PIPELINE_ABORTED) is told that cause, with its status
 * (E_IO for a lost connection, E_BUSY for a retry ...). */
static void note_sent_result(pg_store *ps, pg_stmt *s, const PGresult *r, const char *what)
{
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_FATAL_ERROR && !ps->sent_failure.code)
		store_pg_fail(ps, r, &ps->sent_failure, what);
	else if (st == PGRES_PIPELINE_ABORTED && s && !s->skipped.code)
		err_set(&s->skipped, ps->sent_failure.code ? ps->sent_failure.code : E_DB,
			"query: not run, a statement sent before it failed: %s",
			ps->sent_failure.code ? ps->sent_failure.msg : "(no message)");
}

/* Ends the pipeline of the statements stmt_send sent: reads each one's
 * results into its queue (a failure to read becomes an error result, never
 * an empty one). */
static void drain_sent(pg_store *ps)
{
	bool synced = PQpipelineSync(ps->conn);
	PGresult *r;

	if (ps->sent_begin) {
		ps->sent_begin = false;
		while (synced && (r = PQgetResult(ps->conn))) {
			note_sent_result(ps, NULL, r, "begin");
			PQclear(r);
		}
	}
	for (int i = 0; i < ps->nsent; i++) {
		pg_stmt *s = ps->sent[i];
		size_t before = s->nqueue;
		while (synced && (r = PQgetResult(ps->conn))) {
			note_sent_result(ps, s, r, "query");
			push(s, r);
		}
		if (s->nqueue == before)
			push(s, PQmakeEmptyPGresult(ps->conn, PGRES_FATAL_ERROR));
		else if (ps->sent_alone)
			PQclear(PQgetResult(ps->conn)); /* its own sync */
		s->state = ST_PARKED;
	}
	ps->nsent = 0;
	store_pg_pipeline_done(ps);
}

void store_pg_park(pg_store *ps)
{
	pg_stmt *s = ps->active;
	PGresult *r;

	if (ps->nsent || ps->sent_begin)
		drain_sent(ps);
	store_pg_settle(ps);
	store_pg_commit_outcome(ps);
	store_pg_copy_outcome(ps);
	if (!s)
		return;
	while ((r = PQgetResult(ps->conn)))
		push(s, r);
	store_pg_pipeline_done(ps);
	s->state = ST_PARKED;
	ps->active = NULL;
}

/* Drops whatever of the statement's results is left; the connection is
 * free afterwards. */
static void finish(pg_stmt *s)
{
	pg_store *ps = owner(s);
	PGresult *r;

	if (s->state == ST_STREAM) {
		while ((r = PQgetResult(ps->conn))) {
			store_pg_note_changes(ps, r);
			PQclear(r);
		}
		store_pg_pipeline_done(ps);
		ps->active = NULL;
	}
	for (size_t i = s->next; i < s->nqueue; i++) {
		store_pg_note_changes(ps, s->queue[i]);
		PQclear(s->queue[i]);
	}
	s->nqueue = s->next = 0;
	s->state = ST_DONE;
	/* a scan's cursor closes with its transaction */
	s->cursor[0] = '\0';
	s->more = false;
}

/* Asks for a scan's next chunk; the connection is free. */
static status fetch(pg_stmt *s, err *e)
{
	pg_store *ps = owner(s);
	char sql[64];

	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM %s", SCAN_ROWS, s->cursor);
	if (!PQsendQueryParams(ps->conn, sql, 0, NULL, NULL, NULL, NULL, s->binary_rows))
		return store_pg_fail(ps, NULL, e, "query");
	ps->active = s;
	s->state = ST_STREAM;
	return E_OK;
}

/* Reads the answer to a scan's DECLARE and asks for the first chunk. */
static status declared(pg_stmt *s, err *e)
{
	pg_store *ps = owner(s);
	PGresult *r = PQgetResult(ps->conn), *end;
	status rc = E_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = store_pg_fail(ps, r, e, "query");
		s->cursor[0] = '\0';
	}
	PQclear(r);
	while ((end = PQgetResult(ps->conn)))
		PQclear(end);
	store_pg_pipeline_done(ps);
	return rc ? rc : fetch(s, e);
}

/* Sends `s` as a cursor's query: DECLARE takes the statement's text and
 * parameters (a cursor cannot be declared for a prepared statement). */
static bool send_declare(pg_stmt *s)
{
	pg_store *ps = owner(s);
	strbuf sql;
	bool ok;

	snprintf(s->cursor, sizeof(s->cursor), "ecrm_scan_%" PRIu64, ++ps->names);
	strbuf_init(&sql, 0);
	strbuf_addf(&sql, "DECLARE %s NO SCROLL CURSOR FOR %s", s->cursor, s->base.sql);
	ok = PQsendQueryParams(ps->conn, sql.buf, s->nparams, s->types, s->values, s->lengths,
			       s->formats, 0);
	strbuf_release(&sql);
	return ok;
}

/* Points the statement's values, lengths and formats at its parameters. */
static void load_values(pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		param *p = &s->par[i];
		int n = p->null ? 0 : store_pg_param_binary(p, s->types[i]);
		if (n) {
			s->values[i] = (const char *)p->bin;
			s->lengths[i] = n;
			s->formats[i] = 1;
			continue;
		}
		store_pg_param_text(p);
		s->values[i] = p->null ? NULL : p->buf;
		s->lengths[i] = p->len;
		s->formats[i] = p->binary;
	}
}

static status start(pg_stmt *s, err *e)
{
	pg_store *ps = owner(s);
	bool scan = s->base.scan && s->base.st->txn_depth > 0;
	status rc;

	int batches = 0;

	s->cursor[0] = '\0'; /* send_declare names this run's */
	store_pg_park(ps);
	if ((rc = store_pg_late(ps, e)) ||
	    (rc = store_pg_ensure_conn(ps, s->base.st->txn_depth == 0, e)))
		return rc;
	if (ps->unprepare.len > 4096)
		store_pg_flush_unprepare(ps);
	if ((rc = ensure_prepared(s, e)))
		return rc;
	load_values(s);
	/* Rows bulk mode held back go first, in the same round trip; so does
	 * the BEGIN of a read transaction (which holds no rows back). */
	if ((rc = store_pg_batch_pipeline(ps, &batches, e)))
		return rc;
	if (ps->begin_pending) {
		if ((batches == 0 && !PQenterPipelineMode(ps->conn)) ||
		    !PQsendQueryParams(ps->conn, PG_BEGIN_READ, 0, NULL, NULL, NULL, NULL, 0)) {
			rc = store_pg_fail(ps, NULL, e, "begin");
			store_pg_pipeline_end(ps, batches, NULL);
			return rc;
		}
		ps->begin_pending = false;
		batches++;
	}
	if (!(scan ? send_declare(s)
		   : PQsendQueryPrepared(ps->conn, s->name, s->nparams, s->values, s->lengths,
					 s->formats, s->binary_rows))) {
		rc = store_pg_fail(ps, NULL, e, "query");
		if (batches)
			store_pg_pipeline_end(ps, batches, NULL);
		return rc;
	}
	if (batches && (rc = store_pg_pipeline_end(ps, batches, e)))
		return rc;
	if (scan)
		return declared(s, e);
	/* Without single-row mode the rows come in one result; the loop in
	 * store_pg_step reads either. */
	PQsetSingleRowMode(ps->conn);
	ps->active = s;
	s->state = ST_STREAM;
	return E_OK;
}

void store_pg_send(stmt *b)
{
	pg_stmt *s = (pg_stmt *)b;
	pg_store *ps = owner(s);
	err e;

	/* Bulk mode's inserts and scans have their own ways; anything else
	 * that cannot join the pipeline now runs at its first stmt_row. */
	if (s->state != ST_IDLE || (ps->bulk && s->shape.k) || (b->scan && b->st->txn_depth) ||
	    ps->nsent == (int)ARRAY_SIZE(ps->sent))
		return;
	if (!ps->nsent) {
		/* The first: the connection must be free and the statement
		 * prepared (which takes a round trip) before the pipeline. */
		store_pg_park(ps);
		if (ps->late.code || store_pg_batch_holds_rows(ps) ||
		    PQstatus(ps->conn) != CONNECTION_OK || ensure_prepared(s, &e) ||
		    !PQenterPipelineMode(ps->conn))
			return;
		err_clear(&ps->sent_failure);
		ps->sent_alone = !b->st->txn_depth;
		if (ps->begin_pending) {
			if (!PQsendQueryParams(ps->conn, PG_BEGIN_READ, 0, NULL, NULL, NULL, NULL,
					       0)) {
				store_pg_pipeline_done(ps);
				return;
			}
			ps->begin_pending = false;
			ps->sent_begin = true;
		}
	} else if (!ready(s)) {
		return;
	}
	load_values(s);
	if (!PQsendQueryPrepared(ps->conn, s->name, s->nparams, s->values, s->lengths, s->formats,
				 s->binary_rows)) {
		/* The connection failed: what was sent reads as failed, and
		 * this statement's stmt_row says why. With nothing sent, park
		 * would leave the connection in pipeline mode, where start()'s
		 * query would wait for a sync that never comes. */
		if (!ps->nsent && !ps->sent_begin)
			store_pg_pipeline_done(ps);
		else
			store_pg_park(ps);
		return;
	}
	ps->sent[ps->nsent++] = s;
	s->state = ST_SENT;
	if (ps->sent_alone && !PQpipelineSync(ps->conn))
		store_pg_park(ps); /* the connection failed: s reads as failed */
}

static PGresult *next_result(pg_stmt *s)
{
	if (s->state == ST_STREAM)
		return PQgetResult(owner(s)->conn);
	return s->next < s->nqueue ? s->queue[s->next++] : NULL;
}

/* Takes the chunk `r` of a scan: its rows become the current ones and,
 * when it was full and the connection is free, the next FETCH goes out
 * before the caller reads them. 1: a row; 0: done; -1: error. */
static int take_chunk(pg_stmt *s, PGresult *r, err *e)
{
	pg_store *ps = owner(s);
	PGresult *end;

	if (s->state == ST_STREAM) {
		while ((end = PQgetResult(ps->conn)))
			PQclear(end);
		ps->active = NULL;
		s->state = ST_PARKED;
	}
	if (s->next == s->nqueue)
		s->next = s->nqueue = 0; /* the queue is read: reuse it */
	s->more = PQntuples(r) == SCAN_ROWS;
	if (s->more && !ps->active && s->next >= s->nqueue &&
	    (store_pg_claim(ps, e) || fetch(s, e))) {
		PQclear(r);
		finish(s);
		return -1;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		finish(s);
		return 0;
	}
	s->cur = r;
	s->row = 0;
	return 1;
}

int store_pg_step(stmt *b, err *e)
{
	pg_stmt *s = (pg_stmt *)b;
	pg_store *ps = owner(s);
	PGresult *r;

	if (s->synth) {
		s->synth = false;
		return 0;
	}
	if (s->state == ST_IDLE && s->shape.k) {
		/* Bulk mode may hold the rows back (postgres_batch.c). */
		bool taken = false;
		int64_t id = 0;
		if (store_pg_batch_exec(s, &taken, &id, e)) {
			s->state = ST_DONE;
			return -1;
		}
		if (taken) {
			s->state = ST_DONE;
			if (!s->shape.returning_id)
				return 0;
			snprintf(s->synth_id, sizeof(s->synth_id), "%" PRId64, id);
			s->synth = true;
			return 1;
		}
	}
	if (s->cur) {
		bool last = PQresultStatus(s->cur) == PGRES_TUPLES_OK;
		if (++s->row < PQntuples(s->cur)) {
			for (int i = 0; i < s->nblobs; i++) {
				PQfreemem(s->blobs[i]);
				s->blobs[i] = NULL;
			}
			return 1;
		}
		clear_row(s);
		if (last && !s->cursor[0]) {
			finish(s);
			return 0;
		}
	}
	if (s->state == ST_DONE)
		return 0;
	if (s->state == ST_IDLE && start(s, e)) {
		s->state = ST_DONE;
		return -1;
	}
	if (s->state == ST_SENT)
		store_pg_park(ps);
	if (s->cursor[0] && s->state != ST_STREAM && s->next >= s->nqueue) {
		/* a scan with no chunk on its way: the end, or ask for one */
		if (!s->more) {
			finish(s);
			return 0;
		}
		if (store_pg_claim(ps, e) || fetch(s, e)) {
			finish(s);
			return -1;
		}
	}
	r = next_result(s);
	if (s->cursor[0] && r && PQresultStatus(r) == PGRES_TUPLES_OK)
		return take_chunk(s, r, e);
	switch (r ? PQresultStatus(r) : PGRES_COMMAND_OK) {
	case PGRES_SINGLE_TUPLE:
		s->cur = r;
		return 1;
	case PGRES_TUPLES_OK:
		store_pg_note_changes(ps, r);
		if (PQntuples(r) > 0) {
			s->cur = r;
			return 1;
		}
		PQclear(r);
		finish(s);
		return 0;
	case PGRES_PIPELINE_ABORTED:
		*e = s->skipped;
		PQclear(r);
		finish(s);
		return -1;
	case PGRES_COMMAND_OK:
	case PGRES_EMPTY_QUERY:
		store_pg_note_changes(ps, r);
		PQclear(r);
		finish(s);
		return 0;
	default:
		store_pg_fail(ps, r, e, "query");
		PQclear(r);
		finish(s);
		return -1;
	}
}

void store_pg_reset(stmt *b)
{
	pg_stmt *s = (pg_stmt *)b;

	clear_row(s);
	if (s->state == ST_SENT)
		store_pg_park(owner(s));
	if (s->state == ST_STREAM || s->state == ST_PARKED)
		finish(s);
	s->state = ST_IDLE;
	err_clear(&s->skipped);
	s->synth = false;
	s->cursor[0] = '\0';
	s->more = false;
	for (int i = 0; i < s->nparams; i++) {
		s->par[i].null = true;
		s->par[i].type = 0;
	}
}

void store_pg_finalize(stmt *b)
{
	pg_stmt *s = (pg_stmt *)b;

	store_pg_reset(b);
	unprepare(s);
	for (int i = 0; i < s->nparams; i++)
		free(s->par[i].buf);
	free(s->par);
	free(s->types);
	free(s->values);
	free(s->lengths);
	free(s->formats);
	free(s->queue);
	free(s->blobs);
	free(s->bloblen);
	free(s->scratch);
	free(s->shape.param);
	PQclear(s->desc);
	free(s);
}

/* The parameter `idx` ($idx) with room for `n` bytes, or NULL. */
static param *slot(stmt *b, int idx, size_t n)
{
	pg_stmt *s = (pg_stmt *)b;
	param *p;

	if (idx < 1 || idx > s->nparams || n > INT_MAX - 1)
		return NULL;
	p = &s->par[idx - 1];
	p->buf = xgrow(p->buf, &p->cap, n + 1, 1);
	p->null = false;
	p->binary = false;
	p->type = 0;
	return p;
}

status store_pg_bind_int64(stmt *b, int idx, int64_t v)
{
	param *p = slot(b, idx, 24);

	if (!p)
		return E_INTERNAL;
	/* The text waits, as a double's does. */
	p->len = -1;
	p->type = OID_INT8;
	p->ival = v;
	return E_OK;
}

status store_pg_bind_double(stmt *b, int idx, double v)
{
	param *p = slot(b, idx, 32);

	if (!p)
		return E_INTERNAL;
	/* The text waits: a float8 parameter or batch takes the 8 bytes. */
	p->dval = v;
	p->len = -1;
	p->type = OID_FLOAT8;
	return E_OK;
}

int store_pg_param_binary(param *p, Oid type)
{
	uint64_t bits;
	int n;

	if (p->type == OID_FLOAT8 && type == OID_FLOAT8) {
		memcpy(&bits, &p->dval, sizeof(bits));
		n = 8;
	} else if (p->type == OID_INT8 &&
		   (type == OID_INT8 || type == OID_INT4 || type == OID_INT2)) {
		/* fits() made the server statement take the value's range. */
		bits = (uint64_t)p->ival;
		n = type == OID_INT8 ? 8 : type == OID_INT4 ? 4 : 2;
	} else {
		return 0;
	}
	store_pg_put_be(p->bin, bits, (size_t)n);
	return n;
}

void store_pg_param_text(param *p)
{
	double v = p->dval;

	if (p->null || p->len >= 0)
		return;
	if (p->type == OID_INT8)
		p->len = snprintf(p->buf, p->cap, "%" PRId64, p->ival);
	else if (isnan(v))
		p->len = snprintf(p->buf, p->cap, "NaN");
	else if (isinf(v))
		p->len = snprintf(p->buf, p->cap, "%sInfinity", v < 0 ? "-" : "");
	else
		p->len = snprintf(p->buf, p->cap, "%.17g", v);
}

void store_pg_put_be(unsigned char *out, uint64_t v, size_t n)
{
	for (size_t i = n; i-- > 0; v >>= 8)
		out[i] = (unsigned char)(v & 0xff);
}

uint64_t store_pg_get_be(const void *in, size_t n)
{
	const unsigned char *u = in;
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | u[i];
	return v;
}

bool store_pg_binary_type(Oid type)
{
	switch (type) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_FLOAT8:
	case OID_TEXT:
	case OID_BPCHAR:
	case OID_VARCHAR:
		return true;
	default:
		return false;
	}
}

status store_pg_bind_text(stmt *b, int idx, const char *v, size_t n)
{
	param *p;

	/* A text parameter ends at its first NUL byte on the wire. */
	if (memchr(v, '\0', n))
		return E_INVAL;
	if (!(p = slot(b, idx, n)))
		return idx < 1 || idx > ((pg_stmt *)b)->nparams ? E_INTERNAL : E_TOOBIG;
	memcpy(p->buf, v, n);
	p->buf[n] = '\0';
	p->len = (int)n;
	return E_OK;
}

status store_pg_bind_blob(stmt *b, int idx, const void *v, size_t n)
{
	param *p = slot(b, idx, n);

	if (!p)
		return idx < 1 || idx > ((pg_stmt *)b)->nparams ? E_INTERNAL : E_TOOBIG;
	if (n)
		memcpy(p->buf, v, n);
	p->len = (int)n;
	p->binary = true;
	p->type = OID_BYTEA;
	return E_OK;
}

status store_pg_bind_null(stmt *b, int idx)
{
	pg_stmt *s = (pg_stmt *)b;

	if (idx < 1 || idx > s->nparams)
		return E_INTERNAL;
	s->par[idx - 1].null = true;
	s->par[idx - 1].type = 0;
	return E_OK;
}

int store_pg_columns(stmt *b)
{
	pg_stmt *s = (pg_stmt *)b;

	if (s->synth)
		return 1;
	return PQnfields(s->cur ? s->cur : s->desc);
}

const char *store_pg_column_name(stmt *b, int col)
{
	pg_stmt *s = (pg_stmt *)b;

	if (s->synth)
		return col == 0 ? "id" : NULL;
	return PQfname(s->cur ? s->cur : s->desc, col);
}

/* The current row's value at `col`, NULL for SQL NULL or no row. */
static const char *value(pg_stmt *s, int col)
{
	if (s->synth)
		return col == 0 ? s->synth_id : NULL;
	if (!s->cur || col < 0 || col >= PQnfields(s->cur) || PQgetisnull(s->cur, s->row, col))
		return NULL;
	return PQgetvalue(s->cur, s->row, col);
}

bool store_pg_column_null(stmt *b, int col)
{
	return value((pg_stmt *)b, col) == NULL;
}

/* The kind of a non-NULL value at `col`: a binary integer or boolean, a
 * binary float8, or text (text-format results; binary text and bytea,
 * whose bytes libpq ends with a NUL as it does every value). */
enum { V_TEXT, V_INT, V_FLOAT };

static int kind(const pg_stmt *s, int col)
{
	if (s->synth || PQfformat(s->cur, col) != 1)
		return V_TEXT;
	switch (PQftype(s->cur, col)) {
	case OID_INT8:
	case OID_INT4:
	case OID_INT2:
	case OID_BOOL:
		return V_INT;
	case OID_FLOAT8:
		return V_FLOAT;
	default:
		return V_TEXT;
	}
}

/* A binary integer (8, 4 or 2 bytes, big-endian, signed) or boolean. */
static int64_t binary_int(const pg_stmt *s, int col, const char *v)
{
	const unsigned char *u = (const unsigned char *)v;
	int n = PQgetlength(s->cur, s->row, col);
	uint64_t x = store_pg_get_be(v, (size_t)n);

	if (n == 1)
		return u[0] != 0;
	if (n < 8 && (u[0] & 0x80))
		x |= ~(uint64_t)0 << (8 * n); /* negative: extend the sign */
	return (int64_t)x;
}

static double binary_float8(const char *v)
{
	uint64_t bits = store_pg_get_be(v, 8);
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* A double as an int64, truncated toward zero and clamped, as SQLite
 * reads a REAL as an integer. */
static int64_t double_to_int64(double d)
{
	if (isnan(d))
		return 0;
	if (d >= 9.2233720368547758e18)
		return INT64_MAX;
	if (d <= -9.2233720368547758e18)
		return INT64_MIN;
	return (int64_t)d;
}

int64_t store_pg_column_int64(stmt *b, int col)
{
	pg_stmt *s = (pg_stmt *)b;
	const char *v = value(s, col);
	char *end;
	int64_t n;

	if (!v)
		return 0;
	switch (kind(s, col)) {
	case V_INT:
		return binary_int(s, col, v);
	case V_FLOAT:
		return double_to_int64(binary_float8(v));
	}
	if (v[0] == 't' || v[0] == 'f') /* boolean */
		return v[0] == 't';
	errno = 0;
	n = strtoll(v, &end, 10);
	/* numeric or float text ("Infinity" and "NaN" have no digits) */
	if (end == v || *end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE)
		return double_to_int64(strtod(v, NULL));
	return n;
}

double store_pg_column_double(stmt *b, int col)
{
	pg_stmt *s = (pg_stmt *)b;
	const char *v = value(s, col);

	if (!v)
		return 0;
	switch (kind(s, col)) {
	case V_INT:
		return (double)binary_int(s, col, v);
	case V_FLOAT:
		return binary_float8(v);
	}
	if (v[0] == 't' || v[0] == 'f')
		return v[0] == 't';
	return strtod(v, NULL);
}

/* The text PostgreSQL writes for a float8: the shortest digits that read
 * back as the same double, in exponent form when the exponent is below
 * -4 or from 15 on (9.007199254740992e+15), as its float8out does. */
static void float8_text(char *out, size_t n, double d)
{
	int prec = 15, exp10;
	char *e, *m;

	if (isnan(d)) {
		snprintf(out, n, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(out, n, "%sInfinity", d < 0 ? "-" : "");
		return;
	}
	for (; prec < 17; prec++) {
		snprintf(out, n, "%.*e", prec - 1, d);
		if (strtod(out, NULL) == d)
			break;
	}
	snprintf(out, n, "%.*e", prec - 1, d);
	e = strchr(out, 'e');
	exp10 = e ? (int)strtol(e + 1, NULL, 10) : 0;
	if (exp10 >= -4 && exp10 < 15) {
		snprintf(out, n, "%.*g", prec, d);
		return;
	}
	/* exponent form: the mantissa without trailing zeros */
	for (m = e; m > out && m[-1] == '0'; m--)
		;
	if (m > out && m[-1] == '.')
		m--;
	memmove(m, e, strlen(e) + 1);
}

const char *store_pg_column_text(stmt *b, int col)
{
	pg_stmt *s = (pg_stmt *)b;
	const char *v = value(s, col);
	int k = v ? kind(s, col) : V_TEXT;
	char *out;

	if (k == V_TEXT)
		return v;
	if (s->nscratch < PQnfields(s->cur)) {
		s->nscratch = PQnfields(s->cur);
		s->scratch = xrealloc(s->scratch, (size_t)s->nscratch * 32);
	}
	out = s->scratch + (size_t)col * 32;
	if (k == V_FLOAT)
		float8_text(out, 32, binary_float8(v));
	else if (PQftype(s->cur, col) == OID_BOOL)
		snprintf(out, 32, "%s", v[0] ? "t" : "f"); /* as in text results */
	else
		snprintf(out, 32, "%" PRId64, binary_int(s, col, v));
	return out;
}

const void *store_pg_column_blob(stmt *b, int col, size_t *n)
{
	pg_stmt *s = (pg_stmt *)b;
	const char *v = value(s, col);

	*n = 0;
	if (!v)
		return NULL;
	if (kind(s, col) != V_TEXT) {
		v = store_pg_column_text(b, col);
		*n = strlen(v);
		return v;
	}
	if (s->synth) {
		*n = strlen(v);
		return v;
	}
	/* bytea in a text result is hex; in a binary one, its bytes */
	if (PQftype(s->cur, col) != OID_BYTEA || PQfformat(s->cur, col) == 1) {
		*n = (size_t)PQgetlength(s->cur, s->row, col);
		return v;
	}
	if (s->nblobs < PQnfields(s->cur)) {
		int k = PQnfields(s->cur);
		s->blobs = xrealloc(s->blobs, (size_t)k * sizeof(*s->blobs));
		s->bloblen = xrealloc(s->bloblen, (size_t)k * sizeof(*s->bloblen));
		for (int i = s->nblobs; i < k; i++)
			s->blobs[i] = NULL;
		s->nblobs = k;
	}
	if (!s->blobs[col])
		s->blobs[col] = PQunescapeBytea((const unsigned char *)v, &s->bloblen[col]);
	*n = s->blobs[col] ? s->bloblen[col] : 0;
	return s->blobs[col];
}
