/* rec_matrix.h: what the recommenders (itemknn, als, rec_eval) share: the
 * sparse user x item matrix, orders as item lists, a seeded generator, a
 * top-k selector and a dynamically scheduled parallel loop. Pure code: no
 * SQL (baskets_db.h fills these from the store). */
#ifndef ECRM_ANALYTICS_REC_MATRIX_H
#define ECRM_ANALYTICS_REC_MATRIX_H

#include "core/common.h"
#include "core/err.h"

/* No item: pads a ranked list shorter than asked for. */
#define REC_NONE UINT32_MAX

/* A sparse matrix in CSR layout: row r holds the columns
 * indices[indptr[r] .. indptr[r + 1]), strictly ascending, with the values
 * data[...] (all > 0). For the user x item matrix a row is a user (customer)
 * and a value how strongly the user chose the item: 1 (binary) or the
 * number of orders that held it (counts). */
typedef struct {
	uint32_t n_rows, n_cols;
	size_t nnz;
	size_t *indptr;	   /* n_rows + 1 entries */
	uint32_t *indices; /* nnz */
	float *data;	   /* nnz */
} rec_matrix;

/* Frees what `m` holds and zeroes it; a zeroed matrix is harmless. */
void rec_matrix_release(rec_matrix *m);

/* Builds `out` from rows given as lists: row r holds cols[offsets[r] ..
 * offsets[r + 1]) in any order with the values vals[...] (NULL: 1 each).
 * A column repeated within a row is merged by adding its values; values
 * that are not > 0 are dropped. E_INVAL on a column >= n_cols or offsets
 * that do not ascend. The input is only read. O(nnz log(row length)). */
MUST_CHECK status rec_matrix_from_rows(uint32_t n_rows, uint32_t n_cols, const size_t *offsets,
				       const uint32_t *cols, const float *vals, rec_matrix *out,
				       err *e);

/* The transpose (item x user from user x item), in O(nnz + rows + cols).
 * `out` is set up here. */
void rec_matrix_transpose(const rec_matrix *m, rec_matrix *out);

/* Sets every stored value to 1. */
void rec_matrix_binarize(rec_matrix *m);

/* Whether row `r` holds column `c` (binary search). */
bool rec_matrix_has(const rec_matrix *m, uint32_t r, uint32_t c);

/* Orders with their distinct items in CSR layout: order o was placed by
 * user[o] (REC_NONE: a guest or unknown customer) at time[o] (Unix seconds)
 * and holds items[offsets[o] .. offsets[o + 1]), each once. Borrowed by the
 * functions that read it. */
typedef struct {
	size_t n_orders;
	uint32_t n_users, n_items;
	const uint32_t *user;
	const int64_t *time;
	const size_t *offsets; /* n_orders + 1 */
	const uint32_t *items;
} rec_orders;

/* How a user's orders become a row of the user x item matrix. */
typedef enum {
	REC_BINARY = 0, /* 1 when the user ever bought the item */
	REC_COUNTS,	/* the number of the user's orders that held the item */
} rec_weighting;

/* The user x item matrix of the orders whose keep[o] is true (keep NULL:
 * every order); guest orders are skipped. `out` is set up here. */
MUST_CHECK status rec_matrix_from_orders(const rec_orders *o, const bool *keep, rec_weighting w,
					 rec_matrix *out, err *e);

/* ---- a seeded generator (splitmix64): the same seed, the same numbers ---- */

typedef struct {
	uint64_t s;
} rec_rng;

/* A generator for stream `stream` of `seed`: streams of one seed are
 * independent, so per-row streams make results independent of the order
 * (and the threads) rows are handled in. */
void rec_rng_init(rec_rng *g, uint64_t seed, uint64_t stream);
uint64_t rec_rng_next(rec_rng *g);
/* Uniform in [0, 1) with 53 random bits. */
double rec_rng_uniform(rec_rng *g);
/* Uniform in [0, n) without modulo bias; n > 0. */
uint64_t rec_rng_below(rec_rng *g, uint64_t n);

/* ---- top-k ---- */

/* Keeps the k best (index, score) pairs pushed: higher score first, equal
 * scores by lower index, so the result does not depend on the order of the
 * pushes. The caller gives room for k entries. */
typedef struct {
	uint32_t k, n;
	uint32_t *idx;
	float *score;
} rec_topk;

void rec_topk_init(rec_topk *t, uint32_t k, uint32_t *idx, float *score);
/* The slow path of rec_topk_push: `idx` enters the heap. */
void rec_topk_insert(rec_topk *t, uint32_t idx, float score);

/* Offers (idx, score); kept when among the k best so far. Inline: most
 * offers lose to the current k-th best and cost one comparison. */
static inline void rec_topk_push(rec_topk *t, uint32_t idx, float score)
{
	if (t->n == t->k && !(score > t->score[0] || (score == t->score[0] && idx < t->idx[0])))
		return;
	rec_topk_insert(t, idx, score);
}
/* Sorts what was kept best first (idx[0], score[0] is the best) and
 * returns how many: min(k, pushes). The heap is spent afterwards. */
uint32_t rec_topk_finish(rec_topk *t);

/* ---- a parallel loop with dynamic scheduling ---- */

/* Called for [begin, end) blocks taken in turn by `threads` workers; worker
 * is 0..threads-1 and unique among the concurrent calls. */
typedef void (*rec_block_fn)(void *ctx, size_t begin, size_t end, int worker);

/* Runs fn over [0, n) in blocks of `block` indexes handed out one at a time
 * from a shared counter, so uneven rows (a customer with a thousand items,
 * another with one) do not leave a thread idle. The caller's thread is
 * worker 0. Returns after every block is done. */
void rec_parallel(int threads, size_t n, size_t block, rec_block_fn fn, void *ctx);

#endif
