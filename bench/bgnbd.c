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

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time is what a user waits; CPU time of this thread is what the code
 * costs, and much steadier on a shared machine. */
typedef struct {
	double wall, cpu;
} stamp;

static stamp now(void)
{
	return (stamp){clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_THREAD_CPUTIME_ID)};
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

enum { OP_BG, OP_GG, OP_BOTH, OP_PALIVE, OP_EXPECT, OP_CLV, OP__COUNT };

static const char *const op_names[OP__COUNT] = {
	"BG/NBD fit",
	"Gamma-Gamma fit",
	"both fits",
	"P(alive), all customers",
	"E[Y(52 weeks)], all customers",
	"CLV, 52 weekly periods, all customers",
};

typedef struct {
	double wall[OP__COUNT], cpu[OP__COUNT]; /* medians, seconds */
	int bg_iter, gg_iter, bg_eval, gg_eval;
	size_t groups;
} timings;

static int run(const cdnow_customers *c, int runs, timings *tm)
{
	bgnbd_data d = {.n = c->n, .x = c->x, .tx = c->tx, .T = c->T};
	gammagamma_data g = {.n = c->n, .x = c->x, .m = c->spend};
	double *wall = xmalloc((size_t)runs * OP__COUNT * sizeof(double));
	double *cpu = xmalloc((size_t)runs * OP__COUNT * sizeof(double));
	double *col = xmalloc((size_t)runs * sizeof(double));
	double *out = xmalloc(c->n * sizeof(double));
	double *spend = xmalloc(c->n * sizeof(double));
	bgnbd_fit_result bf;
	gammagamma_fit_result gf;
	err e = {0};
	int rc = 1;

	for (int i = 0; i < runs; i++) {
		stamp t[6];
		t[0] = now();
		if (bgnbd_fit(&d, NULL, &bf, &e))
			goto out;
		t[1] = now();
		if (gammagamma_fit(&g, NULL, &gf, &e))
			goto out;
		t[2] = now();
		bgnbd_p_alive_all(&bf.p, &d, out);
		t[3] = now();
		if (bgnbd_expected_all(&bf.p, &d, 52, out, &e))
			goto out;
		t[4] = now();
		gammagamma_expected_spend_all(&gf.p, &g, spend);
		clv_params cp = {.margin = 0.3,
				 .annual_discount = 0.1,
				 .unit_days = 7,
				 .step = 1,
				 .horizon = 52};
		if (clv_bgnbd(&bf.p, &d, spend, &cp, out, &e))
			goto out;
		t[5] = now();
		static const int from[OP__COUNT] = {0, 1, 0, 2, 3, 4};
		static const int to[OP__COUNT] = {1, 2, 2, 3, 4, 5};
		for (int k = 0; k < OP__COUNT; k++) {
			wall[k * runs + i] = t[to[k]].wall - t[from[k]].wall;
			cpu[k * runs + i] = t[to[k]].cpu - t[from[k]].cpu;
		}
	}
	for (int k = 0; k < OP__COUNT; k++) {
		memcpy(col, &wall[k * runs], (size_t)runs * sizeof(double));
		tm->wall[k] = median(col, runs);
		memcpy(col, &cpu[k * runs], (size_t)runs * sizeof(double));
		tm->cpu[k] = median(col, runs);
	}
	tm->bg_iter = bf.iterations;
	tm->gg_iter = gf.iterations;
	tm->bg_eval = bf.evaluations;
	tm->gg_eval = gf.evaluations;
	tm->groups = bf.groups;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "bench_bgnbd: %s\n", e.msg);
	free(wall);
	free(cpu);
	free(col);
	free(out);
	free(spend);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("ECRM_DATA");
	int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 51;
	static const char *const files[] = {"CDNOW_sample.txt", "CDNOW_master.txt"};
	timings tm[2];
	size_t ncust[2];
	char path[1024];

	if (!dir)
		dir = "../shared/data";
	if (runs < 1)
		runs = 1;
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		cdnow_customers c;
		err e = {0};

		snprintf(path, sizeof(path), "%s/cdnow/%s", dir, files[f]);
		if (cdnow_load(path, cdnow_day(19970930), 7, &c, &e)) {
			fprintf(stderr, "bench_bgnbd: %s\n", e.msg);
			return 1;
		}
		ncust[f] = c.n;
		/* the master file is 10x bigger: fewer runs keep the bench short */
		if (run(&c, f == 0 ? runs : (runs + 4) / 5, &tm[f])) {
			cdnow_customers_release(&c);
			return 1;
		}
		cdnow_customers_release(&c);
	}

	printf("BG/NBD + Gamma-Gamma on CDNOW (calibration to 1997-09-30, weeks); medians of "
	       "%d runs (sample) and %d (master); wall / CPU time of the thread\n\n",
	       runs, (runs + 4) / 5);
	printf("| operation | sample: %zu customers | master: %zu customers |\n", ncust[0],
	       ncust[1]);
	printf("| --- | ---: | ---: |\n");
	for (int k = 0; k < OP__COUNT; k++)
		printf("| %s | %.2f / %.2f ms | %.2f / %.2f ms |\n", op_names[k],
		       tm[0].wall[k] * 1e3, tm[0].cpu[k] * 1e3, tm[1].wall[k] * 1e3,
		       tm[1].cpu[k] * 1e3);
	printf("\nfits: rows after grouping %zu / %zu; BG/NBD %d / %d iterations, %d / %d "
	       "likelihood evaluations; Gamma-Gamma %d / %d iterations, %d / %d evaluations\n",
	       tm[0].groups, tm[1].groups, tm[0].bg_iter, tm[1].bg_iter, tm[0].bg_eval,
	       tm[1].bg_eval, tm[0].gg_iter, tm[1].gg_iter, tm[0].gg_eval, tm[1].gg_eval);
	return 0;
}
