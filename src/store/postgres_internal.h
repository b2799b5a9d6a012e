/* postgres_internal.h: what postgres.c (connection, transactions, errors),
 * postgres_stmt.c (prepared statements, streaming rows) and
 * postgres_batch.c (bulk mode's batched inserts) share. */
#ifndef ECRM_STORE_POSTGRES_INTERNAL_H
#define ECRM_STORE_POSTGRES_INTERNAL_H

#include "store/store_internal.h"
#include "core/strbuf.h"

#include <libpq-fe.h>

typedef struct pg_stmt pg_stmt;
typedef struct pg_batch pg_batch;

typedef struct {
	store base;
	PGconn *conn;
	/* The statement whose rows are arriving on the connection. Anything
	 * else that needs the connection first parks it (store_pg_park). */
	pg_stmt *active;
	uint64_t names;	      /* server-side statement names handed out */
	uint64_t generation;  /* bumped when the connection is made again */
	int64_t changes;      /* rows changed by the last INSERT/UPDATE/DELETE */
	strbuf unprepare;     /* DEALLOCATE commands waiting for a free moment */
	bool bulk;	      /* store_bulk_mode is on: inserts may be batched */
	bool replica;	      /* bulk mode set session_replication_role */
	pg_batch *batches[8]; /* bulk mode's batches, one per column list */
	int nbatches;
	uint64_t batch_clock; /* orders the batches' first unsent rows */
	char txn_error[256];  /* the first failure in the open transaction */
	/* A COPY sent by store_bulk_send whose outcome is not read yet, and
	 * its failure once read, for the next statement or commit. */
	bool copy_unread;
	char copy_what[160];
	int64_t copy_rows;
	err late;
	/* A read transaction costs no round trips of its own: its BEGIN goes
	 * with its first statement, in one pipeline (begin_pending until
	 * then), and its COMMIT is sent without waiting; the answer is read
	 * when the connection is next used (commit_unread). */
	bool read_txn;
	bool begin_pending;
	bool commit_unread;
	/* In bulk mode a write transaction whose last COPY is still being
	 * written commits when the connection is next used (store_pg_settle),
	 * and a write transaction begun before that begins then too: the
	 * server writes the COPY while ecrm reads the next rows. */
	bool commit_deferred;
	bool begin_deferred;
	/* Statements stmt_send sent, in the order sent, whose results are not
	 * read yet: one pipeline, behind a read transaction's BEGIN when
	 * sent_begin, ended when the connection is next used (store_pg_park
	 * reads them all). The first failure among them (sent_failure) is
	 * the cause given for those the pipeline then skipped. */
	pg_stmt *sent[16];
	int nsent;
	bool sent_begin;
	/* Sent outside a transaction: each statement ends with its own sync,
	 * so each is its own implicit transaction (a failure neither rolls
	 * back the statements before it nor skips those after it). */
	bool sent_alone;
	err sent_failure;
} pg_store;

/* The BEGIN of store_begin_read. */
#define PG_BEGIN_READ "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

/* A plain `INSERT INTO t (c1, ..., ck) VALUES ($a, ...), ...` with only
 * parameters in its rows: what bulk mode may batch (postgres_batch.c). */
typedef struct {
	size_t prefix_len; /* "INSERT INTO t (c1, ..., ck)": the batch key */
	int k;		   /* columns; 0 when the statement is not such an INSERT */
	int rows;
	int *param;	   /* param[r * k + c]: the 0-based parameter of row r, column c */
	bool returning_id; /* one row and RETURNING id */
	char table[64];
} pg_insert;

/* Type OIDs are fixed in PostgreSQL's catalog (pg_type.dat). */
enum {
	OID_BOOL = 16,
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_TEXT = 25,
	OID_FLOAT8 = 701,
	OID_BPCHAR = 1042,
	OID_VARCHAR = 1043,
};

typedef struct {
	char *buf; /* the value: text, or bytes for a blob */
	size_t cap;
	int len; /* of buf; -1 for a number whose text is not written yet */
	bool null;
	bool binary;
	Oid type;     /* what was bound: 0 for text and NULL (the server decides) */
	int64_t ival; /* the value, when an int64 */
	double dval;  /* the value, when a double */
	/* A number for a parameter of its kind goes in the server's binary
	 * form (big-endian; a double's IEEE 754 bits): exact, and no text to
	 * write and parse. */
	unsigned char bin[8];
} param;

/* Writes the text of a bound number (a double's %.17g reads back as the
 * same double) into p->buf when it is not there yet; other values have
 * theirs. */
void store_pg_param_text(param *p);
/* Writes `p` (not NULL) into p->bin in the binary form of a parameter of
 * `type` and returns its length: an int64 for an integer type its range
 * fits, a double for float8; 0, with nothing written, for anything else. */
int store_pg_param_binary(param *p, Oid type);
/* The low `n` bytes of `v`, most significant first: PostgreSQL's binary
 * form of integers (and of a float8's bits). */
void store_pg_put_be(unsigned char *out, uint64_t v, size_t n);
/* The `n` bytes at `in`, most significant first, as an unsigned number:
 * store_pg_put_be read back. */
uint64_t store_pg_get_be(const void *in, size_t n);
/* Whether values of `type` have a binary form that bulk batches hold and
 * result rows are read in: integers, float8, booleans and text (results
 * read bytea that way too). */
bool store_pg_binary_type(Oid type);

/* A statement runs IDLE -> STREAM (its rows arriving on the connection)
 * or SENT (stmt_send: its results still to come in a pipeline) -> PARKED
 * (its results in its queue) -> DONE. */
enum { ST_IDLE, ST_STREAM, ST_SENT, ST_PARKED, ST_DONE };

struct pg_stmt {
	stmt base;
	pg_insert shape; /* a plain INSERT ... VALUES: batchable (bulk mode) */
	bool synth;	 /* the current row is a batched insert's new id */
	char synth_id[24];
	char name[32];	     /* on the server; "" when not prepared there */
	uint64_t generation; /* the connection it was prepared on */
	int nparams;
	param *par;
	Oid *types; /* the server statement's parameter types */
	const char **values;
	int *lengths, *formats;
	PGresult *desc; /* column names before the first row */
	bool binary_rows; /* rows come in binary (binary_columns) */
	int state;
	PGresult *cur;	  /* holds the current row */
	int row;	  /* its index in `cur` */
	PGresult **queue; /* parked results */
	size_t nqueue, next, capqueue;
	unsigned char **blobs; /* decoded bytea of the current row, per column */
	size_t *bloblen;
	int nblobs;
	char *scratch; /* the text of binary numbers, 32 bytes per column */
	int nscratch;
	/* A scan (store_prepare_scan) in a transaction reads through this
	 * cursor ("" otherwise), a chunk per FETCH; `more`: the last chunk
	 * was full, so another may follow. */
	char cursor[32];
	bool more;
	/* Sent together with a statement that failed, and so not run: why. */
	err skipped;
};

/* Ends the write transaction whose commit pg_commit deferred and begins
 * the one deferred after it (nothing when none is); a failure waits in
 * ps->late for the next caller. store_pg_park calls it first. */
void store_pg_settle(pg_store *ps);

/* Makes the connection free for a new command: parks the streaming
 * statement and sends the open batch (whose failure is returned). */
status store_pg_claim(pg_store *ps, err *e);

/* Moves the rows still to come for the active statement, and the results
 * of statements sent ahead, into their own queues, so the connection is
 * free; those statements read on from there. */
void store_pg_park(pg_store *ps);

/* Sends the queued DEALLOCATEs when the connection is free and not in an
 * aborted transaction. */
void store_pg_flush_unprepare(pg_store *ps);

/* Maps a SQLSTATE to a status (E_DB when nothing more specific fits). */
status store_pg_status_of(const char *sqlstate);
/* Sets `e` from a failed result `r` (or the connection's error when NULL),
 * prefixed with `what`; remembers it as the transaction's first error. */
status store_pg_fail(pg_store *ps, const PGresult *r, err *e, const char *what);
/* Records the row count of a finished INSERT, UPDATE, DELETE or MERGE. */
void store_pg_note_changes(pg_store *ps, const PGresult *r);
/* Makes the connection again when it broke and `may_reset` (outside a
 * transaction); E_IO when the server cannot be reached. */
status store_pg_ensure_conn(pg_store *ps, bool may_reset, err *e);

/* postgres_batch.c: bulk mode's batched inserts. */
/* Fills `out` when `sql` is a plain multi-row INSERT ... VALUES of
 * parameters (out->k = 0 otherwise). */
void store_pg_parse_insert(const char *sql, pg_insert *out);
/* Adds the rows of `s` to a batch when bulk mode allows (*taken), else
 * leaves `s` alone; for RETURNING id, `*id` is the new row's id. May send
 * batches, whose failure it returns. */
status store_pg_batch_exec(pg_stmt *s, bool *taken, int64_t *id, err *e);
/* Sends every batch holding rows (parents before children). */
status store_pg_batch_flush(pg_store *ps, err *e);
/* Sends every batch holding rows, the largest by COPY last and without
 * waiting for its outcome (store_bulk_send). */
status store_pg_batch_send(pg_store *ps, err *e);
/* Reads the outcome of the COPY store_pg_batch_send left unread (park
 * calls it); a failure waits in ps->late. */
void store_pg_copy_outcome(pg_store *ps);
/* Reads the answer to a read transaction's COMMIT sent without waiting. */
void store_pg_commit_outcome(pg_store *ps);
/* Returns the failure of a COPY read late (and forgets it), else E_OK. */
status store_pg_late(pg_store *ps, err *e);
/* Before a query: when batches hold rows, enters pipeline mode and sends
 * them (*sent counts them); the caller sends its query, then calls
 * store_pg_pipeline_end, which reads the batches' results and leaves the
 * query's to the caller. Saves the round trip of a separate flush. */
status store_pg_batch_pipeline(pg_store *ps, int *sent, err *e);
/* Reads the results of `sent` batches sent by store_pg_batch_pipeline and
 * syncs. On a batch's failure (in `e`; NULL: none wanted) it also drains
 * the query behind them and leaves pipeline mode. */
status store_pg_pipeline_end(pg_store *ps, int sent, err *e);
/* After the last result of the query in a pipeline: reads the sync and
 * leaves pipeline mode (nothing when not in one). */
void store_pg_pipeline_done(pg_store *ps);
/* Gives the ids drawn ahead but not used back to their sequences, so ids
 * stay dense as in SQLite (at the end of a write transaction). */
void store_pg_batch_return_ids(pg_store *ps);
/* Whether a batch holds rows not sent yet. */
bool store_pg_batch_holds_rows(const pg_store *ps);
/* Forgets the rows not sent (the transaction is rolled back). */
void store_pg_batch_discard(pg_store *ps);
/* Frees every batch (store_close). */
void store_pg_batch_free(pg_store *ps);

/* postgres_stmt.c: the statement half of store_postgres_ops. */
status store_pg_prepare(store *st, const char *sql, stmt **out, err *e);
void store_pg_finalize(stmt *s);
void store_pg_reset(stmt *s);
status store_pg_bind_int64(stmt *s, int idx, int64_t v);
status store_pg_bind_double(stmt *s, int idx, double v);
status store_pg_bind_text(stmt *s, int idx, const char *v, size_t n);
status store_pg_bind_blob(stmt *s, int idx, const void *v, size_t n);
status store_pg_bind_null(stmt *s, int idx);
void store_pg_send(stmt *s);
int store_pg_step(stmt *s, err *e);
int store_pg_columns(stmt *s);
const char *store_pg_column_name(stmt *s, int col);
bool store_pg_column_null(stmt *s, int col);
int64_t store_pg_column_int64(stmt *s, int col);
double store_pg_column_double(stmt *s, int col);
const char *store_pg_column_text(stmt *s, int col);
const void *store_pg_column_blob(stmt *s, int col, size_t *n);

#endif
