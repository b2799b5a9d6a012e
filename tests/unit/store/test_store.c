/* test_store.c: the store, SQLite or PostgreSQL (test_store_uri): migrations,
 * version checks, $n parameters, nested transactions, error mapping, the
 * statement cache, exact int64 values and streaming rows. */
#include "testutil.h"
#include "store/db.h"

#include <sys/resource.h>

static store *open_new(const char *name)
{
	store *st = NULL;
	err e;
	status rc = store_open(test_store_uri(name), STORE_CREATE, &st, &e);
	if (rc)
		fail_msg("store_open: %s", e.msg);
	return st;
}

static void missing_database_says_run_init(void **state)
{
	store *st = NULL;
	err e;
	(void)state;
	assert_int_equal(store_open(test_store_uri("nope.db"), 0, &st, &e), E_NOTFOUND);
	assert_null(st);
	assert_non_null(strstr(e.msg, "ecrm init"));
	assert_int_equal(store_open("", 0, &st, &e), E_INVAL);
}

static void migrations_bring_schema_to_latest(void **state)
{
	store *st = open_new("m.db");
	int applied = -1;
	err e;
	(void)state;
	assert_int_equal(store_schema_version(st), store_schema_latest(st));
	assert_true(store_schema_latest(st) >= 1);
	assert_int_equal(store_migrate(st, &applied, &e), E_OK);
	assert_int_equal(applied, 0);
	assert_string_equal(store_backend(st), test_store_kind());
	store_close(st);
}

static void newer_database_is_refused(void **state)
{
	store *st = open_new("newer.db");
	err e;
	(void)state;
	assert_int_equal(store_exec(st,
				    "INSERT INTO schema_version (version, name, applied_at) "
				    "VALUES (9999, '9999_future.sql', 0)",
				    &e),
			 E_OK);
	store_close(st);
	assert_int_equal(store_open(test_store_uri("newer.db"), 0, &st, &e), E_CONFLICT);
	assert_non_null(strstr(e.msg, "9999"));
	assert_non_null(strstr(e.msg, "newer ecrm"));
}

static void older_database_is_migrated_on_open(void **state)
{
	store *st = NULL;
	err e;
	(void)state;
	assert_int_equal(
		store_open(test_store_uri("old.db"), STORE_CREATE | STORE_NO_MIGRATE, &st, &e),
			 E_OK);
	assert_int_equal(store_exec(st, "CREATE TABLE schema_version (version INTEGER PRIMARY "
					"KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
				    &e),
			 E_OK);
	assert_int_equal(store_schema_version(st), 0);
	store_close(st);
	assert_int_equal(store_open(test_store_uri("old.db"), 0, &st, &e), E_OK);
	assert_int_equal(store_schema_version(st), store_schema_latest(st));
	store_close(st);
}

static void parameters_are_positional(void **state)
{
	store *st = open_new("p.db");
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, "SELECT $2 || '-' || $1 || '-$1', $3, $4", &s, &e),
			 E_OK);
	stmt_bind_text(s, 1, "a");
	stmt_bind_text(s, 2, "b");
	stmt_bind_int64(s, 3, INT64_C(1) << 40);
	stmt_bind_null(s, 4);
	assert_true(stmt_row(s, &e));
	assert_string_equal(stmt_text(s, 0), "b-a-$1");
	assert_true(stmt_int64(s, 1) == INT64_C(1) << 40);
	assert_true(stmt_null(s, 2));
	assert_null(stmt_text(s, 2));
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	store_close(st);
}

static const char *const insert_product =
	"INSERT INTO products (sku, name, created_at, updated_at) VALUES ($1, $2, 0, 0)";

static void unique_violation_is_conflict(void **state)
{
	store *st = open_new("u.db");
	stmt *s;
	err e;
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
		stmt_bind_text(s, 1, "SKU-1");
		stmt_bind_text(s, 2, "thing");
		status rc = stmt_exec(s, &e);
		stmt_done(s);
		assert_int_equal(rc, i == 0 ? E_OK : E_CONFLICT);
	}
	assert_non_null(strcasestr(e.msg, "unique"));
	store_close(st);
}

static void nested_transactions_commit_once_and_roll_back_whole(void **state)
{
	store *st = open_new("t.db");
	int64_t n = -1;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, "A");
	stmt_bind_text(s, 2, "a");
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
	assert_int_equal(store_changes(st), 1);
	store_rollback(st); /* inner failure dooms the outer transaction */
	assert_true(store_in_transaction(st));
	assert_int_equal(store_commit(st, &e), E_DB);
	assert_false(store_in_transaction(st));
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, "B");
	stmt_bind_text(s, 2, "b");
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products WHERE id > $1", &n,
					   &e, 1, (int64_t)0),
			 E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_query_int64(st, "SELECT id FROM products WHERE sku = 'none'", &n,
					   &e, 0),
			 E_NOTFOUND);
	store_close(st);
}

static void cached_statement_is_reused_and_nested_use_works(void **state)
{
	static const char *const sql = "SELECT $1 + 1";
	store *st = open_new("c.db");
	stmt *a, *b, *c;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, sql, &a, &e), E_OK);
	/* The same SQL while `a` is in use gets its own statement. */
	assert_int_equal(store_prepare(st, sql, &b, &e), E_OK);
	assert_ptr_not_equal(a, b);
	stmt_bind_int64(a, 1, 1);
	stmt_bind_int64(b, 1, 10);
	assert_true(stmt_row(a, &e));
	assert_true(stmt_row(b, &e));
	assert_int_equal(stmt_int64(a, 0), 2);
	assert_int_equal(stmt_int64(b, 0), 11);
	stmt_done(b);
	stmt_done(a);
	assert_int_equal(store_prepare(st, sql, &c, &e), E_OK);
	assert_ptr_equal(c, a);
	stmt_done(c);
	stmt_done(NULL);
	store_close(st);
	store_close(NULL);
}

static void bad_sql_and_bad_bind_are_reported(void **state)
{
	store *st = open_new("b.db");
	stmt *s = NULL;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, "SELEC 1", &s, &e), E_DB);
	assert_non_null(strstr(e.msg, "SELEC 1"));
	assert_int_equal(store_prepare(st, "SELECT $1", &s, &e), E_OK);
	stmt_bind_int64(s, 5, 1);
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_INTERNAL);
	assert_non_null(strstr(e.msg, "$5"));
	stmt_done(s);
	store_close(st);
}

/* int64 values survive exactly both ways, extremes included, and sums
 * past 2^53 are not rounded through a double. */
static void int64_values_are_exact(void **state)
{
	static const int64_t v[] = { INT64_MAX, INT64_MIN, -1, 0, (INT64_C(1) << 53) + 1 };
	store *st = open_new("i64.db");
	int64_t got;
	stmt *s;
	err e;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		char sku[16];
		snprintf(sku, sizeof(sku), "I%zu", i);
		assert_int_equal(
			store_prepare(st,
				      "INSERT INTO products (sku, price, created_at, "
				      "updated_at) VALUES ($1, $2, $3, $3) RETURNING price",
				      &s, &e),
			E_OK);
		stmt_bind_text(s, 1, sku);
		stmt_bind_int64(s, 2, v[i]);
		stmt_bind_int64(s, 3, v[i]);
		assert_true(stmt_row(s, &e));
		assert_true(stmt_int64(s, 0) == v[i]);
		stmt_done(s);
		assert_int_equal(
			store_query_int64(st, "SELECT created_at FROM products WHERE price = $1",
					  &got, &e, 1, v[i]),
			E_OK);
		assert_true(got == v[i]);
	}
	/* 2^53 + 1 + 2^53 + 1: a double would say 2^54. */
	assert_int_equal(store_exec(st,
				    "UPDATE products SET cost = 9007199254740993 WHERE sku IN "
				    "('I0', 'I1')",
				    &e),
			 E_OK);
	assert_int_equal(store_changes(st), 2);
	assert_int_equal(store_query_int64(st, "SELECT SUM(cost) FROM products", &got, &e, 0),
			 E_OK);
	assert_true(got == INT64_C(18014398509481986));
	store_close(st);
}

/* NOT NULL and CHECK failures are the caller's bad input (E_INVAL). */
static void constraint_failures_are_invalid_input(void **state)
{
	store *st = open_new("chk.db");
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_prepare(st, insert_product, &s, &e), E_OK);
	stmt_bind_null(s, 1);
	stmt_bind_text(s, 2, "no sku");
	assert_int_equal(stmt_exec(s, &e), E_INVAL);
	assert_non_null(strcasestr(e.msg, "null"));
	stmt_done(s);
	assert_int_equal(store_exec(st,
				    "INSERT INTO returns (external_id, kind, amount, currency, "
				    "returned_at) VALUES ('r1', 'theft', 1, 'EUR', 0)",
				    &e),
			 E_INVAL);
	assert_non_null(strcasestr(e.msg, "check"));
	store_close(st);
}

/* A query of millions of rows streams: one row at a time in memory. */
/* Reads `rows` generated rows with a plain statement or, in a read
 * transaction, as a scan; the whole result is never held. */
static void stream_rows(store *st, int64_t rows, bool scan)
{
	static const char *const sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
				       "n WHERE i < $1) SELECT i FROM n";
	struct rusage before, after;
	int64_t n = 0, sum = 0;
	stmt *s;
	err e;

	if (scan)
		assert_int_equal(store_begin_read(st, &e), E_OK);
	assert_int_equal(scan ? store_prepare_scan(st, sql, &s, &e) : store_prepare(st, sql, &s, &e),
			 E_OK);
	stmt_bind_int64(s, 1, rows);
	getrusage(RUSAGE_SELF, &before);
	while (stmt_row(s, &e)) {
		n++;
		sum += stmt_int64(s, 0);
	}
	getrusage(RUSAGE_SELF, &after);
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	if (scan)
		assert_int_equal(store_commit(st, &e), E_OK);
	assert_true(n == rows);
	assert_true(sum == rows * (rows + 1) / 2);
#if !defined(__SANITIZE_ADDRESS__)
	/* The whole result would take about 64 MB in libpq. */
	assert_true(after.ru_maxrss - before.ru_maxrss < 24 * 1024);
#endif
}

static void big_results_stream(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
	/* ASan keeps freed memory in quarantine: no memory bound to check. */
	const int64_t rows = 200000;
#else
	const int64_t rows = 2000000;
#endif
	store *st = open_new("stream.db");
	(void)state;
	/* The peak RSS only grows: the second read is checked against the
	 * first one's peak. */
	stream_rows(st, rows, true);
	stream_rows(st, rows, false);
	store_close(st);
}

/* Other statements may run while one walks its rows (a connection can
 * carry one result at a time: the backend must keep the rest), and a
 * statement dropped halfway leaves the handle usable. */
static void statements_interleave_with_an_open_result(void **state)
{
	store *st = open_new("inter.db");
	int64_t n = 0, seen = 0, count = -1;
	stmt *outer, *in;
	err e;
	(void)state;
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(
		store_prepare(st,
			      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
			      "n WHERE i < 5000) SELECT i, 'sku-' || i FROM n",
			      &outer, &e),
		E_OK);
	while (stmt_row(outer, &e)) {
		seen += stmt_int64(outer, 0);
		if (stmt_int64(outer, 0) % 1000 != 0)
			continue;
		/* The text of the current row stays valid through the insert. */
		assert_int_equal(store_prepare(st, insert_product, &in, &e), E_OK);
		stmt_bind_text(in, 1, stmt_text(outer, 1));
		stmt_bind_text(in, 2, stmt_text(outer, 1));
		assert_int_equal(stmt_exec(in, &e), E_OK);
		stmt_done(in);
		n++;
	}
	assert_int_equal(e.code, E_OK);
	stmt_done(outer);
	assert_int_equal(n, 5);
	assert_true(seen == 5000 * 5001 / 2);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_query_int64(st,
					   "SELECT COUNT(*) FROM products WHERE sku LIKE "
					   "'sku-%'",
					   &count, &e, 0),
			 E_OK);
	assert_int_equal(count, 5);

	/* Read two rows of many, drop the statement, go on. */
	assert_int_equal(
		store_prepare(st,
			      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
			      "n WHERE i < 100000) SELECT i FROM n",
			      &outer, &e),
		E_OK);
	assert_true(stmt_row(outer, &e));
	assert_true(stmt_row(outer, &e));
	assert_int_equal(stmt_int64(outer, 0), 2);
	stmt_done(outer);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &count, &e, 0),
			 E_OK);
	assert_int_equal(count, 5);
	store_close(st);
}

/* Reads all of a statement's integer column 0 as a sum; `*rows` counts. */
static int64_t sum_rows(stmt *s, int64_t *rows)
{
	int64_t sum = 0;
	err se;

	err_clear(&se); /* stmt_row clears it only at a statement's first row */
	*rows = 0;
	while (stmt_row(s, &se)) {
		sum += stmt_int64(s, 0);
		++*rows;
	}
	assert_int_equal(se.code, E_OK);
	return sum;
}

/* stmt_send: statements sent together are read in any order, each with
 * its own rows, also past one that streams meanwhile and as the first
 * statement of a read transaction; one given back unread leaves the
 * handle usable; a failure shows at its own stmt_row, and on PostgreSQL
 * the statements sent after it name it. */
static void sent_statements_keep_their_rows(void **state)
{
	static const char *const series =
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) "
		"SELECT i FROM n";
	static const char *const twice = "SELECT 2 * $1";
	static const char *const text = "SELECT 'x' || $1";
	static const char *const overflow = "SELECT abs(CAST($1 AS BIGINT))";
	store *st = open_new("sent.db");
	stmt *a, *b, *c, *big;
	int64_t rows, n = -1;
	err e;
	char failure[sizeof(e.msg)];
	(void)state;

	/* The first statements of a read transaction, read backwards. */
	assert_int_equal(store_begin_read(st, &e), E_OK);
	assert_int_equal(store_prepare(st, series, &a, &e), E_OK);
	assert_int_equal(store_prepare(st, twice, &b, &e), E_OK);
	assert_int_equal(store_prepare(st, text, &c, &e), E_OK);
	stmt_bind_int64(a, 1, 100);
	stmt_bind_int64(b, 1, 21);
	stmt_bind_text(c, 1, "y");
	stmt_send(a);
	stmt_send(b);
	stmt_send(c);
	assert_true(stmt_row(c, &e));
	assert_string_equal(stmt_text(c, 0), "xy");
	assert_false(stmt_row(c, &e));
	assert_int_equal(e.code, E_OK);
	assert_true(stmt_row(b, &e));
	assert_int_equal(stmt_int64(b, 0), 42);
	assert_int_equal(sum_rows(a, &rows), 5050);
	assert_int_equal(rows, 100);
	stmt_done(a);
	stmt_done(b);
	stmt_done(c);
	assert_int_equal(store_commit(st, &e), E_OK);

	/* Sent while another statement streams its rows; one given back
	 * unread; outside a transaction. */
	assert_int_equal(store_prepare(st, series, &big, &e), E_OK);
	stmt_bind_int64(big, 1, 20000);
	assert_true(stmt_row(big, &e));
	assert_int_equal(store_prepare(st, twice, &a, &e), E_OK);
	assert_int_equal(store_prepare(st, text, &b, &e), E_OK);
	stmt_bind_int64(a, 1, 4);
	stmt_bind_text(b, 1, "z");
	stmt_send(a);
	stmt_send(b);
	stmt_done(a);
	assert_true(stmt_row(b, &e));
	assert_string_equal(stmt_text(b, 0), "xz");
	stmt_done(b);
	assert_int_equal(sum_rows(big, &rows) + 1, (int64_t)20000 * 20001 / 2);
	assert_int_equal(rows, 19999);
	stmt_done(big);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);

	/* A failure among them, in a read transaction. */
	assert_int_equal(store_begin_read(st, &e), E_OK);
	assert_int_equal(store_prepare(st, twice, &a, &e), E_OK);
	assert_int_equal(store_prepare(st, overflow, &b, &e), E_OK);
	assert_int_equal(store_prepare(st, text, &c, &e), E_OK);
	stmt_bind_int64(a, 1, 5);
	stmt_bind_int64(b, 1, INT64_MIN);
	stmt_bind_text(c, 1, "w");
	stmt_send(a);
	stmt_send(b);
	stmt_send(c);
	assert_true(stmt_row(a, &e));
	assert_int_equal(stmt_int64(a, 0), 10);
	assert_false(stmt_row(b, &e));
	assert_int_not_equal(e.code, E_OK);
	snprintf(failure, sizeof(failure), "%s", e.msg);
	if (strcmp(store_backend(st), "postgres") == 0) {
		/* The server skipped what came after the failure. */
		assert_false(stmt_row(c, &e));
		assert_non_null(strstr(e.msg, "not run"));
		assert_non_null(strstr(e.msg, failure));
	} else {
		assert_true(stmt_row(c, &e));
		assert_string_equal(stmt_text(c, 0), "xw");
	}
	stmt_done(a);
	stmt_done(b);
	stmt_done(c);
	store_rollback(st);
	if (strcmp(store_backend(st), "postgres") == 0) {
		/* A skipped statement reports the cause's status too: a write
		 * in a read transaction is a bug (E_INTERNAL), not E_DB. */
		assert_int_equal(store_begin_read(st, &e), E_OK);
		assert_int_equal(store_prepare(st, insert_product, &a, &e), E_OK);
		assert_int_equal(store_prepare(st, text, &c, &e), E_OK);
		stmt_bind_text(a, 1, "S1");
		stmt_bind_text(a, 2, "s");
		stmt_bind_text(c, 1, "v");
		stmt_send(a);
		stmt_send(c);
		assert_false(stmt_row(a, &e));
		assert_int_equal(e.code, E_INTERNAL);
		assert_false(stmt_row(c, &e));
		assert_int_equal(e.code, E_INTERNAL);
		stmt_done(a);
		stmt_done(c);
		store_rollback(st);
	}
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);
	store_close(st);
}

/* stmt_send outside a transaction: each statement stands alone, as it
 * does when run at its stmt_row (and on SQLite). A write reported done
 * stays done when a statement sent after it fails, and one sent after the
 * failure still runs. */
static void sent_statements_stand_alone_outside_a_transaction(void **state)
{
	static const char *const ins =
		"INSERT INTO products (sku, created_at, updated_at) VALUES ($1, 0, 0)";
	static const char *const overflow = "SELECT abs(CAST($1 AS BIGINT))";
	static const char *const text = "SELECT 'x' || $1";
	store *st = open_new("sent_alone.db");
	stmt *a, *b, *c;
	int64_t n = -1;
	bool ran;
	err e;
	(void)state;

	assert_int_equal(store_prepare(st, ins, &a, &e), E_OK);
	assert_int_equal(store_prepare(st, overflow, &b, &e), E_OK);
	assert_int_equal(store_prepare(st, text, &c, &e), E_OK);
	stmt_bind_text(a, 1, "SKU-SENT");
	stmt_bind_int64(b, 1, INT64_MIN);
	stmt_bind_text(c, 1, "v");
	stmt_send(a);
	stmt_send(b);
	stmt_send(c);
	assert_int_equal(stmt_exec(a, &e), E_OK);
	assert_int_equal(store_changes(st), 1);
	assert_false(stmt_row(b, &e));
	assert_int_not_equal(e.code, E_OK);
	ran = stmt_row(c, &e) && strcmp(stmt_text(c, 0), "xv") == 0;
	stmt_done(a);
	stmt_done(b);
	stmt_done(c);
	/* The INSERT said it was done: the row is there. */
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 1);
	assert_true(ran);
	store_close(st);
}

/* store_begin_read is a snapshot: another handle's commit shows only in
 * the next transaction. */
static void read_transaction_is_a_snapshot(void **state)
{
	store *a = open_new("snap.db"), *b = NULL;
	int64_t n = -1;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_open(test_store_uri("snap.db"), 0, &b, &e), E_OK);
	assert_int_equal(store_begin_read(a, &e), E_OK);
	assert_int_equal(store_query_int64(a, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_prepare(b, insert_product, &s, &e), E_OK);
	stmt_bind_text(s, 1, "S1");
	stmt_bind_text(s, 2, "s");
	assert_int_equal(stmt_exec(s, &e), E_OK);
	stmt_done(s);
	assert_int_equal(store_query_int64(a, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_commit(a, &e), E_OK);
	assert_int_equal(store_query_int64(a, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 1);
	store_close(b);
	store_close(a);
}

/* Bulk mode may hold inserts back (PostgreSQL batches them): every later
 * statement still sees them, and a failure shows at the latest at commit. */
static void bulk_mode_inserts_are_seen_and_failures_reported(void **state)
{
	/* Parameters only: what PostgreSQL's bulk mode batches. */
	static const char *const one =
		"INSERT INTO products (sku, name, created_at, updated_at) VALUES ($1, $2, $3, $3)";
	static const char *const two =
		"INSERT INTO products (sku, name, created_at, updated_at) VALUES "
		"($1, $2, $5, $5), ($3, $4, $5, $5)";
	store *st = open_new("bulk.db");
	int64_t n = -1, kept = 0;
	status rc;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	/* Every third statement inserts two rows; statement 150 first with a
	 * NULL name (refused), then again as it should be. */
	for (int i = 0; i < 300; i++) {
		bool pair = i % 3 == 0;
		char a[16], b[16];
		snprintf(a, sizeof(a), "B%d", 2 * i);
		snprintf(b, sizeof(b), "B%d", 2 * i + 1);
		assert_int_equal(store_prepare(st, pair ? two : one, &s, &e), E_OK);
		for (int round = i == 150 ? 0 : 1; round < 2; round++) {
			stmt_reset(s);
			stmt_bind_text(s, 1, a);
			stmt_bind_text(s, 2, "it's \"quoted\" \\ 客户");
			if (pair) {
				stmt_bind_text(s, 3, b);
				stmt_bind_text(s, 4, round ? "b" : NULL);
				stmt_bind_int64(s, 5, i);
			} else {
				stmt_bind_int64(s, 3, i);
			}
			rc = stmt_exec(s, &e);
			if (round == 0 && rc == E_OK) {
				/* PostgreSQL batched it: the failure comes with
				 * the next statement, and loses the transaction
				 * as any failed statement does there. */
				assert_string_equal(test_store_kind(), "postgres");
				assert_int_equal(store_query_int64(st, "SELECT 1", &n, &e, 0),
						 E_INVAL);
				assert_non_null(strstr(e.msg, "batched"));
				store_rollback(st);
				assert_int_equal(store_begin(st, &e), E_OK);
				kept = 0;
				continue;
			}
			assert_int_equal(rc, round ? E_OK : E_INVAL);
		}
		kept++; /* one row per statement has the quoted name */
		assert_int_equal(store_changes(st), pair ? 2 : 1);
		stmt_done(s);
	}
	assert_int_equal(store_query_int64(st,
					   "SELECT COUNT(*) FROM products WHERE name = "
					   "'it''s \"quoted\" \\ 客户'",
					   &n, &e, 0),
			 E_OK);
	assert_true(n == kept);
	assert_int_equal(store_commit(st, &e), E_OK);

	/* A duplicate key fails at its statement or at the commit. */
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_prepare(st, one, &s, &e), E_OK);
	stmt_bind_text(s, 1, "B301");
	stmt_bind_text(s, 2, "again");
	stmt_bind_int64(s, 3, 0);
	rc = stmt_exec(s, &e);
	stmt_done(s);
	if (rc == E_OK) {
		assert_int_equal(store_commit(st, &e), E_CONFLICT);
		assert_false(store_in_transaction(st));
	} else {
		assert_int_equal(rc, E_CONFLICT);
		store_rollback(st);
	}
	assert_int_equal(store_bulk_mode(st, false, &e), E_OK);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products WHERE sku = 'B301'",
					   &n, &e, 0),
			 E_OK);
	assert_int_equal(n, 1);
	store_close(st);
}

/* store_bulk_send starts writing the rows held back without waiting: the
 * next statement sees them, and their failure shows there (or at the
 * insert itself where nothing is held back). */
static void bulk_send_writes_on_and_reports_later(void **state)
{
	static const char *const one =
		"INSERT INTO products (sku, name, created_at, updated_at) VALUES ($1, $2, $3, $3)";
	store *st = open_new("bulksend.db");
	int64_t n = -1;
	status rc = E_OK;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(store_begin(st, &e), E_OK);
		assert_int_equal(store_prepare(st, one, &s, &e), E_OK);
		/* 300 rows (a COPY on PostgreSQL); in round 0 row 200 repeats
		 * row 10's SKU. */
		for (int i = 0; i < 300 && rc == E_OK; i++) {
			char sku[16];
			snprintf(sku, sizeof(sku), "S%d", round == 0 && i == 200 ? 10 : i);
			stmt_reset(s);
			stmt_bind_text(s, 1, sku);
			stmt_bind_text(s, 2, "x");
			stmt_bind_int64(s, 3, i);
			rc = stmt_exec(s, &e);
		}
		stmt_done(s);
		int failed_at = rc ? 0 : 1; /* the insert, the send or the query */
		if (rc == E_OK && (rc = store_bulk_send(st, &e)) == E_OK) {
			failed_at = 2;
			rc = store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0);
		}
		if (round == 0) {
			assert_int_equal(rc, E_CONFLICT);
			if (strcmp(test_store_kind(), "postgres") == 0) {
				assert_int_equal(failed_at, 2);
				assert_non_null(strstr(e.msg, "batched"));
			} else {
				assert_int_equal(failed_at, 0);
			}
			store_rollback(st);
			rc = E_OK;
			continue;
		}
		assert_int_equal(rc, E_OK);
		assert_int_equal(n, 300);
		assert_int_equal(store_bulk_send(st, &e), E_OK); /* nothing held back */
		assert_int_equal(store_commit(st, &e), E_OK);
	}
	assert_int_equal(store_bulk_mode(st, false, &e), E_OK);
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, 300);
	store_close(st);
}

/* In bulk mode an insert's RETURNING id is the id the row gets, and the
 * rows that use it as a reference land after it. */
static void bulk_mode_returning_ids_are_real(void **state)
{
	static const char *const add_order =
		"INSERT INTO orders (external_id, placed_at, currency, created_at, updated_at)"
		" VALUES ($1, $2, $3, $2, $2) RETURNING id";
	static const char *const add_line =
		"INSERT INTO order_items (order_id, line_no, product_id, qty, unit_price)"
		" VALUES ($1, $2, $3, $4, $5)";
	store *st = open_new("bulkid.db");
	int64_t ids[40], product = 0, n = -1;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	assert_int_equal(store_prepare(st,
				       "INSERT INTO products (sku, name, created_at, updated_at)"
				       " VALUES ($1, $2, $3, $3) RETURNING id",
				       &s, &e),
			 E_OK);
	stmt_bind_text(s, 1, "P1");
	stmt_bind_text(s, 2, "p");
	stmt_bind_int64(s, 3, 0);
	assert_true(stmt_row(s, &e));
	product = stmt_int64(s, 0);
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	for (int i = 0; i < 40; i++) {
		char ext[16];
		snprintf(ext, sizeof(ext), "o%d", i);
		assert_int_equal(store_prepare(st, add_order, &s, &e), E_OK);
		stmt_bind_text(s, 1, ext);
		stmt_bind_int64(s, 2, 1700000000 + i);
		stmt_bind_text(s, 3, "EUR");
		assert_true(stmt_row(s, &e));
		ids[i] = stmt_int64(s, 0);
		stmt_done(s);
		for (int line = 1; line <= 3; line++) {
			assert_int_equal(store_prepare(st, add_line, &s, &e), E_OK);
			stmt_bind_int64(s, 1, ids[i]);
			stmt_bind_int64(s, 2, line);
			stmt_bind_int64(s, 3, product);
			stmt_bind_int64(s, 4, line);
			stmt_bind_int64(s, 5, 100 * i);
			assert_int_equal(stmt_exec(s, &e), E_OK);
			stmt_done(s);
		}
	}
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_bulk_mode(st, false, &e), E_OK);
	/* Ids stay dense: the next order gets the next id. */
	{
		int64_t next = -1;
		assert_int_equal(store_prepare(st, add_order, &s, &e), E_OK);
		stmt_bind_text(s, 1, "o40");
		stmt_bind_int64(s, 2, 1);
		stmt_bind_text(s, 3, "EUR");
		assert_true(stmt_row(s, &e));
		next = stmt_int64(s, 0);
		stmt_done(s);
		assert_true(next == ids[39] + 1);
		assert_true(ids[0] == 1 && ids[39] == 40);
	}
	for (int i = 0; i < 40; i++) {
		char sql_ext[16];
		int64_t id = -1;
		snprintf(sql_ext, sizeof(sql_ext), "o%d", i);
		assert_int_equal(store_prepare(st, "SELECT id FROM orders WHERE external_id = $1", &s,
					       &e),
				 E_OK);
		stmt_bind_text(s, 1, sql_ext);
		assert_true(stmt_row(s, &e));
		id = stmt_int64(s, 0);
		stmt_done(s);
		assert_true(id == ids[i]);
		for (int j = 0; j < i; j++)
			assert_true(ids[j] != ids[i]);
	}
	assert_int_equal(store_query_int64(st,
					   "SELECT COUNT(*) FROM order_items i JOIN orders o ON "
					   "o.id = i.order_id WHERE i.unit_price = 100 * "
					   "(CAST(substr(o.external_id, 2) AS INTEGER))",
					   &n, &e, 0),
			 E_OK);
	assert_int_equal(n, 120);
	store_close(st);
}

/* Bulk mode's big batches (PostgreSQL: COPY's text format) keep every
 * byte that delimits or escapes there, tell NULL from the text "\N", and
 * the RETURNING ids are the rows' ids. */
static void bulk_mode_keeps_values_exact(void **state)
{
	static const char *const names[] = {
		"tab\there", "line\nbreak", "cr\r\nlf", "back\\slash", "\\N", "\\.",
		"\\", "", "end\\", "客户\t\\t",
	};
	enum { ROWS = 300 };
	store *st = open_new("bulkexact.db");
	int64_t ids[ROWS], n = -1;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	assert_int_equal(store_begin(st, &e), E_OK);
	for (int i = 0; i < ROWS; i++) {
		char sku[16];
		snprintf(sku, sizeof(sku), "X%03d", i);
		assert_int_equal(store_prepare(st,
					       "INSERT INTO products (sku, name, category, created_at,"
					       " updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
					       &s, &e),
				 E_OK);
		stmt_bind_text(s, 1, sku);
		stmt_bind_text(s, 2, names[i % ARRAY_SIZE(names)]);
		if (i % 3)
			stmt_bind_text(s, 3, names[(i + 1) % ARRAY_SIZE(names)]);
		else
			stmt_bind_null(s, 3);
		stmt_bind_int64(s, 4, i);
		assert_true(stmt_row(s, &e));
		ids[i] = stmt_int64(s, 0);
		stmt_done(s);
	}
	assert_int_equal(store_query_int64(st, "SELECT COUNT(*) FROM products", &n, &e, 0), E_OK);
	assert_int_equal(n, ROWS);
	assert_int_equal(store_commit(st, &e), E_OK);
	assert_int_equal(store_bulk_mode(st, false, &e), E_OK);
	assert_int_equal(store_prepare(st,
				       "SELECT id, name, category, created_at FROM products ORDER BY sku",
				       &s, &e),
			 E_OK);
	for (int i = 0; i < ROWS; i++) {
		assert_true(stmt_row(s, &e));
		assert_true(stmt_int64(s, 0) == ids[i]);
		assert_string_equal(stmt_text(s, 1), names[i % ARRAY_SIZE(names)]);
		if (i % 3)
			assert_string_equal(stmt_text(s, 2), names[(i + 1) % ARRAY_SIZE(names)]);
		else
			assert_true(stmt_null(s, 2));
		assert_true(stmt_int64(s, 3) == i);
	}
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	store_close(st);
}

/* The numbers of a bulk mode batch arrive exact (PostgreSQL holds such
 * rows in binary form): doubles bit for bit, integers to their ends, an
 * integer bound into a double column, NULLs, in a big batch (COPY) and in
 * a small one (one INSERT). */
static void bulk_mode_keeps_numbers_exact(void **state)
{
	static const double reals[] = { 0.1,	  1.0 / 3, 5e-324, 1.7976931348623157e308,
					-2.5e-300, 123456789.125, 2.0 / 7 };
	static const int sizes[] = { 300, 5 };
	store *st = open_new("bulknumbers.db");
	int64_t k = 0;
	stmt *s;
	err e;
	(void)state;
	assert_int_equal(store_exec(st,
				    "CREATE TABLE bulk_numbers (k BIGINT PRIMARY KEY, d DOUBLE "
				    "PRECISION, i INTEGER, h SMALLINT, b BIGINT, t TEXT)",
				    &e),
			 E_OK);
	assert_int_equal(store_bulk_mode(st, true, &e), E_OK);
	for (size_t n = 0; n < ARRAY_SIZE(sizes); n++) {
		assert_int_equal(store_begin(st, &e), E_OK);
		for (int r = 0; r < sizes[n]; r++, k++) {
			char t[16];
			assert_int_equal(store_prepare(st,
						       "INSERT INTO bulk_numbers (k, d, i, h, b, t) "
						       "VALUES ($1, $2, $3, $4, $5, $6)",
						       &s, &e),
					 E_OK);
			stmt_bind_int64(s, 1, k);
			if (k % 5 == 4)
				stmt_bind_int64(s, 2, -(int64_t)k); /* an integer, into a double */
			else if (k % 9 != 8)
				stmt_bind_double(s, 2, reals[k % ARRAY_SIZE(reals)] * (double)(k + 1));
			stmt_bind_int64(s, 3, k % 2 ? INT32_MAX - k : INT32_MIN + k);
			stmt_bind_int64(s, 4, k % 2 ? INT16_MAX - k % 100 : INT16_MIN + k % 100);
			stmt_bind_int64(s, 5, k % 2 ? INT64_MAX - k : INT64_MIN + k);
			snprintf(t, sizeof(t), "r%" PRId64, k);
			if (k % 4)
				stmt_bind_text(s, 6, t);
			assert_int_equal(stmt_exec(s, &e), E_OK);
			stmt_done(s);
		}
		assert_int_equal(store_commit(st, &e), E_OK);
	}
	assert_int_equal(store_bulk_mode(st, false, &e), E_OK);
	assert_int_equal(store_prepare(st, "SELECT k, d, i, h, b, t FROM bulk_numbers ORDER BY k", &s,
				       &e),
			 E_OK);
	for (int64_t r = 0; r < k; r++) {
		char t[16];
		assert_true(stmt_row(s, &e));
		assert_true(stmt_int64(s, 0) == r);
		if (r % 5 == 4) {
			assert_true(stmt_double(s, 1) == (double)-r);
		} else if (r % 9 == 8) {
			assert_true(stmt_null(s, 1));
		} else {
			double want = reals[r % ARRAY_SIZE(reals)] * (double)(r + 1), got = stmt_double(s, 1);
			assert_memory_equal(&got, &want, sizeof(want));
		}
		assert_true(stmt_int64(s, 2) == (r % 2 ? INT32_MAX - r : INT32_MIN + r));
		assert_true(stmt_int64(s, 3) == (r % 2 ? INT16_MAX - r % 100 : INT16_MIN + r % 100));
		assert_true(stmt_int64(s, 4) == (r % 2 ? INT64_MAX - r : INT64_MIN + r));
		snprintf(t, sizeof(t), "r%" PRId64, r);
		if (r % 4)
			assert_string_equal(stmt_text(s, 5), t);
		else
			assert_true(stmt_null(s, 5));
	}
	assert_false(stmt_row(s, &e));
	assert_int_equal(e.code, E_OK);
	stmt_done(s);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_database_says_run_init),
		cmocka_unit_test(migrations_bring_schema_to_latest),
		cmocka_unit_test(newer_database_is_refused),
		cmocka_unit_test(older_database_is_migrated_on_open),
		cmocka_unit_test(parameters_are_positional),
		cmocka_unit_test(unique_violation_is_conflict),
		cmocka_unit_test(nested_transactions_commit_once_and_roll_back_whole),
		cmocka_unit_test(cached_statement_is_reused_and_nested_use_works),
		cmocka_unit_test(bad_sql_and_bad_bind_are_reported),
		cmocka_unit_test(int64_values_are_exact),
		cmocka_unit_test(constraint_failures_are_invalid_input),
		cmocka_unit_test(big_results_stream),
		cmocka_unit_test(statements_interleave_with_an_open_result),
		cmocka_unit_test(sent_statements_keep_their_rows),
		cmocka_unit_test(sent_statements_stand_alone_outside_a_transaction),
		cmocka_unit_test(read_transaction_is_a_snapshot),
		cmocka_unit_test(bulk_mode_inserts_are_seen_and_failures_reported),
		cmocka_unit_test(bulk_send_writes_on_and_reports_later),
		cmocka_unit_test(bulk_mode_returning_ids_are_real),
		cmocka_unit_test(bulk_mode_keeps_values_exact),
		cmocka_unit_test(bulk_mode_keeps_numbers_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
