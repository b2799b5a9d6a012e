/* kmeans.c: standardisation, k-means++ seeding, Lloyd iterations,
 * silhouette and the choice of k. Sums are taken over fixed blocks of
 * points combined in block order, so the result does not depend on how
 * many threads ran. */
#include "analytics/kmeans.h"
#include "analytics/parallel.h"
#include "core/xalloc.h"

#include <math.h>

#define BLOCK 8192 /* points per partial sum */

void kmeans_params_default(kmeans_params *p)
{
	*p = (kmeans_params){ .k = 0,
			      .k_min = 2,
			      .k_max = 8,
			      .max_iter = 100,
			      .n_init = 3,
			      .seed = 1,
			      .silhouette_sample = 4000,
			      .select_sample = 20000,
			      .threads = 1 };
}

/* splitmix64 (Steele, Lea and Flood 2014): small, fast, good enough to
 * seed and to sample. */
typedef struct {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static double rng_unit(rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static size_t rng_below(rng *r, size_t n)
{
	return (size_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* A generator for one purpose (fit of k, restart t, ...), independent of
 * what ran before it. */
static rng rng_for(uint64_t seed, uint64_t a, uint64_t b)
{
	rng r = { seed ^ (a * UINT64_C(0xD1B54A32D192ED03)) ^ (b * UINT64_C(0x8CB92BA72F3D8DD7)) };
	rng_next(&r);
	return r;
}

static double dist2(const double *a, const double *b, int d)
{
	double s = 0;
	for (int j = 0; j < d; j++) {
		double t = a[j] - b[j];
		s += t * t;
	}
	return s;
}

/* Draws `m` distinct indices of 0..n-1 (partial Fisher-Yates) into idx,
 * which must hold n entries. */
static void sample_indices(size_t n, size_t m, rng *r, size_t *idx)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t i = 0; i < m && i + 1 < n; i++) {
		size_t j = i + rng_below(r, n - i);
		size_t t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
}

/* ---- Lloyd ---- */

typedef struct {
	const double *z;
	size_t n;
	int d, k;
	const double *c;  /* [k * d] centroids */
	int32_t *label;
	/* [n] squared distance to the nearest centroid: filled by seeding, and
	 * by fit_once only when a cluster empties (assignment does not write
	 * it: 8 bytes a point less memory traffic per iteration) */
	double *d2;
	double *bsum;     /* [blocks][k * d] */
	int64_t *bcount;  /* [blocks][k] */
	double *binertia; /* [blocks] */
	int64_t *bchanged;
	bool first;       /* labels are not initialised yet */
} assign_ctx;

/* assign_blocks' loop for d = 3 (RFM features), one block: centroids and
 * the block's sums in local arrays, so that stores through label and d2
 * (which could alias them) force no reloads, and the nearest centroid
 * picked without a branch. The same operations in the same order as the
 * general loop, so the same bits. */
static void assign_block3(assign_ctx *x, size_t b, size_t lo, size_t hi)
{
	const int k = x->k;
	const double *z = x->z;
	double c[KMEANS_MAX_K * 3], sum[KMEANS_MAX_K * 3] = { 0 }, inertia = 0;
	int64_t count[KMEANS_MAX_K] = { 0 }, changed = 0;
	const bool first = x->first;

	memcpy(c, x->c, sizeof(*c) * (size_t)k * 3);
	for (size_t i = lo; i < hi; i++) {
		const double p0 = z[i * 3], p1 = z[i * 3 + 1], p2 = z[i * 3 + 2];
		double t0 = p0 - c[0], t1 = p1 - c[1], t2 = p2 - c[2];
		double best = t0 * t0 + t1 * t1 + t2 * t2;
		int32_t bj = 0;

		for (int j = 1; j < k; j++) {
			t0 = p0 - c[j * 3];
			t1 = p1 - c[j * 3 + 1];
			t2 = p2 - c[j * 3 + 2];
			double t = t0 * t0 + t1 * t1 + t2 * t2;
			bj = t < best ? j : bj;
			best = t < best ? t : best;
		}
		changed += first || x->label[i] != bj;
		x->label[i] = bj;
		inertia += best;
		count[bj]++;
		sum[bj * 3] += p0;
		sum[bj * 3 + 1] += p1;
		sum[bj * 3 + 2] += p2;
	}
	memcpy(x->bsum + b * (size_t)k * 3, sum, sizeof(*sum) * (size_t)k * 3);
	memcpy(x->bcount + b * (size_t)k, count, sizeof(*count) * (size_t)k);
	x->binertia[b] = inertia;
	x->bchanged[b] = changed;
}

static void assign_blocks(void *arg, size_t begin, size_t end, int worker)
{
	assign_ctx *x = arg;
	int d = x->d, k = x->k;

	(void)worker;
	for (size_t b = begin; b < end; b++) {
		double *sum = x->bsum + b * (size_t)k * (size_t)d;
		int64_t *count = x->bcount + b * (size_t)k, changed = 0;
		double inertia = 0;
		size_t lo = b * BLOCK, hi = lo + BLOCK < x->n ? lo + BLOCK : x->n;

		if (d == 3) {
			assign_block3(x, b, lo, hi);
			continue;
		}
		memset(sum, 0, sizeof(*sum) * (size_t)k * (size_t)d);
		memset(count, 0, sizeof(*count) * (size_t)k);
		for (size_t i = lo; i < hi; i++) {
			const double *p = x->z + i * (size_t)d;
			double best = dist2(p, x->c, d);
			int32_t bj = 0;
			for (int j = 1; j < k; j++) {
				double t = dist2(p, x->c + (size_t)j * (size_t)d, d);
				if (t < best) {
					best = t;
					bj = j;
				}
			}
			if (x->first || x->label[i] != bj)
				changed++;
			x->label[i] = bj;
			inertia += best;
			count[bj]++;
			for (int t = 0; t < d; t++)
				sum[(size_t)bj * (size_t)d + (size_t)t] += p[t];
		}
		x->binertia[b] = inertia;
		x->bchanged[b] = changed;
	}
}

typedef struct {
	const double *z;
	size_t n;
	int d;
	const double *c; /* the newest centroid */
	double *d2;
} seed_ctx;

static void seed_update(void *arg, size_t begin, size_t end, int worker)
{
	seed_ctx *x = arg;

	(void)worker;
	for (size_t i = begin; i < end; i++) {
		double t = dist2(x->z + i * (size_t)x->d, x->c, x->d);
		if (t < x->d2[i])
			x->d2[i] = t;
	}
}

/* k-means++: each next centroid is a point drawn with probability
 * proportional to its squared distance to the nearest centroid so far. */
static void seed_plusplus(const double *z, size_t n, int d, int k, rng *r, int threads,
			  double *c, double *d2)
{
	size_t first = rng_below(r, n);
	seed_ctx x = { z, n, d, c, d2 };

	memcpy(c, z + first * (size_t)d, sizeof(*c) * (size_t)d);
	for (size_t i = 0; i < n; i++)
		d2[i] = INFINITY;
	for (int j = 1; j < k; j++) {
		double total = 0, target, acc = 0;
		size_t pick = n - 1;

		x.c = c + (size_t)(j - 1) * (size_t)d;
		parallel_for(threads, n, 8192, seed_update, &x);
		for (size_t i = 0; i < n; i++)
			total += d2[i];
		if (total <= 0) {
			pick = rng_below(r, n); /* every point sits on a centroid */
		} else {
			target = rng_unit(r) * total;
			for (size_t i = 0; i < n; i++) {
				acc += d2[i];
				if (acc > target && d2[i] > 0) {
					pick = i;
					break;
				}
			}
		}
		memcpy(c + (size_t)j * (size_t)d, z + pick * (size_t)d, sizeof(*c) * (size_t)d);
	}
}

typedef struct {
	double inertia;
	int iterations;
	bool converged;
} fit_stats;

/* One seeding plus Lloyd iterations; labels and centroids out. */
static fit_stats fit_once(const double *z, size_t n, int d, int k, rng *r, const kmeans_params *p,
			  int32_t *label, double *c)
{
	size_t blocks = (n + BLOCK - 1) / BLOCK, kd = (size_t)k * (size_t)d;
	double *d2 = xmalloc(n * sizeof(*d2));
	assign_ctx x = { z, n, d, k, c, label, d2, xmalloc(blocks * kd * sizeof(double)),
			 xmalloc(blocks * (size_t)k * sizeof(int64_t)),
			 xmalloc(blocks * sizeof(double)), xmalloc(blocks * sizeof(int64_t)), true };
	double *sum = xmalloc(kd * sizeof(*sum)), *old = xmalloc(kd * sizeof(*old));
	int64_t *count = xmalloc((size_t)k * sizeof(*count));
	fit_stats fs = { 0, 0, false };

	seed_plusplus(z, n, d, k, r, p->threads, c, d2);
	for (int it = 0; it < p->max_iter; it++) {
		int64_t changed = 0;
		bool empty = false;

		parallel_for(p->threads, blocks, 1, assign_blocks, &x);
		x.first = false;
		memset(sum, 0, kd * sizeof(*sum));
		memset(count, 0, (size_t)k * sizeof(*count));
		fs.inertia = 0;
		for (size_t b = 0; b < blocks; b++) {
			for (size_t t = 0; t < kd; t++)
				sum[t] += x.bsum[b * kd + t];
			for (int j = 0; j < k; j++)
				count[j] += x.bcount[b * (size_t)k + (size_t)j];
			fs.inertia += x.binertia[b];
			changed += x.bchanged[b];
		}
		fs.iterations = it + 1;
		if (it > 0 && changed == 0) {
			fs.converged = true;
			break;
		}
		memcpy(old, c, kd * sizeof(*old));
		for (int j = 0; j < k; j++) {
			double *cj = c + (size_t)j * (size_t)d;
			if (count[j] == 0) {
				/* Move an empty cluster to the worst-served point,
				 * by the distances of this assignment (the same
				 * sums assignment took its minimum of). */
				size_t far = 0;
				if (!empty) {
					for (size_t i = 0; i < n; i++)
						d2[i] = dist2(z + i * (size_t)d,
							      old + (size_t)label[i] * (size_t)d, d);
				}
				for (size_t i = 1; i < n; i++) {
					if (d2[i] > d2[far])
						far = i;
				}
				memcpy(cj, z + far * (size_t)d, sizeof(*cj) * (size_t)d);
				d2[far] = 0;
				empty = true;
				continue;
			}
			for (int t = 0; t < d; t++)
				cj[t] = sum[(size_t)j * (size_t)d + (size_t)t] / (double)count[j];
		}
		(void)empty;
	}
	free(d2);
	free(old);
	free(x.bsum);
	free(x.bcount);
	free(x.binertia);
	free(x.bchanged);
	free(sum);
	free(count);
	return fs;
}

/* The best of n_init fits of k clusters on z. */
static fit_stats fit_best(const double *z, size_t n, int d, int k, const kmeans_params *p,
			  int32_t *label, double *c)
{
	int32_t *lab = xmalloc(n * sizeof(*lab));
	double *cen = xmalloc((size_t)k * (size_t)d * sizeof(*cen));
	fit_stats best = { INFINITY, 0, false };

	for (int t = 0; t < (p->n_init > 0 ? p->n_init : 1); t++) {
		rng r = rng_for(p->seed, (uint64_t)k, (uint64_t)t + 1);
		fit_stats fs = fit_once(z, n, d, k, &r, p, lab, cen);
		if (fs.inertia < best.inertia) {
			best = fs;
			memcpy(label, lab, n * sizeof(*lab));
			memcpy(c, cen, (size_t)k * (size_t)d * sizeof(*cen));
		}
	}
	free(lab);
	free(cen);
	return best;
}

/* ---- silhouette ---- */

typedef struct {
	const double *z; /* the sampled points, [m * d] */
	const int32_t *label;
	const int64_t *count; /* members per cluster among the sampled points */
	/* the sampled points again, grouped by cluster (in sample order within
	 * one): cluster c's are [start[c], start[c + 1]) of gz */
	const double *gz;
	const size_t *start;
	size_t m;
	int d, k;
	double *s; /* [m] */
} sil_ctx;

/* Sums of the distances from p and from q to each cluster's points, each
 * sum taken in sample order, as the plain loop over all points adding to
 * sum[label[j]] took it (so the same bits): one accumulator per point and
 * cluster kept in a register, two points at once so two chains of
 * additions run side by side. */
static void sil_sums(const sil_ctx *x, const double *p, const double *q, double *sp, double *sq)
{
	const int d = x->d;

	for (int c = 0; c < x->k; c++) {
		double a = 0, b = 0;
		size_t j = x->start[c], end = x->start[c + 1];

		if (d == 3) {
			/* dist2's sum written out: (t0^2 + t1^2) + t2^2, the same
			 * additions in the same order */
			const double p0 = p[0], p1 = p[1], p2 = p[2];
			const double q0 = q[0], q1 = q[1], q2 = q[2];
			for (; j < end; j++) {
				const double *o = x->gz + j * 3;
				double t0 = p0 - o[0], t1 = p1 - o[1], t2 = p2 - o[2];
				double u0 = q0 - o[0], u1 = q1 - o[1], u2 = q2 - o[2];
				a += sqrt(t0 * t0 + t1 * t1 + t2 * t2);
				b += sqrt(u0 * u0 + u1 * u1 + u2 * u2);
			}
		} else {
			for (; j < end; j++) {
				const double *o = x->gz + j * (size_t)d;
				a += sqrt(dist2(p, o, d));
				b += sqrt(dist2(q, o, d));
			}
		}
		sp[c] = a;
		sq[c] = b;
	}
}

static double sil_of(const sil_ctx *x, int32_t own, const double *sum)
{
	double a, b = INFINITY;

	if (x->count[own] < 2)
		return 0;
	a = sum[own] / (double)(x->count[own] - 1);
	for (int c = 0; c < x->k; c++) {
		if (c != own && x->count[c] > 0 && sum[c] / (double)x->count[c] < b)
			b = sum[c] / (double)x->count[c];
	}
	if (isinf(b) || (a == 0 && b == 0))
		return 0;
	return (b - a) / (a > b ? a : b);
}

static void sil_chunk(void *arg, size_t begin, size_t end, int worker)
{
	sil_ctx *x = arg;
	double sum[KMEANS_MAX_K], sum2[KMEANS_MAX_K];

	(void)worker;
	for (size_t i = begin; i < end; i += 2) {
		const double *p = x->z + i * (size_t)x->d;
		bool two = i + 1 < end;

		sil_sums(x, p, two ? p + x->d : p, sum, sum2);
		x->s[i] = sil_of(x, x->label[i], sum);
		if (two)
			x->s[i + 1] = sil_of(x, x->label[i + 1], sum2);
	}
}

double kmeans_silhouette(const double *z, size_t n, int d, const int32_t *label, int k,
			 size_t sample, uint64_t seed, int threads)
{
	size_t m = n <= sample ? n : sample;
	double *pts = xmalloc((m ? m : 1) * (size_t)d * sizeof(*pts));
	int32_t *lab = xmalloc((m ? m : 1) * sizeof(*lab));
	double *s = xmalloc((m ? m : 1) * sizeof(*s));
	int64_t count[KMEANS_MAX_K] = { 0 };
	double total = 0;

	if (m < n) {
		size_t *idx = xmalloc(n * sizeof(*idx));
		rng r = rng_for(seed, 0x5117, 0);
		sample_indices(n, m, &r, idx);
		for (size_t i = 0; i < m; i++) {
			memcpy(pts + i * (size_t)d, z + idx[i] * (size_t)d, sizeof(*pts) * (size_t)d);
			lab[i] = label[idx[i]];
		}
		free(idx);
	} else {
		memcpy(pts, z, m * (size_t)d * sizeof(*pts));
		memcpy(lab, label, m * sizeof(*lab));
	}
	for (size_t i = 0; i < m; i++)
		count[lab[i]]++;
	/* grouped copy: a stable counting sort by cluster */
	size_t start[KMEANS_MAX_K + 1] = { 0 }, next[KMEANS_MAX_K];
	double *gz = xmalloc((m ? m : 1) * (size_t)d * sizeof(*gz));
	for (int c = 0; c < k; c++)
		start[c + 1] = start[c] + (size_t)count[c];
	memcpy(next, start, sizeof(next));
	for (size_t i = 0; i < m; i++)
		memcpy(gz + next[lab[i]]++ * (size_t)d, pts + i * (size_t)d, sizeof(*gz) * (size_t)d);
	sil_ctx x = { pts, lab, count, gz, start, m, d, k, s };
	parallel_for(threads, m, 64, sil_chunk, &x);
	for (size_t i = 0; i < m; i++)
		total += s[i];
	free(gz);
	free(pts);
	free(lab);
	free(s);
	return m ? total / (double)m : 0;
}

/* ---- the whole fit ---- */

static status check(size_t n, int d, const kmeans_params *p, err *e)
{
	int lo = p->k ? p->k : p->k_min, hi = p->k ? p->k : p->k_max;

	if (n < 3 || d < 1)
		return err_set(e, E_INVAL, "k-means needs at least 3 points and 1 feature (got %zu, %d)",
			       n, d);
	if (lo < 2 || hi > KMEANS_MAX_K || lo > hi || (size_t)hi >= n)
		return err_set(e, E_INVAL,
			       "k-means: k must be between 2 and %d and below the number of points "
			       "(%zu); got %d..%d",
			       KMEANS_MAX_K, n, lo, hi);
	return E_OK;
}

/* Renumbers clusters by decreasing size (ties: lower old number first). */
static void order_by_size(kmeans_result *r, int32_t *label, double *cz)
{
	int k = r->k, d = r->d, order[KMEANS_MAX_K], newnum[KMEANS_MAX_K];
	int64_t size[KMEANS_MAX_K] = { 0 };
	double *tmp = xmalloc((size_t)k * (size_t)d * sizeof(*tmp));

	for (size_t i = 0; i < r->n; i++)
		size[label[i]]++;
	for (int j = 0; j < k; j++)
		order[j] = j;
	for (int j = 1; j < k; j++) { /* insertion sort: k is small */
		int t = order[j], q = j;
		while (q > 0 && size[order[q - 1]] < size[t]) {
			order[q] = order[q - 1];
			q--;
		}
		order[q] = t;
	}
	for (int j = 0; j < k; j++) {
		newnum[order[j]] = j;
		r->size[j] = size[order[j]];
		memcpy(tmp + (size_t)j * (size_t)d, cz + (size_t)order[j] * (size_t)d,
		       sizeof(*tmp) * (size_t)d);
	}
	memcpy(cz, tmp, (size_t)k * (size_t)d * sizeof(*tmp));
	for (size_t i = 0; i < r->n; i++)
		label[i] = newnum[label[i]];
	free(tmp);
}

/* Picks k by the silhouette of fits on (a sample of) z. */
static int choose_k(const double *z, size_t n, int d, const kmeans_params *p, kmeans_result *out)
{
	size_t m = n <= p->select_sample || p->select_sample < 3 ? n : p->select_sample;
	const double *pts = z;
	double *own = NULL, *c = xmalloc((size_t)KMEANS_MAX_K * (size_t)d * sizeof(*c));
	int32_t *lab = xmalloc(m * sizeof(*lab));
	int best = p->k_min;
	double best_s = -INFINITY;

	if (m < n) {
		size_t *idx = xmalloc(n * sizeof(*idx));
		rng r = rng_for(p->seed, 0x5e1ec7, 0);
		sample_indices(n, m, &r, idx);
		own = xmalloc(m * (size_t)d * sizeof(*own));
		for (size_t i = 0; i < m; i++)
			memcpy(own + i * (size_t)d, z + idx[i] * (size_t)d, sizeof(*own) * (size_t)d);
		free(idx);
		pts = own;
	}
	for (int k = p->k_min; k <= p->k_max && (size_t)k < m; k++) {
		fit_best(pts, m, d, k, p, lab, c);
		double s = kmeans_silhouette(pts, m, d, lab, k, p->silhouette_sample, p->seed,
					     p->threads);
		out->silhouette_by_k[k] = s;
		if (s > best_s) {
			best_s = s;
			best = k;
		}
	}
	free(own);
	free(c);
	free(lab);
	return best;
}

status kmeans_fit(const double *x, size_t n, int d, const kmeans_params *p, int32_t *label,
		  kmeans_result *out, err *e)
{
	double *z = NULL, *cz = NULL;
	fit_stats fs;
	status rc;

	memset(out, 0, sizeof(*out));
	for (int k = 0; k <= KMEANS_MAX_K; k++)
		out->silhouette_by_k[k] = NAN;
	if ((rc = check(n, d, p, e)))
		return rc;
	for (size_t i = 0; i < n * (size_t)d; i++) {
		if (!isfinite(x[i]))
			return err_set(e, E_INVAL, "k-means: point %zu, feature %zu is not a number",
				       i / (size_t)d, i % (size_t)d);
	}
	out->n = n;
	out->d = d;
	out->mean = xcalloc((size_t)d, sizeof(double));
	out->sd = xcalloc((size_t)d, sizeof(double));
	for (int j = 0; j < d; j++) {
		long double s = 0, ss = 0;
		for (size_t i = 0; i < n; i++)
			s += x[i * (size_t)d + (size_t)j];
		out->mean[j] = (double)(s / (long double)n);
		for (size_t i = 0; i < n; i++) {
			long double t = x[i * (size_t)d + (size_t)j] - out->mean[j];
			ss += t * t;
		}
		out->sd[j] = sqrt((double)(ss / (long double)n));
		if (!(out->sd[j] > 0))
			out->sd[j] = 1; /* constant feature: all z = 0 */
	}
	z = xmalloc(n * (size_t)d * sizeof(*z));
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; j < d; j++)
			z[i * (size_t)d + (size_t)j] =
				(x[i * (size_t)d + (size_t)j] - out->mean[j]) / out->sd[j];
	}

	out->k = p->k ? p->k : choose_k(z, n, d, p, out);
	cz = xmalloc((size_t)out->k * (size_t)d * sizeof(*cz));
	fs = fit_best(z, n, d, out->k, p, label, cz);
	out->inertia = fs.inertia;
	out->iterations = fs.iterations;
	out->converged = fs.converged;
	out->size = xcalloc((size_t)out->k, sizeof(*out->size));
	order_by_size(out, label, cz);
	out->silhouette = kmeans_silhouette(z, n, d, label, out->k, p->silhouette_sample, p->seed,
					    p->threads);
	out->silhouette_exact = n <= p->silhouette_sample;
	if (p->k)
		out->silhouette_by_k[p->k] = out->silhouette;
	out->centroid = xmalloc((size_t)out->k * (size_t)d * sizeof(*out->centroid));
	for (int j = 0; j < out->k; j++) {
		for (int t = 0; t < d; t++) {
			size_t q = (size_t)j * (size_t)d + (size_t)t;
			out->centroid[q] = cz[q] * out->sd[t] + out->mean[t];
		}
	}
	free(z);
	free(cz);
	return E_OK;
}

void kmeans_result_release(kmeans_result *r)
{
	if (!r)
		return;
	free(r->centroid);
	free(r->mean);
	free(r->sd);
	free(r->size);
	memset(r, 0, sizeof(*r));
}
