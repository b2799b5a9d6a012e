/* sqlite.c: the SQLite backend of the store (WAL, busy timeout, explicit
 * synchronous and cache settings; $n parameters rewritten to ?n). */
#include "store/store_internal.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <sqlite3.h>
#include <strings.h>
#include <sys/stat.h>

enum { TXN_BEGIN_READ, TXN_BEGIN_WRITE, TXN_COMMIT, TXN_ROLLBACK, TXN__COUNT };

typedef struct {
	store base;
	sqlite3 *db;
	char *path;
	/* Transaction control runs once per request: prepared once, not parsed
	 * by sqlite3_exec every time. */
	sqlite3_stmt *txn[TXN__COUNT];
} sqlite_store;

static const char *const txn_sql[TXN__COUNT] = {
	/* IMMEDIATE takes the write lock up front, so two writers wait on the
	 * busy timeout instead of deadlocking on a lock upgrade. */
	[TXN_BEGIN_READ] = "BEGIN DEFERRED",
	[TXN_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[TXN_COMMIT] = "COMMIT",
	[TXN_ROLLBACK] = "ROLLBACK",
};

typedef struct {
	stmt base;
	sqlite3_stmt *st;
	/* A plain "INSERT ... RETURNING id" runs as the INSERT alone and
	 * answers with sqlite3_last_insert_rowid: SQLite's RETURNING goes
	 * through a temporary table, a third of a one-row insert's cost. */
	bool rowid_only;
	int rowid_state; /* 0 not run, 1 the row is ready, 2 done */
	int64_t rowid;
	char rowid_text[24];
} sqlite_stmt;

static const char returning_id[] = " RETURNING id";

/* True for an INSERT without ON CONFLICT ending in RETURNING id: its one
 * returned value is the new rowid. */
static bool is_rowid_insert(const char *sql)
{
	size_t n = strlen(sql), k = sizeof(returning_id) - 1;

	return strncasecmp(sql, "INSERT", 6) == 0 && n > k &&
	       strcmp(sql + n - k, returning_id) == 0 && !strstr(sql, "ON CONFLICT");
}

static sqlite3 *db_of(store *st)
{
	return ((sqlite_store *)st)->db;
}

static sqlite3_stmt *raw(stmt *s)
{
	return ((sqlite_stmt *)s)->st;
}

/* Maps an SQLite result code to our status and a message naming it. */
static status fail(sqlite3 *db, int rc, err *e, const char *what)
{
	status code = E_DB;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		code = (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			       ? E_CONFLICT
			       : E_INVAL;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = E_BUSY;
		break;
	case SQLITE_NOMEM:
		code = E_NOMEM;
		break;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_READONLY:
		code = E_IO;
		break;
	case SQLITE_TOOBIG:
		code = E_TOOBIG;
		break;
	}
	return err_set(e, code, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static const char *const pragmas =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"   /* WAL + NORMAL: durable at checkpoints */
	"PRAGMA cache_size=-65536;"    /* 64 MiB page cache, not the 2 MB default */
	"PRAGMA mmap_size=268435456;"  /* 256 MiB memory-mapped reads */
	"PRAGMA temp_store=MEMORY;"
	"PRAGMA foreign_keys=ON;";

/* Memory statistics cost a global mutex on every allocation; nothing reads
 * them. Must run before SQLite initialises, hence once before any open. */
static pthread_once_t configured = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static status sq_open(const char *path, int flags, store **out, err *e)
{
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	sqlite_store *ss;
	struct stat sb;
	status rc = E_OK;
	int r;

	pthread_once(&configured, configure_sqlite);
	if (!(flags & STORE_CREATE) && strcmp(path, ":memory:") != 0 && stat(path, &sb) != 0)
		return err_set(e, E_NOTFOUND, "no database at %s: run `ecrm init` first", path);
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	ss = xcalloc(1, sizeof(*ss));
	ss->base.ops = &store_sqlite_ops;
	ss->path = xstrdup(path);
	r = sqlite3_open_v2(path, &ss->db, oflags, NULL);
	if (r != SQLITE_OK) {
		rc = fail(ss->db, r, e, path);
		goto out;
	}
	sqlite3_extended_result_codes(ss->db, 1);
	sqlite3_busy_timeout(ss->db, 5000);
	if ((r = sqlite3_exec(ss->db, pragmas, NULL, NULL, NULL)) != SQLITE_OK) {
		rc = fail(ss->db, r, e, path);
		goto out;
	}
	/* A server's handles map as much of the file as this SQLite allows
	 * (Debian's build caps it at 2 GiB): a random page read is then a
	 * pointer, not a pread and a copy into the cache (a third less CPU for
	 * the 360 view at 1M customers). Not for every handle: a scan of the
	 * whole database would leave all of it counted as resident. */
	if ((flags & STORE_SERVE) &&
	    (r = sqlite3_exec(ss->db, "PRAGMA mmap_size=2147418112", NULL, NULL, NULL)) !=
		    SQLITE_OK) {
		rc = fail(ss->db, r, e, path);
		goto out;
	}
	for (int i = 0; i < TXN__COUNT; i++) {
		r = sqlite3_prepare_v3(ss->db, txn_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &ss->txn[i],
				       NULL);
		if (r != SQLITE_OK) {
			rc = fail(ss->db, r, e, txn_sql[i]);
			goto out;
		}
	}
out:
	if (rc) {
		for (int i = 0; i < TXN__COUNT; i++)
			sqlite3_finalize(ss->txn[i]);
		sqlite3_close(ss->db);
		free(ss->path);
		free(ss);
		ss = NULL;
	}
	*out = ss ? &ss->base : NULL;
	return rc;
}

static void sq_close(store *st)
{
	sqlite_store *ss = (sqlite_store *)st;

	for (int i = 0; i < TXN__COUNT; i++)
		sqlite3_finalize(ss->txn[i]);
	sqlite3_close(ss->db);
	free(ss->path);
	free(ss);
}

static status sq_exec(store *st, const char *sql, err *e)
{
	int r = sqlite3_exec(db_of(st), sql, NULL, NULL, NULL);
	return r == SQLITE_OK ? E_OK : fail(db_of(st), r, e, "exec");
}

static status run_txn(store *st, int which, err *e)
{
	sqlite_store *ss = (sqlite_store *)st;
	int r = sqlite3_step(ss->txn[which]);

	sqlite3_reset(ss->txn[which]);
	return r == SQLITE_DONE ? E_OK : fail(ss->db, r, e, txn_sql[which]);
}

static status sq_begin(store *st, bool write, err *e)
{
	return run_txn(st, write ? TXN_BEGIN_WRITE : TXN_BEGIN_READ, e);
}

static status sq_commit(store *st, err *e)
{
	return run_txn(st, TXN_COMMIT, e);
}

static void sq_rollback(store *st)
{
	run_txn(st, TXN_ROLLBACK, &(err){ 0 });
}

/* In WAL mode a read transaction sees the last commit before its first
 * read, and commits go one at a time under the write lock: with the lock
 * held by a third connection while both handles make their first read, no
 * commit can fall between the two snapshots. The lock is held for those
 * two reads (microseconds); writers arriving meanwhile wait on their busy
 * timeout rather than fail. */
static status sq_begin_read_pair(store *a, store *b, err *e)
{
	static const char first_read[] = "SELECT COUNT(*) FROM sqlite_schema";
	sqlite_store *sa = (sqlite_store *)a;
	sqlite3 *lock = NULL;
	bool a_open = false, b_open = false;
	status rc = E_OK;
	int r;

	if (strcmp(sa->path, ":memory:") == 0 || !*sa->path)
		return err_set(e, E_BUSY, "an in-memory database has one handle");
	r = sqlite3_open_v2(sa->path, &lock, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (r == SQLITE_OK) {
		sqlite3_busy_timeout(lock, 5000);
		r = sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	}
	if (r != SQLITE_OK) {
		rc = fail(lock, r, e, "read pair: taking the write lock");
		if (rc == E_IO)
			rc = e->code = E_BUSY; /* a read-only file: read on one handle */
		goto out;
	}
	if ((rc = sq_begin(a, false, e)))
		goto out;
	a_open = true;
	if ((r = sqlite3_exec(sa->db, first_read, NULL, NULL, NULL)) != SQLITE_OK) {
		rc = fail(sa->db, r, e, "read pair");
		goto out;
	}
	if ((rc = sq_begin(b, false, e)))
		goto out;
	b_open = true;
	if ((r = sqlite3_exec(db_of(b), first_read, NULL, NULL, NULL)) != SQLITE_OK)
		rc = fail(db_of(b), r, e, "read pair");
out:
	if (rc && a_open)
		sq_rollback(a);
	if (rc && b_open)
		sq_rollback(b);
	sqlite3_close(lock); /* rolls the lock's transaction back */
	return rc;
}

static status sq_bulk_mode(store *st, bool on, err *e)
{
	/* Foreign keys cost two parent lookups per order line; the loaders
	 * take ids from the rows they just saved. synchronous stays NORMAL:
	 * in WAL mode it only syncs at checkpoints anyway. */
	return sq_exec(st, on ? "PRAGMA foreign_keys=OFF" : "PRAGMA foreign_keys=ON", e);
}

static int64_t sq_changes(store *st)
{
	return sqlite3_changes64(db_of(st));
}

/* Rewrites $n parameters to ?n (outside quotes) so numbering is positional
 * as in PostgreSQL, whatever order they first appear in. */
static char *rewrite_params(const char *sql)
{
	strbuf sb = STRBUF_INIT;
	char quote = 0;

	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			strbuf_addc(&sb, '?');
			continue;
		}
		strbuf_addc(&sb, *p);
	}
	return strbuf_detach(&sb, NULL);
}

static status sq_prepare(store *st, const char *sql, stmt **out, err *e)
{
	char *text = rewrite_params(sql);
	sqlite_stmt *s = xcalloc(1, sizeof(*s));
	status rc = E_OK;
	int r;

	if (is_rowid_insert(sql)) {
		s->rowid_only = true;
		text[strlen(text) - (sizeof(returning_id) - 1)] = '\0';
	}
	r = sqlite3_prepare_v3(db_of(st), text, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);

	if (r != SQLITE_OK) {
		rc = fail(db_of(st), r, e, "prepare");
		err_prefix(e, "%.160s", sql);
		free(s);
		s = NULL;
	}
	free(text);
	*out = s ? &s->base : NULL;
	return rc;
}

static void sq_finalize(stmt *s)
{
	sqlite3_finalize(raw(s));
	free(s);
}

static void sq_reset(stmt *s)
{
	sqlite3_reset(raw(s));
	sqlite3_clear_bindings(raw(s));
	((sqlite_stmt *)s)->rowid_state = 0;
}

static sqlite_stmt *rowid_row(stmt *s)
{
	sqlite_stmt *ss = (sqlite_stmt *)s;
	return ss->rowid_only && ss->rowid_state == 1 ? ss : NULL;
}

static status bind_rc(int r)
{
	switch (r) {
	case SQLITE_OK:
		return E_OK;
	case SQLITE_RANGE:
		return E_INTERNAL;
	case SQLITE_TOOBIG:
		return E_TOOBIG;
	default:
		return E_DB;
	}
}

static status sq_bind_int64(stmt *s, int idx, int64_t v)
{
	return bind_rc(sqlite3_bind_int64(raw(s), idx, v));
}

static status sq_bind_double(stmt *s, int idx, double v)
{
	return bind_rc(sqlite3_bind_double(raw(s), idx, v));
}

static status sq_bind_text(stmt *s, int idx, const char *v, size_t n)
{
	return bind_rc(sqlite3_bind_text64(raw(s), idx, v, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static status sq_bind_blob(stmt *s, int idx, const void *v, size_t n)
{
	return bind_rc(sqlite3_bind_blob64(raw(s), idx, v, n, SQLITE_TRANSIENT));
}

static status sq_bind_null(stmt *s, int idx)
{
	return bind_rc(sqlite3_bind_null(raw(s), idx));
}

static int sq_step(stmt *s, err *e)
{
	sqlite_stmt *ss = (sqlite_stmt *)s;
	int r;

	if (ss->rowid_only && ss->rowid_state > 0) {
		ss->rowid_state = 2;
		return 0;
	}
	r = sqlite3_step(ss->st);
	if (ss->rowid_only && r == SQLITE_DONE) {
		ss->rowid = sqlite3_last_insert_rowid(db_of(s->st));
		snprintf(ss->rowid_text, sizeof(ss->rowid_text), "%" PRId64, ss->rowid);
		ss->rowid_state = 1;
		return 1;
	}
	if (r == SQLITE_ROW)
		return 1;
	if (r == SQLITE_DONE)
		return 0;
	fail(db_of(s->st), r, e, "query");
	sqlite3_reset(raw(s));
	return -1;
}

static int sq_columns(stmt *s)
{
	if (((sqlite_stmt *)s)->rowid_only)
		return 1;
	return sqlite3_column_count(raw(s));
}

static const char *sq_column_name(stmt *s, int col)
{
	if (((sqlite_stmt *)s)->rowid_only)
		return "id";
	return sqlite3_column_name(raw(s), col);
}

static bool sq_column_null(stmt *s, int col)
{
	if (rowid_row(s))
		return false;
	return sqlite3_column_type(raw(s), col) == SQLITE_NULL;
}

static int64_t sq_column_int64(stmt *s, int col)
{
	if (rowid_row(s))
		return rowid_row(s)->rowid;
	return sqlite3_column_int64(raw(s), col);
}

static double sq_column_double(stmt *s, int col)
{
	if (rowid_row(s))
		return (double)rowid_row(s)->rowid;
	return sqlite3_column_double(raw(s), col);
}

static const char *sq_column_text(stmt *s, int col)
{
	if (rowid_row(s))
		return rowid_row(s)->rowid_text;
	return (const char *)sqlite3_column_text(raw(s), col);
}

static const void *sq_column_blob(stmt *s, int col, size_t *n)
{
	if (rowid_row(s)) {
		*n = strlen(rowid_row(s)->rowid_text);
		return rowid_row(s)->rowid_text;
	}
	const void *p = sqlite3_column_blob(raw(s), col);
	*n = (size_t)sqlite3_column_bytes(raw(s), col);
	return p;
}

const store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin = sq_begin,
	.begin_read_pair = sq_begin_read_pair,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.changes = sq_changes,
	.bulk_mode = sq_bulk_mode,
	.bulk_batches = false,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.columns = sq_columns,
	.column_name = sq_column_name,
	.column_null = sq_column_null,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
};
