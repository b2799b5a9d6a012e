/* analytics_scores.c: ways of writing a million customer_scores rows,
 * timed on a database bench_analytics made (its customers are reused):
 *   upsert-1     INSERT ... ON CONFLICT DO UPDATE, one row per statement
 *   upsert-16    the same, 16 rows per statement
 *   replace-1    DELETE every row, then plain INSERTs, one row per statement
 *   replace-16   DELETE, then INSERTs of 16 rows per statement
 *   scores_write what analytics/scores.c does now
 * Each in one transaction, committed. Prints a table; never asserts on time.
 *
 *   bench_analytics_scores [--db PATH] [--only NAME] [--cache-mb N]
 * (--cache-mb: SQLite's page cache for the writes; the store sets 64 MB). */
#include "analytics/scores.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#include <math.h>
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

enum { COLS = 19 };

static const char *const columns =
	"customer_id, as_of, recency_days, frequency, monetary, r, f, m, rfm_segment, value_tier,"
	" profit, lifecycle_stage, p_alive, expected_purchases, expected_spend, clv, churn_risk,"
	" cluster, computed_at";
static const char *const upsert_tail =
	" ON CONFLICT (customer_id) DO UPDATE SET as_of = excluded.as_of,"
	" recency_days = excluded.recency_days, frequency = excluded.frequency,"
	" monetary = excluded.monetary, r = excluded.r, f = excluded.f, m = excluded.m,"
	" rfm_segment = excluded.rfm_segment, value_tier = excluded.value_tier,"
	" profit = excluded.profit, lifecycle_stage = excluded.lifecycle_stage,"
	" p_alive = excluded.p_alive, expected_purchases = excluded.expected_purchases,"
	" expected_spend = excluded.expected_spend, clv = excluded.clv,"
	" churn_risk = excluded.churn_risk, cluster = excluded.cluster,"
	" computed_at = excluded.computed_at";

/* INSERT of `rows` rows with $n placeholders; kept alive by the caller
 * (the statement cache is keyed by the text's address). */
static char *insert_sql(int rows, bool upsert)
{
	strbuf b = STRBUF_INIT;
	strbuf_addf(&b, "INSERT INTO customer_scores (%s) VALUES ", columns);
	for (int r = 0; r < rows; r++) {
		strbuf_adds(&b, r ? ", (" : "(");
		for (int c = 0; c < COLS; c++)
			strbuf_addf(&b, c ? ", $%d" : "$%d", r * COLS + c + 1);
		strbuf_addc(&b, ')');
	}
	if (upsert)
		strbuf_adds(&b, upsert_tail);
	return strbuf_detach(&b, NULL);
}

static void bind_row(stmt *s, int base, int64_t id, int64_t i)
{
	static const char *const seg[] = { "champions", "loyal", "potential_loyalist", "lost" };
	static const char *const tier[] = { "key", "normal", "small" };
	static const char *const stage[] = { "new", "growing", "mature", "declining" };

	stmt_bind_int64(s, base + 1, id);
	stmt_bind_int64(s, base + 2, 1700000000);
	stmt_bind_int64(s, base + 3, i % 700);
	stmt_bind_int64(s, base + 4, 1 + i % 9);
	stmt_bind_int64(s, base + 5, 1000 + i % 100000);
	stmt_bind_int64(s, base + 6, 1 + i % 5);
	stmt_bind_int64(s, base + 7, 1 + i / 3 % 5);
	stmt_bind_int64(s, base + 8, 1 + i / 7 % 5);
	stmt_bind_text(s, base + 9, seg[i % 4]);
	stmt_bind_text(s, base + 10, tier[i % 3]);
	stmt_bind_int64(s, base + 11, 500 + i % 9000);
	stmt_bind_text(s, base + 12, stage[i % 4]);
	stmt_bind_double(s, base + 13, (double)(i % 1000) / 1000);
	stmt_bind_double(s, base + 14, (double)(i % 77) / 10);
	stmt_bind_double(s, base + 15, 1234.5 + (double)(i % 100));
	stmt_bind_double(s, base + 16, 9876.25 + (double)(i % 1000));
	stmt_bind_int64(s, base + 18, i % 4);
	stmt_bind_int64(s, base + 19, 1700000000);
}

static status write_rows(store *st, const int64_t *ids, size_t n, int per, bool upsert, err *e)
{
	char *one = insert_sql(1, upsert), *many = insert_sql(per, upsert);
	stmt *s = NULL;
	status rc;
	size_t i = 0;

	if ((rc = store_begin(st, e)))
		goto out;
	if (!upsert && (rc = store_exec(st, "DELETE FROM customer_scores", e)))
		goto out;
	if (per > 1) {
		if ((rc = store_prepare(st, many, &s, e)))
			goto out;
		for (; i + (size_t)per <= n; i += (size_t)per) {
			for (int k = 0; k < per; k++)
				bind_row(s, k * COLS, ids[i + (size_t)k], (int64_t)(i + (size_t)k));
			if ((rc = stmt_exec(s, e)))
				goto out;
			stmt_reset(s);
		}
		stmt_done(s);
		s = NULL;
	}
	if ((rc = store_prepare(st, one, &s, e)))
		goto out;
	for (; i < n; i++) {
		bind_row(s, 0, ids[i], (int64_t)i);
		if ((rc = stmt_exec(s, e)))
			goto out;
		stmt_reset(s);
	}
	stmt_done(s);
	s = NULL;
	rc = store_commit(st, e);
out:
	stmt_done(s);
	if (rc)
		store_rollback(st);
	/* the cached statements point at the texts: close before freeing */
	return rc;
}

static status via_scores_write(store *st, const int64_t *ids, size_t n, err *e)
{
	int32_t *rec = xmalloc(n * sizeof(int32_t)), *freq = xmalloc(n * sizeof(int32_t));
	int32_t *cl = xmalloc(n * sizeof(int32_t));
	int64_t *mon = xmalloc(n * sizeof(int64_t)), *profit = xmalloc(n * sizeof(int64_t));
	uint8_t *r = xmalloc(n), *f = xmalloc(n), *m = xmalloc(n), *seg = xmalloc(n);
	uint8_t *tier = xmalloc(n), *stage = xmalloc(n);
	double *d[4];
	status rc;

	for (int k = 0; k < 4; k++)
		d[k] = xmalloc(n * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		rec[i] = (int32_t)(i % 700);
		freq[i] = (int32_t)(1 + i % 9);
		mon[i] = (int64_t)(1000 + i % 100000);
		r[i] = (uint8_t)(1 + i % 5);
		f[i] = (uint8_t)(1 + i / 3 % 5);
		m[i] = (uint8_t)(1 + i / 7 % 5);
		seg[i] = (uint8_t)(1 + i % 11);
		tier[i] = (uint8_t)(1 + i % 3);
		profit[i] = (int64_t)(500 + i % 9000);
		stage[i] = (uint8_t)(i % 6);
		cl[i] = (int32_t)(i % 4);
		for (int k = 0; k < 4; k++)
			d[k][i] = (double)(i % (1000 + (size_t)k)) / 7;
	}
	scores_columns c = { .n = n,
			     .customer_id = ids,
			     .as_of = 19700,
			     .recency_days = rec,
			     .frequency = freq,
			     .monetary = mon,
			     .r = r,
			     .f = f,
			     .m = m,
			     .rfm_segment = seg,
			     .value_tier = tier,
			     .profit = profit,
			     .lifecycle_stage = stage,
			     .p_alive = d[0],
			     .expected_purchases = d[1],
			     .expected_spend = d[2],
			     .clv = d[3],
			     .cluster = cl };
	rc = scores_write(st, &c, 1700000000, e);
	free(rec), free(freq), free(cl), free(mon), free(profit);
	free(r), free(f), free(m), free(seg), free(tier), free(stage);
	for (int k = 0; k < 4; k++)
		free(d[k]);
	return rc;
}

int main(int argc, char **argv)
{
	const char *path = "bench-analytics.db", *only = NULL, *cache_mb = NULL;
	store *st = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	stmt *s;
	err e;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[i + 1];
		else if (strcmp(argv[i], "--cache-mb") == 0)
			cache_mb = argv[i + 1];
	}
	err_clear(&e);
	if (store_open(path, 0, &st, &e) ||
	    store_prepare(st, "SELECT id FROM customers WHERE merged_into IS NULL ORDER BY id", &s,
			  &e)) {
		fprintf(stderr, "bench_analytics_scores: %s\n", e.msg);
		return 1;
	}
	if (cache_mb) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%ld",
			 strtol(cache_mb, NULL, 10) * 1024);
		if (store_exec(st, sql, &e)) {
			fprintf(stderr, "bench_analytics_scores: %s\n", e.msg);
			return 1;
		}
	}
	while (stmt_row(s, &e)) {
		ids = xgrow(ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = stmt_int64(s, 0);
	}
	stmt_done(s);
	printf("| %-14s | %8s | %8s | rows %zu\n|%.16s|%.10s|%.10s|\n", "way", "wall s", "cpu s", n,
	       "----------------", "----------", "----------");
	static const struct {
		const char *name;
		int per;
		bool upsert;
	} ways[] = { { "upsert-1", 1, true },
		     { "upsert-16", 16, true },
		     { "replace-1", 1, false },
		     { "replace-16", 16, false },
		     { "scores_write", 0, false } };
	for (size_t w = 0; w < ARRAY_SIZE(ways); w++) {
		if (only && strcmp(only, ways[w].name) != 0)
			continue;
		stamp a = now();
		status rc = ways[w].per ? write_rows(st, ids, n, ways[w].per, ways[w].upsert, &e)
					: via_scores_write(st, ids, n, &e);
		stamp b = now();
		if (rc) {
			fprintf(stderr, "%s: %s\n", ways[w].name, e.msg);
			return 1;
		}
		printf("| %-14s | %8.3f | %8.3f |\n", ways[w].name, b.wall - a.wall, b.cpu - a.cpu);
		fflush(stdout);
	}
	/* statement texts of write_rows leak until exit: the cache holds them */
	store_close(st);
	free(ids);
	return 0;
}
