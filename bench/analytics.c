/* analytics.c: times the analytics stages on a large synthetic shop: the
 * snapshot load (and, for comparison, reading orders in table order versus
 * ORDER BY customer_id, placed_at through the index), RFM, value tiers,
 * lifecycle, k-means and the customer_scores write. Prints a table; never
 * asserts on time.
 *
 *   bench_analytics [--db PATH] [--customers N] [--orders N] [--threads T]
 *                   [--no-clusters] [--no-write] [--no-scan]
 *
 * The database is generated with SQL (recursive CTEs, SQLite's random())
 * when PATH has no orders yet, and kept for the next run: 1M customers and
 * 3M orders by default; order customers are skewed towards low ids (so some
 * customers buy often and about a third never do), 10 % of orders have no
 * cost, 5 % of orders have a return. */
#include "analytics/kmeans.h"
#include "analytics/lifecycle.h"
#include "analytics/rfm.h"
#include "analytics/scores.h"
#include "analytics/snapshot.h"
#include "analytics/value_tier.h"
#include "core/xalloc.h"

#include <math.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
	double wall, cpu;
} stamp;

static stamp now(void)
{
	struct timespec w, c;
	clock_gettime(CLOCK_MONOTONIC, &w);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	return (stamp){ w.tv_sec + w.tv_nsec / 1e9, c.tv_sec + c.tv_nsec / 1e9 };
}

static double peak_rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

static void row(const char *what, stamp a, stamp b, const char *note)
{
	printf("| %-34s | %8.3f | %8.3f | %8.0f | %s\n", what, b.wall - a.wall, b.cpu - a.cpu,
	       peak_rss_mb(), note ? note : "");
}

static int die(const err *e)
{
	fprintf(stderr, "bench_analytics: %s\n", e->msg);
	return 1;
}

/* Customers 1..n created over 2021-2023; orders over 2021-01-01 ..
 * 2023-12-31 (as of 2024-01-01); returns on 5 % of orders. */
static status generate(store *st, int64_t customers, int64_t orders, err *e)
{
	static const char *const sql_customers =
		"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)"
		" INSERT INTO customers (id, external_id, name, created_at, updated_at)"
		" SELECT i, 'c' || i, 'Customer ' || i, 1609459200 + abs(random()) % 94608000,"
		" 1609459200 FROM seq";
	/* The product of two uniforms skews towards low customer ids. The total
	 * is a hash of the order id, not random(): SQLite would evaluate a
	 * random() column once per use, giving cost and total unrelated. */
	static const char *const sql_orders =
		"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $2)"
		" INSERT INTO orders (id, external_id, customer_id, placed_at, currency, total,"
		" cogs, item_count, created_at, updated_at)"
		" SELECT i, 'o' || i, 1 + (abs(random()) % $1) * (abs(random()) % $1) / $1,"
		" 1609459200 + abs(random()) % 94608000, 'EUR', t,"
		" CASE WHEN i % 10 = 0 THEN NULL ELSE t * 6 / 10 END, 1 + i % 5, 0, 0"
		" FROM (SELECT i, 500 + (i * 2654435761 % 4294967296) % 20000 AS t FROM seq)";
	static const char *const sql_returns =
		"INSERT INTO returns (external_id, order_id, customer_id, amount, currency,"
		" returned_at)"
		" SELECT 'r' || id, id, customer_id, total / 2, 'EUR', placed_at + 86400 * 7"
		" FROM orders WHERE id % 20 = 7";
	status rc;
	stmt *s;

	if ((rc = store_begin(st, e)))
		return rc;
	if ((rc = store_prepare(st, sql_customers, &s, e)))
		goto out;
	stmt_bind_int64(s, 1, customers);
	rc = stmt_exec(s, e);
	stmt_done(s);
	if (rc || (rc = store_prepare(st, sql_orders, &s, e)))
		goto out;
	stmt_bind_int64(s, 1, customers);
	stmt_bind_int64(s, 2, orders);
	rc = stmt_exec(s, e);
	stmt_done(s);
	if (rc || (rc = store_exec(st, sql_returns, e)))
		goto out;
	return store_commit(st, e);
out:
	store_rollback(st);
	return rc;
}

static volatile int64_t sink;

/* Reads the five order columns the snapshot needs and sums them, so the
 * loop is not optimised away: table order versus index order. */
static status scan_orders(store *st, const char *sql, int64_t *rows, err *e)
{
	int64_t sum = 0, n = 0;
	stmt *s;
	status rc;

	if ((rc = store_prepare(st, sql, &s, e)))
		return rc;
	while (stmt_row(s, e)) {
		sum += stmt_int64(s, 0) + stmt_int64(s, 1) + stmt_int64(s, 2) + stmt_int64(s, 3) +
		       stmt_int64(s, 4);
		n++;
	}
	rc = e->code;
	stmt_done(s);
	sink = sum;
	*rows = n;
	return rc;
}

int main(int argc, char **argv)
{
	const char *path = "bench-analytics.db";
	int64_t customers = 1000000, orders = 3000000, count = 0;
	int threads = 2;
	bool clusters = true, write = true, scan = true;
	store *st = NULL;
	snapshot snap;
	snapshot_options so;
	rfm_result rfm;
	value_tier_params vp;
	lifecycle_params lp;
	err e;
	stamp t0, t1, t2;
	char note[128];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
		if (strcmp(a, "--db") == 0)
			path = v, i++;
		else if (strcmp(a, "--customers") == 0)
			customers = strtoll(v, NULL, 10), i++;
		else if (strcmp(a, "--orders") == 0)
			orders = strtoll(v, NULL, 10), i++;
		else if (strcmp(a, "--threads") == 0)
			threads = (int)strtol(v, NULL, 10), i++;
		else if (strcmp(a, "--no-clusters") == 0)
			clusters = false;
		else if (strcmp(a, "--no-write") == 0)
			write = false;
		else if (strcmp(a, "--no-scan") == 0)
			scan = false;
		else {
			fprintf(stderr, "usage: bench_analytics [--db PATH] [--customers N] "
					"[--orders N] [--threads T] [--no-clusters] [--no-write] [--no-scan]\n");
			return 2;
		}
	}
	err_clear(&e);
	if (store_open(path, STORE_CREATE, &st, &e))
		return die(&e);
	if (store_query_int64(st, "SELECT COUNT(*) FROM orders", &count, &e, 0))
		return die(&e);
	if (count == 0) {
		fprintf(stderr, "generating %" PRId64 " customers, %" PRId64 " orders in %s ...\n",
			customers, orders, path);
		t0 = now();
		if (generate(st, customers, orders, &e))
			return die(&e);
		t1 = now();
		fprintf(stderr, "generated in %.1f s\n", t1.wall - t0.wall);
	}

	printf("| %-34s | %8s | %8s | %8s | %s\n", "stage", "wall s", "cpu s", "rss MB", "");
	printf("|%.36s|%.10s|%.10s|%.10s|\n", "------------------------------------",
	       "----------", "----------", "----------");
	int64_t rows = 0;
	t0 = now();
	if (scan && scan_orders(st,
			"SELECT customer_id, placed_at, total, cogs, item_count FROM orders"
			" WHERE customer_id IS NOT NULL",
			&rows, &e))
		return die(&e);
	t1 = now();
	snprintf(note, sizeof(note), "%" PRId64 " rows", rows);
	if (scan)
		row("read orders, table order", t0, t1, note);
	if (scan && scan_orders(st,
			"SELECT customer_id, placed_at, total, cogs, item_count FROM orders"
			" WHERE customer_id IS NOT NULL ORDER BY customer_id, placed_at",
			&rows, &e))
		return die(&e);
	t2 = now();
	if (scan)
		row("read orders, ORDER BY (index)", t1, t2, NULL);

	snapshot_options_default(&so);
	so.threads = threads;
	stamp start = now();
	if (snapshot_load(st, &so, &snap, &e))
		return die(&e);
	t1 = now();
	snprintf(note, sizeof(note), "%d customers, %" PRId64 " orders, %" PRId64 " returns",
		 snap.n_customers, snap.n_orders, snap.n_returns);
	row("snapshot load (incl. sort)", start, t1, note);

	int32_t as_of = snap.last_order_day + 1;
	size_t n = (size_t)snap.n_customers;
	t0 = now();
	rfm_compute(&snap, as_of, threads, &rfm);
	t1 = now();
	snprintf(note, sizeof(note), "%d scored", rfm.n_scored);
	row("rfm", t0, t1, note);

	int64_t *profit = xmalloc(n * sizeof(*profit));
	uint8_t *has = xmalloc(n), *tier = xmalloc(n), *stage = xmalloc(n);
	value_tier_summary vs;
	value_tier_params_default(&vp, NULL);
	t0 = now();
	value_tier_profit(&snap, as_of, threads, profit, has);
	value_tier_assign(profit, has, n, &vp, tier, &vs);
	t1 = now();
	snprintf(note, sizeof(note), "%" PRId64 " key", vs.customers[VALUE_TIER_KEY]);
	row("value tiers", t0, t1, note);

	lifecycle_summary ls;
	lifecycle_params_default(&lp, NULL);
	t0 = now();
	lifecycle_classify(&snap, as_of, &lp, NULL, threads, stage, &ls);
	t1 = now();
	snprintf(note, sizeof(note), "%" PRId64 " churned", ls.customers[LIFECYCLE_CHURNED]);
	row("lifecycle", t0, t1, note);
	row("snapshot + rfm + tiers + lifecycle", start, t1, NULL);

	int32_t *cluster = NULL;
	if (clusters) {
		size_t m = 0;
		double *x = xmalloc(n * 3 * sizeof(*x));
		int32_t *lab = xmalloc(n * sizeof(*lab));
		kmeans_params kp;
		kmeans_result km;

		for (size_t i = 0; i < n; i++) {
			if (!rfm.frequency[i])
				continue;
			x[m * 3] = rfm.recency[i];
			x[m * 3 + 1] = log1p(rfm.frequency[i]);
			x[m * 3 + 2] = log1p(rfm.monetary[i] > 0 ? (double)rfm.monetary[i] : 0);
			m++;
		}
		kmeans_params_default(&kp);
		kp.threads = threads;
		t0 = now();
		if (kmeans_fit(x, m, 3, &kp, lab, &km, &e))
			return die(&e);
		t1 = now();
		snprintf(note, sizeof(note), "k = %d chosen, silhouette %.3f, %d iterations", km.k,
			 km.silhouette, km.iterations);
		row("k-means (choose k in 2..8)", t0, t1, note);
		cluster = xmalloc(n * sizeof(*cluster));
		for (size_t i = 0, j = 0; i < n; i++)
			cluster[i] = rfm.frequency[i] ? lab[j++] : -1;
		kmeans_result_release(&km);
		free(x);
		free(lab);
	}

	if (write) {
		scores_columns c = { .n = n,
				     .customer_id = snap.customer_id,
				     .as_of = as_of,
				     .recency_days = rfm.recency,
				     .frequency = rfm.frequency,
				     .monetary = rfm.monetary,
				     .r = rfm.r,
				     .f = rfm.f,
				     .m = rfm.m,
				     .rfm_segment = rfm.segment,
				     .value_tier = tier,
				     .profit = profit,
				     .lifecycle_stage = stage,
				     .cluster = cluster };
		if (store_query_int64(st, "SELECT COUNT(*) FROM customer_scores", &count, &e, 0))
			return die(&e);
		t0 = now();
		if (scores_write(st, &c, (int64_t)time(NULL), &e))
			return die(&e);
		t1 = now();
		snprintf(note, sizeof(note), "%zu rows, %s", n,
			 count ? "updating existing rows" : "into an empty table");
		row("customer_scores write", t0, t1, note);
	}
	printf("\nthreads %d, SQLite %s\n", threads, store_backend(st));
	free(profit);
	free(has);
	free(tier);
	free(stage);
	free(cluster);
	rfm_result_release(&rfm);
	snapshot_release(&snap);
	store_close(st);
	return 0;
}
