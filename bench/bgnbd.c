/* bgnbd.c (bench): times the BG/NBD and Gamma-Gamma fits, P(alive), expected
 * purchases and CLV on the CDNOW data; prints a table of medians.
 * Usage: bench_bgnbd [DATA_DIR] [RUNS]   (DATA_DIR: $ECRM_DATA or ../shared/data) */
#include "analytics/bgnbd.h"
#include "analytics/cdnow.h"
#include "analytics/clv.h"
#include "analytics/gammagamma.h"
#include "core/xalloc.h"

#include <math.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *pa, const void *pb)
{
	double u = *(const double *)pa, v = *(const double *)pb;
	return (u > v) - (u < v);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct {
	double bg, gg, both, palive, expect, clv;
	int bg_iter, gg_iter, bg_eval, gg_eval;
	size_t groups;
} timings;

static int run(const cdnow_customers *c, int runs, timings *tm)
{
	bgnbd_data d = {.n = c->n, .x = c->x, .tx = c->tx, .T = c->T};
	gammagamma_data g = {.n = c->n, .x = c->x, .m = c->spend};
	double *bg = xmalloc((size_t)runs * sizeof(double));
	double *gg = xmalloc((size_t)runs * sizeof(double));
	double *both = xmalloc((size_t)runs * sizeof(double));
	double *pa = xmalloc((size_t)runs * sizeof(double));
	double *ex = xmalloc((size_t)runs * sizeof(double));
	double *cl = xmalloc((size_t)runs * sizeof(double));
	double *out = xmalloc(c->n * sizeof(double));
	double *spend = xmalloc(c->n * sizeof(double));
	bgnbd_fit_result bf;
	gammagamma_fit_result gf;
	err e = {0};
	int rc = 1;

	for (int i = 0; i < runs; i++) {
		double t0 = now();
		if (bgnbd_fit(&d, NULL, &bf, &e))
			goto out;
		double t1 = now();
		if (gammagamma_fit(&g, NULL, &gf, &e))
			goto out;
		double t2 = now();
		bgnbd_p_alive_all(&bf.p, &d, out);
		double t3 = now();
		if (bgnbd_expected_all(&bf.p, &d, 52, out, &e))
			goto out;
		double t4 = now();
		gammagamma_expected_spend_all(&gf.p, &g, spend);
		clv_params cp = {.margin = 0.3,
				 .annual_discount = 0.1,
				 .unit_days = 7,
				 .step = 1,
				 .horizon = 52};
		if (clv_bgnbd(&bf.p, &d, spend, &cp, out, &e))
			goto out;
		double t5 = now();
		bg[i] = t1 - t0;
		gg[i] = t2 - t1;
		both[i] = t2 - t0;
		pa[i] = t3 - t2;
		ex[i] = t4 - t3;
		cl[i] = t5 - t4;
	}
	tm->bg = median(bg, runs);
	tm->gg = median(gg, runs);
	tm->both = median(both, runs);
	tm->palive = median(pa, runs);
	tm->expect = median(ex, runs);
	tm->clv = median(cl, runs);
	tm->bg_iter = bf.iterations;
	tm->gg_iter = gf.iterations;
	tm->bg_eval = bf.evaluations;
	tm->gg_eval = gf.evaluations;
	tm->groups = bf.groups;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "bench_bgnbd: %s\n", e.msg);
	free(bg);
	free(gg);
	free(both);
	free(pa);
	free(ex);
	free(cl);
	free(out);
	free(spend);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("ECRM_DATA");
	int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 51;
	static const char *const files[] = {"CDNOW_sample.txt", "CDNOW_master.txt"};
	char path[1024];

	if (!dir)
		dir = "../shared/data";
	if (runs < 1)
		runs = 1;
	printf("BG/NBD + Gamma-Gamma on CDNOW (calibration to 1997-09-30, weeks); "
	       "median of %d runs\n\n",
	       runs);
	printf("| data | customers | rows after grouping | BG/NBD fit (iter/evals) | "
	       "Gamma-Gamma fit (iter/evals) | both fits | P(alive) all | E[Y(52)] all | CLV 52 "
	       "weeks all |\n");
	printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		cdnow_customers c;
		timings tm;
		err e = {0};

		snprintf(path, sizeof(path), "%s/cdnow/%s", dir, files[f]);
		if (cdnow_load(path, cdnow_day(19970930), 7, &c, &e)) {
			fprintf(stderr, "bench_bgnbd: %s\n", e.msg);
			return 1;
		}
		/* the master file is 10x bigger: fewer runs keep the bench short */
		if (run(&c, f == 0 ? runs : (runs + 4) / 5, &tm)) {
			cdnow_customers_release(&c);
			return 1;
		}
		printf("| %s | %zu | %zu | %.2f ms (%d/%d) | %.2f ms (%d/%d) | %.2f ms | %.3f ms | "
		       "%.2f ms | %.1f ms |\n",
		       files[f], c.n, tm.groups, tm.bg * 1e3, tm.bg_iter, tm.bg_eval, tm.gg * 1e3,
		       tm.gg_iter, tm.gg_eval, tm.both * 1e3, tm.palive * 1e3, tm.expect * 1e3,
		       tm.clv * 1e3);
		cdnow_customers_release(&c);
	}
	return 0;
}
