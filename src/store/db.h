/* db.h: the one store API every layer above src/store/ uses. SQL is written
 * once, with $1..$n parameters; the backend (SQLite or PostgreSQL) is
 * chosen by the URI and hidden behind store_ops (store_internal.h).
 *
 * A store handle and its statements belong to one thread at a time.
 *
 *	stmt *s;
 *	if ((rc = store_prepare(st, "SELECT id FROM customers WHERE email = $1", &s, e)))
 *		goto out;
 *	stmt_bind_text(s, 1, email);
 *	while (stmt_row(s, e))
 *		use(stmt_int64(s, 0));
 *	rc = e->code;
 *	stmt_done(s);
 */
#ifndef ECRM_STORE_DB_H
#define ECRM_STORE_DB_H

#include "core/common.h"
#include "core/err.h"

typedef struct store store;
typedef struct stmt stmt;

enum {
	STORE_CREATE = 1 << 0,    /* create the database when it does not exist */
	STORE_NO_MIGRATE = 1 << 1, /* open without applying migrations (tests) */
	STORE_SERVE = 1 << 2	   /* a long-lived handle serving random reads (the
				    * server's): the backend may map the whole file */
};

/* Opens the store named by `uri`: a file path, "sqlite:PATH",
 * "postgresql://..." (or "postgres://...", or "postgres:" and libpq's
 * key=value form). Applies pending migrations unless STORE_NO_MIGRATE;
 * refuses a database written by a newer ecrm (E_CONFLICT). With
 * STORE_CREATE a missing PostgreSQL database is created (UTF8). */
status store_open(const char *uri, int flags, store **out, err *e) MUST_CHECK;
/* Finalizes cached statements and closes; NULL is harmless. */
void store_close(store *st);

/* "sqlite" or "postgres": for messages and benchmarks, never for SQL. */
const char *store_backend(const store *st);
/* The schema version the database is at, and the newest this binary knows. */
int store_schema_version(store *st);
int store_schema_latest(const store *st);
/* Applies migrations up to the newest; `*applied` counts them (may be NULL). */
status store_migrate(store *st, int *applied, err *e) MUST_CHECK;

/* Runs SQL without parameters or results (may hold several statements). */
status store_exec(store *st, const char *sql, err *e) MUST_CHECK;

/* Transactions nest by count: only the outermost begin/commit reach the
 * database. store_begin takes the write lock at once (on PostgreSQL one
 * advisory lock for the whole database, so writers take turns as on
 * SQLite); store_begin_read gives a consistent snapshot for a series of
 * reads and must not write (PostgreSQL refuses: E_INTERNAL).
 * A statement that fails inside a transaction may lose it: PostgreSQL
 * refuses every later statement and the commit (E_DB, naming the first
 * failure). Roll back on failure; SQLite merely allows going on. */
status store_begin(store *st, err *e) MUST_CHECK;
status store_begin_read(store *st, err *e) MUST_CHECK;
status store_commit(store *st, err *e) MUST_CHECK;
/* Begins read transactions on `a` and `b`, two handles open on the same
 * database (store_open of one URI) outside any transaction, that see the
 * same state: no commit falls between their snapshots, so two threads can
 * each read a part of one consistent view. On SQLite the write lock is held
 * for a moment to make sure; on PostgreSQL `b` imports `a`'s snapshot.
 * E_BUSY when that cannot be had now (a long write holds SQLite's lock, a
 * server that cannot share snapshots): nothing is left open, and the caller
 * may read everything on one handle instead. Commit or roll back each. */
status store_begin_read_pair(store *a, store *b, err *e) MUST_CHECK;
/* Rolls back the whole transaction at any depth; safe when none is open. */
void store_rollback(store *st);
/* Ends the transaction the caller began: commits when `rc` is E_OK
 * (returning the commit's status), else rolls back and returns `rc`,
 * whose message `e` already holds. */
status store_end(store *st, status rc, err *e) MUST_CHECK;
bool store_in_transaction(const store *st);

/* Bulk-load mode for imports and generators, switched outside any
 * transaction: the backend may skip per-row foreign-key checks (the loader
 * guarantees the references) and relax durability until switched off.
 * Inside a transaction it may also hold back the rows of plain
 * `INSERT ... VALUES ($1, ...)` statements run with stmt_exec and send them
 * together (PostgreSQL): later statements still see them, but an insert's
 * failure may show only at the next statement or at commit. */
status store_bulk_mode(store *st, bool on, err *e) MUST_CHECK;
/* True when bulk mode sends plain inserts' rows together (PostgreSQL:
 * COPY), so that many rows are cheaper staged by plain inserts and merged
 * by one statement than upserted a statement at a time. */
bool store_bulk_batches(const store *st);
/* In bulk mode inside a transaction: starts sending the rows held back
 * now, without waiting for the store to write them, so it works on them
 * while the caller reads on (PostgreSQL; nothing to do on SQLite). Their
 * failure shows at the next statement or at commit. A commit right after
 * it returns at once and is settled at the store's next use: its failure
 * (the transaction was rolled back) shows there, in the next
 * transaction's first statement or commit, when bulk mode is switched
 * off, or in the log at store_close; callers check all of these. */
status store_bulk_send(store *st, err *e) MUST_CHECK;

/* The personal-data keys the domain layer encrypts with (domain/pii.h),
 * carried by the handle so every function that writes a customer has them.
 * The store only holds the pointer; the caller keeps the keys alive. */
struct pii_keys;
void store_set_keys(store *st, const struct pii_keys *keys);
const struct pii_keys *store_keys(const store *st);

/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t store_changes(store *st);

/* Returns a ready statement for `sql`, from the cache when it was prepared
 * before. `sql` must stay valid while the store is open (a literal). Give it
 * back with stmt_done. */
status store_prepare(store *st, const char *sql, stmt **out, err *e) MUST_CHECK;
/* store_prepare for a scan: a query of many rows read to the end (the
 * analytics snapshot). In a transaction PostgreSQL sends them in chunks
 * through a cursor, the next chunk on its way while the caller reads one;
 * elsewhere, and on SQLite, it is store_prepare. */
status store_prepare_scan(store *st, const char *sql, stmt **out, err *e) MUST_CHECK;
/* Resets the statement and returns it to the cache; NULL is harmless. */
void stmt_done(stmt *s);
/* Makes the statement ready to run again with new bindings (loops). */
void stmt_reset(stmt *s);

/* Binding: `idx` is the n of $n. A failed bind is reported by the next
 * stmt_row or stmt_exec. Text and blobs are copied. A NULL text binds NULL. */
void stmt_bind_int64(stmt *s, int idx, int64_t v);
void stmt_bind_double(stmt *s, int idx, double v);
void stmt_bind_text(stmt *s, int idx, const char *v);
void stmt_bind_textn(stmt *s, int idx, const char *v, size_t n);
void stmt_bind_blob(stmt *s, int idx, const void *v, size_t n);
void stmt_bind_null(stmt *s, int idx);
/* Binds an int64 unless `is_null`. */
void stmt_bind_opt_int64(stmt *s, int idx, int64_t v, bool is_null);

/* Advances to the next row: true when there is one. False at the end or on
 * error; `e->code` tells which (it is cleared at the first call). */
bool stmt_row(stmt *s, err *e);
/* Sends the bound statement now, before its rows are asked for: on
 * PostgreSQL statements sent one after another go out together, in one
 * round trip, and each one's rows wait, whole, until stmt_row reads them
 * (in any order); on SQLite nothing happens until stmt_row. For queries of
 * a few rows that do not depend on each other (the 360 view's lists). Any
 * other use of the store first reads everything sent. A failure shows at
 * the statement's stmt_row; outside a transaction each statement stands
 * alone, inside one a failure loses the transaction as always (those sent
 * after it report its cause). Where the statement cannot be sent now (not
 * prepared on this connection yet, bulk mode's inserts, scans) it simply
 * runs at stmt_row. */
void stmt_send(stmt *s);
/* Runs the statement to completion, ignoring rows. */
status stmt_exec(stmt *s, err *e) MUST_CHECK;

/* Column getters for the current row (0-based). Text is borrowed until the
 * next stmt_row or stmt_done; NULL for SQL NULL. */
int stmt_columns(stmt *s);
const char *stmt_column_name(stmt *s, int col);
bool stmt_null(stmt *s, int col);
int64_t stmt_int64(stmt *s, int col);
double stmt_double(stmt *s, int col);
const char *stmt_text(stmt *s, int col);
const void *stmt_blob(stmt *s, int col, size_t *n);

/* One-value queries: the first column of the first row. E_NOTFOUND when the
 * query returns no row. Parameters are int64 values for $1..$n. */
status store_query_int64(store *st, const char *sql, int64_t *out, err *e, int nparams,
			 ...) MUST_CHECK;

#endif
