/* recommend.c: recommender figures. On FIMI retail.dat taken as a user x
 * item matrix (each basket one user, binary), with a random 20 % hold-out
 * per user: ALS seconds per iteration and the fit time of item-kNN, and
 * precision / recall / NDCG at 10 of popularity, item-kNN and ALS. With a
 * database (e.g. Online Retail imported with `ecrm import orders`), the
 * same models on its customer x product matrix. Prints a Markdown table on
 * standard output and the timings on standard error; asserts nothing.
 *
 *   bench_recommend [DATA_DIR [DB [THREADS [timing]]]]
 *     DATA_DIR: $ECRM_DATA, else ../shared/data; DB: "-" to skip;
 *     timing: only ALS's seconds per iteration on all of retail.dat */
#include "core/common.h"
#include "analytics/als.h"
#include "analytics/baskets_db.h"
#include "analytics/itemknn.h"
#include "analytics/rec_eval.h"
#include "ingest/baskets.h"
#include "store/db.h"

#include <time.h>

#define K 10

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
	double wall, cpu, last_cpu, min_wall, max_wall;
	uint32_t n;
} iter_times;

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU time of the process (all threads) per iteration as well as wall
 * time: the machine is shared, and CPU time is what others disturb least. */
static void on_iteration(void *ctx, uint32_t it, double s)
{
	iter_times *t = ctx;
	double c = cpu_now();

	if (it == 1 || s < t->min_wall)
		t->min_wall = s;
	if (it == 1 || s > t->max_wall)
		t->max_wall = s;
	t->wall += s;
	t->cpu += c - t->last_cpu;
	t->last_cpu = c;
	t->n = it;
}

static void print_metrics(const char *data, const char *model, const rec_metrics *m, double fit_s)
{
	printf("| %s | %s | %zu | %.4f | %.4f | %.4f | %.4f | %.2f |\n", data, model, m->users,
	       m->precision, m->recall, m->ndcg, m->hit_rate, fit_s);
}

typedef struct {
	const char *label;
	float alpha, regularization;
	bool timed; /* report seconds per iteration */
} als_variant;

/* Popularity, item-kNN and the ALS variants on one split; one row each. */
static void evaluate_all(const char *data, const rec_matrix *train, const rec_matrix *test,
			 int threads, const als_variant *variants, size_t n_variants)
{
	itemknn_params kp = { .k = 50, .threads = threads };
	itemknn_model knn = { 0 };
	rec_ranker r = { 0 };
	rec_metrics m;
	double t;
	err e;

	err_clear(&e);
	rec_ranker_popular(&r, train, threads);
	rec_evaluate(test, K, &r, threads, &m);
	rec_ranker_release(&r);
	print_metrics(data, "popular", &m, 0);

	t = now();
	if (itemknn_fit(train, &kp, &knn, &e)) {
		fprintf(stderr, "itemknn: %s\n", e.msg);
		exit(1);
	}
	t = now() - t;
	rec_ranker_itemknn(&r, &knn, train, threads);
	rec_evaluate(test, K, &r, threads, &m);
	rec_ranker_release(&r);
	print_metrics(data, "item-kNN (K 50)", &m, t);
	itemknn_release(&knn);

	for (size_t v = 0; v < n_variants; v++) {
		als_params ap;
		als_model als = { 0 };
		iter_times it = { 0 };
		char label[128];

		als_params_default(&ap);
		ap.alpha = variants[v].alpha;
		ap.regularization = variants[v].regularization;
		ap.threads = threads;
		ap.progress = on_iteration;
		ap.progress_ctx = &it;
		it.last_cpu = cpu_now();
		t = now();
		if (als_fit(train, &ap, &als, &e)) {
			fprintf(stderr, "als: %s\n", e.msg);
			exit(1);
		}
		t = now() - t;
		rec_ranker_als(&r, &als, train, threads);
		rec_evaluate(test, K, &r, threads, &m);
		rec_ranker_release(&r);
		snprintf(label, sizeof(label), "ALS %s (alpha %g, lambda %g)", variants[v].label,
			 ap.alpha, ap.regularization);
		print_metrics(data, label, &m, t);
		if (variants[v].timed)
			fprintf(stderr,
				"ALS %s on %s: %u users x %u items, %zu non-zeros, 64 factors, %d "
				"threads: %.3f s per iteration wall (mean of %u; min %.3f, max "
				"%.3f), %.3f s CPU per iteration\n",
				variants[v].label, data, train->n_rows, train->n_cols, train->nnz,
				threads, it.wall / it.n, it.n, it.min_wall, it.max_wall,
				it.cpu / it.n);
		als_release(&als);
	}
}

/* The defaults; the implicit library's defaults on a binary matrix (it
 * takes c = alpha r with alpha 1, i.e. c = 1: our alpha 0; lambda 0.01);
 * and lambda tuned for retail's one-basket users. */
static const als_variant retail_variants[] = {
	{ "defaults", 1, 10, true },
	{ "implicit's defaults", 0, 0.01f, false },
	{ "tuned for retail", 2, 100, false },
};

static const als_variant db_variants[] = {
	{ "defaults", 1, 10, true },
	{ "implicit's defaults", 0, 0.01f, false },
};

/* ALS with the defaults on retail, timed only (no hold-out, no ranking):
 * for a quick figure on a busy machine. */
static void retail_timing(const char *dir, int threads)
{
	char path[1024];
	baskets b;
	rec_matrix m = { 0 };
	als_params ap;
	als_model als = { 0 };
	iter_times it = { 0 };
	err e;

	err_clear(&e);
	snprintf(path, sizeof(path), "%s/fimi/retail.dat", dir);
	if (baskets_read(path, NULL, &b, &e) ||
	    rec_matrix_from_rows((uint32_t)b.n_baskets, b.n_items, b.offsets, b.items, NULL, &m,
				 &e)) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		exit(1);
	}
	baskets_release(&b);
	als_params_default(&ap);
	ap.threads = threads;
	ap.progress = on_iteration;
	ap.progress_ctx = &it;
	it.last_cpu = cpu_now();
	if (als_fit(&m, &ap, &als, &e)) {
		fprintf(stderr, "als: %s\n", e.msg);
		exit(1);
	}
	printf("ALS on all of retail.dat: %u x %u, %zu non-zeros, %u factors, %u iterations, %d "
	       "threads: %.3f s per iteration wall (min %.3f, max %.3f), %.3f s CPU\n",
	       m.n_rows, m.n_cols, m.nnz, ap.factors, ap.iterations, threads, it.wall / it.n,
	       it.min_wall, it.max_wall, it.cpu / it.n);
	als_release(&als);
	rec_matrix_release(&m);
}

static void retail(const char *dir, int threads)
{
	char path[1024];
	baskets b;
	rec_matrix m = { 0 }, train = { 0 }, test = { 0 };
	err e;

	err_clear(&e);
	snprintf(path, sizeof(path), "%s/fimi/retail.dat", dir);
	if (baskets_read(path, NULL, &b, &e) ||
	    rec_matrix_from_rows((uint32_t)b.n_baskets, b.n_items, b.offsets, b.items, NULL, &m,
				 &e)) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		exit(1);
	}
	baskets_release(&b);
	rec_split_random(&m, 0.2, 1, &train, &test);
	fprintf(stderr,
		"retail.dat: %u users (baskets) x %u items, %zu non-zeros; test: %zu "
		"items of %zu held out\n",
		m.n_rows, m.n_cols, m.nnz, test.nnz, m.nnz);
	evaluate_all("retail", &train, &test, threads, retail_variants,
		     ARRAY_SIZE(retail_variants));
	rec_matrix_release(&test);
	rec_matrix_release(&train);
	rec_matrix_release(&m);
}

static void database(const char *uri, int threads)
{
	store *st = NULL;
	baskets_db d = { 0 };
	baskets_db_options o = { 0 };
	rec_matrix m = { 0 }, train = { 0 }, test = { 0 };
	err e;

	err_clear(&e);
	if (store_open(uri, 0, &st, &e) || baskets_db_load(st, &o, &d, &e) ||
	    baskets_db_user_items(&d, REC_BINARY, &m, &e)) {
		fprintf(stderr, "%s: %s\n", uri, e.msg);
		exit(1);
	}
	store_close(st);
	rec_split_random(&m, 0.2, 1, &train, &test);
	fprintf(stderr, "%s: %u customers x %u products, %zu non-zeros; test: %zu held out\n", uri,
		m.n_rows, m.n_cols, m.nnz, test.nnz);
	evaluate_all("database", &train, &test, threads, db_variants, ARRAY_SIZE(db_variants));
	rec_matrix_release(&test);
	rec_matrix_release(&train);
	rec_matrix_release(&m);
	baskets_db_release(&d);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("ECRM_DATA");
	const char *db = argc > 2 ? argv[2] : "-";
	int threads = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 2;

	if (!dir)
		dir = "../shared/data";
	if (argc > 4 && strcmp(argv[4], "timing") == 0) {
		retail_timing(dir, threads);
		return 0;
	}
	printf("| data | model | users evaluated | precision@%d | recall@%d | NDCG@%d | hit@%d | "
	       "fit s |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
	       K, K, K, K);
	retail(dir, threads);
	if (strcmp(db, "-") != 0)
		database(db, threads);
	return 0;
}
