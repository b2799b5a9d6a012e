/* rec_eval.h: offline evaluation of recommenders: hold-out splits, ranked
 * lists from any model behind one interface (popularity, item-kNN, ALS),
 * and precision, recall and NDCG at k.
 *
 * Splits (each gives a training matrix and a test matrix of the same
 * shape; test values are 1):
 *  - random: for each user with n distinct items, h = floor(fraction n +
 *    1/2) of them, at most n - 1, chosen uniformly (a generator stream per
 *    user, so the split depends on the seed only) go to the test matrix, the
 *    rest stay in training. Users with h = 0 are not evaluated (for
 *    fraction 0.2: users with fewer than 3 items).
 *  - last orders: for each user with more than n_last orders, the n_last
 *    latest (by time, ties by order position) are held out; the test items
 *    are their items that no earlier order of the user holds (a model never
 *    recommends what the user already has). Training is every other order.
 *
 * Metrics. For an evaluated user (one with at least one test item) with
 * test set T and the model's ranked list l_1 .. l_k of items not in the
 * user's training row (shorter when the model has fewer candidates; a
 * missing position is a miss), with rel_r = 1 if l_r is in T else 0:
 *     precision@k = (sum_r rel_r) / k
 *     recall@k    = (sum_r rel_r) / |T|
 *     DCG@k       = sum_{r=1..k} rel_r / log2(r + 1)
 *     IDCG@k      = sum_{r=1..min(k, |T|)} 1 / log2(r + 1)
 *     NDCG@k      = DCG@k / IDCG@k
 *     hit@k       = 1 if sum_r rel_r > 0 else 0
 * and the figures reported are their means over the evaluated users. */
#ifndef ECRM_ANALYTICS_REC_EVAL_H
#define ECRM_ANALYTICS_REC_EVAL_H

#include "analytics/als.h"
#include "analytics/itemknn.h"
#include "analytics/rec_matrix.h"

/* Splits `m` at random (see above). `train` and `test` are set up here. */
void rec_split_random(const rec_matrix *m, double fraction, uint64_t seed, rec_matrix *train,
		      rec_matrix *test);

/* Splits the orders by user, holding out each user's `n_last` latest orders
 * (see above); the training matrix is weighted by `w`. */
MUST_CHECK status rec_split_last_orders(const rec_orders *o, uint32_t n_last, rec_weighting w,
					rec_matrix *train, rec_matrix *test, err *e);

/* ---- ranking ---- */

/* Writes the k best items for each of users[0 .. n) into out[j * k ..
 * (j + 1) * k) best first, never one of the user's training items, padding
 * with REC_NONE; scores (may be NULL) gets their scores. `worker` is
 * 0..threads-1 and unique among concurrent calls, for per-worker scratch;
 * n is at most REC_RANK_BLOCK. */
typedef void (*rec_rank_fn)(void *self, const uint32_t *users, size_t n, uint32_t k, uint32_t *out,
			    float *scores, int worker);

#define REC_RANK_BLOCK 256

typedef struct {
	rec_rank_fn rank;
	void (*release)(void *self);
	void *self;
	int threads; /* workers it has scratch for */
} rec_ranker;

/* Rankers over a training matrix (rows: users), for up to `threads`
 * workers. Borrowed: `train` and the model must outlive the ranker.
 *  - popular: items by the number of training users who have them
 *    (ties: lower item index first); the same list for everyone.
 *  - itemknn: itemknn_recommend on the user's training row.
 *  - als: x_u . y_i for every item (OpenBLAS sgemm per block of users). */
void rec_ranker_popular(rec_ranker *r, const rec_matrix *train, int threads);
void rec_ranker_itemknn(rec_ranker *r, const itemknn_model *m, const rec_matrix *train,
			int threads);
void rec_ranker_als(rec_ranker *r, const als_model *m, const rec_matrix *train, int threads);
/* Frees the ranker's scratch; a zeroed ranker is harmless. */
void rec_ranker_release(rec_ranker *r);

/* Ranks users[0 .. n) with `threads` threads into out[j * k ..] (and
 * scores[j * k ..] when not NULL), as rec_rank_fn describes. */
void rec_rank_users(const rec_ranker *r, const uint32_t *users, size_t n, uint32_t k, int threads,
		    uint32_t *out, float *scores);

/* ---- metrics ---- */

typedef struct {
	uint32_t k;
	size_t users; /* evaluated: users with at least one test item */
	double precision, recall, ndcg, hit_rate;
} rec_metrics;

/* The metrics above for one user: `ranked` holds k entries (REC_NONE
 * allowed), `test` the n_test >= 1 held-out items in ascending order. */
void rec_metrics_user(const uint32_t *ranked, uint32_t k, const uint32_t *test, size_t n_test,
		      double *precision, double *recall, double *ndcg);

/* Ranks every user with a non-empty row in `test` and averages the
 * metrics at k over them. */
void rec_evaluate(const rec_matrix *test, uint32_t k, const rec_ranker *r, int threads,
		  rec_metrics *out);

#endif
