/* als.h: implicit-feedback matrix factorisation by alternating least
 * squares (Hu, Koren and Volinsky 2008, "Collaborative filtering for
 * implicit feedback datasets"), each least-squares problem solved
 * approximately by a few warm-started conjugate-gradient steps (Takacs,
 * Pilaszy and Tikk 2011, "Applications of the conjugate gradient method
 * for implicit feedback collaborative filtering").
 *
 * Model. User u and item i get factor vectors x_u, y_i of `factors`
 * numbers; with r_ui the matrix value (rec_matrix.h), preference
 * p_ui = 1 if r_ui > 0 else 0 and confidence c_ui = 1 + alpha r_ui, ALS
 * minimises
 *     L = sum over all (u, i) of c_ui (p_ui - x_u . y_i)^2
 *         + lambda (sum_u |x_u|^2 + sum_i |y_i|^2),
 * alternately over every x_u with Y fixed and every y_i with X fixed. For
 * one user the minimiser solves
 *     (Y'Y + Y'(C_u - I)Y + lambda I) x_u = Y' C_u p_u,
 * where Y'Y is shared by all users (computed once per half-iteration with
 * OpenBLAS) and the other terms only touch the user's own items. Instead
 * of forming and factoring that matrix (O(f^3) per user), cg_steps steps of
 * conjugate gradient start from the current x_u; each step costs one
 * product with Y'Y (O(f^2)) and O(f) per item of the user. Each step
 * lowers the user's term of L, so L never rises from one half-iteration to
 * the next (up to rounding).
 *
 * Choosing lambda and alpha: lambda is absolute, so it weighs against the
 * Gram matrices, which grow with the number of users and items. On Online
 * Retail (4,339 customers x 3,941 products) precision@10 on a random 20 %
 * hold-out was best near alpha 1, lambda 10 (the defaults); on FIMI
 * retail (88,162 one-basket users) lambda 10 gave a third of that and
 * lambda 100 was needed (docs/bench/recommend.md). alpha 0 gives every
 * stored pair confidence 1: what the `implicit` library computes for a
 * binary matrix with its alpha 1 (it takes c = alpha r).
 *
 * Threads: users (then items) are handed out in blocks from a shared
 * counter to `threads` pthreads; OpenBLAS is switched to one thread, so it
 * never starts its own pool inside ours (its calls are small). Factors
 * start from a generator seeded per row, and every row is solved in a
 * fixed order, so the model depends on the seed only, not on the threads.
 *
 * Cost per iteration: O(f^2 (n_users + n_items) (cg_steps + 1)) for the
 * products with the Gram matrices plus O(f nnz (cg_steps + 1)) for the
 * sparse terms, twice (users and items); memory: the factors (4 f bytes per
 * user and per item) and the transposed matrix. */
#ifndef ECRM_ANALYTICS_ALS_H
#define ECRM_ANALYTICS_ALS_H

#include "analytics/rec_matrix.h"

/* Called after every iteration (both halves) with its wall-clock seconds. */
typedef void (*als_progress_fn)(void *ctx, uint32_t iteration, double seconds);

typedef struct {
	uint32_t factors;	  /* f; default 64 */
	uint32_t iterations;	  /* default 15 */
	uint32_t cg_steps;	  /* conjugate-gradient steps per row; default 3 */
	float regularization;	  /* lambda; default 10 (see below) */
	float alpha;		  /* confidence c = 1 + alpha r; default 1 */
	float init_scale;	  /* factors start uniform in [0, init_scale); default 0.01 */
	uint64_t seed;		  /* default 1 */
	int threads;		  /* default 1 */
	als_progress_fn progress; /* may be NULL */
	void *progress_ctx;
} als_params;

/* Factors in row-major order: user u's are user_factors[u * factors ..]. */
typedef struct {
	uint32_t n_users, n_items, factors;
	float *user_factors;
	float *item_factors;
} als_model;

/* The defaults above. */
void als_params_default(als_params *p);

/* Fits the model on the user x item matrix `ui`. E_INVAL on parameters out
 * of range (factors 1..1024, cg_steps 1..64, regularization, alpha and
 * init_scale finite and >= 0).
 * `out` is set up here; release it with als_release, also after an error. */
MUST_CHECK status als_fit(const rec_matrix *ui, const als_params *p, als_model *out, err *e);

void als_release(als_model *m);

/* The objective L above for the model on `ui` (in double). O(f^2 (n_users
 * + n_items) + f nnz). For tests and diagnostics. */
double als_loss(const rec_matrix *ui, const als_model *m, float regularization, float alpha);

/* ---- the OpenBLAS calls, kept in als_blas.c (OpenBLAS's cblas.h and
 * GSL's headers cannot meet in one file) ---- */

/* Lets OpenBLAS use one thread (the caller runs its own threads). */
void als_blas_single_thread(void);
/* G = A'A + reg I for A of n rows and f columns (row-major, leading
 * dimension f); G is f x f, both triangles filled. */
void als_blas_gram(const float *a, size_t n, uint32_t f, float reg, float *g);
/* y = G x for the symmetric f x f matrix G. */
void als_blas_symv(uint32_t f, const float *g, const float *x, float *y);
/* C = A G for A (m x f) and the f x f matrix G, all row-major. */
void als_blas_mm(const float *a, size_t m, const float *g, uint32_t f, float *c);
/* C = A B' for A (m x f) and B (n x f), C m x n, all row-major. */
void als_blas_abt(const float *a, size_t m, const float *b, size_t n, uint32_t f, float *c);

#endif
