/* testutil.c: temporary directories and data paths for unit tests. */
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
	if (store_open(test_tmpfile(name), STORE_CREATE, &st, &e) || pii_attach(st, keys, &e))
		fail_msg("store %s: %s", name, e.msg);
	return st;
}

/* Temp tables named like the real ones (SQLite resolves temp first) hold
 * copies of customers and orders with the personal fields opened. */
static void exec_or_fail(store *st, const char *sql)
{
	err e;

	if (store_exec(st, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

void test_open_copies(store *st)
{
	err e;
	static const char *const put_customer =
		"UPDATE temp.customers SET email = $2, phone = $3, address = $4, birth_date = $5 "
		"WHERE id = $1";
	static const char *const put_order = "UPDATE temp.orders SET guest_email = $2 WHERE id = $1";
	int64_t n = 0, max = 0;
	arena a;
	stmt *s;

	exec_or_fail(st, "CREATE TEMP TABLE customers AS SELECT * FROM main.customers");
	exec_or_fail(st, "CREATE TEMP TABLE orders AS SELECT * FROM main.orders");
	arena_init(&a, 0);
	if (store_query_int64(st, "SELECT COALESCE(MAX(id), 0) FROM main.customers", &max, &e, 0))
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
	if (store_query_int64(st, "SELECT COALESCE(MAX(id), 0) FROM main.orders", &n, &e, 0))
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
	exec_or_fail(st, "DROP TABLE temp.customers");
	exec_or_fail(st, "DROP TABLE temp.orders");
}

