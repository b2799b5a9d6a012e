/* als.c: implicit ALS with warm-started conjugate gradient per row (see
 * als.h). The dense f x f products go through als_blas.c; the sparse terms
 * are short loops over the row's items here. */
#include "analytics/als.h"
#include "core/xalloc.h"

#include <math.h>
#include <time.h>

#define ROWS_PER_BLOCK 64
#define MAX_THREADS    64
#define TINY_RESIDUAL  1e-20f
#define PREFETCH_AHEAD 4

/* Four lanes, two accumulators: plain SSE on the baseline x86-64 target
 * (eight-lane vectors there would be split through the stack), FMA in the
 * x86-64-v3 clone of solve_block. Unaligned loads via memcpy. */
typedef float v4f __attribute__((vector_size(16)));

static inline __attribute__((always_inline)) float dot(const float *a, const float *b, uint32_t n)
{
	v4f s0 = { 0 }, s1 = { 0 };
	uint32_t i = 0;
	float s;

	for (; i + 8 <= n; i += 8) {
		v4f x0, y0, x1, y1;
		memcpy(&x0, a + i, sizeof(x0));
		memcpy(&y0, b + i, sizeof(y0));
		memcpy(&x1, a + i + 4, sizeof(x1));
		memcpy(&y1, b + i + 4, sizeof(y1));
		s0 += x0 * y0;
		s1 += x1 * y1;
	}
	s0 += s1;
	s = (s0[0] + s0[2]) + (s0[1] + s0[3]);
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* y += t x */
static inline __attribute__((always_inline)) void axpy(float t, const float *x, float *y,
						       uint32_t n)
{
	uint32_t i = 0;

	for (; i + 4 <= n; i += 4) {
		v4f xv, yv;
		memcpy(&xv, x + i, sizeof(xv));
		memcpy(&yv, y + i, sizeof(yv));
		yv += t * xv;
		memcpy(y + i, &yv, sizeof(yv));
	}
	for (; i < n; i++)
		y[i] += t * x[i];
}

void als_params_default(als_params *p)
{
	*p = (als_params){ .factors = 64,
			   .iterations = 15,
			   .cg_steps = 3,
			   .regularization = 10.0f,
			   .alpha = 1.0f,
			   .init_scale = 0.01f,
			   .seed = 1,
			   .threads = 1 };
}

/* One worker's conjugate-gradient state for a block of rows. */
typedef struct {
	float *r, *p, *q; /* ROWS_PER_BLOCK x f each */
	float *rsold;	  /* ROWS_PER_BLOCK */
	bool *active;	  /* ROWS_PER_BLOCK: still iterating */
} cg_scratch;

typedef struct {
	const rec_matrix *m; /* the rows being solved */
	const float *other;  /* the fixed side's factors */
	float *self;	     /* the factors being solved, warm start */
	const float *gram;   /* other'other + lambda I */
	uint32_t f, cg_steps;
	float alpha;
	cg_scratch *ws; /* per worker */
} half_ctx;

/* Adds to `out` the sparse terms of row u applied to v: the sum over the
 * row's items i of (c_i - 1)(y_i . v) y_i, which is Y'(C_u - I)Y v; or,
 * with `rhs`, of (c_i - (c_i - 1)(y_i . v)) y_i, which is
 * Y'C_u p_u - Y'(C_u - I)Y v. */
static inline __attribute__((always_inline)) void sparse_term(const half_ctx *h, size_t u,
							      const float *v, bool rhs, float *out)
{
	const uint32_t f = h->f;
	const size_t lo = h->m->indptr[u], hi = h->m->indptr[u + 1];

	for (size_t a = lo; a < hi; a++) {
		const float *y = h->other + (size_t)h->m->indices[a] * f;
		float c = 1.0f + h->alpha * h->m->data[a];
		/* The factor rows are scattered: fetch the whole row a few items
		 * ahead (the first pass over a row's items waits on memory). */
		if (a + PREFETCH_AHEAD < hi) {
			const char *next =
				(const char *)(h->other +
					       (size_t)h->m->indices[a + PREFETCH_AHEAD] * f);
			for (size_t off = 0; off < f * sizeof(float); off += 64)
				__builtin_prefetch(next + off);
		}
		float t = (c - 1.0f) * dot(y, v, f);
		axpy(rhs ? c - t : t, y, out, f);
	}
}

/* Block conjugate gradient: the rows [begin, end) (at most ROWS_PER_BLOCK)
 * take their CG steps in lockstep, so the products with the Gram matrix G
 * are one matrix product (sgemm) per step for the whole block; everything
 * else is per row, exactly as if each row were solved alone: for row u,
 * from x = x_u,
 *     r = Y'C_u p_u - (G + Y'(C_u - I)Y) x,  p = r
 *     cg_steps times: q = (G + Y'(C_u - I)Y) p, a = r.r / p.q,
 *                     x += a p, r -= a q, p = r + (r'.r' / r.r) p
 * stopping early once r.r < 1e-20 (or p.q is not positive, which only
 * rounding can cause: the matrix is positive definite for lambda > 0). */
__attribute__((target_clones("arch=x86-64-v3", "default"))) static void
solve_block(void *arg, size_t begin, size_t end, int worker)
{
	half_ctx *h = arg;
	const uint32_t f = h->f, n = (uint32_t)(end - begin);
	const cg_scratch *w = &h->ws[worker];
	float *r = w->r, *p = w->p, *q = w->q, *rsold = w->rsold;
	bool *active = w->active;
	float *x0 = h->self + begin * f;

	/* r = -X G + sparse terms; rows of X are contiguous in self. */
	als_blas_mm(x0, n, h->gram, f, r);
	for (uint32_t j = 0; j < n; j++) {
		float *rj = r + (size_t)j * f;
		for (uint32_t k = 0; k < f; k++)
			rj[k] = -rj[k];
		sparse_term(h, begin + j, x0 + (size_t)j * f, true, rj);
		rsold[j] = dot(rj, rj, f);
		active[j] = rsold[j] >= TINY_RESIDUAL;
		/* An inactive row's p is 0, so its q row is 0 and costs nothing. */
		for (uint32_t k = 0; k < f; k++)
			p[(size_t)j * f + k] = active[j] ? rj[k] : 0.0f;
	}
	for (uint32_t step = 0; step < h->cg_steps; step++) {
		bool any = false;
		als_blas_mm(p, n, h->gram, f, q);
		for (uint32_t j = 0; j < n; j++) {
			float *rj = r + (size_t)j * f, *pj = p + (size_t)j * f,
			      *qj = q + (size_t)j * f;
			float *x = x0 + (size_t)j * f, a, rsnew;
			if (!active[j])
				continue;
			sparse_term(h, begin + j, pj, false, qj);
			a = dot(pj, qj, f);
			if (!(a > 0)) {
				active[j] = false;
				continue;
			}
			a = rsold[j] / a;
			axpy(a, pj, x, f);
			axpy(-a, qj, rj, f);
			rsnew = dot(rj, rj, f);
			if (rsnew < TINY_RESIDUAL) {
				active[j] = false;
				memset(pj, 0, f * sizeof(*pj));
				continue;
			}
			for (uint32_t k = 0; k < f; k++)
				pj[k] = rj[k] + (rsnew / rsold[j]) * pj[k];
			rsold[j] = rsnew;
			any = true;
		}
		if (!any)
			break;
	}
}

static void init_factors(float *v, uint32_t rows, uint32_t f, uint64_t seed, uint64_t stream0,
			 float scale)
{
	for (uint32_t r = 0; r < rows; r++) {
		rec_rng g;
		rec_rng_init(&g, seed, stream0 + r);
		for (uint32_t k = 0; k < f; k++)
			v[(size_t)r * f + k] = (float)rec_rng_uniform(&g) * scale;
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

status als_fit(const rec_matrix *ui, const als_params *p, als_model *out, err *e)
{
	uint32_t f = p->factors;
	int threads = p->threads < 1 ? 1 : p->threads > MAX_THREADS ? MAX_THREADS : p->threads;
	rec_matrix iu = { 0 };
	cg_scratch ws[MAX_THREADS];
	float *gram;
	half_ctx h;

	memset(out, 0, sizeof(*out));
	if (f < 1 || f > 1024)
		return err_set(e, E_INVAL, "als: factors must be 1 to 1024, not %" PRIu32, f);
	if (p->cg_steps < 1 || p->cg_steps > 64)
		return err_set(e, E_INVAL, "als: cg_steps must be 1 to 64, not %" PRIu32,
			       p->cg_steps);
	if (!(p->regularization >= 0) || !isfinite(p->regularization))
		return err_set(e, E_INVAL, "als: regularization must be a number >= 0");
	if (!(p->alpha >= 0) || !isfinite(p->alpha))
		return err_set(e, E_INVAL, "als: alpha must be a number >= 0");
	if (!(p->init_scale >= 0) || !isfinite(p->init_scale))
		return err_set(e, E_INVAL, "als: init_scale must be a number >= 0");
	als_blas_single_thread();
	out->n_users = ui->n_rows;
	out->n_items = ui->n_cols;
	out->factors = f;
	out->user_factors = xmalloc(((size_t)ui->n_rows + 1) * f * sizeof(float));
	out->item_factors = xmalloc(((size_t)ui->n_cols + 1) * f * sizeof(float));
	/* Separate stream ranges for users and items: 2^32 apart. */
	init_factors(out->user_factors, ui->n_rows, f, p->seed, 0, p->init_scale);
	init_factors(out->item_factors, ui->n_cols, f, p->seed, (uint64_t)1 << 32, p->init_scale);
	rec_matrix_transpose(ui, &iu);
	gram = xmalloc((size_t)f * f * sizeof(*gram));
	for (int t = 0; t < threads; t++) {
		ws[t].r = xmalloc(3 * (size_t)ROWS_PER_BLOCK * f * sizeof(float));
		ws[t].p = ws[t].r + (size_t)ROWS_PER_BLOCK * f;
		ws[t].q = ws[t].p + (size_t)ROWS_PER_BLOCK * f;
		ws[t].rsold = xmalloc(ROWS_PER_BLOCK * sizeof(float));
		ws[t].active = xmalloc(ROWS_PER_BLOCK * sizeof(bool));
	}
	h = (half_ctx){
		.f = f, .cg_steps = p->cg_steps, .alpha = p->alpha, .gram = gram, .ws = ws
	};
	for (uint32_t it = 0; it < p->iterations; it++) {
		double t0 = now();

		h.m = ui;
		h.other = out->item_factors;
		h.self = out->user_factors;
		als_blas_gram(out->item_factors, ui->n_cols, f, p->regularization, gram);
		rec_parallel(threads, ui->n_rows, ROWS_PER_BLOCK, solve_block, &h);

		h.m = &iu;
		h.other = out->user_factors;
		h.self = out->item_factors;
		als_blas_gram(out->user_factors, ui->n_rows, f, p->regularization, gram);
		rec_parallel(threads, iu.n_rows, ROWS_PER_BLOCK, solve_block, &h);
		if (p->progress)
			p->progress(p->progress_ctx, it + 1, now() - t0);
	}
	for (int t = 0; t < threads; t++) {
		free(ws[t].r);
		free(ws[t].rsold);
		free(ws[t].active);
	}
	free(gram);
	rec_matrix_release(&iu);
	return E_OK;
}

void als_release(als_model *m)
{
	free(m->user_factors);
	free(m->item_factors);
	memset(m, 0, sizeof(*m));
}

double als_loss(const rec_matrix *ui, const als_model *m, float regularization, float alpha)
{
	const uint32_t f = m->factors;
	float *g = xmalloc((size_t)f * f * sizeof(*g)), *gx = xmalloc(f * sizeof(*gx));
	double loss = 0, norms = 0;

	/* Every (u, i) with c = 1, p = 0 is (x.y)^2, summed over i: x'(Y'Y)x;
	 * the stored pairs then swap that term for c (1 - s)^2. */
	als_blas_gram(m->item_factors, m->n_items, f, 0.0f, g);
	for (uint32_t u = 0; u < m->n_users; u++) {
		const float *x = m->user_factors + (size_t)u * f;
		als_blas_symv(f, g, x, gx);
		for (uint32_t k = 0; k < f; k++) {
			loss += (double)x[k] * gx[k];
			norms += (double)x[k] * x[k];
		}
		for (size_t a = ui->indptr[u]; a < ui->indptr[u + 1]; a++) {
			const float *y = m->item_factors + (size_t)ui->indices[a] * f;
			double s = 0, c = 1.0 + (double)alpha * ui->data[a];
			for (uint32_t k = 0; k < f; k++)
				s += (double)x[k] * y[k];
			loss += c * (1 - s) * (1 - s) - s * s;
		}
	}
	for (size_t k = 0; k < (size_t)m->n_items * f; k++)
		norms += (double)m->item_factors[k] * m->item_factors[k];
	free(gx);
	free(g);
	return loss + regularization * norms;
}
