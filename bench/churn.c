/* churn.c (bench): times the churn model on a synthetic shop (churn_sim.h):
 * one feature pass over every customer, labels, one model fit, scoring,
 * and the whole protocol (churn_run) with the C grid and with a fixed C,
 * in both splits. Prints a table; asserts nothing.
 * Usage: bench_churn [CUSTOMERS] [THREADS] [SEED]   (default 1000000 2 1);
 * the first churn_run always uses one thread, the others THREADS. */
#include "analytics/churn.h"
#include "analytics/churn_sim.h"
#include "core/xalloc.h"

#include <math.h>
#include <time.h>

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time is what a user waits; CPU time (of the process: all threads)
 * is what the code costs, and much steadier on a shared machine. */
typedef struct {
	double wall, cpu;
} stamp;

static stamp now(void)
{
	return (stamp){clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_PROCESS_CPUTIME_ID)};
}

static void row(const char *what, stamp a, stamp b, const char *note)
{
	printf("| %-48s | %8.3f | %8.3f | %s |\n", what, b.wall - a.wall, b.cpu - a.cpu, note);
}

static int protocol(const churn_events *ev, churn_split split, double C, int threads, int32_t as_of,
		    double *risk)
{
	churn_options o;
	churn_result r;
	err e = {0};
	char what[64], note[160];

	churn_options_default(&o);
	o.as_of = as_of;
	o.split = split;
	o.C = C;
	o.threads = threads;
	stamp a = now();
	if (churn_run(ev, &o, risk, NULL, &r, &e)) {
		fprintf(stderr, "bench_churn: %s\n", e.msg);
		return 1;
	}
	stamp b = now();
	if (r.outcome != CHURN_SCORED) {
		fprintf(stderr, "bench_churn: %s\n", r.note);
		return 1;
	}
	snprintf(what, sizeof(what), "churn_run, %s split, %s, %d thread%s",
		 split == CHURN_SPLIT_TIME ? "time" : "customer", C > 0 ? "C = 1" : "C by grid",
		 threads, threads > 1 ? "s" : "");
	snprintf(note, sizeof(note),
		 "train %zu of %zu, hold-out %zu, C %g, AUC %.4f (train %.4f), %zu scored",
		 r.train_rows, r.train_eligible, r.test_rows, r.model.C, r.auc, r.auc_train,
		 r.scored);
	row(what, a, b, note);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
	int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	churn_sim_params sp;
	churn_sim_data d;
	churn_events ev;
	churn_matrix m;
	churn_model mdl;
	err e = {0};
	char note[160];
	int rc = 1;

	churn_sim_default(&sp, n);
	stamp a = now();
	churn_sim_run(&sp, seed, &d);
	stamp b = now();
	churn_sim_events(&d, &ev);
	/* as of 90 days before the simulated end, so the truth is known */
	int32_t as_of = sp.first_day + sp.days - 1 - 90;
	if (threads < 1)
		threads = 1;
	double *risk = xmalloc((n ? n : 1) * sizeof(double));
	uint8_t *y = NULL;

	printf("churn on %zu synthetic customers, %" PRId64 " orders, %" PRId64 " returns, %" PRId64
	       " interactions\n\n",
	       n, d.order_start[n], d.return_start[n], d.interaction_start[n]);
	printf("| %-48s | %8s | %8s | %s |\n", "step", "wall s", "cpu s", "note");
	printf("|%s|%s|%s|%s|\n", "--------------------------------------------------",
	       "----------", "----------", "------");
	row("simulate the shop (not part of churn)", a, b, "");

	a = now();
	if (churn_events_check(&ev, &e)) {
		fprintf(stderr, "bench_churn: %s\n", e.msg);
		goto out;
	}
	b = now();
	row("check the columns", a, b, "");

	a = now();
	churn_features(&ev, as_of, NULL, &m);
	b = now();
	snprintf(note, sizeof(note), "%zu rows x %d features", m.rows, m.cols);
	row("features at as-of, every customer", a, b, note);

	y = xmalloc(m.rows + 1);
	a = now();
	churn_labels(&ev, &m, 90, y);
	b = now();
	row("labels (next 90 days)", a, b, "");

	/* one fit on 100000 rows, the default training cap */
	size_t nfit = m.rows < 100000 ? m.rows : 100000;
	size_t *rows = xmalloc((nfit ? nfit : 1) * sizeof(size_t));
	for (size_t k = 0; k < nfit; k++)
		rows[k] = k * (m.rows / (nfit ? nfit : 1));
	a = now();
	if (churn_model_fit(&m, y, rows, nfit, 1, &mdl, &e)) {
		fprintf(stderr, "bench_churn: %s\n", e.msg);
		free(rows);
		goto out;
	}
	b = now();
	free(rows);
	snprintf(note, sizeof(note), "%zu rows, C = 1", nfit);
	row("one liblinear fit", a, b, note);

	a = now();
	churn_model_predict(&mdl, &m, NULL, 0, risk);
	b = now();
	row("predict every row", a, b, "");

	if (protocol(&ev, CHURN_SPLIT_CUSTOMER, 0, 1, as_of, risk) ||
	    protocol(&ev, CHURN_SPLIT_CUSTOMER, 0, threads, as_of, risk) ||
	    protocol(&ev, CHURN_SPLIT_CUSTOMER, 1, threads, as_of, risk) ||
	    protocol(&ev, CHURN_SPLIT_TIME, 0, threads, as_of, risk))
		goto out;
	/* the scores at as-of against what the simulation did next; every row
	 * of `m` has history at as-of, so every one has a risk */
	double *s = xmalloc((m.rows + 1) * sizeof(double));
	for (size_t r = 0; r < m.rows; r++)
		s[r] = risk[m.customer[r]];
	printf("\nAUC of the as-of scores (time split model) against the simulated next 90 "
	       "days: %.4f over %zu customers\n",
	       metrics_eval_auc(s, y, m.rows), m.rows);
	free(s);
	rc = 0;
out:
	churn_matrix_release(&m);
	churn_sim_release(&d);
	free(risk);
	free(y);
	return rc;
}
