/* basket.c: FP-growth time and peak memory on the basket data sets (FIMI
 * retail at 0.1 %, Groceries at 0.1 %, mushroom at 20 %), median of a few
 * runs. Each run is a fresh child process, so its peak RSS (getrusage
 * ru_maxrss) is its own. Prints a table; asserts nothing.
 *
 *   bench_basket [RUNS [DATA_DIR]]   (DATA_DIR: $ECRM_DATA, else ../shared/data) */
#include "core/common.h"
#include "analytics/fpgrowth.h"
#include "analytics/rules.h"
#include "ingest/baskets.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 15

typedef struct {
	const char *label;
	const char *file;
	double support;
	fpgrowth_strategy strategy;
} bench_case;

static const bench_case cases[] = {
	{ "retail", "fimi/retail.dat", 0.001, FPGROWTH_AUTO },
	{ "retail (tree first level)", "fimi/retail.dat", 0.001, FPGROWTH_TREE },
	{ "retail (basket first level)", "fimi/retail.dat", 0.001, FPGROWTH_BASKETS },
	{ "groceries", "groceries/groceries_baskets.csv", 0.001, FPGROWTH_AUTO },
	{ "mushroom", "fimi/mushroom.dat", 0.2, FPGROWTH_AUTO },
	{ "mushroom (basket first level)", "fimi/mushroom.dat", 0.2, FPGROWTH_BASKETS },
};

/* What one child reports. */
typedef struct {
	int ok;
	size_t baskets, itemsets, rules;
	double read_s, mine_s, rules_s; /* wall clock */
	double read_cpu, mine_cpu;	/* CPU time of the process */
	long rss_read_kb, rss_peak_kb;
} run_result;

static double clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time is what a shared, busy machine disturbs least, and what
 * Borgelt's programs report (clock()). */
static double cpu(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The work of one run, in the child. */
static run_result run_once(const char *path, const bench_case *c)
{
	run_result r = { 0 };
	fpgrowth_itemsets sets = { 0 };
	rules_set rules = { 0 };
	rules_params rp = { .min_confidence = 0.5 };
	fpgrowth_params fp = { .strategy = c->strategy };
	baskets b;
	double t0, t1, t2, t3, c0, c1, c2;
	err e;

	err_clear(&e);
	c0 = cpu();
	t0 = now();
	if (baskets_read(path, NULL, &b, &e)) {
		fprintf(stderr, "bench_basket: %s\n", e.msg);
		goto out;
	}
	t1 = now();
	c1 = cpu();
	r.rss_read_kb = max_rss_kb();
	fpgrowth_baskets view = { b.n_baskets, b.n_items, b.offsets, b.items };
	fp.min_count = fpgrowth_min_count(c->support, b.n_baskets);
	if (fpgrowth_mine(&view, &fp, &sets, &e)) {
		fprintf(stderr, "bench_basket: %s\n", e.msg);
		goto out;
	}
	t2 = now();
	c2 = cpu();
	r.rss_peak_kb = max_rss_kb();
	if (rules_generate(&sets, b.n_baskets, &rp, &rules, &e)) {
		fprintf(stderr, "bench_basket: %s\n", e.msg);
		goto out;
	}
	rules_sort_by_lift(&rules, &sets);
	t3 = now();
	r.ok = 1;
	r.baskets = b.n_baskets;
	r.itemsets = sets.n;
	r.rules = rules.n;
	r.read_s = t1 - t0;
	r.mine_s = t2 - t1;
	r.read_cpu = c1 - c0;
	r.mine_cpu = c2 - c1;
	r.rules_s = t3 - t2;
out:
	rules_release(&rules);
	fpgrowth_itemsets_release(&sets);
	baskets_release(&b);
	return r;
}

/* Runs one case in a child process and collects its result. */
static run_result run_child(const char *path, const bench_case *c)
{
	run_result r = { 0 };
	int fd[2], wstatus;
	pid_t pid;

	if (pipe(fd) != 0) {
		perror("pipe");
		return r;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		close(fd[0]);
		close(fd[1]);
		return r;
	}
	if (pid == 0) {
		close(fd[0]);
		r = run_once(path, c);
		if (write(fd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		r.ok = 0;
	close(fd[0]);
	waitpid(pid, &wstatus, 0);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("ECRM_DATA");
	long runs = 5;

	if (argc > 1)
		runs = strtol(argv[1], NULL, 10);
	if (runs < 1 || runs > MAX_RUNS)
		runs = 5;
	if (argc > 2)
		dir = argv[2];
	if (!dir)
		dir = "../shared/data";
	printf("FP-growth, median of %ld runs. Times in ms, wall clock and (CPU); RSS in MiB,\n"
	       "the process's peak after reading and after mining.\n\n",
	       runs);
	printf("| data set | min support | baskets | itemsets | read | mine | read + mine "
	       "| rules (conf 0.5) | rules | RSS read | RSS peak |\n");
	printf("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		double rd[MAX_RUNS], mn[MAX_RUNS], tot[MAX_RUNS], ru[MAX_RUNS], rss0[MAX_RUNS],
			rss1[MAX_RUNS], crd[MAX_RUNS], cmn[MAX_RUNS], ctot[MAX_RUNS];
		char path[1024];
		run_result r = { 0 };

		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
		for (long k = 0; k < runs; k++) {
			r = run_child(path, &cases[i]);
			if (!r.ok) {
				fprintf(stderr, "bench_basket: %s failed\n", cases[i].label);
				return 1;
			}
			rd[k] = r.read_s * 1e3;
			mn[k] = r.mine_s * 1e3;
			tot[k] = (r.read_s + r.mine_s) * 1e3;
			ru[k] = r.rules_s * 1e3;
			crd[k] = r.read_cpu * 1e3;
			cmn[k] = r.mine_cpu * 1e3;
			ctot[k] = (r.read_cpu + r.mine_cpu) * 1e3;
			rss0[k] = (double)r.rss_read_kb / 1024;
			rss1[k] = (double)r.rss_peak_kb / 1024;
		}
		printf("| %s | %g %% | %zu | %zu | %.1f (%.1f) | %.1f (%.1f) | %.1f (%.1f) | %zu "
		       "| %.1f | %.1f | %.1f |\n",
		       cases[i].label, cases[i].support * 100, r.baskets, r.itemsets,
		       median(rd, (int)runs), median(crd, (int)runs), median(mn, (int)runs),
		       median(cmn, (int)runs), median(tot, (int)runs), median(ctot, (int)runs),
		       r.rules, median(ru, (int)runs), median(rss0, (int)runs),
		       median(rss1, (int)runs));
		fflush(stdout);
	}
	return 0;
}
