/* kmeans.h: k-means clustering of n points with d features.
 *
 * Features are standardised to z-scores first (mean 0, population standard
 * deviation 1; a constant feature becomes 0), so a feature in cents does not
 * outweigh one in days. Seeding is k-means++ (Arthur and Vassilvitskii
 * 2007) driven by a seeded splitmix64 generator: the same input, parameters
 * and seed give the same clusters, whatever the thread count. Lloyd
 * iterations run until no point changes cluster or max_iter; an emptied
 * cluster is moved to the point farthest from its centroid. The best of
 * n_init seedings (lowest inertia) is kept.
 *
 * Choosing k (when params.k is 0): every k in k_min..k_max is fitted and
 * scored by the mean silhouette; the best wins (ties: the smaller k). When
 * n > select_sample the candidates are fitted on a random sample of
 * select_sample points and only the chosen k is fitted on all points.
 *
 * Silhouette (Rousseeuw 1987) on Euclidean distances in z units: for a point,
 * a = mean distance to the other points of its cluster, b = the smallest
 * mean distance to the points of another cluster, s = (b - a) / max(a, b),
 * and s = 0 for a point alone in its cluster. It is exact (all pairs,
 * O(n^2 d)) when n <= silhouette_sample; else it is computed the same way
 * among a random sample of silhouette_sample points (as scikit-learn's
 * sample_size does), an estimate with a standard error of roughly
 * sd(s) / sqrt(sample).
 *
 * Cost: O(n k d) per Lloyd iteration and per k-means++ seeding, times
 * n_init; assignment runs in parallel over points. Clusters are numbered
 * by decreasing size. */
#ifndef ECRM_ANALYTICS_KMEANS_H
#define ECRM_ANALYTICS_KMEANS_H

#include "core/common.h"
#include "core/err.h"

#define KMEANS_MAX_K 32

typedef struct {
	int k;            /* 0: choose in k_min..k_max by silhouette */
	int k_min, k_max; /* 2, 8 */
	int max_iter;     /* 100 */
	int n_init;       /* 3 */
	uint64_t seed;    /* 1 */
	size_t silhouette_sample; /* 4000 */
	size_t select_sample;     /* 20000 */
	int threads;              /* 1 */
} kmeans_params;

typedef struct {
	int k, d;
	size_t n;
	double *centroid;  /* [k * d]: the members' mean, in the input's units */
	double *mean, *sd; /* [d]: the standardisation used */
	int64_t *size;     /* [k]: members, decreasing */
	double inertia;    /* sum of squared z distances to the centroids */
	double silhouette; /* of the final clustering (exact or sampled, see above) */
	bool silhouette_exact;
	int iterations;    /* Lloyd iterations of the kept seeding */
	bool converged;    /* false when max_iter stopped it */
	/* silhouette_by_k[k] for each candidate tried; NaN elsewhere. */
	double silhouette_by_k[KMEANS_MAX_K + 1];
} kmeans_result;

void kmeans_params_default(kmeans_params *p);

/* Clusters the n points x[i * d + j] (row-major). label[n] receives each
 * point's cluster 0..k-1; `out` is filled and owned by the caller
 * (kmeans_result_release). E_INVAL when n < 3, d < 1, a value is not finite,
 * or k (or k_min..k_max) does not fit 2 <= k < n and k <= KMEANS_MAX_K. */
status kmeans_fit(const double *x, size_t n, int d, const kmeans_params *p, int32_t *label,
		  kmeans_result *out, err *e) MUST_CHECK;
void kmeans_result_release(kmeans_result *r);

/* Mean silhouette of a labelling of the n points z[i * d + j] into k
 * clusters, as defined above: exact when n <= sample, else over `sample`
 * points drawn with `seed`. O(min(n, sample)^2 d), parallel. */
double kmeans_silhouette(const double *z, size_t n, int d, const int32_t *label, int k,
			 size_t sample, uint64_t seed, int threads);

#endif
