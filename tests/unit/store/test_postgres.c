/* test_postgres.c: what only the PostgreSQL store has to get right: the
 * server's type inference, a failed statement that aborts its transaction,
 * the database-wide write lock, read-only snapshots, SQLSTATE mapping,
 * connection failures and reconnects, creating the database at init,
 * deallocating server-side statements, and rows streamed one at a time.
 * Runs only as pg/unit/store/... */
#include "testutil.h"
#include "store/db.h"

#include <math.h>

static store *open_new(const char *name)
{
	store *st = NULL;
	err e;
	if (strcmp(test_store_kind(), "postgres") != 0)
		fail_msg("test_postgres needs ECRM_TEST_DB_URL or ECRM_TEST_DB_URL_FILE (a "
			 "PostgreSQL server): run it through ctest, or under tests/support/pg.sh "
			 "run");
	if (store_open(test_store_uri(name), STORE_CREATE, &st, &e))
		fail_msg("store_open: %s", e.msg);
	return st;
}

static store *open_again(const char *name)
{
	store *st = NULL;
	err e;
	if (store_open(test_store_uri(name), 0, &st, &e))
		fail_msg("store_open: %s", e.msg);
	return st;
}

static const char *const insert_product =
	"INSERT INTO products (sku, name, created_at, updated_at) VALUES ($1, $2, 0, 0)";

static void add_product(store *st, const char *sku)
{
	stmt *s;
	err e;
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, sku);
	stmt_bind_text(s, 2, sku);
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
}

static const char *const fraction_x10 =
	"SELECT (current_setting('cursor_tuple_fraction')::float8 * 10)::bigint";

/* Rows arrive as the server makes them (libpq's single-row mode), not as
 * one result read whole and then copied: a query whose 1000th row fails
 * hands out the 999 before it first. Read whole, the first stmt_row would
 * fail. Statements that are not scans read this way (scans in a
 * transaction read through a cursor: below). */
static void rows_stream_as_the_server_makes_them(void **state)
{
	store *st = open_new("stream");
	int64_t n = 0, sum = 0;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st,
				       "SELECT g, 1 / (1000 - g) FROM generate_series(1, 2000) g",
				       &s, &e),
			 E_OK);
	while (stmt_row(s, &e)) {
		n++;
		sum += stmt_int64(s, 0);
	}
	assert_int_equal(e.code, E_INVAL); /* division_by_zero */
	assert_int_equal(n, 999);
	assert_int_equal(sum, 999 * 1000 / 2);
	stmt_done(s);
	store_close(st);
}

/* A scan in a transaction reads through a cursor, a chunk at a time: every
 * row in order across chunks, other statements between its rows (the
 * scan parks the chunk on its way), the statement run again in the same
 * transaction, left unfinished, and a failure in a later chunk after the
 * rows of the chunks before. Outside a transaction no cursor is used. */
static void scans_read_in_chunks_through_a_cursor(void **state)
{
	static const char *const scan = "SELECT g FROM generate_series(1, $1::int) g";
	static const char *const cursors =
		"SELECT count(*) FROM pg_cursors WHERE name LIKE 'ecrm_scan_%'";
	static const char *const divide = "SELECT 1 / $1::int";
	store *st = open_new("scan");
	int64_t n, open;
	stmt *s;
	err e;
	(void)state;
	/* planned for all their rows, not cursor_tuple_fraction's first tenth */
	assert_int_equal(store_query_int64(st, fraction_x10, &n, &e, 0), E_OK);
	assert_int_equal(n, 10);
	assert_int_equal(store_begin_read(st, &e), E_OK);
	for (int run = 0; run < 2; run++) {
		assert_int_equal(store_prepare_scan(st, scan, &s, &e), E_OK);
		stmt_bind_int64(s, 1, 20000);
		for (n = 0; stmt_row(s, &e);) {
			assert_int_equal(stmt_int64(s, 0), ++n);
			if (n == 100 || n == 10000) {
				assert_int_equal(store_query_int64(st, cursors, &open, &e, 0), E_OK);
				assert_int_equal(open, run + 1); /* they close with the transaction */
			}
		}
		assert_int_equal(e.code, E_OK);
		assert_int_equal(n, 20000);
		stmt_done(s);
	}
	assert_int_equal(store_prepare_scan(st, scan, &s, &e), E_OK);
	stmt_bind_int64(s, 1, 20000);
	for (n = 0; n < 10 && stmt_row(s, &e);)
		n++;
	stmt_done(s);
	assert_int_equal(store_query_int64(st, "SELECT 7", &open, &e, 0), E_OK);
	assert_int_equal(open, 7);
	assert_int_equal(store_commit(st, &e), E_OK);

	assert_int_equal(store_begin_read(st, &e), E_OK);
	assert_int_equal(store_prepare_scan(st,
					    "SELECT g, 1 / (15000 - g) FROM generate_series(1, 20000) g",
					    &s, &e),
			 E_OK);
	for (n = 0; stmt_row(s, &e);)
		assert_int_equal(stmt_int64(s, 0), ++n);
	assert_int_equal(e.code, E_INVAL); /* division_by_zero */
	assert_int_equal(n, 8192);	   /* the first FETCH's rows; the second failed */
	stmt_done(s);
	store_rollback(st);

	/* A failed DECLARE (the division folded at planning), then the same
	 * statement as a plain one: no cursor left behind to read from. */
	assert_int_equal(store_begin_read(st, &e), E_OK);
	assert_int_equal(store_prepare_scan(st, divide, &s, &e), E_OK);
	stmt_bind_int64(s, 1, 0);
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_INVAL);
	stmt_done(s);
	store_rollback(st);
	assert_int_equal(store_prepare(st, divide, &s, &e), E_OK);
	stmt_bind_int64(s, 1, 1);
	assert_true(stmt_row(s, &e));
	assert_int_equal(stmt_int64(s, 0), 1);
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_OK);
	stmt_done(s);

	assert_int_equal(store_prepare_scan(st, scan, &s, &e), E_OK);
	stmt_bind_int64(s, 1, 3);
	for (n = 0; stmt_row(s, &e);) {
		n++;
		assert_int_equal(store_query_int64(st, cursors, &open, &e, 0), E_OK);
		assert_int_equal(open, 0);
	}
	assert_int_equal(n, 3);
	stmt_done(s);
	store_close(st);
}

/* Adds products P<from>..P<from + n - 1> in bulk mode, with row `dup`
 * (when >= 0) repeating the first SKU, and sends them (a COPY from 128
 * rows, whose outcome is not read yet). */
static void send_products(store *st, int from, int n, int dup)
{
	/* only parameters in the row: bulk mode batches it */
	static const char *const add =
		"INSERT INTO products (sku, name, created_at, updated_at) VALUES ($1, $2, $3, $3)";
	stmt *s;
	err e;
	assert_int_equal(store_prepare(st, add, &s, &e), E_OK);
	for (int i = 0; i < n; i++) {
		char sku[16];
		snprintf(sku, sizeof(sku), "P%d", i == dup ? from : from + i);
		stmt_reset(s);
		stmt_bind_text(s, 1, sku);
		stmt_bind_text(s, 2, sku);
		stmt_bind_int64(s, 3, 0);
		assert_int_equal(stmt_exec(s, &e), E_OK);
	}
	stmt_done(s);
	assert_int_equal(store_bulk_send(st, &e), E_OK);
}

static int64_t products_in(store *st)
{
	int64_t n = -1;
	err e;
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	return n;
}

/* In bulk mode a commit right after a COPY is sent returns at once and is
 * settled at the store's next use (the server writes while the caller
 * reads on): the rows are then committed for everyone; a failed COPY
 * shows at that next use, or when bulk mode ends or the next transaction
 * commits with nothing in it, and its rows are not there; closing the
 * store settles it too. */
static void bulk_commits_settle_at_the_next_use(void **state)
{
	store *st = open_new("settle"), *other = open_again("settle");
	int64_t n = -1;
	err e;
	(void)state;
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);

	/* committed, then seen by the next statement and another handle */
	assert_int_equal(store_begin(st, &e), E_OK);
	send_products(st, 0, 300, -1);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(products_in(st), 300);
	assert_int_equal(products_in(other), 300);

	/* a failed COPY: the next transaction's first statement says so */
	send_products(st, 1000, 300, 200);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_not_equal(store_exec(st, "SELECT 1", &e), E_OK);
	assert_non_null(strstr(e.msg, "earlier transaction"));
	store_rollback(st);
	assert_int_equal(products_in(st), 300);

	/* ... or the commit of an empty next transaction */
	assert_int_equal(store_begin(st, &e), E_OK);
	send_products(st, 2000, 300, 10);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_commit(st, &e), E_CONFLICT);

	/* ... or the next use after an empty next transaction rolled back */
	assert_int_equal(store_begin(st, &e), E_OK);
	send_products(st, 2500, 300, 10);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	store_rollback(st);
	assert_int_not_equal(store_exec(st, "SELECT 1", &e), E_OK);
	assert_non_null(strstr(e.msg, "earlier transaction"));

	/* ... or leaving bulk mode, which resets the session all the same */
	assert_int_equal(store_begin(st, &e), E_OK);
	send_products(st, 3000, 300, 20);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_bulk_mode(st, false, &e), E_CONFLICT);
	assert_int_equal(products_in(st), 300);
	assert_int_equal(store_query_int64(st,
					   "SELECT (current_setting('plan_cache_mode') = 'auto'"
					   " AND current_setting('session_replication_role') = 'origin')::int",
					   &n, &e, 0),
			 E_OK);
	assert_int_equal(n, 1);

	/* closing the store settles a good one */
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	send_products(st, 4000, 200, -1);
	assert_int_equal(store_commit(st, &e), E_OK);
	store_close(st);
	assert_int_equal(products_in(other), 500);
	store_close(other);
}

static void init_creates_the_database(void **state)
{
	const char *uri = test_store_uri("created");
	store *st = NULL;
	err e;
	(void)state;
	assert_int_equal(store_open(uri, 0, &st, &e), E_NOTFOUND);
	assert_non_null(strstr(e.msg, "ecrm init"));
	st = open_new("created");
	assert_string_equal(store_backend(st), "postgres");
	assert_int_equal(store_schema_version(st), store_schema_latest(st));
	store_close(st);
}

static void unreachable_server_is_an_io_error(void **state)
{
	store *st = NULL;
	err e;
	(void)state;
	assert_int_equal(store_open("postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2",
				    0, &st, &e),
			 E_IO);
	assert_null(st);
	assert_non_null(strstr(e.msg, "127.0.0.1"));
}

/* The server guesses 32-bit integers from `$1 + 1` or `$1 > 0`; an int64
 * bound there is still taken whole (the statement is prepared again). */
static void parameter_types_follow_the_bound_values(void **state)
{
	store *st = open_new("types");
	int64_t v = -1;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_query_int64(st, "SELECT $1 + 1", &v, &e, 1, INT64_C(1) << 40), E_OK);
	assert_true(v == (INT64_C(1) << 40) + 1);
	assert_int_equal(store_query_int64(st, "SELECT CASE WHEN $1 > 0 THEN $1 ELSE 0 END", &v, &e,
					   1, INT64_MAX),
			 E_OK);
	assert_true(v == INT64_MAX);
	/* No type can be inferred from `$1 IS NULL` alone: the bound value
	 * decides, and a NULL is taken as text. */
	assert_int_equal(store_prepare(st, "SELECT $1 IS NULL, $2 IS NULL", &s, &e), E_OK);
	stmt_bind_null(s, 1);
	stmt_bind_text(s, 2, "x");
	assert_true(stmt_row(s, &e));
	assert_int_equal(stmt_int64(s, 0), 1);
	assert_int_equal(stmt_int64(s, 1), 0);
	stmt_done(s);
	/* Inside a transaction the failed guess must not abort it. */
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_prepare(st, "SELECT $1 IS NOT NULL", &s, &e), E_OK);
	stmt_bind_int64(s, 1, 3);
	assert_true(stmt_row(s, &e));
	assert_int_equal(stmt_int64(s, 0), 1);
	stmt_done(s);
	add_product(st, "T1");
	assert_int_equal(store_commit(st, &e), E_OK);
	/* A double where an integer column was inferred. */
	assert_int_equal(
		store_prepare(st, "SELECT price + $1 FROM products WHERE sku = 'T1'", &s, &e),
		E_OK);
	stmt_bind_double(s, 1, 0.5);
	assert_true(stmt_row(s, &e));
	assert_true(stmt_double(s, 0) == 0.5);
	stmt_done(s);
	store_close(st);
}

/* Unlike SQLite, PostgreSQL aborts a transaction at its first failed
 * statement: what follows says why, and the commit fails. */
static void failed_statement_aborts_the_transaction(void **state)
{
	store *st = open_new("abort");
	int64_t n = -1;
	stmt *s;
	err e;
	(void)state;
	add_product(st, "A1");
	assert_int_equal(store_begin(st, &e), E_OK);
	add_product(st, "A2");
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, "A1");
	stmt_bind_text(s, 2, "again");
	assert_int_equal(stmt_exec(s, &e), E_CONFLICT);
	assert_non_null(strstr(e.msg, "23505"));
	stmt_done(s);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_DB);
	assert_non_null(strstr(e.msg, "aborted by an earlier error"));
	assert_non_null(strstr(e.msg, "23505"));
	assert_int_equal(store_commit(st, &e), E_DB);
	assert_non_null(strstr(e.msg, "rolled back"));
	assert_false(store_in_transaction(st));
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 1);
	store_close(st);
}

/* store_begin takes one lock for the whole database, as SQLite's BEGIN
 * IMMEDIATE does; readers do not wait for it. */
static void write_transactions_take_turns(void **state)
{
	store *a = open_new("lock"), *b = open_again("lock");
	int64_t n = -1;
	err e;
	(void)state;
	assert_int_equal(store_exec(b, "SET lock_timeout = '200ms'", &e), E_OK);
	assert_int_equal(store_begin(a, &e), E_OK);
	add_product(a, "L1");
	assert_int_equal(store_begin(b, &e), E_BUSY);
	assert_non_null(strstr(e.msg, "55P03"));
	assert_false(store_in_transaction(b));
	assert_int_equal(store_begin_read(b, &e), E_OK);
	assert_int_equal(store_query_int64(b, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_commit(b, &e), E_OK);
	assert_int_equal(store_commit(a, &e), E_OK);
	assert_int_equal(store_begin(b, &e), E_OK);
	add_product(b, "L2");
	assert_int_equal(store_commit(b, &e), E_OK);
	store_close(b);
	store_close(a);
}

static void read_transaction_refuses_writes(void **state)
{
	store *st = open_new("ro");
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_begin_read(st, &e), E_OK);
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, "R1");
	stmt_bind_text(s, 2, "r");
	assert_int_equal(stmt_exec(s, &e), E_INTERNAL);
	assert_non_null(strstr(e.msg, "read-only"));
	stmt_done(s);
	store_rollback(st);
	store_close(st);
}

/* Serialization failures are E_BUSY: try again. */
static void serialization_failure_is_busy(void **state)
{
	store *a = open_new("serial"), *b = open_again("serial");
	err e;
	(void)state;
	add_product(a, "S1");
	assert_int_equal(store_exec(a, "BEGIN ISOLATION LEVEL REPEATABLE READ", &e), E_OK);
	assert_int_equal(store_exec(a, "SELECT price FROM products WHERE sku = 'S1'", &e), E_OK);
	assert_int_equal(store_exec(b, "UPDATE products SET price = 5 WHERE sku = 'S1'", &e), E_OK);
	assert_int_equal(store_exec(a, "UPDATE products SET price = 6 WHERE sku = 'S1'", &e),
			 E_BUSY);
	assert_non_null(strstr(e.msg, "40001"));
	assert_int_equal(store_exec(a, "ROLLBACK", &e), E_OK);
	store_close(b);
	store_close(a);
}

/* A session the server drops fails its next statement (E_IO); the one
 * after reconnects and prepares its statements again. */
static void dropped_connection_is_made_again(void **state)
{
	store *a = open_new("drop"), *b = open_again("drop");
	int64_t pid = 0, n = -1;
	stmt *s;
	err e;
	(void)state;
	add_product(a, "D1");
	assert_int_equal(store_query_int64(a, "SELECT pg_backend_pid()", &pid, &e, 0), E_OK);
	assert_int_equal(store_query_int64(b, "SELECT COUNT(*) FROM pg_terminate_backend($1)", &n,
					   &e, 1, pid),
			 E_OK);
	assert_int_equal(store_query_int64(a, "SELECT COUNT(*) FROM products", &n, &e, 0), E_IO);
	if (store_query_int64(a, "SELECT COUNT(*) FROM products", &n, &e, 0))
		fail_msg("after a reconnect: %s", e.msg);
	assert_int_equal(n, 1);
	add_product(a, "D2"); /* a statement cached before the drop */
	assert_int_equal(store_prepare(a, "SELECT COUNT(*) FROM products WHERE sku = $1", &s, &e),
			 E_OK);
	stmt_bind_text(s, 1, "D2");
	assert_true(stmt_row(s, &e));
	assert_int_equal(stmt_int64(s, 0), 1);
	stmt_done(s);
	/* the new session is set up as the first was (scans' planning) */
	assert_int_equal(store_query_int64(a, fraction_x10, &n, &e, 0), E_OK);
	assert_int_equal(n, 10);
	store_close(b);
	store_close(a);
}

static void blobs_and_text_round_trip(void **state)
{
	static const unsigned char bytes[] = { 0, 1, 2, 0xff, 0, 'x' };
	store *st = open_new("blob");
	const void *p;
	size_t n = 0;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, "SELECT $1::bytea, length($1::bytea), $2", &s, &e),
			 E_OK);
	stmt_bind_blob(s, 1, bytes, sizeof(bytes));
	stmt_bind_text(s, 2, "客户管理");
	assert_true(stmt_row(s, &e));
	p = stmt_blob(s, 0, &n);
	assert_int_equal(n, sizeof(bytes));
	assert_memory_equal(p, bytes, sizeof(bytes));
	assert_int_equal(stmt_int64(s, 1), sizeof(bytes));
	assert_string_equal(stmt_text(s, 2), "客户管理");
	assert_string_equal(stmt_column_name(s, 1), "length");
	stmt_done(s);
	/* Text cannot carry a NUL byte to PostgreSQL: refused at bind. */
	assert_int_equal(store_prepare(st, "SELECT $1", &s, &e), E_OK);
	stmt_bind_textn(s, 1, "a\0b", 3);
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_INVAL);
	stmt_done(s);
	store_close(st);
}

/* Rows of integers, float8, booleans, text and bytea come in binary; a
 * numeric column keeps the whole row in text. Either way each column
 * reads the same through every accessor. */
static void binary_rows_read_as_text_rows_do(void **state)
{
	static const char *const cols =
		"SELECT $1::bigint, $2::int, $3::smallint, true, false, $4::float8, $5::float8,"
		" 'tekst 客户', $6::bytea, NULL::bigint, NULL::float8";
	static const unsigned char bytes[] = { 0, 'a', 0xff };
	static const double reals[] = { 0.1,	       -1.0 / 3, 1e300,	  2.5e-7,    123456.75,
					-0.0,	       9007199254740992.0, 1e15 + 1, 1e16,
					123456789012345.0, INFINITY, -INFINITY, NAN };
	store *st = open_new("binrows");
	char sql[2][256];
	stmt *s[2];
	err e;
	(void)state;
	snprintf(sql[0], sizeof(sql[0]), "%s", cols);
	snprintf(sql[1], sizeof(sql[1]), "%s, 1::numeric", cols); /* text rows */
	for (size_t r = 0; r < ARRAY_SIZE(reals); r++) {
		for (int k = 0; k < 2; k++) {
			assert_int_equal(store_prepare(st, sql[k], &s[k], &e), E_OK);
			stmt_bind_int64(s[k], 1, r % 2 ? INT64_MIN : INT64_MAX);
			stmt_bind_int64(s[k], 2, -2000000000 + (int64_t)r);
			stmt_bind_int64(s[k], 3, -300 - (int64_t)r);
			stmt_bind_double(s[k], 4, reals[r]);
			stmt_bind_double(s[k], 5, (double)r + 0.5);
			stmt_bind_blob(s[k], 6, bytes, sizeof(bytes));
			assert_true(stmt_row(s[k], &e));
		}
		assert_true(stmt_int64(s[0], 0) == (r % 2 ? INT64_MIN : INT64_MAX));
		assert_int_equal(stmt_int64(s[0], 1), -2000000000 + (int64_t)r);
		assert_int_equal(stmt_int64(s[0], 2), -300 - (int64_t)r);
		assert_int_equal(stmt_int64(s[0], 3), 1);
		assert_int_equal(stmt_int64(s[0], 4), 0);
		if (!isnan(reals[r]))
			assert_memory_equal(&(double){ stmt_double(s[0], 5) }, &reals[r],
					    sizeof(double));
		/* the rows did come in binary: bytea's bytes, not its hex */
		assert_int_not_equal(stmt_text(s[0], 8)[0], '\\');
		assert_int_equal(stmt_text(s[1], 8)[0], '\\');
		for (int c = 0; c < 11; c++) {
			size_t n0, n1;
			const void *b0, *b1;
			assert_true(stmt_int64(s[0], c) == stmt_int64(s[1], c));
			assert_true(stmt_double(s[0], c) == stmt_double(s[1], c) ||
				    (isnan(stmt_double(s[0], c)) && isnan(stmt_double(s[1], c))));
			assert_int_equal(stmt_null(s[0], c), stmt_null(s[1], c));
			if (c == 8) { /* bytea: the bytes from binary, hex from text */
				b0 = stmt_blob(s[0], c, &n0);
				b1 = stmt_blob(s[1], c, &n1);
				assert_int_equal(n0, sizeof(bytes));
				assert_int_equal(n1, sizeof(bytes));
				assert_memory_equal(b0, bytes, n0);
				assert_memory_equal(b1, bytes, n1);
				continue;
			}
			if (stmt_text(s[0], c) || stmt_text(s[1], c))
				assert_string_equal(stmt_text(s[0], c), stmt_text(s[1], c));
		}
		stmt_done(s[0]);
		stmt_done(s[1]);
	}
	store_close(st);
}

/* Statements that do not fit the cache are deallocated on the server at
 * the next transaction boundary. */
static void uncached_statements_are_deallocated(void **state)
{
	static const char *const sql = "SELECT $1 + 0";
	store *st = open_new("dealloc");
	int64_t before = -1, after = -1;
	stmt *s[12];
	err e;
	(void)state;
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM pg_prepared_statements",
					   &before, &e, 0),
			 E_OK);
	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		assert_int_equal(store_prepare(st, sql, &s[i], &e), E_OK);
	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		stmt_done(s[i]);
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(
		store_query_int64(st, "SELECT COUNT(*) FROM pg_prepared_statements", &after, &e, 0),
		E_OK);
	/* At most 8 stay cached (the probe length); the rest are gone. */
	assert_true(after - before >= 1 && after - before <= 8);
	store_close(st);
}

/* Bulk mode's batches go parents first: order lines batched before a new
 * order (their batch opened earlier) still arrive after it, with foreign
 * keys checked (session_replication_role back to origin). */
static void batches_send_parents_first(void **state)
{
	static const char *const add_order =
		"INSERT INTO orders (external_id, placed_at, currency, created_at, updated_at)"
		" VALUES ($1, $2, $3, $2, $2) RETURNING id";
	static const char *const add_line =
		"INSERT INTO order_items (order_id, line_no, product_id, qty, unit_price)"
		" VALUES ($1, $2, $3, $4, $5)";
	store *st = open_new("parents");
	int64_t first = 0, n = -1;
	stmt *s;
	err e;
	(void)state;
	add_product(st, "P");
	assert_int_equal(store_exec(st,
				    "INSERT INTO orders (external_id, placed_at, currency, "
				    "created_at, updated_at) VALUES ('old', 1, 'EUR', 1, 1)",
				    &e),
			 E_OK);
	assert_int_equal(store_query_int64(st, "SELECT id FROM orders", &first, &e, 0), E_OK);
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	assert_int_equal(store_exec(st, "SET session_replication_role = origin", &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	for (int i = 0; i < 10; i++) {
		char ext[16];
		int64_t id;
		/* Any query sends the batches; then a line for the order
		 * stored before opens the lines' batch first. */
		assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM orders", &n, &e, 0),
				 E_OK);
		assert_int_equal(n, i + 1);
		assert_int_equal(store_prepare(st, add_line, &s, &e), E_OK);
		stmt_bind_int64(s, 1, first);
		stmt_bind_int64(s, 2, 100 + i);
		stmt_bind_int64(s, 3, 1);
		stmt_bind_int64(s, 4, 1);
		stmt_bind_int64(s, 5, 1);
		assert_int_equal(stmt_exec(s, &e), E_OK);
		stmt_done(s);
		snprintf(ext, sizeof(ext), "n%d", i);
		assert_int_equal(store_prepare(st, add_order, &s, &e), E_OK);
		stmt_bind_text(s, 1, ext);
		stmt_bind_int64(s, 2, 2);
		stmt_bind_text(s, 3, "EUR");
		assert_true(stmt_row(s, &e));
		id = stmt_int64(s, 0);
		stmt_done(s);
		assert_int_equal(store_prepare(st, add_line, &s, &e), E_OK);
		stmt_bind_int64(s, 1, id);
		stmt_bind_int64(s, 2, 1);
		stmt_bind_int64(s, 3, 1);
		stmt_bind_int64(s, 4, 1);
		stmt_bind_int64(s, 5, 1);
		assert_int_equal(stmt_exec(s, &e), E_OK);
		stmt_done(s);
	}
	if (store_commit(st, &e))
		fail_msg("commit: %s", e.msg);
	assert_int_equal(store_bulk_mode(st, false, &e), E_OK);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM order_items", &n, &e, 0),
			 E_OK);
	assert_int_equal(n, 20);
	store_close(st);
}

/* A batch held in binary form takes a value with no binary form here (text
 * in an integer column that is not a plain number, as " 7") by sending
 * what it holds and going on in text; the server reads that text as it
 * reads a parameter. A numeric column keeps its batch in text. */
static void binary_batches_fall_back_to_text(void **state)
{
	store *st = open_new("fallback");
	int64_t n = -1, sum = -1;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_exec(st, "CREATE TABLE fb (k BIGINT, i INTEGER, m NUMERIC)", &e), E_OK);
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	for (int k = 0; k < 400; k++) {
		assert_int_equal(store_prepare(st, "INSERT INTO fb (k, i) VALUES ($1, $2)", &s, &e),
				 E_OK);
		stmt_bind_int64(s, 1, k);
		if (k == 150)
			stmt_bind_text(s, 2, " 7");
		else
			stmt_bind_int64(s, 2, k);
		assert_int_equal(stmt_exec(s, &e), E_OK);
		stmt_done(s);
		assert_int_equal(store_prepare(st, "INSERT INTO fb (k, m) VALUES ($1, $2)", &s, &e),
				 E_OK);
		stmt_bind_int64(s, 1, 1000 + k);
		stmt_bind_double(s, 2, 0.5);
		assert_int_equal(stmt_exec(s, &e), E_OK);
		stmt_done(s);
	}
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_bulk_mode(st, false, &e), E_OK);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM fb", &n, &e, 0), E_OK);
	assert_int_equal(n, 800);
	/* 0 + ... + 399, with 7 in place of 150 */
	assert_int_equal(store_query_int64(st, "SELECT SUM(i) FROM fb", &sum, &e, 0), E_OK);
	assert_int_equal(sum, 399 * 400 / 2 - 150 + 7);
	assert_int_equal(store_query_int64(st, "SELECT SUM(m * 2) FROM fb", &sum, &e, 0), E_OK);
	assert_int_equal(sum, 400);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_creates_the_database),
		cmocka_unit_test(rows_stream_as_the_server_makes_them),
		cmocka_unit_test(scans_read_in_chunks_through_a_cursor),
		cmocka_unit_test(unreachable_server_is_an_io_error),
		cmocka_unit_test(parameter_types_follow_the_bound_values),
		cmocka_unit_test(failed_statement_aborts_the_transaction),
		cmocka_unit_test(write_transactions_take_turns),
		cmocka_unit_test(read_transaction_refuses_writes),
		cmocka_unit_test(serialization_failure_is_busy),
		cmocka_unit_test(dropped_connection_is_made_again),
		cmocka_unit_test(blobs_and_text_round_trip),
		cmocka_unit_test(binary_rows_read_as_text_rows_do),
		cmocka_unit_test(uncached_statements_are_deallocated),
		cmocka_unit_test(batches_send_parents_first),
		cmocka_unit_test(binary_batches_fall_back_to_text),
		cmocka_unit_test(bulk_commits_settle_at_the_next_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
