/* test_kmeans.c: k-means on well-separated Gaussian blobs (recovers them,
 * the silhouette picks their number), a hand-computed silhouette,
 * determinism across thread counts, the sampled paths and bad input. */
#include "testutil.h"
#include "analytics/kmeans.h"

#include <math.h>

/* The test's own generator (an LCG step fed through a mixer) and normal
 * deviates by Box-Muller. */
static uint64_t test_rng = 42;

static double unit(void)
{
	test_rng = test_rng * 6364136223846793005ULL + 1442695040888963407ULL;
	uint64_t z = test_rng ^ (test_rng >> 33);
	z *= 0xff51afd7ed558ccdULL;
	z ^= z >> 33;
	return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

static double normal(void)
{
	return sqrt(-2 * log(unit())) * cos(2 * M_PI * unit());
}

/* `per` points around each of `nb` centres (2 features), sd 1 on the
 * first feature and 100 on the second, which standardisation evens out.
 * truth[i] = the blob of point i. */
static double *blobs(const double (*centre)[2], int nb, size_t per, int32_t *truth)
{
	double *x = malloc(sizeof(double) * 2 * per * (size_t)nb);
	for (int b = 0; b < nb; b++) {
		for (size_t i = 0; i < per; i++) {
			size_t k = (size_t)b * per + i;
			x[2 * k] = centre[b][0] + normal();
			x[2 * k + 1] = centre[b][1] + 100 * normal();
			truth[k] = b;
		}
	}
	return x;
}

/* Each blob maps to one cluster and different blobs to different ones. */
static void assert_recovers(const int32_t *label, const int32_t *truth, size_t n, int nb)
{
	int32_t map[16];
	for (int b = 0; b < nb; b++)
		map[b] = -1;
	for (size_t i = 0; i < n; i++) {
		if (map[truth[i]] < 0)
			map[truth[i]] = label[i];
		if (map[truth[i]] != label[i])
			fail_msg("point %zu of blob %d is in cluster %d, its blob in %d", i, truth[i],
				 label[i], map[truth[i]]);
	}
	for (int a = 0; a < nb; a++)
		for (int b = a + 1; b < nb; b++)
			assert_int_not_equal(map[a], map[b]);
}

static const double three[3][2] = { { 0, 0 }, { 20, 0 }, { 10, 2000 } };
static const double four[4][2] = { { 0, 0 }, { 20, 0 }, { 0, 2000 }, { 20, 2000 } };

static void recovers_three_blobs_and_chooses_k(void **state)
{
	size_t per = 150, n = 3 * per;
	int32_t truth[450], label[450];
	double *x = blobs(three, 3, per, truth);
	kmeans_params p;
	kmeans_result r;
	err e;
	(void)state;

	kmeans_params_default(&p);
	assert_int_equal(kmeans_fit(x, n, 2, &p, label, &r, &e), E_OK);
	assert_int_equal(r.k, 3);
	assert_recovers(label, truth, n, 3);
	assert_true(r.silhouette_exact);
	assert_true(r.silhouette > 0.7);
	for (int k = 2; k <= 8; k++) {
		assert_false(isnan(r.silhouette_by_k[k]));
		if (k != 3)
			assert_true(r.silhouette_by_k[k] < r.silhouette_by_k[3]);
	}
	assert_true(isnan(r.silhouette_by_k[9]));
	/* Equal sizes, centroids near the centres (in input units: the
	 * sample mean of 150 points is within 3 standard errors). */
	for (int c = 0; c < 3; c++) {
		assert_int_equal(r.size[c], 150);
		int b = -1;
		for (size_t i = 0; i < n; i++) {
			if (label[i] == c) {
				b = truth[i];
				break;
			}
		}
		assert_true(fabs(r.centroid[c * 2] - three[b][0]) < 3 / sqrt(150.0));
		assert_true(fabs(r.centroid[c * 2 + 1] - three[b][1]) < 300 / sqrt(150.0));
	}
	assert_true(r.converged);
	kmeans_result_release(&r);
	free(x);
}

static void chooses_four_for_four_blobs(void **state)
{
	size_t per = 100, n = 4 * per;
	int32_t truth[400], label[400];
	double *x = blobs(four, 4, per, truth);
	kmeans_params p;
	kmeans_result r;
	err e;
	(void)state;

	kmeans_params_default(&p);
	p.threads = 3;
	assert_int_equal(kmeans_fit(x, n, 2, &p, label, &r, &e), E_OK);
	assert_int_equal(r.k, 4);
	assert_recovers(label, truth, n, 4);
	kmeans_result_release(&r);

	/* A fixed k is used as given. */
	p.k = 2;
	assert_int_equal(kmeans_fit(x, n, 2, &p, label, &r, &e), E_OK);
	assert_int_equal(r.k, 2);
	assert_int_equal(r.size[0] + r.size[1], 400);
	assert_true(r.size[0] >= r.size[1]);
	kmeans_result_release(&r);
	free(x);
}

static void same_result_for_any_thread_count(void **state)
{
	size_t per = 3000, n = 3 * per;
	int32_t *truth = malloc(n * sizeof(int32_t)), *l1 = malloc(n * sizeof(int32_t)),
		*l4 = malloc(n * sizeof(int32_t));
	double *x = blobs(three, 3, per, truth);
	kmeans_params p;
	kmeans_result r1, r4;
	err e;
	(void)state;

	/* n above both sample sizes: k is chosen on a sample and the
	 * silhouette is estimated on one. */
	kmeans_params_default(&p);
	p.select_sample = 2000;
	p.silhouette_sample = 500;
	p.threads = 1;
	assert_int_equal(kmeans_fit(x, n, 2, &p, l1, &r1, &e), E_OK);
	p.threads = 4;
	assert_int_equal(kmeans_fit(x, n, 2, &p, l4, &r4, &e), E_OK);
	assert_int_equal(r1.k, 3);
	assert_false(r1.silhouette_exact);
	assert_recovers(l1, truth, n, 3);
	assert_memory_equal(l1, l4, n * sizeof(int32_t));
	assert_true(r1.inertia == r4.inertia);
	assert_true(r1.silhouette == r4.silhouette);
	assert_memory_equal(r1.centroid, r4.centroid, 6 * sizeof(double));
	kmeans_result_release(&r1);
	kmeans_result_release(&r4);
	free(x);
	free(truth);
	free(l1);
	free(l4);
}

static void silhouette_by_hand(void **state)
{
	/* 1-D points 0, 1 | 10, 11. For 0: a = 1, b = (10 + 11) / 2; for 1:
	 * a = 1, b = (9 + 10) / 2; 10 and 11 mirror them. */
	double z[4] = { 0, 1, 10, 11 };
	int32_t lab[4] = { 0, 0, 1, 1 };
	double want = (9.5 / 10.5 + 8.5 / 9.5) / 2;
	(void)state;

	assert_true(fabs(kmeans_silhouette(z, 4, 1, lab, 2, 100, 1, 1) - want) < 1e-12);
	/* A point alone in its cluster scores 0: {0} | {1, 10, 11}:
	 * for 1: a = (9 + 10) / 2 = 9.5, b = 1: s = (1 - 9.5) / 9.5;
	 * for 10: a = (9 + 1) / 2 = 5, b = 10: s = 5 / 10;
	 * for 11: a = (10 + 1) / 2 = 5.5, b = 11: s = 5.5 / 11. */
	int32_t lab2[4] = { 0, 1, 1, 1 };
	double want2 = (0 + (1 - 9.5) / 9.5 + 0.5 + 0.5) / 4;
	assert_true(fabs(kmeans_silhouette(z, 4, 1, lab2, 2, 100, 1, 1) - want2) < 1e-12);
}

static void bad_input_is_refused(void **state)
{
	double x[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	int32_t lab[8];
	kmeans_params p;
	kmeans_result r;
	err e;
	(void)state;

	kmeans_params_default(&p);
	assert_int_equal(kmeans_fit(x, 2, 1, &p, lab, &r, &e), E_INVAL);
	p.k = 8; /* k must stay below n */
	assert_int_equal(kmeans_fit(x, 8, 1, &p, lab, &r, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "k must be"));
	p.k = 2;
	x[5] = NAN;
	assert_int_equal(kmeans_fit(x, 8, 1, &p, lab, &r, &e), E_INVAL);
	assert_non_null(strstr(e.msg, "point 5"));
	x[5] = 6;
	/* A constant feature is harmless: it standardises to 0. */
	double y[12] = { 1, 5, 2, 5, 3, 5, 10, 5, 11, 5, 12, 5 };
	assert_int_equal(kmeans_fit(y, 6, 2, &p, lab, &r, &e), E_OK);
	assert_int_equal(lab[0], lab[2]);
	assert_int_equal(lab[3], lab[5]);
	assert_int_not_equal(lab[0], lab[3]);
	assert_true(fabs(r.centroid[1] - 5) < 1e-12);
	kmeans_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recovers_three_blobs_and_chooses_k),
		cmocka_unit_test(chooses_four_for_four_blobs),
		cmocka_unit_test(same_result_for_any_thread_count),
		cmocka_unit_test(silhouette_by_hand),
		cmocka_unit_test(bad_input_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
