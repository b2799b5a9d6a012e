/* postgres.c: the PostgreSQL backend of the store (libpq): connection,
 * transactions and error mapping. Statements are in postgres_stmt.c.
 *
 * Transactions keep the promises db.h makes, which SQLite keeps by itself:
 * store_begin takes one database-wide write lock (an advisory lock held
 * until commit), so read-modify-write code such as the audit chain stays
 * correct with many servers on one database; store_begin_read is a
 * REPEATABLE READ READ ONLY snapshot, which costs no round trip of its own:
 * its BEGIN goes with its first statement and its COMMIT is not waited for
 * (pg_store.begin_pending, commit_unread). Reads and autocommit statements
 * take no lock. In bulk mode a write transaction committed right after a
 * COPY is sent ends at the store's next use (commit_deferred,
 * store_pg_settle), so the server writes while the loader reads on. */
#include "store/postgres_internal.h"
#include "core/log.h"
#include "core/xalloc.h"

/* SQLSTATE (or its two-character class) to status: first match wins. */
static const struct {
	const char *state;
	status code;
} sqlstates[] = {
	{ "23505", E_CONFLICT }, /* unique_violation */
	{ "23P01", E_CONFLICT }, /* exclusion_violation */
	{ "23", E_INVAL },	 /* not null, check, foreign key */
	{ "22", E_INVAL },	 /* data: out of range, bad text, bad encoding */
	{ "40001", E_BUSY },	 /* serialization_failure */
	{ "40P01", E_BUSY },	 /* deadlock_detected */
	{ "55P03", E_BUSY },	 /* lock_not_available (lock_timeout) */
	{ "57014", E_BUSY },	 /* query_canceled (statement_timeout) */
	{ "53300", E_BUSY },	 /* too_many_connections */
	{ "53200", E_NOMEM },	 /* out_of_memory */
	{ "53", E_IO },		 /* disk full and other resources */
	{ "08", E_IO },		 /* connection exceptions */
	{ "57P", E_IO },	 /* server shutting down or crashed */
	{ "58", E_IO },		 /* system errors (files) */
	{ "28", E_IO },		 /* authentication: a setup problem */
	{ "3D000", E_NOTFOUND }, /* invalid_catalog_name */
	{ "54", E_TOOBIG },	 /* program_limit_exceeded */
	{ "25006", E_INTERNAL }, /* a write in a read transaction: a bug */
};

status store_pg_status_of(const char *sqlstate)
{
	if (!sqlstate)
		return E_DB;
	for (size_t i = 0; i < ARRAY_SIZE(sqlstates); i++) {
		if (strncmp(sqlstate, sqlstates[i].state, strlen(sqlstates[i].state)) == 0)
			return sqlstates[i].code;
	}
	return E_DB;
}

/* libpq messages end with a newline; err messages do not. */
static const char *trimmed(const char *msg, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%s", msg ? msg : "");
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

status store_pg_fail(pg_store *ps, const PGresult *r, err *e, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	status code = store_pg_status_of(state);
	char buf[256];

	if (!state && PQstatus(ps->conn) != CONNECTION_OK)
		code = E_IO;
	if (!primary)
		primary = trimmed(PQerrorMessage(ps->conn), buf, sizeof(buf));
	if (state && strcmp(state, "25P02") == 0 && ps->txn_error[0]) {
		/* Every statement after a failed one fails the same way: name the
		 * cause instead. */
		return err_set(e, E_DB, "%s: the transaction was aborted by an earlier error: %s",
			       what, ps->txn_error);
	}
	err_set(e, code, "%s: %s%s%s%s [%s]", what, primary, detail ? " (" : "",
		detail ? detail : "", detail ? ")" : "", state ? state : "no SQLSTATE");
	if (ps->base.txn_depth && !ps->txn_error[0])
		snprintf(ps->txn_error, sizeof(ps->txn_error), "%s", e->msg);
	return code;
}

void store_pg_note_changes(pg_store *ps, const PGresult *r)
{
	static const char *const writes[] = { "INSERT ", "UPDATE ", "DELETE ", "MERGE " };
	const char *tag = r ? PQcmdStatus((PGresult *)r) : NULL;

	if (!tag)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(writes); i++) {
		if (strncmp(tag, writes[i], strlen(writes[i])) == 0) {
			ps->changes = strtoll(PQcmdTuples((PGresult *)r), NULL, 10);
			return;
		}
	}
}

status store_pg_claim(pg_store *ps, err *e)
{
	status rc;

	store_pg_park(ps);
	if ((rc = store_pg_late(ps, e)))
		return rc;
	return store_pg_batch_flush(ps, e);
}

static status session_setup(PGconn *c, err *e);

status store_pg_ensure_conn(pg_store *ps, bool may_reset, err *e)
{
	char buf[256];

	if (PQstatus(ps->conn) == CONNECTION_OK)
		return E_OK;
	if (!may_reset)
		return err_set(e, E_IO, "lost the connection to PostgreSQL in a transaction: %s",
			       trimmed(PQerrorMessage(ps->conn), buf, sizeof(buf)));
	/* The server restarted or a proxy dropped us: every server-side
	 * statement is gone with the old session. */
	PQreset(ps->conn);
	ps->generation++;
	ps->active = NULL;
	strbuf_reset(&ps->unprepare);
	if (PQstatus(ps->conn) != CONNECTION_OK)
		return err_set(e, E_IO, "cannot reach PostgreSQL: %s",
			       trimmed(PQerrorMessage(ps->conn), buf, sizeof(buf)));
	log_warn("reconnected to PostgreSQL");
	return session_setup(ps->conn, e);
}

/* Runs one utility command string (no parameters, no rows wanted). */
static status run(pg_store *ps, const char *sql, err *e, const char *what)
{
	PGresult *r;
	status rc = E_OK;

	store_pg_park(ps);
	if (ps->begin_pending) {
		ps->begin_pending = false;
		if ((rc = run(ps, PG_BEGIN_READ, e, "begin")))
			return rc;
	}
	r = PQexec(ps->conn, sql);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		store_pg_note_changes(ps, r);
		break;
	default:
		rc = store_pg_fail(ps, r, e, what);
	}
	PQclear(r);
	return rc;
}

void store_pg_flush_unprepare(pg_store *ps)
{
	PGresult *r;

	if (!ps->unprepare.len || ps->active || ps->nsent || ps->copy_unread || ps->commit_unread ||
	    PQtransactionStatus(ps->conn) == PQTRANS_INERROR)
		return;
	r = PQexec(ps->conn, ps->unprepare.buf);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		log_debug("postgres: %s", PQresultErrorMessage(r));
	PQclear(r);
	strbuf_reset(&ps->unprepare);
}

/* Notices (e.g. "relation already exists, skipping") are for debugging. */
static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgres: %s", message);
}

/* Connects with the options of `uri`, the database replaced by `dbname`
 * when not NULL. Always returns a connection object (maybe failed). */
static PGconn *connect_as(const char *uri, const char *dbname)
{
	const char *kw[64], *val[64];
	bool has_timeout = false, has_app = false;
	PQconninfoOption *opts = PQconninfoParse(uri, NULL);
	size_t n = 0;
	PGconn *c;

	if (!opts)
		return PQconnectdb(uri); /* fails with libpq's own message */
	for (PQconninfoOption *o = opts; o->keyword && n < ARRAY_SIZE(kw) - 6; o++) {
		if (!o->val || (dbname && strcmp(o->keyword, "dbname") == 0))
			continue;
		has_timeout |= strcmp(o->keyword, "connect_timeout") == 0;
		has_app |= strcmp(o->keyword, "application_name") == 0;
		kw[n] = o->keyword;
		val[n++] = o->val;
	}
	if (dbname) {
		kw[n] = "dbname";
		val[n++] = dbname;
	}
	if (!has_timeout) {
		kw[n] = "connect_timeout";
		val[n++] = "10";
	}
	if (!has_app) {
		kw[n] = "application_name";
		val[n++] = "ecrm";
	}
	/* All text in ecrm is UTF-8, whatever the environment says. */
	kw[n] = "client_encoding";
	val[n++] = "UTF8";
	kw[n] = NULL;
	val[n] = NULL;
	c = PQconnectdbParams(kw, val, 0);
	PQconninfoFree(opts);
	return c;
}

/* The database `uri` names: its dbname, else what libpq would default to. */
static void target_dbname(const char *uri, PGconn *maint, char *out, size_t size)
{
	PQconninfoOption *opts = PQconninfoParse(uri, NULL);
	const char *db = NULL, *user = NULL;

	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
		else if (strcmp(o->keyword, "user") == 0)
			user = o->val;
	}
	if (!db || !*db)
		db = getenv("PGDATABASE");
	if (!db || !*db)
		db = user && *user ? user : PQuser(maint);
	snprintf(out, size, "%s", db ? db : "");
	PQconninfoFree(opts);
}

/* The connection to `uri` failed. When the server is there but the database
 * is not, either create it (STORE_CREATE) or say to run `ecrm init`. */
static status missing_database(const char *uri, int flags, PGconn *failed, err *e)
{
	char first[256], name[128];
	const char *params[1];
	PGconn *m = connect_as(uri, "postgres");
	PGresult *r = NULL;
	status rc;

	trimmed(PQerrorMessage(failed), first, sizeof(first));
	if (PQstatus(m) != CONNECTION_OK) {
		PQfinish(m);
		m = connect_as(uri, "template1");
	}
	if (PQstatus(m) != CONNECTION_OK) {
		rc = err_set(e, E_IO, "cannot connect to PostgreSQL: %s", first);
		goto out;
	}
	target_dbname(uri, m, name, sizeof(name));
	params[0] = name;
	r = PQexecParams(m, "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, params, NULL,
			 NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) > 0) {
		/* The database is there: the failure was something else. */
		rc = err_set(e, E_IO, "cannot connect to PostgreSQL database %s: %s", name, first);
		goto out;
	}
	if (!(flags & STORE_CREATE)) {
		rc = err_set(e, E_NOTFOUND,
			     "no database %s on the PostgreSQL server: run `ecrm init` first",
			     name);
		goto out;
	}
	PQclear(r);
	{
		char *ident = PQescapeIdentifier(m, name, strlen(name));
		strbuf sql = STRBUF_INIT;

		strbuf_addf(&sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'",
			    ident ? ident : "\"\"");
		PQfreemem(ident);
		r = PQexec(m, sql.buf);
		strbuf_release(&sql);
	}
	rc = E_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		/* 42P04: another ecrm created it a moment ago. */
		if (!state || strcmp(state, "42P04") != 0)
			rc = err_set(e, store_pg_status_of(state), "cannot create database %s: %s",
				     name, trimmed(PQresultErrorMessage(r), first, sizeof(first)));
	}
out:
	PQclear(r);
	PQfinish(m);
	return rc;
}

/* Refuses servers and databases ecrm's SQL and text cannot live with. */
static status check_server(PGconn *c, err *e)
{
	const char *enc = PQparameterStatus(c, "server_encoding");

	if (PQserverVersion(c) < 110000)
		return err_set(e, E_INVAL, "PostgreSQL %d.%d is too old: ecrm needs 11 or newer",
			       PQserverVersion(c) / 10000, PQserverVersion(c) / 100 % 100);
	if (!enc || strcmp(enc, "UTF8") != 0)
		return err_set(e, E_INVAL,
			       "database %s has encoding %s: ecrm needs UTF8 (create it with "
			       "ENCODING 'UTF8', or let `ecrm init` create it)",
			       PQdb(c), enc ? enc : "unknown");
	return E_OK;
}

/* Sets up a new session (at open and after a reconnect): quiet notices,
 * and scans (store_prepare_scan: cursors read to the end) planned for all
 * their rows, not the first tenth (cursor_tuple_fraction's default): the
 * basket lines' join took 20 s instead of 10.5 s on the 1M demo. A SET,
 * not a startup option, which poolers such as PgBouncer refuse. */
static status session_setup(PGconn *c, err *e)
{
	PGresult *r;
	status rc = E_OK;
	char buf[256];

	PQsetNoticeProcessor(c, quiet_notice, NULL);
	r = PQexec(c, "SET cursor_tuple_fraction = 1");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = err_set(e, E_IO, "setting up the PostgreSQL session: %s",
			     trimmed(PQerrorMessage(c), buf, sizeof(buf)));
	PQclear(r);
	return rc;
}

static status pg_open(const char *uri, int flags, store **out, err *e)
{
	PGconn *c = connect_as(uri, NULL);
	pg_store *ps;
	status rc;

	*out = NULL;
	if (PQstatus(c) != CONNECTION_OK) {
		rc = missing_database(uri, flags, c, e);
		PQfinish(c);
		if (rc)
			return rc;
		c = connect_as(uri, NULL);
		if (PQstatus(c) != CONNECTION_OK) {
			char buf[256];
			rc = err_set(e, E_IO, "cannot connect to PostgreSQL: %s",
				     trimmed(PQerrorMessage(c), buf, sizeof(buf)));
			PQfinish(c);
			return rc;
		}
	}
	if ((rc = check_server(c, e)) || (rc = session_setup(c, e))) {
		PQfinish(c);
		return rc;
	}
	ps = xcalloc(1, sizeof(*ps));
	ps->base.ops = &store_postgres_ops;
	ps->conn = c;
	strbuf_init(&ps->unprepare, 0);
	*out = &ps->base;
	return E_OK;
}

static void pg_close(store *st)
{
	pg_store *ps = (pg_store *)st;

	/* A deferred commit is the caller's committed work: finish it. */
	store_pg_settle(ps);
	if (ps->late.code)
		log_error("closing the PostgreSQL store: %s", ps->late.msg);
	store_pg_batch_free(ps);
	PQfinish(ps->conn);
	strbuf_release(&ps->unprepare);
	free(ps);
}

static status pg_exec(store *st, const char *sql, err *e)
{
	pg_store *ps = (pg_store *)st;
	status rc;

	if ((rc = store_pg_claim(ps, e)) || (rc = store_pg_ensure_conn(ps, st->txn_depth == 0, e)))
		return rc;
	return run(ps, sql, e, "exec");
}

/* The key of the advisory lock that stands for SQLite's write lock. */
#define WRITE_LOCK_KEY "7305808833781656683" /* "ecrm.wlk" as a big-endian int64 */

#define PG_BEGIN_WRITE                                                                             \
	"BEGIN ISOLATION LEVEL READ COMMITTED;"                                                    \
	"SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")"

/* Begins a transaction; a read one, when `lazy`, only at its first
 * statement (postgres_stmt.c sends the BEGIN in the same round trip); a
 * write one after a deferred commit, when that commit is settled. */
static status begin(pg_store *ps, bool write, bool lazy, err *e)
{
	status rc;

	if (write && ps->commit_deferred) {
		ps->begin_deferred = true;
		ps->read_txn = false;
		return E_OK;
	}
	if ((rc = store_pg_claim(ps, e)) || (rc = store_pg_ensure_conn(ps, true, e)))
		return rc;
	store_pg_flush_unprepare(ps);
	ps->txn_error[0] = '\0';
	ps->read_txn = !write;
	if (!write && lazy) {
		ps->begin_pending = true;
		return E_OK;
	}
	rc = run(ps, write ? PG_BEGIN_WRITE : PG_BEGIN_READ, e, "begin");
	/* The lock wait can fail (lock_timeout) after BEGIN went through. */
	if (rc && PQtransactionStatus(ps->conn) != PQTRANS_IDLE)
		PQclear(PQexec(ps->conn, "ROLLBACK"));
	ps->txn_error[0] = '\0';
	return rc;
}

static status pg_begin(store *st, bool write, err *e)
{
	return begin((pg_store *)st, write, true, e);
}

static void pg_rollback(store *st);

/* `b` takes the snapshot `a`'s transaction exports (SET TRANSACTION
 * SNAPSHOT), so both see exactly one state whatever commits meanwhile. */
static status pg_begin_read_pair(store *a, store *b, err *e)
{
	pg_store *pa = (pg_store *)a;
	PGresult *r = NULL;
	strbuf sql = STRBUF_INIT;
	bool a_open = false, b_open = false;
	const char *id;
	status rc;

	/* Both BEGINs now: the export and the import must be their
	 * transactions' first statements. */
	if ((rc = begin(pa, false, false, e)))
		goto out;
	a_open = true;
	r = PQexec(pa->conn, "SELECT pg_export_snapshot()");
	id = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
	/* The id is the server's (hex digits and dashes); checked before it
	 * goes into SQL text, as a parameter cannot. */
	if (!*id || strspn(id, "0123456789ABCDEFabcdef-") != strlen(id)) {
		store_pg_fail(pa, r, e, "read pair: exporting the snapshot");
		rc = e->code = E_BUSY;
		goto out;
	}
	if ((rc = begin((pg_store *)b, false, false, e)))
		goto out;
	b_open = true;
	strbuf_addf(&sql, "SET TRANSACTION SNAPSHOT '%s'", id);
	if (run((pg_store *)b, sql.buf, e, "read pair: importing the snapshot"))
		rc = e->code = E_BUSY;
out:
	PQclear(r);
	strbuf_release(&sql);
	if (rc && a_open)
		pg_rollback(a);
	if (rc && b_open)
		pg_rollback(b);
	return rc;
}

/* Sends COMMIT and reads its answer; E_DB when the transaction had failed
 * (COMMIT of an aborted transaction rolls back without an error). */
static status commit_now(pg_store *ps, err *e)
{
	PGresult *r;
	status rc = E_OK;

	/* Still under the write lock: no other ecrm draws ids meanwhile. */
	if (PQtransactionStatus(ps->conn) == PQTRANS_INTRANS)
		store_pg_batch_return_ids(ps);
	r = PQexec(ps->conn, "COMMIT");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = store_pg_fail(ps, r, e, "commit");
	else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
		rc = err_set(e, E_DB, "commit: the transaction was rolled back: %s",
			     ps->txn_error[0] ? ps->txn_error : "a statement in it failed");
	PQclear(r);
	store_pg_batch_return_ids(ps); /* when the commit could not */
	ps->txn_error[0] = '\0';
	return rc;
}

void store_pg_settle(pg_store *ps)
{
	PGresult *r;
	err e;

	if (!ps->commit_deferred)
		return;
	ps->commit_deferred = false;
	store_pg_copy_outcome(ps);
	if (ps->late.code) {
		/* the COPY failed: COMMIT rolls back, and says so */
		ps->txn_error[0] = '\0';
		commit_now(ps, &e);
		err_prefix(&ps->late, "an earlier transaction (committed in bulk mode) was rolled "
				      "back");
	} else if (commit_now(ps, &e)) {
		err_prefix(&e, "an earlier transaction (committed in bulk mode)");
		ps->late = e;
	}
	if (!ps->begin_deferred)
		return;
	ps->begin_deferred = false;
	r = PQexec(ps->conn, PG_BEGIN_WRITE);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		/* as begin() does: the lock wait can fail after BEGIN went through */
		if (!ps->late.code)
			store_pg_fail(ps, r, &ps->late, "begin");
		if (PQtransactionStatus(ps->conn) != PQTRANS_IDLE)
			PQclear(PQexec(ps->conn, "ROLLBACK"));
	}
	PQclear(r);
}

static status pg_commit(store *st, err *e)
{
	pg_store *ps = (pg_store *)st;
	status rc = E_OK;

	if (ps->read_txn && ps->begin_pending) {
		/* Nothing ran: there is no transaction to end. */
		ps->read_txn = ps->begin_pending = false;
		return E_OK;
	}
	if (ps->begin_deferred) {
		/* Nothing ran since a deferred commit: settle it, say how it went. */
		ps->begin_deferred = false;
		store_pg_park(ps);
		return store_pg_late(ps, e);
	}
	if (ps->bulk && !ps->read_txn && ps->copy_unread && !ps->active && !ps->late.code &&
	    !ps->txn_error[0] && !store_pg_batch_holds_rows(ps)) {
		/* The server is still writing the COPY: commit when the
		 * connection is next used, the caller reading on meanwhile. */
		ps->commit_deferred = true;
		return E_OK;
	}
	if ((rc = store_pg_claim(ps, e))) {
		/* The last batch failed: the transaction is lost. */
		PQclear(PQexec(ps->conn, "ROLLBACK"));
		store_pg_batch_return_ids(ps);
		ps->txn_error[0] = '\0';
		return rc;
	}
	if (ps->read_txn && PQtransactionStatus(ps->conn) == PQTRANS_INTRANS) {
		/* A read that went well has nothing to commit: send the COMMIT
		 * and read its answer when the connection is next used. (One
		 * with a failed statement takes the way below, which says so.) */
		ps->read_txn = false;
		store_pg_flush_unprepare(ps);
		if (!PQsendQuery(ps->conn, "COMMIT"))
			return store_pg_fail(ps, NULL, e, "commit");
		ps->commit_unread = true;
		return E_OK;
	}
	ps->read_txn = false;
	rc = commit_now(ps, e);
	store_pg_flush_unprepare(ps);
	return rc;
}

static void pg_rollback(store *st)
{
	pg_store *ps = (pg_store *)st;

	ps->read_txn = false;
	if (ps->begin_pending) {
		ps->begin_pending = false;
		return;
	}
	if (ps->begin_deferred) {
		/* Nothing ran: settle the commit before it, whose failure the
		 * next use of the store reports. */
		ps->begin_deferred = false;
		store_pg_park(ps);
		return;
	}
	store_pg_batch_discard(ps);
	store_pg_park(ps);
	err_clear(&ps->late);
	PQclear(PQexec(ps->conn, "ROLLBACK"));
	store_pg_batch_return_ids(ps);
	ps->txn_error[0] = '\0';
	store_pg_flush_unprepare(ps);
}

/* Bulk mode: commits stop waiting for the WAL flush (a crash loses the
 * last moments of an import, never consistency), and, where the role may
 * set session_replication_role (superuser, or PostgreSQL 15's GRANT SET ON
 * PARAMETER), foreign-key triggers stay quiet as SQLite's foreign_keys=OFF
 * does: the loaders take ids from rows they just saved. That setting
 * silences every ordinary trigger: ecrm's own triggers (search grams and
 * tags, customer totals) are ENABLE ALWAYS and keep firing. Statements are
 * planned at every call while the tables grow: a generic plan chosen when
 * a table was nearly empty (e.g. a sequential scan for the importer's
 * `external_id IN (...)` lookups) would otherwise stay for the whole load. */
static status pg_bulk_mode(store *st, bool on, err *e)
{
	pg_store *ps = (pg_store *)st;
	PGresult *r;
	status rc;

	ps->bulk = on;
	if (!on) {
		/* A deferred commit settles first; its failure is reported, and
		 * the session's settings are reset all the same. */
		err late;
		status late_rc;
		store_pg_park(ps);
		late_rc = store_pg_late(ps, &late);
		rc = pg_exec(st,
			     ps->replica
				     ? "RESET synchronous_commit; RESET plan_cache_mode; "
				       "RESET session_replication_role"
				     : "RESET synchronous_commit; RESET plan_cache_mode",
			     e);
		ps->replica = false;
		if (late_rc) {
			*e = late;
			rc = late_rc;
		}
		return rc;
	}
	if ((rc = pg_exec(st, "SET synchronous_commit = off; SET plan_cache_mode = force_custom_plan",
			  e)))
		return rc;
	r = PQexec(ps->conn, "SET session_replication_role = replica");
	ps->replica = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ps->replica)
		log_info("postgres: %s: foreign keys are checked row by row in bulk mode",
			 PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
	PQclear(r);
	return E_OK;
}

static status pg_bulk_send(store *st, err *e)
{
	pg_store *ps = (pg_store *)st;

	if (!ps->bulk || !st->txn_depth)
		return E_OK;
	return store_pg_batch_send(ps, e);
}

static int64_t pg_changes(store *st)
{
	return ((pg_store *)st)->changes;
}

const store_ops store_postgres_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin = pg_begin,
	.begin_read_pair = pg_begin_read_pair,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.changes = pg_changes,
	.bulk_mode = pg_bulk_mode,
	.bulk_batches = true,
	.bulk_send = pg_bulk_send,
	.prepare = store_pg_prepare,
	.finalize = store_pg_finalize,
	.reset = store_pg_reset,
	.bind_int64 = store_pg_bind_int64,
	.bind_double = store_pg_bind_double,
	.bind_text = store_pg_bind_text,
	.bind_blob = store_pg_bind_blob,
	.bind_null = store_pg_bind_null,
	.send = store_pg_send,
	.step = store_pg_step,
	.columns = store_pg_columns,
	.column_name = store_pg_column_name,
	.column_null = store_pg_column_null,
	.column_int64 = store_pg_column_int64,
	.column_double = store_pg_column_double,
	.column_text = store_pg_column_text,
	.column_blob = store_pg_column_blob,
};
