/* analytics.c: times the analytics stages on a large synthetic shop: the
 * snapshot load (and, for comparison, reading orders in table order versus
 * ORDER BY customer_id, placed_at through the index), RFM, value tiers,
 * lifecycle, the clv model's stages (history, BG/NBD and Gamma-Gamma fits,
 * scoring, checked bit for bit against one thread), k-means and the
 * customer_scores write. Prints a table; never asserts on time.
 *
 *   bench_analytics [--db PATH] [--customers N] [--threads T]
 *                   [--no-clusters] [--no-write] [--no-scan]
 *
 * When PATH has no orders yet, a shop is simulated (see generate(): 1M
 * customers by default, about 3M orders drawn from BG/NBD and Gamma-Gamma)
 * and kept for the next run. */
#include "analytics/clv_run.h"
#include "analytics/kmeans.h"
#include "analytics/lifecycle.h"
#include "analytics/rfm.h"
#include "analytics/scores.h"
#include "analytics/snapshot.h"
#include "analytics/value_tier.h"
#include "core/xalloc.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
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
	printf("| %-40s | %8.3f | %8.3f | %8.0f | %s\n", what, b.wall - a.wall, b.cpu - a.cpu,
	       peak_rss_mb(), note ? note : "");
}

static int die(const err *e)
{
	fprintf(stderr, "bench_analytics: %s\n", e->msg);
	return 1;
}

/* One simulated purchase, before it is written. */
typedef struct {
	int64_t at; /* Unix seconds */
	int64_t customer, total;
} sim_order;

static int cmp_sim(const void *a, const void *b)
{
	const sim_order *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

/*
 * Customers 1..n; three in four buy. A buyer's first purchase falls on a
 * uniform day of 2021-2023; after it she buys as BG/NBD says (purchase
 * rate ~ Gamma(r 0.35, alpha 4 weeks), drop-out after each repeat with
 * p ~ Beta(0.8, 2.5)) until 2024-01-01, and each purchase's value follows
 * Gamma-Gamma (p 6, q 3.7, gamma 15 dollars). One purchase in 20 is split
 * into two orders on the same day; 10 % of orders have no cost (else 60 %
 * of the total); 5 % of orders have half their total returned a week
 * later. Orders are stored in time order, as a shop writes them. So the
 * data are what the models assume, and BG/NBD and Gamma-Gamma converge.
 */
static status generate(store *st, int64_t customers, int64_t target_orders, err *e)
{
	static const char *const sql_customer =
		"INSERT INTO customers (id, external_id, name, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $4)";
	static const char *const sql_order =
		"INSERT INTO orders (id, external_id, customer_id, placed_at, currency, total, "
		"cogs,"
		" item_count, created_at, updated_at) VALUES ($1, $2, $3, $4, 'USD', $5, $6, $7,"
		" $4, $4)";
	static const char *const sql_returns =
		"INSERT INTO returns (external_id, order_id, customer_id, amount, currency,"
		" returned_at)"
		" SELECT 'r' || id, id, customer_id, total / 2, 'USD', placed_at + 86400 * 7"
		" FROM orders WHERE id % 20 = 7";
	const int64_t t0 = 1609459200, days = 1095; /* 2021-01-01, three years */
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	sim_order *o = NULL;
	size_t n = 0, cap = 0;
	status rc;
	stmt *s = NULL;
	char ext[32], name[32];

	(void)target_orders;
	gsl_rng_set(g, 20240101);
	if ((rc = store_bulk_mode(st, true, e)) || (rc = store_begin(st, e)))
		goto out;
	if ((rc = store_prepare(st, sql_customer, &s, e)))
		goto out;
	for (int64_t c = 1; c <= customers; c++) {
		bool buyer = gsl_rng_uniform(g) < 0.75;
		int64_t first = (int64_t)gsl_rng_uniform_int(g, (unsigned long)days);
		int64_t created = t0 + first * 86400 + (int64_t)gsl_rng_uniform_int(g, 80000);

		if (buyer) {
			double lambda = gsl_ran_gamma(g, 0.35, 1.0 / 4.0); /* per week */
			double drop = gsl_ran_beta(g, 0.8, 2.5);
			double nu = gsl_ran_gamma(g, 3.7, 1.0 / 15.0);
			double T = (double)(days - first) / 7, t = 0;
			bool alive = true, is_first = true;

			while (alive) {
				int64_t at = created + (int64_t)(t * 7 * 86400);
				int64_t total =
					50 + (int64_t)(gsl_ran_gamma(g, 6.0, 1.0 / nu) * 100);
				int parts = gsl_rng_uniform(g) < 0.05 ? 2 : 1;
				for (int k = 0; k < parts; k++) {
					o = xgrow(o, &cap, n + 1, sizeof(*o));
					o[n++] = (sim_order){ at + k * 600, c, total / parts };
				}
				if (!is_first && gsl_rng_uniform(g) < drop)
					alive = false;
				is_first = false;
				if (lambda <= 0)
					break;
				t += gsl_ran_exponential(g, 1.0 / lambda);
				if (t > T)
					break;
			}
		}
		snprintf(ext, sizeof(ext), "c%" PRId64, c);
		snprintf(name, sizeof(name), "Customer %" PRId64, c);
		stmt_bind_int64(s, 1, c);
		stmt_bind_text(s, 2, ext);
		stmt_bind_text(s, 3, name);
		stmt_bind_int64(s, 4, created);
		if ((rc = stmt_exec(s, e)))
			goto out;
		stmt_reset(s);
	}
	stmt_done(s);
	s = NULL;
	qsort(o, n, sizeof(*o), cmp_sim);
	if ((rc = store_prepare(st, sql_order, &s, e)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t id = (int64_t)i + 1;
		snprintf(ext, sizeof(ext), "o%" PRId64, id);
		stmt_bind_int64(s, 1, id);
		stmt_bind_text(s, 2, ext);
		stmt_bind_int64(s, 3, o[i].customer);
		stmt_bind_int64(s, 4, o[i].at);
		stmt_bind_int64(s, 5, o[i].total);
		if (id % 10)
			stmt_bind_int64(s, 6, o[i].total * 6 / 10);
		stmt_bind_int64(s, 7, 1 + id % 5);
		if ((rc = stmt_exec(s, e)))
			goto out;
		stmt_reset(s);
	}
	stmt_done(s);
	s = NULL;
	if ((rc = store_exec(st, sql_returns, e)))
		goto out;
	rc = store_commit(st, e);
out:
	stmt_done(s);
	if (rc)
		store_rollback(st);
	if (!rc)
		rc = store_bulk_mode(st, false, e);
	free(o);
	gsl_rng_free(g);
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

/* The clv model's stages on the snapshot: history, both fits, scoring
 * over 52 weeks with monthly discount steps. Fills p_alive (NaN outside
 * the model) for lifecycle. With threads > 1 the scoring is repeated on
 * one thread and compared bit for bit. */
static int clv_stages(const snapshot *snap, int32_t as_of, int threads, double *p_alive,
		      double **clv_out)
{
	clv_history h;
	clv_sorted srt;
	bgnbd_fit_result bf;
	gammagamma_fit_result gf;
	clv_history_params hp = { as_of, as_of, 7, 100 };
	size_t n = (size_t)snap->n_customers;
	char note[160];
	stamp t0, t1;
	err e;

	err_clear(&e);
	t0 = now();
	clv_history_build(snap, &hp, threads, &h);
	t1 = now();
	snprintf(note, sizeof(note), "%zu customers, %zu repeat buyers", h.n, h.repeaters);
	row("clv: history (x, t_x, T, spend)", t0, t1, note);
	bgnbd_data bd = clv_history_bgnbd(&h);
	t0 = now();
	if (bgnbd_fit(&bd, NULL, &bf, &e))
		return die(&e);
	t1 = now();
	snprintf(note, sizeof(note), "r %.4f alpha %.3f a %.4f b %.4f, %zu groups", bf.p.r,
		 bf.p.alpha, bf.p.a, bf.p.b, bf.groups);
	row("clv: BG/NBD fit", t0, t1, note);
	gammagamma_data gd = clv_history_gammagamma(&h);
	t0 = now();
	if (gammagamma_fit(&gd, NULL, &gf, &e))
		return die(&e);
	t1 = now();
	snprintf(note, sizeof(note), "p %.3f q %.3f gamma %.3f", gf.p.p, gf.p.q, gf.p.gamma);
	row("clv: Gamma-Gamma fit", t0, t1, note);
	t0 = now();
	clv_sorted_build(&h, &srt);
	t1 = now();
	row("clv: sort by (x, T)", t0, t1, NULL);

	clv_score_params sp = { .bg = bf.p,
				.gg = &gf.p,
				.money_scale = 100,
				.horizon = 52,
				.cp = { .margin = 1,
					.annual_discount = 0.1,
					.unit_days = 7,
					.step = 52.0 / 12,
					.horizon = 12 } };
	double *v[2][4];
	clv_score_summary sum;
	for (int k = 0; k < 2; k++)
		for (int j = 0; j < 4; j++)
			v[k][j] = xmalloc((h.n ? h.n : 1) * sizeof(double));
	clv_outputs o = { v[0][0], v[0][1], v[0][2], v[0][3] };
	t0 = now();
	if (clv_score(&srt, &sp, threads, &o, &sum, &e))
		return die(&e);
	t1 = now();
	snprintf(note, sizeof(note), "%zu (x, T) groups, 12 monthly steps", sum.groups);
	row("clv: score (P(alive), E[Y], spend, CLV)", t0, t1, note);
	if (threads > 1) {
		clv_outputs o1 = { v[1][0], v[1][1], v[1][2], v[1][3] };
		t0 = now();
		if (clv_score(&srt, &sp, 1, &o1, NULL, &e))
			return die(&e);
		t1 = now();
		bool same = true;
		for (int j = 0; j < 4; j++)
			same &= memcmp(v[0][j], v[1][j], h.n * sizeof(double)) == 0;
		row("clv: score on 1 thread", t0, t1,
		    same ? "bit-identical to the threaded run" : "DIFFERS from the threaded run");
	}
	/* weekly discount steps, for comparison */
	sp.cp.step = 1;
	sp.cp.horizon = 52;
	clv_outputs ow = { NULL, NULL, NULL, v[1][3] };
	t0 = now();
	if (clv_score(&srt, &sp, threads, &ow, NULL, &e))
		return die(&e);
	t1 = now();
	double dmax = 0;
	for (size_t i = 0; i < h.n; i++) {
		double d = fabs(v[1][3][i] - v[0][3][i]) / (fabs(v[0][3][i]) + 1e-9);
		dmax = d > dmax ? d : dmax;
	}
	snprintf(note, sizeof(note), "largest relative CLV change from monthly steps %.2g", dmax);
	row("clv: score, 52 weekly steps", t0, t1, note);
	for (size_t i = 0; i < n; i++)
		p_alive[i] = NAN;
	*clv_out = xmalloc((n ? n : 1) * sizeof(double));
	for (size_t i = 0; i < n; i++)
		(*clv_out)[i] = NAN;
	for (size_t i = 0; i < h.n; i++) {
		p_alive[h.idx[i]] = v[0][0][i];
		(*clv_out)[h.idx[i]] = v[0][3][i];
	}
	for (int k = 0; k < 2; k++)
		for (int j = 0; j < 4; j++)
			free(v[k][j]);
	clv_sorted_release(&srt);
	clv_history_release(&h);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "bench-analytics.db";
	int64_t customers = 1000000, count = 0;
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
	char note[160];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
		if (strcmp(a, "--db") == 0)
			path = v, i++;
		else if (strcmp(a, "--customers") == 0)
			customers = strtoll(v, NULL, 10), i++;
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
					"[--threads T] [--no-clusters] [--no-write] [--no-scan]\n");
			return 2;
		}
	}
	err_clear(&e);
	if (store_open(path, STORE_CREATE, &st, &e))
		return die(&e);
	if (store_query_int64(st, "SELECT COUNT(*) FROM orders", &count, &e, 0))
		return die(&e);
	if (count == 0) {
		fprintf(stderr, "generating %" PRId64 " customers in %s ...\n", customers, path);
		t0 = now();
		if (generate(st, customers, 0, &e))
			return die(&e);
		t1 = now();
		fprintf(stderr, "generated in %.1f s\n", t1.wall - t0.wall);
	}

	printf("| %-40s | %8s | %8s | %8s | %s\n", "stage", "wall s", "cpu s", "rss MB", "");
	printf("|%.42s|%.10s|%.10s|%.10s|\n", "------------------------------------------",
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
	so.uri = path;
	stamp start = now();
	if (snapshot_load(st, &so, &snap, &e))
		return die(&e);
	t1 = now();
	snprintf(note, sizeof(note),
		 "%d customers, %" PRId64 " orders, %" PRId64 " returns, %d handle%s",
		 snap.n_customers, snap.n_orders, snap.n_returns, snap.read_handles,
		 snap.read_handles > 1 ? "s" : "");
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
	row("lifecycle (without P(alive))", t0, t1, note);
	row("snapshot + rfm + tiers + lifecycle", start, t1, NULL);

	double *p_alive = xmalloc(n * sizeof(double)), *clv = NULL;
	t0 = now();
	if (clv_stages(&snap, as_of, threads, p_alive, &clv))
		return 1;
	t1 = now();
	row("clv, all stages above", t0, t1, NULL);
	t0 = now();
	lifecycle_classify(&snap, as_of, &lp, p_alive, threads, stage, &ls);
	t1 = now();
	snprintf(note, sizeof(note), "%" PRId64 " churned, %" PRId64 " by P(alive)",
		 ls.customers[LIFECYCLE_CHURNED], ls.churned_by_p_alive);
	row("lifecycle with P(alive)", t0, t1, note);

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
				     .p_alive = p_alive,
				     .clv = clv,
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
	free(p_alive);
	free(clv);
	rfm_result_release(&rfm);
	snapshot_release(&snap);
	store_close(st);
	return 0;
}
