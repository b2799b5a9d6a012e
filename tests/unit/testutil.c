/* testutil.c: temporary directories, data paths and test stores for unit tests. */
#include "testutil.h"
#include "domain/customer.h"
#include "domain/order.h"
#include "domain/pii.h"
#include "store/db.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	if (tmpdir[0] && !getenv("ECRM_KEEP_TMP"))
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *test_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(tmpdir, sizeof(tmpdir), "%s/ecrm-test-XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(cleanup);
	}
	return tmpdir;
}

const char *test_tmpfile(const char *name)
{
	static char bufs[8][512];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", test_tmpdir(), name);
	return b;
}

const char *test_data(const char *relpath)
{
	static char buf[1024];
	const char *base = getenv("ECRM_DATA");
	struct stat sb;

	if (!base)
		base = "../shared/data";
	snprintf(buf, sizeof(buf), "%s/%s", base, relpath);
	if (stat(buf, &sb) != 0)
		fail_msg("data file %s is missing (set ECRM_DATA to the shared data folder)", buf);
	return buf;
}

const char *test_write_file(const char *name, const char *text)
{
	const char *path = test_tmpfile(name);
	FILE *f = fopen(path, "w");

	if (!f)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

const char *test_read_file(const char *path)
{
	static char buf[64 * 1024];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		fail_msg("cannot read %s", path);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == sizeof(buf))
		fail_msg("%s: longer than the %zu bytes test_read_file holds", path, sizeof(buf) - 1);
	buf[n] = '\0';
	return buf;
}

int64_t test_query_int64(struct store *st, const char *sql)
{
	int64_t n = -1;
	err e;

	if (store_query_int64(st, sql, &n, &e, 0))
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

/* ---- which store: SQLite files, or databases on a PostgreSQL server ---- */

typedef struct {
	char *name, *uri, *dbname;
} store_db;

static store_db *dbs;
static size_t ndbs;
static char pg_base[512];
static bool drop_registered;

/* The PostgreSQL server URL the tests use, "" for SQLite. A URL file that
 * is named but missing fails the test: PostgreSQL runs never turn quietly
 * into SQLite runs. */
static const char *pg_url(void)
{
	static bool done;
	const char *env = getenv("ECRM_TEST_DB_URL"), *file = getenv("ECRM_TEST_DB_URL_FILE");

	if (done)
		return pg_base;
	if (env && *env) {
		snprintf(pg_base, sizeof(pg_base), "%s", env);
	} else if (file && *file) {
		FILE *f = fopen(file, "r");
		if (!f || !fgets(pg_base, sizeof(pg_base), f))
			fail_msg("ECRM_TEST_DB_URL_FILE=%s: no PostgreSQL server URL there; the "
				 "test cluster did not start (see tests/support/pg.sh and the "
				 "pg/start test)",
				 file);
		fclose(f);
		pg_base[strcspn(pg_base, "\r\n")] = '\0';
	}
	done = true;
	return pg_base;
}

const char *test_store_kind(void)
{
	return pg_url()[0] ? "postgres" : "sqlite";
}

static void drop_databases(void)
{
	store *st = NULL;
	err e;

	if (!pg_base[0] || getenv("ECRM_KEEP_TMP") ||
	    store_open(pg_base, STORE_NO_MIGRATE, &st, &e)) {
		if (st == NULL && pg_base[0] && !getenv("ECRM_KEEP_TMP"))
			fprintf(stderr, "testutil: cannot drop the test databases: %s\n", e.msg);
		return;
	}
	for (size_t i = 0; i < ndbs; i++) {
		char sql[160];
		if (!dbs[i].dbname)
			continue;
		/* FORCE: a failed test may leave a server or a handle connected. */
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
			 dbs[i].dbname);
		if (store_exec(st, sql, &e))
			fprintf(stderr, "testutil: %s\n", e.msg);
	}
	store_close(st);
}

/* `base` with its database replaced by `db` (query string kept). */
static char *pg_uri_for(const char *base, const char *db)
{
	const char *auth = strstr(base, "://");
	const char *path = auth ? auth + 3 + strcspn(auth + 3, "/?") : base + strlen(base);
	const char *query = strchr(path, '?');
	size_t n = (size_t)(path - base) + strlen(db) + 2 + (query ? strlen(query) : 0);
	char *uri = malloc(n);

	if (!uri)
		abort();
	snprintf(uri, n, "%.*s/%s%s", (int)(path - base), base, db, query ? query : "");
	return uri;
}

const char *test_store_uri(const char *name)
{
	store_db *d;

	for (size_t i = 0; i < ndbs; i++) {
		if (strcmp(dbs[i].name, name) == 0)
			return dbs[i].uri;
	}
	dbs = realloc(dbs, (ndbs + 1) * sizeof(*dbs));
	if (!dbs)
		abort();
	d = &dbs[ndbs++];
	d->name = strdup(name);
	d->dbname = NULL;
	if (!pg_url()[0]) {
		d->uri = strdup(test_tmpfile(name));
	} else {
		char db[64];
		size_t k = (size_t)snprintf(db, sizeof(db), "ecrm_t%ld_", (long)getpid());
		/* Lower-case letters, digits and _ only: no quoting to get wrong. */
		for (const char *p = name; *p && k < 60; p++) {
			char c = *p;
			db[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a')
				  : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c
										       : '_';
		}
		db[k] = '\0';
		d->dbname = strdup(db);
		d->uri = pg_uri_for(pg_base, db);
		if (!drop_registered)
			atexit(drop_databases);
		drop_registered = true;
	}
	if (!d->name || !d->uri)
		abort();
	return d->uri;
}
store *test_open_store(const char *name)
{
	/* One key for every test store: tests check sealing, not key handling. */
	static pii_keys *keys;
	store *st = NULL;
	err e;

	if (!keys && pii_keys_from_hex("000102030405060708090a0b0c0d0e0f"
				       "101112131415161718191a1b1c1d1e1f",
				       &keys, &e))
		fail_msg("test key: %s", e.msg);
	if (store_open(test_store_uri(name), STORE_CREATE, &st, &e) || pii_attach(st, keys, &e))
		fail_msg("store %s: %s", name, e.msg);
	return st;
}

void test_key_pair(pii_keys **a, pii_keys **b)
{
	err e;

	if (pii_keys_from_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
			      a, &e) ||
	    pii_keys_from_hex("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
			      b, &e))
		fail_msg("test keys: %s", e.msg);
}

void test_exec(store *st, const char *sql)
{
	err e;

	if (store_exec(st, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

/* Temp tables named like the real ones (SQLite and PostgreSQL both resolve
 * temp first) hold copies of customers and orders with the personal fields
 * opened. The schemas are named differently: temp/main, pg_temp/public. */

void test_open_copies(store *st)
{
	err e;
	bool pg = strcmp(test_store_kind(), "postgres") == 0;
	const char *put_customer =
		pg ? "UPDATE pg_temp.customers SET email = $2, phone = $3, address = $4, "
		     "birth_date = $5 WHERE id = $1"
		   : "UPDATE temp.customers SET email = $2, phone = $3, address = $4, "
		     "birth_date = $5 WHERE id = $1";
	const char *put_order = pg ? "UPDATE pg_temp.orders SET guest_email = $2 WHERE id = $1"
				   : "UPDATE temp.orders SET guest_email = $2 WHERE id = $1";
	int64_t n = 0, max = 0;
	arena a;
	stmt *s;

	test_exec(st, pg ? "CREATE TEMP TABLE customers AS SELECT * FROM public.customers"
			    : "CREATE TEMP TABLE customers AS SELECT * FROM main.customers");
	test_exec(st, pg ? "CREATE TEMP TABLE orders AS SELECT * FROM public.orders"
			    : "CREATE TEMP TABLE orders AS SELECT * FROM main.orders");
	/* SQLite re-prepares every statement after a schema change; PostgreSQL
	 * keeps the tables its statements found until told otherwise. */
	if (pg)
		test_exec(st, "DISCARD PLANS");
	arena_init(&a, 0);
	if (store_query_int64(st,
			      pg ? "SELECT COALESCE(MAX(id), 0) FROM public.customers"
				 : "SELECT COALESCE(MAX(id), 0) FROM main.customers",
			      &max, &e, 0))
		fail_msg("%s", e.msg);
	for (int64_t id = 1; id <= max; id++) {
		customer c;
		if (customer_load(st, id, &a, &c, &e))
			continue;
		if (store_prepare(st, put_customer, &s, &e))
			fail_msg("%s", e.msg);
		stmt_bind_int64(s, 1, id);
		stmt_bind_text(s, 2, c.email);
		stmt_bind_text(s, 3, c.phone);
		stmt_bind_text(s, 4, c.address);
		stmt_bind_text(s, 5, c.birth_date);
		if (stmt_exec(s, &e))
			fail_msg("%s", e.msg);
		stmt_done(s);
	}
	if (store_query_int64(st,
			      pg ? "SELECT COALESCE(MAX(id), 0) FROM public.orders"
				 : "SELECT COALESCE(MAX(id), 0) FROM main.orders",
			      &n, &e, 0))
		fail_msg("%s", e.msg);
	for (int64_t id = 1; id <= n; id++) {
		order o;
		if (order_load(st, id, &a, &o, &e) || !o.guest_email)
			continue;
		if (store_prepare(st, put_order, &s, &e))
			fail_msg("%s", e.msg);
		stmt_bind_int64(s, 1, id);
		stmt_bind_text(s, 2, o.guest_email);
		if (stmt_exec(s, &e))
			fail_msg("%s", e.msg);
		stmt_done(s);
	}
	arena_release(&a);
}

void test_drop_copies(store *st)
{
	bool pg = strcmp(test_store_kind(), "postgres") == 0;

	test_exec(st, pg ? "DROP TABLE pg_temp.customers" : "DROP TABLE temp.customers");
	test_exec(st, pg ? "DROP TABLE pg_temp.orders" : "DROP TABLE temp.orders");
	if (pg)
		test_exec(st, "DISCARD PLANS");
}

void test_reopen_store(store **st, const char *name)
{
	store_close(*st);
	*st = NULL;
	*st = test_open_store(name);
}
