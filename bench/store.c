/* bench/store.c: the store on SQLite and on PostgreSQL, side by side: the
 * Online Retail import (fresh, then again with nothing to change), primary
 * key reads (autocommit, and inside one read transaction) and a streaming
 * scan of every order line. Prints a table with wall time, this process's
 * CPU and, for PostgreSQL on this machine, the server backend's CPU (wall
 * times on a shared machine are noisy; CPU times much less). Never
 * asserts on time.
 *
 *   bench_store [POSTGRES_URL]
 *
 * The URL names a server (its database is replaced by a fresh one, dropped
 * afterwards); without one, $ECRM_TEST_DB_URL; without either, SQLite only.
 * Data: $ECRM_DATA/online-retail/online_retail.csv (../shared/data). */
#include "core/common.h"
#include "domain/pii.h"
#include "ingest/import.h"
#include "store/db.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define READS 50000

typedef struct {
	double wall, cpu, server; /* seconds; server < 0: not measured */
} sample;

typedef struct {
	struct timespec t;
	struct rusage ru;
	double server;
} mark;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds the server process `pid` used so far (-1 when unknown). */
static double server_cpu(int64_t pid)
{
	char path[64], buf[1024];
	unsigned long ut, st;
	FILE *f;
	char *p;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%" PRId64 "/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* After "pid (comm)": state is field 3; utime, stime are 14 and 15. */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void begin_sample(double *t0, double *c0, double *s0, int64_t pid)
{
	*t0 = now();
	*c0 = cpu();
	*s0 = server_cpu(pid);
}

static sample end_sample(double t0, double c0, double s0, int64_t pid)
{
	double s1 = server_cpu(pid);
	return (sample){ now() - t0, cpu() - c0, s0 >= 0 && s1 >= 0 ? s1 - s0 : -1 };
}

static void row(const char *backend, const char *work, sample s, double count)
{
	char server[32] = "-";

	if (s.server >= 0)
		snprintf(server, sizeof(server), "%.2f", s.server);
	printf("| %-8s | %-40s | %8.2f | %8.2f | %8s | %10.0f |\n", backend, work, s.wall, s.cpu,
	       server, count / s.wall);
}

static void die(const char *what, const err *e)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, e->msg);
	exit(1);
}

static int64_t backend_pid(store *st)
{
	int64_t pid = 0;
	err e;

	if (strcmp(store_backend(st), "postgres") != 0 ||
	    store_query_int64(st, "SELECT pg_backend_pid()", &pid, &e, 0))
		return 0;
	return pid;
}

static void run(const char *backend, const char *uri, const char *csv)
{
	import_options opt = { .kind = IMPORT_ORDERS, .path = csv, .errors_path = "" };
	import_summary sum;
	static pii_keys *keys;
	double t0, c0, s0;
	int64_t pid, n = 0, max_id = 0, acc = 0;
	store *st;
	stmt *s;
	err e;

	/* A throwaway key: the import seals personal data (migration 006). */
	if ((!keys && pii_keys_from_hex("0123456789abcdef0123456789abcdef"
					"0123456789abcdef0123456789abcdef",
					&keys, &e)) ||
	    store_open(uri, STORE_CREATE, &st, &e))
		die(uri, &e);
	if (pii_attach(st, keys, &e))
		die("keys", &e);
	pid = backend_pid(st);
	for (int round = 0; round < 2; round++) {
		begin_sample(&t0, &c0, &s0, pid);
		if (import_run(st, &opt, &sum, &e))
			die("import", &e);
		row(backend,
		    round ? "Online Retail import again (no change)" : "Online Retail import",
		    end_sample(t0, c0, s0, pid), (double)sum.rows);
	}
	if (store_query_int64(st, "SELECT MAX(id) FROM products", &max_id, &e, 0))
		die("max id", &e);
	for (int txn = 0; txn < 2; txn++) {
		uint64_t x = 88172645463325252ULL;
		if (txn && store_begin_read(st, &e))
			die("begin", &e);
		begin_sample(&t0, &c0, &s0, pid);
		for (int i = 0; i < READS; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (store_prepare(st, "SELECT name, price FROM products WHERE id = $1", &s,
					  &e))
				die("prepare", &e);
			stmt_bind_int64(s, 1, (int64_t)(x % (uint64_t)max_id) + 1);
			if (stmt_row(s, &e))
				acc += stmt_int64(s, 1);
			stmt_done(s);
		}
		row(backend,
		    txn ? "product by id, in one read transaction" : "product by id, autocommit",
		    end_sample(t0, c0, s0, pid), READS);
		if (txn && store_commit(st, &e))
			die("commit", &e);
	}
	begin_sample(&t0, &c0, &s0, pid);
	if (store_prepare(st, "SELECT order_id, line_no, qty, unit_price FROM order_items", &s, &e))
		die("prepare", &e);
	while (stmt_row(s, &e)) {
		acc += stmt_int64(s, 2) * stmt_int64(s, 3);
		n++;
	}
	if (e.code)
		die("scan", &e);
	stmt_done(s);
	row(backend, "scan all order lines (streaming)", end_sample(t0, c0, s0, pid), (double)n);
	if (acc == 42)
		printf("(checksum 42)\n"); /* keeps the reads from being optimised away */
	store_close(st);
}

/* `base` with its database replaced by `db`. */
static void pg_uri(const char *base, const char *db, char *out, size_t size)
{
	const char *auth = strstr(base, "://");
	const char *path = auth ? auth + 3 + strcspn(auth + 3, "/?") : base + strlen(base);
	const char *query = strchr(path, '?');

	snprintf(out, size, "%.*s/%s%s", (int)(path - base), base, db, query ? query : "");
}

int main(int argc, char **argv)
{
	const char *pg = argc > 1 ? argv[1] : getenv("ECRM_TEST_DB_URL");
	const char *data = getenv("ECRM_DATA");
	char csv[1024], dir[] = "/tmp/ecrm-bench-store-XXXXXX", path[1100], uri[1024];
	char db[64];
	store *st;
	err e;

	snprintf(csv, sizeof(csv), "%s/online-retail/online_retail.csv",
		 data ? data : "../shared/data");
	if (access(csv, R_OK) != 0) {
		fprintf(stderr, "bench_store: %s is missing (set ECRM_DATA)\n", csv);
		return 1;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("| store    | work                                     |   wall s |    CPU s | "
	       "server s |     rows/s |\n");
	printf("| -------- | ---------------------------------------- | -------: | -------: | "
	       "-------: | ---------: |\n");
	snprintf(path, sizeof(path), "%s/bench.db", dir);
	run("sqlite", path, csv);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bench.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bench.db-shm", dir);
	unlink(path);
	rmdir(dir);
	if (!pg || !*pg)
		return 0;
	snprintf(db, sizeof(db), "ecrm_bench_%ld", (long)getpid());
	pg_uri(pg, db, uri, sizeof(uri));
	run("postgres", uri, csv);
	if (store_open(pg, STORE_NO_MIGRATE, &st, &e) == E_OK) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
		if (store_exec(st, sql, &e))
			fprintf(stderr, "bench_store: %s\n", e.msg);
		store_close(st);
	}
	return 0;
}
